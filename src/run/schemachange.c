/*
 * schemachange: the plan's declarative schema changes ("schema_changes" in
 * plan.json, docs/schema-changes.md) parsed and checked, with the helpers
 * the other pieces share; each change's canonical text.  The pieces:
 * schemachange_value (defaults and values normalised), schemachange_catalog
 * (applied to the working catalog), schemachange_stage (applied to the
 * staging file), schemachange_ddl (rendered as PostgreSQL DDL).
 */
#define _GNU_SOURCE
#include "jsonutil.h"
#include "schemachange.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "schemachange_int.h"

#define PG_NAME_MAX 63 /* NAMEDATALEN - 1: longer names are truncated */

static const char common_keys[] = "op phase if_not_exists description";

static const struct op_info {
	const char *name;
	const char *keys; /* besides common_keys */
} op_info[] = {
	[SC_ADD_COLUMN] = { "add_column",
			    "table column type nullable default references on_delete" },
	[SC_DROP_COLUMN] = { "drop_column", "table column" },
	[SC_CREATE_TABLE] = { "create_table",
			      "table columns primary_key foreign_keys unique" },
	[SC_DROP_TABLE] = { "drop_table", "table" },
	[SC_SET_NOT_NULL] = { "set_not_null", "table column" },
	[SC_DROP_NOT_NULL] = { "drop_not_null", "table column" },
	[SC_ADD_INDEX] = { "add_index",
			   "table name columns expression unique method" },
	[SC_ADD_FOREIGN_KEY] = { "add_foreign_key",
				 "table name columns references on_delete not_valid" },
	[SC_TARGET_SQL] = { "target_sql", "sql rollback_sql" },
};

static const struct {
	const char *text; /* as written in a plan (lowercase) */
	char letter;      /* pg_constraint.confdeltype */
	const char *sql;
} on_delete_actions[] = {
	{ "no action", 'a', "NO ACTION" }, { "restrict", 'r', "RESTRICT" },
	{ "cascade", 'c', "CASCADE" },     { "set null", 'n', "SET NULL" },
	{ "set default", 'd', "SET DEFAULT" },
};

/* ------------------------------------------------------------ messages */

/* "plan 'P': schema_changes[N] (op): what"; the caller adds hint() lines. */
int change_error(const struct schema_change *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s: %s", c->where, sb.buf);
	sb_release(&sb);
	return -1;
}

void hint_if_not_exists(void)
{
	hint("Add \"if_not_exists\": true to skip what the target may already have (a consolidated baseline), or choose another name.");
}

/* --------------------------------------------------------- small helpers */

/* The strings of a (validated) JSON array of names; *n set. */
char **json_string_list(const cJSON *a, int *n)
{
	const cJSON *it;
	char **v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(char *));
	*n = 0;
	cJSON_ArrayForEach(it, a)
		v[(*n)++] = xstrdup(it->valuestring);
	return v;
}

char **strv_dup(char *const *v, int n)
{
	char **r = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

int strv_has(char *const *v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Whether word occurs in a space-separated list. */
static int word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !strncmp(p, word, l))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

void add_qname(struct strbuf *sb, const char *schema, const char *name)
{
	sb_add_ident(sb, schema);
	sb_addch(sb, '.');
	sb_add_ident(sb, name);
}

void add_ident_list(struct strbuf *sb, char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_ident(sb, names[i]);
	}
}

/* Clips n bytes of UTF-8 s back to a character boundary. */
static size_t utf8_clip(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * The name PostgreSQL itself chooses for an unnamed constraint or index
 * (makeObjectName in its source): name1_name2_label, shortened to fit 63
 * bytes by trimming the longer of name1 and name2 first.
 */
char *object_name(const char *name1, const char *name2,
		  const char *label)
{
	size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
	size_t overhead = (name2 ? 1 : 0) + (label ? strlen(label) + 1 : 0);
	size_t avail = PG_NAME_MAX - overhead;
	struct strbuf sb = STRBUF_INIT;

	while (n1 + n2 > avail) {
		if (n1 > n2)
			n1--;
		else
			n2--;
	}
	if (n1 < strlen(name1))
		n1 = utf8_clip(name1, n1);
	if (name2 && n2 < strlen(name2))
		n2 = utf8_clip(name2, n2);
	sb_add(&sb, name1, n1);
	if (name2) {
		sb_addch(&sb, '_');
		sb_add(&sb, name2, n2);
	}
	if (label) {
		sb_addch(&sb, '_');
		sb_adds(&sb, label);
	}
	return sb_detach(&sb, NULL);
}

char *joined_names(char *const *names, int n)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		if (i)
			sb_addch(&sb, '_');
		sb_adds(&sb, names[i]);
	}
	return sb_detach(&sb, NULL);
}

