/*
 * source-http.c: http://HOST:PORT/PATH sources, metric endpoints scraped
 * into the timeline (`strata print http://127.0.0.1:9100/metrics`).
 *
 * A scrape is one GET on a fresh connection, on the loop: resolve the
 * host (uv_getaddrinfo; every address is tried in turn), connect, write
 * the request, read the response through http.c, close. Its body is fed
 * to the source's ingest as Prometheus text (the format is locked: no
 * detection), and the samples that carry no time of their own are dated
 * at the scrape: the ingest's anchor, which parsers/prometheus.c reads as
 * the time of the latest "# ... at <time>" comment, is set to the moment
 * the response was complete before its body is fed. Nothing is added to
 * the text. The end, not the start, of the scrape: the exporter reads its
 * values while it answers, and a live timeline then never gets a scrape's
 * samples after events of other sources that are later than them (which
 * would mark them late) just because the scrape took a while.
 *
 * Without follow, a source is scraped once and a failed scrape fails the
 * source (the run exits 1). With follow, it is scraped at start and then
 * every interval (measured from the start of one scrape to the next)
 * until st_sources_stop; a failure is said on stderr once per kind of
 * failure, and once more when a scrape works again; at the end, a source
 * any of whose scrapes failed is a failed source ("3 of 40 scrapes
 * failed"), so the run exits 1: its series has holes. Every failed scrape
 * is also an event in the timeline, at level error: "scrape of URL
 * failed: connection refused". A scrape gives up after the interval or
 * 10 s, whichever is shorter.
 *
 * Lifetime: the source's struct src_http holds the handles (a TCP handle
 * opened per scrape, two timers for the whole life of the source) and the
 * request and response buffers. When the source ends, its handles are
 * closed and their close callbacks finish it; the struct itself is freed
 * with the set.
 *
 * Workload: one body of a few hundred KB per source every few seconds,
 * fed to the ingest in one go (bounded by the response limit, 64 MiB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "source-int.h"

#define SCRAPE_TIMEOUT_MS 10000

enum phase { PH_IDLE, PH_RESOLVE, PH_CONNECT, PH_EXCHANGE, PH_CLOSING };

struct src_http {
	struct st_source *s;
	struct st_http_url url;
	uv_getaddrinfo_t gai;
	struct addrinfo *ai;      /* the resolved addresses (owned) */
	struct addrinfo *ai_next; /* the next one to try */
	uv_tcp_t tcp;
	uv_connect_t conn;
	uv_write_t wr;
	uv_timer_t timeout;       /* this scrape's deadline */
	uv_timer_t tick;          /* the next scrape */
	struct st_buf req;
	struct st_http_resp resp;
	enum phase phase;
	bool resolving;           /* gai is outstanding */
	bool tcp_open;
	bool tcp_closing;         /* closed to try the next address */
	bool stopping;
	bool ended;
	int handles;              /* timers not closed yet */
	uint64_t started;         /* loop time this scrape began (ms) */
	st_time at;               /* wall time this scrape ended */
	int err;                  /* this scrape's failure (0: none) */
	const char *why;          /* ... in http.c's words, or NULL */
	int said_err;             /* the failure said last (0: none) */
	const char *said_why;
	int said_status;
	unsigned failed_in_row;
	unsigned scrapes, failures; /* in all, for the end (follow) */
	char *last_failure;       /* the latest failure in words (owned) */
	char rbuf[64 << 10];
};

static st_time
wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (st_time)ts.tv_sec * ST_USEC + ts.tv_nsec / 1000;
}

static uint64_t
timeout_ms(const struct st_sources *ss)
{
	return ss->interval_ms < SCRAPE_TIMEOUT_MS ? ss->interval_ms : SCRAPE_TIMEOUT_MS;
}

static void on_tcp_closed(uv_handle_t *hd);
static void deliver(struct src_http *h);

