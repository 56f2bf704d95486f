/*
 * test_context.c: context files (src/context*.c): which sources are
 * configuration and which are logs, the key paths and values of YAML,
 * Ansible, HCL and INI lines, the entities each line carries (its own and
 * its blocks'), the lookup hints will use, and the ingest's routing (a
 * context file has no events, a log of "key: value" lines stays a log).
 *
 * Samples are the seeds' configuration (ansible/playbooks/deploy-
 * exporter.yml, terraform/modules/dns/failover.tf, the Helm values and
 * ConfigMaps) and realistic manifests, units and configs. Lines are fed
 * through exact-size heap copies, so ASan sees a reader that reads past
 * a line.
 */
#include <stdlib.h>
#include <string.h>

#include "strata/context.h"
#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/util.h"
#include "testutil.h"

static void
free_context(void *p)
{
	st_context_free(p);
}

static void
free_store(void *p)
{
	st_store_free(p);
}

/* Index text as context file `name` (source src) in dialect d. */
static int
index_text(struct st_context *cx, unsigned src, const char *name, enum st_context_dialect d,
           const char *text)
{
	int f = st_context_open(cx, src, name, d);
	uint32_t lineno = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		bool blank = true;
		for (size_t i = 0; i < n; i++)
			blank = blank && (p[i] == ' ' || p[i] == '\t');
		if (!blank) {
			char *copy = st_xmalloc(n ? n : 1);
			memcpy(copy, p, n);
			st_context_line(cx, f, lineno, copy, n);
			free(copy);
		}
		p += n + (nl != NULL);
	}
	return f;
}

/* Detection over text's non-blank lines, with the format detection picks. */
static int
detect(const char *name, const char *text)
{
	const char *lines[64];
	size_t lens[64], n = 0;
	for (const char *p = text; *p && n < 64;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l > 0) {
			lines[n] = p;
			lens[n++] = l;
		}
		p += l + (nl != NULL);
	}
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	int f = st_format_detect(&tc, lines, lens, n, NULL);
	return st_context_detect(name, f, lines, lens, n);
}

/* The entry at (src, line), or fail. */
static size_t
entry_at(const struct st_context *cx, unsigned src, uint32_t line)
{
	for (size_t i = 0; i < st_context_count(cx); i++) {
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		if (e.source == src && e.line == line)
			return i;
	}
	fail_msg("no entry at line %u of source %u", line, src);
	return 0;
}

static void
check_entry(const struct st_context *cx, unsigned src, uint32_t line, const char *key,
            const char *value)
{
	struct st_context_entry e;
	st_context_get(cx, entry_at(cx, src, line), &e);
	assert_string_equal(e.key, key);
	assert_int_equal(e.klen, strlen(key));
	assert_string_equal(e.value, value);
}

/* Does entry i carry "type:value"? own: 1 among its line's own, 0 among
 * its blocks', -1 anywhere. */
static bool
carries(const struct st_context *cx, size_t i, const char *ent, int own)
{
	struct st_entities es;
	unsigned mine = st_context_entities(cx, i, &es);
	for (unsigned k = 0; k < es.n; k++) {
		char buf[300];
		snprintf(buf, sizeof(buf), "%s:%s", st_entity_type_name((enum st_entity_type)es.e[k].type),
		         st_entity_value(&es, k));
		if (strcmp(buf, ent) == 0)
			return own < 0 || (own == 1) == (k < mine);
	}
	return false;
}

static void
want(struct st_entities *es, enum st_entity_type t, const char *v)
{
	es->n = 0;
	es->used = 0;
	assert_true(st_entities_add(es, t, v, strlen(v)));
}

/* The depth of the hit for (src, line), or -1 when the lookup misses it. */
static int
hit_depth(const struct st_context *cx, const struct st_entities *w, unsigned src, uint32_t line)
{
	struct st_context_hit hits[256];
	size_t n = st_context_lookup(cx, w, hits, 256);
	assert_true(n <= 256);
	for (size_t i = 0; i < n; i++) {
		struct st_context_entry e;
		st_context_get(cx, hits[i].entry, &e);
		if (e.source == src && e.line == line)
			return (int)hits[i].depth;
	}
	return -1;
}

/* ---- the seeds' configuration */

