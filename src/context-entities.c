/*
 * context-entities.c: the entities of a context file's settings (see
 * strata/context.h and context-int.h).
 *
 * cx_setting, called by the dialect readers for each line that sets
 * something, finds two kinds of entities:
 *   - the line's own, from its key and the shape of its value: a path
 *     key (dest, src, path, *_file, ExecStart, ...) gives path: and file:,
 *     a host key (host, hosts, fqdn, DB_HOST, ...) host: or ip:, a port
 *     key port:, namespace:, database keys (DB_NAME, dbname, ...), image:
 *     (also without its tag), unit names (a value ending in .service, the
 *     systemd dependency keys, an Ansible systemd task's name:), an IP or
 *     URL, a Terraform reference (aws_route53_zone.main.zone_id gives
 *     resource:aws_route53_zone.main), an absolute path among a value's
 *     words. They also go to the line's innermost block.
 *   - the blocks': object rules put the identity of an object on the block
 *     that holds it: a k8s object's kind + metadata.name (in either order:
 *     the name waits for the kind) become workload:, configmap:, secret:,
 *     service:, pod: (and its workload, hash suffixes dropped) or
 *     resource:Kind/name, its metadata.namespace namespace:, its app label
 *     workload:; a kubernetes_* Terraform resource's metadata the same; a
 *     Terraform block its address (cx_tf_object); a helm values section
 *     with an image (sessionCache: image: repository: redis)
 *     workload:session-cache; the data keys of a ConfigMap or resource
 *     named for flags flag:KEY.
 * Values that are templates ({{ }}, ${ }) give no entities but Terraform
 * references: what they become is not in the file. Entity values are
 * normalised as strata/entity.h says (host names lower-cased).
 */
#include <stdlib.h>
#include <string.h>

#include "context-int.h"
#include "strata/util.h"

/* ---- entities of one setting */

static void
add(struct st_entities *out, enum st_entity_type t, const char *v, size_t n)
{
	if (n > 0 && n <= 255)
		st_entities_add(out, t, v, n);
}

