/*
 * hints.c: the correlator's pass over the events (see strata/hints.h):
 * changes become causes, symptoms and error messages become effects
 * grouped by kind, health checks that say all is well are remembered as
 * possible "checks that lie", and every log message joins the template
 * miner (for new kinds of message and numbers inside messages, see
 * hints-metric.c). Metric series, context files and the ranking are in
 * hints-metric.c, hints-context.c and hints-rank.c.
 *
 * Cost per event: a store lookup, the note lookups, a keyword scan for
 * health checks, and the template miner; entities are extracted only for
 * the few events that are changes, symptoms or errors.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hints-int.h"
#include "strata/format.h"

/* ---- keys */

static uint64_t
hash_lower(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h ^= c;
		h *= 1099511628211ull;
	}
	return h;
}

bool
keys_has(const struct keyset *k, uint64_t h)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->h[i] == h)
			return true;
	return false;
}

static void
keys_put(struct keyset *k, uint64_t h, uint8_t w)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->h[i] == h) {
			if (w > k->w[i])
				k->w[i] = w;
			return;
		}
	if (k->n < KEYS_MAX) {
		k->h[k->n] = h;
		k->w[k->n++] = w;
	}
}

/* Words that name nothing in particular. */
static const char *const stop_words[] = {
	"the", "and", "for", "com", "org", "net", "io", "www", "svc", "local", "default",
	"kube", "system", "var", "log", "logs", "opt", "bin", "usr", "etc", "lib", "tmp", "json",
	"yaml", "yml", "conf", "txt", "prom", "total", "seconds", "bytes", "count", "sum",
	"bucket", "info", "error", "warn", "api", "v1", "v2", "http", "https", "to", "of", "in",
	"on", "at", "is", "events", "event", "metrics", "service", "task", "member", "resource",
	"job", "app", "apps", "pod", "container", "file", "path", "host", "unit", "image",
	"deployment", "namespace", "configmap", "main", "master", "sh", "py", "go", "state",
};

void
keys_add_words(struct keyset *k, const char *s, size_t n, uint8_t w)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                  (s[i] >= '0' && s[i] <= '9')))
			i++;
		size_t b = i;
		unsigned digits = 0;
		while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                 (s[i] >= '0' && s[i] <= '9'))) {
			digits += s[i] >= '0' && s[i] <= '9';
			i++;
		}
		size_t len = i - b;
		/* hashes, numbers and pod suffixes say nothing across sources */
		if (len < 2 || digits == len || (digits > 0 && len > 3) || len > 40)
			continue;
		char low[48];
		for (size_t j = 0; j < len; j++)
			low[j] = (char)(s[b + j] >= 'A' && s[b + j] <= 'Z' ? s[b + j] + 32 : s[b + j]);
		low[len] = '\0';
		bool stop = false;
		for (size_t j = 0; j < ST_ARRAY_LEN(stop_words) && !stop; j++)
			stop = strcmp(stop_words[j], low) == 0;
		if (!stop)
			keys_put(k, hash_lower(14695981039346656037ull, low, len), w);
	}
}

void
keys_add_entity(struct keyset *k, unsigned type, const char *v, size_t n)
{
	/* a port alone, or an IP, is an entity; their words are not */
	uint64_t h = 14695981039346656037ull ^ (type + 1);
	h *= 1099511628211ull;
	keys_put(k, hash_lower(h, v, n), 2);
	if (type != ST_ENT_IP && type != ST_ENT_PORT && type != ST_ENT_PATH)
		keys_add_words(k, v, n, 1);
}

void
keys_add_entities(struct keyset *k, const struct st_entities *es)
{
	for (unsigned i = 0; i < es->n; i++) {
		/* a pod names its workload, which is what others match on */
		keys_add_entity(k, es->e[i].type, st_entity_value(es, i), es->e[i].len);
	}
}

void
keys_merge(struct keyset *k, const struct keyset *from)
{
	for (unsigned i = 0; i < from->n; i++)
		keys_put(k, from->h[i], from->w[i]);
}

/* ---- texts */

const char *
src_name(const struct st_hints *h, unsigned src)
{
	return st_store_source_name(h->st, src);
}

void
human_num(double v, struct st_buf *b)
{
	if (fabs(v) >= 1e6 && fabs(v) < 1e15) {
		st_buf_addf(b, "%.2fM", v / 1e6);
		return;
	}
	human_exact(v, b);
}

