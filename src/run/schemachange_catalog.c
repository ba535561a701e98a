/*
 * schemachange_catalog: a schema change checked against and applied to the
 * working catalog (schema_change_apply_catalog).
 */
#define _GNU_SOURCE
#include "jsonutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "schemachange_int.h"

/* ----------------------------------------------------- catalog lookups */

static const struct source_meta *target_of(const struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			return &cat->sources[i];
	return NULL;
}

static const char *schema_of(const struct source_meta *s)
{
	return s->schema ? s->schema : "public";
}

/* The target's table name as it stands (dropped tables excluded). */
struct table_meta *live_table(const struct catalog *cat,
			      const struct source_meta *tgt,
			      const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		if (!t->dropped && !strcmp(t->source, tgt->name) &&
		    !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

int was_dropped(const struct catalog *cat, const struct source_meta *tgt,
		const char *name)
{
	for (int i = 0; i < cat->ntables; i++)
		if (cat->tables[i].dropped && !strcmp(cat->tables[i].source, tgt->name) &&
		    !strcmp(cat->tables[i].name, name))
			return 1;
	return 0;
}

const struct source_meta *need_target(const struct catalog *cat,
				      const struct schema_change *c)
{
	const struct source_meta *tgt = target_of(cat);
	if (!tgt)
		change_error(c, "the catalog has no target source");
	return tgt;
}

int no_table(const struct catalog *cat, const struct source_meta *tgt,
	     const struct schema_change *c, const char *name)
{
	if (was_dropped(cat, tgt, name))
		return change_error(c, "table '%s' is dropped by an earlier schema change",
			   name);
	change_error(c, "table '%s' is not in the snapshot", name);
	hint("Schema changes work on tables of the target source '%s': list '%s' under sources.%s.tables in plan.json, or create it with an earlier create_table.",
	     tgt->name, name, tgt->name);
	return -1;
}

static void detail_columns(const struct table_meta *t)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			sb_adds(&sb, ", ");
		sb_adds(&sb, t->cols[i].name);
	}
	detail("Its columns are: %s.", sb.buf);
	sb_release(&sb);
}

int no_column(const struct schema_change *c, const struct table_meta *t,
	      const char *col)
{
	change_error(c, "table '%s' has no column '%s'", t->name, col);
	detail_columns(t);
	return -1;
}

static int is_pk_column(const struct table_meta *t, int col)
{
	for (int k = 0; k < t->npk; k++)
		if (t->pk[k] == col)
			return 1;
	return 0;
}

static const struct enum_meta *enum_of_type(const struct catalog *cat,
					    const struct source_meta *tgt,
					    const char *type)
{
	char *base = xstrdup(type);
	const struct enum_meta *e;
	size_t l = strlen(base);
	while (l >= 2 && !strcmp(base + l - 2, "[]"))
		base[l -= 2] = '\0';
	e = catalog_find_enum(cat, tgt->name, base);
	if (!e && strchr(base, '.'))
		e = catalog_find_enum(cat, tgt->name, strrchr(base, '.') + 1);
	free(base);
	return e;
}

/* Sets a new column's type fields from the author's type text. */
static void column_set_type(const struct catalog *cat,
			    const struct source_meta *tgt,
			    struct column_meta *cm, const char *type,
			    int *serial)
{
	const struct enum_meta *e = enum_of_type(cat, tgt, type);
	cm->pg_type = canonical_type(type, serial);
	if (e) {
		cm->is_enum = 1;
		cm->enum_type = xstrdup(e->name);
	}
	pgtype_parse(cm->pg_type, cm->is_enum, &cm->type);
}

/*
 * Checks a constant default against the column's type, offline.  Sets
 * *value (newly allocated) to the normalized text, NULL for null or a
 * non-constant default.
 */
