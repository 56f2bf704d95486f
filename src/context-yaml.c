/*
 * context-yaml.c: the YAML reader of the context index (Kubernetes
 * manifests, Helm values, Ansible playbooks, any YAML), line by line.
 *
 * It keeps a stack of open levels by indentation: a key whose value is on
 * the lines below (metadata:), a list item (- name: x), a scalar key (so
 * a plain scalar continued on deeper lines stays its value). A line's key
 * path is the stack's: spec.template.spec.containers[redis].resources.
 * limits.memory. A list item is named by its first key's value when that
 * key is name: (an Ansible task, a container), else by its index.
 *
 * Blocks (see context-int.h): every document; every top-level key that
 * opens a mapping (a section: metadata:, spec:, sessionCache:); every
 * list item that is a mapping. Items of a containers: list are marked so
 * their name: names a container.
 *
 * Tolerant: flow collections ({a: 1}, [a, b]) are values, anchors and
 * tags stay in the value as written, a block scalar's lines (key: |) are
 * entries of its key, Jinja lines ({% %}) are skipped, and a line that is
 * none of these is indexed under the current path. Nothing fails.
 *
 * For detection it counts: settings (key lines, items, block lines),
 * other lines, structure (nesting, items, document markers), keys with
 * blanks in them as other (log messages look like "Error: x", rarely
 * like "Last State: Terminated"), and Ansible's keys in top-level items.
 */
#include <stdio.h>
#include <string.h>

#include "context-int.h"
#include "strata/util.h"

#define LABEL_MAX 80 /* longer item names are shown by index */

static bool
is_item(const char *t, size_t n)
{
	return n > 0 && t[0] == '-' && (n == 1 || cx_space(t[1]));
}

/* The end of a quoted scalar that opens at t[0] (its closing quote + 1),
 * or 0 when it does not close on this line. */
static size_t
quote_end(const char *t, size_t n)
{
	char q = t[0];
	for (size_t i = 1; i < n; i++) {
		if (q == '"' && t[i] == '\\') {
			i++;
			continue;
		}
		if (t[i] == q) {
			if (q == '\'' && i + 1 < n && t[i + 1] == '\'') {
				i++; /* '' inside '...' */
				continue;
			}
			return i + 1;
		}
	}
	return 0;
}

/*
 * A key at t: "key: value", "key:", "\"quoted key\": value". Sets the key
 * (without quotes) and where the value starts. False when the line is
 * not a key line.
 */
static bool
yaml_key(const char *t, size_t n, const char **key, size_t *kl, size_t *vstart)
{
	if (n == 0)
		return false;
	if (t[0] == '"' || t[0] == '\'') {
		size_t e = quote_end(t, n);
		if (e == 0)
			return false;
		size_t j = e;
		while (j < n && cx_space(t[j]))
			j++;
		if (j >= n || t[j] != ':' || (j + 1 < n && !cx_space(t[j + 1])))
			return false;
		*key = t + 1;
		*kl = e - 2;
		*vstart = j + 1;
		return true;
	}
	if (strchr("[]{}#&*!|>%@`,?:", t[0]) != NULL)
		return false;
	for (size_t j = 0; j < n; j++) {
		if (t[j] == '#' && j > 0 && cx_space(t[j - 1]))
			return false; /* a comment before any ": " */
		if (t[j] == ':' && (j + 1 == n || cx_space(t[j + 1]))) {
			size_t k = j;
			while (k > 0 && cx_space(t[k - 1]))
				k--;
			if (k == 0)
				return false;
			*key = t;
			*kl = k;
			*vstart = j + 1;
			return true;
		}
	}
	return false;
}

/* The value at v: blanks and a trailing comment off (quotes kept). */
static void
yaml_value(const char **v, size_t *n)
{
	cx_trim(v, n);
	if (*n == 0)
		return;
	if ((*v)[0] == '"' || (*v)[0] == '\'') {
		size_t e = quote_end(*v, *n);
		if (e > 0) {
			*n = e;
			return;
		}
	}
	for (size_t i = 1; i < *n; i++)
		if ((*v)[i] == '#' && cx_space((*v)[i - 1])) {
			*n = i;
			cx_trim(v, n);
			return;
		}
}

