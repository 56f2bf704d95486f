/*
 * context-int.h: the context index's arrays and the reader state shared
 * by its units: context.c (the index), context-entities.c (what a setting
 * names), context-detect.c, and the dialect readers context-yaml.c,
 * context-hcl.c and context-ini.c. See strata/context.h for what is
 * indexed.
 *
 * The index is a handful of arrays that grow by doubling: files, entries
 * (one per indexed line), blocks ("scopes": a YAML document, section or
 * list item, an HCL block, an INI section, the file itself; each knows
 * its parent, so a line's blocks are a chain up to its file), entity
 * records and one byte pool for key paths, values and entity values. An
 * entry's own entities are contiguous; a block's are a linked list (it
 * collects them while its lines arrive, interleaved with its children's),
 * capped at ST_CONTEXT_BLOCK_ENTITIES so adding stays cheap.
 *
 * A reader (one per context file, fixed size) holds the parse state: the
 * stack of open levels with the key path they make, and the multi-line
 * value in progress. With cx NULL a reader only classifies lines: that is
 * how detection tries each dialect on a file's first lines.
 */
#ifndef STRATA_CONTEXT_INT_H
#define STRATA_CONTEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/context.h"
#include "strata/entity.h"

#define CX_NONE UINT32_MAX

struct cx_ent {
	uint32_t off;   /* value in the pool */
	uint16_t len;
	uint8_t type;   /* enum st_entity_type */
	uint32_t next;  /* next of a block's list, or CX_NONE */
};

enum {
	SC_OBJECT = 1 << 0,  /* a k8s object (kind:) or a Terraform resource */
	SC_FLAGS = 1 << 1,   /* its name says feature flags: data keys are flags */
	SC_SECTION = 1 << 2, /* a top-level YAML section (helm values' component) */
	SC_CONTAINERS = 1 << 3, /* an item of a containers: list */
	SC_TF_K8S = 1 << 4,  /* a kubernetes_* Terraform resource */
};

struct cx_scope {
	uint32_t parent;    /* CX_NONE for a file's root */
	uint32_t line;      /* where it starts (0: the file) */
	uint32_t ents;      /* head of its entity list */
	uint16_t nents;
	uint8_t flags;      /* SC_* */
	uint8_t name_type;  /* the entity type its object name takes, 0xff unknown */
	uint32_t label_off, label_len; /* section key, k8s kind, or TF resource type */
	uint32_t name_off, name_len;   /* k8s metadata.name seen before kind */
};

struct cx_entry {
	uint32_t file;
	uint32_t line;
	uint32_t scope;     /* innermost block */
	uint32_t key_off, key_len;
	uint32_t val_off, val_len;
	uint32_t ent_first; /* its own entities: ents[ent_first .. +nent) */
	uint16_t nent;
};

struct cx_reader;

struct cx_file {
	unsigned src;
	uint8_t dialect;
	uint32_t root;      /* its root scope */
	uint64_t lines, dropped;
	size_t entries;
	struct cx_reader *rd;
};

struct st_context {
	struct cx_file *files;
	size_t nfiles, capfiles;
	struct cx_entry *entries;
	size_t nentries, capentries;
	struct cx_scope *scopes;
	size_t nscopes, capscopes;
	struct cx_ent *ents;
	size_t nents, capents;
	char *pool;
	size_t npool, cappool;
};

/* ---- readers */

enum cx_class { CX_NEUTRAL, CX_CONFIG, CX_OTHER };

enum cx_level_kind { LV_KEY, LV_ITEM, LV_BLOCK, LV_MAP, LV_SECTION };

struct cx_level {
	int indent;         /* YAML: column of its key or '-'; others: unused */
	uint16_t plen;      /* path length with its segment */
	uint8_t kind;       /* enum cx_level_kind */
	uint32_t scope;     /* the block it opened, or CX_NONE */
	uint32_t items;     /* list items seen directly under it */
};

enum cx_multi { ML_NONE, ML_YAML_BLOCK, ML_YAML_PLAIN, ML_HEREDOC, ML_COMMENT, ML_CONT };

struct cx_reader {
	struct st_context *cx; /* NULL: classify only (detection) */
	uint32_t file;
	uint8_t dialect;
	bool directives;    /* .conf/.cfg: "key value" lines are settings */
	uint32_t lineno;
	uint32_t root;      /* the file's scope */
	uint32_t doc;       /* YAML: the document's scope, CX_NONE before one */
	uint32_t top_items; /* YAML: items of a top-level list */
	struct cx_level lv[ST_CONTEXT_DEPTH_MAX];
	unsigned depth;
	unsigned flat;      /* levels not pushed (deeper than the stack) still open */
	char path[ST_CONTEXT_PATH_MAX + 1];
	size_t plen;
	/* a value over several lines (enum cx_multi) */
	uint8_t multi;
	int multi_indent;   /* YAML: its key's column */
	size_t multi_plen;  /* the path of its key */
	char delim[32];     /* HCL heredoc end marker */
	size_t dlen;
	/* shape, for detection */
	unsigned config, other, structure, ansible;
	bool top_list;      /* YAML: the first content line is a list item */
	bool seen;          /* a content line was read */
};

