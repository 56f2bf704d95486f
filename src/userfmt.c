/*
 * userfmt.c: formats from format files (see userfmt.h for the syntax).
 *
 * A user format is a struct st_format whose parse_user gets the format's
 * own struct userfmt as its user pointer: one pcre2_match of the pattern
 * (compiled once, anchored, JIT when available) into the format's one
 * match data, then the layout (layout.c) over the ts group. Nothing is
 * allocated per line. Fields are read again from a fresh match when a
 * front end asks for them (print -o json), so parse never stores them.
 *
 * Loading checks everything a format file can get wrong and reports each
 * problem with the file and line; a text with any problem adds nothing.
 * Explaining a miss (st_userfmt_explain) compiles, on first use, a second
 * copy of the pattern with automatic callouts, which tell how far into
 * the line the pattern got and which item it wanted there.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "strata/classify.h"
#include "strata/event.h"
#include "strata/layout.h"
#include "strata/userfmt.h"

#define NAME_MAX_LEN 32
#define FILE_MAX (4u << 20)  /* a format file is small; refuse anything bigger */
#define MATCH_LIMIT 1000000u /* pcre2 steps per line: a runaway pattern stops */

struct field_group {
	char *name;
	uint32_t group;
};

struct level_word {
	char *word;
	size_t len;
	uint8_t level;
};

struct userfmt {
	struct st_format fmt; /* fmt.user points back here */
	char *name, *title, *origin, *pattern, *layout_text;
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_code *trace; /* the pattern with auto callouts (explain), or NULL */
	struct st_layout layout;
	uint32_t g_ts, g_level, g_body; /* group numbers, 0: none */
	struct field_group *fields;
	size_t nfields;
	struct level_word *levels;
	size_t nlevels;
	char **samples; /* NULL-terminated (fmt.samples) */
	char **rejects;
};

/* A rule of a [change NAME] or [symptom NAME] section: its st_rule
 * points at the strings it owns (see classify.h for what they mean). */
enum { R_MATCH, R_NEEDLE, R_FORMAT, R_FIELD, R_ACTION, R_OBJECT, R_NS, R_HOST, R_ACTOR,
       R_TYPE, R_DETAIL, R_NKEYS };

static const char *const rule_keys[R_NKEYS] = {
	"match", "needle", "format", "field", "action", "object", "namespace", "host", "actor",
	"type", "detail"};

struct userrule {
	struct st_rule rule;
	char *name, *origin;
	char *val[R_NKEYS];
	unsigned line[R_NKEYS];
	bool registered; /* with st_rules_add: removed again when freed */
};

struct st_userfmts {
	struct userfmt **f;
	size_t n, cap;
	struct userrule **r;
	size_t nr;
};

/* ---- parsing lines */

static uint8_t
level_of(const struct userfmt *u, const char *w, size_t n)
{
	for (size_t i = 0; i < u->nlevels; i++)
		if (u->levels[i].len == n && memcmp(u->levels[i].word, w, n) == 0)
			return u->levels[i].level;
	return (uint8_t)st_level_from_word(w, n);
}

/*
 * Match the pattern at the start of s: > 0 (pcre2's count) or a pcre2
 * error. The pattern is anchored, but pcre2's interpreter (10.42, without
 * JIT) starts an anchored match again after invalid UTF-8 at the start, so
 * a match must also begin at 0.
 */
static int
match(const struct userfmt *u, const char *s, size_t n)
{
	int rc = pcre2_match(u->re, (PCRE2_SPTR)s, n, 0, 0, u->md, u->mctx);
	if (rc > 0 && pcre2_get_ovector_pointer(u->md)[0] != 0)
		return PCRE2_ERROR_NOMATCH;
	return rc;
}

/* The draft from a successful match (rc > 0); why for diagnostics. */
static int
from_match(const struct userfmt *u, const struct st_timectx *tc, const char *s, size_t n, int rc,
	   struct st_draft *d, struct st_layout_err *why)
{
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
	if ((int)u->g_ts >= rc || ov[2 * u->g_ts] == PCRE2_UNSET)
		return ST_ENOMATCH;
	size_t a = ov[2 * u->g_ts], b = ov[2 * u->g_ts + 1];
	int r = st_layout_parse(&u->layout, tc, s + a, b - a, &d->ts, why);
	if (r < 0)
		return r;
	d->level = ST_LVL_NONE;
	if (u->g_level && (int)u->g_level < rc && ov[2 * u->g_level] != PCRE2_UNSET)
		d->level = level_of(u, s + ov[2 * u->g_level],
		                    ov[2 * u->g_level + 1] - ov[2 * u->g_level]);
	size_t body = ov[1];
	if (u->g_body && (int)u->g_body < rc && ov[2 * u->g_body] != PCRE2_UNSET)
		body = ov[2 * u->g_body];
	d->body = (uint32_t)(body <= n ? body : n);
	d->kind = ST_KIND_LOG;
	return 0;
}

static int
parse_user(const void *user, const struct st_timectx *tc, const char *s, size_t n,
	   struct st_draft *d)
{
	const struct userfmt *u = user;
	int rc = match(u, s, n);
	if (rc <= 0 || from_match(u, tc, s, n, rc, d, NULL) < 0)
		return ST_ENOMATCH;
	return 0;
}

