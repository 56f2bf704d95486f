/*
 * bookmarks.h: the viewer's bookmarks and the state file that keeps them
 * between runs.
 *
 * A bookmark names an event by its source and the line its record starts
 * on, so it finds the event again when the same sources are opened again,
 * whatever else is read beside them. It keeps the event's time too, so a
 * report can place it without reading the source. The source is named by
 * its key (st_bookmark_source_key): the absolute, resolved path of a file,
 * so `x/events.log`, `./x/events.log`, `/abs/x/events.log` and the file
 * found by reading the directory `x` are one source; the name as given for
 * stdin ("-"), a command ("cmd:...") or an endpoint ("http://...",
 * "prometheus://...").
 *
 * State file: `.strata-state` beside the sources (st_state_path) or the
 * file given with --state. Text, in this format:
 *
 *   # strata state 1
 *   bookmark<TAB>SOURCE<TAB>LINE<TAB>TIME<TAB>NOTE
 *
 * one line per bookmark. LINE is a decimal number; TIME is RFC 3339 UTC
 * with microseconds as st_format_time writes it (2024-12-08T05:59:58.000000Z),
 * or `-` for an untimed event; SOURCE and NOTE write a backslash, a tab
 * and a newline as `\\`, `\t` and `\n` and every other byte (UTF-8 or
 * not, CR included) as it is. Lines that start with '#' and empty lines
 * are comments; a line of another type (its first field is not
 * `bookmark`) is ignored, so a later strata can add types that this one
 * skips. A bookmark line has exactly five fields: with more (a raw tab in
 * a hand-edited note) it is bad, not cut short. Saving writes the
 * bookmarks sorted by (time, source, line), untimed first; loading keeps
 * the file's order. A time outside the years 1..9999, which RFC 3339
 * cannot write, is saved as untimed.
 *
 * Ownership: a struct st_bookmarks owns its array and every string in it;
 * set copies the strings it is given, remove and free release them. Start
 * from a zeroed struct. Pointers into v are valid until the next set,
 * remove or free. Only one thread touches a set at a time.
 *
 * Workload: tens of bookmarks, set by hand; lookups are linear.
 */
#ifndef STRATA_BOOKMARKS_H
#define STRATA_BOOKMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"

#define ST_STATE_NAME ".strata-state"
#define ST_STATE_HEADER "# strata state 1"
/* A state file larger than this is refused (ST_ETOOBIG), not read. */
#define ST_STATE_FILE_MAX (16u << 20)

struct st_bookmark {
	char *source;  /* the source's key: its absolute path (realpath) for a file, the name as given otherwise */
	uint32_t line; /* first line of the event in that source, from 1 */
	st_time ts;    /* the event's time (ST_TIME_NONE if untimed), so a report can show it without the source */
	char *note;    /* "" when none; may hold any bytes but NUL (tabs, newlines, UTF-8) */
};

struct st_bookmarks {
	size_t n, cap;
	struct st_bookmark *v;
};

/*
 * The key of a source name as the store has it: "-", "cmd:...",
 * "http(s)://..." and "prometheus://..." as given; realpath() for a path
 * that exists, else the name as given. malloc'd.
 */
char *st_bookmark_source_key(const char *name);

/*
 * The state file for a run: explicit_path when not NULL; else
 * `.strata-state` in the directory of the first source that is a file
 * (its dirname, as given: "x/events.log" -> "x/.strata-state") or a
 * directory (that directory itself); else (only stdin, commands,
 * endpoints or missing files) `.strata-state` in the current directory.
 * Symbolic links are followed to tell a file from a directory, not
 * resolved in the result. malloc'd.
 */
char *st_state_path(const char *explicit_path, const char *const *sources, size_t n);

/* Add, or replace the note and ts of the bookmark of the same source and
 * line (which keeps its place). note NULL means "". */
void st_bookmarks_set(struct st_bookmarks *b, const char *source_key, uint32_t line, st_time ts,
                      const char *note);
/* The bookmark of that source and line, or NULL. */
struct st_bookmark *st_bookmarks_find(const struct st_bookmarks *b, const char *source_key,
                                      uint32_t line);
/* Remove it, keeping the others' order; false when there was none. */
bool st_bookmarks_remove(struct st_bookmarks *b, const char *source_key, uint32_t line);

/*
 * Load the bookmarks of the state file at path, adding them to b (a
 * bookmark already in b is replaced, as by set). Returns 0 (a missing file
 * is 0 with nothing loaded), or a negative error (ST_E* from util.h, or
 * -errno) and a one-line message in err, without the path:
 *   - a bad line ("line 3: bad bookmark: bad time") is skipped and the
 *     rest still load; the message names the first and counts the others;
 *     ST_EINVAL;
 *   - a file that does not start with the header, or names another
 *     version, loads nothing: ST_EINVAL. A caller should not save over
 *     such a file, which is not ours or is newer than us;
 *   - a file over ST_STATE_FILE_MAX: ST_ETOOBIG, nothing loaded;
 *   - a file that cannot be read: -errno, nothing loaded.
 * err may be NULL when errn is 0.
 */
int st_bookmarks_load(const char *path, struct st_bookmarks *b, char *err, size_t errn);

/*
 * Save atomically: write PATH.tmp.PID, then rename it over path, so a
 * reader sees the old file or the new one, never a part. With no
 * bookmarks an existing file is removed (and a missing one not created).
 * The new file is created with mode 0666 less the umask. Returns 0 or
 * -errno (the temporary file removed).
 */
int st_bookmarks_save(const char *path, const struct st_bookmarks *b);

void st_bookmarks_free(struct st_bookmarks *b);

#endif
