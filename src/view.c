/*
 * view.c: the viewer's model (see strata/view.h).
 *
 * Workload: the list holds up to hundreds of millions of sequence numbers
 * (4 bytes each) and is read a screenful at a time; keys move indices and
 * never walk it. What walks it (a filter rebuild, a seek for the next
 * match) is a job, done in slices of a time budget between loop passes.
 * Order lookups (a row by its event, a row by its time) are binary
 * searches with the store's own key comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "strata/store.h"
#include "strata/util.h"

#define FILTER_NOW 65536 /* a rebuild without filters of at most this many events is done at once */
#include "strata/view.h"

struct pattern {
	pcre2_code *code;
	pcre2_match_data *md;
	char *src;
	bool out;
};

struct mark {
	uint32_t seq;
	char *note;
};

enum job { JOB_NONE, JOB_FILTER, JOB_SEEK };

struct st_view {
	struct st_store *st;
	struct st_notes *notes;

	uint32_t *vis;
	size_t n, cap;
	size_t top, sel;
	unsigned height;
	uint32_t synced; /* store events read */
	bool follow, live, wrap;
	unsigned hoff;

	struct pattern filt[ST_VIEW_FILTERS_MAX];
	size_t nfilt;
	enum st_level min_level;
	uint8_t hidden[(ST_SOURCES_MAX + 8) / 8];
	size_t nhidden;

	struct pattern search;
	bool backward;

	enum job job;
	/* filter: the store's order read in slices into snap; events that
	 * arrive meanwhile (seq >= snap_synced) wait for the sync at the end */
	uint32_t *snap;
	size_t snap_n, snap_i, snap_kept, snap_cap; /* snap_i: events read of snap_n */
	uint32_t snap_last;     /* the last event read from the order */
	uint32_t *spare;        /* the list before the last rebuild: the next
	                         * one's copy, so that a filter does not fault in
	                         * fresh pages (40 MB at ten million events) */
	size_t spare_cap;
	uint32_t snap_synced;
	uint32_t anchor;        /* selected event when the rebuild began */
	size_t anchor_off;      /* its row on screen */
	/* seek */
	enum st_view_seek seek_what;
	int seek_dir;
	size_t seek_i;
	size_t seek_from;
	int seek_result;

	struct mark *marks; /* in store order */
	size_t nmarks, capmarks;
};

static uint64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
pattern_free(struct pattern *p)
{
	if (p->md)
		pcre2_match_data_free(p->md);
	if (p->code)
		pcre2_code_free(p->code);
	free(p->src);
	memset(p, 0, sizeof(*p));
}

/* Compile with smart case: case-insensitive unless the pattern has an
 * upper-case letter (an escape such as \S or \W counts as one: rare in
 * practice and on the safe side). */
static int
pattern_compile(struct pattern *p, const char *src, char *err, size_t errn)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	bool upper = false;
	for (const char *c = src; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			upper = true;
	if (!upper)
		opts |= PCRE2_CASELESS;
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		if (err && errn)
			snprintf(err, errn, "%s at offset %zu", (char *)msg, (size_t)off);
		return -1;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	p->code = re;
	p->md = pcre2_match_data_create_from_pattern(re, NULL);
	p->src = st_xstrdup(src);
	return 0;
}

static bool
pattern_match(const struct pattern *p, const char *text, size_t len)
{
	return pcre2_match(p->code, (PCRE2_SPTR)text, len, 0, 0, p->md, NULL) >= 0;
}

struct st_view *
st_view_new(struct st_store *st, struct st_notes *notes)
{
	struct st_view *v = st_xcalloc(1, sizeof(*v));
	v->st = st;
	v->notes = notes;
	v->height = 1;
	v->seek_result = -1;
	return v;
}

void
st_view_free(struct st_view *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nfilt; i++)
		pattern_free(&v->filt[i]);
	pattern_free(&v->search);
	for (size_t i = 0; i < v->nmarks; i++)
		free(v->marks[i].note);
	free(v->marks);
	free(v->snap);
	free(v->spare);
	free(v->vis);
	free(v);
}

