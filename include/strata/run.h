/*
 * run.h: one replay of a set of sources into a store, on its own loop.
 *
 * The front ends (print, stats) all start the same way: a zone, a loop,
 * a store, the sources; read everything; then look at the store. A run
 * owns all of these and frees them in st_run_free.
 */
#ifndef STRATA_RUN_H
#define STRATA_RUN_H

#include <uv.h>

#include "strata/source.h"
#include "strata/stime.h"
#include "strata/store.h"

struct st_run {
	uv_loop_t loop;
	struct st_store *store;
	struct st_sources *sources;
	struct st_tz *tz;
	double seconds; /* reading, parsing and ordering */
};

/* tzname: --assume-tz, or NULL for UTC. Returns 0 or ST_ENOZONE. */
int st_run_init(struct st_run *r, const char *tzname);
void st_run_add(struct st_run *r, const char *path);
/* Read every source to its end and build the ordered index. */
void st_run_replay(struct st_run *r);
void st_run_free(struct st_run *r);

/*
 * Pages of mapped file text that read as zeros because their file shrank
 * after strata mapped it (see src/mapguard.h). Front ends report a
 * non-zero count: that text was lost.
 */
unsigned long st_run_pages_lost(void);

#endif
