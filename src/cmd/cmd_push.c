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
#include "drift.h"
#include "ledger.h"
#include "pg.h"
#include "push.h"
#include "pushrows.h"
#include "pushset.h"
#include "stage.h"

const char usage_push[] =
	"usage: drydock push STAGE.db [--target CONNINFO | -h HOST -p PORT -U USER -d DB]\n"
	"                    [--yes] [--batch-size N]\n"
	"                    [--lock-timeout T] [--statement-timeout T]\n"
	"                    [--disable-triggers] [--conflicts FILE] [--plan DIR]\n"
	"                    [--allow-drift] [--target-is-copy] [--json]\n"
	"\n"
	"Applies the approved change set of STAGE.db to the target database: one\n"
	"transaction, an advisory lock, a conflict check of every row against what\n"
	"the snapshot saw, set-based statements, a verification of the result and a\n"
	"ledger entry (schema drydock) holding the inverse for 'drydock rollback'.\n"
	"Shows a summary and asks for the first 8 characters of the change set's hash.\n"
	"First, before anything is sent, the target's schema for the snapshot's tables\n"
	"is compared with the snapshot's (docs/push.md, \"Drift\"): a difference stops\n"
	"the push with the list; so does a target in another cluster than the\n"
	"snapshotted database (another database of the same cluster is a warning).\n"
	"\n"
	"  --target CONNINFO     the target: a libpq connection string, URI or a\n"
	"                        database name, or the name of a target of the\n"
	"                        project file (with no connection option at all:\n"
	"                        its \"target\"; see 'drydock help')\n"
	CONN_HELP
	"  --yes                 do not ask (required without a terminal)\n"
	"  --batch-size N        N rows per transaction, resumable (docs/push.md,\n"
	"                        \"Batches\": earlier batches stay applied on failure)\n"
	"  --lock-timeout T      how long to wait for a lock (default: the plan's\n"
	"                        push.lock_timeout, else 10s)\n"
	"  --statement-timeout T limit per statement (default: the plan's, else none)\n"
	"  --disable-triggers    the tables' own triggers off for the push (ALTER TABLE\n"
	"                        ... DISABLE TRIGGER; foreign keys stay enforced; needs\n"
	"                        the tables' owner).  By default triggers fire, and what\n"
	"                        they write is kept in the ledger\n"
	"  --conflicts FILE      where conflicts are written (default STAGE.conflicts.json)\n"
	"  --plan DIR            read push settings from this plan folder\n"
	"  --allow-drift         push although the target's schema differs from the\n"
	"                        snapshot's in benign ways (an extra nullable column,\n"
	"                        a changed default, an extra non-unique index, an\n"
	"                        extra enum label); other differences always refuse\n"
	"  --json                print the outcome as JSON (README, \"JSON output\");\n"
	"                        needs --yes\n"
	"  --target-is-copy      the target is a copy of the snapshotted database in\n"
	"                        another cluster (a restored dump): push anyway\n"
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
	printf("total       %s; %d schema change%s\n",
	       change_counts(ps->inserts, ps->updates, ps->deletes), ps->nddl, PLURAL(ps->nddl));
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

/*
 * The drift check (drift.h) before anything is sent.  A push of this
 * change set already in the ledger (applied: refused; batches in
 * progress: resumed) is push_run's to judge: its schema changes may be
 * in the target already.
 */
