/*
 * generic.c: the fallback, any line that opens with a recognisable time.
 *
 *   2024/03/09 02:00:13 something            (also with .fraction)
 *   [2024-03-09 02:00:13,123] WARN ...        (ISO forms, bracketed or not)
 *   Mar  9 02:00:13 something / Mar 9 2024 02:00:13 / Mar 9 02:00:13 2024
 *   1727746803.123 something                  (epoch seconds)
 *   17/06/09 20:10:40 INFO ...                (log4j short date)
 *   [Sun Dec 04 04:47:44 2005] [error] ...    (ctime, Apache error log)
 *   2012-025T10:22:40,672:DEBUG:foo           (ordinal date: day 25 of 2012)
 *   00:00:00.000 foo DEBUG ...                (a time of day alone: the date
 *                                              comes from the mtime, see stime.h)
 *
 * Specific formats come first in the registry and win ties; this one
 * catches what they do not. The level is the first level word after the
 * time.
 */
#include "common.h"

/* YYYY/MM/DD HH:MM:SS, or YY/MM/DD HH:MM:SS (log4j's short date, 20YY) */
static size_t
slash_date(const char *s, size_t n, struct st_civil *c)
{
	size_t y = n > 2 && s[2] == '/' ? 2 : 4;
	if (n < y + 15 || s[y] != '/' || s[y + 3] != '/' ||
	    (s[y + 6] != ' ' && s[y + 6] != 'T' && s[y + 6] != '-'))
		return 0;
	if (st_digits(s, y, y, y, &c->year) != y || st_digits(s + y + 1, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + y + 4, 2, 2, 2, &c->day) != 2)
		return 0;
	if (y == 2)
		c->year += 2000;
	size_t k = st_parse_hms(s + y + 7, n - y - 7, c);
	return k ? y + 7 + k : 0;
}

/* YYYY-DDD[T ]HH:MM:SS: an ordinal date (ISO 8601's day of the year) */
static size_t
ordinal_date(const char *s, size_t n, struct st_civil *c)
{
	int yday;
	if (n < 17 || s[4] != '-' || (s[8] != 'T' && s[8] != ' ') ||
	    st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 5, 3, 3, 3, &yday) != 3 ||
	    c->year < 1 || yday < 1 || yday > (st_is_leap(c->year) ? 366 : 365))
		return 0;
	st_civil_from_days(st_days_from_civil(c->year, 1, 1) + yday - 1, &c->year, &c->mon, &c->day);
	size_t k = st_parse_hms(s + 9, n - 9, c);
	return k ? 9 + k : 0;
}

/* HH:MM:SS[.frac] alone, before a blank: date-less (stime.h) */
static size_t
time_of_day(const char *s, size_t n, struct st_civil *c)
{
	size_t k = st_parse_hms(s, n, c);
	if (k == 0 || k >= n || (s[k] != ' ' && s[k] != ']'))
		return 0;
	c->year = -1;
	c->mon = 0;
	c->day = 0;
	c->has_off = false;
	return k;
}

/* ctime: "Sun Dec 04 04:47:44 2005" -- the weekday, then as month_first */
static size_t month_first(const char *s, size_t n, struct st_civil *c);

static size_t
ctime_date(const char *s, size_t n, struct st_civil *c)
{
	static const char days[] = "sunmontuewedthufrisat";
	if (n < 20 || s[3] != ' ')
		return 0;
	bool wd = false;
	for (int i = 0; i < 7 && !wd; i++)
		wd = (s[0] | 0x20) == days[i * 3] && (s[1] | 0x20) == days[i * 3 + 1] &&
		     (s[2] | 0x20) == days[i * 3 + 2];
	if (!wd)
		return 0;
	size_t k = month_first(s + 4, n - 4, c);
	return k ? 4 + k : 0;
}

/* Mon dd [yyyy] hh:mm:ss [yyyy] */
static size_t
month_first(const char *s, size_t n, struct st_civil *c)
{
	if (n < 15 || (c->mon = st_month_abbr(s, 3)) == 0 || s[3] != ' ')
		return 0;
	size_t i = 4;
	if (s[i] == ' ')
		i++;
	size_t k = st_digits(s + i, n - i, 1, 2, &c->day);
	if (k == 0 || i + k >= n || s[i + k] != ' ')
		return 0;
	i += k + 1;
	c->year = -1;
	if (i + 5 < n && s[i + 4] == ' ' && st_digits(s + i, 4, 4, 4, &c->year) == 4)
		i += 5;
	k = st_parse_hms(s + i, n - i, c);
	if (k == 0)
		return 0;
	i += k;
	if (c->year < 0 && i + 5 <= n && s[i] == ' ' && st_digits(s + i + 1, 4, 4, 4, &c->year) == 4 &&
	    (i + 5 == n || s[i + 5] == ' ' || s[i + 5] == ']'))
		i += 5;
	return i;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = 0;
	bool br = n > 0 && s[0] == '[';
	if (br)
		i = 1;
	struct st_civil c = {0};
	size_t k;
	int rc = ST_ENOMATCH;
	if ((k = st_parse_iso(s + i, n - i, &c, false)) > 0 ||
	    (k = slash_date(s + i, n - i, &c)) > 0 || (k = month_first(s + i, n - i, &c)) > 0 ||
	    (k = ctime_date(s + i, n - i, &c)) > 0 || (k = ordinal_date(s + i, n - i, &c)) > 0 ||
	    (k = time_of_day(s + i, n - i, &c)) > 0) {
		rc = st_civil_resolve(tc, c, &d->ts);
	} else if (n - i >= 10) {
		/* epoch seconds: ten digits, optional fraction */
		size_t j = i;
		while (j < n && (is_digit(s[j]) || s[j] == '.'))
			j++;
		if (j - i >= 10 && j - i <= 20 && is_digit(s[i]) && s[i] != '0')
			rc = st_parse_time_value(tc, s + i, j - i, &d->ts);
		k = j - i;
	}
	if (rc < 0)
		return ST_ENOMATCH;
	i += k;
	if (br) {
		if (i >= n || s[i] != ']')
			return ST_ENOMATCH;
		i++;
	}
	return st_finish_leading(s, n, i, d);
}

static const char *const samples[] = {
	"2025/03/09 02:00:13 [error] 31#31: upstream timed out",
	"[2024-03-09 02:00:13,123] WARN disk almost full",
	"Mar  9 2024 02:00:13 something happened",
	"Mar 9 02:00:13 2024 something happened",
	"1727746803.123 epoch seconds lead the line",
	"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers",
	"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
	"2012-025T10:22:40,672:DEBUG:an ordinal date",
	"03:00:00.000 foo DEBUG  a time of day alone",
	NULL,
};

static const char *const rejects[] = {
	"hello 2024-03-09 02:00:13",
	"2025/13/09 02:00:13 month 13",
	"12345 not an epoch",
	"0000000000 zero",
	"2023-366T10:00:00 no day 366 in 2023",
	"10:00:00.123glued to the next word",
	NULL,
};

const struct st_format st_format_generic = {
	.name = "generic",
	.title = "any line that opens with a recognisable time (fallback)",
	.parse = parse,
	.samples = samples,
	.rejects = rejects,
};
