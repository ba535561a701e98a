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
	assert_int_equal(pushset_order(&ps), 0);
	/* audit and users have no parents: by name; then avatars, then posts */
	assert_int_equal(ps.order[0], 3);
	assert_int_equal(ps.order[1], 2);
	assert_int_equal(ps.order[2], 1);
	assert_int_equal(ps.order[3], 0);
	/* a cycle (users <-> avatars) still orders every table once */
	struct push_ref back = ref_to(2, "users");
	t[1].refs = avatars_refs;
	avatars_refs[1] = back;
	assert_int_equal(pushset_order(&ps), 0);
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
	assert_int_equal(pushset_invert(&ps, &rb), 0);
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

/* ------------------------------------------------ cycles: order and walk */

/* A table of bigint columns, cols[0] the key; old image when it has U or D rows. */
static int add_tbl(struct push_set *ps, const char *name, const char *const *cols, int ncols,
		   long long ins, long long upd, long long del)
{
	struct push_table *t;
	ps->tables = xrealloc(ps->tables, (size_t)(ps->ntables + 1) * sizeof(*ps->tables));
	t = &ps->tables[ps->ntables++];
	memset(t, 0, sizeof(*t));
	t->k = ps->ntables;
	t->schema = xstrdup("public");
	t->name = xstrdup(name);
	t->ninsert = ins;
	t->nupdate = upd;
	t->ndelete = del;
	t->new = xcalloc((size_t)ncols, sizeof(*t->new));
	t->nnew = ncols;
	if (upd || del) {
		t->old = xcalloc((size_t)ncols, sizeof(*t->old));
		t->nold = ncols;
	}
	for (int i = 0; i < ncols; i++) {
		struct push_col c = { xstrdup(cols[i]), xstrdup("bigint"), xasprintf("n_%s", cols[i]),
				      1, i == 0, 0, NULL, 0 };
		t->new[i] = c;
		if (t->old) {
			c.name = xstrdup(cols[i]);
			c.type = xstrdup("bigint");
			c.work = xasprintf("o_%s", cols[i]);
			t->old[i] = c;
		}
	}
	ps->inserts += ins;
	ps->updates += upd;
	ps->deletes += del;
	return ps->ntables - 1;
}

static int tbl(const struct push_set *ps, const char *name)
{
	for (int i = 0; i < ps->ntables; i++)
		if (!strcmp(ps->tables[i].name, name))
			return i;
	fail_msg("no table %s", name);
	return -1;
}

/* child.col REFERENCES parent (id) */
static void add_fk(struct push_set *ps, const char *parent, const char *child, const char *col,
		   int deferrable, int nullable)
{
	struct push_table *p = &ps->tables[tbl(ps, parent)];
	struct push_ref *r;
	p->refs = xrealloc(p->refs, (size_t)(p->nrefs + 1) * sizeof(*p->refs));
	r = &p->refs[p->nrefs++];
	memset(r, 0, sizeof(*r));
	r->schema = xstrdup("public");
	r->table = xstrdup(child);
	r->child = tbl(ps, child);
	r->cols = xcalloc(2, sizeof(char *));
	r->cols[0] = xstrdup(col);
	r->ref_cols = xcalloc(2, sizeof(char *));
	r->ref_cols[0] = xstrdup("id");
	r->ncols = 1;
	r->name = xasprintf("%s_%s_fk", child, col);
	r->deferrable = deferrable;
	r->nullable = nullable;
}

static void new_set(struct push_set *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->plan = xstrdup("p");
	ps->schema = xstrdup("public");
	strcpy(ps->hash, "0123456789abcdef");
}

static const char *order_names(const struct push_set *ps)
{
	static char buf[256];
	buf[0] = '\0';
	for (int i = 0; i < ps->ntables; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, ps->tables[ps->order[i]].name);
	}
	return buf;
}

/* The data statements a walk sends: one line each, its comment, then SQL lines. */
struct rec {
	struct strbuf order; /* comments of PS_DML steps */
	struct strbuf sql;   /* their SQL, one statement per paragraph */
};

