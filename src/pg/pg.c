#define _GNU_SOURCE
#include "pg.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* libpq messages end in newlines and may span lines; keep them on one. */
static char *flatten(const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	int space = 0;
	for (const char *p = msg ? msg : ""; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
			space = 1;
			continue;
		}
		if (space && sb.len)
			sb_addch(&sb, ' ');
		space = 0;
		sb_addch(&sb, *p);
	}
	return sb_detach(&sb, NULL);
}

int pg_error(PGconn *conn, const char *what)
{
	char *m = flatten(PQerrorMessage(conn));
	error("%s", what);
	detail("PostgreSQL says: %s", m);
	free(m);
	return -1;
}

/*
 * A failed statement's error: PostgreSQL's primary message and detail,
 * each on one line, and a hint for the SQLSTATEs a push or rollback meets
 * (privileges, lock and statement timeouts, constraint violations,
 * deadlocks, a schema that moved).
 */
int pg_result_error(PGconn *conn, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char *msg = flatten(r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				 ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				 : PQerrorMessage(conn));
	const char *det = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;

	error("%s", what);
	detail("PostgreSQL says: %s%s", msg, state ? "" : ".");
	if (det) {
		char *d = flatten(det);
		detail("%s", d);
		free(d);
	}
	if (!state)
		;
	else if (!strcmp(state, "42501"))
		hint("The target's user lacks a privilege this needs: it writes the migrated tables and "
		     "the ledger in schema drydock (docs/push.md, \"Privileges\").");
	else if (!strcmp(state, "55P03"))
		hint("Another session holds a lock drydock waited for longer than lock_timeout; "
		     "try again later or raise --lock-timeout.");
	else if (!strcmp(state, "57014"))
		hint("A statement ran longer than statement_timeout; raise --statement-timeout, "
		     "or push in batches (--batch-size).");
	else if (!strcmp(state, "23514") && strstr(msg, "no partition of relation"))
		hint("A row the change set writes fits no partition of the table: change the step, "
		     "or create the partition in the target first (a target_sql schema change).");
	else if (!strcmp(state, "23505") || !strcmp(state, "23503"))
		hint("The target holds rows the snapshot did not see, or constraints the change set "
		     "does not satisfy there (docs/push.md, \"Statement order\").");
	else if (!strcmp(state, "40P01"))
		hint("A concurrent transaction deadlocked with drydock; try again.");
	else if (!strcmp(state, "42P01") || !strcmp(state, "42703"))
		hint("The target's tables differ from the snapshot's: snapshot it again.");
	free(msg);
	return -1;
}

static void redact_conninfo(const char *conninfo)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);
	PQfreemem(errmsg);
	if (opts) {
		for (PQconninfoOption *o = opts; o->keyword; o++)
			if (o->val && !strcmp(o->keyword, "password"))
				redact_register(o->val);
		PQconninfoFree(opts);
	}
	redact_register(getenv("PGPASSWORD"));
}

/*
 * Every connection's settings.  synchronize_seqscans off (as pg_dump
 * sets it): a table larger than a quarter of shared_buffers would
 * otherwise be read from wherever another scan of it left off, wrapping
 * around, and a snapshot writes rows arriving in key order as pages
 * (docs/snapshot.md, "Writing the pages").
 */
const char pg_session_setup[] =
	"SET synchronize_seqscans = off;"
	"SET client_encoding = 'UTF8';"
	"SET DateStyle = 'ISO, YMD';"
	"SET IntervalStyle = 'postgres';"
	"SET TimeZone = 'UTC';"
	"SET extra_float_digits = 1;"
	"SET bytea_output = 'hex';"
	"SET application_name = 'drydock';";

/*
 * Reads a password from the terminal on standard input with echo off, as
 * psql's simple_prompt does.  NULL when standard input is no terminal or
 * nothing was read.
 */
