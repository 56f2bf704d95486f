/*
 * bookmarks.c: the viewer's bookmarks and their state file (see
 * bookmarks.h for the format and the ownership rule).
 *
 * A set is a plain array in the order bookmarks were made (or read);
 * lookups are linear, which is right for the tens of bookmarks a person
 * sets by hand. Loading reads the whole file (at most ST_STATE_FILE_MAX)
 * into one buffer and decodes each line in place: unescaping only ever
 * shortens a field. Saving builds the whole file in memory, writes it
 * beside the target and renames it over, so a crash or a full disk leaves
 * the previous state whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata/bookmarks.h"
#include "strata/util.h"

/* A source that is not a file: its key is its name. Mirrors the prefixes
 * st_sources_add tells apart (source.c). */
static bool
named_source(const char *name)
{
	return strcmp(name, "-") == 0 || strncmp(name, "cmd:", 4) == 0 ||
	       strncasecmp(name, "http://", 7) == 0 || strncasecmp(name, "https://", 8) == 0 ||
	       strncasecmp(name, "prometheus://", 13) == 0;
}

char *
st_bookmark_source_key(const char *name)
{
	if (!named_source(name)) {
		char *real = realpath(name, NULL);
		if (real != NULL)
			return real;
	}
	return st_xstrdup(name);
}

/* ST_STATE_NAME inside the directory dir[0..len); the current directory
 * when len is 0. */
static char *
state_in(const char *dir, size_t len)
{
	if (len == 0)
		return st_xstrdup(ST_STATE_NAME);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *sep = dir[len - 1] == '/' ? "" : "/";
	size_t size = len + strlen(sep) + sizeof(ST_STATE_NAME);
	char *p = st_xmalloc(size);
	snprintf(p, size, "%.*s%s%s", (int)len, dir, sep, ST_STATE_NAME);
	return p;
}

char *
st_state_path(const char *explicit_path, const char *const *sources, size_t n)
{
	if (explicit_path != NULL)
		return st_xstrdup(explicit_path);
	for (size_t i = 0; i < n; i++) {
		const char *name = sources[i];
		struct stat sb;
		if (named_source(name) || stat(name, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			return state_in(name, strlen(name));
		/* Only a regular file: a pipe or a device (<(cmd) is
		 * /dev/fd/63) has no directory a state file belongs in. */
		if (!S_ISREG(sb.st_mode))
			continue;
		const char *slash = strrchr(name, '/');
		if (slash == NULL)
			return state_in(name, 0);
		size_t len = (size_t)(slash - name);
		while (len > 0 && name[len - 1] == '/')
			len--;
		return state_in(name, len == 0 ? 1 : len); /* "/x.log": the root */
	}
	return state_in(NULL, 0);
}

struct st_bookmark *
st_bookmarks_find(const struct st_bookmarks *b, const char *source_key, uint32_t line)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].line == line && strcmp(b->v[i].source, source_key) == 0)
			return &b->v[i];
	return NULL;
}

void
st_bookmarks_set(struct st_bookmarks *b, const char *source_key, uint32_t line, st_time ts,
                 const char *note)
{
	if (note == NULL)
		note = "";
	struct st_bookmark *bm = st_bookmarks_find(b, source_key, line);
	if (bm != NULL) {
		char *copy = st_xstrdup(note); /* before the free: note may be bm->note */
		free(bm->note);
		bm->note = copy;
		bm->ts = ts;
		return;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->v = st_xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	bm = &b->v[b->n++];
	bm->source = st_xstrdup(source_key);
	bm->line = line;
	bm->ts = ts;
	bm->note = st_xstrdup(note);
}

bool
st_bookmarks_remove(struct st_bookmarks *b, const char *source_key, uint32_t line)
{
	struct st_bookmark *bm = st_bookmarks_find(b, source_key, line);
	if (bm == NULL)
		return false;
	free(bm->source);
	free(bm->note);
	size_t i = (size_t)(bm - b->v);
	memmove(bm, bm + 1, (b->n - i - 1) * sizeof(*bm));
	b->n--;
	return true;
}

void
st_bookmarks_free(struct st_bookmarks *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].source);
		free(b->v[i].note);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* Loading */

