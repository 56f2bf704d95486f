/*
 * source-file.c: reading a file to its end through libuv file requests.
 *
 * open -> fstat (the mtime dates year-less stamps) -> read, read, ... ->
 * close. Each read fills the free part of the source's buffer, so a file
 * costs one request per ST_READ_CHUNK bytes and no syscall per line. The
 * request is embedded in the source and reused for every step.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "source-int.h"

static void on_read(uv_fs_t *req);

static void
read_next(struct st_source *s)
{
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

static void
close_fd(struct st_source *s)
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
		close_fd(s);
		return;
	}
	src_take(s, (size_t)r, r == 0);
	if (r == 0) {
		close_fd(s);
		return;
	}
	read_next(s);
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
		close_fd(s);
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		src_fail(s, UV_EISDIR, NULL);
		close_fd(s);
		return;
	}
	st_time mtime = (st_time)sb.st_mtim.tv_sec * ST_USEC + sb.st_mtim.tv_nsec / 1000;
	int rc = src_begin(s, mtime);
	if (rc < 0) {
		src_fail(s, rc, "too many sources");
		close_fd(s);
		return;
	}
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
	if (r < 0) {
		src_fail(s, (int)r, NULL);
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
