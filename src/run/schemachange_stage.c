/*
 * schemachange_stage: a schema change applied to the staging file's
 * working tables (schema_change_apply_stage).
 */
#define _GNU_SOURCE
#include "jsonutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "schemachange_int.h"

/* ------------------------------------------------- applying to staging */

static int stage_run(sqlite3 *db, const struct schema_change *c,
		     const char *sql, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		change_error(c, "%s in the staging file: %s", what,
		    msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * A value in PostgreSQL text form as an SQLite literal in the storage its
 * type calls for (pgtype.h): integers and booleans as INTEGER, bytea as a
 * blob, everything else as text.  Returns -1 when v does not fit.
 */
static int add_sqlite_literal(struct strbuf *sb, const struct pgtype *t,
			      const char *v)
{
	if (!t->is_array) {
		switch (t->kind) {
		case PGK_INT2:
		case PGK_INT4:
		case PGK_INT8: {
			char *end;
			errno = 0;
			(void)strtoll(v, &end, 10);
			if (errno || end == v || *end)
				return -1;
			sb_adds(sb, v);
			return 0;
		}
		case PGK_BOOL:
			if (strcmp(v, "t") && strcmp(v, "f"))
				return -1;
			sb_adds(sb, v[0] == 't' ? "1" : "0");
			return 0;
		case PGK_BYTEA:
			if (strncmp(v, "\\x", 2) || strlen(v) % 2)
				return -1;
			for (const char *p = v + 2; *p; p++)
				if (!isxdigit((unsigned char)*p))
					return -1;
			sb_addf(sb, "X'%s'", v + 2);
			return 0;
		default:
			break;
		}
	}
	sb_add_literal(sb, v);
	return 0;
}

static int stage_add_column(sqlite3 *db, const struct table_meta *t,
			    const struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	int i = table_column_index(t, col);
	const struct column_meta *cm;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *raw = NULL, *expr = NULL;
	const char *decl;
	int ret = -1;

	if (i < 0)
		return change_error(c, "the catalog has no column '%s.%s' (apply the change to the catalog first)",
			   t->name, col);
	cm = &t->cols[i];
	decl = pgtype_sqlite_decl(&cm->type);
	sb_adds(&sql, "ALTER TABLE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " ADD COLUMN ");
	sb_add_qident(&sql, cm->name);
	if (*decl)
		sb_addf(&sql, " %s", decl);
	if (cm->base_value) {
		sb_adds(&sql, " DEFAULT ");
		if (add_sqlite_literal(&sql, &cm->type, cm->base_value)) {
			change_error(c, "default '%s' does not fit column '%s' (%s)",
			    cm->base_value, cm->name, cm->pg_type);
			goto cleanup;
		}
	}
	if (stage_run(db, c, sql.buf, "cannot add the column"))
		goto cleanup;
	if (!cm->default_expr || schema_default_constant(cm->default_expr, &raw))
		goto done;

	/* a non-constant default: PostgreSQL would compute it per row */
	expr = strip_casts(cm->default_expr);
	sb_reset(&sql);
	sb_adds(&sql, "UPDATE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " SET ");
	sb_add_qident(&sql, cm->name);
	sb_addf(&sql, " = %s", expr);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		change_error(c, "cannot fill column '%s.%s' with its default '%s' in the staging file",
		    t->name, cm->name, cm->default_expr);
		detail("SQLite says: %s.", sqlite3_errmsg(db));
		hint("Give the column a constant default, or leave the default out of this change and fill the column in a step.");
		goto cleanup;
	}
done:
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	free(raw);
	free(expr);
	return ret;
}

static int stage_drop_column(sqlite3 *db, const struct table_meta *t,
			     const struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int pk = 0, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT pk FROM pragma_table_info(?1) WHERE name = ?2",
			       -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the staging table");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, t->stage_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		pk = sqlite3_column_int(st, 0);
	if (pk) {
		change_error(c, "column '%s' is part of the primary key of '%s'", col, t->name);
		detail("drydock identifies every row by its primary key.");
		goto cleanup;
	}
	sb_adds(&sql, "ALTER TABLE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " DROP COLUMN ");
	sb_add_qident(&sql, col);
	ret = stage_run(db, c, sql.buf, "cannot drop the column");
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

int schema_change_apply_stage(sqlite3 *db, const struct catalog *cat,
			      const struct schema_change *c)
{
	const struct source_meta *tgt;
	const struct table_meta *t = NULL;

	if (c->skipped || c->op == SC_TARGET_SQL)
		return 0;
	if (!(tgt = need_target(cat, c)))
		return -1;
	if (c->op == SC_DROP_TABLE) {
		/* the latest dropped table of that name */
		for (int i = 0; i < cat->ntables; i++)
			if (cat->tables[i].dropped &&
			    !strcmp(cat->tables[i].source, tgt->name) &&
			    !strcmp(cat->tables[i].name, c->table))
				t = &cat->tables[i];
	} else {
		t = live_table(cat, tgt, c->table);
	}
	if (!t)
		return change_error(c, "the catalog has no table '%s' (apply the change to the catalog first)",
			   c->table);

	switch (c->op) {
	case SC_ADD_COLUMN:
		return stage_add_column(db, t, c);
	case SC_DROP_COLUMN:
		return stage_drop_column(db, t, c);
	case SC_CREATE_TABLE:
		if (stage_create_table(db, t, t->stage_name))
			return change_error(c, "cannot create table '%s' in the staging file",
				   t->name);
		return 0;
	case SC_DROP_TABLE: {
		struct strbuf sql = STRBUF_INIT;
		int ret;
		sb_adds(&sql, "DROP TABLE ");
		sb_add_qident(&sql, t->stage_name);
		ret = stage_run(db, c, sql.buf, "cannot drop the table");
		sb_release(&sql);
		return ret;
	}
	default:
		/* NOT NULL, indexes and foreign keys: the checks enforce them */
		return 0;
	}
}
