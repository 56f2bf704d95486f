/*
 * test_stime.c: time parsing, civil arithmetic, formatting, year-less
 * stamps and zones (src/stime.c, src/tz.c).
 *
 * Expected times come from tu_utc (testutil.h), an oracle that counts
 * days with loops and shares no code with stime.c.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/stime.h"
#include "strata/util.h"
#include "testutil.h"

/* Parse s whole (every byte must be consumed) and resolve it as UTC. */
static st_time
iso_utc(const char *s)
{
	struct st_civil c;
	size_t n = strlen(s);
	size_t k = st_parse_iso(s, n, &c, false);
	if (k != n) {
		print_error("st_parse_iso(\"%s\") consumed %zu of %zu bytes\n", s, k, n);
		fail();
	}
	st_time t;
	assert_int_equal(st_civil_resolve(NULL, c, &t), 0);
	return t;
}

static size_t
iso_len(const char *s, bool date_only)
{
	struct st_civil c;
	return st_parse_iso(s, strlen(s), &c, date_only);
}

static void
test_iso_zulu(void **state)
{
	(void)state;
	struct st_civil c;
	const char *s = "2024-12-08T05:59:58Z";
	assert_int_equal(st_parse_iso(s, strlen(s), &c, false), 20);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.mon, 12);
	assert_int_equal(c.day, 8);
	assert_int_equal(c.hour, 5);
	assert_int_equal(c.min, 59);
	assert_int_equal(c.sec, 58);
	assert_int_equal(c.usec, 0);
	assert_true(c.has_off);
	assert_int_equal(c.off_sec, 0);
	assert_time(iso_utc(s), tu_utc(2024, 12, 8, 5, 59, 58, 0));
	assert_time(iso_utc("2024-12-08T05:59:58z"), tu_utc(2024, 12, 8, 5, 59, 58, 0));
	/* the stamp ends where the line goes on */
	assert_int_equal(iso_len("2024-12-08T05:59:58Z k8s-deploy | x", false), 20);
	/* minutes without seconds */
	assert_int_equal(iso_len("2024-12-08T05:59Z", false), 17);
	assert_time(iso_utc("2024-12-08T05:59Z"), tu_utc(2024, 12, 8, 5, 59, 0, 0));
}

static void
test_iso_offsets(void **state)
{
	(void)state;
	struct st_civil c;
	assert_int_equal(st_parse_iso("2024-01-01T12:00:00+05:30", 25, &c, false), 25);
	assert_true(c.has_off);
	assert_int_equal(c.off_sec, 5 * 3600 + 30 * 60);
	assert_int_equal(st_parse_iso("2024-01-01T12:00:00+0530", 24, &c, false), 24);
	assert_int_equal(c.off_sec, 5 * 3600 + 30 * 60);
	assert_int_equal(st_parse_iso("2024-01-01T12:00:00-08:00", 25, &c, false), 25);
	assert_int_equal(c.off_sec, -8 * 3600);
	assert_int_equal(st_parse_iso("2024-01-01T12:00:00+02", 22, &c, false), 22);
	assert_int_equal(c.off_sec, 2 * 3600);

	assert_time(iso_utc("2024-01-01T12:00:00+05:30"), tu_utc(2024, 1, 1, 6, 30, 0, 0));
	assert_time(iso_utc("2024-01-01T12:00:00+0530"), tu_utc(2024, 1, 1, 6, 30, 0, 0));
	assert_time(iso_utc("2024-01-01T12:00:00-08:00"), tu_utc(2024, 1, 1, 20, 0, 0, 0));
	/* an offset that crosses midnight and a year */
	assert_time(iso_utc("2024-12-31T20:00:00-08:00"), tu_utc(2025, 1, 1, 4, 0, 0, 0));
	assert_time(iso_utc("2024-01-01T01:00:00+02:00"), tu_utc(2023, 12, 31, 23, 0, 0, 0));
	/* a zoneless stamp has no offset */
	assert_int_equal(st_parse_iso("2024-01-01T12:00:00", 19, &c, false), 19);
	assert_false(c.has_off);
	/* "2024-01-01 10:00:00 +0000": the offset after one space */
	const char *sp = "2024-01-01 10:00:00 +0100 rest";
	assert_int_equal(st_parse_iso(sp, strlen(sp), &c, false), 25);
	assert_true(c.has_off);
	assert_int_equal(c.off_sec, 3600);
}

