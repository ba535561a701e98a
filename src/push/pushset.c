/*
 * pushset: the model of one push or rollback (see pushset.h), read from a
 * staging file or from the target's ledger.
 */
#define _GNU_SOURCE
#include "pushset.h"

#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "plan.h"
#include "schemachange.h"
#include "stage.h"
#include "util.h"

/* ------------------------------------------------------------------ freeing */

static void cols_free(struct push_col *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].type);
		free(c[i].work);
		free(c[i].seq);
	}
	free(c);
}

static void table_free(struct push_table *t)
{
	free(t->schema);
	free(t->name);
	cols_free(t->old, t->nold);
	cols_free(t->new, t->nnew);
	for (int i = 0; i < t->nrefs; i++) {
		free(t->refs[i].schema);
		free(t->refs[i].table);
		strv_free(t->refs[i].cols, t->refs[i].ncols);
		strv_free(t->refs[i].ref_cols, t->refs[i].ncols);
		free(t->refs[i].name);
	}
	free(t->refs);
	memset(t, 0, sizeof(*t));
}

void pushset_free(struct push_set *ps)
{
	for (int i = 0; i < ps->ntables; i++)
		table_free(&ps->tables[i]);
	free(ps->tables);
	free(ps->order);
	for (int i = 0; i < ps->nddl; i++) {
		struct push_ddl *d = &ps->ddl[i];
		free(d->op);
		free(d->tbl);
		free(d->ddl);
		free(d->ddl_post);
		free(d->inverse);
		free(d->inverse_post);
		free(d->probe);
		free(d->save);
		free(d->restore);
	}
	free(ps->ddl);
	for (int i = 0; i < ps->nseqs; i++)
		free(ps->seqs[i].name);
	free(ps->seqs);
	free(ps->plan);
	free(ps->schema);
	memset(ps, 0, sizeof(*ps));
}

/* ------------------------------------------------------------------ helpers */

/*
 * Types whose values PostgreSQL cannot compare with "=" (json, xml and the
 * geometric types, and arrays of them): the conflict check and the
 * verification compare their text form instead, which for these types is
 * what PostgreSQL stores.
 */
int pushset_type_needs_text_cmp(const char *type)
{
	static const char *const no_eq[] = { "json", "xml", "point", "lseg",
					     "box", "path", "polygon", "line",
					     "circle" };
	size_t n = strlen(type);
	while (n >= 2 && type[n - 2] == '[' && type[n - 1] == ']')
		n -= 2;
	for (size_t i = 0; i < ARRAY_SIZE(no_eq); i++)
		if (strlen(no_eq[i]) == n && !strncmp(type, no_eq[i], n))
			return 1;
	return 0;
}

/*
 * A type name goes into the statements as written, so it must look like
 * one: names, spaces, digits, dots, parentheses, commas, brackets and
 * double-quoted names.  Anything else (a ';', a comment) is refused.
 */
static int type_is_safe(const char *type)
{
	int quoted = 0;
	if (!*type)
		return 0;
	for (const char *p = type; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted)
			continue;
		if (!(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "0123456789_ .(),[]", *p) || (unsigned char)*p >= 0x80))
			return 0;
	}
	return !quoted;
}

/* Work-table column: o_<name>, or o_<position> when that would be too long. */
static char *work_name(char prefix, const char *name, int pos)
{
	if (strlen(name) <= 61)
		return xasprintf("%c_%s", prefix, name);
	return xasprintf("%c_%d", prefix, pos + 1);
}

char *pushset_work_table(const char *ledger_id, const struct push_table *t)
{
	return xasprintf("drydock.ledger_%s_%d", ledger_id, t->k);
}