static int check_default(const struct schema_change *c, const struct catalog *cat,
			 const struct source_meta *tgt,
			 const struct column_meta *cm, const char *def,
			 char **value)
{
	char *raw = NULL;
	const char *why = NULL;
	const struct enum_meta *e;

	*value = NULL;
	if (!def || !schema_default_constant(def, &raw) || !raw)
		return 0;
	*value = normalize_value(&cm->type, raw);
	free(raw);
	e = cm->is_enum ? catalog_find_enum(cat, tgt->name, cm->enum_type) : NULL;
	if (pgvalue_check(&cm->type, *value, strlen(*value),
			  e ? (const char *const *)e->labels : NULL,
			  e ? e->nlabels : 0, &why)) {
		change_error(c, "default %s of column '%s' is not a valid %s: %s", def,
		    cm->name, cm->pg_type, why);
		free(*value);
		*value = NULL;
		return -1;
	}
	return 0;
}

/* The column set of a PRIMARY KEY/UNIQUE constraint or unique index equals cols. */
static int same_set(char *const *a, int na, char *const *b, int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (!strv_has(b, nb, a[i]))
			return 0;
	return 1;
}

/*
 * The column list of a unique index definition ("CREATE UNIQUE INDEX n ON
 * s.t USING btree (a, b)"), or NULL when it is partial or has
 * expressions.
 */
static char **unique_index_columns(const char *def, int *n)
{
	const char *p = strstr(def, " USING ");
	struct strbuf name = STRBUF_INIT;
	char **v;
	*n = 0;
	if (strncmp(def, "CREATE UNIQUE INDEX ", 20) || !p || !(p = strchr(p, '(')))
		return NULL;
	v = xcalloc(strlen(p) + 1, sizeof(char *));
	p++;
	for (;;) {
		if (read_name(&p, &name) || (*p != ',' && *p != ')'))
			break;
		v[(*n)++] = xstrdup(name.buf);
		if (*p++ == ')') {
			sb_release(&name);
			if (*skip_ws(p)) /* INCLUDE (...), WHERE ... */
				break;
			return v;
		}
	}
	sb_release(&name);
	strv_free(v, *n);
	*n = 0;
	return NULL;
}

static int has_unique_key(const struct table_meta *t, char *const *cols, int n)
{
	for (int i = 0; i < t->ncons; i++)
		if ((t->cons[i].kind == 'p' || t->cons[i].kind == 'u') &&
		    same_set(t->cons[i].columns, t->cons[i].ncolumns, cols, n))
			return 1;
	for (int i = 0; i < t->nidx; i++) {
		int nc, ok;
		char **ic = unique_index_columns(t->idx[i].definition, &nc);
		ok = ic && same_set(ic, nc, cols, n);
		strv_free(ic, nc);
		if (ok)
			return 1;
	}
	return 0;
}

/*
 * Checks a foreign key's referenced side against the catalog.  self is a
 * table being created (which may reference itself).  A table in another
 * schema than the target's is outside the snapshot and not checked.
 */
static int check_reference(const struct schema_change *c,
			   const struct catalog *cat,
			   const struct source_meta *tgt,
			   const struct table_meta *self, const struct sc_ref *r)
{
	const struct table_meta *rt;
	if (r->schema && strcmp(r->schema, schema_of(tgt)))
		return 0;
	rt = self && !strcmp(self->name, r->table) ? self
						    : live_table(cat, tgt, r->table);
	if (!rt) {
		if (was_dropped(cat, tgt, r->table))
			return change_error(c, "references table '%s', which an earlier schema change drops",
				   r->table);
		change_error(c, "references table '%s', which is not in the snapshot", r->table);
		hint("List '%s' under sources.%s.tables so drydock can check the references offline.",
		     r->table, tgt->name);
		return -1;
	}
	for (int i = 0; i < r->ncols; i++)
		if (table_column_index(rt, r->cols[i]) < 0)
			return no_column(c, rt, r->cols[i]);
	if (!has_unique_key(rt, r->cols, r->ncols)) {
		struct strbuf sb = STRBUF_INIT;
		add_ident_list(&sb, r->cols, r->ncols);
		change_error(c, "referenced columns %s(%s) are not a primary key or unique constraint",
		    r->table, sb.buf);
		sb_release(&sb);
		detail("PostgreSQL requires a unique constraint on the columns a foreign key references.");
		hint("Add one first with an add_index change that has \"unique\": true.");
		return -1;
	}
	return 0;
}

