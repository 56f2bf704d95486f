/*
 * hints-rank.c: scores every (cause, effect) pair and makes the hints.
 *
 * The score of a pair is a logistic function of four things in 0..1 and
 * two penalties:
 *   time      how promptly the effect followed: exp(-lag / 1 h), the lag
 *             measured to the first activity of the effect's source after
 *             the cause (a nightly job's first run after an evening
 *             change), and 1 when the cause falls inside the effect's
 *             onset interval (a daily point); a setting with no time of
 *             its own counts 0.7; a check counts |lag| either side;
 *   entities  what they share, weighted by rarity among all causes and
 *             effects (idf), 1 - exp(-sum / 4);
 *   fit       the kind of change against the kind of symptom (a table:
 *             a file mode and exit 126, a memory limit and OOM, ...);
 *   size      the effect's magnitude and sharpness;
 *   routine   a change made before, the same way, counts less;
 *   rivals    explaining away: a pair's score is scaled by its share of
 *             the effect's candidates, (s / sum s)^0.25.
 * The weights were set on the fixtures (fixtures/incidents and
 * fixtures/controls): every seed's story scores high, no control reaches
 * medium. Confidence: high >= 0.75, medium >= 0.5, low >= 0.3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints-int.h"

#define LOW 0.30
#define MEDIUM 0.50
#define HIGH 0.75

/* fit of a change class (row) and a symptom class (column) */
static const struct {
	uint32_t cls;
	float fit[EC_COUNT];
} fits[] = {
	/*             EXEC MEM  VALUE STALE DNS  TLS  CONN CRASH HTTP DISK ERROR NODATA */
	{CC_FILEMODE, {1.0, .10, .20, .10, .10, .10, .10, .60, .30, .10, .40, .30}},
	{CC_MEMORY,   {.10, 1.0, .20, .10, .10, .10, .30, .70, .40, .20, .40, .30}},
	{CC_CONFIG,   {.20, .30, .70, .50, .30, .30, .50, .50, .50, .10, .50, .50}},
	{CC_DATABASE, {.10, .10, .90, .40, .20, .10, .70, .30, .50, .10, .60, .60}},
	{CC_LEADER,   {.00, .10, .40, 1.0, .10, .10, .40, .30, .30, .10, .40, .30}},
	{CC_DNS,      {.00, .00, .20, .10, 1.0, .30, .70, .20, .50, .00, .50, .50}},
	{CC_CERT,     {.00, .00, .10, .00, .20, 1.0, .50, .20, .50, .00, .50, .40}},
	{CC_NETWORK,  {.00, .00, .20, .10, .40, .30, .90, .20, .60, .00, .50, .60}},
	{CC_PACKAGE,  {.50, .20, .20, .10, .10, .40, .20, .60, .30, .10, .50, .30}},
	{CC_DEPLOY,   {.60, .40, .50, .20, .10, .20, .40, .70, .60, .10, .60, .50}},
	{CC_SCALE,    {.00, .50, .30, .10, .00, .00, .40, .40, .50, .10, .40, .50}},
	{CC_INFRA,    {.10, .10, .20, .20, .30, .10, .50, .20, .40, .20, .40, .50}},
	{CC_LIFECYCLE, {.10, .10, .10, .10, .00, .00, .20, .20, .20, .00, .20, .30}},
};

static double
fit(const struct cause *c, const struct effect *e)
{
	if (c->kind == CK_CHECK) {
		/* a check lies when it says a dependency is fine (database=connected)
		 * while the real work fails on that dependency, or when only the
		 * health paths get traffic; a ping that answers 200 says nothing */
		if (e->cls == EC_NODATA && e->claims_health)
			return 0.95;
		if (!(c->cls & e->deps & (DEP_DB | DEP_CACHE | DEP_QUEUE)))
			return 0.1;
		switch (e->cls) {
		case EC_CONN: return 0.9;
		case EC_HTTP: return 0.7;
		case EC_ERROR: return 0.6;
		case EC_NODATA: return 0.6;
		default: return 0.1;
		}
	}
	uint32_t cls = c->cls;
	if (cls & CC_LIFECYCLE)
		cls = CC_LIFECYCLE; /* a run, not an edit: whatever it names */
	double best = -1;
	for (size_t i = 0; i < ST_ARRAY_LEN(fits); i++)
		if (cls & fits[i].cls && fits[i].fit[e->cls] > best)
			best = fits[i].fit[e->cls];
	return best < 0 ? 0.25 : best;
}

