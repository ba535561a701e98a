/*
 * Unit tests for the SQL compiler (src/sql/compile*.c): what PostgreSQL
 * statements compile to, and every refusal with its message, line and
 * column.  The runtime modules are stood in for by a small test module
 * (a few signatures with simple implementations): these tests prove the
 * compiler's resolution and printing, not the runtime functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sqlc.h"
#include "stage.h"
#include "util.h"

/* ---- a test module ---- */

#define I PGFN_IMPLICIT
#define A PGFN_ASSIGNMENT
#define T PGFN_TYPMOD
static const struct pgfn_sig test_sigs[] = {
	{ "+", PGFN_OP, 2, { PGK_INT4, PGK_INT4 }, PGK_INT4, "t_int4pl", 0 },
	{ "+", PGFN_OP, 2, { PGK_INT8, PGK_INT8 }, PGK_INT8, "t_int8pl", 0 },
	{ "+", PGFN_OP, 2, { PGK_NUMERIC, PGK_NUMERIC }, PGK_NUMERIC, "t_numeric_add", 0 },
	{ "*", PGFN_OP, 2, { PGK_NUMERIC, PGK_NUMERIC }, PGK_NUMERIC, "t_numeric_mul", 0 },
	{ "*", PGFN_OP, 2, { PGK_INT4, PGK_INT4 }, PGK_INT4, "t_int4mul", 0 },
	{ "-", PGFN_OP, 1, { PGK_INT4 }, PGK_INT4, "t_int4um", 0 },
	{ "+", PGFN_OP, 2, { PGK_DATE, PGK_INT4 }, PGK_DATE, "t_date_pli", 0 },
	{ "||", PGFN_OP, 2, { PGK_TEXT, PGK_TEXT }, PGK_TEXT, "t_textcat", 0 },
	{ "~~", PGFN_OP, 2, { PGK_TEXT, PGK_TEXT }, PGK_BOOL, "t_like", 0 },
	{ "lower", PGFN_FUNC, 1, { PGK_TEXT }, PGK_TEXT, "t_lower", 0 },
	{ "round", PGFN_FUNC, 2, { PGK_NUMERIC, PGK_INT4 }, PGK_NUMERIC, "t_round", 0 },
	{ "round", PGFN_FUNC, 1, { PGK_FLOAT8 }, PGK_FLOAT8, "t_dround", 0 },
	{ "now", PGFN_FUNC, 0, { 0 }, PGK_TIMESTAMPTZ, "t_now", 0 },
	{ "current_date", PGFN_FUNC, 0, { 0 }, PGK_DATE, "t_current_date", 0 },
	{ "concat", PGFN_FUNC, 1, { PGK_ANY }, PGK_TEXT, "t_concat", PGFN_VARIADIC | PGFN_NONSTRICT },
	{ "sum", PGFN_AGG, 1, { PGK_INT4 }, PGK_INT8, "t_sum_int4", 0 },
	{ "sum", PGFN_AGG, 1, { PGK_NUMERIC }, PGK_NUMERIC, "t_sum_numeric", 0 },
	{ "gen_random_uuid", PGFN_FUNC, 0, { 0 }, PGK_UUID, "t_uuid", PGFN_VOLATILE },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_INT4, "t_int4in", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_INT8, "t_int8in", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_BOOL, "t_boolin", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_NUMERIC, "t_numeric_in", T },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_FLOAT8, "t_float8in", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_DATE, "t_date_in", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_TIMESTAMPTZ, "t_tstz_in", T },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_UUID, "t_uuid_in", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 }, PGK_TEXT, "t_int4out", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_NUMERIC }, PGK_TEXT, "t_numeric_out", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_DATE }, PGK_TEXT, "t_date_out", 0 },
	{ NULL, PGFN_CAST, 1, { PGK_CHAR }, PGK_TEXT, "t_bpchar_text", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_TEXT }, PGK_CHAR, "t_text_bpchar", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_NUMERIC }, PGK_NUMERIC, "t_numeric_typmod", T | I | A },
	{ NULL, PGFN_CAST, 1, { PGK_VARCHAR }, PGK_VARCHAR, "t_varchar_typmod", T | I | A },
	{ NULL, PGFN_CAST, 1, { PGK_CHAR }, PGK_CHAR, "t_bpchar_typmod", T | I | A },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 }, PGK_INT8, "t_int48", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_INT8 }, PGK_INT4, "t_int84", A },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 }, PGK_NUMERIC, "t_int4_numeric", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_INT8 }, PGK_NUMERIC, "t_int8_numeric", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_NUMERIC }, PGK_INT4, "t_numeric_int4", A },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 }, PGK_FLOAT8, "t_int4_float8", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_INT8 }, PGK_FLOAT8, "t_int8_float8", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_NUMERIC }, PGK_FLOAT8, "t_numeric_float8", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_DATE }, PGK_TIMESTAMPTZ, "t_date_tstz", I | A },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 }, PGK_BOOL, "t_int4_bool", 0 },
};
#undef I
#undef A
#undef T

static const struct pgfn_order test_orders[] = {
	{ PGK_INT2, NULL }, { PGK_INT4, NULL }, { PGK_INT8, NULL }, { PGK_BOOL, NULL },
	{ PGK_NUMERIC, "pg_numeric" }, { PGK_FLOAT8, "pg_float8" }, { PGK_TEXT, "pg_text" },
	{ PGK_CHAR, "pg_bpchar" }, { PGK_DATE, NULL }, { PGK_TIMESTAMPTZ, NULL }, { PGK_UUID, NULL },
};

/* Implementations (test quality: enough to run the statements below). */
static void f_int4in(sqlite3_context *c, int n, sqlite3_value **v)
{
	const char *s = (const char *)sqlite3_value_text(v[0]);
	char *end;
	long long x;
	(void)n;
	if (!s)
		return;
	x = strtoll(s, &end, 10);
	if (end == s || *end)
		pgfn_error(c, "invalid input syntax for type integer: \"%s\"", s);
	else if (x > 2147483647LL || x < -2147483648LL)
		pgfn_error(c, "value \"%s\" is out of range for type integer", s);
	else
		sqlite3_result_int64(c, x);
}

static void f_numeric_in(sqlite3_context *c, int n, sqlite3_value **v)
{
	const char *s = (const char *)sqlite3_value_text(v[0]);
	char *end;
	(void)n;
	if (!s)
		return;
	(void)strtod(s, &end);
	if (end == s || *end)
		pgfn_error(c, "invalid input syntax for type numeric: \"%s\"", s);
	else if (strchr(s, 'e')) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.0f", strtod(s, NULL));
		sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
	} else
		sqlite3_result_value(c, v[0]);
}

