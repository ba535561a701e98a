/*
 * copypipe: COPY readers on threads feeding one consumer (copypipe.h).
 *
 * One mutex guards the queue, the free pool and the chunk list; batches
 * hold a few hundred kilobytes of rows, so the lock is taken a few times
 * per thousand rows.  The readers do the work that needs no SQLite: libpq's
 * reading, copying the row out of libpq's buffer and unescaping its fields,
 * so the consumer's thread is left with binding and inserting.
 */
#define _GNU_SOURCE
#include "copypipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "pg.h"
#include "util.h"

#define BATCH_BYTES (256 * 1024) /* row text per batch, unless one row is longer */
#define BATCH_FIELDS 16384       /* fields per batch: bounds vals/lens of wide tables */

struct reader {
	struct copypipe *p;
	struct copypipe_stream *s;
	int first;                    /* the chunk it starts with, or -1 */
	pthread_t tid;
};

struct copypipe {
	struct copypipe_chunk *chunks;
	int nchunks;
	char *taken;                  /* per chunk: a reader has it */
	int chunks_seen;              /* chunks whose last batch the consumer took */
	struct reader *readers;
	int nreaders, running;        /* threads started, not yet exited */
	pthread_mutex_t mu;
	pthread_cond_t has_full;      /* a batch was queued, or a reader stopped */
	pthread_cond_t has_free;      /* a batch came back, or abort */
	struct copypipe_batch *pool;  /* every batch, for freeing */
	int npool;
	struct copypipe_batch *free_list, *full_head, *full_tail;
	int abort;                    /* readers stop at their next row */
	int failed;                   /* a reader failed (before any abort) */
	char *fail_what;              /* its message */
	char *fail_pg;                /* PostgreSQL's message, or NULL */
};

static int aborted(struct copypipe *p)
{
	return __atomic_load_n(&p->abort, __ATOMIC_RELAXED);
}

/* Records a reader's failure (the first one only) and stops the others. */
static void fail(struct copypipe *p, const char *what, PGconn *conn)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed && !p->abort) {
		p->failed = 1;
		p->fail_what = xstrdup(what);
		p->fail_pg = conn ? xstrdup(PQerrorMessage(conn)) : NULL;
	}
	__atomic_store_n(&p->abort, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->has_free);
	pthread_cond_broadcast(&p->has_full);
	pthread_mutex_unlock(&p->mu);
}

/*
 * Each reader starts with a chunk of its own (the n-th reader of a group
 * with the group's n-th chunk), so every connection takes part however
 * the threads are scheduled; after that, the next chunk left.
 */
static int take_chunk(struct copypipe *p, struct reader *r)
{
	int ci = -1, group = r->s->group;
	pthread_mutex_lock(&p->mu);
	if (r->first >= 0 && !p->abort && !p->taken[r->first]) {
		p->taken[r->first] = 1;
		ci = r->first;
	}
	r->first = -1;
	for (int i = 0; !p->abort && i < p->nchunks && ci < 0; i++)
		if (!p->taken[i] && p->chunks[i].group == group) {
			p->taken[i] = 1;
			ci = i;
		}
	pthread_mutex_unlock(&p->mu);
	return ci;
}

/* A free batch set up for chunk ci, or NULL once the pipe is aborted. */
static struct copypipe_batch *take_free(struct copypipe *p, int ci)
{
	struct copypipe_batch *b;
	int ncols = p->chunks[ci].ncols, want;
	pthread_mutex_lock(&p->mu);
	while (!p->free_list && !p->abort)
		pthread_cond_wait(&p->has_free, &p->mu);
	b = p->abort ? NULL : p->free_list;
	if (b)
		p->free_list = b->next;
	pthread_mutex_unlock(&p->mu);
	if (!b)
		return NULL;
	b->chunk = ci;
	b->nrows = 0;
	b->last = 0;
	b->len = 0;
	b->next = NULL;
	want = ncols > BATCH_FIELDS / 16 ? 16 * ncols : BATCH_FIELDS;
	if (b->vcap < want) {
		b->vals = xrealloc(b->vals, (size_t)want * sizeof(*b->vals));
		b->lens = xrealloc(b->lens, (size_t)want * sizeof(*b->lens));
		b->vcap = want;
	}
	return b;
}

static void push_full(struct copypipe *p, struct copypipe_batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = NULL;
	if (p->full_tail)
		p->full_tail->next = b;
	else
		p->full_head = b;
	p->full_tail = b;
	pthread_cond_signal(&p->has_full);
	pthread_mutex_unlock(&p->mu);
}

void copypipe_release(struct copypipe *p, struct copypipe_batch *b)
{
	if (b->cap > 4 * BATCH_BYTES) { /* one huge row: do not keep its memory */
		free(b->data);
		b->data = NULL;
		b->cap = 0;
	}
	pthread_mutex_lock(&p->mu);
	b->next = p->free_list;
	p->free_list = b;
	pthread_cond_signal(&p->has_free);
	pthread_mutex_unlock(&p->mu);
}

