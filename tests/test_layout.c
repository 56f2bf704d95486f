/*
 * test_layout.c: strftime-like time layouts (src/layout.c).
 *
 *   - every directive, read into the exact UTC time (checked against the
 *     counting oracle in testutil.h, not against stime.c);
 *   - values out of range (month 13, Feb 30, hour 24, %I 13, %j 366 in a
 *     common year, offsets past 23:59) and bytes that do not follow the
 *     layout, with where and why;
 *   - layouts refused when compiled (unknown directives, a field given
 *     twice, no date, %I without %p, ...), with the offset in the message.
 *
 * Stamps are handed over in heap buffers of exactly their length, so ASan
 * catches a read past the stamp.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/layout.h"
#include "strata/util.h"
#include "testutil.h"

/* 2024-12-20T00:00:00Z: the reference time for year-less stamps */
#define REF (tu_utc(2024, 12, 20, 0, 0, 0, 0))

static void
compile_ok(struct st_layout *l, const char *text)
{
	char err[256] = "";
	if (st_layout_compile(l, text, err, sizeof(err)) != 0) {
		print_error("layout '%s' refused: %s\n", text, err);
		fail();
	}
}

/* Read s with layout text under tz (NULL: UTC); returns the code. */
static int
read_tz(const char *text, const char *s, const struct st_tz *tz, st_time *out,
	struct st_layout_err *why)
{
	struct st_layout l;
	compile_ok(&l, text);
	struct st_timectx tc;
	st_timectx_init(&tc, tz, REF);
	size_t n = strlen(s);
	char *p = st_xmalloc(n ? n : 1);
	memcpy(p, s, n);
	*out = 12345;
	int rc = st_layout_parse(&l, &tc, p, n, out, why);
	/* the diagnostic path gives the same answer as the fast one */
	st_time t2 = 0;
	int rc2 = st_layout_parse(&l, &tc, p, n, &t2, NULL);
	free(p);
	assert_int_equal(rc, rc2);
	if (rc == 0)
		assert_time(t2, *out);
	return rc;
}

static st_time
read_ok(const char *text, const char *s)
{
	st_time t;
	struct st_layout_err why = {0};
	int rc = read_tz(text, s, NULL, &t, &why);
	if (rc != 0) {
		print_error("'%s' with '%s': %d, %s\n", s, text, rc, why.msg);
		fail();
	}
	return t;
}

/* s does not read with text: the code, and a message holding `has`. */
static void
read_bad(const char *text, const char *s, int want_rc, const char *has)
{
	st_time t;
	struct st_layout_err why = {0};
	int rc = read_tz(text, s, NULL, &t, &why);
	if (rc != want_rc || (has && strstr(why.msg, has) == NULL)) {
		print_error("'%s' with '%s': got %d (%s), want %d with '%s'\n", s, text, rc,
		            why.msg, want_rc, has ? has : "");
		fail();
	}
}

static void
compile_bad(const char *text, const char *has)
{
	struct st_layout l;
	char err[256] = "";
	int rc = st_layout_compile(&l, text, err, sizeof(err));
	if (rc != ST_EINVAL || strstr(err, has) == NULL) {
		print_error("layout '%s': got %d (%s), want a message with '%s'\n", text, rc, err,
		            has);
		fail();
	}
}

static void
test_numeric_fields(void **state)
{
	(void)state;
	assert_time(read_ok("%Y-%m-%d %H:%M:%S", "2024-03-01 10:00:05"),
	            tu_utc(2024, 3, 1, 10, 0, 5, 0));
	/* one digit where two may be */
	assert_time(read_ok("%Y-%m-%d %H:%M:%S", "2024-3-9 7:5:6"), tu_utc(2024, 3, 9, 7, 5, 6, 0));
	/* no separators: two digits are taken greedily */
	assert_time(read_ok("%Y%m%d%H%M%S", "20240301100005"), tu_utc(2024, 3, 1, 10, 0, 5, 0));
	assert_time(read_ok("%d/%m/%Y", "31/12/1999"), tu_utc(1999, 12, 31, 0, 0, 0, 0));
	/* %y: 69-99 is 19xx, 00-68 is 20xx (POSIX) */
	assert_time(read_ok("%y-%m-%d", "24-01-02"), tu_utc(2024, 1, 2, 0, 0, 0, 0));
	assert_time(read_ok("%y-%m-%d", "68-01-02"), tu_utc(2068, 1, 2, 0, 0, 0, 0));
	assert_time(read_ok("%y-%m-%d", "69-01-02"), tu_utc(1969, 1, 2, 0, 0, 0, 0));
	assert_time(read_ok("%y-%m-%d", "00-01-02"), tu_utc(2000, 1, 2, 0, 0, 0, 0));
	/* %Y wants four digits */
	read_bad("%Y-%m-%d", "24-01-02", ST_ENOMATCH, "%Y wants digits");
	/* %T and %F */
	assert_time(read_ok("%F %T", "2024-02-29 23:59:59"), tu_utc(2024, 2, 29, 23, 59, 59, 0));
	assert_time(read_ok("%FT%T", "2024-02-29T23:59:59"), tu_utc(2024, 2, 29, 23, 59, 59, 0));
}

