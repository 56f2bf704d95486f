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

struct st_notes;

struct st_run_hook {
	void (*fn)(void *arg);
	void *arg;
};

struct st_run {
	uv_loop_t loop;         /* loop.data points back to the run */
	struct st_store *store;
	struct st_sources *sources;
	struct st_tz *tz;
	double seconds; /* reading, parsing and ordering */

	/* live runs (st_run_live) */
	bool follow;
	bool stopping;
	bool draining;          /* a signal came: sources end, output goes on */
	bool interactive;       /* the viewer: the run goes on when the sources
	                         * end, and a signal stops it at once */
	int signal;             /* the signal that stopped it, or 0 */
	uv_prepare_t check;     /* once per loop pass, before it waits: the pass */
	uv_timer_t wake;        /* a pass asked to run again after a while */
	uv_timer_t drain;       /* the deadline of a drain */
	uv_signal_t sigint, sigterm;
	unsigned (*pass)(struct st_run *r, void *arg);
	void *pass_arg;
	struct st_run_hook *hooks; /* st_run_at_stop */
	size_t nhooks;

	/* what events say beyond their text (classify.h): made by the front
	 * ends that need it, freed with the run */
	struct st_notes *notes;
};

/* tzname: --assume-tz, or NULL for UTC. Returns 0 or ST_ENOZONE. */
int st_run_init(struct st_run *r, const char *tzname);
void st_run_add(struct st_run *r, const char *path);
/* Read every source to its end and build the ordered index. */
void st_run_replay(struct st_run *r);
void st_run_free(struct st_run *r);

/*
 * Live runs (print -f). st_run_follow, before st_run_add: files are
 * followed (see source.h) and the soft limit on open descriptors is
 * raised to the hard one (said on stderr when that is too few).
 *
 * st_run_live starts the sources and runs the loop until st_run_stop,
 * SIGINT or SIGTERM, or until no source can produce any more. pass is
 * called once per loop pass (a uv_prepare handle, so a burst of events is
 * handled once, not per event); it returns 0, or a number of milliseconds
 * after which it wants another pass even if nothing happens.
 */
void st_run_follow(struct st_run *r);
void st_run_live(struct st_run *r, unsigned (*pass)(struct st_run *r, void *arg), void *arg);
/* Stop a live run: the stop hooks run (newest first), the sources close,
 * and uv_run returns once every handle is closed. Safe to call twice.
 * SIGINT and SIGTERM first drain the run instead: the sources are told to
 * end (commands get SIGTERM, watches close) while passes go on, so what a
 * command writes as it ends still comes out; the run stops when no source
 * is left, after ST_RUN_DRAIN_MS at most, or at a second signal. */
void st_run_stop(struct st_run *r);
#define ST_RUN_DRAIN_MS 2000
/*
 * Register fn(arg) to run when the run on this loop stops (a command
 * source kills its child there). Returns 0, or -1 when the loop belongs
 * to no run.
 */
int st_run_at_stop(uv_loop_t *loop, void (*fn)(void *arg), void *arg);

/*
 * Pages of mapped file text that read as zeros because their file shrank
 * after strata mapped it (see src/mapguard.h). Front ends report a
 * non-zero count: that text was lost.
 */
unsigned long st_run_pages_lost(void);

#endif
