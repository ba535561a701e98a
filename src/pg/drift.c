/*
 * drift: the target's schema against the snapshot's (drift.h).
 */
#define _GNU_SOURCE
#include "drift.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "stage.h"
#include "util.h"

#define META_SYSID "source.%s.system_identifier"
#define META_DB "source.%s.database"
#define META_RULES "source.%s.triggers_policies"

/*
 * The triggers, row-level security switches and policies of the named
 * tables of a schema ($1, $2 a text[]): rows (table, kind, name, text)
 * in one order, so that the snapshot's and the target's lists compare
 * line by line.  The text is what PostgreSQL prints for the object, so
 * any change to it (timing, events, function, condition, roles) shows.
 */
static const char RULES_SQL[] =
	"SELECT c.relname::text, 'trigger', t.tgname::text, pg_get_triggerdef(t.oid) || "
	"  CASE t.tgenabled WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (enabled on replicas only)' "
	"  WHEN 'A' THEN ' (enabled always)' ELSE '' END "
	"FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND n.nspname = $1 AND c.relname = ANY ($2::text[]) "
	"UNION ALL "
	"SELECT tablename::text, 'policy', policyname::text, format('%s FOR %s TO %s%s%s', "
	"  lower(permissive), cmd, array_to_string(roles, ', '), ' USING (' || qual || ')', "
	"  ' WITH CHECK (' || with_check || ')') "
	"FROM pg_policies WHERE schemaname = $1 AND tablename = ANY ($2::text[]) "
	"UNION ALL "
	"SELECT c.relname::text, 'row-level security', '', CASE WHEN c.relforcerowsecurity "
	"  THEN 'enabled and forced' ELSE 'enabled' END "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relrowsecurity AND n.nspname = $1 AND c.relname = ANY ($2::text[]) "
	"ORDER BY 1, 2, 3";

/* The source's tables of cat as a PostgreSQL text[] literal. */
static char *table_array(const struct catalog *cat, const char *source)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addch(&sb, '{');
	for (int i = 0; i < cat->ntables; i++)
		if (!strcmp(cat->tables[i].source, source))
			pg_text_array_add(&sb, cat->tables[i].name);
	sb_addch(&sb, '}');
	return sb_detach(&sb, NULL);
}

/* RULES_SQL's rows for the source's tables, or NULL (reported). */
static PGresult *read_rules(PGconn *conn, const struct catalog *cat, const struct source_meta *src)
{
	char *tables = table_array(cat, src->name);
	const char *params[2] = { src->schema, tables };
	PGresult *r = PQexecParams(conn, RULES_SQL, 2, NULL, params, NULL, NULL, 0);
	free(tables);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_result_error(conn, r, "cannot read the triggers and policies of the tables");
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Records the source's triggers and policies as a JSON array of
 * [table, kind, name, text] in dd_meta.  0 or -1. */
static int record_rules(PGconn *conn, sqlite3 *db, const char *source)
{
	struct catalog cat = { 0 };
	struct source_meta *src;
	PGresult *r = NULL;
	cJSON *a = NULL;
	char *key = NULL, *text = NULL;
	int ret = -1;

	if (stage_read_catalog(db, &cat))
		goto cleanup;
	src = catalog_find_source(&cat, source);
	if (!src) {
		ret = 0;
		goto cleanup;
	}
	r = read_rules(conn, &cat, src);
	if (!r)
		goto cleanup;
	a = cJSON_CreateArray();
	for (int i = 0; i < PQntuples(r); i++) {
		cJSON *row = cJSON_CreateArray();
		for (int k = 0; k < 4; k++)
			cJSON_AddItemToArray(row, cJSON_CreateString(PQgetvalue(r, i, k)));
		cJSON_AddItemToArray(a, row);
	}
	text = cJSON_PrintUnformatted(a);
	key = xasprintf(META_RULES, source);
	ret = stage_set_meta(db, key, text);
cleanup:
	PQclear(r);
	cJSON_Delete(a);
	cJSON_free(text);
	free(key);
	catalog_free(&cat);
	return ret;
}

int drift_record_source(PGconn *conn, sqlite3 *db, const char *source)
{
	PGresult *r = PQexec(conn, "SELECT system_identifier::text, current_database() "
				   "FROM pg_control_system()");
	char *k1 = xasprintf(META_SYSID, source), *k2 = xasprintf(META_DB, source);
	int ret = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_result_error(conn, r, "cannot read the database's identity");
		goto cleanup;
	}
	if (stage_set_meta(db, k1, PQgetvalue(r, 0, 0)) ||
	    stage_set_meta(db, k2, PQgetvalue(r, 0, 1)) || record_rules(conn, db, source))
		goto cleanup;
	ret = 0;
cleanup:
	PQclear(r);
	free(k1);
	free(k2);
	return ret;
}

