#define _GNU_SOURCE
#include "fixture.h"
#include "mask.h"
#include "plan.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SAFE_INT 9007199254740992.0 /* 2^53: exact in a JSON number */

/* ------------------------------------------------------------ manifest in */

static int read_sequences(const char *mpath, const char *source, cJSON *seqs,
			  struct catalog *cat);

static int mbad(const char *path, const char *where, const char *what)
{
	error("fixture '%s': %s: %s", path, where, what);
	hint("The fixture format is described in docs/fixture-format.md.");
	return -1;
}

static const char *jstr(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *jdup(cJSON *o, const char *k)
{
	const char *s = jstr(o, k);
	return s ? xstrdup(s) : NULL;
}

static const struct {
	char kind;
	const char *name;
} con_kinds[] = {
	{ 'p', "primary key" }, { 'f', "foreign key" }, { 'u', "unique" },
	{ 'c', "check" },       { 'x', "exclusion" },   { 't', "trigger" },
};

static int read_table(const char *mpath, const char *source, cJSON *jt,
		      struct catalog *cat)
{
	struct table_meta *t;
	cJSON *cols, *c, *cons, *idx;
	char where[300];
	const char *name = jstr(jt, "name");

	if (!name || !*name)
		return mbad(mpath, source, "every table needs a \"name\"");
	snprintf(where, sizeof(where), "table '%s.%s'", source, name);
	t = catalog_add_table(cat);
	t->source = xstrdup(source);
	t->name = xstrdup(name);
	t->file = jdup(jt, "file");
	if (!t->file || strstr(t->file, "..") || t->file[0] == '/')
		return mbad(mpath, where, "\"file\" must name a rows file inside the fixture");
	cJSON *rows = cJSON_GetObjectItemCaseSensitive(jt, "rows");
	if (!cJSON_IsNumber(rows) || rows->valuedouble < 0)
		return mbad(mpath, where, "\"rows\" must be the number of rows in its file");
	t->row_count = (long long)rows->valuedouble;

	cols = cJSON_GetObjectItemCaseSensitive(jt, "columns");
	if (!cJSON_IsArray(cols) || !cols->child)
		return mbad(mpath, where, "\"columns\" must be a non-empty list");
	t->cols = xcalloc((size_t)cJSON_GetArraySize(cols), sizeof(*t->cols));
	cJSON_ArrayForEach(c, cols) {
		struct column_meta *cm = &t->cols[t->ncols++];
		cm->name = jdup(c, "name");
		cm->pg_type = jdup(c, "type");
		if (!cm->name || !cm->pg_type)
			return mbad(mpath, where, "each column needs a string \"name\" and \"type\"");
		for (int k = 0; k < t->ncols - 1; k++)
			if (!strcmp(t->cols[k].name, cm->name))
				return mbad(mpath, where, "two columns have the same name");
		cm->not_null = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "not_null"));
		cm->default_expr = jdup(c, "default");
		cm->identity = jdup(c, "identity");
		cm->sequence = jdup(c, "sequence");
		cm->enum_type = jdup(c, "enum");
		cm->masked = jdup(c, "masked");
		cm->is_enum = cm->enum_type != NULL;
		if (cm->is_enum && !catalog_find_enum(cat, source, cm->enum_type))
			return mbad(mpath, where, "a column names an enum the source's \"enums\" does not define");
	}
	table_parse_types(t);

	cons = cJSON_GetObjectItemCaseSensitive(jt, "constraints");
	if (cons && !cJSON_IsArray(cons))
		return mbad(mpath, where, "\"constraints\" must be a list");
	t->cons = xcalloc((size_t)cJSON_GetArraySize(cons) + 1, sizeof(*t->cons));
	cJSON_ArrayForEach(c, cons) {
		struct constraint_meta *cm = &t->cons[t->ncons++];
		const char *kind = jstr(c, "type");
		cm->name = jdup(c, "name");
		for (size_t k = 0; kind && k < ARRAY_SIZE(con_kinds); k++)
			if (!strcmp(kind, con_kinds[k].name))
				cm->kind = con_kinds[k].kind;
		if (!cm->name || !cm->kind)
			return mbad(mpath, where, "each constraint needs a \"name\" and a \"type\" (primary key, foreign key, unique, check, exclusion)");
		if (strv_from_cjson(cJSON_GetObjectItemCaseSensitive(c, "columns"),
			  &cm->columns, &cm->ncolumns))
			return mbad(mpath, where, "constraint \"columns\" must be a list of names");
		for (int k = 0; k < cm->ncolumns; k++)
			if (table_column_index(t, cm->columns[k]) < 0)
				return mbad(mpath, where, "a constraint names a column the table does not have");
		cm->definition = jdup(c, "definition");
		if (cm->kind == 'f') {
			cJSON *ref = cJSON_GetObjectItemCaseSensitive(c, "references");
			const char *ou = jstr(c, "on_update"), *od = jstr(c, "on_delete");
			cm->ref_schema = jdup(ref, "schema");
			cm->ref_table = jdup(ref, "table");
			if (!cm->ref_table ||
			    strv_from_cjson(cJSON_GetObjectItemCaseSensitive(ref, "columns"),
				  &cm->ref_columns, &cm->nref_columns) ||
			    cm->nref_columns != cm->ncolumns)
				return mbad(mpath, where, "a foreign key needs \"references\": {\"table\", \"columns\"} matching its columns");
			cm->on_update = ou && *ou ? ou[0] : 'a';
			cm->on_delete = od && *od ? od[0] : 'a';
		}
		if (!cm->definition)
			cm->definition = xstrdup("");
		if (cm->kind == 'p') {
			if (t->npk)
				return mbad(mpath, where, "more than one primary key");
			t->pk = xcalloc((size_t)cm->ncolumns + 1, sizeof(int));
			for (int k = 0; k < cm->ncolumns; k++)
				t->pk[t->npk++] = table_column_index(t, cm->columns[k]);
		}
	}
	if (!t->npk) {
		error("fixture '%s': table '%s.%s' has no primary key", mpath,
		      source, name);
		detail("drydock identifies every row by its primary key.");
		hint("Add {\"name\": \"%s_pkey\", \"type\": \"primary key\", \"columns\": [...]} to its \"constraints\".",
		     name);
		return -1;
	}
	idx = cJSON_GetObjectItemCaseSensitive(jt, "indexes");
	t->idx = xcalloc((size_t)cJSON_GetArraySize(idx) + 1, sizeof(*t->idx));
	cJSON_ArrayForEach(c, idx) {
		struct index_meta *im = &t->idx[t->nidx++]; /* counted first: freed on error */
		im->name = jdup(c, "name");
		im->definition = jdup(c, "definition");
		if (!im->name || !im->definition)
			return mbad(mpath, where, "each index needs a \"name\" and a \"definition\"");
	}
	return 0;
}

