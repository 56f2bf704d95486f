/*
 * test_jsonframe.c: pretty-printed JSON documents as events (the JSON
 * framing of src/ingest.c, over src/jsonscan.c's cursor).
 *
 * The samples are kubectl's shapes: tests/data/k8s-events-list.json is
 * `kubectl get events -o json` (one List), k8s-events-watch.json the same
 * events as `kubectl get events -w -o json` writes them (objects one
 * after another). Each object must be one event, at the line of its '{',
 * dated as the json format dates the jq -c form of the object, with that
 * form as its text; whatever the chunks the bytes come in (a pipe, a
 * command, a file read in slices). Also: a document cut short, text that
 * is not JSON, a value over ST_LINE_MAX, a List far larger than what the
 * ingest may hold, sources the framing must leave alone, and damaged
 * documents.
 *
 * feed() drives st_ingest_feed as src_take does (the unused rest passed
 * again with the next chunk, an exact-size copy each call so ASan sees
 * any read past it) and checks the contract: the rest never exceeds
 * ST_LINE_MAX. It returns the largest rest it had to keep.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

#define LIST STRATA_TEST_DATA "/k8s-events-list.json"
#define WATCH STRATA_TEST_DATA "/k8s-events-watch.json"

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
free_buf(void *p)
{
	st_buf_free(p);
	free(p);
}

static struct st_buf *
slurp(const char *path)
{
	struct st_buf *b = tu_keep(st_xcalloc(1, sizeof(*b)), free_buf);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		st_buf_add(b, tmp, n);
	fclose(f);
	return b;
}

struct run {
	struct st_store *st;
	struct st_ingest ig;
};

static void
run_init(struct run *r, const char *name)
{
	r->st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(r->st, name), 0);
	st_ingest_init(&r->ig, r->st, 0, NULL, tu_utc(2024, 12, 20, 0, 0, 0, 0));
}

static size_t
feed_exact(struct st_ingest *ig, const char *p, size_t n, bool eof)
{
	char *copy = st_xmalloc(n ? n : 1);
	memcpy(copy, p, n);
	size_t used = st_ingest_feed(ig, copy, n, eof);
	free(copy);
	return used;
}

/* Feed len bytes in chunks (0: at once); eof at the end. */
static size_t
feed(struct st_ingest *ig, const char *data, size_t len, size_t chunk)
{
	if (chunk == 0)
		chunk = len ? len : 1;
	struct st_buf held = {0};
	size_t pos = 0, most = 0;
	while (pos < len) {
		size_t take = ST_MIN(chunk, len - pos);
		st_buf_add(&held, data + pos, take);
		pos += take;
		size_t used = feed_exact(ig, held.p, held.len, false);
		assert_true(used <= held.len);
		memmove(held.p, held.p + used, held.len - used);
		held.len -= used;
		assert_true(held.len <= ST_LINE_MAX);
		most = ST_MAX(most, held.len);
	}
	assert_int_equal(feed_exact(ig, held.p ? held.p : "", held.len, true), held.len);
	st_buf_free(&held);
	return most;
}

static struct st_event
event(const struct run *r, uint32_t seq)
{
	assert_true(seq < st_store_count(r->st));
	struct st_event ev;
	st_store_get(r->st, seq, &ev);
	return ev;
}

/* Everything the store and the stats say, to compare runs. */
static char *
snapshot(const struct run *r)
{
	struct st_buf b = {0};
	const struct st_ingest_stats *s = &r->ig.stats;
	st_buf_addf(&b, "format %d lines %llu blank %llu events %llu cont %llu trunc %llu\n",
	            r->ig.format, (unsigned long long)s->lines, (unsigned long long)s->blank,
	            (unsigned long long)s->events, (unsigned long long)s->continuation,
	            (unsigned long long)s->truncated);
	for (uint32_t i = 0; i < st_store_count(r->st); i++) {
		struct st_event ev = event(r, i);
		st_buf_addf(&b, "%lld %u %u %u %u:", (long long)ev.ts, ev.line, ev.level, ev.format,
		            ev.flags);
		st_buf_add(&b, ev.text, ev.len);
		st_buf_addc(&b, '\n');
	}
	st_buf_addc(&b, '\0');
	return b.p;
}

