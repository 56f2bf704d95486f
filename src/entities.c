/*
 * entities.c: the entities of an event (see classify.h and entity.h).
 *
 * Two sources, in this order:
 *   1. the event's parsed fields: well-known keys (namespace, pod, host,
 *      unit, db, image, ... and their OpenTelemetry and fluentd
 *      spellings) give a value its type; the bracket format's tag and
 *      syslog's program name the service that logged the line;
 *   2. its text, split into tokens at blanks, quotes, brackets and the
 *      like. A token gets a type from the word before it ("ConfigMap
 *      analytics-config", "in namespace analytics", "Started container
 *      main", "changed: [prod-batch-01]", "Packages that will be upgraded:
 *      a b"), from a key before it (key=value, "key":"value"), or from its
 *      shape: an IPv4 address with its port, host:port/database, a URL, a
 *      file system path, a systemd unit, kind/name as kubectl writes it,
 *      namespace/pod, a pod name with its hash suffixes, a terraform
 *      address, a Debian package with its architecture.
 *
 * Shapes are strict where a wrong guess would be common: a path needs a
 * well-known root (/etc, /opt, /var, ...) or a file extension, so an URL
 * path such as /api/checkout is not a file; a pod name needs Kubernetes'
 * hash alphabet (no vowels) in its suffixes; a terraform address needs a
 * provider prefix; "event.go:364" is a source line, not host:port. Values
 * that are states rather than names ("database=connected") are dropped.
 *
 * Cost: print -o json runs this on every event (a syslog line has some
 * 20 tokens), so it is one pass over at most the first SCAN_MAX bytes of
 * the text that splits it and ORs each token's byte classes together.
 * Most tokens are words and numbers with no key and no word of context
 * before them: they take a short way (quiet_token), where a table by
 * first byte and length says whether a word may be a word of context
 * before the lexicon is asked. The others go through token(), whose
 * shape tests ask a lexicon of every word the rules above know, behind an
 * 8 KiB bitmap of the words' shapes (another for the keys of fields and
 * key=value) that turns most tokens away before any hashing. The lexicon,
 * its bitmaps and the byte classes are built on first use, then read-only
 * (the core runs on one thread). It never allocates. bench/json-print
 * measures print -o json.
 */
#include <stdbool.h>
#include <string.h>

#include "strata/classify.h"

#define SCAN_MAX 8192
#define TOK_MAX 256

/* ---- the lexicon: every word a rule below knows, and what it is */

/* What a word says about the token after it. */
enum {
	W_NAMESPACE = 1 << 0, W_CONFIGMAP = 1 << 1, W_SECRET = 1 << 2, W_WORKLOAD = 1 << 3,
	W_SET = 1 << 4, W_REPLICA = 1 << 5, W_OWNED = 1 << 6, W_POD = 1 << 7,
	W_CONTAINER = 1 << 8, W_CVERB = 1 << 9, W_IMAGE = 1 << 10, W_FLAG = 1 << 11,
	W_DB = 1 << 12, W_HOST = 1 << 13, W_ANSIBLE = 1 << 14, W_YUM = 1 << 15, W_BE = 1 << 16,
	W_UPGRADED = 1 << 17, W_METHOD = 1 << 18,
	W_MASK = (1 << 19) - 1,
};

/* What a word is. */
#define L(bit) (UINT64_C(1) << (bit))
enum {
	L_STATE = 24, L_ROOT, L_FILEEXT, L_UNITTYPE, L_CODEEXT, L_ARCH, L_TFPROV, L_NOTSVC,
	L_DBPORT, L_DBSCHEME,
	/* Kubernetes kinds, as kubectl and events write them */
	L_KPOD, L_KWORKLOAD, L_KOWNED, L_KSVC, L_KCM, L_KSECRET, L_KNODE, L_KNS, L_KCONTAINER,
	L_KOTHER,
};
#define KEY_SHIFT 48 /* a field key's kind (enum key_kind) */

enum key_kind {
	K_NONE, K_NS, K_POD, K_CONTAINER, K_HOST, K_SERVICE, K_UNIT, K_WORKLOAD, K_JOB,
	K_CONFIGMAP, K_SECRET, K_FLAG, K_IP, K_PORT, K_DATABASE, K_PATH, K_IMAGE, K_PACKAGE,
};

static const struct {
	const char *w;
	uint32_t flags;
} context_words[] = {
	{"namespace", W_NAMESPACE}, {"-n", W_NAMESPACE},      {"configmap", W_CONFIGMAP},
	{"secret", W_SECRET},       {"deployment", W_WORKLOAD}, {"statefulset", W_WORKLOAD},
	{"daemonset", W_WORKLOAD},  {"cronjob", W_WORKLOAD},  {"deployment.apps", W_WORKLOAD},
	{"statefulset.apps", W_WORKLOAD}, {"daemonset.apps", W_WORKLOAD},
	{"cronjob.batch", W_WORKLOAD}, {"set", W_SET},       {"replica", W_REPLICA},
	{"replicaset", W_OWNED},    {"job", W_OWNED},         {"job.batch", W_OWNED},
	{"pod", W_POD},             {"container", W_CONTAINER}, {"started", W_CVERB},
	{"created", W_CVERB},       {"stopping", W_CVERB},    {"killing", W_CVERB},
	{"failed", W_CVERB | W_ANSIBLE}, {"restarting", W_CVERB}, {"image", W_IMAGE},
	{"flag", W_FLAG},           {"feature_flag", W_FLAG}, {"feature-flag", W_FLAG},
	{"database", W_DB},         {"db", W_DB},             {"host", W_HOST},
	{"changed", W_ANSIBLE},     {"ok", W_ANSIBLE},        {"fatal", W_ANSIBLE},
	{"skipping", W_ANSIBLE},    {"unreachable", W_ANSIBLE}, {"updated", W_YUM},
	{"installed", W_YUM},       {"erased", W_YUM},        {"upgraded", W_YUM | W_UPGRADED},
	{"removed", W_YUM},         {"downgraded", W_YUM},    {"be", W_BE},
	/* an HTTP method: the path after it is an URL's */
	{"get", W_METHOD},          {"post", W_METHOD},       {"put", W_METHOD},
	{"delete", W_METHOD},       {"head", W_METHOD},       {"patch", W_METHOD},
	{"options", W_METHOD},
};