static int record(void *ctx, const struct ps_step *s)
{
	struct rec *r = ctx;
	if (s->kind != PS_DML)
		return 0;
	sb_addf(&r->order, "%s\n", s->comment ? s->comment : "?");
	sb_addf(&r->sql, "%s\n\n", s->sql);
	return 0;
}

static void walk(const struct push_set *ps, int rollback, struct rec *r)
{
	struct push_opts o = { 0 };
	struct ps_state st = { 0 };
	o.lock_timeout = "10s";
	o.statement_timeout = "0";
	sb_init(&r->order, 0);
	sb_init(&r->sql, 0);
	if (rollback)
		assert_int_equal(pushsql_walk_rollback(ps, "7", &o, &st, record, r), 0);
	else
		assert_int_equal(pushsql_walk_push(ps, NULL, &o, &st, record, r), 0);
	pushsql_state_release(&st);
}

static void rec_free(struct rec *r)
{
	sb_release(&r->order);
	sb_release(&r->sql);
}

/*
 * a.b_id (nullable) -> b, b.a_id (NOT NULL) -> a, neither DEFERRABLE,
 * rows inserted and deleted on both sides; c.a_id -> a is a child of the
 * cycle.  a goes first: its b_id is inserted NULL and set after b's
 * inserts, and cleared in its rows to delete before any delete.
 */
static void test_cycle_two_steps(void **state)
{
	static const char *const acols[] = { "id", "b_id", "name" };
	static const char *const bcols[] = { "id", "a_id" };
	static const char *const ccols[] = { "id", "a_id" };
	struct push_set ps, rb;
	struct rec r;
	(void)state;
	new_set(&ps);
	add_tbl(&ps, "c", ccols, 2, 1, 0, 0);
	add_tbl(&ps, "b", bcols, 2, 2, 0, 1);
	add_tbl(&ps, "a", acols, 3, 2, 1, 1);
	add_fk(&ps, "b", "a", "b_id", 0, 1);
	add_fk(&ps, "a", "b", "a_id", 0, 0);
	add_fk(&ps, "a", "c", "a_id", 0, 0);
	assert_int_equal(pushset_order(&ps), 0);
	assert_string_equal(order_names(&ps), "a b c");
	assert_true(ps.tables[tbl(&ps, "a")].cycle);
	assert_true(ps.tables[tbl(&ps, "b")].cycle);
	assert_false(ps.tables[tbl(&ps, "c")].cycle);
	assert_true(pushset_col_broken(&ps, tbl(&ps, "a"), "b_id", 'I'));
	assert_true(pushset_col_broken(&ps, tbl(&ps, "a"), "b_id", 'D'));
	assert_false(pushset_col_broken(&ps, tbl(&ps, "a"), "name", 'I'));
	assert_false(pushset_table_broken(&ps, tbl(&ps, "b"), 'I'));

	walk(&ps, 0, &r);
	assert_string_equal(r.order.buf,
		"foreign-key cycle: a.b_id cleared in the rows to delete, so the rows they reference can go first\n"
		"deletes from b not referenced by any row (the rest after the updates)\n"
		"deletes from a not referenced by any row (the rest after the updates)\n"
		"inserts into a (foreign-key cycle: a.b_id NULL until the rows they reference exist)\n"
		"inserts into b\n"
		"inserts into c\n"
		"foreign-key cycle: a.b_id of the inserted rows, now that the rows they reference exist\n"
		"updates of a\n"
		"the remaining deletes from b\n"
		"the remaining deletes from a\n");
	if (getenv("SHOW_SQL"))
		fputs(r.sql.buf, stderr);
	/* the insert writes NULL, the link the value; the unlink is guarded */
	assert_non_null(strstr(r.sql.buf, "INSERT INTO public.a (id, b_id, name)\n"
					  "SELECT s.n_id, NULL::bigint, s.n_name\n"));
	assert_non_null(strstr(r.sql.buf, "UPDATE public.a AS t SET b_id = s.n_b_id\n"
					  "FROM drydock.ledger_<id>_3 AS s\nWHERE s.dd_op = 'I' AND t.id = s.n_id\n"));
	assert_non_null(strstr(r.sql.buf, "UPDATE public.a AS t SET b_id = NULL\n"
					  "FROM drydock.ledger_<id>_3 AS s\nWHERE s.dd_op = 'D' AND t.id = s.o_id\n"
					  "  AND t.b_id IS NOT DISTINCT FROM s.o_b_id\n"));
	/* a's deletes follow the unlink, which compared and locked the rows */
	assert_non_null(strstr(r.sql.buf, "DELETE FROM public.a AS t USING drydock.ledger_<id>_3 AS s\n"
					  "WHERE s.dd_op = 'D' AND t.id = s.o_id\n\n"));
	assert_null(strstr(r.sql.buf, "WHERE s.dd_op = 'D' AND t.id = s.o_id\n  AND t.b_id IS NOT DISTINCT FROM s.o_b_id\n"
				      "  AND NOT EXISTS"));
	rec_free(&r);

	/* the rollback: a's deletes become inserts and its inserts deletes; same two steps */
	assert_int_equal(pushset_invert(&ps, &rb), 0);
	assert_string_equal(order_names(&rb), "a b c");
	walk(&rb, 1, &r);
	assert_string_equal(r.order.buf,
		"foreign-key cycle: a.b_id cleared in the rows to delete, so the rows they reference can go first\n"
		"deletes from c\n"
		"deletes from b not referenced by any row (the rest after the updates)\n"
		"deletes from a not referenced by any row (the rest after the updates)\n"
		"inserts into a (foreign-key cycle: a.b_id NULL until the rows they reference exist)\n"
		"inserts into b\n"
		"foreign-key cycle: a.b_id of the inserted rows, now that the rows they reference exist\n"
		"updates of a\n"
		"the remaining deletes from b\n"
		"the remaining deletes from a\n");
	rec_free(&r);
	pushset_free(&rb);

	/* DEFERRABLE: no two steps, the prologue defers it; order by name */
	ps.tables[tbl(&ps, "b")].refs[0].deferrable = 1;
	assert_int_equal(pushset_order(&ps), 0);
	assert_string_equal(order_names(&ps), "a b c");
	assert_false(pushset_table_broken(&ps, tbl(&ps, "a"), 'I'));
	ps.tables[tbl(&ps, "b")].refs[0].deferrable = 0;
	/* a batched push refuses to break it */
	pushset_free(&ps);
}

