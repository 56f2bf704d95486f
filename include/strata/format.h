/*
 * format.h: log formats and their registry.
 *
 * A format turns one line into an event draft: its time, its level and
 * where its message starts. Each format lives in one file in parsers/ and
 * exports one const struct st_format; parsers/registry.c lists them in
 * st_formats[] in the order detection prefers them on a tie (specific
 * before generic). A parse function:
 *   - reads only the line it is given (no NUL terminator is assumed);
 *   - never allocates and never touches the store;
 *   - returns 0 and fills *d when the line starts a record in this format,
 *     or a negative code (ST_ENOMATCH) when it does not.
 * A line that a locked format does not parse continues the previous record.
 *
 * Detection (st_format_detect) is the registry's job, not the parsers':
 * it runs every format over a source's first lines and picks the one that
 * parses most of them.
 */
#ifndef STRATA_FORMAT_H
#define STRATA_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "strata/event.h"
#include "strata/stime.h"

struct st_draft {
	st_time ts;            /* ST_TIME_NONE if the line has no time */
	uint8_t level;         /* enum st_level */
	uint8_t kind;          /* enum st_kind */
	uint32_t body;         /* offset of the message in the line */
};

struct st_format {
	const char *name;      /* short, lower case: "syslog", "klog" */
	const char *title;     /* one line for `strata formats` */
	int (*parse)(const struct st_timectx *tc, const char *line, size_t len,
	             struct st_draft *d);
	const char *const *samples; /* NULL-terminated lines that must parse */
	const char *const *rejects; /* NULL-terminated lines that must not */
};

extern const struct st_format *const st_formats[];
extern const size_t st_nformats;

/* Index of the format named name, or -1. */
int st_format_find(const char *name);

/*
 * Pick the format for a source from its first lines (n lines at lines[i]
 * with lengths lens[i]). Returns the registry index of the format that
 * parses the most lines (at least one), or -1 when none parses any; *hits
 * (if not NULL) gets that format's count.
 */
int st_format_detect(const struct st_timectx *tc, const char *const *lines,
                     const size_t *lens, size_t n, size_t *hits);

/*
 * The same, also giving in *second the runner-up: the format that parses
 * the most of the lines the winner does not (-1 if none), which is what a
 * file interleaving two formats needs.
 */
int st_format_detect2(const struct st_timectx *tc, const char *const *lines,
                      const size_t *lens, size_t n, size_t *hits, int *second);

#endif
