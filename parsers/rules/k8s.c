/*
 * k8s.c: Kubernetes and Helm changes and symptoms, wherever their text
 * shows up: kubectl's own output (apply, create, replace, delete, patch,
 * scale, rollout restart/undo/status, set image), events (kubectl get
 * events -o json objects and their -w streams, which the ingest hands
 * over as jq -c writes them whether they were pretty-printed or not;
 * describe's Events table; kubelet lines quoted as "ns/pod: message";
 * kubelet's SystemOOM event), free text that names a
 * ConfigMap or Deployment and what happened to it, and Helm's output.
 *
 *   configmap/analytics-config configured            kubectl apply
 *   deployment.apps "checkout" deleted                kubectl delete
 *   ConfigMap analytics-config replaced in namespace analytics
 *   Scaled up replica set checkout-6d4b9c7f5 to 3     ScalingReplicaSet
 *   Created pod: checkout-6d4b9c7f5-x2x9z             SuccessfulCreate
 *   Stopping container main                           Killing
 *   Release "session-cache" has been upgraded. Happy Helming!
 *
 * Not changes: "unchanged" objects, "Started container" (a restart loop
 * would make each one a change; the rollout that caused it is the
 * change), rollout progress ("Waiting for deployment ...").
 */
#include "strata/classify.h"

/* a DNS-1123 name, as Kubernetes objects have */
#define NAME "[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
/* kubectl's "kind/name" kinds: the core ones, or any kind.group */
#define KIND                                                                                \
	"(?:pod|service|configmap|secret|namespace|serviceaccount|persistentvolumeclaim|"   \
	"persistentvolume|node|endpoints|limitrange|resourcequota|replicationcontroller|"   \
	"[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9.-]*[a-z0-9])"

