/*
 * source-cmd.c: `cmd:COMMAND` sources, a command's output as a source.
 *
 * The command runs as `/bin/sh -c COMMAND` (uv_spawn), stdin on
 * /dev/null, in its own process group (UV_PROCESS_DETACHED: setsid), so
 * that stopping it reaches the shell's children too. Its stdout and its
 * stderr are two sources sharing one child: `cmd:COMMAND` and
 * `cmd:COMMAND (stderr)`, each with its own pipe, buffer, line splitting
 * and format detection, so a partial stdout line and a stderr line never
 * merge. The stdout source owns the child (struct src_cmd) and starts the
 * stderr one with it.
 *
 * Times: lines are read by the formats as for files. A line no format
 * dates takes the time of the read that brought it (ig.arrival, set once
 * per read, never per line), since for a live command that is the best
 * time there is (`kubectl logs -f` without --timestamps). Lines the
 * ingest holds back (while it detects the format, or an unfinished line)
 * take the time the oldest of the held bytes came.
 *
 * The exit: when the child has exited and both pipes reached their end,
 * one event is appended to the stdout source, dated when the exit was
 * seen: error level unless the status is 0. Its text is logfmt, so that
 * -o json and --field see exit_status, signal and meaning:
 *   msg="cmd exited with status 127 (command not found)" exit_status=127
 *   meaning="command not found" level=error time=2024-...Z
 * A command that exits non-zero was read and is not a failed source; one
 * that cannot be spawned is.
 *
 * Stopping (st_sources_stop, at strata's exit): SIGTERM to the group,
 * SIGKILL after CMD_GRACE_MS, and after as long again the pipes are
 * closed whatever holds them. The output written meanwhile is read: a
 * live run drains on SIGINT/SIGTERM (run.h), printing it, and the exit
 * event then says strata stopped the command (stopped_by=strata, level
 * info, or warn when it had to be killed), not that it failed.
 * Handles: the process, a timer and the two pipes (in the sources), all
 * closed before st_sources_free, which frees the struct. A run that
 * closes every handle itself (st_run_stop walks the loop) cuts the grace
 * short: then st_sources_free kills the group with SIGKILL and reaps the
 * child, so nothing is left running and no zombie either.
 * Both sources stay active until the exit event is in the store, so a
 * live run does not end before it.
 *
 * Workload: a handful of commands per run; their output goes through the
 * copy path (src_take) like a pipe on stdin.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "source-int.h"
#include "strata/format.h"

#define CMD_GRACE_MS 500

struct src_cmd {
	uv_process_t proc;
	uv_timer_t timer;
	struct st_source *out, *err;
	int pipes;          /* pipes still open */
	bool spawned;       /* proc and timer were initialised */
	bool proc_open;     /* proc not closed yet */
	bool exited;        /* exit_cb ran */
	bool reported;      /* the exit event was appended; timer closed */
	bool failed;        /* it could not be started: no exit event */
	int stage;          /* stopping: 0 not yet, 1 TERM sent, 2 KILL sent */
	int64_t status;
	int signal;
	st_time exit_at;
};

static st_time
wall_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (st_time)now.tv_sec * ST_USEC + now.tv_nsec / 1000;
}

/* ---- what an exit means */

struct sig_name {
	int sig;
	const char *name, *desc, *hint;
};

static const struct sig_name sigs[] = {
	{SIGHUP, "SIGHUP", "hangup", ""},
	{SIGINT, "SIGINT", "interrupted", ""},
	{SIGQUIT, "SIGQUIT", "quit", ""},
	{SIGILL, "SIGILL", "illegal instruction", ""},
	{SIGTRAP, "SIGTRAP", "trace trap", ""},
	{SIGABRT, "SIGABRT", "aborted", ""},
	{SIGBUS, "SIGBUS", "bus error", ""},
	{SIGFPE, "SIGFPE", "arithmetic error", ""},
	{SIGKILL, "SIGKILL", "killed", " \xe2\x80\x94 out of memory?"},
	{SIGUSR1, "SIGUSR1", "user signal 1", ""},
	{SIGSEGV, "SIGSEGV", "segmentation fault", ""},
	{SIGUSR2, "SIGUSR2", "user signal 2", ""},
	{SIGPIPE, "SIGPIPE", "broken pipe", ""},
	{SIGALRM, "SIGALRM", "alarm", ""},
	{SIGTERM, "SIGTERM", "terminated", ""},
	{SIGXCPU, "SIGXCPU", "CPU time limit exceeded", ""},
	{SIGXFSZ, "SIGXFSZ", "file size limit exceeded", ""},
	{SIGSYS, "SIGSYS", "bad system call", ""},
};

