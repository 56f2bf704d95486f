/*
 * redis.c: the Redis server log.
 *
 *   1:M 12 Sep 2024 14:37:55.812 * Running mode=standalone, port=6379.
 *   pid:role dd Mon yyyy hh:mm:ss.mmm L message
 *   [4018] 14 Nov 07:01:22.119 * old (2.x) form, no role and no year
 *
 * role: X sentinel, C child (fork), S replica, M master.
 * L: '.' debug, '-' verbose, '*' notice, '#' warning.
 */
#include <string.h>

#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = 0;
	int pid;
	if (n > 0 && s[0] == '[') {
		size_t k = st_digits(s + 1, n - 1, 1, 10, &pid);
		if (k == 0 || 1 + k >= n || s[1 + k] != ']')
			return ST_ENOMATCH;
		i = k + 2;
	} else {
		size_t k = st_digits(s, n, 1, 10, &pid);
		if (k == 0 || k + 2 >= n || s[k] != ':' || memchr("XCSM", s[k + 1], 4) == NULL)
			return ST_ENOMATCH;
		i = k + 2;
	}
	if (i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	i++;
	struct st_civil c = {.year = -1};
	size_t k = st_digits(s + i, n - i, 1, 2, &c.day);
	if (k == 0 || i + k + 5 > n || s[i + k] != ' ')
		return ST_ENOMATCH;
	i += k + 1;
	c.mon = st_month_abbr(s + i, 3);
	if (c.mon == 0 || s[i + 3] != ' ')
		return ST_ENOMATCH;
	i += 4;
	if (i + 5 < n && s[i + 4] == ' ' && is_digit(s[i])) {
		if (st_digits(s + i, 4, 4, 4, &c.year) != 4)
			return ST_ENOMATCH;
		i += 5;
	}
	k = st_parse_hms(s + i, n - i, &c);
	if (k == 0)
		return ST_ENOMATCH;
	i += k;
	if (i + 2 > n || s[i] != ' ')
		return ST_ENOMATCH;
	static const char marks[] = ".-*#";
	static const uint8_t levels[] = {ST_LVL_DEBUG, ST_LVL_DEBUG, ST_LVL_NOTICE, ST_LVL_WARN};
	const char *m = memchr(marks, s[i + 1], 4);
	if (m == NULL || (i + 2 < n && s[i + 2] != ' '))
		return ST_ENOMATCH;
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = levels[m - marks];
	d->body = (uint32_t)skip_spaces(s, n, i + 2);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	size_t i = s[0] == '[' ? 1 : 0, p = i;
	while (i < n && is_digit(s[i]))
		i++;
	ST_FIELD(out, "pid", s + p, i - p);
	if (p == 0 && i + 1 < n && s[i] == ':') {
		static const char *const roles[] = {"sentinel", "child", "replica", "master"};
		const char *r = memchr("XCSM", s[i + 1], 4);
		if (r)
			ST_FIELD(out, "role", roles[r - "XCSM"], strlen(roles[r - "XCSM"]));
	}
}

static const char *const samples[] = {
	"1:M 12 Sep 2024 14:37:55.812 * Running mode=standalone, port=6379.",
	"1:M 12 Sep 2024 14:38:41.003 # Can't save in background: fork: Cannot allocate memory",
	"27:C 12 Sep 2024 14:38:41.100 - child process",
	"[4018] 14 Nov 07:01:22.119 * Server started, Redis version 2.8.4",
	NULL,
};

static const char *const rejects[] = {
	"1:Q 12 Sep 2024 14:37:55.812 * bad role",
	"1:M 12 Foo 2024 14:37:55.812 * bad month",
	"1:M 31 Sep 2024 14:37:55.812 * September has 30 days",
	"1:M 12 Sep 2024 14:37:55.812 ! bad level mark",
	NULL,
};

const struct st_format st_format_redis = {
	.name = "redis",
	.title = "Redis server log \"1:M 12 Sep 2024 14:37:55.812 * msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
