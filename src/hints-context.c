/*
 * hints-context.c: what the context files (YAML, Ansible, HCL, INI; see
 * strata/context.h) add to the hints.
 *
 *  - A change's evidence: the lines that describe what it changed. An
 *    Ansible task "Deploy data exporter binary" is the playbook task of
 *    that name, whose `mode: "0644"` says the file it copies is not
 *    executable; a ConfigMap replaced is every manifest of that ConfigMap,
 *    whose DB_NAME says which database it points at. Those lines also give
 *    the change their entities (file:export.sh) and their class (a file
 *    mode, a database setting).
 *  - An effect's entities: a unit's file names its ExecStart program, so
 *    a failure of data-exporter.service is also about export.sh.
 *  - Settings as causes: a memory limit (limits.memory, MemoryMax,
 *    maxmemory, mem_limit) for a workload that is OOM-killed, a file mode
 *    without execute bits, when no change event cites them.
 *  - Facts: two files that describe one object (a ConfigMap as the leader
 *    and a replica serve it, a manifest and its staging twin) and disagree
 *    on a value; a health check configured not to look at its target.
 *
 * Every lookup is linear in the index (st_context_lookup), done once per
 * cause or effect (cx_done), so cost follows the number of causes and
 * effects, not of events.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hints-int.h"

#define HITS_MAX 256

uint32_t
classify_words(const char *s, size_t n)
{
	static const struct {
		const char *w;
		uint32_t cls;
	} words[] = {
		{".mode", CC_FILEMODE},     {"mode:", CC_FILEMODE},     {"chmod", CC_FILEMODE},
		{"chown", CC_FILEMODE},     {"permission", CC_FILEMODE}, {"binary", CC_FILEMODE},
		{"executable", CC_FILEMODE}, {"script", CC_FILEMODE},   {"memory", CC_MEMORY},
		{"maxmemory", CC_MEMORY},   {"mem_limit", CC_MEMORY},   {"heap", CC_MEMORY},
		{"-xmx", CC_MEMORY},        {"configmap", CC_CONFIG},   {"config", CC_CONFIG},
		{"secret", CC_CONFIG},      {"setting", CC_CONFIG},     {"flag", CC_CONFIG},
		{"values", CC_CONFIG},      {"db_", CC_DATABASE},       {"database", CC_DATABASE},
		{"postgres", CC_DATABASE},  {"mysql", CC_DATABASE},     {"dsn", CC_DATABASE},
		{"jdbc", CC_DATABASE},      {"leader", CC_LEADER},      {"election", CC_LEADER},
		{"raft", CC_LEADER},        {"failover", CC_LEADER},    {"promoted", CC_LEADER},
		{"dns", CC_DNS},            {"route53", CC_DNS},        {"coredns", CC_DNS},
		{"resolv", CC_DNS},         {"cert", CC_CERT},          {"tls", CC_CERT},
		{"ssl", CC_CERT},           {"x509", CC_CERT},          {"firewall", CC_NETWORK},
		{"security_group", CC_NETWORK}, {"iptables", CC_NETWORK}, {"networkpolicy", CC_NETWORK},
		{"upgrade", CC_PACKAGE},    {"package", CC_PACKAGE},    {"dpkg", CC_PACKAGE},
		{"image", CC_DEPLOY},       {"deploy", CC_DEPLOY},      {"rollout", CC_DEPLOY},
		{"version", CC_DEPLOY},     {"release", CC_DEPLOY},     {"helm", CC_DEPLOY},
		{"scale", CC_SCALE},        {"replicas", CC_SCALE},     {"aws_", CC_INFRA},
		{"google_", CC_INFRA},      {"azurerm_", CC_INFRA},     {"terraform", CC_INFRA},
		{"health", CC_CHECK},
	};
	uint32_t c = 0;
	for (size_t i = 0; i < ST_ARRAY_LEN(words); i++)
		if (!(c & words[i].cls) && has_ci(s, n, words[i].w))
			c |= words[i].cls;
	return c;
}

void
facts_clear(struct st_hints *h)
{
	for (size_t i = 0; i < h->nfacts; i++)
		free(h->facts[i].text);
	h->nfacts = 0;
}

static struct fact *
fact_new(struct st_hints *h)
{
	if (h->nfacts == h->capfacts) {
		h->capfacts = h->capfacts ? h->capfacts * 2 : 16;
		h->facts = st_xreallocarray(h->facts, h->capfacts, sizeof(*h->facts));
	}
	struct fact *f = &h->facts[h->nfacts++];
	memset(f, 0, sizeof(*f));
	return f;
}

/* The last component of a key path: "spec.containers[0].resources.limits.memory" -> "memory". */
static const char *
key_leaf(const char *k)
{
	const char *d = strrchr(k, '.');
	const char *leaf = d ? d + 1 : k;
	const char *b = strrchr(leaf, ']');
	return b && b[1] ? b + 1 : leaf;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A line worth citing: it sets something a class of change is about. */
static uint32_t
entry_class(const struct st_context_entry *e)
{
	const char *leaf = key_leaf(e->key);
	uint32_t c = classify_words(leaf, strlen(leaf));
	/* DB_NAME: "warehouse_staging", ExecStart=, image: */
	if (strncmp(leaf, "DB_", 3) == 0 || strstr(leaf, "DATABASE") || strstr(leaf, "database"))
		c |= CC_DATABASE;
	if (strcmp(leaf, "mode") == 0 || strcmp(leaf, "owner") == 0)
		c |= CC_FILEMODE;
	if (strcmp(leaf, "ExecStart") == 0)
		c |= CC_FILEMODE;
	if (strcmp(leaf, "resourceVersion") == 0)
		c |= CC_LEADER;
	if (strstr(e->key, "limits") && strcmp(leaf, "memory") == 0)
		c |= CC_MEMORY;
	if (strstr(e->value, "maxmemory"))
		c |= CC_MEMORY;
	if (strstr(leaf, "health") || strstr(leaf, "Health"))
		c |= CC_CHECK;
	return c & ~(uint32_t)(CC_CONFIG | CC_DEPLOY | CC_INFRA | CC_SCALE | CC_PACKAGE);
}

static void
cite(const struct st_hints *h, const struct st_context_entry *e, char **evid, unsigned *nevid)
{
	if (*nevid >= EVID_MAX)
		return;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s:%u: %s = %.*s", src_name(h, e->source), e->line,
	         key_leaf(e->key), (int)(e->vlen > 160 ? 160 : e->vlen), e->value);
	for (unsigned i = 0; i < *nevid; i++)
		if (strcmp(evid[i], buf) == 0)
			return;
	evid[(*nevid)++] = st_xstrdup(buf);
}

