/*
 * Unit tests of the json/jsonb, array and range runtime modules
 * (src/sql/fn_json.c, fn_array.c, fn_range.c): every case's expected answer
 * comes from PostgreSQL 15 (tests/gen/gen-fn-cases.sh regenerates them).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgfn.h"
#include "util.h"
#include "fn_cases.h"
#include "fn_json_cases.h"
#include "fn_array_cases.h"
#include "fn_range_cases.h"

static const struct {
	const char *name;
	int value;
} type_tokens[] = {
	{ "INT2", PGK_INT2 }, { "INT4", PGK_INT4 }, { "INT8", PGK_INT8 }, { "BOOL", PGK_BOOL },
	{ "FLOAT4", PGK_FLOAT4 }, { "FLOAT8", PGK_FLOAT8 }, { "NUMERIC", PGK_NUMERIC },
	{ "TEXT", PGK_TEXT }, { "VARCHAR", PGK_VARCHAR }, { "UUID", PGK_UUID }, { "JSONB", PGK_JSONB },
	{ "JSON", PGK_JSON }, { "DATE", PGK_DATE }, { "TIMESTAMPTZ", PGK_TIMESTAMPTZ },
	{ "TIMESTAMP", PGK_TIMESTAMP }, { "TIME", PGK_TIME }, { "INTERVAL", PGK_INTERVAL },
	{ "INT4RANGE", PGK_INT4RANGE }, { "INT8RANGE", PGK_INT8RANGE }, { "NUMRANGE", PGK_NUMRANGE },
	{ "DATERANGE", PGK_DATERANGE }, { "TSRANGE", PGK_TSRANGE }, { "TSTZRANGE", PGK_TSTZRANGE },
	{ "UNKNOWN", PGK_UNKNOWN }, { "ARRAY", PGT_ARRAY },
};

/* Replaces $NAME tokens by their enum values (outside string literals). */
static void expand_tokens(const char *in, struct strbuf *out)
{
	int quoted = 0;
	sb_reset(out);
	for (const char *p = in; *p;) {
		if (*p == '\'')
			quoted = !quoted;
		if (!quoted && *p == '$') {
			size_t best = 0;
			int value = 0;
			for (size_t i = 0; i < ARRAY_SIZE(type_tokens); i++) {
				size_t l = strlen(type_tokens[i].name);
				if (!strncmp(p + 1, type_tokens[i].name, l) && l > best) {
					best = l;
					value = type_tokens[i].value;
				}
			}
			if (best) {
				sb_addf(out, "%d", value);
				p += 1 + best;
				continue;
			}
		}
		sb_addch(out, *p++);
	}
}

static int run_cases(const struct fn_case *cases, size_t n)
{
	sqlite3 *db;
	struct strbuf sql = STRBUF_INIT, got = STRBUF_INIT;
	int failures = 0;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(pgfn_register_all(db), 0);
	for (size_t i = 0; i < n; i++) {
		const struct fn_case *c = &cases[i];
		sqlite3_stmt *st = NULL;
		char kind = 'V';
		int rc;
		expand_tokens(c->sqlite, &sql);
		sb_reset(&got);
		{
			struct strbuf q = STRBUF_INIT;
			sb_addf(&q, "SELECT %s", sql.buf);
			rc = sqlite3_prepare_v2(db, q.buf, -1, &st, NULL);
			sb_release(&q);
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			switch (sqlite3_column_type(st, 0)) {
			case SQLITE_NULL:
				kind = 'N';
				break;
			case SQLITE_INTEGER:
				sb_addf(&got, "%lld", (long long)sqlite3_column_int64(st, 0));
				break;
			default:
				sb_add(&got, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
			}
		} else {
			kind = 'E';
			sb_adds(&got, sqlite3_errmsg(db));
		}
		sqlite3_finalize(st);
		if (kind != c->kind || (kind != 'N' && strcmp(got.buf, c->expect))) {
			failures++;
			fprintf(stderr, "FAIL %s\n  sqlite: %s\n  want %c [%s]\n  got  %c [%s]\n",
				c->pg, sql.buf, c->kind, c->expect, kind, got.buf);
		}
	}
	fprintf(stderr, "%zu cases, %d failures\n", n, failures);
	sb_release(&sql);
	sb_release(&got);
	sqlite3_close(db);
	return failures;
}

static void test_json_cases(void **state)
{
	(void)state;
	assert_int_equal(run_cases(fn_json_cases, ARRAY_SIZE(fn_json_cases)), 0);
}

static void test_array_cases(void **state)
{
	(void)state;
	assert_int_equal(run_cases(fn_array_cases, ARRAY_SIZE(fn_array_cases)), 0);
}

static void test_range_cases(void **state)
{
	(void)state;
	assert_int_equal(run_cases(fn_range_cases, ARRAY_SIZE(fn_range_cases)), 0);
}

/* Every signature names an SQLite function, aggregate or table the module registered. */
static void test_signatures_registered(void **state)
{
	sqlite3 *db;
	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(pgfn_register_all(db), 0);
	for (int m = 0; pgfn_modules[m]; m++) {
		const struct pgfn_module *mod = pgfn_modules[m];
		for (int i = 0; i < mod->nsigs; i++) {
			const struct pgfn_sig *s = &mod->sigs[i];
			char *q;
			int rc;
			sqlite3_stmt *st = NULL;
			if (s->kind == PGFN_SRF)
				q = sqlite3_mprintf("SELECT * FROM %s LIMIT 0", s->sqlite_fn);
			else
				q = sqlite3_mprintf("SELECT 1 FROM pragma_function_list WHERE name = '%q'", s->sqlite_fn);
			rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
			if (rc == SQLITE_OK && s->kind != PGFN_SRF)
				rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : SQLITE_ERROR;
			if (rc != SQLITE_OK && !(s->kind == PGFN_SRF))
				fprintf(stderr, "%s: %s not registered\n", mod->name, s->sqlite_fn);
			if (s->kind != PGFN_SRF)
				assert_int_equal(rc, SQLITE_OK);
			sqlite3_finalize(st);
			sqlite3_free(q);
		}
		for (int i = 0; i < mod->norders; i++)
			if (mod->orders[i].collation) {
				char *q = sqlite3_mprintf("SELECT 'a' < 'b' COLLATE \"%w\"", mod->orders[i].collation);
				sqlite3_stmt *st = NULL;
				assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
				sqlite3_finalize(st);
				sqlite3_free(q);
			}
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures_registered),
		cmocka_unit_test(test_json_cases),
		cmocka_unit_test(test_array_cases),
		cmocka_unit_test(test_range_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
