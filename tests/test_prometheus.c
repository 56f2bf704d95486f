/*
 * test_prometheus.c: the Prometheus / OpenMetrics line reader
 * (parsers/prometheus.c, metric.h) and the prometheus format through the
 * ingest:
 *
 *   - samples: names (quoted too), labels with escapes and odd spacing,
 *     values (NaN, +Inf, -Inf, exponents), timestamps in milliseconds and
 *     in float seconds, exemplars; directives; comments; what is refused;
 *   - when is a sample: own time > time label > scrape comment or marker >
 *     mtime, through a real ingest, scrapes appended one after another;
 *   - the real exposition files of ../shared/corpus/prometheus/ (skipped
 *     when the corpus is absent): every non-blank line an event of the
 *     prometheus format, samples of kind metric that read back, nothing
 *     left unread or joined to another line.
 *
 * Lines are handed over in heap buffers of exactly their length, without
 * a NUL, so ASan sees a read past the line.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/metric.h"
#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

static st_time
T(const char *s)
{
	st_time t;
	if (st_parse_user_time(s, NULL, &t) != 0)
		fail_msg("bad time in the test itself: %s", s);
	return t;
}

/* st_metric_read on an exact-size copy; the copy is kept in *keep (free it). */
static int
readl(const char *s, struct st_metric_line *m, char **keep)
{
	size_t n = strlen(s);
	*keep = st_xmalloc(n ? n : 1);
	memcpy(*keep, s, n);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, T("2024-12-20T00:00:00Z"));
	return st_metric_read(&tc, *keep, n, m);
}

static char *
span(const char *s, uint32_t at, uint32_t len)
{
	return st_xstrndup(s + at, len);
}

#define assert_span(s, at, len, want)                 \
	do {                                              \
		char *got_ = span((s), (at), (len));          \
		if (strcmp(got_, (want)) != 0) {              \
			print_error("got '%s', want '%s'\n", got_, (want)); \
			free(got_);                               \
			fail();                                   \
		}                                             \
		free(got_);                                   \
	} while (0)

/* The labels of a sample as "k=v;k=v;" (values raw). */
static void
labels_of(const char *s, const struct st_metric_line *m, char *out, size_t cap)
{
	out[0] = '\0';
	uint32_t pos = 0;
	struct st_metric_label l;
	while (st_metric_label_next(s, m, &pos, &l)) {
		size_t k = strlen(out);
		snprintf(out + k, cap - k, "%.*s=%.*s;", (int)l.name_len, s + l.name, (int)l.value_len,
		         s + l.value);
	}
}

