/*
 * process.c: processes that died or could not run: OOM kills (Kubernetes'
 * OOMKilled is in k8s.c, systemd's in systemd.c), exit codes with their
 * meaning, signals, segfaults, panics, stack traces, failed forks.
 *
 *   Out of memory: Killed process 48213 (redis-server) total-vm:...
 *   Can't save in background: fork: Cannot allocate memory
 *   msg="cmd exited with status 127 (command not found)" exit_status=127
 *   panic: runtime error: invalid memory address or nil pointer dereference
 *   Exception in thread "main" java.lang.IllegalStateException: ...
 *
 * An exit code of 0 is no symptom. 126, 127 and 128+n say what went
 * wrong ("137: killed (SIGKILL, out of memory?)"); other codes are given
 * as they are.
 */
#include "strata/classify.h"

static const struct st_rule rules[] = {
	{
		.name = "kernel-oom-kill",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Killed process|oom-kill:|invoked oom-killer",
		.pattern = "(?i)(?:out of memory: killed process (?<pid>\\d+) \\((?<proc>[^)]+)\\)|"
		           "oom-kill:[^\\n]*?task=(?<proc>[^,\\s]+),pid=(?<pid>\\d+)|"
		           "(?<proc>[\\w.-]+) invoked oom-killer)",
		.type = "oom-killed",
		.detail = "{proc} (pid {pid})||{proc}",
	},
	{
		.name = "out-of-memory",
		.kind = ST_RULE_SYMPTOM,
		.needle = "OutOfMemoryError|Cannot allocate memory|out of memory",
		.pattern = "(?:java\\.lang\\.)?OutOfMemoryError(?::\\s*(?<why>[^\\n]+))?|"
		           "(?<!fork: )(?<!fork\\(\\): )\\bCannot allocate memory\\b|"
		           "\\bfatal error: runtime: out of memory",
		.type = "out-of-memory",
		.detail = "{why}",
	},
	{
		.name = "fork-failed",
		.kind = ST_RULE_SYMPTOM,
		.needle = "fork: |fork(): |fork failed",
		.pattern = "\\bfork(?:\\(\\))?(?: failed)?:\\s*(?:retry:\\s*)?"
		           "(?<why>Cannot allocate memory|Resource temporarily unavailable|"
		           "Out of memory)",
		.type = "fork-failed",
		.detail = "{why}",
	},
	{
		.name = "panic",
		.kind = ST_RULE_SYMPTOM,
		.needle = "panic:|panicked at|Kernel panic",
		.pattern = "(?m)(?:(?:^|[\\s\"|])panic: (?<msg>[^\\n\"]+)|"
		           "thread '(?<thread>[^']*)' panicked at (?<msg>[^\\n\"]+)|"
		           "Kernel panic - not syncing: (?<msg>[^\\n]+))",
		.type = "panic",
		.detail = "{msg}",
	},
	{
		.name = "segfault",
		.kind = ST_RULE_SYMPTOM,
		.needle = "segfault|Segmentation fault|SIGSEGV",
		.pattern = "(?<proc>[\\w.-]+)\\[(?<pid>\\d+)\\]: segfault at|Segmentation fault|SIGSEGV",
		.type = "segfault",
		.detail = "{proc} (pid {pid})",
	},
	{
		.name = "stack-trace",
		.kind = ST_RULE_SYMPTOM,
		.needle = "Exception|Traceback (most recent call last)",
		.pattern = "Exception in thread \"[^\"]*\" (?<ex>[\\w.$]+)(?::\\s*(?<msg>[^\\n]*))?|"
		           "(?<ex>(?:[a-z_]\\w*\\.)+[A-Z]\\w*(?:Exception|Error))"
		           "(?::\\s*(?<msg>[^\\n]*))?\\r?\\n\\s+at |"
		           "Traceback \\(most recent call last\\):(?:\\n[^\\n]*)*?\\n"
		           "(?<ex>[A-Za-z_][\\w.]*(?:Error|Exception|Exit|Interrupt))"
		           "(?::\\s*(?<msg>[^\\n]*))?\\s*$",
		.type = "stack-trace",
		.detail = "{ex}: {msg}||{ex}",
	},
	{
		.name = "signal-killed",
		.kind = ST_RULE_SYMPTOM,
		.needle = "killed by signal|signal=SIG",
		.pattern = "\\bkilled by signal (?<signo>\\d+)(?: \\(SIG(?<signame>[A-Z0-9]+)\\))?|"
		           "\\bsignal=SIG(?<signame>[A-Z0-9]+)",
		.type = "{signame:signal}||{signo:signal}",
		.detail = "SIG{signame}||signal {signo}",
	},
	{
		.name = "exit-code",
		.kind = ST_RULE_SYMPTOM,
		.needle = "exited|exit code|exit status|exit_code|exit_status|exitcode",
		.pattern = "(?i)(?:\\bexit(?:ed)?(?: with)? (?:code|status)[ :=]*|"
		           "\\bexit_?(?:code|status)\\\\?\"?\\s*[:=]\\s*\\\\?\"?|\\bexited \\(|"
		           "returned non-zero exit status |\\bterminated with exit code )"
		           "(?!0\\b)(?<code>\\d{1,3})\\b",
		.type = "exit-code",
		.detail = "{code:exit}",
	},
	{0},
};

const struct st_rule_family st_rules_process = {"process", rules};
