/*
 * test_http.c: the HTTP/1.1 pieces of http:// and prometheus:// sources.
 *
 * src/http.c: URLs, the request, and the response reader: status lines,
 * headers, Content-Length, chunked bodies with extensions and trailers,
 * bodies ended by the close, interim 1xx responses, truncated and
 * malformed input, and the size limits. Every response is fed whole and
 * then again in pieces of 1, 2, 3, 7 and 64 bytes (each piece an
 * exact-size heap copy, so ASan sees any read past it): a piece boundary
 * may fall anywhere, inside "\r\n" or a chunk size, and the result must
 * not depend on it.
 *
 * src/http-client.c: GETs on a libuv loop against a server on the same
 * loop (127.0.0.1, a free port): a whole response, one ended by the
 * close, a refused connection, no answer before the deadline, a body over
 * the limit, a response cut short, a stop in the middle, a GET started
 * from done(). done() must come exactly once per GET, and the loop must
 * close cleanly after (no handle of the client left open).
 */
#include <string.h>

#include <uv.h>

#include "http-client.h"
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


/* ---- the client, against a server on the same loop */

struct srv {
	uv_loop_t *loop;
	uv_tcp_t tcp;         /* listening on 127.0.0.1 */
	int port;
	const char *answer;   /* written once a request's blank line came
	                       * (then the connection is closed); NULL: never */
	int conns;            /* connections taken */
	int open;             /* ... not closed yet */
	struct st_buf req;    /* the last request */
};

struct conn {
	uv_tcp_t tcp;
	uv_write_t wr;
	struct srv *srv;
	struct st_buf got;
	bool answered, closing;
};

static void
srv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	static char buf[4096];
	*b = uv_buf_init(buf, sizeof(buf));
}

static void
conn_closed(uv_handle_t *h)
{
	struct conn *k = st_container_of(h, struct conn, tcp);
	k->srv->open--;
	st_buf_free(&k->got);
	free(k);
}

static void
conn_close(struct conn *k)
{
	if (!k->closing) {
		k->closing = true;
		uv_close((uv_handle_t *)&k->tcp, conn_closed);
	}
}

static void
conn_written(uv_write_t *w, int status)
{
	(void)status;
	conn_close(st_container_of(w, struct conn, wr));
}

static void
conn_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct conn *k = st_container_of(st, struct conn, tcp);
	if (n < 0) {
		conn_close(k);
		return;
	}
	st_buf_add(&k->got, b->base, (size_t)n);
	if (k->answered || k->got.len < 4 || memcmp(k->got.p + k->got.len - 4, "\r\n\r\n", 4) != 0)
		return;
	k->answered = true;
	k->srv->req.len = 0;
	st_buf_add(&k->srv->req, k->got.p, k->got.len);
	st_buf_addc(&k->srv->req, '\0');
	if (k->srv->answer == NULL)
		return; /* keep it open, say nothing */
	uv_buf_t a = uv_buf_init((char *)k->srv->answer, (unsigned)strlen(k->srv->answer));
	assert_int_equal(uv_write(&k->wr, st, &a, 1, conn_written), 0);
}

static void
srv_conn(uv_stream_t *l, int status)
{
	struct srv *sv = st_container_of(l, struct srv, tcp);
	assert_int_equal(status, 0);
	struct conn *k = st_xcalloc(1, sizeof(*k));
	k->srv = sv;
	uv_tcp_init(sv->loop, &k->tcp);
	assert_int_equal(uv_accept(l, (uv_stream_t *)&k->tcp), 0);
	sv->conns++;
	sv->open++;
	uv_read_start((uv_stream_t *)&k->tcp, srv_alloc, conn_read);
}

static void
srv_start(struct srv *sv, uv_loop_t *loop, const char *answer)
{
	memset(sv, 0, sizeof(*sv));
	sv->loop = loop;
	sv->answer = answer;
	struct sockaddr_in a;
	uv_ip4_addr("127.0.0.1", 0, &a);
	uv_tcp_init(loop, &sv->tcp);
	assert_int_equal(uv_tcp_bind(&sv->tcp, (const struct sockaddr *)&a, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&sv->tcp, 8, srv_conn), 0);
	struct sockaddr_in got;
	int len = sizeof(got);
	uv_tcp_getsockname(&sv->tcp, (struct sockaddr *)&got, &len);
	sv->port = ntohs(got.sin_port);
}