static void
fields_user(const void *user, const char *s, size_t n, const struct st_draft *d,
	    struct st_fields *out)
{
	(void)d;
	const struct userfmt *u = user;
	int rc = match(u, s, n);
	if (rc <= 0)
		return;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
	for (size_t i = 0; i < u->nfields; i++) {
		uint32_t g = u->fields[i].group;
		if ((int)g >= rc || ov[2 * g] == PCRE2_UNSET)
			continue;
		st_fields_add(out, u->fields[i].name, strlen(u->fields[i].name), s + ov[2 * g],
		              ov[2 * g + 1] - ov[2 * g]);
	}
}

/* ---- explaining */

struct trace_state {
	size_t pos;  /* furthest subject offset seen */
	size_t ppos; /* the furthest pattern offset tried there */
	size_t plen; /* and its item's length */
};

static int
on_callout(pcre2_callout_block *cb, void *arg)
{
	struct trace_state *t = arg;
	size_t p = cb->current_position;
	if (cb->start_match != 0)
		return 0; /* see match(): only a match from byte 0 counts */
	if (p > t->pos || (p == t->pos && cb->pattern_position >= t->ppos)) {
		t->pos = p;
		t->ppos = cb->pattern_position;
		t->plen = cb->next_item_length;
	}
	return 0;
}

/* Up to max bytes of s, printable, quoted; a long text shows its end. */
static void
add_quoted(struct st_buf *b, const char *s, size_t n, size_t max, bool tail)
{
	st_buf_addc(b, '\'');
	bool cut = n > max;
	if (cut) {
		if (tail) {
			st_buf_adds(b, "...");
			s += n - max;
		}
		n = max;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			st_buf_addc(b, (char)c);
		else
			st_buf_addf(b, "\\x%02x", c);
	}
	if (cut && !tail)
		st_buf_adds(b, "...");
	st_buf_addc(b, '\'');
}

/* Why the pattern does not match s: how far it gets. */
static void
explain_nomatch(struct userfmt *u, const char *s, size_t n, struct st_buf *why)
{
	if (u->trace == NULL) {
		int err;
		PCRE2_SIZE off;
		u->trace = pcre2_compile((PCRE2_SPTR)u->pattern, PCRE2_ZERO_TERMINATED,
		                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ANCHORED |
		                                 PCRE2_AUTO_CALLOUT | PCRE2_NO_START_OPTIMIZE,
		                         &err, &off, NULL);
	}
	st_buf_adds(why, "the pattern does not match");
	if (u->trace == NULL)
		return;
	struct trace_state t = {0};
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(u->trace, NULL);
	pcre2_set_callout(mc, on_callout, &t);
	pcre2_set_match_limit(mc, MATCH_LIMIT);
	pcre2_match(u->trace, (PCRE2_SPTR)s, n, 0, 0, md, mc);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	const char *p = u->pattern;
	size_t plen = strlen(p);
	if (t.ppos > plen)
		t.ppos = plen;
	if (t.pos > 0) {
		st_buf_adds(why, ": it reads ");
		add_quoted(why, s, t.pos, 48, true);
		st_buf_addf(why, " (%zu byte%s), then stops", t.pos, t.pos == 1 ? "" : "s");
	} else {
		st_buf_adds(why, ": it stops");
	}
	st_buf_addf(why, " at byte %zu (", t.pos);
	if (t.pos < n)
		add_quoted(why, s + t.pos, n - t.pos, 12, false);
	else
		st_buf_adds(why, "the end of the line");
	st_buf_adds(why, ")");
	if (t.ppos < plen) {
		st_buf_adds(why, ", where it wants ");
		add_quoted(why, p + t.ppos, plen - t.ppos, t.plen > 24 ? t.plen : 24, false);
		st_buf_addf(why, " (pattern offset %zu)", t.ppos);
	}
}

/* ---- the registry's view */

bool
st_userfmt_is(const struct st_format *f)
{
	return f != NULL && f->parse_user == parse_user;
}

const char *
st_userfmt_origin(const struct st_format *f)
{
	return st_userfmt_is(f) ? ((const struct userfmt *)f->user)->origin : NULL;
}

int
st_userfmt_explain(const struct st_format *f, const struct st_timectx *tc, const char *s, size_t n,
		   struct st_draft *d, struct st_buf *why)
{
	if (!st_userfmt_is(f))
		return ST_EINVAL;
	struct userfmt *u = (struct userfmt *)f->user; /* owned by its set; explain fills trace */
	int rc = match(u, s, n);
	if (rc == PCRE2_ERROR_NOMATCH) {
		explain_nomatch(u, s, n, why);
		return ST_ENOMATCH;
	}
	if (rc <= 0) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		st_buf_addf(why, "pcre2 gives up on the line: %s", (char *)msg);
		return ST_ENOMATCH;
	}
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
	if ((int)u->g_ts >= rc || ov[2 * u->g_ts] == PCRE2_UNSET) {
		st_buf_addf(why, "the pattern matches bytes 0-%zu, but its ts group takes no part",
		            (size_t)ov[1]);
		return ST_ENOMATCH;
	}
	size_t a = ov[2 * u->g_ts], b = ov[2 * u->g_ts + 1];
	struct st_layout_err le;
	int r = from_match(u, tc, s, n, rc, d, &le);
	if (r < 0) {
		st_buf_adds(why, "the pattern matches, but ts ");
		add_quoted(why, s + a, b - a, 40, false);
		st_buf_addf(why, " (bytes %zu-%zu) does not read as '%s': %s", a, b, u->layout_text,
		            le.msg);
		return r;
	}
	return 0;
}

/* ---- sets */

