/*
 * drydock log: what each run did, step by step and batch by batch (seed
 * 000's migration_log, seed 004's checkpoints).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "commands.h"
#include "stage.h"
#include "term.h"

const char usage_log[] =
	"usage: drydock log STAGE.db [--run N | --all] [--json]\n"
	"\n"
	"Prints the run log: for each step (and batch), the rows it changed, how\n"
	"long it took and how it ended.  Shows the latest run unless told otherwise.\n"
	"\n"
	"  --run N   show run N\n"
	"  --all     show every run\n"
	"  --json    print JSON\n"
	"\n"
	"On a terminal the text goes through a pager (see drydock --help).\n";

/* One run and its log, as JSON (added to out) and, unless json, as text. */
static int show_run(sqlite3 *db, const struct run_record *r, int json, cJSON *out)
{
	struct run_log_entry *log = NULL;
	cJSON *jr, *entries;
	struct table *t = NULL;
	int n = 0;

	if (book_run_log(db, r->id, &log, &n)) {
		run_log_free(log, n);
		return -1;
	}
	jr = cJSON_CreateObject();
	cJSON_AddNumberToObject(jr, "run", (double)r->id);
	cJSON_AddStringToObject(jr, "plan", r->plan_name);
	cJSON_AddStringToObject(jr, "status", r->status);
	cJSON_AddStringToObject(jr, "started_at", r->started_at);
	if (r->finished_at)
		cJSON_AddStringToObject(jr, "finished_at", r->finished_at);
	cJSON_AddStringToObject(jr, "seed", r->seed);
	cJSON_AddStringToObject(jr, "clock", r->clock);
	cJSON_AddBoolToObject(jr, "checks_skipped", r->no_check);
	if (r->message)
		cJSON_AddStringToObject(jr, "stopped_at", r->message);
	entries = cJSON_AddArrayToObject(jr, "log");
	if (!json) {
		printf("%srun %lld%s (", color(1, C_BOLD), r->id, color(1, C_RESET));
		fputs_color(r->status, status_color(r->status), stdout);
		printf(") plan %s, %s, seed '%s', clock %s%s\n", r->plan_name, r->started_at, r->seed,
		       r->clock, r->no_check ? ", checks skipped" : "");
		t = table_new(stdout);
		table_column(t, "#", COL_RIGHT);
		table_column(t, "step", COL_SHRINK);
		table_column(t, "batch", 0);
		table_column(t, "rows", COL_RIGHT);
		table_column(t, "ms", COL_RIGHT);
		table_column(t, "status", COL_SHRINK);
	}
	for (int i = 0; i < n; i++) {
		const struct run_log_entry *e = &log[i];
		cJSON *je = cJSON_CreateObject();
		char batch[32] = "";
		if (e->batch)
			snprintf(batch, sizeof(batch), "%lld/%lld", e->batch, e->batches);
		cJSON_AddNumberToObject(je, "seq", e->seq);
		cJSON_AddStringToObject(je, "step", e->step);
		if (e->batch) {
			cJSON_AddNumberToObject(je, "batch", (double)e->batch);
			cJSON_AddNumberToObject(je, "batches", (double)e->batches);
			cJSON_AddStringToObject(je, "first_key", e->first_key);
			cJSON_AddStringToObject(je, "last_key", e->last_key);
		}
		cJSON_AddNumberToObject(je, "rows", (double)e->rows);
		cJSON_AddNumberToObject(je, "duration_ms", e->duration_ms);
		cJSON_AddStringToObject(je, "status", e->status);
		if (e->message)
			cJSON_AddStringToObject(je, "message", e->message);
		cJSON_AddItemToArray(entries, je);
		if (!json) {
			table_cellf(t, "%d", e->seq);
			table_cell(t, e->step);
			table_cell(t, batch);
			table_cellf(t, "%lld", e->rows);
			table_cellf(t, "%.1f", e->duration_ms);
			if (e->message) {
				char *m = xasprintf("%s: %s", e->status, e->message);
				table_cell_color(t, status_color(e->status), m);
				free(m);
			} else {
				table_cell_color(t, status_color(e->status), e->status);
			}
		}
	}
	if (t)
		table_print(t, "  ");
	cJSON_AddItemToArray(out, jr);
	run_log_free(log, n);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path;
	long run = 0;
	int all = 0, json = 0, c, ret = EXIT_RUNTIME, nruns = 0, r;
	sqlite3 *db = NULL;
	struct run_record *runs = NULL;
	cJSON *out = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (parse_long(optarg, &run) || run < 1)
				return usage_error("log", "--run needs a run number");
			break;
		case 'a': all = 1; break;
		case 'j': json = 1; json_stdout(); break;
		default: return option_error("log", argv, opts, "");
		}
	}
	if ((c = stage_operand("log", argc, argv, "give one staging file", &path)))
		return c;
	if (stage_open(path, 1, &db))
		goto cleanup;
	if (all) {
		if (book_runs(db, &runs, &nruns))
			goto cleanup;
	} else {
		runs = xcalloc(1, sizeof(*runs));
		r = run ? book_run(db, run, runs) : book_latest_run(db, runs);
		if (r < 0)
			goto cleanup;
		nruns = r == 0;
	}
	out = cJSON_CreateArray();
	if (!json)
		pager_start();
	for (int i = 0; i < nruns; i++)
		if (show_run(db, &runs[i], json, out))
			goto cleanup;
	if (json) {
		print_json(out);
	} else if (!nruns) {
		printf("no runs yet\n");
	}
	ret = EXIT_OK;
cleanup:
	cJSON_Delete(out);
	for (int i = 0; runs && i < (all ? nruns : 1); i++)
		run_record_free(&runs[i]);
	free(runs);
	stage_close(db);
	return ret;
}
