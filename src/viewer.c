/*
 * viewer.c: `strata SOURCE...` on a terminal: the interactive timeline.
 *
 * A live run (run.h) whose pass, once per loop pass, reads what arrived
 * (classification, metric series, hints at most once a second, the view's
 * list), does a slice of any long job (a filter rebuild, a search), and
 * draws the screen once. Keys come from the tty's descriptor, polled by
 * the same loop, so reading never stops while the user reads; they change
 * the view model (view.h) or the panels, and the next pass draws.
 *
 * While the screen is owned nothing may write to the terminal: standard
 * error goes to the --log file, or to a temporary file whose lines the
 * status line counts and the help line shows; they are copied to the real
 * standard error when the viewer ends, so no message is lost.
 *
 * Bookmarks live in the state file (bookmarks.h), saved at each change;
 * bookmarks of sources not in this run are kept in it untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata/bookmarks.h"
#include "strata/classify.h"
#include "strata/output.h"
#include "strata/util.h"
#include "strata/viewer-cmd.h"
#include "viewer.h"

#define HINTS_MS 1000   /* hints are ranked again at most this often */
#define WORK_US 5000    /* a job's slice per pass: the screen stays live */
#define HINTS_US 4000   /* the hints' reading or ranking per pass */
#define HINTS_SLICE 2048 /* events the hints read at a time (well under 1 ms) */

const char *const st_viewer_help[] = {
	"Moving",
	"  j k, Down Up        next / previous event",
	"  PgDn PgUp, Space b  next / previous page (also Ctrl-F Ctrl-B)",
	"  Ctrl-D Ctrl-U       half a page",
	"  g G, Home End       first / last event (G turns follow on while sources are live)",
	"  mouse wheel, click  scroll, select",
	"  Left Right          scroll long lines sideways;  w  wrap long lines",
	"  t                   jump to a time: 2024-12-08T05:59:58Z, 05:59 (the selected",
	"                      event's day), -10m / +2h (from the last / selected event)",
	"  F                   follow on / off (moving up turns it off)",
	"",
	"Searching and filtering (pcre2; smart case: lower case matches any case)",
	"  / ?                 search forward / backward (? then Enter alone: this help)",
	"  n N                 next / previous match",
	"  f x                 filter in / out by a pattern (they stack; in: all must",
	"                      match, out: any hides)",
	"  X                   clear the filters",
	"  l                   minimum level: all, info, warn, error",
	"  s                   sources: hide or show each one",
	"",
	"Incident",
	"  h                   hints: the ranked causes; j k choose, Enter jump to the",
	"                      cause, Tab / Shift-Tab walk cause, effect and evidence",
	"  c C                 next / previous change (deploys, config, elections)",
	"  e E                 next / previous error",
	"  Enter               the selected event in detail: fields, entities, JSON,",
	"                      its metric series with min and max (J K scroll it)",
	"  m                   bookmark the event, with an optional note; M removes it",
	"  '                   next bookmark (bookmarks are saved in .strata-state",
	"                      beside the sources, or --state FILE)",
	"",
	"  Esc                 close a panel or the prompt;  Ctrl-L redraw;  q quit",
	"",
	"The marks in the first column: * bookmark, \u25c6 change, ! a hinted symptom or cause.",
	"The strip above the status line: events over the listed time span; \u25c6 changes,",
	"! hinted symptoms; the lit part is what the screen shows.",
	NULL,
};

/* ---- the metric events' series ---- */

static void
seqmap_put(struct seqmap *m, uint32_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		uint32_t *k = st_xcalloc(cap, sizeof(*k)), *v = st_xcalloc(cap, sizeof(*v));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t h = (m->keys[i] * 2654435761u) & (cap - 1);
				while (k[h])
					h = (h + 1) & (cap - 1);
				k[h] = m->keys[i];
				v[h] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		m->keys = k;
		m->vals = v;
		m->cap = cap;
	}
	size_t h = ((key + 1) * 2654435761u) & (m->cap - 1);
	while (m->keys[h] && m->keys[h] != key + 1)
		h = (h + 1) & (m->cap - 1);
	if (!m->keys[h])
		m->n++;
	m->keys[h] = key + 1;
	m->vals[h] = val;
}

static bool
seqmap_get(const struct seqmap *m, uint32_t key, uint32_t *val)
{
	if (m->cap == 0)
		return false;
	size_t h = ((key + 1) * 2654435761u) & (m->cap - 1);
	while (m->keys[h]) {
		if (m->keys[h] == key + 1) {
			*val = m->vals[h];
			return true;
		}
		h = (h + 1) & (m->cap - 1);
	}
	return false;
}

const struct st_series *
st_viewer_series(const struct viewer *vw, uint32_t seq)
{
	uint32_t i;
	if (vw->series == NULL || !seqmap_get(&vw->metric_of, seq, &i))
		return NULL;
	return st_series_at(vw->series, i);
}

struct series_seen {
	size_t *npoints;
	size_t n;
};

static void
update_series(struct viewer *vw, struct series_seen *seen)
{
	uint32_t from = vw->series_at;
	vw->series_at = st_series_update(vw->series, vw->run->store, from);
	size_t n = st_series_count(vw->series);
	if (n > seen->n) {
		seen->npoints = st_xreallocarray(seen->npoints, n, sizeof(*seen->npoints));
		memset(seen->npoints + seen->n, 0, (n - seen->n) * sizeof(*seen->npoints));
		seen->n = n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct st_series *s = st_series_at(vw->series, i);
		if (s->npoints == seen->npoints[i])
			continue;
		for (size_t k = 0; k < s->npoints; k++)
			if (s->points[k].seq >= from)
				seqmap_put(&vw->metric_of, s->points[k].seq, (uint32_t)i);
		seen->npoints[i] = s->npoints;
	}
}

/* ---- finding events ---- */

