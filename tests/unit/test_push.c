/*
 * Unit tests of the push modules: change rows to COPY text, the types
 * compared as text, durations, the parents-first order and the inverse of
 * a push set.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "push.h"
#include "pushset.h"
#include "pushsql.h"
#include "util.h"

static void copy_is(const char *json, int n, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(pushsql_json_row_to_copy(json, &sb), n);
	if (want)
		assert_string_equal(sb.buf, want);
	sb_release(&sb);
}

static void test_json_row_to_copy(void **state)
{
	(void)state;
	copy_is("[\"1\",null,\"a b\"]", 3, "\t1\t\\N\ta b");
	/* COPY's specials are escaped, JSON's undone */
	copy_is("[\"tab\\there\",\"nl\\nx\",\"cr\\r\",\"back\\\\slash\"]", 4,
		"\ttab\\there\tnl\\nx\tcr\\r\tback\\\\slash");
	copy_is("[\"q\\\"uote\",\"sl\\/ash\",\"\\b\\f\"]", 3, "\tq\"uote\tsl/ash\t\b\f");
	/* \u escapes, including a surrogate pair, become UTF-8 */
	copy_is("[\"\\u00e9\\u20ac\",\"\\ud83d\\ude00\",\"\\u0009\"]", 3,
		"\t\xc3\xa9\xe2\x82\xac\t\xf0\x9f\x98\x80\t\\t");
	copy_is("[]", 0, "");
	copy_is("[ \"x\" , null ]", 2, "\tx\t\\N");
	/* damaged rows */
	copy_is("{\"a\":1}", -1, NULL);
	copy_is("[\"unterminated", -1, NULL);
	copy_is("[1]", -1, NULL);
	copy_is("[\"\\u0000\"]", -1, NULL);
	copy_is("[\"\\x\"]", -1, NULL);
}

static void test_text_cmp_types(void **state)
{
	(void)state;
	assert_true(pushset_type_needs_text_cmp("json"));
	assert_true(pushset_type_needs_text_cmp("json[]"));
	assert_true(pushset_type_needs_text_cmp("point"));
	assert_false(pushset_type_needs_text_cmp("jsonb"));
	assert_false(pushset_type_needs_text_cmp("text"));
	assert_false(pushset_type_needs_text_cmp("jsonish"));
}

static void test_durations(void **state)
{
	(void)state;
	assert_true(push_valid_duration("0"));
	assert_true(push_valid_duration("500ms"));
	assert_true(push_valid_duration("10 min"));
	assert_true(push_valid_duration("2h"));
	assert_false(push_valid_duration(""));
	assert_false(push_valid_duration("5 seconds"));
	assert_false(push_valid_duration("1s'; DROP TABLE x; --"));
	assert_false(push_valid_duration("-1s"));
}

static struct push_ref ref_to(int child, const char *table)
{
	struct push_ref r = { 0 };
	r.child = child;
	r.table = (char *)table;
	return r;
}

/* users <- avatars <- posts, users <- posts; follows -> avatars (no changes) */
static void test_order_parents_first(void **state)
{
	struct push_table t[4] = { 0 };
	struct push_ref users_refs[2], avatars_refs[2];
	struct push_set ps = { 0 };
	(void)state;
	t[0].name = "posts";
	t[1].name = "avatars";
	t[2].name = "users";
	t[3].name = "audit";
	users_refs[0] = ref_to(1, "avatars");
	users_refs[1] = ref_to(0, "posts");
	avatars_refs[0] = ref_to(0, "posts");
	avatars_refs[1] = ref_to(-1, "follows");
	t[2].refs = users_refs;
	t[2].nrefs = 2;
	t[1].refs = avatars_refs;
	t[1].nrefs = 2;
	ps.tables = t;
	ps.ntables = 4;
	pushset_order(&ps);
	/* audit and users have no parents: by name; then avatars, then posts */
	assert_int_equal(ps.order[0], 3);
	assert_int_equal(ps.order[1], 2);
	assert_int_equal(ps.order[2], 1);
	assert_int_equal(ps.order[3], 0);
	/* a cycle (users <-> avatars) still orders every table once */
	struct push_ref back = ref_to(2, "users");
	t[1].refs = avatars_refs;
	avatars_refs[1] = back;
	pushset_order(&ps);
	int seen = 0;
	for (int i = 0; i < 4; i++)
		seen |= 1 << ps.order[i];
	assert_int_equal(seen, 15);
	free(ps.order);
}

