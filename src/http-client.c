/*
 * http-client.c: one HTTP GET at a time on the loop (see http-client.h).
 *
 * An exchange goes through phases: RESOLVE (uv_getaddrinfo outstanding),
 * CONNECT (a TCP handle per address tried, in the order the resolver
 * gave them), EXCHANGE (the request written, the response read through
 * http.c), then CLOSING once finish() has decided the outcome: the
 * deadline is stopped and whatever is still open (the resolution, the
 * TCP handle, whose pending write and read are cancelled by its close)
 * ends first; deliver() then frees the addresses, goes back to IDLE and
 * calls done(). So done() never runs with a handle of the exchange open,
 * and the client may start the next exchange from it.
 *
 * Bounds: one read buffer of 64 KiB per client; the response as http.c
 * bounds it (the body by the caller's limit). Workload: a GET every few
 * seconds per source; nothing here is hot.
 */
#include <string.h>

#include "http-client.h"

enum { PH_IDLE, PH_RESOLVE, PH_CONNECT, PH_EXCHANGE, PH_CLOSING };

static void on_tcp_closed(uv_handle_t *hd);

static void
deliver(struct st_http_client *c)
{
	uv_freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;
	c->phase = PH_IDLE;
	c->done(c);
}

/* End this exchange with err (0: the response is complete). */
static void
finish(struct st_http_client *c, int err, const char *why)
{
	if (c->phase == PH_IDLE || c->phase == PH_CLOSING)
		return;
	c->phase = PH_CLOSING;
	c->err = err;
	c->why = why;
	uv_timer_stop(&c->timeout);
	if (c->tcp_closing)
		return; /* on_tcp_closed delivers */
	if (c->tcp_open) {
		uv_close((uv_handle_t *)&c->tcp, on_tcp_closed); /* pending requests are cancelled */
		return;
	}
	if (c->resolving) {
		uv_cancel((uv_req_t *)&c->gai); /* on_resolved delivers */
		return;
	}
	deliver(c);
}

static void
on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *b)
{
	(void)hint;
	struct st_http_client *c = st_container_of(hd, struct st_http_client, tcp);
	*b = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	struct st_http_client *c = st_container_of(st, struct st_http_client, tcp);
	if (c->phase != PH_EXCHANGE || nread == 0)
		return;
	int rc;
	if (nread == UV_EOF)
		rc = st_http_resp_eof(&c->resp);
	else if (nread < 0) {
		finish(c, (int)nread, NULL);
		return;
	} else
		rc = st_http_resp_feed(&c->resp, b->base, (size_t)nread);
	if (rc == 1)
		finish(c, 0, NULL);
	else if (rc < 0)
		finish(c, rc, c->resp.why);
}

static void
on_written(uv_write_t *req, int status)
{
	/* a server may answer and close before reading all of the request:
	 * a failed write only matters when no response comes */
	(void)req;
	(void)status;
}

static void connect_next(struct st_http_client *c);

/* This address refused (err): close its handle and try the next one;
 * false when there is none left. */
static bool
try_next(struct st_http_client *c, int err)
{
	c->err = err;
	if (c->ai_next == NULL)
		return false;
	c->tcp_closing = true;
	uv_close((uv_handle_t *)&c->tcp, on_tcp_closed); /* then connect_next */
	return true;
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct st_http_client *c = st_container_of(req, struct st_http_client, conn);
	if (c->phase != PH_CONNECT)
		return; /* cancelled by finish: the close callback follows */
	if (status < 0) {
		if (!try_next(c, status))
			finish(c, status, NULL);
		return;
	}
	c->phase = PH_EXCHANGE;
	c->req.len = 0;
	st_http_request(&c->url, &c->req);
	uv_buf_t b = uv_buf_init(c->req.p, (unsigned)c->req.len);
	int rc = uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_written);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	if (rc < 0)
		finish(c, rc, NULL);
}

