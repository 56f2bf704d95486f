/*
 * test_detect.c: the anomaly detectors (src/detect.c, detect.h) on
 * synthetic series with known change points, and on the controls that
 * must give nothing:
 *
 *   - short series (4, 5, 7, 30 points): the revenue drop, the
 *     seeds' frozen input count, a last point alone, spikes, growth by a
 *     percentage a day (nothing), day-to-day noise (nothing);
 *   - long series (1000, 100000 points): a step at a known index with
 *     Gaussian noise, a spike, a dip of 30 points, a shift in the last
 *     points, ramps, a daily curve, weekends (nothing), noise (nothing);
 *   - FROZEN, ZERO, NAN, STOPPED; counters read as rates; NaN holes keep
 *     the caller's indexes; options; the output contract (strongest
 *     first, count beyond max).
 *
 * Noise comes from a fixed xorshift generator (sums of 12 uniforms for a
 * Gaussian), so every run sees the same series; what is asserted was also
 * checked to hold for 150 other seeds (a salt added to seed()), so no
 * test passes by the luck of one draw. sin() here is a short series: the
 * test needs no libm.
 */
#include <math.h>
#include <string.h>

#include "strata/detect.h"
#include "strata/util.h"
#include "testutil.h"

static uint64_t rng = 88172645463325252ULL;

static void
seed(uint64_t s)
{
	rng = s * 2654435761ULL + 88172645463325252ULL;
}

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

/* sin x for any x, by reduction to [-pi, pi] and Taylor terms */
static double
tsin(double x)
{
	const double pi = 3.14159265358979323846;
	while (x > pi)
		x -= 2 * pi;
	while (x < -pi)
		x += 2 * pi;
	double t = x, s = x;
	for (int i = 1; i < 12; i++) {
		t *= -x * x / ((2 * i) * (2 * i + 1));
		s += t;
	}
	return s;
}

#define MAXA 16

struct res {
	struct st_anomaly a[MAXA];
	size_t n;     /* what st_detect_series returned */
	size_t shown; /* min(n, MAXA) */
};

static const double *dbg_v;
static size_t dbg_n;

static struct res
detect(const st_time *ts, const double *v, size_t n, const struct st_detect_opts *o)
{
	struct res r;
	dbg_v = v;
	dbg_n = n;
	memset(&r, 0, sizeof r);
	r.n = st_detect_series(ts, v, n, o, r.a, MAXA);
	r.shown = r.n < MAXA ? r.n : MAXA;
	/* the contract: strongest first, strengths in 0..1 */
	for (size_t i = 0; i < r.shown; i++) {
		assert_true(r.a[i].strength >= 0 && r.a[i].strength <= 1);
		assert_true(r.a[i].at <= n && r.a[i].end <= n);
		if (i > 0)
			assert_true(r.a[i - 1].strength >= r.a[i].strength);
	}
	return r;
}

static const struct st_anomaly *
find(const struct res *r, unsigned type)
{
	for (size_t i = 0; i < r->shown; i++)
		if (r->a[i].type == type)
			return &r->a[i];
	return NULL;
}

static void
dump(const struct res *r)
{
	for (size_t i = 0; i < r->shown; i++)
		print_message("  %s flags=%d at=%zu end=%zu before=%g after=%g change=%.3f strength=%.3f\n",
		              st_anom_name(r->a[i].type), r->a[i].flags, r->a[i].at, r->a[i].end,
		              r->a[i].before, r->a[i].after, r->a[i].change, r->a[i].strength);
}

/* Nothing at strength >= max_s (noise, ramps: "nothing, or only weak"). */
static void
assert_quiet(const struct res *r, double max_s, const char *what)
{
	if (r->shown > 0 && r->a[0].strength >= max_s) {
		print_error("%s: expected nothing of strength >= %.2f, got %zu:\n", what, max_s, r->n);
		for (size_t i = 0; dbg_v && i < dbg_n && i < 64; i++)
			print_error("%g ", dbg_v[i]);
		print_error("\n");
		dump(r);
		fail();
	}
}

static const struct st_anomaly *
expect(const struct res *r, unsigned type, const char *what)
{
	const struct st_anomaly *a = find(r, type);
	if (a == NULL) {
		print_error("%s: no %s among %zu:\n", what, st_anom_name(type), r->n);
		dump(r);
		fail();
	}
	return a;
}

/* ---- short series ------------------------------------------------------- */

