/*
 * store.c: the append-only event store and its ordered index.
 *
 * Data model (see store.h for the contract):
 *
 *   recs[seq]   16 bytes: ts, and loc = text offset (36 bits) | length (21)
 *               | level (3) | kind (2) | flags (2)
 *   lines[seq]  first line number
 *   order[]     sequence numbers sorted by (ts, source, line, seq)
 *   pending[]   sequence numbers appended out of order, not yet merged
 *
 *   The arena is a 64 GiB logical address space carved into blocks; each
 *   block belongs to one source and is a multiple of 64 KiB, so pages[]
 *   (one entry per 64 KiB page) maps any text offset to its block, and the
 *   block to its source and memory. An event never straddles two blocks.
 *
 * Workload: appends dominate (millions per replay, mostly in order); the
 * ordered index is read once per print or as the viewer scrolls. Appends
 * in order cost one comparison with the last indexed event.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mapguard.h"
#include "strata/context.h"
#include "strata/store.h"
#include "strata/util.h"

#define PAGE_SHIFT 16
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define OFF_BITS 36
#define LEN_BITS 21
#define LVL_SHIFT (OFF_BITS + LEN_BITS)
#define KIND_SHIFT (LVL_SHIFT + 3)
#define FLAG_SHIFT (KIND_SHIFT + 2)
#define OFF_MASK ((UINT64_C(1) << OFF_BITS) - 1)
#define LEN_MASK ((UINT64_C(1) << LEN_BITS) - 1)
#define BLOCK_MIN (64u << 10)
#define BLOCK_MAX (4u << 20)

struct rec {
	st_time ts;
	uint64_t loc;
};

struct block {
	char *mem;
	uint64_t base;  /* logical offset of mem[0] */
	size_t size;
	size_t used;
	uint16_t source;
	bool mapped;    /* an adopted file mapping: munmap, never write */
};

struct fmtrun {
	uint32_t seq;   /* first event of the run */
	uint8_t format;
};

struct source {
	char *name;
	uint32_t block;     /* current block, UINT32_MAX when none yet */
	uint32_t next_size; /* size of this source's next block */
	uint32_t last_seq;  /* newest event, UINT32_MAX when none */
	struct fmtrun *runs;
	size_t nruns, capruns;
};

struct st_store {
	struct rec *recs;
	uint32_t *lines;
	size_t n, cap;

	uint32_t *order;
	size_t norder, caporder;
	uint32_t *pending;
	size_t npending, cappending;

	struct block *blocks;
	size_t nblocks, capblocks;
	uint32_t *pages;
	size_t npages, cappages;
	uint64_t next_off;

	struct source *src;
	size_t nsrc, capsrc;

	struct st_context *context; /* context files (context.h), or NULL */
};

static inline uint64_t
loc_off(uint64_t loc)
{
	return loc & OFF_MASK;
}

static inline uint32_t
loc_len(uint64_t loc)
{
	return (uint32_t)((loc >> OFF_BITS) & LEN_MASK);
}

static inline uint64_t
loc_pack(uint64_t off, uint32_t len, unsigned level, unsigned kind,
         unsigned flags)
{
	return off | (uint64_t)len << OFF_BITS | (uint64_t)(level & 7) << LVL_SHIFT |
	       (uint64_t)(kind & 3) << KIND_SHIFT | (uint64_t)(flags & 3) << FLAG_SHIFT;
}

static inline const struct block *
block_of(const struct st_store *st, uint64_t off)
{
	return &st->blocks[st->pages[off >> PAGE_SHIFT]];
}

struct st_store *
st_store_new(void)
{
	return st_xcalloc(1, sizeof(struct st_store));
}

struct st_context *
st_store_context(struct st_store *st)
{
	if (st->context == NULL)
		st->context = st_context_new();
	return st->context;
}

const struct st_context *
st_store_context_get(const struct st_store *st)
{
	return st->context;
}

