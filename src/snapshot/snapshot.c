/*
 * snapshot: the engine behind `drydock snapshot` (snapshot.h).  The file
 * is built as OUT.tmp and renamed only when complete, so a failed or
 * killed snapshot leaves nothing that looks valid.
 */
#define _GNU_SOURCE
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btbuild.h"
#include "copypipe.h"
#include "drift.h"
#include "fixture.h"
#include "mask.h"
#include "pg.h"
#include "stage.h"

struct binding {
	const char *name;     /* plan source name */
	const char *conninfo; /* or NULL when it comes from the fixture */
	PGconn *conn;
	char *snapshot_id;    /* pg_export_snapshot() of conn, or NULL */
	PGconn **extra;       /* more connections on that snapshot */
	int nextra;
	struct prefetch *pre; /* extra connections being opened meanwhile, or NULL */
	char **size_names;    /* the plan's tables' sizes (read_sizes) */
	long long *size_blocks;
	int nsizes;
};

static char *tmp_path_for_signal;

static void on_signal(int sig)
{
	if (tmp_path_for_signal)
		unlink(tmp_path_for_signal);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct load_ctx {
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const struct table_meta *t;
	struct progress *progress;     /* shared by every table */
	long long *done;               /* rows written, every table */
	long long rows;
	const struct table_mask *mask; /* or NULL */
	const char *secret;
	struct strbuf *masked;         /* one per column, when masking */
	sqlite3_stmt *multi;           /* MULTI_ROWS rows a step, or NULL (load_rows) */
	struct btb_table *bulk;        /* its pages written directly (bulk_rows), or NULL */
	sqlite3_stmt *side;            /* then rows out of key order, into a temp table */
	char *side_name;
	long long nside;
	int ipk;                       /* the rowid column, or -1: rowids counted */
	long long seq;                 /* the last rowid counted */
	int named;                     /* its failing rows are named: through SQLite */
	struct btb_value *bv;          /* one row's values */
	struct strbuf *blobs;          /* bytea decoded, per column */
};

/* A declared key (the plan's "key") must be what a primary key would be. */
static int key_null(const struct load_ctx *c, int col)
{
	const struct table_meta *t = c->t;
	if (!t->ndeclared_key)
		return 0;
	for (int k = 0; k < t->npk; k++)
		if (t->pk[k] == col) {
			error("table '%s', row %lld: column '%s' of its \"key\" is NULL",
			      t->name, c->rows + 1, t->cols[col].name);
			detail("The plan's \"key\" identifies each row of a table without a primary key, "
			       "so it must be unique and not null.");
			hint("Name columns that are unique and not null in sources.%s.tables in plan.json.",
			     t->source);
			return -1;
		}
	return 0;
}

static int key_duplicate(const struct load_ctx *c, char **vals, size_t *lens)
{
	const struct table_meta *t = c->t;
	struct strbuf k = STRBUF_INIT;
	for (int i = 0; i < t->npk; i++) {
		sb_adds(&k, i ? ", " : "");
		if (c->mask && c->mask->rules[t->pk[i]].kind != MASK_NONE)
			sb_adds(&k, "(masked)");	/* personal data stays out of messages */
		else if (vals[t->pk[i]])
			sb_add(&k, vals[t->pk[i]], lens[t->pk[i]]);
		else
			sb_adds(&k, "NULL");
	}
	struct strbuf names = STRBUF_INIT;
	for (int i = 0; i < t->npk; i++) {
		sb_adds(&names, i ? ", " : "");
		sb_adds(&names, t->cols[t->pk[i]].name);
	}
	error("table '%s', row %lld: its \"key\" (%s) = (%s) is not unique",
	      t->name, c->rows + 1, names.buf, k.buf);
	sb_release(&names);
	detail("The plan's \"key\" identifies each row of a table without a primary key, "
	       "so it must be unique and not null.");
	hint("Name columns that are unique and not null in sources.%s.tables in plan.json.",
	     t->source);
	sb_release(&k);
	return -1;
}

/* Binds one row's values to st from parameter base + 1 on; rowno names it in messages. */
static int bind_row(struct load_ctx *c, sqlite3_stmt *st, int base, long long rowno,
		    char **vals, size_t *lens, int n)
{
	for (int i = 0; i < n; i++) {
		const char *why = NULL;
		const char *v = vals[i];
		size_t len = lens[i];
		if (!v) {
			if (key_null(c, i))
				return -1;
			sqlite3_bind_null(st, base + i + 1);
			continue;
		}
		if (c->mask && c->mask->rules[i].kind != MASK_NONE) {
			if (mask_apply(&c->mask->rules[i], &c->t->cols[i], c->secret, v, len,
				       &c->masked[i])) {
				sqlite3_bind_null(st, base + i + 1);
				continue;
			}
			v = c->masked[i].buf;
			len = c->masked[i].len;
		}
		if (pgtype_bind_text(st, base + i + 1, &c->t->cols[i].type, v, len, &why))
			return error("table '%s', row %lld, column '%s': %s",
				     c->t->name, rowno, c->t->cols[i].name, why);
	}
	return 0;
}

/* Counts n rows written (progress, fault points). */
static void rows_written(struct load_ctx *c, int n)
{
	for (int k = 0; k < n; k++) {
		c->rows++;
		if ((++*c->done & 1023) == 0)
			progress_update(c->progress, *c->done);
		fault_point("snapshot.row");
	}
}

/* One row through st (an INSERT of every column); rows_written is the caller's. */
static int insert_row(struct load_ctx *c, sqlite3_stmt *st, char **vals, size_t *lens, int n)
{
	if (bind_row(c, st, 0, c->rows + 1, vals, lens, n))
		return -1;
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (c->t->ndeclared_key &&
		    sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
			sqlite3_reset(st);
			return key_duplicate(c, vals, lens);
		}
		error("cannot store a row of '%s': %s", c->t->name,
		      sqlite3_errmsg(c->db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

static int load_row(void *vctx, char **vals, size_t *lens, int n)
{
	struct load_ctx *c = vctx;
	if (insert_row(c, c->stmt, vals, lens, n))
		return -1;
	rows_written(c, 1);
	return 0;
}

/*
 * MULTI_ROWS rows in one INSERT: the statement's start, its cursor and its
 * end are paid once for all of them, and the table's cursor stays on its
 * last row, so rows arriving in key order are appended without a search.
 * With integer text read without strtoll, callgrind counted 1.43G
 * instructions before and 1.10G after for 200k rows of bench/scale.sh's
 * table.  Used only where a failing row needs no name (below).
 */
#define MULTI_ROWS 32

static int load_rows(struct load_ctx *c, char **vals, size_t *lens, int nrows, int n)
{
	int r = 0;
	while (c->multi && nrows - r >= MULTI_ROWS) {
		for (int k = 0; k < MULTI_ROWS; k++)
			if (bind_row(c, c->multi, k * n, c->rows + k + 1,
				     vals + (size_t)(r + k) * (size_t)n,
				     lens + (size_t)(r + k) * (size_t)n, n))
				return -1;
		if (sqlite3_step(c->multi) != SQLITE_DONE) {
			error("cannot store rows of '%s': %s", c->t->name, sqlite3_errmsg(c->db));
			sqlite3_reset(c->multi);
			return -1;
		}
		sqlite3_reset(c->multi);
		rows_written(c, MULTI_ROWS);
		r += MULTI_ROWS;
	}
	for (; r < nrows; r++)
		if (load_row(c, vals + (size_t)r * (size_t)n, lens + (size_t)r * (size_t)n, n))
			return -1;
	return 0;
}

/*
 * Rows written as B-tree pages (btbuild.h): a row the chunk's run cannot
 * take (not above its last key) goes into the table's side table, whose
 * rows SQLite inserts once the pages are in place (bulk_merge).
 */
static int bulk_rows(struct load_ctx *c, struct btb_run *run, char **vals, size_t *lens,
		     int nrows, int n)
{
	for (int r = 0; r < nrows; r++) {
		char **v = vals + (size_t)r * (size_t)n;
		size_t *l = lens + (size_t)r * (size_t)n;
		int took = 0;
		for (int i = 0; i < n; i++) {
			const char *why = NULL;
			if (!v[i])
				c->bv[i] = (struct btb_value){ BTB_NULL, 0, NULL, 0 };
			else if (pgtype_value(&c->t->cols[i].type, v[i], l[i], &c->bv[i], &c->blobs[i],
					      &why))
				return error("table '%s', row %lld, column '%s': %s", c->t->name,
					     c->rows + 1, c->t->cols[i].name, why);
		}
		if (c->ipk < 0)
			took = btb_append(run, ++c->seq, c->bv);
		else if (c->bv[c->ipk].type == BTB_INT)
			took = btb_append(run, c->bv[c->ipk].i, c->bv);
		if (took < 0)
			return -1;
		if (!took) {
			if (insert_row(c, c->side, v, l, n))
				return -1;
			c->nside++;
		}
		rows_written(c, 1);
	}
	return 0;
}

/* Finalizes a load context's statements (the file cannot close with them open). */
static void finalize_load_stmts(struct load_ctx *lc)
{
	sqlite3_finalize(lc->stmt);
	sqlite3_finalize(lc->multi);
	sqlite3_finalize(lc->side);
	lc->stmt = lc->multi = lc->side = NULL;
}

/*
 * Frees what a load context owns: the page writer's values, the side
 * table's name, the masking buffers.
 */
static void free_load_ctx(struct load_ctx *lc)
{
	if (lc->blobs)
		for (int c = 0; c < lc->t->ncols; c++)
			sb_release(&lc->blobs[c]);
	free(lc->blobs);
	free(lc->bv);
	free(lc->side_name);
	lc->blobs = NULL;
	lc->bv = NULL;
	lc->side_name = NULL;
	if (!lc->masked)
		return;
	for (int c = 0; c < lc->t->ncols; c++)
		sb_release(&lc->masked[c]);
	free(lc->masked);
	lc->masked = NULL;
}

/*
 * A partition listed with one of its ancestors would be staged twice
 * (reading the parent returns every partition's rows): each such pair is
 * refused.  Returns the number refused.
 */
static int check_partitions(struct catalog *cat, const char *source,
			    const char *schema)
{
	int nrefused = 0;
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		if (strcmp(t->source, source))
			continue;
		for (int a = 0; a < t->nancestors; a++) {
			for (int k = 0; k < cat->ntables; k++) {
				struct table_meta *p = &cat->tables[k];
				char *qual;
				int same;
				if (k == i || strcmp(p->source, source))
					continue;
				qual = xasprintf("%s.%s", schema, p->name);
				same = !strcmp(qual, t->ancestors[a]);
				free(qual);
				if (!same)
					continue;
				error("table '%s.%s' is a partition of '%s.%s', which the plan also lists",
				      schema, t->name, schema, p->name);
				detail("Reading a partitioned table reads every partition's rows, so '%s' would be staged twice.",
				       t->name);
				hint("List only '%s' under sources.%s.tables (its partitions come with it), "
				     "or only the partition.", p->name, source);
				nrefused++;
			}
		}
	}
	return nrefused;
}

/* ------------------------------------------------- parallel reading */

/*
 * The transaction's snapshot, for other connections to read on.  A server
 * that cannot export one (a standby before PostgreSQL 10, a pooler) is
 * read on its one connection: the failed statement ends the transaction,
 * which starts again before anything was read.
 */
static int export_snapshot(struct binding *b)
{
	PGresult *r = PQexec(b->conn, "SELECT pg_export_snapshot()");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		b->snapshot_id = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (b->snapshot_id)
		return 0;
	if (pg_exec(b->conn, "ROLLBACK", "cannot restart the snapshot transaction") ||
	    pg_exec(b->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		    "cannot start the snapshot transaction"))
		return -1;
	return 0;
}

/*
 * Connection slots the server has free for this user and database, after
 * its reserved ones, less one left for others.
 */
static int free_connections(PGconn *conn)
{
	PGresult *r = PQexec(conn,
		"SELECT least("
		" current_setting('max_connections')::int"
		"  - current_setting('superuser_reserved_connections')::int"
		"  - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
		" (SELECT CASE WHEN rolconnlimit < 0 THEN 1000000 ELSE rolconnlimit"
		"  - (SELECT count(*) FROM pg_stat_activity WHERE usename = current_user) END"
		"  FROM pg_roles WHERE rolname = current_user),"
		" (SELECT CASE WHEN datconnlimit < 0 THEN 1000000 ELSE datconnlimit"
		"  - (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) END"
		"  FROM pg_database WHERE datname = current_database())) - 1");
	int n = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n > 0 ? n : 0;
}

/*
 * One more connection with the parameters opts (b->conn's, as libpq used
 * them, so no password is asked again), in a transaction on snapshot.
 * NULL with *why set when it cannot be had.  Touches no other connection:
 * it runs on a thread of its own while b->conn reads the catalog.
 */
static PGconn *connect_on(PQconninfoOption *opts, const char *snapshot, char **why)
{
	PQconninfoOption *op;
	const char **keys, **vals;
	PGconn *c = NULL;
	char *lit = NULL, *sql = NULL;
	int n = 0;

	*why = NULL;
	for (op = opts; op->keyword; op++)
		n++;
	keys = xcalloc((size_t)n + 1, sizeof(*keys));
	vals = xcalloc((size_t)n + 1, sizeof(*vals));
	n = 0;
	for (op = opts; op->keyword; op++)
		if (op->val && *op->val) {
			keys[n] = op->keyword;
			vals[n++] = op->val;
		}
	c = PQconnectdbParams(keys, vals, 0);
	if (!c)
		die("out of memory");
	if (PQstatus(c) != CONNECTION_OK)
		goto fail;
	lit = PQescapeLiteral(c, snapshot, strlen(snapshot));
	if (!lit)
		goto fail;
	sql = xasprintf("%sBEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
			"SET TRANSACTION SNAPSHOT %s", pg_session_setup, lit);
	{
		PGresult *r = PQexec(c, sql);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok)
			goto fail;
	}
	goto done;
fail:
	*why = xstrdup(PQerrorMessage(c));
	{
		char *nl = strchr(*why, '\n');
		if (nl)
			*nl = '\0';
	}
	PQfinish(c);
	c = NULL;
done:
	PQfreemem(lit);
	free(sql);
	free(keys);
	free(vals);
	return c;
}

/*
 * The extra connections are opened on a thread while the first one reads
 * the catalog: a backend's start and the snapshot's import (10-30 ms)
 * overlap the catalog queries instead of delaying the first COPY.  Only
 * for a source big enough to be read on several (read_sizes); otherwise
 * open_extra_connections opens them itself, on the calling thread.
 */
struct prefetch {
	pthread_t tid;
	int thread;             /* tid runs prefetch_main */
	PQconninfoOption *opts;
	char *snapshot;
	int want, room;         /* to open; the server's free slots */
	PGconn **conns;
	int n;                  /* opened */
	char *why;              /* why fewer than want */
};

static void *prefetch_main(void *arg)
{
	struct prefetch *p = arg;
	while (p->n < p->want) {
		PGconn *c = connect_on(p->opts, p->snapshot, &p->why);
		if (!c)
			break;
		p->conns[p->n++] = c;
	}
	return NULL;
}

/*
 * Opens up to want connections like b->conn on its snapshot, as many as
 * the server has room for: on a thread of their own when threaded (else,
 * or when no thread can be had, before returning).  b->pre holds them.
 */
static void prefetch_start(struct binding *b, int want, int threaded)
{
	struct prefetch *p = xcalloc(1, sizeof(*p));
	b->pre = p;
	p->room = free_connections(b->conn);
	p->want = want < p->room ? want : p->room;
	if (!p->want)
		return;
	if (!(p->opts = PQconninfo(b->conn))) {
		p->want = 0;
		p->why = xstrdup("out of memory");
		return;
	}
	p->snapshot = xstrdup(b->snapshot_id);
	p->conns = xcalloc((size_t)p->want, sizeof(*p->conns));
	p->thread = threaded && !pthread_create(&p->tid, NULL, prefetch_main, p);
	if (!p->thread)
		prefetch_main(p);
}

/* Waits for the connections; they stay in p. */
static void prefetch_join(struct prefetch *p)
{
	if (p->thread) {
		pthread_join(p->tid, NULL);
		p->thread = 0;
	}
	PQconninfoFree(p->opts);
	p->opts = NULL;
}

/* Closes what was not taken and frees b->pre. */
static void prefetch_free(struct binding *b)
{
	struct prefetch *p = b->pre;
	if (!p)
		return;
	prefetch_join(p);
	for (int i = 0; i < p->n; i++)
		PQfinish(p->conns[i]);
	free(p->conns);
	free(p->snapshot);
	free(p->why);
	free(p);
	b->pre = NULL;
}

/*
 * Opens up to want more connections for b (those opened early, or now);
 * fewer when the server has no room or a connection fails, said in one line.
 */
static void open_extra_connections(struct binding *b, int want)
{
	struct prefetch *p;
	char *why = NULL;
	if (!b->pre)
		prefetch_start(b, want, 0);
	p = b->pre;
	prefetch_join(p);
	b->extra = xcalloc((size_t)want + 1, sizeof(PGconn *));
	while (b->nextra < want && b->nextra < p->n)
		b->extra[b->nextra] = p->conns[b->nextra], b->nextra++;
	if (b->nextra) { /* prefetch_free closes what is left */
		memmove(p->conns, p->conns + b->nextra, (size_t)(p->n - b->nextra) * sizeof(*p->conns));
		p->n -= b->nextra;
	}
	if (b->nextra < want)
		why = want > p->room ? xasprintf("the server has room for %d more connection%s",
						 p->room, p->room == 1 ? "" : "s")
				     : p->why ? xstrdup(p->why) : NULL;
	prefetch_free(b);
	if (why)
		info("source '%s': reading with %d connection%s (%s)", b->name, b->nextra + 1,
		     b->nextra ? "s" : "", why);
	free(why);
}

/* The size of a plain table in blocks, or -1: not one to split by ctid. */
static long long table_blocks(PGconn *conn, const char *schema, const char *name)
{
	const char *params[2] = { schema, name };
	long long n = -1;
	PGresult *r = PQexecParams(conn,
		"SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint"
		" FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
		" WHERE s.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'",
		2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n;
}

/*
 * A table without a primary key (and no "key" in the plan) is identified
 * by a unique index over NOT NULL columns, when it has one: like a
 * primary key, PostgreSQL keeps it unique and not null, so it names every
 * row.  Only a whole index over plain columns serves (not partial, no
 * expression; INCLUDE columns are not part of it); of several, the one
 * with the fewest columns, then the first by name.  Sets t's declared key
 * and key_index; 0 also when there is none (the table stays read-only),
 * -1 on error (reported).
 */
static int unique_index_key(PGconn *conn, const char *schema, struct table_meta *t)
{
	const char *params[2] = { schema, t->name };
	int ret = -1;
	PGresult *r = PQexecParams(conn,
		"SELECT ic.relname, (SELECT json_agg(a.attname ORDER BY k.n)"
		"   FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, n)"
		"   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)"
		" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
		" JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace s ON s.oid = c.relnamespace"
		" WHERE s.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indisvalid"
		"   AND i.indpred IS NULL AND i.indexprs IS NULL"
		"   AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid"
		"     AND a.attnum = ANY (i.indkey[0:i.indnkeyatts - 1]) AND NOT a.attnotnull)"
		" ORDER BY i.indnkeyatts, ic.relname LIMIT 1",
		2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_result_error(conn, r, "cannot read the unique indexes");
		goto cleanup;
	}
	ret = 0;
	if (!PQntuples(r))
		goto cleanup;
	strv_free(t->declared_key, t->ndeclared_key);
	t->declared_key = NULL;
	t->ndeclared_key = 0;
	strv_from_json(PQgetvalue(r, 0, 1), &t->declared_key, &t->ndeclared_key);
	if (!t->ndeclared_key || table_set_declared_key(t)) {
		ret = error("cannot read the columns of unique index '%s' of table '%s'",
			    PQgetvalue(r, 0, 0), t->name);
		goto cleanup;
	}
	free(t->key_index);
	t->key_index = xstrdup(PQgetvalue(r, 0, 0));
cleanup:
	PQclear(r);
	return ret;
}

/* The names of ps's tables in the plan, as a text[] literal. */
static void plan_table_array(struct strbuf *sb, const struct plan_source *ps)
{
	sb_addch(sb, '{');
	for (int i = 0; i < ps->ntables; i++)
		pg_text_array_add(sb, ps->tables[i].name);
	sb_addch(sb, '}');
}

/*
 * The enabled rules (CREATE RULE) of the plan's tables of a source, as
 * source_meta.rules JSON, so `drydock check` can say before approval which
 * of them the change set would fire (push refuses those: what a rule does
 * is outside the ledger).  0, or -1 on error (reported).
 */
static int describe_rules(PGconn *conn, struct plan_source *ps, struct source_meta *sm)
{
	struct strbuf names = STRBUF_INIT;
	const char *params[2];
	PGresult *r;
	int ret = -1;

	plan_table_array(&names, ps);
	params[0] = ps->schema;
	params[1] = names.buf;
	r = PQexecParams(conn,
		"SELECT coalesce(json_agg(json_build_object('table', c.relname, 'name', r.rulename,"
		"  'event', CASE r.ev_type WHEN '1' THEN 'SELECT' WHEN '2' THEN 'UPDATE'"
		"  WHEN '3' THEN 'INSERT' ELSE 'DELETE' END, 'definition',"
		"  regexp_replace(rtrim(pg_get_ruledef(r.oid), ';'), '\\s+', ' ', 'g'))"
		"  ORDER BY c.relname, r.rulename), '[]')"
		" FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
		" JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = $1 AND c.relname = ANY ($2::text[]) AND r.rulename <> '_RETURN'"
		"   AND r.ev_enabled <> 'D'",
		2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_result_error(conn, r, "cannot read the tables' rules");
		goto cleanup;
	}
	free(sm->rules);
	sm->rules = xstrdup(PQgetvalue(r, 0, 0));
	ret = 0;
cleanup:
	PQclear(r);
	sb_release(&names);
	return ret;
}

/* COPY of a table's columns; blocks [lo, hi) when lo or hi >= 0. */
static char *copy_sql(const char *schema, const struct table_meta *t, long long lo,
		      long long hi)
{
	struct strbuf sql = STRBUF_INIT;
	const char *and = " WHERE ";
	sb_adds(&sql, "COPY (SELECT ");
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			sb_adds(&sql, ", ");
		sb_add_qident(&sql, t->cols[i].name);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, schema);
	sb_addch(&sql, '.');
	sb_add_qident(&sql, t->name);
	if (t->row_filter) {
		sb_addf(&sql, lo >= 0 || hi >= 0 ? " WHERE (%s)" : " WHERE %s", t->row_filter);
		and = " AND ";
	}
	if (lo >= 0) {
		sb_addf(&sql, "%sctid >= '(%lld,0)'", and, lo);
		and = " AND ";
	}
	if (hi >= 0)
		sb_addf(&sql, "%sctid < '(%lld,0)'", and, hi);
	sb_adds(&sql, ") TO STDOUT");
	return sb_detach(&sql, NULL);
}

/* Blocks per chunk at least (8 MB of 8 kB blocks); DD_SNAPSHOT_CHUNK_BLOCKS for tests. */
static long long chunk_min_blocks(void)
{
	const char *e = getenv("DD_SNAPSHOT_CHUNK_BLOCKS");
	long v;
	if (e && !parse_long(e, &v) && v > 0)
		return v;
	return 1024;
}

/*
 * Under 16 chunks' worth of blocks (128 MB) in all, one connection: a
 * range of a table costs the server more than its share of the whole
 * table's COPY (two halves by ctid about 1.2-1.3x the whole's CPU, and
 * another backend), which only the overlap of a big table pays back.
 * bench/snapshot.sh's table on two cores, pages written directly,
 * interleaved runs: 100k rows (37 MB) 0.45-0.51 s split against
 * 0.35-0.48 s whole; 1M rows (330 MB) 1.93-2.04 s split against
 * 2.26-2.32 s whole.  (With SQLite's inserts: 0.43-0.52 against
 * 0.34-0.41 s at 100k, even at 300k, 2.07 against 2.23 s at 1M.)
 */
static int total_is_small(long long blocks)
{
	return blocks < 16 * chunk_min_blocks();
}

/*
 * The size in blocks of each of the plan's tables (-1: not a plain table,
 * not one to split by ctid), read once into b before the catalog, for
 * plan_pg_load and for prefetch_start's choice.  Returns whether the
 * source is too small to read on several connections (total_is_small),
 * every table's size known (plain tables, a server of 14 or later).
 */
static int read_sizes(struct binding *b, const struct plan_source *ps)
{
	struct strbuf names = STRBUF_INIT;
	const char *params[2];
	PGresult *r;
	int small = 0;

	if (PQserverVersion(b->conn) < 140000)
		return 0;
	plan_table_array(&names, ps);
	params[0] = ps->schema;
	params[1] = names.buf;
	r = PQexecParams(b->conn,
		"SELECT c.relname, CASE WHEN c.relkind = 'r' THEN"
		" pg_relation_size(c.oid) / current_setting('block_size')::bigint ELSE -1 END"
		" FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
		" WHERE s.nspname = $1 AND c.relname = ANY ($2::text[])",
		2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		long long total = 0;
		int known = PQntuples(r) == ps->ntables;
		b->nsizes = PQntuples(r);
		b->size_names = xcalloc((size_t)b->nsizes + 1, sizeof(char *));
		b->size_blocks = xcalloc((size_t)b->nsizes + 1, sizeof(long long));
		for (int i = 0; i < b->nsizes; i++) {
			b->size_names[i] = xstrdup(PQgetvalue(r, i, 0));
			b->size_blocks[i] = atoll(PQgetvalue(r, i, 1));
			known &= b->size_blocks[i] >= 0;
			total += b->size_blocks[i] > 0 ? b->size_blocks[i] : 0;
		}
		small = known && total_is_small(total);
	}
	PQclear(r);
	sb_release(&names);
	return small;
}

/* A table's size as read_sizes read it, else as table_blocks reads it. */
static long long source_table_blocks(struct binding *b, const char *schema, const char *name)
{
	for (int i = 0; i < b->nsizes; i++)
		if (!strcmp(b->size_names[i], name))
			return b->size_blocks[i];
	return table_blocks(b->conn, schema, name);
}

struct pg_load {
	struct copypipe_chunk *chunks;
	int nchunks;
	int *chunk_table;          /* catalog index of each chunk */
	long long *chunk_weight;   /* estimated rows, for the order */
	char **sqls;
	struct copypipe_stream *streams;
	int nstreams;
};

static void pg_load_free(struct pg_load *pl)
{
	for (int i = 0; i < pl->nchunks; i++)
		free(pl->sqls[i]);
	free(pl->sqls);
	free(pl->chunks);
	free(pl->chunk_table);
	free(pl->chunk_weight);
	free(pl->streams);
}

static void add_chunk(struct pg_load *pl, int ti, const struct table_meta *t, int group,
		      char *sql, long long weight)
{
	int n = pl->nchunks++;
	pl->chunks = xrealloc(pl->chunks, (size_t)pl->nchunks * sizeof(*pl->chunks));
	pl->chunk_table = xrealloc(pl->chunk_table, (size_t)pl->nchunks * sizeof(int));
	pl->chunk_weight = xrealloc(pl->chunk_weight, (size_t)pl->nchunks * sizeof(long long));
	pl->sqls = xrealloc(pl->sqls, (size_t)pl->nchunks * sizeof(char *));
	pl->sqls[n] = sql;
	pl->chunk_table[n] = ti;
	pl->chunk_weight[n] = weight;
	pl->chunks[n] = (struct copypipe_chunk){ sql, group, t->ncols, t->name,
						 t->row_filter != NULL, 0 };
}

/*
 * The chunks of every table read from PostgreSQL: a whole table, or with
 * jobs > 1 a large plain table in block ranges (the first and the last
 * open-ended, so rows in blocks added since the size was read are not
 * missed).  Largest first, so the last chunks to finish are short ones.
 * Then the connections each source's chunks can use.
 */
static void plan_pg_load(struct catalog *cat, struct binding *b, int nb, int jobs,
			 struct pg_load *pl)
{
	long long minb = chunk_min_blocks(), total = 0;
	int unknown = 0;
	long long *blocks = xcalloc((size_t)cat->ntables + 1, sizeof(long long));
	int *group = xcalloc((size_t)cat->ntables + 1, sizeof(int));
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		struct source_meta *sm = catalog_find_source(cat, t->source);
		group[i] = -1;
		blocks[i] = -1;
		for (int j = 0; j < nb; j++)
			if (b[j].conn && !strcmp(b[j].name, t->source))
				group[i] = j;
		if (group[i] >= 0 && jobs > 1 && b[group[i]].snapshot_id &&
		    PQserverVersion(b[group[i]].conn) >= 140000)
			blocks[i] = source_table_blocks(&b[group[i]], sm->schema, t->name);
		total += blocks[i] > 0 ? blocks[i] : 0;
		unknown |= group[i] >= 0 && blocks[i] < 0;
	}
	if (jobs > 1 && !unknown && total_is_small(total))
		jobs = 1;
	/*
	 * A table is split only where it is more than one connection's share
	 * of all the blocks, into about as many shares as it holds: whole
	 * tables keep each table's rows arriving in order (SQLite appends
	 * them; two ranges of one table interleaved insert into the middle of
	 * its B-tree), and eight tables of one size on two connections need
	 * no split to keep both busy.
	 */
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		struct source_meta *sm = catalog_find_source(cat, t->source);
		int g = group[i], k = 1;
		long long share = total / (jobs > 1 ? jobs : 1);
		if (g < 0)
			continue;
		if (blocks[i] >= 2 * minb && blocks[i] > share) {
			long long want = share > 0 ? (blocks[i] + share - 1) / share : jobs;
			k = blocks[i] / minb < want ? (int)(blocks[i] / minb) : (int)want;
			k = k < jobs ? k : jobs;
		}
		for (int j = 0; j < k; j++) {
			long long lo = k > 1 && j > 0 ? blocks[i] * j / k : -1;
			long long hi = k > 1 && j < k - 1 ? blocks[i] * (j + 1) / k : -1;
			add_chunk(pl, i, t, g, copy_sql(sm->schema, t, lo, hi),
				  (t->est_rows > 0 ? t->est_rows : 0) / k);
		}
	}
	free(blocks);
	free(group);
	if (jobs > 1) { /* largest first; insertion sort keeps equal ones in order */
		for (int i = 1; i < pl->nchunks; i++)
			for (int j = i; j > 0 && pl->chunk_weight[j] > pl->chunk_weight[j - 1]; j--) {
				struct copypipe_chunk c = pl->chunks[j];
				int ti = pl->chunk_table[j];
				long long w = pl->chunk_weight[j];
				char *sq = pl->sqls[j];
				pl->chunks[j] = pl->chunks[j - 1];
				pl->chunk_table[j] = pl->chunk_table[j - 1];
				pl->chunk_weight[j] = pl->chunk_weight[j - 1];
				pl->sqls[j] = pl->sqls[j - 1];
				pl->chunks[j - 1] = c;
				pl->chunk_table[j - 1] = ti;
				pl->chunk_weight[j - 1] = w;
				pl->sqls[j - 1] = sq;
			}
	}
	for (int g = 0; g < nb; g++) {
		int n = 0;
		if (!b[g].conn)
			continue;
		for (int i = 0; i < pl->nchunks; i++)
			n += pl->chunks[i].group == g;
		if (!n)
			continue;
		if (jobs > 1 && b[g].snapshot_id && n > 1)
			open_extra_connections(&b[g], (n < jobs ? n : jobs) - 1);
		pl->streams = xrealloc(pl->streams, (size_t)(pl->nstreams + 1 + b[g].nextra) *
							    sizeof(*pl->streams));
		pl->streams[pl->nstreams++] = (struct copypipe_stream){ b[g].conn, g };
		for (int k = 0; k < b[g].nextra; k++)
			pl->streams[pl->nstreams++] = (struct copypipe_stream){ b[g].extra[k], g };
	}
	for (int g = 0; g < nb; g++) /* opened early but not needed */
		prefetch_free(&b[g]);
}

