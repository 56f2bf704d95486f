/*
 * prometheus.c: metric dumps in the Prometheus text exposition format and
 * OpenMetrics, as saved with `curl host:9100/metrics > dump.prom`, or
 * several scrapes appended to one file by a loop:
 *
 *   # HELP redis_memory_used_bytes Total number of bytes allocated by Redis
 *   # TYPE redis_memory_used_bytes gauge
 *   redis_memory_used_bytes{instance="session-cache:6379"} 58720256
 *   http_requests_total{code="200"} 1027 1395066363000
 *   analytics_daily_revenue_usd{date="2024-12-08"} 287412
 *   foo_bucket{le="0.1"} 8 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.067
 *
 * Every line is an event; samples are of kind metric, the rest (# HELP,
 * # TYPE, # UNIT, # EOF, comments, scrape markers) of kind log. The line
 * reader (st_metric_read, metric.h) is shared with the series store and
 * the output, which read samples again from the event text.
 *
 * When is a sample?
 *   1. its own timestamp: a float is OpenMetrics' seconds, an integer
 *      Prometheus' milliseconds (or seconds when below 10^11, which no
 *      time in milliseconds is: OpenMetrics may write whole seconds);
 *   2. else a time-valued label: date="2024-12-08", time=, timestamp=
 *      (an RFC 3339 time, a date, or an epoch number);
 *   3. else the latest scrape time the source stated before it (kept per
 *      source in tc->anchor): a comment "# ... at <time>" or "# <time>",
 *      or a marker line between scrapes;
 *   4. else tc->ref: the file's modification time (for standard input and
 *      commands, when it was read; an http:// source sets the anchor at
 *      each scrape instead).
 * Rule 3 dates only the lines after the comment or marker, never those
 * before: no time is invented. Comment and marker lines are dated by the
 * time they state, other comment lines like the samples.
 *
 * Scrape markers. Loops that append scrapes to one file write the time
 * between them with echo and date(1); the lines they give are read as
 * markers when they are alone on their line, or after a run of decoration
 * (- = * > + ~) with words before the time:
 *   2024-12-10T07:05:00Z            date -u +%FT%TZ, date -Is
 *   Tue Dec 10 07:05:00 UTC 2024    date
 *   Tue, 10 Dec 2024 07:05:00 +0000 date -R
 *   1733814300                      date +%s
 *   --- 2024-12-10T07:05:00Z ---    echo "--- $(date -Is) ---"
 *   === scrape at Tue Dec 10 07:05:00 UTC 2024
 *   # 2024-12-10T07:05:00+00:00     echo "# $(date -Is)" (a comment)
 * A marker dates the scrape after it (the loop echoes, then curls). A
 * comment with other words and a time ("# Last apply: <time>") is not
 * one: only "at <time>" makes a comment a marker.
 *
 * Series and the events of *_timestamp_seconds samples are built after
 * the ingest, from the events (src/series.c): a parser sees one line.
 *
 * Cost: one pass over the line, no allocation; marker checks run only on
 * lines that are not samples. A dump of appended node_exporter scrapes
 * reads at about 750 MB/s.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "strata/metric.h"

/* Name bytes: 1 may start a name ([a-zA-Z_:]), 2 may follow (digits too). */
static const unsigned char name_bytes[256] = {
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
	['8'] = 2, ['9'] = 2, [':'] = 3, ['_'] = 3,
	['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3, ['G'] = 3, ['H'] = 3,
	['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3, ['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3,
	['Q'] = 3, ['R'] = 3, ['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
	['Y'] = 3, ['Z'] = 3,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3, ['g'] = 3, ['h'] = 3,
	['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3, ['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3,
	['q'] = 3, ['r'] = 3, ['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3, ['w'] = 3, ['x'] = 3,
	['y'] = 3, ['z'] = 3,
};

static bool
name_start(char c)
{
	return name_bytes[(unsigned char)c] & 1;
}

static bool
name_char(char c)
{
	return name_bytes[(unsigned char)c] != 0;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The end of the metric or label name at s[i], or i when none. */
static size_t
bare_name(const char *s, size_t n, size_t i)
{
	if (i >= n || !name_start(s[i]))
		return i;
	while (i < n && name_char(s[i]))
		i++;
	return i;
}

/* The index after the quoted string opening at s[i] ('"'), or 0. */
static size_t
quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		const char *q = memchr(s + i, '"', n - i);
		if (q == NULL)
			return 0;
		/* an escaped quote has an odd run of backslashes before it */
		size_t e = (size_t)(q - s), k = e;
		while (k > i && s[k - 1] == '\\')
			k--;
		if ((e - k) % 2 == 0)
			return e + 1;
		i = e;
	}
	return 0;
}

static bool
word_ci(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	if (n != l)
		return false;
	for (size_t i = 0; i < l; i++)
		if ((s[i] | 0x20) != w[i])
			return false;
	return true;
}

/* A value token at s: a float, or NaN / Inf / Infinity with a sign, in
 * any case (Go's ParseFloat, which Prometheus uses). Returns its length
 * (it must end at a blank, '#' or the end) or 0. */
static size_t
value_token(const char *s, size_t n)
{
	size_t e = 0;
	while (e < n && !blank(s[e]))
		e++;
	if (e == 0)
		return 0;
	size_t i = 0;
	if (s[0] == '+' || s[0] == '-')
		i++;
	if (word_ci(s + i, e - i, "inf") || word_ci(s + i, e - i, "infinity") ||
	    (i == 0 && word_ci(s, e, "nan")))
		return e;
	size_t digits = 0;
	while (i < e && is_digit(s[i])) {
		i++;
		digits++;
	}
	if (i < e && s[i] == '.')
		for (i++; i < e && is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i < e && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < e && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t ed = 0;
		while (i < e && is_digit(s[i])) {
			i++;
			ed++;
		}
		if (ed == 0)
			return 0;
	}
	return i == e ? e : 0;
}

/* ---- labels */

/* date, time, timestamp: the labels that may date a sample */
static bool
time_label(const char *k, size_t n)
{
	return (n == 4 && (memcmp(k, "date", 4) == 0 || memcmp(k, "time", 4) == 0)) ||
	       (n == 9 && memcmp(k, "timestamp", 9) == 0);
}

/*
 * One item of a label set at s[i]: `name="value"`, `"name"="value"`, or
 * a quoted metric name alone (*is_name). Blanks are allowed around '='.
 * Returns the index after it, or 0.
 */
static size_t
label_item(const char *s, size_t n, size_t i, struct st_metric_label *l, bool *is_name)
{
	*is_name = false;
	size_t ne;
	if (i < n && s[i] == '"') {
		if ((ne = quoted(s, n, i)) == 0)
			return 0;
		l->name = (uint32_t)i + 1;
		l->name_len = (uint32_t)(ne - i - 2);
		l->name_quoted = true;
	} else {
		ne = bare_name(s, n, i);
		if (ne == i)
			return 0;
		l->name = (uint32_t)i;
		l->name_len = (uint32_t)(ne - i);
		l->name_quoted = false;
	}
	size_t j = skip_spaces(s, n, ne);
	if (j >= n || s[j] != '=') {
		if (!l->name_quoted)
			return 0;
		*is_name = true; /* {"my.metric", ...} */
		l->value = l->value_len = 0;
		return ne;
	}
	j = skip_spaces(s, n, j + 1);
	if (j >= n || s[j] != '"')
		return 0;
	size_t ve = quoted(s, n, j);
	if (ve == 0)
		return 0;
	l->value = (uint32_t)j + 1;
	l->value_len = (uint32_t)(ve - j - 2);
	return ve;
}

/*
 * The label set opening at s[i] ('{'): fills m's braces, and its name when
 * the set holds a quoted metric name and m has none yet. Returns the index
 * after '}', or 0.
 */
static size_t
label_set(const char *s, size_t n, size_t i, struct st_metric_line *m)
{
	m->lbrace = (uint32_t)i;
	i++;
	bool first = true;
	for (;;) {
		i = skip_spaces(s, n, i);
		if (i >= n)
			return 0;
		if (s[i] == '}')
			break;
		struct st_metric_label l;
		bool is_name;
		size_t e = label_item(s, n, i, &l, &is_name);
		if (e == 0)
			return 0;
		if (is_name) {
			if (!first || m->name_len > 0)
				return 0;
			m->name = l.name;
			m->name_len = l.name_len;
			m->name_quoted = 1;
		} else if (l.name_len == 4 || l.name_len == 9) {
			m->time_label |= time_label(s + l.name, l.name_len);
		}
		first = false;
		i = skip_spaces(s, n, e);
		if (i < n && s[i] == ',')
			i++;
		else if (i >= n || s[i] != '}')
			return 0;
	}
	m->rbrace = (uint32_t)i;
	return i + 1;
}

bool
st_metric_label_next(const char *s, const struct st_metric_line *m, uint32_t *pos,
                     struct st_metric_label *l)
{
	if (m->type != ST_ML_SAMPLE || m->rbrace <= m->lbrace)
		return false;
	size_t n = m->rbrace, i = *pos > m->lbrace ? *pos : m->lbrace + 1u;
	for (;;) {
		i = skip_spaces(s, n, i);
		if (i < n && s[i] == ',')
			i = skip_spaces(s, n, i + 1);
		if (i >= n)
			return false;
		bool is_name;
		size_t e = label_item(s, n, i, l, &is_name);
		if (e == 0)
			return false; /* cannot happen on a line st_metric_read took */
		i = e;
		if (!is_name) {
			*pos = (uint32_t)i;
			return true;
		}
	}
}

/* ---- times */

/* A timestamp token: [+-]digits[.digits][e[+-]digits]; its length or 0. */
static size_t
ts_token(const char *s, size_t n, bool *is_float)
{
	size_t i = 0, digits = 0;
	*is_float = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && is_digit(s[i])) {
		i++;
		digits++;
	}
	if (i < n && s[i] == '.') {
		*is_float = true;
		for (i++; i < n && is_digit(s[i]); i++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*is_float = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t ed = 0;
		while (i < n && is_digit(s[i])) {
			i++;
			ed++;
		}
		if (ed == 0)
			return 0;
	}
	return i == n || blank(s[i]) ? i : 0;
}

#define YEAR_1980 (315532800LL * ST_USEC)
#define YEAR_10000 (253402300800LL * ST_USEC)

/* A sample's timestamp token as a time (see st_metric_own_time). */
static int
ts_time(const struct st_timectx *tc, const char *s, size_t n, st_time *t)
{
	bool is_float;
	if (n == 0 || ts_token(s, n, &is_float) != n || s[0] == '-' || s[0] == '+')
		return ST_ENOMATCH;
	bool expo = memchr(s, 'e', n) != NULL || memchr(s, 'E', n) != NULL;
	if (!is_float)
		return st_parse_time_value(tc, s, n, t); /* ms; seconds below 10^11 */
	if (!expo) {
		/* seconds with a fraction: exact to the microsecond */
		const char *dot = memchr(s, '.', n);
		if ((size_t)(dot - s) > 11)
			return ST_ENOMATCH; /* past year 5138 in seconds */
		return st_parse_time_value(tc, s, n, t);
	}
	char buf[64];
	if (n >= sizeof(buf))
		return ST_ENOMATCH;
	memcpy(buf, s, n);
	buf[n] = '\0';
	double v = strtod(buf, NULL);
	if (!(v * 1e6 >= (double)YEAR_1980 && v * 1e6 < (double)YEAR_10000))
		return ST_ENOMATCH;
	*t = (st_time)(v * 1e6 + 0.5);
	return 0;
}

int
st_metric_own_time(const struct st_timectx *tc, const char *s, const struct st_metric_line *m,
                   st_time *t, uint32_t *label)
{
	if (m->type != ST_ML_SAMPLE)
		return -1;
	if (m->ts_len > 0 && ts_time(tc, s + m->ts, m->ts_len, t) == 0)
		return ST_DATED_SAMPLE;
	uint32_t pos = 0;
	struct st_metric_label l;
	while (m->time_label && st_metric_label_next(s, m, &pos, &l)) {
		if (!time_label(s + l.name, l.name_len))
			continue;
		const char *v = s + l.value;
		struct st_civil c;
		size_t used = st_parse_iso(v, l.value_len, &c, true);
		if ((used == l.value_len && used > 0 && st_civil_resolve(tc, c, t) == 0) ||
		    st_parse_time_value(tc, v, l.value_len, t) == 0) {
			if (label != NULL)
				*label = l.name;
			return ST_DATED_LABEL;
		}
	}
	return -1;
}

/* A zone after a date(1) time: "UTC", "CEST", or an offset "+0000". */
static size_t
zone_word(const char *s, size_t n, struct st_civil *c)
{
	if (n >= 5 && (s[0] == '+' || s[0] == '-') && is_digit(s[1]) && is_digit(s[2]) &&
	    is_digit(s[3]) && is_digit(s[4])) {
		int off = ((s[1] - '0') * 10 + (s[2] - '0')) * 3600 + ((s[3] - '0') * 10 + (s[4] - '0')) * 60;
		c->has_off = true;
		c->off_sec = s[0] == '-' ? -off : off;
		return 5;
	}
	size_t j = 0;
	while (j < n && j < 6 && s[j] >= 'A' && s[j] <= 'Z')
		j++;
	int off;
	if (j >= 2 && (j == n || blank(s[j])) && st_zone_abbr(s, j, &off)) {
		c->has_off = true;
		c->off_sec = off;
		return j;
	}
	return 0;
}

/*
 * date(1)'s default output "Tue Dec 10 07:05:00 UTC 2024" (the zone may be
 * missing) and date -R's "Tue, 10 Dec 2024 07:05:00 +0000". Returns the
 * bytes used, or 0.
 */
static size_t
date_cmd_time(const char *s, size_t n, struct st_civil *c)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	if (n < 20)
		return 0;
	bool day = false;
	for (size_t k = 0; k < 21 && !day; k += 3)
		day = s[0] == days[k] && s[1] == days[k + 1] && s[2] == days[k + 2];
	if (!day)
		return 0;
	size_t i = 3;
	bool rfc = s[i] == ',';
	if (rfc)
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	i = skip_spaces(s, n, i);
	memset(c, 0, sizeof(*c));
	size_t k;
	int v;
	if (rfc) { /* 10 Dec 2024 07:05:00 +0000 */
		if ((k = st_digits(s + i, n - i, 1, 2, &c->day)) == 0)
			return 0;
		i = skip_spaces(s, n, i + k);
		if (n - i < 4 || (c->mon = st_month_abbr(s + i, 3)) == 0)
			return 0;
		i = skip_spaces(s, n, i + 3);
		if ((k = st_digits(s + i, n - i, 4, 4, &c->year)) == 0)
			return 0;
		i = skip_spaces(s, n, i + k);
		if ((k = st_parse_hms(s + i, n - i, c)) == 0)
			return 0;
		i += k;
		if (i < n && blank(s[i])) {
			size_t z = zone_word(s + i + 1, n - i - 1, c);
			if (z > 0)
				i += 1 + z;
		}
		return i;
	}
	/* Dec 10 07:05:00 UTC 2024 */
	if (n - i < 4 || (c->mon = st_month_abbr(s + i, 3)) == 0)
		return 0;
	i = skip_spaces(s, n, i + 3);
	if ((k = st_digits(s + i, n - i, 1, 2, &c->day)) == 0)
		return 0;
	i = skip_spaces(s, n, i + k);
	if ((k = st_parse_hms(s + i, n - i, c)) == 0)
		return 0;
	i += k;
	if (i >= n || !blank(s[i]))
		return 0;
	i++;
	size_t z = zone_word(s + i, n - i, c);
	if (z > 0) {
		i += z;
		if (i >= n || !blank(s[i]))
			return 0;
		i++;
	}
	if ((k = st_digits(s + i, n - i, 4, 4, &v)) == 0)
		return 0;
	c->year = v;
	return i + k;
}

/* A time at s as scrape loops write it: RFC 3339, date(1), date -R, or
 * epoch seconds. Returns the bytes used (0: none) and sets *t. */
static size_t
any_time(const struct st_timectx *tc, const char *s, size_t n, st_time *t)
{
	struct st_civil c;
	size_t k = st_parse_iso(s, n, &c, false);
	if (k == 0)
		k = date_cmd_time(s, n, &c);
	if (k > 0)
		return st_civil_resolve(tc, c, t) == 0 ? k : 0;
	/* epoch seconds, 9 or 10 digits, with an optional fraction */
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i < 9 || i > 10)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++)
			;
	return st_parse_time_value(tc, s, i, t) == 0 ? i : 0;
}

static bool
decoration(char c)
{
	return c == '-' || c == '=' || c == '*' || c == '>' || c == '<' || c == '+' || c == '~';
}

/*
 * A marker's text s[0..n) after its leading decoration: a time alone, or
 * (words_ok) words then a time that ends it, trailing decoration and
 * blanks aside. Returns the time or ST_TIME_NONE.
 */
static st_time
marker_body(const struct st_timectx *tc, const char *s, size_t n, bool words_ok)
{
	while (n > 0 && (blank(s[n - 1]) || decoration(s[n - 1])))
		n--;
	if (n == 0)
		return ST_TIME_NONE;
	st_time t;
	if (any_time(tc, s, n, &t) == n)
		return t;
	if (!words_ok)
		return ST_TIME_NONE;
	for (size_t i = 1; i < n; i++)
		if (blank(s[i - 1]) && !blank(s[i]) && any_time(tc, s + i, n - i, &t) == n - i)
			return t;
	return ST_TIME_NONE;
}

/* A non-comment line as a marker: its time, or ST_TIME_NONE. */
static st_time
marker_line(const struct st_timectx *tc, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && decoration(s[i]))
		i++;
	if (i == 0)
		return marker_body(tc, s, n, false);
	i = skip_spaces(s, n, i);
	return marker_body(tc, s + i, n - i, true);
}

