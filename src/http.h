/*
 * http.h: the part of HTTP/1.1 that strata's http:// and prometheus://
 * sources speak (private to the core): parsing an http:// URL, writing a
 * GET request, and reading a response incrementally.
 *
 * No sockets here: http-client.c moves the bytes on libuv. The response
 * reader takes bytes in pieces of any size (a piece may end anywhere, in
 * the middle of "\r\n" or of a chunk size) and collects the body, decoded
 * from chunked transfer encoding if need be, up to a limit the caller
 * sets. Everything after the end of the response is ignored (the request
 * says Connection: close).
 *
 * Ownership: a response owns its body buffer until st_http_resp_free; the
 * bytes given to st_http_resp_feed stay the caller's. Error strings
 * (st_http_resp.why, the why of st_http_url_parse) are static.
 */
#ifndef STRATA_HTTP_H
#define STRATA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/util.h"

#define ST_HTTP_HOST_MAX 255
#define ST_HTTP_PATH_MAX 2048
#define ST_HTTP_LINE_MAX 8192          /* a status, header or chunk-size line */
#define ST_HTTP_HEAD_MAX (64u << 10)   /* the whole header section */
#define ST_HTTP_BODY_MAX (64u << 20)   /* default body limit */

struct st_http_url {
	char host[ST_HTTP_HOST_MAX + 1]; /* without the brackets of [::1] */
	char port[8];                    /* digits; "80" when not given */
	char path[ST_HTTP_PATH_MAX + 1]; /* from the first '/', query kept,
	                                  * fragment dropped; "/" when empty */
	bool ipv6;                       /* host was in brackets */
};

/*
 * Parse an http:// URL (scheme case-insensitive). Returns 0, or ST_EINVAL
 * with *why saying what is wrong (https:// is "not supported yet").
 */
int st_http_url_parse(const char *url, struct st_http_url *u, const char **why);

/* Append a GET request for u (Host header, Connection: close) to out. */
void st_http_request(const struct st_http_url *u, struct st_buf *out);

enum st_http_state {
	ST_HTTP_STATUS, ST_HTTP_HEADERS, ST_HTTP_BODY_LENGTH, ST_HTTP_BODY_CLOSE,
	ST_HTTP_CHUNK_SIZE, ST_HTTP_CHUNK_DATA, ST_HTTP_CHUNK_END, ST_HTTP_TRAILERS,
	ST_HTTP_DONE,
};

struct st_http_resp {
	enum st_http_state state;
	int status;            /* 200, 404, ... once the status line is read */
	char reason[64];       /* its reason phrase (cut to fit) */
	bool chunked;
	int64_t length;        /* Content-Length, or -1 */
	uint64_t left;         /* bytes left of the body or of the chunk */
	size_t max_body;
	size_t head_bytes;     /* bytes of status and header lines so far */
	struct st_buf body;    /* the decoded body (owned) */
	char line[ST_HTTP_LINE_MAX];
	size_t line_len;       /* an unfinished line held in line[] */
	int err;               /* 0, or the code a call returned once it failed */
	const char *why;       /* the failure, once a call returned < 0 */
};

/* max_body: 0 for ST_HTTP_BODY_MAX. */
void st_http_resp_init(struct st_http_resp *r, size_t max_body);
void st_http_resp_free(struct st_http_resp *r);

/*
 * Read n more bytes of the response. Returns 1 when the response is
 * complete (the rest of the bytes are ignored), 0 when it needs more, or a
 * negative code with r->why set: ST_EINVAL (not HTTP, a malformed header
 * or chunk), ST_ETOOBIG (a line, the headers or the body over its limit).
 * After an error or completion, further calls return the same.
 */
int st_http_resp_feed(struct st_http_resp *r, const char *p, size_t n);

/*
 * The connection closed. Returns 1 when the response is complete (a body
 * without length or chunks ends here), else ST_ETRUNC with r->why set.
 */
int st_http_resp_eof(struct st_http_resp *r);

#endif
