/*
 * journal_export.c: the systemd journal export format (journalctl -o
 * export, systemd-journal-remote's input): one entry is a block of
 * KEY=VALUE lines ended by a blank line.
 *
 *   __CURSOR=s=4f1c...;i=ce4d7;b=39d6...;m=275144d4;t=63f042ebb410b;x=2e90
 *   __REALTIME_TIMESTAMP=1758137056706827
 *   PRIORITY=6
 *   _HOSTNAME=build-7
 *   SYSLOG_IDENTIFIER=backup
 *   MESSAGE=snapshot done
 *   <blank line>
 *
 * This is a block format (st_format.block): locked onto it, the ingest
 * hands parse() a whole entry. The time is __REALTIME_TIMESTAMP
 * (microseconds since the epoch), or else the t= part of __CURSOR, which
 * holds the same number in hex. The level is PRIORITY. For detection,
 * which sees single lines, a lone __REALTIME_TIMESTAMP= or __CURSOR= line
 * reads as a record; any other lone line does not.
 *
 * A field whose value is not text is written as its name alone on a
 * line, then its length as 64 bits little-endian, the bytes, and '\n'.
 * parse() steps over such fields by their length and gives no field for
 * them; the ingest splits blocks the same way (see src/ingest.c).
 */
#include <string.h>

#include "common.h"

struct field {
	size_t key, klen, val, vlen;
	bool binary;
};

static bool
key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

/* The field at s[i]; returns the index after it (its '\n' included), or 0
 * when s[i..] is not a field. A binary field cut by the end of the block
 * runs to the end. */
static size_t
next_field(const char *s, size_t n, size_t i, struct field *f)
{
	size_t k = i;
	while (k < n && key_char(s[k]))
		k++;
	if (k == i || k - i > 64 || k >= n || is_digit(s[i]))
		return 0;
	f->key = i;
	f->klen = k - i;
	if (s[k] == '=') {
		f->binary = false;
		f->val = k + 1;
		const char *nl = memchr(s + f->val, '\n', n - f->val);
		size_t e = nl ? (size_t)(nl - s) : n;
		f->vlen = e - f->val;
		if (f->vlen > 0 && s[e - 1] == '\r')
			f->vlen--;
		return nl ? e + 1 : n;
	}
	if (s[k] != '\n')
		return 0;
	/* KEY \n uint64-le length, data, \n */
	f->binary = true;
	f->val = k + 9;
	f->vlen = 0;
	if (f->val > n)
		return n;
	uint64_t len = 0;
	for (int b = 7; b >= 0; b--)
		len = len << 8 | (unsigned char)s[k + 1 + b];
	f->vlen = len < n - f->val ? (size_t)len : n - f->val;
	size_t e = f->val + f->vlen;
	if (e < n && s[e] != '\n') {
		/* malformed: go on from the next newline, as the ingest does */
		const char *nl = memchr(s + e, '\n', n - e);
		e = nl ? (size_t)(nl - s) : n;
	}
	return e < n ? e + 1 : n;
}

static bool
key_is(const char *s, const struct field *f, const char *want, size_t wl)
{
	return f->klen == wl && memcmp(s + f->key, want, wl) == 0;
}

#define KEY_IS(s, f, want) key_is((s), (f), (want), sizeof(want) - 1)

/* Decimal microseconds (realtime) or the hex t= of a cursor. */
static bool
realtime(const char *s, size_t n, int64_t *us)
{
	if (n == 0 || n > 18)
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*us = x;
	return true;
}

