/*
 * mysql.c: the MySQL / MariaDB error log.
 *
 *   2024-01-01T00:00:00.123456Z 0 [Warning] [MY-010055] [Server] IP address could not be resolved
 *   2024-01-01T10:00:00.123456+01:00 12 [Note] Aborted connection 12 to db: 'shop'
 *   2024-01-01 10:00:00 1234 [Note] InnoDB: Buffer pool(s) load completed   (5.6, MariaDB)
 *   240101 10:00:00 [ERROR] Can't start server: Bind on TCP/IP port         (5.5 and older)
 *   240101  9:05:03 mysqld_safe Starting mysqld daemon
 *
 * 8.0 and 5.7: an RFC 3339 time, the thread id, [Level], and in 8.0 the
 * [MY-NNNNNN] error code and [Subsystem]. 5.6 and MariaDB: a space for
 * the 'T' and no zone. 5.5: YYMMDD and an H:MM:SS whose hour is padded
 * with a blank. Zoneless times are local (--assume-tz). Levels: Note
 * notice, Warning warn, Error and ERROR error, System info. Fields:
 * thread, code, subsystem.
 */
#include <string.h>

#include "common.h"

struct hdr {
	struct st_civil c;
	size_t thread, thread_end, lvl, lvl_end, code, code_end, sub, sub_end, msg;
};

/* "[word] " at s[i]: sets a..b to the word, returns the index after, or 0 */
static size_t
bracket(const char *s, size_t n, size_t i, size_t *a, size_t *b)
{
	if (i >= n || s[i] != '[')
		return 0;
	size_t j = i + 1;
	while (j < n && s[j] != ']' && s[j] != ' ')
		j++;
	if (j >= n || s[j] != ']' || j == i + 1)
		return 0;
	*a = i + 1;
	*b = j;
	return j + 1 < n && s[j + 1] == ' ' ? j + 2 : j + 1;
}

/* 5.5: "240101 10:00:00 " or "240101  9:05:03 " */
static size_t
old_time(const char *s, size_t n, struct st_civil *c)
{
	memset(c, 0, sizeof(*c));
	if (n < 16 || s[6] != ' ' || st_digits(s, 2, 2, 2, &c->year) != 2 ||
	    st_digits(s + 2, 2, 2, 2, &c->mon) != 2 || st_digits(s + 4, 2, 2, 2, &c->day) != 2)
		return 0;
	c->year += 2000;
	size_t i = 7;
	if (s[i] == ' ')
		i++;
	size_t k = st_digits(s + i, n - i, 1, 2, &c->hour);
	if (k == 0 || (k == 1 && i == 7) || i + k >= n || s[i + k] != ':')
		return 0;
	i += k + 1;
	if (i + 5 > n || st_digits(s + i, 2, 2, 2, &c->min) != 2 || s[i + 2] != ':' ||
	    st_digits(s + i + 3, 2, 2, 2, &c->sec) != 2)
		return 0;
	i += 5;
	if (st_civil_check(c) < 0 || (i < n && s[i] != ' '))
		return 0;
	return i;
}

static bool
scan(const char *s, size_t n, struct hdr *h)
{
	memset(h, 0, sizeof(*h));
	size_t k = st_parse_iso(s, n, &h->c, false);
	if (k == 0) {
		/* 5.5: the level in brackets, or mysqld_safe's words */
		k = old_time(s, n, &h->c);
		if (k == 0 || k + 2 > n)
			return false;
		size_t i = k + 1, e = bracket(s, n, i, &h->lvl, &h->lvl_end);
		h->msg = e ? e : i;
		return true;
	}
	if (k + 2 > n || s[k] != ' ')
		return false;
	size_t i = k + 1;
	h->thread = i;
	while (i < n && is_digit(s[i]))
		i++;
	h->thread_end = i;
	if (i == h->thread || i >= n || s[i] != ' ')
		return false;
	i = bracket(s, n, i + 1, &h->lvl, &h->lvl_end);
	if (i == 0)
		return false;
	size_t a, b, e;
	if ((e = bracket(s, n, i, &a, &b)) != 0 && b - a > 3 && memcmp(s + a, "MY-", 3) == 0) {
		h->code = a;
		h->code_end = b;
		i = e;
		if ((e = bracket(s, n, i, &h->sub, &h->sub_end)) != 0)
			i = e;
	}
	h->msg = i;
	return true;
}

static uint8_t
level(const char *s, const struct hdr *h)
{
	size_t l = h->lvl_end - h->lvl;
	if (l == 6 && memcmp(s + h->lvl, "System", 6) == 0)
		return ST_LVL_INFO;
	return (uint8_t)st_level_from_word(s + h->lvl, l);
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct hdr h;
	if (n < 20 || !scan(s, n, &h))
		return ST_ENOMATCH;
	d->level = level(s, &h);
	/* an ISO line must name its level: that is what tells it from others */
	if (h.thread_end > 0 && d->level == ST_LVL_NONE)
		return ST_ENOMATCH;
	if (st_civil_resolve(tc, h.c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)h.msg;
	if (d->level == ST_LVL_NONE)
		d->level = (uint8_t)st_level_scan(s + h.msg, n - h.msg);
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
	ST_FIELD(out, "thread", s + h.thread, h.thread_end - h.thread);
	ST_FIELD(out, "code", s + h.code, h.code_end - h.code);
	ST_FIELD(out, "subsystem", s + h.sub, h.sub_end - h.sub);
}

static const char *const samples[] = {
	"2024-01-01T00:00:00.123456Z 0 [Warning] [MY-010055] [Server] IP address '10.0.0.7' could not be resolved",
	"2024-01-01T00:00:01.000001Z 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.",
	"2024-01-01T10:00:00.123456+01:00 12 [Note] Aborted connection 12 to db: 'shop' user: 'app'",
	"2024-01-01 10:00:00 1234 [Note] InnoDB: Buffer pool(s) load completed at 240101 10:00:00",
	"240101 10:00:00 [ERROR] Can't start server: Bind on TCP/IP port: Address already in use",
	"240101  9:05:03 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql",
	NULL,
};

static const char *const rejects[] = {
	"2024-01-01T00:00:00.123456Z 0 [Whatever] not a level",
	"2024-01-01T00:00:00.123456Z main [Warning] no thread id",
	"240101 9:05:03 [Note] the hour must be padded",
	"241301 10:00:00 [Note] month 13",
	"081109 203615 148 INFO dfs.DataNode: no colons",
	NULL,
};

const struct st_format st_format_mysql = {
	.name = "mysql",
	.title = "MySQL / MariaDB error log \"2024-01-01T00:00:00.123456Z 0 [Warning] [MY-010055] [Server] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
