/*
 * kubectl_prefix.c: `kubectl logs --prefix`, which opens every line with
 * the pod and container it came from.
 *
 *   [pod/web-7d4b9c-x2x9z/nginx] 2024-01-01T00:00:00.123456789Z GET / 200
 *   [pod/web-7d4b9c-x2x9z/app] E0101 00:00:01.000000  1 main.go:42] boom
 *   [pod/web-7d4b9c-x2x9z/app] a line of an app that writes no time
 *
 * With --timestamps the prefix is followed by an RFC 3339 time; without,
 * by the container's own line, which any other format may read
 * (st_parse_wrapped). A prefixed line with no time there is still a record
 * of that container, untimed, rather than a continuation of another
 * container's line. Fields: pod, container, then the inner line's.
 */
#include <string.h>

#include "common.h"

/* The end of "[pod/NAME/CONTAINER] " (the inner line's start), or 0. */
static size_t
prefix(const char *s, size_t n, size_t *slash)
{
	if (n < 9 || memcmp(s, "[pod/", 5) != 0)
		return 0;
	size_t i = 5;
	*slash = 0;
	for (; i < n && s[i] != ']'; i++) {
		char c = s[i];
		if (c == '/') {
			if (*slash)
				return 0;
			*slash = i;
		} else if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_')) {
			return 0;
		}
	}
	if (*slash == 0 || *slash == 5 || i == *slash + 1 || i + 1 >= n || s[i + 1] != ' ')
		return 0;
	return i + 2;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t slash, i = prefix(s, n, &slash);
	if (i == 0)
		return ST_ENOMATCH;
	st_parse_wrapped(tc, s, n, i, d);
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	size_t slash, i = prefix(s, n, &slash);
	if (i == 0)
		return;
	ST_FIELD(out, "pod", s + 5, slash - 5);
	ST_FIELD(out, "container", s + slash + 1, i - 2 - slash - 1);
	st_fields_inner(s + i, n - i, out);
}

static const char *const samples[] = {
	"[pod/web-7d4b9c-x2x9z/nginx] 2024-01-01T00:00:00.123456789Z 10.0.0.7 GET / 200",
	"[pod/web-7d4b9c-x2x9z/app] E0101 00:00:01.000000       1 main.go:42] connection refused",
	"[pod/api-0/api] {\"level\":\"warn\",\"ts\":\"2024-02-01T12:00:00Z\",\"msg\":\"slow query\"}",
	NULL,
};

static const char *const rejects[] = {
	"[deployment/web/nginx] 2024-01-01T00:00:00Z not a pod prefix",
	"[pod/web-7d4b9c] 2024-01-01T00:00:00Z no container",
	"[pod/web/nginx]2024-01-01T00:00:00Z no space",
	"[pod/a/b/c] 2024-01-01T00:00:00Z too many parts",
	NULL,
};

const struct st_format st_format_kubectl_prefix = {
	.name = "kubectl-prefix",
	.title = "kubectl logs --prefix \"[pod/NAME/CONTAINER] line\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
	.wraps = 1,
};
