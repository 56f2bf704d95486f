/*
 * gen-syslog.c: deterministic benchmark logs for strata.
 *
 *   gen-syslog [-s MB] [-d DAYS] [-S SEED] -o FILE     one RFC 3164 file
 *   gen-syslog [-s MB] [-d DAYS] [-S SEED] -m DIR      the "mixed" set
 *
 * One file: BSD syslog as /var/log/syslog holds it,
 *
 *   Oct 30 02:00:03 prod-batch-01 sshd[48291]: Accepted publickey for ...
 *
 * from 18 hosts and ~30 program names with ~50 message templates and variable
 * fields (addresses, ports, pids, ids, durations, paths). Lines are 60 to
 * 250 bytes. Stamps start 2026-10-30 00:00:00 UTC and rise over DAYS days
 * (default 3) in step with the bytes written, so any size covers the same
 * span; about 0.1% of lines are stamped 1-90 s in the past (out of order).
 * The file's mtime is set to one hour after the last stamp, so strata's
 * year inference for the year-less stamps (it dates them by the mtime)
 * does not depend on the day the file is generated.
 *
 * Mixed: the same total volume over 8 files in DIR, all covering the same
 * span: 3 syslog files (different hosts), 3 ISO-8601-prefixed application
 * logs ("2026-10-30T00:00:01.123456Z INFO  [svc] ...") and 2 JSON-lines
 * files ({"ts":"...","level":"info","svc":...,"msg":...}).
 *
 * The output depends only on the options: a fixed xorshift PRNG, no
 * locale, no clock.
 *
 * Build: cc -O2 -o gen-syslog gen-syslog.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIN_LINE 60
#define MAX_LINE 250
#define START_EPOCH 1793318400LL /* 2026-10-30T00:00:00Z */

/* ---- PRNG: xorshift64*, seeded through splitmix64 ---------------------- */

struct rng {
	uint64_t s;
};

static void
rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = (z ^ (z >> 31)) | 1;
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* uniform in [0, n) */
static unsigned
rnd(struct rng *r, unsigned n)
{
	return (unsigned)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [lo, hi] */
static int
rr(struct rng *r, int lo, int hi)
{
	return lo + (int)rnd(r, (unsigned)(hi - lo + 1));
}

#define PICK(r, a) ((a)[rnd((r), sizeof(a) / sizeof((a)[0]))])

/* ---- field pools -------------------------------------------------------- */

static const char *const users[] = {"deploy", "root", "ubuntu", "alice", "bob", "carol",
	"backup", "jenkins", "ansible", "postgres", "www-data", "nagios"};
static const char *const bad_users[] = {"admin", "test", "oracle", "guest", "user", "pi",
	"ftpuser", "support", "git", "hadoop"};
static const char *const cron_cmds[] = {
	"command -v debian-sa1 > /dev/null && debian-sa1 1 1",
	"/usr/local/bin/backup-db --incremental --target s3://backups/db",
	"cd / && run-parts --report /etc/cron.hourly",
	"/usr/bin/find /var/tmp -type f -mtime +7 -delete",
	"[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean",
	"/opt/exporter/bin/export --nightly >> /var/log/exporter.log 2>&1",
	"test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
};
static const char *const units[][2] = {
	{"data-exporter.service", "Nightly Data Export Agent"},
	{"logrotate.service", "Rotate log files"},
	{"apt-daily.service", "Daily apt download activities"},
	{"man-db.service", "Daily man-db regeneration"},
	{"certbot.service", "Certbot renewal"},
	{"sysstat-collect.service", "system activity accounting tool"},
	{"fstrim.service", "Discard unused blocks on filesystems from /etc/fstab"},
	{"session-c%d.scope", "Session of User"},
	{"user@%d.service", "User Manager for UID"},
	{"node-exporter.service", "Prometheus Node Exporter"},
};
static const char *const paths[] = {"/api/v1/orders", "/api/v1/users", "/api/v1/cart",
	"/api/v2/search", "/healthz", "/metrics", "/static/js/app.min.js", "/login",
	"/api/v1/payments", "/api/v1/inventory", "/favicon.ico", "/api/v1/sessions"};
static const char *const methods[] = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"};
static const int statuses[] = {200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401,
	403, 404, 404, 429, 500, 502, 503};
static const char *const agents[] = {"curl/7.88.1", "Go-http-client/1.1", "kube-probe/1.28",
	"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
	"Prometheus/2.48.0", "python-requests/2.31.0", "okhttp/4.12.0"};
static const char *const domains[] = {"example.com", "api.example.com", "cdn.example.net",
	"mail.example.org", "db.internal", "metrics.internal", "s3.amazonaws.com",
	"registry.k8s.io", "github.com", "pool.ntp.org"};
static const char *const pg_tables[] = {"orders", "users", "line_items", "payments", "sessions",
	"inventory", "audit_log"};
static const char *const namespaces[] = {"default", "kube-system", "payments", "checkout",
	"monitoring", "ingress-nginx"};
static const char *const pods[] = {"api", "worker", "web", "coredns", "prometheus", "redis",
	"checkout", "payments-gw"};
static const char *const svcs[] = {"checkout", "payments", "inventory", "search", "auth",
	"notifier", "billing", "gateway"};
static const char *const app_levels[] = {"INFO", "INFO", "INFO", "INFO", "INFO", "INFO",
	"INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "DEBUG",
	"DEBUG", "WARN", "ERROR"};

static const char *const syslog_hosts[] = {"web-01", "web-02", "web-03", "web-04", "web-05",
	"web-06", "prod-batch-01", "prod-batch-02", "db-01", "db-02", "lb-01", "lb-02",
	"k8s-node-01", "k8s-node-02", "k8s-node-03", "k8s-node-04", "mail-01", "bastion"};

/* ---- small writers ------------------------------------------------------ */

struct buf {
	char *p;
	int n, cap;
};

static void
bf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b->p + b->n, (size_t)(b->cap - b->n), fmt, ap);
	va_end(ap);
	if (k > 0)
		b->n = b->n + k < b->cap ? b->n + k : b->cap - 1;
}

