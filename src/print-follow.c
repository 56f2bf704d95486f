/*
 * print-follow.c: `strata print -f`, the timeline as it grows.
 *
 * Two phases on one live run (run.h). While the sources replay what they
 * hold, nothing is printed; when the last one reached its end, the events
 * read so far are printed in time order exactly as `print` would. From
 * then on the store's new events (sequence numbers from `cursor` on) are
 * printed in arrival order, once per loop pass, into one buffer written
 * with one fwrite and fflush.
 *
 * Late events: an event whose time is before the latest time printed so
 * far (replay included) is late: flagged in the store and marked. Untimed
 * events are never late and do not move the latest time.
 *
 * Continuation lines: the newest event of a source may still grow (a
 * stack trace's next line). It is held back until its source has a newer
 * event or HOLD_MS passed since it was first seen; a continuation line
 * arriving later than that is kept in the store but not printed.
 *
 * A reader that went away: SIGPIPE is ignored by the caller, a write
 * failing with EPIPE stops the run quietly, and a uv_poll on a pipe stdout
 * notices the reader's close even when nothing is being written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strata/classify.h"
#include "strata/output.h"
#include "strata/series.h"
#include "strata/util.h"

#define HOLD_MS 10

struct live {
	struct st_run *r;
	const struct st_print_opts *o;
	FILE *out;
	struct st_buf b;
	char **names;
	size_t nnames;
	int width;
	bool replayed;
	uint32_t cursor;    /* the next event to print in arrival order */
	st_time latest;     /* latest time printed */
	uint32_t held;      /* an event held for its continuation lines */
	uint64_t held_since;
	long printed;
	bool failed;        /* a write failed (not EPIPE) */
	uv_poll_t hup;      /* stdout, a pipe: its reader's close */
	bool polling;
	struct st_series_set *series; /* the events metric samples imply (series.h) */
	uint32_t series_at;
};

static void
names_update(struct live *lv)
{
	size_t n = st_store_nsources(lv->r->store);
	if (n == lv->nnames && lv->names != NULL)
		return;
	st_display_names_free(lv->names, lv->nnames);
	lv->names = st_display_names(lv->r->store);
	lv->nnames = n;
	if (!lv->replayed)
		lv->width = st_print_width(lv->names, n);
}

/* Write what the buffer holds; false when the run must stop. */
static bool
live_flush(struct live *lv)
{
	if (lv->b.len == 0)
		return true;
	size_t w = fwrite(lv->b.p, 1, lv->b.len, lv->out);
	lv->b.len = 0;
	if (w == 0 || fflush(lv->out) != 0 || ferror(lv->out)) {
		if (errno != EPIPE) {
			fprintf(stderr, "strata: cannot write the output: %s\n", strerror(errno));
			lv->failed = true;
		}
		return false;
	}
	return true;
}

static void
emit(struct live *lv, struct st_event *ev)
{
	/* classified in arrival order up to the event printed (never a held
	 * one, which may still grow); a change's kind is then in the store */
	if (lv->r->notes != NULL && ev->seq >= st_notes_done(lv->r->notes)) {
		st_classify(lv->r->notes, lv->r->store, ev->seq + 1);
		ev->kind = (uint8_t)st_store_kind(lv->r->store, ev->seq);
	}
	if (!st_filter_pass(&lv->o->filter, ev))
		return;
	if (ev->ts != ST_TIME_NONE) {
		if (lv->latest != ST_TIME_NONE && ev->ts < lv->latest && lv->replayed) {
			ev->flags |= ST_EV_LATE;
			st_store_flag_seq(lv->r->store, ev->seq, ST_EV_LATE);
		}
		if (lv->latest == ST_TIME_NONE || ev->ts > lv->latest)
			lv->latest = ev->ts;
	}
	st_print_event(&lv->b, lv->o, lv->r->store, lv->r->notes, ev, lv->names, lv->width);
	lv->printed++;
}

