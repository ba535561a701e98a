/*
 * checks_builtin: the target's constraints checked offline on the change
 * set: primary keys, NOT NULL, unique constraints and indexes, foreign
 * keys, CHECK constraints, and each value's PostgreSQL type.
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "checkexpr.h"
#include "sqlc.h"
#include "checks_int.h"

/* ============================================================== built-ins */

static int is_rowid_pk(const struct table_meta *t)
{
	return t->npk == 1 && !strcmp(pgtype_sqlite_decl(&t->cols[t->pk[0]].type), "INTEGER");
}

static int is_pk_col(const struct table_meta *t, int ci)
{
	for (int k = 0; k < t->npk; k++)
		if (t->pk[k] == ci)
			return 1;
	return 0;
}

static const struct constraint_meta *find_con(const struct table_meta *t,
					      const char *name, char kind)
{
	for (int i = 0; t && i < t->ncons; i++)
		if (t->cons[i].kind == kind && !strcmp(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

/* Every named column exists in t. */
static int has_columns(const struct table_meta *t, char **cols, int n)
{
	for (int i = 0; i < n; i++)
		if (!t || table_column_index(t, cols[i]) < 0)
			return 0;
	return 1;
}

static void pk_types(const struct table_meta *t, const struct pgtype **types)
{
	static const struct pgtype rowid = { PGK_INT8, 0, -1, -1, 0 };
	if (!t->npk)
		types[0] = &rowid;
	for (int k = 0; k < t->npk; k++)
		types[k] = &t->cols[t->pk[k]].type;
}

int key_count(const struct table_meta *t)
{
	return t->npk ? t->npk : 1;
}

/* The comparison form of a column: text for typeless storage (uuid folded). */
static void add_norm(struct strbuf *sb, const char *alias, const struct column_meta *c)
{
	int plain = pgtype_is_integer_storage(&c->type) && c->type.kind != PGK_BOOL;
	if (plain) {
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, c->name);
		return;
	}
	sb_adds(sb, c->type.kind == PGK_UUID && !c->type.is_array ? "lower(CAST(" : "CAST(");
	sb_addf(sb, "%s.", alias);
	sb_add_qident(sb, c->name);
	sb_adds(sb, c->type.kind == PGK_UUID && !c->type.is_array ? " AS TEXT))" : " AS TEXT)");
}

/* The streaming state of one constraint check: new and pre-existing rows. */
struct violations {
	struct check_result fresh;  /* caused by the change set: the check's severity */
	struct check_result old;    /* already in the snapshot, rows unchanged: warn */
	struct strbuf json, shown, tmp;
	const struct pgtype *types[64];
};

static void viol_init(struct violations *v, const struct table_meta *t, int is_error,
		      const char *name)
{
	memset(v, 0, sizeof(*v));
	result_init(&v->fresh, "builtin", "after", is_error, "%s", name);
	result_init(&v->old, "builtin", "after", 0, "%s (pre-existing)", name);
	sb_init(&v->json, 0);
	sb_init(&v->shown, 0);
	sb_init(&v->tmp, 0);
	if (t)
		pk_types(t, v->types);
}

static void viol_row(struct violations *v, sqlite3_stmt *st, int nk, int pre)
{
	key_from_stmt(st, 0, nk, v->types, &v->json, &v->shown, &v->tmp);
	result_add_key(pre ? &v->old : &v->fresh, v->json.buf, v->shown.buf);
}

/*
 * Pushes the results: the fresh one always (pass or fail), the
 * pre-existing one only when there are such rows.
 */
static void viol_finish(struct check_session *s, struct violations *v, double t0,
			const char *what)
{
	double ms = (now_seconds() - t0) * 1000.0;
	if (v->fresh.count && what)
		result_message(&v->fresh, "%lld row%s %s", v->fresh.count,
			       v->fresh.count == 1 ? "" : "s", what);
	v->fresh.ms = ms;
	session_push(s, &v->fresh);
	if (v->old.count) {
		result_message(&v->old, "%lld row%s already violated this in the snapshot and the plan does not change them; push does not touch them",
			       v->old.count, v->old.count == 1 ? "" : "s");
		v->old.ms = ms;
		session_push(s, &v->old);
	}
}

static void viol_release(struct violations *v)
{
	result_release(&v->fresh);
	result_release(&v->old);
	sb_release(&v->json);
	sb_release(&v->shown);
	sb_release(&v->tmp);
}

static int prepare_builtin(struct check_session *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		error("cannot run a built-in check: %s", sqlite3_errmsg(s->db));
		detail("Query: %.300s", sql);
		return -1;
	}
	return 0;
}

static int step_error(struct check_session *s, const char *name)
{
	return error("built-in check '%s' failed: %s", name, sqlite3_errmsg(s->db));
}

/* ---------------------------------------------------------------- NOT NULL */

static int check_not_null(struct check_session *s, const struct table_meta *w,
			  const struct table_meta *p, int touched)
{
	int *cols = xcalloc((size_t)w->ncols + 1, sizeof(int));
	int *isnew = xcalloc((size_t)w->ncols + 1, sizeof(int));
	struct violations *v = NULL;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int n = 0, anynew = 0, rc, ret = -1, nk = key_count(w);
	double t0 = now_seconds();

	for (int i = 0; i < w->ncols; i++) {
		int pi;
		if (!(w->cols[i].not_null || is_pk_col(w, i)) || (is_rowid_pk(w) && is_pk_col(w, i)))
			continue;
		pi = p ? table_column_index(p, w->cols[i].name) : -1;
		isnew[n] = pi < 0 || !(p->cols[pi].not_null || is_pk_col(p, pi));
		anynew |= isnew[n];
		cols[n++] = i;
	}
	if (!n) {
		ret = 0;
		goto cleanup;
	}
	if (!s->all && !touched && !anynew) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	for (int k = 0; k < n; k++) {
		const char *c = w->cols[cols[k]].name;
		sb_adds(&sql, ", w.");
		sb_add_qident(&sql, c);
		sb_adds(&sql, " IS NULL, ");
		if (isnew[k]) {
			sb_adds(&sql, "0");
		} else {
			sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
			sb_add_qident(&sql, p->pristine_name);
			sb_adds(&sql, " p WHERE ");
			add_pk_match(&sql, "p", "w", w);
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, c);
			sb_adds(&sql, " IS NULL)");
		}
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_adds(&sql, " w WHERE ");
	for (int k = 0; k < n; k++) {
		if (k)
			sb_adds(&sql, " OR ");
		sb_adds(&sql, "w.");
		sb_add_qident(&sql, w->cols[cols[k]].name);
		sb_adds(&sql, " IS NULL");
	}
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	v = xcalloc((size_t)n, sizeof(*v));
	for (int k = 0; k < n; k++) {
		char name[512];
		snprintf(name, sizeof(name), "not null %s.%s", w->name, w->cols[cols[k]].name);
		viol_init(&v[k], w, 1, name);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int k = 0; k < n; k++)
			if (sqlite3_column_int(st, nk + 2 * k))
				viol_row(&v[k], st, nk, sqlite3_column_int(st, nk + 2 * k + 1));
	if (rc != SQLITE_DONE) {
		step_error(s, "not null");
		goto cleanup;
	}
	{
		int any = 0;
		for (int k = 0; k < n; k++)
			any |= v[k].fresh.count || v[k].old.count;
		if (!any) {
			struct check_result r;
			result_init(&r, "builtin", "after", 1, "not null %s", w->name);
			result_message(&r, "%d column%s", n, n == 1 ? "" : "s");
			r.ms = (now_seconds() - t0) * 1000.0;
			session_push(s, &r);
		} else {
			for (int k = 0; k < n; k++) {
				if (!v[k].fresh.count && !v[k].old.count)
					continue;
				if (v[k].fresh.count)
					result_message(&v[k].fresh, "%lld row%s NULL%s", v[k].fresh.count,
						       v[k].fresh.count == 1 ? " is" : "s are",
						       isnew[k] ? "; the plan makes the column NOT NULL" : "");
				if (!v[k].fresh.count) {
					v[k].old.ms = (now_seconds() - t0) * 1000.0;
					result_message(&v[k].old, "%lld row%s already NULL in the snapshot and unchanged",
						       v[k].old.count, v[k].old.count == 1 ? "" : "s");
					session_push(s, &v[k].old);
				} else {
					viol_finish(s, &v[k], t0, NULL);
				}
			}
		}
	}
	ret = 0;
cleanup:
	for (int k = 0; v && k < n; k++)
		viol_release(&v[k]);
	free(v);
	sqlite3_finalize(st);
	sb_release(&sql);
	free(cols);
	free(isnew);
	return ret;
}

/* ---------------------------------------------------------------- uniques */

/*
 * Rows sharing values in cols (compared as text, uuid case-folded): first
 * a GROUP BY that finds the duplicated values (the usual answer is none),
 * then the rows holding them, grouped, so that a group whose rows are all
 * unchanged since the snapshot counts as pre-existing.
 */
static int unique_scan(struct check_session *s, const struct table_meta *w,
		       const struct table_meta *p, const int *cols, int n,
		       const char *name, int isnew, int nulls_equal,
		       const char *filter, const int *fused, double t0)
{
	struct strbuf norms = STRBUF_INIT, cond = STRBUF_INIT, sql = STRBUF_INIT,
		      gkey = STRBUF_INIT, prev = STRBUF_INIT;
	struct violations v;
	sqlite3_stmt *st = NULL;
	long long groups = 0;
	int rc, ret = -1, nk = key_count(w);
	/* the current group: its first keys, held until it is known new or old */
	char *gjson[CHECK_SAMPLE_MAX], *gshown[CHECK_SAMPLE_MAX];
	int gn = 0, gsame = 1, started = 0;
	long long gcount = 0;

	viol_init(&v, w, 1, name);
	for (int k = 0; k < n; k++) {
		if (k) {
			sb_adds(&norms, ", ");
			sb_adds(&cond, " AND ");
		}
		if (nulls_equal)
			sb_adds(&norms, "ifnull(");
		add_norm(&norms, "w", &w->cols[cols[k]]);
		if (nulls_equal)
			sb_adds(&norms, ", x'00')");
		sb_adds(&cond, "w.");
		sb_add_qident(&cond, w->cols[cols[k]].name);
		sb_adds(&cond, " IS NOT NULL");
	}
	if (nulls_equal) {
		sb_reset(&cond);
		sb_adds(&cond, "1");
	}
	if (filter) /* a partial index: only the rows it covers */
		sb_addf(&cond, " AND %s", filter);
	sb_adds(&sql, "SELECT count(*) FROM (SELECT 1 FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_addf(&sql, " w WHERE %s GROUP BY %s HAVING count(*) > 1)", cond.buf, norms.buf);
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	if (sqlite3_step(st) != SQLITE_ROW) {
		step_error(s, name);
		goto cleanup;
	}
	groups = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (groups) {
		sb_reset(&sql);
		sb_adds(&sql, "SELECT ");
		add_pk_cols(&sql, "w", w);
		sb_adds(&sql, ", ");
		if (isnew || !p) {
			sb_adds(&sql, "0");
		} else {
			sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
			sb_add_qident(&sql, p->pristine_name);
			sb_adds(&sql, " p WHERE ");
			add_pk_match(&sql, "p", "w", w);
			for (int i = 0; i < w->ncols; i++) {
				int in = fused && fused[i];
				for (int k = 0; k < n; k++)
					in |= cols[k] == i;
				if (!in)
					continue;
				sb_adds(&sql, " AND p.");
				sb_add_qident(&sql, w->cols[i].name);
				sb_adds(&sql, " IS w.");
				sb_add_qident(&sql, w->cols[i].name);
			}
			sb_adds(&sql, ")");
		}
		sb_addf(&sql, ", %s FROM ", norms.buf);
		sb_add_qident(&sql, w->stage_name);
		sb_addf(&sql, " w WHERE %s AND (%s) IN (SELECT %s FROM ", cond.buf, norms.buf, norms.buf);
		sb_add_qident(&sql, w->stage_name);
		sb_addf(&sql, " w WHERE %s GROUP BY %s HAVING count(*) > 1) ORDER BY %s, ",
			cond.buf, norms.buf, norms.buf);
		add_pk_cols(&sql, "w", w);
		if (prepare_builtin(s, sql.buf, &st))
			goto cleanup;
		for (;;) {
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				sb_reset(&gkey);
				for (int k = 0; k < n; k++) {
					sqlite3_value *val = sqlite3_column_value(st, nk + 1 + k);
					sb_addf(&gkey, "%d:", sqlite3_value_type(val));
					sb_add(&gkey, sqlite3_value_blob(val), (size_t)sqlite3_value_bytes(val));
					sb_addch(&gkey, '\x1f');
				}
			}
			if (started && (rc != SQLITE_ROW || gkey.len != prev.len ||
					memcmp(gkey.buf, prev.buf, gkey.len))) {
				/* a group ends: all its rows unchanged => pre-existing */
				struct check_result *to = gsame ? &v.old : &v.fresh;
				for (int i = 0; i < gn; i++) {
					result_add_key(to, gjson[i], gshown[i]);
					free(gjson[i]);
					free(gshown[i]);
				}
				to->count += gcount - gn;
				gn = 0;
				gcount = 0;
				gsame = 1;
			}
			if (rc != SQLITE_ROW)
				break;
			started = 1;
			sb_reset(&prev);
			sb_add(&prev, gkey.buf, gkey.len);
			gcount++;
			gsame &= sqlite3_column_int(st, nk);
			if (gn < CHECK_SAMPLE_MAX) {
				key_from_stmt(st, 0, nk, v.types, &v.json, &v.shown, &v.tmp);
				gjson[gn] = xstrdup(v.json.buf);
				gshown[gn] = xstrdup(v.shown.buf);
				gn++;
			}
		}
		if (rc != SQLITE_DONE) {
			step_error(s, name);
			goto cleanup;
		}
	}
	viol_finish(s, &v, t0, "share a value with another row");
	ret = 0;
cleanup:
	for (int i = 0; i < gn; i++) {
		free(gjson[i]);
		free(gshown[i]);
	}
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&norms);
	sb_release(&cond);
	sb_release(&sql);
	sb_release(&gkey);
	sb_release(&prev);
	return ret;
}

