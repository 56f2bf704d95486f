/*
 * source-prom.c: the Prometheus HTTP API as a metric source, in two
 * forms, both read through promapi.c (an answer becomes exposition
 * lines, "name{labels} value time_ms", fed to the ingest locked to the
 * prometheus format, so every sample is a metric event at its own time).
 *
 * 1. A saved answer (`curl .../api/v1/query_range?... > saved.json`),
 *    in a file, on standard input, out of a command or a compressed file:
 *    src_take hands every source's first bytes to src_api_take, which
 *    recognises an answer (st_promapi_sniff) and from then on collects
 *    the whole document in the source's buffer (an answer is one JSON
 *    value: it cannot be read line by line), up to ST_PROMAPI_DOC_MAX;
 *    at its end it is converted. A source that is no answer costs one
 *    look at its first bytes. A mapped file's first bytes are looked at
 *    by source-file.c, which reads an answer through the copy path.
 *    Too big, malformed, or an error answer: the source fails with a
 *    message (the samples before a malformed part are kept).
 *
 * 2. prometheus://HOST[:PORT][/PREFIX]/?query=EXPR[&step=DURATION]: a
 *    running Prometheus, asked /api/v1/query_range for the window:
 *    --since and --until when given (set by st_sources_set_window), else
 *    the last hour up to now. The step is step= of the URL, else
 *    --interval (15 s), made coarser for the first query when the window
 *    would need more than 11,000 points (Prometheus' limit). Under -f it
 *    is then asked again every step for the range from the last point
 *    asked (one point overlaps, in case a series came late) up to now;
 *    the newest time of every series is remembered (st_promapi_seen), so
 *    no sample is printed twice. A query's failure (no connection, an
 *    HTTP status, Prometheus' own error, a malformed answer, none within
 *    30 s) is an error event in the timeline and, like http:// scrapes
 *    (source-http.c, whose pattern this follows: one GET per query on a
 *    fresh connection through http-client.c, the same lifetime rules),
 *    fails the source without -f, and is said once per kind under -f,
 *    where at the end a source any of whose queries failed is failed too
 *    ("2 of 40 queries failed"): its series have holes.
 *
 *    Series without __name__ (rate(...), sum by (...)) are named after
 *    the query (st_promapi_name: "rate(x[5m])" -> rate_x_5m); in a saved
 *    answer, where the query is not known, they are "query_result".
 *
 * Workload: a saved answer is read once (its buffer and the store's copy
 * of the lines); a live source makes one request per step, each answer at
 * most ST_PROMAPI_DOC_MAX, converted in one go on the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http-client.h"
#include "promapi.h"
#include "source-int.h"

#define QUERY_TIMEOUT_MS 30000
#define WINDOW_DEFAULT_MS (3600 * 1000LL)
#define POINTS_MAX 11000 /* Prometheus refuses more per series */
#define PORT_DEFAULT "9090"

enum { API_UNKNOWN = 0, API_PLAIN, API_DOC, API_TOOBIG };

void
st_sources_set_window(struct st_sources *ss, st_time since, st_time until)
{
	ss->since = since;
	ss->until = until;
	ss->window = true;
}

/* ---- saved answers */

/* Feed a chunk of lines made by the converter. */
static void
feed_lines(void *arg, const char *lines, size_t len)
{
	struct st_ingest *ig = arg;
	st_ingest_feed(ig, lines, len, false);
}

static void
lock_prometheus(struct st_ingest *ig)
{
	int f = st_format_find("prometheus");
	if (f >= 0)
		st_ingest_lock(ig, f);
}

/* What the converter noticed beside the samples, on stderr. */
static void
say_notes(const char *path, const struct st_promapi_res *r)
{
	if (r->warnings > 0)
		fprintf(stderr, "strata: %s: Prometheus warns: %s%s\n", path, r->warning,
		        r->warnings > 1 ? " (and more)" : "");
	if (r->histograms > 0)
		fprintf(stderr,
		        "strata: %s: %llu native histogram sample%s skipped (not supported yet)\n",
		        path, (unsigned long long)r->histograms, r->histograms == 1 ? "" : "s");
}

