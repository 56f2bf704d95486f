/*
 * decompress-gzip.c: the gzip codec (zlib's inflate), see decompress.h.
 *
 * A gzip file may hold several members one after another (`cat a.gz b.gz`,
 * or logrotate's delaycompress appending): at the end of one member the
 * stream is reset and the next is read. Zero bytes between or after
 * members (padding some tools leave) are skipped, as gzip itself does;
 * anything else there must be a member, or inflate reports a bad header.
 *
 * The CRC and length in each member's trailer are checked by inflate, so a
 * corrupt file is reported, not silently misread. Expected workload:
 * inflate runs at a few hundred MB/s of output, slower than the ingest,
 * which is why the reader runs it on the thread pool.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include <zlib.h>

#include "decompress.h"
#include "strata/util.h"

struct gz {
	z_stream zs;
	bool member;      /* inside a member: its end has not been read */
	const char *msg;  /* zlib's message for the last error */
};

static void *
gz_open(void)
{
	struct gz *g = st_xcalloc(1, sizeof(*g));
	/* 16 + 15: gzip wrapper only, the largest window */
	int rc = inflateInit2(&g->zs, 16 + MAX_WBITS);
	if (rc != Z_OK)
		st_fatal("cannot start zlib: %s", rc == Z_MEM_ERROR ? "out of memory" : zError(rc));
	return g;
}

static void
gz_close(void *state)
{
	struct gz *g = state;
	inflateEnd(&g->zs);
	free(g);
}

static int
gz_run(void *state, const unsigned char *in, size_t in_len, size_t *in_used, unsigned char *out,
       size_t out_cap, size_t *out_len)
{
	struct gz *g = state;
	size_t ip = 0, op = 0;
	int err = 0;
	while (op < out_cap) {
		if (!g->member) {
			while (ip < in_len && in[ip] == 0)
				ip++;
			if (ip == in_len)
				break;
			inflateReset(&g->zs);
			g->member = true;
		}
		uInt ain = (uInt)ST_MIN(in_len - ip, (size_t)UINT_MAX);
		uInt aout = (uInt)ST_MIN(out_cap - op, (size_t)UINT_MAX);
		g->zs.next_in = (Bytef *)(in + ip); /* zlib does not write through it */
		g->zs.avail_in = ain;
		g->zs.next_out = out + op;
		g->zs.avail_out = aout;
		int rc = inflate(&g->zs, Z_NO_FLUSH);
		size_t took = ain - g->zs.avail_in, made = aout - g->zs.avail_out;
		ip += took;
		op += made;
		if (rc == Z_STREAM_END) {
			g->member = false;
			continue;
		}
		if (rc == Z_MEM_ERROR)
			st_fatal("zlib: out of memory");
		if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR) {
			g->msg = g->zs.msg != NULL ? g->zs.msg : zError(rc);
			err = ST_ECORRUPT;
			break;
		}
		/* Z_BUF_ERROR, or Z_OK without progress: needs more input or room */
		if (rc == Z_BUF_ERROR || (took == 0 && made == 0))
			break;
	}
	*in_used = ip;
	*out_len = op;
	return err;
}

static int
gz_end(void *state)
{
	struct gz *g = state;
	return g->member ? ST_ETRUNC : 0;
}

static const char *
gz_message(void *state)
{
	struct gz *g = state;
	return g->msg != NULL ? g->msg : "no error";
}

static const unsigned char gz_magic[] = {0x1f, 0x8b};

const struct st_codec st_codec_gzip = {
	.name = "gzip",
	.ext = ".gz",
	.magic = gz_magic,
	.magic_len = sizeof(gz_magic),
	.open = gz_open,
	.close = gz_close,
	.run = gz_run,
	.end = gz_end,
	.message = gz_message,
};
