/*
 * stats.c: `strata stats`, what strata found in each source.
 *
 * Per source: format, lines, events, the share of events with a time,
 * untimed events, continuation lines, truncated lines, first and last
 * time; then totals and the run's throughput (bytes and lines per second
 * over reading, parsing and ordering, and the store's memory per event).
 *
 * Metric sources (those with samples) also get a row in a second table,
 * from a pass of the series store (series.h) over the events: samples,
 * the series they make, the points in the longest (scrapes appended to
 * one dump make series over time), the timeline events their
 * *_timestamp_seconds samples give, and how the samples were dated
 * (metric.h). In JSON, a "metrics" object on those sources and on the
 * total. The pass is not in the throughput figures: they stay the
 * ingest's.
 *
 * Context files (context.h) show their dialect as FORMAT ("context:yaml"),
 * their lines as context lines (JSON "context"), and a row each in a
 * CONTEXT table (JSON "context":[...]): lines, entries indexed, dropped.
 */
#include <string.h>

#include "strata/context-cmd.h"
#include "strata/format.h"
#include "strata/output.h"
#include "strata/series.h"
#include "strata/util.h"

static const char *
format_name(int f)
{
	return f >= 0 && (size_t)f < st_format_count() ? st_format_get((size_t)f)->name : "none";
}

static double
pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void
json_time(struct st_buf *b, st_time t)
{
	if (t == ST_TIME_NONE) {
		st_buf_adds(b, "null");
		return;
	}
	char ts[32];
	st_format_time(t, 6, ts);
	st_buf_addf(b, "\"%s\"", ts);
}

static void
metrics_add(struct st_series_source *tot, const struct st_series_source *m)
{
	tot->samples += m->samples;
	tot->series += m->series;
	tot->longest = ST_MAX(tot->longest, m->longest);
	tot->derived += m->derived;
	for (int k = 0; k < ST_DATED_COUNT_; k++)
		tot->dated[k] += m->dated[k];
}

/* ,"metrics":{"samples":N,"series":N,"longest":N,"derived":N,"dated":{"sample":N,...}} */
static void
json_metrics(struct st_buf *b, const struct st_series_source *m)
{
	if (m == NULL || m->samples == 0)
		return;
	st_buf_addf(b,
	            ",\"metrics\":{\"samples\":%llu,\"series\":%llu,\"longest\":%llu,\"derived\":%llu,"
	            "\"dated\":{",
	            (unsigned long long)m->samples, (unsigned long long)m->series,
	            (unsigned long long)m->longest, (unsigned long long)m->derived);
	for (int k = 0; k < ST_DATED_COUNT_; k++)
		st_buf_addf(b, "%s\"%s\":%llu", k ? "," : "", st_metric_dated_name((enum st_metric_dated)k),
		            (unsigned long long)m->dated[k]);
	st_buf_adds(b, "}}");
}

/* "label 7, comment 3": how the samples were dated, the most used first */
static void
text_dated(struct st_buf *b, const struct st_series_source *m)
{
	bool done[ST_DATED_COUNT_] = {false};
	for (int round = 0; round < ST_DATED_COUNT_; round++) {
		int best = -1;
		for (int k = 0; k < ST_DATED_COUNT_; k++)
			if (!done[k] && m->dated[k] > 0 && (best < 0 || m->dated[k] > m->dated[best]))
				best = k;
		if (best < 0)
			break;
		done[best] = true;
		st_buf_addf(b, "%s%s %llu", round ? ", " : "", st_metric_dated_name((enum st_metric_dated)best),
		            (unsigned long long)m->dated[best]);
	}
}

static void
text_metrics(struct st_buf *b, const char *name, int w, const struct st_series_source *m)
{
	st_buf_addf(b, "%-*s  %10llu %8llu %8llu %8llu  ", w, name, (unsigned long long)m->samples,
	            (unsigned long long)m->series, (unsigned long long)m->longest,
	            (unsigned long long)m->derived);
	text_dated(b, m);
	st_buf_addc(b, '\n');
}

