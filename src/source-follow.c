/*
 * source-follow.c: following files as they grow (-f), like `tail -F`.
 *
 * A followed file is first read like any other (mapped or copied, see
 * source-file.c), except that its unfinished last line is not taken at the
 * end: it waits in the source's read buffer. The source then becomes
 * SRC_FOLLOWING: it keeps its descriptor and its offset, and from then on
 * new bytes are read with pread into that buffer (the copy path) and fed
 * to the ingest whole lines at a time.
 *
 * Watches: one uv_fs_event per directory holding followed files (inotify
 * on Linux reports a child's writes, creations, renames and deletions on
 * its directory, so 500 files in one directory cost one watch), and one
 * 1-second timer for the whole set that checks every followed file and
 * rescans the directories given with -f: the fallback where events do not
 * come (network file systems, a symlink into another directory).
 *
 * A check (fw_check) reads the descriptor to its end, then looks at the
 * path: a different inode there means the file was rotated (renamed and
 * recreated): the old descriptor was just read to its end, its unfinished
 * line is taken as a line, and the new file is read from its start (line
 * numbers restart at 1). A size below our offset, or first bytes that are
 * no longer the ones we read (truncated and written past our offset again
 * before we looked), mean it was truncated in place (copytruncate); this
 * is checked before each read. The lines written between our last read
 * and the copy are then in the copy only: a plain file beside it named as
 * a rotation of it (app.log.1, app.log-20241208, app.log.ct), at least as
 * long as our offset and beginning with the same bytes, is read from our
 * offset to its end; then the file is read again from 0 (lines restart at
 * 1). Such rotation names never join a followed directory as new files:
 * their lines are their file's. Lines written between the copy and the
 * truncation are in neither file and lost to any reader. A missing
 * path is said once; the old descriptor stays open (a writer may still
 * write to it) until a file appears there again.
 *
 * Budget: one check reads at most FW_BUDGET bytes in at most FW_READS
 * reads; a source with more to read is marked and read again from an idle
 * handle on the next loop turn, after the others had their turn.
 *
 * Invariants: a FOLLOWING source with fw->open holds fd (ours, closed here
 * or by src_follow_stop); fw->off is the file offset just past the bytes
 * read (the buffer's bytes end there). Inodes ever followed are remembered
 * per set, so a rotated file's new name (app.log.1) does not join a
 * followed directory as a new source and repeat its lines.
 *
 * Workload: a few hundred files, each check a stat and a pread or two;
 * reads are synchronous on the loop thread (local files: page cache).
 */
#define _GNU_SOURCE /* memrchr */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-int.h"

#define FW_POLL_MS 1000
#define FW_BUDGET (1u << 20) /* bytes one source may read per loop turn */
#define FW_READS 32          /* reads one source may do per loop turn */
#define FW_HEAD 64           /* first bytes kept to recognise the file */

struct fw_dir;

struct src_follow {
	uint64_t dev, ino;   /* the file open as fd */
	int64_t off;         /* file offset past the bytes read */
	bool open;           /* fd is open on the followed file */
	bool gone;           /* the path was found missing (said once) */
	bool more;           /* the budget ran out: read again next turn */
	bool denied;         /* the path could not be opened (said once) */
	const char *base;    /* name in its directory (inside s->path, or "") */
	struct fw_dir *dir;
	unsigned headlen;    /* bytes of head[] known (0: none read yet) */
	char head[FW_HEAD];  /* the file's first bytes, as we read them */
};

struct fw_dir {
	struct fw_set *set;
	char *path;
	uv_fs_event_t ev;
	bool watching;       /* ev started */
	bool joins;          /* a directory given with -f: new files join */
	struct st_source **v; /* followed files in it, sorted by base name */
	size_t n, cap;
};

struct fw_ino {
	uint64_t dev, ino;
};

struct fw_set {
	struct st_sources *ss;
	uv_timer_t poll;
	uv_idle_t idle;
	bool idling;
	struct fw_dir **dirs;
	size_t ndirs, capdirs;
	struct fw_ino *inos; /* every file followed, ever */
	size_t ninos, capinos;
	size_t closing;      /* handles whose close callback has not run */
	bool stopped;
};

