/*
 * context-ini.c: the INI reader of the context index: systemd units,
 * .ini/.cfg/.conf files, TOML, git-style config, line by line.
 *
 * "[Section]" opens a block (and closes the one before); "key=value",
 * "key = value" or "key: value" (when the line has no '=') sets
 * Section.key. A value ending in '\' goes on to the next line (systemd),
 * a TOML array or a triple-quoted string over several lines too: those
 * lines are entries of the same key. "[remote \"origin\"]" is
 * remote.origin; "[[servers]]" is servers. In a .conf or .cfg file a
 * "key value" line (redis.conf, sshd_config, haproxy) is a setting too.
 *
 * For detection a line with '=' whose value carries more "word=" pairs is
 * a logfmt line, not a setting, and a key with blanks in it is no
 * setting either ("export PATH=...", "Note that x = y").
 */
#include <string.h>

#include "context-int.h"
#include "strata/util.h"

/* "level=info msg=x": more key=value pairs after the first */
static bool
logfmt_like(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cx_space(v[i]))
			continue;
		size_t j = i + 1, s = j;
		while (j < n && ((v[j] >= 'a' && v[j] <= 'z') || (v[j] >= 'A' && v[j] <= 'Z') ||
		                 (v[j] >= '0' && v[j] <= '9') || v[j] == '_' || v[j] == '.' || v[j] == '-'))
			j++;
		if (j > s && j < n && v[j] == '=')
			return true;
	}
	return false;
}

/* A [section] line: its name (git's [a "b"] as a.b); false if not one. */
static bool
section_name(const char *t, size_t tn, char *out, size_t cap, size_t *outn)
{
	if (tn < 3 || t[0] != '[' || t[tn - 1] != ']')
		return false;
	const char *s = t + 1;
	size_t n = tn - 2;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') { /* TOML [[array]] */
		s++;
		n -= 2;
	}
	cx_trim(&s, &n);
	if (n == 0 || memchr(s, '=', n) != NULL || memchr(s, '[', n) != NULL ||
	    memchr(s, ']', n) != NULL)
		return false;
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (s[i] == '"')
			continue;
		if (cx_space(s[i])) {
			if (k > 0 && out[k - 1] != '.')
				out[k++] = '.';
			continue;
		}
		out[k++] = s[i];
	}
	*outn = k;
	return k > 0;
}

/* Does a TOML value go on over the next lines? Sets the closing mark. */
static bool
toml_multi(struct cx_reader *r, const char *v, size_t n)
{
	if (n >= 3 && (cx_starts(v, n, "\"\"\"") || cx_starts(v, n, "'''"))) {
		for (size_t i = 3; i + 2 < n; i++)
			if (memcmp(v + i, v, 3) == 0)
				return false;
		memcpy(r->delim, v, 3);
		r->dlen = 3;
		return true;
	}
	if (n >= 1 && v[0] == '[') {
		int depth = 0;
		for (size_t i = 0; i < n; i++)
			depth += v[i] == '[' ? 1 : v[i] == ']' ? -1 : 0;
		if (depth > 0) {
			r->delim[0] = ']';
			r->dlen = 1;
			return true;
		}
	}
	return false;
}

static void
end_multi(struct cx_reader *r)
{
	r->multi = ML_NONE;
	r->plen = r->multi_plen;
	r->path[r->plen] = '\0';
}

enum cx_class
cx_ini_line(struct cx_reader *r, const char *s, size_t n)
{
	const char *t = s;
	size_t tn = n;
	cx_trim(&t, &tn);
	if (r->multi == ML_CONT) {
		if (tn > 0)
			cx_value_line(r, t, tn);
		if (tn == 0 || t[tn - 1] != '\\')
			end_multi(r);
		return CX_CONFIG;
	}
	if (r->multi == ML_HEREDOC) {
		if (tn > 0)
			cx_value_line(r, t, tn);
		bool done = r->dlen == 1 ? tn > 0 && (t[tn - 1] == ']' || t[0] == ']')
		                         : tn >= 3 && memcmp(t + tn - 3, r->delim, 3) == 0;
		if (done)
			end_multi(r);
		return CX_CONFIG;
	}
	if (tn == 0 || t[0] == '#' || t[0] == ';' || (tn > 1 && t[0] == '{' && (t[1] == '%' || t[1] == '#')))
		return CX_NEUTRAL;
	char name[ST_CONTEXT_PATH_MAX];
	size_t nn;
	if (t[0] == '[') {
		if (!section_name(t, tn, name, sizeof(name), &nn)) {
			cx_value_line(r, t, tn);
			return CX_OTHER;
		}
		while (r->depth > 0)
			cx_level_pop(r);
		uint32_t sc = cx_scope_open(r, 0);
		cx_scope_label(r, sc, name, nn);
		size_t old = cx_path_push(r, name, nn, false);
		if (!cx_level_push(r, LV_SECTION, 0, sc)) {
			r->plen = old;
			r->path[old] = '\0';
		}
		r->structure++;
		return CX_CONFIG;
	}
	const char *eq = memchr(t, '=', tn);
	if (eq != NULL && r->directives) {
		const char *sp = t;
		while (sp < eq && !cx_space(*sp))
			sp++;
		if (sp < eq && sp + 1 < eq && !(sp[1] == '=' || cx_space(sp[1]) || sp[1] == '+'))
			eq = NULL; /* "options bonding max_bonds=0": a directive */
	}
	if (eq == NULL) {
		const char *colon = memchr(t, ':', tn);
		if (colon != NULL && (colon + 1 == t + tn || cx_space(colon[1])))
			eq = colon;
	}
	const char *k = t, *v;
	size_t kl, vn;
	enum cx_class cls = CX_CONFIG;
	if (eq != NULL) {
		kl = (size_t)(eq - t);
		v = eq + 1;
		vn = (size_t)(t + tn - v);
		if (kl > 0 && (k[kl - 1] == '+' || k[kl - 1] == '-' || k[kl - 1] == ':'))
			kl--; /* key += value, key := value */
		cx_trim(&k, &kl);
		cx_trim(&v, &vn);
		if (kl == 0) {
			cx_value_line(r, t, tn);
			return CX_OTHER;
		}
		if (kl >= 2 && (k[0] == '"' || k[0] == '\'') && k[kl - 1] == k[0]) {
			k++;
			kl -= 2;
		} else if (memchr(k, ' ', kl) != NULL || memchr(k, '\t', kl) != NULL || logfmt_like(v, vn)) {
			cls = CX_OTHER;
		}
	} else if (r->directives && t[tn - 1] != '{' && t[0] != '}' && t[0] != '<') {
		/* "key value" (braces are another dialect's blocks, <tags> XML) */
		kl = 0;
		while (kl < tn && !cx_space(t[kl]))
			kl++;
		v = t + kl;
		vn = tn - kl;
		cx_trim(&v, &vn);
	} else {
		cx_value_line(r, t, tn);
		return CX_OTHER;
	}
	size_t old = cx_path_push(r, k, kl, false);
	cx_setting(r, k, kl, v, vn);
	if (vn > 0 && v[vn - 1] == '\\') {
		r->multi = ML_CONT;
		r->multi_plen = old;
	} else if (toml_multi(r, v, vn)) {
		r->multi = ML_HEREDOC;
		r->multi_plen = old;
	} else {
		r->plen = old;
		r->path[old] = '\0';
	}
	return cls;
}
