/*
 * windows_cbs.c: the Windows servicing logs (CBS.log, DISM.log).
 *
 *   2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505
 *   2016-09-28 04:30:31, Error                 CSI    00000008 (F) STATUS_SXS_COMPONENT_STORE_CORRUPT
 *   time, level component message
 *
 * Local time without a zone (--assume-tz). The level is the word after
 * the comma (Info, Warning, Error; others such as Perf give none); the
 * component (CBS, CSI, DISM, ...) is one word in letters.
 */
#include "common.h"

struct pos {
	size_t level, level_end, comp, comp_end, body;
};

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	size_t i = st_parse_iso(s, n, c, false);
	if (i != 19 || i + 2 >= n || s[i] != ',' || s[i + 1] != ' ')
		return ST_ENOMATCH;
	i = p->level = i + 2;
	while (i < n && is_alpha(s[i]))
		i++;
	p->level_end = i;
	if (i == p->level || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	i = p->comp = skip_spaces(s, n, i);
	while (i < n && is_alpha(s[i]))
		i++;
	p->comp_end = i;
	if (i == p->comp || (i < n && s[i] != ' '))
		return ST_ENOMATCH;
	p->body = skip_spaces(s, n, i);
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = (uint8_t)st_level_from_word(s + p.level, p.level_end - p.level);
	d->body = (uint32_t)p.body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0)
		return;
	ST_FIELD(out, "component", s + p.comp, p.comp_end - p.comp);
}

static const char *const samples[] = {
	"2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\cbscore.dll",
	"2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called",
	"2016-09-29 02:03:40, Warning               CBS    Failed to get next element [HRESULT = 0x800f080d]",
	"2016-09-29 02:03:41, Error                 CSI    00000008 (F) STATUS_SXS_COMPONENT_STORE_CORRUPT",
	"2016-09-29 02:03:42, Info                  DISM   DISM Provider Store: PID=3120 TID=3660 Getting the collection of providers",
	NULL,
};

static const char *const rejects[] = {
	"2016-09-28 04:30:30 Info CBS no comma",
	"2016-09-28 04:30:30,123 INFO [main] org.example.Foo: a log4j line",
	"2016-09-28T04:30:30Z, Info CBS zone given",
	"2016-09-28 04:30:30, Info",
	NULL,
};

const struct st_format st_format_windows_cbs = {
	.name = "windows-cbs",
	.title = "Windows servicing log (CBS.log) \"2016-09-28 04:30:30, Info  CBS  msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
