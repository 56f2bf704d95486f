/*
 * formats-cmd.h: the `formats` command: list the formats of this run, or
 * explain how they read the first lines of a file.
 *
 * Both only read the registry (st_format_get), so user formats must be
 * registered first (userfmt.h). They write to a FILE through one buffer.
 */
#ifndef STRATA_FORMATS_CMD_H
#define STRATA_FORMATS_CMD_H

#include <stdio.h>

#include "strata/output.h"
#include "strata/stime.h"

/*
 * One format per line: name, where it comes from ("built-in" or
 * FILE:LINE) and title; with ST_OUT_JSON one object {"formats":[...]}.
 * Returns 0, or -1 when the output could not be written.
 */
int st_formats_list(enum st_output output, FILE *out);

struct st_explain_opts {
	const char *path;       /* a file, or "-" for standard input */
	unsigned lines;         /* how many lines to explain */
	const struct st_tz *tz; /* --assume-tz, or NULL for UTC */
	enum st_output output;
};

/*
 * For the first o->lines lines of o->path: what detection picks for the
 * file (and every format's hit count on the lines it looks at); for each
 * line, the format strata reads it with (the real ingest, run on those
 * lines), every format that reads it with the time and level it gives,
 * and why each user format does not. Returns 0, -1 when the output could
 * not be written, or a negative error code (st_strerror) when the file
 * cannot be read.
 */
int st_formats_explain(const struct st_explain_opts *o, FILE *out);

#endif
