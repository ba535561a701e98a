/*
 * schemachange_ddl: a schema change rendered as PostgreSQL DDL with its
 * inverse, and the probe that tells whether the target already has it.
 *
 * The rendering follows one rule: while rows move (the data operations
 * of push, or of rollback), the target holds every column and table of
 * both the old and the new shape, all of them nullable where rows may
 * arrive without them.  So each direction is split in two parts:
 * additive statements before the data, restrictive or destructive ones
 * after it (schemachange.h, schema_change_render).
 */
#define _GNU_SOURCE
#include "jsonutil.h"

#include <stdlib.h>
#include <string.h>
#include "schemachange_int.h"

/* ------------------------------------------------------------ rendering */

struct parts {
	struct strbuf *ddl, *post;    /* push: before and after the data */
	struct strbuf *inv, *inv_post; /* rollback: before and after the data */
	const char *schema;
};

static void alter_table(struct strbuf *sb, const char *schema, const char *table)
{
	sb_adds(sb, "ALTER TABLE ");
	add_qname(sb, schema, table);
	sb_addch(sb, ' ');
}

static void alter_column(struct strbuf *sb, const char *schema,
			 const char *table, const char *col, const char *what)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "ALTER COLUMN ");
	sb_add_ident(sb, col);
	sb_addf(sb, " %s;\n", what);
}

/* The literal 'schema.table' (quoted as needed inside) for regclass and friends. */
static void add_qname_literal(struct strbuf *sb, const char *schema,
			      const char *table)
{
	struct strbuf q = STRBUF_INIT;
	add_qname(&q, schema, table);
	sb_add_literal(sb, q.buf);
	sb_release(&q);
}

static void add_fk_statement(struct strbuf *sb, const char *schema,
			     const char *table, const char *name,
			     char *const *cols, int n, const struct sc_ref *r,
			     char on_delete, int not_valid, int guarded)
{
	struct strbuf st = STRBUF_INIT, cond = STRBUF_INIT;
	alter_table(&st, schema, table);
	sb_adds(&st, "ADD CONSTRAINT ");
	sb_add_ident(&st, name);
	sb_addch(&st, ' ');
	add_fk_body(&st, cols, n, r->schema ? r->schema : schema, r, on_delete,
		    not_valid);
	sb_adds(&st, ";\n");
	if (!guarded) {
		sb_add(sb, st.buf, st.len);
	} else {
		sb_adds(&cond, "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = ");
		sb_add_literal(&cond, name);
		sb_adds(&cond, " AND conrelid = ");
		add_qname_literal(&cond, schema, table);
		sb_adds(&cond, "::regclass)");
		add_guarded(sb, cond.buf, st.buf);
	}
	sb_release(&st);
	sb_release(&cond);
}

static void drop_constraint(struct strbuf *sb, const char *schema,
			    const char *table, const char *name)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "DROP CONSTRAINT ");
	sb_add_ident(sb, name);
	sb_adds(sb, ";\n");
}

static int render_add_column(const struct schema_change *c, struct parts *p)
{
	const char *col = jstr(c->spec, "column"), *type = jstr(c->spec, "type");
	const char *def = jstr(c->spec, "default");
	int nullable = jbool(c->spec, "nullable", 1);
	char *value = NULL, *fkname = NULL;
	int constant = def && schema_default_constant(def, &value);
	int filled = constant && value; /* existing rows get a value */
	int late_not_null = !nullable && !filled;

	alter_table(p->ddl, p->schema, c->table);
	sb_addf(p->ddl, "ADD COLUMN %s", c->if_not_exists ? "IF NOT EXISTS " : "");
	sb_add_ident(p->ddl, col);
	sb_addf(p->ddl, " %s", type);
	if (constant)
		sb_addf(p->ddl, " DEFAULT %s", def);
	if (!nullable && filled)
		sb_adds(p->ddl, " NOT NULL");
	sb_adds(p->ddl, ";\n");
	if (def && !constant) {
		/* rows get their values from push's data operations */
		char *what = xasprintf("SET DEFAULT %s", def);
		alter_column(p->ddl, p->schema, c->table, col, what);
		free(what);
	}
	if (late_not_null)
		alter_column(p->post, p->schema, c->table, col, "SET NOT NULL");
	if (jget(c->spec, "references")) {
		struct sc_ref r;
		ref_parse(jget(c->spec, "references"), &r);
		fkname = object_name(c->table, col, "fkey");
		add_fk_statement(p->post, p->schema, c->table, fkname,
				 (char *const *)&col, 1, &r,
				 on_delete_letter(jstr(c->spec, "on_delete")), 0,
				 c->if_not_exists);
		drop_constraint(p->inv, p->schema, c->table, fkname);
		ref_free(&r);
	}
	if (late_not_null)
		alter_column(p->inv, p->schema, c->table, col, "DROP NOT NULL");
	alter_table(p->inv_post, p->schema, c->table);
	sb_adds(p->inv_post, "DROP COLUMN ");
	sb_add_ident(p->inv_post, col);
	sb_adds(p->inv_post, ";\n");
	free(value);
	free(fkname);
	return 0;
}