static const struct sig_name *
sig_find(int sig)
{
	for (size_t i = 0; i < ST_ARRAY_LEN(sigs); i++)
		if (sigs[i].sig == sig)
			return &sigs[i];
	return NULL;
}

size_t
st_cmd_meaning(int64_t status, int sig, char *buf, size_t n)
{
	const char *m = NULL;
	const struct sig_name *sn;
	int len;
	if (sig > 0) {
		sn = sig_find(sig);
		if (sn)
			len = snprintf(buf, n, "%s%s", sn->desc, sn->hint);
		else
			len = snprintf(buf, n, "signal %d", sig);
	} else if (status > 128 && status < 128 + 65 && (sn = sig_find((int)status - 128)) != NULL) {
		/* a shell reports a child a signal ended as 128+n */
		len = snprintf(buf, n, "128+%d: %s, %s%s", sn->sig, sn->desc, sn->name, sn->hint);
	} else {
		switch (status) {
		case 0: m = "success"; break;
		case 1: m = "general error"; break;
		case 2: m = "usage error"; break;
		case 126: m = "command not executable"; break;
		case 127: m = "command not found"; break;
		default: m = "failed"; break;
		}
		len = snprintf(buf, n, "%s", m);
	}
	if (len < 0)
		len = 0;
	return (size_t)len < n ? (size_t)len : (n ? n - 1 : 0);
}

size_t
st_cmd_exit_text(int64_t status, int sig, st_time at, char *buf, size_t n)
{
	char meaning[128], ts[32];
	st_cmd_meaning(status, sig, meaning, sizeof(meaning));
	st_format_time(at, 6, ts);
	int len;
	const char *lvl = status == 0 && sig == 0 ? "info" : "error";
	if (sig > 0) {
		const struct sig_name *sn = sig_find(sig);
		char name[16];
		if (sn)
			snprintf(name, sizeof(name), "%s", sn->name);
		else
			snprintf(name, sizeof(name), "%d", sig);
		len = snprintf(buf, n,
		               "msg=\"cmd killed by signal %d (%s)\" signal=%s meaning=\"%s\" "
		               "level=%s time=%s",
		               sig, name, name, meaning, lvl, ts);
	} else if (status == 0) {
		len = snprintf(buf, n,
		               "msg=\"cmd exited with status 0\" exit_status=0 meaning=\"%s\" "
		               "level=%s time=%s",
		               meaning, lvl, ts);
	} else {
		len = snprintf(buf, n,
		               "msg=\"cmd exited with status %lld (%s)\" exit_status=%lld "
		               "meaning=\"%s\" level=%s time=%s",
		               (long long)status, meaning, (long long)status, meaning, lvl, ts);
	}
	if (len < 0)
		len = 0;
	return (size_t)len < n ? (size_t)len : (n ? n - 1 : 0);
}

/* ---- the child */

static void
on_timer_closed(uv_handle_t *h)
{
	(void)h;
}

/* The exit of a command strata stopped at its own exit: said as such
 * (logfmt, like st_cmd_exit_text, with stopped_by=strata). */
static size_t
stopped_text(const struct src_cmd *c, char *buf, size_t n)
{
	char ts[32], how[96];
	st_format_time(c->exit_at, 6, ts);
	const struct sig_name *sn = c->signal > 0 ? sig_find(c->signal) : NULL;
	if (c->signal > 0)
		snprintf(how, sizeof(how), "signal=%s", sn ? sn->name : "?");
	else
		snprintf(how, sizeof(how), "exit_status=%lld", (long long)c->status);
	int len = snprintf(buf, n,
	                   "msg=\"cmd %s by strata at exit%s\" %s stopped_by=strata level=%s time=%s",
	                   c->stage == 2 ? "killed" : "stopped",
	                   c->stage == 2 ? " (it outlived SIGTERM)" : "", how, c->stage == 2 ? "warn" : "info", ts);
	if (len < 0)
		len = 0;
	return (size_t)len < n ? (size_t)len : (n ? n - 1 : 0);
}