static const char playbook[] =
	"# From: ansible/playbooks/deploy-exporter.yml\n"
	"- name: Deploy data exporter binary\n"
	"  ansible.builtin.copy:\n"
	"    src: files/export.sh\n"
	"    dest: /opt/data-exporter/bin/export.sh\n"
	"    owner: exporter\n"
	"    group: exporter\n"
	"    mode: \"0644\"\n"
	"  notify: restart data-exporter\n"
	"\n"
	"- name: Ensure systemd unit\n"
	"  ansible.builtin.template:\n"
	"    src: templates/data-exporter.service.j2\n"
	"    dest: /etc/systemd/system/data-exporter.service\n"
	"  notify:\n"
	"    - reload systemd\n"
	"    - restart data-exporter\n";

static void
test_playbook(void **state)
{
	(void)state;
	assert_int_equal(detect("ansible/playbooks/deploy-exporter.yml", playbook), ST_CX_ANSIBLE);
	assert_int_equal(detect("deploy-exporter", playbook), ST_CX_ANSIBLE); /* by content */
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "deploy-exporter.yml", ST_CX_ANSIBLE, playbook);
	check_entry(cx, 0, 2, "[Deploy data exporter binary].name", "Deploy data exporter binary");
	check_entry(cx, 0, 8, "[Deploy data exporter binary].ansible.builtin.copy.mode", "\"0644\"");
	check_entry(cx, 0, 9, "[Deploy data exporter binary].notify", "restart data-exporter");
	check_entry(cx, 0, 16, "[Ensure systemd unit].notify[0]", "reload systemd");
	/* the mode line names no file: it has export.sh from its task's dest: */
	size_t mode = entry_at(cx, 0, 8);
	assert_true(carries(cx, mode, "file:export.sh", 0));
	assert_true(carries(cx, mode, "path:/opt/data-exporter/bin/export.sh", 0));
	assert_false(carries(cx, mode, "unit:data-exporter.service", -1)); /* the other task's */
	assert_true(carries(cx, entry_at(cx, 0, 5), "file:export.sh", 1));
	assert_true(carries(cx, entry_at(cx, 0, 14), "unit:data-exporter.service", 1));
	struct st_context_entry e;
	st_context_get(cx, mode, &e);
	assert_int_equal(e.block_line, 2); /* its task */

	struct st_entities w;
	want(&w, ST_ENT_FILE, "export.sh");
	assert_int_equal(hit_depth(cx, &w, 0, 8), 1); /* mode: "0644", through its task */
	assert_int_equal(hit_depth(cx, &w, 0, 5), 0); /* dest: names it */
	assert_int_equal(hit_depth(cx, &w, 0, 13), -1); /* the unit task is not about it */
	want(&w, ST_ENT_UNIT, "data-exporter.service");
	assert_int_equal(hit_depth(cx, &w, 0, 14), 0);
	assert_int_equal(hit_depth(cx, &w, 0, 16), 1);
	assert_int_equal(hit_depth(cx, &w, 0, 8), -1);
	/* the file itself: every line, from afar (its task, the document, the file) */
	want(&w, ST_ENT_FILE, "deploy-exporter.yml");
	assert_int_equal(hit_depth(cx, &w, 0, 8), 3);
	want(&w, ST_ENT_FILE, "nothing.sh");
	assert_int_equal(st_context_lookup(cx, &w, NULL, 0), 0);

	struct st_context_file f;
	assert_true(st_context_source(cx, 0, &f));
	assert_string_equal(f.format, "context:ansible");
	assert_int_equal(f.entries, 12);
	assert_int_equal(f.lines, 16);
	assert_false(st_context_source(cx, 1, &f));
	tu_release(cx);
}

static const char failover_tf[] =
	"# From: terraform/modules/dns/failover.tf\n"
	"resource \"aws_route53_health_check\" \"dr_west\" {\n"
	"  fqdn              = \"a1b2c3-dr-west.us-west-2.elb.amazonaws.com\"\n"
	"  port              = 443\n"
	"  type              = \"HTTPS\"\n"
	"  resource_path     = \"/health\"\n"
	"\n"
	"  tags = {\n"
	"    Name = \"dr-west-health-check\"\n"
	"  }\n"
	"}\n"
	"\n"
	"resource \"aws_route53_record\" \"api_failover_secondary\" {\n"
	"  zone_id = aws_route53_zone.main.zone_id\n"
	"  name    = \"api.megacorp.io\"\n"
	"  type    = \"A\" # the record type\n"
	"\n"
	"  alias {\n"
	"    name                   = \"a1b2c3-dr-west.us-west-2.elb.amazonaws.com\"\n"
	"    zone_id                = \"Z1H1FL5HABSF5\"\n"
	"    evaluate_target_health = false\n"
	"  }\n"
	"\n"
	"  failover_routing_policy {\n"
	"    type = \"SECONDARY\"\n"
	"  }\n"
	"  health_check_id = aws_route53_health_check.dr_west.id\n"
	"}\n";