struct st_userfmts *
st_userfmts_new(void)
{
	return st_xcalloc(1, sizeof(struct st_userfmts));
}

static void
free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void
userfmt_free(struct userfmt *u)
{
	if (u == NULL)
		return;
	free(u->name);
	free(u->title);
	free(u->origin);
	free(u->pattern);
	free(u->layout_text);
	pcre2_match_data_free(u->md);
	pcre2_match_context_free(u->mctx);
	pcre2_code_free(u->re);
	pcre2_code_free(u->trace);
	for (size_t i = 0; i < u->nfields; i++)
		free(u->fields[i].name);
	free(u->fields);
	for (size_t i = 0; i < u->nlevels; i++)
		free(u->levels[i].word);
	free(u->levels);
	free_strv(u->samples);
	free_strv(u->rejects);
	free(u);
}

static void
userrule_free(struct userrule *r)
{
	if (r == NULL)
		return;
	if (r->registered)
		st_rules_remove(&r->rule);
	free(r->name);
	free(r->origin);
	for (int k = 0; k < R_NKEYS; k++)
		free(r->val[k]);
	free(r);
}

void
st_userfmts_free(struct st_userfmts *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		userfmt_free(set->f[i]);
	free(set->f);
	for (size_t i = 0; i < set->nr; i++)
		userrule_free(set->r[i]);
	free(set->r);
	free(set);
}

size_t
st_userfmts_count(const struct st_userfmts *set)
{
	return set->n;
}

const struct st_format *
st_userfmts_get(const struct st_userfmts *set, size_t i)
{
	return i < set->n ? &set->f[i]->fmt : NULL;
}

int
st_userfmts_register(struct st_userfmts *set)
{
	for (size_t i = 0; i < set->n; i++) {
		int rc = st_format_add(&set->f[i]->fmt);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < set->nr; i++) {
		if (set->r[i]->registered)
			continue;
		int rc = st_rules_add(&set->r[i]->rule);
		if (rc < 0)
			return rc;
		set->r[i]->registered = true;
	}
	return 0;
}

size_t
st_userfmts_nrules(const struct st_userfmts *set)
{
	return set->nr;
}

const struct st_rule *
st_userfmts_rule(const struct st_userfmts *set, size_t i)
{
	return i < set->nr ? &set->r[i]->rule : NULL;
}

/* ---- loading */

/* A sample or reject line as written, with what it states. */
struct check {
	char *line;
	unsigned lineno;
	bool has_time;
	st_time time;
	int level; /* -1: not stated */
};

/* One [format] (or [change], [symptom]) section while it is read. */
struct section {
	struct userfmt *u;
	struct userrule *rule; /* a rule section's, instead of u */
	unsigned lineno, pattern_line, time_line, title_line;
	struct check *samples, *rejects;
	size_t nsamples, nrejects;
	bool bad; /* a problem was reported: do not check it further */
};

struct loader {
	struct st_userfmts *set;
	const char *path;
	struct st_buf *err;
	unsigned problems;
	struct userfmt **done; /* this text's finished formats */
	size_t ndone;
	struct userrule **rdone; /* and rules */
	size_t nrdone;
};

static void problem(struct loader *ld, unsigned lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct loader *ld, unsigned lineno, const char *fmt, ...)
{
	st_buf_addf(ld->err, "%s:%u: ", ld->path, lineno);
	va_list ap;
	va_start(ap, fmt);
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st_buf_adds(ld->err, msg);
	st_buf_addc(ld->err, '\n');
	ld->problems++;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks (and a CR) at both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* A level name for a level map or a sample: 0..7, or -1. */
static int
level_name(const char *w, size_t n)
{
	if (n == 4 && memcmp(w, "none", 4) == 0)
		return ST_LVL_NONE;
	enum st_level l = st_level_from_word(w, n);
	return l == ST_LVL_NONE ? -1 : (int)l;
}

static const char level_names_help[] = "trace, debug, info, notice, warn, error, fatal or none";

/* Where a format name is already defined, or NULL. */
static const char *
name_taken(struct loader *ld, const char *name, char *buf, size_t cap)
{
	for (size_t i = 0; i < ld->ndone; i++)
		if (strcmp(ld->done[i]->name, name) == 0)
			return ld->done[i]->origin;
	for (size_t i = 0; i < ld->set->n; i++)
		if (strcmp(ld->set->f[i]->name, name) == 0)
			return ld->set->f[i]->origin;
	int f = st_format_find(name);
	if (f >= 0) {
		const struct st_format *fmt = st_format_get((size_t)f);
		if (st_userfmt_is(fmt))
			return st_userfmt_origin(fmt);
		snprintf(buf, cap, "the built-in format %s", name);
		return buf;
	}
	return NULL;
}

static void
section_free(struct section *sec)
{
	userfmt_free(sec->u);
	userrule_free(sec->rule);
	for (size_t i = 0; i < sec->nsamples; i++)
		free(sec->samples[i].line);
	for (size_t i = 0; i < sec->nrejects; i++)
		free(sec->rejects[i].line);
	free(sec->samples);
	free(sec->rejects);
	memset(sec, 0, sizeof(*sec));
}

static st_time
now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (st_time)ts.tv_sec * ST_USEC + ts.tv_nsec / 1000;
}

