/*
 * latency-probe.c: how long a line takes from write() to a follower's stdout.
 *
 *   latency-probe -d DIR [-n COUNT] [-i MS] [-F RATE [-K FILES]] [-x FILES] [-o RAW] [-T OUT]
 *                 -- FOLLOWER ARGS...
 *
 * Creates DIR/probe.log and DIR/flood.log (empty) and, with -x, FILES more
 * files DIR/idle-NNN.log holding one line each (more files to follow), starts FOLLOWER (for
 * example `strata print -f -o json DIR`) with its stdout on a pipe, and then
 * COUNT times (default 1000), every MS milliseconds (default 10):
 *
 *   t0 = now; write(probe.log, "<stamp> INFO latency probe mark=K;\n")
 *
 * while a reader thread reads the pipe, takes t1 = now after each read() and
 * notes the first t1 of every line holding "mark=K;". Latency = t1 - t0 on
 * CLOCK_MONOTONIC, in one process (no clocks to compare). With -F RATE a
 * third thread appends RATE lines/s to flood.log (paced in 1 ms steps, one
 * write() per line) from before the first probe to after the last: does a
 * flooding source delay the others? -K spreads the flood round-robin over
 * FILES files (flood.log, flood-001.log, ...) instead of one.
 *
 * Before measuring, mark=0 is written until it comes out (the follower has
 * started and found the files; 30 s deadline); with -F the flood then runs
 * for 500 ms before the first probe. After the last probe it waits up to
 * 5 s for the stragglers, then stops FOLLOWER with SIGTERM.
 *
 * Prints one line:
 *   probes=1000 seen=1000 dup=0 p50=0.21 p90=0.35 p99=0.90 max=2.10 mean=0.25 ms flood=50000/s flood_written=N flood_seen=M
 * and with -o RAW each latency in ms, one a line, for other statistics;
 * -T OUT keeps a copy of the follower's output.
 * Exit 1 when a probe never came out or came out twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROBES 100000

static int64_t t0s[MAX_PROBES + 1];
static _Atomic int64_t t1s[MAX_PROBES + 1];
static atomic_uint dups;
static atomic_ulong flood_seen;
static atomic_bool flood_stop;
static atomic_ulong flood_written;
static int pipe_rd = -1;
static FILE *copy_out;
static int flood_fds[1000];
static unsigned long flood_files = 1;
static unsigned long flood_rate;

static int64_t
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "latency-probe: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The current UTC time as 2026-11-21T06:47:33.123456Z. */
static int
stamp(char *out)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	struct tm tm;
	gmtime_r(&t.tv_sec, &tm);
	return sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		       tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec / 1000);
}

static void
one_line(const char *s, size_t n, int64_t t)
{
	const char *m = memmem(s, n, "mark=", 5);
	if (m == NULL) {
		if (memmem(s, n, "flood seq=", 10) != NULL)
			atomic_fetch_add(&flood_seen, 1);
		return;
	}
	unsigned long k = strtoul(m + 5, NULL, 10);
	if (k > MAX_PROBES)
		return;
	int64_t zero = 0;
	if (!atomic_compare_exchange_strong(&t1s[k], &zero, t) && k > 0)
		atomic_fetch_add(&dups, 1);
}

