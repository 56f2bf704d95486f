/*
 * hpc.c: the LANL HPC cluster event log (as the CFDR and Loghub publish
 * it).
 *
 *   134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: ...
 *   log-id node component state epoch flag message
 *
 * The time is the epoch seconds of the fifth field (UTC). Records are not
 * in time order: each keeps its own time. The level is the state when it
 * is a level word ("error"), else the first level word of the message.
 *
 * Lines that open with digits are common, so the shape is strict: a
 * numeric id, three words (component and state in [A-Za-z0-9._-],
 * starting with a letter), exactly ten epoch digits, a one-digit flag
 * (maybe negative), then the end of the line or a blank.
 */
#include "common.h"

struct pos {
	size_t node, node_end, comp, comp_end, state, state_end, epoch, body;
};

static bool
name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '-';
}

/* A component or state word at s[i]; returns its end or 0. */
static size_t
name_end(const char *s, size_t n, size_t i)
{
	if (i >= n || !is_alpha(s[i]))
		return 0;
	while (i < n && name_char(s[i]))
		i++;
	return i < n && s[i] == ' ' ? i : 0;
}

static int
scan(const char *s, size_t n, struct pos *p)
{
	size_t i = 0;
	while (i < n && i < 12 && is_digit(s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->node = ++i;
	while (i < n && i - p->node < 64 && s[i] != ' ')
		i++;
	if (i == p->node || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	p->node_end = i;
	p->comp = i + 1;
	if ((p->comp_end = name_end(s, n, p->comp)) == 0)
		return ST_ENOMATCH;
	p->state = p->comp_end + 1;
	if ((p->state_end = name_end(s, n, p->state)) == 0)
		return ST_ENOMATCH;
	i = p->epoch = p->state_end + 1;
	while (i < n && is_digit(s[i]))
		i++;
	if (i - p->epoch != 10 || s[p->epoch] == '0' || i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	i++;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return ST_ENOMATCH;
	i++;
	if (i < n && s[i] != ' ')
		return ST_ENOMATCH;
	p->body = skip_spaces(s, n, i);
	return 0;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	(void)tc;
	struct pos p;
	if (scan(s, n, &p) < 0)
		return ST_ENOMATCH;
	int64_t t = 0;
	for (size_t i = p.epoch; i < p.epoch + 10; i++)
		t = t * 10 + (s[i] - '0');
	d->ts = t * ST_USEC;
	enum st_level l = st_level_from_word(s + p.state, p.state_end - p.state);
	if (l == ST_LVL_NONE)
		l = st_level_scan(s + p.body, n - p.body);
	d->level = (uint8_t)l;
	d->body = (uint32_t)p.body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct pos p;
	if (scan(s, n, &p) < 0)
		return;
	ST_FIELD(out, "node", s + p.node, p.node_end - p.node);
	ST_FIELD(out, "component", s + p.comp, p.comp_end - p.comp);
	ST_FIELD(out, "state", s + p.state, p.state_end - p.state);
}

static const char *const samples[] = {
	"134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is unavailable",
	"2559971 gige7 gige temperature 1073151998 1 normal",
	"2286759 full partition status 1061219795 -1 running",
	"147394 Interconnect-0N00 switch_module temphigh 1129812510 1 Temperature (41C) exceeds warning threshold",
	"460112 node-70 node error 1085069532 1",
	NULL,
};

static const char *const rejects[] = {
	"081109 203615 148 INFO dfs.DataNode$PacketResponder: an HDFS line",
	"134681 node-246 unix.hw state_change.unavailable 107780474 1 nine-digit epoch",
	"134681 node-246 unix.hw state_change.unavailable 1077804742 12 two-digit flag",
	"134681 node-246 unix.hw 1077804742 1 a word missing",
	"134681 node-246 unix/hw state 1077804742 1 slash in the component",
	NULL,
};

const struct st_format st_format_hpc = {
	.name = "hpc",
	.title = "LANL HPC cluster events \"134681 node-246 unix.hw state 1077804742 1 msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
