/*
 * hints-metric.c: effects from numbers: metric series that shift, spike,
 * freeze, go NaN or stop (the detectors of strata/detect.h), real traffic
 * at zero while health checks are served (one scrape is enough), and the
 * numbers inside log messages of one template ("Rolled up 139,204
 * records" ... "Rolled up 14,293 records") read as series of their own.
 *
 * These effects are made again on each update from the whole series and
 * templates (cheap: one detector pass per series, and a pass over the
 * events of the templates that carry numbers).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints-int.h"

#define PARAM_TPL_MAX 20000     /* events of one template read for numbers */
#define PARAM_TOTAL_MAX 400000  /* events read for numbers in all */
#define MIN_STRENGTH 0.35

static const char *
anom_type(uint8_t t)
{
	switch (t) {
	case ST_ANOM_SHIFT_DOWN: return "shift-down";
	case ST_ANOM_SHIFT_UP: return "shift-up";
	case ST_ANOM_SPIKE: return "spike";
	case ST_ANOM_DIP: return "dip";
	case ST_ANOM_FROZEN: return "frozen";
	case ST_ANOM_STOPPED: return "stopped";
	case ST_ANOM_NAN: return "nan";
	case ST_ANOM_ZERO: return "zero";
	default: return "anomaly";
	}
}

static void
series_label(const struct st_series *s, struct st_buf *b)
{
	st_buf_adds(b, s->name);
	if (s->labels[0])
		st_buf_addf(b, "{%s}", s->labels);
}

/* "3.25M → 0.29M": both in millions when either is (a reader compares
 * them at a glance), else as numbers. */
static void
pair(struct st_buf *b, double from, double to, const char *per)
{
	double big = fabs(from) > fabs(to) ? fabs(from) : fabs(to);
	if (big >= 1e6 && big < 1e15 && isfinite(from) && isfinite(to)) {
		st_buf_addf(b, "%.2fM%s → %.2fM%s", from / 1e6, per, to / 1e6, per);
		return;
	}
	human_num(from, b);
	st_buf_addf(b, "%s → ", per);
	human_num(to, b);
	st_buf_adds(b, per);
}

/* "dropped 91% (3.25M -> 0.29M) from 2024-12-08" and friends. */
static void
describe(struct st_buf *b, const struct st_anomaly *a, st_time at, bool rate)
{
	/* the last normal value and the first changed one, when they show the
	 * change's direction; else the typical levels either side */
	double from = a->last_before, to = a->first_after;
	bool down = a->type == ST_ANOM_SHIFT_DOWN;
	if (!isfinite(from) || !isfinite(to) || (down ? to >= from : to <= from)) {
		from = a->before;
		to = a->after;
	}
	double pct = from != 0 && isfinite(from) ? (to - from) / fabs(from) * 100 : NAN;
	const char *per = rate ? "/s" : "";
	switch (a->type) {
	case ST_ANOM_SHIFT_DOWN:
	case ST_ANOM_SHIFT_UP:
		if (isfinite(pct))
			st_buf_addf(b, " %s %.0f%% (", a->type == ST_ANOM_SHIFT_DOWN ? "dropped" : "rose",
			            fabs(pct));
		else
			st_buf_addf(b, " %s (", a->type == ST_ANOM_SHIFT_DOWN ? "dropped" : "rose");
		pair(b, from, to, per);
		st_buf_adds(b, ") from ");
		break;
	case ST_ANOM_SPIKE:
	case ST_ANOM_DIP:
		st_buf_addf(b, " %s to ", a->type == ST_ANOM_SPIKE ? "spiked" : "dipped");
		human_num(a->after, b);
		st_buf_addf(b, "%s (usual level ", per);
		human_num(a->before, b);
		st_buf_addf(b, "%s) at ", per);
		break;
	case ST_ANOM_FROZEN:
		st_buf_adds(b, " froze at ");
		human_num(a->after, b);
		st_buf_addf(b, " on %zu consecutive points", a->end - a->at);
		if (isfinite(a->last_before)) {
			st_buf_adds(b, " (was ");
			human_num(a->last_before, b);
			st_buf_addc(b, ')');
		}
		st_buf_adds(b, " from ");
		break;
	case ST_ANOM_NAN:
		st_buf_adds(b, " has no value (NaN) from ");
		break;
	case ST_ANOM_ZERO:
		st_buf_adds(b, " fell to zero from ");
		break;
	case ST_ANOM_STOPPED:
		st_buf_adds(b, " stopped after ");
		break;
	}
	human_time(at, b);
}

