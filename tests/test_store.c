/*
 * test_store.c: the event store (src/store.c): appends in and out of
 * order, the ordered index, continuation lines and arena blocks, limits,
 * what st_store_get unpacks, and the memory cost per event.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static struct st_draft
draft(st_time ts, int level, int kind)
{
	struct st_draft d = {.ts = ts, .level = (uint8_t)level, .kind = (uint8_t)kind, .body = 0};
	return d;
}

static uint32_t
add(struct st_store *st, unsigned src, uint32_t line, st_time ts, const char *text)
{
	struct st_draft d = draft(ts, ST_LVL_INFO, ST_KIND_LOG);
	return st_store_append(st, src, line, &d, 0, 0, text, strlen(text));
}

static void
assert_text(const struct st_store *st, uint32_t seq, const char *want, size_t wlen)
{
	struct st_event ev;
	st_store_get(st, seq, &ev);
	if (ev.len != wlen || memcmp(ev.text, want, wlen) != 0) {
		print_error("event %u: text of %u bytes (\"%.*s\"), want %zu (\"%.*s\")\n", seq, ev.len,
		            (int)ST_MIN(ev.len, 60), ev.text, wlen, (int)ST_MIN(wlen, 60), want);
		fail();
	}
}

/* (ts, source, line, seq) of a strictly before b? */
static bool
before(const struct st_event *a, const struct st_event *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->source != b->source)
		return a->source < b->source;
	if (a->line != b->line)
		return a->line < b->line;
	return a->seq < b->seq;
}

/* The ordered index is sorted and holds every event exactly once. */
static void
assert_ordered(struct st_store *st)
{
	size_t n;
	const uint32_t *o = st_store_order(st, &n);
	size_t count = st_store_count(st);
	assert_int_equal(n, count);
	unsigned char *seen = tu_keep(calloc(count ? count : 1, 1), free);
	assert_non_null(seen);
	struct st_event prev, ev;
	for (size_t i = 0; i < n; i++) {
		assert_true(o[i] < count);
		if (seen[o[i]]) {
			print_error("seq %u twice in the order\n", o[i]);
			fail();
		}
		seen[o[i]] = 1;
		st_store_get(st, o[i], &ev);
		assert_int_equal(ev.seq, o[i]);
		if (i > 0 && !before(&prev, &ev)) {
			print_error("order[%zu]: (%lld, %u, %u, %u) after (%lld, %u, %u, %u)\n", i,
			            (long long)ev.ts, ev.source, ev.line, ev.seq, (long long)prev.ts,
			            prev.source, prev.line, prev.seq);
			fail();
		}
		prev = ev;
	}
	tu_release(seen);
}

static void
free_store(void *p)
{
	st_store_free(p);
}

/* A new store, freed by tu_release or by the teardown if the test fails. */
static struct st_store *
new_store(void)
{
	return tu_keep(st_store_new(), free_store);
}

static struct st_store *
store_with_sources(int n)
{
	struct st_store *st = new_store();
	static const char *const names[] = {"a.log", "b.log", "c.log", "d.log"};
	for (int i = 0; i < n; i++)
		assert_int_equal(st_store_add_source(st, names[i]), i);
	return st;
}

static void
test_sources(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(3);
	assert_int_equal(st_store_nsources(st), 3);
	assert_string_equal(st_store_source_name(st, 0), "a.log");
	assert_string_equal(st_store_source_name(st, 2), "c.log");
	assert_string_equal(st_store_source_name(st, 3), "?");
	assert_int_equal(st_store_count(st), 0);
	size_t n = 99;
	st_store_order(st, &n);
	assert_int_equal(n, 0);
	tu_release(st);
	st_store_free(NULL);
}

static void
test_sources_max(void **state)
{
	(void)state;
	struct st_store *st = new_store();
	for (unsigned i = 0; i < ST_SOURCES_MAX; i++)
		assert_int_equal(st_store_add_source(st, "s"), (int)i);
	assert_int_equal(st_store_add_source(st, "one too many"), ST_ETOOBIG);
	assert_int_equal(st_store_nsources(st), ST_SOURCES_MAX);
	/* the last source works */
	uint32_t seq = add(st, ST_SOURCES_MAX - 1, 1, 5, "last");
	struct st_event ev;
	st_store_get(st, seq, &ev);
	assert_int_equal(ev.source, ST_SOURCES_MAX - 1);
	tu_release(st);
}

