/*
 * checks: the engine behind `drydock check` and the checks of `drydock
 * run` (checks.h, docs/checks.md).
 */
#define _GNU_SOURCE
#include "checks.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changeset.h"
#include "checkexpr.h"
#include "pgtype.h"
#include "sqlc.h"

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

static const struct table_meta *target_table(const struct catalog *cat, const char *name)
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

/* ================================================================ results */

static const struct pgtype plain_type = { PGK_OTHER, 0, -1, -1, 0 };

static void result_init(struct check_result *r, const char *kind, const char *phase,
			int is_error, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void result_init(struct check_result *r, const char *kind, const char *phase,
			int is_error, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	r->name = sb_detach(&sb, NULL);
	r->kind = kind;
	r->phase = phase;
	r->severity = is_error ? "error" : "warn";
	r->status = "pass";
	sb_init(&r->sample, 0);
	sb_init(&r->shown, 0);
}

static void result_release(struct check_result *r)
{
	free(r->name);
	free(r->message);
	sb_release(&r->sample);
	sb_release(&r->shown);
	memset(r, 0, sizeof(*r));
}

static void result_message(struct check_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void result_message(struct check_result *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(r->message);
	r->message = sb_detach(&sb, NULL);
}

/* Counts one violating row; keeps its key if the sample has room. */
static void result_add_key(struct check_result *r, const char *json, const char *shown)
{
	r->count++;
	if (r->nsample >= CHECK_SAMPLE_MAX)
		return;
	if (!r->sample.len)
		sb_addch(&r->sample, '[');
	else
		sb_setlen(&r->sample, r->sample.len - 1);
	if (r->nsample)
		sb_addch(&r->sample, ',');
	sb_adds(&r->sample, json);
	sb_addch(&r->sample, ']');
	if (r->nsample < 3) {
		if (r->nsample)
			sb_adds(&r->shown, ", ");
		sb_adds(&r->shown, shown);
	} else if (r->nsample == 3) {
		sb_adds(&r->shown, ", ...");
	}
	r->nsample++;
}

/* Moves r into the session (r is left empty). */
static void session_push(struct check_session *s, struct check_result *r)
{
	if (!strcmp(r->status, "pass") && r->count)
		r->status = "fail";
	ALLOC_GROW(s->res, (size_t)s->nres + 1, s->alloc);
	s->res[s->nres++] = *r;
	memset(r, 0, sizeof(*r));
}

/* One value of a key for people: control characters escaped, at most 40 chars. */
static void add_shown_value(struct strbuf *sb, const char *v, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (++n > 40) {
			sb_adds(sb, "...");
			break;
		}
		if (c < 0x20)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addch(sb, (char)c);
	}
}

/* The key of a result row: columns [first, first+n) of st, typed by types. */
static void key_from_stmt(sqlite3_stmt *st, int first, int n,
			  const struct pgtype *const *types, struct strbuf *json,
			  struct strbuf *shown, struct strbuf *tmp)
{
	sb_reset(json);
	sb_reset(shown);
	sb_addch(json, '[');
	if (n > 1)
		sb_addch(shown, '(');
	for (int k = 0; k < n; k++) {
		const struct pgtype *ty = types ? types[k] : &plain_type;
		int null = pgtype_to_text(ty, sqlite3_column_value(st, first + k), tmp) == 1;
		if (k) {
			sb_addch(json, ',');
			sb_adds(shown, ", ");
		}
		if (null) {
			sb_adds(json, "null");
			sb_adds(shown, "NULL");
		} else {
			sb_add_json_string(json, tmp->buf, tmp->len);
			add_shown_value(shown, tmp->buf, tmp->len);
		}
	}
	sb_addch(json, ']');
	if (n > 1)
		sb_addch(shown, ')');
}

/* The printed form of a key stored as a JSON array of texts. */
static void shown_from_json(const char *json, struct strbuf *shown)
{
	cJSON *a = cJSON_Parse(json), *v;
	int n = cJSON_GetArraySize(a), k = 0;
	sb_reset(shown);
	if (n > 1)
		sb_addch(shown, '(');
	cJSON_ArrayForEach(v, a) {
		if (k++)
			sb_adds(shown, ", ");
		if (cJSON_IsString(v))
			add_shown_value(shown, v->valuestring, strlen(v->valuestring));
		else
			sb_adds(shown, "NULL");
	}
	if (n > 1)
		sb_addch(shown, ')');
	cJSON_Delete(a);
}

/* ================================================================ session */

struct inv_value {
	int done;
	char hash[65];
	long long rows;
	int ncols;
	int is_num;
	double num;
	char *shown;   /* the first row, for messages */
};

void check_session_init(struct check_session *s, sqlite3 *db,
			const struct plan *plan, const struct checks *spec,
			const struct catalog *pristine,
			const struct catalog *working, long long run)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->plan = plan;
	s->spec = spec;
	s->pristine = pristine;
	s->working = working;
	s->run = run;
	s->inv_before = xcalloc((size_t)spec->ngates + 1, sizeof(*s->inv_before));
}

void check_session_free(struct check_session *s)
{
	for (int i = 0; i < s->nres; i++)
		result_release(&s->res[i]);
	free(s->res);
	for (int i = 0; s->spec && i < s->spec->ngates; i++)
		free(s->inv_before[i].shown);
	free(s->inv_before);
	memset(s, 0, sizeof(*s));
}

static const char *skip_sql_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/*
 * Compiles PostgreSQL text in context ctx for a phase: "before" against
 * the snapshot's catalog, "after" against the working one and the
 * scratch tables the run made.  0 with the SQLite text in *out (caller
 * frees), or -1 after the compiler's FILE:LINE:COL error.
 */
static int compile_for(struct check_session *s, const char *what, const char *sql,
		       const char *from, const char *phase, enum sqlc_context ctx,
		       const char *where_table, char **out)
{
	int before = !strcmp(phase, "before");
	struct sqlc_env *env = sqlc_env_new(before ? s->pristine : s->working,
					    before ? NULL : s->db);
	struct sqlc_program p = { 0 };
	int ret = -1;
	*out = NULL;
	if (where_table)
		sqlc_env_set_table(env, NULL, where_table);
	if (sqlc_compile(env, from, sql, ctx, &p)) {
		error("%s is refused before it runs", what);
		goto cleanup;
	}
	if (p.nstmts != 1) {
		error("%s holds %d SQL statements", what, p.nstmts);
		detail("%s", from);
		hint("A check is one query returning the rows that violate.");
		goto cleanup;
	}
	*out = xstrdup(p.stmts[0].sqlite_sql);
	ret = 0;
cleanup:
	sqlc_program_free(&p);
	sqlc_env_free(env);
	return ret;
}

/*
 * Prepares a plan query (check or invariant): one statement that only
 * reads, PostgreSQL SQL compiled for the phase unless sqlite_dialect.
 * what names it in messages ("check 'x'").
 */
static int prepare_query(struct check_session *s, const char *what, const char *pg_sql,
			 const char *from, const char *phase, int sqlite_dialect,
			 enum sqlc_context ctx, sqlite3_stmt **out)
{
	const char *tail = NULL;
	char *compiled = NULL;
	const char *sql = pg_sql;
	int ret = -1;
	*out = NULL;
	if (!sqlite_dialect) {
		if (compile_for(s, what, pg_sql, from, phase, ctx, NULL, &compiled))
			return -1;
		sql = compiled;
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, out, &tail) != SQLITE_OK) {
		error("%s cannot run on the %s state", what,
		      !strcmp(phase, "before") ? "pristine (before)" : "working (after)");
		detail("%s: SQLite says: %s.", from, sqlite3_errmsg(s->db));
		if (!strcmp(phase, "before"))
			hint("Before the steps, the target's tables are as snapshotted; tables and columns the plan adds do not exist yet.");
		goto cleanup;
	}
	if (!*out) {
		error("%s has no SQL statement", what);
		detail("%s", from);
		goto cleanup;
	}
	if (*skip_sql_space(tail)) {
		sqlite3_finalize(*out);
		*out = NULL;
		error("%s holds more than one SQL statement", what);
		detail("%s", from);
		hint("A check is one query returning the rows that violate.");
		goto cleanup;
	}
	if (!sqlite3_stmt_readonly(*out)) {
		sqlite3_finalize(*out);
		*out = NULL;
		error("%s would change data", what);
		detail("%s", from);
		hint("Checks only read; changes belong in a step or in a check's \"fix\".");
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(compiled);
	return ret;
}