uint32_t
st_viewer_ref_seq(const struct viewer *vw, st_time ts, unsigned source, uint32_t line)
{
	size_t n;
	const uint32_t *order = st_store_order(vw->run->store, &n);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st_store_ts(vw->run->store, order[mid]) < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && st_store_ts(vw->run->store, order[i]) == ts; i++) {
		struct st_event ev;
		st_store_get(vw->run->store, order[i], &ev);
		if (ev.source == source && ev.line == line)
			return order[i];
	}
	return UINT32_MAX;
}

/* Index the events that arrived by source (a pass does it). */
static void
index_sources(struct viewer *vw)
{
	struct st_store *st = vw->run->store;
	uint32_t n = (uint32_t)st_store_count(st);
	size_t ns = st_store_nsources(st);
	if (ns > vw->nby_src) {
		vw->by_src = st_xreallocarray(vw->by_src, ns, sizeof(*vw->by_src));
		memset(vw->by_src + vw->nby_src, 0, (ns - vw->nby_src) * sizeof(*vw->by_src));
		vw->nby_src = ns;
	}
	for (uint32_t q = vw->by_src_at; q < n; q++) {
		struct st_event e;
		st_store_get(st, q, &e);
		if (e.source >= vw->nby_src)
			continue;
		struct src_events *se = &vw->by_src[e.source];
		if (se->n == se->cap) {
			se->cap = se->cap ? se->cap * 2 : 256;
			se->seq = st_xreallocarray(se->seq, se->cap, sizeof(*se->seq));
		}
		se->seq[se->n++] = q;
	}
	vw->by_src_at = n;
}

/* The event at line `line` of source src: its lines grow with its events
 * (a binary search) unless the file was truncated or rotated while read
 * and numbered again (then a scan of that source's events). */
static uint32_t
source_line_seq(const struct viewer *vw, unsigned src, uint32_t line)
{
	if (src >= vw->nby_src)
		return UINT32_MAX;
	const struct src_events *se = &vw->by_src[src];
	struct st_store *st = vw->run->store;
	struct st_event e;
	size_t lo = 0, hi = se->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		st_store_get(st, se->seq[mid], &e);
		if (e.line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < se->n) {
		st_store_get(st, se->seq[lo], &e);
		if (e.line == line)
			return se->seq[lo];
	}
	for (size_t i = 0; i < se->n; i++) {
		st_store_get(st, se->seq[i], &e);
		if (e.line == line)
			return se->seq[i];
	}
	return UINT32_MAX;
}

/* An evidence line "SOURCE:LINE: what it shows": its event. */
static uint32_t
evidence_seq(const struct viewer *vw, const char *ev, unsigned *src_out, uint32_t *line_out)
{
	struct st_store *st = vw->run->store;
	size_t ns = st_store_nsources(st);
	for (size_t s = 0; s < ns; s++) {
		const char *name = st_store_source_name(st, (unsigned)s);
		size_t k = strlen(name);
		if (strncmp(ev, name, k) != 0 || ev[k] != ':' || ev[k + 1] < '0' || ev[k + 1] > '9')
			continue;
		uint32_t line = (uint32_t)strtoul(ev + k + 1, NULL, 10);
		*src_out = (unsigned)s;
		*line_out = line;
		return source_line_seq(vw, (unsigned)s, line);
	}
	return UINT32_MAX;
}

/* ---- messages ---- */

static void
say(struct viewer *vw, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(struct viewer *vw, bool err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vw->msg, sizeof(vw->msg), fmt, ap);
	va_end(ap);
	vw->msg_err = err;
}

/* New lines on the captured standard error: count them, show the last. */
static void
check_log(struct viewer *vw)
{
	if (vw->log_fd < 0)
		return;
	struct stat sb;
	if (fstat(vw->log_fd, &sb) != 0 || sb.st_size <= vw->log_seen)
		return;
	char buf[4096];
	long from = sb.st_size - vw->log_seen > (long)sizeof(buf) ? sb.st_size - (long)sizeof(buf)
	                                                           : vw->log_seen;
	ssize_t got = pread(vw->log_fd, buf, (size_t)(sb.st_size - from), from);
	if (got <= 0)
		return;
	for (ssize_t i = 0; i < got; i++)
		vw->log_lines += buf[i] == '\n';
	vw->log_seen = sb.st_size;
	/* the last complete line */
	ssize_t e = got;
	while (e > 0 && buf[e - 1] == '\n')
		e--;
	ssize_t s = e;
	while (s > 0 && buf[s - 1] != '\n')
		s--;
	say(vw, true, "%.*s", (int)(e - s), buf + s);
}

/* ---- bookmarks ---- */

/* The bookmark key of source src (its realpath), found once per source:
 * passes ask for it while events arrive. Borrowed from the viewer. */
static const char *
source_key(struct viewer *vw, unsigned src)
{
	if (src >= vw->nkeys) {
		size_t n = st_store_nsources(vw->run->store);
		vw->keys = st_xreallocarray(vw->keys, n, sizeof(*vw->keys));
		for (size_t i = vw->nkeys; i < n; i++)
			vw->keys[i] = st_bookmark_source_key(st_store_source_name(vw->run->store, (unsigned)i));
		vw->nkeys = n;
	}
	return vw->keys[src];
}

static void
save_marks(struct viewer *vw)
{
	struct st_store *st = vw->run->store;
	size_t ns = st_store_nsources(st);
	/* this run's sources: replace their entries by the view's */
	for (size_t s = 0; s < ns; s++) {
		const char *key = source_key(vw, (unsigned)s);
		for (size_t i = 0; i < vw->saved.n;) {
			if (strcmp(vw->saved.v[i].source, key) == 0)
				st_bookmarks_remove(&vw->saved, key, vw->saved.v[i].line);
			else
				i++;
		}
	}
	for (size_t i = 0; i < st_view_bookmark_count(vw->view); i++) {
		uint32_t seq = st_view_bookmark_seq(vw->view, i);
		struct st_event ev;
		st_store_get(st, seq, &ev);
		st_bookmarks_set(&vw->saved, source_key(vw, ev.source), ev.line, ev.ts,
		                 st_view_bookmark_note(vw->view, seq));
	}
	int rc = st_bookmarks_save(vw->state_path, &vw->saved);
	if (rc < 0)
		say(vw, true, "cannot save bookmarks to %s: %s (use --state FILE)", vw->state_path,
		    strerror(-rc));
}