/* The example: seven daily revenue values, the last two 91% down. */
static void
test_revenue_drop(void **state)
{
	(void)state;
	const double v[] = {2847291, 2913847, 2791003, 3104582, 3247109, 287412, 291034};
	struct res r = detect(NULL, v, 7, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_SHIFT_DOWN, "revenue");
	assert_ptr_equal(a, &r.a[0]);
	assert_int_equal(a->at, 5);
	assert_int_equal(a->end, 7);
	assert_true(a->before >= 2.9e6 && a->before <= 3.0e6);
	assert_true(a->after >= 287412 && a->after <= 291034);
	assert_true(a->last_before == 3247109);
	assert_true(a->first_after == 287412);
	assert_true(a->change > -0.92 && a->change < -0.88);
	assert_true(a->strength >= 0.8);
	assert_int_equal(a->flags, 0);
	/* the two low days are the new level, not two dips */
	assert_null(find(&r, ST_ANOM_DIP));

	/* with times: the same (daily stamps change nothing without now) */
	st_time ts[7];
	for (int i = 0; i < 7; i++)
		ts[i] = tu_utc(2024, 12, 1 + i, 0, 0, 0, 0);
	struct res r2 = detect(ts, v, 7, NULL);
	assert_int_equal(r2.n, r.n);
	assert_int_equal(r2.a[0].at, 5);
}

/* The seeds' input count: 142918 then 14293 twice (3 points!). */
static void
test_seeds_frozen(void **state)
{
	(void)state;
	const double v3[] = {142918, 14293, 14293};
	struct res r = detect(NULL, v3, 3, NULL);
	const struct st_anomaly *f = expect(&r, ST_ANOM_FROZEN, "seeds 3 points");
	assert_ptr_equal(f, &r.a[0]);
	assert_int_equal(f->at, 1);
	assert_int_equal(f->end, 3);
	assert_true(f->after == 14293 && f->first_after == 14293);
	assert_true(f->last_before == 142918 && f->before == 142918);
	assert_true(f->change < -0.89 && f->change > -0.91);
	assert_true(f->strength >= 0.8);
	/* and the drop, from too few points for the split test: weaker */
	const struct st_anomaly *s = expect(&r, ST_ANOM_SHIFT_DOWN, "seeds 3 points");
	assert_int_equal(s->at, 1);
	assert_true(s->flags & ST_ANOM_F_FROZEN);
	assert_true(s->strength >= 0.5 && s->strength < f->strength);

	/* the caller saying counts changes nothing here */
	struct st_detect_opts o = {.integer_valued = true};
	struct res ro = detect(NULL, v3, 3, &o);
	assert_int_equal(ro.a[0].type, ST_ANOM_FROZEN);

	/* with the nights before: frozen and a shift, both sure */
	const double v5[] = {139877, 141203, 142918, 14293, 14293};
	struct res r5 = detect(NULL, v5, 5, NULL);
	f = expect(&r5, ST_ANOM_FROZEN, "seeds 5 points");
	assert_int_equal(f->at, 3);
	assert_true(f->strength >= 0.9);
	s = expect(&r5, ST_ANOM_SHIFT_DOWN, "seeds 5 points");
	assert_int_equal(s->at, 3);
	assert_int_equal(s->flags, 0);
	assert_true(s->strength >= 0.8);
	assert_true(s->before >= 139877 && s->before <= 142918);
}

/* Repeats that are normal are not frozen. */
static void
test_not_frozen(void **state)
{
	(void)state;
	/* a gauge constant all along (up, a config value) */
	const double one[] = {1, 1, 1, 1, 1, 1, 1};
	assert_int_equal(detect(NULL, one, 7, NULL).n, 0);
	/* a small gauge that repeats now and then */
	const double small[] = {3, 4, 3, 5, 4, 3, 3};
	struct res r = detect(NULL, small, 7, NULL);
	assert_null(find(&r, ST_ANOM_FROZEN));
	/* a step between two constants is a change, not a freeze */
	const double step[] = {5, 5, 5, 5, 7, 7};
	r = detect(NULL, step, 6, NULL);
	assert_null(find(&r, ST_ANOM_FROZEN));
	/* two equal at the end of a short series that repeated before */
	const double rep[] = {12, 12, 13, 13, 12, 14, 14};
	r = detect(NULL, rep, 7, NULL);
	assert_null(find(&r, ST_ANOM_FROZEN));
}