/* The line numbers (from 1) of the lines of data equal to line. */
static size_t
lines_equal(const char *data, size_t len, const char *line, uint32_t *out, size_t max)
{
	size_t n = 0, ll = strlen(line);
	uint32_t no = 1;
	for (size_t i = 0; i < len; no++) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - data) : len;
		if (e - i == ll && memcmp(data + i, line, ll) == 0 && n < max)
			out[n++] = no;
		i = e + 1;
	}
	return n;
}

static const char killing[] =
	"{\"apiVersion\":\"v1\",\"count\":1,\"eventTime\":null,\"firstTimestamp\":"
	"\"2024-09-12T14:38:02Z\",\"involvedObject\":{\"apiVersion\":\"v1\",\"fieldPath\":"
	"\"spec.containers{redis}\",\"kind\":\"Pod\",\"name\":\"session-cache-7f4b8d9c65-xk2mv\","
	"\"namespace\":\"ecommerce\",\"resourceVersion\":\"48389\",\"uid\":"
	"\"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\"},\"kind\":\"Event\",\"lastTimestamp\":"
	"\"2024-09-12T14:38:02Z\",\"message\":\"Stopping container redis\",\"metadata\":{"
	"\"creationTimestamp\":\"2024-09-12T14:38:02Z\",\"name\":"
	"\"session-cache-7f4b8d9c65-xk2mv.17f3a1c5e0f1a2b3\",\"namespace\":\"ecommerce\","
	"\"resourceVersion\":\"48391\",\"uid\":\"5d7f9b1c-3e4a-4c6d-8f0b-2a4c6e8a0c2e\"},"
	"\"reason\":\"Killing\",\"reportingComponent\":\"kubelet\",\"reportingInstance\":"
	"\"node-3\",\"source\":{\"component\":\"kubelet\",\"host\":\"node-3\"},\"type\":\"Normal\"}";

/* The seven events of both samples, in order. */
static void
check_events(const struct run *r, const uint32_t *first_lines)
{
	assert_int_equal(st_store_count(r->st), 7);
	const st_time want[7] = {
		tu_utc(2024, 9, 12, 14, 30, 0, 0),  tu_utc(2024, 9, 12, 14, 30, 1, 0),
		tu_utc(2024, 9, 12, 14, 30, 4, 0),  tu_utc(2024, 9, 12, 14, 37, 55, 0), /* last, not first */
		tu_utc(2024, 9, 12, 14, 38, 1, 0),  tu_utc(2024, 9, 12, 14, 38, 2, 0),
		tu_utc(2024, 9, 12, 14, 38, 5, 123456), /* eventTime: lastTimestamp is null */
	};
	const uint8_t level[7] = {ST_LVL_NONE, ST_LVL_NONE, ST_LVL_WARN, ST_LVL_WARN,
	                          ST_LVL_WARN, ST_LVL_NONE, ST_LVL_WARN};
	int json = st_format_find("json");
	for (uint32_t i = 0; i < 7; i++) {
		struct st_event ev = event(r, i);
		assert_time(ev.ts, want[i]);
		assert_int_equal(ev.line, first_lines[i]);
		assert_int_equal(ev.level, level[i]);
		assert_int_equal(ev.format, json);
		assert_int_equal(ev.flags, 0);
		/* jq -c's layout: no newline, no blank outside strings */
		assert_null(memchr(ev.text, '\n', ev.len));
		assert_true(ev.len > 2 && ev.text[0] == '{' && ev.text[ev.len - 1] == '}');
	}
	struct st_event k = event(r, 5);
	assert_int_equal(k.len, strlen(killing));
	assert_memory_equal(k.text, killing, k.len);
	/* the message's escaped quotes are kept as they are */
	struct st_event pull = event(r, 2);
	const char *q = "\"Failed to pull image \\\"redis:7.4-alpine\\\": rpc error";
	bool found = false;
	for (size_t i = 0; i + strlen(q) <= pull.len && !found; i++)
		found = memcmp(pull.text + i, q, strlen(q)) == 0;
	assert_true(found);
	const struct st_ingest_stats *s = &r->ig.stats;
	assert_int_equal(s->lines, s->blank + s->events + s->continuation);
	assert_int_equal(s->events, 7);
	assert_int_equal(s->timed, 7);
	assert_int_equal(s->truncated, 0);
}