const struct constraint_meta *find_constraint(const struct table_meta *t,
					      const char *name)
{
	for (int i = 0; i < t->ncons; i++)
		if (!strcmp(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

/* The target table (other than skip) holding a relation or index of this name. */
static const char *relation_name_taken(const struct catalog *cat,
				       const struct source_meta *tgt,
				       const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if (t->dropped || strcmp(t->source, tgt->name))
			continue;
		if (!strcmp(t->name, name))
			return t->name;
		for (int k = 0; k < t->nidx; k++)
			if (!strcmp(t->idx[k].name, name))
				return t->name;
	}
	return NULL;
}

static void add_fk_constraint(struct table_meta *t, const char *name,
			      char *const *cols, int n, const struct sc_ref *r,
			      const struct source_meta *tgt, char on_delete,
			      int not_valid)
{
	struct constraint_meta *cm = table_add_constraint(t);
	struct strbuf def = STRBUF_INIT;
	int external = r->schema && strcmp(r->schema, schema_of(tgt));
	cm->name = xstrdup(name);
	cm->kind = 'f';
	cm->columns = strv_dup(cols, n);
	cm->ncolumns = n;
	cm->ref_schema = xstrdup(r->schema ? r->schema : schema_of(tgt));
	cm->ref_table = xstrdup(r->table);
	cm->ref_columns = strv_dup(r->cols, r->ncols);
	cm->nref_columns = r->ncols;
	cm->on_update = 'a';
	cm->on_delete = on_delete ? on_delete : 'a';
	add_fk_body(&def, cols, n, external ? r->schema : NULL, r, on_delete,
		    not_valid);
	cm->definition = sb_detach(&def, NULL);
}

/* "CREATE [UNIQUE] INDEX name ON s.t USING m (cols)", as pg_get_indexdef writes it. */
static char *index_definition(const char *name, const char *schema,
			      const char *table, int unique, const char *method,
			      char *const *cols, int n, const char *expr)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
	sb_add_ident(&sb, name);
	sb_adds(&sb, " ON ");
	add_qname(&sb, schema, table);
	sb_addf(&sb, " USING %s (", method ? method : "btree");
	if (expr) {
		/* a whole function call prints bare, anything else in parentheses */
		char *e = xstrdup(skip_ws(expr)), *fn = expression_colname(e);
		const char *open = strchr(e, '(');
		size_t l = strlen(e);
		int call;
		while (l && isspace((unsigned char)e[l - 1]))
			e[--l] = '\0';
		call = strcmp(fn, "expr") && open &&
		       (size_t)(open - e) + match_paren(open) == l;
		sb_addf(&sb, call ? "%s" : "(%s)", e);
		free(fn);
		free(e);
	} else {
		add_ident_list(&sb, cols, n);
	}
	sb_addch(&sb, ')');
	return sb_detach(&sb, NULL);
}

/* Whether an index definition uses column col (as pg_get_indexdef quotes it). */
int index_uses_column(const char *def, const char *col)
{
	struct strbuf word = STRBUF_INIT;
	const char *p = strstr(def, " USING ");
	int found = 0;
	sb_add_ident(&word, col);
	for (p = p ? p : def; !found && (p = strstr(p, word.buf)); p += word.len) {
		char before = p == def ? ' ' : p[-1];
		char after = p[word.len];
		found = !(isalnum((unsigned char)before) || before == '_' ||
			  before == '"' || isalnum((unsigned char)after) ||
			  after == '_' || (word.buf[0] != '"' && after == '"'));
	}
	sb_release(&word);
	return found;
}

/* The foreign key of a live target table that references t's column col (any column if NULL). */
static const struct constraint_meta *
referencing_fk(const struct catalog *cat, const struct source_meta *tgt,
	       const struct table_meta *t, const char *col, int skip_self,
	       const struct table_meta **from)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *o = &cat->tables[i];
		if (o->dropped || strcmp(o->source, tgt->name) || (skip_self && o == t))
			continue;
		for (int k = 0; k < o->ncons; k++) {
			const struct constraint_meta *f = &o->cons[k];
			if (f->kind != 'f' || !f->ref_table ||
			    strcmp(f->ref_table, t->name) ||
			    (f->ref_schema && strcmp(f->ref_schema, schema_of(tgt))))
				continue;
			if (col && !strv_has(f->ref_columns, f->nref_columns, col))
				continue;
			*from = o;
			return f;
		}
	}
	return NULL;
}

