/*
 * system.c: the machine refuses: a full disk, a permission denied, a
 * read-only file system, no file descriptors left.
 *
 *   write /var/lib/redis/dump.rdb: no space left on device
 *   bash: /opt/data-exporter/bin/export.sh: Permission denied
 *
 * The detail is the path when the line names one before the error.
 *
 * A failing disk, as the kernel reports it:
 *   blk_update_request: I/O error, dev sdc, sector 1953513472 op 0x1:(WRITE) ...
 *   EXT4-fs error (device sdc1): ext4_find_entry:1455: inode #2: ...
 *   Buffer I/O error on dev sdb1, logical block 0, async page read
 * and a program's read or write that fails with EIO ("Input/output error").
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
		.name = "disk-io",
		.kind = ST_RULE_SYMPTOM,
		.needle = "I/O error|Input/output error|EXT4-fs error|medium error",
		.pattern = "(?i)(?:i/o error,? (?:on )?dev (?<dev>[a-z0-9]+)|buffer i/o error on dev "
		           "(?<dev>[a-z0-9]+)|ext4-fs error \\(device (?<dev>[a-z0-9]+)\\)|"
		           "xfs \\((?<dev>[a-z0-9]+)\\): .*i/o error|input/output error|medium error)",
		.type = "disk-io",
		.detail = "{dev}",
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
