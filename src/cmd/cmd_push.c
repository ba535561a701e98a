/*
 * drydock push: send exactly the approved change set to the target in one
 * controlled transaction (or resumable batches), with a conflict check,
 * verification and a ledger entry holding the inverse (docs/push.md).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "commands.h"
#include "pg.h"
#include "push.h"
#include "pushrows.h"
#include "pushset.h"
#include "stage.h"

const char usage_push[] =
	"usage: drydock push STAGE.db --target CONNINFO [--yes] [--batch-size N]\n"
	"                    [--lock-timeout T] [--statement-timeout T]\n"
	"                    [--disable-triggers] [--conflicts FILE] [--plan DIR]\n"
	"\n"
	"Applies the approved change set of STAGE.db to the target database: one\n"
	"transaction, an advisory lock, a conflict check of every row against what\n"
	"the snapshot saw, set-based statements, a verification of the result and a\n"
	"ledger entry (schema drydock) holding the inverse for 'drydock rollback'.\n"
	"Shows a summary and asks for the first 8 characters of the change set's hash.\n"
	"\n"
	"  --target CONNINFO     libpq connection string or URI (PG* variables and\n"
	"                        ~/.pgpass work; the password is never printed)\n"
	"  --yes                 do not ask (required without a terminal)\n"
	"  --batch-size N        N rows per transaction, resumable (docs/push.md,\n"
	"                        \"Batches\": earlier batches stay applied on failure)\n"
	"  --lock-timeout T      how long to wait for a lock (default: the plan's\n"
	"                        push.lock_timeout, else 10s)\n"
	"  --statement-timeout T limit per statement (default: the plan's, else none)\n"
	"  --disable-triggers    session_replication_role = replica (superuser)\n"
	"  --conflicts FILE      where conflicts are written (default STAGE.conflicts.json)\n"
	"  --plan DIR            read push settings from this plan folder\n"
	"\n"
	"Exit status: 0 applied, 1 conflicts (nothing applied), 2 usage, 3 refused\n"
	"or failed (unapproved, already applied, lock busy, target differs, error).\n";

/* One line per table, and the totals. */
static void print_summary(const struct push_set *ps, const char *identity,
			  const struct approval *a, const struct push_settings *s,
			  const struct ps_state *st)
{
	printf("target      %s\n", identity);
	printf("plan        %s\n", ps->plan);
	printf("change set  %s\n", ps->hash);
	printf("approved    by %s at %s%s%s%s\n", a->by, a->at, a->note ? " (\"" : "",
	       a->note ? a->note : "", a->note ? "\")" : "");
	printf("tables     ");
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[ps->order[i]];
		printf("%s %-20s %8lld inserts %8lld updates %8lld deletes%s\n", i ? "           " : "",
		       t->name, t->ninsert, t->nupdate, t->ndelete, t->created ? "  (new table)" : "");
	}
	if (!ps->ntables)
		printf(" (no rows)\n");
	printf("total       %lld inserts, %lld updates, %lld deletes; %d schema change%s\n",
	       ps->inserts, ps->updates, ps->deletes, ps->nddl, ps->nddl == 1 ? "" : "s");
	if (s->batch_size > 0)
		printf("mode        %ld batches of up to %ld rows, each its own transaction:\n"
		       "            a failure leaves earlier batches applied (push again to resume,\n"
		       "            or roll back); concurrent writers may see a half-applied state\n",
		       st->nunits, s->batch_size);
	else
		printf("mode        one transaction: all or nothing\n");
	printf("settings    lock_timeout %s, statement_timeout %s%s (plan %s)\n", s->lock_timeout,
	       s->statement_timeout, s->disable_triggers ? ", triggers disabled" : "", s->from ? s->from : "none");
}

/* Asks for the first 8 characters of the hash on the terminal. */
static int confirm(const char *hash, const char *action)
{
	char line[128];
	fprintf(stderr, "Type the first 8 characters of the change set hash (%.8s) to %s: ",
		hash, action);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strlen(line) == 8 && !strncmp(line, hash, 8);
}