/* Entries of the context whose key path names the item `name` ("[Deploy
 * data exporter binary]"), or whose entities overlap es at depth <= max
 * depth. Calls back with each. */
static size_t
context_find(const struct st_hints *h, const struct st_entities *es, const char *name,
             unsigned maxdepth, struct st_context_hit *hits, size_t max)
{
	const struct st_context *cx = st_store_context_get(h->st);
	if (cx == NULL || st_context_count(cx) == 0)
		return 0;
	size_t n = 0;
	if (name && name[0]) {
		char item[300];
		snprintf(item, sizeof(item), "[%s]", name);
		size_t nc = st_context_count(cx);
		for (size_t i = 0; i < nc && n < max; i++) {
			struct st_context_entry e;
			st_context_get(cx, i, &e);
			if (strstr(e.key, item)) {
				hits[n].entry = i;
				hits[n++].depth = 1;
			}
		}
	}
	if (es && es->n) {
		struct st_context_hit more[HITS_MAX];
		size_t k = st_context_lookup(cx, es, more, HITS_MAX);
		if (k > HITS_MAX)
			k = HITS_MAX;
		for (size_t i = 0; i < k && n < max; i++)
			if (more[i].depth <= maxdepth)
				hits[n++] = more[i];
	}
	return n;
}

