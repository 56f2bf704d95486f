/*
 * test_ingest.c: from bytes to events (src/ingest.c): line splitting
 * under any chunking, records and continuation lines, untimed lines,
 * CRLF, blank lines, over-long lines, the last line at eof, garbage, and
 * switching formats mid-file.
 *
 * feed() drives st_ingest_feed the way src_take (src/source.c) does: it
 * keeps the unused rest and passes it again with the next chunk, and at
 * the end calls once with eof. Each call gets an exact-size heap copy, so
 * ASan sees any read past the bytes handed over.
 *
 * feed_mapped() drives it the way a mapped file is read (source-file.c):
 * the store adopts a read-only mapping and the ingest gets slices of it,
 * so event text is referenced in place. Both ways must give the same
 * events (mapped text keeps the CR of CRLF line ends inside a record).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

struct fixture {
	struct st_store *st;
	struct st_ingest ig;
};

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
fx_init(struct fixture *fx, st_time ref)
{
	fx->st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(fx->st, "test.log"), 0);
	st_ingest_init(&fx->ig, fx->st, 0, NULL, ref);
}

static void
fx_free(struct fixture *fx)
{
	tu_release(fx->st);
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

/* Feed data in chunks of `chunk` bytes (0: all at once), like a reader. */
static void
feed(struct st_ingest *ig, const char *data, size_t len, size_t chunk)
{
	if (chunk == 0)
		chunk = len ? len : 1;
	struct st_buf held = {0};
	size_t pos = 0;
	while (pos < len) {
		size_t take = ST_MIN(chunk, len - pos);
		st_buf_add(&held, data + pos, take);
		pos += take;
		size_t used = feed_exact(ig, held.p, held.len, false);
		assert_true(used <= held.len);
		memmove(held.p, held.p + used, held.len - used);
		held.len -= used;
		/* the contract: a rest that reaches ST_LINE_MAX is cut on the next
		 * call, so it never grows past it */
		assert_true(held.len <= ST_LINE_MAX);
	}
	size_t used = feed_exact(ig, held.p ? held.p : "", held.len, true);
	assert_int_equal(used, held.len);
	st_buf_free(&held);
}

static void
feed_str(struct st_ingest *ig, const char *s, size_t chunk)
{
	feed(ig, s, strlen(s), chunk);
}

static struct st_event
event(const struct fixture *fx, uint32_t seq)
{
	assert_true(seq < st_store_count(fx->st));
	struct st_event ev;
	st_store_get(fx->st, seq, &ev);
	return ev;
}

static void
assert_ev_text(const struct st_event *ev, const char *want)
{
	size_t n = strlen(want);
	if (ev->len != n || memcmp(ev->text, want, n) != 0) {
		print_error("event %u (line %u): text \"%.*s\" (%u bytes), want \"%s\" (%zu)\n", ev->seq,
		            ev->line, (int)ST_MIN(ev->len, 200), ev->text, ev->len, want, n);
		fail();
	}
}

static st_time
T(const char *s)
{
	st_time t;
	assert_int_equal(st_parse_user_time(s, NULL, &t), 0);
	return t;
}

/* Everything the store and the stats say, as text, to compare runs. */
static char *
snapshot(const struct fixture *fx)
{
	struct st_buf b = {0};
	const struct st_ingest_stats *s = &fx->ig.stats;
	st_buf_addf(&b, "format %d lines %llu blank %llu events %llu timed %llu untimed %llu cont %llu "
	                "trunc %llu reprobes %llu first %lld last %lld\n",
	            fx->ig.format, (unsigned long long)s->lines, (unsigned long long)s->blank,
	            (unsigned long long)s->events, (unsigned long long)s->timed,
	            (unsigned long long)s->untimed, (unsigned long long)s->continuation,
	            (unsigned long long)s->truncated, (unsigned long long)s->reprobes,
	            (long long)s->first, (long long)s->last);
	for (uint32_t i = 0; i < st_store_count(fx->st); i++) {
		struct st_event ev;
		st_store_get(fx->st, i, &ev);
		st_buf_addf(&b, "%lld %u %u %u %u %u %u:", (long long)ev.ts, ev.line, ev.source, ev.level,
		            ev.kind, ev.format, ev.flags);
		st_buf_add(&b, ev.text, ev.len);
		st_buf_addc(&b, '\n');
	}
	st_buf_addc(&b, '\0');
	return b.p;
}

/* Read data as a mapped file: adopt a read-only mapping, feed slices. */
static void
feed_mapped(struct fixture *fx, const char *data, size_t len, size_t slice)
{
	assert_true(len > 0);
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	memcpy(map, data, len);
	assert_int_equal(mprotect(map, len, PROT_READ), 0);
	st_store_adopt_map(fx->st, 0, map, len); /* the store unmaps it */
	size_t pos = 0, window = slice ? slice : len;
	for (;;) {
		size_t end = ST_MIN(pos + window, len);
		bool eof = end >= len;
		size_t used = st_ingest_feed(&fx->ig, map + pos, end - pos, eof);
		assert_true(used <= end - pos);
		if (eof) {
			assert_int_equal(used, end - pos);
			break;
		}
		/* a slice too small to decide in, or to hold a whole line, grows as a
		 * reader's buffer does */
		window = used ? (slice ? slice : len) : window * 2;
		pos += used;
	}
}

/* Mapped text keeps each CR of a CRLF line end inside a record: drop one
 * CR before each LF to compare with copied text. */
