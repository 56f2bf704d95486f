/*
 * test_http.c: the HTTP/1.1 pieces of http:// sources (src/http.c): URLs,
 * the request, and the response reader: status lines, headers,
 * Content-Length, chunked bodies with extensions and trailers, bodies
 * ended by the close, interim 1xx responses, truncated and malformed
 * input, and the size limits.
 *
 * Every response is fed whole and then again in pieces of 1, 2, 3, 7 and
 * 64 bytes (each piece an exact-size heap copy, so ASan sees any read past
 * it): a piece boundary may fall anywhere, inside "\r\n" or a chunk size,
 * and the result must not depend on it.
 */
#include <string.h>

#include "http.h"
#include "strata/util.h"
#include "testutil.h"

static void
free_buf(void *p)
{
	st_buf_free(p);
	free(p);
}

static void
free_resp(void *p)
{
	st_http_resp_free(p);
	free(p);
}

/* Feed s in pieces of size piece (0: whole), then the close if eof.
 * Returns the last result; the response is left in *out (kept). */
static int
run(const char *s, size_t n, size_t piece, bool eof, size_t max_body, struct st_http_resp **out)
{
	struct st_http_resp *r = tu_keep(st_xmalloc(sizeof(*r)), free_resp);
	st_http_resp_init(r, max_body);
	int rc = 0;
	size_t step = piece ? piece : (n ? n : 1);
	for (size_t i = 0; i < n && rc == 0; i += step) {
		size_t k = ST_MIN(step, n - i);
		char *copy = st_xmalloc(k);
		memcpy(copy, s + i, k);
		rc = st_http_resp_feed(r, copy, k);
		free(copy);
	}
	if (rc == 0 && eof)
		rc = st_http_resp_eof(r);
	*out = r;
	return rc;
}

static const size_t pieces[] = {0, 1, 2, 3, 7, 64};

/* s must read as a complete response with this status and body, however
 * it is cut; eof: the close is needed to end it. */
static void
check_ok(const char *s, bool eof, int status, const char *body)
{
	for (size_t p = 0; p < ST_ARRAY_LEN(pieces); p++) {
		struct st_http_resp *r;
		int rc = run(s, strlen(s), pieces[p], eof, 0, &r);
		if (rc != 1)
			print_error("piece %zu: rc %d (%s)\n", pieces[p], rc, r->why ? r->why : "");
		assert_int_equal(rc, 1);
		assert_int_equal(r->status, status);
		assert_int_equal(r->body.len, strlen(body));
		if (r->body.len > 0)
			assert_memory_equal(r->body.p, body, r->body.len);
		tu_release(r);
	}
}

/* s must fail with err, however it is cut, its why containing words. */
static void
check_err(const char *s, bool eof, size_t max_body, int err, const char *words)
{
	for (size_t p = 0; p < ST_ARRAY_LEN(pieces); p++) {
		struct st_http_resp *r;
		int rc = run(s, strlen(s), pieces[p], eof, max_body, &r);
		assert_int_equal(rc, err);
		assert_non_null(r->why);
		if (strstr(r->why, words) == NULL)
			print_error("why: '%s', want '%s'\n", r->why, words);
		assert_non_null(strstr(r->why, words));
		/* and it stays failed */
		assert_int_equal(st_http_resp_feed(r, "x", 1), err);
		tu_release(r);
	}
}

static void
test_content_length(void **state)
{
	(void)state;
	check_ok("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
	         "up 1\nabc 2\n",
	         false, 200, "up 1\nabc 2\n");
	/* bytes after the body are ignored */
	check_ok("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcGARBAGE", false, 200, "abc");
	/* bare \n line ends, header names in any case, spaces around values */
	check_ok("HTTP/1.0 200 OK\ncontent-length:   4  \n\nwxyz", false, 200, "wxyz");
	check_ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 200, "");
	/* the same length twice is fine */
	check_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", false, 200,
	         "ok");
	/* no body for 204 whatever the headers say */
	check_ok("HTTP/1.1 204 No Content\r\n\r\n", false, 204, "");
}