static void
test_iso_fractions(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int usec;
	} cases[] = {
		{"2024-03-01T10:00:00.1Z", 100000},
		{"2024-03-01T10:00:00.12Z", 120000},
		{"2024-03-01T10:00:00.123Z", 123000},
		{"2024-03-01T10:00:00.1234Z", 123400},
		{"2024-03-01T10:00:00.12345Z", 123450},
		{"2024-03-01T10:00:00.123456Z", 123456},
		{"2024-03-01T10:00:00.1234567Z", 123456},
		{"2024-03-01T10:00:00.12345678Z", 123456},
		{"2024-03-01T10:00:00.123456789Z", 123456},
		{"2024-03-01T10:00:00,5Z", 500000},
		{"2024-03-01T10:00:00,000001Z", 1},
		{"2024-03-01T10:00:00.999999999Z", 999999},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_civil c;
		size_t n = strlen(cases[i].s);
		if (st_parse_iso(cases[i].s, n, &c, false) != n || c.usec != cases[i].usec) {
			print_error("%s: usec %d, want %d\n", cases[i].s, c.usec, cases[i].usec);
			fail();
		}
		assert_time(iso_utc(cases[i].s), tu_utc(2024, 3, 1, 10, 0, 0, cases[i].usec));
	}
	/* a dot without digits is not a fraction: the stamp ends before it */
	assert_int_equal(iso_len("2024-03-01T10:00:00. x", false), 19);
}

static void
test_iso_separators(void **state)
{
	(void)state;
	st_time want = tu_utc(2025, 1, 1, 10, 0, 0, 123000);
	assert_time(iso_utc("2025-01-01 10:00:00.123Z"), want);
	assert_time(iso_utc("2025-01-01t10:00:00.123Z"), want);
	assert_time(iso_utc("2025-01-01T10:00:00.123Z"), want);
	assert_int_equal(iso_len("2025-01-01X10:00:00Z", false), 0);
	assert_int_equal(iso_len("2025-01-01_10:00:00Z", false), 0);
	assert_int_equal(iso_len("20250101T100000Z", false), 0);
	assert_int_equal(iso_len("2025/01/01 10:00:00", false), 0);
}

static void
test_iso_date_only(void **state)
{
	(void)state;
	assert_int_equal(iso_len("2024-03-01", false), 0);
	assert_int_equal(iso_len("2024-03-01", true), 10);
	assert_int_equal(iso_len("2024-03-01 something", false), 0);
	assert_int_equal(iso_len("2024-03-01 something", true), 10);
	/* a digit straight after the date is not a date alone */
	assert_int_equal(iso_len("2024-03-011", true), 0);
	assert_int_equal(iso_len("2024-02-30", true), 0);
	struct st_civil c;
	assert_int_equal(st_parse_iso("2024-03-01", 10, &c, true), 10);
	st_time t;
	assert_int_equal(st_civil_resolve(NULL, c, &t), 0);
	assert_time(t, tu_utc(2024, 3, 1, 0, 0, 0, 0));
}

static void
test_iso_leap_years(void **state)
{
	(void)state;
	assert_time(iso_utc("2024-02-29T12:00:00Z"), tu_utc(2024, 2, 29, 12, 0, 0, 0));
	assert_time(iso_utc("2000-02-29T12:00:00Z"), tu_utc(2000, 2, 29, 12, 0, 0, 0));
	assert_int_equal(iso_len("2023-02-29T12:00:00Z", false), 0);
	assert_int_equal(iso_len("1900-02-29T12:00:00Z", false), 0);
	assert_int_equal(iso_len("2100-02-29T12:00:00Z", false), 0);
	assert_int_equal(iso_len("2024-02-30T12:00:00Z", false), 0);
	assert_true(st_is_leap(2024));
	assert_true(st_is_leap(2000));
	assert_false(st_is_leap(1900));
	assert_false(st_is_leap(2023));
	assert_int_equal(st_days_in_month(2024, 2), 29);
	assert_int_equal(st_days_in_month(1900, 2), 28);
	assert_int_equal(st_days_in_month(2023, 4), 30);
	assert_int_equal(st_days_in_month(2023, 13), 0);
}