/* A host name, lower-cased; nothing when it does not look like one. */
static void
add_host(struct st_entities *out, const char *v, size_t n)
{
	char buf[256];
	while (n > 0 && v[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return;
	for (size_t i = 0; i < n; i++) {
		char c = cx_lower(v[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return;
		buf[i] = c;
	}
	if (cx_ieq(buf, n, "all") || buf[0] == '-' || buf[0] == '.')
		return;
	add(out, ST_ENT_HOST, buf, n);
}

/* a.b.c.d with each part <= 255; the length of the address, 0 if not */
static size_t
ipv4_len(const char *v, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t d = 0;
		unsigned val = 0;
		while (i < n && d < 3 && v[i] >= '0' && v[i] <= '9') {
			val = val * 10 + (unsigned)(v[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || val > 255)
			return 0;
		if (part < 3) {
			if (i >= n || v[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && v[i] >= '0' && v[i] <= '9')
		return 0;
	return i;
}

static void
add_port(struct st_entities *out, const char *v, size_t n)
{
	if (!cx_is_digits(v, n) || n > 5)
		return;
	unsigned p = 0;
	for (size_t i = 0; i < n; i++)
		p = p * 10 + (unsigned)(v[i] - '0');
	if (p >= 1 && p <= 65535)
		add(out, ST_ENT_PORT, v, n);
}

/* An address with an optional :port: ip (+port) or host (+port). */
static void
add_address(struct st_entities *out, const char *v, size_t n)
{
	size_t ip = ipv4_len(v, n);
	if (ip > 0 && (ip == n || v[ip] == ':')) {
		add(out, ST_ENT_IP, v, ip);
		if (ip < n)
			add_port(out, v + ip + 1, n - ip - 1);
		return;
	}
	const char *colon = memchr(v, ':', n);
	if (colon && memchr(colon + 1, ':', (size_t)(v + n - colon - 1)) == NULL &&
	    cx_is_digits(colon + 1, (size_t)(v + n - colon - 1))) {
		add_host(out, v, (size_t)(colon - v));
		add_port(out, colon + 1, (size_t)(v + n - colon - 1));
		return;
	}
	if (memchr(v, ':', n) == NULL)
		add_host(out, v, n);
}

/* A DNS name with at least min_dots dots whose last label is a word. */
static bool
looks_fqdn(const char *v, size_t n, int min_dots)
{
	int dots = 0;
	size_t last = 0;
	for (size_t i = 0; i < n; i++) {
		char c = cx_lower(v[i]);
		if (c == '.') {
			if (i == 0 || v[i - 1] == '.')
				return false;
			dots++;
			last = i + 1;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
			return false;
		}
	}
	if (dots < min_dots || last >= n)
		return false;
	for (size_t i = last; i < n; i++)
		if (!((cx_lower(v[i]) >= 'a' && cx_lower(v[i]) <= 'z')))
			return false;
	return true;
}

/* path: and file: (its base name when it has an extension, or always
 * when the key names a file) */
static void
add_path(struct st_entities *out, const char *v, size_t n, bool file)
{
	while (n > 1 && v[n - 1] == '/')
		n--;
	if (n == 0 || n > 255 || memchr(v, ' ', n) || cx_starts(v, n, "http:") ||
	    cx_starts(v, n, "https:"))
		return;
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '/')
			slash = v + i;
	const char *base = slash ? slash + 1 : v;
	size_t bn = (size_t)(v + n - base);
	if (slash == NULL && memchr(base, '.', bn) == NULL && !file)
		return; /* a bare word: not a path */
	if (slash != NULL)
		add(out, ST_ENT_PATH, v, n);
	if (bn > 0 && (file || memchr(base, '.', bn) != NULL))
		add(out, ST_ENT_FILE, base, bn);
}

static const char *const unit_suffixes[] = {".service", ".socket", ".timer", ".mount",
                                             ".target",  ".path",   ".slice", NULL};

/* a unit name (the base name of v) when it ends in a unit type */
void
cx_add_unit_name(struct st_entities *out, const char *v, size_t n)
{
	const char *base = v;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '/')
			base = v + i + 1;
	size_t bn = (size_t)(v + n - base);
	for (const char *const *u = unit_suffixes; *u; u++)
		if (bn > strlen(*u) && cx_ends_n(base, bn, *u, strlen(*u))) {
			add(out, ST_ENT_UNIT, base, bn);
			return;
		}
}

static void
add_image(struct st_entities *out, const char *v, size_t n)
{
	if (n == 0 || memchr(v, ' ', n))
		return;
	add(out, ST_ENT_IMAGE, v, n);
	/* also without its tag or digest, so redis:7.2-alpine meets redis */
	size_t cut = n;
	const char *at = memchr(v, '@', n);
	if (at)
		cut = (size_t)(at - v);
	size_t slash = 0;
	for (size_t i = 0; i < cut; i++)
		if (v[i] == '/')
			slash = i;
	for (size_t i = cut; i-- > slash;)
		if (v[i] == ':') {
			cut = i;
			break;
		}
	if (cut < n)
		add(out, ST_ENT_IMAGE, v, cut);
}

/* Tokens separated by blanks and commas (and ':' for Ansible patterns). */
static void
each_token(const char *v, size_t n, bool colon, void (*fn)(struct st_entities *, const char *, size_t),
           struct st_entities *out)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (cx_space(v[i]) || v[i] == ',' || v[i] == '[' || v[i] == ']' ||
		                 v[i] == '"' || v[i] == '\'' || (colon && v[i] == ':')))
			i++;
		size_t s = i;
		while (i < n && !(cx_space(v[i]) || v[i] == ',' || v[i] == ']' || v[i] == '"' ||
		                  v[i] == '\'' || (colon && v[i] == ':')))
			i++;
		if (i > s)
			fn(out, v + s, i - s);
	}
}

static void
add_unit_token(struct st_entities *out, const char *v, size_t n)
{
	cx_add_unit_name(out, v, n);
}

static void
add_abs_path_token(struct st_entities *out, const char *v, size_t n)
{
	while (n > 0 && strchr(".,;:)'\"", v[n - 1]) != NULL)
		n--;
	if (n > 1 && v[0] == '/' && memchr(v + 1, '/', n - 1) != NULL)
		add_path(out, v, n, false);
}

static void
add_package_token(struct st_entities *out, const char *v, size_t n)
{
	/* nginx, nginx=1.24.0-1, python3-pip>=1: the name before a version */
	size_t i = 0;
	while (i < n && v[i] != '=' && v[i] != '<' && v[i] != '>' && v[i] != '@')
		i++;
	add(out, ST_ENT_PACKAGE, v, i);
}

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static void
add_host_token(struct st_entities *out, const char *v, size_t n)
{
	if (memchr(v, '*', n) || memchr(v, '!', n) || memchr(v, '&', n) || memchr(v, '~', n))
		return; /* an Ansible pattern, not a host */
	add_address(out, v, n);
}

/* Terraform references in an expression: type.name (type has a provider
 * prefix and an underscore), data.type.name, module.name. */
static void
tf_refs(const char *v, size_t n, struct st_entities *out)
{
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"')
			quoted = !quoted;
		if (quoted || (i > 0 && (is_word_char(v[i - 1]) || v[i - 1] == '.')))
			continue;
		if (!((v[i] >= 'a' && v[i] <= 'z')))
			continue;
		size_t j = i;
		int dots = 0;
		size_t dot_at[3] = {0};
		while (j < n && (is_word_char(v[j]) || v[j] == '.' || v[j] == '-')) {
			if (v[j] == '.' && dots < 3)
				dot_at[dots++] = j;
			j++;
		}
		if (dots >= 1) {
			const char *w = v + i;
			size_t first = dot_at[0] - i;
			size_t end2 = dots >= 2 ? dot_at[1] - i : j - i;
			size_t end3 = dots >= 3 ? dot_at[2] - i : j - i;
			if (cx_starts(w, first, "data") && first == 4 && dots >= 2)
				add(out, ST_ENT_RESOURCE, w, end3);
			else if (first == 6 && cx_starts(w, first, "module"))
				add(out, ST_ENT_RESOURCE, w, end2);
			else if (memchr(w, '_', first) != NULL && !cx_starts(w, first, "var") &&
			         !cx_starts(w, first, "local") && end2 > first + 1)
				add(out, ST_ENT_RESOURCE, w, end2);
		}
		i = j;
	}
}

/* What a key's value names, by the key's name (lower case). */
enum {
	K_PATH = 1 << 0, /* a path, and its base name when that has an extension */
	K_FILE = 1 << 1, /* ... and its base name always */
	K_EXEC = 1 << 2, /* a command line: its program */
	K_HOST = 1 << 3, /* host names or addresses (a list for hosts:) */
	K_DB = 1 << 4,   /* a database */
	K_UNIT = 1 << 5, /* systemd unit names */
};

struct keyword {
	const char *key;
	unsigned cls;
};

/* sorted by strcmp, for bsearch */
static const struct keyword keywords[] = {
	{"address", K_HOST}, {"after", K_UNIT}, {"before", K_UNIT}, {"bindsto", K_UNIT},
	{"ca_file", K_PATH | K_FILE}, {"cert_file", K_PATH | K_FILE}, {"chdir", K_PATH},
	{"cmd", K_EXEC}, {"command", K_EXEC}, {"config", K_PATH}, {"configfile", K_PATH},
	{"conflicts", K_UNIT}, {"creates", K_PATH}, {"database", K_DB}, {"database_name", K_DB},
	{"db", K_DB}, {"db_name", K_DB}, {"dbname", K_DB}, {"delegate_to", K_HOST}, {"dest", K_PATH},
	{"destination", K_PATH}, {"dir", K_PATH}, {"directory", K_PATH}, {"domain", K_HOST},
	{"endpoint", K_HOST}, {"entrypoint", K_EXEC}, {"environmentfile", K_PATH},
	{"execcondition", K_EXEC}, {"execreload", K_EXEC}, {"execstart", K_EXEC},
	{"execstartpost", K_EXEC}, {"execstartpre", K_EXEC}, {"execstop", K_EXEC},
	{"execstoppost", K_EXEC}, {"file", K_PATH | K_FILE}, {"filename", K_PATH | K_FILE},
	{"fqdn", K_HOST}, {"host", K_HOST}, {"hostname", K_HOST}, {"hostpath", K_PATH},
	{"hosts", K_HOST}, {"include", K_PATH}, {"key_file", K_PATH | K_FILE}, {"logfile", K_PATH},
	{"mountpath", K_PATH}, {"onfailure", K_UNIT}, {"partof", K_UNIT}, {"path", K_PATH},
	{"pidfile", K_PATH}, {"records", K_HOST}, {"removes", K_PATH}, {"requiredby", K_UNIT},
	{"requires", K_UNIT}, {"requisite", K_UNIT}, {"rootdirectory", K_PATH},
	{"script", K_PATH | K_FILE}, {"server", K_HOST}, {"servername", K_HOST}, {"shell", K_EXEC},
	{"source", K_PATH}, {"src", K_PATH}, {"targets", K_HOST}, {"template", K_PATH},
	{"unit", K_UNIT}, {"upholds", K_UNIT}, {"wantedby", K_UNIT}, {"wants", K_UNIT},
	{"workingdirectory", K_PATH},
};

static int
keyword_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyword *)a)->key, ((const struct keyword *)b)->key);
}