static const struct {
	const char *key;
	uint8_t kind;
} keys[] = {
	{"namespace", K_NS},         {"ns", K_NS},                {"k8s_namespace", K_NS},
	{"namespace_name", K_NS},    {"k8s.namespace.name", K_NS},
	{"kubernetes.namespace_name", K_NS},                       {"pod", K_POD},
	{"pod_name", K_POD},         {"podname", K_POD},          {"k8s.pod.name", K_POD},
	{"kubernetes.pod_name", K_POD},                            {"container", K_CONTAINER},
	{"container_name", K_CONTAINER},                           {"k8s.container.name", K_CONTAINER},
	{"kubernetes.container_name", K_CONTAINER},                {"host", K_HOST},
	{"hostname", K_HOST},        {"node", K_HOST},            {"nodename", K_HOST},
	{"node_name", K_HOST},       {"host.name", K_HOST},       {"kubernetes.host", K_HOST},
	{"_hostname", K_HOST},       {"service", K_SERVICE},      {"svc", K_SERVICE},
	{"service_name", K_SERVICE}, {"service.name", K_SERVICE}, {"app", K_SERVICE},
	{"application", K_SERVICE},  {"unit", K_UNIT},            {"_systemd_unit", K_UNIT},
	{"systemd_unit", K_UNIT},    {"deployment", K_WORKLOAD},  {"statefulset", K_WORKLOAD},
	{"daemonset", K_WORKLOAD},   {"cronjob", K_WORKLOAD},     {"workload", K_WORKLOAD},
	{"k8s.deployment.name", K_WORKLOAD},                       {"job", K_JOB},
	{"job_name", K_JOB},         {"configmap", K_CONFIGMAP},  {"config_map", K_CONFIGMAP},
	{"secret", K_SECRET},        {"secret_name", K_SECRET},   {"flag", K_FLAG},
	{"feature", K_FLAG},         {"feature_flag", K_FLAG},    {"flag_key", K_FLAG},
	{"flagkey", K_FLAG},         {"featurename", K_FLAG},     {"ip", K_IP},
	{"client_ip", K_IP},         {"remote_addr", K_IP},       {"remote_ip", K_IP},
	{"src_ip", K_IP},            {"dst_ip", K_IP},            {"source_ip", K_IP},
	{"client", K_IP},            {"peer", K_IP},              {"addr", K_IP},
	{"client.ip", K_IP},         {"port", K_PORT},            {"dport", K_PORT},
	{"sport", K_PORT},           {"dst_port", K_PORT},        {"src_port", K_PORT},
	{"database", K_DATABASE},    {"db", K_DATABASE},          {"dbname", K_DATABASE},
	{"db_name", K_DATABASE},     {"datname", K_DATABASE},     {"db.name", K_DATABASE},
	{"path", K_PATH},            {"file", K_PATH},            {"filename", K_PATH},
	{"filepath", K_PATH},        {"file_path", K_PATH},       {"log.file.path", K_PATH},
	{"_exe", K_PATH},            {"exe", K_PATH},             {"image", K_IMAGE},
	{"image_name", K_IMAGE},     {"container.image.name", K_IMAGE},
	{"package", K_PACKAGE},      {"pkg", K_PACKAGE},          {"package_name", K_PACKAGE},
};

static const char *const state_words[] = {
	"connected", "disconnected", "ok", "up", "down", "true", "false", "yes", "no", "none",
	"null", "nil", "enabled", "disabled", "failed", "error", "unknown", "healthy",
	"unhealthy", "-", "n/a", "running", "ready", "is", "was", "has", "the", "a", "an", "not",
	"for", "to", "of", "in", "on", "and", "with", "from", "default", "terminated", "started",
	"stopped", "deleted", "created", "updated", "scheduled", "evicted", "killed", "restarted",
	"removed", "added", "pending", "succeeded", "completed", "failing", NULL};
static const char *const roots[] = {
	"etc", "opt", "var", "usr", "home", "srv", "tmp", "run", "data", "mnt", "proc", "sys",
	"dev", "bin", "sbin", "lib", "lib64", "root", "boot", "media", "nix", "snap", "app",
	"apps", "config", "backup", "backups", "export", "exports", NULL};
static const char *const file_exts[] = {
	"sh", "bash", "py", "rb", "pl", "js", "ts", "go", "jar", "war", "conf", "cfg", "ini",
	"yaml", "yml", "json", "toml", "xml", "properties", "env", "log", "sock", "pid", "so",
	"rdb", "aof", "db", "sqlite", "sql", "pem", "crt", "key", "csr", "tar", "gz", "tgz",
	"zst", "zip", "tf", "tfvars", "txt", "csv", "parquet", "bak", "lock", "service",
	"timer", "socket", "img", "iso", "deb", "rpm", "php", "lua", "j2", NULL};
static const char *const unit_types[] = {"service", "timer", "socket", "mount", "target",
                                         "slice", "scope", "swap", "automount", NULL};
/* "event.go" of "event.go:364" is a source file and its line, not a host */
static const char *const code_exts[] = {"go", "py", "c", "h", "cc", "cpp", "hpp", "java",
                                        "rs", "js", "ts", "rb", "scala", "kt", "cs", "php",
                                        "swift", "ex", "exs", "erl", "lua", "pl", "sh", NULL};
static const char *const archs[] = {"amd64", "arm64", "i386", "all", "armhf", "armel",
                                    "ppc64el", "s390x", "riscv64", NULL};
static const char *const tf_providers[] = {
	"aws", "azurerm", "azuread", "google", "kubernetes", "helm", "null", "random", "local",
	"tls", "time", "archive", "template", "vault", "consul", "nomad", "cloudflare",
	"digitalocean", "github", "gitlab", "datadog", "oci", "alicloud", "ibm", "openstack",
	"vsphere", "docker", "postgresql", "mysql", "onepassword", "tfe", "hcloud", "linode",
	"fastly", "pagerduty", "grafana", "newrelic", "kafka", "rabbitmq", "dns", "http",
	"external", "terraform", "akamai", "okta", "auth0", "snowflake", "elasticstack",
	"opsgenie", "sentry", "mongodbatlas", "confluent", "dcnm", NULL};
static const char *const not_services[] = {
	"kernel", "systemd", "init", "cron", "crond", "anacron", "sudo", "su", "login",
	"rsyslogd", "systemd-logind", "systemd-journald", "audit", "auditd", NULL};
static const char *const db_ports[] = {"5432", "3306", "1433", "1521", "27017", "26257",
                                       "9042", "5984", "8123", "9000", "6432", NULL};
static const char *const db_schemes[] = {"postgres", "postgresql", "mysql", "mongodb",
                                         "mongodb+srv", "mariadb", "jdbc:postgresql",
                                         "jdbc:mysql", "clickhouse", "cockroachdb", NULL};
static const char *const k_pods[] = {"pod", "pods", "po", NULL};
static const char *const k_workloads[] = {"deployment", "deployments", "deploy", "statefulset",
                                          "statefulsets", "sts", "daemonset", "daemonsets",
                                          "ds", "cronjob", "cronjobs", "cj", NULL};
