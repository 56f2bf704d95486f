/*
 * layout.c: strftime-like time layouts (see layout.h).
 *
 * Compiling turns the layout text into steps and checks that the
 * directives make a time (a date, no field given twice, %I with %p, ...),
 * so a bad layout is refused when its format file loads, never per line.
 * Reading walks the steps once over the stamp. It runs once per line of a
 * source locked on a user format: no allocation, no locale, digits by
 * hand; the explanation (why) is only built when a caller asks for it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "strata/layout.h"
#include "strata/util.h"

enum op {
	OP_LIT,     /* one character, itself */
	OP_BLANK,   /* one or more spaces or tabs */
	OP_YEAR4,   /* %Y */
	OP_YEAR2,   /* %y */
	OP_MON,     /* %m */
	OP_MONNAME, /* %b %B */
	OP_DAY,     /* %d */
	OP_DAYSP,   /* %e */
	OP_YDAY,    /* %j */
	OP_HOUR,    /* %H */
	OP_HOUR12,  /* %I */
	OP_MIN,     /* %M */
	OP_SEC,     /* %S */
	OP_FRAC,    /* %f */
	OP_OFRAC,   /* %.f */
	OP_OFF,     /* %z */
	OP_ZONE,    /* %Z */
	OP_AMPM,    /* %p */
	OP_WDAY,    /* %a %A */
	OP_EPOCH,   /* %s */
};

/* What a layout gives: each at most once. */
enum slot {
	S_YEAR,
	S_MON,
	S_DAY,
	S_YDAY,
	S_HOUR,
	S_MIN,
	S_SEC,
	S_FRAC,
	S_ZONE,
	S_AMPM,
	S_WDAY,
	S_EPOCH,
	S_COUNT,
};

static const char *const slot_name[S_COUNT] = {
	"the year", "the month",  "the day",     "the day of the year",
	"the hour", "the minute", "the second",  "the fraction of a second",
	"the zone", "AM or PM",   "the weekday", "the epoch time",
};

static const struct directive {
	char c;
	uint8_t op;
	uint8_t slot;
} directives[] = {
	{'Y', OP_YEAR4, S_YEAR},  {'y', OP_YEAR2, S_YEAR},  {'m', OP_MON, S_MON},
	{'b', OP_MONNAME, S_MON}, {'B', OP_MONNAME, S_MON}, {'h', OP_MONNAME, S_MON},
	{'d', OP_DAY, S_DAY},     {'e', OP_DAYSP, S_DAY},   {'j', OP_YDAY, S_YDAY},
	{'H', OP_HOUR, S_HOUR},   {'I', OP_HOUR12, S_HOUR}, {'M', OP_MIN, S_MIN},
	{'S', OP_SEC, S_SEC},     {'f', OP_FRAC, S_FRAC},   {'z', OP_OFF, S_ZONE},
	{'Z', OP_ZONE, S_ZONE},   {'p', OP_AMPM, S_AMPM},   {'a', OP_WDAY, S_WDAY},
	{'A', OP_WDAY, S_WDAY},   {'s', OP_EPOCH, S_EPOCH},
};

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool
push(struct st_layout *l, uint8_t op, char ch, size_t at)
{
	if (l->n >= ST_LAYOUT_STEPS_MAX)
		return false;
	l->step[l->n].op = op;
	l->step[l->n].ch = ch;
	l->step[l->n].at = (uint16_t)(at > UINT16_MAX ? UINT16_MAX : at);
	l->n++;
	return true;
}

#define HAS(l, s) (((l)->have >> (s)) & 1u)

/* Where each slot was first given, for messages. */
struct given {
	size_t at[S_COUNT];
	char dir[S_COUNT][4];
};

/* Add directive `name` (op, slot) written at byte `at`; false with a
 * message when its slot is taken. */
static bool
take(struct st_layout *l, struct given *g, const char *name, uint8_t op, uint8_t slot, char ch,
     size_t at, char *err, size_t errlen)
{
	if (HAS(l, slot)) {
		errf(err, errlen,
		     "%s at byte %zu of the time layout gives %s, already given by %s at byte %zu",
		     name, at, slot_name[slot], g->dir[slot], g->at[slot]);
		return false;
	}
	l->have |= 1u << slot;
	g->at[slot] = at;
	snprintf(g->dir[slot], sizeof(g->dir[slot]), "%s", name);
	if (!push(l, op, ch, at)) {
		errf(err, errlen, "the time layout is too long (more than %d steps)",
		     ST_LAYOUT_STEPS_MAX);
		return false;
	}
	return true;
}

