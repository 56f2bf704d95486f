/*
 * output.h: the headless front ends, `print` and `stats`.
 *
 * They only read the store and the sources; they write to a FILE through
 * one large buffer, so printing costs no syscall per event.
 */
#ifndef STRATA_OUTPUT_H
#define STRATA_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "strata/run.h"
#include "strata/util.h"

enum st_output { ST_OUT_TEXT, ST_OUT_JSON };

struct st_filter {
	st_time since, until;   /* ST_TIME_NONE: open */
	int min_level;          /* ST_LVL_NONE: every event */
	/* A match function over an event's text (the front end wraps its
	 * regex engine); NULL: no pattern. */
	bool (*match)(void *arg, const char *text, size_t len);
	void *match_arg;
	/* --field KEY[=VALUE]: every one must hold (the key present, and its
	 * value equal to VALUE when given; a quoted JSON string compares
	 * without its quotes). The event's fields are extracted only when
	 * this is set. */
	const char *const *fields;
	size_t nfields;
};

struct st_print_opts {
	enum st_output output;
	bool color;
	struct st_filter filter;
};

/* Does event ev pass the filter? */
bool st_filter_pass(const struct st_filter *f, const struct st_event *ev);

/*
 * Short names for the sources in text output: the base name, with as many
 * parent directories as it takes to tell sources apart. names[i] is
 * malloc'd; free with st_display_names_free.
 */
char **st_display_names(const struct st_store *st);
void st_display_names_free(char **names, size_t n);

/* Print the run's timeline; returns the number of events printed, or -1
 * when the output could not be written. */
long st_print(struct st_run *r, const struct st_print_opts *o, FILE *out);

/* One event as st_print writes it, added to b (names and width: the
 * display names and the width of their column, see st_print_width;
 * notes: the run's, see classify.h, or NULL). */
void st_print_event(struct st_buf *b, const struct st_print_opts *o, const struct st_store *st,
                    const struct st_notes *notes, const struct st_event *ev, char **names,
                    int width);
int st_print_width(char **names, size_t n);

/*
 * print -f (print-follow.c): a live run (st_run_live): the timeline read
 * so far, ordered, as st_print writes it; then each event as it arrives,
 * in arrival order, written once per loop pass. An event earlier than the
 * latest time printed is late: flagged ST_EV_LATE in the store, marked
 * " [late]" in text and "late":true in JSON. Ends on SIGINT/SIGTERM, when
 * no source can produce more, or when out is a pipe whose reader is gone
 * (EPIPE; SIGPIPE must be ignored). Returns the events printed, or -1 when
 * the output could not be written (a closed pipe is not an error).
 */
long st_print_follow(struct st_run *r, const struct st_print_opts *o, FILE *out);

/* Print per-source statistics and the run's throughput. */
int st_stats(struct st_run *r, enum st_output output, FILE *out);

#endif
