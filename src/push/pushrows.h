/*
 * pushrows: a push's change rows as the staging file holds them
 * (dd_change), for the walk (their seqs, to cut batches: struct
 * push_rows) and for the executor and `drydock plan` (the COPY text of a
 * COPY step).  The statement walk itself (pushsql) reads no file.
 */
#ifndef DD_PUSHROWS_H
#define DD_PUSHROWS_H

#include <sqlite3.h>

#include "pushsql.h"

/* The rows of the staging file db, for pushsql_walk_push(). */
struct push_rows pushrows_from_stage(sqlite3 *db);

/*
 * Streams the COPY text of a COPY step's rows (dd_seq, dd_op, old image,
 * new image; escaped for COPY's text format) to out in pieces of about
 * 64 kB.  per[] (indexed I=0, U=1, D=2) counts rows per operation.
 */
typedef int (*ps_out_fn)(void *ctx, const char *buf, size_t len);
int pushrows_copy(sqlite3 *db, const struct push_table *t, const struct ps_step *s,
		  ps_out_fn out, void *ctx, long long per[3]);

#endif
