/*
 * pushsql: the statements of a push or rollback and the order they run in
 * (see pushsql.h and docs/push.md).
 */
#define _GNU_SOURCE
#include "pushsql.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------ small parts */

static void add_qname(struct strbuf *sb, const char *schema, const char *name)
{
	sb_add_ident(sb, schema);
	sb_addch(sb, '.');
	sb_add_ident(sb, name);
}

static void add_table(struct strbuf *sb, const struct push_table *t)
{
	add_qname(sb, t->schema, t->name);
}

static void add_ref(struct strbuf *sb, const char *alias, const char *col)
{
	sb_addf(sb, "%s.", alias);
	sb_add_ident(sb, col);
}

/* "t.c IS [NOT] DISTINCT FROM s.o_c", as text for types without "=". */
static void add_cmp(struct strbuf *sb, const struct push_col *c, const char *wcol,
		    int distinct)
{
	add_ref(sb, "t", c->name);
	if (c->text_cmp)
		sb_adds(sb, "::text");
	sb_adds(sb, distinct ? " IS DISTINCT FROM " : " IS NOT DISTINCT FROM ");
	add_ref(sb, "s", wcol);
	if (c->text_cmp)
		sb_adds(sb, "::text");
}

static const struct push_col *col_named(const struct push_col *c, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
	return NULL;
}

/* The key columns, as the after-image lists them (every table has one). */
static int nkeys(const struct push_table *t)
{
	int n = 0;
	for (int i = 0; i < t->nnew; i++)
		n += t->new[i].key;
	if (!n)
		for (int i = 0; i < t->nold; i++)
			n += t->old[i].key;
	return n;
}

static const struct push_col *key_col(const struct push_table *t, int k,
				      const struct push_col *img, int nimg)
{
	const struct push_col *src = t->nnew ? t->new : t->old;
	int n = t->nnew ? t->nnew : t->nold;
	for (int i = 0; i < n; i++)
		if (src[i].key && k-- == 0)
			return col_named(img, nimg, src[i].name);
	return NULL;
}

/* "t.k = s.o_k AND ..." over the old (or new) image's key columns. */
static void add_key_join(struct strbuf *sb, const struct push_table *t, int use_old)
{
	const struct push_col *img = use_old ? t->old : t->new;
	int nimg = use_old ? t->nold : t->nnew;
	for (int k = 0; k < nkeys(t); k++) {
		const struct push_col *c = key_col(t, k, img, nimg);
		if (k)
			sb_adds(sb, " AND ");
		add_ref(sb, "t", c->name);
		sb_adds(sb, " = ");
		add_ref(sb, "s", c->work);
	}
}

/* to_json(ARRAY[alias.col::text, ...])::text over the key or an image. */
static void add_json_row(struct strbuf *sb, const char *alias,
			 const struct push_col *c, int n, int keys_only,
			 int use_work, int mid_only)
{
	int first = 1;
	sb_adds(sb, "to_json(ARRAY[");
	for (int i = 0; i < n; i++) {
		if ((keys_only && !c[i].key) || (mid_only && !c[i].mid))
			continue;
		if (!first)
			sb_adds(sb, ", ");
		first = 0;
		add_ref(sb, alias, use_work ? c[i].work : c[i].name);
		sb_adds(sb, "::text");
	}
	sb_adds(sb, first ? "]::text[])::text" : "])::text");
}

/* The image's columns that exist while rows move, key columns excluded. */
static void add_guard(struct strbuf *sb, const struct push_col *c, int n)
{
	for (int i = 0; i < n; i++) {
		if (!c[i].mid || c[i].key || c[i].generated)
			continue;
		sb_adds(sb, "\n  AND ");
		add_cmp(sb, &c[i], c[i].work, 0);
	}
}

int pushsql_split_deletes(const struct push_table *t)
{
	/* a table without a key is deleted in one statement: no key to
	 * remember which rows an early delete took */
	return t->ndelete > 0 && t->nrefs > 0 && !t->full_row;
}

/* ------------------------------------------------- full-row identity */

/*
 * A table without a key of any kind (push_table.full_row) is matched by
 * all its values, copies by count, like PostgreSQL's REPLICA IDENTITY
 * FULL (docs/push.md, "Tables without a key").  Rows are compared by
 * their text form, ROW(c1, c2, ...)::text over the image's columns that
 * exist while rows move (stored generated columns aside): NULLs match
 * NULLs, every type compares (json, point and xml have no "="), the
 * comparison is hashable, and the work table's columns, typed like the
 * target's, print exactly as the target's values do.  A value that is
 * equal but prints differently (numeric 1.0 and 1.00) does not match:
 * the snapshot read the target's own text, so an unchanged row always
 * matches, and a value rewritten since is a conflict, never a silent
 * delete of another row.
 */
static void add_row_text(struct strbuf *sb, const char *alias, const struct push_col *c,
			 int n, int use_work)
{
	int first = 1;
	sb_adds(sb, "ROW(");
	for (int i = 0; i < n; i++) {
		if (!c[i].mid || c[i].generated)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		add_ref(sb, alias, use_work ? c[i].work : c[i].name);
	}
	sb_adds(sb, ")::text");
}

/*
 * The distinct rows of operation op in the work table with their copies
 * (s.r row text, s.n copies, s.dd_seq the first change, s.key the row as
 * JSON) beside the target's copies of each (c.n, NULL when none).
 */
static void render_row_counts(struct strbuf *sb, const struct push_table *t,
			      const char *work, char op)
{
	const struct push_col *img = op == 'D' ? t->old : t->new;
	int nimg = op == 'D' ? t->nold : t->nnew;
	sb_adds(sb, "(SELECT min(s.dd_seq) AS dd_seq, ");
	add_row_text(sb, "s", img, nimg, 1);
	sb_adds(sb, " AS r, min(");
	add_json_row(sb, "s", img, nimg, 0, 1, 1);
	sb_addf(sb, ") AS key, count(*) AS n\n  FROM %s AS s WHERE s.dd_op = '%c' GROUP BY 2) AS s\n"
		    "LEFT JOIN (SELECT ", work, op);
	add_row_text(sb, "t", img, nimg, 0);
	sb_adds(sb, " AS r, count(*) AS n FROM ");
	add_table(sb, t);
	sb_adds(sb, " AS t\n  WHERE ");
	add_row_text(sb, "t", img, nimg, 0);
	sb_adds(sb, " IN (SELECT ");
	add_row_text(sb, "s", img, nimg, 1);
	sb_addf(sb, " FROM %s AS s WHERE s.dd_op = '%c')\n  GROUP BY 1) AS c ON c.r = s.r", work, op);
}

/*
 * Conflicts: each row to delete must still be in the target at least as
 * many times as the change set deletes it.  Rows to insert conflict with
 * nothing (a copy more is what a table without a key allows).  The
 * result has the conflict check's columns, plus a note with the counts.
 */
static void render_conflicts_full_row(struct strbuf *sb, const struct push_table *t,
				      const char *work)
{
	sb_adds(sb, "SELECT 'D' AS dd_op, s.dd_seq, s.key, true AS missing, '[]' AS differs, "
		    "s.key AS expected, NULL AS target,\n"
		    "  format('the target holds %s of the %s copies to delete', coalesce(c.n, 0), s.n) AS note\nFROM ");
	render_row_counts(sb, t, work, 'D');
	sb_adds(sb, "\nWHERE coalesce(c.n, 0) < s.n\nORDER BY 2");
}

/*
 * Deletes exactly the copies the change set deletes of each row: of the
 * target's rows equal to it, the first n by physical position (any n
 * copies are the same row).  Rows are named by (tableoid, ctid), unique
 * across the partitions of a partitioned table.  A row another session
 * changed or deleted after the statement's snapshot is skipped (its
 * newest version has another ctid), and the row count comes out short.
 */
static void render_delete_full_row(struct strbuf *sb, const struct push_table *t,
				   const char *work)
{
	sb_adds(sb, "DELETE FROM ");
	add_table(sb, t);
	sb_adds(sb, " AS t USING (SELECT x.tableoid, x.ctid FROM (\n"
		    "    SELECT t.tableoid, t.ctid, s.n, row_number() OVER (PARTITION BY s.r ORDER BY t.tableoid, t.ctid) AS i\n"
		    "    FROM (SELECT ");
	add_row_text(sb, "s", t->old, t->nold, 1);
	sb_addf(sb, " AS r, count(*) AS n FROM %s AS s WHERE s.dd_op = 'D' GROUP BY 1) AS s\n"
		    "    JOIN ", work);
	add_table(sb, t);
	sb_adds(sb, " AS t ON ");
	add_row_text(sb, "t", t->old, t->nold, 0);
	sb_adds(sb, " = s.r) AS x\n  WHERE x.i <= x.n) AS d\n"
		    "WHERE t.tableoid = d.tableoid AND t.ctid = d.ctid");
}

/* ------------------------------------------------------------- statements */

static void render_session(struct strbuf *sb, const struct push_opts *o)
{
	sb_adds(sb, "SET lock_timeout = ");
	sb_add_literal(sb, o->lock_timeout);
	sb_adds(sb, ";\nSET statement_timeout = ");
	sb_add_literal(sb, o->statement_timeout);
	sb_adds(sb, ";\nSET idle_in_transaction_session_timeout = 0;\n"
		    "SET standard_conforming_strings = on;\n"
		    "SET default_statistics_target = 10;\n" /* ANALYZE of work tables: a sample */
		    /* each statement runs once over known rows: compiling it
		     * (PostgreSQL's JIT, on by default) costs more than it saves,
		     * up to seconds per statement */
		    "SET jit = off;\n"
		    /* nor parallel workers: the verification reads nothing when
		     * no trigger, rule or cascade can act (a one-time filter),
		     * yet its plan started two workers, 80-120 ms on the
		     * benchmark; the data statements never run in parallel */
		    "SET max_parallel_workers_per_gather = 0");
}

static void render_create_work(struct strbuf *sb, const struct push_table *t,
			       const char *work)
{
	sb_addf(sb, "CREATE TABLE %s (dd_seq bigint NOT NULL, dd_op text NOT NULL", work);
	for (int i = 0; i < t->nold; i++) {
		sb_adds(sb, ", ");
		sb_add_ident(sb, t->old[i].work);
		sb_addf(sb, " %s", t->old[i].type);
	}
	for (int i = 0; i < t->nnew; i++) {
		sb_adds(sb, ", ");
		sb_add_ident(sb, t->new[i].work);
		sb_addf(sb, " %s", t->new[i].type);
	}
	sb_adds(sb, ")");
}

static void render_copy(struct strbuf *sb, const struct push_table *t, const char *work)
{
	sb_addf(sb, "COPY %s (dd_seq, dd_op", work);
	for (int i = 0; i < t->nold; i++) {
		sb_adds(sb, ", ");
		sb_add_ident(sb, t->old[i].work);
	}
	for (int i = 0; i < t->nnew; i++) {
		sb_adds(sb, ", ");
		sb_add_ident(sb, t->new[i].work);
	}
	sb_adds(sb, ") FROM STDIN");
}

