/*
 * strace.c: strace output with times (-t, -tt, -ttt), from one process or
 * many (-f).
 *
 *   10:00:00.123456 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3 <0.000023>
 *   1234  10:00:00.123456 read(3, "", 4096) = 0
 *   [pid  1234] 10:00:00.123456 connect(4, {...}, 16) = -1 ECONNREFUSED (Connection refused)
 *   1700000000.123456 write(1, "x", 1) = 1
 *   10:00:01 +++ exited with 0 +++
 *
 * -t and -tt give a time of day only: the date comes from the file's
 * mtime, the day before when the time of day is later than the mtime's
 * (see st_civil_resolve); zoneless (--assume-tz). -ttt gives epoch
 * seconds. After the time must come a system call "name(", a signal
 * "--- ", an exit "+++ " or a resumed call "<... ": that is what tells
 * these lines from other lines that open with a time of day. The level
 * is error for a call that returned -1 with an errno and for a process
 * killed by a signal, else none. Fields: pid, syscall, result.
 */
#include <string.h>

#include "common.h"

struct hdr {
	size_t pid, pid_end, call, call_end;
	size_t time, time_end;
};

static bool
what(const char *s, size_t n, size_t i, size_t *call_end)
{
	if (i + 4 <= n && (memcmp(s + i, "--- ", 4) == 0 || memcmp(s + i, "+++ ", 4) == 0 ||
	                   memcmp(s + i, "<...", 4) == 0)) {
		*call_end = i;
		return true;
	}
	size_t j = i;
	while (j < n && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == '_'))
		j++;
	if (j == i || j >= n || s[j] != '(' || !is_alpha(s[i]))
		return false;
	*call_end = j;
	return true;
}

static bool
scan(const char *s, size_t n, struct hdr *h)
{
	size_t i = 0;
	h->pid = h->pid_end = 0;
	if (n > 6 && memcmp(s, "[pid ", 5) == 0) {
		i = skip_spaces(s, n, 5);
		h->pid = i;
		while (i < n && is_digit(s[i]))
			i++;
		h->pid_end = i;
		if (i == h->pid || i + 1 >= n || s[i] != ']' || s[i + 1] != ' ')
			return false;
		i += 2;
	} else {
		size_t j = 0;
		while (j < n && is_digit(s[j]))
			j++;
		/* "1234  10:00:00": a pid, then blanks, then a time */
		if (j > 0 && j <= 7 && j + 1 < n && s[j] == ' ') {
			size_t t = skip_spaces(s, n, j);
			if (t + 2 < n && is_digit(s[t]) && is_digit(s[t + 1]) &&
			    (s[t + 2] == ':' || is_digit(s[t + 2]))) {
				h->pid = 0;
				h->pid_end = j;
				i = t;
			}
		}
	}
	h->time = i;
	return true;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct hdr h;
	if (n < 12 || !scan(s, n, &h))
		return ST_ENOMATCH;
	size_t i = h.time, k;
	struct st_civil c = {.year = -1, .mon = 0, .day = 0};
	if (i + 8 <= n && s[i + 2] == ':') {
		k = st_parse_hms(s + i, n - i, &c);
		if (k == 0 || st_civil_resolve(tc, c, &d->ts) < 0)
			return ST_ENOMATCH;
	} else {
		/* -ttt: epoch seconds and a fraction */
		k = 0;
		while (i + k < n && is_digit(s[i + k]))
			k++;
		if (k < 9 || k > 11 || i + k >= n || s[i + k] != '.')
			return ST_ENOMATCH;
		k++;
		while (i + k < n && is_digit(s[i + k]))
			k++;
		if (st_parse_time_value(tc, s + i, k, &d->ts) < 0)
			return ST_ENOMATCH;
	}
	i += k;
	size_t call_end;
	if (i >= n || s[i] != ' ' || !what(s, n, i + 1, &call_end))
		return ST_ENOMATCH;
	d->body = (uint32_t)(i + 1);
	d->level = ST_LVL_NONE;
	/* " = -1 ENOENT (...)" at the end, or "+++ killed by SIGSEGV" */
	const char *eq = NULL;
	for (size_t j = n; j >= i + 4 && eq == NULL; j--)
		if (s[j - 4] == ' ' && s[j - 3] == '=' && s[j - 2] == ' ' && s[j - 1] == '-')
			eq = s + j - 1;
	if ((eq != NULL && eq + 4 <= s + n && eq[1] == '1' && eq[2] == ' ' && eq[3] == 'E') ||
	    (n - i > 15 && memcmp(s + i + 1, "+++ killed by ", 14) == 0))
		d->level = ST_LVL_ERROR;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	struct hdr h;
	if (!scan(s, n, &h))
		return;
	ST_FIELD(out, "pid", s + h.pid, h.pid_end - h.pid);
	size_t call_end;
	if (what(s, n, d->body, &call_end) && call_end > d->body) {
		ST_FIELD(out, "syscall", s + d->body, call_end - d->body);
		/* the result: after the last " = " */
		for (size_t j = n; j >= d->body + 3; j--) {
			if (s[j - 3] == ' ' && s[j - 2] == '=' && s[j - 1] == ' ') {
				size_t e = j;
				while (e < n && s[e] != ' ')
					e++;
				ST_FIELD(out, "result", s + j, e - j);
				break;
			}
		}
	}
}

static const char *const samples[] = {
	"08:09:33.814936 execve(\"/bin/ls\", [\"ls\"], 0x7ffd0 /* 38 vars */) = 0 <0.000264>",
	"4242  10:00:00.123456 openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3",
	"[pid  4243] 10:00:00.200001 connect(4, {sa_family=AF_INET, sin_port=htons(5432)}, 16) = -1 ECONNREFUSED (Connection refused)",
	"1700000000.123456 write(1, \"hello\\n\", 6) = 6",
	"10:00:01 +++ killed by SIGSEGV (core dumped) +++",
	"10:00:00.300000 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4243} ---",
	NULL,
};

static const char *const rejects[] = {
	"10:00:00.123456 plain words after a time of day",
	"10:00:00.123456 (no name)",
	"25:00:00.000000 read(3, \"\", 1) = 0",
	"read(3, \"\", 1) = 0",
	"12345678  10:00:00.1 read(3) = 0",
	NULL,
};

const struct st_format st_format_strace = {
	.name = "strace",
	.title = "strace -t/-tt/-ttt output \"10:00:00.123456 openat(...) = 3\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