/* One search per line instead of one comparison per keyword. */
static unsigned
key_class(const char *k, size_t n)
{
	char buf[24];
	if (n == 0 || n >= sizeof(buf))
		return 0;
	for (size_t i = 0; i < n; i++)
		buf[i] = cx_lower(k[i]);
	buf[n] = '\0';
	struct keyword want = {buf, 0};
	const struct keyword *hit =
		bsearch(&want, keywords, ST_ARRAY_LEN(keywords), sizeof(keywords[0]), keyword_cmp);
	return hit ? hit->cls : 0;
}

static bool
is_word_key_suffix(const char *k, size_t n, const char *suffix)
{
	/* DB_HOST, db-host, dbHost: the suffix after '_', '-' or a lower-case letter */
	size_t l = strlen(suffix);
	if (n <= l || !cx_ends_n(k, n, suffix, l))
		return false;
	char c = k[n - l - 1], first = k[n - l];
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z' && first >= 'A' && first <= 'Z');
}

/* The value's core: quotes, a YAML anchor or tag, a trailing ',' or ';' off. */
static void
value_core(const char *v, size_t n, const char **out, size_t *outlen)
{
	while (n > 0 && (v[0] == '&' || v[0] == '!')) { /* &anchor value, !!str value */
		size_t i = 0;
		while (i < n && !cx_space(v[i]))
			i++;
		while (i < n && cx_space(v[i]))
			i++;
		v += i;
		n -= i;
	}
	while (n > 0 && (v[n - 1] == ',' || v[n - 1] == ';'))
		n--;
	cx_trim(&v, &n);
	st_context_unquote(v, n, out, outlen);
}