/* Compile the pattern and find its groups. */
static bool
compile_pattern(struct loader *ld, struct section *sec)
{
	struct userfmt *u = sec->u;
	int err;
	PCRE2_SIZE off;
	u->re = pcre2_compile((PCRE2_SPTR)u->pattern, PCRE2_ZERO_TERMINATED,
	                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ANCHORED, &err, &off,
	                      NULL);
	if (u->re == NULL) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		problem(ld, sec->pattern_line, "pattern: %s at offset %zu (after '%.*s')",
		        (char *)msg, (size_t)off, (int)(off > 40 ? 40 : off),
		        u->pattern + (off > 40 ? off - 40 : 0));
		return false;
	}
	static const char *const special[] = {"ts", "level", "body"};
	uint32_t *groups[] = {&u->g_ts, &u->g_level, &u->g_body};
	for (int i = 0; i < 3; i++) {
		int g = pcre2_substring_number_from_name(u->re, (PCRE2_SPTR)special[i]);
		if (g == PCRE2_ERROR_NOUNIQUESUBSTRING) {
			problem(ld, sec->pattern_line,
			        "pattern: the group name %s is used more than once", special[i]);
			return false;
		}
		*groups[i] = g > 0 ? (uint32_t)g : 0;
	}
	if (u->g_ts == 0) {
		problem(ld, sec->pattern_line,
		        "pattern: no group named ts (write (?<ts>...) around the time)");
		return false;
	}
	uint32_t count = 0, esize = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(u->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(u->re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	pcre2_pattern_info(u->re, PCRE2_INFO_NAMETABLE, &table);
	u->fields = st_xcalloc(count ? count : 1, sizeof(*u->fields));
	for (uint32_t i = 0; i < count; i++) {
		PCRE2_SPTR e = table + (size_t)i * esize;
		const char *name = (const char *)e + 2;
		if (strcmp(name, "ts") == 0 || strcmp(name, "level") == 0 ||
		    strcmp(name, "body") == 0)
			continue;
		if (u->nfields > 0 && strcmp(u->fields[u->nfields - 1].name, name) == 0)
			continue; /* (?J) duplicate names: the first group */
		u->fields[u->nfields].group = (uint32_t)(e[0] << 8 | e[1]);
		u->fields[u->nfields].name = st_xstrdup(name);
		u->nfields++;
	}
	pcre2_jit_compile(u->re, PCRE2_JIT_COMPLETE); /* without JIT, the interpreter */
	u->md = pcre2_match_data_create_from_pattern(u->re, NULL);
	u->mctx = pcre2_match_context_create(NULL);
	if (u->md == NULL || u->mctx == NULL)
		st_fatal("out of memory");
	pcre2_set_match_limit(u->mctx, MATCH_LIMIT);
	return true;
}

static void finish_rule(struct loader *ld, struct section *sec);

/* A section is complete: check it and keep it, or report why not. */
static void
finish_section(struct loader *ld, struct section *sec)
{
	struct userfmt *u = sec->u;
	if (sec->rule != NULL) {
		finish_rule(ld, sec);
		goto out;
	}
	if (u == NULL)
		goto out;
	/* report every problem the section has; check samples only without */
	bool bad = sec->bad;
	char buf[80];
	const char *other = bad ? NULL : name_taken(ld, u->name, buf, sizeof(buf));
	if (other) {
		problem(ld, sec->lineno, "format %s is already defined (%s)", u->name, other);
		bad = true;
	}
	if (u->pattern == NULL) {
		problem(ld, sec->lineno, "format %s has no pattern (pattern = REGEX)", u->name);
		bad = true;
	} else if (!compile_pattern(ld, sec)) {
		bad = true;
	}
	char err[256];
	if (u->layout_text == NULL) {
		problem(ld, sec->lineno,
		        "format %s has no time layout (time = LAYOUT, such as %%Y-%%m-%%d "
		        "%%H:%%M:%%S)",
		        u->name);
		bad = true;
	} else if (st_layout_compile(&u->layout, u->layout_text, err, sizeof(err)) < 0) {
		problem(ld, sec->time_line, "time: %s", err);
		bad = true;
	}
	if (sec->nsamples == 0) {
		problem(ld, sec->lineno,
		        "format %s has no sample line (sample = LINE): give one at least", u->name);
		bad = true;
	}
	if (bad)
		goto out;
	u->fmt.name = u->name;
	u->fmt.title = u->title ? u->title : u->pattern;
	u->fmt.parse_user = parse_user;
	u->fmt.fields_user = fields_user;
	u->fmt.user = u;

	bool ok = true;
	struct st_buf why = {0};
	for (size_t i = 0; i < sec->nsamples; i++) {
		struct check *c = &sec->samples[i];
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, c->has_time ? c->time : now_usec());
		struct st_draft d;
		why.len = 0;
		if (st_userfmt_explain(&u->fmt, &tc, c->line, strlen(c->line), &d, &why) < 0) {
			problem(ld, c->lineno, "sample does not read: %.*s", (int)why.len, why.p);
			ok = false;
			continue;
		}
		if (c->has_time && d.ts != c->time) {
			char got[32], want[32];
			st_format_time(d.ts, 6, got);
			st_format_time(c->time, 6, want);
			problem(ld, c->lineno, "sample reads as %s, not %s as stated", got, want);
			ok = false;
		}
		if (c->level >= 0 && d.level != c->level) {
			const char *g = st_level_name(d.level), *w = st_level_name(c->level);
			problem(ld, c->lineno, "sample's level is %s, not %s as stated",
			        g ? g : "none", w ? w : "none");
			ok = false;
		}
	}
	for (size_t i = 0; i < sec->nrejects; i++) {
		struct check *c = &sec->rejects[i];
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, now_usec());
		struct st_draft d;
		if (st_format_parse(&u->fmt, &tc, c->line, strlen(c->line), &d) == 0) {
			char got[32];
			st_format_time(d.ts, 6, got);
			problem(ld, c->lineno, "reject line reads (as %s)", got);
			ok = false;
		}
	}
	st_buf_free(&why);
	if (!ok)
		goto out;
	u->samples = st_xcalloc(sec->nsamples + 1, sizeof(char *));
	for (size_t i = 0; i < sec->nsamples; i++) {
		u->samples[i] = sec->samples[i].line;
		sec->samples[i].line = NULL;
	}
	u->rejects = st_xcalloc(sec->nrejects + 1, sizeof(char *));
	for (size_t i = 0; i < sec->nrejects; i++) {
		u->rejects[i] = sec->rejects[i].line;
		sec->rejects[i].line = NULL;
	}
	u->fmt.samples = (const char *const *)u->samples;
	u->fmt.rejects = (const char *const *)u->rejects;
	ld->done = st_xreallocarray(ld->done, ld->ndone + 1, sizeof(*ld->done));
	ld->done[ld->ndone++] = u;
	sec->u = NULL;
