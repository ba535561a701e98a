#define _GNU_SOURCE
#include "jsonschema.h"
#include "plan.h"
#include "stage.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Whether JSON text stops in the middle of a value: inside a string, or
 * with an object or array still open.  (cJSON points at the start of an
 * unterminated string, not at the end of the text.)
 */
static int json_truncated(const char *text, size_t len)
{
	int depth = 0, in_string = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return in_string || depth > 0;
}

cJSON *json_parse_located(const char *text, size_t len, const char *file)
{
	const char *end = NULL;
	/* text is NUL-terminated (read_file); cJSON wants the NUL inside len */
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (root)
		return root;
	{
		size_t off = end ? (size_t)(end - text) : 0;
		int line = 1, col = 1;
		const char *ls = text;
		if (off > len)
			off = len;
		for (size_t i = 0; i < off; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
				ls = text + i + 1;
			} else {
				col++;
			}
		}
		const char *le = memchr(ls, '\n', len - (size_t)(ls - text));
		int ll = (int)((le ? le : text + len) - ls);
		if (ll > 120)
			ll = 120;
		error("%s:%d:%d: invalid JSON", file, line, col);
		if (off >= len || json_truncated(text, len))
			detail("The text ends before the JSON value is complete.");
		else
			detail("Near: %.*s", ll, ls);
		hint("Check for a missing comma, quote or bracket at or just before line %d, column %d.",
		     line, col);
	}
	return NULL;
}

int plan_valid_source_name(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || *s == '_'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_'))
			return 0;
	return strcmp(s, "dd") != 0 && !strstr(s, "__");
}

static int bad(const struct plan *p, const char *where, const char *what)
{
	error("plan '%s': %s: %s", p->path, where, what);
	hint("The plan format is described in docs/plan-format.md.");
	return -1;
}

/* schema/plan.schema.json, embedded at build time (scripts/embed-sql.sh) */
extern const char schema_plan_json[];

int plan_validate_part(const cJSON *value, const char *def, const char *path,
		       const char *from)
{
	cJSON *schema = cJSON_Parse(schema_plan_json);
	const cJSON *s = schema;
	struct jsonschema_result res;
	int n;

	if (!schema)
		die("the embedded plan schema is not JSON");
	if (def)
		s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(schema, "$defs"), def);
	if (!s)
		die("the plan schema has no definition '%s'", def);
	if (def) {
		/* validate against {"$ref": "#/$defs/def"} so $refs resolve in schema */
		cJSON *wrap = cJSON_CreateObject();
		char *ref = xasprintf("#/$defs/%s", def);
		cJSON_AddStringToObject(wrap, "$ref", ref);
		cJSON_AddItemToObject(wrap, "$defs",
				      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(schema, "$defs"), 1));
		free(ref);
		cJSON_Delete(schema);
		schema = wrap;
	}
	n = jsonschema_validate(schema, value, &res);
	for (int i = 0; i < n; i++) {
		const char *rel = res.errors[i].path;
		if (path && *rel)
			error("plan %s: %s.%s: %s", from, path, rel, res.errors[i].message);
		else if (path || *rel)
			error("plan %s: %s: %s", from, path ? path : rel, res.errors[i].message);
		else
			error("plan %s: %s", from, res.errors[i].message);
	}
	if (n) {
		/* point at the documents of the parts that are wrong */
		static const struct { const char *prefix, *doc; } docs[] = {
			{ "checks", "docs/checks.md" }, { "gates", "docs/checks.md" },
			{ "schema_changes", "docs/schema-changes.md" }, { "push", "docs/push.md" },
			{ "sources", "docs/masking.md" },
		};
		struct strbuf sb = STRBUF_INIT;
		sb_adds(&sb, "docs/plan-format.md");
		for (size_t d = 0; d < ARRAY_SIZE(docs); d++) {
			int hit = 0;
			for (int i = 0; i < n && !hit; i++) {
				const char *e = res.errors[i].path, *full = path ? path : e;
				hit = !strncmp(full, docs[d].prefix, strlen(docs[d].prefix)) &&
				      (strcmp(docs[d].prefix, "sources") || strstr(e, ".mask"));
			}
			if (hit && !strstr(sb.buf, docs[d].doc))
				sb_addf(&sb, ", %s", docs[d].doc);
		}
		hint("The plan format is described in %s; schema/plan.schema.json checks a plan "
		     "in an editor (\"$schema\").", sb.buf);
		sb_release(&sb);
	}
	jsonschema_result_free(&res);
	cJSON_Delete(schema);
	return n ? -1 : 0;
}