static void
test_samples(void **state)
{
	(void)state;
	struct st_metric_line m;
	char *s, lab[256];

	assert_int_equal(readl("http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000", &m, &s), 0);
	assert_int_equal(m.type, ST_ML_SAMPLE);
	assert_span(s, m.name, m.name_len, "http_requests_total");
	assert_span(s, 0, m.head_end, "http_requests_total{method=\"post\",code=\"200\"}");
	assert_span(s, m.value, m.value_len, "1027");
	assert_span(s, m.ts, m.ts_len, "1395066363000");
	labels_of(s, &m, lab, sizeof(lab));
	assert_string_equal(lab, "method=post;code=200;");
	free(s);

	/* escapes in a value, and '}' ',' '=' inside it */
	assert_int_equal(readl("msg_total{path=\"/a\\\"b\\\\c\\nd\",odd=\"},{=\"} 3", &m, &s), 0);
	labels_of(s, &m, lab, sizeof(lab));
	assert_string_equal(lab, "path=/a\\\"b\\\\c\\nd;odd=},{=;");
	struct st_buf b = {0};
	uint32_t pos = 0;
	struct st_metric_label l;
	assert_true(st_metric_label_next(s, &m, &pos, &l));
	st_metric_unescape(&b, s + l.value, l.value_len);
	st_buf_addc(&b, '\0');
	assert_string_equal(b.p, "/a\"b\\c\nd");
	st_buf_free(&b);
	free(s);

	/* blanks around labels, a trailing comma, tabs between the fields */
	assert_int_equal(readl("x { a = \"1\" , b=\"2\", }\t2.5e-3\t1700000000000", &m, &s), 0);
	labels_of(s, &m, lab, sizeof(lab));
	assert_string_equal(lab, "a=1;b=2;");
	assert_true(fabs(st_metric_value(s + m.value, m.value_len) - 0.0025) < 1e-12);
	free(s);

	/* empty braces, as Envoy writes them */
	assert_int_equal(readl("envoy_cluster_manager_cds_update_attempt{} 1", &m, &s), 0);
	labels_of(s, &m, lab, sizeof(lab));
	assert_string_equal(lab, "");
	free(s);

	/* values */
	const char *vals[] = {"NaN", "+Inf", "-Inf", "Inf", "-1.5e+09", ".5", "1.", "0x1p3"};
	for (size_t i = 0; i < ST_ARRAY_LEN(vals); i++) {
		char line[64];
		snprintf(line, sizeof(line), "v %s", vals[i]);
		int rc = readl(line, &m, &s);
		double v = rc == 0 ? st_metric_value(s + m.value, m.value_len) : 0;
		switch (i) {
		case 0: assert_int_equal(rc, 0); assert_true(isnan(v)); break;
		case 1: case 3: assert_int_equal(rc, 0); assert_true(isinf(v) && v > 0); break;
		case 2: assert_int_equal(rc, 0); assert_true(isinf(v) && v < 0); break;
		case 4: assert_int_equal(rc, 0); assert_true(v == -1.5e9); break;
		case 5: assert_int_equal(rc, 0); assert_true(v == 0.5); break;
		case 6: assert_int_equal(rc, 0); assert_true(v == 1.0); break;
		default: assert_int_equal(rc, ST_ENOMATCH); /* hex floats: not in the format */
		}
		free(s);
	}

	/* an OpenMetrics exemplar, with and without a timestamp before it */
	assert_int_equal(readl("foo_bucket{le=\"0.1\"} 8 # {trace_id=\"KOO5S4vxi0o\"} 0.067 1520879607.789", &m, &s), 0);
	assert_int_equal(m.ts_len, 0); /* the exemplar's time is not the sample's */
	assert_span(s, m.value, m.value_len, "8");
	free(s);
	assert_int_equal(readl("foo_bucket{le=\"1\"} 9 1520879607.789 # {id=\"x\"} 0.5", &m, &s), 0);
	assert_span(s, m.ts, m.ts_len, "1520879607.789");
	free(s);

	/* Prometheus 3: a quoted name inside the braces, quoted label names */
	assert_int_equal(readl("{\"my.dotted.metric\", \"service.name\"=\"api\",le=\"1\"} 3", &m, &s), 0);
	assert_true(m.name_quoted);
	assert_span(s, m.name, m.name_len, "my.dotted.metric");
	labels_of(s, &m, lab, sizeof(lab));
	assert_string_equal(lab, "service.name=api;le=1;");
	free(s);
}

static void
test_directives_comments(void **state)
{
	(void)state;
	struct st_metric_line m;
	char *s;
	assert_int_equal(readl("# HELP node_load1 1m load average.", &m, &s), 0);
	assert_int_equal(m.type, ST_ML_HELP);
	assert_span(s, m.name, m.name_len, "node_load1");
	assert_span(s, m.value, m.value_len, "1m load average.");
	free(s);
	const char *types[] = {"counter", "gauge", "histogram", "gaugehistogram", "summary", "info",
	                       "stateset", "untyped", "unknown"};
	const int want[] = {ST_MT_COUNTER, ST_MT_GAUGE, ST_MT_HISTOGRAM, ST_MT_GAUGEHISTOGRAM,
	                    ST_MT_SUMMARY, ST_MT_INFO, ST_MT_STATESET, ST_MT_UNTYPED, ST_MT_UNTYPED};
	for (size_t i = 0; i < ST_ARRAY_LEN(types); i++) {
		char line[64];
		snprintf(line, sizeof(line), "# TYPE foo %s", types[i]);
		assert_int_equal(readl(line, &m, &s), 0);
		assert_int_equal(m.type, ST_ML_TYPE);
		assert_int_equal(m.mtype, want[i]);
		free(s);
	}
	assert_int_equal(readl("# TYPE \"my.metric\" counter", &m, &s), 0);
	assert_span(s, m.name, m.name_len, "my.metric");
	assert_int_equal(m.mtype, ST_MT_COUNTER);
	free(s);
	assert_int_equal(readl("# UNIT foo_seconds seconds", &m, &s), 0);
	assert_int_equal(m.type, ST_ML_UNIT);
	free(s);
	assert_int_equal(readl("# EOF", &m, &s), 0);
	assert_int_equal(m.type, ST_ML_EOF);
	free(s);
	assert_int_equal(readl("#", &m, &s), 0);
	assert_int_equal(m.type, ST_ML_COMMENT);
	assert_time(m.mark, ST_TIME_NONE);
	free(s);
	assert_int_equal(readl("#!/bin/sh", &m, &s), ST_ENOMATCH);
	free(s);
}