/* ---- rarity */

struct dfmap {
	uint64_t *k;
	uint32_t *n;
	size_t cap;
};

static uint32_t *
df_slot(struct dfmap *m, uint64_t key)
{
	if (key == 0)
		key = 0x9e3779b97f4a7c15ull;
	size_t j = key & (m->cap - 1);
	while (m->k[j] && m->k[j] != key)
		j = (j + 1) & (m->cap - 1);
	m->k[j] = key;
	return &m->n[j];
}

static void
df_add(struct dfmap *m, const struct keyset *k)
{
	for (unsigned i = 0; i < k->n; i++)
		(*df_slot(m, k->h[i]))++;
}

static double
overlap(struct dfmap *m, double ndocs, const struct keyset *a, const struct keyset *b)
{
	double sum = 0;
	for (unsigned i = 0; i < a->n; i++) {
		if (!keys_has(b, a->h[i]))
			continue;
		double df = *df_slot(m, a->h[i]);
		double idf = log((ndocs + 1) / (df + 0.5));
		if (idf < 0.1)
			idf = 0.1;
		unsigned wb = 0;
		for (unsigned j = 0; j < b->n; j++)
			if (b->h[j] == a->h[i])
				wb = b->w[j];
		sum += (a->w[i] < wb ? a->w[i] : wb) * idf;
	}
	return 1 - exp(-sum / 4);
}

/* ---- pairs */

struct pair {
	double score, time, ent, fit, lag;
	unsigned rivals; /* other causes with a score for the effect */
	bool first_run; /* the lag counts from the source's first activity after */
	bool within;    /* the cause falls inside the effect's onset interval */
};

static bool
score_pair(struct st_hints *h, struct dfmap *df, double ndocs, const struct cause *c,
           const struct effect *e, struct pair *p)
{
	memset(p, 0, sizeof(*p));
	if (e->at == ST_TIME_NONE)
		return false;
	double tf;
	if (c->kind == CK_CHECK) {
		double lag = (double)(e->at - c->ts) / SEC_US;
		if (fabs(lag) > 3600 && !e->claims_health)
			return false;
		if (e->claims_health && fabs(lag) > 86400)
			return false;
		p->lag = lag;
		tf = exp(-fabs(lag) / 900);
	} else if (c->ts == ST_TIME_NONE) {
		tf = 0.7; /* a setting: in force all along */
		p->lag = NAN;
	} else if (c->kind == CK_SETTING && e->at < c->ts) {
		/* the line that shows a setting came after: it was in force before */
		tf = 0.6;
		p->lag = (double)(e->at - c->ts) / SEC_US;
	} else {
		st_time hi = e->at + (e->at - e->lo); /* a daily point covers its day */
		if (c->ts > hi + SKEW_US)
			return false; /* after the effect: not its cause */
		if (e->lo < c->ts - 30LL * 86400 * SEC_US && e->at < c->ts - 30LL * 86400 * SEC_US)
			return false;
		double lag = (double)(e->at - c->ts) / SEC_US;
		double eff = lag;
		if (c->ts >= e->lo - SKEW_US && e->lo != e->at && c->ts > e->at - SKEW_US) {
			/* a point dated before the cause whose interval holds it (a
			 * daily value): the effect is later within that interval */
			eff = 0;
			p->within = true;
			if (lag < 0)
				lag = 0;
		} else if (c->ts >= e->lo - SKEW_US && e->lo != e->at) {
			eff = 0; /* inside the onset interval */
		} else if (lag > 0) {
			st_time a = src_next_activity(h, e->source, c->ts, e->at);
			if (a != ST_TIME_NONE && e->at - a >= 0) {
				double from = (double)(e->at - a) / SEC_US;
				if (from < eff) {
					p->first_run = from < eff / 4 && lag > 600;
					eff = from;
				}
			}
		}
		if (eff < 0)
			eff = 0;
		p->lag = lag;
		tf = exp(-eff / 3600) / (1 + (lag > 0 ? lag : 0) / (7 * 86400.0));
		if (c->kind == CK_SETTING && tf < 0.6)
			tf = 0.6;
	}
	p->time = tf;
	p->ent = overlap(df, ndocs, &c->keys, &e->keys);
	p->fit = fit(c, e);
	double z = -3.3 + 2.4 * p->ent + 2.6 * p->fit + 1.4 * tf + 1.0 * e->mag;
	double s = 1 / (1 + exp(-z));
	if (c->routine)
		s /= 1 + 0.5 * c->routine;
	if (c->kind == CK_CHANGE && c->incomplete && !c->finished)
		s *= 0.8; /* a change still in progress explains less than one done */
	p->score = s;
	return true;
}