static char **strv_dup(char **v, int n)
{
	char **r = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

/* ------------------------------------------------------------------- order */

/* Tarjan's strongly connected components over the edges parent -> child. */
struct tarjan {
	const struct push_set *ps;
	int *index, *low, *on, *stack, *comp;
	int sp, next, ncomp;
};

static void tarjan_visit(struct tarjan *tj, int v)
{
	const struct push_table *t = &tj->ps->tables[v];
	tj->index[v] = tj->low[v] = ++tj->next;
	tj->stack[tj->sp++] = v;
	tj->on[v] = 1;
	for (int r = 0; r < t->nrefs; r++) {
		int c = t->refs[r].child;
		if (c < 0)
			continue;
		if (!tj->index[c]) {
			tarjan_visit(tj, c);
			if (tj->low[c] < tj->low[v])
				tj->low[v] = tj->low[c];
		} else if (tj->on[c] && tj->index[c] < tj->low[v]) {
			tj->low[v] = tj->index[c];
		}
	}
	if (tj->low[v] == tj->index[v]) {
		int w;
		do {
			w = tj->stack[--tj->sp];
			tj->on[w] = 0;
			tj->comp[w] = tj->ncomp;
		} while (w != v);
		tj->ncomp++;
	}
}

/*
 * Whether the rows cross foreign key p -> r->child: a child row inserted
 * may point at a parent row inserted, or a parent row deleted may still be
 * pointed at by a child row deleted.  Updates run after every insert and
 * before the late deletes, so they never need an order inside a cycle.
 */
static int ref_crossed(const struct push_set *ps, int p, const struct push_ref *r)
{
	const struct push_table *a = &ps->tables[p], *c = &ps->tables[r->child];
	return (a->ninsert && c->ninsert) || (a->ndelete && c->ndelete);
}

/* An edge inside a component that the order must respect, or break. */
static int ref_binding(const struct push_set *ps, const int *comp, int p,
		       const struct push_ref *r)
{
	return r->child >= 0 && r->child != p && comp[r->child] == comp[p] &&
	       !r->deferrable && ref_crossed(ps, p, r);
}

static int name_before(const struct push_set *ps, int a, int b)
{
	return b < 0 || strcmp(ps->tables[a].name, ps->tables[b].name) < 0;
}

static void refuse_cycle(const struct push_set *ps, const int *comp, int cc,
			 const int *placed)
{
	struct strbuf names = STRBUF_INIT;
	for (int i = 0; i < ps->ntables; i++)
		if (comp[i] == cc && !placed[i])
			sb_addf(&names, "%s%s", names.len ? ", " : "", ps->tables[i].name);
	error("cannot order the %s: tables %s reference each other through foreign keys "
	      "that are neither DEFERRABLE nor nullable", ps->rollback ? "rollback" : "push",
	      names.buf);
	for (int p = 0; p < ps->ntables; p++) {
		if (comp[p] != cc || placed[p])
			continue;
		for (int r = 0; r < ps->tables[p].nrefs; r++) {
			const struct push_ref *ref = &ps->tables[p].refs[r];
			struct strbuf cols = STRBUF_INIT;
			if (!ref_binding(ps, comp, p, ref) || placed[ref->child])
				continue;
			for (int k = 0; k < ref->ncols; k++)
				sb_addf(&cols, "%s%s", k ? ", " : "", ref->cols[k]);
			detail("%s (%s) references %s: constraint %s is not DEFERRABLE%s.",
			       ps->tables[ref->child].name, cols.buf, ps->tables[p].name,
			       ref->name ? ref->name : "?",
			       ref->nullable ? "" : " and its columns are NOT NULL");
			sb_release(&cols);
		}
	}
	detail("The change set inserts (or deletes) rows on both sides, so one of them would have to go first.");
	hint("Make one of these constraints DEFERRABLE (ALTER TABLE ... ALTER CONSTRAINT ... "
	     "DEFERRABLE), or allow NULL in its columns so push can write them in two steps "
	     "(docs/push.md, \"Statement order\").  Nothing was sent.");
	sb_release(&names);
}

/*
 * Parents first, for any foreign-key graph.  Components come in
 * topological order (ties by their first table's name, so the order is
 * stable); a component's tables by the binding edges inside it (ties by
 * name), and when none is free, the first table by name whose binding
 * edges from the rest can all be broken (nullable) goes next, its
 * incoming edges marked broken.
 */
int pushset_order(struct push_set *ps)
{
	int n = ps->ntables, done = 0, ret = -1;
	struct tarjan tj = { ps, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 };
	int *cindeg, *cplaced, *cmin, *placed, *indeg;

	free(ps->order);
	ps->order = xcalloc((size_t)n + 1, sizeof(int));
	tj.index = xcalloc((size_t)n + 1, sizeof(int));
	tj.low = xcalloc((size_t)n + 1, sizeof(int));
	tj.on = xcalloc((size_t)n + 1, sizeof(int));
	tj.stack = xcalloc((size_t)n + 1, sizeof(int));
	tj.comp = xcalloc((size_t)n + 1, sizeof(int));
	for (int v = 0; v < n; v++)
		if (!tj.index[v])
			tarjan_visit(&tj, v);
	cindeg = xcalloc((size_t)tj.ncomp + 1, sizeof(int));
	cplaced = xcalloc((size_t)tj.ncomp + 1, sizeof(int));
	cmin = xcalloc((size_t)tj.ncomp + 1, sizeof(int));
	placed = xcalloc((size_t)n + 1, sizeof(int));
	indeg = xcalloc((size_t)n + 1, sizeof(int));
	for (int c = 0; c < tj.ncomp; c++)
		cmin[c] = -1;
	for (int p = 0; p < n; p++) {
		struct push_table *t = &ps->tables[p];
		int cp = tj.comp[p];
		if (name_before(ps, p, cmin[cp]))
			cmin[cp] = p;
		t->cycle = 0;
		for (int r = 0; r < t->nrefs; r++) {
			int c = t->refs[r].child;
			t->refs[r].broken = 0;
			if (c < 0)
				continue;
			if (tj.comp[c] != cp)
				cindeg[tj.comp[c]]++;
			else if (ref_binding(ps, tj.comp, p, &t->refs[r]))
				indeg[c]++;
		}
	}
	for (int p = 0; p < n; p++)
		for (int q = 0; q < n; q++)
			if (q != p && tj.comp[q] == tj.comp[p])
				ps->tables[p].cycle = 1;
	for (int p = 0; p < n; p++)
		for (int r = 0; r < ps->tables[p].nrefs; r++)
			if (ps->tables[p].refs[r].child == p)
				ps->tables[p].cycle = 1; /* a self-reference */

	while (done < n) {
		int cc = -1;
		for (int c = 0; c < tj.ncomp; c++)
			if (!cplaced[c] && !cindeg[c] && (cc < 0 || name_before(ps, cmin[c], cmin[cc])))
				cc = c;
		cplaced[cc] = 1;
		for (;;) {
			int pick = -1, left = 0;
			for (int i = 0; i < n; i++) {
				if (tj.comp[i] != cc || placed[i])
					continue;
				left = 1;
				if (!indeg[i] && name_before(ps, i, pick))
					pick = i;
			}
			if (!left)
				break;
			if (pick < 0) {
				/* stuck: break the edges into the first table that allows it */
				for (int i = 0; i < n && pick < 0; i++) {
					/* rows without a key cannot be found again to set them */
					int ok = tj.comp[i] == cc && !placed[i] && !ps->tables[i].full_row;
					for (int p = 0; p < n && ok; p++)
						for (int r = 0; r < ps->tables[p].nrefs && ok; r++) {
							const struct push_ref *ref = &ps->tables[p].refs[r];
							if (ref->child == i && !placed[p] &&
							    ref_binding(ps, tj.comp, p, ref) && !ref->nullable)
								ok = 0;
						}
					if (ok)
						pick = i;
				}
				if (pick < 0) {
					refuse_cycle(ps, tj.comp, cc, placed);
					goto cleanup;
				}
				for (int p = 0; p < n; p++)
					for (int r = 0; r < ps->tables[p].nrefs; r++) {
						struct push_ref *ref = &ps->tables[p].refs[r];
						if (ref->child == pick && !placed[p] &&
						    ref_binding(ps, tj.comp, p, ref)) {
							ref->broken = 1;
							indeg[pick]--;
						}
					}
			}
			placed[pick] = 1;
			ps->order[done++] = pick;
			for (int r = 0; r < ps->tables[pick].nrefs; r++) {
				const struct push_ref *ref = &ps->tables[pick].refs[r];
				if (ref->child < 0)
					continue;
				if (tj.comp[ref->child] != cc)
					cindeg[tj.comp[ref->child]]--;
				else if (ref_binding(ps, tj.comp, pick, ref) && !placed[ref->child])
					indeg[ref->child]--;
			}
		}
	}
	ret = 0;
cleanup:
	free(tj.index);
	free(tj.low);
	free(tj.on);
	free(tj.stack);
	free(tj.comp);
	free(cindeg);
	free(cplaced);
	free(cmin);
	free(placed);
	free(indeg);
	return ret;
}

int pushset_col_broken(const struct push_set *ps, int ci, const char *col, char op)
{
	for (int p = 0; p < ps->ntables; p++) {
		const struct push_table *t = &ps->tables[p];
		if (op == 'I' ? !t->ninsert : !t->ndelete)
			continue;
		for (int r = 0; r < t->nrefs; r++) {
			const struct push_ref *ref = &t->refs[r];
			if (!ref->broken || ref->child != ci)
				continue;
			for (int k = 0; k < ref->ncols; k++)
				if (!col || !strcmp(ref->cols[k], col))
					return 1;
		}
	}
	return 0;
}

int pushset_table_broken(const struct push_set *ps, int ci, char op)
{
	const struct push_table *t = &ps->tables[ci];
	if (op == 'I' ? !t->ninsert : !t->ndelete)
		return 0;
	return pushset_col_broken(ps, ci, NULL, op);
}

/* ---------------------------------------------------------- from the stage */

static const struct table_meta *target_table(const struct catalog *cat,
					     const char *source, const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if (!strcmp(t->source, source) && !strcmp(t->name, name) && !t->dropped)
			return t;
	}
	return NULL;
}