static void fw_check(struct st_source *s);
static void on_idle(uv_idle_t *h);

/* ---- pure helpers */

/* The length of the directory part of path ("" -> "."); base set to the rest. */
static size_t
split_path(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		*base = path;
		return 0;
	}
	*base = slash + 1;
	return slash == path ? 1 : (size_t)(slash - path);
}

static bool
compressed_name(const char *name)
{
	static const char *const ext[] = {".gz", ".zst", ".xz", ".bz2", ".lz4", ".zip"};
	size_t n = strlen(name);
	for (size_t i = 0; i < ST_ARRAY_LEN(ext); i++) {
		size_t e = strlen(ext[i]);
		if (n > e && strcmp(name + n - e, ext[i]) == 0)
			return true;
	}
	return false;
}

/* ---- the set */

static void
on_handle_closed(uv_handle_t *h)
{
	struct fw_set *fs = h->data;
	fs->closing--;
}

static void
on_poll(uv_timer_t *t);

static struct fw_set *
set_get(struct st_sources *ss)
{
	if (ss->fws != NULL)
		return ss->fws;
	struct fw_set *fs = st_xcalloc(1, sizeof(*fs));
	fs->ss = ss;
	uv_timer_init(ss->loop, &fs->poll);
	fs->poll.data = fs;
	uv_timer_start(&fs->poll, on_poll, FW_POLL_MS, FW_POLL_MS);
	uv_idle_init(ss->loop, &fs->idle);
	fs->idle.data = fs;
	ss->fws = fs;
	return fs;
}

static bool
ino_known(const struct fw_set *fs, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < fs->ninos; i++)
		if (fs->inos[i].ino == ino && fs->inos[i].dev == dev)
			return true;
	return false;
}

static void
ino_add(struct fw_set *fs, uint64_t dev, uint64_t ino)
{
	if (ino_known(fs, dev, ino))
		return;
	if (fs->ninos == fs->capinos) {
		fs->capinos = fs->capinos ? fs->capinos * 2 : 64;
		fs->inos = st_xreallocarray(fs->inos, fs->capinos, sizeof(*fs->inos));
	}
	fs->inos[fs->ninos].dev = dev;
	fs->inos[fs->ninos].ino = ino;
	fs->ninos++;
}

/* ---- directories */

static void on_dir_event(uv_fs_event_t *h, const char *name, int events, int status);

static void
dir_watch(struct fw_dir *d)
{
	if (d->watching || d->set->stopped)
		return;
	if (uv_fs_event_start(&d->ev, on_dir_event, d->path, 0) == 0)
		d->watching = true; /* else the poll still checks, and retries */
}

static struct fw_dir *
dir_get(struct fw_set *fs, const char *path, size_t len)
{
	for (size_t i = 0; i < fs->ndirs; i++)
		if (strlen(fs->dirs[i]->path) == len && memcmp(fs->dirs[i]->path, path, len) == 0)
			return fs->dirs[i];
	if (fs->ndirs == fs->capdirs) {
		fs->capdirs = fs->capdirs ? fs->capdirs * 2 : 8;
		fs->dirs = st_xreallocarray(fs->dirs, fs->capdirs, sizeof(*fs->dirs));
	}
	struct fw_dir *d = st_xcalloc(1, sizeof(*d));
	d->set = fs;
	d->path = st_xmalloc(len + 1);
	memcpy(d->path, path, len);
	d->path[len] = '\0';
	uv_fs_event_init(fs->ss->loop, &d->ev);
	d->ev.data = d;
	fs->dirs[fs->ndirs++] = d;
	dir_watch(d);
	return d;
}

/* Index of the first source in d named base, or where it would go. */
static size_t
dir_find(const struct fw_dir *d, const char *base)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->v[mid]->fw->base, base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
dir_add(struct fw_dir *d, struct st_source *s)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = st_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	size_t at = dir_find(d, s->fw->base);
	memmove(d->v + at + 1, d->v + at, (d->n - at) * sizeof(*d->v));
	d->v[at] = s;
	d->n++;
}

/* ---- reading */

/* Feed the buffer's whole lines (all of it when final: the file is done
 * with, its unfinished line is a line). Before the format is known the
 * lines at hand decide it: a followed file may grow a line at a time. */