static void
test_append_in_order(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(3);
	char text[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(text, sizeof(text), "event %d", i);
		assert_int_equal(add(st, (unsigned)(i % 3), (uint32_t)(i / 3 + 1), i * ST_USEC, text), i);
	}
	size_t n;
	const uint32_t *o = st_store_order(st, &n);
	assert_int_equal(n, 3000);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(o[i], i);
	for (uint32_t i = 0; i < 3000; i += 111) {
		snprintf(text, sizeof(text), "event %u", i);
		assert_text(st, i, text, strlen(text));
	}
	assert_ordered(st);
	tu_release(st);
}

struct spec {
	st_time ts;
	unsigned src;
	uint32_t line;
};

static void
shuffle(struct spec *v, size_t n)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(rng() % (i + 1));
		struct spec t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void
test_append_out_of_order(void **state)
{
	(void)state;
	rng_state = 0x1234567887654321u;
	enum { N = 10000 };
	struct spec *v = tu_keep(calloc(N, sizeof(*v)), free);
	assert_non_null(v);
	for (size_t i = 0; i < N; i++) {
		/* many equal times, some equal (time, source, line) too, and a few
		 * untimed events */
		v[i].ts = i % 97 == 0 ? ST_TIME_NONE : (st_time)(i / 8) * ST_USEC;
		v[i].src = (unsigned)(rng() % 3);
		v[i].line = (uint32_t)(rng() % 50) + 1;
	}
	shuffle(v, N);
	struct st_store *st = store_with_sources(3);
	char text[32];
	for (size_t i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "e%zu", i);
		uint32_t seq = add(st, v[i].src, v[i].line, v[i].ts, text);
		assert_int_equal(seq, i);
	}
	assert_ordered(st);
	/* untimed events come first */
	size_t n;
	const uint32_t *o = st_store_order(st, &n);
	size_t untimed = 0;
	for (size_t i = 0; i < N; i++)
		untimed += v[i].ts == ST_TIME_NONE;
	assert_true(untimed > 0);
	for (size_t i = 0; i < n; i++) {
		struct st_event ev;
		st_store_get(st, o[i], &ev);
		assert_int_equal(ev.ts == ST_TIME_NONE, i < untimed);
		/* every event still has its own data */
		assert_int_equal(ev.source, v[ev.seq].src);
		assert_int_equal(ev.line, v[ev.seq].line);
		snprintf(text, sizeof(text), "e%u", ev.seq);
		assert_text(st, ev.seq, text, strlen(text));
	}
	tu_release(st);
	tu_release(v);
}

static void
test_order_then_append(void **state)
{
	(void)state;
	rng_state = 42;
	struct st_store *st = store_with_sources(3);
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < 2000; i++) {
			st_time ts = (st_time)(rng() % 5000) * ST_USEC;
			if (rng() % 50 == 0)
				ts = ST_TIME_NONE;
			add(st, (unsigned)(rng() % 3), (uint32_t)(rng() % 100) + 1, ts, "x");
		}
		assert_ordered(st);
		/* ordering twice with nothing new changes nothing */
		size_t n1, n2;
		const uint32_t *o1 = st_store_order(st, &n1);
		uint32_t first = o1[0], last = o1[n1 - 1];
		const uint32_t *o2 = st_store_order(st, &n2);
		assert_int_equal(n1, n2);
		assert_int_equal(o2[0], first);
		assert_int_equal(o2[n2 - 1], last);
	}
	/* in-order appends after an order call extend the index directly */
	size_t n;
	st_store_order(st, &n);
	for (int i = 0; i < 100; i++)
		add(st, 0, 1000, (st_time)(10000 + i) * ST_USEC, "late but in order");
	assert_ordered(st);
	tu_release(st);
}

static void
test_equal_keys_keep_arrival(void **state)
{
	(void)state;
	/* same time, source and line: arrival order decides */
	struct st_store *st = store_with_sources(2);
	add(st, 1, 1, 100, "b1");
	add(st, 0, 1, 100, "a1");
	add(st, 1, 1, 100, "b2");
	add(st, 0, 1, 100, "a2");
	add(st, 0, 1, 50, "first");
	size_t n;
	const uint32_t *o = st_store_order(st, &n);
	assert_int_equal(n, 5);
	static const uint32_t want[] = {4, 1, 3, 0, 2};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(o[i], want[i]);
	tu_release(st);
}