static void
test_status_line(void **state)
{
	(void)state;
	struct st_http_resp *r;
	const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
	assert_int_equal(run(nf, strlen(nf), 0, false, 0, &r), 1);
	assert_int_equal(r->status, 404);
	assert_string_equal(r->reason, "Not Found");
	tu_release(r);
	/* no reason phrase at all */
	check_ok("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", false, 200, "x");
	/* an interim 100 Continue before the real response */
	check_ok("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false,
	         200, "hi");
	check_err("SSH-2.0-OpenSSH_9.2\r\n", false, 0, ST_EINVAL, "not an HTTP response");
	check_err("HTTP/2 200\r\n\r\n", false, 0, ST_EINVAL, "HTTP/1.x");
	check_err("HTTP/1.1 2x0 OK\r\n\r\n", false, 0, ST_EINVAL, "status line");
	check_err("HTTP/1.1 200OK\r\n\r\n", false, 0, ST_EINVAL, "status line");
}

static void
test_headers(void **state)
{
	(void)state;
	/* obsolete folding is stepped over */
	check_ok("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 1\r\n\r\n!", false, 200, "!");
	check_err("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false, 0, ST_EINVAL, "malformed header");
	check_err("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", false, 0, ST_EINVAL,
	          "space before");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nx", false, 0, ST_EINVAL,
	          "Content-Length");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", false, 0, ST_EINVAL,
	          "Content-Length");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", false, 0,
	          ST_EINVAL, "two different");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", false, 0, ST_EINVAL,
	          "Transfer-Encoding");
	check_err("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", false, 0, ST_EINVAL,
	          "Content-Encoding");
}

static void
test_chunked(void **state)
{
	(void)state;
	check_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	         "5\r\nhello\r\n"
	         "7\r\n world\n\r\n"
	         "0\r\n\r\n",
	         false, 200, "hello world\n");
	/* upper and lower case hex, extensions, spaces before them, trailers;
	 * Content-Length is ignored under chunked */
	check_ok("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\nContent-Length: 99\r\n\r\n"
	         "a;name=value\r\n0123456789\r\n"
	         "1B ; ext\r\nabcdefghijklmnopqrstuvwxyz\n\r\n"
	         "0;last\r\n"
	         "Trailer-One: x\r\n"
	         "Trailer-Two: y\r\n"
	         "\r\n",
	         false, 200, "0123456789abcdefghijklmnopqrstuvwxyz\n");
	/* bare \n after sizes and chunks */
	check_ok("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", false, 200, "abc");
	/* an empty chunked body */
	check_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, 200, "");
}

static void
test_chunked_malformed(void **state)
{
	(void)state;
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	char s[256];
	snprintf(s, sizeof(s), "%szz\r\nabc\r\n0\r\n\r\n", head);
	check_err(s, false, 0, ST_EINVAL, "no chunk size");
	snprintf(s, sizeof(s), "%s3x\r\nabc\r\n0\r\n\r\n", head);
	check_err(s, false, 0, ST_EINVAL, "bad chunk size");
	/* a chunk longer than its size says */
	snprintf(s, sizeof(s), "%s3\r\nabcd\r\n0\r\n\r\n", head);
	check_err(s, false, 0, ST_EINVAL, "no CRLF after a chunk");
	/* a size that overflows 64 bits */
	snprintf(s, sizeof(s), "%s1234567890abcdef1234\r\n", head);
	check_err(s, false, 0, ST_ETOOBIG, "limit");
}

static void
test_truncated(void **state)
{
	(void)state;
	check_err("", true, 0, ST_ETRUNC, "without a response");
	check_err("HTTP/1.1 200", true, 0, ST_ETRUNC, "status line");
	check_err("HTTP/1.1 200 OK\r\nContent-Le", true, 0, ST_ETRUNC, "in the headers");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true, 0, ST_ETRUNC,
	          "Content-Length");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true, 0, ST_ETRUNC,
	          "chunked");
	/* the last chunk without its final empty line */
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", true, 0, ST_ETRUNC,
	          "chunked");
	/* without length or chunks, the close ends the body */
	check_ok("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\n", true, 200,
	         "all of it\n");
	/* and without the close it is not complete */
	struct st_http_resp *r;
	const char *open_end = "HTTP/1.1 200 OK\r\n\r\nabc";
	assert_int_equal(run(open_end, strlen(open_end), 0, false, 0, &r), 0);
	tu_release(r);
}

