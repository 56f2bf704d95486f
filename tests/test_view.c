/*
 * test_view.c: the viewer's model (src/view.c): what the timeline lists
 * (sync of in-order and late events, filters, level, hidden sources),
 * where the screen and the selection are (moves, pages, follow, scroll),
 * the search and the seeks run as jobs, bookmarks, and the density strip;
 * then random operations against an oracle, and a million events.
 * Stores are built by hand with st_store_append; the expected lists are
 * worked out from the test's own data, not from the view.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/store.h"
#include "strata/view.h"
#include "testutil.h"

/* ---- helpers ---- */

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
free_view(void *p)
{
	st_view_free(p);
}

static struct st_store *
new_store(int nsrc)
{
	struct st_store *st = tu_keep(st_store_new(), free_store);
	static const char *const names[] = {"a.log", "b.log", "c.log"};
	for (int i = 0; i < nsrc; i++)
		assert_int_equal(st_store_add_source(st, names[i]), i);
	return st;
}

static struct st_view *
new_view(struct st_store *st, unsigned height)
{
	struct st_view *v = tu_keep(st_view_new(st, NULL), free_view);
	st_view_set_height(v, height);
	return v;
}

static uint32_t
add(struct st_store *st, unsigned src, uint32_t line, st_time ts, int level, const char *text)
{
	struct st_draft d = {.ts = ts, .level = (uint8_t)level, .kind = ST_KIND_LOG};
	return st_store_append(st, src, line, &d, 0, 0, text, strlen(text));
}

/* n events of source 0 at times 0, 10, 20, ... s, text "event <i>". */
static void
add_seconds(struct st_store *st, int n)
{
	char text[64];
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "event %d", i);
		add(st, 0, (uint32_t)i + 1, (st_time)i * 10 * ST_USEC, ST_LVL_INFO, text);
	}
}

/*
 * Run the pending job to its end with no time budget: every call must
 * make progress (st_view_progress grows) and the job must end.
 */
static void
drain(struct st_view *v)
{
	double last = -1;
	long calls = 0;
	while (st_view_work(v, 0)) {
		double p = st_view_progress(v);
		if (!(p > last && p <= 1.0)) {
			print_error("work call %ld: progress %f after %f\n", calls, p, last);
			fail();
		}
		last = p;
		assert_true(++calls < 1000000);
	}
	assert_true(st_view_progress(v) == -1);
	assert_null(st_view_job_name(v));
}

/* The list holds exactly want[0..n), in that order. */
static void
assert_list(const struct st_view *v, const uint32_t *want, size_t n)
{
	if (st_view_count(v) != n) {
		print_error("the list has %zu rows, want %zu\n", st_view_count(v), n);
		fail();
	}
	for (size_t i = 0; i < n; i++)
		if (st_view_seq(v, i) != want[i]) {
			print_error("row %zu: seq %u, want %u\n", i, st_view_seq(v, i), want[i]);
			fail();
		}
}

/* The list is in the store's order (time, source, line, seq). */
static void
assert_sorted(const struct st_view *v, const struct st_store *st)
{
	for (size_t i = 1; i < st_view_count(v); i++)
		if (st_store_key_cmp(st, st_view_seq(v, i - 1), st_view_seq(v, i)) >= 0) {
			print_error("rows %zu and %zu (seq %u, %u) out of order\n", i - 1, i,
			            st_view_seq(v, i - 1), st_view_seq(v, i));
			fail();
		}
}

static uint32_t
sel_seq(const struct st_view *v)
{
	return st_view_seq(v, st_view_selected(v));
}

static uint32_t
top_seq(const struct st_view *v)
{
	return st_view_seq(v, st_view_top(v));
}

/* The selection is a row of the list and on the screen. */
static void
assert_on_screen(const struct st_view *v, unsigned height)
{
	size_t s = st_view_selected(v), t = st_view_top(v);
	if (st_view_count(v) == 0) {
		assert_int_equal(s, 0);
		assert_int_equal(t, 0);
		return;
	}
	assert_true(s < st_view_count(v));
	assert_true(t <= s);
	assert_true(s < t + height);
}

/* ---- sync ---- */

static void
test_sync_in_order(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	struct st_view *v = new_view(st, 4);
	assert_false(st_view_sync(v)); /* nothing yet */
	assert_int_equal(st_view_count(v), 0);
	assert_int_equal(st_view_selected(v), 0);
	add_seconds(st, 10);
	assert_true(st_view_sync(v));
	uint32_t want[15];
	for (uint32_t i = 0; i < 15; i++)
		want[i] = i;
	assert_list(v, want, 10);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);
	assert_false(st_view_sync(v));
	/* more in order: appended; not following, the selection stays */
	st_view_move(v, 2);
	char text[32];
	for (int i = 10; i < 15; i++) {
		snprintf(text, sizeof(text), "event %d", i);
		add(st, 0, (uint32_t)i + 1, (st_time)i * 10 * ST_USEC, ST_LVL_INFO, text);
	}
	assert_true(st_view_sync(v));
	assert_list(v, want, 15);
	assert_int_equal(st_view_selected(v), 2);
	assert_int_equal(st_view_top(v), 0);
	assert_false(st_view_follow(v));
	tu_release(v);
	tu_release(st);
}

static void
test_sync_late_keeps_rows(void **state)
{
	(void)state;
	struct st_store *st = new_store(2);
	add_seconds(st, 100); /* seq i at 10*i s */
	struct st_view *v = new_view(st, 10);
	st_view_sync(v);
	st_view_select(v, 50); /* centred: top 45 */
	assert_int_equal(st_view_top(v), 45);
	assert_int_equal(sel_seq(v), 50);
	/* late events, earlier in time than the newest: two before the screen,
	 * one between the top row and the selection, one after it */
	uint32_t a = add(st, 1, 1, 5 * ST_USEC, ST_LVL_INFO, "late a");
	uint32_t b = add(st, 1, 2, 15 * ST_USEC, ST_LVL_INFO, "late b");
	uint32_t c = add(st, 1, 3, 475 * ST_USEC, ST_LVL_INFO, "late c");
	uint32_t d = add(st, 1, 4, 975 * ST_USEC, ST_LVL_INFO, "late d");
	/* and one in order at the end */
	uint32_t e = add(st, 0, 101, 2000 * ST_USEC, ST_LVL_INFO, "new");
	assert_true(st_view_sync(v));
	assert_int_equal(st_view_count(v), 105);
	assert_sorted(v, st);
	assert_int_equal(st_view_find_seq(v, a), 1);
	assert_int_equal(st_view_find_seq(v, b), 3);
	assert_int_equal(st_view_find_seq(v, c), 50);
	assert_int_equal(st_view_find_seq(v, d), 101);
	assert_int_equal(st_view_find_seq(v, e), 104);
	/* what the user looks at did not move: same events, not same rows */
	assert_int_equal(top_seq(v), 45);
	assert_int_equal(sel_seq(v), 50);
	assert_int_equal(st_view_top(v), 47);
	assert_int_equal(st_view_selected(v), 53);
	assert_false(st_view_follow(v));
	tu_release(v);
	tu_release(st);
}

