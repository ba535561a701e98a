/*
 * Unit tests for jsonutil.c: the one canonical key order (it feeds the
 * change-set hash through schema_change_canonical) and the typed getters.
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

#include "jsonutil.h"
#include "util.h"

static char *sorted(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	char *s;
	assert_non_null(v);
	json_sort_keys(v);
	s = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return s;
}

static void test_sort_is_stable_and_recursive(void **state)
{
	char *s;
	(void)state;
	s = sorted("{\"b\":1,\"a\":{\"z\":[{\"y\":1,\"x\":2}],\"c\":0},\"a\":3,\"A\":4}");
	/* byte order (A before a), duplicates keep their order, arrays keep theirs */
	assert_string_equal(s, "{\"A\":4,\"a\":{\"c\":0,\"z\":[{\"x\":2,\"y\":1}]},\"a\":3,\"b\":1}");
	free(s);
	/* many equal keys: qsort alone may reorder them; the result must not */
	{
		struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
		sb_adds(&in, "{");
		sb_adds(&want, "{");
		for (int i = 0; i < 200; i++) {
			sb_addf(&in, "%s\"k\":%d", i ? "," : "", i);
			sb_addf(&want, "%s\"k\":%d", i ? "," : "", i);
		}
		sb_adds(&in, ",\"a\":0}");
		sb_adds(&want, "}");
		s = sorted(in.buf);
		assert_string_equal(s + 7, want.buf + 1); /* after {"a":0, */
		assert_memory_equal(s, "{\"a\":0,", 7);
		free(s);
		sb_release(&in);
		sb_release(&want);
	}
}

static void test_getters(void **state)
{
	cJSON *o = cJSON_Parse("{\"s\":\"x\",\"n\":2.5,\"b\":true,\"z\":null}");
	(void)state;
	assert_string_equal(jstr(o, "s"), "x");
	assert_null(jstr(o, "n"));
	assert_string_equal(jstr_or(o, "missing", "d"), "d");
	assert_true(jnum_or(o, "n", 0) == 2.5);
	assert_true(jnum_or(o, "s", -1) == -1);
	assert_int_equal(jbool(o, "b", 0), 1);
	assert_int_equal(jbool(o, "z", 7), 7);
	assert_null(jget(NULL, "s"));
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_is_stable_and_recursive),
		cmocka_unit_test(test_getters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
