/*
 * context-hcl.c: the HCL reader of the context index (Terraform .tf and
 * .tfvars, other HCL, and brace-structured .conf files such as nginx's),
 * line by line.
 *
 * Levels open at a line's final '{' or '[' and close at a line that
 * starts with '}' or ']' (one level per such character): a block
 * (resource "aws_route53_record" "api" {), an attribute whose value is an
 * object or a list (tags = {). Key paths start with the Terraform address
 * of a top-level block: resource "t" "n" -> t.n, data "t" "n" -> data.t.n,
 * module "m" -> module.m, variable "v" -> var.v, output, provider and
 * other blocks by their type and labels (quoted labels joined by '.',
 * bare ones by ' ': nginx's "location /api"), then nested blocks and
 * attributes: aws_route53_record.api_failover_secondary.alias.
 * evaluate_target_health. Every block is a block of the index; a
 * resource, data source or module also gives its address as a resource:
 * entity (see cx_tf_object). A heredoc's lines (<<EOF ... EOF) are
 * entries of its attribute; comments (#, //, block comments) are skipped.
 *
 * "key value;" lines (nginx, and other directive files) are settings of
 * key; in a .conf/.cfg file, so are "key value" lines without the ';'
 * (ALSA), and only there do they count as the dialect's shape.
 */
#include <stdio.h>
#include <string.h>

#include "context-int.h"
#include "strata/util.h"

/* The assignment '=' outside quotes (not ==, =>, !=, <=, >=) before any
 * '{' or comment; n when there is none. */
static size_t
assign_at(const char *t, size_t n)
{
	bool q = false;
	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == '"')
				q = false;
			continue;
		}
		if (t[i] == '"')
			q = true;
		else if (t[i] == '{' || t[i] == '#' || (t[i] == '/' && i + 1 < n && t[i + 1] == '/'))
			return n;
		else if (t[i] == '=') {
			if (i + 1 < n && (t[i + 1] == '=' || t[i + 1] == '>')) {
				i++;
				continue;
			}
			if (i > 0 && (t[i - 1] == '!' || t[i - 1] == '<' || t[i - 1] == '>'))
				continue;
			return i;
		}
	}
	return n;
}

/* A value with its trailing comment, blanks and ',' off. */
static void
hcl_value(const char **v, size_t *n)
{
	cx_trim(v, n);
	bool q = false;
	for (size_t i = 0; i < *n; i++) {
		char c = (*v)[i];
		if (q) {
			if (c == '\\')
				i++;
			else if (c == '"')
				q = false;
			continue;
		}
		if (c == '"')
			q = true;
		else if ((c == '#' || (c == '/' && i + 1 < *n && (*v)[i + 1] == '/')) &&
		         (i == 0 || cx_space((*v)[i - 1]))) {
			*n = i;
			break;
		}
	}
	cx_trim(v, n);
	if (*n > 0 && (*v)[*n - 1] == ',')
		(*n)--;
	cx_trim(v, n);
}

/* Does the value leave a '{' or '[' open at its end? */
static bool
opens(const char *v, size_t n)
{
	if (n == 0 || (v[n - 1] != '{' && v[n - 1] != '['))
		return false;
	int depth = 0;
	bool q = false;
	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (v[i] == '\\')
				i++;
			else if (v[i] == '"')
				q = false;
			continue;
		}
		if (v[i] == '"')
			q = true;
		else if (v[i] == '{' || v[i] == '[')
			depth++;
		else if (v[i] == '}' || v[i] == ']')
			depth--;
	}
	return depth > 0;
}

static void
push_level(struct cx_reader *r, size_t old, enum cx_level_kind kind, uint32_t sc)
{
	if (!cx_level_push(r, kind, 0, sc)) {
		r->plen = old;
		r->path[old] = '\0';
		r->flat++;
	}
}

static bool
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* "type label label {": the block's segment, its block and level. False
 * when the line is not a block opener. */
