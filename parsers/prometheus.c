/*
 * prometheus.c: metric dumps in the Prometheus text exposition format
 * (and OpenMetrics), as saved with `curl host:9100/metrics > dump.prom`.
 *
 *   # HELP redis_memory_used_bytes Total number of bytes allocated by Redis
 *   # TYPE redis_memory_used_bytes gauge
 *   redis_memory_used_bytes{instance="session-cache:6379"} 58720256
 *   http_requests_total{code="200"} 1027 1395066363000
 *   analytics_daily_revenue_usd{date="2024-12-08"} 287412
 *
 * Every line is an event; samples are of kind metric. When is a sample?
 *   1. its own timestamp (milliseconds; OpenMetrics' float seconds);
 *   2. else a time-valued label: date="2024-12-08", time=, timestamp=;
 *   3. else the time of the latest comment "# ... at <RFC 3339 time>"
 *      (a scrape marker: "# scraped at 2024-12-10T07:05:00Z"), kept per
 *      source in tc->anchor;
 *   4. else the file's modification time (tc->ref).
 * The fields say which (time_from: sample, label, comment, mtime), beside
 * the metric name, its labels and its value. Comment lines take the time of
 * rule 3 or 4. Parsing metric values into series is the metrics issue's
 * work; here a sample is an event on the timeline.
 */
#include <string.h>

#include "common.h"

enum time_from { FROM_SAMPLE, FROM_LABEL, FROM_COMMENT, FROM_MTIME };
static const char *const from_names[] = {"sample", "label", "comment", "mtime"};

static bool
name_start(char c)
{
	return is_alpha(c) || c == '_' || c == ':';
}

static bool
name_char(char c)
{
	return name_start(c) || is_digit(c);
}

/* The end of the metric name at s, or 0. */
static size_t
metric_name(const char *s, size_t n)
{
	if (n == 0 || !name_start(s[0]))
		return 0;
	size_t i = 1;
	while (i < n && name_char(s[i]))
		i++;
	return i;
}

/* One label `name="value"` at s[i]; sets the name and value spans and
 * returns the index after it, or 0. Values keep their escapes. */
static size_t
label(const char *s, size_t n, size_t i, size_t *ks, size_t *ke, size_t *vs, size_t *ve)
{
	*ks = i;
	if (i >= n || !name_start(s[i]))
		return 0;
	while (i < n && name_char(s[i]))
		i++;
	*ke = i;
	if (i + 1 >= n || s[i] != '=' || s[i + 1] != '"')
		return 0;
	i += 2;
	*vs = i;
	while (i < n && s[i] != '"') {
		if (s[i] == '\\')
			i++;
		i++;
	}
	if (i >= n)
		return 0;
	*ve = i;
	return i + 1;
}

/* A sample value: a float, NaN, +Inf, -Inf. Returns its length or 0. */
static size_t
value(const char *s, size_t n)
{
	static const char *const words[] = {"NaN", "+Inf", "-Inf", "Inf"};
	for (size_t w = 0; w < 4; w++) {
		size_t l = strlen(words[w]);
		if (n >= l && memcmp(s, words[w], l) == 0 && (n == l || s[l] == ' '))
			return l;
	}
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t digits = 0;
	while (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
	                 ((s[i] == '-' || s[i] == '+') && (s[i - 1] | 0x20) == 'e'))) {
		digits += is_digit(s[i]);
		i++;
	}
	return digits > 0 && (i == n || s[i] == ' ') ? i : 0;
}

/* The time of a "... at <RFC 3339>" comment, or ST_TIME_NONE. */
static st_time
comment_time(const struct st_timectx *tc, const char *s, size_t n)
{
	for (size_t i = 2; i + 3 + 19 <= n; i++) {
		if (s[i] != 'a' || s[i + 1] != 't' || s[i + 2] != ' ' || s[i - 1] != ' ')
			continue;
		struct st_civil c;
		size_t k = st_parse_iso(s + i + 3, n - i - 3, &c, false);
		st_time t;
		if (k > 0 && st_civil_resolve(tc, c, &t) == 0)
			return t;
	}
	return ST_TIME_NONE;
}

/* The time the lines without their own take: rule 3, else rule 4. */
static st_time
context_time(const struct st_timectx *tc, enum time_from *from)
{
	if (tc->anchor != NULL && *tc->anchor != ST_TIME_NONE) {
		*from = FROM_COMMENT;
		return *tc->anchor;
	}
	*from = FROM_MTIME;
	return tc->ref;
}

/*
 * Read a sample line: the end of the name, the braces of the labels (0
 * when none), the value's span and the timestamp's span (length 0 when
 * none). Returns 0 or ST_ENOMATCH.
 */
