/*
 * source-compressed.c: reading a compressed source (gzip, zstd: see
 * decompress.h) through the copy path.
 *
 * A file or standard input whose first bytes are a codec's magic is
 * handed here by its reader (source-file.c on the mapping or its first
 * read, source-stdin.c on its first read) with its descriptor and the
 * bytes already read. From then on the decompressed text goes through
 * src_take like bytes read from a pipe; nothing is mapped, and the file's
 * mtime, taken by the reader before the hand-over, still dates year-less
 * stamps (syslog.2.gz).
 *
 * The work runs on libuv's thread pool, one work item at a time per
 * source: read compressed bytes (DZ_IN_CAP at a time) and decompress until
 * DZ_OUT_CAP bytes of text are out. Back on the loop thread the text is
 * copied into the source's buffer, the next work item is queued at once,
 * and only then is the text ingested, so decompressing the next chunk
 * overlaps ingesting this one (inflate is slower than the ingest; the
 * copy costs far less than it saves). Memory per source stays bounded
 * whatever the ratio: the input buffer, one output chunk and the source's
 * buffer. Several compressed sources decompress on several threads.
 *
 * A pipe on standard input is non-blocking; when it has nothing to give,
 * the work item returns and a poll handle waits until it does.
 *
 * Invariant: while a work item is queued or running, the thread pool owns
 * the stream, the input and output buffers and the descriptor; the loop
 * thread touches them only in dz_after. The source's buffer is the loop
 * thread's alone.
 *
 * Corrupt or truncated data, or a read error: the text decompressed before
 * it is ingested (its last line included), then the source fails with a
 * message naming the codec and the problem, which makes the exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decompress.h"
#include "source-int.h"

#define DZ_IN_CAP (256u << 10)
#define DZ_OUT_CAP ST_READ_CHUNK

struct src_dz {
	uv_work_t work;
	uv_poll_t poll;       /* a pipe with no data yet: wait for it */
	bool poll_open;
	struct st_source *s;
	struct st_dz *z;
	uv_file fd;
	int64_t off;          /* next read offset; -1: the descriptor's position */
	unsigned char *in;
	size_t in_cap, in_len, in_pos;
	bool in_eof;
	char *out;
	size_t out_len;
	/* the outcome of a work item, read on the loop thread */
	int err;
	const char *what;     /* the codec's message for ST_ECORRUPT */
	bool ended;           /* all the input is decoded */
	bool starved;         /* the descriptor had no data (EAGAIN) */
};

static int dz_queue(struct src_dz *d);

/* Thread pool: read and decompress until a chunk of text is out, the
 * input ends, the descriptor has nothing yet, or an error. */
static void
dz_work(uv_work_t *w)
{
	struct src_dz *d = st_container_of(w, struct src_dz, work);
	while (d->out_len < DZ_OUT_CAP) {
		if (d->in_pos == d->in_len && !d->in_eof) {
			ssize_t n = d->off >= 0 ? pread(d->fd, d->in, d->in_cap, (off_t)d->off)
			                        : read(d->fd, d->in, d->in_cap);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK) {
					d->starved = true;
					return;
				}
				d->err = uv_translate_sys_error(errno);
				return;
			}
			d->in_pos = 0;
			d->in_len = (size_t)n;
			if (n == 0)
				d->in_eof = true;
			else if (d->off >= 0)
				d->off += n;
		}
		size_t used, made;
		int rc = st_dz_run(d->z, d->in + d->in_pos, d->in_len - d->in_pos, &used,
		                   d->out + d->out_len, DZ_OUT_CAP - d->out_len, &made);
		d->in_pos += used;
		d->out_len += made;
		if (rc < 0) {
			d->err = rc;
			d->what = st_dz_message(d->z);
			return;
		}
		if (used > 0 || made > 0)
			continue;
		if (d->in_pos < d->in_len) { /* input and room, yet no progress */
			d->err = ST_ECORRUPT;
			d->what = "the decoder stopped";
			return;
		}
		if (d->in_eof) {
			d->ended = true;
			d->err = st_dz_end(d->z);
			return;
		}
	}
}

static void
dz_free(struct src_dz *d)
{
	struct st_source *s = d->s;
	st_dz_free(d->z);
	free(d->in);
	free(d->out);
	free(d);
	s->dz = NULL;
	src_file_close(s);
}

