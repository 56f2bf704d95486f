/*
 * http.c: http:// URLs, GET requests and an incremental HTTP/1.1 response
 * reader (see http.h).
 *
 * The reader is a state machine over the response's parts: the status
 * line, the header lines, then the body, delimited by Content-Length, by
 * chunks ("hex-size[;extensions]\r\n data \r\n" ... "0\r\n" trailers
 * "\r\n"), or by the end of the connection. Lines (status, headers, chunk
 * sizes, trailers) are gathered in r->line, so a piece may end anywhere;
 * body bytes go straight into r->body. Interim 1xx responses are skipped.
 * Lines may end in "\n" alone, as RFC 9112 lets a reader accept.
 *
 * Bounds: a line is at most ST_HTTP_LINE_MAX bytes, the status and header
 * lines together ST_HTTP_HEAD_MAX, the body r->max_body: a server cannot
 * make strata hold more than that. Workload: one scrape of a metrics
 * endpoint every few seconds, a few hundred KB each; nothing here is hot.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* ---- URLs and requests */

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

static bool
v6_char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '.';
}

int
st_http_url_parse(const char *url, struct st_http_url *u, const char **why)
{
	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "https://", 8) == 0) {
		*why = "https:// is not supported yet (no TLS): use an http:// endpoint";
		return ST_EINVAL;
	}
	if (strncasecmp(url, "http://", 7) != 0) {
		*why = "not an http:// URL";
		return ST_EINVAL;
	}
	const char *a = url + 7;
	size_t alen = strcspn(a, "/?#");
	if (memchr(a, '@', alen) != NULL) {
		*why = "user names and passwords in URLs are not supported";
		return ST_EINVAL;
	}
	const char *h = a, *port = NULL;
	size_t hlen;
	if (alen > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', alen);
		if (close == NULL) {
			*why = "an IPv6 address without its closing ']'";
			return ST_EINVAL;
		}
		h = a + 1;
		hlen = (size_t)(close - h);
		for (size_t i = 0; i < hlen; i++)
			if (!v6_char(h[i])) {
				*why = "a bad character in the IPv6 address";
				return ST_EINVAL;
			}
		size_t after = (size_t)(close + 1 - a);
		if (after < alen && a[after] != ':') {
			*why = "text after the IPv6 address";
			return ST_EINVAL;
		}
		if (after < alen)
			port = a + after + 1;
		u->ipv6 = true;
	} else {
		const char *colon = memchr(a, ':', alen);
		hlen = colon ? (size_t)(colon - a) : alen;
		for (size_t i = 0; i < hlen; i++)
			if (!host_char(h[i])) {
				*why = "a bad character in the host name";
				return ST_EINVAL;
			}
		if (colon)
			port = colon + 1;
	}
	if (hlen == 0) {
		*why = "no host";
		return ST_EINVAL;
	}
	if (hlen > ST_HTTP_HOST_MAX) {
		*why = "a host name longer than 255 characters";
		return ST_EINVAL;
	}
	memcpy(u->host, h, hlen);
	if (port != NULL && port < a + alen) {
		size_t plen = (size_t)(a + alen - port);
		unsigned long v = 0;
		for (size_t i = 0; i < plen; i++) {
			if (port[i] < '0' || port[i] > '9' || plen > 5) {
				*why = "a bad port number";
				return ST_EINVAL;
			}
			v = v * 10 + (unsigned long)(port[i] - '0');
		}
		if (v == 0 || v > 65535) {
			*why = "a port number out of range (1 to 65535)";
			return ST_EINVAL;
		}
		snprintf(u->port, sizeof(u->port), "%lu", v);
	} else {
		memcpy(u->port, "80", 3);
	}
	const char *p = a + alen;
	size_t plen = strcspn(p, "#");
	for (size_t i = 0; i < plen; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f) {
			*why = "a space or control character in the path (percent-encode it)";
			return ST_EINVAL;
		}
	size_t off = 0;
	if (plen == 0 || p[0] != '/')
		u->path[off++] = '/';
	if (off + plen > ST_HTTP_PATH_MAX) {
		*why = "a path longer than 2048 characters";
		return ST_EINVAL;
	}
	memcpy(u->path + off, p, plen);
	return 0;
}

void
st_http_request(const struct st_http_url *u, struct st_buf *out)
{
	bool dflt = strcmp(u->port, "80") == 0;
	st_buf_addf(out,
	            "GET %s HTTP/1.1\r\n"
	            "Host: %s%s%s%s%s\r\n"
	            "User-Agent: strata/" ST_VERSION "\r\n"
	            "Accept: text/plain;version=0.0.4;q=1, */*;q=0.1\r\n"
	            "Connection: close\r\n"
	            "\r\n",
	            u->path, u->ipv6 ? "[" : "", u->host, u->ipv6 ? "]" : "", dflt ? "" : ":",
	            dflt ? "" : u->port);
}

/* ---- responses */