/* ---- re-creating what a drop removed */

static int owns_sequence(const struct column_meta *cm)
{
	return cm->sequence && !cm->identity;
}

static void create_sequence(struct strbuf *sb, const struct column_meta *cm)
{
	sb_addf(sb, "CREATE SEQUENCE %s", cm->sequence);
	/* serial makes "AS integer"/"AS smallint"; bigint is the default */
	if (cm->type.kind == PGK_INT4)
		sb_adds(sb, " AS integer");
	else if (cm->type.kind == PGK_INT2)
		sb_adds(sb, " AS smallint");
	sb_adds(sb, ";\n");
}

static void sequence_owned_by(struct strbuf *sb, const char *schema,
			      const char *table, const struct column_meta *cm)
{
	sb_addf(sb, "ALTER SEQUENCE %s OWNED BY ", cm->sequence);
	add_qname(sb, schema, table);
	sb_addch(sb, '.');
	sb_add_ident(sb, cm->name);
	sb_adds(sb, ";\n");
}

/* Sets the column's sequence past the highest value the restored rows hold. */
static void advance_sequence(struct strbuf *sb, const char *schema,
			     const char *table, const struct column_meta *cm)
{
	sb_adds(sb, "SELECT setval(");
	if (owns_sequence(cm)) {
		sb_add_literal(sb, cm->sequence);
	} else {
		sb_adds(sb, "pg_get_serial_sequence(");
		add_qname_literal(sb, schema, table);
		sb_adds(sb, ", ");
		sb_add_literal(sb, cm->name);
		sb_addch(sb, ')');
	}
	sb_adds(sb, ", coalesce(max(");
	sb_add_ident(sb, cm->name);
	sb_adds(sb, "), 0) + 1, false) FROM ");
	add_qname(sb, schema, table);
	sb_adds(sb, ";\n");
}

static void add_identity(struct strbuf *sb, const char *schema,
			 const char *table, const struct column_meta *cm)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "ALTER COLUMN ");
	sb_add_ident(sb, cm->name);
	sb_addf(sb, " ADD GENERATED %s AS IDENTITY",
		cm->identity[0] == 'a' ? "ALWAYS" : "BY DEFAULT");
	if (cm->sequence)
		sb_addf(sb, " (SEQUENCE NAME %s)", cm->sequence);
	sb_adds(sb, ";\n");
}

static int backs_constraint(const struct table_meta *t, const char *index)
{
	const struct constraint_meta *k = find_constraint(t, index);
	return k && strchr("pux", k->kind);
}

