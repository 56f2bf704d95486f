/*
 * view-render.c: the viewer's screen, drawn into a grid of cells.
 *
 * Layout, top to bottom:
 *   the timeline      one event per row (all its lines when wrapped):
 *                     mark, time, source tag (a colour per source), level
 *                     (in its colour), a sparkline for metric samples, text
 *   a panel           hints, sources or an event's detail, in the lower
 *                     half of the timeline's rows when open
 *   the density strip events over the listed time span, changes (◆) and
 *                     hinted symptoms (!) marked, the screen's span lit
 *   the status line   events, sources, follow, filters, level, the time
 *   the help line     keys, or the prompt, or the last message
 * The help screen takes the whole screen.
 *
 * Cost: a screenful of rows, each an st_store_get and a walk over the text
 * shown; the strip is O(width log events). Nothing here walks the list.
 */
#define _GNU_SOURCE /* wcwidth */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "strata/classify.h"
#include "strata/format.h"
#include "strata/output.h"
#include "strata/store.h"
#include "strata/util.h"
#include "viewer.h"

struct palette {
	uint16_t fg, bg, dim, bar_fg, bar_bg, sel_bg, sel_fg, match_fg, match_bg;
	uint16_t lvl[ST_LVL_FATAL + 1];
	uint16_t change, symptom, mark, strip, strip_here;
	uint16_t src[12];
	size_t nsrc;
};

static void
palette_for(enum st_colors c, struct palette *p)
{
	memset(p, 0, sizeof(*p));
	if (c == ST_COLORS_256) {
		*p = (struct palette){
			.fg = 252, .bg = 0, .dim = 244, .bar_fg = 16, .bar_bg = 250, .sel_fg = 231,
			.sel_bg = 238, .match_fg = 16, .match_bg = 220, .change = 207, .symptom = 203,
			.mark = 45, .strip = 67, .strip_here = 117,
			.src = {75, 214, 114, 177, 80, 209, 149, 141, 222, 111, 181, 43}, .nsrc = 12,
		};
		p->lvl[ST_LVL_TRACE] = 242;
		p->lvl[ST_LVL_DEBUG] = 245;
		p->lvl[ST_LVL_INFO] = 114;
		p->lvl[ST_LVL_NOTICE] = 80;
		p->lvl[ST_LVL_WARN] = 220;
		p->lvl[ST_LVL_ERROR] = 203 | ST_ATTR_BOLD;
		p->lvl[ST_LVL_FATAL] = 199 | ST_ATTR_BOLD;
	} else if (c == ST_COLORS_8) {
		/* termbox's normal mode: 0 default, 1 black .. 8 white */
		*p = (struct palette){
			.fg = 0, .bg = 0, .dim = 0, .bar_fg = 1, .bar_bg = 8, .sel_fg = 0,
			.sel_bg = 0, .match_fg = 1, .match_bg = 4, .change = 6 | ST_ATTR_BOLD,
			.symptom = 2 | ST_ATTR_BOLD, .mark = 7 | ST_ATTR_BOLD, .strip = 5, .strip_here = 7,
			.src = {7, 6, 4, 3, 5, 2}, .nsrc = 6,
		};
		p->lvl[ST_LVL_INFO] = 3;
		p->lvl[ST_LVL_NOTICE] = 7;
		p->lvl[ST_LVL_WARN] = 4 | ST_ATTR_BOLD;
		p->lvl[ST_LVL_ERROR] = 2 | ST_ATTR_BOLD;
		p->lvl[ST_LVL_FATAL] = 6 | ST_ATTR_BOLD;
	} else {
		p->src[0] = 0;
		p->nsrc = 1;
		p->lvl[ST_LVL_ERROR] = ST_ATTR_BOLD;
		p->lvl[ST_LVL_FATAL] = ST_ATTR_BOLD;
		p->match_fg = ST_ATTR_UNDERLINE | ST_ATTR_BOLD;
		p->change = ST_ATTR_BOLD;
		p->symptom = ST_ATTR_BOLD;
		p->mark = ST_ATTR_BOLD;
	}
}

static const char *
format_name(int f)
{
	const struct st_format *fm = f >= 0 ? st_format_get((size_t)f) : NULL;
	return fm ? fm->name : "-";
}

/* ---- cells ---- */

static void
put(struct st_grid *g, int x, int y, uint32_t ch, uint16_t fg, uint16_t bg)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h)
		return;
	struct st_cell *c = &g->c[y * g->w + x];
	c->ch = ch;
	c->fg = fg;
	c->bg = bg;
}

static void
fill(struct st_grid *g, int y, int x0, int x1, uint16_t fg, uint16_t bg)
{
	for (int x = x0; x < x1; x++)
		put(g, x, y, ' ', fg, bg);
}

