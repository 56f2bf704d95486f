/*
 * test_escape.c: output escaping and UTF-8 validation (src/util.c):
 * st_escape_text, st_escape_json, st_utf8_seq, and the st_buf they write.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/util.h"
#include "testutil.h"

static char *
esc_text(const char *s, size_t n, int keep_nl)
{
	/* an exact-size copy: ASan sees any read past n */
	char *in = st_xmalloc(n ? n : 1);
	memcpy(in, s, n);
	struct st_buf b = {0};
	st_escape_text(&b, in, n, keep_nl);
	st_buf_addc(&b, '\0');
	free(in);
	return b.p;
}

static char *
esc_json(const char *s, size_t n)
{
	char *in = st_xmalloc(n ? n : 1);
	memcpy(in, s, n);
	struct st_buf b = {0};
	st_escape_json(&b, in, n);
	st_buf_addc(&b, '\0');
	free(in);
	return b.p;
}

#define CHECK_TEXT(in, keep, want)                                  \
	do {                                                            \
		char *got_ = esc_text((in), sizeof(in) - 1, (keep));        \
		assert_string_equal(got_, (want));                          \
		free(got_);                                                 \
	} while (0)

#define CHECK_JSON(in, want)                                        \
	do {                                                            \
		char *got_ = esc_json((in), sizeof(in) - 1);                \
		assert_string_equal(got_, (want));                          \
		free(got_);                                                 \
	} while (0)

