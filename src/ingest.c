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
 * once per ST_REPROBE_MISSES lines. User formats (format files) may open
 * with anything, so when there are any, every miss also tries them (an
 * anchored pattern that fails on its first bytes: cheap).
 *
 * Block records: a source detected as a block format (st_format.block,
 * the journal export format) is split into blocks of lines ended by a
 * blank line, each parsed once as a whole and stored as one event whose
 * text is the block. A line holding a field name alone ([A-Z0-9_], no
 * '=') is the export format's binary field: after its '\n' come a 64-bit
 * little-endian length and that many bytes, which are stepped over, so
 * newlines and blank lines inside them do not split the block. Only the
 * dropped tail of a block cut at ST_LINE_MAX is skipped naively, up to
 * the next "\n\n". Reprobing and the alternative format never switch a
 * source into block mode: only detection does.
 *
 * JSON documents: a source whose first bytes open pretty-printed JSON
 * (json_sniff: '[' then '{', or a '{' whose value goes on past its first
 * line, or a List on one line) is framed by values with jsonscan.c, not
 * by lines. Between top-level values, '{' opens a record, or a List
 * ("items" first, or after only apiVersion, kind and metadata: kubectl
 * get -o json) whose items are the records; '[' opens an array of
 * records; another line is read as a line. Only the value being framed
 * is held, never the document: a 2 GB List goes item by item. A value is
 * framed by a cursor over the bytes at hand from its first byte; one the
 * bytes end in is framed again from its start with the next bytes (a few
 * KiB per Kubernetes event: framing twice is cheaper than keeping a
 * parser's state across reads). Its text, without the whitespace between
 * tokens (jq -c's layout), is parsed by the locked format (json, or
 * whichever reads it: journalctl -o json-pretty is journald's) and stored
 * as one event at the line of its first byte; the lines it spans after
 * that count as continuation lines, the document's wrapping as blank
 * ones. A value over ST_LINE_MAX is cut and the rest of it skipped
 * byte by byte (strings and nesting only); one the source ends inside is
 * kept cut; text that is not JSON ends the framing: the rest is read as
 * lines. Each of these is said on standard error.
 */
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "strata/context.h"
#include "strata/format.h"
#include "strata/ingest.h"
#include "strata/util.h"

void
st_ingest_init(struct st_ingest *ig, struct st_store *st, unsigned src, const struct st_tz *tz,
               st_time ref)
{
	memset(ig, 0, sizeof(*ig));
	ig->store = st;
	ig->src = src;
	st_timectx_init(&ig->tc, tz, ref);
	ig->anchor = ST_TIME_NONE;
	ig->tc.anchor = &ig->anchor;
	ig->learned_off = ST_OFF_NONE;
	ig->tc.learned_off = &ig->learned_off;
	ig->format = -1;
	ig->alt = -1;
	ig->stats.first = ST_TIME_NONE;
	ig->stats.last = ST_TIME_NONE;
	ig->arrival = ST_TIME_NONE;
	ig->context = -1;
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

void
st_ingest_lock(struct st_ingest *ig, int f)
{
	ig->format = f;
	ig->fmt = st_format_get((size_t)f);
	ig->block = ig->fmt->block;
	ig->alt = -1;
	ig->probed = true;
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
	ig->fmt = st_format_get((size_t)f);
	ig->block = ig->fmt->block;
	if (ig->alt >= 0 && st_format_get((size_t)ig->alt)->block)
		ig->alt = -1;
}

/* Try every format on one line; switch to the first that reads it. */
static bool
reprobe(struct st_ingest *ig, const char *line, size_t n, struct st_draft *d)
{
	for (size_t f = 0; f < st_format_count(); f++) {
		if ((int)f == ig->format || st_format_get(f)->block)
			continue;
		if (st_format_parse(st_format_get(f), &ig->tc, line, n, d) == 0) {
			switch_to(ig, (int)f);
			return true;
		}
	}
	return false;
}

/* Try the user formats (the first in the registry) on a line that does
 * not look like a record; switch to the first that reads it. */
static bool
reprobe_user(struct st_ingest *ig, const char *line, size_t n, struct st_draft *d)
{
	for (size_t f = 0; f < st_format_count() && st_format_get(f)->parse_user != NULL; f++) {
		if ((int)f != ig->format && st_format_parse(st_format_get(f), &ig->tc, line, n, d) == 0) {
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
	bool parsed = ig->fmt != NULL && st_format_parse(ig->fmt, &ig->tc, line, n, &d) == 0;
	if (parsed) {
		ig->misses = 0;
	} else if (ig->alt >= 0 &&
	           st_format_parse(st_format_get((size_t)ig->alt), &ig->tc, line, n, &d) == 0) {
		/* a file that interleaves two formats: one parse, no search */
		switch_to(ig, ig->alt);
		parsed = true;
	} else if (++ig->misses >= ST_REPROBE_MISSES || looks_like_record(line, n)) {
		ig->misses = 0;
		parsed = reprobe(ig, line, n, &d);
	} else if (reprobe_user(ig, line, n, &d)) {
		ig->misses = 0;
		parsed = true;
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
		d.ts = ig->arrival; /* ST_TIME_NONE but for a command's output */
		d.level = ST_LVL_NONE;
		d.kind = ST_KIND_LOG;
		d.body = 0;
	}
	add_event(ig, &d, line, n, flags);
	ig->in_record = parsed;
	ig->blanks = 0;
}

#define PROBE_LINE_MAX (16u << 10) /* longer lines are not used to detect */

enum { SNIFF_NO, SNIFF_YES, SNIFF_MORE };
#define LEARN_LINES 4096           /* lines searched for a first UTC offset */

static int json_sniff(const char *data, size_t len, bool eof);
static void json_begin(struct st_ingest *ig);

/* Decide the format from the first lines of data; false: need more. */
static bool
probe(struct st_ingest *ig, const char *data, size_t len, bool eof)
{
	switch (json_sniff(data, len, eof)) {
	case SNIFF_MORE:
		return false;
	case SNIFF_YES:
		json_begin(ig); /* JSON documents: framed by values */
		return true;
	default:
		break;
	}
	const char *lines[ST_PROBE_LINES] = {0};
	size_t lens[ST_PROBE_LINES] = {0};
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
	if (!eof && (n == 0 ? len <= ST_LINE_MAX : n < ST_PROBE_LINES && len < 64 * 1024 && !ig->live))
		return false;
	ig->format = st_format_detect2(&ig->tc, lines, lens, n, NULL, &ig->alt);
	if (!ig->live) {
		/* configuration, not a log: indexed as context (context.h) */
		const char *name = st_store_source_name(ig->store, ig->src);
		int d = st_context_detect(name, ig->format, lines, lens, n);
		if (d >= 0) {
			ig->context = st_context_open(st_store_context(ig->store), ig->src, name,
			                              (enum st_context_dialect)d);
			ig->format = ig->alt = -1;
			ig->probed = true;
			return true;
		}
	}
	/* The first offset the winner reads in the data at hand (up to
	 * LEARN_LINES lines) also dates the zoneless lines before it: a
	 * Terraform log opens with Go's log lines and says +0200 only later.
	 * Anchors are read again, in order. */
	ig->learned_off = ST_OFF_NONE;
	const struct st_format *f = ig->format >= 0 ? st_format_get((size_t)ig->format) : NULL;
	for (size_t p = 0, k = 0; f && p < len && k < LEARN_LINES && ig->learned_off == ST_OFF_NONE;
	     k++) {
		const char *nl = memchr(data + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - data) : len;
		struct st_draft d;
		st_format_parse(f, &ig->tc, data + p, ST_MIN(e - p, (size_t)PROBE_LINE_MAX), &d);
		p = e + 1;
	}
	ig->anchor = ST_TIME_NONE;
	ig->fmt = ig->format >= 0 ? st_format_get((size_t)ig->format) : NULL;
	ig->block = ig->fmt != NULL && ig->fmt->block;
	if (ig->alt >= 0 && st_format_get((size_t)ig->alt)->block)
		ig->alt = -1;
	/* Without a winner on a short sample (one cut line, say), look again
	 * at the next data rather than reading the source as untimed. */
	ig->probed = ig->format >= 0 || n >= ST_PROBE_LINES || eof;
	return true;
}

/* ---- JSON documents */

/*
 * Where the framer is, between values:
 *   J_TOP    between top-level values;
 *   J_ARRAY  in a top-level array, between its elements;
 *   J_ITEMS  in a List's "items", between its elements;
 *   J_TAIL   after the items: the rest of the List (kind, metadata) is
 *            skipped up to its '}'.
 */
enum jstate { J_TOP, J_ARRAY, J_ITEMS, J_TAIL };

#define J_BAD SIZE_MAX /* a framing step found text that is not JSON */

/* The compact text of the value being stored: at most ST_LINE_MAX bytes
 * of input make at most as many. The ingest runs on the loop's thread
 * only, so one buffer serves every source. */
static char jtext[ST_LINE_MAX];

static bool
js_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * At the members of an object just opened: true when "items" holding an
 * array comes first, or after only apiVersion, kind and metadata (a
 * Kubernetes List, or {"items":[...]}), the cursor then before the array.
 * A record that merely has items (after its time, say) is no List.
 */
static bool
list_items(struct st_js *j)
{
	struct st_js_span key;
	while (st_js_member(j, &key)) {
		if (st_js_eq(&key, "items"))
			return st_js_peek(j) == ST_JS_ARRAY;
		if (!st_js_eq(&key, "apiVersion") && !st_js_eq(&key, "kind") &&
		    !st_js_eq(&key, "metadata"))
			return false;
		if (!st_js_skip(j))
			return false;
	}
	return false;
}

/*
 * Do the first bytes of a source open a JSON document to frame by
 * values? '[' then '{' (or ']'); '{' opening a List; '{' whose value goes
 * on past its first line (and is JSON as far as that line goes). A first
 * line that holds a whole object is a JSON line: the line formats read it.
 */
static int
json_sniff(const char *data, size_t len, bool eof)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 BOM */
		i = 3;
	while (i < len && js_space(data[i]))
		i++;
	if (i == len)
		return SNIFF_NO; /* nothing yet: the probe waits, or there is nothing */
	if (data[i] == '[') {
		size_t k = i + 1;
		while (k < len && js_space(data[k]))
			k++;
		if (k == len)
			return eof || len > ST_LINE_MAX ? SNIFF_NO : SNIFF_MORE;
		return data[k] == '{' || data[k] == ']' ? SNIFF_YES : SNIFF_NO;
	}
	if (data[i] != '{')
		return SNIFF_NO;
	const char *nl = memchr(data + i, '\n', len - i);
	size_t end = nl ? (size_t)(nl - data) : len;
	struct st_js j;
	st_js_init(&j, data + i, end - i);
	if (st_js_object(&j) && list_items(&j))
		return SNIFF_YES;
	st_js_init(&j, data + i, end - i);
	if (st_js_skip(&j) || !st_js_ended(&j))
		return SNIFF_NO; /* a whole object on its line, or not JSON */
	if (nl != NULL)
		return SNIFF_YES;
	return eof || len - i > ST_LINE_MAX ? SNIFF_NO : SNIFF_MORE;
}

static void
json_begin(struct st_ingest *ig)
{
	memset(&ig->js, 0, sizeof(ig->js));
	ig->js.on = true;
	ig->js.state = J_TOP;
	ig->format = st_format_find("json");
	ig->fmt = ig->format >= 0 ? st_format_get((size_t)ig->format) : NULL;
	ig->alt = -1;
	ig->block = false;
	ig->anchor = ST_TIME_NONE;
	ig->probed = true;
}

/* The current line ends (its '\n' is taken): count it once, as an
 * event's first line, a line of a value (continuation) or neither
 * (blank: the document's wrapping). */
static void
json_line_end(struct st_ingest *ig)
{
	struct st_ingest_json *js = &ig->js;
	ig->lineno++;
	ig->stats.lines++;
	if (!js->line_event) {
		if (js->line_value)
			ig->stats.continuation++;
		else
			ig->stats.blank++;
	}
	js->line_event = js->line_value = js->line_open = false;
}

/* Take s[0..n), part of a value or not, counting its lines. In doc mode
 * ig->lineno counts the lines taken whole: the current one is the next. */
static void
json_take(struct st_ingest *ig, const char *s, size_t n, bool value)
{
	const char *p = s, *end = s + n, *nl;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl > p) {
			ig->js.line_open = true;
			ig->js.line_value |= value;
		}
		json_line_end(ig);
		p = nl + 1;
	}
	if (p < end) {
		ig->js.line_open = true;
		ig->js.line_value |= value;
	}
}

/* The value s[0..n) as one event on the current line (cut: the start of
 * a longer one). */
static void
json_event(struct st_ingest *ig, const char *s, size_t n, bool cut)
{
	size_t len = st_js_compact(s, n, jtext);
	struct st_draft d;
	bool parsed = ig->fmt != NULL && st_format_parse(ig->fmt, &ig->tc, jtext, len, &d) == 0;
	if (!parsed)
		parsed = reprobe(ig, jtext, len, &d); /* journald's, otel's, a user format's */
	if (!parsed) {
		d.ts = ig->arrival; /* ST_TIME_NONE but for a command's output */
		d.level = ST_LVL_NONE;
		d.kind = ST_KIND_LOG;
		d.body = 0;
	}
	st_store_append(ig->store, ig->src, ig->lineno + 1, &d,
	                ig->format < 0 ? 0xff : (unsigned)ig->format, cut ? ST_EV_TRUNCATED : 0,
	                jtext, len);
	ig->stats.events++;
	count_time(&ig->stats, d.ts);
	if (cut)
		ig->stats.truncated++;
	ig->js.line_event = true;
	ig->in_record = false;
	ig->blanks = 0;
}

/*
 * Say something about the JSON at data[at] on standard error, naming the
 * line (and the column when the line's start is at hand); data[pos] is on
 * the current line.
 */
static void
json_say(const struct st_ingest *ig, const char *data, size_t pos, size_t at, const char *what)
{
	size_t line = (size_t)ig->lineno + 1, col = 0;
	if (!ig->js.line_open)
		col = at - pos + 1;
	for (const char *q = data + pos; (q = memchr(q, '\n', (size_t)(data + at - q))) != NULL;
	     q++) {
		line++;
		col = (size_t)(data + at - q);
	}
	const char *name = st_store_source_name(ig->store, ig->src);
	if (col > 0)
		fprintf(stderr, "strata: %s: line %zu, column %zu: %s\n", name, line, col, what);
	else
		fprintf(stderr, "strata: %s: line %zu: %s\n", name, line, what);
}

static const char *
json_what(char c)
{
	return c == '{' ? "object" : c == '[' ? "array" : c == '"' ? "string" : "value";
}

/*
 * Drop the rest of a value cut at ST_LINE_MAX (js.skip), or of a List
 * after its items (J_TAIL), following strings and nesting byte by byte
 * (what is dropped is not checked). Returns the bytes taken; stops after
 * the byte that closes it.
 */
static size_t
json_skip(struct st_ingest *ig, const char *s, size_t n)
{
	struct st_ingest_json *js = &ig->js;
	size_t i = 0;
	bool done = false;
	while (i < n && !done) {
		char c = s[i++];
		if (js->str) {
			if (js->esc)
				js->esc = false;
			else if (c == '\\')
				js->esc = true;
			else if (c == '"') {
				js->str = false;
				done = js->depth == 0;
			}
		} else if (c == '"') {
			js->str = true;
		} else if (c == '{' || c == '[') {
			js->depth++;
		} else if ((c == '}' || c == ']') && js->depth > 0) {
			done = --js->depth == 0;
		}
	}
	json_take(ig, s, i, js->skip);
	if (done) {
		if (js->skip)
			js->skip = false;
		else
			js->state = J_TOP;
	}
	return i;
}

/*
 * The value at data[s], after wrapping data[pos..s) (whitespace, a ','),
 * which cursor j read whole up to j->p (ok) or failed on. Stores it as an
 * event, or cuts it, or waits for more. Returns the bytes taken from pos:
 * 0 to wait, J_BAD when the text is not JSON (nothing taken).
 */
static size_t
json_value(struct st_ingest *ig, const char *data, size_t len, size_t pos, size_t s,
           const struct st_js *j, bool ok, bool eof)
{
	char msg[160];
	size_t e = ok ? (size_t)(j->p - data) : len;
	if (!ok && !st_js_ended(j)) {
		snprintf(msg, sizeof(msg), "malformed JSON: %s; the rest is read as lines",
		         j->why);
		json_say(ig, data, pos, (size_t)(j->at - data), msg);
		return J_BAD;
	}
	if (!ok && !eof && len - pos <= ST_LINE_MAX)
		return 0; /* the value goes on in the next bytes */
	if (!ok && !eof && data[s] != '{' && data[s] != '[' && data[s] != '"') {
		json_say(ig, data, pos, s, "malformed JSON: a number over 1 MiB; the rest is read "
		                           "as lines");
		return J_BAD;
	}
	bool cut = e - s > ST_LINE_MAX;
	if (!ok && eof) {
		snprintf(msg, sizeof(msg), "the JSON text ends inside the %s that starts here: "
		         "it is kept, marked truncated", json_what(data[s]));
		json_say(ig, data, pos, s, msg);
		cut = true;
	} else if (cut && !ig->js.warned_cut) {
		snprintf(msg, sizeof(msg), "a JSON %s over 1 MiB: its first 1 MiB is kept, "
		         "marked truncated (said once per source)", json_what(data[s]));
		json_say(ig, data, pos, s, msg);
		ig->js.warned_cut = true;
	}
	json_take(ig, data + pos, s - pos, false);
	json_event(ig, data + s, ST_MIN(e - s, (size_t)ST_LINE_MAX), cut);
	if (ok || eof) {
		json_take(ig, data + s, e - s, true);
		if (!ok)
			ig->js.state = J_TOP; /* nothing follows */
		return e - pos;
	}
	/* cut before its end: drop the rest of it as it comes */
	ig->js.skip = true;
	ig->js.depth = 0;
	ig->js.str = ig->js.esc = false;
	size_t k = json_skip(ig, data + s, len - s);
	return s - pos + k;
}

/* A line between top-level values that opens no JSON value: a line as
 * any other source's. Returns the bytes taken, 0 to wait for its end. */
static size_t
json_text_line(struct st_ingest *ig, const char *s, size_t n, bool eof)
{
	const char *nl = memchr(s, '\n', n);
	size_t l = nl ? (size_t)(nl - s) : n;
	if (nl == NULL && !eof) {
		if (n <= ST_LINE_MAX)
			return 0;
		ig->skipping = true; /* its tail, up to its '\n' */
	}
	/* one_line counts the line (even one the last value ended on) */
	ig->js.line_event = ig->js.line_value = ig->js.line_open = false;
	one_line(ig, s, ST_MIN(l, (size_t)ST_LINE_MAX), l > ST_LINE_MAX);
	return nl && !ig->skipping ? l + 1 : n;
}

/* Between top-level values, at a byte that is not whitespace. */
static size_t
json_top(struct st_ingest *ig, const char *data, size_t len, size_t pos, bool eof)
{
	const char *s = data + pos;
	size_t n = len - pos;
	if (s[0] == '[') {
		size_t k = 1;
		while (k < n && js_space(s[k]))
			k++;
		if (k == n && !eof && n <= ST_LINE_MAX)
			return 0;
		if (k < n && (s[k] == '{' || s[k] == ']')) {
			json_take(ig, s, 1, false);
			ig->js.state = J_ARRAY;
			ig->js.first = true;
			return 1;
		}
	}
	if (s[0] != '{')
		return json_text_line(ig, s, n, eof);
	struct st_js j;
	st_js_init(&j, s, n);
	if (st_js_object(&j) && list_items(&j) && st_js_array(&j)) {
		size_t k = (size_t)(j.p - s);
		json_take(ig, s, k, false);
		ig->js.state = J_ITEMS;
		ig->js.first = true;
		return k;
	}
	st_js_init(&j, s, n);
	bool ok = st_js_skip(&j);
	return json_value(ig, data, len, pos, pos, &j, ok, eof);
}

/* In an array (J_ARRAY, J_ITEMS), at a byte that is not whitespace. */
static size_t
json_element(struct st_ingest *ig, const char *data, size_t len, size_t pos, bool eof)
{
	struct st_js j;
	st_js_init_inside(&j, data + pos, len - pos, ig->js.first);
	if (!st_js_element(&j)) {
		if (j.why != NULL)
			return json_value(ig, data, len, pos, pos, &j, false, eof);
		/* its ']' */
		size_t k = (size_t)(j.p - (data + pos));
		json_take(ig, data + pos, k, false);
		if (ig->js.state == J_ITEMS) {
			ig->js.state = J_TAIL; /* inside the List, its '}' to come */
			ig->js.depth = 1;
			ig->js.str = ig->js.esc = false;
		} else {
			ig->js.state = J_TOP;
		}
		return k;
	}
	if (st_js_peek(&j) == ST_JS_END && j.why == NULL) {
		/* a ',' the bytes end after: the element comes next */
		size_t k = (size_t)(j.p - (data + pos));
		json_take(ig, data + pos, k, false);
		ig->js.first = true;
		return k;
	}
	size_t s = (size_t)(j.p - data);
	bool ok = st_js_skip(&j);
	size_t k = json_value(ig, data, len, pos, s, &j, ok, eof);
	if (k != 0 && k != J_BAD)
		ig->js.first = false;
	return k;
}

/* Frame data[pos..len) by JSON values; returns the bytes used up to. */
static size_t
json_feed(struct st_ingest *ig, const char *data, size_t len, size_t pos, bool eof)
{
	struct st_ingest_json *js = &ig->js;
	while (pos < len) {
		if (js->skip || js->state == J_TAIL) {
			pos += json_skip(ig, data + pos, len - pos);
			continue;
		}
		size_t s = pos;
		if (ig->lineno == 0 && !js->line_open && len - s >= 3 &&
		    memcmp(data + s, "\xef\xbb\xbf", 3) == 0)
			s += 3; /* a UTF-8 BOM */
		while (s < len && js_space(data[s]))
			s++;
		json_take(ig, data + pos, s - pos, false);
		pos = s;
		if (pos == len)
			break;
		size_t k = js->state == J_TOP ? json_top(ig, data, len, pos, eof)
		                              : json_element(ig, data, len, pos, eof);
		if (k == J_BAD) {
			js->on = false; /* the rest is lines */
			ig->in_record = false;
			return pos;
		}
		if (k == 0)
			return pos;
		pos += k;
	}
	if (eof) {
		if (js->state == J_ARRAY || js->state == J_ITEMS)
			fprintf(stderr, "strata: %s: line %u: the JSON text ends inside an array: the "
			                "values before are kept\n", st_store_source_name(ig->store, ig->src),
			        (unsigned)(ig->lineno + js->line_open));
		if (js->line_open)
			json_line_end(ig);
	}
	return pos;
}

/* ---- block records */

/* A journal export binary field's name: [A-Z0-9_], not opening with a digit. */
static bool
binary_key(const char *s, size_t n)
{
	if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * The block at s (which does not open with a blank line): sets *end to
 * the length of its text (up to the '\n' before the blank line that ends
 * it) and *next to the start of that blank line. False when s[0..n)
 * does not hold the whole block.
 */
static bool
block_end(const char *s, size_t n, size_t *end, size_t *next)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		if (nl == NULL)
			return false;
		size_t e = (size_t)(nl - s), l = e - i;
		if (l == 0 || (l == 1 && s[i] == '\r')) {
			*end = i - 1;
			*next = i; /* the blank line is taken (and counted) on its own */
			return true;
		}
		if (binary_key(s + i, l)) {
			if (n - e - 1 < 8)
				return false;
			uint64_t blen = 0;
			for (int b = 7; b >= 0; b--)
				blen = blen << 8 | (unsigned char)s[e + 1 + b];
			if (blen >= n - e - 9)
				return false; /* not all its bytes (and the '\n' after) are here */
			e += 9 + (size_t)blen; /* the '\n' after the bytes, if well formed */
			if (s[e] != '\n') {
				/* malformed: go on from the next newline */
				nl = memchr(s + e, '\n', n - e);
				if (nl == NULL)
					return false;
				e = (size_t)(nl - s);
			}
		}
		i = e + 1;
	}
	return false;
}

static uint32_t
count_lines(const char *s, size_t n)
{
	uint32_t lines = 1;
	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))) != NULL; p++)
		lines++;
	return lines;
}

