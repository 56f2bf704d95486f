/*
 * layout.h: strftime-like time layouts, read by our own code.
 *
 * A user format (userfmt.h) says how its time is written with a layout
 * such as "%Y-%m-%d %H:%M:%S.%f %z". The layout is compiled once, when
 * the format file loads, into a short list of steps; reading a stamp then
 * walks the steps over the stamp's bytes: no locale, no strptime, no
 * allocation, digits by hand with range checks.
 *
 * Directives:
 *   %Y year, 4 digits          %y year, 2 digits (69-99: 19xx, 00-68: 20xx)
 *   %m month, 1-2 digits       %b %B %h English month name, full or 3 letters
 *   %d day, 1-2 digits         %e day, 1-2 digits, may start with a blank
 *   %j day of the year, 1-3 digits (needs %Y or %y)
 *   %H hour 0-23, 1-2 digits   %I hour 1-12, with %p (AM or PM)
 *   %M minute, 1-2 digits      %S second 0-60, 1-2 digits
 *   %f fraction of a second, 1-9 digits (past the sixth they are ignored)
 *   %.f an optional fraction: '.' or ',' and 1-9 digits, or nothing
 *   %z Z, +hh:mm, +hhmm or +hh  %Z a zone name: UTC, GMT, UT or Z
 *   %a %A weekday name, full or 3 letters (read, then ignored)
 *   %s seconds since the epoch (with %f or %.f at most)
 *   %T is %H:%M:%S, %F is %Y-%m-%d, %% a literal %
 * A blank in the layout matches one or more blanks (spaces or tabs);
 * any other character matches itself. The whole stamp must be read.
 *
 * A layout gives a date (%d or %e with %m or %b, %j with a year, or %s)
 * or a time of day alone (from %H or %I on: the date then comes from the
 * reference time, see st_civil_resolve). Without a year the stamp is
 * year-less; without %z or %Z it is zoneless (--assume-tz).
 *
 * Ownership: a struct st_layout is plain data (no pointers); copy it or
 * embed it freely.
 */
#ifndef STRATA_LAYOUT_H
#define STRATA_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"

#define ST_LAYOUT_STEPS_MAX 64

struct st_layout_step {
	uint8_t op;  /* what to read (private to layout.c) */
	char ch;     /* the character, for a literal */
	uint16_t at; /* offset of the directive in the layout text */
};

struct st_layout {
	unsigned n;
	unsigned have; /* what the layout gives (private to layout.c) */
	struct st_layout_step step[ST_LAYOUT_STEPS_MAX];
};

/*
 * Compile the layout text (NUL-terminated) into *l. Returns 0, or
 * ST_EINVAL with a message in err (errlen bytes, always terminated) that
 * names the problem and its byte offset in the layout.
 */
int st_layout_compile(struct st_layout *l, const char *text, char *err, size_t errlen);

/* Why a stamp did not read: the byte offset in the stamp and a message. */
struct st_layout_err {
	size_t pos;
	char msg[160];
};

/*
 * Read the stamp s (n bytes, all of them) with layout l and settle it
 * under tc (year-less and zoneless stamps, see st_civil_resolve). Returns
 * 0 and sets *out, ST_ENOMATCH when the bytes do not follow the layout, or
 * ST_ERANGE when a value is out of range (month 13, Feb 30, 24:00). When
 * why is not NULL it says where and why it failed (slower; for
 * diagnostics, not for the ingest path).
 */
int st_layout_parse(const struct st_layout *l, const struct st_timectx *tc, const char *s, size_t n,
		    st_time *out, struct st_layout_err *why);

#endif