/* Entities that say which object something is, to look up in the context. */
static void
lookup_entities(const struct st_entities *in, struct st_entities *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < in->n; i++) {
		unsigned t = in->e[i].type;
		/* hosts and namespaces are shared by everything: no lookup by them */
		if (t == ST_ENT_HOST || t == ST_ENT_NAMESPACE || t == ST_ENT_IP || t == ST_ENT_PORT ||
		    t == ST_ENT_SERVICE)
			continue;
		st_entities_add(out, (enum st_entity_type)t, st_entity_value(in, i), in->e[i].len);
	}
}

/* Is hit i's setting made the same way by another hit in another file
 * (DB_HOST "analytics-db" in both manifests)? Then it tells nothing. */
static bool
same_elsewhere(const struct st_context *cx, const struct st_context_hit *hits, size_t n, size_t i,
               const struct st_context_entry *e)
{
	const char *leaf = key_leaf(e->key);
	for (size_t j = 0; j < n; j++) {
		if (j == i)
			continue;
		struct st_context_entry o;
		st_context_get(cx, hits[j].entry, &o);
		if (o.source != e->source && strcmp(key_leaf(o.key), leaf) == 0 && o.vlen == e->vlen &&
		    memcmp(o.value, e->value, e->vlen) == 0)
			return true;
	}
	return false;
}

static void
cause_context(struct st_hints *h, struct cause *c)
{
	if (c->cx_done || c->seq == NONE32)
		return;
	c->cx_done = true;
	const struct st_context *cx = st_store_context_get(h->st);
	if (cx == NULL || st_context_count(cx) == 0)
		return;
	struct st_event ev;
	st_store_get(h->st, c->seq, &ev);
	struct st_entities es, want;
	st_notes_entities(h->notes, &ev, NULL, &es);
	lookup_entities(&es, &want);
	/* "task/Deploy data exporter binary" names a playbook item */
	const char *name = NULL;
	struct st_change ch;
	if (st_notes_change(h->notes, c->seq, &ch) && ch.object) {
		const char *sl = strchr(ch.object, '/');
		if (sl && strncmp(ch.object, "task/", 5) == 0)
			name = sl + 1;
	}
	struct st_context_hit hits[HITS_MAX];
	size_t n = context_find(h, &want, name, 2, hits, HITS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct st_context_entry e;
		st_context_get(cx, hits[i].entry, &e);
		struct st_entities ents;
		unsigned own = st_context_entities(cx, hits[i].entry, &ents);
		ents.n = own; /* the line's own: a block's would make everything match */
		keys_add_entities(&c->keys, &ents);
		uint32_t cls = entry_class(&e);
		if (cls) {
			c->cls |= cls;
			if (!same_elsewhere(cx, hits, n, i, &e))
				cite(h, &e, c->evid, &c->nevid);
			if (h->cx_used)
				h->cx_used[hits[i].entry] = 1;
		}
	}
}

static void
effect_context(struct st_hints *h, struct effect *e)
{
	if (e->cx_done || e->seq == NONE32)
		return;
	e->cx_done = true;
	const struct st_context *cx = st_store_context_get(h->st);
	if (cx == NULL || st_context_count(cx) == 0)
		return;
	struct st_event ev;
	st_store_get(h->st, e->seq, &ev);
	if (ev.kind == ST_KIND_METRIC)
		return;
	struct st_entities es, want;
	st_notes_entities(h->notes, &ev, NULL, &es);
	lookup_entities(&es, &want);
	struct st_context_hit hits[HITS_MAX];
	size_t n = context_find(h, &want, NULL, 2, hits, HITS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct st_entities ents;
		unsigned own = st_context_entities(cx, hits[i].entry, &ents);
		ents.n = own;
		keys_add_entities(&e->keys, &ents);
		/* what the failing thing runs or is limited by (ExecStart=, a
		 * memory limit): the line that joins it to a change */
		struct st_context_entry ce;
		st_context_get(cx, hits[i].entry, &ce);
		uint32_t cls = entry_class(&ce);
		if ((e->cls == EC_EXEC && (cls & CC_FILEMODE) && own > 0) ||
		    (e->cls == EC_MEMORY && (cls & CC_MEMORY)))
			cite(h, &ce, e->evid, &e->nevid);
	}
}

/* ---- settings as causes */

