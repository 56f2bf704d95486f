/*
 * proxifier.c: the Proxifier connection log.
 *
 *   [10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS
 *   [10.30 16:51:56] svchost.exe *64 - proxy.example.org:5070 close, 303 bytes sent
 *   [MM.DD HH:MM:SS] program [*64] - destination event
 *
 * No year (st_civil_resolve settles it), no zone. The message starts at the
 * program; the level is the first level word after the destination
 * ("error : Could not connect"), or after the time on other lines.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t prog, prog_end, after; /* after: past the destination, or 0 */
};

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	if (n < 17 || s[0] != '[' || s[3] != '.' || s[6] != ' ')
		return ST_ENOMATCH;
	*c = (struct st_civil){.year = -1};
	if (st_digits(s + 1, 2, 2, 2, &c->mon) != 2 || st_digits(s + 4, 2, 2, 2, &c->day) != 2)
		return ST_ENOMATCH;
	size_t k = st_parse_hms(s + 7, n - 7, c);
	if (k == 0 || 7 + k >= n || s[7 + k] != ']')
		return ST_ENOMATCH;
	size_t i = skip_spaces(s, n, 8 + k);
	p->prog = i;
	while (i < n && s[i] != ' ')
		i++;
	p->prog_end = i;
	p->after = 0;
	/* " - destination " or " *64 - destination " */
	size_t j = i;
	if (j + 4 < n && memcmp(s + j, " *64", 4) == 0)
		j += 4;
	if (j + 3 < n && memcmp(s + j, " - ", 3) == 0) {
		j += 3;
		while (j < n && s[j] != ' ')
			j++;
		p->after = skip_spaces(s, n, j);
	} else {
		p->prog_end = p->prog;
	}
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	size_t l = p.after ? p.after : p.prog;
	d->level = (uint8_t)st_level_scan(s + l, n - l);
	d->body = (uint32_t)p.prog;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0)
		return;
	ST_FIELD(out, "program", s + p.prog, p.prog_end - p.prog);
}

static const char *const samples[] = {
	"[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS",
	"[10.30 16:51:56] svchost.exe *64 - proxy.example.org:5070 close, 303 bytes sent, 275 bytes received, lifetime <1 sec",
	"[10.30 17:02:11] Dropbox.exe - client.example.com:443 error : Could not connect through proxy proxy.example.org:5070",
	"[02.29 00:00:00] Welcome to Proxifier",
	NULL,
};

static const char *const rejects[] = {
	"[10-30 16:49:06] chrome.exe - a dash in the date",
	"[10.30 16:49] chrome.exe - no seconds",
	"[13.30 16:49:06] chrome.exe - month 13",
	"[2024-10-30 16:49:06] chrome.exe - an ISO date",
	NULL,
};

const struct st_format st_format_proxifier = {
	.name = "proxifier",
	.title = "Proxifier log \"[10.30 16:49:06] chrome.exe - host:port open through proxy ...\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