void
human_exact(double v, struct st_buf *b)
{
	if (isnan(v)) {
		st_buf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		st_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	double a = fabs(v);
	if (a == floor(a) && a < 1e15) {
		/* 14,293 */
		char digits[32];
		int n = snprintf(digits, sizeof(digits), "%.0f", a);
		if (v < 0)
			st_buf_addc(b, '-');
		for (int i = 0; i < n; i++) {
			st_buf_addc(b, digits[i]);
			if ((n - 1 - i) % 3 == 0 && i != n - 1)
				st_buf_addc(b, ',');
		}
		return;
	}
	st_buf_addf(b, "%.3g", v);
}

void
human_time(st_time t, struct st_buf *b)
{
	char buf[32];
	size_t n = st_format_time(t, t % SEC_US ? 3 : 0, buf);
	/* 2024-12-08T05:59:58Z -> 2024-12-08 05:59:58Z */
	if (n > 10 && buf[10] == 'T')
		buf[10] = ' ';
	st_buf_add(b, buf, n);
}

void
human_dur(double s, struct st_buf *b)
{
	if (s < 0)
		s = -s;
	if (s < 1)
		st_buf_addf(b, "%.0f ms", s * 1000);
	else if (s < 120)
		st_buf_addf(b, "%.0f s", s);
	else if (s < 7200)
		st_buf_addf(b, "%.0f min", s / 60);
	else if (s < 172800)
		st_buf_addf(b, "%.1f h", s / 3600);
	else
		st_buf_addf(b, "%.1f days", s / 86400);
}

/* A JSON string value's characters, roughly unescaped (for messages). */
static void
add_json_str(struct st_buf *b, const char *v, size_t n)
{
	if (n >= 2 && v[0] == '"') {
		v++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n) {
			i++;
			st_buf_addc(b, v[i] == 'n' ? ' ' : v[i] == 't' ? ' ' : v[i]);
		} else {
			st_buf_addc(b, v[i]);
		}
	}
}

void
event_message(const struct st_store *st, const struct st_event *ev, struct st_buf *out)
{
	(void)st;
	size_t len = ev->len;
	const char *nl = memchr(ev->text, '\n', len);
	if (nl)
		len = (size_t)(nl - ev->text); /* the record's first line */
	/* JSON and logfmt: the msg field is the message */
	struct st_fields fs;
	if (ev->format != 0xff) {
		st_format_fields(ev->format, ev->text, len, &fs);
		for (unsigned i = 0; i < fs.n; i++) {
			const struct st_field *f = &fs.f[i];
			if ((f->klen == 3 && memcmp(f->key, "msg", 3) == 0) ||
			    (f->klen == 7 && memcmp(f->key, "message", 7) == 0)) {
				if (f->json)
					add_json_str(out, f->val, f->vlen);
				else
					st_buf_add(out, f->val, f->vlen);
				goto trim;
			}
		}
		const struct st_format *fmt = st_format_get(ev->format);
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, ev->ts);
		struct st_draft d = {.ts = ST_TIME_NONE};
		if (fmt && st_format_parse(fmt, &tc, ev->text, len, &d) == 0 && d.body < len) {
			const char *s = ev->text + d.body;
			size_t n = len - d.body;
			/* "| INFO  " style separators left by the formats */
			while (n && (*s == ' ' || *s == '|' || *s == '-' || *s == ':')) {
				s++;
				n--;
			}
			if (n > 0) {
				st_buf_add(out, s, n);
				goto trim;
			}
		}
	}
	st_buf_add(out, ev->text, len);
trim:
	while (out->len && (out->p[out->len - 1] == ' ' || out->p[out->len - 1] == '\r'))
		out->len--;
	if (out->len > 240) {
		out->len = 237;
		/* do not cut a UTF-8 sequence */
		while (out->len && ((unsigned char)out->p[out->len] & 0xC0) == 0x80)
			out->len--;
		st_buf_adds(out, "...");
	}
}

/* ---- effects and causes */

struct effect *
effect_new(struct st_hints *h)
{
	if (h->neff == h->capeff) {
		h->capeff = h->capeff ? h->capeff * 2 : 64;
		h->eff = st_xreallocarray(h->eff, h->capeff, sizeof(*h->eff));
	}
	struct effect *e = &h->eff[h->neff++];
	memset(e, 0, sizeof(*e));
	e->seq = NONE32;
	e->best = -1;
	return e;
}

struct cause *
cause_new(struct st_hints *h)
{
	if (h->ncause == h->capcause) {
		h->capcause = h->capcause ? h->capcause * 2 : 64;
		h->cause = st_xreallocarray(h->cause, h->capcause, sizeof(*h->cause));
	}
	struct cause *c = &h->cause[h->ncause++];
	memset(c, 0, sizeof(*c));
	c->seq = NONE32;
	c->merged = 1;
	return c;
}

static void
add_evid(char **evid, unsigned *n, const char *fmt, va_list ap)
{
	if (*n >= EVID_MAX)
		return;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (unsigned i = 0; i < *n; i++)
		if (strcmp(evid[i], buf) == 0)
			return;
	evid[(*n)++] = st_xstrdup(buf);
}

void
effect_evid(struct effect *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_evid(e->evid, &e->nevid, fmt, ap);
	va_end(ap);
}

void
cause_evid(struct cause *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_evid(c->evid, &c->nevid, fmt, ap);
	va_end(ap);
}

static void
effect_clear(struct effect *e)
{
	free(e->occ);
	free(e->text);
	free(e->metric);
	free(e->labels);
	for (unsigned i = 0; i < e->nevid; i++)
		free(e->evid[i]);
}

