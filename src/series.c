/*
 * series.c: the series store (see series.h).
 *
 * Data model:
 *
 *   series[]    struct st_series in order of first appearance; each owns a
 *               points array that grows by doubling
 *   slots[]     open-addressing hash table (power of two, at most half
 *               full) of series index + 1, keyed by (source, name, labels)
 *   types[]     the same for # TYPE: (source, family name) -> type
 *   arena       names and label sets, in blocks that never move, so the
 *               series' const char pointers stay valid as the set grows
 *   srcs[]      per source: how the lines so far dated samples (the latest
 *               scrape comment or marker), and the counts stats shows
 *
 * Workload: dumps of a few thousand samples per scrape, up to a few
 * hundred scrapes; a live http:// source adds one scrape every few
 * seconds. A sample costs a parse of its line, a sort of its labels
 * (insertion sort: exporters write few labels, mostly sorted) into a
 * scratch buffer, one hash lookup and one point append. Events of other
 * formats cost one st_store_get and a compare. Measured (-O2): 85 ms for
 * 60 scrapes appended in a 34 MB dump (469,000 lines, 293,000 samples,
 * 4,880 series), where the ingest takes 45 ms; 8 ms over the 1.3 million
 * events of a 200 MB syslog, which has no samples.
 *
 * The *_timestamp_seconds events (derive) are appended to the store as
 * the pass meets their samples; series.h says why they are of kind log.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/format.h"
#include "strata/series.h"
#include "strata/util.h"

#define ARENA_BLOCK (64u << 10)
#define TS_SUFFIX "_timestamp_seconds"
#define YEAR_1980 (315532800.0)
#define YEAR_10000 (253402300800.0)

struct type_entry {
	uint64_t hash;
	const char *name; /* in the arena */
	uint32_t name_len;
	uint16_t source;
	uint8_t type;
	bool used;
};

struct src_state {
	bool anchored;       /* a comment or marker stated a scrape time */
	uint8_t anchor_from; /* ST_DATED_COMMENT or ST_DATED_MARKER */
	uint8_t outside;     /* how samples without any time are dated */
	bool known;
	struct st_series_source counts;
};

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char mem[];
};

struct span {
	uint32_t name, name_len, value, value_len;
	bool quoted;
};

struct st_series_set {
	unsigned flags;
	uint32_t next_seq;   /* events before it were read */

	struct st_series *series;
	size_t nseries, capseries;
	uint32_t *slots;
	size_t nslots;

	struct type_entry *types;
	size_t ntypes, captypes; /* captypes: slots, a power of two */

	struct src_state *srcs;
	size_t nsrcs;

	struct arena_block *arena;

	/* our own appended events, in order: not read again */
	uint32_t *derived;
	size_t nderived, capderived, derived_at;

	/* scratch, reused from sample to sample */
	struct span *spans;
	size_t capspans;
	struct st_buf key;
	struct st_buf text;
};

/* A word at a time: names and label sets are tens of bytes. */
static uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w ^ (uint64_t)n << 56) * 0x9e3779b97f4a7c15ULL;
	return h ^ h >> 29;
}

static uint64_t
hash_start(unsigned src)
{
	return hash_bytes(0xcbf29ce484222325ULL, "", 0) ^ src;
}