static void
test_list(void **state)
{
	(void)state;
	struct st_buf *doc = slurp(LIST);
	uint32_t first[8];
	/* the items open at the List's indentation */
	assert_int_equal(lines_equal(doc->p, doc->len, "        {", first, 8), 7);
	struct run r;
	run_init(&r, "k8s-events-list.json");
	feed(&r.ig, doc->p, doc->len, 0);
	check_events(&r, first);
	/* the List's own lines ({, apiVersion, items, ], kind, metadata, }) are
	 * the document's wrapping */
	assert_int_equal(r.ig.stats.blank, 9);
	tu_release(r.st);
	tu_release(doc);
}

static void
test_watch_stream(void **state)
{
	(void)state;
	struct st_buf *doc = slurp(WATCH);
	uint32_t first[8];
	assert_int_equal(lines_equal(doc->p, doc->len, "{", first, 8), 7);
	struct run r;
	run_init(&r, "k8s-events-watch.json");
	feed(&r.ig, doc->p, doc->len, 0);
	check_events(&r, first);
	assert_int_equal(r.ig.stats.blank, 0);
	/* the same events as the List's */
	struct st_buf *list = slurp(LIST);
	struct run l;
	run_init(&l, "k8s-events-list.json");
	feed(&l.ig, list->p, list->len, 0);
	for (uint32_t i = 0; i < 7; i++) {
		struct st_event a = event(&r, i), b = event(&l, i);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.text, b.text, a.len);
	}
	tu_release(l.st);
	tu_release(list);
	tu_release(r.st);
	tu_release(doc);
}

/* An object split across reads (a pipe, a command that prints half of it
 * and then the rest, a file read in slices) frames the same. */
static void
test_chunks_are_invisible(void **state)
{
	(void)state;
	const char *const files[] = {LIST, WATCH};
	static const size_t chunks[] = {1, 2, 3, 7, 61, 500, 1024, 4096};
	for (size_t f = 0; f < 2; f++) {
		struct st_buf *doc = slurp(files[f]);
		struct run whole;
		run_init(&whole, "doc");
		feed(&whole.ig, doc->p, doc->len, 0);
		char *want = tu_keep(snapshot(&whole), free);
		for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
			struct run r;
			run_init(&r, "doc");
			feed(&r.ig, doc->p, doc->len, chunks[c]);
			char *got = snapshot(&r);
			if (strcmp(got, want) != 0) {
				print_error("%s in chunks of %zu:\n%s\nwant:\n%s\n", files[f], chunks[c],
				            got, want);
				free(got);
				fail();
			}
			free(got);
			tu_release(r.st);
		}
		tu_release(want);
		tu_release(whole.st);
		tu_release(doc);
	}
}

