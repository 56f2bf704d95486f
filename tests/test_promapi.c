/*
 * test_promapi.c: Prometheus HTTP API answers to exposition lines
 * (src/promapi.c) and the JSON reader under it (src/jsonscan.c).
 *
 * The documents are shaped as Prometheus 2.x writes them (the matrix and
 * vector answers of a Prometheus scraping node-exporter, a scalar, the
 * error answer of a bad query), then varied the ways saved files vary:
 * pretty-printed by jq, keys sorted by jq -S, NaN and +Inf values,
 * label values with escapes and non-ASCII text. Every document is given
 * to the converter as an exact-size heap copy, so ASan sees a read past
 * its end; and every valid one is also cut at every byte, which must give
 * an error (never a crash) and only lines that the whole document gives
 * too, in the same order.
 *
 * The lines made are also read back by the prometheus format: each must
 * be a metric event dated by its sample's time.
 */
#include <string.h>

#include "jsonscan.h"
#include "promapi.h"
#include "strata/format.h"
#include "strata/util.h"
#include "testutil.h"

static void
free_buf(void *p)
{
	st_buf_free(p);
	free(p);
}

static void
collect(void *arg, const char *lines, size_t len)
{
	struct st_buf *b = arg;
	/* chunks hold whole lines */
	assert_true(len > 0);
	assert_int_equal(lines[len - 1], '\n');
	st_buf_add(b, lines, len);
}

static void
free_seen(void *p)
{
	st_promapi_seen_free(p);
}

/* Convert doc (an exact-size copy of it) into out and return the lines
 * made, NUL terminated; *rc and *r for the outcome. */
static const char *
convert_into(struct st_buf *out, const char *doc, size_t n, const char *unnamed,
             struct st_promapi_seen *seen, int *rc, struct st_promapi_res *r)
{
	out->len = 0;
	char *copy = st_xmalloc(n ? n : 1);
	memcpy(copy, doc, n);
	struct st_promapi_opts o = {.unnamed = unnamed, .seen = seen, .emit = collect, .arg = out};
	*rc = st_promapi_convert(copy, n, &o, r);
	free(copy);
	st_buf_addc(out, '\0');
	return out->p;
}

/* The same into a buffer kept until the teardown. */
static const char *
convert(const char *doc, size_t n, const char *unnamed, struct st_promapi_seen *seen, int *rc,
        struct st_promapi_res *r)
{
	struct st_buf *out = tu_keep(st_xcalloc(1, sizeof(*out)), free_buf);
	return convert_into(out, doc, n, unnamed, seen, rc, r);
}

/* doc must convert without error to exactly want; then every cut of it
 * must fail and give a prefix of want (whole lines). */
static void
check_doc(const char *doc, const char *unnamed, const char *want)
{
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc, strlen(doc), unnamed, NULL, &rc, &r);
	if (rc != 0)
		print_error("error: %s\n", r.msg);
	assert_int_equal(rc, 0);
	assert_string_equal(got, want);
	size_t lines = 0;
	for (const char *p = want; *p; p++)
		lines += *p == '\n';
	assert_int_equal(r.samples, lines);
	struct st_buf *buf = tu_keep(st_xcalloc(1, sizeof(*buf)), free_buf);
	/* (cuts in the trailing whitespace leave the whole document) */
	size_t end = strlen(doc);
	while (end > 0 && strchr(" \t\r\n", doc[end - 1]) != NULL)
		end--;
	for (size_t cut = 0; cut < end; cut++) {
		const char *part = convert_into(buf, doc, cut, unnamed, NULL, &rc, &r);
		/* only a cut between two answers leaves whole ones */
		size_t k = cut;
		while (doc[k] != '\0' && strchr(" \t\r\n", doc[k]) != NULL)
			k++;
		size_t b = cut;
		while (b > 0 && strchr(" \t\r\n", doc[b - 1]) != NULL)
			b--;
		bool between = b > 0 && doc[b - 1] == '}' && doc[k] == '{';
		if (rc == 0 && !between)
			print_error("a cut at byte %zu of %zu converts without error\n", cut, strlen(doc));
		assert_true(rc != 0 || between);
		assert_true(rc == 0 || r.msg[0] != '\0');
		assert_true(strncmp(want, part, strlen(part)) == 0);
	}
	tu_release(buf);
}

/* ---- documents as Prometheus writes them (node-exporter scraped every 15 s) */