static void
cause_clear(struct cause *c)
{
	free(c->text);
	free(c->key);
	for (unsigned i = 0; i < c->nevid; i++)
		free(c->evid[i]);
}

/* ---- the class of a symptom */

static uint8_t
symptom_class(const struct st_symptom *s)
{
	const char *t = s->type;
	if (strcmp(t, "exit-code") == 0 && s->detail) {
		int code = atoi(s->detail);
		if (code == 126 || code == 127)
			return EC_EXEC;
		if (code == 137)
			return EC_MEMORY;
		return EC_CRASH;
	}
	static const struct {
		const char *type;
		uint8_t cls;
	} map[] = {
		{"oom-killed", EC_MEMORY},        {"out-of-memory", EC_MEMORY},
		{"fork-failed", EC_MEMORY},       {"evicted", EC_MEMORY},
		{"permission-denied", EC_EXEC},   {"stale-reads", EC_STALE},
		{"leader-lost", EC_STALE},        {"dns", EC_DNS},
		{"tls", EC_TLS},                  {"connection-refused", EC_CONN},
		{"connection-reset", EC_CONN},    {"timeout", EC_CONN},
		{"unreachable", EC_CONN},         {"http-5xx", EC_HTTP},
		{"disk-full", EC_DISK},           {"read-only-fs", EC_DISK},
		{"disk-io", EC_DISK},
		{"fd-exhausted", EC_CRASH},       {"image-pull", EC_CRASH},
		{"probe-failed", EC_CRASH},       {"node-not-ready", EC_DISK},
		{"unschedulable", EC_MEMORY},     {"killed", EC_MEMORY},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(map); i++)
		if (strcmp(map[i].type, t) == 0)
			return map[i].cls;
	return EC_CRASH;
}

static double
symptom_mag(uint8_t cls)
{
	switch (cls) {
	case EC_EXEC:
	case EC_MEMORY:
		return 0.9;
	case EC_CRASH:
	case EC_STALE:
		return 0.8;
	default:
		return 0.65;
	}
}

/* ---- group maps: effect group -> index (open addressing) */

struct gmap {
	uint64_t *k;
	uint32_t *v;
	size_t cap, n;
};

static uint32_t *
gmap_slot(struct gmap *m, uint64_t key)
{
	if (m->n * 2 >= m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		uint64_t *nk = st_xcalloc(ncap, sizeof(*nk));
		uint32_t *nv = st_xcalloc(ncap, sizeof(*nv));
		for (size_t i = 0; i < m->cap; i++)
			if (m->k[i]) {
				size_t j = m->k[i] & (ncap - 1);
				while (nk[j])
					j = (j + 1) & (ncap - 1);
				nk[j] = m->k[i];
				nv[j] = m->v[i];
			}
		free(m->k);
		free(m->v);
		m->k = nk;
		m->v = nv;
		m->cap = ncap;
	}
	if (key == 0)
		key = 0x9e3779b97f4a7c15ull; /* 0 marks a free slot */
	size_t j = key & (m->cap - 1);
	while (m->k[j] && m->k[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->k[j]) {
		m->k[j] = key;
		m->v[j] = NONE32;
		m->n++;
	}
	return &m->v[j];
}

struct hints_maps {
	struct gmap eff;    /* effect groups */
	struct gmap chg;    /* change keys seen: how many times */
};

/* The ranking under way, in phases (st_hints_rank_step). */
enum rk_phase { RK_IDLE, RK_SERIES, RK_METRIC, RK_PARAM, RK_BURST, RK_CONTEXT, RK_RANK };

/* The results handed out: copies that own their strings, so that reading
 * more events or a ranking under way never moves what a caller shows. */
struct published {
	struct st_hint *hints, *unexpl;
	size_t nhints, nunexpl;
	struct st_hint_effect *effs;
	size_t neffs;
	void **strs;            /* what they own: strings, evidence arrays */
	size_t nstrs, capstrs;
	size_t effects, causes; /* found by that ranking (for stats) */
};

/* The maps live beside the hints; kept out of the public struct. */
struct hints_priv {
	struct st_hints pub;
	struct hints_maps m;
	enum rk_phase phase;
	size_t rk_i;
	uint32_t rk_end;          /* events read when the ranking began */
	struct param_job *pj;
	struct rank_job *rj;
	double rk_seconds;        /* work done on it so far */
	struct published out;
};

static struct hints_priv *
priv(const struct st_hints *h)
{
	return (struct hints_priv *)h;
}

static struct hints_maps *
maps(struct st_hints *h)
{
	return &((struct hints_priv *)h)->m;
}

/* ---- activity per source (for "the first run after the change") */

static void
act_note(struct st_hints *h, unsigned src, st_time ts)
{
	if (ts == ST_TIME_NONE)
		return;
	if (src >= h->nact) {
		size_t n = src + 1;
		h->act = st_xreallocarray(h->act, n, sizeof(*h->act));
		memset(h->act + h->nact, 0, (n - h->nact) * sizeof(*h->act));
		h->nact = n;
	}
	struct src_act *a = &h->act[src];
	st_time s = ts - (ts % SEC_US + SEC_US) % SEC_US;
	if (a->n && a->t[a->n - 1] == s)
		return;
	if (a->n && a->t[a->n - 1] > s)
		a->unsorted = true;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->t = st_xreallocarray(a->t, a->cap, sizeof(*a->t));
	}
	a->t[a->n++] = s;
}

