/*
 * viewer-cmd.h: the interactive viewer (src/viewer.c), the front end that
 * `strata SOURCE...` opens on a terminal. It needs a terminal (/dev/tty);
 * standard input stays free to be a source.
 */
#ifndef STRATA_VIEWER_CMD_H
#define STRATA_VIEWER_CMD_H

#include <stddef.h>

#include "strata/run.h"

struct st_viewer_opts {
	const char *log;   /* --log FILE: standard error while the screen is
	                    * owned; NULL: kept and shown after the viewer ends */
	const char *state; /* --state FILE: bookmarks; NULL: beside the sources */
	const char *const *sources; /* the sources as given (for the state file) */
	size_t nsources;
};

/*
 * Run the viewer on r (sources added and followed, not started) until the
 * user quits or a signal comes. Returns 0, 1 when the terminal could not
 * be opened (said on stderr), 2 when --log cannot be opened.
 */
int st_viewer_main(struct st_run *r, const struct st_viewer_opts *o);

#endif
