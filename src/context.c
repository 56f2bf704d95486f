/*
 * context.c: the context index (see strata/context.h): its arrays (files,
 * entries, blocks, entity records, one byte pool), the readers' path and
 * level stack, opening a context file and feeding it lines, and the
 * queries: entries, their entities, the lookup.
 *
 * What a setting's entities are is context-entities.c's; whether a
 * source is a context file at all, context-detect.c's; the dialects are
 * read by context-yaml.c, context-hcl.c and context-ini.c.
 *
 * Workload: context files are small (a manifest, a playbook), but nothing
 * here is worse than linear: a line costs one entry, its own entities
 * and a walk of at most ST_CONTEXT_BLOCK_ENTITIES per block it adds one
 * to; the lookup is one pass over the blocks and one over the entries.
 * About 100 MB/s of YAML on one core.
 */
#include <stdlib.h>
#include <string.h>

#include "context-int.h"
#include "strata/util.h"

static const char *const dialect_names[ST_CX_COUNT] = {
	[ST_CX_YAML] = "yaml", [ST_CX_ANSIBLE] = "ansible", [ST_CX_HCL] = "hcl", [ST_CX_INI] = "ini"};
static const char *const format_names[ST_CX_COUNT] = {
	[ST_CX_YAML] = "context:yaml",
	[ST_CX_ANSIBLE] = "context:ansible",
	[ST_CX_HCL] = "context:hcl",
	[ST_CX_INI] = "context:ini",
};

const char *
st_context_dialect_name(enum st_context_dialect d)
{
	return (unsigned)d < ST_CX_COUNT ? dialect_names[d] : "none";
}

/* ---- small string helpers */

/* (no strlen: most calls differ at the first byte) */
bool
cx_ieq(const char *s, size_t n, const char *lit)
{
	for (size_t i = 0; i < n; i++)
		if (lit[i] == '\0' || cx_lower(s[i]) != lit[i])
			return false;
	return lit[n] == '\0';
}

bool
cx_starts_n(const char *s, size_t n, const char *lit, size_t l)
{
	return n >= l && memcmp(s, lit, l) == 0;
}

/* case-insensitive suffix (lit in lower case) */
bool
cx_ends_n(const char *s, size_t n, const char *lit, size_t l)
{
	if (n < l)
		return false;
	for (size_t i = 0; i < l; i++)
		if (cx_lower(s[n - l + i]) != lit[i])
			return false;
	return true;
}

bool
cx_in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (cx_ieq(s, n, *list))
			return true;
	return false;
}

bool
cx_contains(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	for (size_t i = 0; i + l <= n; i++)
		if (memcmp(s + i, lit, l) == 0)
			return true;
	return false;
}

bool
cx_icontains(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	for (size_t i = 0; i + l <= n; i++) {
		size_t k = 0;
		while (k < l && cx_lower(s[i + k]) == lit[k])
			k++;
		if (k == l)
			return true;
	}
	return false;
}

void
st_context_unquote(const char *v, size_t n, const char **out, size_t *outlen)
{
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	*out = v;
	*outlen = n;
}

/* ---- the arrays */

#define GROW(arr, n, cap, first)                                                   \
	do {                                                                       \
		if ((n) == (cap)) {                                                \
			(cap) = (cap) ? (cap) * 2 : (first);                       \
			(arr) = st_xreallocarray((arr), (cap), sizeof(*(arr)));    \
		}                                                                  \
	} while (0)

/* Copy n bytes and a NUL into the pool; returns their offset. */
uint32_t
cx_pool_add(struct st_context *cx, const char *s, size_t n)
{
	if (cx->npool + n + 1 > cx->cappool) {
		size_t cap = cx->cappool ? cx->cappool : 4096;
		while (cap < cx->npool + n + 1)
			cap *= 2;
		cx->pool = st_xreallocarray(cx->pool, cap, 1);
		cx->cappool = cap;
	}
	uint32_t off = (uint32_t)cx->npool;
	if (n)
		memcpy(cx->pool + off, s, n);
	cx->pool[off + n] = '\0';
	cx->npool += n + 1;
	return off;
}

struct st_context *
st_context_new(void)
{
	return st_xcalloc(1, sizeof(struct st_context));
}

void
st_context_free(struct st_context *cx)
{
	if (cx == NULL)
		return;
	for (size_t i = 0; i < cx->nfiles; i++)
		free(cx->files[i].rd);
	free(cx->files);
	free(cx->entries);
	free(cx->scopes);
	free(cx->ents);
	free(cx->pool);
	free(cx);
}

