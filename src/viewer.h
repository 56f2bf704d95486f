/*
 * viewer.h: the interactive viewer's state, shared by its three files.
 *
 *   viewer.c       the front end: the live run, keys, panels, the prompt,
 *                  bookmarks saved to the state file; no terminal calls
 *   view-render.c  draws the whole screen into a struct st_grid (plain
 *                  cells, no terminal), from the view model (view.h), the
 *                  hints, the metric series and the panel state
 *   term.c         the only file that talks to termbox: it opens the tty,
 *                  turns termbox's events into struct st_key, copies a grid
 *                  to the screen and restores the terminal on every exit
 *
 * Ownership: struct viewer owns the view, the hints, the series set, the
 * display names and the bookmarks it loaded; it borrows the run.
 */
#ifndef STRATA_VIEWER_H
#define STRATA_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/bookmarks.h"
#include "strata/hints.h"
#include "strata/run.h"
#include "strata/series.h"
#include "strata/view.h"

/* A cell: a code point (0: the second half of a wide character) and
 * colours. fg/bg are colour numbers for the terminal's mode (see
 * ST_COLORS_*) with the attribute bits below; term.c passes them on. */
struct st_cell {
	uint32_t ch;
	uint16_t fg, bg;
};

#define ST_ATTR_BOLD 0x0100
#define ST_ATTR_UNDERLINE 0x0200
#define ST_ATTR_REVERSE 0x0400

struct st_grid {
	int w, h;
	struct st_cell *c; /* w * h, rows from the top */
};

/* Keys as term.c hands them over: a code point, or one of these. */
enum {
	ST_K_NONE = 0,
	ST_K_UP = 0x110000,
	ST_K_DOWN,
	ST_K_LEFT,
	ST_K_RIGHT,
	ST_K_PGUP,
	ST_K_PGDN,
	ST_K_HOME,
	ST_K_END,
	ST_K_ENTER,
	ST_K_TAB,
	ST_K_BACKTAB,
	ST_K_ESC,
	ST_K_BACKSPACE,
	ST_K_DELETE,
	ST_K_F1,
	ST_K_CTRL_C,
	ST_K_CTRL_L,
	ST_K_CTRL_U,
	ST_K_CTRL_D,
	ST_K_WHEEL_UP,
	ST_K_WHEEL_DOWN,
	ST_K_CLICK,   /* with x, y */
	ST_K_RESIZE,  /* with w, h */
};

struct st_key {
	uint32_t key;
	int x, y;
};

enum st_colors { ST_COLORS_NONE, ST_COLORS_8, ST_COLORS_256 };

enum panel { P_NONE, P_HINTS, P_SOURCES, P_DETAIL, P_HELP };
enum prompt { PR_NONE, PR_SEARCH, PR_SEARCH_BACK, PR_FILTER_IN, PR_FILTER_OUT, PR_TIME, PR_NOTE };

/* The series a metric event belongs to (open addressing, seq -> series). */
struct seqmap {
	uint32_t *keys; /* seq + 1; 0 empty */
	uint32_t *vals;
	size_t cap, n;
};

struct viewer {
	struct st_run *run;
	struct st_view *view;
	struct st_hints *hints;
	struct st_series_set *series;
	uint32_t series_at;
	struct seqmap metric_of;

	/* each source's events in arrival order, for finding "SOURCE:LINE"
	 * (evidence lines have no time) without a scan of the whole store */
	struct src_events {
		uint32_t *seq;
		size_t n, cap;
	} *by_src;
	size_t nby_src;
	uint32_t by_src_at;    /* store events indexed */

	char **names;          /* display names (st_display_names) */
	size_t nnames;
	int name_w;

	enum st_colors colors;
	int w, h;              /* the screen */
	unsigned rows;         /* timeline rows */

	enum panel panel;
	size_t hint_sel;       /* hints panel: the selected hint */
	size_t hint_target;    /* 0 cause, 1 effect, 2.. evidence */
	size_t src_sel;        /* sources panel */
	size_t detail_off;     /* detail pane: first line shown */
	size_t help_off;

	enum prompt prompt;
	char input[1024];
	size_t ninput;
	uint32_t note_seq;     /* PR_NOTE: the event being bookmarked */

	char msg[512];
	bool msg_err;
	bool seek_wait;        /* a seek runs: report its end */
	enum st_view_seek seek_what;

	/* hints: refreshed at most every UPDATE_MS while events arrive */
	uint64_t hints_ms;
	uint32_t hints_at;
	uint32_t *hinted;      /* the effects' and causes' events, sorted */
	size_t nhinted;

	/* bookmarks: the state file, and its entries for other sources */
	char *state_path;
	struct st_bookmarks saved;
	char **keys;           /* each source's bookmark key (realpath) */
	size_t nkeys;
	uint32_t marks_at;     /* store events matched against saved ones */

	/* what went to stderr while the screen was owned */
	int log_fd;
	long log_seen;         /* bytes of it already shown */
	unsigned log_lines;

	bool quit;
	bool repaint;          /* Ctrl-L: every cell sent again */
};

/* Draw the whole screen (view-render.c). */
void st_viewer_render(struct viewer *vw, struct st_grid *g);
/* The series of metric event seq, or NULL (viewer.c). */
const struct st_series *st_viewer_series(const struct viewer *vw, uint32_t seq);
/* The event of a line of a source, or UINT32_MAX (viewer.c). */
uint32_t st_viewer_ref_seq(const struct viewer *vw, st_time ts, unsigned source, uint32_t line);
/* The help text: NULL-terminated lines (viewer.c). */
extern const char *const st_viewer_help[];

/* term.c */
int st_term_open(enum st_colors *colors, const char *why_not[1]);
void st_term_close(void);
int st_term_fd(void);
void st_term_size(int *w, int *h);
/* Read the keys waiting (non-blocking); returns how many were put in out,
 * or SIZE_MAX when the terminal can no longer be read (it was closed). */
size_t st_term_read(struct st_key *out, size_t max);
void st_term_draw(const struct st_grid *g, int cursor_x, int cursor_y);
/* Called by the loop on SIGWINCH. */
void st_term_winch(void);

#endif