/* The work row's key, whichever image holds it: coalesce(s.o_k, s.n_k). */
static void add_work_key(struct strbuf *sb, const struct push_table *t, int k)
{
	const struct push_col *o = key_col(t, k, t->old, t->nold);
	const struct push_col *n = key_col(t, k, t->new, t->nnew);
	if (o && n) {
		sb_adds(sb, "coalesce(");
		add_ref(sb, "s", o->work);
		sb_adds(sb, ", ");
		add_ref(sb, "s", n->work);
		sb_adds(sb, ")");
	} else {
		add_ref(sb, "s", (o ? o : n)->work);
	}
}

/* "t.k = coalesce(s.o_k, s.n_k) AND ...": one join for every operation. */
static void add_any_key_join(struct strbuf *sb, const struct push_table *t)
{
	for (int k = 0; k < nkeys(t); k++) {
		const struct push_col *c = key_col(t, k, t->nnew ? t->new : t->old,
						   t->nnew ? t->nnew : t->nold);
		if (k)
			sb_adds(sb, " AND ");
		add_ref(sb, "t", c->name);
		sb_adds(sb, " = ");
		add_work_key(sb, t, k);
	}
}

static void add_key_json(struct strbuf *sb, const struct push_table *t)
{
	sb_adds(sb, "to_json(ARRAY[");
	for (int k = 0; k < nkeys(t); k++) {
		if (k)
			sb_adds(sb, ", ");
		add_work_key(sb, t, k);
		sb_adds(sb, "::text");
	}
	sb_adds(sb, "])::text");
}

/* to_json(array_remove(ARRAY[CASE WHEN t.c IS DISTINCT FROM s.x_c THEN 'c' END, ...])) */
static void add_differs(struct strbuf *sb, const struct push_col *c, int n)
{
	int first = 1;
	sb_adds(sb, "to_json(array_remove(ARRAY[");
	for (int i = 0; i < n; i++) {
		if (!c[i].mid || c[i].key || c[i].generated)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_adds(sb, "CASE WHEN ");
		add_cmp(sb, &c[i], c[i].work, 1);
		sb_adds(sb, " THEN ");
		sb_add_literal(sb, c[i].name);
		sb_adds(sb, " END");
	}
	sb_adds(sb, "]::text[], NULL))::text");
}

/* "t.k0 IS NULL OR t.c IS DISTINCT FROM s.x_c OR ..." */
static void add_any_differs(struct strbuf *sb, const struct push_table *t,
			    const struct push_col *c, int n)
{
	const struct push_col *k0 = key_col(t, 0, t->nnew ? t->new : t->old,
					    t->nnew ? t->nnew : t->nold);
	add_ref(sb, "t", k0->name);
	sb_adds(sb, " IS NULL");
	for (int i = 0; i < n; i++) {
		if (!c[i].mid || c[i].key || c[i].generated)
			continue;
		sb_adds(sb, "\n    OR ");
		add_cmp(sb, &c[i], c[i].work, 1);
	}
}

/*
 * The part the conflict check and the verification share: each work row
 * (s) beside the target's row with its key (t), the columns that differ
 * from the expected image exp (the snapshot's for the conflict check, the
 * pushed one for the verification) and both images as JSON; rows of
 * operation exempt have no expected image.
 */
static void render_compare_select(struct strbuf *sb, const struct push_table *t,
				  const char *work, const struct push_col *exp, int nexp,
				  char exempt, const struct push_col *k0,
				  const struct push_col *img, int nimg)
{
	sb_adds(sb, "SELECT s.dd_op, s.dd_seq, ");
	add_key_json(sb, t);
	sb_adds(sb, " AS key, ");
	add_ref(sb, "t", k0->name);
	sb_adds(sb, " IS NULL AS missing,\n  ");
	if (nexp) {
		sb_addf(sb, "CASE WHEN s.dd_op = '%c' THEN '[]' ELSE ", exempt);
		add_differs(sb, exp, nexp);
		sb_addf(sb, " END AS differs,\n  CASE WHEN s.dd_op = '%c' THEN NULL ELSE ", exempt);
		add_json_row(sb, "s", exp, nexp, 0, 1, 1);
		sb_adds(sb, " END AS expected,\n");
	} else {
		sb_adds(sb, "'[]' AS differs, NULL AS expected,\n");
	}
	sb_adds(sb, "  CASE WHEN ");
	add_ref(sb, "t", k0->name);
	sb_adds(sb, " IS NULL THEN NULL ELSE ");
	add_json_row(sb, "t", img, nimg, 0, 0, 1);
	sb_addf(sb, " END AS target\nFROM %s AS s LEFT JOIN ", work);
	add_table(sb, t);
	sb_adds(sb, " AS t ON ");
	add_any_key_join(sb, t);
}

/*
 * Rows to update or delete must still hold what the snapshot saw (every
 * column of the before-image, compared in the column's type), and no key
 * to insert may exist.  One join of the work table with the target for
 * every operation.  Result: dd_op, dd_seq, key, missing, differing
 * columns, the expected image and the target's row (JSON text).
 */
static void render_conflicts(struct strbuf *sb, const struct push_table *t,
			     const char *work)
{
	const struct push_col *img = t->nold ? t->old : t->new;
	int nimg = t->nold ? t->nold : t->nnew;
	const struct push_col *k0 = key_col(t, 0, img, nimg);

	render_compare_select(sb, t, work, t->old, t->nold, 'I', k0, img, nimg);
	sb_adds(sb, "\nWHERE CASE WHEN s.dd_op = 'I' THEN ");
	add_ref(sb, "t", k0->name);
	sb_adds(sb, " IS NOT NULL\n  ELSE ");
	add_any_differs(sb, t, t->old, t->nold);
	sb_adds(sb, " END\nORDER BY 2");
}

void pushsql_conflicts_sql(struct strbuf *sb, const struct push_table *t,
			   const char *work)
{
	if (t->full_row)
		render_conflicts_full_row(sb, t, work);
	else
		render_conflicts(sb, t, work);
}

/*
 * Deletes: rows still as the snapshot saw them (checked again inside the
 * statement, so a row changed since the conflict check is left alone and
 * the count tells).  The early delete leaves rows some row of the target
 * still references: those are deleted after the updates, which may point
 * the references elsewhere first.
 */
static void render_delete(struct strbuf *sb, const struct push_set *ps, int ti,
			  const char *work, int early)
{
	const struct push_table *t = &ps->tables[ti];
	if (t->full_row) {
		render_delete_full_row(sb, t, work);
		return;
	}
	sb_adds(sb, "DELETE FROM ");
	add_table(sb, t);
	sb_addf(sb, " AS t USING %s AS s\nWHERE s.dd_op = 'D' AND ", work);
	add_key_join(sb, t, 1);
	/* rows the unlink cleared were compared and locked by it */
	if (!pushset_table_broken(ps, ti, 'D'))
		add_guard(sb, t->old, t->nold);
	if (!early)
		return;
	for (int r = 0; r < t->nrefs; r++) {
		const struct push_ref *ref = &t->refs[r];
		int self = !strcmp(ref->table, t->name) && !strcmp(ref->schema, t->schema);
		sb_adds(sb, "\n  AND NOT EXISTS (SELECT 1 FROM ");
		add_qname(sb, ref->schema, ref->table);
		sb_adds(sb, " AS c WHERE ");
		for (int k = 0; k < ref->ncols; k++) {
			if (k)
				sb_adds(sb, " AND ");
			add_ref(sb, "c", ref->cols[k]);
			sb_adds(sb, " = ");
			add_ref(sb, "t", ref->ref_cols[k]);
		}
		if (self) {
			/* rows of the same table deleted by this statement too */
			sb_addf(sb, "\n    AND NOT EXISTS (SELECT 1 FROM %s AS x WHERE x.dd_op = 'D'", work);
			for (int k = 0; k < nkeys(t); k++) {
				const struct push_col *c = key_col(t, k, t->old, t->nold);
				sb_adds(sb, " AND ");
				add_ref(sb, "x", c->work);
				sb_adds(sb, " = ");
				add_ref(sb, "c", c->name);
			}
			sb_adds(sb, ")");
		}
		sb_adds(sb, ")");
	}
}

static int any_always(const struct push_table *t)
{
	for (int i = 0; i < t->nnew; i++)
		if (t->new[i].mid && t->new[i].always)
			return 1;
	return 0;
}

static void render_insert(struct strbuf *sb, const struct push_set *ps, int ti,
			  const char *work)
{
	const struct push_table *t = &ps->tables[ti];
	int first = 1;
	sb_adds(sb, "INSERT INTO ");
	add_table(sb, t);
	sb_adds(sb, " (");
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].generated)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_add_ident(sb, t->new[i].name);
	}
	sb_adds(sb, ")");
	if (any_always(t))
		sb_adds(sb, " OVERRIDING SYSTEM VALUE");
	sb_adds(sb, "\nSELECT ");
	first = 1;
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].generated)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		if (pushset_col_broken(ps, ti, t->new[i].name, 'I'))
			sb_addf(sb, "NULL::%s", t->new[i].type); /* set by the link */
		else
			add_ref(sb, "s", t->new[i].work);
	}
	sb_addf(sb, "\nFROM %s AS s WHERE s.dd_op = 'I' ORDER BY s.dd_seq", work);
}

/*
 * A cycle of foreign keys no order serves (none DEFERRABLE): the child's
 * rows went in with the broken columns NULL; now that the rows they point
 * at exist, they get their values.  Only rows this transaction inserted
 * are touched, so the key alone finds them.
 */
static void render_link(struct strbuf *sb, const struct push_set *ps, int ti,
			const char *work)
{
	const struct push_table *t = &ps->tables[ti];
	int first = 1;
	sb_adds(sb, "UPDATE ");
	add_table(sb, t);
	sb_adds(sb, " AS t SET ");
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || !pushset_col_broken(ps, ti, t->new[i].name, 'I'))
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_add_ident(sb, t->new[i].name);
		sb_adds(sb, " = ");
		add_ref(sb, "s", t->new[i].work);
	}
	sb_addf(sb, "\nFROM %s AS s\nWHERE s.dd_op = 'I' AND ", work);
	add_key_join(sb, t, 0);
}

/*
 * The other half for deletes: the rows to delete drop their broken
 * references first, so the rows they point at can be deleted before
 * them.  Guarded like a delete (the row must be as the snapshot saw it);
 * the deletes after it need only the key, as this holds the rows locked.
 */