static int
cmp_time(const void *a, const void *b)
{
	st_time x = *(const st_time *)a, y = *(const st_time *)b;
	return x < y ? -1 : x > y;
}

/* The first second source src was active in after `after` (and before
 * `before`), or ST_TIME_NONE. */
st_time
src_next_activity(struct st_hints *h, unsigned src, st_time after, st_time before)
{
	if (src >= h->nact || h->act[src].n == 0)
		return ST_TIME_NONE;
	struct src_act *a = &h->act[src];
	if (a->unsorted) {
		qsort(a->t, a->n, sizeof(*a->t), cmp_time);
		size_t w = 0;
		for (size_t i = 0; i < a->n; i++)
			if (w == 0 || a->t[w - 1] != a->t[i])
				a->t[w++] = a->t[i];
		a->n = w;
		a->unsorted = false;
	}
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->t[mid] <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->n && a->t[lo] <= before)
		return a->t[lo];
	return ST_TIME_NONE;
}

/* ---- the pass over new events */

bool
has_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k > n)
		return false;
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k) {
			char c = s[i + j];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != needle[j])
				break;
			j++;
		}
		if (j == k)
			return true;
	}
	return false;
}

/* Words that say what a check or a failure is about. */
uint32_t
dependency_words(const char *s, size_t n)
{
	uint32_t d = 0;
	if (has_ci(s, n, "database") || has_ci(s, n, "postgres") || has_ci(s, n, "mysql") ||
	    has_ci(s, n, ":5432") || has_ci(s, n, ":3306") || has_ci(s, n, "query") ||
	    has_ci(s, n, " db") || has_ci(s, n, "\"db"))
		d |= DEP_DB;
	if (has_ci(s, n, "cache") || has_ci(s, n, "redis") || has_ci(s, n, ":6379") ||
	    has_ci(s, n, "memcache"))
		d |= DEP_CACHE;
	if (has_ci(s, n, "kafka") || has_ci(s, n, "rabbit") || has_ci(s, n, "queue"))
		d |= DEP_QUEUE;
	return d;
}

/* Does source src's name say it holds health checks (curl-health.jsonl)?
 * Asked once per source. */
static bool
health_source(struct st_hints *h, unsigned src)
{
	if (src >= h->nsrcflag) {
		size_t n = st_store_nsources(h->st);
		if (n <= src)
			n = src + 1;
		h->srcflag = st_xreallocarray(h->srcflag, n, 1);
		memset(h->srcflag + h->nsrcflag, 0, n - h->nsrcflag);
		h->nsrcflag = n;
	}
	if (h->srcflag[src] == 0) {
		const char *name = src_name(h, src);
		h->srcflag[src] = name && has_ci(name, strlen(name), "health") ? 2 : 1;
	}
	return h->srcflag[src] == 2;
}

/* Does the message name a check (health, readiness, liveness, /ready)?
 * Asked once per shape (template.h): its words are the shape's, so the
 * other messages of the shape say the same. h->shapes: open addressing,
 * shape -> 1 no, 2 yes; once full (SHAPES_MAX), the rest are asked each
 * time. */
#define SHAPES_MAX (1u << 18)

static bool
names_check(struct st_hints *h, const struct st_event *ev, uint64_t shape)
{
	uint64_t *slot = NULL;
	if (h->nshapes < SHAPES_MAX) {
		if ((h->nshapes + 1) * 2 > h->capshapes) {
			size_t cap = h->capshapes ? h->capshapes * 2 : 1024;
			uint64_t *ns = st_xcalloc(cap, sizeof(*ns));
			for (size_t i = 0; i < h->capshapes; i++)
				if (h->shapes[i]) {
					size_t at = (size_t)(h->shapes[i] >> 24) & (cap - 1);
					while (ns[at])
						at = (at + 1) & (cap - 1);
					ns[at] = h->shapes[i];
				}
			free(h->shapes);
			h->shapes = ns;
			h->capshapes = cap;
		}
		/* the low 2 bits hold the answer; the shape's other bits the key */
		uint64_t key = shape & ~3ull;
		size_t at = (size_t)(shape >> 24) & (h->capshapes - 1);
		while (h->shapes[at] && (h->shapes[at] & ~3ull) != key)
			at = (at + 1) & (h->capshapes - 1);
		if (h->shapes[at])
			return (h->shapes[at] & 3) == 2;
		slot = &h->shapes[at];
		h->nshapes++;
	}
	size_t n = ev->len < 512 ? ev->len : 512;
	const char *s = ev->text;
	bool check = memmem(s, n, "ealth", 5) || memmem(s, n, "iness", 5) || /* readiness, liveness */
	             memmem(s, n, "/ready", 6) || health_source(h, ev->source);
	if (slot)
		*slot = (shape & ~3ull) | (check ? 2 : 1);
	return check;
}

