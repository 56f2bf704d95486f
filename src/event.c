/*
 * event.c: names of kinds and levels, and the table that normalises the
 * level words formats write (INFO, Warning, err, CRIT, ...) to ours.
 *
 * st_level_from_word runs once per parsed line, so it switches on length
 * and compares without allocating or lower-casing a copy.
 */
#include <stdint.h>
#include <string.h>

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

/* Level words by length; compared after lower-casing into a small buffer. */
static const struct {
	const char *w;
	uint8_t len;
	uint8_t level;
} level_words[] = {
	{"trc", 3, ST_LVL_TRACE},    {"dbg", 3, ST_LVL_DEBUG},   {"inf", 3, ST_LVL_INFO},
	{"wrn", 3, ST_LVL_WARN},     {"err", 3, ST_LVL_ERROR},   {"ftl", 3, ST_LVL_FATAL},
	{"crt", 3, ST_LVL_FATAL},    {"info", 4, ST_LVL_INFO},   {"warn", 4, ST_LVL_WARN},
	{"erro", 4, ST_LVL_ERROR},   {"crit", 4, ST_LVL_FATAL},  {"fine", 4, ST_LVL_DEBUG},
	{"note", 4, ST_LVL_NOTICE},  {"trace", 5, ST_LVL_TRACE}, {"debug", 5, ST_LVL_DEBUG},
	{"error", 5, ST_LVL_ERROR},  {"fatal", 5, ST_LVL_FATAL}, {"alert", 5, ST_LVL_FATAL},
	{"emerg", 5, ST_LVL_FATAL},  {"panic", 5, ST_LVL_FATAL}, {"finer", 5, ST_LVL_TRACE},
	{"notice", 6, ST_LVL_NOTICE}, {"severe", 6, ST_LVL_ERROR}, {"finest", 6, ST_LVL_TRACE},
	{"warning", 7, ST_LVL_WARN}, {"verbose", 7, ST_LVL_DEBUG}, {"critical", 8, ST_LVL_FATAL},
	{"emergency", 9, ST_LVL_FATAL}, {"information", 11, ST_LVL_INFO},
	{"informational", 13, ST_LVL_INFO},
};

enum st_level
st_level_from_word(const char *w, size_t n)
{
	/* first letters of level words: most words leave here */
	static const uint32_t firsts = 1u << ('a' - 'a') | 1u << ('c' - 'a') | 1u << ('d' - 'a') |
	                               1u << ('e' - 'a') | 1u << ('f' - 'a') | 1u << ('i' - 'a') |
	                               1u << ('n' - 'a') | 1u << ('p' - 'a') | 1u << ('s' - 'a') |
	                               1u << ('t' - 'a') | 1u << ('v' - 'a') | 1u << ('w' - 'a');
	if (n < 3 || n > 13)
		return ST_LVL_NONE;
	unsigned f = (unsigned)(w[0] | 0x20) - 'a';
	if (f >= 26 || !(firsts >> f & 1))
		return ST_LVL_NONE;
	char low[16];
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		else if (c < 'a' || c > 'z')
			return ST_LVL_NONE;
		low[i] = c;
	}
	for (size_t i = 0; i < sizeof(level_words) / sizeof(level_words[0]); i++)
		if (level_words[i].len == n && level_words[i].w[0] == low[0] &&
		    memcmp(level_words[i].w, low, n) == 0)
			return (enum st_level)level_words[i].level;
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
