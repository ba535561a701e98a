/*
 * Unit tests for the report helpers: canonical key order and printing,
 * number formatting, HTML escaping, the differing part of two values, and
 * the renderers' escaping of hostile values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_profile.h"

static void test_sort_keys_recursive(void **state)
{
	(void)state;
	cJSON *o = cJSON_Parse("{\"b\":1,\"a\":{\"z\":[{\"y\":1,\"x\":2}],\"c\":3},\"B\":0}");
	json_sort_keys(o);
	char *s = cJSON_PrintUnformatted(o);
	assert_string_equal(s, "{\"B\":0,\"a\":{\"c\":3,\"z\":[{\"x\":2,\"y\":1}]},\"b\":1}");
	/* the list stays well formed: the last element is reachable from the first's prev */
	assert_ptr_equal(o->child->prev, cJSON_GetObjectItemCaseSensitive(o, "b"));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "b")->next);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void test_canonical_printing(void **state)
{
	(void)state;
	cJSON *o = cJSON_Parse("{\"n\":[1,2.5,\"x\"],\"e\":{},\"a\":[],\"o\":[{\"k\":null}],\"big\":3000000000,\"f\":33.3,\"u\":\"\xc3\xa9\\n\"}");
	json_sort_keys(o);
	char *s = report_render_json(o);
	assert_string_equal(s,
		"{\n"
		"  \"a\": [],\n"
		"  \"big\": 3000000000,\n"
		"  \"e\": {},\n"
		"  \"f\": 33.3,\n"
		"  \"n\": [1, 2.5, \"x\"],\n"
		"  \"o\": [\n"
		"    {\n"
		"      \"k\": null\n"
		"    }\n"
		"  ],\n"
		"  \"u\": \"\xc3\xa9\\n\"\n"
		"}\n");
	free(s);
	cJSON_Delete(o);
}

static void test_counts_with_separators(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_add_count(&sb, 0);
	sb_adds(&sb, " ");
	sb_add_count(&sb, 999);
	sb_adds(&sb, " ");
	sb_add_count(&sb, 1000);
	sb_adds(&sb, " ");
	sb_add_count(&sb, 1234567);
	sb_adds(&sb, " ");
	sb_add_count(&sb, -45000);
	assert_string_equal(sb.buf, "0 999 1,000 1,234,567 -45,000");
	sb_release(&sb);
}