static void render_unlink(struct strbuf *sb, const struct push_set *ps, int ti,
			  const char *work)
{
	const struct push_table *t = &ps->tables[ti];
	int first = 1;
	sb_adds(sb, "UPDATE ");
	add_table(sb, t);
	sb_adds(sb, " AS t SET ");
	for (int i = 0; i < t->nold; i++) {
		if (!t->old[i].mid || !pushset_col_broken(ps, ti, t->old[i].name, 'D'))
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_add_ident(sb, t->old[i].name);
		sb_adds(sb, " = NULL");
	}
	sb_addf(sb, "\nFROM %s AS s\nWHERE s.dd_op = 'D' AND ", work);
	add_key_join(sb, t, 1);
	add_guard(sb, t->old, t->nold);
}

/* "a.x, a.y" for the comments: the columns of t written in two steps. */
static void add_broken_names(struct strbuf *sb, const struct push_set *ps, int ti, char op)
{
	const struct push_table *t = &ps->tables[ti];
	const struct push_col *c = op == 'I' ? t->new : t->old;
	int n = op == 'I' ? t->nnew : t->nold, first = 1;
	for (int i = 0; i < n; i++) {
		if (!c[i].mid || !pushset_col_broken(ps, ti, c[i].name, op))
			continue;
		sb_addf(sb, "%s%s.%s", first ? "" : ", ", t->name, c[i].name);
		first = 0;
	}
}

static int writable_cols(const struct push_table *t)
{
	int n = 0;
	for (int i = 0; i < t->nnew; i++)
		n += t->new[i].mid && !t->new[i].key && !t->new[i].generated;
	return n;
}

static void render_update(struct strbuf *sb, const struct push_table *t, const char *work)
{
	int first = 1;
	sb_adds(sb, "UPDATE ");
	add_table(sb, t);
	sb_adds(sb, " AS t SET ");
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].key || t->new[i].generated)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_add_ident(sb, t->new[i].name);
		sb_adds(sb, " = ");
		add_ref(sb, "s", t->new[i].work);
	}
	sb_addf(sb, "\nFROM %s AS s\nWHERE s.dd_op = 'U' AND ", work);
	add_key_join(sb, t, 1);
	add_guard(sb, t->old, t->nold);
}

/* 'schema.table'::regclass for every table of the set. */
static void add_regclass_list(struct strbuf *sb, const struct push_set *ps)
{
	for (int i = 0; i < ps->ntables; i++) {
		struct strbuf q = STRBUF_INIT;
		add_table(&q, &ps->tables[i]);
		sb_adds(sb, i ? ", " : "");
		sb_add_literal(sb, q.buf);
		sb_adds(sb, "::regclass");
		sb_release(&q);
	}
}

/*
 * Whether anything but push's own statements can have changed the rows it
 * wrote to t: a trigger or a rule on any table of the set (a trigger on
 * posts may update users), or a foreign key of t with an ON DELETE/UPDATE
 * action towards a table of the set.  Without them, the guarded statements
 * and their row counts already prove the after-state, and the
 * verification's one-time filter skips its scan.
 */
static void add_verify_gate(struct strbuf *sb, const struct push_set *ps,
			    const struct push_table *t)
{
	struct strbuf q = STRBUF_INIT;
	add_table(&q, t);
	sb_adds(sb, "(SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (");
	add_regclass_list(sb, ps);
	sb_adds(sb, "))\n    OR EXISTS (SELECT 1 FROM pg_rewrite WHERE rulename <> '_RETURN' AND ev_class IN (");
	add_regclass_list(sb, ps);
	sb_adds(sb, "))\n    OR EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND conrelid = ");
	sb_add_literal(sb, q.buf);
	sb_adds(sb, "::regclass\n      AND (confdeltype IN ('c', 'n', 'd') OR confupdtype IN ('c', 'n', 'd')) AND confrelid IN (");
	add_regclass_list(sb, ps);
	sb_adds(sb, ")))");
	sb_release(&q);
}

/*
 * After the data: inserted and updated rows must hold the after-image
 * (in the columns written), deleted rows must be gone.  Catches what
 * triggers, rules and referential actions of the target did to the rows.
 * One join of the work table with the target, when add_verify_gate()
 * says something could have acted.
 */
static void render_verify(struct strbuf *sb, const struct push_set *ps,
			  const struct push_table *t, const char *work, int with_deletes)
{
	const struct push_col *img = t->nnew ? t->new : t->old;
	int nimg = t->nnew ? t->nnew : t->nold;
	const struct push_col *k0 = key_col(t, 0, img, nimg);

	if (t->full_row) {
		/* each inserted row there as many times as inserted; a trigger
		 * that changed one leaves it unfindable, and refused (deletes:
		 * the statement's exact count) */
		sb_adds(sb, "SELECT 'I' AS dd_op, s.dd_seq, s.key, true AS missing, '[]' AS differs, "
			    "NULL AS expected, NULL AS target\nFROM ");
		render_row_counts(sb, t, work, 'I');
		sb_adds(sb, "\nWHERE ");
		add_verify_gate(sb, ps, t);
		sb_addf(sb, "\n  AND %scoalesce(c.n, 0) < s.n\nORDER BY 2\nLIMIT 21",
			t->ninsert ? "" : "false AND ");
		return;
	}
	render_compare_select(sb, t, work, t->new, t->nnew, 'D', k0, img, nimg);
	sb_adds(sb, "\nWHERE ");
	add_verify_gate(sb, ps, t);
	sb_addf(sb, "\n  AND CASE WHEN s.dd_op = 'D' THEN %s", with_deletes ? "" : "false AND ");
	add_ref(sb, "t", k0->name);
	sb_adds(sb, " IS NOT NULL\n  ELSE ");
	if (t->nnew)
		add_any_differs(sb, t, t->new, t->nnew);
	else
		sb_adds(sb, "false");
	/* rows missing or not deleted first: those are refused even when
	 * triggers may change values (push.c, do_verify) */
	sb_adds(sb, " END\nORDER BY 4 DESC, s.dd_op = 'D' DESC, 2\nLIMIT 21");
}

/*
 * The target's triggers may have changed the rows push wrote (an
 * updated_at stamp, a tsvector): the ledger must hold the after-image the
 * target really has, so a rollback compares with it and restores the
 * before-image exactly.  Copies the differing columns of inserted and
 * updated rows from the target into the work table; the result counts
 * the rows per column changed, for the summary.  Gated like the
 * verification: without triggers, rules or referential actions it scans
 * nothing.
 */
static void render_capture(struct strbuf *sb, const struct push_set *ps,
			   const struct push_table *t, const char *work)
{
	int first = 1;
	sb_adds(sb, "WITH d AS (SELECT s.dd_seq, ");
	add_differs(sb, t->new, t->nnew);
	sb_adds(sb, "::jsonb AS cols");
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].key)
			continue;
		sb_addf(sb, ", t.");
		sb_add_ident(sb, t->new[i].name);
		sb_addf(sb, " AS c%d", i);
	}
	sb_addf(sb, "\n  FROM %s AS s JOIN ", work);
	add_table(sb, t);
	sb_adds(sb, " AS t ON ");
	add_key_join(sb, t, 0);
	sb_adds(sb, "\n  WHERE ");
	add_verify_gate(sb, ps, t);
	sb_adds(sb, " AND s.dd_op <> 'D' AND (false");
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].key)
			continue;
		sb_adds(sb, " OR ");
		add_cmp(sb, &t->new[i], t->new[i].work, 1);
	}
	sb_addf(sb, ")),\nu AS (UPDATE %s AS s SET ", work);
	for (int i = 0; i < t->nnew; i++) {
		if (!t->new[i].mid || t->new[i].key)
			continue;
		sb_adds(sb, first ? "" : ", ");
		first = 0;
		sb_add_ident(sb, t->new[i].work);
		sb_addf(sb, " = d.c%d", i);
	}
	if (first)
		sb_adds(sb, "dd_seq = d.dd_seq");
	sb_adds(sb, " FROM d WHERE d.dd_seq = s.dd_seq)\n"
		    "SELECT c.col, count(*) FROM d, jsonb_array_elements_text(d.cols) AS c(col) "
		    "GROUP BY 1 ORDER BY 1");
}

/* The set's tables, to_regclass() each: a table the plan creates is NULL until then. */
static void add_to_regclass_list(struct strbuf *sb, const struct push_set *ps)
{
	for (int i = 0; i < ps->ntables; i++) {
		struct strbuf q = STRBUF_INIT;
		add_table(&q, &ps->tables[i]);
		sb_adds(sb, i ? ", " : "");
		sb_adds(sb, "to_regclass(");
		sb_add_literal(sb, q.buf);
		sb_adds(sb, ")");
		sb_release(&q);
	}
}

/*
 * Triggers off for this transaction: each user trigger of the set's
 * tables that is enabled, by name (ALTER TABLE ... DISABLE TRIGGER, the
 * per-trigger form of DISABLE TRIGGER USER).  Internal triggers, which
 * enforce foreign keys, stay on: unlike session_replication_role =
 * replica, this never switches off referential integrity.  The triggers
 * are remembered so render_triggers_on() puts back exactly those, each
 * in the mode it had (a trigger disabled before stays disabled).
 */
static void render_triggers_off(struct strbuf *sb, const struct push_set *ps)
{
	sb_adds(sb, "CREATE TEMP TABLE dd_triggers ON COMMIT DROP AS\n"
		    "  SELECT g.tgrelid::regclass::text AS rel, g.tgname, g.tgenabled FROM pg_trigger AS g\n"
		    "  WHERE NOT g.tgisinternal AND g.tgenabled <> 'D' AND g.tgrelid IN (");
	add_to_regclass_list(sb, ps);
	sb_adds(sb, ");\n"
		    "DO $dd$ DECLARE r record; BEGIN\n"
		    "  FOR r IN SELECT * FROM dd_triggers LOOP\n"
		    "    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.rel, r.tgname);\n"
		    "  END LOOP;\n"
		    "END $dd$");
}

static void render_triggers_on(struct strbuf *sb)
{
	sb_adds(sb, "DO $dd$ DECLARE r record; BEGIN\n"
		    "  FOR r IN SELECT * FROM dd_triggers WHERE to_regclass(rel) IS NOT NULL LOOP\n"
		    "    EXECUTE format('ALTER TABLE %s ENABLE %s TRIGGER %I', r.rel,\n"
		    "      CASE r.tgenabled WHEN 'R' THEN 'REPLICA' WHEN 'A' THEN 'ALWAYS' ELSE '' END, r.tgname);\n"
		    "  END LOOP;\n"
		    "END $dd$;\n"
		    "DROP TABLE dd_triggers");
}

/*
 * Sequences and identity columns move past the largest inserted value, as
 * pg_dump leaves them; never backwards.  ALTER SEQUENCE ... RESTART is
 * transactional (setval() is not): a push that fails or is killed after
 * this statement leaves the sequence where it was.  It needs the
 * sequence's owner; other users get setval(), which a failed push leaves
 * advanced (a gap, never a collision).  What moved, and from where, is
 * recorded so a rollback can put it back.
 */