/* One block of n bytes (lines lines) as one event; false when the locked
 * format does not read it and a line format takes the source over (then
 * nothing is used). */
static bool
one_block(struct st_ingest *ig, const char *s, size_t n, uint32_t lines, bool truncated)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	struct st_draft d;
	if (st_format_parse(ig->fmt, &ig->tc, s, n, &d) != 0) {
		const char *nl = memchr(s, '\n', n);
		size_t first = nl ? (size_t)(nl - s) : n;
		if (first > 0 && s[first - 1] == '\r')
			first--;
		if (first > 0 && reprobe(ig, s, first, &d))
			return false;
		d.ts = ST_TIME_NONE;
		d.level = ST_LVL_NONE;
		d.kind = ST_KIND_LOG;
		d.body = 0;
	}
	ig->lineno++;
	ig->stats.lines += lines;
	if (truncated)
		ig->stats.truncated++;
	add_event(ig, &d, s, n, truncated ? ST_EV_TRUNCATED : 0);
	ig->lineno += lines - 1;
	ig->in_record = false;
	ig->blanks = 0;
	return true;
}

/*
 * Take the blank line or the block at the start of s. Returns the bytes
 * used: 0 when the block is not complete yet, or when the source just
 * left block mode (check ig->block).
 */
static size_t
take_block(struct st_ingest *ig, const char *s, size_t n, bool eof)
{
	if (s[0] == '\n' || (n >= 2 && s[0] == '\r' && s[1] == '\n')) {
		ig->lineno++;
		ig->stats.lines++;
		ig->stats.blank++;
		return s[0] == '\n' ? 1 : 2;
	}
	size_t end, next;
	if (block_end(s, n, &end, &next)) {
		if (end <= ST_LINE_MAX)
			return one_block(ig, s, end, count_lines(s, end), false) ? next : 0;
		return one_block(ig, s, ST_LINE_MAX, count_lines(s, end), true) ? next : 0;
	}
	if (eof) {
		end = s[n - 1] == '\n' ? n - 1 : n;
		if (end == 1 && s[0] == '\r') { /* a last blank line without its newline */
			ig->lineno++;
			ig->stats.lines++;
			ig->stats.blank++;
			return n;
		}
		bool cut = end > ST_LINE_MAX;
		if (cut)
			end = ST_LINE_MAX;
		return one_block(ig, s, end, count_lines(s, end), cut) ? n : 0;
	}
	if (n <= ST_LINE_MAX)
		return 0;
	if (!one_block(ig, s, ST_LINE_MAX, count_lines(s, ST_LINE_MAX), true))
		return 0;
	ig->skip_block = true;
	ig->skip_nl = s[n - 1] == '\n';
	return n;
}

