/*
 * pg: libpq done once.  Connecting (any conninfo; PG* variables and
 * ~/.pgpass work as in psql; the password is registered for redaction and
 * never printed), catalog introspection into a struct catalog, and COPY
 * out streamed row by row.
 */
#ifndef DD_PG_H
#define DD_PG_H

#include <libpq-fe.h>
#include "stage.h"

/*
 * Connects and sets the session up for exact text values (UTF8, ISO
 * dates, UTC, shortest-exact floats, hex bytea).  what names the
 * connection in messages ("source 'app'").  On failure reports and returns
 * NULL.
 */
PGconn *pg_connect(const char *conninfo, const char *what);

/*
 * A connection given the way psql takes one.  conninfo is a libpq
 * connection string, a URI or a bare database name ("app"); NULL or ""
 * leaves everything to the PG* variables, ~/.pgpass and pg_service.conf.
 * host, port, user (-h -p -U) fill what conninfo does not say, as in psql.
 */
enum pg_password_prompt {
	PG_PROMPT_WHEN_ASKED = 0, /* on a terminal, when the server asks (default) */
	PG_PROMPT_NEVER,          /* -w: never prompt */
	PG_PROMPT_ALWAYS,         /* -W: prompt before connecting */
};
struct pg_conn_opts {
	const char *conninfo;          /* connection string, URI, database name or NULL */
	const char *host, *port, *user; /* -h -p -U, or NULL */
	enum pg_password_prompt prompt; /* when to ask for a password */
};
/*
 * Connects as pg_connect() does.  A password is asked for on the terminal
 * (without echo, read from standard input when it is a terminal) when the
 * server asks for one and none was given; it is registered for redaction
 * and never printed.  Without a terminal the server's error is reported
 * with a hint on how to give the password.
 */
PGconn *pg_connect_opts(const struct pg_conn_opts *o, const char *what);
/* The statements pg_connect() sends first, on every connection. */
extern const char pg_session_setup[];
/*
 * Adds s to a text[] literal being built in sb (which the caller opens
 * with '{' and closes with '}'): a comma after an element, s quoted.
 */
void pg_text_array_add(struct strbuf *sb, const char *s);
/* "host=/tmp port=5432 dbname=app user=me": who we talk to, no secrets. */
char *pg_identity(PGconn *conn);
/* Runs a command that returns no rows; reports failure. */
int pg_exec(PGconn *conn, const char *sql, const char *what);
/* Reports the connection's last error under message what. */
/*
 * Reports the error of a failed statement (r may be NULL: the connection's
 * last error) with its detail and, by SQLSTATE, a hint.  Returns -1.
 */
int pg_result_error(PGconn *conn, const PGresult *r, const char *what);
int pg_error(PGconn *conn, const char *what);

/*
 * Reads the catalog of table schema.name into t (columns, types, keys,
 * constraints, indexes, partition ancestors) and adds the enums its
 * columns use to cat.  Returns 0; PG_REFUSED when the table cannot be
 * snapshotted (missing, not a table, ...), its reason
 * reported with error(), detail() and hint(), the connection still usable
 * for the next table; or -1 on a database failure.
 */
#define PG_REFUSED 1
int pg_describe_table(PGconn *conn, struct catalog *cat, const char *source,
		      const char *schema, const char *name,
		      struct table_meta *t);

/*
 * Adds to cat every sequence the columns of source's tables (already
 * described) take values from: named in a default (nextval('...')), behind
 * an identity column, or OWNED BY a column; with its current state, read
 * inside the snapshot's transaction.  0 or -1.
 */
/*
 * Records in source's source_meta.domains (JSON, see stage.h) every domain
 * the columns of its tables (already described) use: its base type (the
 * first type under the chain of domains), NOT NULL anywhere in the chain,
 * and the CHECK constraints of the whole chain as pg_get_constraintdef()
 * prints them.  No query when no column is of a domain type (a fresh
 * backend's 4-5 ms).  0 or -1.
 */
int pg_describe_domains(PGconn *conn, struct catalog *cat, const char *source,
			const char *schema);
int pg_describe_sequences(PGconn *conn, struct catalog *cat, const char *source,
			  const char *schema);

/*
 * Splits one line of COPY text format (without the final newline) into
 * n fields, unescaping in place.  Returns the number of fields found.
 * Exposed for unit tests.
 */
int pg_copy_split(char *line, size_t len, char **vals, size_t *lens, int max);

#endif
