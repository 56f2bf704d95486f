/*
 * testutil.h: what the unit tests share: cmocka, a time assertion that
 * prints both times readably, and an oracle for civil dates that is
 * written independently of src/stime.c (plain loops over years and
 * months), so the tests do not check the code against itself.
 */
#ifndef STRATA_TESTUTIL_H
#define STRATA_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "strata/stime.h"

static inline int
tu_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int
tu_mdays(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && tu_leap(y) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01, by counting. */
static inline int64_t
tu_days(int y, int m, int d)
{
	int64_t days = 0;
	for (int yy = 1970; yy < y; yy++)
		days += tu_leap(yy) ? 366 : 365;
	for (int yy = y; yy < 1970; yy++)
		days -= tu_leap(yy) ? 366 : 365;
	for (int mm = 1; mm < m; mm++)
		days += tu_mdays(y, mm);
	return days + d - 1;
}

/* UTC microseconds of a civil time, by counting. */
static inline st_time
tu_utc(int y, int mo, int d, int h, int mi, int s, int us)
{
	return ((tu_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * ST_USEC) + us;
}

static inline void
tu_check_time(st_time got, st_time want, const char *what, const char *file, int line)
{
	if (got == want)
		return;
	char a[32], b[32];
	st_format_time(got, 6, a);
	st_format_time(want, 6, b);
	print_error("%s: got %s (%lld), want %s (%lld)\n", what, a, (long long)got, b,
	            (long long)want);
	_fail(file, line);
}

#define assert_time(got, want) tu_check_time((got), (want), #got, __FILE__, __LINE__)

/*
 * Cleanup that survives a failed assertion (cmocka leaves the test with a
 * longjmp): tu_keep registers what a test allocated, tu_release frees it
 * on the normal path, and tu_teardown (the tests' teardown) frees what a
 * failed test left, so LeakSanitizer only reports the library's leaks.
 */
#define TU_KEEP_MAX 64
static void *tu_kept[TU_KEEP_MAX];
static void (*tu_kept_free[TU_KEEP_MAX])(void *);

static inline void *
tu_keep(void *p, void (*f)(void *))
{
	for (int i = 0; i < TU_KEEP_MAX; i++)
		if (tu_kept[i] == NULL) {
			tu_kept[i] = p;
			tu_kept_free[i] = f;
			return p;
		}
	fail_msg("tu_keep: too many live allocations");
	return p;
}

static inline void
tu_release(void *p)
{
	for (int i = 0; i < TU_KEEP_MAX; i++)
		if (p != NULL && tu_kept[i] == p) {
			tu_kept[i] = NULL;
			tu_kept_free[i](p);
			return;
		}
	fail_msg("tu_release: %p was not kept", p);
}

static inline int
tu_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < TU_KEEP_MAX; i++)
		if (tu_kept[i] != NULL) {
			tu_kept_free[i](tu_kept[i]);
			tu_kept[i] = NULL;
		}
	return 0;
}

/*
 * Run fn(arg) in a forked child and say whether it exited 0. A sanitizer
 * report (or a crash) in the child then fails one test, with the report on
 * stderr, instead of ending the whole test program.
 */
static inline bool
tu_isolated(void (*fn)(const void *), const void *arg, const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	print_error("%s: the child %s %d\n", what, WIFSIGNALED(status) ? "died of signal" : "exited",
	            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return false;
}

#endif
