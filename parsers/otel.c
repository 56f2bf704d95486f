/*
 * otel.c: OpenTelemetry logs in OTLP/JSON, one export request per line,
 * as the collector's file exporter writes them.
 *
 *   {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name",
 *     "value":{"stringValue":"payments"}}]},"scopeLogs":[{"scope":{...},
 *     "logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,
 *     "severityText":"INFO","body":{"stringValue":"charged"}}, ...]}]}]}
 *
 * One line holds a batch of records; it is one event here, at the time of
 * its first record: timeUnixNano, or observedTimeUnixNano when that is 0
 * or missing (both nanoseconds, as a string or a number). The level is
 * the first record's severityNumber (1-4 trace, 5-8 debug, 9-12 info,
 * 13-16 warn, 17-20 error, 21-24 fatal), else its severityText. A single
 * flattened record per line ({"timeUnixNano":...}) is read the same way.
 * The keys are found by search, not by walking the nesting: these lines
 * are long, and the names are OTLP's own. Fields: service (service.name),
 * host (host.name), scope, records (how many in the line), body (the
 * first record's string body).
 */
#include <string.h>

#include "common.h"

/* needle in s[0..n), or NULL (memmem is a GNU extension) */
static const char *
find(const char *s, size_t n, const char *needle, size_t k)
{
	for (const char *p = s; (size_t)(s + n - p) >= k; p++) {
		p = memchr(p, needle[0], (size_t)(s + n - p) - k + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, k) == 0)
			return p;
	}
	return NULL;
}

/* The value after "key": at or after from (within lim); NULL if none. */
static const char *
find_key(const char *s, size_t n, const char *key, size_t from, size_t *vlen, bool *str)
{
	size_t kl = strlen(key);
	for (size_t i = from; i + kl + 3 <= n; i++) {
		const char *p = memchr(s + i, '"', n - i);
		if (p == NULL)
			return NULL;
		i = (size_t)(p - s);
		if (i + kl + 3 > n)
			return NULL;
		if (memcmp(s + i + 1, key, kl) != 0 || s[i + kl + 1] != '"')
			continue;
		size_t j = skip_spaces(s, n, i + kl + 2);
		if (j >= n || s[j] != ':')
			continue;
		j = skip_spaces(s, n, j + 1);
		if (j >= n)
			return NULL;
		*str = s[j] == '"';
		size_t e = j + (*str ? 1 : 0);
		while (e < n && (*str ? s[e] != '"' : (s[e] != ',' && s[e] != '}' && s[e] != ' ')))
			e += *str && s[e] == '\\' ? 2 : 1;
		if (e > n)
			e = n;
		if (*str) {
			*vlen = e - j - 1;
			return s + j + 1;
		}
		*vlen = e - j;
		return s + j;
	}
	return NULL;
}

