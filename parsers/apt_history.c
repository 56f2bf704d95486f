/*
 * apt_history.c: apt's /var/log/apt/history.log, one record per apt run.
 *
 *   Start-Date: 2024-05-02  06:25:13
 *   Commandline: /usr/bin/unattended-upgrade
 *   Requested-By: admin (1000)
 *   Upgrade: libssl3:amd64 (3.0.11-1~deb12u2, 3.0.13-1~deb12u1), ...
 *   End-Date: 2024-05-02  06:25:20
 *
 * apt writes a blank line, then Start-Date and the lines that say what
 * the run does when it starts, and End-Date when it is done. Only the
 * Start-Date line is read: the others (Commandline, Requested-By,
 * Install, Upgrade, Downgrade, Reinstall, Remove, Purge, Error, End-Date)
 * do not parse, so they join it as continuation lines and the record is
 * one event, dated by its start, which is there as soon as apt starts
 * (a followed history.log shows a run before it ends). The time is local
 * and zoneless, as apt writes it: --assume-tz says the zone. No level (a
 * failed run's "Error:" line comes later, in the record's text). What
 * changed, and who asked, is the packages rules' to find
 * (parsers/rules/packages.c). No fields.
 */
#include <string.h>

#include "common.h"

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	static const char key[] = "Start-Date: ";
	size_t i = sizeof(key) - 1;
	if (n < i + 10 || memcmp(s, key, i) != 0)
		return ST_ENOMATCH;
	/* "YYYY-MM-DD  HH:MM:SS": apt puts two blanks between date and time */
	struct st_civil c = {0};
	if (st_digits(s + i, 4, 4, 4, &c.year) != 4 || s[i + 4] != '-' ||
	    st_digits(s + i + 5, 2, 2, 2, &c.mon) != 2 || s[i + 7] != '-' ||
	    st_digits(s + i + 8, 2, 2, 2, &c.day) != 2)
		return ST_ENOMATCH;
	i += 10;
	size_t k = skip_spaces(s, n, i);
	if (k == i || k - i > 2)
		return ST_ENOMATCH;
	size_t h = st_parse_hms(s + k, n - k, &c);
	if (h == 0)
		return ST_ENOMATCH;
	i = skip_spaces(s, n, k + h);
	if (i != n || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = ST_LVL_NONE;
	d->kind = ST_KIND_LOG;
	d->body = 0;
	return 0;
}

static const char *const samples[] = {
	"Start-Date: 2024-05-02  06:25:13",
	"Start-Date: 2023-12-31  23:59:59",
	NULL,
};

static const char *const rejects[] = {
	"End-Date: 2024-05-02  06:25:20",
	"Upgrade: libssl3:amd64 (3.0.11-1~deb12u2, 3.0.13-1~deb12u1)",
	"Commandline: apt-get install -y htop",
	"Start-Date: 2024-13-02  06:25:13",
	"Start-Date: 2024-05-02  06:25:13 and more",
	"Start-Date: 2024-05-02",
	NULL,
};

const struct st_format st_format_apt_history = {
	.name = "apt-history",
	.title = "apt's history.log \"Start-Date: 2024-05-02  06:25:13\", one event per apt run",
	.parse = parse,
	.samples = samples,
	.rejects = rejects,
};