/* Columns a code point takes: 2 for wide ones, 0 for combining marks. */
static int
cp_width(uint32_t cp)
{
	if (cp < 0x7f)
		return cp >= 0x20;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* Decode one UTF-8 sequence at s (n bytes left); invalid bytes are U+FFFD. */
static size_t
decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k = st_utf8_seq(s, n);
	if (k == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	if (k == 1)
		*cp = s[0];
	else if (k == 2)
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	else if (k == 3)
		*cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	else
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
		      (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return k;
}

/*
 * A text run: draw s[0..n) from column *col (counted from the text's
 * start, so that tabs and the horizontal offset agree), showing the
 * columns [skip, skip + avail) at screen column x0. Control characters
 * show as ^X, tabs to the next multiple of 8. hl: match ranges (byte
 * offsets relative to base) drawn in the match colours. Returns false
 * once the right edge is reached.
 */
struct run {
	struct st_grid *g;
	int y, x0, avail;
	unsigned skip;
	unsigned col;
	uint16_t fg, bg, hfg, hbg;
	const uint32_t *hl;
	size_t nhl;
	size_t base; /* byte offset of s in the text the ranges refer to */
};

static bool
in_hl(const struct run *r, size_t off)
{
	for (size_t i = 0; i < r->nhl; i++)
		if (off >= r->hl[2 * i] && off < r->hl[2 * i + 1])
			return true;
	return false;
}

static bool
run_cell(struct run *r, uint32_t cp, int w, bool hl)
{
	if (r->col + (unsigned)w <= r->skip) {
		r->col += (unsigned)w;
		return true;
	}
	long x = (long)r->col - (long)r->skip;
	if (x < 0) { /* a wide character cut by the offset */
		r->col += (unsigned)w;
		return true;
	}
	if (x + w > r->avail)
		return false;
	uint16_t fg = hl ? r->hfg : r->fg, bg = hl ? r->hbg : r->bg;
	put(r->g, r->x0 + (int)x, r->y, cp, fg, bg);
	if (w == 2)
		put(r->g, r->x0 + (int)x + 1, r->y, 0, fg, bg);
	r->col += (unsigned)w;
	return true;
}

static bool
run_text(struct run *r, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = decode(u + i, n - i, &cp);
		bool hl = r->nhl && in_hl(r, r->base + i);
		if (cp == '\t') {
			unsigned to = (r->col / 8 + 1) * 8;
			while (r->col < to)
				if (!run_cell(r, ' ', 1, hl))
					return false;
		} else if (cp < 0x20 || cp == 0x7f) {
			if (!run_cell(r, '^', 1, hl) || !run_cell(r, cp == 0x7f ? '?' : cp + '@', 1, hl))
				return false;
		} else if (cp >= 0x80 && cp < 0xa0) {
			if (!run_cell(r, 0xFFFD, 1, hl))
				return false;
		} else {
			int w = cp_width(cp);
			if (w > 0 && !run_cell(r, cp, w, hl))
				return false;
		}
		i += k;
	}
	return true;
}

/* Plain text at x on row y, up to column x1; returns the column after it. */
static int
text(struct st_grid *g, int x, int y, int x1, const char *s, uint16_t fg, uint16_t bg)
{
	struct run r = {.g = g, .y = y, .x0 = x, .avail = x1 - x, .fg = fg, .bg = bg};
	if (r.avail <= 0)
		return x;
	run_text(&r, s, strlen(s));
	return x + (int)r.col > x1 ? x1 : x + (int)r.col;
}

static int
textf(struct st_grid *g, int x, int y, int x1, uint16_t fg, uint16_t bg, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static int
textf(struct st_grid *g, int x, int y, int x1, uint16_t fg, uint16_t bg, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return text(g, x, y, x1, buf, fg, bg);
}

/* 1234567 as "1,234,567" */
static const char *
commas(uint64_t n, char buf[32])
{
	char t[32];
	int len = snprintf(t, sizeof(t), "%llu", (unsigned long long)n);
	int o = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = t[i];
	}
	buf[o] = '\0';
	return buf;
}

/* ---- sparklines ---- */

static const uint32_t bars[8] = {0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587, 0x2588};

/* The point of series s that is event seq (by time, then seq). */
static size_t
point_of(const struct st_series *s, st_time ts, uint32_t seq)
{
	size_t lo = 0, hi = s->npoints;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->points[mid].ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->npoints && s->points[i].ts == ts; i++)
		if (s->points[i].seq == seq)
			return i;
	return lo < s->npoints ? lo : s->npoints - 1;
}

/*
 * Draw the points of s around point `at` (width cells, `at` placed so the
 * ones before it show) at x, y; the point itself in the highlight colour.
 * min/max (out, may be NULL): over the points drawn.
 */
static void
sparkline(struct st_grid *g, int x, int y, int width, const struct st_series *s, size_t at,
          uint16_t fg, uint16_t hfg, uint16_t bg, double *omin, double *omax)
{
	if (s->npoints == 0 || width <= 0)
		return;
	size_t first = at + 1 > (size_t)width * 2 / 3 ? at + 1 - (size_t)width * 2 / 3 : 0;
	if (first + (size_t)width > s->npoints)
		first = s->npoints > (size_t)width ? s->npoints - (size_t)width : 0;
	size_t last = first + (size_t)width < s->npoints ? first + (size_t)width : s->npoints;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = first; i < last; i++) {
		double v = s->points[i].value;
		if (isfinite(v)) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (omin)
		*omin = lo;
	if (omax)
		*omax = hi;
	for (size_t i = first; i < last; i++) {
		double v = s->points[i].value;
		uint32_t ch;
		if (!isfinite(v))
			ch = '?';
		else if (hi <= lo)
			ch = bars[3];
		else
			ch = bars[(int)((v - lo) / (hi - lo) * 7.0 + 0.5)];
		put(g, x + (int)(i - first), y, ch, i == at ? hfg : fg, bg);
	}
}

/* ---- the timeline ---- */