static void test_invert(void **state)
{
	struct push_col old[2] = { { "id", "bigint", "o_id", 1, 1, 0, NULL, 0 },
				   { "name", "text", "o_name", 1, 0, 0, NULL, 0 } };
	struct push_col new[3] = { { "id", "bigint", "n_id", 1, 1, 0, "s_seq", 0 },
				   { "name", "text", "n_name", 1, 0, 0, NULL, 0 },
				   { "late", "int", "n_late", 0, 0, 0, NULL, 0 } };
	struct push_table t = { 0 };
	struct push_set ps = { 0 }, rb;
	(void)state;
	t.k = 1;
	t.schema = "public";
	t.name = "users";
	t.old = old;
	t.nold = 2;
	t.new = new;
	t.nnew = 3;
	t.ninsert = 5;
	t.nupdate = 2;
	t.ndelete = 1;
	ps.tables = &t;
	ps.ntables = 1;
	ps.plan = "p";
	ps.schema = "public";
	strcpy(ps.hash, "abc");
	pushset_invert(&ps, &rb);
	assert_int_equal(rb.rollback, 1);
	assert_int_equal(rb.tables[0].ninsert, 1);
	assert_int_equal(rb.tables[0].ndelete, 5);
	assert_int_equal(rb.tables[0].nupdate, 2);
	assert_int_equal(rb.tables[0].nold, 3);
	assert_string_equal(rb.tables[0].old[2].work, "o_late");
	assert_int_equal(rb.tables[0].old[2].mid, 1); /* both shapes exist */
	assert_string_equal(rb.tables[0].new[0].work, "n_id");
	assert_null(rb.tables[0].new[0].seq);
	assert_int_equal(rb.inserts, 1);
	pushset_free(&rb);
}

static void test_table_json_round_trip(void **state)
{
	struct push_col c[1] = { { "weird \"name\"", "numeric(6,2)", "o_weird \"name\"", 1, 1, 0, NULL, 0 } };
	struct push_table t = { 0 }, back;
	cJSON *j;
	(void)state;
	t.k = 3;
	t.schema = "app";
	t.name = "t";
	t.old = c;
	t.nold = 1;
	t.new = c;
	t.nnew = 1;
	t.nupdate = 7;
	j = pushset_table_json(&t);
	assert_int_equal(pushset_table_from_json(j, &back), 0);
	assert_int_equal(back.k, 3);
	assert_string_equal(back.old[0].name, "weird \"name\"");
	assert_string_equal(back.new[0].type, "numeric(6,2)");
	assert_int_equal(back.nupdate, 7);
	cJSON_Delete(j);
	/* a type that is not a type is refused */
	c[0].type = "text); DROP TABLE x; --";
	j = pushset_table_json(&t);
	struct push_table bad;
	assert_int_equal(pushset_table_from_json(j, &bad), -1);
	cJSON_Delete(j);
	struct push_set tmp = { 0 };
	tmp.tables = &back;
	tmp.ntables = 1;
	tmp.tables = xcalloc(1, sizeof(back));
	tmp.tables[0] = back;
	pushset_free(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_row_to_copy),
		cmocka_unit_test(test_text_cmp_types),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_order_parents_first),
		cmocka_unit_test(test_invert),
		cmocka_unit_test(test_table_json_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