/* A health check that reports success? (checks, not their failures) */
static bool
is_health_ok(struct st_hints *h, const struct st_event *ev, uint64_t shape)
{
	if (ev->level >= ST_LVL_WARN || !names_check(h, ev, shape))
		return false;
	size_t n = ev->len < 512 ? ev->len : 512;
	const char *s = ev->text;
	if (has_ci(s, n, "fail") || has_ci(s, n, "unhealthy") || has_ci(s, n, "refused") ||
	    has_ci(s, n, "timeout") || has_ci(s, n, "error"))
		return false;
	return has_ci(s, n, "pass") || has_ci(s, n, "\"ok\"") || has_ci(s, n, " ok") ||
	       has_ci(s, n, "healthy") || has_ci(s, n, "succe") || has_ci(s, n, "connected") ||
	       has_ci(s, n, "status=200") || has_ci(s, n, " 200 ");
}

static void
event_keys(struct st_hints *h, const struct st_event *ev, struct keyset *k)
{
	struct st_entities es;
	st_notes_entities(h->notes, ev, NULL, &es);
	keys_add_entities(k, &es);
	/* the source's name names the service that wrote it (webapp.log, redis.log) */
	const char *name = src_name(h, ev->source);
	if (name) {
		const char *base = strrchr(name, '/');
		base = base ? base + 1 : name;
		keys_add_words(k, base, strlen(base), 1);
	}
}

static char *
message_dup(struct st_hints *h, const struct st_event *ev)
{
	struct st_buf b = {0};
	event_message(h->st, ev, &b);
	st_buf_addc(&b, '\0');
	return b.p;
}

static const char *
lifecycle_action(const char *a)
{
	static const char *const acts[] = {"start", "stop", "restart", "kill", "exit", "run"};
	for (size_t i = 0; i < ST_ARRAY_LEN(acts); i++)
		if (a && strcmp(a, acts[i]) == 0)
			return acts[i];
	return NULL;
}

static void
add_change(struct st_hints *h, const struct st_event *ev, const struct st_change *ch)
{
	struct hints_maps *m = maps(h);
	char key[384];
	snprintf(key, sizeof(key), "%s %s", ch->action ? ch->action : "?",
	         ch->object ? ch->object : ch->rule);
	uint64_t kh = hash_lower(14695981039346656037ull, key, strlen(key));
	/* the same change said again at once (a leader elected: three lines; a
	 * terraform create and its completion) is one cause */
	for (size_t i = h->nlog_cause, looked = 0; i-- > 0 && looked < 64; looked++) {
		struct cause *c = &h->cause[i];
		if (ev->ts - c->ts > 120 * SEC_US)
			break; /* causes come in arrival order, roughly in time order */
		if (c->source == ev->source && strcmp(c->key, key) == 0) {
			c->merged++;
			if (has_ci(ev->text, ev->len, "complete"))
				c->finished = true;
			return;
		}
	}
	uint32_t *seen = gmap_slot(&m->chg, kh);
	unsigned before = *seen == NONE32 ? 0 : *seen;
	*seen = before + 1;

	struct cause *c = cause_new(h);
	h->nlog_cause = h->ncause;
	c->kind = CK_CHANGE;
	c->ts = ev->ts;
	c->seq = ev->seq;
	c->source = ev->source;
	c->line = ev->line;
	c->text = message_dup(h, ev);
	c->key = st_xstrdup(key);
	c->routine = before;
	c->cls = classify_words(ev->text, ev->len);
	if (ch->object)
		c->cls |= classify_words(ch->object, strlen(ch->object));
	if (lifecycle_action(ch->action))
		c->cls = (c->cls & ~(uint32_t)(CC_DEPLOY | CC_CONFIG)) | CC_LIFECYCLE;
	c->incomplete = has_ci(ev->text, ev->len, "creating...") ||
	                has_ci(ev->text, ev->len, "modifying...") ||
	                has_ci(ev->text, ev->len, "destroying...");
	c->finished = has_ci(ev->text, ev->len, "complete");
	event_keys(h, ev, &c->keys);
	if (ch->host)
		keys_add_entity(&c->keys, ST_ENT_HOST, ch->host, strlen(ch->host));
	if (ch->ns)
		keys_add_entity(&c->keys, ST_ENT_NAMESPACE, ch->ns, strlen(ch->ns));
}

static void
occ_add(struct effect *e, const struct st_event *ev)
{
	if (e->nocc >= BURST_OCC_MAX)
		return;
	if (e->nocc == e->capocc) {
		e->capocc = e->capocc ? e->capocc * 2 : 16;
		e->occ = st_xreallocarray(e->occ, e->capocc, sizeof(*e->occ));
	}
	e->occ[e->nocc].ts = ev->ts;
	e->occ[e->nocc++].seq = ev->seq;
}

