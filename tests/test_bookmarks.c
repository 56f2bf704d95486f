/*
 * test_bookmarks.c: bookmarks and the state file (src/bookmarks.c): what
 * a user relies on to find their marks again: a note comes back byte for
 * byte, a damaged line costs only that line, the file lands beside the
 * sources, and a relative and an absolute name are one source.
 *
 * Each test runs in its own mkdtemp directory (the setup), which the
 * teardown removes after returning to the directory the program started
 * in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata/bookmarks.h"
#include "strata/util.h"
#include "testutil.h"

static char tmpdir[1024];
static char startdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	assert_non_null(getcwd(startdir, sizeof(startdir)));
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/strata-bm-XXXXXX", base);
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DP || (sb != NULL && S_ISDIR(sb->st_mode)))
		return rmdir(path) == 0 ? 0 : -1;
	return unlink(path) == 0 ? 0 : -1;
}

/* chmod every directory back to writable so the removal can go in */
static int
chmod_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_D)
		chmod(path, 0700);
	return 0;
}

static int
teardown(void **state)
{
	tu_teardown(state);
	if (chdir(startdir) != 0)
		return -1;
	nftw(tmpdir, chmod_one, 16, FTW_PHYS);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/rel, in a buffer that lives until the next call with the same slot */
static const char *
in_tmp(int slot, const char *rel)
{
	static char bufs[4][1200];
	snprintf(bufs[slot], sizeof(bufs[slot]), "%s/%s", tmpdir, rel);
	return bufs[slot];
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool
exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

static void
free_bookmarks(void *p)
{
	st_bookmarks_free(p);
}

static void
free_string(void *p)
{
	free(p);
}

/* A string the test owns, freed even when an assertion fails. */
static char *
kept(char *s)
{
	return tu_keep(s, free_string);
}

static void
assert_bookmark(const struct st_bookmark *bm, const char *source, uint32_t line, st_time ts,
                const char *note)
{
	assert_string_equal(bm->source, source);
	assert_int_equal(bm->line, line);
	assert_time(bm->ts, ts);
	assert_string_equal(bm->note, note);
}

#define NOTE_TRICKY "disk\tfull\nsee C:\\logs\\x \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x94\xa5 \\n\\t"

static void
test_round_trip(void **state)
{
	(void)state;
	static struct st_bookmarks b, back;
	tu_keep(&b, free_bookmarks);
	tu_keep(&back, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	st_time t1 = tu_utc(2024, 12, 8, 5, 59, 58, 123456);
	st_time t2 = tu_utc(2024, 12, 8, 6, 0, 0, 0);

	st_bookmarks_set(&b, "/var/log/app\\x.log", 7, t2, "");
	st_bookmarks_set(&b, "/var/log/syslog", 1200, t1, NOTE_TRICKY);
	st_bookmarks_set(&b, "cmd:kubectl get events\t-w", 3, ST_TIME_NONE, "untimed one");
	st_bookmarks_set(&b, "/var/log/syslog", UINT32_MAX, t1, NULL);
	assert_int_equal(st_bookmarks_save(path, &b), 0);

	/* the text a report or a person reads: header, sorted by (time,
	 * source, line), untimed first, escapes only for \, tab, newline */
	assert_string_equal(read_text(path),
	                    "# strata state 1\n"
	                    "bookmark\tcmd:kubectl get events\\t-w\t3\t-\tuntimed one\n"
	                    "bookmark\t/var/log/syslog\t1200\t2024-12-08T05:59:58.123456Z\t"
	                    "disk\\tfull\\nsee C:\\\\logs\\\\x \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x94\xa5 "
	                    "\\\\n\\\\t\n"
	                    "bookmark\t/var/log/syslog\t4294967295\t2024-12-08T05:59:58.123456Z\t\n"
	                    "bookmark\t/var/log/app\\\\x.log\t7\t2024-12-08T06:00:00.000000Z\t\n");

	char err[128] = "x";
	assert_int_equal(st_bookmarks_load(path, &back, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(back.n, 4);
	assert_bookmark(&back.v[0], "cmd:kubectl get events\t-w", 3, ST_TIME_NONE, "untimed one");
	assert_bookmark(&back.v[1], "/var/log/syslog", 1200, t1, NOTE_TRICKY);
	assert_bookmark(&back.v[2], "/var/log/syslog", UINT32_MAX, t1, "");
	assert_bookmark(&back.v[3], "/var/log/app\\x.log", 7, t2, "");

	/* saving what was loaded gives the same file */
	char first[8192];
	snprintf(first, sizeof(first), "%s", read_text(path));
	assert_int_equal(st_bookmarks_save(path, &back), 0);
	assert_string_equal(read_text(path), first);
	/* and leaves no temporary file beside it */
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_false(exists(tmp));

	tu_release(&back);
	tu_release(&b);
}

static void
test_replace_same_source_line(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	st_time t = tu_utc(2024, 1, 2, 3, 4, 5, 6);
	st_bookmarks_set(&b, "/a.log", 10, t, "first");
	st_bookmarks_set(&b, "/b.log", 10, t, "other source");
	st_bookmarks_set(&b, "/a.log", 11, t, "other line");
	st_bookmarks_set(&b, "/a.log", 10, t + 1, "second");
	assert_int_equal(b.n, 3);
	assert_bookmark(&b.v[0], "/a.log", 10, t + 1, "second"); /* kept its place */
	assert_bookmark(&b.v[1], "/b.log", 10, t, "other source");
	assert_bookmark(&b.v[2], "/a.log", 11, t, "other line");
	/* a note replaced by itself (the viewer editing in place) */
	st_bookmarks_set(&b, "/a.log", 10, t, b.v[0].note);
	assert_string_equal(b.v[0].note, "second");
	assert_ptr_equal(st_bookmarks_find(&b, "/a.log", 11), &b.v[2]);
	assert_null(st_bookmarks_find(&b, "/a.log", 12));
	tu_release(&b);
}

static void
test_remove(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	for (uint32_t i = 1; i <= 5; i++)
		st_bookmarks_set(&b, "/a.log", i, ST_TIME_NONE, "n");
	assert_true(st_bookmarks_remove(&b, "/a.log", 2));
	assert_true(st_bookmarks_remove(&b, "/a.log", 5));
	assert_false(st_bookmarks_remove(&b, "/a.log", 2));
	assert_false(st_bookmarks_remove(&b, "/b.log", 1));
	assert_int_equal(b.n, 3);
	assert_int_equal(b.v[0].line, 1);
	assert_int_equal(b.v[1].line, 3);
	assert_int_equal(b.v[2].line, 4);
	assert_true(st_bookmarks_remove(&b, "/a.log", 1));
	assert_true(st_bookmarks_remove(&b, "/a.log", 3));
	assert_true(st_bookmarks_remove(&b, "/a.log", 4));
	assert_int_equal(b.n, 0);
	tu_release(&b);
}

static void
test_save_none_removes_file(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	st_bookmarks_set(&b, "/a.log", 1, ST_TIME_NONE, "");
	assert_int_equal(st_bookmarks_save(path, &b), 0);
	assert_true(exists(path));
	assert_true(st_bookmarks_remove(&b, "/a.log", 1));
	assert_int_equal(st_bookmarks_save(path, &b), 0);
	assert_false(exists(path));
	/* and none is created when there was none */
	assert_int_equal(st_bookmarks_save(path, &b), 0);
	assert_false(exists(path));
	tu_release(&b);
}

static void
test_corrupt_line_reported_rest_loads(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	write_file(path, "# strata state 1\n"
	                 "bookmark\t/a.log\t1\t2024-12-08T05:59:58.000000Z\tgood one\n"
	                 "bookmark\t/a.log\t2\t2024-13-08T05:59:58.000000Z\tbad time\n"
	                 "# a comment\n"
	                 "\n"
	                 "viewport\t/a.log\t40\n" /* a later strata's line type */
	                 "bookmark\t/a.log\tx7\t-\tbad line number\n"
	                 "bookmark\t/a.log\t8\t-\tbad \\q escape\n"
	                 "bookmark\t/a.log\t9\t-\ttoo\tmany\n"
	                 "bookmark\t/a.log\t10\t-\n"
	                 "bookmark\t\t11\t-\tno source\n"
	                 "bookmark\t/b.log\t3\t-\tgood two, no final newline");
	char err[128];
	assert_int_equal(st_bookmarks_load(path, &b, err, sizeof(err)), ST_EINVAL);
	assert_string_equal(err, "line 3: bad bookmark: bad time (and 5 more bad lines)");
	assert_int_equal(b.n, 2);
	assert_bookmark(&b.v[0], "/a.log", 1, tu_utc(2024, 12, 8, 5, 59, 58, 0), "good one");
	assert_bookmark(&b.v[1], "/b.log", 3, ST_TIME_NONE, "good two, no final newline");

	/* one bad line: its message alone */
	static struct st_bookmarks one;
	tu_keep(&one, free_bookmarks);
	write_file(path, "# strata state 1\nbookmark\t/a.log\t99999999999\t-\t\n");
	assert_int_equal(st_bookmarks_load(path, &one, err, sizeof(err)), ST_EINVAL);
	assert_string_equal(err, "line 2: bad bookmark: line number out of range");
	assert_int_equal(one.n, 0);
	tu_release(&one);
	tu_release(&b);
}

static void
test_foreign_file_loads_nothing(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	char err[128];
	write_file(path, "bookmark\t/a.log\t1\t-\tno header\n");
	assert_int_equal(st_bookmarks_load(path, &b, err, sizeof(err)), ST_EINVAL);
	assert_non_null(strstr(err, "not a strata state file"));
	write_file(path, "# strata state 2\nbookmark\t/a.log\t1\t-\tnewer\n");
	assert_int_equal(st_bookmarks_load(path, &b, err, sizeof(err)), ST_EINVAL);
	assert_non_null(strstr(err, "\"2\""));
	assert_int_equal(b.n, 0);
	/* an empty file is an empty state */
	write_file(path, "");
	assert_int_equal(st_bookmarks_load(path, &b, err, sizeof(err)), 0);
	/* a directory in its place is an error, not an empty state */
	assert_int_equal(mkdir(in_tmp(1, "d"), 0700), 0);
	assert_int_equal(st_bookmarks_load(in_tmp(1, "d"), &b, err, sizeof(err)), -EISDIR);
	assert_int_equal(b.n, 0);
	tu_release(&b);
}

static void
test_too_big_refused(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	write_file(path, "# strata state 1\n");
	assert_int_equal(truncate(path, ST_STATE_FILE_MAX + 1), 0);
	char err[128];
	assert_int_equal(st_bookmarks_load(path, &b, err, sizeof(err)), ST_ETOOBIG);
	assert_int_equal(b.n, 0);
	tu_release(&b);
}

static void
test_missing_file_loads_nothing(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	char err[64] = "stale";
	assert_int_equal(st_bookmarks_load(in_tmp(0, "nope/.strata-state"), &b, err, sizeof(err)), 0);
	assert_int_equal(b.n, 0);
	assert_string_equal(err, "");
	tu_release(&b);
}

static void
test_state_path(void **state)
{
	(void)state;
	assert_int_equal(mkdir(in_tmp(0, "inc"), 0700), 0);
	write_file(in_tmp(0, "inc/events.log"), "x\n");
	write_file(in_tmp(0, "top.log"), "x\n");

	/* a file: its directory */
	const char *f[] = {"-", "cmd:true", in_tmp(1, "missing.log"), in_tmp(2, "inc/events.log")};
	assert_string_equal(kept(st_state_path(NULL, f, 4)), in_tmp(0, "inc/.strata-state"));
	/* a directory: itself, with or without a final slash */
	const char *d[] = {"http://localhost:9100/metrics", in_tmp(1, "inc/")};
	assert_string_equal(kept(st_state_path(NULL, d, 2)), in_tmp(0, "inc/.strata-state"));
	d[1] = in_tmp(1, "inc");
	assert_string_equal(kept(st_state_path(NULL, d, 2)), in_tmp(0, "inc/.strata-state"));
	/* only stdin, commands, endpoints: the current directory */
	const char *s[] = {"-", "cmd:journalctl -f", "prometheus://localhost:9090"};
	assert_string_equal(kept(st_state_path(NULL, s, 3)), ".strata-state");
	assert_string_equal(kept(st_state_path(NULL, s, 0)), ".strata-state");
	/* --state wins */
	assert_string_equal(kept(st_state_path("/x/my.state", f, 4)), "/x/my.state");

	/* relative names stay relative */
	assert_int_equal(chdir(tmpdir), 0);
	const char *r[] = {"inc/events.log"};
	assert_string_equal(kept(st_state_path(NULL, r, 1)), "inc/.strata-state");
	r[0] = "top.log";
	assert_string_equal(kept(st_state_path(NULL, r, 1)), ".strata-state");
	r[0] = ".";
	assert_string_equal(kept(st_state_path(NULL, r, 1)), "./.strata-state");
	/* a pipe is no file (strata <(cmd) gives /dev/fd/N) */
	assert_int_equal(mkfifo("fifo", 0600), 0);
	const char *p[] = {"fifo", "inc"};
	assert_string_equal(kept(st_state_path(NULL, p, 2)), "inc/.strata-state");
}

static void
test_source_key(void **state)
{
	(void)state;
	assert_int_equal(mkdir(in_tmp(0, "inc"), 0700), 0);
	write_file(in_tmp(0, "inc/events.log"), "x\n");
	char *real = kept(realpath(in_tmp(0, "inc/events.log"), NULL));
	assert_non_null(real);
	assert_int_equal(chdir(tmpdir), 0);
	assert_string_equal(kept(st_bookmark_source_key("inc/events.log")), real);
	assert_string_equal(kept(st_bookmark_source_key("./inc/../inc//events.log")), real);
	assert_string_equal(kept(st_bookmark_source_key(in_tmp(1, "inc/events.log"))), real);
	assert_int_equal(symlink("inc/events.log", "link.log"), 0);
	assert_string_equal(kept(st_bookmark_source_key("link.log")), real);
	/* the name as given for what is not a file, or a file no longer there */
	assert_string_equal(kept(st_bookmark_source_key("-")), "-");
	assert_string_equal(kept(st_bookmark_source_key("cmd:cat inc/events.log")),
	                    "cmd:cat inc/events.log");
	assert_string_equal(kept(st_bookmark_source_key("http://h:9100/metrics")),
	                    "http://h:9100/metrics");
	assert_string_equal(kept(st_bookmark_source_key("gone.log")), "gone.log");
	/* a file that happens to be called like a command is still a command */
	write_file("cmd:true", "x\n");
	assert_string_equal(kept(st_bookmark_source_key("cmd:true")), "cmd:true");
}

static void
test_save_errors(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	st_bookmarks_set(&b, "/a.log", 1, ST_TIME_NONE, "keep me");
	/* a directory that does not exist */
	assert_int_equal(st_bookmarks_save(in_tmp(0, "nope/.strata-state"), &b), -ENOENT);

	/* a directory we cannot write: an error, the old file untouched */
	assert_int_equal(mkdir(in_tmp(0, "ro"), 0700), 0);
	const char *path = in_tmp(1, "ro/.strata-state");
	assert_int_equal(st_bookmarks_save(path, &b), 0);
	assert_int_equal(chmod(in_tmp(0, "ro"), 0500), 0);
	st_bookmarks_set(&b, "/a.log", 2, ST_TIME_NONE, "new");
	int rc = st_bookmarks_save(path, &b);
	if (geteuid() != 0) {
		assert_int_equal(rc, -EACCES);
		assert_string_equal(read_text(path), "# strata state 1\nbookmark\t/a.log\t1\t-\tkeep me\n");
		/* nor can it be removed */
		static struct st_bookmarks none;
		assert_int_equal(st_bookmarks_save(path, &none), -EACCES);
		assert_true(exists(path));
	}
	tu_release(&b);
}

static void
test_load_adds_and_replaces(void **state)
{
	(void)state;
	static struct st_bookmarks b;
	tu_keep(&b, free_bookmarks);
	const char *path = in_tmp(0, ".strata-state");
	write_file(path, "# strata state 1\n"
	                 "bookmark\t/a.log\t1\t-\tfrom file\n"
	                 "bookmark\t/a.log\t2\t2024-12-08T06:00:00+01:00\tan offset\n");
	st_bookmarks_set(&b, "/a.log", 1, ST_TIME_NONE, "in memory");
	st_bookmarks_set(&b, "/z.log", 1, ST_TIME_NONE, "other");
	assert_int_equal(st_bookmarks_load(path, &b, NULL, 0), 0);
	assert_int_equal(b.n, 3);
	assert_bookmark(&b.v[0], "/a.log", 1, ST_TIME_NONE, "from file");
	assert_bookmark(&b.v[1], "/z.log", 1, ST_TIME_NONE, "other");
	assert_bookmark(&b.v[2], "/a.log", 2, tu_utc(2024, 12, 8, 5, 0, 0, 0), "an offset");
	tu_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_same_source_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_none_removes_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_line_reported_rest_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_file_loads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_big_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_loads_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_adds_and_replaces, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
