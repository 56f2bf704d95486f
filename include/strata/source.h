/*
 * source.h: the sources of a run, read on a libuv loop.
 *
 * A source produces bytes and knows nothing of formats: it hands them to
 * its st_ingest. Sources are files (read in large chunks through libuv's
 * file requests), "-" for standard input (a pipe, a terminal, or a file
 * redirected in), and directories, which stand for the files inside them,
 * recursively, in name order (hidden files and README files skipped), and
 * http:// metric endpoints, scraped (source-http.c), and prometheus://
 * queries (source-prom.c; a saved Prometheus API answer is read as a
 * file, recognised by its first bytes).
 * "cmd:COMMAND" runs /bin/sh -c COMMAND and reads its stdout and its
 * stderr as two sources ("cmd:COMMAND" and "cmd:COMMAND (stderr)"); its
 * exit becomes an event (source-cmd.c).
 *
 * Replay reads at most ST_ACTIVE_MAX files at once, so a directory of
 * thousands of files needs neither thousands of descriptors nor buffers.
 * A source that cannot be read is reported on stderr by name and marked
 * failed; the others go on.
 *
 * Ownership: the set owns its sources, their buffers and names; it
 * borrows the loop, the store and the zone, which must outlive it.
 */
#ifndef STRATA_SOURCE_H
#define STRATA_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "strata/ingest.h"
#include "strata/store.h"

#define ST_ACTIVE_MAX 16
#define ST_READ_CHUNK (1u << 20)

struct st_sources;

struct st_source_info {
	const char *path;   /* as given, or joined under a given directory */
	int id;             /* store source index (command-line order) */
	const char *error;  /* NULL, or why it could not be read */
	int format;         /* locked format at the end, -1 if none */
	const struct st_ingest_stats *stats;
};

struct st_sources *st_sources_new(uv_loop_t *loop, struct st_store *st, const struct st_tz *tz);
void st_sources_free(struct st_sources *ss);

/* Add a path ("-" is stdin; a directory adds its files). Errors found
 * here (missing, unreadable) are reported and counted, not returned. */
void st_sources_add(struct st_sources *ss, const char *path);

/* Start reading; uv_run then reads everything to its end. */
void st_sources_start(struct st_sources *ss);

/*
 * Follow (-f, before the first st_sources_add): regular files are not
 * closed at their end but watched (source-follow.c) and read again as they
 * grow, like tail -F; a missing file is watched until it appears, and a
 * directory's new files join. Other sources (stdin, pipes, compressed
 * files) end at their end as in a replay.
 */
void st_sources_follow(struct st_sources *ss);
/* Still replaying: some source has not reached its end yet. */
bool st_sources_replaying(const struct st_sources *ss);
/* Sources that may still produce (reading, or followed). */
size_t st_sources_live(const struct st_sources *ss);
/* Stop: close every watch and descriptor, start and read nothing more.
 * uv_run then returns once the close callbacks ran. */
void st_sources_stop(struct st_sources *ss);

/*
 * A command's end, for its exit event (source-cmd.c): status when it
 * exited (sig 0), or the signal that ended it. st_cmd_meaning writes what
 * it means ("command not found", "128+9: killed, SIGKILL ..."),
 * st_cmd_exit_text the event's text (logfmt: msg, exit_status or signal,
 * meaning, level, time). Both write at most n bytes with a NUL and return
 * the length.
 */
size_t st_cmd_meaning(int64_t status, int sig, char *buf, size_t n);
size_t st_cmd_exit_text(int64_t status, int sig, st_time at, char *buf, size_t n);

/*
 * http:// sources are scraped once, or under follow at start and then
 * every ms milliseconds (default ST_INTERVAL_DEFAULT_MS) until
 * st_sources_stop. A scrape gives up after the interval or 10 s,
 * whichever is shorter.
 */
#define ST_INTERVAL_DEFAULT_MS 15000
void st_sources_set_interval(struct st_sources *ss, uint64_t ms);

/* prometheus://HOST:PORT/?query=EXPR sources (source-prom.c) query the
 * window [since, until] (ST_TIME_NONE: the last hour, up to now), then
 * under follow poll every step. */
void st_sources_set_window(struct st_sources *ss, st_time since, st_time until);

size_t st_sources_count(const struct st_sources *ss);
void st_sources_info(const struct st_sources *ss, size_t i, struct st_source_info *out);
/* How many sources failed (missing, unreadable, read errors). */
size_t st_sources_failed(const struct st_sources *ss);
/* Bytes read from all sources. */
uint64_t st_sources_bytes(const struct st_sources *ss);

#endif
