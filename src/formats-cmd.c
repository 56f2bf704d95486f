/*
 * formats-cmd.c: `strata formats` and `strata formats --explain FILE`.
 *
 * The list is the registry in its order (user formats first). The
 * explanation is for someone writing a format file: it reads the first
 * lines of a file (at least the ones detection looks at), runs the real
 * ingest over them into a private store, so "strata reads it as X" is
 * what a run would do (detection, the runner-up, re-probing, continuation
 * lines), then tries every format on every shown line to say which read
 * it, with what time and level, and, for user formats, why not (the
 * pattern's furthest point, the ts group, the layout's complaint).
 * Nothing here is on the ingest path; it allocates freely.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decompress.h"
#include "strata/context.h"
#include "strata/format.h"
#include "strata/formats-cmd.h"
#include "strata/ingest.h"
#include "strata/store.h"
#include "strata/userfmt.h"
#include "strata/util.h"

#define SHOW_MAX 1000              /* bytes of a line shown */
#define READ_MAX (64u << 20)       /* bytes read at most */
#define PROBE_LINE_MAX (16u << 10) /* as ingest.c: detection sees a line's head */

static int
flush(struct st_buf *b, FILE *out)
{
	int rc = 0;
	if ((b->len && fwrite(b->p, 1, b->len, out) != b->len) || fflush(out) != 0)
		rc = -1;
	st_buf_free(b);
	return rc;
}

static void
json_str(struct st_buf *b, const char *s, size_t n)
{
	st_buf_addc(b, '"');
	st_escape_json(b, s, n);
	st_buf_addc(b, '"');
}

static void
json_time(struct st_buf *b, st_time t)
{
	char ts[32];
	if (t == ST_TIME_NONE) {
		st_buf_adds(b, "null");
		return;
	}
	st_format_time(t, 6, ts);
	st_buf_addf(b, "\"%s\"", ts);
}

static void
json_level(struct st_buf *b, unsigned level)
{
	const char *l = st_level_name((enum st_level)level);
	if (l)
		st_buf_addf(b, "\"%s\"", l);
	else
		st_buf_adds(b, "null");
}

static const char *
origin(const struct st_format *f)
{
	const char *o = st_userfmt_origin(f);
	return o ? o : "built-in";
}

int
st_formats_list(enum st_output output, FILE *out)
{
	struct st_buf b = {0};
	size_t n = st_format_count();
	if (output == ST_OUT_JSON) {
		st_buf_adds(&b, "{\"formats\":[");
		for (size_t i = 0; i < n; i++) {
			const struct st_format *f = st_format_get(i);
			st_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
			json_str(&b, f->name, strlen(f->name));
			st_buf_adds(&b, ",\"from\":");
			json_str(&b, origin(f), strlen(origin(f)));
			st_buf_addf(&b, ",\"builtin\":%s,\"title\":",
			            st_userfmt_is(f) ? "false" : "true");
			json_str(&b, f->title, strlen(f->title));
			st_buf_addc(&b, '}');
		}
		st_buf_adds(&b, "]}\n");
		return flush(&b, out);
	}
	int wn = 6, wo = 4;
	for (size_t i = 0; i < n; i++) {
		const struct st_format *f = st_format_get(i);
		wn = ST_MAX(wn, (int)strlen(f->name));
		wo = ST_MAX(wo, (int)strlen(origin(f)));
	}
	st_buf_addf(&b, "%-*s  %-*s  %s\n", wn, "FORMAT", wo, "FROM", "TITLE");
	for (size_t i = 0; i < n; i++) {
		const struct st_format *f = st_format_get(i);
		st_buf_addf(&b, "%-*s  %-*s  ", wn, f->name, wo, origin(f));
		st_escape_text(&b, f->title, strlen(f->title), 0);
		st_buf_addc(&b, '\n');
	}
	return flush(&b, out);
}

/* ---- explain */

struct line {
	const char *s;
	size_t n;
};

/* What one event of the ingest says about its first line. */
struct at_line {
	int event;     /* the event that starts here, or -1 */
	uint32_t cont; /* or: the first line of the record this one continues, 0: none */
};

struct explain {
	const struct st_explain_opts *o;
	struct st_timectx tc;
	struct st_buf data;
	struct line *lines; /* every line read, from line 1 */
	size_t nlines;
	size_t nshow;
	struct st_store *store;
	struct at_line *at; /* per shown line */
	int det, second;    /* detection's pick and runner-up */
	const char *context; /* "context:yaml" when read as a context file, else NULL */
	size_t det_hits, second_hits, probe_n;
	size_t *hits; /* per format, on the probe lines */
	int namew;
};

