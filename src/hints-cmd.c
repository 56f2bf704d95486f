/*
 * hints-cmd.c: `strata hints [-o text|json] [--unexplained] [-f] SOURCE...`
 *
 * Text: one paragraph per hint, ranked, with its cause, effect, the lag,
 * a one-sentence summary and the evidence lines (source:line), then the
 * symptoms no change explains. JSON: one object per line, exactly
 *   {"rank":1,"confidence":"high","score":0.93,
 *    "cause":{"ts":..,"source":..,"line":N,"text":..},
 *    "effect":{"ts":..,"source":..,"line":N,"text":..,"metric":..|null},
 *    "lag_s":6.0,"summary":..,"evidence":[..]}
 * and, with --unexplained, the unexplained symptoms as objects with
 * "cause":null (rank, confidence and lag_s null too).
 *
 * With -f the sources are followed and the hints updated at most every
 * UPDATE_MS while events arrive: text prints the ranked list again under
 * a "hints at TIME" line when it changed; JSON prints each hint that is
 * new or whose confidence changed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata/classify.h"
#include "strata/hints-cmd.h"
#include "strata/hints.h"

#define UPDATE_MS 250

static void
json_ref(struct st_buf *b, const struct st_run *r, const struct st_hint_ref *ref)
{
	st_buf_adds(b, "{\"ts\":");
	if (ref->ts == ST_TIME_NONE) {
		st_buf_adds(b, "null");
	} else {
		char t[32];
		size_t n = st_format_time(ref->ts, ref->ts % 1000000 ? 3 : 0, t);
		st_buf_addc(b, '"');
		st_buf_add(b, t, n);
		st_buf_addc(b, '"');
	}
	st_buf_adds(b, ",\"source\":\"");
	const char *name = st_store_source_name(r->store, ref->source);
	st_escape_json(b, name, strlen(name));
	st_buf_addf(b, "\",\"line\":%u,\"text\":\"", ref->line);
	st_escape_json(b, ref->text, strlen(ref->text));
	st_buf_addc(b, '"');
}

static void
json_hint(struct st_buf *b, const struct st_run *r, const struct st_hint *x)
{
	if (x->has_cause)
		st_buf_addf(b, "{\"rank\":%u,\"confidence\":\"%s\",\"score\":%.2f,\"cause\":", x->rank,
		            st_confidence_name(x->confidence), x->score);
	else
		st_buf_addf(b, "{\"rank\":null,\"confidence\":null,\"score\":%.2f,\"cause\":", x->score);
	if (x->has_cause) {
		json_ref(b, r, &x->cause);
		st_buf_addc(b, '}');
	} else {
		st_buf_adds(b, "null");
	}
	st_buf_adds(b, ",\"effect\":");
	json_ref(b, r, &x->effect);
	st_buf_adds(b, ",\"metric\":");
	if (x->metric) {
		st_buf_addc(b, '"');
		st_escape_json(b, x->metric, strlen(x->metric));
		st_buf_addc(b, '"');
	} else {
		st_buf_adds(b, "null");
	}
	st_buf_adds(b, "},\"lag_s\":");
	if (isfinite(x->lag_s))
		st_buf_addf(b, "%.1f", x->lag_s);
	else
		st_buf_adds(b, "null");
	st_buf_adds(b, ",\"summary\":\"");
	st_escape_json(b, x->summary, strlen(x->summary));
	st_buf_adds(b, "\",\"evidence\":[");
	for (size_t i = 0; i < x->nevidence; i++) {
		st_buf_adds(b, i ? ",\"" : "\"");
		st_escape_json(b, x->evidence[i], strlen(x->evidence[i]));
		st_buf_addc(b, '"');
	}
	st_buf_adds(b, "]}\n");
}

static void
text_time(struct st_buf *b, st_time t)
{
	if (t == ST_TIME_NONE) {
		st_buf_adds(b, "(no time)           ");
		return;
	}
	char s[32];
	size_t n = st_format_time(t, 0, s);
	if (n > 10)
		s[10] = ' ';
	st_buf_add(b, s, n);
}

static void
text_ref(struct st_buf *b, const struct st_run *r, const char *what, const struct st_hint_ref *ref)
{
	st_buf_addf(b, "   %-7s ", what);
	text_time(b, ref->ts);
	const char *name = st_store_source_name(r->store, ref->source);
	st_buf_adds(b, "  ");
	st_escape_text(b, name, strlen(name), 0);
	st_buf_addf(b, ":%u\n           ", ref->line);
	st_escape_text(b, ref->text, strlen(ref->text), 0);
	st_buf_addc(b, '\n');
}

static void
text_hint(struct st_buf *b, const struct st_run *r, const struct st_hint *x)
{
	st_buf_addf(b, "%u. [%s %.2f] ", x->rank, st_confidence_name(x->confidence), x->score);
	st_escape_text(b, x->summary, strlen(x->summary), 0);
	st_buf_addc(b, '\n');
	text_ref(b, r, x->cause_kind ? x->cause_kind : "cause", &x->cause);
	text_ref(b, r, "effect", &x->effect);
	if (x->nevidence)
		st_buf_adds(b, "   evidence:\n");
	for (size_t i = 0; i < x->nevidence; i++) {
		st_buf_adds(b, "     - ");
		st_escape_text(b, x->evidence[i], strlen(x->evidence[i]), 0);
		st_buf_addc(b, '\n');
	}
	st_buf_addc(b, '\n');
}

static void
text_unexplained(struct st_buf *b, const struct st_run *r, const struct st_hint *x)
{
	st_buf_adds(b, "   - ");
	text_time(b, x->effect.ts);
	const char *name = st_store_source_name(r->store, x->effect.source);
	st_buf_adds(b, "  ");
	st_escape_text(b, name, strlen(name), 0);
	st_buf_addf(b, ":%u  ", x->effect.line);
	st_escape_text(b, x->effect.text, strlen(x->effect.text), 0);
	st_buf_addc(b, '\n');
}

#define UNEXPLAINED_TEXT_MAX 20

static void
render(struct st_buf *b, const struct st_run *r, const struct st_hints_opts *o,
       const struct st_hints *h)
{
	size_t n = st_hints_count(h), nu = st_hints_unexplained_count(h);
	if (o->output == ST_OUT_JSON) {
		for (size_t i = 0; i < n; i++)
			json_hint(b, r, st_hints_get(h, i));
		if (o->unexplained)
			for (size_t i = 0; i < nu; i++)
				json_hint(b, r, st_hints_unexplained(h, i));
		return;
	}
	if (n == 0)
		st_buf_adds(b, "No causal hints: no change explains a symptom with at least low "
		               "confidence.\n\n");
	for (size_t i = 0; i < n; i++)
		text_hint(b, r, st_hints_get(h, i));
	if (nu > 0) {
		st_buf_addf(b, "Unexplained symptoms (%zu):\n", nu);
		size_t shown = o->unexplained || nu <= UNEXPLAINED_TEXT_MAX ? nu : UNEXPLAINED_TEXT_MAX;
		for (size_t i = 0; i < shown; i++)
			text_unexplained(b, r, st_hints_unexplained(h, i));
		if (shown < nu)
			st_buf_addf(b, "   ... and %zu more (--unexplained lists them all)\n", nu - shown);
	}
}

static bool
flush(struct st_buf *b, FILE *out)
{
	bool ok = (b->len == 0 || fwrite(b->p, 1, b->len, out) == b->len) && fflush(out) == 0;
	b->len = 0;
	return ok;
}

long
st_hints_print(struct st_run *r, const struct st_hints_opts *o, FILE *out)
{
	if (r->notes == NULL)
		r->notes = st_notes_new();
	struct st_hints *h = st_hints_new(r->store, r->notes);
	if (getenv("STRATA_HINTS_SLICED")) {
		/* for the tests: the viewer's way, in the smallest slices (a few
		 * events read at a time, one step of the ranking at a time),
		 * which must come to the same hints as all at once */
		while (!st_hints_read(h, 7))
			;
		st_hints_rank_begin(h);
		while (!st_hints_rank_step(h, 0))
			;
	} else {
		st_hints_update(h);
	}
	struct st_buf b = {0};
	render(&b, r, o, h);
	long n = (long)st_hints_count(h);
	bool ok = flush(&b, out);
	st_buf_free(&b);
	st_hints_free(h);
	return ok ? n : -1;
}