/* The scrape time a comment states (text after "#"): "... at <time>", or
 * a time alone (decoration allowed); ST_TIME_NONE when none. */
static st_time
comment_mark(const struct st_timectx *tc, const char *s, size_t n)
{
	st_time t;
	for (size_t i = 1; i + 3 < n; i++) {
		if (s[i] == 'a' && s[i + 1] == 't' && blank(s[i + 2]) && blank(s[i - 1]) &&
		    any_time(tc, s + i + 3, n - i - 3, &t) > 0)
			return t;
	}
	size_t i = skip_spaces(s, n, 0);
	while (i < n && decoration(s[i]))
		i++;
	i = skip_spaces(s, n, i);
	return marker_body(tc, s + i, n - i, false);
}

/* ---- lines */

static const char *const type_names[ST_MT_COUNT_] = {
	"untyped", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset",
};

const char *
st_metric_type_name(enum st_metric_type t)
{
	return (unsigned)t < ST_MT_COUNT_ ? type_names[t] : "untyped";
}

static enum st_metric_type
type_from_word(const char *w, size_t n)
{
	for (unsigned t = 0; t < ST_MT_COUNT_; t++)
		if (strlen(type_names[t]) == n && memcmp(type_names[t], w, n) == 0)
			return (enum st_metric_type)t;
	return ST_MT_UNTYPED; /* "unknown", and types to come */
}

