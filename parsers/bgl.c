/*
 * bgl.c: the Blue Gene/L RAS log (as the CFDR and Loghub publish it).
 *
 *   - 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO msg
 *   alert epoch date node time node type component level message
 *
 * The alert is '-' or a category in capitals (KERNDTLB, APPREAD, ...). The
 * record's own time is the YYYY-MM-DD-HH.MM.SS.ffffff field, local and
 * zoneless (--assume-tz); the epoch and the date before it are when the
 * record was collected. The level is the level word (INFO, WARNING,
 * SEVERE, ERROR, FATAL, FAILURE).
 *
 * The shape is checked field by field (alert, 9-10 digit epoch, dotted
 * date, the dashed time, four more words) so that no other log's lines
 * read as this one.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t alert_end, node, node_end, type, type_end, comp, comp_end, level, level_end, body;
};

static size_t
word_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

/* '-' or a category in capitals, then the epoch and the date: "- 1117838570 2005.06.03 ".
 * Returns the offset after it, or 0. Shared in shape with Thunderbird's. */
static size_t
scan_prefix(const char *s, size_t n)
{
	size_t i = 0;
	if (n > 0 && s[0] == '-') {
		i = 1;
	} else {
		while (i < n && i < 16 && s[i] >= 'A' && s[i] <= 'Z')
			i++;
	}
	if (i == 0 || i >= n || s[i] != ' ')
		return 0;
	size_t e = ++i;
	while (e < n && is_digit(s[e]))
		e++;
	if (e - i < 9 || e - i > 10 || e + 12 > n || s[e] != ' ')
		return 0;
	i = e + 1;
	int y, m, dd;
	if (st_digits(s + i, 4, 4, 4, &y) != 4 || s[i + 4] != '.' ||
	    st_digits(s + i + 5, 2, 2, 2, &m) != 2 || s[i + 7] != '.' ||
	    st_digits(s + i + 8, 2, 2, 2, &dd) != 2 || s[i + 10] != ' ')
		return 0;
	return i + 11;
}

/* YYYY-MM-DD-HH.MM.SS[.ffffff]; returns the bytes used or 0. */
static size_t
scan_time(const char *s, size_t n, struct st_civil *c)
{
	memset(c, 0, sizeof(*c));
	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != '-' || s[13] != '.' || s[16] != '.')
		return 0;
	if (st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 5, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 8, 2, 2, 2, &c->day) != 2 || st_digits(s + 11, 2, 2, 2, &c->hour) != 2 ||
	    st_digits(s + 14, 2, 2, 2, &c->min) != 2 || st_digits(s + 17, 2, 2, 2, &c->sec) != 2)
		return 0;
	size_t i = 19;
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
		int v = 0, digits = 0;
		for (i++; i < n && is_digit(s[i]); i++) {
			if (digits < 6) {
				v = v * 10 + (s[i] - '0');
				digits++;
			}
		}
		while (digits++ < 6)
			v *= 10;
		c->usec = v;
	}
	return i;
}

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	size_t i = scan_prefix(s, n);
	if (i == 0)
		return ST_ENOMATCH;
	p->alert_end = (size_t)((const char *)memchr(s, ' ', n) - s);
	p->node = i;
	i = p->node_end = word_end(s, n, i);
	if (p->node_end == p->node || i >= n)
		return ST_ENOMATCH;
	i++;
	size_t k = scan_time(s + i, n - i, c);
	if (k == 0 || i + k >= n || s[i + k] != ' ')
		return ST_ENOMATCH;
	i += k + 1;
	/* the node again, then type, component and level, each one word */
	size_t e = word_end(s, n, i);
	if (e == i || e >= n)
		return ST_ENOMATCH;
	p->type = e + 1;
	p->type_end = word_end(s, n, p->type);
	if (p->type_end == p->type || p->type_end >= n)
		return ST_ENOMATCH;
	p->comp = p->type_end + 1;
	p->comp_end = word_end(s, n, p->comp);
	if (p->comp_end == p->comp || p->comp_end >= n)
		return ST_ENOMATCH;
	p->level = p->comp_end + 1;
	p->level_end = p->level;
	while (p->level_end < n && s[p->level_end] >= 'A' && s[p->level_end] <= 'Z')
		p->level_end++;
	if (p->level_end == p->level || (p->level_end < n && s[p->level_end] != ' '))
		return ST_ENOMATCH;
	p->body = skip_spaces(s, n, p->level_end);
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	size_t ln = p.level_end - p.level;
	enum st_level l = st_level_from_word(s + p.level, ln);
	if (l == ST_LVL_NONE && ln == 7 && memcmp(s + p.level, "FAILURE", 7) == 0)
		l = ST_LVL_FATAL;
	d->level = (uint8_t)l;
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
	if (s[0] != '-')
		ST_FIELD(out, "alert", s, p.alert_end);
	ST_FIELD(out, "node", s + p.node, p.node_end - p.node);
	ST_FIELD(out, "type", s + p.type, p.type_end - p.type);
	ST_FIELD(out, "component", s + p.comp, p.comp_end - p.comp);
}

static const char *const samples[] = {
	"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
	"KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
	"- 1120231520 2005.07.01 UNKNOWN_LOCATION 2005-07-01-08.25.20.466953 UNKNOWN_LOCATION NULL DISCOVERY WARNING Node card is not fully functional",
	"APPREAD 1117869872 2005.06.04 R04-M1-N4-I:J18-U11 2005-06-04-00.24.32.432192 R04-M1-N4-I:J18-U11 RAS APP FAILURE",
	NULL,
};

static const char *const rejects[] = {
	"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: a Thunderbird line",
	"- 1117838570 2005.06.03 R02-M1-N0 2005-06-03 15:42:50 R02-M1-N0 RAS KERNEL INFO ISO time",
	"x 1117838570 2005.06.03 R02-M1-N0 2005-06-03-15.42.50.675872 R02-M1-N0 RAS KERNEL INFO lower-case alert",
	"- 1117838570 2005.06.03 R02-M1-N0 2005-06-03-15.42.50.675872 R02-M1-N0 RAS KERNEL",
	"- 1117838570 2005.06.03 R02-M1-N0 2005-06-03-25.42.50.675872 R02-M1-N0 RAS KERNEL INFO hour 25",
	NULL,
};

const struct st_format st_format_bgl = {
	.name = "bgl",
	.title = "Blue Gene/L RAS log \"- 1117838570 2005.06.03 NODE 2005-06-03-15.42.50.675872 ...\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
