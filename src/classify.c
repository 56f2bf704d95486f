/*
 * classify.c: the pass that finds changes and symptoms (see classify.h),
 * and the notes it leaves. Templates are classify-template.c's; the rule
 * list and checking a rule alone are classify-rules.c's.
 *
 * Rulebook: every rule (user rules first, then the built-in families in
 * order) compiled once per notes, with JIT. Rules are tried in that
 * order: all context rules that match, then the first change rule that
 * matches, then the first symptom rule.
 *
 * Prefilter: a pass must not run dozens of patterns over every event, so
 * each rule names literal needles and the text is scanned once for all of
 * them. Every third position of the text is sampled: the four bytes there,
 * folded (| 0x20, which maps ASCII capitals to small letters and every
 * other byte consistently), are hashed to 16 bits and tested in a 64 Kbit
 * bitmap (8 KiB: it stays in L1). A needle of at least 6 bytes that
 * starts at p has a 4-byte window at p, p+1 or p+2 on a sampled position,
 * so the bitmap holds the hashes of three consecutive windows of each
 * needle: those least likely in text by English letter frequencies ("ime
 * out" rather than "time", which half the logfmt lines hold), which on
 * the bench data halves the windows hit. A set bit sends the position to
 * the bucket of windows with that hash, whose needles are compared in
 * full where they would start; a needle several rules name is compared
 * once. Only the rules whose needle was found run their pattern: the cost
 * of a pass is a third of a hash per byte of text plus a few pattern
 * matches on the events that mention a needle. On the bench's 200 MB
 * syslog the scan alone runs at 2.4 GB/s (sampling every position ran at
 * 1 GB/s) and the whole pass at about 1 GB/s. Folding makes the scan a
 * superset of a case-insensitive search; the pattern decides. Fields are
 * parsed only for an event a rule annotates (or whose rule reads one).
 *
 * Notes: one record per annotated event (a change and/or a symptom),
 * appended in arrival order (the pass goes in sequence order), found by
 * binary search after a one-bit test in a bitmap over all sequence
 * numbers, so an event without notes costs one bit test to print. Values
 * are copied into one arena, NUL-terminated.
 *
 * Context values (ST_RULE_CONTEXT): per source, the last value each
 * context group captured, as a reference into the store's text (sequence
 * number, offset, length): the store keeps text for its lifetime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify-int.h"
#include "strata/store.h"

#define STRIDE 3
#define HASH_BITS 16
#define NBUCKETS 4096
#define MATCH_LIMIT 200000u

/* ---- compiled rules */

struct crule {
	const struct st_rule *def;
	pcre2_code *re;
	uint64_t fmt[4]; /* formats allowed, one bit per format index */
	bool any_format;
};

/* A needle, once however many rules name it, and the rules that do. */
struct needle {
	uint32_t off, len; /* its folded bytes in rulebook.nbytes */
	uint32_t *rules;
	size_t nrules;
};

/* One sampled window of a needle: its hash, where it starts in it. */
struct window {
	uint32_t hash;
	uint32_t needle;
	uint32_t shift;
};