static int check_primary_key(struct check_session *s, const struct table_meta *w,
			     const struct table_meta *p, int touched)
{
	struct strbuf sql = STRBUF_INIT, name = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret = -1, typeless = 0;
	double t0 = now_seconds();

	if (!w->npk)
		return 0;
	for (int i = 0; i < w->ncons; i++)
		if (w->cons[i].kind == 'p')
			sb_addf(&name, "primary key %s", w->cons[i].name);
	if (!name.len)
		sb_addf(&name, "primary key %s", w->name);
	if (!s->all && !touched && p) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	/*
	 * The staging table's own key keeps stored values unique; two values
	 * can only be equal in PostgreSQL and distinct here when a typeless
	 * column holds them in different storage classes (1 and '1'), or as
	 * uuids differing in case.  Probe for that before grouping.
	 */
	if (!is_rowid_pk(w)) {
		sb_adds(&sql, "SELECT 1 FROM ");
		sb_add_qident(&sql, w->stage_name);
		sb_adds(&sql, " WHERE 0");
		for (int k = 0; k < w->npk; k++) {
			const struct column_meta *c = &w->cols[w->pk[k]];
			if (pgtype_is_integer_storage(&c->type) && c->type.kind != PGK_BOOL)
				continue;
			typeless = 1;
			sb_adds(&sql, " OR typeof(");
			sb_add_qident(&sql, c->name);
			sb_adds(&sql, ") NOT IN ('text', 'null')");
			if (c->type.kind == PGK_UUID && !c->type.is_array) {
				sb_adds(&sql, " OR ");
				sb_add_qident(&sql, c->name);
				sb_adds(&sql, " <> lower(");
				sb_add_qident(&sql, c->name);
				sb_adds(&sql, ")");
			}
		}
		sb_adds(&sql, " LIMIT 1");
	}
	if (typeless) {
		int r;
		if (prepare_builtin(s, sql.buf, &st))
			goto cleanup;
		r = sqlite3_step(st);
		sqlite3_finalize(st);
		st = NULL;
		if (r == SQLITE_ROW) {
			ret = unique_scan(s, w, p, w->pk, w->npk, name.buf, 1, 0, NULL, NULL, t0);
			goto cleanup;
		}
		if (r != SQLITE_DONE) {
			step_error(s, name.buf);
			goto cleanup;
		}
	}
	{
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "%s", name.buf);
		r.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &r);
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&name);
	return ret;
}