/* ---- results */

static const char *
keep(struct st_hints *h, char *s)
{
	if (h->nstrs == h->capstrs) {
		h->capstrs = h->capstrs ? h->capstrs * 2 : 64;
		h->strs = st_xreallocarray(h->strs, h->capstrs, sizeof(*h->strs));
	}
	h->strs[h->nstrs++] = s;
	return s;
}

static const char *
keepf(struct st_hints *h, struct st_buf *b)
{
	st_buf_addc(b, '\0');
	return keep(h, b->p);
}

static enum st_confidence
conf_of(double s)
{
	return s >= HIGH ? ST_CONF_HIGH : s >= MEDIUM ? ST_CONF_MEDIUM : s >= LOW ? ST_CONF_LOW
	                                                                       : ST_CONF_NONE;
}

static const char *
base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void
summary(struct st_hints *h, struct st_buf *b, const struct cause *c, const struct effect *e,
        const struct pair *p)
{
	if (c->kind == CK_CHECK) {
		st_buf_adds(b, "A check that lies: \"");
		st_buf_adds(b, c->text);
		st_buf_adds(b, "\" at ");
		human_time(c->ts, b);
		st_buf_adds(b, ", while ");
		st_buf_adds(b, e->text);
		st_buf_adds(b, " at ");
		human_time(e->at, b);
		st_buf_adds(b, ": the health check passes but the real work fails.");
		return;
	}
	if (c->kind == CK_SETTING) {
		st_buf_adds(b, c->text);
		st_buf_addf(b, " (%s:%u)", base_of(src_name(h, c->source)), c->line);
		st_buf_adds(b, "; ");
		st_buf_adds(b, e->text);
		st_buf_adds(b, " at ");
		human_time(e->at, b);
		st_buf_adds(b, ".");
		return;
	}
	st_buf_adds(b, c->text);
	st_buf_adds(b, " at ");
	human_time(c->ts, b);
	st_buf_adds(b, "; ");
	if (p->first_run) {
		st_buf_adds(b, "at the first activity of ");
		st_buf_adds(b, base_of(src_name(h, e->source)));
		st_buf_adds(b, " after it (");
		human_dur(p->lag, b);
		st_buf_adds(b, " later), ");
	} else if (p->lag > 1) {
		human_dur(p->lag, b);
		st_buf_adds(b, " later, ");
	} else if (p->within) {
		st_buf_adds(b, "the series point that covers it shows ");
	} else {
		st_buf_adds(b, "at once, ");
	}
	st_buf_adds(b, e->text);
	st_buf_adds(b, ".");
	if (c->incomplete && !c->finished)
		st_buf_adds(b, " The change never completed.");
}

static void
evid_add(const char **ev, size_t *n, size_t max, const char *s)
{
	if (*n >= max)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ev[i], s) == 0)
			return;
	ev[(*n)++] = s;
}

static const char *
event_line(struct st_hints *h, const char *what, uint16_t src, uint32_t line, const char *text)
{
	struct st_buf b = {0};
	st_buf_addf(&b, "%s:%u: %s%s", src_name(h, src), line, what, text);
	return keepf(h, &b);
}

static bool
keys_share(const struct keyset *a, const struct keyset *b, unsigned minw)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->w[i] >= minw && keys_has(b, a->h[i]))
			return true;
	return false;
}

#define HINT_EVID 16

/* The effects in time order (then source, line, type), set by rank_hints:
 * the evidence lists follow it, not the order the effects were found in,
 * which follows the order the sources' reads ended (the same inputs must
 * give the same report). */
