/*
 * run.c: a replay run, or a live one (see run.h).
 *
 * A live run adds to the replay's loop: a prepare handle that calls the
 * front end's pass once per loop pass, a timer for a pass it asks for
 * later, and SIGINT/SIGTERM handlers that drain it (see run.h), then
 * stop it. Stopping runs the
 * registered hooks (command sources kill their children), closes the
 * sources' watches and descriptors and then our own handles, so uv_run
 * returns; anything still open after that (a handle of a source that
 * has no stop of its own) is closed by a last walk.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mapguard.h"
#include "strata/classify.h"
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
	r->loop.data = r;
	return 0;
}

/* Following keeps a descriptor per file: take what the system allows. */
static void
raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = {.rlim_cur = rl.rlim_max, .rlim_max = rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
}

void
st_run_follow(struct st_run *r)
{
	r->follow = true;
	st_sources_follow(r->sources);
	raise_nofile();
}

/* Say once when more files are followed than descriptors allow. */
static void
check_nofile(struct st_run *r)
{
	struct rlimit rl;
	size_t n = st_sources_count(r->sources);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	size_t room = rl.rlim_cur > 32 ? (size_t)rl.rlim_cur - 32 : 0; /* stdio, the loop's own */
	if (n > room)
		fprintf(stderr,
		        "strata: %zu sources, but the system allows %llu open files (ulimit -n, hard "
		        "limit %llu): about %zu files can be followed; the others fail to open\n",
		        n, (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, room);
}

int
st_run_at_stop(uv_loop_t *loop, void (*fn)(void *arg), void *arg)
{
	struct st_run *r = loop->data;
	if (r == NULL || &r->loop != loop)
		return -1;
	r->hooks = st_xreallocarray(r->hooks, r->nhooks + 1, sizeof(*r->hooks));
	r->hooks[r->nhooks].fn = fn;
	r->hooks[r->nhooks].arg = arg;
	r->nhooks++;
	return 0;
}

static void
on_wake(uv_timer_t *t)
{
	(void)t; /* the pass runs in the prepare handle of the next loop pass */
}

static void
on_check(uv_prepare_t *h)
{
	struct st_run *r = st_container_of(h, struct st_run, check);
	if (r->stopping)
		return;
	unsigned later = r->pass(r, r->pass_arg);
	if (r->stopping)
		return;
	if (!r->interactive && !st_sources_replaying(r->sources) && st_sources_live(r->sources) == 0) {
		r->pass(r, r->pass_arg); /* the last events, then done */
		st_run_stop(r);
		return;
	}
	if (later > 0 && !uv_is_active((uv_handle_t *)&r->wake))
		uv_timer_start(&r->wake, on_wake, later, 0);
}

static void
on_drained(uv_timer_t *t)
{
	struct st_run *r = st_container_of(t, struct st_run, drain);
	r->pass(r, r->pass_arg); /* what was read is printed */
	st_run_stop(r);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct st_run *r = h->data;
	r->signal = signum;
	if (r->draining || r->interactive) { /* a second signal, or the viewer: now */
		on_drained(&r->drain);
		return;
	}
	/* the sources end (a command's group gets SIGTERM and may still
	 * write); passes go on until none is left (on_check) */
	r->draining = true;
	st_sources_stop(r->sources);
	uv_timer_start(&r->drain, on_drained, ST_RUN_DRAIN_MS, 0);
	uv_timer_start(&r->wake, on_wake, 0, 0); /* a pass now */
}

void
st_run_live(struct st_run *r, unsigned (*pass)(struct st_run *r, void *arg), void *arg)
{
	r->pass = pass;
	r->pass_arg = arg;
	uv_prepare_init(&r->loop, &r->check);
	uv_prepare_start(&r->check, on_check);
	uv_timer_init(&r->loop, &r->wake);
	uv_timer_init(&r->loop, &r->drain);
	uv_signal_init(&r->loop, &r->sigint);
	uv_signal_init(&r->loop, &r->sigterm);
	r->sigint.data = r->sigterm.data = r;
	uv_signal_start(&r->sigint, on_signal, SIGINT);
	uv_signal_start(&r->sigterm, on_signal, SIGTERM);
	if (r->follow)
		check_nofile(r);
	uv_update_time(&r->loop);
	uint64_t t0 = uv_hrtime();
	st_sources_start(r->sources);
	/* the prepare handle runs before the loop waits; a run whose
	 * sources all fail at once still gets its pass from this timer */
	uv_timer_start(&r->wake, on_wake, 0, 0);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	r->seconds = (double)(uv_hrtime() - t0) / 1e9;
}

static void
close_rest(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void
st_run_stop(struct st_run *r)
{
	if (r->stopping)
		return;
	r->stopping = true;
	for (size_t i = r->nhooks; i-- > 0;)
		r->hooks[i].fn(r->hooks[i].arg);
	st_sources_stop(r->sources);
	uv_close((uv_handle_t *)&r->check, NULL);
	uv_close((uv_handle_t *)&r->wake, NULL);
	uv_close((uv_handle_t *)&r->drain, NULL);
	uv_close((uv_handle_t *)&r->sigint, NULL);
	uv_close((uv_handle_t *)&r->sigterm, NULL);
	uv_walk(&r->loop, close_rest, NULL);
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
	free(r->hooks);
	st_sources_free(r->sources);
	st_notes_free(r->notes);
	st_store_free(r->store);
	st_tz_free(r->tz);
}