void
st_http_resp_init(struct st_http_resp *r, size_t max_body)
{
	memset(r, 0, sizeof(*r));
	r->state = ST_HTTP_STATUS;
	r->length = -1;
	r->max_body = max_body ? max_body : ST_HTTP_BODY_MAX;
}

void
st_http_resp_free(struct st_http_resp *r)
{
	st_buf_free(&r->body);
}

static int
fail(struct st_http_resp *r, int err, const char *why)
{
	r->err = err;
	r->why = why;
	return err;
}

static bool
ieq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
status_line(struct st_http_resp *r, const char *s, size_t n)
{
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (n < 5 || memcmp(s, "HTTP/", 5) != 0)
		return fail(r, ST_EINVAL, "not an HTTP response");
	if (n < 9 || s[5] != '1' || s[6] != '.' || s[7] < '0' || s[7] > '9' || s[8] != ' ')
		return fail(r, ST_EINVAL, "not an HTTP/1.x response");
	if (n < 12)
		return fail(r, ST_EINVAL, "a malformed status line");
	int code = 0;
	for (size_t i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(r, ST_EINVAL, "a malformed status line");
		code = code * 10 + (s[i] - '0');
	}
	if (code < 100 || (n > 12 && s[12] != ' '))
		return fail(r, ST_EINVAL, "a malformed status line");
	r->status = code;
	size_t rl = n > 13 ? ST_MIN(n - 13, sizeof(r->reason) - 1) : 0;
	memcpy(r->reason, s + 13, rl);
	r->reason[rl] = '\0';
	for (size_t i = 0; i < rl; i++)
		if ((unsigned char)r->reason[i] < 0x20 || r->reason[i] == 0x7f)
			r->reason[i] = '?';
	r->state = ST_HTTP_HEADERS;
	return 0;
}

/* The headers ended: where does the body start, if there is one? */
static int
headers_end(struct st_http_resp *r)
{
	if (r->status < 200) { /* 100 Continue and friends: the real one follows */
		r->status = 0;
		r->chunked = false;
		r->length = -1;
		r->state = ST_HTTP_STATUS;
		return 0;
	}
	if (r->status == 204 || r->status == 304)
		r->state = ST_HTTP_DONE;
	else if (r->chunked)
		r->state = ST_HTTP_CHUNK_SIZE;
	else if (r->length >= 0) {
		r->left = (uint64_t)r->length;
		r->state = r->left > 0 ? ST_HTTP_BODY_LENGTH : ST_HTTP_DONE;
	} else
		r->state = ST_HTTP_BODY_CLOSE;
	return r->state == ST_HTTP_DONE ? 1 : 0;
}

static int
header_line(struct st_http_resp *r, const char *s, size_t n)
{
	if (n == 0)
		return headers_end(r);
	if (s[0] == ' ' || s[0] == '\t')
		return 0; /* obsolete line folding: a value we do not use goes on */
	const char *colon = memchr(s, ':', n);
	if (colon == NULL || colon == s)
		return fail(r, ST_EINVAL, "a malformed header line");
	size_t klen = (size_t)(colon - s);
	if (s[klen - 1] == ' ' || s[klen - 1] == '\t')
		return fail(r, ST_EINVAL, "a malformed header line (space before ':')");
	const char *v = colon + 1;
	size_t vlen = n - klen - 1;
	trim(&v, &vlen);
	if (ieq(s, klen, "Content-Length")) {
		if (vlen == 0)
			return fail(r, ST_EINVAL, "an empty Content-Length");
		uint64_t len = 0;
		for (size_t i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail(r, ST_EINVAL, "a malformed Content-Length");
			if (len > (UINT64_MAX - 9) / 10)
				return fail(r, ST_ETOOBIG, "a Content-Length over the body limit");
			len = len * 10 + (uint64_t)(v[i] - '0');
		}
		if (r->length >= 0 && (uint64_t)r->length != len)
			return fail(r, ST_EINVAL, "two different Content-Length headers");
		if (len > r->max_body)
			return fail(r, ST_ETOOBIG, "a Content-Length over the body limit");
		r->length = (int64_t)len;
	} else if (ieq(s, klen, "Transfer-Encoding")) {
		/* chunked alone: codings before it (gzip, chunked) would need
		 * decoding we do not do */
		if (ieq(v, vlen, "chunked"))
			r->chunked = true;
		else if (!ieq(v, vlen, "identity"))
			return fail(r, ST_EINVAL, "an unsupported Transfer-Encoding");
	} else if (ieq(s, klen, "Content-Encoding")) {
		if (vlen > 0 && !ieq(v, vlen, "identity"))
			return fail(r, ST_EINVAL, "an unsupported Content-Encoding (not asked for)");
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
chunk_size_line(struct st_http_resp *r, const char *s, size_t n)
{
	size_t i = 0;
	uint64_t size = 0;
	for (; i < n && hexval(s[i]) >= 0; i++) {
		if (size > r->max_body || size > (UINT64_MAX >> 4))
			return fail(r, ST_ETOOBIG, "a chunk size over the body limit");
		size = size << 4 | (uint64_t)hexval(s[i]);
	}
	if (i == 0)
		return fail(r, ST_EINVAL, "malformed chunked encoding (no chunk size)");
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] != ';') /* ";name=value" extensions are ignored */
		return fail(r, ST_EINVAL, "malformed chunked encoding (bad chunk size)");
	if (size > r->max_body - r->body.len)
		return fail(r, ST_ETOOBIG, "a body over its limit");
	if (size == 0) {
		r->state = ST_HTTP_TRAILERS;
		return 0;
	}
	r->left = size;
	r->state = ST_HTTP_CHUNK_DATA;
	return 0;
}