/* ---- the list ---- */

static bool
all_pass(const struct st_view *v)
{
	return v->nfilt == 0 && v->min_level == ST_LVL_NONE && v->nhidden == 0;
}

static bool
passes(const struct st_view *v, uint32_t seq)
{
	if (all_pass(v))
		return true;
	struct st_event ev;
	st_store_get(v->st, seq, &ev);
	if (v->nhidden && (v->hidden[ev.source / 8] >> (ev.source % 8) & 1))
		return false;
	if (v->min_level != ST_LVL_NONE && ev.level < v->min_level)
		return false;
	for (size_t i = 0; i < v->nfilt; i++)
		if (pattern_match(&v->filt[i], ev.text, ev.len) == v->filt[i].out)
			return false;
	return true;
}

/* First row whose event is not before seq in the store's order. */
static size_t
lower_seq(const struct st_view *v, uint32_t seq)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st_store_key_cmp(v->st, v->vis[mid], seq) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
st_view_find_seq(const struct st_view *v, uint32_t seq)
{
	if (seq >= v->synced && v->job != JOB_FILTER)
		return SIZE_MAX;
	size_t i = lower_seq(v, seq);
	return i < v->n && v->vis[i] == seq ? i : SIZE_MAX;
}

size_t
st_view_find_time(const struct st_view *v, st_time t)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st_store_ts(v->st, v->vis[mid]) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
max_top(const struct st_view *v)
{
	return v->n > v->height ? v->n - v->height : 0;
}

/* Keep the selection inside the list and on screen. */
static void
settle(struct st_view *v)
{
	if (v->n == 0) {
		v->sel = v->top = 0;
		return;
	}
	if (v->sel >= v->n)
		v->sel = v->n - 1;
	if (v->top > max_top(v))
		v->top = max_top(v);
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->height)
		v->top = v->sel - v->height + 1;
}

static void
follow_end(struct st_view *v)
{
	if (v->n == 0) {
		/* fix: a filter that leaves nothing used to keep the old rows here,
		 * past the end of the list (st_view_selected is 0 when empty) */
		v->sel = v->top = 0;
		return;
	}
	v->sel = v->n - 1;
	v->top = max_top(v);
}

static void
reserve(struct st_view *v, size_t n)
{
	if (n <= v->cap)
		return;
	size_t cap = v->cap ? v->cap : 4096;
	while (cap < n)
		cap *= 2;
	v->vis = st_xreallocarray(v->vis, cap, sizeof(*v->vis));
	v->cap = cap;
}

static const struct st_store *sort_store; /* qsort's comparison has no argument */

static int
cmp_keys(const void *a, const void *b)
{
	return st_store_key_cmp(sort_store, *(const uint32_t *)a, *(const uint32_t *)b);
}

bool
st_view_sync(struct st_view *v)
{
	if (v->job == JOB_FILTER)
		return false; /* the rebuild's list takes the new events when done */
	uint32_t end = (uint32_t)st_store_count(v->st);
	if (end == v->synced)
		return false;
	uint32_t top_seq = v->n ? v->vis[v->top] : ST_VIEW_NONE;
	uint32_t sel_seq = v->n ? v->vis[v->sel] : ST_VIEW_NONE;
	uint32_t *late = NULL;
	size_t nlate = 0, caplate = 0;
	size_t before = v->n;
	for (uint32_t s = v->synced; s < end; s++) {
		if (!passes(v, s))
			continue;
		if (v->n == 0 || st_store_key_cmp(v->st, v->vis[v->n - 1], s) < 0) {
			reserve(v, v->n + 1);
			v->vis[v->n++] = s;
		} else {
			if (nlate == caplate) {
				caplate = caplate ? caplate * 2 : 256;
				late = st_xreallocarray(late, caplate, sizeof(*late));
			}
			late[nlate++] = s;
		}
	}
	v->synced = end;
	if (nlate > 0) {
		sort_store = v->st;
		qsort(late, nlate, sizeof(*late), cmp_keys);
		reserve(v, v->n + nlate);
		/* merge from the back, in place */
		size_t i = v->n, j = nlate, k = v->n + nlate;
		while (j > 0) {
			if (i > 0 && st_store_key_cmp(v->st, v->vis[i - 1], late[j - 1]) > 0)
				v->vis[--k] = v->vis[--i];
			else
				v->vis[--k] = late[--j];
		}
		v->n += nlate;
		free(late);
	}
	if (v->follow) {
		follow_end(v);
	} else if (top_seq != ST_VIEW_NONE) {
		/* the same events stay on screen */
		v->top = lower_seq(v, top_seq);
		v->sel = lower_seq(v, sel_seq);
		settle(v);
	} else {
		settle(v);
	}
	if (v->job == JOB_SEEK && nlate > 0) {
		v->seek_i = v->seek_dir > 0 ? v->sel + 1 : v->sel; /* rows moved: scan again from here */
		v->seek_from = v->seek_i; /* fix: else the progress wraps (backward seeks) */
	}
	return v->n != before;
}