static const char *opt_string(cJSON *obj, const char *key, int *err)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*err = 1;
		return NULL;
	}
	return v->valuestring;
}

static int load_sources(struct plan *p, cJSON *sources)
{
	cJSON *src;
	int ntarget = 0;
	if (!cJSON_IsObject(sources) || !sources->child)
		return bad(p, "sources", "must be an object naming at least one source");
	cJSON_ArrayForEach(src, sources) {
		struct plan_source *s;
		cJSON *tables, *t, *tg;
		int err = 0;
		char where[256];

		snprintf(where, sizeof(where), "sources.%s", src->string);
		if (!plan_valid_source_name(src->string))
			return bad(p, where, "a source name is lowercase letters, digits and single underscores, and not \"dd\"");
		if (!cJSON_IsObject(src))
			return bad(p, where, "must be an object with \"tables\"");
		p->sources = xrealloc(p->sources, (size_t)(p->nsources + 1) * sizeof(*p->sources));
		s = &p->sources[p->nsources++];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(src->string);
		const char *schema = opt_string(src, "schema", &err);
		if (err)
			return bad(p, where, "\"schema\" must be a string");
		s->schema = xstrdup(schema ? schema : "public");
		tg = cJSON_GetObjectItemCaseSensitive(src, "target");
		if (tg && !cJSON_IsBool(tg))
			return bad(p, where, "\"target\" must be true or false");
		s->target = tg && cJSON_IsTrue(tg);
		ntarget += s->target;
		tables = cJSON_GetObjectItemCaseSensitive(src, "tables");
		if (!cJSON_IsArray(tables) || !tables->child)
			return bad(p, where, "\"tables\" must be a non-empty list");
		cJSON_ArrayForEach(t, tables) {
			struct plan_table *pt;
			s->tables = xrealloc(s->tables, (size_t)(s->ntables + 1) * sizeof(*s->tables));
			pt = &s->tables[s->ntables++];
			memset(pt, 0, sizeof(*pt));
			if (cJSON_IsString(t)) {
				pt->name = xstrdup(t->valuestring);
			} else if (cJSON_IsObject(t)) {
				const char *n = opt_string(t, "name", &err);
				const char *w = opt_string(t, "where", &err);
				if (err || !n)
					return bad(p, where, "each table is a name or an object with a string \"name\" (and optional \"where\")");
				pt->name = xstrdup(n);
				pt->where = w ? xstrdup(w) : NULL;
				pt->mask = cJSON_GetObjectItemCaseSensitive(t, "mask");
				if (cJSON_GetObjectItemCaseSensitive(t, "key") &&
				    strv_from_cjson(cJSON_GetObjectItemCaseSensitive(t, "key"),
						    &pt->key, &pt->nkey))
					return bad(p, where, "\"key\" must be a list of column names");
			} else {
				return bad(p, where, "each table is a name or an object with \"name\"");
			}
			if (!*pt->name)
				return bad(p, where, "a table name is empty");
			for (int k = 0; k < s->ntables - 1; k++)
				if (!strcmp(s->tables[k].name, pt->name))
					return bad(p, where, "a table is listed twice");
		}
	}
	if (ntarget > 1)
		return bad(p, "sources", "more than one source says \"target\": true");
	if (ntarget == 0) {
		if (p->nsources > 1)
			return bad(p, "sources", "with several sources, mark the one push writes to with \"target\": true");
		p->sources[0].target = 1;
	}
	return 0;
}