/* The last segment of the path (after its last '.' or ']'). */
static void
last_segment(const char *p, size_t n, const char **seg, size_t *sn)
{
	size_t i = n;
	while (i > 0 && p[i - 1] != '.' && p[i - 1] != ']' && p[i - 1] != '[')
		i--;
	*seg = p + i;
	*sn = n - i;
}

static void
line_entities(const struct cx_reader *r, const char *key, size_t kl, const char *raw, size_t rn,
              struct st_entities *out)
{
	const char *v;
	size_t vn;
	value_core(raw, rn, &v, &vn);
	if (r->dialect == ST_CX_HCL)
		tf_refs(raw, rn, out);
	if (vn == 0 || cx_contains(v, vn, "{{") || cx_contains(v, vn, "${") || cx_contains(v, vn, "{%"))
		return; /* a template: what it becomes is not here */
	const char *path = r->path;
	size_t pl = r->plen;
	bool one = memchr(v, ' ', vn) == NULL && memchr(v, '\t', vn) == NULL;
	unsigned cls = key_class(key, kl);
	if (one && ((cls & K_PATH) || cx_ends(key, kl, "_path") || cx_ends(key, kl, "_file") ||
	            cx_ends(key, kl, "_dir") || is_word_key_suffix(key, kl, "path") ||
	            is_word_key_suffix(key, kl, "file")))
		add_path(out, v, vn, (cls & K_FILE) || cx_ends(key, kl, "_file"));
	if (cls & K_EXEC) {
		/* the program: the first word, past systemd's -@:+! prefixes */
		size_t i = 0;
		while (i < vn && (v[i] == '-' || v[i] == '@' || v[i] == ':' || v[i] == '+' || v[i] == '!'))
			i++;
		size_t j = i;
		while (j < vn && !cx_space(v[j]))
			j++;
		if (j > i && (v[i] == '/' || cx_starts(v + i, j - i, "./")))
			add_path(out, v + i, j - i, true);
	}
	if ((cls & K_HOST) || is_word_key_suffix(key, kl, "host") ||
	    is_word_key_suffix(key, kl, "hostname"))
		each_token(v, vn, cx_ieq(key, kl, "hosts"), add_host_token, out);
	else if (one && cx_ieq(key, kl, "name") && looks_fqdn(v, vn, 2))
		add_host(out, v, vn);
	if (cx_ieq(key, kl, "port") || is_word_key_suffix(key, kl, "port"))
		add_port(out, v, vn);
	if (cx_ieq(key, kl, "namespace") && one)
		add(out, ST_ENT_NAMESPACE, v, vn);
	if (one && ((cls & K_DB) || is_word_key_suffix(key, kl, "database") ||
	            is_word_key_suffix(key, kl, "dbname") || cx_ends(key, kl, "_db_name") ||
	            cx_ends(key, kl, "_db")))
		add(out, ST_ENT_DATABASE, v, vn);
	if (cx_ieq(key, kl, "image") || (cx_ieq(key, kl, "repository") && cx_ends(path, pl, "image.repository")))
		add_image(out, v, vn);
	if (cls & K_UNIT)
		each_token(v, vn, false, add_unit_token, out);
	else if (one)
		cx_add_unit_name(out, v, vn);
	/* an Ansible service/systemd task names a unit (.service implied) */
	if (one && (cx_ends(path, pl, ".systemd.name") || cx_ends(path, pl, ".service.name") ||
	            cx_ends(path, pl, ".systemd_service.name"))) {
		char buf[256];
		if (memchr(v, '.', vn) == NULL && vn + 8 < sizeof(buf)) {
			memcpy(buf, v, vn);
			memcpy(buf + vn, ".service", 8);
			add(out, ST_ENT_UNIT, buf, vn + 8);
		} else {
			cx_add_unit_name(out, v, vn);
		}
	}
	if (cx_ends(path, pl, ".apt.name") || cx_ends(path, pl, ".yum.name") ||
	    cx_ends(path, pl, ".dnf.name") || cx_ends(path, pl, ".package.name") ||
	    cx_ends(path, pl, ".pip.name"))
		each_token(v, vn, false, add_package_token, out);
	if (cx_ends(path, pl, "configmapref.name") || cx_ends(path, pl, "configmapkeyref.name") ||
	    cx_ends(path, pl, "configmap.name"))
		add(out, ST_ENT_CONFIGMAP, v, vn);
	if (cx_ends(path, pl, "secretref.name") || cx_ends(path, pl, "secretkeyref.name") ||
	    cx_ieq(key, kl, "secretname"))
		add(out, ST_ENT_SECRET, v, vn);
	if (one && (cx_starts(v, vn, "http://") || cx_starts(v, vn, "https://"))) {
		size_t s = v[4] == 's' ? 8 : 7, e = s;
		while (e < vn && v[e] != '/' && v[e] != '?' && v[e] != '#')
			e++;
		const char *at = memchr(v + s, '@', e - s);
		if (at)
			s = (size_t)(at - v) + 1;
		add_address(out, v + s, e - s);
	}
	if (one) {
		size_t ip = ipv4_len(v, vn);
		if (ip > 0 && (ip == vn || v[ip] == ':' || v[ip] == '/'))
			add_address(out, v, v[ip] == '/' ? ip : vn);
	}
	/* an absolute path anywhere, when it has two parts (not "/health"):
	 * the value, or a word of it (a command's arguments, a description) */
	if (one && v[0] == '/' && vn > 1 && memchr(v + 1, '/', vn - 1) != NULL)
		add_path(out, v, vn, false);
	else if (!one)
		each_token(v, vn, false, add_abs_path_token, out);
}

