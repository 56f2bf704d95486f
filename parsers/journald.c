/*
 * journald.c: the systemd journal as `journalctl -o json` writes it, one
 * JSON object per line.
 *
 *   {"__CURSOR":"s=...","__REALTIME_TIMESTAMP":"1534860261221373",
 *    "PRIORITY":"3","_HOSTNAME":"web-1","SYSLOG_IDENTIFIER":"sshd",
 *    "_PID":"812","MESSAGE":"error: kex_exchange_identification: ..."}
 *
 * The time is __REALTIME_TIMESTAMP, microseconds since the epoch as a
 * string (or a number). The level is PRIORITY, a syslog severity. It sits
 * before json in the registry: json would not read these lines at all
 * (no time key it knows), and this way the levels and fields are the
 * journal's. -o short and -o short-iso are syslog and iso8601 lines;
 * -o export is journal_export.c.
 */
#include "common.h"

/* Decimal digits, all of them, into *v; false when s is not only that. */
static bool
all_digits(const char *s, size_t n, int64_t *v)
{
	if (n == 0 || n > 18)
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	(void)tc;
	size_t i = skip_spaces(s, n, 0);
	if (i >= n || s[i] != '{')
		return ST_ENOMATCH;
	size_t vl;
	bool str;
	const char *v = st_json_top_value(s, n, "__REALTIME_TIMESTAMP", &vl, &str);
	int64_t us;
	if (v == NULL || !all_digits(v, vl, &us) || us < 315532800LL * ST_USEC)
		return ST_ENOMATCH;
	d->ts = us;
	d->level = ST_LVL_NONE;
	v = st_json_top_value(s, n, "PRIORITY", &vl, &str);
	if (v != NULL && vl == 1 && is_digit(v[0]))
		d->level = (uint8_t)st_level_from_syslog(v[0] - '0');
	d->body = 0;
	d->kind = ST_KIND_LOG;
	return 0;
}

/* The field key=value of JSON key `jkey`, as a raw JSON token. */
static void
add(struct st_fields *out, const char *s, size_t n, const char *jkey, const char *key)
{
	size_t vl;
	bool str;
	const char *v = st_json_top_value(s, n, jkey, &vl, &str);
	if (v == NULL)
		return;
	size_t kl = 0;
	while (key[kl])
		kl++;
	if (str)
		st_fields_add_json(out, key, kl, v - 1, vl + 2);
	else
		st_fields_add_json(out, key, kl, v, vl);
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	add(out, s, n, "_HOSTNAME", "host");
	size_t before = out->n;
	add(out, s, n, "SYSLOG_IDENTIFIER", "program");
	if (out->n == before)
		add(out, s, n, "_COMM", "program");
	add(out, s, n, "_PID", "pid");
	add(out, s, n, "_SYSTEMD_UNIT", "unit");
	add(out, s, n, "PRIORITY", "priority");
	add(out, s, n, "MESSAGE", "message");
}

static const char *const samples[] = {
	"{\"__CURSOR\":\"s=1f2e;i=1a2b;b=77aa;m=24ea327;t=5f1d2b9a0c1e0;x=1\",\"__REALTIME_TIMESTAMP\":\"1700000000123456\",\"PRIORITY\":\"3\",\"_HOSTNAME\":\"web-1\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"812\",\"MESSAGE\":\"error: connection reset\"}",
	"{ \"__REALTIME_TIMESTAMP\" : \"1534860261221373\", \"PRIORITY\" : \"6\", \"_COMM\" : \"systemd\", \"MESSAGE\" : \"Started Session 4.\" }",
	"{\"__REALTIME_TIMESTAMP\":1700000000000001,\"MESSAGE\":[104,105]}",
	NULL,
};

static const char *const rejects[] = {
	"{\"__MONOTONIC_TIMESTAMP\":\"38708007\",\"MESSAGE\":\"no realtime stamp\"}",
	"{\"__REALTIME_TIMESTAMP\":\"soon\",\"MESSAGE\":\"not digits\"}",
	"{\"__REALTIME_TIMESTAMP\":\"38708007\",\"MESSAGE\":\"1970: a boot-relative count\"}",
	"__REALTIME_TIMESTAMP=1700000000123456",
	NULL,
};

const struct st_format st_format_journald = {
	.name = "journald",
	.title = "systemd journal, journalctl -o json",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