static void
hex(struct buf *b, struct rng *r, int digits)
{
	static const char h[] = "0123456789abcdef";
	for (int i = 0; i < digits && b->n < b->cap - 1; i++)
		b->p[b->n++] = h[rnd(r, 16)];
	b->p[b->n] = 0;
}

static void
b64(struct buf *b, struct rng *r, int digits)
{
	static const char c[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int i = 0; i < digits && b->n < b->cap - 1; i++)
		b->p[b->n++] = c[rnd(r, 64)];
	b->p[b->n] = 0;
}

static void
ip_int(struct buf *b, struct rng *r)
{
	bf(b, "10.%d.%d.%d", rr(r, 0, 3), rr(r, 0, 40), rr(r, 2, 254));
}

static void
ip_ext(struct buf *b, struct rng *r)
{
	bf(b, "%d.%d.%d.%d", rr(r, 23, 223), rr(r, 0, 255), rr(r, 0, 255), rr(r, 1, 254));
}

static void
mac(struct buf *b, struct rng *r)
{
	for (int i = 0; i < 14; i++)
		bf(b, i ? ":%02x" : "%02x", rnd(r, 256));
}

/* ---- syslog message templates -------------------------------------------
 * Each writes "prog[pid]: message" (the part after the host). */

struct gen {
	struct rng r;
	int64_t start_us, span_us;
	uint64_t target, written;
	const char *const *hosts;
	int nhosts;
	int kind; /* 0 syslog, 1 iso8601, 2 json */
	int64_t uptime_base;
	struct tm cur; /* the stamp of the line being written */
	int cur_us;
	unsigned qid;
};