static const char *
arena_dup(struct st_series_set *set, const char *s, size_t n)
{
	struct arena_block *b = set->arena;
	if (b == NULL || b->size - b->used < n + 1) {
		size_t size = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
		struct arena_block *nb = st_xmalloc(sizeof(*nb) + size);
		nb->next = b;
		nb->used = 0;
		nb->size = size;
		set->arena = b = nb;
	}
	char *p = b->mem + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

struct st_series_set *
st_series_new(unsigned flags)
{
	struct st_series_set *set = st_xcalloc(1, sizeof(*set));
	set->flags = flags;
	return set;
}

void
st_series_free(struct st_series_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->nseries; i++)
		free(set->series[i].points);
	free(set->series);
	free(set->slots);
	free(set->types);
	free(set->srcs);
	free(set->derived);
	free(set->spans);
	st_buf_free(&set->key);
	st_buf_free(&set->text);
	for (struct arena_block *b = set->arena, *next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(set);
}

size_t
st_series_count(const struct st_series_set *set)
{
	return set->nseries;
}

const struct st_series *
st_series_at(const struct st_series_set *set, size_t i)
{
	return i < set->nseries ? &set->series[i] : NULL;
}

/* ---- sources */

static struct src_state *
src_state(struct st_series_set *set, const struct st_store *st, unsigned src)
{
	if (src >= set->nsrcs) {
		size_t n = st_store_nsources(st);
		if (n <= src)
			n = src + 1;
		set->srcs = st_xreallocarray(set->srcs, n, sizeof(*set->srcs));
		memset(set->srcs + set->nsrcs, 0, (n - set->nsrcs) * sizeof(*set->srcs));
		set->nsrcs = n;
	}
	struct src_state *ss = &set->srcs[src];
	if (!ss->known) {
		/* where a time from outside the data comes from: the kind of source */
		const char *name = st_store_source_name(st, src);
		if (strncmp(name, "http://", 7) == 0)
			ss->outside = ST_DATED_SCRAPE;
		else if (strcmp(name, "-") == 0 || strncmp(name, "cmd:", 4) == 0)
			ss->outside = ST_DATED_READ;
		else
			ss->outside = ST_DATED_MTIME;
		ss->known = true;
	}
	return ss;
}

void
st_series_source_stats(const struct st_series_set *set, unsigned src, struct st_series_source *out)
{
	if (src < set->nsrcs)
		*out = set->srcs[src].counts;
	else
		memset(out, 0, sizeof(*out));
}

/* ---- # TYPE */

static struct type_entry *
type_slot(struct st_series_set *set, unsigned src, const char *name, size_t len, uint64_t h)
{
	size_t mask = set->captypes - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct type_entry *e = &set->types[i];
		if (!e->used || (e->hash == h && e->source == src && e->name_len == len &&
		                 memcmp(e->name, name, len) == 0))
			return e;
	}
}

static void
type_set(struct st_series_set *set, unsigned src, const char *name, size_t len, uint8_t type)
{
	if (2 * (set->ntypes + 1) > set->captypes) {
		size_t cap = set->captypes ? set->captypes * 2 : 64;
		struct type_entry *old = set->types;
		size_t oldcap = set->captypes;
		set->types = st_xcalloc(cap, sizeof(*set->types));
		set->captypes = cap;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				*type_slot(set, old[i].source, old[i].name, old[i].name_len, old[i].hash) = old[i];
		free(old);
	}
	uint64_t h = hash_bytes(hash_start(src), name, len);
	struct type_entry *e = type_slot(set, src, name, len, h);
	if (!e->used) {
		e->used = true;
		e->hash = h;
		e->source = (uint16_t)src;
		e->name = arena_dup(set, name, len);
		e->name_len = (uint32_t)len;
		set->ntypes++;
	}
	e->type = type;
}

static bool
type_get(struct st_series_set *set, unsigned src, const char *name, size_t len, uint8_t *type)
{
	if (set->ntypes == 0)
		return false;
	struct type_entry *e = type_slot(set, src, name, len, hash_bytes(hash_start(src), name, len));
	if (!e->used)
		return false;
	*type = e->type;
	return true;
}

static bool
ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n > l && memcmp(s + n - l, suf, l) == 0;
}

/*
 * The family type of a sample name (exactly a # TYPE name, or one with a
 * family's sample suffix) and whether its values are cumulative.
 */
static void
family_of(struct st_series_set *set, unsigned src, const char *name, size_t len, uint8_t *type,
          bool *cumulative)
{
	static const char *const suffixes[] = {"_total", "_created", "_bucket", "_count",
	                                       "_sum",   "_gcount",  "_gsum",   "_info"};
	const char *suf = "";
	uint8_t t = ST_MT_UNTYPED;
	if (!type_get(set, src, name, len, &t)) {
		for (size_t k = 0; k < ST_ARRAY_LEN(suffixes); k++) {
			if (ends_with(name, len, suffixes[k]) &&
			    type_get(set, src, name, len - strlen(suffixes[k]), &t)) {
				suf = suffixes[k];
				break;
			}
		}
	}
	*type = t;
	switch (t) {
	case ST_MT_COUNTER:
		*cumulative = strcmp(suf, "_created") != 0;
		break;
	case ST_MT_HISTOGRAM:
		*cumulative = !strcmp(suf, "_bucket") || !strcmp(suf, "_count") || !strcmp(suf, "_sum");
		break;
	case ST_MT_SUMMARY:
		*cumulative = !strcmp(suf, "_count") || !strcmp(suf, "_sum");
		break;
	case ST_MT_UNTYPED:
		*cumulative = ends_with(name, len, "_total"); /* the naming convention */
		break;
	default:
		*cumulative = false;
	}
}

