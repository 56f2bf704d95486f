/*
 * postgres.c: the PostgreSQL server log (stderr / logging_collector),
 * with the usual log_line_prefix values.
 *
 *   2025-03-03 21:40:02.118 UTC [4412] PANIC:  could not write to file
 *   2025-03-03 21:40:02.118 CEST [4412] app@shop LOG:  duration: 12.3 ms
 *   2025-03-03 21:40:02 UTC [4412-1] LOG:  checkpoint starting: time
 *   2025-03-03 21:40:02.118 +03 [4412] ERROR:  relation "x" does not exist
 *
 * '%m [%p] ' (the default since 10), '%t ', Debian's '%m [%p] %q%u@%d ',
 * '[%p-%l]': the time, its zone as a name (st_zone_abbr: an unknown name
 * leaves the stamp to --assume-tz) or a number, an optional [pid] and
 * user@db, then SEVERITY: and two blanks. Levels: DEBUG1-5 debug, LOG and
 * INFO info, NOTICE notice, WARNING warn, ERROR error, FATAL and PANIC
 * fatal. DETAIL, HINT, STATEMENT, CONTEXT, QUERY and LOCATION lines carry
 * the prefix too: they are records of their own, without a level. Fields:
 * pid, user, db.
 */
#include <string.h>

#include "common.h"

struct hdr {
	struct st_civil c;
	size_t pid, pid_end, user, user_end, db, db_end, sev, sev_end, msg;
};

static const struct {
	const char *w;
	uint8_t level;
} severities[] = {
	{"LOG", ST_LVL_INFO},       {"ERROR", ST_LVL_ERROR},   {"WARNING", ST_LVL_WARN},
	{"FATAL", ST_LVL_FATAL},    {"PANIC", ST_LVL_FATAL},   {"INFO", ST_LVL_INFO},
	{"NOTICE", ST_LVL_NOTICE},  {"DEBUG", ST_LVL_DEBUG},   {"DEBUG1", ST_LVL_DEBUG},
	{"DEBUG2", ST_LVL_DEBUG},   {"DEBUG3", ST_LVL_DEBUG},  {"DEBUG4", ST_LVL_DEBUG},
	{"DEBUG5", ST_LVL_DEBUG},   {"DETAIL", ST_LVL_NONE},   {"HINT", ST_LVL_NONE},
	{"STATEMENT", ST_LVL_NONE}, {"CONTEXT", ST_LVL_NONE},  {"QUERY", ST_LVL_NONE},
	{"LOCATION", ST_LVL_NONE},
};

/* The severity word at s[a..b): its index, or -1. */
static int
severity(const char *s, size_t a, size_t b)
{
	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (strlen(severities[i].w) == b - a && memcmp(severities[i].w, s + a, b - a) == 0)
			return (int)i;
	return -1;
}

static bool
scan(const char *s, size_t n, struct hdr *h)
{
	size_t k = st_parse_iso(s, n, &h->c, false);
	if (k < 19 || s[10] != ' ' || k + 2 >= n || s[k] != ' ')
		return false;
	size_t i = k + 1;
	/* the zone: a name or a number ("+03", "-05:30"; st_parse_iso takes
	 * a number after one blank itself) */
	if (h->c.has_off) {
		i = k;
	} else if (s[i] == '+' || s[i] == '-') {
		int hh, mm = 0;
		if (st_digits(s + i + 1, n - i - 1, 2, 2, &hh) != 2 || hh > 23)
			return false;
		size_t j = i + 3;
		if (j < n && s[j] == ':' && st_digits(s + j + 1, n - j - 1, 2, 2, &mm) == 2)
			j += 3;
		else if (st_digits(s + j, n - j, 2, 2, &mm) == 2)
			j += 2;
		h->c.has_off = true;
		h->c.off_sec = (hh * 3600 + mm * 60) * (s[i] == '-' ? -1 : 1);
		i = j;
	} else {
		size_t j = i;
		while (j < n && s[j] >= 'A' && s[j] <= 'Z')
			j++;
		if (j == i || j - i > 5)
			return false;
		int off;
		if (st_zone_abbr(s + i, j - i, &off)) {
			h->c.has_off = true;
			h->c.off_sec = off;
		}
		i = j;
	}
	if (i >= n || s[i] != ' ')
		return false;
	i++;
	h->pid = h->pid_end = h->user = h->user_end = h->db = h->db_end = 0;
	if (i < n && s[i] == '[') {
		h->pid = ++i;
		while (i < n && is_digit(s[i]))
			i++;
		h->pid_end = i;
		if (i == h->pid)
			return false;
		while (i < n && s[i] != ']' && i - h->pid < 24) /* "-1": the session line number */
			i++;
		if (i + 1 >= n || s[i] != ']' || s[i + 1] != ' ')
			return false;
		i += 2;
	}
	/* user@db before the severity (empty parts are written as "@" alone
	 * or "[unknown]") */
	size_t w = i;
	while (i < n && s[i] != ' ' && s[i] != ':')
		i++;
	if (i >= n)
		return false;
	if (s[i] == ' ') {
		const char *at = memchr(s + w, '@', i - w);
		if (at == NULL)
			return false;
		h->user = w;
		h->user_end = (size_t)(at - s);
		h->db = h->user_end + 1;
		h->db_end = i;
		w = ++i;
		while (i < n && s[i] != ':')
			i++;
		if (i >= n)
			return false;
	}
	h->sev = w;
	h->sev_end = i;
	if (severity(s, w, i) < 0)
		return false;
	h->msg = skip_spaces(s, n, i + 1);
	return true;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct hdr h;
	if (n < 26 || !scan(s, n, &h) || st_civil_resolve(tc, h.c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)h.msg;
	d->level = severities[severity(s, h.sev, h.sev_end)].level;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct hdr h;
	if (!scan(s, n, &h))
		return;
	ST_FIELD(out, "pid", s + h.pid, h.pid_end - h.pid);
	ST_FIELD(out, "user", s + h.user, h.user_end - h.user);
	ST_FIELD(out, "db", s + h.db, h.db_end - h.db);
}

static const char *const samples[] = {
	"2025-03-03 21:40:02.118 UTC [4412] PANIC:  could not write to file \"pg_wal/xlogtemp.4412\": No space left on device",
	"2025-03-03 21:40:02.118 CEST [4412] app@shop LOG:  duration: 12.345 ms  statement: SELECT 1",
	"2025-03-03 21:40:02 UTC [4412-1] LOG:  checkpoint starting: time",
	"2025-03-03 21:40:02.118 +03 [4412] ERROR:  relation \"orders_old\" does not exist at character 15",
	"2025-08-13 01:46:12.212 PDT [12389] STATEMENT:  SELECT * FROM nonexistent_table;",
	"2025-03-03 21:40:03 UTC LOG:  the old '%t ' prefix, no pid",
	NULL,
};

static const char *const rejects[] = {
	"2025-03-03 21:40:02.118 UTC [4412] SOMETHING:  not a severity",
	"2025-03-03T21:40:02.118Z [4412] LOG:  not postgres's time",
	"2025-03-03 21:40:02.118 UTC [abc] LOG:  pid not a number",
	"2025-03-03 21:40:02.118 UTC INFO main started",
	NULL,
};

const struct st_format st_format_postgres = {
	.name = "postgres",
	.title = "PostgreSQL server log \"2025-03-03 21:40:02.118 UTC [4412] LOG:  msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