/* ---- jobs ---- */

static void
filter_finish(struct st_view *v)
{
	/* fix: the user may have moved in the old list while the rebuild ran
	 * (it is not changed meanwhile: sync waits); keep what is selected
	 * now, not what was when the rebuild began */
	if (v->n > 0) {
		v->anchor = v->vis[v->sel];
		v->anchor_off = v->sel >= v->top ? v->sel - v->top : 0;
	}
	free(v->spare);
	v->spare = v->vis;
	v->spare_cap = v->cap;
	v->vis = v->snap;
	v->cap = v->snap_cap;
	v->n = v->snap_kept;
	v->snap = NULL;
	v->snap_n = v->snap_i = v->snap_kept = v->snap_cap = 0;
	v->synced = v->snap_synced;
	v->job = JOB_NONE;
	/* fix: take the events that arrived during the rebuild before placing
	 * the selection (it used to be placed first), so that the nearest
	 * event following a filtered-out one may be one of them */
	v->sel = v->top = 0;
	st_view_sync(v);
	if (v->follow) {
		follow_end(v);
	} else if (v->anchor == ST_VIEW_NONE) {
		v->sel = v->top = 0;
	} else {
		v->sel = lower_seq(v, v->anchor);
		v->top = v->sel > v->anchor_off ? v->sel - v->anchor_off : 0;
		settle(v);
	}
}

/* Start again from the store's order with the current filters. The order
 * is read in slices by st_view_work (not copied here: that is 40 MB at
 * ten million events, too long for a keypress). */
static void
rebuild(struct st_view *v)
{
	if (v->job == JOB_SEEK) {
		v->seek_result = -1;
	}
	if (v->job != JOB_FILTER) {
		v->anchor = v->n ? v->vis[v->sel] : ST_VIEW_NONE;
		v->anchor_off = v->sel >= v->top ? v->sel - v->top : 0;
	}
	size_t n = st_store_count(v->st);
	if (v->snap == NULL && v->spare && v->spare_cap >= n) { /* reuse: see spare */
		v->snap = v->spare;
		v->snap_cap = v->spare_cap;
		v->spare = NULL;
		v->spare_cap = 0;
	}
	if (v->snap == NULL || v->snap_cap < n) {
		free(v->snap);
		v->snap_cap = n ? n + n / 8 : 1;
		/* not touched here: its pages fault in as the slices fill them */
		v->snap = st_xreallocarray(NULL, v->snap_cap, sizeof(*v->snap));
	}
	v->snap_n = n;
	v->snap_i = v->snap_kept = 0;
	v->snap_last = ST_VIEW_NONE;
	v->snap_synced = (uint32_t)n;
	v->job = JOB_FILTER;
	if (all_pass(v) && n <= FILTER_NOW) /* nothing to test, and little: at once */
		st_view_work(v, UINT64_MAX);
}

/* One slice of the rebuild: events of the store's order from the last
 * one read, while the budget lasts. Late events may have been merged into
 * the order since the last slice, so the place is found again by key;
 * they and any other new event are left to the sync at the end. */