/*
 * x -> y -> z -> x (z.x_id references x, ...): none DEFERRABLE.  With
 * all NOT NULL it is refused; with one nullable column the table holding
 * it goes first.  Only updates in the cycle: any order serves.
 */
static void test_cycle_of_three(void **state)
{
	static const char *const xc[] = { "id", "z_id" }, *const yc[] = { "id", "x_id" },
				  *const zc[] = { "id", "y_id" };
	struct push_set ps;
	struct rec r;
	(void)state;
	new_set(&ps);
	add_tbl(&ps, "x", xc, 2, 1, 0, 0);
	add_tbl(&ps, "y", yc, 2, 1, 0, 0);
	add_tbl(&ps, "z", zc, 2, 1, 0, 0);
	add_fk(&ps, "x", "y", "x_id", 0, 0);
	add_fk(&ps, "y", "z", "y_id", 0, 0);
	add_fk(&ps, "z", "x", "z_id", 0, 0);
	assert_int_equal(pushset_order(&ps), -1);
	/* y.x_id allows NULL: y goes first (x after z after y), y.x_id in two steps */
	ps.tables[tbl(&ps, "x")].refs[0].nullable = 1;
	assert_int_equal(pushset_order(&ps), 0);
	assert_string_equal(order_names(&ps), "y z x");
	assert_true(pushset_col_broken(&ps, tbl(&ps, "y"), "x_id", 'I'));
	assert_false(pushset_table_broken(&ps, tbl(&ps, "z"), 'I'));
	assert_false(pushset_table_broken(&ps, tbl(&ps, "y"), 'D')); /* no deletes */
	walk(&ps, 0, &r);
	assert_string_equal(r.order.buf,
		"inserts into y (foreign-key cycle: y.x_id NULL until the rows they reference exist)\n"
		"inserts into z\n"
		"inserts into x\n"
		"foreign-key cycle: y.x_id of the inserted rows, now that the rows they reference exist\n");
	rec_free(&r);
	/* updates only: nothing crosses the cycle, every order serves */
	ps.tables[tbl(&ps, "x")].refs[0].nullable = 0;
	for (int i = 0; i < 3; i++) {
		ps.tables[i].ninsert = 0;
		ps.tables[i].nupdate = 1;
		ps.tables[i].old = ps.tables[i].new; /* same columns; freed once below */
		ps.tables[i].nold = 0;
	}
	assert_int_equal(pushset_order(&ps), 0);
	assert_string_equal(order_names(&ps), "x y z");
	for (int i = 0; i < 3; i++)
		ps.tables[i].old = NULL;
	pushset_free(&ps);
}