int checks_compile(const struct plan *plan, const struct checks *c,
		   const struct catalog *pristine, struct sqlc_env *env)
{
	struct sqlc_env *benv = sqlc_env_new(pristine, NULL);
	int ret = -1;
	for (int i = 0; i < c->nchecks; i++) {
		const struct plan_check *pc = &c->checks[i];
		struct sqlc_program p = { 0 };
		int r = 0;
		if (pc->sqlite_dialect)
			continue;
		if (pc->when & WHEN_BEFORE) {
			r = sqlc_compile(benv, pc->sql_from, pc->sql, SQLC_CHECK, &p);
			sqlc_program_free(&p);
		}
		if (!r && (pc->when & WHEN_AFTER)) {
			r = sqlc_compile(env, pc->sql_from, pc->sql, SQLC_CHECK, &p);
			sqlc_program_free(&p);
		}
		if (!r && pc->fix_sql) {
			r = sqlc_compile(env, pc->fix_from, pc->fix_sql, SQLC_FIX, &p);
			sqlc_program_free(&p);
		}
		if (r) {
			error("check '%s' is refused before anything runs", pc->name);
			goto cleanup;
		}
	}
	for (int i = 0; i < c->ngates; i++) {
		const struct gate *g = &c->gates[i];
		struct sqlc_program p = { 0 };
		int r = 0;
		if (g->sqlite_dialect)
			continue;
		if (g->kind == GATE_INVARIANT) {
			r = sqlc_compile(benv, g->sql_from, g->sql, SQLC_CHECK, &p);
			sqlc_program_free(&p);
			if (!r) {
				r = sqlc_compile(env, g->sql_from, g->sql, SQLC_CHECK, &p);
				sqlc_program_free(&p);
			}
		} else if (g->where) {
			sqlc_env_set_table(env, NULL, g->table);
			r = sqlc_compile(env, plan->path, g->where, SQLC_WHERE, &p);
			sqlc_program_free(&p);
		}
		if (r) {
			error("gate '%s' is refused before anything runs", g->name);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	sqlc_env_free(benv);
	return ret;
}

/* ---------------------------------------------------------- before views */

static int is_target_source(const struct catalog *cat, const char *source)
{
	const struct source_meta *sm = catalog_find_source((struct catalog *)cat, source);
	return sm && sm->is_target;
}

/*
 * Shadows every target table with a TEMP VIEW over its pristine copy, so
 * unqualified names read the snapshot; tables the plan creates read as
 * empty.  create=0 drops them again.
 */
static int before_views(struct check_session *s, int create)
{
	struct strbuf sql = STRBUF_INIT;
	int ret = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct catalog *cat = pass ? s->working : s->pristine;
		for (int i = 0; i < cat->ntables; i++) {
			const struct table_meta *t = &cat->tables[i];
			if (!is_target_source(cat, t->source))
				continue;
			if (pass && (!t->created || t->dropped))
				continue;
			if (!pass && !t->pristine_name)
				continue;
			sb_reset(&sql);
			if (create && !pass) {
				sb_adds(&sql, "CREATE TEMP VIEW ");
				sb_add_qident(&sql, t->name);
				sb_adds(&sql, " AS SELECT * FROM main.");
				sb_add_qident(&sql, t->pristine_name);
			} else if (create) {
				/* not there before: empty, with the columns it gets */
				sb_adds(&sql, "CREATE TEMP VIEW ");
				sb_add_qident(&sql, t->name);
				sb_adds(&sql, " AS SELECT ");
				for (int k = 0; k < t->ncols; k++) {
					if (k)
						sb_adds(&sql, ", ");
					sb_adds(&sql, "NULL AS ");
					sb_add_qident(&sql, t->cols[k].name);
				}
				sb_adds(&sql, t->ncols ? " WHERE 0" : "NULL WHERE 0");
			} else {
				sb_adds(&sql, "DROP VIEW IF EXISTS temp.");
				sb_add_qident(&sql, t->name);
			}
			if (stage_exec(s->db, sql.buf)) {
				ret = -1;
				if (create)
					goto cleanup;
			}
		}
	}
cleanup:
	sb_release(&sql);
	if (ret && create)
		before_views(s, 0);
	return ret;
}

/* ------------------------------------------------------------ plan checks */

static int run_plan_check(struct check_session *s, const struct plan_check *pc,
			  const char *phase)
{
	struct check_result r;
	struct strbuf what = STRBUF_INIT, json = STRBUF_INIT, shown = STRBUF_INIT,
		      tmp = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int *keycols = NULL, nkeycols = 0, rc, ret = -1;
	double t0 = now_seconds();

	result_init(&r, "plan", phase, pc->is_error, "%s%s", pc->name,
		    pc->when == (WHEN_BEFORE | WHEN_AFTER) && !strcmp(phase, "before") ? " (before)" : "");
	r.check = pc;
	sb_addf(&what, "check '%s'", pc->name);
	if (prepare_query(s, what.buf, pc->sql, pc->sql_from, phase, pc->sqlite_dialect,
			  SQLC_CHECK, &st))
		goto cleanup;
	nkeycols = pc->nkey ? pc->nkey : sqlite3_column_count(st);
	keycols = xcalloc((size_t)nkeycols + 1, sizeof(int));
	for (int k = 0; k < nkeycols; k++) {
		keycols[k] = k;
		if (!pc->nkey)
			continue;
		keycols[k] = -1;
		for (int c = 0; c < sqlite3_column_count(st); c++)
			if (!strcasecmp(sqlite3_column_name(st, c), pc->key[k]))
				keycols[k] = c;
		if (keycols[k] < 0) {
			error("check '%s': its query returns no column '%s' named in \"key\"",
			      pc->name, pc->key[k]);
			detail("%s", pc->sql_from);
			goto cleanup;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r.nsample >= CHECK_SAMPLE_MAX) {
			r.count++;
			continue;
		}
		sb_reset(&json);
		sb_reset(&shown);
		sb_addch(&json, '[');
		if (nkeycols > 1)
			sb_addch(&shown, '(');
		for (int k = 0; k < nkeycols; k++) {
			int null = pgtype_to_text(&plain_type, sqlite3_column_value(st, keycols[k]),
						  &tmp) == 1;
			if (k) {
				sb_addch(&json, ',');
				sb_adds(&shown, ", ");
			}
			if (null) {
				sb_adds(&json, "null");
				sb_adds(&shown, "NULL");
			} else {
				sb_add_json_string(&json, tmp.buf, tmp.len);
				add_shown_value(&shown, tmp.buf, tmp.len);
			}
		}
		sb_addch(&json, ']');
		if (nkeycols > 1)
			sb_addch(&shown, ')');
		result_add_key(&r, json.buf, shown.buf);
	}
	if (rc != SQLITE_DONE) {
		error("check '%s' failed while running", pc->name);
		detail("%s: SQLite says: %s.", pc->sql_from, sqlite3_errmsg(s->db));
		goto cleanup;
	}
	if (r.count && pc->fix_sql && !strcmp(phase, "after"))
		result_message(&r, "%lld row%s; 'drydock check --fix' runs %s", r.count,
			       r.count == 1 ? "" : "s", pc->fix_name);
	r.ms = (now_seconds() - t0) * 1000.0;
	session_push(s, &r);
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	result_release(&r);
	free(keycols);
	sb_release(&what);
	sb_release(&json);
	sb_release(&shown);
	sb_release(&tmp);
	return ret;
}

/* ------------------------------------------------------------- invariants */

static void hash_value(struct sha256 *h, sqlite3_value *v)
{
	char head[32];
	if (sqlite3_value_type(v) == SQLITE_NULL) {
		sha256_update(h, "N", 2);
		return;
	}
	const unsigned char *t = sqlite3_value_text(v);
	int n = sqlite3_value_bytes(v);
	snprintf(head, sizeof(head), "V%d:", n);
	sha256_update(h, head, strlen(head));
	sha256_update(h, t, (size_t)n);
}

static int value_number(sqlite3_value *v, double *out)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		*out = sqlite3_value_double(v);
		return 1;
	case SQLITE_TEXT: {
		const char *t = (const char *)sqlite3_value_text(v);
		char *end;
		errno = 0;
		*out = strtod(t, &end);
		while (isspace((unsigned char)*end))
			end++;
		return end != t && !*end && !errno && isfinite(*out);
	}
	default:
		return 0;
	}
}

/* Runs an invariant's query and condenses its result (hash, first row). */
static int eval_invariant(struct check_session *s, const struct gate *g,
			  const char *phase, struct inv_value *v)
{
	struct strbuf what = STRBUF_INIT, shown = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	struct sha256 h;
	unsigned char d[32];
	int rc, ret = -1;

	memset(v, 0, sizeof(*v));
	sb_addf(&what, "invariant '%s'", g->name);
	/* any number of rows and columns (docs/checks.md): compiled as a query */
	if (prepare_query(s, what.buf, g->sql, g->sql_from, phase, g->sqlite_dialect,
			  SQLC_CHECK, &st))
		goto cleanup;
	sha256_init(&h);
	v->ncols = sqlite3_column_count(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sha256_update(&h, "R", 1);
		for (int c = 0; c < v->ncols; c++) {
			sqlite3_value *val = sqlite3_column_value(st, c);
			hash_value(&h, val);
			if (v->rows == 0) {
				if (c)
					sb_adds(&shown, ", ");
				if (sqlite3_value_type(val) == SQLITE_NULL)
					sb_adds(&shown, "NULL");
				else
					add_shown_value(&shown, (const char *)sqlite3_value_text(val),
							(size_t)sqlite3_value_bytes(val));
				if (v->ncols == 1)
					v->is_num = value_number(val, &v->num);
			}
		}
		v->rows++;
	}
	if (rc != SQLITE_DONE) {
		error("invariant '%s' failed while running", g->name);
		detail("%s: SQLite says: %s.", g->sql_from, sqlite3_errmsg(s->db));
		goto cleanup;
	}
	if (v->rows != 1)
		v->is_num = 0;
	sha256_final(&h, d);
	sha256_hex(d, v->hash);
	if (v->rows == 0)
		sb_adds(&shown, "no rows");
	else if (v->rows > 1)
		sb_addf(&shown, " (first of %lld rows)", v->rows);
	v->shown = sb_detach(&shown, NULL);
	v->done = 1;
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&what);
	sb_release(&shown);
	return ret;
}

static int compare(double a, const char *rel, double b, double tol)
{
	if (!strcmp(rel, "="))
		return fabs(a - b) <= tol;
	if (!strcmp(rel, "!="))
		return fabs(a - b) > tol;
	if (!strcmp(rel, "<"))
		return a < b;
	if (!strcmp(rel, "<="))
		return a <= b;
	if (!strcmp(rel, ">"))
		return a > b;
	return a >= b;
}