static char *
effect_text(struct st_hints *h, const struct st_event *ev, const char *detail)
{
	struct st_buf b = {0};
	event_message(h->st, ev, &b);
	if (detail && !has_ci(b.p, b.len, detail) && strlen(detail) < 80)
		st_buf_addf(&b, " (%s)", detail);
	st_buf_addc(&b, '\0');
	return b.p;
}

static void
add_symptom(struct st_hints *h, const struct st_event *ev, const char *type, uint8_t cls,
            const char *detail, uint64_t group, double mag)
{
	struct hints_maps *m = maps(h);
	uint32_t *slot = gmap_slot(&m->eff, group);
	if (*slot != NONE32) {
		struct effect *e = &h->eff[*slot];
		e->count++;
		occ_add(e, ev);
		if (ev->ts != ST_TIME_NONE && (e->at == ST_TIME_NONE || ev->ts < e->at)) {
			e->at = e->lo = ev->ts; /* a late line that comes first */
			e->seq = ev->seq;
			e->source = ev->source;
			e->line = ev->line;
			free(e->text);
			e->text = effect_text(h, ev, detail);
		}
		return;
	}
	*slot = (uint32_t)h->neff;
	struct effect *e = effect_new(h);
	h->nlog_eff = h->neff;
	e->cls = cls;
	e->type = type;
	e->at = e->lo = ev->ts;
	e->seq = ev->seq;
	e->source = ev->source;
	e->line = ev->line;
	e->count = 1;
	e->mag = mag;
	occ_add(e, ev);
	e->text = effect_text(h, ev, detail);
	e->deps = dependency_words(e->text, strlen(e->text));
	event_keys(h, ev, &e->keys);
}

static void
add_check(struct st_hints *h, const struct st_event *ev, uint32_t tpl)
{
	for (size_t i = h->nchk; i-- > 0;) {
		struct check *k = &h->chk[i];
		if (k->source == ev->source && k->tpl == tpl) {
			k->count++;
			/* keep the latest: it is the one that says "fine" now */
			k->ts = ev->ts;
			k->seq = ev->seq;
			k->line = ev->line;
			free(k->text);
			k->text = message_dup(h, ev);
			return;
		}
	}
	if (h->nchk >= 256)
		return;
	if (h->nchk == h->capchk) {
		h->capchk = h->capchk ? h->capchk * 2 : 16;
		h->chk = st_xreallocarray(h->chk, h->capchk, sizeof(*h->chk));
	}
	struct check *k = &h->chk[h->nchk++];
	memset(k, 0, sizeof(*k));
	k->ts = ev->ts;
	k->seq = ev->seq;
	k->line = ev->line;
	k->source = ev->source;
	k->tpl = tpl;
	k->count = 1;
	k->text = message_dup(h, ev);
	k->claims = dependency_words(ev->text, ev->len);
	event_keys(h, ev, &k->keys);
}

static void
read_events(struct st_hints *h, uint32_t end)
{
	if (end > h->tplid_cap) {
		size_t cap = h->tplid_cap ? h->tplid_cap : 1024;
		while (cap < end)
			cap *= 2;
		h->tplid = st_xreallocarray(h->tplid, cap, sizeof(*h->tplid));
		h->tplid_cap = cap;
	}
	struct st_change ch;
	struct st_symptom sy;
	for (uint32_t seq = h->done; seq < end; seq++) {
		struct st_event ev;
		st_store_get(h->st, seq, &ev);
		h->tplid[seq] = NONE32;
		if (ev.kind == ST_KIND_METRIC)
			continue;
		act_note(h, ev.source, ev.ts);
		if (ev.ts == ST_TIME_NONE)
			continue; /* an untimed line is placed, not dated: no onset */
		size_t mlen = ev.len;
		const char *nl = memchr(ev.text, '\n', mlen);
		if (nl)
			mlen = (size_t)(nl - ev.text);
		uint64_t shape;
		uint32_t tpl = st_tpls_add_shape(h->tpls, ev.text, mlen, seq, NULL, &shape);
		h->tplid[seq] = tpl;
		if (ev.kind == ST_KIND_CHANGE && st_notes_change(h->notes, seq, &ch)) {
			add_change(h, &ev, &ch);
			continue;
		}
		if (st_notes_symptom(h->notes, seq, &sy)) {
			uint8_t cls = symptom_class(&sy);
			uint64_t g = hash_lower(14695981039346656037ull, sy.type, strlen(sy.type));
			g = g * 31 + ev.source;
			add_symptom(h, &ev, sy.type, cls, sy.detail, g, symptom_mag(cls));
			continue;
		}
		if (ev.level >= ST_LVL_ERROR) {
			uint64_t g = ((uint64_t)tpl << 20) ^ 0x9e3779b97f4a7c15ull;
			add_symptom(h, &ev, "error", EC_ERROR, NULL, g, 0.45);
			continue;
		}
		if (is_health_ok(h, &ev, shape))
			add_check(h, &ev, tpl);
	}
	h->done = end;
}

/* ---- the public side */

struct st_hints *
st_hints_new(struct st_store *st, struct st_notes *notes)
{
	struct hints_priv *p = st_xcalloc(1, sizeof(*p));
	struct st_hints *h = &p->pub;
	h->st = st;
	h->notes = notes;
	h->series = st_series_new(0);
	h->tpls = st_tpls_new();
	return h;
}