static uint16_t
source_colour(const struct palette *p, unsigned src)
{
	return p->src[src % p->nsrc];
}

static bool
is_hinted(const struct viewer *vw, uint32_t seq)
{
	size_t lo = 0, hi = vw->nhinted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vw->hinted[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < vw->nhinted && vw->hinted[lo] == seq;
}

static const char *
level_tag(unsigned l)
{
	static const char *const tags[] = {"", "TRACE", "DEBUG", "INFO", "NOTE", "WARN", "ERROR",
	                                   "FATAL"};
	return l < ST_ARRAY_LEN(tags) ? tags[l] : "";
}

#define TIME_W 19 /* "12-08 05:59:58.123 " */
#define LEVEL_W 6

/* Draw event seq from row y; returns the rows it took (1 unless wrapped). */
static int
draw_event(struct viewer *vw, struct st_grid *g, const struct palette *p, int y, int ymax,
           uint32_t seq, bool selected)
{
	struct st_event ev;
	st_store_get(vw->run->store, seq, &ev);
	uint16_t fg = selected ? p->sel_fg : p->fg;
	uint16_t bg = selected ? p->sel_bg : p->bg;
	if (selected && vw->colors != ST_COLORS_256) {
		fg |= ST_ATTR_REVERSE;
	}
	fill(g, y, 0, g->w, fg, bg);

	/* mark: bookmark, change, hinted */
	if (st_view_bookmark_note(vw->view, seq))
		put(g, 0, y, '*', p->mark | (selected ? (fg & ST_ATTR_REVERSE) : 0), bg);
	else if (ev.kind == ST_KIND_CHANGE)
		put(g, 0, y, 0x25c6, p->change | (fg & ST_ATTR_REVERSE), bg);
	else if (is_hinted(vw, seq))
		put(g, 0, y, '!', p->symptom | (fg & ST_ATTR_REVERSE), bg);

	int x = 2;
	if (ev.ts != ST_TIME_NONE) {
		char t[40];
		st_format_time(ev.ts, 3, t); /* 2024-12-08T05:59:58.123Z */
		char shown[24];
		snprintf(shown, sizeof(shown), "%.5s %.12s", t + 5, t + 11);
		text(g, x, y, x + TIME_W - 1, shown, (selected ? fg : p->dim) | (fg & ST_ATTR_REVERSE),
		     bg);
	}
	x += TIME_W;
	const char *name = ev.source < vw->nnames ? vw->names[ev.source] : "?";
	text(g, x, y, x + vw->name_w, name, source_colour(p, ev.source) | (fg & ST_ATTR_REVERSE), bg);
	x += vw->name_w + 1;
	text(g, x, y, x + LEVEL_W - 1, level_tag(ev.level),
	     (p->lvl[ev.level] ? p->lvl[ev.level] : fg) | (fg & ST_ATTR_REVERSE), bg);
	x += LEVEL_W;

	if (ev.kind == ST_KIND_METRIC) {
		const struct st_series *s = st_viewer_series(vw, seq);
		if (s && s->npoints > 1) {
			size_t at = point_of(s, ev.ts, seq);
			sparkline(g, x, y, 8, s, at, source_colour(p, ev.source), p->match_bg ? p->match_bg : fg,
			          bg, NULL, NULL);
			x += 9;
		}
	}

	uint32_t hl[64];
	size_t nhl = st_view_match(vw->view, ev.text, ev.len, hl, 32);
	struct run r = {.g = g, .y = y, .x0 = x, .avail = g->w - x, .fg = fg, .bg = bg,
	                .hfg = p->match_fg, .hbg = p->match_bg, .hl = hl, .nhl = nhl,
	                .skip = st_view_hoffset(vw->view)};
	if (vw->colors == ST_COLORS_NONE || vw->colors == ST_COLORS_8)
		r.hfg |= ST_ATTR_REVERSE * (vw->colors == ST_COLORS_NONE);
	const char *nl = memchr(ev.text, '\n', ev.len);
	if (!st_view_wrap(vw->view)) {
		size_t first = nl ? (size_t)(nl - ev.text) : ev.len;
		run_text(&r, ev.text, first);
		if (nl) {
			size_t more = 0;
			for (const char *c = nl; c && c < ev.text + ev.len;
			     c = memchr(c + 1, '\n', (size_t)(ev.text + ev.len - c - 1)))
				more++;
			char tag[32];
			snprintf(tag, sizeof(tag), " [+%zu lines]", more);
			int tx = x + (int)r.col - (int)r.skip;
			if (tx < x)
				tx = x;
			text(g, tx, y, g->w, tag, p->dim | (fg & ST_ATTR_REVERSE), bg);
		}
		return 1;
	}
	/* wrapped: every line of the record, each cut into rows */
	int rows = 0;
	size_t off = 0;
	while (off <= ev.len && y + rows < ymax) {
		const char *e = memchr(ev.text + off, '\n', ev.len - off);
		size_t end = e ? (size_t)(e - ev.text) : ev.len;
		const unsigned char *u = (const unsigned char *)ev.text;
		size_t i = off;
		r.col = 0;
		r.skip = 0;
		do {
			if (rows > 0)
				fill(g, y + rows, 0, g->w, fg, bg);
			r.y = y + rows;
			r.col = 0;
			r.base = i;
			/* as much of the line as fits */
			size_t j = i;
			while (j < end) {
				uint32_t cp;
				size_t k = decode(u + j, end - j, &cp);
				int w = cp == '\t' ? 8 - (int)(r.col % 8) : cp < 0x20 || cp == 0x7f ? 2 : cp_width(cp);
				if ((int)r.col + w > r.avail && r.col > 0)
					break;
				run_text(&r, ev.text + j, k);
				r.base = j + k;
				j += k;
			}
			rows++;
			i = j;
		} while (i < end && y + rows < ymax);
		if (!e)
			break;
		off = end + 1;
	}
	return rows ? rows : 1;
}

/* ---- the strip ---- */

static void
draw_strip(struct viewer *vw, struct st_grid *g, const struct palette *p, int y, int top_rows)
{
	fill(g, y, 0, g->w, p->fg, p->bg);
	int w = g->w;
	if (w < 4)
		return;
	uint32_t counts[1024];
	size_t n = (size_t)(w < 1024 ? w : 1024);
	st_time t0, t1;
	if (!st_view_density(vw->view, counts, n, &t0, &t1))
		return;
	uint32_t max = 1;
	for (size_t i = 0; i < n; i++)
		max = counts[i] > max ? counts[i] : max;
	/* the screen's span */
	size_t cnt = st_view_count(vw->view), top = st_view_top(vw->view);
	st_time s0 = ST_TIME_NONE, s1 = ST_TIME_NONE;
	if (cnt > 0) {
		size_t last = top + (size_t)top_rows - 1 < cnt ? top + (size_t)top_rows - 1 : cnt - 1;
		s0 = st_store_ts(vw->run->store, st_view_seq(vw->view, top));
		s1 = st_store_ts(vw->run->store, st_view_seq(vw->view, last));
	}
	double span = (double)(t1 - t0);
	for (size_t i = 0; i < n; i++) {
		st_time b0 = t0 + (st_time)(span * (double)i / (double)n);
		st_time b1 = t0 + (st_time)(span * (double)(i + 1) / (double)n);
		bool here = s1 != ST_TIME_NONE && b1 >= s0 && b0 <= s1;
		uint32_t ch = ' ';
		if (counts[i] > 0) {
			double f = log1p((double)counts[i]) / log1p((double)max);
			ch = bars[(int)(f * 7.0 + 0.5)];
		}
		uint16_t fg = here ? p->strip_here : p->strip;
		uint16_t bg = p->bg;
		if (here && vw->colors != ST_COLORS_256)
			fg |= ST_ATTR_BOLD;
		if (here && ch == ' ')
			ch = 0x2581;
		put(g, (int)i, y, ch, fg, bg);
	}
	/* changes and hinted symptoms, over the bars */
	struct st_notes *notes = vw->run->notes;
	size_t nn = notes ? st_notes_count(notes) : 0;
	/* changes marked only while they are few enough to tell apart: a
	 * strip full of marks says nothing (the hinted ones are marked below) */
	size_t nchanges = 0;
	for (size_t k = 0; k < nn && nchanges <= n / 4; k++)
		nchanges += st_store_kind(vw->run->store, st_notes_seq(notes, k)) == ST_KIND_CHANGE;
	if (nchanges > n / 4)
		nn = 0;
	for (size_t k = 0; k < nn; k++) {
		uint32_t seq = st_notes_seq(notes, k);
		if (st_store_kind(vw->run->store, seq) != ST_KIND_CHANGE)
			continue;
		st_time t = st_store_ts(vw->run->store, seq);
		if (t == ST_TIME_NONE || t < t0 || t > t1)
			continue;
		size_t i = span > 0 ? (size_t)((double)(t - t0) / span * (double)(n - 1) + 0.5) : 0;
		put(g, (int)i, y, 0x25c6, p->change, p->bg);
	}
	for (size_t k = 0; k < vw->nhinted; k++) {
		uint32_t seq = vw->hinted[k];
		bool change = st_store_kind(vw->run->store, seq) == ST_KIND_CHANGE;
		st_time t = st_store_ts(vw->run->store, seq);
		if (t == ST_TIME_NONE || t < t0 || t > t1)
			continue;
		size_t i = span > 0 ? (size_t)((double)(t - t0) / span * (double)(n - 1) + 0.5) : 0;
		put(g, (int)i, y, change ? 0x25c6 : '!', change ? p->change : p->symptom, p->bg);
	}
}

/* ---- status and help lines ---- */

static void
draw_status(struct viewer *vw, struct st_grid *g, const struct palette *p, int y)
{
	uint16_t fg = p->bar_fg, bg = p->bar_bg;
	if (vw->colors != ST_COLORS_256)
		fg |= ST_ATTR_REVERSE;
	if (vw->colors == ST_COLORS_8) {
		fg = ST_ATTR_REVERSE;
		bg = 0;
	}
	fill(g, y, 0, g->w, fg, bg);
	char a[32], b[32];
	size_t cnt = st_view_count(vw->view);
	size_t all = st_store_count(vw->run->store);
	int x = 1;
	if (cnt == all)
		x = textf(g, x, y, g->w, fg, bg, "%s events", commas(all, a));
	else
		x = textf(g, x, y, g->w, fg, bg, "%s of %s events", commas(cnt, a), commas(all, b));
	if (cnt > 0) {
		size_t sel = st_view_selected(vw->view);
		x = textf(g, x, y, g->w, fg, bg, " | %zu%%",
		          cnt > 1 ? sel * 100 / (cnt - 1) : (size_t)100);
		st_time t = st_store_ts(vw->run->store, st_view_seq(vw->view, sel));
		if (t != ST_TIME_NONE) {
			char ts[40];
			st_format_time(t, 3, ts);
			x = textf(g, x, y, g->w, fg, bg, " | %s", ts);
		}
	}
	size_t nsrc = st_sources_count(vw->run->sources), live = st_sources_live(vw->run->sources);
	size_t failed = st_sources_failed(vw->run->sources);
	x = textf(g, x, y, g->w, fg, bg, " | %zu source%s", nsrc, nsrc == 1 ? "" : "s");
	if (st_sources_replaying(vw->run->sources))
		x = text(g, x, y, g->w, " reading", fg, bg);
	else if (live)
		x = text(g, x, y, g->w, ", followed", fg, bg);
	if (failed)
		x = textf(g, x, y, g->w, fg, bg, " %zu failed", failed);
	if (st_view_follow(vw->view))
		x = text(g, x, y, g->w, " | FOLLOW", fg | ST_ATTR_BOLD, bg);
	else if (live)
		x = text(g, x, y, g->w, " | paused", fg, bg);
	if (st_view_level(vw->view) != ST_LVL_NONE)
		x = textf(g, x, y, g->w, fg, bg, " | level>=%s", st_level_name(st_view_level(vw->view)));
	for (size_t i = 0; i < st_view_filter_count(vw->view); i++) {
		bool out;
		const char *pat = st_view_filter_pattern(vw->view, i, &out);
		x = textf(g, x, y, g->w, fg, bg, " | %s:%s", out ? "out" : "in", pat);
	}
	size_t hidden = 0;
	for (size_t i = 0; i < st_store_nsources(vw->run->store); i++)
		hidden += st_view_hidden(vw->view, (unsigned)i);
	if (hidden)
		x = textf(g, x, y, g->w, fg, bg, " | %zu hidden", hidden);
	if (st_view_search_pattern(vw->view))
		x = textf(g, x, y, g->w, fg, bg, " | %c%s", st_view_search_backward(vw->view) ? '?' : '/',
		          st_view_search_pattern(vw->view));
	size_t nh = vw->hints ? st_hints_count(vw->hints) : 0;
	if (nh)
		x = textf(g, x, y, g->w, fg, bg, " | %zu hint%s (h)", nh, nh == 1 ? "" : "s");
	if (vw->log_lines)
		x = textf(g, x, y, g->w, fg, bg, " | %u message%s", vw->log_lines,
		          vw->log_lines == 1 ? "" : "s");
	const char *job = st_view_job_name(vw->view);
	if (job)
		textf(g, x, y, g->w, fg | ST_ATTR_BOLD, bg, " | %s %d%%", job,
		      (int)(st_view_progress(vw->view) * 100));
}

static const char *const prompt_label[] = {"", "/", "?", "filter in: ", "filter out: ",
                                           "time (RFC 3339, HH:MM[:SS], -10m): ", "note: "};

static int
draw_help_line(struct viewer *vw, struct st_grid *g, const struct palette *p, int y)
{
	fill(g, y, 0, g->w, p->fg, p->bg);
	if (vw->prompt != PR_NONE) {
		int x = text(g, 0, y, g->w, prompt_label[vw->prompt], p->fg | ST_ATTR_BOLD, p->bg);
		char in[sizeof(vw->input) + 1];
		memcpy(in, vw->input, vw->ninput);
		in[vw->ninput] = '\0';
		x = text(g, x, y, g->w - 1, in, p->fg, p->bg);
		if (vw->prompt == PR_SEARCH_BACK && vw->ninput == 0)
			text(g, x + 1, y, g->w, "(Enter alone: help)", p->dim, p->bg);
		return x;
	}
	if (vw->msg[0]) {
		text(g, 0, y, g->w, vw->msg, vw->msg_err ? p->lvl[ST_LVL_ERROR] | ST_ATTR_BOLD : p->fg,
		     p->bg);
		return -1;
	}
	static const char keys[] = "q quit  H help  / ? search  n N  f x filter  X clear  l level  "
	                           "s sources  h hints  t time  c e change/error  m ' mark  "
	                           "Enter detail  F follow  w wrap";
	text(g, 0, y, g->w, keys, p->dim, p->bg);
	return -1;
}

/* ---- panels ---- */

static void
panel_title(struct st_grid *g, const struct palette *p, int y, const char *title,
            enum st_colors colors)
{
	uint16_t fg = p->bar_fg | ST_ATTR_BOLD, bg = p->bar_bg;
	if (colors != ST_COLORS_256) {
		fg = ST_ATTR_REVERSE | ST_ATTR_BOLD;
		bg = 0;
	}
	fill(g, y, 0, g->w, fg, bg);
	text(g, 1, y, g->w, title, fg, bg);
}

static const char *
ref_label(const struct viewer *vw, const struct st_hint_ref *r, char *buf, size_t n)
{
	const char *name = r->source < vw->nnames ? vw->names[r->source] : "?";
	snprintf(buf, n, "%s:%u", name, r->line);
	return buf;
}

/* An evidence line with its source's display name instead of its path. */
static const char *
short_evidence(const struct viewer *vw, const char *ev)
{
	static char buf[1024];
	size_t ns = st_store_nsources(vw->run->store);
	for (size_t s = 0; s < ns && s < vw->nnames; s++) {
		const char *name = st_store_source_name(vw->run->store, (unsigned)s);
		size_t k = strlen(name);
		if (strncmp(ev, name, k) == 0 && ev[k] == ':') {
			snprintf(buf, sizeof(buf), "%s%s", vw->names[s], ev + k);
			return buf;
		}
	}
	return ev;
}

static void
draw_hints(struct viewer *vw, struct st_grid *g, const struct palette *p, int y0, int y1)
{
	size_t n = vw->hints ? st_hints_count(vw->hints) : 0;
	size_t nu = vw->hints ? st_hints_unexplained_count(vw->hints) : 0;
	char title[160];
	snprintf(title, sizeof(title),
	         "hints: %zu ranked, %zu unexplained   (j/k choose, Enter jump, Tab next evidence, "
	         "h/Esc close)",
	         n, nu);
	panel_title(g, p, y0, title, vw->colors);
	int y = y0 + 1;
	for (int k = y; k < y1; k++)
		fill(g, k, 0, g->w, p->fg, p->bg);
	struct st_hints_stats hs;
	st_hints_stats(vw->hints, &hs);
	size_t total = st_store_count(vw->run->store);
	if (hs.events < total) {
		char a[32], b[32];
		textf(g, 1, y++, g->w, p->dim, p->bg, "reading events for the hints: %s of %s",
		      commas(hs.events, a), commas(total, b));
	} else if (n == 0) {
		text(g, 1, y, g->w,
		     vw->hints && st_hints_unexplained_count(vw->hints)
		             ? "no change explains the symptoms found (see the unexplained ones below)"
		             : "no hints: no symptom was found that a change or setting explains",
		     p->dim, p->bg);
		y++;
	}
	/* the list: one line per hint; the selected one opened below it */
	size_t first = vw->hint_sel > 2 ? vw->hint_sel - 2 : 0;
	for (size_t i = first; i < n && y < y1; i++) {
		const struct st_hint *h = st_hints_get(vw->hints, i);
		bool sel = i == vw->hint_sel;
		uint16_t fg = sel ? p->sel_fg | ST_ATTR_BOLD : p->fg, bg = sel ? p->sel_bg : p->bg;
		if (sel && vw->colors != ST_COLORS_256)
			fg |= ST_ATTR_REVERSE;
		fill(g, y, 0, g->w, fg, bg);
		int x = textf(g, 1, y, g->w, fg, bg, "%u ", h->rank);
		uint16_t cf = h->confidence == ST_CONF_HIGH     ? p->lvl[ST_LVL_ERROR]
		              : h->confidence == ST_CONF_MEDIUM ? p->lvl[ST_LVL_WARN]
		                                                : p->dim;
		x = textf(g, x, y, g->w, cf | (fg & ST_ATTR_REVERSE), bg, "%-6s %.2f ",
		          st_confidence_name(h->confidence), h->score);
		text(g, x, y, g->w, h->summary, fg, bg);
		y++;
		if (!sel)
			continue;
		/* targets: cause, effect, evidence */
		char lb[300];
		size_t ntarget = 2 + h->nevidence;
		for (size_t t = 0; t < ntarget && y < y1; t++) {
			bool cur = t == vw->hint_target;
			uint16_t tf = cur ? p->match_fg : p->fg, tb = cur ? p->match_bg : p->bg;
			if (cur && vw->colors != ST_COLORS_256)
				tf |= ST_ATTR_REVERSE;
			int tx = 3;
			if (t == 0) {
				tx = textf(g, tx, y, g->w, tf, tb, "cause  (%s) %s: ", h->cause_kind ? h->cause_kind : "",
				           ref_label(vw, &h->cause, lb, sizeof(lb)));
				text(g, tx, y, g->w, h->cause.text ? h->cause.text : "", tf, tb);
			} else if (t == 1) {
				tx = textf(g, tx, y, g->w, tf, tb, "effect (%s) %s: ",
				           h->effect_type ? h->effect_type : "",
				           ref_label(vw, &h->effect, lb, sizeof(lb)));
				text(g, tx, y, g->w, h->effect.text ? h->effect.text : "", tf, tb);
			} else {
				tx = text(g, tx, y, g->w, "evidence ", tf, tb);
				text(g, tx, y, g->w, short_evidence(vw, h->evidence[t - 2]), tf, tb);
			}
			y++;
		}
	}
	/* then the unexplained symptoms */
	if (nu && y < y1) {
		text(g, 1, y++, g->w, "unexplained symptoms:", p->dim | ST_ATTR_BOLD, p->bg);
		for (size_t i = 0; i < nu && y < y1; i++) {
			const struct st_hint *h = st_hints_unexplained(vw->hints, i);
			char lb[300];
			int x = textf(g, 3, y, g->w, p->fg, p->bg, "%s: ",
			              ref_label(vw, &h->effect, lb, sizeof(lb)));
			text(g, x, y++, g->w, h->effect.text ? h->effect.text : "", p->fg, p->bg);
		}
	}
}

static void
draw_sources(struct viewer *vw, struct st_grid *g, const struct palette *p, int y0, int y1)
{
	panel_title(g, p, y0,
	            "sources   (j/k choose, Space/Enter hide or show, a show all, s/Esc close)",
	            vw->colors);
	size_t n = st_sources_count(vw->run->sources);
	size_t first = vw->src_sel >= (size_t)(y1 - y0 - 1) ? vw->src_sel - (size_t)(y1 - y0 - 2) : 0;
	for (int y = y0 + 1; y < y1; y++)
		fill(g, y, 0, g->w, p->fg, p->bg);
	int y = y0 + 1;
	for (size_t i = first; i < n && y < y1; i++, y++) {
		struct st_source_info si;
		st_sources_info(vw->run->sources, i, &si);
		bool sel = i == vw->src_sel;
		uint16_t fg = sel ? p->sel_fg : p->fg, bg = sel ? p->sel_bg : p->bg;
		if (sel && vw->colors != ST_COLORS_256)
			fg |= ST_ATTR_REVERSE;
		fill(g, y, 0, g->w, fg, bg);
		bool hidden = si.id >= 0 && st_view_hidden(vw->view, (unsigned)si.id);
		int x = text(g, 1, y, g->w, hidden ? "[ ] " : "[x] ", fg, bg);
		char a[32];
		x = textf(g, x, y, g->w, fg, bg, "%12s events  %-14s ",
		          commas(si.stats ? si.stats->events : 0, a), format_name(si.format));
		x = text(g, x, y, g->w, si.path,
		         (si.id >= 0 ? source_colour(p, (unsigned)si.id) : fg) | (fg & ST_ATTR_REVERSE), bg);
		if (si.error)
			textf(g, x, y, g->w, p->lvl[ST_LVL_ERROR] | (fg & ST_ATTR_REVERSE), bg, "  failed: %s",
			      si.error);
	}
}

/* Pretty JSON: a line per member, indented by depth. */
static void
pretty_json(struct st_buf *b, const char *s, size_t n)
{
	int depth = 0;
	bool str = false, esc = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (str) {
			st_buf_addc(b, c);
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		switch (c) {
		case '"':
			str = true;
			st_buf_addc(b, c);
			break;
		case '{':
		case '[':
			st_buf_addc(b, c);
			depth++;
			st_buf_addc(b, '\n');
			for (int k = 0; k < depth; k++)
				st_buf_adds(b, "  ");
			break;
		case '}':
		case ']':
			depth = depth > 0 ? depth - 1 : 0;
			st_buf_addc(b, '\n');
			for (int k = 0; k < depth; k++)
				st_buf_adds(b, "  ");
			st_buf_addc(b, c);
			break;
		case ',':
			st_buf_addc(b, c);
			st_buf_addc(b, '\n');
			for (int k = 0; k < depth; k++)
				st_buf_adds(b, "  ");
			break;
		case ':':
			st_buf_adds(b, ": ");
			break;
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			break;
		default:
			st_buf_addc(b, c);
		}
	}
}

/* The detail of the selected event, as lines in b (one '\n' each). */
static void
detail_lines(struct viewer *vw, uint32_t seq, struct st_buf *b)
{
	struct st_event ev;
	st_store_get(vw->run->store, seq, &ev);
	const char *src = st_store_source_name(vw->run->store, ev.source);
	char t[40] = "untimed";
	if (ev.ts != ST_TIME_NONE)
		st_format_time(ev.ts, 6, t);
	const char *fmt = format_name(ev.format);
	st_buf_addf(b, "time      %s\nsource    %s:%u\nformat    %s\nlevel     %s\nkind      %s%s%s\n", t,
	            src, ev.line, fmt ? fmt : "-", ev.level ? st_level_name(ev.level) : "-",
	            st_kind_name(ev.kind), ev.flags & ST_EV_LATE ? ", arrived late" : "",
	            ev.flags & ST_EV_TRUNCATED ? ", truncated" : "");
	const char *note = st_view_bookmark_note(vw->view, seq);
	if (note)
		st_buf_addf(b, "bookmark  %s\n", note[0] ? note : "(no note)");
	struct st_notes *notes = vw->run->notes;
	struct st_change ch;
	struct st_symptom sy;
	if (notes && st_notes_change(notes, seq, &ch))
		st_buf_addf(b, "change    %s %s%s%s%s%s%s%s\n", ch.action ? ch.action : "",
		            ch.object ? ch.object : "", ch.ns ? " in " : "", ch.ns ? ch.ns : "",
		            ch.host ? " on " : "", ch.host ? ch.host : "", ch.actor ? " by " : "",
		            ch.actor ? ch.actor : "");
	if (notes && st_notes_symptom(notes, seq, &sy))
		st_buf_addf(b, "symptom   %s%s%s\n", sy.type, sy.detail ? ": " : "", sy.detail ? sy.detail : "");
	struct st_fields fs;
	st_format_fields(ev.format, ev.text, ev.len, &fs);
	if (fs.n) {
		st_buf_adds(b, "fields\n");
		for (unsigned i = 0; i < fs.n; i++) {
			st_buf_addf(b, "  %.*s = ", (int)fs.f[i].klen, fs.f[i].key);
			st_escape_text(b, fs.f[i].val, fs.f[i].vlen, 0);
			st_buf_addc(b, '\n');
		}
	}
	if (notes) {
		struct st_entities es;
		st_notes_entities(notes, &ev, &fs, &es);
		if (es.n) {
			st_buf_adds(b, "entities ");
			for (unsigned i = 0; i < es.n; i++)
				st_buf_addf(b, " %s:%s", st_entity_type_name(es.e[i].type), st_entity_value(&es, i));
			st_buf_addc(b, '\n');
		}
	}
	const struct st_series *s = ev.kind == ST_KIND_METRIC ? st_viewer_series(vw, seq) : NULL;
	if (s) {
		st_buf_addf(b, "series    %s{%s}: %zu points\n", s->name, s->labels, s->npoints);
		st_buf_adds(b, "\x01spark\n"); /* drawn by draw_detail */
	}
	st_buf_adds(b, "text\n");
	const char *j = ev.text;
	while (j < ev.text + ev.len && (*j == ' ' || *j == '\t'))
		j++;
	size_t jl = (size_t)(ev.text + ev.len - j);
	const char *brace = memchr(j, '{', jl < 200 ? jl : 200);
	if (brace && (brace == j || memchr(j, '\n', (size_t)(brace - j)) == NULL) && ev.text[ev.len - 1] == '}') {
		if (brace > j) {
			st_escape_text(b, j, (size_t)(brace - j), 0);
			st_buf_addc(b, '\n');
		}
		pretty_json(b, brace, (size_t)(ev.text + ev.len - brace));
		st_buf_addc(b, '\n');
	} else {
		st_buf_add(b, ev.text, ev.len);
		st_buf_addc(b, '\n');
	}
}

static void
draw_detail(struct viewer *vw, struct st_grid *g, const struct palette *p, int y0, int y1)
{
	panel_title(g, p, y0, "event   (j/k scroll, Enter/Esc close)", vw->colors);
	for (int y = y0 + 1; y < y1; y++)
		fill(g, y, 0, g->w, p->fg, p->bg);
	if (st_view_count(vw->view) == 0)
		return;
	uint32_t seq = st_view_seq(vw->view, st_view_selected(vw->view));
	struct st_buf b = {0};
	detail_lines(vw, seq, &b);
	size_t line = 0;
	int y = y0 + 1;
	const char *s = b.p, *end = b.p + b.len;
	while (s < end && y < y1) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		if (line++ >= vw->detail_off) {
			if (e - s == 6 && memcmp(s, "\x01spark", 6) == 0) {
				const struct st_series *sr = st_viewer_series(vw, seq);
				struct st_event ev;
				st_store_get(vw->run->store, seq, &ev);
				size_t at = point_of(sr, ev.ts, seq);
				double lo = 0, hi = 0;
				int sw = g->w - 40 > 8 ? g->w - 40 : 8;
				sparkline(g, 2, y, sw, sr, at, p->strip_here, p->match_bg ? p->match_bg : p->fg, p->bg,
				          &lo, &hi);
				textf(g, 2 + sw + 2, y, g->w, p->dim, p->bg, "min %g  max %g  now %g", lo, hi,
				      sr->points[at].value);
			} else {
				struct run r = {.g = g, .y = y, .x0 = 1, .avail = g->w - 1, .fg = p->fg, .bg = p->bg};
				run_text(&r, s, (size_t)(e - s));
			}
			y++;
		}
		s = e + 1;
	}
	st_buf_free(&b);
}

