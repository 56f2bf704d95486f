/*
 * rfc5424.c: syslog in the RFC 5424 shape, as a receiver or rsyslog's
 * RSYSLOG_SyslogProtocol23Format writes it, with or without "<PRI>1 ".
 *
 *   <34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed
 *   <165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [ex@32473 iut="3"] msg
 *   2022-08-27T17:22:01.694554+03:00 host CRON 20856 - -  (root) CMD (...)
 *
 * Header: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA, each
 * "-" when absent, then the message. The time must carry 'T' and an
 * offset (RFC 5424 requires both), and STRUCTURED-DATA must be "-" or
 * "[id ...]": that is what tells a bare 5424 line from other ISO-stamped
 * lines. A nil time ("<34>1 - host ...") has none to give: not read.
 * The level is the PRI severity, else a level="..." SD parameter, else a
 * level word opening the message.
 */
#include <string.h>

#include "common.h"

struct hdr {
	int pri;
	struct st_civil c;
	size_t tok[5], tok_end[5]; /* host, app, procid, msgid, sd */
	size_t msg;
};

/* The end of a structured-data element list at s[i] ('[' ... ']'...). */
static size_t
sd_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == '[') {
		bool q = false;
		for (i++; i < n; i++) {
			if (q && s[i] == '\\')
				i++;
			else if (s[i] == '"')
				q = !q;
			else if (!q && s[i] == ']')
				break;
		}
		if (i >= n)
			return 0;
		i++;
	}
	return i;
}

static bool
scan(const char *s, size_t n, struct hdr *h)
{
	size_t i = 0;
	h->pri = -1;
	if (n > 4 && s[0] == '<') {
		size_t k = st_digits(s + 1, n - 1, 1, 3, &h->pri);
		if (k == 0 || 1 + k + 3 > n || s[1 + k] != '>' || h->pri > 191)
			return false;
		i = k + 2;
		/* VERSION: 1 (any small number) */
		int v;
		k = st_digits(s + i, n - i, 1, 2, &v);
		if (k == 0 || i + k >= n || s[i + k] != ' ')
			return false;
		i += k + 1;
	}
	size_t k = st_parse_iso(s + i, n - i, &h->c, false);
	if (k == 0 || s[i + 10] != 'T' || !h->c.has_off || i + k >= n || s[i + k] != ' ')
		return false;
	i += k + 1;
	for (int t = 0; t < 4; t++) {
		h->tok[t] = i;
		while (i < n && s[i] != ' ')
			i++;
		/* a header field never ends in ':', a BSD syslog tag does
		 * ("2024-10-02T02:00:03+0000 host systemd[1]: ..." is short-iso) */
		if (i == h->tok[t] || i >= n || s[i - 1] == ':')
			return false;
		h->tok_end[t] = i++;
	}
	h->tok[4] = i;
	if (i < n && s[i] == '-') {
		i++;
	} else if (i < n && s[i] == '[') {
		i = sd_end(s, n, i);
		if (i == 0)
			return false;
	} else {
		return false;
	}
	h->tok_end[4] = i;
	if (i < n && s[i] != ' ')
		return false;
	h->msg = i < n ? i + 1 : n;
	return true;
}

/* level="..." (or severity=) in the structured data */
static enum st_level
sd_level(const char *s, size_t a, size_t b)
{
	for (size_t i = a; i + 7 < b; i++) {
		if (s[i] == ' ' && (memcmp(s + i + 1, "level=\"", 7) == 0)) {
			size_t v = i + 8, e = v;
			while (e < b && is_alpha(s[e]))
				e++;
			return st_level_from_word(s + v, e - v);
		}
	}
	return ST_LVL_NONE;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct hdr h;
	if (n < 25 || !scan(s, n, &h) || st_civil_resolve(tc, h.c, &d->ts) < 0)
		return ST_ENOMATCH;
	size_t m = h.msg;
	/* a UTF-8 BOM may open the message */
	if (m + 3 <= n && memcmp(s + m, "\xef\xbb\xbf", 3) == 0)
		m += 3;
	d->body = (uint32_t)m;
	if (h.pri >= 0)
		d->level = (uint8_t)st_level_from_syslog(h.pri & 7);
	else if ((d->level = (uint8_t)sd_level(s, h.tok[4], h.tok_end[4])) == ST_LVL_NONE)
		d->level = (uint8_t)st_level_scan(s + m, n - m);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct hdr h;
	if (!scan(s, n, &h))
		return;
	static const char *const keys[] = {"host", "app", "procid", "msgid", "sd"};
	for (int t = 0; t < 5; t++) {
		size_t a = h.tok[t], b = h.tok_end[t];
		if (b > a && !(b == a + 1 && s[a] == '-'))
			st_fields_add(out, keys[t], strlen(keys[t]), s + a, b - a);
	}
}

static const char *const samples[] = {
	"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
	"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event",
	"2022-08-27T17:22:01.694554+03:00 edge-01.example.net CRON 20856 - -  (root) CMD (/usr/bin/true)",
	"2022-08-27T14:22:01.888Z edge-01.example.net agent 4828 SWITCH [meta@6876 comp=\"dp\" level=\"WARN\"] neighbour table full",
	NULL,
};

static const char *const rejects[] = {
	"<34>1 - mymachine su - ID47 - no time",
	"<34>Oct 11 22:14:15 mymachine su: BSD syslog",
	"2024-12-10T06:00:04Z INFO  Connected to PostgreSQL 15.4 at analytics-db:5432/warehouse",
	"2022-08-27 17:22:01+03:00 host app 1 - - a space, not T",
	"2022-08-27T17:22:01 host app 1 - - no offset",
	"2024-10-02T02:00:03+0000 prod-batch-01 systemd[1]: Started x - y (journalctl -o short-iso)",
	"<34>1 2003-10-11T22:14:15.003Z host su - ID47 [unterminated sd",
	NULL,
};

const struct st_format st_format_rfc5424 = {
	.name = "rfc5424",
	.title = "syslog, RFC 5424 \"<34>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
