/*
 * klog.c: Kubernetes klog and Google glog.
 *
 *   W1215 03:22:18.847291       1 event.go:364] Server is becoming the leader
 *   Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg
 *
 * L is I, W, E or F. The stamp has no year and no zone.
 */
#include <string.h>

#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	static const char letters[] = "IWEF";
	static const uint8_t levels[] = {ST_LVL_INFO, ST_LVL_WARN, ST_LVL_ERROR, ST_LVL_FATAL};
	if (n < 22 || memchr(letters, s[0], 4) == NULL)
		return ST_ENOMATCH;
	struct st_civil c = {.year = -1};
	if (st_digits(s + 1, 2, 2, 2, &c.mon) != 2 || st_digits(s + 3, 2, 2, 2, &c.day) != 2 ||
	    s[5] != ' ')
		return ST_ENOMATCH;
	size_t k = st_parse_hms(s + 6, n - 6, &c);
	if (k == 0)
		return ST_ENOMATCH;
	size_t i = 6 + k;
	/* thread id (optional in some glog forks), then file:line] */
	i = skip_spaces(s, n, i);
	while (i < n && is_digit(s[i]))
		i++;
	i = skip_spaces(s, n, i);
	size_t j = i;
	while (j < n && s[j] != ']' && s[j] != ' ')
		j++;
	if (j >= n || s[j] != ']' || memchr(s + i, ':', j - i) == NULL)
		return ST_ENOMATCH;
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = levels[(const char *)memchr(letters, s[0], 4) - letters];
	d->body = (uint32_t)skip_spaces(s, n, j + 1);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	size_t i = 6;
	while (i < n && s[i] != ' ')
		i++; /* the time */
	i = skip_spaces(s, n, i);
	size_t t = i;
	while (i < n && is_digit(s[i]))
		i++;
	ST_FIELD(out, "thread", s + t, i - t);
	i = skip_spaces(s, n, i);
	size_t f = i;
	while (i < n && s[i] != ']')
		i++;
	ST_FIELD(out, "caller", s + f, i - f);
}

static const char *const samples[] = {
	"W1215 03:22:18.847291       1 event.go:364] Server is becoming the leader, discarding stale reads",
	"E0517 15:04:22.619632 1234 logging.cc:42] Something failed",
	"I0102 00:00:00.000001 7 main.go:1] started",
	"F0229 12:00:00.000000 1 main.go:9] leap day, no year",
	NULL,
};

static const char *const rejects[] = {
	"X1215 03:22:18.847291 1 event.go:364] bad level letter",
	"W1315 03:22:18.847291 1 event.go:364] month 13",
	"W1215 03:22:18.847291 1 no file and line",
	"INFO 2024 something",
	NULL,
};

const struct st_format st_format_klog = {
	.name = "klog",
	.title = "Kubernetes klog / glog \"W1215 03:22:18.847291 1 file.go:364] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