static uint32_t
scope_new(struct st_context *cx, uint32_t parent, uint32_t line, unsigned flags)
{
	GROW(cx->scopes, cx->nscopes, cx->capscopes, 64);
	struct cx_scope *sc = &cx->scopes[cx->nscopes];
	memset(sc, 0, sizeof(*sc));
	sc->parent = parent;
	sc->line = line;
	sc->ents = CX_NONE;
	sc->flags = (uint8_t)flags;
	sc->name_type = 0xff;
	return (uint32_t)cx->nscopes++;
}

uint32_t
cx_inner_scope(const struct cx_reader *r)
{
	for (unsigned i = r->depth; i-- > 0;)
		if (r->lv[i].scope != CX_NONE)
			return r->lv[i].scope;
	return r->doc != CX_NONE ? r->doc : r->root;
}

uint32_t
cx_scope_open(struct cx_reader *r, unsigned flags)
{
	if (r->cx == NULL)
		return CX_NONE;
	return scope_new(r->cx, cx_inner_scope(r), r->lineno, flags);
}

void
cx_scope_label(struct cx_reader *r, uint32_t sc, const char *s, size_t n)
{
	if (r->cx == NULL || sc == CX_NONE)
		return;
	uint32_t off = cx_pool_add(r->cx, s, n);
	r->cx->scopes[sc].label_off = off;
	r->cx->scopes[sc].label_len = (uint32_t)n;
}

static bool
ent_is(const struct st_context *cx, const struct cx_ent *e, unsigned type, const char *v, size_t n)
{
	return e->type == type && e->len == n && memcmp(cx->pool + e->off, v, n) == 0;
}

void
cx_scope_add(struct cx_reader *r, uint32_t sc, enum st_entity_type t, const char *v, size_t n)
{
	struct st_context *cx = r->cx;
	if (cx == NULL || sc == CX_NONE || n == 0 || n > 0xffff)
		return;
	struct cx_scope *s = &cx->scopes[sc];
	if (s->nents >= ST_CONTEXT_BLOCK_ENTITIES)
		return;
	uint32_t last = CX_NONE;
	for (uint32_t e = s->ents; e != CX_NONE; e = cx->ents[e].next) {
		if (ent_is(cx, &cx->ents[e], t, v, n))
			return;
		last = e;
	}
	GROW(cx->ents, cx->nents, cx->capents, 256);
	uint32_t id = (uint32_t)cx->nents++;
	cx->ents[id] = (struct cx_ent){.off = cx_pool_add(cx, v, n), .len = (uint16_t)n,
	                               .type = (uint8_t)t, .next = CX_NONE};
	s = &cx->scopes[sc]; /* (not moved: scopes did not grow) */
	if (last == CX_NONE)
		s->ents = id;
	else
		cx->ents[last].next = id;
	s->nents++;
}

/* ---- the reader's path and levels */

size_t
cx_path_push(struct cx_reader *r, const char *seg, size_t n, bool item)
{
	size_t old = r->plen;
	size_t room = ST_CONTEXT_PATH_MAX - r->plen;
	char *p = r->path + r->plen;
	size_t k = 0;
	if (item) {
		if (room > 0)
			p[k++] = '[';
	} else if (r->plen > 0 && room > 0) {
		p[k++] = '.';
	}
	size_t take = ST_MIN(n, room > k ? room - k : 0);
	memcpy(p + k, seg, take);
	k += take;
	if (item && k < room)
		p[k++] = ']';
	r->plen += k;
	r->path[r->plen] = '\0';
	return old;
}

bool
cx_level_push(struct cx_reader *r, enum cx_level_kind kind, int indent, uint32_t scope)
{
	if (r->depth == ST_CONTEXT_DEPTH_MAX)
		return false;
	r->lv[r->depth++] = (struct cx_level){.indent = indent, .plen = (uint16_t)r->plen,
	                                      .kind = (uint8_t)kind, .scope = scope};
	return true;
}

void
cx_level_pop(struct cx_reader *r)
{
	if (r->flat > 0) {
		r->flat--;
		return;
	}
	if (r->depth == 0)
		return;
	r->depth--;
	/* back to the path of the level below; levels push their segment
	 * before they are pushed, so the one below holds its own length */
	r->plen = r->depth > 0 ? r->lv[r->depth - 1].plen : 0;
	r->path[r->plen] = '\0';
}

/* ---- entries */

/* Add entity (type, pool offset) to block sc, unless it has it. */
static void
scope_add_at(struct st_context *cx, uint32_t sc, unsigned type, uint32_t off, size_t n)
{
	struct cx_scope *s = &cx->scopes[sc];
	if (s->nents >= ST_CONTEXT_BLOCK_ENTITIES)
		return;
	uint32_t last = CX_NONE;
	for (uint32_t e = s->ents; e != CX_NONE; e = cx->ents[e].next) {
		if (ent_is(cx, &cx->ents[e], type, cx->pool + off, n))
			return;
		last = e;
	}
	GROW(cx->ents, cx->nents, cx->capents, 256);
	uint32_t id = (uint32_t)cx->nents++;
	cx->ents[id] = (struct cx_ent){.off = off, .len = (uint16_t)n, .type = (uint8_t)type,
	                               .next = CX_NONE};
	if (last == CX_NONE)
		s->ents = id;
	else
		cx->ents[last].next = id;
	s->nents++;
}