static void
test_sync_follow(void **state)
{
	(void)state;
	struct st_store *st = new_store(2);
	struct st_view *v = new_view(st, 5);
	st_view_set_live(v, true);
	st_view_set_follow(v, true);
	add_seconds(st, 20);
	st_view_sync(v);
	assert_true(st_view_follow(v));
	assert_int_equal(st_view_selected(v), 19);
	assert_int_equal(st_view_top(v), 15);
	/* a late event: the selection stays on the newest in time */
	uint32_t late = add(st, 1, 1, 55 * ST_USEC, ST_LVL_INFO, "late");
	assert_true(st_view_sync(v));
	assert_int_equal(st_view_count(v), 21);
	assert_int_equal(st_view_find_seq(v, late), 6);
	assert_int_equal(st_view_selected(v), 20);
	assert_int_equal(sel_seq(v), 19);
	assert_int_equal(st_view_top(v), 16);
	/* a newer one: the selection moves to it */
	uint32_t newest = add(st, 1, 2, 1000 * ST_USEC, ST_LVL_INFO, "newest");
	st_view_sync(v);
	assert_int_equal(sel_seq(v), newest);
	assert_int_equal(st_view_selected(v), 21);
	assert_on_screen(v, 5);
	/* a new height keeps the newest selected */
	st_view_set_height(v, 3);
	assert_int_equal(st_view_selected(v), 21);
	assert_int_equal(st_view_top(v), 19);
	tu_release(v);
	tu_release(st);
}

/* ---- moving ---- */

static void
test_move_clamp(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	struct st_view *v = new_view(st, 5);
	/* an empty list: nothing moves, nothing breaks */
	st_view_move(v, 3);
	st_view_move(v, -3);
	st_view_page(v, 2);
	st_view_page(v, -2);
	st_view_home(v);
	st_view_end(v);
	st_view_select(v, 7);
	st_view_scroll(v, 4);
	st_view_scroll(v, -4);
	st_view_set_top(v, 3);
	assert_on_screen(v, 5);

	add_seconds(st, 20);
	st_view_sync(v);
	st_view_move(v, -3);
	assert_int_equal(st_view_selected(v), 0);
	st_view_move(v, 3);
	assert_int_equal(st_view_selected(v), 3);
	assert_int_equal(st_view_top(v), 0);
	st_view_move(v, 2); /* one past the screen: it scrolls by one */
	assert_int_equal(st_view_selected(v), 5);
	assert_int_equal(st_view_top(v), 1);
	st_view_move(v, 100);
	assert_int_equal(st_view_selected(v), 19);
	assert_int_equal(st_view_top(v), 15);
	st_view_move(v, -100);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);

	/* pages: the screen and the selection go by the height */
	st_view_page(v, 1);
	assert_int_equal(st_view_selected(v), 5);
	assert_int_equal(st_view_top(v), 5);
	st_view_page(v, 10);
	assert_int_equal(st_view_selected(v), 19);
	assert_int_equal(st_view_top(v), 15);
	st_view_page(v, -1);
	assert_int_equal(st_view_selected(v), 14);
	assert_int_equal(st_view_top(v), 10);
	st_view_page(v, -10);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);

	/* end follows only when the run is live */
	st_view_end(v);
	assert_int_equal(st_view_selected(v), 19);
	assert_int_equal(st_view_top(v), 15);
	assert_false(st_view_follow(v));
	st_view_home(v);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);
	st_view_set_live(v, true);
	st_view_end(v);
	assert_true(st_view_follow(v));
	assert_int_equal(st_view_selected(v), 19);
	st_view_move(v, 1); /* down at the end: still following */
	assert_true(st_view_follow(v));
	st_view_move(v, -1); /* up: follow off */
	assert_false(st_view_follow(v));
	assert_int_equal(st_view_selected(v), 18);
	st_view_end(v);
	st_view_page(v, -1);
	assert_false(st_view_follow(v));
	st_view_end(v);
	st_view_home(v);
	assert_false(st_view_follow(v));
	st_view_end(v);
	st_view_scroll(v, -1);
	assert_false(st_view_follow(v));
	/* the run ends: follow stops, end no longer turns it on */
	st_view_set_follow(v, true);
	st_view_set_live(v, false);
	assert_false(st_view_follow(v));
	st_view_home(v);
	st_view_end(v);
	assert_false(st_view_follow(v));

	/* the wheel: the selection stays on screen */
	assert_int_equal(st_view_selected(v), 19);
	assert_int_equal(st_view_top(v), 15);
	st_view_scroll(v, -10);
	assert_int_equal(st_view_top(v), 5);
	assert_int_equal(st_view_selected(v), 9);
	st_view_scroll(v, 3);
	assert_int_equal(st_view_top(v), 8);
	assert_int_equal(st_view_selected(v), 9);
	st_view_scroll(v, 5);
	assert_int_equal(st_view_top(v), 13);
	assert_int_equal(st_view_selected(v), 13);
	st_view_scroll(v, 100);
	assert_int_equal(st_view_top(v), 15);
	assert_int_equal(st_view_selected(v), 15);
	st_view_scroll(v, -100);
	assert_int_equal(st_view_top(v), 0);
	assert_int_equal(st_view_selected(v), 4);

	/* select: an off-screen row is centred, an on-screen one scrolls nothing */
	st_view_home(v);
	st_view_select(v, 12);
	assert_int_equal(st_view_selected(v), 12);
	assert_int_equal(st_view_top(v), 10);
	st_view_select(v, 14);
	assert_int_equal(st_view_top(v), 10);
	st_view_select(v, 10);
	assert_int_equal(st_view_top(v), 10);
	st_view_select(v, 3);
	assert_int_equal(st_view_top(v), 1);
	st_view_select(v, 1);
	assert_int_equal(st_view_top(v), 1);
	st_view_select(v, 0);
	assert_int_equal(st_view_top(v), 0);
	st_view_select(v, 19); /* near the end: the screen stops at the last row */
	assert_int_equal(st_view_top(v), 15);
	st_view_select(v, 1000);
	assert_int_equal(st_view_selected(v), 19);
	st_view_set_follow(v, true);
	st_view_select(v, 4);
	assert_false(st_view_follow(v));
	assert_on_screen(v, 5);

	/* set_top keeps the selection on screen */
	st_view_select(v, 2);
	st_view_set_top(v, 7);
	assert_int_equal(st_view_top(v), 7);
	assert_int_equal(st_view_selected(v), 7);
	st_view_select(v, 16);
	st_view_set_top(v, 2);
	assert_int_equal(st_view_top(v), 2);
	assert_int_equal(st_view_selected(v), 6);
	/* the viewer may put the last row at the top (wrapped rows) */
	st_view_set_top(v, 100);
	assert_int_equal(st_view_top(v), 19);
	assert_int_equal(st_view_selected(v), 19);

	/* a height of 0 is 1 */
	st_view_set_height(v, 0);
	st_view_select(v, 9);
	assert_int_equal(st_view_top(v), 9);
	st_view_move(v, 1);
	assert_int_equal(st_view_top(v), 10);
	tu_release(v);
	tu_release(st);
}

/* ---- filters ---- */

static const char *const ftexts[] = {
	"ERROR disk full",  /* 0 */
	"Error net down",   /* 1 */
	"error lower case", /* 2 */
	"info all ok",      /* 3 */
	"warn disk slow",   /* 4 */
	"info net up",      /* 5 */
};

static struct st_store *
filter_store(void)
{
	struct st_store *st = new_store(1);
	for (size_t i = 0; i < sizeof(ftexts) / sizeof(*ftexts); i++)
		add(st, 0, (uint32_t)i + 1, (st_time)i * ST_USEC, ST_LVL_INFO, ftexts[i]);
	return st;
}

static void
filter(struct st_view *v, bool out, const char *pattern)
{
	char err[256] = "";
	if (st_view_filter_add(v, out, pattern, err, sizeof(err)) != 0) {
		print_error("filter %s: %s\n", pattern, err);
		fail();
	}
	drain(v);
}

