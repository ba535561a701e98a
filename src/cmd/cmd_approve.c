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
#include "checks.h"
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
	long long check = 0;
	char *run_status = NULL, *now = NULL;

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
	/* one rule for approve and push: checks.c decides what "clean" is */
	r = checks_require_clean(db, path, &check);
	if (r) {
		if (r > 0)
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
	fault_point("approve.before_commit");
	if (sqlite3_step(st) != SQLITE_DONE) {
		stage_error(db, "cannot record the approval");
		goto cleanup;
	}
	fault_point("approve.after_commit");
	if (!dd_quiet) {
		long long warnings = 0;
		sqlite3_stmt *w;
		if (!sqlite3_prepare_v2(db, "SELECT warnings FROM dd_check_run WHERE id = ?1", -1, &w, NULL)) {
			sqlite3_bind_int64(w, 1, check);
			if (sqlite3_step(w) == SQLITE_ROW)
				warnings = sqlite3_column_int64(w, 0);
			sqlite3_finalize(w);
		}
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
	free(run_status);
	free(now);
	return ret;
}