static uint8_t
anom_class(uint8_t t)
{
	return t == ST_ANOM_NAN || t == ST_ANOM_ZERO || t == ST_ANOM_STOPPED ? EC_NODATA : EC_VALUE;
}

static double
anom_mag(const struct st_anomaly *a)
{
	double c = isfinite(a->change) ? fabs(a->change) : 1;
	if (c > 1)
		c = 1;
	if (a->type == ST_ANOM_FROZEN || a->type == ST_ANOM_NAN || a->type == ST_ANOM_STOPPED ||
	    a->type == ST_ANOM_ZERO)
		c = 0.8;
	return 0.5 * c + 0.5 * a->strength;
}

static void
point_evid(struct st_hints *h, struct effect *e, const struct st_series *s, size_t i)
{
	struct st_event ev;
	st_store_get(h->st, s->points[i].seq, &ev);
	struct st_buf v = {0};
	human_exact(s->points[i].value, &v);
	st_buf_addc(&v, '\0');
	struct st_buf t = {0};
	human_time(s->points[i].ts, &t);
	st_buf_addc(&t, '\0');
	effect_evid(e, "%s:%u: %s%s%s%s = %s (%s)", src_name(h, ev.source), ev.line, s->name,
	            s->labels[0] ? "{" : "", s->labels, s->labels[0] ? "}" : "", v.p, t.p);
	st_buf_free(&v);
	st_buf_free(&t);
}

static void
series_effects(struct st_hints *h, const struct st_series *s)
{
	size_t n = s->npoints;
	if (n == 0)
		return;
	bool rate = s->cumulative; /* the detectors read a counter's rate */
	st_time *ts = st_xmalloc(n * sizeof(*ts));
	double *v = st_xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		ts[i] = s->points[i].ts;
		v[i] = s->points[i].value;
	}
	struct st_detect_opts o = {.cumulative = rate};
	struct st_anomaly an[4];
	size_t k = st_detect_series(ts, v, n, &o, an, ST_ARRAY_LEN(an));
	if (k > ST_ARRAY_LEN(an))
		k = ST_ARRAY_LEN(an);
	for (size_t j = 0; j < k; j++) {
		const struct st_anomaly *a = &an[j];
		if (a->strength < MIN_STRENGTH && a->type != ST_ANOM_NAN && a->type != ST_ANOM_STOPPED)
			continue;
		size_t p = a->at < n ? a->at : n - 1;
		struct effect *e = effect_new(h);
		e->cls = anom_class(a->type);
		e->type = anom_type(a->type);
		e->at = s->points[p].ts;
		e->lo = p > 0 ? s->points[p - 1].ts : e->at;
		e->seq = s->points[p].seq;
		struct st_event ev;
		st_store_get(h->st, e->seq, &ev);
		e->source = ev.source;
		e->line = ev.line;
		e->count = (uint32_t)(a->end > a->at ? a->end - a->at : 1);
		e->mag = anom_mag(a);
		struct st_buf b = {0};
		series_label(s, &b);
		if (rate)
			st_buf_adds(&b, " (rate)");
		describe(&b, a, e->at, rate);
		st_buf_addc(&b, '\0');
		e->text = b.p;
		e->metric = st_xstrdup(s->name);
		e->labels = st_xstrdup(s->labels);
		keys_add_words(&e->keys, s->name, strlen(s->name), 1);
		keys_add_words(&e->keys, s->labels, strlen(s->labels), 1);
		if (p > 0)
			point_evid(h, e, s, p - 1);
		point_evid(h, e, s, p);
		if (a->type == ST_ANOM_FROZEN && a->end > a->at + 1 && a->end <= n)
			point_evid(h, e, s, a->end - 1);
	}
	free(ts);
	free(v);
}

