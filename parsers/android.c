/*
 * android.c: Android logcat, as `adb logcat` writes it.
 *
 *   03-17 16:13:38.811  1702  2395 D WindowManager: msg     (-v threadtime)
 *   03-17 16:13:38.811 D/WindowManager( 1702): msg           (-v time)
 *   2024-03-17 16:13:38.811  1702  2395 I chatty  : msg     (-v year)
 *
 * MM-DD without a year (st_civil_resolve settles it) unless -v year gave
 * one; no zone. The level is the priority letter: V trace, D debug,
 * I info, W warn, E error, F and A (assert) fatal. threadtime pads the tag
 * to eight columns before its ':', so the tag is trimmed.
 */
#include <string.h>

#include "common.h"

/* Where the parts of a line are, as scan() found them. */
struct pos {
	size_t pid, pid_end, tid, tid_end, tag, tag_end, body;
	char prio;
};

static enum st_level
prio_level(char p)
{
	switch (p) {
	case 'V':
		return ST_LVL_TRACE;
	case 'D':
		return ST_LVL_DEBUG;
	case 'I':
		return ST_LVL_INFO;
	case 'W':
		return ST_LVL_WARN;
	case 'E':
		return ST_LVL_ERROR;
	case 'F':
	case 'A':
		return ST_LVL_FATAL;
	default:
		return ST_LVL_NONE;
	}
}

static size_t
digits_end(const char *s, size_t n, size_t i)
{
	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

/* The header after the time (s[i] is the blank after it); 0 or ST_ENOMATCH. */
static int
scan_header(const char *s, size_t n, size_t i, struct pos *p)
{
	if (i + 3 > n || s[i] != ' ')
		return ST_ENOMATCH;
	if (prio_level(s[i + 1]) != ST_LVL_NONE && s[i + 2] == '/') {
		/* -v time: P/Tag( pid): msg -- the tag runs to the last '(' before "):" */
		p->prio = s[i + 1];
		p->tag = i + 3;
		const char *close = NULL;
		for (size_t j = p->tag; j + 1 < n; j++) {
			if (s[j] == ')' && s[j + 1] == ':') {
				close = s + j;
				break;
			}
		}
		if (close == NULL)
			return ST_ENOMATCH;
		size_t c = (size_t)(close - s);
		size_t k = c;
		while (k > p->tag && is_digit(s[k - 1]))
			k--;
		p->pid = k;
		p->pid_end = c;
		while (k > p->tag && s[k - 1] == ' ')
			k--;
		if (p->pid == c || k == p->tag || s[k - 1] != '(')
			return ST_ENOMATCH;
		p->tag_end = k - 1;
		p->tid = p->tid_end = 0;
		p->body = skip_spaces(s, n, c + 2);
		return 0;
	}
	/* threadtime: pid tid P tag: msg, pid and tid right-aligned */
	i = skip_spaces(s, n, i);
	p->pid = i;
	i = p->pid_end = digits_end(s, n, i);
	if (p->pid_end == p->pid || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	p->tid = i;
	i = p->tid_end = digits_end(s, n, i);
	if (p->tid_end == p->tid || i + 2 >= n || s[i] != ' ' || s[i + 2] != ' ')
		return ST_ENOMATCH;
	p->prio = s[i + 1];
	if (prio_level(p->prio) == ST_LVL_NONE)
		return ST_ENOMATCH;
	i += 3;
	p->tag = i;
	while (i < n && !(s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')))
		i++;
	if (i >= n)
		return ST_ENOMATCH;
	size_t e = i;
	while (e > p->tag && s[e - 1] == ' ')
		e--;
	p->tag_end = e;
	p->body = skip_spaces(s, n, i + 1);
	return 0;
}

/* The time at the start of s into c; returns the bytes used or 0. */
static size_t
scan_time(const char *s, size_t n, struct st_civil *c)
{
	size_t i = 0;
	c->year = -1;
	c->has_off = false;
	c->off_sec = 0;
	if (n > 5 && s[4] == '-') {
		if (st_digits(s, 4, 4, 4, &c->year) != 4)
			return 0;
		i = 5;
	}
	if (i + 6 > n || st_digits(s + i, 2, 2, 2, &c->mon) != 2 || s[i + 2] != '-' ||
	    st_digits(s + i + 3, 2, 2, 2, &c->day) != 2 || s[i + 5] != ' ')
		return 0;
	i += 6;
	size_t k = st_parse_hms(s + i, n - i, c);
	return k ? i + k : 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	size_t i = scan_time(s, n, &c);
	if (i == 0 || scan_header(s, n, i, &p) < 0)
		return ST_ENOMATCH;
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = (uint8_t)prio_level(p.prio);
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
	size_t i = scan_time(s, n, &c);
	if (i == 0 || scan_header(s, n, i, &p) < 0)
		return;
	ST_FIELD(out, "pid", s + p.pid, p.pid_end - p.pid);
	ST_FIELD(out, "tid", s + p.tid, p.tid_end - p.tid);
	ST_FIELD(out, "tag", s + p.tag, p.tag_end - p.tag);
}

static const char *const samples[] = {
	"03-17 16:13:38.811  1702  2395 D WindowManager: relayout of Window{42f1} done",
	"03-17 16:13:38.819  1702  8671 I chatty  : uid=1000(system) Binder:1702_5 expire 3 lines",
	"03-17 16:13:39.002 E/AndroidRuntime( 4821): FATAL EXCEPTION: main",
	"2024-03-17 16:13:38.811 10412 10433 W Choreographer: Skipped 31 frames!",
	"12-31 23:59:59.999   611   611 V KeyguardUpdateMonitor: onTimeChanged",
	NULL,
};

static const char *const rejects[] = {
	"03-17 16:13:38.811  1702  2395 X Tag: unknown priority letter",
	"03-17 16:13:38.811  1702 D Tag: no thread id",
	"13-17 16:13:38.811  1702  2395 D Tag: month 13",
	"03-17 16:13:38.811 D/Tag: no pid in parentheses",
	"2024-03-17 16:13:38.811 25746 INFO nova.api [-] an oslo.log line",
	NULL,
};

const struct st_format st_format_android = {
	.name = "android",
	.title = "Android logcat \"03-17 16:13:38.811  1702  2395 D Tag: msg\" (threadtime, time)",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