struct rulebook {
	struct crule *r;
	size_t n;
	uint64_t bits[(1u << HASH_BITS) / 64];
	struct needle *nd;
	size_t nnd;
	struct window *win;
	size_t nwin;
	uint32_t bucket[NBUCKETS + 1]; /* windows by hash bucket */
	char *nbytes;
	uint32_t *always; /* rules without a needle */
	size_t nalways;
	char **vars;      /* context group names */
	size_t nvars;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

static inline uint32_t
hash4(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	v |= 0x20202020u;
	return (v * 0x9E3779B1u) >> (32 - HASH_BITS);
}

static void
add_var(struct rulebook *rb, const char *name)
{
	for (size_t i = 0; i < rb->nvars; i++)
		if (strcmp(rb->vars[i], name) == 0)
			return;
	rb->vars = st_xreallocarray(rb->vars, rb->nvars + 1, sizeof(*rb->vars));
	rb->vars[rb->nvars++] = st_xstrdup(name);
}

static int
var_index(const struct rulebook *rb, const char *name, size_t n)
{
	for (size_t i = 0; i < rb->nvars; i++)
		if (strlen(rb->vars[i]) == n && memcmp(rb->vars[i], name, n) == 0)
			return (int)i;
	return -1;
}

static void
var_cb(void *arg, const char *name)
{
	add_var(arg, name);
}

/* How likely four folded bytes are in text: English letter frequencies,
 * blanks common, digits and punctuation rarer. */
static double
window_odds(const char *w)
{
	static const double letters[26] = {8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0,
	                                   0.15, 0.8, 4.0, 2.4, 6.7, 7.5, 1.9, 0.1, 6.0,
	                                   6.3, 9.1, 2.8, 1.0, 2.4, 0.15, 2.0, 0.07};
	double p = 1;
	for (int i = 0; i < 4; i++) {
		char c = w[i];
		double f = c >= 'a' && c <= 'z' ? letters[c - 'a'] : c == ' ' ? 15 : c >= '0' && c <= '9' ? 2 : 1.5;
		p *= f / 100;
	}
	return p;
}

/* Add the needles of rule index ri to the book's list. */
static void
add_needles(struct rulebook *rb, struct st_buf *bytes, uint32_t ri, const char *list)
{
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t same = rb->nnd;
		for (size_t k = 0; k < rb->nnd && n >= NEEDLE_MIN && same == rb->nnd; k++) {
			const char *w = bytes->p + rb->nd[k].off;
			size_t j = 0;
			while (j < n && rb->nd[k].len == n && w[j] == (char)(p[j] | 0x20))
				j++;
			if (j == n && rb->nd[k].len == n)
				same = k;
		}
		if (n >= NEEDLE_MIN && same < rb->nnd) {
			/* a needle another rule named: one scan serves both */
			struct needle *nd = &rb->nd[same];
			nd->rules = st_xreallocarray(nd->rules, nd->nrules + 1, sizeof(*nd->rules));
			nd->rules[nd->nrules++] = ri;
		} else if (n >= NEEDLE_MIN) {
			uint32_t off = (uint32_t)bytes->len;
			for (size_t k = 0; k < n; k++)
				st_buf_addc(bytes, (char)(p[k] | 0x20));
			rb->nd = st_xreallocarray(rb->nd, rb->nnd + 1, sizeof(*rb->nd));
			struct needle *nd = &rb->nd[rb->nnd];
			nd->off = off;
			nd->len = (uint32_t)n;
			nd->rules = st_xmalloc(sizeof(*nd->rules));
			nd->rules[0] = ri;
			nd->nrules = 1;
			/* the STRIDE consecutive windows least likely in text */
			const char *f = bytes->p + off;
			size_t best = 0;
			double least = 1e9;
			for (size_t o = 0; o + NEEDLE_MIN <= n; o++) {
				double odds = 0;
				for (size_t w = 0; w < STRIDE; w++)
					odds += window_odds(f + o + w);
				if (odds < least) {
					least = odds;
					best = o;
				}
			}
			for (uint32_t w = 0; w < STRIDE; w++) {
				rb->win = st_xreallocarray(rb->win, rb->nwin + 1, sizeof(*rb->win));
				struct window *wd = &rb->win[rb->nwin++];
				wd->needle = (uint32_t)rb->nnd;
				wd->shift = (uint32_t)best + w;
				wd->hash = hash4((const unsigned char *)bytes->p + off + best + w);
			}
			rb->nnd++;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
}

static int
cmp_window(const void *a, const void *b)
{
	const struct window *x = a, *y = b;
	uint32_t bx = x->hash & (NBUCKETS - 1), by = y->hash & (NBUCKETS - 1);
	if (bx != by)
		return bx < by ? -1 : 1;
	return x->needle < y->needle ? -1 : x->needle > y->needle;
}

static void
rulebook_init(struct rulebook *rb)
{
	memset(rb, 0, sizeof(*rb));
	struct cl_rule_iter it = {0};
	const struct st_rule *d;
	struct st_buf bytes = {0};
	uint32_t maxgroups = 1;
	while ((d = cl_rule_next(&it)) != NULL) {
		pcre2_code *re;
		if (cl_compile(d->pattern, &re, NULL) < 0) {
			/* built-in rules are tested; user rules were checked at load */
			fprintf(stderr, "strata: rule %s: its pattern does not compile\n", d->name);
			continue;
		}
		rb->r = st_xreallocarray(rb->r, rb->n + 1, sizeof(*rb->r));
		struct crule *c = &rb->r[rb->n];
		c->def = d;
		c->re = re;
		c->any_format = d->format == NULL;
		if (!c->any_format)
			cl_format_set(d->format, c->fmt, NULL);
		uint32_t cap = 0;
		pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &cap);
		if (cap + 1 > maxgroups)
			maxgroups = cap + 1;
		if (d->kind == ST_RULE_CONTEXT)
			cl_each_group_name(re, var_cb, rb);
		if (d->needle != NULL) {
			add_needles(rb, &bytes, (uint32_t)rb->n, d->needle);
		} else {
			rb->always = st_xreallocarray(rb->always, rb->nalways + 1, sizeof(*rb->always));
			rb->always[rb->nalways++] = (uint32_t)rb->n;
		}
		rb->n++;
	}
	rb->nbytes = bytes.p;
	if (rb->nwin > 1)
		qsort(rb->win, rb->nwin, sizeof(*rb->win), cmp_window);
	size_t k = 0;
	for (uint32_t b = 0; b <= NBUCKETS; b++) {
		while (k < rb->nwin && (rb->win[k].hash & (NBUCKETS - 1)) < b)
			k++;
		rb->bucket[b] = (uint32_t)k;
	}
	for (size_t i = 0; i < rb->nwin; i++)
		rb->bits[rb->win[i].hash >> 6] |= UINT64_C(1) << (rb->win[i].hash & 63);
	rb->md = pcre2_match_data_create(maxgroups, NULL);
	rb->mctx = pcre2_match_context_create(NULL);
	if (rb->md == NULL || rb->mctx == NULL)
		st_fatal("out of memory");
	pcre2_set_match_limit(rb->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(rb->mctx, MATCH_LIMIT / 10);
}

static void
rulebook_free(struct rulebook *rb)
{
	for (size_t i = 0; i < rb->n; i++)
		pcre2_code_free(rb->r[i].re);
	free(rb->r);
	for (size_t i = 0; i < rb->nnd; i++)
		free(rb->nd[i].rules);
	free(rb->nd);
	free(rb->win);
	free(rb->nbytes);
	free(rb->always);
	for (size_t i = 0; i < rb->nvars; i++)
		free(rb->vars[i]);
	free(rb->vars);
	pcre2_match_data_free(rb->md);
	pcre2_match_context_free(rb->mctx);
}

/* ---- notes */

enum { V_ACTION, V_OBJECT, V_NS, V_HOST, V_ACTOR, V_TYPE, V_DETAIL, V_COUNT };

struct note {
	uint32_t seq;
	uint32_t change_rule, symptom_rule; /* rule index + 1; 0: none */
	uint32_t v[V_COUNT];                /* arena offset + 1; 0: null */
};

struct srcvar {
	uint32_t seq, off, len;
	bool set;
};

struct st_notes {
	struct rulebook rb;
	struct note *notes;
	size_t n, cap;
	uint64_t *has; /* one bit per classified sequence number */
	size_t hascap; /* in words */
	struct st_buf arena;
	uint32_t done;
	struct srcvar **vars; /* [source][var] */
	size_t nvarsrc;
	/* per-event scratch */
	uint32_t *hits;
	size_t nhits, caphits;
	uint64_t *hitbits;
	struct st_buf tmp;
};

struct st_notes *
st_notes_new(void)
{
	struct st_notes *n = st_xcalloc(1, sizeof(*n));
	rulebook_init(&n->rb);
	n->hitbits = st_xcalloc((n->rb.n + 63) / 64 + 1, sizeof(uint64_t));
	st_buf_addc(&n->arena, '\0'); /* offset 0 is never a value */
	return n;
}

void
st_notes_free(struct st_notes *n)
{
	if (n == NULL)
		return;
	rulebook_free(&n->rb);
	free(n->notes);
	free(n->has);
	st_buf_free(&n->arena);
	for (size_t i = 0; i < n->nvarsrc; i++)
		free(n->vars[i]);
	free(n->vars);
	free(n->hits);
	free(n->hitbits);
	st_buf_free(&n->tmp);
	free(n);
}

uint32_t
st_notes_done(const struct st_notes *n)
{
	return n->done;
}

size_t
st_notes_count(const struct st_notes *n)
{
	return n->n;
}

uint32_t
st_notes_seq(const struct st_notes *n, size_t i)
{
	return i < n->n ? n->notes[i].seq : UINT32_MAX;
}

static const struct note *
note_find(const struct st_notes *n, uint32_t seq)
{
	if (n == NULL || seq >= n->done || !(n->has[seq >> 6] >> (seq & 63) & 1))
		return NULL;
	size_t lo = 0, hi = n->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->notes[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->n && n->notes[lo].seq == seq ? &n->notes[lo] : NULL;
}

static const char *
val(const struct st_notes *n, const struct note *nt, int k)
{
	return nt->v[k] ? n->arena.p + nt->v[k] - 1 : NULL;
}

bool
st_notes_change(const struct st_notes *n, uint32_t seq, struct st_change *out)
{
	const struct note *nt = note_find(n, seq);
	if (nt == NULL || nt->change_rule == 0)
		return false;
	out->action = val(n, nt, V_ACTION);
	out->object = val(n, nt, V_OBJECT);
	out->ns = val(n, nt, V_NS);
	out->host = val(n, nt, V_HOST);
	out->actor = val(n, nt, V_ACTOR);
	out->rule = n->rb.r[nt->change_rule - 1].def->name;
	return true;
}

bool
st_notes_symptom(const struct st_notes *n, uint32_t seq, struct st_symptom *out)
{
	const struct note *nt = note_find(n, seq);
	if (nt == NULL || nt->symptom_rule == 0)
		return false;
	out->type = val(n, nt, V_TYPE);
	out->detail = val(n, nt, V_DETAIL);
	out->rule = n->rb.r[nt->symptom_rule - 1].def->name;
	return true;
}

/* ---- the pass */

static uint32_t
arena_add(struct st_notes *n, const char *s, size_t len)
{
	if (n->arena.len + len + 1 > UINT32_MAX - 1)
		return 0; /* 4 GiB of values: past that, null */
	uint32_t off = (uint32_t)n->arena.len + 1;
	st_buf_add(&n->arena, s, len);
	st_buf_addc(&n->arena, '\0');
	return off;
}

static struct note *
note_for(struct st_notes *n, uint32_t seq)
{
	if (n->n > 0 && n->notes[n->n - 1].seq == seq)
		return &n->notes[n->n - 1];
	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 256;
		n->notes = st_xreallocarray(n->notes, n->cap, sizeof(*n->notes));
	}
	struct note *nt = &n->notes[n->n++];
	memset(nt, 0, sizeof(*nt));
	nt->seq = seq;
	n->has[seq >> 6] |= UINT64_C(1) << (seq & 63);
	return nt;
}

/* The rare path of the scan: the windows hashing to h at sampled
 * position i; marks the rules whose needle is there in full. */
static __attribute__((noinline)) void
verify_window(struct st_notes *n, const unsigned char *t, size_t len, size_t i, uint32_t h)
{
	const struct rulebook *rb = &n->rb;
	uint32_t bk = h & (NBUCKETS - 1);
	for (uint32_t k = rb->bucket[bk]; k < rb->bucket[bk + 1]; k++) {
		const struct window *wd = &rb->win[k];
		if (wd->hash != h || wd->shift > i)
			continue;
		const struct needle *nd = &rb->nd[wd->needle];
		size_t at = i - wd->shift;
		if (nd->len > len - at)
			continue;
		bool all = true; /* its rules are candidates already */
		for (size_t r = 0; r < nd->nrules && all; r++)
			all = n->hitbits[nd->rules[r] >> 6] >> (nd->rules[r] & 63) & 1;
		if (all)
			continue;
		const char *w = rb->nbytes + nd->off;
		uint32_t j = 0;
		while (j < nd->len && (char)(t[at + j] | 0x20) == w[j])
			j++;
		if (j < nd->len)
			continue;
		for (size_t r = 0; r < nd->nrules; r++) {
			uint32_t ri = nd->rules[r];
			if (n->hitbits[ri >> 6] >> (ri & 63) & 1)
				continue;
			n->hitbits[ri >> 6] |= UINT64_C(1) << (ri & 63);
			if (n->nhits == n->caphits) {
				n->caphits = n->caphits ? n->caphits * 2 : 16;
				n->hits = st_xreallocarray(n->hits, n->caphits, sizeof(*n->hits));
			}
			n->hits[n->nhits++] = ri;
		}
	}
}

/* Mark the rules whose needles occur in text: the hot loop of a pass. */
static void
scan_needles(struct st_notes *n, const char *text, size_t len)
{
	const uint64_t *bits = n->rb.bits;
	const unsigned char *t = (const unsigned char *)text;
	if (len < NEEDLE_MIN)
		return;
	size_t end = len - 4;
	for (size_t i = 0; i <= end; i += STRIDE) {
		uint32_t h = hash4(t + i);
		if (__builtin_expect(bits[h >> 6] >> (h & 63) & 1, 0))
			verify_window(n, t, len, i, h);
	}
}

static void
hit_always(struct st_notes *n, const struct st_event *ev)
{
	for (size_t i = 0; i < n->rb.nalways; i++) {
		uint32_t r = n->rb.always[i];
		const struct crule *c = &n->rb.r[r];
		if (!c->any_format && !(c->fmt[ev->format >> 6] >> (ev->format & 63) & 1))
			continue;
		if (n->hitbits[r >> 6] >> (r & 63) & 1)
			continue;
		n->hitbits[r >> 6] |= UINT64_C(1) << (r & 63);
		if (n->nhits == n->caphits) {
			n->caphits = n->caphits ? n->caphits * 2 : 16;
			n->hits = st_xreallocarray(n->hits, n->caphits, sizeof(*n->hits));
		}
		n->hits[n->nhits++] = r;
	}
}

static struct srcvar *
source_vars(struct st_notes *n, unsigned src, bool make)
{
	if (n->rb.nvars == 0)
		return NULL;
	if (src >= n->nvarsrc) {
		if (!make)
			return NULL;
		size_t cap = n->nvarsrc ? n->nvarsrc : 16;
		while (cap <= src)
			cap *= 2;
		n->vars = st_xreallocarray(n->vars, cap, sizeof(*n->vars));
		memset(n->vars + n->nvarsrc, 0, (cap - n->nvarsrc) * sizeof(*n->vars));
		n->nvarsrc = cap;
	}
	if (n->vars[src] == NULL && make)
		n->vars[src] = st_xcalloc(n->rb.nvars, sizeof(struct srcvar));
	return n->vars[src];
}

/* Where a template finds context values: this source's, in the store. */
struct context_arg {
	const struct rulebook *rb;
	const struct st_store *st;
	const struct srcvar *vars; /* NULL: none yet */
};

static bool
context_value(const void *arg, const char *name, size_t nl, const char **v, size_t *n)
{
	const struct context_arg *ca = arg;
	if (ca->vars == NULL)
		return false;
	int k = var_index(ca->rb, name, nl);
	if (k < 0 || !ca->vars[k].set || ca->vars[k].len == 0)
		return false;
	struct st_event e;
	st_store_get(ca->st, ca->vars[k].seq, &e);
	if ((size_t)ca->vars[k].off + ca->vars[k].len > e.len)
		return false;
	*v = e.text + ca->vars[k].off;
	*n = ca->vars[k].len;
	return true;
}

struct set_ctx {
	struct st_notes *n;
	const struct crule *c;
	struct srcvar *vars;
	uint32_t seq;
	const char *text;
	int rc;
};

static void
set_var_cb(void *arg, const char *name)
{
	struct set_ctx *s = arg;
	struct cl_expand x = {.re = s->c->re, .md = s->n->rb.md, .rc = s->rc, .subject = s->text};
	const char *v;
	size_t len;
	int k = var_index(&s->n->rb, name, strlen(name));
	/* an empty capture sets the value too: it clears it */
	if (k < 0 || !cl_group_value(&x, name, strlen(name), &v, &len, true))
		return;
	s->vars[k].seq = s->seq;
	s->vars[k].off = (uint32_t)(v - s->text);
	s->vars[k].len = (uint32_t)len;
	s->vars[k].set = true;
}

/* The subject a rule reads: the text, or a field's value (quotes off). */
static bool
subject_of(const struct crule *c, const struct st_event *ev, struct cl_fields *lf,
           const char **s, size_t *n)
{
	if (c->def->field == NULL) {
		*s = ev->text;
		*n = ev->len;
		return true;
	}
	const char *p = c->def->field;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t kl = e ? (size_t)(e - p) : strlen(p);
		if (cl_field_value(lf, p, kl, s, n))
			return true;
		if (e == NULL)
			return false;
		p = e + 1;
	}
}

static const char default_actor[] = "{@user}||{@actor}||{@tag}||{@program}";

/* The first entity of type t, lower-cased for hosts, into b. */
static bool
entity_value(const struct st_entities *es, enum st_entity_type t, struct st_buf *b)
{
	for (unsigned i = 0; i < es->n; i++)
		if (es->e[i].type == t) {
			st_buf_add(b, st_entity_value(es, i), es->e[i].len);
			return true;
		}
	return false;
}

static void
lower_from(struct st_buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'Z')
			b->p[i] = (char)(b->p[i] + 32);
}