/* Saved bookmarks whose events have arrived go into the view. */
static void
restore_marks(struct viewer *vw)
{
	struct st_store *st = vw->run->store;
	if (vw->saved.n == 0 || st_store_count(st) == vw->marks_at)
		return;
	vw->marks_at = (uint32_t)st_store_count(st);
	size_t ns = st_store_nsources(st);
	for (size_t s = 0; s < ns; s++) {
		const char *key = source_key(vw, (unsigned)s);
		for (size_t i = 0; i < vw->saved.n; i++) {
			const struct st_bookmark *b = &vw->saved.v[i];
			if (strcmp(b->source, key) != 0)
				continue;
			uint32_t seq = st_viewer_ref_seq(vw, b->ts, (unsigned)s, b->line);
			if (seq != UINT32_MAX && st_view_bookmark_note(vw->view, seq) == NULL)
				st_view_bookmark(vw->view, seq, b->note);
		}
	}
}

/* ---- hints ---- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* A ranking ended: the hinted events, for the marks and the strip. */
static void
update_hints(struct viewer *vw)
{
	free(vw->hinted);
	size_t n = st_hints_count(vw->hints);
	vw->hinted = st_xcalloc(2 * n + 1, sizeof(*vw->hinted));
	vw->nhinted = 0;
	for (size_t i = 0; i < n; i++) {
		const struct st_hint *h = st_hints_get(vw->hints, i);
		uint32_t s = st_viewer_ref_seq(vw, h->effect.ts, h->effect.source, h->effect.line);
		if (s != UINT32_MAX)
			vw->hinted[vw->nhinted++] = s;
		if (h->has_cause && h->cause.ts != ST_TIME_NONE) {
			s = st_viewer_ref_seq(vw, h->cause.ts, h->cause.source, h->cause.line);
			if (s != UINT32_MAX)
				vw->hinted[vw->nhinted++] = s;
		}
	}
	qsort(vw->hinted, vw->nhinted, sizeof(*vw->hinted), cmp_u32);
	if (vw->hint_sel >= n)
		vw->hint_sel = n ? n - 1 : 0;
}

/* Select the event of the hint's current target. */
static void
jump_target(struct viewer *vw)
{
	if (vw->hints == NULL || vw->hint_sel >= st_hints_count(vw->hints))
		return;
	const struct st_hint *h = st_hints_get(vw->hints, vw->hint_sel);
	uint32_t seq = UINT32_MAX;
	unsigned src = 0;
	uint32_t line = 0;
	const char *what = NULL;
	if (vw->hint_target == 0 || vw->hint_target == 1) {
		const struct st_hint_ref *r = vw->hint_target == 0 ? &h->cause : &h->effect;
		src = r->source;
		line = r->line;
		what = r->text;
		if (r->ts != ST_TIME_NONE || vw->hint_target == 1)
			seq = st_viewer_ref_seq(vw, r->ts, r->source, r->line);
	} else if (vw->hint_target - 2 < h->nevidence) {
		what = h->evidence[vw->hint_target - 2];
		seq = evidence_seq(vw, what, &src, &line);
	}
	const char *name = src < vw->nnames ? vw->names[src] : "?";
	if (seq == UINT32_MAX) {
		say(vw, false, "%s:%u is a line of a context file, not an event: %s", name, line,
		    what ? what : "");
		return;
	}
	size_t row = st_view_find_seq(vw->view, seq);
	if (row == SIZE_MAX) {
		say(vw, true, "%s:%u is hidden by the filters (X clears them, l cycles the level, s "
		              "shows sources)", name, line);
		return;
	}
	st_view_select(vw->view, row);
	say(vw, false, "%s %s:%u",
	    vw->hint_target == 0 ? "cause" : vw->hint_target == 1 ? "effect" : "evidence", name, line);
}

/* ---- display names ---- */

static void
update_names(struct viewer *vw)
{
	size_t n = st_store_nsources(vw->run->store);
	if (n == vw->nnames && vw->names)
		return;
	if (vw->names)
		st_display_names_free(vw->names, vw->nnames);
	vw->names = st_display_names(vw->run->store);
	vw->nnames = n;
	int w = st_print_width(vw->names, n);
	vw->name_w = w > 24 ? 24 : w < 4 ? 4 : w;
}

/* ---- the prompt ---- */

static void
prompt_open(struct viewer *vw, enum prompt p, const char *init)
{
	vw->prompt = p;
	vw->ninput = 0;
	vw->msg[0] = '\0';
	if (init) {
		size_t n = strlen(init);
		if (n >= sizeof(vw->input))
			n = sizeof(vw->input) - 1;
		memcpy(vw->input, init, n);
		vw->ninput = n;
	}
}

/* Read a jump target: RFC 3339 (or epoch), HH:MM[:SS] on the selected
 * event's day, or -N[smhd] / +N[smhd] from the last / selected event. */