static void
results_clear(struct st_hints *h)
{
	for (size_t i = 0; i < h->nstrs; i++)
		free(h->strs[i]);
	h->nstrs = 0;
	free(h->hints);
	free(h->unexpl);
	free(h->effs);
	h->hints = h->unexpl = NULL;
	h->effs = NULL;
	h->nhints = h->nunexpl = h->neffs = 0;
}

static void
published_clear(struct published *o)
{
	for (size_t i = 0; i < o->nstrs; i++)
		free(o->strs[i]);
	free(o->strs);
	free(o->hints);
	free(o->unexpl);
	free(o->effs);
	memset(o, 0, sizeof(*o));
}

static void *
own_ptr(struct published *o, void *p)
{
	if (o->nstrs == o->capstrs) {
		o->capstrs = o->capstrs ? o->capstrs * 2 : 64;
		o->strs = st_xreallocarray(o->strs, o->capstrs, sizeof(*o->strs));
	}
	return o->strs[o->nstrs++] = p;
}

static const char *
own(struct published *o, const char *s)
{
	return s ? own_ptr(o, st_xstrdup(s)) : NULL;
}

static void
copy_hint(struct published *o, struct st_hint *to, const struct st_hint *from)
{
	*to = *from;
	to->cause.text = own(o, from->cause.text);
	to->effect.text = own(o, from->effect.text);
	to->metric = own(o, from->metric);
	to->summary = own(o, from->summary);
	const char **ev = own_ptr(o, st_xcalloc(from->nevidence ? from->nevidence : 1, sizeof(*ev)));
	for (size_t i = 0; i < from->nevidence; i++)
		ev[i] = own(o, from->evidence[i]);
	to->evidence = ev;
}

/* The ranking is done: its results become the ones handed out, and what
 * it derived (metric, number, burst and setting effects, settings and
 * checks as causes) is dropped, so that events read next are added to
 * the effects and causes of events alone. */
static void
publish(struct st_hints *h)
{
	struct hints_priv *p = priv(h);
	published_clear(&p->out);
	struct published *o = &p->out;
	o->hints = st_xcalloc(h->nhints ? h->nhints : 1, sizeof(*o->hints));
	for (size_t i = 0; i < h->nhints; i++)
		copy_hint(o, &o->hints[i], &h->hints[i]);
	o->nhints = h->nhints;
	o->unexpl = st_xcalloc(h->nunexpl ? h->nunexpl : 1, sizeof(*o->unexpl));
	for (size_t i = 0; i < h->nunexpl; i++)
		copy_hint(o, &o->unexpl[i], &h->unexpl[i]);
	o->nunexpl = h->nunexpl;
	o->effs = st_xcalloc(h->neffs ? h->neffs : 1, sizeof(*o->effs));
	for (size_t i = 0; i < h->neffs; i++) {
		struct st_hint_effect *to = &o->effs[i];
		*to = h->effs[i];
		to->text = own(o, to->text);
		to->metric = own(o, to->metric);
		to->labels = own(o, to->labels);
	}
	o->neffs = h->neffs;
	o->effects = h->neff;
	o->causes = h->ncause;
	results_clear(h);
	for (size_t i = h->nlog_eff; i < h->neff; i++)
		effect_clear(&h->eff[i]);
	h->neff = h->nlog_eff;
	for (size_t i = h->nlog_cause; i < h->ncause; i++)
		cause_clear(&h->cause[i]);
	h->ncause = h->nlog_cause;
}