static void
test_terraform(void **state)
{
	(void)state;
	assert_int_equal(detect("failover.tf", failover_tf), ST_CX_HCL);
	assert_int_equal(detect("failover", failover_tf), ST_CX_HCL);
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 3, "failover.tf", ST_CX_HCL, failover_tf);
	check_entry(cx, 3, 3, "aws_route53_health_check.dr_west.fqdn",
	            "\"a1b2c3-dr-west.us-west-2.elb.amazonaws.com\"");
	check_entry(cx, 3, 9, "aws_route53_health_check.dr_west.tags.Name", "\"dr-west-health-check\"");
	check_entry(cx, 3, 16, "aws_route53_record.api_failover_secondary.type", "\"A\"");
	check_entry(cx, 3, 21, "aws_route53_record.api_failover_secondary.alias.evaluate_target_health",
	            "false");
	check_entry(cx, 3, 25, "aws_route53_record.api_failover_secondary.failover_routing_policy.type",
	            "\"SECONDARY\"");
	/* after the nested blocks close, back at the resource */
	check_entry(cx, 3, 27, "aws_route53_record.api_failover_secondary.health_check_id",
	            "aws_route53_health_check.dr_west.id");
	size_t eth = entry_at(cx, 3, 21);
	assert_true(carries(cx, eth, "resource:aws_route53_record.api_failover_secondary", 0));
	assert_true(carries(cx, eth, "host:a1b2c3-dr-west.us-west-2.elb.amazonaws.com", 0));
	assert_true(carries(cx, eth, "host:api.megacorp.io", 0));
	assert_false(carries(cx, eth, "resource:aws_route53_health_check.dr_west", 0) &&
	             carries(cx, eth, "port:443", -1)); /* the other resource's port */
	/* references name the resources they point at */
	assert_true(carries(cx, entry_at(cx, 3, 14), "resource:aws_route53_zone.main", 1));
	assert_true(carries(cx, entry_at(cx, 3, 27), "resource:aws_route53_health_check.dr_west", 1));
	assert_true(carries(cx, entry_at(cx, 3, 4), "port:443", 1));

	struct st_entities w;
	want(&w, ST_ENT_RESOURCE, "aws_route53_record.api_failover_secondary");
	assert_int_equal(hit_depth(cx, &w, 3, 21), 2); /* alias block, then the resource */
	assert_int_equal(hit_depth(cx, &w, 3, 15), 1);
	assert_int_equal(hit_depth(cx, &w, 3, 4), -1);
	want(&w, ST_ENT_HOST, "a1b2c3-dr-west.us-west-2.elb.amazonaws.com");
	assert_int_equal(hit_depth(cx, &w, 3, 21), 1);
	assert_int_equal(hit_depth(cx, &w, 3, 3), 0);
	tu_release(cx);
}

static const char feature_flags_tf[] =
	"resource \"kubernetes_config_map\" \"feature_flags\" {\n"
	"  metadata {\n"
	"    name      = \"feature-flags\"\n"
	"    namespace = \"platform\"\n"
	"  }\n"
	"\n"
	"  data = {\n"
	"    enable_new_checkout = \"false\"\n"
	"    max_cart_items      = \"25\"\n"
	"  }\n"
	"}\n"
	"variable \"region\" {\n"
	"  default = \"us-west-2\"\n"
	"  description = <<-EOT\n"
	"    The region of the DR cluster: /etc/dr/region.conf\n"
	"    EOT\n"
	"}\n"
	"/* a comment\n"
	"   over lines = 2 */\n"
	"locals { x = 1 }\n";

