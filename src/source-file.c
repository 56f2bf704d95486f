/*
 * source-file.c: reading a file to its end.
 *
 * A regular file is mapped read-only and handed to the store, which then
 * references event text in place: no copy and no fresh memory for the
 * text, which on a 200 MB file was two fifths of the time. The mapping is
 * fed to the ingest ST_MAP_SLICE bytes per loop turn from an idle handle,
 * so several files (and the loop's other work) take turns.
 *
 * Anything else (a FIFO, a character device, /proc files whose size reads
 * as 0, or a mapping the system refuses) is read with libuv file requests
 * into the source's buffer: open -> fstat -> read, read, ... -> close.
 *
 * A compressed file (found by its first bytes, read before mapping or in
 * the first read) is handed to source-compressed.c after the fstat, so its
 * mtime still dates year-less stamps; the mapping is dropped. A saved
 * Prometheus API answer (also found by its first bytes) is not mapped
 * either: src_take collects it through the copy path (source-prom.c).
 *
 * A mapped file that shrinks while we read it (truncated in place) would
 * raise SIGBUS past its new end. Each slice checks the size first and stops
 * at the new end with a message; for the race between that check and the
 * access (and for text read later), the store's mappings are guarded
 * (mapguard.c), so the run carries on and the message names the file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "mapguard.h"
#include "promapi.h"
#include "source-int.h"

#define ST_MAP_SLICE (4u << 20)

static void on_read(uv_fs_t *req);

static void
read_next(struct st_source *s)
{
	if (s->set->stopping) {
		src_file_close(s);
		return;
	}
	uv_buf_t b = uv_buf_init(s->buf + s->len, (unsigned)(s->cap - s->len));
	int rc = uv_fs_read(s->set->loop, &s->req, s->fd, &b, 1, -1, on_read);
	if (rc < 0)
		src_fail(s, rc, "read");
}

static void
on_close(uv_fs_t *req)
{
	struct st_source *s = st_container_of(req, struct st_source, req);
	uv_fs_req_cleanup(req);
	if (s->state == SRC_ACTIVE)
		src_done(s);
}

void
src_file_close(struct st_source *s)
{
	if (s->fd <= 0) { /* stdin stays open; nothing was opened */
		if (s->state == SRC_ACTIVE)
			src_done(s);
		return;
	}
	uv_fs_close(s->set->loop, &s->req, s->fd, on_close);
	s->fd = -1;
}

static void
on_read(uv_fs_t *req)
{
	struct st_source *s = st_container_of(req, struct st_source, req);
	ssize_t r = req->result;
	uv_fs_req_cleanup(req);
	if (r < 0) {
		src_fail(s, (int)r, "read");
		src_file_close(s);
		return;
	}
	/* followed (-f): the unfinished last line waits for its newline; a
	 * Prometheus API answer is one document, read to its end */
	bool follow = s->fw != NULL && !s->set->stopping && !src_api_doc(s);
	if (src_take(s, (size_t)r, r == 0 && !follow) == SRC_COMPRESSED) {
		src_dz_start(s, s->codec, s->fd, -1);
		return;
	}
	if (r == 0 && follow && s->codec == NULL) {
		src_follow_start(s, lseek(s->fd, 0, SEEK_CUR));
		return;
	}
	if (r == 0) {
		src_file_close(s);
		return;
	}
	read_next(s);
}

static void
on_idle_closed(uv_handle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, idle);
	src_file_close(s);
}

/* -f: the mapping is read but for its unfinished last line (or the lines
 * detection still waits on): copy that rest into a read buffer and follow
 * the file from the mapping's end. */
static void
on_idle_closed_follow(uv_handle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, idle);
	if (s->set->stopping) {
		src_file_close(s);
		return;
	}
	size_t rest = s->msize - s->mpos;
	s->cap = ST_READ_CHUNK;
	while (s->cap < 2 * rest)
		s->cap *= 2;
	s->buf = st_xmalloc(s->cap);
	memcpy(s->buf, s->map + s->mpos, rest);
	s->len = rest;
	s->mpos = s->msize;
	src_follow_start(s, (int64_t)s->msize);
}