static int check_unique(struct check_session *s, const struct table_meta *w,
			const struct table_meta *p, const struct constraint_meta *c,
			int touched)
{
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'u') : NULL;
	int isnew = !pc || !has_columns(p, c->columns, c->ncolumns);
	int *cols, ret;
	char name[512];

	if (!has_columns(w, c->columns, c->ncolumns) || !c->ncolumns)
		return 0;
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		return 0;
	}
	cols = xcalloc((size_t)c->ncolumns, sizeof(int));
	for (int k = 0; k < c->ncolumns; k++)
		cols[k] = table_column_index(w, c->columns[k]);
	snprintf(name, sizeof(name), "unique %s", c->name);
	ret = unique_scan(s, w, p, cols, c->ncolumns, name, isnew,
			  c->definition && strstr(c->definition, "NULLS NOT DISTINCT") != NULL,
			  NULL, NULL, now_seconds());
	free(cols);
	return ret;
}

/*
 * The columns of a unique index definition ("CREATE UNIQUE INDEX n ON
 * s.t USING btree (a, "B" DESC)").  Returns 0, or 1 with *why when the
 * index is on expressions or cannot be read; *rest points after the list.
 */
static int index_columns(const char *def, const struct table_meta *w, int *cols,
			 int *n, const char **rest, const char **why)
{
	const char *q = strstr(def, " USING ");
	q = q ? strchr(q, '(') : strchr(def, '(');
	*n = 0;
	*why = "its definition, which could not be read,";
	if (!q)
		return 1;
	for (q++;;) {
		char col[256];
		size_t len = 0;
		int ci;
		while (*q == ' ')
			q++;
		if (*q == '"') {
			for (q++; *q; q++) {
				if (*q == '"') {
					if (q[1] != '"')
						break;
					q++;
				}
				if (len < sizeof(col) - 1)
					col[len++] = *q;
			}
			if (*q != '"')
				return 1;
			q++;
		} else {
			while (isalnum((unsigned char)*q) || *q == '_' || *q == '$') {
				if (len < sizeof(col) - 1)
					col[len++] = *q;
				q++;
			}
		}
		col[len] = '\0';
		/* the rest of the item: ASC, DESC, NULLS FIRST, an opclass, COLLATE "x" */
		for (; *q && *q != ',' && *q != ')'; q++) {
			if (*q == '(')
				break;
			if (*q == '"')
				for (q++; *q && *q != '"'; q++)
					;
			if (!*q)
				return 1;
		}
		if (!len || *q == '(') {
			*why = "an index on an expression";
			return 1;
		}
		ci = table_column_index(w, col);
		if (ci < 0) {
			*why = "an index on a column the table does not have";
			return 1;
		}
		cols[(*n)++] = ci;
		if (*q == ')') {
			*rest = q + 1;
			return 0;
		}
		if (!*q)
			return 1;
		q++;
	}
}

/*
 * A unique index that is not the index of a constraint: plain column
 * lists are checked like unique constraints; expressions and partial
 * indexes are reported unverifiable.
 */
