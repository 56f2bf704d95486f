/*
 * terraform.c: Terraform's TF_LOG output, and the other HashiCorp tools
 * that log the same two ways (Vault, Consul, Nomad, Packer).
 *
 *   2021-07-03T16:29:02.567+0200 [DEBUG] provider: starting plugin: path=...
 *   2021-07-03T16:29:02.590+0200 [INFO]  plugin.terraform-provider-aws: configuring
 *   2021/07/03 16:29:00 [DEBUG] Attempting to open CLI config file: ~/.terraformrc
 *
 * The first is hclog (an RFC 3339 time with milliseconds and an offset),
 * the second Go's log package with a level prefix (logutils): local time
 * without a zone, so --assume-tz places it. Both are read here, so a log
 * that interleaves them stays in one format; lines without a time
 * (plans, graphs, stack traces) continue the record before them. The
 * level is the bracketed word: TRACE, DEBUG, INFO, WARN, ERROR. Field:
 * module, the "name:" an hclog line names after its level (provider,
 * plugin.terraform-provider-aws, backend/local).
 */
#include <string.h>

#include "common.h"

/* The index after "[LEVEL]" and its padding, or 0; sets *lvl. */
static size_t
level(const char *s, size_t n, size_t i, enum st_level *lvl)
{
	if (i + 7 > n || s[i] != ' ' || s[i + 1] != '[')
		return 0;
	size_t a = i + 2, b = a;
	while (b < n && s[b] >= 'A' && s[b] <= 'Z')
		b++;
	if (b >= n || s[b] != ']' || b - a < 4 || b - a > 5)
		return 0;
	static const char *const words[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", NULL};
	bool ok = false;
	for (int w = 0; words[w] && !ok; w++)
		ok = strlen(words[w]) == b - a && memcmp(words[w], s + a, b - a) == 0;
	if (!ok)
		return 0;
	*lvl = st_level_from_word(s + a, b - a);
	return skip_spaces(s, n, b + 1);
}

static size_t
stamp(const char *s, size_t n, struct st_civil *c, bool *hclog)
{
	size_t k;
	*hclog = n > 10 && s[4] == '-';
	if (*hclog) {
		k = st_parse_iso(s, n, c, false);
		/* hclog writes "2006-01-02T15:04:05.000Z0700" */
		if (k < 23 || s[10] != 'T' || s[19] != '.' || !c->has_off)
			return 0;
		return k;
	}
	memset(c, 0, sizeof(*c));
	if (n < 19 || s[4] != '/' || s[7] != '/' || s[10] != ' ' ||
	    st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 5, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 8, 2, 2, 2, &c->day) != 2 || st_parse_hms(s + 11, 8, c) != 8)
		return 0;
	return 19;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	bool hclog;
	size_t k = stamp(s, n, &c, &hclog);
	enum st_level lvl;
	size_t body = k ? level(s, n, k, &lvl) : 0;
	if (body == 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)body;
	d->level = (uint8_t)lvl;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	/* "module: ": one word (letters, digits, . _ - /) and a colon */
	size_t i = d->body, j = i;
	if (s[4] != '-')
		return;
	while (j < n && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == '.' || s[j] == '_' ||
	                 s[j] == '-' || s[j] == '/'))
		j++;
	if (j > i && j + 1 < n && s[j] == ':' && s[j + 1] == ' ')
		ST_FIELD(out, "module", s + i, j - i);
}

static const char *const samples[] = {
	"2021-07-03T16:29:02.567+0200 [DEBUG] provider: starting plugin: path=.terraform/plugins/x pid=4242",
	"2021-07-03T16:29:02.590+0200 [INFO]  plugin.terraform-provider-aws: configuring server automatic mTLS: timestamp=2021-07-03T16:29:02.590+0200",
	"2021/07/03 16:29:00 [TRACE] Meta.Backend: no config given or present on disk",
	"2021-08-26T18:15:11.068+0530 [WARN]  local provider path contains invalid type",
	"2024/01/01 10:00:00 [ERROR] eval: *terraform.EvalApply, err: timeout",
	NULL,
};

static const char *const rejects[] = {
	"2021-07-03T16:29:02Z [DEBUG] no milliseconds or offset: not hclog",
	"2021-07-03T16:29:02.567+0200 DEBUG no brackets",
	"2021/07/03 16:29:00 [NOTICE] not a logutils level",
	"2025/03/09 02:00:13 [error] 31#31: nginx's lower-case levels",
	NULL,
};

const struct st_format st_format_terraform = {
	.name = "terraform",
	.title = "Terraform TF_LOG and HashiCorp tools \"2021-07-03T16:29:02.567+0200 [DEBUG] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
