/*
 * test_formats.c: the format registry and every parser in it.
 *
 *   - every format in st_formats[] (iterated, so a new format is covered
 *     the day it is registered): its samples parse, its rejects do not,
 *     and detection on its own samples picks it;
 *   - data/formats.test: lines with the exact UTC time, level and message
 *     offset each format must give (see the header of that file);
 *   - st_format_detect on small line sets, st_format_find, level words.
 *
 * Every line is handed to a parser in a heap buffer of exactly its length,
 * without a NUL, so ASan catches a parser that reads past the line (cut
 * and mutated lines are test_fuzz_parsers.c's job).
 */
#include <stdlib.h>
#include <string.h>

#include "strata/event.h"
#include "strata/format.h"
#include "strata/util.h"
#include "testutil.h"

#define REF_DEFAULT "2024-12-20T00:00:00Z"

/* Run format f on s through an exact-length copy. */
static int
parse_exact(const struct st_format *f, const struct st_timectx *tc, const char *s, size_t n,
            struct st_draft *d)
{
	char *p = st_xmalloc(n ? n : 1);
	memcpy(p, s, n);
	memset(d, 0xa5, sizeof(*d));
	int rc = f->parse(tc, p, n, d);
	free(p);
	return rc;
}

static st_time
user_time(const char *s)
{
	st_time t;
	if (st_parse_user_time(s, NULL, &t) != 0) {
		print_error("bad time in the test itself: %s\n", s);
		fail();
	}
	return t;
}

static void
test_registry_shape(void **state)
{
	(void)state;
	assert_true(st_nformats > 0);
	assert_true(st_nformats < 255); /* 0xff means "no format" in the store */
	for (size_t i = 0; i < st_nformats; i++) {
		const struct st_format *f = st_formats[i];
		assert_non_null(f);
		assert_non_null(f->name);
		assert_non_null(f->title);
		assert_non_null(f->parse);
		assert_non_null(f->samples);
		assert_non_null(f->rejects);
		assert_non_null(f->samples[0]);
		for (const char *c = f->name; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
		/* names are unique: find gives back this index */
		assert_int_equal(st_format_find(f->name), (int)i);
	}
	assert_int_equal(st_format_find("nope"), -1);
	assert_int_equal(st_format_find(""), -1);
	assert_int_equal(st_format_find("KLOG"), -1);
	assert_true(st_format_find("klog") >= 0);
	assert_string_equal(st_formats[st_format_find("klog")]->name, "klog");
	/* specific formats win ties, so the fallback comes last */
	assert_int_equal(st_format_find("generic"), (int)st_nformats - 1);
	assert_true(st_format_find("bracket") < st_format_find("iso8601"));
}

static void
test_samples_parse(void **state)
{
	(void)state;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, user_time(REF_DEFAULT));
	for (size_t i = 0; i < st_nformats; i++) {
		const struct st_format *f = st_formats[i];
		for (const char *const *s = f->samples; *s; s++) {
			size_t n = strlen(*s);
			struct st_draft d;
			int rc = parse_exact(f, &tc, *s, n, &d);
			if (rc != 0 || d.ts == ST_TIME_NONE || d.body > n || d.level > ST_LVL_FATAL ||
			    d.kind > ST_KIND_METRIC) {
				print_error("%s: sample not read (rc %d, body %u, level %u): %s\n", f->name, rc,
				            d.body, d.level, *s);
				fail();
			}
		}
	}
}

static void
test_rejects_refused(void **state)
{
	(void)state;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, user_time(REF_DEFAULT));
	for (size_t i = 0; i < st_nformats; i++) {
		const struct st_format *f = st_formats[i];
		for (const char *const *s = f->rejects; *s; s++) {
			struct st_draft d;
			int rc = parse_exact(f, &tc, *s, strlen(*s), &d);
			if (rc >= 0) {
				print_error("%s: reject was read: %s\n", f->name, *s);
				fail();
			}
		}
	}
}