/* Lines scrape loops write between scrapes, and look-alikes that are not. */
static void
test_markers(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int type;
		const char *mark; /* NULL: none */
	} cases[] = {
		{"# scraped at 2024-12-10T07:05:00Z", ST_ML_COMMENT, "2024-12-10T07:05:00Z"},
		{"# scrape 7 at Tue Dec 10 07:05:00 UTC 2024 (cron)", ST_ML_COMMENT, "2024-12-10T07:05:00Z"},
		{"# 2024-12-10T07:05:00+01:00", ST_ML_COMMENT, "2024-12-10T06:05:00Z"},
		{"# --- 1733814300 ---", ST_ML_COMMENT, "2024-12-10T07:05:00Z"},
		{"# Last successful apply: 2024-12-14T22:15:03Z", ST_ML_COMMENT, NULL},
		{"# ^ That's 2024-10-01T02:00:03Z - 24 hours ago", ST_ML_COMMENT, NULL},
		{"2024-12-10T07:05:00Z", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{"Tue Dec 10 07:05:00 UTC 2024", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{"Tue Dec  3 07:05:00 CET 2024", ST_ML_MARKER, "2024-12-03T06:05:00Z"},
		{"Tue, 10 Dec 2024 07:05:00 +0000", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{"1733814300", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{"--- 2024-12-10T07:05:00Z ---", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{"=== scrape at 2024-12-10 07:05:00 ===", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		{">>> node-1 Tue Dec 10 07:05:00 UTC 2024", ST_ML_MARKER, "2024-12-10T07:05:00Z"},
		/* not markers: a log line, words without decoration, no time */
		{"2024-12-10T07:05:00Z INFO started", -1, NULL},
		{"scraped 2024-12-10T07:05:00Z", -1, NULL},
		{"--- no time here ---", -1, NULL},
		{"Dec 10 07:05:00 host cron[1]: Tue Dec 10 07:05:00 UTC 2024", -1, NULL},
		{"1027", -1, NULL},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_metric_line m;
		char *s;
		int rc = readl(cases[i].line, &m, &s);
		free(s);
		if (cases[i].type < 0) {
			if (rc != ST_ENOMATCH)
				fail_msg("read, but must not be: %s", cases[i].line);
			continue;
		}
		if (rc != 0 || m.type != cases[i].type)
			fail_msg("not read as it should be (rc %d, type %d): %s", rc, m.type, cases[i].line);
		assert_time(m.mark, cases[i].mark ? T(cases[i].mark) : ST_TIME_NONE);
	}
}

static void
test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"metric{a=\"b\"}1", "{a=\"b\"} 1", "metric 1 2 3", "metric{a=b} 1", "metric{a=\"b\" 1",
		"metric{a=\"b\",,c=\"d\"} 1", "metric{\"a\"} 1", "metric", "metric ", "9m 1", "m{a=\"1\"} x",
		"m 1 -", "m 1 #x", " m 1", "m\t", "",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		struct st_metric_line m;
		char *s;
		int rc = readl(bad[i], &m, &s);
		free(s);
		if (rc != ST_ENOMATCH)
			fail_msg("read a line it must refuse: '%s'", bad[i]);
	}
}

static void
test_own_time(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int from;
		const char *t;
	} cases[] = {
		{"a 1 1395066363000", ST_DATED_SAMPLE, "2014-03-17T14:26:03Z"},   /* Prometheus: ms */
		{"a 1 1700215884.373", ST_DATED_SAMPLE, "2023-11-17T10:11:24.373Z"}, /* OpenMetrics: s */
		{"a 1 1520879607", ST_DATED_SAMPLE, "2018-03-12T18:33:27Z"},     /* OpenMetrics, whole s */
		{"a 1 1.520879607789e9", ST_DATED_SAMPLE, "2018-03-12T18:33:27.789Z"},
		{"a{date=\"2024-12-08\"} 1", ST_DATED_LABEL, "2024-12-08T00:00:00Z"},
		{"a{x=\"y\",time=\"2024-12-08T10:00:00+02:00\"} 1", ST_DATED_LABEL, "2024-12-08T08:00:00Z"},
		{"a{timestamp=\"1733814300\"} 1", ST_DATED_LABEL, "2024-12-10T07:05:00Z"},
		/* the sample's own time wins over its label */
		{"a{date=\"2024-12-08\"} 1 1395066363000", ST_DATED_SAMPLE, "2014-03-17T14:26:03Z"},
		/* none: no time, an unusable one, a label that is no time */
		{"a 1", -1, NULL},
		{"a 1 -1395066363000", -1, NULL},
		{"a 1 0", -1, NULL},
		{"a{date=\"yesterday\"} 1", -1, NULL},
		{"a{day=\"2024-12-08\"} 1", -1, NULL},
	};
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, T("2024-12-20T00:00:00Z"));
	for (size_t i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_metric_line m;
		char *s;
		assert_int_equal(readl(cases[i].line, &m, &s), 0);
		st_time t = ST_TIME_NONE;
		uint32_t label = UINT32_MAX;
		int from = st_metric_own_time(&tc, s, &m, &t, &label);
		if (from != cases[i].from)
			fail_msg("%s: dated by %d, want %d", cases[i].line, from, cases[i].from);
		if (from >= 0)
			assert_time(t, T(cases[i].t));
		if (from == ST_DATED_LABEL)
			assert_true(label < strlen(cases[i].line) && (s[label] == 'd' || s[label] == 't'));
		free(s);
	}
}

/* ---- through the ingest */

struct run {
	struct st_store *st;
	struct st_ingest ig;
};

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
ingest_text(struct run *r, const char *name, const char *text, size_t len, st_time ref)
{
	r->st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(r->st, name), 0);
	st_ingest_init(&r->ig, r->st, 0, NULL, ref);
	char *copy = st_xmalloc(len ? len : 1);
	memcpy(copy, text, len);
	assert_int_equal(st_ingest_feed(&r->ig, copy, len, true), len);
	free(copy);
}

