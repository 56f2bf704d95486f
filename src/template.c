/*
 * template.c: the streaming template miner (see strata/template.h).
 *
 * A message is split into tokens at white space. A token holding a digit
 * is a parameter and becomes the wildcard (token id 0), except that a
 * key=value token whose key has no digit keeps its key ("latency_ms=<*>"),
 * so "latency_ms=2340" and "latency_ms=3870" match and "port=80" does not
 * match "user=42". Other tokens are interned: each distinct token string
 * gets an id, and templates are arrays of ids.
 *
 * Where a message goes (Drain's fixed-depth tree, two levels deep here):
 * its token count and its first token pick a group (a hash table entry);
 * within the group, the template with the largest share of positions
 * equal to the message (both wildcards counts as equal) takes it if that
 * share is at least SIM_MIN, and the positions where they differ become
 * wildcards; else the message starts a new template in the group. A
 * message whose first token is a parameter goes to the group of the
 * wildcard. Messages longer than ST_TPL_TOKENS tokens keep their first
 * ST_TPL_TOKENS - 1 and a wildcard for the rest.
 *
 * Invariants: template ids index t->tpl and never change; a template's
 * tokens are t->toks[tpl.tok .. tpl.tok + tpl.ntok); token id 0 is the
 * wildcard, ids 1.. index t->tokens; group heads and template next links
 * use UINT32_MAX for "none".
 *
 * Workload: every log event of a replay (millions), one hash lookup per
 * token and a scan of the few templates in its group. In front of that, a
 * cache by shape: a message's tokens hashed as the miner sees them
 * (parameters as the wildcard) give a 64-bit shape; a shape seen before
 * goes straight to the template it went to then (it would again: that
 * template holds the shape's words, or wildcards where they differed, so
 * it matches the message in every position). The cache holds up to
 * SHAPES_MAX shapes; past that, new shapes take the full path.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/template.h"

#define SIM_MIN 0.5
#define NONE UINT32_MAX
#define SHAPES_MAX (1u << 20)

struct token {
	uint32_t off, len; /* in t->pool */
	uint32_t hash;
};

struct tpl {
	uint32_t tok;      /* first token id in t->toks */
	uint32_t ntok;
	uint32_t count, first, last;
	uint32_t next;     /* next template of its group, or NONE */
};

struct group {
	uint64_t key;      /* ntok << 32 | first token id; 0 marks a free slot */
	uint32_t head;
};

struct st_tpls {
	char *pool;          /* token strings */
	size_t pool_len, pool_cap;
	struct token *tokens; /* id - 1 */
	size_t ntokens, captokens;
	uint32_t *tokmap;    /* open addressing: token id, 0 free */
	size_t tokmap_cap;   /* power of two */
	uint32_t *toks;      /* templates' token ids */
	size_t ntoks, captoks;
	struct tpl *tpl;
	size_t ntpl, captpl;
	struct group *groups;
	size_t ngroups, capgroups; /* power of two */
	uint64_t *shape;     /* open addressing: shape hash, 0 free */
	uint32_t *shape_tpl; /* its template */
	size_t nshapes, capshapes; /* power of two */
};

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct st_tpls *
st_tpls_new(void)
{
	struct st_tpls *t = st_xcalloc(1, sizeof(*t));
	t->tokmap_cap = 1024;
	t->tokmap = st_xcalloc(t->tokmap_cap, sizeof(*t->tokmap));
	t->capgroups = 256;
	t->groups = st_xcalloc(t->capgroups, sizeof(*t->groups));
	return t;
}

void
st_tpls_free(struct st_tpls *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->tokens);
	free(t->tokmap);
	free(t->toks);
	free(t->tpl);
	free(t->groups);
	free(t->shape);
	free(t->shape_tpl);
	free(t);
}

/* ---- shapes */

/* The message's shape: its tokens as tokenize reads them, hashed, without
 * interning anything. */