static void
fw_feed(struct st_source *s, bool final)
{
	size_t used = 0;
	if (final) {
		used = st_ingest_feed(&s->ig, s->buf, s->len, true);
	} else {
		const char *nl = memrchr(s->buf, '\n', s->len);
		if (nl != NULL)
			used = st_ingest_feed(&s->ig, s->buf, (size_t)(nl - s->buf) + 1, !s->ig.probed);
		else if (s->len >= ST_LINE_MAX)
			used = st_ingest_feed(&s->ig, s->buf, s->len, false); /* cut */
	}
	if (used > 0 && used < s->len)
		memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	src_buf_room(s);
}

/* Read what the descriptor holds: 0 at its end, 1 when the budget ran
 * out first, or a negative error. */
static int
fw_read(struct st_source *s)
{
	struct src_follow *f = s->fw;
	size_t bytes = 0;
	for (int k = 0; k < FW_READS && bytes < FW_BUDGET; k++) {
		src_buf_room(s);
		ssize_t n = pread(s->fd, s->buf + s->len, s->cap - s->len, f->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return uv_translate_sys_error(errno);
		if (n == 0)
			return 0;
		f->off += n;
		bytes += (size_t)n;
		s->len += (size_t)n;
		s->ig.stats.bytes += (uint64_t)n;
		s->set->bytes += (uint64_t)n;
		fw_feed(s, false);
	}
	return 1;
}

/* The file is done with (rotated away, truncated): its last line is taken. */
static void
fw_finish_file(struct st_source *s)
{
	if (s->len > 0)
		fw_feed(s, true);
	s->ig.in_record = false;
	s->ig.lineno = 0; /* the next file's lines count from 1 */
}

static void
fw_close_fd(struct st_source *s)
{
	if (s->fw->open && s->fd > 0)
		close(s->fd);
	s->fd = -1;
	s->fw->open = false;
}

/* Open the file now at the path (sb: its stat) and read it from 0. */
static bool
fw_open(struct st_source *s, const struct stat *sb)
{
	struct src_follow *f = s->fw;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	struct stat fsb;
	if (fd >= 0 && fstat(fd, &fsb) != 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if (!f->denied)
			fprintf(stderr, "strata: %s: %s; still watching it\n", s->path,
			        st_strerror(uv_translate_sys_error(errno)));
		f->denied = true;
		return false;
	}
	(void)sb;
	f->denied = false;
	s->fd = fd;
	f->open = true;
	f->off = 0;
	f->headlen = 0;
	f->dev = (uint64_t)fsb.st_dev;
	f->ino = (uint64_t)fsb.st_ino;
	ino_add(s->set->fws, f->dev, f->ino);
	if (s->buf == NULL) { /* never read before: begin as a new source */
		st_time mtime = (st_time)fsb.st_mtim.tv_sec * ST_USEC + fsb.st_mtim.tv_nsec / 1000;
		src_begin(s, mtime);
	}
	s->sniffed = true; /* later files are read as text */
	return true;
}

/* Keep the file's first bytes once it has them (one pread, until FW_HEAD
 * bytes are known). */
static void
fw_head_fill(struct st_source *s)
{
	struct src_follow *f = s->fw;
	if (f->headlen == FW_HEAD || f->off <= (int64_t)f->headlen)
		return;
	size_t want = f->off < FW_HEAD ? (size_t)f->off : FW_HEAD;
	ssize_t n = pread(s->fd, f->head, want, 0);
	if (n > 0)
		f->headlen = (unsigned)n;
}

/* Does fd's file begin with the bytes we read at the start of ours? */
static bool
fw_head_same(const struct src_follow *f, int fd)
{
	char b[FW_HEAD];
	if (f->headlen == 0)
		return true;
	ssize_t n = pread(fd, b, f->headlen, 0);
	return n == (ssize_t)f->headlen && memcmp(b, f->head, f->headlen) == 0;
}

/* Was the open file truncated in place since we read it? Smaller than our
 * offset, or (truncated and written past our offset again before we
 * looked) no longer beginning with its first line. */
static bool
fw_truncated(struct st_source *s, int64_t *size)
{
	struct src_follow *f = s->fw;
	struct stat fsb;
	if (fstat(s->fd, &fsb) != 0)
		return false;
	*size = (int64_t)fsb.st_size;
	if (fsb.st_size < f->off)
		return true;
	return f->off > 0 && !fw_head_same(f, s->fd);
}

/* A name a rotation gives to a copy of base: base then '.', '-' or '_'
 * and more (app.log.1, app.log-20241208, app.log.ct). */
static bool
rotated_name(const char *name, const char *base)
{
	size_t n = strlen(base);
	return n > 0 && strncmp(name, base, n) == 0 && name[n] != '\0' &&
	       strchr(".-_", name[n]) != NULL;
}

/* copytruncate: the file was copied beside itself, then truncated. What
 * was written after our last read and before the copy is in the copy
 * only: find it (a plain file named as a rotation of ours, not the file
 * we hold, at least as long as our offset, beginning with our first
 * bytes; the newest such) and read it from our offset to its end.
 * Returns the copy's name, or NULL when there is none. */
static const char *
fw_read_copy(struct st_source *s, char *name, size_t cap)
{
	struct src_follow *f = s->fw;
	if (f->off == 0 || f->headlen == 0 || f->dir == NULL)
		return NULL;
	DIR *dp = opendir(f->dir->path);
	if (dp == NULL)
		return NULL;
	int best = -1;
	struct timespec best_mtime = {0, 0};
	uint64_t best_dev = 0, best_ino = 0;
	struct dirent *e;
	size_t plen = strlen(f->dir->path);
	while ((e = readdir(dp)) != NULL) {
		if (!rotated_name(e->d_name, f->base) || compressed_name(e->d_name))
			continue;
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", plen ? f->dir->path : ".", e->d_name) >=
		    (int)sizeof(path))
			continue;
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < f->off ||
		    ((uint64_t)sb.st_dev == f->dev && (uint64_t)sb.st_ino == f->ino))
			continue;
		if (best >= 0 && (sb.st_mtim.tv_sec < best_mtime.tv_sec ||
		                  (sb.st_mtim.tv_sec == best_mtime.tv_sec &&
		                   sb.st_mtim.tv_nsec <= best_mtime.tv_nsec)))
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!fw_head_same(f, fd)) {
			close(fd);
			continue;
		}
		if (best >= 0)
			close(best);
		best = fd;
		best_mtime = sb.st_mtim;
		best_dev = (uint64_t)sb.st_dev;
		best_ino = (uint64_t)sb.st_ino;
		snprintf(name, cap, "%s", e->d_name);
	}
	closedir(dp);
	if (best < 0)
		return NULL;
	/* read it where the file left off, as if it were the file */
	int fd = s->fd;
	int64_t off = f->off;
	s->fd = best;
	int rc;
	while ((rc = fw_read(s)) > 0)
		;
	s->fd = fd;
	f->off = off;
	close(best);
	ino_add(s->set->fws, best_dev, best_ino); /* read: it must not join as new */
	return rc == 0 ? name : NULL;
}

