/*
 * http-client.h: one HTTP GET at a time on the loop, for the sources that
 * poll an HTTP endpoint (private to the core): http:// scrapes
 * (source-http.c) and prometheus:// queries (source-prom.c).
 *
 * An exchange is a GET on a fresh connection: resolve the host
 * (uv_getaddrinfo; every address is tried in turn until one connects),
 * connect, write the request (http.c: Connection: close), read the
 * response through http.c's reader up to a body limit, close. A deadline
 * covers the whole exchange. Whatever happens, done() is called once per
 * st_http_client_get, after the connection is closed, with the outcome in
 * err, why and resp; it may be called from within st_http_client_get (the
 * host cannot be resolved at all) and may start the next exchange.
 *
 * The caller embeds the client in its own struct (recovering it in done()
 * with st_container_of) and owns the schedule: when to ask (it may have
 * the client call it back later, st_http_client_after), what to do with
 * the answer. The client's lasting handles are two timers, the deadline
 * and the one of st_http_client_after: st_http_client_close closes them
 * (the caller's end), and st_http_client_free frees the buffers after.
 *
 * Ownership: resp (its body) is the client's, valid in done() until the
 * next st_http_client_get or st_http_client_reset; why is static text.
 */
#ifndef STRATA_HTTP_CLIENT_H
#define STRATA_HTTP_CLIENT_H

#include <uv.h>

#include "http.h"

struct st_http_client;
typedef void (*st_http_client_cb)(struct st_http_client *c);

struct st_http_client {
	struct st_http_url url;   /* what to GET: set before each st_http_client_get */

	/* the outcome, for done() */
	int err;                  /* 0: a whole response in resp (any status);
	                           * else UV_ETIMEDOUT, UV_ECANCELED, a libuv
	                           * error, or http.c's ST_E* code */
	const char *why;          /* http.c's words for err, "cannot resolve
	                           * the host", or NULL */
	struct st_http_resp resp; /* status, reason and body */
	bool stopped;             /* st_http_client_stop was called */

	/* private */
	uv_loop_t *loop;
	st_http_client_cb done, later_cb, closed;
	int phase;
	int timers;               /* timers not closed yet */
	bool closing;             /* st_http_client_close was called */
	uv_getaddrinfo_t gai;
	struct addrinfo *ai;      /* the resolved addresses (owned) */
	struct addrinfo *ai_next; /* the next one to try */
	uv_tcp_t tcp;             /* open per exchange */
	uv_connect_t conn;
	uv_write_t wr;
	uv_timer_t timeout;       /* the exchange's deadline */
	uv_timer_t later;         /* st_http_client_after's */
	struct st_buf req;
	bool resolving;           /* gai is outstanding */
	bool tcp_open;
	bool tcp_closing;         /* closed to try the next address */
	char rbuf[64 << 10];
};

/* Set the client up on loop (its timers); done is called after each GET. */
void st_http_client_init(struct st_http_client *c, uv_loop_t *loop, st_http_client_cb done);

/*
 * GET c->url: done() follows. timeout_ms covers the whole exchange;
 * max_body limits the body (0: http.h's ST_HTTP_BODY_MAX). Only when no
 * exchange is under way.
 */
void st_http_client_get(struct st_http_client *c, uint64_t timeout_ms, size_t max_body);

/* End the exchange under way now with err (done() follows, at once or
 * once the connection is closed); nothing when there is none. */
void st_http_client_cancel(struct st_http_client *c, int err);

/* Call later_cb(c) in delay_ms (0: on the next loop pass), for instance
 * to GET again; a call before the last one came replaces it. */
void st_http_client_after(struct st_http_client *c, uint64_t delay_ms, st_http_client_cb later_cb);

/* Free resp's body; done() calls it when it has taken the body. */
void st_http_client_reset(struct st_http_client *c);

/* Close the timers (what st_http_client_after set is dropped); closed(c)
 * follows once both are closed. An exchange under way goes on without
 * its deadline. Once only: later calls, and st_http_client_stop after
 * it, do nothing (as on a client never set up, zeroed). */
void st_http_client_close(struct st_http_client *c, st_http_client_cb closed);

/* The caller stops polling now: set stopped, close the timers as
 * st_http_client_close does, and cancel the exchange under way (its
 * done() comes with err UV_ECANCELED, maybe after closed()). */
void st_http_client_stop(struct st_http_client *c, st_http_client_cb closed);

/* Free what the client holds; its timers must be closed (or never set up). */
void st_http_client_free(struct st_http_client *c);

#endif
