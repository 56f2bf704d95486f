/*
 * template.h: a streaming miner of message templates, in the spirit of
 * Drain (He et al., ICWS 2017): "Rolled up 14,293 records into 847 summary
 * rows" and "Rolled up 139,204 records into 8,391 summary rows" are one
 * template, "Rolled up <*> records into <*> summary rows".
 *
 * Messages are fed one at a time, in any order; each gets the id of the
 * template it joined (ids count from 0 in order of first appearance and
 * never change; a template may grow wildcards as messages join it). The
 * detectors count events per template over time (error bursts per
 * template, templates never seen before a change).
 *
 * Ownership: the set owns all its memory (token strings, templates);
 * st_tpls_free frees it. Feeding does not allocate except to grow its
 * arrays and to keep a token or template it has not seen before.
 */
#ifndef STRATA_TEMPLATE_H
#define STRATA_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/util.h"

#define ST_TPL_TOKENS 48 /* tokens of a message that count; the rest is one <*> */

struct st_tpls;

struct st_tpl_info {
	uint32_t count;     /* messages that joined it */
	uint32_t first_seq; /* the first one's event sequence number */
	uint32_t last_seq;  /* the latest one's */
	uint32_t ntok;      /* its length in tokens */
};

struct st_tpls *st_tpls_new(void);
void st_tpls_free(struct st_tpls *t);

/*
 * Add one message (msg, n bytes: a log event's message without its
 * timestamp and level, see st_event_message) of event seq. Returns its
 * template's id; *fresh (if not NULL) says whether the template is new.
 */
uint32_t st_tpls_add(struct st_tpls *t, const char *msg, size_t n, uint32_t seq, bool *fresh);

/*
 * The same, also giving the message's shape (if shape is not NULL): a
 * 64-bit hash, never 0, of its tokens as the miner reads them (a token
 * with a digit as the wildcard). Messages of one shape have the same
 * words in the same places, so anything decided from the words alone can
 * be cached by shape; a template may join several shapes.
 */
uint32_t st_tpls_add_shape(struct st_tpls *t, const char *msg, size_t n, uint32_t seq,
                           bool *fresh, uint64_t *shape);

size_t st_tpls_count(const struct st_tpls *t);
void st_tpls_info(const struct st_tpls *t, uint32_t id, struct st_tpl_info *out);

/* Append the template's text to b: its tokens joined by single spaces,
 * "<*>" where messages differ. */
void st_tpls_text(const struct st_tpls *t, uint32_t id, struct st_buf *b);

#endif
