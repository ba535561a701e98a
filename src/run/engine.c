/*
 * engine: the run engine (engine.h) for `drydock run` and for the recorded
 * fix steps of `drydock check --fix`.  Every fresh run rebuilds the
 * working tables from the pristine snapshot, applies the plan's "before"
 * schema changes, runs the steps in order (each step, or each batch of a
 * batched step, in its own transaction, checkpointed), applies the "after"
 * schema changes and computes the change set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "book.h"
#include "changeset.h"
#include "checks.h"
#include "engine.h"
#include "plan.h"
#include "schemachange.h"
#include "sqlfn.h"
#include "sqlc.h"
#include "sqlsyntax.h"
#include "fn_datetime.h"
#include "fn_sequence.h"
#include "stage.h"

/* ------------------------------------------------------------ authorizer */

struct guard {
	const struct catalog *cat;
	char denied[512];  /* the table a step tried to write, if any */
	struct changeset_track *track; /* what the steps write (changeset.h) */
};

static int is_protected(const struct guard *g, const char *table)
{
	if (!table)
		return 0;
	/* nextval() in a step advances the run's copy of the sequences; a
	 * compiled CREATE TABLE records the scratch table's columns */
	if (!strcmp(table, "dd_sequence_state") || !strcmp(table, "dd_scratch_column"))
		return 0;
	if (!strncmp(table, "dd_", 3))
		return 1;
	for (int i = 0; i < g->cat->ntables; i++) {
		const struct table_meta *t = &g->cat->tables[i];
		if (!t->pristine_name && !t->created && !strcmp(t->stage_name, table))
			return 1;
	}
	return 0;
}

