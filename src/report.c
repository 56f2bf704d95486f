/*
 * report.c: `strata report [-o FILE|json] [--since T] [--until T] SOURCE...`
 * (strata/report.h says what the report holds).
 *
 * Work: the hints are ranked once (st_hints_update); then one pass over the
 * store's time order finds, per source, the gaps in its evidence, and
 * collects the changes, the symptom and error lines and the bookmarked
 * lines of the window. Lines of one message (the same source and the same
 * text once its digits are masked) that follow each other within
 * FOLD_GAP_US make a burst, shown by its first and last line. The model
 * (struct report) is made once; the Markdown and JSON writers read it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/bookmarks.h"
#include "strata/classify.h"
#include "strata/context-cmd.h"
#include "strata/format.h"
#include "strata/hints.h"
#include "strata/report.h"
#include "strata/series.h"
#include "strata/util.h"

#define FOLD_GAP_US (600 * 1000000LL) /* a burst: repeats at most 10 min apart */
#define GAP_MIN_US (300 * 1000000LL)  /* a gap: at least 5 min without events ... */
#define GAP_FACTOR 10                 /* ... and 10 times the source's mean interval */
#define ENTRIES_MAX 100000            /* timeline entries kept (more are counted) */
#define TEXT_MAX 160                  /* characters of a quoted text in prose */
#define CELL_MAX 84                   /* ... in a table's text column (rows stay under 200) */
#define REF_MAX 40                    /* ... in a source:line reference */
#define TITLE_MAX 150                 /* the title, escaped */
#define WORD_MAX 150                  /* a word longer than this is split to wrap */
#define WRAP 100                      /* prose lines wrap here */
#define SPARK_MAX 60                  /* sparkline columns */
#define METRICS_MAX 20                /* series shown */
#define EVID_QUOTE_MAX 24             /* evidence lines quoted a hint */

enum ent_kind { EK_CHANGE, EK_SYMPTOM, EK_ERROR, EK_ANOMALY, EK_BOOKMARK, EK_SETTING, EK_CHECK };
static const char *const kind_names[] = {"change", "symptom", "error", "anomaly", "bookmark",
                                         "setting", "check"};

/* A line (or a burst of one message) of a section. */
struct entry {
	st_time ts, last_ts;    /* last_ts: the burst's last line */
	uint32_t seq, last_seq; /* ST_HINT_NOSEQ: an anomaly or bookmark without its line */
	uint32_t count;         /* lines in the burst */
	uint16_t source;
	uint8_t kind;
	uint32_t line, last_line;
	char *text;             /* the message (cleaned) */
	char *note;             /* a bookmark's note, or NULL */
	uint64_t key;           /* source and message shape */
};

struct entries {
	struct entry *v;
	size_t n, cap;
	size_t more;            /* not kept (ENTRIES_MAX) */
};

struct gapinfo {
	unsigned n;
	st_time longest_from;
	double longest_s;
	st_time prev;
	int64_t threshold;
};

struct rsource {
	const char *path, *name, *format, *error;
	bool context;
	struct st_ingest_stats stats;
	struct gapinfo gap;
};

struct rmetric {
	const struct st_series *s;
	const struct st_hint_effect *eff[4];
	size_t neff;
	bool rate;
};

struct report {
	struct st_run *r;
	const struct st_report_opts *o;
	struct st_hints *h;
	char **names;           /* display names */
	size_t nnames;
	st_time from, to;       /* the window */
	bool given;             /* ... from --since/--until */
	char *title;
	struct rsource *src;
	size_t nsrc;
	struct entries changes; /* folded */
	struct entries timeline;
	const struct st_hint **hints;   /* in the window */
	size_t nhints;
	const struct st_hint **unexpl;
	size_t nunexpl;
	const struct st_hint_effect **effs;
	size_t neffs;
	uint32_t *roles;        /* sorted: the lines of hints' causes and effects */
	size_t nroles;
	struct rmetric *metrics;
	size_t nmetrics, metrics_more;
	char *state_path;
	size_t nbookmarks, bookmarks_out; /* in the timeline; outside the window */
	struct st_buf scratch;
};

/* ---- text helpers */

/* Code points in s (bytes of invalid UTF-8 count one each). */
static size_t
cp_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* s cleaned to printable UTF-8 on one line (control bytes and invalid
 * UTF-8 as \xHH, tabs and newlines as spaces), cut to max code points
 * with "…" (0: no cut). malloc'd. */
static char *
clean(const char *s, size_t n, size_t max)
{
	struct st_buf b = {0};
	st_escape_text(&b, s, n, 1);
	for (size_t i = 0; i < b.len; i++)
		if (b.p[i] == '\t' || b.p[i] == '\n' || b.p[i] == '\r')
			b.p[i] = ' ';
	while (b.len && b.p[b.len - 1] == ' ')
		b.len--;
	if (max && cp_len(b.p, b.len) > max) {
		size_t k = 0, i = 0;
		for (; i < b.len; i++) {
			if (((unsigned char)b.p[i] & 0xc0) != 0x80 && ++k > max - 1)
				break;
		}
		b.len = i;
		st_buf_adds(&b, "…");
	}
	st_buf_addc(&b, '\0');
	return b.p;
}

static char *
cleans(const char *s, size_t max)
{
	return clean(s, strlen(s), max);
}

/* Inline Markdown text: CommonMark's punctuation escaped where it could
 * start markup (an underscore inside a word cannot, and stays bare). */
static void
md_text(struct st_buf *b, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		bool esc = strchr("\\`*[]<>|~&!#", c) != NULL;
		if (c == '_') {
			/* bare only between ASCII letters or digits: Unicode
			 * punctuation beside it could make it emphasis */
			bool wl = i > 0 && ((s[i - 1] >= '0' && s[i - 1] <= '9') ||
			                    ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z'));
			char nx = s[i + 1];
			bool wr = (nx >= '0' && nx <= '9') || ((nx | 0x20) >= 'a' && (nx | 0x20) <= 'z');
			esc = !(wl && wr);
		}
		if (esc)
			st_buf_addc(b, '\\');
		st_buf_addc(b, c);
	}
}

/* A code span of s (already clean): delimiters longer than any run of
 * backticks in it; in a table, '|' is written \| (GitHub's tables split
 * cells before code spans are read). */
static void
md_code(struct st_buf *b, const char *s, bool table)
{
	size_t run = 0, longest = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	size_t nd = longest + 1;
	for (size_t i = 0; i < nd; i++)
		st_buf_addc(b, '`');
	bool pad = s[0] == '`' || (s[0] && s[strlen(s) - 1] == '`') || s[0] == '\0';
	if (pad)
		st_buf_addc(b, ' ');
	for (const char *p = s; *p; p++) {
		if (table && *p == '|')
			st_buf_addc(b, '\\');
		st_buf_addc(b, *p);
	}
	if (pad)
		st_buf_addc(b, ' ');
	for (size_t i = 0; i < nd; i++)
		st_buf_addc(b, '`');
}

static void
md_code_cut(struct st_buf *b, const char *s, size_t max, bool table)
{
	char *c = cleans(s, max);
	size_t pipes = 0;
	for (const char *p = c; table && *p; p++)
		pipes += *p == '|';
	if (pipes && cp_len(c, strlen(c)) + pipes > max) { /* a \| takes two */
		free(c);
		c = cleans(s, max > pipes + 8 ? max - pipes : 8);
	}
	md_code(b, c, table);
	free(c);
}

/* Could a line that starts with this word open a block (a list item, a
 * heading, a quote, a fence, a table row, a thematic break)? */
static bool
block_start(const char *w, size_t n)
{
	if (n == 0)
		return false;
	if (strchr("-+*#>=~|_`", w[0]))
		return true;
	size_t d = 0;
	while (d < n && w[d] >= '0' && w[d] <= '9')
		d++;
	return d > 0 && d < n && (w[d] == '.' || w[d] == ')');
}

/* Write paragraph text p (one line of Markdown) wrapped at WRAP columns at
 * spaces; the first line starts with first, the others with indent. */
static void
wrap_out(struct st_buf *out, const char *first, const char *indent, const char *p, size_t n)
{
	size_t ind = cp_len(indent, strlen(indent));
	st_buf_adds(out, first);
	size_t col = cp_len(first, strlen(first));
	bool fresh = true; /* nothing on this line yet */
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != ' ')
			j++;
		size_t w = cp_len(p + i, j - i);
		bool split = false;
		if (w > WORD_MAX) {
			/* a long token (a URL, a path): split it where the rest
			 * cannot open a block and no escape is cut in two */
			size_t k = 0;
			for (size_t e = i + 1; e < j; e++) {
				if (((unsigned char)p[e] & 0xc0) == 0x80)
					continue;
				if (++k >= WORD_MAX / 2 && p[e - 1] != '\\' && !block_start(p + e, j - e)) {
					j = e;
					split = true;
					break;
				}
			}
			w = cp_len(p + i, j - i);
		}
		if (!fresh && col + 1 + w > WRAP && !block_start(p + i, j - i)) {
			st_buf_addc(out, '\n');
			st_buf_adds(out, indent);
			col = ind;
			fresh = true;
		}
		if (!fresh) {
			st_buf_addc(out, ' ');
			col++;
		}
		st_buf_add(out, p + i, j - i);
		col += w;
		fresh = false;
		i = j;
		if (split) { /* the rest of the word goes on the next line */
			st_buf_addc(out, '\n');
			st_buf_adds(out, indent);
			col = ind;
			fresh = true;
			continue;
		}
		while (i < n && p[i] == ' ')
			i++;
	}
	st_buf_addc(out, '\n');
}

static void
wrap_buf(struct st_buf *out, const char *first, const char *indent, struct st_buf *p)
{
	wrap_out(out, first, indent, p->p ? p->p : "", p->len);
	p->len = 0;
}

/* A paragraph of our own prose (no markup to escape), wrapped. */
static void
para(struct st_buf *out, const char *text)
{
	wrap_out(out, "", "", text, strlen(text));
	st_buf_addc(out, '\n');
}

static void
add_time(struct st_buf *b, st_time t)
{
	if (t == ST_TIME_NONE) {
		st_buf_adds(b, "(no time)");
		return;
	}
	char s[32];
	size_t n = st_format_time(t, t % 1000000 ? 3 : 0, s);
	if (n > 10)
		s[10] = ' ';
	st_buf_add(b, s, n);
}

static void
json_time(struct st_buf *b, st_time t)
{
	if (t == ST_TIME_NONE) {
		st_buf_adds(b, "null");
		return;
	}
	char s[32];
	size_t n = st_format_time(t, t % 1000000 ? 3 : 0, s);
	st_buf_addc(b, '"');
	st_buf_add(b, s, n);
	st_buf_addc(b, '"');
}