static int
pid_of(struct gen *g, const char *host, int salt)
{
	unsigned h = 2166136261u;
	for (const char *p = host; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	(void)g;
	return 300 + (int)((h ^ (unsigned)salt * 2654435761u) % 60000u);
}

static void
msg_sshd(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	bf(b, "sshd[%d]: ", rr(r, 1000, 65000));
	(void)host;
	switch (rnd(r, 6)) {
	case 0:
		bf(b, "Accepted publickey for %s from ", PICK(r, users));
		ip_int(b, r);
		bf(b, " port %d ssh2: ED25519 SHA256:", rr(r, 32768, 60999));
		b64(b, r, 43);
		break;
	case 1:
		bf(b, "Failed password for invalid user %s from ", PICK(r, bad_users));
		ip_ext(b, r);
		bf(b, " port %d ssh2", rr(r, 1024, 65535));
		break;
	case 2:
		bf(b, "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)",
		   PICK(r, users), rr(r, 0, 1100));
		break;
	case 3:
		bf(b, "Received disconnect from ");
		ip_int(b, r);
		bf(b, " port %d:11: disconnected by user", rr(r, 32768, 60999));
		break;
	case 4:
		bf(b, "Connection closed by authenticating user %s ", PICK(r, users));
		ip_ext(b, r);
		bf(b, " port %d [preauth]", rr(r, 1024, 65535));
		break;
	default:
		bf(b, "pam_unix(sshd:session): session closed for user %s", PICK(r, users));
		break;
	}
}

static void
msg_cron(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	(void)host;
	bf(b, "CRON[%d]: ", rr(r, 1000, 65000));
	switch (rnd(r, 3)) {
	case 0:
		bf(b, "(%s) CMD (%s)", rnd(r, 3) ? "root" : PICK(r, users), PICK(r, cron_cmds));
		break;
	case 1:
		bf(b, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
		break;
	default:
		bf(b, "pam_unix(cron:session): session closed for user root");
		break;
	}
}

static void
msg_systemd(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	(void)host;
	bf(b, "systemd[1]: ");
	unsigned u = rnd(r, sizeof(units) / sizeof(units[0]));
	char name[64];
	snprintf(name, sizeof name, units[u][0], rr(r, 1, 9000));
	switch (rnd(r, 5)) {
	case 0:
		bf(b, "Started %s - %s.", name, units[u][1]);
		break;
	case 1:
		bf(b, "Starting %s - %s...", name, units[u][1]);
		break;
	case 2:
		bf(b, "%s: Deactivated successfully.", name);
		break;
	case 3:
		bf(b, "%s: Consumed %d.%03ds CPU time.", name, rr(r, 0, 300), rr(r, 0, 999));
		break;
	default:
		bf(b, "%s: Main process exited, code=exited, status=%d/%s", name, rr(r, 1, 3),
		   rnd(r, 2) ? "FAILURE" : "INVALIDARGUMENT");
		break;
	}
}

static void
msg_kernel(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	(void)host;
	int64_t up = g->uptime_base + (int64_t)(g->written / 4096);
	bf(b, "kernel: [%" PRId64 ".%06d] ", up, rr(r, 0, 999999));
	switch (rnd(r, 4)) {
	case 0:
	case 1:
		bf(b, "[UFW BLOCK] IN=eth0 OUT= MAC=");
		mac(b, r);
		bf(b, " SRC=");
		ip_ext(b, r);
		bf(b, " DST=");
		ip_int(b, r);
		bf(b, " LEN=%d TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d "
		      "WINDOW=%d RES=0x00 SYN URGP=0",
		   rr(r, 40, 60), rr(r, 30, 250), rr(r, 1, 65535), rr(r, 1024, 65535),
		   PICK(r, ((const int[]){22, 23, 80, 443, 3389, 5432, 6379, 8080})), rr(r, 1024, 65535));
		break;
	case 2:
		bf(b, "TCP: request_sock_TCP: Possible SYN flooding on port %d. Sending cookies.  "
		      "Check SNMP counters.",
		   PICK(r, ((const int[]){80, 443, 8080})));
		break;
	default:
		bf(b, "EXT4-fs (nvme0n1p%d): mounted filesystem %08x-%04x-%04x with ordered data mode. "
		      "Quota mode: none.",
		   rr(r, 1, 4), rnd(r, 0xffffffffu), rnd(r, 0x10000), rnd(r, 0x10000));
		break;
	}
}

static void
msg_sudo(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	(void)host;
	static const char *const cmds[] = {"/usr/bin/systemctl restart nginx",
		"/usr/bin/apt-get update", "/usr/bin/journalctl -u kubelet --since today",
		"/bin/cat /var/log/auth.log", "/usr/bin/docker ps -a",
		"/usr/sbin/iptables -L -n -v"};
	bf(b, "sudo[%d]: ", rr(r, 1000, 65000));
	if (rnd(r, 4))
		bf(b, "%8s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=%s", PICK(r, users),
		   rr(r, 0, 9), PICK(r, users), PICK(r, cmds));
	else
		bf(b, "pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=%d)",
		   PICK(r, users), rr(r, 1000, 1100));
}

static void
msg_postfix(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	switch (rnd(r, 4)) {
	case 0:
		bf(b, "postfix/smtpd[%d]: connect from %s[", pid_of(g, host, 11) + (int)rnd(r, 200),
		   PICK(r, domains));
		ip_ext(b, r);
		bf(b, "]");
		break;
	case 1:
		bf(b, "postfix/smtpd[%d]: disconnect from unknown[", pid_of(g, host, 11) + (int)rnd(r, 200));
		ip_ext(b, r);
		bf(b, "] ehlo=1 mail=1 rcpt=%d data=1 quit=1 commands=%d", rr(r, 0, 1), rr(r, 4, 5));
		break;
	case 2:
		bf(b, "postfix/qmgr[%d]: %X: from=<%s@%s>, size=%d, nrcpt=%d (queue active)",
		   pid_of(g, host, 12), (g->qid += 7 + rnd(r, 999)) | 0x10000000u, PICK(r, users),
		   PICK(r, domains), rr(r, 800, 90000), rr(r, 1, 3));
		break;
	default:
		bf(b, "postfix/smtp[%d]: %X: to=<%s@%s>, relay=%s[", pid_of(g, host, 13) + (int)rnd(r, 200),
		   g->qid | 0x10000000u, PICK(r, users), PICK(r, domains), PICK(r, domains));
		ip_ext(b, r);
		bf(b, "]:25, delay=%d.%d, delays=0.%02d/0/0.%02d/0.%02d, dsn=2.0.0, status=sent (250 OK)",
		   rr(r, 0, 9), rr(r, 0, 9), rr(r, 0, 99), rr(r, 0, 99), rr(r, 0, 99));
		break;
	}
}

static void
msg_nginx(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	bf(b, "nginx[%d]: ", pid_of(g, host, 21) + (int)rnd(r, 4));
	if (rnd(r, 40) == 0) {
		bf(b, "[error] %d#0: *%d upstream timed out (110: Connection timed out) while "
		      "reading response header from upstream, client: ",
		   pid_of(g, host, 21), rr(r, 1, 999999));
		ip_ext(b, r);
		return;
	}
	ip_ext(b, r);
	const char *m = PICK(r, methods);
	const char *p = PICK(r, paths);
	bf(b, " - - \"%s %s", m, p);
	if (p[1] == 'a' && rnd(r, 2))
		bf(b, "/%d", rr(r, 1, 9999999));
	bf(b, " HTTP/1.1\" %d %d \"-\" \"%s\" rt=%d.%03d", PICK(r, statuses), rr(r, 0, 48000),
	   PICK(r, agents), rr(r, 0, 2), rr(r, 0, 999));
}

static void
msg_dockerd(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	const struct tm *c = &g->cur;
	bf(b, "%s[%d]: time=\"%04d-%02d-%02dT%02d:%02d:%02d.%06d%03dZ\" level=%s msg=\"",
	   rnd(r, 2) ? "dockerd" : "containerd", pid_of(g, host, 31), c->tm_year + 1900,
	   c->tm_mon + 1, c->tm_mday, c->tm_hour, c->tm_min, c->tm_sec, g->cur_us, rr(r, 0, 999),
	   rnd(r, 10) ? "info" : "warning");
	switch (rnd(r, 3)) {
	case 0:
		bf(b, "ignoring event\" container=");
		hex(b, r, 64);
		bf(b, " namespace=moby topic=/tasks/delete");
		break;
	case 1:
		bf(b, "shim disconnected\" id=");
		hex(b, r, 64);
		bf(b, " namespace=moby");
		break;
	default:
		bf(b, "cleaning up dead shim\" namespace=k8s.io");
		break;
	}
}

static void
msg_kubelet(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	int pid = pid_of(g, host, 41);
	char lv = rnd(r, 12) ? 'I' : (rnd(r, 3) ? 'W' : 'E');
	const struct tm *c = &g->cur;
	bf(b, "kubelet[%d]: %c%02d%02d %02d:%02d:%02d.%06d    %d ", pid, lv, c->tm_mon + 1,
	   c->tm_mday, c->tm_hour, c->tm_min, c->tm_sec, g->cur_us, pid);
	const char *ns = PICK(r, namespaces), *pod = PICK(r, pods);
	switch (rnd(r, 3)) {
	case 0:
		bf(b, "kubelet.go:2215] \"SyncLoop (PLEG): event for pod\" pod=\"%s/%s-%x-%c%c%c%c%c\" "
		      "event={\"Type\":\"ContainerStarted\"}",
		   ns, pod, rnd(r, 0xfffffff), 'a' + rnd(r, 26), 'a' + rnd(r, 26), 'a' + rnd(r, 26),
		   'a' + rnd(r, 26), 'a' + rnd(r, 26));
		break;
	case 1:
		bf(b, "prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"%s/%s-%x\" "
		      "output=\"HTTP probe failed with statuscode: %d\"",
		   ns, pod, rnd(r, 0xfffffff), PICK(r, ((const int[]){500, 502, 503})));
		break;
	default:
		bf(b, "kubelet_volumes.go:160] \"Cleaned up orphaned pod volumes dir\" podUID=");
		hex(b, r, 8);
		bf(b, "-");
		hex(b, r, 4);
		bf(b, "-");
		hex(b, r, 4);
		bf(b, "-");
		hex(b, r, 12);
		break;
	}
}

static void
msg_misc(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	switch (rnd(r, 10)) {
	case 0:
		bf(b, "rsyslogd[%d]: action 'action-%d-builtin:omfwd' resumed (module 'builtin:omfwd') "
		      "[v8.2302.0 try https://www.rsyslog.com/e/2359 ]",
		   pid_of(g, host, 51), rr(r, 0, 9));
		break;
	case 1:
		bf(b, "dhclient[%d]: DHCPREQUEST for ", pid_of(g, host, 52));
		ip_int(b, r);
		bf(b, " on eth0 to ");
		ip_int(b, r);
		bf(b, " port 67 (xid=0x%08x)", rnd(r, 0xffffffffu));
		break;
	case 2:
		bf(b, "dhclient[%d]: bound to ", pid_of(g, host, 52));
		ip_int(b, r);
		bf(b, " -- renewal in %d seconds.", rr(r, 600, 43200));
		break;
	case 3:
		bf(b, "chronyd[%d]: Selected source ", pid_of(g, host, 53));
		ip_ext(b, r);
		bf(b, " (%d.debian.pool.ntp.org)", rr(r, 0, 3));
		break;
	case 4:
		bf(b, "chronyd[%d]: System clock wrong by %s%d.%06d seconds, adjustment started",
		   pid_of(g, host, 53), rnd(r, 2) ? "-" : "", rr(r, 0, 2), rr(r, 0, 999999));
		break;
	case 5:
		bf(b, "named[%d]: client @0x7f%010x ", pid_of(g, host, 54), rnd(r, 0xffffffffu));
		ip_int(b, r);
		bf(b, "#%d (%s): query: %s IN %s +E(0)K (", rr(r, 1024, 65535), PICK(r, domains),
		   PICK(r, domains), rnd(r, 4) ? "A" : "AAAA");
		ip_int(b, r);
		bf(b, ")");
		break;
	case 6:
		bf(b, "systemd-logind[%d]: New session %d of user %s.", pid_of(g, host, 55),
		   rr(r, 1, 90000), PICK(r, users));
		break;
	case 7:
		bf(b, "systemd-logind[%d]: Removed session %d.", pid_of(g, host, 55), rr(r, 1, 90000));
		break;
	case 8:
		bf(b, "auditd[%d]: type=USER_ACCT msg=audit(%" PRId64 ".%03d:%d): pid=%d uid=0 "
		      "auid=4294967295 ses=4294967295 msg='op=PAM:accounting grantors=pam_unix "
		      "acct=\"root\" exe=\"/usr/sbin/cron\" terminal=cron res=success'",
		   pid_of(g, host, 56), (g->start_us / 1000000) + (int64_t)rnd(r, 259200),
		   rr(r, 0, 999), rr(r, 1, 999999), rr(r, 1000, 65000));
		break;
	default:
		bf(b, "NetworkManager[%d]: <info>  [%" PRId64 ".%04d] device (eth%d): state change: "
		      "%s -> %s (reason 'none', sys-iface-state: 'managed')",
		   pid_of(g, host, 57), g->start_us / 1000000 + (int64_t)rnd(r, 259200),
		   rr(r, 0, 9999), rr(r, 0, 1), rnd(r, 2) ? "ip-config" : "config",
		   rnd(r, 2) ? "activated" : "ip-check");
		break;
	}
}

static void
msg_haproxy(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	bf(b, "haproxy[%d]: ", pid_of(g, host, 61));
	ip_ext(b, r);
	int st = PICK(r, statuses);
	const struct tm *c = &g->cur;
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec"};
	bf(b, ":%d [%02d/%s/%04d:%02d:%02d:%02d.%03d] fe_https~ be_%s/%s-%02d %d/%d/%d/%d/%d %d %d - - "
	      "---- %d/%d/%d/%d/0 0/0 \"%s %s HTTP/1.1\"",
	   rr(r, 1024, 65535), c->tm_mday, mon[c->tm_mon], c->tm_year + 1900, c->tm_hour,
	   c->tm_min, c->tm_sec, g->cur_us / 1000, PICK(r, svcs), PICK(r, svcs), rr(r, 1, 12),
	   rr(r, 0, 20), rr(r, 0, 3), rr(r, 0, 5), rr(r, 1, 900), rr(r, 1, 1000), st,
	   rr(r, 100, 60000), rr(r, 1, 900), rr(r, 1, 800), rr(r, 0, 40), rr(r, 0, 40),
	   PICK(r, methods), PICK(r, paths));
}

static void
msg_postgres(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	const char *t = PICK(r, pg_tables);
	int pid = rr(r, 1000, 65000);
	bf(b, "postgres[%d]: [%d-1] user=%s,db=shop,app=%s ", pid, rr(r, 1, 900),
	   rnd(r, 2) ? "app" : "report", rnd(r, 3) ? "api" : "psql");
	(void)host;
	switch (rnd(r, 5)) {
	case 0:
	case 1:
		bf(b, "LOG:  duration: %d.%03d ms  statement: SELECT * FROM %s WHERE id = %d",
		   rr(r, 100, 9000), rr(r, 0, 999), t, rr(r, 1, 9999999));
		break;
	case 2:
		bf(b, "ERROR:  duplicate key value violates unique constraint \"%s_pkey\"", t);
		break;
	case 3:
		bf(b, "LOG:  checkpoint complete: wrote %d buffers (%d.%d%%); 0 WAL file(s) added, "
		      "%d removed, %d recycled",
		   rr(r, 10, 9000), rr(r, 0, 9), rr(r, 0, 9), rr(r, 0, 3), rr(r, 0, 5));
		break;
	default:
		bf(b, "WARNING:  there is no transaction in progress");
		break;
	}
}

static void
msg_app(struct gen *g, struct buf *b, const char *host)
{
	struct rng *r = &g->r;
	const char *svc = PICK(r, svcs);
	bf(b, "%s-api[%d]: ", svc, pid_of(g, host, 71 + (int)(svc[0])));
	const char *lv = PICK(r, app_levels);
	switch (rnd(r, 5)) {
	case 0:
		bf(b, "%s order %d retry %d/5 after upstream timeout (gateway=%s, %d ms)", lv,
		   rr(r, 100000, 9999999), rr(r, 1, 5), PICK(r, domains), rr(r, 500, 30000));
		break;
	case 1:
		bf(b, "%s request done method=%s path=%s status=%d bytes=%d duration_ms=%d req_id=", lv,
		   PICK(r, methods), PICK(r, paths), PICK(r, statuses), rr(r, 0, 90000),
		   rr(r, 1, 3000));
		hex(b, r, 16);
		break;
	case 2:
		bf(b, "%s cache %s key=%s:%d ttl=%ds", lv, rnd(r, 4) ? "hit" : "miss", svc,
		   rr(r, 1, 999999), rr(r, 30, 3600));
		break;
	case 3:
		bf(b, "ERROR failed to publish event to kafka topic=%s.events partition=%d: "
		      "kafka: client has run out of available brokers",
		   svc, rr(r, 0, 11));
		break;
	default:
		bf(b, "%s user %d authenticated via oauth2 provider=%s scopes=[read write] session=", lv,
		   rr(r, 1, 999999), rnd(r, 2) ? "google" : "github");
		hex(b, r, 24);
		break;
	}
}

typedef void (*msg_fn)(struct gen *, struct buf *, const char *);

/* weights: per 100 lines */
static const struct {
	msg_fn fn;
	int w;
} syslog_mix[] = {
	{msg_nginx, 22}, {msg_haproxy, 12}, {msg_app, 14}, {msg_kernel, 7}, {msg_sshd, 7},
	{msg_cron, 5}, {msg_systemd, 6}, {msg_sudo, 2}, {msg_postfix, 4}, {msg_dockerd, 5},
	{msg_kubelet, 6}, {msg_misc, 6}, {msg_postgres, 4},
};

static msg_fn
pick_syslog(struct gen *g)
{
	int t = 0;
	for (size_t i = 0; i < sizeof syslog_mix / sizeof syslog_mix[0]; i++)
		t += syslog_mix[i].w;
	int x = (int)rnd(&g->r, (unsigned)t);
	for (size_t i = 0; i < sizeof syslog_mix / sizeof syslog_mix[0]; i++) {
		if (x < syslog_mix[i].w)
			return syslog_mix[i].fn;
		x -= syslog_mix[i].w;
	}
	return msg_misc;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	"Sep", "Oct", "Nov", "Dec"};

/* The stamp of the next line, in microseconds: in step with the bytes
 * written, about 0.1% of them 1-90 s in the past. */
static int64_t
next_stamp(struct gen *g)
{
	int64_t t = g->start_us + (int64_t)((double)g->span_us * (double)g->written / (double)g->target);
	if (rnd(&g->r, 1000) == 0)
		t -= (int64_t)rr(&g->r, 1, 90) * 1000000;
	if (t < g->start_us)
		t = g->start_us;
	return t;
}

static int
line_syslog(struct gen *g, char *out, int cap)
{
	int64_t t = next_stamp(g);
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	g->cur = tm;
	g->cur_us = (int)(t % 1000000);
	const char *host = g->hosts[rnd(&g->r, (unsigned)g->nhosts)];
	struct buf b = {out, 0, cap};
	bf(&b, "%s %2d %02d:%02d:%02d %s ", months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
	   tm.tm_sec, host);
	pick_syslog(g)(g, &b, host);
	return b.n;
}

static void
iso_stamp(struct buf *b, int64_t t)
{
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	bf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	   tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t % 1000000));
}

