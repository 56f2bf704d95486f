/*
 * tai64n.c: lines stamped with a TAI64N label, as daemontools' multilog,
 * runit's svlogd -t and s6-log write them.
 *
 *   @4000000065a1b2c30a1b2c3d tcpserver: status: 1/40
 *
 * '@', 16 hex digits of seconds (2^62 + TAI seconds since 1970), 8 hex
 * digits of nanoseconds. The label 2^62 + 10 is 1970-01-01 00:00:00 UTC
 * (TAI was 10 s ahead then); later leap seconds are not applied, as
 * tai64nlocal without a leap-second table does. The level is the first
 * level word of the message. Field: program, when the message opens
 * with "name: ".
 */
#include "common.h"

static int
hexval(char c)
{
	if (is_digit(c))
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	(void)tc;
	if (n < 25 || s[0] != '@' || (n > 25 && s[25] != ' '))
		return ST_ENOMATCH;
	uint64_t sec = 0, ns = 0;
	for (int i = 1; i <= 24; i++) {
		int v = hexval(s[i]);
		if (v < 0)
			return ST_ENOMATCH;
		if (i <= 16)
			sec = sec << 4 | (uint64_t)v;
		else
			ns = ns << 4 | (uint64_t)v;
	}
	const uint64_t base = UINT64_C(1) << 62;
	/* 1980 .. 9999 (beyond, the label is not a time strata keeps) */
	if (sec < base + 10 + 315532800 || sec > base + 10 + 253402300799ULL || ns > 999999999)
		return ST_ENOMATCH;
	d->ts = (st_time)(sec - base - 10) * ST_USEC + (st_time)(ns / 1000);
	d->body = n > 26 ? 26 : (uint32_t)n;
	d->level = (uint8_t)st_level_scan(s + d->body, n - d->body);
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	size_t i = d->body, j = i;
	while (j < n && s[j] != ' ' && s[j] != ':')
		j++;
	if (j > i && j + 1 < n && s[j] == ':' && s[j + 1] == ' ')
		ST_FIELD(out, "program", s + i, j - i);
}

static const char *const samples[] = {
	"@4000000065a1b2c30a1b2c3d tcpserver: status: 1/40",
	"@400000006553f10a00000000 rblsmtpd: 192.0.2.4 pid 2616: 451 try again later",
	"@4000000065a1b2c43b9ac9ff WARNING low disk",
	NULL,
};

static const char *const rejects[] = {
	"@4000000065a1b2c30a1b2c3 one digit short",
	"@4000000065a1b2c30a1b2c3dx glued",
	"@0000000065a1b2c30a1b2c3d before the TAI64 base",
	"@4000000065a1b2c3ffffffff too many nanoseconds",
	"4000000065a1b2c30a1b2c3d no at sign",
	NULL,
};

const struct st_format st_format_tai64n = {
	.name = "tai64n",
	.title = "TAI64N-stamped lines (multilog, svlogd) \"@4000000065a1b2c30a1b2c3d msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