/* A self-reference needs no order: one statement writes parent and child
 * rows together, and PostgreSQL checks the key at its end. */
static void test_self_reference(void **state)
{
	static const char *const nc[] = { "id", "parent_id" }, *const kc[] = { "id", "node_id" };
	struct push_set ps;
	struct rec r;
	(void)state;
	new_set(&ps);
	add_tbl(&ps, "node", nc, 2, 3, 0, 2);
	add_tbl(&ps, "kid", kc, 2, 1, 0, 0);
	add_fk(&ps, "node", "node", "parent_id", 0, 0);
	add_fk(&ps, "node", "kid", "node_id", 0, 0);
	assert_int_equal(pushset_order(&ps), 0);
	assert_string_equal(order_names(&ps), "node kid");
	assert_true(ps.tables[0].cycle);
	assert_false(pushset_table_broken(&ps, 0, 'I'));
	walk(&ps, 0, &r);
	assert_string_equal(r.order.buf,
		"deletes from node not referenced by any row (the rest after the updates)\n"
		"inserts into node\n"
		"inserts into kid\n"
		"the remaining deletes from node\n");
	/* rows of node deleted by the same statement do not hold it back */
	assert_non_null(strstr(r.sql.buf, "AND NOT EXISTS (SELECT 1 FROM drydock.ledger_<id>_1 AS x WHERE x.dd_op = 'D'"));
	rec_free(&r);
	pushset_free(&ps);
}

/* Components in topological order: a DAG of cycles. */
static void test_components_in_order(void **state)
{
	static const char *const c2[] = { "id", "r" };
	struct push_set ps;
	(void)state;
	new_set(&ps);
	/* q <-> p (deferrable) -> m ; m <-> n (deferrable); e alone */
	add_tbl(&ps, "m", c2, 2, 1, 0, 0);
	add_tbl(&ps, "n", c2, 2, 1, 0, 0);
	add_tbl(&ps, "p", c2, 2, 1, 0, 0);
	add_tbl(&ps, "q", c2, 2, 1, 0, 0);
	add_tbl(&ps, "e", c2, 2, 1, 0, 0);
	add_fk(&ps, "q", "p", "r", 1, 0);
	add_fk(&ps, "p", "q", "r", 1, 0);
	add_fk(&ps, "p", "m", "r", 0, 0);
	add_fk(&ps, "m", "n", "r", 1, 0);
	add_fk(&ps, "n", "m", "r", 1, 0);
	assert_int_equal(pushset_order(&ps), 0);
	/* {p, q} before {m, n}; e, alone, by name among the ready ones */
	assert_string_equal(order_names(&ps), "e p q m n");
	pushset_free(&ps);
}

/*
 * A table without a key (full_row): its key flags are all off; the walk
 * deletes the copies by (tableoid, ctid) among rows equal as text, the
 * conflict check counts copies, rows to insert need no check, and nothing
 * is split into early and late deletes even when other tables reference it.
 */
