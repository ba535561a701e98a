/*
 * Unit tests for checks.c: parsing of plan "checks" and "gates", and the
 * rule approve and push rely on (checks_require_clean).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "checks.h"

static char dir[] = "/tmp/dd-unit-checks.XXXXXX";

static int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Parses text as plan.json's checks/gates; returns checks_parse's result. */
static int parse(const char *json, struct checks *c)
{
	struct plan p = { 0 };
	int r;
	p.dir = dir;
	p.path = "plan.json";
	p.root = cJSON_Parse(json);
	assert_non_null(p.root);
	r = checks_parse(&p, c);
	cJSON_Delete(p.root);
	return r;
}

static void test_check_defaults_and_files(void **state)
{
	struct checks c;
	char path[256];
	FILE *f;
	(void)state;
	snprintf(path, sizeof(path), "%s/orphans.sql", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("SELECT id FROM avatars WHERE owner_user_id IS NULL\n", f);
	fclose(f);
	assert_int_equal(parse("{\"checks\": [{\"name\": \"a\", \"sql\": \"SELECT 1\"},"
			       "{\"name\": \"b\", \"sql\": \"orphans.sql\", \"severity\": \"warn\","
			       " \"when\": \"both\", \"fix\": \"DELETE FROM avatars\", \"key\": [\"id\"]}]}",
			       &c),
			 0);
	assert_int_equal(c.nchecks, 2);
	assert_int_equal(c.checks[0].is_error, 1);
	assert_int_equal(c.checks[0].when, WHEN_AFTER);
	assert_string_equal(c.checks[0].sql, "SELECT 1");
	assert_null(c.checks[0].fix_sql);
	assert_int_equal(c.checks[1].is_error, 0);
	assert_int_equal(c.checks[1].when, WHEN_BEFORE | WHEN_AFTER);
	assert_non_null(strstr(c.checks[1].sql, "owner_user_id IS NULL"));
	assert_string_equal(c.checks[1].sql_from, path);
	assert_string_equal(c.checks[1].fix_sql, "DELETE FROM avatars");
	assert_int_equal(c.checks[1].nkey, 1);
	checks_free(&c);
	assert_int_equal(c.nchecks, 0);
}

static void test_gate_kinds(void **state)
{
	struct checks c;
	(void)state;
	assert_int_equal(parse("{\"gates\": ["
			       "{\"table\": \"posts\", \"max_deletes\": 0},"
			       "{\"table\": \"users\", \"where\": \"platform = 'android'\", \"max_updates\": 0},"
			       "{\"max_rows\": 5000},"
			       "{\"name\": \"n\", \"invariant\": \"SELECT count(*) FROM users\", \"relation\": \"<>\", \"delta\": 2}]}",
			       &c),
			 0);
	assert_int_equal(c.ngates, 4);
	assert_int_equal(c.gates[0].kind, GATE_TABLE);
	assert_string_equal(c.gates[0].name, "posts");
	assert_int_equal(c.gates[0].max_deletes, 0);
	assert_int_equal(c.gates[0].max_updates, -1);
	assert_string_equal(c.gates[1].name, "users where platform = 'android'");
	assert_int_equal(c.gates[2].kind, GATE_TOTAL);
	assert_string_equal(c.gates[2].name, "change set");
	assert_int_equal(c.gates[3].kind, GATE_INVARIANT);
	assert_string_equal(c.gates[3].relation, "!=");
	assert_true(c.gates[3].delta == 2.0);
	checks_free(&c);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"{\"checks\": 1}",
		"{\"checks\": [{\"name\": \"a\"}]}",
		"{\"checks\": [{\"name\": \"a\", \"sql\": \"  \"}]}",
		"{\"checks\": [{\"name\": \"a\", \"sql\": \"UPDATE t SET x = 1\"}]}",
		"{\"checks\": [{\"name\": \"a\", \"sql\": \"missing.sql\"}]}",
		"{\"checks\": [{\"name\": \"a\", \"sql\": \"SELECT 1\", \"when\": \"before\", \"fix\": \"x\"}]}",
		"{\"checks\": [{\"name\": \"a\", \"sql\": \"SELECT 1\", \"key\": [1]}]}",
		"{\"gates\": {}}",
		"{\"gates\": [{\"table\": \"t\", \"max_inserts\": \"5\"}]}",
		"{\"gates\": [{\"table\": \"t\", \"max_inserts\": 1, \"relation\": \"=\"}]}",
		"{\"gates\": [{\"name\": \"i\", \"invariant\": \"SELECT 1\", \"delta\": \"x\"}]}",
		"{\"gates\": [{\"name\": \"i\", \"invariant\": \"SELECT 1\", \"max_rows\": 1}]}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct checks c;
		int r = parse(bad[i], &c);
		if (r != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(c.nchecks, 0);
		assert_int_equal(c.ngates, 0);
	}
}

/* A staging file with a change set of hash h (NULL: none) and check runs. */
static sqlite3 *stage_with(const char *h)
{
	char path[256];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/s%d.db", dir, rand());
	assert_int_equal(stage_create(path, &db), 0);
	if (h) {
		char *sql = sqlite3_mprintf("INSERT INTO dd_changeset VALUES (1, %Q, 1, 'now', 0, 0, 0, 0)", h);
		assert_int_equal(stage_exec(db, sql), 0);
		sqlite3_free(sql);
	}
	return db;
}

static void add_check_run(sqlite3 *db, const char *hash, int errors)
{
	char *sql = sqlite3_mprintf("INSERT INTO dd_check_run (at, run, changeset_hash, phase, errors, "
				    "warnings, passed) VALUES ('now', 1, %Q, 'all', %d, 0, 3)",
				    hash, errors);
	assert_int_equal(stage_exec(db, sql), 0);
	sqlite3_free(sql);
}

static void test_require_clean(void **state)
{
	long long id = -1;
	sqlite3 *db;
	(void)state;

	db = stage_with(NULL);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1); /* no change set */
	sqlite3_close(db);

	db = stage_with("aaaa");
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1); /* never checked */
	add_check_run(db, "bbbb", 0);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1); /* older change set */
	add_check_run(db, NULL, 0);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1); /* checked nothing */
	add_check_run(db, "aaaa", 2);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1); /* errors */
	add_check_run(db, "aaaa", 0);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 0);
	assert_int_equal(id, 4);
	assert_int_equal(stage_set_meta(db, "changeset_stale", "1"), 0); /* interrupted --fix */
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1);
	assert_int_equal(stage_set_meta(db, "changeset_stale", ""), 0);
	assert_int_equal(checks_require_clean(db, "s.db", &id), 0);
	add_check_run(db, "aaaa", 1); /* only the latest counts */
	assert_int_equal(checks_require_clean(db, "s.db", &id), 1);
	assert_int_equal(id, 0);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_defaults_and_files),
		cmocka_unit_test(test_gate_kinds),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_require_clean),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