static const char *const k_owned[] = {"replicaset", "replicasets", "rs", "job", "jobs", NULL};
static const char *const k_svcs[] = {"service", "services", "svc", NULL};
static const char *const k_cms[] = {"configmap", "configmaps", "cm", NULL};
static const char *const k_secrets[] = {"secret", "secrets", NULL};
static const char *const k_nodes[] = {"node", "nodes", "no", NULL};
static const char *const k_nss[] = {"namespace", "namespaces", "ns", NULL};
static const char *const k_containers[] = {"container", "containers", NULL};
static const char *const k_others[] = {
	"ingress", "ingresses", "ing", "persistentvolumeclaim", "pvc", "persistentvolume", "pv",
	"horizontalpodautoscaler", "hpa", "serviceaccount", "sa", "role", "rolebinding",
	"clusterrole", "clusterrolebinding", "networkpolicy", "poddisruptionbudget", "pdb",
	"lease", "endpoints", "release", NULL};

/* The classes of bytes the tokenizer tells apart, as bits: OR'ed over a
 * token, they say at once which separators it holds (most hold none) and
 * whether it is all digits and separators (C_OTHER: any other byte). */
enum { C_DELIM = 1, C_SLASH = 2, C_COLON = 4, C_UNDER = 8, C_DOT = 16, C_OTHER = 32 };
#define C_MARKS (C_SLASH | C_COLON | C_UNDER | C_DOT)

#define LEX_SIZE 2048 /* a power of two, well above the words listed */
#define LEX_WORD 31

struct lexent {
	uint8_t len;       /* 0: a free slot */
	char w[LEX_WORD];  /* zero-padded: see lex_probe */
	uint64_t bits;
};

static struct lexent lexicon[LEX_SIZE];
/* (first two bytes, last byte, length) of every word, case folded and
 * hashed to 16 bits (an 8 KiB bitmap): most tokens are no word, and this
 * tells them without hashing them whole */
static uint64_t lexicon_shape[(1u << 16) / 64];
/* the same for the keys of fields alone (K_*): most keys are none, even
 * when the lexicon knows the word ("pid", "time") */
static uint64_t key_shape[(1u << 16) / 64];
/* the words that say what the token after them is (W_*), by first byte
 * (case folded) and length: most words a line has are none of them */
static uint32_t context_first[256];
static uint8_t byte_class[256]; /* C_* of every byte */
static bool lexicon_ready;

static inline uint32_t
shape_key(const char *s, size_t n)
{
	uint32_t v = ((uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[n > 1] << 8 |
	              (uint32_t)(unsigned char)s[n - 1] << 16) |
	             0x202020u;
	return ((v | (uint32_t)n << 24) * 0x9E3779B1u) >> 16;
}

static inline char
lower(char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static uint32_t
lex_hash(const char *low, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)low[i]) * 16777619u;
	return h;
}

static void
lex_put(const char *w, uint64_t bits)
{
	size_t n = strlen(w);
	uint32_t k = lex_hash(w, n) & (LEX_SIZE - 1);
	while (lexicon[k].len != 0 && !(lexicon[k].len == n && memcmp(lexicon[k].w, w, n) == 0))
		k = (k + 1) & (LEX_SIZE - 1);
	lexicon[k].len = (uint8_t)n;
	memcpy(lexicon[k].w, w, n);
	lexicon[k].bits |= bits;
	uint32_t key = shape_key(w, n);
	uint64_t bit = UINT64_C(1) << (key & 63);
	lexicon_shape[key >> 6] |= bit;
	if (bits >> KEY_SHIFT)
		key_shape[key >> 6] |= bit;
	if (bits & W_MASK)
		context_first[(unsigned char)w[0]] |= UINT32_C(1) << n;
}

static void
lex_put_list(const char *const *list, int bit)
{
	for (size_t i = 0; list[i]; i++)
		lex_put(list[i], L(bit));
}

static void
lex_init(void)
{
	for (size_t i = 0; i < ST_ARRAY_LEN(context_words); i++)
		lex_put(context_words[i].w, context_words[i].flags);
	for (size_t i = 0; i < ST_ARRAY_LEN(keys); i++)
		lex_put(keys[i].key, (uint64_t)keys[i].kind << KEY_SHIFT);
	lex_put_list(state_words, L_STATE);
	lex_put_list(roots, L_ROOT);
	lex_put_list(file_exts, L_FILEEXT);
	lex_put_list(unit_types, L_UNITTYPE);
	lex_put_list(code_exts, L_CODEEXT);
	lex_put_list(archs, L_ARCH);
	lex_put_list(tf_providers, L_TFPROV);
	lex_put_list(not_services, L_NOTSVC);
	lex_put_list(db_ports, L_DBPORT);
	lex_put_list(db_schemes, L_DBSCHEME);
	lex_put_list(k_pods, L_KPOD);
	lex_put_list(k_workloads, L_KWORKLOAD);
	lex_put_list(k_owned, L_KOWNED);
	lex_put_list(k_svcs, L_KSVC);
	lex_put_list(k_cms, L_KCM);
	lex_put_list(k_secrets, L_KSECRET);
	lex_put_list(k_nodes, L_KNODE);
	lex_put_list(k_nss, L_KNS);
	lex_put_list(k_containers, L_KCONTAINER);
	lex_put_list(k_others, L_KOTHER);
	for (int c = 0; c < 256; c++)
		byte_class[c] = c >= '0' && c <= '9' ? 0 : C_OTHER;
	for (const char *d = " \t\n\r\"'`,;()[]{}<>|=\\"; *d; d++)
		byte_class[(unsigned char)*d] = C_DELIM;
	byte_class['/'] = C_SLASH;
	byte_class[':'] = C_COLON;
	byte_class['_'] = C_UNDER;
	byte_class['.'] = C_DOT;
	lexicon_ready = true;
}

/* The hash probe behind lex(), for the few tokens the shape lets by: the
 * word's length and its bytes, folded and zero-padded, are compared as one
 * 32-byte block with an entry's len and w. */
static uint64_t
lex_probe(const char *s, size_t n)
{
	char key[1 + LEX_WORD] = {0};
	key[0] = (char)n;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		key[1 + i] = lower(s[i]);
		h = (h ^ (unsigned char)key[1 + i]) * 16777619u;
	}
	for (uint32_t k = h & (LEX_SIZE - 1);; k = (k + 1) & (LEX_SIZE - 1)) {
		const struct lexent *e = &lexicon[k];
		if (e->len == 0)
			return 0;
		if (memcmp(e, key, sizeof(key)) == 0)
			return e->bits;
	}
}

/* Is the shape of s[0..n) in a bitmap of shapes (lexicon_shape, key_shape)?
 * Never a false "no", rarely a false "yes". lex_init must have run (the
 * entry points see to it). */
static inline bool
shape_in(const uint64_t *shapes, const char *s, size_t n)
{
	if (n - 1 >= LEX_WORD) /* n is 0 or over LEX_WORD */
		return false;
	uint32_t key = shape_key(s, n);
	return shapes[key >> 6] >> (key & 63) & 1;
}

