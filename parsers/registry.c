/*
 * registry.c: the list of built-in formats and detection.
 *
 * Order matters: on a tie, detection takes the earlier format, so specific
 * formats come before general ones (bracket before iso8601, everything
 * before generic). User formats, added at run time, come before all of
 * these (st_format_get). Indexes are stored in 8 bits, so the whole list
 * stays under ST_FORMATS_MAX.
 */
#include <stdint.h>
#include <string.h>

#include "strata/format.h"
#include "strata/util.h"

extern const struct st_format st_format_bracket, st_format_klog, st_format_redis,
	st_format_syslog, st_format_json, st_format_logfmt, st_format_iso8601,
	st_format_generic;
/* Loghub and other fixed-shape logs; log4j before iso8601, which reads its
 * lines too */
extern const struct st_format st_format_android, st_format_bgl, st_format_thunderbird,
	st_format_hpc, st_format_hdfs, st_format_healthapp, st_format_openstack,
	st_format_proxifier, st_format_apache_error, st_format_windows_cbs, st_format_log4j;

/* Servers, the journal, containers and tools: haproxy before syslog and
 * the prefixed formats (postgres, ansible, ...) before iso8601, which read
 * the same lines less well; journald and otel before json; w3c after
 * iso8601, which reads its entries too, so that it wins only on its
 * #Date line and other "date time" logs keep their zone */
extern const struct st_format st_format_journald, st_format_journal_export, st_format_otel,
	st_format_haproxy, st_format_rfc5424, st_format_cri, st_format_kubectl_prefix,
	st_format_compose, st_format_ansible, st_format_apt_history, st_format_postgres,
	st_format_mysql, st_format_terraform, st_format_access, st_format_nginx_error,
	st_format_strace, st_format_tai64n, st_format_w3c, st_format_zeek, st_format_prometheus;

const struct st_format *const st_formats[] = {
	&st_format_bracket,
	&st_format_klog,
	&st_format_redis,
	&st_format_haproxy,
	&st_format_syslog,
	&st_format_journald,
	&st_format_journal_export,
	&st_format_otel,
	&st_format_json,
	&st_format_logfmt,
	&st_format_rfc5424,
	&st_format_cri,
	&st_format_kubectl_prefix,
	&st_format_compose,
	&st_format_ansible,
	&st_format_apt_history,
	&st_format_postgres,
	&st_format_mysql,
	&st_format_terraform,
	&st_format_access,
	&st_format_nginx_error,
	&st_format_strace,
	&st_format_tai64n,
	&st_format_android,
	&st_format_bgl,
	&st_format_thunderbird,
	&st_format_hpc,
	&st_format_hdfs,
	&st_format_healthapp,
	&st_format_openstack,
	&st_format_proxifier,
	&st_format_apache_error,
	&st_format_windows_cbs,
	&st_format_log4j,
	&st_format_iso8601,
	&st_format_w3c,
	&st_format_zeek,
	&st_format_prometheus,
	&st_format_generic,
};

const size_t st_nformats = sizeof(st_formats) / sizeof(st_formats[0]);

void
st_fields_add(struct st_fields *fs, const char *key, size_t klen, const char *val, size_t vlen)
{
	if (fs->n >= ST_FIELDS_MAX || vlen == 0)
		return;
	struct st_field *f = &fs->f[fs->n++];
	f->key = key;
	f->klen = (uint32_t)klen;
	f->val = val;
	f->vlen = (uint32_t)vlen;
	f->json = 0;
}

void
st_fields_add_json(struct st_fields *fs, const char *key, size_t klen, const char *val,
                   size_t vlen)
{
	unsigned n = fs->n;
	st_fields_add(fs, key, klen, val, vlen);
	if (fs->n > n)
		fs->f[n].json = 1;
}

unsigned
st_format_fields(unsigned f, const char *line, size_t len, struct st_fields *out)
{
	out->n = 0;
	if (f >= st_format_count())
		return 0;
	const struct st_format *fmt = st_format_get(f);
	if (fmt->fields == NULL && fmt->fields_user == NULL)
		return 0;
	const char *nl = fmt->block ? NULL : memchr(line, '\n', len); /* a block is whole */
	if (nl)
		len = (size_t)(nl - line);
	if (len > 0 && line[len - 1] == '\r')
		len--;
	struct st_timectx tc;
	st_timectx_init(&tc, NULL, 0);
	struct st_draft d;
	if (st_format_parse(fmt, &tc, line, len, &d) != 0)
		return 0;
	if (fmt->fields_user != NULL)
		fmt->fields_user(fmt->user, line, len, &d, out);
	else
		fmt->fields(line, len, &d, out);
	return out->n;
}

static const struct st_format *user_formats[ST_FORMATS_MAX];
static size_t nuser;

size_t
st_format_count(void)
{
	return nuser + st_nformats;
}

const struct st_format *
st_format_get(size_t i)
{
	return i < nuser ? user_formats[i] : st_formats[i - nuser];
}

int
st_format_add(const struct st_format *f)
{
	if (nuser + st_nformats >= ST_FORMATS_MAX)
		return ST_ETOOBIG;
	user_formats[nuser++] = f;
	return 0;
}

int
st_format_find(const char *name)
{
	for (size_t i = 0; i < st_format_count(); i++)
		if (strcmp(st_format_get(i)->name, name) == 0)
			return (int)i;
	return -1;
}

#define DETECT_MAX 64 /* lines looked at */

int
st_format_detect2(const struct st_timectx *tc, const char *const *lines, const size_t *lens,
                  size_t n, size_t *hits, int *second)
{
	/* ok[f] has bit i set when format f parses line i */
	uint64_t ok[ST_FORMATS_MAX];
	size_t nf = st_format_count();
	if (n > DETECT_MAX)
		n = DETECT_MAX;
	int best = -1;
	size_t best_hits = 0;
	for (size_t f = 0; f < nf; f++) {
		ok[f] = 0;
		size_t h = 0;
		for (size_t i = 0; i < n; i++) {
			struct st_draft d;
			if (st_format_parse(st_format_get(f), tc, lines[i], lens[i], &d) == 0) {
				ok[f] |= UINT64_C(1) << i;
				h++;
			}
		}
		if (h > best_hits) {
			best_hits = h;
			best = (int)f;
		}
	}
	if (hits)
		*hits = best_hits;
	if (second) {
		*second = -1;
		size_t second_hits = 0;
		for (size_t f = 0; best >= 0 && f < nf; f++) {
			size_t h = (size_t)__builtin_popcountll(ok[f] & ~ok[best]);
			if ((int)f != best && h > second_hits) {
				second_hits = h;
				*second = (int)f;
			}
		}
	}
	return best;
}

int
st_format_detect(const struct st_timectx *tc, const char *const *lines, const size_t *lens,
                 size_t n, size_t *hits)
{
	return st_format_detect2(tc, lines, lens, n, hits, NULL);
}