/* Drop data up to the blank line that ends a cut block; returns the bytes
 * dropped (all of them while it is not found). */
static size_t
skip_block(struct st_ingest *ig, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && ig->skip_nl) {
			ig->skip_block = false;
			ig->lineno++;
			ig->stats.lines++;
			ig->stats.blank++;
			return i + 1;
		}
		ig->skip_nl = s[i] == '\n';
	}
	return n;
}

/* A context file's lines: to the context index (blank ones counted). */
static void
context_line(struct st_ingest *ig, const char *line, size_t n, bool truncated)
{
	ig->lineno++;
	ig->stats.lines++;
	if (truncated)
		ig->stats.truncated++;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n) {
		ig->stats.blank++;
		return;
	}
	ig->stats.context++;
	st_context_line(st_store_context(ig->store), ig->context, ig->lineno, line, n);
}

static size_t
context_feed(struct st_ingest *ig, const char *data, size_t len, size_t pos, bool eof)
{
	const char *nl;
	while (pos < len && (nl = memchr(data + pos, '\n', len - pos)) != NULL) {
		size_t n = (size_t)(nl - data) - pos;
		context_line(ig, data + pos, ST_MIN(n, (size_t)ST_LINE_MAX), n > ST_LINE_MAX);
		pos += n + 1;
	}
	size_t rest = len - pos;
	if (rest > ST_LINE_MAX || (eof && rest > 0)) {
		context_line(ig, data + pos, ST_MIN(rest, (size_t)ST_LINE_MAX), rest > ST_LINE_MAX);
		ig->skipping = !eof && rest > ST_LINE_MAX;
		return len;
	}
	return pos;
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
	if (ig->skip_block) {
		pos = skip_block(ig, data, len);
		if (ig->skip_block)
			return len;
	}
	if (!ig->probed && !probe(ig, data + pos, len - pos, eof))
		return pos;
	if (ig->context >= 0)
		return context_feed(ig, data, len, pos, eof);
	if (ig->js.on) {
		pos = json_feed(ig, data, len, pos, eof);
		if (ig->js.on)
			return pos;
		/* not JSON after all: the rest is read as lines */
	}
	while (pos < len) {
		if (ig->block) {
			size_t used = take_block(ig, data + pos, len - pos, eof);
			if (used == 0 && ig->block)
				return pos; /* an unfinished block: wait for more */
			pos += used;
			continue;
		}
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