static void
test_detect_own_samples(void **state)
{
	(void)state;
	/* detection must be able to pick every format: on its own samples it
	 * wins (a format whose samples an earlier one reads as well would never
	 * be chosen) */
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, user_time(REF_DEFAULT));
	for (size_t i = 0; i < st_nformats; i++) {
		const char *const *s = st_formats[i]->samples;
		size_t n = 0, lens[64];
		while (s[n] && n < 64) {
			lens[n] = strlen(s[n]);
			n++;
		}
		size_t hits = 0;
		int got = st_format_detect(&tc, s, lens, n, &hits);
		if (got != (int)i || hits != n) {
			print_error("detect on %s samples: %s with %zu of %zu\n", st_formats[i]->name,
			            got >= 0 ? st_formats[got]->name : "none", hits, n);
			fail();
		}
	}
}

/* ---- data/formats.test */

struct record {
	int lineno;
	const char *format, *ref, *tz, *line, *ts, *level, *body, *kind;
	const char *fields[16]; /* "key=value": value as written in the line */
	int nfields;
	bool reject;
	char *joined; /* the lines of a multi-line record, joined by '\n' */
};

/* A second "line:" adds a line to the record (block formats): the lines
 * are joined with '\n' into a buffer the record owns. */
static void
add_line(struct record *r, const char *v)
{
	if (r->line == NULL) {
		r->line = v;
		return;
	}
	struct st_buf b = {0};
	st_buf_adds(&b, r->line);
	st_buf_addc(&b, '\n');
	st_buf_adds(&b, v);
	st_buf_addc(&b, '\0');
	free(r->joined);
	r->joined = b.p;
	r->line = b.p;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		print_error("cannot open %s\n", path);
		fail();
	}
	struct st_buf b = {0};
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		st_buf_add(&b, tmp, n);
	fclose(f);
	st_buf_addc(&b, '\0');
	*len = b.len - 1;
	return b.p;
}

static int
check_record(const struct record *r)
{
	char where[64];
	snprintf(where, sizeof(where), "formats.test:%d", r->lineno);
	if (r->format == NULL || r->line == NULL || (!r->reject && (r->ts == NULL || r->level == NULL))) {
		print_error("%s: incomplete record\n", where);
		return 1;
	}
	int fi = st_format_find(r->format);
	if (fi < 0) {
		print_error("%s: no format %s\n", where, r->format);
		return 1;
	}
	struct st_tz *tz = NULL;
	if (r->tz && st_tz_load(r->tz, &tz) != 0) {
		print_error("%s: cannot load zone %s\n", where, r->tz);
		return 1;
	}
	struct st_timectx tc;
	st_timectx_init(&tc, tz, user_time(r->ref ? r->ref : REF_DEFAULT));
	size_t n = strlen(r->line);
	struct st_draft d;
	int rc = parse_exact(st_formats[fi], &tc, r->line, n, &d);
	st_tz_free(tz);
	if (r->reject) {
		if (rc >= 0) {
			print_error("%s: %s read a line it must refuse: %s\n", where, r->format, r->line);
			return 1;
		}
		return 0;
	}
	if (rc != 0) {
		print_error("%s: %s did not read: %s\n", where, r->format, r->line);
		return 1;
	}
	int bad = 0;
	char ts[32];
	st_format_time(d.ts, 6, ts);
	if (strcmp(ts, r->ts) != 0) {
		print_error("%s: time %s, want %s: %s\n", where, ts, r->ts, r->line);
		bad = 1;
	}
	const char *lv = st_level_name((enum st_level)d.level);
	if (strcmp(lv ? lv : "none", r->level) != 0) {
		print_error("%s: level %s, want %s: %s\n", where, lv ? lv : "none", r->level, r->line);
		bad = 1;
	}
	if (r->body && (d.body > n || strcmp(r->line + d.body, r->body) != 0)) {
		print_error("%s: body at %u (\"%s\"), want \"%s\"\n", where, d.body,
		            d.body <= n ? r->line + d.body : "?", r->body);
		bad = 1;
	}
	const char *want_kind = r->kind ? r->kind : "log";
	if (strcmp(st_kind_name((enum st_kind)d.kind), want_kind) != 0) {
		print_error("%s: kind %s, want %s\n", where, st_kind_name((enum st_kind)d.kind), want_kind);
		bad = 1;
	}
	struct st_fields fs;
	st_format_fields((unsigned)fi, r->line, n, &fs);
	for (int k = 0; k < r->nfields; k++) {
		const char *eq = strchr(r->fields[k], '=');
		size_t kl = eq ? (size_t)(eq - r->fields[k]) : strlen(r->fields[k]);
		const char *want = eq ? eq + 1 : "";
		const struct st_field *got = NULL;
		for (unsigned j = 0; j < fs.n && got == NULL; j++)
			if (fs.f[j].klen == kl && memcmp(fs.f[j].key, r->fields[k], kl) == 0)
				got = &fs.f[j];
		if (got == NULL || got->vlen != strlen(want) || memcmp(got->val, want, got->vlen) != 0) {
			print_error("%s: field %.*s = \"%.*s\", want \"%s\"\n", where, (int)kl, r->fields[k],
			            got ? (int)got->vlen : 9, got ? got->val : "<missing>", want);
			bad = 1;
		}
	}
	return bad;
}

