/*
 * promapi.c: Prometheus HTTP API answers to exposition lines (see
 * promapi.h), and the table of the newest time per series that lets a
 * polled range never repeat a sample.
 *
 * The answer is read in one pass with jsonscan.c, its top-level members
 * in any order (jq -S puts "data" before "status"). Each series object is
 * first stepped over whole, which checks its grammar and notes where its
 * "metric" and "values" (or "value") are, then read again from those
 * places: its name and labels once into the line prefix, then one line
 * per sample. So a series is checked before any of its lines go out, and
 * the members of a series may come in any order too.
 *
 * Lines: "name{label="value",...} value time_ms\n". Label values are
 * decoded from JSON and escaped as the exposition format wants (\\, \",
 * \n); names are kept to the characters the format reads (others become
 * '_'). The sample value is the answer's string as it is ("1", "0.25",
 * "NaN", "+Inf") once checked to be a number; the time, float seconds in
 * the answer, is converted to whole milliseconds from its digits, with no
 * floating point.
 *
 * Workload: up to 256 MiB once per saved file, or a poll's answer every
 * few seconds; per sample one append to a buffer and, when polling, one
 * comparison (the series' table slot is found once per series).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "promapi.h"

#define CHUNK (1u << 20)
#define NAME_MAX_BYTES 120
/* 9999-12-31T23:59:59.999Z in milliseconds: later times are refused */
#define MS_MAX INT64_C(253402300799999)

/* ---- recognising an answer */

static bool
ended(const struct st_js *j)
{
	return j->why != NULL && j->at == j->end;
}

enum st_promapi_sniff
st_promapi_sniff(const char *p, size_t n, bool eof)
{
	bool full = n >= ST_PROMAPI_SNIFF_MAX;
	if (full)
		n = ST_PROMAPI_SNIFF_MAX;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 BOM */
		p += 3;
		n -= 3;
	}
	struct st_js j;
	st_js_init(&j, p, n);
	struct st_js_span key, v;
	bool yes = false;
	if (st_js_object(&j) && st_js_member(&j, &key)) {
		if (st_js_eq(&key, "status")) {
			if (st_js_string(&j, &v) &&
			    (st_js_eq(&v, "success") || st_js_eq(&v, "error")) &&
			    st_js_member(&j, &key))
				yes = st_js_eq(&key, "data") || st_js_eq(&key, "warnings") ||
				      st_js_eq(&key, "infos") || st_js_eq(&key, "errorType") ||
				      st_js_eq(&key, "error");
		} else if (st_js_eq(&key, "data")) {
			if (st_js_object(&j) && st_js_member(&j, &key))
				yes = st_js_eq(&key, "resultType") || st_js_eq(&key, "result");
		}
	}
	if (yes)
		return ST_PROMAPI_YES;
	/* the bytes ran out before the answer was clear */
	if ((ended(&j) || (j.why == NULL && j.p == j.end)) && !eof && !full)
		return ST_PROMAPI_MORE;
	return ST_PROMAPI_NO;
}

/* ---- the newest time per series */

struct seen_slot {
	char *key; /* NULL: free */
	size_t len;
	uint64_t hash;
	int64_t last; /* milliseconds */
};

struct st_promapi_seen {
	struct seen_slot *v;
	size_t cap, n; /* cap a power of two, at most 1/2 full */
};

struct st_promapi_seen *
st_promapi_seen_new(void)
{
	struct st_promapi_seen *s = st_xcalloc(1, sizeof(*s));
	s->cap = 64;
	s->v = st_xcalloc(s->cap, sizeof(*s->v));
	return s;
}

void
st_promapi_seen_free(struct st_promapi_seen *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i].key);
	free(s->v);
	free(s);
}

