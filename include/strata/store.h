/*
 * store.h: the event store, append-only, with an ordered index.
 *
 * Ownership: the store owns every event and all event text. Text lives in
 * large arena blocks, each owned by one source, or in a read-only mapping
 * of the source's file that the store adopted (st_store_adopt_map): text
 * inside it is referenced, not copied. Events are never freed one by one
 * and everything handed out (struct st_event.text, source names) lives
 * until st_store_free, which also unmaps. Only the loop thread touches a
 * store.
 *
 * Cost: each event takes 24 bytes beside its text: a 16-byte record
 * (time; text offset, length, level, kind and flags packed in 64 bits), its
 * 4-byte first line number and its 4-byte slot in the ordered index. The
 * source of an event is the owner of the arena block its text is in and
 * its format comes from the source's (rarely changing) format runs, so
 * neither costs a byte per event.
 *
 * Order: by (time, source, line, arrival), untimed events first. Appends
 * that do not go back in time (the common case, one source replaying a
 * file) extend the index directly; an event that belongs earlier waits in
 * a pending list that st_store_order sorts (a natural merge sort, cheap
 * for the sorted runs that several sources produce) and merges in.
 */
#ifndef STRATA_STORE_H
#define STRATA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "strata/event.h"
#include "strata/format.h"

#define ST_TEXT_MAX ((1u << 21) - 1) /* bytes of text one event can hold */
#define ST_SOURCES_MAX 65535u

struct st_store;

struct st_store *st_store_new(void);
void st_store_free(struct st_store *st);

/* Register a source; returns its index, or ST_ETOOBIG past ST_SOURCES_MAX. */
int st_store_add_source(struct st_store *st, const char *name);
size_t st_store_nsources(const struct st_store *st);
const char *st_store_source_name(const struct st_store *st, unsigned src);

/*
 * Append one event of source src whose record starts at line `line` with
 * the given text (truncated to ST_TEXT_MAX, flagged). Returns its sequence
 * number. Aborts when the store's 64 GiB of text or 2^32 events are
 * exhausted: no partial state is left to recover.
 */
uint32_t st_store_append(struct st_store *st, unsigned src, uint32_t line,
                         const struct st_draft *d, unsigned format,
                         unsigned flags, const char *text, size_t len);

/*
 * Add a continuation line to the newest event of source src ('\n' then
 * text). Text past ST_TEXT_MAX is dropped and the event flagged truncated;
 * returns the number of bytes dropped.
 */
size_t st_store_extend(struct st_store *st, unsigned src, const char *text,
                       size_t len);

/* Add flags (ST_EV_*) to the newest event of source src. */
void st_store_flag(struct st_store *st, unsigned src, unsigned flags);
/* Add flags (ST_EV_*) to event seq. */
void st_store_flag_seq(struct st_store *st, uint32_t seq, unsigned flags);
/* Set event seq's kind (enum st_kind): a pass after ingest that finds a
 * change in a log line (classify.h) marks it so. */
void st_store_set_kind(struct st_store *st, uint32_t seq, enum st_kind kind);
enum st_kind st_store_kind(const struct st_store *st, uint32_t seq);
/* The newest event of source src (it may still grow continuation lines),
 * or UINT32_MAX when it has none. */
uint32_t st_store_last(const struct st_store *st, unsigned src);

/*
 * Give the store a read-only mapping of source src's file (from mmap). It
 * becomes the source's current block: events appended from then on whose
 * text lies inside it point into it, and a continuation line inside it
 * extends the event to the end of that line (blank lines between them
 * included). The store munmaps it when freed.
 */
void st_store_adopt_map(struct st_store *st, unsigned src, const char *map, size_t size);

size_t st_store_count(const struct st_store *st);
/* Event seq's time, and the order of two events (time, source, line,
 * arrival: <0, 0, >0), without unpacking them. */
st_time st_store_ts(const struct st_store *st, uint32_t seq);
int st_store_key_cmp(const struct st_store *st, uint32_t a, uint32_t b);
void st_store_get(const struct st_store *st, uint32_t seq, struct st_event *ev);

/*
 * The ordered index: n sequence numbers in time order. Merges pending
 * out-of-order events first. The array is valid until the next append.
 */
const uint32_t *st_store_order(struct st_store *st, size_t *n);

/*
 * The index of the run's context files (strata/context.h): created on
 * first use by the ingest of a context file, freed with the store.
 * st_store_context_get returns NULL while there is none.
 */
struct st_context *st_store_context(struct st_store *st);
const struct st_context *st_store_context_get(const struct st_store *st);

/* What the store holds, in bytes (for stats and benchmarks). */
struct st_store_mem {
	size_t index;  /* records, line numbers, ordered index, page table: in use */
	size_t index_reserved; /* the same, allocated (arrays grow by doubling;
	                        * untouched capacity costs address space only) */
	size_t arena;  /* arena blocks for copied text (allocated, used or not) */
	size_t mapped; /* adopted file mappings */
};
void st_store_memory(const struct st_store *st, struct st_store_mem *m);

#endif