/* ---- -f */

struct seen {
	uint64_t *k;
	size_t n, cap;
};

struct live {
	struct st_run *r;
	const struct st_hints_opts *o;
	FILE *out;
	struct st_hints *h;
	struct st_buf b;
	bool replayed, failed;
	uint32_t at;        /* events seen at the last update */
	uint64_t last_ms;   /* loop time of the last update */
	struct seen seen;   /* JSON: hints printed (identity and confidence) */
	long printed;
};

static uint64_t
hint_id(const struct st_hint *x)
{
	uint64_t k = 1469598103934665603ull;
	uint64_t v[] = {x->cause.source, x->cause.line, x->effect.source, x->effect.line,
	                (uint64_t)x->confidence, x->has_cause};
	for (size_t i = 0; i < ST_ARRAY_LEN(v); i++) {
		k ^= v[i] + 0x9e3779b97f4a7c15ull + (k << 6) + (k >> 2);
	}
	return k;
}

static bool
seen_add(struct seen *s, uint64_t k)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->k[i] == k)
			return false;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->k = st_xreallocarray(s->k, s->cap, sizeof(*s->k));
	}
	s->k[s->n++] = k;
	return true;
}

static void
live_update(struct live *lv)
{
	struct st_run *r = lv->r;
	bool changed = st_hints_update(lv->h);
	lv->at = (uint32_t)st_store_count(r->store);
	lv->last_ms = uv_now(&r->loop);
	if (lv->o->output == ST_OUT_JSON) {
		size_t n = st_hints_count(lv->h);
		for (size_t i = 0; i < n; i++) {
			const struct st_hint *x = st_hints_get(lv->h, i);
			if (seen_add(&lv->seen, hint_id(x))) {
				json_hint(&lv->b, r, x);
				lv->printed++;
			}
		}
		if (lv->o->unexplained)
			for (size_t i = 0; i < st_hints_unexplained_count(lv->h); i++) {
				const struct st_hint *x = st_hints_unexplained(lv->h, i);
				if (seen_add(&lv->seen, hint_id(x)))
					json_hint(&lv->b, r, x);
			}
	} else if (changed || !lv->replayed) {
		st_buf_adds(&lv->b, "--- hints at ");
		char t[32];
		time_t now = time(NULL);
		size_t n = st_format_time((st_time)now * 1000000, 0, t);
		st_buf_add(&lv->b, t, n);
		st_buf_adds(&lv->b, " ---\n");
		render(&lv->b, r, lv->o, lv->h);
		lv->printed = (long)st_hints_count(lv->h);
	}
	if (lv->b.len && !flush(&lv->b, lv->out)) {
		lv->failed = true;
		st_run_stop(r);
	}
}

static unsigned
on_pass(struct st_run *r, void *arg)
{
	struct live *lv = arg;
	if (!lv->replayed) {
		if (st_sources_replaying(r->sources) && !r->stopping && !r->signal)
			return 0;
		live_update(lv);
		lv->replayed = true;
		return 0;
	}
	if ((uint32_t)st_store_count(r->store) == lv->at)
		return 0;
	uint64_t now = uv_now(&r->loop);
	if (now - lv->last_ms < UPDATE_MS && r->signal == 0 && st_sources_live(r->sources) > 0)
		return (unsigned)(UPDATE_MS - (now - lv->last_ms));
	live_update(lv);
	return 0;
}

long
st_hints_follow(struct st_run *r, const struct st_hints_opts *o, FILE *out)
{
	if (r->notes == NULL)
		r->notes = st_notes_new();
	struct live lv = {.r = r, .o = o, .out = out};
	lv.h = st_hints_new(r->store, r->notes);
	st_run_live(r, on_pass, &lv);
	if (lv.b.len)
		flush(&lv.b, out);
	st_buf_free(&lv.b);
	free(lv.seen.k);
	st_hints_free(lv.h);
	return lv.failed ? -1 : lv.printed;
}