static void
json_str(struct st_buf *b, const char *s)
{
	if (s == NULL) {
		st_buf_adds(b, "null");
		return;
	}
	st_buf_addc(b, '"');
	st_escape_json(b, s, strlen(s));
	st_buf_addc(b, '"');
}

static void
json_num(struct st_buf *b, double v)
{
	if (isfinite(v))
		st_buf_addf(b, "%.6g", v);
	else
		st_buf_adds(b, "null");
}

/* ---- a table: cells are Markdown, padded to their column's width */

struct table {
	size_t ncol;
	const char *const *head;
	const char *align;      /* per column: 'l' or 'r' */
	char **cell;            /* row-major, the header not among them */
	size_t n, cap;
};

/* The next cell, from b (emptied). */
static void
table_add(struct table *t, struct st_buf *b)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cell = st_xreallocarray(t->cell, t->cap, sizeof(*t->cell));
	}
	t->cell[t->n++] = st_xstrndup(b->p ? b->p : "", b->len);
	b->len = 0;
}

static void
table_adds(struct table *t, const char *s)
{
	struct st_buf b = {0};
	st_buf_adds(&b, s);
	table_add(t, &b);
	st_buf_free(&b);
}

static void
pad(struct st_buf *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		st_buf_addc(out, ' ');
}

static void
table_out(struct st_buf *out, struct table *t)
{
	size_t nrow = t->n / t->ncol;
	size_t *w = st_xcalloc(t->ncol, sizeof(*w));
	for (size_t c = 0; c < t->ncol; c++) {
		w[c] = ST_MAX(3, cp_len(t->head[c], strlen(t->head[c])));
		for (size_t r = 0; r < nrow; r++) {
			const char *s = t->cell[r * t->ncol + c];
			w[c] = ST_MAX(w[c], cp_len(s, strlen(s)));
		}
	}
	for (size_t r = 0; r < nrow + 2; r++) {
		st_buf_addc(out, '|');
		for (size_t c = 0; c < t->ncol; c++) {
			st_buf_addc(out, ' ');
			if (r == 1) {
				for (size_t i = 0; i + 1 < w[c]; i++)
					st_buf_addc(out, '-');
				st_buf_addc(out, t->align[c] == 'r' ? ':' : '-');
			} else {
				const char *s = r == 0 ? t->head[c] : t->cell[(r - 2) * t->ncol + c];
				size_t k = cp_len(s, strlen(s));
				if (t->align[c] == 'r')
					pad(out, w[c] - k);
				st_buf_adds(out, s);
				if (t->align[c] != 'r')
					pad(out, w[c] - k);
			}
			st_buf_adds(out, " |");
		}
		st_buf_addc(out, '\n');
	}
	st_buf_addc(out, '\n');
	for (size_t i = 0; i < t->n; i++)
		free(t->cell[i]);
	free(t->cell);
	free(w);
	t->cell = NULL;
	t->n = t->cap = 0;
}

/* ---- folding lines into bursts */

struct foldmap {
	uint64_t *k;
	uint32_t *v;            /* entry index */
	size_t cap, n;
};

static uint32_t *
fold_slot(struct foldmap *m, uint64_t key)
{
	if (m->n * 2 >= m->cap) {
		struct foldmap g = {.cap = m->cap ? m->cap * 2 : 256};
		g.k = st_xcalloc(g.cap, sizeof(*g.k));
		g.v = st_xcalloc(g.cap, sizeof(*g.v));
		for (size_t i = 0; i < m->cap; i++) {
			if (m->k[i] == 0)
				continue;
			size_t j = m->k[i] & (g.cap - 1);
			while (g.k[j])
				j = (j + 1) & (g.cap - 1);
			g.k[j] = m->k[i];
			g.v[j] = m->v[i];
		}
		g.n = m->n;
		free(m->k);
		free(m->v);
		*m = g;
	}
	size_t j = key & (m->cap - 1);
	while (m->k[j] && m->k[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (m->k[j] == 0) {
		m->k[j] = key;
		m->v[j] = UINT32_MAX;
		m->n++;
	}
	return &m->v[j];
}

/* The source and the message with its digits masked: lines of one message. */
static uint64_t
shape_key(unsigned src, uint8_t kind, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)src << 8 | kind);
	bool digit = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool d = c >= '0' && c <= '9';
		if (d && digit)
			continue;
		digit = d;
		h = (h ^ (d ? '#' : c)) * 1099511628211ull;
	}
	return h ? h : 1;
}

static struct entry *
entry_new(struct entries *E)
{
	if (E->n == E->cap) {
		E->cap = E->cap ? E->cap * 2 : 64;
		E->v = st_xreallocarray(E->v, E->cap, sizeof(*E->v));
	}
	struct entry *e = &E->v[E->n++];
	memset(e, 0, sizeof(*e));
	e->seq = e->last_seq = ST_HINT_NOSEQ;
	e->count = 1;
	return e;
}

/* Add event ev (its message in msg) to E, folded into the open burst of
 * its message when there is one. */
static void
fold_add(struct entries *E, struct foldmap *m, const struct st_event *ev, uint8_t kind,
         const struct st_buf *msg)
{
	uint64_t key = shape_key(ev->source, kind, msg->p ? msg->p : "", msg->len);
	uint32_t *slot = fold_slot(m, key);
	if (*slot != UINT32_MAX) {
		struct entry *e = &E->v[*slot];
		if (ev->ts - e->last_ts <= FOLD_GAP_US) {
			e->last_ts = ev->ts;
			e->last_seq = ev->seq;
			e->last_line = ev->line;
			e->count++;
			return;
		}
	}
	if (E->n >= ENTRIES_MAX) {
		E->more++;
		return;
	}
	struct entry *e = entry_new(E);
	e->ts = e->last_ts = ev->ts;
	e->seq = e->last_seq = ev->seq;
	e->line = e->last_line = ev->line;
	e->source = ev->source;
	e->kind = kind;
	e->key = key;
	*slot = (uint32_t)(E->n - 1);
}

static void
entries_free(struct entries *E)
{
	for (size_t i = 0; i < E->n; i++) {
		free(E->v[i].text);
		free(E->v[i].note);
	}
	free(E->v);
}

/* The message of event seq, cleaned and cut to max. malloc'd. */
static char *
seq_text(struct report *R, uint32_t seq, size_t max)
{
	struct st_event ev;
	st_store_get(R->r->store, seq, &ev);
	R->scratch.len = 0;
	st_event_message(R->r->store, &ev, &R->scratch);
	if (R->scratch.len == 0) /* a format without a message: the line */
		st_buf_add(&R->scratch, ev.text, ev.len);
	return clean(R->scratch.p, R->scratch.len, max);
}

/* The whole first line of event seq, cleaned (for quoting). malloc'd. */
static char *
seq_line(struct report *R, uint32_t seq)
{
	struct st_event ev;
	st_store_get(R->r->store, seq, &ev);
	const char *nl = memchr(ev.text, '\n', ev.len);
	size_t n = nl ? (size_t)(nl - ev.text) : ev.len;
	if (n && ev.text[n - 1] == '\r')
		n--;
	return clean(ev.text, n, 0);
}

/* ---- the model */

static bool
in_window(const struct report *R, st_time t)
{
	return t != ST_TIME_NONE && t >= R->from && t <= R->to;
}

static void
sources_init(struct report *R)
{
	struct st_run *r = R->r;
	size_t n = st_sources_count(r->sources);
	R->src = st_xcalloc(n ? n : 1, sizeof(*R->src));
	R->nsrc = n;
	for (size_t i = 0; i < n; i++) {
		struct st_source_info si;
		st_sources_info(r->sources, i, &si);
		struct rsource *s = &R->src[i];
		s->path = si.path;
		s->error = si.error;
		s->name = si.id >= 0 && (size_t)si.id < R->nnames ? R->names[si.id] : si.path;
		const char *cx = si.id >= 0 ? st_context_format(r->store, (unsigned)si.id) : NULL;
		s->context = cx != NULL;
		s->format = cx ? cx
		               : si.format >= 0 && (size_t)si.format < st_format_count()
		                     ? st_format_get((size_t)si.format)->name
		                     : "none";
		if (si.stats)
			s->stats = *si.stats;
		st_time span = s->stats.timed > 1 ? s->stats.last - s->stats.first : 0;
		int64_t mean = s->stats.timed > 1 ? span / (int64_t)(s->stats.timed - 1) : 0;
		s->gap.threshold = ST_MAX(GAP_MIN_US, mean * GAP_FACTOR);
		s->gap.prev = ST_TIME_NONE;
		s->gap.longest_from = ST_TIME_NONE;
	}
}

/* The rsource of store source src, or NULL. */
static struct rsource *
rsource_of(struct report *R, unsigned src)
{
	for (size_t i = 0; i < R->nsrc; i++) {
		struct st_source_info si;
		st_sources_info(R->r->sources, i, &si);
		if (si.id == (int)src)
			return &R->src[i];
	}
	return NULL;
}

struct wanted {            /* a bookmark looked for in the pass */
	unsigned source;
	uint32_t line;
	size_t bm;
	uint32_t seq;
};

/* One pass over the time order: gaps, changes, symptoms and errors,
 * bookmarked lines. */
static void
scan(struct report *R, struct wanted *want, size_t nwant)
{
	struct st_store *st = R->r->store;
	size_t n;
	const uint32_t *order = st_store_order(st, &n);
	size_t ns = st_store_nsources(st);
	struct rsource **by_src = st_xcalloc(ns ? ns : 1, sizeof(*by_src));
	bool *marked = st_xcalloc(ns ? ns : 1, sizeof(*marked));
	for (size_t i = 0; i < ns; i++)
		by_src[i] = rsource_of(R, (unsigned)i);
	for (size_t i = 0; i < nwant; i++)
		if (want[i].source < ns)
			marked[want[i].source] = true;
	struct foldmap fc = {0}, ft = {0};
	struct st_buf msg = {0};
	for (size_t k = 0; k < n; k++) {
		struct st_event ev;
		st_store_get(st, order[k], &ev);
		if (ev.source < ns && marked[ev.source])
			for (size_t i = 0; i < nwant; i++)
				if (want[i].source == ev.source && want[i].line == ev.line)
					want[i].seq = ev.seq;
		if (ev.ts == ST_TIME_NONE)
			continue;
		struct rsource *s = ev.source < ns ? by_src[ev.source] : NULL;
		if (s) {
			struct gapinfo *g = &s->gap;
			if (g->prev != ST_TIME_NONE && ev.ts - g->prev >= g->threshold) {
				g->n++;
				double d = (double)(ev.ts - g->prev) / 1e6;
				if (d > g->longest_s) {
					g->longest_s = d;
					g->longest_from = g->prev;
				}
			}
			g->prev = ev.ts;
		}
		if (ev.ts < R->from || ev.ts > R->to || ev.kind == ST_KIND_METRIC)
			continue;
		struct st_symptom sy;
		int kind = -1;
		if (ev.kind == ST_KIND_CHANGE)
			kind = EK_CHANGE;
		else if (st_notes_symptom(R->r->notes, ev.seq, &sy))
			kind = EK_SYMPTOM;
		else if (ev.level >= ST_LVL_ERROR)
			kind = EK_ERROR;
		if (kind < 0)
			continue;
		msg.len = 0;
		st_event_message(st, &ev, &msg);
		if (kind == EK_CHANGE)
			fold_add(&R->changes, &fc, &ev, EK_CHANGE, &msg);
		fold_add(&R->timeline, &ft, &ev, (uint8_t)kind, &msg);
	}
	st_buf_free(&msg);
	free(fc.k);
	free(fc.v);
	free(ft.k);
	free(ft.v);
	free(by_src);
	free(marked);
}