static int load_steps(struct plan *p, cJSON *steps)
{
	cJSON *st;
	if (!steps)
		return 0;
	if (!cJSON_IsArray(steps))
		return bad(p, "steps", "must be a list");
	cJSON_ArrayForEach(st, steps) {
		struct plan_step *s;
		int err = 0;
		char where[64];
		snprintf(where, sizeof(where), "steps[%d]", p->nsteps);
		if (!cJSON_IsObject(st))
			return bad(p, where, "must be an object with \"name\" and \"sql\"");
		const char *name = opt_string(st, "name", &err);
		const char *sql = opt_string(st, "sql", &err);
		if (err || !name || !sql || !*name || !*sql)
			return bad(p, where, "needs a string \"name\" and a string \"sql\" (a file in the plan folder)");
		for (int k = 0; k < p->nsteps; k++)
			if (!strcmp(p->steps[k].name, name))
				return bad(p, where, "two steps have the same name");
		p->steps = xrealloc(p->steps, (size_t)(p->nsteps + 1) * sizeof(*p->steps));
		s = &p->steps[p->nsteps++];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(name);
		s->sql_path = xstrdup(sql);
		if (plan_dialect(st, p->sqlite_dialect, &s->sqlite_dialect))
			return bad(p, where, "\"dialect\" is \"postgresql\" (the default) or \"sqlite\"");
		cJSON *b = cJSON_GetObjectItemCaseSensitive(st, "batch");
		if (b) {
			const char *bt = opt_string(b, "table", &err);
			cJSON *sz = cJSON_GetObjectItemCaseSensitive(b, "size");
			if (!cJSON_IsObject(b) || err || !bt || !cJSON_IsNumber(sz) ||
			    sz->valuedouble < 1 || sz->valuedouble > 1e9 ||
			    sz->valuedouble != (double)(long)sz->valuedouble)
				return bad(p, where, "\"batch\" needs a string \"table\" and a positive whole \"size\"");
			s->batch_table = xstrdup(bt);
			s->batch_size = (long)sz->valuedouble;
		}
	}
	return 0;
}

int plan_dialect(const cJSON *entry, int dflt, int *sqlite_dialect)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(entry, "dialect");
	*sqlite_dialect = dflt;
	if (!d)
		return 0;
	if (!cJSON_IsString(d))
		return -1;
	if (!strcmp(d->valuestring, "sqlite"))
		*sqlite_dialect = 1;
	else if (strcmp(d->valuestring, "postgresql"))
		return -1;
	return 0;
}

int plan_load(const char *dir, struct plan *p)
{
	size_t len;
	cJSON *root;
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->dir = xstrdup(dir);
	p->path = path_join(dir, "plan.json");
	p->text = read_file(p->path, &len);
	if (!p->text) {
		error("cannot read plan '%s': %s", p->path, strerror(errno));
		hint("A plan is a folder holding plan.json; pass the folder with --plan.");
		goto fail;
	}
	root = json_parse_located(p->text, len, p->path);
	if (!root)
		goto fail;
	p->root = root;
	if (!cJSON_IsObject(root)) {
		bad(p, "top level", "must be a JSON object");
		goto fail;
	}
	{
		/* every error the schema finds, all at once, before the details */
		char *from = xasprintf("'%s'", p->path);
		int r = plan_validate_part(root, NULL, NULL, from);
		free(from);
		if (r)
			goto fail;
	}
	const char *name = opt_string(root, "name", &err);
	const char *desc = opt_string(root, "description", &err);
	if (err || !name || !*name) {
		bad(p, "name", "the plan needs a string \"name\"");
		goto fail;
	}
	p->name = xstrdup(name);
	p->description = desc ? xstrdup(desc) : NULL;
	if (plan_dialect(root, 0, &p->sqlite_dialect)) {
		bad(p, "dialect", "is \"postgresql\" (the default) or \"sqlite\"");
		goto fail;
	}
	if (load_sources(p, cJSON_GetObjectItemCaseSensitive(root, "sources")) ||
	    load_steps(p, cJSON_GetObjectItemCaseSensitive(root, "steps")))
		goto fail;
	return 0;
fail:
	plan_free(p);
	return -1;
}

void plan_free(struct plan *p)
{
	for (int i = 0; i < p->nsources; i++) {
		struct plan_source *s = &p->sources[i];
		for (int k = 0; k < s->ntables; k++) {
			free(s->tables[k].name);
			free(s->tables[k].where);
			strv_free(s->tables[k].key, s->tables[k].nkey);
		}
		free(s->tables);
		free(s->name);
		free(s->schema);
	}
	free(p->sources);
	for (int i = 0; i < p->nsteps; i++) {
		free(p->steps[i].name);
		free(p->steps[i].sql_path);
		free(p->steps[i].batch_table);
	}
	free(p->steps);
	free(p->dir);
	free(p->path);
	free(p->name);
	free(p->description);
	free(p->text);
	cJSON_Delete(p->root);
	memset(p, 0, sizeof(*p));
}

struct plan_source *plan_target(struct plan *p)
{
	for (int i = 0; i < p->nsources; i++)
		if (p->sources[i].target)
			return &p->sources[i];
	return NULL;
}

struct plan_source *plan_find_source(struct plan *p, const char *name)
{
	for (int i = 0; i < p->nsources; i++)
		if (!strcmp(p->sources[i].name, name))
			return &p->sources[i];
	return NULL;
}