/* Read the first lines: the ones to show, and enough for detection. */
static int
read_head(struct explain *x)
{
	const char *path = x->o->path;
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	if (fp == NULL)
		return -errno;
	st_time ref;
	struct stat sb;
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode)) {
		ref = (st_time)sb.st_mtim.tv_sec * ST_USEC + sb.st_mtim.tv_nsec / 1000;
	} else if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (!is_stdin)
			fclose(fp);
		return -EISDIR;
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ref = (st_time)ts.tv_sec * ST_USEC + ts.tv_nsec / 1000;
	}
	st_timectx_init(&x->tc, x->o->tz, ref);
	size_t lines = 0, nonblank = 0, line_start = 0;
	char chunk[65536];
	int rc = 0;
	struct st_dz *dz = NULL; /* a gzip or zstd file is explained decompressed */
	bool first = true;
	while (lines < x->o->lines || nonblank < ST_PROBE_LINES) {
		size_t k = fread(chunk, 1, sizeof(chunk), fp);
		if (k == 0) {
			if (ferror(fp))
				rc = -(errno ? errno : EIO);
			break;
		}
		if (first) {
			const struct st_codec *c = st_codec_detect(chunk, k, true, NULL);
			if (c != NULL)
				dz = st_dz_new(c);
			first = false;
		}
		size_t base = x->data.len;
		if (dz == NULL) {
			st_buf_add(&x->data, chunk, k);
		} else {
			size_t in = 0;
			for (;;) {
				size_t used = 0, out = 0;
				st_buf_grow(&x->data, 65536);
				rc = st_dz_run(dz, chunk + in, k - in, &used, x->data.p + x->data.len, 65536,
				               &out);
				x->data.len += out;
				in += used;
				if (rc < 0 || (used == 0 && out == 0))
					break;
			}
			if (rc < 0)
				break;
		}
		for (size_t i = base; i < x->data.len; i++)
			if (x->data.p[i] == '\n') {
				size_t l = i - line_start;
				if (l > 0 && x->data.p[i - 1] == '\r')
					l--;
				lines++;
				nonblank += l > 0;
				line_start = i + 1;
			}
		if (x->data.len >= READ_MAX)
			break;
	}
	if (!is_stdin)
		fclose(fp);
	if (dz != NULL)
		st_dz_free(dz);
	return rc;
}

static void
split_lines(struct explain *x)
{
	size_t pos = 0, cap = 0;
	const char *p = x->data.p;
	while (pos < x->data.len) {
		const char *nl = memchr(p + pos, '\n', x->data.len - pos);
		size_t end = nl ? (size_t)(nl - p) : x->data.len;
		size_t n = end - pos;
		if (n > 0 && p[pos + n - 1] == '\r')
			n--;
		if (x->nlines == cap) {
			cap = cap ? 2 * cap : 256;
			x->lines = st_xreallocarray(x->lines, cap, sizeof(*x->lines));
		}
		x->lines[x->nlines].s = p + pos;
		x->lines[x->nlines].n = n > ST_LINE_MAX ? ST_LINE_MAX : n;
		x->nlines++;
		pos = end + 1;
	}
	x->nshow = x->nlines < x->o->lines ? x->nlines : x->o->lines;
}

/* Detection as ingest.c does it, and every format's hits on those lines. */
static void
detect(struct explain *x)
{
	const char *pl[ST_PROBE_LINES];
	size_t pn[ST_PROBE_LINES], n = 0;
	for (size_t i = 0; i < x->nlines && n < ST_PROBE_LINES; i++) {
		if (x->lines[i].n == 0)
			continue;
		pl[n] = x->lines[i].s;
		pn[n] = x->lines[i].n < PROBE_LINE_MAX ? x->lines[i].n : PROBE_LINE_MAX;
		n++;
	}
	x->probe_n = n;
	x->det = st_format_detect2(&x->tc, pl, pn, n, &x->det_hits, &x->second);
	size_t nf = st_format_count();
	x->hits = st_xcalloc(nf, sizeof(size_t));
	x->second_hits = 0;
	for (size_t i = 0; i < n; i++) {
		struct st_draft d;
		bool det_reads = x->det >= 0 && st_format_parse(st_format_get((size_t)x->det),
		                                                &x->tc, pl[i], pn[i], &d) == 0;
		for (size_t f = 0; f < nf; f++)
			if (st_format_parse(st_format_get(f), &x->tc, pl[i], pn[i], &d) == 0) {
				x->hits[f]++;
				if ((int)f == x->second && !det_reads)
					x->second_hits++;
			}
	}
}