/* ---- object rules: what the blocks around a setting learn from it */

static const char *const workload_kinds[] = {"deployment", "statefulset", "daemonset", "replicaset",
                                             "job", "cronjob", "deploymentconfig", NULL};

static uint8_t
kind_type(const char *k, size_t n)
{
	if (cx_in_list(k, n, workload_kinds))
		return ST_ENT_WORKLOAD;
	if (cx_ieq(k, n, "pod"))
		return ST_ENT_POD;
	if (cx_ieq(k, n, "configmap"))
		return ST_ENT_CONFIGMAP;
	if (cx_ieq(k, n, "secret"))
		return ST_ENT_SECRET;
	if (cx_ieq(k, n, "service"))
		return ST_ENT_SERVICE;
	if (cx_ieq(k, n, "namespace"))
		return ST_ENT_NAMESPACE;
	return ST_ENT_RESOURCE;
}

/* kubernetes_config_map_v1 -> configmap, ...; 0xff for other resources */
static uint8_t
tf_kind_type(const char *t, size_t n)
{
	if (n > 3 && cx_ends(t, n, "_v1"))
		n -= 3;
	if (n > 3 && cx_ends(t, n, "_v2"))
		n -= 3;
	static const char *const workloads[] = {"kubernetes_deployment", "kubernetes_stateful_set",
	                                        "kubernetes_daemonset", "kubernetes_daemon_set",
	                                        "kubernetes_job", "kubernetes_cron_job", NULL};
	if (cx_in_list(t, n, workloads))
		return ST_ENT_WORKLOAD;
	if (cx_ieq(t, n, "kubernetes_config_map"))
		return ST_ENT_CONFIGMAP;
	if (cx_ieq(t, n, "kubernetes_secret"))
		return ST_ENT_SECRET;
	if (cx_ieq(t, n, "kubernetes_service"))
		return ST_ENT_SERVICE;
	if (cx_ieq(t, n, "kubernetes_namespace"))
		return ST_ENT_NAMESPACE;
	if (cx_ieq(t, n, "kubernetes_pod"))
		return ST_ENT_POD;
	return ST_ENT_RESOURCE;
}

