/*
 * classify-template.c: the values of notes, from a rule's templates (the
 * syntax is in classify.h): references to a match's named groups, to the
 * event's fields and to context values, functions over them, and the
 * words they are normalised to (verbs, exit code meanings, signals).
 *
 * Templates are read as they are expanded, which happens only for events
 * a rule annotates: no compiled form is worth keeping. A template's
 * mistakes are st_rule_check's to report; here they read as literal text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify-int.h"

/* ---- the words of values */

static const struct {
	const char *from, *to;
} verbs[] = {
	{"created", "create"},       {"creating", "create"},       {"creation", "create"},
	{"configured", "update"},    {"updated", "update"},        {"updating", "update"},
	{"modified", "update"},      {"modifying", "update"},      {"modifications", "update"},
	{"patched", "update"},       {"serverside-applied", "update"}, {"labeled", "update"},
	{"annotated", "update"},     {"changed", "update"},        {"replaced", "replace"},
	{"deleted", "delete"},       {"destroyed", "delete"},      {"destroying", "delete"},
	{"destruction", "delete"},   {"destroy", "delete"},        {"removed", "remove"},
	{"purged", "remove"},        {"purge", "remove"},          {"erased", "remove"},
	{"installed", "install"},    {"upgraded", "upgrade"},      {"downgraded", "downgrade"},
	{"scaled", "scale"},         {"restarted", "restart"},     {"rolled back", "rollback"},
	{"started", "start"},        {"stopped", "stop"},          {"reloaded", "reload"},
	{"killed", "kill"},          {"killing", "kill"},          {"deployed", "deploy"},
	{"deploying", "deploy"},     {"applied", "apply"},         {"enabled", "enable"},
	{"disabled", "disable"},     {"toggled", "toggle"},        {"uninstalled", "uninstall"},
	{"reinstalled", "reinstall"}, {"reinstall", "reinstall"},
};

void
cl_normalise_action(struct st_buf *b, size_t from)
{
	for (size_t i = from; i < b->len; i++)
		if (b->p[i] >= 'A' && b->p[i] <= 'Z')
			b->p[i] = (char)(b->p[i] + 32);
	size_t n = b->len - from;
	for (size_t i = 0; i < ST_ARRAY_LEN(verbs); i++)
		if (strlen(verbs[i].from) == n && memcmp(b->p + from, verbs[i].from, n) == 0) {
			b->len = from;
			st_buf_adds(b, verbs[i].to);
			return;
		}
}

static const char *
exit_meaning(int code)
{
	switch (code) {
	case 1: return "general error";
	case 2: return "usage error";
	case 126: return "not executable";
	case 127: return "command not found";
	case 128: return "invalid exit argument";
	case 129: return "hangup (SIGHUP)";
	case 130: return "interrupted (SIGINT)";
	case 131: return "quit (SIGQUIT)";
	case 134: return "aborted (SIGABRT)";
	case 135: return "bus error (SIGBUS)";
	case 136: return "arithmetic error (SIGFPE)";
	case 137: return "killed (SIGKILL, out of memory?)";
	case 139: return "segmentation fault (SIGSEGV)";
	case 141: return "broken pipe (SIGPIPE)";
	case 143: return "terminated (SIGTERM)";
	}
	return NULL;
}

static const char *
signal_type(const char *s, size_t n)
{
	if (n > 3 && memcmp(s, "SIG", 3) == 0) {
		s += 3;
		n -= 3;
	}
	static const struct {
		const char *name, *num, *type;
	} sigs[] = {
		{"KILL", "9", "killed"},  {"SEGV", "11", "segfault"},   {"TERM", "15", "terminated"},
		{"ABRT", "6", "aborted"}, {"INT", "2", "interrupted"},  {"BUS", "7", "bus-error"},
		{"FPE", "8", "arithmetic-error"}, {"ILL", "4", "illegal-instruction"},
		{"HUP", "1", "hangup"},   {"PIPE", "13", "broken-pipe"}, {"QUIT", "3", "quit"},
	};
	for (size_t i = 0; i < ST_ARRAY_LEN(sigs); i++)
		if ((strlen(sigs[i].name) == n && memcmp(s, sigs[i].name, n) == 0) ||
		    (strlen(sigs[i].num) == n && memcmp(s, sigs[i].num, n) == 0))
			return sigs[i].type;
	return "signal";
}