static void
convert_doc(struct st_source *s)
{
	struct st_promapi_opts o = {.emit = feed_lines, .arg = &s->ig};
	struct st_promapi_res r;
	lock_prometheus(&s->ig);
	int rc = st_promapi_convert(s->buf, s->len, &o, &r);
	s->len = 0;
	say_notes(s->path, &r);
	if (rc < 0) {
		char msg[700];
		if (r.api_error)
			snprintf(msg, sizeof(msg),
			         "a Prometheus API answer saying the query failed: %s", r.msg);
		else
			snprintf(msg, sizeof(msg),
			         "a malformed Prometheus API answer, read up to %s", r.msg);
		src_fail_msg(s, msg);
	}
}

bool
src_api_doc(const struct st_source *s)
{
	return s->api == API_DOC || s->api == API_TOOBIG;
}

bool
src_api_head(const char *p, size_t n)
{
	return st_promapi_sniff(p, n, true) == ST_PROMAPI_YES;
}

bool
src_api_take(struct st_source *s, size_t *nread, bool eof)
{
	if (s->api == API_PLAIN)
		return false;
	if (s->api == API_UNKNOWN) {
		switch (st_promapi_sniff(s->buf, s->len, eof)) {
		case ST_PROMAPI_MORE:
			return true; /* held, not counted yet */
		case ST_PROMAPI_NO:
			s->api = API_PLAIN;
			*nread = s->len; /* the bytes held count now */
			return false;
		case ST_PROMAPI_YES:
			s->api = API_DOC;
			*nread = s->len;
			break;
		}
	}
	s->ig.stats.bytes += *nread;
	s->set->bytes += *nread;
	if (s->api == API_DOC && s->len > ST_PROMAPI_DOC_MAX)
		s->api = API_TOOBIG;
	if (s->api == API_TOOBIG)
		s->len = 0; /* read to the end, kept no more */
	if (eof) {
		if (s->api == API_TOOBIG) {
			char msg[200];
			snprintf(msg, sizeof(msg),
			         "a Prometheus API answer over %u MiB: not read (save a "
			         "shorter range or a coarser step)",
			         ST_PROMAPI_DOC_MAX >> 20);
			src_fail_msg(s, msg);
		} else {
			convert_doc(s);
		}
		return true;
	}
	/* Readers read into the free end of the buffer: keep room there (and
	 * never let it fill, which src_buf_room would take as one long line). */
	if (s->cap - s->len < (64u << 10)) {
		size_t cap = ST_MIN(s->cap * 2, (size_t)ST_PROMAPI_DOC_MAX + ST_READ_CHUNK);
		if (cap > s->cap) {
			s->buf = st_xreallocarray(s->buf, cap, 1);
			s->cap = cap;
		}
	}
	return true;
}

/* ---- prometheus:// URLs */

struct prom_url {
	char *http;          /* "http://HOST:PORT/" for st_http_url_parse */
	char *base;          /* the path up to the query, ending in '/' */
	struct st_buf query; /* the query, decoded */
	struct st_buf extra; /* other parameters, "&k=v" each, encoded */
	uint64_t step_ms;    /* 0: not given */
};

static void
prom_url_free(struct prom_url *u)
{
	free(u->http);
	free(u->base);
	st_buf_free(&u->query);
	st_buf_free(&u->extra);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode p[0..n) (a '%' without two hex digits stays: PromQL's
 * modulo) into out. '+' stays '+': it is PromQL's plus far more often
 * than a form's space. */
static void
url_decode(const char *p, size_t n, struct st_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
			st_buf_addc(out, (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2])));
			i += 2;
		} else {
			st_buf_addc(out, p[i]);
		}
	}
}

static void
url_encode(const char *p, size_t n, struct st_buf *out)
{
	static const char hexd[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			st_buf_addc(out, (char)c);
		} else {
			st_buf_addc(out, '%');
			st_buf_addc(out, hexd[c >> 4]);
			st_buf_addc(out, hexd[c & 15]);
		}
	}
}

/* A Prometheus duration: "15s", "1m30s", "500ms", "2h", "1d", "1w", or
 * seconds ("15", "0.5"). 1 ms to 365 days. */