static void
test_iso_bad_digits(void **state)
{
	(void)state;
	/* a bad date is no stamp at all, with or without a time */
	static const char *const bad_date[] = {
		"2024-1a-01T00:00:00Z", "2024-01-0xT00:00:00Z", "202a-01-01T00:00:00Z",
		"24-01-01T00:00:00Z",   "2024-01",              "2024/01/01",
		"",                     "hello world, not a time",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad_date); i++) {
		if (iso_len(bad_date[i], false) != 0 || iso_len(bad_date[i], true) != 0) {
			print_error("\"%s\" was accepted\n", bad_date[i]);
			fail();
		}
	}
	/* a bad time is no full stamp */
	static const char *const bad_time[] = {
		"2024-01-01T0a:00:00Z", "2024-01-01T00:a0:00Z", "2024-01-01T00-00-00Z",
		"2024-01-01T0:00:00Z",  "2024-01-01T",          "2024-01-01T12",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad_time); i++) {
		if (iso_len(bad_time[i], false) != 0) {
			print_error("\"%s\" was accepted\n", bad_time[i]);
			fail();
		}
	}
}

static void
test_iso_out_of_range(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-32T00:00:00Z",
		"2024-01-00T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z",
		"2024-01-01T00:60:00Z", "2024-01-01T00:00:61Z", "2024-01-01T99:00:00Z",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (iso_len(bad[i], false) != 0) {
			print_error("\"%s\" was accepted\n", bad[i]);
			fail();
		}
	}
	/* a month 13 date alone is no date either */
	assert_int_equal(iso_len("2024-13-01", true), 0);
}

static void
test_iso_leap_second(void **state)
{
	(void)state;
	/* :60 reads as the last microsecond of the minute */
	assert_time(iso_utc("2016-12-31T23:59:60Z"), tu_utc(2016, 12, 31, 23, 59, 59, 999999));
	assert_time(iso_utc("2016-12-31T23:59:60.5Z"), tu_utc(2016, 12, 31, 23, 59, 59, 999999));
	/* and stays before the next minute */
	assert_true(iso_utc("2016-12-31T23:59:60Z") < iso_utc("2017-01-01T00:00:00Z"));
}

static void
test_civil_check(void **state)
{
	(void)state;
	struct st_civil ok = {.year = 2024, .mon = 2, .day = 29, .hour = 23, .min = 59, .sec = 60};
	assert_int_equal(st_civil_check(&ok), 0);
	struct st_civil c = ok;
	c.usec = 1000000;
	assert_int_equal(st_civil_check(&c), ST_ERANGE);
	c = ok;
	c.has_off = true;
	c.off_sec = 25 * 3600;
	assert_int_equal(st_civil_check(&c), ST_ERANGE);
	c = ok;
	c.year = 2023;
	assert_int_equal(st_civil_check(&c), ST_ERANGE);
	c = ok;
	c.year = -1; /* year-less: Feb 29 stays possible */
	assert_int_equal(st_civil_check(&c), 0);
	c.day = 30;
	assert_int_equal(st_civil_check(&c), ST_ERANGE);
}

