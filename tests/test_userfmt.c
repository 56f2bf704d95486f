/*
 * test_userfmt.c: format files (src/userfmt.c).
 *
 *   - a good file loads, and its format reads lines: time, level (through
 *     the level map and level words), message offset, fields from named
 *     groups; invalid UTF-8 and exact-length lines are safe;
 *   - every kind of bad definition is refused with "FILE:LINE: message",
 *     and a text with any problem adds none of its formats;
 *   - files and directories (.format files in name order), the default
 *     directory from XDG_CONFIG_HOME or HOME;
 *   - the explanations `strata formats --explain` prints;
 *   - registered formats come first in the registry and win detection.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strata/format.h"
#include "strata/userfmt.h"
#include "strata/util.h"
#include "testutil.h"

static const char good[] =
	"# the payments API\n"
	"[format pay-api]\n"
	"title   = payments API log\n"
	"pattern = PAY (?<ts>\\S+ \\S+ [+-]\\d{4}) \\[txn=(?<txn>[^\\]]*)\\] (?<level>\\w+) "
	"(?:user=(?<user>\\w+) )?(?<body>.*)\n"
	"time    = %Y-%m-%d %H:%M:%S.%f %z\n"
	"level E = error\n"
	"level W = warn\n"
	"level Q = none\n"
	"sample 2024-03-01T09:00:00.123Z error = PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E "
	"charge failed\n"
	"sample 2024-03-01T09:00:01Z warn = PAY 2024-03-01 10:00:01.0 +0100 [txn=] warning slow\n"
	"sample = PAY 2024-03-01 10:00:02.5 +0100 [txn=x] I user=bob logged in\n"
	"reject = PAY 2024-03-01 [txn=x] E no time\n"
	"\n"
	"[format epoch-log]\n"
	"pattern = (?<ts>\\d+)\\s+(?<body>.*)\n"
	"time = %s\n"
	"sample 1700000000 = 1700000000 hello\n";

static struct st_userfmts *
load(const char *path, const char *text, int want, struct st_buf *err)
{
	struct st_userfmts *set = st_userfmts_new();
	int rc = st_userfmts_load_text(set, path, text, strlen(text), err);
	if (rc != want) {
		print_error("load %s: got %d, want %d; problems:\n%.*s", path, rc, want,
		            (int)err->len, err->p ? err->p : "");
		st_userfmts_free(set);
		fail();
	}
	return set;
}

static int
parse_exact(const struct st_format *f, const char *s, st_time ref, struct st_draft *d)
{
	size_t n = strlen(s);
	char *p = st_xmalloc(n ? n : 1);
	memcpy(p, s, n);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, ref);
	memset(d, 0xa5, sizeof(*d));
	int rc = st_format_parse(f, &tc, p, n, d);
	free(p);
	return rc;
}

static void
test_good_file(void **state)
{
	(void)state;
	struct st_buf err = {0};
	struct st_userfmts *set = load("good.format", good, 2, &err);
	assert_int_equal(err.len, 0);
	assert_int_equal(st_userfmts_count(set), 2);
	const struct st_format *f = st_userfmts_get(set, 0);
	assert_string_equal(f->name, "pay-api");
	assert_string_equal(f->title, "payments API log");
	assert_true(st_userfmt_is(f));
	assert_string_equal(st_userfmt_origin(f), "good.format:2");
	assert_null(f->parse);
	assert_non_null(f->samples[0]);
	assert_non_null(f->samples[2]);
	assert_null(f->samples[3]);
	assert_string_equal(f->rejects[0], "PAY 2024-03-01 [txn=x] E no time");
	assert_null(st_userfmts_get(set, 2));
	/* no title: the pattern stands in */
	assert_string_equal(st_userfmts_get(set, 1)->title, "(?<ts>\\d+)\\s+(?<body>.*)");
	assert_string_equal(st_userfmt_origin(st_userfmts_get(set, 1)), "good.format:14");
	assert_false(st_userfmt_is(st_formats[0]));
	assert_null(st_userfmt_origin(st_formats[0]));

	struct st_draft d;
	const char *l1 = "PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed";
	assert_int_equal(parse_exact(f, l1, 0, &d), 0);
	assert_time(d.ts, tu_utc(2024, 3, 1, 9, 0, 0, 123000));
	assert_int_equal(d.level, ST_LVL_ERROR);
	assert_string_equal(l1 + d.body, "charge failed");
	assert_int_equal(d.kind, ST_KIND_LOG);
	/* a word not in the map is read as a level word; Q maps to none */
	assert_int_equal(parse_exact(f, "PAY 2024-03-01 10:00:00.1 +0100 [txn=] warning x", 0, &d),
	                 0);
	assert_int_equal(d.level, ST_LVL_WARN);
	assert_int_equal(parse_exact(f, "PAY 2024-03-01 10:00:00.1 +0100 [txn=] Q x", 0, &d), 0);
	assert_int_equal(d.level, ST_LVL_NONE);
	assert_int_equal(parse_exact(f, "PAY 2024-03-01 10:00:00.1 +0100 [txn=] ZZ x", 0, &d), 0);
	assert_int_equal(d.level, ST_LVL_NONE);
	/* the pattern is anchored at the start of the line */
	assert_int_equal(parse_exact(f, " PAY 2024-03-01 10:00:00.1 +0100 [txn=] E x", 0, &d),
	                 ST_ENOMATCH);
	/* matches, but the ts group does not read */
	assert_int_equal(parse_exact(f, "PAY 2024-03-01 10:00:00,1 +0100 [txn=] E x", 0, &d),
	                 ST_ENOMATCH);
	assert_int_equal(parse_exact(f, "PAY 2024-02-30 10:00:00.1 +0100 [txn=] E x", 0, &d),
	                 ST_ENOMATCH);
	assert_int_equal(parse_exact(f, "", 0, &d), ST_ENOMATCH);
	/* invalid UTF-8 matches no pattern item (PCRE2_MATCH_INVALID_UTF) */
	assert_int_equal(parse_exact(f, "PAY \xff\xfe", 0, &d), ST_ENOMATCH);
	/* anchored: not after invalid UTF-8 either */
	assert_int_equal(parse_exact(f, "\xffPAY 2024-03-01 10:00:00.1 +0100 [txn=] E x", 0, &d),
	                 ST_ENOMATCH);
	assert_int_equal(parse_exact(f, "PAY 2024-03-01 10:00:00.1 +0100 [txn=\xc3] E x", 0, &d),
	                 ST_ENOMATCH);
	const char *bad = "PAY 2024-03-01 10:00:00.1 +0100 [txn=] E \xff body";
	assert_int_equal(parse_exact(f, bad, 0, &d), 0);
	assert_string_equal(bad + d.body, "\xff body");

	/* fields: the other named groups, set and not empty */
	const char *l2 = "PAY 2024-03-01 10:00:02.5 +0100 [txn=x9] I user=bob logged in";
	assert_int_equal(parse_exact(f, l2, 0, &d), 0);
	struct st_fields fs = {0};
	f->fields_user(f->user, l2, strlen(l2), &d, &fs);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.f[0].klen, 3);
	assert_memory_equal(fs.f[0].key, "txn", 3);
	assert_int_equal(fs.f[0].vlen, 2);
	assert_memory_equal(fs.f[0].val, "x9", 2);
	assert_memory_equal(fs.f[1].key, "user", 4);
	assert_memory_equal(fs.f[1].val, "bob", 3);
	assert_string_equal(l2 + d.body, "logged in");
	fs.n = 0;
	f->fields_user(f->user, l1, strlen(l1), &d, &fs);
	assert_int_equal(fs.n, 1); /* no user=: that group is unset */

	/* the epoch format: a group-less body at the end of the match */
	const struct st_format *e = st_userfmts_get(set, 1);
	assert_int_equal(parse_exact(e, "1700000001  two blanks", 0, &d), 0);
	assert_time(d.ts, (st_time)1700000001 * ST_USEC);
	assert_int_equal(d.body, 12);
	assert_int_equal(d.level, ST_LVL_NONE);
	fs.n = 0;
	e->fields_user(e->user, "1700000001 x", 12, &d, &fs);
	assert_int_equal(fs.n, 0);
	st_userfmts_free(set);
	st_buf_free(&err);
}