static void render_sequence(struct strbuf *sb, const char *seqname, const struct push_col *c,
			    const char *work, long long drawn, const char *ledger_id)
{
	struct strbuf seq = STRBUF_INIT;
	sb_add_literal(&seq, seqname);
	sb_adds(&seq, "::regclass");
	if (c) {
		sb_adds(sb, "DO $dd$ DECLARE v bigint; old bigint; q record; BEGIN\n  SELECT max(");
		add_ref(sb, "s", c->work);
		sb_addf(sb, ")::bigint INTO v FROM %s AS s WHERE s.dd_op IN ('I', 'U');\n", work);
	} else {
		sb_addf(sb, "DO $dd$ DECLARE v bigint := %lld; old bigint; q record; BEGIN\n", drawn);
	}
	sb_addf(sb, "  SELECT seqstart, seqincrement INTO q FROM pg_sequence WHERE seqrelid = %s;\n"
		    "  old := pg_sequence_last_value(%s);\n"
		    "  IF v IS NULL OR q.seqincrement <= 0 OR v <= coalesce(old, q.seqstart - 1) THEN RETURN; END IF;\n"
		    "  IF pg_has_role((SELECT relowner FROM pg_class WHERE oid = %s), 'USAGE') THEN\n"
		    "    EXECUTE format('ALTER SEQUENCE %%s RESTART WITH %%s', %s, v);\n"
		    "    PERFORM nextval(%s);\n"
		    "  ELSE\n"
		    "    PERFORM setval(%s, v);\n"
		    "  END IF;\n"
		    "  INSERT INTO drydock.ledger_sequence (ledger_id, seq_name, old_value, new_value)\n"
		    "    VALUES (%s, %s::text, old, v)",
		seq.buf, seq.buf, seq.buf, seq.buf, seq.buf, seq.buf, ledger_id, seq.buf);
	sb_adds(sb, "\n    ON CONFLICT (ledger_id, seq_name) DO UPDATE SET new_value = excluded.new_value;\n"
		    "END $dd$");
	sb_release(&seq);
}

static void render_table_counts(struct strbuf *sb, const struct push_table *t,
				const char *work, const char *ledger_id)
{
	sb_addf(sb, "UPDATE drydock.ledger_table AS l SET inserted = c.i, updated = c.u, deleted = c.d\n"
		    "FROM (SELECT count(*) FILTER (WHERE dd_op = 'I') AS i, "
		    "count(*) FILTER (WHERE dd_op = 'U') AS u, "
		    "count(*) FILTER (WHERE dd_op = 'D') AS d FROM %s) AS c\n"
		    "WHERE l.ledger_id = %s AND l.k = %d",
		work, ledger_id, t->k);
}

/*
 * The same counts, known: a one-transaction push applies every row of its
 * work tables (each statement's count is checked), so the change set's
 * counts are the ledger's without reading the work table again.
 */
static void render_table_counts_known(struct strbuf *sb, const struct push_table *t,
				      const char *ledger_id)
{
	sb_addf(sb, "UPDATE drydock.ledger_table SET inserted = %lld, updated = %lld, deleted = %lld\n"
		    "WHERE ledger_id = %s AND k = %d",
		t->ninsert, t->nupdate, t->ndelete, ledger_id, t->k);
}

static void render_ledger_done(struct strbuf *sb, const char *ledger_id)
{
	sb_addf(sb, "UPDATE drydock.ledger SET status = 'applied', checkpoint = units, "
		    "finished_at = clock_timestamp(),\n"
		    "  counts = coalesce((SELECT jsonb_object_agg(table_name, jsonb_build_object("
		    "'inserted', inserted, 'updated', updated, 'deleted', deleted)) "
		    "FROM drydock.ledger_table WHERE ledger_id = %s), '{}')\n"
		    "WHERE id = %s",
		ledger_id, ledger_id);
}

/*
 * The rule events (pg_rewrite.ev_type: '2' UPDATE, '3' INSERT, '4' DELETE)
 * the statements on t fire: a cycle's two-step writes update too.
 */
static void rule_events(const struct push_table *t, char ev[4])
{
	int n = 0;
	if (t->nupdate || (t->cycle && (t->ninsert || t->ndelete)))
		ev[n++] = '2';
	if (t->ninsert)
		ev[n++] = '3';
	if (t->ndelete)
		ev[n++] = '4';
	ev[n] = '\0';
}

/*
 * The enabled rules of the existing tables that the statements fire, as
 * preflight rows (table, rule, NULL, its definition, true, true, 'rule').
 * A rule rewrites the statement and may write other tables: what it does
 * is outside the ledger, so neither the verification nor a rollback could
 * account for it.
 */
static void render_preflight_rules(struct strbuf *sb, const struct push_set *ps)
{
	int rows = 0;
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		char ev[4];
		rule_events(t, ev);
		if (t->created || !*ev)
			continue;
		sb_adds(sb, rows++ ? ",\n  (" : "\nUNION ALL\nSELECT v.tbl, r.rulename::text, NULL::text, "
			    "pg_get_ruledef(r.oid), true, true, 'rule'\nFROM (VALUES (");
		sb_add_literal(sb, t->schema);
		sb_adds(sb, ", ");
		sb_add_literal(sb, t->name);
		sb_adds(sb, ", ");
		sb_add_literal(sb, ev);
		sb_adds(sb, ")");
	}
	if (rows)
		sb_adds(sb, ") AS v(sch, tbl, ev)\n"
			    "JOIN pg_namespace AS n ON n.nspname = v.sch\n"
			    "JOIN pg_class AS c ON c.relnamespace = n.oid AND c.relname = v.tbl\n"
			    "JOIN pg_rewrite AS r ON r.ev_class = c.oid AND r.rulename <> '_RETURN' "
			    "AND r.ev_enabled <> 'D' AND strpos(v.ev, r.ev_type::text) > 0");
}

/*
 * Which tables exist, with which columns and types, and which rules the
 * statements would fire: the problems.  before_done: a resumed batched
 * push already ran the "before" schema changes, so the tables they
 * create exist.
 */
static void render_preflight(struct strbuf *sb, const struct push_set *ps, int before_done)
{
	int rows = 0;
	sb_adds(sb, "SELECT e.tbl, e.col, e.typ, a.typ, c.oid IS NOT NULL, e.must_exist, NULL::text\n"
		    "FROM (VALUES ");
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		if (t->created && before_done)
			continue;
		if (t->created) {
			sb_adds(sb, rows++ ? ",\n  (" : "(");
			sb_add_literal(sb, t->schema);
			sb_adds(sb, ", ");
			sb_add_literal(sb, t->name);
			sb_adds(sb, ", NULL::text, NULL::text, false)");
			continue;
		}
		for (int c = 0; c < t->nold; c++) {
			sb_adds(sb, rows++ ? ",\n  (" : "(");
			sb_add_literal(sb, t->schema);
			sb_adds(sb, ", ");
			sb_add_literal(sb, t->name);
			sb_adds(sb, ", ");
			sb_add_literal(sb, t->old[c].name);
			sb_adds(sb, "::text, ");
			sb_add_literal(sb, t->old[c].type);
			sb_adds(sb, "::text, true)");
		}
	}
	sb_adds(sb, ") AS e(sch, tbl, col, typ, must_exist)\n"
		    "LEFT JOIN pg_namespace AS n ON n.nspname = e.sch\n"
		    "LEFT JOIN pg_class AS c ON c.relnamespace = n.oid AND c.relname = e.tbl "
		    "AND c.relkind IN ('r', 'p')\n"
		    "LEFT JOIN LATERAL (SELECT format_type(a.atttypid, a.atttypmod) AS typ "
		    "FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attname = e.col "
		    "AND a.attnum > 0 AND NOT a.attisdropped) AS a ON true\n"
		    "WHERE CASE WHEN e.must_exist THEN c.oid IS NULL OR a.typ IS DISTINCT FROM e.typ "
		    "ELSE c.oid IS NOT NULL END");
	render_preflight_rules(sb, ps);
}

/* ------------------------------------------------------------------- walk */

struct walk {
	const struct push_set *ps;
	const struct push_opts *o;
	struct ps_state *st;
	ps_step_fn fn;
	void *ctx;
	struct strbuf sql, comment;
	const struct push_rows *rows;
	int batched;
	const char *push_id;       /* rollback: the push's ledger id */
};

static int emit(struct walk *w, struct ps_step *s)
{
	s->sql = w->sql.buf;
	s->comment = w->comment.len ? w->comment.buf : NULL;
	int r = w->fn(w->ctx, s);
	sb_reset(&w->sql);
	sb_reset(&w->comment);
	return r;
}

#define STEP(...) (struct ps_step){ .table = -1, __VA_ARGS__ }
/* A step about one table (.table given). */
#define TSTEP(...) (struct ps_step){ __VA_ARGS__ }

/* Emits a prepared statement; returns from the calling walk on non-zero. */
#define EMIT(w, ...)                                            \
	do {                                                    \
		struct ps_step s_ = STEP(__VA_ARGS__);          \
		int r_ = emit((w), &s_);                        \
		if (r_)                                         \
			return r_;                              \
	} while (0)

static char *work_of(struct walk *w, const struct push_table *t, int temp)
{
	if (temp)
		return xasprintf("pg_temp.dd_%d", t->k);
	return pushset_work_table(w->st->ledger_id, t);
}

