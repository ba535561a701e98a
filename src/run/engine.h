/*
 * engine: the run engine, turning a staging file into a change set
 * offline.
 *
 * run_plan() is `drydock run`: every fresh run rebuilds the working tables
 * from the pristine snapshot, applies the plan's "before" schema changes,
 * runs the steps in order (each step, or each batch of a batched step, in
 * its own transaction, checkpointed so --resume continues where it
 * stopped), applies the "after" schema changes, computes the change set
 * and runs the checks.  Every step the plan runs in PostgreSQL SQL is
 * compiled (sqlc) before anything runs.
 *
 * The run_ctx functions are for commands that add recorded steps to the
 * latest finished run (`drydock check --fix`): run_open_latest() opens it,
 * run_extra_step() runs one fix, run_recompute_changeset() stores the
 * change set again, run_close() releases the context.  A run context is
 * built one way (for run_plan and run_open_latest alike), so run_close()
 * is right for both, also after a failed open.
 */
#ifndef DD_ENGINE_H
#define DD_ENGINE_H

#include "plan.h"
#include "schemachange.h"
#include "stage.h"
#include "util.h"

struct guard;
struct sqlc_program;
struct changeset_summary;

/* What `drydock run` was asked (src/cmd/cmd_run.c parses the options). */
struct run_opts {
	const char *stage_path;
	const char *plan_dir;
	const char *seed, *clock; /* NULL: derived from the snapshot */
	const char *from;         /* --from STEP, or NULL */
	int resume;               /* --resume: continue the unfinished latest run */
	int no_check;             /* --no-check: skip the checks (recorded) */
};

/*
 * Runs the plan in o->plan_dir on o->stage_path, printing each step, the
 * change set and the checks' findings on stdout.  Returns an exit code:
 * EXIT_OK; EXIT_FINDINGS (the run finished but a check of severity error
 * failed); EXIT_USAGE (no such --from step, a --clock that is no
 * timestamp; reported with a hint to 'drydock run --help');
 * EXIT_RUNTIME (refused or failed, reported; the run's state is recorded
 * for --resume).
 */
int run_plan(const struct run_opts *o);

/*
 * `drydock validate`: checks the plan in plan_dir without running
 * anything: plan.json against its schema, the files it names, its schema
 * changes, checks and gates, and the syntax of every PostgreSQL SQL text
 * (all syntax errors reported).  With stage_path (opened read-only), also
 * what run checks before its first step: the plan's tables are in the
 * snapshot, and every step, check, fix, gate and invariant compiles
 * against the snapshot's schema after the plan's schema changes.  0, or
 * -1 reported.
 */
int run_validate(const char *plan_dir, const char *stage_path);

struct run_ctx {
	sqlite3 *db;
	const char *stage_path;
	struct plan *plan;
	struct schema_change *sc;
	int nsc;
	struct catalog *pristine; /* the snapshot's catalog */
	struct catalog *working;  /* after every schema change of the plan */
	struct catalog *stagecat; /* as the staging file is now (run_plan: its
				   * own copy, moved by each schema change
				   * applied; else the same as working) */
	struct guard *guard;      /* write protection for inputs */
	long long run;            /* dd_run.id */
	long long rows_total;
	int from_step;            /* --from: 1-based step index, 0 if none */
	struct progress progress;
	/* the steps compiled before anything runs (sqlc), one per plan step;
	 * nstmts 0 for a "dialect": "sqlite" step */
	struct sqlc_program *progs;
};

/*
 * Opens the latest run of stage_path, which must have finished, with its
 * seed and clock, the step functions and the read-only guard, and reads
 * the catalogs (the schema changes are parsed from plan).  Reports and
 * returns -1 on error; run_close(rc) is needed either way.
 */
int run_open_latest(struct run_ctx *rc, const char *stage_path, struct plan *plan);
/*
 * Runs sql as an extra recorded step of the run (own transaction, run log
 * entry named name, random streams seeded by name).  path is for messages.
 * sql is PostgreSQL SQL compiled against the run's working state, or with
 * sqlite_dialect SQLite SQL run as it is.
 */
int run_extra_step(struct run_ctx *rc, const char *name, const char *path,
		   const char *sql, int sqlite_dialect);
/* Recomputes and stores the change set after extra steps. */
int run_recompute_changeset(struct run_ctx *rc, struct changeset_summary *out);
/*
 * Releases everything a run context holds (the file, the schema changes,
 * the catalogs, the guard and the compiled steps), however far opening it
 * got; a closed context may be closed again.
 */
void run_close(struct run_ctx *rc);

#endif