/* A long series that varies, then becomes exactly constant. */
static void
test_frozen_long(void **state)
{
	(void)state;
	static double v[2006];
	seed(7);
	for (size_t i = 0; i < 2000; i++)
		v[i] = 250 + 10 * gauss();
	for (size_t i = 2000; i < 2006; i++)
		v[i] = 251.37;
	struct res r = detect(NULL, v, 2006, NULL);
	const struct st_anomaly *f = expect(&r, ST_ANOM_FROZEN, "frozen long");
	assert_int_equal(f->at, 2000);
	assert_int_equal(f->end, 2006);
	assert_true(f->strength >= 0.9);
	/* the value is the level: no shift */
	assert_null(find(&r, ST_ANOM_SHIFT_DOWN));
	assert_null(find(&r, ST_ANOM_SHIFT_UP));
}

/* How many of the series r gives anything of strength >= max_s. */
static int
loud(const struct res *r, double max_s)
{
	if (r->shown > 0 && r->a[0].strength >= max_s) {
		print_message("  (a rare one:)\n");
		dump(r);
		return 1;
	}
	return 0;
}

/*
 * Day-to-day noise of +-5%: nothing, at any length. Gaussian noise of 5%
 * (and 10%) reaches 4 sigma now and then, 20%: at most 1 series in 200
 * gives anything of 0.3 or more (what chance gives is that rare).
 */
static void
test_short_noise(void **state)
{
	(void)state;
	static const size_t lens[] = {4, 5, 7, 12, 30, 60};
	double v[60];
	int n5 = 0, n10 = 0, total = 0;
	seed(11);
	for (size_t li = 0; li < ST_ARRAY_LEN(lens); li++)
		for (int t = 0; t < 200; t++) {
			for (size_t i = 0; i < lens[li]; i++)
				v[i] = 1000 * (1 + 0.05 * (2 * urand() - 1));
			struct res r = detect(NULL, v, lens[li], NULL);
			assert_quiet(&r, 0.001, "uniform 5% noise");
			for (size_t i = 0; i < lens[li]; i++)
				v[i] = 1000 * (1 + 0.05 * gauss());
			r = detect(NULL, v, lens[li], NULL);
			n5 += loud(&r, 0.3);
			for (size_t i = 0; i < lens[li]; i++)
				v[i] = 1000 * (1 + 0.1 * gauss());
			r = detect(NULL, v, lens[li], NULL);
			n10 += loud(&r, 0.3);
			total++;
		}
	print_message("  Gaussian noise, %d series each: %d (5%%), %d (10%%) gave >= 0.3\n", total, n5, n10);
	assert_true(n5 * 200 <= total);
	assert_true(n10 * 100 <= total);
}

/* Organic growth: 3% a day, added or compounded, up or down: nothing. */
static void
test_short_growth(void **state)
{
	(void)state;
	double v[60];
	for (size_t i = 0; i < 30; i++)
		v[i] = 1000 * (1 + 0.03 * (double)i);
	struct res r = detect(NULL, v, 30, NULL);
	assert_quiet(&r, 0.3, "linear growth 3%/day, 30 days");
	double g = 1000;
	for (size_t i = 0; i < 60; i++, g *= 1.03)
		v[i] = g;
	r = detect(NULL, v, 30, NULL);
	assert_quiet(&r, 0.3, "compound growth 3%/day, 30 days");
	r = detect(NULL, v, 60, NULL);
	assert_quiet(&r, 0.3, "compound growth 3%/day, 60 days");
	seed(12);
	for (int t = 0; t < 100; t++) {
		g = 1000;
		for (size_t i = 0; i < 60; i++, g *= 1.03)
			v[i] = g * (1 + 0.02 * gauss());
		r = detect(NULL, v, 30, NULL);
		assert_quiet(&r, 0.3, "noisy compound growth, 30 days");
		r = detect(NULL, v, 60, NULL);
		assert_quiet(&r, 0.3, "noisy compound growth, 60 days");
		g = 1000;
		for (size_t i = 0; i < 30; i++, g *= 0.97)
			v[i] = g * (1 + 0.02 * gauss());
		r = detect(NULL, v, 30, NULL);
		assert_quiet(&r, 0.3, "noisy decline 3%/day");
	}
}

