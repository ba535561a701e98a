/*
 * pgdiff: the differential test's fast driver.  Every case of a corpus
 * file is applied by PostgreSQL (libpq: in a transaction, every table
 * dumped with COPY, rolled back; sequences reset first, as they are not
 * transactional) and by drydock (the case compiled as a step against the
 * snapshot's catalog and run on the staging file the way `drydock run`
 * runs a step: run clock = PostgreSQL's now() of that transaction, the
 * per-run sequence state, then rolled back), and the tables are compared
 * row by row as PostgreSQL text (pgtype_to_text, what push sends).
 *
 *   pgdiff CONNINFO STAGE.db CORPUS.sql
 *
 * CONNINFO is the database STAGE.db was snapshotted from.  Prints one
 * block per case that is not "equal" or "both refuse" (tests/pgdiff/pgdiff.sh
 * defines the outcomes), a line "CHECK LINE" for each case PostgreSQL
 * refused with an integrity error (SQLSTATE class 23) while drydock ran
 * it (the caller runs those through `drydock run`, whose constraint checks
 * must refuse them), and last "FILE: N equal, N both refuse, N gap, N
 * differ, N to check".  Exit 0, or 3 on a setup failure.
 */
#define _GNU_SOURCE
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fn_sequence.h"
#include "pgtype.h"
#include "sqlc.h"
#include "sqlfn.h"
#include "stage.h"
#include "util.h"

struct rows {
	char **v;
	int n, alloc;
	char *error;      /* PostgreSQL: "STATE message"; drydock: the message */
	int compile_time; /* drydock refused before running */
};

static void rows_add(struct rows *r, char *line)
{
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 64;
		r->v = xrealloc(r->v, (size_t)r->alloc * sizeof(char *));
	}
	r->v[r->n++] = line;
}

static void rows_free(struct rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------ stderr capture */

static FILE *cap;
static int saved_fd = -1;

static void capture_begin(void)
{
	if (!cap)
		cap = tmpfile();
	fflush(stderr);
	rewind(cap);
	if (ftruncate(fileno(cap), 0)) { /* nothing to do */ }
	saved_fd = dup(2);
	dup2(fileno(cap), 2);
}

static char *capture_end(void)
{
	char line[2048] = "";
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	rewind(cap);
	if (!fgets(line, sizeof(line), cap))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

/* ------------------------------------------------------------ PostgreSQL */

static int pg_ok(PGresult *r)
{
	int s = PQresultStatus(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static void pg_exec_quiet(PGconn *c, const char *sql)
{
	PQclear(PQexec(c, sql));
}

static int pg_dump_table(PGconn *c, const char *table, struct rows *out)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *r;
	char *buf;
	int n;
	sb_adds(&sql, "COPY ");
	sb_add_ident(&sql, table);
	sb_adds(&sql, " TO STDOUT");
	r = PQexec(c, sql.buf);
	sb_release(&sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		PQclear(r);
		return -1;
	}
	PQclear(r);
	while ((n = PQgetCopyData(c, &buf, 0)) > 0) {
		struct strbuf line = STRBUF_INIT;
		sb_addf(&line, "%s\t", table);
		sb_add(&line, buf, (size_t)(n > 0 && buf[n - 1] == '\n' ? n - 1 : n));
		rows_add(out, sb_detach(&line, NULL));
		PQfreemem(buf);
	}
	while ((r = PQgetResult(c)))
		PQclear(r);
	return 0;
}

/* Applies a case in PostgreSQL; out gets the rows or the error; clock the transaction's now(). */
static int pg_case(PGconn *c, const char *reset, const char *sql, const struct catalog *cat,
		   struct rows *out, char **clock)
{
	PGresult *r = PQexec(c, reset);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pgdiff: cannot reset the sequences: %s", PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	pg_exec_quiet(c, "BEGIN");
	r = PQexec(c, "SELECT now()::text");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	*clock = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	r = PQexec(c, sql);
	if (!pg_ok(r)) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		out->error = xasprintf("%s %s", st ? st : "?????", m ? m : PQerrorMessage(c));
		PQclear(r);
		while ((r = PQgetResult(c)))
			PQclear(r);
	} else {
		PQclear(r);
		while ((r = PQgetResult(c)))
			PQclear(r);
		for (int i = 0; i < cat->ntables; i++)
			if (cat->tables[i].pristine_name && pg_dump_table(c, cat->tables[i].name, out))
				return -1;
	}
	pg_exec_quiet(c, "ROLLBACK");
	return 0;
}

/* ------------------------------------------------------------ drydock */

static void add_copy_text(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': sb_adds(out, "\\\\"); break;
		case '\b': sb_adds(out, "\\b"); break;
		case '\f': sb_adds(out, "\\f"); break;
		case '\n': sb_adds(out, "\\n"); break;
		case '\r': sb_adds(out, "\\r"); break;
		case '\t': sb_adds(out, "\\t"); break;
		case '\v': sb_adds(out, "\\v"); break;
		default: sb_addch(out, s[i]);
		}
	}
}