static void
bookmarks_add(struct report *R, const struct st_bookmarks *bm, struct wanted *want, size_t nwant)
{
	for (size_t i = 0; i < nwant; i++) {
		const struct st_bookmark *b = &bm->v[want[i].bm];
		st_time ts = b->ts;
		if (want[i].seq != ST_HINT_NOSEQ)
			ts = st_store_ts(R->r->store, want[i].seq);
		if (!in_window(R, ts)) {
			R->bookmarks_out++;
			continue;
		}
		struct entry *e = entry_new(&R->timeline);
		e->kind = EK_BOOKMARK;
		e->ts = e->last_ts = ts;
		e->seq = e->last_seq = want[i].seq;
		e->source = (uint16_t)want[i].source;
		e->line = e->last_line = want[i].line;
		e->note = cleans(b->note, TEXT_MAX);
		if (want[i].seq == ST_HINT_NOSEQ)
			e->text = cleans("(the line is no longer in the source)", 0);
		R->nbookmarks++;
	}
}

/* The bookmarks of the run's state file whose sources are among the
 * run's: what the pass must find. */
static struct wanted *
bookmarks_load(struct report *R, struct st_bookmarks *bm, size_t *nwant)
{
	*nwant = 0;
	R->state_path = st_state_path(R->o->state, R->o->sources, R->o->nsources);
	char err[256] = "";
	int rc = st_bookmarks_load(R->state_path, bm, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "strata: %s: %s%s\n", R->state_path, err[0] ? err : st_strerror(rc),
		        bm->n ? " (the other bookmarks are in the report)" : "; no bookmarks in the report");
	if (bm->n == 0)
		return NULL;
	size_t ns = st_store_nsources(R->r->store);
	char **keys = st_xcalloc(ns ? ns : 1, sizeof(*keys));
	for (size_t i = 0; i < ns; i++)
		keys[i] = st_bookmark_source_key(st_store_source_name(R->r->store, (unsigned)i));
	struct wanted *w = st_xcalloc(bm->n, sizeof(*w));
	for (size_t i = 0; i < bm->n; i++) {
		for (size_t j = 0; j < ns; j++) {
			if (strcmp(keys[j], bm->v[i].source) == 0) {
				w[*nwant] = (struct wanted){.source = (unsigned)j, .line = bm->v[i].line,
				                            .bm = i, .seq = ST_HINT_NOSEQ};
				(*nwant)++;
				break;
			}
		}
	}
	R->bookmarks_out = bm->n - *nwant; /* on sources not given */
	for (size_t i = 0; i < ns; i++)
		free(keys[i]);
	free(keys);
	return w;
}

static bool
on_timeline(const struct report *R, size_t n, uint32_t seq)
{
	for (size_t k = 0; k < n && seq != ST_HINT_NOSEQ; k++) {
		const struct entry *e = &R->timeline.v[k];
		if (e->seq == seq || e->last_seq == seq)
			return true;
	}
	return false;
}

/* The causes of the hints whose lines are not on the timeline (a setting
 * read from a Started line, a health check that passed) join it; so do
 * the anomalies not on a line of it (a metric series, the numbers of a
 * message), at their onset. */
static void
anomalies_add(struct report *R)
{
	size_t n0 = R->timeline.n;
	for (size_t i = 0; i < R->nhints; i++) {
		const struct st_hint_ref *c = &R->hints[i]->cause;
		if (c->seq == ST_HINT_NOSEQ || !in_window(R, c->ts) || on_timeline(R, n0, c->seq) ||
		    R->timeline.n >= ENTRIES_MAX)
			continue;
		const char *k = R->hints[i]->cause_kind ? R->hints[i]->cause_kind : "";
		struct entry *e = entry_new(&R->timeline);
		e->kind = strcmp(k, "setting") == 0 ? EK_SETTING : strcmp(k, "check") == 0 ? EK_CHECK
		                                                                           : EK_CHANGE;
		e->seq = e->last_seq = c->seq;
		e->ts = e->last_ts = c->ts;
		e->source = (uint16_t)c->source;
		e->line = e->last_line = c->line;
	}
	for (size_t i = 0; i < R->neffs; i++) {
		const struct st_hint_effect *f = R->effs[i];
		if (on_timeline(R, n0, f->seq) || R->timeline.n >= ENTRIES_MAX)
			continue;
		struct entry *e = entry_new(&R->timeline);
		e->kind = EK_ANOMALY;
		e->seq = e->last_seq = f->seq; /* its text is the anomaly's, not the line's */
		e->ts = e->last_ts = f->at;
		e->source = (uint16_t)f->source;
		e->line = e->last_line = f->line;
		e->text = cleans(f->text, TEXT_MAX);
	}
}

/* A timeline row: an entry's first line, or its last (a burst's). */
struct row {
	st_time ts;
	uint32_t seq;
	size_t entry;
	bool last;
};

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (int)x->last - (int)y->last;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Is seq the line of a hint's cause or of an effect a hint explains? */
static bool
hinted(const struct report *R, uint32_t seq)
{
	return seq != ST_HINT_NOSEQ &&
	       bsearch(&seq, R->roles, R->nroles, sizeof(*R->roles), cmp_u32) != NULL;
}

static void
roles_init(struct report *R)
{
	R->roles = st_xmalloc((R->nhints + R->neffs + 1) * sizeof(*R->roles));
	for (size_t i = 0; i < R->nhints; i++)
		if (R->hints[i]->cause.seq != ST_HINT_NOSEQ)
			R->roles[R->nroles++] = R->hints[i]->cause.seq;
	for (size_t i = 0; i < R->neffs; i++)
		if (R->effs[i]->hint && R->effs[i]->seq != ST_HINT_NOSEQ)
			R->roles[R->nroles++] = R->effs[i]->seq;
	qsort(R->roles, R->nroles, sizeof(*R->roles), cmp_u32);
}

struct pick {
	uint8_t prio;
	st_time ts;
	size_t entry;
};

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* The timeline's rows in time order: all of them, or when there are more
 * than ST_REPORT_ROWS, the entries that tell most (a burst keeps both its
 * rows): the hints' lines, bookmarks, anomalies, settings and checks;
 * then changes; then symptoms; then error lines; earliest first within
 * each. *more: the rows left out. */
static struct row *
timeline_rows(const struct report *R, size_t *nrows, size_t *more)
{
	const struct entries *E = &R->timeline;
	struct pick *pk = st_xcalloc(E->n + 1, sizeof(*pk));
	size_t all = 0;
	for (size_t i = 0; i < E->n; i++) {
		const struct entry *e = &E->v[i];
		uint8_t prio = e->kind == EK_CHANGE ? 1 : e->kind == EK_SYMPTOM ? 2
		             : e->kind == EK_ERROR  ? 3 : 0;
		if (hinted(R, e->seq) || (e->count > 1 && hinted(R, e->last_seq)))
			prio = 0;
		pk[i] = (struct pick){prio, e->ts, i};
		all += e->count > 1 ? 2 : 1;
	}
	size_t npk = E->n;
	if (all > ST_REPORT_ROWS)
		qsort(pk, npk, sizeof(*pk), cmp_pick);
	struct row *rows = st_xcalloc(ST_MIN(all, (size_t)ST_REPORT_ROWS) + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t k = 0; k < npk; k++) {
		const struct entry *e = &E->v[pk[k].entry];
		size_t need = e->count > 1 ? 2 : 1;
		if (n + need > ST_REPORT_ROWS)
			break;
		rows[n++] = (struct row){e->ts, e->seq, pk[k].entry, false};
		if (e->count > 1)
			rows[n++] = (struct row){e->last_ts, e->last_seq, pk[k].entry, true};
	}
	free(pk);
	qsort(rows, n, sizeof(*rows), cmp_row);
	*more = E->more + (all - n);
	*nrows = n;
	return rows;
}

static void
metrics_init(struct report *R)
{
	const struct st_series_set *set = st_hints_series(R->h);
	R->metrics = st_xcalloc(R->neffs ? R->neffs : 1, sizeof(*R->metrics));
	for (size_t i = 0; i < R->neffs; i++) {
		const struct st_hint_effect *f = R->effs[i];
		if (f->metric == NULL)
			continue;
		const struct st_series *s =
			st_series_find(set, f->source, f->metric, f->labels ? f->labels : "");
		if (s == NULL || s->npoints == 0)
			continue;
		struct rmetric *m = NULL;
		for (size_t k = 0; k < R->nmetrics; k++)
			if (R->metrics[k].s == s)
				m = &R->metrics[k];
		if (m == NULL) {
			if (R->nmetrics == METRICS_MAX) {
				R->metrics_more++;
				continue;
			}
			m = &R->metrics[R->nmetrics++];
			m->s = s;
			m->rate = s->cumulative && s->npoints > 2; /* else its values say more */
		}
		if (m->neff < ST_ARRAY_LEN(m->eff))
			m->eff[m->neff++] = f;
	}
}

static void
hints_init(struct report *R)
{
	struct st_hints *h = R->h;
	size_t n = st_hints_count(h), nu = st_hints_unexplained_count(h), ne = st_hints_effect_count(h);
	R->hints = st_xcalloc(n ? n : 1, sizeof(*R->hints));
	R->unexpl = st_xcalloc(nu ? nu : 1, sizeof(*R->unexpl));
	R->effs = st_xcalloc(ne ? ne : 1, sizeof(*R->effs));
	for (size_t i = 0; i < n; i++)
		if (in_window(R, st_hints_get(h, i)->effect.ts))
			R->hints[R->nhints++] = st_hints_get(h, i);
	for (size_t i = 0; i < nu; i++)
		if (in_window(R, st_hints_unexplained(h, i)->effect.ts))
			R->unexpl[R->nunexpl++] = st_hints_unexplained(h, i);
	for (size_t i = 0; i < ne; i++)
		if (in_window(R, st_hints_effect(h, i)->at))
			R->effs[R->neffs++] = st_hints_effect(h, i);
}