/* Standard error into a buffer while fn runs. */
static char *
capture_stderr(void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/strata-jsonframe-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct st_buf b = {0};
	char tmp[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		st_buf_add(&b, tmp, (size_t)n);
	close(fd);
	st_buf_addc(&b, '\0');
	return b.p;
}

struct feed_arg {
	struct run *r;
	const char *data;
	size_t len, chunk;
};

static void
feed_cb(void *arg)
{
	struct feed_arg *a = arg;
	feed(&a->r->ig, a->data, a->len, a->chunk);
}

/* The stream cut inside its fifth object (kubectl killed): the four
 * before it whole, the fifth kept cut, and a message that says where. */
static void
test_truncated_last_object(void **state)
{
	(void)state;
	struct st_buf *doc = slurp(WATCH);
	uint32_t first[8];
	lines_equal(doc->p, doc->len, "{", first, 8);
	size_t cut = 5000;
	assert_true(cut > (size_t)(strstr(doc->p, "OOMKilling") - doc->p)); /* its reason is in */
	for (size_t chunk = 0; chunk <= 1000; chunk += 1000) {
		struct run r;
		run_init(&r, "ev.json");
		struct feed_arg a = {&r, doc->p, cut, chunk};
		char *err = tu_keep(capture_stderr(feed_cb, &a), free);
		assert_int_equal(st_store_count(r.st), 5);
		for (uint32_t i = 0; i < 4; i++)
			assert_int_equal(event(&r, i).flags, 0);
		struct st_event last = event(&r, 4);
		assert_int_equal(last.flags, ST_EV_TRUNCATED);
		assert_int_equal(last.line, first[4]);
		/* its lastTimestamp came before the cut */
		assert_time(last.ts, tu_utc(2024, 9, 12, 14, 38, 1, 0));
		assert_int_equal(r.ig.stats.truncated, 1);
		char want[64];
		snprintf(want, sizeof(want), "ev.json: line %u, column 1: ", first[4]);
		if (strstr(err, want) == NULL || strstr(err, "ends inside") == NULL) {
			print_error("stderr: %s\n", err);
			fail();
		}
		tu_release(err);
		tu_release(r.st);
	}
	tu_release(doc);
}

static void
test_cut_inside_array(void **state)
{
	(void)state;
	/* a List that ends after a whole item: the item is kept, and said */
	static const char doc[] = "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n"
	                          "    {\"kind\": \"Event\",\n"
	                          "     \"lastTimestamp\": \"2024-09-12T14:30:00Z\"},\n";
	struct run r;
	run_init(&r, "cut.json");
	struct feed_arg a = {&r, doc, sizeof(doc) - 1, 0};
	char *err = tu_keep(capture_stderr(feed_cb, &a), free);
	assert_int_equal(st_store_count(r.st), 1);
	assert_int_equal(event(&r, 0).flags, 0);
	assert_int_equal(event(&r, 0).line, 4);
	assert_non_null(strstr(err, "cut.json: line 5: "));
	assert_non_null(strstr(err, "ends inside an array"));
	tu_release(err);
	tu_release(r.st);
}

/* Text that is not JSON ends the framing; nothing is lost: the rest is
 * lines, read as any source's. */
static void
test_malformed_rest_as_lines(void **state)
{
	(void)state;
	static const char doc[] = "{\n  \"time\": \"2024-01-01T00:00:00Z\",\n  \"msg\": \"one\"\n}\n"
	                          "{\n  \"time\": \"2024-01-01T00:00:01Z\",\n  \"msg\": \"two\" oops\n}\n"
	                          "W0101 00:00:02.000000       1 x.go:1] klog after\n";
	for (size_t chunk = 0; chunk < 8; chunk += 7) {
		struct run r;
		run_init(&r, "bad.json");
		struct feed_arg a = {&r, doc, sizeof(doc) - 1, chunk};
		char *err = tu_keep(capture_stderr(feed_cb, &a), free);
		assert_non_null(strstr(err, "bad.json: line 7, column 16: malformed JSON: expected ',' "
		                            "or '}' after an object member; the rest is read as lines"));
		assert_true(st_store_count(r.st) >= 3);
		struct st_event one = event(&r, 0), bad = event(&r, 1);
		assert_int_equal(one.line, 1);
		assert_time(one.ts, tu_utc(2024, 1, 1, 0, 0, 0, 0));
		/* from the bad object's first line on: lines; every one is there */
		assert_int_equal(bad.line, 5);
		uint32_t lines = 0;
		for (uint32_t i = 1; i < st_store_count(r.st); i++) {
			struct st_event ev = event(&r, i);
			lines += 1;
			for (uint32_t k = 0; k < ev.len; k++)
				lines += ev.text[k] == '\n';
		}
		assert_int_equal(lines, 5);
		struct st_event klog = event(&r, st_store_count(r.st) - 1);
		assert_int_equal(klog.line, 9);
		assert_int_equal(klog.level, ST_LVL_WARN);
		assert_int_equal(r.ig.stats.lines, 9);
		tu_release(err);
		tu_release(r.st);
	}
}

/* A value over ST_LINE_MAX: its first ST_LINE_MAX bytes are one event,
 * cut; the rest is skipped, and the next object is read as ever. */
static void
test_over_long_object(void **state)
{
	(void)state;
	struct st_buf *doc = tu_keep(st_xcalloc(1, sizeof(struct st_buf)), free_buf);
	st_buf_adds(doc, "{\n  \"time\": \"2024-01-01T00:00:00Z\",\n  \"msg\": \"before\"\n}\n");
	st_buf_adds(doc, "{\n  \"time\": \"2024-01-01T00:00:01Z\",\n  \"blob\": [\"");
	for (size_t i = 0; i < ST_LINE_MAX + 100000; i += 10)
		st_buf_adds(doc, i % 1000 ? "{[\\\"]}    " : "\",\n    \"");
	st_buf_adds(doc, "\"],\n  \"msg\": \"long\"\n}\n");
	st_buf_adds(doc, "{\n  \"time\": \"2024-01-01T00:00:02Z\",\n  \"msg\": \"after\"\n}\n");
	uint32_t after_line = 1;
	for (size_t i = 0; i + 1 < doc->len; i++)
		after_line += doc->p[i] == '\n';
	after_line -= 3; /* the last object's 4 lines */
	static const size_t chunks[] = {0, 65536, 1000003};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct run r;
		run_init(&r, "big.json");
		struct feed_arg a = {&r, doc->p, doc->len, chunks[c]};
		char *err = tu_keep(capture_stderr(feed_cb, &a), free);
		assert_non_null(strstr(err, "big.json: line 5, column 1: a JSON object over 1 MiB"));
		assert_int_equal(st_store_count(r.st), 3);
		struct st_event big = event(&r, 1), after = event(&r, 2);
		assert_int_equal(big.flags, ST_EV_TRUNCATED);
		assert_true(big.len <= ST_LINE_MAX);
		assert_time(big.ts, tu_utc(2024, 1, 1, 0, 0, 1, 0));
		assert_int_equal(after.flags, 0);
		assert_int_equal(after.line, after_line);
		assert_time(after.ts, tu_utc(2024, 1, 1, 0, 0, 2, 0));
		assert_int_equal(r.ig.stats.lines,
		                 r.ig.stats.blank + r.ig.stats.events + r.ig.stats.continuation);
		tu_release(err);
		tu_release(r.st);
	}
	tu_release(doc);
}

