/*
 * fuzz-sql: the differential expression fuzzer (issue 11, in the spirit of
 * SQLancer).  Random well-typed PostgreSQL expressions (gen.c) over the
 * typed columns of a small table are evaluated by PostgreSQL (libpq, many
 * expressions per query) and by drydock's compiled SQLite form over the
 * same rows in an in-memory staging file; every value is compared as
 * PostgreSQL text, and an error on one side must be an error on the other.
 *
 *   fuzz-sql [-n EXPRESSIONS] [-t SECONDS] [-s SEED] [-b BATCH] [-d DEPTH] CONNINFO
 *   fuzz-sql -e EXPRESSION CONNINFO
 *
 * -e evaluates one expression on both sides and prints drydock's compiled
 * SQL and every row's two values (a difference found by a run, replayed).
 *
 * Prints each difference (the expression, the row, both results) and a
 * closing line "fuzz-sql: N expressions compared over R rows, N
 * differences, N refused by the compiler, N errors on both sides".  Exit
 * 1 when any difference was found.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "sqlc.h"
#include "stage.h"
#include "util.h"

static const char *const table_sql =
	"CREATE TEMP TABLE fz (id int PRIMARY KEY, i int4, b int8, n numeric, m numeric(8,2), "
	"t text, v varchar(12), d date, ts timestamptz, j jsonb, bo boolean, f float8)";
static const char *const rows_sql =
	"INSERT INTO fz VALUES "
	"(1, 1, 10, 1.5, 2.25, 'abc', 'abc', '2024-01-31', '2024-01-31 12:00:00+00', '{\"a\": 1, \"b\": [1, 2]}', true, 0.5),"
	"(2, -7, -9223372036854775807, -0.005, -0.50, 'ÀéÎ ß', 'x y', '2000-02-29', '1999-12-31 23:59:59.5+00', '[1, \"a\", null]', false, -2.5),"
	"(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	"(4, 2147483647, 9223372036854775807, 123456.789, 999999.99, '', '', '0001-01-01', '2024-03-10 07:30:00+00', '{}', true, 'NaN'),"
	"(5, 0, 0, 0, 0.00, 'a%b_c', 'a%b_c', '2024-12-31', '2024-06-30 23:00:00-05', '\"str\"', false, 'Infinity'),"
	"(6, 46341, 4294967296, 2.675, 1.05, ' x ', 'HELLO', '1970-01-01', '1970-01-01 00:00:00+00', 'null', NULL, 1e300),"
	"(7, -2147483648, 5, 1e20, -999999.99, 'Hello, World', '1,2,,3', '2024-02-29', '2024-02-29 12:34:56.789+00', '{\"a\": {\"c\": null}, \"z\": true}', true, -0.0),"
	"(8, 3, -3, 0.125, 0.13, 'ümlaut', 'b.c', '1999-12-31', '2000-01-01 00:00:00+00', '1.50', true, 0.1)";

static const char *const cols[][2] = {
	{ "id", "integer" }, { "i", "integer" }, { "b", "bigint" }, { "n", "numeric" },
	{ "m", "numeric(8,2)" }, { "t", "text" }, { "v", "character varying(12)" },
	{ "d", "date" }, { "ts", "timestamp with time zone" }, { "j", "jsonb" },
	{ "bo", "boolean" }, { "f", "double precision" },
};
#define NCOLS ((int)ARRAY_SIZE(cols))

struct counts {
	long compared, differences, refused, both_errors, message_differs;
	long null_folding;  /* of the differences: PostgreSQL folded a strict call
			       over a NULL constant before evaluating its other
			       arguments, drydock evaluated them and raised */
	long refusals_shown;
};

/* The compiler reports with error() on stderr: caught into a file while it runs. */
static FILE *capture_file;
static int saved_stderr = -1;

static void capture_begin(void)
{
	if (!capture_file)
		capture_file = tmpfile();
	fflush(stderr);
	if (ftruncate(fileno(capture_file), 0)) { /* ignore */ }
	lseek(fileno(capture_file), 0, SEEK_SET);
	saved_stderr = dup(2);
	dup2(fileno(capture_file), 2);
}

