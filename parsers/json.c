/*
 * json.c: JSON lines with a time field.
 *
 *   {"level":"warn","ts":"2024-12-15T03:22:14.000Z","msg":"leadership transferred"}
 *   {"@timestamp":"2024-01-01T00:00:00Z","log.level":"error","message":"..."}
 *   {"time":1727746803123,"level":30,"msg":"pino, epoch milliseconds"}
 *
 * The time is the first of time, ts, timestamp, @timestamp, t (then the
 * rarer @t, timeMillis, started_at, lastTimestamp, eventTime,
 * firstTimestamp, datetime, date) found at the top level and not null: an
 * RFC 3339 string or epoch s/ms/us/ns (string or number). Kubernetes
 * events (kubectl get events -o json | jq -c '.items[]') have
 * lastTimestamp, or only eventTime, the other null.
 * Levels from level, lvl, severity, log.level (then @l, loglevel,
 * log_level, levelname): words, or bunyan/pino numbers (10 trace ... 60
 * fatal); Docker's json-file lines have none, so theirs is the first level
 * word of "log"; a Kubernetes event's "type":"Warning" is warn. The
 * object is scanned, not built.
 */
#include <string.h>

#include "common.h"

/* in order of preference: a line with several takes the first listed
 * (each list is looked up in one pass over the line) */
static const char *const time_keys[] = {"time", "ts", "timestamp", "@timestamp", "t",
                                        "@t", "timeMillis", "started_at", "lastTimestamp",
                                        "eventTime", "firstTimestamp", "datetime", "date", NULL};
static const char *const level_keys[] = {"level", "lvl", "severity", "log.level", "@l",
                                         "loglevel", "log_level", "levelname", NULL};

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = skip_spaces(s, n, 0);
	if (i >= n || s[i] != '{')
		return ST_ENOMATCH;
	size_t vl;
	bool str;
	const char *v = st_json_top_first(s, n, time_keys, &vl, &str);
	if (v == NULL) {
		/* a Kubernetes object: when it was created */
		const char *m = st_json_top_value(s, n, "metadata", &vl, &str);
		if (m != NULL && !str && m[0] == '{')
			v = st_json_top_value(m, vl, "creationTimestamp", &vl, &str);
	}
	if (v == NULL || st_parse_time_value(tc, v, vl, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = ST_LVL_NONE;
	v = st_json_top_first(s, n, level_keys, &vl, &str);
	if (v != NULL) {
		if (str) {
			d->level = (uint8_t)st_level_from_word(v, vl);
		} else {
			int num;
			if (st_digits(v, vl, 2, 2, &num) == 2 && vl == 2) {
				static const uint8_t bunyan[] = {ST_LVL_TRACE, ST_LVL_DEBUG, ST_LVL_INFO,
				                                 ST_LVL_WARN, ST_LVL_ERROR, ST_LVL_FATAL};
				if (num >= 10 && num <= 60 && num % 10 == 0)
					d->level = bunyan[num / 10 - 1];
			}
		}
	}
	/* Docker's json-file log: {"log":"E0101 ...\n","stream":"stderr",...} */
	if (d->level == ST_LVL_NONE && (v = st_json_top_value(s, n, "log", &vl, &str)) != NULL && str)
		d->level = (uint8_t)st_level_scan(v, vl);
	/* a Kubernetes event: "type" is Normal or Warning */
	if (d->level == ST_LVL_NONE && (v = st_json_top_value(s, n, "type", &vl, &str)) != NULL &&
	    str && vl == 7 && memcmp(v, "Warning", 7) == 0)
		d->level = ST_LVL_WARN;
	d->body = 0;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	st_fields_json(s, n, out);
}

static const char *const samples[] = {
	"{\"level\":\"warn\",\"ts\":\"2024-12-15T03:22:14.000Z\",\"msg\":\"leadership transferred\",\"term\":46}",
	"{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"log.level\":\"error\",\"message\":\"ecs\"}",
	"{\"time\":1727746803123,\"level\":30,\"msg\":\"pino, epoch milliseconds\"}",
	"{\"nested\":{\"time\":\"not this one\"},\"timestamp\":\"2024-06-01 12:00:00.5+02:00\"}",
	"{\"ts\":1727746803.25,\"lvl\":\"ERR\",\"msg\":\"epoch seconds with fraction\"}",
	"{\"kind\":\"Pod\",\"metadata\":{\"creationTimestamp\":\"2024-09-12T14:30:01Z\",\"name\":\"web-0\"}}",
	NULL,
};

static const char *const rejects[] = {
	"{\"msg\":\"no time\"}",
	"{\"nested\":{\"time\":\"2024-01-01T00:00:00Z\"}}",
	"{\"spec\":{\"metadata\":{\"creationTimestamp\":\"2024-01-01T00:00:00Z\"}}}",
	"[\"2024-01-01T00:00:00Z\"]",
	"{\"time\":\"soon\"}",
	"{\"time\":42}",
	NULL,
};

const struct st_format st_format_json = {
	.name = "json",
	.title = "JSON lines or pretty-printed JSON with a time, ts, timestamp or @timestamp field",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
