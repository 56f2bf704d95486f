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

struct st_event;
struct st_series_set;
struct st_store;
struct st_notes;

enum st_confidence { ST_CONF_NONE, ST_CONF_LOW, ST_CONF_MEDIUM, ST_CONF_HIGH };

/* Where a claim can be checked: a line of a source (ts ST_TIME_NONE for
 * a line of a context file, which has no time). */
struct st_hint_ref {
	st_time ts;
	unsigned source;     /* the store's source index */
	uint32_t line;
	uint32_t seq;        /* its event in the store, ST_HINT_NOSEQ for a
	                      * line of a context file */
	const char *text;    /* the claim as a human would say it */
};
#define ST_HINT_NOSEQ UINT32_MAX

/* Why a cause was ranked for its effect: the parts of the pair's score
 * (strata/hints-rank.c says how each is measured), for a report to say. */
struct st_hint_why {
	double time;      /* 0..1: how promptly the effect followed */
	double entities;  /* 0..1: the rare names they share */
	double fit;       /* 0..1: the kind of change against the kind of symptom */
	double size;      /* 0..1: the effect's magnitude and sharpness */
	unsigned routine; /* the same change was made this many times before */
	unsigned rivals;  /* other causes that could explain the effect */
	unsigned effects; /* effects this cause explains best (1 and more) */
	bool first_run;   /* the lag counts from the effect source's first
	                   * activity after the cause (a nightly job) */
	bool within;      /* the cause falls inside the effect's onset interval */
	bool incomplete;  /* the change started and never completed */
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
	struct st_hint_why why;  /* (has_cause only) */
};

/* A symptom or anomaly the correlator found (what broke), explained by a
 * hint or not. Small unexplained ones (a single odd line) are left out,
 * as they are from the unexplained list. */
struct st_hint_effect {
	st_time at;              /* onset */
	st_time lo;              /* the onset is somewhere in [lo, at] */
	unsigned source;
	uint32_t line, seq;
	const char *type;        /* "exit-code", "shift-down", "burst", ... */
	const char *text;
	const char *metric;      /* a metric series' name and canonical labels */
	const char *labels;      /* ("" none), or both NULL */
	uint32_t count;          /* events (points) in it */
	unsigned hint;           /* the rank of the hint that explains it, 0 none */
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

/* What broke, in onset order (then source, line). */
size_t st_hints_effect_count(const struct st_hints *h);
const struct st_hint_effect *st_hints_effect(const struct st_hints *h, size_t i);

/* The metric series the last ranking read (strata/series.h), for showing
 * an effect's series: valid until the next ranking begins. */
const struct st_series_set *st_hints_series(const struct st_hints *h);

const char *st_confidence_name(enum st_confidence c);

/* An event's message as a human reads it (without the time and level
 * its format puts first; a JSON or logfmt record's msg), added to out. */
void st_event_message(const struct st_store *st, const struct st_event *ev, struct st_buf *out);
/* Numbers and durations as the hints write them: 3.25M, 14,293, 0.003;
 * 6 s, 2 min, 1.5 h, 2.0 days. */
void st_human_num(double v, struct st_buf *b);
void st_human_dur(double s, struct st_buf *b);

/* Counts for stats and the benchmark: events read, effects and causes
 * found, seconds spent in the last update. */
struct st_hints_stats {
	uint64_t events;
	size_t effects, causes, templates, series;
	double seconds;
};
void st_hints_stats(const struct st_hints *h, struct st_hints_stats *out);

#endif