static const struct column_meta *find_col(const struct table_meta *t, const char *name)
{
	int i = t ? table_column_index(t, name) : -1;
	return i >= 0 ? &t->cols[i] : NULL;
}

/*
 * A drop loses data a rollback needs: the values of a dropped column for
 * every row (not only the rows the change set touches), or a dropped
 * table's rows.  Push copies them into the ledger right before the drop
 * and rollback puts them back after re-creating the column or table.
 * {ID} stands for the push's ledger id.
 */
static void drop_backup(struct push_ddl *d, const struct schema_change *c,
			const struct table_meta *t, const char *schema)
{
	struct strbuf save = STRBUF_INIT, restore = STRBUF_INIT, cols = STRBUF_INIT;
	const char *col = NULL;
	const cJSON *cj = cJSON_GetObjectItemCaseSensitive(c->spec, "column");

	if (!t || !t->npk)
		return;
	if (c->op == SC_DROP_COLUMN) {
		if (!cJSON_IsString(cj) || table_column_index(t, cj->valuestring) < 0)
			return;
		col = cj->valuestring;
		for (int k = 0; k < t->npk; k++) {
			sb_add_ident(&cols, t->cols[t->pk[k]].name);
			sb_adds(&cols, ", ");
		}
		sb_add_ident(&cols, col);
	} else {
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				sb_adds(&cols, ", ");
			sb_add_ident(&cols, t->cols[i].name);
		}
	}
	sb_addf(&save, "CREATE TABLE drydock.ledger_{ID}_s%d AS SELECT %s FROM ", d->seq, cols.buf);
	sb_add_ident(&save, schema);
	sb_addch(&save, '.');
	sb_add_ident(&save, t->name);
	if (col) {
		sb_adds(&restore, "UPDATE ");
		sb_add_ident(&restore, schema);
		sb_addch(&restore, '.');
		sb_add_ident(&restore, t->name);
		sb_adds(&restore, " AS t SET ");
		sb_add_ident(&restore, col);
		sb_adds(&restore, " = b.");
		sb_add_ident(&restore, col);
		sb_addf(&restore, " FROM drydock.ledger_{ID}_s%d AS b WHERE ", d->seq);
		for (int k = 0; k < t->npk; k++) {
			if (k)
				sb_adds(&restore, " AND ");
			sb_adds(&restore, "t.");
			sb_add_ident(&restore, t->cols[t->pk[k]].name);
			sb_adds(&restore, " = b.");
			sb_add_ident(&restore, t->cols[t->pk[k]].name);
		}
	} else {
		sb_adds(&restore, "INSERT INTO ");
		sb_add_ident(&restore, schema);
		sb_addch(&restore, '.');
		sb_add_ident(&restore, t->name);
		sb_addf(&restore, " (%s) SELECT %s FROM drydock.ledger_{ID}_s%d", cols.buf, cols.buf, d->seq);
	}
	d->save = sb_detach(&save, NULL);
	d->restore = sb_detach(&restore, NULL);
	sb_release(&cols);
}

