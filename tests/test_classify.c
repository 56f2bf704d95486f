/*
 * test_classify.c: changes, symptoms and entities (src/classify.c,
 * src/entities.c, parsers/rules/).
 *
 *   - data/classify.test: realistic lines (see that file's header) read
 *     by the real ingest (format detection, records, continuation lines)
 *     into one store, one source per record or per named group, then one
 *     classify pass; each record states what its event must be;
 *   - every built-in rule: st_rule_check accepts it, and some record of
 *     the data file is annotated by it (a rule nobody tests is a rule
 *     nobody knows works);
 *   - st_workload_len on pod, ReplicaSet, Job and StatefulSet names;
 *   - incremental passes: events appended after a pass are classified by
 *     the next one, and the earlier ones are not classified twice;
 *   - garbage: every prefix of every line of the data file, and random
 *     bytes of the characters entities are made of, through entity
 *     extraction in exact-size heap buffers (ASan sees a read past the
 *     text) and through a classify pass;
 *   - user rules: what st_rule_check refuses, st_rule_try, and that they
 *     come before the built-in ones; [change NAME] and [symptom NAME]
 *     sections of format files (userfmt.c): loaded, checked line by line,
 *     registered, and forgotten when their set is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/classify.h"
#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/userfmt.h"
#include "strata/util.h"
#include "testutil.h"

#define REF "2024-12-20T00:00:00Z"
#define RECORDS_MAX 512
#define CHECKS_MAX 16

static st_time
user_time(const char *s)
{
	st_time t;
	if (st_parse_user_time(s, NULL, &t) != 0) {
		print_error("bad time in the test itself: %s\n", s);
		fail();
	}
	return t;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		print_error("cannot open %s\n", path);
		fail();
	}
	struct st_buf b = {0};
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		st_buf_add(&b, tmp, n);
	fclose(f);
	st_buf_addc(&b, '\0');
	return b.p;
}

/* ---- data/classify.test */

struct record {
	int lineno;
	const char *source; /* group name, or NULL: its own source */
	struct st_buf text; /* its lines, decoded, each ending in '\n' */
	const char *format, *kind, *symptom, *detail, *rule, *change;
	const char *val[5]; /* action, object, namespace, host, actor */
	const char *entity[CHECKS_MAX], *no_entity[CHECKS_MAX];
	int nentity, nno_entity;
	/* filled in by the run */
	unsigned src;
	uint32_t first_line;
};

static const char *const change_keys[5] = {"action", "object", "namespace", "host", "actor"};

/* "\t", "\\" and "\xHH" in a line: tabs and escape bytes in stack traces
 * and coloured output. */
static void
decode(struct st_buf *b, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 't') {
			st_buf_addc(b, '\t');
			i++;
		} else if (s[i] == '\\' && s[i + 1] == '\\') {
			st_buf_addc(b, '\\');
			i++;
		} else if (s[i] == '\\' && s[i + 1] == 'x' && s[i + 2] && s[i + 3]) {
			char hex[3] = {s[i + 2], s[i + 3], 0};
			st_buf_addc(b, (char)strtol(hex, NULL, 16));
			i += 3;
		} else {
			st_buf_addc(b, s[i]);
		}
	}
	st_buf_addc(b, '\n');
}