/* ALTER TABLE ... ADD CONSTRAINT from the snapshot's definition. */
static int restore_constraint(struct strbuf *sb, const struct schema_change *c,
			      const char *schema, const struct table_meta *t,
			      const struct constraint_meta *k)
{
	alter_table(sb, schema, t->name);
	sb_adds(sb, "ADD CONSTRAINT ");
	sb_add_ident(sb, k->name);
	sb_addch(sb, ' ');
	if (k->definition && *k->definition) {
		sb_adds(sb, k->definition);
	} else if (k->kind == 'p' || k->kind == 'u') {
		sb_adds(sb, k->kind == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
		add_ident_list(sb, k->columns, k->ncolumns);
		sb_addch(sb, ')');
	} else if (k->kind == 'f' && k->ref_table) {
		struct sc_ref r = { k->ref_schema, k->ref_table, k->ref_columns,
				    k->nref_columns };
		add_fk_body(sb, k->columns, k->ncolumns,
			    k->ref_schema ? k->ref_schema : schema, &r,
			    k->on_delete, 0);
		if (k->on_update && k->on_update != 'a')
			sb_addf(sb, " ON UPDATE %s", on_delete_sql(k->on_update));
	} else {
		change_error(c, "cannot write the inverse: the snapshot holds no definition of constraint '%s' of table '%s'",
		    k->name, t->name);
		hint("Snapshot from PostgreSQL, or give the constraint a \"definition\" in the fixture.");
		return -1;
	}
	sb_adds(sb, ";\n");
	return 0;
}

/*
 * Re-creates t's constraints (other than the primary key) and indexes
 * (other than those behind constraints), those involving col only when
 * col is given.
 */
static int restore_constraints_and_indexes(struct strbuf *sb,
					   const struct schema_change *c,
					   const char *schema,
					   const struct table_meta *t,
					   const char *col)
{
	static const char kinds[] = "uxcf";
	for (const char *kind = kinds; *kind; kind++)
		for (int i = 0; i < t->ncons; i++) {
			const struct constraint_meta *k = &t->cons[i];
			if (k->kind != *kind ||
			    (col && !strv_has(k->columns, k->ncolumns, col)))
				continue;
			if (restore_constraint(sb, c, schema, t, k))
				return -1;
		}
	for (int i = 0; i < t->nidx; i++) {
		const struct index_meta *x = &t->idx[i];
		if (backs_constraint(t, x->name) ||
		    (col && !index_uses_column(x->definition, col)))
			continue;
		add_statement_text(sb, x->definition);
	}
	return 0;
}

static const struct table_meta *render_table(const struct schema_change *c,
					     const struct catalog *before,
					     int *missing)
{
	const struct source_meta *tgt = need_target(before, c);
	const struct table_meta *t;
	*missing = 0;
	if (!tgt)
		return NULL;
	t = live_table(before, tgt, c->table);
	if (!t) {
		if (c->if_not_exists && !was_dropped(before, tgt, c->table))
			*missing = 1;
		else
			no_table(before, tgt, c, c->table);
	}
	return t;
}

static int render_drop_column(const struct schema_change *c,
			      const struct catalog *before, struct parts *p)
{
	const char *col = jstr(c->spec, "column");
	const struct column_meta *cm;
	const struct table_meta *t;
	char *value = NULL;
	int missing, i;

	t = render_table(c, before, &missing);
	if (!t && !missing)
		return -1;
	i = t ? table_column_index(t, col) : -1;
	if (i < 0 && !(c->if_not_exists))
		return no_column(c, t, col);
	if (i >= 0 && t->cols[i].not_null) {
		/* rows inserted by push leave the column out */
		struct strbuf st = STRBUF_INIT, cond = STRBUF_INIT;
		alter_column(&st, p->schema, c->table, col, "DROP NOT NULL");
		if (c->if_not_exists) {
			sb_adds(&cond, "EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ");
			add_qname_literal(&cond, p->schema, c->table);
			sb_adds(&cond, "::regclass AND attname = ");
			sb_add_literal(&cond, col);
			sb_adds(&cond, " AND NOT attisdropped)");
			add_guarded(p->ddl, cond.buf, st.buf);
		} else {
			sb_add(p->ddl, st.buf, st.len);
		}
		sb_release(&st);
		sb_release(&cond);
	}
	alter_table(p->post, p->schema, c->table);
	sb_addf(p->post, "DROP COLUMN %s", c->if_not_exists ? "IF EXISTS " : "");
	sb_add_ident(p->post, col);
	sb_adds(p->post, ";\n");
	if (i < 0)
		return 0; /* nothing in the snapshot to restore */

	/* rollback: the column comes back empty, the data restores it */
	cm = &t->cols[i];
	if (owns_sequence(cm))
		create_sequence(p->inv, cm);
	alter_table(p->inv, p->schema, c->table);
	sb_adds(p->inv, "ADD COLUMN ");
	sb_add_ident(p->inv, col);
	sb_addf(p->inv, " %s", cm->pg_type);
	if (cm->default_expr && schema_default_constant(cm->default_expr, &value))
		sb_addf(p->inv, " DEFAULT %s", cm->default_expr);
	sb_adds(p->inv, ";\n");
	if (cm->default_expr && !schema_default_constant(cm->default_expr, &value)) {
		char *what = xasprintf("SET DEFAULT %s", cm->default_expr);
		alter_column(p->inv, p->schema, c->table, col, what);
		free(what);
	}
	free(value);
	if (owns_sequence(cm))
		sequence_owned_by(p->inv, p->schema, c->table, cm);
	if (cm->not_null)
		alter_column(p->inv_post, p->schema, c->table, col, "SET NOT NULL");
	if (cm->identity)
		add_identity(p->inv_post, p->schema, c->table, cm);
	if (cm->identity || owns_sequence(cm))
		advance_sequence(p->inv_post, p->schema, c->table, cm);
	return restore_constraints_and_indexes(p->inv_post, c, p->schema, t, col);
}

static int render_drop_table(const struct schema_change *c,
			     const struct catalog *before, struct parts *p)
{
	const struct table_meta *t;
	const struct constraint_meta *pk = NULL;
	int missing;

	t = render_table(c, before, &missing);
	if (!t && !missing)
		return -1;
	sb_addf(p->post, "DROP TABLE %s", c->if_not_exists ? "IF EXISTS " : "");
	add_qname(p->post, p->schema, c->table);
	sb_adds(p->post, ";\n");
	if (!t)
		return 0;

	/* rollback: the table with its key, then rows, then the rest */
	for (int i = 0; i < t->ncols; i++)
		if (owns_sequence(&t->cols[i]))
			create_sequence(p->inv, &t->cols[i]);
	sb_adds(p->inv, "CREATE TABLE ");
	add_qname(p->inv, p->schema, t->name);
	sb_adds(p->inv, " (\n");
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *cm = &t->cols[i];
		sb_adds(p->inv, "    ");
		sb_add_ident(p->inv, cm->name);
		sb_addf(p->inv, " %s", cm->pg_type);
		if (cm->default_expr && !cm->identity)
			sb_addf(p->inv, " DEFAULT %s", cm->default_expr);
		if (cm->not_null)
			sb_adds(p->inv, " NOT NULL");
		sb_adds(p->inv, ",\n");
	}
	for (int i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == 'p')
			pk = &t->cons[i];
	if (pk) {
		sb_adds(p->inv, "    CONSTRAINT ");
		sb_add_ident(p->inv, pk->name);
		sb_addch(p->inv, ' ');
		if (pk->definition && *pk->definition) {
			sb_adds(p->inv, pk->definition);
		} else {
			sb_adds(p->inv, "PRIMARY KEY (");
			add_ident_list(p->inv, pk->columns, pk->ncolumns);
			sb_addch(p->inv, ')');
		}
		sb_adds(p->inv, "\n);\n");
	} else {
		sb_setlen(p->inv, p->inv->len - 2); /* the last ",\n" */
		sb_adds(p->inv, "\n);\n");
	}
	for (int i = 0; i < t->ncols; i++)
		if (owns_sequence(&t->cols[i]))
			sequence_owned_by(p->inv, p->schema, t->name, &t->cols[i]);
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *cm = &t->cols[i];
		if (cm->identity)
			add_identity(p->inv_post, p->schema, t->name, cm);
		if (cm->identity || owns_sequence(cm))
			advance_sequence(p->inv_post, p->schema, t->name, cm);
	}
	return restore_constraints_and_indexes(p->inv_post, c, p->schema, t, NULL);
}

