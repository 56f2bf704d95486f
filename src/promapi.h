/*
 * promapi.h: answers of the Prometheus HTTP API (/api/v1/query_range,
 * /api/v1/query) turned into Prometheus text exposition lines (private to
 * the core).
 *
 *   {"status":"success","data":{"resultType":"matrix","result":[
 *     {"metric":{"__name__":"up","job":"node"},"values":[[1700000000,"1"]]}]}}
 * becomes
 *   up{job="node"} 1 1700000000000
 *
 * one line per sample, "name{labels} value time_ms", which the prometheus
 * format reads (the ingest is locked to it): each sample is a metric
 * event dated by its own time. Matrix (values), vector (value) and scalar
 * results are read; a series without a __name__ label (rate(...), sum by
 * ...) takes the name the caller gives (source-prom.c: the query made
 * into a name; "query_result" when the query is not known).
 *
 * The answer is a whole JSON document in memory (curl writes it on one
 * line, jq pretty-prints it: both read the same), at most
 * ST_PROMAPI_DOC_MAX bytes; several answers one after another (curl in a
 * loop appending to one file) are read in turn. Lines are handed to the caller in chunks of
 * about 1 MiB as they are made, so the samples before a malformed part
 * are kept; each series is checked whole before its samples go out.
 *
 * Ownership: the converter borrows the document; the chunks it hands out
 * are valid during the call only. A st_promapi_seen table owns its keys.
 */
#ifndef STRATA_PROMAPI_H
#define STRATA_PROMAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/util.h"

#define ST_PROMAPI_DOC_MAX (256u << 20) /* bytes of one answer */
#define ST_PROMAPI_SNIFF_MAX 4096       /* bytes looked at to recognise one */
#define ST_PROMAPI_UNNAMED "query_result"

enum st_promapi_sniff { ST_PROMAPI_NO, ST_PROMAPI_YES, ST_PROMAPI_MORE };

/*
 * Do the first n bytes of a source begin an API answer? An object whose
 * first member is "status" with "success" or "error" followed by one of
 * the answer's keys (data, warnings, infos, errorType, error), or whose
 * first member is "data" holding "resultType" or "result" (jq -S sorts
 * the keys). A JSON log line such as {"status":200,...} is not one.
 * MORE: the bytes end before that is decided and more may come (never
 * when eof, or past ST_PROMAPI_SNIFF_MAX bytes).
 */
enum st_promapi_sniff st_promapi_sniff(const char *p, size_t n, bool eof);

/* The newest sample time seen per series (for polling a range again and
 * again without repeating a sample). */
struct st_promapi_seen;
struct st_promapi_seen *st_promapi_seen_new(void);
void st_promapi_seen_free(struct st_promapi_seen *s);
size_t st_promapi_seen_count(const struct st_promapi_seen *s);

struct st_promapi_opts {
	const char *unnamed;          /* name of series without __name__; NULL: query_result */
	struct st_promapi_seen *seen; /* NULL, or drop samples at or before the
	                               * series' newest time seen (and update it) */
	/* complete lines, '\n'-ended, in chunks */
	void (*emit)(void *arg, const char *lines, size_t len);
	void *arg;
};

struct st_promapi_res {
	char type[8];          /* the resultType: matrix, vector, scalar; "" when not given */
	uint64_t series;       /* series read */
	uint64_t samples;      /* lines made */
	uint64_t repeated;     /* samples dropped as already seen */
	uint64_t histograms;   /* native histogram samples, skipped */
	unsigned warnings;     /* "warnings" the answer carries; the first in warning */
	char warning[256];
	bool api_error;        /* the answer says the query failed: msg says why */
	char msg[512];         /* the failure: what, and for malformed JSON where */
};

/*
 * Convert the answer doc[0..n). Returns 0, or ST_EINVAL with r->msg set:
 * the answer is an error (r->api_error; msg is "errorType: error"), or
 * it is malformed ("line 1, column 80 (byte 79): expected ',' or '}'
 * after an object member"), or it holds something other than samples (a
 * string result). The lines made before a malformed part were emitted.
 */
int st_promapi_convert(const char *doc, size_t n, const struct st_promapi_opts *o,
                       struct st_promapi_res *r);

/*
 * A metric name made of free text (a PromQL query): every run of
 * characters a name cannot hold becomes one '_', none at either end, and
 * a leading digit gets a '_' before it; at most 120 bytes.
 * "rate(http_requests_total[5m])" -> "rate_http_requests_total_5m".
 * Empty text gives ST_PROMAPI_UNNAMED. Appends to out (no NUL).
 */
void st_promapi_name(const char *text, size_t n, struct st_buf *out);

#endif