static void
test_expectations_file(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(STRATA_TEST_DATA "/formats.test", &len);
	struct record r = {0};
	int records = 0, failures = 0, lineno = 0;
	bool seen[256] = {false};
	char *p = text;
	for (;;) {
		char *nl = strchr(p, '\n');
		bool last = nl == NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (p[0] == '#') {
			/* comment */
		} else if (p[0] == '\0') {
			if (r.format || r.line) {
				failures += check_record(&r);
				records++;
				int fi = st_format_find(r.format ? r.format : "");
				if (fi >= 0 && !r.reject)
					seen[fi] = true;
			}
			free(r.joined);
			memset(&r, 0, sizeof(r));
		} else {
			char *colon = strstr(p, ": ");
			if (colon == NULL) {
				print_error("formats.test:%d: not \"key: value\"\n", lineno);
				fail();
			}
			*colon = '\0';
			const char *v = colon + 2;
			if (r.lineno == 0)
				r.lineno = lineno;
			if (strcmp(p, "format") == 0)
				r.format = v;
			else if (strcmp(p, "ref") == 0)
				r.ref = v;
			else if (strcmp(p, "tz") == 0)
				r.tz = v;
			else if (strcmp(p, "line") == 0)
				add_line(&r, v);
			else if (strcmp(p, "ts") == 0)
				r.ts = v;
			else if (strcmp(p, "level") == 0)
				r.level = v;
			else if (strcmp(p, "body") == 0)
				r.body = v;
			else if (strcmp(p, "kind") == 0)
				r.kind = v;
			else if (strcmp(p, "reject") == 0)
				r.reject = strcmp(v, "yes") == 0;
			else if (strcmp(p, "field") == 0 && r.nfields < 16)
				r.fields[r.nfields++] = v;
			else {
				print_error("formats.test:%d: unknown key %s\n", lineno, p);
				fail();
			}
		}
		if (last)
			break;
		p = nl + 1;
	}
	if (r.format || r.line) {
		failures += check_record(&r);
		records++;
	}
	free(r.joined);
	print_message("formats.test: %d records, %d failed\n", records, failures);
	free(text);
	assert_true(records >= 50);
	assert_int_equal(failures, 0);
	/* every format the registry has must have expectations here */
	for (size_t i = 0; i < st_nformats; i++) {
		if (!seen[i]) {
			print_error("formats.test has no expectations for format %s\n", st_formats[i]->name);
			fail();
		}
	}
}

/* ---- detection on small line sets */

static int
detect(const char *const *lines, size_t n, size_t *hits, st_time ref)
{
	size_t lens[64];
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, ref);
	return st_format_detect(&tc, lines, lens, n, hits);
}

static void
assert_detects(const char *const *lines, size_t n, const char *want)
{
	size_t hits = 0;
	int got = detect(lines, n, &hits, user_time(REF_DEFAULT));
	const char *name = got >= 0 ? st_formats[got]->name : "none";
	if (strcmp(name, want) != 0) {
		print_error("detected %s (%zu hits), want %s; first line: %s\n", name, hits, want,
		            lines[0]);
		fail();
	}
}

static void
test_detect_klog(void **state)
{
	(void)state;
	const char *lines[10];
	char buf[10][96];
	for (int i = 0; i < 10; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%c1215 03:22:%02d.%06d       1 controller.go:%d] step %d",
		         "IWEF"[i % 4], 10 + i, i * 1111, 100 + i, i);
		lines[i] = buf[i];
	}
	size_t hits;
	int got = detect(lines, 10, &hits, user_time(REF_DEFAULT));
	assert_int_equal(got, st_format_find("klog"));
	assert_int_equal(hits, 10);
}

