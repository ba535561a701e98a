/*
 * Unit tests for the text module (src/sql/fn_text*.c).
 *
 * The table fn_text_cases.h holds PostgreSQL expressions, the SQLite
 * expressions the compiler would make of them, and what PostgreSQL 15
 * answered in a C and in a C.UTF-8 database (tests/gen/gen-fn-text-cases.sh
 * asks a real server; the cases are in fn_text_cases.txt).  Each case runs
 * on an SQLite connection with the text functions registered, once in the
 * C locale and once after pgfn_text_set_locale(C.UTF-8), and must give the
 * same text, NULL, or the same error message.  Cases marked refuse are
 * constructs drydock refuses: they must fail with its refusal.
 *
 * The other tests cover what the table cannot: collations (ordering and
 * grouping), string_agg, the signature table, pgfn_regex_check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fn_text.h"
#include "util.h"

struct text_case {
	const char *pg;
	const char *sqlite;
	const char *c;        /* answer in a C database */
	const char *utf8;     /* answer in a C.UTF-8 database */
	int refuse;
};

#include "fn_text_cases.h"

static sqlite3 *open_db(const char *locale)
{
	sqlite3 *db = NULL;
	const char *why = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(pgfn_text_module.register_fns(db), SQLITE_OK);
	if (locale) {
		if (pgfn_text_set_locale(db, locale, locale, &why) != 0)
			fail_msg("set_locale %s: %s", locale, why);
	}
	return db;
}

/* $TEXT, $INT4|$ARRAY ... (types the compiler appends) as enum pgkind values. */
static char *with_kinds(char *sql)
{
	static const struct { const char *name; int kind; } kinds[] = {
		{ "$TEXT", PGK_TEXT }, { "$INT4", PGK_INT4 }, { "$INT8", PGK_INT8 },
		{ "$BOOL", PGK_BOOL }, { "$NUMERIC", PGK_NUMERIC }, { "$FLOAT8", PGK_FLOAT8 },
		{ "$BYTEA", PGK_BYTEA }, { "$UUID", PGK_UUID }, { "$ARRAY", PGT_ARRAY },
		{ "$UNKNOWN", PGK_UNKNOWN },
	};
	struct strbuf sb = STRBUF_INIT;
	const char *p = sql;

	while (*p) {
		size_t k;

		if (*p != '$') {
			sb_addch(&sb, *p++);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			if (!strncmp(p, kinds[k].name, strlen(kinds[k].name)) &&
			    !(p[strlen(kinds[k].name)] >= 'A' && p[strlen(kinds[k].name)] <= 'Z'))
				break;
		if (k == ARRAY_SIZE(kinds)) {
			sb_addch(&sb, *p++);
			continue;
		}
		sb_addf(&sb, "%d", kinds[k].kind);
		p += strlen(kinds[k].name);
	}
	free(sql);
	return sb_detach(&sb, NULL);
}

/* The answer of one expression in the generator's notation. */
static char *eval(sqlite3 *db, const char *expr, const char *expected)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *sql = strncmp(expr, "WITH ", 5) ? xasprintf("SELECT %s", expr) : xstrdup(expr);
	int rc;

	sql = with_kinds(sql);

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sb_addf(&sb, "PREPARE:%s", sqlite3_errmsg(db));
		goto done;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sb_addf(&sb, "E:%s", sqlite3_errmsg(db));
		goto done;
	}
	switch (sqlite3_column_type(st, 0)) {
	case SQLITE_NULL:
		sb_adds(&sb, "N");
		break;
	case SQLITE_INTEGER: {
		long long v = sqlite3_column_int64(st, 0);

		/* booleans are INTEGER 0/1; PostgreSQL prints t/f */
		if (expected && (!strcmp(expected, "V:t") || !strcmp(expected, "V:f")) &&
		    (v == 0 || v == 1))
			sb_adds(&sb, v ? "V:t" : "V:f");
		else
			sb_addf(&sb, "V:%lld", v);
		break;
	}
	case SQLITE_BLOB: {
		const unsigned char *b = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		sb_adds(&sb, "V:\\x");
		for (int i = 0; i < n; i++)
			sb_addf(&sb, "%02x", b[i]);
		break;
	}
	default:
		sb_adds(&sb, "V:");
		sb_add(&sb, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		break;
	}
done:
	sqlite3_finalize(st);
	free(sql);
	return sb_detach(&sb, NULL);
}

