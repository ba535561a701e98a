/*
 * compile: the API of sqlc.h.  The environment (catalog, scratch tables,
 * batch table), the loop over a file's statements, compile errors with
 * their line and column, compile-time evaluation of constants (literals
 * go through their type's input function before anything runs, as in
 * PostgreSQL's parse analysis), and running compiled programs with
 * runtime errors mapped back to the file.
 */
#include "sqlc_int.h"

#include <pg_query.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

static void *ar_keep(struct cx *cx, void *p)
{
	ALLOC_GROW(cx->arena, cx->narena + 1, cx->alloc_arena);
	cx->arena[cx->narena++] = p;
	return p;
}

void *ar_alloc(struct cx *cx, size_t n)
{
	return ar_keep(cx, xcalloc(1, n ? n : 1));
}

char *ar_strdup(struct cx *cx, const char *s)
{
	return ar_keep(cx, xstrdup(s));
}

char *ar_printf(struct cx *cx, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return ar_sb(cx, &sb);
}

char *ar_sb(struct cx *cx, struct strbuf *sb)
{
	return ar_keep(cx, sb_detach(sb, NULL));
}

struct strbuf *ar_buf(struct cx *cx)
{
	struct strbuf *sb = xmalloc(sizeof(*sb));
	sb_init(sb, 0);
	ALLOC_GROW(cx->bufs, cx->nbufs + 1, cx->alloc_bufs);
	cx->bufs[cx->nbufs++] = sb;
	return sb;
}

static void ar_free(struct cx *cx)
{
	for (size_t i = 0; i < cx->nbufs; i++) {
		sb_release(cx->bufs[i]);
		free(cx->bufs[i]);
	}
	free(cx->bufs);
	cx->bufs = NULL;
	cx->nbufs = cx->alloc_bufs = 0;
	free(cx->poisons);
	cx->poisons = NULL;
	cx->npoisons = cx->alloc_poisons = 0;
	for (size_t i = 0; i < cx->narena; i++)
		free(cx->arena[i]);
	free(cx->arena);
	cx->arena = NULL;
	cx->narena = cx->alloc_arena = 0;
}

/* ---- errors ---- */

