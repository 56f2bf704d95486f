/*
 * context-cmd.h: the `context` command: the context index of a run's
 * sources (strata/context.h), one entry per line, as text or JSON lines,
 * optionally only the entries that meet some entities (the lookup hints
 * will make).
 *
 * It reads the run's store after the replay; it writes to a FILE through
 * one buffer.
 */
#ifndef STRATA_CONTEXT_CMD_H
#define STRATA_CONTEXT_CMD_H

#include <stdio.h>

#include "strata/entity.h"
#include "strata/output.h"
#include "strata/run.h"

struct st_context_opts {
	enum st_output output;
	/* --entity TYPE:VALUE: only the entries whose entities meet one of
	 * these (the line's own or its blocks'); NULL or empty: every entry */
	const struct st_entities *want;
};

/*
 * Text:  FILE:LINE  KEY.PATH = VALUE  [OWN ENTITIES | BLOCK ENTITIES]
 * JSON:  {"source":..,"line":..,"format":"context:yaml","key":..,
 *         "value":.. (unquoted),"raw":.. (as written),"block_line":..,
 *         "entities":[the line's own],"block_entities":[its blocks'],
 *         "depth":.. (with want: 0 the line, 1 its block, ...)}
 * Returns the number of entries written, or -1 when the output could not
 * be written.
 */
long st_context_print(struct st_run *r, const struct st_context_opts *o, FILE *out);

/*
 * For `strata stats` (stats.c): st_context_format gives the FORMAT column
 * of store source src: "context:yaml" (..ansible, ..hcl, ..ini) for a
 * context file, else NULL. st_context_stats adds, after the sources, a
 * CONTEXT table (text: file, format, entries, dropped) or
 * ,"context":[{"source":..,"format":..,"lines":..,"entries":..,"dropped":..}]
 * (JSON, inside the top-level object); nothing when there is no context
 * file. names and w: the display names and their column width.
 */
const char *st_context_format(const struct st_store *st, int src);
void st_context_stats(struct st_buf *b, const struct st_store *st, enum st_output output,
                      char **names, int w);

/* "file:export.sh" -> (ST_ENT_FILE, "export.sh") added to es (host names
 * lower-cased, as extractors write them). 0, or ST_EINVAL for an unknown
 * type or an empty value. */
int st_entity_parse(const char *s, struct st_entities *es);

#endif