static void add(struct drift *d, const char *table, int benign, const char *fmt, ...)
	ATTR_PRINTF(4, 5);

static void add(struct drift *d, const char *table, int benign, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	struct drift_item *it;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	d->items = xrealloc(d->items, (size_t)(d->n + 1) * sizeof(*d->items));
	it = &d->items[d->n++];
	it->table = table ? xstrdup(table) : NULL;
	it->what = sb_detach(&sb, NULL);
	it->benign = benign;
	if (!benign)
		d->nsevere++;
}

/* The if_not_exists DDL of the change set, for planned(). */
static const char *const *planned_ddl;
static int nplanned_ddl;

/* Does an if_not_exists change of the plan create name (as a whole word)? */
static int planned(const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < nplanned_ddl; i++)
		for (const char *p = planned_ddl[i]; p && (p = strstr(p, name)); p += n) {
			char before = p == planned_ddl[i] ? ' ' : p[-1], after = p[n];
			if (!(before == '_' || (before >= 'a' && before <= 'z') || (before >= '0' && before <= '9')) &&
			    !(after == '_' || (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9')))
				return 1;
		}
	return 0;
}

static PGresult *query(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_result_error(conn, r, "cannot read the target's catalog");
		PQclear(r);
		return NULL;
	}
	return r;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int identity(PGconn *conn, sqlite3 *db, const char *source, struct drift *d)
{
	char *k1 = xasprintf(META_SYSID, source), *k2 = xasprintf(META_DB, source);
	char *sysid = stage_get_meta(db, k1), *name = stage_get_meta(db, k2);
	PGresult *r = NULL;
	int ret = -1;

	if (!sysid || !name) {
		d->unrecorded = 1;
		ret = 0;
		goto cleanup;
	}
	r = query(conn, "SELECT system_identifier::text, current_database() FROM pg_control_system()",
		  0, NULL);
	if (!r)
		goto cleanup;
	if (strcmp(PQgetvalue(r, 0, 0), sysid)) {
		d->other_cluster = 1;
		d->other_database = xasprintf("the snapshot read database '%s' of the cluster with "
					      "system identifier %s; the target is database '%s' of "
					      "cluster %s", name, sysid, PQgetvalue(r, 0, 1),
					      PQgetvalue(r, 0, 0));
	} else if (strcmp(PQgetvalue(r, 0, 1), name)) {
		d->other_database = xasprintf("the snapshot read database '%s'; the target is "
					      "database '%s' of the same cluster", name,
					      PQgetvalue(r, 0, 1));
	}
	ret = 0;
cleanup:
	PQclear(r);
	free(k1);
	free(k2);
	free(sysid);
	free(name);
	return ret;
}

static int columns(PGconn *conn, const char *oid, const struct table_meta *t, struct drift *d)
{
	const char *params[1] = { oid };
	PGresult *r = query(conn,
			    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
			    "  pg_get_expr(ad.adbin, ad.adrelid), a.attidentity <> '' "
			    "FROM pg_attribute a LEFT JOIN pg_attrdef ad "
			    "  ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
			    "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
			    "ORDER BY a.attnum", 1, params);
	int n;
	char *seen;
	if (!r)
		return -1;
	n = PQntuples(r);
	seen = xcalloc((size_t)t->ncols + 1, 1);
	for (int i = 0; i < n; i++) {
		const char *name = PQgetvalue(r, i, 0), *type = PQgetvalue(r, i, 1);
		const char *def = PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3);
		int notnull = PQgetvalue(r, i, 2)[0] == 't';
		int k = table_column_index(t, name);
		const struct column_meta *c;
		if (k < 0 && planned(name))
			continue;
		if (k < 0) {
			int filled = !notnull || def || PQgetvalue(r, i, 4)[0] == 't';
			add(d, t->name, filled, "column '%s' (%s%s) is not in the snapshot%s", name, type,
			    notnull ? " NOT NULL" : "",
			    filled ? "" : ": NOT NULL without a default, inserts would fail");
			continue;
		}
		c = &t->cols[k];
		seen[k] = 1;
		if (strcmp(c->pg_type, type))
			add(d, t->name, 0, "column '%s' is %s, the snapshot's was %s", name, type,
			    c->pg_type);
		if (c->not_null != notnull)
			add(d, t->name, 0, "column '%s' is %s, the snapshot's was %s", name,
			    notnull ? "NOT NULL" : "nullable", c->not_null ? "NOT NULL" : "nullable");
		/* a generated column's expression is its pg_attrdef entry too */
		if (!same(c->generated ? c->generated : c->default_expr, def))
			add(d, t->name, 1, "column '%s' has default %s, the snapshot's had %s", name,
			    def ? def : "none", c->default_expr ? c->default_expr : "none");
	}
	for (int k = 0; k < t->ncols; k++)
		if (!seen[k])
			add(d, t->name, 0, "column '%s' (%s) is missing", t->cols[k].name,
			    t->cols[k].pg_type);
	free(seen);
	PQclear(r);
	return 0;
}

static const char *con_kind(char k)
{
	switch (k) {
	case 'p': return "primary key";
	case 'u': return "unique constraint";
	case 'f': return "foreign key";
	case 'c': return "check constraint";
	case 'x': return "exclusion constraint";
	default: return "constraint";
	}
}

static int constraints(PGconn *conn, const char *oid, const struct table_meta *t, struct drift *d)
{
	const char *params[1] = { oid };
	PGresult *r = query(conn,
			    "SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint "
			    "WHERE conrelid = $1::oid ORDER BY conname", 1, params);
	char *seen;
	if (!r)
		return -1;
	seen = xcalloc((size_t)t->ncons + 1, 1);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0), *def = PQgetvalue(r, i, 2);
		char kind = PQgetvalue(r, i, 1)[0];
		int k = -1;
		for (int j = 0; j < t->ncons; j++)
			if (!strcmp(t->cons[j].name, name))
				k = j;
		if (k < 0 && planned(name))
			continue;
		if (k < 0) {
			add(d, t->name, 0, "%s '%s' (%s) is not in the snapshot", con_kind(kind), name, def);
			continue;
		}
		seen[k] = 1;
		if (!same(t->cons[k].definition, def))
			add(d, t->name, 0, "%s '%s' is %s, the snapshot's was %s", con_kind(kind), name,
			    def, t->cons[k].definition ? t->cons[k].definition : "(unknown)");
	}
	for (int k = 0; k < t->ncons; k++) {
		/* a partitioned table's bounds, kept as a CHECK by the snapshot
		 * (pg.c, add_partition_bounds), are no constraint of the target */
		char *bounds = xasprintf("%s_partition_bounds", t->name);
		int synthetic = t->partitioned && !strcmp(t->cons[k].name, bounds);
		free(bounds);
		if (!seen[k] && !synthetic)
			add(d, t->name, 0, "%s '%s' (%s) is missing", con_kind(t->cons[k].kind),
			    t->cons[k].name, t->cons[k].definition ? t->cons[k].definition : "");
	}
	free(seen);
	PQclear(r);
	return 0;
}

