/*
 * ingest.c: line splitting, format detection and record joining for one
 * source (see ingest.h).
 *
 * Hot path: memchr for the line end, one call to the locked format's
 * parse, one append to the store (a reference into a mapped file, or one
 * copy). A line the locked format does not read costs, in order: one parse
 * by the alternative format (the detection runner-up, or the format before
 * the last switch), so files interleaving two formats keep every time;
 * then, only if the line could open with a time (looks_like_record), one
 * parse by every format, which is where a file changes format. Other
 * misses (stack traces) are continuation lines and cost a full search
 * once per ST_REPROBE_MISSES lines.
 */
#include <string.h>

#include "strata/format.h"
#include "strata/ingest.h"

void
st_ingest_init(struct st_ingest *ig, struct st_store *st, unsigned src, const struct st_tz *tz,
               st_time ref)
{
	memset(ig, 0, sizeof(*ig));
	ig->store = st;
	ig->src = src;
	st_timectx_init(&ig->tc, tz, ref);
	ig->format = -1;
	ig->alt = -1;
	ig->stats.first = ST_TIME_NONE;
	ig->stats.last = ST_TIME_NONE;
}

static void
count_time(struct st_ingest_stats *s, st_time t)
{
	if (t == ST_TIME_NONE) {
		s->untimed++;
		return;
	}
	s->timed++;
	if (s->first == ST_TIME_NONE || t < s->first)
		s->first = t;
	if (s->last == ST_TIME_NONE || t > s->last)
		s->last = t;
}

static void
add_event(struct st_ingest *ig, const struct st_draft *d, const char *line, size_t n,
          unsigned flags)
{
	st_store_append(ig->store, ig->src, ig->lineno, d, ig->format < 0 ? 0xff : (unsigned)ig->format,
	                flags, line, n);
	ig->stats.events++;
	count_time(&ig->stats, d->ts);
}

/* Switch the source to format f (the old one becomes the alternative). */
static void
switch_to(struct st_ingest *ig, int f)
{
	if (ig->format >= 0) {
		ig->stats.reprobes++;
		ig->alt = ig->format;
	}
	ig->format = f;
	ig->parse = st_format_get((size_t)f)->parse;
}

/* Try every format on one line; switch to the first that reads it. */
static bool
reprobe(struct st_ingest *ig, const char *line, size_t n, struct st_draft *d)
{
	for (size_t f = 0; f < st_format_count(); f++) {
		if ((int)f == ig->format)
			continue;
		if (st_format_get(f)->parse(&ig->tc, line, n, d) == 0) {
			switch_to(ig, (int)f);
			return true;
		}
	}
	return false;
}

/*
 * Could this line open with a time (or a format's own prefix)? A digit,
 * '[', '{', '<', a month or weekday name, a klog letter and digit. Lines
 * of a stack trace (tab, "at", "Caused by", "...") say no, so they never
 * pay for trying every format.
 */
static bool
looks_like_record(const char *s, size_t n)
{
	if (n < 3)
		return false;
	char c = s[0];
	if ((c >= '0' && c <= '9') || c == '[' || c == '{' || c == '<')
		return true;
	if ((c == 'I' || c == 'W' || c == 'E' || c == 'F') && s[1] >= '0' && s[1] <= '9')
		return true;
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDecSunMonTueWedThuFriSat";
	for (size_t i = 0; i < sizeof(names) - 1; i += 3)
		if (s[0] == names[i] && s[1] == names[i + 1] && s[2] == names[i + 2])
			return true;
	return false;
}