static int check_invariant(struct check_session *s, int gi)
{
	const struct gate *g = &s->spec->gates[gi];
	const struct inv_value *b = &s->inv_before[gi];
	struct inv_value a;
	struct check_result r;
	double t0 = now_seconds();
	int ok;

	if (eval_invariant(s, g, "after", &a))
		return -1;
	result_init(&r, "invariant", "after", g->is_error, "%s", g->name);
	if (!strcmp(g->relation, "=") && g->delta == 0 && g->tolerance == 0) {
		ok = !strcmp(a.hash, b->hash);
		if (ok)
			result_message(&r, "%s before and after", a.shown);
		else
			result_message(&r, "before: %s; after: %s", b->shown, a.shown);
	} else if (!strcmp(g->relation, "!=") && g->delta == 0 && g->tolerance == 0) {
		ok = strcmp(a.hash, b->hash) != 0;
		result_message(&r, "before: %s; after: %s%s", b->shown, a.shown,
			       ok ? "" : " (expected a change)");
	} else if (!a.is_num || !b->is_num) {
		ok = 0;
		result_message(&r, "relation '%s' with a delta or tolerance needs a query returning one number; before: %s; after: %s",
			       g->relation, b->shown, a.shown);
	} else {
		ok = compare(a.num, g->relation, b->num + g->delta, g->tolerance);
		result_message(&r, "before %.15g, after %.15g; expected after %s before%s%.15g%s",
			       b->num, a.num, g->relation, g->delta < 0 ? " - " : " + ",
			       fabs(g->delta), ok ? "" : " (does not hold)");
	}
	if (!ok) {
		r.status = "fail";
		r.count = 1;
	}
	r.ms = (now_seconds() - t0) * 1000.0;
	session_push(s, &r);
	free(a.shown);
	return 0;
}

/* ------------------------------------------------------------------ gates */

static void add_pk_cols(struct strbuf *sb, const char *alias, const struct table_meta *t)
{
	if (!t->npk) {
		sb_addf(sb, "%s.rowid", alias);
		return;
	}
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, t->cols[t->pk[k]].name);
	}
}

/* p.k1 = w.k1 AND ... (the same key in two tables of the same shape). */
static void add_pk_match(struct strbuf *sb, const char *a, const char *b,
			 const struct table_meta *t)
{
	if (!t->npk) {
		sb_addf(sb, "%s.rowid = %s.rowid", a, b);
		return;
	}
	for (int k = 0; k < t->npk; k++) {
		const char *n = t->cols[t->pk[k]].name;
		if (k)
			sb_adds(sb, " AND ");
		sb_addf(sb, "%s.", a);
		sb_add_qident(sb, n);
		sb_addf(sb, " = %s.", b);
		sb_add_qident(sb, n);
	}
}

static const struct table_meta *pristine_of(const struct check_session *s,
					    const struct table_meta *w)
{
	const struct table_meta *p;
	if (w->created)
		return NULL;
	p = catalog_find_table((struct catalog *)s->pristine, w->source, w->name);
	return p && p->pristine_name ? p : NULL;
}

/* EXISTS (a row of table, alias x, whose key is dd_change.key and that matches where) */
static void add_key_row_match(struct strbuf *sb, const char *table, const struct table_meta *t,
			      const char *where)
{
	sb_adds(sb, "EXISTS (SELECT 1 FROM ");
	sb_add_qident(sb, table);
	sb_adds(sb, " WHERE ");
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, " AND ");
		sb_add_qident(sb, t->cols[t->pk[k]].name);
		sb_addf(sb, " = json_extract(dd_change.key, '$[%d]')", k);
	}
	sb_addf(sb, " AND (%s))", where);
}

static int gate_where_sql(struct check_session *s, const struct gate *g, struct strbuf *sql)
{
	const struct table_meta *w = target_table(s->working, g->table), *p;
	char *cond = NULL;
	if (!w)
		return error("gate '%s': '%s' is not a table of the target", g->name, g->table);
	p = pristine_of(s, w);
	sb_adds(sql, "SELECT op, key, changed, ");
	if (!g->where) {
		sb_adds(sql, "1");
	} else {
		/* PostgreSQL's condition over the table's columns, compiled once,
		 * evaluated on the snapshot's row and on the working row */
		if (!g->sqlite_dialect) {
			char what[300];
			snprintf(what, sizeof(what), "gate '%s': its \"where\"", g->name);
			if (compile_for(s, what, g->where, s->plan ? s->plan->path : "plan.json",
					"after", SQLC_WHERE, g->table, &cond))
				return -1;
		}
		sb_adds(sql, "(");
		if (p) {
			sb_adds(sql, "(op <> 'I' AND ");
			add_key_row_match(sql, p->pristine_name, p, cond ? cond : g->where);
			sb_adds(sql, ") OR ");
		}
		sb_adds(sql, "(op <> 'D' AND ");
		add_key_row_match(sql, w->stage_name, w, cond ? cond : g->where);
		sb_adds(sql, "))");
		free(cond);
	}
	sb_adds(sql, " FROM dd_change WHERE tbl = ?1 ORDER BY seq");
	return 0;
}

/* A gate's "where" must compile before anything runs. */
static int gate_test_where(struct check_session *s, const struct gate *g)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret = -1;
	if (gate_where_sql(s, g, &sql))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		error("gate '%s': its \"where\" does not run", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		hint("The condition is evaluated on the table's rows before (snapshot) and after; use columns that exist in both.");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

static void limit_result(struct check_session *s, struct check_result *r,
			 const char *what, long long limit)
{
	long long n = r->count;
	if (limit < 0) {
		result_release(r);
		return;
	}
	if (n > limit) {
		r->status = "fail";
		if (limit == 0)
			result_message(r, "%lld %s; the gate forbids any", n, what);
		else
			result_message(r, "%lld %s, more than the %lld allowed", n, what, limit);
	} else {
		r->status = "pass";
		result_message(r, "%lld %s (at most %lld)", n, what, limit);
		r->count = 0;
		r->nsample = 0;
		sb_reset(&r->sample);
		sb_reset(&r->shown);
	}
	session_push(s, r);
}

static int check_table_gate(struct check_session *s, const struct gate *g)
{
	enum { R_INS, R_UPD, R_DEL, R_ROWS, R_N };
	static const char *const lname[R_N] = { "max_inserts", "max_updates", "max_deletes", "max_rows" };
	static const char *const lwhat[R_N] = { "inserts", "updates", "deletes", "rows changed" };
	const long long lim[R_N] = { g->max_inserts, g->max_updates, g->max_deletes, g->max_rows };
	struct check_result r[R_N], *cols = xcalloc((size_t)g->nunchanged + 1, sizeof(*cols));
	struct strbuf sql = STRBUF_INIT, shown = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	double t0 = now_seconds();
	int rc, ret = -1;

	for (int i = 0; i < R_N; i++)
		result_init(&r[i], "gate", "after", g->is_error, "%s: %s %lld", g->name, lname[i], lim[i]);
	for (int i = 0; i < g->nunchanged; i++)
		result_init(&cols[i], "gate", "after", g->is_error, "%s: %s unchanged", g->name,
			    g->unchanged[i]);
	if (gate_where_sql(s, g, &sql))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		error("gate '%s': its \"where\" does not run", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, g->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		int which = *op == 'I' ? R_INS : *op == 'U' ? R_UPD : R_DEL;
		if (!sqlite3_column_int(st, 3))
			continue;
		shown_from_json(key, &shown);
		result_add_key(&r[which], key, shown.buf);
		result_add_key(&r[R_ROWS], key, shown.buf);
		if (which == R_UPD && g->nunchanged) {
			cJSON *changed = cJSON_Parse((const char *)sqlite3_column_text(st, 2)), *c;
			cJSON_ArrayForEach(c, changed)
				for (int i = 0; i < g->nunchanged; i++)
					if (cJSON_IsString(c) && !strcmp(c->valuestring, g->unchanged[i]))
						result_add_key(&cols[i], key, shown.buf);
			cJSON_Delete(changed);
		}
	}
	if (rc != SQLITE_DONE) {
		error("gate '%s' failed while running", g->name);
		detail("SQLite says: %s.", sqlite3_errmsg(s->db));
		goto cleanup;
	}
	for (int i = 0; i < R_N; i++) {
		r[i].ms = (now_seconds() - t0) * 1000.0;
		limit_result(s, &r[i], lwhat[i], lim[i]);
	}
	for (int i = 0; i < g->nunchanged; i++) {
		if (cols[i].count)
			result_message(&cols[i], "%lld updated row%s changed '%s'", cols[i].count,
				       cols[i].count == 1 ? "" : "s", g->unchanged[i]);
		cols[i].ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &cols[i]);
	}
	ret = 0;
cleanup:
	for (int i = 0; i < R_N; i++)
		result_release(&r[i]);
	for (int i = 0; i < g->nunchanged; i++)
		result_release(&cols[i]);
	free(cols);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&shown);
	return ret;
}

static int check_total_gate(struct check_session *s, const struct gate *g)
{
	struct changeset_summary sum;
	struct check_result r;
	int rc = changeset_load_summary(s->db, &sum);
	if (rc < 0)
		return -1;
	result_init(&r, "gate", "after", g->is_error, "%s: max_rows %lld", g->name, g->max_rows);
	r.count = sum.inserts + sum.updates + sum.deletes;
	limit_result(s, &r, "rows changed", g->max_rows);
	result_release(&r);
	return 0;
}