/* "64Mi", "512M", "2g", "1073741824" -> bytes; 0 when not a size. */
static double
parse_bytes(const char *v, size_t n)
{
	const char *s;
	size_t k;
	st_context_unquote(v, n, &s, &k);
	char buf[32];
	if (k == 0 || k >= sizeof(buf))
		return 0;
	memcpy(buf, s, k);
	buf[k] = '\0';
	char *end;
	double x = strtod(buf, &end);
	if (end == buf || x <= 0)
		return 0;
	double mul = 1;
	switch (*end) {
	case 'K': case 'k': mul = 1024; break;
	case 'M': case 'm': mul = 1024.0 * 1024; break;
	case 'G': case 'g': mul = 1024.0 * 1024 * 1024; break;
	case 'T': case 't': mul = 1024.0 * 1024 * 1024 * 1024; break;
	case '\0': mul = 1; break;
	default: return 0;
	}
	/* Kubernetes: "M" is 10^6, "Mi" 2^20 */
	if (*end && end[1] != 'i' && end[1] != 'I' && end[1] != 'b' && end[1] != 'B' && end[1] != '\0')
		return 0;
	if (*end && end[1] == '\0' && (*end == 'M' || *end == 'G' || *end == 'K' || *end == 'T'))
		mul = *end == 'K' ? 1e3 : *end == 'M' ? 1e6 : *end == 'G' ? 1e9 : 1e12;
	return x * mul;
}

static bool
is_memory_limit(const struct st_context_entry *e)
{
	const char *leaf = key_leaf(e->key);
	if (strcmp(leaf, "memory") == 0 && strstr(e->key, "limits"))
		return true;
	return strcasecmp(leaf, "mem_limit") == 0 || strcmp(leaf, "MemoryMax") == 0 ||
	       strcmp(leaf, "MemoryLimit") == 0 || strcasecmp(leaf, "memory_limit") == 0 ||
	       strcasecmp(leaf, "maxmemory") == 0;
}

/* A mode without any execute bit: "0644", '0600', u=rw,g=r */
static bool
mode_not_exec(const struct st_context_entry *e)
{
	if (strcmp(key_leaf(e->key), "mode") != 0)
		return false;
	const char *s;
	size_t k;
	st_context_unquote(e->value, e->vlen, &s, &k);
	if (k >= 3 && k <= 4) {
		for (size_t i = 0; i < k; i++)
			if (s[i] < '0' || s[i] > '7')
				return false;
		for (size_t i = k - 3; i < k; i++)
			if ((s[i] - '0') & 1)
				return false;
		return true;
	}
	return k > 0 && memchr(s, '=', k) && !memchr(s, 'x', k);
}

/* The timeline line that shows a setting in force (kubelet's "Started
 * container ... memory 64Mi"): an event whose text holds the value and
 * one of the setting's words. Scans the events once per setting. */
static bool
setting_event(struct st_hints *h, const char *value, size_t vlen, const struct keyset *k,
              struct st_event *out)
{
	if (vlen < 2)
		return false;
	uint32_t end = h->done;
	for (uint32_t s = 0; s < end; s++) {
		struct st_event ev;
		st_store_get(h->st, s, &ev);
		if (ev.kind == ST_KIND_METRIC || ev.ts == ST_TIME_NONE || ev.len < vlen)
			continue;
		const char *p = memmem(ev.text, ev.len, value, vlen);
		if (p == NULL)
			continue;
		struct keyset ek = {0};
		keys_add_words(&ek, ev.text, ev.len, 1);
		for (unsigned i = 0; i < k->n; i++)
			if (k->w[i] == 1 && keys_has(&ek, k->h[i])) {
				*out = ev;
				return true;
			}
	}
	return false;
}