static void
srv_stop(struct srv *sv)
{
	if (!uv_is_closing((uv_handle_t *)&sv->tcp))
		uv_close((uv_handle_t *)&sv->tcp, NULL);
}

/* A client and what happened to it. */
struct get {
	struct st_http_client c;
	uv_loop_t *loop;
	struct srv *srv;
	int done, closed, again; /* calls of done(), closed(); GETs left to start from done() */
	int tcp_seen;
	int err[4];
	int status[4];
	char body[4][64];
	const char *why[4];
};

static void
get_closed(struct st_http_client *c)
{
	struct get *g = st_container_of(c, struct get, c);
	g->closed++;
}

/* uv_walk: is this the client's TCP handle? (Handles leave the loop's
 * list once closed, just before their close callback.) */
static void
find_tcp(uv_handle_t *h, void *arg)
{
	struct get *g = arg;
	if (h == (uv_handle_t *)&g->c.tcp)
		g->tcp_seen++;
}

static void
get_done(struct st_http_client *c)
{
	struct get *g = st_container_of(c, struct get, c);
	assert_true(g->done < 4);
	/* the connection is closed, all the way, before done() */
	uv_walk(g->loop, find_tcp, g);
	assert_int_equal(g->tcp_seen, 0);
	g->err[g->done] = c->err;
	g->why[g->done] = c->why;
	g->status[g->done] = c->resp.status;
	snprintf(g->body[g->done], sizeof(g->body[0]), "%.*s", (int)c->resp.body.len,
	         c->resp.body.p ? c->resp.body.p : "");
	g->done++;
	st_http_client_reset(c);
	if (g->again > 0) {
		g->again--;
		st_http_client_get(c, 2000, 0);
		return;
	}
	if (g->srv != NULL)
		srv_stop(g->srv);
	st_http_client_close(c, get_closed);
}

/* A client of GET http://127.0.0.1:port/metrics?x=1 (not started). */
static struct get *
new_get(uv_loop_t *loop, struct srv *sv, int port)
{
	struct get *g = tu_keep(st_xcalloc(1, sizeof(*g)), free);
	g->loop = loop;
	g->srv = sv;
	st_http_client_init(&g->c, loop, get_done);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/metrics?x=1", port);
	const char *why;
	assert_int_equal(st_http_url_parse(url, &g->c.url, &why), 0);
	return g;
}

/* One GET, the loop run until all is closed. */
static struct get *
run_get(uv_loop_t *loop, struct srv *sv, int port, uint64_t timeout_ms, size_t max_body)
{
	struct get *g = new_get(loop, sv, port);
	st_http_client_get(&g->c, timeout_ms, max_body);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(g->done, 1);
	return g;
}

/* The client closed, the server's connections too, nothing left open. */
static void
end_get(uv_loop_t *loop, struct get *g, struct srv *sv)
{
	assert_int_equal(g->closed, 1);
	st_http_client_free(&g->c);
	if (sv != NULL) {
		assert_int_equal(sv->open, 0);
		st_buf_free(&sv->req);
	}
	assert_int_equal(uv_loop_close(loop), 0);
	tu_release(g);
}

static void
test_client_ok(void **state)
{
	(void)state;
	static const struct {
		const char *answer, *body;
		int status;
	} ok[] = {
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", 200},
		/* a 404 is a whole response too: what it means is the caller's */
		{"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n",
		 "nope", 404},
		/* neither length nor chunks: the close ends the body */
		{"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nup 1\n", "up 1\n", 200},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(ok); i++) {
		uv_loop_t loop;
		uv_loop_init(&loop);
		struct srv sv;
		srv_start(&sv, &loop, ok[i].answer);
		struct get *g = run_get(&loop, &sv, sv.port, 2000, 0);
		assert_int_equal(g->err[0], 0);
		assert_null(g->why[0]);
		assert_int_equal(g->status[0], ok[i].status);
		assert_string_equal(g->body[0], ok[i].body);
		assert_int_equal(sv.conns, 1);
		assert_non_null(strstr(sv.req.p, "GET /metrics?x=1 HTTP/1.1\r\n"));
		char host[64];
		snprintf(host, sizeof(host), "\r\nHost: 127.0.0.1:%d\r\n", sv.port);
		assert_non_null(strstr(sv.req.p, host));
		end_get(&loop, g, &sv);
	}
}

