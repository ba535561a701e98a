/*
 * book: the staging file's bookkeeping (see book.h).  Every query on
 * dd_run, dd_changeset, dd_check_run, dd_approval and dd_push that answers
 * "which one is the latest" lives here.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "stage.h"
#include "util.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/*
 * Runs a one-row query (parameter ?1 bound to id when id > 0) and hands
 * the row to fill.  Returns 0, 1 when no row, -1 (reported as what).
 */
static int one_row(sqlite3 *db, const char *sql, long long id, const char *what,
		   void (*fill)(sqlite3_stmt *, void *), void *out)
{
	sqlite3_stmt *st = NULL;
	int r, ret;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return stage_error(db, what);
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		fill(st, out);
		ret = 0;
	} else if (r == SQLITE_DONE) {
		ret = 1;
	} else {
		ret = stage_error(db, what);
	}
	sqlite3_finalize(st);
	return ret;
}

/* ----------------------------------------------------------- change set */

static void fill_changeset(sqlite3_stmt *st, void *p)
{
	struct changeset_summary *out = p;
	snprintf(out->hash, sizeof(out->hash), "%s", (const char *)sqlite3_column_text(st, 0));
	out->inserts = sqlite3_column_int64(st, 1);
	out->updates = sqlite3_column_int64(st, 2);
	out->deletes = sqlite3_column_int64(st, 3);
	out->schema_changes = sqlite3_column_int(st, 4);
	out->run = sqlite3_column_int64(st, 5);
}

int changeset_load_summary(sqlite3 *db, struct changeset_summary *out)
{
	memset(out, 0, sizeof(*out));
	return one_row(db, "SELECT hash, inserts, updates, deletes, schema_changes, run "
			   "FROM dd_changeset WHERE id = 1", 0, "cannot read the change set",
		       fill_changeset, out);
}

/* ----------------------------------------------------------------- runs */

static void fill_run(sqlite3_stmt *st, void *p)
{
	struct run_record *r = p;
	r->id = sqlite3_column_int64(st, 0);
	r->status = col_dup(st, 1);
	r->started_at = col_dup(st, 2);
	r->finished_at = col_dup(st, 3);
	r->plan_name = col_dup(st, 4);
	r->plan_hash = col_dup(st, 5);
	r->seed = col_dup(st, 6);
	r->clock = col_dup(st, 7);
	r->next_step = sqlite3_column_int(st, 8);
	r->next_batch = sqlite3_column_int64(st, 9);
	r->no_check = sqlite3_column_int(st, 10);
	r->message = col_dup(st, 11);
}

#define RUN_COLS "SELECT id, status, started_at, finished_at, plan_name, plan_hash, " \
		 "seed, clock, next_step, next_batch, no_check, message FROM dd_run "

int book_latest_run(sqlite3 *db, struct run_record *out)
{
	memset(out, 0, sizeof(*out));
	return one_row(db, RUN_COLS "ORDER BY id DESC LIMIT 1", 0, "cannot read the runs",
		       fill_run, out);
}

int book_run(sqlite3 *db, long long id, struct run_record *out)
{
	memset(out, 0, sizeof(*out));
	if (id <= 0)
		return 1;
	return one_row(db, RUN_COLS "WHERE id = ?1", id, "cannot read the runs", fill_run, out);
}

/*
 * Runs a many-row query (parameter ?1 bound to id when id > 0), growing
 * *out by size bytes per row, each filled by fill.  Returns 0 or -1
 * (reported as what); on error the rows read so far stay in *out.
 */
static int all_rows(sqlite3 *db, const char *sql, long long id, const char *what,
		    void (*fill)(sqlite3_stmt *, void *), size_t size, void **out, int *n)
{
	sqlite3_stmt *st = NULL;
	int r;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return stage_error(db, what);
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char *row;
		*out = xrealloc(*out, (size_t)(*n + 1) * size);
		row = (char *)*out + (size_t)*n * size;
		memset(row, 0, size);
		fill(st, row);
		(*n)++;
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : stage_error(db, what);
}