static void
test_extend(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(2);
	uint32_t a = add(st, 0, 1, 1, "java.lang.RuntimeException: boom");
	uint32_t b = add(st, 1, 1, 2, "other source");
	assert_int_equal(st_store_extend(st, 0, "\tat Foo.bar(Foo.java:1)", 23), 0);
	assert_int_equal(st_store_extend(st, 0, "\tat Foo.main(Foo.java:9)", 24), 0);
	const char *want = "java.lang.RuntimeException: boom\n\tat Foo.bar(Foo.java:1)\n\tat Foo.main(Foo.java:9)";
	assert_text(st, a, want, strlen(want));
	assert_text(st, b, "other source", 12);
	/* an empty continuation adds the newline only */
	assert_int_equal(st_store_extend(st, 1, "", 0), 0);
	assert_text(st, b, "other source\n", 13);
	/* the newest event of the source takes it */
	uint32_t c = add(st, 0, 5, 3, "second");
	st_store_extend(st, 0, "more", 4);
	assert_text(st, c, "second\nmore", 11);
	assert_text(st, a, want, strlen(want));
	struct st_event ev;
	st_store_get(st, c, &ev);
	assert_int_equal(ev.flags, 0);
	assert_int_equal(ev.line, 5);
	assert_int_equal(ev.level, ST_LVL_INFO);
	/* a source without events drops everything */
	assert_int_equal(st_store_add_source(st, "empty"), 2);
	assert_int_equal(st_store_extend(st, 2, "lost", 4), 4);
	tu_release(st);
}

static void
test_extend_moves_block(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(2);
	char chunk[1000];
	memset(chunk, 'a', sizeof(chunk));
	/* fill most of source 0's first 64 KiB block, with source 1 allocating
	 * its own block between, so the arena is shared */
	uint32_t seqs[70];
	int k = 0;
	for (; k < 65; k++) {
		chunk[0] = (char)('A' + k % 26);
		seqs[k] = st_store_append(st, 0, (uint32_t)k + 1, &(struct st_draft){.ts = k}, 0, 0, chunk,
		                          sizeof(chunk));
		if (k == 3)
			add(st, 1, 1, 3, "source one");
	}
	uint32_t last = seqs[k - 1];
	/* 4000 bytes do not fit in what is left: the event moves */
	char *cont = tu_keep(malloc(4000), free);
	assert_non_null(cont);
	for (int i = 0; i < 4000; i++)
		cont[i] = (char)('0' + i % 10);
	assert_int_equal(st_store_extend(st, 0, cont, 4000), 0);
	char *want = tu_keep(malloc(1000 + 1 + 4000), free);
	assert_non_null(want);
	memcpy(want, chunk, 1000);
	want[1000] = '\n';
	memcpy(want + 1001, cont, 4000);
	assert_text(st, last, want, 5001);
	/* earlier events of the block are intact */
	for (int i = 0; i < k - 1; i++) {
		chunk[0] = (char)('A' + i % 26);
		assert_text(st, seqs[i], chunk, sizeof(chunk));
	}
	struct st_event ev;
	st_store_get(st, last, &ev);
	assert_int_equal(ev.source, 0);
	assert_int_equal(ev.line, 65);

	/* a large continuation: several times the block size */
	size_t big = 600000;
	char *huge = tu_keep(malloc(big), free);
	assert_non_null(huge);
	memset(huge, 'z', big);
	assert_int_equal(st_store_extend(st, 0, huge, big), 0);
	st_store_get(st, last, &ev);
	assert_int_equal(ev.len, 5001 + 1 + big);
	assert_memory_equal(ev.text, want, 5001);
	assert_int_equal(ev.text[5001], '\n');
	assert_memory_equal(ev.text + 5002, huge, big);
	assert_int_equal(ev.source, 0);

	/* appends after the move go on working, for both sources */
	uint32_t after = add(st, 0, 100, 1000, "after the move");
	uint32_t other = add(st, 1, 2, 1001, "source one again");
	assert_text(st, after, "after the move", 14);
	assert_text(st, other, "source one again", 16);
	st_store_get(st, other, &ev);
	assert_int_equal(ev.source, 1);
	st_store_get(st, after, &ev);
	assert_int_equal(ev.source, 0);
	st_store_get(st, last, &ev);
	assert_int_equal(ev.len, 5001 + 1 + big);
	assert_ordered(st);
	tu_release(huge);
	tu_release(want);
	tu_release(cont);
	tu_release(st);
}