static const char matrix_doc[] =
	"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
	"{\"metric\":{\"__name__\":\"node_load1\",\"instance\":\"127.0.0.1:9100\",\"job\":\"node\"},"
	"\"values\":[[1732000000,\"0.52\"],[1732000015,\"0.61\"],[1732000030.5,\"0.7\"]]},"
	"{\"metric\":{\"__name__\":\"node_load1\",\"instance\":\"10.0.0.7:9100\",\"job\":\"node\"},"
	"\"values\":[[1732000000,\"2.25\"]]}]}}";

static const char matrix_want[] =
	"node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.52 1732000000000\n"
	"node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.61 1732000015000\n"
	"node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.7 1732000030500\n"
	"node_load1{instance=\"10.0.0.7:9100\",job=\"node\"} 2.25 1732000000000\n";

/* the same, as `jq .` writes it */
static const char matrix_pretty[] =
	"{\n"
	"  \"status\": \"success\",\n"
	"  \"data\": {\n"
	"    \"resultType\": \"matrix\",\n"
	"    \"result\": [\n"
	"      {\n"
	"        \"metric\": {\n"
	"          \"__name__\": \"node_load1\",\n"
	"          \"instance\": \"127.0.0.1:9100\",\n"
	"          \"job\": \"node\"\n"
	"        },\n"
	"        \"values\": [\n"
	"          [\n"
	"            1732000000,\n"
	"            \"0.52\"\n"
	"          ],\n"
	"          [\n"
	"            1732000015,\n"
	"            \"0.61\"\n"
	"          ],\n"
	"          [\n"
	"            1732000030.5,\n"
	"            \"0.7\"\n"
	"          ]\n"
	"        ]\n"
	"      },\n"
	"      {\n"
	"        \"metric\": {\n"
	"          \"__name__\": \"node_load1\",\n"
	"          \"instance\": \"10.0.0.7:9100\",\n"
	"          \"job\": \"node\"\n"
	"        },\n"
	"        \"values\": [\n"
	"          [\n"
	"            1732000000,\n"
	"            \"2.25\"\n"
	"          ]\n"
	"        ]\n"
	"      }\n"
	"    ]\n"
	"  }\n"
	"}\n";

/* the same as `jq -S .` sorts it: data before status, result before
 * resultType, values after metric; in one line, with \r\n and tabs */
static const char matrix_sorted[] =
	"{\"data\":{\"result\":[{\"metric\":{\"__name__\":\"node_load1\",\"instance\":"
	"\"127.0.0.1:9100\",\"job\":\"node\"},\"values\":[[1732000000,\"0.52\"],[1732000015,"
	"\"0.61\"],[1732000030.5,\"0.7\"]]},\r\n\t{\"values\":[[1732000000,\"2.25\"]],\"metric\":"
	"{\"job\":\"node\",\"instance\":\"10.0.0.7:9100\",\"__name__\":\"node_load1\"}}],"
	"\"resultType\":\"matrix\"},\"status\":\"success\"}\r\n";

static void
test_matrix(void **state)
{
	(void)state;
	check_doc(matrix_doc, NULL, matrix_want);
	check_doc(matrix_pretty, NULL, matrix_want);
	struct st_promapi_res r;
	int rc;
	const char *got = convert(matrix_sorted, strlen(matrix_sorted), NULL, NULL, &rc, &r);
	assert_int_equal(rc, 0);
	/* the second series' labels keep their order in the answer */
	assert_string_equal(got,
	                    "node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.52 1732000000000\n"
	                    "node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.61 1732000015000\n"
	                    "node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.7 1732000030500\n"
	                    "node_load1{job=\"node\",instance=\"10.0.0.7:9100\"} 2.25 1732000000000\n");
	assert_string_equal(r.type, "matrix");
	assert_int_equal(r.series, 2);
	assert_int_equal(r.samples, 4);
	/* a BOM before the document */
	char bom[sizeof(matrix_doc) + 3] = "\xef\xbb\xbf";
	memcpy(bom + 3, matrix_doc, sizeof(matrix_doc));
	got = convert(bom, strlen(bom), NULL, NULL, &rc, &r);
	assert_int_equal(rc, 0);
	assert_string_equal(got, matrix_want);
}

