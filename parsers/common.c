/*
 * common.c: helpers shared by the parsers (see common.h).
 */
#include <string.h>

#include "common.h"

size_t
st_parse_hms(const char *s, size_t n, struct st_civil *c)
{
	if (n < 8 || s[2] != ':' || s[5] != ':')
		return 0;
	if (st_digits(s, 2, 2, 2, &c->hour) != 2 || st_digits(s + 3, 2, 2, 2, &c->min) != 2 ||
	    st_digits(s + 6, 2, 2, 2, &c->sec) != 2)
		return 0;
	size_t i = 8;
	c->usec = 0;
	if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
		i++;
		int v = 0, digits = 0;
		while (i < n && is_digit(s[i])) {
			if (digits < 6) {
				v = v * 10 + (s[i] - '0');
				digits++;
			}
			i++;
		}
		while (digits++ < 6)
			v *= 10;
		c->usec = v;
	}
	return i;
}

static enum st_level
word_at(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && is_alpha(s[j]))
		j++;
	if (j == i || (j < n && (is_digit(s[j]) || s[j] == '_')))
		return ST_LVL_NONE;
	return st_level_from_word(s + i, j - i);
}

/* The level word after key ("level=", "\"level\":") in the first 256 bytes.
 * Searches for the key's last byte ('=' or ':') and looks back, since
 * those are rare in messages and memchr is fast. */
static enum st_level
after_key(const char *s, size_t n, const char *key, size_t k)
{
	size_t lim = n < 256 ? n : 256;
	char last = key[k - 1];
	const char *p = s + k - 1;
	while (p < s + lim && (p = memchr(p, last, (size_t)(s + lim - p))) != NULL) {
		const char *start = p - (k - 1);
		if (memcmp(start, key, k) == 0 && (start == s || !is_alpha(start[-1]))) {
			size_t j = (size_t)(p - s) + 1;
			if (j < n && s[j] == '"')
				j++;
			return word_at(s, n, j);
		}
		p++;
	}
	return ST_LVL_NONE;
}

#define AFTER_KEY(s, n, key) after_key((s), (n), (key), sizeof(key) - 1)

enum st_level
st_level_scan(const char *s, size_t n)
{
	size_t i = skip_spaces(s, n, 0);
	if (i >= n)
		return ST_LVL_NONE;
	/* klog prefix: I1215 03:22:18 */
	if (i + 6 <= n && is_digit(s[i + 1]) && is_digit(s[i + 4]) && s[i + 5] == ' ') {
		switch (s[i]) {
		case 'I':
			return ST_LVL_INFO;
		case 'W':
			return ST_LVL_WARN;
		case 'E':
			return ST_LVL_ERROR;
		case 'F':
			return ST_LVL_FATAL;
		}
	}
	enum st_level l;
	if (s[i] == '{') {
		if ((l = AFTER_KEY(s + i, n - i, "\"level\":")) || (l = AFTER_KEY(s + i, n - i, "\"lvl\":")) ||
		    (l = AFTER_KEY(s + i, n - i, "\"severity\":")))
			return l;
		return ST_LVL_NONE;
	}
	if (s[i] == '[' || s[i] == '<' || s[i] == '(') {
		if ((l = word_at(s, n, i + 1)))
			return l;
	}
	if ((l = word_at(s, n, i)))
		return l;
	/* logfmt pairs: one pass over the '=' signs for level= and lvl= */
	size_t lim = n < 256 ? n : 256;
	for (const char *p = s + 3; p < s + lim && (p = memchr(p, '=', (size_t)(s + lim - p))); p++) {
		size_t k = (size_t)(p - s);
		size_t w = k >= 5 && memcmp(p - 5, "level", 5) == 0 ? 5 : memcmp(p - 3, "lvl", 3) == 0 ? 3 : 0;
		if (w && (k == w || !is_alpha(s[k - w - 1])))
			return word_at(s, n, k + 1 < n && s[k + 1] == '"' ? k + 2 : k + 1);
	}
	return ST_LVL_NONE;
}

int
st_finish_leading(const char *s, size_t n, size_t i, struct st_draft *d)
{
	if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != ':' && s[i] != '|' && s[i] != ']' &&
	    s[i] != ',')
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	if (i < n && (s[i] == ':' || s[i] == '|' || s[i] == ','))
		i = skip_spaces(s, n, i + 1);
	d->body = (uint32_t)i;
	d->level = (uint8_t)st_level_scan(s + i, n - i);
	d->kind = ST_KIND_LOG;
	return 0;
}

size_t
st_fields_syslog_tail(const char *s, size_t n, struct st_fields *out)
{
	size_t i = 0;
	while (i < n && s[i] != ' ')
		i++;
	size_t host_end = i;
	if (host_end == 0 || i >= n)
		return 0;
	size_t ps = ++i;
	while (i < n && s[i] != ' ' && s[i] != ':' && s[i] != '[')
		i++;
	size_t pe = i, pids = 0, pide = 0;
	if (i < n && s[i] == '[') {
		pids = i + 1;
		i = pids;
		while (i < n && is_digit(s[i]))
			i++;
		if (i >= n || s[i] != ']')
			return 0;
		pide = i++;
	}
	if (i >= n || s[i] != ':' || pe == ps)
		return 0;
	ST_FIELD(out, "host", s, host_end);
	ST_FIELD(out, "program", s + ps, pe - ps);
	if (pide > pids)
		ST_FIELD(out, "pid", s + pids, pide - pids);
	return skip_spaces(s, n, i + 1);
}

