/*
 * ingest.h: from a source's bytes to events in the store.
 *
 * One st_ingest per source. It splits bytes into lines (bounded at
 * ST_LINE_MAX: a longer line keeps its first ST_LINE_MAX bytes, is flagged
 * truncated and the rest is skipped), detects the source's format from its
 * first lines, locks onto it, and turns each line into a new event or a
 * continuation of the previous one. It never allocates per line: text is
 * copied once, into the store's arena.
 *
 * A source that opens with pretty-printed JSON (kubectl get -o json's
 * List, the -w stream of objects one after another, a top-level array of
 * objects) is framed by JSON values instead of lines: each object (each
 * item of a List or an array) is one event, at the line its '{' is on,
 * whose text is the object without the whitespace between its tokens (as
 * jq -c writes it), parsed by the json format. See src/ingest.c.
 *
 * A source whose first lines are configuration (YAML, HCL, INI, as
 * st_context_detect decides from its name and those lines; never a live
 * one) is a context file: its non-blank lines are indexed as context
 * (counted in stats.context) and it has no events.
 *
 * Ownership: the ingest borrows the store and the zone; the bytes passed
 * to st_ingest_feed stay the caller's.
 */
#ifndef STRATA_INGEST_H
#define STRATA_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/format.h"
#include "strata/stime.h"
#include "strata/store.h"

#define ST_LINE_MAX (1u << 20)  /* bytes kept of one line */
#define ST_PROBE_LINES 64       /* lines detection looks at */
#define ST_REPROBE_MISSES 16    /* consecutive misses before probing again */

struct st_ingest_stats {
	uint64_t bytes;
	uint64_t lines;        /* all lines, blank ones included */
	uint64_t blank;
	uint64_t events;
	uint64_t timed;        /* events with a time */
	uint64_t untimed;      /* events without one */
	uint64_t continuation; /* lines joined to the record before them */
	uint64_t truncated;    /* lines cut at ST_LINE_MAX or ST_TEXT_MAX */
	uint64_t reprobes;     /* format switches after the first lock */
	uint64_t context;      /* lines of a context file: indexed, not events */
	st_time first, last;   /* earliest and latest event time */
};

/* The framing of a JSON document source (ingest.c). */
struct st_ingest_json {
	bool on;           /* the source is framed by JSON values */
	uint8_t state;     /* where between values (ingest.c's enum jstate) */
	bool first;        /* in an array, before its first element */
	bool skip;         /* dropping the rest of a value cut at ST_LINE_MAX */
	bool str, esc;     /* ... inside a string of it, just after a backslash */
	uint32_t depth;    /* ... its nesting there */
	/* the current line: holds an event's start, part of a value, any byte */
	bool line_event, line_value, line_open;
	bool warned_cut;   /* a cut value was reported */
};

struct st_ingest {
	struct st_store *store;
	unsigned src;
	struct st_timectx tc;
	st_time anchor;    /* tc.anchor points here */
	int learned_off;   /* and tc.learned_off here */
	int format;        /* locked format, -1 while none */
	int alt;           /* the runner-up or previous format, tried on a miss */
	/* the locked format (cached: one parse per line), or NULL */
	const struct st_format *fmt;
	bool probed;
	bool in_record;    /* the newest event can take continuation lines */
	bool skipping;     /* inside the dropped tail of an over-long line */
	bool block;        /* the locked format's records are blocks (st_format.block) */
	bool skip_block;   /* inside the dropped tail of an over-long block */
	bool skip_nl;      /* ... whose last byte dropped so far was '\n' */
	unsigned misses;
	unsigned blanks;   /* blank lines since the newest event's last line */
	uint32_t lineno;
	/* ST_TIME_NONE, or the time a line no format dates takes (a command's
	 * output: when it was read); its source sets it, once per read */
	st_time arrival;
	/* Lines arrive live (a pipe or command under -f): decide the format
	 * from the complete lines at hand instead of waiting for 64 of them,
	 * so a slow source's first lines print at once. */
	bool live;
	/* A context file (strata/context.h), decided at detection: its lines
	 * go to the store's context index, not to events. Its number there,
	 * or -1. */
	int context;
	struct st_ingest_json js;
	struct st_ingest_stats stats;
};

/* ref: the time year-less stamps are read against (the file's mtime). */
void st_ingest_init(struct st_ingest *ig, struct st_store *st, unsigned src,
                    const struct st_tz *tz, st_time ref);

/*
 * Take the complete lines at the start of data and return how many bytes
 * were used; the caller keeps the rest and passes it again with more. At
 * eof everything is used. Before the format is known it may use nothing
 * until it has enough lines to decide (at most 64 KiB are needed).
 * A caller whose unused rest exceeds ST_LINE_MAX must call again with
 * that full rest: the line is then cut and its tail skipped.
 * Under a block format (st_format.block) the same holds for blocks: an
 * unfinished block at the end of data is left to the caller, and one
 * longer than ST_LINE_MAX is cut and the rest of it skipped. So it does
 * for JSON values in a JSON document source.
 */
size_t st_ingest_feed(struct st_ingest *ig, const char *data, size_t len, bool eof);

/* Read the source as format f (an index of st_format_get) from its first
 * line on, without detection: for sources whose format is known (an
 * http:// metric endpoint speaks Prometheus text). */
void st_ingest_lock(struct st_ingest *ig, int f);

#endif