/* Could the lexicon know s[0..n)? */
static inline bool
lex_maybe(const char *s, size_t n)
{
	return shape_in(lexicon_shape, s, n);
}

/* The same for the words of context (W_*). */
static inline bool
context_maybe(const char *s, size_t n)
{
	return n <= LEX_WORD && (context_first[(unsigned char)lower(s[0])] >> n & 1) &&
	       lex_maybe(s, n);
}

/* What the lexicon knows of s[0..n), in any ASCII case: 0 when nothing. */
static inline uint64_t
lex(const char *s, size_t n)
{
	return lex_maybe(s, n) ? lex_probe(s, n) : 0;
}

static bool
is_a(const char *s, size_t n, int bit)
{
	return (lex(s, n) & L(bit)) != 0;
}

static enum key_kind
key_kind(const char *k, size_t n)
{
	if (!shape_in(key_shape, k, n))
		return K_NONE;
	return (enum key_kind)((lex_probe(k, n) >> KEY_SHIFT) & 0xff);
}

/* ---- small predicates */

/* memchr for the short strings here: no call */
static inline const char *
find(const char *s, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return s + i;
	return NULL;
}

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool
has_alpha(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
			return true;
	return false;
}

static bool
has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* A Kubernetes object name: lower-case alphanumerics, '-' and '.'. */
static bool
is_k8s_name(const char *s, size_t n)
{
	if (n == 0 || n > 253 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

/* A host name: letters, digits, '-', '.', '_', with a letter. */
static bool
is_host_name(const char *s, size_t n)
{
	if (n == 0 || n > 253 || !is_alnum(s[0]) || !has_alpha(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
			return false;
	return true;
}

static bool
is_state_word(const char *s, size_t n)
{
	return n == 0 || is_a(s, n, L_STATE);
}

/* The extension after the last '.' of s (n bytes), or NULL. */
static const char *
extension(const char *s, size_t n, size_t *len)
{
	for (size_t i = n; i > 1; i--)
		if (s[i - 1] == '.') {
			*len = n - i;
			return s + i;
		}
	return NULL;
}

/* Kubernetes' hash alphabet (rand.SafeEncodeString): no vowels. */
static bool
hash_chars(const char *s, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || memchr(alphabet, s[i], sizeof(alphabet) - 1) == NULL)
			return false;
	return true;
}

/* The start of the last '-' component of s[0..n), or 0. */
static size_t
last_dash(const char *s, size_t n)
{
	for (size_t i = n; i > 1; i--)
		if (s[i - 1] == '-')
			return i;
	return 0;
}

/* A ReplicaSet's pod-template hash or a CronJob's scheduled time. */
static bool
is_owner_hash(const char *s, size_t n)
{
	return (n >= 6 && n <= 10 && hash_chars(s, n) && has_digit(s, n)) ||
	       (n >= 6 && n <= 12 && is_digits(s, n));
}

size_t
st_workload_len(const char *s, size_t n, bool pod)
{
	size_t c1 = last_dash(s, n);
	if (c1 < 2)
		return n;
	size_t base = n;
	if (pod) {
		size_t l1 = n - c1;
		if (l1 == 5 && hash_chars(s + c1, 5))
			base = c1 - 1;
		else if (l1 <= 4 && is_digits(s + c1, l1))
			return c1 - 1; /* a StatefulSet's ordinal */
		else
			return n;
		size_t c2 = last_dash(s, base);
		if (c2 >= 2 && is_owner_hash(s + c2, base - c2))
			base = c2 - 1;
		return base;
	}
	if (is_owner_hash(s + c1, n - c1))
		base = c1 - 1;
	return base;
}

/* A pod's name with both hash suffixes (deployment or CronJob pods). */
static bool
is_pod_shape(const char *s, size_t n)
{
	if (n < 14 || s[n - 6] != '-' || !is_k8s_name(s, n))
		return false;
	size_t c1 = last_dash(s, n);
	if (c1 < 2 || n - c1 != 5 || !hash_chars(s + c1, 5))
		return false;
	size_t c2 = last_dash(s, c1 - 1);
	return c2 >= 2 && is_owner_hash(s + c2, c1 - 1 - c2);
}

static void
add(struct st_entities *es, enum st_entity_type t, const char *v, size_t n)
{
	if (n == 0 || n > TOK_MAX)
		return;
	if (t == ST_ENT_HOST) {
		char low[TOK_MAX];
		for (size_t i = 0; i < n; i++)
			low[i] = lower(v[i]);
		st_entities_add(es, t, low, n);
		return;
	}
	st_entities_add(es, t, v, n);
}

static void
add_pod(struct st_entities *es, const char *s, size_t n)
{
	add(es, ST_ENT_POD, s, n);
	add(es, ST_ENT_WORKLOAD, s, st_workload_len(s, n, true));
}

bool
st_entities_add_k8s(struct st_entities *es, const char *kind, size_t kn, const char *name,
                    size_t nn)
{
	if (!lexicon_ready)
		lex_init();
	const char *dot = memchr(kind, '.', kn);
	size_t k = dot ? (size_t)(dot - kind) : kn;
	if (nn == 0 || !is_alnum(name[0]))
		return false;
	uint64_t b = lex(kind, k);
	if (b & L(L_KPOD))
		add_pod(es, name, nn);
	else if (b & L(L_KWORKLOAD))
		add(es, ST_ENT_WORKLOAD, name, nn);
	else if (b & L(L_KOWNED))
		add(es, ST_ENT_WORKLOAD, name, st_workload_len(name, nn, false));
	else if (b & L(L_KSVC))
		add(es, ST_ENT_SERVICE, name, nn);
	else if (b & L(L_KCM))
		add(es, ST_ENT_CONFIGMAP, name, nn);
	else if (b & L(L_KSECRET))
		add(es, ST_ENT_SECRET, name, nn);
	else if (b & L(L_KNODE))
		add(es, ST_ENT_HOST, name, nn);
	else if (b & L(L_KNS))
		add(es, ST_ENT_NAMESPACE, name, nn);
	else if (b & L(L_KCONTAINER))
		add(es, ST_ENT_CONTAINER, name, nn);
	else if (b & L(L_KOTHER)) {
		/* not any kind.group/name: "google.golang.org/grpc" is a module */
		char buf[TOK_MAX];
		if (k + 1 + nn > sizeof(buf))
			return false;
		for (size_t i = 0; i < k; i++)
			buf[i] = lower(kind[i]);
		buf[k] = '/';
		memcpy(buf + k + 1, name, nn);
		add(es, ST_ENT_RESOURCE, buf, k + 1 + nn);
	} else {
		return false;
	}
	return true;
}

/* ---- paths, units, addresses, packages */

static void
add_path(struct st_entities *es, const char *s, size_t n)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	add(es, ST_ENT_PATH, s, n);
	size_t b = n;
	while (b > 0 && s[b - 1] != '/')
		b--;
	if (b < n && !(n - b <= 2 && s[b] == '.'))
		add(es, ST_ENT_FILE, s + b, n - b);
}

/* Is s a file system path worth naming (not an URL path)? */
static bool
is_fs_path(const char *s, size_t n)
{
	if (n < 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || s[i] == '?' || s[i] == '&' || s[i] == '=' ||
		    s[i] == '%')
			return false;
	if (s[0] == '~' || (s[0] == '.' && (s[1] == '/' || (n > 2 && s[1] == '.' && s[2] == '/'))))
		return memchr(s, '/', n) != NULL && n > 2;
	if (s[0] != '/' || !is_alnum(s[1]))
		return false;
	size_t e = 1;
	while (e < n && s[e] != '/')
		e++;
	if (e < n && is_a(s + 1, e - 1, L_ROOT))
		return true;
	/* or a file extension on its last component */
	size_t b = n;
	while (b > 0 && s[b - 1] != '/')
		b--;
	size_t xl;
	const char *x = extension(s + b, n - b, &xl);
	return x != NULL && is_a(x, xl, L_FILEEXT);
}

static bool
add_unit(struct st_entities *es, const char *s, size_t n)
{
	size_t xl;
	const char *x = extension(s, n, &xl);
	if (x == NULL || !is_a(x, xl, L_UNITTYPE))
		return false;
	size_t base = (size_t)(x - 1 - s);
	for (size_t i = 0; i < base; i++)
		if (!is_alnum(s[i]) && !strchr("-_@:.\\", s[i]))
			return false;
	add(es, ST_ENT_UNIT, s, n);
	if (xl == 7 && memcmp(x, "service", 7) == 0) {
		const char *at = memchr(s, '@', base);
		add(es, ST_ENT_SERVICE, s, at ? (size_t)(at - s) : base);
	}
	return true;
}

/* IPv4 a.b.c.d: its length, or 0. */
static size_t
ipv4_len(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t d = 0;
		int v = 0;
		while (i < n && d < 3 && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (s[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || v > 255 || (i < n && s[i] >= '0' && s[i] <= '9'))
			return 0;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i;
}

static bool
port_ok(const char *s, size_t n)
{
	if (!is_digits(s, n) || n > 5)
		return false;
	long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v > 0 && v < 65536;
}

/* A host before ":port": a word alone ("redis:6379") is one when it is
 * lower case and its port has two digits at least; prose says
 * "CurrentState:112" and "retry:3". */
static bool
looks_like_host(const char *s, size_t n, size_t portlen)
{
	if (find(s, n, '.') != NULL || find(s, n, '-') != NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return false;
	return portlen >= 2;
}

/* "host:port/db", "10.0.0.1:5432"; returns true when it took the token. */
static bool
host_port(struct st_entities *es, const char *s, size_t n, bool db_scheme)
{
	const char *colon = find(s, n, ':');
	if (colon == NULL)
		return false;
	size_t hl = (size_t)(colon - s);
	const char *p = colon + 1;
	size_t pl = 0;
	while (p + pl < s + n && p[pl] >= '0' && p[pl] <= '9')
		pl++;
	if (!port_ok(p, pl))
		return false;
	const char *rest = p + pl;
	size_t rl = (size_t)(s + n - rest);
	if (rl > 0 && rest[0] != '/')
		return false;
	size_t ip = ipv4_len(s, hl);
	size_t xl;
	const char *x = extension(s, hl, &xl);
	if (ip == hl && ip > 0)
		add(es, ST_ENT_IP, s, hl);
	else if (is_host_name(s, hl) && !(x != NULL && is_a(x, xl, L_CODEEXT)) &&
	         looks_like_host(s, hl, pl))
		add(es, ST_ENT_HOST, s, hl);
	else
		return false;
	add(es, ST_ENT_PORT, p, pl);
	if (rl > 1) {
		const char *d = rest + 1;
		size_t dl = rl - 1, k = 0;
		while (k < dl && (is_alnum(d[k]) || d[k] == '_' || d[k] == '-'))
			k++;
		if (k == dl && (db_scheme || is_a(p, pl, L_DBPORT)))
			add(es, ST_ENT_DATABASE, d, k);
	}
	return true;
}

/* scheme://[user[:pw]@]host[:port][/path] at s, whose "://" is at sep. */
static void
url(struct st_entities *es, const char *s, size_t n, const char *sep)
{
	bool db = is_a(s, (size_t)(sep - s), L_DBSCHEME);
	const char *h = sep + 3, *end = s + n;
	for (const char *p = h; p < end; p++)
		if (*p == '?' || *p == '#') { /* the query is no part of the path */
			end = p;
			break;
		}
	if (end <= h)
		return;
	const char *slash = memchr(h, '/', (size_t)(end - h));
	const char *hend = slash ? slash : end;
	for (const char *p = h; p < hend; p++)
		if (*p == '@')
			h = p + 1;
	if (h >= hend)
		return;
	if (memchr(h, ':', (size_t)(hend - h)) != NULL) {
		host_port(es, h, (size_t)((slash ? end : hend) - h), db);
		return;
	}
	size_t hl = (size_t)(hend - h);
	if (ipv4_len(h, hl) == hl)
		add(es, ST_ENT_IP, h, hl);
	else if (is_host_name(h, hl))
		add(es, ST_ENT_HOST, h, hl);
	if (db && slash && end - slash > 1) {
		size_t k = 0;
		while (slash + 1 + k < end &&
		       (is_alnum(slash[1 + k]) || slash[1 + k] == '_' || slash[1 + k] == '-'))
			k++;
		add(es, ST_ENT_DATABASE, slash + 1, k);
	}
}

/* module.x.aws_db_instance.replica_west[0] */
static bool
is_tf_resource(const char *s, size_t n)
{
	size_t i = 0;
	while (n - i > 7 && memcmp(s + i, "module.", 7) == 0) {
		i += 7;
		while (i < n && s[i] != '.')
			i++;
		if (i >= n)
			return false;
		i++;
	}
	if (n - i > 5 && memcmp(s + i, "data.", 5) == 0)
		i += 5;
	size_t t = i;
	while (i < n && s[i] != '_' && s[i] != '.')
		i++;
	if (i >= n || s[i] != '_' || !is_a(s + t, i - t, L_TFPROV))
		return false;
	while (i < n && (is_alnum(s[i]) || s[i] == '_'))
		i++;
	if (i >= n || s[i] != '.' || i + 1 >= n || !(is_alnum(s[i + 1]) || s[i + 1] == '_'))
		return false;
	for (i++; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '[' && s[i] != ']' &&
		    s[i] != '"')
			return false;
	return true;
}

/* openssl:amd64 (dpkg, apt), whose ':' is at c */
static bool
deb_package(struct st_entities *es, const char *s, size_t n, const char *c)
{
	if (c == s || !is_a(c + 1, (size_t)(s + n - c - 1), L_ARCH))
		return false;
	size_t pl = (size_t)(c - s);
	for (size_t i = 0; i < pl; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		      s[i] == '-' || s[i] == '.'))
			return false;
	add(es, ST_ENT_PACKAGE, s, pl);
	return true;
}

/* openssl-1:3.0.7-25.el9.x86_64 -> openssl (yum, dnf) */
static bool
rpm_package(struct st_entities *es, const char *s, size_t n)
{
	static const char *const rarchs[] = {".x86_64", ".noarch", ".aarch64", ".i686",
	                                     ".ppc64le", ".s390x", NULL};
	size_t e = n;
	for (int i = 0; rarchs[i]; i++) {
		size_t l = strlen(rarchs[i]);
		if (n > l && memcmp(s + n - l, rarchs[i], l) == 0)
			e = n - l;
	}
	/* name-[epoch:]version-release: the name ends before the second-last '-' */
	size_t d1 = 0, d2 = 0;
	for (size_t i = e; i > 0; i--)
		if (s[i - 1] == '-') {
			if (d1 == 0) {
				d1 = i - 1;
			} else {
				d2 = i - 1;
				break;
			}
		}
	if (d2 == 0 || d2 + 1 >= e || !(s[d2 + 1] >= '0' && s[d2 + 1] <= '9'))
		return false;
	add(es, ST_ENT_PACKAGE, s, d2);
	return true;
}

/* ---- fields */

/* The value of a typed key; url_paths: a "path" is an URL's (access logs). */
static void
keyed(struct st_entities *es, enum key_kind kk, const char *v, size_t n, bool url_paths)
{
	while (n > 0 && (v[n - 1] == '.' || v[n - 1] == ','))
		n--;
	if (kk == K_NONE || n == 0 || n > TOK_MAX || is_state_word(v, n))
		return;
	switch (kk) {
	case K_NS:
		if (is_k8s_name(v, n))
			add(es, ST_ENT_NAMESPACE, v, n);
		break;
	case K_POD:
		if (is_k8s_name(v, n))
			add_pod(es, v, n);
		break;
	case K_CONTAINER:
		add(es, ST_ENT_CONTAINER, v, n);
		break;
	case K_HOST:
		/* a log line's level word misread as its host is no host */
		if (st_level_from_word(v, n) != ST_LVL_NONE || host_port(es, v, n, false))
			break;
		if (ipv4_len(v, n) == n)
			add(es, ST_ENT_IP, v, n);
		else if (is_host_name(v, n))
			add(es, ST_ENT_HOST, v, n);
		break;
	case K_SERVICE: {
		const char *slash = memchr(v, '/', n);
		if (slash) { /* argocd/checkout: the application's name */
			n -= (size_t)(slash + 1 - v);
			v = slash + 1;
		}
		if (n > 0 && is_alnum(v[0]))
			add(es, ST_ENT_SERVICE, v, n);
		break;
	}
	case K_UNIT:
		add_unit(es, v, n); /* only a systemd unit's name: "unit=0x0b" is none */
		break;
	case K_WORKLOAD:
		add(es, ST_ENT_WORKLOAD, v, n);
		break;
	case K_JOB:
		add(es, ST_ENT_WORKLOAD, v, st_workload_len(v, n, false));
		break;
	case K_CONFIGMAP:
		add(es, ST_ENT_CONFIGMAP, v, n);
		break;
	case K_SECRET:
		add(es, ST_ENT_SECRET, v, n);
		break;
	case K_FLAG:
		add(es, ST_ENT_FLAG, v, n);
		break;
	case K_IP: {
		size_t l = ipv4_len(v, n);
		if (l == n)
			add(es, ST_ENT_IP, v, n);
		else if (l > 0)
			host_port(es, v, n, false);
		break;
	}
	case K_PORT:
		if (port_ok(v, n))
			add(es, ST_ENT_PORT, v, n);
		break;
	case K_DATABASE:
		if (has_alpha(v, n))
			add(es, ST_ENT_DATABASE, v, n);
		break;
	case K_PATH:
		if (!url_paths && is_fs_path(v, n))
			add_path(es, v, n);
		break;
	case K_IMAGE:
		add(es, ST_ENT_IMAGE, v, n);
		break;
	case K_PACKAGE:
		if (has_alpha(v, n))
			add(es, ST_ENT_PACKAGE, v, n);
		break;
	case K_NONE:
		break;
	}
}

/* A metric's labels: node_exporter's package and flag are the CPU's, and
 * job is Prometheus' scrape job. */
static bool
metric_key(enum key_kind kk)
{
	return kk == K_PACKAGE || kk == K_FLAG || kk == K_JOB;
}

static void
from_fields(struct st_entities *es, const struct st_fields *fs, bool metric)
{
	bool url_paths = false;
	for (unsigned i = 0; i < fs->n; i++)
		if (fs->f[i].klen == 6 && memcmp(fs->f[i].key, "method", 6) == 0)
			url_paths = true;
	for (unsigned i = 0; i < fs->n; i++) {
		const struct st_field *f = &fs->f[i];
		const char *v = f->val;
		size_t n = f->vlen;
		enum key_kind kk = key_kind(f->key, f->klen);
		if (metric && metric_key(kk))
			continue;
		if (f->json) {
			if (n < 2 || v[0] != '"') {
				/* numbers: only a port can be one */
				if (kk == K_PORT)
					keyed(es, K_PORT, v, n, false);
				continue;
			}
			v++;
			n -= 2;
		}
		if (f->klen == 3 && memcmp(f->key, "tag", 3) == 0) {
			/* the bracket format's tag: the system that logged the line */
			const char *slash = memchr(v, '/', n);
			size_t l = slash ? (size_t)(slash - v) : n;
			if (l > 0 && is_host_name(v, l))
				add(es, ST_ENT_SERVICE, v, l);
			continue;
		}
		if (f->klen == 7 && memcmp(f->key, "program", 7) == 0) {
			/* "sshd(pam_unix)": the program; a path: its file */
			const char *paren = memchr(v, '(', n);
			if (paren != NULL)
				n = (size_t)(paren - v);
			const char *slash = NULL;
			for (size_t k = 0; k < n; k++)
				if (v[k] == '/')
					slash = v + k;
			if (slash != NULL) {
				if (is_fs_path(v, n))
					add_path(es, v, n);
				n -= (size_t)(slash + 1 - v);
				v = slash + 1;
			}
			size_t xl;
			const char *x = extension(v, n, &xl);
			if (x != NULL && is_a(x, xl, L_FILEEXT))
				add(es, ST_ENT_FILE, v, n);
			else if (!is_a(v, n, L_NOTSVC) && !(n > 8 && memcmp(v, "systemd-", 8) == 0))
				add(es, ST_ENT_SERVICE, v, n);
			continue;
		}
		keyed(es, kk, v, n, url_paths);
	}
}

/* ---- text */

/* What the scan remembers of a token it passed. */
struct tok {
	uint32_t word; /* W_* */
	char first;    /* its first byte (a Kind is capitalised) */
	bool colon;    /* it ended in ':' (trimmed) */
};

/* Where the separators that decide a token's shape first are. */
struct marks {
	const char *slash, *colon, *under, *dot;
};

struct scan {
	struct st_entities *es;
	struct tok prev[2];  /* prev[0]: the token before this one */
	enum key_kind key;   /* this token is the value of a key of this
	                      * kind (k=v, "k":v); a key strata does not know
	                      * is as good as none */
	bool packages;       /* "Packages that will be upgraded:" until the line ends */
	bool metric;         /* a metric sample's: see metric_key */
};


static bool
prev_is(const struct scan *sc, int i, uint32_t flags)
{
	return (sc->prev[i].word & flags) != 0;
}

/* A token typed by the word before it; true when it took it. lx: what
 * the lexicon knows of the token. */
static bool
by_context(struct scan *sc, const char *s, size_t n, char before, uint64_t lx)
{
	struct st_entities *es = sc->es;
	/* the word right before: "ConfigMap x", not "container (image x" */
	if (sc->prev[0].word == 0 ||
	    (before != ' ' && before != '\'' && before != '"' && before != '['))
		return false;
	if (lx & L(L_STATE))
		return false;
	if (prev_is(sc, 0, W_NAMESPACE)) {
		if (!is_k8s_name(s, n) || !has_alpha(s, n))
			return false;
		add(es, ST_ENT_NAMESPACE, s, n);
		return true;
	}
	/* After a Kind as Kubernetes writes it ("ConfigMap x", "Pod x"), any
	 * name; after the word in prose ("the job however"), only a name
	 * that looks like one: with '-', '.' or a digit, or quoted. */
	bool kind_case = sc->prev[0].first >= 'A' && sc->prev[0].first <= 'Z';
	bool named = is_k8s_name(s, n) && has_alpha(s, n) &&
	             (kind_case || before == '"' || before == '\'' || has_digit(s, n) ||
	              memchr(s, '-', n) != NULL || memchr(s, '.', n) != NULL);
	if (prev_is(sc, 0, W_CONFIGMAP) && named) {
		add(es, ST_ENT_CONFIGMAP, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_SECRET) && named) {
		add(es, ST_ENT_SECRET, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_WORKLOAD) && named) {
		add(es, ST_ENT_WORKLOAD, s, n);
		return true;
	}
	if (((prev_is(sc, 0, W_SET) && prev_is(sc, 1, W_REPLICA)) || prev_is(sc, 0, W_OWNED)) &&
	    named) {
		add(es, ST_ENT_WORKLOAD, s, st_workload_len(s, n, false));
		return true;
	}
	if (prev_is(sc, 0, W_POD) && named) {
		add_pod(es, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_CONTAINER) && prev_is(sc, 1, W_CVERB) && is_k8s_name(s, n)) {
		add(es, ST_ENT_CONTAINER, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_IMAGE) && n > 1 && is_alnum(s[0]) &&
	    (before == '"' || before == '\'' || memchr(s, ':', n) || memchr(s, '/', n) ||
	     memchr(s, '@', n))) {
		add(es, ST_ENT_IMAGE, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_FLAG) && (before == '\'' || before == '"' || has_alpha(s, n))) {
		size_t k = 0;
		while (k < n && (is_alnum(s[k]) || s[k] == '_' || s[k] == '-' || s[k] == '.'))
			k++;
		if (k == n) {
			add(es, ST_ENT_FLAG, s, n);
			return true;
		}
	}
	/* prose says "database connection pool": only a quoted name counts */
	if (prev_is(sc, 0, W_DB) && has_alpha(s, n) && (before == '\'' || before == '"')) {
		size_t k = 0;
		while (k < n && (is_alnum(s[k]) || s[k] == '_' || s[k] == '-'))
			k++;
		if (k == n) {
			add(es, ST_ENT_DATABASE, s, n);
			return true;
		}
	}
	if (prev_is(sc, 0, W_HOST) && is_host_name(s, n) &&
	    (before == '\'' || before == '"' || has_digit(s, n) || memchr(s, '.', n) ||
	     memchr(s, '-', n))) {
		add(es, ST_ENT_HOST, s, n);
		return true;
	}
	/* ansible's "changed: [web-1]" */
	if (before == '[' && prev_is(sc, 0, W_ANSIBLE) && sc->prev[0].colon && is_host_name(s, n)) {
		add(es, ST_ENT_HOST, s, n);
		return true;
	}
	if (prev_is(sc, 0, W_YUM) && sc->prev[0].colon && rpm_package(es, s, n))
		return true;
	return false;
}

/* A token typed by its shape; m: its marks (inside s[0..n) or NULL). */
static void
by_shape(struct scan *sc, const char *s, size_t n, const struct marks *m)
{
	struct st_entities *es = sc->es;
	if (n < 2)
		return;
	const char *slash = m->slash, *colon = m->colon, *us = m->under, *sep = NULL;
	bool dot = m->dot != NULL;
	if (colon != NULL && colon + 2 < s + n && colon[1] == '/' && colon[2] == '/')
		sep = colon;
	if (s[0] >= '0' && s[0] <= '9') {
		size_t ip = ipv4_len(s, n);
		if (ip > 0) {
			/* "10.0.0.1", "10.0.0.1:5432", "183.57.48.75:80@0"; not "1.2.3.4.5" */
			if (ip < n && s[ip] == ':' && host_port(es, s, n, false))
				return;
			if (ip == n || s[ip] != '.')
				add(es, ST_ENT_IP, s, ip);
			return;
		}
	}
	if (s[0] == '/' || s[0] == '~' || (s[0] == '.' && n > 2)) {
		if (!prev_is(sc, 0, W_METHOD) && is_fs_path(s, n))
			add_path(es, s, n);
		return;
	}
	if (sep != NULL) {
		url(es, s, n, sep);
		return;
	}
	if (colon != NULL) {
		if (deb_package(es, s, n, colon))
			return;
		if ((slash == NULL || colon < slash) && host_port(es, s, n, false))
			return;
	}
	if (slash != NULL) {
		size_t kl = (size_t)(slash - s), nl = n - kl - 1;
		const char *name = slash + 1;
		if (kl == 0 || nl == 0 || memchr(name, '/', nl) != NULL)
			return;
		if (st_entities_add_k8s(es, s, kl, name, nl))
			return;
		if (is_k8s_name(s, kl) && is_pod_shape(name, nl)) { /* ns/pod */
			add(es, ST_ENT_NAMESPACE, s, kl);
			add_pod(es, name, nl);
		}
		return;
	}
	if (dot && add_unit(es, s, n))
		return;
	if (us == NULL) {
		if (is_pod_shape(s, n))
			add_pod(es, s, n);
		return;
	}
	if (is_pod_shape(s, (size_t)(us - s)) && is_k8s_name(us + 1, (size_t)(s + n - us - 1))) {
		/* kubelet's pod_namespace */
		add_pod(es, s, (size_t)(us - s));
		add(es, ST_ENT_NAMESPACE, us + 1, (size_t)(s + n - us - 1));
		return;
	}
	if (dot && is_tf_resource(s, n))
		add(es, ST_ENT_RESOURCE, s, n);
}

static void
token(struct scan *sc, const char *s, size_t n, char before, struct marks *m)
{
	/* trailing punctuation of prose; a leading ':' of "key": value */
	bool colon = n > 0 && s[n - 1] == ':';
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ':' || s[n - 1] == '!' || s[n - 1] == '?'))
		n--;
	while (n > 0 && s[0] == ':') {
		s++;
		n--;
	}
	if (n == 0)
		return;
	/* marks the trimming cut off */
	const char *end = s + n;
	if (m->colon != NULL && (m->colon < s || m->colon >= end))
		m->colon = m->colon < s ? find(s, n, ':') : NULL;
	if (m->slash != NULL && m->slash >= end)
		m->slash = NULL;
	if (m->under != NULL && m->under >= end)
		m->under = NULL;
	if (m->dot != NULL && m->dot >= end)
		m->dot = NULL;
	uint64_t lx = lex(s, n);
	if (n > TOK_MAX)
		goto shift;
	if (sc->packages) {
		size_t k = 0;
		while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') ||
		                 s[k] == '+' || s[k] == '-' || s[k] == '.'))
			k++;
		if (k == n)
			add(sc->es, ST_ENT_PACKAGE, s, n);
		goto shift;
	}
	if (sc->key != K_NONE) {
		enum key_kind kk = sc->key;
		if (!(sc->metric && metric_key(kk)))
			keyed(sc->es, kk, s, n, false);
		sc->key = K_NONE;
		goto shift;
	}
	if (!by_context(sc, s, n, before, lx))
		by_shape(sc, s, n, m);
shift:;
	uint32_t w = (uint32_t)(lx & W_MASK);
	if ((w & W_UPGRADED) && prev_is(sc, 0, W_BE))
		sc->packages = true;
	sc->prev[1] = sc->prev[0];
	sc->prev[0] = (struct tok){w, s[0], colon};
}