/* Everything ended: the exit event (when the exit was seen), then the
 * timer goes. */
static void
maybe_finish(struct src_cmd *c)
{
	if (c->reported || c->pipes > 0 || c->proc_open)
		return;
	c->reported = true;
	if (c->exited && !c->failed && c->out->id >= 0) {
		char text[512];
		size_t n = st_cmd_exit_text(c->status, c->signal, c->exit_at, text, sizeof(text));
		int level = c->status == 0 && c->signal == 0 ? ST_LVL_INFO : ST_LVL_ERROR;
		if (c->stage > 0) {
			/* strata stopped it at exit: not the command's failure */
			n = stopped_text(c, text, sizeof(text));
			level = c->stage == 2 ? ST_LVL_WARN : ST_LVL_INFO;
		}
		struct st_draft d = {
			.ts = c->exit_at,
			.level = (uint8_t)level,
			.kind = ST_KIND_LOG,
			.body = 0,
		};
		int f = st_format_find("logfmt");
		st_store_append(c->out->set->store, (unsigned)c->out->id, c->out->ig.lineno + 1, &d,
		                f >= 0 ? (unsigned)f : 0xff, 0, text, n);
	}
	/* only now do the sources end: a live run waits for the exit event */
	if (c->out->state == SRC_ACTIVE)
		src_done(c->out);
	if (c->err->state == SRC_ACTIVE)
		src_done(c->err);
	if (!uv_is_closing((uv_handle_t *)&c->timer))
		uv_close((uv_handle_t *)&c->timer, on_timer_closed);
}

static void
on_proc_closed(uv_handle_t *h)
{
	struct src_cmd *c = st_container_of(h, struct src_cmd, proc);
	c->proc_open = false;
	maybe_finish(c);
}

static void
on_child_exit(uv_process_t *p, int64_t status, int sig)
{
	struct src_cmd *c = st_container_of(p, struct src_cmd, proc);
	c->exited = true;
	c->status = status;
	c->signal = sig;
	c->exit_at = wall_now();
	uv_close((uv_handle_t *)p, on_proc_closed);
}

static void
on_pipe_closed(uv_handle_t *h)
{
	struct st_source *s = st_container_of(h, struct st_source, h.handle);
	s->cmd->pipes--;
	maybe_finish(s->cmd);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)hint;
	struct st_source *s = st_container_of(h, struct st_source, h.handle);
	src_buf_room(s);
	*b = uv_buf_init(s->buf + s->len, (unsigned)(s->cap - s->len));
}

static void
pipe_end(struct st_source *s)
{
	uv_read_stop(&s->h.stream);
	uv_close(&s->h.handle, on_pipe_closed);
}

static void
on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *b)
{
	(void)b;
	struct st_source *s = st_container_of(st, struct st_source, h.stream);
	if (nread > 0) {
		/* one clock read per read, not per line; lines held back (an
		 * unfinished one, or the first ones while the format is being
		 * detected) keep the time their first bytes came */
		if (s->len == 0)
			s->ig.arrival = wall_now();
		src_take(s, (size_t)nread, false);
		return;
	}
	if (nread == 0)
		return;
	if (s->len == 0)
		s->ig.arrival = wall_now();
	src_take(s, 0, true); /* a last line without its newline, too */
	if (nread != UV_EOF)
		src_fail(s, (int)nread, "read");
	pipe_end(s);
}

/* Stopping: TERM, then KILL, then close the pipes whatever holds them. */
static void
on_grace(uv_timer_t *t)
{
	struct src_cmd *c = st_container_of(t, struct src_cmd, timer);
	if (c->stage == 1) {
		c->stage = 2;
		kill(-c->proc.pid, SIGKILL);
		uv_timer_start(&c->timer, on_grace, CMD_GRACE_MS, 0);
		return;
	}
	struct st_source *ss[2] = {c->out, c->err};
	for (int i = 0; i < 2; i++)
		if (!uv_is_closing(&ss[i]->h.handle)) {
			if (ss[i]->buf != NULL)
				src_take(ss[i], 0, true);
			pipe_end(ss[i]);
		}
	if (c->proc_open && !c->exited)
		uv_close((uv_handle_t *)&c->proc, on_proc_closed);
}