/*
 * The column name PostgreSQL derives for an index expression: the
 * function's name for "lower(email)", else "expr".
 */
char *expression_colname(const char *expr)
{
	const char *p = expr, *s;
	while (isspace((unsigned char)*p))
		p++;
	s = p;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p > s && !isdigit((unsigned char)*s) && *p == '(')
		return xstrndup(s, (size_t)(p - s));
	return xstrdup("expr");
}

/* Appends a statement that ends in ";\n", whatever text ends it. */
void add_statement_text(struct strbuf *sb, const char *sql)
{
	size_t len = strlen(sql);
	const char *line;
	while (len && isspace((unsigned char)sql[len - 1]))
		len--;
	sb_add(sb, sql, len);
	if (len && sql[len - 1] == ';') {
		sb_addch(sb, '\n');
		return;
	}
	/* a final "-- comment" would swallow a ';' on its line */
	line = sb->buf + sb->len - len;
	for (const char *p = sb->buf + sb->len; p > line; p--)
		if (p[-1] == '\n') {
			line = p;
			break;
		}
	sb_adds(sb, strstr(line, "--") ? "\n;\n" : ";\n");
}

/*
 * Wraps stmt (one or more statements ending in ";\n") in a DO block that
 * runs it only when cond holds, with a dollar-quote tag the text does not
 * contain.
 */
void add_guarded(struct strbuf *sb, const char *cond, const char *stmt)
{
	char tag[32] = "$dd$";
	int k = 0;
	size_t len = strlen(stmt);
	while (strstr(cond, tag) || strstr(stmt, tag))
		snprintf(tag, sizeof(tag), "$dd%d$", ++k);
	while (len && stmt[len - 1] == '\n')
		len--;
	sb_addf(sb, "DO %s\nBEGIN\n    IF %s THEN\n        %.*s\n    END IF;\nEND\n%s;\n",
		tag, cond, (int)len, stmt, tag);
}

/* ---------------------------------------------------------- references */

void ref_free(struct sc_ref *r)
{
	free(r->schema);
	free(r->table);
	strv_free(r->cols, r->ncols);
	memset(r, 0, sizeof(*r));
}

/* A name in a "references" string: "quoted ""name""" or a bare word. */
int read_name(const char **pp, struct strbuf *out)
{
	const char *p = skip_ws(*pp);
	sb_reset(out);
	if (*p == '"') {
		for (p++;; p++) {
			if (!*p)
				return -1;
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			sb_addch(out, *p);
		}
		p++;
	} else {
		while (*p && !isspace((unsigned char)*p) && !strchr(".(),\"", *p))
			sb_addch(out, *p++);
	}
	*pp = skip_ws(p);
	return out->len ? 0 : -1;
}

/*
 * Reads "references": either "[schema.]table(col, ...)" or
 * {"schema"?, "table", "columns": [...]}.  Returns 0 or -1 (malformed).
 */
int ref_parse(const cJSON *v, struct sc_ref *r)
{
	struct strbuf name = STRBUF_INIT;
	const char *p;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (cJSON_IsObject(v)) {
		const cJSON *cols = jget(v, "columns"), *it;
		const char *schema = jstr(v, "schema"), *table = jstr(v, "table");
		if (jget(v, "schema") && !schema)
			goto cleanup;
		if (!table || !*table || !cJSON_IsArray(cols) || !cols->child)
			goto cleanup;
		cJSON_ArrayForEach(it, cols)
			if (!cJSON_IsString(it) || !*it->valuestring)
				goto cleanup;
		for (const cJSON *k = v->child; k; k = k->next)
			if (!word_in("schema table columns", k->string))
				goto cleanup;
		r->schema = schema && *schema ? xstrdup(schema) : NULL;
		r->table = xstrdup(table);
		r->cols = json_string_list(cols, &r->ncols);
		ret = 0;
		goto cleanup;
	}
	if (!cJSON_IsString(v))
		goto cleanup;
	p = v->valuestring;
	if (read_name(&p, &name))
		goto cleanup;
	r->table = xstrdup(name.buf);
	if (*p == '.') {
		p++;
		if (read_name(&p, &name))
			goto cleanup;
		r->schema = r->table;
		r->table = xstrdup(name.buf);
	}
	if (*p++ != '(')
		goto cleanup;
	r->cols = xcalloc(strlen(p) + 1, sizeof(char *));
	for (;;) {
		if (read_name(&p, &name))
			goto cleanup;
		r->cols[r->ncols++] = xstrdup(name.buf);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ')')
			goto cleanup;
		break;
	}
	if (*skip_ws(p))
		goto cleanup;
	ret = 0;