/* The open file was truncated in place: take what its copy holds, then
 * read it again from its start. */
static void
fw_truncation(struct st_source *s, int64_t size)
{
	struct src_follow *f = s->fw;
	char copy[256];
	const char *from = fw_read_copy(s, copy, sizeof(copy));
	if (from != NULL)
		fprintf(stderr, "strata: %s: truncated (copied to %s, read from there up to the "
		                "truncation); reading it again from its start\n", s->path, from);
	else
		fprintf(stderr, "strata: %s: truncated (from %lld to %lld bytes); reading it again "
		                "from its start\n", s->path, (long long)f->off, (long long)size);
	fw_finish_file(s);
	f->off = 0;
	f->headlen = 0;
}

static void
idle_need(struct fw_set *fs)
{
	if (!fs->idling && !fs->stopped) {
		uv_idle_start(&fs->idle, on_idle);
		fs->idling = true;
	}
}

static void
fw_check(struct st_source *s)
{
	struct src_follow *f = s->fw;
	struct fw_set *fs = s->set->fws;
	if (s->state != SRC_FOLLOWING || s->set->stopping)
		return;
	for (int round = 0; round < 3; round++) {
		f->more = false;
		int64_t size;
		if (f->open && fw_truncated(s, &size))
			fw_truncation(s, size);
		if (f->open) {
			int rc = fw_read(s);
			fw_head_fill(s);
			if (rc > 0) {
				f->more = true;
				idle_need(fs);
				return;
			}
			if (rc < 0) {
				fw_close_fd(s);
				src_fail(s, rc, "read");
				return;
			}
		}
		struct stat sb;
		if (stat(s->path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			if (!f->gone && f->open)
				fprintf(stderr, "strata: %s: removed or renamed; reading the old file "
				                "until a new one appears\n", s->path);
			f->gone = true;
			return;
		}
		f->gone = false;
		if (!f->open) {
			if (!fw_open(s, &sb))
				return;
			fprintf(stderr, "strata: %s: appeared; following it\n", s->path);
			continue;
		}
		if ((uint64_t)sb.st_dev != f->dev || (uint64_t)sb.st_ino != f->ino) {
			/* rotated: the old file was read to its end just above */
			fw_finish_file(s);
			fw_close_fd(s);
			if (!fw_open(s, &sb))
				return;
			fprintf(stderr, "strata: %s: replaced by a new file (rotated); reading it from "
			                "its start\n", s->path);
			continue;
		}
		if (fw_truncated(s, &size)) {
			fw_truncation(s, size);
			continue;
		}
		return;
	}
}

/* ---- joining: a new file in a directory given with -f */

static void
dir_join(struct fw_dir *d, const char *name)
{
	if (src_skipped_name(name) || compressed_name(name))
		return;
	size_t at = dir_find(d, name);
	if (at < d->n && strcmp(d->v[at]->fw->base, name) == 0)
		return; /* followed already */
	/* a copy a rotation made of a file we follow (copytruncate's
	 * app.log.1): its lines are that file's, read through it */
	for (size_t i = 0; i < d->n; i++)
		if (rotated_name(name, d->v[i]->fw->base))
			return;
	size_t plen = strlen(d->path);
	bool slash = plen > 0 && d->path[plen - 1] == '/';
	size_t len = plen + 1 + strlen(name) + 1;
	char *path = st_xmalloc(len);
	snprintf(path, len, "%s%s%s", d->path, slash ? "" : "/", name);
	/* a file of the directory still waiting for or in its replay */
	struct st_sources *ss = d->set->ss;
	for (size_t i = 0; i < ss->n; i++) {
		struct st_source *o = ss->v[i];
		if ((o->fw == NULL || o->fw->dir == NULL) && strcmp(o->path, path) == 0) {
			free(path);
			return;
		}
	}
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    ino_known(d->set, (uint64_t)sb.st_dev, (uint64_t)sb.st_ino)) {
		free(path); /* a rotated file's new name, or not a file */
		return;
	}
	struct st_source *s = src_add_file(d->set->ss, path);
	free(path);
	if (s->state == SRC_FAILED)
		return;
	s->state = SRC_FOLLOWING;
	s->fw = st_xcalloc(1, sizeof(*s->fw));
	split_path(s->path, &s->fw->base);
	s->fw->dir = d;
	dir_add(d, s);
	if (fw_open(s, &sb))
		fprintf(stderr, "strata: %s: new file; following it\n", s->path);
	fw_check(s);
}