/* ------------------------------------------------- applying to catalog */

static int apply_add_column(struct catalog *cat, const struct source_meta *tgt,
			    struct table_meta *t, struct schema_change *c)
{
	const char *col = jstr(c->spec, "column"), *def = jstr(c->spec, "default");
	const cJSON *refv = jget(c->spec, "references");
	struct column_meta cm;
	struct sc_ref r = { 0 };
	char *fkname = NULL;
	int serial, ret = -1;

	if (table_column_index(t, col) >= 0) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		change_error(c, "table '%s' already has a column '%s'", t->name, col);
		hint_if_not_exists();
		return -1;
	}
	memset(&cm, 0, sizeof(cm));
	cm.name = xstrdup(col);
	column_set_type(cat, tgt, &cm, jstr(c->spec, "type"), &serial);
	cm.not_null = !jbool(c->spec, "nullable", 1);
	cm.default_expr = def ? xstrdup(def) : NULL;
	cm.added = 1;
	if (check_default(c, cat, tgt, &cm, def, &cm.base_value))
		goto cleanup;
	if (refv) {
		ref_parse(refv, &r);
		fkname = object_name(t->name, col, "fkey");
		if (check_reference(c, cat, tgt, NULL, &r))
			goto cleanup;
		if (find_constraint(t, fkname)) {
			change_error(c, "table '%s' already has a constraint '%s'", t->name, fkname);
			goto cleanup;
		}
	}
	*table_add_column(t) = cm;
	memset(&cm, 0, sizeof(cm));
	if (refv)
		add_fk_constraint(t, fkname, (char *const *)&col, 1, &r, tgt,
				  on_delete_letter(jstr(c->spec, "on_delete")), 0);
	ret = 0;
cleanup:
	column_meta_free(&cm);
	ref_free(&r);
	free(fkname);
	return ret;
}

static int apply_drop_column(struct catalog *cat, const struct source_meta *tgt,
			     struct table_meta *t, struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	const struct constraint_meta *fk;
	const struct table_meta *from;
	char **gone;
	int i = table_column_index(t, col), k, w, ngone = 0;

	if (i < 0) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		return no_column(c, t, col);
	}
	if (is_pk_column(t, i)) {
		change_error(c, "column '%s' is part of the primary key of '%s'", col, t->name);
		detail("drydock identifies every row by its primary key.");
		return -1;
	}
	fk = referencing_fk(cat, tgt, t, col, 0, &from);
	if (fk) {
		change_error(c, "column '%s.%s' is referenced by foreign key '%s' of table '%s'",
		    t->name, col, fk->name, from->name);
		hint("Drop the referencing column or table in an earlier schema change.");
		return -1;
	}
	/* constraints and indexes involving the column go with it */
	gone = xcalloc((size_t)t->ncons + 1, sizeof(char *));
	for (k = w = 0; k < t->ncons; k++) {
		if (t->cons[k].kind != 'p' &&
		    strv_has(t->cons[k].columns, t->cons[k].ncolumns, col)) {
			gone[ngone++] = xstrdup(t->cons[k].name);
			constraint_meta_free(&t->cons[k]);
			continue;
		}
		t->cons[w++] = t->cons[k];
	}
	t->ncons = w;
	for (k = w = 0; k < t->nidx; k++) {
		if (strv_has(gone, ngone, t->idx[k].name) ||
		    index_uses_column(t->idx[k].definition, col)) {
			index_meta_free(&t->idx[k]);
			continue;
		}
		t->idx[w++] = t->idx[k];
	}
	t->nidx = w;
	strv_free(gone, ngone);
	column_meta_free(&t->cols[i]);
	memmove(&t->cols[i], &t->cols[i + 1],
		(size_t)(t->ncols - i - 1) * sizeof(*t->cols));
	t->ncols--;
	for (k = 0; k < t->npk; k++)
		if (t->pk[k] > i)
			t->pk[k]--;
	return 0;
}

