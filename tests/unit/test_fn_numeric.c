#define _GNU_SOURCE
/*
 * Unit tests for fn_numeric: every case of fn_numeric_cases.h (expected
 * results and error messages obtained from PostgreSQL 15 by
 * gen_fn_numeric_cases.py) evaluated through the registered SQLite
 * functions, plus the orders in ORDER BY and the signature table's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fn_numeric.h"

struct fcase {
	const char *sql;       /* SQLite expression */
	const char *expect;    /* PostgreSQL's text, NULL for NULL */
	int is_error;          /* expect is the error message */
};

static const struct fcase cases[] = {
#include "fn_numeric_cases.h"
};

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(pgfn_numeric_module.register_fns(db), SQLITE_OK);
	return db;
}

/* Evaluates SELECT expr: 0 and the text (or NULL), or 1 and the error. */
static int eval(sqlite3 *db, const char *expr, char **out)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("SELECT %s", expr);
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	*out = NULL;
	if (rc != SQLITE_OK) {
		*out = strdup(sqlite3_errmsg(db));
		return 2;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		*out = t ? strdup((const char *)t) : NULL;
		rc = 0;
	} else {
		*out = strdup(sqlite3_errmsg(db));
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

static void test_postgres_cases(void **state)
{
	sqlite3 *db = open_db();
	int failures = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fcase *c = &cases[i];
		char *got;
		int rc = eval(db, c->sql, &got);
		int ok;
		if (c->is_error)
			ok = rc == 1 && got && strcmp(got, c->expect) == 0;
		else if (!c->expect)
			ok = rc == 0 && !got;
		else
			ok = rc == 0 && got && strcmp(got, c->expect) == 0;
		if (!ok) {
			failures++;
			fprintf(stderr, "case %zu: %s\n  expected %s%s\n  got      %s%s\n", i, c->sql,
				c->is_error ? "error " : "", c->expect ? c->expect : "NULL",
				rc == 1 ? "error " : rc == 2 ? "prepare error " : "", got ? got : "NULL");
		}
		free(got);
	}
	fprintf(stderr, "%zu PostgreSQL cases, %d differ\n", sizeof(cases) / sizeof(cases[0]), failures);
	sqlite3_close(db);
	assert_int_equal(failures, 0);
}

/* ORDER BY with the collations sorts as PostgreSQL does. */
static void test_orders(void **state)
{
	sqlite3 *db = open_db();
	char *got;
	(void)state;
	assert_int_equal(eval(db, "group_concat(v, ' ') FROM (SELECT column1 AS v FROM (VALUES"
			     " ('NaN'), ('10'), ('9.99'), ('-Infinity'), ('1.0'), ('29.99'),"
			     " ('Infinity'), ('-0.5'), ('1')) ORDER BY v COLLATE pg_numeric, v)", &got), 0);
	assert_string_equal(got, "-Infinity -0.5 1 1.0 9.99 10 29.99 Infinity NaN");
	free(got);
	assert_int_equal(eval(db, "group_concat(v, ' ') FROM (SELECT column1 AS v FROM (VALUES"
			     " ('NaN'), ('1e+15'), ('0.1'), ('-Infinity'), ('-0'), ('Infinity'),"
			     " ('2'), ('1e-05')) ORDER BY v COLLATE pg_float8)", &got), 0);
	assert_string_equal(got, "-Infinity -0 1e-05 0.1 2 1e+15 Infinity NaN");
	free(got);
	/* GROUP BY merges equal numerics written at different scales */
	assert_int_equal(eval(db, "count(*) FROM (SELECT 1 FROM (VALUES ('1'), ('1.0'), ('1.00'),"
			     " ('NaN'), ('NaN')) GROUP BY column1 COLLATE pg_numeric)", &got), 0);
	assert_string_equal(got, "2");
	free(got);
	/* max() under the collation: 29.99 > 9.99, unlike text */
	assert_int_equal(eval(db, "max(column1 COLLATE pg_numeric) FROM (VALUES ('9.99'), ('29.99'))", &got), 0);
	assert_string_equal(got, "29.99");
	free(got);
	sqlite3_close(db);
}

/* Every signature names a function the module registers with that arity. */
static void test_signatures_registered(void **state)
{
	sqlite3 *db = open_db();
	const struct pgfn_module *m = &pgfn_numeric_module;
	(void)state;
	for (int i = 0; i < m->nsigs; i++) {
		const struct pgfn_sig *s = &m->sigs[i];
		char *sql, *got;
		int n = s->nargs;
		assert_non_null(s->sqlite_fn);
		if (s->kind == PGFN_SRF) {
			sql = sqlite3_mprintf("count(*) FROM %s(1, 2)", s->sqlite_fn);
		} else if (s->kind == PGFN_AGG) {
			sql = sqlite3_mprintf("%s(x) FROM (SELECT NULL AS x)", s->sqlite_fn);
		} else {
			char args[64] = "";
			for (int k = 0; k < n; k++)
				strcat(args, k ? ", NULL" : "NULL");
			if (s->flags & PGFN_TYPMOD)
				strcat(args, ", NULL, NULL");
			sql = sqlite3_mprintf("%s(%s)", s->sqlite_fn, args);
		}
		int rc = eval(db, sql, &got);
		if (s->flags & PGFN_REFUSED) {
			/* refused signatures only ever raise an error */
			if (rc != 1)
				fail_msg("refused signature %d (%s) ran: %s", i, s->name, sql);
		} else if (rc != 0)
			fail_msg("signature %d (%s): %s: %s", i, s->name ? s->name : "cast", sql, got);
		sqlite3_free(sql);
		free(got);
	}
	for (int i = 0; i < m->norders; i++)
		if (m->orders[i].collation) {
			char *sql = sqlite3_mprintf("'1' < '2' COLLATE %s", m->orders[i].collation), *got;
			assert_int_equal(eval(db, sql, &got), 0);
			assert_string_equal(got, "1");
			sqlite3_free(sql);
			free(got);
		}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postgres_cases),
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_signatures_registered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
