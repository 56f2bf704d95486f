/*
 * haproxy.c: HAProxy's logs, through syslog or raw.
 *
 *   Feb 25 16:19:49 lb-1 haproxy[7]: 198.51.100.7:53332 [25/Feb/2019:16:19:48.143]
 *       www~ be_app/app-2 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1"
 *   Feb 25 16:20:15 lb-1 haproxy[7]: 198.51.100.9:56224 [25/Feb/2019:16:20:10.111]
 *       www/tls-1: SSL handshake failure
 *   Feb 25 16:19:38 lb-1 haproxy[1]: Proxy www started.
 *   10.0.0.1:5555 [09/Mar/2025:02:00:13.123] fe be/srv 0/0/1/2/3 503 212 ...  (log stdout raw)
 *
 * Behind a syslog header (BSD, year-less) the program must be haproxy, or
 * the payload must open with "client:port [accept date]". The accept
 * date carries the year and milliseconds, so it is the time when there
 * is one (it is when the request came in; the syslog stamp is when it was
 * logged); else the syslog time. Both are local (--assume-tz). It must
 * come before syslog, which reads the same lines. The level comes from
 * the status (5xx error, 4xx warn, else info), else from the syslog
 * header. Fields: host, program, pid, client, frontend, backend, server, status,
 * bytes.
 */
#include <string.h>

#include "common.h"

extern const struct st_format st_format_syslog;

struct req {
	struct st_civil c;
	size_t client, client_end, fe, fe_end, be, be_end, srv, srv_end, status, bytes, bytes_end;
	int code; /* -1 when none */
};

static size_t
token_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

/* The payload "client:port [date] frontend backend/server timers status bytes". */
static bool
request(const char *s, size_t n, struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->code = -1;
	size_t i = token_end(s, n, 0);
	const char *colon = i > 0 ? memchr(s, ':', i) : NULL;
	if (colon == NULL || i + 2 >= n || s[i + 1] != '[' || !is_digit(s[i - 1]))
		return false;
	/* the port: digits after the last ':' (IPv6 clients have more) */
	size_t p = i;
	while (p > 0 && is_digit(s[p - 1]))
		p--;
	if (p == 0 || s[p - 1] != ':')
		return false;
	r->client_end = p - 1;
	size_t k = st_parse_clf_time(s + i + 2, n - i - 2, &r->c);
	if (k == 0)
		return false;
	i += 2 + k;
	if (i >= n || s[i] != ']')
		return false;
	i++;
	if (i >= n)
		return true;
	r->fe = ++i;
	r->fe_end = token_end(s, n, i);
	i = r->fe_end;
	if (r->fe_end > r->fe && s[r->fe_end - 1] == ':') {
		/* "frontend/bind: error message": no backend */
		r->fe_end--;
		const char *sl = memchr(s + r->fe, '/', r->fe_end - r->fe);
		if (sl)
			r->fe_end = (size_t)(sl - s);
		return true;
	}
	if (i + 1 >= n)
		return true;
	r->be = ++i;
	i = token_end(s, n, i);
	const char *sl = memchr(s + r->be, '/', i - r->be);
	if (sl == NULL) {
		r->be = 0;
		return true;
	}
	r->be_end = (size_t)(sl - s);
	r->srv = r->be_end + 1;
	r->srv_end = i;
	/* timers ("0/0/7/1457/1487"), then the status (or the bytes of a TCP log) */
	if (i + 1 >= n)
		return true;
	i = token_end(s, n, i + 1);
	if (i + 4 < n && s[i] == ' ' && st_digits(s + i + 1, 3, 3, 3, &r->code) == 3 &&
	    (s[i + 4] == ' ')) {
		r->status = i + 1;
		r->bytes = i + 5;
		r->bytes_end = token_end(s, n, r->bytes);
	} else {
		r->code = -1;
	}
	return true;
}

