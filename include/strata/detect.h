/*
 * detect.h: anomaly detectors for one metric series: level shifts, spikes
 * and dips, values frozen after a period of variation, a series that goes
 * to zero, goes NaN, or stops. The hint engine runs them over the series
 * of series.h and ranks what they find as evidence.
 *
 * Input: parallel arrays, times (optional) and values, in time order.
 * Non-finite values (NaN, +-Inf) are skipped for levels and tests; a run
 * of them at the end is reported as ST_ANOM_NAN. With opts->cumulative
 * the values are a counter's: the detectors read its per-second rate
 * between consecutive finite points (per point when there are no times),
 * a drop being a reset as in series.h, so a counter that stops counting
 * is a rate that goes to zero (ST_ANOM_ZERO). Every value reported
 * (before, after, last_before, first_after) is then a rate.
 *
 * Two methods, by the number of finite points (rates) m:
 *
 *   short (min_points <= m <= 60, e.g. seven daily values): the best
 *     single split of the series into two levels, tested as two means
 *     with a pooled within-segment variance (a t statistic), or, when the
 *     segments share a clear slope (from 10 points), as a step on top of
 *     that trend (and of its logarithm, for growth by a percentage a day):
 *     organic growth is a trend, not a shift. Spikes and dips by
 *     leave-one-out median/MAD (after removing a robust slope from 10
 *     points; against the 15 nearest points in longer series). The last
 *     point alone far off is a shift with weak evidence (ST_ANOM_F_LAST).
 *   long (m > 60): a robust noise scale from first differences; spikes
 *     against a rolling median of 9 points; level shifts from a windowed
 *     step statistic at 4 scales (4, 16, 64, 256 points per window) that
 *     is blind to linear and quadratic trends (a third difference of
 *     window means), kept only when the narrower scale sees the same step
 *     (a step is sharp; a daily pattern is smooth), its onset placed by
 *     the best split of the local window (the first point of the new
 *     level, not where it was noticed). A shift up and back (or down and
 *     back) within a quarter of the series is one spike (dip); a shift in
 *     the last 1 to 4 points is tested on its own (ST_ANOM_F_LAST).
 *
 * Both: spikes and dips that recur at a regular spacing (4 or more: the
 * weekends of daily values, a nightly batch) are the series' pattern and
 * are not reported. FROZEN: the same exact value repeated at the end after
 * the series varied, judged by how likely an exact repeat was before (a
 * 5-digit count repeated is telling, a small gauge repeated is not); ZERO:
 * the same for zero, a series with activity that goes to zero and stays;
 * NAN; and STOPPED (with times, opts->now and at least 8 points: no point
 * for more than 3x the usual interval).
 *
 * Strength 0..1 says how sure and how sharp: the significance of the test
 * (t or z, mapped so that a value one would see by chance in noise gives
 * < 0.3), times a factor for the size of the change (0.5 at min_change,
 * 1 from 1.5 min_change). Shifts, spikes, FROZEN and ZERO below 0.3 are not
 * reported: noise, ramps and daily patterns give nothing, or next to it.
 *
 * Ownership and cost: nothing is kept between calls and no pointer to the
 * input is retained; out is the caller's. A call is O(n): about 36 ns a
 * point for long series (10^5 points: 3.6 ms), 60 ns at 1000 points,
 * 0.45 us for 7 points, 7 us for 60 (bench/detect-bench.c, -O2: 10^7
 * points in 0.36 to 0.6 s, but for series of 60). It uses about 130 KB of
 * stack and allocates nothing for n <= 4096; beyond that one scratch
 * allocation of 8 to 20 bytes a point (st_xmalloc), freed before it
 * returns. n must be below 2^32.
 */
#ifndef STRATA_DETECT_H
#define STRATA_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"

