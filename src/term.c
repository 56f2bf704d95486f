/*
 * term.c: the only file that talks to termbox (1.1).
 *
 * The terminal is /dev/tty, opened here and handed to tb_init_fd, so
 * standard input stays free to be a data source. The loop polls that
 * descriptor (st_term_fd) and calls st_term_read when it is readable;
 * termbox reads without blocking (its raw mode sets VMIN 0, VTIME 0).
 *
 * Resize: termbox learns of SIGWINCH from its own handler, which writes
 * to a pipe it selects on. The loop's libuv signal handle replaces that
 * handler, so st_term_winch calls termbox's saved handler itself: the
 * pipe gets its byte and the next st_term_read returns the resize.
 *
 * Restoring: st_term_close on every normal exit, and a handler for the
 * signals of a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) that puts
 * back the saved terminal modes and leaves the alternate screen with
 * async-signal-safe calls only, then lets the signal do what it does.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <termbox.h>

#include "viewer.h"

static int tty = -1;
static struct termios saved_tios;
static struct sigaction tb_winch;
static bool open_;

static const char restore_seq[] =
	"\033[?1000l\033[?1002l\033[?1006l" /* mouse off */
	"\033[0m\033[?25h"                   /* attributes, cursor */
	"\033[?1049l\033[?47l";              /* leave the alternate screen */

