/*
 * stime.h: time as strata keeps it, and the civil-time arithmetic behind
 * every parser.
 *
 * Inside strata a time is an int64 count of microseconds since
 * 1970-01-01T00:00:00Z (st_time). Zones are applied once, when a line is
 * parsed; display converts back only when printing. Nothing here uses the
 * C library's locale, mktime or strptime: digits are parsed by hand with
 * range checks and civil dates are converted with our own arithmetic
 * (proleptic Gregorian calendar, valid for years 0..9999).
 *
 * Zones: st_tz is either a fixed offset or an IANA zone read from the
 * system's TZif files (/usr/share/zoneinfo, or $TZDIR). A zone is loaded
 * once and shared read-only; st_tz_free releases it.
 */
#ifndef STRATA_STIME_H
#define STRATA_STIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t st_time;

#define ST_TIME_NONE INT64_MIN /* an untimed event */
#define ST_USEC 1000000LL
#define ST_DAY_USEC (86400LL * ST_USEC)

/*
 * A civil time as read from a line, before its zone and year are settled.
 * Parsers fill what the line says and leave the rest to st_civil_resolve.
 */
struct st_civil {
	int year;     /* 0..9999, or -1 when the stamp carries no year */
	int mon;      /* 1..12; 0 (with day 0, year -1) when it carries no date */
	int day;      /* 1..31, checked against the month; 0 when no date */
	int hour;     /* 0..23 (24:00:00 is refused) */
	int min;      /* 0..59 */
	int sec;      /* 0..60 (a leap second reads as :59.999999) */
	int usec;     /* 0..999999 */
	int off_sec;  /* UTC offset in seconds when has_off */
	bool has_off; /* the stamp carried Z or an offset */
};

struct st_tz;

/* Days since 1970-01-01 of a proleptic Gregorian date; no range checks. */
int64_t st_days_from_civil(int64_t y, int m, int d);
void st_civil_from_days(int64_t days, int *y, int *m, int *d);
int st_days_in_month(int y, int m);
bool st_is_leap(int y);

/*
 * Check the fields of c (month, day against the month, hour, minute,
 * second, offset) and return 0 or ST_ERANGE.
 */
int st_civil_check(const struct st_civil *c);

/* UTC microseconds of c taken as UTC wall clock plus its offset, if any. */
st_time st_civil_to_utc(const struct st_civil *c);

/*
 * What a parser needs to settle a stamp: the zone for zoneless stamps
 * (NULL means UTC) and the reference time for year-less stamps (the
 * source's mtime; the year is its year, one less when the stamp would
 * otherwise lie more than a day after it).
 */
struct st_timectx {
	const struct st_tz *tz;
	st_time ref;
	int ref_year;  /* the year of ref; set by st_timectx_init */
	/*
	 * A time a line can set for the lines after it (a metric dump's
	 * "# scraped at <time>" comment), kept per source by the ingest;
	 * NULL where there is no per-source state (detection of a single
	 * line, fields). Only formats that document it read or write it.
	 */
	st_time *anchor;
	/*
	 * The UTC offset (seconds) of the latest stamp with one in this source,
	 * or ST_OFF_NONE; NULL where there is no per-source state. Without
	 * --assume-tz (tz NULL), a stamp without a zone takes it: one program
	 * writes its lines in one zone, even when only some of them say which
	 * (Terraform's hclog lines between Go's log lines).
	 */
	int *learned_off;
};

#define ST_OFF_NONE INT32_MIN

void st_timectx_init(struct st_timectx *tc, const struct st_tz *tz, st_time ref);

/*
 * Settle c into UTC microseconds under ctx: a missing year comes from
 * ctx->ref, a missing offset from ctx->tz, else *ctx->learned_off (and a
 * stamp's own offset is learned). Returns 0 and sets *out, or
 * ST_ERANGE when the fields are impossible (Feb 30, 25:00, ...).
 *
 * A date-less stamp (a time of day only: strace -tt, "00:00:00.000 msg";
 * mark it with year -1, mon 0, day 0) takes the date of ctx->ref as seen
 * in the stamp's zone, or the day before when that would put it after
 * ctx->ref: a file is written before its mtime, so a time of day later
 * than the mtime's is from the previous day. One midnight in a file
 * whose mtime is soon after its last line comes out right; more cannot.
 */
int st_civil_resolve(const struct st_timectx *ctx, struct st_civil c, st_time *out);

/*
 * Parse an RFC 3339 / ISO 8601 stamp at s: YYYY-MM-DD, then T, t or one
 * space, HH:MM[:SS[(.|,)fraction]], then optionally Z, +HH:MM, +HHMM or
 * +HH. The date alone (YYYY-MM-DD) is accepted when allow_date_only.
 * Returns the number of bytes consumed, or 0 when s does not start with
 * such a stamp. Only fills c; call st_civil_resolve to get a time.
 */
size_t st_parse_iso(const char *s, size_t n, struct st_civil *c, bool allow_date_only);

/*
 * Parse a user-given time (command line --since/--until): RFC 3339, a
 * date alone, or an epoch number of seconds. Zoneless values are read in
 * tz (NULL: UTC). Returns 0 or ST_EINVAL.
 */
int st_parse_user_time(const char *s, const struct st_tz *tz, st_time *out);

/*
 * Read up to `max` digits (at least `min`; max is capped at 9 so the
 * number fits an int) as a number. Returns the count consumed or 0 when
 * fewer than min digits are there.
 */
size_t st_digits(const char *s, size_t n, size_t min, size_t max, int *out);

/* Month from a three-letter English abbreviation (any case): 1..12, or 0. */
int st_month_abbr(const char *s, size_t n);

/*
 * Format t as 2024-12-08T05:59:58.000Z (frac_digits 0, 3 or 6) into buf,
 * which must hold 32 bytes. Returns the length written.
 */
size_t st_format_time(st_time t, int frac_digits, char *buf);

/* Zones. name: "UTC", "Z", "+05:30", "-0800", or an IANA name. */
int st_tz_load(const char *name, struct st_tz **out);
void st_tz_free(struct st_tz *tz);
/* Offset east of UTC, in seconds, in force at UTC time t. */
int st_tz_offset_at(const struct st_tz *tz, st_time t);
/* UTC time of a wall-clock time in tz (wall given as if it were UTC). */
st_time st_tz_wall_to_utc(const struct st_tz *tz, st_time wall);

#endif
