/*
 * Unit tests of the core modules: strbuf and quoting, SHA-256, COPY text
 * splitting, PostgreSQL type classification and text rendering, the plan
 * parser's errors, the staging file's identity checks.
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
#include <unistd.h>

#include "changeset.h"
#include "jsonb.h"
#include "pg.h"
#include "pgtype.h"
#include "plan.h"
#include "stage.h"
#include "util.h"

/* Silences stderr around calls that are expected to report errors. */
static int saved_stderr = -1;
static void quiet_begin(void)
{
	fflush(stderr);
	saved_stderr = dup(2);
	FILE *n = fopen("/dev/null", "w");
	dup2(fileno(n), 2);
	fclose(n);
}
static void quiet_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
}

/* ------------------------------------------------------------------ strbuf */

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	sb_adds(&sb, "abc");
	sb_addf(&sb, "-%d-", 42);
	sb_addch(&sb, 'z');
	assert_string_equal(sb.buf, "abc-42-z");
	assert_int_equal(sb.len, 8);
	for (int i = 0; i < 1000; i++)
		sb_adds(&sb, "0123456789");
	assert_int_equal(sb.len, 10008);
	sb_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	size_t len;
	char *s = sb_detach(&sb, &len);
	assert_int_equal(len, 3);
	assert_string_equal(sb.buf, "");
	free(s);
	sb_release(&sb);
}

static void test_quoting(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	sb_add_ident(&sb, "users");
	sb_addch(&sb, ' ');
	sb_add_ident(&sb, "select");
	sb_addch(&sb, ' ');
	sb_add_ident(&sb, "Weird \"col\"");
	sb_addch(&sb, ' ');
	sb_add_ident(&sb, "naïve");
	sb_addch(&sb, ' ');
	sb_add_literal(&sb, "it's \\ fine");
	assert_string_equal(sb.buf, "users \"select\" \"Weird \"\"col\"\"\" \"naïve\" 'it''s \\ fine'");
	sb_release(&sb);
}

static void test_redaction(void **state)
{
	(void)state;
	redact_register("hunter2secret");
	char *r = redact("password=hunter2secret host=x hunter2secret");
	assert_string_equal(r, "password=******** host=x ********");
	free(r);
}

static void test_sha256(void **state)
{
	struct sha256 c;
	unsigned char d[32];
	char hex[65];
	(void)state;
	sha256_init(&c);
	sha256_update(&c, "abc", 3);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_init(&c);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_json_string(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	sb_add_json_string(&sb, "a\"b\\c\n\t\x01 é", strlen("a\"b\\c\n\t\x01 é"));
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\t\\u0001 é\"");
	sb_release(&sb);
}

/* -------------------------------------------------------------------- COPY */

static void test_copy_split(void **state)
{
	char line[] = "1\t\\N\tplain\ttab\\there\\nnl\\\\bs\t\\x41\\101\t";
	char *vals[8];
	size_t lens[8];
	(void)state;
	int n = pg_copy_split(line, strlen(line), vals, lens, 8);
	assert_int_equal(n, 6);
	assert_int_equal(lens[0], 1);
	assert_memory_equal(vals[0], "1", 1);
	assert_null(vals[1]);
	assert_int_equal(lens[2], 5);
	assert_memory_equal(vals[2], "plain", 5);
	assert_int_equal(lens[3], strlen("tab\there\nnl\\bs"));
	assert_memory_equal(vals[3], "tab\there\nnl\\bs", lens[3]);
	assert_int_equal(lens[4], 2);
	assert_memory_equal(vals[4], "AA", 2);
	assert_int_equal(lens[5], 0); /* empty string, not NULL */
	assert_non_null(vals[5]);

	char lit[] = "\\\\N";            /* the text \N, escaped: not NULL */
	n = pg_copy_split(lit, strlen(lit), vals, lens, 8);
	assert_int_equal(n, 1);
	assert_non_null(vals[0]);
	assert_int_equal(lens[0], 2);
	assert_memory_equal(vals[0], "\\N", 2);
}

/* ------------------------------------------------------------------ pgtype */

