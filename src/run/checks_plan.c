/*
 * checks_plan: the plan's own checks, invariants and gates, run against the
 * snapshot ("before", through temp views) and the working state ("after").
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "sqlc.h"
#include "checks_int.h"

/* ---------------------------------------------------------- before views */

static int is_target_source(const struct catalog *cat, const char *source)
{
	const struct source_meta *sm = catalog_find_source((struct catalog *)cat, source);
	return sm && sm->is_target;
}

/*
 * Shadows every target table with a TEMP VIEW over its pristine copy, so
 * unqualified names read the snapshot; tables the plan creates read as
 * empty.  create=0 drops them again.
 */
int before_views(struct check_session *s, int create)
{
	struct strbuf sql = STRBUF_INIT;
	int ret = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct catalog *cat = pass ? s->working : s->pristine;
		for (int i = 0; i < cat->ntables; i++) {
			const struct table_meta *t = &cat->tables[i];
			if (!is_target_source(cat, t->source))
				continue;
			if (pass && (!t->created || t->dropped))
				continue;
			if (!pass && !t->pristine_name)
				continue;
			sb_reset(&sql);
			if (create && !pass) {
				sb_adds(&sql, "CREATE TEMP VIEW ");
				sb_add_qident(&sql, t->name);
				sb_adds(&sql, " AS SELECT * FROM main.");
				sb_add_qident(&sql, t->pristine_name);
			} else if (create) {
				/* not there before: empty, with the columns it gets */
				sb_adds(&sql, "CREATE TEMP VIEW ");
				sb_add_qident(&sql, t->name);
				sb_adds(&sql, " AS SELECT ");
				for (int k = 0; k < t->ncols; k++) {
					if (k)
						sb_adds(&sql, ", ");
					sb_adds(&sql, "NULL AS ");
					sb_add_qident(&sql, t->cols[k].name);
				}
				sb_adds(&sql, t->ncols ? " WHERE 0" : "NULL WHERE 0");
			} else {
				sb_adds(&sql, "DROP VIEW IF EXISTS temp.");
				sb_add_qident(&sql, t->name);
			}
			if (stage_exec(s->db, sql.buf)) {
				ret = -1;
				if (create)
					goto cleanup;
			}
		}
	}
cleanup:
	sb_release(&sql);
	if (ret && create)
		before_views(s, 0);
	return ret;
}

/* ------------------------------------------------------------ plan checks */

int run_plan_check(struct check_session *s, const struct plan_check *pc,
		   const char *phase)
{
	struct check_result r;
	struct strbuf what = STRBUF_INIT, json = STRBUF_INIT, shown = STRBUF_INIT,
		      tmp = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int *keycols = NULL, nkeycols = 0, rc, ret = -1;
	double t0 = now_seconds();

	result_init(&r, "plan", phase, pc->is_error, "%s%s", pc->name,
		    pc->when == (WHEN_BEFORE | WHEN_AFTER) && !strcmp(phase, "before") ? " (before)" : "");
	r.check = pc;
	sb_addf(&what, "check '%s'", pc->name);
	if (prepare_query(s, what.buf, pc->sql, pc->sql_from, phase, pc->sqlite_dialect,
			  SQLC_CHECK, &st))
		goto cleanup;
	nkeycols = pc->nkey ? pc->nkey : sqlite3_column_count(st);
	keycols = xcalloc((size_t)nkeycols + 1, sizeof(int));
	for (int k = 0; k < nkeycols; k++) {
		keycols[k] = k;
		if (!pc->nkey)
			continue;
		keycols[k] = -1;
		for (int c = 0; c < sqlite3_column_count(st); c++)
			if (!strcasecmp(sqlite3_column_name(st, c), pc->key[k]))
				keycols[k] = c;
		if (keycols[k] < 0) {
			error("check '%s': its query returns no column '%s' named in \"key\"",
			      pc->name, pc->key[k]);
			detail("%s", pc->sql_from);
			goto cleanup;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r.nsample >= CHECK_SAMPLE_MAX) {
			r.count++;
			continue;
		}
		sb_reset(&json);
		sb_reset(&shown);
		sb_addch(&json, '[');
		if (nkeycols > 1)
			sb_addch(&shown, '(');
		for (int k = 0; k < nkeycols; k++) {
			int null = pgtype_to_text(&plain_type, sqlite3_column_value(st, keycols[k]),
						  &tmp) == 1;
			if (k) {
				sb_addch(&json, ',');
				sb_adds(&shown, ", ");
			}
			if (null) {
				sb_adds(&json, "null");
				sb_adds(&shown, "NULL");
			} else {
				sb_add_json_string(&json, tmp.buf, tmp.len);
				add_shown_value(&shown, tmp.buf, tmp.len);
			}
		}
		sb_addch(&json, ']');
		if (nkeycols > 1)
			sb_addch(&shown, ')');
		result_add_key(&r, json.buf, shown.buf);
	}
	if (rc != SQLITE_DONE) {
		error("check '%s' failed while running", pc->name);
		detail("%s: SQLite says: %s.", pc->sql_from, sqlite3_errmsg(s->db));
		goto cleanup;
	}
	if (r.count && pc->fix_sql && !strcmp(phase, "after"))
		result_message(&r, "%lld row%s; 'drydock check --fix' runs %s", r.count,
			       r.count == 1 ? "" : "s", pc->fix_name);
	r.ms = (now_seconds() - t0) * 1000.0;
	session_push(s, &r);
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	result_release(&r);
	free(keycols);
	sb_release(&what);
	sb_release(&json);
	sb_release(&shown);
	sb_release(&tmp);
	return ret;
}

