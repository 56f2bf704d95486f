/*
 * report.h: `strata report`, a Markdown postmortem draft from the evidence
 * (src/report.c).
 *
 * After a replay, the report reads the run's store once more and ranks the
 * hints (strata/hints.h), then writes, in this order: a title and the time
 * window; the sources (path, format, lines, time span, gaps); what changed
 * (the change events); what broke (the symptoms and anomalies the hints
 * found, with their onsets); the likely causes (each hint with its
 * confidence, the reasoning behind its score and its evidence quoted as
 * source:line in fenced code blocks); the unexplained symptoms; the
 * anomalous metric series as sparklines with the onset marked; a condensed
 * timeline (changes, symptoms, anomalies; a burst of one message shown by
 * its first and last line with the repeats folded as ×N; the viewer's
 * bookmarks and their notes); and a skeleton for the human parts (Impact,
 * Detection, Root cause, Resolution, Action items), marked as a draft, with
 * the top hint filled in as a starting point.
 *
 * The same inputs give the same bytes: nothing in it depends on when or
 * where it was written (no clock, no absolute path). Markdown: CommonMark
 * with GitHub's tables, every table's columns padded to one width, no line
 * longer than 200 characters outside code blocks (texts are cut with "…",
 * prose is wrapped). JSON (ST_OUT_JSON): one document with the same
 * content, every list in full up to the same limits, times as RFC 3339.
 *
 * Limits: at most ST_REPORT_ROWS rows in a section's table (changes, what
 * broke, timeline); the rest is counted and the report says how to list it.
 */
#ifndef STRATA_REPORT_H
#define STRATA_REPORT_H

#include <stdio.h>

#include "strata/output.h"
#include "strata/run.h"

#define ST_REPORT_ROWS 200

struct st_report_opts {
	enum st_output output;    /* ST_OUT_TEXT: Markdown; ST_OUT_JSON */
	st_time since, until;     /* the window, ST_TIME_NONE: the evidence's */
	const char *state;        /* bookmarks file, NULL: st_state_path's */
	const char *const *sources; /* as given on the command line (for the state file) */
	size_t nsources;
};

/* After st_run_replay: write the report to out. Returns 0, or -1 when the
 * output could not be written. Problems with the bookmarks file are said
 * on stderr; the report is written without them. */
int st_report(struct st_run *r, const struct st_report_opts *o, FILE *out);

#endif
