/*
 * metric.h: one line of a Prometheus text exposition or OpenMetrics dump,
 * read (parsers/prometheus.c).
 *
 * The prometheus format reads these lines into events; the series store
 * (series.h) and the output (print.c) read the same lines again, from the
 * event text, to get a sample's name, labels and value. Nothing here
 * allocates or copies: a struct st_metric_line holds offsets into the line
 * it was read from, which stays the caller's.
 *
 * A line is one of:
 *   a sample     name{label="value",...} value [timestamp] [# exemplar]
 *                (also {"quoted.name",label="value"} value, Prometheus 3)
 *   a directive  # HELP name text, # TYPE name type, # UNIT name unit, # EOF
 *   a comment    # anything else ('#' alone, or '#' and a blank first)
 *   a marker     a line between concatenated scrapes that says when the
 *                next one was taken: a time alone (2024-12-10T07:05:00Z,
 *                `date` output, `date -R`, epoch seconds), decorated
 *                (--- 2024-12-10T07:05:00Z ---, === scrape at <time> ===)
 * Comments and markers may carry a scrape time (mark): the samples after
 * them without a time of their own are dated by it.
 */
#ifndef STRATA_METRIC_H
#define STRATA_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"
#include "strata/util.h"

enum st_metric_line_type {
	ST_ML_SAMPLE = 0,
	ST_ML_HELP,
	ST_ML_TYPE,
	ST_ML_UNIT,
	ST_ML_EOF,
	ST_ML_COMMENT,
	ST_ML_MARKER,
};

/* Metric families' types, as # TYPE names them. OpenMetrics' "unknown"
 * and Prometheus' "untyped" are one; a family without # TYPE is one too. */
enum st_metric_type {
	ST_MT_UNTYPED = 0,
	ST_MT_COUNTER,
	ST_MT_GAUGE,
	ST_MT_HISTOGRAM,
	ST_MT_GAUGEHISTOGRAM,
	ST_MT_SUMMARY,
	ST_MT_INFO,
	ST_MT_STATESET,
	ST_MT_COUNT_
};

/*
 * How a sample got its time, in the order they are tried: its own
 * timestamp; a date=, time= or timestamp= label; else the latest scrape
 * time the source stated, in a comment ("# scraped at <time>") or a marker
 * line; else a time from outside the data: the scrape of an http:// source,
 * when standard input or a command's output was read, or the file's
 * modification time.
 */
enum st_metric_dated {
	ST_DATED_SAMPLE = 0,
	ST_DATED_LABEL,
	ST_DATED_COMMENT,
	ST_DATED_MARKER,
	ST_DATED_SCRAPE,
	ST_DATED_READ,
	ST_DATED_MTIME,
	ST_DATED_COUNT_
};

struct st_metric_line {
	uint8_t type;         /* enum st_metric_line_type */
	uint8_t name_quoted;  /* the name was written in quotes (its escapes kept) */
	uint8_t mtype;        /* # TYPE: enum st_metric_type */
	uint8_t time_label;   /* samples: a date, time or timestamp label is there */
	/* samples and directives: the metric name, without its quotes */
	uint32_t name, name_len;
	/* samples: the label set between its braces (lbrace < rbrace; both 0
	 * when there are none), and the end of name and labels as written */
	uint32_t lbrace, rbrace, head_end;
	/* samples: the value; HELP, TYPE, UNIT: the text after the name */
	uint32_t value, value_len;
	/* samples: the timestamp (length 0 when none) */
	uint32_t ts, ts_len;
	/* comments and markers: the scrape time they state, or ST_TIME_NONE */
	st_time mark;
};

/* One label of a sample: offsets into the line; the value without its
 * quotes, its escapes (\" \\ \n) kept. */
struct st_metric_label {
	uint32_t name, name_len;
	uint32_t value, value_len;
	bool name_quoted;
};

/*
 * Read line s[0..n) (no NUL needed). tc settles the times of markers (NULL:
 * UTC). Returns 0 and fills *m, or ST_ENOMATCH when the line is none of the
 * above.
 */
int st_metric_read(const struct st_timectx *tc, const char *s, size_t n, struct st_metric_line *m);

/* The labels of sample m, in the order written: start with *pos = 0. */
bool st_metric_label_next(const char *s, const struct st_metric_line *m, uint32_t *pos,
                          struct st_metric_label *l);

/*
 * The sample's own time (ST_DATED_SAMPLE) or its time label's
 * (ST_DATED_LABEL, and *label set to the label's name offset); -1 when it
 * has neither. Timestamps: a float ("1520879607.789", OpenMetrics) is
 * seconds; an integer is milliseconds (Prometheus text) unless it is too
 * small to be a time in milliseconds (< 10^11: OpenMetrics seconds).
 */
int st_metric_own_time(const struct st_timectx *tc, const char *s, const struct st_metric_line *m,
                       st_time *t, uint32_t *label);

/* The value of a value token: a float, NaN, +Inf, -Inf (NAN when not one). */
double st_metric_value(const char *v, size_t n);

/* Append a label value (or a quoted name) with its escapes undone. */
void st_metric_unescape(struct st_buf *b, const char *s, size_t n);

const char *st_metric_type_name(enum st_metric_type t);
const char *st_metric_dated_name(enum st_metric_dated d);

#endif
