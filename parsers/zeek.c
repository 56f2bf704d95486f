/*
 * zeek.c: Zeek (Bro) logs in their tab-separated form: conn.log,
 * http.log, dns.log, ...
 *
 *   #separator \x09
 *   #path	conn
 *   #open	2024-03-09-02-00-13
 *   #fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto ...
 *   1709949613.496300	CAbc123xyz	10.0.0.7	52025	192.0.2.80	443	tcp ...
 *   #close	2024-03-09-03-00-00
 *
 * Entries open with ts, epoch seconds with six decimals, then a tab. The
 * #open and #close directives are read as records at their time (local,
 * --assume-tz); the others are not read, so they go with the record
 * before them or stand alone, untimed, at the top. Zeek's JSON logs are
 * json's. Columns are named by #fields, which a line on its own does not
 * know; nearly every Zeek log opens with ts, uid and the connection's
 * four-tuple, so those are the fields when the columns look like that:
 * uid, orig_h, orig_p, resp_h, resp_p.
 */
#include <string.h>

#include "common.h"

/* "#open\t2024-03-09-02-00-13" */
static size_t
directive_time(const char *s, size_t n, struct st_civil *c)
{
	memset(c, 0, sizeof(*c));
	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != '-' || s[13] != '-' || s[16] != '-')
		return 0;
	int *parts[6] = {&c->year, &c->mon, &c->day, &c->hour, &c->min, &c->sec};
	static const size_t at[6] = {0, 5, 8, 11, 14, 17};
	for (int i = 0; i < 6; i++)
		if (st_digits(s + at[i], 4, i ? 2 : 4, i ? 2 : 4, parts[i]) != (i ? 2u : 4u))
			return 0;
	return 19;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	if (n > 6 && s[0] == '#') {
		size_t i;
		if (memcmp(s, "#open\t", 6) == 0)
			i = 6;
		else if (n > 7 && memcmp(s, "#close\t", 7) == 0)
			i = 7;
		else
			return ST_ENOMATCH;
		struct st_civil c;
		size_t k = directive_time(s + i, n - i, &c);
		if (k == 0 || i + k != n || st_civil_resolve(tc, c, &d->ts) < 0)
			return ST_ENOMATCH;
		d->body = (uint32_t)i;
		d->level = ST_LVL_NONE;
		d->kind = ST_KIND_LOG;
		return 0;
	}
	/* ts: digits, '.', six digits, tab */
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i < 9 || i > 11 || i + 8 > n || s[i] != '.')
		return ST_ENOMATCH;
	for (size_t k = i + 1; k < i + 7; k++)
		if (!is_digit(s[k]))
			return ST_ENOMATCH;
	if (s[i + 7] != '\t' || st_parse_time_value(tc, s, i + 7, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)(i + 8);
	d->level = ST_LVL_NONE;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	if (s[0] == '#')
		return;
	size_t col[6], end[6], i = d->body;
	int k = 0;
	for (; k < 6 && i <= n; k++) {
		col[k] = i;
		const char *t = memchr(s + i, '\t', n - i);
		end[k] = t ? (size_t)(t - s) : n;
		i = end[k] + 1;
		if (t == NULL) {
			k++;
			break;
		}
	}
	/* uid, orig_h, orig_p, resp_h, resp_p: ports are digits, hosts hold '.' or ':' */
	if (k < 5)
		return;
	for (int p = 2; p <= 4; p += 2)
		for (size_t j = col[p]; j < end[p]; j++)
			if (!is_digit(s[j]))
				return;
	for (int h = 1; h <= 3; h += 2)
		if (memchr(s + col[h], '.', end[h] - col[h]) == NULL &&
		    memchr(s + col[h], ':', end[h] - col[h]) == NULL)
			return;
	static const char *const keys[] = {"uid", "orig_h", "orig_p", "resp_h", "resp_p"};
	for (int f = 0; f < 5; f++)
		st_fields_add(out, keys[f], strlen(keys[f]), s + col[f], end[f] - col[f]);
}

static const char *const samples[] = {
	"1709949613.496300\tCAbc123xyz\t10.0.0.7\t52025\t192.0.2.80\t443\ttcp\tssl\t2.125850\t0\t1092\tSF",
	"#open\t2024-03-09-02-00-13",
	"1709949614.000001\tCq2Wd81\tfe80::1\t5353\tff02::fb\t5353\tudp\tdns",
	"#close\t2024-03-09-03-00-00",
	NULL,
};

static const char *const rejects[] = {
	"#fields\tts\tuid\tid.orig_h",
	"#separator \\x09",
	"1709949613.4963\tshort fraction",
	"1709949613.496300 a blank, not a tab",
	"#open\t2024-03-09 02:00:13",
	NULL,
};

const struct st_format st_format_zeek = {
	.name = "zeek",
	.title = "Zeek (Bro) TSV logs \"1709949613.496300<TAB>uid<TAB>...\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
