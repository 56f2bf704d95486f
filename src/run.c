/*
 * run.c: a replay run (see run.h).
 */
#include <string.h>

#include "mapguard.h"
#include "strata/run.h"
#include "strata/util.h"

int
st_run_init(struct st_run *r, const char *tzname)
{
	memset(r, 0, sizeof(*r));
	if (tzname != NULL) {
		int rc = st_tz_load(tzname, &r->tz);
		if (rc < 0)
			return rc;
	}
	/* sources first: they reopen closed standard descriptors, which the
	 * loop's own descriptors must not take */
	r->store = st_store_new();
	r->sources = st_sources_new(&r->loop, r->store, r->tz);
	int rc = uv_loop_init(&r->loop);
	if (rc < 0)
		st_fatal("cannot start the event loop: %s", uv_strerror(rc));
	return 0;
}

void
st_run_add(struct st_run *r, const char *path)
{
	st_sources_add(r->sources, path);
}

void
st_run_replay(struct st_run *r)
{
	uv_update_time(&r->loop);
	uint64_t t0 = uv_hrtime();
	st_sources_start(r->sources);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	size_t n;
	st_store_order(r->store, &n);
	r->seconds = (double)(uv_hrtime() - t0) / 1e9;
}

unsigned long
st_run_pages_lost(void)
{
	return st_mapguard_hits();
}

void
st_run_free(struct st_run *r)
{
	uv_run(&r->loop, UV_RUN_DEFAULT); /* finish close callbacks */
	uv_loop_close(&r->loop);
	st_sources_free(r->sources);
	st_store_free(r->store);
	st_tz_free(r->tz);
}
