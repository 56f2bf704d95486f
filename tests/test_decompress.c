/*
 * test_decompress.c: streaming decompression (src/decompress*.c): gzip
 * and zstd, concatenated members and frames, corrupt, truncated and empty
 * input, output far larger than one call's room, input and output handed
 * over in odd sizes, and telling codecs by their magic.
 *
 * The compressed inputs are made here with zlib and libzstd from text the
 * test writes, so no fixture file is needed. drain() drives a stream the
 * way the reader (src/source-compressed.c) does: input in chunks, output
 * room bounded per call, calls repeated until one makes no progress, then
 * st_dz_end. Each call gets an exact-size heap copy of its input, so ASan
 * sees any read past the bytes handed over.
 */
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "strata/util.h"
#include "testutil.h"

static void
free_buf(void *p)
{
	struct st_buf *b = p;
	st_buf_free(b);
	free(b);
}

static struct st_buf *
new_buf(void)
{
	return tu_keep(st_xcalloc(1, sizeof(struct st_buf)), free_buf);
}

static void
free_dz(void *p)
{
	st_dz_free(p);
}

/* Log-like text of about n bytes, varied enough to make real deflate
 * blocks, the same for the same seed. */
static void
make_text(struct st_buf *b, size_t n, unsigned seed)
{
	static const char *const words[] = {"accepted", "session", "opened", "for", "user",
	                                    "closed", "timeout", "retry", "upstream", "ok"};
	uint32_t x = seed * 2654435761u + 1;
	unsigned line = 0;
	while (b->len < n) {
		st_buf_addf(b, "2024-03-%02u 10:%02u:%02u host%u app[%u]: ", 1 + line % 28,
		            line / 60 % 60, line % 60, x % 7, 100 + x % 900);
		for (int w = 0; w < 6; w++) {
			x = x * 1103515245u + 12345u;
			st_buf_adds(b, words[(x >> 16) % ST_ARRAY_LEN(words)]);
			st_buf_addc(b, ' ');
		}
		st_buf_addf(b, "id=%u\n", x >> 8);
		line++;
	}
}

/* Append one gzip member of in[0..n) to out; name (may be NULL) goes into
 * the header as gzip(1) writes it. */
static void
gzip_member(struct st_buf *out, const void *in, size_t n, const char *name)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	gz_header h;
	memset(&h, 0, sizeof(h));
	h.name = (Bytef *)name;
	h.time = 1700000000;
	if (name != NULL)
		assert_int_equal(deflateSetHeader(&zs, &h), Z_OK);
	size_t bound = deflateBound(&zs, (uLong)n) + 64;
	st_buf_grow(out, bound);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out->p + out->len;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	out->len += bound - zs.avail_out;
	deflateEnd(&zs);
}

/* Append one zstd frame of in[0..n) to out. */
static void
zstd_frame(struct st_buf *out, const void *in, size_t n)
{
	size_t bound = ZSTD_compressBound(n);
	st_buf_grow(out, bound);
	size_t r = ZSTD_compress(out->p + out->len, bound, in, n, 3);
	assert_false(ZSTD_isError(r));
	out->len += r;
}

/*
 * Decompress in[0..n) handing over at most ichunk input bytes and ochunk
 * output bytes per call; the text goes to out. Returns the first error,
 * or st_dz_end's verdict.
 */
static int
drain(struct st_dz *z, const void *in, size_t n, size_t ichunk, size_t ochunk, struct st_buf *out)
{
	const unsigned char *src = in;
	size_t pos = 0;
	unsigned char *ob = tu_keep(st_xmalloc(ochunk), free);
	int rc = 0;
	for (;;) {
		size_t give = ST_MIN(ichunk, n - pos);
		unsigned char *copy = st_xmalloc(give ? give : 1);
		if (give > 0)
			memcpy(copy, src + pos, give);
		size_t used = 99, made = 99;
		rc = st_dz_run(z, copy, give, &used, ob, ochunk, &made);
		free(copy);
		assert_true(used <= give);
		assert_true(made <= ochunk);
		st_buf_add(out, ob, made);
		pos += used;
		if (rc < 0)
			break;
		if (used == 0 && made == 0) {
			/* with input left and room, a decoder must move */
			assert_int_equal(give, 0);
			rc = st_dz_end(z);
			break;
		}
	}
	tu_release(ob);
	return rc;
}

static void
assert_same(const struct st_buf *got, const struct st_buf *want)
{
	assert_int_equal(got->len, want->len);
	assert_true(got->len == 0 || memcmp(got->p, want->p, got->len) == 0);
}

/* got is want's beginning */
static void
assert_prefix(const struct st_buf *got, const struct st_buf *want)
{
	assert_true(got->len <= want->len);
	assert_true(got->len == 0 || memcmp(got->p, want->p, got->len) == 0);
}

