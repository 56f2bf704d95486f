/*
 * openstack.c: OpenStack service logs as oslo.log writes them, with or
 * without a file-name prefix that collectors add.
 *
 *   2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-... 113d... 54fa... - - -] msg
 *   nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.api [-] msg
 *   [prefix] time pid LEVEL logger [context] message
 *
 * The prefix is one word (a file name, which may itself hold a date); the
 * real time is the ISO one after it, zoneless (--assume-tz). The level is
 * the level word (AUDIT, from older releases, reads as notice). The
 * message starts after the [context] when there is one.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t file_end, time, pid, pid_end, level, level_end, logger, logger_end, ctx, ctx_end,
		body;
};

static enum st_level
level_of(const char *s, size_t n)
{
	if (n == 5 && memcmp(s, "AUDIT", 5) == 0)
		return ST_LVL_NOTICE;
	return st_level_from_word(s, n);
}

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	size_t i = 0, k;
	p->file_end = 0;
	if ((k = st_parse_iso(s, n, c, false)) == 0) {
		while (i < n && i < 256 && s[i] != ' ')
			i++;
		if (i == 0 || i >= n || s[i] != ' ')
			return ST_ENOMATCH;
		p->file_end = i++;
		if ((k = st_parse_iso(s + i, n - i, c, false)) == 0)
			return ST_ENOMATCH;
	}
	p->time = i;
	i += k;
	if (i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->pid = ++i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == p->pid || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->pid_end = i;
	p->level = ++i;
	while (i < n && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	p->level_end = i;
	if (i >= n || s[i] != ' ' || level_of(s + p->level, i - p->level) == ST_LVL_NONE)
		return ST_ENOMATCH;
	/* the logger: a dotted Python name */
	p->logger = ++i;
	while (i < n &&
	       (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-'))
		i++;
	p->logger_end = i;
	if (i == p->logger || (i < n && s[i] != ' '))
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	p->ctx = p->ctx_end = 0;
	if (i < n && s[i] == '[') {
		const char *e = memchr(s + i, ']', n - i);
		if (e) {
			p->ctx = i + 1;
			p->ctx_end = (size_t)(e - s);
			i = skip_spaces(s, n, p->ctx_end + 1);
		}
	}
	p->body = i;
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = (uint8_t)level_of(s + p.level, p.level_end - p.level);
	d->body = (uint32_t)p.body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0)
		return;
	ST_FIELD(out, "file", s, p.file_end);
	ST_FIELD(out, "pid", s + p.pid, p.pid_end - p.pid);
	ST_FIELD(out, "logger", s + p.logger, p.logger_end - p.logger);
	/* [req-UUID user project domain user-domain project-domain] */
	if (p.ctx_end > p.ctx + 4 && memcmp(s + p.ctx, "req-", 4) == 0) {
		size_t e = p.ctx;
		while (e < p.ctx_end && s[e] != ' ')
			e++;
		ST_FIELD(out, "request_id", s + p.ctx, e - p.ctx);
	}
	/* "[instance: UUID] message" */
	size_t b = p.body;
	if (b + 11 < n && memcmp(s + b, "[instance: ", 11) == 0) {
		const char *e = memchr(s + b + 11, ']', n - b - 11);
		if (e)
			ST_FIELD(out, "instance", s + b + 11, (size_t)(e - s) - b - 11);
	}
}

static const char *const samples[] = {
	"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401f 54fadb412c4e40cd - - -] 10.11.10.1 \"GET /v2/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
	"2017-05-16 00:00:10.302 2931 INFO nova.virt.libvirt.driver [-] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance spawned successfully.",
	"2024-02-01 12:30:45.120 1187 WARNING neutron.agent.linux.iptables_manager [req-aa11 - - - - -] Duplicate iptables rule",
	"2015-03-03 10:01:02.003 7 AUDIT nova.compute.resource_tracker [-] Total physical ram (MB): 64420",
	"cinder-volume.log 2024-02-01 12:30:45.120 3313 ERROR cinder.volume.manager",
	NULL,
};

static const char *const rejects[] = {
	"2017-05-16 00:00:00.008 INFO nova.api [-] no pid",
	"2017-05-16 00:00:00.008 25746 nova.api [-] no level",
	"2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: log4j",
	"nova-api.log.1.2017-05-16_13:53:08 2017-05-16T25:00:00 25746 INFO nova.api hour 25",
	"2017-05-16 00:00:00.008  1702  2395 D Tag: a logcat line with a year",
	NULL,
};

const struct st_format st_format_openstack = {
	.name = "openstack",
	.title = "OpenStack oslo.log \"[file] 2017-05-16 00:00:00.008 25746 INFO nova.api [req-...] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
