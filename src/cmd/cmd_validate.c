/*
 * drydock validate: is the plan right, before any database is involved?
 * The run engine's checks (run_validate), without running anything.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "engine.h"

const char usage_validate[] =
	"usage: drydock validate [PLAN] [--stage STAGE.db] [--json]\n"
	"\n"
	"Checks a plan folder (default: the project file's \"plan\", else the current\n"
	"folder) without running\n"
	"anything: plan.json against its schema (unknown keys included), the files\n"
	"it names, its schema changes, checks and gates, and the syntax of every\n"
	"step, check, fix and gate in PostgreSQL SQL (PostgreSQL 15's own parser;\n"
	"every error is reported, with file, line and column).  With --stage, also\n"
	"what run checks before its first step: the plan's tables are in the\n"
	"snapshot, and every statement compiles against the snapshot's schema\n"
	"after the plan's schema changes (names, types, functions; refused\n"
	"constructs).  The staging file is only read.\n"
	"\n"
	"  --stage STAGE.db   compile against this snapshot\n"
	"  --json             print the outcome as JSON (README, \"JSON output\")\n"
	"\n"
	"Exit status: 0 valid, 1 invalid (reported), 2 usage.\n";

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stage", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan = NULL, *stage = NULL;
	int c, json = 0, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			stage = optarg;
			break;
		case OPT_JSON:
			json = 1;
			json_stdout();
			break;
		default:
			return option_error("validate", argv, opts, "");
		}
	}
	if (optind < argc)
		plan = argv[optind++];
	if (optind != argc)
		return usage_error("validate", "give one plan folder");
	if (plan_operand(plan, &plan))
		return EXIT_RUNTIME;
	if (!plan)
		plan = ".";
	if (json)
		dd_quiet = 1;
	ret = run_validate(plan, stage) ? EXIT_FINDINGS : EXIT_OK;
	if (ret == EXIT_OK)
		info("plan %s is valid%s", plan, stage ? " against the snapshot" : "");
	if (json) {
		cJSON *o = json_result("validate", ret);
		cJSON_AddStringToObject(o, "plan", plan);
		if (stage)
			cJSON_AddStringToObject(o, "staging_file", stage);
		cJSON_AddBoolToObject(o, "valid", ret == EXIT_OK);
		print_json(o);
		cJSON_Delete(o);
	}
	return ret;
}