static void test_pgtype_parse(void **state)
{
	struct pgtype t;
	(void)state;
	pgtype_parse("character varying(255)", 0, &t);
	assert_int_equal(t.kind, PGK_VARCHAR);
	assert_int_equal(t.len, 255);
	pgtype_parse("numeric(10,2)", 0, &t);
	assert_int_equal(t.kind, PGK_NUMERIC);
	assert_int_equal(t.precision, 10);
	assert_int_equal(t.scale, 2);
	pgtype_parse("timestamp(3) with time zone", 0, &t);
	assert_int_equal(t.kind, PGK_TIMESTAMPTZ);
	pgtype_parse("text[]", 0, &t);
	assert_int_equal(t.kind, PGK_TEXT);
	assert_true(t.is_array);
	pgtype_parse("character(3)", 0, &t);
	assert_int_equal(t.kind, PGK_CHAR);
	assert_int_equal(t.len, 3);
	pgtype_parse("bpchar", 0, &t);
	assert_int_equal(t.kind, PGK_CHAR);
	assert_int_equal(t.len, -1);
	pgtype_parse("character", 0, &t);
	assert_int_equal(t.len, 1);
	pgtype_parse("mood[]", 1, &t);
	assert_int_equal(t.kind, PGK_ENUM);
	pgtype_parse("geometry", 0, &t);
	assert_int_equal(t.kind, PGK_OTHER);
	pgtype_parse("bigint", 0, &t);
	assert_string_equal(pgtype_sqlite_decl(&t), "INTEGER");
	pgtype_parse("boolean", 0, &t);
	assert_string_equal(pgtype_sqlite_decl(&t), "");
}

/* Renders the result of an SQLite expression as text of type ft. */
static char *render(sqlite3 *db, const char *ft, const char *expr)
{
	struct pgtype t;
	struct strbuf out = STRBUF_INIT;
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT %s", expr);
	pgtype_parse(ft, 0, &t);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	if (pgtype_to_text(&t, sqlite3_column_value(st, 0), &out))
		sb_adds(&out, "<NULL>");
	sqlite3_finalize(st);
	free(sql);
	return sb_detach(&out, NULL);
}

static void test_pgtype_to_text(void **state)
{
	sqlite3 *db;
	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	static const char *cases[][3] = {
		{ "boolean", "1", "t" },       { "boolean", "0", "f" },
		{ "boolean", "'yes'", "t" },   { "boolean", "'FALSE'", "f" },
		{ "boolean", "true", "t" },    { "boolean", "'maybe'", "maybe" },
		{ "integer", "7.0", "7" },     { "integer", "'12'", "12" },
		{ "double precision", "0.1", "0.1" },
		{ "double precision", "1e300*1e300", "Infinity" },
		{ "bytea", "x'00ff'", "\\x00ff" },
		{ "text", "NULL", "<NULL>" },  { "numeric", "'1234.50'", "1234.50" },
		{ "bigint", "9223372036854775807", "9223372036854775807" },
		{ "jsonb", "json_object('b', 1, 'a', json('[1,2e1]'))", "{\"a\": [1, 20], \"b\": 1}" },
		{ "json", "'{\"b\":1,  \"a\":2}'", "{\"b\":1,  \"a\":2}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *r = render(db, cases[i][0], cases[i][1]);
		if (strcmp(r, cases[i][2]))
			fail_msg("%s of %s: got '%s', expected '%s'", cases[i][1],
				 cases[i][0], r, cases[i][2]);
		free(r);
	}
	sqlite3_close(db);
}

/* ------------------------------------------------------------------- jsonb */

/* Expected outputs are PostgreSQL 15's own ('...'::jsonb::text). */
static void test_jsonb_normalize(void **state)
{
	static const char *cases[][2] = {
		{ "{\"b\":1,\"a\":2,\"aa\":[1,2.50,{\"z\":null}],\"a\":3}",
		  "{\"a\": 3, \"b\": 1, \"aa\": [1, 2.50, {\"z\": null}]}" },
		{ "[1e2, 1.5e-1, -0, -0.0, 123.456e1, 0.001e-2, 1E+2, 10e-1]",
		  "[100, 0.15, 0, 0.0, 1234.56, 0.00001, 100, 1.0]" },
		{ "\"\\u00e9\\u0041\\n\\ud83d\\ude00\\/\"", "\"\u00e9A\\n\U0001F600/\"" },
		{ "  {\"x\" : { } , \"y\":[ ]} ", "{\"x\": {}, \"y\": []}" },
		{ "-12.3400e+3", "-12340.0" },
		{ "{\"long key\":1,\"a\":{\"bb\":true,\"b\":false}}",
		  "{\"a\": {\"b\": false, \"bb\": true}, \"long key\": 1}" },
	};
	static const char *invalid[] = { "{", "[1,]", "01", "\"\\u0000\"", "\"\\ud800\"", "1 2", "" };
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(jsonb_normalize(cases[i][0], strlen(cases[i][0]), &sb), 0);
		if (strcmp(sb.buf, cases[i][1]))
			fail_msg("%s: got %s, expected %s", cases[i][0], sb.buf, cases[i][1]);
		/* canonical text is a fixed point */
		char *again = xstrdup(sb.buf);
		assert_int_equal(jsonb_normalize(again, strlen(again), &sb), 0);
		assert_string_equal(sb.buf, again);
		free(again);
	}
	for (size_t i = 0; i < ARRAY_SIZE(invalid); i++)
		if (jsonb_normalize(invalid[i], strlen(invalid[i]), &sb) != -1)
			fail_msg("accepted invalid jsonb: %s", invalid[i]);
	sb_release(&sb);
}

/* -------------------------------------------------------------------- plan */