int book_runs(sqlite3 *db, struct run_record **out, int *n)
{
	void *v = NULL;
	int r = all_rows(db, RUN_COLS "ORDER BY id", 0, "cannot read the runs", fill_run,
			 sizeof(**out), &v, n);
	*out = v;
	return r;
}

static void fill_log_entry(sqlite3_stmt *st, void *p)
{
	struct run_log_entry *e = p;
	e->seq = sqlite3_column_int(st, 0);
	e->step = col_dup(st, 1);
	e->batch = sqlite3_column_int64(st, 2);
	e->batches = sqlite3_column_int64(st, 3);
	e->first_key = col_dup(st, 4);
	e->last_key = col_dup(st, 5);
	e->rows = sqlite3_column_int64(st, 6);
	e->duration_ms = sqlite3_column_double(st, 7);
	e->status = col_dup(st, 8);
	e->message = col_dup(st, 9);
}

int book_run_log(sqlite3 *db, long long run, struct run_log_entry **out, int *n)
{
	void *v = NULL;
	int r = all_rows(db, "SELECT seq, step, batch, batches, first_key, last_key, rows, "
			     "duration_ms, status, message FROM dd_run_log WHERE run = ?1 ORDER BY seq",
			 run > 0 ? run : -1, "cannot read the run log", fill_log_entry,
			 sizeof(**out), &v, n);
	*out = v;
	return r;
}

/* Prepares sql into *st: 0, or -1 reported as what. */
static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what)
{
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) ? stage_error(db, what) : 0;
}

/* Steps a bound write once and finalizes it: 0, or -1 reported as what. */
static int step_once(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? 0 : stage_error(db, what);
}

int book_run_start(sqlite3 *db, const char *plan_name, const char *plan_hash, const char *seed,
		   const char *clock, int no_check, long long *id)
{
	static const char what[] = "cannot record the run";
	sqlite3_stmt *st;
	char *now;
	int ret;
	if (prepare(db, "INSERT INTO dd_run (started_at, plan_name, plan_hash, seed, clock, "
			"status, no_check) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6)", &st, what))
		return -1;
	now = utc_timestamp();
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, plan_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, plan_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, seed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, clock, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, no_check);
	ret = step_once(db, st, what);
	free(now);
	if (!ret)
		*id = sqlite3_last_insert_rowid(db);
	return ret;
}

int book_run_finish(sqlite3 *db, long long id, const char *status, const char *message)
{
	static const char what[] = "cannot record the run";
	sqlite3_stmt *st;
	char *now;
	int ret;
	if (prepare(db, "UPDATE dd_run SET status = ?2, finished_at = ?3, message = ?4 WHERE id = ?1",
		    &st, what))
		return -1;
	now = utc_timestamp();
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (message)
		sqlite3_bind_text(st, 4, message, -1, SQLITE_STATIC);
	ret = step_once(db, st, what);
	free(now);
	return ret;
}

int book_run_resume(sqlite3 *db, long long id)
{
	static const char what[] = "cannot record the run";
	sqlite3_stmt *st;
	if (prepare(db, "UPDATE dd_run SET status = 'running', message = NULL WHERE id = ?1", &st, what))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return step_once(db, st, what);
}

int book_run_progress(sqlite3 *db, long long id, int next_step, long long next_batch)
{
	static const char what[] = "cannot record progress";
	sqlite3_stmt *st;
	if (prepare(db, "UPDATE dd_run SET next_step = ?2, next_batch = ?3 WHERE id = ?1", &st, what))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, next_step);
	sqlite3_bind_int64(st, 3, next_batch);
	return step_once(db, st, what);
}