/* An index that only speeds reads up cannot make a push fail; a unique one can. */
static int unique_index(const char *def)
{
	return def && strstr(def, "CREATE UNIQUE INDEX") == def;
}

static int indexes(PGconn *conn, const char *oid, const struct table_meta *t, struct drift *d)
{
	const char *params[1] = { oid };
	PGresult *r = query(conn,
			    "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
			    "JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1::oid "
			    "ORDER BY ic.relname", 1, params);
	char *seen;
	if (!r)
		return -1;
	seen = xcalloc((size_t)t->nidx + 1, 1);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0), *def = PQgetvalue(r, i, 1);
		int k = -1;
		for (int j = 0; j < t->nidx; j++)
			if (!strcmp(t->idx[j].name, name))
				k = j;
		if (k < 0 && planned(name))
			continue;
		if (k < 0) {
			add(d, t->name, !unique_index(def), "index '%s' is not in the snapshot: %s", name, def);
			continue;
		}
		seen[k] = 1;
		if (!same(t->idx[k].definition, def))
			add(d, t->name, !unique_index(def) && !unique_index(t->idx[k].definition),
			    "index '%s' is %s, the snapshot's was %s", name, def, t->idx[k].definition);
	}
	for (int k = 0; k < t->nidx; k++)
		if (!seen[k])
			add(d, t->name, !unique_index(t->idx[k].definition), "index '%s' is missing: %s",
			    t->idx[k].name, t->idx[k].definition);
	free(seen);
	PQclear(r);
	return 0;
}

