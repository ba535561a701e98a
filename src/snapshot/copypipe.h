/*
 * copypipe: several COPY TO STDOUT streams, one thread per connection,
 * feeding one consumer through a bounded queue of row batches.
 *
 * The caller lists chunks (a COPY statement each, and the group of
 * connections that may run it: a source's connections share its
 * snapshot) and streams (a connection and its group).  copypipe_start()
 * starts one reader thread per stream; each takes the next chunk of its
 * group, runs its COPY, splits every row into fields (pg_copy_split) and
 * hands full batches to the consumer.  The consumer (the thread that
 * owns the SQLite connection) takes them with copypipe_next() and gives
 * each back with copypipe_release().  The batches are a fixed pool, so
 * memory stays flat: a reader that is ahead waits for a free batch and
 * its server waits on the socket.
 *
 * Reader threads print nothing: a failure is kept and reported by
 * copypipe_finish() on the consumer's thread (error() is not meant to be
 * called from two threads at once).  copypipe_finish(p, 1) stops the
 * readers early (their COPY is cancelled) when the consumer has failed.
 */
#ifndef DD_COPYPIPE_H
#define DD_COPYPIPE_H

#include <libpq-fe.h>
#include <stddef.h>

struct copypipe_chunk {
	const char *sql;    /* COPY (...) TO STDOUT; owned by the caller */
	int group;          /* streams of this group may run it */
	int ncols;          /* fields every row must have */
	const char *table;  /* name for messages */
	int has_filter;     /* its table has a "where" filter (a hint on failure) */
	long long rows;     /* out: rows read, once the chunk is done */
};

struct copypipe_stream {
	PGconn *conn;       /* used only by its reader thread until finish */
	int group;
};

/* Rows of one chunk, in the order COPY sent them. */
struct copypipe_batch {
	int chunk;          /* index into the caller's chunks */
	int nrows;
	int last;           /* the chunk's final batch (nrows may be 0) */
	char **vals;        /* nrows * ncols fields; NULL: SQL NULL */
	size_t *lens;
	/* private */
	char *data;
	size_t len, cap;
	int vcap;
	struct copypipe_batch *next;
};

struct copypipe;

/* Starts the readers.  chunks and streams must outlive the pipe. */
struct copypipe *copypipe_start(struct copypipe_chunk *chunks, int nchunks,
				struct copypipe_stream *streams, int nstreams);

/* The next batch: 1 (*out set), 0 when every chunk is done, -1 when a reader failed. */
int copypipe_next(struct copypipe *p, struct copypipe_batch **out);
void copypipe_release(struct copypipe *p, struct copypipe_batch *b);

/*
 * Stops (abort: cancels the COPYs still running) and joins the readers,
 * reports a reader's failure and frees the pipe.  0, or -1 when a reader
 * failed.
 */
int copypipe_finish(struct copypipe *p, int abort);

#endif