static void
title_init(struct report *R)
{
	struct st_buf b = {0};
	if (R->nhints) {
		st_buf_adds(&b, R->hints[0]->effect.text);
	} else if (R->neffs) {
		st_buf_adds(&b, R->effs[0]->text);
	} else {
		st_buf_addf(&b, "%zu source%s, no symptom found", R->nsrc, R->nsrc == 1 ? "" : "s");
	}
	st_buf_addc(&b, '\0');
	R->title = cleans(b.p, 100);
	st_buf_free(&b);
}

static void
window_init(struct report *R)
{
	st_time lo = ST_TIME_NONE, hi = ST_TIME_NONE;
	for (size_t i = 0; i < R->nsrc; i++) {
		const struct st_ingest_stats *s = &R->src[i].stats;
		if (s->timed == 0 || s->first == ST_TIME_NONE)
			continue;
		if (lo == ST_TIME_NONE || s->first < lo)
			lo = s->first;
		if (hi == ST_TIME_NONE || s->last > hi)
			hi = s->last;
	}
	R->given = R->o->since != ST_TIME_NONE || R->o->until != ST_TIME_NONE;
	R->from = R->o->since != ST_TIME_NONE ? R->o->since : lo;
	R->to = R->o->until != ST_TIME_NONE ? R->o->until : hi;
	if (R->from == ST_TIME_NONE)
		R->from = INT64_MIN + 1;
	if (R->to == ST_TIME_NONE)
		R->to = INT64_MAX;
}

/* ---- reasoning: the parts of a hint's score in words */

static const char *
degree(double v, const char *hi, const char *mid, const char *lo)
{
	return v >= 0.6 ? hi : v >= 0.3 ? mid : lo;
}

/* The sentences of why hint x ranks as it does, each ending in ". ". */
static void
reasoning(struct st_buf *b, const struct st_hint *x)
{
	const struct st_hint_why *w = &x->why;
	bool check = x->cause_kind && strcmp(x->cause_kind, "check") == 0;
	bool setting = x->cause_kind && strcmp(x->cause_kind, "setting") == 0;
	st_buf_adds(b, "Timing: ");
	if (check) {
		st_buf_adds(b, "the check passed ");
		st_human_dur(x->lag_s, b);
		st_buf_adds(b, x->lag_s >= 0 ? " before the failure" : " after the failure");
	} else if (!isfinite(x->lag_s)) {
		st_buf_adds(b, "a setting, in force all along");
	} else if (setting && x->lag_s < 0) {
		st_buf_adds(b, "the line that shows the setting came later; it was in force before");
	} else if (w->within) {
		st_buf_adds(b, "the change falls inside the interval in which the effect began (one series "
		               "point covers both)");
	} else if (w->first_run) {
		st_buf_adds(b, "the effect came at the first activity of its source after the change (");
		st_human_dur(x->lag_s, b);
		st_buf_adds(b, " later)");
	} else if (x->lag_s > 1) {
		st_buf_adds(b, "the effect began ");
		st_human_dur(x->lag_s, b);
		st_buf_adds(b, " after it");
	} else {
		st_buf_adds(b, "the effect began at once");
	}
	st_buf_addf(b, " (%.2f). ", w->time);
	st_buf_addf(b, "Names: they %s (%.2f). ",
	            degree(w->entities, "name the same rare things", "share some names",
	                   "share little by name"),
	            w->entities);
	if (check)
		st_buf_addf(b, "Kind: a check that reports its dependencies fine %s a failure of type "
		               "%s (%.2f). ",
		            degree(w->fit, "is contradicted by", "may be contradicted by",
		                   "is hardly contradicted by"),
		            x->effect_type ? x->effect_type : "?", w->fit);
	else
		st_buf_addf(b, "Kind: a %s of this kind %s a symptom of type %s (%.2f). ",
		            x->cause_kind ? x->cause_kind : "cause",
		            degree(w->fit, "often causes", "can cause", "rarely causes"),
		            x->effect_type ? x->effect_type : "?", w->fit);
	st_buf_addf(b, "Size: the effect is %s (%.2f). ",
	            degree(w->size, "large and sharp", "clear", "small"), w->size);
	if (w->routine)
		st_buf_addf(b, "The same change was made %u time%s before, which counts against it. ",
		            w->routine, w->routine == 1 ? "" : "s");
	if (w->incomplete)
		st_buf_adds(b, "The change never completed. ");
	if (w->rivals)
		st_buf_addf(b, "%u other candidate%s scored lower for this effect. ", w->rivals,
		            w->rivals == 1 ? "" : "s");
	else
		st_buf_adds(b, "No other candidate could explain this effect. ");
	if (w->effects > 1)
		st_buf_addf(b, "It explains %u effects in all (see What broke). ", w->effects);
}

/* ---- Markdown */

/* `name:line` (line 0: the name alone); a long name is cut on the left,
 * never the line number. */
static void
md_ref(struct st_buf *b, const struct report *R, unsigned src, uint32_t line, bool table)
{
	char num[16] = "";
	if (line)
		snprintf(num, sizeof(num), ":%u", line);
	char *name = cleans(src < R->nnames ? R->names[src] : "?", 0);
	size_t room = REF_MAX - strlen(num), nl = cp_len(name, strlen(name));
	struct st_buf t = {0};
	if (nl > room) {
		const char *q = name;
		for (size_t k = 0; k < nl - (room - 1); q++)
			k += ((unsigned char)q[1] & 0xc0) != 0x80;
		st_buf_adds(&t, "…");
		st_buf_adds(&t, q);
	} else {
		st_buf_adds(&t, name);
	}
	st_buf_adds(&t, num);
	st_buf_addc(&t, '\0');
	md_code(b, t.p, table);
	free(name);
	st_buf_free(&t);
}

static void
md_window(struct st_buf *b, const struct report *R)
{
	if (R->from == INT64_MIN + 1 && R->to == INT64_MAX) {
		st_buf_adds(b, "no event has a time");
		return;
	}
	add_time(b, R->from == INT64_MIN + 1 ? ST_TIME_NONE : R->from);
	st_buf_adds(b, " to ");
	add_time(b, R->to == INT64_MAX ? ST_TIME_NONE : R->to);
	if (R->from != INT64_MIN + 1 && R->to != INT64_MAX) {
		st_buf_adds(b, " (");
		st_human_dur((double)(R->to - R->from) / 1e6, b);
		st_buf_adds(b, ")");
	}
}

static void
md_head(struct st_buf *out, struct report *R)
{
	struct st_buf p = {0};
	st_buf_adds(out, "# Incident report (draft): ");
	struct st_buf t = {0};
	md_text(&t, R->title);
	for (size_t max = 100; cp_len(t.p, t.len) > TITLE_MAX && max > 20; max -= 10) {
		char *c = cleans(R->title, max);
		t.len = 0;
		md_text(&t, c);
		free(c);
	}
	st_buf_add(out, t.p, t.len);
	st_buf_free(&t);
	st_buf_adds(out, "\n\n");
	st_buf_adds(&p, "**Draft.** strata wrote this from the evidence alone. Every claim names the "
	                "lines it rests on: check them, then complete the human parts at the end.");
	wrap_buf(out, "> ", "> ", &p);
	st_buf_addc(out, '\n');
	uint64_t lines = 0, events = 0;
	for (size_t i = 0; i < R->nsrc; i++) {
		lines += R->src[i].stats.lines;
		events += R->src[i].stats.events;
	}
	st_buf_adds(&p, "**Window:** ");
	md_window(&p, R);
	if (R->given)
		st_buf_adds(&p, ", as given (--since/--until).");
	else if (R->from == INT64_MIN + 1)
		st_buf_adds(&p, ".");
	else
		st_buf_adds(&p, ", the span of the evidence.");
	wrap_buf(out, "- ", "  ", &p);
	st_buf_addf(&p, "**Evidence:** %zu source%s, %llu lines, %llu events.", R->nsrc,
	            R->nsrc == 1 ? "" : "s", (unsigned long long)lines, (unsigned long long)events);
	wrap_buf(out, "- ", "  ", &p);
	if (R->nhints) {
		const struct st_hint *x = R->hints[0];
		st_buf_adds(&p, "**Likely cause:** ");
		md_code_cut(&p, x->cause.text, TEXT_MAX, false);
		st_buf_addf(&p, " (%s confidence; see Likely causes).",
		            st_confidence_name(x->confidence));
	} else {
		st_buf_adds(&p, "**Likely cause:** none found: no change explains a symptom with at "
		                "least low confidence.");
	}
	wrap_buf(out, "- ", "  ", &p);
	if (R->neffs) {
		st_buf_adds(&p, "**First symptom:** ");
		md_code_cut(&p, R->effs[0]->text, TEXT_MAX, false);
		st_buf_adds(&p, " at ");
		add_time(&p, R->effs[0]->at);
		st_buf_adds(&p, ".");
		wrap_buf(out, "- ", "  ", &p);
	}
	st_buf_addc(out, '\n');
	st_buf_free(&p);
}

static void
md_sources(struct st_buf *out, struct report *R)
{
	st_buf_adds(out, "## Sources\n\n");
	static const char *const head[] = {"Path", "Format", "Lines", "Events", "First", "Last",
	                                   "Gaps"};
	struct table t = {.ncol = 7, .head = head, .align = "llrrllr"};
	struct st_buf c = {0}, p = {0}, g = {0};
	for (size_t i = 0; i < R->nsrc; i++) {
		const struct rsource *s = &R->src[i];
		char *path = cleans(s->path, 0);
		size_t pl = cp_len(path, strlen(path));
		if (pl > 70) { /* cut on the left: the file name tells most */
			const char *q = path;
			for (size_t k = 0; k < pl - 69; q++)
				k += ((unsigned char)q[1] & 0xc0) != 0x80;
			st_buf_adds(&c, "…");
			md_text(&c, q);
		} else {
			md_text(&c, path);
		}
		free(path);
		table_add(&t, &c);
		if (s->error) {
			st_buf_adds(&c, "unread: ");
			char *e = cleans(s->error, 40);
			md_text(&c, e);
			free(e);
		} else {
			md_text(&c, s->format);
		}
		table_add(&t, &c);
		st_buf_addf(&c, "%llu", (unsigned long long)s->stats.lines);
		table_add(&t, &c);
		if (s->context)
			st_buf_adds(&c, "(context)");
		else
			st_buf_addf(&c, "%llu", (unsigned long long)s->stats.events);
		table_add(&t, &c);
		bool timed = s->stats.timed > 0 && s->stats.first != ST_TIME_NONE;
		if (timed)
			add_time(&c, s->stats.first);
		else
			st_buf_adds(&c, "—");
		table_add(&t, &c);
		if (timed)
			add_time(&c, s->stats.last);
		else
			st_buf_adds(&c, "—");
		table_add(&t, &c);
		if (timed)
			st_buf_addf(&c, "%u", s->gap.n);
		else
			st_buf_adds(&c, "—");
		table_add(&t, &c);
		if (s->gap.n) {
			md_code_cut(&p, s->name, 60, false);
			st_buf_addf(&p, ": %u, the longest ", s->gap.n);
			st_human_dur(s->gap.longest_s, &p);
			st_buf_adds(&p, " from ");
			add_time(&p, s->gap.longest_from);
			st_buf_adds(&p, ".");
			wrap_buf(&g, "- ", "  ", &p);
		}
	}
	table_out(out, &t);
	para(out, "Sources are named by the end of their path elsewhere in the report (`events.log:21`). "
	          "A gap is a silence of at least 5 min and 10 times the source's mean interval "
	          "between events.");
	if (g.len) {
		st_buf_add(out, g.p, g.len);
		st_buf_addc(out, '\n');
	}
	st_buf_free(&c);
	st_buf_free(&p);
	st_buf_free(&g);
}

