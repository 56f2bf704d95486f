/*
 * families.c: the built-in rule families, in the order their rules are
 * tried (user rules come before all of them; see classify.h).
 *
 * Order matters where two rules read the same line: the first change rule
 * and the first symptom rule that match win. Specific families come
 * first: Kubernetes and systemd before the process family, whose generic
 * exit-code rule would otherwise take "OOMKilled ... Exit Code: 137" or
 * "code=exited, status=126"; within a family, specific rules come before
 * general ones.
 */
#include "strata/classify.h"

extern const struct st_rule_family st_rules_k8s, st_rules_ansible, st_rules_terraform,
	st_rules_consensus, st_rules_systemd, st_rules_packages, st_rules_config,
	st_rules_process, st_rules_network, st_rules_system, st_rules_http;

const struct st_rule_family *const st_rule_families[] = {
	&st_rules_k8s,
	&st_rules_ansible,
	&st_rules_terraform,
	&st_rules_consensus,
	&st_rules_systemd,
	&st_rules_packages,
	&st_rules_config,
	&st_rules_process,
	&st_rules_network,
	&st_rules_system,
	&st_rules_http,
};

const size_t st_rule_nfamilies = sizeof(st_rule_families) / sizeof(st_rule_families[0]);
