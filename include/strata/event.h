/*
 * event.h: what an event is, and the vocabulary of levels and kinds.
 *
 * An event is one record of one source: its time (st_time, or
 * ST_TIME_NONE when the record carries none), its arrival sequence number
 * in the store, the source, the 1-based number of its first line, its kind,
 * its normalised level, the format that parsed it, and its raw text (the
 * record's lines joined by '\n', continuation lines included, without the
 * final newline).
 *
 * struct st_event is an unpacked view filled by the store: the text
 * pointer points into the store's arena and lives as long as the store.
 */
#ifndef STRATA_EVENT_H
#define STRATA_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"

enum st_kind {
	ST_KIND_LOG = 0,
	ST_KIND_CHANGE = 1,
	ST_KIND_METRIC = 2,
};

/* Levels in increasing severity; NONE when the record names none. */
enum st_level {
	ST_LVL_NONE = 0,
	ST_LVL_TRACE,
	ST_LVL_DEBUG,
	ST_LVL_INFO,
	ST_LVL_NOTICE,
	ST_LVL_WARN,
	ST_LVL_ERROR,
	ST_LVL_FATAL,
};

/* Event flags. */
enum {
	ST_EV_TRUNCATED = 1 << 0, /* a line of the record was cut at the limit */
	ST_EV_LATE = 1 << 1,      /* arrived after events that are later in time */
};

struct st_event {
	st_time ts;
	uint32_t seq;      /* arrival order in the store, from 0 */
	uint32_t line;     /* first line number in its source, from 1 */
	uint16_t source;   /* index of the source in the store */
	uint8_t kind;      /* enum st_kind */
	uint8_t level;     /* enum st_level */
	uint8_t format;    /* index in the format registry */
	uint8_t flags;     /* ST_EV_* */
	uint32_t len;      /* bytes of text */
	const char *text;  /* not NUL-terminated */
};

const char *st_kind_name(enum st_kind k);
/* "trace" ... "fatal"; NULL for ST_LVL_NONE. */
const char *st_level_name(enum st_level l);

/*
 * Normalise a level word as formats write it: full words in any case
 * (INFO, Warning, err, CRIT, panic, ...) and their usual abbreviations.
 * Returns ST_LVL_NONE when w is not a level word.
 */
enum st_level st_level_from_word(const char *w, size_t n);
/* syslog severity 0 (emerg) .. 7 (debug) */
enum st_level st_level_from_syslog(int severity);

#endif