static void
dir_rescan(struct fw_dir *d)
{
	DIR *dp = opendir(d->path);
	if (dp == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL)
		dir_join(d, e->d_name);
	closedir(dp);
}

static void
on_dir_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	(void)events;
	struct fw_dir *d = h->data;
	if (d->set->stopped)
		return;
	if (status < 0 || name == NULL) {
		for (size_t i = 0; i < d->n; i++)
			fw_check(d->v[i]);
		return;
	}
	size_t at = dir_find(d, name);
	bool found = false;
	for (; at < d->n && strcmp(d->v[at]->fw->base, name) == 0; at++) {
		fw_check(d->v[at]);
		found = true;
	}
	if (!found && d->joins)
		dir_join(d, name);
}

static void
on_poll(uv_timer_t *t)
{
	struct fw_set *fs = t->data;
	struct st_sources *ss = fs->ss;
	for (size_t i = 0; i < fs->ndirs; i++) {
		dir_watch(fs->dirs[i]); /* one that could not start: try again */
		if (fs->dirs[i]->joins)
			dir_rescan(fs->dirs[i]);
	}
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i]->fw != NULL && !ss->v[i]->fw->more)
			fw_check(ss->v[i]);
}

static void
on_idle(uv_idle_t *h)
{
	struct fw_set *fs = h->data;
	struct st_sources *ss = fs->ss;
	bool any = false;
	for (size_t i = 0; i < ss->n; i++) {
		struct st_source *s = ss->v[i];
		if (s->fw != NULL && s->fw->more) {
			fw_check(s);
			any |= s->fw->more;
		}
	}
	if (!any) {
		uv_idle_stop(h);
		fs->idling = false;
	}
}

