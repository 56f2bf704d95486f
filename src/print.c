/*
 * print.c: `strata print`, the merged timeline as text or JSON lines.
 *
 * Text:  2024-12-08T05:59:58.000Z  events.log  INFO   text
 *        continuation lines follow, indented to the text column.
 * JSON:  {"ts":"2024-12-08T05:59:58.000000Z","source":"path as given",
 *         "line":2,"kind":"log","level":"info","format":"bracket","text":"...",
 *         "fields":{"tag":"k8s-deploy"}}
 *        ts, level and format are null when the event has none; fields are
 *        extracted again from the record's first line (see format.h).
 *
 * Events are written into one buffer flushed every 64 KiB.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/classify.h"
#include "strata/format.h"
#include "strata/metric.h"
#include "strata/output.h"
#include "strata/series.h"
#include "strata/util.h"

#define FLUSH_AT (64u << 10)
#define NAME_COL_MAX 28
#define LEVEL_COL 6 /* NOTICE */

/* Does the event have every field the filter asks for? */
static bool
fields_pass(const struct st_filter *f, const struct st_event *ev)
{
	struct st_fields fs;
	st_format_fields(ev->format, ev->text, ev->len, &fs);
	for (size_t k = 0; k < f->nfields; k++) {
		const char *want = f->fields[k];
		const char *eq = strchr(want, '=');
		size_t kl = eq ? (size_t)(eq - want) : strlen(want);
		bool ok = false;
		for (unsigned i = 0; i < fs.n && !ok; i++) {
			const struct st_field *fd = &fs.f[i];
			if (fd->klen != kl || memcmp(fd->key, want, kl) != 0)
				continue;
			if (eq == NULL) {
				ok = true;
				break;
			}
			const char *v = fd->val;
			size_t vl = fd->vlen;
			if (fd->json && vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			ok = strlen(eq + 1) == vl && memcmp(v, eq + 1, vl) == 0;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool
st_filter_pass(const struct st_filter *f, const struct st_event *ev)
{
	if (f->since != ST_TIME_NONE && (ev->ts == ST_TIME_NONE || ev->ts < f->since))
		return false;
	if (f->until != ST_TIME_NONE && (ev->ts == ST_TIME_NONE || ev->ts > f->until))
		return false;
	if (f->min_level != ST_LVL_NONE && ev->level < f->min_level)
		return false;
	if (f->match && !f->match(f->match_arg, ev->text, ev->len))
		return false;
	if (f->nfields > 0 && !fields_pass(f, ev))
		return false;
	return true;
}

static const char *
base_from(const char *path, int parents)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *p = path + n;
	for (int k = 0; k <= parents; k++) {
		while (p > path && p[-1] != '/')
			p--;
		if (k < parents && p > path)
			p--;
	}
	return p;
}

static char *
cmd_name(const char *full)
{
	static const char tail[] = " (stderr)";
	size_t n = strlen(full), tn = sizeof(tail) - 1;
	if (n <= NAME_COL_MAX || n < tn || strcmp(full + n - tn, tail) != 0)
		return st_xstrdup(full);
	/* the name column cuts a long name with "~": cut it before the tail */
	size_t keep = NAME_COL_MAX - tn - 1;
	char *s = st_xmalloc(keep + 1 + tn + 1);
	memcpy(s, full, keep);
	s[keep] = '~';
	memcpy(s + keep + 1, tail, tn + 1);
	return s;
}

char **
st_display_names(const struct st_store *st)
{
	size_t n = st_store_nsources(st);
	char **names = st_xcalloc(n ? n : 1, sizeof(*names));
	int *parents = st_xcalloc(n ? n : 1, sizeof(*parents));
	for (int round = 0; round < 8; round++) {
		for (size_t i = 0; i < n; i++) {
			free(names[i]);
			const char *full = st_store_source_name(st, (unsigned)i);
			/* a command is named whole (its slashes are not a path's),
			 * cut to the column keeping " (stderr)" */
			names[i] = strncmp(full, "cmd:", 4) == 0
			                   ? cmd_name(full)
			                   : st_xstrdup(base_from(full, parents[i]));
			size_t l = strlen(names[i]);
			if (l > 0 && names[i][l - 1] == '/' && strncmp(full, "cmd:", 4) != 0)
				names[i][l - 1] = '\0';
		}
		bool clash = false;
		for (size_t i = 0; i < n; i++) {
			bool mine = false;
			for (size_t j = 0; j < n && !mine; j++)
				mine = j != i && strcmp(names[i], names[j]) == 0;
			if (mine) {
				parents[i]++; /* one more directory, then look again */
				clash = true;
			}
		}
		if (!clash)
			break;
	}
	free(parents);
	return names;
}

void
st_display_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static const char *
level_color(int level)
{
	switch (level) {
	case ST_LVL_FATAL:
		return "\033[1;31m";
	case ST_LVL_ERROR:
		return "\033[31m";
	case ST_LVL_WARN:
		return "\033[33m";
	case ST_LVL_NOTICE:
		return "\033[36m";
	case ST_LVL_INFO:
		return "\033[32m";
	case ST_LVL_DEBUG:
	case ST_LVL_TRACE:
		return "\033[2m";
	}
	return "";
}

static const char *const source_colors[] = {
	"\033[34m", "\033[35m", "\033[36m", "\033[32m", "\033[33m", "\033[94m", "\033[95m", "\033[96m",
};

/*
 * A metric sample's first line as "name{labels} = value": its name and
 * labels as written, its value, without its timestamp (the time column
 * has it) or exemplar. Sets *rest to its continuation lines, NULL when it
 * has none; false (nothing written) when the line is no sample.
 */
static bool
text_metric(struct st_buf *b, const struct st_event *ev, const char **rest)
{
	const char *nl = memchr(ev->text, '\n', ev->len);
	size_t n = nl ? (size_t)(nl - ev->text) : ev->len;
	if (n > 0 && ev->text[n - 1] == '\r')
		n--;
	struct st_metric_line m;
	if (st_metric_read(NULL, ev->text, n, &m) < 0 || m.type != ST_ML_SAMPLE)
		return false;
	st_escape_text(b, ev->text, m.head_end, 0);
	st_buf_add(b, " = ", 3);
	st_escape_text(b, ev->text + m.value, m.value_len, 0);
	*rest = nl ? nl + 1 : NULL;
	return true;
}

static void
text_event(struct st_buf *b, const struct st_event *ev, const char *name, int width, bool color)
{
	char ts[32];
	size_t tl = st_format_time(ev->ts, 3, ts);
	st_buf_add(b, ts, tl);
	for (size_t i = tl; i < 24; i++)
		st_buf_addc(b, ' ');
	st_buf_add(b, "  ", 2);
	if (color)
		st_buf_adds(b, source_colors[ev->source % ST_ARRAY_LEN(source_colors)]);
	int namelen = (int)strlen(name);
	if (namelen > width) {
		st_buf_add(b, name, (size_t)width - 1);
		st_buf_adds(b, "~");
	} else {
		st_buf_adds(b, name);
	}
	if (color)
		st_buf_adds(b, "\033[0m");
	for (int i = namelen; i < width; i++)
		st_buf_addc(b, ' ');
	st_buf_add(b, "  ", 2);
	const char *lv = st_level_name(ev->level);
	char up[8] = "      ";
	for (int i = 0; lv && lv[i] && i < 6; i++)
		up[i] = (char)(lv[i] - 'a' + 'A');
	if (color && lv)
		st_buf_adds(b, level_color(ev->level));
	st_buf_add(b, up, LEVEL_COL);
	if (color && lv)
		st_buf_adds(b, "\033[0m");
	st_buf_add(b, "  ", 2);
	/* first line, then continuation lines indented to the text column */
	size_t indent = 24 + 2 + (size_t)width + 2 + LEVEL_COL + 2;
	const char *p = ev->text, *end = ev->text + ev->len;
	bool first = true;
	if (ev->kind == ST_KIND_METRIC && text_metric(b, ev, &p))
		first = false;
	for (; p != NULL && p <= end; first = false) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (!first) {
			st_buf_addc(b, '\n');
			st_buf_grow(b, indent);
			memset(b->p + b->len, ' ', indent);
			b->len += indent;
		}
		size_t seg = (size_t)(e - p);
		if (nl && seg > 0 && p[seg - 1] == '\r')
			seg--; /* CRLF */
		st_escape_text(b, p, seg, 0);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (ev->flags & ST_EV_TRUNCATED)
		st_buf_adds(b, color ? " \033[2m[truncated]\033[0m" : " [truncated]");
	if (ev->flags & ST_EV_LATE)
		st_buf_adds(b, color ? " \033[2m[late]\033[0m" : " [late]");
	st_buf_addc(b, '\n');
}

static void
json_str_or_null(struct st_buf *b, const char *s)
{
	if (s == NULL) {
		st_buf_adds(b, "null");
		return;
	}
	st_buf_addc(b, '"');
	st_escape_json(b, s, strlen(s));
	st_buf_addc(b, '"');
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/*
 * A JSON string token from a log line, kept as written where it is valid
 * (its escapes are already JSON) and mended where it is not: a stray
 * backslash or quote is escaped, control bytes become \u00XX and invalid
 * UTF-8 the text \xHH, so the output stays valid JSON.
 */
static void
json_string_token(struct st_buf *b, const char *s, size_t n)
{
	st_buf_addc(b, '"');
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c == '\\' && i + 1 < n && strchr("\"\\/bfnrt", s[i + 1]) != NULL) {
			st_buf_add(b, s + i, 2);
			i++;
		} else if (c == '\\' && i + 5 < n && s[i + 1] == 'u' && is_hex(s[i + 2]) &&
		           is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5])) {
			st_buf_add(b, s + i, 6);
			i += 5;
		} else if (c >= 0x20 && c != '\\' && c != '"' && c < 0x80) {
			st_buf_addc(b, (char)c);
		} else {
			size_t k = c >= 0x80 ? st_utf8_seq(u + i, n - i) : 0;
			if (k > 0) {
				st_buf_add(b, s + i, k);
				i += k - 1;
			} else {
				st_escape_json(b, s + i, 1);
			}
		}
	}
	st_buf_addc(b, '"');
}

