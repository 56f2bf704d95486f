/*
 * source.c: the set of sources of a run: adding paths (directories
 * expanded in name order), reading at most ST_ACTIVE_MAX files at a
 * time, and the buffer handling every reader shares (src_take).
 *
 * Readers call src_take after each read; it hands whole lines to the
 * ingest and keeps the unfinished one at the front of the buffer. The
 * first bytes of a source read this way are checked for a compression
 * magic first (a mapped file is checked by source-file.c). The
 * buffer starts at ST_READ_CHUNK and grows only while one line does not
 * fit, up to twice ST_LINE_MAX, where the ingest cuts the line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "source-int.h"
#include "strata/util.h"

#define DIR_DEPTH_MAX 32

struct st_sources *
st_sources_new(uv_loop_t *loop, struct st_store *st, const struct st_tz *tz)
{
	struct st_sources *ss = st_xcalloc(1, sizeof(*ss));
	ss->loop = loop;
	ss->store = st;
	ss->tz = tz;
	ss->interval_ms = ST_INTERVAL_DEFAULT_MS;
	/* libuv must never get fds 0-2 for itself (it asserts on closing
	 * them), so a closed standard descriptor is reopened on /dev/null;
	 * a "-" source then reports that stdin was closed. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (nfd >= 0 && nfd != fd) {
				dup2(nfd, fd);
				close(nfd);
			}
			if (fd == 0)
				ss->stdin_closed = true;
		}
	}
	return ss;
}

void
st_sources_free(struct st_sources *ss)
{
	if (ss == NULL)
		return;
	src_follow_set_free(ss);
	for (size_t i = 0; i < ss->n; i++) {
		src_follow_free(ss->v[i]);
		src_cmd_free(ss->v[i]);
		src_http_free(ss->v[i]);
		src_prom_free(ss->v[i]);
		free(ss->v[i]->path);
		free(ss->v[i]->error);
		free(ss->v[i]->buf);
		free(ss->v[i]);
	}
	free(ss->v);
	free(ss);
}

static struct st_source *
src_new(struct st_sources *ss, const char *path, enum src_type type)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 16;
		ss->v = st_xreallocarray(ss->v, ss->cap, sizeof(*ss->v));
	}
	struct st_source *s = st_xcalloc(1, sizeof(*s));
	s->set = ss;
	s->path = st_xstrdup(path);
	s->id = -1;
	s->type = type;
	s->fd = -1;
	s->state = SRC_PENDING;
	/* The store's source index follows the command line, not the order in
	 * which files happen to open: it breaks ties between equal times. */
	int id = st_store_add_source(ss->store, path);
	if (id >= 0)
		s->id = id;
	st_ingest_init(&s->ig, ss->store, id >= 0 ? (unsigned)id : 0, ss->tz, 0);
	ss->v[ss->n++] = s;
	if (id < 0)
		src_fail(s, id, "too many sources");
	return s;
}

void
src_fail(struct st_source *s, int err, const char *what)
{
	char msg[512];
	if (what)
		snprintf(msg, sizeof(msg), "%s: %s", what, st_strerror(err));
	else
		snprintf(msg, sizeof(msg), "%s", st_strerror(err));
	src_fail_msg(s, msg);
}

void
src_fail_msg(struct st_source *s, const char *msg)
{
	fprintf(stderr, "strata: %s: %s\n", s->path, msg);
	free(s->error);
	s->error = st_xstrdup(msg);
	bool was_active = s->state == SRC_ACTIVE;
	s->state = SRC_FAILED;
	s->set->failed++;
	free(s->buf);
	s->buf = NULL;
	if (was_active) {
		s->set->active--;
		src_slot_free(s);
		st_sources_start(s->set);
	}
}

void
src_polled_failure(struct st_source *s, st_time at, const char *what, const char *why)
{
	char text[1024];
	int n = snprintf(text, sizeof(text), "%s of %s failed: %s", what, s->path, why);
	if (n < 0)
		return;
	struct st_draft d = {.ts = at, .level = ST_LVL_ERROR, .kind = ST_KIND_LOG, .body = 0};
	s->ig.lineno++;
	st_store_append(s->set->store, s->ig.src, s->ig.lineno, &d, 0xff, 0, text,
	                ST_MIN((size_t)n, sizeof(text) - 1));
	s->ig.stats.events++;
	s->ig.stats.timed++;
	s->ig.in_record = false;
}

void
src_polled_end(struct st_source *s, const char *what, const char *whats, unsigned failures,
               unsigned total, const char *last)
{
	char line[700];
	if (s->error != NULL && !s->set->follow) {
		snprintf(line, sizeof(line), "%s failed: %s", what, s->error);
		src_fail_msg(s, line);
	} else if (failures > 0 && s->set->follow) {
		/* the series has holes: the run says so in its status too */
		snprintf(line, sizeof(line), "%u of %u %s failed (the last: %s)", failures, total, whats,
		         last ? last : "?");
		src_fail_msg(s, line); /* frees the source's place if it still held it */
	} else if (s->state == SRC_ACTIVE) {
		src_done(s);
	} else if (s->state == SRC_FOLLOWING) {
		s->state = SRC_DONE;
	}
}

