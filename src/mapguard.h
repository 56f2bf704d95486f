/*
 * mapguard.h: keep a file mapping from crashing strata when its file
 * shrinks (private to the core).
 *
 * Touching a page of a MAP_SHARED or MAP_PRIVATE file mapping beyond the
 * file's current end raises SIGBUS. Every mapping the store holds is
 * registered here for its whole life; the SIGBUS handler puts a page of
 * zeros over the missing page of a registered mapping and counts it, so
 * the text reads as NUL bytes (printed \x00) instead of killing the run.
 * A SIGBUS anywhere else keeps its default action.
 */
#ifndef STRATA_MAPGUARD_H
#define STRATA_MAPGUARD_H

#include <stddef.h>

void st_mapguard_add(const char *p, size_t n);
void st_mapguard_remove(const char *p);
/* Pages replaced by zeros so far. */
unsigned long st_mapguard_hits(void);

#endif