static char *
snapshot_uncr(const struct fixture *fx)
{
	char *s = snapshot(fx);
	/* event texts are the part after ':' on each line of the snapshot, and
	 * a text's inner '\n' are the snapshot's; "\r\n" only comes from them */
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\r' && r[1] == '\n')
			continue;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* Print where two snapshots first differ, with a little context. */
static void
print_diff(const char *what, const char *got, const char *want)
{
	size_t i = 0;
	while (got[i] && got[i] == want[i])
		i++;
	size_t from = i > 60 ? i - 60 : 0;
	print_error("%s: they differ at byte %zu of %zu / %zu\n--- mapped:  ...%.120s\n"
	            "--- copied:  ...%.120s\n",
	            what, i, strlen(got), strlen(want), got + from, want + from);
}

static void
assert_mapped_like_copied(const char *data, size_t len, const char *what)
{
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	feed(&fx.ig, data, len, 0);
	char *want = tu_keep(snapshot(&fx), free);
	fx_free(&fx);
	static const size_t slices[] = {4u << 20, 0, 7, 65536};
	for (size_t i = 0; i < ST_ARRAY_LEN(slices); i++) {
		fx_init(&fx, T("2024-06-01T00:00:00Z"));
		feed_mapped(&fx, data, len, slices[i]);
		char *got = tu_keep(snapshot_uncr(&fx), free);
		if (strcmp(got, want) != 0) {
			char msg[128];
			snprintf(msg, sizeof(msg), "%s, mapped in slices of %zu vs copied", what, slices[i]);
			print_diff(msg, got, want);
			fail();
		}
		tu_release(got);
		fx_free(&fx);
	}
	tu_release(want);
}

static const char mixed_input[] =
	"preamble without a time\r\n"
	"another one\n"
	"\n"
	"2024-03-01T10:00:00Z INFO service starting\n"
	"2024-03-01T10:00:01.5Z ERROR request failed\r\n"
	"java.lang.IllegalStateException: connection closed\n"
	"\tat com.example.db.Pool.get(Pool.java:120)\r\n"
	"\n"
	"\tat com.example.api.Handler.serve(Handler.java:42)\n"
	"2024-03-01T10:00:00.250Z WARN late line, earlier than the one before\n"
	"\r\n"
	"2024-03-01T10:00:02+01:00 [notice] offset stamp\n"
	"2024-03-01 10:00:03 fatal: space separator\n"
	"2024-03-01T10:00:04Z last line without a newline";

static void
test_chunking_is_invisible(void **state)
{
	(void)state;
	static const size_t chunks[] = {0, 1, 2, 3, 7, 64, 4096};
	char *want = NULL;
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, T("2024-06-01T00:00:00Z"));
		feed(&fx.ig, mixed_input, sizeof(mixed_input) - 1, chunks[c]);
		char *got = snapshot(&fx);
		if (want == NULL) {
			want = got;
		} else {
			if (strcmp(got, want) != 0) {
				print_error("chunks of %zu differ from one feed:\n%s\n--- want\n%s\n", chunks[c],
				            got, want);
				fail();
			}
			free(got);
		}
		fx_free(&fx);
	}
	free(want);
}

static void
test_chunking_large_input(void **state)
{
	(void)state;
	/* past the probe window (64 lines / 64 KiB), with records and traces */
	struct st_buf in = {0};
	for (int i = 0; i < 3000; i++) {
		st_buf_addf(&in, "2024-03-01T10:%02d:%02d.%03dZ %s message number %d\n", i / 60 % 60, i % 60,
		            i % 1000, i % 5 ? "INFO" : "ERROR", i);
		if (i % 5 == 0)
			st_buf_addf(&in, "\tat frame %d\n\tat frame %d\n", i, i + 1);
		if (i % 11 == 0)
			st_buf_adds(&in, "\r\n");
	}
	static const size_t chunks[] = {0, 1, 7, 8192};
	char *want = NULL;
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, T("2024-06-01T00:00:00Z"));
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(fx.ig.stats.events, 3000);
		assert_int_equal(fx.ig.stats.timed, 3000);
		assert_int_equal(fx.ig.stats.continuation, 2 * 600);
		assert_int_equal(fx.ig.format, st_format_find("iso8601"));
		char *got = snapshot(&fx);
		if (want == NULL) {
			want = got;
		} else {
			if (strcmp(got, want) != 0) {
				print_error("chunks of %zu differ from one feed\n", chunks[c]);
				fail();
			}
			free(got);
		}
		fx_free(&fx);
	}
	free(want);
	st_buf_free(&in);
}

static void
test_mixed_input_events(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	feed_str(&fx.ig, mixed_input, 0);
	const struct st_ingest_stats *s = &fx.ig.stats;
	assert_int_equal(s->lines, 14);
	assert_int_equal(s->blank, 3);
	assert_int_equal(s->events, 8);
	assert_int_equal(s->untimed, 2);
	assert_int_equal(s->timed, 6);
	assert_int_equal(s->continuation, 3);
	assert_int_equal(s->truncated, 0);
	assert_int_equal(fx.ig.format, st_format_find("iso8601"));
	assert_int_equal(st_store_count(fx.st), 8);

	/* lines before the first timed line: separate untimed events, CR gone */
	struct st_event ev = event(&fx, 0);
	assert_int_equal(ev.ts, ST_TIME_NONE);
	assert_int_equal(ev.line, 1);
	assert_ev_text(&ev, "preamble without a time");
	ev = event(&fx, 1);
	assert_int_equal(ev.ts, ST_TIME_NONE);
	assert_int_equal(ev.line, 2);
	assert_ev_text(&ev, "another one");

	ev = event(&fx, 2);
	assert_time(ev.ts, T("2024-03-01T10:00:00Z"));
	assert_int_equal(ev.line, 4);
	assert_int_equal(ev.level, ST_LVL_INFO);
	assert_ev_text(&ev, "2024-03-01T10:00:00Z INFO service starting");

	/* the stack trace joins its record, the blank line inside it too (it is
	 * counted as blank, and kept as an empty line of the record) */
	ev = event(&fx, 3);
	assert_time(ev.ts, T("2024-03-01T10:00:01.5Z"));
	assert_int_equal(ev.line, 5);
	assert_int_equal(ev.level, ST_LVL_ERROR);
	assert_int_equal(ev.format, st_format_find("iso8601"));
	assert_ev_text(&ev, "2024-03-01T10:00:01.5Z ERROR request failed\n"
	                    "java.lang.IllegalStateException: connection closed\n"
	                    "\tat com.example.db.Pool.get(Pool.java:120)\n"
	                    "\n"
	                    "\tat com.example.api.Handler.serve(Handler.java:42)");

	/* an out-of-order line keeps its own time */
	ev = event(&fx, 4);
	assert_time(ev.ts, T("2024-03-01T10:00:00.25Z"));
	assert_int_equal(ev.line, 10);
	assert_int_equal(ev.level, ST_LVL_WARN);

	ev = event(&fx, 5);
	assert_time(ev.ts, T("2024-03-01T09:00:02Z"));
	assert_int_equal(ev.line, 12);
	assert_int_equal(ev.level, ST_LVL_NOTICE);
	/* a zoneless line takes the offset of the source's latest stamp that
	 * has one (+01:00, the line before) */
	ev = event(&fx, 6);
	assert_time(ev.ts, T("2024-03-01T09:00:03Z"));
	assert_int_equal(ev.level, ST_LVL_FATAL);

	/* the last line is taken at eof */
	ev = event(&fx, 7);
	assert_time(ev.ts, T("2024-03-01T10:00:04Z"));
	assert_int_equal(ev.line, 14);
	assert_ev_text(&ev, "2024-03-01T10:00:04Z last line without a newline");

	assert_time(s->first, T("2024-03-01T09:00:02Z"));
	assert_time(s->last, T("2024-03-01T10:00:04Z"));
	fx_free(&fx);
}