static void test_html_escape(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_add_html(&sb, "<a href=\"x\">Tom & Jerry's</a>");
	assert_string_equal(sb.buf, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	sb_release(&sb);
}

static void test_common_affixes(void **state)
{
	(void)state;
	size_t p, s;
	common_affixes("2024-01-01 10:00", 16, "2024-01-01 11:00", 16, &p, &s);
	assert_int_equal(p, 12);
	assert_int_equal(s, 3);
	/* no overlap when one string is a prefix of the other */
	common_affixes("abc", 3, "abcabc", 6, &p, &s);
	assert_int_equal(p, 3);
	assert_int_equal(s, 0);
	/* differing multibyte characters are never split: é (c3 a9) vs è (c3 a8) */
	common_affixes("caf\xc3\xa9", 5, "caf\xc3\xa8", 5, &p, &s);
	assert_int_equal(p, 3);
	assert_int_equal(s, 0);
	common_affixes("\xc3\xa9t\xc3\xa9", 5, "\xc3\xa8t\xc3\xa9", 5, &p, &s);
	assert_int_equal(p, 0);
	assert_int_equal(s, 3);
	common_affixes("same", 4, "same", 4, &p, &s);
	assert_int_equal(p + s, 4);
}

static void test_utf8_cut(void **state)
{
	(void)state;
	assert_int_equal(utf8_cut("abc", 3, 10), 3);
	assert_int_equal(utf8_cut("ab\xc3\xa9", 4, 3), 2);
	assert_int_equal(utf8_cut("abcd", 4, 2), 2);
}

/* A report model with hostile values renders without raw markup. */
static void test_renderers_escape_values(void **state)
{
	(void)state;
	cJSON *r = cJSON_Parse(
		"{\"drydock_report\":1,\"generated\":{\"at\":\"t\",\"by\":\"drydock x\",\"samples\":10},"
		"\"comparable\":{\"plan\":{\"name\":\"<img src=x onerror=alert(1)>\",\"steps\":0},"
		"\"status\":\"ready\",\"hash\":\"ab\",\"totals\":{\"tables\":1},"
		"\"tables\":{\"t<b>\":{\"status\":\"changed\",\"rows_before\":1,\"rows_after\":1,"
		"\"inserts\":0,\"updates\":1,\"deletes\":0,\"columns\":{\"c\":1},"
		"\"columns_before\":[\"id\",\"c\"],\"columns_after\":[\"id\",\"c\"],"
		"\"sample\":{\"inserts\":[],\"deletes\":[],\"updates\":[{\"key\":[\"1\"],"
		"\"old\":[\"1\",\"</td><script>x</script>\"],\"new\":[\"1\",\"|`*_\"],\"changed\":[\"c\"]}]}}},"
		"\"checks\":[],\"schema_changes\":[{\"op\":\"target_sql\",\"phase\":\"before\",\"table\":null,"
		"\"ddl\":\"SELECT '```';\",\"rollback_ddl\":\"\"}],\"run\":{\"status\":\"done\",\"steps\":[]},"
		"\"validation\":{\"overallStatus\":\"passed\",\"summary\":{}}},"
		"\"context\":{\"pushes\":[]},\"timings\":{}}");
	assert_non_null(r);
	char *html = report_render_html(r);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "t<b>"));
	assert_non_null(strstr(html, "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;"));
	char *md = report_render_markdown(r);
	/* markup shows as text: every < from the data is backslash-escaped */
	assert_non_null(strstr(md, "# drydock report: \\<img src=x onerror=alert(1)\\>\n"));
	for (const char *p = md; (p = strstr(p, "<img")); p++)
		assert_true(p > md && p[-1] == '\\');
	assert_non_null(strstr(md, "\\|\\`\\*\\_"));
	/* a fence longer than the backticks inside the DDL */
	assert_non_null(strstr(md, "````sql\nSELECT '```';\n````"));
	free(html);
	free(md);
	cJSON_Delete(r);
}

/* numeric order by value on numeric_out text (the order of SELECT ... ORDER BY in PostgreSQL) */
static void test_numeric_order(void **state)
{
	(void)state;
	static const char *const sorted[] = {
		"-Infinity", "-123456789012345678901234567890.5", "-10.25", "-9.5", "-0.001",
		"0", "0.0001", "0.5", "0.50001", "9.5", "10", "10.25", "100",
		"123456789012345678901234567890123456789.5", "Infinity", "NaN",
	};
	size_t n = sizeof(sorted) / sizeof(*sorted);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int c = report_numeric_cmp(sorted[i], strlen(sorted[i]), sorted[j], strlen(sorted[j]));
			assert_int_equal(c, i < j ? -1 : i > j ? 1 : 0);
		}
	}
	/* equal values at different scales */
	assert_int_equal(report_numeric_cmp("1.50", 4, "1.5", 3), 0);
	assert_int_equal(report_numeric_cmp("0.000", 5, "0", 1), 0);
	assert_int_equal(report_numeric_cmp("0.000", 5, "-0.001", 6), 1);
}

