/*
 * test_template.c: the streaming template miner (src/template.c): which
 * messages share a template, what the template reads, the counts and
 * first/last event of each, and that unrelated messages stay apart.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/template.h"
#include "testutil.h"

static uint32_t
add(struct st_tpls *t, const char *msg, uint32_t seq, bool *fresh)
{
	return st_tpls_add(t, msg, strlen(msg), seq, fresh);
}

static void
assert_text(const struct st_tpls *t, uint32_t id, const char *want)
{
	struct st_buf b = {0};
	st_tpls_text(t, id, &b);
	st_buf_addc(&b, '\0');
	assert_string_equal(b.p, want);
	st_buf_free(&b);
}

/* the seed's rollup lines: numbers differ, the template is one */
static void
test_numbers_are_parameters(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	bool fresh;
	uint32_t a = add(t, "Rolled up 139,204 records into 8,391 summary rows", 1, &fresh);
	assert_true(fresh);
	uint32_t b = add(t, "Rolled up 14,293 records into 847 summary rows", 9, &fresh);
	assert_false(fresh);
	assert_int_equal(a, b);
	assert_text(t, a, "Rolled up <*> records into <*> summary rows");
	struct st_tpl_info in;
	st_tpls_info(t, a, &in);
	assert_int_equal(in.count, 2);
	assert_int_equal(in.first_seq, 1);
	assert_int_equal(in.last_seq, 9);
	assert_int_equal(in.ntok, 8);
	st_tpls_free(t);
}

/* words that differ in a minority of positions become wildcards */
static void
test_words_merge(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	uint32_t a = add(t, "Processing table: order_summaries", 1, NULL);
	uint32_t b = add(t, "Processing table: revenue_by_region", 2, NULL);
	assert_int_equal(a, b);
	assert_text(t, a, "Processing table: <*>");
	st_tpls_free(t);
}

/* key=value parameters keep their key */
static void
test_key_value(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	uint32_t a = add(t, "session store slow latency_ms=2340 endpoint=/api/checkout", 1, NULL);
	uint32_t b = add(t, "session store slow latency_ms=3870 endpoint=/api/checkout", 2, NULL);
	assert_int_equal(a, b);
	assert_text(t, a, "session store slow latency_ms=<*> endpoint=/api/checkout");
	/* a different key is a different token */
	uint32_t c = add(t, "x y z port=80", 3, NULL);
	uint32_t d = add(t, "p q r user=42", 4, NULL);
	assert_int_not_equal(c, d);
	st_tpls_free(t);
}

/* different messages, or the same words in a different count, stay apart */
static void
test_apart(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	bool fresh;
	uint32_t a = add(t, "Connected to PostgreSQL 15.4 at analytics-db:5432/warehouse", 1, &fresh);
	uint32_t b = add(t, "Failed to execute query on orders table", 2, &fresh);
	assert_true(fresh);
	uint32_t c = add(t, "Failed to execute query", 3, &fresh);
	assert_true(fresh);
	uint32_t d = add(t, "Server is becoming the leader, discarding stale reads", 4, &fresh);
	assert_true(fresh);
	assert_int_equal(st_tpls_count(t), 4);
	assert_true(a != b && b != c && c != d && a != d);
	/* Drain's rule: more than half the positions differ -> apart ... */
	uint32_t e = add(t, "Failed to reach the upstream after retries", 5, &fresh);
	assert_true(fresh);
	assert_int_not_equal(e, b);
	/* ... at least half the same -> one template */
	assert_int_equal(add(t, "Failed to open file on disk table", 6, &fresh), b);
	assert_false(fresh);
	assert_text(t, b, "Failed to <*> <*> on <*> table");
	st_tpls_free(t);
}

/* messages made only of parameters share the all-wildcard template of
 * their length; the empty message has a template too */
static void
test_all_parameters_and_empty(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	uint32_t a = add(t, "12 34", 1, NULL);
	uint32_t b = add(t, "56 78", 2, NULL);
	assert_int_equal(a, b);
	assert_text(t, a, "<*> <*>");
	uint32_t e = add(t, "", 3, NULL);
	uint32_t f = add(t, "   ", 4, NULL);
	assert_int_equal(e, f);
	assert_text(t, e, "");
	st_tpls_free(t);
}

/* a long message keeps its first tokens and one wildcard for the rest */
static void
test_long(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	char msg[4096] = "";
	for (int i = 0; i < 200; i++)
		strcat(msg, "word ");
	uint32_t a = add(t, msg, 1, NULL);
	struct st_tpl_info in;
	st_tpls_info(t, a, &in);
	assert_int_equal(in.ntok, ST_TPL_TOKENS);
	msg[strlen(msg) - 6] = 'X'; /* a change past the kept tokens */
	assert_int_equal(add(t, msg, 2, NULL), a);
	st_tpls_free(t);
}

/* many templates and tokens: ids stay stable as the tables grow */
static void
test_growth(void **state)
{
	(void)state;
	struct st_tpls *t = st_tpls_new();
	char msg[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(msg, sizeof(msg), "w%c%c%c event alpha", 'a' + i % 26, 'a' + i / 26 % 26,
		         'a' + i / 676 % 26);
		/* the first token differs: each is its own group and template */
		assert_int_equal(add(t, msg, (uint32_t)i, NULL), (uint32_t)i);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(msg, sizeof(msg), "w%c%c%c event alpha", 'a' + i % 26, 'a' + i / 26 % 26,
		         'a' + i / 676 % 26);
		assert_int_equal(add(t, msg, 9999, NULL), (uint32_t)i);
	}
	assert_int_equal(st_tpls_count(t), 5000);
	st_tpls_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_are_parameters),
		cmocka_unit_test(test_words_merge),
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_apart),
		cmocka_unit_test(test_all_parameters_and_empty),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