static void
test_out_of_order_line(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	feed_str(&fx.ig,
	         "2024-03-01T10:00:00Z a\n"
	         "2024-03-01T09:00:00Z b, an hour earlier\n"
	         "2024-03-01T11:00:00Z c\n",
	         0);
	assert_int_equal(st_store_count(fx.st), 3);
	struct st_event ev = event(&fx, 1);
	assert_time(ev.ts, T("2024-03-01T09:00:00Z"));
	assert_ev_text(&ev, "2024-03-01T09:00:00Z b, an hour earlier");
	/* and it sorts first */
	size_t n;
	const uint32_t *o = st_store_order(fx.st, &n);
	assert_int_equal(n, 3);
	assert_int_equal(o[0], 1);
	assert_int_equal(o[1], 0);
	assert_int_equal(o[2], 2);
	fx_free(&fx);
}

static void
test_java_stack_trace(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	/* a trace longer than ST_REPROBE_MISSES: the reprobes on the way find
	 * nothing, and every line stays in the record */
	struct st_buf in = {0}, want = {0};
	st_buf_adds(&in, "2024-03-01T10:00:00Z ERROR Exception in thread \"main\"\n");
	st_buf_adds(&want, "2024-03-01T10:00:00Z ERROR Exception in thread \"main\"");
	st_buf_adds(&in, "java.lang.RuntimeException: boom\n");
	st_buf_adds(&want, "\njava.lang.RuntimeException: boom");
	for (int i = 0; i < 100; i++) {
		st_buf_addf(&in, "\tat com.example.Layer%d.call(Layer%d.java:%d)\n", i, i, i + 1);
		st_buf_addf(&want, "\n\tat com.example.Layer%d.call(Layer%d.java:%d)", i, i, i + 1);
	}
	st_buf_adds(&in, "Caused by: java.io.IOException: reset\n\t... 42 more\n");
	st_buf_adds(&want, "\nCaused by: java.io.IOException: reset\n\t... 42 more");
	st_buf_adds(&in, "2024-03-01T10:00:01Z INFO recovered\n");
	st_buf_addc(&want, '\0');
	feed(&fx.ig, in.p, in.len, 0);
	assert_int_equal(st_store_count(fx.st), 2);
	struct st_event ev = event(&fx, 0);
	assert_ev_text(&ev, want.p);
	assert_int_equal(ev.level, ST_LVL_ERROR);
	assert_int_equal(ev.line, 1);
	ev = event(&fx, 1);
	assert_ev_text(&ev, "2024-03-01T10:00:01Z INFO recovered");
	assert_int_equal(ev.line, 105);
	assert_int_equal(fx.ig.stats.continuation, 103);
	assert_int_equal(fx.ig.stats.reprobes, 0);
	assert_int_equal(fx.ig.format, st_format_find("iso8601"));
	st_buf_free(&in);
	st_buf_free(&want);
	fx_free(&fx);
}

static void
test_crlf_and_blank(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	feed_str(&fx.ig, "\n\r\n2024-03-01T10:00:00Z a\r\n\r\n\n2024-03-01T10:00:01Z b\r\n\n", 3);
	const struct st_ingest_stats *s = &fx.ig.stats;
	assert_int_equal(s->lines, 7);
	assert_int_equal(s->blank, 5);
	assert_int_equal(s->events, 2);
	struct st_event ev = event(&fx, 0);
	assert_ev_text(&ev, "2024-03-01T10:00:00Z a");
	assert_int_equal(ev.line, 3);
	ev = event(&fx, 1);
	assert_ev_text(&ev, "2024-03-01T10:00:01Z b");
	assert_int_equal(ev.line, 6);
	/* only one CR is a line ending; one inside the text stays */
	fx_free(&fx);
	fx_init(&fx, 0);
	feed_str(&fx.ig, "2024-03-01T10:00:00Z a\rb\r\r\n", 0);
	ev = event(&fx, 0);
	assert_ev_text(&ev, "2024-03-01T10:00:00Z a\rb\r");
	fx_free(&fx);
}

static void
test_empty_input(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, 0);
	assert_int_equal(feed_exact(&fx.ig, "", 0, true), 0);
	assert_int_equal(st_store_count(fx.st), 0);
	assert_int_equal(fx.ig.stats.lines, 0);
	fx_free(&fx);
	/* only untimed lines: no format, every line an event */
	fx_init(&fx, 0);
	feed_str(&fx.ig, "some words\nmore words here\nand the last ones\n", 1);
	assert_int_equal(fx.ig.format, -1);
	assert_int_equal(fx.ig.stats.events, 3);
	assert_int_equal(fx.ig.stats.untimed, 3);
	assert_int_equal(fx.ig.stats.first, ST_TIME_NONE);
	struct st_event ev = event(&fx, 2);
	assert_int_equal(ev.ts, ST_TIME_NONE);
	assert_int_equal(ev.format, 0xff);
	fx_free(&fx);
}

