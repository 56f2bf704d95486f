/*
 * common.c: helpers shared by the parsers (see common.h).
 */
#include <stdint.h>
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

const char *
st_json_top_first(const char *s, size_t n, const char *const *keys, size_t *vlen,
                  bool *is_string)
{
	size_t i = skip_spaces(s, n, 0);
	if (i >= n || s[i] != '{')
		return NULL;
	size_t best = SIZE_MAX, bv = 0, bve = 0; /* the earliest-listed key found */
	i++;
	while (i < n && best > 0) {
		i = skip_spaces(s, n, i);
		if (i >= n || s[i] != '"')
			break;
		size_t ks = i + 1;
		size_t ke = skip_value(s, n, i);
		if (ke >= n)
			break;
		size_t kl = ke - 1 - ks;
		i = skip_spaces(s, n, ke);
		if (i >= n || s[i] != ':')
			break;
		i = skip_spaces(s, n, i + 1);
		if (i >= n)
			break;
		size_t ve = skip_value(s, n, i);
		/* a null value is no value: a later-listed key's may be */
		bool null = ve - i == 4 && memcmp(s + i, "null", 4) == 0;
		for (size_t k = 0; k < best && keys[k] && !null; k++) {
			if (keys[k][0] == s[ks] && strlen(keys[k]) == kl &&
			    memcmp(s + ks, keys[k], kl) == 0) {
				best = k;
				bv = i;
				bve = ve;
				break;
			}
		}
		i = skip_spaces(s, n, ve);
		if (i < n && s[i] == ',')
			i++;
		else
			break;
	}
	if (best == SIZE_MAX)
		return NULL;
	*is_string = s[bv] == '"';
	if (*is_string) {
		if (bve < bv + 2 || s[bve - 1] != '"')
			return NULL; /* an unterminated string */
		*vlen = bve - bv - 2;
		return s + bv + 1;
	}
	*vlen = bve - bv;
	return s + bv;
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

/* Offsets in minutes east of UTC. */
static const struct {
	char name[6];
	short min;
} zones[] = {
	{"UTC", 0},     {"GMT", 0},     {"UT", 0},      {"Z", 0},       {"WET", 0},
	{"WEST", 60},   {"BST", 60},    {"CET", 60},    {"MET", 60},    {"CEST", 120},
	{"MEST", 120},  {"EET", 120},   {"EEST", 180},  {"MSK", 180},   {"SAST", 120},
	{"IST", 330},   {"PKT", 300},   {"ICT", 420},   {"WIB", 420},   {"HKT", 480},
	{"SGT", 480},   {"AWST", 480},  {"JST", 540},   {"KST", 540},   {"ACST", 570},
	{"ACDT", 630},  {"AEST", 600},  {"AEDT", 660},  {"NZST", 720},  {"NZDT", 780},
	{"EST", -300},  {"EDT", -240},  {"CST", -360},  {"CDT", -300},  {"MST", -420},
	{"MDT", -360},  {"PST", -480},  {"PDT", -420},  {"AKST", -540}, {"AKDT", -480},
	{"HST", -600},  {"AST", -240},  {"ADT", -180},  {"NST", -210},  {"NDT", -150},
	{"BRT", -180},  {"ART", -180},
};

/* A word of up to four capitals as one number, to compare in one step
 * (iso8601 asks for every zoneless stamp followed by a capital word). */
static uint32_t
pack(const char *s, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | (unsigned char)s[i];
	return v;
}

bool
st_zone_abbr(const char *s, size_t n, int *off_sec)
{
	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	/* the first and last letters of the names: most words ("INFO",
	 * "WARN") leave here */
	static uint32_t packed[sizeof(zones) / sizeof(zones[0])], firsts, lasts;
	static bool ready;
	if (!ready) { /* idempotent: racing threads write the same values */
		for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
			size_t l = strlen(zones[i].name);
			packed[i] = pack(zones[i].name, l);
			firsts |= 1u << (zones[i].name[0] - 'A');
			lasts |= 1u << (zones[i].name[l - 1] - 'A');
		}
		ready = true;
	}
	if (!(firsts >> (s[0] - 'A') & 1) || !(lasts >> (s[n - 1] - 'A') & 1))
		return false;
	uint32_t v = pack(s, n);
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (packed[i] == v) {
			*off_sec = zones[i].min * 60;
			return true;
		}
	}
	return false;
}