static void
test_detect_bracket_seed(void **state)
{
	(void)state;
	/* these lines are also ISO 8601 and generic: bracket must win the tie */
	static const char *const lines[] = {
		"[2024-12-14T22:15:03Z] terraform | Apply complete! 47 resources in state",
		"[2024-12-15T03:22:18Z] api-server | W1215 03:22:18.847291 event.go:364] Server is becoming the leader, discarding stale reads",
		"[2024-12-15T09:45:02Z] platform | INFO Feature flag 'enable_new_checkout' = true",
		"[2024-12-08T05:59:58Z] k8s-deploy  | ConfigMap analytics-config replaced in namespace analytics",
	};
	size_t hits;
	int got = detect(lines, 4, &hits, user_time(REF_DEFAULT));
	assert_int_equal(got, st_format_find("bracket"));
	assert_int_equal(hits, 4);
}

static void
test_detect_each_kind(void **state)
{
	(void)state;
	static const char *const syslog[] = {
		"Oct 02 02:00:03 prod-batch-01 systemd[1]: Started data-exporter.service",
		"Oct 02 02:00:04 prod-batch-01 CROND[48287]: (exporter) CMD (cleanup.sh)",
		"Oct  2 02:00:05 prod-batch-01 kernel: something",
	};
	assert_detects(syslog, 3, "syslog");
	static const char *const redis[] = {
		"1:C 12 Sep 2024 14:37:55.809 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
		"1:M 12 Sep 2024 14:37:55.812 * Server initialized",
		"1:M 12 Sep 2024 14:38:41.003 # Can't save in background: fork: Cannot allocate memory",
	};
	assert_detects(redis, 3, "redis");
	static const char *const json[] = {
		"{\"level\":\"info\",\"ts\":\"2024-12-15T03:22:13.991Z\",\"msg\":\"became candidate\"}",
		"{\"level\":\"warn\",\"ts\":\"2024-12-15T03:22:14.000Z\",\"msg\":\"leadership transferred\"}",
	};
	assert_detects(json, 2, "json");
	static const char *const logfmt[] = {
		"time=\"2024-09-12T14:37:49Z\" level=error msg=\"session store unavailable\"",
		"time=\"2024-09-12T14:38:04Z\" level=warning msg=\"session not found\"",
	};
	assert_detects(logfmt, 2, "logfmt");
	static const char *const iso[] = {
		"2024-12-10T06:00:04Z INFO  Connecting to database...",
		"2024-12-10T06:00:05Z INFO  Processing table: order_summaries",
		"2024-10-01T02:00:01+0000 prod-batch-01 CROND[47102]: (exporter) CMD",
	};
	assert_detects(iso, 3, "iso8601");
	static const char *const generic[] = {
		"2025/03/09 02:00:13 upstream timed out",
		"2025/03/09 02:00:14 [warn] retrying",
	};
	assert_detects(generic, 2, "generic");
	/* the majority wins */
	static const char *const mixed[] = {
		"2024-12-10T06:00:04Z INFO a", "2024-12-10T06:00:05Z INFO b",
		"W1215 03:22:18.847291 1 event.go:364] c", "2024-12-10T06:00:06Z INFO d",
	};
	assert_detects(mixed, 4, "iso8601");
}

static void
test_detect_nothing(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"Exception in thread \"main\" java.lang.NullPointerException",
		"the quick brown fox jumps over the lazy dog",
		"    at com.example.Foo.bar(Foo.java:42)",
		"",
		"just words",
	};
	size_t hits = 99;
	assert_int_equal(detect(lines, 5, &hits, user_time(REF_DEFAULT)), -1);
	assert_int_equal(hits, 0);
	hits = 99;
	assert_int_equal(detect(lines, 0, &hits, user_time(REF_DEFAULT)), -1);
	assert_int_equal(hits, 0);
	/* hits may be NULL */
	assert_int_equal(detect(lines, 5, NULL, user_time(REF_DEFAULT)), -1);
}

/* The fixed shapes (logcat, the CFDR and Loghub logs, oslo.log, Proxifier)
 * are strict so that they never take another format's files: none of them
 * may read any other format's samples. */