cleanup:
	sb_release(&name);
	if (ret)
		ref_free(r);
	return ret;
}

char on_delete_letter(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(on_delete_actions); i++)
		if (!strcasecmp(s, on_delete_actions[i].text))
			return on_delete_actions[i].letter;
	return 0;
}

const char *on_delete_sql(char letter)
{
	for (size_t i = 0; i < ARRAY_SIZE(on_delete_actions); i++)
		if (on_delete_actions[i].letter == letter)
			return on_delete_actions[i].sql;
	return NULL;
}

/*
 * "FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE": the rest of an
 * ADD CONSTRAINT.  qualify_schema names the referenced table's schema
 * when given; pg_get_constraintdef leaves out a schema on the search
 * path, so catalog definitions pass NULL for the target's own schema.
 */
void add_fk_body(struct strbuf *sb, char *const *cols, int n,
		 const char *qualify_schema, const struct sc_ref *r,
		 char on_delete, int not_valid)
{
	sb_adds(sb, "FOREIGN KEY (");
	add_ident_list(sb, cols, n);
	sb_adds(sb, ") REFERENCES ");
	if (qualify_schema)
		add_qname(sb, qualify_schema, r->table);
	else
		sb_add_ident(sb, r->table);
	sb_addch(sb, '(');
	add_ident_list(sb, r->cols, r->ncols);
	sb_addch(sb, ')');
	if (on_delete && on_delete != 'a')
		sb_addf(sb, " ON DELETE %s", on_delete_sql(on_delete));
	if (not_valid)
		sb_adds(sb, " NOT VALID");
}

/* ------------------------------------------------------------- parsing */

static int check_name(const struct schema_change *c, const char *what,
		      const char *name)
{
	if (!*name)
		return change_error(c, "%s is empty", what);
	if (strlen(name) > PG_NAME_MAX) {
		change_error(c, "%s '%s' is longer than 63 bytes", what, name);
		detail("PostgreSQL would silently truncate it, and the name drydock records would not match.");
		return -1;
	}
	return 0;
}

/* A required (or optional) string member; *out NULL when absent. */
static int want_string(const struct schema_change *c, const cJSON *o,
		       const char *ctx, const char *key, int required,
		       const char **out)
{
	const cJSON *v = jget(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		return change_error(c, "%sneeds \"%s\" (a string)", ctx, key);
	}
	if (!cJSON_IsString(v))
		return change_error(c, "%s\"%s\" must be a string", ctx, key);
	if (!*v->valuestring)
		return change_error(c, "%s\"%s\" is empty", ctx, key);
	*out = v->valuestring;
	return 0;
}

static int want_bool(const struct schema_change *c, const cJSON *o,
		     const char *ctx, const char *key)
{
	const cJSON *v = jget(o, key);
	if (v && !cJSON_IsBool(v))
		return change_error(c, "%s\"%s\" must be true or false", ctx, key);
	return 0;
}

/* A non-empty list of distinct column names; with allowed, each in it. */
static int want_name_list(const struct schema_change *c, const cJSON *a,
			  const char *ctx, const char *key,
			  char *const *allowed, int nallowed)
{
	const cJSON *it;
	int i = 0;
	if (!cJSON_IsArray(a) || !a->child)
		return change_error(c, "%s\"%s\" must be a non-empty list of column names",
			   ctx, key);
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it))
			return change_error(c, "%s\"%s\"[%d] must be a string", ctx, key, i);
		if (check_name(c, "a column name", it->valuestring))
			return -1;
		for (const cJSON *k = a->child; k != it; k = k->next)
			if (!strcmp(k->valuestring, it->valuestring))
				return change_error(c, "%s\"%s\" names '%s' twice", ctx,
					   key, it->valuestring);
		if (allowed && !strv_has(allowed, nallowed, it->valuestring))
			return change_error(c, "%s\"%s\" names '%s', which is not one of the table's \"columns\"",
				   ctx, key, it->valuestring);
		i++;
	}
	return 0;
}