static char *prompt_password(const char *user)
{
	struct termios saved, quiet;
	char line[1024];
	int ok;

	if (!stdin_is_tty() || tcgetattr(STDIN_FILENO, &saved))
		return NULL;
	quiet = saved;
	quiet.c_lflag &= (tcflag_t)~ECHO;
	quiet.c_lflag |= ECHONL;
	fprintf(stderr, "Password for user %s: ", user && *user ? user : "(default)");
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	ok = fgets(line, sizeof(line), stdin) != NULL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (!ok)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	{
		char *pw = xstrdup(line);
		explicit_bzero(line, sizeof(line));
		redact_register(pw);
		return pw;
	}
}

static void forget_password(char *pw)
{
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

PGconn *pg_connect_opts(const struct pg_conn_opts *o, const char *what)
{
	/* psql's order: the expanded dbname overrides -h -p -U given earlier */
	const char *keys[] = { "host", "port", "user", "password", "dbname",
			       "fallback_application_name", NULL };
	const char *vals[7];
	const char *setup = pg_session_setup;
	char *password = NULL;
	PGconn *conn = NULL;

	if (o->conninfo)
		redact_conninfo(o->conninfo);
	else
		redact_register(getenv("PGPASSWORD"));
	for (;;) {
		vals[0] = o->host;
		vals[1] = o->port;
		vals[2] = o->user;
		vals[3] = password;
		vals[4] = o->conninfo && *o->conninfo ? o->conninfo : NULL;
		vals[5] = "drydock";
		vals[6] = NULL;
		if (o->prompt == PG_PROMPT_ALWAYS && !password) {
			password = prompt_password(o->user ? o->user : getenv("PGUSER"));
			if (!password) {
				error("cannot connect to %s: -W needs a terminal to ask for the password on", what);
				hint("Set PGPASSWORD or use ~/.pgpass when there is no terminal.");
				return NULL;
			}
			continue;
		}
		conn = PQconnectdbParams(keys, vals, 1);
		if (!conn)
			die("out of memory");
		if (PQstatus(conn) == CONNECTION_OK)
			break;
		if (PQconnectionNeedsPassword(conn) && !password &&
		    o->prompt != PG_PROMPT_NEVER && stdin_is_tty()) {
			char *user = xstrdup(PQuser(conn) ? PQuser(conn) : "");
			PQfinish(conn);
			conn = NULL;
			password = prompt_password(user);
			free(user);
			if (password)
				continue;
		}
		{
			char *m = flatten(conn ? PQerrorMessage(conn) : "no password given");
			int needs = conn && PQconnectionNeedsPassword(conn);
			error("cannot connect to %s", what);
			detail("PostgreSQL says: %s", m);
			if (password && strstr(m, "authentication failed"))
				hint("The password typed was refused.");
			else if (needs)
				hint("The server asks for a password: set PGPASSWORD, add it to ~/.pgpass, "
				     "or run on a terminal to be asked for it.");
			else
				hint("Check the connection string, that the server is running, and the "
				     "credentials (PGPASSWORD or ~/.pgpass).");
			free(m);
		}
		if (conn)
			PQfinish(conn);
		forget_password(password);
		return NULL;
	}
	forget_password(password);
	if (pg_exec(conn, setup, "cannot set up the session")) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

PGconn *pg_connect(const char *conninfo, const char *what)
{
	struct pg_conn_opts o = { conninfo, NULL, NULL, NULL, PG_PROMPT_WHEN_ASKED };
	return pg_connect_opts(&o, what);
}

void pg_text_array_add(struct strbuf *sb, const char *s)
{
	sb_adds(sb, sb->len && sb->buf[sb->len - 1] != '{' ? ",\"" : "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addch(sb, '\\');
		sb_addch(sb, *s);
	}
	sb_addch(sb, '"');
}

char *pg_identity(PGconn *conn)
{
	return xasprintf("host=%s port=%s dbname=%s user=%s",
			 PQhost(conn) ? PQhost(conn) : "",
			 PQport(conn) ? PQport(conn) : "",
			 PQdb(conn) ? PQdb(conn) : "",
			 PQuser(conn) ? PQuser(conn) : "");
}

int pg_exec(PGconn *conn, const char *sql, const char *what)
{
	PGresult *r = PQexec(conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
		 PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	if (!ok)
		return pg_error(conn, what);
	return 0;
}

/* ------------------------------------------------------------ introspection */

static char *val_dup(PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return xstrdup(PQgetvalue(r, row, col));
}

static PGresult *query(PGconn *conn, const char *sql, int nparams,
		       const char *const *params, const char *what)
{
	PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		pg_error(conn, what);
		return NULL;
	}
	return r;
}

static int add_enum(PGconn *conn, struct catalog *cat, const char *source,
		    const char *oid, const char *name)
{
	const char *params[1] = { oid };
	PGresult *r;
	struct enum_meta *e;
	if (catalog_find_enum(cat, source, name))
		return 0;
	r = query(conn, "SELECT enumlabel FROM pg_enum WHERE enumtypid = $1::oid "
			"ORDER BY enumsortorder",
		  1, params, "cannot read enum labels");
	if (!r)
		return -1;
	e = catalog_add_enum(cat);
	e->source = xstrdup(source);
	e->name = xstrdup(name);
	e->nlabels = PQntuples(r);
	e->labels = xcalloc((size_t)e->nlabels + 1, sizeof(char *));
	for (int i = 0; i < e->nlabels; i++)
		e->labels[i] = xstrdup(PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

/*
 * A partitioned table's rows must each fit one of its leaf partitions.
 * PostgreSQL prints each leaf's implied constraint (its bounds and its
 * ancestors', pg_get_partition_constraintdef); a row fits the table when
 * it satisfies one of them.  That is recorded as a CHECK constraint named
 * TABLE_partition_bounds, so the offline checks judge every row the
 * change set writes by it, as they judge the table's own CHECKs.  A leaf
 * without a constraint (a lone default partition) takes every row: then
 * there is nothing to check.
 */
static int add_partition_bounds(PGconn *conn, const char *oid, struct table_meta *t)
{
	const char *params[1] = { oid };
	struct constraint_meta *c;
	PGresult *r = query(conn,
		"SELECT bool_or(pg_get_partition_constraintdef(pt.relid) IS NULL), "
		"  coalesce(string_agg('(' || pg_get_partition_constraintdef(pt.relid) || ')', "
		"    ' OR ' ORDER BY pt.relid::regclass::text), 'false') "
		"FROM pg_partition_tree($1::oid) pt WHERE pt.isleaf",
		1, params, "cannot read the partition bounds");
	if (!r)
		return -1;
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		c = table_add_constraint(t);
		c->name = xasprintf("%s_partition_bounds", t->name);
		c->kind = 'c';
		c->columns = xcalloc((size_t)t->ncols + 1, sizeof(char *));
		for (int i = 0; i < t->ncols; i++)
			c->columns[c->ncolumns++] = xstrdup(t->cols[i].name);
		c->definition = xasprintf("CHECK (%s)", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return 0;
}

int pg_describe_table(PGconn *conn, struct catalog *cat, const char *source,
		      const char *schema, const char *name,
		      struct table_meta *t)
{
	const char *params[2] = { schema, name };
	char oid[32];
	PGresult *r = NULL;
	int ret = -1;

	/*
	 * A partitioned parent's reltuples is -1 or 0: its estimate is the sum
	 * over its partitions.  Ancestors (pg_partition_ancestors) let the
	 * snapshot refuse a plan that lists a partition and its parent.
	 */
	r = query(conn,
		  "SELECT c.oid, c.relkind, CASE WHEN c.relkind = 'p' THEN "
		  "  (SELECT coalesce(sum(greatest(pc.reltuples, 0)), 0)::bigint "
		  "   FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid "
		  "   WHERE pt.isleaf) ELSE greatest(c.reltuples, 0)::bigint END, "
		  "  array_to_json(ARRAY(SELECT format('%s.%s', an.nspname, ac.relname) "
		  "    FROM pg_partition_ancestors(c.oid) pa JOIN pg_class ac ON ac.oid = pa.relid "
		  "    JOIN pg_namespace an ON an.oid = ac.relnamespace "
		  "    WHERE pa.relid <> c.oid))::text "
		  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
		  "WHERE n.nspname = $1 AND c.relname = $2",
		  2, params, "cannot read the catalog");
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		error("table '%s.%s' does not exist in source '%s'", schema, name,
		      source);
		hint("Check the table names under sources.%s.tables in plan.json (names are case-sensitive).",
		     source);
		ret = PG_REFUSED;
		goto cleanup;
	}
	snprintf(oid, sizeof(oid), "%s", PQgetvalue(r, 0, 0));
	if (strchr("rp", PQgetvalue(r, 0, 1)[0]) == NULL) {
		error("'%s.%s' in source '%s' is not a table", schema, name, source);
		detail("Only ordinary and partitioned tables can be snapshotted.");
		hint("Leave it out of sources.%s.tables in plan.json, or list the tables it reads.",
		     source);
		ret = PG_REFUSED;
		goto cleanup;
	}
	t->partitioned = PQgetvalue(r, 0, 1)[0] == 'p';
	t->est_rows = atoll(PQgetvalue(r, 0, 2));
	strv_from_json(PQgetvalue(r, 0, 3), &t->ancestors, &t->nancestors);
	PQclear(r);

	params[0] = oid;
	r = query(conn,
		  "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
		  "  pg_get_expr(d.adbin, d.adrelid), nullif(a.attidentity, ''), "
		  "  pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname), "
		  "  CASE WHEN t.typtype = 'e' THEN t.oid WHEN et.typtype = 'e' THEN et.oid END, "
		  "  CASE WHEN t.typtype = 'e' THEN format_type(t.oid, NULL) "
		  "       WHEN et.typtype = 'e' THEN format_type(et.oid, NULL) END, "
		  "  a.attgenerated, t.typtype = 'd' "
		  "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
		  "JOIN pg_namespace n ON n.oid = c.relnamespace "
		  "JOIN pg_type t ON t.oid = a.atttypid "
		  "LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
		  "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
		  "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
		  "ORDER BY a.attnum",
		  1, params, "cannot read the columns");
	if (!r)
		goto cleanup;
	t->ncols = PQntuples(r);
	t->cols = xcalloc((size_t)t->ncols, sizeof(*t->cols));
	for (int i = 0; i < t->ncols; i++) {
		struct column_meta *c = &t->cols[i];
		c->name = val_dup(r, i, 0);
		c->pg_type = val_dup(r, i, 1);
		c->not_null = PQgetvalue(r, i, 2)[0] == 't';
		c->default_expr = val_dup(r, i, 3);
		c->identity = val_dup(r, i, 4);
		c->sequence = val_dup(r, i, 5);
		/* a stored generated column's expression is its pg_attrdef entry */
		if (PQgetvalue(r, i, 8)[0] == 's') {
			c->generated = c->default_expr;
			c->default_expr = NULL;
		}
		t->ndomain_cols += PQgetvalue(r, i, 9)[0] == 't';
		if (!PQgetisnull(r, i, 6)) {
			c->is_enum = 1;
			c->enum_type = val_dup(r, i, 7);
			if (add_enum(conn, cat, source, PQgetvalue(r, i, 6),
				     c->enum_type))
				goto cleanup;
		}
	}
	PQclear(r);
	table_parse_types(t);

	r = query(conn,
		  "SELECT con.conname, con.contype, "
		  "  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) "
		  "    WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid "
		  "    AND a.attnum = k.n ORDER BY k.o))::text, "
		  "  fn.nspname, fc.relname, "
		  "  array_to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) "
		  "    WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid "
		  "    AND a.attnum = k.n ORDER BY k.o))::text, "
		  "  con.confupdtype, con.confdeltype, pg_get_constraintdef(con.oid) "
		  "FROM pg_constraint con "
		  "LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
		  "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
		  "WHERE con.conrelid = $1::oid ORDER BY con.conname",
		  1, params, "cannot read the constraints");
	if (!r)
		goto cleanup;
	t->ncons = PQntuples(r);
	t->cons = xcalloc((size_t)t->ncons + 1, sizeof(*t->cons));
	for (int i = 0; i < t->ncons; i++) {
		struct constraint_meta *c = &t->cons[i];
		c->name = val_dup(r, i, 0);
		c->kind = PQgetvalue(r, i, 1)[0];
		strv_from_json(PQgetvalue(r, i, 2), &c->columns, &c->ncolumns);
		if (c->kind == 'f') {
			c->ref_schema = val_dup(r, i, 3);
			c->ref_table = val_dup(r, i, 4);
			strv_from_json(PQgetvalue(r, i, 5), &c->ref_columns,
				  &c->nref_columns);
			c->on_update = PQgetvalue(r, i, 6)[0];
			c->on_delete = PQgetvalue(r, i, 7)[0];
		}
		c->definition = val_dup(r, i, 8);
		if (c->kind == 'p') {
			t->pk = xcalloc((size_t)c->ncolumns + 1, sizeof(int));
			for (int k = 0; k < c->ncolumns; k++)
				t->pk[t->npk++] = table_column_index(t, c->columns[k]);
		}
	}
	PQclear(r);
	r = NULL;
	/* no primary key: read-only unless the plan names a key (snapshot.c) */
	if (t->partitioned && add_partition_bounds(conn, oid, t))
		goto cleanup;

	r = query(conn,
		  "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
		  "JOIN pg_class ic ON ic.oid = i.indexrelid "
		  "WHERE i.indrelid = $1::oid ORDER BY ic.relname",
		  1, params, "cannot read the indexes");
	if (!r)
		goto cleanup;
	t->nidx = PQntuples(r);
	t->idx = xcalloc((size_t)t->nidx + 1, sizeof(*t->idx));
	for (int i = 0; i < t->nidx; i++) {
		t->idx[i].name = val_dup(r, i, 0);
		t->idx[i].definition = val_dup(r, i, 1);
	}
	ret = 0;
cleanup:
	PQclear(r);
	return ret;
}

int pg_describe_domains(PGconn *conn, struct catalog *cat, const char *source,
			const char *schema)
{
	struct source_meta *sm = catalog_find_source(cat, source);
	struct strbuf names = STRBUF_INIT;
	const char *params[2];
	PGresult *r;
	int n = 0, domain_cols = 0;

	if (!sm)
		return error("source '%s' is not in the catalog", source);
	for (int i = 0; i < cat->ntables; i++)
		if (!strcmp(cat->tables[i].source, source))
			domain_cols += cat->tables[i].ndomain_cols;
	if (!domain_cols) { /* the query's answer is known */
		free(sm->domains);
		sm->domains = xstrdup("[]");
		return 0;
	}
	sb_addch(&names, '[');
	for (int i = 0; i < cat->ntables; i++) {
		if (strcmp(cat->tables[i].source, source))
			continue;
		if (n++)
			sb_addch(&names, ',');
		sb_add_json_string(&names, cat->tables[i].name, strlen(cat->tables[i].name));
	}
	sb_addch(&names, ']');
	params[0] = schema;
	params[1] = names.buf;
	r = query(conn,
		  "WITH RECURSIVE used AS ("
		  "  SELECT DISTINCT a.atttypid AS top FROM pg_attribute a "
		  "  JOIN pg_class c ON c.oid = a.attrelid "
		  "  JOIN pg_namespace n ON n.oid = c.relnamespace "
		  "  JOIN pg_type t ON t.oid = a.atttypid "
		  "  WHERE n.nspname = $1 AND c.relname IN (SELECT json_array_elements_text($2::json)) "
		  "    AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'd'), "
		  "chain(top, oid, depth) AS ("
		  "  SELECT top, top, 0 FROM used "
		  "  UNION ALL SELECT ch.top, t.typbasetype, ch.depth + 1 FROM chain ch "
		  "  JOIN pg_type t ON t.oid = ch.oid WHERE t.typtype = 'd') "
		  "SELECT coalesce(json_agg(d ORDER BY d.name), '[]')::text FROM ("
		  "  SELECT format_type(u.top, NULL) AS name, "
		  "    (SELECT format_type(t.typbasetype, t.typtypmod) FROM chain ch "
		  "     JOIN pg_type t ON t.oid = ch.oid WHERE ch.top = u.top AND t.typtype = 'd' "
		  "     ORDER BY ch.depth DESC LIMIT 1) AS base, "
		  "    (SELECT bool_or(t.typnotnull) FROM chain ch JOIN pg_type t ON t.oid = ch.oid "
		  "     WHERE ch.top = u.top AND t.typtype = 'd') AS not_null, "
		  "    (SELECT pg_get_expr(t.typdefaultbin, 0) FROM pg_type t WHERE t.oid = u.top) AS \"default\", "
		  "    (SELECT coalesce(json_agg(json_build_object('name', con.conname, "
		  "       'definition', pg_get_constraintdef(con.oid)) ORDER BY ch.depth DESC, con.conname), '[]') "
		  "     FROM chain ch JOIN pg_constraint con ON con.contypid = ch.oid "
		  "     WHERE ch.top = u.top AND con.contype = 'c') AS checks "
		  "  FROM used u) d",
		  2, params, "cannot read the domains");
	sb_release(&names);
	if (!r)
		return -1;
	free(sm->domains);
	sm->domains = val_dup(r, 0, 0);
	PQclear(r);
	return 0;
}

int pg_describe_sequences(PGconn *conn, struct catalog *cat, const char *source,
			  const char *schema)
{
	struct strbuf names = STRBUF_INIT;
	const char *params[2];
	PGresult *r = NULL;
	int ret = -1;

	/* the tables as a JSON array of names, one parameter */
	sb_addch(&names, '[');
	for (int i = 0; i < cat->ntables; i++) {
		if (strcmp(cat->tables[i].source, source))
			continue;
		if (names.len > 1)
			sb_addch(&names, ',');
		sb_add_json_string(&names, cat->tables[i].name, strlen(cat->tables[i].name));
	}
	sb_addch(&names, ']');
	params[0] = schema;
	params[1] = names.buf;
	/*
	 * A default's nextval('x'::regclass) depends on the sequence (pg_depend
	 * from pg_attrdef); serial and OWNED BY sequences depend on their
	 * column ('a'), identity sequences too ('i').
	 */
	r = query(conn,
		  "WITH t AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
		  "  WHERE n.nspname = $1 AND c.relname IN (SELECT json_array_elements_text($2::json))), "
		  "s AS (SELECT d.refobjid AS oid FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid "
		  "    WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass "
		  "    AND ad.adrelid IN (SELECT oid FROM t) "
		  "  UNION SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
		  "    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
		  "    AND d.refobjid IN (SELECT oid FROM t)) "
		  "SELECT n.nspname, c.relname, q.seqincrement, q.seqmin, q.seqmax, q.seqstart, q.seqcycle "
		  "FROM s JOIN pg_class c ON c.oid = s.oid AND c.relkind = 'S' "
		  "JOIN pg_namespace n ON n.oid = c.relnamespace "
		  "JOIN pg_sequence q ON q.seqrelid = c.oid ORDER BY 1, 2",
		  2, params, "cannot read the sequences");
	if (!r)
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		struct strbuf sql = STRBUF_INIT;
		PGresult *v;
		struct sequence_meta *q = catalog_add_sequence(cat);
		q->source = xstrdup(source);
		q->schema = val_dup(r, i, 0);
		q->name = val_dup(r, i, 1);
		q->increment = atoll(PQgetvalue(r, i, 2));
		q->min_value = atoll(PQgetvalue(r, i, 3));
		q->max_value = atoll(PQgetvalue(r, i, 4));
		q->start_value = atoll(PQgetvalue(r, i, 5));
		q->cycle = PQgetvalue(r, i, 6)[0] == 't';
		/* pg_sequences hides the value without privileges: read the relation */
		sb_adds(&sql, "SELECT last_value, is_called FROM ");
		sb_add_ident(&sql, q->schema);
		sb_addch(&sql, '.');
		sb_add_ident(&sql, q->name);
		v = PQexec(conn, sql.buf);
		sb_release(&sql);
		if (PQresultStatus(v) != PGRES_TUPLES_OK || PQntuples(v) != 1) {
			PQclear(v);
			pg_error(conn, "cannot read a sequence");
			detail("Sequence '%s.%s' gives the default of a column of source '%s'.",
			       q->schema, q->name, source);
			hint("Grant SELECT on the sequence to the snapshot's user.");
			goto cleanup;
		}
		q->last_value = atoll(PQgetvalue(v, 0, 0));
		q->is_called = PQgetvalue(v, 0, 1)[0] == 't';
		PQclear(v);
	}
	ret = 0;
cleanup:
	PQclear(r);
	sb_release(&names);
	return ret;
}

/* -------------------------------------------------------------------- COPY */

int pg_copy_split(char *line, size_t len, char **vals, size_t *lens, int max)
{
	char *p = line, *end = line + len;
	int n = 0;
	for (;;) {
		char *start = p, *w = p;
		/* fast path: the field ends at the next tab (memchr is
		 * vectorised) and holds no backslash */
		char *tab = memchr(p, '\t', (size_t)(end - p));
		char *fend = tab ? tab : end;
		char *bs = memchr(p, '\\', (size_t)(fend - p));
		p = bs ? bs : fend;
		w = p;
		if (p < end && *p == '\\') {
			if (p + 1 < end && p[1] == 'N' && p == start &&
			    (p + 2 == end || p[2] == '\t')) {
				p += 2;
				if (n < max) {
					vals[n] = NULL;
					lens[n] = 0;
				}
				n++;
				if (p >= end)
					break;
				p++;
				continue;
			}
			while (p < end && *p != '\t') {
				if (*p != '\\' || p + 1 >= end) {
					*w++ = *p++;
					continue;
				}
				p++;
				switch (*p) {
				case 'b': *w++ = '\b'; p++; break;
				case 'f': *w++ = '\f'; p++; break;
				case 'n': *w++ = '\n'; p++; break;
				case 'r': *w++ = '\r'; p++; break;
				case 't': *w++ = '\t'; p++; break;
				case 'v': *w++ = '\v'; p++; break;
				case 'x': {
					int v = 0, k = 0;
					p++;
					while (k < 2 && p < end && hex_digit(*p) >= 0) {
						v = v * 16 + hex_digit(*p++);
						k++;
					}
					*w++ = (char)v;
					break;
				}
				default:
					if (*p >= '0' && *p <= '7') {
						int v = 0, k = 0;
						while (k < 3 && p < end && *p >= '0' && *p <= '7') {
							v = v * 8 + (*p++ - '0');
							k++;
						}
						*w++ = (char)v;
					} else {
						*w++ = *p++;
					}
				}
			}
		}
		if (n < max) {
			vals[n] = start;
			lens[n] = (size_t)(w - start);
		}
		n++;
		if (p >= end) {
			if (w < end)
				*w = '\0';
			break;
		}
		*w = '\0'; /* the tab, or the gap left by unescaping */
		p++;
	}
	return n;
}