static void
test_day_with_blank(void **state)
{
	(void)state;
	/* %e: a day that may be padded with a blank */
	assert_time(read_ok("%b %e %H:%M:%S %Y", "Mar  9 02:00:13 2024"),
	            tu_utc(2024, 3, 9, 2, 0, 13, 0));
	assert_time(read_ok("%b %e %H:%M:%S %Y", "Mar 19 02:00:13 2024"),
	            tu_utc(2024, 3, 19, 2, 0, 13, 0));
	assert_time(read_ok("%b%e %Y", "Mar 9 2024"), tu_utc(2024, 3, 9, 0, 0, 0, 0));
	/* a blank in the layout takes one or more blanks, tabs too */
	assert_time(read_ok("%Y-%m-%d %H:%M", "2024-03-09 \t  02:00"),
	            tu_utc(2024, 3, 9, 2, 0, 0, 0));
	read_bad("%Y-%m-%d %H:%M", "2024-03-0902:00", ST_ENOMATCH,
	         "byte 10: the layout wants a blank");
	read_bad("%Y-%m-%d %H:%M", "2024-03-09T02:00", ST_ENOMATCH, "wants a blank");
}

static void
test_fractions(void **state)
{
	(void)state;
	const char *l = "%Y-%m-%d %H:%M:%S.%f";
	assert_time(read_ok(l, "2024-01-01 00:00:00.5"), tu_utc(2024, 1, 1, 0, 0, 0, 500000));
	assert_time(read_ok(l, "2024-01-01 00:00:00.123"), tu_utc(2024, 1, 1, 0, 0, 0, 123000));
	assert_time(read_ok(l, "2024-01-01 00:00:00.123456"), tu_utc(2024, 1, 1, 0, 0, 0, 123456));
	/* nine digits: past the sixth they are ignored */
	assert_time(read_ok(l, "2024-01-01 00:00:00.123456789"),
	            tu_utc(2024, 1, 1, 0, 0, 0, 123456));
	/* ten is more than %f reads: the stamp does not end with the layout */
	read_bad(l, "2024-01-01 00:00:00.1234567891", ST_ENOMATCH, "goes on with '1'");
	read_bad(l, "2024-01-01 00:00:00.", ST_ENOMATCH, "%f wants digits");
	read_bad(l, "2024-01-01 00:00:00", ST_ENOMATCH, "wants '.'");
	/* a comma is a literal like any other */
	assert_time(read_ok("%H:%M:%S,%f %d.%m.%Y", "10:00:00,250 01.02.2024"),
	            tu_utc(2024, 2, 1, 10, 0, 0, 250000));
	/* %.f: an optional fraction after '.' or ',' */
	const char *o = "%Y-%m-%dT%H:%M:%S%.f%z";
	assert_time(read_ok(o, "2024-01-01T00:00:00Z"), tu_utc(2024, 1, 1, 0, 0, 0, 0));
	assert_time(read_ok(o, "2024-01-01T00:00:00.25Z"), tu_utc(2024, 1, 1, 0, 0, 0, 250000));
	assert_time(read_ok(o, "2024-01-01T00:00:00,000001Z"), tu_utc(2024, 1, 1, 0, 0, 0, 1));
	read_bad(o, "2024-01-01T00:00:00.Z", ST_ENOMATCH, "%z wants");
}

