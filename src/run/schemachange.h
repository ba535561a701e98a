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
 * Ops (docs/schema-changes.md): add_column, drop_column, create_table,
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
	int if_not_exists;  /* the plan's "if_not_exists" */
	char *table;        /* NULL for target_sql */
	cJSON *spec;        /* owned copy of the plan's object */
	char *where;        /* "plan 'P': schema_changes[N] (op)", for messages */
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
 * identifiers quoted and tables qualified by pg_schema.  before is the
 * working catalog BEFORE c is applied: call this before
 * schema_change_apply_catalog(c) (drop_* inverses need the old
 * definitions: type, nullability, default, sequence or identity,
 * constraints and indexes).
 *
 * Each direction has two parts around the data operations, so that the
 * target holds every column and table of both shapes while rows move
 * (docs/schema-changes.md, "Ordering"):
 *
 *   push:      ddl       additive: ADD COLUMN, CREATE TABLE, DROP NOT NULL
 *              -- data operations of the push --
 *              ddl_post  restrictive: SET NOT NULL, indexes, foreign keys,
 *                        DROP COLUMN, DROP TABLE
 *   rollback:  inverse       additive undo: re-add dropped columns and
 *                            tables, DROP NOT NULL / INDEX / CONSTRAINT
 *              -- inverse data operations (restore from the snapshot) --
 *              inverse_post  restrictive undo: SET NOT NULL, constraints
 *                            and indexes of re-created objects, DROP
 *                            COLUMN / TABLE of added ones
 *
 * Push runs the ddl of "before" changes in plan order, the data, their
 * ddl_post in plan order, then each "after" change's ddl and ddl_post.
 * Rollback runs every applied change's inverse in reverse plan order, the
 * inverse data, then every inverse_post in reverse plan order.  A part
 * with nothing to do is left empty.
 *
 * if_not_exists changes render guarded DDL (ADD COLUMN IF NOT EXISTS,
 * CREATE INDEX IF NOT EXISTS, a DO block for constraints) whose inverse
 * is still unconditional: push records per change whether it applied
 * (schema_change_probe_sql) and rollback inverts only those.  Returns 0,
 * or -1 with an error reported.
 */
int schema_change_render(const struct schema_change *c,
			 const struct catalog *before, const char *pg_schema,
			 struct strbuf *ddl, struct strbuf *ddl_post,
			 struct strbuf *inverse, struct strbuf *inverse_post);

/*
 * A SQL query for the target returning one row with one boolean: true
 * when the target is already in the state c produces (what an add_* or
 * create_table adds exists; what a drop_* removes is absent; the column
 * already is / is not NOT NULL).  Push asks it before an if_not_exists
 * change to record whether the change really applied; a result that
 * differs from c->skipped means the target drifted since the snapshot.
 * NULL for target_sql.  Newly allocated.
 */
char *schema_change_probe_sql(const struct schema_change *c,
			      const char *pg_schema);

/* Canonical JSON of c->spec (sorted keys, no spaces): for hashing. */
char *schema_change_canonical(const struct schema_change *c);

/*
 * Whether a default expression is a constant literal: a number, a quoted
 * string, true, false or null, optionally followed by ::type casts
 * ("'pending'::text", "0", "NULL::integer").  Returns 1 and sets *value
 * to the literal's text (newly allocated; NULL for null), else 0.
 */
int schema_default_constant(const char *expr, char **value);

#endif
