/*
 * Unit tests for the run engine's contexts (engine.h): run_open_latest()
 * opens only a finished latest run, and run_close() releases a context
 * however far opening it got, twice if need be (the sanitizer build of the
 * unit tests reports any leak).
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

#include "engine.h"
#include "plan.h"
#include "stage.h"

static char dir[] = "/tmp/dd-unit-engine.XXXXXX";
static struct plan plan;

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[256];
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	write_text(path, "{\"name\": \"engine\", \"sources\": {\"app\": {\"tables\": [\"users\"]}}, \"steps\": []}\n");
	return plan_load(dir, &plan);
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	plan_free(&plan);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* A staging file whose runs have these statuses, oldest first. */
static char *stage_with_runs(const char *name, const char *const *statuses, int n)
{
	char *path = NULL;
	sqlite3 *db = NULL;
	assert_true(asprintf(&path, "%s/%s.db", dir, name) > 0);
	assert_int_equal(stage_create(path, &db), 0);
	/* finishing closes db: the runs go in as into any staging file */
	assert_int_equal(stage_finish_create(db, path), 0);
	assert_int_equal(stage_open(path, 0, &db), 0);
	for (int i = 0; i < n; i++) {
		char *sql = sqlite3_mprintf("INSERT INTO dd_run (started_at, plan_name, plan_hash, seed, "
					    "clock, status) VALUES ('now', 'engine', 'x', 's', "
					    "'2026-01-02 03:04:05+00', %Q)", statuses[i]);
		assert_int_equal(stage_exec(db, sql), 0);
		sqlite3_free(sql);
	}
	stage_close(db);
	return path;
}

static void test_no_run_is_refused_and_closes_clean(void **state)
{
	struct run_ctx rc;
	char *path = stage_with_runs("none", NULL, 0);
	(void)state;
	assert_int_equal(run_open_latest(&rc, path, &plan), -1);
	run_close(&rc);
	run_close(&rc);
	assert_null(rc.db);
	assert_null(rc.working);
	free(path);
}

static void test_unfinished_latest_run_is_refused(void **state)
{
	static const char *const runs[] = { "done", "failed" };
	struct run_ctx rc;
	char *path = stage_with_runs("failed", runs, 2);
	(void)state;
	assert_int_equal(run_open_latest(&rc, path, &plan), -1);
	run_close(&rc);
	free(path);
}

static void test_finished_latest_run_opens(void **state)
{
	static const char *const runs[] = { "failed", "done" };
	struct run_ctx rc;
	char *path = stage_with_runs("done", runs, 2);
	(void)state;
	assert_int_equal(run_open_latest(&rc, path, &plan), 0);
	assert_int_equal(rc.run, 2);
	assert_non_null(rc.db);
	assert_non_null(rc.pristine);
	assert_non_null(rc.guard);
	/* a finished run's file is as the working catalog says */
	assert_ptr_equal(rc.stagecat, rc.working);
	run_close(&rc);
	assert_null(rc.db);
	assert_null(rc.stagecat);
	run_close(&rc);
	free(path);
}

static void test_missing_file_is_refused(void **state)
{
	struct run_ctx rc;
	char path[256];
	(void)state;
	snprintf(path, sizeof(path), "%s/nosuch.db", dir);
	assert_int_equal(run_open_latest(&rc, path, &plan), -1);
	run_close(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_run_is_refused_and_closes_clean),
		cmocka_unit_test(test_unfinished_latest_run_is_refused),
		cmocka_unit_test(test_finished_latest_run_opens),
		cmocka_unit_test(test_missing_file_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