static void
test_probe_waits_for_lines(void **state)
{
	(void)state;
	/* before eof and with fewer than 64 lines, nothing is taken yet */
	struct fixture fx;
	fx_init(&fx, 0);
	const char *s = "2024-03-01T10:00:00Z a\n2024-03-01T10:00:01Z b\n";
	assert_int_equal(feed_exact(&fx.ig, s, strlen(s), false), 0);
	assert_int_equal(st_store_count(fx.st), 0);
	assert_int_equal(feed_exact(&fx.ig, s, strlen(s), true), strlen(s));
	assert_int_equal(st_store_count(fx.st), 2);
	fx_free(&fx);
}

/* "x" * n, prefixed by prefix. */
static char *
long_line(const char *prefix, size_t n)
{
	size_t p = strlen(prefix);
	char *s = tu_keep(st_xmalloc(n), free);
	memset(s, 'x', n);
	memcpy(s, prefix, p);
	return s;
}

/* in = head + body (n bytes) + "\n" + tail */
static struct st_buf
join3(const char *head, const char *body, size_t n, const char *tail)
{
	struct st_buf b = {0};
	if (*head) /* st_buf_add of nothing to an empty buffer: see test_escape */
		st_buf_adds(&b, head);
	st_buf_add(&b, body, n);
	st_buf_addc(&b, '\n');
	st_buf_adds(&b, tail);
	tu_keep(b.p, free);
	return b;
}

static void
test_long_line_first(void **state)
{
	(void)state;
	/* a 2 MiB line opens the file: it is cut, and the timed lines after it
	 * are read as usual */
	size_t n = 2u << 20;
	char *body = long_line("", n);
	struct st_buf in = join3("", body, n,
	                         "2024-01-01T00:00:01Z next line\n"
	                         "2024-01-01T00:00:02Z and another\n");
	static const size_t chunks[] = {256u << 10, 64u << 10, 0};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(fx.ig.stats.lines, 3);
		assert_int_equal(fx.ig.stats.truncated, 1);
		assert_int_equal(st_store_count(fx.st), 3);
		struct st_event ev = event(&fx, 0);
		assert_int_equal(ev.len, ST_LINE_MAX);
		assert_true(ev.flags & ST_EV_TRUNCATED);
		assert_memory_equal(ev.text, body, ST_LINE_MAX);
		ev = event(&fx, 1);
		assert_ev_text(&ev, "2024-01-01T00:00:01Z next line");
		assert_int_equal(ev.line, 2);
		assert_false(ev.flags & ST_EV_TRUNCATED);
		if (ev.ts != T("2024-01-01T00:00:01Z")) {
			print_error("chunks of %zu: the line after the long one has no time "
			            "(format locked: %d)\n",
			            chunks[c], fx.ig.format);
			fail();
		}
		fx_free(&fx);
	}
	tu_release(in.p);
	tu_release(body);
}

static void
test_long_line_timed(void **state)
{
	(void)state;
	/* a timed 2 MiB line after a normal one: its own event, cut */
	size_t n = 2u << 20;
	char *body = long_line("2024-01-01T00:00:00.5Z WARN huge ", n);
	struct st_buf in = join3("2024-01-01T00:00:00Z first\n", body, n,
	                         "2024-01-01T00:00:01Z next line\n");
	static const size_t chunks[] = {256u << 10, 100000, 0};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(fx.ig.stats.truncated, 1);
		assert_int_equal(st_store_count(fx.st), 3);
		struct st_event ev = event(&fx, 1);
		assert_int_equal(ev.len, ST_LINE_MAX);
		assert_true(ev.flags & ST_EV_TRUNCATED);
		assert_time(ev.ts, T("2024-01-01T00:00:00.5Z"));
		assert_int_equal(ev.level, ST_LVL_WARN);
		assert_memory_equal(ev.text, body, ST_LINE_MAX);
		ev = event(&fx, 2);
		assert_ev_text(&ev, "2024-01-01T00:00:01Z next line");
		assert_time(ev.ts, T("2024-01-01T00:00:01Z"));
		assert_int_equal(ev.line, 3);
		ev = event(&fx, 0);
		assert_ev_text(&ev, "2024-01-01T00:00:00Z first");
		assert_false(ev.flags & ST_EV_TRUNCATED);
		fx_free(&fx);
	}
	tu_release(in.p);
	tu_release(body);
}

static void
test_long_continuation_line(void **state)
{
	(void)state;
	/* a 2 MiB line that continues a record: the record keeps the first
	 * ST_LINE_MAX bytes of it and is flagged truncated */
	size_t n = 2u << 20;
	char *body = long_line("\tat ", n);
	struct st_buf in = join3("2024-01-01T00:00:00Z ERROR first\n", body, n,
	                         "2024-01-01T00:00:01Z next line\n");
	struct fixture fx;
	fx_init(&fx, 0);
	feed(&fx.ig, in.p, in.len, 256u << 10);
	assert_int_equal(fx.ig.stats.truncated, 1);
	assert_int_equal(fx.ig.stats.continuation, 1);
	assert_int_equal(st_store_count(fx.st), 2);
	struct st_event ev = event(&fx, 0);
	size_t head = strlen("2024-01-01T00:00:00Z ERROR first");
	assert_int_equal(ev.len, head + 1 + ST_LINE_MAX);
	assert_memory_equal(ev.text + head + 1, body, ST_LINE_MAX);
	if (!(ev.flags & ST_EV_TRUNCATED)) {
		print_error("a record whose continuation line was cut is not flagged truncated\n");
		fail();
	}
	ev = event(&fx, 1);
	assert_time(ev.ts, T("2024-01-01T00:00:01Z"));
	fx_free(&fx);
	tu_release(in.p);
	tu_release(body);
}