/* the FORMAT column: a context file's dialect (context-cmd.h), else the log format */
static const char *
source_format(const struct st_store *st, const struct st_source_info *si)
{
	const char *c = st_context_format(st, si->id);
	return c ? c : format_name(si->format);
}

static void
json_source(struct st_buf *b, const struct st_source_info *si, const struct st_ingest_stats *s,
            const char *format, const struct st_series_source *m)
{
	st_buf_adds(b, "{\"source\":\"");
	st_escape_json(b, si->path, strlen(si->path));
	st_buf_adds(b, "\"");
	if (si->error) {
		st_buf_adds(b, ",\"error\":\"");
		st_escape_json(b, si->error, strlen(si->error));
		st_buf_adds(b, "\"");
	} else if (format) {
		st_buf_addf(b, ",\"format\":\"%s\"", format);
	}
	st_buf_addf(b,
	            ",\"bytes\":%llu,\"lines\":%llu,\"blank\":%llu,\"events\":%llu,\"timed\":%llu,"
	            "\"timed_share\":%.4f,\"untimed\":%llu,\"continuation\":%llu,\"truncated\":%llu,"
	            "\"context\":%llu,\"first\":",
	            (unsigned long long)s->bytes, (unsigned long long)s->lines,
	            (unsigned long long)s->blank, (unsigned long long)s->events,
	            (unsigned long long)s->timed, pct(s->timed, s->events) / 100.0,
	            (unsigned long long)s->untimed, (unsigned long long)s->continuation,
	            (unsigned long long)s->truncated, (unsigned long long)s->context);
	json_time(b, s->first);
	st_buf_adds(b, ",\"last\":");
	json_time(b, s->last);
	json_metrics(b, m);
	st_buf_adds(b, "}");
}

static void
text_row(struct st_buf *b, const char *name, int w, const char *fmt, int fw,
         const struct st_ingest_stats *s)
{
	char first[32], last[32];
	st_format_time(s->first, 0, first);
	st_format_time(s->last, 0, last);
	st_buf_addf(b, "%-*s  %-*s %10llu %10llu %6.1f%% %8llu %8llu %6llu  %-20s  %s\n", w, name, fw, fmt,
	            (unsigned long long)s->lines, (unsigned long long)s->events,
	            pct(s->timed, s->events), (unsigned long long)s->untimed,
	            (unsigned long long)s->continuation, (unsigned long long)s->truncated, first, last);
}

