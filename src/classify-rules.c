/*
 * classify-rules.c: the rule list, and checking one rule (format files).
 *
 * The list: the user's rules (added by st_userfmts_register before the
 * first notes, at most USER_RULES_MAX) in front of the built-in families
 * of parsers/rules/. It is only read when notes are made, so a plain
 * array and a walk are all it needs.
 *
 * Checking: st_rule_check compiles a rule's pattern and reads its
 * templates against the pattern's named groups; st_rule_try runs it on
 * one line, as the pass would (needle, then pattern, then values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify-int.h"

#define USER_RULES_MAX 1024

static const struct st_rule *user_rules[USER_RULES_MAX];
static size_t nuser_rules;

int
st_rules_add(const struct st_rule *r)
{
	if (nuser_rules == USER_RULES_MAX)
		return ST_ETOOBIG;
	user_rules[nuser_rules++] = r;
	return 0;
}

void
st_rules_reset(void)
{
	nuser_rules = 0;
}

void
st_rules_remove(const struct st_rule *r)
{
	size_t k = 0;
	for (size_t i = 0; i < nuser_rules; i++)
		if (user_rules[i] != r)
			user_rules[k++] = user_rules[i];
	nuser_rules = k;
}

const struct st_rule *
cl_rule_next(struct cl_rule_iter *it)
{
	if (it->u < nuser_rules)
		return user_rules[it->u++];
	while (it->fam < st_rule_nfamilies) {
		const struct st_rule *r = &st_rule_families[it->fam]->rules[it->i];
		if (r->name != NULL) {
			it->i++;
			return r;
		}
		it->fam++;
		it->i = 0;
	}
	return NULL;
}

const struct st_rule *
st_rule_find(const char *name)
{
	struct cl_rule_iter it = {0};
	const struct st_rule *r;
	while ((r = cl_rule_next(&it)) != NULL)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

int
cl_compile(const char *pattern, pcre2_code **re, struct st_buf *why)
{
	int err;
	PCRE2_SIZE off;
	*re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_DUPNAMES, &err, &off,
	                    NULL);
	if (*re == NULL) {
		if (why) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof(msg));
			st_buf_addf(why, "pattern: %s at offset %zu", (char *)msg, (size_t)off);
		}
		return ST_EINVAL;
	}
	pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE); /* else the interpreter */
	return 0;
}

bool
cl_format_set(const char *list, uint64_t set[4], struct st_buf *why)
{
	memset(set, 0, 4 * sizeof(uint64_t));
	const char *p = list;
	bool ok = true;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		while (n > 0 && p[n - 1] == ' ')
			n--;
		char name[64];
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			int f = st_format_find(name);
			if (f >= 0 && f < 256) {
				set[f >> 6] |= UINT64_C(1) << (f & 63);
			} else {
				if (why)
					st_buf_addf(why, "format: no format is named '%s'", name);
				ok = false;
			}
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return ok;
}

void
cl_each_group_name(pcre2_code *re, void (*fn)(void *arg, const char *name), void *arg)
{
	uint32_t count = 0, esize = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count; i++)
		fn(arg, (const char *)table + (size_t)i * esize + 2);
}

/* ---- checking one rule (format files) */

struct names_ctx {
	const char *name;
	size_t nl;
	bool found;
};

static void
name_cb(void *arg, const char *name)
{
	struct names_ctx *c = arg;
	if (strlen(name) == c->nl && memcmp(name, c->name, c->nl) == 0)
		c->found = true;
}

/* Is name a group of a built-in or added context rule? */
static bool
context_name(const char *name, size_t nl)
{
	struct cl_rule_iter it = {0};
	const struct st_rule *r;
	while ((r = cl_rule_next(&it)) != NULL) {
		if (r->kind != ST_RULE_CONTEXT)
			continue;
		pcre2_code *re;
		if (cl_compile(r->pattern, &re, NULL) < 0)
			continue;
		struct names_ctx c = {name, nl, false};
		cl_each_group_name(re, name_cb, &c);
		pcre2_code_free(re);
		if (c.found)
			return true;
	}
	return false;
}

static bool
check_template(const char *what, const char *t, pcre2_code *re, struct st_buf *why)
{
	bool ok = true;
	for (const char *p = t; *p; p++) {
		if (*p == '}') {
			st_buf_addf(why, "%s: a '}' without its '{'", what);
			return false;
		}
		if (*p != '{')
			continue;
		const char *e = strchr(p, '}');
		if (e == NULL) {
			st_buf_addf(why, "%s: a '{' without its '}'", what);
			return false;
		}
		const char *ref = p + 1;
		size_t rl = (size_t)(e - ref);
		const char *colon = memchr(ref, ':', rl);
		size_t nl = colon ? (size_t)(colon - ref) : rl;
		bool at = nl > 0 && ref[0] == '@';
		const char *nm = at ? ref + 1 : ref;
		size_t nml = at ? nl - 1 : nl;
		bool good = nml > 0 && nml < NAME_MAX_LEN;
		for (size_t i = 0; i < nml && good; i++)
			good = (nm[i] >= 'a' && nm[i] <= 'z') || (nm[i] >= 'A' && nm[i] <= 'Z') ||
			       (nm[i] >= '0' && nm[i] <= '9') || nm[i] == '_' ||
			       (at && (nm[i] == '.' || nm[i] == '-'));
		if (!good) {
			st_buf_addf(why, "%s: '{%.*s}' is not a reference ({group}, {@field} or "
			                 "{group:fn})",
			            what, (int)rl, ref);
			return false;
		}
		if (colon) {
			const char *fn = colon + 1;
			size_t fl = rl - nl - 1;
			bool known = false;
			for (int k = 0; cl_transforms[k] && !known; k++)
				known = strlen(cl_transforms[k]) == fl && memcmp(cl_transforms[k], fn, fl) == 0;
			if (!known) {
				st_buf_addf(why, "%s: unknown function '%.*s' (lower, kind, workload, rs, "
				                 "exit, signal, pkg, flag)",
				            what, (int)fl, fn);
				return false;
			}
		}
		if (!at) {
			struct names_ctx c = {nm, nml, false};
			cl_each_group_name(re, name_cb, &c);
			if (!c.found && !context_name(nm, nml)) {
				st_buf_addf(why, "%s: the pattern has no group named %.*s", what, (int)nml,
				            nm);
				ok = false;
			}
		}
		p = e;
	}
	return ok;
}