/* End this scrape with err (0: the response is complete). */
static void
finish(struct src_http *h, int err, const char *why)
{
	if (h->phase == PH_IDLE || h->phase == PH_CLOSING)
		return;
	h->phase = PH_CLOSING;
	h->err = err;
	h->why = why;
	uv_timer_stop(&h->timeout);
	if (h->tcp_closing)
		return; /* on_tcp_closed delivers */
	if (h->tcp_open) {
		uv_close((uv_handle_t *)&h->tcp, on_tcp_closed); /* pending requests are cancelled */
		return;
	}
	if (h->resolving) {
		uv_cancel((uv_req_t *)&h->gai); /* on_resolved delivers */
		return;
	}
	deliver(h);
}

static void
on_alloc(uv_handle_t *hd, size_t hint, uv_buf_t *b)
{
	(void)hint;
	struct src_http *h = st_container_of(hd, struct src_http, tcp);
	*b = uv_buf_init(h->rbuf, sizeof(h->rbuf));
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	struct src_http *h = st_container_of(st, struct src_http, tcp);
	if (h->phase != PH_EXCHANGE || nread == 0)
		return;
	int rc;
	if (nread == UV_EOF)
		rc = st_http_resp_eof(&h->resp);
	else if (nread < 0) {
		finish(h, (int)nread, NULL);
		return;
	} else
		rc = st_http_resp_feed(&h->resp, b->base, (size_t)nread);
	if (rc == 1)
		finish(h, 0, NULL);
	else if (rc < 0)
		finish(h, rc, h->resp.why);
}

static void
on_written(uv_write_t *req, int status)
{
	struct src_http *h = st_container_of(req, struct src_http, wr);
	/* a server may answer and close before reading all of the request:
	 * a failed write only matters when no response comes */
	(void)h;
	(void)status;
}

static void connect_next(struct src_http *h);

static void
on_connect(uv_connect_t *req, int status)
{
	struct src_http *h = st_container_of(req, struct src_http, conn);
	if (h->phase != PH_CONNECT)
		return; /* cancelled by finish: the close callback follows */
	if (status < 0) {
		h->err = status;
		if (h->ai_next != NULL) {
			h->tcp_closing = true;
			uv_close((uv_handle_t *)&h->tcp, on_tcp_closed); /* then the next address */
			return;
		}
		finish(h, status, NULL);
		return;
	}
	h->phase = PH_EXCHANGE;
	h->req.len = 0;
	st_http_request(&h->url, &h->req);
	uv_buf_t b = uv_buf_init(h->req.p, (unsigned)h->req.len);
	int rc = uv_write(&h->wr, (uv_stream_t *)&h->tcp, &b, 1, on_written);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&h->tcp, on_alloc, on_read);
	if (rc < 0)
		finish(h, rc, NULL);
}

static void
connect_next(struct src_http *h)
{
	const struct addrinfo *a = h->ai_next;
	h->ai_next = a->ai_next;
	int rc = uv_tcp_init(h->s->set->loop, &h->tcp);
	if (rc < 0) {
		finish(h, rc, NULL);
		return;
	}
	h->tcp_open = true;
	rc = uv_tcp_connect(&h->conn, &h->tcp, a->ai_addr, on_connect);
	if (rc < 0) {
		h->err = rc;
		if (h->ai_next != NULL) {
			h->tcp_closing = true;
			uv_close((uv_handle_t *)&h->tcp, on_tcp_closed);
		} else
			finish(h, rc, NULL);
	}
}

static void
on_tcp_closed(uv_handle_t *hd)
{
	struct src_http *h = st_container_of(hd, struct src_http, tcp);
	h->tcp_open = false;
	h->tcp_closing = false;
	if (h->phase == PH_CONNECT)
		connect_next(h); /* the previous address refused */
	else
		deliver(h);
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct src_http *h = st_container_of(req, struct src_http, gai);
	h->resolving = false;
	if (h->phase == PH_CLOSING) { /* timed out or stopped meanwhile */
		uv_freeaddrinfo(res);
		deliver(h);
		return;
	}
	if (status < 0 || res == NULL) {
		uv_freeaddrinfo(res);
		finish(h, status < 0 ? status : UV_EAI_NONAME, "cannot resolve the host");
		return;
	}
	h->ai = h->ai_next = res;
	h->phase = PH_CONNECT;
	connect_next(h);
}