void
st_store_free(struct st_store *st)
{
	if (st == NULL)
		return;
	st_context_free(st->context);
	for (size_t i = 0; i < st->nblocks; i++) {
		if (st->blocks[i].mapped) {
			st_mapguard_remove(st->blocks[i].mem);
			munmap(st->blocks[i].mem, st->blocks[i].size);
		}
		else
			free(st->blocks[i].mem);
	}
	for (size_t i = 0; i < st->nsrc; i++) {
		free(st->src[i].name);
		free(st->src[i].runs);
	}
	free(st->src);
	free(st->blocks);
	free(st->pages);
	free(st->recs);
	free(st->lines);
	free(st->order);
	free(st->pending);
	free(st);
}

int
st_store_add_source(struct st_store *st, const char *name)
{
	if (st->nsrc >= ST_SOURCES_MAX)
		return ST_ETOOBIG;
	if (st->nsrc == st->capsrc) {
		st->capsrc = st->capsrc ? st->capsrc * 2 : 16;
		st->src = st_xreallocarray(st->src, st->capsrc, sizeof(*st->src));
	}
	struct source *s = &st->src[st->nsrc];
	memset(s, 0, sizeof(*s));
	s->name = st_xstrdup(name);
	s->block = UINT32_MAX;
	s->next_size = BLOCK_MIN;
	s->last_seq = UINT32_MAX;
	return (int)st->nsrc++;
}

size_t
st_store_nsources(const struct st_store *st)
{
	return st->nsrc;
}

const char *
st_store_source_name(const struct st_store *st, unsigned src)
{
	return src < st->nsrc ? st->src[src].name : "?";
}