/* ------------------------------------------------------------- invariants */

static void hash_value(struct sha256 *h, sqlite3_value *v)
{
	char head[32];
	if (sqlite3_value_type(v) == SQLITE_NULL) {
		sha256_update(h, "N", 2);
		return;
	}
	const unsigned char *t = sqlite3_value_text(v);
	int n = sqlite3_value_bytes(v);
	snprintf(head, sizeof(head), "V%d:", n);
	sha256_update(h, head, strlen(head));
	sha256_update(h, t, (size_t)n);
}

static int value_number(sqlite3_value *v, double *out)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		*out = sqlite3_value_double(v);
		return 1;
	case SQLITE_TEXT: {
		const char *t = (const char *)sqlite3_value_text(v);
		char *end;
		errno = 0;
		*out = strtod(t, &end);
		while (isspace((unsigned char)*end))
			end++;
		return end != t && !*end && !errno && isfinite(*out);
	}
	default:
		return 0;
	}
}

/* Runs an invariant's query and condenses its result (hash, first row). */
int eval_invariant(struct check_session *s, const struct gate *g,
		   const char *phase, struct inv_value *v)
{
	struct strbuf what = STRBUF_INIT, shown = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	struct sha256 h;
	unsigned char d[32];
	int rc, ret = -1;

	memset(v, 0, sizeof(*v));
	sb_addf(&what, "invariant '%s'", g->name);
	/* any number of rows and columns (docs/checks.md): compiled as a query */
	if (prepare_query(s, what.buf, g->sql, g->sql_from, phase, g->sqlite_dialect,
			  SQLC_CHECK, &st))
		goto cleanup;
	sha256_init(&h);
	v->ncols = sqlite3_column_count(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sha256_update(&h, "R", 1);
		for (int c = 0; c < v->ncols; c++) {
			sqlite3_value *val = sqlite3_column_value(st, c);
			hash_value(&h, val);
			if (v->rows == 0) {
				if (c)
					sb_adds(&shown, ", ");
				if (sqlite3_value_type(val) == SQLITE_NULL)
					sb_adds(&shown, "NULL");
				else
					add_shown_value(&shown, (const char *)sqlite3_value_text(val),
							(size_t)sqlite3_value_bytes(val));
				if (v->ncols == 1)
					v->is_num = value_number(val, &v->num);
			}
		}
		v->rows++;
	}
	if (rc != SQLITE_DONE) {
		error("invariant '%s' failed while running", g->name);
		detail("%s: SQLite says: %s.", g->sql_from, sqlite3_errmsg(s->db));
		goto cleanup;
	}
	if (v->rows != 1)
		v->is_num = 0;
	sha256_final(&h, d);
	sha256_hex(d, v->hash);
	if (v->rows == 0)
		sb_adds(&shown, "no rows");
	else if (v->rows > 1)
		sb_addf(&shown, " (first of %lld rows)", v->rows);
	v->shown = sb_detach(&shown, NULL);
	v->done = 1;
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&what);
	sb_release(&shown);
	return ret;
}

static int compare(double a, const char *rel, double b, double tol)
{
	if (!strcmp(rel, "="))
		return fabs(a - b) <= tol;
	if (!strcmp(rel, "!="))
		return fabs(a - b) > tol;
	if (!strcmp(rel, "<"))
		return a < b;
	if (!strcmp(rel, "<="))
		return a <= b;
	if (!strcmp(rel, ">"))
		return a > b;
	return a >= b;
}