/* A step on top of growth is still a step. */
static void
test_short_growth_then_drop(void **state)
{
	(void)state;
	double v[30], g = 1000;
	seed(13);
	for (size_t i = 0; i < 30; i++, g *= 1.03)
		v[i] = g * (i >= 24 ? 0.6 : 1) * (1 + 0.02 * gauss());
	struct res r = detect(NULL, v, 30, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_SHIFT_DOWN, "growth then drop");
	assert_int_equal(a->at, 24);
	assert_true(a->strength >= 0.8);
	/* the level it dropped from is the trend's, about 2000, not the median of the ramp */
	assert_true(a->before > 1800 && a->before < 2200);
	assert_true(a->change < -0.3 && a->change > -0.5);
}

/* 4, 5 and 7 points; the last point alone; a spike. */
static void
test_short_points(void **state)
{
	(void)state;
	const double four[] = {100, 103, 11, 10};
	struct res r = detect(NULL, four, 4, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_SHIFT_DOWN, "4 points");
	assert_int_equal(a->at, 2);
	assert_true(a->strength >= 0.8);
	assert_null(find(&r, ST_ANOM_SPIKE)); /* 103 is the old level, not a spike */

	const double five[] = {100, 103, 98, 11, 10};
	r = detect(NULL, five, 5, NULL);
	a = expect(&r, ST_ANOM_SHIFT_DOWN, "5 points");
	assert_int_equal(a->at, 3);
	assert_true(a->strength >= 0.8);

	/* the last day alone: a shift with weak evidence */
	const double last[] = {100, 104, 98, 101, 99, 103, 10};
	r = detect(NULL, last, 7, NULL);
	assert_int_equal(r.n, 1);
	a = expect(&r, ST_ANOM_SHIFT_DOWN, "last point");
	assert_int_equal(a->at, 6);
	assert_true(a->flags & ST_ANOM_F_LAST);
	assert_true(a->strength >= 0.5 && a->strength <= 0.6);
	assert_true(a->change < -0.85);

	const double spike[] = {100, 104, 98, 400, 99, 103, 101};
	r = detect(NULL, spike, 7, NULL);
	assert_int_equal(r.n, 1);
	a = expect(&r, ST_ANOM_SPIKE, "spike in 7");
	assert_int_equal(a->at, 3);
	assert_int_equal(a->end, 4);
	assert_true(a->after == 400);
	assert_true(a->before >= 99 && a->before <= 102);
	assert_true(a->last_before == 98);
	assert_true(a->strength >= 0.9);

	/* fewer than 4 points: no shift, no spike */
	const double three[] = {100, 10, 11};
	assert_int_equal(detect(NULL, three, 3, NULL).n, 0);
}

/* 30 points: a dip of two days in the middle, a spike on a ramp. */
static void
test_short_runs(void **state)
{
	(void)state;
	double v[30];
	seed(14);
	for (size_t i = 0; i < 30; i++)
		v[i] = 1000 * (i == 12 || i == 13 ? 0.4 : 1) * (1 + 0.03 * gauss());
	struct res r = detect(NULL, v, 30, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_DIP, "2-day dip");
	assert_int_equal(a->at, 12);
	assert_int_equal(a->end, 14);
	assert_true(a->strength >= 0.6);
	assert_null(find(&r, ST_ANOM_SHIFT_DOWN));

	for (size_t i = 0; i < 30; i++)
		v[i] = (1000 + 40 * (double)i) * (1 + 0.02 * gauss()) + (i == 20 ? 1500 : 0);
	r = detect(NULL, v, 30, NULL);
	a = expect(&r, ST_ANOM_SPIKE, "spike on a ramp");
	assert_ptr_equal(a, &r.a[0]);
	assert_int_equal(a->at, 20);
	assert_true(a->before > 1700 && a->before < 1900);
	assert_int_equal(r.n, 1);
}

/* ---- long series -------------------------------------------------------- */

static double big[100000];