static void
test_many_lines_one_match_data(void **state)
{
	(void)state;
	struct st_buf err = {0};
	struct st_userfmts *set = load("good.format", good, 2, &err);
	const struct st_format *f = st_userfmts_get(set, 0);
	char line[128];
	for (int i = 0; i < 2000; i++) {
		int n = snprintf(line, sizeof(line),
		                 "PAY 2024-03-01 10:%02d:%02d.%03d +0000 [txn=%d] E m", i / 60 % 60,
		                 i % 60, i % 1000, i);
		struct st_draft d;
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, 0);
		assert_int_equal(st_format_parse(f, &tc, line, (size_t)n, &d), 0);
		assert_time(d.ts, tu_utc(2024, 3, 1, 10, i / 60 % 60, i % 60, i % 1000 * 1000));
	}
	st_userfmts_free(set);
	st_buf_free(&err);
}

/* text must be refused with a message holding `has` (a "FILE:LINE: ..."). */
static void
refused(const char *text, const char *has)
{
	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	int rc = st_userfmts_load_text(set, "t.format", text, strlen(text), &err);
	st_buf_addc(&err, '\0');
	if (rc != ST_EINVAL || strstr(err.p, has) == NULL || st_userfmts_count(set) != 0) {
		print_error("got %d and:\n%s\nwant a problem with: %s\n", rc, err.p, has);
		st_userfmts_free(set);
		st_buf_free(&err);
		fail();
	}
	st_userfmts_free(set);
	st_buf_free(&err);
}