static void
test_valid_utf8_kept(void **state)
{
	(void)state;
	CHECK_TEXT("plain ascii", 0, "plain ascii");
	CHECK_TEXT("caf\xc3\xa9", 0, "caf\xc3\xa9");                      /* é */
	CHECK_TEXT("\xe4\xb8\x96\xe7\x95\x8c", 0, "\xe4\xb8\x96\xe7\x95\x8c"); /* 世界 */
	CHECK_TEXT("ok \xf0\x9f\x98\x80!", 0, "ok \xf0\x9f\x98\x80!");      /* 😀 */
	CHECK_TEXT("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");              /* U+10FFFF */
	CHECK_TEXT("\xc2\x80", 0, "\xc2\x80");                              /* U+0080 */
	CHECK_TEXT("\xef\xbf\xbd", 0, "\xef\xbf\xbd");                      /* U+FFFD */
	CHECK_JSON("caf\xc3\xa9", "caf\xc3\xa9");
	CHECK_JSON("\xe4\xb8\x96\xe7\x95\x8c", "\xe4\xb8\x96\xe7\x95\x8c");
	CHECK_JSON("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	CHECK_TEXT("", 0, "");
	CHECK_JSON("", "");
}

static void
test_invalid_utf8_escaped(void **state)
{
	(void)state;
	CHECK_TEXT("a\xff" "b", 0, "a\\xffb");
	CHECK_JSON("a\xff" "b", "a\\\\xffb");
	/* a sequence cut short, in the middle and at the end */
	CHECK_TEXT("\xe4\xb8" "x", 0, "\\xe4\\xb8x");
	CHECK_TEXT("end\xe4\xb8", 0, "end\\xe4\\xb8");
	CHECK_JSON("end\xe4\xb8", "end\\\\xe4\\\\xb8");
	CHECK_TEXT("\xf0\x9f\x98", 0, "\\xf0\\x9f\\x98");
	/* overlong encodings */
	CHECK_TEXT("\xc0\x80", 0, "\\xc0\\x80");
	CHECK_TEXT("\xc1\xbf", 0, "\\xc1\\xbf");
	CHECK_TEXT("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	CHECK_TEXT("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
	CHECK_JSON("\xc0\x80", "\\\\xc0\\\\x80");
	/* UTF-16 surrogates are not characters */
	CHECK_TEXT("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	CHECK_TEXT("\xed\xbf\xbf", 0, "\\xed\\xbf\\xbf");
	CHECK_JSON("\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80");
	/* past U+10FFFF */
	CHECK_TEXT("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	CHECK_TEXT("\xf5\x80\x80\x80", 0, "\\xf5\\x80\\x80\\x80");
	/* a lone continuation byte, then a valid character */
	CHECK_TEXT("\x80\xc3\xa9", 0, "\\x80\xc3\xa9");
	/* a valid lead followed by a new lead: only the bad byte is escaped */
	CHECK_TEXT("\xc3\xc3\xa9", 0, "\\xc3\xc3\xa9");
}

static void
test_control_chars(void **state)
{
	(void)state;
	CHECK_TEXT("a\tb", 0, "a\tb");
	CHECK_TEXT("a\nb", 0, "a\\x0ab");
	CHECK_TEXT("a\nb", 1, "a\nb");
	CHECK_TEXT("a\rb", 1, "a\\x0db");
	CHECK_TEXT("\x1b[31mred", 0, "\\x1b[31mred");
	CHECK_TEXT("nul\0byte", 0, "nul\\x00byte");
	CHECK_TEXT("del\x7f", 0, "del\\x7f");
	CHECK_TEXT("bell\a", 0, "bell\\x07");
	/* the backslash itself is plain in text output */
	CHECK_TEXT("C:\\path", 0, "C:\\path");
}

static void
test_json_specials(void **state)
{
	(void)state;
	CHECK_JSON("say \"hi\"", "say \\\"hi\\\"");
	CHECK_JSON("back\\slash", "back\\\\slash");
	CHECK_JSON("a\nb", "a\\nb");
	CHECK_JSON("a\tb", "a\\tb");
	CHECK_JSON("a\rb", "a\\rb");
	CHECK_JSON("nul\0", "nul\\u0000");
	CHECK_JSON("\x1b[0m", "\\u001b[0m");
	CHECK_JSON("\x01\x1f", "\\u0001\\u001f");
	CHECK_JSON("/slash stays", "/slash stays");
	/* DEL is legal in a JSON string; escaping it is fine too, but it must
	 * come out as one of the two */
	char *d = esc_json("\x7f", 1);
	assert_true(strcmp(d, "\x7f") == 0 || strcmp(d, "\\u007f") == 0);
	free(d);
}

static void
test_every_byte(void **state)
{
	(void)state;
	/* each byte alone: text output is printable ASCII or the input itself
	 * (valid UTF-8), JSON output has no raw control character, quote or
	 * backslash that is not part of an escape */
	for (int c = 0; c < 256; c++) {
		char in = (char)c;
		char *t = esc_text(&in, 1, 0);
		if (c >= 0x20 && c < 0x7f) {
			assert_int_equal(strlen(t), 1);
			assert_int_equal(t[0], c);
		} else if (c == '\t') {
			assert_string_equal(t, "\t");
		} else {
			char want[8];
			snprintf(want, sizeof(want), "\\x%02x", c);
			assert_string_equal(t, want);
		}
		free(t);
		char *j = esc_json(&in, 1);
		for (const char *p = j; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
		if (c == '"' || c == '\\')
			assert_int_equal(j[0], '\\');
		free(j);
	}
}

static void
test_utf8_seq(void **state)
{
	(void)state;
	const unsigned char ok2[] = {0xc3, 0xa9}, ok3[] = {0xe4, 0xb8, 0x96},
	                    ok4[] = {0xf0, 0x9f, 0x98, 0x80}, bad[] = {0xc0, 0x80},
	                    sur[] = {0xed, 0xa0, 0x80};
	assert_int_equal(st_utf8_seq((const unsigned char *)"a", 1), 1);
	assert_int_equal(st_utf8_seq(ok2, 2), 2);
	assert_int_equal(st_utf8_seq(ok3, 3), 3);
	assert_int_equal(st_utf8_seq(ok4, 4), 4);
	assert_int_equal(st_utf8_seq(ok4, 3), 0); /* cut short by n */
	assert_int_equal(st_utf8_seq(bad, 2), 0);
	assert_int_equal(st_utf8_seq(sur, 3), 0);
}

static void
test_long_mixed_round_trip(void **state)
{
	(void)state;
	/* random bytes: text escaping then undoing \xHH gives the input back */
	uint64_t x = 12345;
	size_t n = 100000;
	unsigned char *in = st_xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		in[i] = (unsigned char)x;
		if (in[i] == '\\')
			in[i] = '/'; /* a raw backslash would be ambiguous to undo */
	}
	struct st_buf b = {0};
	st_escape_text(&b, (const char *)in, n, 1);
	struct st_buf back = {0};
	for (size_t i = 0; i < b.len; i++) {
		if (b.p[i] == '\\') {
			assert_true(i + 3 < b.len);
			assert_int_equal(b.p[i + 1], 'x');
			char hex[3] = {b.p[i + 2], b.p[i + 3], 0};
			st_buf_addc(&back, (char)strtol(hex, NULL, 16));
			i += 3;
		} else {
			st_buf_addc(&back, b.p[i]);
		}
	}
	assert_int_equal(back.len, n);
	assert_memory_equal(back.p, in, n);
	st_buf_free(&b);
	st_buf_free(&back);
	free(in);
}

static void
test_buf(void **state)
{
	(void)state;
	struct st_buf b = {0};
	for (int i = 0; i < 10000; i++)
		st_buf_addf(&b, "%d,", i);
	st_buf_adds(&b, "end");
	st_buf_addc(&b, '\0');
	assert_true(strncmp(b.p, "0,1,2,", 6) == 0);
	assert_true(strstr(b.p, ",9999,end") != NULL);
	st_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(st_strerror(ST_ENOZONE), "unknown time zone");
	assert_string_equal(st_strerror(0), "success");
}

static void
add_nothing(const void *arg)
{
	(void)arg;
	struct st_buf b = {0};
	st_buf_add(&b, "", 0);
	st_buf_adds(&b, "");
	assert_int_equal(b.len, 0);
	st_buf_free(&b);
}

static void
test_buf_add_nothing(void **state)
{
	(void)state;
	/* adding zero bytes to a buffer that has none yet is a no-op (no
	 * memcpy into a NULL buffer, which UBSan reports) */
	assert_true(tu_isolated(add_nothing, NULL, "st_buf_add(&empty, \"\", 0)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_escaped),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_json_specials),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_utf8_seq),
		cmocka_unit_test(test_long_mixed_round_trip),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_add_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
