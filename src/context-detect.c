/*
 * context-detect.c: is a source a context file, and in which dialect
 * (st_context_detect, see strata/context.h)?
 *
 * The name speaks first: a known extension (under .gz/.zst and template
 * suffixes such as .j2) names the dialect; .conf/.cfg/.cnf files take
 * whichever of YAML, HCL and INI reads them best (INI with "key value"
 * directives); a log's extension (.log, .json, .prom, ...) is never
 * context. Then the content: each dialect's reader runs without an index
 * (cx_reader with cx NULL) over the first lines detection saw and counts
 * settings, other lines and structure (nesting, sections, blocks). A
 * file is a log, whatever its name, when the log format detection picked
 * dates half of the lines that are not comments (a metric sample counts
 * as no date: without a stamp of its own it takes the file's time, and
 * "name value" is also a directive). Without a name to go by, nearly
 * every line must have the dialect's shape, with some structure, and a
 * quarter dated makes it a log. YAML whose top level is a list of items
 * with Ansible's keys (hosts:, tasks:, ansible.builtin.*, notify:, ...)
 * is a playbook.
 *
 * Cost: once per source, three readers over at most 64 lines.
 */
#include <string.h>

#include "context-int.h"
#include "strata/format.h"
#include "strata/util.h"

/* ---- names */

struct cx_name
cx_name_info(const char *name)
{
	struct cx_name x = {.dialect = -1};
	if (name == NULL || strcmp(name, "-") == 0 || strncmp(name, "cmd:", 4) == 0 ||
	    strstr(name, "://") != NULL)
		return x;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t n = strlen(base);
	static const char *const wrappers[] = {".gz", ".zst", ".bz2", ".xz", ".j2", ".jinja",
	                                       ".jinja2", ".tmpl", ".tpl", ".template", NULL};
	for (bool again = true; again;) {
		again = false;
		for (const char *const *w = wrappers; *w; w++)
			if (n > strlen(*w) + 1 && cx_ends_n(base, n, *w, strlen(*w))) {
				n -= strlen(*w);
				again = true;
			}
	}
	x.base = base;
	x.blen = n;
	const char *dot = NULL;
	for (size_t i = n; i-- > 1;)
		if (base[i] == '.') {
			dot = base + i + 1;
			break;
		}
	if (dot == NULL)
		return x;
	size_t en = (size_t)(base + n - dot);
	static const char *const yaml[] = {"yaml", "yml", NULL};
	static const char *const hcl[] = {"tf", "tfvars", "hcl", "nomad", NULL};
	static const char *const ini[] = {"ini", "toml", "service", "socket", "timer", "mount",
	                                  "path", "target", "network", "netdev", "link", "slice",
	                                  "automount", "swap", "desktop", NULL};
	static const char *const conf[] = {"conf", "cfg", "cnf", NULL};
	static const char *const logs[] = {"log", "jsonl", "ndjson", "json", "prom", "csv", "tsv",
	                                   "out", "err", "evtx", NULL};
	if (cx_in_list(dot, en, yaml))
		x.dialect = ST_CX_YAML;
	else if (cx_in_list(dot, en, hcl))
		x.dialect = ST_CX_HCL;
	else if (cx_in_list(dot, en, ini))
		x.dialect = ST_CX_INI;
	else if (cx_in_list(dot, en, conf)) {
		x.dialect = -2;
		x.directives = true;
	} else if (cx_in_list(dot, en, logs))
		x.log = true;
	return x;
}

/* ---- detection */

#define DETECT_LINES 64

struct shape {
	unsigned config, other, structure, ansible, dated;
	bool top_list;
};

static bool
ansible_shape(const struct shape *s)
{
	return s->top_list && s->ansible >= 2;
}

int
st_context_detect(const char *name, int format, const char *const *lines, const size_t *lens,
                  size_t n)
{
	struct cx_name x = cx_name_info(name);
	if (x.log)
		return -1;
	if (n > DETECT_LINES)
		n = DETECT_LINES;
	if (n == 0)
		return x.dialect >= 0 ? x.dialect : x.dialect == -2 ? ST_CX_INI : -1;
	/* which lines the log format dates (a metric sample is no dated
	 * line: without a stamp of its own it takes the file's time, and
	 * "name value" is also a .conf file's directive) */
	bool dated[DETECT_LINES] = {false};
	if (format >= 0 && (size_t)format < st_format_count()) {
		const struct st_format *f = st_format_get((size_t)format);
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, 0);
		for (size_t i = 0; i < n; i++) {
			struct st_draft d;
			dated[i] = st_format_parse(f, &tc, lines[i], lens[i], &d) == 0 &&
			           d.kind != ST_KIND_METRIC;
		}
	}
	static const enum st_context_dialect tried[3] = {ST_CX_YAML, ST_CX_HCL, ST_CX_INI};
	struct shape sh[3];
	struct cx_reader rd;
	for (int k = 0; k < 3; k++) {
		cx_reader_init(&rd, NULL, 0, tried[k], x.directives);
		unsigned d = 0;
		for (size_t i = 0; i < n; i++) {
			rd.lineno = (uint32_t)i + 1;
			if (cx_read_line(&rd, lines[i], lens[i]) != CX_NEUTRAL && dated[i])
				d++;
		}
		sh[k] = (struct shape){rd.config, rd.other, rd.structure, rd.ansible, d, rd.top_list};
	}
	int pick = -1;
	if (x.dialect >= 0) {
		for (int k = 0; k < 3; k++)
			if (tried[k] == (enum st_context_dialect)x.dialect)
				pick = k;
	} else if (x.dialect == -2) {
		/* .conf, .cfg: whichever dialect reads it best */
		int best = -1;
		for (int k = 2; k >= 0; k--) { /* INI first: it wins ties */
			int score = (int)sh[k].config - (int)sh[k].other;
			if (sh[k].config > 0 && score >= 0 && (pick < 0 || score > best)) {
				pick = k;
				best = score;
			}
		}
		unsigned any = 0;
		for (int k = 0; k < 3; k++)
			any += sh[k].config + sh[k].other;
		if (pick < 0 && any == 0)
			pick = 2; /* nothing but comments (so far): INI */
		if (pick < 0)
			return -1;
	}
	if (pick >= 0) {
		/* named as configuration: unless half its lines are dated */
		const struct shape *s = &sh[pick];
		unsigned total = s->config + s->other;
		if (total > 0 && s->dated * 2 >= total)
			return -1;
		return tried[pick] == ST_CX_YAML && ansible_shape(s) ? ST_CX_ANSIBLE : (int)tried[pick];
	}
	/* by the content alone: nearly every line in shape, some structure,
	 * and hardly a time */
	for (int k = 0; k < 3; k++) {
		const struct shape *s = &sh[k];
		unsigned total = s->config + s->other;
		if (s->config >= 3 && s->other * 10 <= total && s->structure >= 1 && s->dated * 4 < total &&
		    (pick < 0 || s->config > sh[pick].config))
			pick = k;
	}
	if (pick < 0)
		return -1;
	return tried[pick] == ST_CX_YAML && ansible_shape(&sh[pick]) ? ST_CX_ANSIBLE : (int)tried[pick];
}