size_t
st_promapi_seen_count(const struct st_promapi_seen *s)
{
	return s->n;
}

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static void
seen_grow(struct st_promapi_seen *s)
{
	size_t cap = s->cap * 2;
	struct seen_slot *v = st_xcalloc(cap, sizeof(*v));
	for (size_t i = 0; i < s->cap; i++) {
		if (s->v[i].key == NULL)
			continue;
		size_t k = s->v[i].hash & (cap - 1);
		while (v[k].key != NULL)
			k = (k + 1) & (cap - 1);
		v[k] = s->v[i];
	}
	free(s->v);
	s->v = v;
	s->cap = cap;
}

/* The slot of series key[0..n), added (with no time yet) when new. */
static int64_t *
seen_slot(struct st_promapi_seen *s, const char *key, size_t n)
{
	if (2 * (s->n + 1) > s->cap)
		seen_grow(s);
	uint64_t h = fnv1a(key, n);
	size_t k = h & (s->cap - 1);
	while (s->v[k].key != NULL) {
		if (s->v[k].hash == h && s->v[k].len == n && memcmp(s->v[k].key, key, n) == 0)
			return &s->v[k].last;
		k = (k + 1) & (s->cap - 1);
	}
	s->v[k].key = st_xstrndup(key, n);
	s->v[k].len = n;
	s->v[k].hash = h;
	s->v[k].last = INT64_MIN;
	s->n++;
	return &s->v[k].last;
}

/* ---- names */

static bool
name_char(unsigned char c, bool colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (colon && c == ':');
}

/* Append text as a name: characters outside [A-Za-z0-9_] (and ':' for
 * metric names) become '_', and a leading digit gets a '_' before it. */
static void
add_name(struct st_buf *b, const char *p, size_t n, bool colon)
{
	if (n > 0 && p[0] >= '0' && p[0] <= '9')
		st_buf_addc(b, '_');
	for (size_t i = 0; i < n; i++)
		st_buf_addc(b, name_char((unsigned char)p[i], colon) ? p[i] : '_');
}

void
st_promapi_name(const char *text, size_t n, struct st_buf *out)
{
	size_t start = out->len;
	bool gap = false;
	for (size_t i = 0; i < n && out->len - start < NAME_MAX_BYTES; i++) {
		if (!name_char((unsigned char)text[i], true)) {
			gap = true;
			continue;
		}
		if (gap && out->len > start)
			st_buf_addc(out, '_');
		gap = false;
		if (out->len == start && text[i] >= '0' && text[i] <= '9')
			st_buf_addc(out, '_');
		st_buf_addc(out, text[i]);
	}
	if (out->len == start)
		st_buf_adds(out, ST_PROMAPI_UNNAMED);
}

/* ---- the conversion */

struct conv {
	struct st_js j;
	const struct st_promapi_opts *o;
	struct st_promapi_res *r;
	struct st_buf out;    /* lines not emitted yet */
	struct st_buf prefix; /* the series' "name{labels}" */
	struct st_buf tmp;    /* a decoded string */
	bool string_result;
};

static void
flush(struct conv *c)
{
	if (c->out.len > 0 && c->o->emit != NULL)
		c->o->emit(c->o->arg, c->out.p, c->out.len);
	c->out.len = 0;
}

/* Fail at where (a place already read: the cursor moves back to it). */
static bool
fail_at(struct conv *c, const char *where, const char *why)
{
	c->j.p = where;
	return st_js_fail(&c->j, why);
}

/*
 * A time in seconds (a JSON number, or a string holding one, as some
 * Prometheus-compatible servers write it) as whole milliseconds, from its
 * digits: "1700000000.123" -> 1700000000123; "1.7e9" too. Rounded to the
 * nearest millisecond.
 */