/* The event whose text starts with prefix (the n-th such, from 0). */
static bool
find(struct st_store *st, const char *prefix, int nth, struct st_event *ev)
{
	for (uint32_t i = 0; i < st_store_count(st); i++) {
		st_store_get(st, i, ev);
		if (ev->len >= strlen(prefix) && memcmp(ev->text, prefix, strlen(prefix)) == 0 && nth-- == 0)
			return true;
	}
	return false;
}

static void
test_scrapes_appended(void **state)
{
	(void)state;
	/* what `while :; do echo "--- $(date -Is) ---"; curl -s .../metrics; done >> dump.prom`
	 * and friends leave: the samples before the first marker have only the mtime */
	static const char dump[] =
		"# HELP up Whether the target is up.\n"
		"# TYPE up gauge\n"
		"up 1\n"
		"\n"
		"--- 2024-12-10T07:05:00+00:00 ---\n"
		"# HELP up Whether the target is up.\n"
		"up 2\n"
		"http_requests_total{code=\"200\"} 7 1733814000000\n"
		"\n"
		"Tue Dec 10 07:05:15 UTC 2024\n"
		"up 3\n"
		"daily_total{date=\"2024-12-01\"} 9\n"
		"# scraped at 2024-12-10T07:05:30Z\n"
		"up 4\n"
		"# Last deploy: 2024-12-01T00:00:00Z\n"
		"up 5\n"
		"garbage that is no metric line\n";
	struct run r;
	ingest_text(&r, "dump.prom", dump, sizeof(dump) - 1, T("2024-12-11T00:00:00Z"));
	const struct st_ingest_stats *s = &r.ig.stats;
	assert_int_equal(s->blank, 2);
	assert_int_equal(s->continuation, 1); /* the garbage joins "up 5" */
	assert_int_equal(s->untimed, 0);
	struct st_event ev;
	static const struct {
		const char *prefix;
		const char *t;
		int kind;
	} want[] = {
		{"up 1", "2024-12-11T00:00:00Z", ST_KIND_METRIC}, /* the mtime: nothing earlier */
		{"# TYPE up", "2024-12-11T00:00:00Z", ST_KIND_LOG},
		{"--- 2024", "2024-12-10T07:05:00Z", ST_KIND_LOG},
		{"up 2", "2024-12-10T07:05:00Z", ST_KIND_METRIC},
		{"http_requests_total", "2024-12-10T07:00:00Z", ST_KIND_METRIC}, /* its own */
		{"Tue Dec 10", "2024-12-10T07:05:15Z", ST_KIND_LOG},
		{"up 3", "2024-12-10T07:05:15Z", ST_KIND_METRIC},
		{"daily_total", "2024-12-01T00:00:00Z", ST_KIND_METRIC}, /* its label */
		{"up 4", "2024-12-10T07:05:30Z", ST_KIND_METRIC},
		{"up 5", "2024-12-10T07:05:30Z", ST_KIND_METRIC}, /* not the deploy time */
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(want); i++) {
		if (!find(r.st, want[i].prefix, 0, &ev))
			fail_msg("no event %s", want[i].prefix);
		assert_time(ev.ts, T(want[i].t));
		assert_int_equal(ev.kind, want[i].kind);
		assert_string_equal(st_format_get(ev.format)->name, "prometheus");
	}
	tu_release(r.st);
}