static bool
has_word(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= n; i++) {
		size_t k = 0;
		while (k < wl && (s[i + k] | 0x20) == w[k])
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

const char *const cl_transforms[] = {"lower", "kind", "workload", "rs", "exit",
                                         "signal", "pkg", "flag", NULL};

/* Append value v (n bytes) to b through transform fn (NULL: as is). */
static void
apply_fn(struct st_buf *b, const char *fn, size_t fl, const char *v, size_t n)
{
	if (fn == NULL) {
		st_buf_add(b, v, n);
		return;
	}
	if (fl == 5 && memcmp(fn, "lower", 5) == 0) {
		for (size_t i = 0; i < n; i++)
			st_buf_addc(b, (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]));
	} else if (fl == 4 && memcmp(fn, "kind", 4) == 0) {
		/* "deployment.apps" -> "deployment"; short names; "daemon set" */
		char k[64];
		size_t kl = 0;
		for (size_t i = 0; i < n && v[i] != '.' && kl < sizeof(k) - 1; i++)
			if (v[i] != ' ')
				k[kl++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
		k[kl] = '\0';
		static const char *const shorts[][2] = {
			{"cm", "configmap"}, {"deploy", "deployment"}, {"sts", "statefulset"},
			{"ds", "daemonset"}, {"rs", "replicaset"},     {"svc", "service"},
			{"cj", "cronjob"},   {"po", "pod"},            {"ns", "namespace"},
			{"no", "node"},      {"ing", "ingress"},       {"pvc", "persistentvolumeclaim"},
			{"sa", "serviceaccount"}, {"hpa", "horizontalpodautoscaler"},
		};
		for (size_t i = 0; i < ST_ARRAY_LEN(shorts); i++)
			if (strcmp(k, shorts[i][0]) == 0) {
				st_buf_adds(b, shorts[i][1]);
				return;
			}
		st_buf_add(b, k, kl);
	} else if (fl == 8 && memcmp(fn, "workload", 8) == 0) {
		st_buf_add(b, v, st_workload_len(v, n, true));
	} else if (fl == 2 && memcmp(fn, "rs", 2) == 0) {
		st_buf_add(b, v, st_workload_len(v, n, false));
	} else if (fl == 4 && memcmp(fn, "exit", 4) == 0) {
		int code = 0;
		for (size_t i = 0; i < n && i < 4 && v[i] >= '0' && v[i] <= '9'; i++)
			code = code * 10 + (v[i] - '0');
		st_buf_add(b, v, n);
		const char *m = exit_meaning(code);
		if (m)
			st_buf_addf(b, ": %s", m);
		else if (code > 128 && code < 160)
			st_buf_addf(b, ": killed by signal %d", code - 128);
	} else if (fl == 6 && memcmp(fn, "signal", 6) == 0) {
		st_buf_adds(b, signal_type(v, n));
	} else if (fl == 3 && memcmp(fn, "pkg", 3) == 0) {
		if (has_word(v, n, "remov") || has_word(v, n, "eras") || has_word(v, n, "purge"))
			st_buf_adds(b, "remove");
		else if (has_word(v, n, "downgrade"))
			st_buf_adds(b, "downgrade");
		else if (has_word(v, n, "reinstall"))
			st_buf_adds(b, "reinstall");
		else if (has_word(v, n, "install"))
			st_buf_adds(b, "install");
		else
			st_buf_adds(b, "upgrade");
	} else if (fl == 4 && memcmp(fn, "flag", 4) == 0) {
		if (has_word(v, n, "turned on") || has_word(v, n, "enable"))
			st_buf_adds(b, "enable");
		else if (has_word(v, n, "turned off") || has_word(v, n, "disable") ||
		         has_word(v, n, "archive"))
			st_buf_adds(b, "disable");
		else
			st_buf_adds(b, "set");
	}
}

/* ---- templates */

const struct st_fields *
cl_fields_of(struct cl_fields *lf)
{
	if (lf == NULL || lf->ev == NULL)
		return NULL;
	if (!lf->have) {
		st_format_fields(lf->ev->format, lf->ev->text, lf->ev->len, &lf->fs);
		lf->have = true;
	}
	return &lf->fs;
}

bool
cl_group_value(const struct cl_expand *x, const char *name, size_t nl, const char **v, size_t *n,
               bool empty_ok)
{
	if (x->md == NULL || nl >= NAME_MAX_LEN)
		return false;
	char nm[NAME_MAX_LEN];
	memcpy(nm, name, nl);
	nm[nl] = '\0';
	PCRE2_SPTR first, last;
	int esize = pcre2_substring_nametable_scan(x->re, (PCRE2_SPTR)nm, &first, &last);
	if (esize < 0)
		return false;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
	for (PCRE2_SPTR e = first; e <= last; e += esize) {
		int g = e[0] << 8 | e[1];
		if (g < x->rc && ov[2 * g] != PCRE2_UNSET &&
		    (ov[2 * g + 1] > ov[2 * g] || (empty_ok && ov[2 * g + 1] == ov[2 * g]))) {
			*v = x->subject + ov[2 * g];
			*n = ov[2 * g + 1] - ov[2 * g];
			return true;
		}
	}
	return false;
}

bool
cl_field_value(struct cl_fields *lf, const char *key, size_t kl, const char **v, size_t *n)
{
	const struct st_fields *fs = cl_fields_of(lf);
	if (fs == NULL)
		return false;
	for (unsigned i = 0; i < fs->n; i++) {
		const struct st_field *f = &fs->f[i];
		if (f->klen != kl || memcmp(f->key, key, kl) != 0)
			continue;
		const char *p = f->val;
		size_t l = f->vlen;
		if (f->json && l >= 2 && p[0] == '"' && p[l - 1] == '"') {
			p++;
			l -= 2;
		}
		if (l == 0 || (f->json && l == 4 && memcmp(p, "null", 4) == 0))
			return false;
		*v = p;
		*n = l;
		return true;
	}
	return false;
}

/*
 * Expand one alternative t[0..tl) into b; false when a reference in it has
 * no value. Syntax errors are st_rule_check's job: here they are literal.
 */
static bool
expand_alt(const struct cl_expand *x, const char *t, size_t tl, struct st_buf *b)
{
	for (size_t i = 0; i < tl;) {
		if (t[i] != '{') {
			st_buf_addc(b, t[i++]);
			continue;
		}
		const char *close = memchr(t + i, '}', tl - i);
		if (close == NULL) {
			st_buf_add(b, t + i, tl - i);
			break;
		}
		const char *ref = t + i + 1;
		size_t rl = (size_t)(close - ref);
		i = (size_t)(close - t) + 1;
		const char *colon = memchr(ref, ':', rl);
		const char *fn = colon ? colon + 1 : NULL;
		size_t fl = colon ? rl - (size_t)(colon - ref) - 1 : 0;
		size_t nl = colon ? (size_t)(colon - ref) : rl;
		const char *v = NULL;
		size_t n = 0;
		bool ok;
		if (nl > 0 && ref[0] == '@')
			ok = cl_field_value(x->lf, ref + 1, nl - 1, &v, &n);
		else
			ok = cl_group_value(x, ref, nl, &v, &n, false) ||
			     (x->context != NULL && x->context(x->context_arg, ref, nl, &v, &n));
		if (!ok)
			return false;
		if (n > VALUE_MAX)
			n = VALUE_MAX;
		apply_fn(b, fn, fl, v, n);
	}
	return true;
}

bool
cl_expand(const struct cl_expand *x, const char *t, struct st_buf *b)
{
	if (t == NULL)
		return false;
	size_t start = b->len;
	for (;;) {
		const char *bar = strstr(t, "||");
		size_t tl = bar ? (size_t)(bar - t) : strlen(t);
		b->len = start;
		if (expand_alt(x, t, tl, b)) {
			/* trim blanks and the punctuation a capture may end on */
			size_t a = start;
			while (a < b->len && (b->p[a] == ' ' || b->p[a] == '\t'))
				a++;
			while (b->len > a && strchr(" \t\r\n,;:", b->p[b->len - 1]) != NULL)
				b->len--;
			if (a > start) {
				memmove(b->p + start, b->p + a, b->len - a);
				b->len -= a - start;
			}
			if (b->len > start + VALUE_MAX)
				b->len = start + VALUE_MAX;
			if (b->len > start)
				return true;
		}
		if (bar == NULL)
			break;
		t = bar + 2;
	}
	b->len = start;
	return false;
}