/* Byte classes for shape_of: 0 other, 1 white space, 2 digit, 3 '='. */
static const unsigned char shape_class[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1, ['0'] = 2, ['1'] = 2, ['2'] = 2,
	['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2, ['='] = 3,
};

static inline uint64_t
shape_mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* The message's shape: its tokens as tokenize reads them (a token with a
 * digit is the wildcard, or key=<*>), hashed without interning anything.
 * Bytes are packed eight to a word before mixing: the hash costs a
 * multiply per eight bytes, not per byte. */
static uint64_t
shape_of(const char *msg, size_t n)
{
	const unsigned char *m = (const unsigned char *)msg;
	uint64_t h = 14695981039346656037ull;
	size_t i = 0;
	unsigned k = 0;
	while (i < n) {
		while (i < n && shape_class[m[i]] == 1)
			i++;
		if (i == n)
			break;
		if (k++ == ST_TPL_TOKENS - 1) {
			h = shape_mix(h, 0xA5); /* the rest: one wildcard */
			break;
		}
		size_t s = i, eq = 0;
		bool digit = false;
		for (; i < n; i++) {
			unsigned c = shape_class[m[i]];
			if (c == 1)
				break;
			if (c == 2)
				digit = true;
			else if (c == 3 && eq == 0 && !digit)
				eq = i - s + 1; /* key= before any digit */
		}
		size_t end = digit ? s + eq : i;
		uint64_t w = 0;
		unsigned nb = 0;
		for (size_t j = s; j < end; j++) {
			w = (w << 8) | m[j];
			if (++nb == 8) {
				h = shape_mix(h, w);
				w = 0;
				nb = 0;
			}
		}
		/* the rest, the token's end, and whether it is a parameter */
		h = shape_mix(h, (w << 8) ^ ((uint64_t)nb << 60) ^ (digit ? 0x1F : 0x1E));
	}
	return h ? h : 1;
}

static uint32_t *
shape_slot(struct st_tpls *t, uint64_t sh)
{
	if (t->capshapes == 0)
		return NULL;
	size_t at = (size_t)(sh >> 20) & (t->capshapes - 1);
	while (t->shape[at] != 0 && t->shape[at] != sh)
		at = (at + 1) & (t->capshapes - 1);
	return t->shape[at] == sh ? &t->shape_tpl[at] : NULL;
}

static void
shape_put(struct st_tpls *t, uint64_t sh, uint32_t id)
{
	if (t->nshapes >= SHAPES_MAX)
		return;
	if ((t->nshapes + 1) * 2 > t->capshapes) {
		size_t cap = t->capshapes ? t->capshapes * 2 : 1024;
		uint64_t *ns = st_xcalloc(cap, sizeof(*ns));
		uint32_t *nt = st_xcalloc(cap, sizeof(*nt));
		for (size_t i = 0; i < t->capshapes; i++)
			if (t->shape[i]) {
				size_t at = (size_t)(t->shape[i] >> 20) & (cap - 1);
				while (ns[at])
					at = (at + 1) & (cap - 1);
				ns[at] = t->shape[i];
				nt[at] = t->shape_tpl[i];
			}
		free(t->shape);
		free(t->shape_tpl);
		t->shape = ns;
		t->shape_tpl = nt;
		t->capshapes = cap;
	}
	size_t at = (size_t)(sh >> 20) & (t->capshapes - 1);
	while (t->shape[at] != 0 && t->shape[at] != sh)
		at = (at + 1) & (t->capshapes - 1);
	if (t->shape[at] == 0)
		t->nshapes++;
	t->shape[at] = sh;
	t->shape_tpl[at] = id;
}

/* ---- tokens */

static void
tokmap_grow(struct st_tpls *t)
{
	size_t cap = t->tokmap_cap * 2;
	uint32_t *m = st_xcalloc(cap, sizeof(*m));
	for (size_t i = 0; i < t->ntokens; i++) {
		size_t at = t->tokens[i].hash & (cap - 1);
		while (m[at] != 0)
			at = (at + 1) & (cap - 1);
		m[at] = (uint32_t)i + 1;
	}
	free(t->tokmap);
	t->tokmap = m;
	t->tokmap_cap = cap;
}