static char *write_plan(const char *json)
{
	char tmpl[] = "/tmp/dd-unit-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *path = path_join(dir, "plan.json");
	assert_int_equal(write_file_atomic(path, json, strlen(json)), 0);
	free(path);
	return xstrdup(dir);
}

static void remove_plan(char *dir)
{
	char *path = path_join(dir, "plan.json");
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_plan_ok(void **state)
{
	struct plan p;
	(void)state;
	char *dir = write_plan("{\"name\": \"x\", \"sources\": {"
			       "\"v1\": {\"tables\": [\"users\"]},"
			       "\"v2\": {\"target\": true, \"schema\": \"app\", \"tables\": "
			       "[\"users\", {\"name\": \"posts\", \"where\": \"id > 3\"}]}},"
			       "\"steps\": [{\"name\": \"a\", \"sql\": \"a.sql\", "
			       "\"batch\": {\"table\": \"users\", \"size\": 50}}]}");
	assert_int_equal(plan_load(dir, &p), 0);
	assert_string_equal(p.name, "x");
	assert_int_equal(p.nsources, 2);
	assert_string_equal(plan_target(&p)->name, "v2");
	assert_string_equal(plan_target(&p)->schema, "app");
	assert_string_equal(plan_target(&p)->tables[1].where, "id > 3");
	assert_int_equal(p.nsteps, 1);
	assert_int_equal(p.steps[0].batch_size, 50);
	plan_free(&p);
	remove_plan(dir);
}

static void test_plan_errors(void **state)
{
	static const char *bad[] = {
		"{\"name\": \"x\"",                                     /* truncated */
		"[]",                                                   /* not an object */
		"{\"sources\": {\"a\": {\"tables\": [\"t\"]}}}",        /* no name */
		"{\"name\": \"x\", \"sources\": {}}",                   /* no sources */
		"{\"name\": \"x\", \"sources\": {\"A b\": {\"tables\": [\"t\"]}}}",
		"{\"name\": \"x\", \"sources\": {\"dd\": {\"tables\": [\"t\"]}}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"tables\": [1]}}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"tables\": [\"t\", \"t\"]}}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"tables\": [\"t\"]}, \"b\": {\"tables\": [\"t\"]}}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"target\": true, \"tables\": [\"t\"]}, "
		"\"b\": {\"target\": true, \"tables\": [\"t\"]}}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"tables\": [\"t\"]}}, \"steps\": {}}",
		"{\"name\": \"x\", \"sources\": {\"a\": {\"tables\": [\"t\"]}}, "
		"\"steps\": [{\"name\": \"s\", \"sql\": \"a\"}, {\"name\": \"s\", \"sql\": \"b\"}]}",
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct plan p;
		char *dir = write_plan(bad[i]);
		quiet_begin();
		int r = plan_load(dir, &p);
		quiet_end();
		if (r != -1)
			fail_msg("plan %zu was accepted: %s", i, bad[i]);
		remove_plan(dir);
	}
}

/* ------------------------------------------------------------------- stage */

static void test_stage_refuses_foreign_files(void **state)
{
	sqlite3 *db;
	char path[] = "/tmp/dd-unit-stage-XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not sqlite at all", 17), 17);
	close(fd);
	quiet_begin();
	int r1 = stage_open(path, 1, &db);
	int r2 = stage_open("/nonexistent/x.db", 1, &db);
	quiet_end();
	unlink(path);
	assert_int_equal(r1, -1);
	assert_int_equal(r2, -1);

	/* created but not finished: refused as incomplete */
	char *p2 = xasprintf("%s.db", path);
	assert_int_equal(stage_create(p2, &db), 0);
	assert_int_equal(stage_exec(db, "COMMIT"), 0);
	sqlite3_close(db);
	quiet_begin();
	r1 = stage_open(p2, 1, &db);
	quiet_end();
	assert_int_equal(r1, -1);
	/* an older format (its catalog lacks columns): refused, re-snapshot */
	assert_int_equal(sqlite3_open(p2, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL);
	sqlite3_close(db);
	quiet_begin();
	r1 = stage_open(p2, 1, &db);
	quiet_end();
	assert_int_equal(r1, -1);
	assert_int_equal(sqlite3_open(p2, &db), SQLITE_OK);
	char *pragma = xasprintf("PRAGMA user_version = %d", STAGE_FORMAT_VERSION);
	sqlite3_exec(db, pragma, NULL, NULL, NULL);
	free(pragma);
	sqlite3_close(db);
	assert_int_equal(stage_open(p2, 1, &db), 0);
	stage_close(db);
	unlink(p2);
	free(p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_copy_split),
		cmocka_unit_test(test_pgtype_parse),
		cmocka_unit_test(test_pgtype_to_text),
		cmocka_unit_test(test_jsonb_normalize),
		cmocka_unit_test(test_plan_ok),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_stage_refuses_foreign_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