/* Does a label set name a health check's path or job? */
static bool
health_labels(const char *l)
{
	static const char *const words[] = {"health", "ready", "live", "ping", "/status"};
	for (size_t i = 0; i < ST_ARRAY_LEN(words); i++)
		if (strstr(l, words[i]))
			return true;
	return false;
}

/*
 * Real traffic at zero while health checks flow: one metric of one source
 * whose series for health paths count up while every other one is 0
 * (http_requests_total{handler="/health"} 86400, {handler="/api/v1/orders"} 0).
 */
static void
zero_traffic(struct st_hints *h)
{
	size_t ns = st_series_count(h->series);
	bool *done = st_xcalloc(ns ? ns : 1, sizeof(*done));
	for (size_t i = 0; i < ns; i++) {
		if (done[i])
			continue;
		const struct st_series *a = st_series_at(h->series, i);
		size_t nzero = 0, nhealth = 0, nother = 0;
		const struct st_series *hs = NULL, *zs = NULL;
		struct st_buf zeros = {0}, healths = {0};
		for (size_t j = i; j < ns; j++) {
			const struct st_series *b = st_series_at(h->series, j);
			if (b->source != a->source || strcmp(b->name, a->name) != 0 || b->npoints == 0)
				continue;
			done[j] = true;
			double last = b->points[b->npoints - 1].value;
			if (health_labels(b->labels)) {
				if (last > 0) {
					if (nhealth++ < 3)
						st_buf_addf(&healths, "%s{%s}", healths.len ? ", " : "", b->labels);
					hs = hs ? hs : b;
				}
			} else if (last == 0) {
				if (nzero++ < 3)
					st_buf_addf(&zeros, "%s{%s}", zeros.len ? ", " : "", b->labels);
				zs = zs ? zs : b;
			} else {
				nother++;
			}
		}
		if (nzero > 0 && nhealth > 0 && nother == 0) {
			struct effect *e = effect_new(h);
			e->cls = EC_NODATA;
			e->type = "zero-traffic";
			const struct st_series_point *zp = &zs->points[zs->npoints - 1];
			e->at = e->lo = zp->ts;
			e->seq = zp->seq;
			struct st_event ev;
			st_store_get(h->st, zp->seq, &ev);
			e->source = ev.source;
			e->line = ev.line;
			e->count = (uint32_t)nzero;
			e->mag = 0.85;
			e->claims_health = true;
			struct st_buf t = {0};
			st_buf_addf(&t, "%s: real traffic is zero (", a->name);
			st_buf_add(&t, zeros.p, zeros.len);
			st_buf_adds(&t, " at 0) while health checks are served (");
			st_buf_add(&t, healths.p, healths.len);
			st_buf_adds(&t, " at ");
			human_num(hs->points[hs->npoints - 1].value, &t);
			st_buf_adds(&t, ")");
			st_buf_addc(&t, '\0');
			e->text = t.p;
			e->metric = st_xstrdup(a->name);
			e->labels = st_xstrdup(zs->labels);
			keys_add_words(&e->keys, a->name, strlen(a->name), 1);
			keys_add_words(&e->keys, zs->labels, strlen(zs->labels), 1);
			point_evid(h, e, zs, zs->npoints - 1);
			point_evid(h, e, hs, hs->npoints - 1);
		}
		st_buf_free(&zeros);
		st_buf_free(&healths);
	}
	free(done);
}