static bool
parse_step(const char *p, size_t n, uint64_t *ms)
{
	uint64_t total = 0;
	size_t i = 0;
	if (n == 0)
		return false;
	/* plain seconds, with an optional fraction */
	size_t k = 0;
	while (k < n && ((p[k] >= '0' && p[k] <= '9') || p[k] == '.'))
		k++;
	if (k == n) {
		uint64_t whole = 0, frac = 0, scale = 1000;
		bool point = false, any = false;
		for (k = 0; k < n; k++) {
			if (p[k] == '.') {
				if (point)
					return false;
				point = true;
				continue;
			}
			any = true;
			if (!point && whole < 1000000000)
				whole = whole * 10 + (uint64_t)(p[k] - '0');
			else if (point && scale > 1) {
				scale /= 10;
				frac += (uint64_t)(p[k] - '0') * scale;
			}
		}
		total = whole * 1000 + frac;
		*ms = total;
		return any && total >= 1 && total <= 365ULL * 86400 * 1000;
	}
	while (i < n) {
		uint64_t v = 0;
		size_t d0 = i;
		while (i < n && p[i] >= '0' && p[i] <= '9' && v < 1000000000)
			v = v * 10 + (uint64_t)(p[i++] - '0');
		if (i == d0 || i == n)
			return false;
		uint64_t unit;
		if (i + 1 < n && p[i] == 'm' && p[i + 1] == 's') {
			unit = 1;
			i += 2;
		} else {
			switch (p[i++]) {
			case 's':
				unit = 1000;
				break;
			case 'm':
				unit = 60000;
				break;
			case 'h':
				unit = 3600000;
				break;
			case 'd':
				unit = 86400000;
				break;
			case 'w':
				unit = 7 * 86400000ULL;
				break;
			default:
				return false;
			}
		}
		total += v * unit;
		if (total > 365ULL * 86400 * 1000)
			return false;
	}
	*ms = total;
	return total >= 1;
}

static int
prom_url_parse(const char *url, struct prom_url *u, const char **why)
{
	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "prometheus://", 13) != 0) {
		*why = "not a prometheus:// URL";
		return ST_EINVAL;
	}
	const char *a = url + 13;
	size_t alen = strcspn(a, "/?");
	const char *path = a + alen;
	size_t plen = strcspn(path, "?");
	const char *qs = path[plen] == '?' ? path + plen + 1 : NULL;
	/* host and port through http.c; Prometheus listens on 9090 */
	bool port;
	if (alen > 0 && a[0] == '[') { /* [::1] or [::1]:9090 */
		const char *close = memchr(a, ']', alen);
		port = close != NULL && close + 1 < a + alen && close[1] == ':';
	} else {
		port = memchr(a, ':', alen) != NULL;
	}
	struct st_buf h = {0};
	st_buf_adds(&h, "http://");
	st_buf_add(&h, a, alen);
	if (!port)
		st_buf_adds(&h, ":" PORT_DEFAULT);
	st_buf_add(&h, "/", 2); /* and the NUL */
	u->http = h.p;
	struct st_http_url hu;
	if (st_http_url_parse(u->http, &hu, why) < 0)
		return ST_EINVAL;
	/* the path prefix (a Prometheus under --web.route-prefix) */
	for (size_t i = 0; i < plen; i++)
		if ((unsigned char)path[i] <= 0x20 || path[i] == 0x7f) {
			*why = "a space or control character in the path";
			return ST_EINVAL;
		}
	size_t blen = plen + 3;
	u->base = st_xmalloc(blen);
	snprintf(u->base, blen, "%s%.*s", plen > 0 && path[0] == '/' ? "" : "/", (int)plen, path);
	if (u->base[strlen(u->base) - 1] != '/')
		strcat(u->base, "/");
	bool have_query = false;
	while (qs != NULL && *qs != '\0') {
		size_t len = strcspn(qs, "&");
		const char *eq = memchr(qs, '=', len);
		size_t klen = eq ? (size_t)(eq - qs) : len;
		const char *v = eq ? eq + 1 : qs + len;
		size_t vlen = (size_t)(qs + len - v);
		if (klen == 5 && memcmp(qs, "query", 5) == 0) {
			u->query.len = 0;
			url_decode(v, vlen, &u->query);
			have_query = true;
		} else if (klen == 4 && memcmp(qs, "step", 4) == 0) {
			struct st_buf sv = {0};
			url_decode(v, vlen, &sv);
			bool ok = parse_step(sv.p, sv.len, &u->step_ms);
			st_buf_free(&sv);
			if (!ok) {
				*why = "step= takes a duration such as 15s, 1m or 500ms "
				       "(1ms to 365d)";
				return ST_EINVAL;
			}
		} else if ((klen == 5 && memcmp(qs, "start", 5) == 0) ||
		           (klen == 3 && memcmp(qs, "end", 3) == 0) ||
		           (klen == 4 && memcmp(qs, "time", 4) == 0)) {
			*why = "start=, end= and time= are set by strata: choose the window with "
			       "--since and --until";
			return ST_EINVAL;
		} else if (len > 0) {
			/* passed on as given (timeout=, dedup=, ...) */
			struct st_buf dv = {0};
			st_buf_addc(&u->extra, '&');
			url_decode(qs, klen, &dv);
			url_encode(dv.p, dv.len, &u->extra);
			st_buf_addc(&u->extra, '=');
			dv.len = 0;
			url_decode(v, vlen, &dv);
			url_encode(dv.p, dv.len, &u->extra);
			st_buf_free(&dv);
		}
		qs += len;
		if (*qs == '&')
			qs++;
	}
	if (!have_query || u->query.len == 0) {
		*why = "no query: write prometheus://HOST:PORT/?query=EXPR (step=15s optional)";
		return ST_EINVAL;
	}
	/* the request's path must fit http.c's bound, with the times and step */
	struct st_buf enc = {0};
	url_encode(u->query.p, u->query.len, &enc);
	size_t need =
	        strlen(u->base) + sizeof("api/v1/query_range?query=") + enc.len + u->extra.len + 80;
	st_buf_free(&enc);
	if (need > ST_HTTP_PATH_MAX) {
		*why = "the query is too long for a GET request (over 2048 bytes once encoded)";
		return ST_EINVAL;
	}
	return 0;
}

