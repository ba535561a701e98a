/*
 * drydock approve: record that a person approved this change set.  The
 * approval is bound to the change set's hash: any later change (a new
 * run, a fix) voids it, and push refuses.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "commands.h"
#include "stage.h"

const char usage_approve[] =
	"usage: drydock approve STAGE.db --by NAME [--note TEXT]\n"
	"\n"
	"Records an approval of the staging file's change set, bound to its hash.\n"
	"Refused when the latest checks found errors, or ran on another change set\n"
	"(or none ran).  Any later change to the change set voids the approval.\n"
	"\n"
	"  --by NAME     who approves (recorded in the staging file and the ledger)\n"
	"  --note TEXT   why, or anything the record should say\n";

/* The latest check run: 0 found, 1 none, -1 error. */
static int latest_check(sqlite3 *db, long long *id, char **hash, long long *errors,
			long long *warnings)
{
	sqlite3_stmt *st = NULL;
	int ret = 1;
	if (sqlite3_prepare_v2(db, "SELECT id, changeset_hash, errors, warnings FROM dd_check_run "
				   "ORDER BY id DESC LIMIT 1", -1, &st, NULL))
		return stage_error(db, "cannot read the check runs");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*hash = sqlite3_column_text(st, 1) ? xstrdup((const char *)sqlite3_column_text(st, 1)) : NULL;
		*errors = sqlite3_column_int64(st, 2);
		*warnings = sqlite3_column_int64(st, 3);
		ret = 0;
	}
	sqlite3_finalize(st);
	return ret;
}

static int latest_run_done(sqlite3 *db, char **status)
{
	sqlite3_stmt *st = NULL;
	int ret = 1;
	if (sqlite3_prepare_v2(db, "SELECT status FROM dd_run ORDER BY id DESC LIMIT 1", -1, &st, NULL))
		return stage_error(db, "cannot read the runs");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*status = xstrdup((const char *)sqlite3_column_text(st, 0));
		ret = 0;
	}
	sqlite3_finalize(st);
	return ret;
}

int cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *by = NULL, *note = NULL, *path;
	int c, r, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct changeset_summary sum;
	long long check = 0, errors = 0, warnings = 0;
	char *check_hash = NULL, *run_status = NULL, *now = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': by = optarg; break;
		case 'n': note = optarg; break;
		default: return usage_error("approve", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("approve", "give one staging file");
	if (!by || !*by)
		return usage_error("approve", "say who approves with --by NAME");
	path = argv[optind];
	if (stage_open(path, 0, &db))
		goto cleanup;
	r = changeset_load_summary(db, &sum);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		error("'%s' has no change set to approve", path);
		hint("Run the plan first: drydock run %s --plan DIR", path);
		goto cleanup;
	}
	r = latest_run_done(db, &run_status);
	if (r < 0)
		goto cleanup;
	if (!r && strcmp(run_status, "done")) {
		error("the latest run of '%s' did not finish (%s)", path, run_status);
		detail("The change set on file is from an earlier run.");
		hint("Finish the run (drydock run %s --plan DIR --resume) and check it before approving.", path);
		goto cleanup;
	}
	r = latest_check(db, &check, &check_hash, &errors, &warnings);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		error("change set %.16s has not been checked", sum.hash);
		detail("Approval needs a clean check run of this change set.");
		hint("Run the checks: drydock check %s", path);
		ret = EXIT_FINDINGS;
		goto cleanup;
	}
	if (!check_hash || strcmp(check_hash, sum.hash)) {
		error("the latest checks ran on another change set");
		detail("Check run %lld judged %.16s; the change set is now %.16s.", check,
		       check_hash ? check_hash : "(none)", sum.hash);
		hint("Run the checks again: drydock check %s", path);
		ret = EXIT_FINDINGS;
		goto cleanup;
	}
	if (errors) {
		error("the latest checks of change set %.16s found %lld error%s", sum.hash, errors,
		      errors == 1 ? "" : "s");
		hint("See 'drydock check %s'; fix the plan and run it again.", path);
		ret = EXIT_FINDINGS;
		goto cleanup;
	}
	now = utc_timestamp();
	if (sqlite3_prepare_v2(db, "INSERT INTO dd_approval (changeset_hash, approved_by, note, at, "
				   "check_run) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL)) {
		stage_error(db, "cannot record the approval");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, sum.hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	if (note)
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, check);
	if (sqlite3_step(st) != SQLITE_DONE) {
		stage_error(db, "cannot record the approval");
		goto cleanup;
	}
	if (!dd_quiet) {
		printf("approved change set %s by %s\n", sum.hash, by);
		printf("  %lld inserts, %lld updates, %lld deletes, %d schema change%s; "
		       "checks: %lld warning%s\n", sum.inserts, sum.updates, sum.deletes,
		       sum.schema_changes, sum.schema_changes == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	ret = EXIT_OK;
cleanup:
	sqlite3_finalize(st);
	stage_close(db);
	free(check_hash);
	free(run_status);
	free(now);
	return ret;
}
