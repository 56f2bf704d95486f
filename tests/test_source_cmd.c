/*
 * test_source_cmd.c: what a command's end means and the text of its exit
 * event (src/source-cmd.c: st_cmd_meaning, st_cmd_exit_text). Running
 * commands is checked end to end in e2e.sh.
 */
#include <signal.h>
#include <string.h>

#include "strata/format.h"
#include "strata/source.h"
#include "testutil.h"

static void
check_meaning(int64_t status, int sig, const char *want)
{
	char buf[128];
	size_t n = st_cmd_meaning(status, sig, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
test_meaning_status(void **state)
{
	(void)state;
	check_meaning(0, 0, "success");
	check_meaning(1, 0, "general error");
	check_meaning(2, 0, "usage error");
	check_meaning(3, 0, "failed");
	check_meaning(126, 0, "command not executable");
	check_meaning(127, 0, "command not found");
	check_meaning(255, 0, "failed");
}

static void
test_meaning_shell_signal(void **state)
{
	(void)state;
	/* a shell reports a child a signal ended as 128+n */
	check_meaning(137, 0, "128+9: killed, SIGKILL \xe2\x80\x94 out of memory?");
	check_meaning(143, 0, "128+15: terminated, SIGTERM");
	check_meaning(139, 0, "128+11: segmentation fault, SIGSEGV");
	check_meaning(128, 0, "failed");
	check_meaning(128 + 63, 0, "failed"); /* no such signal */
}

static void
test_meaning_signal(void **state)
{
	(void)state;
	check_meaning(0, SIGKILL, "killed \xe2\x80\x94 out of memory?");
	check_meaning(0, SIGTERM, "terminated");
	check_meaning(0, SIGABRT, "aborted");
	check_meaning(0, 63, "signal 63");
}

static void
test_meaning_small_buffer(void **state)
{
	(void)state;
	char buf[8];
	size_t n = st_cmd_meaning(127, 0, buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_string_equal(buf, "command");
	assert_int_equal(st_cmd_meaning(127, 0, buf, 0), 0);
}

/* The exit text reads as logfmt: its fields are the event's fields. */
static void
check_fields(const char *text, const char *key, const char *want)
{
	struct st_fields fs;
	int f = st_format_find("logfmt");
	assert_true(f >= 0);
	assert_true(st_format_fields((unsigned)f, text, strlen(text), &fs) > 0);
	for (unsigned i = 0; i < fs.n; i++) {
		if (fs.f[i].klen == strlen(key) && memcmp(fs.f[i].key, key, fs.f[i].klen) == 0) {
			if (want == NULL)
				fail_msg("%s: unexpected field %s", text, key);
			const char *v = fs.f[i].val;
			size_t vl = fs.f[i].vlen;
			if (fs.f[i].json && vl >= 2 && v[0] == '"') { /* a quoted value */
				v++;
				vl -= 2;
			}
			assert_int_equal(vl, strlen(want));
			assert_memory_equal(v, want, vl);
			return;
		}
	}
	if (want != NULL)
		fail_msg("%s: no field %s", text, key);
}

static void
test_exit_text(void **state)
{
	(void)state;
	char buf[512];
	st_time at = 1704067200LL * ST_USEC + 123456; /* 2024-01-01T00:00:00.123456Z */
	st_cmd_exit_text(127, 0, at, buf, sizeof(buf));
	assert_non_null(strstr(buf, "msg=\"cmd exited with status 127 (command not found)\""));
	check_fields(buf, "exit_status", "127");
	check_fields(buf, "meaning", "command not found");
	check_fields(buf, "level", "error");
	check_fields(buf, "time", "2024-01-01T00:00:00.123456Z");
	check_fields(buf, "signal", NULL);

	st_cmd_exit_text(0, SIGKILL, at, buf, sizeof(buf));
	assert_non_null(strstr(buf, "msg=\"cmd killed by signal 9 (SIGKILL)\""));
	check_fields(buf, "signal", "SIGKILL");
	check_fields(buf, "exit_status", NULL);

	st_cmd_exit_text(0, 0, at, buf, sizeof(buf));
	assert_non_null(strstr(buf, "msg=\"cmd exited with status 0\""));
	check_fields(buf, "exit_status", "0");
	check_fields(buf, "level", "info");

	/* cut, still terminated */
	char small[16];
	assert_int_equal(st_cmd_exit_text(1, 0, at, small, sizeof(small)), 15);
	assert_int_equal(strlen(small), 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meaning_status),
		cmocka_unit_test(test_meaning_shell_signal),
		cmocka_unit_test(test_meaning_signal),
		cmocka_unit_test(test_meaning_small_buffer),
		cmocka_unit_test(test_exit_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