static void
draw_help(struct viewer *vw, struct st_grid *g, const struct palette *p)
{
	for (int y = 0; y < g->h; y++)
		fill(g, y, 0, g->w, p->fg, p->bg);
	panel_title(g, p, 0, "strata: keys   (j/k scroll, q/Esc/H close)", vw->colors);
	size_t i = 0;
	while (st_viewer_help[i] && i < vw->help_off)
		i++;
	for (int y = 1; y < g->h && st_viewer_help[i]; y++, i++)
		text(g, 1, y, g->w, st_viewer_help[i], p->fg, p->bg);
}

/* ---- the screen ---- */

void
st_viewer_render(struct viewer *vw, struct st_grid *g)
{
	struct palette p;
	palette_for(vw->colors, &p);
	for (int y = 0; y < g->h; y++)
		fill(g, y, 0, g->w, p.fg, p.bg);
	if (vw->panel == P_HELP) {
		draw_help(vw, g, &p);
		return;
	}
	int area = g->h - 3 > 1 ? g->h - 3 : 1; /* timeline and panel */
	int rows = area;
	if (vw->panel != P_NONE)
		rows = area / 2 > 1 ? area / 2 : 1;
	vw->rows = (unsigned)rows;

	size_t cnt = st_view_count(vw->view), sel = st_view_selected(vw->view);
	size_t i = st_view_top(vw->view);
	int y = 0;
	for (; y < rows && i < cnt; i++)
		y += draw_event(vw, g, &p, y, rows, st_view_seq(vw->view, i), i == sel);
	if (cnt == 0) {
		const char *why = st_sources_replaying(vw->run->sources) ? "reading..."
		                  : st_store_count(vw->run->store) ? "no event passes the filters (X clears "
		                                                   "them, l cycles the level)"
		                                                   : "no events yet";
		text(g, 2, rows / 2, g->w, why, p.dim, p.bg);
	}
	if (vw->panel == P_HINTS)
		draw_hints(vw, g, &p, rows, area);
	else if (vw->panel == P_SOURCES)
		draw_sources(vw, g, &p, rows, area);
	else if (vw->panel == P_DETAIL)
		draw_detail(vw, g, &p, rows, area);
	if (g->h >= 3)
		draw_strip(vw, g, &p, g->h - 3, rows);
	if (g->h >= 2)
		draw_status(vw, g, &p, g->h - 2);
	draw_help_line(vw, g, &p, g->h - 1);
}