static void
test_long_step(void **state)
{
	(void)state;
	seed(21);
	for (size_t i = 0; i < 1000; i++)
		big[i] = (i < 600 ? 100 : 70) + 5 * gauss();
	struct res r = detect(NULL, big, 1000, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_SHIFT_DOWN, "step at 600 of 1000");
	assert_ptr_equal(a, &r.a[0]);
	assert_int_equal(r.n, 1);
	assert_true(a->at >= 599 && a->at <= 601);
	assert_int_equal(a->end, 1000);
	assert_true(a->before > 97 && a->before < 103);
	assert_true(a->after > 67 && a->after < 73);
	assert_true(a->strength >= 0.8);

	/* up, 100000 points, the step late */
	for (size_t i = 0; i < 100000; i++)
		big[i] = (i < 73456 ? 100 : 140) + 5 * gauss();
	r = detect(NULL, big, 100000, NULL);
	a = expect(&r, ST_ANOM_SHIFT_UP, "step at 73456 of 100000");
	assert_int_equal(r.n, 1);
	assert_true(a->at >= 73455 && a->at <= 73457);
	assert_true(a->strength >= 0.9);

	/* two steps: both, each ending where the next begins */
	for (size_t i = 0; i < 3000; i++)
		big[i] = (i < 1000 ? 100 : i < 2000 ? 60 : 90) + 4 * gauss();
	r = detect(NULL, big, 3000, NULL);
	a = expect(&r, ST_ANOM_SHIFT_DOWN, "two steps");
	assert_true(a->at >= 999 && a->at <= 1001);
	const struct st_anomaly *b = expect(&r, ST_ANOM_SHIFT_UP, "two steps");
	assert_true(b->at >= 1999 && b->at <= 2001);
	assert_int_equal(a->end, b->at);
	assert_int_equal(b->end, 3000);
}

/* Noise, ramps, a daily curve, weekends: nothing. */
static void
test_long_controls(void **state)
{
	(void)state;
	seed(22);
	for (int t = 0; t < 20; t++) {
		for (size_t i = 0; i < 1000; i++)
			big[i] = 100 + 5 * gauss();
		struct res r = detect(NULL, big, 1000, NULL);
		assert_quiet(&r, 0.3, "noise, 1000");
	}
	for (size_t i = 0; i < 100000; i++)
		big[i] = 100 + 5 * gauss();
	struct res r = detect(NULL, big, 100000, NULL);
	assert_quiet(&r, 0.3, "noise, 100000");
	/* organic growth: a ramp, and a long compounding one */
	for (size_t i = 0; i < 1000; i++)
		big[i] = 100 + 0.3 * (double)i + 5 * gauss();
	r = detect(NULL, big, 1000, NULL);
	assert_quiet(&r, 0.3, "ramp, 1000");
	double g = 100;
	for (size_t i = 0; i < 100000; i++, g *= 1.00002)
		big[i] = g * (1 + 0.03 * gauss());
	r = detect(NULL, big, 100000, NULL);
	assert_quiet(&r, 0.3, "compounding, 100000");
	/* a daily curve (5-minute points), mild and deep */
	for (size_t i = 0; i < 5000; i++)
		big[i] = 1000 + 300 * tsin(2 * 3.14159265358979 * (double)i / 288) + 20 * gauss();
	r = detect(NULL, big, 5000, NULL);
	assert_quiet(&r, 0.3, "daily sine");
	for (size_t i = 0; i < 5000; i++)
		big[i] = 550 + 450 * tsin(2 * 3.14159265358979 * (double)i / 288) + 10 * gauss();
	r = detect(NULL, big, 5000, NULL);
	assert_quiet(&r, 0.3, "deep daily sine");
	/* daily values with weekends 30% down: a pattern, not dips */
	for (size_t i = 0; i < 1000; i++)
		big[i] = 1000 * (i % 7 >= 5 ? 0.7 : 1) * (1 + 0.03 * gauss());
	r = detect(NULL, big, 1000, NULL);
	assert_quiet(&r, 0.3, "weekends");
	/* a random walk (memory, queue depth) */
	double w = 10000;
	for (size_t i = 0; i < 100000; i++) {
		w += 3 * gauss();
		big[i] = w;
	}
	r = detect(NULL, big, 100000, NULL);
	assert_quiet(&r, 0.3, "random walk");
}

static void
test_long_spikes(void **state)
{
	(void)state;
	seed(23);
	for (size_t i = 0; i < 1000; i++)
		big[i] = 100 + 5 * gauss() + (i == 400 ? 80 : 0);
	struct res r = detect(NULL, big, 1000, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_SPIKE, "spike at 400");
	assert_int_equal(r.n, 1);
	assert_int_equal(a->at, 400);
	assert_int_equal(a->end, 401);
	assert_true(a->after == big[400]);
	assert_true(a->before > 93 && a->before < 107); /* the rolling median */
	assert_true(a->strength >= 0.8);

	/* a burst of 3 points with shoulders (a ramp up and down) */
	for (size_t i = 0; i < 1000; i++)
		big[i] = 100 + 5 * gauss();
	big[600] = big[604] = 121;
	big[601] = 400;
	big[602] = 430;
	big[603] = 410;
	r = detect(NULL, big, 1000, NULL);
	a = expect(&r, ST_ANOM_SPIKE, "burst with shoulders");
	assert_int_equal(r.n, 1);
	assert_true(a->at == 600 || a->at == 601); /* with its shoulders or not */
	assert_true(a->end == 604 || a->end == 605);
	assert_true(a->after == 430);

	/* a dip of 30 points, then back: one dip, not two shifts */
	for (size_t i = 0; i < 1000; i++)
		big[i] = 100 + 5 * gauss() - (i >= 400 && i < 430 ? 60 : 0);
	r = detect(NULL, big, 1000, NULL);
	a = expect(&r, ST_ANOM_DIP, "30-point dip");
	assert_int_equal(r.n, 1);
	assert_true(a->at >= 399 && a->at <= 401);
	assert_true(a->end >= 429 && a->end <= 431);
	assert_true(a->after < 40);
	assert_true(a->strength >= 0.8);
}