/* Reads dd_schema_change; builds the catalogs of the shapes around the data. */
static int load_schema_changes(sqlite3 *db, const char *stage_path,
			       struct push_set *ps, struct catalog *before,
			       struct catalog *working)
{
	sqlite3_stmt *st = NULL;
	int has_post = 0, ret = -1, nsc = 0;
	struct strbuf sql = STRBUF_INIT;
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "schema_changes");
	struct schema_change *sc = NULL;
	struct plan plan = { 0 };

	/* ddl_post and inverse_post come with the schemachange module's
	 * four-part rendering; older files have ddl and inverse_ddl only */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('dd_schema_change') "
				   "WHERE name = 'ddl_post'", -1, &st, NULL))
		goto dberr;
	has_post = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	sb_addf(&sql, "SELECT seq, phase, op, tbl, spec, ddl, inverse_ddl, %s "
		      "FROM dd_schema_change ORDER BY seq",
		has_post ? "ddl_post, inverse_post" : "'', ''");
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL))
		goto dberr;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct push_ddl *d;
		cJSON *spec = cJSON_Parse((const char *)sqlite3_column_text(st, 4));
		if (!spec) {
			error("staging file '%s' has a damaged schema change (seq %d)",
			      stage_path, sqlite3_column_int(st, 0));
			goto cleanup;
		}
		cJSON_AddItemToArray(list, spec);
		ps->ddl = xrealloc(ps->ddl, (size_t)(ps->nddl + 1) * sizeof(*ps->ddl));
		d = &ps->ddl[ps->nddl++];
		memset(d, 0, sizeof(*d));
		d->seq = sqlite3_column_int(st, 0);
		d->after = !strcmp((const char *)sqlite3_column_text(st, 1), "after");
		d->op = xstrdup((const char *)sqlite3_column_text(st, 2));
		d->tbl = sqlite3_column_text(st, 3) ? xstrdup((const char *)sqlite3_column_text(st, 3)) : NULL;
		d->ddl = xstrdup((const char *)sqlite3_column_text(st, 5));
		d->inverse = xstrdup((const char *)sqlite3_column_text(st, 6));
		d->ddl_post = xstrdup(sqlite3_column_text(st, 7) ? (const char *)sqlite3_column_text(st, 7) : "");
		d->inverse_post = xstrdup(sqlite3_column_text(st, 8) ? (const char *)sqlite3_column_text(st, 8) : "");
		d->applied = 1;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!ps->nddl) {
		ret = 0;
		goto cleanup;
	}

	/* the changes themselves, parsed again from their stored specs, give
	 * the shapes (types of added columns, created tables) and the probes */
	plan.path = xasprintf("%s (schema changes of the latest run)", stage_path);
	plan.name = xstrdup(ps->plan);
	plan.root = root;
	root = NULL;
	if (schema_changes_parse(&plan, &sc, &nsc))
		goto cleanup;
	if (nsc != ps->nddl) {
		error("cannot read the schema changes of '%s'", stage_path);
		detail("The file records %d schema changes; %d could be read back from their specs.",
		       ps->nddl, nsc);
		hint("Run the plan again with this drydock: drydock run %s --plan DIR", stage_path);
		goto cleanup;
	}
	for (int i = 0; i < nsc; i++) {
		cJSON *ine = cJSON_GetObjectItemCaseSensitive(sc[i].spec, "if_not_exists");
		if (sc[i].op == SC_DROP_COLUMN || sc[i].op == SC_DROP_TABLE) {
			const struct source_meta *src = catalog_target(working);
			drop_backup(&ps->ddl[i], &sc[i],
				    src ? target_table(working, src->name, sc[i].table) : NULL,
				    ps->schema);
		}
		if (!sc[i].phase && schema_change_apply_catalog(before, &sc[i]))
			goto cleanup;
		if (schema_change_apply_catalog(working, &sc[i]))
			goto cleanup;
		if (cJSON_IsTrue(ine))
			ps->ddl[i].probe = schema_change_probe_sql(&sc[i], ps->schema);
	}
	ret = 0;
	goto cleanup;
dberr:
	stage_error(db, "cannot read the schema changes");