static const struct directive *
directive(char c)
{
	for (size_t j = 0; j < ST_ARRAY_LEN(directives); j++)
		if (directives[j].c == c)
			return &directives[j];
	return NULL;
}

int
st_layout_compile(struct st_layout *l, const char *text, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	struct given g;
	size_t len = strlen(text);
	if (len == 0) {
		errf(err, errlen, "the time layout is empty");
		return ST_EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t') {
			while (i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t'))
				i++;
			if (!push(l, OP_BLANK, ' ', i))
				goto too_long;
			continue;
		}
		if (c != '%' || (i + 1 < len && text[i + 1] == '%')) {
			i += c == '%'; /* %% is a literal % */
			if (!push(l, OP_LIT, c, i))
				goto too_long;
			continue;
		}
		size_t at = i;
		if (i + 1 >= len) {
			errf(err, errlen,
			     "a lone %% at the end of the time layout "
			     "(write %%%% for a literal %%)");
			return ST_EINVAL;
		}
		c = text[++i];
		if (c == 'T' || c == 'F') {
			/* shorthands: each directive of the expansion is checked */
			const char *x = c == 'T' ? "H:M:S" : "Y-m-d";
			char name[4] = {'%', c, 0, 0};
			for (; *x; x++) {
				const struct directive *d = directive(*x);
				if (d == NULL) {
					if (!push(l, OP_LIT, *x, at))
						goto too_long;
				} else if (!take(l, &g, name, d->op, d->slot, *x, at, err,
				                 errlen)) {
					return ST_EINVAL;
				}
			}
			continue;
		}
		if (c == '.' && i + 1 < len && text[i + 1] == 'f') {
			i++;
			if (!take(l, &g, "%.f", OP_OFRAC, S_FRAC, 'f', at, err, errlen))
				return ST_EINVAL;
			continue;
		}
		const struct directive *d = directive(c);
		if (d == NULL) {
			if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
				errf(err, errlen,
				     "unknown directive %%%c at byte %zu of the time layout", c,
				     at);
			else
				errf(err, errlen,
				     "unknown directive %%\\x%02x at byte %zu of the time layout",
				     (unsigned char)c, at);
			return ST_EINVAL;
		}
		char name[4] = {'%', c, 0, 0};
		if (!take(l, &g, name, d->op, d->slot, c, at, err, errlen))
			return ST_EINVAL;
	}

	/* the directives must make one time */
	bool h12 = false;
	for (unsigned k = 0; k < l->n; k++)
		h12 |= l->step[k].op == OP_HOUR12;
	if (HAS(l, S_EPOCH)) {
		for (unsigned s = 0; s < S_COUNT; s++)
			if (s != S_EPOCH && s != S_FRAC && HAS(l, s)) {
				errf(err, errlen,
				     "%%s gives the whole time: it cannot be combined with %s (%s)",
				     g.dir[s], slot_name[s]);
				return ST_EINVAL;
			}
		return 0;
	}
	if (h12 && !HAS(l, S_AMPM)) {
		errf(err, errlen, "%%I (12-hour clock) needs %%p (AM or PM)");
		return ST_EINVAL;
	}
	if (HAS(l, S_AMPM) && !h12) {
		errf(err, errlen, "%%p (AM or PM) needs %%I, the 12-hour clock");
		return ST_EINVAL;
	}
	if (HAS(l, S_YDAY)) {
		if (HAS(l, S_MON) || HAS(l, S_DAY)) {
			errf(err, errlen,
			     "%%j gives the month and day: it cannot be combined with %s",
			     HAS(l, S_MON) ? g.dir[S_MON] : g.dir[S_DAY]);
			return ST_EINVAL;
		}
		if (!HAS(l, S_YEAR)) {
			errf(err, errlen, "%%j (day of the year) needs a year (%%Y or %%y)");
			return ST_EINVAL;
		}
	} else if (HAS(l, S_MON) != HAS(l, S_DAY)) {
		if (HAS(l, S_MON))
			errf(err, errlen,
			     "the time layout has a month (%s) but no day (%%d or %%e)",
			     g.dir[S_MON]);
		else
			errf(err, errlen,
			     "the time layout has a day (%s) but no month (%%m or %%b)",
			     g.dir[S_DAY]);
		return ST_EINVAL;
	} else if (!HAS(l, S_MON) && (HAS(l, S_YEAR) || !HAS(l, S_HOUR))) {
		/* no date: a time of day alone is date-less (st_civil_resolve) */
		errf(err, errlen,
		     "the time layout has no date: it needs %%d with %%m or %%b, "
		     "%%j with %%Y, or %%s (or a time of day alone: %%H:%%M:%%S)");
		return ST_EINVAL;
	}
	if (HAS(l, S_MIN) && !HAS(l, S_HOUR)) {
		errf(err, errlen, "the time layout has minutes (%%M) but no hour (%%H or %%I)");
		return ST_EINVAL;
	}
	if (HAS(l, S_SEC) && !HAS(l, S_MIN)) {
		errf(err, errlen, "the time layout has seconds (%%S) but no minutes (%%M)");
		return ST_EINVAL;
	}
	if (HAS(l, S_FRAC) && !HAS(l, S_SEC)) {
		errf(err, errlen, "the time layout has a fraction (%s) but no seconds (%%S or %%s)",
		     g.dir[S_FRAC]);
		return ST_EINVAL;
	}
	return 0;

too_long:
	errf(err, errlen, "the time layout is too long (more than %d steps)", ST_LAYOUT_STEPS_MAX);
	return ST_EINVAL;
}

