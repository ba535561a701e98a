/*
 * pushset: what one push (or rollback) moves, as a model shared by
 * pushsql (which renders every statement) and push (which runs them).
 *
 * A push set is a list of tables, each with the columns of its
 * before-image (old: what the snapshot saw, for updates and deletes) and
 * its after-image (new: what the change set writes, for inserts and
 * updates), plus the schema changes around the data.  The rows themselves
 * stay where they are: in the staging file's dd_change (push) or in the
 * target's ledger work tables (rollback), and are streamed when needed.
 *
 * A rollback's push set is the inverse of a push's: old and new swap,
 * inserts become deletes and deletes inserts (docs/push.md, "Rollback").
 */
#ifndef DD_PUSHSET_H
#define DD_PUSHSET_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

struct push_col {
	char *name;   /* column in the target table */
	char *type;   /* SQL type, as format_type() prints it */
	char *work;   /* its column in the work table: o_<name> or n_<name> */
	int mid;      /* exists in the target while the data statements run */
	int key;      /* part of the primary key */
	int text_cmp; /* the type has no equality operator: compare as text */
	char *seq;    /* the sequence its default draws from (serial, identity,
			 nextval('...') whether OWNED BY or not), or NULL */
	int always;   /* GENERATED ALWAYS AS IDENTITY */
	int generated;/* GENERATED ALWAYS AS (...) STORED: PostgreSQL computes it;
			 never written, compared or guarded */
};

/* A foreign key pointing at a table of the set, from a table of the target. */
struct push_ref {
	char *schema, *table; /* the referencing table */
	int child;            /* its index in push_set.tables, or -1 */
	char **cols;          /* referencing columns */
	char **ref_cols;      /* the referenced table's columns */
	int ncols;
	char *name;           /* the constraint, or NULL (older ledgers) */
	int deferrable;       /* DEFERRABLE: push defers it to the end */
	int nullable;         /* every referencing column allows NULL */
	int broken;           /* set by pushset_order: written in two steps
				 (the child's columns NULL first, see pushsql) */
};

struct push_table {
	int k;                /* 1-based: names the work table */
	char *schema, *name;
	struct push_col *old; /* before-image: U and D rows */
	int nold;
	struct push_col *new; /* after-image: I and U rows */
	int nnew;
	long long ninsert, nupdate, ndelete;
	struct push_ref *refs;
	int nrefs;
	int created;          /* created by a schema change: absent before it */
	int cycle;            /* set by pushset_order: in a foreign-key cycle */
	int full_row;         /* no key of any kind: a row is identified by all
				 its values, copies by count (REPLICA IDENTITY
				 FULL); only inserts and deletes */
};

struct push_ddl {
	int seq;
	int after;            /* phase "after" (else "before") */
	char *op, *tbl;
	char *ddl, *ddl_post;         /* push: around the data */
	char *inverse, *inverse_post; /* rollback: around the inverse data */
	char *probe;          /* if_not_exists: query "does the target have it?" */
	int applied;          /* rollback: the push really applied it */
	/* drop_column and drop_table: the dropped data, kept in the ledger */
	char *save;           /* before the drop: CREATE TABLE drydock.ledger_{ID}_s<seq> AS ... */
	char *restore;        /* rollback, after the inverse data: put it back */
};

/* A sequence the offline run drew from: the target's must get past value. */
struct push_seq {
	char *name;           /* regclass text: "schema"."name" */
	long long value;      /* the run's last value */
};

struct push_set {
	int rollback;         /* the inverse of ledger entry rollback_of */
	long long rollback_of;
	char hash[65];
	char *plan;
	char *schema;         /* the target's PostgreSQL schema */
	struct push_table *tables;
	int ntables;
	int *order;           /* table indexes, parents before children */
	struct push_ddl *ddl;
	int nddl;
	long long inserts, updates, deletes;
	struct push_seq *seqs; /* push only: sequences the run drew from */
	int nseqs;
};

void pushset_free(struct push_set *ps);

/*
 * Reads the latest change set of a staging file into ps: tables with
 * changes, their columns with the PostgreSQL types of the snapshot and of
 * the working shape, keys, sequences, the foreign keys that order the
 * statements, and the schema changes with their DDL.  Reports and returns
 * -1 on error; returns 1 when the file has no change set.
 */
int pushset_from_stage(sqlite3 *db, const char *stage_path, struct push_set *ps);

/* The work-table name of t for ledger entry ledger_id: drydock.ledger_<id>_<k>. */
char *pushset_work_table(const char *ledger_id, const struct push_table *t);

/* A table's spec as stored in drydock.ledger_table.spec, and back. */
cJSON *pushset_table_json(const struct push_table *t);
int pushset_table_from_json(const cJSON *j, struct push_table *t);

/*
 * Makes rb the inverse of push (whose tables and schema changes were read
 * back from the ledger): old and new images swap, inserts and deletes
 * swap, and every column of both shapes exists while the inverse data
 * moves.  The push's schema changes must all have been applied, or none.
 * Returns -1 (reported) when the inverse cannot be ordered.
 */
int pushset_invert(const struct push_set *push, struct push_set *rb);

/*
 * Orders ps->tables parents first by their foreign keys (fills ps->order),
 * for any graph: the strongly connected components of the foreign keys
 * between tables of the set (Tarjan), in topological order, parents first.
 * Inside a cycle, a foreign key the data crosses (inserts, or deletes, on
 * both sides) must run parent first unless it is DEFERRABLE (push defers
 * those); when no order serves, one whose columns allow NULL is marked
 * broken (written in two steps: pushsql).  When neither works, reports
 * which constraints and returns -1: nothing may be sent.
 */
int pushset_order(struct push_set *ps);

/* Whether column col of table ci is written in two steps for operation op
 * ('I': inserted NULL, set after the cycle's inserts; 'D': cleared before
 * the cycle's deletes). */
int pushset_col_broken(const struct push_set *ps, int ci, const char *col, char op);
/* Whether table ci has any column written in two steps for op. */
int pushset_table_broken(const struct push_set *ps, int ci, char op);

/* True when type (format_type text) has no equality operator. */
int pushset_type_needs_text_cmp(const char *type);

#endif
