/*
 * snapshot: the plan's tables, read from PostgreSQL sources (or a
 * fixture), into a new staging file.
 *
 * snapshot_take() connects to every source bound to a connection string
 * (one REPEATABLE READ READ ONLY transaction each), describes every table
 * the plan lists, refuses what it cannot take (all of it at once: every
 * refused table is reported with its reason and hint before anything is
 * written), masks what the plan says, and writes OUT.tmp, renamed to OUT
 * only when complete.  A failure or a signal leaves no OUT.tmp behind.
 *
 * With jobs > 1, each source's first connection exports its snapshot
 * (pg_export_snapshot) and up to jobs - 1 more connections read on that
 * same snapshot (SET TRANSACTION SNAPSHOT, as pg_dump -j does): tables,
 * and block (ctid) ranges of large tables on PostgreSQL 14 and later, are
 * read in parallel.  One thread writes SQLite (copypipe.h); the staged
 * content is the same as with jobs = 1.
 *
 * Partitioned tables: a listed parent is read through the parent, so its
 * staged table holds every partition's rows; a plan listing a parent and
 * one of its partitions is refused (the rows would be staged twice).
 */
#ifndef DD_SNAPSHOT_H
#define DD_SNAPSHOT_H

#include <libpq-fe.h>
#include "plan.h"

/* One plan source and where its rows come from. */
struct snapshot_source {
	const char *name;     /* plan source name */
	const char *conninfo; /* libpq connection string, or NULL: the fixture */
};

struct snapshot_opts {
	struct plan *plan;
	const struct snapshot_source *sources; /* one per plan source, plan order */
	const char *fixture_dir;               /* or NULL */
	const char *mask_secret_file;          /* or NULL (DRYDOCK_MASK_SECRET) */
	const char *out;                       /* the staging file to create */
	/* connects to a source (the command's -h -p -U ... apply); NULL: pg_connect */
	PGconn *(*connect)(void *ctx, const char *conninfo, const char *what);
	void *connect_ctx;
	/* COPY streams per PostgreSQL source, on one exported snapshot; 0:
	 * min(cores, 4).  Fewer when the server has fewer free connections. */
	int jobs;
	/* out: what was written, for --json (set when the snapshot succeeds) */
	int ntables_out;
	char **table_source_out, **table_name_out; /* freed by snapshot_opts_release */
	long long *table_rows_out;
	int masked_columns_out;
};

void snapshot_opts_release(struct snapshot_opts *o);

/* Writes the staging file o->out (which the caller allows to be replaced).  0 or -1. */
int snapshot_take(struct snapshot_opts *o);

#endif
