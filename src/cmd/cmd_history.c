/*
 * drydock history: the target's ledger, newest first: every push and
 * rollback drydock made there.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ledger.h"
#include "push.h"
#include "term.h"

const char usage_history[] =
	"usage: drydock history [--target CONNINFO] [-h HOST -p PORT -U USER -d DB]\n"
	"                       [--limit N] [--json]\n"
	"\n"
	"Lists the pushes and rollbacks recorded in the target's ledger (schema\n"
	"drydock), newest first: id, kind, status, change set, plan, rows, who\n"
	"approved, when.\n"
	"\n"
	"  --target CONNINFO     the target: a libpq connection string, URI or a\n"
	"                        database name, or the name of a target of the\n"
	"                        project file (with no connection option at all:\n"
	"                        its \"target\"; see 'drydock help')\n"
	CONN_HELP
	"  --limit N             at most N entries (default 50; 0 for all)\n"
	"  --json                print JSON: an array of one object per entry\n"
	"\n"
	"On a terminal the text goes through a pager (see drydock --help).\n";

int cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	long limit = 50;
	int json = 0, c, r, ret = EXIT_RUNTIME;
	struct shared_args args = SHARED_ARGS_INIT;
	PGconn *conn = NULL;
	PGresult *res = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, CONN_SHORTOPTS, opts, NULL)) != -1) {
		r = shared_option("history", c, optarg, &args);
		if (r == 1)
			continue;
		if (r) {
			ret = r;
			goto cleanup;
		}
		switch (c) {
		case 'l':
			if (parse_long(optarg, &limit) || limit < 0) {
				ret = usage_error("history", "--limit needs a number");
				goto cleanup;
			}
			break;
		default:
			ret = option_error("history", argv, opts, CONN_SHORTOPTS);
			goto cleanup;
		}
	}
	json = args.json;
	if (json)
		json_stdout();
	if (optind != argc) {
		ret = usage_error("history", "unexpected argument '%s'", argv[optind]);
		goto cleanup;
	}
	conn = connect_args(&args, "the target");
	if (!conn)
		goto cleanup;
	r = ledger_exists(conn);
	if (r < 0)
		goto cleanup;
	if (!r) {
		if (json)
			print_json_text("[]\n");
		else
			printf("no drydock ledger in this database: nothing was pushed here\n");
		ret = EXIT_OK;
		goto cleanup;
	}
	res = ledger_history(conn, limit);
	if (!res)
		goto cleanup;
	if (json) {
		cJSON *a = cJSON_CreateArray();
		for (int i = 0; i < PQntuples(res); i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", atof(PQgetvalue(res, i, 0)));
			cJSON_AddStringToObject(o, "kind", PQgetvalue(res, i, 1));
			cJSON_AddStringToObject(o, "status", PQgetvalue(res, i, 2));
			cJSON_AddStringToObject(o, "hash", PQgetvalue(res, i, 3));
			cJSON_AddStringToObject(o, "plan", PQgetvalue(res, i, 4));
			if (*PQgetvalue(res, i, 5))
				cJSON_AddNumberToObject(o, "rollback_of", atof(PQgetvalue(res, i, 5)));
			if (*PQgetvalue(res, i, 6))
				cJSON_AddStringToObject(o, "approved_by", PQgetvalue(res, i, 6));
			cJSON_AddStringToObject(o, "started_at", PQgetvalue(res, i, 7));
			if (*PQgetvalue(res, i, 8))
				cJSON_AddStringToObject(o, "finished_at", PQgetvalue(res, i, 8));
			cJSON_AddItemToObject(o, "counts", cJSON_Parse(PQgetvalue(res, i, 15)));
			if (*PQgetvalue(res, i, 12)) {
				cJSON_AddNumberToObject(o, "batch_size", atof(PQgetvalue(res, i, 12)));
				cJSON_AddNumberToObject(o, "batches_done", atof(PQgetvalue(res, i, 13)));
				cJSON_AddNumberToObject(o, "batches", atof(PQgetvalue(res, i, 14)));
			}
			if (*PQgetvalue(res, i, 16))
				cJSON_AddStringToObject(o, "filter", PQgetvalue(res, i, 16));
			cJSON_AddStringToObject(o, "drydock_version", PQgetvalue(res, i, 17));
			cJSON_AddStringToObject(o, "db_user", PQgetvalue(res, i, 18));
			if (*PQgetvalue(res, i, 19))
				cJSON_AddStringToObject(o, "staging", PQgetvalue(res, i, 19));
			cJSON_AddItemToArray(a, o);
		}
		print_json(a);
		cJSON_Delete(a);
	} else {
		struct table *t = table_new(stdout);
		pager_start();
		table_column(t, "id", COL_RIGHT);
		table_column(t, "kind", 0);
		table_column(t, "status", 0);
		table_column(t, "change set", COL_SHRINK);
		table_column(t, "plan", COL_SHRINK);
		table_column(t, "inserts", COL_RIGHT);
		table_column(t, "updates", COL_RIGHT);
		table_column(t, "deletes", COL_RIGHT);
		table_column(t, "by", COL_SHRINK);
		table_column(t, "started", COL_SHRINK);
		for (int i = 0; i < PQntuples(res); i++) {
			char status[64], hash[13];
			snprintf(status, sizeof(status), "%s", PQgetvalue(res, i, 2));
			if (!strcmp(status, "in_progress") && *PQgetvalue(res, i, 12))
				snprintf(status, sizeof(status), "in_progress %s/%s", PQgetvalue(res, i, 13),
					 PQgetvalue(res, i, 14));
			snprintf(hash, sizeof(hash), "%s", PQgetvalue(res, i, 3));
			table_cell(t, PQgetvalue(res, i, 0));
			table_cell(t, PQgetvalue(res, i, 1));
			table_cell_color(t, status_color(status), status);
			table_cell(t, hash);
			table_cell(t, PQgetvalue(res, i, 4));
			table_cell(t, PQgetvalue(res, i, 9));
			table_cell(t, PQgetvalue(res, i, 10));
			table_cell(t, PQgetvalue(res, i, 11));
			table_cell(t, PQgetvalue(res, i, 6));
			table_cellf(t, "%s%s%s", PQgetvalue(res, i, 7),
				    *PQgetvalue(res, i, 5) ? "  of #" : "", PQgetvalue(res, i, 5));
		}
		table_print(t, "");
	}
	ret = EXIT_OK;
cleanup:
	PQclear(res);
	if (conn)
		PQfinish(conn);
	args_release(&args);
	return ret;
}
