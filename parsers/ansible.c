/*
 * ansible.c: Ansible's log file (log_path / ANSIBLE_LOG_PATH).
 *
 *   2025-03-03 09:12:44,120 p=2231 u=deploy n=ansible | TASK [nginx : reload] changed: [web-1]
 *   2025-03-03 09:12:45,002 p=2231 u=deploy n=ansible | fatal: [web-2]: FAILED! => {...}
 *   2025-03-03 09:12:46,310 p=2231 u=deploy n=ansible WARNING| [WARNING]: Skipping ...
 *
 * Python logging's asctime (local time, no zone: --assume-tz), then
 * "p=PID u=USER n=LOGGER", newer releases a level name, then '|'. It must
 * come before iso8601, which reads the time alone. The level is that
 * name, else the first level word of the message ("[WARNING]:",
 * "ERROR!", "fatal:"). Fields: pid, user, name.
 */
#include <string.h>

#include "common.h"

struct hdr {
	size_t pid, pid_end, user, user_end, name, name_end, lvl, lvl_end, msg;
};

/* "p=... u=... n=... [LEVEL]| " at s[i] */
static bool
scan(const char *s, size_t n, size_t i, struct hdr *h)
{
	static const char keys[3] = {'p', 'u', 'n'};
	size_t *at[3][2] = {
		{&h->pid, &h->pid_end}, {&h->user, &h->user_end}, {&h->name, &h->name_end}};
	for (int k = 0; k < 3; k++) {
		if (i + 2 >= n || s[i] != keys[k] || s[i + 1] != '=')
			return false;
		i += 2;
		*at[k][0] = i;
		while (i < n && s[i] != ' ')
			i++;
		*at[k][1] = i;
		if (i == *at[k][0] || i >= n)
			return false;
		i++;
	}
	for (size_t p = h->pid; p < h->pid_end; p++)
		if (!is_digit(s[p]))
			return false;
	h->lvl = h->lvl_end = i;
	while (i < n && is_alpha(s[i]))
		i++;
	if (i > h->lvl) {
		h->lvl_end = i;
		i = skip_spaces(s, n, i);
	}
	if (i >= n || s[i] != '|')
		return false;
	h->msg = skip_spaces(s, n, i + 1);
	return true;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	size_t k = st_parse_iso(s, n, &c, false);
	struct hdr h;
	if (k == 0 || k >= n || s[k] != ' ' || !scan(s, n, k + 1, &h) ||
	    st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)h.msg;
	d->level = ST_LVL_NONE;
	if (h.lvl_end > h.lvl)
		d->level = (uint8_t)st_level_from_word(s + h.lvl, h.lvl_end - h.lvl);
	if (d->level == ST_LVL_NONE)
		d->level = (uint8_t)st_level_scan(s + h.msg, n - h.msg);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	size_t k = st_parse_iso(s, n, &c, false);
	struct hdr h;
	if (k == 0 || k >= n || !scan(s, n, k + 1, &h))
		return;
	ST_FIELD(out, "pid", s + h.pid, h.pid_end - h.pid);
	ST_FIELD(out, "user", s + h.user, h.user_end - h.user);
	ST_FIELD(out, "name", s + h.name, h.name_end - h.name);
}

static const char *const samples[] = {
	"2025-03-03 09:12:44,120 p=2231 u=deploy n=ansible | TASK [nginx : reload] changed: [web-1]",
	"2025-03-03 09:12:45,002 p=2231 u=deploy n=ansible | fatal: [web-2]: FAILED! => {\"changed\": false}",
	"2025-03-03 09:12:46,310 p=2231 u=deploy n=ansible WARNING| [WARNING]: Skipping plugin",
	"2025-03-03 09:12:40,001 p=2231 u=deploy n=p=ansible | PLAY [all] *****",
	NULL,
};

static const char *const rejects[] = {
	"2025-03-03 09:12:44,120 INFO | not ansible",
	"2025-03-03 09:12:44,120 p=abc u=deploy n=ansible | pid not a number",
	"2025-03-03 09:12:44,120 p=1 u=deploy n=ansible no bar",
	"p=2231 u=deploy n=ansible | no time",
	NULL,
};

const struct st_format st_format_ansible = {
	.name = "ansible",
	.title = "Ansible log file \"2025-03-03 09:12:44,120 p=PID u=USER n=ansible | msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