static int emit_sql(struct walk *w, const char *comment, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int emit_sql(struct walk *w, const char *comment, const char *fmt, ...)
{
	va_list ap;
	struct ps_step s = STEP(.kind = PS_SQL);
	if (comment)
		sb_adds(&w->comment, comment);
	va_start(ap, fmt);
	sb_vaddf(&w->sql, fmt, ap);
	va_end(ap);
	return emit(w, &s);
}

/* One table's statement for one data phase; 0 when it has none. */
static int data_step(struct walk *w, int ti, enum ps_phase ph, const char *work,
		     int batched)
{
	const struct push_table *t = &w->ps->tables[ti];
	struct ps_step s = TSTEP(.kind = PS_DML, .table = ti, .work = work);
	switch (ph) {
	case PH_UNLINK:
		if (!pushset_table_broken(w->ps, ti, 'D'))
			return 0;
		sb_adds(&w->comment, "foreign-key cycle: ");
		add_broken_names(&w->comment, w->ps, ti, 'D');
		sb_adds(&w->comment, " cleared in the rows to delete, so the rows they reference can go first");
		render_unlink(&w->sql, w->ps, ti, work);
		s.op = 'D';
		s.count = CNT_EXACT;
		break;
	case PH_DELETE_EARLY:
		if (!t->ndelete)
			return 0;
		if (pushsql_split_deletes(t)) {
			sb_addf(&w->comment, "deletes from %s not referenced by any row (the rest after the updates)",
				t->name);
			render_delete(&w->sql, w->ps, ti, work, 1);
			s.count = CNT_EARLY;
		} else {
			sb_addf(&w->comment, "deletes from %s", t->name);
			render_delete(&w->sql, w->ps, ti, work, 0);
			s.count = CNT_EXACT;
		}
		s.op = 'D';
		break;
	case PH_INSERT:
		if (!t->ninsert)
			return 0;
		sb_addf(&w->comment, "inserts into %s", t->name);
		if (pushset_table_broken(w->ps, ti, 'I')) {
			sb_adds(&w->comment, " (foreign-key cycle: ");
			add_broken_names(&w->comment, w->ps, ti, 'I');
			sb_adds(&w->comment, " NULL until the rows they reference exist)");
		}
		render_insert(&w->sql, w->ps, ti, work);
		s.op = 'I';
		s.count = CNT_EXACT;
		break;
	case PH_LINK:
		if (!pushset_table_broken(w->ps, ti, 'I'))
			return 0;
		sb_adds(&w->comment, "foreign-key cycle: ");
		add_broken_names(&w->comment, w->ps, ti, 'I');
		sb_adds(&w->comment, " of the inserted rows, now that the rows they reference exist");
		render_link(&w->sql, w->ps, ti, work);
		s.op = 'I';
		s.count = CNT_EXACT;
		break;
	case PH_UPDATE:
		if (!t->nupdate || !writable_cols(t))
			return 0;
		sb_addf(&w->comment, "updates of %s", t->name);
		render_update(&w->sql, t, work);
		s.op = 'U';
		s.count = CNT_EXACT;
		break;
	case PH_DELETE_LATE:
		if (!pushsql_split_deletes(t))
			return 0;
		sb_addf(&w->comment, "the remaining deletes from %s", t->name);
		render_delete(&w->sql, w->ps, ti, work, 0);
		s.op = 'D';
		/* a batch holds only the rows the early delete left */
		s.count = batched ? CNT_EXACT : CNT_REST;
		break;
	default:
		return 0;
	}
	return emit(w, &s);
}

/*
 * All data statements: deletes children first, inserts and updates
 * parents first; around them the two-step writes of broken foreign keys.
 */
static int data_all(struct walk *w, int temp)
{
	const struct push_set *ps = w->ps;
	for (int ph = PH_UNLINK; ph <= PH_DELETE_LATE; ph++) {
		int children_first = ph == PH_DELETE_EARLY || ph == PH_DELETE_LATE;
		for (int i = 0; i < ps->ntables; i++) {
			int ti = ps->order[children_first ? ps->ntables - 1 - i : i];
			char *work = work_of(w, &ps->tables[ti], temp);
			int r = data_step(w, ti, (enum ps_phase)ph, work, 0);
			free(work);
			if (r)
				return r;
		}
	}
	return 0;
}

/* tmpl with every {ID} replaced by id. */
static char *subst_id(const char *tmpl, const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	while ((p = strstr(tmpl, "{ID}"))) {
		sb_add(&sb, tmpl, (size_t)(p - tmpl));
		sb_adds(&sb, id);
		tmpl = p + 4;
	}
	sb_adds(&sb, tmpl);
	return sb_detach(&sb, NULL);
}

/* drop_column, drop_table: keep the data in the ledger before the drop. */
static int emit_save(struct walk *w, const struct push_ddl *d)
{
	char *sql;
	if (!d->save)
		return 0;
	sql = subst_id(d->save, w->st->ledger_id);
	sb_addf(&w->comment, "the data %s %s drops, kept in the ledger for a rollback",
		d->op, d->tbl ? d->tbl : "");
	sb_adds(&w->sql, sql);
	free(sql);
	return emit(w, &STEP(.kind = PS_SQL));
}

static int emit_ddl(struct walk *w, const struct push_ddl *d, const char *part,
		    const char *text, const char *what)
{
	struct ps_step s = STEP(.kind = PS_DDL);
	if (!text || !*text)
		return 0;
	sb_addf(&w->comment, "%s: %s %s%s(%s phase, %s)", what, d->op, d->tbl ? d->tbl : "",
		d->tbl ? " " : "", d->after ? "after" : "before", part);
	sb_adds(&w->sql, text);
	while (w->sql.len && strchr(" \t\r\n;", w->sql.buf[w->sql.len - 1]))
		sb_setlen(&w->sql, w->sql.len - 1);
	return emit(w, &s);
}

/* if_not_exists changes: record whether the target already had it. */
static int emit_probe(struct walk *w, const struct push_ddl *d)
{
	struct ps_step s = STEP(.kind = PS_SQL);
	if (!d->probe)
		return 0;
	sb_addf(&w->comment, "if_not_exists: does the target already have it? (%s %s)",
		d->op, d->tbl ? d->tbl : "");
	sb_addf(&w->sql, "UPDATE drydock.ledger_ddl SET applied = NOT coalesce((%s), false) "
		    "WHERE ledger_id = %s AND seq = %d", d->probe, w->st->ledger_id, d->seq);
	while (w->sql.len && strchr(" \n;", w->sql.buf[w->sql.len - 1]))
		sb_setlen(&w->sql, w->sql.len - 1);
	return emit(w, &s);
}

static int ddl_before(struct walk *w)
{
	for (int i = 0; i < w->ps->nddl; i++) {
		const struct push_ddl *d = &w->ps->ddl[i];
		int r;
		if (d->after)
			continue;
		if ((r = emit_probe(w, d)) || (!*d->ddl_post && (r = emit_save(w, d))) ||
		    (r = emit_ddl(w, d, "ddl", d->ddl, "schema change")))
			return r;
	}
	return 0;
}

static int ddl_rest(struct walk *w)
{
	int r;
	for (int i = 0; i < w->ps->nddl; i++) {
		const struct push_ddl *d = &w->ps->ddl[i];
		if (d->after || !*d->ddl_post)
			continue;
		if ((r = emit_save(w, d)) || (r = emit_ddl(w, d, "ddl_post", d->ddl_post, "schema change")))
			return r;
	}
	for (int i = 0; i < w->ps->nddl; i++) {
		const struct push_ddl *d = &w->ps->ddl[i];
		if (!d->after)
			continue;
		if ((r = emit_probe(w, d)) || (!*d->ddl_post && (r = emit_save(w, d))) ||
		    (r = emit_ddl(w, d, "ddl", d->ddl, "schema change")) ||
		    (*d->ddl_post && (r = emit_save(w, d))) ||
		    (r = emit_ddl(w, d, "ddl_post", d->ddl_post, "schema change")))
			return r;
	}
	return 0;
}

static int emit_sequences(struct walk *w, const struct push_table *t, const char *work)
{
	if (!t->ninsert && !t->nupdate)
		return 0;
	for (int c = 0; c < t->nnew; c++) {
		struct ps_step s = STEP(.kind = PS_SQL);
		int r;
		if (!t->new[c].seq || !t->new[c].mid)
			continue;
		sb_addf(&w->comment, "sequence %s past the largest %s.%s written",
			t->new[c].seq, t->name, t->new[c].name);
		render_sequence(&w->sql, t->new[c].seq, &t->new[c], work, 0, w->st->ledger_id);
		if ((r = emit(w, &s)))
			return r;
	}
	return 0;
}

/* Sequences the offline run drew from, past what it drew. */
static int emit_drawn_sequences(struct walk *w)
{
	for (int i = 0; i < w->ps->nseqs; i++) {
		struct ps_step s = STEP(.kind = PS_SQL);
		int r;
		sb_addf(&w->comment, "sequence %s past %lld, the last value the offline run drew",
			w->ps->seqs[i].name, w->ps->seqs[i].value);
		render_sequence(&w->sql, w->ps->seqs[i].name, NULL, NULL, w->ps->seqs[i].value,
				w->st->ledger_id);
		if ((r = emit(w, &s)))
			return r;
	}
	return 0;
}

static int emit_conflicts(struct walk *w, int ti, const char *work, long unit)
{
	struct ps_step s = TSTEP(.kind = PS_CONFLICTS, .table = ti, .work = work, .unit = unit);
	sb_addf(&w->comment, "conflict check: %s", w->ps->tables[ti].name);
	if (w->ps->tables[ti].full_row)
		sb_adds(&w->comment, " (no key: whole rows, copies by count)");
	pushsql_conflicts_sql(&w->sql, &w->ps->tables[ti], work);
	return emit(w, &s);
}

static int emit_verify(struct walk *w, int ti, const char *work, int with_deletes)
{
	struct ps_step s = TSTEP(.kind = PS_VERIFY, .table = ti, .work = work);
	const struct push_table *t = &w->ps->tables[ti];
	if (!t->ninsert && !t->nupdate && !(with_deletes && t->ndelete))
		return 0;
	sb_addf(&w->comment, "verify: %s holds the expected rows", t->name);
	render_verify(&w->sql, w->ps, t, work, with_deletes);
	return emit(w, &s);
}

/* After a verification: what the target's triggers wrote, into the ledger. */
static int emit_capture(struct walk *w, int ti, const char *work, long unit)
{
	struct ps_step s = TSTEP(.kind = PS_CAPTURE, .table = ti, .work = work, .unit = unit);
	const struct push_table *t = &w->ps->tables[ti];
	/* without a key, a row a trigger changed cannot be found: the
	 * verification refuses it instead */
	if ((!t->ninsert && !t->nupdate) || !t->nnew || t->full_row)
		return 0;
	sb_addf(&w->comment, "into the ledger: %s as the target holds it, if its triggers changed rows", t->name);
	render_capture(&w->sql, w->ps, t, work);
	return emit(w, &s);
}

static int emit_triggers(struct walk *w, int off, long unit)
{
	if (off) {
		sb_adds(&w->comment, w->ps->rollback
			? "the tables' own triggers off, so the rows get back exactly as they were "
			  "(foreign keys stay enforced)"
			: "--disable-triggers: the tables' own triggers off for this transaction "
			  "(foreign keys stay enforced)");
		render_triggers_off(&w->sql, w->ps);
	} else {
		sb_adds(&w->comment, "the triggers on again, as they were");
		render_triggers_on(&w->sql);
	}
	return emit(w, &STEP(.kind = PS_SQL, .unit = unit));
}

static int emit_preflight(struct walk *w, int before_done)
{
	struct ps_step s = STEP(.kind = PS_PREFLIGHT);
	int any = 0;
	for (int i = 0; i < w->ps->ntables; i++)
		any |= !(w->ps->tables[i].created && before_done);
	if (!any)
		return 0;
	sb_adds(&w->comment, "the target's tables and columns are those of the snapshot, with no rule to fire");
	render_preflight(&w->sql, w->ps, before_done);
	return emit(w, &s);
}

static int emit_ledger_tables(struct walk *w, int batched)
{
	const struct push_set *ps = w->ps;
	int r;
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		char *work = pushset_work_table(w->st->ledger_id, t);
		cJSON *spec = pushset_table_json(t);
		char *js = cJSON_PrintUnformatted(spec);
		struct ps_step s = STEP(.kind = PS_SQL);
		sb_addf(&w->comment, "work table of %s: every row it moves, before and after (the inverse)",
			t->name);
		render_create_work(&w->sql, t, work);
		if (batched)
			sb_addf(&w->sql, ";\nCREATE INDEX ON %s (dd_seq)", work);
		sb_addf(&w->sql, ";\nINSERT INTO drydock.ledger_table (ledger_id, k, schema_name, "
				 "table_name, spec) VALUES (%s, %d, ", w->st->ledger_id, t->k);
		sb_add_literal(&w->sql, t->schema);
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, t->name);
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, js);
		sb_adds(&w->sql, ")");
		r = emit(w, &s);
		cJSON_free(js);
		cJSON_Delete(spec);
		free(work);
		if (r)
			return r;
	}
	for (int i = 0; i < ps->nddl; i++) {
		const struct push_ddl *d = &ps->ddl[i];
		struct ps_step s = STEP(.kind = PS_SQL);
		if (!i)
			sb_adds(&w->comment, "the schema changes and their inverse");
		sb_addf(&w->sql, "INSERT INTO drydock.ledger_ddl (ledger_id, seq, phase, op, tbl, ddl, "
				 "ddl_post, inverse, inverse_post, restore) VALUES (%s, %d, '%s', ",
			w->st->ledger_id, d->seq, d->after ? "after" : "before");
		sb_add_literal(&w->sql, d->op);
		sb_adds(&w->sql, ", ");
		if (d->tbl)
			sb_add_literal(&w->sql, d->tbl);
		else
			sb_adds(&w->sql, "NULL");
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, d->ddl);
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, d->ddl_post);
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, d->inverse);
		sb_adds(&w->sql, ", ");
		sb_add_literal(&w->sql, d->inverse_post);
		sb_adds(&w->sql, ", ");
		{
			char *restore = subst_id(d->restore ? d->restore : "", w->st->ledger_id);
			sb_add_literal(&w->sql, restore);
			free(restore);
		}
		sb_adds(&w->sql, ")");
		if ((r = emit(w, &s)))
			return r;
	}
	return 0;
}

