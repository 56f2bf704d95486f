/*
 * test_series.c: the series store (src/series.c, series.h), built from
 * metric dumps read by the real ingest into a real store:
 *
 *   - one series per (source, name, canonical label set): label order does
 *     not split a series, a time label does not either, two sources do;
 *   - points in time order whatever order the dump wrote them in;
 *   - # TYPE: counters, histogram and summary parts, OpenMetrics families
 *     (_total, _created), untyped *_total; rates with counter resets;
 *   - incremental updates (a live run): only new events are read;
 *   - per-source counts of how samples were dated (stats);
 *   - *_timestamp_seconds: the timeline events, once per value, only with
 *     ST_SERIES_EVENTS, not read back as samples.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/series.h"
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

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
free_set(void *p)
{
	st_series_free(p);
}

#define REF "2024-12-11T00:00:00Z"

/* A store with one source per (name, text) pair, read by the ingest as
 * files are: their mtime REF. */
static struct st_store *
store_of(const char *const *srcs, size_t n)
{
	struct st_store *st = tu_keep(st_store_new(), free_store);
	for (size_t i = 0; i < n; i++) {
		int id = st_store_add_source(st, srcs[2 * i]);
		assert_true(id >= 0);
		struct st_ingest ig;
		st_ingest_init(&ig, st, (unsigned)id, NULL, T(REF));
		size_t len = strlen(srcs[2 * i + 1]);
		char *copy = st_xmalloc(len ? len : 1);
		memcpy(copy, srcs[2 * i + 1], len);
		assert_int_equal(st_ingest_feed(&ig, copy, len, true), len);
		free(copy);
	}
	return st;
}

/* Append more lines to a source (a live source growing). */
static void
grow(struct st_ingest *ig, const char *text)
{
	size_t len = strlen(text);
	char *copy = st_xmalloc(len);
	memcpy(copy, text, len);
	assert_int_equal(st_ingest_feed(ig, copy, len, false), len);
	free(copy);
}

static const struct st_series *
must_find(const struct st_series_set *set, unsigned src, const char *name, const char *labels)
{
	const struct st_series *s = st_series_find(set, src, name, labels);
	if (s == NULL)
		fail_msg("no series %u %s{%s}", src, name, labels);
	return s;
}

static void
test_identity(void **state)
{
	(void)state;
	const char *srcs[] = {
		"a.prom",
		"# scraped at 2024-12-10T07:05:00Z\n"
		"http_requests_total{method=\"get\",code=\"200\"} 10\n"
		"http_requests_total{method=\"get\",code=\"500\"} 1\n"
		"# scraped at 2024-12-10T07:05:15Z\n"
		/* the same series, its labels in another order, a trailing comma */
		"http_requests_total{code=\"200\", method=\"get\",} 25\n"
		"http_requests_total{code=\"500\",method=\"get\"} 1\n",
		"b.prom", /* another host's dump: other series */
		"http_requests_total{method=\"get\",code=\"200\"} 99\n",
	};
	struct st_store *st = store_of(srcs, 2);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	assert_int_equal(st_series_update(set, st, 0), st_store_count(st));
	assert_int_equal(st_series_count(set), 3);
	const struct st_series *s = must_find(set, 0, "http_requests_total", "code=\"200\",method=\"get\"");
	assert_int_equal(s->npoints, 2);
	assert_time(s->points[0].ts, T("2024-12-10T07:05:00Z"));
	assert_true(s->points[0].value == 10);
	assert_time(s->points[1].ts, T("2024-12-10T07:05:15Z"));
	assert_true(s->points[1].value == 25);
	/* the point's event is the sample */
	struct st_event ev;
	st_store_get(st, s->points[1].seq, &ev);
	assert_int_equal(ev.kind, ST_KIND_METRIC);
	assert_true(ev.len > 28 && memcmp(ev.text, "http_requests_total{code=\"200\"", 28) == 0);
	const struct st_series *b = must_find(set, 1, "http_requests_total", "code=\"200\",method=\"get\"");
	assert_ptr_not_equal(b, s);
	assert_int_equal(b->npoints, 1);
	assert_int_equal(b->source, 1);
	assert_null(st_series_find(set, 1, "http_requests_total", "code=\"500\",method=\"get\""));
	tu_release(set);
	tu_release(st);
}

