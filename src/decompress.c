/*
 * decompress.c: the list of codecs, recognising them by their magic
 * bytes, and the stream calls that pass through to the codec (see
 * decompress.h).
 *
 * Detection looks at content, not names: a rotated log renamed without its
 * extension is still read, and a ".gz" that holds plain text is read as
 * text (the reader says so).
 */
#include <stdlib.h>
#include <string.h>

#include "decompress.h"
#include "strata/util.h"

static const struct st_codec *const codecs[] = {
	&st_codec_gzip,
	&st_codec_zstd,
};

struct st_dz {
	const struct st_codec *c;
	void *state;
};

const struct st_codec *
st_codec_detect(const void *p, size_t n, bool eof, bool *more)
{
	if (more != NULL)
		*more = false;
	for (size_t i = 0; i < ST_ARRAY_LEN(codecs); i++) {
		const struct st_codec *c = codecs[i];
		if (n >= c->magic_len) {
			if (memcmp(p, c->magic, c->magic_len) == 0)
				return c;
		} else if (!eof && memcmp(p, c->magic, n) == 0 && more != NULL) {
			*more = true;
		}
	}
	return NULL;
}

const struct st_codec *
st_codec_for_name(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < ST_ARRAY_LEN(codecs); i++) {
		size_t e = strlen(codecs[i]->ext);
		if (n > e && strcmp(path + n - e, codecs[i]->ext) == 0)
			return codecs[i];
	}
	return NULL;
}

struct st_dz *
st_dz_new(const struct st_codec *c)
{
	struct st_dz *z = st_xmalloc(sizeof(*z));
	z->c = c;
	z->state = c->open();
	return z;
}

void
st_dz_free(struct st_dz *z)
{
	if (z == NULL)
		return;
	z->c->close(z->state);
	free(z);
}

const struct st_codec *
st_dz_codec(const struct st_dz *z)
{
	return z->c;
}

int
st_dz_run(struct st_dz *z, const void *in, size_t in_len, size_t *in_used, void *out,
          size_t out_cap, size_t *out_len)
{
	*in_used = 0;
	*out_len = 0;
	if (out_cap == 0)
		return 0;
	return z->c->run(z->state, in, in_len, in_used, out, out_cap, out_len);
}

int
st_dz_end(struct st_dz *z)
{
	return z->c->end(z->state);
}

const char *
st_dz_message(struct st_dz *z)
{
	return z->c->message(z->state);
}