static int check_unique_index(struct check_session *s, const struct table_meta *w,
			      const struct table_meta *p, const struct index_meta *ix,
			      int touched)
{
	int *cols, *fused, n = 0, ret = 0, isnew = !p;
	const char *why = NULL, *rest = "";
	char name[512], reason[200], reason2[260];
	struct strbuf filter = STRBUF_INIT;

	if (strncasecmp(ix->definition, "CREATE UNIQUE INDEX", 19))
		return 0;
	for (int i = 0; i < w->ncons; i++)
		if ((w->cons[i].kind == 'u' || w->cons[i].kind == 'p') &&
		    !strcmp(w->cons[i].name, ix->name))
			return 0; /* checked as the constraint */
	if (p) {
		isnew = 1;
		for (int i = 0; i < p->nidx; i++)
			if (!strcmp(p->idx[i].name, ix->name))
				isnew = 0;
	}
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		return 0;
	}
	snprintf(name, sizeof(name), "unique index %s", ix->name);
	cols = xcalloc((size_t)w->ncols + 1, sizeof(int));
	fused = xcalloc((size_t)w->ncols + 1, sizeof(int));
	if (!index_columns(ix->definition, w, cols, &n, &rest, &why)) {
		const char *where = strstr(rest, " WHERE ");
		if (where && checkexpr_translate_condition(where + 7, w, "w", &filter, fused,
							  reason, sizeof(reason))) {
			snprintf(reason2, sizeof(reason2), "its WHERE clause: %s", reason);
			why = reason2;
			n = 0;
		}
	}
	if (n) {
		ret = unique_scan(s, w, p, cols, n, name, isnew,
				  strstr(rest, "NULLS NOT DISTINCT") != NULL,
				  filter.len ? filter.buf : NULL, fused, now_seconds());
	} else {
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "%s", name);
		r.status = "unverifiable";
		result_message(&r, "%s cannot be evaluated offline; verified on the target at push", why);
		session_push(s, &r);
	}
	sb_release(&filter);
	free(fused);
	free(cols);
	return ret;
}

/* ----------------------------------------------------------- foreign keys */

static const char *fk_action(char c)
{
	switch (c) {
	case 'c': return "ON DELETE CASCADE";
	case 'n': return "ON DELETE SET NULL";
	case 'd': return "ON DELETE SET DEFAULT";
	default: return NULL;
	}
}

/* The child's value of foreign key column k, as stored, as text or as lower-case text. */
static void add_fk_value(struct strbuf *sb, const struct constraint_meta *c, int k, int form)
{
	sb_adds(sb, form == 0 ? "" : form == 1 ? "CAST(" : "lower(CAST(");
	sb_adds(sb, "w.");
	sb_add_qident(sb, c->columns[k]);
	sb_adds(sb, form == 0 ? "" : form == 1 ? " AS TEXT)" : " AS TEXT))");
}

/*
 * A condition true when child row w finds no parent row in parent_table:
 * "((w.a, w.b) IN (SELECT r.x, r.y FROM parent r)) IS NOT 1".  SQLite
 * answers IN from the parent's key index (or a temporary one it builds
 * once), which is faster than a correlated NOT EXISTS; "IS NOT 1" keeps it
 * right when the list holds a NULL (IN is then NULL, not false).
 */
static void add_fk_missing(struct strbuf *sb, const struct constraint_meta *c,
			   const char *parent_table, int form)
{
	sb_adds(sb, c->ncolumns > 1 ? "((" : "(");
	for (int k = 0; k < c->ncolumns; k++) {
		if (k)
			sb_adds(sb, ", ");
		add_fk_value(sb, c, k, form);
	}
	sb_adds(sb, c->ncolumns > 1 ? ") IN (SELECT " : " IN (SELECT ");
	for (int k = 0; k < c->nref_columns; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_adds(sb, "r.");
		sb_add_qident(sb, c->ref_columns[k]);
	}
	sb_adds(sb, " FROM ");
	sb_add_qident(sb, parent_table);
	sb_adds(sb, " r)) IS NOT 1");
}

static int check_foreign_key(struct check_session *s, const struct table_meta *w,
			     const struct table_meta *p, const struct constraint_meta *c,
			     int touched, const int *touched_of, const struct table_meta **tables,
			     int ntables)
{
	const struct source_meta *tgt = catalog_target((struct catalog *)s->working);
	const struct table_meta *parent = NULL, *pparent = NULL;
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'f') : NULL;
	struct strbuf sql = STRBUF_INIT, what = STRBUF_INIT;
	struct violations v;
	sqlite3_stmt *st = NULL;
	int ptouched = 0, isnew, classify, typeless = 0, uuid = 0, rc, ret = -1, nk = key_count(w);
	/* NOT VALID: PostgreSQL checks only rows written from now on */
	int not_valid = c->definition && strstr(c->definition, " NOT VALID") != NULL;
	char name[512];
	double t0 = now_seconds();

	snprintf(name, sizeof(name), "fk %s", c->name);
	viol_init(&v, w, 1, name);
	if (!has_columns(w, c->columns, c->ncolumns) || !c->ncolumns) {
		ret = 0;
		goto cleanup;
	}
	if (!c->ref_schema || !strcmp(c->ref_schema, tgt->schema)) {
		for (int i = 0; i < ntables; i++)
			if (!strcmp(tables[i]->name, c->ref_table)) {
				parent = tables[i];
				ptouched = touched_of[i];
			}
	}
	pparent = parent ? pristine_of(s, parent) : NULL;
	classify = p && pparent && has_columns(p, c->columns, c->ncolumns) &&
		   has_columns(pparent, c->ref_columns, c->nref_columns);
	isnew = !pc || !classify;
	classify = classify && (pc || not_valid);
	if (!s->all && !touched && !ptouched && !isnew && parent) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	if (!parent || !has_columns(parent, c->ref_columns, c->nref_columns)) {
		if (!s->all && !touched && pc) {
			s->skipped++;
			ret = 0;
			goto cleanup;
		}
		v.fresh.status = "unverifiable";
		result_message(&v.fresh, "references '%s%s%s', which is not in the snapshot; verified on the target at push",
			       c->ref_schema ? c->ref_schema : "", c->ref_schema ? "." : "",
			       c->ref_table);
		session_push(s, &v.fresh);
		ret = 0;
		goto cleanup;
	}
	for (int k = 0; k < c->ncolumns; k++) {
		const struct column_meta *col = &w->cols[table_column_index(w, c->columns[k])];
		if (!(pgtype_is_integer_storage(&col->type) && col->type.kind != PGK_BOOL))
			typeless = 1;
		if (col->type.kind == PGK_UUID && !col->type.is_array)
			uuid = 1;
	}

	/*
	 * Child rows whose key columns are all non-NULL (MATCH SIMPLE) and
	 * match no parent row.  Typeless columns are tried again as text
	 * (and folded uuids) only for the rows the plain comparison finds,
	 * so the common case costs one index probe per row.
	 */
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	sb_adds(&sql, ", ");
	if (!classify) {
		sb_adds(&sql, "0");
	} else {
		sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p WHERE ");
		add_pk_match(&sql, "p", "w", w);
		for (int k = 0; k < c->ncolumns; k++) {
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, c->columns[k]);
			sb_adds(&sql, " IS w.");
			sb_add_qident(&sql, c->columns[k]);
		}
		sb_adds(&sql, ") AND ");
		add_fk_missing(&sql, c, pparent->pristine_name, 0);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_adds(&sql, " w WHERE ");
	for (int k = 0; k < c->ncolumns; k++) {
		sb_adds(&sql, "w.");
		sb_add_qident(&sql, c->columns[k]);
		sb_adds(&sql, " IS NOT NULL AND ");
	}
	add_fk_missing(&sql, c, parent->stage_name, 0);
	if (typeless) {
		sb_adds(&sql, " AND ");
		add_fk_missing(&sql, c, parent->stage_name, 1);
	}
	if (uuid) {
		sb_adds(&sql, " AND ");
		add_fk_missing(&sql, c, parent->stage_name, 2);
	}
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		viol_row(&v, st, nk, sqlite3_column_int(st, nk));
	if (rc != SQLITE_DONE) {
		step_error(s, name);
		goto cleanup;
	}
	sb_addf(&what, "of '%s' reference%s '%s' rows that do not exist", w->name,
		v.fresh.count == 1 ? "s" : "", parent->name);
	if (v.fresh.count && fk_action(c->on_delete))
		sb_addf(&what, " (%s: the target would remove or change them, which the change set does not say; do it in a step)",
			fk_action(c->on_delete));
	if (v.fresh.count && parent->row_filter) {
		/* the missing parents may only be outside the snapshot's filter */
		v.fresh.severity = "warn";
		sb_addf(&what, "; '%s' was snapshotted with a filter, so they may exist on the target (push checks them)",
			parent->name);
	}
	viol_finish(s, &v, t0, what.buf);
	ret = 0;