static int run_cases(const char *locale, int use_utf8)
{
	sqlite3 *db = open_db(locale);
	int failures = 0;

	for (size_t i = 0; i < ARRAY_SIZE(text_cases); i++) {
		const struct text_case *tc = &text_cases[i];
		const char *want = use_utf8 ? tc->utf8 : tc->c;
		char *got = eval(db, tc->sqlite, want);

		if (tc->refuse) {
			if (strncmp(got, "E:", 2) || !strstr(got, "drydock cannot")) {
				fprintf(stderr, "[%s] %s\n  sqlite: %s\n  expected a refusal, got %s\n",
					locale ? locale : "C", tc->pg, tc->sqlite, got);
				failures++;
			}
		} else if (strcmp(got, want)) {
			fprintf(stderr, "[%s] %s\n  sqlite: %s\n  PostgreSQL: %s\n  drydock:    %s\n",
				locale ? locale : "C", tc->pg, tc->sqlite, want, got);
			failures++;
		}
		free(got);
	}
	sqlite3_close(db);
	return failures;
}

static void test_cases_c(void **state)
{
	(void)state;
	int f = run_cases(NULL, 0);

	fprintf(stderr, "C: %zu cases, %d differences\n", ARRAY_SIZE(text_cases), f);
	assert_int_equal(f, 0);
}

static void test_cases_c_utf8(void **state)
{
	(void)state;
	int f = run_cases("C.UTF-8", 1);

	fprintf(stderr, "C.UTF-8: %zu cases, %d differences\n", ARRAY_SIZE(text_cases), f);
	assert_int_equal(f, 0);
}

/* One column of values sorted with a collation, joined with '|'. */
static char *sorted(sqlite3 *db, const char *values, const char *coll)
{
	char *sql = xasprintf("WITH v(x) AS (VALUES %s) "
			      "SELECT group_concat(x, '|') FROM (SELECT x FROM v ORDER BY x COLLATE %s)",
			      values, coll);
	char *out = eval(db, sql, NULL);

	free(sql);
	return out;
}

static void test_collations(void **state)
{
	sqlite3 *db = open_db(NULL);
	char *s;

	(void)state;
	/* byte order in C and C.UTF-8 (checked against PostgreSQL by hand:
	   SELECT x FROM (VALUES ...) v(x) ORDER BY x) */
	s = sorted(db, "('b'),('B'),('a'),('é'),('e'),('Z'),(''),('ab'),('a ')", "pg_text");
	assert_string_equal(s, "V:|B|Z|a|a |ab|b|e|é");
	free(s);
	/* char(n): trailing spaces do not count, so 'a ' ties with 'a' */
	s = eval(db, "'a  ' = 'a' COLLATE pg_bpchar", NULL);
	assert_string_equal(s, "V:1");
	free(s);
	s = eval(db, "'a' < 'a ' COLLATE pg_bpchar", NULL);
	assert_string_equal(s, "V:0");
	free(s);
	s = eval(db, "'a ' < 'a' COLLATE pg_text", NULL);
	assert_string_equal(s, "V:0");
	free(s);
	s = eval(db, "(WITH v(x) AS (VALUES ('ab'),('ab '),('ab  '),('abc')) SELECT count(DISTINCT x COLLATE pg_bpchar) FROM v)", NULL);
	assert_string_equal(s, "V:2");
	free(s);
	sqlite3_close(db);

	db = open_db("C.UTF-8");
	s = sorted(db, "('b'),('B'),('a'),('é'),('e'),('Z'),(''),('ab'),('a ')", "pg_text");
	assert_string_equal(s, "V:|B|Z|a|a |ab|b|e|é");
	free(s);
	sqlite3_close(db);
}

static void test_locale_choice(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_true(pgfn_text_collation_ok("C", &why));
	assert_true(pgfn_text_collation_ok("POSIX", &why));
	assert_true(pgfn_text_collation_ok("C.UTF-8", &why));
	assert_true(pgfn_text_collation_ok("C.utf8", &why));
	assert_false(pgfn_text_collation_ok("xx_NOWHERE.UTF-8", &why));
	assert_non_null(strstr(why, "cannot be reproduced"));
}