static void
test_many_extends(void **state)
{
	(void)state;
	/* stack traces in two sources growing in turn */
	struct st_store *st = store_with_sources(2);
	struct st_buf w0 = {0}, w1 = {0};
	uint32_t e0 = add(st, 0, 1, 1, "head0");
	uint32_t e1 = add(st, 1, 1, 1, "head1");
	st_buf_adds(&w0, "head0");
	st_buf_adds(&w1, "head1");
	char line[128];
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), "\tat com.example.Class%d.method(Class%d.java:%d)", i, i, i);
		unsigned src = (unsigned)(i % 2);
		st_store_extend(st, src, line, strlen(line));
		struct st_buf *w = src ? &w1 : &w0;
		st_buf_addc(w, '\n');
		st_buf_adds(w, line);
	}
	assert_text(st, e0, w0.p, w0.len);
	assert_text(st, e1, w1.p, w1.len);
	st_buf_free(&w0);
	st_buf_free(&w1);
	tu_release(st);
}

static void
test_text_max(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(1);
	size_t big = (size_t)ST_TEXT_MAX + 10;
	char *text = tu_keep(malloc(big), free);
	assert_non_null(text);
	for (size_t i = 0; i < big; i++)
		text[i] = (char)('a' + i % 26);
	struct st_draft d = draft(1, ST_LVL_WARN, ST_KIND_LOG);
	uint32_t s = st_store_append(st, 0, 1, &d, 0, 0, text, big);
	struct st_event ev;
	st_store_get(st, s, &ev);
	assert_int_equal(ev.len, ST_TEXT_MAX);
	assert_true(ev.flags & ST_EV_TRUNCATED);
	assert_memory_equal(ev.text, text, ST_TEXT_MAX);
	assert_int_equal(ev.level, ST_LVL_WARN);

	/* a record that grows past the limit by continuation lines */
	size_t first = ST_TEXT_MAX - 100;
	s = st_store_append(st, 0, 2, &d, 0, 0, text, first);
	st_store_get(st, s, &ev);
	assert_false(ev.flags & ST_EV_TRUNCATED);
	assert_int_equal(st_store_extend(st, 0, "0123456789", 10), 0);
	/* 89 bytes of room left: '\n' and 88 of the 1000 */
	assert_int_equal(st_store_extend(st, 0, text, 1000), 1000 + 1 - 89);
	st_store_get(st, s, &ev);
	assert_int_equal(ev.len, ST_TEXT_MAX);
	assert_true(ev.flags & ST_EV_TRUNCATED);
	assert_memory_equal(ev.text, text, first);
	assert_memory_equal(ev.text + first, "\n0123456789\n", 12);
	assert_memory_equal(ev.text + first + 12, text, 88);
	/* full: everything further is dropped, '\n' included */
	assert_int_equal(st_store_extend(st, 0, "x", 1), 2);
	st_store_get(st, s, &ev);
	assert_int_equal(ev.len, ST_TEXT_MAX);
	assert_int_equal(ev.line, 2);
	tu_release(text);
	tu_release(st);
}