/* The payload's offset after "host prog[pid]: ", and whether prog is haproxy. */
static size_t
payload(const char *s, size_t n, size_t body, bool *named)
{
	size_t i = token_end(s, n, body);
	if (i >= n)
		return 0;
	size_t p = i + 1, e = p;
	while (e < n && s[e] != ' ' && s[e] != '[' && s[e] != ':')
		e++;
	*named = e - p == 7 && memcmp(s + p, "haproxy", 7) == 0;
	const char *c = memchr(s + e, ':', n - e);
	if (c == NULL || (size_t)(c - s) + 1 >= n || s[c - s + 1] != ' ')
		return 0;
	return (size_t)(c - s) + 2;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct req r;
	size_t pl = 0;
	if (n > 0 && is_digit(s[0])) {
		/* raw: the payload alone */
		if (!request(s, n, &r))
			return ST_ENOMATCH;
		d->level = ST_LVL_NONE;
	} else {
		if (n < 24 || st_format_parse(&st_format_syslog, tc, s, n, d) != 0)
			return ST_ENOMATCH;
		bool named;
		pl = payload(s, n, d->body, &named);
		if (pl == 0)
			return ST_ENOMATCH;
		if (!request(s + pl, n - pl, &r)) {
			if (!named)
				return ST_ENOMATCH;
			d->body = (uint32_t)pl;
			return 0; /* "Proxy www started.": the syslog time */
		}
	}
	if (st_civil_resolve(tc, r.c, &d->ts) < 0)
		return ST_ENOMATCH;
	if (r.code >= 0)
		d->level = (uint8_t)st_level_from_http(r.code);
	else if (d->level == ST_LVL_NONE)
		d->level = (uint8_t)st_level_scan(s + pl + r.fe, n - pl - r.fe);
	d->body = (uint32_t)pl;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	size_t pl = 0;
	if (!(n > 0 && is_digit(s[0]))) {
		/* the syslog header's host and pid, then the payload */
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, 0);
		struct st_draft sd;
		if (st_format_parse(&st_format_syslog, &tc, s, n, &sd) != 0)
			return;
		st_fields_syslog_tail(s + sd.body, n - sd.body, out);
		pl = d->body;
	}
	struct req r;
	if (!request(s + pl, n - pl, &r))
		return;
	const char *p = s + pl;
	ST_FIELD(out, "client", p, r.client_end);
	ST_FIELD(out, "frontend", p + r.fe, r.fe_end - r.fe);
	if (r.be) {
		ST_FIELD(out, "backend", p + r.be, r.be_end - r.be);
		ST_FIELD(out, "server", p + r.srv, r.srv_end - r.srv);
	}
	if (r.code >= 0) {
		ST_FIELD(out, "status", p + r.status, 3);
		ST_FIELD(out, "bytes", p + r.bytes, r.bytes_end - r.bytes);
	}
}

static const char *const samples[] = {
	"Feb 25 16:19:49 lb-1 haproxy[7]: 198.51.100.7:53332 [25/Feb/2019:16:19:48.143] www~ be_app/app-2 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
	"Feb 25 16:20:15 lb-1 haproxy[7]: 198.51.100.9:56224 [25/Feb/2019:16:20:10.111] www/tls-1: SSL handshake failure",
	"Feb 25 16:19:38 lb-1 haproxy[1]: Proxy www started.",
	"10.0.0.1:5555 [09/Mar/2025:02:00:13.123] fe be/srv 0/0/1/2/3 503 212 - - ---- 1/1/0/0/0 0/0 \"GET /api HTTP/1.1\"",
	"<150>Mar  9 02:00:14 lb-2 edge[900]: 10.0.0.2:6000 [09/Mar/2025:02:00:14.001] tcp-in tcp-be/db-1 0/0/5 1024 -- 1/1/0/0/0 0/0",
	NULL,
};

static const char *const rejects[] = {
	"Feb 25 16:19:38 lb-1 nginx[1]: not haproxy",
	"Feb 25 16:19:49 lb-1 edge[7]: 198.51.100.7:53332 [25/Feb/2019:16:61:48.143] bad minute, not named haproxy",
	"10.0.0.1 [09/Mar/2025:02:00:13.123] no port",
	"10.0.0.1 - - [09/Mar/2025:02:00:13 +0000] \"GET / HTTP/1.1\" 200 1 an access log",
	NULL,
};

const struct st_format st_format_haproxy = {
	.name = "haproxy",
	.title = "HAProxy logs (syslog or raw) \"client:port [accept date] frontend backend/server ...\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