static void
md_changes(struct st_buf *out, struct report *R)
{
	para(out, "## What changed");
	const struct entries *E = &R->changes;
	if (E->n == 0) {
		para(out, "No change events in the window (deploys, ConfigMaps replaced, Ansible "
		          "changes, Terraform applies, leader elections).");
		return;
	}
	static const char *const head[] = {"Time", "Source", "Change"};
	struct table t = {.ncol = 3, .head = head, .align = "lll"};
	struct st_buf c = {0};
	size_t shown = ST_MIN(E->n, ST_REPORT_ROWS);
	for (size_t i = 0; i < shown; i++) {
		const struct entry *e = &E->v[i];
		add_time(&c, e->ts);
		table_add(&t, &c);
		md_ref(&c, R, e->source, e->line, true);
		table_add(&t, &c);
		char *s = seq_text(R, e->seq, CELL_MAX);
		md_code(&c, s, true);
		free(s);
		if (e->count > 1) {
			st_buf_addf(&c, " ×%u until ", e->count);
			add_time(&c, e->last_ts);
		}
		table_add(&t, &c);
	}
	table_out(out, &t);
	size_t more = E->n - shown + E->more;
	if (more)
		st_buf_addf(out, "%zu more not shown (`strata print` lists every event).\n\n", more);
	st_buf_free(&c);
}

static void
md_broke(struct st_buf *out, struct report *R)
{
	para(out, "## What broke");
	if (R->neffs == 0) {
		para(out, "No symptom or anomaly found in the window.");
		return;
	}
	static const char *const head[] = {"Onset", "Type", "Source", "What", "Explained by"};
	struct table t = {.ncol = 5, .head = head, .align = "lllll"};
	struct st_buf c = {0};
	size_t shown = ST_MIN(R->neffs, ST_REPORT_ROWS);
	for (size_t i = 0; i < shown; i++) {
		const struct st_hint_effect *f = R->effs[i];
		add_time(&c, f->at);
		table_add(&t, &c);
		md_text(&c, f->type);
		table_add(&t, &c);
		md_ref(&c, R, f->source, f->line, true);
		table_add(&t, &c);
		md_code_cut(&c, f->text, CELL_MAX, true);
		table_add(&t, &c);
		if (f->hint)
			st_buf_addf(&c, "cause %u", f->hint);
		else
			st_buf_adds(&c, "unexplained");
		table_add(&t, &c);
	}
	table_out(out, &t);
	if (R->neffs > shown)
		st_buf_addf(out, "%zu more not shown (`strata hints --unexplained` lists them).\n\n",
		            R->neffs - shown);
	st_buf_free(&c);
}

/* The longest run of backticks at the start of a line of s, plus one
 * (at least 3): a fence the text cannot close. */