int
st_stats(struct st_run *r, enum st_output output, FILE *out)
{
	struct st_buf b = {0};
	size_t n = st_sources_count(r->sources);
	struct st_ingest_stats tot = {0};
	tot.first = tot.last = ST_TIME_NONE;
	/* the metric samples, as series (no events appended: stats only counts) */
	struct st_series_set *series = st_series_new(0);
	st_series_update(series, r->store, 0);
	struct st_series_source mtot = {0};
	/* text rows name sources as print does: the shortest telling suffix */
	char **names = st_display_names(r->store);
	size_t nnames = st_store_nsources(r->store);
	int w = 6;
	for (size_t i = 0; i < nnames; i++)
		w = ST_MAX(w, (int)strlen(names[i]));
	w = ST_MIN(w, 48);
	int fw = 6; /* the FORMAT column fits the longest format name in use */
	for (size_t i = 0; i < n; i++) {
		struct st_source_info si;
		st_sources_info(r->sources, i, &si);
		fw = ST_MAX(fw, (int)strlen(source_format(r->store, &si)));
	}
	if (output == ST_OUT_JSON)
		st_buf_adds(&b, "{\"sources\":[");
	else
		st_buf_addf(&b, "%-*s  %-*s %10s %10s %7s %8s %8s %6s  %-20s  %s\n", w, "SOURCE", fw, "FORMAT",
		            "LINES", "EVENTS", "TIMED", "UNTIMED", "CONT", "TRUNC", "FIRST", "LAST");
	for (size_t i = 0; i < n; i++) {
		struct st_source_info si;
		st_sources_info(r->sources, i, &si);
		const struct st_ingest_stats *s = si.stats;
		struct st_series_source ms;
		st_series_source_stats(series, (unsigned)si.id, &ms);
		metrics_add(&mtot, &ms);
		if (output == ST_OUT_JSON) {
			if (i)
				st_buf_addc(&b, ',');
			json_source(&b, &si, s, source_format(r->store, &si), &ms);
		} else if (si.error && s->lines == 0) {
			st_buf_addf(&b, "%-*s  error: %s\n", w, names[si.id], si.error);
		} else {
			text_row(&b, names[si.id], w, source_format(r->store, &si), fw, s);
			if (si.error)
				st_buf_addf(&b, "%-*s  error: %s\n", w, "", si.error);
		}
		tot.bytes += s->bytes;
		tot.lines += s->lines;
		tot.blank += s->blank;
		tot.events += s->events;
		tot.timed += s->timed;
		tot.untimed += s->untimed;
		tot.continuation += s->continuation;
		tot.truncated += s->truncated;
		tot.context += s->context;
		if (s->first != ST_TIME_NONE && (tot.first == ST_TIME_NONE || s->first < tot.first))
			tot.first = s->first;
		if (s->last != ST_TIME_NONE && (tot.last == ST_TIME_NONE || s->last > tot.last))
			tot.last = s->last;
	}
	double secs = r->seconds > 1e-9 ? r->seconds : 1e-9;
	double mb = (double)tot.bytes / 1e6;
	struct st_store_mem mem;
	st_store_memory(r->store, &mem);
	size_t nev = st_store_count(r->store);
	double per_event = nev ? (double)mem.index / (double)nev : 0.0;
	if (output == ST_OUT_JSON) {
		st_buf_adds(&b, "],\"total\":");
		struct st_source_info all = {.path = "total", .format = -1};
		json_source(&b, &all, &tot, NULL, &mtot);
		st_buf_addf(&b,
		            ",\"failed\":%zu,\"seconds\":%.6f,\"mb_per_s\":%.1f,\"lines_per_s\":%.0f,"
		            "\"index_bytes\":%zu,\"index_bytes_per_event\":%.1f,\"index_bytes_reserved\":%zu,"
		            "\"arena_bytes\":%zu,\"mapped_bytes\":%zu",
		            st_sources_failed(r->sources), r->seconds, mb / secs,
		            (double)tot.lines / secs, mem.index, per_event, mem.index_reserved, mem.arena,
		            mem.mapped);
		st_context_stats(&b, r->store, output, names, w); /* ,"context":[...] */
		st_buf_adds(&b, "}\n");
	} else {
		text_row(&b, "total", w, "", fw, &tot);
		if (mtot.samples > 0) {
			st_buf_addf(&b, "\n%-*s  %10s %8s %8s %8s  %s\n", w, "METRICS", "SAMPLES", "SERIES",
			            "LONGEST", "DERIVED", "DATED BY");
			for (size_t i = 0; i < n; i++) {
				struct st_source_info si;
				st_sources_info(r->sources, i, &si);
				struct st_series_source ms;
				st_series_source_stats(series, (unsigned)si.id, &ms);
				if (ms.samples > 0)
					text_metrics(&b, names[si.id], w, &ms);
			}
		}
		st_context_stats(&b, r->store, output, names, w); /* the CONTEXT table */
		st_buf_addf(&b, "\n%zu source%s (%zu failed); read %.1f MB in %.3f s: %.1f MB/s, %.2f M lines/s\n"
		            "store: index %.1f MB (%.1f bytes/event; %.1f MB reserved), text %.1f MB copied + "
		            "%.1f MB mapped from files\n",
		            n, n == 1 ? "" : "s", st_sources_failed(r->sources), mb, r->seconds, mb / secs,
		            (double)tot.lines / secs / 1e6, (double)mem.index / 1e6, per_event,
		            (double)mem.index_reserved / 1e6, (double)mem.arena / 1e6,
		            (double)mem.mapped / 1e6);
	}
	st_display_names_free(names, nnames);
	st_series_free(series);
	int rc = 0;
	if (fwrite(b.p, 1, b.len, out) != b.len || fflush(out) != 0)
		rc = -1;
	st_buf_free(&b);
	return rc;
}