static void add_opt_literal(struct strbuf *sb, const char *s)
{
	if (s)
		sb_add_literal(sb, s);
	else
		sb_adds(sb, "NULL");
}

static int emit_ledger_new_push(struct walk *w)
{
	const struct push_opts *o = w->o;
	struct ps_step s = STEP(.kind = PS_LEDGER_NEW);
	sb_adds(&w->comment, "the ledger entry of this push");
	sb_adds(&w->sql, "INSERT INTO drydock.ledger (kind, hash, plan, status, approved_by, "
			 "approval_note, approved_at, drydock_version, staging, batch_size, units)\n"
			 "VALUES ('push', ");
	sb_add_literal(&w->sql, w->ps->hash);
	sb_adds(&w->sql, ", ");
	sb_add_literal(&w->sql, w->ps->plan);
	sb_adds(&w->sql, ", 'in_progress', ");
	add_opt_literal(&w->sql, o->approved_by);
	sb_adds(&w->sql, ", ");
	add_opt_literal(&w->sql, o->approval_note);
	sb_adds(&w->sql, ", ");
	add_opt_literal(&w->sql, o->approved_at);
	sb_adds(&w->sql, ", ");
	sb_add_literal(&w->sql, DD_VERSION);
	sb_adds(&w->sql, ", ");
	add_opt_literal(&w->sql, o->staging);
	if (w->batched)
		sb_addf(&w->sql, ", %ld, %ld)", w->st->batch_size, w->st->nunits);
	else
		sb_adds(&w->sql, ", NULL, 1)");
	sb_adds(&w->sql, " RETURNING id");
	return emit(w, &s);
}

static int prologue(struct walk *w)
{
	const struct push_opts *o = w->o;
	render_session(&w->sql, o);
	sb_adds(&w->comment, "session settings");
	EMIT(w, .kind = PS_SQL);
	sb_addf(&w->comment, "one push or rollback per database at a time (waits up to lock_timeout)");
	sb_addf(&w->sql, "SELECT pg_advisory_lock(%d, %d)", PUSH_LOCK_KEY1, PUSH_LOCK_KEY2);
	EMIT(w, .kind = PS_LOCK);
	sb_adds(&w->sql, "BEGIN ISOLATION LEVEL READ COMMITTED");
	EMIT(w, .kind = PS_BEGIN);
	sb_adds(&w->sql, "SET CONSTRAINTS ALL DEFERRED");
	EMIT(w, .kind = PS_SQL);
	return 0;
}

static int epilogue_commit(struct walk *w)
{
	sb_adds(&w->sql, "COMMIT");
	EMIT(w, .kind = PS_COMMIT);
	return 0;
}

/* ------------------------------------------------------------- push walks */

static int walk_single(struct walk *w)
{
	const struct push_set *ps = w->ps;
	int r;

	if ((r = emit_ledger_new_push(w)) || (r = emit_ledger_tables(w, 0)))
		return r;
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		char *work = work_of(w, t, 0);
		struct ps_step s = TSTEP(.kind = PS_COPY, .table = i, .work = work);
		render_copy(&w->sql, t, work);
		sb_addf(&w->comment, "%s: %lld inserts, %lld updates, %lld deletes", t->name,
			t->ninsert, t->nupdate, t->ndelete);
		if (!(r = emit(w, &s)))
			r = emit_sql(w, NULL, "ANALYZE %s", work);
		free(work);
		if (r)
			return r;
	}
	if ((r = emit_preflight(w, 0)))
		return r;
	for (int i = 0; i < ps->ntables; i++) {
		char *work;
		if (ps->tables[i].created)
			continue; /* it does not exist yet */
		work = work_of(w, &ps->tables[i], 0);
		r = emit_conflicts(w, i, work, 0);
		free(work);
		if (r)
			return r;
	}
	if (w->o->disable_triggers && (r = emit_triggers(w, 1, 0)))
		return r;
	if ((r = ddl_before(w)) || (r = data_all(w, 0)))
		return r;
	if ((r = emit_sql(w, "deferred constraints are checked now", "SET CONSTRAINTS ALL IMMEDIATE")))
		return r;
	for (int i = 0; i < ps->ntables; i++) {
		char *work = work_of(w, &ps->tables[i], 0);
		r = emit_verify(w, i, work, 1);
		if (!r)
			r = emit_capture(w, i, work, 0);
		free(work);
		if (r)
			return r;
	}
	if (w->o->disable_triggers && (r = emit_triggers(w, 0, 0)))
		return r;
	if ((r = ddl_rest(w)))
		return r;
	/* last: setval() is not undone by a rollback of the transaction */
	for (int i = 0; i < ps->ntables; i++) {
		char *work = work_of(w, &ps->tables[i], 0);
		r = emit_sequences(w, &ps->tables[i], work);
		free(work);
		if (r)
			return r;
	}
	if ((r = emit_drawn_sequences(w)))
		return r;
	for (int i = 0; i < ps->ntables; i++) {
		render_table_counts_known(&w->sql, &ps->tables[i], w->st->ledger_id);
		if ((r = emit(w, &STEP(.kind = PS_SQL))))
			return r;
	}
	sb_adds(&w->comment, "the push is applied");
	render_ledger_done(&w->sql, w->st->ledger_id);
	if ((r = emit(w, &STEP(.kind = PS_SQL))) || (r = epilogue_commit(w)))
		return r;
	sb_addf(&w->sql, "SELECT pg_advisory_unlock(%d, %d)", PUSH_LOCK_KEY1, PUSH_LOCK_KEY2);
	EMIT(w, .kind = PS_UNLOCK);
	return 0;
}

static const char *phase_name(enum ps_phase ph)
{
	switch (ph) {
	case PH_DELETE_EARLY: return "deletes";
	case PH_INSERT: return "inserts";
	case PH_UPDATE: return "updates";
	case PH_DELETE_LATE: return "remaining deletes";
	case PH_UNLINK: return "cycle references cleared";
	case PH_LINK: return "cycle references set";
	default: return "schema changes";
	}
}

static int walk_unit(struct walk *w, long u)
{
	const struct push_set *ps = w->ps;
	const struct push_unit *un = &w->st->units[u - 1];
	const struct push_table *t = un->table >= 0 ? &ps->tables[un->table] : NULL;
	char *tmp = t ? work_of(w, t, 1) : NULL, *store = t ? work_of(w, t, 0) : NULL;
	int last = u == w->st->nunits, r = 0;
	char op = un->phase == PH_INSERT ? 'I' : un->phase == PH_UPDATE ? 'U' : 'D';

	sb_addf(&w->comment, "batch %ld of %ld: %s", u, w->st->nunits, phase_name(un->phase));
	if (t)
		sb_addf(&w->comment, " of %s, %lld rows", t->name, un->rows);
	sb_adds(&w->sql, "BEGIN ISOLATION LEVEL READ COMMITTED");
	if ((r = emit(w, &STEP(.kind = PS_BEGIN, .unit = u))))
		goto out;
	if ((r = emit_sql(w, NULL, "SET CONSTRAINTS ALL DEFERRED")))
		goto out;
	if (t) {
		struct ps_step s = TSTEP(.kind = PS_COPY, .table = un->table, .op = op, .unit = u,
					.first_seq = un->first_seq, .last_seq = un->last_seq, .work = tmp);
		if ((r = emit_sql(w, NULL, "CREATE TEMP TABLE dd_%d (LIKE %s) ON COMMIT DROP", t->k, store)))
			goto out;
		render_copy(&w->sql, t, tmp);
		if ((r = emit(w, &s)))
			goto out;
		if (un->phase == PH_DELETE_LATE) {
			sb_adds(&w->comment, "rows the early delete already removed");
			sb_addf(&w->sql, "DELETE FROM %s AS s USING %s AS x WHERE x.dd_seq = s.dd_seq", tmp, store);
			if ((r = emit(w, &TSTEP(.kind = PS_EXCLUDE, .table = un->table, .op = 'D', .unit = u))))
				goto out;
		}
		if ((r = emit_sql(w, NULL, "ANALYZE %s", tmp)))
			goto out;
		if ((!t->created || u > 1) && (r = emit_conflicts(w, un->table, tmp, u)))
			goto out;
	}
	if (w->o->disable_triggers && (r = emit_triggers(w, 1, u)))
		goto out;
	if (u == 1 && (r = ddl_before(w)))
		goto out;
	if (t && (r = data_step(w, un->table, un->phase, tmp, 1)))
		goto out;
	if ((r = emit_sql(w, NULL, "SET CONSTRAINTS ALL IMMEDIATE")))
		goto out;
	if (t && !(un->phase == PH_DELETE_EARLY && pushsql_split_deletes(t))) {
		sb_addf(&w->comment, "verify: %s holds the expected rows", t->name);
		render_verify(&w->sql, ps, t, tmp, 1);
		if ((r = emit(w, &TSTEP(.kind = PS_VERIFY, .table = un->table, .work = tmp, .unit = u))))
			goto out;
		if ((un->phase == PH_INSERT || un->phase == PH_UPDATE) &&
		    (r = emit_capture(w, un->table, tmp, u)))
			goto out;
	}
	if (w->o->disable_triggers && (r = emit_triggers(w, 0, u)))
		goto out;
	if (last && (r = ddl_rest(w)))
		goto out;
	if (t && (un->phase == PH_INSERT || un->phase == PH_UPDATE) &&
	    (r = emit_sequences(w, t, tmp)))
		goto out;
	if (last && (r = emit_drawn_sequences(w)))
		goto out;
	if (t) {
		sb_adds(&w->comment, "into the ledger: the rows this batch applied");
		sb_addf(&w->sql, "INSERT INTO %s SELECT s.* FROM %s AS s", store, tmp);
		if (un->phase == PH_DELETE_EARLY && pushsql_split_deletes(t)) {
			sb_adds(&w->sql, "\nWHERE NOT EXISTS (SELECT 1 FROM ");
			add_table(&w->sql, t);
			sb_adds(&w->sql, " AS t WHERE ");
			add_key_join(&w->sql, t, 1);
			sb_adds(&w->sql, ")");
		}
		if ((r = emit(w, &STEP(.kind = PS_SQL))))
			goto out;
	}
	if (last) {
		for (int i = 0; i < ps->ntables; i++) {
			char *st = work_of(w, &ps->tables[i], 0);
			render_table_counts(&w->sql, &ps->tables[i], st, w->st->ledger_id);
			free(st);
			if ((r = emit(w, &STEP(.kind = PS_SQL))))
				goto out;
		}
		sb_adds(&w->comment, "the push is applied");
		render_ledger_done(&w->sql, w->st->ledger_id);
	} else {
		sb_addf(&w->sql, "UPDATE drydock.ledger SET checkpoint = %ld WHERE id = %s", u,
			w->st->ledger_id);
	}
	if ((r = emit(w, &STEP(.kind = PS_SQL, .unit = u))))
		goto out;
	sb_adds(&w->sql, "COMMIT");
	r = emit(w, &STEP(.kind = PS_COMMIT, .unit = u));
out:
	free(tmp);
	free(store);
	return r;
}