static int enums(PGconn *conn, const struct catalog *cat, const char *source, struct drift *d)
{
	for (int i = 0; i < cat->nenums; i++) {
		const struct enum_meta *e = &cat->enums[i];
		const char *params[1] = { e->name };
		PGresult *r;
		int nl, missing = 0;
		if (strcmp(e->source, source))
			continue;
		r = query(conn, "SELECT e.enumlabel FROM pg_enum e "
				"WHERE e.enumtypid = to_regtype($1) ORDER BY e.enumsortorder", 1, params);
		if (!r)
			return -1;
		nl = PQntuples(r);
		if (!nl) {
			add(d, NULL, 0, "enum type %s is missing", e->name);
			PQclear(r);
			continue;
		}
		for (int k = 0; k < e->nlabels; k++) {
			int found = 0;
			for (int j = 0; j < nl && !found; j++)
				found = !strcmp(PQgetvalue(r, j, 0), e->labels[k]);
			if (!found) {
				add(d, NULL, 0, "enum type %s has no label '%s'", e->name, e->labels[k]);
				missing++;
			}
		}
		if (!missing && nl > e->nlabels)
			add(d, NULL, 1, "enum type %s has %d label%s the snapshot did not", e->name,
			    nl - e->nlabels, nl - e->nlabels == 1 ? "" : "s");
		PQclear(r);
	}
	return 0;
}