enum st_anom_type {
	ST_ANOM_SHIFT_DOWN = 1, /* level shift down (a drop that stays): revenue 3.2M -> 0.29M */
	ST_ANOM_SHIFT_UP,       /* level shift up that stays */
	ST_ANOM_SPIKE,          /* one point or a short run far above the level, then back */
	ST_ANOM_DIP,            /* the same, below */
	ST_ANOM_FROZEN,         /* the same exact value repeated >= 2 times after a period where it varied */
	ST_ANOM_STOPPED,        /* samples stop: no point for > 3x the usual interval before `now` */
	ST_ANOM_NAN,            /* the series goes NaN (or +-Inf) after finite values, or is NaN in its only points */
	ST_ANOM_ZERO,           /* a series with activity goes to zero and stays */
};

enum {
	/* A shift whose new regime is only the last point (long series: the
	 * last 1 to 4): it may as well be a spike or dip that has not come
	 * back yet. Its strength is capped (0.6 for one point, 0.75 for two,
	 * 0.85 for three, 0.9 for four). */
	ST_ANOM_F_LAST = 1 << 0,
	/* A shift reported with a FROZEN or ZERO run (the frozen value is far
	 * from the level before), from fewer points than the split test needs. */
	ST_ANOM_F_FROZEN = 1 << 1,
};

/*
 * One anomaly. Indexes are into the caller's arrays (NaN points count).
 * Per type:
 *   SHIFT_*      at: the first point of the new level; end: the next shift
 *                or n; before/after: medians (of at most 64 points on each
 *                side, not crossing another shift), or for a short series
 *                with a trend, the trend's level just before and after
 *   SPIKE, DIP   at..end: the run; before: the level around it; after: the
 *                run's extreme value
 *   FROZEN, ZERO at: the first point of the run of equal values (or zeros);
 *                end: after its last point; after: the value
 *   NAN          at: the first non-finite point of the final run (0 when the
 *                series has no finite value at all); end: n; after and
 *                first_after: that value; change: NaN
 *   STOPPED      at = end = n; after, first_after, change: NaN
 */
struct st_anomaly {
	uint8_t type;        /* enum st_anom_type */
	uint8_t flags;       /* ST_ANOM_F_* */
	size_t at;           /* index of the first point of the anomaly (the new regime's first point) */
	size_t end;          /* index after its last point (n for a shift that lasts to the end) */
	double before;       /* the typical level before (median of the points before `at`, or of the window) */
	double after;        /* the typical level from `at` (median), or the spike's extreme value, or the frozen value */
	double last_before;  /* the last finite value before `at` (the last normal point), NaN if none */
	double first_after;  /* the value at `at` */
	double change;       /* relative change (after-before)/|before|, e.g. -0.91; +-INFINITY when before is 0 */
	double strength;     /* 0..1: how sure and how sharp (significance of the split / distance in MADs, mapped to 0..1) */
};

struct st_detect_opts {
	double min_change;   /* relative change below which no shift/spike is reported (default 0.2 when 0) */
	size_t min_points;   /* for shifts and spikes; default 4, and never fewer (FROZEN, ZERO and NAN
	                      * may fire with fewer: 142918 14293 14293 is frozen) */
	st_time now;         /* for STOPPED: the end of the data (0: the last point's time, never stopped) */
	bool integer_valued; /* values are counts (events per interval): they vary at least as Poisson
	                      * counts do, and frozen exact repeats are telling. Integers are noticed
	                      * without it (known to +-0.5 at best), but a gauge's 1 -> 0 is news
	                      * while a count's 1 -> 0 is not */
	bool cumulative;     /* values are a counter's (series.h's cumulative): detect on its rate */
};

/*
 * Detect anomalies in one series given as parallel arrays (time order; ts
 * may be NULL for index order; o may be NULL for the defaults). Writes at
 * most max anomalies to out, strongest first (then by position); returns
 * how many it found (may be > max; at most 64 are ranked, the strongest).
 */
size_t st_detect_series(const st_time *ts, const double *v, size_t n, const struct st_detect_opts *o,
                        struct st_anomaly *out, size_t max);

/* The type's name: "shift_down", "shift_up", "spike", "dip", "frozen",
 * "stopped", "nan", "zero"; "?" for anything else. */
const char *st_anom_name(unsigned type);

#endif