static void
on_timeout(uv_timer_t *t)
{
	struct src_http *h = st_container_of(t, struct src_http, timeout);
	finish(h, UV_ETIMEDOUT, NULL);
}

static void
scrape(struct src_http *h)
{
	struct st_sources *ss = h->s->set;
	h->started = uv_now(ss->loop);
	h->err = 0;
	h->why = NULL;
	st_http_resp_init(&h->resp, 0);
	h->phase = PH_RESOLVE;
	uv_timer_start(&h->timeout, on_timeout, timeout_ms(ss), 0);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	int rc = uv_getaddrinfo(ss->loop, &h->gai, on_resolved, h->url.host, h->url.port, &hints);
	if (rc < 0) {
		finish(h, rc, "cannot resolve the host");
		return;
	}
	h->resolving = true;
}

static void
on_tick(uv_timer_t *t)
{
	struct src_http *h = st_container_of(t, struct src_http, tick);
	scrape(h);
}

/* This scrape's failure in words, or an empty string when it worked. */
static void
describe(const struct src_http *h, char *out, size_t n)
{
	out[0] = '\0';
	if (h->err == UV_ETIMEDOUT)
		snprintf(out, n, "timed out after %.3g s", (double)timeout_ms(h->s->set) / 1000);
	else if (h->err == ST_ETOOBIG && strstr(h->why, "limit") != NULL)
		snprintf(out, n, "%s (%u MiB)", h->why, ST_HTTP_BODY_MAX >> 20);
	else if (h->err < 0 && h->why != NULL && h->err <= ST_EINVAL)
		snprintf(out, n, "%s", h->why); /* http.c's own words */
	else if (h->err < 0 && h->why != NULL)
		snprintf(out, n, "%s: %s", h->why, st_strerror(h->err));
	else if (h->err < 0)
		snprintf(out, n, "%s", st_strerror(h->err));
	else if (h->resp.status != 200)
		snprintf(out, n, "HTTP status %d%s%s", h->resp.status, h->resp.reason[0] ? " " : "",
		         h->resp.reason);
}

/* The failure as an event in the timeline, at the scrape's time. */
static void
failure_event(struct src_http *h, const char *what)
{
	struct st_source *s = h->s;
	char text[1024];
	int n = snprintf(text, sizeof(text), "scrape of %s failed: %s", s->path, what);
	if (n < 0)
		return;
	struct st_draft d = {.ts = h->at, .level = ST_LVL_ERROR, .kind = ST_KIND_LOG, .body = 0};
	s->ig.lineno++;
	st_store_append(s->set->store, s->ig.src, s->ig.lineno, &d, 0xff, 0, text,
	                ST_MIN((size_t)n, sizeof(text) - 1));
	s->ig.stats.events++;
	s->ig.stats.timed++;
	s->ig.in_record = false;
}

static void end_source(struct src_http *h);

static void
deliver(struct src_http *h)
{
	struct st_source *s = h->s;
	struct st_sources *ss = s->set;
	uv_freeaddrinfo(h->ai);
	h->ai = h->ai_next = NULL;
	h->phase = PH_IDLE;
	h->at = wall_now();
	char what[512];
	describe(h, what, sizeof(what));
	if (h->stopping && h->err != 0) {
		/* stopped in the middle of a scrape: nothing to say */
	} else if (what[0] == '\0') {
		h->scrapes++;
		s->ig.in_record = false; /* no record runs on from the last scrape */
		s->ig.anchor = h->at;    /* samples without a time of their own */
		size_t len = h->resp.body.len;
		st_ingest_feed(&s->ig, h->resp.body.p, len, true);
		s->ig.stats.bytes += len;
		ss->bytes += len;
		if (h->failed_in_row > 0 && ss->follow)
			fprintf(stderr, "strata: %s: scrape works again (after %u failed)\n", s->path,
			        h->failed_in_row);
		h->failed_in_row = 0;
		free(s->error);
		s->error = NULL;
		h->said_err = 0;
		h->said_why = NULL;
		h->said_status = 0;
	} else {
		failure_event(h, what);
		h->failed_in_row++;
		h->scrapes++;
		h->failures++;
		free(h->last_failure);
		h->last_failure = st_xstrdup(what);
		free(s->error);
		s->error = st_xstrdup(what);
		bool same = h->said_err == h->err && h->said_why == h->why &&
		            h->said_status == (h->err == 0 ? h->resp.status : 0);
		if (ss->follow && !same)
			fprintf(stderr, "strata: %s: scrape failed: %s%s\n", s->path, what,
			        h->said_err != 0 || h->said_status != 0 ? "" : " (trying again every interval)");
		h->said_err = h->err;
		h->said_why = h->why;
		h->said_status = h->err == 0 ? h->resp.status : 0;
	}
	st_http_resp_free(&h->resp);
	memset(&h->resp.body, 0, sizeof(h->resp.body));
	if (ss->follow && s->state == SRC_ACTIVE) {
		/* the first scrape is its replay: the next source may start */
		s->state = SRC_FOLLOWING;
		ss->active--;
		st_sources_start(ss);
	}
	if (ss->follow && !h->stopping && !ss->stopping) {
		uint64_t now = uv_now(ss->loop), next = h->started + ss->interval_ms;
		uv_timer_start(&h->tick, on_tick, next > now ? next - now : 0, 0);
		return;
	}
	end_source(h);
}