cleanup:
	sqlite3_finalize(st);
	schema_changes_free(sc, nsc);
	plan_free(&plan);
	cJSON_Delete(root);
	sb_release(&sql);
	return ret;
}

/*
 * The sequence a default draws from: nextval('name'::regclass), as
 * pg_get_expr() prints it, whether or not the sequence is OWNED BY the
 * column (a Rails or Django table may share one, or have lost the link).
 * Returns the regclass text, or NULL.
 */
static char *default_sequence(const char *expr)
{
	static const char head[] = "nextval('";
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	if (!expr || strncmp(expr, head, sizeof(head) - 1))
		return NULL;
	for (p = expr + sizeof(head) - 1; *p; p++) {
		if (*p == '\'' && p[1] == '\'') {
			sb_addch(&sb, '\'');
			p++;
		} else if (*p == '\'') {
			break;
		} else {
			sb_addch(&sb, *p);
		}
	}
	if (*p != '\'' || strcmp(p, "'::regclass)") || !sb.len) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb, NULL);
}

/*
 * Sequences the offline run drew from (dd_sequence_state moved past the
 * snapshot's dd_sequence): a value drawn for a row that was deleted again,
 * or for another table, must not be handed out by the target later.
 */
static int load_drawn_sequences(sqlite3 *db, struct push_set *ps)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'dd_sequence_state'",
			       -1, &st, NULL))
		return stage_error(db, "cannot read the sequences");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT s.schema, s.name, s.last_value FROM dd_sequence_state s "
				   "JOIN dd_sequence q ON q.schema = s.schema AND q.name = s.name "
				   "JOIN dd_source src ON src.name = q.source AND src.is_target "
				   "WHERE s.is_called AND (s.last_value <> q.last_value OR NOT q.is_called) "
				   "ORDER BY 1, 2", -1, &st, NULL))
		return stage_error(db, "cannot read the sequences");
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct strbuf name = STRBUF_INIT;
		sb_add_ident(&name, (const char *)sqlite3_column_text(st, 0));
		sb_addch(&name, '.');
		sb_add_ident(&name, (const char *)sqlite3_column_text(st, 1));
		ps->seqs = xrealloc(ps->seqs, (size_t)(ps->nseqs + 1) * sizeof(*ps->seqs));
		ps->seqs[ps->nseqs].name = sb_detach(&name, NULL);
		ps->seqs[ps->nseqs++].value = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Columns listed in a dd_change_columns array, typed from the given tables. */
static int make_cols(const char *json, char prefix, const struct table_meta *typed,
		     const struct table_meta *pristine, const struct table_meta *before,
		     const struct push_set *ps, const char *table,
		     struct push_col **out, int *nout)
{
	cJSON *a = cJSON_Parse(json), *it;
	int n = 0, ret = -1;
	struct push_col *c = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*c));

	if (!cJSON_IsArray(a)) {
		error("the change set of table '%s' is damaged (column list)", table);
		goto cleanup;
	}
	cJSON_ArrayForEach(it, a) {
		const struct column_meta *m;
		if (!cJSON_IsString(it)) {
			error("the change set of table '%s' is damaged (column list)", table);
			goto cleanup;
		}
		m = find_col(typed, it->valuestring);
		if (!m) {
			error("column '%s' of table '%s' is in the change set but not in the catalog",
			      it->valuestring, table);
			hint("Run the plan again: drydock run STAGE.db --plan DIR");
			goto cleanup;
		}
		if (!type_is_safe(m->pg_type)) {
			error("column '%s.%s' has a type drydock cannot use in SQL: '%s'",
			      table, m->name, m->pg_type);
			goto cleanup;
		}
		c[n].name = xstrdup(m->name);
		c[n].type = xstrdup(m->pg_type);
		c[n].work = work_name(prefix, m->name, n);
		c[n].text_cmp = pushset_type_needs_text_cmp(m->pg_type);
		c[n].seq = m->sequence ? xstrdup(m->sequence) : default_sequence(m->default_expr);
		c[n].always = m->identity && !strcmp(m->identity, "a");
		c[n].generated = m->generated != NULL;
		/* the target holds the snapshot's columns and those the before
		 * phase adds while rows move (drops wait for ddl_post) */
		c[n].mid = find_col(pristine, m->name) || find_col(before, m->name);
		for (int k = 0; k < typed->npk; k++)
			if (!strcmp(typed->cols[typed->pk[k]].name, m->name))
				c[n].key = 1;
		n++;
	}
	(void)ps;
	ret = 0;
cleanup:
	cJSON_Delete(a);
	if (ret) {
		cols_free(c, n);
		c = NULL;
		n = 0;
	}
	*out = c;
	*nout = n;
	return ret;
}

