/*
 * jsonscan.h: a small validating JSON reader over text in memory
 * (private to the core: promapi.c reads Prometheus API answers with it,
 * ingest.c frames pretty-printed documents value by value).
 *
 * No tree is built: a cursor walks the text and the caller asks for what
 * it expects next (an object's members one by one, an array's elements, a
 * string, a number) or skips a value it does not need. Every call checks
 * the grammar of what it reads (RFC 8259: strings with their escapes, no
 * raw control characters, numbers, nesting) and the first error sticks:
 * from then on every call returns false, and the cursor says what was
 * wrong and where (st_js_where: line, column and byte offset). Nesting is
 * bounded (ST_JS_DEPTH_MAX), so no input can exhaust the stack.
 *
 * A document can also be read piece by piece as it arrives (ingest.c
 * frames pretty-printed JSON this way): a cursor over the text at hand
 * reports, through st_js_ended, that the text ran out rather than that it
 * is wrong, and st_js_init_inside starts a cursor inside a container that
 * an earlier cursor opened.
 *
 * Ownership: the cursor borrows the text, which must outlive it; the
 * spans it hands out point into that text (string spans are raw, between
 * the quotes: st_js_unescape decodes one). Error strings are static.
 */
#ifndef STRATA_JSONSCAN_H
#define STRATA_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "strata/util.h"

#define ST_JS_DEPTH_MAX 256

enum st_js_type {
	ST_JS_END = 0, /* no more text (or an error) */
	ST_JS_OBJECT,
	ST_JS_ARRAY,
	ST_JS_STRING,
	ST_JS_NUMBER,
	ST_JS_TRUE,
	ST_JS_FALSE,
	ST_JS_NULL,
	ST_JS_BAD,     /* a byte no value starts with */
};

struct st_js_span {
	const char *p;
	size_t n;
	bool escaped;  /* a string span holding backslash escapes */
};

struct st_js {
	const char *start, *p, *end;
	unsigned depth;
	bool fresh;       /* a container just opened: no ',' before its first item */
	const char *why;  /* the first error, or NULL */
	const char *at;   /* where it was found */
};

void st_js_init(struct st_js *j, const char *p, size_t n);

/*
 * A cursor over text that continues an object or array an earlier cursor
 * opened (over earlier text): the next call is st_js_member or
 * st_js_element, and reading the container's close ends it. first: no
 * item of the container was read yet, so the next needs no ',' before it.
 */
void st_js_init_inside(struct st_js *j, const char *p, size_t n, bool first);

/* The type of the next value (after whitespace), without reading it. */
enum st_js_type st_js_peek(struct st_js *j);

/*
 * Objects: st_js_object opens one ('{'); then each st_js_member reads the
 * next key (and its ':') into *key and returns true, leaving the cursor on
 * the member's value, which the caller must read or skip; it returns
 * false at the closing '}' (read) or on an error. Arrays alike:
 * st_js_array opens one, st_js_element returns true before each element.
 */
bool st_js_object(struct st_js *j);
bool st_js_member(struct st_js *j, struct st_js_span *key);
bool st_js_array(struct st_js *j);
bool st_js_element(struct st_js *j);

bool st_js_string(struct st_js *j, struct st_js_span *s);
bool st_js_number(struct st_js *j, struct st_js_span *s);
/* Read and check any value. */
bool st_js_skip(struct st_js *j);
/* After the document's value: only whitespace may follow. */
bool st_js_finish(struct st_js *j);

/* Make the cursor fail with why at its position (a value of the wrong
 * type, say); the first error is kept. Returns false. */
bool st_js_fail(struct st_js *j, const char *why);

/* Whether the error is only that the text ran out where more was
 * expected (inside a value, or before a container's close): more text
 * may complete it. */
bool st_js_ended(const struct st_js *j);

/* The error, or NULL; *line and *col (from 1) and *off (from 0) of it. */
const char *st_js_where(const struct st_js *j, size_t *line, size_t *col, size_t *off);

/* Whether a string span holds exactly the ASCII text lit (escapes are
 * decoded for the comparison). */
bool st_js_eq(const struct st_js_span *s, const char *lit);

/*
 * Copy the JSON text p[0..n) to out without the whitespace between its
 * tokens, as jq -c writes it (strings as they are, escapes kept). out
 * must hold n bytes; returns the bytes written. Nothing is checked: use
 * it on text a cursor has read (text cut inside a string is copied to
 * its end).
 */
size_t st_js_compact(const char *p, size_t n, char *out);

/* Append the decoded string (UTF-8; \u escapes and surrogate pairs
 * decoded, a lone surrogate as U+FFFD) to out. */
void st_js_unescape(const struct st_js_span *s, struct st_buf *out);

#endif