static void
test_daily_series(void **state)
{
	(void)state;
	/* the seeds' dashboard dump: a date label makes a daily series, written
	 * out of order; the date is not part of the series' labels */
	const char *srcs[] = {
		"analytics.prom",
		"# scraped at 2024-12-10T07:05:00Z\n"
		"analytics_daily_revenue_usd{date=\"2024-12-05\"} 2791003\n"
		"analytics_daily_revenue_usd{date=\"2024-12-03\"} 2847291\n"
		"analytics_daily_revenue_usd{date=\"2024-12-04\"} 2913847\n"
		"analytics_daily_revenue_usd{date=\"2024-12-06\"} 3104582\n"
		"analytics_rollup_input_records{date=\"2024-12-08\",table=\"orders\"} 14293\n"
		"analytics_rollup_input_records{table=\"orders\",date=\"2024-12-07\"} 142918\n",
	};
	struct st_store *st = store_of(srcs, 1);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	st_series_update(set, st, 0);
	assert_int_equal(st_series_count(set), 2);
	const struct st_series *s = must_find(set, 0, "analytics_daily_revenue_usd", "");
	assert_int_equal(s->npoints, 4);
	static const char *const days[] = {"2024-12-03", "2024-12-04", "2024-12-05", "2024-12-06"};
	static const double vals[] = {2847291, 2913847, 2791003, 3104582};
	for (size_t i = 0; i < 4; i++) {
		assert_time(s->points[i].ts, T(days[i]));
		assert_true(s->points[i].value == vals[i]);
	}
	s = must_find(set, 0, "analytics_rollup_input_records", "table=\"orders\"");
	assert_int_equal(s->npoints, 2);
	assert_time(s->points[0].ts, T("2024-12-07"));
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.samples, 6);
	assert_int_equal(ss.series, 2);
	assert_int_equal(ss.dated[ST_DATED_LABEL], 6);
	tu_release(set);
	tu_release(st);
}

static void
test_types_and_rates(void **state)
{
	(void)state;
	const char *srcs[] = {
		"node.prom",
		"--- 2024-12-10T07:05:00Z ---\n"
		"# TYPE reqs_total counter\n"
		"reqs_total 10\n"
		"# TYPE lat_seconds histogram\n"
		"lat_seconds_bucket{le=\"0.1\"} 4\n"
		"lat_seconds_bucket{le=\"+Inf\"} 5\n"
		"lat_seconds_sum 0.3\n"
		"lat_seconds_count 5\n"
		"# TYPE gc_seconds summary\n"
		"gc_seconds{quantile=\"0.5\"} 0.001\n"
		"gc_seconds_sum 1.5\n"
		"gc_seconds_count 40\n"
		"# TYPE temp_celsius gauge\n"
		"temp_celsius 40\n"
		"# TYPE jobs counter\n"  /* OpenMetrics: the family, then _total and _created */
		"jobs_total 3\n"
		"jobs_created 1733800000\n"
		"# TYPE build info\n"
		"build_info{version=\"1.2\"} 1\n"
		"errors_total 2\n"      /* no # TYPE: the name says counter */
		"--- 2024-12-10T07:05:15Z ---\n"
		"reqs_total 25\n"
		"temp_celsius 38\n"
		"errors_total 2\n"
		"--- 2024-12-10T07:05:30Z ---\n"
		"reqs_total 3\n"        /* restarted: a reset */
		"temp_celsius NaN\n"
		"errors_total +Inf\n",
	};
	struct st_store *st = store_of(srcs, 1);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	st_series_update(set, st, 0);
	static const struct {
		const char *name, *labels;
		int type;
		bool cumulative;
	} want[] = {
		{"reqs_total", "", ST_MT_COUNTER, true},
		{"lat_seconds_bucket", "le=\"0.1\"", ST_MT_HISTOGRAM, true},
		{"lat_seconds_sum", "", ST_MT_HISTOGRAM, true},
		{"lat_seconds_count", "", ST_MT_HISTOGRAM, true},
		{"gc_seconds", "quantile=\"0.5\"", ST_MT_SUMMARY, false},
		{"gc_seconds_count", "", ST_MT_SUMMARY, true},
		{"temp_celsius", "", ST_MT_GAUGE, false},
		{"jobs_total", "", ST_MT_COUNTER, true},
		{"jobs_created", "", ST_MT_COUNTER, false},
		{"build_info", "version=\"1.2\"", ST_MT_INFO, false},
		{"errors_total", "", ST_MT_UNTYPED, true},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_series *s = must_find(set, 0, want[i].name, want[i].labels);
		if (s->type != want[i].type || s->cumulative != want[i].cumulative)
			fail_msg("%s: type %s cumulative %d, want %s %d", want[i].name,
			         st_metric_type_name((enum st_metric_type)s->type), s->cumulative,
			         st_metric_type_name((enum st_metric_type)want[i].type), want[i].cumulative);
	}
	const struct st_series *c = must_find(set, 0, "reqs_total", "");
	assert_int_equal(c->npoints, 3);
	double r;
	assert_false(st_series_rate(c, 0, &r));
	assert_true(st_series_rate(c, 1, &r));
	assert_true(fabs(r - 1.0) < 1e-12); /* (25 - 10) / 15 s */
	assert_true(st_series_rate(c, 2, &r));
	assert_true(fabs(r - 0.2) < 1e-12); /* reset: 3 since the restart, in 15 s */
	const struct st_series *g = must_find(set, 0, "temp_celsius", "");
	assert_false(st_series_rate(g, 1, &r)); /* a gauge has no rate */
	assert_true(isnan(g->points[2].value));
	const struct st_series *e = must_find(set, 0, "errors_total", "");
	assert_true(st_series_rate(e, 1, &r));
	assert_true(r == 0);
	assert_false(st_series_rate(e, 2, &r)); /* +Inf is no count */
	assert_true(isinf(e->points[2].value));
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.dated[ST_DATED_MARKER], ss.samples);
	tu_release(set);
	tu_release(st);
}