/* A List many times larger than ST_LINE_MAX goes item by item: the
 * ingest never asks to keep more than the item a chunk ends in. */
static void
test_large_list_streamed(void **state)
{
	(void)state;
	struct st_buf *doc = tu_keep(st_xcalloc(1, sizeof(struct st_buf)), free_buf);
	enum { ITEMS = 40000 };
	st_buf_adds(doc, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n");
	for (int i = 0; i < ITEMS; i++)
		st_buf_addf(doc,
		            "        {\n            \"kind\": \"Event\",\n            \"lastTimestamp\": "
		            "\"2024-09-12T%02d:%02d:%02dZ\",\n            \"message\": \"Created pod: "
		            "web-7d4b9c-%05d\",\n            \"reason\": \"SuccessfulCreate\"\n        }%s\n",
		            i / 3600 % 24, i / 60 % 60, i % 60, i, i + 1 < ITEMS ? "," : "");
	st_buf_adds(doc, "    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        "
	                 "\"resourceVersion\": \"\"\n    }\n}\n");
	assert_true(doc->len > 4 * (size_t)ST_LINE_MAX);
	struct run r;
	run_init(&r, "big-list.json");
	size_t most = feed(&r.ig, doc->p, doc->len, 65536);
	assert_true(most < 1024); /* an item's bytes at most */
	assert_int_equal(st_store_count(r.st), ITEMS);
	struct st_event ev = event(&r, ITEMS - 1);
	assert_int_equal(ev.line, 4 + (ITEMS - 1) * 6);
	assert_time(ev.ts, tu_utc(2024, 9, 12, 11, 6, 39, 0));
	assert_int_equal(r.ig.stats.blank, 9);
	tu_release(r.st);
	tu_release(doc);
}

/* JSON lines (jq -c), and logs whose lines open with '{' or '[' but hold
 * no document, keep the per-line reading. */
static void
test_lines_left_alone(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"{\"ts\":\"2024-01-01T00:00:00Z\",\"msg\":\"a\"}\n{\"ts\":\"2024-01-01T00:00:01Z\"}\n",
		"[2024-01-01T00:00:00Z] web | up\n[2024-01-01T00:00:01Z] web | down\n",
		"{not json} at all\nsecond line\n",
	};
	static const uint32_t events[] = {2, 2, 2};
	for (size_t i = 0; i < ST_ARRAY_LEN(docs); i++) {
		struct run r;
		run_init(&r, "lines.log");
		feed(&r.ig, docs[i], strlen(docs[i]), 0);
		assert_false(r.ig.js.on);
		assert_int_equal(st_store_count(r.st), events[i]);
		tu_release(r.st);
	}
}

/* A top-level array of objects, lines of text between documents, a
 * one-line List, a byte order mark. */