static void
test_days_round_trip(void **state)
{
	(void)state;
	assert_int_equal(st_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(st_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(st_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(st_days_from_civil(1969, 12, 31), -1);
	/* every day of 1900..2100, against a counter walking the calendar */
	int64_t days = tu_days(1900, 1, 1);
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= tu_mdays(y, m); d++, days++) {
				int64_t got = st_days_from_civil(y, m, d);
				int yy, mm, dd;
				st_civil_from_days(days, &yy, &mm, &dd);
				if (got != days || yy != y || mm != m || dd != d) {
					print_error("%04d-%02d-%02d: days %lld want %lld; back %04d-%02d-%02d\n",
					            y, m, d, (long long)got, (long long)days, yy, mm, dd);
					fail();
				}
			}
	/* the whole supported range, sparsely: years 0..9999 */
	int64_t lo = st_days_from_civil(0, 1, 1), hi = st_days_from_civil(9999, 12, 31);
	assert_int_equal(hi - lo + 1, 10000 * 365 + 2425);
	for (int64_t z = lo; z <= hi; z += 997) {
		int y, m, d;
		st_civil_from_days(z, &y, &m, &d);
		assert_true(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= tu_mdays(y, m));
		assert_int_equal(st_days_from_civil(y, m, d), z);
	}
}

static void
test_format_time(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(st_format_time(0, 0, buf), 20);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(st_format_time(0, 3, buf), 24);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	assert_int_equal(st_format_time(0, 6, buf), 27);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");

	st_time t = tu_utc(2024, 12, 8, 5, 59, 58, 123456);
	st_format_time(t, 6, buf);
	assert_string_equal(buf, "2024-12-08T05:59:58.123456Z");
	st_format_time(t, 3, buf);
	assert_string_equal(buf, "2024-12-08T05:59:58.123Z");
	st_format_time(t, 0, buf);
	assert_string_equal(buf, "2024-12-08T05:59:58Z");
	st_format_time(tu_utc(2024, 1, 1, 0, 0, 0, 7), 6, buf);
	assert_string_equal(buf, "2024-01-01T00:00:00.000007Z");

	/* before the epoch: floor, the fraction stays positive */
	st_format_time(-1, 6, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
	st_format_time(-ST_USEC, 6, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.000000Z");
	st_format_time(-ST_USEC - 1, 6, buf);
	assert_string_equal(buf, "1969-12-31T23:59:58.999999Z");
	st_format_time(-ST_DAY_USEC, 0, buf);
	assert_string_equal(buf, "1969-12-31T00:00:00Z");
	st_format_time(-ST_DAY_USEC - 1, 6, buf);
	assert_string_equal(buf, "1969-12-30T23:59:59.999999Z");
	st_format_time(tu_utc(1900, 3, 1, 12, 30, 15, 250000), 3, buf);
	assert_string_equal(buf, "1900-03-01T12:30:15.250Z");

	assert_int_equal(st_format_time(ST_TIME_NONE, 6, buf), 1);
	assert_string_equal(buf, "-");
}

static void
test_format_parse_round_trip(void **state)
{
	(void)state;
	/* times spread over years 1..9999 survive format -> parse */
	st_time lo = tu_utc(1, 1, 1, 0, 0, 0, 0), hi = tu_utc(9999, 12, 31, 23, 59, 59, 999999);
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		st_time t = lo + (st_time)(x % (uint64_t)(hi - lo));
		char buf[32];
		st_format_time(t, 6, buf);
		assert_time(iso_utc(buf), t);
	}
}

/* A year-less civil time. */
static struct st_civil
yl(int mon, int day, int hour, int min, int sec)
{
	struct st_civil c = {.year = -1, .mon = mon, .day = day, .hour = hour, .min = min, .sec = sec};
	return c;
}

static st_time
resolve(const struct st_timectx *tc, struct st_civil c)
{
	st_time t = 0;
	assert_int_equal(st_civil_resolve(tc, c, &t), 0);
	return t;
}

static void
test_resolve_yearless(void **state)
{
	(void)state;
	/* December lines read in January belong to the year before */
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, tu_utc(2025, 1, 5, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(12, 31, 23, 59, 59)), tu_utc(2024, 12, 31, 23, 59, 59, 0));
	assert_time(resolve(&tc, yl(1, 4, 10, 0, 0)), tu_utc(2025, 1, 4, 10, 0, 0, 0));

	/* one day of slack after the reference, then the year before */
	st_timectx_init(&tc, tc.tz, tu_utc(2024, 6, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(6, 2, 0, 0, 0)), tu_utc(2024, 6, 2, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(6, 1, 23, 0, 0)), tu_utc(2024, 6, 1, 23, 0, 0, 0));
	assert_time(resolve(&tc, yl(6, 2, 0, 0, 1)), tu_utc(2023, 6, 2, 0, 0, 1, 0));
	assert_time(resolve(&tc, yl(7, 1, 0, 0, 0)), tu_utc(2023, 7, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(5, 31, 12, 0, 0)), tu_utc(2024, 5, 31, 12, 0, 0, 0));

	/* a stamp with a year keeps it, whatever the reference */
	struct st_civil c = yl(7, 1, 0, 0, 0);
	c.year = 2030;
	assert_time(resolve(&tc, c), tu_utc(2030, 7, 1, 0, 0, 0, 0));
}

static void
test_resolve_feb29(void **state)
{
	(void)state;
	/* a non-leap reference year: the leap year before */
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, tu_utc(2025, 3, 10, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(2, 29, 12, 0, 0)), tu_utc(2024, 2, 29, 12, 0, 0, 0));
	st_timectx_init(&tc, tc.tz, tu_utc(2023, 6, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(2, 29, 12, 0, 0)), tu_utc(2020, 2, 29, 12, 0, 0, 0));
	/* a leap reference year but Feb 29 is still ahead of it */
	st_timectx_init(&tc, tc.tz, tu_utc(2024, 1, 10, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(2, 29, 12, 0, 0)), tu_utc(2020, 2, 29, 12, 0, 0, 0));
	st_timectx_init(&tc, tc.tz, tu_utc(2024, 3, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(2, 29, 12, 0, 0)), tu_utc(2024, 2, 29, 12, 0, 0, 0));
	/* impossible dates stay impossible */
	st_time t;
	assert_int_equal(st_civil_resolve(&tc, yl(2, 30, 0, 0, 0), &t), ST_ERANGE);
	assert_int_equal(st_civil_resolve(&tc, yl(4, 31, 0, 0, 0), &t), ST_ERANGE);
	assert_int_equal(st_civil_resolve(&tc, yl(1, 1, 24, 0, 0), &t), ST_ERANGE);
}

static void
test_timectx_init(void **state)
{
	(void)state;
	struct st_tz *tz = NULL;
	struct st_timectx tc;
	st_timectx_init(&tc, tz, tu_utc(2025, 1, 1, 0, 0, 0, 0));
	assert_int_equal(tc.ref_year, 2025);
	assert_null(tc.tz);
	assert_time(tc.ref, tu_utc(2025, 1, 1, 0, 0, 0, 0));
	st_timectx_init(&tc, NULL, tu_utc(2025, 1, 1, 0, 0, 0, 0) - 1);
	assert_int_equal(tc.ref_year, 2024);
	st_timectx_init(&tc, NULL, 0);
	assert_int_equal(tc.ref_year, 1970);
	st_timectx_init(&tc, NULL, -1);
	assert_int_equal(tc.ref_year, 1969);
	st_timectx_init(&tc, NULL, tu_utc(1969, 1, 1, 0, 0, 0, 0));
	assert_int_equal(tc.ref_year, 1969);
	st_timectx_init(&tc, NULL, tu_utc(1968, 12, 31, 23, 59, 59, 999999));
	assert_int_equal(tc.ref_year, 1968);
	/* no context at all: year-less stamps land in 1970 */
	st_time t;
	assert_int_equal(st_civil_resolve(NULL, yl(3, 1, 0, 0, 0), &t), 0);
	assert_time(t, tu_utc(1970, 3, 1, 0, 0, 0, 0));
}

static void
test_resolve_before_epoch_ref(void **state)
{
	(void)state;
	/* a reference before 1970 still gives its own year */
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, tu_utc(1969, 12, 31, 12, 0, 0, 0));
	assert_time(resolve(&tc, yl(12, 31, 1, 0, 0)), tu_utc(1969, 12, 31, 1, 0, 0, 0));
	assert_time(resolve(&tc, yl(1, 1, 1, 0, 0)), tu_utc(1969, 1, 1, 1, 0, 0, 0));
}