static void
test_vector(void **state)
{
	(void)state;
	/* /api/v1/query?query=up, with millisecond times */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"__name__\":\"up\",\"instance\":\"127.0.0.1:9090\",\"job\":"
	          "\"prometheus\"},\"value\":[1435781451.781,\"1\"]},"
	          "{\"metric\":{\"__name__\":\"up\",\"instance\":\"127.0.0.1:9100\",\"job\":\"node\"},"
	          "\"value\":[1435781451.781,\"0\"]}]}}",
	          NULL,
	          "up{instance=\"127.0.0.1:9090\",job=\"prometheus\"} 1 1435781451781\n"
	          "up{instance=\"127.0.0.1:9100\",job=\"node\"} 0 1435781451781\n");
	/* no __name__ (sum by, rate): the caller's name; no labels: no braces */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"job\":\"node\"},\"value\":[1732000000.123,\"0.0145\"]},"
	          "{\"metric\":{},\"value\":[1732000000.123,\"3\"]}]}}",
	          "sum_by_job_rate_node_cpu_seconds_total_5m",
	          "sum_by_job_rate_node_cpu_seconds_total_5m{job=\"node\"} 0.0145 1732000000123\n"
	          "sum_by_job_rate_node_cpu_seconds_total_5m 3 1732000000123\n");
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"job\":\"node\"},\"value\":[1732000000,\"7\"]}]}}",
	          NULL, "query_result{job=\"node\"} 7 1732000000000\n");
	/* an empty result is no error */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", NULL,
	          "");
}

static void
test_scalar(void **state)
{
	(void)state;
	/* /api/v1/query?query=1%2B1 */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
	          "[1795246906.797,\"2\"]}}",
	          NULL, "query_result 2 1795246906797\n");
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
	          "[1795246906.797,\"2\"]}}",
	          "scalar_time", "scalar_time 2 1795246906797\n");
	/* a string result is not a metric */
	struct st_promapi_res r;
	int rc;
	const char *doc = "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":"
	                  "[1795246906.808,\"foo\"]}}";
	const char *got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, ST_EINVAL);
	assert_string_equal(got, "");
	assert_non_null(strstr(r.msg, "the result is a string, not metric samples"));
}

static void
test_special_values(void **state)
{
	(void)state;
	/* Prometheus writes NaN and infinities as strings; other servers may
	 * write plain numbers, and times as strings */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
	          "{\"metric\":{\"__name__\":\"go_gc_duration_seconds\",\"quantile\":\"1\"},"
	          "\"values\":[[1732000000,\"NaN\"],[1732000015,\"+Inf\"],[1732000030,\"-Inf\"],"
	          "[1732000045,\"1.5e-05\"],[1732000060,\"-0.25\"],[1732000075,3],"
	          "[\"1732000090.25\",\"1e+308\"],[1.73200010500e9,\"0\"],[0.0005,\"4\"]]}]}}",
	          NULL,
	          "go_gc_duration_seconds{quantile=\"1\"} NaN 1732000000000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} +Inf 1732000015000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} -Inf 1732000030000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} 1.5e-05 1732000045000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} -0.25 1732000060000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} 3 1732000075000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} 1e+308 1732000090250\n"
	          "go_gc_duration_seconds{quantile=\"1\"} 0 1732000105000\n"
	          "go_gc_duration_seconds{quantile=\"1\"} 4 1\n");
	/* times round to the nearest millisecond */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{},\"value\":[1732000000.1234,\"1\"]},"
	          "{\"metric\":{},\"value\":[1732000000.9996,\"1\"]}]}}",
	          "t", "t 1 1732000000123\nt 1 1732000001000\n");
}

static void
test_escapes(void **state)
{
	(void)state;
	/* JSON escapes decoded, then escaped as the exposition format wants:
	 * \" \\ and \n; other text (UTF-8, \u escapes, a surrogate pair) as
	 * it is; a label name it cannot hold made of '_' */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"__name__\":\"http_requests_total\",\"path\":\"/a \\\"b\\\" \\\\c\","
	          "\"msg\":\"line1\\nline2\\ttab\",\"city\":\"K\\u00f6ln \xe2\x82\xac \\ud83d\\ude00\","
	          "\"bad-name\":\"\\/x\"},\"value\":[1732000000,\"5\"]}]}}",
	          NULL,
	          "http_requests_total{path=\"/a \\\"b\\\" \\\\c\",msg=\"line1\\nline2\ttab\","
	          "city=\"K\xc3\xb6ln \xe2\x82\xac \xf0\x9f\x98\x80\",bad_name=\"/x\"} 5 "
	          "1732000000000\n");
	/* a metric name with characters a name cannot hold; __name__ anywhere */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"job\":\"x\",\"__name__\":\"my.app:req-total\"},"
	          "\"value\":[1732000000,\"5\"]}]}}",
	          NULL, "my_app:req_total{job=\"x\"} 5 1732000000000\n");
	/* the lines read back as metric events at their samples' times */
	int f = st_format_find("prometheus");
	assert_true(f >= 0);
	const struct st_format *fmt = st_format_get((size_t)f);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	static const char *const lines[] = {
		"http_requests_total{path=\"/a \\\"b\\\" \\\\c\",msg=\"line1\\nline2\"} 5 1732000000000",
		"node_load1{instance=\"127.0.0.1:9100\",job=\"node\"} 0.7 1732000030500",
		"go_gc_duration_seconds{quantile=\"1\"} NaN 1732000000000",
		"query_result 2 1795246906797",
	};
	static const st_time want[] = {1732000000000000, 1732000030500000, 1732000000000000,
	                               1795246906797000};
	for (size_t i = 0; i < ST_ARRAY_LEN(lines); i++) {
		struct st_draft d;
		assert_int_equal(st_format_parse(fmt, &tc, lines[i], strlen(lines[i]), &d), 0);
		assert_int_equal(d.kind, ST_KIND_METRIC);
		assert_time(d.ts, want[i]);
	}
}

