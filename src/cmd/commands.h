/*
 * commands: one src/cmd/cmd_<name>.c per command, dispatched from the table in
 * main.c.  Each returns an exit code (util.h).
 */
#ifndef DD_COMMANDS_H
#define DD_COMMANDS_H

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line for `drydock --help` */
	const char *usage;   /* full text for `drydock NAME --help` */
};

int cmd_snapshot(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_fixture(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_changes(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_history(int argc, char **argv);

extern const char usage_snapshot[], usage_status[], usage_fixture[],
	usage_run[], usage_log[], usage_changes[], usage_check[], usage_report[],
	usage_diff[], usage_approve[], usage_plan[], usage_push[], usage_rollback[],
	usage_history[];

/* Prints "usage error" the house way and returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Overwrites a password inside a connection string in argv so it does not
 * show in the process list.  The caller copies the argument first.
 */
void scrub_conninfo_arg(char *arg);

#endif