static void
test_filters(void **state)
{
	(void)state;
	struct st_store *st = filter_store();
	struct st_view *v = new_view(st, 3);
	st_view_sync(v);
	assert_int_equal(st_view_count(v), 6);

	/* smart case: lower case matches any case */
	filter(v, false, "error");
	assert_list(v, (const uint32_t[]){0, 1, 2}, 3);
	assert_int_equal(st_view_filter_count(v), 1);
	bool out = true;
	assert_string_equal(st_view_filter_pattern(v, 0, &out), "error");
	assert_false(out);
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(st_view_count(v), 6);
	assert_int_equal(st_view_filter_count(v), 0);

	/* an upper-case letter makes it exact */
	filter(v, false, "Error");
	assert_list(v, (const uint32_t[]){1}, 1);
	st_view_filters_clear(v);
	filter(v, false, "ERROR");
	assert_list(v, (const uint32_t[]){0}, 1);
	st_view_filters_clear(v);

	/* two filters in: both must match */
	filter(v, false, "disk");
	assert_list(v, (const uint32_t[]){0, 4}, 2);
	filter(v, false, "error");
	assert_list(v, (const uint32_t[]){0}, 1);
	st_view_filters_clear(v);
	drain(v);

	/* filters out: any one hides */
	filter(v, true, "disk");
	assert_list(v, (const uint32_t[]){1, 2, 3, 5}, 4);
	filter(v, true, "net");
	assert_list(v, (const uint32_t[]){2, 3}, 2);
	assert_string_equal(st_view_filter_pattern(v, 1, &out), "net");
	assert_true(out);
	/* in and out together */
	filter(v, false, "info|error");
	assert_list(v, (const uint32_t[]){2, 3}, 2);
	filter(v, false, "^info");
	assert_list(v, (const uint32_t[]){3}, 1);
	assert_int_equal(st_view_filter_count(v), 4);

	/* a bad pattern: -1, a message, nothing changes */
	char err[256] = "";
	assert_int_equal(st_view_filter_add(v, false, "disk(", err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_non_null(strstr(err, "offset"));
	assert_int_equal(st_view_filter_count(v), 4);
	assert_null(st_view_job_name(v));
	assert_list(v, (const uint32_t[]){3}, 1);
	err[0] = '\0';
	assert_int_equal(st_view_filter_add(v, true, "[a-", err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);

	/* X: everything back */
	st_view_filters_clear(v);
	drain(v);
	assert_list(v, (const uint32_t[]){0, 1, 2, 3, 4, 5}, 6);

	/* at most ST_VIEW_FILTERS_MAX */
	for (int i = 0; i < ST_VIEW_FILTERS_MAX; i++)
		assert_int_equal(st_view_filter_add(v, true, "zzz", err, sizeof(err)), 0);
	err[0] = '\0';
	assert_int_equal(st_view_filter_add(v, true, "zzz", err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(st_view_filter_count(v), ST_VIEW_FILTERS_MAX);
	drain(v);
	assert_int_equal(st_view_count(v), 6);
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(st_view_filter_count(v), 0);
	tu_release(v);
	tu_release(st);
}

/* Events "ev <i> even|odd" at i seconds, enough for several work slices. */
static struct st_store *
parity_store(int n)
{
	struct st_store *st = new_store(1);
	char text[64];
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "ev %d %s", i, i % 2 ? "odd" : "even");
		add(st, 0, (uint32_t)i + 1, (st_time)i * ST_USEC, ST_LVL_INFO, text);
	}
	return st;
}

static void
test_filter_rebuild_keeps_selection(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct st_store *st = parity_store(N);
	struct st_view *v = new_view(st, 10);
	st_view_sync(v);
	st_view_select(v, 10000);
	assert_int_equal(sel_seq(v), 10000);

	char err[128];
	assert_int_equal(st_view_filter_add(v, false, "even", err, sizeof(err)), 0);
	/* the old list stays while the rebuild runs */
	assert_string_equal(st_view_job_name(v), "filtering");
	long calls = 0;
	double last = -1;
	while (st_view_work(v, 0)) {
		assert_int_equal(st_view_count(v), N);
		assert_int_equal(sel_seq(v), 10000);
		double p = st_view_progress(v);
		assert_true(p > last && p <= 1.0);
		last = p;
		calls++;
	}
	assert_true(calls >= 3); /* it did take several slices */
	assert_int_equal(st_view_count(v), N / 2);
	for (size_t i = 0; i < N / 2; i++)
		assert_int_equal(st_view_seq(v, i), 2 * i);
	assert_int_equal(sel_seq(v), 10000);
	/* the selection keeps its place on the screen too */
	assert_int_equal(st_view_selected(v) - st_view_top(v), 5);

	/* X: back to everything, same event */
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(st_view_count(v), N);
	assert_int_equal(sel_seq(v), 10000);

	/* the selected event is filtered out: the nearest following one */
	st_view_select(v, 12345);
	filter(v, false, "even");
	assert_int_equal(sel_seq(v), 12346);
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(sel_seq(v), 12346);

	/* the last event is filtered out: the last one that passes */
	st_view_select(v, N - 1);
	filter(v, false, "even");
	assert_int_equal(sel_seq(v), N - 2);
	st_view_filters_clear(v);
	drain(v);

	/* the user moves while the rebuild runs: the selection ends on the
	 * event moved to, not where it was when the filter was set */
	st_view_select(v, 500);
	assert_int_equal(st_view_filter_add(v, true, "odd", err, sizeof(err)), 0);
	assert_true(st_view_work(v, 0));
	st_view_select(v, 3000);
	assert_int_equal(sel_seq(v), 3000);
	drain(v);
	assert_int_equal(sel_seq(v), 3000);
	st_view_filters_clear(v);
	drain(v);

	/* events that arrive during a rebuild are in the list when it ends */
	assert_int_equal(st_view_filter_add(v, false, "even", err, sizeof(err)), 0);
	assert_true(st_view_work(v, 0));
	add(st, 0, N + 1, (st_time)N * ST_USEC, ST_LVL_INFO, "ev late even");
	add(st, 0, N + 2, (st_time)(N + 1) * ST_USEC, ST_LVL_INFO, "ev late odd");
	add(st, 0, N + 3, 5, ST_LVL_INFO, "ev back in time even");
	assert_false(st_view_sync(v)); /* not while the rebuild runs */
	drain(v);
	assert_int_equal(st_view_count(v), N / 2 + 2);
	assert_int_equal(st_view_seq(v, 1), N + 2); /* at 5 us: after event 0 */
	assert_int_equal(st_view_seq(v, N / 2 + 1), N);
	assert_sorted(v, st);
	assert_false(st_view_sync(v));
	st_view_filters_clear(v);
	drain(v);

	/* the nearest following event may be one that arrived meanwhile */
	st_view_select(v, st_view_find_seq(v, N + 1)); /* "ev late odd", the last */
	assert_int_equal(st_view_filter_add(v, false, "even", err, sizeof(err)), 0);
	assert_true(st_view_work(v, 0));
	uint32_t next = add(st, 0, N + 4, (st_time)(N + 2) * ST_USEC, ST_LVL_INFO, "ev newer even");
	drain(v);
	assert_int_equal(sel_seq(v), next);
	assert_int_equal(st_view_selected(v), st_view_count(v) - 1);
	tu_release(v);
	tu_release(st);
}

static void
test_filter_empty_result(void **state)
{
	(void)state;
	/* filters set before any event arrives (a live source, still quiet) */
	struct st_store *st0 = new_store(1);
	struct st_view *v0 = new_view(st0, 3);
	filter(v0, false, "disk");
	st_view_set_level(v0, ST_LVL_WARN);
	drain(v0);
	assert_int_equal(st_view_count(v0), 0);
	add(st0, 0, 1, 1, ST_LVL_WARN, "disk slow");
	add(st0, 0, 2, 2, ST_LVL_INFO, "disk ok");
	add(st0, 0, 3, 3, ST_LVL_ERROR, "net down");
	assert_true(st_view_sync(v0));
	assert_list(v0, (const uint32_t[]){0}, 1);
	tu_release(v0);
	tu_release(st0);

	struct st_store *st = filter_store();
	struct st_view *v = new_view(st, 3);
	st_view_set_live(v, true);
	st_view_sync(v);
	st_view_end(v);
	assert_true(st_view_follow(v));
	assert_int_equal(st_view_selected(v), 5);
	/* nothing passes: the selection is 0 (the header says so), no row */
	filter(v, false, "nothing matches this");
	assert_int_equal(st_view_count(v), 0);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);
	/* an event that passes arrives: followed */
	uint32_t s = add(st, 0, 7, 100 * ST_USEC, ST_LVL_INFO, "nothing matches this, or does it");
	assert_true(st_view_sync(v));
	assert_int_equal(st_view_count(v), 1);
	assert_int_equal(sel_seq(v), s);
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(st_view_count(v), 7);
	assert_int_equal(sel_seq(v), s);
	/* and without follow */
	st_view_home(v);
	filter(v, false, "nothing at all");
	assert_int_equal(st_view_count(v), 0);
	assert_int_equal(st_view_selected(v), 0);
	assert_int_equal(st_view_top(v), 0);
	tu_release(v);
	tu_release(st);
}

/* ---- level and sources ---- */

static void
test_level_and_hidden(void **state)
{
	(void)state;
	struct st_store *st = new_store(2);
	static const int levels[] = {ST_LVL_NONE, ST_LVL_DEBUG, ST_LVL_INFO, ST_LVL_NOTICE,
	                             ST_LVL_WARN, ST_LVL_ERROR, ST_LVL_FATAL, ST_LVL_TRACE};
	/* source 0: seq 0..7, source 1: seq 8..15, interleaved in time */
	for (unsigned src = 0; src < 2; src++)
		for (int i = 0; i < 8; i++)
			add(st, src, (uint32_t)i + 1, (st_time)(2 * i + (int)src) * ST_USEC, levels[i],
			    "x");
	struct st_view *v = new_view(st, 4);
	st_view_sync(v);
	assert_int_equal(st_view_count(v), 16);
	assert_int_equal(st_view_level(v), ST_LVL_NONE);

	assert_int_equal(st_view_level_cycle(v), ST_LVL_INFO);
	drain(v);
	/* info, notice, warn, error, fatal of each source */
	assert_list(v, (const uint32_t[]){2, 10, 3, 11, 4, 12, 5, 13, 6, 14}, 10);
	assert_int_equal(st_view_level_cycle(v), ST_LVL_WARN);
	drain(v);
	assert_list(v, (const uint32_t[]){4, 12, 5, 13, 6, 14}, 6);
	assert_int_equal(st_view_level_cycle(v), ST_LVL_ERROR);
	drain(v);
	assert_list(v, (const uint32_t[]){5, 13, 6, 14}, 4);
	assert_int_equal(st_view_level_cycle(v), ST_LVL_NONE);
	drain(v);
	assert_int_equal(st_view_count(v), 16);
	assert_int_equal(st_view_level(v), ST_LVL_NONE);

	/* hide source 1 */
	assert_false(st_view_hidden(v, 1));
	st_view_set_hidden(v, 1, true);
	drain(v);
	assert_true(st_view_hidden(v, 1));
	assert_false(st_view_hidden(v, 0));
	assert_list(v, (const uint32_t[]){0, 1, 2, 3, 4, 5, 6, 7}, 8);
	/* with a level */
	st_view_set_level(v, ST_LVL_ERROR);
	drain(v);
	assert_list(v, (const uint32_t[]){5, 6}, 2);
	st_view_set_hidden(v, 0, true);
	drain(v);
	assert_int_equal(st_view_count(v), 0);
	assert_int_equal(st_view_selected(v), 0);
	st_view_set_hidden(v, 0, false);
	st_view_set_hidden(v, 1, false);
	st_view_set_level(v, ST_LVL_NONE);
	drain(v);
	assert_int_equal(st_view_count(v), 16);
	assert_false(st_view_hidden(v, 1));
	/* the last source there can be */
	st_view_set_hidden(v, ST_SOURCES_MAX, true);
	assert_true(st_view_hidden(v, ST_SOURCES_MAX));
	drain(v);
	assert_int_equal(st_view_count(v), 16);
	st_view_set_hidden(v, ST_SOURCES_MAX, false);
	drain(v);
	/* a hidden source's new events stay out */
	st_view_set_hidden(v, 1, true);
	drain(v);
	add(st, 1, 9, 100 * ST_USEC, ST_LVL_INFO, "hidden");
	uint32_t shown = add(st, 0, 9, 101 * ST_USEC, ST_LVL_INFO, "shown");
	st_view_sync(v);
	assert_int_equal(st_view_count(v), 9);
	assert_int_equal(st_view_seq(v, 8), shown);
	tu_release(v);
	tu_release(st);
}

/* ---- search and seeks ---- */

static void
search(struct st_view *v, const char *pattern, bool backward)
{
	char err[256] = "";
	if (st_view_search(v, pattern, backward, err, sizeof(err)) != 0) {
		print_error("search %s: %s\n", pattern, err);
		fail();
	}
	drain(v);
}

static void
seek(struct st_view *v, enum st_view_seek what, int dir)
{
	st_view_seek(v, what, dir);
	drain(v);
}

static void
test_search(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	char text[64];
	for (int i = 0; i < 20; i++) {
		snprintf(text, sizeof(text), "line %d%s", i,
		         i == 3 || i == 7 ? " a needle" : i == 12 ? " NEEDLE" : "");
		add(st, 0, (uint32_t)i + 1, (st_time)i * ST_USEC, ST_LVL_INFO, text);
	}
	struct st_view *v = new_view(st, 5);
	st_view_sync(v);
	st_view_select(v, 5);

	search(v, "needle", false);
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(st_view_selected(v), 7);
	assert_string_equal(st_view_search_pattern(v), "needle");
	assert_false(st_view_search_backward(v));
	seek(v, ST_SEEK_MATCH, 1); /* n */
	assert_int_equal(st_view_selected(v), 12);
	assert_on_screen(v, 5);
	seek(v, ST_SEEK_MATCH, 1); /* none after: not found, no move */
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 12);
	seek(v, ST_SEEK_MATCH, -1); /* N */
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(st_view_selected(v), 7);
	seek(v, ST_SEEK_MATCH, -1);
	assert_int_equal(st_view_selected(v), 3);
	seek(v, ST_SEEK_MATCH, -1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 3);

	/* ?: backward from the selection */
	st_view_select(v, 10);
	search(v, "needle", true);
	assert_true(st_view_search_backward(v));
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(st_view_selected(v), 7);
	/* n from a hit: the next one, not the selected hit again */
	seek(v, ST_SEEK_MATCH, 1);
	assert_int_equal(st_view_selected(v), 12);

	/* smart case */
	st_view_select(v, 0);
	search(v, "NEEDLE", false);
	assert_int_equal(st_view_selected(v), 12);
	st_view_select(v, 0);
	search(v, "Needle", false);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 0);

	/* a bad pattern: -1 and a message, the old search stays */
	char err[256] = "";
	assert_int_equal(st_view_search(v, "need(le", false, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_string_equal(st_view_search_pattern(v), "Needle");
	assert_int_equal(st_view_selected(v), 0);

	/* an empty pattern clears the search; n then finds nothing */
	assert_int_equal(st_view_search(v, "", false, err, sizeof(err)), 0);
	assert_null(st_view_search_pattern(v));
	seek(v, ST_SEEK_MATCH, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 0);
	uint32_t r[8];
	assert_int_equal(st_view_match(v, "a needle", 8, r, 4), 0);

	/* a hit turns follow off */
	st_view_set_live(v, true);
	st_view_end(v);
	assert_true(st_view_follow(v));
	search(v, "needle", true);
	assert_int_equal(st_view_selected(v), 12);
	assert_false(st_view_follow(v));

	/* a filtered-out hit is not found */
	filter(v, true, "NEEDLE");
	st_view_home(v);
	search(v, "needle", false);
	assert_int_equal(sel_seq(v), 3);
	seek(v, ST_SEEK_MATCH, 1);
	assert_int_equal(sel_seq(v), 7);
	seek(v, ST_SEEK_MATCH, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(sel_seq(v), 7);
	tu_release(v);
	tu_release(st);
}

static void
test_match_ranges(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	struct st_view *v = new_view(st, 5);
	char err[128];
	uint32_t r[16];
	assert_int_equal(st_view_search(v, "o+", false, err, sizeof(err)), 0);
	assert_int_equal(st_view_match(v, "foo boo xo", 10, r, 8), 3);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 3);
	assert_int_equal(r[2], 5);
	assert_int_equal(r[3], 7);
	assert_int_equal(r[4], 9);
	assert_int_equal(r[5], 10);
	/* at most max */
	assert_int_equal(st_view_match(v, "foo boo xo", 10, r, 2), 2);
	/* len counts, not a NUL */
	assert_int_equal(st_view_match(v, "foo boo xo", 5, r, 8), 1);
	assert_int_equal(st_view_match(v, "xyz", 3, r, 8), 0);
	/* smart case in ranges too */
	assert_int_equal(st_view_search(v, "err", false, err, sizeof(err)), 0);
	assert_int_equal(st_view_match(v, "ERR err Err", 11, r, 8), 3);
	assert_int_equal(r[4], 8);
	assert_int_equal(st_view_search(v, "Err", false, err, sizeof(err)), 0);
	assert_int_equal(st_view_match(v, "ERR err Err", 11, r, 8), 1);
	assert_int_equal(r[0], 8);
	assert_int_equal(r[1], 11);
	/* a pattern that matches empty strings still ends, and moves on */
	assert_int_equal(st_view_search(v, "x*", false, err, sizeof(err)), 0);
	size_t k = st_view_match(v, "abxxc", 5, r, 8);
	assert_true(k >= 3 && k <= 6);
	bool saw_xx = false;
	for (size_t i = 0; i < k; i++) {
		assert_true(r[2 * i] <= r[2 * i + 1] && r[2 * i + 1] <= 5);
		if (i > 0)
			assert_true(r[2 * i] > r[2 * i - 2]);
		saw_xx |= r[2 * i] == 2 && r[2 * i + 1] == 4;
	}
	assert_true(saw_xx);
	/* invalid UTF-8 in the text is matched bytewise, not an error */
	assert_int_equal(st_view_search(v, "bad", false, err, sizeof(err)), 0);
	assert_int_equal(st_view_match(v, "\xff\xfe bad \xc3", 8, r, 8), 1);
	assert_int_equal(r[0], 3);
	assert_int_equal(r[1], 6);
	/* UTF-8 text: byte offsets */
	assert_int_equal(st_view_search(v, "é+", false, err, sizeof(err)), 0);
	assert_int_equal(st_view_match(v, "caféé!", 8, r, 8), 1);
	assert_int_equal(r[0], 3);
	assert_int_equal(r[1], 7);
	tu_release(v);
	tu_release(st);
}

static void
test_seek_change_error(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	for (int i = 0; i < 30; i++) {
		int lvl = i == 4 ? ST_LVL_ERROR : i == 9 ? ST_LVL_WARN : i == 20 ? ST_LVL_FATAL
		                                                                  : ST_LVL_INFO;
		uint32_t s = add(st, 0, (uint32_t)i + 1, (st_time)i * ST_USEC, lvl, "x");
		if (i == 6 || i == 25)
			st_store_set_kind(st, s, ST_KIND_CHANGE);
	}
	struct st_view *v = new_view(st, 8);
	st_view_sync(v);
	seek(v, ST_SEEK_CHANGE, 1);
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(st_view_selected(v), 6);
	seek(v, ST_SEEK_CHANGE, 1);
	assert_int_equal(st_view_selected(v), 25);
	seek(v, ST_SEEK_CHANGE, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 25);
	seek(v, ST_SEEK_CHANGE, -1);
	assert_int_equal(st_view_selected(v), 6);

	/* errors: error and fatal, not warn */
	st_view_home(v);
	seek(v, ST_SEEK_ERROR, 1);
	assert_int_equal(st_view_selected(v), 4);
	seek(v, ST_SEEK_ERROR, 1);
	assert_int_equal(st_view_selected(v), 20);
	seek(v, ST_SEEK_ERROR, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 20);
	seek(v, ST_SEEK_ERROR, -1);
	assert_int_equal(st_view_selected(v), 4);
	seek(v, ST_SEEK_ERROR, -1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(st_view_selected(v), 4);

	/* a seek while a filter rebuilds: refused, the user presses again */
	char err[64];
	assert_int_equal(st_view_filter_add(v, true, "y", err, sizeof(err)), 0);
	st_view_seek(v, ST_SEEK_ERROR, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_string_equal(st_view_job_name(v), "filtering");
	drain(v);
	assert_int_equal(st_view_selected(v), 4);
	/* a filter set during a seek cancels it */
	st_view_seek(v, ST_SEEK_ERROR, 1);
	assert_string_equal(st_view_job_name(v), "searching");
	assert_int_equal(st_view_seek_result(v), 0);
	st_view_filters_clear(v);
	assert_int_equal(st_view_seek_result(v), -1);
	drain(v);
	assert_int_equal(st_view_selected(v), 4);
	/* an empty list: nothing found */
	struct st_store *st2 = new_store(1);
	struct st_view *v2 = new_view(st2, 8);
	seek(v2, ST_SEEK_ERROR, 1);
	assert_int_equal(st_view_seek_result(v2), -1);
	seek(v2, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(st_view_seek_result(v2), -1);
	tu_release(v2);
	tu_release(st2);
	tu_release(v);
	tu_release(st);
}

static void
test_seek_long(void **state)
{
	(void)state;
	enum { N = 30000 };
	struct st_store *st = new_store(2);
	char text[64];
	for (int i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "row %d%s", i, i == 100 || i == 29000 ? " hit" : "");
		add(st, 0, (uint32_t)i + 1, (st_time)(i + 1000) * ST_USEC, ST_LVL_INFO, text);
	}
	struct st_view *v = new_view(st, 10);
	st_view_sync(v);
	st_view_select(v, 15000);
	/* over several slices, the selection stays until found */
	char err[64];
	assert_int_equal(st_view_search(v, "hit", false, err, sizeof(err)), 0);
	long calls = 0;
	while (st_view_work(v, 0)) {
		assert_int_equal(st_view_seek_result(v), 0);
		assert_int_equal(st_view_selected(v), 15000);
		assert_string_equal(st_view_job_name(v), "searching");
		calls++;
	}
	assert_true(calls >= 2);
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(sel_seq(v), 29000);

	/* backward over slices, with late events arriving meanwhile: the
	 * progress stays within 0..1 and the seek still finds its event */
	st_view_select(v, 20000);
	st_view_seek(v, ST_SEEK_MATCH, -1);
	assert_true(st_view_work(v, 0));
	double p = st_view_progress(v);
	assert_true(p > 0 && p < 1);
	for (int i = 0; i < 50; i++)
		add(st, 1, (uint32_t)i + 1, (st_time)i * ST_USEC, ST_LVL_INFO, "late");
	assert_true(st_view_sync(v));
	assert_int_equal(sel_seq(v), 20000);
	assert_string_equal(st_view_job_name(v), "searching");
	p = st_view_progress(v);
	if (!(p >= 0 && p <= 1)) {
		print_error("seek progress %f after late events\n", p);
		fail();
	}
	while (st_view_work(v, 0)) {
		p = st_view_progress(v);
		if (!(p >= 0 && p <= 1)) {
			print_error("seek progress %f\n", p);
			fail();
		}
	}
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(sel_seq(v), 100);
	assert_int_equal(st_view_selected(v), 150);
	tu_release(v);
	tu_release(st);
}

/* ---- bookmarks ---- */

static void
test_bookmarks(void **state)
{
	(void)state;
	struct st_store *st = new_store(2);
	/* arrival order differs from time order: seq 0..9 at 10..19 s from
	 * source 0, then seq 10..14 at 0.5, 2.5, ... s from source 1 */
	for (int i = 0; i < 10; i++)
		add(st, 0, (uint32_t)i + 1, (st_time)(i + 10) * ST_USEC, ST_LVL_INFO, "a");
	for (int i = 0; i < 5; i++)
		add(st, 1, (uint32_t)i + 1, (st_time)(2 * i) * ST_USEC + ST_USEC / 2, ST_LVL_INFO,
		    i == 2 ? "b hidden" : "b");
	struct st_view *v = new_view(st, 4);
	st_view_sync(v);
	assert_list(v, (const uint32_t[]){10, 11, 12, 13, 14, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 15);

	assert_int_equal(st_view_seek_result(v), -1);
	seek(v, ST_SEEK_BOOKMARK, 1); /* none yet */
	assert_int_equal(st_view_seek_result(v), -1);

	st_view_bookmark(v, 5, "five");
	st_view_bookmark(v, 12, NULL);
	st_view_bookmark(v, 0, "zero");
	st_view_bookmark(v, 14, "fourteen");
	assert_int_equal(st_view_bookmark_count(v), 4);
	/* in time order, not in the order set */
	assert_int_equal(st_view_bookmark_seq(v, 0), 12);
	assert_int_equal(st_view_bookmark_seq(v, 1), 14);
	assert_int_equal(st_view_bookmark_seq(v, 2), 0);
	assert_int_equal(st_view_bookmark_seq(v, 3), 5);
	assert_string_equal(st_view_bookmark_note(v, 5), "five");
	assert_string_equal(st_view_bookmark_note(v, 12), "");
	assert_null(st_view_bookmark_note(v, 1));
	/* again: the note is replaced, no second mark */
	st_view_bookmark(v, 5, "five again");
	assert_int_equal(st_view_bookmark_count(v), 4);
	assert_string_equal(st_view_bookmark_note(v, 5), "five again");
	st_view_bookmark(v, 0, NULL);
	assert_string_equal(st_view_bookmark_note(v, 0), "");
	assert_int_equal(st_view_bookmark_count(v), 4);

	/* ': forward from the selection, wrapping around */
	st_view_select(v, 3); /* seq 13, between marks 12 and 14 */
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(st_view_seek_result(v), 1);
	assert_int_equal(sel_seq(v), 14);
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(sel_seq(v), 0);
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(sel_seq(v), 5);
	assert_on_screen(v, 4);
	seek(v, ST_SEEK_BOOKMARK, 1); /* past the last: the first */
	assert_int_equal(sel_seq(v), 12);
	seek(v, ST_SEEK_BOOKMARK, -1); /* before the first: the last */
	assert_int_equal(sel_seq(v), 5);
	seek(v, ST_SEEK_BOOKMARK, -1);
	assert_int_equal(sel_seq(v), 0);
	st_view_select(v, 14); /* seq 9, after every mark */
	seek(v, ST_SEEK_BOOKMARK, -1);
	assert_int_equal(sel_seq(v), 5);
	st_view_select(v, 14);
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(sel_seq(v), 12);

	/* a filtered-out mark is skipped */
	filter(v, true, "hidden");
	st_view_select(v, st_view_find_seq(v, 11));
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(sel_seq(v), 14);
	seek(v, ST_SEEK_BOOKMARK, -1);
	assert_int_equal(sel_seq(v), 5); /* 12 skipped, wrapped to the last */
	st_view_filters_clear(v);
	drain(v);

	/* unbookmark */
	assert_true(st_view_unbookmark(v, 14));
	assert_false(st_view_unbookmark(v, 14));
	assert_null(st_view_bookmark_note(v, 14));
	assert_int_equal(st_view_bookmark_count(v), 3);
	assert_int_equal(st_view_bookmark_seq(v, 0), 12);
	assert_int_equal(st_view_bookmark_seq(v, 1), 0);
	assert_int_equal(st_view_bookmark_seq(v, 2), 5);
	/* the only mark is the selected one: not found, no move */
	assert_true(st_view_unbookmark(v, 12));
	assert_true(st_view_unbookmark(v, 0));
	st_view_select(v, st_view_find_seq(v, 5));
	seek(v, ST_SEEK_BOOKMARK, 1);
	assert_int_equal(st_view_seek_result(v), -1);
	assert_int_equal(sel_seq(v), 5);
	/* a bookmark seek turns follow off */
	st_view_set_live(v, true);
	st_view_end(v);
	assert_true(st_view_follow(v));
	seek(v, ST_SEEK_BOOKMARK, -1);
	assert_int_equal(sel_seq(v), 5);
	assert_false(st_view_follow(v));
	tu_release(v);
	tu_release(st);
}

/* ---- time lookups and density ---- */

static void
test_find_time_seq(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	add(st, 0, 1, ST_TIME_NONE, ST_LVL_INFO, "untimed one");
	for (int i = 0; i < 10; i++)
		add(st, 0, (uint32_t)i + 2, (st_time)(i + 1) * 10 * ST_USEC, ST_LVL_INFO,
		    i % 3 ? "kept" : "dropped");
	add(st, 0, 20, ST_TIME_NONE, ST_LVL_INFO, "untimed two");
	struct st_view *v = new_view(st, 5);
	st_view_sync(v);
	assert_int_equal(st_view_count(v), 12);
	/* untimed first, in line order */
	assert_int_equal(st_view_seq(v, 0), 0);
	assert_int_equal(st_view_seq(v, 1), 11);
	assert_int_equal(st_view_find_time(v, 10 * ST_USEC), 2);
	assert_int_equal(st_view_find_time(v, 10 * ST_USEC + 1), 3);
	assert_int_equal(st_view_find_time(v, 0), 2);
	assert_int_equal(st_view_find_time(v, 100 * ST_USEC), 11);
	assert_int_equal(st_view_find_time(v, 100 * ST_USEC + 1), 12);
	assert_int_equal(st_view_find_time(v, ST_TIME_NONE), 0);
	for (uint32_t s = 0; s < 12; s++)
		assert_int_equal(st_view_seq(v, st_view_find_seq(v, s)), s);
	filter(v, true, "dropped");
	assert_int_equal(st_view_count(v), 8);
	assert_int_equal(st_view_find_seq(v, 1), SIZE_MAX); /* filtered out */
	assert_int_equal(st_view_find_seq(v, 4), SIZE_MAX);
	assert_int_equal(st_view_find_seq(v, 2), 2);
	assert_int_equal(st_view_find_seq(v, 11), 1);
	assert_int_equal(st_view_find_seq(v, 999), SIZE_MAX); /* not in the store */
	assert_int_equal(st_view_find_time(v, 10 * ST_USEC), 2); /* first kept at 20 s */
	assert_int_equal(st_view_seq(v, 2), 2);
	assert_int_equal(st_view_find_time(v, 40 * ST_USEC), 4); /* 40 s dropped: 50 s */
	assert_int_equal(st_view_seq(v, 4), 5);
	tu_release(v);
	tu_release(st);
}

static void
test_density(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	struct st_store *st = new_store(1);
	enum { N = 5000, B = 10 };
	uint32_t want[B] = {0};
	/* times in [0, 1000] us: the 10 buckets' edges are 100, 200, ... */
	add(st, 0, 1, 0, ST_LVL_INFO, "first");
	want[0]++;
	for (int i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		st_time t = (st_time)(x % 1001);
		add(st, 0, (uint32_t)i + 2, t, ST_LVL_INFO, "e");
		want[t == 1000 ? B - 1 : t / 100]++;
	}
	add(st, 0, N + 2, 1000, ST_LVL_INFO, "last");
	want[B - 1]++;
	for (int i = 0; i < 7; i++)
		add(st, 0, (uint32_t)(N + 3 + i), ST_TIME_NONE, ST_LVL_INFO, "untimed");
	struct st_view *v = new_view(st, 5);
	st_view_sync(v);
	assert_int_equal(st_view_count(v), N + 9);
	uint32_t counts[B];
	st_time t0 = 1, t1 = 0;
	assert_true(st_view_density(v, counts, B, &t0, &t1));
	assert_int_equal(t0, 0);
	assert_int_equal(t1, 1000);
	uint32_t sum = 0;
	for (int k = 0; k < B; k++) {
		if (counts[k] != want[k]) {
			print_error("bucket %d: %u, want %u\n", k, counts[k], want[k]);
			fail();
		}
		sum += counts[k];
	}
	assert_int_equal(sum, N + 2); /* the untimed ones are left out */

	/* one bucket: everything timed */
	assert_true(st_view_density(v, counts, 1, &t0, &t1));
	assert_int_equal(counts[0], N + 2);

	/* the listed events only */
	filter(v, true, "^e$");
	assert_true(st_view_density(v, counts, 2, &t0, &t1));
	assert_int_equal(counts[0], 1);
	assert_int_equal(counts[1], 1);
	/* fewer than two distinct times: no strip */
	filter(v, true, "last");
	assert_false(st_view_density(v, counts, B, &t0, &t1));
	filter(v, true, "first");
	assert_false(st_view_density(v, counts, B, &t0, &t1)); /* only untimed */
	st_view_filters_clear(v);
	drain(v);
	tu_release(v);

	/* an empty list */
	struct st_store *st2 = new_store(1);
	struct st_view *v2 = new_view(st2, 5);
	assert_false(st_view_density(v2, counts, B, &t0, &t1));
	tu_release(v2);
	tu_release(st2);
	tu_release(st);
}

/* ---- columns ---- */

static void
test_hscroll_wrap(void **state)
{
	(void)state;
	struct st_store *st = new_store(1);
	struct st_view *v = new_view(st, 5);
	assert_int_equal(st_view_hoffset(v), 0);
	st_view_hscroll(v, -5);
	assert_int_equal(st_view_hoffset(v), 0);
	st_view_hscroll(v, 8);
	st_view_hscroll(v, -3);
	assert_int_equal(st_view_hoffset(v), 5);
	st_view_set_wrap(v, true);
	assert_true(st_view_wrap(v));
	assert_int_equal(st_view_hoffset(v), 0); /* wrapped lines do not scroll */
	st_view_set_wrap(v, false);
	assert_int_equal(st_view_hoffset(v), 5);
	tu_release(v);
	tu_release(st);
}

/* ---- random operations against an oracle ---- */

static uint64_t rng_state;

static unsigned
rnd(unsigned n)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (unsigned)(x % n);
}

struct oracle {
	char words[ST_VIEW_FILTERS_MAX][8];
	bool out[ST_VIEW_FILTERS_MAX];
	size_t nfilt;
	int level;
	bool hidden[3];
};

/* Does text contain word (lower case), in any case? Written apart from
 * pcre2 so the view is not checked against itself. */
static bool
has_word(const char *text, size_t len, const char *word)
{
	size_t wl = strlen(word);
	for (size_t i = 0; i + wl <= len; i++) {
		size_t k = 0;
		while (k < wl && (text[i + k] | 0x20) == word[k])
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

static bool
oracle_passes(const struct oracle *o, const struct st_store *st, uint32_t seq)
{
	struct st_event ev;
	st_store_get(st, seq, &ev);
	if (o->hidden[ev.source])
		return false;
	if (o->level != ST_LVL_NONE && ev.level < o->level)
		return false;
	for (size_t i = 0; i < o->nfilt; i++)
		if (has_word(ev.text, ev.len, o->words[i]) == o->out[i])
			return false;
	return true;
}

/* With no job running and everything synced, the list is the store's
 * order filtered by the oracle. */
static void
assert_oracle(const struct oracle *o, struct st_store *st, const struct st_view *v)
{
	size_t n;
	const uint32_t *order = st_store_order(st, &n);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!oracle_passes(o, st, order[i]))
			continue;
		if (k >= st_view_count(v) || st_view_seq(v, k) != order[i]) {
			print_error("row %zu: want seq %u, have %s %u (of %zu rows)\n", k, order[i],
			            k < st_view_count(v) ? "seq" : "no row",
			            k < st_view_count(v) ? st_view_seq(v, k) : 0, st_view_count(v));
			fail();
		}
		k++;
	}
	assert_int_equal(k, st_view_count(v));
}

/*
 * Thousands of random steps (events in and out of order from three
 * sources, untimed ones, syncs, work slices, filters, levels, hidden
 * sources, moves, follow, seeks), checking after each that the selection
 * is on screen, and at checkpoints that the list is the oracle's, that
 * follow selects the last row, and that a rebuild kept the selected event
 * (or took the next one that passes).
 */
static void
test_random_ops(void **state)
{
	(void)state;
	static const char *const words[] = {"alpha", "beta", "gamma", "delta"};
	static const char *const cased[] = {"alpha", "Beta", "GAMMA", "delta", "ALPHA", "beta"};
	static const int levels[] = {ST_LVL_NONE, ST_LVL_INFO, ST_LVL_WARN, ST_LVL_ERROR};
	rng_state = 0x2545f4914f6cdd1du;
	struct st_store *st = new_store(3);
	const unsigned height = 7;
	struct st_view *v = new_view(st, height);
	struct oracle o = {.level = ST_LVL_NONE};
	uint32_t lines[3] = {0, 0, 0};
	st_time clock = 1000;
	char text[128];
	for (int step = 0; step < 3000; step++) {
		unsigned op = rnd(20);
		size_t before_n = st_view_count(v);
		bool idle = st_view_job_name(v) == NULL;
		bool searching = !idle && strcmp(st_view_job_name(v), "searching") == 0;
		uint32_t before_sel = before_n ? sel_seq(v) : ST_VIEW_NONE;
		if (op < 6) { /* events: mostly in order, some late, a few untimed */
			unsigned k = rnd(60) + 1;
			for (unsigned i = 0; i < k; i++) {
				unsigned src = rnd(3);
				st_time t = clock;
				unsigned r = rnd(10);
				if (r == 0)
					t = clock - (st_time)rnd(5000);
				else if (r == 1 && rnd(4) == 0)
					t = ST_TIME_NONE;
				else
					clock += rnd(3);
				const char *w1 = cased[rnd(6)], *w2 = cased[rnd(6)];
				snprintf(text, sizeof(text), "%d %s %s", step, w1, w2);
				add(st, src, ++lines[src], t, (int)rnd(8), text);
			}
		} else if (op < 9) {
			bool following = st_view_follow(v);
			st_view_sync(v);
			/* not following: the selected event stays selected */
			if (idle && !following && before_sel != ST_VIEW_NONE)
				assert_int_equal(sel_seq(v), before_sel);
			if (idle && following && st_view_count(v) > 0)
				assert_int_equal(st_view_selected(v), st_view_count(v) - 1);
		} else if (op < 12) {
			st_view_work(v, 0);
		} else if (op == 12 && o.nfilt < 3) {
			unsigned w = rnd(4);
			bool out = rnd(2);
			char err[128];
			assert_int_equal(st_view_filter_add(v, out, words[w], err, sizeof(err)), 0);
			strcpy(o.words[o.nfilt], words[w]);
			o.out[o.nfilt++] = out;
		} else if (op == 13 && rnd(3) == 0) {
			st_view_filters_clear(v);
			o.nfilt = 0;
		} else if (op == 14) {
			o.level = levels[rnd(4)];
			st_view_set_level(v, (enum st_level)o.level);
		} else if (op == 15 && rnd(2) == 0) {
			unsigned src = rnd(3);
			o.hidden[src] = !o.hidden[src];
			st_view_set_hidden(v, src, o.hidden[src]);
		} else if (op == 16) {
			unsigned how = rnd(6);
			if (how == 0)
				st_view_move(v, (long)rnd(20) - 10);
			else if (how == 1)
				st_view_page(v, (long)rnd(3) - 1);
			else if (how == 2)
				st_view_select(v, rnd(1000));
			else if (how == 3)
				st_view_scroll(v, (long)rnd(20) - 10);
			else if (how == 4)
				st_view_home(v);
			else
				st_view_end(v);
		} else if (op == 17) {
			bool live = rnd(2);
			st_view_set_live(v, live);
			st_view_set_follow(v, rnd(2));
		} else if (op == 18) {
			enum st_view_seek what = rnd(2) ? ST_SEEK_ERROR : ST_SEEK_CHANGE;
			st_view_seek(v, what, rnd(2) ? 1 : -1);
		} else {
			/* settle everything and compare with the oracle */
			uint32_t sel = before_sel;
			bool following = st_view_follow(v);
			long guard = 0;
			while (st_view_work(v, 0))
				assert_true(++guard < 100000);
			st_view_sync(v);
			assert_oracle(&o, st, v);
			/* (a seek that finds its event turns follow off) */
			if (st_view_follow(v) && st_view_count(v) > 0)
				assert_int_equal(st_view_selected(v), st_view_count(v) - 1);
			/* a rebuild keeps the selected event, or takes the next one
			 * that passes (the last row when none does) */
			if (!following && !searching && sel != ST_VIEW_NONE && st_view_count(v) > 0) {
				size_t want = st_view_count(v) - 1;
				for (size_t i = 0; i < st_view_count(v); i++)
					if (st_store_key_cmp(st, st_view_seq(v, i), sel) >= 0) {
						want = i;
						break;
					}
				if (oracle_passes(&o, st, sel))
					assert_int_equal(st_view_seq(v, want), sel);
				assert_int_equal(st_view_selected(v), want);
			}
		}
		assert_on_screen(v, height);
	}
	while (st_view_work(v, 0))
		;
	st_view_sync(v);
	assert_oracle(&o, st, v);
	tu_release(v);
	tu_release(st);
}

/* ---- a large list ---- */

static void
test_large_filter(void **state)
{
	(void)state;
	enum { N = 1000000, HALF = N / 2 };
	/* two sources with interleaved times, the second appended after the
	 * first, so half the events arrive late and the order is not the
	 * arrival order: source 0 at even microseconds, source 1 at odd */
	struct st_store *st = new_store(2);
	char text[64];
	for (int src = 0; src < 2; src++)
		for (int i = 0; i < HALF; i++) {
			int t = 2 * i + src;
			snprintf(text, sizeof(text), "row %d%s", t, t % 1000 == 999 ? " keep" : "");
			add(st, (unsigned)src, (uint32_t)i + 1, t, ST_LVL_INFO, text);
		}
	struct st_view *v = new_view(st, 40);
	assert_true(st_view_sync(v));
	assert_int_equal(st_view_count(v), N);
	for (size_t i = 0; i < N; i += 997)
		assert_int_equal(st_store_ts(st, st_view_seq(v, i)), (st_time)i);
	st_view_select(v, 500000);

	char err[64];
	assert_int_equal(st_view_filter_add(v, false, "keep$", err, sizeof(err)), 0);
	long calls = 0;
	while (st_view_work(v, 1000)) {
		assert_true(++calls < 100000);
		assert_int_equal(st_view_count(v), N); /* the old list meanwhile */
	}
	assert_int_equal(st_view_count(v), N / 1000);
	for (size_t i = 0; i < N / 1000; i++) {
		st_time t = st_store_ts(st, st_view_seq(v, i));
		if (t != (st_time)(1000 * i + 999)) {
			print_error("row %zu: time %lld, want %zu\n", i, (long long)t, 1000 * i + 999);
			fail();
		}
	}
	/* the selection (time 500000) went to the nearest following: 500999 */
	assert_int_equal(st_store_ts(st, sel_seq(v)), 500999);
	assert_int_equal(st_view_selected(v), 500);
	st_view_filters_clear(v);
	drain(v);
	assert_int_equal(st_view_count(v), N);
	assert_int_equal(st_store_ts(st, sel_seq(v)), 500999);
	tu_release(v);
	tu_release(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sync_in_order, tu_teardown),
		cmocka_unit_test_teardown(test_sync_late_keeps_rows, tu_teardown),
		cmocka_unit_test_teardown(test_sync_follow, tu_teardown),
		cmocka_unit_test_teardown(test_move_clamp, tu_teardown),
		cmocka_unit_test_teardown(test_filters, tu_teardown),
		cmocka_unit_test_teardown(test_filter_rebuild_keeps_selection, tu_teardown),
		cmocka_unit_test_teardown(test_filter_empty_result, tu_teardown),
		cmocka_unit_test_teardown(test_level_and_hidden, tu_teardown),
		cmocka_unit_test_teardown(test_search, tu_teardown),
		cmocka_unit_test_teardown(test_match_ranges, tu_teardown),
		cmocka_unit_test_teardown(test_seek_change_error, tu_teardown),
		cmocka_unit_test_teardown(test_seek_long, tu_teardown),
		cmocka_unit_test_teardown(test_bookmarks, tu_teardown),
		cmocka_unit_test_teardown(test_find_time_seq, tu_teardown),
		cmocka_unit_test_teardown(test_density, tu_teardown),
		cmocka_unit_test_teardown(test_hscroll_wrap, tu_teardown),
		cmocka_unit_test_teardown(test_random_ops, tu_teardown),
		cmocka_unit_test_teardown(test_large_filter, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
