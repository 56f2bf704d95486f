/*
 * source-int.h: the source struct, shared by source.c (the set, directory
 * expansion, scheduling) and the readers source-file.c, source-stdin.c
 * and source-compressed.c.
 */
#ifndef STRATA_SOURCE_INT_H
#define STRATA_SOURCE_INT_H

#include <uv.h>

#include "strata/ingest.h"
#include "strata/source.h"
#include "strata/util.h"

struct st_codec;
struct src_dz;

enum src_type { SRC_FILE, SRC_STDIN };
enum src_state { SRC_PENDING, SRC_ACTIVE, SRC_DONE, SRC_FAILED };

struct st_source {
	struct st_sources *set;
	char *path;
	int id;
	enum src_type type;
	enum src_state state;
	char *error;

	uv_fs_t req;
	uv_file fd;
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tty_t tty;
	} h;

	uv_idle_t idle;     /* feeds a mapped file slice by slice */
	const char *map;    /* the file's mapping (owned by the store) */
	size_t msize, mpos;

	char *buf;          /* owned read buffer */
	size_t cap, len;    /* bytes held: an unfinished line, then new data */
	struct st_ingest ig;

	bool sniffed;       /* the first bytes were checked for compression */
	const struct st_codec *codec; /* they were compressed with it, or NULL */
	struct src_dz *dz;  /* the decompressing reader while it runs (owned) */
};

struct st_sources {
	uv_loop_t *loop;
	struct st_store *store;
	const struct st_tz *tz;
	struct st_source **v;
	size_t n, cap;
	size_t next;        /* first source not started yet */
	size_t active;
	size_t failed;
	uint64_t bytes;
	bool stdin_closed;  /* fd 0 was closed at start (now /dev/null) */
};

/* source.c; src_begin starts the ingest with the time year-less stamps
 * are read against and allocates the read buffer */
void src_fail(struct st_source *s, int err, const char *what);
void src_done(struct st_source *s);
void src_begin(struct st_source *s, st_time ref);
void src_buf_room(struct st_source *s);

/* src_take: nread more bytes are in the buffer. Until the source's first
 * bytes were checked, it may hold them back (a few bytes that may begin a
 * magic) or find them compressed: it then returns SRC_COMPRESSED, feeds
 * nothing, and the reader must stop reading and hand its descriptor to
 * src_dz_start (the bytes held are the start of the compressed data). */
enum src_took { SRC_TOOK, SRC_COMPRESSED };
enum src_took src_take(struct st_source *s, size_t nread, bool eof);

/* source-file.c, source-stdin.c */
void src_file_start(struct st_source *s);
void src_file_start_fd(struct st_source *s, uv_file fd);
void src_stdin_start(struct st_source *s);
/* Close the descriptor (not stdin's) and finish an active source. */
void src_file_close(struct st_source *s);

/* source-compressed.c: read the rest of fd (from offset off, or from its
 * position when off is -1) through the codec; the buffer's bytes come
 * first. */
void src_dz_start(struct st_source *s, const struct st_codec *c, uv_file fd, int64_t off);
/* Say so when a file named for a codec (x.gz) holds n > 0 plain bytes. */
void src_plain_check(struct st_source *s, size_t n);

#endif