static void
test_terraform_kubernetes(void **state)
{
	(void)state;
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "feature-flags.tf", ST_CX_HCL, feature_flags_tf);
	check_entry(cx, 0, 8, "kubernetes_config_map.feature_flags.data.enable_new_checkout",
	            "\"false\"");
	size_t flag = entry_at(cx, 0, 8);
	assert_true(carries(cx, flag, "flag:enable_new_checkout", 1));
	assert_true(carries(cx, flag, "configmap:feature-flags", 0));
	assert_true(carries(cx, flag, "namespace:platform", 0));
	check_entry(cx, 0, 13, "var.region.default", "\"us-west-2\"");
	/* a heredoc's lines are its attribute's; the comment is skipped */
	check_entry(cx, 0, 15, "var.region.description",
	            "The region of the DR cluster: /etc/dr/region.conf");
	assert_true(carries(cx, entry_at(cx, 0, 15), "file:region.conf", 1));
	check_entry(cx, 0, 20, "locals.x", "1"); /* a block on one line */
	assert_int_equal(st_context_count(cx), 7);
	tu_release(cx);
}

static const char values_prod[] =
	"# From: values-prod.yaml (Helm)\n"
	"sessionCache:\n"
	"  image:\n"
	"    repository: redis\n"
	"    tag: \"7.2-alpine\"\n"
	"  persistence:\n"
	"    enabled: false\n"
	"  master:\n"
	"    configuration: |-\n"
	"      maxmemory-policy noeviction\n"
	"\n"
	"      save \"\"\n"
	"      appendonly no\n"
	"webapp:\n"
	"  replicas: 3\n";

static void
test_helm_values(void **state)
{
	(void)state;
	assert_int_equal(detect("values-prod.yaml", values_prod), ST_CX_YAML);
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "values-prod.yaml", ST_CX_YAML, values_prod);
	check_entry(cx, 0, 4, "sessionCache.image.repository", "redis");
	check_entry(cx, 0, 10, "sessionCache.master.configuration", "maxmemory-policy noeviction");
	check_entry(cx, 0, 12, "sessionCache.master.configuration", "save \"\"");
	check_entry(cx, 0, 13, "sessionCache.master.configuration", "appendonly no");
	check_entry(cx, 0, 15, "webapp.replicas", "3"); /* the block scalar ended */
	size_t nm = entry_at(cx, 0, 10);
	assert_true(carries(cx, nm, "workload:session-cache", 0));
	assert_true(carries(cx, nm, "image:redis:7.2-alpine", 0));
	assert_true(carries(cx, entry_at(cx, 0, 5), "image:redis:7.2-alpine", 1));
	assert_false(carries(cx, entry_at(cx, 0, 15), "workload:session-cache", -1));
	tu_release(cx);
}

static const char configmaps[] =
	"apiVersion: v1\n"
	"kind: ConfigMap\n"
	"metadata:\n"
	"  name: analytics-config\n"
	"  namespace: analytics\n"
	"data:\n"
	"  DB_HOST: \"analytics-db\"\n"
	"  DB_PORT: \"5432\"\n"
	"  DB_NAME: \"warehouse_staging\" # staging!\n"
	"---\n"
	"metadata:\n"
	"  name: feature-flags\n"
	"  namespace: platform\n"
	"kind: ConfigMap\n"
	"data:\n"
	"  enable_new_checkout: \"true\"\n";

static void
test_k8s_configmaps(void **state)
{
	(void)state;
	assert_int_equal(detect("cm", configmaps), ST_CX_YAML);
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 1, "configmaps.yaml", ST_CX_YAML, configmaps);
	check_entry(cx, 1, 9, "data.DB_NAME", "\"warehouse_staging\"");
	size_t db = entry_at(cx, 1, 9);
	assert_true(carries(cx, db, "database:warehouse_staging", 1));
	assert_true(carries(cx, db, "configmap:analytics-config", 0));
	assert_true(carries(cx, db, "namespace:analytics", 0));
	assert_true(carries(cx, db, "host:analytics-db", 0));
	assert_true(carries(cx, entry_at(cx, 1, 8), "port:5432", 1));
	/* the second document: its name comes before its kind */
	size_t flag = entry_at(cx, 1, 16);
	assert_true(carries(cx, flag, "configmap:feature-flags", 0));
	assert_true(carries(cx, flag, "flag:enable_new_checkout", 1));
	assert_false(carries(cx, flag, "configmap:analytics-config", -1));
	struct st_entities w;
	want(&w, ST_ENT_CONFIGMAP, "analytics-config");
	assert_int_equal(hit_depth(cx, &w, 1, 9), 2); /* data: section, then the document */
	assert_int_equal(hit_depth(cx, &w, 1, 16), -1);
	tu_release(cx);
}