static bool
open_block(struct cx_reader *r, const char *t, size_t tn)
{
	size_t end = tn - 1; /* the '{' */
	size_t i = 0;
	/* a .conf file's block names are freer: ALSA's "pcm.!dmix {" */
	while (i < end && (ident_char(t[i]) || (r->directives && strchr(".!@:", t[i]) != NULL)))
		i++;
	if (i == 0 || (i < end && !cx_space(t[i])))
		return false;
	const char *type = t;
	size_t typen = i;
	const char *lab[4];
	size_t labn[4];
	bool quoted[4];
	unsigned nl = 0;
	while (i < end) {
		while (i < end && cx_space(t[i]))
			i++;
		if (i >= end)
			break;
		if (nl == 4)
			return false;
		if (t[i] == '"') {
			size_t s = ++i;
			while (i < end && t[i] != '"')
				i++;
			if (i >= end)
				return false;
			lab[nl] = t + s;
			labn[nl] = i - s;
			quoted[nl++] = true;
			i++;
		} else {
			size_t s = i;
			while (i < end && !cx_space(t[i]) && t[i] != '"')
				i++;
			lab[nl] = t + s;
			labn[nl] = i - s;
			quoted[nl++] = false;
		}
	}
	char seg[ST_CONTEXT_PATH_MAX];
	size_t sn = 0;
#define SEG_ADD(s, n)                                                  \
	do {                                                           \
		size_t take_ = ST_MIN((size_t)(n), sizeof(seg) - sn);  \
		memcpy(seg + sn, (s), take_);                          \
		sn += take_;                                           \
	} while (0)
	bool top = r->depth == 0 && r->flat == 0;
	bool object = false;
	if (top && nl == 2 && cx_ieq(type, typen, "resource")) {
		SEG_ADD(lab[0], labn[0]);
		SEG_ADD(".", 1);
		SEG_ADD(lab[1], labn[1]);
		object = true;
	} else if (top && nl == 2 && cx_ieq(type, typen, "data")) {
		SEG_ADD("data.", 5);
		SEG_ADD(lab[0], labn[0]);
		SEG_ADD(".", 1);
		SEG_ADD(lab[1], labn[1]);
		object = true;
	} else if (top && nl == 1 && cx_ieq(type, typen, "module")) {
		SEG_ADD("module.", 7);
		SEG_ADD(lab[0], labn[0]);
		object = true;
	} else if (top && nl == 1 && cx_ieq(type, typen, "variable")) {
		SEG_ADD("var.", 4);
		SEG_ADD(lab[0], labn[0]);
	} else {
		SEG_ADD(type, typen);
		for (unsigned k = 0; k < nl; k++) {
			SEG_ADD(quoted[k] ? "." : " ", 1);
			SEG_ADD(lab[k], labn[k]);
		}
	}
#undef SEG_ADD
	uint32_t sc = cx_scope_open(r, 0);
	if (object)
		cx_tf_object(r, sc, seg, sn, nl == 2 ? lab[0] : type, nl == 2 ? labn[0] : typen,
		             lab[nl - 1], labn[nl - 1]);
	size_t old = cx_path_push(r, seg, sn, false);
	push_level(r, old, LV_BLOCK, sc);
	r->structure++;
	return true;
}