const char *
st_metric_dated_name(enum st_metric_dated d)
{
	static const char *const names[ST_DATED_COUNT_] = {
		"sample", "label", "comment", "marker", "scrape", "read", "mtime",
	};
	return (unsigned)d < ST_DATED_COUNT_ ? names[d] : "?";
}

/* "# HELP name text", "# TYPE name type", "# UNIT name unit", "# EOF". */
static bool
directive(const char *s, size_t n, struct st_metric_line *m)
{
	if (n >= 5 && memcmp(s, "# EOF", 5) == 0 && skip_spaces(s, n, 5) == n) {
		m->type = ST_ML_EOF;
		return true;
	}
	if (n < 8 || (memcmp(s, "# HELP", 6) != 0 && memcmp(s, "# TYPE", 6) != 0 &&
	              memcmp(s, "# UNIT", 6) != 0) || !blank(s[6]))
		return false;
	size_t i = skip_spaces(s, n, 7), e;
	if (i < n && s[i] == '"') {
		if ((e = quoted(s, n, i)) == 0)
			return false;
		m->name = (uint32_t)i + 1;
		m->name_len = (uint32_t)(e - i - 2);
		m->name_quoted = 1;
	} else {
		if ((e = bare_name(s, n, i)) == i)
			return false;
		m->name = (uint32_t)i;
		m->name_len = (uint32_t)(e - i);
	}
	if (e < n && !blank(s[e]))
		return false;
	size_t v = skip_spaces(s, n, e), ve = n;
	while (ve > v && blank(s[ve - 1]))
		ve--;
	m->value = (uint32_t)v;
	m->value_len = (uint32_t)(ve - v);
	m->type = s[2] == 'H' ? ST_ML_HELP : s[2] == 'T' ? ST_ML_TYPE : ST_ML_UNIT;
	if (m->type == ST_ML_TYPE) {
		size_t we = v;
		while (we < ve && !blank(s[we]))
			we++;
		m->mtype = (uint8_t)type_from_word(s + v, we - v);
	}
	return true;
}