static int
parse_jump(struct viewer *vw, const char *s, st_time *out)
{
	size_t cnt = st_view_count(vw->view);
	st_time sel = cnt ? st_store_ts(vw->run->store, st_view_seq(vw->view, st_view_selected(vw->view)))
	                  : ST_TIME_NONE;
	st_time last = cnt ? st_store_ts(vw->run->store, st_view_seq(vw->view, cnt - 1)) : ST_TIME_NONE;
	if ((s[0] == '-' || s[0] == '+') && s[1] >= '0' && s[1] <= '9') {
		char *end;
		double v = strtod(s + 1, &end);
		double unit = 1;
		if (*end == 's' || *end == '\0')
			unit = 1;
		else if (*end == 'm')
			unit = 60;
		else if (*end == 'h')
			unit = 3600;
		else if (*end == 'd')
			unit = 86400;
		else
			return -1;
		if (*end && end[1])
			return -1;
		st_time base = s[0] == '-' ? last : sel;
		if (base == ST_TIME_NONE)
			return -1;
		st_time d = (st_time)(v * unit * 1e6);
		*out = s[0] == '-' ? base - d : base + d;
		return 0;
	}
	int hh, mm, ss = 0, k = 0;
	if ((sscanf(s, "%2d:%2d:%2d%n", &hh, &mm, &ss, &k) == 3 || sscanf(s, "%2d:%2d%n", &hh, &mm, &k) == 2) &&
	    s[k] == '\0' && hh < 24 && mm < 60 && ss < 61) {
		if (sel == ST_TIME_NONE)
			return -1;
		st_time day = sel - ((sel % 86400000000LL) + 86400000000LL) % 86400000000LL;
		*out = day + ((st_time)hh * 3600 + mm * 60 + ss) * 1000000LL;
		return 0;
	}
	return st_parse_user_time(s, vw->run->tz, out) < 0 ? -1 : 0;
}

static void
prompt_submit(struct viewer *vw)
{
	char in[sizeof(vw->input) + 1];
	memcpy(in, vw->input, vw->ninput);
	in[vw->ninput] = '\0';
	enum prompt p = vw->prompt;
	vw->prompt = PR_NONE;
	char err[300];
	switch (p) {
	case PR_SEARCH:
	case PR_SEARCH_BACK:
		if (in[0] == '\0') {
			if (p == PR_SEARCH_BACK) {
				vw->panel = P_HELP;
				vw->help_off = 0;
			} else if (st_view_search_pattern(vw->view)) {
				st_view_seek(vw->view, ST_SEEK_MATCH, 1); /* / Enter: search again */
				vw->seek_wait = true;
				vw->seek_what = ST_SEEK_MATCH;
			}
			return;
		}
		if (st_view_search(vw->view, in, p == PR_SEARCH_BACK, err, sizeof(err)) < 0) {
			say(vw, true, "bad pattern: %s", err);
			return;
		}
		vw->seek_wait = true;
		vw->seek_what = ST_SEEK_MATCH;
		break;
	case PR_FILTER_IN:
	case PR_FILTER_OUT:
		if (in[0] == '\0')
			return;
		if (st_view_filter_add(vw->view, p == PR_FILTER_OUT, in, err, sizeof(err)) < 0)
			say(vw, true, "bad pattern: %s", err);
		break;
	case PR_TIME: {
		st_time t;
		if (in[0] == '\0')
			return;
		if (parse_jump(vw, in, &t) < 0) {
			say(vw, true, "cannot read time '%s' (2024-12-08T05:59:58Z, 05:59, -10m, +2h)", in);
			return;
		}
		size_t row = st_view_find_time(vw->view, t);
		if (row >= st_view_count(vw->view))
			row = st_view_count(vw->view) ? st_view_count(vw->view) - 1 : 0;
		st_view_select(vw->view, row);
		st_view_set_follow(vw->view, false);
		char ts[40];
		st_format_time(t, 0, ts);
		say(vw, false, "at %s", ts);
		break;
	}
	case PR_NOTE:
		st_view_bookmark(vw->view, vw->note_seq, in);
		save_marks(vw);
		if (!vw->msg_err)
			say(vw, false, "bookmarked%s%s", in[0] ? ": " : "", in);
		break;
	case PR_NONE:
		break;
	}
}

