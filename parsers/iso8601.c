/*
 * iso8601.c: lines that start with an ISO 8601 / RFC 3339 stamp.
 *
 *   2024-12-10T06:00:04Z INFO  Connected to PostgreSQL
 *   2025-01-01 10:00:00.123+01:00 [warn] disk almost full
 *   [2024-03-01T10:00:00.5Z] ERROR something
 *   2024-10-02T02:00:03+0000 prod-batch-01 systemd[1]: ...   (short-iso)
 *
 * The level is the first level word after the stamp, bare or bracketed.
 * A zone name after a zoneless stamp ("2024-03-01 10:00:00 CEST") is
 * honoured when it is a common one (st_zone_after).
 */
#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = 0;
	bool br = n > 0 && s[0] == '[';
	if (br)
		i = 1;
	struct st_civil c;
	size_t k = st_parse_iso(s + i, n - i, &c, false);
	if (k == 0)
		return ST_ENOMATCH;
	i += k;
	if (!c.has_off && i < n && s[i] != ']' && s[i] != ':' && s[i] != '|')
		i += st_zone_after(s + i, n - i, &c); /* "... 10:00:00 CEST" */
	if (br) {
		if (i >= n || s[i] != ']')
			return ST_ENOMATCH;
		i++;
	}
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	return st_finish_leading(s, n, i, d);
}

/* "2024-10-02T02:00:03+0000 host prog[pid]: msg" (journalctl -o short-iso) */
static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	st_fields_syslog_tail(s + d->body, n - d->body, out);
}

static const char *const samples[] = {
	"2024-12-10T06:00:04Z INFO  Connected to PostgreSQL 15.4 at analytics-db:5432/warehouse",
	"2025-01-01 10:00:00.123+01:00 [warn] disk almost full",
	"2024-10-02T02:00:03+0000 prod-batch-01 systemd[1]: Started data-exporter.service.",
	"[2024-03-01T10:00:00.5Z] ERROR something",
	"2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack",
	"2024-02-29T23:59:59.999999-08:00 fatal: last second of a leap day",
	NULL,
};

static const char *const rejects[] = {
	"Oct 02 02:00:03 prod-batch-01 systemd[1]: Started",
	"2024-13-01T00:00:00Z month 13",
	"2023-02-29T00:00:00Z no leap day in 2023",
	"2024-12-10X06:00:04Z bad separator",
	"20241210T060004Z basic format is not this one",
	NULL,
};

const struct st_format st_format_iso8601 = {
	.name = "iso8601",
	.title = "lines starting with an ISO 8601 / RFC 3339 time",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