static void render_create_table(const struct schema_change *c, struct parts *p)
{
	const cJSON *it;
	char **pk;
	int npk;
	char *name;

	sb_addf(p->ddl, "CREATE TABLE %s", c->if_not_exists ? "IF NOT EXISTS " : "");
	add_qname(p->ddl, p->schema, c->table);
	sb_adds(p->ddl, " (\n");
	cJSON_ArrayForEach(it, jget(c->spec, "columns")) {
		const char *def = jstr(it, "default");
		sb_adds(p->ddl, "    ");
		sb_add_ident(p->ddl, jstr(it, "name"));
		sb_addf(p->ddl, " %s", jstr(it, "type"));
		if (def)
			sb_addf(p->ddl, " DEFAULT %s", def);
		if (!jbool(it, "nullable", 1))
			sb_adds(p->ddl, " NOT NULL");
		sb_adds(p->ddl, ",\n");
	}
	pk = json_string_list(jget(c->spec, "primary_key"), &npk);
	name = object_name(c->table, NULL, "pkey");
	sb_adds(p->ddl, "    CONSTRAINT ");
	sb_add_ident(p->ddl, name);
	sb_adds(p->ddl, " PRIMARY KEY (");
	add_ident_list(p->ddl, pk, npk);
	sb_addch(p->ddl, ')');
	free(name);
	strv_free(pk, npk);
	cJSON_ArrayForEach(it, jget(c->spec, "unique")) {
		int n;
		char **u = json_string_list(it, &n), *j = joined_names(u, n);
		name = object_name(c->table, j, "key");
		sb_adds(p->ddl, ",\n    CONSTRAINT ");
		sb_add_ident(p->ddl, name);
		sb_adds(p->ddl, " UNIQUE (");
		add_ident_list(p->ddl, u, n);
		sb_addch(p->ddl, ')');
		free(name);
		free(j);
		strv_free(u, n);
	}
	sb_adds(p->ddl, "\n);\n");

	/* foreign keys after the data: rows may arrive in any order */
	cJSON_ArrayForEach(it, jget(c->spec, "foreign_keys")) {
		struct sc_ref r;
		int n;
		char **fc = json_string_list(jget(it, "columns"), &n), *j = joined_names(fc, n);
		name = object_name(c->table, j, "fkey");
		ref_parse(jget(it, "references"), &r);
		add_fk_statement(p->post, p->schema, c->table, name, fc, n, &r,
				 on_delete_letter(jstr(it, "on_delete")), 0,
				 c->if_not_exists);
		ref_free(&r);
		free(name);
		free(j);
		strv_free(fc, n);
	}
	/* serial columns: push inserts explicit values; move the sequence past them */
	cJSON_ArrayForEach(it, jget(c->spec, "columns")) {
		struct column_meta cm;
		int serial;
		char *type = canonical_type(jstr(it, "type"), &serial);
		free(type);
		if (!serial)
			continue;
		memset(&cm, 0, sizeof(cm));
		cm.name = (char *)jstr(it, "name");
		cm.identity = (char *)"d"; /* through pg_get_serial_sequence */
		advance_sequence(p->post, p->schema, c->table, &cm);
	}
	sb_addf(p->inv_post, "DROP TABLE ");
	add_qname(p->inv_post, p->schema, c->table);
	sb_adds(p->inv_post, ";\n");
}