/* Foreign keys of cat's target tables that point at table t. */
static void add_refs(struct push_set *ps, struct push_table *t,
		     const struct catalog *cat, const char *source)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *c = &cat->tables[i];
		if (strcmp(c->source, source) || c->dropped)
			continue;
		for (int k = 0; k < c->ncons; k++) {
			const struct constraint_meta *f = &c->cons[k];
			struct push_ref *r;
			int dup = 0;
			if (f->kind != 'f' || !f->ref_table || strcmp(f->ref_table, t->name) ||
			    (f->ref_schema && strcmp(f->ref_schema, ps->schema)) ||
			    f->ncolumns != f->nref_columns || !f->ncolumns)
				continue;
			for (int e = 0; e < t->nrefs; e++)
				if (!strcmp(t->refs[e].table, c->name) &&
				    !strcmp(t->refs[e].cols[0], f->columns[0]))
					dup = 1;
			if (dup)
				continue;
			t->refs = xrealloc(t->refs, (size_t)(t->nrefs + 1) * sizeof(*t->refs));
			r = &t->refs[t->nrefs++];
			r->schema = xstrdup(ps->schema);
			r->table = xstrdup(c->name);
			r->child = -1;
			r->cols = strv_dup(f->columns, f->ncolumns);
			r->ref_cols = strv_dup(f->ref_columns, f->nref_columns);
			r->ncols = f->ncolumns;
			r->name = f->name ? xstrdup(f->name) : NULL;
			/* pg_get_constraintdef() says DEFERRABLE only when it is */
			r->deferrable = f->definition && strstr(f->definition, " DEFERRABLE") &&
					!strstr(f->definition, "NOT DEFERRABLE");
			r->nullable = 1;
			for (int j = 0; j < f->ncolumns; j++) {
				const struct column_meta *m = find_col(c, f->columns[j]);
				if (!m || m->not_null)
					r->nullable = 0;
			}
		}
	}
}

int pushset_from_stage(sqlite3 *db, const char *stage_path, struct push_set *ps)
{
	struct catalog pristine = { 0 }, before = { 0 }, working = { 0 };
	sqlite3_stmt *st = NULL;
	const struct source_meta *src;
	char *plan = NULL;
	int ret = -1, have = 0;

	memset(ps, 0, sizeof(*ps));
	if (sqlite3_prepare_v2(db, "SELECT hash, inserts, updates, deletes FROM dd_changeset "
				   "WHERE id = 1", -1, &st, NULL)) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = 1;
		snprintf(ps->hash, sizeof(ps->hash), "%s", (const char *)sqlite3_column_text(st, 0));
		ps->inserts = sqlite3_column_int64(st, 1);
		ps->updates = sqlite3_column_int64(st, 2);
		ps->deletes = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!have) {
		ret = 1;
		goto cleanup;
	}
	if (stage_read_catalog(db, &pristine) || stage_read_catalog(db, &before) ||
	    stage_read_catalog(db, &working))
		goto cleanup;
	src = catalog_target(&pristine);
	if (!src) {
		error("staging file '%s' has no target source", stage_path);
		goto cleanup;
	}
	plan = stage_get_meta(db, "plan_name");
	ps->plan = plan ? plan : xstrdup("?");
	plan = NULL;
	ps->schema = xstrdup(src->schema);
	if (load_schema_changes(db, stage_path, ps, &before, &working))
		goto cleanup;

	if (sqlite3_prepare_v2(db, "SELECT t.tbl, t.inserts, t.updates, t.deletes, "
				   "c.cols_before, c.cols_after FROM dd_change_table t "
				   "JOIN dd_change_columns c ON c.tbl = t.tbl "
				   "WHERE t.inserts + t.updates + t.deletes > 0 ORDER BY t.tbl",
			       -1, &st, NULL)) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const struct table_meta *p = target_table(&pristine, src->name, name);
		const struct table_meta *b = target_table(&before, src->name, name);
		const struct table_meta *w = target_table(&working, src->name, name);
		struct push_table *t;
		if (!w) {
			error("table '%s' is in the change set but not in the working catalog", name);
			hint("Run the plan again: drydock run %s --plan DIR", stage_path);
			goto cleanup;
		}
		ps->tables = xrealloc(ps->tables, (size_t)(ps->ntables + 1) * sizeof(*ps->tables));
		t = &ps->tables[ps->ntables++];
		memset(t, 0, sizeof(*t));
		t->k = ps->ntables;
		t->schema = xstrdup(ps->schema);
		t->name = xstrdup(name);
		t->ninsert = sqlite3_column_int64(st, 1);
		t->nupdate = sqlite3_column_int64(st, 2);
		t->ndelete = sqlite3_column_int64(st, 3);
		t->created = p == NULL;
		if (!p && (t->nupdate || t->ndelete)) {
			error("table '%s' was created by the plan but has updates or deletes", name);
			goto cleanup;
		}
		if (p && make_cols((const char *)sqlite3_column_text(st, 4), 'o', p, p, b,
				   ps, name, &t->old, &t->nold))
			goto cleanup;
		if (make_cols((const char *)sqlite3_column_text(st, 5), 'n', w, p, b, ps,
			      name, &t->new, &t->nnew))
			goto cleanup;
		/* no key of any kind: whole rows (changeset.c) */
		t->full_row = !w->npk;
		if (t->full_row && t->nupdate) {
			error("table '%s' has no key, but the change set updates its rows", name);
			hint("Run the plan again with this drydock: drydock run %s --plan DIR", stage_path);
			goto cleanup;
		}
		for (int i = 0; i < t->nold; i++)
			t->old[i].seq = (free(t->old[i].seq), NULL); /* inserts only */
	}
	sqlite3_finalize(st);
	st = NULL;

	/* references from the target's tables, as they are while rows move */
	for (int i = 0; i < ps->ntables; i++) {
		struct push_table *t = &ps->tables[i];
		add_refs(ps, t, &pristine, src->name);
		add_refs(ps, t, &before, src->name);
		for (int r = 0; r < t->nrefs; r++)
			for (int j = 0; j < ps->ntables; j++)
				if (!strcmp(ps->tables[j].name, t->refs[r].table))
					t->refs[r].child = j;
	}
	if (pushset_order(ps) || load_drawn_sequences(db, ps))
		goto cleanup;
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	catalog_free(&pristine);
	catalog_free(&before);
	catalog_free(&working);
	free(plan);
	if (ret < 0)
		pushset_free(ps);
	return ret;
}