static void line_col(const char *text, int off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (int i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

int cx_error(struct cx *cx, int loc, const char *hintmsg, const char *fmt, ...)
{
	struct sqlc_error *e = &cx->env->err;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(e->message);
	free(e->hint);
	e->message = sb_detach(&sb, NULL);
	e->hint = hintmsg ? xstrdup(hintmsg) : NULL;
	if (cx->quiet)
		return -1;
	loc -= cx->base;
	if (loc < 0)
		loc = cx->stmt_loc;
	line_col(cx->file_text, loc, &e->line, &e->col);
	error("%s:%d:%d: %s", cx->file, e->line, e->col, e->message);
	if (e->hint)
		hint("%s", e->hint);
	return -1;
}

/* ---- compile-time evaluation ---- */

static void sqlc_raise(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_error(ctx, (const char *)sqlite3_value_text(argv[0]), -1);
}

/*
 * pg_sqlc_not_null(v, message): v, or PostgreSQL's not-null violation.
 * Values that INSERT ... VALUES, UPDATE ... SET and omitted columns'
 * defaults write to a NOT NULL column pass through it, so a NULL fails the
 * statement where PostgreSQL fails it (SQLite would give an INTEGER
 * PRIMARY KEY a new rowid instead, and the staging tables declare no NOT
 * NULL of their own).  Not deterministic: its argument may be nextval().
 * INSERT ... SELECT is not guarded yet (docs/sql-compiler.md).
 */
static void sqlc_not_null(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		sqlite3_result_error(ctx, (const char *)sqlite3_value_text(argv[1]), -1);
	else
		sqlite3_result_value(ctx, argv[0]);
}

static int register_builtins(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "pg_sqlc_raise", 1, SQLITE_UTF8, NULL,
					 sqlc_raise, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "pg_sqlc_not_null", 2, SQLITE_UTF8, NULL,
					     sqlc_not_null, NULL, NULL);
	return rc;
}

static char *eval_sql(struct cx *cx, const char *sql, int loc, char **errmsg)
{
	struct sqlc_env *env = cx->env;
	sqlite3_stmt *st = NULL;
	char *q = NULL, *ret = NULL;
	if (!env->evaldb) {
		if (sqlite3_open(":memory:", &env->evaldb) != SQLITE_OK) {
			cx_error(cx, loc, NULL, "cannot open an in-memory database");
			return NULL;
		}
		register_builtins(env->evaldb);
		for (int i = 0; env->mods[i]; i++)
			if (env->mods[i]->register_fns && env->mods[i]->register_fns(env->evaldb) != SQLITE_OK) {
				cx_error(cx, loc, NULL, "cannot register the %s functions", env->mods[i]->name);
				return NULL;
			}
	}
	q = xasprintf("SELECT %s", sql);
	if (sqlite3_prepare_v2(env->evaldb, q, -1, &st, NULL) != SQLITE_OK) {
		cx_error(cx, loc, NULL, "internal error evaluating a constant: %s", sqlite3_errmsg(env->evaldb));
		goto done;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		if (errmsg)
			*errmsg = ar_strdup(cx, sqlite3_errmsg(env->evaldb));
		else
			cx_error(cx, loc, NULL, "%s", sqlite3_errmsg(env->evaldb));
		goto done;
	}
	{
		struct strbuf sb = STRBUF_INIT;
		switch (sqlite3_column_type(st, 0)) {
		case SQLITE_INTEGER:
			if (sqlite3_column_int64(st, 0) == INT64_MIN)
				sb_adds(&sb, "(-9223372036854775807 - 1)"); /* not a REAL */
			else
				sb_addf(&sb, "%lld", (long long)sqlite3_column_int64(st, 0));
			break;
		case SQLITE_FLOAT:
			sb_addf(&sb, "%.17g", sqlite3_column_double(st, 0));
			break;
		case SQLITE_TEXT:
			sb_add_literal(&sb, (const char *)sqlite3_column_text(st, 0));
			break;
		case SQLITE_BLOB: {
			const unsigned char *p = sqlite3_column_blob(st, 0);
			int n = sqlite3_column_bytes(st, 0);
			sb_adds(&sb, "X'");
			for (int i = 0; i < n; i++)
				sb_addf(&sb, "%02X", p[i]);
			sb_addch(&sb, '\'');
			break;
		}
		default:
			sb_adds(&sb, "NULL");
		}
		ret = ar_sb(cx, &sb);
	}
done:
	sqlite3_finalize(st);
	free(q);
	return ret;
}

char *eval_const(struct cx *cx, const char *sql, int loc)
{
	return eval_sql(cx, sql, loc, NULL);
}

char *eval_const_msg(struct cx *cx, const char *sql, char **errmsg)
{
	*errmsg = NULL;
	return eval_sql(cx, sql, -1, errmsg);
}

int poison_check(struct cx *cx)
{
	for (size_t i = 0; i < cx->npoisons; i++) {
		const struct expr *p = cx->poisons[i];
		if (!p->poison->dropped)
			return cx_error(cx, p->loc, NULL, "%s", p->poison->msg);
	}
	return 0;
}

/* ---- the environment ---- */

void rel_free(struct rel *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncols; i++) {
		free(r->cols[i].name);
		free(r->cols[i].pg_type);
		free(r->cols[i].default_expr);
		free(r->cols[i].sequence);
	}
	free(r->cols);
	free(r->name);
	free(r->sql_name);
	free(r);
}

struct rel *env_find_scratch(struct sqlc_env *env, const char *name)
{
	for (int i = 0; i < env->nscratch; i++)
		if (!strcmp(env->scratch[i]->name, name))
			return env->scratch[i];
	return NULL;
}

void env_add_scratch(struct sqlc_env *env, struct rel *r)
{
	ALLOC_GROW(env->scratch, (size_t)env->nscratch + 1, env->alloc_scratch);
	env->scratch[env->nscratch++] = r;
}