#define HEAD "[format x]\n"
#define PAT "pattern = (?<ts>\\S+) (?<body>.*)\n"
#define TIME "time = %Y-%m-%dT%H:%M:%S%z\n"
#define SAMPLE "sample = 2024-01-01T00:00:00Z hello\n"

static void
test_bad_pattern(void **state)
{
	(void)state;
	refused(HEAD "pattern = (?<ts>\\S+ (unclosed\n" TIME SAMPLE,
	        "t.format:2: pattern: missing closing parenthesis at offset 19");
	refused(HEAD "pattern = (?<tm>\\S+) (?<body>.*)\n" TIME SAMPLE,
	        "t.format:2: pattern: no group named ts (write (?<ts>...) around the time)");
	refused(HEAD "pattern = (?J)(?<ts>\\d+)|(?<ts>\\w+)\n" TIME SAMPLE,
	        "t.format:2: pattern: the group name ts is used more than once");
	refused(HEAD "pattern = \n" TIME SAMPLE, "t.format:2: pattern is empty");
	refused(HEAD PAT PAT TIME SAMPLE, "t.format:3: pattern is given twice (first at line 2)");
	refused(HEAD TIME SAMPLE, "t.format:1: format x has no pattern (pattern = REGEX)");
}

static void
test_bad_layout(void **state)
{
	(void)state;
	refused(HEAD PAT "time = %Y-%m-%dT%H:%M:%q\n" SAMPLE,
	        "t.format:3: time: unknown directive %q at byte 15 of the time layout");
	refused(HEAD PAT "time = %H:%M %Y\n" SAMPLE,
	        "t.format:3: time: the time layout has no date");
	refused(HEAD PAT SAMPLE, "t.format:1: format x has no time layout");
	refused(HEAD PAT "time x = %s\n" SAMPLE, "t.format:3: time takes no argument before '='");
}

