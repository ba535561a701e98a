/*
 * pushsql: every statement push and rollback send to the target, rendered
 * in one place and walked in one order.  `drydock plan` prints the walk;
 * `drydock push` and `drydock rollback` execute it (push.c), so what is
 * printed is what is sent.  The sequence is documented in docs/push.md.
 *
 * The walk calls a function for each step.  Steps carry their SQL plus
 * what the executor needs to judge the result (which table, which
 * operation, how the row count is checked).  The executor fills in what
 * only the target knows (the ledger id, whether a batched push resumes)
 * in struct ps_state as the walk goes.
 */
#ifndef DD_PUSHSQL_H
#define DD_PUSHSQL_H

#include "pushset.h"
#include "util.h"

/* The advisory lock every push and rollback to a database takes. */
#define PUSH_LOCK_KEY1 1146247492 /* "DRYD" */
#define PUSH_LOCK_KEY2 1

struct push_opts {
	const char *lock_timeout;      /* SET lock_timeout ("10s") */
	const char *statement_timeout; /* SET statement_timeout ("0": none) */
	long batch_size;               /* rows per transaction; 0: one transaction */
	int disable_triggers;          /* the tables' user triggers off (never FK enforcement) */
	/* recorded in the ledger */
	const char *approved_by, *approval_note, *approved_at;
	const char *staging;           /* staging file and snapshot time */
	/* rollback */
	long long rollback_of;         /* the push being undone */
	const char *filter;            /* --where predicates as given, or NULL */
	char **where;                  /* per table of the set: predicate or NULL */
	int partial;                   /* --where given: data only, no schema */
	long long *prior;              /* earlier rollbacks of the same push */
	int nprior;
};

enum ps_kind {
	PS_SQL,           /* a statement; its result is not judged */
	PS_BEGIN,
	PS_COMMIT,
	PS_LOCK,          /* the advisory lock: try, else wait (lock_timeout) */
	PS_UNLOCK,
	PS_LEDGER_ENSURE, /* the ledger's DDL, run when drydock.ledger is absent */
	PS_LEDGER_FIND,   /* the ledger's entry for this hash, if any */
	PS_LEDGER_NEW,    /* INSERT ... RETURNING id: sets state.ledger_id */
	PS_COPY,          /* COPY work FROM STDIN, rows from the staging file */
	PS_COUNT,         /* rows per operation in a work table (dd_op, count) */
	PS_EXCLUDE,       /* drop rows already applied from a work table */
	PS_PREFLIGHT,     /* problems with the target's tables: must be none */
	PS_CONFLICTS,     /* conflicting rows: must be none */
	PS_DDL,           /* a schema change (or its inverse) */
	PS_DML,           /* a data statement whose row count is checked */
	PS_VERIFY,        /* rows differing from the expected after-state */
	PS_CAPTURE,       /* the after-image triggers left, into the ledger: (column, rows) */
};

enum ps_count {
	CNT_NONE,   /* not checked */
	CNT_EXACT,  /* the operation's rows in the work table */
	CNT_EARLY,  /* at most that; the rest is deleted later */
	CNT_REST,   /* what the early delete left */
};

/*
 * Data phases, in the order they run.  PH_UNLINK and PH_LINK exist only
 * for foreign keys pushset_order marked broken: the child's columns are
 * cleared in its rows to delete, and inserted NULL then set once the
 * cycle's rows exist.
 */
enum ps_phase { PH_UNLINK, PH_DELETE_EARLY, PH_INSERT, PH_LINK, PH_UPDATE,
		PH_DELETE_LATE, PH_NONE };

struct ps_step {
	enum ps_kind kind;
	const char *sql;
	const char *comment;   /* a line above it in plan output, or NULL */
	int table;             /* index into the set's tables, or -1 */
	char op;               /* I, U, D (COPY: 0 = every operation) */
	enum ps_count count;
	long unit;             /* batched: 1-based transaction, 0 = the check */
	long long first_seq, last_seq; /* COPY: change rows in range; 0 = all */
	const char *work;      /* the work table the step reads */
};

/* A batched push's transactions: one operation of one table, a seq range. */
struct push_unit {
	enum ps_phase phase;
	int table;             /* -1: no rows (schema changes only) */
	long long first_seq, last_seq, rows;
};

struct ps_state {
	char ledger_id[32];    /* "<id>" until the ledger row exists */
	int resume;            /* the ledger holds this push, in progress */
	long checkpoint;       /* batched: transactions already committed */
	long batch_size;       /* batched: the size in force (the ledger's on resume) */
	struct push_unit *units;
	long nunits;
};

typedef int (*ps_step_fn)(void *ctx, const struct ps_step *s);

/*
 * Where a push's change rows are (the staging file: pushrows.h; tests
 * make their own).  The walk needs only their seqs, to cut a batched
 * push into transactions: seqs calls fn(arg, seq) for every change row
 * of t with operation op, in seq order, and returns -1 (reported) on
 * error.  The rows themselves are streamed by the executor.
 */
typedef int (*ps_seq_fn)(void *arg, long long seq);
struct push_rows {
	int (*seqs)(void *ctx, const struct push_table *t, char op, ps_seq_fn fn,
		    void *arg);
	void *ctx;
};

/*
 * Walks a push of ps and calls fn for each step; fn returns 0 to go on,
 * 1 to stop quietly (the executor has dealt with it), -1 on error.
 * Returns fn's last non-zero value or 0.  rows is needed by a batched
 * push only.  The walk reads nothing: the same push set gives the same
 * statements, which is what `drydock plan` prints and the unit tests
 * check.
 */
int pushsql_walk_push(const struct push_set *ps, const struct push_rows *rows,
		      const struct push_opts *o, struct ps_state *st,
		      ps_step_fn fn, void *ctx);

/*
 * Walks a rollback: rb is the inverse set (pushset_invert), push_id the
 * ledger entry whose work tables hold the rows.  Starts inside the
 * transaction pushsql_walk_prologue opened, in which the executor read
 * the ledger.
 */
int pushsql_walk_rollback(const struct push_set *rb, const char *push_id,
			  const struct push_opts *o, struct ps_state *st,
			  ps_step_fn fn, void *ctx);

/*
 * Splits the change set into a batched push's transactions (docs/push.md,
 * "Batches"): early deletes children first, inserts parents first,
 * updates, late deletes children first, each in runs of size rows in seq
 * order.  Fills st->units.
 */
int pushsql_plan_units(const struct push_set *ps, const struct push_rows *rows,
		       long size, struct ps_state *st);
void pushsql_state_release(struct ps_state *st);

/*
 * Appends the values of a change row (a JSON array of strings and nulls,
 * as dd_change stores it) as COPY text fields, each after a tab.  Returns
 * the number of values, or -1 when the text is not such an array.
 * Exposed for unit tests.
 */
int pushsql_json_row_to_copy(const char *json, struct strbuf *out);

/* The conflict query of t against work table work (for a recheck). */
void pushsql_conflicts_sql(struct strbuf *sb, const struct push_table *t,
			   const char *work);

/* Whether a table of the set needs the early/late split of its deletes. */
int pushsql_split_deletes(const struct push_table *t);

/* The ledger's DDL (schema/ledger.sql). */
extern const char schema_ledger_sql[];

#endif

/* The session settings, the lock and BEGIN (a rollback's first steps). */
int pushsql_walk_prologue(const struct push_opts *o, struct ps_state *st,
			  ps_step_fn fn, void *ctx);