/* Read all of fd into a NUL-terminated buffer; 0, ST_ETOOBIG or -errno. */
static int
read_all(int fd, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *p = st_xmalloc(cap);
	for (;;) {
		if (len == cap - 1) {
			if (cap > ST_STATE_FILE_MAX) {
				free(p);
				return ST_ETOOBIG;
			}
			cap *= 2;
			p = st_xreallocarray(p, cap, 1);
		}
		ssize_t r = read(fd, p + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(p);
			return e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > ST_STATE_FILE_MAX) {
		free(p);
		return ST_ETOOBIG;
	}
	p[len] = '\0';
	*out = p;
	*outlen = len;
	return 0;
}

/* Undo the escapes of a field in place; its new end, or NULL when it
 * holds an unknown escape. */
static char *
unescape(char *s, char *end)
{
	char *w = s;
	for (char *r = s; r < end; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		if (++r == end)
			return NULL;
		switch (*r) {
		case '\\': *w++ = '\\'; break;
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		default: return NULL;
		}
	}
	*w = '\0';
	return w;
}

/* Decode one bookmark line (its fields after "bookmark\t", NUL-free,
 * without its newline) into b; NULL, or why it is bad. */
static const char *
load_bookmark(char *s, char *end, struct st_bookmarks *b)
{
	char *f[4];
	char *fend[4];
	int nf = 0;
	char *start = s;
	for (char *p = s;; p++) {
		if (p == end || *p == '\t') {
			if (nf == 4)
				return "more than five fields";
			f[nf] = start;
			fend[nf++] = p;
			if (p == end)
				break;
			start = p + 1;
		}
	}
	if (nf != 4)
		return "fewer than five fields";

	/* LINE: decimal digits only, within uint32 */
	uint64_t line = 0;
	if (f[1] == fend[1])
		return "no line number";
	for (char *p = f[1]; p < fend[1]; p++) {
		if (*p < '0' || *p > '9')
			return "bad line number";
		line = line * 10 + (uint64_t)(*p - '0');
		if (line > UINT32_MAX)
			return "line number out of range";
	}

	/* TIME: "-" or the whole field one RFC 3339 date and time */
	st_time ts = ST_TIME_NONE;
	size_t tlen = (size_t)(fend[2] - f[2]);
	if (!(tlen == 1 && f[2][0] == '-')) {
		struct st_civil c;
		struct st_timectx tc;
		st_timectx_init(&tc, NULL, 0);
		if (tlen == 0 || st_parse_iso(f[2], tlen, &c, false) != tlen ||
		    st_civil_resolve(&tc, c, &ts) < 0)
			return "bad time";
	}

	if (unescape(f[0], fend[0]) == NULL || unescape(f[3], fend[3]) == NULL)
		return "bad escape (only \\\\, \\t and \\n)";
	if (f[0][0] == '\0')
		return "no source";
	st_bookmarks_set(b, f[0], (uint32_t)line, ts, f[3]);
	return NULL;
}

static void
set_err(char *err, size_t errn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errn, const char *fmt, ...)
{
	if (errn == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errn, fmt, ap);
	va_end(ap);
}

int
st_bookmarks_load(const char *path, struct st_bookmarks *b, char *err, size_t errn)
{
	set_err(err, errn, "%s", "");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		int e = -errno;
		set_err(err, errn, "%s", strerror(-e));
		return e;
	}
	char *buf = NULL;
	size_t len = 0;
	int rc = read_all(fd, &buf, &len);
	close(fd);
	if (rc == ST_ETOOBIG) {
		set_err(err, errn, "larger than %u MiB, not read", ST_STATE_FILE_MAX >> 20);
		return rc;
	}
	if (rc < 0) {
		set_err(err, errn, "%s", strerror(-rc));
		return rc;
	}

	size_t lineno = 0, nbad = 0;
	char first[160] = "";
	rc = 0;
	for (char *s = buf, *bufend = buf + len; s < bufend;) {
		char *nl = memchr(s, '\n', (size_t)(bufend - s));
		char *end = nl ? nl : bufend;
		char *next = nl ? nl + 1 : bufend;
		size_t n = (size_t)(end - s);
		lineno++;
		if (lineno == 1) {
			size_t hl = strlen(ST_STATE_HEADER);
			if (n == hl && memcmp(s, ST_STATE_HEADER, hl) == 0) {
				s = next;
				continue;
			}
			const char *pre = "# strata state ";
			if (n > strlen(pre) && memcmp(s, pre, strlen(pre)) == 0)
				set_err(err, errn, "line 1: state format \"%.*s\", this strata reads only 1",
				        (int)ST_MIN(n - strlen(pre), 32), s + strlen(pre));
			else
				set_err(err, errn, "line 1: not a strata state file (no \"%s\" header)",
				        ST_STATE_HEADER);
			rc = ST_EINVAL;
			break;
		}
		const char *why = NULL;
		if (n == 0 || s[0] == '#')
			; /* a comment */
		else if (memchr(s, '\0', n) != NULL)
			why = "a NUL byte";
		else if (n > 9 && memcmp(s, "bookmark\t", 9) == 0)
			why = load_bookmark(s + 9, end, b);
		else if (n == 8 && memcmp(s, "bookmark", 8) == 0)
			why = "fewer than five fields";
		/* else a type a later strata wrote: ignored */
		if (why != NULL && nbad++ == 0)
			snprintf(first, sizeof(first), "line %zu: bad bookmark: %s", lineno, why);
		s = next;
	}
	free(buf);
	if (nbad > 0) {
		if (nbad == 1)
			set_err(err, errn, "%s", first);
		else
			set_err(err, errn, "%s (and %zu more bad lines)", first, nbad - 1);
		rc = ST_EINVAL;
	}
	return rc;
}