static void
test_get_fields(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(3);
	/* formats per event: runs change mid-source, interleaved with others */
	static const struct {
		unsigned src, format, level, kind, flags;
	} ev_spec[] = {
		{0, 1, ST_LVL_INFO, ST_KIND_LOG, 0},
		{0, 1, ST_LVL_WARN, ST_KIND_LOG, 0},
		{1, 4, ST_LVL_NONE, ST_KIND_METRIC, 0},
		{0, 1, ST_LVL_ERROR, ST_KIND_CHANGE, ST_EV_TRUNCATED},
		{0, 2, ST_LVL_FATAL, ST_KIND_LOG, ST_EV_LATE},
		{1, 4, ST_LVL_TRACE, ST_KIND_LOG, 0},
		{2, 0xff, ST_LVL_NONE, ST_KIND_LOG, 0},
		{0, 2, ST_LVL_DEBUG, ST_KIND_LOG, ST_EV_LATE | ST_EV_TRUNCATED},
		{0, 1, ST_LVL_NOTICE, ST_KIND_LOG, 0},
		{1, 5, ST_LVL_INFO, ST_KIND_LOG, 0},
		{2, 3, ST_LVL_INFO, ST_KIND_LOG, 0},
		{0, 0xff, ST_LVL_NONE, ST_KIND_LOG, 0},
		{0, 0, ST_LVL_INFO, ST_KIND_LOG, 0},
		{1, 4, ST_LVL_INFO, ST_KIND_LOG, 0},
	};
	size_t n = ST_ARRAY_LEN(ev_spec);
	char text[32];
	for (size_t i = 0; i < n; i++) {
		struct st_draft d = draft((st_time)i * 1000, (int)ev_spec[i].level, (int)ev_spec[i].kind);
		snprintf(text, sizeof(text), "text %zu", i);
		uint32_t s = st_store_append(st, ev_spec[i].src, (uint32_t)(10 * i + 1), &d,
		                             ev_spec[i].format, ev_spec[i].flags, text, strlen(text));
		assert_int_equal(s, i);
	}
	for (size_t i = 0; i < n; i++) {
		struct st_event ev;
		st_store_get(st, (uint32_t)i, &ev);
		snprintf(text, sizeof(text), "text %zu", i);
		if (ev.source != ev_spec[i].src || ev.format != ev_spec[i].format ||
		    ev.level != ev_spec[i].level || ev.kind != ev_spec[i].kind ||
		    ev.flags != ev_spec[i].flags || ev.line != 10 * i + 1 || ev.seq != i ||
		    ev.ts != (st_time)i * 1000 || ev.len != strlen(text) ||
		    memcmp(ev.text, text, ev.len) != 0) {
			print_error("event %zu: source %u format %u level %u kind %u flags %u line %u, "
			            "want %u %u %u %u %u %zu\n",
			            i, ev.source, ev.format, ev.level, ev.kind, ev.flags, ev.line,
			            ev_spec[i].src, ev_spec[i].format, ev_spec[i].level, ev_spec[i].kind,
			            ev_spec[i].flags, 10 * i + 1);
			fail();
		}
	}
	tu_release(st);
}

static void
test_empty_text_at_full_block(void **state)
{
	(void)state;
	/* source 0 fills its first 64 KiB block to the byte; source 1's block
	 * comes right after it in the arena. An empty event of source 0 must
	 * still belong to source 0 (its offset must not point into source 1's
	 * block). */
	struct st_store *st = store_with_sources(2);
	char chunk[1024];
	memset(chunk, 'q', sizeof(chunk));
	for (int i = 0; i < 64; i++) {
		struct st_draft d = draft(i, ST_LVL_INFO, ST_KIND_LOG);
		st_store_append(st, 0, (uint32_t)i + 1, &d, 1, 0, chunk, sizeof(chunk));
	}
	add(st, 1, 1, 100, "source one");
	struct st_draft d = draft(200, ST_LVL_WARN, ST_KIND_LOG);
	uint32_t e = st_store_append(st, 0, 65, &d, 1, 0, "", 0);
	struct st_event ev;
	st_store_get(st, e, &ev);
	assert_int_equal(ev.len, 0);
	assert_int_equal(ev.line, 65);
	if (ev.source != 0) {
		print_error("empty event of source 0 reads as source %u\n", ev.source);
		fail();
	}
	assert_int_equal(ev.format, 1);
	/* and it can take a continuation line */
	st_store_extend(st, 0, "cont", 4);
	assert_text(st, e, "\ncont", 5);
	st_store_get(st, e, &ev);
	assert_int_equal(ev.source, 0);
	tu_release(st);
}