/* The real ingest over the lines read: which event each line starts. */
static void
ingest(struct explain *x)
{
	x->store = st_store_new();
	int src = st_store_add_source(x->store, x->o->path);
	struct st_ingest ig;
	st_ingest_init(&ig, x->store, src < 0 ? 0 : (unsigned)src, x->o->tz, x->tc.ref);
	size_t pos = 0;
	while (pos < x->data.len) {
		size_t k = st_ingest_feed(&ig, x->data.p + pos, x->data.len - pos, true);
		if (k == 0)
			break;
		pos += k;
	}
	struct st_context_file cf; /* configuration: indexed, not events (context.h) */
	if (ig.context >= 0 && st_context_source(st_store_context_get(x->store), ig.src, &cf))
		x->context = cf.format;
	x->at = st_xcalloc(x->nshow ? x->nshow : 1, sizeof(*x->at));
	for (size_t i = 0; i < x->nshow; i++)
		x->at[i].event = -1;
	size_t ne = st_store_count(x->store);
	for (size_t e = 0; e < ne; e++) {
		struct st_event ev;
		st_store_get(x->store, (uint32_t)e, &ev);
		if (ev.line == 0 || ev.line > x->nshow)
			break;
		x->at[ev.line - 1].event = (int)e;
		uint32_t l = ev.line;
		for (size_t i = 0; i < ev.len; i++)
			if (ev.text[i] == '\n' && l < x->nshow)
				x->at[l++].cont = ev.line;
	}
}

static const char *
fname(int f)
{
	return f >= 0 ? st_format_get((size_t)f)->name : "none";
}

static void
text_line(struct st_buf *b, const char *s, size_t n)
{
	size_t show = n > SHOW_MAX ? SHOW_MAX : n;
	st_escape_text(b, s, show, 0);
	if (show < n)
		st_buf_addf(b, " [... %zu more bytes]", n - show);
}

static void
header(struct explain *x, struct st_buf *b)
{
	size_t nf = st_format_count();
	if (x->o->output == ST_OUT_JSON) {
		st_buf_adds(b, "{\"file\":");
		json_str(b, x->o->path, strlen(x->o->path));
		st_buf_addf(b, ",\"lines\":%zu,\"detection\":{\"lines\":%zu,\"format\":", x->nshow,
		            x->probe_n);
		if (x->det >= 0)
			json_str(b, fname(x->det), strlen(fname(x->det)));
		else
			st_buf_adds(b, "null");
		st_buf_addf(b, ",\"hits\":%zu,\"runner_up\":", x->det_hits);
		if (x->second >= 0)
			json_str(b, fname(x->second), strlen(fname(x->second)));
		else
			st_buf_adds(b, "null");
		st_buf_addf(b, ",\"runner_up_hits\":%zu,\"every_format\":{", x->second_hits);
		for (size_t f = 0; f < nf; f++) {
			if (f)
				st_buf_addc(b, ',');
			json_str(b, fname((int)f), strlen(fname((int)f)));
			st_buf_addf(b, ":%zu", x->hits[f]);
		}
		st_buf_adds(b, "}}}\n");
		return;
	}
	st_buf_addf(b, "%s: the first %zu line%s", x->o->path, x->nshow, x->nshow == 1 ? "" : "s");
	st_buf_adds(b, "\n");
	if (x->det < 0) {
		st_buf_addf(b, "detection: no format reads any of the first %zu non-blank lines\n",
		            x->probe_n);
	} else {
		st_buf_addf(b, "detection: %s reads %zu of the first %zu non-blank lines",
		            fname(x->det), x->det_hits, x->probe_n);
		if (x->second >= 0)
			st_buf_addf(b, "; the runner-up %s reads %zu of the others",
			            fname(x->second), x->second_hits);
		st_buf_adds(b, "\n");
	}
	if (x->context)
		st_buf_addf(b, "strata reads it as a context file (%s): its lines are indexed as "
		               "context, not events (see strata context)\n", x->context);
	/* every format by hits, best first (registry order on ties) */
	st_buf_adds(b, "hits:");
	bool *done = st_xcalloc(nf ? nf : 1, sizeof(bool));
	size_t zero = 0;
	for (size_t k = 0; k < nf; k++) {
		size_t best = nf;
		for (size_t f = 0; f < nf; f++)
			if (!done[f] && (best == nf || x->hits[f] > x->hits[best]))
				best = f;
		done[best] = true;
		if (x->hits[best] == 0) {
			zero++;
			continue;
		}
		st_buf_addf(b, " %s %zu,", fname((int)best), x->hits[best]);
	}
	if (b->p[b->len - 1] == ',')
		b->len--;
	if (zero == nf)
		st_buf_adds(b, " none");
	else if (zero)
		st_buf_addf(b, "; the other %zu format%s read none", zero, zero == 1 ? "" : "s");
	st_buf_adds(b, "\n");
	free(done);
}