/* Skip one JSON value at s[i]; returns the index after it or n. */
static size_t
skip_value(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return n;
	if (s[i] == '"') {
		for (i++; i < n; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				return i + 1;
		}
		return n;
	}
	if (s[i] == '{' || s[i] == '[') {
		int depth = 0;
		for (; i < n; i++) {
			char c = s[i];
			if (c == '"') {
				i = skip_value(s, n, i) - 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
		}
		return n;
	}
	while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ' ')
		i++;
	return i;
}

const char *
st_json_top_value(const char *s, size_t n, const char *key, size_t *vlen, bool *is_string)
{
	size_t klen = strlen(key);
	size_t i = skip_spaces(s, n, 0);
	if (i >= n || s[i] != '{')
		return NULL;
	i++;
	while (i < n) {
		i = skip_spaces(s, n, i);
		if (i >= n || s[i] != '"')
			return NULL;
		size_t ks = i + 1;
		size_t ke = skip_value(s, n, i);
		if (ke >= n)
			return NULL;
		size_t kl = ke - 1 - ks;
		i = skip_spaces(s, n, ke);
		if (i >= n || s[i] != ':')
			return NULL;
		i = skip_spaces(s, n, i + 1);
		if (i >= n)
			return NULL;
		size_t ve = skip_value(s, n, i);
		if (kl == klen && memcmp(s + ks, key, klen) == 0) {
			*is_string = s[i] == '"';
			if (*is_string) {
				if (ve < i + 2 || s[ve - 1] != '"')
					return NULL; /* an unterminated string */
				*vlen = ve - i - 2;
				return s + i + 1;
			}
			*vlen = ve - i;
			return s + i;
		}
		i = skip_spaces(s, n, ve);
		if (i < n && s[i] == ',')
			i++;
		else
			return NULL;
	}
	return NULL;
}

void
st_fields_json(const char *s, size_t n, struct st_fields *out)
{
	size_t i = skip_spaces(s, n, 0);
	if (i >= n || s[i] != '{')
		return;
	i++;
	while (i < n) {
		i = skip_spaces(s, n, i);
		if (i >= n || s[i] != '"')
			return;
		size_t ks = i + 1, ke = skip_value(s, n, i);
		if (ke >= n || ke < ks + 1)
			return;
		i = skip_spaces(s, n, ke);
		if (i >= n || s[i] != ':')
			return;
		i = skip_spaces(s, n, i + 1);
		if (i >= n)
			return;
		size_t ve = skip_value(s, n, i);
		st_fields_add_json(out, s + ks, ke - 1 - ks, s + i, ve - i);
		i = skip_spaces(s, n, ve);
		if (i >= n || s[i] != ',')
			return;
		i++;
	}
}

void
st_fields_logfmt(const char *s, size_t n, struct st_fields *out)
{
	size_t i = 0;
	while (i < n) {
		i = skip_spaces(s, n, i);
		size_t ks = i;
		while (i < n && s[i] != '=' && s[i] != ' ' && s[i] != '"')
			i++;
		if (i >= n || s[i] != '=' || i == ks) {
			while (i < n && s[i] != ' ')
				i++;
			continue;
		}
		size_t kl = i - ks, vs = ++i;
		if (i < n && s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (i < n)
				i++;
			if (i > n)
				i = n;
			st_fields_add_json(out, s + ks, kl, s + vs, i - vs);
		} else {
			while (i < n && s[i] != ' ')
				i++;
			st_fields_add(out, s + ks, kl, s + vs, i - vs);
		}
	}
}

int
st_parse_time_value(const struct st_timectx *tc, const char *v, size_t n, st_time *t)
{
	struct st_civil c;
	size_t k = st_parse_iso(v, n, &c, false);
	if (k > 0 && k == n)
		return st_civil_resolve(tc, c, t);
	/* an epoch number: integer part, optional fraction */
	size_t i = 0;
	int64_t ip = 0;
	int digits = 0;
	while (i < n && is_digit(v[i]) && digits < 19) {
		int dg = v[i] - '0';
		if (ip > (INT64_MAX - dg) / 10)
			return ST_ENOMATCH; /* past 2^63: no time */
		ip = ip * 10 + dg;
		i++;
		digits++;
	}
	if (digits == 0)
		return ST_ENOMATCH;
	int64_t frac_us = 0;
	if (i < n && v[i] == '.') {
		int64_t scale = 100000;
		for (i++; i < n && is_digit(v[i]); i++) {
			frac_us += (v[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i != n)
		return ST_ENOMATCH;
	/* seconds up to year 5138, then ms, us, ns */
	if (ip < 100000000000LL)
		*t = ip * ST_USEC + frac_us;
	else if (ip < 100000000000000LL)
		*t = ip * 1000 + frac_us / 1000;
	else if (ip < 100000000000000000LL)
		*t = ip;
	else
		*t = ip / 1000;
	/* refuse tiny numbers that are counters, not times (before 1980) */
	if (*t < 315532800LL * ST_USEC)
		return ST_ENOMATCH;
	return 0;
}