static void
test_bad_samples(void **state)
{
	(void)state;
	refused(HEAD PAT TIME, "t.format:1: format x has no sample line");
	refused(HEAD PAT TIME "sample = nospace\n", "t.format:4: sample does not read: the pattern "
	                                            "does not match: it reads 'nospace' (7 "
	                                            "bytes), then stops at byte 7 (the end of the "
	                                            "line), where it wants ' (?<body>.*)'");
	refused(HEAD PAT TIME "sample = 2024-01-01 00:00:00Z x\n",
	        "t.format:4: sample does not read: the pattern matches, but ts '2024-01-01' (bytes "
	        "0-10) does not read as '%Y-%m-%dT%H:%M:%S%z': byte 10: the layout wants 'T' here, "
	        "not the end of the time");
	refused(HEAD PAT TIME "sample = 2024-02-30T00:00:00Z x\n",
	        "t.format:4: sample does not read: the pattern matches, but ts");
	refused(HEAD PAT TIME "sample 2024-01-01T01:00:00Z = 2024-01-01T00:00:00Z x\n",
	        "t.format:4: sample reads as 2024-01-01T00:00:00.000000Z, not "
	        "2024-01-01T01:00:00.000000Z as stated");
	refused(HEAD PAT TIME "sample 2024-01-01T00:00:00Z error = 2024-01-01T00:00:00Z x\n",
	        "t.format:4: sample's level is none, not error as stated");
	refused(HEAD PAT TIME "sample yesterday = 2024-01-01T00:00:00Z x\n",
	        "t.format:4: sample: cannot read the time 'yesterday'");
	refused(HEAD PAT TIME "sample 2024-01-01T00:00:00Z loud = 2024-01-01T00:00:00Z x\n",
	        "t.format:4: sample: 'loud' is not a level");
	refused(HEAD PAT TIME "sample =\n", "t.format:4: sample: the line is empty");
	refused(HEAD PAT TIME SAMPLE "reject = 2024-01-01T00:00:00Z reads\n",
	        "t.format:5: reject line reads (as 2024-01-01T00:00:00.000000Z)");
	refused(HEAD PAT TIME SAMPLE "reject x = y\n", "t.format:5: reject takes no argument");
}

static void
test_bad_levels(void **state)
{
	(void)state;
	refused(HEAD PAT TIME "level E = loud\n" SAMPLE,
	        "t.format:4: unknown level 'loud' (trace, debug, info, notice, warn, error, "
	        "fatal or none)");
	refused(HEAD PAT TIME "level E = error\nlevel E = warn\n" SAMPLE,
	        "t.format:5: level E is mapped twice");
	refused(HEAD PAT TIME "level = error\n" SAMPLE, "t.format:4: level takes one word");
	refused(HEAD PAT TIME "level E F = error\n" SAMPLE, "t.format:4: level takes one word");
}

static void
test_bad_names_and_syntax(void **state)
{
	(void)state;
	refused("[format Bad_Name]\n" PAT TIME SAMPLE,
	        "t.format:1: format name 'Bad_Name': use 1 to 32 lower-case letters");
	refused("[format ]\n" PAT TIME SAMPLE, "t.format:1: unknown section [format]");
	/* 33 bytes */
	refused("[format abcdefghijabcdefghijabcdefghijabc]\n" PAT TIME SAMPLE,
	        "t.format:1: format name");
	refused("[parser x]\n" PAT TIME SAMPLE, "t.format:1: unknown section [parser x]");
	refused("[format x\n" PAT TIME SAMPLE, "t.format:1: a section line must be [format NAME]");
	refused(PAT HEAD TIME SAMPLE, "t.format:1: 'pattern' outside a section");
	refused(HEAD PAT TIME SAMPLE "colour = blue\n",
	        "t.format:5: unknown key 'colour' (title, pattern, time, level, sample, reject)");
	refused(HEAD PAT TIME SAMPLE "just words\n", "t.format:5: expected 'key = value'");
	/* duplicate names: in one text, and a built-in's */
	refused(HEAD PAT TIME SAMPLE "\n" HEAD PAT TIME SAMPLE,
	        "t.format:6: format x is already defined (t.format:1)");
	refused("[format syslog]\n" PAT TIME SAMPLE,
	        "t.format:1: format syslog is already defined (the built-in format syslog)");
	/* a NUL byte */
	static const char nul[] = "[format x]\npattern = a\0b\n";
	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	assert_int_equal(st_userfmts_load_text(set, "t.format", nul, sizeof(nul) - 1, &err),
	                 ST_EINVAL);
	st_buf_addc(&err, '\0');
	assert_non_null(strstr(err.p, "t.format:2: a NUL byte"));
	st_userfmts_free(set);
	st_buf_free(&err);
}

