/*
 * source-stdin.c: standard input as a source ("-").
 *
 * A file redirected in is read like any file (source-file.c, without
 * opening or closing fd 0). A pipe or a terminal is a libuv stream: its
 * reads land directly in the free part of the source's buffer. A pipe
 * whose first bytes are compressed (`cat x.gz | strata print -`) is handed
 * to source-compressed.c, which reads fd 0 itself from then on; a
 * terminal is taken as text.
 */
#include <stdlib.h>
#include <time.h>

#include "source-int.h"

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)hint;
	struct st_source *s = st_container_of(h, struct st_source, h.handle);
	src_buf_room(s);
	*b = uv_buf_init(s->buf + s->len, (unsigned)(s->cap - s->len));
}

static void
on_closed(uv_handle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, h.handle);
	if (s->state == SRC_ACTIVE)
		src_done(s);
}

static void
on_closed_compressed(uv_handle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, h.handle);
	src_dz_start(s, s->codec, 0, -1);
}

/* The stream stops; fd 0 stays open (libuv never closes 0-2). */
static void
hand_over(struct st_source *s)
{
	uv_read_stop(&s->h.stream);
	uv_close(&s->h.handle, on_closed_compressed);
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	(void)b;
	struct st_source *s = st_container_of(st, struct st_source, h.stream);
	if (nread > 0) {
		if (src_take(s, (size_t)nread, false) == SRC_COMPRESSED)
			hand_over(s);
		return;
	}
	if (nread == 0)
		return;
	if (nread == UV_EOF) {
		if (src_take(s, 0, true) == SRC_COMPRESSED) {
			hand_over(s);
			return;
		}
	} else {
		src_take(s, 0, true); /* keep what arrived */
		src_fail(s, (int)nread, "read");
	}
	uv_read_stop(st);
	uv_close(&s->h.handle, on_closed);
}

void
src_stdin_start(struct st_source *s)
{
	uv_handle_type t = uv_guess_handle(0);
	if (t == UV_FILE && !s->set->stdin_closed) {
		src_file_start_fd(s, 0);
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	src_begin(s, (st_time)now.tv_sec * ST_USEC + now.tv_nsec / 1000);
	int rc;
	if (s->set->stdin_closed)
		rc = UV_EBADF;
	else if (t == UV_TTY) {
		s->sniffed = true; /* libuv may reopen the terminal: no hand-over */
		rc = uv_tty_init(s->set->loop, &s->h.tty, 0, 1);
	} else if (t == UV_NAMED_PIPE || t == UV_TCP) {
		rc = uv_pipe_init(s->set->loop, &s->h.pipe, 0);
		if (rc == 0)
			rc = uv_pipe_open(&s->h.pipe, 0);
	} else
		rc = UV_EINVAL;
	if (rc == 0)
		rc = uv_read_start(&s->h.stream, on_alloc, on_read);
	if (rc < 0)
		src_fail(s, rc, s->set->stdin_closed ? "standard input is closed" : "standard input");
}
