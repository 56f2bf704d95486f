/*
 * access.c: web server access logs, Common and Combined Log Format
 * (Apache httpd, nginx, and everything that copies them).
 *
 *   10.1.2.3 - frank [22/Jan/2019:03:56:14 +0330] "GET /api/x?y=1 HTTP/1.1" 200 2326
 *   10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"
 *   www.example.com:443 10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "GET / ..." 200 612
 *
 * The last is Apache's vhost_combined: one more token in front. The time
 * is the bracketed one with its offset; the line must go on with a quoted
 * request and a three-digit status, which is what tells this format from
 * others. The level comes from the status: 5xx error, 4xx warn, else info.
 */
#include "common.h"

/* The shape of one line: offsets of its parts (end offsets exclusive). */
struct access {
	size_t vhost, vhost_end, client, client_end, ident, ident_end, user, user_end;
	size_t req, req_end;   /* inside the quotes */
	size_t status, bytes, bytes_end;
	size_t ref, ref_end, agent, agent_end; /* inside the quotes; 0 when absent */
	int code;
	struct st_civil c;
};

/* A quoted string at s[i] ('"' ... '"', backslash escapes); returns the
 * index after the closing quote, or 0. */
static size_t
quoted(const char *s, size_t n, size_t i)
{
	if (i >= n || s[i] != '"')
		return 0;
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

static size_t
token(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

static bool
scan(const char *s, size_t n, struct access *a)
{
	/* three tokens before '[' (four with a vhost in front) */
	size_t starts[5], ends[5], i = 0;
	int t = 0;
	while (t < 5 && i < n && s[i] != '[') {
		starts[t] = i;
		ends[t] = token(s, n, i);
		if (ends[t] == i || ends[t] >= n)
			return false;
		i = ends[t] + 1;
		t++;
	}
	if (t < 3 || t > 4 || i >= n || s[i] != '[')
		return false;
	int o = t - 3;
	a->vhost = o ? starts[0] : 0;
	a->vhost_end = o ? ends[0] : 0;
	a->client = starts[o];
	a->client_end = ends[o];
	a->ident = starts[o + 1];
	a->ident_end = ends[o + 1];
	a->user = starts[o + 2];
	a->user_end = ends[o + 2];
	size_t k = st_parse_clf_time(s + i + 1, n - i - 1, &a->c);
	if (k == 0)
		return false;
	i += 1 + k;
	if (i + 2 >= n || s[i] != ']' || s[i + 1] != ' ')
		return false;
	i += 2;
	size_t e = quoted(s, n, i);
	if (e == 0)
		return false;
	a->req = i + 1;
	a->req_end = e - 1;
	i = e;
	if (i + 4 > n || s[i] != ' ' || st_digits(s + i + 1, 3, 3, 3, &a->code) != 3 ||
	    (i + 4 < n && s[i + 4] != ' '))
		return false;
	a->status = i + 1;
	i += 4;
	a->bytes = a->bytes_end = a->ref = a->ref_end = a->agent = a->agent_end = 0;
	if (i < n) {
		a->bytes = i + 1;
		a->bytes_end = i = token(s, n, i + 1);
		if (i + 1 < n && (e = quoted(s, n, i + 1)) != 0) {
			a->ref = i + 2;
			a->ref_end = e - 1;
			i = e;
			if (i + 1 < n && (e = quoted(s, n, i + 1)) != 0) {
				a->agent = i + 2;
				a->agent_end = e - 1;
			}
		}
	}
	return true;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct access a;
	if (n < 30 || !scan(s, n, &a) || st_civil_resolve(tc, a.c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)(a.req - 1);
	d->level = (uint8_t)st_level_from_http(a.code);
	d->kind = ST_KIND_LOG;
	return 0;
}

/* A field unless it is "-" (the formats' mark for nothing). */
static void
add(struct st_fields *out, const char *key, size_t klen, const char *s, size_t a, size_t b)
{
	if (b > a && !(b == a + 1 && s[a] == '-'))
		st_fields_add(out, key, klen, s + a, b - a);
}

#define ADD(out, key, s, a, b) add((out), (key), sizeof(key) - 1, (s), (a), (b))

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct access a;
	if (!scan(s, n, &a))
		return;
	ADD(out, "vhost", s, a.vhost, a.vhost_end);
	ADD(out, "client", s, a.client, a.client_end);
	ADD(out, "ident", s, a.ident, a.ident_end);
	ADD(out, "user", s, a.user, a.user_end);
	/* "METHOD PATH PROTOCOL"; anything else stays whole as the request */
	size_t m = token(s, a.req_end, a.req);
	size_t p = m < a.req_end ? token(s, a.req_end, m + 1) : m;
	if (m < a.req_end && p < a.req_end && token(s, a.req_end, p + 1) == a.req_end) {
		ADD(out, "method", s, a.req, m);
		ADD(out, "path", s, m + 1, p);
		ADD(out, "protocol", s, p + 1, a.req_end);
	} else {
		ADD(out, "request", s, a.req, a.req_end);
	}
	ADD(out, "status", s, a.status, a.status + 3);
	ADD(out, "bytes", s, a.bytes, a.bytes_end);
	ADD(out, "referer", s, a.ref, a.ref_end);
	ADD(out, "agent", s, a.agent, a.agent_end);
}

static const char *const samples[] = {
	"10.1.2.3 - frank [22/Jan/2019:03:56:14 +0330] \"GET /api/x?y=1 HTTP/1.1\" 200 2326",
	"192.0.2.10 - - [05/Mar/2024:17:02:11 +0000] \"POST /login HTTP/2.0\" 302 0 \"https://shop.example/\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
	"203.0.113.7 - - [31/Dec/2023:23:59:59 -0800] \"GET /missing HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\"",
	"www.example.org:443 198.51.100.4 - - [01/Feb/2024:08:00:00 +0100] \"GET / HTTP/1.1\" 503 99 \"-\" \"probe\"",
	NULL,
};

static const char *const rejects[] = {
	"10.1.2.3 - - 22/Jan/2019:03:56:14 +0330 \"GET / HTTP/1.1\" 200 1",
	"10.1.2.3 - - [22/Foo/2019:03:56:14 +0330] \"GET / HTTP/1.1\" 200 1",
	"10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] GET / HTTP/1.1 200 1",
	"10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] \"GET / HTTP/1.1\" OK 1",
	"[22/Jan/2019:03:56:14 +0330] \"GET / HTTP/1.1\" 200 1 no client in front",
	NULL,
};

const struct st_format st_format_access = {
	.name = "access",
	.title = "web access logs, Common/Combined Log Format (Apache, nginx)",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
