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

/* A time value as JSON or logfmt carry it: an RFC 3339 string or an epoch
 * number of seconds, milliseconds, microseconds or nanoseconds (told apart
 * by magnitude). Returns 0 and sets *t. */
int st_parse_time_value(const struct st_timectx *tc, const char *v, size_t n, st_time *t);

#endif