static void test_full_row_statements(void **state)
{
	static const char *const c2[] = { "who", "n" };
	struct push_set ps, rb;
	struct rec r;
	struct strbuf sql = STRBUF_INIT;
	int ti;
	(void)state;
	new_set(&ps);
	ti = add_tbl(&ps, "tally", c2, 2, 1, 0, 2);
	add_tbl(&ps, "child", c2, 2, 0, 0, 1);
	add_fk(&ps, "tally", "child", "n", 0, 1);
	for (int i = 0; i < 2; i++)
		ps.tables[ti].new[i].key = ps.tables[ti].old[i].key = 0;
	ps.tables[ti].full_row = 1;
	assert_int_equal(pushsql_split_deletes(&ps.tables[ti]), 0);
	assert_int_equal(pushset_order(&ps), 0);
	walk(&ps, 0, &r);
	assert_non_null(strstr(r.order.buf, "deletes from tally\n"));
	assert_null(strstr(r.order.buf, "remaining deletes from tally"));
	assert_non_null(strstr(r.sql.buf,
		"DELETE FROM public.tally AS t USING (SELECT x.tableoid, x.ctid FROM (\n"
		"    SELECT t.tableoid, t.ctid, s.n, row_number() OVER (PARTITION BY s.r ORDER BY t.tableoid, t.ctid) AS i\n"
		"    FROM (SELECT ROW(s.o_who, s.o_n)::text AS r, count(*) AS n FROM "));
	assert_non_null(strstr(r.sql.buf, "JOIN public.tally AS t ON ROW(t.who, t.n)::text = s.r) AS x\n"
					  "  WHERE x.i <= x.n) AS d\nWHERE t.tableoid = d.tableoid AND t.ctid = d.ctid"));
	pushsql_conflicts_sql(&sql, &ps.tables[ti], "w");
	assert_non_null(strstr(sql.buf, "FROM w AS s WHERE s.dd_op = 'D' GROUP BY 2"));
	assert_non_null(strstr(sql.buf, "WHERE coalesce(c.n, 0) < s.n"));
	assert_null(strstr(sql.buf, "'I'"));
	rec_free(&r);
	/* the ledger keeps it, and the rollback's inverse too */
	{
		cJSON *j = pushset_table_json(&ps.tables[ti]);
		struct push_table back;
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "full_row")));
		assert_int_equal(pushset_table_from_json(j, &back), 0);
		assert_int_equal(back.full_row, 1);
		cJSON_Delete(j);
		struct push_set tmp = { 0 };
		tmp.tables = xcalloc(1, sizeof(back));
		tmp.tables[0] = back;
		tmp.ntables = 1;
		pushset_free(&tmp);
	}
	assert_int_equal(pushset_invert(&ps, &rb), 0);
	assert_int_equal(rb.tables[ti].full_row, 1);
	assert_int_equal(rb.tables[ti].ninsert, 2);
	pushset_free(&rb);
	sb_release(&sql);
	pushset_free(&ps);
}

/* In a cycle no order serves, a table without a key is never the one
 * written in two steps: its rows could not be found again to set them. */
static void test_full_row_never_broken(void **state)
{
	static const char *const c2[] = { "id", "r" };
	struct push_set ps;
	(void)state;
	new_set(&ps);
	add_tbl(&ps, "a", c2, 2, 1, 0, 0);
	add_tbl(&ps, "b", c2, 2, 1, 0, 0);
	add_fk(&ps, "a", "b", "r", 0, 1); /* b.r -> a, nullable */
	add_fk(&ps, "b", "a", "r", 0, 1); /* a.r -> b, nullable */
	ps.tables[tbl(&ps, "a")].full_row = 1;
	assert_int_equal(pushset_order(&ps), 0);
	/* b's column is broken, not a's: a goes second */
	assert_string_equal(order_names(&ps), "b a");
	assert_int_equal(pushset_col_broken(&ps, tbl(&ps, "b"), "r", 'I'), 1);
	assert_int_equal(pushset_col_broken(&ps, tbl(&ps, "a"), "r", 'I'), 0);
	ps.tables[tbl(&ps, "b")].full_row = 1;
	for (int i = 0; i < ps.ntables; i++)
		for (int k = 0; k < ps.tables[i].nrefs; k++)
			ps.tables[i].refs[k].broken = 0;
	assert_int_equal(pushset_order(&ps), -1);
	pushset_free(&ps);
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
		cmocka_unit_test(test_cycle_two_steps),
		cmocka_unit_test(test_cycle_of_three),
		cmocka_unit_test(test_self_reference),
		cmocka_unit_test(test_components_in_order),
		cmocka_unit_test(test_full_row_statements),
		cmocka_unit_test(test_full_row_never_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