/* ============================================================== built-ins */

static int is_rowid_pk(const struct table_meta *t)
{
	return t->npk == 1 && !strcmp(pgtype_sqlite_decl(&t->cols[t->pk[0]].type), "INTEGER");
}

static int is_pk_col(const struct table_meta *t, int ci)
{
	for (int k = 0; k < t->npk; k++)
		if (t->pk[k] == ci)
			return 1;
	return 0;
}

static const struct constraint_meta *find_con(const struct table_meta *t,
					      const char *name, char kind)
{
	for (int i = 0; t && i < t->ncons; i++)
		if (t->cons[i].kind == kind && !strcmp(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

/* Every named column exists in t. */
static int has_columns(const struct table_meta *t, char **cols, int n)
{
	for (int i = 0; i < n; i++)
		if (!t || table_column_index(t, cols[i]) < 0)
			return 0;
	return 1;
}

static void pk_types(const struct table_meta *t, const struct pgtype **types)
{
	static const struct pgtype rowid = { PGK_INT8, 0, -1, -1, 0 };
	if (!t->npk)
		types[0] = &rowid;
	for (int k = 0; k < t->npk; k++)
		types[k] = &t->cols[t->pk[k]].type;
}

static int nkey(const struct table_meta *t)
{
	return t->npk ? t->npk : 1;
}

/* The comparison form of a column: text for typeless storage (uuid folded). */
static void add_norm(struct strbuf *sb, const char *alias, const struct column_meta *c)
{
	int plain = pgtype_is_integer_storage(&c->type) && c->type.kind != PGK_BOOL;
	if (plain) {
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, c->name);
		return;
	}
	sb_adds(sb, c->type.kind == PGK_UUID && !c->type.is_array ? "lower(CAST(" : "CAST(");
	sb_addf(sb, "%s.", alias);
	sb_add_qident(sb, c->name);
	sb_adds(sb, c->type.kind == PGK_UUID && !c->type.is_array ? " AS TEXT))" : " AS TEXT)");
}

/* The streaming state of one constraint check: new and pre-existing rows. */
struct violations {
	struct check_result fresh;  /* caused by the change set: the check's severity */
	struct check_result old;    /* already in the snapshot, rows unchanged: warn */
	struct strbuf json, shown, tmp;
	const struct pgtype *types[64];
};

static void viol_init(struct violations *v, const struct table_meta *t, int is_error,
		      const char *name)
{
	memset(v, 0, sizeof(*v));
	result_init(&v->fresh, "builtin", "after", is_error, "%s", name);
	result_init(&v->old, "builtin", "after", 0, "%s (pre-existing)", name);
	sb_init(&v->json, 0);
	sb_init(&v->shown, 0);
	sb_init(&v->tmp, 0);
	if (t)
		pk_types(t, v->types);
}

static void viol_row(struct violations *v, sqlite3_stmt *st, int nk, int pre)
{
	key_from_stmt(st, 0, nk, v->types, &v->json, &v->shown, &v->tmp);
	result_add_key(pre ? &v->old : &v->fresh, v->json.buf, v->shown.buf);
}

/*
 * Pushes the results: the fresh one always (pass or fail), the
 * pre-existing one only when there are such rows.
 */
static void viol_finish(struct check_session *s, struct violations *v, double t0,
			const char *what)
{
	double ms = (now_seconds() - t0) * 1000.0;
	if (v->fresh.count && what)
		result_message(&v->fresh, "%lld row%s %s", v->fresh.count,
			       v->fresh.count == 1 ? "" : "s", what);
	v->fresh.ms = ms;
	session_push(s, &v->fresh);
	if (v->old.count) {
		result_message(&v->old, "%lld row%s already violated this in the snapshot and the plan does not change them; push does not touch them",
			       v->old.count, v->old.count == 1 ? "" : "s");
		v->old.ms = ms;
		session_push(s, &v->old);
	}
}

static void viol_release(struct violations *v)
{
	result_release(&v->fresh);
	result_release(&v->old);
	sb_release(&v->json);
	sb_release(&v->shown);
	sb_release(&v->tmp);
}

static int prepare_builtin(struct check_session *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		error("cannot run a built-in check: %s", sqlite3_errmsg(s->db));
		detail("Query: %.300s", sql);
		return -1;
	}
	return 0;
}

static int step_error(struct check_session *s, const char *name)
{
	return error("built-in check '%s' failed: %s", name, sqlite3_errmsg(s->db));
}

/* ---------------------------------------------------------------- NOT NULL */

static int check_not_null(struct check_session *s, const struct table_meta *w,
			  const struct table_meta *p, int touched)
{
	int *cols = xcalloc((size_t)w->ncols + 1, sizeof(int));
	int *isnew = xcalloc((size_t)w->ncols + 1, sizeof(int));
	struct violations *v = NULL;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int n = 0, anynew = 0, rc, ret = -1, nk = nkey(w);
	double t0 = now_seconds();

	for (int i = 0; i < w->ncols; i++) {
		int pi;
		if (!(w->cols[i].not_null || is_pk_col(w, i)) || (is_rowid_pk(w) && is_pk_col(w, i)))
			continue;
		pi = p ? table_column_index(p, w->cols[i].name) : -1;
		isnew[n] = pi < 0 || !(p->cols[pi].not_null || is_pk_col(p, pi));
		anynew |= isnew[n];
		cols[n++] = i;
	}
	if (!n) {
		ret = 0;
		goto cleanup;
	}
	if (!s->all && !touched && !anynew) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	for (int k = 0; k < n; k++) {
		const char *c = w->cols[cols[k]].name;
		sb_adds(&sql, ", w.");
		sb_add_qident(&sql, c);
		sb_adds(&sql, " IS NULL, ");
		if (isnew[k]) {
			sb_adds(&sql, "0");
		} else {
			sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
			sb_add_qident(&sql, p->pristine_name);
			sb_adds(&sql, " p WHERE ");
			add_pk_match(&sql, "p", "w", w);
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, c);
			sb_adds(&sql, " IS NULL)");
		}
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_adds(&sql, " w WHERE ");
	for (int k = 0; k < n; k++) {
		if (k)
			sb_adds(&sql, " OR ");
		sb_adds(&sql, "w.");
		sb_add_qident(&sql, w->cols[cols[k]].name);
		sb_adds(&sql, " IS NULL");
	}
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	v = xcalloc((size_t)n, sizeof(*v));
	for (int k = 0; k < n; k++) {
		char name[512];
		snprintf(name, sizeof(name), "not null %s.%s", w->name, w->cols[cols[k]].name);
		viol_init(&v[k], w, 1, name);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int k = 0; k < n; k++)
			if (sqlite3_column_int(st, nk + 2 * k))
				viol_row(&v[k], st, nk, sqlite3_column_int(st, nk + 2 * k + 1));
	if (rc != SQLITE_DONE) {
		step_error(s, "not null");
		goto cleanup;
	}
	{
		int any = 0;
		for (int k = 0; k < n; k++)
			any |= v[k].fresh.count || v[k].old.count;
		if (!any) {
			struct check_result r;
			result_init(&r, "builtin", "after", 1, "not null %s", w->name);
			result_message(&r, "%d column%s", n, n == 1 ? "" : "s");
			r.ms = (now_seconds() - t0) * 1000.0;
			session_push(s, &r);
		} else {
			for (int k = 0; k < n; k++) {
				if (!v[k].fresh.count && !v[k].old.count)
					continue;
				if (v[k].fresh.count)
					result_message(&v[k].fresh, "%lld row%s NULL%s", v[k].fresh.count,
						       v[k].fresh.count == 1 ? " is" : "s are",
						       isnew[k] ? "; the plan makes the column NOT NULL" : "");
				if (!v[k].fresh.count) {
					v[k].old.ms = (now_seconds() - t0) * 1000.0;
					result_message(&v[k].old, "%lld row%s already NULL in the snapshot and unchanged",
						       v[k].old.count, v[k].old.count == 1 ? "" : "s");
					session_push(s, &v[k].old);
				} else {
					viol_finish(s, &v[k], t0, NULL);
				}
			}
		}
	}
	ret = 0;
cleanup:
	for (int k = 0; v && k < n; k++)
		viol_release(&v[k]);
	free(v);
	sqlite3_finalize(st);
	sb_release(&sql);
	free(cols);
	free(isnew);
	return ret;
}

/* ---------------------------------------------------------------- uniques */

/*
 * Rows sharing values in cols (compared as text, uuid case-folded): first
 * a GROUP BY that finds the duplicated values (the usual answer is none),
 * then the rows holding them, grouped, so that a group whose rows are all
 * unchanged since the snapshot counts as pre-existing.
 */
static int unique_scan(struct check_session *s, const struct table_meta *w,
		       const struct table_meta *p, const int *cols, int n,
		       const char *name, int isnew, int nulls_equal,
		       const char *filter, const int *fused, double t0)
{
	struct strbuf norms = STRBUF_INIT, cond = STRBUF_INIT, sql = STRBUF_INIT,
		      gkey = STRBUF_INIT, prev = STRBUF_INIT;
	struct violations v;
	sqlite3_stmt *st = NULL;
	long long groups = 0;
	int rc, ret = -1, nk = nkey(w);
	/* the current group: its first keys, held until it is known new or old */
	char *gjson[CHECK_SAMPLE_MAX], *gshown[CHECK_SAMPLE_MAX];
	int gn = 0, gsame = 1, started = 0;
	long long gcount = 0;

	viol_init(&v, w, 1, name);
	for (int k = 0; k < n; k++) {
		if (k) {
			sb_adds(&norms, ", ");
			sb_adds(&cond, " AND ");
		}
		if (nulls_equal)
			sb_adds(&norms, "ifnull(");
		add_norm(&norms, "w", &w->cols[cols[k]]);
		if (nulls_equal)
			sb_adds(&norms, ", x'00')");
		sb_adds(&cond, "w.");
		sb_add_qident(&cond, w->cols[cols[k]].name);
		sb_adds(&cond, " IS NOT NULL");
	}
	if (nulls_equal) {
		sb_reset(&cond);
		sb_adds(&cond, "1");
	}
	if (filter) /* a partial index: only the rows it covers */
		sb_addf(&cond, " AND %s", filter);
	sb_adds(&sql, "SELECT count(*) FROM (SELECT 1 FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_addf(&sql, " w WHERE %s GROUP BY %s HAVING count(*) > 1)", cond.buf, norms.buf);
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	if (sqlite3_step(st) != SQLITE_ROW) {
		step_error(s, name);
		goto cleanup;
	}
	groups = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (groups) {
		sb_reset(&sql);
		sb_adds(&sql, "SELECT ");
		add_pk_cols(&sql, "w", w);
		sb_adds(&sql, ", ");
		if (isnew || !p) {
			sb_adds(&sql, "0");
		} else {
			sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
			sb_add_qident(&sql, p->pristine_name);
			sb_adds(&sql, " p WHERE ");
			add_pk_match(&sql, "p", "w", w);
			for (int i = 0; i < w->ncols; i++) {
				int in = fused && fused[i];
				for (int k = 0; k < n; k++)
					in |= cols[k] == i;
				if (!in)
					continue;
				sb_adds(&sql, " AND p.");
				sb_add_qident(&sql, w->cols[i].name);
				sb_adds(&sql, " IS w.");
				sb_add_qident(&sql, w->cols[i].name);
			}
			sb_adds(&sql, ")");
		}
		sb_addf(&sql, ", %s FROM ", norms.buf);
		sb_add_qident(&sql, w->stage_name);
		sb_addf(&sql, " w WHERE %s AND (%s) IN (SELECT %s FROM ", cond.buf, norms.buf, norms.buf);
		sb_add_qident(&sql, w->stage_name);
		sb_addf(&sql, " w WHERE %s GROUP BY %s HAVING count(*) > 1) ORDER BY %s, ",
			cond.buf, norms.buf, norms.buf);
		add_pk_cols(&sql, "w", w);
		if (prepare_builtin(s, sql.buf, &st))
			goto cleanup;
		for (;;) {
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				sb_reset(&gkey);
				for (int k = 0; k < n; k++) {
					sqlite3_value *val = sqlite3_column_value(st, nk + 1 + k);
					sb_addf(&gkey, "%d:", sqlite3_value_type(val));
					sb_add(&gkey, sqlite3_value_blob(val), (size_t)sqlite3_value_bytes(val));
					sb_addch(&gkey, '\x1f');
				}
			}
			if (started && (rc != SQLITE_ROW || gkey.len != prev.len ||
					memcmp(gkey.buf, prev.buf, gkey.len))) {
				/* a group ends: all its rows unchanged => pre-existing */
				struct check_result *to = gsame ? &v.old : &v.fresh;
				for (int i = 0; i < gn; i++) {
					result_add_key(to, gjson[i], gshown[i]);
					free(gjson[i]);
					free(gshown[i]);
				}
				to->count += gcount - gn;
				gn = 0;
				gcount = 0;
				gsame = 1;
			}
			if (rc != SQLITE_ROW)
				break;
			started = 1;
			sb_reset(&prev);
			sb_add(&prev, gkey.buf, gkey.len);
			gcount++;
			gsame &= sqlite3_column_int(st, nk);
			if (gn < CHECK_SAMPLE_MAX) {
				key_from_stmt(st, 0, nk, v.types, &v.json, &v.shown, &v.tmp);
				gjson[gn] = xstrdup(v.json.buf);
				gshown[gn] = xstrdup(v.shown.buf);
				gn++;
			}
		}
		if (rc != SQLITE_DONE) {
			step_error(s, name);
			goto cleanup;
		}
	}
	viol_finish(s, &v, t0, "share a value with another row");
	ret = 0;
cleanup:
	for (int i = 0; i < gn; i++) {
		free(gjson[i]);
		free(gshown[i]);
	}
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&norms);
	sb_release(&cond);
	sb_release(&sql);
	sb_release(&gkey);
	sb_release(&prev);
	return ret;
}