static void
test_same_time_points(void **state)
{
	(void)state;
	/* scrapes appended without any time: all at the mtime, none invented,
	 * kept in the order they were written */
	const char *srcs[] = {"x.prom", "up 1\n\nup 0\n\nup 1\n"};
	struct st_store *st = store_of(srcs, 1);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	st_series_update(set, st, 0);
	const struct st_series *s = must_find(set, 0, "up", "");
	assert_int_equal(s->npoints, 3);
	for (size_t i = 0; i < 3; i++)
		assert_time(s->points[i].ts, T(REF));
	assert_true(s->points[0].seq < s->points[1].seq && s->points[1].seq < s->points[2].seq);
	assert_true(s->points[1].value == 0);
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.dated[ST_DATED_MTIME], 3);
	tu_release(set);
	tu_release(st);
}

static void
test_dated_counts(void **state)
{
	(void)state;
	const char *srcs[] = {
		"m.prom",
		"a 1\n"                                    /* mtime */
		"b{date=\"2024-12-01\"} 1\n"               /* label */
		"c 1 1733814300000\n"                      /* sample */
		"# scraped at 2024-12-10T07:05:00Z\n"
		"a 2\n"                                    /* comment */
		"1733814315\n"
		"a 3\n"                                    /* marker */
		"c 2 1733814315000\n",                     /* sample */
		"http://127.0.0.1:9100/metrics", "a 1\n", /* the scrape's time */
		"-", "a 1\n",                             /* when it was read */
	};
	struct st_store *st = store_of(srcs, 3);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	st_series_update(set, st, 0);
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.samples, 6);
	assert_int_equal(ss.series, 3);
	assert_int_equal(ss.dated[ST_DATED_MTIME], 1);
	assert_int_equal(ss.dated[ST_DATED_LABEL], 1);
	assert_int_equal(ss.dated[ST_DATED_SAMPLE], 2);
	assert_int_equal(ss.dated[ST_DATED_COMMENT], 1);
	assert_int_equal(ss.dated[ST_DATED_MARKER], 1);
	st_series_source_stats(set, 1, &ss);
	assert_int_equal(ss.dated[ST_DATED_SCRAPE], 1);
	st_series_source_stats(set, 2, &ss);
	assert_int_equal(ss.dated[ST_DATED_READ], 1);
	st_series_source_stats(set, 9, &ss);
	assert_int_equal(ss.samples, 0);
	assert_string_equal(st_metric_dated_name(ST_DATED_COMMENT), "comment");
	tu_release(set);
	tu_release(st);
}

static void
test_incremental(void **state)
{
	(void)state;
	struct st_store *st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(st, "live.prom"), 0);
	struct st_ingest ig;
	st_ingest_init(&ig, st, 0, NULL, T(REF));
	st_ingest_lock(&ig, st_format_find("prometheus"));
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	grow(&ig, "# TYPE q_total counter\n# scraped at 2024-12-10T07:05:00Z\nq_total 1\n");
	uint32_t at = st_series_update(set, st, 0);
	assert_int_equal(at, 3);
	assert_int_equal(st_series_update(set, st, at), 3); /* nothing new: nothing read twice */
	assert_int_equal(st_series_update(set, st, 0), 3);  /* nor from an older point */
	const struct st_series *s = must_find(set, 0, "q_total", "");
	assert_int_equal(s->npoints, 1);
	/* the next scrape: what the earlier lines said (type, scrape time) holds */
	grow(&ig, "# scraped at 2024-12-10T07:05:10Z\nq_total 6\n");
	at = st_series_update(set, st, at);
	assert_int_equal(at, 5);
	s = must_find(set, 0, "q_total", "");
	assert_int_equal(s->npoints, 2);
	assert_true(s->cumulative);
	double r;
	assert_true(st_series_rate(s, 1, &r));
	assert_true(fabs(r - 0.5) < 1e-12);
	/* a late scrape: its point goes in time order */
	grow(&ig, "q_total 3 1733814305000\n");
	st_series_update(set, st, at);
	s = must_find(set, 0, "q_total", "");
	assert_int_equal(s->npoints, 3);
	assert_time(s->points[1].ts, T("2024-12-10T07:05:05Z"));
	assert_true(s->points[1].value == 3);
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.samples, 3);
	assert_int_equal(ss.series, 1);
	tu_release(set);
	tu_release(st);
}