void env_drop_scratch(struct sqlc_env *env, const char *name)
{
	for (int i = 0; i < env->nscratch; i++)
		if (!strcmp(env->scratch[i]->name, name)) {
			rel_free(env->scratch[i]);
			memmove(env->scratch + i, env->scratch + i + 1,
				sizeof(*env->scratch) * (size_t)(env->nscratch - i - 1));
			env->nscratch--;
			return;
		}
}

/* Scratch tables recorded by earlier runs' steps (dd_scratch_column). */
static void load_scratch(struct sqlc_env *env)
{
	sqlite3_stmt *st = NULL;
	struct rel *cur = NULL;
	if (!env->db || sqlite3_prepare_v2(env->db,
			"SELECT tbl, name, pg_type, not_null, default_expr, temp "
			"FROM dd_scratch_column ORDER BY tbl, ordinal", -1, &st, NULL) != SQLITE_OK)
		return; /* an older staging file: none */
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(st, 0);
		const char *ptype = (const char *)sqlite3_column_text(st, 2);
		if (!cur || strcmp(cur->name, tbl)) {
			cur = xcalloc(1, sizeof(*cur));
			cur->name = xstrdup(tbl);
			cur->sql_name = xstrdup(tbl);
			cur->writable = 1;
			cur->is_scratch = 1;
			cur->temp = sqlite3_column_int(st, 5);
			env_add_scratch(env, cur);
		}
		cur->cols = xrealloc(cur->cols, sizeof(*cur->cols) * (size_t)(cur->ncols + 1));
		struct rcolumn *c = &cur->cols[cur->ncols++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		c->pg_type = xstrdup(ptype ? ptype : "text");
		c->not_null = sqlite3_column_int(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			c->default_expr = xstrdup((const char *)sqlite3_column_text(st, 4));
		/* enums are recorded as "source.type" */
		const char *dot = strchr(c->pg_type, '.');
		int is_enum = 0;
		for (int i = 0; dot && i < env->cat->nenums; i++) {
			const struct enum_meta *e = &env->cat->enums[i];
			if (strlen(e->source) == (size_t)(dot - c->pg_type) &&
			    !strncmp(e->source, c->pg_type, strlen(e->source)) && !strcmp(dot + 1, e->name))
				is_enum = 1;
		}
		if (is_enum) {
			char *src = xstrndup(c->pg_type, (size_t)(dot - c->pg_type));
			c->type = ct_from_format(env, src, dot + 1, 1, dot + 1);
			free(src);
		} else {
			c->type = ct_from_format(env, NULL, c->pg_type, 0, NULL);
		}
	}
	sqlite3_finalize(st);
}

struct sqlc_env *sqlc_env_new(const struct catalog *cat, sqlite3 *db)
{
	struct sqlc_env *env = xcalloc(1, sizeof(*env));
	env->cat = cat;
	env->db = db;
	env->mods = pgfn_modules;
	load_scratch(env);
	return env;
}

void sqlc_env_free(struct sqlc_env *env)
{
	if (!env)
		return;
	for (int i = 0; i < env->nscratch; i++)
		rel_free(env->scratch[i]);
	free(env->scratch);
	if (env->evaldb)
		sqlite3_close(env->evaldb);
	free(env->where_source);
	free(env->where_table);
	free(env->err.message);
	free(env->err.hint);
	free(env);
}

void sqlc_env_set_batch(struct sqlc_env *env, const struct pgtype *key_type)
{
	env->has_batch = key_type != NULL;
	if (key_type) {
		env->batch_type = ct_make(key_type->kind | (key_type->is_array ? PGT_ARRAY : 0));
		if (key_type->kind == PGK_VARCHAR || key_type->kind == PGK_CHAR)
			env->batch_type.mod1 = key_type->len;
		if (key_type->kind == PGK_NUMERIC && key_type->precision >= 0) {
			env->batch_type.mod1 = key_type->precision;
			env->batch_type.mod2 = key_type->scale;
		}
	}
}

void sqlc_env_set_table(struct sqlc_env *env, const char *source, const char *table)
{
	free(env->where_source);
	free(env->where_table);
	env->where_source = source ? xstrdup(source) : NULL;
	env->where_table = table ? xstrdup(table) : NULL;
}

void sqlc_env_set_modules(struct sqlc_env *env, const struct pgfn_module *const *mods)
{
	env->mods = mods ? mods : pgfn_modules;
	if (env->evaldb) {
		sqlite3_close(env->evaldb);
		env->evaldb = NULL;
	}
}

const struct sqlc_error *sqlc_env_error(const struct sqlc_env *env)
{
	return &env->err;
}

/* ---- compiling ---- */

void sqlc_program_free(struct sqlc_program *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nstmts; i++) {
		free(p->stmts[i].sqlite_sql);
		free(p->stmts[i].pg_sql);
	}
	free(p->stmts);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

static char *trimmed(const char *s, int len)
{
	while (len > 0 && strchr(" \t\r\n", *s)) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n;", s[len - 1]))
		len--;
	return xstrndup(s, (size_t)len);
}

static int compile_where(struct cx *cx, const char *text, struct sqlc_program *out)
{
	static const char prefix[] = "SELECT WHERE ";
	char *wrapped = xasprintf("%s%s", prefix, text);
	PgQueryParseResult pr = pg_query_parse(wrapped);
	cJSON *root = NULL;
	int ret = -1;
	cx->text = wrapped;
	cx->base = (int)strlen(prefix);
	if (pr.error) {
		cx_error(cx, pr.error->cursorpos > 0 ? pr.error->cursorpos - 1 : cx->base, NULL, "%s", pr.error->message);
		goto done;
	}
	root = cJSON_Parse(pr.parse_tree);
	const cJSON *stmts = pj_get(root, "stmts");
	if (cJSON_GetArraySize(stmts) != 1) {
		cx_error(cx, cx->base, NULL, "a where clause is one expression");
		goto done;
	}
	const cJSON *sb;
	node_tag(pj_get(cJSON_GetArrayItem(stmts, 0), "stmt"), &sb);
	if (pj_get(sb, "targetList") || pj_get(sb, "fromClause") || pj_get(sb, "sortClause") ||
	    pj_get(sb, "groupClause") || pj_get(sb, "limitCount") || !pj_get(sb, "whereClause")) {
		cx_error(cx, cx->base, NULL, "a where clause is one boolean expression");
		goto done;
	}
	struct scope *sc = scope_for_where(cx);
	if (!sc)
		goto done;
	struct expr *e = compile_cond(cx, sc, pj_get(sb, "whereClause"), EK_WHERE, "WHERE");
	if (!e || poison_check(cx) < 0)
		goto done;
	out->stmts = xcalloc(1, sizeof(*out->stmts));
	out->nstmts = 1;
	out->stmts[0].sqlite_sql = xstrdup(ex_sqltext(cx, e));
	out->stmts[0].pg_sql = xstrdup(text);
	out->stmts[0].line = out->stmts[0].col = 1;
	ret = 0;
done:
	cJSON_Delete(root);
	pg_query_free_parse_result(pr);
	free(wrapped);
	return ret;
}

int sqlc_compile(struct sqlc_env *env, const char *file, const char *text,
		 enum sqlc_context ctx, struct sqlc_program *out)
{
	struct cx cx = { 0 };
	PgQueryParseResult pr = { 0 };
	cJSON *root = NULL;
	int ret = -1;
	memset(out, 0, sizeof(*out));
	out->file = xstrdup(file);
	cx.env = env;
	cx.file = file;
	cx.file_text = text;
	cx.text = text;
	cx.ctx = ctx;
	free(env->err.message);
	free(env->err.hint);
	memset(&env->err, 0, sizeof(env->err));
	if (ctx == SQLC_WHERE) {
		ret = compile_where(&cx, text, out);
		goto done;
	}
	pr = pg_query_parse(text);
	if (pr.error) {
		cx_error(&cx, pr.error->cursorpos > 0 ? pr.error->cursorpos - 1 : 0, NULL, "%s", pr.error->message);
		goto done;
	}
	root = cJSON_Parse(pr.parse_tree);
	const cJSON *stmts = pj_get(root, "stmts"), *it;
	int n = cJSON_GetArraySize(stmts);
	if ((ctx == SQLC_CHECK || ctx == SQLC_INVARIANT) && n != 1) {
		cx_error(&cx, 0, "a check or an invariant is one SELECT", "expected one statement, found %d", n);
		goto done;
	}
	if (n == 0 && ctx != SQLC_STEP && ctx != SQLC_FIX) {
		cx_error(&cx, 0, NULL, "no statement");
		goto done;
	}
	out->stmts = xcalloc((size_t)(n ? n : 1), sizeof(*out->stmts));
	cJSON_ArrayForEach(it, stmts) {
		int loc = pj_int(it, "stmt_location", 0);
		int len = pj_get(it, "stmt_len") ? pj_int(it, "stmt_len", 0) : (int)strlen(text) - loc;
		struct strbuf sb = STRBUF_INIT;
		struct sqlc_stmt *s = &out->stmts[out->nstmts];
		/* the statement starts after its leading blanks and comments */
		const char *p = text + loc;
		while (1) {
			while (*p && strchr(" \t\r\n", *p))
				p++;
			if (p[0] == '-' && p[1] == '-') {
				while (*p && *p != '\n')
					p++;
			} else if (p[0] == '/' && p[1] == '*') {
				const char *e = strstr(p + 2, "*/");
				p = e ? e + 2 : p + strlen(p);
			} else {
				break;
			}
		}
		len -= (int)(p - (text + loc));
		loc = (int)(p - text);
		cx.stmt_loc = loc;
		if (compile_statement(&cx, pj_get(it, "stmt"), loc, &sb) < 0 || poison_check(&cx) < 0) {
			sb_release(&sb);
			goto done;
		}
		s->sqlite_sql = sb_detach(&sb, NULL);
		/* DD_SQLC_TRACE=FILE: what each statement compiles to, appended
		 * to FILE, for debugging the compiler */
		if (getenv("DD_SQLC_TRACE")) {
			FILE *tf = fopen(getenv("DD_SQLC_TRACE"), "a");
			if (tf) {
				fprintf(tf, "%s\n", s->sqlite_sql);
				fclose(tf);
			}
		}
		s->pg_sql = trimmed(text + loc, len);
		line_col(text, loc, &s->line, &s->col);
		out->nstmts++;
		ar_free(&cx);
	}
	ret = 0;
done:
	ar_free(&cx);
	cJSON_Delete(root);
	pg_query_free_parse_result(pr);
	if (ret < 0) {
		char *f = out->file;
		out->file = NULL;
		sqlc_program_free(out);
		free(f);
	}
	return ret;
}

/* ---- running ---- */

struct enum_order {
	char **labels;
	int n;
};

static int label_index(const struct enum_order *o, const void *s, int n)
{
	for (int i = 0; i < o->n; i++)
		if ((int)strlen(o->labels[i]) == n && !memcmp(o->labels[i], s, (size_t)n))
			return i;
	return o->n;
}

static int enum_cmp(void *arg, int na, const void *a, int nb, const void *b)
{
	const struct enum_order *o = arg;
	int ia = label_index(o, a, na), ib = label_index(o, b, nb);
	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (ia == o->n) {
		int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
		return c ? c : na - nb;
	}
	return 0;
}

static void enum_free(void *arg)
{
	struct enum_order *o = arg;
	strv_free(o->labels, o->n);
	free(o);
}

/* The catalog's enums, for pg_sqlc_enum_in(value, 'source.type'). */
struct enum_set {
	char **names;        /* "source.type" */
	struct enum_order *orders;
	int n;
};

static void enum_set_free(void *arg)
{
	struct enum_set *s = arg;
	for (int i = 0; i < s->n; i++) {
		free(s->names[i]);
		strv_free(s->orders[i].labels, s->orders[i].n);
	}
	free(s->names);
	free(s->orders);
	free(s);
}

static void enum_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct enum_set *s = sqlite3_user_data(ctx);
	const char *type = (const char *)sqlite3_value_text(argv[1]);
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !type)
		return;
	const char *v = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->names[i], type))
			continue;
		if (label_index(&s->orders[i], v, n) < s->orders[i].n) {
			sqlite3_result_value(ctx, argv[0]);
			return;
		}
		const char *dot = strchr(type, '.');
		pgfn_error(ctx, "invalid input value for enum %s: \"%s\"", dot ? dot + 1 : type, v);
		return;
	}
	pgfn_error(ctx, "type \"%s\" does not exist", type);
}

