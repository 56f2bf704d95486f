/*
 * stime.c: civil-time arithmetic, ISO 8601 parsing and time formatting.
 *
 * Every parser ends up here for each line it reads, so nothing allocates
 * and digits are read by hand. The day count uses Howard Hinnant's
 * days_from_civil algorithm (public domain arithmetic): exact for the
 * proleptic Gregorian calendar, no tables, no locale, no mktime.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/stime.h"
#include "strata/util.h"

int64_t
st_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
st_civil_from_days(int64_t z, int *yp, int *mp, int *dp)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp5 = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp5 + 2) / 5 + 1);
	int m = (int)(mp5 < 10 ? mp5 + 3 : mp5 - 9);
	*yp = (int)(y + (m <= 2));
	*mp = m;
	*dp = d;
}

bool
st_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
st_days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && st_is_leap(y) ? 29 : dm[m - 1];
}

int
st_civil_check(const struct st_civil *c)
{
	int y = c->year < 0 ? 2000 : c->year; /* a leap year: Feb 29 stays possible */
	bool dateless = c->year < 0 && c->mon == 0 && c->day == 0; /* a time of day */
	if (!dateless && (c->year > 9999 || c->mon < 1 || c->mon > 12 || c->day < 1 ||
	                  c->day > st_days_in_month(y, c->mon)))
		return ST_ERANGE;
	if (c->hour < 0 || c->hour > 23 || c->min < 0 || c->min > 59 || c->sec < 0 || c->sec > 60 ||
	    c->usec < 0 || c->usec > 999999)
		return ST_ERANGE;
	if (c->has_off && (c->off_sec < -24 * 3600 || c->off_sec > 24 * 3600))
		return ST_ERANGE;
	return 0;
}

st_time
st_civil_to_utc(const struct st_civil *c)
{
	int sec = c->sec, usec = c->usec;
	if (sec == 60) { /* a leap second: the last instant of the minute */
		sec = 59;
		usec = 999999;
	}
	int64_t days = st_days_from_civil(c->year, c->mon, c->day);
	int64_t s = days * 86400 + c->hour * 3600 + c->min * 60 + sec;
	if (c->has_off)
		s -= c->off_sec;
	return s * ST_USEC + usec;
}

static int
year_of(st_time t)
{
	int y, m, d;
	st_civil_from_days((t >= 0 ? t : t - ST_DAY_USEC + 1) / ST_DAY_USEC, &y, &m, &d);
	return y;
}

void
st_timectx_init(struct st_timectx *tc, const struct st_tz *tz, st_time ref)
{
	tc->tz = tz;
	tc->ref = ref;
	tc->ref_year = year_of(ref);
	tc->anchor = NULL;
	tc->learned_off = NULL;
}

/* A time of day: the reference's date in the stamp's zone, or the day
 * before when that lies after the reference (see stime.h). */
static int
resolve_dateless(const struct st_timectx *ctx, struct st_civil c, st_time *out)
{
	st_time ref = ctx ? ctx->ref : 0;
	const struct st_tz *tz = ctx ? ctx->tz : NULL;
	int off = c.has_off ? c.off_sec : tz ? st_tz_offset_at(tz, ref) : 0;
	st_time wall = ref + (st_time)off * ST_USEC;
	int64_t days = (wall >= 0 ? wall : wall - ST_DAY_USEC + 1) / ST_DAY_USEC;
	for (int back = 0; back < 2; back++) {
		st_civil_from_days(days - back, &c.year, &c.mon, &c.day);
		if (c.year < 0 || c.year > 9999)
			return ST_ERANGE;
		st_time t;
		if (c.has_off || tz == NULL) {
			t = st_civil_to_utc(&c);
		} else {
			struct st_civil w = c;
			w.has_off = false;
			t = st_tz_wall_to_utc(tz, st_civil_to_utc(&w));
		}
		*out = t;
		if (t <= ref)
			break;
	}
	return 0;
}

int
st_civil_resolve(const struct st_timectx *ctx, struct st_civil c, st_time *out)
{
	if (st_civil_check(&c) < 0)
		return ST_ERANGE;
	if (ctx != NULL && ctx->learned_off != NULL) {
		if (c.has_off) {
			*ctx->learned_off = c.off_sec;
		} else if (*ctx->learned_off != ST_OFF_NONE && ctx->tz == NULL) {
			c.has_off = true;
			c.off_sec = *ctx->learned_off;
		}
	}
	if (c.year < 0 && c.mon == 0)
		return resolve_dateless(ctx, c, out);
	bool yearless = c.year < 0;
	int ref_year = 1970;
	if (yearless) {
		ref_year = ctx ? ctx->ref_year : 1970;
		c.year = ref_year;
		while (c.mon == 2 && c.day == 29 && !st_is_leap(c.year))
			c.year--; /* only a leap year has the day */
	}
	st_time t;
	for (;;) {
		if (c.has_off || ctx == NULL || ctx->tz == NULL) {
			t = st_civil_to_utc(&c);
		} else {
			struct st_civil w = c;
			w.has_off = false;
			t = st_tz_wall_to_utc(ctx->tz, st_civil_to_utc(&w));
		}
		/* A year-less stamp more than a day after the reference belongs
		 * to the year before (December lines read in January). */
		if (yearless && ctx && t > ctx->ref + ST_DAY_USEC && c.year > ref_year - 8) {
			c.year--;
			while (c.mon == 2 && c.day == 29 && !st_is_leap(c.year))
				c.year--;
			continue;
		}
		break;
	}
	*out = t;
	return 0;
}