static void
test_array_and_text_between(void **state)
{
	(void)state;
	static const char doc[] =
		"\xef\xbb\xbf[\n  {\"time\": \"2024-01-01T00:00:00Z\",\n   \"msg\": \"a\"},\n"
		"  {\"time\": \"2024-01-01T00:00:01Z\", \"msg\": \"b\"}\n]\n"
		"W0101 00:00:02.000000       1 x.go:1] klog between\n"
		"{\"apiVersion\":\"v1\",\"items\":[{\"kind\":\"Pod\",\"metadata\":{\"creationTimestamp\":"
		"\"2024-01-01T00:00:03Z\",\"name\":\"web-0\"}}],\"kind\":\"List\"}\n";
	for (size_t chunk = 0; chunk < 6; chunk += 5) {
		struct run r;
		run_init(&r, "mixed.json");
		feed(&r.ig, doc, sizeof(doc) - 1, chunk);
		assert_int_equal(st_store_count(r.st), 4);
		static const uint32_t line[] = {2, 4, 6, 7};
		for (uint32_t i = 0; i < 4; i++) {
			struct st_event ev = event(&r, i);
			assert_int_equal(ev.line, line[i]);
			assert_time(ev.ts, tu_utc(2024, 1, 1, 0, 0, (int)i, 0));
		}
		assert_int_equal(event(&r, 2).level, ST_LVL_WARN);
		assert_int_equal(r.ig.stats.lines, 7);
		tu_release(r.st);
	}
}

/* Damaged documents (bytes changed, dropped, repeated) in random chunks:
 * nothing crashes, every byte is taken, every line counted once, events
 * in line order. */
static uint64_t rs = 0x5eed;

static unsigned
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (unsigned)(rs >> 11);
}

struct fuzz_arg {
	const struct st_buf *doc;
	int *bad;
};

static void
fuzz_cb(void *arg)
{
	const struct fuzz_arg *fa = arg;
	static const char bytes[] = "{}[]\",:\\ \n0tfn-e.";
	struct st_buf b = {0};
	for (int round = 0; round < 300; round++) {
		b.len = 0;
		st_buf_add(&b, fa->doc->p, fa->doc->len);
		for (int m = 1 + (int)(rnd() % 6); m > 0; m--) {
			size_t at = rnd() % b.len, n = 1 + rnd() % 200;
			n = ST_MIN(n, b.len - at);
			switch (rnd() % 4) {
			case 0: /* a byte JSON cares about, or any byte */
				b.p[at] = rnd() % 4 ? bytes[rnd() % (sizeof(bytes) - 1)] : (char)rnd();
				break;
			case 1: /* bytes dropped */
				memmove(b.p + at, b.p + at + n, b.len - at - n);
				b.len -= n;
				break;
			case 2: /* bytes repeated */
				if (b.len + n < 2 * fa->doc->len) {
					st_buf_grow(&b, n);
					memmove(b.p + at + n, b.p + at, b.len - at);
					b.len += n;
				}
				break;
			default: /* cut short */
				b.len = at + 1;
				break;
			}
		}
		struct run r;
		run_init(&r, "fuzz.json");
		/* fed as feed() does, without its assertions (stderr is elsewhere) */
		struct st_buf held = {0};
		size_t chunk = 1 + rnd() % 3000;
		bool kept = true;
		for (size_t pos = 0; pos < b.len; pos += chunk) {
			st_buf_add(&held, b.p + pos, ST_MIN(chunk, b.len - pos));
			size_t used = feed_exact(&r.ig, held.p, held.len, false);
			kept &= used <= held.len;
			memmove(held.p, held.p + used, held.len - used);
			held.len -= used;
			kept &= held.len <= ST_LINE_MAX;
		}
		kept &= feed_exact(&r.ig, held.p ? held.p : "", held.len, true) == held.len;
		st_buf_free(&held);
		uint64_t lines = b.len > 0 && b.p[b.len - 1] != '\n';
		for (size_t i = 0; i < b.len; i++)
			lines += b.p[i] == '\n';
		uint32_t prev = 0;
		bool ordered = true;
		for (uint32_t i = 0; i < st_store_count(r.st); i++) {
			struct st_event ev = event(&r, i);
			ordered &= ev.line >= prev && ev.line >= 1 && ev.line <= lines;
			prev = ev.line;
		}
		if (!kept || r.ig.stats.lines != lines || !ordered) {
			printf("round %d: %s, %llu lines counted of %llu, events %s\n", round,
			       kept ? "bytes taken" : "bytes not taken as the contract says",
			       (unsigned long long)r.ig.stats.lines, (unsigned long long)lines,
			       ordered ? "in order" : "out of order");
			(*fa->bad)++;
		}
		tu_release(r.st);
	}
	st_buf_free(&b);
}