int book_run_log_add(sqlite3 *db, long long run, const struct run_log_entry *e,
		     sqlite3_value *first_key, sqlite3_value *last_key)
{
	static const char what[] = "cannot write the run log";
	sqlite3_stmt *st;
	if (prepare(db, "INSERT INTO dd_run_log VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 "
			"FROM dd_run_log WHERE run = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st, what))
		return -1;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, e->step, -1, SQLITE_STATIC);
	if (e->batch) {
		sqlite3_bind_int64(st, 3, e->batch);
		sqlite3_bind_int64(st, 4, e->batches);
	}
	if (first_key)
		sqlite3_bind_value(st, 5, first_key);
	if (last_key)
		sqlite3_bind_value(st, 6, last_key);
	sqlite3_bind_int64(st, 7, e->rows);
	sqlite3_bind_double(st, 8, e->duration_ms);
	sqlite3_bind_text(st, 9, e->status, -1, SQLITE_STATIC);
	if (e->message)
		sqlite3_bind_text(st, 10, e->message, -1, SQLITE_STATIC);
	return step_once(db, st, what);
}

void run_log_free(struct run_log_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		free(e[i].step);
		free(e[i].first_key);
		free(e[i].last_key);
		free(e[i].status);
		free(e[i].message);
	}
	free(e);
}

void run_record_free(struct run_record *r)
{
	free(r->status);
	free(r->started_at);
	free(r->finished_at);
	free(r->plan_name);
	free(r->plan_hash);
	free(r->seed);
	free(r->clock);
	free(r->message);
	memset(r, 0, sizeof(*r));
}

/* ----------------------------------------------------------- check runs */

#define CHECK_RUN_COLS "SELECT id, at, run, changeset_hash, phase, errors, warnings, passed FROM dd_check_run "

static void fill_check_run(sqlite3_stmt *st, void *p)
{
	struct check_run_record *c = p;
	c->id = sqlite3_column_int64(st, 0);
	c->at = col_dup(st, 1);
	c->run = sqlite3_column_int64(st, 2);
	c->changeset_hash = col_dup(st, 3);
	c->phase = col_dup(st, 4);
	c->errors = sqlite3_column_int64(st, 5);
	c->warnings = sqlite3_column_int64(st, 6);
	c->passed = sqlite3_column_int64(st, 7);
}

int book_latest_check_run(sqlite3 *db, struct check_run_record *out)
{
	memset(out, 0, sizeof(*out));
	return one_row(db, CHECK_RUN_COLS "ORDER BY id DESC LIMIT 1", 0,
		       "cannot read the check results", fill_check_run, out);
}

int book_check_run(sqlite3 *db, long long id, struct check_run_record *out)
{
	memset(out, 0, sizeof(*out));
	return one_row(db, CHECK_RUN_COLS "WHERE id = ?1", id,
		       "cannot read the check results", fill_check_run, out);
}