/* The first line reported since capture_begin(), or "". */
static char *capture_end(void)
{
	char line[1024] = "";
	ssize_t n;
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	/* the file descriptor, not the stream: its buffer would be stale */
	n = pread(fileno(capture_file), line, sizeof(line) - 1, 0);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

static PGresult *pg_query(PGconn *conn, const char *sql)
{
	return PQexec(conn, sql);
}

/* The catalog of the one table, as a snapshot would record it. */
static void make_catalog(struct catalog *cat)
{
	struct source_meta *s = catalog_add_source(cat);
	struct table_meta *t = catalog_add_table(cat);
	struct constraint_meta *pk;
	s->name = xstrdup("db");
	s->is_target = 1;
	s->schema = xstrdup("public");
	s->origin = xstrdup("postgres");
	s->identity = xstrdup("fuzz-sql");
	t->source = xstrdup("db");
	t->name = xstrdup("fz");
	t->ncols = NCOLS;
	t->cols = xcalloc(NCOLS, sizeof(*t->cols));
	for (int i = 0; i < NCOLS; i++) {
		t->cols[i].name = xstrdup(cols[i][0]);
		t->cols[i].pg_type = xstrdup(cols[i][1]);
	}
	t->cons = xcalloc(2, sizeof(*t->cons));
	t->ncons = 1;
	pk = &t->cons[0];
	pk->name = xstrdup("fz_pkey");
	pk->kind = 'p';
	pk->columns = xcalloc(2, sizeof(char *));
	pk->columns[0] = xstrdup("id");
	pk->ncolumns = 1;
	pk->definition = xstrdup("PRIMARY KEY (id)");
	t->pk = xcalloc(1, sizeof(int));
	t->npk = 1;
	table_set_stage_names(t, 1);
	table_parse_types(t);
}

/* The rows as PostgreSQL prints them, into the local table. */
static int load_rows(PGconn *conn, sqlite3 *db, const struct table_meta *t)
{
	PGresult *r = pg_query(conn, "SELECT * FROM fz ORDER BY id");
	sqlite3_stmt *ins = NULL;
	int ret = -1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		error("cannot read the rows: %s", PQerrorMessage(conn));
		goto cleanup;
	}
	if (stage_prepare_insert(db, t, t->stage_name, &ins))
		goto cleanup;
	for (int row = 0; row < PQntuples(r); row++) {
		for (int c = 0; c < NCOLS; c++) {
			const char *why = NULL;
			if (PQgetisnull(r, row, c))
				sqlite3_bind_null(ins, c + 1);
			else if (pgtype_bind_text(ins, c + 1, &t->cols[c].type, PQgetvalue(r, row, c),
						  (size_t)PQgetlength(r, row, c), &why)) {
				error("cannot store a value: %s", why);
				goto cleanup;
			}
		}
		if (sqlite3_step(ins) != SQLITE_DONE) {
			stage_error(db, "cannot store a row");
			goto cleanup;
		}
		sqlite3_reset(ins);
	}
	ret = 0;
cleanup:
	sqlite3_finalize(ins);
	PQclear(r);
	return ret;
}

/* "SELECT id, (e1)::text, ... FROM fz ORDER BY id" */
static void select_of(struct strbuf *sql, char **exprs, int n)
{
	sb_reset(sql);
	sb_adds(sql, "SELECT id");
	for (int i = 0; i < n; i++)
		sb_addf(sql, ", (%s)::text", exprs[i]);
	sb_adds(sql, " FROM fz ORDER BY id");
}

/* One side's results: cells[row * n + k], NULL for SQL NULL; or an error. */
struct side {
	int nrows, n;
	char **cells;
	char *error;
	int refused;  /* drydock: compile-time refusal */
};

static void side_free(struct side *s)
{
	for (int i = 0; i < s->nrows * s->n; i++)
		free(s->cells[i]);
	free(s->cells);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

/* Reads one query's result (eval_pg's part) from r into out. */
static void read_pg(PGconn *conn, PGresult *r, int n, struct side *out)
{
	out->n = n;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		out->error = xstrdup(m ? m : PQerrorMessage(conn));
		return;
	}
	out->nrows = PQntuples(r);
	out->cells = xcalloc((size_t)out->nrows * n + 1, sizeof(char *));
	for (int row = 0; row < out->nrows; row++)
		for (int k = 0; k < n; k++)
			if (!PQgetisnull(r, row, k + 1))
				out->cells[row * n + k] = xstrdup(PQgetvalue(r, row, k + 1));
}

