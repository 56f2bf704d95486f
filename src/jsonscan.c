/*
 * jsonscan.c: a validating JSON cursor (see jsonscan.h).
 *
 * The cursor keeps one bit of state beside its position: `fresh`, set
 * right after an object or array opens, so the next member or element
 * needs no ',' before it. Reading any value clears it, and so does
 * closing a container, which is what lets a caller read members and
 * nested values in any mix without the cursor keeping a stack.
 *
 * Text that stops short (a document read as it arrives) fails with the
 * cursor at the end of the text, whatever was being read: a string, an
 * escape, a literal, a number's sign, or the items of a container. That
 * is what st_js_ended tells from a real mistake.
 *
 * Workload: Prometheus API answers up to 256 MiB, read once, byte by
 * byte; pretty-printed Kubernetes objects (a few KiB each) framed one by
 * one, some twice when a read cuts them. Nothing here allocates but
 * st_js_unescape's output.
 */
#include <string.h>

#include "jsonscan.h"

void
st_js_init(struct st_js *j, const char *p, size_t n)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = p;
	j->end = p + n;
}

void
st_js_init_inside(struct st_js *j, const char *p, size_t n, bool first)
{
	st_js_init(j, p, n);
	j->depth = 1;
	j->fresh = first;
}

bool
st_js_ended(const struct st_js *j)
{
	return j->why != NULL && j->at == j->end;
}

bool
st_js_fail(struct st_js *j, const char *why)
{
	if (j->why == NULL) {
		j->why = why;
		j->at = j->p;
	}
	return false;
}

