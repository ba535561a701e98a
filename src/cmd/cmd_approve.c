/*
 * drydock approve: record that a person approved this change set.  The
 * approval is bound to the change set's hash: any later change (a new
 * run, a fix) voids it, and push refuses.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include <cjson/cJSON.h>

#include "commands.h"
#include "stage.h"

const char usage_approve[] =
	"usage: drydock approve STAGE.db --by NAME [--note TEXT] [--json]\n"
	"\n"
	"Records an approval of the staging file's change set, bound to its hash.\n"
	"Refused when the latest checks found errors, or ran on another change set\n"
	"(or none ran).  Any later change to the change set voids the approval.\n"
	"\n"
	"  --by NAME     who approves (recorded in the staging file and the ledger)\n"
	"  --note TEXT   why, or anything the record should say\n"
	"  --json        print the outcome as JSON (README, \"JSON output\")\n";

/*
 * The steps (and fixes) of the change set's run that ran as SQLite SQL
 * ("dialect": "sqlite"), comma-separated into out; the run log marks them.
 */
static int sqlite_steps(sqlite3 *db, struct strbuf *out)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT step FROM dd_run_log "
				   "WHERE run = (SELECT run FROM dd_changeset) AND message LIKE 'dialect sqlite%' "
				   "GROUP BY step ORDER BY min(seq)", -1, &st, NULL) != SQLITE_OK)
		return stage_error(db, "cannot read the run log");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sb_addf(out, "%s%s", out->len ? ", " : "", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : stage_error(db, "cannot read the run log");
}

int cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "note", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *by = NULL, *note = NULL, *path;
	char *recorded = NULL;
	struct strbuf sqlite_list = STRBUF_INIT;
	int c, json = 0, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	struct review rv = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': by = optarg; break;
		case 'n': note = optarg; break;
		case 'j': json = 1; json_stdout(); break;
		default: return option_error("approve", argv, opts, "");
		}
	}
	if ((c = stage_operand("approve", argc, argv, "give one staging file", &path)))
		return c;
	if (!by || !*by)
		return usage_error("approve", "say who approves with --by NAME");
	if (json)
		dd_quiet = 1;
	if (stage_open(path, 0, &db) || book_review(db, &rv))
		goto cleanup;
	/* one rule for approve, push and status: book.h */
	if (review_require(&rv, path, 0)) {
		/* refused by the checks: exit 1; no change set or an unfinished run: 3 */
		if (rv.state >= REVIEW_NOT_CHECKED)
			ret = EXIT_FINDINGS;
		goto cleanup;
	}
	/* steps the run ran as SQLite SQL are part of what is approved */
	if (sqlite_steps(db, &sqlite_list))
		goto cleanup;
	if (sqlite_list.len) {
		recorded = xasprintf("%s%s[dialect sqlite: %s]", note ? note : "", note ? " " : "",
				     sqlite_list.buf);
		note = recorded;
	}
	fault_point("approve.before_commit");
	if (book_add_approval(db, rv.cs.hash, by, note, rv.checks.id, NULL))
		goto cleanup;
	if (sqlite_list.len && !json)
		printf("  made with SQLite SQL (\"dialect\": \"sqlite\"), without PostgreSQL's semantics: %s\n",
		       sqlite_list.buf);
	fault_point("approve.after_commit");
	if (!dd_quiet) {
		const struct changeset_summary *sum = &rv.cs;
		long long warnings = rv.checks.warnings;
		printf("approved change set %s by %s\n", sum->hash, by);
		printf("  %s, %d schema change%s; "
		       "checks: %lld warning%s\n", change_counts(sum->inserts, sum->updates, sum->deletes),
		       sum->schema_changes, sum->schema_changes == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	ret = EXIT_OK;
cleanup:
	if (json) {
		cJSON *o = json_result("approve", ret);
		cJSON_AddStringToObject(o, "staging_file", path);
		if (rv.has_changeset) {
			cJSON_AddStringToObject(o, "change_set", rv.cs.hash);
			cJSON_AddNumberToObject(o, "inserts", (double)rv.cs.inserts);
			cJSON_AddNumberToObject(o, "updates", (double)rv.cs.updates);
			cJSON_AddNumberToObject(o, "deletes", (double)rv.cs.deletes);
			cJSON_AddNumberToObject(o, "schema_changes", rv.cs.schema_changes);
		}
		cJSON_AddBoolToObject(o, "approved", ret == EXIT_OK);
		cJSON_AddStringToObject(o, "by", by);
		if (note)
			cJSON_AddStringToObject(o, "note", note);
		print_json(o);
		cJSON_Delete(o);
	}
	review_free(&rv);
	stage_close(db);
	sb_release(&sqlite_list);
	free(recorded);
	return ret;
}
