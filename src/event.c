/*
 * event.c: names of kinds and levels, and the table that normalises the
 * level words formats write (INFO, Warning, err, CRIT, ...) to ours.
 *
 * st_level_from_word runs once per parsed line, so it switches on length
 * and compares without allocating or lower-casing a copy.
 */
#include <string.h>
#include <strings.h>

#include "strata/event.h"

const char *
st_kind_name(enum st_kind k)
{
	switch (k) {
	case ST_KIND_CHANGE:
		return "change";
	case ST_KIND_METRIC:
		return "metric";
	case ST_KIND_LOG:
	default:
		return "log";
	}
}

static const char *const level_names[] = {
	NULL, "trace", "debug", "info", "notice", "warn", "error", "fatal",
};

const char *
st_level_name(enum st_level l)
{
	return (unsigned)l < 8 ? level_names[l] : NULL;
}

static const struct {
	const char *w;
	enum st_level l;
} level_words[] = {
	{"trace", ST_LVL_TRACE},   {"trc", ST_LVL_TRACE},
	{"finest", ST_LVL_TRACE},  {"finer", ST_LVL_TRACE},
	{"debug", ST_LVL_DEBUG},   {"dbg", ST_LVL_DEBUG},
	{"fine", ST_LVL_DEBUG},    {"verbose", ST_LVL_DEBUG},
	{"info", ST_LVL_INFO},     {"inf", ST_LVL_INFO},
	{"information", ST_LVL_INFO}, {"informational", ST_LVL_INFO},
	{"notice", ST_LVL_NOTICE}, {"note", ST_LVL_NOTICE},
	{"warn", ST_LVL_WARN},     {"warning", ST_LVL_WARN},
	{"wrn", ST_LVL_WARN},
	{"error", ST_LVL_ERROR},   {"err", ST_LVL_ERROR},
	{"erro", ST_LVL_ERROR},    {"severe", ST_LVL_ERROR},
	{"fatal", ST_LVL_FATAL},   {"crit", ST_LVL_FATAL},
	{"critical", ST_LVL_FATAL}, {"alert", ST_LVL_FATAL},
	{"emerg", ST_LVL_FATAL},   {"emergency", ST_LVL_FATAL},
	{"panic", ST_LVL_FATAL},   {"ftl", ST_LVL_FATAL},
	{"crt", ST_LVL_FATAL},
};

enum st_level
st_level_from_word(const char *w, size_t n)
{
	if (n < 3 || n > 13)
		return ST_LVL_NONE;
	for (size_t i = 0; i < sizeof(level_words) / sizeof(level_words[0]); i++) {
		const char *c = level_words[i].w;
		if (strlen(c) == n && strncasecmp(c, w, n) == 0)
			return level_words[i].l;
	}
	return ST_LVL_NONE;
}

enum st_level
st_level_from_syslog(int severity)
{
	static const enum st_level map[8] = {
		ST_LVL_FATAL, ST_LVL_FATAL, ST_LVL_FATAL, ST_LVL_ERROR,
		ST_LVL_WARN,  ST_LVL_NOTICE, ST_LVL_INFO, ST_LVL_DEBUG,
	};
	return severity >= 0 && severity < 8 ? map[severity] : ST_LVL_NONE;
}