bool
hints_metric_step(struct st_hints *h, size_t *i)
{
	size_t ns = st_series_count(h->series);
	if (*i < ns) {
		series_effects(h, st_series_at(h->series, (*i)++));
		return false;
	}
	zero_traffic(h);
	return true;
}

/* ---- numbers in messages */

/* A number as logs write it: 14293, 14,293, 2340, 0.25 (no units, no
 * version strings). */
static bool
read_number(const char *s, size_t n, double *out)
{
	if (n == 0 || n > 24)
		return false;
	char buf[32];
	size_t k = 0;
	bool dot = false, digit = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			buf[k++] = c;
			digit = true;
		} else if (c == ',' && digit && !dot && i + 3 < n && s[i + 1] >= '0' &&
		           s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] >= '0' &&
		           s[i + 3] <= '9' &&
		           (i + 4 == n || s[i + 4] == ',' || s[i + 4] == '.')) {
			continue; /* a thousands separator: three digits follow */
		} else if (c == '.' && !dot && digit && i + 1 < n) {
			buf[k++] = c;
			dot = true;
		} else {
			return false;
		}
	}
	if (!digit)
		return false;
	buf[k] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* Split s at white space into at most max tokens. */
static size_t
tokens(const char *s, size_t n, const char **tok, size_t *len, size_t max)
{
	size_t k = 0, i = 0;
	while (i < n && k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		size_t b = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		tok[k] = s + b;
		len[k++] = i - b;
	}
	return k;
}

struct numpt {
	st_time ts;
	double v;
	uint32_t seq;
};