/*
 * Writes every PostgreSQL table's rows, read through the pipe (started
 * before the staging file was made), on this thread, the only one using
 * db; finishes the pipe.  lcs: one load context per table.
 */
static int load_pg_tables(struct copypipe *pipe, struct catalog *cat, struct pg_load *pl,
			  struct load_ctx *lcs, struct btb_run **runs)
{
	int *left;
	struct copypipe_batch *bt;
	int rc = 0, failed = 0, ret;

	if (!pipe)
		return 0;
	left = xcalloc((size_t)cat->ntables + 1, sizeof(int));
	for (int i = 0; i < pl->nchunks; i++)
		left[pl->chunk_table[i]]++;
	while (!failed && (rc = copypipe_next(pipe, &bt)) > 0) {
		int ti = pl->chunk_table[bt->chunk], nc = cat->tables[ti].ncols;
		struct load_ctx *lc = &lcs[ti];
		failed = (runs && runs[bt->chunk]
				  ? bulk_rows(lc, runs[bt->chunk], bt->vals, bt->lens, bt->nrows, nc)
				  : load_rows(lc, bt->vals, bt->lens, bt->nrows, nc)) != 0;
		if (!failed && bt->last && !--left[ti]) {
			cat->tables[ti].row_count = lc->rows;
			fault_point("snapshot.after_table");
		}
		copypipe_release(pipe, bt);
	}
	if (!failed && rc < 0)
		failed = 1;
	ret = copypipe_finish(pipe, failed);
	free(left);
	return failed ? -1 : ret;
}

