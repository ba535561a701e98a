/*
 * Unit tests for book.c: the staging file's bookkeeping and the one
 * approval rule approve, push, status and report share (book_review).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "book.h"
#include "stage.h"

static char dir[] = "/tmp/dd-unit-book.XXXXXX";

static int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void exec(sqlite3 *db, char *sql)
{
	assert_int_equal(stage_exec(db, sql), 0);
	sqlite3_free(sql);
}

static void set_changeset(sqlite3 *db, const char *h)
{
	exec(db, sqlite3_mprintf("INSERT OR REPLACE INTO dd_changeset VALUES (1, %Q, 1, 'now', 0, 0, 0, 0)", h));
}

static void add_run(sqlite3 *db, const char *status)
{
	exec(db, sqlite3_mprintf("INSERT INTO dd_run (started_at, plan_name, plan_hash, seed, clock, status) "
				 "VALUES ('now', 'p', 'x', 's', 'c', %Q)", status));
}

/* A staging file with a change set of hash h (NULL: none) made by a finished run. */
static sqlite3 *stage_with(const char *h)
{
	char path[256];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/s%d.db", dir, rand());
	assert_int_equal(stage_create(path, &db), 0);
	if (h) {
		add_run(db, "done");
		set_changeset(db, h);
	}
	return db;
}

static void add_check_run(sqlite3 *db, const char *hash, int errors)
{
	exec(db, sqlite3_mprintf("INSERT INTO dd_check_run (at, run, changeset_hash, phase, errors, "
				 "warnings, passed) VALUES ('now', 1, %Q, 'all', %d, 0, 3)",
				 hash, errors));
}

static enum review_state state_of(sqlite3 *db, int *approved, int *require)
{
	struct review r;
	enum review_state s;
	assert_int_equal(book_review(db, &r), 0);
	s = r.state;
	*approved = review_approved(&r);
	*require = review_require(&r, "s.db", 0);
	review_free(&r);
	return s;
}

static void test_checks_rule(void **state)
{
	int approved, req;
	sqlite3 *db;
	(void)state;

	db = stage_with(NULL);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_NO_CHANGESET);
	assert_int_equal(req, 1);
	sqlite3_close(db);

	db = stage_with("aaaa");
	assert_int_equal(state_of(db, &approved, &req), REVIEW_NOT_CHECKED);
	add_check_run(db, "bbbb", 0);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CHECKS_STALE);
	add_check_run(db, NULL, 0);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CHECKS_STALE);
	add_check_run(db, "aaaa", 2);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CHECKS_FAILED);
	assert_int_equal(req, 1);
	add_check_run(db, "aaaa", 0);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CLEAN);
	assert_int_equal(req, 0);
	assert_false(approved);
	assert_int_equal(stage_set_meta(db, "changeset_stale", "1"), 0); /* interrupted --fix */
	assert_int_equal(state_of(db, &approved, &req), REVIEW_FIXES_PENDING);
	assert_int_equal(stage_set_meta(db, "changeset_stale", ""), 0);
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CLEAN);
	add_check_run(db, "aaaa", 1); /* only the latest counts */
	assert_int_equal(state_of(db, &approved, &req), REVIEW_CHECKS_FAILED);
	add_check_run(db, "aaaa", 0);
	add_run(db, "failed"); /* a later run that did not finish */
	assert_int_equal(state_of(db, &approved, &req), REVIEW_RUN_UNFINISHED);
	assert_int_equal(req, 1);
	sqlite3_close(db);
}

/* Approve A, rerun to B, approve B, rerun back to A: A is not approved. */
static void test_latest_approval_rules(void **state)
{
	struct review r;
	int approved, req;
	sqlite3 *db = stage_with("aaaa");
	(void)state;

	add_check_run(db, "aaaa", 0);
	assert_int_equal(book_add_approval(db, "aaaa", "ana", NULL, 1, NULL), 0);
	state_of(db, &approved, &req);
	assert_true(approved);

	add_run(db, "done");
	set_changeset(db, "bbbb");
	add_check_run(db, "bbbb", 0);
	state_of(db, &approved, &req);
	assert_false(approved); /* approval of A, change set B */
	assert_int_equal(book_add_approval(db, "bbbb", "bo", "ok", 2, NULL), 0);
	state_of(db, &approved, &req);
	assert_true(approved);

	add_run(db, "done");
	set_changeset(db, "aaaa");
	add_check_run(db, "aaaa", 0);
	assert_int_equal(book_review(db, &r), 0);
	assert_int_equal(r.state, REVIEW_CLEAN);
	assert_int_equal(r.approval_state, APPROVAL_VOID);
	assert_false(review_approved(&r));
	assert_string_equal(r.approval.by, "bo");
	assert_string_equal(r.approval.note, "ok");
	assert_int_equal(review_require(&r, "s.db", 1), 1);
	assert_int_equal(review_require(&r, "s.db", 0), 0);
	review_free(&r);

	/* approved, then a rerun to the same change set fails: push refuses */
	assert_int_equal(book_add_approval(db, "aaaa", "ana", NULL, 4, NULL), 0);
	state_of(db, &approved, &req);
	assert_true(approved);
	add_run(db, "failed");
	assert_int_equal(book_review(db, &r), 0);
	assert_false(review_approved(&r));
	assert_int_equal(r.approval_state, APPROVAL_CURRENT);
	assert_int_equal(review_require(&r, "s.db", 1), 1);
	review_free(&r);
	sqlite3_close(db);
}