int check_invariant(struct check_session *s, int gi)
{
	const struct gate *g = &s->spec->gates[gi];
	const struct inv_value *b = &s->inv_before[gi];
	struct inv_value a;
	struct check_result r;
	double t0 = now_seconds();
	int ok;

	if (eval_invariant(s, g, "after", &a))
		return -1;
	result_init(&r, "invariant", "after", g->is_error, "%s", g->name);
	if (!strcmp(g->relation, "=") && g->delta == 0 && g->tolerance == 0) {
		ok = !strcmp(a.hash, b->hash);
		if (ok)
			result_message(&r, "%s before and after", a.shown);
		else
			result_message(&r, "before: %s; after: %s", b->shown, a.shown);
	} else if (!strcmp(g->relation, "!=") && g->delta == 0 && g->tolerance == 0) {
		ok = strcmp(a.hash, b->hash) != 0;
		result_message(&r, "before: %s; after: %s%s", b->shown, a.shown,
			       ok ? "" : " (expected a change)");
	} else if (!a.is_num || !b->is_num) {
		ok = 0;
		result_message(&r, "relation '%s' with a delta or tolerance needs a query returning one number; before: %s; after: %s",
			       g->relation, b->shown, a.shown);
	} else {
		ok = compare(a.num, g->relation, b->num + g->delta, g->tolerance);
		result_message(&r, "before %.15g, after %.15g; expected after %s before%s%.15g%s",
			       b->num, a.num, g->relation, g->delta < 0 ? " - " : " + ",
			       fabs(g->delta), ok ? "" : " (does not hold)");
	}
	if (!ok) {
		r.status = "fail";
		r.count = 1;
	}
	r.ms = (now_seconds() - t0) * 1000.0;
	session_push(s, &r);
	free(a.shown);
	return 0;
}

/* ------------------------------------------------------------------ gates */

void add_pk_cols(struct strbuf *sb, const char *alias, const struct table_meta *t)
{
	if (!t->npk) {
		sb_addf(sb, "%s.rowid", alias);
		return;
	}
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, t->cols[t->pk[k]].name);
	}
}

/* p.k1 = w.k1 AND ... (the same key in two tables of the same shape). */
void add_pk_match(struct strbuf *sb, const char *a, const char *b,
		  const struct table_meta *t)
{
	if (!t->npk) {
		sb_addf(sb, "%s.rowid = %s.rowid", a, b);
		return;
	}
	for (int k = 0; k < t->npk; k++) {
		const char *n = t->cols[t->pk[k]].name;
		if (k)
			sb_adds(sb, " AND ");
		sb_addf(sb, "%s.", a);
		sb_add_qident(sb, n);
		sb_addf(sb, " = %s.", b);
		sb_add_qident(sb, n);
	}
}

const struct table_meta *pristine_of(const struct check_session *s,
				     const struct table_meta *w)
{
	const struct table_meta *p;
	if (w->created)
		return NULL;
	p = catalog_find_table((struct catalog *)s->pristine, w->source, w->name);
	return p && p->pristine_name ? p : NULL;
}

/* EXISTS (a row of table, alias x, whose key is dd_change.key and that matches where) */
static void add_key_row_match(struct strbuf *sb, const char *table, const struct table_meta *t,
			      const char *where)
{
	sb_adds(sb, "EXISTS (SELECT 1 FROM ");
	sb_add_qident(sb, table);
	sb_adds(sb, " WHERE ");
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, " AND ");
		sb_add_qident(sb, t->cols[t->pk[k]].name);
		sb_addf(sb, " = json_extract(dd_change.key, '$[%d]')", k);
	}
	sb_addf(sb, " AND (%s))", where);
}

static int gate_where_sql(struct check_session *s, const struct gate *g, struct strbuf *sql)
{
	const struct table_meta *w = target_table(s->working, g->table), *p;
	char *cond = NULL;
	if (!w)
		return error("gate '%s': '%s' is not a table of the target", g->name, g->table);
	p = pristine_of(s, w);
	sb_adds(sql, "SELECT op, key, changed, ");
	if (!g->where) {
		sb_adds(sql, "1");
	} else {
		/* PostgreSQL's condition over the table's columns, compiled once,
		 * evaluated on the snapshot's row and on the working row */
		if (!g->sqlite_dialect) {
			char what[300];
			snprintf(what, sizeof(what), "gate '%s': its \"where\"", g->name);
			if (compile_for(s, what, g->where, s->plan ? s->plan->path : "plan.json",
					"after", SQLC_WHERE, g->table, &cond))
				return -1;
		}
		sb_adds(sql, "(");
		if (p) {
			sb_adds(sql, "(op <> 'I' AND ");
			add_key_row_match(sql, p->pristine_name, p, cond ? cond : g->where);
			sb_adds(sql, ") OR ");
		}
		sb_adds(sql, "(op <> 'D' AND ");
		add_key_row_match(sql, w->stage_name, w, cond ? cond : g->where);
		sb_adds(sql, "))");
		free(cond);
	}
	sb_adds(sql, " FROM dd_change WHERE tbl = ?1 ORDER BY seq");
	return 0;
}