/* Parse the data file in place; returns the number of records. */
static int
parse_records(char *data, struct record *recs)
{
	int n = 0, lineno = 0;
	struct record *r = NULL;
	for (char *line = data; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (line[0] == '\0') {
			r = NULL;
		} else if (line[0] != '#') {
			if (r == NULL) {
				assert_true(n < RECORDS_MAX);
				r = &recs[n++];
				memset(r, 0, sizeof(*r));
				r->lineno = lineno;
			}
			char *colon = strstr(line, ": ");
			if (colon == NULL) {
				print_error("classify.test:%d: expected 'key: value'\n", lineno);
				fail();
			}
			*colon = '\0';
			const char *k = line, *v = colon + 2;
			bool known = true;
			if (strcmp(k, "line") == 0)
				decode(&r->text, v);
			else if (strcmp(k, "source") == 0)
				r->source = v;
			else if (strcmp(k, "format") == 0)
				r->format = v;
			else if (strcmp(k, "kind") == 0)
				r->kind = v;
			else if (strcmp(k, "change") == 0)
				r->change = v;
			else if (strcmp(k, "symptom") == 0)
				r->symptom = v;
			else if (strcmp(k, "detail") == 0)
				r->detail = v;
			else if (strcmp(k, "rule") == 0)
				r->rule = v;
			else if (strcmp(k, "entity") == 0 && r->nentity < CHECKS_MAX)
				r->entity[r->nentity++] = v;
			else if (strcmp(k, "no-entity") == 0 && r->nno_entity < CHECKS_MAX)
				r->no_entity[r->nno_entity++] = v;
			else {
				known = false;
				for (int i = 0; i < 5; i++)
					if (strcmp(k, change_keys[i]) == 0) {
						r->val[i] = v;
						known = true;
					}
			}
			if (!known) {
				print_error("classify.test:%d: unknown key '%s'\n", lineno, k);
				fail();
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

static void
free_records(struct record *recs, int n)
{
	for (int i = 0; i < n; i++)
		st_buf_free(&recs[i].text);
}

static void
free_store(void *p)
{
	st_store_free(p);
}

static void
free_notes(void *p)
{
	st_notes_free(p);
}

static bool
same(const char *got, const char *want)
{
	if (strcmp(want, "null") == 0)
		return got == NULL;
	return got != NULL && strcmp(got, want) == 0;
}

static bool
has_entity(const struct st_entities *es, const char *want)
{
	for (unsigned i = 0; i < es->n; i++) {
		char buf[600];
		snprintf(buf, sizeof(buf), "%s:%s",
		         st_entity_type_name((enum st_entity_type)es->e[i].type), st_entity_value(es, i));
		if (strcmp(buf, want) == 0)
			return true;
	}
	return false;
}

static void
describe(const struct record *r, const struct st_event *ev, const struct st_change *ch,
         bool is_change, const struct st_symptom *sy, bool is_sym, const struct st_entities *es)
{
	print_error("classify.test:%d: %.*s\n  format %s, kind %s\n", r->lineno, (int)ev->len,
	            ev->text,
	            ev->format < st_format_count() ? st_format_get(ev->format)->name : "none",
	            st_kind_name((enum st_kind)ev->kind));
	if (is_change)
		print_error("  change: action=%s object=%s namespace=%s host=%s actor=%s (%s)\n",
		            ch->action ? ch->action : "null", ch->object ? ch->object : "null",
		            ch->ns ? ch->ns : "null", ch->host ? ch->host : "null",
		            ch->actor ? ch->actor : "null", ch->rule);
	if (is_sym)
		print_error("  symptom: %s, %s (%s)\n", sy->type, sy->detail ? sy->detail : "null",
		            sy->rule);
	print_error("  entities:");
	for (unsigned i = 0; i < es->n; i++)
		print_error(" %s:%s", st_entity_type_name((enum st_entity_type)es->e[i].type),
		            st_entity_value(es, i));
	print_error("\n");
}

/* Check one record's event; returns the number of problems. */
static int
check_record(const struct record *r, const struct st_notes *notes, const struct st_event *ev,
             const char **fired, int *nfired)
{
	struct st_change ch;
	struct st_symptom sy;
	bool is_change = st_notes_change(notes, ev->seq, &ch);
	bool is_sym = st_notes_symptom(notes, ev->seq, &sy);
	struct st_entities es;
	st_notes_entities(notes, ev, NULL, &es);
	if (is_change)
		fired[(*nfired)++] = ch.rule;
	if (is_sym)
		fired[(*nfired)++] = sy.rule;
	int bad = 0;
	char why[256] = "";
	const char *fname = ev->format < st_format_count() ? st_format_get(ev->format)->name : "none";
	bool want_change = r->change ? strcmp(r->change, "none") != 0 : false;
	for (int i = 0; i < 5; i++)
		want_change |= r->val[i] != NULL;
	if (r->kind && strcmp(r->kind, "change") == 0)
		want_change = true;
	if (r->format && strcmp(r->format, fname) != 0)
		snprintf(why, sizeof(why), "format %s, want %s", fname, r->format);
	else if (want_change != is_change)
		snprintf(why, sizeof(why), want_change ? "no change found" : "found a change");
	else if (is_change != (ev->kind == ST_KIND_CHANGE))
		snprintf(why, sizeof(why), "the store's kind is not change");
	else if (r->symptom && strcmp(r->symptom, "none") == 0 && is_sym)
		snprintf(why, sizeof(why), "found a symptom");
	else if (r->symptom && strcmp(r->symptom, "none") != 0 &&
	         (!is_sym || strcmp(sy.type, r->symptom) != 0))
		snprintf(why, sizeof(why), "symptom %s, want %s", is_sym ? sy.type : "none", r->symptom);
	else if (r->detail && (!is_sym || !same(sy.detail, r->detail)))
		snprintf(why, sizeof(why), "detail %s, want %s", is_sym && sy.detail ? sy.detail : "null",
		         r->detail);
	else if (r->rule && !((is_change && strcmp(ch.rule, r->rule) == 0) ||
	                      (is_sym && strcmp(sy.rule, r->rule) == 0)))
		snprintf(why, sizeof(why), "rule is not %s", r->rule);
	const char *got[5] = {ch.action, ch.object, ch.ns, ch.host, ch.actor};
	for (int i = 0; i < 5 && !why[0] && is_change; i++)
		if (r->val[i] && !same(got[i], r->val[i]))
			snprintf(why, sizeof(why), "%s %s, want %s", change_keys[i],
			         got[i] ? got[i] : "null", r->val[i]);
	for (int i = 0; i < r->nentity && !why[0]; i++)
		if (!has_entity(&es, r->entity[i]))
			snprintf(why, sizeof(why), "no entity %s", r->entity[i]);
	for (int i = 0; i < r->nno_entity && !why[0]; i++)
		if (has_entity(&es, r->no_entity[i]))
			snprintf(why, sizeof(why), "entity %s should not be there", r->no_entity[i]);
	if (why[0]) {
		print_error("classify.test:%d: %s\n", r->lineno, why);
		describe(r, ev, &ch, is_change, &sy, is_sym, &es);
		bad++;
	}
	return bad;
}

static void
test_data_file(void **state)
{
	(void)state;
	char *data = tu_keep(slurp(STRATA_TEST_DATA "/classify.test"), free);
	static struct record recs[RECORDS_MAX];
	int n = parse_records(data, recs);
	assert_true(n > 100);

	struct st_store *st = tu_keep(st_store_new(), free_store);
	/* one source per group: a named one gathers its records in order */
	for (int i = 0; i < n; i++) {
		struct record *r = &recs[i];
		assert_true(r->text.len > 0);
		int j = 0;
		if (r->source)
			for (j = 0; j < i; j++)
				if (recs[j].source && strcmp(recs[j].source, r->source) == 0)
					break;
		if (r->source && j < i) {
			r->src = recs[j].src;
			continue;
		}
		char name[64];
		snprintf(name, sizeof(name), "classify.test:%d", r->lineno);
		int src = st_store_add_source(st, name);
		assert_true(src >= 0);
		r->src = (unsigned)src;
	}
	for (unsigned s = 0; s < st_store_nsources(st); s++) {
		struct st_buf all = {0};
		uint32_t line = 1;
		for (int i = 0; i < n; i++) {
			if (recs[i].src != s)
				continue;
			recs[i].first_line = line;
			for (size_t k = 0; k < recs[i].text.len; k++)
				line += recs[i].text.p[k] == '\n';
			st_buf_add(&all, recs[i].text.p, recs[i].text.len);
		}
		struct st_ingest ig;
		st_ingest_init(&ig, st, s, NULL, user_time(REF));
		size_t used = st_ingest_feed(&ig, all.p, all.len, true);
		if (used != all.len)
			fail_msg("source %s: %zu of %zu bytes read", st_store_source_name(st, s), used,
			         all.len);
		st_buf_free(&all);
	}
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	size_t count = st_store_count(st), metrics = 0;
	for (uint32_t q = 0; q < count; q++) {
		struct st_event ev;
		st_store_get(st, q, &ev);
		metrics += ev.kind == ST_KIND_METRIC;
	}
	assert_true(metrics > 0);
	/* every event once, but metric samples, which say nothing of this */
	assert_int_equal(st_classify(notes, st, (uint32_t)count), count - metrics);

	static const char *fired[2 * RECORDS_MAX];
	int nfired = 0, bad = 0;
	for (int i = 0; i < n; i++) {
		const struct record *r = &recs[i];
		struct st_event ev;
		bool found = false;
		for (uint32_t q = 0; q < count && !found; q++) {
			st_store_get(st, q, &ev);
			found = ev.source == r->src && ev.line == r->first_line;
		}
		if (!found) {
			print_error("classify.test:%d: its first line starts no event\n", r->lineno);
			bad++;
			continue;
		}
		bad += check_record(r, notes, &ev, fired, &nfired);
	}
	/* every change and symptom rule is fired by some record */
	for (size_t f = 0; f < st_rule_nfamilies; f++)
		for (const struct st_rule *ru = st_rule_families[f]->rules; ru->name; ru++) {
			if (ru->kind == ST_RULE_CONTEXT)
				continue;
			bool seen = false;
			for (int i = 0; i < nfired && !seen; i++)
				seen = strcmp(fired[i], ru->name) == 0;
			if (!seen) {
				print_error("rule %s (%s): no record of classify.test fires it\n", ru->name,
				            st_rule_families[f]->name);
				bad++;
			}
		}
	free_records(recs, n);
	tu_release(notes);
	tu_release(st);
	tu_release(data);
	if (bad)
		fail_msg("%d problem(s)", bad);
}

/* ---- garbage */

static void
entities_exact(const char *s, size_t n, unsigned format)
{
	char *p = st_xmalloc(n ? n : 1);
	memcpy(p, s, n);
	struct st_event ev = {.text = p, .len = (uint32_t)n, .format = (uint8_t)format};
	struct st_fields fs;
	st_format_fields(format, p, n, &fs);
	struct st_entities es = {0};
	st_entities_extract(&ev, &fs, &es);
	assert_true(es.n <= ST_ENTITIES_MAX);
	for (unsigned i = 0; i < es.n; i++)
		assert_true(es.e[i].len > 0 && strlen(st_entity_value(&es, i)) == es.e[i].len);
	free(p);
}

static void
test_garbage(void **state)
{
	(void)state;
	char *data = tu_keep(slurp(STRATA_TEST_DATA "/classify.test"), free);
	struct st_store *st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(st, "garbage"), 0);
	unsigned formats[] = {0xff, (unsigned)st_format_find("json"),
	                      (unsigned)st_format_find("logfmt"), (unsigned)st_format_find("syslog"),
	                      (unsigned)st_format_find("bracket"), (unsigned)st_format_find("access")};
	uint32_t line = 1;
	for (char *p = data; (p = strstr(p, "\nline: ")) != NULL;) {
		p += 7;
		size_t n = strcspn(p, "\n");
		for (size_t k = 0; k <= n; k++) {
			entities_exact(p, k, formats[k % ST_ARRAY_LEN(formats)]);
			/* suffixes too: a cut at the start of a token */
			entities_exact(p + n - k, k, 0xff);
		}
		for (size_t k = 0; k <= n; k += 7) {
			struct st_draft d = {.ts = user_time(REF), .level = (uint8_t)(k % 8)};
			st_store_append(st, 0, line++, &d, formats[k % ST_ARRAY_LEN(formats)], 0, p, k);
		}
	}
	/* random bytes, from what entities and rules are made of */
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789:/._-=\"'[](){} \t\n|@?%"
	                               "ABCDEFOKMSTX\x1b\xc3\xa9\xff";
	unsigned seed = 12345;
	char buf[320];
	for (int round = 0; round < 4000; round++) {
		size_t n = (size_t)(round % 300);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		entities_exact(buf, n, formats[round % ST_ARRAY_LEN(formats)]);
		struct st_draft d = {.ts = user_time(REF), .level = ST_LVL_ERROR};
		st_store_append(st, 0, line++, &d, formats[round % ST_ARRAY_LEN(formats)], 0, buf, n);
	}
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	assert_true(st_classify(notes, st, UINT32_MAX) > 0);
	struct st_buf j = {0};
	for (uint32_t q = 0; q < st_store_count(st); q++) {
		struct st_event ev;
		st_store_get(st, q, &ev);
		j.len = 0;
		st_notes_json(&j, notes, &ev, NULL);
	}
	st_buf_free(&j);
	tu_release(notes);
	tu_release(st);
	tu_release(data);
}

/* ---- the rule table itself */

static void
test_builtin_rules_check(void **state)
{
	(void)state;
	int bad = 0;
	size_t count = 0;
	for (size_t f = 0; f < st_rule_nfamilies; f++) {
		assert_non_null(st_rule_families[f]->name);
		for (const struct st_rule *r = st_rule_families[f]->rules; r->name; r++) {
			struct st_buf why = {0};
			count++;
			if (st_rule_check(r, &why) < 0) {
				print_error("rule %s: %.*s\n", r->name, (int)why.len, why.p);
				bad++;
			}
			st_buf_free(&why);
			/* names are unique: find gives this very rule back */
			if (st_rule_find(r->name) != r) {
				print_error("rule %s: its name is taken twice\n", r->name);
				bad++;
			}
			for (const char *c = r->name; *c; c++)
				assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
			/* a rule without a needle runs on every event of its formats */
			if (r->needle == NULL && r->format == NULL) {
				print_error("rule %s: neither needle nor format\n", r->name);
				bad++;
			}
		}
	}
	assert_true(count > 60);
	assert_int_equal(bad, 0);
}

static void
test_workload(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool pod;
		const char *want;
	} cases[] = {
		{"session-cache-7f4b8d9c65-xk2mv", true, "session-cache"}, /* Deployment pod */
		{"daily-rollup-28365600-v9g4r", true, "daily-rollup"},     /* CronJob pod */
		{"giant-narwhal-6958c5bdd8-69gtn", true, "giant-narwhal"},
		{"redis-0", true, "redis"},                                /* StatefulSet pod */
		{"fluentd-x7k2p", true, "fluentd"},                        /* DaemonSet pod */
		{"nginx-proxy", true, "nginx-proxy"},   /* "proxy" has vowels: no hash */
		{"api-v2", true, "api-v2"},
		{"checkout", true, "checkout"},
		{"session-cache-7f4b8d9c65", false, "session-cache"},      /* ReplicaSet */
		{"daily-rollup-28365600", false, "daily-rollup"},          /* Job */
		{"session-cache", false, "session-cache"},
		{"build-2024", false, "build-2024"},    /* 4 digits: a name, not a hash */
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(cases); i++) {
		size_t n = strlen(cases[i].name);
		size_t got = st_workload_len(cases[i].name, n, cases[i].pod);
		if (got != strlen(cases[i].want) || memcmp(cases[i].name, cases[i].want, got) != 0)
			fail_msg("%s (%s): %.*s, want %s", cases[i].name, cases[i].pod ? "pod" : "owner",
			         (int)got, cases[i].name, cases[i].want);
	}
}

/* ---- incremental passes */

static uint32_t
append(struct st_store *st, unsigned src, uint32_t line, const char *text)
{
	struct st_draft d = {.ts = user_time(REF), .level = ST_LVL_INFO, .kind = ST_KIND_LOG};
	return st_store_append(st, src, line, &d, 0xff, 0, text, strlen(text));
}

static void
test_incremental(void **state)
{
	(void)state;
	struct st_store *st = tu_keep(st_store_new(), free_store);
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	assert_int_equal(st_store_add_source(st, "live"), 0);
	append(st, 0, 1, "TASK [nginx : Deploy config] ******");
	append(st, 0, 2, "ok: [web-2]");
	assert_int_equal(st_classify(notes, st, (uint32_t)st_store_count(st)), 2);
	assert_int_equal(st_notes_count(notes), 0);
	assert_int_equal(st_notes_done(notes), 2);
	/* the task named two events ago serves a change arriving now */
	uint32_t c = append(st, 0, 3, "changed: [web-1]");
	uint32_t s = append(st, 0, 4, "fatal: [web-3]: UNREACHABLE! => {}");
	assert_int_equal(st_classify(notes, st, c + 1), 1); /* only up to c */
	assert_int_equal(st_classify(notes, st, c + 1), 0); /* nothing twice */
	struct st_change ch;
	assert_true(st_notes_change(notes, c, &ch));
	assert_string_equal(ch.object, "task/nginx : Deploy config");
	assert_string_equal(ch.host, "web-1");
	struct st_event ev;
	st_store_get(st, c, &ev);
	assert_int_equal(ev.kind, ST_KIND_CHANGE);
	struct st_symptom sy;
	assert_false(st_notes_symptom(notes, s, &sy));
	assert_int_equal(st_classify(notes, st, UINT32_MAX), 1);
	assert_true(st_notes_symptom(notes, s, &sy));
	assert_string_equal(sy.type, "task-failed");
	assert_string_equal(sy.detail, "nginx : Deploy config on web-3");
	assert_int_equal(st_notes_count(notes), 2);
	assert_int_equal(st_notes_seq(notes, 0), c);
	assert_int_equal(st_notes_seq(notes, 1), s);
	/* another source has its own task */
	assert_int_equal(st_store_add_source(st, "other"), 1);
	uint32_t o = append(st, 1, 1, "changed: [web-9]");
	st_classify(notes, st, UINT32_MAX);
	assert_true(st_notes_change(notes, o, &ch));
	assert_null(ch.object);
	tu_release(notes);
	tu_release(st);
}

/* ---- user rules */

static void
test_user_rules(void **state)
{
	(void)state;
	struct st_buf why = {0};
	static const struct st_rule no_action = {.name = "a", .kind = ST_RULE_CHANGE,
	                                         .needle = "deploy", .pattern = "deploy"};
	assert_int_equal(st_rule_check(&no_action, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "action"));
	why.len = 0;
	static const struct st_rule bad_group = {.name = "b", .kind = ST_RULE_CHANGE,
	                                         .needle = "deploy",
	                                         .pattern = "deploy (?<app>\\w+)",
	                                         .action = "deploy", .object = "{ap}"};
	assert_int_equal(st_rule_check(&bad_group, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "no group named ap"));
	why.len = 0;
	static const struct st_rule short_needle = {.name = "c", .kind = ST_RULE_SYMPTOM,
	                                            .needle = "oom", .pattern = "oom",
	                                            .type = "oom"};
	assert_int_equal(st_rule_check(&short_needle, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "at least 6 bytes"));
	why.len = 0;
	static const struct st_rule bad_fn = {.name = "d", .kind = ST_RULE_SYMPTOM,
	                                      .needle = "boom!!", .pattern = "(?<x>boom)",
	                                      .type = "{x:upper}"};
	assert_int_equal(st_rule_check(&bad_fn, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "unknown function"));
	why.len = 0;
	static const struct st_rule bad_re = {.name = "e", .kind = ST_RULE_SYMPTOM,
	                                      .needle = "boom!!", .pattern = "(boom", .type = "x"};
	assert_int_equal(st_rule_check(&bad_re, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "missing closing parenthesis"));
	why.len = 0;
	static const struct st_rule bad_format = {.name = "f", .kind = ST_RULE_SYMPTOM,
	                                          .needle = "boom!!", .pattern = "boom",
	                                          .format = "nope", .type = "x"};
	assert_int_equal(st_rule_check(&bad_format, &why), ST_EINVAL);
	assert_non_null(strstr(why.p, "no format is named 'nope'"));
	st_buf_free(&why);

	/* a user rule for a deploy bot's lines, tried before the built-ins */
	static const struct st_rule mine = {
		.name = "shipit", .kind = ST_RULE_CHANGE, .needle = "shipit:",
		.pattern = "shipit: (?<app>[\\w-]+) (?<ver>v[\\d.]+) -> (?<env>\\w+) by (?<who>\\w+)",
		.action = "deploy", .object = "{app}@{ver}", .actor = "{who}"};
	static const struct st_rule early = {.name = "my-timeout", .kind = ST_RULE_SYMPTOM,
	                                     .needle = "timed out", .pattern = "timed out",
	                                     .type = "slow-upstream"};
	assert_int_equal(st_rule_check(&mine, &why), 0);
	struct st_buf out = {0};
	const char *line = "2024-03-01T10:00:00Z shipit: checkout v2.4.1 -> prod by alice";
	assert_int_equal(st_rule_try(&mine, line, strlen(line), &out), 1);
	assert_string_equal(out.p, "action=deploy object=checkout@v2.4.1 actor=alice");
	out.len = 0;
	assert_int_equal(st_rule_try(&mine, "shipit checkout", 15, &out), 0);
	st_buf_free(&out);
	st_rules_reset();
	assert_int_equal(st_rules_add(&mine), 0);
	assert_int_equal(st_rules_add(&early), 0);
	assert_ptr_equal(st_rule_find("shipit"), &mine);
	struct st_store *st = tu_keep(st_store_new(), free_store);
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	assert_int_equal(st_store_add_source(st, "bot"), 0);
	uint32_t a = append(st, 0, 1, line);
	uint32_t b = append(st, 0, 2, "upstream timed out (110: Connection timed out)");
	st_classify(notes, st, UINT32_MAX);
	struct st_change ch;
	assert_true(st_notes_change(notes, a, &ch));
	assert_string_equal(ch.action, "deploy");
	assert_string_equal(ch.object, "checkout@v2.4.1");
	assert_string_equal(ch.actor, "alice");
	assert_string_equal(ch.rule, "shipit");
	struct st_symptom sy;
	assert_true(st_notes_symptom(notes, b, &sy));
	assert_string_equal(sy.type, "slow-upstream"); /* not the built-in timeout */
	tu_release(notes);
	tu_release(st);
	st_rules_reset();
	assert_null(st_rule_find("shipit"));
}

static const char rules_file[] =
	"# a deploy bot's lines, and a queue that fills\n"
	"[format bot]\n"
	"pattern = BOT (?<ts>\\S+) (?:(?<level>[A-Z]+) )?(?<body>.*)\n"
	"time = %Y-%m-%dT%H:%M:%S%z\n"
	"sample = BOT 2024-03-01T10:00:00Z shipit: checkout v2.4.1 -> prod by alice\n"
	"\n"
	"[change deploy-bot]\n"
	"match   = shipit: (?<app>[\\w-]+) (?<ver>v[\\d.]+) -> (?<env>\\w+) by (?<who>\\w+)\n"
	"needle  = shipit:\n"
	"format  = bot\n"
	"action  = Deployed\n"
	"object  = {app}@{ver}\n"
	"namespace = {env}\n"
	"actor   = {who}\n"
	"sample  = shipit: checkout v2.4.1 -> prod by alice\n"
	"reject  = shipit: dry run\n"
	"\n"
	"[symptom queue-full]\n"
	"pattern = queue (?<queue>\\S+) is full\n"
	"needle  = is full\n"
	"level   = warn\n"
	"type    = queue-full\n"
	"detail  = {queue}\n"
	"sample  = WARN queue orders is full, dropping\n";

static void
free_set(void *p)
{
	st_userfmts_free(p);
}

/* The registered set: its format stays in the (global) format registry,
 * which has no way to forget one, so it is freed after the last test. */
static struct st_userfmts *registered;

static void
test_rule_sections(void **state)
{
	(void)state;
	struct st_userfmts *set = registered = st_userfmts_new();
	struct st_buf err = {0};
	int rc = st_userfmts_load_text(set, "rules.format", rules_file, sizeof(rules_file) - 1,
	                               &err);
	if (rc != 3)
		fail_msg("load: %d: %.*s", rc, (int)err.len, err.p);
	assert_int_equal(st_userfmts_nrules(set), 2);
	assert_string_equal(st_userfmts_rule(set, 0)->name, "deploy-bot");
	assert_string_equal(st_userfmts_rule(set, 0)->origin, "rules.format:7");
	assert_int_equal(st_userfmts_register(set), 0);
	assert_non_null(st_rule_find("queue-full"));

	struct st_store *st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(st, "bot.log"), 0);
	static const char log[] = "BOT 2024-03-01T10:00:00Z shipit: checkout v2.4.1 -> prod by alice\n"
	                          "BOT 2024-03-01T10:00:01Z WARN queue orders is full\n"
	                          "BOT 2024-03-01T10:00:02Z INFO queue orders is full (a test)\n";
	struct st_ingest ig;
	st_ingest_init(&ig, st, 0, NULL, user_time(REF));
	assert_int_equal(st_ingest_feed(&ig, log, sizeof(log) - 1, true), sizeof(log) - 1);
	assert_int_equal(st_store_count(st), 3);
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	st_classify(notes, st, UINT32_MAX);
	struct st_change ch;
	assert_true(st_notes_change(notes, 0, &ch));
	assert_string_equal(ch.action, "deploy"); /* "Deployed", normalised */
	assert_string_equal(ch.object, "checkout@v2.4.1");
	assert_string_equal(ch.ns, "prod");
	assert_string_equal(ch.actor, "alice");
	struct st_symptom sy;
	assert_true(st_notes_symptom(notes, 1, &sy));
	assert_string_equal(sy.type, "queue-full");
	assert_string_equal(sy.detail, "orders");
	assert_false(st_notes_symptom(notes, 2, &sy)); /* info: below the rule's level */
	tu_release(notes);
	tu_release(st);

	/* every mistake, with its line; nothing of a bad text is added */
	static const char bad[] = "[change oops]\n"                 /* 1 */
	                          "match = deploy (?<app>\\w+)\n" /* 2 */
	                          "needle = dep\n"                  /* 3 */
	                          "action = deploy\n"               /* 4 */
	                          "object = {ap}\n"                 /* 5 */
	                          "detail = x\n"                    /* 6 */
	                          "sample = deploy foo\n"           /* 7 */
	                          "\n"
	                          "[symptom slow]\n"                /* 9 */
	                          "match = slow (?<what>\\w+)\n"  /* 10 */
	                          "type = slow\n"                   /* 11 */
	                          "sample = it is fast\n"           /* 12 */
	                          "reject = so slow today\n"        /* 13 */
	                          "\n"
	                          "[change stale-reads]\n"          /* 15 */
	                          "match = x\n"
	                          "action = y\n"
	                          "sample = x\n"
	                          "[symptom no-type]\n"             /* 19 */
	                          "match = x\n"
	                          "format = nope\n"                 /* 21 */
	                          "sample = x\n"
	                          "[rule what]\n";                  /* 23 */
	set = tu_keep(st_userfmts_new(), free_set);
	err.len = 0;
	assert_int_equal(st_userfmts_load_text(set, "bad.format", bad, sizeof(bad) - 1, &err),
	                 ST_EINVAL);
	st_buf_addc(&err, '\0');
	static const char *const want[] = {
		"bad.format:6: detail belongs to symptom rules, not to change ones",
		"bad.format:2: rule oops: needle 'dep': each needle is at least 6 bytes; object: the "
		"pattern has no group named ap",
		"bad.format:12: sample is not recognised: the pattern does not match the line",
		"bad.format:13: reject line is recognised (type=slow)",
		"bad.format:15: rule stale-reads is already defined",
		"bad.format:19: symptom no-type has no type",
		"bad.format:21: format: no format is named 'nope'",
		"bad.format:23: unknown section [rule what]",
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(want); i++)
		if (strstr(err.p, want[i]) == NULL)
			fail_msg("no \"%s\" in:\n%s", want[i], err.p);
	assert_int_equal(st_userfmts_nrules(set), 0);
	tu_release(set);
	st_buf_free(&err);
}

/* ---- JSON */

static void
test_json(void **state)
{
	(void)state;
	struct st_store *st = tu_keep(st_store_new(), free_store);
	struct st_notes *notes = tu_keep(st_notes_new(), free_notes);
	assert_int_equal(st_store_add_source(st, "events.log"), 0);
	uint32_t a = append(st, 0, 1, "ConfigMap analytics-config replaced in namespace analytics");
	uint32_t b = append(st, 0, 2, "connect: connection refused \"quoted\"");
	uint32_t c = append(st, 0, 3, "nothing to see");
	st_classify(notes, st, UINT32_MAX);
	struct st_buf j = {0};
	struct st_event ev;
	st_store_get(st, a, &ev);
	st_notes_json(&j, notes, &ev, NULL);
	st_buf_addc(&j, '\0');
	assert_string_equal(j.p, ",\"change\":{\"action\":\"replace\",\"object\":\"configmap/"
	                         "analytics-config\",\"namespace\":\"analytics\",\"host\":null,"
	                         "\"actor\":null,\"rule\":\"k8s-text-verb\"},\"entities\":["
	                         "\"namespace:analytics\",\"configmap:analytics-config\"]");
	j.len = 0;
	st_store_get(st, b, &ev);
	st_notes_json(&j, notes, &ev, NULL);
	st_buf_addc(&j, '\0');
	assert_string_equal(j.p, ",\"symptom\":{\"type\":\"connection-refused\",\"detail\":null,"
	                         "\"rule\":\"connection-refused\"},\"entities\":[]");
	j.len = 0;
	st_store_get(st, c, &ev);
	st_notes_json(&j, NULL, &ev, NULL); /* no notes: entities only */
	st_buf_addc(&j, '\0');
	assert_string_equal(j.p, ",\"entities\":[]");
	st_buf_free(&j);
	tu_release(notes);
	tu_release(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_builtin_rules_check, tu_teardown),
		cmocka_unit_test_teardown(test_data_file, tu_teardown),
		cmocka_unit_test_teardown(test_workload, tu_teardown),
		cmocka_unit_test_teardown(test_garbage, tu_teardown),
		cmocka_unit_test_teardown(test_incremental, tu_teardown),
		cmocka_unit_test_teardown(test_user_rules, tu_teardown),
		cmocka_unit_test_teardown(test_rule_sections, tu_teardown),
		cmocka_unit_test_teardown(test_json, tu_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* freed, a set's rules are forgotten */
	if (registered != NULL) {
		st_userfmts_free(registered);
		if (st_rule_find("queue-full") != NULL) {
			fprintf(stderr, "a freed set's rule is still registered\n");
			failed++;
		}
	}
	return failed;
}