static int authorize(void *ctx, int action, const char *a1, const char *a2,
		     const char *db, const char *trigger)
{
	struct guard *g = ctx;
	const char *table = NULL;
	(void)trigger;
	changeset_track_authorize(g->track, action, a1, a2, db);
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_DROP_TABLE:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TRIGGER:
		table = action == SQLITE_CREATE_INDEX || action == SQLITE_CREATE_TRIGGER ? a2 : a1;
		break;
	case SQLITE_ALTER_TABLE:
		table = a2;
		break;
	default:
		return SQLITE_OK;
	}
	/* the temp schema (dd_batch is ours, but steps may read it) */
	if (db && !strcmp(db, "temp") && table && strcmp(table, "dd_batch"))
		return SQLITE_OK;
	if (is_protected(g, table)) {
		snprintf(g->denied, sizeof(g->denied), "%s", table);
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

static const char *owner_source(const struct catalog *cat, const char *stage_name)
{
	for (int i = 0; i < cat->ntables; i++)
		if (!strcmp(cat->tables[i].stage_name, stage_name))
			return cat->tables[i].source;
	return NULL;
}

/* --------------------------------------------------------------- helpers */

static int line_of(const char *sql, const char *at)
{
	int line = 1;
	for (const char *p = sql; p < at; p++)
		line += *p == '\n';
	return line;
}

static const char *skip_space(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
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

static void bind_batch_params(sqlite3_stmt *st, sqlite3_stmt *range, long batch)
{
	int i;
	if (!range)
		return;
	if ((i = sqlite3_bind_parameter_index(st, ":batch_first")))
		sqlite3_bind_value(st, i, sqlite3_column_value(range, 0));
	if ((i = sqlite3_bind_parameter_index(st, ":batch_last")))
		sqlite3_bind_value(st, i, sqlite3_column_value(range, 1));
	if ((i = sqlite3_bind_parameter_index(st, ":batch")))
		sqlite3_bind_int64(st, i, batch);
}

/* Where the statement starting at start ends (for messages). */
static const char *statement_end(const char *start)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	for (p = start; *p; p++) {
		if (*p != ';')
			continue;
		sb_reset(&sb);
		sb_add(&sb, start, (size_t)(p - start + 1));
		if (sqlite3_complete(sb.buf)) {
			p++;
			break;
		}
	}
	sb_release(&sb);
	return p;
}

/*
 * Runs every statement of a step's SQL.  On failure reports the step, the
 * file and line, the statement and SQLite's message.
 */
static int exec_sql(struct run_ctx *rc, const char *stepname, const char *path,
		    const char *sql, sqlite3_stmt *range, long batch)
{
	const char *tail = sql;
	struct guard *g = rc->guard;

	while (*(tail = skip_space(tail))) {
		sqlite3_stmt *st = NULL;
		const char *next = NULL;
		const char *start = tail;
		int r;
		g->denied[0] = '\0';
		r = sqlite3_prepare_v2(rc->db, start, -1, &st, &next);
		if (r == SQLITE_OK && st) {
			bind_batch_params(st, range, batch);
			while ((r = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (r == SQLITE_DONE)
				r = SQLITE_OK;
		}
		if (r != SQLITE_OK) {
			const char *end = statement_end(start);
			int len = (int)(end - start);
			while (len > 0 && (start[len - 1] == '\n' || start[len - 1] == ' '))
				len--;
			if (g->denied[0]) {
				const char *src = owner_source(rc->stagecat, g->denied);
				error("step '%s' writes to table '%s', which is read-only",
				      stepname, g->denied);
				detail("At %s:%d: %.*s%s", path, line_of(sql, start),
				       len > 300 ? 300 : len, start, len > 300 ? " ..." : "");
				if (src)
					detail("Tables of source '%s' are inputs; only the target's tables change.", src);
				else
					detail("drydock's own tables (dd_*) and pristine copies cannot change.");
			} else {
				error("step '%s' failed at %s:%d", stepname, path,
				      line_of(sql, start));
				detail("Statement: %.*s%s", len > 300 ? 300 : len, start,
				       len > 300 ? " ..." : "");
				detail("SQLite says: %s.", sqlite3_errmsg(rc->db));
			}
			hint("Fix the step and continue with 'drydock run %s --plan %s --resume'.",
			     rc->stage_path, rc->plan->dir);
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
		if (!next || next == start)
			break;
		tail = next;
	}
	return 0;
}

static const struct table_meta *working_table(const struct catalog *cat,
					      const char *name);

/*
 * PostgreSQL's message for a key the step's own statement duplicated
 * (SQLite: "UNIQUE constraint failed: users.email"): the constraint of the
 * table whose columns those are, named as PostgreSQL names it.
 */
static void duplicate_key_message(const struct catalog *cat, const char *msg, struct strbuf *out)
{
	const char *p = strstr(msg, "constraint failed: ");
	char *tbl = NULL;
	if (!p)
		return;
	p += strlen("constraint failed: ");
	tbl = xstrndup(p, strcspn(p, "."));
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if (!t->pristine_name || strcmp(t->stage_name, tbl))
			continue;
		for (int c = 0; c < t->ncons; c++) {
			const struct constraint_meta *k = &t->cons[c];
			struct strbuf cols = STRBUF_INIT;
			if (k->kind != 'p' && k->kind != 'u')
				continue;
			for (int j = 0; j < k->ncolumns; j++)
				sb_addf(&cols, "%s%s.%s", j ? ", " : "", tbl, k->columns[j]);
			if (!strcmp(cols.buf, p))
				sb_addf(out, "duplicate key value violates unique constraint \"%s\"", k->name);
			sb_release(&cols);
			if (out->len)
				break;
		}
	}
	free(tbl);
}

/*
 * A NOT NULL violation on a table whose snapshot recorded a BEFORE INSERT
 * or UPDATE row trigger: PostgreSQL checks NOT NULL after BEFORE triggers,
 * so the target may accept a statement that leaves the column out (the
 * trigger fills it), but drydock runs no trigger offline and cannot know
 * what it would write.  Says so, naming the triggers, and how to go on
 * (docs/steps.md, "Triggers").
 */
static void explain_trigger_not_null(struct run_ctx *rc, const char *msg)
{
	const char *p = strstr(msg, "\" of relation \""), *end;
	const struct source_meta *tgt = catalog_target(rc->stagecat);
	char *table = NULL, *key = NULL, *json = NULL;
	cJSON *list = NULL, *it;
	int n = 0;

	if (!strstr(msg, "violates not-null constraint") || !p || !tgt)
		return;
	p += strlen("\" of relation \"");
	if (!(end = strchr(p, '"')))
		return;
	table = xstrndup(p, (size_t)(end - p));
	key = xasprintf("source.%s.triggers_policies", tgt->name);
	json = stage_get_meta(rc->db, key);
	list = json ? cJSON_Parse(json) : NULL;
	cJSON_ArrayForEach(it, list) {
		const char *tbl = cJSON_GetStringValue(cJSON_GetArrayItem(it, 0));
		const char *kind = cJSON_GetStringValue(cJSON_GetArrayItem(it, 1));
		const char *name = cJSON_GetStringValue(cJSON_GetArrayItem(it, 2));
		const char *def = cJSON_GetStringValue(cJSON_GetArrayItem(it, 3));
		if (!tbl || !kind || !name || !def || strcmp(tbl, table) || strcmp(kind, "trigger") ||
		    !strstr(def, " BEFORE ") || !strstr(def, " FOR EACH ROW ") ||
		    (!strstr(def, " INSERT") && !strstr(def, " UPDATE")))
			continue;
		if (!n++)
			detail("PostgreSQL checks NOT NULL after the BEFORE triggers, and table %s has one "
			       "that may fill the column on the target; drydock runs no trigger offline.", table);
		detail("%s", def);
	}
	if (n)
		hint("Write a value for the column in the step, the trigger's if you know it: on the "
		     "target the trigger still runs, and the ledger keeps what it wrote (docs/steps.md, "
		     "\"Triggers\").");
	cJSON_Delete(list);
	free(json);
	free(key);
	free(table);
}

/*
 * Runs a compiled step, statement by statement (as sqlc_exec does):
 * errors name the file and line with PostgreSQL's message; a write the
 * guard denied is named as exec_sql names it.
 */
static int exec_program(struct run_ctx *rc, const char *stepname,
			const struct sqlc_program *p)
{
	struct guard *g = rc->guard;
	for (int i = 0; i < p->nstmts; i++) {
		const struct sqlc_stmt *s = &p->stmts[i];
		const char *sql = s->sqlite_sql;
		while (sql && *sql) {
			sqlite3_stmt *st = NULL;
			const char *tail = NULL;
			int r;
			g->denied[0] = '\0';
			r = sqlite3_prepare_v2(rc->db, sql, -1, &st, &tail);
			if (r == SQLITE_OK && st) {
				while ((r = sqlite3_step(st)) == SQLITE_ROW)
					;
				if (r == SQLITE_DONE)
					r = SQLITE_OK;
			}
			if (r != SQLITE_OK) {
				struct strbuf pgmsg = STRBUF_INIT;
				int ext = sqlite3_extended_errcode(rc->db);
				if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
					duplicate_key_message(rc->stagecat, sqlite3_errmsg(rc->db), &pgmsg);
				if (g->denied[0])
					error("step '%s' writes to table '%s', which is read-only",
					      stepname, g->denied);
				else
					error("%s:%d: %s", p->file, s->line,
					      pgmsg.len ? pgmsg.buf : sqlite3_errmsg(rc->db));
				detail("Statement: %s", s->pg_sql);
				explain_trigger_not_null(rc, sqlite3_errmsg(rc->db));
				hint("Fix the step and continue with 'drydock run %s --plan %s --resume'.",
				     rc->stage_path, rc->plan->dir);
				sb_release(&pgmsg);
				sqlite3_finalize(st);
				return -1;
			}
			sqlite3_finalize(st);
			sql = tail;
		}
	}
	return 0;
}

/*
 * Compiles every step against the working catalog (after the plan's
 * schema changes), in order, so later steps see the scratch tables
 * earlier ones create, before anything runs.  The plan's checks, fixes,
 * invariants and gate conditions are compiled here too (checks.c), in the
 * same environment.  Reports FILE:LINE:COL and returns -1 on the first
 * refusal.
 */
static int compile_plan(struct run_ctx *rc, const struct catalog *working,
			const struct catalog *pristine, const struct checks *specs)
{
	struct sqlc_env *env = sqlc_env_new(working, NULL);
	int ret = -1;

	rc->progs = xcalloc((size_t)rc->plan->nsteps + 1, sizeof(*rc->progs));
	for (int i = 0; i < rc->plan->nsteps; i++) {
		const struct plan_step *s = &rc->plan->steps[i];
		char *path = path_join(rc->plan->dir, s->sql_path);
		char *sql = s->sqlite_dialect ? NULL : read_file(path, NULL);
		int r = 0;
		if (!s->sqlite_dialect) {
			const struct table_meta *bt = s->batch_size ? working_table(working, s->batch_table) : NULL;
			sqlc_env_set_batch(env, bt && bt->npk == 1 ? &bt->cols[bt->pk[0]].type : NULL);
			if (!sql)
				r = error("cannot read step '%s' file '%s': %s", s->name, path, strerror(errno));
			else if (sqlc_compile(env, path, sql, SQLC_STEP, &rc->progs[i]))
				r = error("step '%s' is refused before anything runs", s->name);
		}
		free(sql);
		free(path);
		if (r)
			goto cleanup;
	}
	sqlc_env_set_batch(env, NULL);
	if (checks_compile(rc->plan, specs, pristine, env))
		goto cleanup;
	ret = 0;
cleanup:
	sqlc_env_free(env);
	return ret;
}

static void free_programs(struct run_ctx *rc)
{
	for (int i = 0; rc->progs && rc->plan && i < rc->plan->nsteps; i++)
		sqlc_program_free(&rc->progs[i]);
	free(rc->progs);
	rc->progs = NULL;
}

/* The run log and the resume point, through the book (book.h). */
static int log_entry(struct run_ctx *rc, const char *step, long batch,
		     long batches, sqlite3_stmt *range, long long rows,
		     double ms, const char *status, const char *msg)
{
	struct run_log_entry e = { .step = (char *)step, .batch = batch, .batches = batches,
				   .rows = rows, .duration_ms = ms, .status = (char *)status,
				   .message = (char *)msg };
	return book_run_log_add(rc->db, rc->run, &e, range ? sqlite3_column_value(range, 0) : NULL,
				range ? sqlite3_column_value(range, 1) : NULL);
}

static int set_progress(struct run_ctx *rc, int step, long batch)
{
	return book_run_progress(rc->db, rc->run, step, batch);
}

/* ------------------------------------------------------------- the steps */

static const struct table_meta *working_table(const struct catalog *cat,
					      const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if ((t->pristine_name || t->created) && !t->dropped &&
		    !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

/* Splits the batch table's keys into ranges of size rows, stored. */
static int plan_batches(struct run_ctx *rc, const struct plan_step *s, long *nbatches)
{
	const struct table_meta *t = working_table(rc->stagecat, s->batch_table);
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *keys = NULL, *ins = NULL, *cnt = NULL;
	long n = 0, inbatch = 0;
	int r, ret = -1;

	if (!t) {
		error("step '%s' is batched over table '%s', which is not a table of the target",
		      s->name, s->batch_table);
		goto cleanup;
	}
	if (t->npk != 1) {
		error("step '%s' is batched over '%s', whose primary key has %d columns",
		      s->name, t->name, t->npk);
		detail("Batches are ranges of a single-column primary key.");
		goto cleanup;
	}
	if (sqlite3_prepare_v2(rc->db, "SELECT count(*) FROM dd_run_batch WHERE run = ?1 AND step = ?2",
			       -1, &cnt, NULL))
		goto dberr;
	sqlite3_bind_int64(cnt, 1, rc->run);
	sqlite3_bind_text(cnt, 2, s->name, -1, SQLITE_STATIC);
	if (sqlite3_step(cnt) == SQLITE_ROW && sqlite3_column_int64(cnt, 0) > 0) {
		*nbatches = (long)sqlite3_column_int64(cnt, 0);
		ret = 0;
		goto cleanup; /* resuming: the ranges were fixed when it started */
	}
	sb_adds(&sql, "SELECT ");
	sb_add_qident(&sql, t->cols[t->pk[0]].name);
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " ORDER BY 1");
	if (sqlite3_prepare_v2(rc->db, sql.buf, -1, &keys, NULL) ||
	    sqlite3_prepare_v2(rc->db, "INSERT INTO dd_run_batch VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &ins, NULL))
		goto dberr;
	sqlite3_bind_int64(ins, 1, rc->run);
	sqlite3_bind_text(ins, 2, s->name, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(keys)) == SQLITE_ROW) {
		if (inbatch == 0)
			sqlite3_bind_value(ins, 4, sqlite3_column_value(keys, 0));
		sqlite3_bind_value(ins, 5, sqlite3_column_value(keys, 0));
		if (++inbatch == s->batch_size) {
			sqlite3_bind_int64(ins, 3, ++n);
			if (sqlite3_step(ins) != SQLITE_DONE)
				goto dberr;
			sqlite3_reset(ins);
			inbatch = 0;
		}
	}
	if (r != SQLITE_DONE)
		goto dberr;
	if (inbatch) {
		sqlite3_bind_int64(ins, 3, ++n);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto dberr;
	}
	*nbatches = n;
	ret = 0;
	goto cleanup;
dberr:
	stage_error(rc->db, "cannot plan the batches");
cleanup:
	sqlite3_finalize(keys);
	sqlite3_finalize(ins);
	sqlite3_finalize(cnt);
	sb_release(&sql);
	return ret;
}

static int run_batch(struct run_ctx *rc, int si, const char *sql,
		     const char *path, long batch, long nbatches)
{
	const struct plan_step *s = &rc->plan->steps[si];
	sqlite3_stmt *range = NULL, *fill = NULL;
	struct strbuf q = STRBUF_INIT;
	double t0 = now_seconds();
	long long before = sqlite3_total_changes64(rc->db), rows = 0;
	int ret = -1;

	if (stage_exec(rc->db, "BEGIN"))
		return -1;
	if (batch) {
		const struct table_meta *t = working_table(rc->stagecat, s->batch_table);
		if (sqlite3_prepare_v2(rc->db, "SELECT first_key, last_key FROM dd_run_batch "
					       "WHERE run = ?1 AND step = ?2 AND batch = ?3",
				       -1, &range, NULL))
			goto dberr;
		sqlite3_bind_int64(range, 1, rc->run);
		sqlite3_bind_text(range, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(range, 3, batch);
		if (sqlite3_step(range) != SQLITE_ROW)
			goto dberr;
		sb_adds(&q, "DELETE FROM temp.dd_batch; INSERT INTO temp.dd_batch SELECT ");
		sb_add_qident(&q, t->cols[t->pk[0]].name);
		sb_adds(&q, " FROM ");
		sb_add_qident(&q, t->stage_name);
		sb_adds(&q, " WHERE ");
		sb_add_qident(&q, t->cols[t->pk[0]].name);
		sb_adds(&q, " BETWEEN ?1 AND ?2");
		if (stage_exec(rc->db, "CREATE TEMP TABLE IF NOT EXISTS dd_batch (key PRIMARY KEY)") ||
		    stage_exec(rc->db, "DELETE FROM temp.dd_batch"))
			goto fail;
		if (sqlite3_prepare_v2(rc->db, strchr(q.buf, ';') + 2, -1, &fill, NULL))
			goto dberr;
		sqlite3_bind_value(fill, 1, sqlite3_column_value(range, 0));
		sqlite3_bind_value(fill, 2, sqlite3_column_value(range, 1));
		if (sqlite3_step(fill) != SQLITE_DONE)
			goto dberr;
		before = sqlite3_total_changes64(rc->db);
	}
	sqlfn_reseed(s->name, batch);
	sqlite3_set_authorizer(rc->db, authorize, rc->guard);
	int r = s->sqlite_dialect ? exec_sql(rc, s->name, path, sql, range, batch)
				  : exec_program(rc, s->name, &rc->progs[si]);
	sqlite3_set_authorizer(rc->db, NULL, NULL);
	if (r)
		goto fail;
	rows = sqlite3_total_changes64(rc->db) - before;
	fault_point("run.step_before_commit");
	if (log_entry(rc, s->name, batch, nbatches, range, rows,
		      (now_seconds() - t0) * 1000.0, "ok",
		      s->sqlite_dialect ? "dialect sqlite: SQLite SQL, not PostgreSQL's semantics" : NULL) ||
	    set_progress(rc, batch && batch < nbatches ? si : si + 1,
			 batch && batch < nbatches ? batch + 1 : 0))
		goto fail;
	sqlite3_finalize(range);
	sqlite3_finalize(fill);
	range = fill = NULL;
	if (stage_exec(rc->db, "COMMIT"))
		goto fail;
	rc->rows_total += rows;
	if (batch)
		progress_update(&rc->progress, batch);
	fault_point("run.after_batch");
	ret = 0;
	goto cleanup;
dberr:
	stage_error(rc->db, "cannot run the batch");
fail:
	sqlite3_finalize(range);
	sqlite3_finalize(fill);
	range = fill = NULL;
	sqlite3_exec(rc->db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	sb_release(&q);
	return ret;
}

static int run_step(struct run_ctx *rc, int si, long from_batch)
{
	const struct plan_step *s = &rc->plan->steps[si];
	char *path = path_join(rc->plan->dir, s->sql_path);
	char *sql = read_file(path, NULL);
	long nbatches = 0;
	long long rows_before = rc->rows_total;
	double t0 = now_seconds();
	int ret = -1, r = 0;
	char label[160];

	snprintf(label, sizeof(label), "step %s", s->name);
	if (!sql) {
		error("cannot read step '%s' file '%s': %s", s->name, path, strerror(errno));
		goto cleanup;
	}
	if (!s->batch_size) {
		/* one statement or a few: its time on the terminal */
		progress_start_unit(&rc->progress, label, 0, NULL);
		stage_watch_progress(rc->db, &rc->progress);
		r = run_batch(rc, si, sql, path, 0, 0);
		stage_watch_progress(rc->db, NULL);
		progress_end(&rc->progress);
		if (r)
			goto cleanup;
	} else {
		if (plan_batches(rc, s, &nbatches))
			goto cleanup;
		progress_start_unit(&rc->progress, label, nbatches, "batches");
		stage_watch_progress(rc->db, &rc->progress);
		for (long b = from_batch ? from_batch : 1; b <= nbatches && !r; b++)
			r = run_batch(rc, si, sql, path, b, nbatches);
		stage_watch_progress(rc->db, NULL);
		progress_end(&rc->progress);
		if (r || (!nbatches && set_progress(rc, si + 1, 0)))
			goto cleanup;
	}
	if (!dd_quiet) {
		printf("step %-28s %8lld rows  %8.1f ms", s->name,
		       rc->rows_total - rows_before, (now_seconds() - t0) * 1000.0);
		if (s->batch_size)
			printf("  (%ld batch%s of %ld %s)", nbatches,
			       nbatches == 1 ? "" : "es", s->batch_size, s->batch_table);
		if (s->sqlite_dialect)
			printf("  [dialect sqlite]");
		printf("\n");
	}
	ret = 0;
cleanup:
	free(sql);
	free(path);
	return ret;
}

/* ------------------------------------------------- extending a finished run */

int run_extra_step(struct run_ctx *rc, const char *name, const char *path,
		   const char *sql, int sqlite_dialect)
{
	double t0 = now_seconds();
	long long before;
	struct sqlc_program prog = { 0 };
	int r;
	if (!sqlite_dialect) {
		/* against the run's working state and the scratch tables it made */
		struct sqlc_env *env = sqlc_env_new(rc->working, rc->db);
		r = sqlc_compile(env, path, sql, SQLC_FIX, &prog);
		sqlc_env_free(env);
		if (r)
			return error("'%s' is refused before anything runs", name);
	}
	if (stage_exec(rc->db, "BEGIN")) {
		sqlc_program_free(&prog);
		return -1;
	}
	before = sqlite3_total_changes64(rc->db);
	sqlfn_reseed(name, 0);
	sqlite3_set_authorizer(rc->db, authorize, rc->guard);
	r = sqlite_dialect ? exec_sql(rc, name, path, sql, NULL, 0) : exec_program(rc, name, &prog);
	sqlite3_set_authorizer(rc->db, NULL, NULL);
	sqlc_program_free(&prog);
	if (r || log_entry(rc, name, 0, 0, NULL, sqlite3_total_changes64(rc->db) - before,
			   (now_seconds() - t0) * 1000.0, "ok",
			   sqlite_dialect ? "dialect sqlite: SQLite SQL, not PostgreSQL's semantics" : NULL) ||
	    stage_exec(rc->db, "COMMIT")) {
		sqlite3_exec(rc->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* How long the latest change set took (its run-log entry), for an ETA. */
static double last_changeset_seconds(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	double ms = 0;
	if (sqlite3_prepare_v2(db, "SELECT duration_ms FROM dd_run_log WHERE step = 'changeset' "
				   "ORDER BY run DESC, seq DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ms = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return ms / 1000.0;
}

/* The change set, shown on a terminal as a phase of its own. */
static int compute_changeset(struct run_ctx *rc, struct changeset_summary *out)
{
	struct progress p;
	int r;
	progress_start_unit(&p, "change set", 0, NULL);
	if (p.active)
		p.expect = last_changeset_seconds(rc->db);
	stage_watch_progress(rc->db, &p);
	/* what the steps of this process wrote, if they all ran in it; used
	 * once: whatever runs later compares in full */
	changeset_track_stop(rc->guard ? rc->guard->track : NULL);
	r = changeset_compute_tracked(rc->db, rc->pristine, rc->working, rc->sc, rc->nsc, rc->run,
				      rc->guard ? rc->guard->track : NULL, out);
	if (rc->guard) {
		changeset_track_free(rc->guard->track);
		rc->guard->track = NULL;
	}
	stage_watch_progress(rc->db, NULL);
	progress_end(&p);
	return r;
}

int run_recompute_changeset(struct run_ctx *rc, struct changeset_summary *out)
{
	return compute_changeset(rc, out);
}

/*
 * Steps read date input in the field order of the target server's
 * DateStyle, as a session of the user's there would (docs/sql-compiler.md,
 * "Dates and times").  A fixture without one (no server was asked):
 * PostgreSQL's default, MDY.
 * A server snapshot that did not record it (an older drydock) reads only
 * what every order reads the same.
 */
static void set_dateorder(struct catalog *cat)
{
	const struct source_meta *tgt = catalog_target(cat);
	enum pgdt_order order = PGDT_MDY;

	if (tgt && tgt->datestyle)
		order = pgdt_order_of(tgt->datestyle);
	else if (tgt && tgt->origin && !strcmp(tgt->origin, "postgres"))
		order = PGDT_ORDER_NONE;
	fn_datetime_set_dateorder(order);
}

/*
 * The one way a run context is built (run_plan and run_open_latest):
 * opens rc->stage_path for writing with the step functions and the
 * compiler's runtime, reads the pristine catalog, the working one (after
 * every schema change in rc->sc) and, when separate_stagecat, the catalog
 * as the file is now (else the working one: a finished run's file is as
 * the working catalog says), and sets up the read-only guard over it.
 * sqlfn_setup() came first.  run_close() releases what this made, also
 * after a failure.
 */
static int run_ctx_open(struct run_ctx *rc, int separate_stagecat)
{
	rc->pristine = xcalloc(1, sizeof(struct catalog));
	rc->working = xcalloc(1, sizeof(struct catalog));
	rc->stagecat = separate_stagecat ? xcalloc(1, sizeof(struct catalog)) : rc->working;
	rc->guard = xcalloc(1, sizeof(struct guard));
	rc->guard->cat = rc->stagecat;
	if (stage_open(rc->stage_path, 0, &rc->db) || sqlfn_register(rc->db) ||
	    stage_read_catalog(rc->db, rc->pristine) || stage_read_catalog(rc->db, rc->working) ||
	    (separate_stagecat && stage_read_catalog(rc->db, rc->stagecat)))
		return -1;
	set_dateorder(rc->pristine);
	if (sqlc_setup(rc->db, rc->pristine))
		return -1;
	for (int phase = SC_BEFORE; phase <= SC_AFTER; phase++)
		for (int i = 0; i < rc->nsc; i++)
			if ((int)rc->sc[i].phase == phase &&
			    schema_change_apply_catalog(rc->working, &rc->sc[i]))
				return -1;
	return 0;
}

int run_open_latest(struct run_ctx *rc, const char *stage_path, struct plan *plan)
{
	sqlite3 *db = NULL;
	struct run_record last = { 0 };
	int r, ret = -1;

	memset(rc, 0, sizeof(*rc));
	rc->stage_path = stage_path;
	rc->plan = plan;
	if (schema_changes_parse(plan, &rc->sc, &rc->nsc) || stage_open(stage_path, 1, &db))
		goto cleanup;
	r = book_latest_run(db, &last);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		error("'%s' has no run yet", stage_path);
		hint("Run the plan first: drydock run %s --plan DIR", stage_path);
		goto cleanup;
	}
	if (strcmp(last.status, "done")) {
		error("the latest run of '%s' did not finish", stage_path);
		hint("Finish it first: drydock run %s --plan DIR --resume", stage_path);
		goto cleanup;
	}
	rc->run = last.id;
	stage_close(db);
	db = NULL;
	if (sqlfn_setup(last.seed, last.clock)) {
		error("the latest run's clock '%s' is not a timestamp", last.clock);
		goto cleanup;
	}
	if (run_ctx_open(rc, 0))
		goto cleanup;
	ret = 0;
cleanup:
	stage_close(db);
	run_record_free(&last);
	return ret;
}

void run_close(struct run_ctx *rc)
{
	free_programs(rc);
	stage_close(rc->db);
	rc->db = NULL;
	schema_changes_free(rc->sc, rc->nsc);
	rc->sc = NULL;
	rc->nsc = 0;
	if (rc->pristine) {
		catalog_free(rc->pristine);
		free(rc->pristine);
	}
	if (rc->stagecat && rc->stagecat != rc->working) {
		catalog_free(rc->stagecat);
		free(rc->stagecat);
	}
	if (rc->working) {
		catalog_free(rc->working);
		free(rc->working);
	}
	free(rc->guard);
	rc->pristine = rc->working = rc->stagecat = NULL;
	rc->guard = NULL;
}

/* ----------------------------------------------------------- the run */

static char *plan_hash(const struct plan *plan)
{
	struct sha256 c;
	unsigned char d[32];
	char hex[65];
	sha256_init(&c);
	sha256_update(&c, plan->text, strlen(plan->text) + 1);
	for (int i = 0; i < plan->nsteps; i++) {
		char *path = path_join(plan->dir, plan->steps[i].sql_path);
		size_t len = 0;
		char *sql = read_file(path, &len);
		sha256_update(&c, plan->steps[i].sql_path, strlen(plan->steps[i].sql_path) + 1);
		if (sql)
			sha256_update(&c, sql, len);
		free(sql);
		free(path);
	}
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return xstrdup(hex);
}

/* The plan must name no table the snapshot lacks, and its steps' files must exist. */
static int check_plan_against_stage(const struct plan *plan, struct catalog *cat)
{
	for (int i = 0; i < plan->nsources; i++) {
		const struct plan_source *ps = &plan->sources[i];
		struct source_meta *sm = catalog_find_source(cat, ps->name);
		if (!sm) {
			error("the plan's source '%s' is not in the staging file", ps->name);
			hint("The plan changed since the snapshot: snapshot again.");
			return -1;
		}
		if (sm->is_target != ps->target) {
			error("the plan's target is not the staging file's target ('%s')", ps->name);
			hint("The plan changed since the snapshot: snapshot again.");
			return -1;
		}
		for (int k = 0; k < ps->ntables; k++)
			if (!catalog_find_table(cat, ps->name, ps->tables[k].name)) {
				error("the plan's table '%s.%s' is not in the staging file",
				      ps->name, ps->tables[k].name);
				hint("The plan changed since the snapshot: snapshot again.");
				return -1;
			}
	}
	for (int i = 0; i < plan->nsteps; i++) {
		char *path = path_join(plan->dir, plan->steps[i].sql_path);
		int ok = file_exists(path);
		if (!ok) {
			error("step '%s' names file '%s', which does not exist",
			      plan->steps[i].name, path);
			hint("Step files are relative to the plan folder.");
		}
		free(path);
		if (!ok)
			return -1;
	}
	return 0;
}

/*
 * On a terminal, a big table is copied in twenty ranges of its rowids (in
 * rowid order, as the one statement would), so the rebuild's progress moves
 * within the table too.  sql is "INSERT INTO w SELECT * FROM p".  The
 * price: SQLite's transfer optimisation (whole records copied) only serves
 * the plain statement, and ranges cost about a third more CPU; so only
 * tables big enough for that to be worth a moving count, and only when
 * someone watches.
 */
static int copy_in_ranges(sqlite3 *db, struct strbuf *sql, const struct table_meta *t,
			  struct progress *p)
{
	sqlite3_stmt *st = NULL;
	struct strbuf q = STRBUF_INIT;
	long long lo = 0, hi = -1, base = p->done;
	int ret = -1;

	sb_adds(&q, "SELECT min(rowid), max(rowid) FROM ");
	sb_add_qident(&q, t->pristine_name);
	if (sqlite3_prepare_v2(db, q.buf, -1, &st, NULL) || sqlite3_step(st) != SQLITE_ROW)
		goto dberr;
	lo = sqlite3_column_int64(st, 0);
	hi = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	sb_adds(sql, " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid");
	if (sqlite3_prepare_v2(db, sql->buf, -1, &st, NULL))
		goto dberr;
	for (int k = 0; k < 20 && hi >= lo; k++) {
		long long from = lo + (long long)((double)(hi - lo + 1) * k / 20);
		long long to = k == 19 ? hi : lo + (long long)((double)(hi - lo + 1) * (k + 1) / 20) - 1;
		if (to < from)
			continue;
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, to);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto dberr;
		sqlite3_reset(st);
		progress_update(p, base + t->row_count * (k + 1) / 20);
	}
	ret = 0;
	goto cleanup;
dberr:
	stage_error(db, "cannot rebuild the working tables");
cleanup:
	sqlite3_finalize(st);
	sb_release(&q);
	return ret;
}

/* Drops the working tables and every scratch table and view, recreates from pristine. */
static int rebuild_working(struct run_ctx *rc)
{
	sqlite3_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;
	char **names = NULL;
	int n = 0, ret = -1;
	struct progress p = { 0 };
	long long total = 0, done = 0;

	/* views first: they may read the tables about to be dropped */
	if (sqlite3_prepare_v2(rc->db, "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') "
				       "AND name NOT LIKE 'dd\\_%' ESCAPE '\\' "
				       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type = 'table'",
			       -1, &st, NULL)) {
		stage_error(rc->db, "cannot list staging tables");
		goto cleanup;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		int keep = 0;
		for (int i = 0; i < rc->stagecat->ntables; i++)
			if (!rc->stagecat->tables[i].pristine_name &&
			    !strcmp(rc->stagecat->tables[i].stage_name, name))
				keep = 1;
		if (keep)
			continue;
		/* names[] holds the DROP statements, views before tables */
		sb_reset(&sql);
		sb_addf(&sql, "DROP %s ", strcmp(type, "view") ? "TABLE" : "VIEW");
		sb_add_qident(&sql, name);
		names = xrealloc(names, (size_t)(n + 1) * sizeof(char *));
		names[n++] = xstrdup(sql.buf);
	}
	sqlite3_finalize(st);
	st = NULL;
	for (int i = 0; i < n; i++)
		if (stage_exec(rc->db, names[i]))
			goto cleanup;
	if (seq_state_reset(rc->db) ||
	    stage_exec(rc->db, "CREATE TABLE IF NOT EXISTS dd_scratch_column (tbl TEXT NOT NULL, "
				"ordinal INTEGER NOT NULL, name TEXT NOT NULL, pg_type TEXT NOT NULL, "
				"not_null INTEGER NOT NULL, default_expr TEXT, temp INTEGER NOT NULL, "
				"PRIMARY KEY (tbl, ordinal)); DELETE FROM dd_scratch_column"))
		goto cleanup;
	for (int i = 0; i < rc->stagecat->ntables; i++)
		if (rc->stagecat->tables[i].pristine_name)
			total += rc->stagecat->tables[i].row_count;
	progress_start(&p, "rebuild", total);
	stage_watch_progress(rc->db, &p);
	for (int i = 0; i < rc->stagecat->ntables; i++) {
		const struct table_meta *t = &rc->stagecat->tables[i];
		if (!t->pristine_name)
			continue;
		if (stage_create_table(rc->db, t, t->stage_name))
			goto cleanup;
		sb_reset(&sql);
		sb_adds(&sql, "INSERT INTO ");
		sb_add_qident(&sql, t->stage_name);
		sb_adds(&sql, " SELECT * FROM ");
		sb_add_qident(&sql, t->pristine_name);
		if (p.active && t->row_count >= 200000) {
			if (copy_in_ranges(rc->db, &sql, t, &p))
				goto cleanup;
		} else if (stage_exec(rc->db, sql.buf)) {
			goto cleanup;
		}
		progress_update(&p, done += t->row_count);
	}
	ret = 0;
cleanup:
	stage_watch_progress(rc->db, NULL);
	progress_end(&p);
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sb_release(&sql);
	return ret;
}

/* Applies the changes of one phase to stagecat and, if stage, the file. */
static int apply_phase(struct run_ctx *rc, enum sc_phase phase, int stage)
{
	for (int i = 0; i < rc->nsc; i++) {
		struct schema_change *c = &rc->sc[i];
		double t0 = now_seconds();
		if (c->phase != phase)
			continue;
		if (schema_change_apply_catalog(rc->stagecat, c))
			return -1;
		if (!stage)
			continue;
		if (schema_change_apply_stage(rc->db, rc->stagecat, c))
			return -1;
		char name[300];
		snprintf(name, sizeof(name), "schema:%s %s", c->opname,
			 c->table ? c->table : "");
		if (log_entry(rc, name, 0, 0, NULL, 0, (now_seconds() - t0) * 1000.0,
			      c->skipped ? "skipped" : "ok",
			      c->skipped ? "already present in the snapshot" : NULL))
			return -1;
	}
	return 0;
}

/*
 * Renders every change's DDL against the evolving catalog and stores it,
 * in the order push runs them: before-phase changes, then after-phase.
 */
static int store_schema_changes(struct run_ctx *rc)
{
	struct catalog cat;
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (stage_read_catalog(rc->db, &cat))
		return -1;
	if (stage_exec(rc->db, "DELETE FROM dd_schema_change") ||
	    sqlite3_prepare_v2(rc->db, "INSERT INTO dd_schema_change (seq, phase, op, tbl, spec, "
				       "skipped, ddl, ddl_post, inverse_ddl, inverse_post, probe) "
				       "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL))
		goto cleanup;
	for (int phase = SC_BEFORE, seq = 0; phase <= SC_AFTER; phase++) {
		for (int i = 0; i < rc->nsc; i++) {
			struct schema_change *c = &rc->sc[i];
			struct strbuf ddl = STRBUF_INIT, post = STRBUF_INIT,
				      inv = STRBUF_INIT, invpost = STRBUF_INIT;
			struct source_meta *tgt = catalog_target(&cat);
			char *canon, *probe;
			int r;
			if ((int)c->phase != phase)
				continue;
			/* render first: the inverse of a drop needs the old shape */
			if (schema_change_render(c, &cat, tgt->schema, &ddl, &post, &inv, &invpost) ||
			    schema_change_apply_catalog(&cat, c)) {
				sb_release(&ddl);
				sb_release(&post);
				sb_release(&inv);
				sb_release(&invpost);
				goto cleanup;
			}
			canon = schema_change_canonical(c);
			probe = schema_change_probe_sql(c, tgt->schema);
			sqlite3_bind_int(st, 1, ++seq);
			sqlite3_bind_text(st, 2, phase == SC_AFTER ? "after" : "before", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, c->opname, -1, SQLITE_STATIC);
			if (c->table)
				sqlite3_bind_text(st, 4, c->table, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 4);
			sqlite3_bind_text(st, 5, canon, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 6, c->skipped);
			sqlite3_bind_text(st, 7, ddl.buf, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 8, post.buf, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 9, inv.buf, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 10, invpost.buf, -1, SQLITE_STATIC);
			if (probe)
				sqlite3_bind_text(st, 11, probe, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 11);
			r = sqlite3_step(st);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			free(canon);
			free(probe);
			sb_release(&ddl);
			sb_release(&post);
			sb_release(&inv);
			sb_release(&invpost);
			if (r != SQLITE_DONE) {
				stage_error(rc->db, "cannot store the schema changes");
				goto cleanup;
			}
		}
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	catalog_free(&cat);
	return ret;
}

static int start_run(struct run_ctx *rc, const char *seed, const char *clock,
		     const char *phash, int no_check)
{
	return book_run_start(rc->db, rc->plan->name, phash, seed, clock, no_check, &rc->run);
}

static int finish_run(struct run_ctx *rc, const char *status, const char *msg)
{
	return book_run_finish(rc->db, rc->run, status, msg);
}

/*
 * The default seed comes from the data, not from the staging file: the
 * target's snapshot time (a fixture carries its own), so every staging file
 * made from the same snapshot or fixture draws the same UUIDs.
 */
static char *default_seed(const struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target && cat->sources[i].snapshot_at)
			return xasprintf("drydock:%s", cat->sources[i].snapshot_at);
	return xstrdup("drydock");
}

static char *default_clock(const struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target && cat->sources[i].snapshot_at)
			return xstrdup(cat->sources[i].snapshot_at);
	return xstrdup("2000-01-01 00:00:00+00");
}

/* The syntax of every PostgreSQL SQL text of the plan (sqlsyntax.h), all reported. */
static int syntax_plan(const struct plan *plan, const struct checks *specs)
{
	int bad = 0;

	for (int i = 0; i < plan->nsteps; i++) {
		const struct plan_step *s = &plan->steps[i];
		char *path = path_join(plan->dir, s->sql_path);
		char *sql = read_file(path, NULL);
		if (!sql)
			bad |= error("step '%s' names file '%s', which cannot be read: %s", s->name, path,
				     strerror(errno));
		else if (!s->sqlite_dialect)
			bad |= sql_syntax_check(path, sql, 0);
		free(sql);
		free(path);
	}
	for (int i = 0; i < specs->nchecks; i++) {
		const struct plan_check *c = &specs->checks[i];
		if (c->sqlite_dialect)
			continue;
		bad |= sql_syntax_check(c->sql_from, c->sql, 0);
		if (c->fix_sql)
			bad |= sql_syntax_check(c->fix_from, c->fix_sql, 0);
	}
	for (int i = 0; i < specs->ngates; i++) {
		const struct gate *g = &specs->gates[i];
		if (g->sqlite_dialect)
			continue;
		if (g->where) {
			char *from = xasprintf("gate '%s' where", g->name);
			bad |= sql_syntax_check(from, g->where, 1);
			free(from);
		}
		if (g->sql)
			bad |= sql_syntax_check(g->sql_from, g->sql, 0);
	}
	return bad ? -1 : 0;
}

int run_validate(const char *plan_dir, const char *stage_path)
{
	struct run_ctx rc = { 0 };
	struct plan plan = { 0 };
	struct checks specs = { 0 };
	char *seed = NULL, *clock = NULL;
	int ret = -1;

	if (plan_load(plan_dir, &plan))
		goto cleanup;
	rc.plan = &plan;
	rc.stage_path = stage_path;
	if (schema_changes_parse(&plan, &rc.sc, &rc.nsc) || checks_parse(&plan, &specs) ||
	    syntax_plan(&plan, &specs))
		goto cleanup;
	if (!stage_path) {
		ret = 0;
		goto cleanup;
	}
	/* against the snapshot: what run does before its first step, read-only */
	rc.pristine = xcalloc(1, sizeof(struct catalog));
	rc.working = rc.stagecat = xcalloc(1, sizeof(struct catalog));
	if (stage_open(stage_path, 1, &rc.db) || stage_read_catalog(rc.db, rc.pristine) ||
	    stage_read_catalog(rc.db, rc.working) || check_plan_against_stage(&plan, rc.pristine))
		goto cleanup;
	seed = default_seed(rc.pristine);
	clock = default_clock(rc.pristine);
	if (sqlfn_setup(seed, clock))
		goto cleanup;
	set_dateorder(rc.pristine);
	for (int phase = SC_BEFORE; phase <= SC_AFTER; phase++)
		for (int i = 0; i < rc.nsc; i++)
			if ((int)rc.sc[i].phase == phase &&
			    schema_change_apply_catalog(rc.working, &rc.sc[i]))
				goto cleanup;
	if (checks_validate(&plan, &specs, rc.working) ||
	    compile_plan(&rc, rc.working, rc.pristine, &specs))
		goto cleanup;
	ret = 0;
cleanup:
	run_close(&rc);
	checks_free(&specs);
	plan_free(&plan);
	free(seed);
	free(clock);
	return ret;
}

int run_plan(const struct run_opts *o)
{
	const char *from = o->from;
	int resume = o->resume, no_check = o->no_check, ret = EXIT_RUNTIME;
	struct run_ctx rc = { 0 };
	struct plan plan = { 0 };
	struct catalog snap = { 0 };
	struct changeset_summary sum;
	struct checks specs = { 0 };
	struct check_session cs = { 0 };
	struct run_record last = { 0 };
	char *seed = NULL, *clock = NULL, *phash = NULL;
	int start_step = 0, has_last;
	long start_batch = 0;

	rc.stage_path = o->stage_path;
	if (plan_load(o->plan_dir, &plan))
		goto cleanup;
	rc.plan = &plan;
	if (schema_changes_parse(&plan, &rc.sc, &rc.nsc) || checks_parse(&plan, &specs))
		goto cleanup;
	if (from) {
		for (int i = 0; i < plan.nsteps; i++)
			if (!strcmp(plan.steps[i].name, from))
				rc.from_step = i + 1;
		if (!rc.from_step) {
			error("the plan has no step '%s'", from);
			hint("Run 'drydock run --help' for usage.");
			ret = EXIT_USAGE;
			goto cleanup;
		}
	}
	/* open once to read what the seed and clock default to */
	if (stage_open(rc.stage_path, 1, &rc.db) || stage_read_catalog(rc.db, &snap))
		goto cleanup;
	if (check_plan_against_stage(&plan, &snap))
		goto cleanup;
	phash = plan_hash(&plan);
	switch (book_latest_run(rc.db, &last)) {
	case 0: has_last = 1; break;
	case 1: has_last = 0; break;
	default: goto cleanup;
	}
	if (resume) {
		if (!has_last || !strcmp(last.status, "done")) {
			error("there is no unfinished run to resume in '%s'", rc.stage_path);
			hint("Start a fresh run without --resume.");
			goto cleanup;
		}
		seed = xstrdup(last.seed);
		clock = xstrdup(last.clock);
		start_step = last.next_step;
		start_batch = (long)last.next_batch;
		if (strcmp(last.plan_hash, phash))
			info("the plan changed since the run stopped; continuing at step %d with the plan as it is now",
			     last.next_step + 1);
	} else {
		seed = o->seed ? xstrdup(o->seed) : default_seed(&snap);
		clock = o->clock ? xstrdup(o->clock) : default_clock(&snap);
	}
	stage_close(rc.db);
	rc.db = NULL;
	if (sqlfn_setup(seed, clock)) {
		error("--clock '%s' is not a UTC timestamp (YYYY-MM-DD HH:MM:SS[+00])", clock);
		hint("Run 'drydock run --help' for usage.");
		ret = EXIT_USAGE;
		goto cleanup;
	}
	/* the whole shape after every change (rc.working), for checks and the
	 * change set; rc.stagecat follows the file as the phases apply */
	if (run_ctx_open(&rc, 1))
		goto cleanup;
	if (checks_validate(&plan, &specs, rc.working))
		goto cleanup;
	/* everything the plan runs is compiled before anything runs */
	if (compile_plan(&rc, rc.working, rc.pristine, &specs))
		goto cleanup;
	for (int i = 0; i < plan.nsteps; i++)
		if (plan.steps[i].sqlite_dialect)
			warning("step '%s' is SQLite SQL (\"dialect\": \"sqlite\"): it runs without PostgreSQL's semantics",
				plan.steps[i].name);

	if (resume) {
		rc.run = last.id;
		if (apply_phase(&rc, SC_BEFORE, 0))
			goto cleanup;
		if (book_run_resume(rc.db, rc.run))
			goto cleanup;
		info("resuming run %lld at step %d%s", rc.run, start_step + 1,
		     start_batch ? " (mid-batch)" : "");
	} else {
		fault_point("run.before_rebuild");
		if (stage_exec(rc.db, "BEGIN") || start_run(&rc, seed, clock, phash, no_check) ||
		    rebuild_working(&rc) || apply_phase(&rc, SC_BEFORE, 1) ||
		    store_schema_changes(&rc) || set_progress(&rc, 0, 0)) {
			sqlite3_exec(rc.db, "ROLLBACK", NULL, NULL, NULL);
			goto cleanup;
		}
		if (stage_exec(rc.db, "COMMIT"))
			goto cleanup;
		fault_point("run.after_rebuild");
		{
			char *abs = realpath(plan.dir, NULL);
			int r = stage_set_meta(rc.db, "plan_dir", abs ? abs : plan.dir);
			free(abs);
			if (r)
				goto cleanup;
		}
		if (rc.from_step > 1)
			info("replaying the %d steps before '%s'", rc.from_step - 1, from);
		/* every step runs in this process: the change set may compare
		 * only what they write */
		rc.guard->track = changeset_track_start(rc.db, rc.stagecat);
	}

	/* the plan's "before" checks see the snapshot; failures are reported
	 * now and again at the end (they block approval, not the run) */
	if (!no_check) {
		check_session_init(&cs, rc.db, &plan, &specs, rc.pristine, rc.working, rc.run);
		if (checks_run_before(&cs)) {
			finish_run(&rc, "failed", "checks (before)");
			goto cleanup;
		}
		if (cs.nres) {
			struct check_totals t;
			checks_totals(&cs, &t);
			if (t.failed) {
				printf("before the steps:\n");
				checks_print(&cs, stdout, PRINT_FAILED);
			}
		}
	}

	for (int i = start_step; i < plan.nsteps; i++) {
		if (run_step(&rc, i, i == start_step ? start_batch : 0)) {
			finish_run(&rc, "failed", plan.steps[i].name);
			goto cleanup;
		}
	}
	/* the after phase commits with its resume point (past the last
	 * step), so a resumed run never applies it twice */
	if (start_step > plan.nsteps) {
		if (apply_phase(&rc, SC_AFTER, 0))
			goto cleanup;
	} else if (stage_exec(rc.db, "BEGIN") || apply_phase(&rc, SC_AFTER, 1) ||
		   set_progress(&rc, plan.nsteps + 1, 0) || stage_exec(rc.db, "COMMIT")) {
		sqlite3_exec(rc.db, "ROLLBACK", NULL, NULL, NULL);
		finish_run(&rc, "failed", "schema changes (after)");
		goto cleanup;
	}
	fault_point("run.after_schema");
	{
		double t0 = now_seconds();
		if (compute_changeset(&rc, &sum)) {
			finish_run(&rc, "failed", "change set");
			goto cleanup;
		}
		if (log_entry(&rc, "changeset", 0, 0, NULL, sum.inserts + sum.updates + sum.deletes,
			      (now_seconds() - t0) * 1000.0, "ok", NULL))
			goto cleanup;
	}
	if (finish_run(&rc, "done", NULL))
		goto cleanup;
	if (!dd_quiet)
		printf("change set %.16s: %lld insert%s, %lld update%s, %lld delete%s, %d schema change%s\n",
		       sum.hash, sum.inserts, sum.inserts == 1 ? "" : "s", sum.updates,
		       sum.updates == 1 ? "" : "s", sum.deletes, sum.deletes == 1 ? "" : "s",
		       sum.schema_changes,
		       sum.schema_changes == 1 ? "" : "s");
	ret = EXIT_OK;
	if (no_check) {
		info("checks skipped (--no-check): run 'drydock check %s' before approving",
		     rc.stage_path);
	} else {
		struct check_totals t;
		long long check_run;
		if (checks_run_watched(&cs) || checks_store(&cs, &check_run)) {
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		checks_totals(&cs, &t);
		/* findings show even with --quiet, which only drops what passed */
		checks_print(&cs, stdout, dd_quiet ? PRINT_FAILED : PRINT_PROBLEMS);
		if (t.failed || !dd_quiet)
			checks_print_summary(&cs, stdout);
		if (t.errors)
			ret = EXIT_FINDINGS;
	}
cleanup:
	if (rc.guard)
		changeset_track_free(rc.guard->track);
	check_session_free(&cs);
	checks_free(&specs);
	run_close(&rc);
	catalog_free(&snap);
	plan_free(&plan);
	free(seed);
	free(clock);
	free(phash);
	run_record_free(&last);
	return ret;
}