cleanup:
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&what);
	return ret;
}

/* ------------------------------------------------------ CHECK constraints */

/*
 * Compiles expr, a boolean expression in PostgreSQL SQL, for env's table;
 * 0 with prog holding it, or 1 when the compiler refuses it (why holds its
 * reason): a refusal is a finding ("unverifiable"), not an error of the run.
 */
static int compile_condition(struct sqlc_env *env, const char *file, const char *expr,
			     struct sqlc_program *prog, char *why, size_t whylen)
{
	int r;
	dd_mute_reports++;
	r = sqlc_compile(env, file, expr, SQLC_WHERE, prog);
	dd_mute_reports--;
	if (r || prog->nstmts != 1) {
		const struct sqlc_error *e = sqlc_env_error(env);
		snprintf(why, whylen, "%s", r && e->message ? e->message : "not one expression");
		return 1;
	}
	return 0;
}

/*
 * A CHECK the translator cannot read (dates and times, text order,
 * functions: checkexpr.h), compiled instead by the PostgreSQL-SQL
 * compiler as a boolean expression over w's columns, unqualified, which
 * is how the WHERE of check_check reads them.  used gets 1 for each
 * column whose name appears in the definition (conservative: a mention
 * inside a literal counts too).  Returns 0 (*out set), or 1 when the
 * compiler refuses it too (why holds its reason).
 */
static int compile_check(const struct check_session *s, const struct table_meta *w,
			 const char *def, struct strbuf *out, int *used, char *why, size_t whylen)
{
	struct strbuf expr = STRBUF_INIT;
	struct sqlc_program prog = { 0 };
	struct sqlc_env *env;
	const char *p = def, *end = def + strlen(def);
	int r;

	if (!strncmp(p, "CHECK ", 6))
		p += 6;
	if (end - p > 10 && !strcmp(end - 10, " NOT VALID"))
		end -= 10;
	sb_add(&expr, p, (size_t)(end - p));
	env = sqlc_env_new(s->working, NULL);
	sqlc_env_set_table(env, w->pristine_name ? NULL : w->source, w->name);
	r = compile_condition(env, "check", expr.buf, &prog, why, whylen);
	if (!r) {
		sb_addf(out, "(%s)", prog.stmts[0].sqlite_sql);
		for (int i = 0; i < w->ncols; i++)
			if (strstr(expr.buf, w->cols[i].name))
				used[i] = 1;
	}
	sqlc_program_free(&prog);
	sqlc_env_free(env);
	sb_release(&expr);
	return r;
}

static int check_check(struct check_session *s, const struct table_meta *w,
		       const struct table_meta *p, const struct constraint_meta *c, int touched)
{
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'c') : NULL;
	struct strbuf expr = STRBUF_INIT, sql = STRBUF_INIT;
	int *used = xcalloc((size_t)w->ncols + 1, sizeof(int));
	struct violations v;
	sqlite3_stmt *st = NULL;
	int isnew = !pc, rc, ret = -1, nk = key_count(w);
	char name[512], why[200];
	double t0 = now_seconds();

	snprintf(name, sizeof(name), "check %s", c->name);
	viol_init(&v, w, 1, name);
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	if (checkexpr_translate(c->definition, w, "w", &expr, used, why, sizeof(why)) &&
	    (sb_reset(&expr), memset(used, 0, (size_t)w->ncols * sizeof(int)),
	     !c->definition || compile_check(s, w, c->definition, &expr, used, why, sizeof(why)))) {
		v.fresh.status = "unverifiable";
		result_message(&v.fresh, "%s: %s cannot be evaluated offline; verified on the target at push",
			       c->definition && *c->definition ? c->definition : "(no definition)", why);
		session_push(s, &v.fresh);
		ret = 0;
		goto cleanup;
	}
	for (int i = 0; i < w->ncols && !isnew; i++)
		if (used[i] && table_column_index(p, w->cols[i].name) < 0)
			isnew = 1;
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	sb_adds(&sql, ", ");
	if (isnew) {
		sb_adds(&sql, "0");
	} else {
		sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p WHERE ");
		add_pk_match(&sql, "p", "w", w);
		for (int i = 0; i < w->ncols; i++) {
			if (!used[i])
				continue;
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, w->cols[i].name);
			sb_adds(&sql, " IS w.");
			sb_add_qident(&sql, w->cols[i].name);
		}
		sb_adds(&sql, ")");
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_addf(&sql, " w WHERE NOT %s", expr.buf);
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		viol_row(&v, st, nk, sqlite3_column_int(st, nk));
	if (rc != SQLITE_DONE) {
		step_error(s, name);
		goto cleanup;
	}
	if (v.fresh.count)
		result_message(&v.fresh, "%lld row%s %s", v.fresh.count,
			       v.fresh.count == 1 ? " violates" : "s violate", c->definition);
	viol_finish(s, &v, t0, NULL);
	ret = 0;
cleanup:
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&expr);
	sb_release(&sql);
	free(used);
	return ret;
}

/* ----------------------------------------------------------------- domains */

/*
 * The domain a column's type names, from its source's recorded domains
 * (source_meta.domains, JSON), or NULL.  Borrowed from domains.
 */
static const cJSON *domain_of(const cJSON *domains, const char *pg_type)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, domains) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, pg_type))
			return d;
	}
	return NULL;
}