/* ---- the interface (source-int.h) */

static void
fw_attach(struct st_source *s)
{
	struct fw_set *fs = set_get(s->set);
	const char *base;
	size_t dl = split_path(s->path, &base);
	s->fw->base = base;
	s->fw->dir = dl == 0 ? dir_get(fs, ".", 1) : dir_get(fs, s->path, dl);
	dir_add(s->fw->dir, s);
}

void
src_follow_prepare(struct st_source *s, const uv_stat_t *sb)
{
	if (s->fw == NULL)
		s->fw = st_xcalloc(1, sizeof(*s->fw));
	s->fw->dev = sb->st_dev;
	s->fw->ino = sb->st_ino;
	/* known from now: renamed while still replayed, its new name must
	 * not join a followed directory */
	ino_add(set_get(s->set), s->fw->dev, s->fw->ino);
}

static void
become_following(struct st_source *s)
{
	s->state = SRC_FOLLOWING;
	s->set->active--;
	src_slot_free(s);
	fw_attach(s);
}

void
src_follow_start(struct st_source *s, int64_t off)
{
	struct src_follow *f = s->fw;
	f->off = off;
	f->open = true;
	s->sniffed = true;
	become_following(s);
	ino_add(s->set->fws, f->dev, f->ino);
	if (s->len > 0)
		fw_feed(s, false); /* lines detection waited on */
	st_sources_start(s->set);
	fw_check(s); /* what was written meanwhile */
}

void
src_follow_missing(struct st_source *s, int err)
{
	fprintf(stderr, "strata: %s: %s; waiting for it to appear\n", s->path, st_strerror(err));
	if (s->fw == NULL)
		s->fw = st_xcalloc(1, sizeof(*s->fw));
	s->fw->gone = true;
	s->fd = -1;
	become_following(s);
	st_sources_start(s->set);
	fw_check(s); /* it may be there by now */
}

void
src_follow_dir(struct st_sources *ss, const char *path)
{
	struct fw_set *fs = set_get(ss);
	dir_get(fs, path, strlen(path))->joins = true;
}

void
src_follow_stop(struct st_sources *ss)
{
	struct fw_set *fs = ss->fws;
	if (fs == NULL || fs->stopped)
		return;
	fs->stopped = true;
	fs->closing = 2 + fs->ndirs;
	uv_close((uv_handle_t *)&fs->poll, on_handle_closed);
	uv_close((uv_handle_t *)&fs->idle, on_handle_closed);
	for (size_t i = 0; i < fs->ndirs; i++) {
		fs->dirs[i]->ev.data = fs;
		uv_close((uv_handle_t *)&fs->dirs[i]->ev, on_handle_closed);
	}
	for (size_t i = 0; i < ss->n; i++) {
		struct st_source *s = ss->v[i];
		if (s->fw != NULL && s->state == SRC_FOLLOWING) {
			fw_close_fd(s);
			s->state = SRC_DONE;
		}
	}
}

void
src_follow_free(struct st_source *s)
{
	free(s->fw);
	s->fw = NULL;
}

void
src_follow_set_free(struct st_sources *ss)
{
	struct fw_set *fs = ss->fws;
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->ndirs; i++) {
		free(fs->dirs[i]->path);
		free(fs->dirs[i]->v);
		free(fs->dirs[i]);
	}
	free(fs->dirs);
	free(fs->inos);
	free(fs);
	ss->fws = NULL;
}
