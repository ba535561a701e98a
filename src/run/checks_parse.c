/*
 * checks_parse: the plan's "checks" and "gates" read from plan.json,
 * validated against the working catalog and freed (checks.h).
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sqlc.h"
#include "checks_int.h"

/* ============================================================ plan parsing */

static int pbad(const struct plan *p, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pbad(const struct plan *p, const char *where, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("plan '%s': %s: %s", p->path, where, sb.buf);
	hint("The checks and gates format is described in docs/checks.md.");
	sb_release(&sb);
	return -1;
}

static int only_keys(const struct plan *p, const char *where, cJSON *obj,
		     const char *const *keys)
{
	cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		int ok = 0;
		for (const char *const *k = keys; *k; k++)
			if (!strcmp(it->string, *k))
				ok = 1;
		if (!ok)
			return pbad(p, where, "unknown field \"%s\"", it->string);
	}
	return 0;
}

/* A string field: 0 absent, 1 present (*out set), -1 not a string. */
static int get_string(cJSON *obj, const char *key, const char **out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = v->valuestring;
	return 1;
}

/*
 * SQL given inline or as a file of the plan folder: a value ending in
 * ".sql" with no white space names a file.  Returns 1 for a file, 0 for
 * inline SQL, -1 on error (reported).
 */
static int sql_or_file(const struct plan *p, const char *where, const char *field,
		       const char *value, char **sql, char **from)
{
	size_t n = strlen(value);
	int is_file = n > 4 && !strcmp(value + n - 4, ".sql");
	for (const char *c = value; is_file && *c; c++)
		if (isspace((unsigned char)*c))
			is_file = 0;
	if (!is_file) {
		if (!*value || strspn(value, " \t\r\n") == n)
			return pbad(p, where, "\"%s\" is empty", field);
		*sql = xstrdup(value);
		*from = xasprintf("%s (%s.%s)", p->path, where, field);
		return 0;
	}
	char *path = path_join(p->dir, value);
	*sql = read_file(path, NULL);
	if (!*sql) {
		int e = errno;
		pbad(p, where, "\"%s\" names file '%s', which cannot be read: %s", field,
		     path, strerror(e));
		free(path);
		return -1;
	}
	*from = path;
	return 1;
}

static int parse_severity(const struct plan *p, const char *where, cJSON *obj,
			  int *is_error)
{
	const char *sev;
	int r = get_string(obj, "severity", &sev);
	*is_error = 1;
	if (r < 0 || (r && strcmp(sev, "error") && strcmp(sev, "warn")))
		return pbad(p, where, "\"severity\" is \"error\" or \"warn\"");
	if (r)
		*is_error = !strcmp(sev, "error");
	return 0;
}

/* A readable first word: checks are queries, not statements that write. */
static int looks_like_query(const char *sql)
{
	const char *s = sql;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				s++;
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");
			s = e ? e + 2 : s + strlen(s);
		} else {
			break;
		}
	}
	return !strncasecmp(s, "select", 6) || !strncasecmp(s, "with", 4) ||
	       !strncasecmp(s, "values", 6) || *s == '(';
}