/* Record what rule c found in event ev; false when its values say it did
 * not (no action for a change, no type for a symptom). */
static bool
annotate(struct st_notes *n, const struct crule *c, const struct st_event *ev,
         struct cl_fields *lf, const struct st_store *st, const struct srcvar *vars,
         const char *subject, int rc)
{
	const struct st_rule *d = c->def;
	struct context_arg ca = {.rb = &n->rb, .st = st, .vars = vars};
	struct cl_expand x = {.re = c->re, .md = n->rb.md, .rc = rc, .subject = subject, .lf = lf,
	                      .context = context_value, .context_arg = &ca};
	struct st_buf *b = &n->tmp;
	size_t at[V_COUNT + 1];
	bool has[V_COUNT] = {0};
	b->len = 0;
	const char *tpl[V_COUNT] = {d->action, d->object, d->ns, d->host, d->actor, d->type,
	                            d->detail};
	bool change = d->kind == ST_RULE_CHANGE;
	struct st_entities es;
	bool have_es = false;
	for (int k = 0; k < V_COUNT; k++) {
		at[k] = b->len;
		if (change != (k < V_TYPE))
			continue;
		has[k] = cl_expand(&x, tpl[k], b);
		if (k == V_ACTION && has[k])
			cl_normalise_action(b, at[k]);
		if (change && !has[k] && k == V_ACTOR)
			has[k] = cl_expand(&x, default_actor, b);
		/* host and namespace: the entities (from fields first, then the
		 * text), which weed out values that are no names */
		if (change && !has[k] && (k == V_HOST || k == V_NS)) {
			if (!have_es) {
				es.n = 0;
				es.used = 0;
				st_entities_extract(ev, cl_fields_of(lf), &es);
				have_es = true;
			}
			has[k] = entity_value(&es, k == V_HOST ? ST_ENT_HOST : ST_ENT_NAMESPACE, b);
		}
		if (has[k] && k == V_HOST)
			lower_from(b, at[k]);
		if (!has[k])
			b->len = at[k];
	}
	at[V_COUNT] = b->len;
	if (change ? !has[V_ACTION] : !has[V_TYPE])
		return false;
	struct note *nt = note_for(n, ev->seq);
	uint32_t ri = (uint32_t)(c - n->rb.r) + 1;
	if (change)
		nt->change_rule = ri;
	else
		nt->symptom_rule = ri;
	for (int k = 0; k < V_COUNT; k++)
		if (change == (k < V_TYPE))
			nt->v[k] = has[k] ? arena_add(n, b->p + at[k], at[k + 1] - at[k]) : 0;
	return true;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void
classify_event(struct st_notes *n, struct st_store *st, const struct st_event *ev)
{
	n->nhits = 0;
	scan_needles(n, ev->text, ev->len);
	if (n->rb.nalways)
		hit_always(n, ev);
	if (n->nhits == 0)
		return;
	if (n->nhits > 1)
		qsort(n->hits, n->nhits, sizeof(*n->hits), cmp_u32);
	struct cl_fields lf = {.ev = ev};
	bool done[4] = {false};
	/* context rules first (their values serve this very event), then the
	 * first change and the first symptom */
	static const uint8_t order[] = {ST_RULE_CONTEXT, ST_RULE_CHANGE, ST_RULE_SYMPTOM};
	for (size_t o = 0; o < ST_ARRAY_LEN(order); o++) {
		for (size_t h = 0; h < n->nhits && !done[order[o]]; h++) {
			const struct crule *c = &n->rb.r[n->hits[h]];
			const struct st_rule *d = c->def;
			if (d->kind != order[o])
				continue;
			if (!c->any_format && !(c->fmt[ev->format >> 6] >> (ev->format & 63) & 1))
				continue;
			if (d->min_level && ev->level < d->min_level)
				continue;
			const char *s;
			size_t sl;
			if (!subject_of(c, ev, &lf, &s, &sl))
				continue;
#ifdef CLASSIFY_STATS
			uint64_t t0 = __builtin_ia32_rdtsc();
#endif
			int rc = pcre2_match(c->re, (PCRE2_SPTR)s, sl, 0, 0, n->rb.md, n->rb.mctx);
#ifdef CLASSIFY_STATS
			CLASSIFY_STATS(c - n->rb.r, __builtin_ia32_rdtsc() - t0, rc > 0);
#endif
			if (rc <= 0)
				continue;
			if (d->kind == ST_RULE_CONTEXT) {
				struct set_ctx sc = {.n = n, .c = c, .vars = source_vars(n, ev->source, true),
				                     .seq = ev->seq, .text = s, .rc = rc};
				/* a field's value is not in the text: only text values
				 * can be referred to later */
				if (d->field == NULL)
					cl_each_group_name(c->re, set_var_cb, &sc);
				continue;
			}
			const struct srcvar *vars = source_vars(n, ev->source, false);
			if (annotate(n, c, ev, &lf, st, vars, s, rc)) {
				done[d->kind] = true;
				if (d->kind == ST_RULE_CHANGE)
					st_store_set_kind(st, ev->seq, ST_KIND_CHANGE);
			}
		}
	}
	for (size_t h = 0; h < n->nhits; h++)
		n->hitbits[n->hits[h] >> 6] &= ~(UINT64_C(1) << (n->hits[h] & 63));
}

size_t
st_classify(struct st_notes *n, struct st_store *st, uint32_t end)
{
	size_t count = st_store_count(st);
	if (end > count)
		end = (uint32_t)count;
	if (end <= n->done)
		return 0;
	size_t words = ((size_t)end + 63) / 64;
	if (words > n->hascap) {
		size_t cap = n->hascap ? n->hascap : 1024;
		while (cap < words)
			cap *= 2;
		n->has = st_xreallocarray(n->has, cap, sizeof(*n->has));
		memset(n->has + n->hascap, 0, (cap - n->hascap) * sizeof(*n->has));
		n->hascap = cap;
	}
	size_t did = 0;
	for (uint32_t seq = n->done; seq < end; seq++) {
		struct st_event ev;
		st_store_get(st, seq, &ev);
		if (ev.kind == ST_KIND_METRIC)
			continue;
		classify_event(n, st, &ev);
		did++;
	}
	n->done = end;
	return did;
}

/* ---- entities and JSON */

static bool
is_tf_address(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	return dot != NULL && memchr(s, '_', (size_t)(dot - s)) != NULL && memchr(s, '/', n) == NULL;
}

void
st_notes_entities(const struct st_notes *n, const struct st_event *ev,
                  const struct st_fields *fs, struct st_entities *out)
{
	out->n = 0;
	out->used = 0;
	struct st_change ch;
	if (st_notes_change(n, ev->seq, &ch)) {
		if (ch.ns)
			st_entities_add(out, ST_ENT_NAMESPACE, ch.ns, strlen(ch.ns));
		if (ch.object) {
			const char *o = ch.object, *slash = strchr(o, '/');
			size_t ol = strlen(o);
			if (slash && strncmp(o, "package/", 8) == 0)
				st_entities_add(out, ST_ENT_PACKAGE, slash + 1, strlen(slash + 1));
			else if (slash && strncmp(o, "flag/", 5) == 0)
				st_entities_add(out, ST_ENT_FLAG, slash + 1, strlen(slash + 1));
			else if (slash) {
				/* member/ID, task/NAME, config/PARAM: what changed, whole */
				if (!st_entities_add_k8s(out, o, (size_t)(slash - o), slash + 1,
				                         strlen(slash + 1)))
					st_entities_add(out, ST_ENT_RESOURCE, o, ol);
			} else if (ol > 8 && strcmp(o + ol - 8, ".service") == 0)
				st_entities_add(out, ST_ENT_UNIT, o, ol);
			else if (is_tf_address(o, ol))
				st_entities_add(out, ST_ENT_RESOURCE, o, ol);
		}
		if (ch.host)
			st_entities_add(out, ST_ENT_HOST, ch.host, strlen(ch.host));
	}
	struct st_fields own;
	if (fs == NULL) {
		st_format_fields(ev->format, ev->text, ev->len, &own);
		fs = &own;
	}
	st_entities_extract(ev, fs, out);
}

static void
json_val(struct st_buf *b, const char *key, const char *v, bool first)
{
	if (!first)
		st_buf_addc(b, ',');
	st_buf_addc(b, '"');
	st_buf_adds(b, key);
	st_buf_adds(b, "\":");
	if (v == NULL) {
		st_buf_adds(b, "null");
		return;
	}
	st_buf_addc(b, '"');
	st_escape_json(b, v, strlen(v));
	st_buf_addc(b, '"');
}

void
st_notes_json(struct st_buf *b, const struct st_notes *n, const struct st_event *ev,
              const struct st_fields *fs)
{
	struct st_change ch;
	struct st_symptom sy;
	if (n != NULL && st_notes_change(n, ev->seq, &ch)) {
		st_buf_adds(b, ",\"change\":{");
		json_val(b, "action", ch.action, true);
		json_val(b, "object", ch.object, false);
		json_val(b, "namespace", ch.ns, false);
		json_val(b, "host", ch.host, false);
		json_val(b, "actor", ch.actor, false);
		json_val(b, "rule", ch.rule, false);
		st_buf_addc(b, '}');
	}
	if (n != NULL && st_notes_symptom(n, ev->seq, &sy)) {
		st_buf_adds(b, ",\"symptom\":{");
		json_val(b, "type", sy.type, true);
		json_val(b, "detail", sy.detail, false);
		json_val(b, "rule", sy.rule, false);
		st_buf_addc(b, '}');
	}
	struct st_entities es;
	st_notes_entities(n, ev, fs, &es);
	st_buf_adds(b, ",\"entities\":[");
	for (unsigned i = 0; i < es.n; i++) {
		if (i)
			st_buf_addc(b, ',');
		st_buf_addc(b, '"');
		st_buf_adds(b, st_entity_type_name((enum st_entity_type)es.e[i].type));
		st_buf_addc(b, ':');
		st_escape_json(b, st_entity_value(&es, i), es.e[i].len);
		st_buf_addc(b, '"');
	}
	st_buf_addc(b, ']');
}
