/*
 * util.h: allocation, error codes and small helpers shared by every unit.
 *
 * Ownership: st_xmalloc and friends never return NULL; they abort with a
 * message when memory runs out or when n * size overflows, so callers need
 * no error path for allocation. Memory they return is the caller's.
 *
 * Errors: fallible functions return 0 (or a count) on success and a negative
 * ST_E* code on failure; st_strerror names the code. Codes from libuv (which
 * are negated errno values on Unix) pass through unchanged and st_strerror
 * names them too.
 */
#ifndef STRATA_UTIL_H
#define STRATA_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ST_VERSION "0.1.0"

enum {
	ST_EINVAL = -20001,   /* malformed argument or input */
	ST_ENOMATCH = -20002, /* a parser did not recognise the line */
	ST_ERANGE = -20003,   /* a value out of its allowed range */
	ST_ETOOBIG = -20004,  /* a limit was hit */
	ST_ENOZONE = -20005,  /* unknown time zone */
	ST_ECORRUPT = -20006, /* compressed data that cannot be decoded */
	ST_ETRUNC = -20007,   /* compressed data that stops early */
};

const char *st_strerror(int err);

/* Print "strata: " and the message to stderr and abort. */
void st_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

void *st_xmalloc(size_t size);
void *st_xcalloc(size_t n, size_t size);
void *st_xreallocarray(void *p, size_t n, size_t size);
char *st_xstrdup(const char *s);
char *st_xstrndup(const char *s, size_t n);

#define ST_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ST_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ST_MAX(a, b) ((a) > (b) ? (a) : (b))
#define st_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * A growable byte buffer for output. Appends never fail (they abort on
 * exhaustion like st_xmalloc). The buffer owns its bytes.
 */
struct st_buf {
	char *p;
	size_t len;
	size_t cap;
};

/* Make room for extra more bytes (the slow path of the appends below). */
void st_buf_reserve(struct st_buf *b, size_t extra);

static inline void
st_buf_grow(struct st_buf *b, size_t extra)
{
	if (b->cap - b->len < extra)
		st_buf_reserve(b, extra);
}

static inline void
st_buf_add(struct st_buf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	st_buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
st_buf_addc(struct st_buf *b, char c)
{
	st_buf_grow(b, 1);
	b->p[b->len++] = c;
}

static inline void
st_buf_adds(struct st_buf *b, const char *s)
{
	st_buf_add(b, s, strlen(s));
}

void st_buf_addf(struct st_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void st_buf_free(struct st_buf *b);

/*
 * Escaping for output. Both keep valid UTF-8 (including wide characters)
 * as it is and write every byte of an invalid sequence as the four
 * characters \xHH, so binary garbage shows as text and never reaches the
 * terminal raw.
 *   st_escape_text: control characters other than tab become \xHH;
 *     newlines are kept when keep_nl is set (continuation lines).
 *   st_escape_json: the body of a JSON string (without quotes); a CR
 *     before a LF is dropped (records keep their lines' CRLF ends when
 *     their text is referenced in a mapped file).
 */
void st_escape_text(struct st_buf *b, const char *s, size_t n, int keep_nl);
void st_escape_json(struct st_buf *b, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
size_t st_utf8_seq(const unsigned char *s, size_t n);

#endif
