#define _GNU_SOURCE
#include "stage.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ----------------------------------------------------------------- catalog */

void strv_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int strv_from_cjson(const cJSON *a, char ***v, int *n)
{
	const cJSON *it;
	*v = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!cJSON_IsArray(a))
		return -1;
	*v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it)) {
			strv_free(*v, *n);
			*v = NULL;
			*n = 0;
			return -1;
		}
		(*v)[(*n)++] = xstrdup(it->valuestring);
	}
	return 0;
}

struct column_meta *table_add_column(struct table_meta *t)
{
	t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*t->cols));
	memset(&t->cols[t->ncols], 0, sizeof(*t->cols));
	return &t->cols[t->ncols++];
}

struct constraint_meta *table_add_constraint(struct table_meta *t)
{
	t->cons = xrealloc(t->cons, (size_t)(t->ncons + 1) * sizeof(*t->cons));
	memset(&t->cons[t->ncons], 0, sizeof(*t->cons));
	return &t->cons[t->ncons++];
}

void table_add_index(struct table_meta *t, char *name, char *definition)
{
	t->idx = xrealloc(t->idx, (size_t)(t->nidx + 1) * sizeof(*t->idx));
	t->idx[t->nidx].name = name;
	t->idx[t->nidx].definition = definition;
	t->nidx++;
}

void column_meta_free(struct column_meta *c)
{
	free(c->name);
	free(c->pg_type);
	free(c->enum_type);
	free(c->default_expr);
	free(c->identity);
	free(c->sequence);
	free(c->masked);
	free(c->generated);
	free(c->base_value);
	memset(c, 0, sizeof(*c));
}

void constraint_meta_free(struct constraint_meta *c)
{
	free(c->name);
	strv_free(c->columns, c->ncolumns);
	free(c->ref_schema);
	free(c->ref_table);
	strv_free(c->ref_columns, c->nref_columns);
	free(c->definition);
	memset(c, 0, sizeof(*c));
}

void index_meta_free(struct index_meta *x)
{
	free(x->name);
	free(x->definition);
	memset(x, 0, sizeof(*x));
}

void table_meta_free(struct table_meta *t)
{
	free(t->source);
	free(t->name);
	free(t->stage_name);
	free(t->pristine_name);
	free(t->row_filter);
	free(t->file);
	strv_free(t->ancestors, t->nancestors);
	strv_free(t->declared_key, t->ndeclared_key);
	free(t->key_index);
	for (int i = 0; i < t->ncols; i++)
		column_meta_free(&t->cols[i]);
	free(t->cols);
	free(t->pk);
	for (int i = 0; i < t->ncons; i++)
		constraint_meta_free(&t->cons[i]);
	free(t->cons);
	for (int i = 0; i < t->nidx; i++)
		index_meta_free(&t->idx[i]);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}

void catalog_free(struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++) {
		struct source_meta *s = &cat->sources[i];
		free(s->name);
		free(s->schema);
		free(s->origin);
		free(s->identity);
		free(s->server_version);
		free(s->snapshot_at);
		free(s->domains);
		free(s->rules);
		free(s->datestyle);
		free(s->lc_numeric);
	}
	free(cat->sources);
	for (int i = 0; i < cat->ntables; i++)
		table_meta_free(&cat->tables[i]);
	free(cat->tables);
	for (int i = 0; i < cat->nenums; i++) {
		free(cat->enums[i].source);
		free(cat->enums[i].name);
		strv_free(cat->enums[i].labels, cat->enums[i].nlabels);
	}
	free(cat->enums);
	for (int i = 0; i < cat->nseqs; i++) {
		free(cat->seqs[i].source);
		free(cat->seqs[i].schema);
		free(cat->seqs[i].name);
	}
	free(cat->seqs);
	memset(cat, 0, sizeof(*cat));
}

struct source_meta *catalog_add_source(struct catalog *cat)
{
	cat->sources = xrealloc(cat->sources,
				(size_t)(cat->nsources + 1) * sizeof(*cat->sources));
	memset(&cat->sources[cat->nsources], 0, sizeof(*cat->sources));
	return &cat->sources[cat->nsources++];
}