static void
test_memory_per_event(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct st_store *st = store_with_sources(1);
	size_t text_total = 0;
	char text[64];
	for (int i = 0; i < N; i++) {
		int len = snprintf(text, sizeof(text), "GET /api/v1/items/%d 200", i);
		struct st_draft d = draft((st_time)i * ST_USEC, ST_LVL_INFO, ST_KIND_LOG);
		st_store_append(st, 0, (uint32_t)i + 1, &d, 0, 0, text, (size_t)len);
		text_total += (size_t)len;
	}
	size_t n;
	st_store_order(st, &n);
	assert_int_equal(n, N);
	struct st_store_mem m;
	st_store_memory(st, &m);
	double index_per = (double)m.index / N;
	double reserved_per = (double)m.index_reserved / N;
	double held_per = (double)(m.index + m.arena - text_total) / N;
	print_message("store: %d events, %.1f bytes of text each; index %.1f bytes/event "
	              "(%.1f reserved), arena %zu bytes for %zu of text: %.1f bytes/event held "
	              "beside the text\n",
	              N, (double)text_total / N, index_per, reserved_per, m.arena, text_total, held_per);
	assert_int_equal(m.mapped, 0);
	assert_true(m.arena >= text_total);
	/* 16-byte record, 4-byte line, 4-byte index slot; the page and block
	 * tables add a little */
	assert_true(index_per >= 24.0);
	assert_true(index_per <= 25.0);
	/* arrays grow by doubling */
	assert_true(m.index_reserved >= m.index);
	assert_true(reserved_per <= 2 * 24.0 + 2.0);
	/* what is held beside the text, arena slack included */
	assert_true(held_per <= 40.0);
	tu_release(st);
}

static char *
make_map(const char *data, size_t len)
{
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	memcpy(map, data, len);
	assert_int_equal(mprotect(map, len, PROT_READ), 0);
	return map;
}

static void
test_adopt_map(void **state)
{
	(void)state;
	static const char file[] = "2024-01-01T00:00:00Z first\r\n"
	                           "\tat cont one\n"
	                           "\n"
	                           "\tat cont two\n"
	                           "2024-01-01T00:00:01Z second\n";
	size_t len = sizeof(file) - 1;
	struct st_store *st = store_with_sources(2);
	char *map = make_map(file, len);
	st_store_adopt_map(st, 0, map, len);
	struct st_store_mem m;
	st_store_memory(st, &m);
	assert_int_equal(m.mapped, len);
	assert_int_equal(m.arena, 0);

	/* text inside the mapping is referenced, not copied */
	struct st_draft d = draft(1, ST_LVL_INFO, ST_KIND_LOG);
	const char *l1 = strstr(map, "2024-01-01T00:00:00Z first");
	uint32_t a = st_store_append(st, 0, 1, &d, 2, 0, l1, 26);
	struct st_event ev;
	st_store_get(st, a, &ev);
	assert_ptr_equal(ev.text, l1);
	assert_int_equal(ev.source, 0);
	assert_int_equal(ev.format, 2);
	/* continuation lines in the mapping: the record runs to their ends,
	 * what lies between (CRLF, blank lines) included */
	const char *c1 = strstr(map, "\tat cont one");
	assert_int_equal(st_store_extend(st, 0, c1, 12), 0);
	const char *c2 = strstr(map, "\tat cont two");
	assert_int_equal(st_store_extend(st, 0, c2, 12), 0);
	st_store_get(st, a, &ev);
	assert_ptr_equal(ev.text, l1);
	assert_text(st, a, "2024-01-01T00:00:00Z first\r\n\tat cont one\n\n\tat cont two",
	            26 + 2 + 12 + 2 + 12);
	/* another source between does not disturb it */
	uint32_t other = add(st, 1, 1, 5, "source one");
	const char *l2 = strstr(map, "2024-01-01T00:00:01Z second");
	uint32_t b = st_store_append(st, 0, 5, &d, 2, 0, l2, 27);
	st_store_get(st, b, &ev);
	assert_ptr_equal(ev.text, l2);
	/* a continuation from outside the mapping moves the record to the arena */
	assert_int_equal(st_store_extend(st, 0, "copied", 6), 0);
	assert_text(st, b, "2024-01-01T00:00:01Z second\ncopied", 34);
	st_store_get(st, b, &ev);
	assert_int_equal(ev.source, 0);
	assert_int_equal(ev.format, 2);
	assert_int_equal(ev.line, 5);
	/* text from outside the mapping is copied */
	uint32_t c = add(st, 0, 6, 6, "not in the map");
	assert_text(st, c, "not in the map", 14);
	st_store_get(st, c, &ev);
	assert_int_equal(ev.source, 0);
	assert_text(st, other, "source one", 10);
	assert_text(st, a, "2024-01-01T00:00:00Z first\r\n\tat cont one\n\n\tat cont two",
	            26 + 2 + 12 + 2 + 12);
	st_store_memory(st, &m);
	assert_int_equal(m.mapped, len);
	assert_true(m.arena > 0);
	assert_ordered(st);
	tu_release(st); /* unmaps */
}