void
src_done(struct st_source *s)
{
	s->state = SRC_DONE;
	free(s->buf);
	s->buf = NULL;
	s->cap = s->len = 0;
	s->set->active--;
	src_slot_free(s);
	st_sources_start(s->set);
}

void
src_begin(struct st_source *s, st_time ref)
{
	st_ingest_init(&s->ig, s->set->store, (unsigned)s->id, s->set->tz, ref);
	s->cap = ST_READ_CHUNK;
	s->buf = st_xmalloc(s->cap);
	s->len = 0;
}

void
src_buf_room(struct st_source *s)
{
	if (s->len < s->cap)
		return;
	/* one line fills the buffer: grow until the ingest can cut it */
	size_t cap = s->cap * 2;
	if (cap > 2 * (size_t)ST_LINE_MAX)
		cap = 2 * (size_t)ST_LINE_MAX;
	s->buf = st_xreallocarray(s->buf, cap, 1);
	s->cap = cap;
}

enum src_took
src_take(struct st_source *s, size_t nread, bool eof)
{
	s->len += nread;
	if (!s->sniffed) {
		bool more;
		const struct st_codec *c = st_codec_detect(s->buf, s->len, eof, &more);
		if (more)
			return SRC_TOOK; /* too few bytes to tell yet */
		s->sniffed = true;
		if (c != NULL) {
			s->codec = c;
			return SRC_COMPRESSED;
		}
		src_plain_check(s, s->len);
		nread = s->len; /* the bytes held back count now */
	}
	if (src_api_take(s, &nread, eof))
		return SRC_TOOK; /* a Prometheus API answer, read whole (source-prom.c) */
	s->ig.stats.bytes += nread;
	s->set->bytes += nread;
	/* under -f, a pipe's lines (stdin, a command) are read as they come */
	s->ig.live = s->set->follow && s->type != SRC_FILE;
	size_t used = st_ingest_feed(&s->ig, s->buf, s->len, eof);
	if (used > 0 && used < s->len)
		memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	src_buf_room(s);
	return SRC_TOOK;
}

static void
src_start(struct st_source *s)
{
	s->state = SRC_ACTIVE;
	s->set->active++;
	if (s->type == SRC_STDIN)
		src_stdin_start(s);
	else if (s->type == SRC_CMD)
		src_cmd_start(s);
	else if (s->type == SRC_HTTP)
		src_http_start(s);
	else if (s->type == SRC_PROM)
		src_prom_start(s);
	else
		src_file_start(s);
}

/*
 * Start what may start: every pipe, command and endpoint at once (they
 * are live and hold no file open), and files in order while fewer than
 * ST_ACTIVE_MAX are being read. Only files come later (a followed
 * directory's new files), so the streams are looked for once.
 */
void
st_sources_start(struct st_sources *ss)
{
	if (ss->stopping)
		return;
	if (!ss->streams_started) {
		ss->streams_started = true;
		for (size_t i = ss->next; i < ss->n && !ss->stopping; i++)
			if (ss->v[i]->state == SRC_PENDING && ss->v[i]->type != SRC_FILE)
				src_start(ss->v[i]);
	}
	while (!ss->stopping && ss->next < ss->n && ss->slots < ST_ACTIVE_MAX) {
		struct st_source *s = ss->v[ss->next++];
		if (s->state != SRC_PENDING)
			continue;
		if (s->type == SRC_FILE) {
			s->slot = true;
			ss->slots++;
		}
		src_start(s);
	}
}