static void
test_line_of_exactly_line_max(void **state)
{
	(void)state;
	/* a line of exactly ST_LINE_MAX bytes is not longer than the limit:
	 * nothing is cut, whatever the reads look like */
	char *body = long_line("2024-01-01T00:00:00.5Z exactly at the limit ", ST_LINE_MAX);
	struct st_buf in = join3("2024-01-01T00:00:00Z first\n", body, ST_LINE_MAX,
	                         "2024-01-01T00:00:01Z next line\n");
	static const size_t chunks[] = {0, 256u << 10};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		/* the first chunk ends right at the end of the long line */
		size_t first = strlen("2024-01-01T00:00:00Z first\n") + ST_LINE_MAX;
		if (chunks[c]) {
			struct st_buf held = {0};
			st_buf_add(&held, in.p, first);
			size_t used = feed_exact(&fx.ig, held.p, held.len, false);
			memmove(held.p, held.p + used, held.len - used);
			held.len -= used;
			st_buf_add(&held, in.p + first, in.len - first);
			assert_int_equal(feed_exact(&fx.ig, held.p, held.len, true), held.len);
			st_buf_free(&held);
		} else {
			feed(&fx.ig, in.p, in.len, 0);
		}
		assert_int_equal(st_store_count(fx.st), 3);
		struct st_event ev = event(&fx, 1);
		assert_int_equal(ev.len, ST_LINE_MAX);
		if ((ev.flags & ST_EV_TRUNCATED) || fx.ig.stats.truncated != 0) {
			print_error("%s: a line of exactly ST_LINE_MAX bytes is flagged truncated "
			            "(stats.truncated %llu)\n",
			            chunks[c] ? "rest at the limit" : "one feed",
			            (unsigned long long)fx.ig.stats.truncated);
			fail();
		}
		ev = event(&fx, 2);
		assert_ev_text(&ev, "2024-01-01T00:00:01Z next line");
		fx_free(&fx);
	}
	tu_release(in.p);
	tu_release(body);
}

static void
test_binary_garbage(void **state)
{
	(void)state;
	uint64_t x = 0xdeadbeefcafef00du;
	size_t n = 300000;
	unsigned char *data = st_xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (unsigned char)(x >> 24);
		if (x % 7 == 0)
			data[i] = 0; /* plenty of NULs */
	}
	/* what every line must add up to, counted independently */
	uint64_t lines = 0, blank = 0, bytes_kept = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n && start == n)
			break;
		if (i == n || data[i] == '\n') {
			size_t l = i - start;
			if (l > 0 && data[start + l - 1] == '\r')
				l--;
			lines++;
			if (l == 0)
				blank++;
			bytes_kept += l;
			start = i + 1;
		}
	}
	static const size_t chunks[] = {0, 7, 4096};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, (const char *)data, n, chunks[c]);
		const struct st_ingest_stats *s = &fx.ig.stats;
		assert_int_equal(s->lines, lines);
		assert_int_equal(s->blank, blank);
		assert_int_equal(s->lines, s->blank + s->events + s->continuation);
		assert_int_equal(s->events, st_store_count(fx.st));
		assert_int_equal(s->events, s->timed + s->untimed);
		/* every kept byte is in some event, and every '\n' in event text
		 * joins a continuation line or a blank line inside a record */
		uint64_t text = 0, joins = 0;
		for (uint32_t i = 0; i < st_store_count(fx.st); i++) {
			struct st_event ev;
			st_store_get(fx.st, i, &ev);
			for (uint32_t k = 0; k < ev.len; k++)
				joins += ev.text[k] == '\n';
			text += ev.len;
		}
		assert_int_equal(text - joins, bytes_kept);
		assert_true(joins >= s->continuation);
		assert_true(joins <= s->continuation + s->blank);
		size_t on;
		st_store_order(fx.st, &on);
		assert_int_equal(on, s->events);
		fx_free(&fx);
	}
	free(data);
}

static void
test_utf8_and_nul_kept(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, 0);
	static const char in[] = "2024-03-01T10:00:00Z caf\xc3\xa9 \xff\xfe nul:\0:end\n";
	feed(&fx.ig, in, sizeof(in) - 1, 0);
	struct st_event ev = event(&fx, 0);
	assert_int_equal(ev.len, sizeof(in) - 2);
	assert_memory_equal(ev.text, in, sizeof(in) - 2);
	assert_time(ev.ts, T("2024-03-01T10:00:00Z"));
	fx_free(&fx);
}

/* 20 klog lines, then 40 iso8601 lines. */
static struct st_buf
klog_then_iso(void)
{
	struct st_buf in = {0};
	for (int i = 0; i < 20; i++)
		st_buf_addf(&in, "I0301 09:00:%02d.000000 1 main.go:%d] klog line %d\n", i, i + 1, i);
	for (int i = 0; i < 40; i++)
		st_buf_addf(&in, "2024-03-01T10:00:%02dZ INFO iso line %d\n", i, i);
	tu_keep(in.p, free);
	return in;
}

static void
test_reprobe_iso_lines_timed(void **state)
{
	(void)state;
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	struct st_buf in = klog_then_iso();
	feed(&fx.ig, in.p, in.len, 0);
	assert_int_equal(fx.ig.format, st_format_find("iso8601"));
	/* every iso line is its own event with its own time */
	int missing = 0;
	for (int i = 0; i < 40; i++) {
		uint32_t line = (uint32_t)(21 + i);
		bool found = false;
		for (uint32_t k = 0; k < st_store_count(fx.st) && !found; k++) {
			struct st_event ev;
			st_store_get(fx.st, k, &ev);
			found = ev.line == line && ev.ts == tu_utc(2024, 3, 1, 10, 0, i, 0);
		}
		if (!found) {
			if (missing == 0)
				print_error("iso line %u has no event with its time", line);
			missing++;
		}
	}
	if (missing) {
		print_error(" (%d of the 40 iso lines lack their own timed event; %llu continuation "
		            "lines, %llu untimed events)\n",
		            missing, (unsigned long long)fx.ig.stats.continuation,
		            (unsigned long long)fx.ig.stats.untimed);
		fail();
	}
	tu_release(in.p);
	fx_free(&fx);
}