static int
sample_line(const char *s, size_t n, struct st_metric_line *m)
{
	size_t i = bare_name(s, n, 0);
	m->name = 0;
	m->name_len = (uint32_t)i;
	size_t j = skip_spaces(s, n, i);
	if (j < n && s[j] == '{') {
		if ((i = label_set(s, n, j, m)) == 0)
			return ST_ENOMATCH;
	}
	if (m->name_len == 0)
		return ST_ENOMATCH;
	m->head_end = (uint32_t)i;
	if (i >= n || !blank(s[i]))
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	size_t v = value_token(s + i, n - i);
	if (v == 0)
		return ST_ENOMATCH;
	m->value = (uint32_t)i;
	m->value_len = (uint32_t)v;
	i = skip_spaces(s, n, i + v);
	if (i < n && s[i] != '#') {
		bool is_float;
		size_t t = ts_token(s + i, n - i, &is_float);
		if (t == 0)
			return ST_ENOMATCH;
		m->ts = (uint32_t)i;
		m->ts_len = (uint32_t)t;
		i = skip_spaces(s, n, i + t);
	}
	/* what may follow: an OpenMetrics exemplar, " # {labels} value [ts]" */
	if (i < n && (s[i] != '#' || i + 1 >= n || !blank(s[i + 1])))
		return ST_ENOMATCH;
	m->type = ST_ML_SAMPLE;
	return 0;
}