static int dd_render(sqlite3 *db, const struct table_meta *t, struct rows *out)
{
	struct strbuf sql = STRBUF_INIT, val = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;
	sb_adds(&sql, "SELECT ");
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			sb_adds(&sql, ", ");
		sb_add_qident(&sql, t->cols[i].name);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, t->stage_name);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		sb_release(&sql);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct strbuf line = STRBUF_INIT;
		sb_adds(&line, t->name);
		for (int i = 0; i < t->ncols; i++) {
			sb_addch(&line, '\t');
			if (pgtype_to_text(&t->cols[i].type, sqlite3_column_value(st, i), &val))
				sb_adds(&line, "\\N");
			else
				add_copy_text(&line, val.buf, val.len);
		}
		rows_add(out, sb_detach(&line, NULL));
	}
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&val);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The case as a step: compiled, run, rendered, rolled back. */
static int dd_case(sqlite3 *db, const struct catalog *cat, const char *sql, const char *clock,
		   struct rows *out)
{
	struct sqlc_env *env;
	struct sqlc_program p = { 0 };
	char *msg;
	int rc;

	if (sqlfn_setup("pgdiff", clock))
		return -1;
	sqlfn_reseed("case", 0);
	if (stage_exec(db, "BEGIN") || seq_state_reset(db))
		return -1;
	env = sqlc_env_new(cat, NULL);
	capture_begin();
	rc = sqlc_compile(env, "case.sql", sql, SQLC_STEP, &p);
	msg = capture_end();
	if (rc) {
		const struct sqlc_error *e = sqlc_env_error(env);
		if (e && e->message)
			out->error = xasprintf("case.sql:%d:%d: %s", e->line, e->col, e->message);
		else
			out->error = xstrdup(msg);
		out->compile_time = 1;
	}
	free(msg);
	sqlc_env_free(env);
	if (rc)
		goto done;
	for (int i = 0; i < p.nstmts && !out->error; i++) {
		const char *s = p.stmts[i].sqlite_sql;
		while (s && *s && !out->error) {
			sqlite3_stmt *st = NULL;
			const char *tail = NULL;
			int r = sqlite3_prepare_v2(db, s, -1, &st, &tail);
			if (r == SQLITE_OK && st) {
				while ((r = sqlite3_step(st)) == SQLITE_ROW)
					;
				if (r == SQLITE_DONE)
					r = SQLITE_OK;
			}
			if (r != SQLITE_OK)
				out->error = xstrdup(sqlite3_errmsg(db));
			sqlite3_finalize(st);
			s = tail;
		}
	}
	for (int i = 0; !out->error && i < cat->ntables; i++)
		if (cat->tables[i].pristine_name && dd_render(db, &cat->tables[i], out))
			out->error = xasprintf("cannot read table %s: %s", cat->tables[i].name, sqlite3_errmsg(db));
done:
	sqlc_program_free(&p);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return 0;
}

/* ------------------------------------------------------------ corpus */

struct kase {
	char *sql;
	int line;
};