static int want_names(const struct schema_change *c, const cJSON *o,
		      const char *ctx, const char *key, int required,
		      char *const *allowed, int nallowed)
{
	const cJSON *a = jget(o, key);
	if (!a) {
		if (!required)
			return 0;
		return change_error(c, "%sneeds \"%s\" (a list of column names)", ctx, key);
	}
	return want_name_list(c, a, ctx, key, allowed, nallowed);
}

static int want_references(const struct schema_change *c, const cJSON *o,
			   const char *ctx, int ncols)
{
	const cJSON *v = jget(o, "references");
	struct sc_ref r;
	const char *od;
	if (!v)
		return 0;
	if (ref_parse(v, &r)) {
		change_error(c, "%s\"references\" must be \"table(column, ...)\" or {\"table\": ..., \"columns\": [...]}",
		    ctx);
		hint("For example \"references\": \"users(id)\"; double-quote names holding '.', '(', ')', ',' or spaces.");
		return -1;
	}
	if (r.ncols != ncols) {
		change_error(c, "%s\"references\" names %d column%s for %d referencing column%s",
		    ctx, r.ncols, r.ncols == 1 ? "" : "s", ncols,
		    ncols == 1 ? "" : "s");
		ref_free(&r);
		return -1;
	}
	for (int i = 0; i < r.ncols; i++)
		if (check_name(c, "a referenced column", r.cols[i]))
			return ref_free(&r), -1;
	if (check_name(c, "the referenced table", r.table)) {
		ref_free(&r);
		return -1;
	}
	ref_free(&r);
	if (want_string(c, o, ctx, "on_delete", 0, &od))
		return -1;
	if (od && !on_delete_letter(od)) {
		change_error(c, "%s\"on_delete\" is '%s'", ctx, od);
		hint("Use one of \"cascade\", \"set null\", \"set default\", \"restrict\", \"no action\".");
		return -1;
	}
	return 0;
}

static int check_keys(const struct schema_change *c, const cJSON *o,
		      const char *ctx, const char *keys, int common)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, o) {
		if ((common && word_in(common_keys, it->string)) ||
		    word_in(keys, it->string))
			continue;
		change_error(c, "%sunknown key \"%s\"", ctx, it->string);
		hint("Keys here: %s%s%s.", keys, common ? " " : "",
		     common ? common_keys : "");
		return -1;
	}
	return 0;
}

static int parse_create_table(const struct schema_change *c)
{
	const cJSON *cols = jget(c->spec, "columns"), *it;
	const cJSON *fks = jget(c->spec, "foreign_keys"), *uq = jget(c->spec, "unique");
	char **names;
	int n = 0, i = 0, ret = -1;

	if (!cJSON_IsArray(cols) || !cols->child)
		return change_error(c, "needs \"columns\": a non-empty list of {\"name\", \"type\"}");
	names = xcalloc((size_t)cJSON_GetArraySize(cols) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, cols) {
		char ctx[64];
		const char *name, *type, *def;
		int serial;
		snprintf(ctx, sizeof(ctx), "columns[%d]: ", i++);
		if (!cJSON_IsObject(it)) {
			change_error(c, "%smust be an object with \"name\" and \"type\"", ctx);
			goto cleanup;
		}
		if (check_keys(c, it, ctx, "name type nullable default", 0) ||
		    want_string(c, it, ctx, "name", 1, &name) ||
		    check_name(c, "a column name", name) ||
		    want_string(c, it, ctx, "type", 1, &type) ||
		    want_bool(c, it, ctx, "nullable") ||
		    want_string(c, it, ctx, "default", 0, &def))
			goto cleanup;
		if (strv_has(names, n, name)) {
			change_error(c, "%scolumn '%s' is listed twice", ctx, name);
			goto cleanup;
		}
		free(canonical_type(type, &serial));
		if (serial && def) {
			change_error(c, "%sa %s column cannot have a \"default\"", ctx, type);
			detail("A serial column's default is its sequence.");
			goto cleanup;
		}
		names[n++] = xstrdup(name);
	}
	if (!jget(c->spec, "primary_key")) {
		change_error(c, "needs \"primary_key\": a list of column names");
		detail("drydock identifies every row by its primary key.");
		goto cleanup;
	}
	if (want_names(c, c->spec, "", "primary_key", 1, names, n))
		goto cleanup;
	if (fks && !cJSON_IsArray(fks)) {
		change_error(c, "\"foreign_keys\" must be a list of {\"columns\", \"references\"}");
		goto cleanup;
	}
	i = 0;
	cJSON_ArrayForEach(it, fks) {
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "foreign_keys[%d]: ", i++);
		if (!cJSON_IsObject(it)) {
			change_error(c, "%smust be an object with \"columns\" and \"references\"", ctx);
			goto cleanup;
		}
		if (check_keys(c, it, ctx, "columns references on_delete", 0) ||
		    want_names(c, it, ctx, "columns", 1, names, n))
			goto cleanup;
		if (!jget(it, "references")) {
			change_error(c, "%sneeds \"references\"", ctx);
			goto cleanup;
		}
		if (want_references(c, it, ctx, cJSON_GetArraySize(jget(it, "columns"))))
			goto cleanup;
	}
	if (uq && !cJSON_IsArray(uq)) {
		change_error(c, "\"unique\" must be a list of column lists, e.g. [[\"email\"]]");
		goto cleanup;
	}
	i = 0;
	cJSON_ArrayForEach(it, uq) {
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "unique[%d]: ", i++);
		if (want_name_list(c, it, ctx, "unique", names, n))
			goto cleanup;
	}
	ret = 0;
