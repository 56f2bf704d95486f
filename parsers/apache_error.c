/*
 * apache_error.c: the Apache httpd error log.
 *
 *   [Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties
 *   [Sun Dec 04 04:47:44 2005] [error] [client 10.0.0.7] Directory index forbidden by rule
 *   [Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 35708:tid 4328636416] [client 10.0.0.7:5678] AH00037: msg
 *
 * The time is ctime (2.4 adds microseconds), zoneless (--assume-tz). The
 * level is the bracket after it, "[level]" or "[module:level]" (emerg,
 * alert, crit, error, warn, notice, info, debug, trace1..trace8). The
 * message starts after the leading [level], [pid ...] and [client ...]
 * brackets.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t lvl, lvl_end;   /* inside [module:level], or 0 */
	size_t pid, pid_end;   /* the value of "[pid N:tid M]", or 0 */
	size_t client, client_end;
	size_t body;
};

/* "Www Mmm dd hh:mm:ss[.frac] yyyy" into c; returns the bytes used or 0. */
static size_t
scan_ctime(const char *s, size_t n, struct st_civil *c)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	if (n < 24 || s[3] != ' ' || s[7] != ' ')
		return 0;
	bool wd = false;
	for (int i = 0; i < 7 && !wd; i++)
		wd = memcmp(s, days + i * 3, 3) == 0;
	*c = (struct st_civil){0};
	if (!wd || (c->mon = st_month_abbr(s + 4, 3)) == 0)
		return 0;
	size_t i = 8;
	if (s[i] == ' ')
		i++;
	size_t k = st_digits(s + i, n - i, 1, 2, &c->day);
	if (k == 0 || i + k >= n || s[i + k] != ' ')
		return 0;
	i += k + 1;
	k = st_parse_hms(s + i, n - i, c);
	if (k == 0)
		return 0;
	i += k;
	if (i + 5 > n || s[i] != ' ' || st_digits(s + i + 1, 4, 4, 4, &c->year) != 4)
		return 0;
	return i + 5;
}

/* The bracket at s[i] ("[...]"), its content in [*b, *e); returns the index after it or 0. */
static size_t
bracket(const char *s, size_t n, size_t i, size_t *b, size_t *e)
{
	if (i >= n || s[i] != '[')
		return 0;
	const char *close = memchr(s + i + 1, ']', n - i - 1);
	if (close == NULL)
		return 0;
	*b = i + 1;
	*e = (size_t)(close - s);
	return *e + 1;
}

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	if (n < 26 || s[0] != '[')
		return ST_ENOMATCH;
	size_t k = scan_ctime(s + 1, n - 1, c);
	if (k == 0 || 1 + k >= n || s[1 + k] != ']')
		return ST_ENOMATCH;
	size_t i = skip_spaces(s, n, k + 2), b, e, j;
	*p = (struct pos){0};
	if ((j = bracket(s, n, i, &b, &e)) != 0 && e > b && memchr(s + b, ' ', e - b) == NULL) {
		p->lvl = b;
		p->lvl_end = e;
		i = skip_spaces(s, n, j);
	}
	if ((j = bracket(s, n, i, &b, &e)) != 0 && e - b > 4 && memcmp(s + b, "pid ", 4) == 0) {
		p->pid = b + 4;
		p->pid_end = e;
		i = skip_spaces(s, n, j);
	}
	if ((j = bracket(s, n, i, &b, &e)) != 0 && e - b > 7 && memcmp(s + b, "client ", 7) == 0) {
		p->client = b + 7;
		p->client_end = e;
		i = skip_spaces(s, n, j);
	}
	p->body = i;
	return 0;
}

static enum st_level
level_of(const char *s, size_t b, size_t e)
{
	const char *colon = memchr(s + b, ':', e - b);
	if (colon)
		b = (size_t)(colon - s) + 1;
	if (e - b == 6 && memcmp(s + b, "trace", 5) == 0 && s[b + 5] >= '1' && s[b + 5] <= '8')
		return ST_LVL_TRACE;
	return st_level_from_word(s + b, e - b);
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = p.lvl ? (uint8_t)level_of(s, p.lvl, p.lvl_end) : ST_LVL_NONE;
	d->body = (uint32_t)p.body;
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
	if (p.lvl) {
		const char *colon = memchr(s + p.lvl, ':', p.lvl_end - p.lvl);
		if (colon)
			ST_FIELD(out, "module", s + p.lvl, (size_t)(colon - s) - p.lvl);
	}
	if (p.pid) {
		/* "N" or "N:tid M" */
		size_t e = p.pid;
		while (e < p.pid_end && is_digit(s[e]))
			e++;
		ST_FIELD(out, "pid", s + p.pid, e - p.pid);
		if (e + 5 < p.pid_end && memcmp(s + e, ":tid ", 5) == 0)
			ST_FIELD(out, "tid", s + e + 5, p.pid_end - e - 5);
	}
	if (p.client)
		ST_FIELD(out, "client", s + p.client, p.client_end - p.client);
}

static const char *const samples[] = {
	"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
	"[Sun Dec 04 04:51:18 2005] [error] [client 10.0.0.7] Directory index forbidden by rule: /var/www/html/",
	"[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 35708:tid 4328636416] [client 10.0.0.7:5678] AH00037: Symbolic link not allowed",
	"[Mon Feb 29 00:00:01.5 2016] [ssl:trace3] [pid 77] leap day",
	"[Tue Mar  5 09:00:00 2024] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.58 configured",
	NULL,
};

static const char *const rejects[] = {
	"[Sun Dec 04 04:47:44] [notice] no year",
	"[Sun Dec 32 04:47:44 2005] [notice] day 32",
	"[Xyz Dec 04 04:47:44 2005] [notice] no weekday",
	"Sun Dec 04 04:47:44 2005 [notice] no bracket",
	NULL,
};

const struct st_format st_format_apache_error = {
	.name = "apache-error",
	.title = "Apache httpd error log \"[Sun Dec 04 04:47:44 2005] [error] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