/* Where the marks of s[0..n) first are (classes: what the token holds). */
static void
find_marks(const char *s, size_t n, unsigned classes, struct marks *m)
{
	*m = (struct marks){0};
	classes &= C_MARKS;
	for (size_t i = 0; i < n && classes != 0; i++) {
		unsigned k = byte_class[(unsigned char)s[i]] & classes;
		if (k == 0)
			continue;
		classes &= ~k; /* the first of each kind */
		if (k == C_SLASH)
			m->slash = s + i;
		else if (k == C_COLON)
			m->colon = s + i;
		else if (k == C_UNDER)
			m->under = s + i;
		else
			m->dot = s + i;
	}
}

/*
 * In a quiet state (no key before, no word of context before, no list of
 * packages), the tokens most lines are made of: plain words and numbers.
 * Returns true when it did for s[0..n) what token() would, false when
 * token() must look. A plain word is only ever a word of context or a
 * pod's name; digits with '.' and ':' ("00:00:04", "0.25", ":") only an
 * IPv4 address. Not moving the context on for a token token() would trim
 * to nothing is the same in a quiet state.
 */
static inline bool
quiet_token(struct scan *sc, const char *s, size_t n, unsigned classes)
{
	if (!(classes & C_MARKS)) {
		while (n > 0 && (s[n - 1] == '!' || s[n - 1] == '?'))
			n--;
		if (n == 0)
			return true;
		if (n >= 14 && s[n - 6] == '-')
			return false;
		uint32_t w = 0;
		if (context_maybe(s, n))
			w = (uint32_t)(lex_probe(s, n) & W_MASK);
		sc->prev[1] = sc->prev[0];
		sc->prev[0] = (struct tok){w, s[0], false};
		return true;
	}
	if (classes & (C_OTHER | C_SLASH | C_UNDER))
		return false;
	if (classes & C_DOT) {
		/* digits, '.' and ':' ("0.25", "10.0.0.1:80."): an IPv4 address
		 * is the only thing such a token can name */
		while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ':'))
			n--;
		while (n > 0 && s[0] == ':') {
			s++;
			n--;
		}
		if (n > 0 && s[0] >= '0' && s[0] <= '9' && ipv4_len(s, n) > 0)
			return false;
	}
	sc->prev[1] = sc->prev[0];
	sc->prev[0] = (struct tok){0, s[0], false};
	return true;
}