static void
connect_next(struct st_http_client *c)
{
	const struct addrinfo *a = c->ai_next;
	c->ai_next = a->ai_next;
	int rc = uv_tcp_init(c->loop, &c->tcp);
	if (rc < 0) {
		finish(c, rc, NULL);
		return;
	}
	c->tcp_open = true;
	rc = uv_tcp_connect(&c->conn, &c->tcp, a->ai_addr, on_connect);
	if (rc < 0 && !try_next(c, rc))
		finish(c, rc, NULL);
}

static void
on_tcp_closed(uv_handle_t *hd)
{
	struct st_http_client *c = st_container_of(hd, struct st_http_client, tcp);
	c->tcp_open = false;
	c->tcp_closing = false;
	if (c->phase == PH_CONNECT)
		connect_next(c); /* the previous address refused */
	else
		deliver(c);
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct st_http_client *c = st_container_of(req, struct st_http_client, gai);
	c->resolving = false;
	if (c->phase == PH_CLOSING) { /* timed out or cancelled meanwhile */
		uv_freeaddrinfo(res);
		deliver(c);
		return;
	}
	if (status < 0 || res == NULL) {
		uv_freeaddrinfo(res);
		finish(c, status < 0 ? status : UV_EAI_NONAME, "cannot resolve the host");
		return;
	}
	c->ai = c->ai_next = res;
	c->phase = PH_CONNECT;
	connect_next(c);
}

static void
on_timeout(uv_timer_t *t)
{
	struct st_http_client *c = st_container_of(t, struct st_http_client, timeout);
	finish(c, UV_ETIMEDOUT, NULL);
}

void
st_http_client_init(struct st_http_client *c, uv_loop_t *loop, st_http_client_cb done)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->done = done;
	c->phase = PH_IDLE;
	uv_timer_init(loop, &c->timeout);
	uv_timer_init(loop, &c->later);
	c->timers = 2;
}

void
st_http_client_get(struct st_http_client *c, uint64_t timeout_ms, size_t max_body)
{
	c->err = 0;
	c->why = NULL;
	st_http_resp_init(&c->resp, max_body);
	c->phase = PH_RESOLVE;
	uv_timer_start(&c->timeout, on_timeout, timeout_ms, 0);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	int rc = uv_getaddrinfo(c->loop, &c->gai, on_resolved, c->url.host, c->url.port, &hints);
	if (rc < 0) {
		finish(c, rc, "cannot resolve the host");
		return;
	}
	c->resolving = true;
}

void
st_http_client_cancel(struct st_http_client *c, int err)
{
	finish(c, err, NULL);
}

void
st_http_client_reset(struct st_http_client *c)
{
	st_http_resp_free(&c->resp);
	memset(&c->resp.body, 0, sizeof(c->resp.body));
}

static void
on_later(uv_timer_t *t)
{
	struct st_http_client *c = st_container_of(t, struct st_http_client, later);
	c->later_cb(c);
}

void
st_http_client_after(struct st_http_client *c, uint64_t delay_ms, st_http_client_cb later_cb)
{
	c->later_cb = later_cb;
	uv_timer_start(&c->later, on_later, delay_ms, 0);
}

static void
on_timer_closed(uv_handle_t *hd)
{
	struct st_http_client *c = hd->data;
	if (--c->timers == 0)
		c->closed(c);
}

void
st_http_client_close(struct st_http_client *c, st_http_client_cb closed)
{
	if (c->loop == NULL || c->closing)
		return; /* never set up, or closed already */
	c->closing = true;
	c->closed = closed;
	c->timeout.data = c->later.data = c;
	uv_close((uv_handle_t *)&c->timeout, on_timer_closed);
	uv_close((uv_handle_t *)&c->later, on_timer_closed);
}

void
st_http_client_stop(struct st_http_client *c, st_http_client_cb closed)
{
	if (c->loop == NULL || c->closing)
		return;
	c->stopped = true;
	/* the timers close now: the run closes whatever is left open after
	 * the sources' stops, and an exchange may still be resolving then */
	st_http_client_close(c, closed);
	finish(c, UV_ECANCELED, NULL);
}

void
st_http_client_free(struct st_http_client *c)
{
	st_buf_free(&c->req);
	st_http_resp_free(&c->resp);
	uv_freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;
}