int
st_metric_read(const struct st_timectx *tc, const char *s, size_t n, struct st_metric_line *m)
{
	struct st_timectx utc;
	if (tc == NULL) {
		st_timectx_init(&utc, NULL, 0);
		tc = &utc;
	}
	memset(m, 0, sizeof(*m));
	m->mark = ST_TIME_NONE;
	if (n == 0)
		return ST_ENOMATCH;
	if (s[0] == '#') {
		/* "#" and a blank, or "#" alone: "#!/bin/sh" is no comment of ours */
		if (n >= 2 && !blank(s[1]))
			return ST_ENOMATCH;
		if (directive(s, n, m))
			return 0;
		m->type = ST_ML_COMMENT;
		m->mark = comment_mark(tc, s + 1, n - 1);
		return 0;
	}
	if (sample_line(s, n, m) == 0)
		return 0;
	memset(m, 0, sizeof(*m));
	m->mark = marker_line(tc, s, n);
	if (m->mark == ST_TIME_NONE)
		return ST_ENOMATCH;
	m->type = ST_ML_MARKER;
	return 0;
}

double
st_metric_value(const char *v, size_t n)
{
	char buf[128];
	if (n == 0 || n >= sizeof(buf) || value_token(v, n) != n)
		return strtod("nan", NULL);
	memcpy(buf, v, n);
	buf[n] = '\0';
	return strtod(buf, NULL); /* the C locale: strata never sets one */
}