static void add_unique_constraint(struct table_meta *t, const char *schema,
				  const char *name, char **cols, int n,
				  const char *kind_sql, char kind)
{
	struct constraint_meta *cm = table_add_constraint(t);
	struct strbuf def = STRBUF_INIT;
	cm->name = xstrdup(name);
	cm->kind = kind;
	cm->columns = strv_dup(cols, n);
	cm->ncolumns = n;
	sb_addf(&def, "%s (", kind_sql);
	add_ident_list(&def, cols, n);
	sb_addch(&def, ')');
	cm->definition = sb_detach(&def, NULL);
	table_add_index(t, xstrdup(name),
			index_definition(name, schema, t->name, 1, NULL, cols, n, NULL));
}

static int apply_create_table(struct catalog *cat, const struct source_meta *tgt,
			      struct schema_change *c)
{
	const cJSON *cols = jget(c->spec, "columns"), *it;
	const char *schema = schema_of(tgt);
	struct table_meta t;
	char **pkcols;
	int npk, ret = -1;

	if (live_table(cat, tgt, c->table)) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		change_error(c, "table '%s' already exists in the snapshot", c->table);
		hint_if_not_exists();
		return -1;
	}
	if (was_dropped(cat, tgt, c->table))
		return change_error(c, "table '%s' is dropped by an earlier schema change; drydock cannot create it again in the same plan",
			   c->table);
	for (int i = 0; i < cat->ntables; i++)
		if ((cat->tables[i].stage_name &&
		     !strcmp(cat->tables[i].stage_name, c->table)) ||
		    (cat->tables[i].pristine_name &&
		     !strcmp(cat->tables[i].pristine_name, c->table)))
			return change_error(c, "table name '%s' is taken in the staging file by table '%s' of source '%s'",
				   c->table, cat->tables[i].name,
				   cat->tables[i].source);
	if (relation_name_taken(cat, tgt, c->table))
		return change_error(c, "'%s' is already the name of an index of table '%s'",
			   c->table, relation_name_taken(cat, tgt, c->table));

	memset(&t, 0, sizeof(t));
	t.source = xstrdup(tgt->name);
	t.name = xstrdup(c->table);
	t.stage_name = xstrdup(c->table);
	t.created = 1;
	t.cols = xcalloc((size_t)cJSON_GetArraySize(cols), sizeof(*t.cols));
	cJSON_ArrayForEach(it, cols) {
		struct column_meta *cm = &t.cols[t.ncols++];
		const char *def = jstr(it, "default");
		char *value = NULL;
		int serial;
		cm->name = xstrdup(jstr(it, "name"));
		column_set_type(cat, tgt, cm, jstr(it, "type"), &serial);
		cm->not_null = !jbool(it, "nullable", 1);
		if (serial) {
			char *seq = object_name(t.name, cm->name, "seq");
			struct strbuf sb = STRBUF_INIT;
			add_qname(&sb, schema, seq);
			cm->sequence = sb_detach(&sb, NULL);
			sb_adds(&sb, "nextval(");
			sb_add_literal(&sb, seq);
			sb_adds(&sb, "::regclass)");
			cm->default_expr = sb_detach(&sb, NULL);
			cm->not_null = 1;
			free(seq);
		} else if (def) {
			cm->default_expr = xstrdup(def);
			if (check_default(c, cat, tgt, cm, def, &value))
				goto cleanup;
			free(value);
		}
	}
	pkcols = json_string_list(jget(c->spec, "primary_key"), &npk);
	{
		char *name = object_name(t.name, NULL, "pkey");
		t.pk = xcalloc((size_t)npk, sizeof(int));
		for (int k = 0; k < npk; k++) {
			t.pk[t.npk] = table_column_index(&t, pkcols[k]);
			t.cols[t.pk[t.npk++]].not_null = 1;
		}
		add_unique_constraint(&t, schema, name, pkcols, npk, "PRIMARY KEY", 'p');
		free(name);
		strv_free(pkcols, npk);
	}
	cJSON_ArrayForEach(it, jget(c->spec, "unique")) {
		int n;
		char **u = json_string_list(it, &n);
		char *j = joined_names(u, n);
		char *name = object_name(t.name, j, "key");
		if (find_constraint(&t, name)) {
			change_error(c, "two constraints would be named '%s'", name);
			strv_free(u, n);
			free(j);
			free(name);
			goto cleanup;
		}
		add_unique_constraint(&t, schema, name, u, n, "UNIQUE", 'u');
		strv_free(u, n);
		free(j);
		free(name);
	}
	cJSON_ArrayForEach(it, jget(c->spec, "foreign_keys")) {
		struct sc_ref r;
		int n, bad_ref;
		char **fc = json_string_list(jget(it, "columns"), &n);
		char *j = joined_names(fc, n);
		char *name = object_name(t.name, j, "fkey");
		ref_parse(jget(it, "references"), &r);
		bad_ref = check_reference(c, cat, tgt, &t, &r);
		if (!bad_ref && find_constraint(&t, name))
			bad_ref = change_error(c, "two constraints would be named '%s'", name);
		if (!bad_ref)
			add_fk_constraint(&t, name, fc, n, &r, tgt,
					  on_delete_letter(jstr(it, "on_delete")), 0);
		ref_free(&r);
		strv_free(fc, n);
		free(j);
		free(name);
		if (bad_ref)
			goto cleanup;
	}
	*catalog_add_table(cat) = t;
	memset(&t, 0, sizeof(t));
	ret = 0;
