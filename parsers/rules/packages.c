/*
 * packages.c: package installs, upgrades and removals: dpkg's log, apt's
 * history, unattended-upgrades, yum and dnf.
 *
 *   2024-03-01 06:25:11 upgrade openssl:amd64 3.0.11-1~deb12u1 3.0.11-1~deb12u2
 *   Start-Date: 2024-03-01  06:25:03          (apt's history.log: one event
 *   Commandline: apt-get install openssl       per run, the apt-history
 *   Requested-By: admin (1000)                 format's; context rules carry
 *   Upgrade: openssl:amd64 (3.0.11-1, ...)     who asked, else the program,
 *   End-Date: 2024-03-01  06:25:11             to the Upgrade: line)
 *   2024-03-01 06:25:03,123 INFO Packages that will be upgraded: libssl3 openssl
 *   Mar 01 06:25:11 Updated: openssl-1:3.0.7-25.el9.x86_64
 *
 * dpkg's "status" and "configure" lines follow each action line and are
 * not counted again. The object is the first package (in apt's history,
 * the first not installed as a dependency); all of them are entities. An
 * apt run that installs some packages and upgrades others is one change:
 * the first of its Install:, Upgrade:, ... lines says which.
 */
#include "strata/classify.h"

#define PKG "[a-z0-9][a-z0-9+.-]*"

static const struct st_rule rules[] = {
	/* apt's history: who asked (else the program that ran apt), for the
	 * Upgrade: line of the same record (a new record forgets the last
	 * one's) */
	{
		.name = "apt-start",
		.kind = ST_RULE_CONTEXT,
		.needle = "Start-Date: ",
		.pattern = "(?m)^Start-Date: (?<apt_actor>)(?<apt_program>)",
	},
	{
		.name = "apt-commandline",
		.kind = ST_RULE_CONTEXT,
		.needle = "Commandline: ",
		.pattern = "(?m)^Commandline: (?:[^\\s/]*/)*(?<apt_program>[\\w.+-]+)",
	},
	{
		.name = "apt-requested-by",
		.kind = ST_RULE_CONTEXT,
		.needle = "Requested-By: ",
		.pattern = "(?m)^Requested-By: (?<apt_actor>[^\\s(]+)",
	},
	{
		.name = "dpkg-action",
		.kind = ST_RULE_CHANGE,
		.needle = "install |upgrade |remove |purge ",
		.pattern = "(?m)(?:^|\\d\\d:\\d\\d:\\d\\d )(?<verb>install|upgrade|remove|purge) "
		           "(?<pkg>" PKG ")(?::[a-z0-9]+)? (?<old>\\S+) (?<new>\\S+)\\r?$",
		.action = "{verb:pkg}",
		.object = "package/{pkg}",
	},
	{
		.name = "apt-history",
		.kind = ST_RULE_CHANGE,
		.needle = "Upgrade: |Install: |Remove: |Purge: |Downgrade: |Reinstall: ",
		/* the first package asked for, not one pulled in as a dependency
		 * ("(3.6-3, automatic)"), else the first */
		.pattern = "(?m)^(?<verb>Install|Upgrade|Remove|Purge|Downgrade|Reinstall): (?:"
		           "(?:[^\\n]*?\\), ){0,1}?(?<pkg>" PKG ")(?::[a-z0-9]+)? "
		           "\\((?![^)\\n]*, automatic\\))"
		           "|(?<pkg>" PKG ")(?::[a-z0-9]+)? \\()",
		.action = "{verb:pkg}",
		.object = "package/{pkg}",
		.actor = "{apt_actor}||{apt_program}",
	},
	{
		.name = "unattended-upgrades",
		.kind = ST_RULE_CHANGE,
		.needle = "Packages that will be upgraded:",
		.pattern = "\\bPackages that will be upgraded: (?<pkg>" PKG ")",
		.action = "upgrade",
		.object = "package/{pkg}",
		.actor = "unattended-upgrades",
	},
	{
		.name = "yum-action",
		.kind = ST_RULE_CHANGE,
		.needle = "Updated: |Installed: |Erased: |Upgraded: |Removed: |Downgraded: ",
		.pattern = "(?m)\\b(?<verb>Updated|Installed|Erased|Upgraded|Removed|Downgraded): "
		           "(?<pkg>[A-Za-z0-9][\\w+.-]*?)-(?:\\d+:)?\\d[\\w.+~]*-[\\w.+~]+?"
		           "(?:\\.(?:x86_64|noarch|aarch64|i686|ppc64le|s390x))?\\r?$",
		.action = "{verb:pkg}",
		.object = "package/{pkg}",
	},
	{0},
};

const struct st_rule_family st_rules_packages = {"packages", rules};