static int check_primary_key(struct check_session *s, const struct table_meta *w,
			     const struct table_meta *p, int touched)
{
	struct strbuf sql = STRBUF_INIT, name = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret = -1, typeless = 0;
	double t0 = now_seconds();

	if (!w->npk)
		return 0;
	for (int i = 0; i < w->ncons; i++)
		if (w->cons[i].kind == 'p')
			sb_addf(&name, "primary key %s", w->cons[i].name);
	if (!name.len)
		sb_addf(&name, "primary key %s", w->name);
	if (!s->all && !touched && p) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	/*
	 * The staging table's own key keeps stored values unique; two values
	 * can only be equal in PostgreSQL and distinct here when a typeless
	 * column holds them in different storage classes (1 and '1'), or as
	 * uuids differing in case.  Probe for that before grouping.
	 */
	if (!is_rowid_pk(w)) {
		sb_adds(&sql, "SELECT 1 FROM ");
		sb_add_qident(&sql, w->stage_name);
		sb_adds(&sql, " WHERE 0");
		for (int k = 0; k < w->npk; k++) {
			const struct column_meta *c = &w->cols[w->pk[k]];
			if (pgtype_is_integer_storage(&c->type) && c->type.kind != PGK_BOOL)
				continue;
			typeless = 1;
			sb_adds(&sql, " OR typeof(");
			sb_add_qident(&sql, c->name);
			sb_adds(&sql, ") NOT IN ('text', 'null')");
			if (c->type.kind == PGK_UUID && !c->type.is_array) {
				sb_adds(&sql, " OR ");
				sb_add_qident(&sql, c->name);
				sb_adds(&sql, " <> lower(");
				sb_add_qident(&sql, c->name);
				sb_adds(&sql, ")");
			}
		}
		sb_adds(&sql, " LIMIT 1");
	}
	if (typeless) {
		int r;
		if (prepare_builtin(s, sql.buf, &st))
			goto cleanup;
		r = sqlite3_step(st);
		sqlite3_finalize(st);
		st = NULL;
		if (r == SQLITE_ROW) {
			ret = unique_scan(s, w, p, w->pk, w->npk, name.buf, 1, 0, NULL, NULL, t0);
			goto cleanup;
		}
		if (r != SQLITE_DONE) {
			step_error(s, name.buf);
			goto cleanup;
		}
	}
	{
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "%s", name.buf);
		r.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &r);
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&name);
	return ret;
}

static int check_unique(struct check_session *s, const struct table_meta *w,
			const struct table_meta *p, const struct constraint_meta *c,
			int touched)
{
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'u') : NULL;
	int isnew = !pc || !has_columns(p, c->columns, c->ncolumns);
	int *cols, ret;
	char name[512];

	if (!has_columns(w, c->columns, c->ncolumns) || !c->ncolumns)
		return 0;
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		return 0;
	}
	cols = xcalloc((size_t)c->ncolumns, sizeof(int));
	for (int k = 0; k < c->ncolumns; k++)
		cols[k] = table_column_index(w, c->columns[k]);
	snprintf(name, sizeof(name), "unique %s", c->name);
	ret = unique_scan(s, w, p, cols, c->ncolumns, name, isnew,
			  c->definition && strstr(c->definition, "NULLS NOT DISTINCT") != NULL,
			  NULL, NULL, now_seconds());
	free(cols);
	return ret;
}

/*
 * The columns of a unique index definition ("CREATE UNIQUE INDEX n ON
 * s.t USING btree (a, "B" DESC)").  Returns 0, or 1 with *why when the
 * index is on expressions or cannot be read; *rest points after the list.
 */
static int index_columns(const char *def, const struct table_meta *w, int *cols,
			 int *n, const char **rest, const char **why)
{
	const char *q = strstr(def, " USING ");
	q = q ? strchr(q, '(') : strchr(def, '(');
	*n = 0;
	*why = "its definition, which could not be read,";
	if (!q)
		return 1;
	for (q++;;) {
		char col[256];
		size_t len = 0;
		int ci;
		while (*q == ' ')
			q++;
		if (*q == '"') {
			for (q++; *q; q++) {
				if (*q == '"') {
					if (q[1] != '"')
						break;
					q++;
				}
				if (len < sizeof(col) - 1)
					col[len++] = *q;
			}
			if (*q != '"')
				return 1;
			q++;
		} else {
			while (isalnum((unsigned char)*q) || *q == '_' || *q == '$') {
				if (len < sizeof(col) - 1)
					col[len++] = *q;
				q++;
			}
		}
		col[len] = '\0';
		/* the rest of the item: ASC, DESC, NULLS FIRST, an opclass, COLLATE "x" */
		for (; *q && *q != ',' && *q != ')'; q++) {
			if (*q == '(')
				break;
			if (*q == '"')
				for (q++; *q && *q != '"'; q++)
					;
			if (!*q)
				return 1;
		}
		if (!len || *q == '(') {
			*why = "an index on an expression";
			return 1;
		}
		ci = table_column_index(w, col);
		if (ci < 0) {
			*why = "an index on a column the table does not have";
			return 1;
		}
		cols[(*n)++] = ci;
		if (*q == ')') {
			*rest = q + 1;
			return 0;
		}
		if (!*q)
			return 1;
		q++;
	}
}