cleanup:
	table_meta_free(&t);
	return ret;
}

static int apply_not_null(const struct source_meta *tgt, struct table_meta *t,
			  struct schema_change *c, int set)
{
	const char *col = jstr(c->spec, "column");
	int i = table_column_index(t, col);
	(void)tgt;
	if (i < 0)
		return no_column(c, t, col);
	if (!set && is_pk_column(t, i))
		return change_error(c, "column '%s' is part of the primary key of '%s', which is always NOT NULL",
			   col, t->name);
	if (!set && t->cols[i].identity)
		return change_error(c, "column '%s.%s' is an identity column, which is always NOT NULL",
			   t->name, col);
	if (t->cols[i].not_null == set) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		change_error(c, "column '%s.%s' is already %s", t->name, col,
		    set ? "NOT NULL" : "nullable");
		detail("Its inverse would then change what the snapshot had.");
		hint_if_not_exists();
		return -1;
	}
	t->cols[i].not_null = set;
	return 0;
}

char *default_index_name(const struct schema_change *c)
{
	const char *name = jstr(c->spec, "name"), *expr = jstr(c->spec, "expression");
	char *j, *r;
	int n;
	char **cols;
	if (name)
		return xstrdup(name);
	if (expr) {
		j = expression_colname(expr);
	} else {
		cols = json_string_list(jget(c->spec, "columns"), &n);
		j = joined_names(cols, n);
		strv_free(cols, n);
	}
	r = object_name(c->table, j, "idx"); /* CREATE [UNIQUE] INDEX: _idx */
	free(j);
	return r;
}

static int apply_add_index(struct catalog *cat, const struct source_meta *tgt,
			   struct table_meta *t, struct schema_change *c)
{
	char *name = default_index_name(c);
	const char *expr = jstr(c->spec, "expression"), *taken;
	int unique = jbool(c->spec, "unique", 0), n = 0, ret = -1;
	char **cols = NULL;

	taken = relation_name_taken(cat, tgt, name);
	if (taken && !strcmp(taken, name)) {
		change_error(c, "index name '%s' is the name of a table", name);
		goto cleanup;
	}
	if (taken) {
		if (c->if_not_exists) {
			c->skipped = 1;
			ret = 0;
			goto cleanup;
		}
		change_error(c, "an index named '%s' already exists (on table '%s')", name, taken);
		hint_if_not_exists();
		goto cleanup;
	}
	if (!expr) {
		cols = json_string_list(jget(c->spec, "columns"), &n);
		for (int i = 0; i < n; i++)
			if (table_column_index(t, cols[i]) < 0) {
				no_column(c, t, cols[i]);
				goto cleanup;
			}
	}
	if (unique && !expr) {
		/* a unique constraint for the checks to enforce */
		struct constraint_meta *cm;
		struct strbuf def = STRBUF_INIT;
		if (find_constraint(t, name)) {
			change_error(c, "table '%s' already has a constraint '%s'", t->name, name);
			goto cleanup;
		}
		cm = table_add_constraint(t);
		cm->name = xstrdup(name);
		cm->kind = 'u';
		cm->columns = strv_dup(cols, n);
		cm->ncolumns = n;
		sb_adds(&def, "UNIQUE (");
		add_ident_list(&def, cols, n);
		sb_addch(&def, ')');
		cm->definition = sb_detach(&def, NULL);
	}
	table_add_index(t, xstrdup(name),
			index_definition(name, schema_of(tgt), t->name, unique,
					 jstr(c->spec, "method"), cols, n, expr));
	ret = 0;
cleanup:
	strv_free(cols, n);
	free(name);
	return ret;
}