/* The alphabet of Kubernetes' generated name suffixes (no vowels). */
static bool
k8s_suffix(const char *s, size_t n, size_t min, size_t max)
{
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr("bcdfghjklmnpqrstvwxz2456789", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

/* The workload a pod, ReplicaSet or Job name belongs to: without the
 * pod's 5-character suffix, the ReplicaSet's template hash, a CronJob's
 * schedule number, a StatefulSet's ordinal. */
static size_t
workload_len(const char *v, size_t n)
{
	for (int round = 0; round < 2; round++) {
		const char *dash = NULL;
		for (size_t i = n; i-- > 0;)
			if (v[i] == '-') {
				dash = v + i;
				break;
			}
		if (dash == NULL || dash == v)
			break;
		const char *s = dash + 1;
		size_t sn = (size_t)(v + n - s);
		if (k8s_suffix(s, sn, 5, 5) || k8s_suffix(s, sn, 8, 10) || (cx_is_digits(s, sn) && sn >= 8) ||
		    (round == 0 && cx_is_digits(s, sn) && sn <= 3))
			n = (size_t)(dash - v);
		else
			break;
	}
	return n;
}

/* The object's name under its kind's entity type. */
static void
object_name(struct cx_reader *r, uint32_t sc, uint8_t type, const char *v, size_t n)
{
	const struct cx_scope *s = &r->cx->scopes[sc];
	if (type == ST_ENT_RESOURCE) {
		char buf[256];
		size_t kl = ST_MIN((size_t)s->label_len, 100);
		if (kl + 1 + n >= sizeof(buf))
			return;
		memcpy(buf, r->cx->pool + s->label_off, kl);
		buf[kl] = '/';
		memcpy(buf + kl + 1, v, n);
		cx_scope_add(r, sc, ST_ENT_RESOURCE, buf, kl + 1 + n);
		return;
	}
	cx_scope_add(r, sc, (enum st_entity_type)type, v, n);
	if (type == ST_ENT_POD ||
	    (type == ST_ENT_WORKLOAD && s->label_len > 0 &&
	     (cx_ieq(r->cx->pool + s->label_off, s->label_len, "replicaset") ||
	      cx_ieq(r->cx->pool + s->label_off, s->label_len, "job")))) {
		size_t w = workload_len(v, n);
		cx_scope_add(r, sc, ST_ENT_WORKLOAD, v, w);
	}
}

/* sessionCache, session_cache -> session-cache */
static size_t
kebab(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z') {
			if (k > 0 && out[k - 1] != '-')
				out[k++] = '-';
			out[k++] = (char)(c + 32);
		} else {
			out[k++] = c == '_' ? '-' : c;
		}
	}
	return k;
}