out:
	section_free(sec);
}

/* "[format NAME]" */
static void
start_section(struct loader *ld, struct section *sec, unsigned lineno, const char *s, size_t n)
{
	finish_section(ld, sec);
	if (n < 2 || s[n - 1] != ']') {
		problem(ld, lineno, "a section line must be [format NAME]");
		sec->bad = true;
		return;
	}
	s++;
	n -= 2;
	trim(&s, &n);
	int kind = 0; /* a format, or enum st_rule_kind */
	size_t wl = 0;
	if (n > 7 && memcmp(s, "format", 6) == 0 && is_blank(s[6]))
		wl = 6;
	else if (n > 7 && memcmp(s, "change", 6) == 0 && is_blank(s[6]))
		wl = 6, kind = ST_RULE_CHANGE;
	else if (n > 8 && memcmp(s, "symptom", 7) == 0 && is_blank(s[7]))
		wl = 7, kind = ST_RULE_SYMPTOM;
	if (wl == 0) {
		problem(ld, lineno,
		        "unknown section [%.*s] (a section is [format NAME], [change NAME] or "
		        "[symptom NAME])",
		        (int)n, s);
		sec->bad = true;
		return;
	}
	s += wl + 1;
	n -= wl + 1;
	trim(&s, &n);
	bool ok = n > 0 && n <= NAME_MAX_LEN;
	for (size_t i = 0; i < n; i++)
		ok &= (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
	sec->lineno = lineno;
	if (kind != 0) {
		struct userrule *r = sec->rule = st_xcalloc(1, sizeof(*r));
		r->rule.kind = (uint8_t)kind;
		r->name = st_xstrndup(s, n);
		size_t olen = strlen(ld->path) + 16;
		r->origin = st_xmalloc(olen);
		snprintf(r->origin, olen, "%s:%u", ld->path, lineno);
		if (!ok) {
			problem(ld, lineno,
			        "rule name '%.*s': use 1 to %d lower-case letters, digits and '-'",
			        (int)n, s, NAME_MAX_LEN);
			sec->bad = true;
		}
		return;
	}
	sec->u = st_xcalloc(1, sizeof(struct userfmt));
	sec->u->name = st_xstrndup(s, n);
	size_t olen = strlen(ld->path) + 16;
	sec->u->origin = st_xmalloc(olen);
	snprintf(sec->u->origin, olen, "%s:%u", ld->path, lineno);
	if (!ok) {
		problem(ld, lineno,
		        "format name '%.*s': use 1 to %d lower-case letters, digits and '-'",
		        (int)n, s, NAME_MAX_LEN);
		sec->bad = true;
	}
}

/* "sample [TIME [LEVEL]] = LINE" or "reject = LINE" */
static void
add_check(struct loader *ld, struct section *sec, unsigned lineno, bool sample, const char *arg,
	  size_t alen, const char *val, size_t vlen)
{
	struct check c = {.lineno = lineno, .level = -1};
	if (!sample && alen > 0) {
		problem(ld, lineno, "reject takes no argument before '='");
		sec->bad = true;
		return;
	}
	if (alen > 0) {
		size_t k = 0;
		while (k < alen && !is_blank(arg[k]))
			k++;
		char *t = st_xstrndup(arg, k);
		int rc = st_parse_user_time(t, NULL, &c.time);
		if (rc < 0) {
			problem(ld, lineno,
			        "sample: cannot read the time '%s' (RFC 3339 without blanks, "
			        "such as 2024-03-01T09:00:00.123Z, or epoch seconds)",
			        t);
			free(t);
			sec->bad = true;
			return;
		}
		free(t);
		c.has_time = true;
		const char *l = arg + k;
		size_t ln = alen - k;
		trim(&l, &ln);
		if (ln > 0) {
			c.level = level_name(l, ln);
			if (c.level < 0 || memchr(l, ' ', ln) || memchr(l, '\t', ln)) {
				problem(ld, lineno, "sample: '%.*s' is not a level (%s)", (int)ln,
				        l, level_names_help);
				sec->bad = true;
				return;
			}
		}
	}
	if (vlen == 0) {
		problem(ld, lineno, "%s: the line is empty", sample ? "sample" : "reject");
		sec->bad = true;
		return;
	}
	c.line = st_xstrndup(val, vlen);
	struct check **v = sample ? &sec->samples : &sec->rejects;
	size_t *nv = sample ? &sec->nsamples : &sec->nrejects;
	*v = st_xreallocarray(*v, *nv + 1, sizeof(**v));
	(*v)[(*nv)++] = c;
}

/* ---- rule sections: [change NAME] and [symptom NAME] */

/* "key = value" in a rule section */
static void
rule_key(struct loader *ld, struct section *sec, unsigned lineno, const char *key, size_t klen,
	 const char *arg, size_t alen, const char *val, size_t vlen)
{
	struct userrule *r = sec->rule;
	(void)arg; /* no key of a rule takes one */
	if ((klen == 6 && memcmp(key, "sample", 6) == 0) ||
	    (klen == 6 && memcmp(key, "reject", 6) == 0)) {
		bool sample = key[0] == 's';
		if (alen > 0) {
			problem(ld, lineno, "%.*s takes no argument before '=' in a rule", (int)klen,
			        key);
			sec->bad = true;
			return;
		}
		if (vlen == 0) {
			problem(ld, lineno, "%s: the line is empty", sample ? "sample" : "reject");
			sec->bad = true;
			return;
		}
		struct check c = {.lineno = lineno, .level = -1, .line = st_xstrndup(val, vlen)};
		struct check **v = sample ? &sec->samples : &sec->rejects;
		size_t *nv = sample ? &sec->nsamples : &sec->nrejects;
		*v = st_xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[(*nv)++] = c;
		return;
	}
	if (klen == 5 && memcmp(key, "level", 5) == 0 && alen == 0) {
		int l = level_name(val, vlen);
		if (l <= 0) {
			problem(ld, lineno, "level: '%.*s' is not a level (%s; the event's level must "
			                    "be at least this one)",
			        (int)vlen, val, level_names_help);
			sec->bad = true;
			return;
		}
		r->rule.min_level = (uint8_t)l;
		return;
	}
	int k = -1;
	for (int i = 0; i < R_NKEYS && k < 0; i++)
		if (strlen(rule_keys[i]) == klen && memcmp(rule_keys[i], key, klen) == 0)
			k = i;
	if (k < 0 && klen == 7 && memcmp(key, "pattern", 7) == 0)
		k = R_MATCH; /* as a format says it */
	bool change = r->rule.kind == ST_RULE_CHANGE;
	if (k < 0) {
		problem(ld, lineno,
		        "unknown key '%.*s' in a %s rule (match, needle, format, field, level, %s, "
		        "sample, reject)",
		        (int)klen, key, change ? "change" : "symptom",
		        change ? "action, object, namespace, host, actor" : "type, detail");
		sec->bad = true;
		return;
	}
	if (k >= R_ACTION && change != (k < R_TYPE)) {
		problem(ld, lineno, "%s belongs to %s rules, not to %s ones", rule_keys[k],
		        change ? "symptom" : "change", change ? "change" : "symptom");
		sec->bad = true;
		return;
	}
	if (alen > 0) {
		problem(ld, lineno, "%s takes no argument before '='", rule_keys[k]);
		sec->bad = true;
	} else if (r->val[k] != NULL) {
		problem(ld, lineno, "%s is given twice (first at line %u)", rule_keys[k], r->line[k]);
		sec->bad = true;
	} else if (vlen == 0) {
		problem(ld, lineno, "%s is empty", rule_keys[k]);
		sec->bad = true;
	} else {
		r->val[k] = st_xstrndup(val, vlen);
		r->line[k] = lineno;
	}
}

/* Is a rule name taken (a built-in rule, this text's or the set's)? */
static bool
rule_name_taken(struct loader *ld, const char *name)
{
	for (size_t i = 0; i < ld->nrdone; i++)
		if (strcmp(ld->rdone[i]->name, name) == 0)
			return true;
	for (size_t i = 0; i < ld->set->nr; i++)
		if (strcmp(ld->set->r[i]->name, name) == 0)
			return true;
	return st_rule_find(name) != NULL;
}

/* A rule section is complete: check it (its samples too) and keep it. */
static void
finish_rule(struct loader *ld, struct section *sec)
{
	struct userrule *r = sec->rule;
	bool change = r->rule.kind == ST_RULE_CHANGE;
	bool bad = sec->bad;
	if (!bad && rule_name_taken(ld, r->name)) {
		problem(ld, sec->lineno, "rule %s is already defined (a rule's name is its own)",
		        r->name);
		bad = true;
	}
	if (r->val[R_MATCH] == NULL) {
		problem(ld, sec->lineno, "rule %s has no pattern (match = REGEX)", r->name);
		bad = true;
	}
	if (change && r->val[R_ACTION] == NULL) {
		problem(ld, sec->lineno, "change %s has no action (action = TEMPLATE, such as deploy)",
		        r->name);
		bad = true;
	}
	if (!change && r->val[R_TYPE] == NULL) {
		problem(ld, sec->lineno, "symptom %s has no type (type = TEMPLATE, such as "
		                         "queue-full)",
		        r->name);
		bad = true;
	}
	if (sec->nsamples == 0) {
		problem(ld, sec->lineno,
		        "rule %s has no sample line (sample = LINE): give one at least", r->name);
		bad = true;
	}
	if (r->val[R_MATCH] == NULL)
		return;
	/* report every problem the section has; check samples only without */
	struct st_rule *d = &r->rule;
	d->name = r->name;
	d->origin = r->origin;
	d->pattern = r->val[R_MATCH];
	d->needle = r->val[R_NEEDLE];
	d->format = r->val[R_FORMAT];
	d->field = r->val[R_FIELD];
	d->action = r->val[R_ACTION];
	d->object = r->val[R_OBJECT];
	d->ns = r->val[R_NS];
	d->host = r->val[R_HOST];
	d->actor = r->val[R_ACTOR];
	d->type = r->val[R_TYPE];
	d->detail = r->val[R_DETAIL];
	/* the formats it names may be this set's, not registered yet */
	for (const char *p = d->format; p && *p;) {
		const char *e = strchr(p, ',');
		size_t fl = e ? (size_t)(e - p) : strlen(p);
		const char *f = p;
		trim(&f, &fl);
		char nm[NAME_MAX_LEN + 1];
		bool known = false;
		if (fl > 0 && fl <= NAME_MAX_LEN) {
			memcpy(nm, f, fl);
			nm[fl] = '\0';
			known = st_format_find(nm) >= 0;
			for (size_t i = 0; i < ld->ndone && !known; i++)
				known = strcmp(ld->done[i]->name, nm) == 0;
			for (size_t i = 0; i < ld->set->n && !known; i++)
				known = strcmp(ld->set->f[i]->name, nm) == 0;
		}
		if (!known) {
			problem(ld, r->line[R_FORMAT], "format: no format is named '%.*s'", (int)fl, f);
			bad = true;
		}
		p = e ? e + 1 : NULL;
	}
	struct st_rule check = *d;
	check.format = NULL;
	struct st_buf why = {0};
	if (st_rule_check(&check, &why) < 0) {
		problem(ld, r->line[R_MATCH], "rule %s: %.*s", r->name, (int)why.len, why.p);
		bad = true;
	}
	if (bad) {
		st_buf_free(&why);
		return;
	}
	bool ok = true;
	for (size_t i = 0; i < sec->nsamples + sec->nrejects; i++) {
		bool sample = i < sec->nsamples;
		const struct check *c = sample ? &sec->samples[i] : &sec->rejects[i - sec->nsamples];
		why.len = 0;
		int rc = st_rule_try(d, c->line, strlen(c->line), &why);
		if (sample && rc != 1) {
			problem(ld, c->lineno, "sample is not recognised: %.*s", (int)why.len, why.p);
			ok = false;
		} else if (!sample && rc != 0) {
			problem(ld, c->lineno, "reject line is recognised (%.*s)", (int)why.len, why.p);
			ok = false;
		}
	}
	st_buf_free(&why);
	if (!ok)
		return;
	ld->rdone = st_xreallocarray(ld->rdone, ld->nrdone + 1, sizeof(*ld->rdone));
	ld->rdone[ld->nrdone++] = r;
	sec->rule = NULL;
}

static void
key_line(struct loader *ld, struct section *sec, unsigned lineno, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	if (eq == NULL) {
		problem(ld, lineno, "expected 'key = value' or [format NAME]");
		sec->bad |= sec->u != NULL || sec->rule != NULL;
		return;
	}
	const char *key = s, *val = eq + 1;
	size_t klen = (size_t)(eq - s), vlen = n - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);
	size_t w = 0;
	while (w < klen && !is_blank(key[w]))
		w++;
	const char *arg = key + w;
	size_t alen = klen - w;
	trim(&arg, &alen);
	klen = w;
	if (sec->rule != NULL) {
		rule_key(ld, sec, lineno, key, klen, arg, alen, val, vlen);
		return;
	}
	if (sec->u == NULL) {
		if (!sec->bad)
			problem(ld, lineno,
			        "'%.*s' outside a section: start one with [format NAME]", (int)klen,
			        key);
		return;
	}
	struct userfmt *u = sec->u;
	char **slot = NULL;
	unsigned *where = NULL;
	if (klen == 5 && memcmp(key, "title", 5) == 0) {
		slot = &u->title;
		where = &sec->title_line;
	} else if (klen == 7 && memcmp(key, "pattern", 7) == 0) {
		slot = &u->pattern;
		where = &sec->pattern_line;
	} else if (klen == 4 && memcmp(key, "time", 4) == 0) {
		slot = &u->layout_text;
		where = &sec->time_line;
	}
	if (slot) {
		if (alen > 0) {
			problem(ld, lineno, "%.*s takes no argument before '='", (int)klen, key);
			sec->bad = true;
		} else if (*slot) {
			problem(ld, lineno, "%.*s is given twice (first at line %u)", (int)klen,
			        key, *where);
			sec->bad = true;
		} else if (vlen == 0) {
			problem(ld, lineno, "%.*s is empty", (int)klen, key);
			sec->bad = true;
		} else {
			*slot = st_xstrndup(val, vlen);
			*where = lineno;
		}
		return;
	}
	if (klen == 5 && memcmp(key, "level", 5) == 0) {
		if (alen == 0 || memchr(arg, ' ', alen) || memchr(arg, '\t', alen)) {
			problem(ld, lineno, "level takes one word: level WORD = LEVEL");
			sec->bad = true;
			return;
		}
		int l = level_name(val, vlen);
		if (l < 0) {
			problem(ld, lineno, "unknown level '%.*s' (%s)", (int)vlen, val,
			        level_names_help);
			sec->bad = true;
			return;
		}
		for (size_t i = 0; i < u->nlevels; i++)
			if (u->levels[i].len == alen && memcmp(u->levels[i].word, arg, alen) == 0) {
				problem(ld, lineno, "level %.*s is mapped twice", (int)alen, arg);
				sec->bad = true;
				return;
			}
		u->levels = st_xreallocarray(u->levels, u->nlevels + 1, sizeof(*u->levels));
		u->levels[u->nlevels].word = st_xstrndup(arg, alen);
		u->levels[u->nlevels].len = alen;
		u->levels[u->nlevels].level = (uint8_t)l;
		u->nlevels++;
		return;
	}
	if (klen == 6 && memcmp(key, "sample", 6) == 0) {
		add_check(ld, sec, lineno, true, arg, alen, val, vlen);
		return;
	}
	if (klen == 6 && memcmp(key, "reject", 6) == 0) {
		add_check(ld, sec, lineno, false, arg, alen, val, vlen);
		return;
	}
	problem(ld, lineno, "unknown key '%.*s' (title, pattern, time, level, sample, reject)",
	        (int)klen, key);
	sec->bad = true;
}