static void
from_text(struct st_entities *es, const char *text, size_t len, bool metric)
{
	struct scan sc = {.es = es, .metric = metric};
	if (len > SCAN_MAX)
		len = SCAN_MAX;
	size_t i = 0;
	char before = '\0';
	while (i < len) {
		char c = text[i];
		unsigned k = byte_class[(unsigned char)c];
		if (k & C_DELIM) {
			if (c == '\n')
				sc.packages = false;
			before = c;
			i++;
			continue;
		}
		size_t a = i;
		unsigned classes = 0;
		do {
			classes |= k;
			if (++i == len)
				break;
			k = byte_class[(unsigned char)text[i]];
		} while (!(k & C_DELIM));
		char after = i < len ? text[i] : '\0';
		const char *s = text + a;
		size_t n = i - a;
		/* "key":value and key=value make the next token the key's value
		 * (a key has a key's characters: not an URL before '=' or a
		 * quoted image before ':') */
		bool is_key = false;
		if (!(classes & (C_SLASH | C_COLON)) && n <= 64) {
			if (after == '=' && before != '=') {
				is_key = true;
			} else if (after == '"' && before == '"') {
				size_t j = i + 1;
				while (j < len && (text[j] == ' ' || text[j] == '\t'))
					j++;
				is_key = j < len && text[j] == ':';
			}
		}
		if (is_key) {
			sc.key = key_kind(s, n);
			sc.prev[1] = sc.prev[0];
			sc.prev[0] = (struct tok){0, s[0], false};
		} else if (sc.key == K_NONE && !sc.packages && sc.prev[0].word == 0 &&
		           quiet_token(&sc, s, n, classes)) {
			/* taken care of */
		} else {
			struct marks m;
			find_marks(s, n, classes, &m);
			token(&sc, s, n, before, &m);
		}
		before = after;
	}
}

void
st_entities_extract(const struct st_event *ev, const struct st_fields *fs, struct st_entities *out)
{
	if (!lexicon_ready)
		lex_init();
	if (fs != NULL)
		from_fields(out, fs, ev->kind == ST_KIND_METRIC);
	from_text(out, ev->text, ev->len, ev->kind == ST_KIND_METRIC);
}