/* Feed the next slice of the mapping. */
static void
on_idle(uv_idle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, idle);
	struct stat sb;
	unsigned long hits = st_mapguard_hits();
	if (fstat(s->fd, &sb) == 0 && (size_t)sb.st_size < s->msize && s->mpos < s->msize) {
		fprintf(stderr, "strata: %s: file shrank from %zu to %lld bytes while being read; "
		                "read up to there\n",
		        s->path, s->msize, (long long)sb.st_size);
		s->msize = (size_t)sb.st_size > s->mpos ? (size_t)sb.st_size : s->mpos;
	}
	size_t end = s->mpos + ST_MAP_SLICE;
	bool eof = end >= s->msize || s->set->stopping;
	if (eof)
		end = s->msize;
	bool follow = s->fw != NULL && !s->set->stopping;
	size_t used = st_ingest_feed(&s->ig, s->map + s->mpos, end - s->mpos, eof && !follow);
	s->ig.stats.bytes += used;
	s->set->bytes += used;
	s->mpos += used;
	if (st_mapguard_hits() != hits)
		fprintf(stderr, "strata: %s: file truncated while being read; its last events may "
		                "hold zero bytes\n", s->path);
	if (eof || s->mpos >= s->msize) {
		uv_idle_stop(h);
		uv_close((uv_handle_t *)h, follow ? on_idle_closed_follow : on_idle_closed);
	}
}

/* Map a regular file and feed it from the loop; false: read it instead. */
static bool
start_mapped(struct st_source *s, const uv_stat_t *sb)
{
	if (!S_ISREG(sb->st_mode) || sb->st_size == 0 || (uint64_t)sb->st_size > SIZE_MAX / 2)
		return false;
	size_t size = (size_t)sb->st_size;
	/* compressed: read and decompressed from the start instead */
	char head[ST_PROMAPI_SNIFF_MAX];
	ssize_t hn = pread(s->fd, head, sizeof(head), 0);
	s->sniffed = true;
	s->codec = hn > 0 ? st_codec_detect(head, (size_t)hn, true, NULL) : NULL;
	if (s->codec != NULL) {
		src_dz_start(s, s->codec, s->fd, 0);
		return true;
	}
	src_plain_check(s, size);
	if (hn > 0 && src_api_head(head, (size_t)hn))
		return false; /* a Prometheus API answer: collected whole by the copy path */
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (p == MAP_FAILED)
		return false;
	madvise(p, size, MADV_SEQUENTIAL);
	s->map = p;
	s->msize = size;
	s->mpos = 0;
	st_store_adopt_map(s->set->store, (unsigned)s->id, p, size);
	free(s->buf); /* no read buffer needed */
	s->buf = NULL;
	s->cap = 0;
	uv_idle_init(s->set->loop, &s->idle);
	uv_idle_start(&s->idle, on_idle);
	return true;
}

static void
on_stat(uv_fs_t *req)
{
	struct st_source *s = st_container_of(req, struct st_source, req);
	ssize_t r = req->result;
	uv_stat_t sb = req->statbuf;
	uv_fs_req_cleanup(req);
	if (r < 0) {
		src_fail(s, (int)r, "stat");
		src_file_close(s);
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		src_fail(s, UV_EISDIR, NULL);
		src_file_close(s);
		return;
	}
	if (s->set->stopping) {
		src_file_close(s);
		return;
	}
	if (s->set->follow && s->type == SRC_FILE && S_ISREG(sb.st_mode))
		src_follow_prepare(s, &sb);
	st_time mtime = (st_time)sb.st_mtim.tv_sec * ST_USEC + sb.st_mtim.tv_nsec / 1000;
	src_begin(s, mtime);
	if (!start_mapped(s, &sb))
		read_next(s);
}

void
src_file_start_fd(struct st_source *s, uv_file fd)
{
	s->fd = fd;
	int rc = uv_fs_fstat(s->set->loop, &s->req, fd, on_stat);
	if (rc < 0)
		src_fail(s, rc, "stat");
}

static void
on_open(uv_fs_t *req)
{
	struct st_source *s = st_container_of(req, struct st_source, req);
	ssize_t r = req->result;
	uv_fs_req_cleanup(req);
	if (r < 0 && s->set->follow && !s->set->stopping && r == UV_ENOENT) {
		src_follow_missing(s, (int)r);
		return;
	}
	if (r < 0) {
		src_fail(s, (int)r, NULL);
		return;
	}
	if (s->set->stopping) {
		s->fd = (uv_file)r;
		src_file_close(s);
		return;
	}
	src_file_start_fd(s, (uv_file)r);
}

void
src_file_start(struct st_source *s)
{
	int rc = uv_fs_open(s->set->loop, &s->req, s->path, O_RDONLY, 0, on_open);
	if (rc < 0)
		src_fail(s, rc, NULL);
}