static int parse_check(const struct plan *p, int idx, cJSON *o, struct plan_check *c)
{
	static const char *const keys[] = { "name", "sql", "severity", "when", "fix",
					    "key", "description", "dialect", NULL };
	char where[64];
	const char *name, *sql, *when, *fix, *desc;
	cJSON *key;

	snprintf(where, sizeof(where), "checks[%d]", idx);
	if (!cJSON_IsObject(o))
		return pbad(p, where, "must be an object with \"name\" and \"sql\"");
	if (only_keys(p, where, o, keys))
		return -1;
	if (get_string(o, "name", &name) != 1 || !*name)
		return pbad(p, where, "needs a string \"name\"");
	c->name = xstrdup(name);
	if (plan_dialect(o, p->sqlite_dialect, &c->sqlite_dialect))
		return pbad(p, where, "\"dialect\" is \"postgresql\" (the default) or \"sqlite\"");
	if (get_string(o, "description", &desc) < 0)
		return pbad(p, where, "\"description\" must be a string");
	if (get_string(o, "sql", &sql) != 1)
		return pbad(p, where, "needs \"sql\": a query returning the rows that violate, or a .sql file");
	if (sql_or_file(p, where, "sql", sql, &c->sql, &c->sql_from) < 0)
		return -1;
	if (!looks_like_query(c->sql))
		return pbad(p, where, "\"sql\" must be a query (SELECT ...) returning the rows that violate");
	if (parse_severity(p, where, o, &c->is_error))
		return -1;
	switch (get_string(o, "when", &when)) {
	case 0:
		c->when = WHEN_AFTER;
		break;
	case 1:
		if (!strcmp(when, "before"))
			c->when = WHEN_BEFORE;
		else if (!strcmp(when, "after"))
			c->when = WHEN_AFTER;
		else if (!strcmp(when, "both"))
			c->when = WHEN_BEFORE | WHEN_AFTER;
		else
			return pbad(p, where, "\"when\" is \"before\", \"after\" or \"both\"");
		break;
	default:
		return pbad(p, where, "\"when\" is \"before\", \"after\" or \"both\"");
	}
	switch (get_string(o, "fix", &fix)) {
	case 0:
		break;
	case 1:
		if (c->when == WHEN_BEFORE)
			return pbad(p, where, "a fix changes the working state, which a \"before\" check does not see; use \"when\": \"after\" or \"both\"");
		switch (sql_or_file(p, where, "fix", fix, &c->fix_sql, &c->fix_from)) {
		case -1:
			return -1;
		case 1: /* results are stored and reported: no local paths in them */
			c->fix_name = xstrdup(fix);
			break;
		default:
			c->fix_name = xstrdup("its inline fix");
		}
		break;
	default:
		return pbad(p, where, "\"fix\" must be SQL or a .sql file");
	}
	key = cJSON_GetObjectItemCaseSensitive(o, "key");
	if (key) {
		cJSON *k;
		if (!cJSON_IsArray(key) || !key->child)
			return pbad(p, where, "\"key\" must be a non-empty list of result column names");
		c->key = xcalloc((size_t)cJSON_GetArraySize(key), sizeof(char *));
		cJSON_ArrayForEach(k, key) {
			if (!cJSON_IsString(k) || !*k->valuestring)
				return pbad(p, where, "\"key\" must be a non-empty list of result column names");
			c->key[c->nkey++] = xstrdup(k->valuestring);
		}
	}
	return 0;
}

static int get_limit(const struct plan *p, const char *where, cJSON *o,
		     const char *field, long long *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	*out = -1;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15 ||
	    v->valuedouble != floor(v->valuedouble))
		return pbad(p, where, "\"%s\" must be a whole number, 0 or more (0 forbids)", field);
	*out = (long long)v->valuedouble;
	return 0;
}

static int get_number(const struct plan *p, const char *where, cJSON *o,
		      const char *field, double *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	*out = 0;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return pbad(p, where, "\"%s\" must be a number", field);
	*out = v->valuedouble;
	return 0;
}