/* A drop in the last points of a long series. */
static void
test_long_tail(void **state)
{
	(void)state;
	for (size_t t = 1; t <= 5; t++) {
		seed(24 + t);
		for (size_t i = 0; i < 1000; i++)
			big[i] = 100 + 5 * gauss() - (i >= 1000 - t ? 60 : 0);
		struct res r = detect(NULL, big, 1000, NULL);
		const struct st_anomaly *a = expect(&r, ST_ANOM_SHIFT_DOWN, "tail");
		assert_int_equal(r.n, 1);
		assert_int_equal(a->at, 1000 - t);
		assert_int_equal(a->end, 1000);
		/* up to 4 points: flagged, capped; 5 are the windows' */
		if (t <= 4) {
			assert_true(a->flags & ST_ANOM_F_LAST);
			assert_true(a->strength <= (t == 1 ? 0.6 : t == 2 ? 0.75 : t == 3 ? 0.85 : 0.9));
		}
		assert_true(a->strength >= 0.5);
	}
}

/* ---- counters, STOPPED, NAN, ZERO ------------------------------------------- */

static st_time tsb[2000];

static void
test_counter_rate(void **state)
{
	(void)state;
	/* a counter scraped every 15 s, ~100/s, that stops counting at 800 */
	double c = 5e6;
	seed(31);
	for (size_t i = 0; i < 1000; i++) {
		tsb[i] = tu_utc(2024, 12, 8, 0, 0, 0, 0) + (st_time)i * 15 * ST_USEC;
		if (i > 0 && i < 800)
			c += 1500 + 100 * gauss();
		if (i == 500)
			c = 1234; /* a restart: a reset, not a drop */
		big[i] = c;
	}
	struct st_detect_opts o = {.cumulative = true};
	struct res r = detect(tsb, big, 1000, &o);
	const struct st_anomaly *z = expect(&r, ST_ANOM_ZERO, "counter stops counting");
	assert_int_equal(z->at, 800);
	assert_int_equal(z->end, 1000);
	assert_true(z->before > 95 && z->before < 105); /* per second */
	assert_true(z->after == 0);
	assert_true(z->strength >= 0.9);
	const struct st_anomaly *s = expect(&r, ST_ANOM_SHIFT_DOWN, "counter stops counting");
	assert_int_equal(s->at, 800);
	/* the reset at 500 is nothing */
	for (size_t i = 0; i < r.shown; i++)
		assert_true(r.a[i].at != 500);
	/* read as values, the counter is a ramp then frozen */
	r = detect(tsb, big, 1000, NULL);
	assert_null(find(&r, ST_ANOM_ZERO));
	expect(&r, ST_ANOM_FROZEN, "counter as values");
}

static void
test_stopped(void **state)
{
	(void)state;
	double c = 0;
	seed(32);
	for (size_t i = 0; i < 1000; i++) {
		tsb[i] = tu_utc(2024, 12, 8, 0, 0, 0, 0) + (st_time)i * 15 * ST_USEC;
		c += 1500 + 100 * gauss();
		big[i] = c;
	}
	/* the data ends 10 minutes after the last sample: 40 intervals */
	struct st_detect_opts o = {.cumulative = true, .now = tsb[999] + 600 * ST_USEC};
	struct res r = detect(tsb, big, 1000, &o);
	const struct st_anomaly *a = expect(&r, ST_ANOM_STOPPED, "stopped");
	assert_int_equal(r.n, 1);
	assert_int_equal(a->at, 1000);
	assert_int_equal(a->end, 1000);
	assert_true(a->strength >= 0.9);
	assert_true(a->before > 95 && a->before < 105);
	assert_true(isnan(a->after) && isnan(a->change));
	/* 40 s: under 3 intervals */
	o.now = tsb[999] + 40 * ST_USEC;
	assert_int_equal(detect(tsb, big, 1000, &o).n, 0);
	/* no now, or no times: never stopped */
	o.now = 0;
	assert_int_equal(detect(tsb, big, 1000, &o).n, 0);
	o.now = tsb[999] + 600 * ST_USEC;
	assert_int_equal(detect(NULL, big, 1000, &o).n, 0);
	/* a short live series (10 scrapes) stops too */
	o.cumulative = false;
	for (size_t i = 0; i < 10; i++)
		big[i] = 50 + (double)(i % 3);
	o.now = tsb[9] + 300 * ST_USEC;
	r = detect(tsb, big, 10, &o);
	expect(&r, ST_ANOM_STOPPED, "short stopped");
}

