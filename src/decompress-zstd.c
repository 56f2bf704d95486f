/*
 * decompress-zstd.c: the zstd codec (libzstd's streaming decoder), see
 * decompress.h.
 *
 * The decoder reads concatenated frames (`cat a.zst b.zst`, or zstd's own
 * multi-frame output) and skippable frames by itself. A frame whose window
 * is larger than libzstd's default limit (128 MiB, files written with
 * --long=28 or more) is refused with libzstd's message rather than
 * allocating that much. Expected workload: over a GB/s of output, faster
 * than the ingest.
 */
#include <stdbool.h>
#include <stdlib.h>

#include <zstd.h>

#include "decompress.h"
#include "strata/util.h"

struct zst {
	ZSTD_DStream *ds;
	size_t hint;      /* the decoder's last return: 0 at a frame's end */
	const char *msg;  /* libzstd's message for the last error */
};

static void *
zst_open(void)
{
	struct zst *z = st_xcalloc(1, sizeof(*z));
	z->ds = ZSTD_createDStream();
	if (z->ds == NULL)
		st_fatal("zstd: out of memory");
	size_t rc = ZSTD_initDStream(z->ds);
	if (ZSTD_isError(rc))
		st_fatal("cannot start zstd: %s", ZSTD_getErrorName(rc));
	return z;
}

static void
zst_close(void *state)
{
	struct zst *z = state;
	ZSTD_freeDStream(z->ds);
	free(z);
}

static int
zst_run(void *state, const unsigned char *in, size_t in_len, size_t *in_used, unsigned char *out,
        size_t out_cap, size_t *out_len)
{
	struct zst *z = state;
	ZSTD_inBuffer ib = {in, in_len, 0};
	ZSTD_outBuffer ob = {out, out_cap, 0};
	int err = 0;
	while (ob.pos < ob.size) {
		size_t pin = ib.pos, pout = ob.pos;
		size_t rc = ZSTD_decompressStream(z->ds, &ob, &ib);
		if (ZSTD_isError(rc)) {
			z->msg = ZSTD_getErrorName(rc);
			err = ST_ECORRUPT;
			break;
		}
		if (ib.pos == pin && ob.pos == pout)
			break; /* its hint is for a frame not begun: keep the last */
		z->hint = rc;
		/* room left over with the input used up: all that can be
		 * flushed has been (libzstd's guarantee) */
		if (ib.pos == ib.size && ob.pos < ob.size)
			break;
	}
	*in_used = ib.pos;
	*out_len = ob.pos;
	return err;
}

static int
zst_end(void *state)
{
	struct zst *z = state;
	return z->hint != 0 ? ST_ETRUNC : 0;
}

static const char *
zst_message(void *state)
{
	struct zst *z = state;
	return z->msg != NULL ? z->msg : "no error";
}

static const unsigned char zst_magic[] = {0x28, 0xb5, 0x2f, 0xfd};

const struct st_codec st_codec_zstd = {
	.name = "zstd",
	.ext = ".zst",
	.magic = zst_magic,
	.magic_len = sizeof(zst_magic),
	.open = zst_open,
	.close = zst_close,
	.run = zst_run,
	.end = zst_end,
	.message = zst_message,
};
