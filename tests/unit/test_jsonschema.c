/*
 * Unit tests for jsonschema.c (the validator behind schema/plan.schema.json)
 * and for the plan schema itself: typos are errors with their path and a
 * "did you mean", all errors are reported at once, the shipped examples
 * are valid.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jsonschema.h"
#include "plan.h"
#include "util.h"

extern const char schema_plan_json[];

static int count_errors(const char *schema_text, const char *json, struct jsonschema_result *res)
{
	cJSON *s = cJSON_Parse(schema_text), *v = cJSON_Parse(json);
	int n;
	assert_non_null(s);
	assert_non_null(v);
	n = jsonschema_validate(s, v, res);
	cJSON_Delete(s);
	cJSON_Delete(v);
	return n;
}

static int has_error(const struct jsonschema_result *r, const char *path, const char *msg_part)
{
	for (int i = 0; i < r->nerrors; i++)
		if (!strcmp(r->errors[i].path, path) && strstr(r->errors[i].message, msg_part))
			return 1;
	return 0;
}

static void test_keywords(void **state)
{
	static const char schema[] =
		"{\"type\": \"object\", \"required\": [\"a\"], \"additionalProperties\": false,"
		" \"properties\": {\"a\": {\"type\": \"integer\", \"minimum\": 1},"
		"  \"b\": {\"type\": \"array\", \"minItems\": 1, \"items\": {\"$ref\": \"#/$defs/s\"}},"
		"  \"c\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"object\", \"required\": [\"k\"]}]},"
		"  \"d\": {\"enum\": [\"x\", \"y\"]}},"
		" \"$defs\": {\"s\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}}}";
	struct jsonschema_result r;
	(void)state;

	assert_int_equal(count_errors(schema, "{\"a\": 2, \"b\": [\"ok\"], \"c\": \"s\", \"d\": \"y\"}", &r), 0);
	jsonschema_result_free(&r);
	assert_int_equal(count_errors(schema, "{\"a\": 1.5, \"b\": [\"ok\", \"NO\", 3], \"c\": {}, "
					      "\"d\": \"z\", \"bb\": 1}", &r), 6);
	assert_true(has_error(&r, "a", "must be an integer"));
	assert_true(has_error(&r, "b[1]", "expected form"));
	assert_true(has_error(&r, "b[2]", "must be a string"));
	assert_true(has_error(&r, "c", "\"k\" is required"));
	assert_true(has_error(&r, "d", "must be one of \"x\", \"y\""));
	assert_true(has_error(&r, "bb", "did you mean \"b\"?"));
	jsonschema_result_free(&r);
	assert_int_equal(count_errors(schema, "{\"b\": [], \"c\": 4}", &r), 3);
	assert_true(has_error(&r, "", "\"a\" is required"));
	assert_true(has_error(&r, "b", "must not be empty"));
	assert_true(has_error(&r, "c", "must be a string or an object"));
	jsonschema_result_free(&r);
}

static void test_closest_word(void **state)
{
	static const char *const words[] = { "gates", "steps", "lock_timeout", "name" };
	(void)state;
	assert_string_equal(closest_word("gate", words, 4), "gates");
	assert_string_equal(closest_word("step", words, 4), "steps");
	assert_string_equal(closest_word("lock_timout", words, 4), "lock_timeout");
	assert_null(closest_word("zzzzzz", words, 4));
	assert_null(closest_word("ab", words, 4));
}

static void test_plan_typos(void **state)
{
	struct jsonschema_result r;
	(void)state;
	assert_int_equal(count_errors(schema_plan_json,
		"{\"name\": \"p\", \"sources\": {\"app\": {\"tables\": [\"t\"]}},"
		" \"step\": [], \"gate\": [], \"push\": {\"lock_timout\": \"5s\"},"
		" \"steps\": [{\"name\": \"s\", \"sql\": \"s.sql\", \"dialect\": \"postgresql\"}]}", &r), 3);
	assert_true(has_error(&r, "step", "did you mean \"steps\"?"));
	assert_true(has_error(&r, "gate", "did you mean \"gates\"?"));
	assert_true(has_error(&r, "push.lock_timout", "did you mean \"lock_timeout\"?"));
	jsonschema_result_free(&r);
	/* a step may say its dialect; nothing else */
	assert_int_equal(count_errors(schema_plan_json,
		"{\"name\": \"p\", \"sources\": {\"app\": {\"tables\": [\"t\"]}},"
		" \"steps\": [{\"name\": \"s\", \"sql\": \"s.sql\", \"dialect\": \"sqlite\"}]}", &r), 0);
	jsonschema_result_free(&r);
	/* schema changes are judged by their op */
	assert_int_equal(count_errors(schema_plan_json,
		"{\"name\": \"p\", \"sources\": {\"app\": {\"tables\": [\"t\"]}},"
		" \"schema_changes\": [{\"op\": \"drop_column\", \"table\": \"t\", \"column\": \"c\", \"type\": \"int\"},"
		"  {\"op\": \"target_sql\", \"sql\": \"x\", \"rollback_sql\": \"y\"}]}", &r), 1);
	assert_true(has_error(&r, "schema_changes[0].type", "unknown key"));
	jsonschema_result_free(&r);
}

/* Every plan shipped in examples/ is valid (the suite runs from the tree). */
static void test_examples_are_valid(void **state)
{
	static const char *const dirs[] = { "examples/avatars", "examples/backfill",
		"examples/backfill/to-cloud", "examples/baseline", "examples/uuid-ids",
		"examples/v1-to-v2", "examples/v1-to-v2/one-user" };
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct plan p;
		if (plan_load(dirs[i], &p))
			fail_msg("%s/plan.json is not valid", dirs[i]);
		plan_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_closest_word),
		cmocka_unit_test(test_plan_typos),
		cmocka_unit_test(test_examples_are_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
