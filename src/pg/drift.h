/*
 * drift: is the target still the database, and the schema, that the
 * snapshot saw?  Checked before push sends anything (docs/push.md,
 * "Drift").
 *
 * At snapshot, drift_record_source() keeps each PostgreSQL source's system
 * identifier and database name in the staging file (dd_meta).  Before a
 * push, drift_compare() reads the target's catalog for the snapshot's
 * tables of the target source and lists every difference from the
 * snapshot's catalog: tables, columns (type, NOT NULL, default),
 * constraints (primary key, unique, foreign key, check, exclusion),
 * indexes, the enum types the tables use and, given by the caller, the
 * types the change set writes.  Each difference is benign (an extra
 * nullable column, a changed default, an extra non-unique index, an extra
 * enum label: nothing the push does can fail or change meaning by it) or
 * not.  drift_report() prints the list the house way and says whether the
 * push may go on.
 */
#ifndef DD_DRIFT_H
#define DD_DRIFT_H

#include <libpq-fe.h>
#include <sqlite3.h>

struct drift_item {
	char *table; /* the table, or NULL for a type */
	char *what;  /* one line: "column 'email': type text, snapshot varchar(80)" */
	int benign;  /* --allow-drift lets the push go on */
};

struct drift {
	struct drift_item *items;
	int n;
	int nsevere;          /* items not benign */
	char *other_database; /* the target is not the snapshotted database: how, or NULL */
	int other_cluster;    /* ... and not even its cluster (system identifier) */
	int unrecorded;       /* the snapshot recorded no database identity (fixture, older file) */
	const char *against;  /* whose schema the target is compared with, for
				 messages: NULL is "the snapshot's" */
};

/* Records source's system identifier and database name in db.  0 or -1. */
int drift_record_source(PGconn *conn, sqlite3 *db, const char *source);

/*
 * Compares the target (conn) with the snapshot of its source in db; types
 * (ntypes of them, may repeat) are type names the change set writes, each
 * of which must exist in the target.  planned (nplanned) are the DDL texts
 * of the change set's if_not_exists schema changes: a column, constraint
 * or index the snapshot lacks but one of them names is the plan's own
 * (the push probes for it and skips the change), not drift.  0 with *d
 * filled (d->n may be 0),
 * or -1 with an error reported.
 */
int drift_compare(PGconn *conn, sqlite3 *db, const char *const *types, int ntypes,
		  const char *const *planned, int nplanned, struct drift *d);

/*
 * A column a rollback writes, as the push left it: the target must still
 * have it with this type (format_type's text), and key columns must still
 * be its primary key.
 */
struct drift_col {
	const char *table;
	const char *column;
	const char *type;
	int key;
};

/*
 * Compares the target's tables of schema with cols (n of them, grouped by
 * table): a missing table or column, another type, another primary key.
 * Every difference is severe: a rollback into another shape would fail or,
 * worse, restore values converted to the new type.  0 with d filled, or -1
 * reported.
 */
int drift_compare_columns(PGconn *conn, const char *schema, const struct drift_col *cols, int n,
			  struct drift *d);

/*
 * Prints the verdict on stderr: nothing when there is no drift; else one
 * error (or warning) line, a detail line per difference, a hint.  Returns
 * -1 when the push must stop: any difference not benign, a benign one
 * without allow_drift, a target in another cluster without other_db_ok.
 * A target in the same cluster under another name is a warning.
 */
int drift_report(const struct drift *d, int allow_drift, int other_db_ok);

void drift_free(struct drift *d);

#endif