static void
on_crash(int sig)
{
	if (tty >= 0) {
		ssize_t w = write(tty, restore_seq, sizeof(restore_seq) - 1);
		(void)w;
		tcsetattr(tty, TCSAFLUSH, &saved_tios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

int
st_term_open(enum st_colors *colors, const char *why_not[1])
{
	/* termbox 1.1 looks for terminfo in $TERMINFO, ~/.terminfo,
	 * $TERMINFO_DIRS and /usr/share/terminfo only; Debian keeps the common
	 * entries (tmux-256color among them) in /lib/terminfo */
	if (getenv("TERMINFO") == NULL && getenv("TERMINFO_DIRS") == NULL)
		setenv("TERMINFO_DIRS", "/etc/terminfo:/lib/terminfo:/usr/share/terminfo", 0);
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0) {
		why_not[0] = "no terminal (/dev/tty cannot be opened)";
		return -1;
	}
	if (tcgetattr(tty, &saved_tios) != 0) {
		close(tty);
		tty = -1;
		why_not[0] = "/dev/tty is not a terminal";
		return -1;
	}
	int rc = tb_init_fd(tty); /* termbox owns tty from here: tb_shutdown closes it */
	if (rc < 0) {
		why_not[0] = rc == TB_EUNSUPPORTED_TERMINAL
		                     ? "this terminal type is not supported (check TERM)"
		                     : "the terminal could not be set up";
		tty = -1;
		return -1;
	}
	open_ = true;
	sigaction(SIGWINCH, NULL, &tb_winch);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);

	tb_select_input_mode(TB_INPUT_ESC | TB_INPUT_MOUSE);
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	const char *ct = getenv("COLORTERM");
	if (nc != NULL && nc[0] != '\0') {
		*colors = ST_COLORS_NONE;
		tb_select_output_mode(TB_OUTPUT_NORMAL);
	} else if ((term && strstr(term, "256")) || (ct && ct[0])) {
		*colors = ST_COLORS_256;
		tb_select_output_mode(TB_OUTPUT_256);
	} else {
		*colors = ST_COLORS_8;
		tb_select_output_mode(TB_OUTPUT_NORMAL);
	}
	tb_clear();
	return 0;
}

void
st_term_close(void)
{
	if (!open_)
		return;
	open_ = false;
	tb_shutdown();
	tty = -1;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		signal(crash_signals[i], SIG_DFL);
}

int
st_term_fd(void)
{
	return tty;
}

void
st_term_size(int *w, int *h)
{
	*w = tb_width();
	*h = tb_height();
}

void
st_term_winch(void)
{
	if (open_ && tb_winch.sa_handler != SIG_DFL && tb_winch.sa_handler != SIG_IGN &&
	    tb_winch.sa_handler != NULL)
		tb_winch.sa_handler(SIGWINCH);
}

static uint32_t
map_key(const struct tb_event *e)
{
	if (e->ch)
		return e->ch;
	switch (e->key) {
	case TB_KEY_ARROW_UP: return ST_K_UP;
	case TB_KEY_ARROW_DOWN: return ST_K_DOWN;
	case TB_KEY_ARROW_LEFT: return ST_K_LEFT;
	case TB_KEY_ARROW_RIGHT: return ST_K_RIGHT;
	case TB_KEY_PGUP: return ST_K_PGUP;
	case TB_KEY_PGDN: return ST_K_PGDN;
	case TB_KEY_HOME: return ST_K_HOME;
	case TB_KEY_END: return ST_K_END;
	case TB_KEY_ENTER: return ST_K_ENTER;
	case TB_KEY_CTRL_J: return ST_K_ENTER;
	case TB_KEY_TAB: return ST_K_TAB;
	case TB_KEY_ESC: return ST_K_ESC;
	case TB_KEY_BACKSPACE:
	case TB_KEY_BACKSPACE2: return ST_K_BACKSPACE;
	case TB_KEY_DELETE: return ST_K_DELETE;
	case TB_KEY_F1: return ST_K_F1;
	case TB_KEY_CTRL_C: return ST_K_CTRL_C;
	case TB_KEY_CTRL_L: return ST_K_CTRL_L;
	case TB_KEY_CTRL_U: return ST_K_CTRL_U;
	case TB_KEY_CTRL_D: return ST_K_CTRL_D;
	case TB_KEY_CTRL_B: return ST_K_PGUP;
	case TB_KEY_CTRL_F: return ST_K_PGDN;
	case TB_KEY_SPACE: return ' ';
	case TB_KEY_MOUSE_WHEEL_UP: return ST_K_WHEEL_UP;
	case TB_KEY_MOUSE_WHEEL_DOWN: return ST_K_WHEEL_DOWN;
	case TB_KEY_MOUSE_LEFT: return ST_K_CLICK;
	default: return ST_K_NONE;
	}
}

size_t
st_term_read(struct st_key *out, size_t max)
{
	size_t n = 0;
	struct tb_event e;
	while (n < max) {
		int t = tb_peek_event(&e, 0);
		if (t < 0)
			return n > 0 ? n : SIZE_MAX; /* the terminal is gone */
		if (t == 0)
			break;
		struct st_key k = {0};
		if (t == TB_EVENT_RESIZE) {
			k.key = ST_K_RESIZE;
			k.x = e.w;
			k.y = e.h;
			tb_clear(); /* termbox resizes its buffers here */
		} else {
			k.key = map_key(&e);
			k.x = e.x;
			k.y = e.y;
			if (k.key == ST_K_NONE)
				continue;
		}
		out[n++] = k;
	}
	/* Shift-Tab (ESC [ Z) is not in termbox 1.1's table: it comes as
	 * Escape, '[' and 'Z', read together */
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (out[i].key == ST_K_ESC && i + 2 < n && out[i + 1].key == '[' && out[i + 2].key == 'Z') {
			out[w] = out[i];
			out[w++].key = ST_K_BACKTAB;
			i += 2;
			continue;
		}
		out[w++] = out[i];
	}
	return w;
}

void
st_term_draw(const struct st_grid *g, int cursor_x, int cursor_y)
{
	int w = tb_width(), h = tb_height();
	struct tb_cell *cells = tb_cell_buffer();
	for (int y = 0; y < h && y < g->h; y++)
		for (int x = 0; x < w && x < g->w; x++) {
			const struct st_cell *c = &g->c[y * g->w + x];
			struct tb_cell *t = &cells[y * w + x];
			t->ch = c->ch ? c->ch : ' ';
			t->fg = c->fg;
			t->bg = c->bg;
		}
	tb_set_cursor(cursor_x < 0 ? TB_HIDE_CURSOR : cursor_x, cursor_y < 0 ? TB_HIDE_CURSOR : cursor_y);
	tb_present();
}