static struct st_tz *
load(const char *name)
{
	struct st_tz *tz = NULL;
	int rc = st_tz_load(name, &tz);
	if (rc != 0) {
		print_error("st_tz_load(\"%s\") = %d (%s)\n", name, rc, st_strerror(rc));
		fail();
	}
	assert_non_null(tz);
	return tz;
}

/* Wall clock in tz -> UTC, through st_civil_resolve like a parser does. */
static st_time
wall(const struct st_tz *tz, int y, int mo, int d, int h, int mi)
{
	struct st_timectx tc;
	st_timectx_init(&tc, tz, 0);
	struct st_civil c = {.year = y, .mon = mo, .day = d, .hour = h, .min = mi};
	return resolve(&tc, c);
}

static void
test_tz_fixed(void **state)
{
	(void)state;
	struct st_tz *tz = load("UTC");
	assert_int_equal(st_tz_offset_at(tz, 0), 0);
	assert_time(wall(tz, 2024, 7, 1, 12, 0), tu_utc(2024, 7, 1, 12, 0, 0, 0));
	st_tz_free(tz);

	tz = load("+05:30");
	assert_int_equal(st_tz_offset_at(tz, tu_utc(2024, 7, 1, 0, 0, 0, 0)), 19800);
	assert_time(wall(tz, 2024, 7, 1, 12, 0), tu_utc(2024, 7, 1, 6, 30, 0, 0));
	st_tz_free(tz);

	tz = load("-0800");
	assert_int_equal(st_tz_offset_at(tz, 0), -28800);
	assert_time(wall(tz, 2024, 12, 31, 20, 0), tu_utc(2025, 1, 1, 4, 0, 0, 0));
	st_tz_free(tz);

	tz = load("+02");
	assert_int_equal(st_tz_offset_at(tz, 0), 7200);
	st_tz_free(tz);

	struct st_tz *bad = NULL;
	assert_int_equal(st_tz_load("+25:00", &bad), ST_ENOZONE);
	assert_int_equal(st_tz_load("+05:3", &bad), ST_ENOZONE);
	assert_int_equal(st_tz_load("+05:30x", &bad), ST_ENOZONE);
	assert_int_equal(st_tz_load("+0a:00", &bad), ST_ENOZONE);
	assert_null(bad);
}

