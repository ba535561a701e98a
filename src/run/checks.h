/*
 * checks: proving a change set offline (docs/checks.md).
 *
 *  - built-in checks, derived from the snapshotted schema: primary keys,
 *    NOT NULL, unique constraints and unique indexes, foreign keys, CHECK
 *    constraints (translated by checkexpr where SQLite agrees with
 *    PostgreSQL, else "unverifiable"), and the conformity of every
 *    inserted or updated value with its PostgreSQL type (pgvalue_check);
 *  - the plan's own checks (plan.json "checks"): queries returning the
 *    rows that violate, run on the pristine snapshot ("before") and/or
 *    the working state ("after"), with optional fix SQL;
 *  - gates (plan.json "gates"): limits on what the change set may do per
 *    table, and invariants compared between before and after.
 *
 * "Before" queries see the snapshot under the target's own table names:
 * TEMP VIEWs named like the tables over dd_pristine__T shadow the working
 * tables while they run (SQLite resolves unqualified names in temp
 * first).
 *
 * A check session collects results in memory (bounded: at most 20 sample
 * keys each), then stores them as one dd_check_run row with its
 * dd_check_result rows, bound to the change set hash it judged.
 */
#ifndef DD_CHECKS_H
#define DD_CHECKS_H

#include <stdio.h>
#include "plan.h"
#include "stage.h"
#include "util.h"

#define CHECK_SAMPLE_MAX 20

enum { WHEN_BEFORE = 1, WHEN_AFTER = 2 };

/* One entry of plan.json "checks". */
struct plan_check {
	char *name;
	char *sql;        /* the query: returns the rows that violate */
	char *sql_from;   /* where it came from, for messages */
	int is_error;     /* severity: 1 error, 0 warn */
	int when;         /* WHEN_BEFORE | WHEN_AFTER */
	char *fix_sql;    /* SQL run by --fix, or NULL */
	char *fix_from;   /* its file (full path), for error messages */
	char *fix_name;   /* as the plan names it, for stored messages */
	char **key;       /* result columns forming the sample keys; NULL: all */
	int nkey;
	int sqlite_dialect; /* "dialect": "sqlite": query and fix are SQLite SQL */
};

enum gate_kind { GATE_TABLE, GATE_TOTAL, GATE_INVARIANT };

/* One entry of plan.json "gates". */
struct gate {
	enum gate_kind kind;
	char *name;
	int is_error;
	/* GATE_TABLE and GATE_TOTAL */
	char *table;
	char *where;      /* only rows matching (before or after) count */
	long long max_inserts, max_updates, max_deletes, max_rows; /* -1: none */
	char **unchanged; /* columns_unchanged */
	int nunchanged;
	/* GATE_INVARIANT */
	char *sql;
	char *sql_from;
	char relation[3]; /* = != < <= > >= : after REL before + delta */
	double delta, tolerance;
	int sqlite_dialect; /* "dialect": "sqlite": where and invariant are SQLite SQL */
};

struct checks {
	struct plan_check *checks;
	int nchecks;
	struct gate *gates;
	int ngates;
};

/*
 * Parses and validates plan->root's "checks" and "gates" (missing =
 * none), reading the SQL files they name.  Reports errors as
 * "plan 'P': checks[2]: ..." and returns -1.
 */
int checks_parse(const struct plan *plan, struct checks *out);
/* Validates table and column names against the working catalog. */
int checks_validate(const struct plan *plan, const struct checks *c,
		    const struct catalog *working);
void checks_free(struct checks *c);

/*
 * Compiles every check, fix, invariant and gate condition of the plan
 * (PostgreSQL SQL, docs/steps.md) without running it: before-phase ones
 * against pristine, after-phase ones in env (the steps' environment, which
 * knows their scratch tables).  So a run refuses a bad check before its
 * first step.  Reports FILE:LINE:COL and returns -1 on the first refusal.
 */
struct sqlc_env;
int checks_compile(const struct plan *plan, const struct checks *c,
		   const struct catalog *pristine, struct sqlc_env *env);

struct check_result {
	char *name;
	const char *kind;     /* builtin, plan, gate, invariant */
	const char *phase;    /* before, after */
	const char *severity; /* error, warn */
	const char *status;   /* pass, fail, unverifiable, fixed */
	long long count;      /* violating rows */
	struct strbuf sample; /* JSON array of up to 20 keys */
	struct strbuf shown;  /* the first keys, as printed */
	int nsample;
	char *message;        /* or NULL */
	double ms;
	const struct plan_check *check; /* plan checks: the spec */
};

struct inv_value;

struct check_session {
	sqlite3 *db;
	const struct plan *plan;
	const struct checks *spec;
	const struct catalog *pristine;
	const struct catalog *working;
	long long run;
	int all;              /* also recheck constraints of unchanged tables */
	struct check_result *res;
	int nres;
	size_t alloc;
	int skipped;          /* constraint checks left out: nothing changed */
	struct inv_value *inv_before; /* per gate: invariant value before */
	int before_done;
};

void check_session_init(struct check_session *s, sqlite3 *db,
			const struct plan *plan, const struct checks *spec,
			const struct catalog *pristine,
			const struct catalog *working, long long run);
void check_session_free(struct check_session *s);

/*
 * Runs the plan's "before" checks and the invariants' before values on
 * the pristine snapshot, and test-prepares gate filters.  Returns -1 on
 * a query that cannot run (reported).
 */
int checks_run_before(struct check_session *s);
/* The "after" checks, gates, invariants and built-in checks. */
int checks_run_after(struct check_session *s);
/* checks_run_after() shown on a terminal as the phase "checks". */
int checks_run_watched(struct check_session *s);

struct check_totals {
	int passed, fixed, failed, errors, warnings, unverifiable;
};
void checks_totals(const struct check_session *s, struct check_totals *t);

/* Stores the results as a new dd_check_run; sets *id. */
int checks_store(struct check_session *s, long long *id);
/* Which results checks_print() lists. */
enum { PRINT_ALL, PRINT_PROBLEMS /* failed, unverifiable */, PRINT_FAILED };
/* Prints the results table (nothing when no result qualifies). */
void checks_print(const struct check_session *s, FILE *f, int which);
/* Prints the summary line "checks: N passed, ...". */
void checks_print_summary(const struct check_session *s, FILE *f);
/* The results as JSON (newly allocated). */
char *checks_json(const struct check_session *s, long long check_run,
		  const char *changeset_hash);

/* What approve and push require of the checks is book.h's rule (book_review). */

#endif