/* |, >, |-, >+2 ...: a block scalar follows */
static bool
block_indicator(const char *v, size_t n)
{
	if (n == 0 || (v[0] != '|' && v[0] != '>'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(v[i] == '-' || v[i] == '+' || (v[i] >= '1' && v[i] <= '9')))
			return false;
	return true;
}

static bool
jinja_line(const char *t, size_t n)
{
	return n >= 2 && t[0] == '{' && (t[1] == '%' || t[1] == '#' || t[1] == '{');
}

/* Keys an Ansible play or task has at its top (modules count once). */
static unsigned
ansible_weight(const char *k, size_t n)
{
	static const char *const strong[] = {
		"hosts", "tasks", "roles", "handlers", "become", "become_user", "gather_facts",
		"import_playbook", "include_tasks", "import_tasks", "include_role", "import_role",
		"notify", "register", "when", "delegate_to", "changed_when", "failed_when",
		"with_items", "loop", "pre_tasks", "post_tasks", NULL};
	static const char *const modules[] = {
		"copy", "template", "file", "service", "systemd", "apt", "yum", "dnf", "package",
		"command", "shell", "lineinfile", "user", "group", "git", "unarchive", "get_url",
		"debug", "set_fact", "pip", "cron", "mount", "sysctl", "uri", "wait_for", "blockinfile",
		"stat", "fail", "assert", NULL};
	if (cx_starts(k, n, "ansible.") || cx_starts(k, n, "community."))
		return 2;
	for (const char *const *s = strong; *s; s++)
		if (cx_ieq(k, n, *s))
			return 2;
	for (const char *const *s = modules; *s; s++)
		if (cx_ieq(k, n, *s))
			return 1;
	return 0;
}

/* The last key segment of the path up to len (for containers: lists). */
static bool
path_ends_with_key(const struct cx_reader *r, size_t len, const char *key)
{
	size_t kl = strlen(key);
	if (len < kl || !cx_ends_n(r->path, len, key, kl))
		return false;
	return len == kl || r->path[len - kl - 1] == '.' || r->path[len - kl - 1] == ']';
}

/* Open a mapping item under the current level: its label, block, level. */
static void
open_item(struct cx_reader *r, int indent, uint32_t idx, const char *rest, size_t rn)
{
	char label[LABEL_MAX + 1];
	size_t ll = 0;
	const char *k;
	size_t kl, vs;
	if (rn > 0 && yaml_key(rest, rn, &k, &kl, &vs) && cx_ieq(k, kl, "name")) {
		const char *v = rest + vs;
		size_t vn = rn - vs;
		yaml_value(&v, &vn);
		st_context_unquote(v, vn, &v, &vn);
		if (vn > 0 && vn <= LABEL_MAX && memchr(v, '[', vn) == NULL && memchr(v, ']', vn) == NULL) {
			memcpy(label, v, vn);
			ll = vn;
		}
	}
	if (ll == 0)
		ll = (size_t)snprintf(label, sizeof(label), "%u", idx);
	bool containers = path_ends_with_key(r, r->plen, "containers") ||
	                  path_ends_with_key(r, r->plen, "initcontainers") ||
	                  path_ends_with_key(r, r->plen, "ephemeralcontainers");
	uint32_t sc = cx_scope_open(r, containers ? SC_CONTAINERS : 0);
	size_t old = cx_path_push(r, label, ll, true);
	if (!cx_level_push(r, LV_ITEM, indent, sc)) {
		r->plen = old;
		r->path[old] = '\0';
	}
}

/* Push the key segment already on the path as a level (or drop it). */
static void
push_key(struct cx_reader *r, size_t old, int indent, uint32_t sc)
{
	if (!cx_level_push(r, LV_KEY, indent, sc)) {
		r->plen = old;
		r->path[old] = '\0';
	}
}

enum cx_class
cx_yaml_line(struct cx_reader *r, const char *s, size_t n)
{
	int indent = 0;
	size_t i = 0;
	while (i < n && cx_space(s[i])) {
		i++;
		indent++;
	}
	const char *t = s + i;
	size_t tn = n - i;
	while (tn > 0 && (cx_space(t[tn - 1]) || t[tn - 1] == '\r'))
		tn--;
	if (tn == 0)
		return CX_NEUTRAL;
	if (r->multi == ML_YAML_BLOCK) {
		if (indent > r->multi_indent) {
			cx_value_line(r, t, tn);
			return CX_CONFIG;
		}
		r->multi = ML_NONE;
	}
	if (t[0] == '#' || jinja_line(t, tn))
		return CX_NEUTRAL;
	if ((tn == 3 || (tn > 3 && cx_space(t[3]))) &&
	    (cx_starts(t, tn, "---") || cx_starts(t, tn, "..."))) {
		/* a document marker: a new document (its block opens with its
		 * first content line) */
		while (r->depth > 0 || r->flat > 0)
			cx_level_pop(r);
		r->doc = CX_NONE;
		r->multi = ML_NONE;
		r->top_items = 0;
		r->structure++;
		return CX_NEUTRAL;
	}
	if (t[0] == '%' && !r->seen)
		return CX_NEUTRAL; /* %YAML 1.2 */
	bool item = is_item(t, tn);
	const char *k;
	size_t kl, vs;
	bool keyed = !item && yaml_key(t, tn, &k, &kl, &vs);
	if (r->multi == ML_YAML_PLAIN) {
		if (indent > r->multi_indent && !item && !keyed) {
			cx_value_line(r, t, tn); /* a plain scalar over several lines */
			return CX_CONFIG;
		}
		r->multi = ML_NONE;
	}
	/* leave the levels this line is not inside: a key closes those at
	 * its column or deeper; an item closes deeper ones and its sibling
	 * items, but not the key that owns its list ("tasks:\n- name: x") */
	while (r->depth > 0) {
		const struct cx_level *top = &r->lv[r->depth - 1];
		if (top->indent > indent || (top->indent == indent && (!item || top->kind == LV_ITEM)))
			cx_level_pop(r);
		else
			break;
	}
	if (!r->seen) {
		r->seen = true;
		r->top_list = item && indent == 0;
	}
	if (r->doc == CX_NONE)
		r->doc = cx_scope_open(r, 0);
	while (item) {
		struct cx_level *parent = r->depth > 0 ? &r->lv[r->depth - 1] : NULL;
		uint32_t idx = parent ? parent->items++ : r->top_items++;
		size_t j = 1;
		while (j < tn && cx_space(t[j]))
			j++;
		int cindent = indent + (int)j;
		const char *rest = t + j;
		size_t rn = tn - j;
		if (rn > 0 && rest[0] == '#')
			rn = 0;
		r->structure++;
		if (rn == 0 || yaml_key(rest, rn, &k, &kl, &vs)) {
			/* a mapping: a block of its own; its first key is read below
			 * at the column after "- " */
			open_item(r, indent, idx, rest, rn);
			if (rn == 0)
				return CX_NEUTRAL;
			indent = cindent;
			t = rest;
			tn = rn;
			keyed = true;
			break;
		}
		char lab[16];
		size_t ll = (size_t)snprintf(lab, sizeof(lab), "%u", idx);
		if (is_item(rest, rn)) { /* "- - a": a list in a list */
			size_t old = cx_path_push(r, lab, ll, true);
			if (!cx_level_push(r, LV_ITEM, indent, CX_NONE)) {
				r->plen = old;
				r->path[old] = '\0';
			}
			indent = cindent;
			t = rest;
			tn = rn;
			continue;
		}
		/* a scalar item: a setting of the list's key (hosts:, notify:) */
		const char *seg = r->path;
		size_t sn = r->plen;
		for (size_t p = r->plen; p-- > 0;)
			if (r->path[p] == '.' || r->path[p] == ']') {
				seg = r->path + p + 1;
				sn = r->plen - p - 1;
				break;
			}
		char key[128];
		size_t keyn = ST_MIN(sn, sizeof(key));
		memcpy(key, seg, keyn);
		size_t old = cx_path_push(r, lab, ll, true);
		const char *v = rest;
		size_t vn = rn;
		yaml_value(&v, &vn);
		cx_setting(r, key, keyn, v, vn);
		r->plen = old;
		r->path[old] = '\0';
		return CX_CONFIG;
	}
	if (!keyed) {
		/* not YAML's shape: kept under the current path */
		cx_value_line(r, t, tn);
		return CX_OTHER;
	}
	/* a key line */
	if (r->top_list && r->depth == 1 && r->lv[0].kind == LV_ITEM && r->lv[0].indent == 0)
		r->ansible += ansible_weight(k, kl);
	if (indent > 0)
		r->structure++;
	bool blank_key = memchr(k, ' ', kl) != NULL;
	const char *v = t + vs;
	size_t vn = tn - vs;
	yaml_value(&v, &vn);
	bool section = indent == 0 && r->depth == 0 && vn == 0;
	uint32_t sc = CX_NONE;
	if (section) {
		sc = cx_scope_open(r, SC_SECTION);
		cx_scope_label(r, sc, k, kl);
	}
	size_t old = cx_path_push(r, k, kl, false);
	if (vn == 0) { /* opens a mapping or a list */
		push_key(r, old, indent, sc);
		return blank_key ? CX_OTHER : CX_CONFIG;
	}
	if (block_indicator(v, vn)) {
		push_key(r, old, indent, CX_NONE);
		r->multi = ML_YAML_BLOCK;
		r->multi_indent = indent;
		return CX_CONFIG;
	}
	cx_setting(r, k, kl, v, vn);
	push_key(r, old, indent, CX_NONE);
	r->multi = ML_YAML_PLAIN;
	r->multi_indent = indent;
	return blank_key ? CX_OTHER : CX_CONFIG;
}