static const char deployment[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: session-cache\n"
	"  namespace: ecommerce\n"
	"spec:\n"
	"  replicas: 1\n"
	"  template:\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: redis\n"
	"        image: redis:7.2-alpine\n"
	"        ports:\n"
	"        - containerPort: 6379\n"
	"        resources:\n"
	"          limits:\n"
	"            memory: 64Mi\n"
	"        envFrom:\n"
	"        - configMapRef:\n"
	"            name: redis-env\n"
	"      - name: exporter\n"
	"        image: oliver006/redis_exporter:v1.62.0\n"
	"        resources:\n"
	"          limits:\n"
	"            memory: 32Mi\n";

static void
test_k8s_deployment(void **state)
{
	(void)state;
	assert_int_equal(detect("deployment.yaml", deployment), ST_CX_YAML);
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "deployment.yaml", ST_CX_YAML, deployment);
	check_entry(cx, 0, 17, "spec.template.spec.containers[redis].resources.limits.memory", "64Mi");
	check_entry(cx, 0, 14, "spec.template.spec.containers[redis].ports[0].containerPort", "6379");
	check_entry(cx, 0, 20, "spec.template.spec.containers[redis].envFrom[0].configMapRef.name",
	            "redis-env");
	check_entry(cx, 0, 25, "spec.template.spec.containers[exporter].resources.limits.memory",
	            "32Mi");
	size_t mem = entry_at(cx, 0, 17);
	assert_true(carries(cx, mem, "workload:session-cache", 0));
	assert_true(carries(cx, mem, "namespace:ecommerce", 0));
	assert_true(carries(cx, mem, "container:redis", 0));
	assert_true(carries(cx, mem, "image:redis:7.2-alpine", 0));
	assert_true(carries(cx, mem, "image:redis", 0));
	assert_false(carries(cx, mem, "container:exporter", -1));
	assert_true(carries(cx, entry_at(cx, 0, 20), "configmap:redis-env", 1));
	struct st_entities w;
	want(&w, ST_ENT_WORKLOAD, "session-cache");
	assert_true(hit_depth(cx, &w, 0, 17) > 0);
	want(&w, ST_ENT_CONTAINER, "exporter");
	assert_int_equal(hit_depth(cx, &w, 0, 17), -1);
	assert_int_equal(hit_depth(cx, &w, 0, 25), 1);
	tu_release(cx);
}

static void
test_k8s_pod_names(void **state)
{
	(void)state;
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "pods.yaml", ST_CX_YAML,
	           "kind: Pod\n"
	           "metadata:\n"
	           "  name: session-cache-7f4b8d9c65-xk2mv\n"
	           "spec: {}\n"
	           "---\n"
	           "kind: Job\n"
	           "metadata:\n"
	           "  name: daily-rollup-28365600\n"
	           "---\n"
	           "kind: Pod\n"
	           "metadata:\n"
	           "  name: redis\n" /* a pod of its own: no suffix to drop */
	           "---\n"
	           "kind: Ingress\n"
	           "metadata:\n"
	           "  name: web\n");
	assert_true(carries(cx, entry_at(cx, 0, 4), "workload:session-cache", 0));
	assert_true(carries(cx, entry_at(cx, 0, 4), "pod:session-cache-7f4b8d9c65-xk2mv", 0));
	assert_true(carries(cx, entry_at(cx, 0, 8), "workload:daily-rollup", 0));
	assert_true(carries(cx, entry_at(cx, 0, 12), "workload:redis", 0));
	assert_true(carries(cx, entry_at(cx, 0, 16), "resource:Ingress/web", 0));
	tu_release(cx);
}

static const char unit_file[] =
	"# data-exporter.service\n"
	"[Unit]\n"
	"Description=Nightly Data Export Agent\n"
	"After=network-online.target postgresql.service\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStartPre=-/usr/bin/mkdir -p /var/lib/exporter\n"
	"ExecStart=/opt/data-exporter/bin/export.sh \\\n"
	"    --out /var/lib/exporter/out.csv\n"
	"Environment=DB_HOST=db1.internal\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static void