int fixture_read_manifest(const char *dir, struct catalog *cat)
{
	char *mpath = path_join(dir, "fixture.json");
	size_t len;
	char *text = read_file(mpath, &len);
	cJSON *root = NULL, *srcs, *s;
	int ret = -1;

	memset(cat, 0, sizeof(*cat));
	if (!text) {
		error("cannot read fixture '%s': %s", mpath, strerror(errno));
		hint("A fixture is a folder holding fixture.json; pass the folder with --fixture.");
		goto cleanup;
	}
	root = json_parse_located(text, len, mpath);
	if (!root)
		goto cleanup;
	cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "drydock_fixture");
	if (!cJSON_IsNumber(ver)) {
		mbad(mpath, "top level", "not a drydock fixture (no \"drydock_fixture\" version)");
		goto cleanup;
	}
	if (ver->valuedouble > FIXTURE_FORMAT_VERSION) {
		error("fixture '%s' is from a newer drydock", mpath);
		detail("Its format version is %g; this drydock reads up to %d.",
		       ver->valuedouble, FIXTURE_FORMAT_VERSION);
		goto cleanup;
	}
	srcs = cJSON_GetObjectItemCaseSensitive(root, "sources");
	if (!cJSON_IsArray(srcs) || !srcs->child) {
		mbad(mpath, "sources", "must be a non-empty list");
		goto cleanup;
	}
	cJSON_ArrayForEach(s, srcs) {
		struct source_meta *sm;
		cJSON *enums, *e, *tables, *t;
		const char *name = jstr(s, "name");
		if (!name || !plan_valid_source_name(name)) {
			mbad(mpath, "sources", "every source needs a valid \"name\"");
			goto cleanup;
		}
		sm = catalog_add_source(cat);
		sm->name = xstrdup(name);
		sm->schema = xstrdup(jstr(s, "schema") ? jstr(s, "schema") : "public");
		sm->origin = xstrdup("fixture");
		sm->server_version = jdup(s, "server_version");
		sm->snapshot_at = jdup(s, "snapshot_at");
		enums = cJSON_GetObjectItemCaseSensitive(s, "enums");
		cJSON_ArrayForEach(e, enums) {
			struct enum_meta *em = catalog_add_enum(cat);
			em->source = xstrdup(name);
			em->name = xstrdup(e->string ? e->string : "");
			if (strv_from_cjson(e, &em->labels, &em->nlabels)) {
				mbad(mpath, "enums", "each enum is a list of labels");
				goto cleanup;
			}
		}
		if (read_sequences(mpath, name, cJSON_GetObjectItemCaseSensitive(s, "sequences"), cat))
			goto cleanup;
		tables = cJSON_GetObjectItemCaseSensitive(s, "tables");
		if (!cJSON_IsArray(tables)) {
			mbad(mpath, name, "\"tables\" must be a list");
			goto cleanup;
		}
		cJSON_ArrayForEach(t, tables) {
			if (read_table(mpath, name, t, cat))
				goto cleanup;
		}
	}
	ret = 0;