static int parse_gate(const struct plan *p, int idx, cJSON *o, struct gate *g)
{
	static const char *const keys[] = {
		"name", "table", "where", "max_inserts", "max_updates", "max_deletes",
		"max_rows", "columns_unchanged", "invariant", "relation", "delta",
		"tolerance", "severity", "description", "dialect", NULL
	};
	static const char *const table_only[] = { "table", "where", "max_inserts", "max_updates",
						  "max_deletes", "max_rows", "columns_unchanged" };
	char where[64];
	const char *name, *table, *inv, *rel, *desc, *w;
	cJSON *cols;

	snprintf(where, sizeof(where), "gates[%d]", idx);
	if (!cJSON_IsObject(o))
		return pbad(p, where, "must be an object (see docs/checks.md)");
	if (only_keys(p, where, o, keys))
		return -1;
	if (get_string(o, "name", &name) < 0 || (name && !*name))
		return pbad(p, where, "\"name\" must be a non-empty string");
	if (get_string(o, "description", &desc) < 0)
		return pbad(p, where, "\"description\" must be a string");
	if (plan_dialect(o, p->sqlite_dialect, &g->sqlite_dialect))
		return pbad(p, where, "\"dialect\" is \"postgresql\" (the default) or \"sqlite\"");
	if (parse_severity(p, where, o, &g->is_error))
		return -1;
	if (get_string(o, "invariant", &inv) < 0)
		return pbad(p, where, "\"invariant\" must be a query or a .sql file");
	if (get_string(o, "table", &table) < 0 || (table && !*table))
		return pbad(p, where, "\"table\" must be a table name");
	g->max_inserts = g->max_updates = g->max_deletes = g->max_rows = -1;
	strcpy(g->relation, "=");
	if (inv) {
		for (size_t i = 0; i < ARRAY_SIZE(table_only); i++)
			if (cJSON_GetObjectItemCaseSensitive(o, table_only[i]))
				return pbad(p, where, "an invariant takes no \"%s\"; limits on a table are a separate gate",
					    table_only[i]);
		if (!name)
			return pbad(p, where, "an invariant needs a \"name\"");
		g->kind = GATE_INVARIANT;
		g->name = xstrdup(name);
		if (sql_or_file(p, where, "invariant", inv, &g->sql, &g->sql_from) < 0)
			return -1;
		if (!looks_like_query(g->sql))
			return pbad(p, where, "\"invariant\" must be a query (SELECT ...)");
		switch (get_string(o, "relation", &rel)) {
		case 0:
			break;
		case 1:
			if (!strcmp(rel, "=") || !strcmp(rel, "=="))
				strcpy(g->relation, "=");
			else if (!strcmp(rel, "!=") || !strcmp(rel, "<>"))
				strcpy(g->relation, "!=");
			else if (!strcmp(rel, "<") || !strcmp(rel, "<=") || !strcmp(rel, ">") ||
				 !strcmp(rel, ">="))
				snprintf(g->relation, sizeof(g->relation), "%s", rel);
			else
				return pbad(p, where, "\"relation\" is one of = != < <= > >= (after RELATION before + delta)");
			break;
		default:
			return pbad(p, where, "\"relation\" is one of = != < <= > >= (after RELATION before + delta)");
		}
		if (get_number(p, where, o, "delta", &g->delta) ||
		    get_number(p, where, o, "tolerance", &g->tolerance))
			return -1;
		if (g->tolerance < 0)
			return pbad(p, where, "\"tolerance\" must be 0 or more");
		return 0;
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "relation") ||
	    cJSON_GetObjectItemCaseSensitive(o, "delta") ||
	    cJSON_GetObjectItemCaseSensitive(o, "tolerance"))
		return pbad(p, where, "\"relation\", \"delta\" and \"tolerance\" belong to an \"invariant\"");
	if (get_limit(p, where, o, "max_inserts", &g->max_inserts) ||
	    get_limit(p, where, o, "max_updates", &g->max_updates) ||
	    get_limit(p, where, o, "max_deletes", &g->max_deletes) ||
	    get_limit(p, where, o, "max_rows", &g->max_rows))
		return -1;
	if (get_string(o, "where", &w) < 0 || (w && !*w))
		return pbad(p, where, "\"where\" must be an SQL condition");
	cols = cJSON_GetObjectItemCaseSensitive(o, "columns_unchanged");
	if (cols) {
		cJSON *c;
		if (!cJSON_IsArray(cols) || !cols->child)
			return pbad(p, where, "\"columns_unchanged\" must be a non-empty list of column names");
		g->unchanged = xcalloc((size_t)cJSON_GetArraySize(cols), sizeof(char *));
		cJSON_ArrayForEach(c, cols) {
			if (!cJSON_IsString(c) || !*c->valuestring)
				return pbad(p, where, "\"columns_unchanged\" must be a non-empty list of column names");
			g->unchanged[g->nunchanged++] = xstrdup(c->valuestring);
		}
	}
	if (!table) {
		if (w || cols || g->max_inserts >= 0 || g->max_updates >= 0 || g->max_deletes >= 0)
			return pbad(p, where, "limits on inserts, updates, deletes, columns or a \"where\" need a \"table\"");
		if (g->max_rows < 0)
			return pbad(p, where, "a gate needs a \"table\" with limits, \"max_rows\" or an \"invariant\"");
		g->kind = GATE_TOTAL;
		g->name = xstrdup(name ? name : "change set");
		return 0;
	}
	if (g->max_inserts < 0 && g->max_updates < 0 && g->max_deletes < 0 &&
	    g->max_rows < 0 && !g->nunchanged)
		return pbad(p, where, "a table gate needs at least one of max_inserts, max_updates, max_deletes, max_rows, columns_unchanged");
	g->kind = GATE_TABLE;
	g->table = xstrdup(table);
	g->where = w ? xstrdup(w) : NULL;
	if (name)
		g->name = xstrdup(name);
	else if (w)
		g->name = xasprintf("%s where %.60s%s", table, w, strlen(w) > 60 ? "..." : "");
	else
		g->name = xstrdup(table);
	return 0;
}