static void
test_reprobe_klog_lines_timed(void **state)
{
	(void)state;
	/* the same file: the klog lines at its head keep their times too */
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	struct st_buf in = klog_then_iso();
	feed(&fx.ig, in.p, in.len, 0);
	int missing = 0;
	for (int i = 0; i < 20; i++) {
		bool found = false;
		for (uint32_t k = 0; k < st_store_count(fx.st) && !found; k++) {
			struct st_event ev;
			st_store_get(fx.st, k, &ev);
			found = ev.line == (uint32_t)(i + 1) && ev.ts == tu_utc(2024, 3, 1, 9, 0, i, 0);
		}
		missing += !found;
	}
	if (missing) {
		print_error("%d of the 20 klog lines lack their own timed event (%llu untimed events)\n",
		            missing, (unsigned long long)fx.ig.stats.untimed);
		fail();
	}
	tu_release(in.p);
	fx_free(&fx);
}

static void
test_reprobe_after_probe_window(void **state)
{
	(void)state;
	/* 100 klog lines lock klog; then the file turns into iso8601 */
	struct fixture fx;
	fx_init(&fx, T("2024-06-01T00:00:00Z"));
	struct st_buf in = {0};
	for (int i = 0; i < 100; i++)
		st_buf_addf(&in, "W0301 09:%02d:%02d.000000 1 main.go:%d] klog line %d\n", i / 60, i % 60,
		            i + 1, i);
	for (int i = 0; i < 100; i++)
		st_buf_addf(&in, "2024-03-01T10:%02d:%02dZ INFO iso line %d\n", i / 60, i % 60, i);
	feed(&fx.ig, in.p, in.len, 1000);
	assert_int_equal(fx.ig.format, st_format_find("iso8601"));
	assert_int_equal(fx.ig.stats.reprobes, 1);
	/* the tail after the switch is read as iso8601 */
	struct st_event ev = event(&fx, (uint32_t)st_store_count(fx.st) - 1);
	assert_time(ev.ts, tu_utc(2024, 3, 1, 10, 1, 39, 0));
	assert_int_equal(ev.format, st_format_find("iso8601"));
	assert_int_equal(ev.line, 200);
	/* the klog head is all timed */
	for (uint32_t k = 0; k < 100; k++) {
		ev = event(&fx, k);
		assert_int_equal(ev.line, k + 1);
		assert_int_equal(ev.format, st_format_find("klog"));
		assert_int_equal(ev.level, ST_LVL_WARN);
		assert_time(ev.ts, tu_utc(2024, 3, 1, 9, (int)k / 60, (int)k % 60, 0));
	}
	/* and no line is lost: lines = events + continuation */
	assert_int_equal(fx.ig.stats.lines, fx.ig.stats.events + fx.ig.stats.continuation);
	st_buf_free(&in);
	fx_free(&fx);
}

static void
test_zone_and_ref(void **state)
{
	(void)state;
	/* the zone and the reference reach the parsers */
	struct st_tz *tz;
	assert_int_equal(st_tz_load("Europe/Berlin", &tz), 0);
	struct st_store *st = st_store_new();
	assert_int_equal(st_store_add_source(st, "syslog"), 0);
	struct st_ingest ig;
	st_ingest_init(&ig, st, 0, tz, T("2025-01-02T00:00:00Z"));
	feed_str(&ig, "Dec 31 23:59:59 h p: x\nJan  1 12:00:00 h p: y\n", 0);
	assert_int_equal(ig.format, st_format_find("syslog"));
	struct st_event ev;
	st_store_get(st, 0, &ev);
	assert_time(ev.ts, T("2024-12-31T22:59:59Z"));
	st_store_get(st, 1, &ev);
	assert_time(ev.ts, T("2025-01-01T11:00:00Z"));
	st_store_free(st);
	st_tz_free(tz);
}

static void
test_mapped_like_copied(void **state)
{
	(void)state;
	assert_mapped_like_copied(mixed_input, sizeof(mixed_input) - 1, "mixed input");
	struct st_buf in = {0};
	for (int i = 0; i < 500; i++) {
		st_buf_addf(&in, "2024-03-01T10:%02d:%02dZ ERROR failure %d\r\n", i / 60, i % 60, i);
		for (int k = 0; k < i % 23; k++)
			st_buf_addf(&in, "\tat frame%d(File.java:%d)%s\n", k, k, k % 3 ? "" : "\r");
		if (i % 7 == 0)
			st_buf_adds(&in, "\n\r\n");
	}
	assert_mapped_like_copied(in.p, in.len, "traces with CRLF and blank lines");
	st_buf_free(&in);
	/* untimed lines only, no final newline */
	static const char untimed[] = "# HELP x\nx 1\n\ny 2";
	assert_mapped_like_copied(untimed, sizeof(untimed) - 1, "untimed");
}

static void
test_mapped_text_is_referenced(void **state)
{
	(void)state;
	/* a mapped source's events point into the mapping: no arena text */
	struct st_buf in = {0};
	for (int i = 0; i < 2000; i++)
		st_buf_addf(&in, "2024-03-01T10:%02d:%02dZ INFO line %d\n\tat continuation %d\n", i / 60 % 60,
		            i % 60, i, i);
	struct fixture fx;
	fx_init(&fx, 0);
	feed_mapped(&fx, in.p, in.len, 4u << 20);
	assert_int_equal(st_store_count(fx.st), 2000);
	struct st_store_mem m;
	st_store_memory(fx.st, &m);
	assert_int_equal(m.mapped, in.len);
	assert_int_equal(m.arena, 0);
	struct st_event ev = event(&fx, 1999);
	assert_ev_text(&ev, "2024-03-01T10:33:19Z INFO line 1999\n\tat continuation 1999");
	st_buf_free(&in);
	fx_free(&fx);
}

