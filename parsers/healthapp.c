/*
 * healthapp.c: the Huawei Health app log (as Loghub publishes it).
 *
 *   20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579
 *   YYYYMMDD-H:M:S:ms|component|pid|message
 *
 * Hour, minute, second and milliseconds are written without padding
 * ("22:2:9:7" is 22:02:09.007); no zone. The level is the first level
 * word of the message (the app writes none).
 */
#include "common.h"

struct pos {
	size_t comp, comp_end, pid, pid_end, body;
};

/* A 1..max digit number followed by sep; returns the bytes used or 0. */
static size_t
num_sep(const char *s, size_t n, size_t max, char sep, int *v)
{
	size_t k = st_digits(s, n, 1, max, v);
	return k && k < n && s[k] == sep ? k + 1 : 0;
}

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	if (n < 20 || s[8] != '-')
		return ST_ENOMATCH;
	*c = (struct st_civil){0};
	if (st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 4, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 6, 2, 2, 2, &c->day) != 2)
		return ST_ENOMATCH;
	size_t i = 9, k;
	int ms;
	if ((k = num_sep(s + i, n - i, 2, ':', &c->hour)) == 0)
		return ST_ENOMATCH;
	i += k;
	if ((k = num_sep(s + i, n - i, 2, ':', &c->min)) == 0)
		return ST_ENOMATCH;
	i += k;
	if ((k = num_sep(s + i, n - i, 2, ':', &c->sec)) == 0)
		return ST_ENOMATCH;
	i += k;
	if ((k = num_sep(s + i, n - i, 3, '|', &ms)) == 0)
		return ST_ENOMATCH;
	c->usec = ms * 1000;
	i += k;
	p->comp = i;
	while (i < n && s[i] != '|' && s[i] != ' ')
		i++;
	if (i == p->comp || i >= n || s[i] != '|')
		return ST_ENOMATCH;
	p->comp_end = i++;
	p->pid = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == p->pid || i >= n || s[i] != '|')
		return ST_ENOMATCH;
	p->pid_end = i;
	p->body = i + 1;
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = (uint8_t)st_level_scan(s + p.body, n - p.body);
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
	ST_FIELD(out, "component", s + p.comp, p.comp_end - p.comp);
	ST_FIELD(out, "pid", s + p.pid, p.pid_end - p.pid);
}

static const char *const samples[] = {
	"20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
	"20171224-0:3:7:12|Step_SPUtils|30002312| getTodayTotalDetailSteps = 1514038440000##6993",
	"20171231-23:59:59:9|HiH_HiSyncControl|30002312|",
	NULL,
};

static const char *const rejects[] = {
	"20171223-22:15:29.606|Step_LSC|30002312|a dot before the milliseconds",
	"20171223-22:15:29:606|Step_LSC|pid|no pid",
	"20171223-24:15:29:606|Step_LSC|30002312|hour 24",
	"20171223 22:15:29:606|Step_LSC|30002312|no dash",
	NULL,
};

const struct st_format st_format_healthapp = {
	.name = "healthapp",
	.title = "Huawei Health app log \"20171223-22:15:29:606|component|pid|msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
