/*
 * cri.c: container logs as the CRI runtimes (containerd, CRI-O) write
 * them under /var/log/pods and /var/log/containers.
 *
 *   2024-01-01T00:00:00.123456789Z stdout F GET /healthz 200
 *   2024-01-01T00:00:00.223456789+00:00 stderr P a long line, first part
 *
 * The time (RFC 3339 with nanoseconds), the stream, and the tag: F for a
 * full line, P for a part of one the runtime split (the next line goes on
 * with it; each part keeps its own time here). It must come before
 * iso8601, which reads the same lines without knowing the stream. The
 * level is the first level word of the message (or its JSON level).
 * Fields: stream, tag.
 */
#include <string.h>

#include "common.h"

/* Offset of the stream word; 0 when the line is not this shape. */
static size_t
head(const char *s, size_t n, struct st_civil *c, size_t *tag)
{
	size_t k = st_parse_iso(s, n, c, false);
	if (k == 0 || s[10] != 'T' || !c->has_off || k + 9 > n || s[k] != ' ')
		return 0;
	size_t i = k + 1;
	if (memcmp(s + i, "stdout ", 7) != 0 && memcmp(s + i, "stderr ", 7) != 0)
		return 0;
	*tag = i + 7;
	/* the tag: F or P, possibly more flags joined by ':' */
	if (s[*tag] != 'F' && s[*tag] != 'P')
		return 0;
	return i;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	size_t tag;
	if (n < 30 || head(s, n, &c, &tag) == 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	size_t i = tag;
	while (i < n && s[i] != ' ')
		i++;
	i = i < n ? i + 1 : n;
	d->body = (uint32_t)i;
	d->level = (uint8_t)st_level_scan(s + i, n - i);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	size_t tag;
	size_t st = head(s, n, &c, &tag);
	if (st == 0)
		return;
	ST_FIELD(out, "stream", s + st, 6);
	size_t e = tag;
	while (e < n && s[e] != ' ')
		e++;
	ST_FIELD(out, "tag", s + tag, e - tag);
}

static const char *const samples[] = {
	"2024-01-01T00:00:00.123456789Z stdout F GET /healthz 200",
	"2024-01-01T00:00:00.223456789+00:00 stderr P ERROR a long line, the first part",
	"2024-03-05T10:11:12.000000001Z stdout F {\"level\":\"warn\",\"msg\":\"json inside\"}",
	NULL,
};

static const char *const rejects[] = {
	"2024-01-01T00:00:00.123456789Z stdin F not a stream",
	"2024-01-01T00:00:00.123456789Z stdout X bad tag",
	"2024-01-01T00:00:00.123456789 stdout F no offset",
	"2024-01-01 00:00:00.123456789Z stdout F a space, not T",
	NULL,
};

const struct st_format st_format_cri = {
	.name = "cri",
	.title = "CRI container logs (containerd, CRI-O) \"2024-01-01T00:00:00.123456789Z stdout F msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