static void
expect_error(const char *doc, const char *msg)
{
	struct st_promapi_res r;
	int rc;
	convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	if (rc == 0 || strstr(r.msg, msg) == NULL)
		print_error("doc %s\ngot %d \"%s\", want \"%s\"\n", doc, rc, r.msg, msg);
	assert_int_equal(rc, ST_EINVAL);
	assert_non_null(strstr(r.msg, msg));
}

static void
test_several(void **state)
{
	(void)state;
	/* curl in a loop, >> saved.json: answers one after another, with or
	 * without a newline between them */
	check_doc("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"__name__\":\"up\"},\"value\":[1732000000,\"1\"]}]}}"
	          "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	          "{\"metric\":{\"__name__\":\"up\"},\"value\":[1732000015,\"0\"]}]}}\n"
	          "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
	          "[1732000030,\"7\"]}}\n",
	          NULL, "up 1 1732000000000\nup 0 1732000015000\nquery_result 7 1732000030000\n");
	/* an error answer among them: the samples before it, and its words */
	const char *doc =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"__name__\":\"up\"},\"value\":[1732000000,\"1\"]}]}}\n"
		"{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"no storage\"}\n"
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"__name__\":\"up\"},\"value\":[1732000030,\"1\"]}]}}\n";
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, ST_EINVAL);
	assert_true(r.api_error);
	assert_string_equal(r.msg, "unavailable: no storage");
	assert_string_equal(got, "up 1 1732000000000\n");
}

static void
test_error_answer(void **state)
{
	(void)state;
	/* /api/v1/query?query=up( answers 400 with this */
	const char *doc = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid "
	                  "parameter \\\"query\\\": 1:4: parse error: unclosed left parenthesis\"}";
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, ST_EINVAL);
	assert_true(r.api_error);
	assert_string_equal(got, "");
	assert_string_equal(r.msg, "bad_data: invalid parameter \"query\": 1:4: parse error: "
	                           "unclosed left parenthesis");
	/* the order of the keys does not matter; a timeout, with warnings */
	doc = "{\"error\":\"query timed out in expression evaluation\",\"errorType\":\"timeout\","
	      "\"status\":\"error\",\"warnings\":[\"w1\",\"w2\"]}";
	got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, ST_EINVAL);
	assert_true(r.api_error);
	assert_string_equal(r.msg, "timeout: query timed out in expression evaluation");
	assert_int_equal(r.warnings, 2);
	assert_string_equal(r.warning, "w1");
	/* success with a warning: the samples and the warning */
	doc = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
	      "{\"__name__\":\"up\"},\"value\":[1732000000,\"1\"]}]},\"warnings\":[\"PromQL info: "
	      "metric might not be a counter\"]}";
	got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, 0);
	assert_false(r.api_error);
	assert_string_equal(got, "up 1 1732000000000\n");
	assert_string_equal(r.warning, "PromQL info: metric might not be a counter");
}