cleanup:
	strv_free(names, n);
	return ret;
}

static int parse_one(struct schema_change *c)
{
	const char *s, *def, *type;
	int serial;

	if (want_string(c, c->spec, "", "phase", 0, &s))
		return -1;
	if (s && strcmp(s, "before") && strcmp(s, "after")) {
		change_error(c, "\"phase\" is '%s'", s);
		hint("Use \"before\" (the default: before the steps run) or \"after\" (after them).");
		return -1;
	}
	c->phase = s && !strcmp(s, "after") ? SC_AFTER : SC_BEFORE;
	if (want_bool(c, c->spec, "", "if_not_exists") ||
	    want_string(c, c->spec, "", "description", 0, &s))
		return -1;
	c->if_not_exists = jbool(c->spec, "if_not_exists", 0);

	if (c->op != SC_TARGET_SQL) {
		if (want_string(c, c->spec, "", "table", 1, &s) ||
		    check_name(c, "the table name", s))
			return -1;
		c->table = xstrdup(s);
	}
	switch (c->op) {
	case SC_ADD_COLUMN:
		if (want_string(c, c->spec, "", "column", 1, &s) ||
		    check_name(c, "the column name", s) ||
		    want_string(c, c->spec, "", "type", 1, &type) ||
		    want_bool(c, c->spec, "", "nullable") ||
		    want_string(c, c->spec, "", "default", 0, &def) ||
		    want_references(c, c->spec, "", 1))
			return -1;
		if (jget(c->spec, "on_delete") && !jget(c->spec, "references"))
			return change_error(c, "\"on_delete\" needs \"references\"");
		free(canonical_type(type, &serial));
		if (serial) {
			change_error(c, "cannot add a %s column", type);
			detail("PostgreSQL would number the existing rows itself, in an order the run cannot know.");
			hint("Add a bigint column (with a sequence default if new rows need one) and number the rows in a step.");
			return -1;
		}
		if (def && c->phase == SC_AFTER) {
			char *v;
			if (!schema_default_constant(def, &v)) {
				change_error(c, "an \"after\" add_column cannot have a non-constant default ('%s')",
				    def);
				detail("Push adds an \"after\" column once the rows have moved, so PostgreSQL would compute other values than the run did.");
				hint("Use \"phase\": \"before\" (the default): push then writes the values the run computed.");
				return -1;
			}
			free(v);
		}
		return 0;
	case SC_DROP_COLUMN:
	case SC_SET_NOT_NULL:
	case SC_DROP_NOT_NULL:
		if (want_string(c, c->spec, "", "column", 1, &s) ||
		    check_name(c, "the column name", s))
			return -1;
		return 0;
	case SC_CREATE_TABLE:
		if (!strncmp(c->table, "dd_", 3)) {
			change_error(c, "table name '%s' starts with \"dd_\"", c->table);
			detail("Names starting with dd_ are drydock's own in the staging file.");
			return -1;
		}
		return parse_create_table(c);
	case SC_DROP_TABLE:
		return 0;
	case SC_ADD_INDEX: {
		const cJSON *cols = jget(c->spec, "columns");
		const cJSON *expr = jget(c->spec, "expression");
		if (want_string(c, c->spec, "", "name", 0, &s) ||
		    (s && check_name(c, "the index name", s)) ||
		    want_bool(c, c->spec, "", "unique") ||
		    want_string(c, c->spec, "", "method", 0, &s))
			return -1;
		if (s) {
			for (const char *p = s; *p; p++)
				if (!(islower((unsigned char)*p) || *p == '_' ||
				      (p > s && isdigit((unsigned char)*p))))
					return change_error(c, "\"method\" '%s' is not an index method name (btree, hash, gin, gist, brin, ...)",
						   s);
		}
		if (!!cols == !!expr)
			return change_error(c, "needs either \"columns\" (a list of column names) or \"expression\" (SQL text)");
		if (cols)
			return want_names(c, c->spec, "", "columns", 1, NULL, 0);
		return want_string(c, c->spec, "", "expression", 1, &s);
	}
	case SC_ADD_FOREIGN_KEY:
		if (want_string(c, c->spec, "", "name", 0, &s) ||
		    (s && check_name(c, "the constraint name", s)) ||
		    want_bool(c, c->spec, "", "not_valid") ||
		    want_names(c, c->spec, "", "columns", 1, NULL, 0))
			return -1;
		if (!jget(c->spec, "references"))
			return change_error(c, "needs \"references\": \"table(column, ...)\"");
		return want_references(c, c->spec, "",
				       cJSON_GetArraySize(jget(c->spec, "columns")));
	case SC_TARGET_SQL:
		if (want_string(c, c->spec, "", "sql", 1, &s))
			return -1;
		if (!jget(c->spec, "rollback_sql")) {
			change_error(c, "needs \"rollback_sql\"");
			detail("drydock cannot invert arbitrary SQL; rollback runs the rollback_sql you give.");
			hint("Write the statements that undo \"sql\" (for CREATE POLICY p ON t: DROP POLICY p ON t).");
			return -1;
		}
		return want_string(c, c->spec, "", "rollback_sql", 1, &s);
	}
	return 0;
}

