#include "fn_refused.h"

#include "util.h"

static void fn_refused(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	pgfn_error(ctx, "%s is not supported by drydock yet: %s", (const char *)sqlite3_user_data(ctx),
		   "cast an argument to double precision to use the float8 version");
}

static int register_fns(sqlite3 *db)
{
	return sqlite3_create_function(db, "pg_refused_numeric_power", 2, SQLITE_UTF8,
				       (void *)"power(numeric, numeric)", fn_refused, NULL, NULL);
}

static const struct pgfn_sig sigs[] = {
	{ "power", PGFN_FUNC, 2, { PGK_NUMERIC, PGK_NUMERIC }, PGK_NUMERIC, "pg_refused_numeric_power", 0 },
	{ "pow", PGFN_FUNC, 2, { PGK_NUMERIC, PGK_NUMERIC }, PGK_NUMERIC, "pg_refused_numeric_power", 0 },
	{ "^", PGFN_OP, 2, { PGK_NUMERIC, PGK_NUMERIC }, PGK_NUMERIC, "pg_refused_numeric_power", 0 },
};

const struct pgfn_module pgfn_refused_module = {
	.name = "refused",
	.sigs = sigs,
	.nsigs = (int)ARRAY_SIZE(sigs),
	.register_fns = register_fns,
};
