/*
 * source-http.c: http://HOST:PORT/PATH sources, metric endpoints scraped
 * into the timeline (`strata print http://127.0.0.1:9100/metrics`).
 *
 * A scrape is one GET on a fresh connection, on the loop (http-client.c:
 * resolve, connect, request, the response read through http.c, close).
 * Its body is fed to the source's ingest as Prometheus text (the format
 * is locked: no detection), and the samples that carry no time of their
 * own are dated at the scrape: the ingest's anchor, which
 * parsers/prometheus.c reads as the time of the latest "# ... at <time>"
 * comment, is set to the moment the response was complete before its
 * body is fed. Nothing is added to the text. The end, not the start, of the scrape: the exporter reads its
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
 * Lifetime: the source's struct src_http holds the HTTP client (a TCP
 * handle opened per scrape, the timers of the scrape's deadline and of
 * the next scrape, the request and response buffers). When the source
 * ends, the client's timers are closed and its close callback finishes
 * the source; the struct itself is freed with the set.
 *
 * Workload: one body of a few hundred KB per source every few seconds,
 * fed to the ingest in one go (bounded by the response limit, 64 MiB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http-client.h"
#include "source-int.h"

#define SCRAPE_TIMEOUT_MS 10000

struct src_http {
	struct st_source *s;
	struct st_http_client client; /* the scrape under way, if any */
	uint64_t started;         /* loop time this scrape began (ms) */
	st_time at;               /* wall time this scrape ended */
	int said_err;             /* the failure said last (0: none) */
	const char *said_why;
	int said_status;
	unsigned failed_in_row;
	unsigned scrapes, failures; /* in all, for the end (follow) */
	char *last_failure;       /* the latest failure in words (owned) */
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

static void
scrape(struct src_http *h)
{
	struct st_sources *ss = h->s->set;
	h->started = uv_now(ss->loop);
	st_http_client_get(&h->client, timeout_ms(ss), 0); /* deliver follows */
}

static void
on_tick(struct st_http_client *c)
{
	scrape(st_container_of(c, struct src_http, client));
}

/* This scrape's failure in words, or an empty string when it worked. */
static void
describe(const struct src_http *h, char *out, size_t n)
{
	const struct st_http_client *c = &h->client;
	out[0] = '\0';
	if (c->err == UV_ETIMEDOUT)
		snprintf(out, n, "timed out after %.3g s", (double)timeout_ms(h->s->set) / 1000);
	else if (c->err == ST_ETOOBIG && strstr(c->why, "limit") != NULL)
		snprintf(out, n, "%s (%u MiB)", c->why, ST_HTTP_BODY_MAX >> 20);
	else if (c->err < 0 && c->why != NULL && c->err <= ST_EINVAL)
		snprintf(out, n, "%s", c->why); /* http.c's own words */
	else if (c->err < 0 && c->why != NULL)
		snprintf(out, n, "%s: %s", c->why, st_strerror(c->err));
	else if (c->err < 0)
		snprintf(out, n, "%s", st_strerror(c->err));
	else if (c->resp.status != 200)
		snprintf(out, n, "HTTP status %d%s%s", c->resp.status, c->resp.reason[0] ? " " : "",
		         c->resp.reason);
}

static void on_closed(struct st_http_client *c);

/* A scrape is over (http-client.c's done). */
static void
deliver(struct st_http_client *c)
{
	struct src_http *h = st_container_of(c, struct src_http, client);
	struct st_source *s = h->s;
	struct st_sources *ss = s->set;
	h->at = wall_now();
	char what[512];
	describe(h, what, sizeof(what));
	if (c->stopped && c->err != 0) {
		/* stopped in the middle of a scrape: nothing to say */
	} else if (what[0] == '\0') {
		h->scrapes++;
		s->ig.in_record = false; /* no record runs on from the last scrape */
		s->ig.anchor = h->at;    /* samples without a time of their own */
		size_t len = c->resp.body.len;
		st_ingest_feed(&s->ig, c->resp.body.p, len, true);
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
		src_polled_failure(h->s, h->at, "scrape", what);
		h->failed_in_row++;
		h->scrapes++;
		h->failures++;
		free(h->last_failure);
		h->last_failure = st_xstrdup(what);
		free(s->error);
		s->error = st_xstrdup(what);
		bool same = h->said_err == c->err && h->said_why == c->why &&
		            h->said_status == (c->err == 0 ? c->resp.status : 0);
		if (ss->follow && !same)
			fprintf(stderr, "strata: %s: scrape failed: %s%s\n", s->path, what,
			        h->said_err != 0 || h->said_status != 0 ? "" : " (trying again every interval)");
		h->said_err = c->err;
		h->said_why = c->why;
		h->said_status = c->err == 0 ? c->resp.status : 0;
	}
	st_http_client_reset(c);
	if (ss->follow && s->state == SRC_ACTIVE) {
		/* the first scrape is its replay: the next source may start */
		s->state = SRC_FOLLOWING;
		ss->active--;
		st_sources_start(ss);
	}
	if (ss->follow && !c->stopped && !ss->stopping) {
		uint64_t now = uv_now(ss->loop), next = h->started + ss->interval_ms;
		st_http_client_after(c, next > now ? next - now : 0, on_tick);
		return;
	}
	st_http_client_close(c, on_closed); /* the source ends */
}

/* The client's timers are closed: the source ends. */
static void
on_closed(struct st_http_client *c)
{
	struct src_http *h = st_container_of(c, struct src_http, client);
	src_polled_end(h->s, "scrape", "scrapes", h->failures, h->scrapes, h->last_failure);
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
	struct st_http_url url;
	const char *why = NULL;
	if (st_http_url_parse(s->path, &url, &why) < 0) {
		src_fail_msg(s, why); /* checked when added: not reached */
		return;
	}
	st_http_client_init(&h->client, s->set->loop, deliver);
	h->client.url = url;
	st_time now = wall_now();
	st_ingest_init(&s->ig, s->set->store, (unsigned)s->id, s->set->tz, now);
	int f = st_format_find("prometheus");
	if (f >= 0)
		st_ingest_lock(&s->ig, f);
	scrape(h);
}

void
src_http_stop(struct st_source *s)
{
	struct src_http *h = s->http;
	if (h != NULL)
		st_http_client_stop(&h->client, on_closed);
}

void
src_http_free(struct st_source *s)
{
	struct src_http *h = s->http;
	if (h == NULL)
		return;
	st_http_client_free(&h->client);
	free(h->last_failure);
	free(h);
	s->http = NULL;
}