static void test_records(void **state)
{
	struct run_record run;
	struct check_run_record cr;
	long long id = 0;
	sqlite3 *db = stage_with(NULL);
	(void)state;

	assert_int_equal(book_latest_run(db, &run), 1);
	assert_int_equal(book_latest_check_run(db, &cr), 1);
	add_run(db, "done");
	add_run(db, "running");
	assert_int_equal(book_latest_run(db, &run), 0);
	assert_int_equal(run.id, 2);
	assert_string_equal(run.status, "running");
	assert_null(run.finished_at);
	run_record_free(&run);
	add_check_run(db, "cccc", 0);
	assert_int_equal(book_check_run(db, 1, &cr), 0);
	assert_string_equal(cr.changeset_hash, "cccc");
	assert_int_equal(cr.passed, 3);
	check_run_record_free(&cr);
	assert_int_equal(book_check_run(db, 7, &cr), 1);

	assert_int_equal(book_push_start(db, "push", "db1", "cccc", &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(book_push_finish(db, id, "applied", 12, "{}", NULL), 0);
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT status, ledger_id, counts, message, "
						    "finished_at IS NOT NULL FROM dd_push", -1, &st, NULL), 0);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "applied");
		assert_int_equal(sqlite3_column_int64(st, 1), 12);
		assert_string_equal((const char *)sqlite3_column_text(st, 2), "{}");
		assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
		assert_int_equal(sqlite3_column_int(st, 4), 1);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* The runs and their logs, as cmd_log reads them. */
static void test_runs_and_logs(void **state)
{
	struct run_record r, *all = NULL;
	struct run_log_entry *log = NULL;
	int n = 0;
	sqlite3 *db = stage_with(NULL);
	(void)state;

	assert_int_equal(book_runs(db, &all, &n), 0);
	assert_int_equal(n, 0);
	free(all);
	assert_int_equal(book_run(db, 1, &r), 1);
	add_run(db, "done");
	add_run(db, "failed");
	exec(db, sqlite3_mprintf("UPDATE dd_run SET message = 'step two', next_step = 1 WHERE id = 2"));
	assert_int_equal(book_run(db, 2, &r), 0);
	assert_string_equal(r.status, "failed");
	assert_string_equal(r.message, "step two");
	assert_int_equal(r.next_step, 1);
	assert_null(r.finished_at);
	run_record_free(&r);
	assert_int_equal(book_run(db, 3, &r), 1);
	assert_int_equal(book_runs(db, &all, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(all[0].id, 1);
	assert_string_equal(all[1].status, "failed");
	for (int i = 0; i < n; i++)
		run_record_free(&all[i]);
	free(all);

	exec(db, sqlite3_mprintf("INSERT INTO dd_run_log VALUES (1, 2, 'b', 2, 2, '11', '20', 5, 1.5, 'ok', NULL), "
				 "(1, 1, 'b', 1, 2, '1', '10', 10, 2.5, 'ok', NULL), "
				 "(2, 1, 'a', NULL, NULL, NULL, NULL, 0, 0.5, 'failed', 'boom')"));
	assert_int_equal(book_run_log(db, 1, &log, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(log[0].seq, 1);
	assert_int_equal(log[0].batch, 1);
	assert_int_equal(log[0].batches, 2);
	assert_string_equal(log[0].first_key, "1");
	assert_string_equal(log[1].last_key, "20");
	assert_int_equal(log[1].rows, 5);
	assert_null(log[1].message);
	run_log_free(log, n);
	assert_int_equal(book_run_log(db, 2, &log, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(log[0].batch, 0);
	assert_null(log[0].first_key);
	assert_string_equal(log[0].message, "boom");
	run_log_free(log, n);
	assert_int_equal(book_run_log(db, 3, &log, &n), 0);
	assert_int_equal(n, 0);
	run_log_free(log, n);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks_rule),
		cmocka_unit_test(test_latest_approval_rules),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_runs_and_logs),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