static void
ws(struct st_js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static bool
fresh(const struct st_js *j)
{
	return j->fresh;
}

static void
set_fresh(struct st_js *j, bool on)
{
	j->fresh = on;
}

enum st_js_type
st_js_peek(struct st_js *j)
{
	if (j->why != NULL)
		return ST_JS_END;
	ws(j);
	if (j->p == j->end)
		return ST_JS_END;
	switch (*j->p) {
	case '{':
		return ST_JS_OBJECT;
	case '[':
		return ST_JS_ARRAY;
	case '"':
		return ST_JS_STRING;
	case 't':
		return ST_JS_TRUE;
	case 'f':
		return ST_JS_FALSE;
	case 'n':
		return ST_JS_NULL;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return ST_JS_NUMBER;
		return ST_JS_BAD;
	}
}

static bool
open_container(struct st_js *j, char c, const char *why)
{
	if (j->why != NULL)
		return false;
	ws(j);
	if (j->p == j->end || *j->p != c)
		return st_js_fail(j, why);
	if (j->depth >= ST_JS_DEPTH_MAX)
		return st_js_fail(j, "objects and arrays nested too deep");
	j->p++;
	j->depth++;
	set_fresh(j, true);
	return true;
}

bool
st_js_object(struct st_js *j)
{
	return open_container(j, '{', "expected an object ('{')");
}

bool
st_js_array(struct st_js *j)
{
	return open_container(j, '[', "expected an array ('[')");
}

/* Before the next item of a container closed by c: true when there is
 * one (its ',' read), false at the close (read) or on an error. */
static bool
next_item(struct st_js *j, char c, const char *why)
{
	if (j->why != NULL)
		return false;
	ws(j);
	if (j->p == j->end)
		return st_js_fail(j, c == '}' ? "the text ends inside an object"
		                              : "the text ends inside an array");
	if (*j->p == c) {
		j->p++;
		j->depth--;
		set_fresh(j, false);
		return false;
	}
	if (!fresh(j)) {
		if (*j->p != ',')
			return st_js_fail(j, why);
		j->p++;
		ws(j);
	}
	set_fresh(j, false);
	return true;
}

bool
st_js_member(struct st_js *j, struct st_js_span *key)
{
	if (!next_item(j, '}', "expected ',' or '}' after an object member"))
		return false;
	if (j->p == j->end || *j->p != '"')
		return st_js_fail(j, "expected a string (an object key)");
	if (!st_js_string(j, key))
		return false;
	ws(j);
	if (j->p == j->end || *j->p != ':')
		return st_js_fail(j, "expected ':' after an object key");
	j->p++;
	return true;
}

bool
st_js_element(struct st_js *j)
{
	if (!next_item(j, ']', "expected ',' or ']' after an array element"))
		return false;
	return true;
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
st_js_string(struct st_js *j, struct st_js_span *s)
{
	if (j->why != NULL)
		return false;
	ws(j);
	if (j->p == j->end || *j->p != '"')
		return st_js_fail(j, "expected a string");
	const char *q = j->p + 1;
	bool escaped = false;
	for (;;) {
		/* the plain run up to the next quote, backslash or control byte */
		while (q < j->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		if (q == j->end) {
			j->p = q;
			return st_js_fail(j, "the text ends inside a string");
		}
		if (*q == '"')
			break;
		if (*q != '\\') {
			j->p = q;
			return st_js_fail(j, "a control character inside a string (it must "
			                     "be escaped)");
		}
		escaped = true;
		if (q + 1 == j->end) {
			j->p = q + 1;
			return st_js_fail(j, "the text ends inside a string");
		}
		char e = q[1];
		if (e == 'u') {
			int k = 2;
			while (k < 6 && q + k < j->end && hex(q[k]) >= 0)
				k++;
			if (k < 6) {
				/* cut short by the end of the text, or a bad digit */
				j->p = q + k == j->end ? j->end : q;
				return st_js_fail(j, j->p == j->end ? "the text ends inside a string"
				                                    : "a \\u escape without four hex digits");
			}
			q += 6;
		} else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
		           e == 'r' || e == 't') {
			q += 2;
		} else {
			j->p = q;
			return st_js_fail(j, "an unknown escape in a string");
		}
	}
	s->p = j->p + 1;
	s->n = (size_t)(q - s->p);
	s->escaped = escaped;
	j->p = q + 1;
	set_fresh(j, false);
	return true;
}

static bool
digit(const struct st_js *j, const char *q)
{
	return q < j->end && *q >= '0' && *q <= '9';
}

bool
st_js_number(struct st_js *j, struct st_js_span *s)
{
	if (j->why != NULL)
		return false;
	ws(j);
	const char *q = j->p;
	if (q < j->end && *q == '-')
		q++;
	if (q == j->end && q > j->p) {
		j->p = q; /* a sign the text ends after */
		return st_js_fail(j, "a number without digits after its '-'");
	}
	if (!digit(j, q))
		return st_js_fail(j, "expected a number");
	if (*q == '0')
		q++;
	else
		while (digit(j, q))
			q++;
	if (q < j->end && *q == '.') {
		q++;
		if (!digit(j, q)) {
			j->p = q;
			return st_js_fail(j, "a number without digits after its '.'");
		}
		while (digit(j, q))
			q++;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < j->end && (*q == '+' || *q == '-'))
			q++;
		if (!digit(j, q)) {
			j->p = q;
			return st_js_fail(j, "a number without digits in its exponent");
		}
		while (digit(j, q))
			q++;
	}
	s->p = j->p;
	s->n = (size_t)(q - j->p);
	s->escaped = false;
	j->p = q;
	set_fresh(j, false);
	return true;
}

static bool
literal(struct st_js *j, const char *word)
{
	size_t n = strlen(word), have = (size_t)(j->end - j->p);
	if (have < n && memcmp(j->p, word, have) == 0) {
		j->p = j->end; /* "tru" and the text ends */
		return st_js_fail(j, "the text ends inside a literal (true, false or null)");
	}
	if (have < n || memcmp(j->p, word, n) != 0)
		return st_js_fail(j, "expected a value (an object, array, string, number, true, "
		                     "false or null)");
	j->p += n;
	set_fresh(j, false);
	return true;
}

bool
st_js_skip(struct st_js *j)
{
	struct st_js_span s;
	switch (st_js_peek(j)) {
	case ST_JS_OBJECT:
		if (!st_js_object(j))
			return false;
		while (st_js_member(j, &s))
			if (!st_js_skip(j))
				return false;
		break;
	case ST_JS_ARRAY:
		if (!st_js_array(j))
			return false;
		while (st_js_element(j))
			if (!st_js_skip(j))
				return false;
		break;
	case ST_JS_STRING:
		return st_js_string(j, &s);
	case ST_JS_NUMBER:
		return st_js_number(j, &s);
	case ST_JS_TRUE:
		return literal(j, "true");
	case ST_JS_FALSE:
		return literal(j, "false");
	case ST_JS_NULL:
		return literal(j, "null");
	case ST_JS_END:
		if (j->why == NULL)
			return st_js_fail(j, "the text ends where a value was expected");
		return false;
	case ST_JS_BAD:
		return st_js_fail(j, "expected a value (an object, array, string, number, true, "
		                     "false or null)");
	}
	set_fresh(j, false);
	return j->why == NULL;
}

bool
st_js_finish(struct st_js *j)
{
	if (j->why != NULL)
		return false;
	ws(j);
	if (j->p != j->end)
		return st_js_fail(j, "text after the end of the JSON document");
	return true;
}

const char *
st_js_where(const struct st_js *j, size_t *line, size_t *col, size_t *off)
{
	if (j->why == NULL)
		return NULL;
	size_t l = 1;
	const char *bol = j->start;
	for (const char *q = j->start; (q = memchr(q, '\n', (size_t)(j->at - q))) != NULL; q++) {
		l++;
		bol = q + 1;
	}
	*line = l;
	*col = (size_t)(j->at - bol) + 1;
	*off = (size_t)(j->at - j->start);
	return j->why;
}

size_t
st_js_compact(const char *p, size_t n, char *out)
{
	size_t k = 0, i = 0;
	while (i < n) {
		char c = p[i++];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		out[k++] = c;
		if (c != '"')
			continue;
		/* a string: copied up to its closing quote, escapes and all */
		while (i < n) {
			c = p[i++];
			out[k++] = c;
			if (c == '"')
				break;
			if (c == '\\' && i < n)
				out[k++] = p[i++];
		}
	}
	return k;
}

/* The code point at s->p[*i] (an escape decoded; other bytes one by
 * one), and *i moved past it. */
static unsigned long
next_cp(const struct st_js_span *s, size_t *i)
{
	const char *p = s->p;
	size_t k = *i;
	if (p[k] != '\\') {
		*i = k + 1;
		return (unsigned char)p[k];
	}
	char e = p[k + 1];
	*i = k + 2;
	switch (e) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'u':
		break;
	default:
		return (unsigned char)e; /* " \ / */
	}
	unsigned long cp = 0;
	for (int d = 2; d < 6; d++)
		cp = cp << 4 | (unsigned long)hex(p[k + d]);
	*i = k + 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return 0xfffd; /* a low surrogate alone */
	if (cp >= 0xd800 && cp <= 0xdbff) {
		size_t m = k + 6;
		if (m + 6 <= s->n && p[m] == '\\' && p[m + 1] == 'u') {
			unsigned long lo = 0;
			for (int d = 2; d < 6; d++)
				lo = lo << 4 | (unsigned long)hex(p[m + d]);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				*i = m + 6;
				return 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
		}
		return 0xfffd; /* a high surrogate alone */
	}
	return cp;
}