static void
test_tz_berlin(void **state)
{
	(void)state;
	struct st_tz *tz = load("Europe/Berlin");
	assert_time(wall(tz, 2024, 7, 1, 12, 0), tu_utc(2024, 7, 1, 10, 0, 0, 0));
	assert_time(wall(tz, 2024, 1, 15, 12, 0), tu_utc(2024, 1, 15, 11, 0, 0, 0));
	assert_int_equal(st_tz_offset_at(tz, tu_utc(2024, 7, 1, 10, 0, 0, 0)), 7200);
	assert_int_equal(st_tz_offset_at(tz, tu_utc(2024, 1, 15, 11, 0, 0, 0)), 3600);
	/* the change itself: 2024-03-31 01:00Z */
	assert_int_equal(st_tz_offset_at(tz, tu_utc(2024, 3, 31, 0, 59, 59, 999999)), 3600);
	assert_int_equal(st_tz_offset_at(tz, tu_utc(2024, 3, 31, 1, 0, 0, 0)), 7200);
	/* a stamp with its own offset ignores the zone */
	struct st_timectx tc;
	st_timectx_init(&tc, tz, 0);
	struct st_civil c = {.year = 2024, .mon = 7, .day = 1, .hour = 12, .has_off = true};
	assert_time(resolve(&tc, c), tu_utc(2024, 7, 1, 12, 0, 0, 0));
	/* year-less stamps are read in the zone too */
	st_timectx_init(&tc, tc.tz, tu_utc(2024, 8, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(7, 1, 12, 0, 0)), tu_utc(2024, 7, 1, 10, 0, 0, 0));
	st_tz_free(tz);
}