static void
test_malformed(void **state)
{
	(void)state;
	/* where: line and column (from 1) and byte (from 0) of the fault */
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[}}",
	             "line 1, column 61 (byte 60): expected a value");
	expect_error("{\n  \"status\": \"success\",\n  \"data\": {\n    \"resultType\": \"vector\"\n"
	             "    \"result\": []\n  }\n}\n",
	             "line 5, column 5 (byte 68): expected ',' or '}' after an object member");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}} x",
	             "column 65 (byte 64): text after the end of the answer (not another one)");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{},\"value\":[1732000000,\"x\"]}]}}",
	             "column 94 (byte 93): a sample's value is not a number");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{},\"value\":[-5,\"1\"]}]}}",
	             "a sample's time is not seconds between 1970 and 9999");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{},\"value\":[1e30,\"1\"]}]}}",
	             "a sample's time is not seconds between 1970 and 9999");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{},\"value\":[1732000000]}]}}",
	             "a sample is not a [time, \"value\"] pair");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{},\"value\":[1732000000,\"1\",\"2\"]}]}}",
	             "a sample is not a [time, \"value\"] pair");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{\"a\":1},\"value\":[1732000000,\"1\"]}]}}",
	             "a label value is not a string");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{\"a\":\"x\ty\"},\"value\":[1732000000,\"1\"]}]}}",
	             "a control character inside a string");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{\"a\":\"\\q\"},\"value\":[1732000000,\"1\"]}]}}",
	             "an unknown escape in a string");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	             "{\"metric\":{\"a\":\"\\u12\"},\"value\":[1732000000,\"1\"]}]}}",
	             "a \\u escape without four hex digits");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[1,2,3]}}",
	             "a sample is not a [time, \"value\"] pair");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[[1]]}}",
	             "a result element is not a series object");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
	             "{\"metric\":{},\"values\":{}}]}}",
	             "\"values\" is not an array");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"tensor\",\"result\":[]}}",
	             "an unknown resultType");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\"}}",
	             "no \"result\" in \"data\"");
	expect_error("{\"status\":\"ok\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
	             "\"status\" is neither \"success\" nor \"error\"");
	expect_error("{\"status\":\"success\"}", "the answer holds no \"data\"");
	expect_error("{\"level\":\"info\"}", "not a Prometheus API answer");
	expect_error("[1,2]", "not a Prometheus API answer");
	expect_error("", "not a Prometheus API answer");
	expect_error("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[01]}}",
	             "expected ',' or ']' after an array element");
	expect_error("{\"status\":\"success\",\"data\":{\"a\":[1.],\"result\":[]}}",
	             "a number without digits after its '.'");
	expect_error("{\"status\":\"success\",\"data\":{\"a\":tru,\"result\":[]}}", "expected a value");

	/* nesting is bounded: a deep document fails cleanly */
	struct st_buf deep = {0};
	st_buf_adds(&deep, "{\"status\":\"success\",\"data\":{\"x\":");
	for (int i = 0; i < 100000; i++)
		st_buf_addc(&deep, '[');
	st_buf_addc(&deep, '\0');
	expect_error(deep.p, "objects and arrays nested too deep");
	st_buf_free(&deep);

	/* the samples of the series before a malformed one are kept */
	const char *doc = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	                  "{\"metric\":{\"__name__\":\"a\"},\"value\":[1732000000,\"1\"]},"
	                  "{\"metric\":{\"__name__\":\"b\"},\"value\":[1732000000,\"2\"]},"
	                  "{\"metric\":{\"__name__\":\"c\"},\"value\":[1732000000,\"x\"]},"
	                  "{\"metric\":{\"__name__\":\"d\"},\"value\":[1732000000,\"4\"]}]}}";
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, ST_EINVAL);
	assert_string_equal(got, "a 1 1732000000000\nb 2 1732000000000\n");
}

static void
test_histograms(void **state)
{
	(void)state;
	/* native histograms are skipped and counted; the float samples stay */
	const char *doc =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		"{\"metric\":{\"__name__\":\"rpc_seconds\"},\"histograms\":[[1732000000,{\"count\":\"3\","
		"\"sum\":\"0.5\",\"buckets\":[[0,\"0.1\",\"0.2\",\"3\"]]}],[1732000015,{\"count\":\"4\","
		"\"sum\":\"0.6\"}]]},"
		"{\"metric\":{\"__name__\":\"rpc_seconds_count\"},\"values\":[[1732000000,\"3\"]]}]}}";
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc, strlen(doc), NULL, NULL, &rc, &r);
	assert_int_equal(rc, 0);
	assert_int_equal(r.histograms, 2);
	assert_string_equal(got, "rpc_seconds_count 3 1732000000000\n");
}

