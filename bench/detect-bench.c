/*
 * detect-bench.c: how fast the anomaly detectors (src/detect.c) run, on
 * 10 million points cut into series of several lengths: 100 series of
 * 100,000 points down to 1.4 million of 7. Deterministic data (xorshift,
 * no clock in it): noise around a level, a step every 50,000 points and a
 * spike every 7,919, then the same with a NaN every 1,000th point and as
 * a counter (opts.cumulative).
 *
 * Not part of the CMake build (bench/ holds stand-alone tools). Build and
 * run from the source root:
 *
 *   cc -O2 -Iinclude bench/detect-bench.c src/detect.c src/util.c -luv -o /tmp/detect-bench
 *   /tmp/detect-bench
 *
 * It prints, per length, the seconds for all 10 million points, the
 * nanoseconds per point and how many anomalies were found (which must not
 * change between runs of the same build).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "strata/detect.h"
#include "strata/util.h"

#define N 10000000

static uint64_t rng = 88172645463325252ULL;

static double
urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) * (1.0 / 9007199254740992.0);
}

static double
gauss(void)
{
	double s = 0;
	for (int i = 0; i < 12; i++)
		s += urand();
	return s - 6;
}

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void
run(const char *what, const st_time *ts, const double *v, size_t len, const struct st_detect_opts *o)
{
	struct st_anomaly a[8];
	size_t found = 0;
	double t0 = now();
	for (size_t off = 0; off + len <= N; off += len)
		found += st_detect_series(ts ? ts + off : NULL, v + off, len, o, a, ST_ARRAY_LEN(a));
	double t = now() - t0;
	printf("%-28s %-8zu %7.3f s %7.1f ns/point %8zu found\n", what, len, t, t * 1e9 / N, found);
}

int
main(void)
{
	static const size_t lens[] = {100000, 10000, 1000, 200, 60, 7};
	double *v = st_xmalloc(N * sizeof *v);
	st_time *ts = st_xmalloc(N * sizeof *ts);
	for (size_t i = 0; i < N; i++) {
		v[i] = 100 + 5 * gauss() + ((i / 50000) % 3 == 1 ? 30 : 0) + (i % 7919 == 0 ? 80 : 0);
		ts[i] = (st_time)1700000000 * ST_USEC + (st_time)i * 15 * ST_USEC;
	}
	printf("%-28s %-8s %9s %15s %14s\n", "series", "points", "time", "per point", "anomalies");
	for (size_t i = 0; i < ST_ARRAY_LEN(lens); i++)
		run("values", NULL, v, lens[i], NULL);

	for (size_t i = 0; i < N; i += 1000)
		v[i] = NAN;
	run("values, NaN every 1000th", NULL, v, 100000, NULL);
	run("values, NaN every 1000th", NULL, v, 1000, NULL);

	double c = 0;
	for (size_t i = 0; i < N; i++) {
		c += 1500 + 100 * gauss();
		v[i] = c;
	}
	struct st_detect_opts o = {.cumulative = true};
	run("counter (rates), with times", ts, v, 100000, &o);
	run("counter (rates), with times", ts, v, 1000, &o);
	free(v);
	free(ts);
	return 0;
}
