/*
 * test_fuzz_parsers.c: random and mutated lines against every parser and
 * the ingest, with a fixed seed, asserting only that nothing crashes or
 * misbehaves. It means something under -DSTRATA_SANITIZE=ON: ASan catches
 * reads past a line (every line sits in a heap buffer of exactly its
 * length, with no NUL after it) and UBSan catches overflows.
 *
 * Each run happens in a forked child, so one sanitizer report fails one
 * test (naming the parser) instead of killing the whole program; the
 * child's report goes to stderr. The regression tests at the end pin the
 * crashes found so far to one line each.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

#define FUZZ_LINES 20000
#define FUZZ_SEED 0x5eed5eed1234abcdu

/* ---- the corpus */

static uint64_t rs;

static uint64_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static const char *const extra_seeds[] = {
	"{\"time\":\"2024-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"x\"}",
	"{\"ts\":1727746803123456789}",
	"time=1727746803 level=warn msg=\"quoted \\\" inside\"",
	"[2024-12-08T05:59:58Z] tag | {\"level\":\"warn\"}",
	"[2024-12-08T05:59:58Z] tag | I1215 03:22:18 klog inside",
	"<34>Oct  2 02:00:03 host su: x",
	"2024-01-01 10:00:00 +0100 [error] x",
	"Mar  9 02:00:13 2024 x",
	"1727746803.123456789 epoch",
	NULL,
};

static const char *const splices[] = {
	"9999999999999999999", "99999999999", "-", ":", "\"", "{", "}", "[", "]", "|", " ", "\t",
	"Z", "+99:99", ".", ",", "=", "\\", "<", ">", "Feb 29", "60", "\xff", "\xc3", "level=",
	"\"level\":", "W1215 ", "1:M ", "T", "0000", "2024-02-29T23:59:60.9999999999Z",
};

static size_t
pick_seed(const char **out)
{
	size_t total = 0;
	for (size_t f = 0; f < st_nformats; f++)
		for (const char *const *s = st_formats[f]->samples; *s; s++)
			total++;
	for (const char *const *s = extra_seeds; *s; s++)
		total++;
	size_t k = (size_t)(rnd() % total);
	for (size_t f = 0; f < st_nformats; f++)
		for (const char *const *s = st_formats[f]->samples; *s; s++)
			if (k-- == 0)
				return strlen(*out = *s);
	for (const char *const *s = extra_seeds; *s; s++)
		if (k-- == 0)
			return strlen(*out = *s);
	*out = "";
	return 0;
}

/* One fuzz line into b (cleared first). */
static void
make_line(struct st_buf *b)
{
	b->len = 0;
	if (rnd() % 5 == 0) {
		/* pure random bytes, NUL included, no newline */
		size_t n = (size_t)(rnd() % 160);
		for (size_t i = 0; i < n; i++) {
			char c = (char)rnd();
			st_buf_addc(b, c == '\n' ? ' ' : c);
		}
		return;
	}
	const char *seed;
	size_t n = pick_seed(&seed);
	st_buf_add(b, seed, n);
	int ops = 1 + (int)(rnd() % 4);
	for (int op = 0; op < ops; op++) {
		size_t len = b->len;
		size_t at = len ? (size_t)(rnd() % (len + 1)) : 0;
		switch (rnd() % 7) {
		case 0: /* cut short */
			b->len = at;
			break;
		case 1: /* flip a byte */
			if (at < len)
				b->p[at] = (char)rnd();
			break;
		case 2: /* delete a run */
			if (at < len) {
				size_t r = (size_t)(rnd() % 8) + 1; /* ST_MIN evaluates twice */
				size_t k = ST_MIN(r, len - at);
				memmove(b->p + at, b->p + at + k, len - at - k);
				b->len -= k;
			}
			break;
		case 3: { /* splice a troublesome token in */
			const char *t = splices[rnd() % ST_ARRAY_LEN(splices)];
			size_t tl = strlen(t);
			st_buf_grow(b, tl);
			memmove(b->p + at + tl, b->p + at, len - at);
			memcpy(b->p + at, t, tl);
			b->len += tl;
			break;
		}
		case 4: /* a digit becomes another digit */
			for (size_t i = at; i < len; i++)
				if (b->p[i] >= '0' && b->p[i] <= '9') {
					b->p[i] = (char)('0' + rnd() % 10);
					break;
				}
			break;
		case 5: /* a NUL */
			if (at < len)
				b->p[at] = '\0';
			break;
		case 6: /* repeat a piece */
			if (at < len) {
				size_t r = (size_t)(rnd() % 40) + 1;
				size_t k = ST_MIN(r, len - at);
				char tmp[40];
				memcpy(tmp, b->p + at, k);
				st_buf_add(b, tmp, k);
			}
			break;
		}
	}
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] == '\n')
			b->p[i] = ' ';
}