/* A gate's "where" must compile before anything runs. */
int gate_test_where(struct check_session *s, const struct gate *g)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret = -1;
	if (gate_where_sql(s, g, &sql))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		error("gate '%s': its \"where\" does not run", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		hint("The condition is evaluated on the table's rows before (snapshot) and after; use columns that exist in both.");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

static void limit_result(struct check_session *s, struct check_result *r,
			 const char *what, long long limit)
{
	long long n = r->count;
	if (limit < 0) {
		result_release(r);
		return;
	}
	if (n > limit) {
		r->status = "fail";
		if (limit == 0)
			result_message(r, "%lld %s; the gate forbids any", n, what);
		else
			result_message(r, "%lld %s, more than the %lld allowed", n, what, limit);
	} else {
		r->status = "pass";
		result_message(r, "%lld %s (at most %lld)", n, what, limit);
		r->count = 0;
		r->nsample = 0;
		sb_reset(&r->sample);
		sb_reset(&r->shown);
	}
	session_push(s, r);
}

int check_table_gate(struct check_session *s, const struct gate *g)
{
	enum { R_INS, R_UPD, R_DEL, R_ROWS, R_N };
	static const char *const lname[R_N] = { "max_inserts", "max_updates", "max_deletes", "max_rows" };
	static const char *const lwhat[R_N] = { "inserts", "updates", "deletes", "rows changed" };
	const long long lim[R_N] = { g->max_inserts, g->max_updates, g->max_deletes, g->max_rows };
	struct check_result r[R_N], *cols = xcalloc((size_t)g->nunchanged + 1, sizeof(*cols));
	struct strbuf sql = STRBUF_INIT, shown = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	double t0 = now_seconds();
	int rc, ret = -1;

	for (int i = 0; i < R_N; i++)
		result_init(&r[i], "gate", "after", g->is_error, "%s: %s %lld", g->name, lname[i], lim[i]);
	for (int i = 0; i < g->nunchanged; i++)
		result_init(&cols[i], "gate", "after", g->is_error, "%s: %s unchanged", g->name,
			    g->unchanged[i]);
	if (gate_where_sql(s, g, &sql))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		error("gate '%s': its \"where\" does not run", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, g->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		int which = *op == 'I' ? R_INS : *op == 'U' ? R_UPD : R_DEL;
		if (!sqlite3_column_int(st, 3))
			continue;
		shown_from_json(key, &shown);
		result_add_key(&r[which], key, shown.buf);
		result_add_key(&r[R_ROWS], key, shown.buf);
		if (which == R_UPD && g->nunchanged) {
			cJSON *changed = cJSON_Parse((const char *)sqlite3_column_text(st, 2)), *c;
			cJSON_ArrayForEach(c, changed)
				for (int i = 0; i < g->nunchanged; i++)
					if (cJSON_IsString(c) && !strcmp(c->valuestring, g->unchanged[i]))
						result_add_key(&cols[i], key, shown.buf);
			cJSON_Delete(changed);
		}
	}
	if (rc != SQLITE_DONE) {
		error("gate '%s' failed while running", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		goto cleanup;
	}
	for (int i = 0; i < R_N; i++) {
		r[i].ms = (now_seconds() - t0) * 1000.0;
		limit_result(s, &r[i], lwhat[i], lim[i]);
	}
	for (int i = 0; i < g->nunchanged; i++) {
		if (cols[i].count)
			result_message(&cols[i], "%lld updated row%s changed '%s'", cols[i].count,
				       cols[i].count == 1 ? "" : "s", g->unchanged[i]);
		cols[i].ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &cols[i]);
	}
	ret = 0;
cleanup:
	for (int i = 0; i < R_N; i++)
		result_release(&r[i]);
	for (int i = 0; i < g->nunchanged; i++)
		result_release(&cols[i]);
	free(cols);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&shown);
	return ret;
}

int check_total_gate(struct check_session *s, const struct gate *g)
{
	struct changeset_summary sum;
	struct check_result r;
	int rc = changeset_load_summary(s->db, &sum);
	if (rc < 0)
		return -1;
	result_init(&r, "gate", "after", g->is_error, "%s: max_rows %lld", g->name, g->max_rows);
	r.count = sum.inserts + sum.updates + sum.deletes;
	limit_result(s, &r, "rows changed", g->max_rows);
	result_release(&r);
	return 0;
}
