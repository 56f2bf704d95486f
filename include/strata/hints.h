/*
 * hints.h: the correlator. It reads the store (events, their notes, the
 * metric series, the context files) and says which change most likely
 * explains which symptom, with the evidence a responder can check.
 *
 * Two lists come out of it:
 *   effects  what went wrong, each with its onset: a recognised symptom
 *            (exit 126, OOMKilled, connection refused), an error message
 *            kind that is new or bursts, a metric series that shifted,
 *            froze, went NaN or to zero, a number in a log message that
 *            shifted or froze, real traffic at zero while health checks
 *            flow;
 *   causes   what could explain them: a change event (a ConfigMap
 *            replaced, an Ansible task that changed a host, a leader
 *            elected, a terraform create that never completed), a setting
 *            in a context file (a 64Mi memory limit), or a check that
 *            reports healthy while the real work fails.
 * Each (cause, effect) pair is scored from the time between them (to the
 * first activity of the effect's source after the cause, so a nightly job
 * that fails at its first run after an evening change counts as prompt),
 * the entities they share weighted by rarity (a host every event names
 * says little; a file or ConfigMap says much), how well the kind of
 * change fits the kind of symptom (a file mode and exit 126, a memory
 * limit and OOM, a leader change and stale reads), the symptom's size,
 * and penalties: a change that happened before without the symptom, many
 * competing candidates (explaining away). A hint is a cause with the
 * effects it explains best, its score that of its strongest effect raised
 * a little by each corroborating one. Effects no cause explains with at
 * least low confidence are unexplained, never forced onto a change.
 *
 * Updating: st_hints_update reads the events that arrived since the last
 * call (classify, series and template passes are incremental) and then
 * ranks again, all at once; the viewer does the same in slices
 * (st_hints_read, st_hints_rank_step).
 *
 * Ownership: the hints own everything they hand out (texts, evidence):
 * copies made when a ranking ends, valid until the next ranking ends
 * (st_hints_update, or st_hints_rank_step returning true) or st_hints_free.
 * They refer to the store by source and line; the store must outlive them.
 */
#ifndef STRATA_HINTS_H
#define STRATA_HINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/stime.h"
#include "strata/util.h"

struct st_store;
struct st_notes;

enum st_confidence { ST_CONF_NONE, ST_CONF_LOW, ST_CONF_MEDIUM, ST_CONF_HIGH };

/* Where a claim can be checked: a line of a source (ts ST_TIME_NONE for
 * a line of a context file, which has no time). */
struct st_hint_ref {
	st_time ts;
	unsigned source;     /* the store's source index */
	uint32_t line;
	const char *text;    /* the claim as a human would say it */
};

struct st_hint {
	unsigned rank;           /* from 1 */
	enum st_confidence confidence;
	double score;            /* 0..1 */
	bool has_cause;          /* false: an unexplained symptom */
	const char *cause_kind;  /* "change", "setting", "check" */
	struct st_hint_ref cause;
	struct st_hint_ref effect;
	const char *metric;      /* the effect's series name, or NULL */
	const char *effect_type; /* "exit-code", "shift-down", "frozen", ... */
	double lag_s;            /* effect - cause, seconds */
	const char *summary;     /* one sentence */
	size_t nevidence;
	const char *const *evidence; /* "source:line: what it shows" */
};

struct st_hints;

/* notes: the store's classification (st_notes_new); borrowed. */
struct st_hints *st_hints_new(struct st_store *st, struct st_notes *notes);
void st_hints_free(struct st_hints *h);

/*
 * Read the events that arrived since the last call and rank again.
 * Returns true when the hints (or unexplained symptoms) changed.
 */
bool st_hints_update(struct st_hints *h);

/*
 * The same in slices, for a front end that must never stall (the viewer):
 * st_hints_read reads at most max_events of the events that arrived and
 * returns true when all are read; st_hints_rank_begin starts a ranking of
 * the events read so far, and st_hints_rank_step works on it for about
 * budget_us (a step is a bounded piece: a slice of events, of causes, one
 * template or metric series) and returns true when it is done, its
 * results now the ones st_hints_get gives. Until then they are the last
 * ranking's. st_hints_read reads nothing while a ranking is under way.
 * At ten million events with tens of thousands of routine changes a
 * ranking is about half a second of work, so it must not run at once.
 */
bool st_hints_read(struct st_hints *h, uint32_t max_events);
void st_hints_rank_begin(struct st_hints *h);
bool st_hints_rank_step(struct st_hints *h, uint64_t budget_us);
bool st_hints_ranking(const struct st_hints *h);

/* The ranked hints with at least low confidence, best first. */
size_t st_hints_count(const struct st_hints *h);
const struct st_hint *st_hints_get(const struct st_hints *h, size_t i);

/* The symptoms no hint explains, in time order (has_cause false). */
size_t st_hints_unexplained_count(const struct st_hints *h);
const struct st_hint *st_hints_unexplained(const struct st_hints *h, size_t i);

const char *st_confidence_name(enum st_confidence c);

/* Counts for stats and the benchmark: events read, effects and causes
 * found, seconds spent in the last update. */
struct st_hints_stats {
	uint64_t events;
	size_t effects, causes, templates, series;
	double seconds;
};
void st_hints_stats(const struct st_hints *h, struct st_hints_stats *out);

#endif
