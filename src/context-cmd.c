/*
 * context-cmd.c: `strata context SOURCE...`, the context index as text or
 * JSON lines (see strata/context-cmd.h). Entries come as the lookup
 * (st_context_lookup) gives them: file by file in source order, each in
 * line order; with --entity only those it finds. Not on the ingest path:
 * it runs once after the replay.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/context-cmd.h"
#include "strata/context.h"
#include "strata/util.h"

#define FLUSH_AT (64u << 10)

int
st_entity_parse(const char *s, struct st_entities *es)
{
	const char *colon = strchr(s, ':');
	if (colon == NULL || colon[1] == '\0')
		return ST_EINVAL;
	size_t tl = (size_t)(colon - s);
	for (int t = 0; t < ST_ENT_COUNT; t++) {
		const char *name = st_entity_type_name((enum st_entity_type)t);
		if (strlen(name) != tl || memcmp(name, s, tl) != 0)
			continue;
		char buf[256];
		size_t n = strlen(colon + 1);
		if (n >= sizeof(buf))
			return ST_EINVAL;
		for (size_t i = 0; i < n; i++) {
			char c = colon[1 + i];
			buf[i] = t == ST_ENT_HOST && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		return st_entities_add(es, (enum st_entity_type)t, buf, n) ? 0 : ST_EINVAL;
	}
	return ST_EINVAL;
}

static void
json_str(struct st_buf *b, const char *s, size_t n)
{
	st_buf_addc(b, '"');
	st_escape_json(b, s, n);
	st_buf_addc(b, '"');
}

static void
json_entities(struct st_buf *b, const struct st_entities *es, unsigned from, unsigned to)
{
	st_buf_addc(b, '[');
	for (unsigned i = from; i < to; i++) {
		if (i > from)
			st_buf_addc(b, ',');
		st_buf_addc(b, '"');
		st_buf_adds(b, st_entity_type_name((enum st_entity_type)es->e[i].type));
		st_buf_addc(b, ':');
		st_escape_json(b, st_entity_value(es, i), es->e[i].len);
		st_buf_addc(b, '"');
	}
	st_buf_addc(b, ']');
}

static void
text_entities(struct st_buf *b, const struct st_entities *es, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		if (i > from)
			st_buf_addc(b, ' ');
		st_buf_adds(b, st_entity_type_name((enum st_entity_type)es->e[i].type));
		st_buf_addc(b, ':');
		st_escape_text(b, st_entity_value(es, i), es->e[i].len, 0);
	}
}

static void
one_entry(struct st_buf *b, const struct st_context_opts *o, const struct st_run *r,
          const struct st_context *cx, size_t i, char **names, int depth)
{
	struct st_context_entry e;
	st_context_get(cx, i, &e);
	struct st_context_file f;
	st_context_source(cx, e.source, &f);
	struct st_entities es;
	unsigned own = st_context_entities(cx, i, &es);
	if (o->output == ST_OUT_JSON) {
		const char *name = st_store_source_name(r->store, e.source);
		const char *v;
		size_t vn;
		st_context_unquote(e.value, e.vlen, &v, &vn);
		st_buf_adds(b, "{\"source\":");
		json_str(b, name, strlen(name));
		st_buf_addf(b, ",\"line\":%u,\"format\":\"%s\",\"key\":", e.line, f.format);
		json_str(b, e.key, e.klen);
		st_buf_adds(b, ",\"value\":");
		json_str(b, v, vn);
		st_buf_adds(b, ",\"raw\":");
		json_str(b, e.value, e.vlen);
		st_buf_addf(b, ",\"block_line\":%u,\"entities\":", e.block_line);
		json_entities(b, &es, 0, own);
		st_buf_adds(b, ",\"block_entities\":");
		json_entities(b, &es, own, es.n);
		if (depth >= 0)
			st_buf_addf(b, ",\"depth\":%d", depth);
		st_buf_adds(b, "}\n");
		return;
	}
	st_escape_text(b, names[e.source], strlen(names[e.source]), 0);
	st_buf_addf(b, ":%u  ", e.line);
	st_escape_text(b, e.key, e.klen, 0);
	st_buf_adds(b, " = ");
	st_escape_text(b, e.value, e.vlen, 0);
	if (es.n > 0) {
		st_buf_adds(b, "  [");
		text_entities(b, &es, 0, own);
		if (own > 0 && own < es.n)
			st_buf_adds(b, " | ");
		else if (own == 0)
			st_buf_adds(b, "| ");
		text_entities(b, &es, own, es.n);
		st_buf_addc(b, ']');
	}
	st_buf_addc(b, '\n');
}

static int
flush(struct st_buf *b, FILE *out)
{
	if (b->len && fwrite(b->p, 1, b->len, out) != b->len)
		return -1;
	b->len = 0;
	return 0;
}

long
st_context_print(struct st_run *r, const struct st_context_opts *o, FILE *out)
{
	const struct st_context *cx = st_store_context_get(r->store);
	size_t n = st_context_count(cx);
	char **names = st_display_names(r->store);
	size_t nnames = st_store_nsources(r->store);
	bool filter = o->want != NULL && o->want->n > 0;
	struct st_context_hit *hits = st_xmalloc((n ? n : 1) * sizeof(*hits));
	n = st_context_lookup(cx, filter ? o->want : NULL, hits, n);
	struct st_buf b = {0};
	long printed = 0;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		one_entry(&b, o, r, cx, hits[k].entry, names, filter ? (int)hits[k].depth : -1);
		printed++;
		if (b.len >= FLUSH_AT)
			rc = flush(&b, out);
	}
	if (rc == 0)
		rc = flush(&b, out);
	if (fflush(out) != 0)
		rc = -1;
	st_buf_free(&b);
	free(hits);
	st_display_names_free(names, nnames);
	return rc < 0 ? -1 : printed;
}

const char *
st_context_format(const struct st_store *st, int src)
{
	struct st_context_file f;
	if (src < 0 || !st_context_source(st_store_context_get(st), (unsigned)src, &f))
		return NULL;
	return f.format;
}

void
st_context_stats(struct st_buf *b, const struct st_store *st, enum st_output output, char **names,
                 int w)
{
	const struct st_context *cx = st_store_context_get(st);
	size_t n = st_context_nfiles(cx);
	if (n == 0)
		return;
	/* in source order, as the sources table */
	size_t nsrc = st_store_nsources(st);
	if (output == ST_OUT_JSON)
		st_buf_adds(b, ",\"context\":[");
	else
		st_buf_addf(b, "\n%-*s  %-15s %10s %8s\n", w, "CONTEXT", "FORMAT", "ENTRIES", "DROPPED");
	bool first = true;
	for (size_t src = 0; src < nsrc; src++) {
		struct st_context_file f;
		if (!st_context_source(cx, (unsigned)src, &f))
			continue;
		if (output == ST_OUT_JSON) {
			const char *name = st_store_source_name(st, (unsigned)src);
			st_buf_adds(b, first ? "{\"source\":" : ",{\"source\":");
			json_str(b, name, strlen(name));
			st_buf_addf(b, ",\"format\":\"%s\",\"lines\":%llu,\"entries\":%zu,\"dropped\":%llu}",
			            f.format, (unsigned long long)f.lines, f.entries,
			            (unsigned long long)f.dropped);
		} else {
			st_buf_addf(b, "%-*s  %-15s %10zu %8llu\n", w, names[src], f.format, f.entries,
			            (unsigned long long)f.dropped);
		}
		first = false;
	}
	if (output == ST_OUT_JSON)
		st_buf_addc(b, ']');
}