/* One [table, kind, name, text] row of the snapshot's list. */
static const char *rule_field(const cJSON *row, int k)
{
	const cJSON *v = cJSON_GetArrayItem(row, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/*
 * The triggers, row-level security and policies of the snapshot's tables
 * against the target's.  A trigger added, changed or removed is benign:
 * push lets the target's triggers fire, keeps what they wrote in the
 * ledger and says so, verification accepts it and rollback restores the
 * before-image with them off; but the change set was reviewed without it,
 * so it takes --allow-drift.  Row-level security and policies decide
 * which rows the push may see and write: not benign.  Nothing to compare
 * when the snapshot did not record them (a fixture, an older file).
 */
static int rules(PGconn *conn, sqlite3 *db, const struct catalog *cat,
		 const struct source_meta *src, struct drift *d)
{
	char *key = xasprintf(META_RULES, src->name), *text = stage_get_meta(db, key);
	cJSON *snap = text ? cJSON_Parse(text) : NULL;
	PGresult *r = NULL;
	char *seen = NULL;
	int n, ret = -1;

	if (!snap) {
		ret = 0;
		goto cleanup;
	}
	r = read_rules(conn, cat, src);
	if (!r)
		goto cleanup;
	n = cJSON_GetArraySize(snap);
	seen = xcalloc((size_t)n + 1, 1);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *table = PQgetvalue(r, i, 0), *kind = PQgetvalue(r, i, 1),
			   *name = PQgetvalue(r, i, 2), *def = PQgetvalue(r, i, 3), *was;
		int k = -1, trigger;
		for (int j = 0; j < n && k < 0; j++) {
			const cJSON *row = cJSON_GetArrayItem(snap, j);
			if (!strcmp(rule_field(row, 0), table) && !strcmp(rule_field(row, 1), kind) &&
			    !strcmp(rule_field(row, 2), name))
				k = j;
		}
		if (k >= 0)
			seen[k] = 1;
		was = k < 0 ? NULL : rule_field(cJSON_GetArrayItem(snap, k), 3);
		trigger = !strcmp(kind, "trigger");
		if (!*name) { /* row-level security: on, or on and forced */
			if (!was || strcmp(was, def))
				add(d, table, 0, "%s is %s, the snapshot's was %s", kind, def,
				    was ? was : "disabled");
		} else if (!was) {
			add(d, table, trigger, "%s '%s' is not in the snapshot: %s", kind, name, def);
		} else if (strcmp(was, def)) {
			add(d, table, trigger, "%s '%s' is %s, the snapshot's was %s", kind, name, def, was);
		}
	}
	for (int j = 0; j < n; j++) {
		const cJSON *row = cJSON_GetArrayItem(snap, j);
		if (seen[j])
			continue;
		if (!*rule_field(row, 2))
			add(d, rule_field(row, 0), 0, "%s is disabled, the snapshot's was %s",
			    rule_field(row, 1), rule_field(row, 3));
		else
			add(d, rule_field(row, 0), !strcmp(rule_field(row, 1), "trigger"),
			    "%s '%s' is missing: %s", rule_field(row, 1), rule_field(row, 2),
			    rule_field(row, 3));
	}
	ret = 0;
cleanup:
	PQclear(r);
	cJSON_Delete(snap);
	free(seen);
	free(text);
	free(key);
	return ret;
}

static int types_exist(PGconn *conn, const char *const *types, int ntypes, struct drift *d)
{
	for (int i = 0; i < ntypes; i++) {
		const char *params[1] = { types[i] };
		PGresult *r;
		int dup = 0;
		for (int k = 0; k < i && !dup; k++)
			dup = !strcmp(types[k], types[i]);
		if (dup)
			continue;
		r = query(conn, "SELECT to_regtype($1) IS NULL", 1, params);
		if (!r)
			return -1;
		if (PQgetvalue(r, 0, 0)[0] == 't')
			add(d, NULL, 0, "type %s, which the change set writes, does not exist", types[i]);
		PQclear(r);
	}
	return 0;
}

int drift_compare(PGconn *conn, sqlite3 *db, const char *const *types, int ntypes,
		  const char *const *planned_changes, int nplanned, struct drift *d)
{
	struct catalog cat = { 0 };
	struct source_meta *src;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	planned_ddl = planned_changes;
	nplanned_ddl = nplanned;
	if (stage_read_catalog(db, &cat))
		goto cleanup;
	src = catalog_target(&cat);
	if (!src) {
		ret = 0;
		goto cleanup;
	}
	if (identity(conn, db, src->name, d))
		goto cleanup;
	for (int i = 0; i < cat.ntables; i++) {
		const struct table_meta *t = &cat.tables[i];
		const char *params[2] = { src->schema, t->name };
		PGresult *r;
		char oid[32];
		if (strcmp(t->source, src->name))
			continue;
		r = query(conn, "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
				"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
			  2, params);
		if (!r)
			goto cleanup;
		if (!PQntuples(r)) {
			add(d, t->name, 0, "table %s.%s is missing", src->schema, t->name);
			PQclear(r);
			continue;
		}
		snprintf(oid, sizeof(oid), "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (columns(conn, oid, t, d) || constraints(conn, oid, t, d) || indexes(conn, oid, t, d))
			goto cleanup;
	}
	if (rules(conn, db, &cat, src, d) || enums(conn, &cat, src->name, d) ||
	    types_exist(conn, types, ntypes, d))
		goto cleanup;
	ret = 0;
cleanup:
	catalog_free(&cat);
	if (ret)
		drift_free(d);
	return ret;
}

int drift_compare_columns(PGconn *conn, const char *schema, const struct drift_col *cols, int n,
			  struct drift *d)
{
	int i = 0;

	memset(d, 0, sizeof(*d));
	while (i < n) {
		const char *table = cols[i].table, *params[2] = { schema, table };
		int end = i, rows, has_pk;
		PGresult *r;
		while (end < n && !strcmp(cols[end].table, table))
			end++;
		r = query(conn,
			  "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), "
			  "  coalesce(a.attnum = ANY (x.conkey), false) "
			  "FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
			  "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
			  "LEFT JOIN pg_constraint x ON x.conrelid = c.oid AND x.contype = 'p' "
			  "WHERE s.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
			  2, params);
		if (!r) {
			drift_free(d);
			return -1;
		}
		rows = PQntuples(r);
		/* a table without a primary key (the plan declared its key) has none to compare */
		has_pk = 0;
		for (int j = 0; j < rows; j++)
			has_pk |= PQgetvalue(r, j, 2)[0] == 't';
		if (!rows)
			add(d, table, 0, "table %s.%s is missing", schema, table);
		for (int k = i; rows && k < end; k++) {
			int row = -1;
			for (int j = 0; j < rows && row < 0; j++)
				if (!strcmp(PQgetvalue(r, j, 0), cols[k].column))
					row = j;
			if (row < 0)
				add(d, table, 0, "column '%s' (%s) is missing", cols[k].column, cols[k].type);
			else if (strcmp(PQgetvalue(r, row, 1), cols[k].type))
				add(d, table, 0, "column '%s' is %s, the push left %s", cols[k].column,
				    PQgetvalue(r, row, 1), cols[k].type);
			else if (has_pk && (PQgetvalue(r, row, 2)[0] == 't') != cols[k].key)
				add(d, table, 0, "column '%s' is %s the primary key, the push left it %s",
				    cols[k].column, cols[k].key ? "no longer in" : "now in",
				    cols[k].key ? "in it" : "out of it");
		}
		PQclear(r);
		i = end;
	}
	d->against = "what the push left";
	return 0;
}

int drift_report(const struct drift *d, int allow_drift, int other_db_ok)
{
	int refuse = 0;

	if (d->other_database) {
		if (d->other_cluster && !other_db_ok) {
			error("the target is not the database the snapshot was taken from");
			detail("%s.", d->other_database);
			hint("Push to the snapshotted database, or pass --target-is-copy if the target "
			     "is a copy of it (a restored dump) and its rows are what the snapshot saw.");
			return -1;
		}
		if (!other_db_ok)
			warning("the target is another database than the snapshot's: %s",
				d->other_database);
	}
	if (!d->n)
		return 0;
	refuse = d->nsevere || !allow_drift;
	if (refuse)
		error("the target's schema differs from %s: %d difference%s; nothing was sent",
		      d->against ? d->against : "the snapshot's", d->n, d->n == 1 ? "" : "s");
	else
		warning("the target's schema differs from the snapshot's in %d benign way%s",
			d->n, d->n == 1 ? "" : "s");
	for (int i = 0; i < d->n; i++) {
		const struct drift_item *it = &d->items[i];
		if (it->table)
			detail("table %s: %s%s", it->table, it->what, it->benign ? " (benign)" : "");
		else
			detail("%s%s", it->what, it->benign ? " (benign)" : "");
	}
	if (!refuse)
		return 0;
	if (d->against)
		hint("The target's schema changed after the push: a rollback would write its rows "
		     "into another shape.  Put the schema back as the push left it, then roll back.");
	else if (!d->nsevere)
		hint("These differences cannot make the push fail; pass --allow-drift to push anyway, "
		     "or snapshot the target again.");
	else
		hint("The target changed since the snapshot (or is another database): snapshot it "
		     "again and rerun the plan, so the change set is computed against its schema.");
	return -1;
}

void drift_free(struct drift *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->items[i].table);
		free(d->items[i].what);
	}
	free(d->items);
	free(d->other_database);
	memset(d, 0, sizeof(*d));
}