static bool
time_ms(const char *p, size_t n, int64_t *ms)
{
	size_t i = 0;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		return false; /* before 1970, or not JSON */
	uint64_t mant = 0;
	int sig = 0, scale = 0, digits = 0;
	bool point = false;
	for (; i < n && ((p[i] >= '0' && p[i] <= '9') || (p[i] == '.' && !point)); i++) {
		if (p[i] == '.') {
			point = true;
			continue;
		}
		digits++;
		if (sig < 18) {
			if (mant > 0 || p[i] != '0')
				sig++;
			mant = mant * 10 + (uint64_t)(p[i] - '0');
			scale -= point;
		} else {
			scale += !point; /* a digit beyond what is kept */
		}
	}
	if (digits == 0)
		return false;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		bool neg = i < n && p[i] == '-';
		if (i < n && (p[i] == '-' || p[i] == '+'))
			i++;
		int e = 0;
		size_t e0 = i;
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			if (e < 1000)
				e = e * 10 + (p[i] - '0');
		if (i == e0)
			return false;
		scale += neg ? -e : e;
	}
	if (i != n)
		return false;
	int k = scale + 3; /* milliseconds = mant * 10^k */
	if (mant == 0) {
		*ms = 0;
		return true;
	}
	if (k >= 0) {
		for (; k > 0; k--) {
			if (mant > (uint64_t)MS_MAX / 10)
				return false;
			mant *= 10;
		}
	} else if (k < -19) {
		mant = 0;
	} else {
		uint64_t d = 1;
		for (; k < 0; k++)
			d *= 10;
		mant = mant / d + (mant % d >= d - d / 2); /* half up */
	}
	if (mant > (uint64_t)MS_MAX)
		return false;
	*ms = (int64_t)mant;
	return true;
}

/* A sample value as the exposition format reads it: a float, NaN, +Inf,
 * -Inf, Inf. */
static bool
value_ok(const char *p, size_t n)
{
	if ((n == 3 && (memcmp(p, "NaN", 3) == 0 || memcmp(p, "Inf", 3) == 0)) ||
	    (n == 4 && (memcmp(p, "+Inf", 4) == 0 || memcmp(p, "-Inf", 4) == 0)))
		return true;
	size_t i = 0, digits = 0;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '-' || p[i] == '+'))
			i++;
		size_t e0 = i;
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == e0)
			return false;
	}
	return i == n;
}

/* A number, or a string (which the caller checks); false: neither. */
static bool
number_or_string(struct st_js *j, struct st_js_span *s, const char *why)
{
	switch (st_js_peek(j)) {
	case ST_JS_NUMBER:
		return st_js_number(j, s);
	case ST_JS_STRING:
		return st_js_string(j, s);
	default:
		return st_js_fail(j, why);
	}
}

/* Read one [time, "value"] pair and add its line (unless seen: last is
 * the series' newest time, or NULL). */
static bool
sample(struct conv *c, int64_t *last)
{
	static const char pair[] = "a sample is not a [time, \"value\"] pair";
	struct st_js *j = &c->j;
	struct st_js_span t, v;
	st_js_peek(j);
	const char *at = j->p;
	if (!st_js_array(j))
		return false;
	if (!st_js_element(j))
		return fail_at(c, at, pair);
	st_js_peek(j);
	const char *tat = j->p;
	if (!number_or_string(j, &t, "a sample's time is not a number"))
		return false;
	int64_t ms;
	if (t.escaped || !time_ms(t.p, t.n, &ms))
		return fail_at(c, tat, "a sample's time is not seconds between 1970 and 9999");
	if (!st_js_element(j))
		return fail_at(c, at, pair);
	st_js_peek(j);
	const char *vat = j->p;
	if (!number_or_string(j, &v, "a sample's value is not a string"))
		return false;
	if (v.escaped || !value_ok(v.p, v.n))
		return fail_at(c, vat, "a sample's value is not a number");
	if (st_js_element(j))
		return fail_at(c, at, pair);
	if (j->why != NULL)
		return false;
	if (last != NULL) {
		if (ms <= *last) {
			c->r->repeated++;
			return true;
		}
		*last = ms;
	}
	st_buf_add(&c->out, c->prefix.p, c->prefix.len);
	st_buf_addc(&c->out, ' ');
	st_buf_add(&c->out, v.p, v.n);
	/* " ms\n", the digits by hand: printf was a tenth of the time */
	char d[24];
	size_t k = sizeof(d);
	d[--k] = '\n';
	uint64_t u = (uint64_t)ms;
	do
		d[--k] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	d[--k] = ' ';
	st_buf_add(&c->out, d + k, sizeof(d) - k);
	c->r->samples++;
	if (c->out.len >= CHUNK)
		flush(c);
	return true;
}