cleanup:
	if (ret)
		catalog_free(cat);
	cJSON_Delete(root);
	free(text);
	free(mpath);
	return ret;
}

/*
 * A 64-bit integer field of the manifest: a JSON number within +-2^53, or
 * a string beyond (JSON numbers lose precision there), as in rows files.
 */
static int jint64(cJSON *o, const char *k, long long *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	char *end;
	if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble) {
		*out = (long long)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0]) {
		errno = 0;
		*out = strtoll(v->valuestring, &end, 10);
		if (!*end && !errno)
			return 0;
	}
	return -1;
}

/* "sequences" of a source: [{"schema", "name", "last_value", "is_called", ...}] */
static int read_sequences(const char *mpath, const char *source, cJSON *seqs,
			  struct catalog *cat)
{
	cJSON *q;
	cJSON_ArrayForEach(q, seqs) {
		struct sequence_meta *m = catalog_add_sequence(cat);
		cJSON *called = cJSON_GetObjectItemCaseSensitive(q, "is_called");
		cJSON *cycle = cJSON_GetObjectItemCaseSensitive(q, "cycle");
		m->source = xstrdup(source);
		m->schema = jdup(q, "schema");
		m->name = jdup(q, "name");
		if (!m->schema || !m->name || jint64(q, "last_value", &m->last_value) ||
		    jint64(q, "increment", &m->increment) || jint64(q, "min_value", &m->min_value) ||
		    jint64(q, "max_value", &m->max_value) || jint64(q, "start_value", &m->start_value) ||
		    !cJSON_IsBool(called) || (cycle && !cJSON_IsBool(cycle)) || m->increment == 0)
			return mbad(mpath, "sequences",
				    "each sequence needs schema, name, last_value, is_called, increment, min_value, max_value and start_value");
		m->is_called = cJSON_IsTrue(called);
		m->cycle = cJSON_IsTrue(cycle);
	}
	return 0;
}

/* A 64-bit integer for the manifest: a number within +-2^53, else a string. */
static void add_int64(cJSON *o, const char *k, long long v)
{
	if (v > 9007199254740992LL || v < -9007199254740992LL) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", v);
		cJSON_AddStringToObject(o, k, buf);
	} else {
		cJSON_AddNumberToObject(o, k, (double)v);
	}
}