/* Month names, lower case (non-ASCII letters in UTF-8, compared as is). */
static const struct {
	const char *w;
	unsigned char mon;
} months[] = {
	/* English */
	{"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"june", 6}, {"july", 7},
	{"august", 8}, {"september", 9}, {"sept", 9}, {"october", 10}, {"november", 11},
	{"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5},
	{"jun", 6}, {"jul", 7}, {"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
	/* French */
	{"janv", 1}, {"janvier", 1}, {"f\xc3\xa9vr", 2}, {"f\xc3\xa9vrier", 2}, {"mars", 3},
	{"avr", 4}, {"avril", 4}, {"mai", 5}, {"juin", 6}, {"juil", 7}, {"juillet", 7},
	{"ao\xc3\xbbt", 8}, {"septembre", 9}, {"octobre", 10}, {"novembre", 11},
	{"d\xc3\xa9""c", 12}, {"d\xc3\xa9""cembre", 12},
	/* German */
	{"januar", 1}, {"februar", 2}, {"m\xc3\xa4r", 3}, {"m\xc3\xa4rz", 3}, {"mrz", 3},
	{"juni", 6}, {"juli", 7}, {"okt", 10}, {"oktober", 10}, {"dez", 12}, {"dezember", 12},
	/* Spanish */
	{"ene", 1}, {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abr", 4}, {"abril", 4},
	{"mayo", 5}, {"junio", 6}, {"julio", 7}, {"ago", 8}, {"agosto", 8}, {"septiembre", 9},
	{"octubre", 10}, {"noviembre", 11}, {"dic", 12}, {"diciembre", 12},
	/* Italian */
	{"gen", 1}, {"gennaio", 1}, {"febbraio", 2}, {"aprile", 4}, {"mag", 5}, {"maggio", 5},
	{"giu", 6}, {"giugno", 6}, {"lug", 7}, {"luglio", 7}, {"set", 9}, {"settembre", 9},
	{"ott", 10}, {"ottobre", 10}, {"dicembre", 12},
	/* Portuguese */
	{"janeiro", 1}, {"fev", 2}, {"fevereiro", 2}, {"mar\xc3\xa7o", 3}, {"maio", 5},
	{"junho", 6}, {"julho", 7}, {"setembro", 9}, {"out", 10}, {"outubro", 10},
	{"novembro", 11}, {"dezembro", 12},
	/* Dutch */
	{"januari", 1}, {"februari", 2}, {"mrt", 3}, {"maart", 3}, {"mei", 5}, {"augustus", 8},
};

size_t
st_month_word(const char *s, size_t n, int *mon)
{
	size_t best = 0;
	if (n < 3 || !is_alpha(s[0]))
		return 0;
	for (size_t m = 0; m < sizeof(months) / sizeof(months[0]); m++) {
		const char *w = months[m].w;
		size_t k = 0;
		while (w[k] && k < n) {
			char c = s[k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != w[k])
				break;
			k++;
		}
		if (w[k] != '\0' || k <= best)
			continue;
		/* the word must end here: no letter (ASCII or UTF-8) follows */
		if (k < n && (is_alpha(s[k]) || (unsigned char)s[k] >= 0x80))
			continue;
		best = k;
		*mon = months[m].mon;
	}
	if (best > 0 && best < n && s[best] == '.')
		best++;
	return best;
}

void
st_parse_wrapped(const struct st_timectx *tc, const char *s, size_t n, size_t i,
                 struct st_draft *d)
{
	for (size_t f = 0; f < st_format_count(); f++) {
		const struct st_format *fmt = st_format_get(f);
		if (fmt->wraps || fmt->block)
			continue;
		if (st_format_parse(fmt, tc, s + i, n - i, d) == 0) {
			d->body += (uint32_t)i;
			return;
		}
	}
	d->ts = ST_TIME_NONE;
	d->body = (uint32_t)i;
	d->level = (uint8_t)st_level_scan(s + i, n - i);
	d->kind = ST_KIND_LOG;
}

void
st_fields_inner(const char *s, size_t n, struct st_fields *out)
{
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	for (size_t f = 0; f < st_format_count(); f++) {
		const struct st_format *fmt = st_format_get(f);
		struct st_draft d;
		if (fmt->wraps || fmt->block || st_format_parse(fmt, &tc, s, n, &d) != 0)
			continue;
		if (fmt->fields_user != NULL)
			fmt->fields_user(fmt->user, s, n, &d, out);
		else if (fmt->fields != NULL)
			fmt->fields(s, n, &d, out);
		return;
	}
}

size_t
st_skip_ansi(const char *s, size_t n, size_t i)
{
	while (i + 1 < n && s[i] == '\x1b' && s[i + 1] == '[') {
		size_t j = i + 2;
		while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] <= 0x3f)
			j++;
		if (j >= n || (unsigned char)s[j] < 0x40 || (unsigned char)s[j] > 0x7e)
			return i;
		i = j + 1;
	}
	return i;
}

enum st_level
st_level_from_http(int status)
{
	return status >= 500 ? ST_LVL_ERROR : status >= 400 ? ST_LVL_WARN : ST_LVL_INFO;
}

size_t
st_parse_clf_time(const char *s, size_t n, struct st_civil *c)
{
	memset(c, 0, sizeof(*c));
	if (n < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':')
		return 0;
	if (st_digits(s, 2, 2, 2, &c->day) != 2 || (c->mon = st_month_abbr(s + 3, 3)) == 0 ||
	    st_digits(s + 7, 4, 4, 4, &c->year) != 4)
		return 0;
	size_t k = st_parse_hms(s + 12, n - 12, c);
	if (k == 0)
		return 0;
	size_t i = 12 + k;
	/* " +0330" */
	int h, m;
	if (i + 6 <= n && s[i] == ' ' && (s[i + 1] == '+' || s[i + 1] == '-') &&
	    st_digits(s + i + 2, 2, 2, 2, &h) == 2 && st_digits(s + i + 4, 2, 2, 2, &m) == 2 &&
	    h < 24 && m < 60) {
		c->has_off = true;
		c->off_sec = (h * 3600 + m * 60) * (s[i + 1] == '-' ? -1 : 1);
		i += 6;
	}
	return st_civil_check(c) < 0 ? 0 : i;
}

