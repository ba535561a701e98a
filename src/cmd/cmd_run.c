/*
 * drydock run: transform the staging file offline (the engine is
 * src/run/engine.c, engine.h): parse the options, run the plan, return its
 * exit code.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "book.h"
#include "commands.h"
#include "engine.h"
#include "stage.h"

const char usage_run[] =
	"usage: drydock run STAGE.db --plan DIR [--seed TEXT] [--clock TIMESTAMP]\n"
	"                   [--resume | --from STEP] [--no-check] [--json]\n"
	"\n"
	"Runs the plan's schema changes and steps against the staging file, starting\n"
	"from the pristine snapshot, and computes the change set.\n"
	"\n"
	"  --plan DIR         the plan folder (default: the project file's \"plan\";\n"
	"                     STAGE.db: its \"stage\")\n"
	"  --seed TEXT        seed for gen_random_uuid(), random() (default: derived\n"
	"                     from the snapshot, so reruns reproduce the change set)\n"
	"  --clock TIMESTAMP  what now() and current_timestamp return in steps, UTC\n"
	"                     (default: the target's snapshot time)\n"
	"  --resume           continue a failed or interrupted run where it stopped\n"
	"  --from STEP        run again from STEP (earlier steps are replayed)\n"
	"  --no-check         skip the checks (recorded in the run)\n"
	"  --json             print the outcome as JSON (README, \"JSON output\");\n"
	"                     what the run prints goes to stderr instead\n"
	"\n"
	"Unless --no-check, the plan's \"before\" checks run on the snapshot before the\n"
	"steps, and its \"after\" checks, gates and the built-in checks on the change\n"
	"set at the end, as 'drydock check' does (docs/checks.md).  Exit status 1\n"
	"means the run finished but a check of severity error failed.\n";

/* The outcome, read back from the staging file's book (book.h). */
static void print_run_json(const char *path, int ret)
{
	cJSON *o = json_result("run", ret);
	sqlite3 *db = NULL;
	struct review rv = { 0 };

	cJSON_AddStringToObject(o, "staging_file", path);
	if (!stage_open(path, 1, &db) && !book_review(db, &rv)) {
		if (rv.has_run)
			cJSON_AddNumberToObject(o, "run", (double)rv.run.id);
		if (rv.has_changeset) {
			cJSON *s = cJSON_AddObjectToObject(o, "change_set");
			cJSON_AddStringToObject(s, "hash", rv.cs.hash);
			cJSON_AddNumberToObject(s, "inserts", (double)rv.cs.inserts);
			cJSON_AddNumberToObject(s, "updates", (double)rv.cs.updates);
			cJSON_AddNumberToObject(s, "deletes", (double)rv.cs.deletes);
			cJSON_AddNumberToObject(s, "schema_changes", rv.cs.schema_changes);
		}
		/* the checks of this run, not of an earlier one (--no-check) */
		if (rv.has_checks && rv.has_run && rv.checks.run == rv.run.id) {
			cJSON *k = cJSON_AddObjectToObject(o, "checks");
			cJSON_AddNumberToObject(k, "passed", (double)rv.checks.passed);
			cJSON_AddNumberToObject(k, "errors", (double)rv.checks.errors);
			cJSON_AddNumberToObject(k, "warnings", (double)rv.checks.warnings);
		} else {
			cJSON_AddNullToObject(o, "checks");
		}
	}
	print_json(o);
	cJSON_Delete(o);
	review_free(&rv);
	stage_close(db);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "clock", required_argument, NULL, 'c' },
		{ "resume", no_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "no-check", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	int c, json = 0, out = -1, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.plan_dir = optarg; break;
		case 's': o.seed = optarg; break;
		case 'c': o.clock = optarg; break;
		case 'r': o.resume = 1; break;
		case 'f': o.from = optarg; break;
		case 'n': o.no_check = 1; break;
		case 'j': json = 1; json_stdout(); break;
		default: return option_error("run", argv, opts, "");
		}
	}
	if ((c = stage_operand("run", argc, argv, "give one staging file and --plan DIR", &o.stage_path)))
		return c;
	if (plan_operand(o.plan_dir, &o.plan_dir))
		return EXIT_RUNTIME;
	if (!o.plan_dir)
		return usage_error("run", "give one staging file and --plan DIR");
	if (o.resume && o.from)
		return usage_error("run", "--resume and --from cannot be combined");
	if (o.resume && (o.seed || o.clock))
		return usage_error("run", "--resume continues with the run's own seed and clock");
	if (!json)
		return run_plan(&o);
	/* everything the engine prints goes to stderr; stdout gets the JSON */
	fflush(stdout);
	out = dup(STDOUT_FILENO);
	if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return error("cannot redirect standard output"), EXIT_RUNTIME;
	ret = run_plan(&o);
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	print_run_json(o.stage_path, ret);
	return ret;
}
