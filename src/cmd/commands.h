/*
 * commands: one src/cmd/cmd_<name>.c per command, dispatched from the table in
 * main.c.  Each returns an exit code (util.h).
 */
#ifndef DD_COMMANDS_H
#define DD_COMMANDS_H

#include <getopt.h>
#include <sqlite3.h>

#include "pg.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line for `drydock --help` */
	const char *usage;   /* full text for `drydock NAME --help` */
	int connects;        /* takes -h HOST: -h is help only alone */
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
int cmd_init(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_validate(int argc, char **argv);

extern const char usage_snapshot[], usage_status[], usage_fixture[],
	usage_run[], usage_log[], usage_changes[], usage_check[], usage_report[],
	usage_diff[], usage_approve[], usage_plan[], usage_push[], usage_rollback[],
	usage_history[], usage_init[], usage_drift[], usage_validate[];

/*
 * Options several commands share, parsed in one place (shared_option):
 * the connection the psql way (--target/--source CONNINFO or a bare
 * database name, -h -p -U -d, -w -W) and the push settings push, rollback
 * and plan take.  A command lists the groups it takes in its option table
 * with CONN_OPTIONS / PUSH_OPTIONS and passes every option it does not
 * handle itself to shared_option().
 */
enum {
	OPT_TARGET = 1000, OPT_YES, OPT_LOCK_TIMEOUT, OPT_STATEMENT_TIMEOUT,
	OPT_BATCH_SIZE, OPT_DISABLE_TRIGGERS, OPT_CONFLICTS, OPT_PLAN, OPT_JSON,
	OPT_ALLOW_DRIFT, OPT_OTHER_DATABASE,
};
#define CONN_SHORTOPTS "h:p:U:d:wW"
#define CONN_OPTIONS \
	{ "host", required_argument, NULL, 'h' }, \
	{ "port", required_argument, NULL, 'p' }, \
	{ "username", required_argument, NULL, 'U' }, \
	{ "dbname", required_argument, NULL, 'd' }, \
	{ "no-password", no_argument, NULL, 'w' }, \
	{ "password", no_argument, NULL, 'W' }
#define TARGET_OPTIONS \
	{ "target", required_argument, NULL, OPT_TARGET }, CONN_OPTIONS
#define PUSH_OPTIONS \
	{ "batch-size", required_argument, NULL, OPT_BATCH_SIZE }, \
	{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT }, \
	{ "statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT }, \
	{ "disable-triggers", no_argument, NULL, OPT_DISABLE_TRIGGERS }, \
	{ "plan", required_argument, NULL, OPT_PLAN }

/* The --help lines of CONN_OPTIONS, after the line of --target or --source. */
#define CONN_HELP \
	"  -d, --dbname DB       the same: a database name, connection string or URI\n" \
	"  -h, --host HOST       server host or socket folder  (as in psql: these fill\n" \
	"  -p, --port PORT       server port                    what the connection\n" \
	"  -U, --username USER   user name                      string leaves out)\n" \
	"  -w, --no-password     never ask for a password\n" \
	"  -W, --password        ask for the password before connecting; by default it\n" \
	"                        is asked on a terminal when the server wants one.\n" \
	"                        With none of these, the PG* variables, ~/.pgpass and\n" \
	"                        pg_service.conf decide, as in psql.  A password is\n" \
	"                        never printed or written anywhere.\n"

struct shared_args {
	/* the connection */
	char *conninfo;            /* --target / -d value, copied before argv is scrubbed */
	int named;                 /* conninfo came from --target: may name a project target */
	const char *host, *port, *user; /* -h -p -U */
	enum pg_password_prompt prompt; /* -w / -W */
	/* push settings */
	int yes;                   /* --yes */
	long batch_size;           /* --batch-size, -1 when not given */
	const char *lock_timeout;  /* --lock-timeout, or NULL */
	const char *statement_timeout; /* --statement-timeout, or NULL */
	int disable_triggers;      /* --disable-triggers */
	const char *conflicts;     /* --conflicts FILE */
	const char *plan_dir;      /* --plan DIR */
	int json;                  /* --json */
	int allow_drift;           /* --allow-drift */
	int other_database;        /* --target-is-other-database */
};
#define SHARED_ARGS_INIT { .batch_size = -1 }

/*
 * Takes option c (getopt_long's value, argument arg) into a when it is a
 * shared one.  Returns 1 when taken, 0 when it is not a shared option, and
 * EXIT_USAGE (reported) when its value is wrong.
 */
int shared_option(const char *cmd, int c, const char *arg, struct shared_args *a);
/* Releases what shared_option() copied. */
void args_release(struct shared_args *a);
/*
 * Checks the shared options once parsing is done (durations, --yes without
 * a terminal when need_yes).  0 or EXIT_USAGE, reported.
 */
int check_push_args(const char *cmd, const struct shared_args *a, int need_yes);
/*
 * Connects to the connection a describes, through the project file
 * (below): what names it ("the target").
 */
PGconn *connect_args(const struct shared_args *a, const char *what);

/*
 * The project file (project.h; README, "Project file").  Which file:
 * --project FILE or --no-project (main, last one wins), else
 * DRYDOCK_NO_PROJECT (set and not empty: none), else DRYDOCK_PROJECT=FILE,
 * else drydock.json in the current folder or the nearest parent.  It is
 * read when a command first needs a default, so a broken file stops only
 * the commands that use it.  Precedence everywhere: the command line, then
 * the file, then the built-in defaults.
 */
struct project;
/* main's --project FILE (path) or --no-project (none); forgets a loaded file. */
void project_choose(const char *path, int none);
/* The project file in use: 0 with *p NULL when none; -1 when it is broken (reported). */
int project_current(const struct project **p);
/* Where the project file would come from, without reading it (NULL: none); for --help. */
char *project_locate(void);
/*
 * The connection string of a command: a --target value (a->named) that
 * names a target of the project file is that target's (an info line says
 * so); any other value is used as written (-d always is, as in psql); with
 * no connection option at all (no --target, -d, -h, -p, -U), the file's
 * "target".  *out is NULL when nothing is given (the PG* variables
 * decide), else allocated.  0 or -1 (the project file is broken).
 */
int resolve_conninfo(const struct shared_args *a, const char *what, char **out);
/*
 * A name given for a connection that libpq could not use: when the
 * project file has targets and value is not one of them, a hint naming
 * them (with "did you mean").
 */
void hint_target_names(const char *value);
/*
 * The staging file operand: the one argument left after the options, or
 * the project file's "stage" when none is left.  msg is the command's
 * usage error for a wrong count.  0, EXIT_USAGE or EXIT_RUNTIME (a broken
 * project file), reported.
 */
int stage_operand(const char *cmd, int argc, char **argv, const char *msg, const char **path);
/* The plan folder: given (--plan), else the project file's "plan", else NULL.  0 or -1. */
int plan_operand(const char *given, const char **path);

/*
 * getopt_long() returned '?' or ':' for argv: reports the option by name
 * (unknown, ambiguous, or missing its value), with the closest known
 * option as "did you mean", and returns EXIT_USAGE.  main() turns getopt's
 * own messages off.
 */
int option_error(const char *cmd, char **argv, const struct option *opts,
		     const char *shortopts);

/* "s" unless n is 1: "1 table", "2 tables". */
#define PLURAL(n) ((n) == 1 ? "" : "s")
/* "1 insert, 21 updates, 0 deletes" (one of four static buffers, in turn). */
const char *change_counts(long long inserts, long long updates, long long deletes);

/*
 * --json output, one shape for every command that has it (README, "JSON
 * output"): an object with "command", "ok" (a boolean: exit code 0),
 * "exit_code" and the command's own members, printed with two-space
 * indentation, real booleans and integers.  Messages stay on stderr.
 */
struct cJSON;
struct cJSON *json_result(const char *command, int exit_code);
void print_json(const struct cJSON *v);
/* The same for JSON text already printed (json_print_pretty). */
void print_json_text(const char *text);
/*
 * --json was given: from now on stdout carries the JSON alone and stderr
 * one JSON object a line (dd_json_messages: errors, warnings, details,
 * hints).  Text a command or a module would print on stdout (a conflict
 * listing, a table: what the JSON holds) is dropped; print_json() writes
 * to the real stdout.
 */
void json_stdout(void);

/*
 * The drift of the target (conn) from the snapshot in db, for the change
 * set ps would push (drift.h): the types it writes must exist, and the
 * objects its if_not_exists schema changes create are not drift.
 */
struct push_set;
struct drift;
int drift_of_push(PGconn *conn, sqlite3 *db, const struct push_set *ps, struct drift *d);

/* Prints "usage error" the house way and returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Overwrites a password inside a connection string in argv so it does not
 * show in the process list.  The caller copies the argument first.
 */
void scrub_conninfo_arg(char *arg);

#endif