char *default_fk_name(const struct schema_change *c)
{
	const char *name = jstr(c->spec, "name");
	char **cols, *j, *r;
	int n;
	if (name)
		return xstrdup(name);
	cols = json_string_list(jget(c->spec, "columns"), &n);
	j = joined_names(cols, n);
	r = object_name(c->table, j, "fkey");
	strv_free(cols, n);
	free(j);
	return r;
}

static int apply_add_foreign_key(struct catalog *cat, const struct source_meta *tgt,
				 struct table_meta *t, struct schema_change *c)
{
	char *name = default_fk_name(c);
	struct sc_ref r = { 0 };
	char **cols;
	int n, ret = -1;

	cols = json_string_list(jget(c->spec, "columns"), &n);
	if (find_constraint(t, name)) {
		if (c->if_not_exists) {
			c->skipped = 1;
			ret = 0;
			goto cleanup;
		}
		change_error(c, "table '%s' already has a constraint '%s'", t->name, name);
		hint_if_not_exists();
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		if (table_column_index(t, cols[i]) < 0) {
			no_column(c, t, cols[i]);
			goto cleanup;
		}
	ref_parse(jget(c->spec, "references"), &r);
	if (check_reference(c, cat, tgt, NULL, &r))
		goto cleanup;
	add_fk_constraint(t, name, cols, n, &r, tgt,
			  on_delete_letter(jstr(c->spec, "on_delete")),
			  jbool(c->spec, "not_valid", 0));
	ret = 0;
cleanup:
	ref_free(&r);
	strv_free(cols, n);
	free(name);
	return ret;
}

int schema_change_apply_catalog(struct catalog *cat, struct schema_change *c)
{
	const struct source_meta *tgt;
	struct table_meta *t = NULL;

	c->skipped = 0;
	if (c->op == SC_TARGET_SQL)
		return 0;
	if (!(tgt = need_target(cat, c)))
		return -1;
	if (c->op == SC_CREATE_TABLE)
		return apply_create_table(cat, tgt, c);
	t = live_table(cat, tgt, c->table);
	if (!t) {
		if (c->op == SC_DROP_TABLE && c->if_not_exists &&
		    !was_dropped(cat, tgt, c->table)) {
			c->skipped = 1;
			return 0;
		}
		return no_table(cat, tgt, c, c->table);
	}
	switch (c->op) {
	case SC_ADD_COLUMN:
		return apply_add_column(cat, tgt, t, c);
	case SC_DROP_COLUMN:
		return apply_drop_column(cat, tgt, t, c);
	case SC_DROP_TABLE: {
		const struct table_meta *from;
		const struct constraint_meta *fk = referencing_fk(cat, tgt, t, NULL, 1, &from);
		if (fk) {
			change_error(c, "table '%s' is referenced by foreign key '%s' of table '%s'",
			    t->name, fk->name, from->name);
			hint("Drop table '%s' (or its referencing column) in an earlier schema change.",
			     from->name);
			return -1;
		}
		t->dropped = 1;
		return 0;
	}
	case SC_SET_NOT_NULL:
		return apply_not_null(tgt, t, c, 1);
	case SC_DROP_NOT_NULL:
		return apply_not_null(tgt, t, c, 0);
	case SC_ADD_INDEX:
		return apply_add_index(cat, tgt, t, c);
	case SC_ADD_FOREIGN_KEY:
		return apply_add_foreign_key(cat, tgt, t, c);
	default:
		return 0;
	}
}