/* ---- reading */

static const char *const month_names[12] = {
	"january", "february", "march",     "april",   "may",      "june",
	"july",    "august",   "september", "october", "november", "december",
};
static const char *const wday_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};

static bool
ieq(const char *s, size_t n, const char *lower)
{
	size_t k = strlen(lower);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if ((char)(s[i] | 0x20) != lower[i] ||
		    !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* A name from names[] (full, or its first three letters): index + 1 and
 * *used, or 0. */
static int
read_name(const char *s, size_t n, const char *const *names, int count, size_t *used)
{
	for (int i = 0; i < count; i++)
		if (ieq(s, n, names[i])) {
			*used = strlen(names[i]);
			return i + 1;
		}
	for (int i = 0; i < count; i++) {
		char abbr[4] = {names[i][0], names[i][1], names[i][2], 0};
		if (ieq(s, n, abbr)) {
			*used = 3;
			return i + 1;
		}
	}
	return 0;
}

/* A short, printable view of the bytes at s for messages. */
static const char *
show(const char *s, size_t n, char *buf, size_t cap)
{
	size_t o = 0;
	if (n == 0)
		return "the end of the time";
	buf[o++] = '\'';
	for (size_t i = 0; i < n && o + 6 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			snprintf(buf + o, cap - o, "\\x%02x", c);
			o += 4;
		}
		if (i == 11 && i + 1 < n) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

static int
why_set(struct st_layout_err *why, size_t pos, int rc, const char *fmt, ...)
{
	if (why == NULL)
		return rc;
	why->pos = pos;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/* A directive as written, for messages. */
static const char *
dir_name(const struct st_layout_step *st, char *buf)
{
	if (st->op == OP_OFRAC)
		return "%.f";
	buf[0] = '%';
	buf[1] = st->ch;
	buf[2] = '\0';
	return buf;
}

/* Read a number of min..max digits at s[*i]; false when there is none. */
static bool
num(const char *s, size_t n, size_t *i, size_t min, size_t max, int *v)
{
	size_t k = st_digits(s + *i, n - *i, min, max, v);
	if (k == 0)
		return false;
	*i += k;
	return true;
}

/* Fraction digits (1-9) as microseconds. */
static bool
frac(const char *s, size_t n, size_t *i, int *usec)
{
	size_t k = 0;
	int v = 0;
	while (*i + k < n && k < 9 && s[*i + k] >= '0' && s[*i + k] <= '9') {
		if (k < 6)
			v = v * 10 + (s[*i + k] - '0');
		k++;
	}
	if (k == 0)
		return false;
	for (size_t d = k; d < 6; d++)
		v *= 10;
	*usec = v;
	*i += k;
	return true;
}

int
st_layout_parse(const struct st_layout *l, const struct st_timectx *tc, const char *s, size_t n,
		st_time *out, struct st_layout_err *why)
{
	struct st_civil c = {.year = -1, .mon = 1, .day = 1};
	int v = 0, yday = 0, pm = -1;
	int64_t epoch = -1;
	size_t i = 0, day_at = 0, yday_at = 0;
	char b1[48], b2[4];
	for (unsigned k = 0; k < l->n; k++) {
		const struct st_layout_step *st = &l->step[k];
		size_t at = i;
		switch (st->op) {
		case OP_LIT:
			if (i >= n || s[i] != st->ch)
				return why_set(why, i, ST_ENOMATCH,
				               "byte %zu: the layout wants '%c' here, not %s", i,
				               st->ch, show(s + i, n - i, b1, sizeof(b1)));
			i++;
			continue;
		case OP_BLANK:
			if (i >= n || (s[i] != ' ' && s[i] != '\t'))
				return why_set(why, i, ST_ENOMATCH,
				               "byte %zu: the layout wants a blank here, not %s", i,
				               show(s + i, n - i, b1, sizeof(b1)));
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			continue;
		case OP_YEAR4:
			if (!num(s, n, &i, 4, 4, &c.year))
				goto want_digits;
			continue;
		case OP_YEAR2:
			if (!num(s, n, &i, 2, 2, &v))
				goto want_digits;
			c.year = v < 69 ? 2000 + v : 1900 + v;
			continue;
		case OP_MON:
			if (!num(s, n, &i, 1, 2, &c.mon))
				goto want_digits;
			if (c.mon < 1 || c.mon > 12)
				return why_set(why, at, ST_ERANGE,
				               "byte %zu: month %d is out of range (1-12)", at,
				               c.mon);
			continue;
		case OP_MONNAME: {
			size_t used = 0;
			c.mon = read_name(s + i, n - i, month_names, 12, &used);
			if (c.mon == 0)
				return why_set(why, i, ST_ENOMATCH,
				               "byte %zu: %s wants an English month name, not %s",
				               i, dir_name(st, b2),
				               show(s + i, n - i, b1, sizeof(b1)));
			i += used;
			continue;
		}
		case OP_DAYSP:
			if (i < n && s[i] == ' ')
				i++;
			/* fall through */
		case OP_DAY:
			day_at = i;
			if (!num(s, n, &i, 1, 2, &c.day))
				goto want_digits;
			if (c.day < 1 || c.day > 31)
				return why_set(why, day_at, ST_ERANGE,
				               "byte %zu: day %d is out of range (1-31)", day_at,
				               c.day);
			continue;
		case OP_YDAY:
			yday_at = i;
			if (!num(s, n, &i, 1, 3, &yday))
				goto want_digits;
			if (yday < 1 || yday > 366)
				return why_set(
				        why, at, ST_ERANGE,
				        "byte %zu: day of the year %d is out of range (1-366)", at,
				        yday);
			continue;
		case OP_HOUR:
			if (!num(s, n, &i, 1, 2, &c.hour))
				goto want_digits;
			if (c.hour > 23)
				return why_set(why, at, ST_ERANGE,
				               "byte %zu: hour %d is out of range (0-23)", at,
				               c.hour);
			continue;
		case OP_HOUR12:
			if (!num(s, n, &i, 1, 2, &c.hour))
				goto want_digits;
			if (c.hour < 1 || c.hour > 12)
				return why_set(why, at, ST_ERANGE,
				               "byte %zu: hour %d is out of range for %%I (1-12)",
				               at, c.hour);
			continue;
		case OP_MIN:
			if (!num(s, n, &i, 1, 2, &c.min))
				goto want_digits;
			if (c.min > 59)
				return why_set(why, at, ST_ERANGE,
				               "byte %zu: minute %d is out of range (0-59)", at,
				               c.min);
			continue;
		case OP_SEC:
			if (!num(s, n, &i, 1, 2, &c.sec))
				goto want_digits;
			if (c.sec > 60)
				return why_set(why, at, ST_ERANGE,
				               "byte %zu: second %d is out of range (0-60)", at,
				               c.sec);
			continue;
		case OP_FRAC:
			if (!frac(s, n, &i, &c.usec))
				goto want_digits;
			continue;
		case OP_OFRAC:
			if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' &&
			    s[i + 1] <= '9') {
				i++;
				frac(s, n, &i, &c.usec);
			}
			continue;
		case OP_OFF: {
			if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
				c.has_off = true;
				c.off_sec = 0;
				i++;
				continue;
			}
			int h, m = 0;
			if (i >= n || (s[i] != '+' && s[i] != '-') ||
			    st_digits(s + i + 1, n - i - 1, 2, 2, &h) != 2)
				return why_set(
				        why, i, ST_ENOMATCH,
				        "byte %zu: %%z wants Z, +hh:mm, +hhmm or +hh, not %s", i,
				        show(s + i, n - i, b1, sizeof(b1)));
			size_t j = i + 3;
			if (j < n && s[j] == ':' && st_digits(s + j + 1, n - j - 1, 2, 2, &m) == 2)
				j += 3;
			else if (st_digits(s + j, n - j, 2, 2, &m) == 2)
				j += 2;
			if (h > 23 || m > 59)
				return why_set(why, i, ST_ERANGE,
				               "byte %zu: offset %.*s is out of range", i,
				               (int)(j - i), s + i);
			c.has_off = true;
			c.off_sec = (h * 3600 + m * 60) * (s[i] == '-' ? -1 : 1);
			i = j;
			continue;
		}
		case OP_ZONE: {
			size_t j = i;
			while (j < n &&
			       ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
				j++;
			size_t w = j - i;
			if ((w == 3 && (ieq(s + i, w, "utc") || ieq(s + i, w, "gmt"))) ||
			    (w == 2 && ieq(s + i, w, "ut")) || (w == 1 && ieq(s + i, w, "z"))) {
				c.has_off = true;
				c.off_sec = 0;
				i = j;
				continue;
			}
			return why_set(
			        why, i, ST_ENOMATCH,
			        "byte %zu: %%Z reads the zone names UTC, GMT, UT and Z, not %s "
			        "(use %%z for offsets)",
			        i, show(s + i, w ? w : n - i, b1, sizeof(b1)));
		}
		case OP_AMPM:
			if (i + 2 <= n && (ieq(s + i, 2, "am") || ieq(s + i, 2, "pm"))) {
				pm = (s[i] | 0x20) == 'p';
				i += 2;
				continue;
			}
			return why_set(why, i, ST_ENOMATCH, "byte %zu: %%p wants AM or PM, not %s",
			               i, show(s + i, n - i, b1, sizeof(b1)));
		case OP_WDAY: {
			size_t used = 0;
			if (read_name(s + i, n - i, wday_names, 7, &used) == 0)
				return why_set(why, i, ST_ENOMATCH,
				               "byte %zu: %s wants an English weekday name, not %s",
				               i, dir_name(st, b2),
				               show(s + i, n - i, b1, sizeof(b1)));
			i += used;
			continue;
		}
		case OP_EPOCH: {
			size_t j = i;
			epoch = 0;
			while (j < n && j - i < 12 && s[j] >= '0' && s[j] <= '9')
				epoch = epoch * 10 + (s[j++] - '0');
			if (j == i)
				goto want_digits;
			if (epoch >= 253402300800LL)
				return why_set(why, i, ST_ERANGE,
				               "byte %zu: epoch time %lld is after the year 9999",
				               i, (long long)epoch);
			i = j;
			continue;
		}
		}
		continue;
	want_digits:
		return why_set(why, i, ST_ENOMATCH, "byte %zu: %s wants digits here, not %s", i,
		               dir_name(st, b2), show(s + i, n - i, b1, sizeof(b1)));
	}
	if (i < n)
		return why_set(why, i, ST_ENOMATCH,
		               "byte %zu: the layout ends but the time goes on with %s", i,
		               show(s + i, n - i, b1, sizeof(b1)));
	if (epoch >= 0) {
		*out = epoch * ST_USEC + c.usec;
		return 0;
	}
	if (pm >= 0)
		c.hour = c.hour % 12 + (pm ? 12 : 0);
	if (!HAS(l, S_MON) && !HAS(l, S_YDAY)) {
		c.mon = c.day = 0; /* a time of day alone: the date comes from tc */
		if (st_civil_resolve(tc, c, out) < 0)
			return why_set(why, 0, ST_ERANGE, "the time is out of range");
		return 0;
	}
	if (yday > 0) {
		int days = st_is_leap(c.year) ? 366 : 365;
		if (yday > days)
			return why_set(why, yday_at, ST_ERANGE,
			               "byte %zu: day of the year %d, but %d has %d days", yday_at,
			               yday, c.year, days);
		c.mon = 1;
		while (yday > st_days_in_month(c.year, c.mon))
			yday -= st_days_in_month(c.year, c.mon++);
		c.day = yday;
	}
	int dim = st_days_in_month(c.year < 0 ? 2000 : c.year, c.mon);
	if (c.day > dim) {
		if (c.year >= 0)
			return why_set(why, day_at, ST_ERANGE,
			               "byte %zu: day %d of month %d does not exist in %d", day_at,
			               c.day, c.mon, c.year);
		return why_set(why, day_at, ST_ERANGE,
		               "byte %zu: day %d of month %d does not exist", day_at, c.day, c.mon);
	}
	if (st_civil_resolve(tc, c, out) < 0)
		return why_set(why, 0, ST_ERANGE, "the time is out of range");
	return 0;
}