static int walk_batched(struct walk *w)
{
	const struct push_set *ps = w->ps;
	int r;

	for (int i = 0; i < ps->ntables; i++)
		if (pushset_table_broken(ps, i, 'I') || pushset_table_broken(ps, i, 'D'))
			return error("a batched push cannot write table %s in two steps", ps->tables[i].name);
	if (!w->st->units) {
		if (!w->rows)
			return error("a batched push needs its change rows to plan its batches");
		if ((r = pushsql_plan_units(ps, w->rows, w->st->batch_size, w->st)))
			return r;
	}
	if (!w->st->resume &&
	    ((r = emit_ledger_new_push(w)) || (r = emit_ledger_tables(w, 1))))
		return r;
	/* the whole change set is checked before the first batch */
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		char *tmp = work_of(w, t, 1), *store = work_of(w, t, 0);
		struct ps_step s = TSTEP(.kind = PS_COPY, .table = i, .work = tmp);
		r = emit_sql(w, NULL, "CREATE TEMP TABLE dd_%d (LIKE %s) ON COMMIT DROP", t->k, store);
		if (!r) {
			render_copy(&w->sql, t, tmp);
			sb_addf(&w->comment, "%s: %lld inserts, %lld updates, %lld deletes", t->name,
				t->ninsert, t->nupdate, t->ndelete);
			r = emit(w, &s);
		}
		if (!r && w->st->resume) {
			sb_adds(&w->comment, "resuming: rows the batches already applied");
			sb_addf(&w->sql, "DELETE FROM %s AS s USING %s AS x WHERE x.dd_seq = s.dd_seq", tmp, store);
			r = emit(w, &TSTEP(.kind = PS_EXCLUDE, .table = i));
		}
		if (!r)
			r = emit_sql(w, NULL, "ANALYZE %s", tmp);
		free(tmp);
		free(store);
		if (r)
			return r;
	}
	if ((r = emit_preflight(w, w->st->checkpoint >= 1)))
		return r;
	for (int i = 0; i < ps->ntables; i++) {
		char *tmp;
		if (ps->tables[i].created && w->st->checkpoint < 1)
			continue;
		tmp = work_of(w, &ps->tables[i], 1);
		r = emit_conflicts(w, i, tmp, 0);
		free(tmp);
		if (r)
			return r;
	}
	if ((r = epilogue_commit(w)))
		return r;
	for (long u = w->st->checkpoint + 1; u <= w->st->nunits; u++)
		if ((r = walk_unit(w, u)))
			return r;
	sb_addf(&w->sql, "SELECT pg_advisory_unlock(%d, %d)", PUSH_LOCK_KEY1, PUSH_LOCK_KEY2);
	EMIT(w, .kind = PS_UNLOCK);
	return 0;
}

int pushsql_walk_push(const struct push_set *ps, const struct push_rows *rows,
		      const struct push_opts *o, struct ps_state *st,
		      ps_step_fn fn, void *ctx)
{
	struct walk w = { ps, o, st, fn, ctx, STRBUF_INIT, STRBUF_INIT, rows, 0, NULL };
	int r;

	if (!st->ledger_id[0])
		snprintf(st->ledger_id, sizeof(st->ledger_id), "<id>");
	if (!st->batch_size)
		st->batch_size = o->batch_size;
	if ((r = prologue(&w)))
		goto out;
	sb_adds(&w.comment, "the ledger (created when absent)");
	sb_adds(&w.sql, schema_ledger_sql);
	while (w.sql.len && strchr(" \n;", w.sql.buf[w.sql.len - 1]))
		sb_setlen(&w.sql, w.sql.len - 1);
	if ((r = emit(&w, &STEP(.kind = PS_LEDGER_ENSURE))))
		goto out;
	sb_adds(&w.comment, "a change set already in the ledger is not applied again");
	sb_adds(&w.sql, "SELECT id, status, checkpoint, batch_size FROM drydock.ledger "
			"WHERE kind = 'push' AND hash = ");
	sb_add_literal(&w.sql, ps->hash);
	sb_adds(&w.sql, " AND status <> 'rolled_back' ORDER BY id DESC LIMIT 1");
	if ((r = emit(&w, &STEP(.kind = PS_LEDGER_FIND))))
		goto out;
	w.batched = st->batch_size > 0;
	r = w.batched ? walk_batched(&w) : walk_single(&w);
out:
	sb_release(&w.sql);
	sb_release(&w.comment);
	return r;
}

int pushsql_walk_prologue(const struct push_opts *o, struct ps_state *st,
			  ps_step_fn fn, void *ctx)
{
	struct walk w = { NULL, o, st, fn, ctx, STRBUF_INIT, STRBUF_INIT, NULL, 0, NULL };
	int r = prologue(&w);
	sb_release(&w.sql);
	sb_release(&w.comment);
	return r;
}

/* --------------------------------------------------------- rollback walk */

/* The push's work column matching a rollback column: o_x <-> n_x. */
static void add_swapped(struct strbuf *sb, const char *work)
{
	char *w = xstrdup(work);
	w[0] = w[0] == 'o' ? 'n' : 'o';
	sb_adds(sb, "s.");
	sb_add_ident(sb, w);
	free(w);
}

/*
 * The rollback's work table, from the push's: images swapped, only the
 * rows --where selects, none an earlier rollback already undid.
 */
static void render_rollback_work(struct strbuf *sb, const struct push_table *t, int ti,
				 const char *work, const char *push_id,
				 const struct push_opts *o)
{
	sb_addf(sb, "CREATE TABLE %s AS\nSELECT s.dd_seq, CASE s.dd_op WHEN 'I' THEN 'D' "
		    "WHEN 'D' THEN 'I' ELSE 'U' END AS dd_op", work);
	/* rollback old = push new (n_*), rollback new = push old (o_*) */
	for (int i = 0; i < t->nold; i++) {
		sb_adds(sb, ", ");
		add_swapped(sb, t->old[i].work);
		sb_adds(sb, " AS ");
		sb_add_ident(sb, t->old[i].work);
	}
	for (int i = 0; i < t->nnew; i++) {
		sb_adds(sb, ", ");
		add_swapped(sb, t->new[i].work);
		sb_adds(sb, " AS ");
		sb_add_ident(sb, t->new[i].work);
	}
	sb_addf(sb, "\nFROM drydock.ledger_%s_%d AS s\nWHERE true", push_id, t->k);
	for (int p = 0; p < o->nprior; p++)
		sb_addf(sb, "\n  AND NOT EXISTS (SELECT 1 FROM drydock.ledger_%lld_%d AS r "
			    "WHERE r.dd_seq = s.dd_seq)", o->prior[p], t->k);
	if (o->partial && !(o->where && o->where[ti])) {
		sb_adds(sb, "\n  AND false");
	} else if (o->where && o->where[ti]) {
		/* the row as the push left it (or, for a delete, as it was) */
		sb_adds(sb, "\n  AND EXISTS (SELECT 1 FROM (SELECT ");
		int first = 1;
		for (int i = 0; i < t->nold; i++) { /* push's after-image */
			const struct push_col *c = &t->old[i];
			const struct push_col *b = col_named(t->new, t->nnew, c->name);
			sb_adds(sb, first ? "" : ", ");
			first = 0;
			if (b && !strcmp(b->type, c->type)) {
				sb_adds(sb, "CASE WHEN s.dd_op = 'D' THEN ");
				add_swapped(sb, b->work);
				sb_adds(sb, " ELSE ");
				add_swapped(sb, c->work);
				sb_adds(sb, " END");
			} else {
				add_swapped(sb, c->work);
			}
			sb_adds(sb, " AS ");
			sb_add_ident(sb, c->name);
		}
		for (int i = 0; i < t->nnew; i++) { /* columns only the before-image has */
			const struct push_col *b = &t->new[i];
			if (col_named(t->old, t->nold, b->name))
				continue;
			sb_adds(sb, first ? "" : ", ");
			first = 0;
			add_swapped(sb, b->work);
			sb_adds(sb, " AS ");
			sb_add_ident(sb, b->name);
		}
		sb_adds(sb, ") AS ");
		sb_add_ident(sb, t->name);
		sb_addf(sb, " WHERE (%s))", o->where[ti]);
	}
}