/* Exposition escaping of a label value: \\, \" and \n. */
static void
add_label_value(struct st_buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' || p[i] == '"')
			st_buf_addc(b, '\\');
		if (p[i] == '\n') {
			st_buf_add(b, "\\n", 2);
			continue;
		}
		st_buf_addc(b, p[i]);
	}
}

/* The series' prefix from its "metric" object at `at` (already checked),
 * or from the unnamed name when at is NULL. */
static bool
build_prefix(struct conv *c, const char *at)
{
	struct st_js *j = &c->j;
	struct st_buf *b = &c->prefix;
	b->len = 0;
	bool named = false;
	struct st_js_span key, val, nm = {0};
	if (at != NULL) {
		/* find __name__ first: it leads the line wherever it stands */
		j->p = at;
		st_js_object(j);
		while (st_js_member(j, &key)) {
			if (st_js_peek(j) != ST_JS_STRING)
				return st_js_fail(j, "a label value is not a string");
			if (!st_js_string(j, &val))
				return false;
			if (st_js_eq(&key, "__name__") && val.n > 0) {
				named = true;
				nm = val;
			}
		}
	}
	c->tmp.len = 0;
	if (named)
		st_js_unescape(&nm, &c->tmp);
	else
		st_buf_adds(&c->tmp, c->o->unnamed ? c->o->unnamed : ST_PROMAPI_UNNAMED);
	add_name(b, c->tmp.p, c->tmp.len, true);
	if (at == NULL)
		return true;
	size_t open = b->len;
	st_buf_addc(b, '{');
	j->p = at;
	st_js_object(j);
	while (st_js_member(j, &key)) {
		st_js_string(j, &val);
		if (st_js_eq(&key, "__name__") || key.n == 0)
			continue;
		if (b->len > open + 1)
			st_buf_addc(b, ',');
		c->tmp.len = 0;
		st_js_unescape(&key, &c->tmp);
		add_name(b, c->tmp.p, c->tmp.len, false);
		st_buf_add(b, "=\"", 2);
		c->tmp.len = 0;
		st_js_unescape(&val, &c->tmp);
		add_label_value(b, c->tmp.p, c->tmp.len);
		st_buf_addc(b, '"');
	}
	if (b->len == open + 1)
		b->len = open; /* no labels: no braces */
	else
		st_buf_addc(b, '}');
	return j->why == NULL;
}

/* One series object: {"metric":{...},"values":[[t,"v"],...]} or with
 * "value":[t,"v"]; native histograms ("histogram", "histograms") are
 * counted and skipped. */
static bool
series(struct conv *c)
{
	struct st_js *j = &c->j;
	struct st_js_span key;
	const char *metric = NULL, *values = NULL, *value = NULL;
	if (!st_js_object(j))
		return false;
	while (st_js_member(j, &key)) {
		st_js_peek(j);
		const char *at = j->p;
		if (st_js_eq(&key, "metric")) {
			if (st_js_peek(j) != ST_JS_OBJECT)
				return st_js_fail(j, "a series' \"metric\" is not an object");
			metric = at;
		} else if (st_js_eq(&key, "values")) {
			if (st_js_peek(j) != ST_JS_ARRAY)
				return st_js_fail(j, "a series' \"values\" is not an array");
			values = at;
		} else if (st_js_eq(&key, "value")) {
			value = at;
		} else if (st_js_eq(&key, "histograms") && st_js_peek(j) == ST_JS_ARRAY) {
			struct st_js k = *j;
			st_js_array(&k);
			while (st_js_element(&k) && st_js_skip(&k))
				c->r->histograms++;
		} else if (st_js_eq(&key, "histogram")) {
			c->r->histograms++;
		}
		if (!st_js_skip(j))
			return false;
	}
	if (j->why != NULL)
		return false;
	const char *after = j->p;
	c->r->series++;
	if (!build_prefix(c, metric))
		return false;
	int64_t *last = NULL;
	if (c->o->seen != NULL)
		last = seen_slot(c->o->seen, c->prefix.p, c->prefix.len);
	if (values != NULL) {
		j->p = values;
		st_js_array(j);
		while (st_js_element(j))
			if (!sample(c, last))
				return false;
	}
	if (value != NULL) {
		j->p = value;
		if (!sample(c, last))
			return false;
	}
	j->p = after;
	return j->why == NULL;
}