void
cx_emit(struct cx_reader *r, const char *val, size_t vlen, const struct st_entities *own)
{
	struct st_context *cx = r->cx;
	if (vlen > ST_CONTEXT_VALUE_MAX)
		vlen = ST_CONTEXT_VALUE_MAX;
	struct cx_entry e = {.file = r->file, .line = r->lineno, .scope = cx_inner_scope(r)};
	e.key_off = cx_pool_add(cx, r->path, r->plen);
	e.key_len = (uint32_t)r->plen;
	e.val_off = cx_pool_add(cx, val, vlen);
	e.val_len = (uint32_t)vlen;
	e.ent_first = (uint32_t)cx->nents;
	e.nent = (uint16_t)own->n;
	for (unsigned i = 0; i < own->n; i++) {
		GROW(cx->ents, cx->nents, cx->capents, 256);
		uint32_t off = cx_pool_add(cx, st_entity_value(own, i), own->e[i].len);
		cx->ents[cx->nents++] = (struct cx_ent){.off = off, .len = own->e[i].len,
		                                        .type = own->e[i].type, .next = CX_NONE};
	}
	/* the block learns what its lines name */
	for (unsigned i = 0; i < own->n; i++) {
		const struct cx_ent *oe = &cx->ents[e.ent_first + i];
		scope_add_at(cx, e.scope, oe->type, oe->off, oe->len);
	}
	GROW(cx->entries, cx->nentries, cx->capentries, 256);
	cx->entries[cx->nentries++] = e;
}

/* ---- readers */

void
cx_reader_init(struct cx_reader *r, struct st_context *cx, uint32_t file, enum st_context_dialect d,
               bool directives)
{
	memset(r, 0, sizeof(*r));
	r->cx = cx;
	r->file = file;
	r->dialect = (uint8_t)d;
	r->directives = directives;
	r->root = CX_NONE;
	r->doc = CX_NONE;
}

enum cx_class
cx_read_line(struct cx_reader *r, const char *s, size_t n)
{
	enum cx_class c;
	if (r->dialect == ST_CX_YAML || r->dialect == ST_CX_ANSIBLE)
		c = cx_yaml_line(r, s, n);
	else if (r->dialect == ST_CX_HCL)
		c = cx_hcl_line(r, s, n);
	else
		c = cx_ini_line(r, s, n);
	if (c == CX_CONFIG)
		r->config++;
	else if (c == CX_OTHER)
		r->other++;
	return c;
}

/* ---- files and lines */

int
st_context_open(struct st_context *cx, unsigned src, const char *name, enum st_context_dialect d)
{
	GROW(cx->files, cx->nfiles, cx->capfiles, 8);
	struct cx_file *f = &cx->files[cx->nfiles];
	memset(f, 0, sizeof(*f));
	f->src = src;
	f->dialect = (uint8_t)d;
	f->root = scope_new(cx, CX_NONE, 0, 0);
	struct cx_name x = cx_name_info(name);
	f->rd = st_xmalloc(sizeof(*f->rd));
	cx_reader_init(f->rd, cx, (uint32_t)cx->nfiles, d, x.directives);
	f->rd->root = f->root;
	if (x.base != NULL) {
		/* the file's own name (also without .gz: what it was called when
		 * in use), and the unit a unit file defines */
		size_t bl = strlen(x.base);
		cx_scope_add(f->rd, f->root, ST_ENT_FILE, x.base, bl);
		static const char *const packed[] = {".gz", ".zst", ".bz2", ".xz", NULL};
		for (const char *const *z = packed; *z; z++)
			if (bl > strlen(*z) + 1 && cx_ends_n(x.base, bl, *z, strlen(*z)))
				cx_scope_add(f->rd, f->root, ST_ENT_FILE, x.base, bl - strlen(*z));
		struct st_entities es;
		es.n = 0;
		es.used = 0;
		cx_add_unit_name(&es, x.base, x.blen);
		for (unsigned i = 0; i < es.n; i++)
			cx_scope_add(f->rd, f->root, (enum st_entity_type)es.e[i].type, st_entity_value(&es, i),
			             es.e[i].len);
	}
	return (int)cx->nfiles++;
}

void
st_context_line(struct st_context *cx, int fi, uint32_t lineno, const char *s, size_t n)
{
	struct cx_file *f = &cx->files[fi];
	f->lines++;
	if (cx->npool >= ST_CONTEXT_BYTES_MAX) {
		f->dropped++;
		return;
	}
	size_t before = cx->nentries;
	f->rd->lineno = lineno;
	cx_read_line(f->rd, s, n);
	f->entries += cx->nentries - before;
}

