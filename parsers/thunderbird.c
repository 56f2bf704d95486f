/*
 * thunderbird.c: syslog as the CFDR supercomputer logs hold it
 * (Thunderbird, Spirit, Liberty; as Loghub publishes Thunderbird).
 *
 *   - 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: msg
 *   alert epoch date node syslog-time host program[pid]: message
 *
 * The alert is '-' or a category in capitals. The record's own time is the
 * syslog one, local and zoneless (--assume-tz), with its year taken from
 * the YYYY.MM.DD collection date (one less for a December stamp collected
 * in January, one more for the reverse). As in syslog, the level is a
 * level word opening the message, and the message (body) starts at the
 * host.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t alert_end, node, node_end, body;
};

/* The time from the alert to the end of the syslog stamp; fills c and p. */
static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	size_t i = 0;
	if (n > 0 && s[0] == '-') {
		i = 1;
	} else {
		while (i < n && i < 16 && s[i] >= 'A' && s[i] <= 'Z')
			i++;
	}
	if (i == 0 || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->alert_end = i;
	size_t e = ++i;
	while (e < n && is_digit(s[e]))
		e++;
	if (e - i < 9 || e - i > 10 || e + 12 > n || s[e] != ' ')
		return ST_ENOMATCH;
	i = e + 1;
	int year, mon, day;
	if (st_digits(s + i, 4, 4, 4, &year) != 4 || s[i + 4] != '.' ||
	    st_digits(s + i + 5, 2, 2, 2, &mon) != 2 || s[i + 7] != '.' ||
	    st_digits(s + i + 8, 2, 2, 2, &day) != 2 || s[i + 10] != ' ')
		return ST_ENOMATCH;
	i += 11;
	p->node = i;
	while (i < n && s[i] != ' ')
		i++;
	p->node_end = i;
	if (i == p->node || i + 16 > n)
		return ST_ENOMATCH;
	i++;
	/* Mon D HH:MM:SS, the day one or two digits, maybe space-padded */
	memset(c, 0, sizeof(*c));
	c->mon = st_month_abbr(s + i, 3);
	if (c->mon == 0 || s[i + 3] != ' ')
		return ST_ENOMATCH;
	i += 4;
	if (s[i] == ' ')
		i++;
	size_t k = st_digits(s + i, n - i, 1, 2, &c->day);
	if (k == 0 || i + k >= n || s[i + k] != ' ')
		return ST_ENOMATCH;
	i += k + 1;
	k = st_parse_hms(s + i, n - i, c);
	if (k == 0 || (i + k < n && s[i + k] != ' '))
		return ST_ENOMATCH;
	i += k;
	c->year = year;
	if (c->mon == 12 && mon == 1)
		c->year--;
	else if (c->mon == 1 && mon == 12)
		c->year++;
	p->body = skip_spaces(s, n, i);
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)p.body;
	/* host prog[pid]: message -- the level opens the message */
	const char *colon = p.body < n ? memchr(s + p.body, ':', n - p.body) : NULL;
	while (colon && colon + 1 < s + n && colon[1] != ' ')
		colon = memchr(colon + 1, ':', (size_t)(s + n - colon - 1));
	d->level = ST_LVL_NONE;
	if (colon && colon + 2 < s + n)
		d->level = (uint8_t)st_level_scan(colon + 2, (size_t)(s + n - colon - 2));
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0)
		return;
	if (s[0] != '-')
		ST_FIELD(out, "alert", s, p.alert_end);
	ST_FIELD(out, "node", s + p.node, p.node_end - p.node);
	st_fields_syslog_tail(s + d->body, n - d->body, out);
}

static const char *const samples[] = {
	"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
	"- 1131566461 2005.11.09 tbird-admin1 Nov 9 12:01:01 local@tbird-admin1 /usr/sbin/gmetad[1682]: data_thread() got no answer",
	"ECC 1131740581 2005.11.11 cn442 Nov 11 12:23:01 cn442/cn442 kernel: error: EDAC MC0: CE page 0x3a2",
	"- 1136073599 2006.01.01 sn12 Dec 31 23:59:59 sn12/sn12 ntpd[811]: stamp from the day before",
	"- 1104566400 2005.01.01 ln3 Jan  1 00:00:00 ln3/ln3 sshd[77]: Accepted publickey for admin",
	NULL,
};

static const char *const rejects[] = {
	"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO a BGL line",
	"Nov 9 12:01:01 dn228/dn228 crond[2916]: plain syslog",
	"- 1131566461 2005-11-09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: dashed date",
	"- 11315 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: short epoch",
	"- 1131566461 2005.11.09 dn228 Nov 31 12:01:01 dn228/dn228 crond[2916]: Nov 31",
	NULL,
};

const struct st_format st_format_thunderbird = {
	.name = "thunderbird",
	.title = "CFDR supercomputer syslog \"- 1131566461 2005.11.09 node Nov 9 12:01:01 host prog: msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