/* The id of token s (interned if new). */
static uint32_t
intern(struct st_tpls *t, const char *s, size_t n)
{
	uint32_t h = hash_bytes(s, n);
	size_t at = h & (t->tokmap_cap - 1);
	for (uint32_t id; (id = t->tokmap[at]) != 0; at = (at + 1) & (t->tokmap_cap - 1)) {
		const struct token *k = &t->tokens[id - 1];
		if (k->hash == h && k->len == n && memcmp(t->pool + k->off, s, n) == 0)
			return id;
	}
	if (t->pool_len + n > t->pool_cap) {
		t->pool_cap = t->pool_cap ? t->pool_cap * 2 : 4096;
		while (t->pool_cap < t->pool_len + n)
			t->pool_cap *= 2;
		t->pool = st_xreallocarray(t->pool, t->pool_cap, 1);
	}
	memcpy(t->pool + t->pool_len, s, n);
	if (t->ntokens == t->captokens) {
		t->captokens = t->captokens ? t->captokens * 2 : 256;
		t->tokens = st_xreallocarray(t->tokens, t->captokens, sizeof(*t->tokens));
	}
	t->tokens[t->ntokens] = (struct token){(uint32_t)t->pool_len, (uint32_t)n, h};
	t->pool_len += n;
	uint32_t id = (uint32_t)++t->ntokens;
	t->tokmap[at] = id;
	if (t->ntokens * 2 > t->tokmap_cap)
		tokmap_grow(t);
	return id;
}

static bool
has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* One token's id: 0 for a parameter, key=<*> for a key=value parameter. */
static uint32_t
token_id(struct st_tpls *t, const char *s, size_t n)
{
	if (!has_digit(s, n))
		return intern(t, s, n);
	const char *eq = memchr(s, '=', n);
	size_t k = eq ? (size_t)(eq - s) : 0;
	if (k == 0 || k > 64 || has_digit(s, k))
		return 0;
	char b[72];
	memcpy(b, s, k + 1);
	memcpy(b + k + 1, "<*>", 3);
	return intern(t, b, k + 4);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split msg into token ids; returns the count. */
static uint32_t
tokenize(struct st_tpls *t, const char *msg, size_t n, uint32_t *ids)
{
	uint32_t k = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && is_space(msg[i]))
			i++;
		if (i == n)
			break;
		if (k == ST_TPL_TOKENS - 1) {
			ids[k++] = 0; /* the rest of a long message */
			break;
		}
		size_t s = i;
		while (i < n && !is_space(msg[i]))
			i++;
		ids[k++] = token_id(t, msg + s, i - s);
	}
	return k;
}

/* ---- groups */

static struct group *
group_slot(struct st_tpls *t, uint64_t key)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	size_t at = (size_t)(h >> 32) & (t->capgroups - 1);
	while (t->groups[at].key != 0 && t->groups[at].key != key)
		at = (at + 1) & (t->capgroups - 1);
	return &t->groups[at];
}

static struct group *
group_get(struct st_tpls *t, uint64_t key)
{
	struct group *g = group_slot(t, key);
	if (g->key != 0)
		return g;
	if ((t->ngroups + 1) * 2 > t->capgroups) {
		struct group *old = t->groups;
		size_t oldcap = t->capgroups;
		t->capgroups *= 2;
		t->groups = st_xcalloc(t->capgroups, sizeof(*t->groups));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].key != 0)
				*group_slot(t, old[i].key) = old[i];
		free(old);
		g = group_slot(t, key);
	}
	g->key = key;
	g->head = NONE;
	t->ngroups++;
	return g;
}

/* ---- templates */

static uint32_t add_slow(struct st_tpls *t, const char *msg, size_t n, uint32_t seq, bool *fresh);

