/*
 * drydock drift: the comparison push makes before it sends anything
 * (drift.h), alone: is the target the snapshotted database, and is its
 * schema for the plan's tables still the snapshot's?  For CI before a
 * push window, and for a user who wants to know before asking for one.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "drift.h"
#include "ledger.h"
#include "pushset.h"
#include "stage.h"

const char usage_drift[] =
	"usage: drydock drift STAGE.db [--target CONNINFO] [-h HOST -p PORT -U USER -d DB]\n"
	"                     [--json]\n"
	"\n"
	"Compares the target with the snapshot in STAGE.db, as push does before it\n"
	"sends anything (docs/push.md, \"Drift\"): the database (the cluster's system\n"
	"identifier and the database name recorded at snapshot) and, for the\n"
	"snapshot's tables, columns (type, NOT NULL, default), constraints, indexes,\n"
	"triggers, row-level security and policies, the enum types they use and the\n"
	"types the change set writes.  Each difference is listed table by table and\n"
	"marked benign when nothing the push does can fail or change meaning by it\n"
	"(push lets those through when asked: drydock help push).  Sends nothing.\n"
	"\n"
	"  --target CONNINFO     the target: a libpq connection string, URI or a\n"
	"                        database name, or the name of a target of the\n"
	"                        project file (with no connection option at all:\n"
	"                        its \"target\"; see 'drydock help')\n"
	CONN_HELP
	"  --json                print the comparison as JSON (README, \"JSON output\")\n"
	"\n"
	"Exit status: 0 no drift (the same database, the same schema), 1 drift or\n"
	"another database, 2 usage, 3 error.\n";

/* Where the target stands against the snapshotted database, one word. */
static const char *database_state(const struct drift *d)
{
	if (d->unrecorded)
		return "unrecorded";
	if (d->other_cluster)
		return "other_cluster";
	return d->other_database ? "other_database" : "same";
}

static void print_text(const struct drift *d, const char *identity, const char *applied)
{
	printf("target      %s\n", identity);
	if (d->unrecorded)
		printf("database    not recorded by the snapshot (a fixture or an older staging file)\n");
	else if (d->other_database)
		printf("database    %s: %s\n", d->other_cluster ? "ANOTHER CLUSTER" : "another database",
		       d->other_database);
	else
		printf("database    the snapshotted one\n");
	if (applied)
		printf("ledger      %s: its schema changes are in the target\n", applied);
	if (!d->n) {
		printf("schema      as the snapshot saw it\n");
		return;
	}
	printf("schema      %d difference%s (%d benign):\n", d->n, PLURAL(d->n), d->n - d->nsevere);
	for (int i = 0; i < d->n; i++) {
		const struct drift_item *it = &d->items[i];
		printf("  %s%s%s%s\n", it->table ? "table " : "", it->table ? it->table : "",
		       it->table ? ": " : "", it->what);
		if (it->benign)
			printf("    (benign)\n");
	}
}

static void print_json_result(const struct drift *d, int ret, const char *path, const char *identity,
			      const char *hash, long long applied_id)
{
	cJSON *o = json_result("drift", ret), *a;
	cJSON_AddStringToObject(o, "staging_file", path);
	if (hash && *hash)
		cJSON_AddStringToObject(o, "change_set", hash);
	if (identity)
		cJSON_AddStringToObject(o, "target", identity);
	cJSON_AddStringToObject(o, "database", database_state(d));
	if (d->other_database)
		cJSON_AddStringToObject(o, "database_detail", d->other_database);
	if (applied_id)
		cJSON_AddNumberToObject(o, "applied_in_ledger", (double)applied_id);
	a = cJSON_AddArrayToObject(o, "differences");
	for (int i = 0; i < d->n; i++) {
		cJSON *it = cJSON_CreateObject();
		if (d->items[i].table)
			cJSON_AddStringToObject(it, "table", d->items[i].table);
		else
			cJSON_AddNullToObject(it, "table");
		cJSON_AddStringToObject(it, "what", d->items[i].what);
		cJSON_AddBoolToObject(it, "benign", d->items[i].benign);
		cJSON_AddItemToArray(a, it);
	}
	cJSON_AddNumberToObject(o, "benign", d->n - d->nsevere);
	cJSON_AddNumberToObject(o, "severe", d->nsevere);
	print_json(o);
	cJSON_Delete(o);
}

int cmd_drift(int argc, char **argv)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	char *identity = NULL, *applied = NULL;
	long long applied_id = 0;
	int c, r, compared = 0, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	PGconn *conn = NULL;
	struct shared_args args = SHARED_ARGS_INIT;
	struct push_set ps = { 0 };
	struct ledger_entry le = { 0 };
	struct drift d = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, CONN_SHORTOPTS, opts, NULL)) != -1) {
		r = shared_option("drift", c, optarg, &args);
		if (r == 1)
			continue;
		ret = r ? r : option_error("drift", argv, opts, CONN_SHORTOPTS);
		goto cleanup;
	}
	if ((ret = stage_operand("drift", argc, argv, "give one staging file (and the target: "
				 "--target CONNINFO, a database name, or -h/-p/-U/-d)", &path)))
		goto cleanup;
	ret = EXIT_RUNTIME;
	if (args.json) {
		dd_quiet = 1;
		json_stdout();
	}
	if (stage_open(path, 0, &db))
		goto cleanup;
	/* without a change set there is still a snapshot to compare with */
	if (pushset_from_stage(db, path, &ps) < 0)
		goto cleanup;
	conn = connect_args(&args, "the target");
	if (!conn)
		goto cleanup;
	identity = pg_identity(conn);
	if (ps.hash[0]) {
		r = ledger_exists(conn);
		if (r > 0)
			r = ledger_find_push(conn, 0, ps.hash, &le);
		if (r < 0)
			goto cleanup;
		if (r == 0 && le.id && !strcmp(le.kind, "push") && strcmp(le.status, "rolled_back")) {
			applied_id = le.id;
			applied = xasprintf("change set %.16s is pushed (entry #%lld, %s)", ps.hash,
					    le.id, le.status);
		}
	}
	if (drift_of_push(conn, db, &ps, &d))
		goto cleanup;
	compared = 1;
	ret = d.n || d.other_database ? EXIT_FINDINGS : EXIT_OK;
	if (!args.json)
		print_text(&d, identity, applied);
cleanup:
	if (args.json && compared)
		print_json_result(&d, ret, path, identity, ps.hash, applied_id);
	else if (args.json && path) {
		cJSON *o = json_result("drift", ret);
		cJSON_AddStringToObject(o, "staging_file", path);
		print_json(o);
		cJSON_Delete(o);
	}
	drift_free(&d);
	ledger_entry_free(&le);
	pushset_free(&ps);
	free(identity);
	free(applied);
	if (conn)
		PQfinish(conn);
	stage_close(db);
	args_release(&args);
	return ret;
}