/* Saving */

static void
add_escaped(struct st_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': st_buf_add(out, "\\\\", 2); break;
		case '\t': st_buf_add(out, "\\t", 2); break;
		case '\n': st_buf_add(out, "\\n", 2); break;
		default: st_buf_addc(out, *s);
		}
	}
}

/* RFC 3339 (and st_parse_iso) reach from year 1 to 9999: a time outside
 * is saved as untimed rather than as one that would not load again. */
static st_time
savable_time(st_time t)
{
	st_time lo = st_days_from_civil(1, 1, 1) * ST_DAY_USEC;
	st_time hi = st_days_from_civil(10000, 1, 1) * ST_DAY_USEC;
	return t >= lo && t < hi ? t : ST_TIME_NONE;
}

static int
cmp_saved(const void *pa, const void *pb)
{
	const struct st_bookmark *a = *(const struct st_bookmark *const *)pa;
	const struct st_bookmark *b = *(const struct st_bookmark *const *)pb;
	st_time ta = savable_time(a->ts), tb = savable_time(b->ts);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	int c = strcmp(a->source, b->source);
	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
st_bookmarks_save(const char *path, const struct st_bookmarks *b)
{
	if (b->n == 0) {
		if (unlink(path) == 0 || errno == ENOENT)
			return 0;
		return -errno;
	}

	const struct st_bookmark **order = st_xreallocarray(NULL, b->n, sizeof(*order));
	for (size_t i = 0; i < b->n; i++)
		order[i] = &b->v[i];
	qsort(order, b->n, sizeof(*order), cmp_saved);
	struct st_buf out = {0};
	st_buf_adds(&out, ST_STATE_HEADER "\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct st_bookmark *bm = order[i];
		char t[32];
		st_format_time(savable_time(bm->ts), 6, t);
		st_buf_adds(&out, "bookmark\t");
		add_escaped(&out, bm->source);
		st_buf_addf(&out, "\t%" PRIu32 "\t%s\t", bm->line, t);
		add_escaped(&out, bm->note);
		st_buf_addc(&out, '\n');
	}
	free(order);

	size_t tlen = strlen(path) + 32;
	char *tmp = st_xmalloc(tlen);
	snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
	int rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST) {
		/* left by a run of ours that died: same name, same pid */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	}
	if (fd < 0) {
		rc = -errno;
		goto free_tmp;
	}
	rc = write_all(fd, out.p, out.len);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
free_tmp:
	free(tmp);
	st_buf_free(&out);
	return rc;
}