/* pg_sqlc_enum_sortkey(value, 'source.type'): the label's position, for
 * sorting where no collation applies (ORDER BY inside an aggregate) */
static void enum_sortkey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct enum_set *s = sqlite3_user_data(ctx);
	const char *type = (const char *)sqlite3_value_text(argv[1]);
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !type)
		return;
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], type)) {
			sqlite3_result_int(ctx, label_index(&s->orders[i], sqlite3_value_text(argv[0]),
							   sqlite3_value_bytes(argv[0])));
			return;
		}
	pgfn_error(ctx, "type \"%s\" does not exist", type);
}

int sqlc_setup(sqlite3 *db, const struct catalog *cat)
{
	if (pgfn_register_all(db) < 0)
		return error("cannot register the PostgreSQL functions: %s", sqlite3_errmsg(db));
	if (register_builtins(db) != SQLITE_OK)
		return error("cannot register the compiler's functions: %s", sqlite3_errmsg(db));
	struct enum_set *set = xcalloc(1, sizeof(*set));
	int ncat = cat ? cat->nenums : 0;
	set->names = xcalloc((size_t)ncat + 1, sizeof(char *));
	set->orders = xcalloc((size_t)ncat + 1, sizeof(*set->orders));
	for (int i = 0; i < ncat; i++) {
		const struct enum_meta *e = &cat->enums[i];
		set->names[i] = xasprintf("%s.%s", e->source, e->name);
		set->orders[i].labels = xcalloc((size_t)e->nlabels + 1, sizeof(char *));
		for (int j = 0; j < e->nlabels; j++)
			set->orders[i].labels[j] = xstrdup(e->labels[j]);
		set->orders[i].n = e->nlabels;
		set->n++;
	}
	if (sqlite3_create_function_v2(db, "pg_sqlc_enum_in", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				       set, enum_in, NULL, NULL, enum_set_free) != SQLITE_OK)
		return error("cannot register the enum input function: %s", sqlite3_errmsg(db));
	/* the set is freed with pg_sqlc_enum_in, registered and replaced with it */
	if (sqlite3_create_function_v2(db, "pg_sqlc_enum_sortkey", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				       set, enum_sortkey, NULL, NULL, NULL) != SQLITE_OK)
		return error("cannot register the enum order function: %s", sqlite3_errmsg(db));
	for (int i = 0; cat && i < cat->nenums; i++) {
		const struct enum_meta *e = &cat->enums[i];
		struct enum_order *o = xcalloc(1, sizeof(*o));
		char *name = xasprintf("pg_enum:%s.%s", e->source, e->name);
		o->labels = xcalloc((size_t)e->nlabels + 1, sizeof(char *));
		for (int j = 0; j < e->nlabels; j++)
			o->labels[j] = xstrdup(e->labels[j]);
		o->n = e->nlabels;
		int rc = sqlite3_create_collation_v2(db, name, SQLITE_UTF8, o, enum_cmp, enum_free);
		free(name);
		if (rc != SQLITE_OK) {
			enum_free(o);
			return error("cannot register the order of enum %s: %s", e->name, sqlite3_errmsg(db));
		}
	}
	return 0;
}

int sqlc_exec(sqlite3 *db, const struct sqlc_program *p)
{
	for (int i = 0; i < p->nstmts; i++) {
		const struct sqlc_stmt *s = &p->stmts[i];
		const char *sql = s->sqlite_sql;
		while (sql && *sql) {
			sqlite3_stmt *st = NULL;
			const char *tail = NULL;
			int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
			if (rc == SQLITE_OK && st) {
				while ((rc = sqlite3_step(st)) == SQLITE_ROW)
					;
				if (rc == SQLITE_DONE)
					rc = SQLITE_OK;
			}
			if (rc != SQLITE_OK) {
				error("%s:%d: %s", p->file, s->line, sqlite3_errmsg(db));
				detail("statement: %s", s->pg_sql);
				sqlite3_finalize(st);
				return -1;
			}
			sqlite3_finalize(st);
			sql = tail;
		}
	}
	return 0;
}