static void
test_offsets(void **state)
{
	(void)state;
	const char *l = "%Y-%m-%d %H:%M:%S %z";
	st_time base = tu_utc(2024, 3, 1, 10, 0, 0, 0);
	assert_time(read_ok(l, "2024-03-01 10:00:00 Z"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 z"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 +01:00"), base - 3600 * ST_USEC);
	assert_time(read_ok(l, "2024-03-01 10:00:00 +0100"), base - 3600 * ST_USEC);
	assert_time(read_ok(l, "2024-03-01 10:00:00 -0130"), base + 5400 * ST_USEC);
	assert_time(read_ok(l, "2024-03-01 10:00:00 +05"), base - 5 * 3600 * ST_USEC);
	assert_time(read_ok(l, "2024-03-01 10:00:00 -00:00"), base);
	/* glued to the time */
	assert_time(read_ok("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T10:00:00+05:30"),
	            base - 19800 * ST_USEC);
	read_bad(l, "2024-03-01 10:00:00 +1", ST_ENOMATCH, "%z wants Z, +hh:mm, +hhmm or +hh");
	read_bad(l, "2024-03-01 10:00:00 CET", ST_ENOMATCH, "%z wants");
	read_bad(l, "2024-03-01 10:00:00 +24:00", ST_ERANGE, "out of range");
	read_bad(l, "2024-03-01 10:00:00 +01:60", ST_ERANGE, "out of range");
	read_bad(l, "2024-03-01 10:00:00 +01:00:00", ST_ENOMATCH, "goes on with ':00'");
	/* an offset crosses the date line */
	assert_time(read_ok(l, "2024-01-01 00:30:00 +01:00"), tu_utc(2023, 12, 31, 23, 30, 0, 0));
}