void
st_metric_unescape(struct st_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '"' || s[i + 1] == 'n')) {
			st_buf_addc(b, s[i + 1] == 'n' ? '\n' : s[i + 1]);
			i++;
		} else {
			st_buf_addc(b, s[i]);
		}
	}
}

/* ---- the format */

/* The time of lines without their own: rule 3, else rule 4. */
static st_time
context_time(const struct st_timectx *tc)
{
	if (tc->anchor != NULL && *tc->anchor != ST_TIME_NONE)
		return *tc->anchor;
	return tc->ref;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_metric_line m;
	if (st_metric_read(tc, s, n, &m) < 0)
		return ST_ENOMATCH;
	d->level = ST_LVL_NONE;
	d->body = 0;
	if (m.type != ST_ML_SAMPLE) {
		if (m.mark != ST_TIME_NONE && tc->anchor != NULL)
			*tc->anchor = m.mark;
		d->ts = m.mark != ST_TIME_NONE ? m.mark : context_time(tc);
		d->kind = ST_KIND_LOG;
		if (m.type != ST_ML_MARKER)
			d->body = n >= 2 ? 2 : 1;
		return 0;
	}
	if (st_metric_own_time(tc, s, &m, &d->ts, NULL) < 0)
		d->ts = context_time(tc);
	d->kind = ST_KIND_METRIC;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	struct st_metric_line m;
	if (st_metric_read(&tc, s, n, &m) < 0)
		return;
	switch (m.type) {
	case ST_ML_HELP:
	case ST_ML_TYPE:
	case ST_ML_UNIT:
		ST_FIELD(out, "metric", s + m.name, m.name_len);
		ST_FIELD(out, "directive", s + 2, 4);
		if (m.type == ST_ML_TYPE)
			ST_FIELD(out, "type", s + m.value, m.value_len);
		else if (m.type == ST_ML_UNIT)
			ST_FIELD(out, "unit", s + m.value, m.value_len);
		return;
	case ST_ML_EOF:
		ST_FIELD(out, "directive", "EOF", 3);
		return;
	case ST_ML_SAMPLE:
		break;
	default:
		return;
	}
	ST_FIELD(out, "metric", s + m.name, m.name_len);
	ST_FIELD(out, "value", s + m.value, m.value_len);
	st_time t;
	int from = st_metric_own_time(&tc, s, &m, &t, NULL);
	/* whether a comment, a marker or the mtime dated the sample depends on
	 * the lines before it, which one line cannot tell: "context" */
	const char *fn = from < 0 ? "context" : st_metric_dated_name((enum st_metric_dated)from);
	ST_FIELD(out, "time_from", fn, strlen(fn));
	uint32_t pos = 0;
	struct st_metric_label l;
	while (st_metric_label_next(s, &m, &pos, &l))
		st_fields_add(out, s + l.name, l.name_len, s + l.value, l.value_len);
}

