/*
 * drydock log: what each run did, step by step and batch by batch (seed
 * 000's migration_log, seed 004's checkpoints).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <string.h>

#include "commands.h"
#include "stage.h"

const char usage_log[] =
	"usage: drydock log STAGE.db [--run N | --all] [--json]\n"
	"\n"
	"Prints the run log: for each step (and batch), the rows it changed, how\n"
	"long it took and how it ended.  Shows the latest run unless told otherwise.\n"
	"\n"
	"  --run N   show run N\n"
	"  --all     show every run\n"
	"  --json    print JSON\n";

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	long run = 0;
	int all = 0, json = 0, c, ret = EXIT_RUNTIME, rc;
	sqlite3 *db = NULL;
	sqlite3_stmt *runs = NULL, *log = NULL;
	cJSON *out = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (parse_long(optarg, &run) || run < 1)
				return usage_error("log", "--run needs a run number");
			break;
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		default: return option_error("log", argv, opts, "");
		}
	}
	if (optind != argc - 1)
		return usage_error("log", "give one staging file");
	if (stage_open(argv[optind], 1, &db))
		goto cleanup;
	if (sqlite3_prepare_v2(db, "SELECT id, started_at, finished_at, status, seed, clock, "
				   "plan_name, no_check, message FROM dd_run "
				   "WHERE (?1 = 1) OR (?2 > 0 AND id = ?2) OR "
				   "(?2 = 0 AND id = (SELECT max(id) FROM dd_run)) ORDER BY id",
			       -1, &runs, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT seq, step, batch, batches, first_key, last_key, rows, "
				   "duration_ms, status, message FROM dd_run_log WHERE run = ?1 "
				   "ORDER BY seq",
			       -1, &log, NULL)) {
		stage_error(db, "cannot read the run log");
		goto cleanup;
	}
	sqlite3_bind_int(runs, 1, all);
	sqlite3_bind_int64(runs, 2, run);
	out = cJSON_CreateArray();
	int nruns = 0;
	while ((rc = sqlite3_step(runs)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(runs, 0);
		const char *status = (const char *)sqlite3_column_text(runs, 3);
		cJSON *jr = cJSON_CreateObject(), *entries;
		nruns++;
		cJSON_AddNumberToObject(jr, "run", (double)id);
		cJSON_AddStringToObject(jr, "plan", (const char *)sqlite3_column_text(runs, 6));
		cJSON_AddStringToObject(jr, "status", status);
		cJSON_AddStringToObject(jr, "started_at", (const char *)sqlite3_column_text(runs, 1));
		if (sqlite3_column_text(runs, 2))
			cJSON_AddStringToObject(jr, "finished_at", (const char *)sqlite3_column_text(runs, 2));
		cJSON_AddStringToObject(jr, "seed", (const char *)sqlite3_column_text(runs, 4));
		cJSON_AddStringToObject(jr, "clock", (const char *)sqlite3_column_text(runs, 5));
		cJSON_AddBoolToObject(jr, "checks_skipped", sqlite3_column_int(runs, 7));
		if (sqlite3_column_text(runs, 8))
			cJSON_AddStringToObject(jr, "stopped_at", (const char *)sqlite3_column_text(runs, 8));
		entries = cJSON_AddArrayToObject(jr, "log");
		if (!json) {
			printf("run %lld (%s) plan %s, %s, seed '%s', clock %s%s\n", id, status,
			       sqlite3_column_text(runs, 6), sqlite3_column_text(runs, 1),
			       sqlite3_column_text(runs, 4), sqlite3_column_text(runs, 5),
			       sqlite3_column_int(runs, 7) ? ", checks skipped" : "");
			printf("  %-4s %-32s %-9s %10s %10s  %s\n", "#", "step", "batch", "rows", "ms", "status");
		}
		sqlite3_bind_int64(log, 1, id);
		while (sqlite3_step(log) == SQLITE_ROW) {
			cJSON *je = cJSON_CreateObject();
			char batch[32] = "";
			if (sqlite3_column_type(log, 2) != SQLITE_NULL)
				snprintf(batch, sizeof(batch), "%lld/%lld",
					 (long long)sqlite3_column_int64(log, 2),
					 (long long)sqlite3_column_int64(log, 3));
			cJSON_AddNumberToObject(je, "seq", sqlite3_column_int(log, 0));
			cJSON_AddStringToObject(je, "step", (const char *)sqlite3_column_text(log, 1));
			if (*batch) {
				cJSON_AddNumberToObject(je, "batch", (double)sqlite3_column_int64(log, 2));
				cJSON_AddNumberToObject(je, "batches", (double)sqlite3_column_int64(log, 3));
				cJSON_AddStringToObject(je, "first_key", (const char *)sqlite3_column_text(log, 4));
				cJSON_AddStringToObject(je, "last_key", (const char *)sqlite3_column_text(log, 5));
			}
			cJSON_AddNumberToObject(je, "rows", (double)sqlite3_column_int64(log, 6));
			cJSON_AddNumberToObject(je, "duration_ms", sqlite3_column_double(log, 7));
			cJSON_AddStringToObject(je, "status", (const char *)sqlite3_column_text(log, 8));
			if (sqlite3_column_text(log, 9))
				cJSON_AddStringToObject(je, "message", (const char *)sqlite3_column_text(log, 9));
			cJSON_AddItemToArray(entries, je);
			if (!json)
				printf("  %-4d %-32s %-9s %10lld %10.1f  %s%s%s\n",
				       sqlite3_column_int(log, 0), sqlite3_column_text(log, 1), batch,
				       (long long)sqlite3_column_int64(log, 6), sqlite3_column_double(log, 7),
				       sqlite3_column_text(log, 8),
				       sqlite3_column_text(log, 9) ? ": " : "",
				       sqlite3_column_text(log, 9) ? (const char *)sqlite3_column_text(log, 9) : "");
		}
		sqlite3_reset(log);
		cJSON_AddItemToArray(out, jr);
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read the run log");
		goto cleanup;
	}
	if (json) {
		char *s = cJSON_Print(out);
		printf("%s\n", s);
		cJSON_free(s);
	} else if (!nruns) {
		printf("no runs yet\n");
	}
	ret = EXIT_OK;
cleanup:
	cJSON_Delete(out);
	sqlite3_finalize(runs);
	sqlite3_finalize(log);
	stage_close(db);
	return ret;
}