static char *counts_json(const struct push_set *ps)
{
	cJSON *o = cJSON_CreateObject();
	char *s;
	for (int i = 0; i < ps->ntables; i++) {
		cJSON *t = cJSON_AddObjectToObject(o, ps->tables[i].name);
		cJSON_AddNumberToObject(t, "inserted", (double)ps->tables[i].ninsert);
		cJSON_AddNumberToObject(t, "updated", (double)ps->tables[i].nupdate);
		cJSON_AddNumberToObject(t, "deleted", (double)ps->tables[i].ndelete);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

int cmd_push(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "yes", no_argument, NULL, 'y' },
		{ "batch-size", required_argument, NULL, 'b' },
		{ "lock-timeout", required_argument, NULL, 'l' },
		{ "statement-timeout", required_argument, NULL, 's' },
		{ "disable-triggers", no_argument, NULL, 'd' },
		{ "conflicts", required_argument, NULL, 'c' },
		{ "plan", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path, *lock_timeout = NULL, *stmt_timeout = NULL, *report = NULL,
		   *plan_dir = NULL;
	char *target = NULL, *identity = NULL, *report_default = NULL, *counts = NULL,
	     *staging = NULL;
	long batch = -1;
	int yes = 0, notrig = 0, c, r, ret = EXIT_RUNTIME;
	long long record = 0;
	sqlite3 *db = NULL;
	PGconn *conn = NULL;
	struct push_set ps = { 0 };
	struct review rv = { 0 };
	const struct approval *a = &rv.approval;
	struct push_settings set = { 0 };
	struct push_opts o = { 0 };
	struct push_exec e = { 0 };
	struct push_rows rows;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			free(target);
			target = xstrdup(optarg);
			scrub_conninfo_arg(optarg);
			break;
		case 'y': yes = 1; break;
		case 'b':
			if (parse_long(optarg, &batch) || batch < 0) {
				ret = usage_error("push", "--batch-size needs a number of rows");
				goto cleanup;
			}
			break;
		case 'l': lock_timeout = optarg; break;
		case 's': stmt_timeout = optarg; break;
		case 'd': notrig = 1; break;
		case 'c': report = optarg; break;
		case 'p': plan_dir = optarg; break;
		default:
			ret = usage_error("push", "unknown option");
			goto cleanup;
		}
	}
	if (optind != argc - 1 || !target) {
		ret = usage_error("push", "give one staging file and --target CONNINFO");
		goto cleanup;
	}
	if ((lock_timeout && !push_valid_duration(lock_timeout)) ||
	    (stmt_timeout && !push_valid_duration(stmt_timeout))) {
		ret = usage_error("push", "a timeout is a duration such as 5s, 500ms or 10min (0: none)");
		goto cleanup;
	}
	if (!yes && !stdin_is_tty()) {
		ret = usage_error("push", "without a terminal to confirm on, pass --yes");
		goto cleanup;
	}
	path = argv[optind];
	if (stage_open(path, 0, &db))
		goto cleanup;
	r = pushset_from_stage(db, path, &ps);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		error("'%s' has no change set to push", path);
		hint("Run the plan, check and approve it first.");
		goto cleanup;
	}
	/* one rule for approve, push and status: book.h */
	if (book_review(db, &rv))
		goto cleanup;
	r = review_require(&rv, path, 1);
	if (r) {
		/* refused by the checks: as approve, exit 1 */
		if (rv.approval_state == APPROVAL_CURRENT && rv.state >= REVIEW_NOT_CHECKED)
			ret = EXIT_FINDINGS;
		goto cleanup;
	}
	if (!ps.ntables && !ps.nddl) {
		info("change set %.16s is empty: nothing to push", ps.hash);
		ret = EXIT_OK;
		goto cleanup;
	}
	if (push_settings_load(db, plan_dir, &set) || push_refuse_masked(db, path, set.rehearsal))
		goto cleanup;
	push_settings_override(&set, lock_timeout, stmt_timeout, batch, notrig);
	staging = push_staging_label(db, path);
	o.lock_timeout = set.lock_timeout;
	o.statement_timeout = set.statement_timeout;
	o.batch_size = set.batch_size;
	o.disable_triggers = set.disable_triggers;
	o.approved_by = a->by;
	o.approval_note = a->note;
	o.approved_at = a->at;
	o.staging = staging;
	rows = pushrows_from_stage(db);
	if (o.batch_size > 0) {
		for (int i = 0; i < ps.ntables; i++)
			if (pushset_table_broken(&ps, i, 'I') || pushset_table_broken(&ps, i, 'D')) {
				error("a batched push cannot write the foreign-key cycle through %s in two steps",
				      ps.tables[i].name);
				detail("Its foreign keys are not DEFERRABLE, so its rows go in with the cycle's "
				       "columns NULL and get them once the other side exists: in one transaction.");
				hint("Push without --batch-size (and without the plan's push.batch_size), or make "
				     "the constraint DEFERRABLE.  Nothing was sent.");
				goto cleanup;
			}
		if (pushsql_plan_units(&ps, &rows, o.batch_size, &e.st))
			goto cleanup;
	}

	conn = push_connect(target);
	if (!conn)
		goto cleanup;
	identity = pg_identity(conn);
	if (!dd_quiet || !yes)
		print_summary(&ps, identity, a, &set, &e.st);
	fflush(stdout);
	if (!yes && !confirm(ps.hash, "push")) {
		error("not confirmed: nothing was pushed");
		goto cleanup;
	}
	if (!report)
		report = report_default = xasprintf("%s.conflicts.json", path);
	if (book_push_start(db, "push", identity, ps.hash, &record))
		goto cleanup;
	e.conn = conn;
	e.db = db;
	e.rows = &rows;
	e.ps = &ps;
	e.o = &o;
	e.report_path = report;
	ret = push_run(&e);
	fault_point("push.before_record");
	counts = e.outcome == PUSH_APPLIED ? counts_json(&ps) : NULL;
	if (push_record_finish(db, record, &e, counts) && ret == EXIT_OK)
		ret = EXIT_RUNTIME;
	if (e.outcome == PUSH_APPLIED && !dd_quiet)
		printf("pushed change set %.16s: ledger entry #%lld, %lld inserts, %lld updates, "
		       "%lld deletes in %.2f s\n", ps.hash, e.ledger_id, ps.inserts, ps.updates,
		       ps.deletes, e.seconds);
cleanup:
	pushsql_state_release(&e.st);
	if (conn)
		PQfinish(conn);
	stage_close(db);
	pushset_free(&ps);
	review_free(&rv);
	push_settings_free(&set);
	free(target);
	free(identity);
	free(report_default);
	free(counts);
	free(staging);
	return ret;
}