/* ---- series */

static struct st_series *
series_slot(struct st_series_set *set, unsigned src, const char *name, size_t nlen,
            const char *labels, size_t llen, uint64_t h, uint32_t **slot)
{
	size_t mask = set->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (set->slots[i] == 0) {
			*slot = &set->slots[i];
			return NULL;
		}
		struct st_series *s = &set->series[set->slots[i] - 1];
		if (s->hash == h && s->source == src && s->name_len == nlen && s->labels_len == llen &&
		    memcmp(s->name, name, nlen) == 0 && memcmp(s->labels, labels, llen) == 0) {
			*slot = &set->slots[i];
			return s;
		}
	}
}

static void
slots_grow(struct st_series_set *set)
{
	size_t n = set->nslots ? set->nslots * 2 : 256;
	free(set->slots);
	set->slots = st_xcalloc(n, sizeof(*set->slots));
	set->nslots = n;
	size_t mask = n - 1;
	for (size_t k = 0; k < set->nseries; k++) {
		size_t i = set->series[k].hash & mask;
		while (set->slots[i] != 0)
			i = (i + 1) & mask;
		set->slots[i] = (uint32_t)k + 1;
	}
}

static uint64_t
series_hash(unsigned src, const char *name, size_t nlen, const char *labels, size_t llen)
{
	uint64_t h = hash_bytes(hash_start(src), name, nlen);
	h = hash_bytes(h, "", 1);
	return hash_bytes(h, labels, llen);
}

const struct st_series *
st_series_find(const struct st_series_set *set, unsigned src, const char *name, const char *labels)
{
	if (set->nseries == 0)
		return NULL;
	size_t nl = strlen(name), ll = strlen(labels);
	uint32_t *slot;
	return series_slot((struct st_series_set *)set, src, name, nl, labels, ll,
	                   series_hash(src, name, nl, labels, ll), &slot);
}

/* The series of (src, name, labels), made when new. */
static struct st_series *
series_get(struct st_series_set *set, unsigned src, const char *name, size_t nlen,
           const char *labels, size_t llen, bool *made)
{
	if (2 * (set->nseries + 1) > set->nslots)
		slots_grow(set);
	uint64_t h = series_hash(src, name, nlen, labels, llen);
	uint32_t *slot;
	struct st_series *s = series_slot(set, src, name, nlen, labels, llen, h, &slot);
	*made = s == NULL;
	if (s != NULL)
		return s;
	if (set->nseries == set->capseries) {
		set->capseries = set->capseries ? set->capseries * 2 : 64;
		set->series = st_xreallocarray(set->series, set->capseries, sizeof(*set->series));
	}
	s = &set->series[set->nseries++];
	memset(s, 0, sizeof(*s));
	s->name = arena_dup(set, name, nlen);
	s->name_len = (uint32_t)nlen;
	s->labels = arena_dup(set, labels, llen);
	s->labels_len = (uint32_t)llen;
	s->source = (uint16_t)src;
	s->hash = h;
	*slot = (uint32_t)set->nseries;
	return s;
}

static void
point_add(struct st_series *s, st_time ts, double v, uint32_t seq)
{
	if (s->npoints == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->points = st_xreallocarray(s->points, s->cap, sizeof(*s->points));
	}
	if (s->npoints > 0 && ts < s->points[s->npoints - 1].ts)
		s->unsorted = true;
	s->points[s->npoints++] = (struct st_series_point){.ts = ts, .value = v, .seq = seq};
}