void
src_cmd_stop(struct st_source *s)
{
	struct src_cmd *c = s->cmd;
	if (c == NULL || s != c->out || !c->spawned || c->reported || c->stage > 0)
		return;
	/* the group: the shell's children too (the shell may be gone and a
	 * child of it still holding the pipes) */
	c->stage = 1;
	kill(-c->proc.pid, SIGTERM);
	uv_timer_start(&c->timer, on_grace, CMD_GRACE_MS, 0);
}

void
src_cmd_pair(struct st_source *out, struct st_source *err)
{
	struct src_cmd *c = st_xcalloc(1, sizeof(*c));
	c->out = out;
	c->err = err;
	out->cmd = c;
	err->cmd = c;
}

static void
pipe_start(struct st_source *s, st_time now)
{
	src_begin(s, now);
	s->sniffed = true; /* no decompression: `cmd:zcat x.gz` does that */
	s->ig.arrival = now;
}

void
src_cmd_start(struct st_source *s)
{
	struct src_cmd *c = s->cmd;
	if (s != c->out) {
		/* the stderr source starts with its stdout source; reached on
		 * its own, that one never ran (it failed as it was added) */
		src_done(s);
		return;
	}
	uv_loop_t *loop = s->set->loop;
	const char *command = s->path + 4; /* after "cmd:" */
	st_time now = wall_now();
	struct st_source *e = c->err;
	pipe_start(s, now);
	if (e->state == SRC_PENDING) {
		e->state = SRC_ACTIVE;
		e->set->active++;
		pipe_start(e, now);
	}
	if (*command == '\0') {
		src_fail(s, ST_EINVAL, "an empty command");
		if (e->state == SRC_ACTIVE)
			src_done(e);
		return;
	}
	uv_pipe_init(loop, &s->h.pipe, 0);
	uv_pipe_init(loop, &e->h.pipe, 0);
	uv_timer_init(loop, &c->timer);
	c->spawned = true;
	c->pipes = 2;
	c->proc_open = true;
	char *args[] = {"/bin/sh", "-c", (char *)command, NULL};
	uv_stdio_container_t io[3];
	io[0].flags = UV_IGNORE; /* libuv puts /dev/null there */
	io[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[1].data.stream = &s->h.stream;
	io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[2].data.stream = &e->h.stream;
	uv_process_options_t o = {
		.exit_cb = on_child_exit,
		.file = args[0],
		.args = args,
		.stdio_count = 3,
		.stdio = io,
		.flags = UV_PROCESS_DETACHED, /* its own group: stopping reaches its children */
	};
	int rc = uv_spawn(loop, &c->proc, &o);
	if (rc == 0)
		rc = uv_read_start(&s->h.stream, on_alloc, on_read);
	if (rc == 0)
		rc = uv_read_start(&e->h.stream, on_alloc, on_read);
	if (rc < 0) {
		bool running = c->proc.pid > 0 && !c->exited;
		src_fail(s, rc, "cannot run /bin/sh");
		if (e->state == SRC_ACTIVE)
			src_done(e);
		if (running)
			kill(-c->proc.pid, SIGKILL); /* its exit closes proc */
		else
			uv_close((uv_handle_t *)&c->proc, on_proc_closed);
		uv_close(&s->h.handle, on_pipe_closed);
		uv_close(&e->h.handle, on_pipe_closed);
		c->failed = true; /* no exit event for a command that never ran */
	}
}

void
src_cmd_free(struct st_source *s)
{
	struct src_cmd *c = s->cmd;
	if (c == NULL || s != c->out)
		return; /* the stdout source's to free */
	if (c->spawned && !c->exited && c->proc.pid > 0) {
		/* the loop stopped before the child ended: no zombie either way */
		kill(-c->proc.pid, SIGKILL);
		waitpid(c->proc.pid, NULL, 0);
	}
	c->err->cmd = NULL;
	s->cmd = NULL;
	free(c);
}