/* The source's sequences, when it has any (older manifests stay as they were). */
static void add_sequences(cJSON *js, const struct catalog *cat, const char *source)
{
	cJSON *a = NULL;
	for (int i = 0; i < cat->nseqs; i++) {
		const struct sequence_meta *q = &cat->seqs[i];
		cJSON *o;
		if (strcmp(q->source, source))
			continue;
		if (!a)
			a = cJSON_AddArrayToObject(js, "sequences");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "schema", q->schema);
		cJSON_AddStringToObject(o, "name", q->name);
		add_int64(o, "last_value", q->last_value);
		cJSON_AddBoolToObject(o, "is_called", q->is_called);
		add_int64(o, "increment", q->increment);
		add_int64(o, "min_value", q->min_value);
		add_int64(o, "max_value", q->max_value);
		add_int64(o, "start_value", q->start_value);
		cJSON_AddBoolToObject(o, "cycle", q->cycle);
		cJSON_AddItemToArray(a, o);
	}
}

/* ---------------------------------------------------------------- rows in */

/*
 * Binds one JSON value of a rows file: its PostgreSQL text is checked
 * against the column type, then masked if the plan says so, then stored.
 */
static int bind_json_value(sqlite3_stmt *st, int i, const struct column_meta *c,
			   cJSON *v, const struct enum_meta *en,
			   const struct mask_rule *rule, const char *secret,
			   struct strbuf *tmp, struct strbuf *masked, const char **why)
{
	const struct pgtype *t = &c->type;

	if (cJSON_IsNull(v)) {
		sqlite3_bind_null(st, i);
		return 0;
	}
	sb_reset(tmp);
	if (cJSON_IsBool(v)) {
		if (t->kind != PGK_BOOL || t->is_array) {
			*why = "true/false is only for boolean columns";
			return -1;
		}
		sb_adds(tmp, cJSON_IsTrue(v) ? "t" : "f");
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d != floor(d) || fabs(d) > MAX_SAFE_INT) {
			*why = "numbers must be whole and within +-2^53; write other numbers as strings";
			return -1;
		}
		sb_addf(tmp, "%.0f", d);
	} else if (cJSON_IsString(v)) {
		sb_adds(tmp, v->valuestring);
	} else {
		*why = "a value must be a string, a number, true/false or null";
		return -1;
	}
	if (pgvalue_check(t, tmp->buf, tmp->len,
			  en ? (const char *const *)en->labels : NULL,
			  en ? en->nlabels : 0, why))
		return -1;
	if (rule && rule->kind != MASK_NONE) {
		if (mask_apply(rule, c, secret, tmp->buf, tmp->len, masked)) {
			sqlite3_bind_null(st, i);
			return 0;
		}
		return pgtype_bind_text(st, i, t, masked->buf, masked->len, why) ? -1 : 0;
	}
	return pgtype_bind_text(st, i, t, tmp->buf, tmp->len, why) ? -1 : 0;
}