static void
test_mapped_long_continuation(void **state)
{
	(void)state;
	/* a record whose continuation line is cut: the dropped tail must stay
	 * dropped in a mapped file too, and the lines after it stay in the
	 * record */
	size_t n = 2u << 20;
	char *body = long_line("\tat ", n);
	struct st_buf in = join3("2024-01-01T00:00:00Z ERROR first\n", body, n,
	                         "\tat end of the trace\n2024-01-01T00:00:01Z next line\n");
	assert_mapped_like_copied(in.p, in.len, "cut continuation line");
	tu_release(in.p);
	tu_release(body);
}

/* ---- block records (journalctl -o export) */

/* One export entry: a cursor, the realtime stamp, fields; with bin, a
 * binary field whose bytes hold newlines, a blank line and '='. */
static void
export_entry(struct st_buf *b, int i, bool bin)
{
	st_buf_addf(b, "__CURSOR=s=ab12;i=%x;b=cd34;m=%x;t=%llx;x=9\n", i, 1000 + i,
	            (unsigned long long)(1700000000000000LL + i * 1000));
	st_buf_addf(b, "__REALTIME_TIMESTAMP=%lld\n", 1700000000000000LL + i * 1000);
	st_buf_addf(b, "PRIORITY=%d\n_HOSTNAME=node-%d\n", i % 8, i % 3);
	if (bin) {
		static const char data[] = "line one\n\nEVIL=1\n\n";
		unsigned char len[8] = {sizeof(data) - 1};
		st_buf_adds(b, "COREDUMP_BLOB\n");
		st_buf_add(b, (const char *)len, 8);
		st_buf_add(b, data, sizeof(data) - 1);
		st_buf_addc(b, '\n');
	}
	st_buf_addf(b, "MESSAGE=entry %d\n", i);
}

static struct st_buf
export_input(int n)
{
	struct st_buf b = {0};
	for (int i = 0; i < n; i++) {
		export_entry(&b, i, i % 4 == 1);
		st_buf_adds(&b, i % 5 == 2 ? "\n\n" : "\n");
	}
	return b;
}

static void
test_block_records(void **state)
{
	(void)state;
	struct st_buf in = export_input(60);
	uint64_t lines = 0;
	for (size_t i = 0; i < in.len; i++)
		lines += in.p[i] == '\n';
	static const size_t chunks[] = {0, 1, 3, 7, 64, 4096};
	char *want = NULL;
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(fx.ig.format, st_format_find("journal-export"));
		assert_int_equal(fx.ig.stats.events, 60);
		assert_int_equal(fx.ig.stats.timed, 60);
		assert_int_equal(fx.ig.stats.lines, lines);
		assert_int_equal(fx.ig.stats.blank, 60 + 12);
		struct st_event ev = event(&fx, 0);
		assert_ev_text(&ev, "__CURSOR=s=ab12;i=0;b=cd34;m=3e8;t=60a24181e4000;x=9\n"
		                    "__REALTIME_TIMESTAMP=1700000000000000\n"
		                    "PRIORITY=0\n_HOSTNAME=node-0\nMESSAGE=entry 0");
		assert_int_equal(ev.line, 1);
		assert_time(ev.ts, 1700000000000000LL);
		assert_int_equal(ev.level, ST_LVL_FATAL);
		/* the binary field's blank line does not end the entry */
		ev = event(&fx, 1);
		assert_int_equal(ev.line, 7);
		assert_time(ev.ts, 1700000000001000LL);
		assert_true(ev.len > 100);
		assert_memory_equal(ev.text + ev.len - 15, "MESSAGE=entry 1", 15);
		ev = event(&fx, 59);
		assert_time(ev.ts, 1700000000059000LL);
		char *got = snapshot(&fx);
		if (want == NULL) {
			want = got;
		} else {
			if (strcmp(got, want) != 0) {
				print_error("blocks in chunks of %zu differ from one feed\n", chunks[c]);
				fail();
			}
			free(got);
		}
		fx_free(&fx);
	}
	free(want);
	assert_mapped_like_copied(in.p, in.len, "export blocks");
	/* the last entry without its blank line, or even its newline */
	in.len -= 2;
	assert_mapped_like_copied(in.p, in.len, "export blocks, no final newline");
	struct fixture fx;
	fx_init(&fx, 0);
	feed(&fx.ig, in.p, in.len, 5);
	assert_int_equal(fx.ig.stats.events, 60);
	struct st_event ev = event(&fx, 59);
	assert_memory_equal(ev.text + ev.len - 16, "MESSAGE=entry 59", 16);
	fx_free(&fx);
	st_buf_free(&in);
}

static void
test_block_long(void **state)
{
	(void)state;
	/* a 2 MiB entry (a binary MESSAGE of many lines) is cut at
	 * ST_LINE_MAX, the entries after it are read */
	struct st_buf in = {0};
	export_entry(&in, 0, false);
	st_buf_adds(&in, "\n__REALTIME_TIMESTAMP=1700000000500000\nMESSAGE\n");
	size_t big = 2u << 20;
	unsigned char len[8] = {0};
	for (int b = 0; b < 8; b++)
		len[b] = (unsigned char)((uint64_t)big >> (8 * b));
	st_buf_add(&in, (const char *)len, 8);
	for (size_t i = 0; i < big; i += 64)
		st_buf_adds(&in, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n");
	st_buf_adds(&in, "\n\n");
	export_entry(&in, 1, true);
	st_buf_adds(&in, "\n");
	static const size_t chunks[] = {256u << 10, 64u << 10, 0};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(st_store_count(fx.st), 3);
		assert_int_equal(fx.ig.stats.truncated, 1);
		struct st_event ev = event(&fx, 1);
		assert_int_equal(ev.len, ST_LINE_MAX);
		assert_true(ev.flags & ST_EV_TRUNCATED);
		assert_time(ev.ts, 1700000000500000LL);
		assert_int_equal(ev.line, 7);
		ev = event(&fx, 2);
		assert_time(ev.ts, 1700000000001000LL);
		assert_false(ev.flags & ST_EV_TRUNCATED);
		fx_free(&fx);
	}
	st_buf_free(&in);
}

