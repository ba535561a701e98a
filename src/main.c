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
#include "util.h"

static const struct command commands[] = {
	{ "snapshot", cmd_snapshot, "copy source tables into a new staging file", usage_snapshot },
	{ "status", cmd_status, "show where a staging file stands", usage_status },
	{ "run", cmd_run, "run the plan's schema changes and steps offline", usage_run },
	{ "log", cmd_log, "print the run log of a staging file", usage_log },
	{ "changes", cmd_changes, "list the change set row by row", usage_changes },
	{ "check", cmd_check, "check the change set offline: constraints, types, plan checks, gates", usage_check },
	{ "approve", cmd_approve, "approve the checked change set for push", usage_approve },
	{ "plan", cmd_plan, "print the SQL push would send, without connecting", usage_plan },
	{ "push", cmd_push, "apply the approved change set to the target", usage_push },
	{ "rollback", cmd_rollback, "undo a push from the inverse in the target's ledger", usage_rollback },
	{ "history", cmd_history, "list the pushes and rollbacks in the target's ledger", usage_history },
	{ "report", cmd_report, "write the report of a staging file (JSON, Markdown, HTML)", usage_report },
	{ "diff", cmd_diff, "compare two reports; exit 1 when they differ", usage_diff },
	{ "fixture", cmd_fixture, "write a staging file out as a text fixture", usage_fixture },
};

static void print_help(FILE *f)
{
	fprintf(f, "usage: drydock [--quiet] COMMAND [ARGS]\n\n"
		   "drydock rehearses PostgreSQL data migrations offline on a SQLite\n"
		   "staging file, then pushes the verified change set in one controlled step.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'drydock COMMAND --help' describes a command.\n"
		   "exit codes: 0 ok, 1 checks failed / reports differ / conflicts,\n"
		   "            2 usage error, 3 runtime error\n");
}

static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write to standard output");
		return EXIT_RUNTIME;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, ret;

	/* drydock uses SQLite from one thread: no mutexes, no memory
	 * statistics (both cost on every row of a snapshot or a diff) */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_help(stdout);
			return flush_stdout();
		} else if (!strcmp(argv[i], "--version")) {
			printf("drydock %s\n", DD_VERSION);
			return flush_stdout();
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			dd_quiet = 1;
			i++;
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
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
		const struct command *cmd = &commands[c];
		if (strcmp(argv[i], cmd->name))
			continue;
		for (int k = i + 1; k < argc; k++) {
			if (!strcmp(argv[k], "--"))
				break;
			if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
				fputs(cmd->usage, stdout);
				return flush_stdout();
			}
		}
		ret = cmd->fn(argc - i, argv + i);
		if (flush_stdout())
			return EXIT_RUNTIME;
		return ret;
	}
	error("unknown command '%s'", argv[i]);
	hint("Run 'drydock --help' for the list of commands.");
	return EXIT_USAGE;
}