int fixture_load_rows(const char *dir, const struct catalog *cat,
		      const struct table_meta *t, sqlite3 *db,
		      sqlite3_stmt *stmt, const struct table_mask *mask,
		      const char *secret, long long *nrows)
{
	char *path = path_join(dir, t->file);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	long long count = 0;
	struct strbuf *tmp = xcalloc((size_t)t->ncols + 1, sizeof(*tmp));
	struct strbuf *mtmp = xcalloc((size_t)t->ncols + 1, sizeof(*mtmp));
	const struct enum_meta **enums = xcalloc((size_t)t->ncols + 1, sizeof(*enums));
	int ret = -1;

	for (int i = 0; i < t->ncols; i++) {
		sb_init(&tmp[i], 0);
		sb_init(&mtmp[i], 0);
		if (t->cols[i].is_enum)
			enums[i] = catalog_find_enum(cat, t->source, t->cols[i].enum_type);
	}
	if (!f) {
		error("cannot read fixture rows '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		cJSON *row, *v;
		int col = 0;
		lineno++;
		if (n == 1 && line[0] == '\n')
			continue;
		row = cJSON_ParseWithLength(line, (size_t)n);
		if (!cJSON_IsObject(row)) {
			cJSON_Delete(row);
			error("%s:%ld: a row must be one JSON object on one line", path, lineno);
			goto cleanup;
		}
		cJSON_ArrayForEach(v, row) {
			int ci = col < t->ncols && !strcmp(v->string, t->cols[col].name)
					 ? col
					 : table_column_index(t, v->string);
			const char *why = NULL;
			if (ci < 0) {
				error("%s:%ld: column '%s' is not in table '%s'",
				      path, lineno, v->string, t->name);
				hint("The table's columns are listed in fixture.json.");
				cJSON_Delete(row);
				goto cleanup;
			}
			if (bind_json_value(stmt, ci + 1, &t->cols[ci], v, enums[ci],
					    mask ? &mask->rules[ci] : NULL, secret,
					    &tmp[ci], &mtmp[ci], &why)) {
				error("%s:%ld: column '%s' (%s): %s", path, lineno,
				      t->cols[ci].name, t->cols[ci].pg_type, why);
				cJSON_Delete(row);
				goto cleanup;
			}
			col++;
		}
		cJSON_Delete(row);
		if (col != t->ncols) {
			error("%s:%ld: the row has %d values; table '%s' has %d columns",
			      path, lineno, col, t->name, t->ncols);
			hint("Write every column, with null for NULL.");
			goto cleanup;
		}
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			error("%s:%ld: cannot store the row: %s", path, lineno,
			      sqlite3_errmsg(db));
			sqlite3_reset(stmt);
			goto cleanup;
		}
		sqlite3_reset(stmt);
		count++;
	}
	if (ferror(f)) {
		error("cannot read fixture rows '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (count != t->row_count) {
		error("fixture rows '%s' hold %lld rows; fixture.json says %lld",
		      path, count, t->row_count);
		detail("The rows file may be truncated or edited without updating the manifest.");
		goto cleanup;
	}
	*nrows = count;
	ret = 0;
cleanup:
	sqlite3_clear_bindings(stmt);
	for (int i = 0; i < t->ncols; i++) {
		sb_release(&tmp[i]);
		sb_release(&mtmp[i]);
	}
	free(tmp);
	free(mtmp);
	free(enums);
	free(line);
	if (f)
		fclose(f);
	free(path);
	return ret;
}

/* ------------------------------------------------------------------ export */

static cJSON *strv_json(char **v, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static void add_opt(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

/* A file name for a table: safe characters only, unique in its folder. */
static char *rows_file_name(const struct catalog *cat, const struct table_meta *t)
{
	struct strbuf sb = STRBUF_INIT;
	int clash = 0;
	sb_addf(&sb, "%s/", t->source);
	for (const char *p = t->name; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			 ch == '_' || ch == '-';
		sb_addch(&sb, ok ? ch : '_');
		if (!ok)
			clash = 1;
	}
	/* a sanitised name could collide with another table's: add the
	 * table's position, which is stable for a given catalog */
	if (clash)
		sb_addf(&sb, "-%d", (int)(t - cat->tables));
	sb_adds(&sb, ".jsonl");
	return sb_detach(&sb, NULL);
}

static cJSON *table_manifest(const struct catalog *cat, const struct table_meta *t,
			     const char *file, long long rows)
{
	cJSON *jt = cJSON_CreateObject(), *cols, *cons, *idx;
	cJSON_AddStringToObject(jt, "name", t->name);
	cJSON_AddStringToObject(jt, "file", file);
	cJSON_AddNumberToObject(jt, "rows", (double)rows);
	cols = cJSON_AddArrayToObject(jt, "columns");
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *c = &t->cols[i];
		cJSON *jc = cJSON_CreateObject();
		cJSON_AddStringToObject(jc, "name", c->name);
		cJSON_AddStringToObject(jc, "type", c->pg_type);
		if (c->not_null)
			cJSON_AddTrueToObject(jc, "not_null");
		add_opt(jc, "default", c->default_expr);
		add_opt(jc, "identity", c->identity);
		add_opt(jc, "sequence", c->sequence);
		if (c->is_enum)
			add_opt(jc, "enum", c->enum_type);
		add_opt(jc, "masked", c->masked);
		cJSON_AddItemToArray(cols, jc);
	}
	cons = cJSON_AddArrayToObject(jt, "constraints");
	for (int i = 0; i < t->ncons; i++) {
		const struct constraint_meta *c = &t->cons[i];
		cJSON *jc = cJSON_CreateObject();
		const char *kind = "check";
		for (size_t k = 0; k < ARRAY_SIZE(con_kinds); k++)
			if (con_kinds[k].kind == c->kind)
				kind = con_kinds[k].name;
		cJSON_AddStringToObject(jc, "name", c->name);
		cJSON_AddStringToObject(jc, "type", kind);
		cJSON_AddItemToObject(jc, "columns", strv_json(c->columns, c->ncolumns));
		if (c->kind == 'f') {
			cJSON *ref = cJSON_AddObjectToObject(jc, "references");
			add_opt(ref, "schema", c->ref_schema);
			add_opt(ref, "table", c->ref_table);
			cJSON_AddItemToObject(ref, "columns",
					      strv_json(c->ref_columns, c->nref_columns));
			char u[2] = { c->on_update ? c->on_update : 'a', 0 };
			char d[2] = { c->on_delete ? c->on_delete : 'a', 0 };
			cJSON_AddStringToObject(jc, "on_update", u);
			cJSON_AddStringToObject(jc, "on_delete", d);
		}
		cJSON_AddStringToObject(jc, "definition", c->definition ? c->definition : "");
		cJSON_AddItemToArray(cons, jc);
	}
	idx = cJSON_AddArrayToObject(jt, "indexes");
	for (int i = 0; i < t->nidx; i++) {
		cJSON *ji = cJSON_CreateObject();
		cJSON_AddStringToObject(ji, "name", t->idx[i].name);
		cJSON_AddStringToObject(ji, "definition", t->idx[i].definition);
		cJSON_AddItemToArray(idx, ji);
	}
	(void)cat;
	return jt;
}

/* One value as fixture JSON, appended to line. */
static void add_json_value(struct strbuf *line, const struct column_meta *c,
			   sqlite3_value *v, struct strbuf *tmp)
{
	int st = sqlite3_value_type(v);
	const struct pgtype *t = &c->type;
	if (st == SQLITE_NULL) {
		sb_adds(line, "null");
		return;
	}
	if (!t->is_array && (t->kind == PGK_INT2 || t->kind == PGK_INT4 ||
			     t->kind == PGK_INT8) && st == SQLITE_INTEGER) {
		long long i = sqlite3_value_int64(v);
		if (i >= -(long long)MAX_SAFE_INT && i <= (long long)MAX_SAFE_INT) {
			sb_addf(line, "%lld", i);
			return;
		}
	}
	pgtype_to_text(t, v, tmp);
	if (t->kind == PGK_BOOL && !t->is_array &&
	    (!strcmp(tmp->buf, "t") || !strcmp(tmp->buf, "f"))) {
		sb_adds(line, tmp->buf[0] == 't' ? "true" : "false");
		return;
	}
	sb_add_json_string(line, tmp->buf, tmp->len);
}

static const char *src_table(const struct table_meta *t)
{
	return t->pristine_name ? t->pristine_name : t->stage_name;
}

/*
 * Picks the rows of a --rows N export: the first N rows of every table in
 * key order, then, until nothing changes, every row a picked row refers to
 * through a foreign key (so the subset keeps referential integrity).  The
 * picks are rowids in temp.dd_pick_<i>.
 */
static int pick_subset(sqlite3 *db, const struct catalog *cat, long max_rows)
{
	struct strbuf sql = STRBUF_INIT;
	int ret = -1, added;

	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		sb_reset(&sql);
		sb_addf(&sql, "CREATE TEMP TABLE dd_pick_%d (rid INTEGER PRIMARY KEY);"
			      "INSERT INTO dd_pick_%d SELECT rowid FROM ", i, i);
		sb_add_qident(&sql, src_table(t));
		sb_adds(&sql, " ORDER BY ");
		for (int k = 0; k < t->npk; k++) {
			if (k)
				sb_adds(&sql, ", ");
			sb_add_qident(&sql, t->cols[t->pk[k]].name);
		}
		sb_addf(&sql, " LIMIT %ld", max_rows);
		if (stage_exec(db, sql.buf))
			goto cleanup;
	}
	do {
		added = 0;
		for (int i = 0; i < cat->ntables; i++) {
			const struct table_meta *c = &cat->tables[i];
			for (int f = 0; f < c->ncons; f++) {
				const struct constraint_meta *fk = &c->cons[f];
				const struct table_meta *p;
				int pi;
				if (fk->kind != 'f' || !fk->ref_table)
					continue;
				p = catalog_find_table((struct catalog *)cat, c->source, fk->ref_table);
				if (!p)
					continue; /* parent not in the fixture */
				pi = (int)(p - cat->tables);
				sb_reset(&sql);
				sb_addf(&sql, "INSERT OR IGNORE INTO dd_pick_%d SELECT p.rowid FROM ", pi);
				sb_add_qident(&sql, src_table(p));
				sb_adds(&sql, " p JOIN ");
				sb_add_qident(&sql, src_table(c));
				sb_adds(&sql, " c ON ");
				for (int k = 0; k < fk->ncolumns && k < fk->nref_columns; k++) {
					if (k)
						sb_adds(&sql, " AND ");
					sb_adds(&sql, "p.");
					sb_add_qident(&sql, fk->ref_columns[k]);
					sb_adds(&sql, " = c.");
					sb_add_qident(&sql, fk->columns[k]);
				}
				sb_addf(&sql, " WHERE c.rowid IN (SELECT rid FROM dd_pick_%d)", i);
				if (stage_exec(db, sql.buf))
					goto cleanup;
				added += sqlite3_changes(db);
			}
		}
	} while (added);
	ret = 0;
cleanup:
	sb_release(&sql);
	return ret;
}

static int export_rows(sqlite3 *db, const struct table_meta *t, int ti,
		       const char *path, long max_rows, long long *nrows)
{
	struct strbuf sql = STRBUF_INIT, line = STRBUF_INIT, tmp = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	FILE *f = NULL;
	long long count = 0;
	int ret = -1, rc;
	sb_adds(&sql, "SELECT * FROM ");
	sb_add_qident(&sql, src_table(t));
	if (max_rows > 0)
		sb_addf(&sql, " WHERE rowid IN (SELECT rid FROM temp.dd_pick_%d)", ti);
	sb_adds(&sql, " ORDER BY ");
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(&sql, ", ");
		sb_add_qident(&sql, t->cols[t->pk[k]].name);
	}
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL)) {
		stage_error(db, "cannot read staging table");
		goto cleanup;
	}
	f = fopen(path, "w");
	if (!f) {
		error("cannot write '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&line);
		sb_addch(&line, '{');
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				sb_addch(&line, ',');
			sb_add_json_string(&line, t->cols[i].name, strlen(t->cols[i].name));
			sb_addch(&line, ':');
			add_json_value(&line, &t->cols[i], sqlite3_column_value(st, i), &tmp);
		}
		sb_adds(&line, "}\n");
		if (fwrite(line.buf, 1, line.len, f) != line.len)
			break;
		count++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		stage_error(db, "cannot read staging table");
		fclose(f);
		f = NULL;
		goto cleanup;
	}
	if (fclose_checked(f, path)) {
		f = NULL;
		goto cleanup;
	}
	f = NULL;
	*nrows = count;
	ret = 0;