static struct st_dz *
new_dz(const struct st_codec *c)
{
	return tu_keep(st_dz_new(c), free_dz);
}

static void
test_detect(void **state)
{
	(void)state;
	bool more;
	assert_ptr_equal(st_codec_detect("\x1f\x8b\x08\x00", 4, false, &more), &st_codec_gzip);
	assert_false(more);
	assert_ptr_equal(st_codec_detect("\x28\xb5\x2f\xfd\x24", 5, false, &more), &st_codec_zstd);
	assert_null(st_codec_detect("Jan  5 10:00:00", 15, false, &more));
	assert_false(more);
	/* a magic's beginning: wait for more, unless the input ended */
	assert_null(st_codec_detect("\x28\xb5", 2, false, &more));
	assert_true(more);
	assert_null(st_codec_detect("\x28\xb5", 2, true, &more));
	assert_false(more);
	assert_null(st_codec_detect("\x1f", 1, false, &more));
	assert_true(more);
	assert_null(st_codec_detect("", 0, false, &more));
	assert_true(more);
	assert_null(st_codec_detect("", 0, true, NULL));
	assert_null(st_codec_detect("\x1f\x8a", 2, false, &more));
	assert_false(more);

	assert_ptr_equal(st_codec_for_name("/var/log/syslog.2.gz"), &st_codec_gzip);
	assert_ptr_equal(st_codec_for_name("app.log.zst"), &st_codec_zstd);
	assert_null(st_codec_for_name("app.log"));
	assert_null(st_codec_for_name(".gz"));
	assert_null(st_codec_for_name("app.gzip"));
}

static void
test_gzip(void **state)
{
	(void)state;
	struct st_buf *text = new_buf(), *gz = new_buf(), *out = new_buf();
	make_text(text, 300000, 1);
	gzip_member(gz, text->p, text->len, "app.log");
	struct st_dz *z = new_dz(&st_codec_gzip);
	assert_ptr_equal(st_dz_codec(z), &st_codec_gzip);
	assert_int_equal(drain(z, gz->p, gz->len, 65536, 65536, out), 0);
	assert_same(out, text);
}

static void
test_gzip_members(void **state)
{
	(void)state;
	struct st_buf *a = new_buf(), *b = new_buf(), *both = new_buf(), *gz = new_buf();
	make_text(a, 70000, 2);
	make_text(b, 5000, 3);
	gzip_member(gz, a->p, a->len, "a.log");
	gzip_member(gz, "", 0, NULL); /* an empty member between */
	gzip_member(gz, b->p, b->len, NULL);
	st_buf_add(gz, "\0\0\0\0", 4); /* padding some tools leave */
	st_buf_add(both, a->p, a->len);
	st_buf_add(both, b->p, b->len);
	size_t chunks[][2] = {{1 << 20, 1 << 20}, {4096, 4096}, {1, 7}, {13, 1}};
	for (size_t i = 0; i < ST_ARRAY_LEN(chunks); i++) {
		struct st_buf *out = new_buf();
		struct st_dz *z = new_dz(&st_codec_gzip);
		assert_int_equal(drain(z, gz->p, gz->len, chunks[i][0], chunks[i][1], out), 0);
		assert_same(out, both);
		tu_release(z);
		tu_release(out);
	}
}

static void
test_zstd(void **state)
{
	(void)state;
	struct st_buf *text = new_buf(), *zs = new_buf(), *out = new_buf();
	make_text(text, 300000, 4);
	zstd_frame(zs, text->p, text->len);
	struct st_dz *z = new_dz(&st_codec_zstd);
	assert_int_equal(drain(z, zs->p, zs->len, 65536, 65536, out), 0);
	assert_same(out, text);
}

