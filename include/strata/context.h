/*
 * context.h: configuration files given as sources, indexed so that hints
 * can cite them.
 *
 * A YAML manifest, a Helm values file, an Ansible playbook, a Terraform
 * (HCL) file or an INI file (a systemd unit, a TOML or .conf file) has no
 * time: it is not a timeline event but the state that events happen in.
 * The ingest recognises such a source (st_context_detect, by its name and
 * its first lines: a file whose lines carry times is always a log) and
 * hands its lines here instead of to the store's events. Each line that
 * sets something becomes an entry:
 *
 *   (file, line, key path, value, entities)
 *   deploy-exporter.yml:8  [Deploy data exporter binary].ansible.builtin.copy.mode = "0644"
 *   failover.tf:21  aws_route53_record.api_failover_secondary.alias.evaluate_target_health = false
 *   data-exporter.service:4  Service.ExecStart = /opt/data-exporter/bin/export.sh
 *
 * Key paths: YAML keys joined by '.', a list item as [its name] when its
 * first key is name:, else as [its index]; HCL blocks by their Terraform
 * address (resource "t" "n" -> t.n, data.t.n, module.m, var.v) then
 * nested block and attribute names; INI section then key. A line inside
 * a YAML block scalar (key: |), an HCL heredoc or a continued INI value is
 * an entry of its key too.
 *
 * Entities (strata/entity.h) come from the line itself (a dest: path
 * gives path:/opt/.../export.sh and file:export.sh, DB_HOST: a host, a
 * value ending in .service a unit, ...) and from the blocks around it,
 * which collect the entities of their lines: a YAML document or list item
 * (an Ansible task, a container), a top-level YAML section, an HCL block,
 * an INI section, the file. So the `mode: "0644"` line, which names no
 * file, carries file:export.sh from its task's dest:, and a container's
 * `memory: 64Mi` the workload and namespace of its manifest (kind and
 * metadata.name, in either order) and the container's name and image.
 *
 * Cost: parsing is line based and tolerant (no YAML library, any input is
 * indexed without failing), never allocates per line: entries, blocks,
 * entities and the bytes of keys and values go into arrays that grow by
 * doubling. A reader's state is one fixed-size struct per context file.
 * Limits: key paths are cut at ST_CONTEXT_PATH_MAX bytes, values at
 * ST_CONTEXT_VALUE_MAX, nesting deeper than ST_CONTEXT_DEPTH_MAX is
 * flattened, a block keeps at most ST_CONTEXT_BLOCK_ENTITIES entities,
 * and once the index holds ST_CONTEXT_BYTES_MAX bytes further lines are
 * counted (dropped) but not indexed.
 *
 * Ownership: the store owns its context index (st_store_context) and
 * frees it with itself; everything handed out points into the index and
 * lives as long as the store. Only the loop thread touches it.
 */
#ifndef STRATA_CONTEXT_H
#define STRATA_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/entity.h"
#include "strata/stime.h"

#define ST_CONTEXT_PATH_MAX 512
#define ST_CONTEXT_VALUE_MAX 4096
#define ST_CONTEXT_DEPTH_MAX 48
#define ST_CONTEXT_BLOCK_ENTITIES 64
#define ST_CONTEXT_BYTES_MAX ((size_t)1 << 30)

enum st_context_dialect {
	ST_CX_YAML,
	ST_CX_ANSIBLE, /* YAML whose top level is a list of plays or tasks */
	ST_CX_HCL,     /* Terraform; also nginx-style "name args { ... }" files */
	ST_CX_INI,     /* [section] key=value: systemd units, TOML, .cfg, .conf */
	ST_CX_COUNT
};

/* "yaml", "ansible", "hcl", "ini" */
const char *st_context_dialect_name(enum st_context_dialect d);

struct st_context;

struct st_context *st_context_new(void);
void st_context_free(struct st_context *cx);

/*
 * Is this source a context file? name: the source's name (its extension
 * decides when it has a known one: .yaml .yml .tf .tfvars .hcl .ini .cfg
 * .conf .toml .service and other unit types, also under .j2/.tmpl and
 * .gz/.zst); lines: its first n non-blank lines (what detection saw);
 * format: the log format detection picked for them (-1 for none). A file
 * is never context when that format dates half of its lines that are not
 * comments (a quarter when only the content speaks). Without a known
 * extension the lines must have the dialect's shape (nested YAML, an INI
 * [section], an HCL block) nearly all through. Returns the dialect, or
 * -1: read it as a log.
 */
int st_context_detect(const char *name, int format, const char *const *lines,
                      const size_t *lens, size_t n);

/*
 * Start indexing source src (its name as the store has it) in dialect d;
 * returns the context file's number for st_context_line.
 */
int st_context_open(struct st_context *cx, unsigned src, const char *name,
                    enum st_context_dialect d);
/* The next line (lineno from 1, without its newline) of context file f. */
void st_context_line(struct st_context *cx, int f, uint32_t lineno, const char *s, size_t n);

/* ---- what was indexed */

struct st_context_file {
	unsigned source;         /* store source index */
	enum st_context_dialect dialect;
	const char *format;      /* "context:yaml", ... (as stats shows it) */
	uint64_t lines;          /* non-blank lines read */
	size_t entries;          /* entries indexed */
	uint64_t dropped;        /* lines not indexed: the index was full */
};

size_t st_context_nfiles(const struct st_context *cx);
void st_context_file_get(const struct st_context *cx, size_t i, struct st_context_file *out);
/* The context file of store source src; false when src is not one (or cx is NULL). */
bool st_context_source(const struct st_context *cx, unsigned src, struct st_context_file *out);

struct st_context_entry {
	unsigned source;         /* store source index */
	uint32_t line;           /* 1-based */
	uint32_t block_line;     /* where its innermost block starts (task,
	                          * resource, section), 0 when it has none */
	const char *key;         /* key path, NUL-terminated */
	const char *value;       /* as written (quotes kept), NUL-terminated */
	size_t klen, vlen;
};

size_t st_context_count(const struct st_context *cx);
void st_context_get(const struct st_context *cx, size_t i, struct st_context_entry *out);

/*
 * The entities of entry i: those its line names first, then those of its
 * blocks, innermost first (deduplicated, up to ST_ENTITIES_MAX). Returns
 * how many of them are the line's own.
 */
unsigned st_context_entities(const struct st_context *cx, size_t i, struct st_entities *out);

/* The value without its quotes (YAML/HCL "..." or '...'), in place. */
void st_context_unquote(const char *v, size_t n, const char **out, size_t *outlen);

/*
 * The lookup for hints: every entry whose entities overlap want (same
 * type and value), file by file in source order, each in line order.
 * depth says how close the match is: 0 when the line itself names a
 * wanted entity, 1 when its innermost block does (the task around a
 * mode: line), 2 the block around that, ..., up to the file. want NULL:
 * every entry (depth 0). Writes at most max hits and returns how many
 * there are. Linear in the size of the index (and a sort of the hits).
 */
struct st_context_hit {
	size_t entry;
	unsigned depth;
};
size_t st_context_lookup(const struct st_context *cx, const struct st_entities *want,
                         struct st_context_hit *hits, size_t max);

#endif