bool
src_skipped_name(const char *name)
{
	return name[0] == '.' || strncasecmp(name, "README", 6) == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(struct st_sources *ss, const char *path, int depth);

static void
add_dir(struct st_sources *ss, const char *path, int depth)
{
	DIR *d = opendir(path);
	if (d == NULL) {
		struct st_source *s = src_new(ss, path, SRC_FILE);
		src_fail(s, uv_translate_sys_error(errno), NULL);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (src_skipped_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = st_xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = st_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	size_t plen = strlen(path);
	bool slash = plen > 0 && path[plen - 1] == '/';
	for (size_t i = 0; i < n; i++) {
		size_t len = plen + 1 + strlen(names[i]) + 1;
		char *child = st_xmalloc(len);
		snprintf(child, len, "%s%s%s", path, slash ? "" : "/", names[i]);
		add_path(ss, child, depth + 1);
		free(child);
		free(names[i]);
	}
	free(names);
}

static void
add_path(struct st_sources *ss, const char *path, int depth)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (ss->follow && errno == ENOENT && depth == 0) {
			src_new(ss, path, SRC_FILE); /* watched until it appears */
			return;
		}
		struct st_source *s = src_new(ss, path, SRC_FILE);
		src_fail(s, uv_translate_sys_error(errno), NULL);
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		if (depth >= DIR_DEPTH_MAX) {
			fprintf(stderr, "strata: %s: directories nested too deep, not read\n", path);
			return;
		}
		add_dir(ss, path, depth);
		if (ss->follow)
			src_follow_dir(ss, path); /* its new files join */
		return;
	}
	src_new(ss, path, SRC_FILE);
}

void
st_sources_add(struct st_sources *ss, const char *path)
{
	if (strcmp(path, "-") == 0) {
		src_new(ss, path, SRC_STDIN);
		return;
	}
	if (strncasecmp(path, "http://", 7) == 0 || strncasecmp(path, "https://", 8) == 0) {
		/* a metric endpoint, scraped (source-http.c) */
		const char *why;
		struct st_source *s = src_new(ss, path, SRC_HTTP);
		if (s->state == SRC_PENDING && src_http_check(path, &why) < 0)
			src_fail_msg(s, why);
		return;
	}
	if (strncasecmp(path, "prometheus://", 13) == 0) {
		/* a Prometheus server, queried (source-prom.c) */
		const char *why;
		struct st_source *s = src_new(ss, path, SRC_PROM);
		if (s->state == SRC_PENDING && src_prom_check(path, &why) < 0)
			src_fail_msg(s, why);
		return;
	}
	if (strncmp(path, "cmd:", 4) == 0) {
		/* a command: its stdout, then its stderr (source-cmd.c) */
		size_t len = strlen(path) + sizeof(" (stderr)");
		char *errname = st_xmalloc(len);
		snprintf(errname, len, "%s (stderr)", path);
		struct st_source *out = src_new(ss, path, SRC_CMD);
		src_cmd_pair(out, src_new(ss, errname, SRC_CMD));
		free(errname);
		return;
	}
	size_t before = ss->n;
	add_path(ss, path, 0);
	if (ss->n == before && !ss->follow)
		fprintf(stderr, "strata: %s: no files in this directory\n", path);
}

struct st_source *
src_add_file(struct st_sources *ss, const char *path)
{
	return src_new(ss, path, SRC_FILE);
}

void
st_sources_set_interval(struct st_sources *ss, uint64_t ms)
{
	ss->interval_ms = ms > 0 ? ms : 1;
}

void
st_sources_follow(struct st_sources *ss)
{
	ss->follow = true;
}

bool
st_sources_replaying(const struct st_sources *ss)
{
	if (ss->next < ss->n && !ss->stopping)
		return true;
	/* Only files have a past to replay: a pipe, a command or an endpoint
	 * still being read is live from its first line, so it must not hold
	 * the timeline back (under -f a command may never end). */
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i]->state == SRC_ACTIVE &&
		    (ss->v[i]->type == SRC_FILE || ss->v[i]->type == SRC_PROM))
			return true; /* a prometheus:// source's first query is its past */
	return false;
}

size_t
st_sources_live(const struct st_sources *ss)
{
	/* stopping: only what is still being read to its end (a command
	 * finishing after its SIGTERM) */
	if (ss->stopping)
		return ss->active;
	/* watches (followed files, missing ones, directories) stay live */
	size_t live = ss->active + (ss->n - ss->next) + (ss->fws != NULL);
	for (size_t i = 0; i < ss->n; i++)
		live += ss->v[i]->state == SRC_FOLLOWING;
	return live;
}

void
st_sources_stop(struct st_sources *ss)
{
	if (ss->stopping)
		return;
	ss->stopping = true;
	src_follow_stop(ss);
	for (size_t i = 0; i < ss->n; i++) {
		struct st_source *s = ss->v[i];
		if (s->type == SRC_CMD)
			src_cmd_stop(s); /* TERM, KILL; its output is read to the end */
		if (s->type == SRC_HTTP)
			src_http_stop(s); /* an unfinished scrape is dropped */
		if (s->type == SRC_PROM)
			src_prom_stop(s); /* an unfinished query is dropped */
		/* a stdin stream still reading; file readers see stopping at
		 * their next callback and close */
		if (s->state == SRC_ACTIVE && s->type == SRC_STDIN && s->fd < 0 && s->dz == NULL &&
		    uv_is_active(&s->h.handle) && !uv_is_closing(&s->h.handle)) {
			uv_read_stop(&s->h.stream);
			uv_close(&s->h.handle, NULL);
			s->state = SRC_DONE;
			s->set->active--;
		}
	}
}

size_t
st_sources_count(const struct st_sources *ss)
{
	return ss->n;
}

void
st_sources_info(const struct st_sources *ss, size_t i, struct st_source_info *out)
{
	const struct st_source *s = ss->v[i];
	out->path = s->path;
	out->id = s->id;
	out->error = s->error;
	out->format = s->id >= 0 ? s->ig.format : -1;
	out->stats = &s->ig.stats;
}

size_t
st_sources_failed(const struct st_sources *ss)
{
	return ss->failed;
}

uint64_t
st_sources_bytes(const struct st_sources *ss)
{
	return ss->bytes;
}