/* data.result: an array of series, or a scalar's [time, "value"]. */
static bool
result(struct conv *c)
{
	struct st_js *j = &c->j;
	if (st_js_peek(j) != ST_JS_ARRAY)
		return st_js_fail(j, "\"result\" is not an array");
	if (c->string_result)
		return st_js_fail(j, "the result is a string, not metric samples");
	/* a look at the first element, on a copy of the cursor */
	struct st_js k = *j;
	enum st_js_type first = ST_JS_END;
	if (st_js_array(&k) && st_js_element(&k))
		first = st_js_peek(&k);
	if (first == ST_JS_NUMBER || first == ST_JS_STRING) {
		/* a scalar result: the array is the sample */
		c->r->series++;
		build_prefix(c, NULL);
		return sample(c, NULL);
	}
	st_js_array(j);
	while (st_js_element(j)) {
		enum st_js_type t = st_js_peek(j);
		if (t == ST_JS_BAD || t == ST_JS_END)
			return st_js_skip(j); /* the grammar's own words */
		if (t != ST_JS_OBJECT)
			return st_js_fail(j, "a result element is not a series object");
		if (!series(c))
			return false;
	}
	return j->why == NULL;
}

static bool
data(struct conv *c)
{
	struct st_js *j = &c->j;
	struct st_js_span key, v;
	if (st_js_peek(j) != ST_JS_OBJECT)
		return st_js_fail(j, "\"data\" is not an object");
	st_js_object(j);
	bool any = false;
	while (st_js_member(j, &key)) {
		if (st_js_eq(&key, "resultType")) {
			if (!st_js_string(j, &v))
				return false;
			if (st_js_eq(&v, "string")) {
				c->string_result = true;
			} else if (!st_js_eq(&v, "matrix") && !st_js_eq(&v, "vector") &&
			           !st_js_eq(&v, "scalar")) {
				return fail_at(c, v.p - 1,
				               "an unknown resultType (matrix, vector or scalar)");
			}
			size_t n = ST_MIN(v.n, sizeof(c->r->type) - 1);
			memcpy(c->r->type, v.p, n);
			c->r->type[n] = '\0';
		} else if (st_js_eq(&key, "result")) {
			any = true;
			if (!result(c))
				return false;
		} else if (!st_js_skip(j)) {
			return false;
		}
	}
	if (j->why == NULL && !any)
		return st_js_fail(j, "no \"result\" in \"data\"");
	return j->why == NULL;
}

/* "errorType: error", from the strings at those spans (either may be
 * missing). */
static void
api_error(struct conv *c, const struct st_js_span *type, const struct st_js_span *err)
{
	struct st_buf *b = &c->tmp;
	b->len = 0;
	if (type != NULL)
		st_js_unescape(type, b);
	if (type != NULL && err != NULL)
		st_buf_add(b, ": ", 2);
	if (err != NULL)
		st_js_unescape(err, b);
	if (b->len == 0)
		st_buf_adds(b, "no error message");
	c->r->api_error = true;
	snprintf(c->r->msg, sizeof(c->r->msg), "%.*s", (int)ST_MIN(b->len, sizeof(c->r->msg) - 1),
	         b->p);
}

