/*
 * series.h: metric samples as time series, built from the event store.
 *
 * A series is one (source, metric name, label set): the samples of one
 * exporter's metric over the scrapes of a dump, or of an http:// source
 * scraped again and again, as points (time, value, event). The label set
 * is canonical (sorted by name), so the same series from two scrapes
 * matches whatever order the exporter wrote its labels in; the label that
 * dated a sample (date="2024-12-08", see metric.h) is left out of it, so a
 * dump of daily values is one series of one point a day. Series of two
 * sources are two series even when name and labels agree: two dumps may
 * come from two hosts, and Prometheus' instance label is added by the
 * server, not written by the exporter.
 *
 * The set is built by a pass over the store's events (st_series_update),
 * incremental: a live run calls it again with the sequence number the
 * last call returned, and only the new events are read. Samples are read
 * again from the event text (metric.h), with what the lines before them
 * said: # TYPE (the family's type), and scrape comments and markers (how
 * the samples were dated, for stats).
 *
 * Counters: a series whose values only grow, but for resets (a counter,
 * the _bucket, _count and _sum of a histogram or summary, and without
 * # TYPE a name ending in _total), is `cumulative`; st_series_rate gives
 * its per-second rate between two points, a drop being a reset (the
 * increase is then the new value, as Prometheus' rate() counts it).
 *
 * Timeline events: with ST_SERIES_EVENTS, a sample of a metric named
 * *_timestamp_seconds whose value is a time (after 1980) also puts an
 * event on the timeline at that time, appended to the store after the
 * sample, with its source and line: kind log, level info, text
 * "data_export last success (data_export_last_success_timestamp_seconds =
 * 1727746803)". One per change of value in its series, so a job's last
 * success repeated by every scrape is one event. Kind log, not change: the
 * value reports that something happened (a job ran, a config was
 * reloaded, a certificate expires), which is evidence like a log line;
 * change is for what someone did to the system (a deploy, a config
 * edit), which the hints of the next issue rank as causes. Level info: the
 * sample does not say whether it is good or bad news. Only one set per
 * store may be given this flag; others count these events (derived)
 * without appending them. The event becomes its source's newest: in a
 * live run, a line no format reads right after it would join it as a
 * continuation line instead of the sample (dumps have no such lines).
 *
 * Ownership and cost: the set owns its series, their names and points;
 * pointers it returns stay valid until the next update or st_series_free.
 * Points are 24 bytes and their arrays grow by doubling: no allocation
 * per sample beyond that. A pass costs one st_store_get per event, and a
 * parse and a hash lookup per metric event. Points of a series are kept
 * in time order (then store order): scanning them is a plain array walk.
 */
#ifndef STRATA_SERIES_H
#define STRATA_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/metric.h"
#include "strata/stime.h"
#include "strata/store.h"

struct st_series_point {
	st_time ts;
	double value;  /* NaN, +Inf and -Inf as they were written */
	uint32_t seq;  /* the sample's event in the store */
};

struct st_series {
	const char *name;    /* NUL-terminated, as written (a quoted name without its quotes) */
	const char *labels;  /* canonical: `a="x",b="y"`, sorted by label name, values
	                      * with their escapes as written; "" when none */
	uint16_t source;     /* the store's source index */
	uint8_t type;        /* enum st_metric_type of its family (# TYPE) */
	bool cumulative;     /* only grows but for resets: st_series_rate applies */
	size_t npoints;
	struct st_series_point *points; /* in time order */
	/* the set's own bookkeeping */
	size_t cap;
	uint32_t name_len, labels_len;
	uint64_t hash;
	bool unsorted;
	double derived_value; /* the value of the last timeline event it gave */
};

/* Per source: what its metric samples were. */
struct st_series_source {
	uint64_t samples;                   /* metric events */
	uint64_t series;                    /* series they make */
	uint64_t longest;                   /* points in the longest of them */
	uint64_t dated[ST_DATED_COUNT_];    /* samples by how they were dated */
	uint64_t derived;                   /* timeline events of *_timestamp_seconds */
};

enum {
	ST_SERIES_EVENTS = 1 << 0, /* append the derived timeline events to the store */
};

struct st_series_set;

struct st_series_set *st_series_new(unsigned flags);
void st_series_free(struct st_series_set *set);

/*
 * Read the store's events from sequence number from_seq (normally what the
 * previous call returned; events read already are skipped) to its end.
 * Returns the store's event count before any event this call appended:
 * the from_seq of the next call.
 */
uint32_t st_series_update(struct st_series_set *set, struct st_store *st, uint32_t from_seq);
/* The same up to (not including) sequence number end: a slice of the work,
 * for a caller that must not stall (the viewer's hints). */
uint32_t st_series_update_to(struct st_series_set *set, struct st_store *st, uint32_t from_seq,
                             uint32_t end);

size_t st_series_count(const struct st_series_set *set);
/* Series i (0 <= i < count), in the order they first appeared. */
const struct st_series *st_series_at(const struct st_series_set *set, size_t i);
/* The series of source src with this name and canonical label set, or NULL. */
const struct st_series *st_series_find(const struct st_series_set *set, unsigned src,
                                       const char *name, const char *labels);

/*
 * The per-second rate of cumulative series s between points i-1 and i,
 * resets handled. False when it has none: i is 0, s is not cumulative,
 * the two points are at the same time, or a value is not a finite number.
 */
bool st_series_rate(const struct st_series *s, size_t i, double *per_sec);

/* What source src's samples were (zeros for a source without any). */
void st_series_source_stats(const struct st_series_set *set, unsigned src,
                            struct st_series_source *out);

#endif
