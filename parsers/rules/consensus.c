/*
 * consensus.c: leadership changes of consensus clusters (etcd and other
 * raft implementations, Kubernetes leader election, Consul/Nomad/Vault),
 * and the symptoms of a cluster that lost or split its view.
 *
 *   3a57933972cb8131 became leader at term 46                 etcd raft
 *   raft.node: bf9071f4639c75cc elected leader 3a57933972cb8131 at term 46
 *   {"msg":"leadership transferred","from":"8e9e...","to":"3a57...","term":46}
 *   successfully acquired lease kube-system/kube-controller-manager
 *   Server is becoming the leader, discarding stale reads     symptom
 *
 * Each member logs the election its own way, so one election can give a
 * change per member: the object (member/ID) tells them together.
 */
#include "strata/classify.h"

#define MEMBER "[0-9a-f]{4,16}"

static const struct st_rule rules[] = {
	{
		.name = "raft-became-leader",
		.kind = ST_RULE_CHANGE,
		.needle = "became leader",
		.pattern = "\\b(?<member>" MEMBER ") became leader at term (?<term>\\d+)",
		.action = "leader-change",
		.object = "member/{member}",
	},
	{
		.name = "raft-elected-leader",
		.kind = ST_RULE_CHANGE,
		.needle = "elected leader",
		.pattern = "\\belected leader (?<member>" MEMBER ") at term (?<term>\\d+)",
		.action = "leader-change",
		.object = "member/{member}",
	},
	{
		.name = "raft-changed-leader",
		.kind = ST_RULE_CHANGE,
		.needle = "changed leader from",
		.pattern = "\\bchanged leader from (?<from>" MEMBER ") to (?<member>" MEMBER ")",
		.action = "leader-change",
		.object = "member/{member}",
	},
	{
		.name = "etcd-leadership-transferred",
		.kind = ST_RULE_CHANGE,
		.needle = "leadership transferred|leadership transfer finished",
		.pattern = "\\bleadership transfer(?:red| finished)"
		           "(?:(?=[^\\n]*?\\\\?\"(?:to|new-leader-member-id)\\\\?\"\\s*:\\s*"
		           "\\\\?\"(?<member>[^\"\\\\]+)))?",
		.action = "leader-change",
		.object = "member/{member}",
	},
	{
		.name = "k8s-lease-acquired",
		.kind = ST_RULE_CHANGE,
		.needle = "acquired lease",
		.pattern = "\\bsuccessfully acquired lease (?<lease>[\\w./-]+)",
		.action = "leader-change",
		.object = "lease/{lease}",
	},
	{
		.name = "raft-leader-state",
		.kind = ST_RULE_CHANGE,
		.needle = "entering leader state|leadership acquired",
		.pattern = "\\b(?:entering leader state(?:: leader=\\\\?\"Node at (?<member>[^ \"\\\\]+))?|"
		           "cluster leadership acquired)",
		.action = "leader-change",
		.object = "member/{member}",
	},
	{
		.name = "stale-reads",
		.kind = ST_RULE_SYMPTOM,
		.needle = "stale read",
		.pattern = "\\b(?:discarding )?stale reads?\\b",
		.type = "stale-reads",
	},
	{
		.name = "raft-lost-leader",
		.kind = ST_RULE_SYMPTOM,
		.needle = "lost leader",
		.pattern = "\\blost leader (?<member>" MEMBER ") at term (?<term>\\d+)",
		.type = "leader-lost",
		.detail = "member {member}, term {term}",
	},
	{0},
};

const struct st_rule_family st_rules_consensus = {"consensus", rules};