uint32_t
st_tpls_add(struct st_tpls *t, const char *msg, size_t n, uint32_t seq, bool *fresh)
{
	return st_tpls_add_shape(t, msg, n, seq, fresh, NULL);
}

uint32_t
st_tpls_add_shape(struct st_tpls *t, const char *msg, size_t n, uint32_t seq, bool *fresh,
                  uint64_t *shape)
{
	uint64_t sh = shape_of(msg, n);
	if (shape)
		*shape = sh;
	uint32_t *cached = shape_slot(t, sh);
	if (cached) {
		struct tpl *p = &t->tpl[*cached];
		p->count++;
		p->last = seq;
		if (fresh)
			*fresh = false;
		return *cached;
	}
	uint32_t id = add_slow(t, msg, n, seq, fresh);
	shape_put(t, sh, id);
	return id;
}

static uint32_t
add_slow(struct st_tpls *t, const char *msg, size_t n, uint32_t seq, bool *fresh)
{
	uint32_t ids[ST_TPL_TOKENS];
	uint32_t k = tokenize(t, msg, n, ids);
	/* key: +1 keeps it non-zero (0 marks a free slot) */
	uint64_t key = ((uint64_t)(k + 1) << 32) | (k > 0 ? ids[0] : 0);
	struct group *g = group_get(t, key);
	uint32_t best = NONE;
	double best_sim = -1;
	for (uint32_t i = g->head; i != NONE; i = t->tpl[i].next) {
		const uint32_t *tt = t->toks + t->tpl[i].tok;
		uint32_t eq = 0;
		for (uint32_t j = 0; j < k; j++)
			eq += tt[j] == ids[j];
		double sim = k ? (double)eq / k : 1.0;
		if (sim > best_sim) {
			best_sim = sim;
			best = i;
		}
	}
	if (best != NONE && best_sim >= SIM_MIN) {
		struct tpl *p = &t->tpl[best];
		uint32_t *tt = t->toks + p->tok;
		for (uint32_t j = 0; j < k; j++)
			if (tt[j] != ids[j])
				tt[j] = 0;
		p->count++;
		p->last = seq;
		if (fresh)
			*fresh = false;
		return best;
	}
	if (t->ntoks + k > t->captoks) {
		t->captoks = t->captoks ? t->captoks * 2 : 1024;
		while (t->captoks < t->ntoks + k)
			t->captoks *= 2;
		t->toks = st_xreallocarray(t->toks, t->captoks, sizeof(*t->toks));
	}
	memcpy(t->toks + t->ntoks, ids, k * sizeof(*ids));
	if (t->ntpl == t->captpl) {
		t->captpl = t->captpl ? t->captpl * 2 : 256;
		t->tpl = st_xreallocarray(t->tpl, t->captpl, sizeof(*t->tpl));
	}
	uint32_t id = (uint32_t)t->ntpl++;
	t->tpl[id] = (struct tpl){(uint32_t)t->ntoks, k, 1, seq, seq, g->head};
	t->ntoks += k;
	g->head = id;
	if (fresh)
		*fresh = true;
	return id;
}

size_t
st_tpls_count(const struct st_tpls *t)
{
	return t->ntpl;
}

void
st_tpls_info(const struct st_tpls *t, uint32_t id, struct st_tpl_info *out)
{
	const struct tpl *p = &t->tpl[id];
	out->count = p->count;
	out->first_seq = p->first;
	out->last_seq = p->last;
	out->ntok = p->ntok;
}

void
st_tpls_text(const struct st_tpls *t, uint32_t id, struct st_buf *b)
{
	const struct tpl *p = &t->tpl[id];
	for (uint32_t j = 0; j < p->ntok; j++) {
		if (j > 0)
			st_buf_addc(b, ' ');
		uint32_t tk = t->toks[p->tok + j];
		if (tk == 0)
			st_buf_add(b, "<*>", 3);
		else
			st_buf_add(b, t->pool + t->tokens[tk - 1].off, t->tokens[tk - 1].len);
	}
}