static int
point_cmp(const void *a, const void *b)
{
	const struct st_series_point *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

bool
st_series_rate(const struct st_series *s, size_t i, double *per_sec)
{
	if (!s->cumulative || i == 0 || i >= s->npoints)
		return false;
	const struct st_series_point *a = &s->points[i - 1], *b = &s->points[i];
	double dt = (double)(b->ts - a->ts) / (double)ST_USEC;
	/* x - x is 0 only for finite x: this refuses NaN and the infinities */
	if (!(dt > 0) || a->value - a->value != 0 || b->value - b->value != 0)
		return false;
	double inc = b->value >= a->value ? b->value - a->value : b->value; /* a reset */
	*per_sec = inc / dt;
	return true;
}

/* ---- a sample's key */

static bool
bare_label_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		          (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

static int
span_cmp(const char *s, const struct span *a, const struct span *b)
{
	size_t n = ST_MIN(a->name_len, b->name_len);
	int c = memcmp(s + a->name, s + b->name, n);
	if (c != 0)
		return c;
	return a->name_len < b->name_len ? -1 : (a->name_len > b->name_len);
}

/* The canonical label set of sample m into set->key (without the label
 * whose name is at offset skip, when not UINT32_MAX). */
static void
canonical_labels(struct st_series_set *set, const char *s, const struct st_metric_line *m,
                 uint32_t skip)
{
	size_t n = 0;
	uint32_t pos = 0;
	struct st_metric_label l;
	while (st_metric_label_next(s, m, &pos, &l)) {
		if (l.name == skip)
			continue;
		if (n == set->capspans) {
			set->capspans = set->capspans ? set->capspans * 2 : 16;
			set->spans = st_xreallocarray(set->spans, set->capspans, sizeof(*set->spans));
		}
		struct span sp = {l.name, l.name_len, l.value, l.value_len, l.name_quoted};
		/* insertion sort: exporters write few labels, in order already */
		size_t j = n++;
		while (j > 0 && span_cmp(s, &set->spans[j - 1], &sp) > 0) {
			set->spans[j] = set->spans[j - 1];
			j--;
		}
		set->spans[j] = sp;
	}
	set->key.len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct span *sp = &set->spans[i];
		if (i > 0)
			st_buf_addc(&set->key, ',');
		bool q = !bare_label_name(s + sp->name, sp->name_len);
		if (q)
			st_buf_addc(&set->key, '"');
		st_buf_add(&set->key, s + sp->name, sp->name_len);
		st_buf_add(&set->key, q ? "\"=\"" : "=\"", q ? 3 : 2);
		st_buf_add(&set->key, s + sp->value, sp->value_len);
		st_buf_addc(&set->key, '"');
	}
}

/* ---- *_timestamp_seconds */

/*
 * The words for a time-valued metric: data_export_last_success -> "data_export
 * last success"; cert_expiration -> "cert expiration" (the name up to its
 * last word, then that word).
 */
static void
derived_words(struct st_buf *b, const char *base, size_t n)
{
	size_t split = n, rest = n;
	for (size_t i = 0; i + 6 <= n; i++) {
		if (memcmp(base + i, "_last_", 6) == 0 && i > 0) {
			split = i;
			rest = i + 1;
			break;
		}
	}
	if (split == n) {
		for (size_t i = n; i > 1; i--) {
			if (base[i - 1] == '_') {
				split = i - 1;
				rest = i;
				break;
			}
		}
	}
	st_buf_add(b, base, split);
	if (rest < n) {
		st_buf_addc(b, ' ');
		for (size_t i = rest; i < n; i++)
			st_buf_addc(b, base[i] == '_' ? ' ' : base[i]);
	}
}

/* A sample of a *_timestamp_seconds series: its timeline event, when its
 * value is a time and differs from the one before. */
static void
derive(struct st_series_set *set, struct st_store *st, struct st_series *s,
       const struct st_event *ev, const struct st_metric_line *m, double v, bool first,
       struct src_state *ss)
{
	if (!(v >= YEAR_1980 && v < YEAR_10000) || (!first && v == s->derived_value))
		return;
	s->derived_value = v;
	ss->counts.derived++;
	if (!(set->flags & ST_SERIES_EVENTS))
		return;
	struct st_buf *b = &set->text;
	b->len = 0;
	derived_words(b, s->name, s->name_len - (sizeof(TS_SUFFIX) - 1));
	st_buf_adds(b, " (");
	st_buf_add(b, ev->text, m->head_end);
	st_buf_adds(b, " = ");
	st_buf_add(b, ev->text + m->value, m->value_len);
	st_buf_addc(b, ')');
	struct st_draft d = {
		.ts = (st_time)(v * (double)ST_USEC + 0.5),
		.level = ST_LVL_INFO,
		.kind = ST_KIND_LOG,
		.body = 0,
	};
	uint32_t seq = st_store_append(st, ev->source, ev->line, &d, ev->format, 0, b->p, b->len);
	if (set->nderived == set->capderived) {
		set->capderived = set->capderived ? set->capderived * 2 : 16;
		set->derived = st_xreallocarray(set->derived, set->capderived, sizeof(*set->derived));
	}
	set->derived[set->nderived++] = seq;
}

/* ---- the pass */

static void
sample(struct st_series_set *set, struct st_store *st, const struct st_timectx *tc,
       const struct st_event *ev, const char *s, const struct st_metric_line *m,
       struct src_state *ss)
{
	st_time t;
	uint32_t label = UINT32_MAX;
	int from = st_metric_own_time(tc, s, m, &t, &label);
	if (from != ST_DATED_LABEL)
		label = UINT32_MAX;
	if (from < 0)
		from = ss->anchored ? ss->anchor_from : ss->outside;
	ss->counts.samples++;
	ss->counts.dated[from]++;

	canonical_labels(set, s, m, label);
	bool made;
	struct st_series *se =
		series_get(set, ev->source, s + m->name, m->name_len, set->key.p ? set->key.p : "",
		           set->key.len, &made);
	if (made) {
		ss->counts.series++;
		family_of(set, ev->source, se->name, se->name_len, &se->type, &se->cumulative);
	}
	double v = st_metric_value(s + m->value, m->value_len);
	if (ev->ts != ST_TIME_NONE) {
		point_add(se, ev->ts, v, ev->seq);
		if (se->npoints > ss->counts.longest)
			ss->counts.longest = se->npoints;
	}
	if (ends_with(se->name, se->name_len, TS_SUFFIX))
		derive(set, st, se, ev, m, v, made, ss);
}

uint32_t
st_series_update(struct st_series_set *set, struct st_store *st, uint32_t from_seq)
{
	return st_series_update_to(set, st, from_seq, (uint32_t)st_store_count(st));
}

uint32_t
st_series_update_to(struct st_series_set *set, struct st_store *st, uint32_t from_seq,
                    uint32_t end)
{
	uint32_t n = (uint32_t)st_store_count(st);
	if (end < n)
		n = end;
	uint32_t seq = from_seq > set->next_seq ? from_seq : set->next_seq;
	int prom = st_format_find("prometheus");
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	bool sort = false;
	for (; seq < n; seq++) {
		while (set->derived_at < set->nderived && set->derived[set->derived_at] < seq)
			set->derived_at++;
		if (set->derived_at < set->nderived && set->derived[set->derived_at] == seq)
			continue; /* an event this set appended */
		struct st_event ev;
		st_store_get(st, seq, &ev);
		if ((int)ev.format != prom)
			continue;
		const char *nl = memchr(ev.text, '\n', ev.len);
		size_t len = nl ? (size_t)(nl - ev.text) : ev.len;
		if (len > 0 && ev.text[len - 1] == '\r')
			len--;
		struct st_metric_line m;
		if (st_metric_read(&tc, ev.text, len, &m) < 0)
			continue;
		struct src_state *ss = src_state(set, st, ev.source);
		switch (m.type) {
		case ST_ML_SAMPLE:
			if (ev.kind == ST_KIND_METRIC) {
				sample(set, st, &tc, &ev, ev.text, &m, ss);
				sort = true;
			}
			break;
		case ST_ML_TYPE:
			type_set(set, ev.source, ev.text + m.name, m.name_len, m.mtype);
			break;
		case ST_ML_COMMENT:
		case ST_ML_MARKER:
			if (m.mark != ST_TIME_NONE) {
				ss->anchored = true;
				ss->anchor_from = m.type == ST_ML_COMMENT ? ST_DATED_COMMENT : ST_DATED_MARKER;
			}
			break;
		default:
			break;
		}
	}
	set->next_seq = n;
	for (size_t i = 0; sort && i < set->nseries; i++) {
		struct st_series *s = &set->series[i];
		if (s->unsorted) {
			qsort(s->points, s->npoints, sizeof(*s->points), point_cmp);
			s->unsorted = false;
		}
	}
	return n;
}
