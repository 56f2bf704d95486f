/*
 * classify.h: what an event says beyond its text: a change (a deploy, a
 * ConfigMap replaced, an Ansible task that changed a host, a leader
 * elected), a symptom (an exit code, an OOM kill, a refused connection)
 * and the entities a human matches them on (namespace:analytics,
 * configmap:analytics-config, host:prod-batch-01, file:export.sh).
 *
 * Recognition is a pass over the store after ingest (st_classify), never
 * on the ingest path. It reads each event once, in arrival order, and is
 * incremental: a live run calls it again for the events that arrived
 * since. Its results are notes, a sparse table keyed by event sequence
 * number (most events have none): a change note and/or a symptom note per
 * event. A change event also gets kind ST_KIND_CHANGE in the store.
 *
 * Rules are data (struct st_rule): a literal needle that must occur in
 * the text (the cheap prefilter), a PCRE2 pattern with named groups, and
 * templates that build the note's values from those groups. The built-in
 * rules live in parsers/rules/, one file per family; a user adds rules in
 * format files ([change NAME] and [symptom NAME] sections, see userfmt.h).
 *
 * Templates (the values of a rule's action, object, ..., type, detail):
 *   {name}       the named group `name` of the match; failing that, the
 *                value a context rule last captured under that name in
 *                the same source (ansible's TASK [...] before "changed:")
 *   {@key}       the event's field `key` (as -o json shows under fields)
 *   {name:fn}    transformed: lower, kind (k8s kind: "deployment.apps" ->
 *                "deployment", "cm" -> "configmap"), workload (pod or job
 *                name without its hash suffixes), rs (a ReplicaSet's name
 *                without its pod-template hash), exit (an exit code and
 *                its meaning: "126: not executable"), signal (a signal's
 *                symptom type: "KILL" -> "killed"), pkg (a package verb:
 *                "Updated" -> "upgrade"), flag (a flag verb: "turned on"
 *                -> "enable")
 *   A || B       the first alternative all of whose references have a
 *                value; none: the value is null.
 * Any other text is literal. An action is also normalised: lower case and
 * a past participle made a verb ("replaced" -> "replace", "configured" ->
 * "update", "Creation" -> "create").
 *
 * Ownership: notes own their values (copied into their own arena) and
 * their compiled rules; they refer to the store only by sequence number.
 * Rule definitions are borrowed: built-in ones are static, user ones are
 * owned by their st_userfmts set, which must outlive every notes.
 */
#ifndef STRATA_CLASSIFY_H
#define STRATA_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/entity.h"
#include "strata/event.h"
#include "strata/format.h"
#include "strata/util.h"

struct st_store;

enum st_rule_kind {
	ST_RULE_CHANGE = 1,
	ST_RULE_SYMPTOM = 2,
	/* captures named groups as per-source values for later events'
	 * templates; annotates nothing itself */
	ST_RULE_CONTEXT = 3,
};

struct st_rule {
	const char *name;    /* unique, lower case: "k8s-object-verb" */
	uint8_t kind;        /* enum st_rule_kind */
	/* Literals, '|'-separated, each at least 6 bytes: the rule is tried
	 * only on events whose text holds one of them, in any ASCII case.
	 * NULL: tried on every event its format and level let through (give
	 * a format then: the pattern runs on each of those events). */
	const char *needle;
	/* PCRE2, searched anywhere in the text (or in the field's value),
	 * bytes not UTF-8; (?i) etc. inline. Duplicate group names allowed. */
	const char *pattern;
	const char *format;  /* NULL: any; else format names, ','-separated */
	const char *field;   /* NULL: the pattern reads the event's text; else
	                      * the first of these fields (','-separated) */
	uint8_t min_level;   /* enum st_level: the event's level at least this */
	/* change: templates (NULL: see st_classify for the defaults) */
	const char *action, *object, *ns, *host, *actor;
	/* symptom */
	const char *type, *detail;
	const char *origin;  /* "FILE:LINE" for user rules; NULL built-in */
};

/* A family of built-in rules: one file in parsers/rules/. */
struct st_rule_family {
	const char *name;
	const struct st_rule *rules; /* ends with a rule whose name is NULL */
};

/* The built-in families, in the order their rules are tried. */
extern const struct st_rule_family *const st_rule_families[];
extern const size_t st_rule_nfamilies;

/*
 * User rules: added (by st_userfmts_register) before the first
 * st_notes_new, tried before the built-in ones, in the order added. The
 * pointer must stay valid. Returns 0, or ST_ETOOBIG past 1024 rules.
 * st_rules_reset forgets them (tests).
 */