static void test_json_diff_by_key(void **state)
{
	(void)state;
	cJSON *d = report_json_diff("{\"a\":1,\"b\":{\"c\":[1,2]},\"gone\":true,\"we ird\":0}",
				    "{\"a\":2,\"b\":{\"c\":[1,2,3]},\"new\":\"x\",\"we ird\":0}", 50);
	char *s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"$.a\",\"op\":\"changed\",\"old\":\"1\",\"new\":\"2\"},"
		"{\"path\":\"$.b.c[2]\",\"op\":\"added\",\"new\":\"3\"},"
		"{\"path\":\"$.gone\",\"op\":\"removed\",\"old\":\"true\"},"
		"{\"path\":\"$.new\",\"op\":\"added\",\"new\":\"\\\"x\\\"\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	/* arrays: the elements added and removed, not every position after */
	d = report_json_diff("{\"tags\":[\"a\",\"b\",\"c\"]}", "{\"tags\":[\"x\",\"a\",\"c\",\"d\"]}", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"$.tags[0]\",\"op\":\"added\",\"new\":\"\\\"x\\\"\"},"
		"{\"path\":\"$.tags[1]\",\"op\":\"removed\",\"old\":\"\\\"b\\\"\"},"
		"{\"path\":\"$.tags[3]\",\"op\":\"added\",\"new\":\"\\\"d\\\"\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	/* an object changed in place inside an array: by key, at its new
	   index, after an element added before it */
	d = report_json_diff("[0,{\"id\":1,\"q\":2},{\"id\":3}]", "[7,0,{\"id\":1,\"q\":5},{\"id\":3}]", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"$[0]\",\"op\":\"added\",\"new\":\"7\"},"
		"{\"path\":\"$[2].q\",\"op\":\"changed\",\"old\":\"2\",\"new\":\"5\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	/* as many removed as added, not containers: removed and added */
	d = report_json_diff("[1,2]", "[1,3]", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"$[1]\",\"op\":\"removed\",\"old\":\"2\"},"
		"{\"path\":\"$[1]\",\"op\":\"added\",\"new\":\"3\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	assert_null(report_json_diff("{", "{}", 5));
	d = report_json_diff("[1]", "[1]", 5);
	assert_int_equal(cJSON_GetArraySize(d), 0);
	cJSON_Delete(d);
}

static void test_array_diff_by_element(void **state)
{
	(void)state;
	/* PostgreSQL subscripts from 1; elements as array_out writes them */
	cJSON *d = report_array_diff("{a,b,\"c d\"}", "{x,a,\"c d\",NULL,\"NULL\"}", 50);
	char *s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"[1]\",\"op\":\"added\",\"new\":\"x\"},"
		"{\"path\":\"[2]\",\"op\":\"removed\",\"old\":\"b\"},"
		"{\"path\":\"[4]\",\"op\":\"added\",\"new\":\"NULL\"},"
		"{\"path\":\"[5]\",\"op\":\"added\",\"new\":\"\\\"NULL\\\"\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	/* lower bounds: a removed element at its old subscript, an added one at its new */
	d = report_array_diff("[0:2]={1,2,3}", "[5:6]={1,3}", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s, "[{\"path\":\"[1]\",\"op\":\"removed\",\"old\":\"2\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	/* two dimensions: a row changed in place by cell; else rows whole */
	d = report_array_diff("{{1,2},{3,4}}", "{{1,2},{3,5}}", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"[2][2]\",\"op\":\"removed\",\"old\":\"4\"},"
		"{\"path\":\"[2][2]\",\"op\":\"added\",\"new\":\"5\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	d = report_array_diff("{{1,2},{3,4}}", "{{1,2},{3,5},{6,7}}", 50);
	s = cJSON_PrintUnformatted(d);
	assert_string_equal(s,
		"[{\"path\":\"[2]\",\"op\":\"removed\",\"old\":\"{3,4}\"},"
		"{\"path\":\"[2]\",\"op\":\"added\",\"new\":\"{3,5}\"},"
		"{\"path\":\"[3]\",\"op\":\"added\",\"new\":\"{6,7}\"}]");
	cJSON_free(s);
	cJSON_Delete(d);
	assert_null(report_array_diff("{a", "{}", 5));
	assert_null(report_array_diff(NULL, "{}", 5));
	d = report_array_diff("{}", "{}", 5);
	assert_int_equal(cJSON_GetArraySize(d), 0);
	cJSON_Delete(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_keys_recursive),
		cmocka_unit_test(test_canonical_printing),
		cmocka_unit_test(test_counts_with_separators),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_common_affixes),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_renderers_escape_values),
		cmocka_unit_test(test_numeric_order),
		cmocka_unit_test(test_json_diff_by_key),
		cmocka_unit_test(test_array_diff_by_element),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