int table_set_declared_key(struct table_meta *t)
{
	free(t->pk);
	t->pk = xcalloc((size_t)t->ndeclared_key + 1, sizeof(int));
	t->npk = 0;
	for (int k = 0; k < t->ndeclared_key; k++) {
		int c = table_column_index(t, t->declared_key[k]);
		if (c < 0)
			return -1;
		t->pk[t->npk++] = c;
	}
	return 0;
}

struct table_meta *catalog_add_table(struct catalog *cat)
{
	cat->tables = xrealloc(cat->tables,
			       (size_t)(cat->ntables + 1) * sizeof(*cat->tables));
	memset(&cat->tables[cat->ntables], 0, sizeof(*cat->tables));
	return &cat->tables[cat->ntables++];
}

struct enum_meta *catalog_add_enum(struct catalog *cat)
{
	cat->enums = xrealloc(cat->enums,
			      (size_t)(cat->nenums + 1) * sizeof(*cat->enums));
	memset(&cat->enums[cat->nenums], 0, sizeof(*cat->enums));
	return &cat->enums[cat->nenums++];
}

struct sequence_meta *catalog_add_sequence(struct catalog *cat)
{
	cat->seqs = xrealloc(cat->seqs, (size_t)(cat->nseqs + 1) * sizeof(*cat->seqs));
	memset(&cat->seqs[cat->nseqs], 0, sizeof(*cat->seqs));
	return &cat->seqs[cat->nseqs++];
}

struct table_meta *catalog_find_table(struct catalog *cat, const char *source,
				      const char *name)
{
	for (int i = 0; i < cat->ntables; i++)
		if ((!source || !strcmp(cat->tables[i].source, source)) &&
		    !strcmp(cat->tables[i].name, name))
			return &cat->tables[i];
	return NULL;
}

struct source_meta *catalog_find_source(struct catalog *cat, const char *name)
{
	for (int i = 0; i < cat->nsources; i++)
		if (!strcmp(cat->sources[i].name, name))
			return &cat->sources[i];
	return NULL;
}

struct source_meta *catalog_target(struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			return &cat->sources[i];
	return NULL;
}

const struct enum_meta *catalog_find_enum(const struct catalog *cat,
					  const char *source, const char *name)
{
	for (int i = 0; i < cat->nenums; i++)
		if (!strcmp(cat->enums[i].source, source) &&
		    !strcmp(cat->enums[i].name, name))
			return &cat->enums[i];
	return NULL;
}

int table_column_index(const struct table_meta *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return i;
	return -1;
}

void table_set_stage_names(struct table_meta *t, int is_target)
{
	free(t->stage_name);
	free(t->pristine_name);
	if (is_target) {
		t->stage_name = xstrdup(t->name);
		t->pristine_name = xasprintf("dd_pristine__%s", t->name);
	} else {
		t->stage_name = xasprintf("%s__%s", t->source, t->name);
		t->pristine_name = NULL;
	}
}

void table_parse_types(struct table_meta *t)
{
	for (int i = 0; i < t->ncols; i++)
		pgtype_parse(t->cols[i].pg_type, t->cols[i].is_enum,
			     &t->cols[i].type);
}

/* ------------------------------------------------------------- the file */

int stage_error(sqlite3 *db, const char *what)
{
	return error("%s: %s", what, sqlite3_errmsg(db));
}

static int watch_tick(void *p)
{
	progress_tick(p);
	return 0;
}

void stage_watch_progress(sqlite3 *db, struct progress *p)
{
	if (p && p->active)
		sqlite3_progress_handler(db, 100000, watch_tick, p);
	else
		sqlite3_progress_handler(db, 0, NULL, NULL);
}

int stage_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("staging file: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int stage_set_meta(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO dd_meta(key, value) VALUES (?1, ?2) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &st, NULL))
		return stage_error(db, "cannot write staging metadata");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return stage_error(db, "cannot write staging metadata");
	return 0;
}

