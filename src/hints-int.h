/*
 * hints-int.h: the correlator's insides, shared by src/hints*.c (see
 * strata/hints.h for what it does).
 *
 * Effects and causes are kept in growing arrays owned by struct st_hints;
 * their strings are st_xstrdup'ed and freed with them. Keys (entities and
 * word tokens) are 64-bit hashes: comparing two sets is a few dozen
 * integer compares.
 */
#ifndef STRATA_HINTS_INT_H
#define STRATA_HINTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/classify.h"
#include "strata/context.h"
#include "strata/detect.h"
#include "strata/entity.h"
#include "strata/hints.h"
#include "strata/series.h"
#include "strata/store.h"
#include "strata/template.h"

#define NONE32 UINT32_MAX
#define KEYS_MAX 64
#define EVID_MAX 12
#define SKEW_US (5 * 1000000LL)          /* clocks disagree by this much */
#define SEC_US 1000000LL

/* What a set of keys is matched on: an entity (type and value) weighs 2,
 * a word of one (analytics, exporter) weighs 1. */
struct keyset {
	unsigned n;
	uint64_t h[KEYS_MAX];
	uint8_t w[KEYS_MAX];
};

/* Classes of symptoms, for what kind of change fits them. */
enum eff_class {
	EC_EXEC,    /* 126/127, permission denied: the program cannot run */
	EC_MEMORY,  /* OOM, 137, fork failed */
	EC_VALUE,   /* a number shifted or froze: the data is different */
	EC_STALE,   /* stale reads, two views of one object disagree */
	EC_DNS,
	EC_TLS,
	EC_CONN,    /* refused, reset, timeout, unreachable */
	EC_CRASH,   /* crash loops, panics, unit failed, other exit codes */
	EC_HTTP,    /* 5xx */
	EC_DISK,    /* no space, read-only fs, I/O errors */
	EC_ERROR,   /* an error message kind */
	EC_NODATA,  /* a series went NaN, stopped, or real traffic is zero */
	EC_COUNT
};

/* Classes of changes (bits): what a change touched. */
enum {
	CC_FILEMODE = 1u << 0,  /* a file's mode or owner, a binary deployed */
	CC_MEMORY = 1u << 1,    /* a memory limit or setting */
	CC_CONFIG = 1u << 2,    /* a ConfigMap, Secret, settings file, flag */
	CC_DATABASE = 1u << 3,  /* database name, host, connection settings */
	CC_LEADER = 1u << 4,    /* a leader elected, a primary moved */
	CC_DNS = 1u << 5,
	CC_CERT = 1u << 6,
	CC_NETWORK = 1u << 7,   /* firewall, security group, ports, routes */
	CC_PACKAGE = 1u << 8,   /* a package upgraded */
	CC_DEPLOY = 1u << 9,    /* a new version, image, rollout */
	CC_SCALE = 1u << 10,
	CC_LIFECYCLE = 1u << 11, /* a start, stop, restart, kill: runs, not edits */
	CC_CHECK = 1u << 12,    /* a health check (the cause of "check" hints) */
	CC_INFRA = 1u << 13,    /* infrastructure created or destroyed */
};

enum cause_kind { CK_CHANGE, CK_SETTING, CK_CHECK };

/* What a check or a failure is about (kept in cause.cls above the CC_*
 * bits, and in effect.deps): "database=connected", ":5432 refused". */
enum { DEP_DB = 1u << 24, DEP_CACHE = 1u << 25, DEP_QUEUE = 1u << 26 };
uint32_t dependency_words(const char *s, size_t n);

struct occurrence {
	st_time ts;
	uint32_t seq;
};

#define BURST_OCC_MAX (1u << 20)

struct effect {
	uint8_t cls;            /* enum eff_class */
	const char *type;       /* static: "exit-code", "shift-down", ... */
	st_time at;             /* onset */
	st_time lo;             /* the onset is somewhere in [lo, at] */
	uint32_t seq;           /* the onset's event (NONE32: a context line) */
	uint16_t source;
	uint32_t line;
	uint32_t count;         /* events in it */
	double mag;             /* 0..1: how large and sharp */
	char *text;             /* as a human would say it */
	char *metric;           /* series name, or NULL */
	char *labels;           /* its canonical labels (with metric) */
	bool claims_health;     /* a symptom seen on a health path */
	uint32_t deps;          /* DEP_*: what it is about */
	struct keyset keys;
	bool cx_done;           /* context entities added */
	char *evid[EVID_MAX];   /* its own evidence lines */
	unsigned nevid;
	struct occurrence *occ; /* a log group's events, for bursts (BURST_OCC_MAX) */
	uint32_t nocc, capocc;
	/* ranking */
	int best;               /* best cause, -1 none */
	double best_score;
};