static void
test_resolve_dateless(void **state)
{
	(void)state;
	/* a time of day takes the reference's date, or the day before when it
	 * would lie after the reference */
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, tu_utc(2024, 3, 10, 0, 30, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 0, 10, 0)), tu_utc(2024, 3, 10, 0, 10, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 0, 30, 0)), tu_utc(2024, 3, 10, 0, 30, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 23, 50, 0)), tu_utc(2024, 3, 9, 23, 50, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 0, 30, 1)), tu_utc(2024, 3, 9, 0, 30, 1, 0));
	/* across a month and a year */
	st_timectx_init(&tc, NULL, tu_utc(2025, 1, 1, 0, 0, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 8, 9, 33)), tu_utc(2024, 12, 31, 8, 9, 33, 0));
	/* with an offset: the reference's date there */
	struct st_civil c = yl(0, 0, 1, 0, 0);
	c.has_off = true;
	c.off_sec = 3600;
	st_timectx_init(&tc, NULL, tu_utc(2024, 3, 9, 23, 30, 0, 0)); /* 03-10 00:30 at +01 */
	assert_time(resolve(&tc, c), tu_utc(2024, 3, 9, 0, 0, 0, 0));
	c.hour = 0;
	c.min = 15;
	assert_time(resolve(&tc, c), tu_utc(2024, 3, 9, 23, 15, 0, 0));
	/* in a zone */
	struct st_tz *tz = load("Europe/Berlin");
	st_timectx_init(&tc, tz, tu_utc(2024, 7, 1, 22, 30, 0, 0)); /* 07-02 00:30 there */
	assert_time(resolve(&tc, yl(0, 0, 0, 20, 0)), tu_utc(2024, 7, 1, 22, 20, 0, 0));
	assert_time(resolve(&tc, yl(0, 0, 23, 0, 0)), tu_utc(2024, 7, 1, 21, 0, 0, 0));
	st_tz_free(tz);
	/* the time is still checked; half a date is not date-less */
	st_time t;
	assert_int_equal(st_civil_resolve(&tc, yl(0, 0, 24, 0, 0), &t), ST_ERANGE);
	assert_int_equal(st_civil_resolve(&tc, yl(0, 1, 1, 0, 0), &t), ST_ERANGE);
	assert_int_equal(st_civil_resolve(&tc, yl(1, 0, 1, 0, 0), &t), ST_ERANGE);
}

static void
test_tz_new_york(void **state)
{
	(void)state;
	struct st_tz *tz = load("America/New_York");
	assert_time(wall(tz, 2024, 7, 1, 12, 0), tu_utc(2024, 7, 1, 16, 0, 0, 0));
	assert_time(wall(tz, 2024, 1, 15, 12, 0), tu_utc(2024, 1, 15, 17, 0, 0, 0));
	/* 02:30 on 2024-03-10 does not exist: it lands after the gap */
	assert_time(wall(tz, 2024, 3, 10, 2, 30), tu_utc(2024, 3, 10, 7, 30, 0, 0));
	/* 01:30 on 2024-11-03 happens twice: the first (EDT) */
	assert_time(wall(tz, 2024, 11, 3, 1, 30), tu_utc(2024, 11, 3, 5, 30, 0, 0));
	/* before the first transition (1883) the first standard-time type
	 * holds: some offset of the US east coast */
	int off = st_tz_offset_at(tz, tu_utc(1800, 1, 1, 0, 0, 0, 0));
	assert_true(off > -6 * 3600 && off < -4 * 3600);
	st_tz_free(tz);
}

static void
test_tz_unknown(void **state)
{
	(void)state;
	struct st_tz *tz = NULL;
	assert_int_equal(st_tz_load("Mars/Olympus", &tz), ST_ENOZONE);
	assert_int_equal(st_tz_load("../etc/passwd", &tz), ST_ENOZONE);
	assert_int_equal(st_tz_load("Europe/../../../../etc/passwd", &tz), ST_ENOZONE);
	assert_int_equal(st_tz_load("/etc/passwd", &tz), ST_ENOZONE);
	assert_int_equal(st_tz_load("", &tz), ST_ENOZONE);
	/* a file under the zone directory that is not TZif */
	assert_int_equal(st_tz_load("zone.tab", &tz), ST_ENOZONE);
	/* a directory */
	assert_int_equal(st_tz_load("Europe", &tz), ST_ENOZONE);
	assert_null(tz);
	st_tz_free(NULL);
}