static void
test_problems_all_reported(void **state)
{
	(void)state;
	/* every problem, each with its line; the good format is not added */
	const char *text = "[format ok]\n" PAT TIME SAMPLE "[format bad]\n"
	                   "pattern = (?<ts>\n"
	                   "time = %Q\n"
	                   "level X = loud\n"
	                   "sample = x\n";
	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	assert_int_equal(st_userfmts_load_text(set, "t.format", text, strlen(text), &err),
	                 ST_EINVAL);
	assert_int_equal(st_userfmts_count(set), 0);
	st_buf_addc(&err, '\0');
	assert_non_null(strstr(err.p, "t.format:6: pattern:"));
	assert_non_null(strstr(err.p, "t.format:7: time: unknown directive %Q"));
	assert_non_null(strstr(err.p, "t.format:8: unknown level 'loud'"));
	assert_null(strstr(err.p, "t.format:1"));
	assert_null(strstr(err.p, "sample")); /* not checked with a broken definition */
	st_userfmts_free(set);
	st_buf_free(&err);
}

static void
test_syntax_details(void **state)
{
	(void)state;
	/* blanks around keys and values, CRLF ends, comments, '=' in values */
	const char *text = "  # comment\r\n"
	                   "\t[format  crlf-1 ]\r\n"
	                   "pattern=(?<ts>[^=]+)=(?<body>.*)\r\n"
	                   "  time   =   %Y-%m-%d  \r\n"
	                   "sample 2024-05-06T00:00:00Z none = 2024-05-06=a=b  \r\n";
	struct st_buf err = {0};
	struct st_userfmts *set = load("c.format", text, 1, &err);
	const struct st_format *f = st_userfmts_get(set, 0);
	assert_string_equal(f->name, "crlf-1");
	assert_string_equal(f->samples[0], "2024-05-06=a=b");
	struct st_draft d;
	assert_int_equal(parse_exact(f, "2024-05-06=x", 0, &d), 0);
	assert_time(d.ts, tu_utc(2024, 5, 6, 0, 0, 0, 0));
	st_userfmts_free(set);
	/* an empty text is fine and adds nothing */
	set = load("e.format", "", 0, &err);
	st_userfmts_free(set);
	set = load("e.format", "# nothing\n\n", 0, &err);
	st_userfmts_free(set);
	/* a year-less sample is checked in the stated time's year */
	set = load("y.format",
	           "[format yl]\npattern = (?<ts>\\w+ +\\d+ [\\d:]+) (?<body>.*)\ntime = %b %e %T\n"
	           "sample 2019-02-03T04:05:06Z = Feb  3 04:05:06 x\n",
	           1, &err);
	st_userfmts_free(set);
	st_buf_free(&err);
}

static void
test_names_across_loads(void **state)
{
	(void)state;
	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	const char *a = "[format dup]\n" PAT TIME SAMPLE;
	assert_int_equal(st_userfmts_load_text(set, "a.format", a, strlen(a), &err), 1);
	assert_int_equal(st_userfmts_load_text(set, "b.format", a, strlen(a), &err), ST_EINVAL);
	st_buf_addc(&err, '\0');
	assert_non_null(strstr(err.p, "b.format:1: format dup is already defined (a.format:1)"));
	assert_int_equal(st_userfmts_count(set), 1);
	st_userfmts_free(set);
	st_buf_free(&err);
}

