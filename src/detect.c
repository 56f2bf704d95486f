/*
 * detect.c: anomaly detectors for one metric series (see detect.h).
 *
 * Data flow of st_detect_series:
 *
 *   v[0..n)      the caller's values; a first pass counts the finite ones
 *                and reports a final non-finite run (NAN)
 *   x[0..m)      the analysed points: the finite values (v itself when all
 *                are finite), or a counter's rates; idx[j] is the caller's
 *                index of x[j] (NULL: the same)
 *   P[0..m]      long series only: prefix sums of the cleaned values (each
 *                value pulled to within 3 noise scales of its rolling
 *                median, minus a reference level), so that the mean of any
 *                window costs two loads
 *   list[]       what was found, at most LIST_MAX, the strongest kept;
 *                sorted and copied out at the end
 *
 * Workload: the hint engine runs this over every series of a run: from a
 * few thousand series of 2 to 60 points (daily values, a dump's scrapes) to
 * a few long ones (a live source, a Prometheus range query: 10^5 points).
 * The long path is a handful of sequential passes: about 36 ns a point
 * (the rolling median most of it); a short series costs 0.5 to 7 us.
 *
 * No libm calls: the three functions needed (ln, e^-x, sqrt) are a few
 * lines each here, so the detectors link wherever the core does, and
 * significance is mostly kept as squared statistics (z^2, t^2).
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "strata/detect.h"
#include "strata/util.h"

#define SHORT_MAX 60     /* more analysed points than this: the long method */
#define LIST_MAX 64      /* anomalies ranked per call */
#define MIN_STRENGTH 0.3 /* below it, shifts, spikes, FROZEN and ZERO are not reported */
#define LEVEL_W 64       /* points in a level's median */
#define SAMPLE_MAX 511   /* points sampled for a robust scale */
#define CAND_MAX 128     /* shift candidates kept (the strongest) */
#define LOG_MAX 512      /* spikes of a long series checked for recurrence */
#define STACK_DOUBLES 10250 /* 82 KB: P, x and idx of 4096 points */
#define HALF 4           /* the rolling median spans 2 * HALF + 1 points */
#define SPIKE_RUN 4      /* the longest run the rolling median can single out */
#define Z_SPIKE 5.5      /* |x - rolling median| in noise scales to flag a point */
#define Z0_SPIKE 7.5     /* the z of a spike that gives strength 0.5 (long series): 0.3 at 6 */
#define Z_LOG 3.5        /* the same, to log a point as a possible member of a pattern */
#define Z_CAND 5.0       /* window step statistic to make a shift candidate */
#define Z0_LONG 6.0      /* the z that gives strength 0.5 (long series) */
#define CLEAN_Z 3.0      /* cleaned values stay within this many scales of the median */

#define MAD_SIGMA 1.4826       /* MAD to standard deviation, Gaussian */
#define DIFF_MAD_SIGMA 1.0484  /* median |x[j] - x[j-1]| to sigma: 1.4826 / sqrt(2) */
#define DIFF_MEAN_SIGMA 0.8862 /* mean |x[j] - x[j-1]| to sigma: sqrt(pi) / 2 */
#define LN2 0.69314718055994531
#define LN10 2.30258509299404568

/* ---- small numerics ---------------------------------------------------- */