static void
memory_usage_evidence(struct st_hints *h, struct cause *c, double limit, const char *lim)
{
	size_t ns = st_series_count(h->series);
	for (size_t i = 0; i < ns; i++) {
		const struct st_series *s = st_series_at(h->series, i);
		if (s->npoints == 0 || !strstr(s->name, "memory") ||
		    !(strstr(s->name, "bytes") || strstr(s->name, "used") || strstr(s->name, "rss")))
			continue;
		struct keyset sk = {0};
		keys_add_words(&sk, s->labels, strlen(s->labels), 1);
		keys_add_words(&sk, s->name, strlen(s->name), 1);
		bool match = false;
		for (unsigned j = 0; j < c->keys.n && !match; j++)
			match = c->keys.w[j] == 1 && keys_has(&sk, c->keys.h[j]);
		if (!match)
			continue;
		const struct st_series_point *p = &s->points[s->npoints - 1];
		struct st_event ev;
		st_store_get(h->st, p->seq, &ev);
		struct st_buf b = {0};
		human_exact(p->value, &b);
		st_buf_addf(&b, " (%.0f%% of the %s limit) at ", p->value / limit * 100, lim);
		human_time(p->ts, &b);
		st_buf_addc(&b, '\0');
		cause_evid(c, "%s:%u: %s%s%s%s = %s", src_name(h, ev.source), ev.line, s->name,
		           s->labels[0] ? "{" : "", s->labels, s->labels[0] ? "}" : "", b.p);
		st_buf_free(&b);
	}
}

static void
setting_cause(struct st_hints *h, size_t entry, const struct st_context_entry *e, uint32_t cls)
{
	const struct st_context *cx = st_store_context_get(h->st);
	struct cause *c = cause_new(h);
	c->kind = CK_SETTING;
	c->cls = cls;
	c->cx_done = true;
	c->source = (uint16_t)e->source;
	c->line = e->line;
	c->ts = ST_TIME_NONE;
	struct st_entities ents;
	st_context_entities(cx, entry, &ents);
	keys_add_entities(&c->keys, &ents);
	const char *v;
	size_t vl;
	st_context_unquote(e->value, e->vlen, &v, &vl);
	/* who it is for: the workload, else the file it sets */
	const char *who = NULL;
	for (unsigned i = 0; i < ents.n && !who; i++)
		if (ents.e[i].type == ST_ENT_WORKLOAD || ents.e[i].type == ST_ENT_UNIT)
			who = st_entity_value(&ents, i);
	for (unsigned i = 0; i < ents.n && !who; i++)
		if (ents.e[i].type == ST_ENT_FILE && strcmp(st_entity_value(&ents, i),
		                                              base_name(src_name(h, e->source))) != 0)
			who = st_entity_value(&ents, i);
	char text[400];
	if (cls & CC_MEMORY)
		snprintf(text, sizeof(text), "memory limit %.*s for %s", (int)vl, v, who ? who : "it");
	else
		snprintf(text, sizeof(text), "mode %.*s for %s: not executable", (int)vl, v,
		         who ? who : "the file");
	c->text = st_xstrdup(text);
	char key[300];
	snprintf(key, sizeof(key), "setting %s", e->key);
	c->key = st_xstrdup(key);
	cite(h, e, c->evid, &c->nevid);
	struct st_event ev;
	if (setting_event(h, v, vl, &c->keys, &ev)) {
		/* the line that shows it in force dates it */
		c->ts = ev.ts;
		c->seq = ev.seq;
		c->source = ev.source;
		c->line = ev.line;
		struct st_buf m = {0};
		event_message(h->st, &ev, &m);
		st_buf_addc(&m, '\0');
		cause_evid(c, "%s:%u: %s", src_name(h, ev.source), ev.line, m.p);
		st_buf_free(&m);
	}
	if (cls & CC_MEMORY) {
		double limit = parse_bytes(e->value, e->vlen);
		if (limit > 0) {
			char lim[64];
			snprintf(lim, sizeof(lim), "%.*s", (int)(vl > 40 ? 40 : vl), v);
			memory_usage_evidence(h, c, limit, lim);
		}
		/* a cache told never to evict, with no memory cap, fills its limit */
		size_t nc = st_context_count(cx);
		for (size_t i = 0; i < nc; i++) {
			struct st_context_entry o;
			st_context_get(cx, i, &o);
			if (strstr(o.value, "noeviction") || strstr(o.value, "maxmemory"))
				cite(h, &o, c->evid, &c->nevid);
		}
	}
}