static int
sample(const char *s, size_t n, size_t *name_end, size_t *lbrace, size_t *rbrace, size_t *val,
       size_t *vlen, size_t *ts_at, size_t *ts_len)
{
	size_t i = metric_name(s, n);
	if (i == 0)
		return ST_ENOMATCH;
	*name_end = i;
	*lbrace = *rbrace = 0;
	if (i < n && s[i] == '{') {
		*lbrace = i++;
		while (i < n && s[i] != '}') {
			size_t ks, ke, vs, ve;
			if ((i = label(s, n, i, &ks, &ke, &vs, &ve)) == 0)
				return ST_ENOMATCH;
			if (i < n && s[i] == ',')
				i++;
		}
		if (i >= n)
			return ST_ENOMATCH;
		*rbrace = i++;
	}
	if (i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	size_t v = value(s + i, n - i);
	if (v == 0)
		return ST_ENOMATCH;
	*val = i;
	*vlen = v;
	i = skip_spaces(s, n, i + v);
	*ts_at = *ts_len = 0;
	if (i < n) {
		size_t t = i;
		while (i < n && (is_digit(s[i]) || s[i] == '.'))
			i++;
		if (i == t)
			return ST_ENOMATCH;
		/* nothing after it but an OpenMetrics exemplar: " # {...} 1" */
		size_t e = skip_spaces(s, n, i);
		if (e < n && s[e] != '#')
			return ST_ENOMATCH;
		*ts_at = t;
		*ts_len = i - t;
	}
	return 0;
}

/* A sample's own time: Prometheus writes milliseconds, OpenMetrics float
 * seconds; st_parse_time_value tells them apart by magnitude. */
static int
sample_time(const struct st_timectx *tc, const char *s, size_t n, st_time *t)
{
	return st_parse_time_value(tc, s, n, t);
}

/* Rule 2: a date=, time= or timestamp= label. */
static bool
label_time(const struct st_timectx *tc, const char *s, size_t lbrace, size_t rbrace, st_time *t)
{
	size_t i = lbrace + 1;
	while (i < rbrace) {
		size_t ks, ke, vs, ve;
		if ((i = label(s, rbrace, i, &ks, &ke, &vs, &ve)) == 0)
			return false;
		size_t kl = ke - ks;
		if ((kl == 4 && (memcmp(s + ks, "date", 4) == 0 || memcmp(s + ks, "time", 4) == 0)) ||
		    (kl == 9 && memcmp(s + ks, "timestamp", 9) == 0)) {
			struct st_civil c;
			size_t k = st_parse_iso(s + vs, ve - vs, &c, true);
			if (k == ve - vs && st_civil_resolve(tc, c, t) == 0)
				return true;
			if (st_parse_time_value(tc, s + vs, ve - vs, t) == 0)
				return true;
		}
		if (i < rbrace && s[i] == ',')
			i++;
	}
	return false;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	enum time_from from;
	d->level = ST_LVL_NONE;
	d->body = 0;
	if (n >= 1 && s[0] == '#') {
		/* # HELP, # TYPE, # UNIT, # EOF, or a comment */
		if (n >= 2 && s[1] != ' ')
			return ST_ENOMATCH;
		st_time t = comment_time(tc, s, n);
		if (t != ST_TIME_NONE && tc->anchor != NULL)
			*tc->anchor = t;
		d->ts = t != ST_TIME_NONE ? t : context_time(tc, &from);
		d->kind = ST_KIND_LOG;
		d->body = n >= 2 ? 2 : 1;
		return 0;
	}
	size_t name_end, lb, rb, val, vlen, ts_at, ts_len;
	if (sample(s, n, &name_end, &lb, &rb, &val, &vlen, &ts_at, &ts_len) < 0)
		return ST_ENOMATCH;
	if (!(ts_len > 0 && sample_time(tc, s + ts_at, ts_len, &d->ts) == 0) &&
	    !(lb > 0 && label_time(tc, s, lb, rb, &d->ts)))
		d->ts = context_time(tc, &from);
	d->kind = ST_KIND_METRIC;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	size_t name_end, lb, rb, val, vlen, ts_at, ts_len;
	if (n >= 1 && s[0] == '#') {
		if (n > 7 && (memcmp(s, "# HELP ", 7) == 0 || memcmp(s, "# TYPE ", 7) == 0 ||
		              memcmp(s, "# UNIT ", 7) == 0)) {
			size_t e = 7 + metric_name(s + 7, n - 7);
			ST_FIELD(out, "metric", s + 7, e - 7);
			ST_FIELD(out, "directive", s + 2, 4);
		}
		return;
	}
	if (sample(s, n, &name_end, &lb, &rb, &val, &vlen, &ts_at, &ts_len) < 0)
		return;
	ST_FIELD(out, "metric", s, name_end);
	ST_FIELD(out, "value", s + val, vlen);
	st_time t;
	enum time_from from = FROM_MTIME;
	if (ts_len > 0 && sample_time(&tc, s + ts_at, ts_len, &t) == 0)
		from = FROM_SAMPLE;
	else if (lb > 0 && label_time(&tc, s, lb, rb, &t))
		from = FROM_LABEL;
	else
		from = FROM_MTIME; /* or comment: only the ingest knows; see below */
	/* Whether a comment or the mtime dated the sample depends on the lines
	 * before it, which a single line cannot tell: say "context" then. */
	const char *fn = from == FROM_MTIME ? "context" : from_names[from];
	ST_FIELD(out, "time_from", fn, strlen(fn));
	size_t i = lb + 1;
	while (lb > 0 && i < rb) {
		size_t ks, ke, vs, ve;
		if ((i = label(s, rb, i, &ks, &ke, &vs, &ve)) == 0)
			break;
		st_fields_add(out, s + ks, ke - ks, s + vs, ve - vs);
		if (i < rb && s[i] == ',')
			i++;
	}
}

static const char *const samples[] = {
	"redis_memory_used_bytes{instance=\"session-cache:6379\",job=\"redis-exporter\"} 58720256",
	"http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000",
	"analytics_daily_revenue_usd{date=\"2024-12-08\"} 287412",
	"# HELP redis_connected_clients Number of client connections",
	"node_boot_time_seconds 1.418183276e+09",
	"db_query_duration_seconds{quantile=\"0.99\"} NaN",
	"go_gc_duration_seconds{quantile=\"1\",} +Inf 1700215884.373",
	NULL,
};

static const char *const rejects[] = {
	"2024-01-01T00:00:00Z INFO a log line",
	"metric{unterminated=\"x} 1",
	"metric value_is_not_a_number",
	"9metric 1",
	"#HELP glued comment",
	NULL,
};

const struct st_format st_format_prometheus = {
	.name = "prometheus",
	.title = "Prometheus / OpenMetrics text exposition (metric dumps) \"name{labels} value [ts]\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