/* ---- queries */

size_t
st_context_nfiles(const struct st_context *cx)
{
	return cx ? cx->nfiles : 0;
}

void
st_context_file_get(const struct st_context *cx, size_t i, struct st_context_file *out)
{
	const struct cx_file *f = &cx->files[i];
	out->source = f->src;
	out->dialect = (enum st_context_dialect)f->dialect;
	out->format = format_names[f->dialect];
	out->lines = f->lines;
	out->entries = f->entries;
	out->dropped = f->dropped;
}

bool
st_context_source(const struct st_context *cx, unsigned src, struct st_context_file *out)
{
	for (size_t i = 0; cx != NULL && i < cx->nfiles; i++)
		if (cx->files[i].src == src) {
			st_context_file_get(cx, i, out);
			return true;
		}
	return false;
}

size_t
st_context_count(const struct st_context *cx)
{
	return cx ? cx->nentries : 0;
}

void
st_context_get(const struct st_context *cx, size_t i, struct st_context_entry *out)
{
	const struct cx_entry *e = &cx->entries[i];
	const struct cx_scope *sc = &cx->scopes[e->scope];
	out->source = cx->files[e->file].src;
	out->line = e->line;
	out->block_line = sc->parent == CX_NONE ? 0 : sc->line;
	out->key = cx->pool + e->key_off;
	out->klen = e->key_len;
	out->value = cx->pool + e->val_off;
	out->vlen = e->val_len;
}

unsigned
st_context_entities(const struct st_context *cx, size_t i, struct st_entities *out)
{
	const struct cx_entry *e = &cx->entries[i];
	out->n = 0;
	out->used = 0;
	for (unsigned k = 0; k < e->nent; k++) {
		const struct cx_ent *x = &cx->ents[e->ent_first + k];
		st_entities_add(out, (enum st_entity_type)x->type, cx->pool + x->off, x->len);
	}
	unsigned own = out->n;
	for (uint32_t sc = e->scope; sc != CX_NONE; sc = cx->scopes[sc].parent)
		for (uint32_t k = cx->scopes[sc].ents; k != CX_NONE; k = cx->ents[k].next) {
			const struct cx_ent *x = &cx->ents[k];
			st_entities_add(out, (enum st_entity_type)x->type, cx->pool + x->off, x->len);
		}
	return own;
}

static bool
wanted(const struct st_context *cx, const struct cx_ent *x, const struct st_entities *want)
{
	for (unsigned i = 0; i < want->n; i++)
		if (ent_is(cx, x, want->e[i].type, st_entity_value(want, i), want->e[i].len))
			return true;
	return false;
}

#define FAR UINT32_MAX

struct sorted_hit {
	unsigned src;
	unsigned depth;
	size_t entry;
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct sorted_hit *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

size_t
st_context_lookup(const struct st_context *cx, const struct st_entities *want,
                  struct st_context_hit *hits, size_t max)
{
	if (cx == NULL || cx->nentries == 0 || (want != NULL && want->n == 0))
		return 0;
	/* how far each block is from one that names a wanted entity: blocks
	 * are created after their parents, so one pass in order settles it */
	uint32_t *dist = st_xmalloc(cx->nscopes * sizeof(*dist));
	for (size_t s = 0; s < cx->nscopes; s++) {
		const struct cx_scope *sc = &cx->scopes[s];
		bool mine = want == NULL;
		for (uint32_t k = sc->ents; k != CX_NONE && !mine; k = cx->ents[k].next)
			mine = wanted(cx, &cx->ents[k], want);
		if (mine)
			dist[s] = 1;
		else if (sc->parent == CX_NONE || dist[sc->parent] == FAR)
			dist[s] = FAR;
		else
			dist[s] = dist[sc->parent] + 1;
	}
	struct sorted_hit *found = st_xmalloc(cx->nentries * sizeof(*found));
	size_t nhits = 0;
	for (size_t i = 0; i < cx->nentries; i++) {
		const struct cx_entry *e = &cx->entries[i];
		uint32_t d = want == NULL ? 0 : dist[e->scope];
		for (unsigned k = 0; k < e->nent && d != 0; k++)
			if (wanted(cx, &cx->ents[e->ent_first + k], want))
				d = 0;
		if (d != FAR)
			found[nhits++] = (struct sorted_hit){cx->files[e->file].src, d, i};
	}
	free(dist);
	/* files are read side by side, so their entries interleave: give the
	 * hits file by file (in source order), each in line order */
	qsort(found, nhits, sizeof(*found), hit_cmp);
	for (size_t i = 0; i < nhits && i < max; i++)
		hits[i] = (struct st_context_hit){.entry = found[i].entry, .depth = found[i].depth};
	free(found);
	return nhits;
}