static int split_cases(const char *text, struct kase **out)
{
	int n = 0, line = 1, start = 0, stmt = 0;
	struct strbuf cur = STRBUF_INIT;
	const char *p = text;
	*out = NULL;
	for (;;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int blank = 1;
		for (size_t i = 0; i < len; i++)
			if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
				blank = 0;
		if (blank) {
			if (cur.len && stmt) {
				*out = xrealloc(*out, (size_t)(n + 1) * sizeof(**out));
				(*out)[n].sql = sb_detach(&cur, NULL);
				(*out)[n].line = start;
				n++;
			}
			sb_reset(&cur);
			stmt = 0;
		} else {
			const char *q = p;
			while (*q == ' ' || *q == '\t')
				q++;
			if (!cur.len)
				start = line;
			if (strncmp(q, "--", 2))
				stmt = 1;
			sb_add(&cur, p, len);
			sb_addch(&cur, '\n');
		}
		if (!e)
			break;
		p = e + 1;
		line++;
	}
	if (cur.len && stmt) {
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof(**out));
		(*out)[n].sql = sb_detach(&cur, NULL);
		(*out)[n].line = start;
		n++;
	}
	sb_release(&cur);
	return n;
}

static void show_case(const char *sql)
{
	const char *p = sql;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		printf("    | %.*s\n", (int)len, p);
		if (!e)
			break;
		p = e + 1;
	}
}