void check_run_record_free(struct check_run_record *c)
{
	free(c->at);
	free(c->changeset_hash);
	free(c->phase);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ approvals */

static void fill_approval(sqlite3_stmt *st, void *p)
{
	struct approval *a = p;
	a->id = sqlite3_column_int64(st, 0);
	a->hash = col_dup(st, 1);
	a->by = col_dup(st, 2);
	a->note = col_dup(st, 3);
	a->at = col_dup(st, 4);
	a->check_run = sqlite3_column_int64(st, 5);
}

int book_latest_approval(sqlite3 *db, struct approval *out)
{
	memset(out, 0, sizeof(*out));
	return one_row(db, "SELECT id, changeset_hash, approved_by, note, at, check_run "
			   "FROM dd_approval ORDER BY id DESC LIMIT 1", 0,
		       "cannot read the approvals", fill_approval, out);
}

int book_add_approval(sqlite3 *db, const char *hash, const char *by,
		      const char *note, long long check_run, long long *id)
{
	sqlite3_stmt *st = NULL;
	char *now = utc_timestamp();
	int ret = -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO dd_approval (changeset_hash, approved_by, note, at, "
				   "check_run) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL))
		goto cleanup;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	if (note)
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, check_run);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto cleanup;
	if (id)
		*id = sqlite3_last_insert_rowid(db);
	ret = 0;
cleanup:
	if (ret)
		stage_error(db, "cannot record the approval");
	sqlite3_finalize(st);
	free(now);
	return ret;
}

void approval_free(struct approval *a)
{
	free(a->hash);
	free(a->by);
	free(a->note);
	free(a->at);
	memset(a, 0, sizeof(*a));
}

/* ------------------------------------------------- the one approval rule */

int book_review(sqlite3 *db, struct review *out)
{
	int r;
	memset(out, 0, sizeof(*out));
	out->state = REVIEW_NO_CHANGESET;
	out->approval_state = APPROVAL_NONE;

	if ((r = changeset_load_summary(db, &out->cs)) < 0)
		return -1;
	out->has_changeset = r == 0;
	if ((r = book_latest_run(db, &out->run)) < 0)
		goto fail;
	out->has_run = r == 0;
	if ((r = book_latest_check_run(db, &out->checks)) < 0)
		goto fail;
	out->has_checks = r == 0;
	if ((r = book_latest_approval(db, &out->approval)) < 0)
		goto fail;
	out->has_approval = r == 0;

	if (out->has_approval)
		out->approval_state = out->has_changeset && !strcmp(out->approval.hash, out->cs.hash)
				      ? APPROVAL_CURRENT : APPROVAL_VOID;
	if (!out->has_changeset)
		return 0;
	if (out->has_run && strcmp(out->run.status, "done")) {
		out->state = REVIEW_RUN_UNFINISHED;
		return 0;
	}
	if (!out->has_checks) {
		out->state = REVIEW_NOT_CHECKED;
		return 0;
	}
	if (!out->checks.changeset_hash || strcmp(out->checks.changeset_hash, out->cs.hash)) {
		out->state = REVIEW_CHECKS_STALE;
		return 0;
	}
	{
		/* an interrupted 'check --fix' (cmd_check.c) left the change set behind */
		char *stale = stage_get_meta(db, "changeset_stale");
		int behind = stale && *stale;
		free(stale);
		if (behind) {
			out->state = REVIEW_FIXES_PENDING;
			return 0;
		}
	}
	out->state = out->checks.errors > 0 ? REVIEW_CHECKS_FAILED : REVIEW_CLEAN;
	return 0;
fail:
	review_free(out);
	return -1;
}

void review_free(struct review *r)
{
	run_record_free(&r->run);
	check_run_record_free(&r->checks);
	approval_free(&r->approval);
}

int review_approved(const struct review *r)
{
	return r->state == REVIEW_CLEAN && r->approval_state == APPROVAL_CURRENT;
}

int review_require(const struct review *r, const char *path, int need_approval)
{
	if (r->state == REVIEW_NO_CHANGESET) {
		error("'%s' has no change set to %s", path, need_approval ? "push" : "approve");
		hint("Run the plan first: drydock run %s --plan DIR", path);
		return 1;
	}
	/* push names the approval first: it is what the person pushing decided on */
	if (need_approval && r->approval_state == APPROVAL_NONE) {
		error("change set %.16s is not approved", r->cs.hash);
		hint("Approve it after checking: drydock approve %s --by NAME", path);
		return 1;
	}
	if (need_approval && r->approval_state == APPROVAL_VOID) {
		error("the approval of '%s' is void: the change set changed since it was approved", path);
		detail("%s approved %.16s at %s; the change set is now %.16s.", r->approval.by,
		       r->approval.hash, r->approval.at, r->cs.hash);
		hint("Check the new change set and approve it: drydock approve %s --by NAME", path);
		return 1;
	}
	switch (r->state) {
	case REVIEW_NO_CHANGESET: /* handled above */
	case REVIEW_CLEAN:
		return 0;
	case REVIEW_RUN_UNFINISHED:
		error("the latest run of '%s' did not finish (%s)", path, r->run.status);
		detail("The change set on file is from an earlier run.");
		hint("Finish the run (drydock run %s --plan DIR --resume) and check it before %s.",
		     path, need_approval ? "pushing" : "approving");
		return 1;
	case REVIEW_NOT_CHECKED:
		error("the change set of '%s' has not been checked", path);
		detail("Its latest run skipped the checks (--no-check), or they could not finish.");
		hint("Run 'drydock check %s'.", path);
		return 1;
	case REVIEW_CHECKS_STALE:
		error("the latest checks of '%s' are older than its change set", path);
		detail("They judged change set %.16s; the change set is now %.16s.",
		       r->checks.changeset_hash ? r->checks.changeset_hash : "(none)", r->cs.hash);
		hint("Run 'drydock check %s'.", path);
		return 1;
	case REVIEW_FIXES_PENDING:
		error("the change set of '%s' is older than the fixes applied after it", path);
		detail("A 'drydock check --fix' was interrupted before it recomputed the change set.");
		hint("Run 'drydock check %s': it recomputes the change set and checks it.", path);
		return 1;
	case REVIEW_CHECKS_FAILED:
		error("the latest checks of '%s' found %lld error%s", path, r->checks.errors,
		      r->checks.errors == 1 ? "" : "s");
		hint("'drydock check %s' lists them; change the plan, or fix them with --fix.", path);
		return 1;
	}
	return 1;
}

/* --------------------------------------------------------------- pushes */

int book_push_start(sqlite3 *db, const char *kind, const char *target,
		    const char *hash, long long *id)
{
	sqlite3_stmt *st = NULL;
	char *now = utc_timestamp();
	int r = -1;
	if (!sqlite3_prepare_v2(db, "INSERT INTO dd_push (kind, target, changeset_hash, started_at, "
				    "status) VALUES (?, ?, ?, ?, 'running')", -1, &st, NULL)) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE) {
			*id = sqlite3_last_insert_rowid(db);
			r = 0;
		}
	}
	if (r)
		stage_error(db, "cannot record the push in the staging file");
	sqlite3_finalize(st);
	free(now);
	return r;
}