static const size_t *eff_order;
static const struct st_hints *eff_order_h;

static int
cmp_eff_order(const void *a, const void *b)
{
	const struct effect *x = &eff_order_h->eff[*(const size_t *)a];
	const struct effect *y = &eff_order_h->eff[*(const size_t *)b];
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	int t = strcmp(x->type, y->type);
	if (t)
		return t;
	return strcmp(x->text ? x->text : "", y->text ? y->text : "");
}

static void
make_hint(struct st_hints *h, struct st_hint *out, const struct cause *c, size_t ci,
          const struct effect *e, const struct pair *p, double score, const size_t *mine,
          size_t nmine)
{
	memset(out, 0, sizeof(*out));
	out->score = score;
	out->confidence = conf_of(score);
	out->has_cause = true;
	out->cause_kind = c->kind == CK_CHECK ? "check" : c->kind == CK_SETTING ? "setting" : "change";
	out->cause.ts = c->ts;
	out->cause.source = c->source;
	out->cause.line = c->line;
	out->cause.seq = c->seq;
	out->cause.text = c->text;
	out->effect.ts = e->at;
	out->effect.source = e->source;
	out->effect.line = e->line;
	out->effect.seq = e->seq;
	out->effect.text = e->text;
	out->why = (struct st_hint_why){
		.time = p->time, .entities = p->ent, .fit = p->fit, .size = e->mag,
		.routine = c->routine, .rivals = p->rivals, .effects = (unsigned)nmine,
		.first_run = p->first_run, .within = p->within,
		.incomplete = c->kind == CK_CHANGE && c->incomplete && !c->finished};
	out->metric = e->metric;
	out->effect_type = e->type;
	out->lag_s = p->lag;
	struct st_buf b = {0};
	summary(h, &b, c, e, p);
	out->summary = keepf(h, &b);

	const char **ev = st_xcalloc(HINT_EVID, sizeof(*ev));
	size_t n = 0;
	/* what the change touched (context lines) */
	for (unsigned i = 0; i < c->nevid; i++)
		evid_add(ev, &n, HINT_EVID, c->evid[i]);
	/* the effect's own numbers */
	for (unsigned i = 0; i < e->nevid; i++)
		evid_add(ev, &n, HINT_EVID, e->evid[i]);
	/* the other effects this cause explains */
	for (size_t i = 0; i < nmine; i++) {
		const struct effect *o = &h->eff[mine[i]];
		if (o == e)
			continue;
		evid_add(ev, &n, HINT_EVID, event_line(h, "", o->source, o->line, o->text));
		for (unsigned j = 0; j < o->nevid && j < 2; j++)
			evid_add(ev, &n, HINT_EVID, o->evid[j]);
	}
	/* facts from the context: views that disagree, checks that do not look */
	for (size_t i = 0; i < h->nfacts; i++) {
		const struct fact *f = &h->facts[i];
		bool related = keys_share(&f->keys, &c->keys, 2) || keys_share(&f->keys, &e->keys, 2);
		if (f->cls == CC_CHECK && c->kind == CK_CHECK)
			related = true;
		if (f->stale && (e->cls == EC_STALE || (c->cls & CC_LEADER)))
			related = true;
		if (related)
			evid_add(ev, &n, HINT_EVID, f->text);
	}
	/* changes still in progress that share its entities */
	for (size_t i = 0; i < h->ncause; i++) {
		const struct cause *o = &h->cause[i];
		if (i == ci || o->kind != CK_CHANGE || !o->incomplete || o->finished)
			continue;
		bool shares = keys_share(&o->keys, &c->keys, 2);
		for (size_t k = 0; k < nmine && !shares; k++)
			shares = keys_share(&o->keys, &h->eff[mine[k]].keys, 1);
		if (!shares)
			continue;
		struct st_buf t = {0};
		st_buf_addf(&t, "%s:%u: %s (started ", src_name(h, o->source), o->line, o->text);
		human_time(o->ts, &t);
		st_buf_adds(&t, ", never completed)");
		evid_add(ev, &n, HINT_EVID, keepf(h, &t));
	}
	/* symptoms nearby that no cause took, on the same things */
	for (size_t i = 0; i < h->neff && n < HINT_EVID; i++) {
		const struct effect *o = &h->eff[eff_order[i]];
		if (o == e || o->best >= 0 || o->at == ST_TIME_NONE)
			continue;
		if (llabs(o->at - e->at) > 3600 * SEC_US)
			continue;
		if (!keys_share(&o->keys, &e->keys, 1) && !keys_share(&o->keys, &c->keys, 2))
			continue;
		evid_add(ev, &n, HINT_EVID, event_line(h, "", o->source, o->line, o->text));
	}
	out->evidence = ev;
	out->nevidence = n;
	keep(h, (char *)ev);
}