int checks_parse(const struct plan *plan, struct checks *out)
{
	cJSON *checks = cJSON_GetObjectItemCaseSensitive(plan->root, "checks");
	cJSON *gates = cJSON_GetObjectItemCaseSensitive(plan->root, "gates");
	cJSON *it;
	int i = 0;

	memset(out, 0, sizeof(*out));
	if (checks && !cJSON_IsNull(checks)) {
		if (!cJSON_IsArray(checks)) {
			pbad(plan, "checks", "must be a list of checks");
			goto fail;
		}
		out->checks = xcalloc((size_t)cJSON_GetArraySize(checks) + 1, sizeof(*out->checks));
		cJSON_ArrayForEach(it, checks) {
			struct plan_check *c = &out->checks[out->nchecks++];
			if (parse_check(plan, i, it, c))
				goto fail;
			for (int k = 0; k < out->nchecks - 1; k++)
				if (!strcmp(out->checks[k].name, c->name)) {
					char where[64];
					snprintf(where, sizeof(where), "checks[%d]", i);
					pbad(plan, where, "two checks are named '%s'", c->name);
					goto fail;
				}
			i++;
		}
	}
	i = 0;
	if (gates && !cJSON_IsNull(gates)) {
		if (!cJSON_IsArray(gates)) {
			pbad(plan, "gates", "must be a list of gates");
			goto fail;
		}
		out->gates = xcalloc((size_t)cJSON_GetArraySize(gates) + 1, sizeof(*out->gates));
		cJSON_ArrayForEach(it, gates) {
			struct gate *g = &out->gates[out->ngates++];
			if (parse_gate(plan, i, it, g))
				goto fail;
			i++;
		}
	}
	return 0;
fail:
	checks_free(out);
	return -1;
}

const struct table_meta *target_table(const struct catalog *cat, const char *name)
{
	const struct source_meta *tgt = NULL;
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			tgt = &cat->sources[i];
	for (int i = 0; tgt && i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if (!strcmp(t->source, tgt->name) && !t->dropped && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

int checks_validate(const struct plan *plan, const struct checks *c,
		    const struct catalog *working)
{
	for (int i = 0; i < c->ngates; i++) {
		const struct gate *g = &c->gates[i];
		const struct table_meta *t;
		char where[64];
		if (g->kind != GATE_TABLE)
			continue;
		snprintf(where, sizeof(where), "gates[%d]", i);
		t = target_table(working, g->table);
		if (!t)
			return pbad(plan, where, "'%s' is not a table of the target", g->table);
		for (int k = 0; k < g->nunchanged; k++)
			if (table_column_index(t, g->unchanged[k]) < 0)
				return pbad(plan, where, "table '%s' has no column '%s'", g->table,
					    g->unchanged[k]);
	}
	return 0;
}

void checks_free(struct checks *c)
{
	for (int i = 0; i < c->nchecks; i++) {
		struct plan_check *pc = &c->checks[i];
		free(pc->name);
		free(pc->sql);
		free(pc->sql_from);
		free(pc->fix_sql);
		free(pc->fix_from);
		free(pc->fix_name);
		for (int k = 0; k < pc->nkey; k++)
			free(pc->key[k]);
		free(pc->key);
	}
	free(c->checks);
	for (int i = 0; i < c->ngates; i++) {
		struct gate *g = &c->gates[i];
		free(g->name);
		free(g->table);
		free(g->where);
		for (int k = 0; k < g->nunchanged; k++)
			free(g->unchanged[k]);
		free(g->unchanged);
		free(g->sql);
		free(g->sql_from);
	}
	free(c->gates);
	memset(c, 0, sizeof(*c));
}