/* The recorded domains of a table's source, parsed (cJSON_Delete), or NULL. */
static cJSON *source_domains(const struct check_session *s, const struct table_meta *w)
{
	const struct source_meta *sm = catalog_find_source((struct catalog *)s->working, w->source);
	return sm && sm->domains ? cJSON_Parse(sm->domains) : NULL;
}

/*
 * A domain CHECK as pg_get_constraintdef() prints it ("CHECK ((VALUE >
 * 0))", maybe "... NOT VALID") as a PostgreSQL expression, with each VALUE
 * (a keyword outside literals and quoted names) replaced by value.
 */
static void domain_expression(const char *def, const char *value, struct strbuf *out)
{
	const char *p = def, *end = def + strlen(def);
	if (!strncmp(p, "CHECK ", 6))
		p += 6;
	if (end - p > 10 && !strcmp(end - 10, " NOT VALID"))
		end -= 10;
	while (p < end) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			int esc = q == '\'' && p > def && (p[-1] == 'E' || p[-1] == 'e');
			const char *e = p + 1;
			while (e < end) {
				if (esc && *e == '\\' && e + 1 < end) {
					e += 2;
					continue;
				}
				if (*e == q) {
					if (e + 1 < end && e[1] == q) {
						e += 2;
						continue;
					}
					break;
				}
				e++;
			}
			e = e < end ? e + 1 : end;
			sb_add(out, p, (size_t)(e - p));
			p = e;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const char *e = p;
			while (e < end && (isalnum((unsigned char)*e) || *e == '_' || *e == '$'))
				e++;
			if (e - p == 5 && !strncasecmp(p, "value", 5))
				sb_adds(out, value);
			else
				sb_add(out, p, (size_t)(e - p));
			p = e;
		} else {
			sb_addch(out, *p++);
		}
	}
}

/*
 * Compiles a domain CHECK (PostgreSQL SQL) into an SQLite expression over
 * the column dd_value, which holds the domain column's stored text: VALUE
 * reads it cast to the domain's base type, as PostgreSQL's input function
 * would.  The compiler sees a one-column table of its own.  Returns 0
 * (*out set), or 1 when the compiler refuses it (why holds its reason).
 */
static int compile_domain_check(const char *source, const char *def, const char *base,
				char **out, char *why, size_t whylen)
{
	struct catalog cat = { 0 };
	struct source_meta *sm = catalog_add_source(&cat);
	struct table_meta *t;
	struct strbuf expr = STRBUF_INIT, value = STRBUF_INIT;
	struct sqlc_program prog = { 0 };
	struct sqlc_env *env;
	int r;

	sm->name = xstrdup(source);
	sm->is_target = 1;
	sm->schema = xstrdup("public");
	t = catalog_add_table(&cat);
	t->source = xstrdup(source);
	t->name = xstrdup("dd_domain_value");
	t->stage_name = xstrdup("dd_domain_value");
	t->pristine_name = xstrdup("dd_domain_value");
	t->ncols = 1;
	t->cols = xcalloc(1, sizeof(*t->cols));
	t->cols[0].name = xstrdup("dd_value");
	t->cols[0].pg_type = xstrdup("text");
	table_parse_types(t);
	sb_addf(&value, "((\"dd_value\")::%s)", base);
	domain_expression(def, value.buf, &expr);

	env = sqlc_env_new(&cat, NULL);
	sqlc_env_set_table(env, NULL, "dd_domain_value");
	r = compile_condition(env, "domain check", expr.buf, &prog, why, whylen);
	if (!r) {
		*out = xstrdup(prog.stmts[0].sqlite_sql);
	}
	sqlc_program_free(&prog);
	sqlc_env_free(env);
	catalog_free(&cat);
	sb_release(&expr);
	sb_release(&value);
	return r;
}

/*
 * Rows of w whose column ci fails cond (an SQLite expression over
 * dd_value, the column's stored value), as a result named name ("N rows
 * violate WHAT"): fresh when the value is new, pre-existing when the
 * snapshot held it already.
 */
static int domain_scan(struct check_session *s, const struct table_meta *w,
		       const struct table_meta *p, int ci, const char *cond,
		       const char *name, const char *what)
{
	const char *col = w->cols[ci].name;
	int isnew = !p || table_column_index(p, col) < 0, nk = key_count(w), rc, ret = -1;
	struct strbuf sql = STRBUF_INIT;
	struct violations v;
	sqlite3_stmt *st = NULL;
	double t0 = now_seconds();

	viol_init(&v, w, 1, name);
	sb_adds(&sql, "SELECT * FROM (SELECT ");
	add_pk_cols(&sql, "w", w);
	sb_adds(&sql, ", ");
	if (isnew) {
		sb_adds(&sql, "0");
	} else {
		sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p WHERE ");
		add_pk_match(&sql, "p", "w", w);
		sb_adds(&sql, " AND p.");
		sb_add_qident(&sql, col);
		sb_adds(&sql, " IS w.");
		sb_add_qident(&sql, col);
		sb_adds(&sql, ")");
	}
	sb_adds(&sql, " AS dd_pre, w.");
	sb_add_qident(&sql, col);
	sb_adds(&sql, " AS dd_value FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_addf(&sql, " w) WHERE NOT (%s)", cond);
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		viol_row(&v, st, nk, sqlite3_column_int(st, nk));
	if (rc != SQLITE_DONE) {
		/* a value its base type's input refuses: the types check names
		 * it; this constraint cannot be judged until it is fixed */
		v.fresh.status = "fail";
		result_message(&v.fresh, "not evaluated: %s (see the types check)",
			       sqlite3_errmsg(s->db));
		viol_finish(s, &v, t0, NULL);
		ret = 0;
		goto cleanup;
	}
	if (v.fresh.count)
		result_message(&v.fresh, "%lld row%s %s", v.fresh.count,
			       v.fresh.count == 1 ? " violates" : "s violate", what);
	viol_finish(s, &v, t0, NULL);
	ret = 0;
cleanup:
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

/*
 * The constraints of the domains w's columns use (recorded at snapshot):
 * NOT NULL, and each CHECK the compiler can compile, evaluated on every
 * row as PostgreSQL evaluates it when the value is written; a CHECK it
 * cannot compile is listed as unverifiable, by name.
 */
static int check_domains(struct check_session *s, const struct table_meta *w,
			 const struct table_meta *p, int touched)
{
	cJSON *domains = source_domains(s, w);
	int ret = 0;

	for (int ci = 0; domains && !ret && ci < w->ncols; ci++) {
		const cJSON *d = domain_of(domains, w->cols[ci].pg_type), *chk;
		const cJSON *base = cJSON_GetObjectItemCaseSensitive(d, "base");
		const char *col = w->cols[ci].name;
		char name[512];
		if (!d || !cJSON_IsString(base))
			continue;
		if (!s->all && !touched && p && table_column_index(p, col) >= 0) {
			s->skipped++;
			continue;
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "not_null"))) {
			char *what = xasprintf("NOT NULL of domain %s", w->cols[ci].pg_type);
			snprintf(name, sizeof(name), "domain %s not null %s.%s",
				 w->cols[ci].pg_type, w->name, col);
			ret = domain_scan(s, w, p, ci, "dd_value IS NOT NULL", name, what);
			free(what);
		}
		cJSON_ArrayForEach(chk, cJSON_GetObjectItemCaseSensitive(d, "checks")) {
			const cJSON *cn = cJSON_GetObjectItemCaseSensitive(chk, "name");
			const cJSON *def = cJSON_GetObjectItemCaseSensitive(chk, "definition");
			char why[300], *cond = NULL;
			if (ret || !cJSON_IsString(cn) || !cJSON_IsString(def))
				continue;
			snprintf(name, sizeof(name), "domain %s %s.%s", cn->valuestring, w->name, col);
			if (compile_domain_check(w->source, def->valuestring, base->valuestring,
						 &cond, why, sizeof(why))) {
				struct check_result r;
				result_init(&r, "builtin", "after", 1, "%s", name);
				r.status = "unverifiable";
				result_message(&r, "%s of domain %s cannot be evaluated offline (%s); verified on the target at push",
					       def->valuestring, w->cols[ci].pg_type, why);
				session_push(s, &r);
				continue;
			}
			{
				char *what = xasprintf("%s of domain %s", def->valuestring,
						       w->cols[ci].pg_type);
				ret = domain_scan(s, w, p, ci, cond, name, what);
				free(what);
			}
			free(cond);
		}
	}
	cJSON_Delete(domains);
	return ret;
}

