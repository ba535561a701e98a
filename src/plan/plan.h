/*
 * plan: a migration plan folder, DIR/plan.json plus the files it names.
 * The format is documented in docs/plan-format.md.
 *
 * plan_load() parses plan.json and validates all of it against the JSON
 * Schema schema/plan.schema.json (embedded in the binary), reporting every
 * error at once; unknown keys are errors.  Parts owned by later stages
 * (schema_changes, checks, gates, push) stay available as cJSON under
 * plan->root for their modules, which add the checks a schema cannot
 * express (files exist, names resolve against the catalog).
 */
#ifndef DD_PLAN_H
#define DD_PLAN_H

#include <cjson/cJSON.h>

struct plan_table {
	char *name;
	char *where;   /* row filter (SQL for the source), or NULL */
	cJSON *mask;   /* "mask" object (column -> rule), borrowed from root */
	char **key;    /* "key": a table without a primary key identified by
			  these columns (docs/snapshot.md), or NULL */
	int nkey;
};

struct plan_source {
	char *name;
	char *schema;  /* PostgreSQL schema, default "public" */
	int target;    /* the source push writes to */
	struct plan_table *tables;
	int ntables;
};

struct plan_step {
	char *name;
	char *sql_path;    /* as written in the plan, relative to the plan */
	char *batch_table; /* batched steps: the table whose keys are split */
	long batch_size;   /* rows per batch, 0 when not batched */
	int sqlite_dialect; /* "dialect": "sqlite": SQLite SQL, not compiled
			       (docs/steps.md); shown wherever the run is */
};

struct plan {
	char *dir;
	char *path;        /* DIR/plan.json */
	char *name;
	char *description;
	struct plan_source *sources;
	int nsources;
	struct plan_step *steps;
	int nsteps;
	int sqlite_dialect; /* top-level "dialect": "sqlite": the default of
			       every step, check and gate (docs/steps.md) */
	char *text;        /* plan.json as read */
	cJSON *root;
};

/*
 * An entry's "dialect" (the plan, a step, a check, a gate): "postgresql"
 * sets *sqlite_dialect to 0, "sqlite" to 1, absent to dflt (the plan's
 * own "dialect", itself PostgreSQL by default); anything else returns -1.
 */
int plan_dialect(const cJSON *entry, int dflt, int *sqlite_dialect);

/* Loads and validates DIR/plan.json; on error reports and returns -1. */
int plan_load(const char *dir, struct plan *p);
void plan_free(struct plan *p);
struct plan_source *plan_target(struct plan *p);
struct plan_source *plan_find_source(struct plan *p, const char *name);
/* Source and table names drydock accepts: [a-z_][a-z0-9_]* not "dd". */
int plan_valid_source_name(const char *s);

/*
 * Validates value against schema/plan.schema.json: the whole plan (def
 * NULL) or one definition of it ("push").  Reports every error as
 * "plan FROM: PATH.KEY: what" (path prefixes the value's own paths; NULL
 * for the whole plan) with a "did you mean" for unknown keys, and returns
 * -1; 0 when valid.
 */
int plan_validate_part(const cJSON *value, const char *def, const char *path,
		       const char *from);

/*
 * Parses JSON text (NUL-terminated at len), reporting a syntax error as "FILE:LINE:COL: ..."
 * with the offending line.  Returns NULL on error (already reported).
 */
cJSON *json_parse_located(const char *text, size_t len, const char *file);

#endif