static void
settings(struct st_hints *h)
{
	const struct st_context *cx = st_store_context_get(h->st);
	size_t nc = st_context_count(cx);
	unsigned made = 0;
	for (size_t i = 0; i < nc && made < 64; i++) {
		if (h->cx_used && h->cx_used[i])
			continue;
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		uint32_t cls = 0;
		if (is_memory_limit(&e))
			cls = CC_MEMORY;
		else if (mode_not_exec(&e))
			cls = CC_FILEMODE;
		if (cls == 0)
			continue;
		/* requests: the same value again is not another limit */
		setting_cause(h, i, &e, cls);
		made++;
	}
}

/* ---- facts */

static void
check_settings(struct st_hints *h)
{
	const struct st_context *cx = st_store_context_get(h->st);
	size_t nc = st_context_count(cx);
	for (size_t i = 0; i < nc; i++) {
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		const char *leaf = key_leaf(e.key);
		if (!(strstr(leaf, "health") || strstr(leaf, "Health")))
			continue;
		const char *v;
		size_t vl;
		st_context_unquote(e.value, e.vlen, &v, &vl);
		bool off = (vl == 5 && memcmp(v, "false", 5) == 0) || (vl == 2 && memcmp(v, "no", 2) == 0);
		if (!off)
			continue;
		struct fact *f = fact_new(h);
		f->cls = CC_CHECK;
		char buf[512];
		snprintf(buf, sizeof(buf), "%s:%u: %s = %.*s (the check does not look at its target)",
		         src_name(h, e.source), e.line, leaf, (int)vl, v);
		f->text = st_xstrdup(buf);
		struct st_entities ents;
		st_context_entities(cx, i, &ents);
		keys_add_entities(&f->keys, &ents);
	}
}

/* The object a context file describes: its first configmap, secret,
 * workload or resource entity at file level. */
static bool
file_object(const struct st_context *cx, unsigned src, size_t first, size_t nc,
            struct st_entities *obj)
{
	memset(obj, 0, sizeof(*obj));
	for (size_t i = first; i < nc; i++) {
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		if (e.source != src)
			break;
		struct st_entities ents;
		st_context_entities(cx, i, &ents);
		for (unsigned j = 0; j < ents.n; j++) {
			unsigned t = ents.e[j].type;
			if (t == ST_ENT_CONFIGMAP || t == ST_ENT_SECRET || t == ST_ENT_WORKLOAD)
				st_entities_add(obj, (enum st_entity_type)t, st_entity_value(&ents, j),
				                ents.e[j].len);
		}
		if (obj->n)
			return true;
	}
	return false;
}

static bool
same_object(const struct st_entities *a, const struct st_entities *b)
{
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned j = 0; j < b->n; j++)
			if (a->e[i].type == b->e[j].type && a->e[i].len == b->e[j].len &&
			    memcmp(st_entity_value(a, i), st_entity_value(b, j), a->e[i].len) == 0)
				return true;
	return false;
}

static bool
leaf_is_identity(const char *leaf)
{
	static const char *const ids[] = {"name", "namespace", "kind", "apiVersion", "app", "labels"};
	for (size_t i = 0; i < ST_ARRAY_LEN(ids); i++)
		if (strcmp(leaf, ids[i]) == 0)
			return true;
	return false;
}