/* A raw JSON value from a JSON-lines event: strings, numbers and literals
 * as they are; objects and arrays as a string of their text. */
static void
json_token(struct st_buf *b, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		json_string_token(b, s + 1, n - 2);
		return;
	}
	bool plain = n > 0;
	for (size_t i = 0; i < n && plain; i++)
		plain = strchr("0123456789+-.eEtruefalsn", s[i]) != NULL;
	if (plain) {
		st_buf_add(b, s, n);
		return;
	}
	st_buf_addc(b, '"');
	st_escape_json(b, s, n);
	st_buf_addc(b, '"');
}

/* The event's fields, also left in fs for the entities. */
static void
json_fields(struct st_buf *b, const struct st_event *ev, struct st_fields *fs_out)
{
	struct st_fields fs;
	st_buf_adds(b, ",\"fields\":{");
	st_format_fields(ev->format, ev->text, ev->len, &fs);
	*fs_out = fs;
	for (unsigned i = 0; i < fs.n; i++) {
		const struct st_field *f = &fs.f[i];
		/* a key given twice keeps its first value */
		bool dup = false;
		for (unsigned j = 0; j < i && !dup; j++)
			dup = fs.f[j].klen == f->klen && memcmp(fs.f[j].key, f->key, f->klen) == 0;
		if (dup)
			continue;
		if (b->p[b->len - 1] != '{')
			st_buf_addc(b, ',');
		st_buf_addc(b, '"');
		st_escape_json(b, f->key, f->klen);
		st_buf_add(b, "\":", 2);
		if (f->json) {
			json_token(b, f->val, f->vlen);
		} else {
			st_buf_addc(b, '"');
			st_escape_json(b, f->val, f->vlen);
			st_buf_addc(b, '"');
		}
	}
	st_buf_addc(b, '}');
}