static bool
filter_slice(struct st_view *v, uint64_t t0, uint64_t budget_us)
{
	size_t n;
	const uint32_t *order = st_store_order(v->st, &n);
	size_t i = 0;
	if (v->snap_last != ST_VIEW_NONE) {
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (st_store_key_cmp(v->st, order[mid], v->snap_last) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	bool all = all_pass(v);
	while (i < n) {
		size_t end = i + 4096 < n ? i + 4096 : n;
		v->snap_i += end - i; /* for the progress: the order may have grown */
		for (; i < end; i++) {
			uint32_t s = order[i];
			if (s >= v->snap_synced || !(all || passes(v, s)))
				continue;
			v->snap[v->snap_kept++] = s;
		}
		v->snap_last = order[i - 1];
		if (i < n && now_us() - t0 >= budget_us)
			return true;
	}
	return false;
}

static bool
seek_hit(struct st_view *v, uint32_t seq)
{
	struct st_event ev;
	st_store_get(v->st, seq, &ev);
	switch (v->seek_what) {
	case ST_SEEK_MATCH:
		return v->search.code && pattern_match(&v->search, ev.text, ev.len);
	case ST_SEEK_CHANGE:
		return ev.kind == ST_KIND_CHANGE;
	case ST_SEEK_ERROR:
		return ev.level >= ST_LVL_ERROR;
	case ST_SEEK_BOOKMARK:
		return false; /* found without a scan */
	}
	return false;
}

bool
st_view_work(struct st_view *v, uint64_t budget_us)
{
	uint64_t t0 = now_us();
	if (v->job == JOB_FILTER) {
		if (filter_slice(v, t0, budget_us))
			return true;
		filter_finish(v);
		return false;
	}
	if (v->job == JOB_SEEK) {
		for (;;) {
			size_t chunk = 4096;
			while (chunk-- > 0) {
				if (v->seek_dir > 0 ? v->seek_i >= v->n : v->seek_i == 0) {
					v->job = JOB_NONE;
					v->seek_result = -1;
					return false;
				}
				size_t i = v->seek_dir > 0 ? v->seek_i++ : --v->seek_i;
				if (seek_hit(v, v->vis[i])) {
					v->job = JOB_NONE;
					v->seek_result = 1;
					v->follow = false;
					st_view_select(v, i);
					return false;
				}
			}
			if (now_us() - t0 >= budget_us)
				return true;
		}
	}
	return false;
}

double
st_view_progress(const struct st_view *v)
{
	if (v->job == JOB_FILTER)
		return v->snap_n && v->snap_i < v->snap_n ? (double)v->snap_i / (double)v->snap_n : 1.0;
	if (v->job == JOB_SEEK) {
		if (v->n == 0)
			return 1.0;
		size_t done = v->seek_dir > 0 ? v->seek_i - v->seek_from : v->seek_from - v->seek_i;
		size_t all = v->seek_dir > 0 ? v->n - v->seek_from : v->seek_from;
		return all ? (double)done / (double)all : 1.0;
	}
	return -1;
}

const char *
st_view_job_name(const struct st_view *v)
{
	return v->job == JOB_FILTER ? "filtering" : v->job == JOB_SEEK ? "searching" : NULL;
}

/* ---- the list, read ---- */

size_t
st_view_count(const struct st_view *v)
{
	return v->n;
}

uint32_t
st_view_seq(const struct st_view *v, size_t i)
{
	return v->vis[i];
}

size_t
st_view_top(const struct st_view *v)
{
	return v->top;
}

size_t
st_view_selected(const struct st_view *v)
{
	return v->sel;
}

/* ---- moving ---- */

void
st_view_set_height(struct st_view *v, unsigned rows)
{
	v->height = rows ? rows : 1;
	if (v->follow)
		follow_end(v);
	settle(v);
}

void
st_view_move(struct st_view *v, long delta)
{
	if (v->n == 0)
		return;
	if (delta < 0) {
		v->follow = false;
		v->sel = (size_t)-delta > v->sel ? 0 : v->sel - (size_t)-delta;
	} else {
		v->sel = v->sel + (size_t)delta >= v->n ? v->n - 1 : v->sel + (size_t)delta;
	}
	settle(v);
}

void
st_view_page(struct st_view *v, long pages)
{
	if (v->n == 0)
		return;
	size_t d = (size_t)(pages < 0 ? -pages : pages) * v->height;
	if (pages < 0) {
		v->follow = false;
		v->top = d > v->top ? 0 : v->top - d;
		v->sel = d > v->sel ? 0 : v->sel - d;
	} else {
		v->top = v->top + d > max_top(v) ? max_top(v) : v->top + d;
		v->sel = v->sel + d >= v->n ? v->n - 1 : v->sel + d;
	}
	settle(v);
}

void
st_view_home(struct st_view *v)
{
	v->follow = false;
	v->sel = v->top = 0;
}

void
st_view_end(struct st_view *v)
{
	if (v->live)
		v->follow = true;
	follow_end(v);
}

void
st_view_select(struct st_view *v, size_t i)
{
	if (v->n == 0)
		return;
	if (i >= v->n)
		i = v->n - 1;
	if (i != v->n - 1)
		v->follow = false;
	v->sel = i;
	if (i < v->top || i >= v->top + v->height)
		v->top = i > v->height / 2 ? i - v->height / 2 : 0;
	settle(v);
}

void
st_view_scroll(struct st_view *v, long delta)
{
	if (v->n == 0)
		return;
	if (delta < 0) {
		v->follow = false;
		v->top = (size_t)-delta > v->top ? 0 : v->top - (size_t)-delta;
		if (v->sel >= v->top + v->height)
			v->sel = v->top + v->height - 1;
	} else {
		v->top = v->top + (size_t)delta > max_top(v) ? max_top(v) : v->top + (size_t)delta;
		if (v->sel < v->top)
			v->sel = v->top;
	}
	settle(v);
}

void
st_view_set_top(struct st_view *v, size_t i)
{
	if (v->n == 0)
		return;
	v->top = i >= v->n ? v->n - 1 : i;
	if (v->sel < v->top)
		v->sel = v->top;
	/* fix: below the screen too (view.h: the selection is kept on screen);
	 * no settle, which would pull top back from the end */
	if (v->sel - v->top >= v->height)
		v->sel = v->top + v->height - 1;
}

void
st_view_set_follow(struct st_view *v, bool on)
{
	v->follow = on;
	if (on)
		follow_end(v);
}

bool
st_view_follow(const struct st_view *v)
{
	return v->follow;
}

void
st_view_set_live(struct st_view *v, bool live)
{
	v->live = live;
	if (!live)
		v->follow = false;
}

/* ---- filters ---- */

int
st_view_filter_add(struct st_view *v, bool out, const char *pattern, char *err, size_t errn)
{
	if (v->nfilt == ST_VIEW_FILTERS_MAX) {
		snprintf(err, errn, "at most %d filters (X clears them)", ST_VIEW_FILTERS_MAX);
		return -1;
	}
	struct pattern *p = &v->filt[v->nfilt];
	if (pattern_compile(p, pattern, err, errn) < 0)
		return -1;
	p->out = out;
	v->nfilt++;
	rebuild(v);
	return 0;
}

void
st_view_filters_clear(struct st_view *v)
{
	if (v->nfilt == 0)
		return;
	for (size_t i = 0; i < v->nfilt; i++)
		pattern_free(&v->filt[i]);
	v->nfilt = 0;
	rebuild(v);
}

size_t
st_view_filter_count(const struct st_view *v)
{
	return v->nfilt;
}

const char *
st_view_filter_pattern(const struct st_view *v, size_t i, bool *out)
{
	if (out)
		*out = v->filt[i].out;
	return v->filt[i].src;
}

void
st_view_set_level(struct st_view *v, enum st_level l)
{
	if (v->min_level == l)
		return;
	v->min_level = l;
	rebuild(v);
}

enum st_level
st_view_level(const struct st_view *v)
{
	return v->min_level;
}

enum st_level
st_view_level_cycle(struct st_view *v)
{
	enum st_level next;
	switch (v->min_level) {
	case ST_LVL_NONE:
		next = ST_LVL_INFO;
		break;
	case ST_LVL_INFO:
		next = ST_LVL_WARN;
		break;
	case ST_LVL_WARN:
		next = ST_LVL_ERROR;
		break;
	default:
		next = ST_LVL_NONE;
		break;
	}
	st_view_set_level(v, next);
	return next;
}

void
st_view_set_hidden(struct st_view *v, unsigned src, bool hidden)
{
	if (src > ST_SOURCES_MAX || st_view_hidden(v, src) == hidden)
		return;
	if (hidden) {
		v->hidden[src / 8] |= (uint8_t)(1u << (src % 8));
		v->nhidden++;
	} else {
		v->hidden[src / 8] &= (uint8_t) ~(1u << (src % 8));
		v->nhidden--;
	}
	rebuild(v);
}

bool
st_view_hidden(const struct st_view *v, unsigned src)
{
	return src <= ST_SOURCES_MAX && (v->hidden[src / 8] >> (src % 8) & 1);
}

/* ---- search and seeks ---- */

int
st_view_search(struct st_view *v, const char *pattern, bool backward, char *err, size_t errn)
{
	struct pattern p = {0};
	if (pattern && pattern[0] && pattern_compile(&p, pattern, err, errn) < 0)
		return -1;
	pattern_free(&v->search);
	v->search = p;
	v->backward = backward;
	if (v->search.code)
		st_view_seek(v, ST_SEEK_MATCH, backward ? -1 : 1);
	return 0;
}

const char *
st_view_search_pattern(const struct st_view *v)
{
	return v->search.src;
}

bool
st_view_search_backward(const struct st_view *v)
{
	return v->backward;
}

size_t
st_view_match(struct st_view *v, const char *text, size_t len, uint32_t *ranges, size_t max)
{
	if (v->search.code == NULL)
		return 0;
	size_t k = 0;
	PCRE2_SIZE at = 0;
	while (k < max && at <= len) {
		int rc = pcre2_match(v->search.code, (PCRE2_SPTR)text, len, at, 0, v->search.md, NULL);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(v->search.md);
		ranges[2 * k] = (uint32_t)ov[0];
		ranges[2 * k + 1] = (uint32_t)ov[1];
		k++;
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1; /* an empty match moves on */
	}
	return k;
}

static int
seek_bookmark(struct st_view *v, int dir)
{
	size_t nm = v->nmarks;
	if (nm == 0 || v->n == 0)
		return -1;
	uint32_t cur = v->vis[v->sel];
	size_t after = 0, before = 0; /* marks[after] is the first after cur; [0, before) are before it */
	while (after < nm && st_store_key_cmp(v->st, v->marks[after].seq, cur) <= 0)
		after++;
	while (before < nm && st_store_key_cmp(v->st, v->marks[before].seq, cur) < 0)
		before++;
	for (size_t step = 0; step < nm; step++) { /* wrapping around */
		size_t k = dir > 0 ? (after + step) % nm : (before + nm - 1 - step) % nm;
		if (v->marks[k].seq == cur)
			continue;
		size_t row = st_view_find_seq(v, v->marks[k].seq);
		if (row != SIZE_MAX) {
			st_view_select(v, row);
			v->follow = false;
			return 1;
		}
	}
	return -1;
}

void
st_view_seek(struct st_view *v, enum st_view_seek what, int dir)
{
	if (v->job == JOB_FILTER) {
		v->seek_result = -1; /* the list is being rebuilt; the user presses again */
		return;
	}
	v->job = JOB_NONE;
	if (what == ST_SEEK_BOOKMARK) {
		v->seek_result = seek_bookmark(v, dir);
		return;
	}
	if (v->n == 0 || (what == ST_SEEK_MATCH && v->search.code == NULL)) {
		v->seek_result = -1;
		return;
	}
	v->seek_what = what;
	v->seek_dir = dir > 0 ? 1 : -1;
	v->seek_i = dir > 0 ? v->sel + 1 : v->sel;
	v->seek_from = v->seek_i;
	v->seek_result = 0;
	v->job = JOB_SEEK;
}

int
st_view_seek_result(const struct st_view *v)
{
	return v->seek_result;
}

/* ---- bookmarks ---- */

static size_t
mark_find(const struct st_view *v, uint32_t seq)
{
	for (size_t i = 0; i < v->nmarks; i++)
		if (v->marks[i].seq == seq)
			return i;
	return SIZE_MAX;
}

void
st_view_bookmark(struct st_view *v, uint32_t seq, const char *note)
{
	size_t i = mark_find(v, seq);
	if (i != SIZE_MAX) {
		free(v->marks[i].note);
		v->marks[i].note = st_xstrdup(note ? note : "");
		return;
	}
	if (v->nmarks == v->capmarks) {
		v->capmarks = v->capmarks ? v->capmarks * 2 : 16;
		v->marks = st_xreallocarray(v->marks, v->capmarks, sizeof(*v->marks));
	}
	size_t at = 0;
	while (at < v->nmarks && st_store_key_cmp(v->st, v->marks[at].seq, seq) < 0)
		at++;
	memmove(&v->marks[at + 1], &v->marks[at], (v->nmarks - at) * sizeof(*v->marks));
	v->marks[at].seq = seq;
	v->marks[at].note = st_xstrdup(note ? note : "");
	v->nmarks++;
}

bool
st_view_unbookmark(struct st_view *v, uint32_t seq)
{
	size_t i = mark_find(v, seq);
	if (i == SIZE_MAX)
		return false;
	free(v->marks[i].note);
	memmove(&v->marks[i], &v->marks[i + 1], (v->nmarks - i - 1) * sizeof(*v->marks));
	v->nmarks--;
	return true;
}

const char *
st_view_bookmark_note(const struct st_view *v, uint32_t seq)
{
	size_t i = mark_find(v, seq);
	return i == SIZE_MAX ? NULL : v->marks[i].note;
}

size_t
st_view_bookmark_count(const struct st_view *v)
{
	return v->nmarks;
}

uint32_t
st_view_bookmark_seq(const struct st_view *v, size_t i)
{
	return v->marks[i].seq;
}

/* ---- columns ---- */

void
st_view_hscroll(struct st_view *v, long delta)
{
	if (delta < 0)
		v->hoff = (unsigned long)-delta > v->hoff ? 0 : v->hoff - (unsigned)-delta;
	else
		v->hoff = v->hoff + (unsigned long)delta > 1u << 24 ? 1u << 24 : v->hoff + (unsigned)delta;
}

unsigned
st_view_hoffset(const struct st_view *v)
{
	return v->wrap ? 0 : v->hoff;
}

void
st_view_set_wrap(struct st_view *v, bool on)
{
	v->wrap = on;
}

bool
st_view_wrap(const struct st_view *v)
{
	return v->wrap;
}

/* ---- density ---- */

bool
st_view_density(const struct st_view *v, uint32_t *counts, size_t n, st_time *t0, st_time *t1)
{
	memset(counts, 0, n * sizeof(*counts));
	size_t first = st_view_find_time(v, ST_TIME_NONE + 1);
	if (n == 0 || first >= v->n)
		return false;
	st_time a = st_store_ts(v->st, v->vis[first]), b = st_store_ts(v->st, v->vis[v->n - 1]);
	*t0 = a;
	*t1 = b;
	if (b <= a)
		return false;
	double span = (double)(b - a);
	size_t lo = first;
	for (size_t k = 0; k < n; k++) {
		size_t hi;
		if (k + 1 == n) {
			hi = v->n;
		} else {
			st_time edge = a + (st_time)(span * (double)(k + 1) / (double)n);
			hi = st_view_find_time(v, edge);
		}
		counts[k] = (uint32_t)(hi - lo);
		lo = hi;
	}
	return true;
}
