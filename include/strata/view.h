/*
 * view.h: the viewer's model. What the timeline shows (the events that
 * pass the filters, in time order), where the screen is on it, what is
 * selected, the search, follow mode and the bookmarks. Plain C: no
 * terminal, tested by tests/test_view.c; the viewer (src/viewer.c) turns
 * keys into these calls and src/view-render.c draws the result.
 *
 * The list: `vis`, the sequence numbers of the events that pass, ordered
 * by (time, source, line, seq) as the store orders them. It is kept up to
 * date by st_view_sync: events that arrive in order are appended; late
 * ones are merged into their time place, and the top row and the
 * selection stay on the same events (what the user looks at does not
 * move). A changed filter rebuilds the list from a copy of the store's
 * order in slices (st_view_work), so that a regex over ten million
 * events never freezes the screen; until it is done, the old list stays
 * and st_view_progress says how far the new one is.
 *
 * Seeks (search n/N, next change, next error, next bookmark) are jobs too:
 * they scan from the selection in slices and move the selection when they
 * find their event. A new seek or filter cancels a running seek.
 *
 * Ownership: the view borrows the store and the notes (which must outlive
 * it) and owns its lists, patterns and bookmarks. Only the loop thread
 * touches it.
 */
#ifndef STRATA_VIEW_H
#define STRATA_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/event.h"
#include "strata/stime.h"

struct st_store;
struct st_notes;
struct st_view;

#define ST_VIEW_FILTERS_MAX 16
#define ST_VIEW_NONE UINT32_MAX

enum st_view_seek {
	ST_SEEK_MATCH,    /* the search pattern */
	ST_SEEK_CHANGE,   /* kind change */
	ST_SEEK_ERROR,    /* level error or fatal */
	ST_SEEK_BOOKMARK,
};

struct st_view *st_view_new(struct st_store *st, struct st_notes *notes);
void st_view_free(struct st_view *v);

/* Rows of the timeline on screen (the page size); at least 1. */
void st_view_set_height(struct st_view *v, unsigned rows);

/*
 * Read the events that arrived since the last call and place those that
 * pass. In follow mode the selection moves to the newest event. Returns
 * true when the list changed.
 */
bool st_view_sync(struct st_view *v);

/*
 * Do up to budget_us microseconds of pending work (a filter rebuild, a
 * seek). Returns true while work remains. st_view_progress: 0..1 of the
 * running job, or -1 when none runs; st_view_job_name: "filtering",
 * "searching", or NULL.
 */
bool st_view_work(struct st_view *v, uint64_t budget_us);
double st_view_progress(const struct st_view *v);
const char *st_view_job_name(const struct st_view *v);

/* The list. */
size_t st_view_count(const struct st_view *v);
uint32_t st_view_seq(const struct st_view *v, size_t i); /* i < count */
size_t st_view_top(const struct st_view *v);
size_t st_view_selected(const struct st_view *v);      /* 0 when empty */
/* The row index of the event with this sequence number, or SIZE_MAX when it
 * does not pass the filters. */
size_t st_view_find_seq(const struct st_view *v, uint32_t seq);
/* The first row at or after time t (count when none). */
size_t st_view_find_time(const struct st_view *v, st_time t);

/*
 * Moving. st_view_move: by delta rows (negative: up); st_view_page: by
 * pages; st_view_home / st_view_end (end turns follow on when the run is
 * live); st_view_select: to row i, scrolled into view (centred when it
 * was off screen). Moving up turns follow off.
 */
void st_view_move(struct st_view *v, long delta);
void st_view_page(struct st_view *v, long pages);
void st_view_home(struct st_view *v);
void st_view_end(struct st_view *v);
void st_view_select(struct st_view *v, size_t i);
/* Scroll the screen by delta rows without moving the selection past it
 * (the mouse wheel). */
void st_view_scroll(struct st_view *v, long delta);

/* Set the top row (the viewer does, when wrapped rows push the selection
 * off the screen); the selection is kept on screen. */
