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

int cmd_approve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *by = NULL, *note = NULL, *path;
	int c, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	struct review rv = { 0 };

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
	if (stage_open(path, 0, &db) || book_review(db, &rv))
		goto cleanup;
	/* one rule for approve, push and status: book.h */
	if (review_require(&rv, path, 0)) {
		/* refused by the checks: exit 1; no change set or an unfinished run: 3 */
		if (rv.state >= REVIEW_NOT_CHECKED)
			ret = EXIT_FINDINGS;
		goto cleanup;
	}
	fault_point("approve.before_commit");
	if (book_add_approval(db, rv.cs.hash, by, note, rv.checks.id, NULL))
		goto cleanup;
	fault_point("approve.after_commit");
	if (!dd_quiet) {
		const struct changeset_summary *sum = &rv.cs;
		long long warnings = rv.checks.warnings;
		printf("approved change set %s by %s\n", sum->hash, by);
		printf("  %lld inserts, %lld updates, %lld deletes, %d schema change%s; "
		       "checks: %lld warning%s\n", sum->inserts, sum->updates, sum->deletes,
		       sum->schema_changes, sum->schema_changes == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	ret = EXIT_OK;
cleanup:
	review_free(&rv);
	stage_close(db);
	return ret;
}
