/*
 * drydock: an offline migration workbench for PostgreSQL.
 * main: the command table and the shared setup every command gets.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "commands.h"
#include "jsonschema.h"
#include "term.h"
#include "util.h"

static const struct command commands[] = {
	{ "init", cmd_init, "write a starter plan folder that validates", usage_init },
	{ "validate", cmd_validate, "check a plan without running it (with --stage: compile it)", usage_validate },
	{ "snapshot", cmd_snapshot, "copy source tables into a new staging file", usage_snapshot, 1 },
	{ "status", cmd_status, "show where a staging file stands", usage_status },
	{ "run", cmd_run, "run the plan's schema changes and steps offline", usage_run },
	{ "log", cmd_log, "print the run log of a staging file", usage_log },
	{ "changes", cmd_changes, "list the change set row by row", usage_changes },
	{ "check", cmd_check, "check the change set offline: constraints, types, plan checks, gates", usage_check },
	{ "approve", cmd_approve, "approve the checked change set for push", usage_approve },
	{ "plan", cmd_plan, "print the SQL push would send, without connecting", usage_plan },
	{ "drift", cmd_drift, "compare the target's schema with the snapshot's", usage_drift, 1 },
	{ "push", cmd_push, "apply the approved change set to the target", usage_push, 1 },
	{ "rollback", cmd_rollback, "undo a push from the inverse in the target's ledger", usage_rollback, 1 },
	{ "history", cmd_history, "list the pushes and rollbacks in the target's ledger", usage_history, 1 },
	{ "report", cmd_report, "write the report of a staging file (JSON, Markdown, HTML)", usage_report },
	{ "diff", cmd_diff, "compare two reports; exit 1 when they differ", usage_diff },
	{ "fixture", cmd_fixture, "write a staging file out as a text fixture", usage_fixture },
};

static const struct command *find_command(const char *name)
{
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (!strcmp(name, commands[c].name))
			return &commands[c];
	return NULL;
}

static void print_help(FILE *f)
{
	fprintf(f, "usage: drydock [--quiet] COMMAND [ARGS]\n"
		   "       drydock help [COMMAND]\n"
		   "       drydock --version\n\n"
		   "drydock rehearses PostgreSQL data migrations offline on a SQLite\n"
		   "staging file, then pushes the verified change set in one controlled step.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\noptions every command takes, before or after its name:\n"
		   "  -q, --quiet     print no progress or information lines\n"
		   "  --progress      show progress even when stderr is not a terminal\n"
		   "  --color[=WHEN]  colour: auto (default: on a terminal, unless NO_COLOR\n"
		   "                  is set), always or never\n"
		   "  --no-color      the same as --color=never\n"
		   "  --no-pager      do not page long output (log, changes, check, history)\n"
		   "                  through $DRYDOCK_PAGER, $PAGER or less -FRX on a terminal\n"
		   "  --project FILE  the project file of defaults (default: $DRYDOCK_PROJECT,\n"
		   "                  else drydock.json in this folder or the nearest parent)\n"
		   "  --no-project    use no project file (or set DRYDOCK_NO_PROJECT=1)\n"
		   "  --help          describe the command\n"
		   "\nA project file (JSON) holds defaults: the plan folder (\"plan\"), the staging\n"
		   "file (\"stage\": STAGE.db may then be left out), named connections\n"
		   "(\"targets\": --target NAME and --source NAME look them up first) and the\n"
		   "default \"source\" and \"target\".  Options on the command line win over it.\n"
		   "\n'drydock help COMMAND' or 'drydock COMMAND --help' describes a command.\n"
		   "exit codes: 0 ok, 1 checks failed / reports differ / conflicts,\n"
		   "            2 usage error, 3 runtime error\n");
	{
		char *file = project_locate();
		if (file)
			fprintf(f, "\nproject file: %s\n", file);
		free(file);
	}
}

static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write to standard output");
		return EXIT_RUNTIME;
	}
	return 0;
}

static int unknown_command(const char *name)
{
	const char *names[ARRAY_SIZE(commands) + 1];
	const char *near;
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		names[c] = commands[c].name;
	names[ARRAY_SIZE(commands)] = "help";
	near = closest_word(name, names, (int)ARRAY_SIZE(names));
	error("unknown command '%s'", name);
	if (near)
		hint("Did you mean 'drydock %s'?  Run 'drydock help' for the list of commands.", near);
	else
		hint("Run 'drydock help' for the list of commands.");
	return EXIT_USAGE;
}

/* drydock help [COMMAND] */
static int help(int argc, char **argv)
{
	const struct command *cmd;
	if (argc < 2) {
		print_help(stdout);
		return flush_stdout();
	}
	if (argc > 2) {
		error("give one command to describe");
		hint("Run 'drydock help' for the list of commands.");
		return EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	fputs(cmd->usage, stdout);
	return flush_stdout();
}

/*
 * Takes the global options out of argv wherever they stand before "--",
 * so `drydock run s.db --quiet` is `drydock --quiet run s.db`.
 */
static int take_global_options(int *argc, char **argv)
{
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (i > 0 && (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))) {
			dd_quiet = 1;
			continue;
		}
		if (i > 0 && !strcmp(argv[i], "--progress")) {
			dd_progress_forced = 1;
			continue;
		}
		if (i > 0 && !strcmp(argv[i], "--no-pager")) {
			dd_no_pager = 1;
			continue;
		}
		if (i > 0 && !strcmp(argv[i], "--no-project")) {
			project_choose(NULL, 1);
			continue;
		}
		if (i > 0 && (!strcmp(argv[i], "--project") || !strncmp(argv[i], "--project=", 10))) {
			const char *file = argv[i][9] ? argv[i] + 10 : i + 1 < *argc ? argv[++i] : NULL;
			if (!file || !*file) {
				error("option '--project' needs a value");
				hint("Run 'drydock --help' for usage.");
				return EXIT_USAGE;
			}
			project_choose(file, 0);
			continue;
		}
		if (i > 0 && (!strcmp(argv[i], "--color") || !strcmp(argv[i], "--no-color") ||
			      !strncmp(argv[i], "--color=", 8))) {
			int m = argv[i][2] == 'n' ? COLOR_NEVER : argv[i][7] ? color_mode_parse(argv[i] + 8)
									      : COLOR_ALWAYS;
			if (m < 0) {
				error("--color is auto, always or never, not '%s'", argv[i] + 8);
				hint("Run 'drydock --help' for usage.");
				return EXIT_USAGE;
			}
			dd_color_mode = m;
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, ret;
	const struct command *cmd;

	/* drydock uses SQLite from one thread: no mutexes, no memory
	 * statistics (both cost on every row of a snapshot or a diff) */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* commands name a bad option themselves (option_error) */
	opterr = 0;

	if (take_global_options(&argc, argv))
		return EXIT_USAGE;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "-?")) {
			print_help(stdout);
			return flush_stdout();
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("drydock %s\n", DD_VERSION);
			return flush_stdout();
		} else {
			error("unknown option '%s'", argv[i]);
			hint("Run 'drydock --help' for usage.");
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help"))
		return help(argc - i, argv + i);
	cmd = find_command(argv[i]);
	if (!cmd)
		return unknown_command(argv[i]);
	/*
	 * --help anywhere describes the command; -h too, but for commands
	 * that connect, where -h is the host (as in psql), only alone.
	 */
	for (int k = i + 1; k < argc; k++) {
		if (!strcmp(argv[k], "--"))
			break;
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-?") ||
		    (!strcmp(argv[k], "-h") && (!cmd->connects || argc == i + 2))) {
			fputs(cmd->usage, stdout);
			return flush_stdout();
		}
	}
	ret = cmd->fn(argc - i, argv + i);
	if (flush_stdout())
		return EXIT_RUNTIME;
	return ret;
}