static void test_string_agg(void **state)
{
	sqlite3 *db = open_db(NULL);
	char *s;

	(void)state;
	/* SELECT string_agg(x, ',') FROM (VALUES ('a'),(NULL),('b'),('c')) v(x) -> a,b,c */
	s = eval(db, "(WITH v(x) AS (VALUES ('a'),(NULL),('b'),('c')) SELECT pg_string_agg(x, ',') FROM v)", NULL);
	assert_string_equal(s, "V:a,b,c");
	free(s);
	/* a NULL delimiter adds nothing: abc */
	s = eval(db, "(WITH v(x) AS (VALUES ('a'),('b'),('c')) SELECT pg_string_agg(x, NULL) FROM v)", NULL);
	assert_string_equal(s, "V:abc");
	free(s);
	/* no rows, or only NULLs: NULL */
	s = eval(db, "(WITH v(x) AS (VALUES (NULL),(NULL)) SELECT pg_string_agg(x, ',') FROM v)", NULL);
	assert_string_equal(s, "N");
	free(s);
	/* the first value's delimiter is not used: string_agg(x, d) over (a,'-'), (b,'+') = a+b */
	s = eval(db, "(WITH v(x, d) AS (VALUES ('a','-'),('b','+')) SELECT pg_string_agg(x, d) FROM v)", NULL);
	assert_string_equal(s, "V:a+b");
	free(s);
	s = eval(db, "(WITH v(x) AS (VALUES (X'01'),(X'0203')) SELECT pg_bytea_string_agg(x, X'00') FROM v)", NULL);
	assert_string_equal(s, "V:\\x01000203");
	free(s);
	sqlite3_close(db);
}

/* Every SQLite function the signature table names is registered. */
static void test_signatures(void **state)
{
	sqlite3 *db = open_db(NULL);

	(void)state;
	for (int i = 0; i < pgfn_text_module.nsigs; i++) {
		const struct pgfn_sig *sig = &pgfn_text_module.sigs[i];
		sqlite3_stmt *st = NULL;
		int found;

		assert_non_null(sig->sqlite_fn);
		assert_int_equal(sqlite3_prepare_v2(db, sig->kind == PGFN_SRF ?
						    "SELECT 1 FROM pragma_module_list WHERE name = ?" :
						    "SELECT 1 FROM pragma_function_list WHERE name = ?",
						    -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, sig->sqlite_fn, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!found)
			fail_msg("signature %d (%s) names unregistered %s", i,
				 sig->name ? sig->name : "cast", sig->sqlite_fn);
		assert_true(strncmp(sig->sqlite_fn, "pg_", 3) == 0);
	}
	sqlite3_close(db);
}

static void test_regex_check(void **state)
{
	char *why = NULL;

	(void)state;
	assert_int_equal(pgfn_regex_check("^a(b|c)+\\d{2,3}$", "", 0, 0, &why), 0);
	assert_null(why);
	assert_int_equal(pgfn_regex_check("a+?", NULL, 0, 0, &why), -1);
	assert_non_null(strstr(why, "non-greedy"));
	free(why);
	assert_int_equal(pgfn_regex_check("(a)\\1", NULL, 0, 0, &why), -1);
	assert_non_null(strstr(why, "back references"));
	free(why);
	assert_int_equal(pgfn_regex_check("a(?=b)", NULL, 0, 0, &why), -1);
	assert_non_null(strstr(why, "lookahead"));
	free(why);
	assert_int_equal(pgfn_regex_check("(a", NULL, 0, 0, &why), -1);
	assert_string_equal(why, "invalid regular expression: parentheses () not balanced");
	free(why);
	assert_int_equal(pgfn_regex_check("a", "gz", 1, 0, &why), -1);
	assert_string_equal(why, "invalid regular expression option: \"z\"");
	free(why);
	assert_int_equal(pgfn_regex_check("a", "g", 0, 0, &why), -1);
	free(why);
	assert_int_equal(pgfn_regex_check("a", "gi", 1, 0, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_c),
		cmocka_unit_test(test_cases_c_utf8),
		cmocka_unit_test(test_collations),
		cmocka_unit_test(test_locale_choice),
		cmocka_unit_test(test_string_agg),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_regex_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
