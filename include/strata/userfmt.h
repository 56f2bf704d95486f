/*
 * userfmt.h: log formats defined by the user, in format files.
 *
 * A format file holds one or more formats, each a section:
 *
 *   # comment lines start with '#'; blank lines are ignored
 *   [format payments-api]
 *   title   = payments API log
 *   pattern = PAY (?<ts>\S+ \S+ [+-]\d{4}) \[txn=(?<txn>[^\]]*)\] (?<level>[A-Z]) (?<body>.*)
 *   time    = %Y-%m-%d %H:%M:%S.%f %z
 *   level E = error
 *   level W = warn
 *   sample 2024-03-01T09:00:00.123Z error = PAY 2024-03-01 10:00:00.123 +0100 [txn=abc123] E charge failed
 *   reject  = PAY no time here
 *
 * Keys (one per line, "key = value"; the value is the rest of the line
 * with the blanks around it removed):
 *   pattern  required: a PCRE2 pattern matched at the start of the line
 *            (as if it began with \A). Named groups: ts (required, the
 *            time), level, body (where the message starts), and any other
 *            named group becomes a field of the event.
 *   time     required: the layout of the ts group (layout.h).
 *   title    one line for `strata formats`.
 *   level WORD = LEVEL  the level group's WORD (exact bytes) means LEVEL
 *            (trace, debug, info, notice, warn, error, fatal or none).
 *            Words not in the map are read as level words (st_level_from_word).
 *   sample [TIME [LEVEL]] = LINE  a line that must parse (one at least),
 *            to TIME (RFC 3339 without blanks, or epoch seconds; zoneless
 *            stamps are checked as UTC) and LEVEL when given.
 *   reject = LINE  a line that must not parse.
 * Names are lower-case letters, digits and '-', at most 32 bytes, and
 * must differ from every other format's.
 *
 * The same files hold rules that recognise changes and symptoms
 * (classify.h), one per section:
 *
 *   [change deploy-bot]
 *   match   = shipit: (?<app>[\w-]+) (?<ver>v[\d.]+) -> (?<env>\w+) by (?<who>\w+)
 *   needle  = shipit:
 *   action  = deploy
 *   object  = {app}@{ver}
 *   actor   = {who}
 *   sample  = 2024-03-01T10:00:00Z shipit: checkout v2.4.1 -> prod by alice
 *
 *   [symptom queue-full]
 *   match   = queue (?<queue>\S+) is full
 *   needle  = is full
 *   type    = queue-full
 *   detail  = {queue}
 *   sample  = WARN queue orders is full, dropping
 *
 * Keys: match (required: a PCRE2 pattern searched anywhere in the event's
 * text; "pattern" is read as match), needle ('|'-separated literals of 6
 * bytes or more, one of which a line must hold, in any case; without one
 * the pattern runs on every event), format (names, ','-separated: only
 * events of these formats), field (match this field's value instead of
 * the text), level (the event's level at least this), then the templates:
 * action (required), object, namespace, host, actor for a change; type
 * (required) and detail for a symptom; sample = LINE (one at least: the
 * rule must recognise it) and reject = LINE (it must not). Rule names
 * follow the format names' rules and must differ from every rule's,
 * built-in or not. User rules are tried before the built-in ones.
 *
 * Everything is checked when the file loads: a bad pattern, a pattern
 * without a ts group, a bad layout, an unknown level, a sample that does
 * not read (or reads to another time or level), a reject that reads, a
 * duplicate name. Each problem is reported as "FILE:LINE: message".
 *
 * Ownership: a set (st_userfmts) owns its formats: their strings, compiled
 * patterns and match data. Once registered (st_userfmts_register) the
 * set must outlive every use of the registry; free it at exit. The
 * formats are not thread-safe: each keeps one match data, used by parse.
 */
#ifndef STRATA_USERFMT_H
#define STRATA_USERFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "strata/classify.h"
#include "strata/format.h"
#include "strata/util.h"

struct st_userfmts;

struct st_userfmts *st_userfmts_new(void);
void st_userfmts_free(struct st_userfmts *set);

/*
 * Load the formats and rules of text (len bytes), named `path` in
 * messages. Every problem found is appended to err as "PATH:LINE:
 * message\n". Returns the number of formats and rules added, or ST_EINVAL
 * when anything was wrong (then none of this text's is added).
 */
int st_userfmts_load_text(struct st_userfmts *set, const char *path, const char *text, size_t len,
			  struct st_buf *err);

/* The same for a file (a file that cannot be read is a problem too). */
int st_userfmts_load_file(struct st_userfmts *set, const char *path, struct st_buf *err);

/*
 * Load every file of dir whose name ends in ".format" (hidden files
 * skipped), in byte order of their names. A missing dir is not an error.
 * Returns the number of formats added or ST_EINVAL.
 */
int st_userfmts_load_dir(struct st_userfmts *set, const char *dir, struct st_buf *err);

/*
 * The default directory: $XDG_CONFIG_HOME/strata/formats, or
 * $HOME/.config/strata/formats. Written to buf (cap bytes); NULL when
 * neither variable is set (or the path does not fit).
 */
const char *st_userfmts_default_dir(char *buf, size_t cap);

/*
 * What the command line does: load each of files (--formats, in order),
 * then the default directory, and register them all. Returns 0, or
 * ST_EINVAL with the problems in err (nothing is registered then).
 */
int st_userfmts_setup(struct st_userfmts *set, const char *const *files, size_t nfiles,
		      struct st_buf *err);

/* Add the set's formats to the registry (st_format_add) and its rules to
 * the classifier's (st_rules_add), in load order. */
int st_userfmts_register(struct st_userfmts *set);

size_t st_userfmts_count(const struct st_userfmts *set);
const struct st_format *st_userfmts_get(const struct st_userfmts *set, size_t i);
/* The set's rules ([change] and [symptom] sections). */
size_t st_userfmts_nrules(const struct st_userfmts *set);
const struct st_rule *st_userfmts_rule(const struct st_userfmts *set, size_t i);

/* Is f a user format? Where was it defined ("FILE:LINE"), or NULL. */
bool st_userfmt_is(const struct st_format *f);
const char *st_userfmt_origin(const struct st_format *f);

/*
 * Explain how user format f reads line: returns 0 and fills *d when it
 * reads it, or a negative code with a sentence in why saying where it
 * fails (the pattern's furthest point in the line, the ts group, the
 * layout's complaint). For `strata formats --explain`: slow, allocates.
 */
int st_userfmt_explain(const struct st_format *f, const struct st_timectx *tc, const char *line,
		       size_t len, struct st_draft *d, struct st_buf *why);

#endif