/* --------------------------------------------------------------- as JSON */

static cJSON *cols_json(const struct push_col *c, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", c[i].name);
		cJSON_AddStringToObject(o, "type", c[i].type);
		cJSON_AddStringToObject(o, "work", c[i].work);
		cJSON_AddBoolToObject(o, "mid", c[i].mid);
		cJSON_AddBoolToObject(o, "key", c[i].key);
		if (c[i].seq)
			cJSON_AddStringToObject(o, "seq", c[i].seq);
		if (c[i].always)
			cJSON_AddBoolToObject(o, "always", 1);
		if (c[i].generated)
			cJSON_AddBoolToObject(o, "generated", 1);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *pushset_table_json(const struct push_table *t)
{
	cJSON *o = cJSON_CreateObject(), *refs;
	cJSON_AddNumberToObject(o, "k", t->k);
	cJSON_AddStringToObject(o, "schema", t->schema);
	cJSON_AddStringToObject(o, "name", t->name);
	cJSON_AddBoolToObject(o, "created", t->created);
	if (t->full_row)
		cJSON_AddBoolToObject(o, "full_row", 1);
	cJSON_AddItemToObject(o, "old", cols_json(t->old, t->nold));
	cJSON_AddItemToObject(o, "new", cols_json(t->new, t->nnew));
	cJSON_AddNumberToObject(o, "inserts", (double)t->ninsert);
	cJSON_AddNumberToObject(o, "updates", (double)t->nupdate);
	cJSON_AddNumberToObject(o, "deletes", (double)t->ndelete);
	refs = cJSON_AddArrayToObject(o, "refs");
	for (int i = 0; i < t->nrefs; i++) {
		const struct push_ref *r = &t->refs[i];
		cJSON *ro = cJSON_CreateObject();
		cJSON_AddStringToObject(ro, "schema", r->schema);
		cJSON_AddStringToObject(ro, "table", r->table);
		cJSON_AddItemToObject(ro, "columns",
				      cJSON_CreateStringArray((const char *const *)r->cols, r->ncols));
		cJSON_AddItemToObject(ro, "ref_columns",
				      cJSON_CreateStringArray((const char *const *)r->ref_cols, r->ncols));
		if (r->name)
			cJSON_AddStringToObject(ro, "name", r->name);
		cJSON_AddBoolToObject(ro, "deferrable", r->deferrable);
		cJSON_AddBoolToObject(ro, "nullable", r->nullable);
		cJSON_AddItemToArray(refs, ro);
	}
	return o;
}

static int cols_from_json(const cJSON *a, struct push_col **out, int *nout)
{
	const cJSON *it;
	int n = 0;
	struct push_col *c = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*c));
	cJSON_ArrayForEach(it, a) {
		const char *name = jstr(it, "name"), *type = jstr(it, "type"),
			   *work = jstr(it, "work"), *seq = jstr(it, "seq");
		if (!name || !type || !work || !type_is_safe(type)) {
			cols_free(c, n);
			return -1;
		}
		c[n].name = xstrdup(name);
		c[n].type = xstrdup(type);
		c[n].work = xstrdup(work);
		c[n].mid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "mid"));
		c[n].key = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "key"));
		c[n].always = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "always"));
		c[n].generated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "generated"));
		c[n].seq = seq ? xstrdup(seq) : NULL;
		c[n].text_cmp = pushset_type_needs_text_cmp(type);
		n++;
	}
	*out = c;
	*nout = n;
	return 0;
}

int pushset_table_from_json(const cJSON *j, struct push_table *t)
{
	const cJSON *refs, *it;
	const char *schema = jstr(j, "schema"), *name = jstr(j, "name");
	memset(t, 0, sizeof(*t));
	if (!schema || !name)
		return -1;
	t->k = cJSON_GetObjectItemCaseSensitive(j, "k")
		       ? cJSON_GetObjectItemCaseSensitive(j, "k")->valueint : 0;
	t->schema = xstrdup(schema);
	t->name = xstrdup(name);
	t->created = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "created"));
	t->full_row = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "full_row"));
	t->ninsert = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "inserts"));
	t->nupdate = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "updates"));
	t->ndelete = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "deletes"));
	if (t->k < 1 ||
	    cols_from_json(cJSON_GetObjectItemCaseSensitive(j, "old"), &t->old, &t->nold) ||
	    cols_from_json(cJSON_GetObjectItemCaseSensitive(j, "new"), &t->new, &t->nnew))
		goto fail;
	refs = cJSON_GetObjectItemCaseSensitive(j, "refs");
	cJSON_ArrayForEach(it, refs) {
		struct push_ref *r;
		int n1 = 0, n2 = 0;
		t->refs = xrealloc(t->refs, (size_t)(t->nrefs + 1) * sizeof(*t->refs));
		r = &t->refs[t->nrefs++];
		memset(r, 0, sizeof(*r));
		r->schema = xstrdup(jstr(it, "schema") ? jstr(it, "schema") : "");
		r->table = xstrdup(jstr(it, "table") ? jstr(it, "table") : "");
		r->child = -1;
		r->name = jstr(it, "name") ? xstrdup(jstr(it, "name")) : NULL;
		/* ledgers written before these fields relied on deferral alone */
		r->deferrable = !cJSON_GetObjectItemCaseSensitive(it, "deferrable") ||
				cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "deferrable"));
		r->nullable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "nullable"));
		if (strv_from_cjson(cJSON_GetObjectItemCaseSensitive(it, "columns"), &r->cols, &n1) ||
		    strv_from_cjson(cJSON_GetObjectItemCaseSensitive(it, "ref_columns"), &r->ref_cols, &n2) ||
		    n1 != n2 || n1 <= 0) {
			/* each list freed with its own length */
			strv_free(r->cols, n1);
			strv_free(r->ref_cols, n2);
			r->cols = r->ref_cols = NULL;
			goto fail;
		}
		r->ncols = n1;
	}
	return 0;
