/*
 * common.h: helpers the parsers in this folder share (private to them).
 *
 * All of them read a bounded byte range, never allocate and never assume
 * a NUL terminator: they run once or more per line on the ingest path.
 */
#ifndef STRATA_PARSERS_COMMON_H
#define STRATA_PARSERS_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "strata/event.h"
#include "strata/format.h"
#include "strata/stime.h"
#include "strata/util.h"

static inline size_t
skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* HH:MM:SS with an optional .fraction or ,fraction; returns bytes used. */
size_t st_parse_hms(const char *s, size_t n, struct st_civil *c);

/*
 * The level a message states in its first words: a level word, bare or in
 * brackets ("ERROR", "[warn]", "<E>"), "level=warn" or "lvl=..." in
 * logfmt, "level":"warn" in JSON, a klog or Redis prefix. NONE otherwise.
 */
enum st_level st_level_scan(const char *s, size_t n);

/*
 * The end of a parse for formats whose line opens with a time that ends at
 * s[i]: the time must be followed by the line's end or a separator (blank,
 * ':', '|', ']', ','); the message starts after blanks and one ':', '|' or
 * ','; its level is its first level word. Fills d->body, level and kind; returns
 * 0 or ST_ENOMATCH.
 */
int st_finish_leading(const char *s, size_t n, size_t i, struct st_draft *d);

/*
 * Fields of the syslog tail "host prog[pid]: message" at s (as BSD syslog
 * and journalctl's short forms write it): host, program, pid. Adds what it
 * finds; returns the offset of the message, or 0 when s is not that shape.
 */
size_t st_fields_syslog_tail(const char *s, size_t n, struct st_fields *out);

/* Every top-level key of a JSON object line, with its raw value. */
void st_fields_json(const char *s, size_t n, struct st_fields *out);

/* Every key=value pair of a logfmt line (quoted values keep their quotes
 * and are given as JSON strings). */
void st_fields_logfmt(const char *s, size_t n, struct st_fields *out);

/* Find a JSON string or number value for top-level key `key` in a JSON
 * object line; returns its start and sets *vlen (strings without quotes),
 * or NULL. Nested objects and arrays are skipped, not searched. */
const char *st_json_top_value(const char *s, size_t n, const char *key, size_t *vlen,
                              bool *is_string);

/* The same for the first of several keys, in the list's order (not the
 * line's), in one pass over the line: the value of the earliest-listed
 * key the object has with a value other than null. keys ends with NULL. */
const char *st_json_top_first(const char *s, size_t n, const char *const *keys, size_t *vlen,
                              bool *is_string);

/* A time value as JSON or logfmt carry it: an RFC 3339 string or an epoch
 * number of seconds, milliseconds, microseconds or nanoseconds (told apart
 * by magnitude). Returns 0 and sets *t. */
int st_parse_time_value(const struct st_timectx *tc, const char *v, size_t n, st_time *t);

/*
 * A time-zone abbreviation as logs write it after a time ("UTC", "PDT",
 * "CEST"): s[0..n) must be exactly the word, in capitals. Returns true and
 * sets *off_sec when it is one of the common ones (see common.c). The
 * ambiguous ones take their usual meaning in server logs: CST is US
 * Central (not China), IST India (not Ireland or Israel), BST British
 * Summer Time (not Bangladesh), AST Atlantic (not Arabia).
 */
bool st_zone_abbr(const char *s, size_t n, int *off_sec);

/*
 * A zone name after a zoneless stamp that ends at s[0]: " UTC", " CEST"
 * (one blank, then a name st_zone_abbr knows), or capitals straight after
 * the digits ("...10.313913FOO"), which are taken as a zone even when
 * unknown (then the stamp stays zoneless). Fills c's offset when known
 * and returns the bytes used, or 0 (c untouched). The name must end the
 * line or be followed by a blank, ']' or ','.
 */
static inline bool
st_zone_sep(const char *s, size_t n, size_t j)
{
	return j == n || s[j] == ' ' || s[j] == ']' || s[j] == ',';
}

static inline size_t
st_zone_after(const char *s, size_t n, struct st_civil *c)
{
	if (c->has_off || n < 2)
		return 0;
	size_t i = 1, j;
	if (s[0] == ' ') {
		/* every name in the table has 2 to 4 capitals and ends in T, C, K
		 * or B: a few looks settle "INFO", "ERROR" and the like */
		if (n >= 3 && s[2] == 'T' && st_zone_sep(s, n, 3))
			j = 3;
		else if (n >= 4 && (s[3] == 'T' || s[3] == 'C' || s[3] == 'K' || s[3] == 'B') &&
		         st_zone_sep(s, n, 4))
			j = 4;
		else if (n >= 5 && s[4] == 'T' && st_zone_sep(s, n, 5))
			j = 5;
		else
			return 0;
	} else {
		/* capitals glued to the digits: a zone, known or not */
		i = 0;
		j = 0;
		while (j < n && j < 6 && s[j] >= 'A' && s[j] <= 'Z')
			j++;
		if (j == 0 || !st_zone_sep(s, n, j))
			return 0;
	}
	int off;
	if (st_zone_abbr(s + i, j - i, &off)) {
		c->has_off = true;
		c->off_sec = off;
		return j;
	}
	return i == 0 ? j : 0;
}

/*
 * A month name at s, abbreviated or in full, in English, French, German,
 * Spanish, Italian, Portuguese or Dutch ("Mar", "march", "janv.", "Mär",
 * "août", "okt"), in any ASCII case, with an abbreviation's '.'. It must
 * end the word. Returns the bytes used and sets *mon (1..12), or 0.
 * st_month_abbr stays the fast path for English; call this when it fails.
 */
size_t st_month_word(const char *s, size_t n, int *mon);

/*
 * A wrapper format's line (docker compose "web-1  | ", kubectl logs
 * --prefix "[pod/x/y] "), whose prefix ends at s[i]: fills *d from the
 * first format, in registry order, that reads the rest, skipping wrappers
 * and block formats (st_format.wraps, .block); when none does, the line
 * is still a record, untimed, with the level its words state. d->body is
 * relative to s. It costs one parse per format on a line none reads:
 * meant for formats whose lines are few (compose output, kubectl logs).
 */
void st_parse_wrapped(const struct st_timectx *tc, const char *s, size_t n, size_t i,
                      struct st_draft *d);

/* The fields of s (the rest after a wrapper's prefix) under the format
 * st_parse_wrapped would pick. */
void st_fields_inner(const char *s, size_t n, struct st_fields *out);

/*
 * The Common Log Format time: "22/Jan/2019:03:56:14 +0330" (Apache,
 * nginx), also with a fraction and without the offset (HAProxy's
 * "25/Feb/2019:16:19:48.143"). Returns the bytes used, or 0.
 */
size_t st_parse_clf_time(const char *s, size_t n, struct st_civil *c);

/* Skip ANSI CSI escapes (ESC '[' ... final byte) at s[i]; returns the index after. */
size_t st_skip_ansi(const char *s, size_t n, size_t i);

/* The level of an HTTP status: 5xx error, 4xx warn, other info. */
enum st_level st_level_from_http(int status);

#endif
