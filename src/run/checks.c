/*
 * checks: a check session (checks.h, docs/checks.md): its results, the
 * compiled queries, and the phases that run the plan checks, gates and
 * built-in checks before and after the steps.
 */
#define _GNU_SOURCE
#include "checks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sqlc.h"
#include "checks_int.h"

/* ================================================================ results */

const struct pgtype plain_type = { PGK_OTHER, 0, -1, -1, 0 };

void result_init(struct check_result *r, const char *kind, const char *phase,
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

void result_release(struct check_result *r)
{
	free(r->name);
	free(r->message);
	sb_release(&r->sample);
	sb_release(&r->shown);
	memset(r, 0, sizeof(*r));
}

void result_message(struct check_result *r, const char *fmt, ...)
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
void result_add_key(struct check_result *r, const char *json, const char *shown)
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
void session_push(struct check_session *s, struct check_result *r)
{
	if (!strcmp(r->status, "pass") && r->count)
		r->status = "fail";
	ALLOC_GROW(s->res, (size_t)s->nres + 1, s->alloc);
	s->res[s->nres++] = *r;
	memset(r, 0, sizeof(*r));
}

/* One value of a key for people: control characters escaped, at most 40 chars. */
void add_shown_value(struct strbuf *sb, const char *v, size_t len)
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
void key_from_stmt(sqlite3_stmt *st, int first, int n,
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
void shown_from_json(const char *json, struct strbuf *shown)
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
int compile_for(struct check_session *s, const char *what, const char *sql,
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
int prepare_query(struct check_session *s, const char *what, const char *pg_sql,
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

int checks_run_watched(struct check_session *s)
{
	struct progress p;
	int r;
	progress_start_unit(&p, "checks", 0, NULL);
	stage_watch_progress(s->db, &p);
	r = checks_run_after(s);
	stage_watch_progress(s->db, NULL);
	progress_end(&p);
	return r;
}
