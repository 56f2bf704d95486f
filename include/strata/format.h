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
 * Fields (host, pid, logger, JSON keys, ...) are not kept per event: a
 * format's optional fields function extracts them from a line it has just
 * parsed, when a front end asks (print -o json), so they cost the ingest
 * nothing and the store no memory.
 *
 * Detection (st_format_detect) is the registry's job, not the parsers':
 * it runs every format over a source's first lines and picks the one that
 * parses most of them.
 *
 * Format indexes (see st_format_get) fit in 8 bits: the store keeps one
 * per run of events, 0xff meaning none.
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

/* One field of a line; key and value point into the line (or are static). */
struct st_field {
	const char *key;
	const char *val;
	uint32_t klen;
	uint32_t vlen;
	uint8_t json;  /* val is a raw JSON token: "string" with its quotes,
	                * number, true, false, null, object or array */
};

#define ST_FIELDS_MAX 48

struct st_fields {
	unsigned n;
	struct st_field f[ST_FIELDS_MAX];
};

/* Add a field (keys as C strings or counted); beyond ST_FIELDS_MAX or with
 * an empty value it does nothing. */
void st_fields_add(struct st_fields *fs, const char *key, size_t klen, const char *val,
                   size_t vlen);
void st_fields_add_json(struct st_fields *fs, const char *key, size_t klen, const char *val,
                        size_t vlen);
#define ST_FIELD(fs, key, val, vlen) st_fields_add((fs), (key), sizeof(key) - 1, (val), (vlen))

struct st_format {
	const char *name;      /* short, lower case: "syslog", "klog" */
	const char *title;     /* one line for `strata formats` */
	int (*parse)(const struct st_timectx *tc, const char *line, size_t len,
	             struct st_draft *d);
	/* Optional: the fields of a line parse() just read into d. */
	void (*fields)(const char *line, size_t len, const struct st_draft *d,
	               struct st_fields *out);
	const char *const *samples; /* NULL-terminated lines that must parse */
	const char *const *rejects; /* NULL-terminated lines that must not */
	/*
	 * Optional, for formats defined at run time (src/userfmt.c): when
	 * parse_user is set, parse is NULL and parse_user is called instead,
	 * with user as its first argument (and fields_user, if set, instead of
	 * fields). Built-in formats leave these three unset. Call a format
	 * through st_format_parse, which picks the right function.
	 */
	int (*parse_user)(const void *user, const struct st_timectx *tc, const char *line,
	                  size_t len, struct st_draft *d);
	void (*fields_user)(const void *user, const char *line, size_t len,
	                    const struct st_draft *d, struct st_fields *out);
	const void *user;
	/*
	 * Optional: records are blocks of lines ended by a blank line
	 * (journalctl -o export), not lines. Once a source is locked onto such
	 * a format, the ingest collects a block's lines and calls parse once
	 * with the whole block: its lines joined by '\n' as they are in the
	 * data (the final newline and the blank line left out); the event's
	 * text is the block. Detection sees single lines, so parse must also
	 * accept the lines that name a block's time on their own (and may
	 * refuse the others). A source enters block mode only at detection
	 * (reprobing and the alternative format skip block formats); a block the format does not read is tried as a
	 * line by the line formats, and the source leaves block mode for good
	 * if one reads it, else it is one untimed event. A block longer than
	 * ST_LINE_MAX is cut and flagged like a long line. See src/ingest.c
	 * for binary fields.
	 */
	unsigned block : 1;
	/*
	 * Optional: parse reads a prefix (a container name, a pod) and hands
	 * the rest to the other formats (st_parse_inner in parsers/common.h),
	 * which skips formats marked so, so wrappers never nest. A wrapper
	 * may read a line whose rest has no time (returning 0 with ts
	 * ST_TIME_NONE): the line is still a record of its container, not a
	 * continuation of another's. Other formats give a time when they
	 * read a line.
	 */
	unsigned wraps : 1;
};

/* Parse line with format f (built-in or user-defined); see parse above. */
static inline int
st_format_parse(const struct st_format *f, const struct st_timectx *tc, const char *line,
                size_t len, struct st_draft *d)
{
	if (f->parse_user != NULL)
		return f->parse_user(f->user, tc, line, len, d);
	return f->parse(tc, line, len, d);
}

/* The built-in formats (parsers/registry.c). */
extern const struct st_format *const st_formats[];
extern const size_t st_nformats;

#define ST_FORMATS_MAX 254 /* 255 (0xff) means "no format" in the store */

/*
 * The formats of this run: user formats (st_format_add) first, so they win
 * ties against the built-ins, then the built-ins in registry order. An
 * index from st_format_find or detection refers to this list; add user
 * formats before any source is read and the indexes stay fixed.
 */
size_t st_format_count(void);
const struct st_format *st_format_get(size_t i);
/* Add a user format (the pointer must stay valid); 0 or ST_ETOOBIG. */
int st_format_add(const struct st_format *f);

/*
 * The fields of line (the first line of a record) under format f: parses
 * it again and calls the format's fields function. Returns the count.
 */
unsigned st_format_fields(unsigned f, const char *line, size_t len, struct st_fields *out);

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
