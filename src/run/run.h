/*
 * run: state shared by the pieces of `drydock run` (src/cmd/cmd_run.c for now) and the
 * code it calls into (checks with their fixes run as recorded steps).
 */
#ifndef DD_RUN_H
#define DD_RUN_H

#include "plan.h"
#include "schemachange.h"
#include "stage.h"
#include "util.h"

struct guard;
struct sqlc_program;

struct run_ctx {
	sqlite3 *db;
	const char *stage_path;
	struct plan *plan;
	struct schema_change *sc;
	int nsc;
	struct catalog *stagecat; /* catalog as the staging file is now */
	struct guard *guard;      /* write protection for inputs */
	long long run;            /* dd_run.id */
	long long rows_total;
	int from_step;            /* --from: 1-based step index, 0 if none */
	struct progress progress;
	/* filled by run_open_latest() for commands that extend a finished run */
	struct catalog *pristine;
	struct catalog *working;
	/* the steps compiled before anything runs (sqlc), one per plan step;
	 * nstmts 0 for a "dialect": "sqlite" step */
	struct sqlc_program *progs;
};

/*
 * For commands that add recorded steps to the latest finished run (check
 * --fix): opens the staging file with that run's seed and clock, the
 * step functions and the read-only guard, and reads the catalogs (the
 * schema changes are parsed from plan).  Reports and returns -1 on error.
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
struct changeset_summary;
int run_recompute_changeset(struct run_ctx *rc, struct changeset_summary *out);
void run_close(struct run_ctx *rc);



#endif