struct cause {
	uint8_t kind;           /* enum cause_kind */
	uint32_t cls;           /* CC_* */
	st_time ts;
	uint32_t seq;           /* NONE32 for a setting without a timeline event */
	uint16_t source;
	uint32_t line;
	char *text;
	char *key;              /* action and object: merging, routine changes */
	uint32_t merged;        /* events merged into it */
	unsigned routine;       /* the same change happened before this many times */
	bool incomplete;        /* started (Creating...) and never finished */
	bool finished;
	struct keyset keys;
	bool cx_done;           /* context entities and evidence added */
	char *evid[EVID_MAX];   /* context lines that describe it */
	unsigned nevid;
};

/* A health check that said all is well: a candidate "check that lies". */
struct check {
	st_time ts;
	uint32_t seq, line;
	uint16_t source;
	uint32_t tpl;
	uint32_t count;
	char *text;
	struct keyset keys;
	uint32_t claims;        /* EC_* bits it claims are fine (database, cache) */
};

/* Something the context files say that a hint may cite: two views of one
 * object that disagree, a health check that ignores its target. */
struct fact {
	uint32_t cls;           /* CC_CHECK, CC_CONFIG (a disagreement) */
	bool stale;             /* two views of one object disagree */
	char *text;
	struct keyset keys;
};

struct src_act {            /* a source's activity: distinct seconds */
	st_time *t;
	size_t n, cap;
	bool unsorted;
};

struct st_hints {
	struct st_store *st;
	struct st_notes *notes;
	struct st_series_set *series;
	struct st_tpls *tpls;
	uint32_t done;           /* events read */
	uint32_t series_from;
	uint32_t *tplid;         /* per event seq: its template, NONE32 */
	size_t tplid_cap;

	struct effect *eff;
	size_t neff, capeff;
	size_t nlog_eff;         /* effects from events (kept across updates) */
	struct cause *cause;
	size_t ncause, capcause;
	size_t nlog_cause;       /* causes from events (kept across updates) */
	struct check *chk;
	size_t nchk, capchk;
	struct src_act *act;
	size_t nact;
	uint8_t *srcflag;        /* per source: 0 not asked, 1 plain, 2 health checks */
	size_t nsrcflag;
	uint64_t *shapes;        /* message shapes: do they name a check? (hints.c) */
	size_t nshapes, capshapes;
	struct fact *facts;
	size_t nfacts, capfacts;
	uint8_t *cx_used;        /* context entries a change's evidence cites */

	/* results */
	struct st_hint *hints;
	size_t nhints;
	struct st_hint *unexpl;
	size_t nunexpl;
	struct st_hint_effect *effs; /* what broke, in onset order */
	size_t neffs;
	char **strs;             /* strings the results own */
	size_t nstrs, capstrs;
	uint64_t sig;            /* a hash of the results: did they change? */
	double seconds;
};

/* keys (hints.c) */
void keys_add_entity(struct keyset *k, unsigned type, const char *v, size_t n);
void keys_add_words(struct keyset *k, const char *s, size_t n, uint8_t w);
void keys_add_entities(struct keyset *k, const struct st_entities *es);
void keys_merge(struct keyset *k, const struct keyset *from);
bool keys_has(const struct keyset *k, uint64_t h);

/* the text of an event as a human reads it: its message, without the
 * time and level prefix where the format says where the message starts */
void event_message(const struct st_store *st, const struct st_event *ev, struct st_buf *out);
void human_num(double v, struct st_buf *b);   /* 3.25M, 14,293, 0.003 */
void human_exact(double v, struct st_buf *b); /* 58,720,256 */
void human_time(st_time t, struct st_buf *b);
void human_dur(double s, struct st_buf *b);
struct effect *effect_new(struct st_hints *h);
struct cause *cause_new(struct st_hints *h);
void effect_evid(struct effect *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cause_evid(struct cause *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *src_name(const struct st_hints *h, unsigned src);
/* Does s (n bytes) hold needle (lower case), in any ASCII case? */
bool has_ci(const char *s, size_t n, const char *needle);

/*
 * The ranking runs in steps (hints.c drives them, so that the viewer can
 * spread it over its loop passes): each call does one bounded piece of
 * its phase and returns true when the phase is over. A step's cursor is
 * 0 (or NULL) at the phase's start; the *_abort calls free a phase left
 * half done.
 */
/* metric and number effects (hints-metric.c) */
struct param_job;
bool hints_metric_step(struct st_hints *h, size_t *i);
bool hints_param_step(struct st_hints *h, struct param_job **pj);
void hints_param_abort(struct param_job **pj);
bool hints_burst_step(struct st_hints *h, size_t *i);

/* context: settings as causes, views that disagree (hints-context.c) */
bool hints_context_step(struct st_hints *h, size_t *i);
uint32_t classify_words(const char *s, size_t n);
void facts_clear(struct st_hints *h);

/* scoring and the results (hints-rank.c) */
struct rank_job;
bool hints_rank_step(struct st_hints *h, struct rank_job **rj);
void hints_rank_abort(struct rank_job **rj);
st_time src_next_activity(struct st_hints *h, unsigned src, st_time after, st_time before);

#endif