int pushsql_walk_rollback(const struct push_set *rb, const char *push_id,
			  const struct push_opts *o, struct ps_state *st,
			  ps_step_fn fn, void *ctx)
{
	struct walk w = { rb, o, st, fn, ctx, STRBUF_INIT, STRBUF_INIT, NULL, 0, push_id };
	int r = 0;

	if (!st->ledger_id[0])
		snprintf(st->ledger_id, sizeof(st->ledger_id), "<id>");
	sb_adds(&w.comment, "the ledger entry of this rollback");
	sb_adds(&w.sql, "INSERT INTO drydock.ledger (kind, hash, plan, status, rollback_of, filter, "
			"drydock_version, staging)\nVALUES ('rollback', ");
	sb_add_literal(&w.sql, rb->hash);
	sb_adds(&w.sql, ", ");
	sb_add_literal(&w.sql, rb->plan);
	sb_addf(&w.sql, ", 'in_progress', %s, ", push_id);
	add_opt_literal(&w.sql, o->filter);
	sb_adds(&w.sql, ", ");
	sb_add_literal(&w.sql, DD_VERSION);
	sb_adds(&w.sql, ", ");
	add_opt_literal(&w.sql, o->staging);
	sb_adds(&w.sql, ") RETURNING id");
	if ((r = emit(&w, &STEP(.kind = PS_LEDGER_NEW))))
		goto out;
	for (int i = 0; i < rb->ntables; i++) {
		const struct push_table *t = &rb->tables[i];
		char *work = work_of(&w, t, 0);
		cJSON *spec = pushset_table_json(t);
		char *js = cJSON_PrintUnformatted(spec);
		sb_addf(&w.comment, "%s: the rows to restore", t->name);
		render_rollback_work(&w.sql, t, i, work, push_id, o);
		sb_addf(&w.sql, ";\nINSERT INTO drydock.ledger_table (ledger_id, k, schema_name, "
				"table_name, spec) VALUES (%s, %d, ", st->ledger_id, t->k);
		sb_add_literal(&w.sql, t->schema);
		sb_adds(&w.sql, ", ");
		sb_add_literal(&w.sql, t->name);
		sb_adds(&w.sql, ", ");
		sb_add_literal(&w.sql, js);
		sb_adds(&w.sql, ")");
		cJSON_free(js);
		cJSON_Delete(spec);
		r = emit(&w, &STEP(.kind = PS_SQL));
		if (!r)
			r = emit_sql(&w, NULL, "ANALYZE %s", work);
		if (!r) {
			sb_addf(&w.sql, "SELECT dd_op, count(*) FROM %s GROUP BY dd_op", work);
			r = emit(&w, &TSTEP(.kind = PS_COUNT, .table = i, .work = work));
		}
		free(work);
		if (r)
			goto out;
	}
	if ((r = emit_preflight(&w, 0)))
		goto out;
	for (int i = 0; i < rb->ntables; i++) {
		char *work = work_of(&w, &rb->tables[i], 0);
		r = emit_conflicts(&w, i, work, 0);
		free(work);
		if (r)
			goto out;
	}
	if ((r = emit_triggers(&w, 1, 0)))
		goto out;
	if (!o->partial)
		for (int i = rb->nddl - 1; i >= 0; i--)
			if (rb->ddl[i].applied &&
			    (r = emit_ddl(&w, &rb->ddl[i], "inverse", rb->ddl[i].inverse, "undo")))
				goto out;
	if ((r = data_all(&w, 0)))
		goto out;
	if ((r = emit_sql(&w, "deferred constraints are checked now", "SET CONSTRAINTS ALL IMMEDIATE")))
		goto out;
	for (int i = 0; i < rb->ntables; i++) {
		char *work = work_of(&w, &rb->tables[i], 0);
		r = emit_verify(&w, i, work, 1);
		free(work);
		if (r)
			goto out;
	}
	if (!o->partial) {
		for (int i = rb->nddl - 1; i >= 0; i--) {
			const struct push_ddl *d = &rb->ddl[i];
			if (!d->applied || !d->restore || !*d->restore)
				continue;
			sb_addf(&w.comment, "the data %s %s dropped, from the ledger", d->op, d->tbl ? d->tbl : "");
			sb_adds(&w.sql, d->restore);
			if ((r = emit(&w, &STEP(.kind = PS_SQL))))
				goto out;
		}
		for (int i = rb->nddl - 1; i >= 0; i--)
			if (rb->ddl[i].applied &&
			    (r = emit_ddl(&w, &rb->ddl[i], "inverse_post", rb->ddl[i].inverse_post, "undo")))
				goto out;
	}
	if ((r = emit_triggers(&w, 0, 0)))
		goto out;
	if (!o->partial) {
		sb_adds(&w.comment, "sequences go back where they were, if nothing used them since");
		sb_addf(&w.sql, "DO $dd$ DECLARE r record; BEGIN\n"
				"  FOR r IN SELECT to_regclass(s.seq_name) AS seq, s.old_value, q.seqstart\n"
				"    FROM drydock.ledger_sequence AS s JOIN pg_sequence AS q ON q.seqrelid = to_regclass(s.seq_name)\n"
				"    WHERE s.ledger_id = %s AND pg_sequence_last_value(to_regclass(s.seq_name)) = s.new_value\n"
				"      AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = to_regclass(s.seq_name)), 'USAGE')\n"
				"  LOOP\n"
				"    EXECUTE format('ALTER SEQUENCE %%s RESTART WITH %%s', r.seq, coalesce(r.old_value, r.seqstart));\n"
				"    IF r.old_value IS NOT NULL THEN PERFORM nextval(r.seq); END IF;\n"
				"  END LOOP;\n"
				"END $dd$", push_id);
		if ((r = emit(&w, &STEP(.kind = PS_SQL))))
			goto out;
	}
	for (int i = 0; i < rb->ntables; i++) {
		char *work = work_of(&w, &rb->tables[i], 0);
		render_table_counts(&w.sql, &rb->tables[i], work, st->ledger_id);
		free(work);
		if ((r = emit(&w, &STEP(.kind = PS_SQL))))
			goto out;
	}
	sb_adds(&w.comment, "the rollback is applied");
	render_ledger_done(&w.sql, st->ledger_id);
	if ((r = emit(&w, &STEP(.kind = PS_SQL))))
		goto out;
	sb_addf(&w.sql, "UPDATE drydock.ledger SET status = '%s' WHERE id = %s",
		o->partial ? "partially_rolled_back" : "rolled_back", push_id);
	if ((r = emit(&w, &STEP(.kind = PS_SQL))))
		goto out;
	sb_adds(&w.sql, "COMMIT");
	if ((r = emit(&w, &STEP(.kind = PS_COMMIT))))
		goto out;
	sb_addf(&w.sql, "SELECT pg_advisory_unlock(%d, %d)", PUSH_LOCK_KEY1, PUSH_LOCK_KEY2);
	r = emit(&w, &STEP(.kind = PS_UNLOCK));
out:
	sb_release(&w.sql);
	sb_release(&w.comment);
	return r;
}

/* ------------------------------------------------------------------ units */

void pushsql_state_release(struct ps_state *st)
{
	free(st->units);
	st->units = NULL;
	st->nunits = 0;
}

static void add_unit(struct ps_state *st, enum ps_phase ph, int table,
		     long long first, long long last, long long rows)
{
	st->units = xrealloc(st->units, (size_t)(st->nunits + 1) * sizeof(*st->units));
	st->units[st->nunits++] = (struct push_unit){ ph, table, first, last, rows };
}

/* Cuts one table's rows of one operation into runs of size rows. */
struct unit_cut {
	struct ps_state *st;
	enum ps_phase ph;
	int table;
	long size;
	long long first, last, n;
};

static int unit_seq(void *arg, long long seq)
{
	struct unit_cut *u = arg;
	if (!u->n)
		u->first = seq;
	u->last = seq;
	if (++u->n == u->size) {
		add_unit(u->st, u->ph, u->table, u->first, u->last, u->n);
		u->n = 0;
	}
	return 0;
}

int pushsql_plan_units(const struct push_set *ps, const struct push_rows *rows,
		       long size, struct ps_state *st)
{
	pushsql_state_release(st);
	for (int ph = PH_DELETE_EARLY; ph <= PH_DELETE_LATE; ph++) {
		int children_first = ph == PH_DELETE_EARLY || ph == PH_DELETE_LATE;
		if (ph == PH_LINK)
			continue; /* a batched push never breaks a foreign key */
		for (int i = 0; i < ps->ntables; i++) {
			int ti = ps->order[children_first ? ps->ntables - 1 - i : i];
			const struct push_table *t = &ps->tables[ti];
			int has = ph == PH_INSERT ? t->ninsert > 0
				: ph == PH_UPDATE ? t->nupdate > 0
				: ph == PH_DELETE_EARLY ? t->ndelete > 0
				: pushsql_split_deletes(t);
			struct unit_cut u = { st, (enum ps_phase)ph, ti, size, 0, 0, 0 };
			char op = ph == PH_INSERT ? 'I' : ph == PH_UPDATE ? 'U' : 'D';
			if (!has)
				continue;
			if (rows->seqs(rows->ctx, t, op, unit_seq, &u))
				return -1;
			if (u.n)
				add_unit(st, u.ph, ti, u.first, u.last, u.n);
		}
	}
	if (!st->nunits)
		add_unit(st, PH_NONE, -1, 0, 0, 0); /* schema changes only */
	return 0;
}

/* ------------------------------------------------------------- COPY rows */

/*
 * Appends the values of a JSON array of strings and nulls (a change row)
 * as COPY text fields, each preceded by a tab.  Returns the number of
 * values, or -1 when the text is not such an array.
 */
int pushsql_json_row_to_copy(const char *p, struct strbuf *out)
{
	int n = 0;
	while (*p == ' ')
		p++;
	if (*p++ != '[')
		return -1;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ']')
			return n;
		sb_addch(out, '\t');
		n++;
		if (!strncmp(p, "null", 4)) {
			sb_add(out, "\\N", 2);
			p += 4;
			continue;
		}
		if (*p++ != '"')
			return -1;
		for (;;) {
			const char *s = p;
			while (*p && *p != '"' && *p != '\\' && *p != '\t' && *p != '\n' && *p != '\r')
				p++;
			sb_add(out, s, (size_t)(p - s));
			if (*p == '"') {
				p++;
				break;
			}
			if (!*p)
				return -1;
			if (*p != '\\') { /* raw tab/newline inside a JSON string: escape for COPY */
				sb_adds(out, *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : "\\r");
				p++;
				continue;
			}
			p++;
			switch (*p++) {
			case '"': sb_addch(out, '"'); break;
			case '/': sb_addch(out, '/'); break;
			case '\\': sb_add(out, "\\\\", 2); break;
			case 'n': sb_add(out, "\\n", 2); break;
			case 'r': sb_add(out, "\\r", 2); break;
			case 't': sb_add(out, "\\t", 2); break;
			case 'b': sb_addch(out, '\b'); break;
			case 'f': sb_addch(out, '\f'); break;
			case 'u': {
				unsigned cp, lo;
				if (hex4(p, &cp))
					return -1;
				p += 4;
				if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u' &&
				    !hex4(p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
				if (cp == 0)
					return -1; /* PostgreSQL text cannot hold NUL */
				if (cp == '\n' || cp == '\r' || cp == '\t' || cp == '\\')
					sb_adds(out, cp == '\n' ? "\\n" : cp == '\r' ? "\\r" :
						     cp == '\t' ? "\\t" : "\\\\");
				else
					sb_add_utf8(out, cp);
				break;
			}
			default:
				return -1;
			}
		}
	}
}