static void
test_client_bad_answer(void **state)
{
	(void)state;
	static const struct {
		const char *answer;
		size_t max_body;
		int err;
		const char *why;
	} bad[] = {
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, ST_ETRUNC, "Content-Length"},
		{"SSH-2.0-OpenSSH_9.2\r\n", 0, ST_EINVAL, "not an HTTP response"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", 10, ST_ETOOBIG, "limit"},
		{"HTTP/1.1 200 OK\r\n\r\nhello world", 10, ST_ETOOBIG, "limit"},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		uv_loop_t loop;
		uv_loop_init(&loop);
		struct srv sv;
		srv_start(&sv, &loop, bad[i].answer);
		struct get *g = run_get(&loop, &sv, sv.port, 2000, bad[i].max_body);
		assert_int_equal(g->err[0], bad[i].err);
		assert_non_null(g->why[0]);
		assert_non_null(strstr(g->why[0], bad[i].why));
		end_get(&loop, g, &sv);
	}
}

static void
test_client_refused(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	/* a port just free: listen on it, then close it */
	struct srv sv;
	srv_start(&sv, &loop, NULL);
	int port = sv.port;
	srv_stop(&sv);
	uv_run(&loop, UV_RUN_DEFAULT);
	struct get *g = run_get(&loop, NULL, port, 2000, 0);
	assert_int_equal(g->err[0], UV_ECONNREFUSED);
	assert_null(g->why[0]);
	end_get(&loop, g, NULL);
}

static void
test_client_timeout(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct srv sv;
	srv_start(&sv, &loop, NULL); /* reads the request, never answers */
	uint64_t t0 = uv_hrtime();
	struct get *g = run_get(&loop, &sv, sv.port, 100, 0);
	uint64_t ms = (uv_hrtime() - t0) / 1000000;
	assert_int_equal(g->err[0], UV_ETIMEDOUT);
	assert_true(ms >= 90 && ms < 1500);
	assert_int_equal(sv.conns, 1);
	assert_non_null(strstr(sv.req.p, "GET /metrics?x=1 HTTP/1.1\r\n"));
	end_get(&loop, g, &sv);
}

/* st_http_client_after's callback: stop in the middle of the GET */
static void
stop_now(struct st_http_client *c)
{
	struct get *g = st_container_of(c, struct get, c);
	srv_stop(g->srv);
	g->srv = NULL;
	st_http_client_stop(c, get_closed);
	st_http_client_stop(c, get_closed); /* twice: the second does nothing */
	st_http_client_close(c, get_closed); /* nor does a close after it */
}

static void
test_client_stop(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct srv sv;
	srv_start(&sv, &loop, NULL);
	struct get *g = new_get(&loop, &sv, sv.port);
	st_http_client_get(&g->c, 5000, 0);
	st_http_client_after(&g->c, 50, stop_now);
	uint64_t t0 = uv_hrtime();
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_true((uv_hrtime() - t0) / 1000000 < 2000); /* not the deadline */
	assert_int_equal(g->done, 1);
	assert_int_equal(g->err[0], UV_ECANCELED);
	assert_true(g->c.stopped);
	end_get(&loop, g, &sv);
}

static void
test_client_again(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct srv sv;
	srv_start(&sv, &loop, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
	struct get *g = new_get(&loop, &sv, sv.port);
	g->again = 2; /* done() starts two more GETs */
	st_http_client_get(&g->c, 2000, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(g->done, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(g->err[i], 0);
		assert_string_equal(g->body[i], "hi");
	}
	assert_int_equal(sv.conns, 3); /* a fresh connection each */
	end_get(&loop, g, &sv);
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
		cmocka_unit_test_teardown(test_client_ok, tu_teardown),
		cmocka_unit_test_teardown(test_client_bad_answer, tu_teardown),
		cmocka_unit_test_teardown(test_client_refused, tu_teardown),
		cmocka_unit_test_teardown(test_client_timeout, tu_teardown),
		cmocka_unit_test_teardown(test_client_stop, tu_teardown),
		cmocka_unit_test_teardown(test_client_again, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