static bool
nanos(const char *v, size_t vl, st_time *t)
{
	if (vl == 0 || vl > 19)
		return false;
	uint64_t x = 0; /* 19 digits fit */
	for (size_t i = 0; i < vl; i++) {
		if (!is_digit(v[i]))
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*t = (st_time)(x / 1000);
	return x != 0;
}

/* A severityNumber: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20
 * error, 21-24 fatal. */
static uint8_t
level(const char *v, size_t vl, bool str)
{
	int num;
	if (v == NULL || str || st_digits(v, vl, 1, 2, &num) != vl || num < 1 || num > 24)
		return ST_LVL_NONE;
	static const uint8_t lv[] = {ST_LVL_TRACE, ST_LVL_DEBUG, ST_LVL_INFO,
	                             ST_LVL_WARN,  ST_LVL_ERROR, ST_LVL_FATAL};
	return lv[(num - 1) / 4];
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	(void)tc;
	size_t i = skip_spaces(s, n, 0);
	if (i + 16 > n || s[i] != '{')
		return ST_ENOMATCH;
	size_t j = skip_spaces(s, n, i + 1);
	size_t vl;
	bool str;
	const char *v;
	if (j + 14 <= n && memcmp(s + j, "\"resourceLogs\"", 14) == 0) {
		/* a batch: the first record's keys */
		const char *lr = find(s, n, "\"logRecords\"", 12);
		if (lr == NULL)
			return ST_ENOMATCH;
		size_t from = (size_t)(lr - s);
		v = find_key(s, n, "timeUnixNano", from, &vl, &str);
		if (v == NULL || !nanos(v, vl, &d->ts)) {
			v = find_key(s, n, "observedTimeUnixNano", from, &vl, &str);
			if (v == NULL || !nanos(v, vl, &d->ts))
				return ST_ENOMATCH;
		}
		v = find_key(s, n, "severityNumber", from, &vl, &str);
		d->level = level(v, vl, str);
		if (d->level == ST_LVL_NONE &&
		    (v = find_key(s, n, "severityText", from, &vl, &str)) != NULL && str)
			d->level = (uint8_t)st_level_from_word(v, vl);
	} else {
		/* one flat record: top-level keys only */
		v = st_json_top_value(s, n, "timeUnixNano", &vl, &str);
		if (v == NULL || !nanos(v, vl, &d->ts)) {
			v = st_json_top_value(s, n, "observedTimeUnixNano", &vl, &str);
			if (v == NULL || !nanos(v, vl, &d->ts))
				return ST_ENOMATCH;
		}
		v = st_json_top_value(s, n, "severityNumber", &vl, &str);
		d->level = level(v, vl, str);
		if (d->level == ST_LVL_NONE && (v = st_json_top_value(s, n, "severityText", &vl, &str)) &&
		    str)
			d->level = (uint8_t)st_level_from_word(v, vl);
	}
	if (d->ts < 315532800LL * ST_USEC)
		return ST_ENOMATCH;
	d->body = 0;
	d->kind = ST_KIND_LOG;
	return 0;
}

/* The stringValue of the attribute named name: {"key":"name","value":{"stringValue":"x"}} */
static void
attribute(const char *s, size_t n, const char *name, const char *field, struct st_fields *out)
{
	size_t nl = strlen(name);
	for (const char *p = s; (p = find(p, (size_t)(s + n - p), name, nl)) != NULL; p += nl) {
		size_t i = (size_t)(p - s);
		if (i < 1 || s[i - 1] != '"' || i + nl >= n || s[i + nl] != '"')
			continue;
		size_t vl;
		bool str;
		const char *v = find_key(s, n, "stringValue", i + nl, &vl, &str);
		if (v != NULL && str && (size_t)(v - s) < i + nl + 40)
			st_fields_add(out, field, strlen(field), v, vl);
		return;
	}
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	attribute(s, n, "service.name", "service", out);
	attribute(s, n, "host.name", "host", out);
	size_t vl;
	bool str;
	const char *sc = find(s, n, "\"scope\"", 7);
	if (sc != NULL) {
		const char *v = find_key(s, n, "name", (size_t)(sc - s) + 7, &vl, &str);
		const char *lr = find(s, n, "\"logRecords\"", 12);
		if (v != NULL && str && (lr == NULL || v < lr))
			ST_FIELD(out, "scope", v, vl);
	}
	unsigned records = 0;
	for (const char *p = s; (p = find(p, (size_t)(s + n - p), "\"timeUnixNano\"", 14)) != NULL;
	     p += 14)
		records++;
	if (records > 1) {
		/* values point into the line or at static text */
		static const char *const counts[] = {"2", "3", "4", "5", "6", "7", "8", "9", "10", "11"};
		const char *c = records <= 11 ? counts[records - 2] : "12+";
		st_fields_add(out, "records", 7, c, strlen(c));
	}
	const char *b = find(s, n, "\"body\"", 6);
	if (b != NULL) {
		const char *v = find_key(s, n, "stringValue", (size_t)(b - s) + 6, &vl, &str);
		if (v != NULL && str && v - b < 40)
			st_fields_add_json(out, "body", 4, v - 1, vl + 2);
	}
}

static const char *const samples[] = {
	"{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"payments\"}},{\"key\":\"host.name\",\"value\":{\"stringValue\":\"pay-7\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"com.example.pay\"},\"logRecords\":[{\"timeUnixNano\":\"1700000000000000000\",\"severityNumber\":13,\"severityText\":\"WARN\",\"body\":{\"stringValue\":\"card declined\"}},{\"timeUnixNano\":\"1700000001000000000\",\"severityNumber\":9,\"body\":{\"stringValue\":\"retrying\"}}]}]}]}",
	"{\"resourceLogs\":[{\"resource\":{\"attributes\":[]},\"scopeLogs\":[{\"scope\":{},\"logRecords\":[{\"timeUnixNano\":\"0\",\"observedTimeUnixNano\":\"1700000002500000000\",\"severityText\":\"ERROR\",\"body\":{\"stringValue\":\"no event time\"}}]}]}]}",
	"{\"timeUnixNano\":1700000003000000000,\"severityNumber\":21,\"body\":{\"stringValue\":\"one flat record\"}}",
	NULL,
};

static const char *const rejects[] = {
	"{\"resourceLogs\":[{\"resource\":{},\"scopeLogs\":[]}]}",
	"{\"resourceMetrics\":[{\"timeUnixNano\":\"1700000000000000000\"}]}",
	"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}",
	"{\"time\":\"2024-01-01T00:00:00Z\",\"msg\":\"plain json\"}",
	NULL,
};

const struct st_format st_format_otel = {
	.name = "otel",
	.title = "OpenTelemetry logs, OTLP/JSON (collector file exporter)",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