static int check_drift(PGconn *conn, sqlite3 *db, const struct push_set *ps,
		       const struct shared_args *args)
{
	struct ledger_entry le = { 0 };
	struct drift d = { 0 };
	int r, ret = -1;

	r = ledger_exists(conn);
	if (r < 0)
		return -1;
	if (r) {
		r = ledger_find_push(conn, 0, ps->hash, &le);
		ledger_entry_free(&le);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
	if (drift_of_push(conn, db, ps, &d))
		goto cleanup;
	ret = drift_report(&d, args->allow_drift, args->other_database);
cleanup:
	drift_free(&d);
	return ret;
}

int cmd_push(int argc, char **argv)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		PUSH_OPTIONS,
		{ "yes", no_argument, NULL, OPT_YES },
		{ "conflicts", required_argument, NULL, OPT_CONFLICTS },
		{ "allow-drift", no_argument, NULL, OPT_ALLOW_DRIFT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "target-is-copy", no_argument, NULL, OPT_OTHER_DATABASE },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *report = NULL;
	char *identity = NULL, *report_default = NULL, *counts = NULL, *staging = NULL;
	int c, r, json = 0, pushed = 0, ret = EXIT_RUNTIME;
	long long record = 0;
	sqlite3 *db = NULL;
	PGconn *conn = NULL;
	struct shared_args args = SHARED_ARGS_INIT;
	struct push_set ps = { 0 };
	struct review rv = { 0 };
	const struct approval *a = &rv.approval;
	struct push_settings set = { 0 };
	struct push_opts o = { 0 };
	struct push_exec e = { 0 };
	struct push_rows rows;

	optind = 0;
	while ((c = getopt_long(argc, argv, CONN_SHORTOPTS, opts, NULL)) != -1) {
		r = shared_option("push", c, optarg, &args);
		if (r == 1)
			continue;
		ret = r ? r : option_error("push", argv, opts, CONN_SHORTOPTS);
		goto cleanup;
	}
	if ((ret = stage_operand("push", argc, argv, "give one staging file (and the target: "
				 "--target CONNINFO, a database name, or -h/-p/-U/-d)", &path)))
		goto cleanup;
	if ((ret = check_push_args("push", &args, 1)))
		goto cleanup;
	if (args.json && !args.yes) {
		ret = usage_error("push", "--json needs --yes: the confirmation is typed on the terminal");
		goto cleanup;
	}
	json = args.json;
	if (json)
		json_stdout();
	if (json)
		dd_quiet = 1;
	ret = EXIT_RUNTIME;
	report = args.conflicts;
	if (json)
		dd_quiet = 1;
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
	if (push_settings_load(db, args.plan_dir, &set) || push_refuse_masked(db, path, set.rehearsal))
		goto cleanup;
	push_settings_override(&set, args.lock_timeout, args.statement_timeout, args.batch_size,
			       args.disable_triggers);
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

	conn = connect_args(&args, "the target");
	if (!conn)
		goto cleanup;
	if (check_drift(conn, db, &ps, &args))
		goto cleanup;
	identity = pg_identity(conn);
	if (!dd_quiet || !args.yes)
		print_summary(&ps, identity, a, &set, &e.st);
	fflush(stdout);
	if (!args.yes && !confirm(ps.hash, "push")) {
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
	pushed = 1;
	fault_point("push.before_record");
	counts = e.outcome == PUSH_APPLIED ? counts_json(&ps) : NULL;
	if (push_record_finish(db, record, &e, counts) && ret == EXIT_OK)
		ret = EXIT_RUNTIME;
	if (e.outcome == PUSH_APPLIED && !dd_quiet)
		printf("pushed change set %.16s: ledger entry #%lld, %s in %.2f s\n", ps.hash,
		       e.ledger_id, change_counts(ps.inserts, ps.updates, ps.deletes), e.seconds);
cleanup:
	if (json) {
		static const char *const outcomes[] = { "applied", "conflict", "refused", "failed" };
		cJSON *jo = json_result("push", ret);
		cJSON_AddStringToObject(jo, "staging_file", path);
		if (ps.hash[0])
			cJSON_AddStringToObject(jo, "change_set", ps.hash);
		if (identity)
			cJSON_AddStringToObject(jo, "target", identity);
		cJSON_AddStringToObject(jo, "outcome", pushed ? outcomes[e.outcome] : "refused");
		if (pushed && e.ledger_id)
			cJSON_AddNumberToObject(jo, "ledger_id", (double)e.ledger_id);
		cJSON_AddNumberToObject(jo, "inserts", (double)ps.inserts);
		cJSON_AddNumberToObject(jo, "updates", (double)ps.updates);
		cJSON_AddNumberToObject(jo, "deletes", (double)ps.deletes);
		cJSON_AddNumberToObject(jo, "schema_changes", ps.nddl);
		if (pushed && e.outcome == PUSH_CONFLICT) {
			cJSON_AddNumberToObject(jo, "conflicts", (double)e.conflicts);
			cJSON_AddStringToObject(jo, "conflicts_file", report);
		}
		if (pushed)
			cJSON_AddNumberToObject(jo, "seconds", e.seconds);
		print_json(jo);
		cJSON_Delete(jo);
	}
	pushsql_state_release(&e.st);
	if (conn)
		PQfinish(conn);
	stage_close(db);
	pushset_free(&ps);
	review_free(&rv);
	push_settings_free(&set);
	args_release(&args);
	free(identity);
	free(report_default);
	free(counts);
	free(staging);
	return ret;
}