/*
 * A unique index that is not the index of a constraint: plain column
 * lists are checked like unique constraints; expressions and partial
 * indexes are reported unverifiable.
 */
static int check_unique_index(struct check_session *s, const struct table_meta *w,
			      const struct table_meta *p, const struct index_meta *ix,
			      int touched)
{
	int *cols, *fused, n = 0, ret = 0, isnew = !p;
	const char *why = NULL, *rest = "";
	char name[512], reason[200], reason2[260];
	struct strbuf filter = STRBUF_INIT;

	if (strncasecmp(ix->definition, "CREATE UNIQUE INDEX", 19))
		return 0;
	for (int i = 0; i < w->ncons; i++)
		if ((w->cons[i].kind == 'u' || w->cons[i].kind == 'p') &&
		    !strcmp(w->cons[i].name, ix->name))
			return 0; /* checked as the constraint */
	if (p) {
		isnew = 1;
		for (int i = 0; i < p->nidx; i++)
			if (!strcmp(p->idx[i].name, ix->name))
				isnew = 0;
	}
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		return 0;
	}
	snprintf(name, sizeof(name), "unique index %s", ix->name);
	cols = xcalloc((size_t)w->ncols + 1, sizeof(int));
	fused = xcalloc((size_t)w->ncols + 1, sizeof(int));
	if (!index_columns(ix->definition, w, cols, &n, &rest, &why)) {
		const char *where = strstr(rest, " WHERE ");
		if (where && checkexpr_translate_condition(where + 7, w, "w", &filter, fused,
							  reason, sizeof(reason))) {
			snprintf(reason2, sizeof(reason2), "its WHERE clause: %s", reason);
			why = reason2;
			n = 0;
		}
	}
	if (n) {
		ret = unique_scan(s, w, p, cols, n, name, isnew,
				  strstr(rest, "NULLS NOT DISTINCT") != NULL,
				  filter.len ? filter.buf : NULL, fused, now_seconds());
	} else {
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "%s", name);
		r.status = "unverifiable";
		result_message(&r, "%s cannot be evaluated offline; verified on the target at push", why);
		session_push(s, &r);
	}
	sb_release(&filter);
	free(fused);
	free(cols);
	return ret;
}

/* ----------------------------------------------------------- foreign keys */

static const char *fk_action(char c)
{
	switch (c) {
	case 'c': return "ON DELETE CASCADE";
	case 'n': return "ON DELETE SET NULL";
	case 'd': return "ON DELETE SET DEFAULT";
	default: return NULL;
	}
}

/* The child's value of foreign key column k, as stored, as text or as lower-case text. */
static void add_fk_value(struct strbuf *sb, const struct constraint_meta *c, int k, int form)
{
	sb_adds(sb, form == 0 ? "" : form == 1 ? "CAST(" : "lower(CAST(");
	sb_adds(sb, "w.");
	sb_add_qident(sb, c->columns[k]);
	sb_adds(sb, form == 0 ? "" : form == 1 ? " AS TEXT)" : " AS TEXT))");
}

/*
 * A condition true when child row w finds no parent row in parent_table:
 * "((w.a, w.b) IN (SELECT r.x, r.y FROM parent r)) IS NOT 1".  SQLite
 * answers IN from the parent's key index (or a temporary one it builds
 * once), which is faster than a correlated NOT EXISTS; "IS NOT 1" keeps it
 * right when the list holds a NULL (IN is then NULL, not false).
 */
static void add_fk_missing(struct strbuf *sb, const struct constraint_meta *c,
			   const char *parent_table, int form)
{
	sb_adds(sb, c->ncolumns > 1 ? "((" : "(");
	for (int k = 0; k < c->ncolumns; k++) {
		if (k)
			sb_adds(sb, ", ");
		add_fk_value(sb, c, k, form);
	}
	sb_adds(sb, c->ncolumns > 1 ? ") IN (SELECT " : " IN (SELECT ");
	for (int k = 0; k < c->nref_columns; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_adds(sb, "r.");
		sb_add_qident(sb, c->ref_columns[k]);
	}
	sb_adds(sb, " FROM ");
	sb_add_qident(sb, parent_table);
	sb_adds(sb, " r)) IS NOT 1");
}

static int check_foreign_key(struct check_session *s, const struct table_meta *w,
			     const struct table_meta *p, const struct constraint_meta *c,
			     int touched, const int *touched_of, const struct table_meta **tables,
			     int ntables)
{
	const struct source_meta *tgt = catalog_target((struct catalog *)s->working);
	const struct table_meta *parent = NULL, *pparent = NULL;
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'f') : NULL;
	struct strbuf sql = STRBUF_INIT, what = STRBUF_INIT;
	struct violations v;
	sqlite3_stmt *st = NULL;
	int ptouched = 0, isnew, classify, typeless = 0, uuid = 0, rc, ret = -1, nk = nkey(w);
	/* NOT VALID: PostgreSQL checks only rows written from now on */
	int not_valid = c->definition && strstr(c->definition, " NOT VALID") != NULL;
	char name[512];
	double t0 = now_seconds();

	snprintf(name, sizeof(name), "fk %s", c->name);
	viol_init(&v, w, 1, name);
	if (!has_columns(w, c->columns, c->ncolumns) || !c->ncolumns) {
		ret = 0;
		goto cleanup;
	}
	if (!c->ref_schema || !strcmp(c->ref_schema, tgt->schema)) {
		for (int i = 0; i < ntables; i++)
			if (!strcmp(tables[i]->name, c->ref_table)) {
				parent = tables[i];
				ptouched = touched_of[i];
			}
	}
	pparent = parent ? pristine_of(s, parent) : NULL;
	classify = p && pparent && has_columns(p, c->columns, c->ncolumns) &&
		   has_columns(pparent, c->ref_columns, c->nref_columns);
	isnew = !pc || !classify;
	classify = classify && (pc || not_valid);
	if (!s->all && !touched && !ptouched && !isnew && parent) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	if (!parent || !has_columns(parent, c->ref_columns, c->nref_columns)) {
		if (!s->all && !touched && pc) {
			s->skipped++;
			ret = 0;
			goto cleanup;
		}
		v.fresh.status = "unverifiable";
		result_message(&v.fresh, "references '%s%s%s', which is not in the snapshot; verified on the target at push",
			       c->ref_schema ? c->ref_schema : "", c->ref_schema ? "." : "",
			       c->ref_table);
		session_push(s, &v.fresh);
		ret = 0;
		goto cleanup;
	}
	for (int k = 0; k < c->ncolumns; k++) {
		const struct column_meta *col = &w->cols[table_column_index(w, c->columns[k])];
		if (!(pgtype_is_integer_storage(&col->type) && col->type.kind != PGK_BOOL))
			typeless = 1;
		if (col->type.kind == PGK_UUID && !col->type.is_array)
			uuid = 1;
	}

	/*
	 * Child rows whose key columns are all non-NULL (MATCH SIMPLE) and
	 * match no parent row.  Typeless columns are tried again as text
	 * (and folded uuids) only for the rows the plain comparison finds,
	 * so the common case costs one index probe per row.
	 */
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	sb_adds(&sql, ", ");
	if (!classify) {
		sb_adds(&sql, "0");
	} else {
		sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p WHERE ");
		add_pk_match(&sql, "p", "w", w);
		for (int k = 0; k < c->ncolumns; k++) {
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, c->columns[k]);
			sb_adds(&sql, " IS w.");
			sb_add_qident(&sql, c->columns[k]);
		}
		sb_adds(&sql, ") AND ");
		add_fk_missing(&sql, c, pparent->pristine_name, 0);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_adds(&sql, " w WHERE ");
	for (int k = 0; k < c->ncolumns; k++) {
		sb_adds(&sql, "w.");
		sb_add_qident(&sql, c->columns[k]);
		sb_adds(&sql, " IS NOT NULL AND ");
	}
	add_fk_missing(&sql, c, parent->stage_name, 0);
	if (typeless) {
		sb_adds(&sql, " AND ");
		add_fk_missing(&sql, c, parent->stage_name, 1);
	}
	if (uuid) {
		sb_adds(&sql, " AND ");
		add_fk_missing(&sql, c, parent->stage_name, 2);
	}
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		viol_row(&v, st, nk, sqlite3_column_int(st, nk));
	if (rc != SQLITE_DONE) {
		step_error(s, name);
		goto cleanup;
	}
	sb_addf(&what, "of '%s' reference%s '%s' rows that do not exist", w->name,
		v.fresh.count == 1 ? "s" : "", parent->name);
	if (v.fresh.count && fk_action(c->on_delete))
		sb_addf(&what, " (%s: the target would remove or change them, which the change set does not say; do it in a step)",
			fk_action(c->on_delete));
	if (v.fresh.count && parent->row_filter) {
		/* the missing parents may only be outside the snapshot's filter */
		v.fresh.severity = "warn";
		sb_addf(&what, "; '%s' was snapshotted with a filter, so they may exist on the target (push checks them)",
			parent->name);
	}
	viol_finish(s, &v, t0, what.buf);
	ret = 0;
cleanup:
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&what);
	return ret;
}

/* ------------------------------------------------------ CHECK constraints */