/* An application message without its level, for the ISO and JSON files
 * (no double quotes or backslashes: it goes into JSON as is). */
static void
app_text(struct gen *g, struct buf *b, const char *svc)
{
	struct rng *r = &g->r;
	switch (rnd(r, 6)) {
	case 0:
		bf(b, "order %d retry %d/5 after upstream timeout (gateway=%s, %d ms)",
		   rr(r, 100000, 9999999), rr(r, 1, 5), PICK(r, domains), rr(r, 500, 30000));
		break;
	case 1:
	case 2:
		bf(b, "request done method=%s path=%s status=%d bytes=%d duration_ms=%d",
		   PICK(r, methods), PICK(r, paths), PICK(r, statuses), rr(r, 0, 90000),
		   rr(r, 1, 3000));
		break;
	case 3:
		bf(b, "cache %s key=%s:%d ttl=%ds", rnd(r, 4) ? "hit" : "miss", svc, rr(r, 1, 999999),
		   rr(r, 30, 3600));
		break;
	case 4:
		bf(b, "query on %s took %d ms rows=%d pool=%d/%d", PICK(r, pg_tables), rr(r, 1, 4000),
		   rr(r, 0, 5000), rr(r, 0, 50), 50);
		break;
	default:
		bf(b, "user %d authenticated via oauth2 provider=%s scopes=[read write]",
		   rr(r, 1, 999999), rnd(r, 2) ? "google" : "github");
		break;
	}
}

