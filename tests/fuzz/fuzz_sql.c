/*
 * The SQL compiler's input: any text, compiled as a step (then as a
 * check and as a gate's where clause) against a small catalog with the
 * real runtime modules.  It must refuse or compile, never misbehave;
 * what compiles must also be SQL SQLite can prepare.
 */
#include "fuzz.h"
#include "sqlc.h"
#include "stage.h"

static struct column_meta t_cols[] = {
	{ .name = "id", .pg_type = "integer", .default_expr = "nextval('t_id_seq'::regclass)" },
	{ .name = "name", .pg_type = "text" },
	{ .name = "price", .pg_type = "numeric(6,2)" },
	{ .name = "code", .pg_type = "character varying(4)" },
	{ .name = "pad", .pg_type = "character(3)" },
	{ .name = "born", .pg_type = "date" },
	{ .name = "at", .pg_type = "timestamp with time zone", .default_expr = "now()" },
	{ .name = "doc", .pg_type = "jsonb" },
	{ .name = "tags", .pg_type = "text[]" },
	{ .name = "ok", .pg_type = "boolean", .default_expr = "true" },
	{ .name = "mood", .pg_type = "mood", .is_enum = 1, .enum_type = "mood" },
};
static struct column_meta s_cols[] = {
	{ .name = "id", .pg_type = "bigint" },
	{ .name = "t_id", .pg_type = "integer" },
	{ .name = "amount", .pg_type = "double precision" },
};
static int pk0[] = { 0 };
static char *labels[] = { "sad", "ok", "happy", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct table_meta tables[3];
	static struct source_meta sources[2];
	static struct enum_meta enums[1];
	static struct catalog cat;
	static sqlite3 *db;
	static const enum sqlc_context ctxs[] = { SQLC_STEP, SQLC_CHECK, SQLC_WHERE };

	if (!db) {
		fuzz_dir();
		sources[0] = (struct source_meta){ .name = "app", .is_target = 1, .schema = "public" };
		sources[1] = (struct source_meta){ .name = "old", .schema = "public" };
		tables[0] = (struct table_meta){ .source = "app", .name = "t", .stage_name = "t",
			.pristine_name = "dd_pristine__t", .cols = t_cols, .ncols = 11, .pk = pk0, .npk = 1 };
		tables[1] = (struct table_meta){ .source = "app", .name = "s", .stage_name = "s",
			.pristine_name = "dd_pristine__s", .cols = s_cols, .ncols = 3, .pk = pk0, .npk = 1 };
		tables[2] = (struct table_meta){ .source = "old", .name = "t", .stage_name = "old__t",
			.cols = t_cols, .ncols = 11 };
		for (int i = 0; i < 3; i++)
			table_parse_types(&tables[i]);
		enums[0] = (struct enum_meta){ .source = "app", .name = "mood", .labels = labels, .nlabels = 3 };
		cat = (struct catalog){ .sources = sources, .nsources = 2, .tables = tables,
			.ntables = 3, .enums = enums, .nenums = 1 };
		if (sqlite3_open(":memory:", &db) != SQLITE_OK)
			abort();
		for (int i = 0; i < 3; i++)
			if (stage_create_table(db, &tables[i], tables[i].stage_name) < 0)
				abort();
		if (sqlc_setup(db, &cat) < 0)
			abort();
	}
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t c = 0; c < ARRAY_SIZE(ctxs); c++) {
		struct sqlc_env *env = sqlc_env_new(&cat, NULL);
		struct sqlc_program p;
		sqlc_env_set_table(env, NULL, "t");
		if (sqlc_compile(env, "fuzz.sql", text, ctxs[c], &p) == 0) {
			/* compiled SQL must at least prepare (functions registered,
			 * names right); scratch tables and pg_nextval are not here */
			for (int i = 0; i < p.nstmts && ctxs[c] == SQLC_CHECK; i++) {
				sqlite3_stmt *st = NULL;
				if (sqlite3_prepare_v2(db, p.stmts[i].sqlite_sql, -1, &st, NULL) != SQLITE_OK &&
				    getenv("DD_FUZZ_STRICT")) {
					fprintf(stderr, "does not prepare: %s\n%s\n", sqlite3_errmsg(db), p.stmts[i].sqlite_sql);
					abort();
				}
				sqlite3_finalize(st);
			}
			sqlc_program_free(&p);
		}
		sqlc_env_free(env);
	}
	free(text);
	return 0;
}
