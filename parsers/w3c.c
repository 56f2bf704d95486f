/*
 * w3c.c: the W3C Extended Log File Format (IIS, HTTP.sys, some CDNs).
 *
 *   #Software: Microsoft Internet Information Services 10.0
 *   #Version: 1.0
 *   #Date: 2024-01-01 00:00:00
 *   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip ...
 *   2024-01-01 00:00:03 10.0.0.5 GET /index.html - 443 203.0.113.9 ... 200 0 0 15
 *
 * Entries open with the date and time columns, in UTC (the format says
 * so: --assume-tz does not apply). The #Date directive is read as a
 * record at its time; the other directives are not read, so they go with
 * the record before them (or stand alone, untimed, at the top). It comes
 * after iso8601 in the registry, which reads entries too: a source is w3c
 * only when its #Date line tips the count, so ordinary "date time text"
 * logs stay iso8601 and keep their zone. Columns are named by #Fields,
 * which a line on its own does not know: the fields are the request's
 * method and path, found by their shape.
 */
#include <string.h>

#include "common.h"

/* "YYYY-MM-DD HH:MM:SS[.fff]" at s, then a blank or the end: bytes used */
static size_t
stamp(const char *s, size_t n, struct st_civil *c)
{
	memset(c, 0, sizeof(*c));
	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ')
		return 0;
	if (st_digits(s, 4, 4, 4, &c->year) != 4 || st_digits(s + 5, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 8, 2, 2, 2, &c->day) != 2)
		return 0;
	size_t k = st_parse_hms(s + 11, n - 11, c);
	if (k == 0 || (11 + k < n && s[11 + k] != ' '))
		return 0;
	c->has_off = true; /* UTC */
	c->off_sec = 0;
	return 11 + k;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	size_t i = 0, k;
	if (n > 7 && memcmp(s, "#Date:", 6) == 0) {
		i = skip_spaces(s, n, 6);
		if ((k = stamp(s + i, n - i, &c)) == 0)
			return ST_ENOMATCH;
	} else if ((k = stamp(s, n, &c)) == 0 || k + 2 > n) {
		return ST_ENOMATCH; /* an entry has columns after the time */
	}
	if (st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->body = (uint32_t)skip_spaces(s, n, i + k);
	d->level = ST_LVL_NONE;
	d->kind = ST_KIND_LOG;
	return 0;
}

static bool
is_method(const char *s, size_t n)
{
	static const char *const methods[] = {"GET",    "POST",  "PUT",     "DELETE",   "HEAD",
	                                      "OPTIONS", "PATCH", "CONNECT", "PROPFIND", "TRACE",
	                                      NULL};
	for (int i = 0; methods[i]; i++)
		if (strlen(methods[i]) == n && memcmp(methods[i], s, n) == 0)
			return true;
	return false;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	if (s[0] == '#')
		return;
	for (size_t i = d->body; i < n;) {
		size_t e = i;
		while (e < n && s[e] != ' ')
			e++;
		if (is_method(s + i, e - i) && e + 2 < n && s[e + 1] == '/') {
			ST_FIELD(out, "method", s + i, e - i);
			size_t p = e + 1, pe = p;
			while (pe < n && s[pe] != ' ')
				pe++;
			ST_FIELD(out, "path", s + p, pe - p);
			return;
		}
		i = e + 1;
	}
}

static const char *const samples[] = {
	"#Date: 2024-01-01 00:00:00",
	"2024-01-01 00:00:03 10.0.0.5 GET /index.html - 443 - 203.0.113.9 Mozilla/5.0 - 200 0 0 15",
	"2002-05-02 17:42:15 172.22.0.1 - 172.30.0.2 80 GET /images/picture.jpg - 200 Mozilla/4.0+(compatible)",
	"2024-01-01 00:00:04.250 10.0.0.5 POST /api/orders - 443",
	NULL,
};

static const char *const rejects[] = {
	"#Fields: date time s-ip cs-method cs-uri-stem",
	"#Software: Microsoft Internet Information Services 10.0",
	"2024-01-01T00:00:03 10.0.0.5 GET / a T, not a blank",
	"2024-01-01 00:00:03",
	"#Date: soon",
	NULL,
};

const struct st_format st_format_w3c = {
	.name = "w3c",
	.title = "W3C extended log format (IIS) \"#Fields: date time ...\" then \"2024-01-01 00:00:00 ...\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