/* One complete line (without its "\r\n") in the current line state. */
static int
line(struct st_http_resp *r, const char *s, size_t n)
{
	switch (r->state) {
	case ST_HTTP_STATUS:
		if (n == 0 && r->head_bytes <= 2)
			return 0; /* a stray empty line before the status: allowed */
		return status_line(r, s, n);
	case ST_HTTP_HEADERS:
		return header_line(r, s, n);
	case ST_HTTP_CHUNK_SIZE:
		return chunk_size_line(r, s, n);
	case ST_HTTP_CHUNK_END:
		if (n != 0)
			return fail(r, ST_EINVAL, "malformed chunked encoding (no CRLF after a chunk)");
		r->state = ST_HTTP_CHUNK_SIZE;
		return 0;
	case ST_HTTP_TRAILERS:
		if (n == 0) {
			r->state = ST_HTTP_DONE;
			return 1;
		}
		return 0; /* trailer fields are ignored */
	default:
		return 0;
	}
}

static bool
in_head(const struct st_http_resp *r)
{
	return r->state == ST_HTTP_STATUS || r->state == ST_HTTP_HEADERS;
}

static int
body_add(struct st_http_resp *r, const char *p, size_t k)
{
	if (k > r->max_body - r->body.len)
		return fail(r, ST_ETOOBIG, "a body over its limit");
	st_buf_add(&r->body, p, k);
	return 0;
}

int
st_http_resp_feed(struct st_http_resp *r, const char *p, size_t n)
{
	if (r->err < 0)
		return r->err;
	size_t i = 0;
	while (i < n && r->state != ST_HTTP_DONE) {
		int rc = 0;
		switch (r->state) {
		case ST_HTTP_BODY_CLOSE:
			rc = body_add(r, p + i, n - i);
			i = n;
			break;
		case ST_HTTP_BODY_LENGTH:
		case ST_HTTP_CHUNK_DATA: {
			size_t k = (size_t)ST_MIN((uint64_t)(n - i), r->left);
			rc = body_add(r, p + i, k);
			i += k;
			r->left -= k;
			if (rc == 0 && r->left == 0) {
				if (r->state == ST_HTTP_BODY_LENGTH)
					r->state = ST_HTTP_DONE;
				else
					r->state = ST_HTTP_CHUNK_END;
			}
			break;
		}
		default: {
			const char *nl = memchr(p + i, '\n', n - i);
			size_t k = nl ? (size_t)(nl - (p + i)) : n - i;
			if (r->line_len + k > ST_HTTP_LINE_MAX)
				return fail(r, ST_ETOOBIG, in_head(r) ? "a header line longer than 8 KiB"
				                                      : "a chunk line longer than 8 KiB");
			if (in_head(r)) {
				r->head_bytes += k + (nl != NULL);
				if (r->head_bytes > ST_HTTP_HEAD_MAX)
					return fail(r, ST_ETOOBIG, "headers longer than 64 KiB");
			}
			memcpy(r->line + r->line_len, p + i, k);
			r->line_len += k;
			i += k;
			if (nl == NULL)
				break;
			i++; /* the '\n' */
			size_t len = r->line_len;
			if (len > 0 && r->line[len - 1] == '\r')
				len--;
			r->line_len = 0;
			rc = line(r, r->line, len);
			break;
		}
		}
		if (rc < 0)
			return rc;
	}
	return r->state == ST_HTTP_DONE ? 1 : 0;
}

int
st_http_resp_eof(struct st_http_resp *r)
{
	if (r->err < 0)
		return r->err;
	switch (r->state) {
	case ST_HTTP_DONE:
		return 1;
	case ST_HTTP_BODY_CLOSE:
		r->state = ST_HTTP_DONE;
		return 1;
	case ST_HTTP_STATUS:
		return fail(r, ST_ETRUNC, r->head_bytes == 0 && r->line_len == 0
		                              ? "the connection closed without a response"
		                              : "the connection closed in the status line");
	case ST_HTTP_HEADERS:
		return fail(r, ST_ETRUNC, "the connection closed in the headers");
	case ST_HTTP_BODY_LENGTH:
		return fail(r, ST_ETRUNC, "the connection closed before the end of the body "
		                          "(shorter than its Content-Length)");
	default:
		return fail(r, ST_ETRUNC, "the connection closed inside the chunked body");
	}
}