static void f_numeric_typmod(sqlite3_context *c, int n, sqlite3_value **v)
{
	char buf[64];
	(void)n;
	if (pgfn_any_null(1, v))
		return;
	if (sqlite3_value_int(v[1]) < 0) {
		sqlite3_result_value(c, v[0]);
		return;
	}
	double d = strtod((const char *)sqlite3_value_text(v[0]), NULL);
	snprintf(buf, sizeof(buf), "%.*f", sqlite3_value_int(v[2]), d);
	if ((int)strcspn(buf, ".") - (buf[0] == '-') > sqlite3_value_int(v[1]) - sqlite3_value_int(v[2])) {
		pgfn_error(c, "numeric field overflow");
		return;
	}
	sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

static void f_date_in(sqlite3_context *c, int n, sqlite3_value **v)
{
	const char *s = (const char *)sqlite3_value_text(v[0]);
	int y, m, d;
	char extra;
	(void)n;
	if (!s)
		return;
	if (sscanf(s, "%d-%d-%d%c", &y, &m, &d, &extra) != 3)
		pgfn_error(c, "invalid input syntax for type date: \"%s\"", s);
	else if (m < 1 || m > 12 || d < 1 || d > 31)
		pgfn_error(c, "date/time field value out of range: \"%s\"", s);
	else
		sqlite3_result_value(c, v[0]);
}

static void f_varchar_typmod(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	if (pgfn_any_null(1, v))
		return;
	int len = sqlite3_value_int(v[1]);
	if (len >= 0 && sqlite3_value_bytes(v[0]) > len)
		pgfn_error(c, "value too long for type character varying(%d)", len);
	else
		sqlite3_result_value(c, v[0]);
}

static void f_bpchar_typmod(sqlite3_context *c, int n, sqlite3_value **v)
{
	char buf[256];
	(void)n;
	if (pgfn_any_null(1, v))
		return;
	int len = sqlite3_value_int(v[1]);
	const char *s = (const char *)sqlite3_value_text(v[0]);
	if ((int)strlen(s) > len) {
		pgfn_error(c, "value too long for type character(%d)", len);
		return;
	}
	snprintf(buf, sizeof(buf), "%-*s", len, s);
	sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

static void f_identity(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	sqlite3_result_value(c, v[0]);
}

static void f_int4pl(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	if (pgfn_any_null(2, v))
		return;
	long long r = sqlite3_value_int64(v[0]) + sqlite3_value_int64(v[1]);
	if (r > 2147483647LL || r < -2147483648LL)
		pgfn_error(c, "integer out of range");
	else
		sqlite3_result_int64(c, r);
}

static void f_numeric_mul(sqlite3_context *c, int n, sqlite3_value **v)
{
	char buf[64];
	(void)n;
	if (pgfn_any_null(2, v))
		return;
	snprintf(buf, sizeof(buf), "%.4f", strtod((const char *)sqlite3_value_text(v[0]), NULL) *
		 strtod((const char *)sqlite3_value_text(v[1]), NULL));
	sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

static void f_int4_numeric(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	if (pgfn_any_null(1, v))
		return;
	sqlite3_result_text(c, (const char *)sqlite3_value_text(v[0]), -1, SQLITE_TRANSIENT);
}

static void f_textcat(sqlite3_context *c, int n, sqlite3_value **v)
{
	char buf[256];
	(void)n;
	if (pgfn_any_null(2, v))
		return;
	snprintf(buf, sizeof(buf), "%s%s", sqlite3_value_text(v[0]), sqlite3_value_text(v[1]));
	sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

static void f_now(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	(void)v;
	sqlite3_result_text(c, "2026-01-01 00:00:00+00", -1, SQLITE_STATIC);
}

static int numeric_cmp(void *arg, int na, const void *a, int nb, const void *b)
{
	char x[64], y[64];
	(void)arg;
	snprintf(x, sizeof(x), "%.*s", na, (const char *)a);
	snprintf(y, sizeof(y), "%.*s", nb, (const char *)b);
	double dx = strtod(x, NULL), dy = strtod(y, NULL);
	return dx < dy ? -1 : dx > dy;
}

static int text_cmp(void *arg, int na, const void *a, int nb, const void *b)
{
	(void)arg;
	int r = memcmp(a, b, (size_t)(na < nb ? na : nb));
	return r ? r : na - nb;
}

static int test_register(sqlite3 *db)
{
	static const struct { const char *name; int n; void (*f)(sqlite3_context *, int, sqlite3_value **); } fns[] = {
		{ "t_int4in", 1, f_int4in }, { "t_int8in", 1, f_int4in },
		{ "t_numeric_in", 3, f_numeric_in }, { "t_numeric_typmod", 3, f_numeric_typmod },
		{ "t_date_in", 1, f_date_in }, { "t_varchar_typmod", 2, f_varchar_typmod },
		{ "t_bpchar_typmod", 2, f_bpchar_typmod }, { "t_int4pl", 2, f_int4pl },
		{ "t_numeric_mul", 2, f_numeric_mul }, { "t_int4_numeric", 1, f_int4_numeric },
		{ "t_tstz_in", 2, f_identity }, { "t_boolin", 1, f_identity }, { "t_uuid_in", 1, f_identity },
		{ "t_now", 0, f_now }, { "t_textcat", 2, f_textcat }, { "t_int48", 1, f_identity }, { "t_lower", 1, f_identity }, { "t_float8in", 1, f_identity },
	};
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (sqlite3_create_function(db, fns[i].name, fns[i].n, SQLITE_UTF8, NULL, fns[i].f, NULL, NULL) != SQLITE_OK)
			return SQLITE_ERROR;
	sqlite3_create_collation(db, "pg_numeric", SQLITE_UTF8, NULL, numeric_cmp);
	sqlite3_create_collation(db, "pg_text", SQLITE_UTF8, NULL, text_cmp);
	sqlite3_create_collation(db, "pg_float8", SQLITE_UTF8, NULL, numeric_cmp);
	sqlite3_create_collation(db, "pg_bpchar", SQLITE_UTF8, NULL, text_cmp);
	return SQLITE_OK;
}

static const struct pgfn_module test_module = {
	"test", test_sigs, sizeof(test_sigs) / sizeof(test_sigs[0]),
	test_orders, sizeof(test_orders) / sizeof(test_orders[0]), test_register,
};
static const struct pgfn_module *const test_mods[] = { &test_module, NULL };

/* ---- a catalog: target "app" (schema public), source "old" ---- */

static struct column_meta book_cols[] = {
	{ .name = "id", .pg_type = "integer", .not_null = 1, .default_expr = "nextval('books_id_seq'::regclass)" },
	{ .name = "title", .pg_type = "text" },
	{ .name = "price", .pg_type = "numeric(6,2)" },
	{ .name = "code", .pg_type = "character varying(4)" },
	{ .name = "isbn", .pg_type = "character(13)" },
	{ .name = "published", .pg_type = "date" },
	{ .name = "active", .pg_type = "boolean", .default_expr = "true" },
	{ .name = "qty", .pg_type = "integer", .default_expr = "0" },
	{ .name = "created", .pg_type = "timestamp with time zone", .default_expr = "now()" },
	{ .name = "mood", .pg_type = "mood", .is_enum = 1, .enum_type = "mood" },
};
static struct column_meta loan_cols[] = {
	{ .name = "id", .pg_type = "integer", .identity = "a" },
	{ .name = "book_id", .pg_type = "integer" },
	{ .name = "fee", .pg_type = "numeric(6,2)" },
	{ .name = "big", .pg_type = "bigint" },
};
static struct column_meta old_cols[] = {
	{ .name = "id", .pg_type = "integer" },
	{ .name = "title", .pg_type = "text" },
	{ .name = "price", .pg_type = "numeric" },
};
static int book_pk[] = { 0 };
static int loan_pk[] = { 0 };
static struct constraint_meta loan_cons[] = {
	{ .name = "loans_book_fk", .kind = 'f', .ref_table = "books" },
};
static char *mood_labels[] = { "sad", "ok", "happy", NULL };
static struct table_meta tables[3];
static struct source_meta sources[2];
static struct enum_meta enums[1];
static struct catalog cat;
static struct sqlc_env *env;
static sqlite3 *db;

static const char *pg_rows(const char *pg);

/* printf into a static buffer */
static const char *ar_fmt(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	memset(tables, 0, sizeof(tables));
	sources[0] = (struct source_meta){ .name = "app", .is_target = 1, .schema = "public" };
	sources[1] = (struct source_meta){ .name = "old", .is_target = 0, .schema = "public" };
	tables[0] = (struct table_meta){ .source = "app", .name = "books", .stage_name = "books",
		.pristine_name = "dd_pristine__books", .cols = book_cols, .ncols = 10, .pk = book_pk, .npk = 1 };
	tables[1] = (struct table_meta){ .source = "app", .name = "loans", .stage_name = "loans",
		.pristine_name = "dd_pristine__loans", .cols = loan_cols, .ncols = 4, .pk = loan_pk, .npk = 1,
		.cons = loan_cons, .ncons = 1 };
	tables[2] = (struct table_meta){ .source = "old", .name = "books", .stage_name = "old__books",
		.cols = old_cols, .ncols = 3 };
	for (int i = 0; i < 3; i++)
		table_parse_types(&tables[i]);
	enums[0] = (struct enum_meta){ .source = "app", .name = "mood", .labels = mood_labels, .nlabels = 3 };
	cat = (struct catalog){ .sources = sources, .nsources = 2, .tables = tables, .ntables = 3,
		.enums = enums, .nenums = 1 };
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	env = sqlc_env_new(&cat, db);
	sqlc_env_set_modules(env, test_mods);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sqlc_env_free(env);
	sqlite3_close(db);
	return 0;
}

/* Compiles one statement; returns its SQLite SQL (static) or NULL. */
static const char *sql_of(const char *pg)
{
	static char out[8192];
	struct sqlc_program p;
	if (sqlc_compile(env, "step.sql", pg, SQLC_STEP, &p) < 0)
		return NULL;
	out[0] = '\0';
	for (int i = 0; i < p.nstmts; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "\n" : "", p.stmts[i].sqlite_sql);
	sqlc_program_free(&p);
	return out;
}

/* Compiles and expects a refusal; returns "LINE:COL: MESSAGE" (static). */
static const char *refusal(const char *pg)
{
	static char out[1024];
	struct sqlc_program p;
	if (sqlc_compile(env, "step.sql", pg, SQLC_STEP, &p) == 0) {
		sqlc_program_free(&p);
		return "(compiled)";
	}
	const struct sqlc_error *e = sqlc_env_error(env);
	snprintf(out, sizeof(out), "%d:%d: %s", e->line, e->col, e->message);
	return out;
}

#define assert_sql(pg, expected) assert_string_equal(sql_of(pg), expected)
#define assert_refused(pg, expected) assert_string_equal(refusal(pg), expected)

/* What each construct compiles to (reviewed against PostgreSQL's rules). */
static void test_compile_outputs(void **state)
{
	(void)state;
	assert_sql("SELECT id, title FROM books",
		   "SELECT \"books\".\"id\" AS \"id\", \"books\".\"title\" AS \"title\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT b.title AS t FROM books b WHERE b.id = 1",
		   "SELECT \"b\".\"title\" AS \"t\" FROM \"books\" AS \"b\" WHERE \"b\".\"id\" COLLATE BINARY = 1");
	assert_sql("select 1, 'x', NULL, 1.5, 3000000000, -7, true",
		   "SELECT 1 AS \"?column?\", 'x' AS \"?column?\", NULL AS \"?column?\", '1.5' AS \"?column?\", 3000000000 AS \"?column?\", -7 AS \"?column?\", 1 AS \"?column?\"");
	assert_sql("SELECT price * 1.1 FROM books WHERE price < 0.5",
		   "SELECT t_numeric_mul(\"books\".\"price\", '1.1') AS \"?column?\" FROM \"books\" AS \"books\" WHERE \"books\".\"price\" COLLATE \"pg_numeric\" < '0.5'");
	assert_sql("SELECT title FROM books WHERE qty IN (1, 2, 3) AND price BETWEEN 1 AND 2.5",
		   "SELECT \"books\".\"title\" AS \"title\" FROM \"books\" AS \"books\" WHERE (\"books\".\"qty\" COLLATE BINARY IN (1, 2, 3)) AND ((\"books\".\"price\" COLLATE \"pg_numeric\" >= '1') AND (\"books\".\"price\" COLLATE \"pg_numeric\" <= '2.5'))");
	assert_sql("SELECT title FROM books WHERE qty NOT BETWEEN 1 AND 3",
		   "SELECT \"books\".\"title\" AS \"title\" FROM \"books\" AS \"books\" WHERE (\"books\".\"qty\" COLLATE BINARY < 1) OR (\"books\".\"qty\" COLLATE BINARY > 3)");
	assert_sql("SELECT id FROM books WHERE price IS DISTINCT FROM 2 AND title IS NOT NULL AND active IS TRUE",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE ((\"books\".\"price\" COLLATE \"pg_numeric\" IS NOT '2') AND (\"books\".\"title\" IS NOT NULL)) AND (\"books\".\"active\" IS 1)");
	assert_sql("SELECT id FROM books WHERE mood >= 'ok' ORDER BY mood",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE \"books\".\"mood\" COLLATE \"pg_enum:app.mood\" >= 'ok' ORDER BY \"books\".\"mood\" COLLATE \"pg_enum:app.mood\" ASC NULLS LAST");
	assert_sql("SELECT coalesce(price, 0), greatest(price, 1, NULL), least(qty, 2), nullif(qty, 0) FROM books",
		   "SELECT coalesce(\"books\".\"price\", '0') AS \"coalesce\", (SELECT max(v COLLATE \"pg_numeric\") FROM (SELECT \"books\".\"price\" AS v UNION ALL SELECT '1' AS v UNION ALL SELECT NULL AS v)) AS \"greatest\", (SELECT min(v COLLATE BINARY) FROM (SELECT \"books\".\"qty\" AS v UNION ALL SELECT 2 AS v)) AS \"least\", CASE WHEN (\"books\".\"qty\" COLLATE BINARY = 0) THEN NULL ELSE \"books\".\"qty\" END AS \"nullif\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT CASE WHEN qty > 1 THEN 'many' WHEN qty = 1 THEN 'one' ELSE NULL END, CASE code WHEN 'a' THEN 1 ELSE 2 END FROM books",
		   "SELECT CASE WHEN (\"books\".\"qty\" COLLATE BINARY > 1) THEN 'many' WHEN (\"books\".\"qty\" COLLATE BINARY = 1) THEN 'one' ELSE NULL END AS \"case\", CASE \"books\".\"code\" COLLATE \"pg_text\" WHEN 'a' THEN 1 ELSE 2 END AS \"case\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT title || '!' , title LIKE 'a%', lower(title) FROM books",
		   "SELECT t_textcat(\"books\".\"title\", '!') AS \"?column?\", t_like(\"books\".\"title\", 'a%') AS \"?column?\", t_lower(\"books\".\"title\") AS \"lower\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT published + 1, now(), current_date FROM books",
		   "SELECT t_date_pli(\"books\".\"published\", 1) AS \"?column?\", t_now() AS \"now\", t_current_date() AS \"current_date\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT count(*), count(DISTINCT code), sum(qty), max(price), min(title) FROM books GROUP BY code HAVING count(*) > 1",
		   "SELECT count(*) AS \"count\", count(DISTINCT \"books\".\"code\" COLLATE \"pg_text\") AS \"count\", t_sum_int4(\"books\".\"qty\") AS \"sum\", max(\"books\".\"price\" COLLATE \"pg_numeric\") AS \"max\", min(\"books\".\"title\" COLLATE \"pg_text\") AS \"min\" FROM \"books\" AS \"books\" GROUP BY \"books\".\"code\" COLLATE \"pg_text\" HAVING count(*) COLLATE BINARY > 1");
	assert_sql("SELECT title, count(*) FROM books GROUP BY id",
		   "SELECT \"books\".\"title\" AS \"title\", count(*) AS \"count\" FROM \"books\" AS \"books\" GROUP BY \"books\".\"id\" COLLATE BINARY");
	assert_sql("SELECT id FROM books ORDER BY price DESC, title, qty NULLS FIRST LIMIT 5 OFFSET 2",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" ORDER BY \"books\".\"price\" COLLATE \"pg_numeric\" DESC NULLS FIRST, \"books\".\"title\" COLLATE \"pg_text\" ASC NULLS LAST, \"books\".\"qty\" COLLATE BINARY ASC NULLS FIRST LIMIT 5 OFFSET 2");
	assert_sql("SELECT * FROM books b JOIN loans l ON l.book_id = b.id",
		   "SELECT \"b\".\"id\" AS \"id\", \"b\".\"title\" AS \"title\", \"b\".\"price\" AS \"price\", \"b\".\"code\" AS \"code\", \"b\".\"isbn\" AS \"isbn\", \"b\".\"published\" AS \"published\", \"b\".\"active\" AS \"active\", \"b\".\"qty\" AS \"qty\", \"b\".\"created\" AS \"created\", \"b\".\"mood\" AS \"mood\", \"l\".\"id\" AS \"id\", \"l\".\"book_id\" AS \"book_id\", \"l\".\"fee\" AS \"fee\", \"l\".\"big\" AS \"big\" FROM \"books\" AS \"b\" JOIN \"loans\" AS \"l\" ON \"l\".\"book_id\" COLLATE BINARY = \"b\".\"id\"");
	assert_sql("SELECT id, fee FROM books LEFT JOIN loans USING (id)",
		   "SELECT \"books\".\"id\" AS \"id\", \"loans\".\"fee\" AS \"fee\" FROM \"books\" AS \"books\" LEFT JOIN \"loans\" AS \"loans\" ON \"books\".\"id\" COLLATE BINARY = \"loans\".\"id\"");
	assert_sql("SELECT id FROM books FULL JOIN loans USING (id)",
		   "SELECT coalesce(\"books\".\"id\", \"loans\".\"id\") AS \"id\" FROM \"books\" AS \"books\" FULL JOIN \"loans\" AS \"loans\" ON \"books\".\"id\" COLLATE BINARY = \"loans\".\"id\"");
	assert_sql("SELECT b.id FROM books b CROSS JOIN old.books o, loans",
		   "SELECT \"b\".\"id\" AS \"id\" FROM \"books\" AS \"b\" CROSS JOIN \"old__books\" AS \"o\", \"loans\" AS \"loans\"");
	assert_sql("SELECT id FROM books UNION SELECT big FROM loans ORDER BY 1",
		   "SELECT t_int48(\"books\".\"id\") COLLATE BINARY AS \"id\" FROM \"books\" AS \"books\" UNION SELECT \"loans\".\"big\" COLLATE BINARY AS \"big\" FROM \"loans\" AS \"loans\" ORDER BY 1 COLLATE BINARY ASC NULLS LAST");
	assert_sql("SELECT title FROM books EXCEPT SELECT title FROM old.books",
		   "SELECT \"books\".\"title\" COLLATE \"pg_text\" AS \"title\" FROM \"books\" AS \"books\" EXCEPT SELECT \"books\".\"title\" COLLATE \"pg_text\" AS \"title\" FROM \"old__books\" AS \"books\"");
	assert_sql("SELECT id FROM books UNION ALL SELECT id FROM loans",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" UNION ALL SELECT \"loans\".\"id\" AS \"id\" FROM \"loans\" AS \"loans\"");
	assert_sql("SELECT DISTINCT code FROM books ORDER BY code",
		   "SELECT DISTINCT \"books\".\"code\" COLLATE \"pg_text\" AS \"code\" FROM \"books\" AS \"books\" ORDER BY 1 COLLATE \"pg_text\" ASC NULLS LAST");
	assert_sql("SELECT DISTINCT ON (code) code, title FROM books ORDER BY code, price DESC",
		   "SELECT \"code\" AS \"code\", \"title\" AS \"title\" FROM (SELECT \"books\".\"code\" AS \"code\", \"books\".\"title\" AS \"title\", row_number() OVER (PARTITION BY \"books\".\"code\" COLLATE \"pg_text\" ORDER BY \"books\".\"code\" COLLATE \"pg_text\" ASC NULLS LAST, \"books\".\"price\" COLLATE \"pg_numeric\" DESC NULLS FIRST) AS \"?rn\", \"books\".\"code\" AS \"?o0\", \"books\".\"price\" AS \"?o1\" FROM \"books\" AS \"books\") WHERE \"?rn\" = 1 ORDER BY \"?o0\" COLLATE \"pg_text\" ASC NULLS LAST, \"?o1\" COLLATE \"pg_numeric\" DESC NULLS FIRST");
	assert_sql("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT n FROM t",
		   "WITH RECURSIVE \"t\"(\"n\") AS (SELECT 1 AS \"?column?\" UNION ALL SELECT t_int4pl(\"t\".\"n\", 1) AS \"?column?\" FROM \"t\" AS \"t\" WHERE \"t\".\"n\" COLLATE BINARY < 5) SELECT \"t\".\"n\" AS \"n\" FROM \"t\" AS \"t\"");
	assert_sql("WITH x AS (SELECT id, price FROM books) SELECT * FROM x WHERE price > 1",
		   "WITH \"x\"(\"id\", \"price\") AS (SELECT \"books\".\"id\" AS \"id\", \"books\".\"price\" AS \"price\" FROM \"books\" AS \"books\") SELECT \"x\".\"id\" AS \"id\", \"x\".\"price\" AS \"price\" FROM \"x\" AS \"x\" WHERE \"x\".\"price\" COLLATE \"pg_numeric\" > '1'");
	assert_sql("SELECT (SELECT max(fee) FROM loans l WHERE l.book_id = b.id) FROM books b",
		   "SELECT (SELECT CASE WHEN count(*) OVER () > 1 THEN pg_sqlc_raise('more than one row returned by a subquery used as an expression') ELSE \"max\" END FROM (SELECT max(\"l\".\"fee\" COLLATE \"pg_numeric\") AS \"max\" FROM \"loans\" AS \"l\" WHERE \"l\".\"book_id\" COLLATE BINARY = \"b\".\"id\") LIMIT 1) AS \"max\" FROM \"books\" AS \"b\"");
	assert_sql("SELECT id FROM books b WHERE EXISTS (SELECT 1 FROM loans l WHERE l.book_id = b.id)",
		   "SELECT \"b\".\"id\" AS \"id\" FROM \"books\" AS \"b\" WHERE EXISTS (SELECT 1 AS \"?column?\" FROM \"loans\" AS \"l\" WHERE \"l\".\"book_id\" COLLATE BINARY = \"b\".\"id\")");
	assert_sql("SELECT id FROM books WHERE id IN (SELECT big FROM loans)",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE t_int48(\"books\".\"id\") COLLATE BINARY IN (SELECT \"loans\".\"big\" AS \"big\" FROM \"loans\" AS \"loans\")");
	assert_sql("SELECT id FROM books WHERE id = ANY (SELECT book_id FROM loans)",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE \"books\".\"id\" COLLATE BINARY IN (SELECT \"loans\".\"book_id\" AS \"book_id\" FROM \"loans\" AS \"loans\")");
	assert_sql("SELECT id, row_number() OVER (PARTITION BY code ORDER BY price), sum(qty) OVER (ORDER BY id), lag(price) OVER (ORDER BY id) FROM books",
		   "SELECT \"books\".\"id\" AS \"id\", row_number() OVER (PARTITION BY \"books\".\"code\" COLLATE \"pg_text\" ORDER BY \"books\".\"price\" COLLATE \"pg_numeric\" ASC NULLS LAST) AS \"row_number\", t_sum_int4(\"books\".\"qty\") OVER (ORDER BY \"books\".\"id\" COLLATE BINARY ASC NULLS LAST) AS \"sum\", lag(\"books\".\"price\") OVER (ORDER BY \"books\".\"id\" COLLATE BINARY ASC NULLS LAST) AS \"lag\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT x.n FROM (SELECT id AS n FROM books) x",
		   "SELECT \"x\".\"n\" AS \"n\" FROM (SELECT \"books\".\"id\" AS \"n\" FROM \"books\" AS \"books\") AS \"x\"");
	assert_sql("SELECT price::text, '12'::integer, CAST(price AS numeric(4,1)), title::varchar(3), 'ab'::char(4) FROM books",
		   "SELECT t_numeric_out(\"books\".\"price\") AS \"price\", 12 AS \"int4\", t_numeric_typmod(\"books\".\"price\", 4, 1) AS \"price\", t_varchar_typmod(substr(\"books\".\"title\", 1, 3), 3) AS \"title\", 'ab  ' AS \"bpchar\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT concat(title, 1, price) FROM books",
		   "SELECT t_concat(\"books\".\"title\", 1, \"books\".\"price\") AS \"concat\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT * FROM dd_pristine__books",
		   "SELECT \"dd_pristine__books\".\"id\" AS \"id\", \"dd_pristine__books\".\"title\" AS \"title\", \"dd_pristine__books\".\"price\" AS \"price\", \"dd_pristine__books\".\"code\" AS \"code\", \"dd_pristine__books\".\"isbn\" AS \"isbn\", \"dd_pristine__books\".\"published\" AS \"published\", \"dd_pristine__books\".\"active\" AS \"active\", \"dd_pristine__books\".\"qty\" AS \"qty\", \"dd_pristine__books\".\"created\" AS \"created\", \"dd_pristine__books\".\"mood\" AS \"mood\" FROM \"dd_pristine__books\" AS \"dd_pristine__books\"");
	assert_sql("INSERT INTO books (title, price) VALUES ('x', 1.234)",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"price\", \"active\", \"qty\", \"created\") VALUES (pg_sqlc_not_null(t_int84(pg_nextval('books_id_seq')), 'null value in column \"id\" of relation \"books\" violates not-null constraint'), 'x', '1.23', 1, 0, t_now())");
	assert_sql("INSERT INTO books (id, title) VALUES (1, 'a'), (2, DEFAULT)",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"active\", \"qty\", \"created\") VALUES (1, 'a', 1, 0, t_now()), (2, NULL, 1, 0, t_now())");
	assert_sql("INSERT INTO books VALUES (1, 'a', 2)",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"price\", \"active\", \"qty\", \"created\") VALUES (1, 'a', '2.00', 1, 0, t_now())");
	assert_sql("INSERT INTO books (id, title) SELECT id, title FROM old.books ORDER BY id",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"active\", \"qty\", \"created\") SELECT pg_sqlc_not_null(\"?s\".\"id\", 'null value in column \"id\" of relation \"books\" violates not-null constraint'), \"?s\".\"title\", 1, 0, t_now() FROM (SELECT \"books\".\"id\" AS \"id\", \"books\".\"title\" AS \"title\" FROM \"old__books\" AS \"books\" ORDER BY \"books\".\"id\" COLLATE BINARY ASC NULLS LAST) AS \"?s\"");
	assert_sql("INSERT INTO books (id, title) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET title = excluded.title",
		   "CREATE TEMP TABLE \"?oc\" (r INTEGER PRIMARY KEY); "
		   "CREATE TEMP TRIGGER \"?oc_i\" AFTER INSERT ON \"books\" BEGIN INSERT OR IGNORE INTO \"?oc\" VALUES (NEW.rowid); END; "
		   "CREATE TEMP TRIGGER \"?oc_u\" AFTER UPDATE ON \"books\" BEGIN INSERT OR IGNORE INTO \"?oc\" VALUES (NEW.rowid); END; "
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"active\", \"qty\", \"created\") VALUES (1, 'a', 1, 0, t_now()) "
		   "ON CONFLICT (\"id\") DO UPDATE SET \"title\" = excluded.\"title\" WHERE CASE WHEN EXISTS "
		   "(SELECT 1 FROM temp.\"?oc\" WHERE r = \"books\".rowid) THEN pg_sqlc_raise('ON CONFLICT DO UPDATE command cannot affect row a second time') "
		   "ELSE true END; DROP TRIGGER temp.\"?oc_i\"; DROP TRIGGER temp.\"?oc_u\"; DROP TABLE temp.\"?oc\"");
	assert_sql("INSERT INTO books (id, title) SELECT id, title FROM old.books ON CONFLICT (id) DO NOTHING",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"title\", \"active\", \"qty\", \"created\") SELECT * FROM (SELECT pg_sqlc_not_null(\"?s\".\"id\", 'null value in column \"id\" of relation \"books\" violates not-null constraint'), \"?s\".\"title\", 1, 0, t_now() FROM (SELECT \"books\".\"id\" AS \"id\", \"books\".\"title\" AS \"title\" FROM \"old__books\" AS \"books\") AS \"?s\" LIMIT -1 OFFSET 0) WHERE true ON CONFLICT (\"id\") DO NOTHING");
	assert_sql("INSERT INTO public.books (id) VALUES (5)",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"active\", \"qty\", \"created\") VALUES (5, 1, 0, t_now())");
	assert_sql("INSERT INTO app.books (id) VALUES (5)",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"active\", \"qty\", \"created\") VALUES (5, 1, 0, t_now())");
	assert_sql("UPDATE books SET price = round(price * 1.1, 2) WHERE price > 50 AND created < now()",
		   "UPDATE \"books\" AS \"books\" SET \"price\" = t_numeric_typmod(t_round(t_numeric_mul(\"books\".\"price\", '1.1'), 2), 6, 2) WHERE (\"books\".\"price\" COLLATE \"pg_numeric\" > '50') AND (\"books\".\"created\" COLLATE BINARY < t_now())");
	assert_sql("UPDATE books b SET price = l.fee, qty = DEFAULT FROM loans l WHERE l.book_id = b.id",
		   "UPDATE \"books\" AS \"?t\" SET \"price\" = \"?j\".\"?v0\", \"qty\" = \"?j\".\"?v1\" FROM (WITH \"?u\" AS MATERIALIZED "
		   "(SELECT \"b\".rowid AS \"?rid\", \"l\".\"fee\" AS \"?v0\", 0 AS \"?v1\" FROM \"books\" AS \"b\", \"loans\" AS \"l\" "
		   "WHERE \"l\".\"book_id\" COLLATE BINARY = \"b\".\"id\") SELECT *, count(*) OVER \"?w\" AS \"?n\", "
		   "count(\"?v0\") OVER \"?w\" AS \"?c0\", min(\"?v0\") OVER \"?w\" AS \"?l0\", max(\"?v0\") OVER \"?w\" AS \"?h0\", "
		   "count(\"?v1\") OVER \"?w\" AS \"?c1\", min(\"?v1\") OVER \"?w\" AS \"?l1\", max(\"?v1\") OVER \"?w\" AS \"?h1\" "
		   "FROM \"?u\" WINDOW \"?w\" AS (PARTITION BY \"?rid\")) AS \"?j\" WHERE \"?t\".rowid = \"?j\".\"?rid\" AND CASE WHEN "
		   "\"?j\".\"?n\" > 1 AND NOT (true AND (\"?c0\" = 0 OR \"?c0\" = \"?n\" AND \"?l0\" IS \"?h0\") AND (\"?c1\" = 0 OR "
		   "\"?c1\" = \"?n\" AND \"?l1\" IS \"?h1\")) THEN pg_sqlc_raise('UPDATE ... FROM joins a row of \"books\" with several rows "
		   "giving different new values: PostgreSQL would take one of them, and which one is not predictable; make the FROM rows "
		   "unique per row of \"books\"') ELSE true END");
	assert_sql("UPDATE books SET code = 'abcd', isbn = 'x', mood = 'happy'",
		   "UPDATE \"books\" AS \"books\" SET \"code\" = 'abcd', \"isbn\" = 'x            ', \"mood\" = 'happy'");
	assert_sql("DELETE FROM books WHERE id IN (SELECT book_id FROM loans)",
		   "DELETE FROM \"books\" AS \"books\" WHERE \"books\".\"id\" COLLATE BINARY IN (SELECT \"loans\".\"book_id\" AS \"book_id\" FROM \"loans\" AS \"loans\")");
	assert_sql("DELETE FROM books b USING loans l WHERE l.book_id = b.id AND l.fee > 1",
		   "DELETE FROM \"books\" AS \"b\" WHERE EXISTS (SELECT 1 FROM \"loans\" AS \"l\" WHERE (\"l\".\"book_id\" COLLATE BINARY = \"b\".\"id\") AND (\"l\".\"fee\" COLLATE \"pg_numeric\" > '1'))");
	assert_sql("TRUNCATE loans",
		   "DELETE FROM \"loans\"");
	assert_sql("TRUNCATE books, loans",
		   "DELETE FROM \"books\"; DELETE FROM \"loans\"");
	assert_sql("CREATE TEMP TABLE m (id integer PRIMARY KEY, email text NOT NULL, n numeric(5,2) DEFAULT 0)",
		   "CREATE TEMP TABLE \"m\" (\"id\" INTEGER NOT NULL, \"email\" NOT NULL, \"n\", PRIMARY KEY (\"id\")); INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES ('m', 1, 'id', 'integer', 1, NULL, 1); INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES ('m', 2, 'email', 'text', 1, NULL, 1); INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES ('m', 3, 'n', 'numeric(5,2)', 0, '0', 1)");
	assert_sql("CREATE TABLE m2 AS SELECT id, price FROM books",
		   "CREATE TABLE \"m2\" (\"id\" INTEGER, \"price\"); INSERT INTO \"m2\" SELECT \"books\".\"id\" AS \"id\", \"books\".\"price\" AS \"price\" FROM \"books\" AS \"books\"; INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES ('m2', 1, 'id', 'integer', 0, NULL, 0); INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES ('m2', 2, 'price', 'numeric(6,2)', 0, NULL, 0)");
	assert_sql("SELECT sum(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), sum(qty) OVER (PARTITION BY code RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM books",
		   "SELECT t_sum_int4(\"books\".\"qty\") OVER (ORDER BY \"books\".\"id\" COLLATE BINARY ASC NULLS LAST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS \"sum\", t_sum_int4(\"books\".\"qty\") OVER (PARTITION BY \"books\".\"code\" COLLATE \"pg_text\" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) AS \"sum\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT title::mood FROM books",
		   "SELECT pg_sqlc_enum_in(\"books\".\"title\", 'app.mood') AS \"title\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT -2147483648, 2147483648, 9223372036854775808",
		   "SELECT -2147483648 AS \"?column?\", 2147483648 AS \"?column?\", '9223372036854775808' AS \"?column?\"");
	assert_sql("SELECT x FROM (VALUES (1, 'a'), (2.5, NULL)) AS v(x, y)",
		   "SELECT \"v\".\"column1\" AS \"x\" FROM (SELECT column1 AS \"column1\", column2 AS \"column2\" FROM (VALUES ('1', 'a'), ('2.5', NULL))) AS \"v\"");
	assert_sql("SELECT id FROM books WHERE published > '2020-01-01' AND created >= published",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE (\"books\".\"published\" COLLATE BINARY > '2020-01-01') AND (\"books\".\"created\" COLLATE BINARY >= t_date_tstz(\"books\".\"published\"))");
	assert_sql("INSERT INTO books (id, price) SELECT id, price FROM old.books",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"price\", \"active\", \"qty\", \"created\") SELECT pg_sqlc_not_null(\"?s\".\"id\", 'null value in column \"id\" of relation \"books\" violates not-null constraint'), \"?s\".\"price\", 1, 0, t_now() FROM (SELECT \"books\".\"id\" AS \"id\", t_numeric_typmod(\"books\".\"price\", 6, 2) AS \"price\" FROM \"old__books\" AS \"books\") AS \"?s\"");
	assert_sql("SELECT sum(qty) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), sum(qty) OVER (PARTITION BY code RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM books",
		   "SELECT t_sum_int4(\"books\".\"qty\") OVER (ORDER BY \"books\".\"id\" COLLATE BINARY ASC NULLS LAST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS \"sum\", t_sum_int4(\"books\".\"qty\") OVER (PARTITION BY \"books\".\"code\" COLLATE \"pg_text\" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) AS \"sum\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT title::mood FROM books",
		   "SELECT pg_sqlc_enum_in(\"books\".\"title\", 'app.mood') AS \"title\" FROM \"books\" AS \"books\"");
	assert_sql("SELECT -2147483648, 2147483648, 9223372036854775808",
		   "SELECT -2147483648 AS \"?column?\", 2147483648 AS \"?column?\", '9223372036854775808' AS \"?column?\"");
	assert_sql("SELECT x FROM (VALUES (1, 'a'), (2.5, NULL)) AS v(x, y)",
		   "SELECT \"v\".\"column1\" AS \"x\" FROM (SELECT column1 AS \"column1\", column2 AS \"column2\" FROM (VALUES ('1', 'a'), ('2.5', NULL))) AS \"v\"");
	assert_sql("SELECT id FROM books WHERE published > '2020-01-01' AND created >= published",
		   "SELECT \"books\".\"id\" AS \"id\" FROM \"books\" AS \"books\" WHERE (\"books\".\"published\" COLLATE BINARY > '2020-01-01') AND (\"books\".\"created\" COLLATE BINARY >= t_date_tstz(\"books\".\"published\"))");
	assert_sql("INSERT INTO books (id, price) SELECT id, price FROM old.books",
		   "INSERT INTO \"books\" AS \"books\" (\"id\", \"price\", \"active\", \"qty\", \"created\") SELECT pg_sqlc_not_null(\"?s\".\"id\", 'null value in column \"id\" of relation \"books\" violates not-null constraint'), \"?s\".\"price\", 1, 0, t_now() FROM (SELECT \"books\".\"id\" AS \"id\", t_numeric_typmod(\"books\".\"price\", 6, 2) AS \"price\" FROM \"old__books\" AS \"books\") AS \"?s\"");
	assert_sql("SELECT code, count(*) FROM books GROUP BY code ORDER BY count(*) DESC, code",
		   "SELECT \"books\".\"code\" AS \"code\", count(*) AS \"count\" FROM \"books\" AS \"books\" GROUP BY \"books\".\"code\" COLLATE \"pg_text\" ORDER BY count(*) COLLATE BINARY DESC NULLS FIRST, \"books\".\"code\" COLLATE \"pg_text\" ASC NULLS LAST");
	assert_sql("SELECT lower(title), count(*) FROM books GROUP BY lower(title) ORDER BY lower(title)",
		   "SELECT t_lower(\"books\".\"title\") AS \"lower\", count(*) AS \"count\" FROM \"books\" AS \"books\" GROUP BY t_lower(\"books\".\"title\") COLLATE \"pg_text\" ORDER BY t_lower(\"books\".\"title\") COLLATE \"pg_text\" ASC NULLS LAST");
}

/* Refusals: PostgreSQL's message, at the construct's line and column. */
static void test_refusals(void **state)
{
	(void)state;
	assert_refused("SELECT nope FROM books",
		       "1:8: column \"nope\" does not exist");
	assert_refused("SELECT x.id FROM books",
		       "1:8: missing FROM-clause entry for table \"x\"");
	assert_refused("SELECT id FROM books, loans",
		       "1:8: column reference \"id\" is ambiguous");
	assert_refused("SELECT title, count(*) FROM books GROUP BY code",
		       "1:8: column \"books.title\" must appear in the GROUP BY clause or be used in an aggregate function");
	assert_refused("SELECT '2020-13-45'::date",
		       "1:8: date/time field value out of range: \"2020-13-45\"");
	assert_refused("SELECT 'x'::date",
		       "1:8: invalid input syntax for type date: \"x\"");
	assert_refused("SELECT id FROM books WHERE mood = 'meh'",
		       "1:35: invalid input value for enum mood: \"meh\"");
	assert_refused("SELECT id FROM books WHERE title < 1",
		       "1:34: operator does not exist: text < integer");
	assert_refused("SELECT foo(1)",
		       "1:8: function foo(integer) does not exist");
	assert_refused("SELECT lower(1)",
		       "1:8: function lower(integer) does not exist");
	assert_refused("SELECT id FROM books WHERE count(*) > 1",
		       "1:28: aggregate functions are not allowed in WHERE");
	assert_refused("SELECT id FROM nowhere",
		       "1:16: relation \"nowhere\" does not exist");
	assert_refused("SELECT id FROM other.books",
		       "1:16: relation \"other.books\" does not exist");
	assert_refused("SELECT * FROM books, books",
		       "1:22: table name \"books\" specified more than once");
	assert_refused("INSERT INTO old.books VALUES (1)",
		       "1:13: cannot insert into table \"books\" of source \"old\": it is read-only");
	assert_refused("INSERT INTO loans (id, book_id) VALUES (1, 2)",
		       "1:41: cannot insert a non-DEFAULT value into column \"id\"");
	assert_refused("INSERT INTO books (id, code) VALUES (1, 'toolong')",
		       "1:41: value too long for type character varying(4)");
	/* the planner folds the assignment of a constant: it fails before any row */
	assert_refused("INSERT INTO books (price) VALUES (12345.5)",
		       "1:35: numeric field overflow");
	assert_refused("INSERT INTO books (id) VALUES ('x')",
		       "1:32: invalid input syntax for type integer: \"x\"");
	assert_refused("INSERT INTO books (nope) VALUES (1)",
		       "1:20: column \"nope\" of relation \"books\" does not exist");
	assert_refused("UPDATE books SET id = 'a'",
		       "1:23: invalid input syntax for type integer: \"a\"");
	assert_refused("UPDATE loans SET id = 3",
		       "1:18: column \"id\" can only be updated to DEFAULT");
	assert_refused("TRUNCATE books",
		       "1:1: cannot truncate a table referenced in a foreign key constraint");
	assert_refused("DROP TABLE books",
		       "1:1: cannot drop table \"books\": only scratch tables made by steps can be dropped");
	assert_refused("DO $$ BEGIN PERFORM 1; END $$",
		       "1:1: DO blocks (PL/pgSQL) are not supported");
	assert_sql("SELECT 1;",
		   "SELECT 1 AS \"?column?\"");
	assert_refused("SELECT id FROM books LIMIT -1",
		       "1:28: LIMIT must not be negative");
	assert_refused("SELECT id FROM books x WHERE x.id = $1",
		       "1:37: parameters ($n) are not supported");
	assert_refused("SELECT id FROM books ORDER BY id USING <",
		       "1:40: ORDER BY ... USING is not supported");
	assert_refused("SELECT 1 UNION SELECT 'b'",
		       "1:23: invalid input syntax for type integer: \"b\"");
	assert_refused("SELECT 1 INTERSECT ALL SELECT 2",
		       "1:1: INTERSECT ALL is not supported");
	assert_refused("SELECT id FROM books WHERE id IN (SELECT id, title FROM books)",
		       "1:31: subquery has too many columns");
	assert_refused("SELECT row_number() FROM books",
		       "1:8: window function row_number requires an OVER clause");
	assert_refused("SELECT id FROM books WHERE row_number() OVER () > 1",
		       "1:28: window functions are not allowed in WHERE");
	assert_refused("SELECT sum(qty ORDER BY title) FROM books",
		       "1:8: ORDER BY inside sum() is not supported");
	assert_refused("SELECT sum(DISTINCT qty ORDER BY qty) FROM books",
		       "1:8: ORDER BY inside an aggregate with DISTINCT is not supported");
	assert_refused("SELECT sum(qty ORDER BY qty) OVER () FROM books",
		       "1:8: aggregate ORDER BY is not implemented for window functions");
	assert_refused("SELECT lower(title ORDER BY title) FROM books",
		       "1:8: ORDER BY specified, but lower is not an aggregate function");
	assert_refused("BEGIN",
		       "1:1: transaction control is not allowed in a step");
	assert_refused("SELECT ARRAY[1, 2]",
		       "1:8: function array(integer, integer) does not exist");
	assert_refused("INSERT INTO books (id, title) VALUES (1, 'a') ON CONFLICT (title) DO NOTHING",
		       "1:13: there is no unique or exclusion constraint matching the ON CONFLICT specification");
	assert_refused("SELECT * FROM generate_series(1, 3)",
		       "1:15: function generate_series(integer, integer) does not exist");
	assert_refused("SELECT id FROM books WHERE price = 'abc'",
		       "1:36: invalid input syntax for type numeric: \"abc\"");
	assert_refused("SELECT 1 FROM books GROUP BY nope",
		       "1:30: column \"nope\" does not exist");
	assert_refused("SELECT id FROM books WHERE qty",
		       "1:28: argument of WHERE must be type boolean, not type integer");
	assert_refused("SELECT SUM(qty) FROM books GROUP BY sum(qty)",
		       "1:37: aggregate functions are not allowed in GROUP BY");
	assert_refused("SELECT id FROM (SELECT id FROM books)",
		       "1:16: subquery in FROM must have an alias");
	assert_refused("SELECT sum(qty) OVER (ORDER BY id RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM books",
		       "1:8: RANGE with an offset is not supported");
	assert_refused("SELECT CASE WHEN true THEN 1 ELSE 'x' END",
		       "1:35: invalid input syntax for type integer: \"x\"");
	assert_refused("SELECT CASE WHEN true THEN 1 ELSE published END FROM books",
		       "1:35: CASE types integer and date cannot be matched");
	assert_refused("UPDATE books SET published = 5",
		       "1:30: column \"published\" is of type date but expression is of type integer");
	assert_refused("SELECT title FROM books b WHERE b.price > (SELECT avg(price) FROM books)",
		       "1:51: function avg(numeric) does not exist");
	assert_refused("SELECT sum(qty) OVER (ORDER BY id RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM books",
		       "1:8: RANGE with an offset is not supported");
	assert_refused("SELECT CASE WHEN true THEN 1 ELSE 'x' END",
		       "1:35: invalid input syntax for type integer: \"x\"");
	assert_refused("SELECT CASE WHEN true THEN 1 ELSE published END FROM books",
		       "1:35: CASE types integer and date cannot be matched");
	assert_refused("UPDATE books SET published = 5",
		       "1:30: column \"published\" is of type date but expression is of type integer");
	assert_refused("SELECT code, count(*) FROM books GROUP BY code ORDER BY title",
		       "1:57: column \"books.title\" must appear in the GROUP BY clause or be used in an aggregate function");
}

/* Positions count lines and characters of the whole file. */
static void test_positions(void **state)
{
	(void)state;
	assert_refused("SELECT 1;\n-- a comment\nUPDATE books\n   SET title = nope;",
		       "4:16: column \"nope\" does not exist");
	assert_refused("SELECT 'é', x FROM books", "1:13: column \"x\" does not exist");
	assert_refused("SELEC 1", "1:1: syntax error at or near \"SELEC\"");
	assert_refused("SELECT 1;\nTRUNCATE books;", "2:1: cannot truncate a table referenced in a foreign key constraint");
	const struct sqlc_error *e = sqlc_env_error(env);
	assert_string_equal(e->hint, "Truncate table \"loans\" at the same time, or use TRUNCATE ... CASCADE.");
	assert_refused("DO $$ BEGIN PERFORM 1; END $$;", "1:1: DO blocks (PL/pgSQL) are not supported");
	assert_non_null(strstr(sqlc_env_error(env)->hint, "batches"));
}

/* Statements of a program: positions and the statement as written. */
static void test_program(void **state)
{
	struct sqlc_program p;
	(void)state;
	assert_int_equal(sqlc_compile(env, "s.sql", "-- x\nSELECT 1;\n\n  DELETE FROM books WHERE id = 2;\n", SQLC_STEP, &p), 0);
	assert_int_equal(p.nstmts, 2);
	assert_int_equal(p.stmts[0].line, 2);
	assert_int_equal(p.stmts[1].line, 4);
	assert_int_equal(p.stmts[1].col, 3);
	assert_string_equal(p.stmts[1].pg_sql, "DELETE FROM books WHERE id = 2");
	sqlc_program_free(&p);
	/* a check is one SELECT */
	assert_int_equal(sqlc_compile(env, "c.sql", "DELETE FROM books", SQLC_CHECK, &p), -1);
	assert_string_equal(sqlc_env_error(env)->message, "DELETE is not allowed in a check");
	assert_int_equal(sqlc_compile(env, "c.sql", "SELECT 1; SELECT 2", SQLC_CHECK, &p), -1);
	/* a where clause over one table */
	sqlc_env_set_table(env, NULL, "books");
	assert_int_equal(sqlc_compile(env, "plan.json", "price > 1 AND mood = 'ok'", SQLC_WHERE, &p), 0);
	assert_string_equal(p.stmts[0].sqlite_sql,
			    "(\"price\" COLLATE \"pg_numeric\" > '1') AND (\"mood\" COLLATE \"pg_enum:app.mood\" = 'ok')");
	sqlc_program_free(&p);
	assert_int_equal(sqlc_compile(env, "plan.json", "price > 'x'", SQLC_WHERE, &p), -1);
	assert_string_equal(sqlc_env_error(env)->message, "invalid input syntax for type numeric: \"x\"");
	assert_int_equal(sqlc_env_error(env)->col, 9);
	/* scratch tables are known to later statements */
	assert_int_equal(sqlc_compile(env, "s.sql", "CREATE TABLE m (a integer, b text DEFAULT 'z'); INSERT INTO m (a) VALUES (1)", SQLC_STEP, &p), 0);
	assert_string_equal(p.stmts[1].sqlite_sql, "INSERT INTO \"m\" AS \"m\" (\"a\", \"b\") VALUES (1, 'z')");
	sqlc_program_free(&p);
	assert_int_equal(sqlc_compile(env, "s.sql", "DROP TABLE m; SELECT * FROM m", SQLC_STEP, &p), -1);
	assert_string_equal(sqlc_env_error(env)->message, "relation \"m\" does not exist");
	/* dd_batch, when the step is batched */
	struct pgtype kt = { .kind = PGK_INT4, .len = -1, .precision = -1 };
	sqlc_env_set_batch(env, &kt);
	assert_string_equal(sql_of("UPDATE books SET qty = 1 WHERE id IN (SELECT key FROM dd_batch)"),
			    "UPDATE \"books\" AS \"books\" SET \"qty\" = 1 WHERE \"books\".\"id\" COLLATE BINARY IN "
			    "(SELECT \"dd_batch\".\"key\" AS \"key\" FROM temp.\"dd_batch\" AS \"dd_batch\")");
	sqlc_env_set_batch(env, NULL);
}

/*
 * Against the real runtime modules (pgfn_modules): the conventions of
 * pgfn.h the compiler must follow (types of "any" arguments, element
 * types, explicit-cast flags, table-valued functions).
 */
static void test_real_modules(void **state)
{
	(void)state;
	sqlc_env_set_modules(env, NULL);
	const char *s;
	/* jsonb_build_object('a', 1): one PGT type per "any" argument */
	s = sql_of("SELECT jsonb_build_object('a', qty) FROM books");
	assert_non_null(s);
	assert_non_null(strstr(s, ar_fmt("('a', \"books\".\"qty\", %d, %d)", PGK_TEXT, PGK_INT4)));
	/* ARRAY[...] and = ANY: the element type follows */
	s = sql_of("SELECT id FROM books WHERE id = ANY (ARRAY[1, 2])");
	assert_non_null(s);
	assert_non_null(strstr(s, ar_fmt(", '=', %d)", PGK_INT4)));
	/* an explicit cast to varchar(n) says it is explicit */
	s = sql_of("SELECT title::varchar(2) FROM books");
	assert_non_null(s);
	assert_non_null(strstr(s, "(\"books\".\"title\", 2, 1)"));
	/* set-returning functions in FROM */
	s = sql_of("SELECT e.value FROM books b, jsonb_array_elements(b.title::jsonb) AS e");
	assert_non_null(s);
	assert_non_null(strstr(s, "\"e\".\"value\" AS \"value\""));
	assert_string_equal(refusal("SELECT jsonb_array_elements('[1]')"), "1:8: set-returning functions are supported only in FROM");
	/* constant zones and templates the datetime module cannot run are refused at once */
	assert_string_equal(refusal("SELECT timetz '12:00+00' AT TIME ZONE 'Europe/Paris' FROM books"),
			    "1:39: time zone \"Europe/Paris\" is not supported by drydock here: named zones run over timestamp and timestamptz (AT TIME ZONE, date_trunc, make_timestamptz), not over timetz");
	assert_non_null(sql_of("SELECT date_trunc('day', created::timestamptz, 'Europe/Paris') FROM books"));
	assert_string_equal(refusal("SELECT created AT TIME ZONE 'Mars/Base' FROM books"),
			    "1:29: time zone \"Mars/Base\" not recognized");
	assert_non_null(sql_of("SELECT created AT TIME ZONE 'Europe/Paris' FROM books"));
	assert_string_equal(refusal("SELECT to_char(created, 'TMDay') FROM books"),
			    "1:25: template pattern \"TMDay\" is not supported by drydock in to_char");
	assert_string_equal(refusal("SELECT ln(price) FROM books"), "1:8: function ln(numeric) is not supported");
	/* a number template using L (lc_monetary's currency symbol) is refused;
	 * PostgreSQL's own template errors wait for a row, as PostgreSQL's do */
	assert_string_equal(refusal("SELECT to_char(price, 'FML999.99') FROM books"),
			    "1:23: template pattern \"L\" (currency symbol) is not supported by drydock: it depends on the server's lc_monetary");
	assert_non_null(sql_of("SELECT to_char(price, '\"L\"FM999.99'), to_char(price, '9.9.9') FROM books"));
	assert_string_equal(refusal("SELECT to_number(title, 'L999') FROM books"),
			    "1:25: template pattern \"L\" (currency symbol) is not supported by drydock: it depends on the server's lc_monetary");
	/* and they run: WITH ORDINALITY numbers the elements from 1 */
	assert_int_equal(stage_create_table(db, &tables[0], "books"), 0);
	assert_int_equal(sqlc_setup(db, &cat), 0);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO books (id, title, price) VALUES (1, '[{\"a\": 1}, {\"a\": 2.50}]', '1.5')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(pg_rows("SELECT b.id, e.n, e.v ->> 'a' FROM books b, jsonb_array_elements(b.title::jsonb) "
				    "WITH ORDINALITY AS e(v, n) ORDER BY e.n DESC"), "1|2|2.50;1|1|1");
	assert_string_equal(pg_rows("SELECT round(price * 1.1, 2), price / 3, qty + 1 FROM books"), "1.65|0.50000000000000000000|-");
	assert_string_equal(pg_rows("SELECT u FROM unnest(ARRAY[3, 1, 2]) AS u ORDER BY u"), "1;2;3");
	sqlc_env_set_modules(env, test_mods);
}

/* ---- running compiled statements ---- */

static void exec_pg(const char *pg)
{
	struct sqlc_program p;
	assert_int_equal(sqlc_compile(env, "run.sql", pg, SQLC_STEP, &p), 0);
	assert_int_equal(sqlc_exec(db, &p), 0);
	sqlc_program_free(&p);
}

/* The rows of an SQLite query as "a|b;c|d" (NULL as "-"). */
static const char *rows_of(const char *sql)
{
	static char out[2048];
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (out[0])
			strcat(out, ";");
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			if (i)
				strcat(out, "|");
			strcat(out, v ? v : "-");
		}
	}
	sqlite3_finalize(st);
	return out;
}

/* The rows a compiled PostgreSQL query returns. */
static const char *pg_rows(const char *pg)
{
	struct sqlc_program p;
	static char sql[8192];
	assert_int_equal(sqlc_compile(env, "q.sql", pg, SQLC_CHECK, &p), 0);
	snprintf(sql, sizeof(sql), "%s", p.stmts[0].sqlite_sql);
	sqlc_program_free(&p);
	return rows_of(sql);
}

static int exec_setup(void **state)
{
	setup(state);
	for (int i = 0; i < 3; i++)
		assert_int_equal(stage_create_table(db, &tables[i], tables[i].stage_name), 0);
	assert_int_equal(test_register(db), SQLITE_OK);
	assert_int_equal(sqlc_setup(db, &cat), 0);
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO books (id, title, price, qty, mood) VALUES "
		"(1, 'a', '9.99', 1, 'happy'), (2, 'b', '29.99', NULL, 'sad'), (3, 'c', NULL, 3, 'ok'), (4, 'd', '100.00', 2, NULL);"
		"INSERT INTO loans (id, book_id, fee) VALUES (1, 1, '0.50'), (2, 1, '1.50'), (3, 2, '0.25');",
		NULL, NULL, NULL), SQLITE_OK);
	return 0;
}

static void test_exec_semantics(void **state)
{
	(void)state;
	/* numeric order, not text order: max is 100.00 and 9.99 < 29.99 */
	assert_string_equal(pg_rows("SELECT max(price), min(price) FROM books"), "100.00|9.99");
	assert_string_equal(pg_rows("SELECT id FROM books WHERE price < 30 ORDER BY id"), "1;2");
	/* NULLS LAST for ASC and FIRST for DESC, as PostgreSQL */
	assert_string_equal(pg_rows("SELECT id FROM books ORDER BY price"), "1;2;4;3");
	assert_string_equal(pg_rows("SELECT id FROM books ORDER BY price DESC"), "3;4;2;1");
	assert_string_equal(pg_rows("SELECT id FROM books ORDER BY qty DESC NULLS LAST"), "3;4;1;2");
	/* enum order is the labels' order */
	assert_string_equal(pg_rows("SELECT id FROM books WHERE mood >= 'ok' ORDER BY mood"), "3;1");
	/* greatest ignores NULLs; least of all NULLs is NULL */
	assert_string_equal(pg_rows("SELECT greatest(price, 50), least(qty, NULL) FROM books ORDER BY id"),
			    "50|1;50|-;50|3;100.00|2");
	/* IS DISTINCT FROM under the numeric order: 100.00 is 100 */
	assert_string_equal(pg_rows("SELECT id FROM books WHERE price IS NOT DISTINCT FROM 100 OR price IS NOT DISTINCT FROM NULL ORDER BY id"), "3;4");
	/* CASE x WHEN compares under x's order: 100.00 is 100 */
	assert_string_equal(pg_rows("SELECT CASE price WHEN 100 THEN 'hundred' WHEN 9.99 THEN 'cheap' END FROM books ORDER BY id"),
			    "cheap;-;-;hundred");
	/* USING join, aggregates, HAVING */
	assert_string_equal(pg_rows("SELECT books.id, count(*) FROM books JOIN loans l ON l.book_id = books.id GROUP BY books.id HAVING count(*) > 1"), "1|2");
	assert_string_equal(pg_rows("SELECT DISTINCT ON (book_id) book_id, fee FROM loans ORDER BY book_id, fee DESC"), "1|1.50;2|0.25");
	assert_string_equal(pg_rows("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 4) SELECT n FROM t"), "1;2;3;4");
	assert_string_equal(pg_rows("SELECT id FROM books WHERE id IN (SELECT book_id FROM loans) ORDER BY 1"), "1;2");
	assert_string_equal(pg_rows("SELECT id FROM books b WHERE NOT EXISTS (SELECT FROM loans WHERE book_id = b.id) ORDER BY id LIMIT 1 OFFSET 1"), "4");
	assert_string_equal(pg_rows("SELECT price FROM books UNION SELECT 50 ORDER BY 1 NULLS FIRST"), "-;9.99;29.99;50;100.00");
}

static void test_exec_writes(void **state)
{
	struct sqlc_program p;
	(void)state;
	/* assignment: numeric(6,2) rounds, char(13) pads, omitted columns get defaults */
	exec_pg("INSERT INTO books (id, title, price, isbn) VALUES (10, 'x', 1.234, '978')");
	assert_string_equal(rows_of("SELECT price, isbn, active, qty, created FROM books WHERE id = 10"),
			    "1.23|978          |1|0|2026-01-01 00:00:00+00");
	exec_pg("UPDATE books b SET qty = b.qty + 1 FROM loans l WHERE l.book_id = b.id AND l.fee > 1");
	assert_string_equal(rows_of("SELECT id, qty FROM books WHERE id IN (1, 2) ORDER BY id"), "1|2;2|-");
	exec_pg("DELETE FROM loans l USING books b WHERE l.book_id = b.id AND b.title = 'b'");
	assert_string_equal(rows_of("SELECT id FROM loans ORDER BY id"), "1;2");
	exec_pg("INSERT INTO books (id, title) VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET title = excluded.title || '!'");
	assert_string_equal(rows_of("SELECT title FROM books WHERE id = 1"), "z!");
	/* runtime errors come back with the file and line */
	assert_int_equal(sqlc_compile(env, "run.sql", "SELECT 1;\nUPDATE books SET code = title || 'xxxx'", SQLC_STEP, &p), 0);
	assert_int_equal(sqlc_exec(db, &p), -1);
	sqlc_program_free(&p);
	assert_int_equal(sqlc_compile(env, "run.sql", "SELECT (SELECT id FROM loans)", SQLC_STEP, &p), 0);
	assert_int_equal(sqlc_exec(db, &p), -1);
	sqlc_program_free(&p);
	/* NULL into a NOT NULL column fails as in PostgreSQL, also for an
	 * integer key (SQLite would give it a new rowid) */
	assert_int_equal(sqlc_compile(env, "run.sql", "INSERT INTO books (id, title) VALUES (NULL, 'n')", SQLC_STEP, &p), 0);
	assert_int_equal(sqlc_exec(db, &p), -1);
	sqlc_program_free(&p);
	assert_int_equal(sqlc_compile(env, "run.sql", "UPDATE books SET id = NULL WHERE id = 1", SQLC_STEP, &p), 0);
	assert_int_equal(sqlc_exec(db, &p), -1);
	sqlc_program_free(&p);
	assert_string_equal(rows_of("SELECT count(*) FROM books WHERE title = 'n' OR id IS NULL"), "0");
	/* scratch tables: made, recorded, filled, dropped */
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp)",
				      NULL, NULL, NULL), SQLITE_OK);
	exec_pg("CREATE TABLE m AS SELECT id, price FROM books WHERE price > 10");
	assert_string_equal(rows_of("SELECT name, pg_type FROM dd_scratch_column ORDER BY ordinal"), "id|integer;price|numeric(6,2)");
	assert_string_equal(pg_rows("SELECT max(price) FROM m"), "100.00");
	exec_pg("DROP TABLE m");
	assert_string_equal(rows_of("SELECT count(*) FROM dd_scratch_column"), "0");
}

/* With arguments: compiles each and prints the result (for development). */
static int print_mode(int argc, char **argv)
{
	setup(NULL);
	if (getenv("SQLC_REAL_MODULES"))
		sqlc_env_set_modules(env, NULL);
	for (int i = 1; i < argc; i++) {
		const char *s = sql_of(argv[i]);
		if (s)
			printf("%s\n", s);
		else
			printf("REFUSED %s\n", refusal(argv[i]));
	}
	teardown(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return print_mode(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compile_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_semantics, exec_setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_writes, exec_setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