test_systemd_unit(void **state)
{
	(void)state;
	assert_int_equal(detect("data-exporter.service", unit_file), ST_CX_INI);
	assert_int_equal(detect("data-exporter.service.j2", unit_file), ST_CX_INI);
	assert_int_equal(detect("unit", unit_file), ST_CX_INI); /* [sections]: by content */
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "templates/data-exporter.service.j2", ST_CX_INI, unit_file);
	check_entry(cx, 0, 9, "Service.ExecStart", "/opt/data-exporter/bin/export.sh \\");
	check_entry(cx, 0, 10, "Service.ExecStart", "--out /var/lib/exporter/out.csv");
	check_entry(cx, 0, 11, "Service.Environment", "DB_HOST=db1.internal");
	check_entry(cx, 0, 14, "Install.WantedBy", "multi-user.target");
	size_t exec = entry_at(cx, 0, 9);
	assert_true(carries(cx, exec, "file:export.sh", 1));
	assert_true(carries(cx, exec, "unit:data-exporter.service", 0)); /* the template's unit */
	assert_true(carries(cx, entry_at(cx, 0, 8), "path:/usr/bin/mkdir", 1));
	assert_true(carries(cx, entry_at(cx, 0, 4), "unit:postgresql.service", 1));
	assert_true(carries(cx, entry_at(cx, 0, 4), "unit:network-online.target", 1));
	assert_false(carries(cx, entry_at(cx, 0, 3), "file:export.sh", -1)); /* [Unit], not [Service] */
	tu_release(cx);
}

static void
test_ini_toml_conf(void **state)
{
	(void)state;
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	index_text(cx, 0, "app.toml", ST_CX_INI,
	           "title = \"app\"\n"
	           "[database]\n"
	           "host = \"10.0.50.11\"\n"
	           "ports = [\n"
	           "  5432,\n"
	           "]\n"
	           "[remote \"origin\"]\n"
	           "url = https://git.example.com:8443/org/repo.git\n");
	check_entry(cx, 0, 1, "title", "\"app\"");
	check_entry(cx, 0, 3, "database.host", "\"10.0.50.11\"");
	check_entry(cx, 0, 5, "database.ports", "5432,");
	check_entry(cx, 0, 8, "remote.origin.url", "https://git.example.com:8443/org/repo.git");
	assert_true(carries(cx, entry_at(cx, 0, 3), "ip:10.0.50.11", 1));
	assert_true(carries(cx, entry_at(cx, 0, 8), "host:git.example.com", 1));
	assert_true(carries(cx, entry_at(cx, 0, 8), "port:8443", 1));
	/* .conf: "key value" directives, whichever shape reads it best */
	const char redis_conf[] = "# redis.conf\nmaxmemory-policy noeviction\nsave \"\"\nport 6379\n";
	assert_int_equal(detect("redis.conf", redis_conf), ST_CX_INI);
	index_text(cx, 1, "redis.conf", ST_CX_INI, redis_conf);
	check_entry(cx, 1, 2, "maxmemory-policy", "noeviction");
	assert_true(carries(cx, entry_at(cx, 1, 4), "port:6379", 1));
	const char nginx[] = "server {\n  listen 80;\n  location /api {\n    proxy_pass http://api:8080;\n"
	                     "  }\n}\n";
	assert_int_equal(detect("site.conf", nginx), ST_CX_HCL);
	index_text(cx, 2, "site.conf", ST_CX_HCL, nginx);
	check_entry(cx, 2, 4, "server.location /api.proxy_pass", "http://api:8080");
	assert_true(carries(cx, entry_at(cx, 2, 4), "host:api", 1));
	/* comments only: context all the same */
	assert_int_equal(detect("limits.conf", "# nothing set\n#* soft core 0\n"), ST_CX_INI);
	tu_release(cx);
}

/* ---- logs are not context */