static void
prompt_key(struct viewer *vw, uint32_t k)
{
	switch (k) {
	case ST_K_ESC:
	case ST_K_CTRL_C:
		vw->prompt = PR_NONE;
		return;
	case ST_K_ENTER:
		prompt_submit(vw);
		return;
	case ST_K_BACKSPACE:
		if (vw->ninput == 0) {
			vw->prompt = PR_NONE;
			return;
		}
		do
			vw->ninput--;
		while (vw->ninput > 0 && ((unsigned char)vw->input[vw->ninput] & 0xc0) == 0x80);
		return;
	case ST_K_CTRL_U:
		vw->ninput = 0;
		return;
	default:
		break;
	}
	if (k < 0x20 || k >= 0x110000)
		return;
	char u[4];
	size_t n;
	if (k < 0x80) {
		u[0] = (char)k;
		n = 1;
	} else if (k < 0x800) {
		u[0] = (char)(0xc0 | k >> 6);
		u[1] = (char)(0x80 | (k & 0x3f));
		n = 2;
	} else if (k < 0x10000) {
		u[0] = (char)(0xe0 | k >> 12);
		u[1] = (char)(0x80 | (k >> 6 & 0x3f));
		u[2] = (char)(0x80 | (k & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | k >> 18);
		u[1] = (char)(0x80 | (k >> 12 & 0x3f));
		u[2] = (char)(0x80 | (k >> 6 & 0x3f));
		u[3] = (char)(0x80 | (k & 0x3f));
		n = 4;
	}
	if (vw->ninput + n < sizeof(vw->input)) {
		memcpy(vw->input + vw->ninput, u, n);
		vw->ninput += n;
	}
}

/* ---- keys ---- */

static void
start_seek(struct viewer *vw, enum st_view_seek what, int dir)
{
	if (what == ST_SEEK_MATCH && st_view_search_pattern(vw->view) == NULL) {
		say(vw, true, "no search yet (/ or ?)");
		return;
	}
	st_view_seek(vw->view, what, dir);
	vw->seek_wait = true;
	vw->seek_what = what;
}

static void
panel_key(struct viewer *vw, uint32_t k, bool *done)
{
	*done = true;
	if (vw->panel == P_HELP) {
		if (k == 'j' || k == ST_K_DOWN)
			vw->help_off++;
		else if ((k == 'k' || k == ST_K_UP) && vw->help_off > 0)
			vw->help_off--;
		else if (k == 'q' || k == ST_K_ESC || k == 'H' || k == ST_K_F1 || k == ST_K_ENTER || k == '?')
			vw->panel = P_NONE;
		return;
	}
	if (vw->panel == P_HINTS) {
		size_t n = st_hints_count(vw->hints);
		const struct st_hint *h = vw->hint_sel < n ? st_hints_get(vw->hints, vw->hint_sel) : NULL;
		size_t ntarget = h ? 2 + h->nevidence : 0;
		switch (k) {
		case 'j':
		case ST_K_DOWN:
			if (vw->hint_sel + 1 < n) {
				vw->hint_sel++;
				vw->hint_target = 0;
			}
			return;
		case 'k':
		case ST_K_UP:
			if (vw->hint_sel > 0) {
				vw->hint_sel--;
				vw->hint_target = 0;
			}
			return;
		case ST_K_ENTER:
			jump_target(vw);
			return;
		case ST_K_TAB:
			if (ntarget) {
				vw->hint_target = (vw->hint_target + 1) % ntarget;
				jump_target(vw);
			}
			return;
		case ST_K_BACKTAB:
			if (ntarget) {
				vw->hint_target = (vw->hint_target + ntarget - 1) % ntarget;
				jump_target(vw);
			}
			return;
		case 'h':
		case ST_K_ESC:
			vw->panel = P_NONE;
			return;
		}
	} else if (vw->panel == P_SOURCES) {
		size_t n = st_sources_count(vw->run->sources);
		switch (k) {
		case 'j':
		case ST_K_DOWN:
			if (vw->src_sel + 1 < n)
				vw->src_sel++;
			return;
		case 'k':
		case ST_K_UP:
			if (vw->src_sel > 0)
				vw->src_sel--;
			return;
		case ' ':
		case ST_K_ENTER: {
			struct st_source_info si;
			if (vw->src_sel >= n)
				return;
			st_sources_info(vw->run->sources, vw->src_sel, &si);
			if (si.id >= 0)
				st_view_set_hidden(vw->view, (unsigned)si.id, !st_view_hidden(vw->view, (unsigned)si.id));
			return;
		}
		case 'a':
			for (size_t i = 0; i < st_store_nsources(vw->run->store); i++)
				st_view_set_hidden(vw->view, (unsigned)i, false);
			return;
		case 's':
		case ST_K_ESC:
			vw->panel = P_NONE;
			return;
		}
	} else if (vw->panel == P_DETAIL) {
		switch (k) {
		case 'J':
			vw->detail_off++;
			return;
		case 'K':
			if (vw->detail_off)
				vw->detail_off--;
			return;
		case ST_K_ENTER:
		case ST_K_ESC:
			vw->panel = P_NONE;
			return;
		}
	}
	*done = false;
}

static void
handle_key(struct viewer *vw, const struct st_key *key)
{
	uint32_t k = key->key;
	struct st_view *v = vw->view;
	if (k == ST_K_RESIZE) {
		vw->w = key->x;
		vw->h = key->y;
		return;
	}
	if (vw->prompt != PR_NONE) {
		prompt_key(vw, k);
		return;
	}
	vw->msg[0] = '\0';
	vw->msg_err = false;
	if (vw->panel != P_NONE) {
		bool done;
		panel_key(vw, k, &done);
		if (done)
			return;
	}
	long page = (long)(vw->rows ? vw->rows : 1);
	switch (k) {
	case 'q':
	case ST_K_CTRL_C:
		vw->quit = true;
		break;
	case 'j':
	case ST_K_DOWN:
		st_view_move(v, 1);
		break;
	case 'k':
	case ST_K_UP:
		st_view_move(v, -1);
		break;
	case ' ':
	case ST_K_PGDN:
		st_view_move(v, page);
		break;
	case 'b':
	case ST_K_PGUP:
		st_view_move(v, -page);
		break;
	case ST_K_CTRL_D:
		st_view_move(v, page / 2);
		break;
	case ST_K_CTRL_U:
		st_view_move(v, -(page / 2));
		break;
	case 'g':
	case ST_K_HOME:
		st_view_home(v);
		break;
	case 'G':
	case ST_K_END:
		st_view_end(v);
		break;
	case ST_K_WHEEL_UP:
		st_view_scroll(v, -3);
		break;
	case ST_K_WHEEL_DOWN:
		st_view_scroll(v, 3);
		break;
	case ST_K_CLICK:
		if (key->y >= 0 && (unsigned)key->y < vw->rows && !st_view_wrap(v))
			st_view_select(v, st_view_top(v) + (size_t)key->y);
		break;
	case ST_K_LEFT:
		st_view_hscroll(v, -10);
		break;
	case ST_K_RIGHT:
		st_view_hscroll(v, 10);
		break;
	case 'w':
		st_view_set_wrap(v, !st_view_wrap(v));
		say(vw, false, "wrap %s", st_view_wrap(v) ? "on" : "off");
		break;
	case 'F':
		st_view_set_follow(v, !st_view_follow(v));
		say(vw, false, "follow %s", st_view_follow(v) ? "on" : "off");
		break;
	case '/':
		prompt_open(vw, PR_SEARCH, NULL);
		break;
	case '?':
		prompt_open(vw, PR_SEARCH_BACK, NULL);
		break;
	case 'n':
		start_seek(vw, ST_SEEK_MATCH, st_view_search_backward(v) ? -1 : 1);
		break;
	case 'N':
		start_seek(vw, ST_SEEK_MATCH, st_view_search_backward(v) ? 1 : -1);
		break;
	case 'f':
		prompt_open(vw, PR_FILTER_IN, NULL);
		break;
	case 'x':
		prompt_open(vw, PR_FILTER_OUT, NULL);
		break;
	case 'X':
		st_view_filters_clear(v);
		say(vw, false, "filters cleared");
		break;
	case 'l': {
		enum st_level l = st_view_level_cycle(v);
		say(vw, false, "level: %s", l == ST_LVL_NONE ? "all" : st_level_name(l));
		break;
	}
	case 't':
		prompt_open(vw, PR_TIME, NULL);
		break;
	case 'c':
		start_seek(vw, ST_SEEK_CHANGE, 1);
		break;
	case 'C':
		start_seek(vw, ST_SEEK_CHANGE, -1);
		break;
	case 'e':
		start_seek(vw, ST_SEEK_ERROR, 1);
		break;
	case 'E':
		start_seek(vw, ST_SEEK_ERROR, -1);
		break;
	case '\'':
		start_seek(vw, ST_SEEK_BOOKMARK, 1);
		break;
	case 'm':
		if (st_view_count(v)) {
			vw->note_seq = st_view_seq(v, st_view_selected(v));
			prompt_open(vw, PR_NOTE, st_view_bookmark_note(v, vw->note_seq));
		}
		break;
	case 'M':
		if (st_view_count(v) && st_view_unbookmark(v, st_view_seq(v, st_view_selected(v)))) {
			save_marks(vw);
			if (!vw->msg_err)
				say(vw, false, "bookmark removed");
		}
		break;
	case 'h':
		vw->panel = P_HINTS;
		vw->hint_target = 0;
		break;
	case 's':
		vw->panel = P_SOURCES;
		break;
	case ST_K_ENTER:
		if (st_view_count(v)) {
			vw->panel = P_DETAIL;
			vw->detail_off = 0;
		}
		break;
	case 'H':
	case ST_K_F1:
		vw->panel = P_HELP;
		vw->help_off = 0;
		break;
	case ST_K_ESC:
		vw->panel = P_NONE;
		break;
	case ST_K_CTRL_L:
		vw->repaint = true; /* on_tty has termbox paint every cell again */
		break;
	default:
		break;
	}
}

/* ---- the loop ---- */

/* Responsiveness, measured for bench/viewer (STRATA_VIEW_STATS=1: said
 * on stderr at the end): keypress to screen, and ingest end to screen. */
#define LAT_MAX 65536
struct timing {
	uint64_t key_t0;      /* keys read, not drawn yet (ns) */
	uint64_t start, replayed, ready;
	uint32_t *lat_us;
	size_t nlat;
	uint32_t *pass_us;    /* each loop pass's length once the timeline is listed */
	size_t npass;
	uint32_t key;         /* the first of the keys not drawn yet */
	uint32_t slow_key, slow_us; /* the slowest keypress */
};

struct ui {
	struct viewer vw;
	struct timing tm;
	bool keys;            /* keys were handled since the last pass */
	struct st_grid grid;
	uv_poll_t tty;
	uv_signal_t winch;
	struct series_seen seen;
	bool open;
};

static void
draw(struct ui *u)
{
	struct viewer *vw = &u->vw;
	int w, h;
	st_term_size(&w, &h);
	if (w <= 0 || h <= 0)
		return;
	if (w != u->grid.w || h != u->grid.h) {
		free(u->grid.c);
		u->grid.c = st_xcalloc((size_t)w * (size_t)h, sizeof(*u->grid.c));
		u->grid.w = w;
		u->grid.h = h;
	}
	/* rows for the timeline first: the model pages by them */
	int area = h - 3 > 1 ? h - 3 : 1;
	int rows = vw->panel != P_NONE && vw->panel != P_HELP ? (area / 2 > 1 ? area / 2 : 1) : area;
	st_view_set_height(vw->view, (unsigned)rows);
	st_viewer_render(vw, &u->grid);
	int cx = -1, cy = -1;
	if (vw->prompt != PR_NONE) {
		/* the cursor after the input */
		cy = h - 1;
		cx = 0;
		for (int x = w - 1; x >= 0; x--)
			if (u->grid.c[(size_t)cy * (size_t)w + (size_t)x].ch != ' ' &&
			    u->grid.c[(size_t)cy * (size_t)w + (size_t)x].ch != 0) {
				cx = x + 1;
				break;
			}
		if (vw->prompt == PR_SEARCH_BACK && vw->ninput == 0)
			cx = 1;
		if (cx >= w)
			cx = w - 1;
	}
	st_term_draw(&u->grid, cx, cy);
	if (u->tm.key_t0) {
		uint64_t d = (uv_hrtime() - u->tm.key_t0) / 1000;
		if (d > u->tm.slow_us) {
			u->tm.slow_us = (uint32_t)d;
			u->tm.slow_key = u->tm.key;
		}
		if (u->tm.lat_us && u->tm.nlat < LAT_MAX)
			u->tm.lat_us[u->tm.nlat++] = (uint32_t)d;
		u->tm.key_t0 = 0;
	}
}

static int
cmp_lat(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void
timing_report(struct ui *u)
{
	struct timing *t = &u->tm;
	fprintf(stderr, "viewer: %zu events; ingest %.3f s; ingest end to a full screen %.3f s\n",
	        st_store_count(u->vw.run->store),
	        t->replayed ? (double)(t->replayed - t->start) / 1e9 : -1.0,
	        t->ready && t->replayed ? (double)(t->ready - t->replayed) / 1e9 : -1.0);
	struct st_hints_stats hs;
	st_hints_stats(u->vw.hints, &hs);
	fprintf(stderr, "viewer: hints read %llu events; their last ranking took %.3f s\n",
	        (unsigned long long)hs.events, hs.seconds);
	if (t->npass > 0) {
		/* a key that comes during a pass waits for its end: the bound on
		 * what the figures below leave out */
		qsort(t->pass_us, t->npass, sizeof(*t->pass_us), cmp_lat);
		fprintf(stderr, "viewer: %zu loop passes once listed: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		        t->npass, t->pass_us[t->npass / 2] / 1e3, t->pass_us[t->npass * 99 / 100] / 1e3,
		        t->pass_us[t->npass - 1] / 1e3);
	}
	if (t->nlat == 0)
		return;
	qsort(t->lat_us, t->nlat, sizeof(*t->lat_us), cmp_lat);
	fprintf(stderr, "viewer: %zu keypresses drawn; key to screen p50 %.2f ms, p99 %.2f ms, max %.2f ms (key %u)\n",
	        t->nlat, t->lat_us[t->nlat / 2] / 1e3, t->lat_us[t->nlat * 99 / 100] / 1e3,
	        t->lat_us[t->nlat - 1] / 1e3, t->slow_key);
}

static unsigned pass(struct ui *u, struct st_run *r);

static unsigned
on_pass(struct st_run *r, void *arg)
{
	struct ui *u = arg;
	uint64_t t0 = uv_hrtime();
	unsigned later = pass(u, r);
	if (u->tm.ready && u->tm.pass_us && u->tm.npass < LAT_MAX)
		u->tm.pass_us[u->tm.npass++] = (uint32_t)((uv_hrtime() - t0) / 1000);
	return later;
}

/* One loop pass: take what arrived, work a slice, draw. */
static unsigned
pass(struct ui *u, struct st_run *r)
{
	struct viewer *vw = &u->vw;
	if (vw->quit) {
		st_run_stop(r);
		return 0;
	}
	uint32_t count = (uint32_t)st_store_count(r->store);
	st_classify(r->notes, r->store, count);
	/* late events are merged into the store's order as they come, near
	 * its end: left to the first filter, ten million events' worth of them
	 * would move the whole order at once (30 ms) */
	size_t norder;
	(void)st_store_order(r->store, &norder);
	update_series(vw, &u->seen);
	index_sources(vw);
	update_names(vw);
	bool live = st_sources_replaying(r->sources) || st_sources_live(r->sources) > 0;
	st_view_sync(vw->view); /* first: in follow, what arrived is shown at the end */
	st_view_set_live(vw->view, live);
	restore_marks(vw);
	unsigned later = 0;
	bool keys = u->tm.key_t0 != 0 || u->keys;
	u->keys = false;
	if (st_view_job_name(vw->view)) {
		/* keys had their slice as they were read (on_tty): draw them now */
		if (!keys)
			st_view_work(vw->view, WORK_US);
		if (st_view_job_name(vw->view))
			later = 1;
	}
	if (vw->seek_wait && st_view_seek_result(vw->view) != 0) {
		vw->seek_wait = false;
		if (st_view_seek_result(vw->view) > 0 && vw->seek_what == ST_SEEK_BOOKMARK) {
			const char *note = st_view_bookmark_note(
				vw->view, st_view_seq(vw->view, st_view_selected(vw->view)));
			say(vw, false, "bookmark%s%s", note && note[0] ? ": " : "", note ? note : "");
		}
		if (st_view_seek_result(vw->view) < 0) {
			static const char *const what[] = {"no more matches", "no more changes",
			                                   "no more errors", "no bookmarks (m sets one)"};
			say(vw, true, "%s %s", what[vw->seek_what],
			    vw->seek_what == ST_SEEK_BOOKMARK ? "" : "in that direction");
		}
	}
	check_log(vw);
	draw(u);
	/* the hints after the screen, in slices: a pass that answered keys
	 * draws first and leaves them to the next one */
	uint64_t now = uv_now(&r->loop);
	if (keys) {
		if (st_hints_ranking(vw->hints) || count != vw->hints_at)
			later = 1;
	} else if (st_hints_ranking(vw->hints)) {
		if (st_hints_rank_step(vw->hints, HINTS_US))
			update_hints(vw); /* drawn in the next pass */
		later = 1;
	} else if (count != vw->hints_at) {
		uint64_t t0 = uv_hrtime();
		bool all;
		while (!(all = st_hints_read(vw->hints, HINTS_SLICE)) &&
		       uv_hrtime() - t0 < HINTS_US * 1000ull)
			;
		if (!all) {
			later = 1;
		} else if (now - vw->hints_ms >= HINTS_MS || vw->hints_ms == 0) {
			st_hints_rank_begin(vw->hints);
			vw->hints_at = count;
			vw->hints_ms = now;
			later = 1;
		} else {
			unsigned wait = (unsigned)(HINTS_MS - (now - vw->hints_ms));
			later = later && later < wait ? later : wait;
		}
	}
	if (!u->tm.replayed && !st_sources_replaying(r->sources))
		u->tm.replayed = uv_hrtime();
	if (u->tm.replayed && !u->tm.ready && st_view_job_name(vw->view) == NULL &&
	    st_view_count(vw->view) == st_store_count(r->store))
		u->tm.ready = uv_hrtime();
	return later;
}

static void
on_tty(uv_poll_t *h, int status, int events)
{
	struct ui *u = h->data;
	(void)events;
	if (status < 0) {
		u->vw.quit = true;
		return;
	}
again:;
	struct st_key keys[64];
	uint64_t t0 = uv_hrtime();
	size_t n = st_term_read(keys, ST_ARRAY_LEN(keys));
	if (n == SIZE_MAX) {
		u->vw.quit = true;
		st_run_stop(u->vw.run);
		return;
	}
	u->keys = u->keys || n > 0;
	if (n > 0 && u->tm.key_t0 == 0) {
		u->tm.key_t0 = t0;
		u->tm.key = keys[0].key;
	}
	for (size_t i = 0; i < n; i++) {
		handle_key(&u->vw, &keys[i]);
		/* a seek the key started gets its first slice now, so that a near
		 * match is drawn in this pass; the keys read together share one
		 * slice's time */
		if (st_view_job_name(u->vw.view)) {
			uint64_t spent = (uv_hrtime() - t0) / 1000;
			st_view_work(u->vw.view, spent < WORK_US / 2 ? WORK_US / 2 - spent : 0);
		}
	}
	if (u->vw.repaint && !u->vw.quit) {
		/* Ctrl-L: termbox repaints every cell after a resize, so make one */
		u->vw.repaint = false;
		st_term_winch();
		goto again;
	}
	if (u->vw.quit)
		st_run_stop(u->vw.run);
	/* the prepare handle of the next loop pass draws */
}

static void
on_winch(uv_signal_t *h, int sig)
{
	(void)sig;
	struct ui *u = h->data;
	st_term_winch();
	on_tty(&u->tty, 0, UV_READABLE);
}

static void
at_stop(void *arg)
{
	struct ui *u = arg;
	if (u->open) {
		uv_poll_stop(&u->tty);
		uv_signal_stop(&u->winch);
	}
}

int
st_viewer_main(struct st_run *r, const struct st_viewer_opts *o)
{
	struct ui u;
	memset(&u, 0, sizeof(u));
	struct viewer *vw = &u.vw;
	vw->run = r;
	vw->log_fd = -1;

	/* the state file and its bookmarks */
	size_t ns = st_sources_count(r->sources);
	const char **paths = st_xcalloc(ns ? ns : 1, sizeof(*paths));
	for (size_t i = 0; i < ns; i++) {
		struct st_source_info si;
		st_sources_info(r->sources, i, &si);
		paths[i] = si.path;
	}
	vw->state_path = st_state_path(o->state, o->sources ? o->sources : paths,
	                               o->sources ? o->nsources : ns);
	free(paths);
	char err[300] = "";
	if (st_bookmarks_load(vw->state_path, &vw->saved, err, sizeof(err)) < 0 || err[0])
		fprintf(stderr, "strata: %s: %s\n", vw->state_path, err[0] ? err : "cannot read");

	/* standard error goes to a file while the screen is ours */
	int real_err = dup(STDERR_FILENO);
	int log_fd;
	if (o->log) {
		log_fd = open(o->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0) {
			fprintf(stderr, "strata: --log %s: %s\n", o->log, strerror(errno));
			close(real_err);
			return 2;
		}
		vw->log_fd = open(o->log, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (vw->log_fd >= 0 && fstat(vw->log_fd, &sb) == 0)
			vw->log_seen = sb.st_size;
	} else {
		char tmpl[] = "/tmp/strata-log-XXXXXX";
		log_fd = mkstemp(tmpl);
		if (log_fd >= 0) {
			unlink(tmpl);
			vw->log_fd = dup(log_fd);
		}
	}
	/* character widths (wcwidth, here and in termbox) need a UTF-8
	 * LC_CTYPE; only that category changes: numbers still parse as C */
	setlocale(LC_CTYPE, "");
	if (MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	enum st_colors colors;
	const char *why[1] = {NULL};
	if (st_term_open(&colors, why) < 0) {
		if (log_fd >= 0)
			close(log_fd);
		if (vw->log_fd >= 0)
			close(vw->log_fd);
		close(real_err);
		fprintf(stderr, "strata: cannot open the viewer: %s; strata print writes the timeline "
		                "to standard output\n", why[0]);
		free(vw->state_path);
		st_bookmarks_free(&vw->saved);
		return 1;
	}
	fflush(stderr);
	if (log_fd >= 0) {
		dup2(log_fd, STDERR_FILENO);
		close(log_fd);
	}
	u.open = true;
	vw->colors = colors;
	if (r->notes == NULL)
		r->notes = st_notes_new();
	vw->view = st_view_new(r->store, r->notes);
	st_view_set_follow(vw->view, true); /* the run is live until its sources end */
	st_view_set_live(vw->view, true);
	vw->hints = st_hints_new(r->store, r->notes);
	vw->series = st_series_new(0);

	r->interactive = true;
	bool stats = getenv("STRATA_VIEW_STATS") != NULL;
	u.tm.start = uv_hrtime();
	if (stats) {
		u.tm.lat_us = st_xcalloc(LAT_MAX, sizeof(*u.tm.lat_us));
		u.tm.pass_us = st_xcalloc(LAT_MAX, sizeof(*u.tm.pass_us));
	}
	uv_poll_init(&r->loop, &u.tty, st_term_fd());
	/* libuv made the tty non-blocking; termbox writes a frame with plain
	 * write()s and takes a short one as drawn, which would leave the screen
	 * damaged for good when the terminal is slow. Reads do not block
	 * either way (termbox's raw mode: VMIN 0, VTIME 0). */
	int fl = fcntl(st_term_fd(), F_GETFL);
	if (fl >= 0)
		fcntl(st_term_fd(), F_SETFL, fl & ~O_NONBLOCK);
	u.tty.data = &u;
	uv_poll_start(&u.tty, UV_READABLE, on_tty);
	uv_signal_init(&r->loop, &u.winch);
	u.winch.data = &u;
	uv_signal_start(&u.winch, on_winch, SIGWINCH);
	st_run_at_stop(&r->loop, at_stop, &u);
	st_run_live(r, on_pass, &u);

	st_term_close();
	u.open = false;
	/* standard error back; what it got while the screen was ours follows */
	dup2(real_err, STDERR_FILENO);
	close(real_err);
	if (vw->log_fd >= 0) {
		if (o->log == NULL) {
			char buf[65536];
			ssize_t got;
			off_t at = 0;
			while ((got = pread(vw->log_fd, buf, sizeof(buf), at)) > 0) {
				fwrite(buf, 1, (size_t)got, stderr);
				at += got;
			}
		} else if (vw->log_lines) {
			fprintf(stderr, "strata: %u message%s written to %s\n", vw->log_lines,
			        vw->log_lines == 1 ? "" : "s", o->log);
		}
		close(vw->log_fd);
	}
	if (r->signal)
		fprintf(stderr, "strata: stopped by signal %d\n", r->signal);
	if (stats)
		timing_report(&u);
	free(u.tm.lat_us);
	free(u.tm.pass_us);

	free(u.grid.c);
	free(u.seen.npoints);
	free(vw->metric_of.keys);
	free(vw->metric_of.vals);
	for (size_t i = 0; i < vw->nby_src; i++)
		free(vw->by_src[i].seq);
	free(vw->by_src);
	free(vw->hinted);
	if (vw->names)
		st_display_names_free(vw->names, vw->nnames);
	st_series_free(vw->series);
	st_hints_free(vw->hints);
	st_view_free(vw->view);
	for (size_t i = 0; i < vw->nkeys; i++)
		free(vw->keys[i]);
	free(vw->keys);
	st_bookmarks_free(&vw->saved);
	free(vw->state_path);
	return 0;
}