/*
 * The new file's pages reach the disk while rows are still coming: a
 * thread of its own waits on fdatasync every 100 ms, so the writes overlap
 * the COPY.  On bench/snapshot.sh's 1M rows the final fsync waited
 * 0.24-0.28 s for 327 MB before, about 35 ms after, and the snapshot took
 * 6-9% less wall time (interleaved runs, best of 4-5).  Starting writeback
 * from the writer's thread (sync_file_range) saved nothing: the writer
 * then waited on the disk queue itself.  The last fsync
 * (stage_finish_create) still makes the file durable.  Once the rows'
 * pages are written the thread is kicked into its last fdatasync, which
 * then overlaps the catalog's writing and the drift queries.
 */
struct flusher {
	pthread_t tid;
	int fd, running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, kick;
};

static void *flusher_main(void *arg)
{
	struct flusher *f = arg;
	pthread_mutex_lock(&f->mu);
	while (!f->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!f->kick)
			pthread_cond_timedwait(&f->cv, &f->mu, &ts);
		f->kick = 0;
		if (f->stop)
			break;
		pthread_mutex_unlock(&f->mu);
		fdatasync(f->fd);
		pthread_mutex_lock(&f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

static void flusher_start(struct flusher *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->running = !pthread_create(&f->tid, NULL, flusher_main, f);
	if (!f->running) {
		close(f->fd);
		f->fd = -1;
	}
}

/* Sets one of f's flags (kick, stop) and wakes its thread. */
static void flusher_tell(struct flusher *f, int *flag)
{
	pthread_mutex_lock(&f->mu);
	*flag = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* An fdatasync now (the rows' last pages are written), not at the next tick. */
static void flusher_kick(struct flusher *f)
{
	if (f->running)
		flusher_tell(f, &f->kick);
}

static void flusher_stop(struct flusher *f)
{
	if (!f->running)
		return;
	flusher_tell(f, &f->stop);
	pthread_join(f->tid, NULL);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	close(f->fd);
	f->running = 0;
}

static int describe_pg_source(const struct snapshot_opts *o, struct binding *b,
			      struct plan_source *ps, struct catalog *cat, int *nrefused,
			      int jobs)
{
	char what[128];
	PGresult *r;
	struct source_meta *sm;

	snprintf(what, sizeof(what), "source '%s'", b->name);
	b->conn = o->connect ? o->connect(o->connect_ctx, b->conninfo, what)
			     : pg_connect(b->conninfo, what);
	if (!b->conn)
		return -1;
	if (pg_exec(b->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		    "cannot start the snapshot transaction"))
		return -1;
	if (jobs > 1 && export_snapshot(b))
		return -1;
	if (b->snapshot_id && !read_sizes(b, ps))
		prefetch_start(b, jobs - 1, 1);
	sm = catalog_add_source(cat);
	sm->name = xstrdup(b->name);
	sm->is_target = ps->target;
	sm->schema = xstrdup(ps->schema);
	sm->origin = xstrdup("postgres");
	sm->identity = pg_identity(b->conn);
	sm->server_version = xstrdup(PQparameterStatus(b->conn, "server_version")
					     ? PQparameterStatus(b->conn, "server_version")
					     : "");
	/*
	 * The server's clock, and two settings as a user's new session gets
	 * them (their reset values: drydock's own connections SET theirs):
	 * steps' dates are read in DateStyle's field order; to_char's D, G
	 * and S print lc_numeric's characters.  One query: each is a fresh
	 * backend's planning and a round trip.
	 */
	r = PQexec(b->conn, "SELECT to_char(now() AT TIME ZONE 'UTC', "
			    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
			    "max(reset_val) FILTER (WHERE name = 'DateStyle'), "
			    "max(reset_val) FILTER (WHERE name = 'lc_numeric') "
			    "FROM pg_settings WHERE name IN ('DateStyle', 'lc_numeric')");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		return pg_error(b->conn, "cannot read the server's clock and settings");
	}
	sm->snapshot_at = xstrdup(PQgetvalue(r, 0, 0));
	for (int k = 1; k <= 2; k++)
		if (PQgetisnull(r, 0, k)) {
			PQclear(r);
			return error("cannot read the server's %s", k == 1 ? "DateStyle" : "lc_numeric");
		}
	sm->datestyle = xstrdup(PQgetvalue(r, 0, 1));
	sm->lc_numeric = xstrdup(PQgetvalue(r, 0, 2));
	PQclear(r);
	for (int i = 0; i < ps->ntables; i++) {
		struct table_meta *t = catalog_add_table(cat);
		t->source = xstrdup(b->name);
		t->name = xstrdup(ps->tables[i].name);
		t->row_filter = ps->tables[i].where ? xstrdup(ps->tables[i].where) : NULL;
		int rc = pg_describe_table(b->conn, cat, b->name, ps->schema,
					   ps->tables[i].name, t);
		if (rc < 0)
			return -1;
		if (rc == PG_REFUSED)
			(*nrefused)++;
		else if (!t->npk && !ps->tables[i].nkey && unique_index_key(b->conn, ps->schema, t))
			return -1;
	}
	*nrefused += check_partitions(cat, b->name, ps->schema);
	if (*nrefused)
		return 0;
	if (pg_describe_domains(b->conn, cat, b->name, ps->schema))
		return -1;
	if (ps->target && pg_describe_sequences(b->conn, cat, b->name, ps->schema))
		return -1;
	if (ps->target && describe_rules(b->conn, ps, sm))
		return -1;
	return 0;
}

/*
 * Takes the plan's tables of one source out of a fixture catalog into cat.
 * Moves ownership of table and enum entries.
 */
static int describe_fixture_source(const char *fixdir, struct catalog *fix,
				   struct plan *plan, struct plan_source *ps,
				   struct catalog *cat, int *nrefused)
{
	struct source_meta *fs = catalog_find_source(fix, ps->name), *sm;
	if (!fs && fix->nsources == 1 && plan->nsources == 1)
		fs = &fix->sources[0];
	if (!fs) {
		error("fixture '%s' has no source '%s'", fixdir, ps->name);
		hint("Give the source with --source %s=CONNINFO, or use a fixture that holds it.",
		     ps->name);
		return -1;
	}
	sm = catalog_add_source(cat);
	sm->name = xstrdup(ps->name);
	sm->is_target = ps->target;
	sm->schema = xstrdup(ps->schema);
	sm->origin = xstrdup("fixture");
	sm->identity = xasprintf("fixture %s", fixdir);
	sm->server_version = fs->server_version ? xstrdup(fs->server_version) : NULL;
	sm->snapshot_at = fs->snapshot_at ? xstrdup(fs->snapshot_at) : NULL;
	sm->datestyle = fs->datestyle ? xstrdup(fs->datestyle) : NULL;
	sm->lc_numeric = fs->lc_numeric ? xstrdup(fs->lc_numeric) : NULL;
	for (int e = 0; e < fix->nenums; e++) {
		if (strcmp(fix->enums[e].source, fs->name))
			continue;
		struct enum_meta *em = catalog_add_enum(cat);
		*em = fix->enums[e];
		free(em->source);
		em->source = xstrdup(ps->name);
		memset(&fix->enums[e], 0, sizeof(fix->enums[e]));
		fix->enums[e].source = xstrdup("");
		fix->enums[e].name = xstrdup("");
	}
	for (int q = 0; ps->target && q < fix->nseqs; q++) {
		struct sequence_meta *sq;
		if (strcmp(fix->seqs[q].source, fs->name))
			continue;
		sq = catalog_add_sequence(cat);
		*sq = fix->seqs[q];
		sq->source = xstrdup(ps->name);
		sq->schema = xstrdup(fix->seqs[q].schema);
		sq->name = xstrdup(fix->seqs[q].name);
	}
	for (int i = 0; i < ps->ntables; i++) {
		struct table_meta *ft = catalog_find_table(fix, fs->name, ps->tables[i].name);
		struct table_meta *t;
		if (!ft) {
			error("table '%s' is not in fixture '%s' (source '%s')",
			      ps->tables[i].name, fixdir, fs->name);
			hint("Check the table names under sources.%s.tables in plan.json.",
			     ps->name);
			(*nrefused)++;
			continue;
		}
		t = catalog_add_table(cat);
		*t = *ft;
		memset(ft, 0, sizeof(*ft));
		ft->source = xstrdup("");
		ft->name = xstrdup("");
		free(t->source);
		t->source = xstrdup(ps->name);
		t->row_filter = ps->tables[i].where ? xstrdup(ps->tables[i].where) : NULL;
	}
	return 0;
}

/*
 * The plan's "key" of each table: only for a table without a primary key,
 * naming columns it has.  Each one that does not fit is refused.  Returns
 * the number refused.
 */
static int apply_plan_keys(struct catalog *cat, struct plan *plan)
{
	int nrefused = 0;
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		struct plan_source *ps = plan_find_source(plan, t->source);
		const struct plan_table *pt = NULL;
		for (int k = 0; ps && k < ps->ntables; k++)
			if (!strcmp(ps->tables[k].name, t->name))
				pt = &ps->tables[k];
		if (!pt || !pt->nkey || !t->ncols)
			continue;
		if (t->npk && !t->ndeclared_key) {
			error("table '%s' in source '%s' has a primary key; its \"key\" in the plan is not needed",
			      t->name, t->source);
			hint("Remove \"key\" from the table in sources.%s.tables: drydock uses the primary key.",
			     t->source);
			nrefused++;
			continue;
		}
		strv_free(t->declared_key, t->ndeclared_key); /* a fixture's: the plan decides */
		t->ndeclared_key = pt->nkey;
		t->declared_key = xcalloc((size_t)pt->nkey + 1, sizeof(char *));
		for (int k = 0; k < pt->nkey; k++)
			t->declared_key[k] = xstrdup(pt->key[k]);
		if (table_set_declared_key(t)) {
			error("the \"key\" of table '%s' in source '%s' names a column it does not have",
			      t->name, t->source);
			hint("Check sources.%s.tables in plan.json against the table's columns.", t->source);
			nrefused++;
		}
	}
	return nrefused;
}

static int check_names(struct catalog *cat)
{
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		struct source_meta *s = catalog_find_source(cat, t->source);
		table_set_stage_names(t, s->is_target);
		if (!strncmp(t->stage_name, "dd_", 3) ||
		    !strncmp(t->stage_name, "sqlite_", 7)) {
			error("table '%s' cannot be staged under its own name", t->name);
			detail("Names starting with dd_ or sqlite_ are reserved in the staging file.");
			return -1;
		}
		for (int k = 0; k < i; k++) {
			if (!strcmp(cat->tables[k].stage_name, t->stage_name)) {
				error("tables '%s.%s' and '%s.%s' would share the staging name '%s'",
				      cat->tables[k].source, cat->tables[k].name,
				      t->source, t->name, t->stage_name);
				hint("Rename a source in plan.json.");
				return -1;
			}
		}
	}
	return 0;
}

/* Applies a fixture table's "where" filter in SQLite after loading. */
static int filter_fixture_table(sqlite3 *db, struct table_meta *t, const char *name)
{
	struct strbuf sql = STRBUF_INIT;
	char *msg = NULL;
	int ret = 0;
	sb_adds(&sql, "DELETE FROM ");
	sb_add_qident(&sql, name);
	sb_addf(&sql, " WHERE NOT (%s)", t->row_filter);
	if (sqlite3_exec(db, sql.buf, NULL, NULL, &msg) != SQLITE_OK) {
		ret = error("the \"where\" filter of table '%s' does not run on a fixture", t->name);
		detail("SQLite says: %s.", msg ? msg : sqlite3_errmsg(db));
		hint("Filters on fixture sources run in SQLite; write one both databases accept.");
	} else {
		t->row_count -= sqlite3_changes(db);
	}
	sqlite3_free(msg);
	sb_release(&sql);
	return ret;
}

void snapshot_opts_release(struct snapshot_opts *o)
{
	strv_free(o->table_source_out, o->ntables_out);
	strv_free(o->table_name_out, o->ntables_out);
	free(o->table_rows_out);
	o->table_source_out = o->table_name_out = NULL;
	o->table_rows_out = NULL;
	o->ntables_out = 0;
}

#define PLURAL_S(n) ((n) == 1 ? "" : "s")

/*
 * One stream per core, up to 4 (past that the one writer is the limit).
 * On this 2-core machine, with rows written 32 to a statement, tables
 * split only past a connection's share and the flusher thread,
 * bench/snapshot.sh measured --jobs 2 against --jobs 1 (interleaved, best
 * of 3-4): 1M rows 2.07 s against 2.23 s, 8 tables of 250k rows 4.2-4.6 s
 * against 5.4-6.6 s, and with a busy loop on one core beside it 2.80 s
 * against 3.05 s and 4.6-5.8 s against 7.3-8.0 s.  (Before those changes,
 * at load 5, --jobs 2 had been slower: 6.1 s against 4.4 s for 1M rows.)
 */
static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/*
 * Pages written directly (btbuild.h): SQLite's insert descends the tree
 * from its root for every row, appending or not.  A table whose rows need
 * naming when they fail (a plan "key", a masked column) is written through
 * SQLite as before, into a temp table of the same shape; so are rows of an
 * integer-keyed table that arrive out of key order.  Both are moved into
 * place afterwards (bulk_merge).  The connection commits what it has and
 * touches only its temp database (another file) until the pages are done.
 * DD_SNAPSHOT_BULK=0 turns it off (tests compare both).  On success *out is
 * the open file, or NULL when not used, and *runs one run per chunk (NULL
 * for a table written through SQLite).
 */
static int bulk_setup(sqlite3 *db, const char *tmp, struct catalog *cat, struct pg_load *pl,
		      const struct table_mask *masks, struct load_ctx *lcs, struct btb_file **out,
		      struct btb_run ***runs)
{
	const char *e = getenv("DD_SNAPSHOT_BULK");
	unsigned *roots = xcalloc((size_t)cat->ntables + 1, sizeof(unsigned));
	struct btb_run **shared = xcalloc((size_t)cat->ntables + 1, sizeof(*shared));
	sqlite3_stmt *st = NULL;
	struct btb_file *f;
	int ret = -1;

	*out = NULL;
	*runs = NULL;
	if (!pl->nchunks || (e && !strcmp(e, "0"))) {
		ret = 0;
		goto done;
	}
	if (sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the staging file's schema");
		goto done;
	}
	{ /* the temp database (unlinked once open) on the staging file's disk, not in /tmp */
		char *copy = xstrdup(tmp), *sql = sqlite3_mprintf("PRAGMA temp_store_directory = %Q",
								 dirname(copy));
		int rc = stage_exec(db, sql);
		sqlite3_free(sql);
		free(copy);
		if (rc)
			goto done;
	}
	for (int k = 0; k < pl->nchunks; k++) {
		int i = pl->chunk_table[k];
		struct table_meta *t = &cat->tables[i];
		struct load_ctx *lc = &lcs[i];
		/* a key the plan declares is not enforced by the source (one taken
		 * from a unique index over NOT NULL columns is) */
		int named = (t->ndeclared_key && !t->key_index) || masks[i].nmasked;
		if (roots[i])
			continue;
		sqlite3_bind_text(st, 1, stage_table_name(t), -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			roots[i] = (unsigned)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!roots[i]) {
			error("cannot find the staging table of '%s'", t->name);
			goto done;
		}
		lc->ipk = stage_rowid_column(t);
		if (!named && lc->ipk < 0)
			continue; /* rowids counted here: always in order */
		lc->side_name = xasprintf("dd_side__%d", i);
		if (stage_create_temp_table(db, t, lc->side_name))
			goto done;
		lc->named = named;
		if (named) { /* its statements write the temp table instead */
			sqlite3_finalize(lc->stmt);
			sqlite3_finalize(lc->multi);
			lc->stmt = lc->multi = NULL;
			if (stage_prepare_insert(db, t, lc->side_name, &lc->stmt))
				goto done;
		} else if (stage_prepare_insert(db, t, lc->side_name, &lc->side)) {
			goto done;
		}
	}
	/* the pages go after SQLite's last one, which it must not touch meanwhile */
	if (stage_exec(db, "COMMIT") || stage_exec(db, "BEGIN"))
		goto done;
	ret = 0;
	if (!(f = btb_open(tmp)))
		goto done; /* a layout btbuild does not write: SQLite inserts */
	*runs = xcalloc((size_t)pl->nchunks, sizeof(**runs));
	for (int k = 0; k < pl->nchunks; k++) {
		int i = pl->chunk_table[k];
		struct table_meta *t = &cat->tables[i];
		struct load_ctx *lc = &lcs[i];
		if (lc->named)
			continue;
		if (!lc->bulk) {
			lc->bulk = btb_table(f, roots[i], t->ncols, lc->ipk);
			lc->bv = xcalloc((size_t)t->ncols, sizeof(*lc->bv));
			lc->blobs = xcalloc((size_t)t->ncols, sizeof(*lc->blobs));
			for (int c = 0; c < t->ncols; c++)
				sb_init(&lc->blobs[c], 0);
		}
		/* rowids counted here come in order from every chunk: one run */
		if (lc->ipk >= 0)
			(*runs)[k] = btb_run(lc->bulk);
		else
			(*runs)[k] = shared[i] ? shared[i] : (shared[i] = btb_run(lc->bulk));
	}
	*out = f;
done:
	sqlite3_finalize(st);
	free(roots);
	free(shared);
	return ret;
}

/*
 * After btb_finish: the temp tables' rows into their tables, and the
 * indexes of keys that are not the rowid (primary keys of text or of
 * several columns), filled from the pages.
 */
static int bulk_merge(sqlite3 *db, struct catalog *cat, struct load_ctx *lcs)
{
	for (int i = 0; i < cat->ntables; i++) {
		struct load_ctx *lc = &lcs[i];
		struct table_meta *t = &cat->tables[i];
		const char *name = stage_table_name(t);
		struct strbuf sql = STRBUF_INIT;
		int rc = 0;
		if (lc->bulk && lc->ipk < 0 && t->npk) {
			sb_adds(&sql, "REINDEX main.");
			sb_add_qident(&sql, name);
			rc = stage_exec(db, sql.buf);
			sb_reset(&sql);
		}
		if (lc->side_name) {
			sqlite3_finalize(lc->side);
			lc->side = NULL;
			if (!rc && (lc->named || lc->nside)) {
				sb_adds(&sql, "INSERT INTO main.");
				sb_add_qident(&sql, name);
				sb_adds(&sql, " SELECT * FROM temp.");
				sb_add_qident(&sql, lc->side_name);
				rc = stage_exec(db, sql.buf);
				sb_reset(&sql);
			}
			/* not dropped: the temp database goes with the connection
			 * (a DROP there cost 15-40 ms, making its file) */
		}
		sb_release(&sql);
		if (rc)
			return error("cannot store the rows of '%s'", t->name);
	}
	return 0;
}

int snapshot_take(struct snapshot_opts *o)
{
	struct plan *plan = o->plan;
	const char *out = o->out, *fixdir = o->fixture_dir;
	char *secret = NULL;
	int secret_loaded = 0, nmasked = 0, nrefused = 0, ret = -1;
	struct table_mask *masks = NULL;
	struct catalog cat = { 0 }, fix = { 0 };
	struct binding *b = xcalloc((size_t)plan->nsources + 1, sizeof(*b));
	struct load_ctx *lcs = NULL;
	struct pg_load pl = { 0 };
	struct btb_file *bulk = NULL;
	struct btb_run **runs = NULL;
	struct flusher fl = { 0 };
	struct copypipe *pipe = NULL;
	struct progress progress = { 0 };
	long long done = 0;
	int jobs = o->jobs > 0 ? o->jobs : default_jobs();
	sqlite3 *db = NULL;
	char *tmp = NULL, *now = NULL;

	for (int i = 0; i < plan->nsources; i++) {
		b[i].name = o->sources[i].name;
		b[i].conninfo = o->sources[i].conninfo;
	}
	if (fixdir && fixture_read_manifest(fixdir, &fix))
		goto cleanup;
	for (int i = 0; i < plan->nsources; i++) {
		if (b[i].conninfo) {
			if (describe_pg_source(o, &b[i], &plan->sources[i], &cat, &nrefused,
					       jobs))
				goto cleanup;
		} else if (fixdir) {
			if (describe_fixture_source(fixdir, &fix, plan, &plan->sources[i], &cat,
						    &nrefused))
				goto cleanup;
		} else {
			error("source '%s' has no connection", b[i].name);
			hint("Add --source %s=CONNINFO, or --fixture DIR.", b[i].name);
			goto cleanup;
		}
	}
	nrefused += apply_plan_keys(&cat, plan);
	if (nrefused) {
		error("cannot snapshot %d table%s of the plan (above); nothing was written",
		      nrefused, nrefused == 1 ? "" : "s");
		goto cleanup;
	}
	if (check_names(&cat))
		goto cleanup;
	masks = xcalloc((size_t)cat.ntables + 1, sizeof(*masks));
	for (int i = 0; i < cat.ntables; i++) {
		struct table_meta *t = &cat.tables[i];
		struct plan_source *ps = plan_find_source(plan, t->source);
		cJSON *mrules = NULL;
		char where[512];
		for (int k = 0; ps && k < ps->ntables; k++)
			if (!strcmp(ps->tables[k].name, t->name))
				mrules = ps->tables[k].mask;
		if (mrules && !secret_loaded) {
			secret = mask_read_secret(o->mask_secret_file);
			secret_loaded = 1;
			if (o->mask_secret_file && !secret)
				goto cleanup;
		}
		snprintf(where, sizeof(where), "sources.%s.tables '%s'", t->source, t->name);
		if (mask_compile(mrules, t, secret, where, &masks[i]))
			goto cleanup;
		for (int k = 0; k < t->ncols; k++)
			if (masks[i].rules[k].kind != MASK_NONE) {
				free(t->cols[k].masked);
				t->cols[k].masked = xstrdup(mask_rule_name(&masks[i].rules[k]));
				nmasked++;
			}
	}

	tmp = xasprintf("%s.tmp", out);
	unlink(tmp);
	tmp_path_for_signal = tmp;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/*
	 * The COPYs start before the file is made: their first rows wait in
	 * the pipe meanwhile.  The server's log on bench/snapshot.sh's 100k
	 * rows: 3.8 ms idle between the catalog's last query and the COPY,
	 * 9.2 ms when the file was made first.
	 */
	plan_pg_load(&cat, b, plan->nsources, jobs, &pl);
	if (pl.nchunks)
		pipe = copypipe_start(pl.chunks, pl.nchunks, pl.streams, pl.nstreams);
	if (stage_create(tmp, &db))
		goto cleanup;
	/* every table and its insert first: PostgreSQL's are then read in parallel */
	lcs = xcalloc((size_t)cat.ntables + 1, sizeof(*lcs));
	for (int i = 0; i < cat.ntables; i++) {
		struct table_meta *t = &cat.tables[i];
		const char *name = stage_table_name(t);
		struct load_ctx *lc = &lcs[i];
		*lc = (struct load_ctx){ db, NULL, t, &progress, &done, 0, NULL, secret, NULL };
		if (masks[i].nmasked) {
			lc->mask = &masks[i];
			lc->masked = xcalloc((size_t)t->ncols, sizeof(struct strbuf));
			for (int k = 0; k < t->ncols; k++)
				sb_init(&lc->masked[k], 0);
		}
		if (stage_create_table(db, t, name) || stage_prepare_insert(db, t, name, &lc->stmt))
			goto cleanup;
		/*
		 * A plan's "key" is not enforced by the source, and a masked
		 * column may map two values to one: their failing rows are
		 * named, so they are written one at a time.  Any other key is
		 * unique in PostgreSQL already.
		 */
		if (!t->ndeclared_key && !masks[i].nmasked && t->ncols &&
		    t->ncols * MULTI_ROWS <= sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1) &&
		    stage_prepare_insert_rows(db, t, name, MULTI_ROWS, &lc->multi))
			goto cleanup;
	}
	if (bulk_setup(db, tmp, &cat, &pl, masks, lcs, &bulk, &runs))
		goto cleanup;
	{
		long long total = 0;
		int npg = 0, last = -1;
		char label[256];
		for (int i = 0; i < pl.nchunks; i++)
			if (pl.chunk_table[i] != last) {
				struct table_meta *t = &cat.tables[pl.chunk_table[i]];
				last = pl.chunk_table[i];
				total += t->est_rows > 0 ? t->est_rows : 0;
				npg++;
				snprintf(label, sizeof(label), "%s.%s", t->source, t->name);
			}
		if (npg != 1)
			snprintf(label, sizeof(label), "%d tables", npg);
		progress_start(&progress, label, total);
		int rc;
		flusher_start(&fl, tmp);
		rc = load_pg_tables(pipe, &cat, &pl, lcs, bulk ? runs : NULL);
		pipe = NULL;
		progress_end(&progress);
		if (rc)
			goto cleanup;
		if (bulk) {
			rc = btb_finish(bulk);
			bulk = NULL;
			if (rc)
				goto cleanup;
		}
		flusher_kick(&fl);
		if (bulk_merge(db, &cat, lcs))
			goto cleanup;
	}
	for (int i = 0; i < cat.ntables; i++) {
		struct table_meta *t = &cat.tables[i];
		const char *name = stage_table_name(t);
		int from_pg = 0;
		for (int k = 0; k < pl.nchunks && !from_pg; k++)
			from_pg = pl.chunk_table[k] == i;
		if (!from_pg) {
			if (fixture_load_rows(fixdir, &cat, t, db, lcs[i].stmt, lcs[i].mask, secret,
					      &t->row_count))
				goto cleanup;
			if (t->row_filter && filter_fixture_table(db, t, name))
				goto cleanup;
			fault_point("snapshot.after_table");
		}
		if (lcs[i].bulk && lcs[i].nside) /* those went through SQLite: slower */
			info("%s.%s: %lld row%s (%lld out of key order)", t->source, t->name,
			     t->row_count, PLURAL_S(t->row_count), lcs[i].nside);
		else
			info("%s.%s: %lld row%s", t->source, t->name, t->row_count,
			     PLURAL_S(t->row_count));
	}
	for (int i = 0; i < cat.ntables; i++)
		finalize_load_stmts(&lcs[i]);
	now = utc_timestamp();
	if (stage_write_catalog(db, &cat) ||
	    stage_set_meta(db, "plan_name", plan->name) ||
	    stage_set_meta(db, "plan_json", plan->text) ||
	    stage_set_meta(db, "snapshot_at", now))
		goto cleanup;
	for (int i = 0; i < plan->nsources; i++)
		if (b[i].conn && drift_record_source(b[i].conn, db, b[i].name))
			goto cleanup;
	for (int i = 0; i < plan->nsources; i++) {
		for (int k = 0; k < b[i].nextra; k++)
			pg_exec(b[i].extra[k], "COMMIT", "cannot end the snapshot transaction");
		if (b[i].conn)
			pg_exec(b[i].conn, "COMMIT", "cannot end the snapshot transaction");
	}
	/* its last fdatasync (of the rows' last pages) overlapped the above */
	flusher_stop(&fl);
	fault_point("snapshot.before_commit");
	if (stage_finish_create(db, tmp)) {
		db = NULL;
		goto cleanup;
	}
	db = NULL;
	{
		const char *sfx[] = { "-journal", "-wal", "-shm" };
		for (size_t k = 0; k < ARRAY_SIZE(sfx); k++) {
			char *side = xasprintf("%s%s", out, sfx[k]);
			unlink(side);
			free(side);
		}
	}
	fault_point("snapshot.before_rename");
	if (rename(tmp, out)) {
		error("cannot rename '%s' to '%s': %s", tmp, out, strerror(errno));
		goto cleanup;
	}
	fsync_dir_of(out);
	tmp_path_for_signal = NULL;
	info("wrote '%s': %d table%s from %d source%s%s", out, cat.ntables, PLURAL_S(cat.ntables),
	     cat.nsources, cat.nsources == 1 ? "" : "s",
	     nmasked ? ", personal data masked" : "");
	o->ntables_out = cat.ntables;
	o->table_source_out = xcalloc((size_t)cat.ntables + 1, sizeof(char *));
	o->table_name_out = xcalloc((size_t)cat.ntables + 1, sizeof(char *));
	o->table_rows_out = xcalloc((size_t)cat.ntables + 1, sizeof(long long));
	for (int i = 0; i < cat.ntables; i++) {
		o->table_source_out[i] = xstrdup(cat.tables[i].source);
		o->table_name_out[i] = xstrdup(cat.tables[i].name);
		o->table_rows_out[i] = cat.tables[i].row_count;
	}
	o->masked_columns_out = nmasked;
	ret = 0;
cleanup:
	if (pipe) /* the staging file failed first: the COPYs are cancelled */
		copypipe_finish(pipe, 1);
	flusher_stop(&fl);
	btb_abandon(bulk);
	free(runs);
	for (int i = 0; lcs && i < cat.ntables; i++) {
		finalize_load_stmts(&lcs[i]);
		free_load_ctx(&lcs[i]);
	}
	free(lcs);
	pg_load_free(&pl);
	if (db)
		sqlite3_close(db);
	if (ret && tmp)
		unlink(tmp);
	tmp_path_for_signal = NULL;
	for (int i = 0; i < plan->nsources; i++) {
		prefetch_free(&b[i]);
		strv_free(b[i].size_names, b[i].nsizes);
		free(b[i].size_blocks);
		for (int k = 0; k < b[i].nextra; k++)
			PQfinish(b[i].extra[k]);
		free(b[i].extra);
		free(b[i].snapshot_id);
		if (b[i].conn)
			PQfinish(b[i].conn);
	}
	free(b);
	if (masks)
		for (int i = 0; i < cat.ntables; i++)
			mask_free(&masks[i], cat.tables[i].ncols);
	free(masks);
	free(secret);
	catalog_free(&cat);
	catalog_free(&fix);
	free(tmp);
	free(now);
	return ret;
}
