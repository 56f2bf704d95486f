/*
 * compose.c: `docker compose logs` (and `docker-compose logs`), which
 * opens every line with the container's name and a bar.
 *
 *   web-1    | 2024-04-25T05:32:35.018123456Z GET / 200      (--timestamps)
 *   redis-1  | 1:M 25 Apr 2024 05:32:35.019 * Server initialized
 *   web-1    |  * Running on http://127.0.0.1:5000
 *   shop_db_1  | LOG:  database system is ready             (compose v1)
 *
 * The name ends in the container's index (-1, _1) and is padded with
 * blanks before the bar. On a terminal compose colours the name and
 * erases the line first (ESC [2K): ANSI escapes around the prefix are
 * skipped. The rest is the container's own line, which any other format
 * may read (st_parse_wrapped); without a time there, the line is still a
 * record of its container, untimed, rather than a continuation of
 * another container's line. Fields: container, then the inner line's.
 */
#include "common.h"

/* Sets *name, *name_end; returns the inner line's start, or 0. */
static size_t
prefix(const char *s, size_t n, size_t *name, size_t *name_end)
{
	size_t i = st_skip_ansi(s, n, 0);
	*name = i;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '-' || s[i] == '_' ||
	                 s[i] == '.'))
		i++;
	*name_end = i;
	/* the index: "-1" or "_1" */
	size_t d = i;
	while (d > *name && is_digit(s[d - 1]))
		d--;
	if (d == i || d < *name + 2 || (s[d - 1] != '-' && s[d - 1] != '_'))
		return 0;
	if (i >= n || s[i] != ' ')
		return 0;
	i = skip_spaces(s, n, i);
	i = st_skip_ansi(s, n, i);
	if (i >= n || s[i] != '|')
		return 0;
	i = st_skip_ansi(s, n, i + 1);
	if (i < n && s[i] == ' ')
		i++;
	return st_skip_ansi(s, n, i);
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t name, name_end;
	size_t i = prefix(s, n, &name, &name_end);
	if (i == 0)
		return ST_ENOMATCH;
	st_parse_wrapped(tc, s, n, i, d);
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	size_t name, name_end;
	size_t i = prefix(s, n, &name, &name_end);
	if (i == 0)
		return;
	ST_FIELD(out, "container", s + name, name_end - name);
	st_fields_inner(s + i, n - i, out);
}

static const char *const samples[] = {
	"web-1    | 2024-04-25T05:32:35.018123456Z 172.18.0.1 - - GET / 200",
	"redis-1  | 1:M 25 Apr 2024 05:32:35.019 * Server initialized",
	"\x1b[2K\x1b[36mcache-2  |\x1b[0m 1:M 25 Apr 2024 05:40:01.100 # Can't save in background",
	"shop_db_1  | 2024-04-25 05:32:36.001 UTC [1] LOG:  database system is ready",
	NULL,
};

static const char *const rejects[] = {
	"web | 2024-04-25T05:32:35Z no index after the name",
	"web-1| 2024-04-25T05:32:35Z no blank before the bar",
	"[2024-04-25T05:32:35Z] web-1 | bracketed time first",
	"-1  | 2024-04-25T05:32:35Z no name",
	NULL,
};

const struct st_format st_format_compose = {
	.name = "compose",
	.title = "docker compose logs \"web-1  | line\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
	.wraps = 1,
};