bool
st_js_eq(const struct st_js_span *s, const char *lit)
{
	size_t n = strlen(lit);
	if (!s->escaped)
		return s->n == n && memcmp(s->p, lit, n) == 0;
	size_t i = 0, k = 0;
	while (i < s->n) {
		unsigned long cp = next_cp(s, &i);
		if (k == n || cp != (unsigned char)lit[k])
			return false;
		k++;
	}
	return k == n;
}

void
st_js_unescape(const struct st_js_span *s, struct st_buf *out)
{
	if (!s->escaped) {
		st_buf_add(out, s->p, s->n);
		return;
	}
	size_t i = 0;
	while (i < s->n) {
		/* plain bytes (UTF-8 included) in one copy */
		size_t k = i;
		while (k < s->n && s->p[k] != '\\')
			k++;
		st_buf_add(out, s->p + i, k - i);
		i = k;
		if (i == s->n)
			break;
		unsigned long cp = next_cp(s, &i);
		char u[4];
		size_t un;
		if (cp < 0x80) {
			u[0] = (char)cp;
			un = 1;
		} else if (cp < 0x800) {
			u[0] = (char)(0xc0 | cp >> 6);
			u[1] = (char)(0x80 | (cp & 0x3f));
			un = 2;
		} else if (cp < 0x10000) {
			u[0] = (char)(0xe0 | cp >> 12);
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			u[2] = (char)(0x80 | (cp & 0x3f));
			un = 3;
		} else {
			u[0] = (char)(0xf0 | cp >> 18);
			u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
			u[3] = (char)(0x80 | (cp & 0x3f));
			un = 4;
		}
		st_buf_add(out, u, un);
	}
}
