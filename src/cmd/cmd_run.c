/*
 * drydock run: transform the staging file offline (the engine is
 * src/run/engine.c, engine.h): parse the options, run the plan, return its
 * exit code.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>

#include "commands.h"
#include "engine.h"

const char usage_run[] =
	"usage: drydock run STAGE.db --plan DIR [--seed TEXT] [--clock TIMESTAMP]\n"
	"                   [--resume | --from STEP] [--no-check]\n"
	"\n"
	"Runs the plan's schema changes and steps against the staging file, starting\n"
	"from the pristine snapshot, and computes the change set.\n"
	"\n"
	"  --plan DIR         the plan folder\n"
	"  --seed TEXT        seed for gen_random_uuid(), random() (default: derived\n"
	"                     from the snapshot, so reruns reproduce the change set)\n"
	"  --clock TIMESTAMP  what now() and current_timestamp return in steps, UTC\n"
	"                     (default: the target's snapshot time)\n"
	"  --resume           continue a failed or interrupted run where it stopped\n"
	"  --from STEP        run again from STEP (earlier steps are replayed)\n"
	"  --no-check         skip the checks (recorded in the run)\n"
	"\n"
	"Unless --no-check, the plan's \"before\" checks run on the snapshot before the\n"
	"steps, and its \"after\" checks, gates and the built-in checks on the change\n"
	"set at the end, as 'drydock check' does (docs/checks.md).  Exit status 1\n"
	"means the run finished but a check of severity error failed.\n";

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "clock", required_argument, NULL, 'c' },
		{ "resume", no_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "no-check", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.plan_dir = optarg; break;
		case 's': o.seed = optarg; break;
		case 'c': o.clock = optarg; break;
		case 'r': o.resume = 1; break;
		case 'f': o.from = optarg; break;
		case 'n': o.no_check = 1; break;
		default: return usage_error("run", "unknown option");
		}
	}
	if (optind != argc - 1 || !o.plan_dir)
		return usage_error("run", "give one staging file and --plan DIR");
	if (o.resume && o.from)
		return usage_error("run", "--resume and --from cannot be combined");
	if (o.resume && (o.seed || o.clock))
		return usage_error("run", "--resume continues with the run's own seed and clock");
	o.stage_path = argv[optind];
	return run_plan(&o);
}