static const char *const samples[] = {
	"redis_memory_used_bytes{instance=\"session-cache:6379\",job=\"redis-exporter\"} 58720256",
	"http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000",
	"analytics_daily_revenue_usd{date=\"2024-12-08\"} 287412",
	"# HELP redis_connected_clients Number of client connections",
	"# TYPE http_request_duration_seconds histogram",
	"node_boot_time_seconds 1.418183276e+09",
	"db_query_duration_seconds{quantile=\"0.99\"} NaN",
	"go_gc_duration_seconds{quantile=\"1\",} +Inf 1700215884.373",
	"foo_bucket{le=\"0.1\"} 8 # {trace_id=\"KOO5S4vxi0o\"} 0.067 1520879607.789",
	"{\"my.dotted.metric\",\"service.name\"=\"api\"} 3",
	"# EOF",
	"--- 2024-12-10T07:05:00Z ---",
	NULL,
};

static const char *const rejects[] = {
	"2024-01-01T00:00:00Z INFO a log line",
	"metric{unterminated=\"x} 1",
	"metric value_is_not_a_number",
	"9metric 1",
	"#HELP glued comment",
	"metric 1 2 3",
	"metric{a=\"b\"}1",
	"{a=\"b\"} 1",
	"Dec 10 07:05:00 host prog[1]: Tue Dec 10 07:05:00 UTC 2024",
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
