/*
 * system.c: the machine refuses: a full disk, a permission denied, a
 * read-only file system, no file descriptors left.
 *
 *   write /var/lib/redis/dump.rdb: no space left on device
 *   bash: /opt/data-exporter/bin/export.sh: Permission denied
 *
 * The detail is the path when the line names one before the error.
 */
#include "strata/classify.h"

#define PATH "(?:/|\\./|~/)[^\\s:\"']*"

static const struct st_rule rules[] = {
	{
		.name = "disk-full",
		.kind = ST_RULE_SYMPTOM,
		.needle = "No space left|ENOSPC|quota exceeded",
		.pattern = "(?i)(?:(?<path>" PATH "): )?(?:no space left on device|\\benospc\\b|"
		           "disk quota exceeded)",
		.type = "disk-full",
		.detail = "{path}",
	},
	{
		.name = "permission-denied",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Permission denied|EACCES|not permitted",
		.pattern = "(?i)(?:(?<path>" PATH "): )?(?:permission denied|\\beacces\\b|"
		           "operation not permitted)",
		.type = "permission-denied",
		.detail = "{path}",
	},
	{
		.name = "read-only-fs",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Read-only file system|EROFS)|EROFS:|EROFS,| EROFS",
		.pattern = "(?i)(?:(?<path>" PATH "): )?(?:read-only file system|\\berofs\\b)",
		.type = "read-only-fs",
		.detail = "{path}",
	},
	{
		.name = "fd-exhausted",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Too many open files|EMFILE",
		.pattern = "(?i)\\btoo many open files|\\bemfile\\b",
		.type = "fd-exhausted",
	},
	{0},
};

const struct st_rule_family st_rules_system = {"system", rules};