/* Reserve logical space for a block of size bytes and make it src's. */
static struct block *
block_add(struct st_store *st, unsigned src, char *mem, size_t size, bool mapped)
{
	size_t span = (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (span == 0)
		span = PAGE_SIZE;
	if (st->next_off + span > OFF_MASK) /* 64 GiB: past any machine here */
		st_fatal("event store full (64 GiB of text)");
	if (st->nblocks == st->capblocks) {
		st->capblocks = st->capblocks ? st->capblocks * 2 : 64;
		st->blocks = st_xreallocarray(st->blocks, st->capblocks, sizeof(*st->blocks));
	}
	size_t first = st->next_off >> PAGE_SHIFT, npg = span >> PAGE_SHIFT;
	if (first + npg > st->cappages) {
		size_t cap = st->cappages ? st->cappages : 1024;
		while (cap < first + npg)
			cap *= 2;
		st->pages = st_xreallocarray(st->pages, cap, sizeof(*st->pages));
		st->cappages = cap;
	}
	uint32_t idx = (uint32_t)st->nblocks++;
	for (size_t i = 0; i < npg; i++)
		st->pages[first + i] = idx;
	st->npages = first + npg;
	struct block *b = &st->blocks[idx];
	b->mem = mem;
	b->base = st->next_off;
	b->size = size;
	b->used = mapped ? size : 0;
	b->source = (uint16_t)src;
	b->mapped = mapped;
	st->next_off += span;
	st->src[src].block = idx;
	return b;
}

/* A new arena block for source src with room for at least need bytes. */
static struct block *
block_new(struct st_store *st, unsigned src, size_t need)
{
	struct source *s = &st->src[src];
	size_t size = s->next_size;
	if (size < need)
		size = (need + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	if (s->next_size < BLOCK_MAX)
		s->next_size *= 2;
	return block_add(st, src, st_xmalloc(size), size, false);
}

void
st_store_adopt_map(struct st_store *st, unsigned src, const char *map, size_t size)
{
	st_mapguard_add(map, size);
	block_add(st, src, (char *)map, size, true);
}

/* The mapped block of src that holds text[0..len), or NULL. */
static struct block *
mapped_holding(struct st_store *st, unsigned src, const char *text, size_t len)
{
	uint32_t bi = st->src[src].block;
	if (bi == UINT32_MAX)
		return NULL;
	struct block *b = &st->blocks[bi];
	if (!b->mapped || text < b->mem || text >= b->mem + b->size || text + len > b->mem + b->size)
		return NULL;
	return b;
}

/* Room for len bytes at the end of src's current block. */
static struct block *
reserve(struct st_store *st, unsigned src, size_t len)
{
	uint32_t bi = st->src[src].block;
	if (bi != UINT32_MAX) {
		struct block *b = &st->blocks[bi];
		/* strictly more: even empty text needs an offset inside its block */
		if (b->size - b->used > len)
			return b;
	}
	return block_new(st, src, len);
}

static inline unsigned
rec_source(const struct st_store *st, uint32_t seq)
{
	return block_of(st, loc_off(st->recs[seq].loc))->source;
}

/* Order of two events: time, source, line, arrival. */
static inline int
key_cmp(const struct st_store *st, uint32_t a, uint32_t b)
{
	st_time ta = st->recs[a].ts, tb = st->recs[b].ts;
	if (ta != tb)
		return ta < tb ? -1 : 1;
	unsigned sa = rec_source(st, a), sb = rec_source(st, b);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (st->lines[a] != st->lines[b])
		return st->lines[a] < st->lines[b] ? -1 : 1;
	return a < b ? -1 : (a > b);
}

static void
push_u32(uint32_t **arr, size_t *n, size_t *cap, uint32_t v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*arr = st_xreallocarray(*arr, *cap, sizeof(**arr));
	}
	(*arr)[(*n)++] = v;
}

uint32_t
st_store_append(struct st_store *st, unsigned src, uint32_t line,
                const struct st_draft *d, unsigned format, unsigned flags,
                const char *text, size_t len)
{
	if (len > ST_TEXT_MAX) {
		len = ST_TEXT_MAX;
		flags |= ST_EV_TRUNCATED;
	}
	if (st->n >= UINT32_MAX - 1)
		st_fatal("event store full (2^32 events)");
	uint64_t off;
	struct block *b = mapped_holding(st, src, text, len);
	if (b != NULL) {
		off = b->base + (uint64_t)(text - b->mem);
	} else {
		b = reserve(st, src, len);
		memcpy(b->mem + b->used, text, len);
		off = b->base + b->used;
		b->used += len;
	}

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 4096;
		st->recs = st_xreallocarray(st->recs, st->cap, sizeof(*st->recs));
		st->lines = st_xreallocarray(st->lines, st->cap, sizeof(*st->lines));
	}
	uint32_t seq = (uint32_t)st->n++;
	st->recs[seq].ts = d->ts;
	st->recs[seq].loc = loc_pack(off, (uint32_t)len, d->level, d->kind, flags);
	st->lines[seq] = line;

	struct source *s = &st->src[src];
	if (s->nruns == 0 || s->runs[s->nruns - 1].format != format) {
		if (s->nruns == s->capruns) {
			s->capruns = s->capruns ? s->capruns * 2 : 4;
			s->runs = st_xreallocarray(s->runs, s->capruns, sizeof(*s->runs));
		}
		s->runs[s->nruns].seq = seq;
		s->runs[s->nruns].format = (uint8_t)format;
		s->nruns++;
	}
	s->last_seq = seq;

	/* order stays sorted when seq is not before its last entry; events
	 * that go back in time wait in pending for st_store_order */
	if (st->norder == 0 || key_cmp(st, st->order[st->norder - 1], seq) < 0)
		push_u32(&st->order, &st->norder, &st->caporder, seq);
	else
		push_u32(&st->pending, &st->npending, &st->cappending, seq);
	return seq;
}