static void
test_zstd_frames(void **state)
{
	(void)state;
	struct st_buf *a = new_buf(), *b = new_buf(), *both = new_buf(), *zs = new_buf();
	make_text(a, 90000, 5);
	make_text(b, 3000, 6);
	zstd_frame(zs, a->p, a->len);
	/* a skippable frame: magic 0x184D2A50, 4-byte length, payload */
	st_buf_add(zs, "\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
	zstd_frame(zs, "", 0);
	zstd_frame(zs, b->p, b->len);
	st_buf_add(both, a->p, a->len);
	st_buf_add(both, b->p, b->len);
	size_t chunks[][2] = {{1 << 20, 1 << 20}, {4096, 4096}, {1, 7}, {13, 1}};
	for (size_t i = 0; i < ST_ARRAY_LEN(chunks); i++) {
		struct st_buf *out = new_buf();
		struct st_dz *z = new_dz(&st_codec_zstd);
		assert_int_equal(drain(z, zs->p, zs->len, chunks[i][0], chunks[i][1], out), 0);
		assert_same(out, both);
		tu_release(z);
		tu_release(out);
	}
}

/* Cut after every prefix length in steps: ST_ETRUNC, and what came out is
 * the text's beginning. */
static void
check_truncated(const struct st_codec *c, const struct st_buf *text, const struct st_buf *comp)
{
	size_t step = comp->len / 97 + 1;
	for (size_t cut = 1; cut < comp->len; cut += step) {
		struct st_buf *out = new_buf();
		struct st_dz *z = new_dz(c);
		int rc = drain(z, comp->p, cut, 1000, 4096, out);
		assert_int_equal(rc, ST_ETRUNC);
		assert_prefix(out, text);
		tu_release(z);
		tu_release(out);
	}
	/* one byte short of the end: the trailer or last block is missing */
	struct st_buf *out = new_buf();
	struct st_dz *z = new_dz(c);
	assert_int_equal(drain(z, comp->p, comp->len - 1, 1 << 16, 1 << 16, out), ST_ETRUNC);
	assert_prefix(out, text);
	tu_release(z);
	tu_release(out);
}

static void
test_truncated(void **state)
{
	(void)state;
	struct st_buf *text = new_buf(), *gz = new_buf(), *zs = new_buf();
	make_text(text, 200000, 7);
	gzip_member(gz, text->p, text->len, "t.log");
	zstd_frame(zs, text->p, text->len);
	check_truncated(&st_codec_gzip, text, gz);
	check_truncated(&st_codec_zstd, text, zs);
}

static void
test_corrupt(void **state)
{
	(void)state;
	struct st_buf *text = new_buf(), *gz = new_buf(), *zs = new_buf();
	make_text(text, 200000, 8);

	/* a second gzip member with a broken header: the first is kept */
	gzip_member(gz, text->p, text->len, NULL);
	size_t second = gz->len;
	gzip_member(gz, "x\n", 2, NULL);
	gz->p[second + 2] = 9; /* compression method 9 does not exist */
	struct st_buf *out = new_buf();
	struct st_dz *z = new_dz(&st_codec_gzip);
	assert_int_equal(drain(z, gz->p, gz->len, 4096, 4096, out), ST_ECORRUPT);
	assert_same(out, text);
	assert_string_equal(st_dz_message(z), "unknown compression method");
	tu_release(z);
	tu_release(out);

	/* a flipped byte in the data: caught at the latest by the CRC */
	gz->len = second;
	gz->p[second / 2] ^= 0x55;
	out = new_buf();
	z = new_dz(&st_codec_gzip);
	assert_int_equal(drain(z, gz->p, gz->len, 4096, 4096, out), ST_ECORRUPT);
	assert_true(strlen(st_dz_message(z)) > 0);
	tu_release(z);
	tu_release(out);

	/* garbage after a member is not a member */
	gz->p[second / 2] ^= 0x55;
	st_buf_add(gz, "garbage\n", 8);
	out = new_buf();
	z = new_dz(&st_codec_gzip);
	assert_int_equal(drain(z, gz->p, gz->len, 4096, 4096, out), ST_ECORRUPT);
	assert_same(out, text);
	assert_string_equal(st_dz_message(z), "incorrect header check");
	tu_release(z);
	tu_release(out);

	/* zstd: a flipped byte in the block data (the frame has a checksum
	 * only with --check; the decoder's own checks catch this one), and
	 * garbage after a frame */
	zstd_frame(zs, text->p, text->len);
	size_t zlen = zs->len;
	for (size_t at = 8; at < 64; at += 7)
		zs->p[at] ^= 0xff;
	out = new_buf();
	z = new_dz(&st_codec_zstd);
	assert_int_equal(drain(z, zs->p, zs->len, 4096, 4096, out), ST_ECORRUPT);
	assert_true(strlen(st_dz_message(z)) > 0);
	tu_release(z);
	tu_release(out);

	zs->len = 0;
	zstd_frame(zs, text->p, text->len);
	assert_int_equal(zs->len, zlen);
	st_buf_add(zs, "garbage\n", 8);
	out = new_buf();
	z = new_dz(&st_codec_zstd);
	assert_int_equal(drain(z, zs->p, zs->len, 4096, 4096, out), ST_ECORRUPT);
	assert_same(out, text);
	assert_string_equal(st_dz_message(z), "Unknown frame descriptor");
	tu_release(z);
	tu_release(out);
}

static void
test_empty(void **state)
{
	(void)state;
	const struct st_codec *codecs[] = {&st_codec_gzip, &st_codec_zstd};
	for (size_t i = 0; i < ST_ARRAY_LEN(codecs); i++) {
		/* no input at all: nothing out, nothing open */
		struct st_buf *out = new_buf();
		struct st_dz *z = new_dz(codecs[i]);
		assert_int_equal(drain(z, "", 0, 4096, 4096, out), 0);
		assert_int_equal(out->len, 0);
		tu_release(z);
		/* the compressed form of no text */
		struct st_buf *comp = new_buf();
		if (codecs[i] == &st_codec_gzip)
			gzip_member(comp, "", 0, "empty.log");
		else
			zstd_frame(comp, "", 0);
		z = new_dz(codecs[i]);
		assert_int_equal(drain(z, comp->p, comp->len, 3, 4096, out), 0);
		assert_int_equal(out->len, 0);
		tu_release(z);
		tu_release(comp);
		tu_release(out);
	}
	/* no output room: a call does nothing */
	struct st_dz *z = new_dz(&st_codec_gzip);
	size_t used = 1, made = 1;
	unsigned char ob[1];
	assert_int_equal(st_dz_run(z, "\x1f\x8b", 2, &used, ob, 0, &made), 0);
	assert_int_equal(used, 0);
	assert_int_equal(made, 0);
	tu_release(z);
}

/* 24 MiB of one repeated line: over a thousandfold, and each call still
 * gives at most the room it was handed (1 MiB, the reader's chunk). */
static void
test_expands(void **state)
{
	(void)state;
	const size_t chunk = 1 << 20;
	struct st_buf *text = new_buf(), *gz = new_buf(), *zs = new_buf();
	while (text->len < 24 * chunk)
		st_buf_adds(text, "2024-03-01T10:00:00Z host app: the same line again and again\n");
	gzip_member(gz, text->p, text->len, NULL);
	zstd_frame(zs, text->p, text->len);
	assert_true(gz->len * 10 < chunk);
	assert_true(zs->len * 10 < chunk);
	const struct st_buf *comp[] = {gz, zs};
	const struct st_codec *codecs[] = {&st_codec_gzip, &st_codec_zstd};
	for (size_t i = 0; i < 2; i++) {
		struct st_buf *out = new_buf();
		struct st_dz *z = new_dz(codecs[i]);
		/* all the input at once: the output room alone bounds each call */
		size_t calls = 0, ip = 0;
		for (;;) {
			size_t used, made;
			st_buf_grow(out, chunk);
			int rc = st_dz_run(z, comp[i]->p + ip, comp[i]->len - ip, &used,
			                   out->p + out->len, chunk, &made);
			assert_int_equal(rc, 0);
			assert_true(made <= chunk);
			out->len += made;
			ip += used;
			if (made == 0 && used == 0)
				break;
			calls++;
		}
		assert_int_equal(ip, comp[i]->len);
		assert_int_equal(st_dz_end(z), 0);
		assert_true(calls >= 24);
		assert_same(out, text);
		tu_release(z);
		tu_release(out);
	}
}

/* Odd input and output sizes, down to single bytes, give the same text. */
static void
test_odd_chunks(void **state)
{
	(void)state;
	struct st_buf *text = new_buf(), *gz = new_buf(), *zs = new_buf();
	make_text(text, 40000, 9);
	gzip_member(gz, text->p, text->len, "odd.log");
	gzip_member(gz, text->p, 1000, NULL);
	zstd_frame(zs, text->p, text->len);
	zstd_frame(zs, text->p, 1000);
	struct st_buf *want = new_buf();
	st_buf_add(want, text->p, text->len);
	st_buf_add(want, text->p, 1000);
	size_t sizes[] = {1, 2, 3, 5, 17, 511, 4093, 65537};
	const struct st_buf *comp[] = {gz, zs};
	const struct st_codec *codecs[] = {&st_codec_gzip, &st_codec_zstd};
	for (size_t i = 0; i < 2; i++)
		for (size_t a = 0; a < ST_ARRAY_LEN(sizes); a++) {
			size_t b = ST_ARRAY_LEN(sizes) - 1 - a;
			struct st_buf *out = new_buf();
			struct st_dz *z = new_dz(codecs[i]);
			assert_int_equal(drain(z, comp[i]->p, comp[i]->len, sizes[a], sizes[b], out), 0);
			assert_same(out, want);
			tu_release(z);
			tu_release(out);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_detect, tu_teardown),
		cmocka_unit_test_teardown(test_gzip, tu_teardown),
		cmocka_unit_test_teardown(test_gzip_members, tu_teardown),
		cmocka_unit_test_teardown(test_zstd, tu_teardown),
		cmocka_unit_test_teardown(test_zstd_frames, tu_teardown),
		cmocka_unit_test_teardown(test_truncated, tu_teardown),
		cmocka_unit_test_teardown(test_corrupt, tu_teardown),
		cmocka_unit_test_teardown(test_empty, tu_teardown),
		cmocka_unit_test_teardown(test_expands, tu_teardown),
		cmocka_unit_test_teardown(test_odd_chunks, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
