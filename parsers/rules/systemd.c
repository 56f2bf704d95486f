/*
 * systemd.c: units started, stopped and reloaded (changes), and how they
 * fail (symptoms), from syslog or journalctl's short output, journalctl
 * -o json, and -o export.
 *
 *   prod-batch-01 systemd[1]: Started data-exporter.service - Nightly Data Export Agent.
 *   systemd[1]: Reloaded nginx.service - A high performance web server.
 *   data-exporter.service: Main process exited, code=exited, status=126/n/a
 *   data-exporter.service: Failed with result 'exit-code'.
 *
 * Only systemd's own lines count ("Started processing request" from an
 * application is no change); login sessions ("Started Session 12 of User
 * root") are not changes either. Older systemd names the unit's
 * description, not the unit: the object is then the description.
 */
#include "strata/classify.h"

#define UNIT                                                                            \
	"[\\w@:.\\\\-]+\\.(?:service|timer|socket|mount|target|path|slice|scope|swap|"     \
	"automount|device)"
#define NOT_SESSION "(?![Ss]ession [\\w-]+ of [Uu]ser|User Manager for UID)"

static const struct st_rule rules[] = {
	{
		.name = "systemd-unit-state",
		.kind = ST_RULE_CHANGE,
		.needle = "Started |Stopped |Reloaded ",
		.pattern = "(?m)\\bsystemd(?:\\[\\d+\\])?: (?<verb>Started|Stopped|Reloaded) " NOT_SESSION
		           "(?:(?<unit>" UNIT ")(?: - [^\\n]*)?|(?<desc>[^\\n]*?))\\.?\\r?$",
		.action = "{verb}",
		.object = "{unit}||{desc}",
	},
	{
		.name = "systemd-unit-state-json",
		.kind = ST_RULE_CHANGE,
		.format = "journald",
		.needle = "Started |Stopped |Reloaded ",
		.pattern = "\\A(?=.*\"SYSLOG_IDENTIFIER\"\\s*:\\s*\"systemd\")"
		           "(?=.*\"MESSAGE\"\\s*:\\s*\"(?<verb>Started|Stopped|Reloaded) " NOT_SESSION
		           "(?<desc>[^\"]*?)\\.?\")(?:(?=.*\"UNIT\"\\s*:\\s*\"(?<unit>[^\"]+)\"))?",
		.action = "{verb}",
		.object = "{unit}||{desc}",
	},
	{
		.name = "systemd-unit-state-export",
		.kind = ST_RULE_CHANGE,
		.format = "journal-export",
		.needle = "Started |Stopped |Reloaded ",
		.pattern = "(?m)\\A(?=[\\s\\S]*^SYSLOG_IDENTIFIER=systemd$)"
		           "(?=[\\s\\S]*^MESSAGE=(?<verb>Started|Stopped|Reloaded) " NOT_SESSION
		           "(?<desc>[^\\n]*?)\\.?$)(?:(?=[\\s\\S]*^UNIT=(?<unit>[^\\n]+)$))?",
		.action = "{verb}",
		.object = "{unit}||{desc}",
	},
	{
		.name = "systemd-oom",
		.kind = ST_RULE_SYMPTOM,
		.needle = "oom-kill|OOM killer",
		.pattern = "(?:(?<unit>" UNIT "): )?(?:Failed with result 'oom-kill'|"
		           "A process of this unit has been killed by the OOM killer)",
		.type = "oom-killed",
		.detail = "{unit}",
	},
	{
		.name = "systemd-exit-status",
		.kind = ST_RULE_SYMPTOM,
		.needle = "code=exited",
		.pattern = "\\bcode=exited, status=(?!0/)(?<code>\\d{1,3})/",
		.type = "exit-code",
		.detail = "{code:exit}",
	},
	{
		.name = "systemd-signal",
		.kind = ST_RULE_SYMPTOM,
		.needle = "code=killed|code=dumped",
		.pattern = "\\bcode=(?:killed|dumped), status=(?<signo>\\d+)/(?<signame>[A-Z0-9]+)",
		.type = "{signame:signal}",
		.detail = "SIG{signame}",
	},
	{
		.name = "systemd-start-limit",
		.kind = ST_RULE_SYMPTOM,
		.needle = "repeated too quickly",
		.pattern = "(?:(?<unit>" UNIT "): )?[Ss]tart request repeated too quickly",
		.type = "crash-loop",
		.detail = "{unit}: start request repeated too quickly||start request repeated too quickly",
	},
	{
		.name = "systemd-unit-failed",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Failed with result|Failed to start",
		/* "Failed to start" from systemd only (CBS says it too) */
		.pattern = "(?m)(?:(?<unit>" UNIT "): Failed with result '(?<result>[\\w-]+)'|"
		           "\\bsystemd(?:\\[\\d+\\])?: Failed to start (?<what>[^\\n]*?)\\.?\\r?$)",
		.type = "unit-failed",
		.detail = "{unit}: {result}||{what}",
	},
	{0},
};

const struct st_rule_family st_rules_systemd = {"systemd", rules};