/* --------------------------------------------------------- type conformity */

struct col_types {
	int wi;                      /* working column index, -1 if unknown */
	const char *const *labels;   /* enum labels */
	int nlabels;
	struct pgtype base;          /* a domain's base type (has_base) */
	int has_base;
	sqlite3_stmt *range_in;      /* a range's input function, to validate */
	struct check_result res;
};

/* PostgreSQL's input function of a range type, as the compiler's runtime
 * registers it (fn_range.c), or NULL. */
static const char *range_input(const struct pgtype *t)
{
	if (t->is_array)
		return NULL;
	switch (t->kind) {
	case PGK_INT4RANGE: return "SELECT pg_int4range_in(?1)";
	case PGK_INT8RANGE: return "SELECT pg_int8range_in(?1)";
	case PGK_NUMRANGE: return "SELECT pg_numrange_in(?1)";
	case PGK_DATERANGE: return "SELECT pg_daterange_in(?1)";
	case PGK_TSRANGE: return "SELECT pg_tsrange_in(?1)";
	case PGK_TSTZRANGE: return "SELECT pg_tstzrange_in(?1)";
	default: return NULL;
	}
}

/*
 * Every value the change set writes (all of an insert, the changed
 * columns of an update), read from dd_change in the PostgreSQL text push
 * sends, checked with pgvalue_check().
 */
static int check_types(struct check_session *s, const struct table_meta *w)
{
	struct strbuf shown = STRBUF_INIT, val = STRBUF_INIT;
	sqlite3_stmt *cs = NULL, *st = NULL;
	cJSON *names = NULL, *domains = source_domains(s, w);
	struct col_types *ct = NULL;
	char rangewhy[300];
	int n = 0, rc, ret = -1, bad = 0;
	long long rows = 0, values = 0;
	double t0 = now_seconds();

	if (sqlite3_prepare_v2(s->db, "SELECT cols_after FROM dd_change_columns WHERE tbl = ?1",
			       -1, &cs, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(cs, 1, w->name, -1, SQLITE_STATIC);
	if (sqlite3_step(cs) != SQLITE_ROW) {
		ret = 0; /* no change set for this table */
		goto cleanup;
	}
	names = cJSON_Parse((const char *)sqlite3_column_text(cs, 0));
	n = cJSON_GetArraySize(names);
	ct = xcalloc((size_t)n + 1, sizeof(*ct));
	for (int i = 0; i < n; i++) {
		cJSON *nm = cJSON_GetArrayItem(names, i);
		ct[i].wi = cJSON_IsString(nm) ? table_column_index(w, nm->valuestring) : -1;
		if (ct[i].wi >= 0 && w->cols[ct[i].wi].is_enum) {
			const struct enum_meta *e = catalog_find_enum(s->working, w->source,
								      w->cols[ct[i].wi].enum_type);
			if (e) {
				ct[i].labels = (const char *const *)e->labels;
				ct[i].nlabels = e->nlabels;
			}
		}
		if (ct[i].wi >= 0) {
			const struct column_meta *col = &w->cols[ct[i].wi];
			const cJSON *d = domain_of(domains, col->pg_type);
			const cJSON *base = cJSON_GetObjectItemCaseSensitive(d, "base");
			const char *rin;
			result_init(&ct[i].res, "builtin", "after", 1, "types %s.%s", w->name, col->name);
			/* a domain's values are its base type's */
			if (cJSON_IsString(base)) {
				pgtype_parse(base->valuestring, 0, &ct[i].base);
				ct[i].has_base = 1;
			}
			rin = range_input(ct[i].has_base ? &ct[i].base : &col->type);
			if (rin && sqlite3_prepare_v2(s->db, rin, -1, &ct[i].range_in, NULL)) {
				stage_error(s->db, "cannot validate range values");
				goto cleanup;
			}
		}
	}
	if (sqlite3_prepare_v2(s->db, "SELECT op, key, new_row, changed FROM dd_change "
				      "WHERE tbl = ?1 AND op <> 'D' ORDER BY seq",
			       -1, &st, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		cJSON *row = cJSON_Parse((const char *)sqlite3_column_text(st, 2));
		cJSON *changed = *op == 'U' ? cJSON_Parse((const char *)sqlite3_column_text(st, 3)) : NULL;
		cJSON *v;
		int i = 0;
		rows++;
		cJSON_ArrayForEach(v, row) {
			struct col_types *c = &ct[i < n ? i : 0];
			const struct column_meta *col;
			const char *why = NULL;
			if (i++ >= n || c->wi < 0 || !cJSON_IsString(v))
				continue;
			col = &w->cols[c->wi];
			if (changed) {
				cJSON *cn;
				int hit = 0;
				cJSON_ArrayForEach(cn, changed)
					if (cJSON_IsString(cn) && !strcmp(cn->valuestring, col->name))
						hit = 1;
				if (!hit)
					continue;
			}
			values++;
			if (!pgvalue_check(c->has_base ? &c->base : &col->type, v->valuestring,
					   strlen(v->valuestring), c->labels, c->nlabels, &why)) {
				/* a range is valid when PostgreSQL's range_in takes it
				 * (bounds in order, each bound its element type's) */
				int ok;
				if (!c->range_in)
					continue;
				sqlite3_bind_text(c->range_in, 1, v->valuestring, -1, SQLITE_STATIC);
				ok = sqlite3_step(c->range_in) == SQLITE_ROW;
				if (!ok) {
					snprintf(rangewhy, sizeof(rangewhy), "%s", sqlite3_errmsg(s->db));
					why = rangewhy;
				}
				sqlite3_reset(c->range_in);
				sqlite3_clear_bindings(c->range_in);
				if (ok)
					continue;
			}
			bad++;
			if (!c->res.count) {
				sb_reset(&val);
				add_shown_value(&val, v->valuestring, strlen(v->valuestring));
				result_message(&c->res, "'%s' is not a valid %s: %s", val.buf,
					       col->pg_type, why ? why : "invalid");
			}
			shown_from_json(key, &shown);
			result_add_key(&c->res, key, shown.buf);
		}
		cJSON_Delete(row);
		cJSON_Delete(changed);
	}
	if (rc != SQLITE_DONE) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	if (!rows) {
		ret = 0;
		goto cleanup;
	}
	if (!bad) {
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "types %s", w->name);
		result_message(&r, "%lld value%s in %lld inserted or updated row%s", values,
			       values == 1 ? "" : "s", rows, rows == 1 ? "" : "s");
		r.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &r);
	}
	for (int i = 0; i < n; i++) {
		if (!ct[i].res.count)
			continue;
		if (ct[i].res.count > 1) {
			char *m = xasprintf("%s (and %lld more)", ct[i].res.message, ct[i].res.count - 1);
			free(ct[i].res.message);
			ct[i].res.message = m;
		}
		ct[i].res.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &ct[i].res);
	}
	ret = 0;
cleanup:
	for (int i = 0; ct && i < n; i++) {
		if (ct[i].res.name)
			result_release(&ct[i].res);
		sqlite3_finalize(ct[i].range_in);
	}
	cJSON_Delete(domains);
	free(ct);
	cJSON_Delete(names);
	sqlite3_finalize(cs);
	sqlite3_finalize(st);
	sb_release(&shown);
	sb_release(&val);
	return ret;
}