char *stage_get_meta(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM dd_meta WHERE key = ?1",
			       -1, &st, NULL))
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int stage_create(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	char pragmas[256];
	char *now = NULL;
	int ret = -1;

	*out = NULL;
	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_EXCLUSIVE,
			    NULL) != SQLITE_OK) {
		error("cannot create staging file '%s': %s", path,
		      db ? sqlite3_errmsg(db) : "out of memory");
		goto cleanup;
	}
	/*
	 * The file being built is NAME.tmp and only renamed when complete,
	 * so a crash leaves nothing that looks valid: no journal needed.
	 */
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF;"
		 "PRAGMA synchronous = OFF; PRAGMA cache_size = -16384;"
		 "PRAGMA application_id = %d; PRAGMA user_version = 0;",
		 STAGE_APPLICATION_ID);
	if (stage_exec(db, pragmas) || stage_exec(db, "BEGIN") ||
	    stage_exec(db, schema_stage_sql))
		goto cleanup;
	now = utc_timestamp();
	snprintf(pragmas, sizeof(pragmas), "%d", STAGE_FORMAT_VERSION);
	if (stage_set_meta(db, "format_version", pragmas) ||
	    stage_set_meta(db, "drydock_version", DD_VERSION) ||
	    stage_set_meta(db, "created_at", now))
		goto cleanup;
	*out = db;
	db = NULL;
	ret = 0;
cleanup:
	free(now);
	if (db)
		sqlite3_close(db);
	return ret;
}

int stage_finish_create(sqlite3 *db, const char *path)
{
	int fd;
	char pragma[64];
	/* user_version 0 marks a file still being built; set it last */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		 STAGE_FORMAT_VERSION);
	if (stage_exec(db, pragma) || stage_exec(db, "COMMIT") ||
	    stage_exec(db, "PRAGMA journal_mode = DELETE")) {
		sqlite3_close(db); /* closed on every path: the caller forgets db */
		return -1;
	}
	if (sqlite3_close(db) != SQLITE_OK)
		return error("cannot close staging file '%s'", path);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fsync(fd)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return error("cannot sync staging file '%s': %s", path,
			     strerror(e));
	}
	close(fd);
	return 0;
}