cleanup:
	if (f)
		fclose(f);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&line);
	sb_release(&tmp);
	return ret;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int fixture_export(sqlite3 *db, const struct catalog *cat, const char *dir,
		   long max_rows, int force)
{
	char *tmpdir = xasprintf("%s.tmp", dir), *olddir = xasprintf("%s.old", dir);
	cJSON *root = cJSON_CreateObject(), *srcs;
	char *manifest = NULL, *mpath = NULL;
	int ret = -1;

	if (file_exists(dir) && !force) {
		error("fixture folder '%s' already exists", dir);
		hint("Pass --force to replace it.");
		goto cleanup;
	}
	remove_tree(tmpdir);
	if (mkdir_p(tmpdir, 0755)) {
		error("cannot create '%s': %s", tmpdir, strerror(errno));
		goto cleanup;
	}
	if (max_rows > 0 && pick_subset(db, cat, max_rows))
		goto cleanup;
	cJSON_AddNumberToObject(root, "drydock_fixture", FIXTURE_FORMAT_VERSION);
	srcs = cJSON_AddArrayToObject(root, "sources");
	for (int s = 0; s < cat->nsources; s++) {
		const struct source_meta *sm = &cat->sources[s];
		cJSON *js = cJSON_CreateObject(), *tables, *enums;
		char *sdir = path_join(tmpdir, sm->name);
		cJSON_AddStringToObject(js, "name", sm->name);
		cJSON_AddStringToObject(js, "schema", sm->schema);
		if (sm->is_target)
			cJSON_AddTrueToObject(js, "target");
		add_opt(js, "server_version", sm->server_version);
		add_opt(js, "snapshot_at", sm->snapshot_at);
		enums = cJSON_AddObjectToObject(js, "enums");
		for (int e = 0; e < cat->nenums; e++)
			if (!strcmp(cat->enums[e].source, sm->name))
				cJSON_AddItemToObject(enums, cat->enums[e].name,
						      strv_json(cat->enums[e].labels,
								cat->enums[e].nlabels));
		add_sequences(js, cat, sm->name);
		tables = cJSON_AddArrayToObject(js, "tables");
		cJSON_AddItemToArray(srcs, js);
		if (mkdir_p(sdir, 0755)) {
			error("cannot create '%s': %s", sdir, strerror(errno));
			free(sdir);
			goto cleanup;
		}
		free(sdir);
		for (int i = 0; i < cat->ntables; i++) {
			const struct table_meta *t = &cat->tables[i];
			char *file, *fpath;
			long long n = 0;
			if (strcmp(t->source, sm->name))
				continue;
			file = rows_file_name(cat, t);
			fpath = path_join(tmpdir, file);
			if (export_rows(db, t, i, fpath, max_rows, &n)) {
				free(file);
				free(fpath);
				goto cleanup;
			}
			cJSON_AddItemToArray(tables, table_manifest(cat, t, file, n));
			free(file);
			free(fpath);
		}
	}
	manifest = cJSON_Print(root);
	mpath = path_join(tmpdir, "fixture.json");
	{
		struct strbuf sb = STRBUF_INIT;
		/* cJSON prints "key":<TAB>value; a space reads better.  Tabs
		 * inside strings are escaped, so this touches no value. */
		for (const char *p = manifest; *p; p++) {
			sb_addch(&sb, *p);
			if (p[0] == ':' && p[1] == '\t') {
				sb_addch(&sb, ' ');
				p++;
			}
		}
		sb_addch(&sb, '\n');
		if (write_file_atomic(mpath, sb.buf, sb.len)) {
			sb_release(&sb);
			goto cleanup;
		}
		sb_release(&sb);
	}
	fault_point("fixture.before_swap");
	/* swap the finished folder in */
	remove_tree(olddir);
	if (file_exists(dir) && rename(dir, olddir)) {
		error("cannot replace '%s': %s", dir, strerror(errno));
		goto cleanup;
	}
	if (rename(tmpdir, dir)) {
		error("cannot rename '%s' to '%s': %s", tmpdir, dir, strerror(errno));
		rename(olddir, dir);
		goto cleanup;
	}
	fsync_dir_of(dir);
	remove_tree(olddir);
	ret = 0;
cleanup:
	if (ret)
		remove_tree(tmpdir);
	cJSON_Delete(root);
	free(manifest);
	free(mpath);
	free(tmpdir);
	free(olddir);
	return ret;
}