/* ---- runs */

static void
check_parse(size_t f, const struct st_timectx *tc, const char *line, size_t n)
{
	char *p = st_xmalloc(n ? n : 1);
	memcpy(p, line, n);
	struct st_draft d;
	if (st_formats[f]->parse(tc, p, n, &d) == 0) {
		/* only a wrapper may read a line without a time (format.h) */
		if (d.body > n || d.level > ST_LVL_FATAL || d.kind > ST_KIND_METRIC ||
		    (d.ts == ST_TIME_NONE && !st_formats[f]->wraps)) {
			fprintf(stderr, "%s: bad draft (body %u of %zu, level %u, kind %u) for: %.*s\n",
			        st_formats[f]->name, d.body, n, d.level, d.kind, (int)n, line);
			_exit(3);
		}
	}
	free(p);
}

static void
fuzz_one_parser(const void *arg)
{
	size_t f = *(const size_t *)arg;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 1734652800LL * ST_USEC);
	struct st_tz *tz = NULL;
	if (st_tz_load("America/New_York", &tz) != 0)
		_exit(4);
	struct st_timectx tz_tc;
	st_timectx_init(&tz_tc, tz, 1734652800LL * ST_USEC);
	struct st_buf b = {0};
	rs = FUZZ_SEED;
	for (int i = 0; i < FUZZ_LINES; i++) {
		make_line(&b);
		check_parse(f, i % 3 ? &tc : &tz_tc, b.p ? b.p : "", b.len);
	}
	st_buf_free(&b);
	st_tz_free(tz);
}

static void
test_fuzz_parsers(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t f = 0; f < st_nformats; f++) {
		char what[64];
		snprintf(what, sizeof(what), "fuzzing %s", st_formats[f]->name);
		if (!tu_isolated(fuzz_one_parser, &f, what))
			failed++;
	}
	assert_int_equal(failed, 0);
}

static void
prefixes_one_parser(const void *arg)
{
	/* every prefix of every sample and seed: the cuts a short read or a
	 * truncated file makes */
	size_t f = *(const size_t *)arg;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 1734652800LL * ST_USEC);
	for (size_t g = 0; g < st_nformats; g++)
		for (const char *const *s = st_formats[g]->samples; *s; s++)
			for (size_t n = 0; n <= strlen(*s); n++)
				check_parse(f, &tc, *s, n);
	for (const char *const *s = extra_seeds; *s; s++)
		for (size_t n = 0; n <= strlen(*s); n++)
			check_parse(f, &tc, *s, n);
}

static void
test_prefixes(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t f = 0; f < st_nformats; f++) {
		char what[64];
		snprintf(what, sizeof(what), "prefixes through %s", st_formats[f]->name);
		if (!tu_isolated(prefixes_one_parser, &f, what))
			failed++;
	}
	assert_int_equal(failed, 0);
}

static void
fuzz_ingest(const void *arg)
{
	(void)arg;
	/* the whole corpus as one file, in random chunks, as a reader feeds */
	struct st_buf in = {0}, line = {0};
	rs = FUZZ_SEED ^ 0xabcdef;
	for (int i = 0; i < FUZZ_LINES; i++) {
		make_line(&line);
		if (line.len) /* st_buf_add of nothing to an empty buffer: test_escape */
			st_buf_add(&in, line.p, line.len);
		st_buf_adds(&in, rnd() % 10 ? "\n" : "\r\n");
	}
	struct st_store *st = st_store_new();
	st_store_add_source(st, "fuzz");
	struct st_ingest ig;
	st_ingest_init(&ig, st, 0, NULL, 1734652800LL * ST_USEC);
	struct st_buf held = {0};
	size_t pos = 0;
	while (pos < in.len) {
		size_t r = (size_t)(rnd() % 5000) + 1;
		size_t take = ST_MIN(r, in.len - pos);
		st_buf_add(&held, in.p + pos, take);
		pos += take;
		char *copy = st_xmalloc(held.len);
		memcpy(copy, held.p, held.len);
		size_t used = st_ingest_feed(&ig, copy, held.len, false);
		free(copy);
		memmove(held.p, held.p + used, held.len - used);
		held.len -= used;
	}
	char *copy = st_xmalloc(held.len ? held.len : 1);
	memcpy(copy, held.p, held.len);
	if (st_ingest_feed(&ig, copy, held.len, true) != held.len)
		_exit(5);
	free(copy);
	if (ig.stats.lines != FUZZ_LINES || ig.stats.lines != ig.stats.blank + ig.stats.events + ig.stats.continuation)
		_exit(6);
	size_t n;
	st_store_order(st, &n);
	if (n != ig.stats.events)
		_exit(7);
	st_store_free(st);
	st_buf_free(&held);
	st_buf_free(&in);
	st_buf_free(&line);
}