static void
test_seen(void **state)
{
	(void)state;
	/* a polled range: the second answer overlaps the first; what was
	 * seen is not made again, new series and new times are */
	struct st_promapi_seen *seen = tu_keep(st_promapi_seen_new(), free_seen);
	const char *first =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		"{\"metric\":{\"__name__\":\"up\",\"job\":\"node\"},\"values\":[[100,\"1\"],[101,\"1\"]]}]}}";
	const char *second =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		"{\"metric\":{\"__name__\":\"up\",\"job\":\"node\"},\"values\":[[101,\"1\"],[102,\"0\"]]},"
		"{\"metric\":{\"__name__\":\"up\",\"job\":\"db\"},\"values\":[[101,\"1\"],[102,\"1\"]]}]}}";
	struct st_promapi_res r;
	int rc;
	const char *got = convert(first, strlen(first), NULL, seen, &rc, &r);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "up{job=\"node\"} 1 100000\nup{job=\"node\"} 1 101000\n");
	got = convert(second, strlen(second), NULL, seen, &rc, &r);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "up{job=\"node\"} 0 102000\n"
	                         "up{job=\"db\"} 1 101000\nup{job=\"db\"} 1 102000\n");
	assert_int_equal(r.repeated, 1);
	got = convert(second, strlen(second), NULL, seen, &rc, &r);
	assert_string_equal(got, "");
	assert_int_equal(r.repeated, 4);
	assert_int_equal(st_promapi_seen_count(seen), 2);
	/* many series: the table grows and still finds each */
	struct st_buf doc = {0};
	st_buf_adds(&doc, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	for (int i = 0; i < 5000; i++)
		st_buf_addf(&doc, "%s{\"metric\":{\"i\":\"%d\"},\"value\":[200,\"1\"]}", i ? "," : "", i);
	st_buf_adds(&doc, "]}}");
	convert(doc.p, doc.len, "s", seen, &rc, &r);
	assert_int_equal(r.samples, 5000);
	convert(doc.p, doc.len, "s", seen, &rc, &r);
	assert_int_equal(r.samples, 0);
	assert_int_equal(r.repeated, 5000);
	assert_int_equal(st_promapi_seen_count(seen), 5002);
	st_buf_free(&doc);
	tu_release(seen);
}

static void
test_big(void **state)
{
	(void)state;
	/* a long range: lines come out in chunks of whole lines (collect
	 * checks), all of them, in order */
	struct st_buf doc = {0};
	st_buf_adds(&doc, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
	                  "{\"metric\":{\"__name__\":\"node_network_receive_bytes_total\",\"device\":"
	                  "\"eth0\",\"instance\":\"127.0.0.1:9100\",\"job\":\"node\"},\"values\":[");
	int n = 40000;
	for (int i = 0; i < n; i++)
		st_buf_addf(&doc, "%s[%d.%03d,\"%d\"]", i ? "," : "", 1732000000 + i / 4, (i % 4) * 250,
		            i * 1000);
	st_buf_adds(&doc, "]}]}}");
	struct st_promapi_res r;
	int rc;
	const char *got = convert(doc.p, doc.len, NULL, NULL, &rc, &r);
	assert_int_equal(rc, 0);
	assert_int_equal(r.samples, (uint64_t)n);
	const char *p = got;
	for (int i = 0; i < n; i++) {
		char want[160];
		snprintf(want, sizeof(want),
		         "node_network_receive_bytes_total{device=\"eth0\",instance=\"127.0.0.1:9100\","
		         "job=\"node\"} %d %lld\n",
		         i * 1000, 1732000000000LL + i * 250);
		assert_memory_equal(p, want, strlen(want));
		p += strlen(want);
	}
	assert_int_equal(*p, '\0');
	st_buf_free(&doc);
}

/* Every line made must be one the prometheus format reads as a metric. */
static void
lines_read_back(const char *text)
{
	int f = st_format_find("prometheus");
	const struct st_format *fmt = st_format_get((size_t)f);
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		struct st_draft d;
		int rc = st_format_parse(fmt, &tc, p, (size_t)(nl - p), &d);
		if (rc != 0 || d.kind != ST_KIND_METRIC)
			print_error("not read back as a metric: %.*s\n", (int)(nl - p), p);
		assert_int_equal(rc, 0);
		assert_int_equal(d.kind, ST_KIND_METRIC);
		p = nl + 1;
	}
}

static void
test_mutations(void **state)
{
	(void)state;
	/* answers with a few bytes changed (a small deterministic fuzz): never
	 * a crash or a read past the end, and whatever converts reads back */
	static const char bytes[] = "{}[]\",:\\-+.e0123456789 nNaIf\n\x01\xff_";
	const char *docs[] = {matrix_doc, matrix_pretty, matrix_sorted};
	struct st_buf *buf = tu_keep(st_xcalloc(1, sizeof(*buf)), free_buf);
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned converted = 0;
	for (int i = 0; i < 30000; i++) {
		const char *doc = docs[i % 3];
		size_t n = strlen(doc);
		char *m = st_xmalloc(n);
		memcpy(m, doc, n);
		int flips = 1 + i % 3;
		for (int k = 0; k < flips; k++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			size_t at = (size_t)(seed >> 33) % n;
			m[at] = bytes[(seed >> 20) % (sizeof(bytes) - 1)];
		}
		struct st_promapi_res r;
		int rc;
		const char *got = convert_into(buf, m, n, NULL, NULL, &rc, &r);
		free(m);
		lines_read_back(got);
		assert_true(rc == 0 || r.msg[0] != '\0');
		converted += rc == 0;
	}
	/* some mutations are harmless (a digit for a digit): both paths ran */
	assert_true(converted > 100);
	assert_true(converted < 30000);
	tu_release(buf);
}