static void
test_nan(void **state)
{
	(void)state;
	/* no value ever: a quantile without observations */
	const double none[] = {NAN, NAN, NAN};
	struct res r = detect(NULL, none, 3, NULL);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.a[0].type, ST_ANOM_NAN);
	assert_int_equal(r.a[0].at, 0);
	assert_int_equal(r.a[0].end, 3);

	/* goes NaN after values */
	const double tail[] = {1, 2, 3, 2, 3, NAN, NAN};
	r = detect(NULL, tail, 7, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_NAN, "NaN tail");
	assert_int_equal(r.n, 1);
	assert_int_equal(a->at, 5);
	assert_int_equal(a->end, 7);
	assert_true(a->last_before == 3 && a->before == 2);
	assert_true(a->strength >= 0.9);
	/* +Inf counts as NaN; one point is less sure */
	const double inf[] = {1, 2, 3, 2, 3, 2, INFINITY};
	r = detect(NULL, inf, 7, NULL);
	a = expect(&r, ST_ANOM_NAN, "Inf tail");
	assert_int_equal(a->at, 6);
	assert_true(a->strength < 0.9 && a->strength >= 0.5);

	/* a NaN hole is skipped, and indexes stay the caller's */
	const double hole[] = {100, 102, NAN, 98, 101, NAN, 10, 11, 9};
	r = detect(NULL, hole, 9, NULL);
	assert_null(find(&r, ST_ANOM_NAN));
	a = expect(&r, ST_ANOM_SHIFT_DOWN, "shift after holes");
	assert_int_equal(a->at, 6);
	assert_true(a->last_before == 101);

	/* the same in a long series: NaN every 10th point */
	seed(33);
	for (size_t i = 0; i < 2000; i++)
		big[i] = i % 10 == 3 ? NAN : (i < 1234 ? 100 : 60) + 4 * gauss();
	r = detect(NULL, big, 2000, NULL);
	a = expect(&r, ST_ANOM_SHIFT_DOWN, "long with holes");
	assert_int_equal(r.n, 1);
	assert_true(a->at >= 1233 && a->at <= 1235 && !isnan(big[a->at]));
}

static void
test_zero(void **state)
{
	(void)state;
	/* a count with activity goes to zero and stays */
	const double z[] = {5, 7, 6, 8, 0, 0};
	struct res r = detect(NULL, z, 6, NULL);
	const struct st_anomaly *a = expect(&r, ST_ANOM_ZERO, "to zero");
	assert_int_equal(a->at, 4);
	assert_true(a->change == -1);
	assert_true(a->strength >= 0.4); /* two zeros after four points: not sure */
	/* a gauge of 1 (up) goes 0 */
	const double up[] = {1, 1, 1, 1, 1, 1, 0, 0};
	r = detect(NULL, up, 8, NULL);
	a = expect(&r, ST_ANOM_ZERO, "up goes 0");
	assert_int_equal(a->at, 6);
	assert_true(a->strength >= 0.6);
	/* and for one scrape only: a dip */
	const double blip[] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1};
	r = detect(NULL, blip, 10, NULL);
	a = expect(&r, ST_ANOM_DIP, "up blips 0");
	assert_int_equal(a->at, 6);
	/* sparse counts hit zero by chance: nothing */
	const double sparse[] = {0, 1, 0, 2, 1, 0, 0, 1, 0, 0};
	struct st_detect_opts o = {.integer_valued = true};
	r = detect(NULL, sparse, 10, &o);
	assert_quiet(&r, 0.3, "sparse counts");
}

