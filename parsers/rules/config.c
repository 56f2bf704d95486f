/*
 * config.c: changes made at run time rather than by a deployment tool:
 * configuration set on a live server (Redis CONFIG SET, PostgreSQL and
 * MySQL parameters), reloads on SIGHUP, feature flags flipped, and
 * deploys announced by CI or GitOps tools.
 *
 *   1726150000.123456 [0 10.0.0.5:51234] "CONFIG" "SET" "maxmemory" "100mb"
 *   LOG:  parameter "work_mem" changed to "64MB"
 *   2024/03/01 06:25:11 [notice] 1234#1234: signal 1 (SIGHUP) received from 5678, reconfiguring
 *   INFO Feature flag 'enable_new_checkout' = true
 *   {"type":"feature-environment-enabled","featureName":"new-checkout","createdBy":"alice",...}
 *   Deploying version 2.4.1 of checkout to production
 *   msg="Sync operation to 3f2a1b9 succeeded" application=argocd/checkout
 *
 * A flag's state logged by the service that reads it ("Feature flag 'x'
 * = true") counts: it is when the change took effect there.
 */
#include "strata/classify.h"

static const struct st_rule rules[] = {
	{
		.name = "redis-config-set",
		.kind = ST_RULE_CHANGE,
		.needle = "CONFIG SET|\"CONFIG\" \"SET\"",
		.pattern = "(?:\\bCONFIG SET|\"(?i:config)\" \"(?i:set)\") \"?(?<param>[\\w.-]+)\"?",
		.action = "set",
		.object = "config/{param}",
	},
	{
		.name = "postgres-parameter-changed",
		.kind = ST_RULE_CHANGE,
		.needle = "\" changed to \"",
		.pattern = "\\bparameter \"(?<param>[^\"]+)\" changed to \"",
		.action = "set",
		.object = "config/{param}",
	},
	{
		.name = "mysql-set-global",
		.kind = ST_RULE_CHANGE,
		.needle = "SET GLOBAL|SET PERSIST",
		.pattern = "(?i)\\bSET\\s+(?:GLOBAL|PERSIST)\\s+(?<param>\\w+)\\s*=",
		.action = "set",
		.object = "config/{param}",
	},
	{
		.name = "sighup-reload",
		.kind = ST_RULE_CHANGE,
		.needle = "SIGHUP",
		.pattern = "(?i)(?:received\\s+SIGHUP|SIGHUP\\)?,?\\s+received|caught\\s+SIGHUP|"
		           "got\\s+SIGHUP|SIGHUP[^\\n]{0,40}\\breload|\\breload[^\\n]{0,40}SIGHUP)",
		.action = "reload",
		.object = "{@program}||{@tag}",
	},
	{
		.name = "feature-flag",
		.kind = ST_RULE_CHANGE,
		.needle = "feature flag|feature-flag|feature_flag|featureflag",
		.pattern = "(?i)\\bfeature[ _-]?flag\\s+['\"]?(?<flag>[\\w.-]+)['\"]?\\s+"
		           "(?:(?:was|has been|is now)\\s+)?"
		           "(?<verb>enabled|disabled|toggled|turned on|turned off|changed|updated|"
		           "set to|=|:=|->)",
		.action = "{verb:flag}",
		.object = "flag/{flag}",
	},
	{
		.name = "flag-changed",
		.kind = ST_RULE_CHANGE,
		.needle = "flag '|flag \"",
		.pattern = "(?i)\\bflag\\s+['\"](?<flag>[\\w.-]+)['\"]\\s+(?:was\\s+)?"
		           "(?<verb>changed|updated|toggled|enabled|disabled|set to|turned on|turned off)",
		.action = "{verb:flag}",
		.object = "flag/{flag}",
	},
	{
		.name = "unleash-event",
		.kind = ST_RULE_CHANGE,
		.needle = "\"featureName\"",
		.pattern = "\\A(?=.*\"type\"\\s*:\\s*\"feature-(?:environment-)?(?<verb>[a-z-]+)\")"
		           "(?=.*\"featureName\"\\s*:\\s*\"(?<flag>[^\"]+)\")"
		           "(?:(?=.*\"createdBy\"\\s*:\\s*\"(?<actor>[^\"]+)\"))?",
		.action = "{verb:flag}",
		.object = "flag/{flag}",
		.actor = "{actor}",
	},
	{
		.name = "launchdarkly-audit",
		.kind = ST_RULE_CHANGE,
		.needle = "\"titleVerb\"",
		.pattern = "\\A(?=.*\"kind\"\\s*:\\s*\"flag\")"
		           "(?=.*\"titleVerb\"\\s*:\\s*\"(?<verb>[^\"]+)\")"
		           "(?:(?=.*:flag/(?<flag>[\\w.-]+)\"))?"
		           "(?:(?=.*\"email\"\\s*:\\s*\"(?<actor>[^\"]+)\"))?",
		.action = "{verb:flag}",
		.object = "flag/{flag}",
		.actor = "{actor}",
	},
	{
		.name = "argocd-sync",
		.kind = ST_RULE_CHANGE,
		.needle = "Sync operation to",
		.pattern = "\\bSync operation to (?<rev>[0-9a-f]{7,40}) succeeded",
		.action = "deploy",
		.object = "{@application}@{rev}||revision {rev}",
	},
	{
		.name = "flux-applied",
		.kind = ST_RULE_CHANGE,
		.needle = "Applied revision",
		.pattern = "\\bApplied revision:? (?<rev>[\\w./@:-]+)",
		.action = "deploy",
		.object = "revision {rev}",
	},
	{
		.name = "ci-deploy-version",
		.kind = ST_RULE_CHANGE,
		.needle = "deploying|deployed|rolling out|releasing",
		.pattern = "(?i)\\b(?:deploying|deployed|rolling out|releasing)\\s+"
		           "(?:(?:version|release|build|tag|image)\\s+)?"
		           "(?:(?<app>[a-z][\\w.-]*?)[@:](?<version>v?\\d[\\w.+-]*)|"
		           "(?<version>v?\\d+(?:\\.\\d+)+(?:[-+][\\w.]+)?|[0-9a-f]{7,40}\\b)"
		           "(?:\\s+of\\s+(?<app>[a-z][\\w.-]*))?)(?:\\s+to\\s+(?<env>[\\w.-]+))?",
		.action = "deploy",
		.object = "{app}@{version}||version {version}",
	},
	{
		.name = "ci-deploy-env",
		.kind = ST_RULE_CHANGE,
		.needle = "deploying",
		.pattern = "(?i)\\bdeploying\\s+(?:(?<app>[a-z][\\w.@/-]*)\\s+)?to\\s+"
		           "(?<env>[a-z][\\w.-]*)",
		.action = "deploy",
		.object = "{app}||{env}",
	},
	{0},
};

const struct st_rule_family st_rules_config = {"config", rules};