int stage_open(const char *path, int readonly, sqlite3 **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int appid = 0, version = 0, ret = -1;

	*out = NULL;
	if (!file_exists(path)) {
		error("staging file '%s' does not exist", path);
		hint("Create one with 'drydock snapshot --plan DIR -o %s'.", path);
		return -1;
	}
	if (sqlite3_open_v2(path, &db,
			    readonly ? SQLITE_OPEN_READONLY
				     : SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK) {
		error("cannot open staging file '%s': %s", path,
		      db ? sqlite3_errmsg(db) : "out of memory");
		goto cleanup;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		error("'%s' is not a drydock staging file", path);
		detail("SQLite says: %s.", sqlite3_errmsg(db));
		goto cleanup;
	}
	appid = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (appid != STAGE_APPLICATION_ID) {
		error("'%s' is not a drydock staging file", path);
		detail("Its SQLite application_id is %d, not drydock's.", appid);
		goto cleanup;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		stage_error(db, "cannot read staging file version");
		goto cleanup;
	}
	version = sqlite3_column_int(st, 0);
	if (version > STAGE_FORMAT_VERSION) {
		error("staging file '%s' is from a newer drydock", path);
		detail("Its format version is %d; this drydock %s reads up to %d.",
		       version, DD_VERSION, STAGE_FORMAT_VERSION);
		hint("Upgrade drydock, or snapshot again with this version.");
		goto cleanup;
	}
	if (version < 1) {
		error("staging file '%s' is incomplete", path);
		detail("It was left by a snapshot that failed or was killed before it finished.");
		hint("Run the snapshot again.");
		goto cleanup;
	}
	if (version < STAGE_FORMAT_VERSION) {
		error("staging file '%s' was made by an older drydock; re-snapshot", path);
		detail("Its format version is %d; this drydock %s reads format version %d, whose "
		       "catalog it lacks.", version, DD_VERSION, STAGE_FORMAT_VERSION);
		hint("Take the snapshot again with this drydock ('drydock snapshot --plan DIR -o %s "
		     "--force') and rerun the plan; an older drydock still reads this file.", path);
		goto cleanup;
	}
	if (stage_exec(db, "PRAGMA foreign_keys = OFF"))
		goto cleanup;
	*out = db;
	db = NULL;
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close(db);
	return ret;
}

void stage_close(sqlite3 *db)
{
	if (db)
		sqlite3_close(db);
}

/* ---------------------------------------------------- catalog in the file */

static char *strv_to_json(char **v, int n)
{
	cJSON *a = cJSON_CreateArray();
	char *s;
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

int strv_from_json(const char *json, char ***v, int *n)
{
	cJSON *a;
	int ret;
	*v = NULL;
	*n = 0;
	if (!json)
		return 0;
	a = cJSON_Parse(json);
	ret = a ? strv_from_cjson(a, v, n) : -1;
	cJSON_Delete(a);
	return ret;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_letter(sqlite3_stmt *st, int i, char c)
{
	char s[2] = { c, 0 };
	if (c)
		sqlite3_bind_text(st, i, s, 1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int step_reset(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return stage_error(db, "cannot write staging catalog");
	return 0;
}

int stage_write_catalog(sqlite3 *db, const struct catalog *cat)
{
	sqlite3_stmt *src = NULL, *tbl = NULL, *col = NULL, *con = NULL,
		     *idx = NULL, *en = NULL, *sq = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO dd_source VALUES (?,?,?,?,?,?,?)", -1, &src, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_table VALUES (?,?,?,?,?,?,?,?,?)", -1, &tbl, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_column VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &col, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_constraint VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1, &con, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_index VALUES (?,?,?,?)", -1, &idx, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_enum VALUES (?,?,?,?)", -1, &en, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_sequence VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &sq, NULL)) {
		stage_error(db, "cannot write staging catalog");
		goto cleanup;
	}
	for (int i = 0; i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		bind_opt(src, 1, s->name);
		sqlite3_bind_int(src, 2, s->is_target);
		bind_opt(src, 3, s->schema ? s->schema : "public");
		bind_opt(src, 4, s->origin);
		bind_opt(src, 5, s->identity ? s->identity : "");
		bind_opt(src, 6, s->server_version);
		bind_opt(src, 7, s->snapshot_at);
		if (step_reset(db, src))
			goto cleanup;
		/* what else is known of the source: dd_meta "KIND:SOURCE" */
		const struct { const char *kind, *value; } meta[] = {
			{ "domains", s->domains }, { "rules", s->rules },
			{ "datestyle", s->datestyle }, { "lc_numeric", s->lc_numeric },
		};
		for (size_t m = 0; m < sizeof(meta) / sizeof(meta[0]); m++) {
			if (!meta[m].value)
				continue;
			char *key = xasprintf("%s:%s", meta[m].kind, s->name);
			int r = stage_set_meta(db, key, meta[m].value);
			free(key);
			if (r)
				goto cleanup;
		}
	}
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		bind_opt(tbl, 1, t->source);
		bind_opt(tbl, 2, t->name);
		bind_opt(tbl, 3, t->stage_name);
		bind_opt(tbl, 4, t->pristine_name);
		bind_opt(tbl, 5, t->row_filter);
		sqlite3_bind_int64(tbl, 6, t->row_count);
		sqlite3_bind_int(tbl, 7, t->partitioned);
		if (t->ndeclared_key) {
			char *kj = strv_to_json(t->declared_key, t->ndeclared_key);
			bind_opt(tbl, 8, kj);
			free(kj);
		}
		bind_opt(tbl, 9, t->key_index);
		if (step_reset(db, tbl))
			goto cleanup;
		for (int c = 0; c < t->ncols; c++) {
			const struct column_meta *cm = &t->cols[c];
			bind_opt(col, 1, t->source);
			bind_opt(col, 2, t->name);
			sqlite3_bind_int(col, 3, c + 1);
			bind_opt(col, 4, cm->name);
			bind_opt(col, 5, cm->pg_type);
			sqlite3_bind_int(col, 6, cm->is_enum);
			bind_opt(col, 7, cm->enum_type);
			sqlite3_bind_int(col, 8, cm->not_null);
			bind_opt(col, 9, cm->default_expr);
			bind_opt(col, 10, cm->identity);
			bind_opt(col, 11, cm->sequence);
			bind_opt(col, 12, cm->masked);
			bind_opt(col, 13, cm->generated);
			if (step_reset(db, col))
				goto cleanup;
		}
		for (int c = 0; c < t->ncons; c++) {
			const struct constraint_meta *cm = &t->cons[c];
			char *cols = strv_to_json(cm->columns, cm->ncolumns);
			char *refs = cm->kind == 'f'
					     ? strv_to_json(cm->ref_columns,
							    cm->nref_columns)
					     : NULL;
			bind_opt(con, 1, t->source);
			bind_opt(con, 2, t->name);
			bind_opt(con, 3, cm->name);
			bind_letter(con, 4, cm->kind);
			bind_opt(con, 5, cols);
			bind_opt(con, 6, cm->ref_schema);
			bind_opt(con, 7, cm->ref_table);
			bind_opt(con, 8, refs);
			bind_letter(con, 9, cm->on_update);
			bind_letter(con, 10, cm->on_delete);
			bind_opt(con, 11, cm->definition ? cm->definition : "");
			free(cols);
			free(refs);
			if (step_reset(db, con))
				goto cleanup;
		}
		for (int c = 0; c < t->nidx; c++) {
			bind_opt(idx, 1, t->source);
			bind_opt(idx, 2, t->name);
			bind_opt(idx, 3, t->idx[c].name);
			bind_opt(idx, 4, t->idx[c].definition);
			if (step_reset(db, idx))
				goto cleanup;
		}
	}
	for (int i = 0; i < cat->nenums; i++) {
		const struct enum_meta *e = &cat->enums[i];
		for (int l = 0; l < e->nlabels; l++) {
			bind_opt(en, 1, e->source);
			bind_opt(en, 2, e->name);
			sqlite3_bind_int(en, 3, l + 1);
			bind_opt(en, 4, e->labels[l]);
			if (step_reset(db, en))
				goto cleanup;
		}
	}
	for (int i = 0; i < cat->nseqs; i++) {
		const struct sequence_meta *q = &cat->seqs[i];
		bind_opt(sq, 1, q->source);
		bind_opt(sq, 2, q->schema);
		bind_opt(sq, 3, q->name);
		sqlite3_bind_int64(sq, 4, q->last_value);
		sqlite3_bind_int(sq, 5, q->is_called);
		sqlite3_bind_int64(sq, 6, q->increment);
		sqlite3_bind_int64(sq, 7, q->min_value);
		sqlite3_bind_int64(sq, 8, q->max_value);
		sqlite3_bind_int64(sq, 9, q->start_value);
		sqlite3_bind_int(sq, 10, q->cycle);
		if (step_reset(db, sq))
			goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(sq);
	sqlite3_finalize(src);
	sqlite3_finalize(tbl);
	sqlite3_finalize(col);
	sqlite3_finalize(con);
	sqlite3_finalize(idx);
	sqlite3_finalize(en);
	return ret;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static char col_letter(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (char)s[0] : 0;
}

int stage_read_catalog(sqlite3 *db, struct catalog *cat)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;

	memset(cat, 0, sizeof(*cat));
	if (sqlite3_prepare_v2(db, "SELECT name, is_target, pg_schema, origin, "
				   "identity, server_version, snapshot_at, "
				   "(SELECT value FROM dd_meta WHERE key = 'domains:' || name), "
				   "(SELECT value FROM dd_meta WHERE key = 'rules:' || name), "
				   "(SELECT value FROM dd_meta WHERE key = 'datestyle:' || name), "
				   "(SELECT value FROM dd_meta WHERE key = 'lc_numeric:' || name) "
				   "FROM dd_source ORDER BY name",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct source_meta *s = catalog_add_source(cat);
		s->name = col_dup(st, 0);
		s->is_target = sqlite3_column_int(st, 1);
		s->schema = col_dup(st, 2);
		s->origin = col_dup(st, 3);
		s->identity = col_dup(st, 4);
		s->server_version = col_dup(st, 5);
		s->snapshot_at = col_dup(st, 6);
		s->domains = col_dup(st, 7);
		s->rules = col_dup(st, 8);
		s->datestyle = col_dup(st, 9);
		s->lc_numeric = col_dup(st, 10);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "SELECT source, name, stage_name, "
				   "pristine_name, row_filter, row_count, partitioned, key_columns, "
				   "key_index FROM dd_table ORDER BY source, name",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct table_meta *t = catalog_add_table(cat);
		t->source = col_dup(st, 0);
		t->name = col_dup(st, 1);
		t->stage_name = col_dup(st, 2);
		t->pristine_name = col_dup(st, 3);
		t->row_filter = col_dup(st, 4);
		t->row_count = sqlite3_column_int64(st, 5);
		t->partitioned = sqlite3_column_int(st, 6);
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			strv_from_json((const char *)sqlite3_column_text(st, 7), &t->declared_key,
				       &t->ndeclared_key);
		t->key_index = col_dup(st, 8);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "SELECT source, tbl, name, pg_type, is_enum, "
				   "enum_type, not_null, default_expr, identity, "
				   "sequence, masked, generated FROM dd_column "
				   "ORDER BY source, tbl, ordinal",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct table_meta *t = catalog_find_table(
			cat, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
		struct column_meta *c;
		if (!t)
			continue;
		c = table_add_column(t);
		c->name = col_dup(st, 2);
		c->pg_type = col_dup(st, 3);
		c->is_enum = sqlite3_column_int(st, 4);
		c->enum_type = col_dup(st, 5);
		c->not_null = sqlite3_column_int(st, 6);
		c->default_expr = col_dup(st, 7);
		c->identity = col_dup(st, 8);
		c->sequence = col_dup(st, 9);
		c->masked = col_dup(st, 10);
		c->generated = col_dup(st, 11);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "SELECT source, tbl, name, kind, columns, "
				   "ref_schema, ref_table, ref_columns, on_update, "
				   "on_delete, definition FROM dd_constraint "
				   "ORDER BY source, tbl, name",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct table_meta *t = catalog_find_table(
			cat, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
		struct constraint_meta *c;
		if (!t)
			continue;
		t->cons = xrealloc(t->cons, (size_t)(t->ncons + 1) * sizeof(*t->cons));
		c = &t->cons[t->ncons++];
		memset(c, 0, sizeof(*c));
		c->name = col_dup(st, 2);
		c->kind = col_letter(st, 3);
		if (strv_from_json((const char *)sqlite3_column_text(st, 4),
				   &c->columns, &c->ncolumns) ||
		    strv_from_json((const char *)sqlite3_column_text(st, 7),
				   &c->ref_columns, &c->nref_columns)) {
			error("staging file catalog is damaged (constraint '%s')",
			      c->name);
			goto fail_quiet;
		}
		c->ref_schema = col_dup(st, 5);
		c->ref_table = col_dup(st, 6);
		c->on_update = col_letter(st, 8);
		c->on_delete = col_letter(st, 9);
		c->definition = col_dup(st, 10);
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "SELECT source, tbl, name, definition "
				   "FROM dd_index ORDER BY source, tbl, name",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct table_meta *t = catalog_find_table(
			cat, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
		if (!t)
			continue;
		t->idx = xrealloc(t->idx, (size_t)(t->nidx + 1) * sizeof(*t->idx));
		t->idx[t->nidx].name = col_dup(st, 2);
		t->idx[t->nidx].definition = col_dup(st, 3);
		t->nidx++;
	}
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, "SELECT source, type_name, label FROM dd_enum "
				   "ORDER BY source, type_name, position",
			       -1, &st, NULL))
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		const char *n = (const char *)sqlite3_column_text(st, 1);
		struct enum_meta *e = (struct enum_meta *)catalog_find_enum(cat, s, n);
		if (!e) {
			e = catalog_add_enum(cat);
			e->source = xstrdup(s);
			e->name = xstrdup(n);
		}
		e->labels = xrealloc(e->labels, (size_t)(e->nlabels + 1) * sizeof(char *));
		e->labels[e->nlabels++] = col_dup(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;

	/* staging files written before sequences were recorded have no table */
	if (sqlite3_prepare_v2(db, "SELECT source, schema, name, last_value, is_called, "
				   "increment, min_value, max_value, start_value, cycle "
				   "FROM dd_sequence ORDER BY source, schema, name",
			       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sequence_meta *q = catalog_add_sequence(cat);
			q->source = col_dup(st, 0);
			q->schema = col_dup(st, 1);
			q->name = col_dup(st, 2);
			q->last_value = sqlite3_column_int64(st, 3);
			q->is_called = sqlite3_column_int(st, 4);
			q->increment = sqlite3_column_int64(st, 5);
			q->min_value = sqlite3_column_int64(st, 6);
			q->max_value = sqlite3_column_int64(st, 7);
			q->start_value = sqlite3_column_int64(st, 8);
			q->cycle = sqlite3_column_int(st, 9);
		}
	}
	sqlite3_finalize(st);
	st = NULL;

	/* primary key column positions, parsed types */
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		table_parse_types(t);
		for (int c = 0; c < t->ncons; c++) {
			if (t->cons[c].kind != 'p')
				continue;
			t->pk = xcalloc((size_t)t->cons[c].ncolumns, sizeof(int));
			for (int k = 0; k < t->cons[c].ncolumns; k++)
				t->pk[t->npk++] = table_column_index(t, t->cons[c].columns[k]);
		}
		if (!t->npk && t->ndeclared_key)
			table_set_declared_key(t);
	}
	return 0;
fail:
	stage_error(db, "cannot read staging catalog");
fail_quiet:
	sqlite3_finalize(st);
	catalog_free(cat);
	return ret;
}

/* ------------------------------------------------------ snapshotted tables */

/*
 * Columns are declared without a type (no affinity: values are stored as
 * bound) except integers.  A single integer key becomes the rowid: no
 * separate index, and in-order loads append.
 */
int stage_rowid_column(const struct table_meta *t)
{
	return t->npk == 1 && !strcmp(pgtype_sqlite_decl(&t->cols[t->pk[0]].type), "INTEGER")
		       ? t->pk[0] : -1;
}

static int create_table(sqlite3 *db, const struct table_meta *t, const char *name, int temp)
{
	struct strbuf sb = STRBUF_INIT;
	int rowid_pk = stage_rowid_column(t) >= 0;
	int ret;

	sb_adds(&sb, temp ? "CREATE TEMP TABLE " : "CREATE TABLE ");
	sb_add_qident(&sb, name);
	sb_adds(&sb, " (");
	for (int i = 0; i < t->ncols; i++) {
		const char *decl = pgtype_sqlite_decl(&t->cols[i].type);
		if (i)
			sb_adds(&sb, ", ");
		sb_add_qident(&sb, t->cols[i].name);
		if (rowid_pk && i == t->pk[0])
			sb_adds(&sb, " INTEGER PRIMARY KEY");
		else if (*decl)
			sb_addf(&sb, " %s", decl);
	}
	if (t->npk && !rowid_pk) {
		sb_adds(&sb, ", PRIMARY KEY (");
		for (int k = 0; k < t->npk; k++) {
			if (k)
				sb_adds(&sb, ", ");
			sb_add_qident(&sb, t->cols[t->pk[k]].name);
		}
		sb_adds(&sb, ")");
	}
	sb_adds(&sb, ")");
	ret = stage_exec(db, sb.buf);
	sb_release(&sb);
	return ret;
}

const char *stage_table_name(const struct table_meta *t)
{
	return t->pristine_name ? t->pristine_name : t->stage_name;
}

int stage_create_table(sqlite3 *db, const struct table_meta *t, const char *name)
{
	return create_table(db, t, name, 0);
}

int stage_create_temp_table(sqlite3 *db, const struct table_meta *t, const char *name)
{
	return create_table(db, t, name, 1);
}

int stage_prepare_insert(sqlite3 *db, const struct table_meta *t,
			 const char *name, sqlite3_stmt **out)
{
	return stage_prepare_insert_rows(db, t, name, 1, out);
}

int stage_prepare_insert_rows(sqlite3 *db, const struct table_meta *t,
			      const char *name, int nrows, sqlite3_stmt **out)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;
	sb_adds(&sb, "INSERT INTO ");
	sb_add_qident(&sb, name);
	sb_adds(&sb, " VALUES ");
	for (int r = 0; r < nrows; r++) {
		sb_adds(&sb, r ? ",(" : "(");
		for (int i = 0; i < t->ncols; i++)
			sb_adds(&sb, i ? ",?" : "?");
		sb_adds(&sb, ")");
	}
	if (sqlite3_prepare_v2(db, sb.buf, -1, out, NULL) != SQLITE_OK)
		ret = stage_error(db, "cannot prepare staging insert");
	sb_release(&sb);
	return ret;
}
