/*
 * syslog.c: BSD syslog as files hold it (RFC 3164).
 *
 *   Oct 02 02:00:03 prod-batch-01 systemd[1]: Started data-exporter.service
 *   <34>Oct  2 02:00:03 host su: 'su root' failed for lonvick on /dev/pts/8
 *
 * The stamp has no year (see st_civil_resolve) and no zone (--assume-tz).
 * The month may be written in another language, as a localised
 * journalctl or rsyslog writes it ("août 19 11:08:37": st_month_word).
 * The level is the <PRI> severity when present, else a level word that
 * opens the message.
 */
#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = 0;
	int pri = -1;
	if (n > 3 && s[0] == '<') {
		size_t k = st_digits(s + 1, n - 1, 1, 3, &pri);
		if (k == 0 || 1 + k >= n || s[1 + k] != '>' || pri > 191)
			return ST_ENOMATCH;
		i = k + 2;
	}
	if (i + 15 > n)
		return ST_ENOMATCH;
	struct st_civil c = {.year = -1};
	c.mon = st_month_abbr(s + i, 3);
	if (c.mon != 0 && s[i + 3] == ' ') {
		i += 4;
	} else {
		/* a month in another language: "août 19 11:08:37", "Mär  9 ..." */
		size_t ml = st_month_word(s + i, n - i, &c.mon);
		if (ml == 0 || i + ml + 12 > n || s[i + ml] != ' ')
			return ST_ENOMATCH;
		i += ml + 1;
	}
	if (s[i] == ' ')
		i++;
	size_t k = st_digits(s + i, n - i, 1, 2, &c.day);
	if (k == 0 || i + k >= n || s[i + k] != ' ')
		return ST_ENOMATCH;
	i += k + 1;
	k = st_parse_hms(s + i, n - i, &c);
	if (k == 0 || (i + k < n && s[i + k] != ' '))
		return ST_ENOMATCH;
	i += k;
	/* "Mar  9 02:00:13 2024 host ...": some daemons add the year */
	if (i + 6 <= n && s[i] == ' ' && s[i + 5] == ' ' && st_digits(s + i + 1, 4, 4, 4, &c.year) == 4)
		i += 5;
	else
		c.year = -1;
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	i = skip_spaces(s, n, i);
	d->body = (uint32_t)i;
	if (pri >= 0) {
		d->level = (uint8_t)st_level_from_syslog(pri & 7);
	} else {
		/* host prog[pid]: message -- look after the first ": " */
		size_t j = i;
		while (j + 1 < n && !(s[j] == ':' && s[j + 1] == ' '))
			j++;
		d->level = j + 1 < n ? (uint8_t)st_level_scan(s + j + 2, n - j - 2) : ST_LVL_NONE;
	}
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	st_fields_syslog_tail(s + d->body, n - d->body, out);
}

static const char *const samples[] = {
	"Oct 02 02:00:03 prod-batch-01 systemd[1]: Started data-exporter.service - Nightly Data Export Agent.",
	"<34>Oct  2 02:00:03 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
	"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
	"Feb 29 12:00:00 host kernel: year-less leap day",
	"Mar  9 02:00:13 2024 host app: a year after the time",
	NULL,
};

static const char *const rejects[] = {
	"Foo 02 02:00:03 host prog: bad month",
	"Oct 32 02:00:03 host prog: day 32",
	"Oct 02 25:00:03 host prog: hour 25",
	"2024-10-02T02:00:03Z host prog: iso",
	"<999>Oct 02 02:00:03 host prog: pri too big",
	NULL,
};

const struct st_format st_format_syslog = {
	.name = "syslog",
	.title = "BSD syslog (RFC 3164) \"Oct 02 02:00:03 host prog[pid]: msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