static void
expect_sniff(const char *s, bool eof, enum st_promapi_sniff want)
{
	size_t n = strlen(s);
	char *copy = st_xmalloc(n ? n : 1);
	memcpy(copy, s, n);
	enum st_promapi_sniff got = st_promapi_sniff(copy, n, eof);
	free(copy);
	if (got != want)
		print_error("sniff '%s' (eof %d): got %d, want %d\n", s, eof, got, want);
	assert_int_equal(got, want);
}

static void
test_sniff(void **state)
{
	(void)state;
	expect_sniff(matrix_doc, true, ST_PROMAPI_YES);
	expect_sniff(matrix_pretty, true, ST_PROMAPI_YES);
	expect_sniff(matrix_sorted, true, ST_PROMAPI_YES);
	expect_sniff("\xef\xbb\xbf{\"status\":\"success\",\"data\":{", false, ST_PROMAPI_YES);
	expect_sniff("{\"status\":\"error\",\"errorType\":\"bad_data\"", false, ST_PROMAPI_YES);
	expect_sniff("{\"data\":{\"resultType\":\"vector\"", false, ST_PROMAPI_YES);
	/* JSON logs are not answers */
	expect_sniff("{\"status\":200,\"method\":\"GET\",\"path\":\"/\"}\n", false, ST_PROMAPI_NO);
	expect_sniff("{\"status\":\"success\",\"msg\":\"job done\"}\n", false, ST_PROMAPI_NO);
	expect_sniff("{\"level\":\"info\",\"status\":\"success\"}\n", false, ST_PROMAPI_NO);
	expect_sniff("{\"data\":\"x\"}\n", false, ST_PROMAPI_NO);
	expect_sniff("{\"data\":{\"user\":\"x\"}}\n", false, ST_PROMAPI_NO);
	expect_sniff("[{\"status\":\"success\",\"data\":{}}]", false, ST_PROMAPI_NO);
	expect_sniff("2024-01-01T00:00:00Z status success data\n", false, ST_PROMAPI_NO);
	expect_sniff("{\"status\":\"success\"}", true, ST_PROMAPI_NO);
	expect_sniff("", true, ST_PROMAPI_NO);
	/* too few bytes to tell */
	expect_sniff("", false, ST_PROMAPI_MORE);
	expect_sniff("  \n", false, ST_PROMAPI_MORE);
	expect_sniff("{", false, ST_PROMAPI_MORE);
	expect_sniff("{\"sta", false, ST_PROMAPI_MORE);
	expect_sniff("{\"status\":\"succ", false, ST_PROMAPI_MORE);
	expect_sniff("{\"status\":\"success\",", false, ST_PROMAPI_MORE);
	expect_sniff("{\"status\":\"success\"", false, ST_PROMAPI_MORE);
	expect_sniff("{\"status\":\"succ", true, ST_PROMAPI_NO);
	/* at most ST_PROMAPI_SNIFF_MAX bytes are looked at */
	char *ws = st_xmalloc(ST_PROMAPI_SNIFF_MAX + 64);
	memset(ws, ' ', ST_PROMAPI_SNIFF_MAX + 63);
	ws[ST_PROMAPI_SNIFF_MAX + 63] = '\0';
	expect_sniff(ws, false, ST_PROMAPI_NO);
	ws[ST_PROMAPI_SNIFF_MAX - 100] = '\0';
	expect_sniff(ws, false, ST_PROMAPI_MORE);
	free(ws);
}

static void
expect_name(const char *text, const char *want)
{
	struct st_buf b = {0};
	st_promapi_name(text, strlen(text), &b);
	st_buf_addc(&b, '\0');
	assert_string_equal(b.p, want);
	st_buf_free(&b);
}