static size_t
fence_len(const char *s, size_t have)
{
	size_t need = have;
	const char *p = s;
	while (*p) {
		size_t k = 0;
		while (p[k] == '`')
			k++;
		if (k + 1 > need)
			need = k + 1;
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return need;
}

static void
md_fenced(struct st_buf *out, const char *indent, const char *body)
{
	size_t fl = fence_len(body, 3);
	st_buf_adds(out, indent);
	for (size_t i = 0; i < fl; i++)
		st_buf_addc(out, '`');
	st_buf_adds(out, "text\n");
	for (const char *p = body; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		st_buf_adds(out, indent);
		st_buf_add(out, p, n);
		st_buf_addc(out, '\n');
		p += n + (nl != NULL);
	}
	st_buf_adds(out, indent);
	for (size_t i = 0; i < fl; i++)
		st_buf_addc(out, '`');
	st_buf_adds(out, "\n");
}

/* The evidence of hint x as quoted lines: the cause's and effect's own
 * lines first, then what each evidence line shows. */
static void
quote_evidence(struct st_buf *q, struct report *R, const struct st_hint *x)
{
	const struct st_hint_ref *refs[2] = {&x->cause, &x->effect};
	for (int i = 0; i < 2; i++) {
		if (!x->has_cause && i == 0)
			continue;
		if (refs[i]->seq == ST_HINT_NOSEQ)
			continue;
		char *l = seq_line(R, refs[i]->seq);
		char *n = cleans(st_store_source_name(R->r->store, refs[i]->source), 0);
		st_buf_addf(q, "%s:%u: %s\n", n, refs[i]->line, l);
		free(l);
		free(n);
	}
	for (size_t i = 0; i < x->nevidence && i < EVID_QUOTE_MAX; i++) {
		char *e = cleans(x->evidence[i], 0);
		st_buf_addf(q, "%s\n", e);
		free(e);
	}
}

static void
md_hint(struct st_buf *out, struct report *R, const struct st_hint *x)
{
	struct st_buf p = {0};
	char *ct = cleans(x->cause.text, 90);
	st_buf_addf(out, "### %u. ", x->rank);
	md_text(out, ct);
	st_buf_adds(out, "\n\n");
	free(ct);
	st_buf_addf(&p, "**Confidence:** %s (score %.2f).", st_confidence_name(x->confidence),
	            x->score);
	wrap_buf(out, "- ", "  ", &p);
	st_buf_addf(&p, "**Cause** (%s): ", x->cause_kind ? x->cause_kind : "cause");
	md_ref(&p, R, x->cause.source, x->cause.line, false);
	if (x->cause.ts != ST_TIME_NONE) {
		st_buf_adds(&p, " at ");
		add_time(&p, x->cause.ts);
	}
	st_buf_adds(&p, ": ");
	md_code_cut(&p, x->cause.text, TEXT_MAX, false);
	wrap_buf(out, "- ", "  ", &p);
	st_buf_addf(&p, "**Effect** (%s): ", x->effect_type ? x->effect_type : "symptom");
	md_ref(&p, R, x->effect.source, x->effect.line, false);
	st_buf_adds(&p, " from ");
	add_time(&p, x->effect.ts);
	st_buf_adds(&p, ": ");
	md_code_cut(&p, x->effect.text, TEXT_MAX, false);
	wrap_buf(out, "- ", "  ", &p);
	char *sum = cleans(x->summary, 0);
	st_buf_adds(&p, "**Summary:** ");
	md_text(&p, sum);
	free(sum);
	wrap_buf(out, "- ", "  ", &p);
	struct st_buf why = {0};
	reasoning(&why, x);
	st_buf_addc(&why, '\0');
	st_buf_adds(&p, "**Reasoning:** ");
	md_text(&p, why.p);
	while (p.len && p.p[p.len - 1] == ' ')
		p.len--;
	wrap_buf(out, "- ", "  ", &p);
	st_buf_free(&why);
	st_buf_adds(out, "\nEvidence:\n\n");
	struct st_buf q = {0};
	quote_evidence(&q, R, x);
	st_buf_addc(&q, '\0');
	md_fenced(out, "", q.p);
	if (x->nevidence > EVID_QUOTE_MAX)
		st_buf_addf(out, "\n%zu more evidence lines (`strata hints -o json`).\n",
		            x->nevidence - EVID_QUOTE_MAX);
	st_buf_addc(out, '\n');
	st_buf_free(&q);
	st_buf_free(&p);
}

static void
md_causes(struct st_buf *out, struct report *R)
{
	para(out, "## Likely causes");
	if (R->nhints == 0) {
		para(out, "No change explains a symptom in the window with at least low "
		          "confidence.");
		return;
	}
	para(out, "Ranked by score: how promptly the effect followed, the names they share, "
	          "how well the kind of change fits the kind of symptom, and the effect's "
	          "size. High confidence is a score of 0.75 or more, medium 0.5, low 0.3.");
	for (size_t i = 0; i < R->nhints; i++)
		md_hint(out, R, R->hints[i]);
}

static void
md_unexplained(struct st_buf *out, struct report *R)
{
	para(out, "## Unexplained symptoms");
	if (R->nunexpl == 0) {
		para(out, "None: every symptom found is explained by a likely cause above, or "
		          "none was found.");
		return;
	}
	struct st_buf p = {0};
	size_t shown = ST_MIN(R->nunexpl, ST_REPORT_ROWS);
	for (size_t i = 0; i < shown; i++) {
		const struct st_hint *x = R->unexpl[i];
		add_time(&p, x->effect.ts);
		st_buf_adds(&p, " ");
		md_ref(&p, R, x->effect.source, x->effect.line, false);
		st_buf_addf(&p, " (%s): ", x->effect_type ? x->effect_type : "symptom");
		md_code_cut(&p, x->effect.text, TEXT_MAX, false);
		wrap_buf(out, "- ", "  ", &p);
	}
	if (R->nunexpl > shown)
		st_buf_addf(out, "\n%zu more (`strata hints --unexplained`).\n", R->nunexpl - shown);
	st_buf_addc(out, '\n');
	st_buf_free(&p);
}

/* ---- metrics: a sparkline per series */

struct spark {
	char *line;             /* the sparkline (UTF-8) */
	char *marks;            /* under it: the onsets ('^', or 1 2 3 4) */
	size_t onset;           /* index of the first effect's onset point */
	double last_before, first_after, med_before, med_after, lo, hi;
	size_t nbefore, nafter;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of the finite values of v[0..n) (NaN when none); sorts a copy. */
static double
median(const double *v, size_t n, size_t *count)
{
	double *c = st_xmalloc((n ? n : 1) * sizeof(*c));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			c[k++] = v[i];
	*count = k;
	double m = NAN;
	if (k) {
		qsort(c, k, sizeof(*c), cmp_double);
		m = k % 2 ? c[k / 2] : (c[k / 2 - 1] + c[k / 2]) / 2;
	}
	free(c);
	return m;
}

static size_t
point_at(const struct st_series *s, st_time t)
{
	size_t i = 0;
	while (i + 1 < s->npoints && s->points[i].ts < t)
		i++;
	return i;
}

static void
spark_make(const struct rmetric *m, struct spark *sp)
{
	static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	const struct st_series *s = m->s;
	size_t n = s->npoints;
	double *v = st_xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = s->points[i].value;
		if (m->rate && !st_series_rate(s, i, &v[i]))
			v[i] = NAN;
	}
	size_t nb = n < SPARK_MAX ? n : SPARK_MAX;
	double *bv = st_xmalloc(nb * sizeof(*bv));
	sp->lo = INFINITY;
	sp->hi = -INFINITY;
	for (size_t b = 0; b < nb; b++) {
		size_t a = b * n / nb, z = (b + 1) * n / nb;
		double sum = 0;
		size_t k = 0;
		for (size_t i = a; i < z; i++)
			if (isfinite(v[i])) {
				sum += v[i];
				k++;
			}
		bv[b] = k ? sum / (double)k : NAN;
		if (k) {
			sp->lo = bv[b] < sp->lo ? bv[b] : sp->lo;
			sp->hi = bv[b] > sp->hi ? bv[b] : sp->hi;
		}
	}
	struct st_buf l = {0}, mk = {0};
	for (size_t b = 0; b < nb; b++) {
		if (!isfinite(bv[b])) {
			st_buf_adds(&l, "·");
			continue;
		}
		int lv = sp->hi > sp->lo ? (int)lround((bv[b] - sp->lo) / (sp->hi - sp->lo) * 7) : 3;
		st_buf_adds(&l, bars[lv < 0 ? 0 : lv > 7 ? 7 : lv]);
	}
	st_buf_addc(&l, '\0');
	char *marks = st_xmalloc(nb + 1);
	memset(marks, ' ', nb);
	marks[nb] = '\0';
	for (size_t e = 0; e < m->neff; e++) {
		size_t at = point_at(s, m->eff[e]->at);
		if (e == 0)
			sp->onset = at;
		size_t b = ((at + 1) * nb - 1) / n; /* the bucket that holds point at */
		marks[b] = m->neff == 1 ? '^' : (char)('1' + e);
	}
	size_t end = nb;
	while (end && marks[end - 1] == ' ')
		end--;
	st_buf_add(&mk, marks, end);
	st_buf_addc(&mk, '\0');
	free(marks);
	sp->line = l.p;
	sp->marks = mk.p;
	sp->last_before = NAN;
	for (size_t i = sp->onset; i-- > 0;)
		if (isfinite(v[i])) {
			sp->last_before = v[i];
			break;
		}
	sp->first_after = v[sp->onset];
	sp->med_before = median(v, sp->onset, &sp->nbefore);
	sp->med_after = median(v + sp->onset, n - sp->onset, &sp->nafter);
	if (!isfinite(sp->lo))
		sp->lo = sp->hi = NAN;
	free(v);
	free(bv);
}

static void
spark_free(struct spark *sp)
{
	free(sp->line);
	free(sp->marks);
}

/* "before: last 3.25M, median 2.91M (5 points)", "after: ...", "range: ..." */
static void
spark_values(struct st_buf *q, const struct spark *sp)
{
	if (sp->nbefore == 0) {
		st_buf_adds(q, "before: no value before the onset");
	} else {
		st_buf_adds(q, "before: last ");
		st_human_num(sp->last_before, q);
		st_buf_adds(q, ", median ");
		st_human_num(sp->med_before, q);
		st_buf_addf(q, " (%zu point%s)", sp->nbefore, sp->nbefore == 1 ? "" : "s");
	}
	st_buf_adds(q, "\nafter:  first ");
	st_human_num(sp->first_after, q);
	if (sp->nafter == 0) {
		st_buf_adds(q, ", no value after it");
	} else {
		st_buf_adds(q, ", median ");
		st_human_num(sp->med_after, q);
		st_buf_addf(q, " (%zu point%s)", sp->nafter, sp->nafter == 1 ? "" : "s");
	}
	if (isfinite(sp->lo)) {
		st_buf_adds(q, "\nrange:  ");
		st_human_num(sp->lo, q);
		st_buf_adds(q, " to ");
		st_human_num(sp->hi, q);
	}
}

static void
series_name(struct st_buf *b, const struct st_series *s, bool rate)
{
	st_buf_adds(b, s->name);
	if (s->labels[0])
		st_buf_addf(b, "{%s}", s->labels);
	if (rate)
		st_buf_adds(b, " (rate /s)");
}

static void
md_metrics(struct st_buf *out, struct report *R)
{
	para(out, "## Metrics");
	if (R->nmetrics == 0) {
		para(out, "No metric series changed in the window.");
		return;
	}
	para(out, "Each anomalous series over its points (a column is one point, or the mean "
	          "of a few when there are many); the onset is marked under it.");
	struct st_buf p = {0}, q = {0};
	for (size_t i = 0; i < R->nmetrics; i++) {
		const struct rmetric *m = &R->metrics[i];
		struct spark sp;
		spark_make(m, &sp);
		struct st_buf nm = {0};
		series_name(&nm, m->s, m->rate);
		st_buf_addc(&nm, '\0');
		md_code_cut(&p, nm.p, TEXT_MAX, false);
		st_buf_adds(&p, " in ");
		md_ref(&p, R, m->s->source, 0, false);
		st_buf_addf(&p, ", %zu point%s from ", m->s->npoints, m->s->npoints == 1 ? "" : "s");
		add_time(&p, m->s->points[0].ts);
		st_buf_adds(&p, " to ");
		add_time(&p, m->s->points[m->s->npoints - 1].ts);
		st_buf_adds(&p, ":");
		wrap_buf(out, "", "", &p);
		st_buf_addc(out, '\n');
		st_buf_addf(&q, "%s\n%s\n", sp.line, sp.marks);
		for (size_t e = 0; e < m->neff; e++) {
			char *t = cleans(m->eff[e]->text, 0);
			st_buf_addf(&q, "%c %s\n", m->neff == 1 ? '^' : (char)('1' + e), t);
			free(t);
		}
		spark_values(&q, &sp);
		st_buf_addc(&q, '\0');
		md_fenced(out, "", q.p);
		st_buf_addc(out, '\n');
		q.len = 0;
		st_buf_free(&nm);
		spark_free(&sp);
	}
	if (R->metrics_more)
		st_buf_addf(out, "%zu more series changed (`strata hints --unexplained`).\n\n",
		            R->metrics_more);
	st_buf_free(&p);
	st_buf_free(&q);
}

/* ---- timeline */

/* The hint a line is the cause or an effect of: "cause 1", "effect of 2", or "". */
static void
hint_role(struct st_buf *b, const struct report *R, uint32_t seq)
{
	if (seq == ST_HINT_NOSEQ)
		return;
	for (size_t i = 0; i < R->nhints; i++) {
		if (R->hints[i]->cause.seq == seq) {
			st_buf_addf(b, "cause %u", R->hints[i]->rank);
			return;
		}
	}
	for (size_t i = 0; i < R->neffs; i++)
		if (R->effs[i]->seq == seq && R->effs[i]->hint) {
			st_buf_addf(b, "effect of %u", R->effs[i]->hint);
			return;
		}
}

/* An entry row's text: the bookmark's note, the anomaly's text or the line's message. */
static char *
row_text(struct report *R, const struct entry *e, bool last, size_t max)
{
	if (e->kind == EK_BOOKMARK) {
		struct st_buf b = {0};
		st_buf_adds(&b, e->note[0] ? e->note : "(no note)");
		st_buf_adds(&b, " — ");
		char *t = e->text ? st_xstrdup(e->text) : seq_text(R, e->seq, max);
		st_buf_adds(&b, t);
		free(t);
		st_buf_addc(&b, '\0');
		char *c = cleans(b.p, max);
		st_buf_free(&b);
		return c;
	}
	if (e->text)
		return cleans(e->text, max);
	return seq_text(R, last ? e->last_seq : e->seq, max);
}

static void
md_timeline(struct st_buf *out, struct report *R)
{
	para(out, "## Timeline");
	size_t nrows, more;
	struct row *rows = timeline_rows(R, &nrows, &more);
	if (nrows == 0) {
		para(out, "Nothing to show: no change, symptom, error or anomaly in the "
		          "window.");
		free(rows);
		return;
	}
	struct st_buf p = {0};
	st_buf_adds(&p, "Changes, symptoms, error lines and anomalies in time order. A burst of one "
	                "message (repeats at most 10 min apart) shows its first line and its last, "
	                "marked ×N with the count of lines in it.");
	if (R->nbookmarks || R->bookmarks_out) {
		st_buf_addf(&p, " Bookmarks from ");
		md_code_cut(&p, R->state_path, 80, false);
		st_buf_addf(&p, ": %zu in the window", R->nbookmarks);
		if (R->bookmarks_out)
			st_buf_addf(&p, ", %zu outside it or on sources not given", R->bookmarks_out);
		st_buf_adds(&p, ".");
	}
	wrap_buf(out, "", "", &p);
	st_buf_addc(out, '\n');
	static const char *const head[] = {"Time", "What", "Source", "Line", "Hint"};
	struct table t = {.ncol = 5, .head = head, .align = "lllll"};
	struct st_buf c = {0};
	for (size_t i = 0; i < nrows; i++) {
		const struct entry *e = &R->timeline.v[rows[i].entry];
		add_time(&c, rows[i].ts);
		table_add(&t, &c);
		st_buf_adds(&c, kind_names[e->kind]);
		if (rows[i].last)
			st_buf_addf(&c, " ×%u", e->count);
		else if (e->count > 1)
			st_buf_adds(&c, " (first)");
		table_add(&t, &c);
		md_ref(&c, R, e->source, rows[i].last ? e->last_line : e->line, true);
		table_add(&t, &c);
		char *s = row_text(R, e, rows[i].last, CELL_MAX);
		md_code(&c, s, true);
		free(s);
		table_add(&t, &c);
		hint_role(&c, R, rows[i].seq);
		table_add(&t, &c);
	}
	table_out(out, &t);
	if (more) {
		st_buf_addf(&p, "%zu more rows not shown: the timeline keeps the hints' lines, bookmarks, "
		                "anomalies and changes first, then symptoms, then error lines, earliest "
		                "first (`strata print -l error` lists every error line).", more);
		wrap_buf(out, "", "", &p);
		st_buf_addc(out, '\n');
	}
	free(rows);
	st_buf_free(&c);
	st_buf_free(&p);
}

/* ---- the human parts */

static void
md_skeleton(struct st_buf *out, struct report *R)
{
	struct st_buf p = {0};
	para(out, "## Postmortem (draft)");
	st_buf_adds(&p, "**Draft for a human to complete.** strata filled in what the evidence "
	                "suggests, starting from the top likely cause; every sentence here is a "
	                "guess until someone checks it. Replace the text in italics.");
	wrap_buf(out, "> ", "> ", &p);
	const struct st_hint *top = R->nhints ? R->hints[0] : NULL;

	st_buf_adds(out, "\n### Impact\n\n");
	st_buf_adds(&p, "*Who or what was affected, how badly, and for how long.*");
	if (top) {
		st_buf_adds(&p, " The evidence shows ");
		md_code_cut(&p, top->effect.text, TEXT_MAX, false);
		if (top->why.effects > 1)
			st_buf_addf(&p, " and %u more effects of the same cause", top->why.effects - 1);
		st_buf_adds(&p, ".");
	}
	wrap_buf(out, "", "", &p);

	st_buf_adds(out, "\n### Detection\n\n");
	st_buf_adds(&p, "*How the incident was noticed, by whom, and when.*");
	if (R->neffs) {
		st_buf_adds(&p, " The first symptom in the evidence is ");
		md_code_cut(&p, R->effs[0]->text, TEXT_MAX, false);
		st_buf_adds(&p, " at ");
		add_time(&p, R->effs[0]->at);
		st_buf_adds(&p, " (");
		md_ref(&p, R, R->effs[0]->source, R->effs[0]->line, false);
		st_buf_adds(&p, ").");
	}
	wrap_buf(out, "", "", &p);

	st_buf_adds(out, "\n### Root cause\n\n");
	if (top) {
		st_buf_addf(&p, "Starting point (likely cause 1, %s confidence): ",
		            st_confidence_name(top->confidence));
		char *sum = cleans(top->summary, 0);
		md_text(&p, sum);
		free(sum);
		st_buf_adds(&p, " *Confirm it against the evidence, then say why it could happen.*");
	} else {
		st_buf_adds(&p, "*No likely cause was found in the evidence: what was it?*");
	}
	wrap_buf(out, "", "", &p);

	st_buf_adds(out, "\n### Resolution\n\n");
	st_buf_adds(&p, "*What was done to restore service, and when it was back.*");
	wrap_buf(out, "", "", &p);

	st_buf_adds(out, "\n### Action items\n\n");
	static const char *const head[] = {"Action", "Owner", "Due"};
	struct table t = {.ncol = 3, .head = head, .align = "lll"};
	struct st_buf c = {0};
	if (top) {
		st_buf_adds(&c, "Confirm or rule out likely cause 1: ");
		md_code_cut(&c, top->cause.text, 60, true);
		st_buf_adds(&c, " (");
		md_ref(&c, R, top->cause.source, top->cause.line, true);
		st_buf_adds(&c, ")");
		table_add(&t, &c);
		table_adds(&t, "*TBD*");
		table_adds(&t, "*TBD*");
		if (top->metric) {
			st_buf_adds(&c, "Alert on ");
			md_code_cut(&c, top->metric, 60, true);
			st_buf_adds(&c, " when it changes like this");
			table_add(&t, &c);
			table_adds(&t, "*TBD*");
			table_adds(&t, "*TBD*");
		}
	}
	for (size_t i = 0; i < R->nunexpl && i < 3; i++) {
		st_buf_adds(&c, "Explain ");
		md_code_cut(&c, R->unexpl[i]->effect.text, 60, true);
		st_buf_adds(&c, " (");
		md_ref(&c, R, R->unexpl[i]->effect.source, R->unexpl[i]->effect.line, true);
		st_buf_adds(&c, ")");
		table_add(&t, &c);
		table_adds(&t, "*TBD*");
		table_adds(&t, "*TBD*");
	}
	table_adds(&t, "*Prevent it from happening again*");
	table_adds(&t, "*TBD*");
	table_adds(&t, "*TBD*");
	table_out(out, &t);
	st_buf_free(&c);
	st_buf_free(&p);
}

static void
md_report(struct st_buf *out, struct report *R)
{
	md_head(out, R);
	md_sources(out, R);
	md_changes(out, R);
	md_broke(out, R);
	md_causes(out, R);
	md_unexplained(out, R);
	md_metrics(out, R);
	md_timeline(out, R);
	md_skeleton(out, R);
	st_buf_adds(out, "---\n\n*Written by `strata report` ");
	st_buf_adds(out, ST_VERSION);
	st_buf_adds(out, ". The evidence is quoted as `source:line`; the paths are in Sources.*\n");
}

/* ---- JSON */

static void
js_src(struct st_buf *b, const struct report *R, unsigned src)
{
	json_str(b, st_store_source_name(R->r->store, src));
}

static void
js_text(struct st_buf *b, const char *s)
{
	char *c = cleans(s, 0);
	json_str(b, c);
	free(c);
}

static void
js_ref(struct st_buf *b, struct report *R, const struct st_hint_ref *x)
{
	st_buf_adds(b, "{\"ts\":");
	json_time(b, x->ts);
	st_buf_adds(b, ",\"source\":");
	js_src(b, R, x->source);
	st_buf_addf(b, ",\"line\":%u,\"text\":", x->line);
	js_text(b, x->text);
	st_buf_adds(b, ",\"quote\":");
	if (x->seq != ST_HINT_NOSEQ) {
		char *l = seq_line(R, x->seq);
		json_str(b, l);
		free(l);
	} else {
		st_buf_adds(b, "null");
	}
	st_buf_addc(b, '}');
}

/* "source:line: text" as {"source","line","text"} when it starts with a
 * source's name, else {"source":null,"line":null,"text":...}. */
static void
js_evidence(struct st_buf *b, const struct report *R, const char *ev)
{
	size_t ns = st_store_nsources(R->r->store), best = SIZE_MAX, blen = 0;
	for (size_t i = 0; i < ns; i++) {
		const char *n = st_store_source_name(R->r->store, (unsigned)i);
		size_t l = strlen(n);
		if (l > blen && strncmp(ev, n, l) == 0 && ev[l] == ':' && ev[l + 1] >= '0' &&
		    ev[l + 1] <= '9') {
			best = i;
			blen = l;
		}
	}
	if (best != SIZE_MAX) {
		char *end;
		unsigned long line = strtoul(ev + blen + 1, &end, 10);
		if (end[0] == ':' && end[1] == ' ') {
			st_buf_adds(b, "{\"source\":");
			js_src(b, R, (unsigned)best);
			st_buf_addf(b, ",\"line\":%lu,\"text\":", line);
			js_text(b, end + 2);
			st_buf_addc(b, '}');
			return;
		}
	}
	st_buf_adds(b, "{\"source\":null,\"line\":null,\"text\":");
	js_text(b, ev);
	st_buf_addc(b, '}');
}

static void
js_hint(struct st_buf *b, struct report *R, const struct st_hint *x)
{
	const struct st_hint_why *w = &x->why;
	st_buf_addf(b, "{\"rank\":%u,\"confidence\":\"%s\",\"score\":%.2f,\"kind\":", x->rank,
	            st_confidence_name(x->confidence), x->score);
	json_str(b, x->cause_kind);
	st_buf_adds(b, ",\"cause\":");
	js_ref(b, R, &x->cause);
	st_buf_adds(b, ",\"effect\":");
	js_ref(b, R, &x->effect);
	st_buf_adds(b, ",\"effect_type\":");
	json_str(b, x->effect_type);
	st_buf_adds(b, ",\"metric\":");
	json_str(b, x->metric);
	st_buf_adds(b, ",\"lag_s\":");
	if (isfinite(x->lag_s))
		st_buf_addf(b, "%.1f", x->lag_s);
	else
		st_buf_adds(b, "null");
	st_buf_adds(b, ",\"summary\":");
	js_text(b, x->summary);
	struct st_buf why = {0};
	reasoning(&why, x);
	while (why.len && why.p[why.len - 1] == ' ')
		why.len--;
	st_buf_addc(&why, '\0');
	st_buf_adds(b, ",\"reasoning\":");
	json_str(b, why.p);
	st_buf_free(&why);
	st_buf_addf(b, ",\"why\":{\"time\":%.2f,\"entities\":%.2f,\"fit\":%.2f,\"size\":%.2f,"
	               "\"routine\":%u,\"rivals\":%u,\"effects\":%u,\"first_run\":%s,"
	               "\"within\":%s,\"incomplete\":%s}",
	            w->time, w->entities, w->fit, w->size, w->routine, w->rivals, w->effects,
	            w->first_run ? "true" : "false", w->within ? "true" : "false",
	            w->incomplete ? "true" : "false");
	st_buf_adds(b, ",\"evidence\":[");
	for (size_t i = 0; i < x->nevidence; i++) {
		if (i)
			st_buf_addc(b, ',');
		js_evidence(b, R, x->evidence[i]);
	}
	st_buf_adds(b, "]}");
}

static void
js_entry(struct st_buf *b, struct report *R, const struct entry *e, st_time ts, uint32_t seq,
         uint32_t line, bool last)
{
	st_buf_adds(b, "{\"ts\":");
	json_time(b, ts);
	st_buf_addf(b, ",\"kind\":\"%s\",\"source\":", kind_names[e->kind]);
	js_src(b, R, e->source);
	st_buf_addf(b, ",\"line\":%u,\"text\":", line);
	char *t = row_text(R, e, last, 0);
	if (e->kind == EK_BOOKMARK) {
		free(t);
		t = e->text ? st_xstrdup(e->text) : seq_text(R, e->seq, 0);
	}
	json_str(b, t);
	free(t);
	st_buf_addf(b, ",\"count\":%u,\"burst\":%s", e->count,
	            e->count < 2 ? "null" : last ? "\"last\"" : "\"first\"");
	st_buf_adds(b, ",\"note\":");
	json_str(b, e->note);
	st_buf_adds(b, ",\"hint\":");
	struct st_buf role = {0};
	hint_role(&role, R, seq);
	st_buf_addc(&role, '\0');
	json_str(b, role.len > 1 ? role.p : NULL);
	st_buf_free(&role);
	st_buf_addc(b, '}');
}

static void
js_report(struct st_buf *b, struct report *R)
{
	st_buf_adds(b, "{\"report\":\"strata\",\"version\":\"" ST_VERSION "\",\"draft\":true,\"title\":");
	json_str(b, R->title);
	st_buf_adds(b, ",\"window\":{\"from\":");
	json_time(b, R->from == INT64_MIN + 1 ? ST_TIME_NONE : R->from);
	st_buf_adds(b, ",\"to\":");
	json_time(b, R->to == INT64_MAX ? ST_TIME_NONE : R->to);
	st_buf_addf(b, ",\"given\":%s}", R->given ? "true" : "false");

	st_buf_adds(b, ",\"sources\":[");
	for (size_t i = 0; i < R->nsrc; i++) {
		const struct rsource *s = &R->src[i];
		st_buf_adds(b, i ? ",{\"path\":" : "{\"path\":");
		js_text(b, s->path);
		st_buf_adds(b, ",\"name\":");
		js_text(b, s->name);
		st_buf_adds(b, ",\"format\":");
		json_str(b, s->format);
		st_buf_adds(b, ",\"error\":");
		json_str(b, s->error);
		st_buf_addf(b, ",\"context\":%s,\"lines\":%llu,\"events\":%llu,\"first\":",
		            s->context ? "true" : "false", (unsigned long long)s->stats.lines,
		            (unsigned long long)s->stats.events);
		bool timed = s->stats.timed > 0;
		json_time(b, timed ? s->stats.first : ST_TIME_NONE);
		st_buf_adds(b, ",\"last\":");
		json_time(b, timed ? s->stats.last : ST_TIME_NONE);
		st_buf_addf(b, ",\"gaps\":%u,\"longest_gap\":", s->gap.n);
		if (s->gap.n) {
			st_buf_addf(b, "{\"seconds\":%.0f,\"from\":", s->gap.longest_s);
			json_time(b, s->gap.longest_from);
			st_buf_addc(b, '}');
		} else {
			st_buf_adds(b, "null");
		}
		st_buf_addc(b, '}');
	}

	st_buf_adds(b, "],\"changes\":[");
	size_t shown = ST_MIN(R->changes.n, ST_REPORT_ROWS);
	for (size_t i = 0; i < shown; i++) {
		const struct entry *e = &R->changes.v[i];
		if (i)
			st_buf_addc(b, ',');
		st_buf_adds(b, "{\"ts\":");
		json_time(b, e->ts);
		st_buf_adds(b, ",\"source\":");
		js_src(b, R, e->source);
		st_buf_addf(b, ",\"line\":%u,\"text\":", e->line);
		char *t = seq_text(R, e->seq, 0);
		json_str(b, t);
		free(t);
		st_buf_addf(b, ",\"count\":%u,\"last_ts\":", e->count);
		json_time(b, e->last_ts);
		st_buf_addc(b, '}');
	}
	st_buf_addf(b, "],\"changes_more\":%zu", R->changes.n - shown + R->changes.more);

	st_buf_adds(b, ",\"effects\":[");
	shown = ST_MIN(R->neffs, ST_REPORT_ROWS);
	for (size_t i = 0; i < shown; i++) {
		const struct st_hint_effect *f = R->effs[i];
		st_buf_adds(b, i ? ",{\"onset\":" : "{\"onset\":");
		json_time(b, f->at);
		st_buf_adds(b, ",\"onset_after\":");
		json_time(b, f->lo);
		st_buf_adds(b, ",\"type\":");
		json_str(b, f->type);
		st_buf_adds(b, ",\"source\":");
		js_src(b, R, f->source);
		st_buf_addf(b, ",\"line\":%u,\"text\":", f->line);
		js_text(b, f->text);
		st_buf_adds(b, ",\"metric\":");
		json_str(b, f->metric);
		st_buf_adds(b, ",\"labels\":");
		json_str(b, f->labels);
		st_buf_addf(b, ",\"count\":%u,\"cause\":", f->count);
		if (f->hint)
			st_buf_addf(b, "%u}", f->hint);
		else
			st_buf_adds(b, "null}");
	}
	st_buf_addf(b, "],\"effects_more\":%zu", R->neffs - shown);

	st_buf_adds(b, ",\"causes\":[");
	for (size_t i = 0; i < R->nhints; i++) {
		if (i)
			st_buf_addc(b, ',');
		js_hint(b, R, R->hints[i]);
	}
	st_buf_adds(b, "],\"unexplained\":[");
	for (size_t i = 0; i < R->nunexpl; i++) {
		const struct st_hint *x = R->unexpl[i];
		st_buf_adds(b, i ? ",{\"effect\":" : "{\"effect\":");
		js_ref(b, R, &x->effect);
		st_buf_adds(b, ",\"type\":");
		json_str(b, x->effect_type);
		st_buf_adds(b, ",\"metric\":");
		json_str(b, x->metric);
		st_buf_adds(b, ",\"evidence\":[");
		for (size_t k = 0; k < x->nevidence; k++) {
			if (k)
				st_buf_addc(b, ',');
			js_evidence(b, R, x->evidence[k]);
		}
		st_buf_adds(b, "]}");
	}

	st_buf_adds(b, "],\"metrics\":[");
	for (size_t i = 0; i < R->nmetrics; i++) {
		const struct rmetric *m = &R->metrics[i];
		struct spark sp;
		spark_make(m, &sp);
		st_buf_adds(b, i ? ",{\"series\":" : "{\"series\":");
		js_text(b, m->s->name);
		st_buf_adds(b, ",\"labels\":");
		js_text(b, m->s->labels);
		st_buf_adds(b, ",\"source\":");
		js_src(b, R, m->s->source);
		st_buf_addf(b, ",\"rate\":%s,\"points\":%zu,\"first\":", m->rate ? "true" : "false",
		            m->s->npoints);
		json_time(b, m->s->points[0].ts);
		st_buf_adds(b, ",\"last\":");
		json_time(b, m->s->points[m->s->npoints - 1].ts);
		st_buf_adds(b, ",\"sparkline\":");
		json_str(b, sp.line);
		st_buf_adds(b, ",\"marks\":");
		json_str(b, sp.marks);
		st_buf_adds(b, ",\"onsets\":[");
		for (size_t e = 0; e < m->neff; e++) {
			st_buf_adds(b, e ? ",{\"ts\":" : "{\"ts\":");
			json_time(b, m->eff[e]->at);
			st_buf_adds(b, ",\"type\":");
			json_str(b, m->eff[e]->type);
			st_buf_adds(b, ",\"text\":");
			js_text(b, m->eff[e]->text);
			st_buf_addc(b, '}');
		}
		st_buf_adds(b, "],\"before\":{\"last\":");
		json_num(b, sp.last_before);
		st_buf_adds(b, ",\"median\":");
		json_num(b, sp.med_before);
		st_buf_addf(b, ",\"points\":%zu},\"after\":{\"first\":", sp.nbefore);
		json_num(b, sp.first_after);
		st_buf_adds(b, ",\"median\":");
		json_num(b, sp.med_after);
		st_buf_addf(b, ",\"points\":%zu},\"min\":", sp.nafter);
		json_num(b, sp.lo);
		st_buf_adds(b, ",\"max\":");
		json_num(b, sp.hi);
		st_buf_addc(b, '}');
		spark_free(&sp);
	}
	st_buf_addf(b, "],\"metrics_more\":%zu", R->metrics_more);

	st_buf_adds(b, ",\"timeline\":[");
	size_t nrows, more;
	struct row *rows = timeline_rows(R, &nrows, &more);
	for (size_t i = 0; i < nrows; i++) {
		const struct entry *e = &R->timeline.v[rows[i].entry];
		if (i)
			st_buf_addc(b, ',');
		js_entry(b, R, e, rows[i].ts, rows[i].seq, rows[i].last ? e->last_line : e->line,
		         rows[i].last);
	}
	st_buf_addf(b, "],\"timeline_more\":%zu", more);
	free(rows);
	st_buf_adds(b, ",\"bookmarks\":{\"state\":");
	js_text(b, R->state_path);
	st_buf_addf(b, ",\"in_window\":%zu,\"outside\":%zu}", R->nbookmarks, R->bookmarks_out);

	const struct st_hint *top = R->nhints ? R->hints[0] : NULL;
	st_buf_adds(b, ",\"postmortem\":{\"draft\":true,\"impact\":");
	if (top)
		js_text(b, top->effect.text);
	else
		st_buf_adds(b, "null");
	st_buf_adds(b, ",\"detection\":");
	if (R->neffs) {
		st_buf_adds(b, "{\"first_symptom\":");
		js_text(b, R->effs[0]->text);
		st_buf_adds(b, ",\"ts\":");
		json_time(b, R->effs[0]->at);
		st_buf_adds(b, ",\"source\":");
		js_src(b, R, R->effs[0]->source);
		st_buf_addf(b, ",\"line\":%u}", R->effs[0]->line);
	} else {
		st_buf_adds(b, "null");
	}
	st_buf_adds(b, ",\"root_cause\":");
	if (top)
		js_text(b, top->summary);
	else
		st_buf_adds(b, "null");
	st_buf_adds(b, ",\"resolution\":null,\"action_items\":[");
	bool first = true;
	if (top) {
		st_buf_adds(b, "\"Confirm or rule out likely cause 1: ");
		char *t = cleans(top->cause.text, 0);
		st_escape_json(b, t, strlen(t));
		free(t);
		st_buf_adds(b, "\"");
		first = false;
		if (top->metric) {
			st_buf_adds(b, ",\"Alert on ");
			st_escape_json(b, top->metric, strlen(top->metric));
			st_buf_adds(b, " when it changes like this\"");
		}
	}
	for (size_t i = 0; i < R->nunexpl && i < 3; i++) {
		st_buf_adds(b, first ? "\"Explain " : ",\"Explain ");
		char *t = cleans(R->unexpl[i]->effect.text, 0);
		st_escape_json(b, t, strlen(t));
		free(t);
		st_buf_addc(b, '"');
		first = false;
	}
	st_buf_adds(b, "]}}\n");
}

/* ---- the command */

int
st_report(struct st_run *r, const struct st_report_opts *o, FILE *out)
{
	if (r->notes == NULL)
		r->notes = st_notes_new();
	struct report R = {.r = r, .o = o};
	R.h = st_hints_new(r->store, r->notes);
	st_hints_update(R.h);
	R.names = st_display_names(r->store);
	R.nnames = st_store_nsources(r->store);
	sources_init(&R);
	window_init(&R);
	hints_init(&R);
	roles_init(&R);
	struct st_bookmarks bm = {0};
	size_t nwant;
	struct wanted *want = bookmarks_load(&R, &bm, &nwant);
	scan(&R, want, nwant);
	bookmarks_add(&R, &bm, want, nwant);
	free(want);
	st_bookmarks_free(&bm);
	anomalies_add(&R);
	metrics_init(&R);
	title_init(&R);

	struct st_buf b = {0};
	if (o->output == ST_OUT_JSON)
		js_report(&b, &R);
	else
		md_report(&b, &R);
	int rc = (b.len == 0 || fwrite(b.p, 1, b.len, out) == b.len) && fflush(out) == 0 ? 0 : -1;
	st_buf_free(&b);

	st_buf_free(&R.scratch);
	entries_free(&R.changes);
	entries_free(&R.timeline);
	free(R.hints);
	free(R.unexpl);
	free(R.effs);
	free(R.roles);
	free(R.metrics);
	free(R.src);
	free(R.title);
	free(R.state_path);
	st_display_names_free(R.names, R.nnames);
	st_hints_free(R.h);
	return rc;
}
