/*
 * Unit tests for checkexpr: which CHECK constraints drydock translates to
 * SQLite, into what, and which it refuses (verified on the target).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "checkexpr.h"

static struct table_meta tbl;
static struct column_meta cols[] = {
	{ .name = "id", .pg_type = "integer" },
	{ .name = "price", .pg_type = "numeric(10,2)" },
	{ .name = "status", .pg_type = "text" },
	{ .name = "code", .pg_type = "character varying(10)" },
	{ .name = "born", .pg_type = "date" },
	{ .name = "flag", .pg_type = "boolean" },
	{ .name = "Mixed Case", .pg_type = "integer" },
	{ .name = "pad", .pg_type = "character(3)" },
	{ .name = "doc", .pg_type = "jsonb" },
	{ .name = "at", .pg_type = "timestamp with time zone" },
};

static int setup(void **state)
{
	(void)state;
	memset(&tbl, 0, sizeof(tbl));
	tbl.name = "items";
	tbl.cols = cols;
	tbl.ncols = (int)(sizeof(cols) / sizeof(cols[0]));
	table_parse_types(&tbl);
	return 0;
}

/* Translates def; returns the SQL (static buffer) or NULL with why in whybuf. */
static char whybuf[256];
static int usedbuf[32];
static const char *tr(const char *def)
{
	static char out[1024];
	struct strbuf sb = STRBUF_INIT;
	int r;
	memset(usedbuf, 0, sizeof(usedbuf));
	r = checkexpr_translate(def, &tbl, "w", &sb, usedbuf, whybuf, sizeof(whybuf));
	snprintf(out, sizeof(out), "%s", sb.buf);
	sb_release(&sb);
	return r ? NULL : out;
}

static void test_numeric_comparisons(void **state)
{
	(void)state;
	assert_string_equal(tr("CHECK ((id > 0))"), "(w.\"id\" > 0)");
	assert_int_equal(usedbuf[0], 1);
	assert_int_equal(usedbuf[1], 0);
	assert_string_equal(tr("CHECK ((price >= (0)::numeric))"),
			    "(CAST(w.\"price\" AS REAL) >= 0)");
	assert_string_equal(tr("CHECK ((price > '1.5'::numeric))"),
			    "(CAST(w.\"price\" AS REAL) > 1.5)");
	assert_string_equal(tr("CHECK (((id >= 1) AND (id <= 5)))"),
			    "((w.\"id\" >= 1) AND (w.\"id\" <= 5))");
	assert_string_equal(tr("CHECK (((id + 1) * 2 < 100))"),
			    "(((w.\"id\" + 1) * 2) < 100)");
	assert_string_equal(tr("CHECK ((\"Mixed Case\" <> '-1'::integer))"),
			    "(w.\"Mixed Case\" <> -1)");
	assert_int_equal(usedbuf[6], 1);
	assert_string_equal(tr("CHECK ((id > (- 1)))"), "(w.\"id\" > (-1))");
}

static void test_text_and_lists(void **state)
{
	(void)state;
	assert_string_equal(tr("CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))"),
			    "(CAST(w.\"status\" AS TEXT) IN ('a', 'b'))");
	assert_string_equal(
		tr("CHECK (((code)::text = ANY ((ARRAY['x'::character varying, 'y''z'::character varying])::text[])))"),
		"(CAST(w.\"code\" AS TEXT) IN ('x', 'y''z'))");
	assert_string_equal(tr("CHECK ((status <> ALL (ARRAY['gone'::text])))"),
			    "(CAST(w.\"status\" AS TEXT) NOT IN ('gone'))");
	assert_string_equal(tr("CHECK ((char_length(status) <= 50))"),
			    "(length(CAST(w.\"status\" AS TEXT)) <= 50)");
	assert_string_equal(tr("CHECK ((btrim(status) <> ''::text))"),
			    "(trim(CAST(w.\"status\" AS TEXT)) <> '')");
	assert_string_equal(tr("CHECK ((id IN (1, 2, 3)))"), "(w.\"id\" IN (1, 2, 3))");
	assert_string_equal(tr("CHECK ((id NOT IN (1, 2)))"), "(w.\"id\" NOT IN (1, 2))");
}

static void test_nulls_and_logic(void **state)
{
	(void)state;
	assert_string_equal(tr("CHECK (((born IS NOT NULL) OR (status IS NULL)))"),
			    "((w.\"born\" IS NOT NULL) OR (CAST(w.\"status\" AS TEXT) IS NULL))");
	assert_string_equal(tr("CHECK ((NOT (id = 3)))"), "(NOT (w.\"id\" = 3))");
	assert_string_equal(tr("CHECK ((id > 0)) NOT VALID"), "(w.\"id\" > 0)");
	assert_string_equal(tr("CHECK ((id > 0)) NO INHERIT"), "(w.\"id\" > 0)");
}

#define BOOL_FLAG "(CASE WHEN w.\"flag\" IS NULL THEN NULL WHEN typeof(w.\"flag\") IN ('integer', 'real') THEN w.\"flag\" <> 0 ELSE lower(trim(w.\"flag\")) IN ('t', 'true', 'y', 'yes', 'on', '1') END)"