static int
cmp_hint(const void *a, const void *b)
{
	const struct st_hint *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->cause.ts != y->cause.ts)
		return x->cause.ts < y->cause.ts ? -1 : 1;
	if (x->cause.source != y->cause.source)
		return x->cause.source < y->cause.source ? -1 : 1;
	return x->cause.line < y->cause.line ? -1 : x->cause.line > y->cause.line;
}

static int
cmp_unexpl(const void *a, const void *b)
{
	const struct st_hint *x = a, *y = b;
	if (x->effect.ts != y->effect.ts)
		return x->effect.ts < y->effect.ts ? -1 : 1;
	if (x->effect.source != y->effect.source)
		return x->effect.source < y->effect.source ? -1 : 1;
	if (x->effect.line != y->effect.line)
		return x->effect.line < y->effect.line ? -1 : 1;
	return strcmp(x->summary, y->summary);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

/* The checks become causes for this ranking (kind CK_CHECK). */
static void
check_causes(struct st_hints *h)
{
	size_t first = h->ncause;
	/* a line that says "health check" speaks for the others ({"status":"ok"}) */
	for (size_t pass = 0; pass < 2; pass++)
	for (size_t i = 0; i < h->nchk; i++) {
		const struct check *k = &h->chk[i];
		if ((strstr(k->text, "ealth") != NULL) != (pass == 0))
			continue;
		/* checks that say "fine" within a minute of each other are one claim */
		struct cause *same = NULL;
		for (size_t j = first; j < h->ncause && !same; j++)
			if (llabs(h->cause[j].ts - k->ts) <= 60 * SEC_US)
				same = &h->cause[j];
		if (same) {
			cause_evid(same, "%s:%u: %s", src_name(h, k->source), k->line, k->text);
			keys_merge(&same->keys, &k->keys);
			continue;
		}
		struct cause *c = cause_new(h);
		c->kind = CK_CHECK;
		c->cls = CC_CHECK | k->claims; /* DEP_* bits are above the CC_* ones */
		c->cx_done = true;
		c->ts = k->ts;
		c->seq = k->seq;
		c->source = k->source;
		c->line = k->line;
		c->text = st_xstrdup(k->text);
		c->key = st_xstrdup("check");
		c->keys = k->keys;
	}
}

/* The ranking in steps: the checks become causes and the rarity map is
 * made (in slices of causes), then every (cause, effect) pair is scored
 * (a slice of causes for one effect a step), then the hints are made. */
struct rank_job {
	int stage;            /* 0 begin, 1 rarity, 2 pairs, 3 hints */
	size_t nc, ne, i, j;
	struct dfmap df;
	double ndocs;
	struct pair *best;    /* per effect */
	struct pair *pp;      /* per cause, for the effect being scored */
	double *s;
	double sum;
};

#define RANK_SLICE 1024 /* causes in a step */

void
hints_rank_abort(struct rank_job **rj)
{
	struct rank_job *j = *rj;
	if (j == NULL)
		return;
	free(j->df.k);
	free(j->df.n);
	free(j->best);
	free(j->pp);
	free(j->s);
	free(j);
	*rj = NULL;
}

static void
rank_begin(struct st_hints *h, struct rank_job *j)
{
	check_causes(h);
	j->nc = h->ncause;
	j->ne = h->neff;
	/* sized by the keys there are (at most half full), not by KEYS_MAX
	 * a set: tens of thousands of routine changes made it 60 MB */
	size_t keys = 0;
	for (size_t i = 0; i < j->nc; i++)
		keys += h->cause[i].keys.n;
	for (size_t i = 0; i < j->ne; i++)
		keys += h->eff[i].keys.n;
	j->df.cap = 1024;
	while (j->df.cap < keys * 2 + 1)
		j->df.cap *= 2;
	j->df.k = st_xcalloc(j->df.cap, sizeof(*j->df.k));
	j->df.n = st_xcalloc(j->df.cap, sizeof(*j->df.n));
	j->ndocs = (double)(j->nc + j->ne);
	j->best = st_xcalloc(j->ne ? j->ne : 1, sizeof(*j->best));
	j->s = st_xmalloc((j->nc ? j->nc : 1) * sizeof(*j->s));
	j->pp = st_xmalloc((j->nc ? j->nc : 1) * sizeof(*j->pp));
	j->stage = 1;
}

/* Score a slice of the causes for effect j->i; after the last, choose its
 * best cause, each scaled by its share of the candidates. */
static void
rank_pairs(struct st_hints *h, struct rank_job *j)
{
	struct effect *e = &h->eff[j->i];
	if (j->j == 0) {
		e->best = -1;
		e->best_score = 0;
		j->sum = 0;
	}
	size_t end = j->j + RANK_SLICE < j->nc ? j->j + RANK_SLICE : j->nc;
	for (size_t c = j->j; c < end; c++) {
		j->s[c] = 0;
		if (score_pair(h, &j->df, j->ndocs, &h->cause[c], e, &j->pp[c]) &&
		    j->pp[c].score >= 0.1) {
			j->s[c] = j->pp[c].score;
			j->sum += j->s[c];
		}
	}
	j->j = end;
	if (end < j->nc)
		return;
	unsigned cands = 0;
	for (size_t c = 0; c < j->nc; c++)
		cands += j->s[c] > 0;
	for (size_t c = 0; c < j->nc; c++) {
		if (j->s[c] <= 0)
			continue;
		double f = j->s[c] * pow(j->s[c] / j->sum, 0.25); /* explaining away */
		if (f > e->best_score) {
			e->best_score = f;
			e->best = (int)c;
			j->best[j->i] = j->pp[c];
			j->best[j->i].score = f;
			j->best[j->i].rivals = cands - 1;
		}
	}
	if (e->best_score < LOW)
		e->best = -1;
	j->i++;
	j->j = 0;
}

static void
rank_hints(struct st_hints *h, size_t nc, size_t ne, const struct pair *best)
{
	size_t *ord = st_xmalloc((ne ? ne : 1) * sizeof(*ord));
	for (size_t i = 0; i < ne; i++)
		ord[i] = i;
	eff_order_h = h;
	qsort(ord, ne, sizeof(*ord), cmp_eff_order);
	eff_order = ord;
	/* a hint per cause: its best effect, raised a little by the others */
	h->hints = st_xcalloc(nc ? nc : 1, sizeof(*h->hints));
	size_t *mine = st_xmalloc((ne ? ne : 1) * sizeof(*mine));
	for (size_t j = 0; j < nc; j++) {
		size_t nm = 0, top = SIZE_MAX;
		for (size_t k = 0; k < ne; k++) {
			size_t i = ord[k];
			if (h->eff[i].best == (int)j) {
				mine[nm++] = i;
				if (top == SIZE_MAX || h->eff[i].best_score > h->eff[top].best_score ||
				    (h->eff[i].best_score == h->eff[top].best_score &&
				     h->eff[i].at < h->eff[top].at))
					top = i;
			}
		}
		if (nm == 0)
			continue;
		double sc = h->eff[top].best_score;
		double more = (double)(nm - 1);
		sc += (1 - sc) * 0.12 * (more > 3 ? 3 : more);
		make_hint(h, &h->hints[h->nhints], &h->cause[j], j, &h->eff[top], &best[top], sc,
		          mine, nm);
		h->hints[h->nhints++].rank = (unsigned)j; /* its cause, until ranked */
	}
	qsort(h->hints, h->nhints, sizeof(*h->hints), cmp_hint);
	unsigned *rank_of = st_xcalloc(nc ? nc : 1, sizeof(*rank_of)); /* per cause */
	for (size_t i = 0; i < h->nhints; i++) {
		rank_of[h->hints[i].rank] = (unsigned)i + 1;
		h->hints[i].rank = (unsigned)i + 1;
	}

	/* what broke: the effects a hint explains and the unexplained ones
	 * that are not small, in onset order */
	h->effs = st_xcalloc(ne ? ne : 1, sizeof(*h->effs));
	for (size_t k = 0; k < ne; k++) {
		const struct effect *e = &h->eff[ord[k]];
		if (e->at == ST_TIME_NONE || (e->best < 0 && e->mag < 0.5))
			continue;
		h->effs[h->neffs++] = (struct st_hint_effect){
			.at = e->at, .lo = e->lo, .source = e->source, .line = e->line, .seq = e->seq,
			.type = e->type, .text = e->text, .metric = e->metric,
			.labels = e->metric ? (e->labels ? e->labels : "") : NULL,
			.count = e->count, .hint = e->best >= 0 ? rank_of[e->best] : 0};
	}
	free(rank_of);

	/* the rest: unexplained symptoms (not the small stuff) */
	h->unexpl = st_xcalloc(ne ? ne : 1, sizeof(*h->unexpl));
	for (size_t i = 0; i < ne; i++) {
		const struct effect *e = &h->eff[i];
		if (e->best >= 0 || e->at == ST_TIME_NONE || e->mag < 0.5)
			continue;
		struct st_hint *u = &h->unexpl[h->nunexpl++];
		memset(u, 0, sizeof(*u));
		u->has_cause = false;
		u->score = e->best_score;
		u->confidence = ST_CONF_NONE;
		u->effect.ts = e->at;
		u->effect.source = e->source;
		u->effect.line = e->line;
		u->effect.seq = e->seq;
		u->effect.text = e->text;
		u->metric = e->metric;
		u->effect_type = e->type;
		u->lag_s = NAN;
		u->cause.ts = ST_TIME_NONE;
		u->cause.seq = ST_HINT_NOSEQ;
		struct st_buf b = {0};
		st_buf_adds(&b, "No change explains ");
		st_buf_adds(&b, e->text);
		st_buf_adds(&b, " (from ");
		human_time(e->at, &b);
		st_buf_adds(&b, ").");
		u->summary = keepf(h, &b);
		const char **ev = st_xcalloc(EVID_MAX, sizeof(*ev));
		for (unsigned k = 0; k < e->nevid; k++)
			ev[k] = e->evid[k];
		u->evidence = ev;
		u->nevidence = e->nevid;
		keep(h, (char *)ev);
	}
	qsort(h->unexpl, h->nunexpl, sizeof(*h->unexpl), cmp_unexpl);

	uint64_t sig = 1469598103934665603ull;
	for (size_t i = 0; i < h->nhints; i++) {
		const struct st_hint *x = &h->hints[i];
		sig = mix(sig, (uint64_t)x->cause.source << 32 | x->cause.line);
		sig = mix(sig, (uint64_t)x->effect.source << 32 | x->effect.line);
		sig = mix(sig, (uint64_t)x->confidence << 8 | x->nevidence);
	}
	sig = mix(sig, h->nunexpl);
	h->sig = sig;
	free(mine);
	free(ord);
	eff_order = NULL;
}

bool
hints_rank_step(struct st_hints *h, struct rank_job **rj)
{
	struct rank_job *j = *rj;
	if (j == NULL) {
		j = *rj = st_xcalloc(1, sizeof(*j));
		rank_begin(h, j);
		return false;
	}
	if (j->stage == 1) {
		/* rarity: how many causes and effects name each key */
		size_t all = j->nc + j->ne;
		size_t end = j->i + RANK_SLICE < all ? j->i + RANK_SLICE : all;
		for (size_t k = j->i; k < end; k++)
			df_add(&j->df, k < j->nc ? &h->cause[k].keys : &h->eff[k - j->nc].keys);
		j->i = end;
		if (end == all) {
			j->stage = j->ne ? 2 : 3;
			j->i = j->j = 0;
		}
		return false;
	}
	if (j->stage == 2) {
		rank_pairs(h, j);
		if (j->i == j->ne)
			j->stage = 3;
		return false;
	}
	rank_hints(h, j->nc, j->ne, j->best);
	hints_rank_abort(rj);
	return true;
}