static void
test_user_time(void **state)
{
	(void)state;
	st_time t;
	assert_int_equal(st_parse_user_time("2024-12-08T05:59:58Z", NULL, &t), 0);
	assert_time(t, tu_utc(2024, 12, 8, 5, 59, 58, 0));
	assert_int_equal(st_parse_user_time("2024-12-08T05:59:58.5+01:00", NULL, &t), 0);
	assert_time(t, tu_utc(2024, 12, 8, 4, 59, 58, 500000));
	assert_int_equal(st_parse_user_time("2024-12-08", NULL, &t), 0);
	assert_time(t, tu_utc(2024, 12, 8, 0, 0, 0, 0));
	assert_int_equal(st_parse_user_time("1727746803", NULL, &t), 0);
	assert_time(t, tu_utc(2024, 10, 1, 1, 40, 3, 0));
	assert_int_equal(st_parse_user_time("1727746803.25", NULL, &t), 0);
	assert_time(t, tu_utc(2024, 10, 1, 1, 40, 3, 250000));
	assert_int_equal(st_parse_user_time("0", NULL, &t), 0);
	assert_time(t, 0);

	/* zoneless input is read in the zone given */
	struct st_tz *tz = load("Europe/Berlin");
	assert_int_equal(st_parse_user_time("2024-07-01T12:00:00", tz, &t), 0);
	assert_time(t, tu_utc(2024, 7, 1, 10, 0, 0, 0));
	assert_int_equal(st_parse_user_time("2024-07-01T12:00:00Z", tz, &t), 0);
	assert_time(t, tu_utc(2024, 7, 1, 12, 0, 0, 0));
	st_tz_free(tz);

	static const char *const bad[] = {
		"", "yesterday", "2024-13-01", "2024-12-08T05:59:58Z junk", "12abc", "-5",
		"2024-02-30T00:00:00Z", "nan", "inf", " 1727746803",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		if (st_parse_user_time(bad[i], NULL, &t) != ST_EINVAL) {
			print_error("\"%s\" was accepted\n", bad[i]);
			fail();
		}
	}
}

static void
test_digits_and_months(void **state)
{
	(void)state;
	int v = -1;
	assert_int_equal(st_digits("2024x", 5, 4, 4, &v), 4);
	assert_int_equal(v, 2024);
	assert_int_equal(st_digits("12345", 5, 1, 3, &v), 3);
	assert_int_equal(v, 123);
	assert_int_equal(st_digits("1x", 2, 2, 2, &v), 0);
	/* the length bound is respected: no read past n */
	assert_int_equal(st_digits("123", 2, 1, 4, &v), 2);
	assert_int_equal(v, 12);
	static const char *const m[] = {"Jan", "feb", "MAR", "Apr", "May", "Jun",
	                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int i = 0; i < 12; i++)
		assert_int_equal(st_month_abbr(m[i], 3), i + 1);
	assert_int_equal(st_month_abbr("Foo", 3), 0);
	assert_int_equal(st_month_abbr("Ja", 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_zulu),
		cmocka_unit_test(test_iso_offsets),
		cmocka_unit_test(test_iso_fractions),
		cmocka_unit_test(test_iso_separators),
		cmocka_unit_test(test_iso_date_only),
		cmocka_unit_test(test_iso_leap_years),
		cmocka_unit_test(test_iso_bad_digits),
		cmocka_unit_test(test_iso_out_of_range),
		cmocka_unit_test(test_iso_leap_second),
		cmocka_unit_test(test_civil_check),
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_resolve_yearless),
		cmocka_unit_test(test_resolve_feb29),
		cmocka_unit_test(test_timectx_init),
		cmocka_unit_test(test_resolve_before_epoch_ref),
		cmocka_unit_test(test_tz_fixed),
		cmocka_unit_test(test_resolve_dateless),
		cmocka_unit_test(test_tz_berlin),
		cmocka_unit_test(test_tz_new_york),
		cmocka_unit_test(test_tz_unknown),
		cmocka_unit_test(test_user_time),
		cmocka_unit_test(test_digits_and_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