static void
test_zone_names(void **state)
{
	(void)state;
	const char *l = "%Y-%m-%d %H:%M:%S %Z";
	st_time base = tu_utc(2024, 3, 1, 10, 0, 0, 0);
	assert_time(read_ok(l, "2024-03-01 10:00:00 UTC"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 GMT"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 UT"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 Z"), base);
	assert_time(read_ok(l, "2024-03-01 10:00:00 utc"), base);
	read_bad(l, "2024-03-01 10:00:00 CET", ST_ENOMATCH, "not 'CET'");
	read_bad(l, "2024-03-01 10:00:00 UTCX", ST_ENOMATCH, "%Z reads");
	read_bad(l, "2024-03-01 10:00:00 +01:00", ST_ENOMATCH, "use %z for offsets");
	/* a named or numeric zone wins over --assume-tz; a zoneless stamp takes it */
	struct st_tz *tz = NULL;
	assert_int_equal(st_tz_load("+02:00", &tz), 0);
	st_time t;
	assert_int_equal(read_tz(l, "2024-03-01 10:00:00 UTC", tz, &t, NULL), 0);
	assert_time(t, base);
	assert_int_equal(read_tz("%Y-%m-%d %H:%M:%S", "2024-03-01 10:00:00", tz, &t, NULL), 0);
	assert_time(t, base - 2 * 3600 * ST_USEC);
	st_tz_free(tz);
}

static void
test_names(void **state)
{
	(void)state;
	const char *l = "%d %b %Y";
	static const char *const months[] = {"Jan", "feb",    "MAR", "April",   "may", "JUNE",
	                                     "Jul", "August", "sep", "October", "Nov", "december"};
	for (int m = 0; m < 12; m++) {
		char s[32];
		snprintf(s, sizeof(s), "02 %s 2023", months[m]);
		assert_time(read_ok(l, s), tu_utc(2023, m + 1, 2, 0, 0, 0, 0));
		assert_time(read_ok("%d %B %Y", s), tu_utc(2023, m + 1, 2, 0, 0, 0, 0));
	}
	read_bad(l, "02 Sept 2023", ST_ENOMATCH, "wants a blank");
	read_bad(l, "02 Foo 2023", ST_ENOMATCH, "%b wants an English month name, not 'Foo 2023'");
	read_bad(l, "02 Ma", ST_ENOMATCH, "month name");
	/* weekdays are read and ignored, even when wrong */
	assert_time(read_ok("%a %b %d %H:%M:%S %Y", "Sun Dec 04 04:47:44 2005"),
	            tu_utc(2005, 12, 4, 4, 47, 44, 0));
	assert_time(read_ok("%A, %d %B %Y", "Wednesday, 04 December 2005"),
	            tu_utc(2005, 12, 4, 0, 0, 0, 0));
	assert_time(read_ok("%a %d.%m.%Y", "fri 01.03.2024"), tu_utc(2024, 3, 1, 0, 0, 0, 0));
	read_bad("%a %d.%m.%Y", "Fre 01.03.2024", ST_ENOMATCH, "%a wants an English weekday name");
}

static void
test_twelve_hour_clock(void **state)
{
	(void)state;
	const char *l = "%m/%d/%Y %I:%M:%S %p";
	assert_time(read_ok(l, "03/01/2024 12:00:00 AM"), tu_utc(2024, 3, 1, 0, 0, 0, 0));
	assert_time(read_ok(l, "03/01/2024 12:30:00 PM"), tu_utc(2024, 3, 1, 12, 30, 0, 0));
	assert_time(read_ok(l, "03/01/2024 01:05:09 PM"), tu_utc(2024, 3, 1, 13, 5, 9, 0));
	assert_time(read_ok(l, "03/01/2024 11:59:59 pm"), tu_utc(2024, 3, 1, 23, 59, 59, 0));
	assert_time(read_ok(l, "03/01/2024 9:00:00 am"), tu_utc(2024, 3, 1, 9, 0, 0, 0));
	assert_time(read_ok("%I%p %d/%m/%Y", "7PM 01/03/2024"), tu_utc(2024, 3, 1, 19, 0, 0, 0));
	read_bad(l, "03/01/2024 13:00:00 PM", ST_ERANGE, "hour 13 is out of range for %I");
	read_bad(l, "03/01/2024 00:00:00 AM", ST_ERANGE, "hour 0 is out of range for %I");
	read_bad(l, "03/01/2024 10:00:00 XM", ST_ENOMATCH, "%p wants AM or PM");
}

static void
test_day_of_year(void **state)
{
	(void)state;
	const char *l = "%Y.%j %H:%M";
	assert_time(read_ok(l, "2024.1 00:00"), tu_utc(2024, 1, 1, 0, 0, 0, 0));
	assert_time(read_ok(l, "2024.060 12:00"), tu_utc(2024, 2, 29, 12, 0, 0, 0));
	assert_time(read_ok(l, "2023.060 12:00"), tu_utc(2023, 3, 1, 12, 0, 0, 0));
	assert_time(read_ok(l, "2024.366 23:59"), tu_utc(2024, 12, 31, 23, 59, 0, 0));
	assert_time(read_ok("%y%j", "24032"), tu_utc(2024, 2, 1, 0, 0, 0, 0));
	read_bad(l, "2023.366 00:00", ST_ERANGE, "day of the year 366, but 2023 has 365 days");
	read_bad(l, "2024.000 00:00", ST_ERANGE, "day of the year 0 is out of range");
	read_bad(l, "2024.367 00:00", ST_ERANGE, "out of range (1-366)");
}

static void
test_epoch(void **state)
{
	(void)state;
	assert_time(read_ok("%s", "1700000000"), (st_time)1700000000 * ST_USEC);
	assert_time(read_ok("%s", "0"), 0);
	assert_time(read_ok("%s.%f", "1700000000.25"), (st_time)1700000000 * ST_USEC + 250000);
	assert_time(read_ok("%s%.f", "1700000000"), (st_time)1700000000 * ST_USEC);
	assert_time(read_ok("@%s", "@1"), ST_USEC);
	read_bad("%s", "-5", ST_ENOMATCH, "%s wants digits");
	read_bad("%s", "253402300800", ST_ERANGE, "after the year 9999");
	read_bad("%s", "1234567890123", ST_ENOMATCH, "goes on");
}

static void
test_out_of_range(void **state)
{
	(void)state;
	const char *l = "%Y-%m-%d %H:%M:%S";
	read_bad(l, "2024-13-01 00:00:00", ST_ERANGE, "byte 5: month 13 is out of range");
	read_bad(l, "2024-00-01 00:00:00", ST_ERANGE, "month 0");
	read_bad(l, "2024-01-32 00:00:00", ST_ERANGE, "day 32 is out of range");
	read_bad(l, "2024-01-00 00:00:00", ST_ERANGE, "day 0");
	read_bad(l, "2024-02-30 00:00:00", ST_ERANGE, "day 30 of month 2 does not exist in 2024");
	read_bad(l, "2023-02-29 00:00:00", ST_ERANGE, "day 29 of month 2 does not exist in 2023");
	read_bad(l, "2024-04-31 00:00:00", ST_ERANGE, "day 31 of month 4");
	read_bad(l, "2024-01-01 24:00:00", ST_ERANGE, "hour 24 is out of range (0-23)");
	read_bad(l, "2024-01-01 00:60:00", ST_ERANGE, "minute 60");
	read_bad(l, "2024-01-01 00:00:61", ST_ERANGE, "second 61");
	/* a leap second is the last microsecond of its minute */
	assert_time(read_ok(l, "2016-12-31 23:59:60"), tu_utc(2016, 12, 31, 23, 59, 59, 999999));
	assert_time(read_ok(l, "2000-02-29 00:00:00"), tu_utc(2000, 2, 29, 0, 0, 0, 0));
	read_bad(l, "1900-02-29 00:00:00", ST_ERANGE, "does not exist in 1900");
	assert_time(read_ok(l, "0001-01-01 00:00:00"), tu_utc(1, 1, 1, 0, 0, 0, 0));
	assert_time(read_ok(l, "9999-12-31 23:59:59"), tu_utc(9999, 12, 31, 23, 59, 59, 0));
}

static void
test_mismatch_positions(void **state)
{
	(void)state;
	const char *l = "%Y-%m-%dT%H:%M:%S";
	st_time t;
	struct st_layout_err why = {0};
	assert_int_equal(read_tz(l, "2024-03-01 10:00:00", NULL, &t, &why), ST_ENOMATCH);
	assert_int_equal(why.pos, 10);
	assert_non_null(strstr(why.msg, "byte 10: the layout wants 'T' here, not ' 10:00:00'"));
	assert_int_equal(read_tz(l, "2024-03-01T10:00", NULL, &t, &why), ST_ENOMATCH);
	assert_int_equal(why.pos, 16);
	assert_non_null(strstr(why.msg, "the end of the time"));
	assert_int_equal(read_tz(l, "2024-03-01T10:00:00 extra", NULL, &t, &why), ST_ENOMATCH);
	assert_int_equal(why.pos, 19);
	assert_non_null(strstr(why.msg, "the layout ends but the time goes on with ' extra'"));
	/* bytes that are not printable show as \xHH */
	assert_int_equal(read_tz(l, "2024-03-01T\x01", NULL, &t, &why), ST_ENOMATCH);
	assert_non_null(strstr(why.msg, "'\\x01'"));
	/* the empty stamp */
	assert_int_equal(read_tz(l, "", NULL, &t, &why), ST_ENOMATCH);
	assert_int_equal(why.pos, 0);
	/* literal % */
	assert_time(read_ok("%Y-%m-%d 100%%", "2024-01-01 100%"), tu_utc(2024, 1, 1, 0, 0, 0, 0));
	read_bad("%Y-%m-%d 100%%", "2024-01-01 100", ST_ENOMATCH, "wants '%'");
}

static void
test_yearless_and_dateless(void **state)
{
	(void)state;
	/* no year: the reference's (2024-12-20), or the year before when that
	 * would be more than a day after it */
	assert_time(read_ok("%b %d %H:%M:%S", "Dec 19 10:00:00"),
	            tu_utc(2024, 12, 19, 10, 0, 0, 0));
	assert_time(read_ok("%b %d %H:%M:%S", "Dec 25 10:00:00"),
	            tu_utc(2023, 12, 25, 10, 0, 0, 0));
	assert_time(read_ok("%m%d %H:%M:%S", "0229 10:00:00"), tu_utc(2024, 2, 29, 10, 0, 0, 0));
	/* a time of day alone takes the reference's date (or the day before) */
	assert_time(read_ok("%H:%M:%S.%f", "00:00:00.0"), tu_utc(2024, 12, 20, 0, 0, 0, 0));
	assert_time(read_ok("%H:%M:%S.%f", "00:00:00.5"), tu_utc(2024, 12, 19, 0, 0, 0, 500000));
	assert_time(read_ok("%H:%M:%S", "23:00:00"), tu_utc(2024, 12, 19, 23, 0, 0, 0));
	/* a date alone is midnight */
	assert_time(read_ok("%Y-%m-%d", "2024-06-01"), tu_utc(2024, 6, 1, 0, 0, 0, 0));
}

static void
test_bad_layouts(void **state)
{
	(void)state;
	compile_bad("", "empty");
	compile_bad("%Y-%m-%d %q", "unknown directive %q at byte 9");
	compile_bad("%Y-%m-%d %", "a lone % at the end");
	compile_bad("%Y-%m-%d %.x", "unknown directive %. at byte 9");
	compile_bad(
	        "%Y-%m-%d %Y",
	        "%Y at byte 9 of the time layout gives the year, already given by %Y at byte 0");
	compile_bad("%y-%m-%d %Y", "already given by %y");
	compile_bad("%F %Y", "%Y at byte 3");
	compile_bad("%Y-%m-%d %H %T", "%T at byte 12 of the time layout gives the hour");
	compile_bad("%b %m %d", "the month, already given by %b");
	compile_bad("%z %Z %d/%m", "the zone");
	compile_bad("%Y %H:%M", "no date");
	compile_bad("%Y-%m %H:%M", "a month (%m) but no day");
	compile_bad("%d %H:%M", "a day (%d) but no month");
	compile_bad("%e %H:%M", "a day (%e) but no month");
	compile_bad("%I:%M %d/%m", "%I (12-hour clock) needs %p");
	compile_bad("%H:%M %p %d/%m", "%p (AM or PM) needs %I");
	compile_bad("%Y %j %m", "%j gives the month and day: it cannot be combined with %m");
	compile_bad("%j %H", "%j (day of the year) needs a year");
	compile_bad("%s %Y", "%s gives the whole time: it cannot be combined with %Y");
	compile_bad("%s %z", "cannot be combined with %z");
	compile_bad("%d/%m %M", "minutes (%M) but no hour");
	compile_bad("%d/%m %H %S", "seconds (%S) but no minutes");
	compile_bad("%d/%m %H:%M.%f", "a fraction (%f) but no seconds");
	compile_bad("%S", "no date");
	compile_bad("%a", "no date");
	char longl[200];
	memset(longl, 'x', sizeof(longl));
	memcpy(longl, "%F", 2);
	longl[sizeof(longl) - 1] = '\0';
	compile_bad(longl, "too long");
	/* a message never overruns a small buffer */
	struct st_layout l;
	char tiny[8];
	assert_int_equal(st_layout_compile(&l, "%q", tiny, sizeof(tiny)), ST_EINVAL);
	assert_int_equal(strlen(tiny), 7);
}

static void
test_layout_is_plain_data(void **state)
{
	(void)state;
	/* a compiled layout copies by value */
	struct st_layout a, b;
	compile_ok(&a, "%Y-%m-%d");
	memcpy(&b, &a, sizeof(a));
	memset(&a, 0, sizeof(a));
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, REF);
	st_time t;
	assert_int_equal(st_layout_parse(&b, &tc, "2024-01-02", 10, &t, NULL), 0);
	assert_time(t, tu_utc(2024, 1, 2, 0, 0, 0, 0));
}

/* Cut and mutated stamps: never a read past the stamp, only 0, ENOMATCH
 * or ERANGE, and a time that st_format_time can print. */
static void
test_mutations(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"%Y-%m-%dT%H:%M:%S.%f%z", "2024-03-01T10:00:00.123456+01:00"},
		{"%a %b %e %I:%M:%S %p %Z %Y", "Fri Mar  1 10:00:00 PM UTC 2024"},
		{"%y%j %T%.f", "24061 10:00:00,5"},
		{"%s.%f", "1700000000.123"},
		{"%d/%B/%Y:%H:%M:%S %z", "01/March/2024:10:00:00 -0800"},
	};
	static const char subst[] = {'\0', '9', '0', 'x', ' ', '\xff', '-', ':', '+', 'Z', '.'};
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, REF);
	for (size_t c = 0; c < ST_ARRAY_LEN(cases); c++) {
		struct st_layout l;
		compile_ok(&l, cases[c][0]);
		const char *stamp = cases[c][1];
		size_t len = strlen(stamp);
		for (size_t cut = 0; cut <= len; cut++) {
			for (size_t pos = 0; pos <= cut; pos++) {
				for (size_t k = 0; k < sizeof(subst); k++) {
					char *p = st_xmalloc(cut ? cut : 1);
					memcpy(p, stamp, cut);
					if (pos < cut)
						p[pos] = subst[k];
					st_time t = 0;
					struct st_layout_err why;
					int rc = st_layout_parse(&l, &tc, p, cut, &t, k % 2 ? &why : NULL);
					free(p);
					assert_true(rc == 0 || rc == ST_ENOMATCH || rc == ST_ERANGE);
					if (rc == 0) {
						char buf[32];
						assert_true(st_format_time(t, 6, buf) > 0);
					}
					if (pos == cut)
						break; /* the whole cut stamp, unchanged: once */
				}
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric_fields),
		cmocka_unit_test(test_day_with_blank),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_zone_names),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_twelve_hour_clock),
		cmocka_unit_test(test_day_of_year),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_mismatch_positions),
		cmocka_unit_test(test_yearless_and_dateless),
		cmocka_unit_test(test_bad_layouts),
		cmocka_unit_test(test_layout_is_plain_data),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