static int
line_iso(struct gen *g, char *out, int cap)
{
	struct rng *r = &g->r;
	int64_t t = next_stamp(g) + rr(r, 0, 999);
	struct buf b = {out, 0, cap};
	iso_stamp(&b, t);
	const char *svc = PICK(r, svcs);
	bf(&b, " %-5s [%s] ", PICK(r, app_levels), svc);
	app_text(g, &b, svc);
	bf(&b, " req_id=");
	hex(&b, r, 16);
	if (rnd(r, 3) == 0)
		bf(&b, " trace_id=%08x%08x", rnd(r, 0xffffffffu), rnd(r, 0xffffffffu));
	return b.n;
}

static int
line_json(struct gen *g, char *out, int cap)
{
	struct rng *r = &g->r;
	int64_t t = next_stamp(g) + rr(r, 0, 999);
	struct buf b = {out, 0, cap};
	bf(&b, "{\"ts\":\"");
	iso_stamp(&b, t);
	const char *lv = PICK(r, app_levels);
	char lower[8];
	size_t i;
	for (i = 0; lv[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(lv[i] | 0x20);
	lower[i] = 0;
	const char *svc = PICK(r, svcs);
	bf(&b, "\",\"level\":\"%s\",\"svc\":\"%s\",\"host\":\"%s\",\"msg\":\"", lower, svc,
	   g->hosts[rnd(r, (unsigned)g->nhosts)]);
	app_text(g, &b, svc);
	bf(&b, "\",\"req_id\":\"");
	hex(&b, r, 16);
	bf(&b, "\",\"latency_ms\":%d}", rr(r, 1, 3000));
	return b.n;
}

/* ---- files -------------------------------------------------------------- */

static int
write_file(const char *path, uint64_t target, int kind, uint64_t seed, int days,
           const char *const *hosts, int nhosts)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "gen-syslog: %s: %s\n", path, strerror(errno));
		return -1;
	}
	static char iobuf[1 << 20];
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	struct gen g = {0};
	rng_seed(&g.r, seed);
	g.start_us = START_EPOCH * 1000000LL;
	g.span_us = (int64_t)days * 86400LL * 1000000LL;
	g.target = target;
	g.hosts = hosts;
	g.nhosts = nhosts;
	g.kind = kind;
	g.uptime_base = 1000000 + (int64_t)rnd(&g.r, 5000000);
	g.qid = rnd(&g.r, 0xfffffff);
	char line[1024];
	uint64_t lines = 0, shortl = 0, longl = 0;
	while (g.written < target) {
		int n;
		for (int tries = 0;; tries++) {
			n = kind == 0 ? line_syslog(&g, line, MAX_LINE + 200)
			    : kind == 1 ? line_iso(&g, line, MAX_LINE + 200)
			                : line_json(&g, line, MAX_LINE + 200);
			if (n > MAX_LINE && tries < 8) {
				longl++;
				continue; /* another template */
			}
			if (n > MAX_LINE)
				n = MAX_LINE; /* never happens in practice */
			break;
		}
		if (n < MIN_LINE && kind == 0) { /* pad a short syslog line with a field */
			struct buf b = {line, n, (int)sizeof line};
			bf(&b, " seq=%08" PRIx64, lines);
			while (b.n < MIN_LINE)
				bf(&b, " x=%u", rnd(&g.r, 100000));
			n = b.n;
			shortl++;
		}
		line[n++] = '\n';
		fwrite(line, 1, (size_t)n, f);
		g.written += (uint64_t)n;
		lines++;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen-syslog: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* mtime one hour after the last stamp: year inference is reproducible */
	struct timespec ts[2];
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(START_EPOCH + (int64_t)days * 86400 + 3600);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, ts, 0);
	fprintf(stderr, "gen-syslog: %s: %" PRIu64 " bytes, %" PRIu64 " lines (%" PRIu64
	                " padded, %" PRIu64 " regenerated)\n",
	        path, g.written, lines, shortl, longl);
	return 0;
}

