/*
 * Unit tests for checks.c: parsing of plan "checks" and "gates".  The
 * rule approve and push rely on is tested in test_book.c.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_defaults_and_files),
		cmocka_unit_test(test_gate_kinds),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
