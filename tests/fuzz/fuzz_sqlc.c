/*
 * The SQL compiler's input: PostgreSQL text compiled in every context
 * against a small catalog (one table of every common type, an enum, a
 * second source), and what compiles is run once on an in-memory staging
 * file.  Refusals are expected; crashes, leaks and sanitizer reports are
 * not.
 */
#include "fuzz.h"
#include "sqlc.h"
#include "stage.h"

static const char *const cols[][2] = {
	{ "id", "integer" }, { "i", "integer" }, { "b", "bigint" }, { "n", "numeric" },
	{ "m", "numeric(8,2)" }, { "t", "text" }, { "v", "character varying(12)" },
	{ "c", "character(4)" }, { "d", "date" }, { "ts", "timestamp with time zone" },
	{ "j", "jsonb" }, { "bo", "boolean" }, { "f", "double precision" },
	{ "u", "uuid" }, { "ta", "text[]" }, { "r", "mood" }, { "by", "bytea" },
	{ "iv", "interval" }, { "dr", "daterange" },
};

static void add_table(struct catalog *cat, const char *source, const char *name, int target)
{
	struct table_meta *t = catalog_add_table(cat);
	int n = (int)ARRAY_SIZE(cols);
	t->source = xstrdup(source);
	t->name = xstrdup(name);
	t->ncols = n;
	t->cols = xcalloc((size_t)n, sizeof(*t->cols));
	for (int i = 0; i < n; i++) {
		t->cols[i].name = xstrdup(cols[i][0]);
		t->cols[i].pg_type = xstrdup(cols[i][1]);
		if (!strcmp(cols[i][1], "mood")) {
			t->cols[i].is_enum = 1;
			t->cols[i].enum_type = xstrdup("mood");
		}
	}
	t->cols[1].default_expr = xstrdup("42");
	t->cols[9].default_expr = xstrdup("now()");
	t->cons = xcalloc(2, sizeof(*t->cons));
	t->ncons = 1;
	t->cons[0].name = xasprintf("%s_pkey", name);
	t->cons[0].kind = 'p';
	t->cons[0].columns = xcalloc(2, sizeof(char *));
	t->cons[0].columns[0] = xstrdup("id");
	t->cons[0].ncolumns = 1;
	t->cons[0].definition = xstrdup("PRIMARY KEY (id)");
	t->pk = xcalloc(1, sizeof(int));
	t->npk = 1;
	table_set_stage_names(t, target);
	table_parse_types(t);
}

static void make_catalog(struct catalog *cat)
{
	struct source_meta *s;
	struct enum_meta *e;
	s = catalog_add_source(cat);
	s->name = xstrdup("app");
	s->is_target = 1;
	s->schema = xstrdup("public");
	s->origin = xstrdup("fixture");
	s->identity = xstrdup("fuzz");
	s = catalog_add_source(cat);
	s->name = xstrdup("v1");
	s->schema = xstrdup("public");
	s->origin = xstrdup("fixture");
	s->identity = xstrdup("fuzz");
	e = catalog_add_enum(cat);
	e->source = xstrdup("app");
	e->name = xstrdup("mood");
	e->nlabels = 3;
	e->labels = xcalloc(4, sizeof(char *));
	e->labels[0] = xstrdup("sad");
	e->labels[1] = xstrdup("ok");
	e->labels[2] = xstrdup("happy");
	add_table(cat, "app", "fz", 1);
	add_table(cat, "app", "other", 1);
	add_table(cat, "v1", "fz", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sqlc_context ctxs[] = { SQLC_STEP, SQLC_CHECK, SQLC_INVARIANT, SQLC_WHERE };
	struct catalog cat = { 0 };
	sqlite3 *db = NULL;
	char *text = xstrndup((const char *)data, size);

	fuzz_dir(); /* silences error output in the corpus driver */
	make_catalog(&cat);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || stage_exec(db, schema_stage_sql) ||
	    stage_write_catalog(db, &cat) || sqlc_setup(db, &cat))
		goto cleanup;
	for (int i = 0; i < cat.ntables; i++)
		if (stage_create_table(db, &cat.tables[i], cat.tables[i].stage_name) ||
		    (cat.tables[i].pristine_name &&
		     stage_create_table(db, &cat.tables[i], cat.tables[i].pristine_name)))
			goto cleanup;
	stage_exec(db, "INSERT INTO fz (id, i, n, t, d, j, bo) VALUES "
		       "(1, 1, '1.50', 'abc', '2024-01-01', '{\"a\": 1}', 1), (2, NULL, NULL, NULL, NULL, NULL, NULL)");
	for (size_t k = 0; k < ARRAY_SIZE(ctxs); k++) {
		struct sqlc_env *env = sqlc_env_new(&cat, db);
		struct sqlc_program p = { 0 };
		if (ctxs[k] == SQLC_WHERE)
			sqlc_env_set_table(env, "app", "fz");
		if (sqlc_compile(env, "fuzz.sql", text, ctxs[k], &p) == 0) {
			if (ctxs[k] == SQLC_STEP) {
				stage_exec(db, "SAVEPOINT f");
				sqlc_exec(db, &p);
				stage_exec(db, "ROLLBACK TO f");
				stage_exec(db, "RELEASE f");
			}
			sqlc_program_free(&p);
		}
		sqlc_env_free(env);
	}
cleanup:
	sqlite3_close(db);
	catalog_free(&cat);
	free(text);
	return 0;
}