static int check_check(struct check_session *s, const struct table_meta *w,
		       const struct table_meta *p, const struct constraint_meta *c, int touched)
{
	const struct constraint_meta *pc = p ? find_con(p, c->name, 'c') : NULL;
	struct strbuf expr = STRBUF_INIT, sql = STRBUF_INIT;
	int *used = xcalloc((size_t)w->ncols + 1, sizeof(int));
	struct violations v;
	sqlite3_stmt *st = NULL;
	int isnew = !pc, rc, ret = -1, nk = nkey(w);
	char name[512], why[200];
	double t0 = now_seconds();

	snprintf(name, sizeof(name), "check %s", c->name);
	viol_init(&v, w, 1, name);
	if (!s->all && !touched && !isnew) {
		s->skipped++;
		ret = 0;
		goto cleanup;
	}
	if (checkexpr_translate(c->definition, w, "w", &expr, used, why, sizeof(why))) {
		v.fresh.status = "unverifiable";
		result_message(&v.fresh, "%s: %s cannot be evaluated offline; verified on the target at push",
			       c->definition && *c->definition ? c->definition : "(no definition)", why);
		session_push(s, &v.fresh);
		ret = 0;
		goto cleanup;
	}
	for (int i = 0; i < w->ncols && !isnew; i++)
		if (used[i] && table_column_index(p, w->cols[i].name) < 0)
			isnew = 1;
	sb_adds(&sql, "SELECT ");
	add_pk_cols(&sql, "w", w);
	sb_adds(&sql, ", ");
	if (isnew) {
		sb_adds(&sql, "0");
	} else {
		sb_adds(&sql, "EXISTS (SELECT 1 FROM ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p WHERE ");
		add_pk_match(&sql, "p", "w", w);
		for (int i = 0; i < w->ncols; i++) {
			if (!used[i])
				continue;
			sb_adds(&sql, " AND p.");
			sb_add_qident(&sql, w->cols[i].name);
			sb_adds(&sql, " IS w.");
			sb_add_qident(&sql, w->cols[i].name);
		}
		sb_adds(&sql, ")");
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, w->stage_name);
	sb_addf(&sql, " w WHERE NOT %s", expr.buf);
	if (prepare_builtin(s, sql.buf, &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		viol_row(&v, st, nk, sqlite3_column_int(st, nk));
	if (rc != SQLITE_DONE) {
		step_error(s, name);
		goto cleanup;
	}
	if (v.fresh.count)
		result_message(&v.fresh, "%lld row%s %s", v.fresh.count,
			       v.fresh.count == 1 ? " violates" : "s violate", c->definition);
	viol_finish(s, &v, t0, NULL);
	ret = 0;
cleanup:
	viol_release(&v);
	sqlite3_finalize(st);
	sb_release(&expr);
	sb_release(&sql);
	free(used);
	return ret;
}

/* --------------------------------------------------------- type conformity */

struct col_types {
	int wi;                      /* working column index, -1 if unknown */
	const char *const *labels;   /* enum labels */
	int nlabels;
	struct check_result res;
};

/*
 * Every value the change set writes (all of an insert, the changed
 * columns of an update), read from dd_change in the PostgreSQL text push
 * sends, checked with pgvalue_check().
 */
static int check_types(struct check_session *s, const struct table_meta *w)
{
	struct strbuf shown = STRBUF_INIT, val = STRBUF_INIT;
	sqlite3_stmt *cs = NULL, *st = NULL;
	cJSON *names = NULL;
	struct col_types *ct = NULL;
	int n = 0, rc, ret = -1, bad = 0;
	long long rows = 0, values = 0;
	double t0 = now_seconds();

	if (sqlite3_prepare_v2(s->db, "SELECT cols_after FROM dd_change_columns WHERE tbl = ?1",
			       -1, &cs, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(cs, 1, w->name, -1, SQLITE_STATIC);
	if (sqlite3_step(cs) != SQLITE_ROW) {
		ret = 0; /* no change set for this table */
		goto cleanup;
	}
	names = cJSON_Parse((const char *)sqlite3_column_text(cs, 0));
	n = cJSON_GetArraySize(names);
	ct = xcalloc((size_t)n + 1, sizeof(*ct));
	for (int i = 0; i < n; i++) {
		cJSON *nm = cJSON_GetArrayItem(names, i);
		ct[i].wi = cJSON_IsString(nm) ? table_column_index(w, nm->valuestring) : -1;
		if (ct[i].wi >= 0 && w->cols[ct[i].wi].is_enum) {
			const struct enum_meta *e = catalog_find_enum(s->working, w->source,
								      w->cols[ct[i].wi].enum_type);
			if (e) {
				ct[i].labels = (const char *const *)e->labels;
				ct[i].nlabels = e->nlabels;
			}
		}
		if (ct[i].wi >= 0) {
			const struct column_meta *col = &w->cols[ct[i].wi];
			result_init(&ct[i].res, "builtin", "after", 1, "types %s.%s", w->name, col->name);
		}
	}
	if (sqlite3_prepare_v2(s->db, "SELECT op, key, new_row, changed FROM dd_change "
				      "WHERE tbl = ?1 AND op <> 'D' ORDER BY seq",
			       -1, &st, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		cJSON *row = cJSON_Parse((const char *)sqlite3_column_text(st, 2));
		cJSON *changed = *op == 'U' ? cJSON_Parse((const char *)sqlite3_column_text(st, 3)) : NULL;
		cJSON *v;
		int i = 0;
		rows++;
		cJSON_ArrayForEach(v, row) {
			struct col_types *c = &ct[i < n ? i : 0];
			const struct column_meta *col;
			const char *why = NULL;
			if (i++ >= n || c->wi < 0 || !cJSON_IsString(v))
				continue;
			col = &w->cols[c->wi];
			if (changed) {
				cJSON *cn;
				int hit = 0;
				cJSON_ArrayForEach(cn, changed)
					if (cJSON_IsString(cn) && !strcmp(cn->valuestring, col->name))
						hit = 1;
				if (!hit)
					continue;
			}
			values++;
			if (!pgvalue_check(&col->type, v->valuestring, strlen(v->valuestring),
					   c->labels, c->nlabels, &why))
				continue;
			bad++;
			if (!c->res.count) {
				sb_reset(&val);
				add_shown_value(&val, v->valuestring, strlen(v->valuestring));
				result_message(&c->res, "'%s' is not a valid %s: %s", val.buf,
					       col->pg_type, why ? why : "invalid");
			}
			shown_from_json(key, &shown);
			result_add_key(&c->res, key, shown.buf);
		}
		cJSON_Delete(row);
		cJSON_Delete(changed);
	}
	if (rc != SQLITE_DONE) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	if (!rows) {
		ret = 0;
		goto cleanup;
	}
	if (!bad) {
		struct check_result r;
		result_init(&r, "builtin", "after", 1, "types %s", w->name);
		result_message(&r, "%lld value%s in %lld inserted or updated row%s", values,
			       values == 1 ? "" : "s", rows, rows == 1 ? "" : "s");
		r.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &r);
	}
	for (int i = 0; i < n; i++) {
		if (!ct[i].res.count)
			continue;
		if (ct[i].res.count > 1) {
			char *m = xasprintf("%s (and %lld more)", ct[i].res.message, ct[i].res.count - 1);
			free(ct[i].res.message);
			ct[i].res.message = m;
		}
		ct[i].res.ms = (now_seconds() - t0) * 1000.0;
		session_push(s, &ct[i].res);
	}
	ret = 0;
cleanup:
	for (int i = 0; ct && i < n; i++)
		if (ct[i].res.name)
			result_release(&ct[i].res);
	free(ct);
	cJSON_Delete(names);
	sqlite3_finalize(cs);
	sqlite3_finalize(st);
	sb_release(&shown);
	sb_release(&val);
	return ret;
}

/* -------------------------------------------------------------- the tables */

static int cmp_tables(const void *a, const void *b)
{
	const struct table_meta *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int run_builtins(struct check_session *s)
{
	const struct source_meta *tgt = catalog_target((struct catalog *)s->working);
	const struct table_meta **tables = xcalloc((size_t)s->working->ntables + 1, sizeof(*tables));
	int *touched = xcalloc((size_t)s->working->ntables + 1, sizeof(int));
	sqlite3_stmt *st = NULL;
	int n = 0, ret = -1;

	for (int i = 0; tgt && i < s->working->ntables; i++) {
		const struct table_meta *t = &s->working->tables[i];
		if (!strcmp(t->source, tgt->name) && !t->dropped)
			tables[n++] = t;
	}
	qsort(tables, (size_t)n, sizeof(*tables), cmp_tables);
	if (sqlite3_prepare_v2(s->db, "SELECT inserts + updates + deletes FROM dd_change_table "
				      "WHERE tbl = ?1", -1, &st, NULL)) {
		stage_error(s->db, "cannot read the change set");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, tables[i]->name, -1, SQLITE_STATIC);
		touched[i] = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
		sqlite3_reset(st);
	}
	for (int i = 0; i < n; i++) {
		const struct table_meta *w = tables[i], *p = pristine_of(s, w);
		if (check_primary_key(s, w, p, touched[i]) || check_not_null(s, w, p, touched[i]))
			goto cleanup;
		for (int k = 0; k < w->ncons; k++) {
			const struct constraint_meta *c = &w->cons[k];
			int r = 0;
			switch (c->kind) {
			case 'u':
				r = check_unique(s, w, p, c, touched[i]);
				break;
			case 'f':
				r = check_foreign_key(s, w, p, c, touched[i], touched, tables, n);
				break;
			case 'c':
				r = check_check(s, w, p, c, touched[i]);
				break;
			case 'x':
				if (!s->all && !touched[i] && find_con(p, c->name, 'x')) {
					s->skipped++;
				} else {
					struct check_result res;
					result_init(&res, "builtin", "after", 1, "exclusion %s", c->name);
					res.status = "unverifiable";
					result_message(&res, "exclusion constraints are verified on the target at push");
					session_push(s, &res);
				}
				break;
			default:
				break;
			}
			if (r)
				goto cleanup;
		}
		for (int k = 0; k < w->nidx; k++)
			if (check_unique_index(s, w, p, &w->idx[k], touched[i]))
				goto cleanup;
		if (check_types(s, w))
			goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	free(tables);
	free(touched);
	return ret;
}

/* ============================================================ the phases */

static int before_values(struct check_session *s)
{
	int ret = 0;
	if (s->before_done)
		return 0;
	if (before_views(s, 1))
		return -1;
	for (int i = 0; !ret && i < s->spec->nchecks; i++)
		if (s->spec->checks[i].when & WHEN_BEFORE)
			ret = run_plan_check(s, &s->spec->checks[i], "before");
	for (int i = 0; !ret && i < s->spec->ngates; i++) {
		if (s->spec->gates[i].kind != GATE_INVARIANT)
			continue;
		free(s->inv_before[i].shown);
		ret = eval_invariant(s, &s->spec->gates[i], "before", &s->inv_before[i]);
	}
	if (before_views(s, 0))
		ret = -1;
	if (!ret)
		s->before_done = 1;
	return ret;
}

int checks_run_before(struct check_session *s)
{
	if (before_values(s))
		return -1;
	for (int i = 0; i < s->spec->ngates; i++)
		if (s->spec->gates[i].kind == GATE_TABLE && s->spec->gates[i].where &&
		    gate_test_where(s, &s->spec->gates[i]))
			return -1;
	return 0;
}

int checks_run_after(struct check_session *s)
{
	if (before_values(s))
		return -1;
	for (int i = 0; i < s->spec->nchecks; i++)
		if ((s->spec->checks[i].when & WHEN_AFTER) &&
		    run_plan_check(s, &s->spec->checks[i], "after"))
			return -1;
	for (int i = 0; i < s->spec->ngates; i++) {
		const struct gate *g = &s->spec->gates[i];
		int r = g->kind == GATE_TABLE ? check_table_gate(s, g)
			: g->kind == GATE_TOTAL ? check_total_gate(s, g)
			: check_invariant(s, i);
		if (r)
			return -1;
	}
	return run_builtins(s);
}

/* ============================================================= reporting */

void checks_totals(const struct check_session *s, struct check_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		if (!strcmp(r->status, "pass")) {
			t->passed++;
		} else if (!strcmp(r->status, "fixed")) {
			t->fixed++;
		} else if (!strcmp(r->status, "unverifiable")) {
			t->unverifiable++;
		} else {
			t->failed++;
			if (!strcmp(r->severity, "error"))
				t->errors++;
			else
				t->warnings++;
		}
	}
}

int checks_store(struct check_session *s, long long *id)
{
	struct check_totals t;
	struct changeset_summary sum;
	sqlite3_stmt *run = NULL, *res = NULL;
	char *now = utc_timestamp();
	int have, ret = -1;

	checks_totals(s, &t);
	have = changeset_load_summary(s->db, &sum);
	if (have < 0)
		goto cleanup;
	if (stage_exec(s->db, "BEGIN"))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO dd_check_run (at, run, changeset_hash, phase, "
				      "errors, warnings, passed) "
				      "VALUES (?1, ?2, ?3, 'all', ?4, ?5, ?6)",
			       -1, &run, NULL) ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO dd_check_result (check_run, seq, name, kind, "
				      "severity, status, count, sample, message, duration_ms) "
				      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			       -1, &res, NULL))
		goto dberr;
	sqlite3_bind_text(run, 1, now, -1, SQLITE_STATIC);
	if (s->run)
		sqlite3_bind_int64(run, 2, s->run);
	if (have == 0)
		sqlite3_bind_text(run, 3, sum.hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(run, 4, t.errors);
	sqlite3_bind_int(run, 5, t.warnings);
	sqlite3_bind_int(run, 6, t.passed + t.fixed);
	if (sqlite3_step(run) != SQLITE_DONE)
		goto dberr;
	*id = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		sqlite3_bind_int64(res, 1, *id);
		sqlite3_bind_int(res, 2, i + 1);
		sqlite3_bind_text(res, 3, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 4, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 5, r->severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 6, r->status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(res, 7, r->count);
		sqlite3_bind_text(res, 8, r->sample.len ? r->sample.buf : "[]", -1, SQLITE_STATIC);
		if (r->message)
			sqlite3_bind_text(res, 9, r->message, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(res, 9);
		sqlite3_bind_double(res, 10, r->ms);
		if (sqlite3_step(res) != SQLITE_DONE)
			goto dberr;
		sqlite3_reset(res);
	}
	sqlite3_finalize(run);
	sqlite3_finalize(res);
	run = res = NULL;
	fault_point("check.store_before_commit");
	if (stage_exec(s->db, "COMMIT"))
		goto rollback;
	fault_point("check.after_store");
	ret = 0;
	goto cleanup;
dberr:
	stage_error(s->db, "cannot store the check results");
rollback:
	sqlite3_finalize(run);
	sqlite3_finalize(res);
	run = res = NULL;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	free(now);
	return ret;
}

/* Names are never cut: a longer one pushes its own line out of alignment. */
static void print_name(FILE *f, const char *s, int width)
{
	fprintf(f, "%-*s", width, s);
}

static int listed(const struct check_result *r, int which)
{
	if (which == PRINT_ALL)
		return 1;
	if (!strcmp(r->status, "fail"))
		return 1;
	return which == PRINT_PROBLEMS && !strcmp(r->status, "unverifiable");
}

void checks_print(const struct check_session *s, FILE *f, int which)
{
	int w = 5, shown = 0;
	for (int i = 0; i < s->nres; i++) {
		int len = (int)strlen(s->res[i].name);
		if (listed(&s->res[i], which) && len > w)
			w = len;
	}
	if (w > 60)
		w = 60;
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		if (!listed(r, which))
			continue;
		if (!shown++) {
			print_name(f, "check", w);
			fprintf(f, "  %-8s  %-12s  %7s  %s\n", "severity", "status", "count", "sample keys");
		}
		print_name(f, r->name, w);
		fprintf(f, "  %-8s  %-12s  ", r->severity, r->status);
		if (!strcmp(r->status, "unverifiable"))
			fprintf(f, "%7s  ", "-");
		else
			fprintf(f, "%7lld  ", r->count);
		fprintf(f, "%s\n", r->shown.buf);
		if (r->message && strcmp(r->status, "pass"))
			fprintf(f, "    %s\n", r->message);
	}
}

void checks_print_summary(const struct check_session *s, FILE *f)
{
	struct check_totals t;
	checks_totals(s, &t);
	fprintf(f, "checks: %d passed", t.passed);
	if (t.fixed)
		fprintf(f, ", %d fixed", t.fixed);
	fprintf(f, ", %d failed", t.failed);
	if (t.failed)
		fprintf(f, " (%d error%s, %d warning%s)", t.errors, t.errors == 1 ? "" : "s",
			t.warnings, t.warnings == 1 ? "" : "s");
	fprintf(f, ", %d unverifiable", t.unverifiable);
	if (s->skipped)
		fprintf(f, "; %d constraint check%s on unchanged tables skipped", s->skipped,
			s->skipped == 1 ? "" : "s");
	fprintf(f, "\n");
}

char *checks_json(const struct check_session *s, long long check_run,
		  const char *changeset_hash)
{
	struct check_totals t;
	cJSON *o = cJSON_CreateObject(), *arr;
	char *text;

	checks_totals(s, &t);
	cJSON_AddNumberToObject(o, "check_run", (double)check_run);
	if (s->run)
		cJSON_AddNumberToObject(o, "run", (double)s->run);
	else
		cJSON_AddNullToObject(o, "run");
	if (changeset_hash)
		cJSON_AddStringToObject(o, "changeset", changeset_hash);
	else
		cJSON_AddNullToObject(o, "changeset");
	cJSON_AddNumberToObject(o, "errors", t.errors);
	cJSON_AddNumberToObject(o, "warnings", t.warnings);
	cJSON_AddNumberToObject(o, "passed", t.passed);
	cJSON_AddNumberToObject(o, "fixed", t.fixed);
	cJSON_AddNumberToObject(o, "failed", t.failed);
	cJSON_AddNumberToObject(o, "unverifiable", t.unverifiable);
	cJSON_AddNumberToObject(o, "skipped", s->skipped);
	arr = cJSON_AddArrayToObject(o, "results");
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "name", r->name);
		cJSON_AddStringToObject(j, "kind", r->kind);
		cJSON_AddStringToObject(j, "phase", r->phase);
		cJSON_AddStringToObject(j, "severity", r->severity);
		cJSON_AddStringToObject(j, "status", r->status);
		cJSON_AddNumberToObject(j, "count", (double)r->count);
		{
			/* keys are JSON already; a key that is not valid UTF-8 cannot be */
			cJSON *sample = r->sample.len ? cJSON_Parse(r->sample.buf) : NULL;
			cJSON_AddItemToObject(j, "sample", sample ? sample : cJSON_CreateArray());
		}
		if (r->message)
			cJSON_AddStringToObject(j, "message", r->message);
		else
			cJSON_AddNullToObject(j, "message");
		cJSON_AddNumberToObject(j, "duration_ms", round(r->ms * 1000.0) / 1000.0);
		cJSON_AddItemToArray(arr, j);
	}
	text = cJSON_Print(o);
	cJSON_Delete(o);
	return text;
}
