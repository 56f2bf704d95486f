/*
 * writer.c: the log writer for the follow stress test (tests/follow/lossless.sh).
 *
 *   writer -d DIR [-n FILES] [-c LINES] [-r RATE] [-R BYTES] [-t SEQ] [-m MANIFEST]
 *
 * Appends numbered lines to FILES log files in DIR, round-robin from one
 * process, RATE lines per second in all (0: as fast as it can), LINES lines
 * per file:
 *
 *   2024-01-01T00:00:00.000001Z seq=1 file=app.log pad=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
 *
 * The stamp is 2024-01-01T00:00:00Z plus the global line number in
 * microseconds, so stamps rise across all files in the order of the writes;
 * seq counts 1..LINES in each file; the pad repeats one letter chosen by seq
 * (so a line cut short or glued to another shows). One file is "app.log";
 * with -n > 1 they are "f000.log" .. "f099.log".
 *
 * Rotation, as logrotate does it:
 *   - rename: when a file reaches BYTES (-R, default 4 MiB), it is renamed to
 *     NAME.K (K = 1, 2, ...: never over an older rotated file) and a new NAME
 *     is created; the writer's next line goes to the new file.
 *   - copytruncate (-t SEQ, first file only): right after line SEQ of the
 *     first file, its contents are copied to NAME.ct (with read/write, the
 *     way logrotate copies) and the file is truncated to 0 in place. The fd
 *     is O_APPEND, so the next line lands at offset 0. Nothing is written
 *     between the copy and the truncation, so NAME.ct holds every line up to
 *     SEQ (logrotate itself can lose lines written in between). After the
 *     truncation the file's next rename comes at BYTES / 4, so it never grows
 *     back to the size it had when it was truncated.
 *
 * Invariants: every line is one write() of the whole line, so a reader never
 * sees a partial line followed by EOF as anything but an incomplete line.
 * Each file's lines are written in seq order.
 *
 * The manifest (-m, written at the end, then renamed into place so a reader
 * never sees half of it): one line per file,
 *   NAME LINES LAST_SEQ CT_SEQ ROTATIONS
 * with CT_SEQ 0 when that file was not copytruncated.
 *
 * Workload: 50,000 lines/s (the test) to a few hundred thousand; 100 files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 1000
#define PAD_LEN 36
#define BATCH_NS 1000000L /* pace in 1 ms steps */

struct wfile {
	char name[32];
	int fd;
	uint64_t size;     /* bytes in the current file */
	uint64_t limit;    /* rename when size reaches this */
	uint64_t seq;      /* last seq written */
	uint64_t ct_seq;   /* last seq before the copytruncate, or 0 */
	unsigned rotations;
};

static const char *dir = ".";
static uint64_t rot = 4u << 20; /* -R */

static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "writer: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	exit(1);
}

static void
path_of(char *out, size_t n, const char *name, const char *suffix)
{
	if ((size_t)snprintf(out, n, "%s/%s%s", dir, name, suffix) >= n) {
		errno = ENAMETOOLONG;
		die("path", name);
	}
}

static int
open_log(const char *name)
{
	char p[4096];
	path_of(p, sizeof(p), name, "");
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open", p);
	return fd;
}

static void
write_all(int fd, const char *buf, size_t len, const char *what)
{
	ssize_t w = write(fd, buf, len);
	if (w < 0)
		die("write", what);
	if ((size_t)w != len) {
		/* a regular file takes the whole line or fails: a short write
		 * would split the line across two writes */
		errno = EIO;
		die("short write", what);
	}
}

static void
rotate_rename(struct wfile *f)
{
	char from[4096], to[4096], suf[32];
	f->rotations++;
	snprintf(suf, sizeof(suf), ".%u", f->rotations);
	path_of(from, sizeof(from), f->name, "");
	path_of(to, sizeof(to), f->name, suf);
	if (rename(from, to) != 0)
		die("rename", from);
	close(f->fd);
	f->fd = open_log(f->name);
	f->size = 0;
	f->limit = rot;
}