static void test_functions_and_booleans(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char why[128];
	(void)state;
	assert_string_equal(tr("CHECK ((POSITION(('@'::text) IN (status)) > 1))"),
			    "(instr(CAST(w.\"status\" AS TEXT), '@') > 1)");
	assert_string_equal(tr("CHECK ((strpos(status, '@'::text) > 1))"),
			    "(instr(CAST(w.\"status\" AS TEXT), '@') > 1)");
	assert_string_equal(tr("CHECK (flag)"), BOOL_FLAG);
	assert_int_equal(usedbuf[5], 1);
	assert_string_equal(tr("CHECK (((NOT flag) OR (id > 0)))"), "((NOT " BOOL_FLAG ") OR (w.\"id\" > 0))");
	assert_string_equal(tr("CHECK ((flag IS NOT TRUE))"), "(" BOOL_FLAG " IS NOT 1)");
	assert_string_equal(tr("CHECK ((flag = false))"), "(" BOOL_FLAG " = 0)");
	assert_null(tr("CHECK ((flag > false))"));
	assert_null(tr("CHECK ((position('a'::text IN (id)) > 0))"));
	assert_null(tr("CHECK ((upper(status) = status))"));
	assert_non_null(strstr(whybuf, "the function upper()"));
	/* a partial index's condition */
	memset(usedbuf, 0, sizeof(usedbuf));
	assert_int_equal(checkexpr_translate_condition("flag", &tbl, "w", &sb, usedbuf, why, sizeof(why)), 0);
	assert_string_equal(sb.buf, BOOL_FLAG);
	sb_reset(&sb);
	assert_int_equal(checkexpr_translate_condition("(born IS NOT NULL)", &tbl, "w", &sb, usedbuf, why, sizeof(why)), 0);
	assert_string_equal(sb.buf, "(w.\"born\" IS NOT NULL)");
	sb_reset(&sb);
	assert_int_equal(checkexpr_translate_condition("(born > now())", &tbl, "w", &sb, usedbuf, why, sizeof(why)), 1);
	assert_int_equal(checkexpr_translate_condition("id", &tbl, "w", &sb, usedbuf, why, sizeof(why)), 1);
	sb_release(&sb);
}

#define DOC_TYPE(path) "(CASE WHEN json_valid(w.\"doc\") THEN json_type(w.\"doc\", '" path "') END)"

static void test_json(void **state)
{
	(void)state;
	assert_string_equal(tr("CHECK ((jsonb_typeof(doc) = 'array'::text))"),
			    "((CASE " DOC_TYPE("$") " WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' "
			    "WHEN 'real' THEN 'number' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' "
			    "ELSE " DOC_TYPE("$") " END) = 'array')");
	assert_int_equal(usedbuf[8], 1);
	assert_non_null(tr("CHECK ((jsonb_typeof((doc -> 'widgets'::text)) = 'array'::text))"));
	assert_non_null(strstr(tr("CHECK ((jsonb_typeof((doc -> 'widgets'::text)) = 'array'::text))"),
			       "json_type(w.\"doc\", '$.\"widgets\"')"));
	assert_non_null(strstr(tr("CHECK ((jsonb_typeof(((doc -> 'a'::text) -> 0)) <> 'null'::text))"),
			       "'$.\"a\"[0]'"));
	assert_string_equal(tr("CHECK (((doc -> 'k'::text) IS NOT NULL))"), "(" DOC_TYPE("$.\"k\"") " IS NOT NULL)");
	assert_string_equal(tr("CHECK ((doc IS NOT NULL))"), "(w.\"doc\" IS NOT NULL)");
	assert_null(tr("CHECK (((doc ->> 'k'::text) = 'x'::text))"));
	assert_non_null(strstr(whybuf, "'->>'"));
	assert_null(tr("CHECK (((doc -> 'a b'::text) IS NULL))"));
	assert_null(tr("CHECK ((doc = '{}'::jsonb))"));
	assert_null(tr("CHECK ((jsonb_typeof(status) = 'array'::text))"));
}

static void test_messages(void **state)
{
	(void)state;
	assert_null(tr("CHECK ((at >= born))"));
	assert_string_equal(whybuf, "'>=' between timestamp with time zone values and date values");
	assert_null(tr("CHECK ((at > at))"));
	assert_string_equal(whybuf, "'>' between timestamp with time zone values");
}

static void test_refused(void **state)
{
	(void)state;
	assert_null(tr("CHECK ((status ~* '^[a-z]+$'::text))"));
	assert_non_null(strstr(whybuf, "pattern"));
	assert_null(tr("CHECK ((born > '2000-01-01'::date))"));
	assert_null(tr("CHECK ((status > 'a'::text))"));
	assert_non_null(strstr(whybuf, "collation"));
	assert_null(tr("CHECK ((lower(status) = status))"));
	assert_non_null(strstr(whybuf, "lower"));
	assert_null(tr("CHECK ((id / 2 > 1))"));
	assert_null(tr("CHECK (((price)::integer > 1))"));
	assert_non_null(strstr(whybuf, "rounding"));
	assert_null(tr("CHECK ((nosuch > 1))"));
	assert_null(tr("CHECK ((pad = 'ab'::bpchar))"));
	assert_null(tr("CHECK ((id > 0)"));
	assert_null(tr("UNIQUE (id)"));
	assert_null(tr("CHECK ((status = 5))"));
	assert_null(tr("CHECK ((id > 99999999999999999999))"));
	assert_null(tr(""));
	assert_null(tr(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_numeric_comparisons, setup),
		cmocka_unit_test_setup(test_text_and_lists, setup),
		cmocka_unit_test_setup(test_nulls_and_logic, setup),
		cmocka_unit_test_setup(test_functions_and_booleans, setup),
		cmocka_unit_test_setup(test_json, setup),
		cmocka_unit_test_setup(test_messages, setup),
		cmocka_unit_test_setup(test_refused, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