int main(int argc, char **argv)
{
	PGconn *conn = NULL;
	sqlite3 *db = NULL;
	struct catalog cat = { 0 };
	struct kase *cases = NULL;
	struct strbuf reset = STRBUF_INIT;
	char *text = NULL;
	const char *name;
	int ncases, ret = 3;
	int equal = 0, refuse = 0, gap = 0, differ = 0, tocheck = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: pgdiff CONNINFO STAGE.db CORPUS.sql\n");
		return 2;
	}
	name = strrchr(argv[3], '/') ? strrchr(argv[3], '/') + 1 : argv[3];
	text = read_file(argv[3], NULL);
	if (!text) {
		fprintf(stderr, "pgdiff: cannot read %s\n", argv[3]);
		return 3;
	}
	ncases = split_cases(text, &cases);
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pgdiff: cannot connect: %s", PQerrorMessage(conn));
		goto cleanup;
	}
	pg_exec_quiet(conn, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; "
			    "SET extra_float_digits = 1; SET bytea_output = 'hex'; SET client_min_messages = warning");
	if (sqlfn_setup("pgdiff", "2000-01-01 00:00:00+00") || stage_open(argv[2], 0, &db) ||
	    sqlfn_register(db) || stage_read_catalog(db, &cat) || sqlc_setup(db, &cat))
		goto cleanup;
	/*
	 * PostgreSQL's sequences are reset before every case to what the
	 * snapshot recorded (dd_sequence), the state drydock's run starts from:
	 * nextval is not rolled back, and an earlier invocation on the same
	 * database may have moved them since the snapshot.
	 */
	{
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, "SELECT schema, name, last_value, is_called FROM dd_sequence",
				       -1, &st, NULL) != SQLITE_OK)
			goto cleanup;
		while (sqlite3_step(st) == SQLITE_ROW) {
			char *q = PQescapeLiteral(conn, (const char *)sqlite3_column_text(st, 0),
						  strlen((const char *)sqlite3_column_text(st, 0)));
			char *n = PQescapeLiteral(conn, (const char *)sqlite3_column_text(st, 1),
						  strlen((const char *)sqlite3_column_text(st, 1)));
			sb_addf(&reset, "SELECT setval(format('%%I.%%I', %s, %s)::regclass, %lld, %s);", q, n,
				(long long)sqlite3_column_int64(st, 2),
				sqlite3_column_int(st, 3) ? "true" : "false");
			PQfreemem(q);
			PQfreemem(n);
		}
		sqlite3_finalize(st);
		if (!reset.len)
			sb_adds(&reset, "SELECT 1");
	}
	/* what a run starts from: the working tables as the snapshot */
	for (int i = 0; i < cat.ntables; i++) {
		struct strbuf q = STRBUF_INIT;
		const struct table_meta *t = &cat.tables[i];
		if (!t->pristine_name)
			continue;
		sb_adds(&q, "DROP TABLE IF EXISTS ");
		sb_add_qident(&q, t->stage_name);
		if (stage_exec(db, q.buf) || stage_create_table(db, t, t->stage_name)) {
			sb_release(&q);
			goto cleanup;
		}
		sb_reset(&q);
		sb_adds(&q, "INSERT INTO ");
		sb_add_qident(&q, t->stage_name);
		sb_adds(&q, " SELECT * FROM ");
		sb_add_qident(&q, t->pristine_name);
		if (stage_exec(db, q.buf)) {
			sb_release(&q);
			goto cleanup;
		}
		sb_release(&q);
	}
	for (int k = 0; k < ncases; k++) {
		struct rows pg = { 0 }, dd = { 0 };
		char *clock = NULL, *outcome = NULL;
		int show_rows = 0;
		if (pg_case(conn, reset.buf, cases[k].sql, &cat, &pg, &clock)) {
			fprintf(stderr, "pgdiff: PostgreSQL failed outside the case: %s", PQerrorMessage(conn));
			goto cleanup;
		}
		if (dd_case(db, &cat, cases[k].sql, clock, &dd)) {
			fprintf(stderr, "pgdiff: the staging file failed outside the case\n");
			goto cleanup;
		}
		if (pg.error) {
			const char *pmsg = pg.error + 6;
			if (!dd.error) {
				if (!strncmp(pg.error, "23", 2)) {
					tocheck++;
					printf("CHECK %d\n", cases[k].line);
				} else {
					outcome = xasprintf("differ: PostgreSQL refuses (%s), drydock ran it", pmsg);
				}
			} else if (dd.compile_time || strstr(dd.error, pmsg) ||
				   (!strncmp(pg.error, "23505", 5) && strstr(dd.error, "UNIQUE constraint failed"))) {
				refuse++;
			} else {
				outcome = xasprintf("differ: PostgreSQL refuses (%s), drydock: %s", pmsg, dd.error);
			}
		} else if (dd.error) {
			outcome = xasprintf("gap: PostgreSQL runs it, drydock: %s", dd.error);
		} else {
			qsort(pg.v, (size_t)pg.n, sizeof(char *), cmp_str);
			qsort(dd.v, (size_t)dd.n, sizeof(char *), cmp_str);
			int same = pg.n == dd.n;
			for (int i = 0; same && i < pg.n; i++)
				same = !strcmp(pg.v[i], dd.v[i]);
			if (same)
				equal++;
			else {
				outcome = xstrdup("differ: rows");
				show_rows = 1;
			}
		}
		if (outcome) {
			if (!strncmp(outcome, "gap", 3))
				gap++;
			else
				differ++;
			printf("%s:%d: %s\n", name, cases[k].line, outcome);
			show_case(cases[k].sql);
			if (show_rows) {
				int i = 0, j = 0, shown = 0;
				printf("    expected (PostgreSQL) < > actual (drydock):\n");
				while ((i < pg.n || j < dd.n) && shown < 20) {
					int c = i >= pg.n ? 1 : j >= dd.n ? -1 : strcmp(pg.v[i], dd.v[j]);
					if (c == 0) {
						i++, j++;
					} else if (c < 0) {
						printf("    < %s\n", pg.v[i++]);
						shown++;
					} else {
						printf("    > %s\n", dd.v[j++]);
						shown++;
					}
				}
			}
			free(outcome);
		}
		free(clock);
		rows_free(&pg);
		rows_free(&dd);
		fflush(stdout);
	}
	printf("%s: %d equal, %d both refuse, %d gap, %d differ, %d to check\n", name, equal, refuse,
	       gap, differ, tocheck);
	ret = 0;
cleanup:
	for (int k = 0; cases && k < ncases; k++)
		free(cases[k].sql);
	free(cases);
	free(text);
	sb_release(&reset);
	catalog_free(&cat);
	stage_close(db);
	PQfinish(conn);
	return ret;
}
