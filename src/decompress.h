/*
 * decompress.h: streaming decompression of compressed logs (private to
 * the core): feed compressed bytes, get decompressed bytes.
 *
 * Each codec (gzip in decompress-gzip.c, zstd in decompress-zstd.c) exports
 * one const struct st_codec; decompress.c lists them and recognises their
 * data by its first bytes. Adding xz or bzip2 is one more file and one more
 * entry in that list.
 *
 * A stream reads everything its input holds as one output: the members of
 * concatenated gzip files (`cat a.gz b.gz`) and the frames of concatenated
 * zstd files follow each other. The caller bounds the work per call by the
 * output room it gives, so a small input that expands a thousandfold is
 * still read a chunk at a time, never whole into memory.
 *
 * Ownership: a stream owns its codec state and nothing else; the input and
 * output buffers stay the caller's. A stream is used by one thread at a
 * time (the reader hands it to libuv's thread pool and back).
 */
#ifndef STRATA_DECOMPRESS_H
#define STRATA_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

struct st_codec {
	const char *name;   /* "gzip": used in messages */
	const char *ext;    /* ".gz": a file name that promises this codec */
	const unsigned char *magic;
	size_t magic_len;
	/* A new stream's state (aborts when memory runs out). */
	void *(*open)(void);
	void (*close)(void *state);
	/* As st_dz_run, which checks the arguments first. */
	int (*run)(void *state, const unsigned char *in, size_t in_len, size_t *in_used,
	           unsigned char *out, size_t out_cap, size_t *out_len);
	/* 0 when the data ended between members or frames, else ST_ETRUNC. */
	int (*end)(void *state);
	/* The library's words for the last error (a static string). */
	const char *(*message)(void *state);
};

extern const struct st_codec st_codec_gzip;
extern const struct st_codec st_codec_zstd;

/*
 * The codec whose magic the n bytes at p start with, or NULL for plain
 * data. When the bytes are too few to tell (a proper prefix of a magic)
 * and more may come, *more is set (it may be NULL when eof is set).
 */
const struct st_codec *st_codec_detect(const void *p, size_t n, bool eof, bool *more);

/* The codec whose extension ends path (".gz", ".zst"), or NULL. */
const struct st_codec *st_codec_for_name(const char *path);

struct st_dz;

struct st_dz *st_dz_new(const struct st_codec *c);
void st_dz_free(struct st_dz *z);
const struct st_codec *st_dz_codec(const struct st_dz *z);

/*
 * Decompress: read from in[0..in_len) and write to out[0..out_cap) until
 * the output is full or nothing more can be done with this input; set
 * *in_used and *out_len to the bytes read and written. Output the codec
 * still holds comes out on the next call, even one with no input: call
 * until a call neither reads nor writes. Returns 0, or ST_ECORRUPT with
 * st_dz_message saying what is wrong; the output written before the error
 * is valid and counted in *out_len.
 */
int st_dz_run(struct st_dz *z, const void *in, size_t in_len, size_t *in_used, void *out,
              size_t out_cap, size_t *out_len);

/* At the end of the input (after st_dz_run stops making progress): 0,
 * or ST_ETRUNC when it stopped inside a member or frame. */
int st_dz_end(struct st_dz *z);

/* The library's message for the last ST_ECORRUPT ("invalid block type"). */
const char *st_dz_message(struct st_dz *z);

#endif