static void
one_line(struct st_ingest *ig, const char *line, size_t n, bool truncated)
{
	ig->lineno++;
	ig->stats.lines++;
	if (truncated)
		ig->stats.truncated++;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n == 0) {
		ig->stats.blank++;
		ig->blanks++;
		return;
	}
	unsigned flags = truncated ? ST_EV_TRUNCATED : 0;
	struct st_draft d;
	bool parsed = ig->parse != NULL && ig->parse(&ig->tc, line, n, &d) == 0;
	if (parsed) {
		ig->misses = 0;
	} else if (ig->alt >= 0 && st_format_get((size_t)ig->alt)->parse(&ig->tc, line, n, &d) == 0) {
		/* a file that interleaves two formats: one parse, no search */
		switch_to(ig, ig->alt);
		parsed = true;
	} else if (++ig->misses >= ST_REPROBE_MISSES || looks_like_record(line, n)) {
		ig->misses = 0;
		parsed = reprobe(ig, line, n, &d);
	}
	if (!parsed) {
		if (ig->in_record) {
			/* blank lines inside a record belong to it (a mapped source's
			 * text holds them anyway; a copied one must add them) */
			for (; ig->blanks > 0; ig->blanks--)
				st_store_extend(ig->store, ig->src, line, 0);
			if (st_store_extend(ig->store, ig->src, line, n) > 0 && !truncated)
				ig->stats.truncated++;
			if (truncated)
				st_store_flag(ig->store, ig->src, ST_EV_TRUNCATED);
			ig->stats.continuation++;
			return;
		}
		d.ts = ST_TIME_NONE;
		d.level = ST_LVL_NONE;
		d.kind = ST_KIND_LOG;
		d.body = 0;
	}
	add_event(ig, &d, line, n, flags);
	ig->in_record = parsed;
	ig->blanks = 0;
}

#define PROBE_LINE_MAX (16u << 10) /* longer lines are not used to detect */

/* Decide the format from the first lines of data; false: need more. */
static bool
probe(struct st_ingest *ig, const char *data, size_t len, bool eof)
{
	const char *lines[ST_PROBE_LINES];
	size_t lens[ST_PROBE_LINES];
	size_t n = 0, pos = 0;
	while (n < ST_PROBE_LINES && pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		if (nl == NULL && !eof && end - pos <= ST_LINE_MAX)
			break; /* an unfinished line; an over-long one is used cut */
		size_t l = end - pos;
		if (l > 0 && data[pos + l - 1] == '\r')
			l--;
		if (l > 0) {
			/* a time is at the start: a long line's head is enough */
			lines[n] = data + pos;
			lens[n] = l < PROBE_LINE_MAX ? l : PROBE_LINE_MAX;
			n++;
		}
		pos = end + 1;
	}
	/* Decide on 64 lines, or 64 KiB of them; a source whose first line is
	 * longer than that waits until the line is cut (ST_LINE_MAX). */
	if (!eof && (n == 0 ? len <= ST_LINE_MAX : n < ST_PROBE_LINES && len < 64 * 1024))
		return false;
	ig->format = st_format_detect2(&ig->tc, lines, lens, n, NULL, &ig->alt);
	ig->parse = ig->format >= 0 ? st_format_get((size_t)ig->format)->parse : NULL;
	/* Without a winner on a short sample (one cut line, say), look again
	 * at the next data rather than reading the source as untimed. */
	ig->probed = ig->format >= 0 || n >= ST_PROBE_LINES || eof;
	return true;
}

size_t
st_ingest_feed(struct st_ingest *ig, const char *data, size_t len, bool eof)
{
	size_t pos = 0;
	if (ig->skipping) {
		const char *nl = memchr(data, '\n', len);
		if (nl == NULL)
			return len;
		ig->skipping = false;
		pos = (size_t)(nl - data) + 1;
	}
	if (!ig->probed && !probe(ig, data + pos, len - pos, eof))
		return pos;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		if (nl == NULL)
			break;
		size_t end = (size_t)(nl - data);
		size_t n = end - pos;
		bool cut = n > ST_LINE_MAX;
		one_line(ig, data + pos, cut ? ST_LINE_MAX : n, cut);
		pos = end + 1;
	}
	size_t rest = len - pos;
	if (rest > ST_LINE_MAX) {
		one_line(ig, data + pos, ST_LINE_MAX, true);
		ig->skipping = !eof;
		return len;
	}
	if (eof && rest > 0) {
		one_line(ig, data + pos, rest, false);
		return len;
	}
	return pos;
}
