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
struct src_http;
struct src_prom;
struct src_cmd;
struct src_follow;
struct fw_set;

/* SRC_CMD: a `cmd:` command's stdout or stderr (source-cmd.c) */
/* SRC_PROM: a prometheus:// query (source-prom.c) */
enum src_type { SRC_FILE, SRC_STDIN, SRC_CMD, SRC_HTTP, SRC_PROM };
/* SRC_FOLLOWING: read to its end with -f and watched for more (it no
 * longer counts as active: the next pending source starts) */
enum src_state { SRC_PENDING, SRC_ACTIVE, SRC_DONE, SRC_FAILED, SRC_FOLLOWING };

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
	struct src_cmd *cmd; /* SRC_CMD: the child, shared with the sibling
	                      * source (owned by the stdout one), or NULL */
	struct src_follow *fw; /* -f: the file's follow state (owned), or NULL */
	struct src_http *http; /* an http:// source's scraper (owned), or NULL */
	struct src_prom *prom; /* a prometheus:// source's poller (owned), or NULL */
	unsigned char api;  /* src_api_take's state: a Prometheus API answer? */
	bool slot;          /* holds one of the ST_ACTIVE_MAX reading slots */
};

struct st_sources {
	uv_loop_t *loop;
	struct st_store *store;
	const struct st_tz *tz;
	struct st_source **v;
	size_t n, cap;
	size_t next;        /* first source not started yet */
	size_t active;      /* sources being read (SRC_ACTIVE) */
	size_t slots;       /* ... of which files, at most ST_ACTIVE_MAX */
	bool streams_started; /* pipes, commands, endpoints: all started */
	size_t failed;
	uint64_t bytes;
	bool stdin_closed;  /* fd 0 was closed at start (now /dev/null) */
	bool follow;        /* -f: files stay open at their end (source-follow.c) */
	bool stopping;      /* st_sources_stop ran: start and read nothing more */
	struct fw_set *fws; /* -f: the watches (source-follow.c), or NULL */
	uint64_t interval_ms; /* http:// sources: between scrapes under -f */
	bool window;        /* --since/--until were passed on (prometheus://) */
	st_time since, until; /* ST_TIME_NONE when not given */
};

/* A source leaves SRC_ACTIVE: its reading slot, if it held one, is free. */
static inline void
src_slot_free(struct st_source *s)
{
	if (s->slot) {
		s->slot = false;
		s->set->slots--;
	}
}

/* source.c; src_begin starts the ingest with the time year-less stamps
 * are read against and allocates the read buffer */
void src_fail(struct st_source *s, int err, const char *what);
/* src_fail with the message in words ("strata: PATH: msg") */
void src_fail_msg(struct st_source *s, const char *msg);
void src_done(struct st_source *s);
/*
 * The end of a polled source (http://, prometheus://): without -f, the
 * failure of its one GET (s->error) fails it ("scrape failed: ..."); with
 * -f, any failed GET among total fails it at the end ("2 of 40 scrapes
 * failed (the last: ...)"); else it is done. what: "scrape" or "query",
 * whats: its plural.
 */
void src_polled_end(struct st_source *s, const char *what, const char *whats, unsigned failures,
                    unsigned total, const char *last);
/* A polled source's failed GET as an error event of its own on the
 * timeline, dated at: "scrape of URL failed: why" (what: "scrape"). */
void src_polled_failure(struct st_source *s, st_time at, const char *what, const char *why);
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

/* source-follow.c (-f). src_follow_prepare: a regular file opened and
 * stat'ed (fd open) may be followed; remember its identity.
 * src_follow_start: the file was read up to offset off, the buffer holding
 * its unfinished last line: keep it open and watched. src_follow_missing:
 * the file could not be opened (err): watch for it to appear.
 * src_follow_stop: close every watch and followed descriptor.
 * src_follow_free: free what src_follow_prepare allocated. */
void src_follow_prepare(struct st_source *s, const uv_stat_t *sb);
void src_follow_start(struct st_source *s, int64_t off);
void src_follow_missing(struct st_source *s, int err);
void src_follow_dir(struct st_sources *ss, const char *path);
void src_follow_stop(struct st_sources *ss);
void src_follow_free(struct st_source *s);
void src_follow_set_free(struct st_sources *ss);

/* source.c: add a file found while following (a directory's new file) */
struct st_source *src_add_file(struct st_sources *ss, const char *path);
bool src_skipped_name(const char *name);

/* source-cmd.c: src_cmd_pair ties a command's stdout and stderr sources
 * (path "cmd:COMMAND"); starting the stdout one spawns the command and
 * starts both. src_cmd_stop: SIGTERM, then SIGKILL, then close (at exit).
 * src_cmd_free: free the child's state (kill and reap it if still there). */
void src_cmd_pair(struct st_source *out, struct st_source *err);
void src_cmd_start(struct st_source *s);
void src_cmd_stop(struct st_source *s);
void src_cmd_free(struct st_source *s);

/* source-compressed.c: read the rest of fd (from offset off, or from its
 * position when off is -1) through the codec; the buffer's bytes come
 * first. */
void src_dz_start(struct st_source *s, const struct st_codec *c, uv_file fd, int64_t off);
/* Say so when a file named for a codec (x.gz) holds n > 0 plain bytes. */
void src_plain_check(struct st_source *s, size_t n);

/* source-http.c: http:// sources. src_http_check: 0 when url is one
 * strata can scrape, else ST_EINVAL and why. src_http_stop: end the
 * source now (an unfinished scrape is dropped). src_http_free: what the
 * source holds once its handles are closed. */
int src_http_check(const char *url, const char **why);
void src_http_start(struct st_source *s);
void src_http_stop(struct st_source *s);
void src_http_free(struct st_source *s);

/* source-prom.c: Prometheus API answers and prometheus:// sources.
 * src_api_take (from src_take, with the nread bytes just added): true when
 * it took them (held while the first bytes may still begin an answer, or
 * collected as one, converted at eof); false for any other source, which
 * it then never looks at again (*nread is then every byte held).
 * src_api_doc: the source is an answer (read it to its end, even with -f).
 * src_api_head: a mapped file's first bytes begin an answer. */
bool src_api_take(struct st_source *s, size_t *nread, bool eof);
bool src_api_doc(const struct st_source *s);
bool src_api_head(const char *p, size_t n);
int src_prom_check(const char *url, const char **why);
void src_prom_start(struct st_source *s);
void src_prom_stop(struct st_source *s);
void src_prom_free(struct st_source *s);

#endif
