/*
 * nginx_error.c: the nginx error log.
 *
 *   2025/03/09 02:00:13 [error] 31#31: *1 upstream timed out (110: Connection
 *       timed out) while reading response header from upstream, client:
 *       10.0.0.1, server: shop, request: "GET / HTTP/1.1", host: "shop"
 *   2025/03/09 02:00:10 [notice] 1#1: start worker processes
 *
 * "[level] PID#TID: " after the time is what tells it from other lines
 * with a slashed date (Go's log package, Terraform). The time has no zone
 * (--assume-tz). The level is the bracketed word (crit, alert and emerg
 * are fatal). Fields: pid, tid, connection (the *N request serial), and
 * the ", key: value" pairs nginx appends: client, server, request,
 * upstream, host, referrer.
 */
#include <string.h>

#include "common.h"

/* Offset of the message: after "PID#TID: " and "*N "; 0 when not that shape. */
static size_t
head(const char *s, size_t n, size_t *lvl, size_t *lvl_end, size_t *pid, size_t *tid,
     size_t *conn)
{
	if (n < 30 || s[4] != '/' || s[7] != '/' || s[10] != ' ' || s[19] != ' ' || s[20] != '[')
		return 0;
	size_t i = 21;
	*lvl = i;
	while (i < n && is_alpha(s[i]))
		i++;
	*lvl_end = i;
	if (i == *lvl || i + 2 >= n || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	i += 2;
	*pid = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == *pid || i >= n || s[i] != '#')
		return 0;
	*tid = ++i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == *tid || i >= n || s[i] != ':')
		return 0;
	i = skip_spaces(s, n, i + 1);
	*conn = 0;
	if (i + 1 < n && s[i] == '*' && is_digit(s[i + 1])) {
		*conn = i + 1;
		while (i + 1 < n && is_digit(s[i + 1]))
			i++;
		i = skip_spaces(s, n, i + 1);
	}
	return i;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t lvl, lvl_end, pid, tid, conn;
	size_t body = head(s, n, &lvl, &lvl_end, &pid, &tid, &conn);
	if (body == 0)
		return ST_ENOMATCH;
	struct st_civil c = {0};
	if (st_digits(s, 4, 4, 4, &c.year) != 4 || st_digits(s + 5, 2, 2, 2, &c.mon) != 2 ||
	    st_digits(s + 8, 2, 2, 2, &c.day) != 2 || st_parse_hms(s + 11, 8, &c) != 8 ||
	    st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	enum st_level l = st_level_from_word(s + lvl, lvl_end - lvl);
	if (l == ST_LVL_NONE)
		return ST_ENOMATCH;
	d->level = (uint8_t)l;
	d->body = (uint32_t)body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	size_t lvl, lvl_end, pid, tid, conn;
	if (head(s, n, &lvl, &lvl_end, &pid, &tid, &conn) == 0)
		return;
	ST_FIELD(out, "pid", s + pid, tid - 1 - pid);
	size_t e = tid;
	while (e < n && is_digit(s[e]))
		e++;
	ST_FIELD(out, "tid", s + tid, e - tid);
	if (conn) {
		for (e = conn; e < n && is_digit(s[e]);)
			e++;
		ST_FIELD(out, "connection", s + conn, e - conn);
	}
	/* ", client: 10.0.0.1, server: shop, request: "GET / HTTP/1.1"" */
	static const char *const keys[] = {"client", "server", "request", "upstream", "host",
	                                   "referrer", NULL};
	for (size_t i = d->body; i + 3 < n; i++) {
		if (s[i] != ',' || s[i + 1] != ' ')
			continue;
		size_t k = i + 2, ke = k;
		while (ke < n && is_alpha(s[ke]))
			ke++;
		if (ke + 2 > n || s[ke] != ':' || s[ke + 1] != ' ')
			continue;
		for (int j = 0; keys[j]; j++) {
			if (strlen(keys[j]) != ke - k || memcmp(keys[j], s + k, ke - k) != 0)
				continue;
			size_t v = ke + 2, ve = v;
			bool quoted = v < n && s[v] == '"';
			if (quoted) {
				for (ve = v + 1; ve < n && s[ve] != '"'; ve++)
					if (s[ve] == '\\')
						ve++;
				v++;
			} else {
				while (ve < n && s[ve] != ',')
					ve++;
			}
			st_fields_add(out, keys[j], ke - k, s + v, (ve < n ? ve : n) - v);
			i = quoted ? ve : ve - 1; /* the loop steps on to the ',' after */
			break;
		}
	}
}

static const char *const samples[] = {
	"2025/03/09 02:00:13 [error] 31#31: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: shop, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.9:8080/\", host: \"shop\"",
	"2025/03/09 02:00:10 [notice] 1#1: start worker processes",
	"2024/11/30 23:59:59 [crit] 7#7: *88 open() \"/var/www/x\" failed (13: Permission denied)",
	NULL,
};

static const char *const rejects[] = {
	"2021/07/03 16:29:00 [DEBUG] Go log with a level, no pid",
	"2025/03/09 02:00:13 [error] no pid#tid",
	"2025/03/09 02:00:13 [nonsense] 31#31: not a level",
	"2025/13/09 02:00:13 [error] 31#31: month 13",
	NULL,
};

const struct st_format st_format_nginx_error = {
	.name = "nginx-error",
	.title = "nginx error log \"2025/03/09 02:00:13 [error] 31#31: *1 msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