/* Is s[0..n) a number as JSON writes one? (Prometheus also allows "+1",
 * ".5", "1." and "01", which JSON does not.) */
static bool
json_number(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		size_t d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	return i == n;
}

/* A label value or quoted name as a JSON string body: Prometheus' escapes
 * (\\ \" \n) are JSON's too; the rest is escaped as any text. */
static void
json_prom_string(struct st_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\')
			continue;
		st_escape_json(b, s + run, i - run);
		if (i + 1 < n && (s[i + 1] == '\\' || s[i + 1] == '"' || s[i + 1] == 'n')) {
			st_buf_add(b, s + i, 2);
			i++;
		} else {
			st_buf_add(b, "\\\\", 2);
		}
		run = i + 1;
	}
	st_escape_json(b, s + run, n - run);
}

/*
 * A metric sample's "metric":{"name":..,"labels":{..},"value":..}: name and
 * label values with their escapes undone (then JSON's), the value a JSON
 * number (as written when JSON allows it) or "NaN", "+Inf", "-Inf".
 */
static void
json_metric(struct st_buf *b, const struct st_event *ev)
{
	if (ev->kind != ST_KIND_METRIC)
		return;
	const char *s = ev->text, *nl = memchr(s, '\n', ev->len);
	size_t n = nl ? (size_t)(nl - s) : ev->len;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	struct st_metric_line m;
	if (st_metric_read(NULL, s, n, &m) < 0 || m.type != ST_ML_SAMPLE)
		return;
	st_buf_adds(b, ",\"metric\":{\"name\":\"");
	json_prom_string(b, s + m.name, m.name_len);
	st_buf_adds(b, "\",\"labels\":{");
	uint32_t pos = 0;
	struct st_metric_label l;
	for (bool first = true; st_metric_label_next(s, &m, &pos, &l); first = false) {
		st_buf_add(b, first ? "\"" : ",\"", first ? 1 : 2);
		json_prom_string(b, s + l.name, l.name_len);
		st_buf_add(b, "\":\"", 3);
		json_prom_string(b, s + l.value, l.value_len);
		st_buf_addc(b, '"');
	}
	st_buf_adds(b, "},\"value\":");
	const char *v = s + m.value;
	double x = st_metric_value(v, m.value_len);
	if (isnan(x)) {
		st_buf_adds(b, "\"NaN\"");
	} else if (isinf(x)) {
		st_buf_adds(b, x > 0 ? "\"+Inf\"" : "\"-Inf\"");
	} else if (json_number(v, m.value_len)) {
		st_buf_add(b, v, m.value_len);
	} else {
		/* the shortest form that reads back the same */
		char num[40];
		snprintf(num, sizeof(num), "%.15g", x);
		if (strtod(num, NULL) != x)
			snprintf(num, sizeof(num), "%.17g", x);
		st_buf_adds(b, num);
	}
	st_buf_addc(b, '}');
}

