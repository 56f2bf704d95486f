/*
 * logfmt.c: key=value lines with a time key (logrus, Heroku, Go kit).
 *
 *   time="2024-09-12T14:38:18Z" level=warning msg="session store slow"
 *   ts=2024-01-01T00:00:00.123Z lvl=error caller=main.go:10 msg=boom
 *
 * A line is this format when it opens with key=value and one of the keys
 * time, ts, t, timestamp or @timestamp holds an RFC 3339 time or an
 * epoch number. Levels come from level, lvl or severity.
 */
#include <string.h>

#include "common.h"

static bool
key_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '@' || c == '-';
}

static bool
key_is(const char *k, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(k, want, n) == 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	size_t i = 0;
	bool have_time = false;
	int pairs = 0;
	d->level = ST_LVL_NONE;
	while (i < n) {
		i = skip_spaces(s, n, i);
		if (i >= n)
			break;
		size_t ks = i;
		while (i < n && key_char(s[i]))
			i++;
		size_t kl = i - ks;
		if (kl == 0 || i >= n || s[i] != '=') {
			if (pairs == 0)
				return ST_ENOMATCH;
			/* free text after pairs: skip the word */
			while (i < n && s[i] != ' ')
				i++;
			continue;
		}
		i++;
		size_t vs = i, vl;
		if (i < n && s[i] == '"') {
			vs = ++i;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\')
					i++;
				i++;
			}
			vl = (i < n ? i : n) - vs;
			i++;
		} else {
			while (i < n && s[i] != ' ')
				i++;
			vl = i - vs;
		}
		pairs++;
		const char *k = s + ks;
		if (!have_time && (key_is(k, kl, "time") || key_is(k, kl, "ts") || key_is(k, kl, "t") ||
		                   key_is(k, kl, "timestamp") || key_is(k, kl, "@timestamp"))) {
			if (st_parse_time_value(tc, s + vs, vl, &d->ts) == 0)
				have_time = true;
		} else if (d->level == ST_LVL_NONE &&
		           (key_is(k, kl, "level") || key_is(k, kl, "lvl") || key_is(k, kl, "severity"))) {
			d->level = (uint8_t)st_level_from_word(s + vs, vl);
		}
	}
	if (!have_time)
		return ST_ENOMATCH;
	d->body = 0;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	st_fields_logfmt(s, n, out);
}

static const char *const samples[] = {
	"time=\"2024-09-12T14:38:18Z\" level=warning msg=\"session store slow\" latency_ms=2340 endpoint=\"/api/checkout\"",
	"ts=2024-01-01T00:00:00.123Z lvl=error caller=main.go:10 msg=boom",
	"level=info t=1727746803 msg=\"epoch seconds\"",
	"time=\"2021-09-15T21:17:10.220731Z\" level=info msg=\"quoted \\\"escape\\\" inside\"",
	NULL,
};

static const char *const rejects[] = {
	"level=info msg=\"no time key\"",
	"time=\"yesterday\" level=info",
	"hello world time=2024-01-01T00:00:00Z",
	"{\"time\":\"2024-01-01T00:00:00Z\"}",
	NULL,
};

const struct st_format st_format_logfmt = {
	.name = "logfmt",
	.title = "logfmt key=value lines with time=, ts= or timestamp=",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