/* Stops a COPY early: cancel on the server, then drain what is left. */
static void cancel_copy(PGconn *conn)
{
	PGcancel *c = PQgetCancel(conn);
	PGresult *r;
	char *buf, eb[256];
	if (c) {
		PQcancel(c, eb, sizeof(eb));
		PQfreeCancel(c);
	}
	while (PQgetCopyData(conn, &buf, 0) > 0)
		PQfreemem(buf);
	while ((r = PQgetResult(conn)))
		PQclear(r);
}

/*
 * How long a reader sleeps when its socket is empty.  Waiting in poll()
 * wakes the reader for each 8 kB the server sends, and the server's send
 * pays for the wake-up: on bench/snapshot.sh's 1M rows that was 0.3-0.4 s
 * of the server's 1.8-2.1 s and half the reader's CPU time (21,600
 * wake-ups).  Sleeping a little instead lets the server fill the socket
 * meanwhile.  The sleep adapts so that PACE_LOW to PACE_HIGH bytes wait
 * in the socket when it ends (FIONREAD): well under what a Unix socket
 * holds (the server's send buffer, net.core.wmem_default, 208 kB by
 * default), for a full one stops the server.  A fixed 1 ms sleep did
 * stop it: 2.2 s against 1.7 s at 0.6 ms on those 1M rows.
 */
#define PACE_START_US 100
#define PACE_MIN_US 10
#define PACE_MAX_US 2000
#define PACE_LOW (48 * 1024)
#define PACE_HIGH (96 * 1024)

static void pace_wait(PGconn *conn, long *us)
{
	struct timespec ts = { 0, *us * 1000 };
	int avail = 0;
	nanosleep(&ts, NULL);
	if (ioctl(PQsocket(conn), FIONREAD, &avail) < 0)
		return;
	if (avail > PACE_HIGH)
		*us = *us * 3 / 4 > PACE_MIN_US ? *us * 3 / 4 : PACE_MIN_US;
	else if (avail < PACE_LOW)
		*us = *us + *us / 4 + 10 < PACE_MAX_US ? *us + *us / 4 + 10 : PACE_MAX_US;
}

/*
 * The next row of a COPY, like PQgetCopyData(conn, buf, 0), but when no
 * row is ready and the socket is empty it first sleeps (pace_wait); then
 * libpq waits as it does (for a server slower than that, or for data
 * that TLS or GSS encryption holds back: only libpq sees it).
 */
static int next_row(PGconn *conn, char **buf, long *pace_us)
{
	int n = PQgetCopyData(conn, buf, 1);
	if (n)
		return n;
	if (!PQconsumeInput(conn))
		return -2;
	if ((n = PQgetCopyData(conn, buf, 1)))
		return n;
	pace_wait(conn, pace_us);
	return PQgetCopyData(conn, buf, 0);
}

/* Reads one chunk into batches.  0, or -1 (failed or aborted). */
static int read_chunk(struct copypipe *p, PGconn *conn, int ci)
{
	struct copypipe_chunk *c = &p->chunks[ci];
	struct copypipe_batch *b;
	PGresult *r = PQexec(conn, c->sql);
	long long rows = 0;
	long pace = PACE_START_US;
	int n, ncols = c->ncols, maxrows;
	char *buf;

	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		PQclear(r);
		fail(p, c->has_filter ? "cannot read table (check its \"where\" filter)"
				      : "cannot read table", conn);
		while ((r = PQgetResult(conn)))
			PQclear(r);
		return -1;
	}
	PQclear(r);
	if (!(b = take_free(p, ci)))
		goto cancel;
	maxrows = b->vcap / (ncols ? ncols : 1);
	while ((n = next_row(conn, &buf, &pace)) > 0) {
		size_t len = (size_t)n;
		char *line;
		int nf;
		if (len && buf[len - 1] == '\n')
			len--;
		if (b->nrows && (b->nrows == maxrows || b->len + len + 1 > b->cap)) {
			push_full(p, b);
			if (!(b = take_free(p, ci))) {
				PQfreemem(buf);
				goto cancel;
			}
		}
		if (b->len + len + 1 > b->cap) { /* an empty batch: nothing points into it */
			b->cap = len + 1 > BATCH_BYTES ? len + 1 : BATCH_BYTES;
			free(b->data);
			b->data = xmalloc(b->cap);
		}
		line = b->data + b->len;
		memcpy(line, buf, len);
		line[len] = '\0';
		PQfreemem(buf);
		b->len += len + 1;
		nf = pg_copy_split(line, len, b->vals + (size_t)b->nrows * (size_t)ncols,
				   b->lens + (size_t)b->nrows * (size_t)ncols, ncols);
		if (nf != ncols) {
			char *m = xasprintf("COPY of '%s' returned %d fields, expected %d",
					    c->table, nf, ncols);
			fail(p, m, NULL);
			free(m);
			copypipe_release(p, b);
			goto cancel;
		}
		b->nrows++;
		rows++;
		if (aborted(p)) {
			copypipe_release(p, b);
			goto cancel;
		}
	}
	if (n == -2) {
		fail(p, "COPY failed", conn);
		copypipe_release(p, b);
		while ((r = PQgetResult(conn)))
			PQclear(r);
		return -1;
	}
	r = PQgetResult(conn);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		fail(p, "COPY failed", conn);
		copypipe_release(p, b);
		while ((r = PQgetResult(conn)))
			PQclear(r);
		return -1;
	}
	PQclear(r);
	while ((r = PQgetResult(conn)))
		PQclear(r);
	c->rows = rows; /* published by the queue's mutex with the last batch */
	b->last = 1;
	push_full(p, b);
	return 0;