static void
test_logs_stay_logs(void **state)
{
	(void)state;
	/* a log of key: value lines, with times: named .yaml or not */
	const char kv_log[] =
		"2024-12-10T06:00:04Z INFO  db: analytics-db:5432/warehouse\n"
		"2024-12-10T06:00:05Z INFO  table: order_summaries\n"
		"2024-12-10T06:00:38Z INFO  records: 14293\n"
		"2024-12-10T06:04:08Z INFO  status: SUCCESS\n";
	assert_int_equal(detect("rollup.yaml", kv_log), -1);
	assert_int_equal(detect("rollup", kv_log), -1);
	/* YAML-shaped lines after a timestamp prefix (a structured logger) */
	const char yaml_log[] =
		"2024-09-12T14:38:18Z level: warning\n"
		"2024-09-12T14:38:19Z   msg: session store slow\n"
		"2024-09-12T14:38:20Z   latency_ms: 2340\n";
	assert_int_equal(detect("webapp.yml", yaml_log), -1);
	/* .log is a log whatever it holds */
	assert_int_equal(detect("deploy.log", playbook), -1);
	/* untimed, but not configuration: program output, a flat "Key: value" list */
	assert_int_equal(detect("out", "Starting server...\nError: port in use\nbye\n"), -1);
	assert_int_equal(detect("headers", "Host: example.com\nAccept: */*\nUser-Agent: curl\n"), -1);
	/* logfmt without times is no INI */
	assert_int_equal(detect("app", "[main]\nlevel=info msg=start user=bob\nlevel=warn msg=slow\n"
	                               "level=info msg=done code=0\n"),
	                 -1);
	/* a stack trace */
	assert_int_equal(detect("trace", "Exception in thread main java.lang.NullPointerException\n"
	                                 "\tat com.x.Y.run(Y.java:10)\n\tat com.x.Z.main(Z.java:5)\n"),
	                 -1);
	/* a generic YAML list is YAML, not Ansible */
	assert_int_equal(detect("users.yml", "- name: bob\n  uid: 1001\n- name: alice\n  uid: 1002\n"),
	                 ST_CX_YAML);
}

/* ---- the ingest's routing */

static void
ingest_text(struct st_store *st, unsigned src, const char *text, size_t chunk)
{
	struct st_ingest ig;
	st_ingest_init(&ig, st, src, NULL, 0);
	size_t len = strlen(text), pos = 0;
	struct st_buf held = {0};
	while (pos < len) {
		size_t take = ST_MIN(chunk, len - pos);
		st_buf_add(&held, text + pos, take);
		pos += take;
		char *copy = st_xmalloc(held.len);
		memcpy(copy, held.p, held.len);
		size_t used = st_ingest_feed(&ig, copy, held.len, false);
		free(copy);
		memmove(held.p, held.p + used, held.len - used);
		held.len -= used;
	}
	st_ingest_feed(&ig, held.p ? held.p : "", held.len, true);
	st_buf_free(&held);
	/* the counts add up, context lines included */
	assert_int_equal(ig.stats.lines,
	                 ig.stats.blank + ig.stats.events + ig.stats.continuation + ig.stats.context);
}

static void
test_ingest_routes_context(void **state)
{
	(void)state;
	struct st_store *st = tu_keep(st_store_new(), free_store);
	assert_int_equal(st_store_add_source(st, "fixtures/deploy-exporter.yml"), 0);
	assert_int_equal(st_store_add_source(st, "journal.log"), 1);
	assert_int_equal(st_store_add_source(st, "-"), 2);
	ingest_text(st, 0, playbook, 7); /* in small chunks: lines cut across reads */
	ingest_text(st, 1,
	            "2024-10-02T02:00:03+0000 prod-batch-01 systemd[1]: data-exporter.service: Main "
	            "process exited, code=exited, status=126/n/a\n"
	            "2024-10-02T02:00:03+0000 prod-batch-01 systemd[1]: Failed: exit-code\n",
	            4096);
	ingest_text(st, 2, failover_tf, 4096); /* stdin: by content */
	assert_int_equal(st_store_count(st), 2); /* the journal's lines only */
	const struct st_context *cx = st_store_context_get(st);
	assert_non_null(cx);
	assert_int_equal(st_context_nfiles(cx), 2);
	struct st_context_file f;
	assert_true(st_context_source(cx, 0, &f));
	assert_string_equal(f.format, "context:ansible");
	assert_int_equal(f.entries, 12);
	assert_true(st_context_source(cx, 2, &f));
	assert_string_equal(f.format, "context:hcl");
	assert_false(st_context_source(cx, 1, &f));
	check_entry(cx, 0, 8, "[Deploy data exporter binary].ansible.builtin.copy.mode", "\"0644\"");
	/* every entry at once, file by file in source order */
	struct st_context_hit hits[64];
	size_t n = st_context_lookup(cx, NULL, hits, 64);
	assert_int_equal(n, st_context_count(cx));
	unsigned last_src = 0;
	uint32_t last_line = 0;
	for (size_t i = 0; i < n; i++) {
		struct st_context_entry e;
		st_context_get(cx, hits[i].entry, &e);
		assert_true(e.source > last_src || (e.source == last_src && e.line > last_line));
		last_src = e.source;
		last_line = e.line;
	}
	tu_release(st);
}