/* Natural logarithm of a positive finite x, to about 1e-9. */
static double
ln_pos(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	int e = (int)((b >> 52) & 0x7ff) - 1023;
	if (e == -1023)
		return -745.0; /* subnormal: as good as zero here */
	b = (b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
	double f;
	memcpy(&f, &b, sizeof f);
	if (f > 1.4142135623730951) {
		f *= 0.5;
		e++;
	}
	/* ln f = 2 atanh(y), |y| <= 0.172: five terms reach 1e-9 */
	double y = (f - 1) / (f + 1), y2 = y * y;
	double s = y * (2 + y2 * (2.0 / 3 + y2 * (2.0 / 5 + y2 * (2.0 / 7 + y2 * (2.0 / 9)))));
	return e * LN2 + s;
}

/* Square root of x >= 0 (Newton from a halved exponent: 6 steps). */
static double
sqrt_pos(double x)
{
	if (!(x > 0) || isinf(x))
		return x > 0 ? x : 0;
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	b = (b >> 1) + 0x1ff8000000000000ULL;
	double r;
	memcpy(&r, &b, sizeof r);
	for (int i = 0; i < 6; i++)
		r = 0.5 * (r + x / r);
	return r;
}

/* e^-x for x >= 0, to about 1e-12. */
static double
exp_neg(double x)
{
	if (!(x > 0))
		return 1;
	if (x > 745)
		return 0;
	int k = (int)(x / LN2);
	double r = x - k * LN2, t = 1, s = 1;
	for (int i = 1; i < 16; i++) {
		t *= -r / i;
		s += t;
	}
	while (k-- > 0)
		s *= 0.5;
	return s;
}

/* The k-th smallest of a[0..n) (Wirth's selection; reorders a). */
static double
select_k(double *a, size_t n, size_t k)
{
	ptrdiff_t l = 0, r = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	while (l < r) {
		double p = a[kk];
		ptrdiff_t i = l, j = r;
		do {
			while (a[i] < p)
				i++;
			while (p < a[j])
				j--;
			if (i <= j) {
				double t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return a[kk];
}

/* Median of a[0..n) (reorders a); NaN when empty. */
static double
median_of(double *a, size_t n)
{
	if (n == 0)
		return NAN;
	double hi = select_k(a, n, n / 2);
	if (n & 1)
		return hi;
	/* after the selection a[0..n/2) holds the smaller half */
	double lo = a[0];
	for (size_t i = 1; i < n / 2; i++)
		if (a[i] > lo)
			lo = a[i];
	return (lo + hi) / 2;
}

/* Median of x[lo..hi), at most LEVEL_W points (the caller bounds it). */
static double
range_median(const double *x, size_t lo, size_t hi)
{
	double buf[LEVEL_W];
	size_t k = 0;
	for (size_t j = lo; j < hi && k < LEVEL_W; j++)
		buf[k++] = x[j];
	return median_of(buf, k);
}

static double
rel_change(double before, double after)
{
	if (before == 0)
		return after == 0 ? 0 : after > 0 ? INFINITY : -INFINITY;
	return (after - before) / fabs(before);
}

/*
 * Significance to 0..1: z^4 / (z^4 + z0^4), from z2 = z^2. z0 is where it
 * gives 0.5; half of z0 gives 0.06, twice z0 gives 0.94. A steep curve:
 * what noise gives by chance stays low, what is clear is near 1.
 */
static double
sig_strength(double z2, double z0)
{
	if (!(z2 > 0))
		return 0;
	if (z2 > 1e100)
		return 1;
	double a = z2 * z2, b = z0 * z0 * z0 * z0;
	return a / (a + b);
}

/* Size to 0..1: 0 below min_change, 0.5 at it, 1 from 1.5 times it. */
static double
size_strength(double change, double mc)
{
	double c = fabs(change);
	if (isnan(c) || c < mc)
		return 0;
	double s = 0.5 + (c - mc) / mc;
	return s > 1 ? 1 : s;
}

/*
 * Two-sided 99.9% points of Student's t by degrees of freedom: the t of
 * a split that gives strength 0.5. So strict because the best of up to
 * 57 splits is taken, and a few points prove little (dof 2: t 31.6).
 */
static double
t_half(size_t dof)
{
	static const double t999[31] = {
		0,     636.62, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587,
		4.437, 4.318,  4.221,  4.140,  4.073, 4.015, 3.965, 3.922, 3.883, 3.850, 3.819,
		3.792, 3.768,  3.745,  3.725,  3.707, 3.690, 3.674, 3.659, 3.646,
	};
	if (dof == 0)
		return INFINITY;
	if (dof <= 30)
		return t999[dof];
	return dof <= 40 ? 3.551 : 3.460;
}

/* ---- the call's state ---------------------------------------------------- */

struct det {
	const st_time *ts;
	const double *v;
	size_t n;
	double mc;         /* min_change */
	size_t mp;         /* min_points */
	st_time now;
	bool integral;     /* every value an integer (or counts) */
	bool counts;       /* the caller says counts: at least Poisson noise */
	bool cumulative;
	const double *x;   /* the analysed points */
	const uint32_t *idx;
	size_t m;
	size_t nlist, found;
	/* FROZEN or ZERO found: where its run starts, its strength */
	bool frozen;
	size_t frozen_p;
	double frozen_s;
	struct st_anomaly list[LIST_MAX]; /* last: not cleared */
};

static size_t
at_of(const struct det *d, size_t j)
{
	return d->idx ? d->idx[j] : j;
}

/* The caller's index after analysed point j (the end of a run ending at j). */
static size_t
end_of(const struct det *d, size_t j)
{
	return at_of(d, j) + 1;
}

static void
emit(struct det *d, uint8_t type, uint8_t flags, size_t at, size_t end, double before, double after,
     double last_before, double first_after, double change, double strength)
{
	struct st_anomaly a = {
		.type = type,
		.flags = flags,
		.at = at,
		.end = end,
		.before = before,
		.after = after,
		.last_before = last_before,
		.first_after = first_after,
		.change = change,
		.strength = strength > 1 ? 1 : strength,
	};
	d->found++;
	if (d->nlist < LIST_MAX) {
		d->list[d->nlist++] = a;
		return;
	}
	size_t w = 0;
	for (size_t i = 1; i < LIST_MAX; i++)
		if (d->list[i].strength < d->list[w].strength)
			w = i;
	if (a.strength > d->list[w].strength)
		d->list[w] = a;
}

static bool
has_shift_at(const struct det *d, size_t at)
{
	for (size_t i = 0; i < d->nlist; i++)
		if ((d->list[i].type == ST_ANOM_SHIFT_DOWN || d->list[i].type == ST_ANOM_SHIFT_UP) &&
		    d->list[i].at == at)
			return true;
	return false;
}

/* a - b in microseconds, false when either is untimed or it overflows. */
static bool
tdiff(st_time a, st_time b, st_time *out)
{
	if (a == ST_TIME_NONE || b == ST_TIME_NONE)
		return false;
	return !__builtin_sub_overflow(a, b, out);
}

/* ---- NAN, STOPPED, FROZEN and ZERO --------------------------------------- */

/*
 * The series ends in non-finite values from t0 (v[t0 - 1] is finite).
 * Sure when it never did that before; a series that was NaN now and then
 * tells less, and one point less than two.
 */
static void
nan_tail(struct det *d, size_t t0, size_t nfin)
{
	double buf[LEVEL_W];
	size_t k = 0;
	for (size_t i = t0; i > 0 && k < LEVEL_W; i--)
		if (isfinite(d->v[i - 1]))
			buf[k++] = d->v[i - 1];
	double f = (double)(t0 - nfin) / (double)t0;
	double s = (d->n - t0 >= 2 ? 1.0 : 0.7) * (1 - f);
	emit(d, ST_ANOM_NAN, 0, t0, d->n, median_of(buf, k), d->v[t0], d->v[t0 - 1], d->v[t0], NAN, s);
}

/*
 * No point for more than 3 usual intervals before now. The usual interval
 * is the median of the last 255 positive ones (a source's cadence may
 * change; the recent one is what "stopped" is measured against).
 * Strength 1 - (3/r)^2 for a gap of r intervals: 0.44 at 4, 0.91 at 10.
 */
static void
stopped(struct det *d)
{
	const st_time *ts = d->ts;
	size_t n = d->n;
	double buf[255];
	size_t k = 0;
	for (size_t i = n - 1; i > 0 && k < 255; i--) {
		st_time dt;
		if (tdiff(ts[i], ts[i - 1], &dt) && dt > 0)
			buf[k++] = (double)dt;
	}
	st_time gap;
	if (k < 4 || !tdiff(d->now, ts[n - 1], &gap) || gap <= 0)
		return;
	double usual = median_of(buf, k);
	double r = (double)gap / usual;
	if (!(r > 3))
		return;
	double before = NAN, last = NAN;
	if (d->m > 0) {
		size_t lo = d->m > LEVEL_W ? d->m - LEVEL_W : 0;
		before = range_median(d->x, lo, d->m);
		last = d->x[d->m - 1];
	}
	emit(d, ST_ANOM_STOPPED, 0, n, n, before, NAN, last, NAN, NAN, 1 - 9 / (r * r));
}

/* Strength of a run that chance would give with probability e^lnc:
 * 0 from 5%, 0.47 at 1%, 1 from 0.15%. */
static double
chance_strength(double lnc)
{
	double s = (-lnc / LN10 - 1.3) / 1.5;
	return s < 0 ? 0 : s > 1 ? 1 : s;
}

/*
 * The final run of equal values x[p..m), r >= 2 points, after points that
 * differ. How telling it is depends on how likely an exact repeat was:
 *
 *   ZERO:   the share of zeros before (z zeros of p: (z + 0.5) / (p + 1);
 *           for integers that vary, at least e^-mean, a Poisson count's
 *           chance of zero at the mean of all), to the power r: a series
 *           with activity that goes to zero
 *   FROZEN: the chance that a value repeats exactly, to the power r - 1:
 *           - counts: about 1 / (1 + s) for run-to-run variation s (the
 *             median |difference| before; with one point before, 5% of
 *             the value, what the records of a nightly job vary by: a
 *             5-digit count repeating is telling, 3 4 3 3 is not);
 *           - other values: 1 / (1 + s / resolution), the resolution being
 *             the smallest non-zero step seen (from 3 steps; 5% before);
 *           - and at least the share of repeats seen before (3+ pairs).
 *           A run after values that were all equal is a step between two
 *           constants, not a freeze (a config value changed).
 */
static void
frozen(struct det *d)
{
	const double *x = d->x;
	size_t m = d->m;
	if (m < 3)
		return;
	double u = x[m - 1];
	size_t r = 1;
	while (r < m && x[m - 1 - r] == u)
		r++;
	size_t p = m - r;
	if (r < 2 || p == 0)
		return;
	uint8_t type;
	double lnc;
	if (u == 0) {
		size_t z = 0;
		double sum = 0;
		bool varied = false;
		for (size_t j = 0; j < p; j++) {
			z += x[j] == 0;
			sum += fabs(x[j]);
			varied |= x[j] != x[0];
		}
		double q = (z + 0.5) / (p + 1.0);
		/* counts that vary around a small mean hit zero by chance: e^-mean
		 * for Poisson counts, the mean of all points (zeros included: the
		 * rate if nothing changed). A constant 1 dropping to 0 is news;
		 * one point before tells nothing of how it varies. */
		double e0 = exp_neg(sum / (double)m);
		if (d->integral && (varied || p < 3) && e0 > q)
			q = e0;
		lnc = (double)r * ln_pos(q);
		type = ST_ANOM_ZERO;
	} else {
		size_t eq = 0, nb = 0;
		bool varied = p == 1;
		double buf[LEVEL_W], step = INFINITY;
		for (size_t j = 1; j < p; j++) {
			varied |= x[j] != x[0];
			eq += x[j] == x[j - 1];
		}
		if (!varied)
			return;
		for (size_t j = p - 1; j > 0 && nb < LEVEL_W; j--) {
			double dd = fabs(x[j] - x[j - 1]);
			buf[nb++] = dd;
			if (dd > 0 && dd < step)
				step = dd;
		}
		size_t pairs = p - 1;
		double q;
		if (pairs == 0) {
			q = d->integral ? 1 / (1 + 0.05 * fabs(u)) : 0.05;
		} else {
			double s = median_of(buf, nb);
			if (d->integral)
				q = 1 / (1 + s);
			else if (pairs >= 3)
				q = isinf(step) ? 1 : 1 / (1 + s / step);
			else
				q = s == 0 ? 1 : 0.05;
		}
		if (pairs >= 3) {
			double seen = (eq + 0.5) / (pairs + 1.0);
			if (seen > q)
				q = seen;
		}
		lnc = (double)(r - 1) * ln_pos(q);
		type = ST_ANOM_FROZEN;
	}
	double s = chance_strength(lnc);
	if (s < MIN_STRENGTH)
		return;
	double before = range_median(x, p > LEVEL_W ? p - LEVEL_W : 0, p);
	emit(d, type, 0, at_of(d, p), end_of(d, m - 1), before, u, x[p - 1], u, rel_change(before, u), s);
	d->frozen = true;
	d->frozen_p = p;
	d->frozen_s = s;
}

/*
 * A frozen or zero run far from the level before is also a shift: report
 * it when the split tests did not (too few points, or only one before).
 * Capped: 0.6 from one or two points before, 0.8 from more.
 */
static void
frozen_shift(struct det *d)
{
	if (!d->frozen)
		return;
	size_t p = d->frozen_p, at = at_of(d, p);
	if (has_shift_at(d, at))
		return;
	const double *x = d->x;
	double before = range_median(x, p > LEVEL_W ? p - LEVEL_W : 0, p), u = x[d->m - 1];
	double ch = rel_change(before, u);
	double cap = p >= 3 ? 0.8 : 0.6;
	double s = (d->frozen_s < cap ? d->frozen_s : cap) * size_strength(ch, d->mc);
	if (s < MIN_STRENGTH)
		return;
	emit(d, u < before ? ST_ANOM_SHIFT_DOWN : ST_ANOM_SHIFT_UP, ST_ANOM_F_FROZEN, at, d->n, before, u,
	     x[p - 1], u, ch, s);
}

/* ---- short series --------------------------------------------------------- */

/* Points a short series' spike is measured against: all of a segment of up
 * to LOCAL points, else the LOCAL nearest (a curve is a line that close). */
#define LOCAL 15

/*
 * Point j of x[0..len) against the others of [wlo, whi) (leave one out):
 * their median and MAD after removing a robust slope (Theil-Sen, from 10
 * points: from fewer, a slope that five noisy points happen to show makes
 * the sixth an outlier), so a ramp's ends are not outliers. *lvl: the
 * level at j (the median carried to j by the slope); returns the robust z
 * of x[j], with a scale of at least scale_min.
 *
 * The MAD of a handful of points is often small by chance, so the scale
 * is at least their standard deviation (from 10 others, without the
 * farthest when it is more than 5 MADs out: a second spike). Integers
 * that vary are known to +-0.5 at best (and their MAD is often 0: the
 * standard deviation matters there); counts (opts->integer_valued) are at
 * least as noisy as Poisson counts: sqrt(mean + 0.25) (a
 * Poisson(0.5) count of 4 is not a spike). Six or more others that do not
 * vary at all give no floor but for counts: a gauge of 1 that drops to 0
 * is news.
 */
static double
loo_z(const struct det *d, const double *x, size_t j, size_t wlo, size_t whi, double scale_min,
      double *lvl)
{
	double buf[LOCAL * (LOCAL - 1) / 2], slope = 0;
	size_t k = 0, w = whi - wlo;
	if (w >= 10) {
		/* Theil-Sen: the median of the slopes between pairs of others at
		 * least w/2 apart (that of consecutive steps is far noisier; close
		 * pairs add little but cost) */
		for (size_t a = wlo; a < whi; a++)
			for (size_t b = a + w / 2; b < whi; b++)
				if (a != j && b != j)
					buf[k++] = (x[b] - x[a]) / (double)(b - a);
		slope = median_of(buf, k);
	}
	double o[SHORT_MAX];
	k = 0;
	for (size_t i = wlo; i < whi; i++)
		if (i != j)
			o[k++] = x[i] - slope * ((double)i - (double)j);
	memcpy(buf, o, k * sizeof *buf);
	double med = median_of(buf, k);
	for (size_t i = 0; i < k; i++)
		buf[i] = fabs(o[i] - med);
	double sd = MAD_SIGMA * median_of(buf, k);
	/* the others but the farthest from their median (from 10 others) */
	size_t far = 0;
	double sum = 0, sum2 = 0, asum = 0;
	bool varies = false;
	for (size_t i = 1; i < k; i++)
		if (fabs(o[i] - med) > fabs(o[far] - med))
			far = i;
	for (size_t i = 0; i < k; i++) {
		varies |= o[i] != o[0];
		asum += fabs(o[i]);
		if (i != far) {
			sum += o[i] - med;
			sum2 += (o[i] - med) * (o[i] - med);
		}
	}
	if (k < 10 || fabs(o[far] - med) <= 5 * sd) {
		/* too few to leave one more out, or none far out */
		sum += o[far] - med;
		sum2 += (o[far] - med) * (o[far] - med);
		far = k;
	}
	double t_sd = 0;
	if (k >= 3) {
		size_t kk = far < k ? k - 1 : k;
		double mean = sum / (double)kk;
		t_sd = sqrt_pos((sum2 - mean * sum) / (double)(kk - 1));
		if (t_sd > sd)
			sd = t_sd;
	}
	if (d->integral && (varies || k < 6 || d->counts)) {
		double t = d->counts ? sqrt_pos(asum / (double)k + 0.25) : 0.5;
		if (t > sd)
			sd = t;
	}
	if (sd < scale_min)
		sd = scale_min;
	if (sd < fabs(x[j]) * 1e-9)
		sd = fabs(x[j]) * 1e-9;
	if (!(sd > 0))
		sd = 1e-300;
	*lvl = med;
	return (x[j] - med) / sd;
}

/* Leave-one-out results for the points of a segment. */
struct sflags {
	double str[SHORT_MAX], lvl[SHORT_MAX];
	int sign[SHORT_MAX];
};

/*
 * Flag the points of x[lo..hi) that stand out by leave-one-out
 * median/MAD: a point is measured against the others, so it cannot hide
 * itself by inflating the scale. Only points that could pass min_change
 * are tried: those at least half of it off the median of their 4 nearest
 * neighbours (most points of most series are not, and the test costs a
 * Theil-Sen slope). Returns false when the segment is too short.
 */
static bool
spike_flags(const struct det *d, size_t lo, size_t hi, struct sflags *f)
{
	const double *x = d->x + lo;
	size_t len = hi - lo;
	if (len < 4 || len < d->mp)
		return false;
	/*
	 * The z that gives 0.5: fewer others, a noisier scale. From a few, the
	 * 99.9% point of Student's t (the others' deviation is estimated),
	 * more as points are tried (x1.19 for 7): 8.2 at 7 points, 36 at 4
	 * (only a point far out from three that agree stands out); at least
	 * 6 + 24 / points under 15 (9 at 8), 6.8 from 15 points. Measured on
	 * Gaussian noise: the robust z of one point of 30 passes 6 once in
	 * 60000, of 8 once in 4000.
	 */
	size_t nw = len < LOCAL ? len : LOCAL;
	double z0 = nw >= LOCAL ? 6.8 : 6 + 24.0 / (double)nw;
	double zt = t_half(nw - 2) * (1 + 0.1 * ln_pos((double)nw));
	if (zt > z0)
		z0 = zt;
	double near[SHORT_MAX], res[SHORT_MAX];
	for (size_t j = 0; j < len; j++) {
		/* the median of the 2 to 4 nearest, by insertion */
		double nb[4];
		size_t k = 0;
		for (size_t i = j > 2 ? j - 2 : 0; i <= j + 2 && i < len; i++) {
			if (i == j)
				continue;
			size_t q = k++;
			while (q > 0 && nb[q - 1] > x[i]) {
				nb[q] = nb[q - 1];
				q--;
			}
			nb[q] = x[i];
		}
		near[j] = k & 1 ? nb[k / 2] : (nb[k / 2 - 1] + nb[k / 2]) / 2;
		res[j] = fabs(x[j] - near[j]);
	}
	/*
	 * The scale of the whole segment, from 8 points: the median distance
	 * to the 4 nearest's median, as a sigma (their median varies too:
	 * 1.4826 / 1.16). The scale from one point's 14 others is often small
	 * by chance (a t with few degrees of freedom); the larger of the two.
	 */
	double scale_min = 0;
	if (len >= 8)
		scale_min = MAD_SIGMA / 1.16 * median_of(res, len);
	for (size_t j = 0; j < len; j++) {
		f->sign[j] = 0;
		f->str[j] = 0;
		f->lvl[j] = x[j];
		if (fabs(x[j] - near[j]) < 0.5 * d->mc * fabs(near[j]))
			continue;
		size_t wlo = j > LOCAL / 2 ? j - LOCAL / 2 : 0;
		if (wlo + nw > len)
			wlo = len - nw;
		double z = loo_z(d, x, j, wlo, wlo + nw, scale_min, &f->lvl[j]);
		f->str[j] = sig_strength(z * z, z0) * size_strength(rel_change(f->lvl[j], x[j]), d->mc);
		f->sign[j] = f->str[j] >= MIN_STRENGTH ? (z > 0 ? 1 : -1) : 0;
	}
	return true;
}

/*
 * The runs of flagged points of x[lo..hi). A run of at most 3 points
 * (fewer than the rest), with a normal point on each side (within half
 * the run's distance from the level: in 100 103 11 10 the 103 stands out
 * from 100 11 10, but it is the old level, not a spike), is a spike or
 * dip. A run at the start is the old level of a shift, longer ones the
 * split test's business; the last point alone far off is a shift with weak
 * evidence (ST_ANOM_F_LAST).
 *
 * With clean, the spikes are also written into clean[] at their level,
 * for the split test; with report, they are reported.
 */
static void
spike_runs(struct det *d, size_t lo, size_t hi, const struct sflags *f, bool report, double *clean)
{
	const double *x = d->x + lo;
	const double *lvl = f->lvl, *str = f->str;
	const int *sign = f->sign;
	size_t len = hi - lo;
	for (size_t a = 0; a < len;) {
		if (sign[a] == 0) {
			a++;
			continue;
		}
		size_t b = a + 1, ext = a;
		double s = str[a];
		while (b < len && sign[b] == sign[a]) {
			if (fabs(x[b] - lvl[b]) > fabs(x[ext] - lvl[ext]))
				ext = b;
			if (str[b] > s)
				s = str[b];
			b++;
		}
		size_t run = b - a;
		double far = fabs(x[ext] - lvl[ext]) / 2;
		bool back = a > 0 && fabs(x[a - 1] - lvl[ext]) <= far;
		bool fwd = b < len && fabs(x[b] - lvl[ext]) <= far;
		if (back && fwd && run <= 3 && run < len - run) {
			for (size_t i = a; clean && i < b; i++)
				clean[lo + i] = lvl[i];
			if (report)
				emit(d, sign[a] > 0 ? ST_ANOM_SPIKE : ST_ANOM_DIP, 0, at_of(d, lo + a),
				     end_of(d, lo + b - 1), lvl[ext], x[ext], x[a - 1], x[a],
				     rel_change(lvl[ext], x[ext]), s);
		} else if (report && back && run == 1 && b == len && hi == d->m) {
			emit(d, sign[a] > 0 ? ST_ANOM_SHIFT_UP : ST_ANOM_SHIFT_DOWN, ST_ANOM_F_LAST,
			     at_of(d, lo + a), d->n, lvl[a], x[a], x[a - 1], x[a], rel_change(lvl[a], x[a]),
			     s < 0.6 ? s : 0.6);
		}
		a = b;
	}
}

static void
short_spikes(struct det *d, size_t lo, size_t hi)
{
	struct sflags f;
	if (spike_flags(d, lo, hi, &f))
		spike_runs(d, lo, hi, &f, true, NULL);
}

struct split {
	size_t k;
	double sig;
	bool trend;           /* tested against a trend: before, after its levels */
	double before, after;
};

/* Prefix sums of a short series minus its median, for O(1) splits. */
struct pfx {
	double ref, s0[SHORT_MAX + 1], s1[SHORT_MAX + 1], s2[SHORT_MAX + 1];
	double var_floor; /* integers are known to +-0.5 at best: 1/12; counts
	                   * vary at least as Poisson counts: their mean */
};

static void
pfx_init(struct pfx *p, const double *y, size_t m)
{
	double buf[SHORT_MAX];
	memcpy(buf, y, m * sizeof *buf);
	p->ref = median_of(buf, m);
	p->s0[0] = p->s1[0] = p->s2[0] = 0;
	for (size_t j = 0; j < m; j++) {
		double c = y[j] - p->ref;
		p->s0[j + 1] = p->s0[j] + c;
		p->s1[j + 1] = p->s1[j] + c * (double)j;
		p->s2[j + 1] = p->s2[j] + c * c;
	}
}

/* What the split at k gives: the level test's t^2 (two means, pooled
 * variance) and the trend test's (y = a + b i + c [i >= k], computed from
 * 6 points), the slope's t^2 in it, the means, and the step c against the
 * trend's level at k - 1. */
struct split_st {
	double t2, tt2, tb2, mean1, mean2, c, lvl;
};

static void
split_at(const struct pfx *p, size_t m, size_t k, struct split_st *o)
{
	double n1 = (double)k, n2 = (double)(m - k);
	double sum1 = p->s0[k], sum2 = p->s0[m] - p->s0[k];
	double mean1 = sum1 / n1, mean2 = sum2 / n2, diff = mean2 - mean1;
	double ss = (p->s2[k] - sum1 * mean1) + (p->s2[m] - p->s2[k] - sum2 * mean2);
	if (ss < 0)
		ss = 0;
	double s2 = ss / (double)(m - 2);
	if (s2 < p->var_floor)
		s2 = p->var_floor;
	double se2 = s2 * (1 / n1 + 1 / n2);
	o->t2 = se2 > 0 ? diff * diff / se2 : diff != 0 ? INFINITY : 0;
	o->mean1 = p->ref + mean1;
	o->mean2 = p->ref + mean2;
	o->tt2 = o->tb2 = 0;
	o->c = diff;
	o->lvl = o->mean1;
	if (m < 6)
		return;
	double i1 = (n1 - 1) / 2, i2 = (double)k + (n2 - 1) / 2;
	double sxx = n1 * (n1 * n1 - 1) / 12 + n2 * (n2 * n2 - 1) / 12;
	double sxy = (p->s1[k] - i1 * sum1) + (p->s1[m] - p->s1[k] - i2 * sum2);
	double b = sxy / sxx, c = diff - b * (i2 - i1);
	double ssr = ss - b * sxy;
	if (ssr < 0)
		ssr = 0;
	double s3 = ssr / (double)(m - 3);
	if (s3 < p->var_floor)
		s3 = p->var_floor;
	double var = s3 * (1 / n1 + 1 / n2 + (i2 - i1) * (i2 - i1) / sxx);
	o->tt2 = var > 0 ? c * c / var : c != 0 ? INFINITY : 0;
	o->tb2 = s3 > 0 ? b * b * sxx / s3 : b != 0 ? INFINITY : 0;
	o->c = c;
	o->lvl = o->mean1 + b * ((double)k - 1 - i1);
}

/*
 * The best single split of y[0..m) into [0, k) and [k, m), both of 2 or
 * more points, as the strength it would get. A split is tested as
 *   level: two means, pooled within-segment variance, t with m - 2 dof;
 *   trend: when the segments share a clear slope (from 10 points, its
 *          t in y = a + b i + c [i >= k] beyond Student's 99.9%), the
 *          step c on top of it, with m - 3 dof, against the trend's level:
 *          a ramp has no step, so organic growth gives nothing. When every
 *          value is positive, the same again on their logarithms (growth
 *          by a percentage a day is a curve; only its logarithm is a
 *          line), and the weaker counts.
 * Without a clear slope the level test alone: a trend test on 7 points
 * spends its power on a slope that is not there (and growth over 7 days
 * is rarely min_change between two halves). A split needs 2 points on
 * each side: the last point alone is spike_runs' (a shift with weak
 * evidence).
 */
static bool
short_split(struct det *d, const double *y, struct split *best)
{
	size_t m = d->m;
	struct pfx lin, lg;
	pfx_init(&lin, y, m);
	lin.var_floor = d->integral ? 1.0 / 12 : 0;
	if (d->counts) {
		double sum = 0;
		for (size_t j = 0; j < m; j++)
			sum += fabs(y[j]);
		if (sum / (double)m > lin.var_floor)
			lin.var_floor = sum / (double)m;
	}
	bool logs = m >= 6;
	for (size_t j = 0; j < m && logs; j++)
		logs = y[j] > 0;
	if (logs) {
		double ly[SHORT_MAX];
		for (size_t j = 0; j < m; j++)
			ly[j] = ln_pos(y[j]);
		pfx_init(&lg, ly, m);
		lg.var_floor = 0;
	}
	/* min_change as a step of the logarithm */
	double up = ln_pos(1 + d->mc), down = d->mc < 1 ? ln_pos(1 - d->mc) : -INFINITY;
	/* the best of m - 3 splits is taken: ask more of it as they grow
	 * (x1.14 for 4 splits, x1.33 for 27) */
	double mult = 1 + 0.1 * ln_pos((double)(m - 3));
	double tl = t_half(m - 2) * mult, tt = t_half(m - 3) * mult;
	/* a slope as sure as a step must be to count (99.9%: 4.8 with 7 dof,
	 * 3.7 with 27), and from 10 points: in 7, five that happen to rise
	 * then two lower look like a step on a trend */
	double tslope = t_half(m - 3) * t_half(m - 3);
	double best_score = 0;
	*best = (struct split){.k = 0};
	for (size_t k = 2; k + 2 <= m; k++) {
		struct split_st st;
		split_at(&lin, m, k, &st);
		bool trend = m >= 10 && st.tb2 >= tslope;
		double sig, b4, af;
		if (!trend) {
			sig = sig_strength(st.t2, tl);
			b4 = st.mean1;
			af = st.mean2;
		} else {
			sig = sig_strength(st.tt2, tt);
			b4 = st.lvl;
			af = st.lvl + st.c;
			if (logs) {
				struct split_st sl;
				split_at(&lg, m, k, &sl);
				double s2 = sig_strength(sl.tt2, tt);
				sig = s2 < sig ? s2 : sig;
				if (sl.c < up && sl.c > down)
					sig = 0;
			}
		}
		double score = sig * size_strength(rel_change(b4, af), d->mc);
		if (score > best_score) {
			best_score = score;
			*best = (struct split){.k = k, .sig = sig, .trend = trend, .before = b4, .after = af};
		}
	}
	return best_score > 0;
}

static void
short_path(struct det *d)
{
	size_t m = d->m;
	const double *x = d->x;
	double y[SHORT_MAX], buf[SHORT_MAX];
	memcpy(y, x, m * sizeof *y);
	/* isolated spikes would inflate a segment's variance: test on y without them */
	struct sflags f;
	bool flags = spike_flags(d, 0, m, &f);
	if (flags)
		spike_runs(d, 0, m, &f, false, y);
	struct split sp;
	if (short_split(d, y, &sp)) {
		size_t k = sp.k;
		double before = sp.before, after = sp.after;
		if (!sp.trend) {
			memcpy(buf, x, k * sizeof *buf);
			before = median_of(buf, k);
			memcpy(buf, x + k, (m - k) * sizeof *buf);
			after = median_of(buf, m - k);
		}
		double ch = rel_change(before, after);
		double s = sp.sig * size_strength(ch, d->mc);
		if (s >= MIN_STRENGTH) {
			emit(d, after < before ? ST_ANOM_SHIFT_DOWN : ST_ANOM_SHIFT_UP, 0, at_of(d, k), d->n,
			     before, after, x[k - 1], x[k], ch, s);
			short_spikes(d, 0, k);
			short_spikes(d, k, m);
			return;
		}
	}
	if (flags)
		spike_runs(d, 0, m, &f, true, NULL);
}

/* ---- recurring spikes ---------------------------------------------------------- */

static bool
near_spacing(size_t sp, size_t want)
{
	size_t tol = want / 24 > 1 ? want / 24 : 1;
	return sp + tol >= want && sp <= want + tol;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* The index of an event of at[0..k) (increasing) within tol of pos, or k. */
static size_t
event_near(const size_t *at, size_t k, size_t pos, size_t tol)
{
	size_t lo = 0, hi = k;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (at[mid] + tol < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k && at[lo] <= pos + tol ? lo : k;
}

/* How many events (up to 3) chain from at[i] in one direction: each the
 * period (or twice it: one missed) from the previous. */
static size_t
chain_steps(const size_t *at, size_t k, size_t i, size_t period, bool fwd)
{
	size_t tol = period / 24 > 1 ? period / 24 : 1, n = 0;
	for (; n < 3; n++) {
		size_t pos = at[i], next = k;
		for (size_t mult = 1; mult <= 2 && next == k; mult++) {
			size_t dd = mult * period;
			if (fwd)
				next = event_near(at, k, pos + dd, tol);
			else if (pos >= dd)
				next = event_near(at, k, pos - dd, tol);
		}
		if (next == k || next == i)
			break;
		i = next;
	}
	return n;
}

/*
 * Spikes and dips that come back at a regular spacing (weekends in daily
 * values, a nightly batch) are the series' pattern, not news. Of the
 * positions at[0..k) (increasing, one type, k <= LOG_MAX), mark those in a
 * chain of 4 or more, each the period (or twice it: one missed) after the
 * previous (3 fall into place by chance too often among weak events). The
 * period (*period, 0 if none marked) is the spacing most spacings to the
 * next and the second next event agree with, within 1/24 (a schedule
 * keeps its time: 7 days, 288 five-minute points +-12); the smaller on a
 * tie (the second next of a periodic series is twice it). Other events
 * among them (a real incident) do not break the chain, and stay unmarked
 * themselves. Returns how many were marked.
 */
static size_t
mark_periodic(const size_t *at, size_t k, bool *mark, size_t *period)
{
	for (size_t i = 0; i < k; i++)
		mark[i] = false;
	*period = 0;
	if (k < 3)
		return 0;
	size_t sp[2 * LOG_MAX], ns = 0;
	for (size_t i = 0; i + 1 < k; i++) {
		sp[ns++] = at[i + 1] - at[i];
		if (i + 2 < k)
			sp[ns++] = at[i + 2] - at[i];
	}
	qsort(sp, ns, sizeof sp[0], cmp_size);
	size_t best = 0, sup = 0, lo = 0, hi = 0;
	for (size_t i = 0; i < ns; i++) {
		size_t want = sp[i], tol = want / 24 > 1 ? want / 24 : 1;
		while (sp[lo] + tol < want)
			lo++;
		while (hi < ns && sp[hi] <= want + tol)
			hi++;
		if (hi - lo > sup && want > 0) {
			sup = hi - lo;
			best = want;
		}
	}
	/* a spacing that a few random events share by chance is not a period */
	if (sup < 3 || 8 * sup < ns)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < k; i++)
		if (chain_steps(at, k, i, best, false) + chain_steps(at, k, i, best, true) >= 3) {
			mark[i] = true;
			n++;
		}
	if (n > 0)
		*period = best;
	return n;
}

/* Whether pos continues a chain whose last member was at last. */
static bool
continues(size_t pos, size_t last, size_t period)
{
	return period > 0 && pos > last &&
	       (near_spacing(pos - last, period) || near_spacing(pos - last, 2 * period));
}

/* ---- long series ------------------------------------------------------------ */

/* Spikes and dips the first spike pass found, in order, to find those
 * that recur (the first LOG_MAX of them). */
struct spike_log {
	uint32_t at[LOG_MAX], sa[LOG_MAX], se[LOG_MAX], ext[LOG_MAX]; /* run start; strict points */
	double lvl[LOG_MAX];
	float s[LOG_MAX];
	int8_t sign[LOG_MAX];
	bool periodic[LOG_MAX];
	size_t n, total;
	/* by sign (0 dips, 1 spikes): the period found, and while reporting the
	 * last recurring one (beyond the log, and the tail, continue its chain) */
	size_t period[2], last[2];
	bool last_periodic[2];
};

struct cand {
	size_t j;     /* the step's first point */
	unsigned w;   /* window width (scale) that found it */
	int sign;
	double z2;    /* squared step statistic */
	double before, after, s;
};

struct cands {
	struct cand c[CAND_MAX];
	size_t n;
};

/* Whether the run [a, e) lies within HALF points of a shift of sh[0..n)
 * (sorted): the rolling median straddles the step there, and a point of
 * the new level may look off from a median of the old. */
static bool
near_shift(const struct cand *sh, size_t n, size_t a, size_t e)
{
	for (size_t i = 0; i < n; i++)
		if (sh[i].j + HALF >= a && sh[i].j <= e + HALF)
			return true;
	return false;
}

static void
cand_add(struct cands *cs, const struct cand *c)
{
	if (cs->n < CAND_MAX) {
		cs->c[cs->n++] = *c;
		return;
	}
	size_t w = 0;
	for (size_t i = 1; i < CAND_MAX; i++)
		if (cs->c[i].z2 < cs->c[w].z2)
			w = i;
	if (c->z2 > cs->c[w].z2)
		cs->c[w] = *c;
}

/*
 * The step statistic at j (a step between j - 1 and j) for windows of w
 * points: with the means LL, L, R, RR of [j-2w, j-w), [j-w, j), [j, j+w),
 * [j+w, j+2w), D = 1.5 (R - L) - 0.5 (RR - LL). Its weights (1, -3, 3, -1)/2
 * are a third difference: zero for any line or parabola, so a ramp and
 * the bottom of a daily curve give nothing, while a step of size h gives
 * exactly h at its first point and less on either side. Near an end, where
 * only one outer window fits: from w = 16, one side against the parabola
 * through three windows of the other (R - 3L + 3LL - LLL: curves are wide
 * there), else R - 2L + LL or 2R - L - RR, blind to a line only (at w = 4
 * a curve bends too little to matter). *vf: its variance for unit noise
 * (5/w, 20/w or 6/w). Needs w <= j, j + w <= m, and one outer window
 * (m >= 4w ensures it; m >= 8w the three).
 */
static double
step_stat(const double *P, size_t m, size_t j, size_t w, double *vf)
{
	double fw = (double)w;
	double L = (P[j] - P[j - w]) / fw, R = (P[j + w] - P[j]) / fw;
	bool ll = j >= 2 * w, rr = j + 2 * w <= m;
	if (ll && rr) {
		double LL = (P[j - w] - P[j - 2 * w]) / fw, RR = (P[j + 2 * w] - P[j + w]) / fw;
		*vf = 5 / fw;
		return 1.5 * (R - L) - 0.5 * (RR - LL);
	}
	if (w >= 16 && ll && j >= 3 * w) {
		/* R against the parabola through LLL, LL, L */
		double LL = (P[j - w] - P[j - 2 * w]) / fw, LLL = (P[j - 2 * w] - P[j - 3 * w]) / fw;
		*vf = 20 / fw;
		return R - 3 * L + 3 * LL - LLL;
	}
	if (w >= 16 && rr && j + 3 * w <= m) {
		double RR = (P[j + 2 * w] - P[j + w]) / fw, RRR = (P[j + 3 * w] - P[j + 2 * w]) / fw;
		*vf = 20 / fw;
		return 3 * R - 3 * RR + RRR - L;
	}
	if (ll) {
		double LL = (P[j - w] - P[j - 2 * w]) / fw;
		*vf = 6 / fw;
		return R - 2 * L + LL;
	}
	if (rr) {
		double RR = (P[j + 2 * w] - P[j + w]) / fw;
		*vf = 6 / fw;
		return 2 * R - L - RR;
	}
	*vf = 0;
	return 0;
}

/*
 * The scale of the step statistic at width w: the lower third of |D| over
 * up to SAMPLE_MAX / 2 evenly spread positions, as a Gaussian sigma
 * (/0.4307), and never below what white noise of scale sigma gives.
 * Measured, not assumed, because real series are not white noise: a
 * random walk or a daily curve makes D vary more at wide windows, and a
 * step is judged against that. Positions within 2w of a step the narrower
 * widths found are left out, and of the rest the lower third is used, not
 * the median: a step moves D over 3w positions, from 0 to its size.
 */
static double
step_scale2(const double *P, size_t m, size_t w, double sigma2, const struct cands *cs)
{
	double buf[SAMPLE_MAX / 2];
	size_t span = m - 2 * w + 1, k = 0, nmax = SAMPLE_MAX / 2;
	size_t st = span > nmax ? span / nmax : 1;
	double vf = 5.0 / (double)w;
	for (size_t j = w; j + w <= m && k < nmax; j += st) {
		bool near = false;
		for (size_t i = 0; i < cs->n && !near; i++)
			near = cs->c[i].j + 2 * w > j && j + 2 * w > cs->c[i].j;
		if (near)
			continue;
		double v;
		buf[k++] = fabs(step_stat(P, m, j, w, &v));
	}
	if (k < 16)
		return sigma2;
	double s = select_k(buf, k, k / 3) / 0.4307;
	/* D at nearby positions shares its windows: about one independent
	 * value per 2w points. From few, the measure is itself noisy (1000
	 * points at w = 64: 7, and a ratio to white noise of 3 by chance):
	 * only what it exceeds by 3 / sqrt(n) counts. */
	double neff = (double)span / (double)(2 * w);
	double r = s * s / (sigma2 * vf) / (1 + 3 / sqrt_pos(neff < k ? neff : (double)k));
	return r > 1 ? r * sigma2 : sigma2;
}

/* The best statistic with sign sg near j at width w: the largest sg * D in
 * [j - r, j + r]; *z2: its squared statistic against scale2. */
static size_t
best_near(const double *P, size_t m, size_t j, size_t r, size_t w, int sg, double scale2, double *D,
          double *z2)
{
	size_t lo = j > r ? j - r : 0, hi = j + r, bj = j;
	if (lo < w)
		lo = w;
	double bd = -INFINITY, bvf = 1;
	for (size_t i = lo; i <= hi && i + w <= m; i++) {
		double vf, dd = sg * step_stat(P, m, i, w, &vf);
		if (vf > 0 && dd > bd) {
			bd = dd;
			bj = i;
			bvf = vf;
		}
	}
	*D = sg * bd;
	*z2 = bd > 0 ? bd * bd / (scale2 * bvf) : 0;
	return bj;
}

/*
 * Candidates at width w: the peak of each stretch of positions where
 * |z| >= Z_CAND with one sign, positions taken every w/8 (D is smooth at
 * that scale) and the peak then found point by point.
 */
static void
scan_scale(const double *P, size_t m, unsigned w, double scale2, struct cands *cs)
{
	size_t st = w >= 16 ? w / 8 : 1;
	bool in = false;
	struct cand best = {0};
	double thr = Z_CAND * Z_CAND;
	for (size_t j = w; j + w <= m; j += st) {
		double vf, D = step_stat(P, m, j, w, &vf);
		double z2 = D * D / (scale2 * vf);
		int sg = D > 0 ? 1 : -1;
		if (z2 >= thr && in && sg == best.sign) {
			if (z2 > best.z2) {
				best.j = j;
				best.z2 = z2;
			}
			continue;
		}
		if (in) {
			double dd;
			best.j = best_near(P, m, best.j, st - 1, w, best.sign, scale2, &dd, &best.z2);
			cand_add(cs, &best);
			in = false;
		}
		if (z2 >= thr) {
			in = true;
			best = (struct cand){.j = j, .w = w, .sign = sg, .z2 = z2};
		}
	}
	if (in) {
		double dd;
		best.j = best_near(P, m, best.j, st - 1, w, best.sign, scale2, &dd, &best.z2);
		cand_add(cs, &best);
	}
}

static int
cand_by_scale(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	if (x->z2 != y->z2)
		return x->z2 > y->z2 ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

static int
cand_by_pos(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	return x->j < y->j ? -1 : x->j > y->j;
}

/*
 * Where in [lo, hi) the step is: the split s near j that best divides the
 * window into two means (maximum of S_s^2 (hi-lo) / ((s-lo)(hi-s)), S_s
 * the sum of deviations from the window mean up to s: the likelihood
 * ratio of one mean shift). Places a step found at a wide scale to the
 * point, and evens out the noise in the peak of a narrow one.
 */
static size_t
onset(const double *P, size_t lo, size_t hi, size_t j, size_t r)
{
	double mean = (P[hi] - P[lo]) / (double)(hi - lo);
	size_t a = j > lo + r ? j - r : lo + 1, b = j + r < hi - 1 ? j + r : hi - 1, bs = j;
	double bv = -1;
	for (size_t s = a; s <= b; s++) {
		double S = P[s] - P[lo] - (double)(s - lo) * mean;
		double v = S * S / ((double)(s - lo) * (double)(hi - s));
		if (v > bv) {
			bv = v;
			bs = s;
		}
	}
	return bs;
}

/* Levels of accepted shift i between its neighbours, and its strength. */
static void
shift_levels(struct det *d, struct cand *c, size_t nc, size_t i)
{
	size_t j = c[i].j;
	size_t lo = i > 0 ? c[i - 1].j : 0, hi = i + 1 < nc ? c[i + 1].j : d->m;
	if (j > lo + LEVEL_W)
		lo = j - LEVEL_W;
	if (hi > j + LEVEL_W)
		hi = j + LEVEL_W;
	c[i].before = range_median(d->x, lo, j);
	c[i].after = range_median(d->x, j, hi);
	double ch = rel_change(c[i].before, c[i].after);
	c[i].s = sig_strength(c[i].z2, Z0_LONG) * size_strength(ch, d->mc);
	if ((ch > 0 ? 1 : -1) != c[i].sign)
		c[i].s = 0;
}

/*
 * A shift in the last t <= SPIKE_RUN points, which the rolling median
 * flags and cleans away from the windows: their mean against the level of
 * the 16 points before, carried forward by the slope from the 16 before
 * those (a ramp goes on). All t must lie more than Z_SPIKE scales off on
 * one side, the point before them not. Returns where it starts (m: none).
 */
static size_t
long_tail(struct det *d, const double *P, double ref, double sigma, const struct spike_log *log,
          const struct cand *c, size_t nc)
{
	const double *x = d->x;
	size_t m = d->m, w = 16;
	for (size_t t = SPIKE_RUN; t >= 1; t--) {
		if (m < t + 2 * w + 1)
			return m;
		size_t base = m - t;
		/* a step in the windows before the tail spoils the level there;
		 * one the windows placed at the tail's start (+-1) is this one */
		bool spoilt = false;
		for (size_t i = 0; i < nc; i++)
			spoilt |= c[i].j + 2 * w + 1 >= base && c[i].j + 1 < base;
		if (spoilt)
			return m;
		double L = (P[base] - P[base - w]) / (double)w + ref;
		double LL = (P[base - w] - P[base - 2 * w]) / (double)w + ref;
		double a = ((double)w + (double)t) / (2.0 * (double)w);
		double pred = L + (L - LL) * a;
		int sg = x[base] > pred ? 1 : -1;
		bool all = true;
		double mean = 0;
		for (size_t j = base; j < m; j++) {
			all &= sg * (x[j] - pred) > Z_SPIKE * sigma;
			mean += x[j];
		}
		if (!all || sg * (x[base - 1] - pred) > Z_SPIKE * sigma)
			continue;
		/* the next of a recurring dip (spike): the pattern, not news */
		size_t si = sg > 0;
		if (log->last_periodic[si] && continues(base, log->last[si], log->period[si]))
			return m;
		mean /= (double)t;
		double var = sigma * sigma * (1.0 / (double)t + ((1 + a) * (1 + a) + a * a) / (double)w);
		double z2 = (mean - pred) * (mean - pred) / var;
		double before = range_median(x, base - w, base), after = range_median(x, base, m);
		double ch = rel_change(before, after);
		double cap = t == 1 ? 0.6 : t == 2 ? 0.75 : t == 3 ? 0.85 : 0.9;
		double s = sig_strength(z2, Z0_LONG) * size_strength(ch, d->mc);
		if (s < MIN_STRENGTH)
			return m;
		emit(d, sg > 0 ? ST_ANOM_SHIFT_UP : ST_ANOM_SHIFT_DOWN, ST_ANOM_F_LAST, at_of(d, base), d->n,
		     before, after, x[base - 1], x[base], ch, s < cap ? s : cap);
		return base;
	}
	return m;
}

/* A sorted window of at most 2 * HALF + 1 values: the rolling median. */
struct rwin {
	double v[2 * HALF + 1];
	size_t n;
};

static void
rwin_add(struct rwin *w, double x)
{
	size_t i = w->n++;
	while (i > 0 && w->v[i - 1] > x) {
		w->v[i] = w->v[i - 1];
		i--;
	}
	w->v[i] = x;
}

/* Replace old (in the window) by x, keeping the order: one shift. */
static void
rwin_replace(struct rwin *w, double old, double x)
{
	size_t i = 0;
	while (i + 1 < w->n && w->v[i] != old)
		i++;
	while (i > 0 && w->v[i - 1] > x) {
		w->v[i] = w->v[i - 1];
		i--;
	}
	while (i + 1 < w->n && w->v[i + 1] < x) {
		w->v[i] = w->v[i + 1];
		i++;
	}
	w->v[i] = x;
}

static double
rwin_median(const struct rwin *w)
{
	return w->n & 1 ? w->v[w->n / 2] : (w->v[w->n / 2 - 1] + w->v[w->n / 2]) / 2;
}

/*
 * The noise scale: the median |step| between consecutive points over up
 * to 1023 evenly spread steps (to 3%) (a shift is one step, a ramp adds a
 * constant: neither moves it), as a Gaussian sigma. When most steps are
 * zero (quantised values), the mean |step|; integers are never taken to
 * vary by less than 0.5, counts (opts->integer_valued) by less than a
 * Poisson count. 0 for a constant series.
 */
static double
noise_scale(const struct det *d)
{
	const double *x = d->x;
	size_t m = d->m, nd = m - 1, k = 0, nmax = 2 * SAMPLE_MAX + 1;
	double buf[2 * SAMPLE_MAX + 1];
	size_t st = nd > nmax ? nd / nmax : 1;
	for (size_t j = 1; j < m && k < nmax; j += st)
		buf[k++] = fabs(x[j] - x[j - 1]);
	double s = DIFF_MAD_SIGMA * median_of(buf, k);
	if (s == 0) {
		double sum = 0;
		for (size_t j = 1; j < m; j++)
			sum += fabs(x[j] - x[j - 1]);
		s = DIFF_MEAN_SIGMA * sum / (double)nd;
	}
	if (d->integral && s > 0 && s < 0.5)
		s = 0.5;
	if (d->counts && s > 0) {
		/* at least Poisson noise: sqrt(mean + 0.25) */
		double sum = 0;
		for (size_t j = 0; j < k; j++)
			sum += fabs(x[j * st]);
		double p = sqrt_pos(sum / (double)k + 0.25);
		if (p > s)
			s = p;
	}
	return s;
}


/*
 * Rolling median of 2 * HALF + 1 points. A point more than Z_LOG scales
 * (and half min_change) off it is flagged; runs of flagged points of one
 * sign with points after them are logged (a run at the end is
 * long_tail's). Points Z_SPIKE scales (and min_change) off are strict: a
 * run whose strict points span at most SPIKE_RUN, of strength 0.3, is a
 * spike or dip over that span (longer ones move the median, and so are not
 * flagged: the windows see them); the weaker runs only help to find a
 * recurring pattern. Without report the first LOG_MAX are logged; with it,
 * the pass is only for those beyond the log, reported unless they continue
 * a recurring chain. P: prefix sums of the cleaned values, pulled to within
 * CLEAN_Z scales of the median, so that a spike moves no window's mean.
 */
static void
spike_pass(struct det *d, double *P, double sigma, double ref, struct spike_log *log, bool report,
           const struct cand *sh, size_t nsh)
{
	const double *x = d->x;
	size_t m = d->m, ev = 0;
	double sigma2 = sigma * sigma;
	struct rwin win = {.n = 0};
	for (size_t j = 0; j < 2 * HALF + 1; j++)
		rwin_add(&win, x[j]);
	P[0] = 0;
	size_t ra = 0, rext = 0, sa = 0, se = 0;
	int rsg = 0;
	double rz2 = 0, rlvl = 0;
	for (size_t j = 0; j <= m; j++) {
		int sg = 0;
		bool hard = false;
		double med = 0, e = 0;
		if (j < m) {
			/* the window is [j - HALF, j + HALF], shifted to keep its
			 * size at the ends: a truncated one is not robust there */
			if (j > HALF && j + HALF < m)
				rwin_replace(&win, x[j - HALF - 1], x[j + HALF]);
			med = rwin_median(&win);
			e = x[j] - med;
			double c = e > CLEAN_Z * sigma ? CLEAN_Z * sigma : e < -CLEAN_Z * sigma ? -CLEAN_Z * sigma : e;
			P[j + 1] = P[j] + (med + c - ref);
			/* flagged loosely: the log sees the weaker members of a
			 * recurring pattern too; what is reported is decided below */
			if (e * e >= Z_LOG * Z_LOG * sigma2 && size_strength(rel_change(med, x[j]), d->mc / 2) > 0) {
				sg = e > 0 ? 1 : -1;
				hard = e * e >= Z_SPIKE * Z_SPIKE * sigma2 &&
				       size_strength(rel_change(med, x[j]), d->mc) > 0;
			}
		}
		if (rsg != 0 && sg != rsg) {
			/* the run [ra, j) ends; its strict points span [sa, se) */
			double ch = rel_change(rlvl, x[rext]);
			double s = sig_strength(rz2 / sigma2, Z0_SPIKE) * size_strength(ch, d->mc);
			bool strict = se > sa && se - sa <= SPIKE_RUN && s >= MIN_STRENGTH;
			if (j < m && j - ra <= 2 * SPIKE_RUN) {
				if (!report) {
					if (log->n < LOG_MAX) {
						size_t i = log->n++;
						log->at[i] = (uint32_t)ra;
						log->sa[i] = (uint32_t)sa;
						log->se[i] = (uint32_t)se;
						log->ext[i] = (uint32_t)rext;
						log->lvl[i] = rlvl;
						log->s[i] = strict ? (float)s : 0;
						log->sign[i] = (int8_t)rsg;
					}
					log->total++;
				} else if (ev >= log->n) {
					size_t si = rsg > 0;
					bool per = log->last_periodic[si] && continues(ra, log->last[si], log->period[si]);
					log->last[si] = ra;
					log->last_periodic[si] = per;
					if (strict && !per && !near_shift(sh, nsh, sa, se))
						emit(d, rsg > 0 ? ST_ANOM_SPIKE : ST_ANOM_DIP, 0, at_of(d, sa), end_of(d, se - 1),
						     rlvl, x[rext], sa > 0 ? x[sa - 1] : NAN, x[sa], ch, s);
				}
				ev++;
			}
			rsg = 0;
		}
		if (sg != 0 && rsg == 0) {
			rsg = sg;
			ra = j;
			sa = se = 0;
			rz2 = 0;
		}
		if (hard) {
			if (se == 0)
				sa = j;
			se = j + 1;
		}
		if (sg != 0 && e * e > rz2) {
			rz2 = e * e;
			rext = j;
			rlvl = med;
		}
	}
}

/* Mark the recurring spikes of the log, report the others. */
static void
log_report(struct det *d, struct spike_log *log, const struct cand *sh, size_t nsh)
{
	size_t at[LOG_MAX] = {0}, li[LOG_MAX];
	bool mark[LOG_MAX];
	for (int sg = -1; sg <= 1; sg += 2) {
		size_t k = 0, si = sg > 0;
		for (size_t i = 0; i < log->n; i++)
			if (log->sign[i] == sg) {
				li[k] = i;
				at[k++] = log->at[i];
			}
		mark_periodic(at, k, mark, &log->period[si]);
		for (size_t i = 0; i < k; i++)
			log->periodic[li[i]] = mark[i];
		log->last_periodic[si] = false;
	}
	const double *x = d->x;
	for (size_t i = 0; i < log->n; i++) {
		size_t si = log->sign[i] > 0, a = log->sa[i], e = log->ext[i];
		log->last[si] = log->at[i];
		log->last_periodic[si] = log->periodic[i];
		if (log->s[i] > 0 && !log->periodic[i] && !near_shift(sh, nsh, a, log->se[i]))
			emit(d, log->sign[i] > 0 ? ST_ANOM_SPIKE : ST_ANOM_DIP, 0, at_of(d, a), end_of(d, log->se[i] - 1),
			     log->lvl[i], x[e], a > 0 ? x[a - 1] : NAN, x[a], rel_change(log->lvl[i], x[e]), log->s[i]);
	}
}

static void
long_path(struct det *d, double *P)
{
	static const unsigned widths[] = {4, 16, 64, 256};
	const double *x = d->x;
	size_t m = d->m;
	double sigma = noise_scale(d);
	if (!(sigma > 0) || !isfinite(sigma))
		return;
	double sigma2 = sigma * sigma;
	double ref;
	{
		/* a level to subtract: the prefix sums keep their precision */
		double buf[SAMPLE_MAX / 2];
		size_t k = 0, st = m > SAMPLE_MAX / 2 ? m / (SAMPLE_MAX / 2) : 1;
		for (size_t j = 0; j < m && k < SAMPLE_MAX / 2; j += st)
			buf[k++] = x[j];
		ref = median_of(buf, k);
	}

	/* Pass 1: spikes, dips and the cleaned prefix sums; reported after
	 * the shifts (those by a shift are not) and a look for recurring ones
	 * (again for those beyond the log). */
	struct spike_log log;
	log.n = log.total = 0;
	spike_pass(d, P, sigma, ref, &log, false, NULL, 0);

	/* Pass 2: candidates at each width, narrowest first. */
	struct cands cands, *cs = &cands;
	cs->n = 0;
	double scale2[ST_ARRAY_LEN(widths)];
	size_t nw = 0;
	/* from 16 on, 8 windows: a step in the middle of only 4 would move
	 * every statistic step_scale2 measures */
	for (; nw < ST_ARRAY_LEN(widths) && (nw == 0 ? 4 : 8) * (size_t)widths[nw] <= m; nw++) {
		scale2[nw] = step_scale2(P, m, widths[nw], sigma2, cs);
		scan_scale(P, m, widths[nw], scale2[nw], cs);
	}

	/*
	 * A step is sharp: the next narrower width must see at least half of
	 * it where the step is (the best split of the local window, +-1). A
	 * smooth curve (a daily pattern) seen at a wide window shrinks 64
	 * times (the cube of the width ratio) at the narrower one; a step
	 * keeps its size. At one place, not the best of many: the narrower
	 * statistic is twice as noisy, and its maximum over a range would
	 * pass a curve one time in three.
	 */
	size_t nk = 0;
	for (size_t i = 0; i < cs->n; i++) {
		struct cand *c = &cs->c[i];
		if (c->w >= 16) {
			size_t wi = 0;
			while (widths[wi] != c->w)
				wi++;
			double D, z2, Dw, vf;
			Dw = step_stat(P, m, c->j, c->w, &vf);
			size_t lo = c->j > c->w ? c->j - c->w : 0, hi = c->j + c->w < m ? c->j + c->w : m;
			size_t at = onset(P, lo, hi, c->j, c->w / 2);
			best_near(P, m, at, 1, c->w / 4, c->sign, scale2[wi - 1], &D, &z2);
			if (!(c->sign * D >= 0.5 * fabs(Dw)))
				continue;
		}
		cs->c[nk++] = *c;
	}
	cs->n = nk;

	/*
	 * Side lobes: a step of size h at j gives -h/2 at j - w and j + w (the
	 * outer windows see it). A candidate of the other sign within 1.5 w of
	 * one of its width at least 1.4 times as strong (z^2 twice) is one.
	 */
	bool lobe[CAND_MAX] = {false};
	for (size_t i = 0; i < cs->n; i++) {
		const struct cand *c = &cs->c[i];
		for (size_t k = 0; k < cs->n && !lobe[i]; k++) {
			const struct cand *o = &cs->c[k];
			size_t dd = o->j > c->j ? o->j - c->j : c->j - o->j;
			lobe[i] = o->w == c->w && o->sign != c->sign && 2 * dd <= 3 * (size_t)c->w && o->z2 >= 2 * c->z2;
		}
	}
	nk = 0;
	for (size_t i = 0; i < cs->n; i++)
		if (!lobe[i])
			cs->c[nk++] = cs->c[i];
	cs->n = nk;

	/*
	 * Merge: narrow widths place a step best, so they go first; a wider
	 * candidate within half its width of an accepted one of the same sign
	 * lends it its evidence, of the other sign it is dropped.
	 */
	qsort(cs->c, cs->n, sizeof cs->c[0], cand_by_scale);
	size_t na = 0;
	for (size_t i = 0; i < cs->n; i++) {
		struct cand *c = &cs->c[i];
		size_t near = na;
		size_t dist = SIZE_MAX;
		for (size_t k = 0; k < na; k++) {
			size_t dd = cs->c[k].j > c->j ? cs->c[k].j - c->j : c->j - cs->c[k].j;
			if (dd <= c->w / 2 && dd < dist) {
				dist = dd;
				near = k;
			}
		}
		if (near < na) {
			if (cs->c[near].sign == c->sign && c->z2 > cs->c[near].z2)
				cs->c[near].z2 = c->z2;
			continue;
		}
		cs->c[na++] = *c;
	}
	qsort(cs->c, na, sizeof cs->c[0], cand_by_pos);

	/* Place each step between its neighbours. */
	for (size_t i = 0; i < na; i++) {
		size_t hw = cs->c[i].w < 8 ? 8 : cs->c[i].w;
		size_t lo = i > 0 ? cs->c[i - 1].j : 0, hi = i + 1 < na ? cs->c[i + 1].j : m;
		if (cs->c[i].j > lo + hw)
			lo = cs->c[i].j - hw;
		if (hi > cs->c[i].j + hw)
			hi = cs->c[i].j + hw;
		if (hi - lo >= 3)
			cs->c[i].j = onset(P, lo, hi, cs->c[i].j, hw / 2);
	}

	/* Levels and strength; drop the weak, then measure the rest again
	 * between their final neighbours. */
	struct cand *c = cs->c;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < na; i++)
			shift_levels(d, c, na, i);
		size_t k = 0;
		for (size_t i = 0; i < na; i++)
			if (c[i].s >= MIN_STRENGTH && (k == 0 || c[k - 1].j != c[i].j))
				c[k++] = c[i];
		na = k;
	}

	log_report(d, &log, c, na);
	if (log.total > log.n)
		spike_pass(d, P, sigma, ref, &log, true, c, na);

	/* The last points: a step the windows placed there is measured better
	 * on its own (they see its points cleaned). */
	size_t tail = long_tail(d, P, ref, sigma, &log, c, na);
	while (na > 0 && c[na - 1].j + 1 >= tail)
		na--;

	/* Report; up and back (or down and back) within m/4 is one spike (dip). */
	for (size_t i = 0; i < na; i++) {
		size_t j = c[i].j;
		double step = c[i].after - c[i].before;
		if (i + 1 < na && c[i + 1].sign != c[i].sign && c[i + 1].j - j <= m / 4 &&
		    fabs(c[i + 1].after - c[i].before) <= fabs(step) / 3) {
			size_t e = c[i + 1].j, ext = j;
			for (size_t k = j; k < e; k++)
				if (c[i].sign * (x[k] - x[ext]) > 0)
					ext = k;
			double s = c[i].s < c[i + 1].s ? c[i].s : c[i + 1].s;
			emit(d, c[i].sign > 0 ? ST_ANOM_SPIKE : ST_ANOM_DIP, 0, at_of(d, j), at_of(d, e), c[i].before,
			     x[ext], j > 0 ? x[j - 1] : NAN, x[j], rel_change(c[i].before, x[ext]), s);
			i++;
			continue;
		}
		size_t end = i + 1 < na ? at_of(d, c[i + 1].j) : tail < m ? at_of(d, tail) : d->n;
		emit(d, c[i].sign > 0 ? ST_ANOM_SHIFT_UP : ST_ANOM_SHIFT_DOWN, 0, at_of(d, j), end, c[i].before,
		     c[i].after, j > 0 ? x[j - 1] : NAN, x[j], rel_change(c[i].before, c[i].after), c[i].s);
	}
}

/* ---- the entry point ---------------------------------------------------------- */

static bool
all_integral(const double *x, size_t m)
{
	for (size_t j = 0; j < m; j++)
		if (!(fabs(x[j]) < 9007199254740992.0) || x[j] != (double)(int64_t)x[j])
			return false;
	return true;
}

/* The same over what was found (short series; long excursions). */
static void
drop_periodic(struct det *d)
{
	bool drop[LIST_MAX] = {false}, mark[LIST_MAX];
	size_t ndrop = 0, at[LIST_MAX] = {0}, li[LIST_MAX], period;
	for (uint8_t type = ST_ANOM_SPIKE; type <= ST_ANOM_DIP; type++) {
		/* a shift in the last point(s) may be the next of them */
		uint8_t tail = type == ST_ANOM_SPIKE ? ST_ANOM_SHIFT_UP : ST_ANOM_SHIFT_DOWN;
		size_t k = 0;
		for (size_t i = 0; i < d->nlist; i++)
			if (d->list[i].type == type || (d->list[i].type == tail && (d->list[i].flags & ST_ANOM_F_LAST))) {
				size_t j = k++;
				while (j > 0 && at[j - 1] > d->list[i].at) {
					at[j] = at[j - 1];
					li[j] = li[j - 1];
					j--;
				}
				at[j] = d->list[i].at;
				li[j] = i;
			}
		ndrop += mark_periodic(at, k, mark, &period);
		for (size_t i = 0; i < k; i++)
			drop[li[i]] = mark[i];
	}
	if (ndrop == 0)
		return;
	size_t k = 0;
	for (size_t i = 0; i < d->nlist; i++)
		if (!drop[i])
			d->list[k++] = d->list[i];
	d->nlist = k;
	d->found -= ndrop;
}

static int
by_strength(const struct st_anomaly *a, const struct st_anomaly *b)
{
	if (a->strength != b->strength)
		return a->strength > b->strength ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->type < b->type ? -1 : a->type > b->type;
}

size_t
st_detect_series(const st_time *ts, const double *v, size_t n, const struct st_detect_opts *o,
                 struct st_anomaly *out, size_t max)
{
	if (n == 0 || v == NULL || n >= UINT32_MAX)
		return 0;
	struct det d;
	memset(&d, 0, offsetof(struct det, list));
	d.ts = ts;
	d.v = v;
	d.n = n;
	d.mc = 0.2;
	d.mp = 4;
	if (o) {
		if (o->min_change > 0)
			d.mc = o->min_change;
		if (o->min_points > 4)
			d.mp = o->min_points;
		d.now = o->now;
		d.integral = d.counts = o->integer_valued;
		d.cumulative = o->cumulative;
	}
	double stackbuf[STACK_DOUBLES];
	void *heap = NULL;

	size_t nfin = 0, lastfin = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			nfin++;
			lastfin = i;
		}
	if (nfin == 0) {
		/* never a value: no data flowed (a quantile without observations) */
		emit(&d, ST_ANOM_NAN, 0, 0, n, NAN, v[0], NAN, v[0], NAN, 0.5);
		goto out;
	}
	if (lastfin + 1 < n)
		nan_tail(&d, lastfin + 1, nfin);

	/* The analysed points: v itself when it can be, else copied with
	 * their indexes (finite values, or a counter's rates). */
	size_t mu = d.cumulative ? nfin - 1 : nfin;
	bool copy = d.cumulative || nfin < n;
	size_t nd = (copy ? mu : 0) + (mu > SHORT_MAX ? mu + 1 : 0);
	size_t bytes = nd * sizeof(double) + (copy ? mu * sizeof(uint32_t) : 0);
	double *mem = stackbuf;
	if (bytes > sizeof stackbuf)
		mem = heap = st_xmalloc(bytes);
	double *P = mu > SHORT_MAX ? mem : NULL;
	if (!copy) {
		d.x = v;
		d.m = n;
	} else {
		double *x = mem + (P ? mu + 1 : 0);
		uint32_t *idx = (uint32_t *)(x + mu);
		size_t m = 0, prev = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			if (!isfinite(v[i]))
				continue;
			if (!d.cumulative) {
				x[m] = v[i];
				idx[m++] = (uint32_t)i;
				continue;
			}
			if (prev != SIZE_MAX) {
				/* the increase, a drop being a reset (series.h) */
				double inc = v[i] >= v[prev] ? v[i] - v[prev] : v[i], per = 1;
				st_time dt = 1;
				if (ts && !(tdiff(ts[i], ts[prev], &dt) && dt > 0)) {
					/* no time between them: no rate; keep the older base */
					continue;
				}
				if (ts)
					per = (double)dt / (double)ST_USEC;
				x[m] = inc / per;
				if (isfinite(x[m]))
					idx[m++] = (uint32_t)i;
			}
			prev = i;
		}
		d.x = x;
		d.idx = idx;
		d.m = m;
	}
	if (!d.integral)
		d.integral = all_integral(d.x, d.m);

	if (ts && d.now != 0 && n >= 8)
		stopped(&d);
	frozen(&d);
	if (d.m >= d.mp) {
		if (d.m <= SHORT_MAX)
			short_path(&d);
		else
			long_path(&d, P);
	}
	frozen_shift(&d);
	drop_periodic(&d);
	free(heap);

out:
	/* strongest first: insertion sort of at most LIST_MAX */
	for (size_t i = 1; i < d.nlist; i++) {
		struct st_anomaly a = d.list[i];
		size_t j = i;
		while (j > 0 && by_strength(&a, &d.list[j - 1]) < 0) {
			d.list[j] = d.list[j - 1];
			j--;
		}
		d.list[j] = a;
	}
	for (size_t i = 0; i < d.nlist && i < max; i++)
		out[i] = d.list[i];
	return d.found;
}

const char *
st_anom_name(unsigned type)
{
	static const char *const names[] = {
		[ST_ANOM_SHIFT_DOWN] = "shift_down", [ST_ANOM_SHIFT_UP] = "shift_up",
		[ST_ANOM_SPIKE] = "spike",           [ST_ANOM_DIP] = "dip",
		[ST_ANOM_FROZEN] = "frozen",         [ST_ANOM_STOPPED] = "stopped",
		[ST_ANOM_NAN] = "nan",               [ST_ANOM_ZERO] = "zero",
	};
	return type < ST_ARRAY_LEN(names) && names[type] ? names[type] : "?";
}
