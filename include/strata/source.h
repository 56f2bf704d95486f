/*
 * source.h: the sources of a run, read on a libuv loop.
 *
 * A source produces bytes and knows nothing of formats: it hands them to
 * its st_ingest. Sources are files (read in large chunks through libuv's
 * file requests), "-" for standard input (a pipe, a terminal, or a file
 * redirected in), and directories, which stand for the files inside them,
 * recursively, in name order (hidden files and README files skipped).
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

size_t st_sources_count(const struct st_sources *ss);
void st_sources_info(const struct st_sources *ss, size_t i, struct st_source_info *out);
/* How many sources failed (missing, unreadable, read errors). */
size_t st_sources_failed(const struct st_sources *ss);
/* Bytes read from all sources. */
uint64_t st_sources_bytes(const struct st_sources *ss);

#endif