size_t
st_store_extend(struct st_store *st, unsigned src, const char *text, size_t len)
{
	struct source *s = &st->src[src];
	if (s->last_seq == UINT32_MAX)
		return len;
	struct rec *r = &st->recs[s->last_seq];
	uint32_t old = loc_len(r->loc);
	unsigned flags = (unsigned)(r->loc >> FLAG_SHIFT) & 3;
	bool was_cut = flags & ST_EV_TRUNCATED;
	size_t add = 1 + len, dropped = 0;
	if (old + add > ST_TEXT_MAX) {
		size_t room = ST_TEXT_MAX - old;
		dropped = add - room;
		add = room;
		flags |= ST_EV_TRUNCATED;
	}
	uint64_t off = loc_off(r->loc);
	struct block *b = &st->blocks[st->pages[off >> PAGE_SHIFT]];
	const char *evtext = b->mem + (off - b->base);
	if (b->mapped && !was_cut && text >= evtext + old &&
	    text + len <= b->mem + b->size) {
		/* in the mapping: the record runs on to the end of this line (not
		 * across the dropped tail of a cut line: that one is copied) */
		size_t want = (size_t)(text + len - evtext);
		if (want > ST_TEXT_MAX) {
			dropped = want - ST_TEXT_MAX;
			want = ST_TEXT_MAX;
			flags |= ST_EV_TRUNCATED;
		}
		add = want - old;
		goto done;
	}
	/* The event is the last thing in its arena block: grow it in place if
	 * the block has room, else move it to a new block of this source. */
	if (b->mapped || b->size - b->used < add) {
		struct block *nb = block_new(st, src, old + add);
		b = &st->blocks[st->pages[off >> PAGE_SHIFT]]; /* blocks may move */
		memcpy(nb->mem, b->mem + (off - b->base), old);
		if (!b->mapped)
			b->used -= old;
		nb->used = old;
		off = nb->base;
		b = nb;
	}
	if (add > 0) {
		b->mem[b->used++] = '\n';
		memcpy(b->mem + b->used, text, add - 1);
		b->used += add - 1;
	}
done:;
	unsigned level = (unsigned)(r->loc >> LVL_SHIFT) & 7;
	unsigned kind = (unsigned)(r->loc >> KIND_SHIFT) & 3;
	r->loc = loc_pack(off, old + (uint32_t)add, level, kind, flags);
	return dropped;
}

void
st_store_flag(struct st_store *st, unsigned src, unsigned flags)
{
	struct source *s = &st->src[src];
	if (s->last_seq != UINT32_MAX)
		st->recs[s->last_seq].loc |= (uint64_t)(flags & 3) << FLAG_SHIFT;
}

void
st_store_flag_seq(struct st_store *st, uint32_t seq, unsigned flags)
{
	if (seq < st->n)
		st->recs[seq].loc |= (uint64_t)(flags & 3) << FLAG_SHIFT;
}

void
st_store_set_kind(struct st_store *st, uint32_t seq, enum st_kind kind)
{
	if (seq < st->n)
		st->recs[seq].loc = (st->recs[seq].loc & ~((uint64_t)3 << KIND_SHIFT)) |
		                    (uint64_t)(kind & 3) << KIND_SHIFT;
}

enum st_kind
st_store_kind(const struct st_store *st, uint32_t seq)
{
	return seq < st->n ? (enum st_kind)((st->recs[seq].loc >> KIND_SHIFT) & 3) : ST_KIND_LOG;
}

uint32_t
st_store_last(const struct st_store *st, unsigned src)
{
	return src < st->nsrc ? st->src[src].last_seq : UINT32_MAX;
}

size_t
st_store_count(const struct st_store *st)
{
	return st->n;
}

static unsigned
format_of(const struct st_store *st, unsigned src, uint32_t seq)
{
	const struct source *s = &st->src[src];
	size_t lo = 0, hi = s->nruns;
	/* last run whose first event is <= seq */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->runs[mid].seq <= seq)
			lo = mid;
		else
			hi = mid;
	}
	return s->nruns ? s->runs[lo].format : 0;
}

