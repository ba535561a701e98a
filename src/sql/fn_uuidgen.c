#include "fn_uuidgen.h"

#include "util.h"

/* RFC 4122, appendix C: the name space ids uuid-ossp returns */
static void fn_ns(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, sqlite3_user_data(ctx), -1, SQLITE_STATIC);
}

static uuidgen_fn run_v4, run_v5;

void uuidgen_install(uuidgen_fn v4, uuidgen_fn v5)
{
	run_v4 = v4;
	run_v5 = v5;
}

static void fn_v4(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (!run_v4) {
		pgfn_error(ctx, "gen_random_uuid() draws from a run's seeded stream: it runs in drydock run only");
		return;
	}
	run_v4(ctx, argc, argv);
}

static void fn_v5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (pgfn_any_null(argc, argv))
		return;
	if (!run_v5) {
		pgfn_error(ctx, "uuid_generate_v5() runs in drydock run only");
		return;
	}
	run_v5(ctx, argc, argv);
}

static int register_fns(sqlite3 *db)
{
	int rc;
	/* v4 draws from the stream: SQLite must call it once per row */
	if ((rc = sqlite3_create_function(db, "pg_gen_random_uuid", 0, SQLITE_UTF8, NULL, fn_v4,
					  NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_create_function(db, "pg_uuid_generate_v5", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					  NULL, fn_v5, NULL, NULL)) != SQLITE_OK)
		return rc;
	static const char *const ns[][2] = {
		{ "pg_uuid_ns_dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
		{ "pg_uuid_ns_url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
		{ "pg_uuid_ns_oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
		{ "pg_uuid_ns_x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		rc = sqlite3_create_function(db, ns[i][0], 0, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)ns[i][1], fn_ns, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static const struct pgfn_sig sigs[] = {
	{ "gen_random_uuid", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_gen_random_uuid", PGFN_VOLATILE },
	{ "uuid_generate_v4", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_gen_random_uuid", PGFN_VOLATILE },
	{ "uuid_generate_v5", PGFN_FUNC, 2, { PGK_UUID, PGK_TEXT }, PGK_UUID, "pg_uuid_generate_v5", 0 },
	{ "uuid_ns_dns", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_uuid_ns_dns", 0 },
	{ "uuid_ns_url", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_uuid_ns_url", 0 },
	{ "uuid_ns_oid", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_uuid_ns_oid", 0 },
	{ "uuid_ns_x500", PGFN_FUNC, 0, { 0 }, PGK_UUID, "pg_uuid_ns_x500", 0 },
};

const struct pgfn_module pgfn_uuidgen_module = {
	.name = "uuidgen",
	.sigs = sigs,
	.nsigs = (int)ARRAY_SIZE(sigs),
	.register_fns = register_fns,
};