cancel:
	cancel_copy(conn);
	return -1;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct copypipe *p = r->p;
	int ci;
	while ((ci = take_chunk(p, r)) >= 0)
		if (read_chunk(p, r->s->conn, ci))
			break;
	pthread_mutex_lock(&p->mu);
	p->running--;
	pthread_cond_broadcast(&p->has_full);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct copypipe *copypipe_start(struct copypipe_chunk *chunks, int nchunks,
				struct copypipe_stream *streams, int nstreams)
{
	struct copypipe *p = xcalloc(1, sizeof(*p));
	p->chunks = chunks;
	p->nchunks = nchunks;
	p->taken = xcalloc((size_t)nchunks + 1, 1);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->has_full, NULL);
	pthread_cond_init(&p->has_free, NULL);
	/* two batches per reader (one filling, one queued) and two for the consumer */
	p->npool = 2 * nstreams + 2;
	p->pool = xcalloc((size_t)p->npool, sizeof(*p->pool));
	for (int i = 0; i < p->npool; i++) {
		p->pool[i].next = p->free_list;
		p->free_list = &p->pool[i];
	}
	p->readers = xcalloc((size_t)nstreams + 1, sizeof(*p->readers));
	for (int i = 0; i < nstreams; i++) {
		struct reader *r = &p->readers[p->nreaders];
		int rank = 0;
		r->p = p;
		r->s = &streams[i];
		r->first = -1;
		for (int k = 0; k < i; k++)
			rank += streams[k].group == streams[i].group;
		for (int c = 0; c < nchunks && r->first < 0; c++)
			if (chunks[c].group == streams[i].group && !rank--)
				r->first = c;
		pthread_mutex_lock(&p->mu);
		p->running++;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&r->tid, NULL, reader_main, r)) {
			pthread_mutex_lock(&p->mu);
			p->running--;
			pthread_mutex_unlock(&p->mu);
			if (!p->nreaders)
				die("cannot start a thread");
			break; /* fewer readers: the others take its chunks */
		}
		p->nreaders++;
	}
	return p;
}

int copypipe_next(struct copypipe *p, struct copypipe_batch **out)
{
	int ret;
	pthread_mutex_lock(&p->mu);
	while (!p->failed && !p->full_head && p->chunks_seen < p->nchunks && p->running)
		pthread_cond_wait(&p->has_full, &p->mu);
	if (p->failed) {
		ret = -1;
	} else if (p->full_head) {
		*out = p->full_head;
		p->full_head = p->full_head->next;
		if (!p->full_head)
			p->full_tail = NULL;
		if ((*out)->last)
			p->chunks_seen++;
		ret = 1;
	} else {
		/* every chunk done, or the readers stopped without saying why */
		ret = p->chunks_seen < p->nchunks ? -1 : 0;
	}
	pthread_mutex_unlock(&p->mu);
	return ret;
}

static char *flatten(const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	int space = 0;
	for (const char *s = msg ? msg : ""; *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			space = 1;
			continue;
		}
		if (space && sb.len)
			sb_addch(&sb, ' ');
		space = 0;
		sb_addch(&sb, *s);
	}
	return sb_detach(&sb, NULL);
}

int copypipe_finish(struct copypipe *p, int abort)
{
	int ret = 0;
	pthread_mutex_lock(&p->mu);
	if (abort)
		__atomic_store_n(&p->abort, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->has_free);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nreaders; i++)
		pthread_join(p->readers[i].tid, NULL);
	if (p->failed) {
		error("%s", p->fail_what);
		if (p->fail_pg) {
			char *m = flatten(p->fail_pg);
			detail("PostgreSQL says: %s", m);
			free(m);
		}
		ret = -1;
	} else if (!abort && p->chunks_seen < p->nchunks) {
		ret = error("a COPY reader stopped before its table was read");
	}
	for (int i = 0; i < p->npool; i++) {
		free(p->pool[i].data);
		free(p->pool[i].vals);
		free(p->pool[i].lens);
	}
	free(p->pool);
	free(p->readers);
	free(p->taken);
	free(p->fail_what);
	free(p->fail_pg);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->has_full);
	pthread_cond_destroy(&p->has_free);
	free(p);
	return ret;
}