static void
json_event(struct st_buf *b, const struct st_event *ev, const char *path,
           const struct st_notes *notes)
{
	st_buf_adds(b, "{\"ts\":");
	if (ev->ts == ST_TIME_NONE) {
		st_buf_adds(b, "null");
	} else {
		char ts[32];
		size_t tl = st_format_time(ev->ts, 6, ts);
		st_buf_addc(b, '"');
		st_buf_add(b, ts, tl);
		st_buf_addc(b, '"');
	}
	st_buf_adds(b, ",\"source\":");
	json_str_or_null(b, path);
	char num[16];
	size_t k = sizeof(num);
	uint32_t v = ev->line;
	do {
		num[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	st_buf_adds(b, ",\"line\":");
	st_buf_add(b, num + k, sizeof(num) - k);
	st_buf_adds(b, ",\"kind\":\"");
	st_buf_adds(b, st_kind_name((enum st_kind)ev->kind));
	st_buf_adds(b, "\",\"level\":");
	json_str_or_null(b, st_level_name(ev->level));
	st_buf_adds(b, ",\"format\":");
	json_str_or_null(b, ev->format < st_format_count() ? st_format_get(ev->format)->name : NULL);
	st_buf_adds(b, ",\"text\":\"");
	st_escape_json(b, ev->text, ev->len);
	st_buf_addc(b, '"');
	struct st_fields fs;
	json_fields(b, ev, &fs);
	json_metric(b, ev);
	st_notes_json(b, notes, ev, &fs); /* change, symptom, entities */
	if (ev->flags & ST_EV_LATE)
		st_buf_adds(b, ",\"late\":true");
	st_buf_adds(b, "}\n");
}

void
st_print_event(struct st_buf *b, const struct st_print_opts *o, const struct st_store *st,
               const struct st_notes *notes, const struct st_event *ev, char **names, int width)
{
	if (o->output == ST_OUT_JSON)
		json_event(b, ev, st_store_source_name(st, ev->source), notes);
	else
		text_event(b, ev, names[ev->source], width, o->color);
}

int
st_print_width(char **names, size_t n)
{
	int width = 4;
	for (size_t i = 0; i < n; i++)
		width = ST_MAX(width, (int)strlen(names[i]));
	return ST_MIN(width, NAME_COL_MAX);
}

static int
flush(struct st_buf *b, FILE *out)
{
	if (b->len && fwrite(b->p, 1, b->len, out) != b->len)
		return -1;
	b->len = 0;
	return 0;
}

long
st_print(struct st_run *r, const struct st_print_opts *o, FILE *out)
{
	/* the events metric samples imply (*_timestamp_seconds), appended
	 * before the store is ordered */
	struct st_series_set *series = st_series_new(ST_SERIES_EVENTS);
	st_series_update(series, r->store, 0);
	st_series_free(series);
	/* changes and symptoms (classify.h): one pass before printing, when
	 * the output shows them */
	if (o->output == ST_OUT_JSON) {
		if (r->notes == NULL)
			r->notes = st_notes_new();
		st_classify(r->notes, r->store, (uint32_t)st_store_count(r->store));
	}
	size_t n;
	const uint32_t *order = st_store_order(r->store, &n);
	size_t nsrc = st_store_nsources(r->store);
	char **names = st_display_names(r->store);
	int width = 4;
	for (size_t i = 0; i < nsrc; i++)
		width = ST_MAX(width, (int)strlen(names[i]));
	width = ST_MIN(width, NAME_COL_MAX);

	struct st_buf b = {0};
	long printed = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct st_event ev;
		st_store_get(r->store, order[i], &ev);
		if (!st_filter_pass(&o->filter, &ev))
			continue;
		if (o->output == ST_OUT_JSON)
			json_event(&b, &ev, st_store_source_name(r->store, ev.source), r->notes);
		else
			text_event(&b, &ev, names[ev.source], width, o->color);
		printed++;
		if (b.len >= FLUSH_AT)
			rc = flush(&b, out);
	}
	if (rc == 0)
		rc = flush(&b, out);
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	st_buf_free(&b);
	st_display_names_free(names, nsrc);
	return rc < 0 ? -1 : printed;
}