int schema_changes_parse(const struct plan *plan, struct schema_change **out,
			 int *n)
{
	const cJSON *list = jget(plan->root, "schema_changes"), *it;
	struct schema_change *v = NULL;
	int nv = 0;

	*out = NULL;
	*n = 0;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list)) {
		error("plan '%s': schema_changes: must be a list", plan->path);
		hint("Schema changes are described in docs/schema-changes.md.");
		return -1;
	}
	v = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, list) {
		struct schema_change *c = &v[nv];
		const char *op = jstr(it, "op");
		size_t k;

		c->index = nv++;
		c->where = xasprintf("plan '%s': schema_changes[%d]", plan->path,
				     c->index);
		if (!cJSON_IsObject(it)) {
			change_error(c, "must be an object with \"op\"");
			goto fail;
		}
		if (!op) {
			change_error(c, "needs \"op\" (a string)");
			goto ops_hint;
		}
		for (k = 0; k < ARRAY_SIZE(op_info); k++)
			if (!strcmp(op, op_info[k].name))
				break;
		if (k == ARRAY_SIZE(op_info)) {
			change_error(c, "unknown op '%s'", op);
			goto ops_hint;
		}
		c->op = (enum sc_op)k;
		c->opname = op_info[k].name;
		free(c->where);
		c->where = xasprintf("plan '%s': schema_changes[%d] (%s)",
				     plan->path, c->index, c->opname);
		c->spec = cJSON_Duplicate(it, 1);
		if (check_keys(c, c->spec, "", op_info[k].keys, 1) || parse_one(c))
			goto fail;
	}
	*out = v;
	*n = nv;
	return 0;
ops_hint:
	hint("Valid ops: add_column, drop_column, create_table, drop_table, set_not_null, drop_not_null, add_index, add_foreign_key, target_sql.");
fail:
	schema_changes_free(v, nv);
	return -1;
}

void schema_changes_free(struct schema_change *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].table);
		free(c[i].where);
		cJSON_Delete(c[i].spec);
	}
	free(c);
}

/* ------------------------------------------------------------ canonical */

char *schema_change_canonical(const struct schema_change *c)
{
	cJSON *copy = cJSON_Duplicate(c->spec, 1);
	char *s;
	json_sort_keys(copy);
	s = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return s;
}