void cx_reader_init(struct cx_reader *r, struct st_context *cx, uint32_t file,
                    enum st_context_dialect d, bool directives);
/* One line of r's dialect: its class (and, with r->cx, its entries). */
enum cx_class cx_read_line(struct cx_reader *r, const char *s, size_t n);

enum cx_class cx_yaml_line(struct cx_reader *r, const char *s, size_t n);
enum cx_class cx_hcl_line(struct cx_reader *r, const char *s, size_t n);
enum cx_class cx_ini_line(struct cx_reader *r, const char *s, size_t n);

/* Path: append ".seg" (or "seg" at the start, "[seg]" for items), cut at
 * ST_CONTEXT_PATH_MAX; returns the old length to truncate back to. */
size_t cx_path_push(struct cx_reader *r, const char *seg, size_t n, bool item);

/* Push a level whose segment is already on the path; false when the stack
 * is full: the caller drops the segment, and a reader that closes levels
 * by a closing token (HCL's '}') counts it in flat, which the next
 * cx_level_pop takes first. */
bool cx_level_push(struct cx_reader *r, enum cx_level_kind kind, int indent, uint32_t scope);
void cx_level_pop(struct cx_reader *r);

/* The innermost open block (a level's, else the document, else the file). */
uint32_t cx_inner_scope(const struct cx_reader *r);
/* Open a block under the innermost one, starting at the current line. */
uint32_t cx_scope_open(struct cx_reader *r, unsigned flags);
void cx_scope_label(struct cx_reader *r, uint32_t sc, const char *s, size_t n);
void cx_scope_add(struct cx_reader *r, uint32_t sc, enum st_entity_type t, const char *v, size_t n);

/* A Terraform resource, data source or module block: its address is a
 * resource: entity; a kubernetes_* resource's metadata names a k8s object,
 * one whose name says flags has flags for data keys. */
void cx_tf_object(struct cx_reader *r, uint32_t sc, const char *addr, size_t an, const char *type,
                  size_t tn, const char *name, size_t nn);

/*
 * A line that sets key (the last segment, already on r->path) to value
 * (as written): its entities by the key and the value's shape, the
 * object rules of the blocks around it (kind/metadata.name, Terraform
 * kubernetes_* metadata, flags, helm components), and one entry.
 */
void cx_setting(struct cx_reader *r, const char *key, size_t klen, const char *val, size_t vlen);
/* A line that is part of the value of the key on r->path (a YAML block
 * scalar, a heredoc, a continued line, an unrecognised line). */
void cx_value_line(struct cx_reader *r, const char *val, size_t vlen);

/* The index (context.c): a copy of s[0..n) and a NUL in the pool (its
 * offset); an entry for the current line with its own entities, which its
 * innermost block also gets. */
uint32_t cx_pool_add(struct st_context *cx, const char *s, size_t n);
void cx_emit(struct cx_reader *r, const char *val, size_t vlen, const struct st_entities *own);

/* context-entities.c: unit:NAME when the base name of v ends in a unit
 * type (.service, .timer, ...) */
void cx_add_unit_name(struct st_entities *out, const char *v, size_t n);

/* context-detect.c: what a source's name says */
struct cx_name {
	int dialect;      /* -1: none known; -2: choose by content (.conf, .cfg) */
	bool directives;  /* "key value" lines are settings */
	bool log;         /* a log's extension: never context */
	const char *base; /* the base name (NULL for stdin, cmd:, URLs), and its */
	size_t blen;      /* length without compression and template suffixes */
};
struct cx_name cx_name_info(const char *name);

/* Small string helpers */
static inline bool
cx_space(char c)
{
	return c == ' ' || c == '\t';
}

static inline void
cx_trim(const char **s, size_t *n)
{
	while (*n > 0 && cx_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (cx_space((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* s[0..n) equals lit ignoring ASCII case (lit in lower case) */
static inline char
cx_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static inline bool
cx_is_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* s[0..n) contains lit (exactly; ignoring case, lit in lower case) */
bool cx_contains(const char *s, size_t n, const char *lit);
bool cx_icontains(const char *s, size_t n, const char *lit);

bool cx_ieq(const char *s, size_t n, const char *lit);
/* prefix (exact) and suffix (ignoring case, lit in lower case) of length l;
 * cx_starts and cx_ends take a string literal ("" makes anything else an
 * error) and know its length at compile time */
bool cx_starts_n(const char *s, size_t n, const char *lit, size_t l);
bool cx_ends_n(const char *s, size_t n, const char *lit, size_t l);
#define cx_starts(s, n, lit) cx_starts_n((s), (n), "" lit, sizeof("" lit) - 1)
#define cx_ends(s, n, lit) cx_ends_n((s), (n), "" lit, sizeof("" lit) - 1)

/* s[0..n) equals one of list (NULL-terminated, lower case), ignoring case */
bool cx_in_list(const char *s, size_t n, const char *const *list);

#endif