static const char *const app_labels[] = {
	"metadata.labels.app", "metadata.labels.app.kubernetes.io/name", "spec.selector.app",
	"spec.selector.matchlabels.app", "spec.template.metadata.labels.app", NULL};

/* The rules of block sc for a setting at rel, its path relative to it. */
static void
scope_rules(struct cx_reader *r, uint32_t sc, const char *rel, size_t reln, const char *key,
            size_t kl, const char *v, size_t vn, struct st_entities *own)
{
	struct st_context *cx = r->cx;
	struct cx_scope *s = &cx->scopes[sc];
	/* every rule's path starts with one of these: kind, metadata., spec.,
	 * data., image, name */
	if (reln == 0 || strchr("kmsdinKMSDIN", rel[0]) == NULL)
		return;
	bool yaml = r->dialect == ST_CX_YAML || r->dialect == ST_CX_ANSIBLE;
	bool k8s = yaml || (s->flags & SC_TF_K8S);
	if (yaml && cx_ieq(rel, reln, "kind") && s->label_len == 0) {
		s->flags |= SC_OBJECT;
		s->label_off = cx_pool_add(cx, v, vn);
		s = &cx->scopes[sc];
		s->label_len = (uint32_t)vn;
		s->name_type = kind_type(v, vn);
		if (s->name_len > 0) { /* the name came first: copy it out of the pool */
			char buf[256];
			size_t nl = ST_MIN((size_t)s->name_len, sizeof(buf));
			memcpy(buf, cx->pool + s->name_off, nl);
			object_name(r, sc, s->name_type, buf, nl);
		}
	} else if (k8s && cx_ieq(rel, reln, "metadata.name")) {
		if (cx_icontains(v, vn, "flag"))
			s->flags |= SC_FLAGS;
		if (s->name_type != 0xff) {
			object_name(r, sc, s->name_type, v, vn);
		} else if (yaml && s->name_len == 0) {
			uint32_t off = cx_pool_add(cx, v, vn);
			s = &cx->scopes[sc];
			s->name_off = off;
			s->name_len = (uint32_t)vn;
		}
	} else if (k8s && cx_ieq(rel, reln, "metadata.namespace")) {
		cx_scope_add(r, sc, ST_ENT_NAMESPACE, v, vn);
	} else if (yaml && cx_in_list(rel, reln, app_labels)) {
		cx_scope_add(r, sc, ST_ENT_WORKLOAD, v, vn);
	}
	s = &cx->scopes[sc];
	if ((s->flags & SC_FLAGS) && cx_starts(rel, reln, "data.") &&
	    memchr(rel + 5, '.', reln - 5) == NULL && memchr(rel + 5, '[', reln - 5) == NULL)
		add(own, ST_ENT_FLAG, key, kl);
	if ((s->flags & SC_SECTION) && (cx_ieq(rel, reln, "image.repository") || cx_ieq(rel, reln, "image"))) {
		char buf[128];
		size_t n = kebab(cx->pool + s->label_off, s->label_len, buf, sizeof(buf));
		cx_scope_add(r, sc, ST_ENT_WORKLOAD, buf, n);
	}
	s = &cx->scopes[sc];
	if ((s->flags & SC_CONTAINERS) && cx_ieq(rel, reln, "name"))
		add(own, ST_ENT_CONTAINER, v, vn);
}