size_t
st_digits(const char *s, size_t n, size_t min, size_t max, int *out)
{
	size_t i = 0;
	int v = 0;
	if (max > 9)
		max = 9; /* an int holds nine digits whatever they are */
	while (i < n && i < max && s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i < min)
		return 0;
	*out = v;
	return i;
}

int
st_month_abbr(const char *s, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	if (n < 3)
		return 0;
	char a = (char)(s[0] | 0x20), b = (char)(s[1] | 0x20), c = (char)(s[2] | 0x20);
	for (int i = 0; i < 12; i++)
		if (months[i * 3] == a && months[i * 3 + 1] == b && months[i * 3 + 2] == c)
			return i + 1;
	return 0;
}

/* Fraction digits after '.' or ',': microseconds, extra digits ignored. */
static size_t
parse_frac(const char *s, size_t n, int *usec)
{
	size_t i = 0;
	int v = 0, digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (digits < 6) {
			v = v * 10 + (s[i] - '0');
			digits++;
		}
		i++;
	}
	while (digits < 6) {
		v *= 10;
		digits++;
	}
	*usec = v;
	return i;
}

/* Z, +HH:MM, +HHMM, +HH (or U+2212 minus is not accepted). */
static size_t
parse_offset(const char *s, size_t n, struct st_civil *c)
{
	if (n >= 1 && (s[0] == 'Z' || s[0] == 'z')) {
		c->has_off = true;
		c->off_sec = 0;
		return 1;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		return 0;
	int h, m = 0;
	if (st_digits(s + 1, n - 1, 2, 2, &h) != 2)
		return 0;
	size_t i = 3;
	if (i < n && s[i] == ':') {
		if (st_digits(s + i + 1, n - i - 1, 2, 2, &m) != 2)
			return 0;
		i += 3;
	} else if (st_digits(s + i, n - i, 2, 2, &m) == 2) {
		i += 2;
	}
	if (h > 23 || m > 59)
		return 0;
	c->has_off = true;
	c->off_sec = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
	return i;
}

size_t
st_parse_iso(const char *s, size_t n, struct st_civil *c, bool allow_date_only)
{
	memset(c, 0, sizeof(*c));
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	if (st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 5, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 8, 2, 2, 2, &c->day) != 2)
		return 0;
	size_t i = 10;
	if (i + 6 > n || (s[i] != 'T' && s[i] != 't' && s[i] != ' ') ||
	    st_digits(s + i + 1, 2, 2, 2, &c->hour) != 2 || s[i + 3] != ':' ||
	    st_digits(s + i + 4, 2, 2, 2, &c->min) != 2) {
		if (!allow_date_only || (i < n && s[i] >= '0' && s[i] <= '9'))
			return 0;
		return st_civil_check(c) < 0 ? 0 : i;
	}
	i += 6;
	if (i + 3 <= n && s[i] == ':' && st_digits(s + i + 1, 2, 2, 2, &c->sec) == 2) {
		i += 3;
		if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9')
			i += 1 + parse_frac(s + i + 1, n - i - 1, &c->usec);
	}
	if (i < n && s[i] == ' ' && i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-' || s[i + 1] == 'Z')) {
		/* "2024-01-01 10:00:00 +0000": an offset after one space */
		struct st_civil t = *c;
		size_t k = parse_offset(s + i + 1, n - i - 1, &t);
		if (k && (i + 1 + k == n || s[i + 1 + k] == ' ' || s[i + 1 + k] == ']')) {
			*c = t;
			i += 1 + k;
		}
	} else {
		i += parse_offset(s + i, n - i, c);
	}
	if (c->year < 1 || st_civil_check(c) < 0)
		return 0;
	return i;
}

int
st_parse_user_time(const char *s, const struct st_tz *tz, st_time *out)
{
	size_t n = strlen(s);
	struct st_civil c;
	size_t k = st_parse_iso(s, n, &c, true);
	if (k == n && k > 0) {
		struct st_timectx tc;
		st_timectx_init(&tc, tz, 0);
		return st_civil_resolve(&tc, c, out) < 0 ? ST_EINVAL : 0;
	}
	/* epoch seconds, optionally with a fraction */
	char *end;
	double v = strtod(s, &end);
	if (n > 0 && *end == '\0' && (s[0] >= '0' && s[0] <= '9') && v < 253402300800.0) {
		*out = (st_time)(v * 1e6);
		return 0;
	}
	return ST_EINVAL;
}

size_t
st_format_time(st_time t, int frac, char *buf)
{
	if (t == ST_TIME_NONE) {
		memcpy(buf, "-", 2);
		return 1;
	}
	int64_t s = t >= 0 ? t / ST_USEC : -((-t + ST_USEC - 1) / ST_USEC);
	int64_t us = t - s * ST_USEC;
	int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int64_t sod = s - days * 86400;
	int y, m, d;
	st_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	char *p = buf;
	int hh = (int)(sod / 3600), mi = (int)(sod / 60 % 60), ss = (int)(sod % 60);
	int vals[6] = {y, m, d, hh, mi, ss};
	int widths[6] = {4, 2, 2, 2, 2, 2};
	char seps[6] = {'-', '-', 'T', ':', ':', 0};
	for (int i = 0; i < 6; i++) {
		int v = vals[i];
		for (int w = widths[i] - 1; w >= 0; w--) {
			p[w] = (char)('0' + v % 10);
			v /= 10;
		}
		p += widths[i];
		if (seps[i])
			*p++ = seps[i];
	}
	if (frac == 3 || frac == 6) {
		int v = (int)(frac == 3 ? us / 1000 : us);
		*p++ = '.';
		for (int w = frac - 1; w >= 0; w--) {
			p[w] = (char)('0' + v % 10);
			v /= 10;
		}
		p += frac;
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}
