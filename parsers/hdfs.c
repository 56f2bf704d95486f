/*
 * hdfs.c: the Hadoop 0.x HDFS daemon log (log4j "%d{yyMMdd HHmmss} ...").
 *
 *   081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating
 *   YYMMDD HHMMSS pid LEVEL logger: message
 *
 * The year is 20YY; no zone. The level is the level word. All five parts
 * must be there (the level a known level word, the logger ending in ':'),
 * since six digits and a blank open many other lines.
 */
#include "common.h"

struct pos {
	size_t pid, pid_end, level, level_end, logger, logger_end, body;
};

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	if (n < 20 || s[6] != ' ' || s[13] != ' ')
		return ST_ENOMATCH;
	*c = (struct st_civil){0};
	if (st_digits(s, 2, 2, 2, &c->year) != 2 || st_digits(s + 2, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + 4, 2, 2, 2, &c->day) != 2 || st_digits(s + 7, 2, 2, 2, &c->hour) != 2 ||
	    st_digits(s + 9, 2, 2, 2, &c->min) != 2 || st_digits(s + 11, 2, 2, 2, &c->sec) != 2)
		return ST_ENOMATCH;
	c->year += 2000;
	size_t i = p->pid = 14;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == p->pid || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->pid_end = i;
	i = p->level = skip_spaces(s, n, i);
	while (i < n && is_alpha(s[i]))
		i++;
	p->level_end = i;
	if (i >= n || s[i] != ' ' || st_level_from_word(s + p->level, i - p->level) == ST_LVL_NONE)
		return ST_ENOMATCH;
	i = p->logger = skip_spaces(s, n, i);
	while (i < n && s[i] != ' ' && s[i] != ':')
		i++;
	if (i == p->logger || i >= n || s[i] != ':' || (i + 1 < n && s[i + 1] != ' '))
		return ST_ENOMATCH;
	p->logger_end = i;
	p->body = skip_spaces(s, n, i + 1);
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
	ST_FIELD(out, "pid", s + p.pid, p.pid_end - p.pid);
	ST_FIELD(out, "logger", s + p.logger, p.logger_end - p.logger);
}

static const char *const samples[] = {
	"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3886 terminating",
	"081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated",
	"081110 101524 13709 WARN dfs.DataNode$DataXceiver: 10.250.14.38:50010:Got exception while serving blk_-61",
	"081111 000000 7 ERROR dfs.DataNode:",
	NULL,
};

static const char *const rejects[] = {
	"081109 203615 148 dfs.DataNode$PacketResponder: no level",
	"081109 203615 148 INFO no logger colon",
	"081309 203615 148 INFO dfs.DataNode: month 13",
	"134681 node-246 unix.hw state_change.unavailable 1077804742 1 an HPC line",
	NULL,
};

const struct st_format st_format_hdfs = {
	.name = "hdfs",
	.title = "Hadoop HDFS daemon log \"081109 203615 148 INFO dfs.DataNode: msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