/* Run the rules of every open block: the levels' and the document's. */
static void
object_rules(struct cx_reader *r, const char *key, size_t kl, const char *raw, size_t rn,
             struct st_entities *own)
{
	const char *v;
	size_t vn;
	value_core(raw, rn, &v, &vn);
	if (vn == 0 || vn > 200)
		return;
	for (unsigned i = r->depth; i-- > 0;) {
		if (r->lv[i].scope == CX_NONE)
			continue;
		size_t base = r->lv[i].plen;
		if (r->plen <= base + 1)
			continue;
		size_t at = r->path[base] == '.' ? base + 1 : base;
		scope_rules(r, r->lv[i].scope, r->path + at, r->plen - at, key, kl, v, vn, own);
	}
	if (r->doc != CX_NONE)
		scope_rules(r, r->doc, r->path, r->plen, key, kl, v, vn, own);
}

/* ---- settings */

/*
 * Helm's image: {repository: redis, tag: "7.2-alpine"} names the image
 * redis:7.2-alpine: at the second of the two lines, find the first among
 * the file's last few entries (its sibling) and name the whole image.
 */
static void
helm_image(struct cx_reader *r, const char *key, size_t kl, const char *raw, size_t rn,
           struct st_entities *own)
{
	bool tag = cx_ieq(key, kl, "tag");
	if (!(tag || cx_ieq(key, kl, "repository")) || r->plen <= kl ||
	    !cx_ends(r->path, r->plen - kl, "image."))
		return;
	const char *v;
	size_t vn;
	value_core(raw, rn, &v, &vn);
	const char *sib = tag ? "repository" : "tag";
	size_t prefix = r->plen - kl, sl = strlen(sib);
	const struct st_context *cx = r->cx;
	for (size_t i = cx->nentries, seen = 0; i-- > 0 && seen < 16; seen++) {
		const struct cx_entry *e = &cx->entries[i];
		if (e->file != r->file)
			continue;
		const char *k = cx->pool + e->key_off;
		if (e->key_len != prefix + sl || memcmp(k, r->path, prefix) != 0 ||
		    memcmp(k + prefix, sib, sl) != 0)
			continue;
		const char *o;
		size_t on;
		value_core(cx->pool + e->val_off, e->val_len, &o, &on);
		char buf[256];
		const char *repo = tag ? o : v, *t = tag ? v : o;
		size_t repon = tag ? on : vn, tn = tag ? vn : on;
		if (repon + 1 + tn < sizeof(buf) && repon > 0 && tn > 0) {
			memcpy(buf, repo, repon);
			buf[repon] = ':';
			memcpy(buf + repon + 1, t, tn);
			add(own, ST_ENT_IMAGE, buf, repon + 1 + tn);
		}
		return;
	}
}

void
cx_setting(struct cx_reader *r, const char *key, size_t klen, const char *val, size_t vlen)
{
	if (r->cx == NULL)
		return;
	struct st_entities own;
	own.n = 0;
	own.used = 0;
	line_entities(r, key, klen, val, vlen, &own);
	object_rules(r, key, klen, val, vlen, &own);
	helm_image(r, key, klen, val, vlen, &own);
	cx_emit(r, val, vlen, &own);
}

void
cx_value_line(struct cx_reader *r, const char *val, size_t vlen)
{
	if (r->cx == NULL)
		return;
	const char *seg;
	size_t sn;
	last_segment(r->path, r->plen, &seg, &sn);
	struct st_entities own;
	own.n = 0;
	own.used = 0;
	line_entities(r, seg, sn, val, vlen, &own);
	cx_emit(r, val, vlen, &own);
}

void
cx_tf_object(struct cx_reader *r, uint32_t sc, const char *addr, size_t an, const char *type,
             size_t tn, const char *name, size_t nn)
{
	if (r->cx == NULL || sc == CX_NONE)
		return;
	cx_scope_label(r, sc, type, tn);
	struct cx_scope *s = &r->cx->scopes[sc];
	s->flags |= SC_OBJECT;
	if (cx_starts(type, tn, "kubernetes_")) {
		uint8_t t = tf_kind_type(type, tn);
		s->flags |= SC_TF_K8S;
		s->name_type = t == ST_ENT_RESOURCE ? 0xff : t;
	}
	if (cx_icontains(name, nn, "flag"))
		s->flags |= SC_FLAGS;
	cx_scope_add(r, sc, ST_ENT_RESOURCE, addr, an);
}