void st_view_set_top(struct st_view *v, size_t i);

/* Follow: the selection stays on the newest event as events arrive.
 * Live: some source may still produce; only then does `end` follow. */
void st_view_set_follow(struct st_view *v, bool on);
bool st_view_follow(const struct st_view *v);
void st_view_set_live(struct st_view *v, bool live);

/*
 * Filters. Filters in (f): an event must match every one; filters out
 * (x): an event matching any one is hidden. Patterns are pcre2 (UTF,
 * invalid UTF-8 matched bytewise), case-sensitive unless they have no
 * upper-case letter (smart case, as in less -i and lnav). Adding returns
 * 0, or -1 with a message in err (the pcre2 error and its offset) when
 * the pattern does not compile, or when ST_VIEW_FILTERS_MAX are set.
 */
int st_view_filter_add(struct st_view *v, bool out, const char *pattern, char *err, size_t errn);
void st_view_filters_clear(struct st_view *v);
size_t st_view_filter_count(const struct st_view *v);
const char *st_view_filter_pattern(const struct st_view *v, size_t i, bool *out);
/* Minimum level (ST_LVL_NONE: all). st_view_level_cycle: all, info,
 * warn, error, then all again; returns the new level. */
void st_view_set_level(struct st_view *v, enum st_level l);
enum st_level st_view_level(const struct st_view *v);
enum st_level st_view_level_cycle(struct st_view *v);
/* Hide or show a source's events. */
void st_view_set_hidden(struct st_view *v, unsigned src, bool hidden);
bool st_view_hidden(const struct st_view *v, unsigned src);

/*
 * Search: set the pattern (same rules as filters; NULL or "" clears it),
 * then seek. backward: the direction of / (false) or ? (true); n repeats
 * it, N goes the other way. Returns 0 or -1 with err as above.
 * st_view_match: the byte ranges of the pattern's matches in text, for
 * highlighting: up to max (start, end) pairs, returns how many.
 */
int st_view_search(struct st_view *v, const char *pattern, bool backward, char *err, size_t errn);
const char *st_view_search_pattern(const struct st_view *v);
bool st_view_search_backward(const struct st_view *v);
size_t st_view_match(struct st_view *v, const char *text, size_t len, uint32_t *ranges,
                     size_t max);

/*
 * Seek the next (dir 1) or previous (dir -1) event of a kind from the
 * selection. The seek runs as a job; st_view_seek_result says how the
 * last one ended: 1 found (the selection moved), 0 still running, -1 not
 * found (the selection stays; the viewer says so).
 */
void st_view_seek(struct st_view *v, enum st_view_seek what, int dir);
int st_view_seek_result(const struct st_view *v);

/* Bookmarks: by sequence number, with an optional note (copied). Setting
 * one on an event that has one replaces its note; an empty note is kept
 * as "". */
void st_view_bookmark(struct st_view *v, uint32_t seq, const char *note);
bool st_view_unbookmark(struct st_view *v, uint32_t seq);
const char *st_view_bookmark_note(const struct st_view *v, uint32_t seq); /* NULL: none */
size_t st_view_bookmark_count(const struct st_view *v);
uint32_t st_view_bookmark_seq(const struct st_view *v, size_t i); /* in time order */

/* Horizontal scroll (columns of text skipped) and wrapping. */
void st_view_hscroll(struct st_view *v, long delta);
unsigned st_view_hoffset(const struct st_view *v);
void st_view_set_wrap(struct st_view *v, bool on);
bool st_view_wrap(const struct st_view *v);

/*
 * The density strip: counts of the listed events in n equal time buckets
 * from the first listed event's time to the last's (untimed events left
 * out), by binary search, so it costs O(n log count). Returns false when
 * the list has fewer than two distinct times. *t0, *t1: the span.
 */
bool st_view_density(const struct st_view *v, uint32_t *counts, size_t n, st_time *t0,
                     st_time *t1);

#endif
