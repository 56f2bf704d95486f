/*
 * util.c: allocation that cannot fail, error names, output buffers and
 * the escaping every printer shares.
 *
 * Escaping is on the output path of every event, so it copies runs of
 * plain bytes at once and only slows down for bytes that need care.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "strata/util.h"

void
st_fatal(const char *fmt, ...)
{
	va_list ap;
	fputs("strata: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *
st_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case ST_EINVAL:
		return "invalid input";
	case ST_ENOMATCH:
		return "no match";
	case ST_ERANGE:
		return "value out of range";
	case ST_ETOOBIG:
		return "limit exceeded";
	case ST_ENOZONE:
		return "unknown time zone";
	case ST_ECORRUPT:
		return "corrupt compressed data";
	case ST_ETRUNC:
		return "compressed data ends early (truncated)";
	}
	if (err < 0 && err > -4096)
		return uv_strerror(err);
	return "unknown error";
}

void *
st_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		st_fatal("out of memory (%zu bytes)", size);
	return p;
}

void *
st_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		st_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
st_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		st_fatal("allocation overflow (%zu x %zu bytes)", n, size);
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (q == NULL)
		st_fatal("out of memory (%zu x %zu bytes)", n, size);
	return q;
}

char *
st_xstrdup(const char *s)
{
	return st_xstrndup(s, strlen(s));
}

char *
st_xstrndup(const char *s, size_t n)
{
	char *p = st_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
st_buf_reserve(struct st_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			st_fatal("buffer overflow");
		cap *= 2;
	}
	b->p = st_xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void
st_buf_addf(struct st_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	st_buf_grow(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
st_buf_free(struct st_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

size_t
st_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static const char hexdig[] = "0123456789abcdef";

static void
add_hex(struct st_buf *b, unsigned char c)
{
	char e[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
	st_buf_add(b, e, 4);
}

/* Does byte c pass through unchanged in text output? */
static inline int
text_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

void
st_escape_text(struct st_buf *b, const char *s, size_t n, int keep_nl)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && text_plain(u[j]))
			j++;
		if (j > i)
			st_buf_add(b, s + i, j - i);
		if (j >= n)
			break;
		unsigned char c = u[j];
		if (c == '\t' || (c == '\n' && keep_nl)) {
			st_buf_addc(b, (char)c);
			i = j + 1;
		} else if (c >= 0x80) {
			size_t k = st_utf8_seq(u + j, n - j);
			if (k) {
				st_buf_add(b, s + j, k);
				i = j + k;
			} else {
				add_hex(b, c);
				i = j + 1;
			}
		} else {
			add_hex(b, c);
			i = j + 1;
		}
	}
}

/* Bytes copied as they are into a JSON string: printable ASCII but the
 * quote and the backslash. A table: this runs for every byte printed. */
static const unsigned char json_plain_tab[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

static inline int
json_plain(unsigned char c)
{
	return json_plain_tab[c];
}

void
st_escape_json(struct st_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && json_plain(u[j]))
			j++;
		if (j > i)
			st_buf_add(b, s + i, j - i);
		if (j >= n)
			break;
		unsigned char c = u[j];
		i = j + 1;
		switch (c) {
		case '"':
			st_buf_add(b, "\\\"", 2);
			continue;
		case '\\':
			st_buf_add(b, "\\\\", 2);
			continue;
		case '\n':
			st_buf_add(b, "\\n", 2);
			continue;
		case '\t':
			st_buf_add(b, "\\t", 2);
			continue;
		case '\r':
			if (i < n && s[i] == '\n')
				continue; /* CR LF inside a record is a line end */
			st_buf_add(b, "\\r", 2);
			continue;
		}
		if (c >= 0x80) {
			size_t k = st_utf8_seq(u + j, n - j);
			if (k) {
				st_buf_add(b, s + j, k);
				i = j + k;
				continue;
			}
			/* an invalid byte: the text \xHH, its backslash escaped */
			char e[5] = {'\\', '\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
			st_buf_add(b, e, 5);
			continue;
		}
		char e[6] = {'\\', 'u', '0', '0', hexdig[c >> 4], hexdig[c & 15]};
		st_buf_add(b, e, 6);
	}
}