void
st_store_get(const struct st_store *st, uint32_t seq, struct st_event *ev)
{
	const struct rec *r = &st->recs[seq];
	uint64_t off = loc_off(r->loc);
	const struct block *b = block_of(st, off);
	ev->ts = r->ts;
	ev->seq = seq;
	ev->line = st->lines[seq];
	ev->source = b->source;
	ev->len = loc_len(r->loc);
	ev->text = b->mem + (off - b->base);
	ev->level = (uint8_t)((r->loc >> LVL_SHIFT) & 7);
	ev->kind = (uint8_t)((r->loc >> KIND_SHIFT) & 3);
	ev->flags = (uint8_t)((r->loc >> FLAG_SHIFT) & 3);
	ev->format = (uint8_t)format_of(st, b->source, seq);
}

st_time
st_store_ts(const struct st_store *st, uint32_t seq)
{
	return st->recs[seq].ts;
}

int
st_store_key_cmp(const struct st_store *st, uint32_t a, uint32_t b)
{
	return key_cmp(st, a, b);
}

/* Merge sorted a[0..na) and b[0..nb) into out. */
static void
merge(const struct st_store *st, const uint32_t *a, size_t na,
      const uint32_t *b, size_t nb, uint32_t *out)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb)
		out[k++] = key_cmp(st, b[j], a[i]) < 0 ? b[j++] : a[i++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

/*
 * Natural merge sort: find the ascending runs, then merge neighbours
 * until one run is left. Sources replayed together leave a few long runs,
 * so this is close to linear on real input.
 */
static void
sort_ids(const struct st_store *st, uint32_t *v, size_t n)
{
	if (n < 2)
		return;
	size_t *bounds = st_xreallocarray(NULL, n + 1, sizeof(*bounds));
	size_t nb = 0;
	bounds[nb++] = 0;
	for (size_t i = 1; i < n; i++)
		if (key_cmp(st, v[i - 1], v[i]) > 0)
			bounds[nb++] = i;
	bounds[nb] = n;
	size_t nruns = nb;
	uint32_t *tmp = st_xreallocarray(NULL, n, sizeof(*tmp));
	uint32_t *src = v, *dst = tmp;
	while (nruns > 1) {
		size_t w = 0;
		for (size_t r = 0; r < nruns; r += 2) {
			size_t lo = bounds[r], mid = bounds[r + 1];
			size_t hi = r + 2 <= nruns ? bounds[r + 2] : mid;
			merge(st, src + lo, mid - lo, src + mid, hi - mid, dst + lo);
			bounds[w++] = lo;
		}
		bounds[w] = n;
		nruns = w;
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	free(bounds);
}

const uint32_t *
st_store_order(struct st_store *st, size_t *n)
{
	if (st->npending > 0) {
		sort_ids(st, st->pending, st->npending);
		size_t total = st->norder + st->npending;
		if (total > st->caporder) {
			st->order = st_xreallocarray(st->order, total, sizeof(*st->order));
			st->caporder = total;
		}
		/* merge from the back so order needs no second buffer */
		size_t i = st->norder, j = st->npending, k = total;
		while (j > 0) {
			if (i > 0 && key_cmp(st, st->order[i - 1], st->pending[j - 1]) > 0)
				st->order[--k] = st->order[--i];
			else
				st->order[--k] = st->pending[--j];
		}
		st->norder = total;
		st->npending = 0;
	}
	*n = st->norder;
	return st->order;
}

void
st_store_memory(const struct st_store *st, struct st_store_mem *m)
{
	m->index = st->n * (sizeof(struct rec) + sizeof(uint32_t)) +
	           (st->norder + st->npending) * sizeof(uint32_t) +
	           st->npages * sizeof(uint32_t) + st->nblocks * sizeof(struct block);
	m->index_reserved = st->cap * (sizeof(struct rec) + sizeof(uint32_t)) +
	                    (st->caporder + st->cappending) * sizeof(uint32_t) +
	                    st->cappages * sizeof(uint32_t) + st->capblocks * sizeof(struct block);
	m->arena = m->mapped = 0;
	for (size_t i = 0; i < st->nblocks; i++) {
		if (st->blocks[i].mapped)
			m->mapped += st->blocks[i].size;
		else
			m->arena += st->blocks[i].size;
	}
}