static void
test_explain(void **state)
{
	(void)state;
	struct st_buf err = {0};
	struct st_userfmts *set = load("good.format", good, 2, &err);
	const struct st_format *f = st_userfmts_get(set, 0);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	struct st_draft d;
	struct st_buf why = {0};
	const char *ok = "PAY 2024-03-01 10:00:00.123 +0100 [txn=a] W fine";
	assert_int_equal(st_userfmt_explain(f, &tc, ok, strlen(ok), &d, &why), 0);
	assert_int_equal(why.len, 0);
	assert_int_equal(d.level, ST_LVL_WARN);

	const char *s = "PAY 2024-03-01 10:00:00.123 +0100 txn=a W fine";
	assert_true(st_userfmt_explain(f, &tc, s, strlen(s), &d, &why) < 0);
	st_buf_addc(&why, '\0');
	assert_string_equal(why.p,
	                    "the pattern does not match: it reads 'PAY 2024-03-01 10:00:00.123 "
	                    "+0100 ' (34 bytes), then stops at byte 34 ('txn=a W fine'), where "
	                    "it wants '\\[txn=(?<txn>[^\\]]*)\\] (...' (pattern offset 29)");
	why.len = 0;
	s = "GET / HTTP/1.1";
	assert_true(st_userfmt_explain(f, &tc, s, strlen(s), &d, &why) < 0);
	st_buf_addc(&why, '\0');
	assert_non_null(
	        strstr(why.p, "it stops at byte 0 ('GET / HTTP/1...'), where it wants 'PAY"));
	why.len = 0;
	s = "PAY 2024-03-01 10:00:00 +0100 [txn=a] W no fraction";
	assert_int_equal(st_userfmt_explain(f, &tc, s, strlen(s), &d, &why), ST_ENOMATCH);
	st_buf_addc(&why, '\0');
	assert_string_equal(why.p, "the pattern matches, but ts '2024-03-01 10:00:00 +0100' (bytes "
	                           "4-29) does not read as '%Y-%m-%d %H:%M:%S.%f %z': byte 19: the "
	                           "layout wants '.' here, not ' +0100'");
	/* a ts group that takes no part */
	why.len = 0;
	const char *t = "[format opt]\npattern = (?:T(?<ts>\\d+)|N) (?<body>.*)\ntime = %s\n"
	                "sample = T5 x\n";
	struct st_userfmts *set2 = load("o.format", t, 1, &err);
	const struct st_format *o = st_userfmts_get(set2, 0);
	assert_int_equal(st_userfmt_explain(o, &tc, "N x", 3, &d, &why), ST_ENOMATCH);
	st_buf_addc(&why, '\0');
	assert_string_equal(why.p, "the pattern matches bytes 0-3, but its ts group takes no part");
	assert_int_equal(parse_exact(o, "N x", 0, &d), ST_ENOMATCH);
	/* not a user format */
	assert_int_equal(st_userfmt_explain(st_formats[0], &tc, "x", 1, &d, &why), ST_EINVAL);
	st_userfmts_free(set2);
	st_userfmts_free(set);
	st_buf_free(&why);
	st_buf_free(&err);
}

/* ---- files and directories */

static char tmpdir[64];

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
rm_tree(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void
test_files_and_dirs(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/strata-userfmt.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/strata/formats", tmpdir);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/strata", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "b.format", "[format bee]\n" PAT TIME SAMPLE);
	write_file(dir, "a.format", "[format ay]\n" PAT TIME SAMPLE);
	write_file(dir, ".hidden.format", "[format hidden]\n" PAT TIME SAMPLE);
	write_file(dir, "notes.txt", "not a format file");

	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	assert_int_equal(st_userfmts_load_dir(set, dir, &err), 2);
	assert_int_equal(err.len, 0);
	assert_string_equal(st_userfmts_get(set, 0)->name, "ay");
	assert_string_equal(st_userfmts_get(set, 1)->name, "bee");
	char want[256];
	snprintf(want, sizeof(want), "%s/a.format:1", dir);
	assert_string_equal(st_userfmt_origin(st_userfmts_get(set, 0)), want);
	/* a missing directory is no problem; a missing file is */
	assert_int_equal(st_userfmts_load_dir(set, "/nonexistent/strata", &err), 0);
	assert_int_equal(st_userfmts_load_file(set, "/nonexistent/x.format", &err), ST_EINVAL);
	st_buf_addc(&err, '\0');
	assert_non_null(
	        strstr(err.p, "/nonexistent/x.format: cannot read the format file: No such file"));
	st_userfmts_free(set);

	/* the default directory */
	char buf[256];
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	assert_non_null(st_userfmts_default_dir(buf, sizeof(buf)));
	assert_string_equal(buf, dir);
	assert_null(st_userfmts_default_dir(buf, 8)); /* does not fit */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1); /* not absolute: ignored */
	setenv("HOME", "/home/someone", 1);
	assert_string_equal(st_userfmts_default_dir(buf, sizeof(buf)),
	                    "/home/someone/.config/strata/formats");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(st_userfmts_default_dir(buf, sizeof(buf)));

	/* a bad file in the directory makes the whole setup fail */
	write_file(dir, "c.format", "[format sea]\n" PAT "time = %Q\n" SAMPLE);
	set = st_userfmts_new();
	err.len = 0;
	assert_int_equal(st_userfmts_load_dir(set, dir, &err), ST_EINVAL);
	st_buf_addc(&err, '\0');
	snprintf(want, sizeof(want), "%s/c.format:3: time: unknown directive %%Q", dir);
	assert_non_null(strstr(err.p, want));
	assert_int_equal(st_userfmts_count(set), 2); /* a and b loaded; c did not */
	st_userfmts_free(set);
	st_buf_free(&err);
	rm_tree();
}