fail:
	table_free(t);
	return -1;
}

/* ---------------------------------------------------------------- inverse */

static struct push_col *cols_copy(const struct push_col *c, int n, char prefix)
{
	struct push_col *r = xcalloc((size_t)n + 1, sizeof(*r));
	for (int i = 0; i < n; i++) {
		r[i] = c[i];
		r[i].name = xstrdup(c[i].name);
		r[i].type = xstrdup(c[i].type);
		r[i].work = xstrdup(c[i].work);
		r[i].work[0] = prefix;
		r[i].seq = c[i].seq ? xstrdup(c[i].seq) : NULL;
	}
	return r;
}

int pushset_invert(const struct push_set *push, struct push_set *rb)
{
	memset(rb, 0, sizeof(*rb));
	rb->rollback = 1;
	memcpy(rb->hash, push->hash, sizeof(rb->hash));
	rb->plan = xstrdup(push->plan);
	rb->schema = xstrdup(push->schema);
	rb->ntables = push->ntables;
	rb->tables = xcalloc((size_t)push->ntables + 1, sizeof(*rb->tables));
	for (int i = 0; i < push->ntables; i++) {
		const struct push_table *p = &push->tables[i];
		struct push_table *t = &rb->tables[i];
		t->k = p->k;
		t->schema = xstrdup(p->schema);
		t->name = xstrdup(p->name);
		t->created = 0;
		t->full_row = p->full_row;
		/* the rollback's before-image is what the push wrote */
		t->old = cols_copy(p->new, p->nnew, 'o');
		t->nold = p->nnew;
		t->new = cols_copy(p->old, p->nold, 'n');
		t->nnew = p->nold;
		/*
		 * While the inverse data moves, the target holds both shapes:
		 * rollback first runs every applied change's additive undo
		 * (re-adding what the push dropped) and drops what the push
		 * added only afterwards (docs/push.md, "Rollback").
		 */
		for (int c = 0; c < t->nold; c++)
			t->old[c].mid = 1;
		for (int c = 0; c < t->nnew; c++) {
			t->new[c].mid = 1;
			free(t->new[c].seq);
			t->new[c].seq = NULL; /* rows come back with their own values */
		}
		t->ninsert = p->ndelete;
		t->ndelete = p->ninsert;
		t->nupdate = p->nupdate;
		t->nrefs = p->nrefs;
		t->refs = xcalloc((size_t)p->nrefs + 1, sizeof(*t->refs));
		for (int r = 0; r < p->nrefs; r++) {
			t->refs[r].schema = xstrdup(p->refs[r].schema);
			t->refs[r].table = xstrdup(p->refs[r].table);
			t->refs[r].child = p->refs[r].child;
			t->refs[r].cols = strv_dup(p->refs[r].cols, p->refs[r].ncols);
			t->refs[r].ref_cols = strv_dup(p->refs[r].ref_cols, p->refs[r].ncols);
			t->refs[r].ncols = p->refs[r].ncols;
			t->refs[r].name = p->refs[r].name ? xstrdup(p->refs[r].name) : NULL;
			t->refs[r].deferrable = p->refs[r].deferrable;
			t->refs[r].nullable = p->refs[r].nullable;
		}
		rb->inserts += t->ninsert;
		rb->updates += t->nupdate;
		rb->deletes += t->ndelete;
	}
	rb->nddl = push->nddl;
	rb->ddl = xcalloc((size_t)push->nddl + 1, sizeof(*rb->ddl));
	for (int i = 0; i < push->nddl; i++) {
		const struct push_ddl *p = &push->ddl[i];
		struct push_ddl *d = &rb->ddl[i];
		d->seq = p->seq;
		d->after = p->after;
		d->op = xstrdup(p->op);
		d->tbl = p->tbl ? xstrdup(p->tbl) : NULL;
		d->ddl = xstrdup(p->ddl);
		d->ddl_post = xstrdup(p->ddl_post);
		d->inverse = xstrdup(p->inverse);
		d->inverse_post = xstrdup(p->inverse_post);
		d->restore = p->restore ? xstrdup(p->restore) : NULL;
		d->applied = p->applied;
	}
	return pushset_order(rb);
}