static void
one_line(struct explain *x, struct st_buf *b, size_t i)
{
	const struct line *ln = &x->lines[i];
	const struct at_line *at = &x->at[i];
	bool json = x->o->output == ST_OUT_JSON;
	size_t nf = st_format_count();
	struct st_event ev;
	if (at->event >= 0)
		st_store_get(x->store, (uint32_t)at->event, &ev);

	/* the line and what strata makes of it */
	if (json) {
		st_buf_addf(b, "{\"line\":%zu,\"text\":", i + 1);
		json_str(b, ln->s, ln->n);
		st_buf_adds(b, ",\"strata\":");
		if (ln->n == 0) {
			st_buf_adds(b, "{\"blank\":true}");
		} else if (at->event >= 0) {
			st_buf_adds(b, "{\"format\":");
			if (ev.format != 0xff)
				json_str(b, fname(ev.format), strlen(fname(ev.format)));
			else
				st_buf_adds(b, "null");
			st_buf_adds(b, ",\"ts\":");
			json_time(b, ev.ts);
			st_buf_adds(b, ",\"level\":");
			json_level(b, ev.level);
			if (ev.ts != ST_TIME_NONE && ev.format != 0xff) {
				struct st_fields fs;
				st_format_fields(ev.format, ln->s, ln->n, &fs);
				st_buf_adds(b, ",\"fields\":{");
				for (unsigned k = 0; k < fs.n; k++) {
					if (k)
						st_buf_addc(b, ',');
					json_str(b, fs.f[k].key, fs.f[k].klen);
					st_buf_addc(b, ':');
					if (fs.f[k].json)
						st_buf_add(b, fs.f[k].val, fs.f[k].vlen);
					else
						json_str(b, fs.f[k].val, fs.f[k].vlen);
				}
				st_buf_adds(b, "}");
			}
			st_buf_adds(b, "}");
		} else if (at->cont) {
			st_buf_addf(b, "{\"continues\":%u}", at->cont);
		} else {
			st_buf_adds(b, "null");
		}
	} else {
		st_buf_addf(b, "\nline %zu: ", i + 1);
		text_line(b, ln->s, ln->n);
		st_buf_adds(b, "\n  strata: ");
		if (ln->n == 0) {
			st_buf_adds(b, "a blank line, not an event\n");
			return;
		} else if (at->event >= 0 && ev.ts != ST_TIME_NONE && ev.format != 0xff) {
			char ts[32];
			st_format_time(ev.ts, 6, ts);
			const char *l = st_level_name((enum st_level)ev.level);
			st_buf_addf(b, "%s, %s, level %s\n", fname(ev.format), ts, l ? l : "none");
			struct st_fields fs;
			if (st_format_fields(ev.format, ln->s, ln->n, &fs) > 0) {
				st_buf_adds(b, "  fields:");
				for (unsigned k = 0; k < fs.n; k++) {
					st_buf_addc(b, ' ');
					st_escape_text(b, fs.f[k].key, fs.f[k].klen, 0);
					st_buf_addc(b, '=');
					st_escape_text(b, fs.f[k].val, fs.f[k].vlen, 0);
				}
				st_buf_adds(b, "\n");
			}
		} else if (at->event >= 0) {
			st_buf_adds(
			        b, "an event without a time (no format it tries reads the line)\n");
		} else if (at->cont) {
			st_buf_addf(
			        b,
			        "continues the record of line %u (no format it tries reads it)\n",
			        at->cont);
		} else if (x->context) {
			st_buf_addf(b, "indexed as context (%s), not an event\n", x->context);
		} else {
			st_buf_adds(b, "not read\n");
		}
	}
	if (ln->n == 0) {
		st_buf_adds(b, "}\n");
		return;
	}

	/* every format: who reads it, and why the user formats do not */
	struct st_draft *d = st_xcalloc(nf, sizeof(*d));
	bool *ok = st_xcalloc(nf, sizeof(bool));
	size_t nok = 0;
	for (size_t f = 0; f < nf; f++) {
		ok[f] = st_format_parse(st_format_get(f), &x->tc, ln->s, ln->n, &d[f]) == 0;
		nok += ok[f];
	}
	if (json) {
		st_buf_adds(b, ",\"read_by\":[");
		bool first = true;
		for (size_t f = 0; f < nf; f++) {
			if (!ok[f])
				continue;
			st_buf_adds(b, first ? "{\"format\":" : ",{\"format\":");
			first = false;
			json_str(b, fname((int)f), strlen(fname((int)f)));
			st_buf_adds(b, ",\"ts\":");
			json_time(b, d[f].ts);
			st_buf_adds(b, ",\"level\":");
			json_level(b, d[f].level);
			st_buf_addc(b, '}');
		}
		st_buf_adds(b, "],\"not_read_by\":[");
		first = true;
		for (size_t f = 0; f < nf; f++) {
			if (ok[f])
				continue;
			st_buf_adds(b, first ? "{\"format\":" : ",{\"format\":");
			first = false;
			json_str(b, fname((int)f), strlen(fname((int)f)));
			st_buf_adds(b, ",\"why\":");
			const struct st_format *fmt = st_format_get(f);
			if (st_userfmt_is(fmt)) {
				struct st_buf why = {0};
				struct st_draft dd;
				st_userfmt_explain(fmt, &x->tc, ln->s, ln->n, &dd, &why);
				json_str(b, why.p ? why.p : "", why.len);
				st_buf_free(&why);
			} else {
				st_buf_adds(b, "\"no match\"");
			}
			st_buf_addc(b, '}');
		}
		st_buf_adds(b, "]}\n");
	} else {
		if (nok == 0) {
			st_buf_adds(b, "  read by: no format\n");
		} else {
			st_buf_adds(b, "  read by:\n");
			for (size_t f = 0; f < nf; f++) {
				if (!ok[f])
					continue;
				char ts[32];
				st_format_time(d[f].ts, 6, ts);
				const char *l = st_level_name((enum st_level)d[f].level);
				st_buf_addf(b, "    %-*s  %s  %s\n", x->namew, fname((int)f), ts,
				            l ? l : "-");
			}
		}
		bool any = false;
		for (size_t f = 0; f < nf; f++) {
			const struct st_format *fmt = st_format_get(f);
			if (ok[f] || !st_userfmt_is(fmt))
				continue;
			if (!any)
				st_buf_adds(b, "  not read by:\n");
			any = true;
			struct st_buf why = {0};
			struct st_draft dd;
			st_userfmt_explain(fmt, &x->tc, ln->s, ln->n, &dd, &why);
			st_buf_addf(b, "    %-*s  ", x->namew, fname((int)f));
			st_escape_text(b, why.p ? why.p : "", why.len, 0);
			st_buf_addc(b, '\n');
			st_buf_free(&why);
		}
		size_t others = 0, nuser = 0;
		for (size_t f = 0; f < nf; f++) {
			others += !ok[f] && !st_userfmt_is(st_format_get(f));
			nuser += st_userfmt_is(st_format_get(f));
		}
		if (others > 0)
			st_buf_addf(b, "  no match: %s %zu built-in format%s\n",
			            others == nf - nuser ? "all" : "the other", others,
			            others == 1 ? "" : "s");
	}
	free(d);
	free(ok);
}

int
st_formats_explain(const struct st_explain_opts *o, FILE *out)
{
	struct explain x = {.o = o, .det = -1, .second = -1};
	int rc = read_head(&x);
	if (rc < 0) {
		st_buf_free(&x.data);
		return rc;
	}
	split_lines(&x);
	detect(&x);
	ingest(&x);
	x.namew = 4;
	for (size_t f = 0; f < st_format_count(); f++)
		x.namew = ST_MAX(x.namew, (int)strlen(fname((int)f)));

	struct st_buf b = {0};
	header(&x, &b);
	for (size_t i = 0; i < x.nshow; i++) {
		one_line(&x, &b, i);
		if (b.len > (1u << 20) && (fwrite(b.p, 1, b.len, out) != b.len))
			rc = -1;
		else if (b.len > (1u << 20))
			b.len = 0;
	}
	if (flush(&b, out) < 0)
		rc = -1;
	st_store_free(x.store);
	free(x.at);
	free(x.hits);
	free(x.lines);
	st_buf_free(&x.data);
	return rc;
}