enum cx_class
cx_hcl_line(struct cx_reader *r, const char *s, size_t n)
{
	const char *t = s;
	size_t tn = n;
	cx_trim(&t, &tn);
	if (r->multi == ML_COMMENT) {
		for (size_t i = 0; i + 1 < tn; i++)
			if (t[i] == '*' && t[i + 1] == '/')
				r->multi = ML_NONE;
		return CX_NEUTRAL;
	}
	if (r->multi == ML_HEREDOC) {
		if (tn == r->dlen && memcmp(t, r->delim, tn) == 0) {
			r->multi = ML_NONE;
			r->plen = r->multi_plen;
			r->path[r->plen] = '\0';
			return CX_NEUTRAL;
		}
		if (tn > 0)
			cx_value_line(r, t, tn);
		return CX_CONFIG;
	}
	if (tn == 0 || t[0] == '#' || (tn > 1 && t[0] == '/' && t[1] == '/') ||
	    (tn > 1 && t[0] == '{' && (t[1] == '%' || t[1] == '#')))
		return CX_NEUTRAL;
	if (tn > 1 && t[0] == '/' && t[1] == '*') {
		r->multi = ML_COMMENT;
		for (size_t i = 2; i + 1 < tn; i++)
			if (t[i] == '*' && t[i + 1] == '/')
				r->multi = ML_NONE;
		return CX_NEUTRAL;
	}
	if (t[0] == '}' || t[0] == ']' || t[0] == ')') {
		/* one level per '}' or ']' at the start ("}]", "})") */
		for (size_t i = 0; i < tn && strchr("}]), \t", t[i]) != NULL; i++)
			if (t[i] == '}' || t[i] == ']')
				cx_level_pop(r);
		return CX_NEUTRAL;
	}
	bool in_map = r->depth > 0 && r->lv[r->depth - 1].kind == LV_MAP && r->flat == 0;
	size_t eq = assign_at(t, tn);
	if (eq == tn && in_map) {
		/* an object's "key: value" */
		bool q = false;
		for (size_t i = 0; i < tn; i++) {
			if (t[i] == '"')
				q = !q;
			else if (!q && t[i] == ':') {
				eq = i;
				break;
			}
			else if (!q && (t[i] == '{' || t[i] == '['))
				break;
		}
	}
	if (eq == tn) {
		if (t[tn - 1] == '{' && open_block(r, t, tn))
			return CX_CONFIG;
		const char *brace = memchr(t, '{', tn);
		if (t[tn - 1] == '}' && brace != NULL && brace > t && open_block(r, t, (size_t)(brace - t) + 1)) {
			/* a block on one line: "locals { x = 1 }" */
			const char *in = brace + 1;
			size_t inn = (size_t)(t + tn - 1 - in);
			cx_trim(&in, &inn);
			if (inn > 0 && memchr(in, '{', inn) == NULL)
				cx_hcl_line(r, in, inn);
			else if (inn > 0)
				cx_value_line(r, in, inn);
			cx_level_pop(r);
			return CX_CONFIG;
		}
		if (in_map) {
			if (tn == 1 && (t[0] == '{' || t[0] == '[')) { /* an object in a list */
				char lab[16];
				size_t ll = (size_t)snprintf(lab, sizeof(lab), "%u", r->lv[r->depth - 1].items++);
				size_t old = cx_path_push(r, lab, ll, true);
				push_level(r, old, LV_MAP, CX_NONE);
				return CX_CONFIG;
			}
			const char *v = t;
			size_t vn = tn;
			hcl_value(&v, &vn);
			if (vn > 0)
				cx_value_line(r, v, vn); /* a list element */
			return CX_CONFIG;
		}
		if (t[0] != '<' && (t[tn - 1] == ';' || r->directives)) {
			/* "key value;": a directive (nginx; ALSA's need no ';') */
			size_t end = t[tn - 1] == ';' ? tn - 1 : tn;
			size_t i = 0;
			while (i < end && !cx_space(t[i]))
				i++;
			const char *v = t + i;
			size_t vn = end - i;
			cx_trim(&v, &vn);
			size_t old = cx_path_push(r, t, i, false);
			cx_setting(r, t, i, v, vn);
			r->plen = old;
			r->path[old] = '\0';
			return r->directives ? CX_CONFIG : CX_OTHER;
		}
		cx_value_line(r, t, tn);
		return CX_OTHER;
	}
	/* key = value */
	const char *k = t;
	size_t kl = eq;
	cx_trim(&k, &kl);
	bool kq = kl >= 2 && k[0] == '"' && k[kl - 1] == '"';
	if (kq) {
		k++;
		kl -= 2;
	}
	bool bad_key = kl == 0 || (!kq && memchr(k, ' ', kl) != NULL);
	const char *v = t + eq + 1;
	size_t vn = tn - eq - 1;
	hcl_value(&v, &vn);
	if (bad_key) {
		cx_value_line(r, t, tn);
		return CX_OTHER;
	}
	size_t old = cx_path_push(r, k, kl, false);
	if (opens(v, vn)) {
		push_level(r, old, LV_MAP, CX_NONE);
		return CX_CONFIG;
	}
	if (vn > 2 && v[0] == '<' && v[1] == '<') {
		const char *d = v + 2;
		size_t dn = vn - 2;
		if (dn > 0 && (d[0] == '-' || d[0] == '~')) {
			d++;
			dn--;
		}
		st_context_unquote(d, dn, &d, &dn);
		if (dn > 0 && dn < sizeof(r->delim)) {
			memcpy(r->delim, d, dn);
			r->dlen = dn;
			r->multi = ML_HEREDOC;
			r->multi_plen = old;
			return CX_CONFIG;
		}
	}
	cx_setting(r, k, kl, v, vn);
	r->plen = old;
	r->path[old] = '\0';
	return CX_CONFIG;
}