static void
usage(FILE *f)
{
	fputs("usage: gen-syslog [-s MB] [-d DAYS] [-S SEED] (-o FILE | -m DIR)\n"
	      "  -s MB     total size in MB (10^6 bytes), default 200\n"
	      "  -d DAYS   span of the stamps, default 3\n"
	      "  -S SEED   PRNG seed, default 42\n"
	      "  -o FILE   one RFC 3164 syslog file\n"
	      "  -m DIR    the mixed set: 8 files (3 syslog, 3 ISO-8601, 2 JSON lines)\n",
	      f);
}

int
main(int argc, char **argv)
{
	double mb = 200;
	int days = 3;
	uint64_t seed = 42;
	const char *out = NULL, *dir = NULL;
	int c;
	while ((c = getopt(argc, argv, "s:d:S:o:m:h")) != -1) {
		switch (c) {
		case 's': mb = atof(optarg); break;
		case 'd': days = atoi(optarg); break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'o': out = optarg; break;
		case 'm': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((out == NULL) == (dir == NULL) || mb <= 0 || days < 1 || optind != argc) {
		usage(stderr);
		return 2;
	}
	uint64_t target = (uint64_t)(mb * 1e6);
	int nh = (int)(sizeof syslog_hosts / sizeof syslog_hosts[0]);
	if (out)
		return write_file(out, target, 0, seed, days, syslog_hosts, nh) ? 1 : 0;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "gen-syslog: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	static const struct {
		const char *name;
		int kind, h0, nh;
	} set[8] = {
		{"01-web.syslog", 0, 0, 6},       {"02-batch-db.syslog", 0, 6, 6},
		{"03-k8s.syslog", 0, 12, 6},      {"04-checkout.log", 1, 0, 6},
		{"05-payments.log", 1, 6, 6},     {"06-search.log", 1, 12, 6},
		{"07-gateway.jsonl", 2, 0, 9},    {"08-notifier.jsonl", 2, 9, 9},
	};
	char path[4096];
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, set[i].name);
		if (write_file(path, target / 8, set[i].kind, seed + (uint64_t)i * 1000003u, days,
		               syslog_hosts + set[i].h0, set[i].nh))
			return 1;
	}
	return 0;
}
