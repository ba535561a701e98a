/*
 * schemachange: the plan's declarative schema changes (plan.json
 * "schema_changes"), applied three ways from one description:
 *
 *   1. to the working catalog (struct catalog of the target source), so
 *      checks, the change set and push see the shape after the change;
 *   2. to the staging file's working tables (SQLite DDL), during a run;
 *   3. rendered as PostgreSQL DDL for push, with the automatic inverse
 *      for rollback.
 *
 * Ops (docs/plan-format.md): add_column, drop_column, create_table,
 * drop_table, set_not_null, drop_not_null, add_index, add_foreign_key,
 * target_sql (with a required rollback_sql).  Each has "phase": "before"
 * (default; applied before the steps) or "after" (after the steps).
 * "if_not_exists": true makes a change a no-op where the snapshot already
 * has what it adds (consolidated baselines, seed 002); push then also
 * guards the DDL so it is idempotent on the target.
 */
#ifndef DD_SCHEMACHANGE_H
#define DD_SCHEMACHANGE_H

#include <cjson/cJSON.h>
#include "plan.h"
#include "stage.h"

enum sc_op {
	SC_ADD_COLUMN,
	SC_DROP_COLUMN,
	SC_CREATE_TABLE,
	SC_DROP_TABLE,
	SC_SET_NOT_NULL,
	SC_DROP_NOT_NULL,
	SC_ADD_INDEX,
	SC_ADD_FOREIGN_KEY,
	SC_TARGET_SQL,
};

enum sc_phase { SC_BEFORE = 0, SC_AFTER = 1 };

struct schema_change {
	int index;          /* position in plan.json's schema_changes */
	enum sc_op op;
	const char *opname; /* "add_column", ... */
	enum sc_phase phase;
	char *table;        /* NULL for target_sql */
	cJSON *spec;        /* owned copy of the plan's object */
	int skipped;        /* if_not_exists and already present (set by
			       schema_change_apply_catalog) */
};

/*
 * Parses and validates plan->root's "schema_changes" (missing = none).
 * Reports errors as "plan 'P': schema_changes[3]: ..." and returns -1.
 */
int schema_changes_parse(const struct plan *plan, struct schema_change **out,
			 int *n);
void schema_changes_free(struct schema_change *c, int n);

/*
 * Applies c to cat (the working catalog; changes touch the target
 * source's tables).  Adds columns (added=1, base_value set), tables
 * (created=1, with stage/pristine names: pristine_name NULL), constraints,
 * indexes; marks dropped tables dropped=1 and removes dropped columns;
 * sets not_null.  Validates against the catalog: unknown table or column,
 * a column that exists already (unless if_not_exists: then c->skipped=1),
 * a referenced table/column that does not exist.  Reports and returns -1
 * on error.
 */
int schema_change_apply_catalog(struct catalog *cat, struct schema_change *c);

/*
 * Applies c to the working tables of the staging file.  cat is the
 * catalog as it is AFTER schema_change_apply_catalog(c).  add_column with
 * a constant default uses ALTER TABLE ADD COLUMN ... DEFAULT; a
 * non-constant default (e.g. gen_random_uuid()) is evaluated per row with
 * an UPDATE using drydock's SQL functions.  Indexes and foreign keys
 * have no effect on the staging tables (checks enforce them); target_sql
 * and skipped changes do nothing here.
 */
int schema_change_apply_stage(sqlite3 *db, const struct catalog *cat,
			      const struct schema_change *c);

/*
 * Renders c as PostgreSQL statements (each ending in ";\n"), with
 * identifiers quoted and tables qualified by pg_schema, into ddl, and the
 * statements that undo it into inverse.  before is the working catalog
 * BEFORE c was applied (for drop_* the inverse needs the old
 * definitions: column type, nullability, default; table columns and
 * constraints).  if_not_exists changes render guarded DDL (ADD COLUMN IF
 * NOT EXISTS, CREATE INDEX IF NOT EXISTS, a DO block for constraints)
 * whose inverse is still unconditional: push records per change whether
 * it applied (see pushsql).  Returns 0 or -1.
 */
int schema_change_render(const struct schema_change *c,
			 const struct catalog *before, const char *pg_schema,
			 struct strbuf *ddl, struct strbuf *inverse);

/*
 * A SQL query for the target that returns one row with true when what c
 * adds is already present (used to make if_not_exists pushes record what
 * they really did), or NULL when c has no probe.  Newly allocated.
 */
char *schema_change_probe_sql(const struct schema_change *c,
			      const char *pg_schema);

/* Canonical JSON of c->spec (sorted keys, no spaces): for hashing. */
char *schema_change_canonical(const struct schema_change *c);

#endif
