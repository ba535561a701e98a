/*
 * push: runs the statements pushsql walks against the target, for push
 * and rollback alike, and judges every result: the lock, the ledger,
 * COPY counts, the schema check, conflicts, statement row counts and the
 * verification of the after-state.  Any failure rolls the transaction
 * back; nothing half-applied is committed.
 */
#ifndef DD_PUSH_H
#define DD_PUSH_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "pushsql.h"

enum push_outcome {
	PUSH_APPLIED = 0,
	PUSH_CONFLICT,   /* conflicts found; nothing applied (exit 1) */
	PUSH_REFUSED,    /* already applied, lock busy, schema drift (exit 3) */
	PUSH_FAILED,     /* any other error (exit 3) */
};

struct push_exec {
	PGconn *conn;
	sqlite3 *db;                 /* staging file, for COPY rows (push only) */
	const struct push_rows *rows; /* its rows, for batches (push only) */
	const struct push_set *ps;
	const struct push_opts *o;
	struct ps_state st;
	const char *report_path;     /* where conflicts are written */
	const char *what;            /* "push" or "rollback", for messages */
	/* results */
	enum push_outcome outcome;
	long long ledger_id;         /* 0 until the ledger row exists */
	long long conflicts;
	long units_done;             /* batched: transactions committed by this run */
	int partial;                 /* batched: stopped with some batches applied */
	double seconds;
	/* internal */
	long long (*counts)[5];      /* per table: copied I, U, D, excluded, early */
	int in_tx;
	int status_line;             /* a progress line is on the terminal */
	struct progress progress;    /* rows sent by COPY, on a terminal */
	FILE *report;
	char *report_tmp;
	int shown;
	long long ledger_find_id;    /* PS_LEDGER_FIND: an entry holding this hash */
	char ledger_find_status[32];
	/* the conflict check fused with the guarded statements (push.c,
	 * docs/push.md "Conflicts"): 0 undecided, 1 on, 2 off */
	int fused;
	int fused_open;              /* the savepoint stands, the queries are held */
	struct ps_step *held;        /* the conflict steps held back (sql owned) */
	int nheld;
};

/* Runs a push of e->ps; returns the exit code (util.h) and sets e->outcome. */
int push_run(struct push_exec *e);

/* Runs a rollback (e->ps is the inverse set, push_id its push's entry). */
int push_run_rollback(struct push_exec *e, const char *push_id);

/*
 * Connects to the target for a push, rollback or history (pg_connect with
 * the password redacted everywhere).
 */
PGconn *push_connect(const char *conninfo);


#endif

/* ------------------------------------------------ settings and approval */

/*
 * The plan's "push" settings (docs/push.md, "Settings"), read from plan
 * DIR if given, else the folder the latest run used (dd_meta plan_dir),
 * else the plan recorded at snapshot time; command-line flags override.
 */
struct push_settings {
	char *lock_timeout;      /* default "10s" */
	char *statement_timeout; /* default "0" (none) */
	long batch_size;         /* default 0: one transaction */
	int disable_triggers;
	int rehearsal;           /* the target is a rehearsal: masked data may go */
	char *from;              /* where they were read, for the summary */
};
int push_settings_load(sqlite3 *db, const char *plan_dir, struct push_settings *s);
void push_settings_free(struct push_settings *s);
/*
 * Command-line overrides of the plan's settings, shared by push and plan:
 * a NULL duration, batch < 0 or notrig == 0 keeps the plan's value.
 */
void push_settings_override(struct push_settings *s, const char *lock_timeout,
			    const char *statement_timeout, long batch, int notrig);
/* "PATH (snapshot TIME)": how the ledger names a staging file. */
char *push_staging_label(sqlite3 *db, const char *path);
/* A PostgreSQL duration drydock accepts: digits and an optional unit. */
int push_valid_duration(const char *s);

/*
 * Masked staging files (docs/masking.md) hold replaced personal data and
 * must never overwrite real data: push refuses them here unless the plan
 * marks the target as a rehearsal.  Returns -1 (reported) when refused.
 */
int push_refuse_masked(sqlite3 *db, const char *stage_path, int rehearsal);

/*
 * The outcome of e in the staging file's own record of pushes and
 * rollbacks (dd_push, started with book_push_start()).
 */
int push_record_finish(sqlite3 *db, long long id, const struct push_exec *e,
		       const char *counts_json);

/* Statement-level steps shared by push and rollback: the session setup,
 * the lock and the transaction, run before a rollback reads the ledger. */
int push_begin(struct push_exec *e);