/* One answer (a top-level object): 0, or ST_EINVAL with r->msg set for
 * an error answer or one without data (a JSON fault stays in the cursor). */
static int
answer(struct conv *c, bool first)
{
	struct st_js *j = &c->j;
	struct st_promapi_res *r = c->r;
	struct st_js_span key, v, etype = {0}, err = {0};
	bool has_etype = false, has_err = false, has_data = false, failed = false,
	     has_status = false;
	c->string_result = false;
	if (st_js_peek(j) != ST_JS_OBJECT) {
		st_js_fail(j, first ? "not a Prometheus API answer (a JSON object)"
		                    : "text after the end of the answer (not another one)");
		return ST_EINVAL;
	}
	st_js_object(j);
	while (st_js_member(j, &key)) {
		if (st_js_eq(&key, "status")) {
			st_js_peek(j);
			const char *at = j->p;
			if (!st_js_string(j, &v))
				break;
			has_status = true;
			if (st_js_eq(&v, "error"))
				failed = true;
			else if (!st_js_eq(&v, "success"))
				fail_at(c, at, "\"status\" is neither \"success\" nor \"error\"");
		} else if (st_js_eq(&key, "data")) {
			has_data = true;
			data(c);
		} else if (st_js_eq(&key, "errorType") && st_js_peek(j) == ST_JS_STRING) {
			has_etype = st_js_string(j, &etype);
		} else if (st_js_eq(&key, "error") && st_js_peek(j) == ST_JS_STRING) {
			has_err = st_js_string(j, &err);
		} else if (st_js_eq(&key, "warnings") && st_js_peek(j) == ST_JS_ARRAY) {
			st_js_array(j);
			while (st_js_element(j)) {
				if (st_js_peek(j) == ST_JS_STRING && st_js_string(j, &v)) {
					if (r->warnings++ == 0) {
						c->tmp.len = 0;
						st_js_unescape(&v, &c->tmp);
						snprintf(r->warning, sizeof(r->warning), "%.*s",
						         (int)ST_MIN(c->tmp.len,
						                     sizeof(r->warning) - 1),
						         c->tmp.p);
					}
				} else if (!st_js_skip(j)) {
					break;
				}
			}
		} else {
			st_js_skip(j);
		}
	}
	if (j->why != NULL)
		return ST_EINVAL;
	if (failed) {
		api_error(c, has_etype ? &etype : NULL, has_err ? &err : NULL);
		return ST_EINVAL;
	}
	if (!has_data) {
		snprintf(r->msg, sizeof(r->msg), "%s",
		         has_status ? "the answer holds no \"data\""
		                    : "not a Prometheus API answer (no \"status\" or \"data\")");
		return ST_EINVAL;
	}
	return 0;
}

int
st_promapi_convert(const char *doc, size_t n, const struct st_promapi_opts *o,
                   struct st_promapi_res *r)
{
	memset(r, 0, sizeof(*r));
	struct conv c = {.o = o, .r = r};
	struct st_js *j = &c.j;
	if (n >= 3 && memcmp(doc, "\xef\xbb\xbf", 3) == 0) {
		doc += 3;
		n -= 3;
	}
	st_js_init(j, doc, n);
	/* answers one after another (curl in a loop >> saved.json) in turn */
	int rc = answer(&c, true);
	while (rc == 0 && st_js_peek(j) != ST_JS_END)
		rc = answer(&c, false);
	flush(&c);
	size_t line, col, off;
	const char *why = st_js_where(j, &line, &col, &off);
	if (why != NULL)
		snprintf(r->msg, sizeof(r->msg), "line %zu, column %zu (byte %zu): %s", line, col,
		         off, why);
	st_buf_free(&c.out);
	st_buf_free(&c.prefix);
	st_buf_free(&c.tmp);
	return rc;
}