static void
test_strict_formats_alone(void **state)
{
	(void)state;
	static const char *const strict[] = {
		"android", "bgl", "thunderbird", "hpc", "hdfs", "healthapp", "openstack", "proxifier",
	};
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, user_time(REF_DEFAULT));
	int bad = 0;
	for (size_t k = 0; k < sizeof(strict) / sizeof(strict[0]); k++) {
		int fi = st_format_find(strict[k]);
		assert_true(fi >= 0);
		for (size_t g = 0; g < st_nformats; g++) {
			if ((int)g == fi)
				continue;
			for (const char *const *s = st_formats[g]->samples; *s; s++) {
				struct st_draft d;
				if (parse_exact(st_formats[fi], &tc, *s, strlen(*s), &d) == 0) {
					print_error("%s reads a %s sample: %s\n", strict[k], st_formats[g]->name, *s);
					bad++;
				}
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* ---- level words */

static void
test_level_words(void **state)
{
	(void)state;
	static const struct {
		const char *w;
		enum st_level l;
	} cases[] = {
		{"WARNING", ST_LVL_WARN},  {"warn", ST_LVL_WARN},     {"Warn", ST_LVL_WARN},
		{"err", ST_LVL_ERROR},     {"ERROR", ST_LVL_ERROR},   {"Crit", ST_LVL_FATAL},
		{"CRITICAL", ST_LVL_FATAL}, {"panic", ST_LVL_FATAL},  {"FATAL", ST_LVL_FATAL},
		{"emerg", ST_LVL_FATAL},   {"alert", ST_LVL_FATAL},   {"info", ST_LVL_INFO},
		{"Information", ST_LVL_INFO}, {"informational", ST_LVL_INFO},
		{"notice", ST_LVL_NOTICE}, {"debug", ST_LVL_DEBUG},   {"DBG", ST_LVL_DEBUG},
		{"trace", ST_LVL_TRACE},   {"notaword", ST_LVL_NONE}, {"", ST_LVL_NONE},
		{"in", ST_LVL_NONE},       {"warnings", ST_LVL_NONE}, {"errors", ST_LVL_NONE},
		{"informationalx", ST_LVL_NONE},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(cases); i++) {
		enum st_level got = st_level_from_word(cases[i].w, strlen(cases[i].w));
		if (got != cases[i].l) {
			print_error("st_level_from_word(\"%s\") = %d, want %d\n", cases[i].w, got, cases[i].l);
			fail();
		}
	}
	/* the length is respected: "warn" out of "warning" */
	assert_int_equal(st_level_from_word("warning", 4), ST_LVL_WARN);
	assert_int_equal(st_level_from_word("errxyz", 3), ST_LVL_ERROR);

	assert_int_equal(st_level_from_syslog(0), ST_LVL_FATAL);
	assert_int_equal(st_level_from_syslog(2), ST_LVL_FATAL);
	assert_int_equal(st_level_from_syslog(3), ST_LVL_ERROR);
	assert_int_equal(st_level_from_syslog(4), ST_LVL_WARN);
	assert_int_equal(st_level_from_syslog(5), ST_LVL_NOTICE);
	assert_int_equal(st_level_from_syslog(6), ST_LVL_INFO);
	assert_int_equal(st_level_from_syslog(7), ST_LVL_DEBUG);
	assert_int_equal(st_level_from_syslog(8), ST_LVL_NONE);
	assert_int_equal(st_level_from_syslog(-1), ST_LVL_NONE);

	assert_null(st_level_name(ST_LVL_NONE));
	assert_string_equal(st_level_name(ST_LVL_WARN), "warn");
	assert_string_equal(st_level_name(ST_LVL_FATAL), "fatal");
	assert_null(st_level_name((enum st_level)99));
	assert_string_equal(st_kind_name(ST_KIND_LOG), "log");
	assert_string_equal(st_kind_name(ST_KIND_CHANGE), "change");
	assert_string_equal(st_kind_name(ST_KIND_METRIC), "metric");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_shape),
		cmocka_unit_test(test_samples_parse),
		cmocka_unit_test(test_rejects_refused),
		cmocka_unit_test(test_detect_own_samples),
		cmocka_unit_test(test_expectations_file),
		cmocka_unit_test(test_detect_klog),
		cmocka_unit_test(test_detect_bracket_seed),
		cmocka_unit_test(test_detect_each_kind),
		cmocka_unit_test(test_detect_nothing),
		cmocka_unit_test(test_strict_formats_alone),
		cmocka_unit_test(test_level_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