static int
cmp_numpt(const void *a, const void *b)
{
	const struct numpt *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void param_detect(struct st_hints *h, const char *ttext, size_t pos, struct numpt *pts,
                         size_t np, size_t n);

/* One template's numbers, read in slices of events (a template may have
 * PARAM_TPL_MAX of them: too many for one step of the viewer's ranking). */
static void param_detect(struct st_hints *h, const char *ttext, size_t pos, struct numpt *pts,
                         size_t np, size_t n);

struct param_tpl {
	const char *tt[ST_TPL_TOKENS];
	size_t tl[ST_TPL_TOKENS];
	size_t nt;
	size_t wpos[ST_TPL_TOKENS], keylen[ST_TPL_TOKENS], nw;
	const uint32_t *seqs;
	size_t n, at, w;     /* events; the next event to read; the next position to detect on */
	struct numpt *pts;   /* nw * n */
	size_t *np;
};

#define PARAM_READ_SLICE 2048 /* events of a template read in a step */

static void
param_tpl_free(struct param_tpl *t)
{
	free(t->pts);
	free(t->np);
	memset(t, 0, sizeof(*t));
}

/* Set up for the template ttext (borrowed until param_tpl_free); false
 * when it has no wildcard to read. */
static bool
param_tpl_begin(struct param_tpl *t, const char *ttext, const uint32_t *seqs, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->nt = tokens(ttext, strlen(ttext), t->tt, t->tl, ST_TPL_TOKENS);
	/* the wildcard positions: "<*>" or "key=<*>" */
	for (size_t pos = 0; pos < t->nt; pos++)
		if (t->tl[pos] >= 3 && memcmp(t->tt[pos] + t->tl[pos] - 3, "<*>", 3) == 0) {
			t->wpos[t->nw] = pos;
			t->keylen[t->nw++] = t->tl[pos] - 3;
		}
	if (t->nw == 0)
		return false;
	t->seqs = seqs;
	t->n = n;
	t->pts = st_xmalloc(t->nw * n * sizeof(*t->pts));
	t->np = st_xcalloc(t->nw, sizeof(*t->np));
	return true;
}

/* A slice of the template's events (each read once: its numbers at every
 * wildcard position), then one position's detection a step. True when
 * the template is done. */
static bool
param_tpl_step(struct st_hints *h, struct param_tpl *t, const char *ttext)
{
	if (t->at < t->n) {
		size_t end = t->at + PARAM_READ_SLICE < t->n ? t->at + PARAM_READ_SLICE : t->n;
		for (size_t i = t->at; i < end; i++) {
			struct st_event ev;
			st_store_get(h->st, t->seqs[i], &ev);
			size_t len = ev.len;
			const char *nl = memchr(ev.text, '\n', len);
			if (nl)
				len = (size_t)(nl - ev.text);
			const char *et[ST_TPL_TOKENS];
			size_t el[ST_TPL_TOKENS];
			size_t ne = tokens(ev.text, len, et, el, ST_TPL_TOKENS);
			if (ne != t->nt)
				continue;
			for (size_t w = 0; w < t->nw; w++) {
				size_t pos = t->wpos[w];
				double v;
				if (el[pos] > t->keylen[w] &&
				    read_number(et[pos] + t->keylen[w], el[pos] - t->keylen[w], &v)) {
					struct numpt *p = &t->pts[w * t->n + t->np[w]++];
					p->ts = ev.ts;
					p->v = v;
					p->seq = t->seqs[i];
				}
			}
		}
		t->at = end;
		return false;
	}
	if (t->w < t->nw) {
		size_t w = t->w++;
		param_detect(h, ttext, t->wpos[w], t->pts + w * t->n, t->np[w], t->n);
		return t->w == t->nw;
	}
	return true;
}

static void
param_detect(struct st_hints *h, const char *ttext, size_t pos, struct numpt *pts, size_t np,
             size_t n)
{
	if (np < 4 || np * 2 < n)
		return;
	qsort(pts, np, sizeof(*pts), cmp_numpt);
	/* ids and counters only grow: not a level */
	bool grows = true, same = true;
	for (size_t i = 1; i < np; i++) {
		if (pts[i].v <= pts[i - 1].v)
			grows = false;
		if (pts[i].v != pts[0].v)
			same = false;
	}
	if (grows || same)
		return;
	st_time *ts = st_xmalloc(np * sizeof(*ts));
	double *v = st_xmalloc(np * sizeof(*v));
	bool ints = true;
	for (size_t i = 0; i < np; i++) {
		ts[i] = pts[i].ts;
		v[i] = pts[i].v;
		ints = ints && v[i] == floor(v[i]);
	}
	struct st_detect_opts o = {.integer_valued = ints};
	struct st_anomaly an[2];
	size_t k = st_detect_series(ts, v, np, &o, an, ST_ARRAY_LEN(an));
	if (k > ST_ARRAY_LEN(an))
		k = ST_ARRAY_LEN(an);
	for (size_t j = 0; j < k; j++) {
		struct st_anomaly a = an[j];
		/* the newest value alone far below: the level it fell to may last */
		if (a.type == ST_ANOM_DIP && a.end == np)
			a.type = ST_ANOM_SHIFT_DOWN;
		if (a.type == ST_ANOM_SPIKE && a.end == np)
			a.type = ST_ANOM_SHIFT_UP;
		/* numbers in messages are noisier than metrics: only a sure
		 * shift, or a many-digit count repeated exactly (14,293) */
		if (anom_class(a.type) != EC_VALUE || a.type == ST_ANOM_SPIKE ||
		    a.type == ST_ANOM_DIP)
			continue;
		if (a.type == ST_ANOM_FROZEN ? a.strength < MIN_STRENGTH || fabs(a.after) < 1000
		                             : a.strength < 0.6)
			continue;
		struct effect *e = effect_new(h);
		e->cls = EC_VALUE;
		e->type = anom_type(a.type);
		e->at = pts[a.at].ts;
		e->lo = a.at > 0 ? pts[a.at - 1].ts : e->at;
		e->seq = pts[a.at].seq;
		struct st_event ev;
		st_store_get(h->st, e->seq, &ev);
		e->source = ev.source;
		e->line = ev.line;
		e->count = (uint32_t)(a.end - a.at);
		e->mag = anom_mag(&a);
		struct st_buf b = {0};
		st_buf_adds(&b, "the number in \"");
		/* the template without its leading stamp wildcards */
		const char *show = ttext;
		while (strncmp(show, "<*> ", 4) == 0)
			show += 4;
		st_buf_add(&b, show, strlen(show) > 120 ? 120 : strlen(show));
		st_buf_addf(&b, "\" (word %zu)", pos + 1);
		describe(&b, &a, e->at, false);
		st_buf_addc(&b, '\0');
		e->text = b.p;
		keys_add_words(&e->keys, ttext, strlen(ttext), 1);
		const char *name = src_name(h, ev.source);
		if (name) {
			const char *base = strrchr(name, '/');
			base = base ? base + 1 : name;
			keys_add_words(&e->keys, base, strlen(base), 1);
		}
		for (size_t q = a.at ? a.at - 1 : 0; q <= a.at && q < np; q++) {
			struct st_event pe;
			st_store_get(h->st, pts[q].seq, &pe);
			struct st_buf m = {0};
			event_message(h->st, &pe, &m);
			st_buf_addc(&m, '\0');
			effect_evid(e, "%s:%u: %s", src_name(h, pe.source), pe.line, m.p);
			st_buf_free(&m);
		}
	}
	free(ts);
	free(v);
}

/* The numbers in messages, in steps: choose the templates worth reading
 * (repeated, with a wildcard, not huge), sort their events by template
 * (a counting sort over every event read, in slices), then read each
 * template's numbers. */
struct param_job {
	int stage;            /* 0 choose, 1 sort, 2 read */
	size_t nt, at, total;
	uint32_t *off;        /* per template: its events kept (0: not read) */
	uint32_t *start, *fill, *seqs;
	uint32_t seq;         /* stage 1: the next event */
	struct st_buf text;
	bool reading;         /* stage 2: tpl is under way (its text in text) */
	struct param_tpl tpl;
};

#define PARAM_CHOOSE_SLICE 4096  /* templates looked at in a step */
#define PARAM_SORT_SLICE 131072  /* events sorted in a step */

void
hints_param_abort(struct param_job **pj)
{
	struct param_job *j = *pj;
	if (j == NULL)
		return;
	free(j->off);
	free(j->start);
	free(j->fill);
	free(j->seqs);
	param_tpl_free(&j->tpl);
	st_buf_free(&j->text);
	free(j);
	*pj = NULL;
}

static void
param_choose(struct st_hints *h, struct param_job *j)
{
	size_t end = j->at + PARAM_CHOOSE_SLICE < j->nt ? j->at + PARAM_CHOOSE_SLICE : j->nt;
	for (size_t i = j->at; i < end; i++) {
		struct st_tpl_info in;
		st_tpls_info(h->tpls, (uint32_t)i, &in);
		if (in.count < 4 || in.count > PARAM_TPL_MAX || j->total + in.count > PARAM_TOTAL_MAX)
			continue;
		j->text.len = 0;
		st_tpls_text(h->tpls, (uint32_t)i, &j->text);
		st_buf_addc(&j->text, '\0');
		/* wildcards other than a leading time stamp, in a template
		 * that is mostly words (not everything a wildcard) */
		const char *p = j->text.p;
		while (strncmp(p, "<*> ", 4) == 0)
			p += 4;
		unsigned lit = 0, wild = 0;
		for (const char *q = p; *q;) {
			const char *sp = strchr(q, ' ');
			size_t len = sp ? (size_t)(sp - q) : strlen(q);
			if (len >= 3 && memcmp(q + len - 3, "<*>", 3) == 0)
				wild++;
			else
				lit++;
			q = sp ? sp + 1 : q + len;
		}
		if (wild > 0 && lit >= 2 && lit >= wild) {
			j->off[i] = in.count;
			j->total += in.count;
		}
	}
	j->at = end;
	if (end < j->nt)
		return;
	j->stage = 1;
	if (j->total == 0)
		return;
	j->start = st_xmalloc((j->nt + 1) * sizeof(*j->start));
	uint32_t acc = 0;
	for (size_t i = 0; i < j->nt; i++) {
		j->start[i] = acc;
		acc += j->off[i];
	}
	j->start[j->nt] = acc;
	j->fill = st_xcalloc(j->nt, sizeof(*j->fill));
	j->seqs = st_xmalloc(j->total * sizeof(*j->seqs));
}

bool
hints_param_step(struct st_hints *h, struct param_job **pj)
{
	struct param_job *j = *pj;
	if (j == NULL) {
		size_t nt = st_tpls_count(h->tpls);
		if (nt == 0)
			return true;
		j = *pj = st_xcalloc(1, sizeof(*j));
		j->nt = nt;
		j->off = st_xcalloc(nt + 1, sizeof(*j->off));
	}
	if (j->stage == 0) {
		param_choose(h, j);
		if (j->stage == 1 && j->total == 0) {
			hints_param_abort(pj);
			return true;
		}
		return false;
	}
	if (j->stage == 1) {
		uint32_t end = h->done - j->seq > PARAM_SORT_SLICE ? j->seq + PARAM_SORT_SLICE : h->done;
		for (uint32_t s = j->seq; s < end; s++) {
			uint32_t t = h->tplid[s];
			if (t != NONE32 && t < j->nt && j->off[t] && j->fill[t] < j->off[t])
				j->seqs[j->start[t] + j->fill[t]++] = s;
		}
		j->seq = end;
		if (end == h->done) {
			j->stage = 2;
			j->at = 0;
		}
		return false;
	}
	if (j->reading) {
		if (param_tpl_step(h, &j->tpl, j->text.p)) {
			param_tpl_free(&j->tpl);
			j->reading = false;
		}
		return false;
	}
	while (j->at < j->nt && (!j->off[j->at] || j->fill[j->at] < 4))
		j->at++;
	if (j->at == j->nt) {
		hints_param_abort(pj);
		return true;
	}
	size_t i = j->at++;
	j->text.len = 0;
	st_tpls_text(h->tpls, (uint32_t)i, &j->text);
	st_buf_addc(&j->text, '\0');
	j->reading = param_tpl_begin(&j->tpl, j->text.p, j->seqs + j->start[i], j->fill[i]);
	return false;
}

/* ---- bursts */

static int
cmp_occ(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

#define BURST_MIN 20        /* events in a group before a rate says anything */
#define BURST_BUCKETS 240   /* at most, over the group's span */

/*
 * An error message kind (or symptom) that was there all along at a low
 * rate and then bursts: its onset is the burst, not its first line. The
 * group's events are counted per bucket (a minute, or the span / 240)
 * and the counts run through the detectors; a shift up or a spike to at
 * least three times the rate before is a burst effect of its own.
 */
static bool
occ_before(const struct occurrence *a, const struct occurrence *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
burst(struct st_hints *h, size_t gi)
{
	struct effect *g = &h->eff[gi];
	if (g->nocc < BURST_MIN)
		return;
	/* no sort of the group (up to a million events, too long for a step
	 * of the viewer's ranking): counts per bucket and each bucket's first
	 * event are found in one pass */
	size_t n = g->nocc;
	const struct occurrence *o = g->occ;
	st_time t0 = o[0].ts, t1 = o[0].ts;
	for (size_t i = 1; i < n; i++) {
		if (o[i].ts < t0)
			t0 = o[i].ts;
		if (o[i].ts > t1)
			t1 = o[i].ts;
	}
	st_time span = t1 - t0;
	st_time width = span / BURST_BUCKETS + 1;
	if (width < 60 * SEC_US)
		width = 60 * SEC_US;
	size_t nb = (size_t)(span / width) + 1;
	if (nb < 8)
		return;
	st_time *ts = st_xcalloc(nb, sizeof(*ts));
	double *v = st_xcalloc(nb, sizeof(*v));
	size_t *first = st_xmalloc(nb * sizeof(*first));
	for (size_t b = 0; b < nb; b++) {
		ts[b] = t0 + (st_time)b * width;
		first[b] = SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		size_t b = (size_t)((o[i].ts - t0) / width);
		if (b >= nb)
			b = nb - 1;
		v[b] += 1;
		if (first[b] == SIZE_MAX || occ_before(&o[i], &o[first[b]]))
			first[b] = i;
	}
	struct st_detect_opts opts = {.min_change = 2.0};
	struct st_anomaly an[2];
	size_t k = st_detect_series(ts, v, nb, &opts, an, ST_ARRAY_LEN(an));
	if (k > ST_ARRAY_LEN(an))
		k = ST_ARRAY_LEN(an);
	for (size_t j = 0; j < k; j++) {
		const struct st_anomaly *a = &an[j];
		if ((a->type != ST_ANOM_SHIFT_UP && a->type != ST_ANOM_SPIKE) || a->at == 0 ||
		    a->at >= nb || first[a->at] == SIZE_MAX || a->strength < 0.5 ||
		    !(a->after >= 3 * (a->before > 0.5 ? a->before : 0.5)))
			continue;
		/* the bucket is coarse: the burst starts at the first of the events
		 * that come as fast as in it, looked for back over the two buckets
		 * before (the rate there was a third of the burst's at most) */
		double gap = (double)width / (a->after > 1 ? a->after : 1);
		struct occurrence at_occ = o[first[a->at]];
		st_time from = ts[a->at >= 2 ? a->at - 2 : 0];
		size_t nw = 0;
		for (size_t i = 0; i < n; i++)
			if (o[i].ts >= from && occ_before(&o[i], &at_occ))
				nw++;
		struct occurrence *w = st_xmalloc((nw + 1) * sizeof(*w));
		nw = 0;
		for (size_t i = 0; i < n; i++)
			if (o[i].ts >= from && occ_before(&o[i], &at_occ))
				w[nw++] = o[i];
		qsort(w, nw, sizeof(*w), cmp_occ);
		w[nw] = at_occ;
		size_t fi = nw;
		while (fi > 0 && (double)(w[fi].ts - w[fi - 1].ts) <= 3 * gap)
			fi--;
		struct occurrence start = w[fi];
		free(w);
		const struct occurrence *at = &start;
		struct effect *e = effect_new(h);
		g = &h->eff[gi]; /* effect_new may move the array */
		e->cls = g->cls;
		e->type = "burst";
		e->at = at->ts;
		e->lo = ts[a->at - 1];
		e->seq = at->seq;
		struct st_event ev;
		st_store_get(h->st, at->seq, &ev);
		e->source = ev.source;
		e->line = ev.line;
		e->count = 0;
		for (size_t b = a->at; b < a->end && b < nb; b++)
			e->count += (uint32_t)v[b];
		e->mag = 0.4 + 0.5 * a->strength;
		e->deps = g->deps;
		e->keys = g->keys;
		e->cx_done = true;
		struct st_buf t = {0};
		st_buf_addf(&t, "a burst of \"%s\": %u in ", g->text, e->count);
		human_dur((double)((st_time)(a->end - a->at) * width) / SEC_US, &t);
		st_buf_adds(&t, " from ");
		human_time(e->at, &t);
		double per_min = 60.0 * SEC_US / (double)width;
		st_buf_addf(&t, " (%.1f a minute; %.2f before)", a->after * per_min, a->before * per_min);
		st_buf_addc(&t, '\0');
		e->text = t.p;
		effect_evid(e, "%s:%u: the first of the burst", src_name(h, ev.source), ev.line);
	}
	free(first);
	free(ts);
	free(v);
}

bool
hints_burst_step(struct st_hints *h, size_t *i)
{
	if (*i >= h->nlog_eff)
		return true;
	burst(h, (*i)++);
	return false;
}
