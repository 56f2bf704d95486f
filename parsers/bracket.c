/*
 * bracket.c: collected evidence lines, "[time] tag | message".
 *
 *   [2024-12-08T05:59:58Z] k8s-deploy  | ConfigMap analytics-config replaced
 *   [2024-12-15T03:22:18Z] api-server | W1215 03:22:18.847291 event.go:364] ...
 *
 * This is how incident write-ups (and many log shippers' "tag | line"
 * outputs) quote lines from several systems at once. The time is the
 * bracketed one; the level comes from the quoted message, which may itself
 * be klog, Redis, logfmt or JSON.
 */
#include <string.h>

#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	if (n < 4 || s[0] != '[')
		return ST_ENOMATCH;
	struct st_civil c;
	size_t k = st_parse_iso(s + 1, n - 1, &c, false);
	if (k == 0 || 1 + k >= n || s[1 + k] != ']')
		return ST_ENOMATCH;
	size_t i = skip_spaces(s, n, k + 2);
	/* the tag: one word, then " | " */
	size_t tag = i;
	while (i < n && s[i] != ' ' && s[i] != '|')
		i++;
	if (i == tag)
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	if (i >= n || s[i] != '|')
		return ST_ENOMATCH;
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i + 1);
	d->body = (uint32_t)i;
	d->level = (uint8_t)st_level_scan(s + i, n - i);
	/* Redis lines: "1:M 12 Sep 2024 14:38:41.003 # msg" */
	if (d->level == ST_LVL_NONE) {
		struct st_draft inner;
		extern const struct st_format st_format_redis;
		if (st_format_redis.parse(tc, s + i, n - i, &inner) == 0)
			d->level = inner.level;
	}
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	const char *e = memchr(s, ']', n);
	if (e == NULL)
		return;
	size_t i = skip_spaces(s, n, (size_t)(e - s) + 1), t = i;
	while (i < n && s[i] != ' ' && s[i] != '|')
		i++;
	ST_FIELD(out, "tag", s + t, i - t);
}

static const char *const samples[] = {
	"[2024-12-08T05:59:58Z] k8s-deploy  | ConfigMap analytics-config replaced in namespace analytics",
	"[2024-12-15T03:22:18Z] api-server | W1215 03:22:18.847291 event.go:364] Server is becoming the leader",
	"[2024-09-12T14:38:41Z] redis | 1:M 12 Sep 2024 14:38:41.003 # Can't save in background",
	"[2024-12-15T03:22:14Z] etcd-1 | {\"level\":\"warn\",\"msg\":\"leadership transferred\"}",
	NULL,
};

static const char *const rejects[] = {
	"[2024-12-08T05:59:58Z] no pipe after the tag",
	"2024-12-08T05:59:58Z k8s-deploy | not bracketed",
	"[2024-12-32T05:59:58Z] tag | day 32",
	"[] tag | empty",
	NULL,
};

const struct st_format st_format_bracket = {
	.name = "bracket",
	.title = "collected lines \"[time] tag | message\" (incident write-ups, shippers)",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