static void
on_poll_closed(uv_handle_t *h)
{
	dz_free(st_container_of(h, struct src_dz, poll));
}

/* The end: report an error (after the text before it was ingested),
 * release the reader, close the descriptor. */
static void
dz_finish(struct src_dz *d)
{
	struct st_source *s = d->s;
	if (d->err < 0) {
		char what[256];
		const char *name = st_dz_codec(d->z)->name;
		if (d->err == ST_ECORRUPT)
			snprintf(what, sizeof(what), "%s: %s", name, d->what);
		else if (d->err == ST_ETRUNC)
			snprintf(what, sizeof(what), "%s", name);
		else
			snprintf(what, sizeof(what), "reading %s data", name);
		src_fail(s, d->err, what);
	}
	if (d->poll_open)
		uv_close((uv_handle_t *)&d->poll, on_poll_closed);
	else
		dz_free(d);
}

/* Make room for n more bytes in the source's buffer. What it holds is
 * less than one line (ST_LINE_MAX) and n at most DZ_OUT_CAP, so it never
 * passes 2 * ST_LINE_MAX, the largest src_buf_room makes. */
static void
buf_fit(struct st_source *s, size_t n)
{
	if (s->cap - s->len >= n)
		return;
	size_t cap = s->cap ? s->cap : ST_READ_CHUNK;
	while (cap - s->len < n)
		cap *= 2;
	s->buf = st_xreallocarray(s->buf, cap, 1);
	s->cap = cap;
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
	(void)events;
	struct src_dz *d = st_container_of(h, struct src_dz, poll);
	uv_poll_stop(h);
	int rc = status < 0 ? status : dz_queue(d);
	if (rc < 0) {
		d->err = rc;
		src_take(d->s, 0, true);
		dz_finish(d);
	}
}

static int
dz_wait(struct src_dz *d)
{
	if (!d->poll_open) {
		int rc = uv_poll_init(d->s->set->loop, &d->poll, d->fd);
		if (rc < 0)
			return rc;
		d->poll_open = true;
	}
	return uv_poll_start(&d->poll, UV_READABLE, on_poll);
}

static void
dz_after(uv_work_t *w, int status)
{
	struct src_dz *d = st_container_of(w, struct src_dz, work);
	struct st_source *s = d->s;
	if (status < 0 && d->err == 0)
		d->err = status;
	size_t n = d->out_len;
	buf_fit(s, n);
	memcpy(s->buf + s->len, d->out, n);
	d->out_len = 0;
	bool last = d->ended || d->err < 0;
	if (!last) {
		/* start on the next chunk before ingesting this one */
		int rc = d->starved ? dz_wait(d) : dz_queue(d);
		d->starved = false;
		if (rc < 0) {
			d->err = rc;
			last = true;
		}
	}
	if (n > 0 || last)
		src_take(s, n, last);
	if (last)
		dz_finish(d);
}

static int
dz_queue(struct src_dz *d)
{
	return uv_queue_work(d->s->set->loop, &d->work, dz_work, dz_after);
}

void
src_dz_start(struct st_source *s, const struct st_codec *c, uv_file fd, int64_t off)
{
	struct src_dz *d = st_xcalloc(1, sizeof(*d));
	d->s = s;
	d->fd = fd;
	d->off = off;
	d->z = st_dz_new(c);
	/* the bytes the reader already read are the first input */
	d->in_cap = ST_MAX(DZ_IN_CAP, s->len);
	d->in = st_xmalloc(d->in_cap);
	if (s->len > 0)
		memcpy(d->in, s->buf, s->len);
	d->in_len = s->len;
	s->len = 0;
	d->out = st_xmalloc(DZ_OUT_CAP);
	s->dz = d;
	int rc = dz_queue(d);
	if (rc < 0) {
		d->err = rc;
		dz_finish(d);
	}
}

void
src_plain_check(struct st_source *s, size_t n)
{
	const struct st_codec *c = st_codec_for_name(s->path);
	if (c != NULL && n > 0)
		fprintf(stderr, "strata: %s: not %s data despite its name; read as plain text\n",
		        s->path, c->name);
}