static void render_add_index(const struct schema_change *c, struct parts *p)
{
	char *name = default_index_name(c);
	const char *expr = jstr(c->spec, "expression"), *method = jstr(c->spec, "method");

	sb_addf(p->post, "CREATE %sINDEX %s", jbool(c->spec, "unique", 0) ? "UNIQUE " : "",
		c->if_not_exists ? "IF NOT EXISTS " : "");
	sb_add_ident(p->post, name);
	sb_adds(p->post, " ON ");
	add_qname(p->post, p->schema, c->table);
	if (method)
		sb_addf(p->post, " USING %s", method);
	if (expr) {
		sb_addf(p->post, " ((%s));\n", expr);
	} else {
		int n;
		char **cols = json_string_list(jget(c->spec, "columns"), &n);
		sb_adds(p->post, " (");
		add_ident_list(p->post, cols, n);
		sb_adds(p->post, ");\n");
		strv_free(cols, n);
	}
	sb_adds(p->inv, "DROP INDEX ");
	add_qname(p->inv, p->schema, name);
	sb_adds(p->inv, ";\n");
	free(name);
}

static void render_add_foreign_key(const struct schema_change *c, struct parts *p)
{
	char *name = default_fk_name(c);
	struct sc_ref r;
	int n;
	char **cols = json_string_list(jget(c->spec, "columns"), &n);

	ref_parse(jget(c->spec, "references"), &r);
	add_fk_statement(p->post, p->schema, c->table, name, cols, n, &r,
			 on_delete_letter(jstr(c->spec, "on_delete")),
			 jbool(c->spec, "not_valid", 0), c->if_not_exists);
	drop_constraint(p->inv, p->schema, c->table, name);
	ref_free(&r);
	strv_free(cols, n);
	free(name);
}

int schema_change_render(const struct schema_change *c,
			 const struct catalog *before, const char *pg_schema,
			 struct strbuf *ddl, struct strbuf *ddl_post,
			 struct strbuf *inverse, struct strbuf *inverse_post)
{
	struct parts p = { ddl, ddl_post, inverse, inverse_post, pg_schema };