static void
test_fuzz_ingest(void **state)
{
	(void)state;
	assert_true(tu_isolated(fuzz_ingest, NULL, "fuzzing st_ingest_feed"));
}

static void
fuzz_detect(const void *arg)
{
	(void)arg;
	rs = FUZZ_SEED ^ 0x1111;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 1734652800LL * ST_USEC);
	for (int round = 0; round < 200; round++) {
		char *lines[16];
		size_t lens[16];
		struct st_buf b = {0};
		for (int i = 0; i < 16; i++) {
			make_line(&b);
			lens[i] = b.len;
			lines[i] = st_xmalloc(b.len ? b.len : 1);
			memcpy(lines[i], b.p ? b.p : "", b.len);
		}
		size_t hits;
		int f = st_format_detect(&tc, (const char *const *)lines, lens, 16, &hits);
		if (f < -1 || f >= (int)st_nformats || hits > 16 || (f == -1) != (hits == 0))
			_exit(8);
		for (int i = 0; i < 16; i++)
			free(lines[i]);
		st_buf_free(&b);
	}
}

static void
test_fuzz_detect(void **state)
{
	(void)state;
	assert_true(tu_isolated(fuzz_detect, NULL, "fuzzing st_format_detect"));
}

/* ---- regressions: one line each, through every parser */

struct one_line {
	const char *format;
	const char *s;
	size_t n;
};

static void
one_parser(const void *arg)
{
	const struct one_line *l = arg;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 1734652800LL * ST_USEC);
	int f = st_format_find(l->format);
	if (f < 0)
		_exit(9);
	check_parse((size_t)f, &tc, l->s, l->n);
}

/* One line through one parser; text may hold a NUL (its length comes from
 * sizeof). */
#define REGRESSION(name, format, text)                                         \
	static void name(void **state)                                             \
	{                                                                          \
		(void)state;                                                           \
		static const struct one_line l = {format, text, sizeof(text) - 1};     \
		assert_true(tu_isolated(one_parser, &l, #name " (" format ")"));       \
	}

/* a 19-digit epoch overflows int64 in st_parse_time_value (common.c) */
REGRESSION(test_json_epoch_19_digits, "json", "{\"time\":9999999999999999999,\"msg\":\"x\"}")
REGRESSION(test_logfmt_epoch_19_digits, "logfmt", "time=9999999999999999999 level=info msg=x")
REGRESSION(test_generic_epoch_19_digits, "generic", "9999999999999999999 x")
/* a 10-digit Redis pid overflows int in st_digits (redis.c asks for up to
 * 10 digits); bracket hands its message to the Redis parser */
REGRESSION(test_redis_pid_10_digits, "redis", "[9999999999] 14 Nov 07:01:22.119 * x")
REGRESSION(test_redis_pid_role_10_digits, "redis", "9999999999:M 12 Sep 2024 14:37:55.812 * x")
REGRESSION(test_bracket_redis_pid_10_digits, "bracket",
           "[2024-09-12T14:38:41Z] redis | 9999999999:M 12 Sep 2024 14:38:41.003 # x")
/* a NUL where st_level_scan looks for a klog letter */
REGRESSION(test_level_scan_nul_letter, "iso8601", "2024-01-01T00:00:00Z \0" "1234 x")
/* a JSON key whose value is missing or cut at the end of the line */
REGRESSION(test_json_value_missing, "json", "{\"time\":")
REGRESSION(test_json_value_open_string, "json", "{\"time\":\"")
REGRESSION(test_json_level_missing, "json", "{\"time\":\"2024-01-01T00:00:00Z\",\"level\":")

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_parsers),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_fuzz_ingest),
		cmocka_unit_test(test_fuzz_detect),
		cmocka_unit_test(test_json_epoch_19_digits),
		cmocka_unit_test(test_logfmt_epoch_19_digits),
		cmocka_unit_test(test_generic_epoch_19_digits),
		cmocka_unit_test(test_redis_pid_10_digits),
		cmocka_unit_test(test_redis_pid_role_10_digits),
		cmocka_unit_test(test_bracket_redis_pid_10_digits),
		cmocka_unit_test(test_level_scan_nul_letter),
		cmocka_unit_test(test_json_value_missing),
		cmocka_unit_test(test_json_value_open_string),
		cmocka_unit_test(test_json_level_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