static void
test_block_not_read(void **state)
{
	(void)state;
	/* a block without a journal time is one untimed event; a block a line
	 * format reads ends block mode */
	struct st_buf in = export_input(3);
	st_buf_adds(&in, "hello\nworld\n\n");
	st_buf_adds(&in, "2024-01-01T00:00:00Z INFO now lines\n\tat continued\n"
	                 "2024-01-01T00:00:01Z WARN and more\n");
	static const size_t chunks[] = {0, 1, 7};
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(fx.ig.format, st_format_find("iso8601"));
		assert_int_equal(st_store_count(fx.st), 3 + 1 + 2);
		struct st_event ev = event(&fx, 3);
		assert_ev_text(&ev, "hello\nworld");
		assert_true(ev.ts == ST_TIME_NONE);
		ev = event(&fx, 4);
		assert_ev_text(&ev, "2024-01-01T00:00:00Z INFO now lines\n\tat continued");
		assert_int_equal(ev.line, 29); /* the binary field's newlines count */
		fx_free(&fx);
	}
	st_buf_free(&in);
	/* a binary field claiming more bytes than there are: the rest of the
	 * data is its block, and nothing breaks */
	in = export_input(2);
	st_buf_adds(&in, "__REALTIME_TIMESTAMP=1700000000900000\nBLOB\n\xff\xff\xff\xff\xff\xff\xff\x7f"
	                 "short\n\n__REALTIME_TIMESTAMP=1700000000950000\n\n");
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(st_store_count(fx.st), 3);
		struct st_event ev = event(&fx, 2);
		assert_time(ev.ts, 1700000000900000LL);
		fx_free(&fx);
	}
	assert_mapped_like_copied(in.p, in.len, "a binary field past the end");
	st_buf_free(&in);
	/* a binary field whose length is short of its bytes: the entry goes on
	 * from the next newline, and is still read */
	in = (struct st_buf){0};
	st_buf_adds(&in, "__REALTIME_TIMESTAMP=1700000000900000\nBLOB\n\003");
	st_buf_add(&in, "\0\0\0\0\0\0\0", 7);
	st_buf_adds(&in, "abcdef\nMESSAGE=after\n\n__REALTIME_TIMESTAMP=1700000000950000\n\n");
	for (size_t c = 0; c < ST_ARRAY_LEN(chunks); c++) {
		struct fixture fx;
		fx_init(&fx, 0);
		feed(&fx.ig, in.p, in.len, chunks[c]);
		assert_int_equal(st_store_count(fx.st), 2);
		struct st_event ev = event(&fx, 0);
		assert_time(ev.ts, 1700000000900000LL);
		assert_memory_equal(ev.text + ev.len - 13, "MESSAGE=after", 13);
		fx_free(&fx);
	}
	st_buf_free(&in);
	/* lines right after the last entry's blank line: they are read */
	in = export_input(2);
	st_buf_adds(&in, "2024-01-01T00:00:00Z INFO now lines\n\tat continued\n"
	                 "2024-01-01T00:00:01Z WARN and more\n");
	struct fixture fx;
	fx_init(&fx, 0);
	feed(&fx.ig, in.p, in.len, 3);
	assert_int_equal(st_store_count(fx.st), 4);
	struct st_event ev = event(&fx, 2);
	assert_ev_text(&ev, "2024-01-01T00:00:00Z INFO now lines\n\tat continued");
	assert_int_equal(ev.line, 19);
	fx_free(&fx);
	st_buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_chunking_is_invisible, tu_teardown),
		cmocka_unit_test_teardown(test_chunking_large_input, tu_teardown),
		cmocka_unit_test_teardown(test_mixed_input_events, tu_teardown),
		cmocka_unit_test_teardown(test_out_of_order_line, tu_teardown),
		cmocka_unit_test_teardown(test_java_stack_trace, tu_teardown),
		cmocka_unit_test_teardown(test_crlf_and_blank, tu_teardown),
		cmocka_unit_test_teardown(test_empty_input, tu_teardown),
		cmocka_unit_test_teardown(test_probe_waits_for_lines, tu_teardown),
		cmocka_unit_test_teardown(test_long_line_first, tu_teardown),
		cmocka_unit_test_teardown(test_long_line_timed, tu_teardown),
		cmocka_unit_test_teardown(test_long_continuation_line, tu_teardown),
		cmocka_unit_test_teardown(test_line_of_exactly_line_max, tu_teardown),
		cmocka_unit_test_teardown(test_binary_garbage, tu_teardown),
		cmocka_unit_test_teardown(test_utf8_and_nul_kept, tu_teardown),
		cmocka_unit_test_teardown(test_reprobe_iso_lines_timed, tu_teardown),
		cmocka_unit_test_teardown(test_reprobe_klog_lines_timed, tu_teardown),
		cmocka_unit_test_teardown(test_reprobe_after_probe_window, tu_teardown),
		cmocka_unit_test_teardown(test_zone_and_ref, tu_teardown),
		cmocka_unit_test_teardown(test_mapped_like_copied, tu_teardown),
		cmocka_unit_test_teardown(test_mapped_text_is_referenced, tu_teardown),
		cmocka_unit_test_teardown(test_mapped_long_continuation, tu_teardown),
		cmocka_unit_test_teardown(test_block_records, tu_teardown),
		cmocka_unit_test_teardown(test_block_long, tu_teardown),
		cmocka_unit_test_teardown(test_block_not_read, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