int
src_prom_check(const char *url, const char **why)
{
	struct prom_url u;
	int rc = prom_url_parse(url, &u, why);
	prom_url_free(&u);
	return rc;
}

/* ---- prometheus:// sources: one query at a time */

struct src_prom {
	struct st_source *s;
	struct st_http_client client; /* url: host and port; path made per query */
	char *base;
	char *query_enc;        /* the query, percent-encoded */
	char *extra;            /* other parameters, encoded */
	char *name;             /* the name of series without __name__ */
	uint64_t step_ms;       /* the step of the polls */
	bool step_given;        /* by the URL: kept even for a long window */
	int64_t from_ms, to_ms; /* this query's range */
	int64_t next_ms;        /* where the next poll starts; -1: first query */
	struct st_promapi_seen *seen;
	bool warned;
	uint64_t started;
	st_time at;
	char what[600]; /* this query's failure in words, or "" */
	char said[600]; /* the failure said last, or "" */
	unsigned failed_in_row;
	unsigned queries, failures; /* in all, for the end (follow) */
	char last_failure[600];
};

static st_time
wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (st_time)ts.tv_sec * ST_USEC + ts.tv_nsec / 1000;
}

/* The request's path: BASE api/v1/query_range?query=..&start=..&end=..&step=.. */
static void
make_path(struct src_prom *h, uint64_t step)
{
	snprintf(h->client.url.path, sizeof(h->client.url.path),
	         "%sapi/v1/query_range?query=%s"
	         "&start=%lld.%03lld&end=%lld.%03lld&step=%llu.%03llu%s",
	         h->base, h->query_enc, (long long)(h->from_ms / 1000),
	         (long long)(h->from_ms % 1000), (long long)(h->to_ms / 1000),
	         (long long)(h->to_ms % 1000), (unsigned long long)(step / 1000),
	         (unsigned long long)(step % 1000), h->extra);
}

static int64_t
floor_to(int64_t t, int64_t step)
{
	int64_t q = t / step;
	if (t % step != 0 && t < 0)
		q--;
	return q * step;
}

/* Start a query for the next range; false when there is nothing new to
 * ask yet (a poll before the next point of the step's grid). */