static bool
cursor_time(const char *s, size_t n, int64_t *us)
{
	for (size_t i = 0; i + 2 < n; i++) {
		if ((i == 0 || s[i - 1] == ';') && s[i] == 't' && s[i + 1] == '=') {
			int64_t x = 0;
			size_t j = i + 2, d = 0;
			for (; j < n && s[j] != ';' && d < 15; j++, d++) {
				char c = s[j];
				int v = is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
				if (v < 0)
					return false;
				x = x * 16 + v;
			}
			if (d == 0 || (j < n && s[j] != ';'))
				return false;
			*us = x;
			return true;
		}
	}
	return false;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	(void)tc;
	int64_t t_real = -1, t_cursor = -1;
	int prio = -1;
	size_t body = 0;
	struct field f;
	for (size_t i = 0; i < n;) {
		size_t next = next_field(s, n, i, &f);
		if (next == 0)
			return ST_ENOMATCH;
		if (!f.binary) {
			int64_t us;
			if (KEY_IS(s, &f, "__REALTIME_TIMESTAMP") && realtime(s + f.val, f.vlen, &us))
				t_real = us;
			else if (KEY_IS(s, &f, "__CURSOR") && cursor_time(s + f.val, f.vlen, &us))
				t_cursor = us;
			else if (KEY_IS(s, &f, "PRIORITY") && f.vlen == 1 && is_digit(s[f.val]))
				prio = s[f.val] - '0';
			else if (KEY_IS(s, &f, "MESSAGE"))
				body = f.val;
		}
		i = next;
	}
	int64_t t = t_real >= 0 ? t_real : t_cursor;
	if (t < 315532800LL * ST_USEC) /* none, or a boot-relative count */
		return ST_ENOMATCH;
	d->ts = t;
	d->level = prio >= 0 ? (uint8_t)st_level_from_syslog(prio) : ST_LVL_NONE;
	d->body = (uint32_t)body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	static const struct {
		const char *jkey, *key;
	} map[] = {
		{"_HOSTNAME", "host"},    {"SYSLOG_IDENTIFIER", "program"}, {"_PID", "pid"},
		{"_SYSTEMD_UNIT", "unit"}, {"PRIORITY", "priority"},        {"MESSAGE", "message"},
	};
	size_t at[sizeof(map) / sizeof(map[0])], len[sizeof(map) / sizeof(map[0])];
	memset(len, 0, sizeof(len));
	size_t comm = 0, comm_len = 0;
	struct field f;
	for (size_t i = 0; i < n;) {
		size_t next = next_field(s, n, i, &f);
		if (next == 0)
			break;
		if (!f.binary) {
			for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
				if (key_is(s, &f, map[m].jkey, strlen(map[m].jkey))) {
					at[m] = f.val;
					len[m] = f.vlen;
				}
			}
			if (KEY_IS(s, &f, "_COMM")) {
				comm = f.val;
				comm_len = f.vlen;
			}
		}
		i = next;
	}
	if (len[1] == 0 && comm_len > 0) {
		at[1] = comm;
		len[1] = comm_len;
	}
	for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++)
		if (len[m] > 0)
			st_fields_add(out, map[m].key, strlen(map[m].key), s + at[m], len[m]);
}

static const char *const samples[] = {
	"__CURSOR=s=a1b2c3;i=10f;b=d4e5f6;m=1c9c380;t=6021cb1f40000;x=77",
	"__REALTIME_TIMESTAMP=1700000000123456",
	"__CURSOR=s=a1b2c3;i=110;b=d4e5f6;m=1c9c381;t=6021cb1f40001;x=78\n"
	"__REALTIME_TIMESTAMP=1700000000123457\n"
	"PRIORITY=3\n"
	"_HOSTNAME=build-7\n"
	"SYSLOG_IDENTIFIER=backup\n"
	"_PID=4242\n"
	"MESSAGE=snapshot failed: disk full",
	NULL,
};

static const char *const rejects[] = {
	"MESSAGE=a lone field names no time",
	"__REALTIME_TIMESTAMP=soon",
	"__REALTIME_TIMESTAMP=659637460",
	"__CURSOR=s=a1b2c3;i=10f;b=d4e5f6;m=1c9c380;x=77",
	"message=lower-case keys are not the journal's\n__REALTIME_TIMESTAMP=1700000000123456",
	"time=2024-01-01T00:00:00Z level=info",
	NULL,
};

const struct st_format st_format_journal_export = {
	.name = "journal-export",
	.title = "systemd journal export format, journalctl -o export (blocks of KEY=VALUE lines)",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
	.block = 1,
};