static void
test_limits(void **state)
{
	(void)state;
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", false, 10, ST_ETOOBIG,
	          "limit");
	check_ok("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhelloworld", false, 200, "helloworld");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n"
	          "0\r\n\r\n",
	          false, 10, ST_ETOOBIG, "limit");
	check_err("HTTP/1.1 200 OK\r\n\r\n0123456789a", true, 10, ST_ETOOBIG, "limit");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", false, 0,
	          ST_ETOOBIG, "limit");
	/* an endless header line, and endless headers */
	struct st_buf *b = tu_keep(st_xcalloc(1, sizeof(*b)), free_buf);
	st_buf_adds(b, "HTTP/1.1 200 OK\r\nX-Big: ");
	for (int i = 0; i < ST_HTTP_LINE_MAX; i++)
		st_buf_addc(b, 'a');
	st_buf_addc(b, '\0');
	check_err(b->p, false, 0, ST_ETOOBIG, "header line longer");
	b->len = 0;
	st_buf_adds(b, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 2000; i++)
		st_buf_addf(b, "X-Header-%d: %s\r\n", i, "0123456789012345678901234567890123456789");
	st_buf_addc(b, '\0');
	check_err(b->p, false, 0, ST_ETOOBIG, "headers longer");
	tu_release(b);
}

static void
test_url(void **state)
{
	(void)state;
	struct st_http_url u;
	const char *why = NULL;
	assert_int_equal(st_http_url_parse("http://127.0.0.1:9100/metrics", &u, &why), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "9100");
	assert_string_equal(u.path, "/metrics");
	assert_false(u.ipv6);
	assert_int_equal(st_http_url_parse("HTTP://Example.org", &u, &why), 0);
	assert_string_equal(u.host, "Example.org");
	assert_string_equal(u.port, "80");
	assert_string_equal(u.path, "/");
	assert_int_equal(st_http_url_parse("http://[::1]:8080/m?x=1&y=2#frag", &u, &why), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "8080");
	assert_string_equal(u.path, "/m?x=1&y=2");
	assert_true(u.ipv6);
	assert_int_equal(st_http_url_parse("http://host?q", &u, &why), 0);
	assert_string_equal(u.path, "/?q");
	assert_int_equal(st_http_url_parse("http://host:/", &u, &why), 0);
	assert_string_equal(u.port, "80");

	static const struct {
		const char *url, *why;
	} bad[] = {
		{"https://127.0.0.1/metrics", "not supported yet"},
		{"ftp://x/", "not an http"},
		{"http://", "no host"},
		{"http://:80/", "no host"},
		{"http://user:pw@host/", "passwords"},
		{"http://host:0/", "out of range"},
		{"http://host:65536/", "out of range"},
		{"http://host:123456/", "bad port"},
		{"http://host:8x/", "bad port"},
		{"http://ho st/", "bad character"},
		{"http://[::1/", "closing"},
		{"http://[::1]x/", "after the IPv6"},
		{"http://[::g]/", "IPv6 address"},
		{"http://host/a b", "percent-encode"},
		{"http://host/a\tb", "percent-encode"},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		why = NULL;
		assert_int_equal(st_http_url_parse(bad[i].url, &u, &why), ST_EINVAL);
		assert_non_null(why);
		if (strstr(why, bad[i].why) == NULL)
			print_error("%s: '%s'\n", bad[i].url, why);
		assert_non_null(strstr(why, bad[i].why));
	}
}

static void
test_request(void **state)
{
	(void)state;
	struct st_http_url u;
	const char *why;
	struct st_buf b = {0};
	assert_int_equal(st_http_url_parse("http://127.0.0.1:9100/metrics", &u, &why), 0);
	st_http_request(&u, &b);
	st_buf_addc(&b, '\0');
	assert_non_null(strstr(b.p, "GET /metrics HTTP/1.1\r\n"));
	assert_non_null(strstr(b.p, "\r\nHost: 127.0.0.1:9100\r\n"));
	assert_non_null(strstr(b.p, "\r\nConnection: close\r\n"));
	assert_non_null(strstr(b.p, "\r\n\r\n"));
	assert_null(strstr(b.p, "Accept-Encoding"));
	b.len = 0;
	assert_int_equal(st_http_url_parse("http://[::1]/", &u, &why), 0);
	st_http_request(&u, &b);
	st_buf_addc(&b, '\0');
	assert_non_null(strstr(b.p, "\r\nHost: [::1]\r\n"));
	st_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_content_length, tu_teardown),
		cmocka_unit_test_teardown(test_status_line, tu_teardown),
		cmocka_unit_test_teardown(test_headers, tu_teardown),
		cmocka_unit_test_teardown(test_chunked, tu_teardown),
		cmocka_unit_test_teardown(test_chunked_malformed, tu_teardown),
		cmocka_unit_test_teardown(test_truncated, tu_teardown),
		cmocka_unit_test_teardown(test_limits, tu_teardown),
		cmocka_unit_test_teardown(test_url, tu_teardown),
		cmocka_unit_test_teardown(test_request, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