static void
replay_print(struct live *lv)
{
	size_t n;
	const uint32_t *order = st_store_order(lv->r->store, &n);
	names_update(lv);
	if (lv->r->notes != NULL)
		st_classify(lv->r->notes, lv->r->store, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		struct st_event ev;
		st_store_get(lv->r->store, order[i], &ev);
		emit(lv, &ev);
		if (lv->b.len >= (64u << 10) && !live_flush(lv))
			return;
	}
	lv->cursor = (uint32_t)st_store_count(lv->r->store);
	lv->replayed = true;
}

/* Print the new events; returns ms until a held event is due, or 0. */
static unsigned
stream_print(struct live *lv, bool final)
{
	struct st_store *st = lv->r->store;
	uint32_t n = (uint32_t)st_store_count(st);
	if (lv->cursor >= n)
		return 0;
	names_update(lv);
	uint64_t now = uv_now(&lv->r->loop);
	for (; lv->cursor < n; lv->cursor++) {
		struct st_event ev;
		st_store_get(st, lv->cursor, &ev);
		if (!final && st_store_last(st, ev.source) == lv->cursor) {
			if (lv->held != lv->cursor) {
				lv->held = lv->cursor;
				lv->held_since = now;
			}
			if (now - lv->held_since < HOLD_MS)
				return (unsigned)(HOLD_MS - (now - lv->held_since));
		}
		emit(lv, &ev);
	}
	return 0;
}

static unsigned
on_pass(struct st_run *r, void *arg)
{
	struct live *lv = arg;
	unsigned later = 0;
	lv->series_at = st_series_update(lv->series, r->store, lv->series_at);
	if (!lv->replayed) {
		if (st_sources_replaying(r->sources) && !r->stopping && !r->signal)
			return 0;
		replay_print(lv);
	} else {
		/* a pass after a signal or at the end prints everything */
		later = stream_print(lv, r->signal != 0 || st_sources_live(r->sources) == 0);
	}
	if (!live_flush(lv))
		st_run_stop(r);
	return later;
}

static void
on_hup(uv_poll_t *h, int status, int events)
{
	struct live *lv = h->data;
	if (status < 0 || (events & UV_DISCONNECT))
		st_run_stop(lv->r);
}

static void
on_stop(void *arg)
{
	struct live *lv = arg;
	if (lv->polling) {
		uv_close((uv_handle_t *)&lv->hup, NULL);
		lv->polling = false;
	}
}

/* Watch a pipe stdout for its reader's close (EPOLLERR), keeping the
 * descriptor blocking: libuv makes it non-blocking. */
static void
watch_hup(struct live *lv)
{
	int fd = fileno(lv->out);
	if (uv_guess_handle(fd) != UV_NAMED_PIPE)
		return;
	int fl = fcntl(fd, F_GETFL);
	if (uv_poll_init(&lv->r->loop, &lv->hup, fd) != 0)
		return;
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl);
	lv->hup.data = lv;
	if (uv_poll_start(&lv->hup, UV_DISCONNECT, on_hup) != 0) {
		uv_close((uv_handle_t *)&lv->hup, NULL);
		return;
	}
	lv->polling = true;
}

long
st_print_follow(struct st_run *r, const struct st_print_opts *o, FILE *out)
{
	struct live lv = {.r = r, .o = o, .out = out, .latest = ST_TIME_NONE, .held = UINT32_MAX,
	                  .series = st_series_new(ST_SERIES_EVENTS)};
	if (r->notes == NULL && o->output == ST_OUT_JSON) /* shown in JSON only */
		r->notes = st_notes_new();
	st_run_at_stop(&r->loop, on_stop, &lv);
	watch_hup(&lv);
	st_run_live(r, on_pass, &lv);
	live_flush(&lv);
	st_buf_free(&lv.b);
	st_display_names_free(lv.names, lv.nnames);
	st_series_free(lv.series);
	return lv.failed ? -1 : lv.printed;
}