int
st_rule_check(const struct st_rule *r, struct st_buf *why)
{
	size_t start = why->len;
	pcre2_code *re;
	if (r->pattern == NULL || r->pattern[0] == '\0') {
		st_buf_adds(why, "no pattern (match = REGEX)");
		return ST_EINVAL;
	}
	if (cl_compile(r->pattern, &re, why) < 0)
		return ST_EINVAL;
	if (r->needle != NULL) {
		const char *p = r->needle;
		for (;;) {
			const char *e = strchr(p, '|');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (n < NEEDLE_MIN) {
				if (why->len > start)
					st_buf_adds(why, "; ");
				st_buf_addf(why, "needle '%.*s': each needle is at least %d bytes", (int)n,
				            p, NEEDLE_MIN);
				break;
			}
			if (e == NULL)
				break;
			p = e + 1;
		}
	}
	if (r->format != NULL) {
		uint64_t set[4];
		struct st_buf w = {0};
		if (!cl_format_set(r->format, set, &w)) {
			if (why->len > start)
				st_buf_adds(why, "; ");
			st_buf_add(why, w.p, w.len);
		}
		st_buf_free(&w);
	}
	static const char *const names[] = {"action", "object", "namespace", "host",
	                                    "actor",  "type",   "detail"};
	const char *tpl[] = {r->action, r->object, r->ns, r->host, r->actor, r->type, r->detail};
	for (int k = 0; k < 7; k++) {
		if (tpl[k] == NULL)
			continue;
		struct st_buf w = {0};
		if (!check_template(names[k], tpl[k], re, &w)) {
			if (why->len > start)
				st_buf_adds(why, "; ");
			st_buf_add(why, w.p, w.len);
		}
		st_buf_free(&w);
	}
	if (r->kind == ST_RULE_CHANGE && r->action == NULL) {
		if (why->len > start)
			st_buf_adds(why, "; ");
		st_buf_adds(why, "a change needs an action (action = TEMPLATE)");
	}
	if (r->kind == ST_RULE_SYMPTOM && r->type == NULL) {
		if (why->len > start)
			st_buf_adds(why, "; ");
		st_buf_adds(why, "a symptom needs a type (type = TEMPLATE)");
	}
	pcre2_code_free(re);
	return why->len > start ? ST_EINVAL : 0;
}

int
st_rule_try(const struct st_rule *r, const char *line, size_t len, struct st_buf *out)
{
	pcre2_code *re;
	if (cl_compile(r->pattern, &re, out) < 0)
		return ST_EINVAL;
	int found = 0;
	if (r->needle != NULL) {
		const char *p = r->needle;
		for (;;) {
			const char *e = strchr(p, '|');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			for (size_t i = 0; n > 0 && i + n <= len && !found; i++) {
				size_t j = 0;
				while (j < n && (line[i + j] | 0x20) == (p[j] | 0x20))
					j++;
				found = j == n;
			}
			if (found || e == NULL)
				break;
			p = e + 1;
		}
	} else {
		found = 1;
	}
	int rc = 0;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	if (found)
		rc = pcre2_match(re, (PCRE2_SPTR)line, len, 0, 0, md, NULL);
	int result = 0;
	if (!found)
		st_buf_addf(out, "no needle (%s) is in the line", r->needle);
	else if (rc <= 0)
		st_buf_adds(out, "the pattern does not match the line");
	if (rc > 0) {
		struct cl_expand x = {.re = re, .md = md, .rc = rc, .subject = line};
		static const char *const names[] = {"action", "object", "namespace", "host",
		                                    "actor",  "type",   "detail"};
		const char *tpl[] = {r->action, r->object, r->ns, r->host, r->actor, r->type,
		                     r->detail};
		bool change = r->kind == ST_RULE_CHANGE;
		result = 1;
		for (int k = 0; k < 7; k++) {
			if (change != (k < 5))
				continue;
			struct st_buf v = {0};
			bool has = cl_expand(&x, tpl[k], &v);
			if (has && k == 0)
				cl_normalise_action(&v, 0);
			if ((k == 0 || k == 5) && !has)
				result = 0;
			if (has)
				st_buf_addf(out, "%s%s=%.*s", out->len ? " " : "", names[k], (int)v.len, v.p);
			st_buf_free(&v);
		}
		if (result == 0) {
			out->len = 0;
			st_buf_addf(out, "the pattern matches, but the %s comes out empty",
			            change ? "action" : "type");
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return result;
}