	switch (c->op) {
	case SC_ADD_COLUMN:
		return render_add_column(c, &p);
	case SC_DROP_COLUMN:
		return render_drop_column(c, before, &p);
	case SC_CREATE_TABLE:
		render_create_table(c, &p);
		return 0;
	case SC_DROP_TABLE:
		return render_drop_table(c, before, &p);
	case SC_SET_NOT_NULL:
		alter_column(ddl_post, pg_schema, c->table, jstr(c->spec, "column"),
			     "SET NOT NULL");
		alter_column(inverse, pg_schema, c->table, jstr(c->spec, "column"),
			     "DROP NOT NULL");
		return 0;
	case SC_DROP_NOT_NULL:
		alter_column(ddl, pg_schema, c->table, jstr(c->spec, "column"),
			     "DROP NOT NULL");
		alter_column(inverse_post, pg_schema, c->table,
			     jstr(c->spec, "column"), "SET NOT NULL");
		return 0;
	case SC_ADD_INDEX:
		render_add_index(c, &p);
		return 0;
	case SC_ADD_FOREIGN_KEY:
		render_add_foreign_key(c, &p);
		return 0;
	case SC_TARGET_SQL:
		/*
		 * Rollback mirrors push: an "after" change ran once the data
		 * was in, so its rollback runs before the inverse data (a
		 * constraint or trigger it added must be gone before the
		 * rollback restores rows that violate it or would fire it);
		 * a "before" change is undone after the inverse data.
		 */
		add_statement_text(ddl, jstr(c->spec, "sql"));
		add_statement_text(c->phase == SC_AFTER ? inverse : inverse_post,
				   jstr(c->spec, "rollback_sql"));
		return 0;
	}
	return 0;
}

/* ---------------------------------------------------------------- probe */

/* "(SELECT attnotnull FROM pg_attribute WHERE <the column>)" */
static void column_lookup(struct strbuf *sb, const char *what,
			  const char *schema, const char *table, const char *col)
{
	sb_addf(sb, "SELECT %s FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(",
		what);
	add_qname_literal(sb, schema, table);
	sb_adds(sb, ") AND attname = ");
	sb_add_literal(sb, col);
	sb_adds(sb, " AND NOT attisdropped");
}

char *schema_change_probe_sql(const struct schema_change *c,
			      const char *pg_schema)
{
	struct strbuf sb = STRBUF_INIT;
	const char *col = c->spec ? jstr(c->spec, "column") : NULL;
	char *name;

	switch (c->op) {
	case SC_ADD_COLUMN:
	case SC_DROP_COLUMN:
		sb_addf(&sb, "SELECT %sEXISTS (", c->op == SC_DROP_COLUMN ? "NOT " : "");
		column_lookup(&sb, "1", pg_schema, c->table, col);
		sb_adds(&sb, ")");
		break;
	case SC_CREATE_TABLE:
	case SC_DROP_TABLE:
		sb_adds(&sb, "SELECT to_regclass(");
		add_qname_literal(&sb, pg_schema, c->table);
		sb_addf(&sb, ") IS %sNULL", c->op == SC_CREATE_TABLE ? "NOT " : "");
		break;
	case SC_SET_NOT_NULL:
	case SC_DROP_NOT_NULL:
		sb_adds(&sb, "SELECT coalesce((");
		column_lookup(&sb, c->op == SC_SET_NOT_NULL ? "attnotnull" : "NOT attnotnull",
			      pg_schema, c->table, col);
		sb_adds(&sb, "), false)");
		break;
	case SC_ADD_INDEX:
		name = default_index_name(c);
		sb_adds(&sb, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE schemaname = ");
		sb_add_literal(&sb, pg_schema);
		sb_adds(&sb, " AND indexname = ");
		sb_add_literal(&sb, name);
		sb_adds(&sb, ")");
		free(name);
		break;
	case SC_ADD_FOREIGN_KEY:
		name = default_fk_name(c);
		sb_adds(&sb, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(");
		add_qname_literal(&sb, pg_schema, c->table);
		sb_adds(&sb, ") AND conname = ");
		sb_add_literal(&sb, name);
		sb_adds(&sb, ")");
		free(name);
		break;
	case SC_TARGET_SQL:
		return NULL;
	}
	return sb_detach(&sb, NULL);
}