static bool
query(struct src_prom *h)
{
	struct st_sources *ss = h->s->set;
	int64_t now = wall_now() / 1000, step = (int64_t)h->step_ms, qstep = step;
	if (h->next_ms < 0) {
		/* the first query: the window, on the step's grid (never past now:
		 * Prometheus would repeat the last values into the future) */
		int64_t to = ss->window && ss->until != ST_TIME_NONE && !ss->follow
		                     ? ST_MIN(ss->until / 1000, now)
		                     : now;
		int64_t from = ss->window && ss->since != ST_TIME_NONE ? ss->since / 1000
		                                                       : to - WINDOW_DEFAULT_MS;
		if (from > to)
			from = to;
		/* within Prometheus' 11,000 points, a coarser step when none was given */
		while (!h->step_given && (to - from) / qstep >= POINTS_MAX)
			qstep *= 2;
		h->from_ms = floor_to(from + qstep - 1, qstep);
		if (h->from_ms > to)
			h->from_ms = floor_to(to, qstep);
		h->to_ms = to;
	} else {
		if (h->next_ms > now)
			return false;
		/* after a long outage, the newest points Prometheus allows */
		h->from_ms = ST_MAX(h->next_ms, floor_to(now, step) - (POINTS_MAX - 1) * step);
		h->to_ms = now;
	}
	make_path(h, (uint64_t)qstep);
	h->started = uv_now(ss->loop);
	st_http_client_get(&h->client, QUERY_TIMEOUT_MS, ST_PROMAPI_DOC_MAX); /* deliver follows */
	return true;
}

static void on_tick(struct st_http_client *c);

/* The next poll, a step after this one started. */
static void
schedule(struct src_prom *h)
{
	struct st_sources *ss = h->s->set;
	uint64_t now = uv_now(ss->loop), next = h->started + h->step_ms;
	st_http_client_after(&h->client, next > now ? next - now : 0, on_tick);
}

static void
on_tick(struct st_http_client *c)
{
	struct src_prom *h = st_container_of(c, struct src_prom, client);
	if (!query(h)) {
		h->started = uv_now(h->s->set->loop);
		schedule(h);
	}
}

/* This query's failure in words into h->what, or "" when it worked; on
 * success the answer is converted and fed. */
static void
take_answer(struct src_prom *h)
{
	struct st_source *s = h->s;
	const struct st_http_client *c = &h->client;
	h->what[0] = '\0';
	if (c->err == UV_ETIMEDOUT) {
		snprintf(h->what, sizeof(h->what), "no answer within %d s",
		         QUERY_TIMEOUT_MS / 1000);
		return;
	}
	if (c->err == ST_ETOOBIG && c->why != NULL && strstr(c->why, "limit") != NULL) {
		snprintf(h->what, sizeof(h->what),
		         "%s (%u MiB): ask a shorter range or a coarser step", c->why,
		         ST_PROMAPI_DOC_MAX >> 20);
		return;
	}
	if (c->err < 0) {
		if (c->why != NULL && c->err <= ST_EINVAL)
			snprintf(h->what, sizeof(h->what), "%s", c->why);
		else if (c->why != NULL)
			snprintf(h->what, sizeof(h->what), "%s: %s", c->why, st_strerror(c->err));
		else
			snprintf(h->what, sizeof(h->what), "%s", st_strerror(c->err));
		return;
	}
	struct st_promapi_opts o = {
	        .unnamed = h->name, .seen = h->seen, .emit = feed_lines, .arg = &s->ig};
	struct st_promapi_res r;
	const struct st_buf *body = &c->resp.body;
	if (c->resp.status != 200) {
		/* Prometheus says why in an error answer (400, 422, 503) */
		o.emit = NULL;
		if (st_promapi_convert(body->p, body->len, &o, &r) < 0 && r.api_error)
			snprintf(h->what, sizeof(h->what), "%s (HTTP status %d)", r.msg,
			         c->resp.status);
		else
			snprintf(h->what, sizeof(h->what), "HTTP status %d%s%s", c->resp.status,
			         c->resp.reason[0] ? " " : "", c->resp.reason);
		return;
	}
	s->ig.in_record = false;
	int rc = st_promapi_convert(body->p ? body->p : "", body->len, &o, &r);
	s->ig.stats.bytes += body->len;
	s->set->bytes += body->len;
	if (!h->warned && (r.warnings > 0 || r.histograms > 0)) {
		say_notes(s->path, &r);
		h->warned = true;
	}
	if (rc < 0 && r.api_error)
		snprintf(h->what, sizeof(h->what), "%s", r.msg);
	else if (rc < 0)
		snprintf(h->what, sizeof(h->what), "a malformed answer, read up to %s", r.msg);
}