static void
test_fuzz_documents(void **state)
{
	(void)state;
	const char *const files[] = {LIST, WATCH};
	for (size_t f = 0; f < 2; f++) {
		int bad = 0;
		struct fuzz_arg fa = {slurp(files[f]), &bad};
		char *err = capture_stderr(fuzz_cb, &fa); /* the messages, by the hundred */
		free(err);
		assert_int_equal(bad, 0);
		tu_release((void *)fa.doc);
	}
}

/* ---- the cursor's additions */

/* Every proper prefix of a document is "ended", never wrong; a real
 * mistake is not. */
static void
test_js_prefixes_end(void **state)
{
	(void)state;
	static const char doc[] = "{ \"a\" : [ 1.5e-3 , -2, true, false, null, \"x\\u00e9\\\"y\" ],"
	                          " \"b\": { \"c\": {} , \"d\": [ ] } }";
	size_t n = sizeof(doc) - 1;
	for (size_t k = 0; k < n; k++) {
		struct st_js j;
		st_js_init(&j, doc, k);
		assert_false(st_js_skip(&j));
		if (!st_js_ended(&j)) {
			size_t l, c, o;
			const char *why = st_js_where(&j, &l, &c, &o);
			print_error("prefix of %zu bytes: %s at byte %zu\n", k, why, o);
			fail();
		}
	}
	struct st_js j;
	st_js_init(&j, doc, n);
	assert_true(st_js_skip(&j));
	static const char *const bad[] = {"{\"a\" 1}", "{\"a\":tru }", "[1,,2]", "{\"a\":\"\\q\"}",
	                                  "{\"a\":\"\\u12g4\"}", "[-x]"};
	for (size_t i = 0; i < ST_ARRAY_LEN(bad); i++) {
		st_js_init(&j, bad[i], strlen(bad[i]));
		assert_false(st_js_skip(&j));
		assert_false(st_js_ended(&j));
	}
}

static void
test_js_inside(void **state)
{
	(void)state;
	/* the rest of an array an earlier cursor opened: ", {...} ]" */
	static const char rest[] = " , {\"k\": 1} ]";
	struct st_js j;
	st_js_init_inside(&j, rest, sizeof(rest) - 1, false);
	assert_true(st_js_element(&j));
	assert_int_equal(st_js_peek(&j), ST_JS_OBJECT);
	assert_true(st_js_skip(&j));
	assert_false(st_js_element(&j));
	assert_null(j.why);
	assert_int_equal(j.depth, 0);
	/* before its first element, a ',' is wrong */
	st_js_init_inside(&j, rest, sizeof(rest) - 1, true);
	assert_true(st_js_element(&j));
	assert_false(st_js_skip(&j));
	assert_non_null(j.why);
	assert_false(st_js_ended(&j));
}

static void
test_js_compact(void **state)
{
	(void)state;
	static const char in[] = "{\n    \"a b\" : [ 1 ,\t\"x  \\\" y\" ],\r\n    \"c\": null\n}";
	static const char want[] = "{\"a b\":[1,\"x  \\\" y\"],\"c\":null}";
	char out[sizeof(in)];
	size_t n = st_js_compact(in, sizeof(in) - 1, out);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_list, tu_teardown),
		cmocka_unit_test_teardown(test_watch_stream, tu_teardown),
		cmocka_unit_test_teardown(test_chunks_are_invisible, tu_teardown),
		cmocka_unit_test_teardown(test_truncated_last_object, tu_teardown),
		cmocka_unit_test_teardown(test_cut_inside_array, tu_teardown),
		cmocka_unit_test_teardown(test_malformed_rest_as_lines, tu_teardown),
		cmocka_unit_test_teardown(test_over_long_object, tu_teardown),
		cmocka_unit_test_teardown(test_large_list_streamed, tu_teardown),
		cmocka_unit_test_teardown(test_lines_left_alone, tu_teardown),
		cmocka_unit_test_teardown(test_array_and_text_between, tu_teardown),
		cmocka_unit_test_teardown(test_fuzz_documents, tu_teardown),
		cmocka_unit_test(test_js_prefixes_end),
		cmocka_unit_test(test_js_inside),
		cmocka_unit_test(test_js_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