int
st_userfmts_load_text(struct st_userfmts *set, const char *path, const char *text, size_t len,
		      struct st_buf *err)
{
	struct loader ld = {.set = set, .path = path, .err = err};
	struct section sec = {0};
	unsigned lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *s = text + pos;
		size_t n = end - pos;
		pos = end + 1;
		lineno++;
		trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		if (memchr(s, '\0', n)) {
			problem(&ld, lineno, "a NUL byte in the line");
			sec.bad |= sec.u != NULL;
			continue;
		}
		if (s[0] == '[')
			start_section(&ld, &sec, lineno, s, n);
		else
			key_line(&ld, &sec, lineno, s, n);
	}
	finish_section(&ld, &sec);
	if (ld.problems > 0) {
		for (size_t i = 0; i < ld.ndone; i++)
			userfmt_free(ld.done[i]);
		free(ld.done);
		for (size_t i = 0; i < ld.nrdone; i++)
			userrule_free(ld.rdone[i]);
		free(ld.rdone);
		return ST_EINVAL;
	}
	set->f = st_xreallocarray(set->f, set->n + ld.ndone, sizeof(*set->f));
	for (size_t i = 0; i < ld.ndone; i++)
		set->f[set->n++] = ld.done[i];
	free(ld.done);
	set->r = st_xreallocarray(set->r, set->nr + ld.nrdone + 1, sizeof(*set->r));
	for (size_t i = 0; i < ld.nrdone; i++)
		set->r[set->nr++] = ld.rdone[i];
	free(ld.rdone);
	return (int)(ld.ndone + ld.nrdone);
}