/* ---- tolerance */

static void
test_garbage_and_limits(void **state)
{
	(void)state;
	struct st_context *cx = tu_keep(st_context_new(), free_context);
	/* nesting deeper than the stack, keys longer than a path */
	struct st_buf deep = {0};
	for (int i = 0; i < 200; i++) {
		for (int k = 0; k < i; k++)
			st_buf_adds(&deep, " ");
		st_buf_addf(&deep, "k%d:\n", i);
	}
	for (int k = 0; k < 200; k++)
		st_buf_adds(&deep, " ");
	st_buf_adds(&deep, "leaf: 1\n");
	for (int i = 0; i < 600; i++)
		st_buf_adds(&deep, "x");
	st_buf_adds(&deep, ": long\n");
	for (int i = 0; i < 100; i++)
		st_buf_adds(&deep, "resource \"a\" \"b\" {\n");
	for (int i = 0; i < 120; i++)
		st_buf_adds(&deep, "}]\n");
	st_buf_addc(&deep, '\0');
	for (int d = 0; d < ST_CX_COUNT; d++)
		index_text(cx, (unsigned)d, "deep", (enum st_context_dialect)d, deep.p);
	for (size_t i = 0; i < st_context_count(cx); i++) {
		struct st_context_entry e;
		st_context_get(cx, i, &e);
		assert_true(e.klen <= ST_CONTEXT_PATH_MAX);
		assert_int_equal(strlen(e.key), e.klen);
	}
	st_buf_free(&deep);
	/* every prefix and some mutations of the samples, in every dialect */
	const char *samples[] = {playbook, failover_tf, feature_flags_tf, values_prod, configmaps,
	                         deployment, unit_file};
	unsigned seed = 12345;
	for (size_t s = 0; s < ST_ARRAY_LEN(samples); s++) {
		size_t n = strlen(samples[s]);
		char *m = st_xmalloc(n + 1);
		for (int round = 0; round < 40; round++) {
			memcpy(m, samples[s], n + 1);
			for (int k = 0; k < 8; k++) {
				seed = seed * 1103515245 + 12345;
				size_t at = (seed >> 8) % n;
				static const char bytes[] = "{}[]\"'|>-:#=\\ \t\n\xff\x00/<";
				char c = bytes[(seed >> 4) % (sizeof(bytes) - 1)];
				m[at] = c == '\0' ? 'a' : c;
			}
			index_text(cx, 10 + (unsigned)round, "m", (enum st_context_dialect)(round % ST_CX_COUNT),
			           m);
			assert_int_equal(detect(round % 2 ? "m.yaml" : "m", m) < ST_CX_COUNT, true);
		}
		free(m);
	}
	/* lookups and entities on all of it */
	struct st_entities w;
	want(&w, ST_ENT_FILE, "export.sh");
	struct st_context_hit hits[8];
	size_t n = st_context_lookup(cx, &w, hits, 8);
	assert_true(n > 8); /* more than asked for: counted, not written */
	for (size_t i = 0; i < st_context_count(cx); i++) {
		struct st_entities es;
		assert_true(st_context_entities(cx, i, &es) <= es.n);
	}
	tu_release(cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_playbook, tu_teardown),
		cmocka_unit_test_teardown(test_terraform, tu_teardown),
		cmocka_unit_test_teardown(test_terraform_kubernetes, tu_teardown),
		cmocka_unit_test_teardown(test_helm_values, tu_teardown),
		cmocka_unit_test_teardown(test_k8s_configmaps, tu_teardown),
		cmocka_unit_test_teardown(test_k8s_deployment, tu_teardown),
		cmocka_unit_test_teardown(test_k8s_pod_names, tu_teardown),
		cmocka_unit_test_teardown(test_systemd_unit, tu_teardown),
		cmocka_unit_test_teardown(test_ini_toml_conf, tu_teardown),
		cmocka_unit_test_teardown(test_logs_stay_logs, tu_teardown),
		cmocka_unit_test_teardown(test_ingest_routes_context, tu_teardown),
		cmocka_unit_test_teardown(test_garbage_and_limits, tu_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