static void
test_name(void **state)
{
	(void)state;
	expect_name("rate(http_requests_total[5m])", "rate_http_requests_total_5m");
	expect_name("sum by (job) (rate(node_cpu_seconds_total{mode!=\"idle\"}[1m]))",
	            "sum_by_job_rate_node_cpu_seconds_total_mode_idle_1m");
	expect_name("job:node_cpu:rate5m", "job:node_cpu:rate5m");
	expect_name("1 + 1", "_1_1");
	expect_name("((()))", ST_PROMAPI_UNNAMED);
	expect_name("", ST_PROMAPI_UNNAMED);
	char long_q[400];
	memset(long_q, 'a', sizeof(long_q) - 1);
	long_q[sizeof(long_q) - 1] = '\0';
	struct st_buf b = {0};
	st_promapi_name(long_q, strlen(long_q), &b);
	assert_int_equal(b.len, 120);
	st_buf_free(&b);
}

static void
test_jsonscan(void **state)
{
	(void)state;
	/* the cursor on its own: members and elements in any mix, unescape */
	const char *doc = " {\"a\" : [1, -2.5e3, {\"b\":null}, [], {}], \"k\\u00e9y\":\"\\ud83d\\ude00"
	                  "\\ud800x\\/\", \"\\u0074\":true,\"f\":false} ";
	struct st_js j;
	st_js_init(&j, doc, strlen(doc));
	struct st_js_span k, v;
	assert_true(st_js_object(&j));
	assert_true(st_js_member(&j, &k));
	assert_true(st_js_eq(&k, "a"));
	assert_int_equal(st_js_peek(&j), ST_JS_ARRAY);
	assert_true(st_js_array(&j));
	assert_true(st_js_element(&j));
	assert_true(st_js_number(&j, &v));
	assert_int_equal(v.n, 1);
	assert_true(st_js_element(&j));
	assert_true(st_js_number(&j, &v));
	assert_memory_equal(v.p, "-2.5e3", 6);
	assert_true(st_js_element(&j));
	assert_true(st_js_skip(&j));
	assert_true(st_js_element(&j));
	assert_true(st_js_skip(&j));
	assert_true(st_js_element(&j));
	assert_true(st_js_skip(&j));
	assert_false(st_js_element(&j));
	assert_true(st_js_member(&j, &k));
	assert_false(st_js_eq(&k, "k"));
	struct st_buf b = {0};
	st_js_unescape(&k, &b);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.p, "k\xc3\xa9y", 4);
	b.len = 0;
	assert_true(st_js_string(&j, &v));
	st_js_unescape(&v, &b);
	assert_int_equal(b.len, 4 + 3 + 2);
	assert_memory_equal(b.p, "\xf0\x9f\x98\x80\xef\xbf\xbdx/", 9);
	st_buf_free(&b);
	assert_true(st_js_member(&j, &k));
	assert_true(st_js_eq(&k, "t")); /* "\u0074" */
	assert_int_equal(st_js_peek(&j), ST_JS_TRUE);
	assert_true(st_js_skip(&j));
	assert_true(st_js_member(&j, &k));
	assert_true(st_js_skip(&j));
	assert_false(st_js_member(&j, &k));
	assert_true(st_js_finish(&j));
	size_t line, col, off;
	assert_null(st_js_where(&j, &line, &col, &off));
	/* a failure sticks, with its place */
	st_js_init(&j, "[1,\n 2,,]", 9);
	assert_true(st_js_array(&j));
	while (st_js_element(&j))
		st_js_skip(&j);
	assert_string_equal(st_js_where(&j, &line, &col, &off), "expected a value (an object, array, "
	                                                        "string, number, true, false or null)");
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
	assert_int_equal(off, 7);
	assert_false(st_js_skip(&j));
	assert_int_equal(st_js_peek(&j), ST_JS_END);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_matrix, tu_teardown),
		cmocka_unit_test_teardown(test_vector, tu_teardown),
		cmocka_unit_test_teardown(test_scalar, tu_teardown),
		cmocka_unit_test_teardown(test_special_values, tu_teardown),
		cmocka_unit_test_teardown(test_escapes, tu_teardown),
		cmocka_unit_test_teardown(test_several, tu_teardown),
		cmocka_unit_test_teardown(test_error_answer, tu_teardown),
		cmocka_unit_test_teardown(test_malformed, tu_teardown),
		cmocka_unit_test_teardown(test_histograms, tu_teardown),
		cmocka_unit_test_teardown(test_seen, tu_teardown),
		cmocka_unit_test_teardown(test_big, tu_teardown),
		cmocka_unit_test_teardown(test_mutations, tu_teardown),
		cmocka_unit_test_teardown(test_sniff, tu_teardown),
		cmocka_unit_test_teardown(test_name, tu_teardown),
		cmocka_unit_test_teardown(test_jsonscan, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