int
st_userfmts_load_file(struct st_userfmts *set, const char *path, struct st_buf *err)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		st_buf_addf(err, "%s: cannot read the format file: %s\n", path, strerror(errno));
		return ST_EINVAL;
	}
	struct st_buf b = {0};
	char chunk[8192];
	size_t k;
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len <= FILE_MAX)
		st_buf_add(&b, chunk, k);
	int rc;
	if (ferror(fp)) {
		st_buf_addf(err, "%s: cannot read the format file: %s\n", path, strerror(errno));
		rc = ST_EINVAL;
	} else if (b.len > FILE_MAX) {
		st_buf_addf(err, "%s: a format file is at most %u bytes\n", path, FILE_MAX);
		rc = ST_EINVAL;
	} else {
		rc = st_userfmts_load_text(set, path, b.p ? b.p : "", b.len, err);
	}
	fclose(fp);
	st_buf_free(&b);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
st_userfmts_load_dir(struct st_userfmts *set, const char *dir, struct st_buf *err)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		st_buf_addf(err, "%s: cannot read the formats directory: %s\n", dir,
		            strerror(errno));
		return ST_EINVAL;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l <= 7 || strcmp(e->d_name + l - 7, ".format") != 0)
			continue;
		names = st_xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = st_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	int total = 0;
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		struct st_buf path = {0};
		st_buf_addf(&path, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
		            names[i]);
		int rc = st_userfmts_load_file(set, path.p, err);
		if (rc < 0)
			bad = true;
		else
			total += rc;
		st_buf_free(&path);
		free(names[i]);
	}
	free(names);
	return bad ? ST_EINVAL : total;
}

const char *
st_userfmts_default_dir(char *buf, size_t cap)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	int k;
	if (x && x[0] == '/') {
		k = snprintf(buf, cap, "%s/strata/formats", x);
	} else {
		const char *home = getenv("HOME");
		if (home == NULL || home[0] == '\0')
			return NULL;
		k = snprintf(buf, cap, "%s/.config/strata/formats", home);
	}
	return k > 0 && (size_t)k < cap ? buf : NULL;
}

int
st_userfmts_setup(struct st_userfmts *set, const char *const *files, size_t nfiles,
		  struct st_buf *err)
{
	bool bad = false;
	for (size_t i = 0; i < nfiles; i++)
		bad |= st_userfmts_load_file(set, files[i], err) < 0;
	char dir[4096];
	if (st_userfmts_default_dir(dir, sizeof(dir)))
		bad |= st_userfmts_load_dir(set, dir, err) < 0;
	if (bad)
		return ST_EINVAL;
	if (st_userfmts_register(set) < 0) {
		st_buf_addf(err, "too many formats (at most %d in all)\n", ST_FORMATS_MAX);
		return ST_EINVAL;
	}
	return 0;
}