/* -------------------------------------------------------------- the tables */

static int cmp_tables(const void *a, const void *b)
{
	const struct table_meta *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* ------------------------------------------------------------------- rules */

/*
 * The rules of w (recorded at snapshot) that the change set's statements
 * would fire: an ON INSERT rule when it inserts, ON UPDATE when it
 * updates, ON DELETE when it deletes.  Push refuses each (a rule rewrites
 * the statement and may write other tables, outside the ledger), so the
 * check fails here, before approval, with the same way out.
 */
static int check_rules(struct check_session *s, const struct source_meta *src,
		       const struct table_meta *w)
{
	cJSON *rules = src->rules ? cJSON_Parse(src->rules) : NULL;
	const cJSON *rule;
	sqlite3_stmt *st = NULL;
	long long n[3] = { 0, 0, 0 }; /* inserts, updates, deletes */
	static const char *const events[3] = { "INSERT", "UPDATE", "DELETE" };
	static const char *const verbs[3] = { "insert", "update", "delete" };
	int ret = 0;

	if (!rules)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT inserts, updates, deletes FROM dd_change_table WHERE tbl = ?1",
			       -1, &st, NULL)) {
		ret = stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		for (int k = 0; k < 3; k++)
			n[k] = sqlite3_column_int64(st, k);
	cJSON_ArrayForEach(rule, rules) {
		const char *tbl = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "table"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "name"));
		const char *ev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "event"));
		const char *def = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "definition"));
		struct check_result r;
		if (!tbl || !name || !ev || strcmp(tbl, w->name))
			continue;
		result_init(&r, "builtin", "after", 1, "rule %s %s", name, w->name);
		for (int k = 0; k < 3; k++) {
			if (strcmp(ev, events[k]) || !n[k])
				continue;
			r.status = "fail";
			r.count = n[k];
			result_message(&r, "fires on the change set's %lld %s%s: %s; push refuses it (what a rule "
				       "does is outside the ledger): disable it on the target (ALTER TABLE %s "
				       "DISABLE RULE %s) and snapshot again, or leave the table out of the plan",
				       n[k], verbs[k], n[k] == 1 ? "" : "s", def ? def : "", w->name, name);
		}
		session_push(s, &r);
	}
cleanup:
	sqlite3_finalize(st);
	cJSON_Delete(rules);
	return ret;
}

int run_builtins(struct check_session *s)
{
	const struct source_meta *tgt = catalog_target((struct catalog *)s->working);
	const struct table_meta **tables = xcalloc((size_t)s->working->ntables + 1, sizeof(*tables));
	int *touched = xcalloc((size_t)s->working->ntables + 1, sizeof(int));
	sqlite3_stmt *st = NULL;
	int n = 0, ret = -1;

	for (int i = 0; tgt && i < s->working->ntables; i++) {
		const struct table_meta *t = &s->working->tables[i];
		if (!strcmp(t->source, tgt->name) && !t->dropped)
			tables[n++] = t;
	}
	qsort(tables, (size_t)n, sizeof(*tables), cmp_tables);
	if (sqlite3_prepare_v2(s->db, "SELECT inserts + updates + deletes FROM dd_change_table "
				      "WHERE tbl = ?1", -1, &st, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, tables[i]->name, -1, SQLITE_STATIC);
		touched[i] = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
		sqlite3_reset(st);
	}
	for (int i = 0; i < n; i++) {
		const struct table_meta *w = tables[i], *p = pristine_of(s, w);
		if (check_primary_key(s, w, p, touched[i]) || check_not_null(s, w, p, touched[i]))
			goto cleanup;
		for (int k = 0; k < w->ncons; k++) {
			const struct constraint_meta *c = &w->cons[k];
			int r = 0;
			switch (c->kind) {
			case 'u':
				r = check_unique(s, w, p, c, touched[i]);
				break;
			case 'f':
				r = check_foreign_key(s, w, p, c, touched[i], touched, tables, n);
				break;
			case 'c':
				r = check_check(s, w, p, c, touched[i]);
				break;
			case 'x':
				if (!s->all && !touched[i] && find_con(p, c->name, 'x')) {
					s->skipped++;
				} else {
					struct check_result res;
					result_init(&res, "builtin", "after", 1, "exclusion %s", c->name);
					res.status = "unverifiable";
					result_message(&res, "exclusion constraints are verified on the target at push");
					session_push(s, &res);
				}
				break;
			default:
				break;
			}
			if (r)
				goto cleanup;
		}
		for (int k = 0; k < w->nidx; k++)
			if (check_unique_index(s, w, p, &w->idx[k], touched[i]))
				goto cleanup;
		if (check_domains(s, w, p, touched[i]))
			goto cleanup;
		if (touched[i] && check_rules(s, tgt, w))
			goto cleanup;
		if (check_types(s, w))
			goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	free(tables);
	free(touched);
	return ret;
}
