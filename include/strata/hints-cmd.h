/*
 * hints-cmd.h: the `strata hints` front end (src/hints-cmd.c): the ranked
 * causal hints of strata/hints.h as text paragraphs or JSON lines, once
 * after a replay or updated as followed sources grow.
 *
 * Ownership: the run (and its store) is borrowed; the hints are made and
 * freed inside each call.
 */
#ifndef STRATA_HINTS_CMD_H
#define STRATA_HINTS_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "strata/output.h"
#include "strata/run.h"

struct st_hints_opts {
	enum st_output output;
	bool unexplained; /* also the unexplained symptoms (JSON: "cause":null) */
};

/* After st_run_replay: print the hints. Returns how many, or -1 when the
 * output failed. */
long st_hints_print(struct st_run *r, const struct st_hints_opts *o, FILE *out);

/* Follow the run's sources (st_run_follow before adding them) and print
 * the hints as they change until the run stops. Returns as above. */
long st_hints_follow(struct st_run *r, const struct st_hints_opts *o, FILE *out);

#endif