void
st_hints_free(struct st_hints *h)
{
	if (h == NULL)
		return;
	struct hints_priv *p = priv(h);
	struct hints_maps *m = maps(h);
	hints_param_abort(&p->pj);
	hints_rank_abort(&p->rj);
	published_clear(&p->out);
	results_clear(h);
	free(h->strs);
	for (size_t i = 0; i < h->neff; i++)
		effect_clear(&h->eff[i]);
	for (size_t i = 0; i < h->ncause; i++)
		cause_clear(&h->cause[i]);
	for (size_t i = 0; i < h->nchk; i++)
		free(h->chk[i].text);
	for (size_t i = 0; i < h->nact; i++)
		free(h->act[i].t);
	free(h->act);
	free(h->srcflag);
	free(h->shapes);
	facts_clear(h);
	free(h->facts);
	free(h->cx_used);
	free(h->eff);
	free(h->cause);
	free(h->chk);
	free(h->tplid);
	free(m->eff.k);
	free(m->eff.v);
	free(m->chg.k);
	free(m->chg.v);
	st_series_free(h->series);
	st_tpls_free(h->tpls);
	free(h);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

bool
st_hints_read(struct st_hints *h, uint32_t max_events)
{
	uint32_t count = (uint32_t)st_store_count(h->st);
	if (priv(h)->phase != RK_IDLE)
		return h->done == count; /* the ranking reads what was read */
	uint32_t end = count - h->done > max_events ? h->done + max_events : count;
	st_classify(h->notes, h->st, end);
	read_events(h, end);
	return end == count;
}

bool
st_hints_ranking(const struct st_hints *h)
{
	return priv(h)->phase != RK_IDLE;
}

void
st_hints_rank_begin(struct st_hints *h)
{
	struct hints_priv *p = priv(h);
	if (p->phase != RK_IDLE)
		return;
	/* what the last one derived is gone (publish); this one starts from
	 * the effects and causes of the events read */
	p->phase = RK_SERIES;
	p->rk_i = 0;
	p->rk_end = h->done;
	p->rk_seconds = 0;
}

#define SERIES_SLICE 262144 /* events read for metric series in a step */

/* One bounded piece of the ranking; true when it is over. */
static bool
rank_step(struct st_hints *h)
{
	struct hints_priv *p = priv(h);
	switch (p->phase) {
	case RK_IDLE:
		return true;
	case RK_SERIES: {
		uint32_t from = h->series_from;
		uint32_t end = p->rk_end - from > SERIES_SLICE ? from + SERIES_SLICE : p->rk_end;
		if (from < p->rk_end)
			h->series_from = st_series_update_to(h->series, h->st, from, end);
		if (from >= p->rk_end || h->series_from >= p->rk_end) {
			p->phase = RK_METRIC;
			p->rk_i = 0;
		}
		return false;
	}
	case RK_METRIC:
		if (hints_metric_step(h, &p->rk_i))
			p->phase = RK_PARAM;
		return false;
	case RK_PARAM:
		if (hints_param_step(h, &p->pj)) {
			p->phase = RK_BURST;
			p->rk_i = 0;
		}
		return false;
	case RK_BURST:
		if (hints_burst_step(h, &p->rk_i)) {
			p->phase = RK_CONTEXT;
			p->rk_i = 0;
		}
		return false;
	case RK_CONTEXT:
		if (hints_context_step(h, &p->rk_i))
			p->phase = RK_RANK;
		return false;
	case RK_RANK:
		if (!hints_rank_step(h, &p->rj))
			return false;
		publish(h);
		p->phase = RK_IDLE;
		return true;
	}
	return true;
}

bool
st_hints_rank_step(struct st_hints *h, uint64_t budget_us)
{
	struct hints_priv *p = priv(h);
	if (p->phase == RK_IDLE)
		return true;
	double t0 = now_s();
	bool done;
	do
		done = rank_step(h);
	while (!done && (now_s() - t0) * 1e6 < (double)budget_us);
	p->rk_seconds += now_s() - t0;
	if (done)
		h->seconds = p->rk_seconds;
	return done;
}

bool
st_hints_update(struct st_hints *h)
{
	while (!st_hints_rank_step(h, UINT64_MAX)) /* one left under way */
		;
	uint32_t end = (uint32_t)st_store_count(h->st);
	st_classify(h->notes, h->st, end);
	read_events(h, end);
	uint64_t old = h->sig;
	st_hints_rank_begin(h);
	while (!st_hints_rank_step(h, UINT64_MAX))
		;
	return h->sig != old;
}

size_t
st_hints_count(const struct st_hints *h)
{
	return priv(h)->out.nhints;
}

const struct st_hint *
st_hints_get(const struct st_hints *h, size_t i)
{
	const struct published *o = &priv(h)->out;
	return i < o->nhints ? &o->hints[i] : NULL;
}

size_t
st_hints_unexplained_count(const struct st_hints *h)
{
	return priv(h)->out.nunexpl;
}

const struct st_hint *
st_hints_unexplained(const struct st_hints *h, size_t i)
{
	const struct published *o = &priv(h)->out;
	return i < o->nunexpl ? &o->unexpl[i] : NULL;
}

size_t
st_hints_effect_count(const struct st_hints *h)
{
	return priv(h)->out.neffs;
}

const struct st_hint_effect *
st_hints_effect(const struct st_hints *h, size_t i)
{
	const struct published *o = &priv(h)->out;
	return i < o->neffs ? &o->effs[i] : NULL;
}

const struct st_series_set *
st_hints_series(const struct st_hints *h)
{
	return h->series;
}

void
st_event_message(const struct st_store *st, const struct st_event *ev, struct st_buf *out)
{
	event_message(st, ev, out);
}

void
st_human_num(double v, struct st_buf *b)
{
	human_num(v, b);
}

void
st_human_dur(double s, struct st_buf *b)
{
	human_dur(s, b);
}

const char *
st_confidence_name(enum st_confidence c)
{
	switch (c) {
	case ST_CONF_HIGH: return "high";
	case ST_CONF_MEDIUM: return "medium";
	case ST_CONF_LOW: return "low";
	default: return "none";
	}
}

void
st_hints_stats(const struct st_hints *h, struct st_hints_stats *out)
{
	out->events = h->done;
	out->effects = priv(h)->out.effects;
	out->causes = priv(h)->out.causes;
	out->templates = st_tpls_count(h->tpls);
	out->series = st_series_count(h->series);
	out->seconds = h->seconds;
}