/* Two files that describe one object and disagree on values. */
static void
disagreements(struct st_hints *h)
{
	const struct st_context *cx = st_store_context_get(h->st);
	size_t nc = st_context_count(cx);
	size_t nf = st_context_nfiles(cx);
	if (nf < 2 || nf > 64)
		return;
	/* first entry of each file (entries come file by file) */
	size_t first[64];
	unsigned srcs[64];
	size_t k = 0;
	for (size_t i = 0; i < nc && k < 64; i++) {
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		if (k == 0 || srcs[k - 1] != e.source) {
			first[k] = i;
			srcs[k++] = e.source;
		}
	}
	/* the files in source order, not in the order their reads ended: the
	 * same inputs say the same thing */
	for (size_t a = 1; a < k; a++)
		for (size_t b = a; b > 0 && srcs[b - 1] > srcs[b]; b--) {
			unsigned ts = srcs[b];
			size_t tf = first[b];
			srcs[b] = srcs[b - 1];
			first[b] = first[b - 1];
			srcs[b - 1] = ts;
			first[b - 1] = tf;
		}
	for (size_t a = 0; a < k; a++)
		for (size_t b = a + 1; b < k; b++) {
			struct st_entities oa, ob;
			if (!file_object(cx, srcs[a], first[a], nc, &oa) ||
			    !file_object(cx, srcs[b], first[b], nc, &ob) || !same_object(&oa, &ob))
				continue;
			struct st_buf diff = {0};
			unsigned ndiff = 0;
			for (size_t i = first[a]; i < nc; i++) {
				struct st_context_entry ea;
				st_context_get(cx, i, &ea);
				if (ea.source != srcs[a])
					break;
				const char *la = key_leaf(ea.key);
				if (leaf_is_identity(la))
					continue;
				for (size_t j = first[b]; j < nc; j++) {
					struct st_context_entry eb;
					st_context_get(cx, j, &eb);
					if (eb.source != srcs[b])
						break;
					if (strcmp(la, key_leaf(eb.key)) != 0)
						continue;
					const char *va, *vb;
					size_t na, nb;
					st_context_unquote(ea.value, ea.vlen, &va, &na);
					st_context_unquote(eb.value, eb.vlen, &vb, &nb);
					if (na == nb && memcmp(va, vb, na) == 0)
						break;
					if (ndiff++ < 3)
						st_buf_addf(&diff, "%s%s \"%.*s\" (line %u) vs \"%.*s\" (line %u)",
						            diff.len ? "; " : "", la, (int)(na > 60 ? 60 : na), va,
						            ea.line, (int)(nb > 60 ? 60 : nb), vb, eb.line);
					break;
				}
			}
			if (ndiff) {
				struct fact *f = fact_new(h);
				f->cls = CC_CONFIG;
				f->stale = true;
				st_buf_addc(&diff, '\0');
				char obj[200];
				snprintf(obj, sizeof(obj), "%s:%s", st_entity_type_name(oa.e[0].type),
				         st_entity_value(&oa, 0));
				struct st_buf t = {0};
				st_buf_addf(&t, "%s and %s describe %s and disagree: %s",
				            src_name(h, srcs[a]), base_name(src_name(h, srcs[b])), obj, diff.p);
				st_buf_addc(&t, '\0');
				f->text = t.p;
				keys_add_entities(&f->keys, &oa);
				st_buf_free(&diff);
			} else {
				st_buf_free(&diff);
			}
		}
}

#define CONTEXT_SLICE 1024 /* causes or effects looked up in a step */

/* Step 0 starts again (the entries cited are found again); then the
 * causes and the effects are looked up in slices; the last step reads
 * the settings, the checks and the views that disagree. The cursor counts
 * the causes, then the effects, looked up so far, plus one. */
bool
hints_context_step(struct st_hints *h, size_t *i)
{
	const struct st_context *cx = st_store_context_get(h->st);
	size_t nc = cx ? st_context_count(cx) : 0;
	size_t ne = h->neff < 4096 ? h->neff : 4096;
	if (*i == 0) {
		facts_clear(h);
		free(h->cx_used);
		h->cx_used = nc ? st_xcalloc(nc, 1) : NULL;
		*i = 1;
		return false;
	}
	size_t k = *i - 1;
	if (k < h->ncause) {
		size_t end = k + CONTEXT_SLICE < h->ncause ? k + CONTEXT_SLICE : h->ncause;
		for (; k < end; k++) {
			h->cause[k].cx_done = false; /* cx_used is made again */
			cause_context(h, &h->cause[k]);
		}
		*i = k + 1;
		return false;
	}
	k -= h->ncause;
	if (k < ne) {
		size_t end = k + CONTEXT_SLICE < ne ? k + CONTEXT_SLICE : ne;
		for (; k < end; k++)
			effect_context(h, &h->eff[k]);
		*i = h->ncause + k + 1;
		return false;
	}
	if (nc == 0)
		return true;
	settings(h);
	check_settings(h);
	disagreements(h);
	return true;
}