/* Cut and mutated lines: parse and explain agree, fields stay in the line. */
static void
test_mutations(void **state)
{
	(void)state;
	struct st_buf err = {0};
	struct st_userfmts *set = load("good.format", good, 2, &err);
	const struct st_format *f = st_userfmts_get(set, 0);
	const char *line = "PAY 2024-03-01 10:00:02.5 +0100 [txn=x] I user=bob logged in";
	static const char subst[] = {'\0', '9', 'x', ' ', '\xff', '\xc3', ']', '['};
	size_t len = strlen(line);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	struct st_buf why = {0};
	for (size_t cut = 1; cut <= len; cut++) {
		for (size_t pos = 0; pos < cut; pos++) {
			for (size_t k = 0; k < sizeof(subst); k++) {
				char *p = st_xmalloc(cut);
				memcpy(p, line, cut);
				p[pos] = subst[k];
				struct st_draft d, d2;
				int rc = st_format_parse(f, &tc, p, cut, &d);
				why.len = 0;
				int rc2 = st_userfmt_explain(f, &tc, p, cut, &d2, &why);
				assert_int_equal(rc == 0, rc2 == 0);
				assert_true(rc == 0 ? why.len == 0 : why.len > 0);
				if (rc == 0) {
					assert_true(d.body <= cut);
					assert_time(d2.ts, d.ts);
					struct st_fields fs = {0};
					f->fields_user(f->user, p, cut, &d, &fs);
					for (unsigned i = 0; i < fs.n; i++)
						assert_true(fs.f[i].val >= p &&
						            fs.f[i].val + fs.f[i].vlen <= p + cut);
				}
				free(p);
			}
		}
	}
	st_buf_free(&why);
	st_userfmts_free(set);
	st_buf_free(&err);
}

/* Last: it changes the process's registry. */
static void
test_register_and_detect(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/strata-userfmt.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_file(tmpdir, "pay.format", good);
	char path[128];
	snprintf(path, sizeof(path), "%s/pay.format", tmpdir);
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	const char *files[] = {path};
	struct st_buf err = {0};
	struct st_userfmts *set = st_userfmts_new();
	size_t builtins = st_format_count();
	assert_int_equal(st_userfmts_setup(set, files, 1, &err), 0);
	assert_int_equal(err.len, 0);
	assert_int_equal(st_format_count(), builtins + 2);
	assert_int_equal(st_format_find("pay-api"), 0);
	assert_int_equal(st_format_find("epoch-log"), 1);
	assert_ptr_equal(st_format_get(0), st_userfmts_get(set, 0));
	assert_ptr_equal(st_format_get(2), st_formats[0]);

	/* detection picks the user format on its lines */
	const char *lines[] = {
		"PAY 2024-03-01 10:00:00.123 +0100 [txn=a] E one",
		"PAY 2024-03-01 10:00:01.123 +0100 [txn=b] W two",
		"  a continuation",
	};
	size_t lens[3] = {strlen(lines[0]), strlen(lines[1]), strlen(lines[2])};
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	size_t hits = 0;
	assert_int_equal(st_format_detect(&tc, lines, lens, 3, &hits), 0);
	assert_int_equal(hits, 2);
	/* fields through the registry, as print -o json asks */
	struct st_fields fs;
	assert_int_equal(st_format_fields(0, lines[0], lens[0], &fs), 1);
	assert_memory_equal(fs.f[0].val, "a", 1);
	/* names already registered are taken */
	refused("[format pay-api]\n" PAT TIME SAMPLE, "format pay-api is already defined (");
	st_userfmts_free(set);
	st_buf_free(&err);
	rm_tree();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_many_lines_one_match_data),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_bad_layout),
		cmocka_unit_test(test_bad_samples),
		cmocka_unit_test(test_bad_levels),
		cmocka_unit_test(test_bad_names_and_syntax),
		cmocka_unit_test(test_problems_all_reported),
		cmocka_unit_test(test_syntax_details),
		cmocka_unit_test(test_names_across_loads),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_files_and_dirs),
		cmocka_unit_test(test_register_and_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