int book_pushes(sqlite3 *db, struct push_record **out, int *n)
{
	sqlite3_stmt *st = NULL;
	int rc;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, kind, target, changeset_hash, ledger_id, started_at, "
				   "finished_at, status, message FROM dd_push ORDER BY id",
			       -1, &st, NULL))
		return stage_error(db, "cannot read the pushes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct push_record *p;
		*out = xrealloc(*out, (size_t)(*n + 1) * sizeof(**out));
		p = &(*out)[(*n)++];
		p->id = sqlite3_column_int64(st, 0);
		p->kind = col_dup(st, 1);
		p->target = col_dup(st, 2);
		p->hash = col_dup(st, 3);
		p->ledger_id = sqlite3_column_int64(st, 4);
		p->started_at = col_dup(st, 5);
		p->finished_at = col_dup(st, 6);
		p->status = col_dup(st, 7);
		p->message = col_dup(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		push_records_free(*out, *n);
		*out = NULL;
		*n = 0;
		return stage_error(db, "cannot read the pushes");
	}
	return 0;
}

void push_records_free(struct push_record *p, int n)
{
	for (int i = 0; i < n; i++) {
		free(p[i].kind);
		free(p[i].target);
		free(p[i].hash);
		free(p[i].started_at);
		free(p[i].finished_at);
		free(p[i].status);
		free(p[i].message);
	}
	free(p);
}

int book_push_finish(sqlite3 *db, long long id, const char *status,
		     long long ledger_id, const char *counts_json, const char *message)
{
	sqlite3_stmt *st = NULL;
	char *now = utc_timestamp();
	int r = -1;
	if (!sqlite3_prepare_v2(db, "UPDATE dd_push SET finished_at = ?2, status = ?3, "
				    "ledger_id = ?4, counts = ?5, message = ?6 WHERE id = ?1",
				-1, &st, NULL)) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
		if (ledger_id)
			sqlite3_bind_int64(st, 4, ledger_id);
		if (counts_json)
			sqlite3_bind_text(st, 5, counts_json, -1, SQLITE_STATIC);
		if (message)
			sqlite3_bind_text(st, 6, message, -1, SQLITE_STATIC);
		r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	if (r)
		stage_error(db, "cannot record the push in the staging file");
	sqlite3_finalize(st);
	free(now);
	return r;
}