/* ---- the corpus */

static const char *
corpus_dir(void)
{
	const char *env = getenv("STRATA_CORPUS");
	return env && *env ? env : STRATA_TEST_DATA "/../../../shared/corpus";
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct st_buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		st_buf_add(&b, tmp, n);
	fclose(f);
	*len = b.len;
	return b.p ? b.p : st_xstrdup("");
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus_file(const char *path, const char *name)
{
	size_t len = 0;
	char *text = slurp(path, &len);
	assert_non_null(text);
	size_t nonblank = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		if (e > i && !(e == i + 1 && text[i] == '\r'))
			nonblank++;
		i = e + 1;
	}
	struct run r;
	ingest_text(&r, name, text, len, T("2024-12-20T00:00:00Z"));
	const struct st_ingest_stats *s = &r.ig.stats;
	if (s->events != nonblank || s->continuation != 0 || s->untimed != 0 || s->truncated != 0)
		fail_msg("%s: %llu events of %zu non-blank lines, %llu continuation, %llu untimed", name,
		         (unsigned long long)s->events, nonblank, (unsigned long long)s->continuation,
		         (unsigned long long)s->untimed);
	int prom = st_format_find("prometheus");
	size_t samples = 0;
	for (uint32_t i = 0; i < st_store_count(r.st); i++) {
		struct st_event ev;
		st_store_get(r.st, i, &ev);
		if ((int)ev.format != prom)
			fail_msg("%s:%u: read as %s", name, ev.line, st_format_get(ev.format)->name);
		struct st_metric_line m;
		assert_int_equal(st_metric_read(NULL, ev.text, ev.len, &m), 0);
		bool is_sample = ev.text[0] != '#';
		if (is_sample != (ev.kind == ST_KIND_METRIC) || is_sample != (m.type == ST_ML_SAMPLE))
			fail_msg("%s:%u: kind %s: %.*s", name, ev.line, st_kind_name((enum st_kind)ev.kind),
			         (int)ev.len, ev.text);
		if (!is_sample)
			continue;
		samples++;
		double v = st_metric_value(ev.text + m.value, m.value_len);
		bool says_nan = m.value_len == 3 && (ev.text[m.value] | 0x20) == 'n';
		if (isnan(v) != says_nan || m.name_len == 0)
			fail_msg("%s:%u: value %.*s read as %g", name, ev.line, (int)m.value_len,
			         ev.text + m.value, v);
	}
	assert_true(samples > 0);
	/* the two files with sample timestamps: ms, then OpenMetrics seconds */
	struct st_event ev;
	if (strcmp(name, "node_exporter_client_side_timestamp.prom") == 0) {
		assert_true(find(r.st, "metric_with_custom_timestamp", 0, &ev));
		assert_time(ev.ts, 1441205977284LL * 1000);
		assert_true(find(r.st, "normal_metric", 0, &ev));
		assert_time(ev.ts, T("2024-12-20T00:00:00Z"));
	}
	if (strcmp(name, "promtool_dump-openmetrics-roundtrip-test.prom") == 0) {
		assert_true(find(r.st, "my_histogram_bucket", 0, &ev));
		assert_time(ev.ts, 1700215884373000LL);
	}
	if (strncmp(name, "node_exporter_e2e", 17) == 0)
		assert_true(s->lines >= 5000);
	tu_release(r.st);
	free(text);
}

static void
test_corpus(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/prometheus", corpus_dir());
	DIR *d = opendir(dir);
	if (d == NULL) {
		print_message("corpus not found (%s): skipped\n", dir);
		skip();
	}
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < ST_ARRAY_LEN(names))
		if (de->d_name[0] != '.')
			names[n++] = st_xstrdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		corpus_file(path, names[i]);
		free(names[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_directives_comments),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_own_time),
		cmocka_unit_test_teardown(test_scrapes_appended, tu_teardown),
		cmocka_unit_test_teardown(test_corpus, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