static void
copytruncate(struct wfile *f)
{
	char from[4096], to[4096];
	path_of(from, sizeof(from), f->name, "");
	path_of(to, sizeof(to), f->name, ".ct");
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		die("open", from);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		die("open", to);
	static char buf[1 << 16];
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0)
			die("read", from);
		if (r == 0)
			break;
		write_all(out, buf, (size_t)r, to);
	}
	close(in);
	close(out);
	if (truncate(from, 0) != 0)
		die("truncate", from);
	f->ct_seq = f->seq;
	f->size = 0;
	f->limit /= 4;
}

/* The stamp of global line g: 2024-01-01T00:00:00Z + g microseconds. */
static int
stamp(char *out, uint64_t g)
{
	uint64_t s = g / 1000000u, us = g % 1000000u;
	unsigned day = (unsigned)(s / 86400u), sod = (unsigned)(s % 86400u);
	/* a run writes far fewer than 31 days' worth of microseconds */
	return sprintf(out, "2024-01-%02uT%02u:%02u:%02u.%06" PRIu64 "Z", day + 1, sod / 3600u,
		       sod / 60u % 60u, sod % 60u, us);
}

static void
now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static void
usage(void)
{
	fputs("usage: writer -d DIR [-n FILES] [-c LINES] [-r RATE] [-R BYTES] [-t SEQ] [-m MANIFEST]\n",
	      stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	unsigned nfiles = 1;
	uint64_t lines = 100000, rate = 50000, ct_at = 0;
	const char *manifest = NULL;
	int c;
	while ((c = getopt(argc, argv, "d:n:c:r:R:t:m:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': nfiles = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'c': lines = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtoull(optarg, NULL, 10); break;
		case 'R': rot = strtoull(optarg, NULL, 10); break;
		case 't': ct_at = strtoull(optarg, NULL, 10); break;
		case 'm': manifest = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || nfiles < 1 || nfiles > MAX_FILES || lines < 1 || rot < 256)
		usage();

	static struct wfile files[MAX_FILES];
	for (unsigned i = 0; i < nfiles; i++) {
		struct wfile *f = &files[i];
		if (nfiles == 1)
			snprintf(f->name, sizeof(f->name), "app.log");
		else
			snprintf(f->name, sizeof(f->name), "f%03u.log", i);
		f->fd = open_log(f->name);
		f->limit = rot;
	}

	/* pace: after each 1 ms step, the lines due so far are written */
	struct timespec t0, t;
	now(&t0);
	uint64_t total = lines * nfiles, g = 0;
	char line[256];
	while (g < total) {
		uint64_t due = total;
		if (rate > 0) {
			now(&t);
			int64_t ns = (int64_t)(t.tv_sec - t0.tv_sec) * 1000000000 + (t.tv_nsec - t0.tv_nsec);
			due = (uint64_t)ns / 1000u * rate / 1000000u + rate / 1000u + 1;
			if (due > total)
				due = total;
		}
		for (; g < due; g++) {
			struct wfile *f = &files[g % nfiles];
			f->seq++;
			int n = stamp(line, g + 1);
			n += sprintf(line + n, " seq=%" PRIu64 " file=%s pad=", f->seq, f->name);
			memset(line + n, 'a' + (int)(f->seq % 26), PAD_LEN);
			n += PAD_LEN;
			line[n++] = '\n';
			write_all(f->fd, line, (size_t)n, f->name);
			f->size += (uint64_t)n;
			if (f == &files[0] && ct_at > 0 && f->seq == ct_at)
				copytruncate(f);
			else if (f->size >= f->limit)
				rotate_rename(f);
		}
		if (g < total && rate > 0) {
			struct timespec d = {0, BATCH_NS};
			nanosleep(&d, NULL);
		}
	}
	now(&t);
	double secs = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;

	if (manifest) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.tmp", manifest);
		FILE *m = fopen(tmp, "w");
		if (!m)
			die("open", tmp);
		for (unsigned i = 0; i < nfiles; i++)
			fprintf(m, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %u\n", files[i].name, lines,
				files[i].seq, files[i].ct_seq, files[i].rotations);
		if (fclose(m) != 0 || rename(tmp, manifest) != 0)
			die("write", manifest);
	}
	for (unsigned i = 0; i < nfiles; i++)
		close(files[i].fd);
	fprintf(stderr, "writer: %" PRIu64 " lines to %u file(s) in %.2f s (%.0f lines/s)\n", total, nfiles,
		secs, secs > 0 ? (double)total / secs : 0.0);
	return 0;
}