static void
test_adopt_map_text_max(void **state)
{
	(void)state;
	/* a mapped record that runs past ST_TEXT_MAX is cut there */
	size_t len = (size_t)ST_TEXT_MAX + 4096;
	char *buf = tu_keep(malloc(len), free);
	assert_non_null(buf);
	memset(buf, 'y', len);
	memcpy(buf, "head", 4);
	buf[4] = '\n';
	struct st_store *st = store_with_sources(1);
	char *map = make_map(buf, len);
	st_store_adopt_map(st, 0, map, len);
	struct st_draft d = draft(1, ST_LVL_INFO, ST_KIND_LOG);
	uint32_t a = st_store_append(st, 0, 1, &d, 0, 0, map, 4);
	size_t dropped = st_store_extend(st, 0, map + 5, len - 5);
	assert_int_equal(dropped, len - ST_TEXT_MAX);
	struct st_event ev;
	st_store_get(st, a, &ev);
	assert_int_equal(ev.len, ST_TEXT_MAX);
	assert_true(ev.flags & ST_EV_TRUNCATED);
	assert_ptr_equal(ev.text, map);
	tu_release(st);
	tu_release(buf);
}

/* print -f: the newest event of a source, and flags set on any event */
static void
test_last_and_flag_seq(void **state)
{
	(void)state;
	struct st_store *st = store_with_sources(2);
	assert_int_equal(st_store_last(st, 0), UINT32_MAX);
	assert_int_equal(st_store_last(st, 7), UINT32_MAX); /* no such source */
	uint32_t a = add(st, 0, 1, 2000, "a");
	uint32_t b = add(st, 1, 1, 3000, "b");
	uint32_t c = add(st, 0, 2, 1000, "c");
	assert_int_equal(st_store_last(st, 0), c);
	assert_int_equal(st_store_last(st, 1), b);
	st_store_flag_seq(st, a, ST_EV_LATE);
	st_store_flag_seq(st, 99, ST_EV_LATE); /* out of range: ignored */
	struct st_event ev;
	st_store_get(st, a, &ev);
	assert_int_equal(ev.flags, ST_EV_LATE);
	assert_memory_equal(ev.text, "a", 1);
	assert_int_equal(ev.ts, 2000);
	st_store_get(st, c, &ev);
	assert_int_equal(ev.flags, 0);
	st_store_flag_seq(st, c, ST_EV_TRUNCATED);
	st_store_flag_seq(st, c, ST_EV_LATE);
	st_store_get(st, c, &ev);
	assert_int_equal(ev.flags, ST_EV_TRUNCATED | ST_EV_LATE);
	tu_release(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sources, tu_teardown),
		cmocka_unit_test_teardown(test_sources_max, tu_teardown),
		cmocka_unit_test_teardown(test_append_in_order, tu_teardown),
		cmocka_unit_test_teardown(test_append_out_of_order, tu_teardown),
		cmocka_unit_test_teardown(test_order_then_append, tu_teardown),
		cmocka_unit_test_teardown(test_equal_keys_keep_arrival, tu_teardown),
		cmocka_unit_test_teardown(test_extend, tu_teardown),
		cmocka_unit_test_teardown(test_extend_moves_block, tu_teardown),
		cmocka_unit_test_teardown(test_many_extends, tu_teardown),
		cmocka_unit_test_teardown(test_text_max, tu_teardown),
		cmocka_unit_test_teardown(test_get_fields, tu_teardown),
		cmocka_unit_test_teardown(test_empty_text_at_full_block, tu_teardown),
		cmocka_unit_test_teardown(test_memory_per_event, tu_teardown),
		cmocka_unit_test_teardown(test_adopt_map, tu_teardown),
		cmocka_unit_test_teardown(test_adopt_map_text_max, tu_teardown),
		cmocka_unit_test_teardown(test_last_and_flag_seq, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
