/*
 * ansible.c: Ansible changes, from ansible-playbook's output or its log
 * file (log_path), plain or quoted in other logs.
 *
 *   TASK [nginx : Deploy config] ***************************************
 *   changed: [web-1]
 *   ok: [web-2]
 *   [2024-10-01T18:45:22Z] ansible | TASK [Deploy data exporter binary] changed: [prod-batch-01]
 *
 * The change is the task on that host: a "TASK [...]" line (a context
 * rule) names the task for the "changed: [host]" lines after it in the
 * same source, or on the same line. "ok:" and "skipping:" lines changed
 * nothing; "fatal:" and "failed:" are symptoms.
 */
#include "strata/classify.h"

/* an inventory host: a name with a letter, or an address */
#define HOST "(?=[\\w.-]*[A-Za-z])[\\w.:-]+|\\d+\\.\\d+\\.\\d+\\.\\d+"

static const struct st_rule rules[] = {
	{
		.name = "ansible-task",
		.kind = ST_RULE_CONTEXT,
		.needle = "TASK [",
		.pattern = "\\bTASK \\[(?<task>[^\\]\\n]+)\\]",
	},
	{
		.name = "ansible-changed",
		.kind = ST_RULE_CHANGE,
		.needle = "changed: [",
		.pattern = "(?:^|[\\s|\\]*])changed: \\[(?<host>" HOST ")(?: -> [^\\]\\n]*)?\\]",
		.action = "update",
		.object = "task/{task}",
		.host = "{host}",
	},
	{
		.name = "ansible-failed",
		.kind = ST_RULE_SYMPTOM,
		.needle = "fatal: [|failed: [",
		.pattern = "(?:^|[\\s|\\]*])(?:fatal|failed): \\[(?<host>" HOST ")(?: -> [^\\]\\n]*)?\\]",
		.type = "task-failed",
		.detail = "{task} on {host}||{host}",
	},
	{0},
};

const struct st_rule_family st_rules_ansible = {"ansible", rules};