/* Poisson counts (errors per minute) with the caller saying counts. */
static void
test_counts(void **state)
{
	(void)state;
	struct st_detect_opts o = {.integer_valued = true};
	static const size_t lens[] = {7, 30, 200, 2000};
	int n = 0;
	seed(34);
	for (size_t li = 0; li < ST_ARRAY_LEN(lens); li++)
		for (int t = 0; t < 20; t++) {
			for (size_t i = 0; i < lens[li]; i++) {
				/* Poisson(4) by counting uniform gaps */
				double q = 1;
				int k = -1;
				do {
					k++;
					q *= urand();
				} while (q > 0.018315638888734); /* e^-4 */
				big[i] = k;
			}
			struct res r = detect(NULL, big, lens[li], &o);
			n += loud(&r, 0.5);
		}
	/* two zeros at the end of Poisson(4) counts happen once in 3000 */
	assert_true(n <= 1);
	/* a burst of errors is still one */
	big[150] = 40;
	struct res r = detect(NULL, big, 200, &o);
	expect(&r, ST_ANOM_SPIKE, "burst");
}

/* ---- options and the output contract ------------------------------------------ */

static void
test_options(void **state)
{
	(void)state;
	const double v[] = {2847291, 2913847, 2791003, 3104582, 3247109, 287412, 291034};
	struct st_detect_opts o = {.min_change = 0.95};
	assert_int_equal(detect(NULL, v, 7, &o).n, 0);
	o.min_change = 0;
	o.min_points = 10;
	assert_int_equal(detect(NULL, v, 7, &o).n, 0);
	/* FROZEN fires with fewer than min_points */
	const double f[] = {139877, 141203, 142918, 14293, 14293};
	struct res r = detect(NULL, f, 5, &o);
	expect(&r, ST_ANOM_FROZEN, "min_points");
	/* a smaller min_change finds a smaller drop */
	const double small[] = {1000, 1010, 990, 1005, 995, 880, 885};
	assert_int_equal(detect(NULL, small, 7, NULL).n, 0);
	o = (struct st_detect_opts){.min_change = 0.1};
	r = detect(NULL, small, 7, &o);
	expect(&r, ST_ANOM_SHIFT_DOWN, "min_change 0.1");
	/* empty and NULL */
	assert_int_equal(st_detect_series(NULL, NULL, 5, NULL, NULL, 0), 0);
	assert_int_equal(st_detect_series(NULL, v, 0, NULL, NULL, 0), 0);
	assert_string_equal(st_anom_name(ST_ANOM_SHIFT_DOWN), "shift_down");
	assert_string_equal(st_anom_name(ST_ANOM_ZERO), "zero");
	assert_string_equal(st_anom_name(0), "?");
	assert_string_equal(st_anom_name(99), "?");
}

static void
test_output(void **state)
{
	(void)state;
	/* five spikes at irregular places, different sizes */
	static const size_t at[] = {100, 230, 410, 580, 777};
	seed(41);
	for (size_t i = 0; i < 1000; i++)
		big[i] = 100 + 2 * gauss();
	for (size_t i = 0; i < 5; i++)
		big[at[i]] += 40 + 20 * (double)i;
	struct st_anomaly out[4];
	memset(out, 0xa5, sizeof out);
	size_t n = st_detect_series(NULL, big, 1000, NULL, out, 2);
	assert_int_equal(n, 5);
	/* only 2 written, the biggest first */
	assert_int_equal(out[0].at, 777);
	assert_int_equal(out[1].at, 580);
	assert_true(out[0].strength >= out[1].strength);
	unsigned char canary[sizeof out[2]];
	memset(canary, 0xa5, sizeof canary);
	assert_memory_equal(&out[2], canary, sizeof canary);
	/* max 0 with no array: the count only */
	assert_int_equal(st_detect_series(NULL, big, 1000, NULL, NULL, 0), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revenue_drop),
		cmocka_unit_test(test_seeds_frozen),
		cmocka_unit_test(test_not_frozen),
		cmocka_unit_test(test_frozen_long),
		cmocka_unit_test(test_short_noise),
		cmocka_unit_test(test_short_growth),
		cmocka_unit_test(test_short_growth_then_drop),
		cmocka_unit_test(test_short_points),
		cmocka_unit_test(test_short_runs),
		cmocka_unit_test(test_long_step),
		cmocka_unit_test(test_long_controls),
		cmocka_unit_test(test_long_spikes),
		cmocka_unit_test(test_long_tail),
		cmocka_unit_test(test_counter_rate),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_nan),
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