static void eval_pg(PGconn *conn, char **exprs, int n, struct side *out)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *r;
	select_of(&sql, exprs, n);
	r = pg_query(conn, sql.buf);
	read_pg(conn, r, n, out);
	PQclear(r);
	sb_release(&sql);
}

static void eval_dd(sqlite3 *db, struct sqlc_env *env, char **exprs, int n, struct side *out)
{
	struct strbuf sql = STRBUF_INIT;
	struct sqlc_program p = { 0 };
	sqlite3_stmt *st = NULL;
	int rc;
	out->n = n;
	select_of(&sql, exprs, n);
	capture_begin();
	rc = sqlc_compile(env, "fuzz", sql.buf, SQLC_CHECK, &p);
	{
		char *msg = capture_end();
		if (rc) {
			out->refused = 1;
			out->error = msg;
			goto cleanup;
		}
		free(msg);
	}
	if (p.nstmts != 1 || sqlite3_prepare_v2(db, p.stmts[0].sqlite_sql, -1, &st, NULL) != SQLITE_OK) {
		out->refused = 1;
		out->error = xasprintf("compiled SQL does not prepare: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	out->cells = xcalloc(64 * (size_t)n + 1, sizeof(char *));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->nrows < 64) {
		for (int k = 0; k < n; k++) {
			const unsigned char *v = sqlite3_column_text(st, k + 1);
			if (sqlite3_column_type(st, k + 1) != SQLITE_NULL)
				out->cells[out->nrows * n + k] = xstrdup((const char *)v);
		}
		out->nrows++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		for (int i = 0; i < out->nrows * n; i++)
			free(out->cells[i]);
		out->nrows = 0;
		out->error = xstrdup(sqlite3_errmsg(db));
	}
cleanup:
	sqlite3_finalize(st);
	sqlc_program_free(&p);
	sb_release(&sql);
}

/*
 * Every expression of the batch on its own query, all in one round trip:
 * libpq's pipeline mode with a sync after each query, so each runs in its
 * own implicit transaction and an error ends only its own.  out[k] gets
 * expression k's result.  0, or -1 when the connection fails.
 */
static int eval_pg_pipeline(PGconn *conn, char **exprs, int n, struct side *out)
{
	struct strbuf sql = STRBUF_INIT;
	int ret = -1;
	if (!PQenterPipelineMode(conn))
		goto cleanup;
	for (int k = 0; k < n; k++) {
		select_of(&sql, &exprs[k], 1);
		if (!PQsendQueryParams(conn, sql.buf, 0, NULL, NULL, NULL, NULL, 0) ||
		    !PQpipelineSync(conn))
			goto cleanup;
	}
	for (int k = 0; k < n; k++) {
		PGresult *r;
		int got = 0;
		/* the query's result(s), a NULL, then the sync's result */
		while ((r = PQgetResult(conn)) != NULL) {
			if (!got++)
				read_pg(conn, r, 1, &out[k]);
			PQclear(r);
		}
		r = PQgetResult(conn);
		if (PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
			PQclear(r);
			goto cleanup;
		}
		PQclear(r);
		if (!got)
			out[k].error = xstrdup(PQerrorMessage(conn));
	}
	ret = PQexitPipelineMode(conn) ? 0 : -1;
cleanup:
	if (ret)
		fprintf(stderr, "fuzz-sql: pipeline failed: %s", PQerrorMessage(conn));
	sb_release(&sql);
	return ret;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Compares one expression (k of the batch) on both sides; prints differences. */
/*
 * A compile-time error that says drydock does not run the construct (a
 * refusal, acceptable) rather than an error PostgreSQL would raise too
 * (a constant folded at compile time: "division by zero").
 */
static int is_refusal(const char *msg)
{
	static const char *const marks[] = { "not supported", "not implemented", "unsupported",
					     "compiled SQL does not prepare" };
	const char *p = strstr(msg, "fuzz:");
	if (p)
		msg = p; /* past "drydock: error: " */
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (strstr(msg, marks[i]))
			return 1;
	return 0;
}

static void compare_one(const char *expr, const struct side *pg, const struct side *dd, int k,
			struct counts *c)
{
	if (dd->refused && (pg->error || is_refusal(dd->error))) {
		if (pg->error) {
			/* PostgreSQL fails too: an error on both sides */
			c->compared++;
			c->both_errors++;
			if (!strstr(dd->error, pg->error)) {
				c->message_differs++;
				if (c->message_differs <= 20)
					printf("message: %s\n    PostgreSQL: %s\n    drydock:    %s\n", expr, pg->error, dd->error);
			}
			return;
		}
		c->refused++;
		if (c->refusals_shown++ < 10)
			printf("refused: %s\n    %s\n", expr, dd->error);
		return;
	}
	c->compared++;
	if (pg->error || dd->error) {
		if (pg->error && dd->error) {
			c->both_errors++;
			if (!strstr(dd->error, pg->error)) {
				c->message_differs++;
				if (c->message_differs <= 20)
					printf("message: %s\n    PostgreSQL: %s\n    drydock:    %s\n", expr, pg->error, dd->error);
			}
			return;
		}
		c->differences++;
		if (!pg->error && strstr(expr, "NULL::"))
			c->null_folding++;
		printf("DIFFERENCE: %s\n    PostgreSQL: %s\n    drydock:    %s\n", expr,
		       pg->error ? pg->error : "(values)", dd->error ? dd->error : "(values)");
		return;
	}
	for (int row = 0; row < pg->nrows && row < dd->nrows; row++) {
		const char *a = pg->cells[row * pg->n + k], *b = dd->cells[row * dd->n + k];
		if (!same(a, b)) {
			c->differences++;
			printf("DIFFERENCE: %s\n    row id %d: PostgreSQL %s%s%s, drydock %s%s%s\n", expr, row + 1,
			       a ? "'" : "", a ? a : "NULL", a ? "'" : "", b ? "'" : "", b ? b : "NULL", b ? "'" : "");
			return;
		}
	}
	if (pg->nrows != dd->nrows) {
		c->differences++;
		printf("DIFFERENCE: %s\n    %d rows from PostgreSQL, %d from drydock\n", expr, pg->nrows, dd->nrows);
	}
}

/* -e: one expression, both sides, row by row, with the compiled SQL. */
static int explain_one(sqlite3 *db, const struct catalog *cat, PGconn *conn, const char *expr)
{
	struct side pg = { 0 }, dd = { 0 };
	struct strbuf sql = STRBUF_INIT;
	struct sqlc_env *env = sqlc_env_new(cat, db);
	struct sqlc_program p = { 0 };
	char *exprs[1] = { (char *)expr };
	int differ = 0;
	select_of(&sql, exprs, 1);
	if (!sqlc_compile(env, "fuzz", sql.buf, SQLC_CHECK, &p) && p.nstmts == 1)
		printf("drydock SQL: %s\n", p.stmts[0].sqlite_sql);
	sqlc_program_free(&p);
	sb_release(&sql);
	eval_pg(conn, exprs, 1, &pg);
	eval_dd(db, env, exprs, 1, &dd);
	sqlc_env_free(env);
	if (pg.error || dd.error) {
		printf("PostgreSQL: %s\ndrydock:    %s\n", pg.error ? pg.error : "(values)",
		       dd.error ? dd.error : "(values)");
		/* -e also fails on another message: which error comes first
		 * is part of PostgreSQL's semantics (tests/e2e/test_fuzz_regressions.sh) */
		differ = !pg.error || !dd.error || !strstr(dd.error, pg.error);
	}
	for (int row = 0; !pg.error && !dd.error && row < pg.nrows && row < dd.nrows; row++) {
		const char *a = pg.cells[row], *b = dd.cells[row];
		printf("%s row %d: PostgreSQL %s, drydock %s\n", same(a, b) ? " " : "!", row + 1,
		       a ? a : "NULL", b ? b : "NULL");
		differ |= !same(a, b);
	}
	side_free(&pg);
	side_free(&dd);
	return differ;
}

int main(int argc, char **argv)
{
	const char *one = NULL;
	long limit = 10000, seconds = 0, batch = 50;
	int depth = 4, opt, ret = 3;
	uint64_t seed = (uint64_t)time(NULL);
	struct gen g;
	struct counts c = { 0 };
	struct catalog cat = { 0 };
	sqlite3 *db = NULL;
	PGconn *conn = NULL;
	char **exprs;
	struct side *pgs;
	struct sqlc_env *env = NULL;
	time_t start = time(NULL);

	while ((opt = getopt(argc, argv, "n:t:s:b:d:e:")) != -1) {
		switch (opt) {
		case 'n': limit = atol(optarg); break;
		case 't': seconds = atol(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'b': batch = atol(optarg); break;
		case 'd': depth = atoi(optarg); break;
		case 'e': one = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || batch < 1)
		goto usage;
	gen_seed(&g, seed);
	conn = PQconnectdb(argv[optind]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "fuzz-sql: cannot connect: %s", PQerrorMessage(conn));
		goto cleanup;
	}
	PQclear(pg_query(conn, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; "
			       "SET extra_float_digits = 1; SET bytea_output = 'hex'"));
	PQclear(pg_query(conn, table_sql));
	PQclear(pg_query(conn, rows_sql));
	make_catalog(&cat);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || stage_exec(db, schema_stage_sql) ||
	    stage_write_catalog(db, &cat) || stage_create_table(db, &cat.tables[0], "fz") ||
	    load_rows(conn, db, &cat.tables[0]) || sqlc_setup(db, &cat))
		goto cleanup;
	if (one) {
		ret = explain_one(db, &cat, conn, one);
		goto cleanup;
	}
	printf("fuzz-sql: seed %llu\n", (unsigned long long)seed);
	exprs = xcalloc((size_t)batch, sizeof(char *));
	pgs = xcalloc((size_t)batch, sizeof(*pgs));
	env = sqlc_env_new(&cat, db);  /* one for the run: its evaluation connection is kept */
	while ((seconds ? time(NULL) - start < seconds : 1) && (seconds || c.compared + c.refused < limit)) {
		for (int k = 0; k < batch; k++) {
			struct strbuf e = STRBUF_INIT;
			gen_expr(&g, &e, (enum gty)gen_below(&g, G_NTYPES), depth);
			exprs[k] = sb_detach(&e, NULL);
		}
		if (eval_pg_pipeline(conn, exprs, (int)batch, pgs))
			goto cleanup;
		for (int k = 0; k < batch; k++) {
			struct side dd = { 0 };
			eval_dd(db, env, &exprs[k], 1, &dd);
			compare_one(exprs[k], &pgs[k], &dd, 0, &c);
			side_free(&pgs[k]);
			side_free(&dd);
			free(exprs[k]);
		}
	}
	free(pgs);
	free(exprs);
	{
		long secs = (long)(time(NULL) - start);
		printf("fuzz-sql: %ld expressions compared over 8 rows, %ld differences (%ld of them an error "
		       "where PostgreSQL folds a strict call over a NULL constant), %ld refused by the compiler, "
		       "%ld errors on both sides (%ld with another message), %lds, %ld expressions/s\n",
		       c.compared, c.differences, c.null_folding, c.refused, c.both_errors, c.message_differs,
		       secs, (c.compared + c.refused) / (secs ? secs : 1));
	}
	ret = c.differences ? 1 : 0;
	goto cleanup;
usage:
	fprintf(stderr, "usage: fuzz-sql [-n EXPRESSIONS] [-t SECONDS] [-s SEED] [-b BATCH] [-d DEPTH] CONNINFO\n"
			"       fuzz-sql -e EXPRESSION CONNINFO\n");
	return 2;
cleanup:
	if (env)
		sqlc_env_free(env);
	sqlite3_close(db);
	catalog_free(&cat);
	PQfinish(conn);
	return ret;
}