int st_rules_add(const struct st_rule *r);
void st_rules_remove(const struct st_rule *r);
void st_rules_reset(void);
/* The rule named name, user or built-in, or NULL. */
const struct st_rule *st_rule_find(const char *name);

/*
 * Check one rule on its own: the pattern compiles, the needles are long
 * enough, the templates are well formed and name only groups the pattern
 * has (or that some context rule captures), a change has an action and a
 * symptom a type. Returns 0, or ST_EINVAL with sentences in why.
 */
int st_rule_check(const struct st_rule *r, struct st_buf *why);

/*
 * Try rule r alone on a line of text (a format file's sample): 1 when it
 * annotates it (needle and pattern; the values are written to out as
 * "action=... object=..." for messages), 0 when not (why, in out), or
 * ST_EINVAL when the pattern does not compile. Field and format
 * conditions are not applied, and fields ({@key}) have no value.
 */
int st_rule_try(const struct st_rule *r, const char *line, size_t len, struct st_buf *out);

/* ---- notes */

struct st_notes;

/* New empty notes; compiles the rules (user and built-in). */
struct st_notes *st_notes_new(void);
void st_notes_free(struct st_notes *n);

/*
 * Classify the store's events that are not classified yet and come before
 * `end`, in arrival order, each once: notes for the changes and symptoms,
 * and ST_KIND_CHANGE in the store for changes. Metric events are skipped.
 * Cost: one scan of each event's text for the needles; the patterns run
 * only where a needle is found. Returns the number of events classified.
 *
 * Defaults when a rule leaves a change value unset or its template comes
 * out null: actor, the event's field user, actor, tag or program (the
 * tool that logged the change); host and namespace, the event's first
 * host and namespace entity (st_entities_extract: from its fields first,
 * then its text). Hosts are lower-cased.
 */
size_t st_classify(struct st_notes *n, struct st_store *st, uint32_t end);

/* The sequence number before which every event is classified. */
uint32_t st_notes_done(const struct st_notes *n);

struct st_change {
	const char *action, *object, *ns, *host, *actor; /* NULL: unknown */
	const char *rule;
};

struct st_symptom {
	const char *type, *detail; /* detail NULL: none */
	const char *rule;
};

/* Does event seq have a change (symptom) note? Fills *out (pointers into
 * the notes, valid until they are freed). */
bool st_notes_change(const struct st_notes *n, uint32_t seq, struct st_change *out);
bool st_notes_symptom(const struct st_notes *n, uint32_t seq, struct st_symptom *out);

/* The annotated events, in arrival order: count, and the i-th one's seq. */
size_t st_notes_count(const struct st_notes *n);
uint32_t st_notes_seq(const struct st_notes *n, size_t i);

/*
 * The entities of event ev: those its notes imply (a change's object,
 * namespace and host), then st_entities_extract's. fs: its fields, or
 * NULL to extract them here.
 */
void st_notes_entities(const struct st_notes *n, const struct st_event *ev,
                       const struct st_fields *fs, struct st_entities *out);

/*
 * The JSON members print -o json adds to event ev, each after a comma:
 * "change":{...} and "symptom":{...} when it has them, and always
 * "entities":[...]. n may be NULL (no notes: entities only).
 */
void st_notes_json(struct st_buf *b, const struct st_notes *n, const struct st_event *ev,
                   const struct st_fields *fs);

/* ---- entities (src/entities.c) */

/*
 * The entities of an event a human would match on, from its parsed
 * fields (fs, as st_format_fields gives them; may be NULL) and from its
 * text: namespace, workload, pod, container, host, service, unit, path
 * and file, ConfigMap, Secret, feature flag, IP and port, database,
 * terraform resource, package, image. Never allocates; at most
 * ST_ENTITIES_MAX, the first found kept.
 */
void st_entities_extract(const struct st_event *ev, const struct st_fields *fs,
                         struct st_entities *out);

/*
 * The workload a pod, ReplicaSet or Job name belongs to: the length of
 * its prefix without the hash suffixes (session-cache-7f4b8d9c65-xk2mv ->
 * session-cache, daily-rollup-28365600-v9g4r -> daily-rollup). pod: the
 * name is a pod's (a trailing "-<5 chars>" or StatefulSet "-<n>" goes
 * too); else a ReplicaSet's or Job's (only the hash). Returns n when the
 * name has no suffix to remove.
 */
size_t st_workload_len(const char *s, size_t n, bool pod);

/*
 * Add the entities that a Kubernetes-style reference names: kind (any
 * case, "deployment.apps", "cm", "Pod") and name. Returns false when the
 * kind is not one strata knows (nothing is added).
 */
bool st_entities_add_k8s(struct st_entities *es, const char *kind, size_t kn,
                         const char *name, size_t nn);

#endif
