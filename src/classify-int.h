/*
 * classify-int.h: what the classify units share (private to them):
 * classify.c (the rulebook, the pass, the notes), classify-template.c
 * (values from templates) and classify-rules.c (the rule list, checking
 * one rule).
 */
#ifndef STRATA_CLASSIFY_INT_H
#define STRATA_CLASSIFY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "strata/classify.h"

#define NEEDLE_MIN 6   /* = 4-byte windows + STRIDE - 1 (classify.c) */
#define NAME_MAX_LEN 32
#define VALUE_MAX 512  /* bytes of one value */

/* ---- the rule list (classify-rules.c) */

/* Every rule in trial order: user rules, then the built-in families. */
struct cl_rule_iter {
	size_t u, fam, i;
};
const struct st_rule *cl_rule_next(struct cl_rule_iter *it);

/* Compile a rule's pattern (JIT when available); ST_EINVAL with PCRE2's
 * message in why (when not NULL). */
int cl_compile(const char *pattern, pcre2_code **re, struct st_buf *why);

/* Formats named in a ','-separated list into a bitset (one bit per format
 * index); false when one is unknown (named in why, when not NULL). */
bool cl_format_set(const char *list, uint64_t set[4], struct st_buf *why);

/* The named groups of a compiled pattern, each given to fn. */
void cl_each_group_name(pcre2_code *re, void (*fn)(void *arg, const char *name), void *arg);

/* ---- templates (classify-template.c) */

/* An event's fields, parsed when first asked for (most events that a
 * needle sends to a pattern are not annotated and never need them). */
struct cl_fields {
	const struct st_event *ev; /* NULL: none (a format file's sample) */
	struct st_fields fs;
	bool have;
};
const struct st_fields *cl_fields_of(struct cl_fields *lf);
/* The value of field key (JSON strings without their quotes); false when
 * it has none, or null. */
bool cl_field_value(struct cl_fields *lf, const char *key, size_t kl, const char **v, size_t *n);

/* What a template reads: a match and where the values come from. */
struct cl_expand {
	pcre2_code *re;
	pcre2_match_data *md; /* NULL: no match */
	int rc;
	const char *subject;
	struct cl_fields *lf; /* NULL: no fields */
	/* a context value by name, or false (context may be NULL) */
	bool (*context)(const void *arg, const char *name, size_t nl, const char **v, size_t *n);
	const void *context_arg;
};

/* The value of the named group in the match, or false; empty values
 * count only when empty_ok. */
bool cl_group_value(const struct cl_expand *x, const char *name, size_t nl, const char **v,
                    size_t *n, bool empty_ok);
/* Expand template t into b (appended); false when it comes out null. */
bool cl_expand(const struct cl_expand *x, const char *t, struct st_buf *b);
/* Lower-case b[from..] and make a past participle a verb, in place. */
void cl_normalise_action(struct st_buf *b, size_t from);
/* The functions a template may name ({group:fn}), NULL-terminated. */
extern const char *const cl_transforms[];

#endif
