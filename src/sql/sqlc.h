/*
 * sqlc: PostgreSQL SQL compiled onto the staging file (docs/sql-compiler.md).
 *
 * A file of PostgreSQL statements (a step, a check, a fix, an invariant, a
 * gate's where clause) is parsed with libpg_query, every name and type is
 * resolved against an environment (the working catalog, scratch tables
 * made by earlier statements and steps, other sources as SOURCE.TABLE, the
 * batch table dd_batch(key)), and each statement becomes one SQLite
 * statement whose functions, operators, casts, collations and assignments
 * have PostgreSQL's semantics (src/sql/pgfn.h).  Whatever cannot be run
 * exactly is refused at compile time with the construct, file, line and
 * column: a run compiles everything before it runs anything.
 *
 * Scratch tables: CREATE TABLE / CREATE TABLE AS in a step make a table
 * under its own name; the compiled SQL also records its columns with their
 * PostgreSQL types in dd_scratch_column (schema/stage.sql), which
 * sqlc_env_new reads back, so later steps and runs compile against it.
 * DROP TABLE of a scratch table removes both.
 *
 * Runtime functions the compiled SQL calls besides the pgfn modules':
 * pg_sqlc_raise(msg) and the enum collations (sqlc_setup registers them),
 * pg_nextval('seq') for nextval() and serial/identity defaults (the run
 * engine registers it, with the sequences' state recorded at snapshot).
 *
 * docs/sql-compiler.md is the language reference: what resolves how, what
 * is refused and why.
 */
#ifndef DD_SQLC_H
#define DD_SQLC_H

#include <sqlite3.h>
#include "pgfn.h"
#include "stage.h"

enum sqlc_context {
	SQLC_STEP,       /* any supported statements; scratch tables may be made */
	SQLC_FIX,        /* like a step (a check's fix) */
	SQLC_CHECK,      /* one SELECT; each row it returns is a failure */
	SQLC_INVARIANT,  /* one SELECT returning one value, compared before/after */
	SQLC_WHERE,      /* a boolean expression over one table's columns */
};

/* What names resolve against; accumulates scratch tables as it compiles. */
struct sqlc_env;

/*
 * A new environment over the working catalog cat (not copied: it must
 * outlive the environment).  db is the staging file, used to read the
 * column types of scratch tables that earlier runs recorded.
 */
struct sqlc_env *sqlc_env_new(const struct catalog *cat, sqlite3 *db);
void sqlc_env_free(struct sqlc_env *env);
/* Makes dd_batch(key) visible with the given key column's type (or hides it: NULL). */
void sqlc_env_set_batch(struct sqlc_env *env, const struct pgtype *key_type);
/* For SQLC_WHERE: the table whose columns the expression may name
 * (source NULL: the target). */
void sqlc_env_set_table(struct sqlc_env *env, const char *source, const char *table);
/*
 * The runtime modules to resolve against (NULL-terminated); default
 * pgfn_modules.  For tests.
 */
void sqlc_env_set_modules(struct sqlc_env *env, const struct pgfn_module *const *mods);

/* The last compile error, also printed by error(). */
struct sqlc_error {
	char *message;     /* PostgreSQL-style, without position */
	char *hint;        /* or NULL */
	int line, col;     /* 1-based position in the file */
};
const struct sqlc_error *sqlc_env_error(const struct sqlc_env *env);

struct sqlc_stmt {
	char *sqlite_sql;  /* what SQLite runs: one statement, or several
			      separated by ';' (TRUNCATE of many tables,
			      CREATE TABLE and its dd_scratch_column rows);
			      for SQLC_WHERE, a boolean SQLite expression
			      over the table's columns, unqualified */
	char *pg_sql;      /* the statement as written */
	int line, col;     /* where it starts in the file, 1-based */
};

struct sqlc_program {
	char *file;        /* as given, for messages */
	struct sqlc_stmt *stmts;
	int nstmts;
};

/*
 * Compiles text (the contents of file) in context ctx.  0, or -1 after
 * error() "FILE:LINE:COL: MESSAGE" with detail and hint lines (nothing is
 * run).  On success the program's statements are SQLite SQL ready for
 * sqlc_exec, and env knows the scratch tables they create.
 */
int sqlc_compile(struct sqlc_env *env, const char *file, const char *text,
		 enum sqlc_context ctx, struct sqlc_program *out);
void sqlc_program_free(struct sqlc_program *p);

/*
 * Registers on db everything compiled SQL needs: the pgfn modules'
 * functions and collations, and per-catalog ones (enum orders and
 * labels).  0 or -1.
 */
int sqlc_setup(sqlite3 *db, const struct catalog *cat);

/*
 * Runs every statement of p on db (inside the caller's transaction).  0,
 * or -1 after error() "FILE:LINE: MESSAGE" (PostgreSQL's message) with
 * the statement as detail.
 */
int sqlc_exec(sqlite3 *db, const struct sqlc_program *p);

#endif