static const struct st_rule rules[] = {
	/* ---- changes */
	{
		.name = "k8s-object-verb",
		.kind = ST_RULE_CHANGE,
		.needle = "configured|created|replaced|deleted|patched|scaled|restarted|"
		          "rolled back|serverside-applied|image updated",
		.pattern = "(?<![\\w./-])(?<kind>" KIND ")/(?<name>" NAME ") (?:image (?<verb>updated)|"
		           "(?<verb>configured|created|replaced|deleted|patched|scaled|restarted|"
		           "rolled back|serverside-applied))\\b"
		           "|(?<![\\w./-])(?<kind>" KIND ") \\\\?\"(?<name>" NAME ")\\\\?\" "
		           "(?<verb>deleted)\\b",
		.action = "{verb}",
		.object = "{kind:kind}/{name}",
	},
	{
		.name = "k8s-text-verb",
		.kind = ST_RULE_CHANGE,
		.needle = "configmap|secret |deployment |statefulset|daemonset|cronjob",
		.pattern = "(?i)\\b(?<kind>ConfigMap|Secret|Deployment|StatefulSet|DaemonSet|CronJob)"
		           "\\s+[\"']?(?!(?:is|was|has|have|been|the|a|an|not|for|to|of|in|on|and)\\b)"
		           "(?<name>" NAME ")[\"']?\\s+(?:was\\s+|has\\s+been\\s+|is\\s+)?"
		           "(?<verb>replaced|configured|created|deleted|updated|patched|modified|"
		           "restarted|scaled|rolled\\s+back)\\b"
		           "(?:\\s+in\\s+(?:the\\s+)?namespace\\s+[\"']?(?<namespace>" NAME "))?",
		.action = "{verb}",
		.object = "{kind:kind}/{name}",
		.ns = "{namespace}",
	},
	{
		.name = "k8s-scaled-replicaset",
		.kind = ST_RULE_CHANGE,
		.needle = "replica set",
		.pattern = "\\bScaled (?<dir>up|down) replica set (?<rs>" NAME ")(?: from \\d+)? "
		           "to (?<replicas>\\d+)",
		.action = "scale",
		.object = "deployment/{rs:rs}",
	},
	{
		.name = "k8s-pod-created",
		.kind = ST_RULE_CHANGE,
		.needle = "Created pod:|Deleted pod:",
		.pattern = "\\b(?<verb>Created|Deleted) pod: (?<pod>" NAME ")",
		.action = "{verb}",
		.object = "pod/{pod}",
	},
	{
		.name = "k8s-job-created",
		.kind = ST_RULE_CHANGE,
		.needle = "Created job |Deleted job ",
		.pattern = "\\b(?<verb>Created|Deleted) job (?<job>" NAME ")",
		.action = "{verb}",
		.object = "job/{job}",
	},
	{
		.name = "k8s-killing",
		.kind = ST_RULE_CHANGE,
		.needle = "Stopping container",
		.pattern = "\\bStopping container (?<container>" NAME ")",
		.action = "kill",
		.object = "container/{container}",
	},
	{
		.name = "k8s-hpa-rescale",
		.kind = ST_RULE_CHANGE,
		.needle = "New size:",
		.pattern = "\\bNew size: (?<replicas>\\d+); reason: ",
		.action = "scale",
	},
	{
		.name = "k8s-rollout-done",
		.kind = ST_RULE_CHANGE,
		.needle = "successfully rolled out",
		.pattern = "(?<kind>deployment|daemon set|statefulset|[a-z]+\\.apps)(?:/| \\\\?\")"
		           "(?<name>" NAME ")(?:\\\\?\")? successfully rolled out",
		.action = "rollout",
		.object = "{kind:kind}/{name}",
	},
	{
		.name = "helm-upgraded",
		.kind = ST_RULE_CHANGE,
		.needle = "has been upgraded",
		.pattern = "\\bRelease \\\\?\"(?<release>[^\"\\\\]+)\\\\?\" has been upgraded",
		.action = "upgrade",
		.object = "release/{release}",
	},
	{
		.name = "helm-installed",
		.kind = ST_RULE_CHANGE,
		.needle = "Installing it now",
		.pattern = "\\bRelease \\\\?\"(?<release>[^\"\\\\]+)\\\\?\" does not exist\\. "
		           "Installing it now",
		.action = "install",
		.object = "release/{release}",
	},
	{
		.name = "helm-rollback",
		.kind = ST_RULE_CHANGE,
		.needle = "Rollback was a success",
		.pattern = "\\bRollback was a success",
		.action = "rollback",
	},
	{
		.name = "helm-uninstalled",
		.kind = ST_RULE_CHANGE,
		.needle = "uninstalled",
		.pattern = "\\brelease \\\\?\"(?<release>[^\"\\\\]+)\\\\?\" uninstalled",
		.action = "uninstall",
		.object = "release/{release}",
	},

	/* ---- symptoms */
	{
		.name = "k8s-oomkilled",
		.kind = ST_RULE_SYMPTOM,
		.needle = "OOMKilled",
		.pattern = "OOMKilled(?:[^\\n]*?[Ee]xit ?[Cc]ode\\\\?\"?:? ?(?<code>\\d+))?",
		.type = "oom-killed",
		.detail = "exit code {code}||OOMKilled",
	},
	{
		/* kubelet's SystemOOM event on a node (node-problem-detector's
		 * OOMKilling quotes the kernel's line: kernel-oom-kill) */
		.name = "k8s-system-oom",
		.kind = ST_RULE_SYMPTOM,
		.needle = "System OOM encountered",
		.pattern = "\\bSystem OOM encountered, victim process: (?<proc>[^,\\s\"\\\\]+)"
		           "(?:, pid: (?<pid>\\d+))?",
		.type = "oom-killed",
		.detail = "{proc} (pid {pid})||{proc}",
	},
	{
		.name = "k8s-crashloop",
		.kind = ST_RULE_SYMPTOM,
		.needle = "CrashLoopBackOff|Back-off restarting",
		.pattern = "(?:Back-off restarting failed container(?: (?<container>" NAME "))?|"
		           "CrashLoopBackOff)(?:[^\\n]*?Restart Count:? (?<restarts>\\d+))?",
		.type = "crash-loop",
		.detail = "container {container}, {restarts} restarts||{restarts} restarts||"
		          "container {container}",
	},
	{
		.name = "k8s-image-pull",
		.kind = ST_RULE_SYMPTOM,
		.needle = "ErrImagePull|ImagePullBackOff|ErrImageNeverPull|pull image|pulling image",
		.pattern = "(?:Failed to pull image|Back-off pulling image|ErrImagePull|"
		           "ImagePullBackOff|ErrImageNeverPull)(?: \\\\?\"(?<image>[^\"\\\\]+))?",
		.type = "image-pull",
		.detail = "{image}",
	},
	{
		.name = "k8s-probe-failed",
		.kind = ST_RULE_SYMPTOM,
		.needle = "probe failed",
		/* kubelet's event text, and its own structured log (prober.go) */
		.pattern = "\\b(?<probe>Liveness|Readiness|Startup) probe failed"
		           "(?::\\s*(?<why>[^\"\\n]+))?|"
		           "\"Probe failed\" probeType=\"(?<probe>\\w+)\"(?:[^\\n]*? output=\"(?<why>[^\"]*))?",
		.type = "probe-failed",
		.detail = "{probe:lower}: {why}||{probe:lower}",
	},
	{
		.name = "k8s-evicted",
		.kind = ST_RULE_SYMPTOM,
		.needle = "low on resource|Evicted",
		.pattern = "(?:\\bEvicted\\b[^\\n]*?)?\\bThe node was low on resource: (?<resource>\\w+)|"
		           "\\bEvicted\\b",
		.type = "evicted",
		.detail = "node low on {resource}",
	},
	{
		.name = "k8s-unschedulable",
		.kind = ST_RULE_SYMPTOM,
		.needle = "nodes are available",
		.pattern = "\\b(?<avail>\\d+/\\d+) nodes are available(?:: (?<why>[^\"\\n]+))?",
		.type = "unschedulable",
		.detail = "{avail} nodes available: {why}||{avail} nodes available",
	},
	{
		.name = "k8s-node-not-ready",
		.kind = ST_RULE_SYMPTOM,
		.needle = "NodeNotReady",
		.pattern = "\\bNodeNotReady\\b",
		.type = "node-not-ready",
	},
	{0},
};

const struct st_rule_family st_rules_k8s = {"k8s", rules};