static void on_closed(struct st_http_client *c);

/* A query is over (http-client.c's done). */
static void
deliver(struct st_http_client *c)
{
	struct src_prom *h = st_container_of(c, struct src_prom, client);
	struct st_source *s = h->s;
	struct st_sources *ss = s->set;
	h->at = wall_now();
	if (c->stopped && c->err != 0) {
		h->what[0] = '\0'; /* stopped in the middle of a query: nothing to say */
	} else {
		take_answer(h);
		h->queries++;
		if (h->what[0] == '\0') {
			/* the next poll starts at the last point of the grid asked */
			int64_t step = (int64_t)h->step_ms;
			h->next_ms = floor_to(h->to_ms, step);
			if (h->failed_in_row > 0 && ss->follow)
				fprintf(stderr, "strata: %s: query works again (after %u failed)\n",
				        s->path, h->failed_in_row);
			h->failed_in_row = 0;
			h->said[0] = '\0';
			free(s->error);
			s->error = NULL;
		} else {
			src_polled_failure(h->s, h->at, "query", h->what);
			h->failed_in_row++;
			h->failures++;
			snprintf(h->last_failure, sizeof(h->last_failure), "%s", h->what);
			free(s->error);
			s->error = st_xstrdup(h->what);
			if (ss->follow && strcmp(h->said, h->what) != 0)
				fprintf(stderr, "strata: %s: query failed: %s%s\n", s->path,
				        h->what, h->said[0] ? "" : " (trying again every step)");
			snprintf(h->said, sizeof(h->said), "%s", h->what);
		}
	}
	st_http_client_reset(c);
	if (ss->follow && s->state == SRC_ACTIVE) {
		/* the first query is the replay: the next source may start */
		s->state = SRC_FOLLOWING;
		ss->active--;
		st_sources_start(ss);
	}
	if (ss->follow && !c->stopped && !ss->stopping) {
		schedule(h);
		return;
	}
	st_http_client_close(c, on_closed); /* the source ends */
}

/* The client's timers are closed: the source ends. */
static void
on_closed(struct st_http_client *c)
{
	struct src_prom *h = st_container_of(c, struct src_prom, client);
	src_polled_end(h->s, "query", "queries", h->failures, h->queries, h->last_failure);
}

void
src_prom_start(struct st_source *s)
{
	struct src_prom *h = st_xcalloc(1, sizeof(*h));
	s->prom = h;
	h->s = s;
	struct prom_url u;
	struct st_http_url url;
	const char *why = NULL;
	if (prom_url_parse(s->path, &u, &why) < 0 || st_http_url_parse(u.http, &url, &why) < 0) {
		prom_url_free(&u);
		src_fail_msg(s, why); /* checked when added: not reached */
		return;
	}
	h->base = u.base;
	u.base = NULL;
	struct st_buf b = {0};
	url_encode(u.query.p, u.query.len, &b);
	st_buf_addc(&b, '\0');
	h->query_enc = b.p;
	st_buf_addc(&u.extra, '\0');
	h->extra = st_xstrdup(u.extra.p);
	struct st_buf nm = {0};
	st_promapi_name(u.query.p, u.query.len, &nm);
	st_buf_addc(&nm, '\0');
	h->name = nm.p;
	h->step_ms = u.step_ms ? u.step_ms : s->set->interval_ms;
	h->step_given = u.step_ms != 0;
	prom_url_free(&u);
	h->next_ms = -1;
	h->seen = st_promapi_seen_new();
	st_ingest_init(&s->ig, s->set->store, (unsigned)s->id, s->set->tz, wall_now());
	lock_prometheus(&s->ig);
	st_http_client_init(&h->client, s->set->loop, deliver);
	h->client.url = url;
	query(h);
}

void
src_prom_stop(struct st_source *s)
{
	struct src_prom *h = s->prom;
	if (h != NULL)
		st_http_client_stop(&h->client, on_closed);
}

void
src_prom_free(struct st_source *s)
{
	struct src_prom *h = s->prom;
	if (h == NULL)
		return;
	st_http_client_free(&h->client);
	st_promapi_seen_free(h->seen);
	free(h->base);
	free(h->query_enc);
	free(h->extra);
	free(h->name);
	free(h);
	s->prom = NULL;
}