static void
on_timer_closed(uv_handle_t *hd)
{
	struct src_http *h = hd->data;
	if (--h->handles > 0)
		return;
	struct st_source *s = h->s;
	st_buf_free(&h->req);
	if (s->error != NULL && !s->set->follow) {
		char *msg = s->error;
		s->error = NULL;
		char line[600];
		snprintf(line, sizeof(line), "scrape failed: %s", msg);
		free(msg);
		src_fail_msg(s, line);
	} else if (h->failures > 0 && s->set->follow) {
		/* the series has holes: the run says so in its status too */
		char line[700];
		snprintf(line, sizeof(line), "%u of %u scrapes failed (the last: %s)", h->failures,
		         h->scrapes, h->last_failure ? h->last_failure : "?");
		bool active = s->state == SRC_ACTIVE;
		src_fail_msg(s, line);
		if (active)
			return; /* src_fail_msg freed the slot and started the next */
	} else if (s->state == SRC_ACTIVE) {
		src_done(s);
	} else if (s->state == SRC_FOLLOWING) {
		s->state = SRC_DONE;
	}
}

static void
end_source(struct src_http *h)
{
	if (h->ended)
		return;
	h->ended = true;
	uv_close((uv_handle_t *)&h->timeout, on_timer_closed);
	uv_close((uv_handle_t *)&h->tick, on_timer_closed);
}

int
src_http_check(const char *url, const char **why)
{
	struct st_http_url u;
	return st_http_url_parse(url, &u, why);
}

void
src_http_start(struct st_source *s)
{
	struct src_http *h = st_xcalloc(1, sizeof(*h));
	s->http = h;
	h->s = s;
	const char *why = NULL;
	if (st_http_url_parse(s->path, &h->url, &why) < 0) {
		src_fail_msg(s, why); /* checked when added: not reached */
		return;
	}
	st_time now = wall_now();
	st_ingest_init(&s->ig, s->set->store, (unsigned)s->id, s->set->tz, now);
	int f = st_format_find("prometheus");
	if (f >= 0)
		st_ingest_lock(&s->ig, f);
	uv_timer_init(s->set->loop, &h->timeout);
	uv_timer_init(s->set->loop, &h->tick);
	h->timeout.data = h->tick.data = h;
	h->handles = 2;
	scrape(h);
}

void
src_http_stop(struct st_source *s)
{
	struct src_http *h = s->http;
	if (h == NULL || h->stopping || h->ended)
		return;
	h->stopping = true;
	/* the timers close now: the run closes whatever is left open after
	 * the sources' stops, and a scrape may still be resolving then */
	end_source(h);
	finish(h, UV_ECANCELED, NULL);
}

void
src_http_free(struct st_source *s)
{
	struct src_http *h = s->http;
	if (h == NULL)
		return;
	st_buf_free(&h->req);
	st_http_resp_free(&h->resp);
	uv_freeaddrinfo(h->ai);
	free(h->last_failure);
	free(h);
	s->http = NULL;
}