/* The derived events of a store: texts and times, in store order. */
static size_t
derived_events(struct st_store *st, struct st_event *out, size_t max)
{
	size_t n = 0;
	for (uint32_t i = 0; i < st_store_count(st); i++) {
		struct st_event ev;
		st_store_get(st, i, &ev);
		if (ev.kind == ST_KIND_LOG && ev.level == ST_LVL_INFO && n < max)
			out[n++] = ev;
	}
	return n;
}

static void
test_timestamp_events(void **state)
{
	(void)state;
	const char *srcs[] = {
		"prod-batch-01.prom",
		"# scraped at 2024-10-02T10:00:00Z\n"
		"data_export_last_success_timestamp_seconds 1727746803\n"
		"backup_last_run_timestamp_seconds{job=\"db\"} 0\n"               /* never ran */
		"cert_expiration_timestamp_seconds{cn=\"api\"} 1.7409024e+09\n"
		"# scraped at 2024-10-02T10:00:15Z\n"
		"data_export_last_success_timestamp_seconds 1727746803\n"         /* the same */
		"backup_last_run_timestamp_seconds{job=\"db\"} 1727863215\n"      /* now it ran */
		"# scraped at 2024-10-03T10:00:00Z\n"
		"data_export_last_success_timestamp_seconds 1727834403.5\n",     /* a new success */
	};
	/* without ST_SERIES_EVENTS: counted, not appended */
	struct st_store *st = store_of(srcs, 1);
	size_t n0 = st_store_count(st);
	struct st_series_set *set = tu_keep(st_series_new(0), free_set);
	st_series_update(set, st, 0);
	assert_int_equal(st_store_count(st), n0);
	struct st_series_source ss;
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.derived, 4);
	tu_release(set);

	set = tu_keep(st_series_new(ST_SERIES_EVENTS), free_set);
	assert_int_equal(st_series_update(set, st, 0), n0);
	struct st_event ev[8];
	assert_int_equal(derived_events(st, ev, 8), 4);
	assert_int_equal(st_store_count(st), n0 + 4);
	static const struct {
		const char *t, *text;
		uint32_t line;
	} want[] = {
		{"2024-10-01T01:40:03Z",
		 "data_export last success (data_export_last_success_timestamp_seconds = 1727746803)", 2},
		{"2025-03-02T08:00:00Z",
		 "cert expiration (cert_expiration_timestamp_seconds{cn=\"api\"} = 1.7409024e+09)", 4},
		{"2024-10-02T10:00:15Z",
		 "backup last run (backup_last_run_timestamp_seconds{job=\"db\"} = 1727863215)", 7},
		{"2024-10-02T02:00:03.5Z",
		 "data_export last success (data_export_last_success_timestamp_seconds = 1727834403.5)", 9},
	};
	for (size_t i = 0; i < 4; i++) {
		assert_time(ev[i].ts, T(want[i].t));
		if (ev[i].len != strlen(want[i].text) || memcmp(ev[i].text, want[i].text, ev[i].len) != 0)
			fail_msg("derived text '%.*s', want '%s'", (int)ev[i].len, ev[i].text, want[i].text);
		assert_int_equal(ev[i].line, want[i].line);
		assert_int_equal(ev[i].source, 0);
		assert_string_equal(st_format_get(ev[i].format)->name, "prometheus");
	}
	/* again: the events appended are not read back as samples or lines */
	st_series_update(set, st, n0);
	assert_int_equal(st_store_count(st), n0 + 4);
	st_series_source_stats(set, 0, &ss);
	assert_int_equal(ss.samples, 6);
	assert_int_equal(ss.derived, 4);
	tu_release(set);
	tu_release(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_identity, tu_teardown),
		cmocka_unit_test_teardown(test_daily_series, tu_teardown),
		cmocka_unit_test_teardown(test_types_and_rates, tu_teardown),
		cmocka_unit_test_teardown(test_same_time_points, tu_teardown),
		cmocka_unit_test_teardown(test_dated_counts, tu_teardown),
		cmocka_unit_test_teardown(test_incremental, tu_teardown),
		cmocka_unit_test_teardown(test_timestamp_events, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