static void *
reader(void *arg)
{
	(void)arg;
	static char buf[1 << 20];
	size_t have = 0;
	for (;;) {
		ssize_t r = read(pipe_rd, buf + have, sizeof(buf) - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		int64_t t = now_ns();
		if (copy_out)
			fwrite(buf + have, 1, (size_t)r, copy_out);
		have += (size_t)r;
		size_t start = 0;
		for (;;) {
			char *nl = memchr(buf + start, '\n', have - start);
			if (nl == NULL)
				break;
			one_line(buf + start, (size_t)(nl - (buf + start)), t);
			start = (size_t)(nl - buf) + 1;
		}
		if (start == 0 && have == sizeof(buf))
			have = 0; /* a line longer than the buffer: drop it */
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	return NULL;
}

static void *
flooder(void *arg)
{
	(void)arg;
	int64_t start = now_ns();
	unsigned long g = 0;
	char line[256];
	while (!atomic_load(&flood_stop)) {
		unsigned long due = (unsigned long)((now_ns() - start) / 1000) * flood_rate / 1000000u + flood_rate / 1000u + 1;
		for (; g < due; g++) {
			int n = stamp(line);
			n += sprintf(line + n, " INFO flood seq=%lu padding padding padding padding padding\n", g + 1);
			if (write(flood_fds[g % flood_files], line, (size_t)n) != n)
				die("write flood.log");
		}
		atomic_store(&flood_written, g);
		struct timespec d = {0, 1000000};
		nanosleep(&d, NULL);
	}
	return NULL;
}

static int
open_log(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		die(p);
	return fd;
}

static void
probe(int fd, unsigned long k)
{
	char line[128];
	int n = stamp(line);
	n += sprintf(line + n, " INFO latency probe mark=%lu;\n", k);
	t0s[k] = now_ns();
	if (write(fd, line, (size_t)n) != n)
		die("write probe.log");
}

static void
sleep_ms(long ms)
{
	struct timespec d = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&d, NULL);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double
pct(const int64_t *v, size_t n, double p)
{
	/* nearest rank */
	size_t r = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return (double)v[r - 1] / 1e6;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *raw = NULL;
	unsigned long count = 1000, interval = 10, extra = 0;
	int c;
	while ((c = getopt(argc, argv, "+d:n:i:F:K:x:o:T:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'i': interval = strtoul(optarg, NULL, 10); break;
		case 'F': flood_rate = strtoul(optarg, NULL, 10); break;
		case 'K': flood_files = strtoul(optarg, NULL, 10); break;
		case 'x': extra = strtoul(optarg, NULL, 10); break;
		case 'o': raw = optarg; break;
		case 'T':
			if ((copy_out = fopen(optarg, "w")) == NULL)
				die(optarg);
			break;
		default: goto usage;
		}
	}
	if (dir == NULL || optind >= argc || count < 1 || count > MAX_PROBES || flood_files < 1 ||
	    flood_files > sizeof(flood_fds) / sizeof(flood_fds[0])) {
usage:
		fputs("usage: latency-probe -d DIR [-n COUNT] [-i MS] [-F RATE [-K FILES]] [-x FILES] [-o RAW] [-T OUT]\n"
		      "                     -- FOLLOWER ARGS...\n", stderr);
		return 2;
	}
	int pfd = open_log(dir, "probe.log");
	flood_fds[0] = open_log(dir, "flood.log");
	for (unsigned long i = 1; i < flood_files; i++) {
		char name[64];
		snprintf(name, sizeof(name), "flood-%03lu.log", i);
		flood_fds[i] = open_log(dir, name);
	}
	for (unsigned long i = 0; i < extra; i++) {
		char name[64], line[128];
		snprintf(name, sizeof(name), "idle-%03lu.log", i);
		int fd = open_log(dir, name);
		int n = stamp(line);
		n += sprintf(line + n, " INFO idle file %lu\n", i);
		if (write(fd, line, (size_t)n) != n)
			die(name);
		close(fd);
	}

	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(p[1], 1);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "latency-probe: exec %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	pipe_rd = p[0];
	pthread_t rt, ft;
	pthread_create(&rt, NULL, reader, NULL);

	/* warm-up: the follower is up and has found probe.log */
	int64_t deadline = now_ns() + 30 * 1000000000LL;
	while (atomic_load(&t1s[0]) == 0) {
		if (now_ns() > deadline) {
			fprintf(stderr, "latency-probe: the follower printed no probe line in 30 s\n");
			kill(pid, SIGTERM);
			return 1;
		}
		probe(pfd, 0);
		sleep_ms(50);
	}
	if (flood_rate > 0) {
		pthread_create(&ft, NULL, flooder, NULL);
		sleep_ms(500);
	}

	for (unsigned long k = 1; k <= count; k++) {
		probe(pfd, k);
		sleep_ms((long)interval);
	}
	deadline = now_ns() + 5 * 1000000000LL;
	for (;;) {
		unsigned long seen = 0;
		for (unsigned long k = 1; k <= count; k++)
			seen += atomic_load(&t1s[k]) != 0;
		if (seen == count || now_ns() > deadline)
			break;
		sleep_ms(10);
	}
	if (flood_rate > 0) {
		atomic_store(&flood_stop, true);
		pthread_join(ft, NULL);
	}
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	pthread_join(rt, NULL);

	static int64_t lat[MAX_PROBES];
	size_t n = 0;
	double sum = 0;
	FILE *rf = raw ? fopen(raw, "w") : NULL;
	for (unsigned long k = 1; k <= count; k++) {
		int64_t t1 = atomic_load(&t1s[k]);
		if (t1 == 0)
			continue;
		lat[n] = t1 - t0s[k];
		sum += (double)lat[n];
		if (rf)
			fprintf(rf, "%.3f\n", (double)lat[n] / 1e6);
		n++;
	}
	if (rf)
		fclose(rf);
	if (copy_out)
		fclose(copy_out);
	qsort(lat, n, sizeof(lat[0]), cmp_i64);
	printf("probes=%lu seen=%zu dup=%u", count, n, atomic_load(&dups));
	if (n > 0)
		printf(" p50=%.2f p90=%.2f p99=%.2f max=%.2f mean=%.2f ms", pct(lat, n, 50), pct(lat, n, 90),
		       pct(lat, n, 99), (double)lat[n - 1] / 1e6, sum / (double)n / 1e6);
	printf(" flood=%lu/s flood_written=%lu flood_seen=%lu\n", flood_rate, atomic_load(&flood_written),
	       atomic_load(&flood_seen));
	return n == count && atomic_load(&dups) == 0 ? 0 : 1;
}
