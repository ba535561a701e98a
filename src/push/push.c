/*
 * push: the executor of the walks pushsql renders (see push.h).
 */
#define _GNU_SOURCE
#include "push.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "book.h"
#include "pg.h"
#include "plan.h"
#include "pushrows.h"
#include "stage.h"

enum { C_I, C_U, C_D, C_EXCLUDED, C_EARLY };

/* ------------------------------------------------------------ reporting */

static void status_line(struct push_exec *e, const char *text)
{
	if (!progress_wanted())
		return;
	fprintf(stderr, "\r\033[K%s: %.70s", e->what, text);
	e->status_line = 1;
}

static void status_clear(struct push_exec *e)
{
	if (e->status_line)
		fprintf(stderr, "\r\033[K");
	e->status_line = 0;
}

static void rollback_tx(struct push_exec *e)
{
	if (e->in_tx && PQstatus(e->conn) == CONNECTION_OK) {
		PGresult *r = PQexec(e->conn, "ROLLBACK");
		PQclear(r);
	}
	e->in_tx = 0;
}

/* What a failure leaves behind, said once. */
static void say_nothing_applied(struct push_exec *e)
{
	if (e->st.batch_size > 0 && e->ledger_id && (e->units_done > 0 || e->st.resume)) {
		detail("The batches before this one are applied and recorded (ledger entry #%lld, in progress).",
		       e->ledger_id);
		hint("Fix the cause and run the same push again to resume, or undo the applied batches "
		     "with 'drydock rollback --ledger %lld --target URL'.", e->ledger_id);
		e->partial = 1;
	} else {
		detail("Nothing was applied: the transaction was rolled back.");
	}
}

static int fail(struct push_exec *e, enum push_outcome o)
{
	status_clear(e);
	rollback_tx(e);
	if (e->outcome == PUSH_APPLIED)
		e->outcome = o;
	say_nothing_applied(e);
	return -1;
}

static int step_error(struct push_exec *e, PGresult *r, const struct ps_step *s)
{
	char *what = xasprintf("%s failed at: %s", e->what,
			       s->comment ? s->comment : "a statement");
	status_clear(e);
	pg_result_error(e->conn, r, what);
	free(what);
	PQclear(r);
	return fail(e, PUSH_FAILED);
}

static PGresult *exec(struct push_exec *e, const char *sql)
{
	return PQexec(e->conn, sql);
}

static int ok(PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* ------------------------------------------------------------ conflicts */

/* The columns a conflict (or verification) row's images are over. */
static const struct push_col *cols_for(const struct push_table *t, int verify, int *n)
{
	if (verify ? t->nnew > 0 : t->nold == 0) {
		*n = t->nnew;
		return t->new;
	}
	*n = t->nold;
	return t->old;
}

static cJSON *row_object(const cJSON *vals, const struct push_col *c, int n,
			 int keys_only)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *v = vals ? vals->child : NULL;
	for (int i = 0; i < n && v; i++) {
		if ((keys_only && !c[i].key) || !c[i].mid)
			continue;
		cJSON_AddItemToObject(o, c[i].name, cJSON_Duplicate(v, 0));
		v = v->next;
	}
	return o;
}

static void print_value(const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		printf("NULL");
		return;
	}
	putchar('\'');
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)v->valuestring; *p; p++, n++) {
		if (n == 60) {
			printf("...");
			break;
		}
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\'');
}

static int report_open(struct push_exec *e)
{
	if (e->report || !e->report_path)
		return 0;
	e->report_tmp = xasprintf("%s.tmp", e->report_path);
	e->report = fopen(e->report_tmp, "w");
	if (!e->report)
		return error("cannot write the conflict report '%s': %s", e->report_tmp,
			     strerror(errno));
	fprintf(e->report, "{\"hash\":\"%s\",\"kind\":\"%s\",\"conflicts\":[\n", e->ps->hash,
		e->what);
	return 0;
}

static int report_close(struct push_exec *e)
{
	int ret = 0;
	if (!e->report)
		return 0;
	fprintf(e->report, "\n]}\n");
	if (fflush(e->report) || ferror(e->report) || fsync(fileno(e->report)))
		ret = error("cannot write the conflict report '%s': %s", e->report_tmp,
			    strerror(errno));
	if (fclose(e->report) && !ret)
		ret = error("cannot write the conflict report '%s': %s", e->report_tmp,
			    strerror(errno));
	e->report = NULL;
	if (!ret && rename(e->report_tmp, e->report_path))
		ret = error("cannot write the conflict report '%s': %s", e->report_path,
			    strerror(errno));
	if (!ret)
		fsync_dir_of(e->report_path);
	else
		unlink(e->report_tmp);
	free(e->report_tmp);
	e->report_tmp = NULL;
	return ret;
}

/*
 * One row of a conflict or verification query: dd_op, dd_seq, key,
 * missing, differing columns, expected image, target row.
 */
static void show_row(struct push_exec *e, const struct push_table *t, PGresult *r,
		     int row, int verify)
{
	char op = PQgetvalue(r, row, 0)[0];
	const char *key = PQgetvalue(r, row, 2);
	int missing = PQgetvalue(r, row, 3)[0] == 't';
	cJSON *differs = cJSON_Parse(PQgetvalue(r, row, 4));
	cJSON *expected = PQgetisnull(r, row, 5) ? NULL : cJSON_Parse(PQgetvalue(r, row, 5));
	cJSON *target = PQgetisnull(r, row, 6) ? NULL : cJSON_Parse(PQgetvalue(r, row, 6));
	const char *opname = op == 'I' ? "insert" : op == 'U' ? "update" : "delete";
	const char *problem;
	int n;
	const struct push_col *c = cols_for(t, verify, &n);

	if (verify)
		problem = op == 'D' ? "the row is still there" : missing ? "the row is not there"
			: "the row differs from what was written";
	else
		problem = op == 'I' ? "the key already exists in the target"
			: missing ? "the row is no longer in the target"
			: e->ps->rollback ? "the row changed since the push"
					  : "the row changed since the snapshot";
	/* a table without a key: rows by count (pushsql.c, the note says how many) */
	if (t->full_row && PQnfields(r) > 7 && !PQgetisnull(r, row, 7))
		problem = PQgetvalue(r, row, 7);
	else if (t->full_row && verify)
		problem = "the row is not there as often as it was inserted";
	if (e->shown < 20) {
		printf("%s: %s %s (%s): %s\n", verify ? "mismatch" : "conflict", t->name, key,
		       opname, problem);
		const cJSON *d;
		cJSON_ArrayForEach(d, differs) {
			int idx = 0, k = 0;
			for (int i = 0; i < n; i++) {
				if (!c[i].mid)
					continue;
				if (!strcmp(c[i].name, d->valuestring))
					idx = k;
				k++;
			}
			printf("    %-20s %s ", d->valuestring, verify ? "written" : "expected");
			print_value(cJSON_GetArrayItem(expected, idx));
			printf(", target has ");
			print_value(cJSON_GetArrayItem(target, idx));
			printf("\n");
		}
	}
	e->shown++;
	if (e->report && !verify) {
		cJSON *o = cJSON_CreateObject();
		char *line;
		cJSON_AddStringToObject(o, "table", t->name);
		cJSON_AddStringToObject(o, "op", opname);
		cJSON_AddItemToObject(o, "key", cJSON_Parse(key));
		cJSON_AddStringToObject(o, "problem", op == 'I' ? "exists" : missing ? "missing" : "changed");
		cJSON_AddItemToObject(o, "columns", cJSON_Duplicate(differs, 1));
		cJSON_AddItemToObject(o, e->ps->rollback ? "pushed" : "snapshot",
				      expected ? row_object(expected, c, n, 0) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "target",
				      target ? row_object(target, c, n, 0) : cJSON_CreateNull());
		line = cJSON_PrintUnformatted(o);
		fprintf(e->report, "%s%s", e->conflicts > 1 ? ",\n" : "", line);
		cJSON_free(line);
		cJSON_Delete(o);
	}
	cJSON_Delete(differs);
	cJSON_Delete(expected);
	cJSON_Delete(target);
}

/* Streams a conflict query; every row is a conflict. */
static int run_conflicts(struct push_exec *e, const struct ps_step *s, const char *sql)
{
	const struct push_table *t = &e->ps->tables[s->table];
	PGresult *r;
	int failed = 0;

	if (!PQsendQuery(e->conn, sql) || !PQsetSingleRowMode(e->conn)) {
		pg_result_error(e->conn, NULL, "cannot run the conflict check");
		return fail(e, PUSH_FAILED);
	}
	while ((r = PQgetResult(e->conn))) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE) {
			if (!e->conflicts)
				status_clear(e);
			e->conflicts++;
			if (!e->report && report_open(e))
				failed = 1;
			if (!failed)
				show_row(e, t, r, 0, 0);
		} else if (st != PGRES_TUPLES_OK && !failed) {
			char *what = xasprintf("%s failed at: conflict check of %s", e->what, t->name);
			status_clear(e);
			pg_result_error(e->conn, r, what);
			free(what);
			failed = 1;
		}
		PQclear(r);
	}
	return failed ? fail(e, PUSH_FAILED) : 0;
}

/* After the last conflict query: stop if anything conflicted. */
static int conflicts_done(struct push_exec *e)
{
	status_clear(e);
	if (e->shown > 20)
		printf("... and %lld more\n", e->conflicts - 20);
	rollback_tx(e);
	report_close(e);
	error("%lld conflict%s: the target changed since the %s", e->conflicts,
	      e->conflicts == 1 ? "" : "s", e->ps->rollback ? "push" : "snapshot");
	if (e->st.batch_size > 0 && e->ledger_id && (e->units_done || e->st.resume))
		say_nothing_applied(e);
	else
		detail("Nothing was applied: the transaction was rolled back.");
	if (e->report_path)
		detail("The conflicting rows are listed in '%s'.", e->report_path);
	if (e->ps->rollback)
		hint("Rows changed after the push cannot be rolled back blindly: restore them by hand, or roll back the others with --where.");
	else
		hint("Snapshot the target again and rerun the plan, so the change set starts from what the target holds now.");
	e->outcome = PUSH_CONFLICT;
	return 1;
}

/* ------------------------------------------------- the fused conflict check */

/*
 * The conflict check reads every row the push touches beside the target's
 * row, and the guarded statements read them again.  When the guards alone
 * are sure to notice every conflict, the check is held back: a savepoint
 * is set where it would run, the statements run, and only when one of
 * them falls short of its count or fails does the transaction roll back
 * to the savepoint and the held queries run there, as they would have.
 * The guards notice everything when: an updated or deleted row that
 * differs from the snapshot fails the guard (the same columns the check
 * compares: a count short); an inserted row whose key exists fails on a
 * unique index over key columns, checked at once (not deferrable); and
 * nothing else acts on the rows: no triggers or rules on the tables, no
 * partitions, no broken cycles, no schema changes, one transaction.  A
 * rollback fuses as a push does: its guards compare with what the push
 * left (bench/scale.sh's 2M-row rollback: 1.4-1.5 s before, 0.6-0.8 s).
 */
/* " AND EXISTS (...)": t has a unique index over its key columns only,
 * whole, valid and checked at once */
static void add_key_index_exists(struct strbuf *q, const struct push_table *t)
{
	struct strbuf name = STRBUF_INIT, keys = STRBUF_INIT;
	for (int c = 0; c < t->nnew; c++) {
		if (!t->new[c].key)
			continue;
		if (keys.len)
			sb_adds(&keys, ", ");
		sb_add_literal(&keys, t->new[c].name);
	}
	sb_add_ident(&name, t->schema);
	sb_addch(&name, '.');
	sb_add_ident(&name, t->name);
	sb_adds(q, "\n  AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(");
	sb_add_literal(q, name.buf);
	sb_addf(q, ") AND i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL"
		   " AND i.indexprs IS NULL AND NOT EXISTS (SELECT 1 FROM generate_series(0, i.indnkeyatts - 1) g"
		   " WHERE i.indkey[g] NOT IN (SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid"
		   " AND attname IN (%s))))", keys.len ? keys.buf : "NULL");
	sb_release(&name);
	sb_release(&keys);
}

/*
 * Fused, the guarded statements join each work table to its target table
 * on the key.  The work table is in key order, so probing the key's index
 * row by row reads each of the target's pages once, in order; the planner
 * instead estimates the guards' many IS NOT DISTINCT FROM as selective and
 * reads the whole target table for a hash or merge join (on the benchmark,
 * 10,000 deletes from 1,000,000 rows read all of them).  So, for the rest
 * of the transaction, when every table has a unique index over its key and
 * no statement joins anything else (no early deletes testing referencing
 * tables, no triggers: fused), nested loops over that index.  Set after
 * the savepoint: unwinding to it restores the planner for the conflict
 * queries.
 */
static int key_probes_only(const struct push_set *ps)
{
	for (int i = 0; i < ps->ntables; i++)
		if (pushsql_split_deletes(&ps->tables[i]))
			return 0;
	return 1;
}

static int fused_eligible(struct push_exec *e)
{
	const struct push_set *ps = e->ps;
	struct strbuf q = STRBUF_INIT, rels = STRBUF_INIT;
	PGresult *r;
	int yes = 0, probes = 0;

	if (!ps || ps->nddl || e->st.batch_size > 0 || e->st.resume ||
	    e->o->disable_triggers || !ps->ntables)
		return 0;
	for (int i = 0; i < ps->ntables; i++) {
		const struct push_table *t = &ps->tables[i];
		struct strbuf name = STRBUF_INIT;
		/* a table without a key: no unique index notices a copy too many */
		if (t->cycle || t->created || t->full_row)
			goto cleanup;
		sb_add_ident(&name, t->schema);
		sb_addch(&name, '.');
		sb_add_ident(&name, t->name);
		sb_adds(&rels, i ? ", to_regclass(" : "to_regclass(");
		sb_add_literal(&rels, name.buf);
		sb_adds(&rels, ")");
		sb_release(&name);
	}
	sb_addf(&q, "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (%s))"
		    "\n  AND NOT EXISTS (SELECT 1 FROM pg_rewrite WHERE rulename <> '_RETURN' AND ev_class IN (%s))"
		    "\n  AND (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND oid IN (%s)) = %d",
		rels.buf, rels.buf, rels.buf, ps->ntables);
	for (int i = 0; i < ps->ntables; i++)
		if (ps->tables[i].ninsert)
			add_key_index_exists(&q, &ps->tables[i]);
	/* second column: the tables without inserts have such an index too */
	sb_adds(&q, ",\n  true");
	for (int i = 0; i < ps->ntables; i++)
		if (!ps->tables[i].ninsert)
			add_key_index_exists(&q, &ps->tables[i]);
	r = exec(e, q.buf);
	yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	      !strcmp(PQgetvalue(r, 0, 0), "t");
	probes = yes && !strcmp(PQgetvalue(r, 0, 1), "t") && key_probes_only(ps);
	PQclear(r);
	if (yes) {
		r = exec(e, probes ? "SAVEPOINT dd_fused; SET LOCAL enable_hashjoin = off; "
				     "SET LOCAL enable_mergejoin = off"
				   : "SAVEPOINT dd_fused");
		yes = ok(r);
		PQclear(r);
	}
cleanup:
	sb_release(&q);
	sb_release(&rels);
	return yes;
}

static void hold(struct push_exec *e, const struct ps_step *s)
{
	e->held = xrealloc(e->held, (size_t)(e->nheld + 1) * sizeof(*e->held));
	e->held[e->nheld] = *s;
	/* the walk reuses its buffers after each step */
	e->held[e->nheld].sql = xstrdup(s->sql);
	e->held[e->nheld].comment = s->comment ? xstrdup(s->comment) : NULL;
	e->held[e->nheld].work = NULL;
	e->nheld++;
}

static void held_release(struct push_exec *e)
{
	for (int i = 0; i < e->nheld; i++) {
		free((char *)e->held[i].sql);
		free((char *)e->held[i].comment);
	}
	free(e->held);
	e->held = NULL;
	e->nheld = 0;
	e->fused_open = 0;
}

/*
 * A guarded statement fell short or failed: back to the savepoint, and
 * the held conflict queries run.  0 when they ran (e->conflicts says
 * what they found), -1 on error (reported).
 */
static int fused_unwind(struct push_exec *e)
{
	PGresult *r = exec(e, "ROLLBACK TO SAVEPOINT dd_fused");
	int ret = 0;
	if (!ok(r)) {
		pg_result_error(e->conn, r, "cannot roll back to the conflict check");
		PQclear(r);
		held_release(e);
		return fail(e, PUSH_FAILED);
	}
	PQclear(r);
	for (int i = 0; i < e->nheld && !ret; i++) {
		status_line(e, e->held[i].comment ? e->held[i].comment : "conflict check");
		ret = run_conflicts(e, &e->held[i], e->held[i].sql);
	}
	held_release(e);
	return ret;
}

/* ------------------------------------------------------------ the steps */

static int put_copy(void *ctx, const char *buf, size_t len)
{
	struct push_exec *e = ctx;
	if (PQputCopyData(e->conn, buf, (int)len) != 1)
		return -1;
	if (e->progress.active) {
		long long n = e->progress.done;
		for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			n++;
		progress_update(&e->progress, n);
	}
	return 0;
}

static int do_copy(struct push_exec *e, const struct ps_step *s)
{
	const struct push_table *t = &e->ps->tables[s->table];
	PGresult *r = exec(e, s->sql);
	long long per[3];
	int bad;

	if (PQresultStatus(r) != PGRES_COPY_IN)
		return step_error(e, r, s);
	PQclear(r);
	status_clear(e);
	progress_start(&e->progress, t->name, s->unit ? e->st.units[s->unit - 1].rows
						       : t->ninsert + t->nupdate + t->ndelete);
	r = NULL;
	bad = pushrows_copy(e->db, t, s, put_copy, e, per);
	progress_end(&e->progress);
	if (bad) {
		PQputCopyEnd(e->conn, "drydock could not read the change set");
		while ((r = PQgetResult(e->conn)))
			PQclear(r);
		return fail(e, PUSH_FAILED);
	}
	if (PQputCopyEnd(e->conn, NULL) != 1)
		return step_error(e, NULL, s);
	r = PQgetResult(e->conn);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return step_error(e, r, s);
	PQclear(r);
	while ((r = PQgetResult(e->conn)))
		PQclear(r);
	for (int i = 0; i < 3; i++)
		e->counts[s->table][i] += per[i];
	if (s->unit)
		bad = per[0] + per[1] + per[2] != e->st.units[s->unit - 1].rows;
	else
		bad = per[0] != t->ninsert || per[1] != t->nupdate || per[2] != t->ndelete;
	if (bad) {
		error("the change set of table '%s' does not match its counts", t->name);
		detail("dd_change holds %lld inserts, %lld updates and %lld deletes; dd_change_table says %lld, %lld and %lld.",
		       per[0], per[1], per[2], t->ninsert, t->nupdate, t->ndelete);
		hint("Run the plan again to recompute the change set.");
		return fail(e, PUSH_FAILED);
	}
	return 0;
}

static long long expected_rows(struct push_exec *e, const struct ps_step *s)
{
	long long *c = e->counts[s->table];
	long long n = c[s->op == 'I' ? C_I : s->op == 'U' ? C_U : C_D];
	if (s->op == 'D')
		n -= c[C_EXCLUDED];
	if (s->count == CNT_REST)
		n -= c[C_EARLY];
	return n;
}

static int do_dml(struct push_exec *e, const struct ps_step *s)
{
	const struct push_table *t = &e->ps->tables[s->table];
	PGresult *r = exec(e, s->sql);
	long long n, want;

	if (!ok(r)) {
		/* fused: what the conflict check would have said comes first */
		if (e->fused_open) {
			if (fused_unwind(e)) {
				PQclear(r);
				return -1;
			}
			if (e->conflicts) {
				PQclear(r);
				return conflicts_done(e);
			}
		}
		return step_error(e, r, s);
	}
	n = atoll(PQcmdTuples(r));
	PQclear(r);
	want = expected_rows(e, s);
	if (s->count == CNT_EARLY) {
		e->counts[s->table][C_EARLY] += n;
		if (n <= want)
			return 0;
	} else if (s->count == CNT_NONE || n == want) {
		return 0;
	}
	if (e->fused_open) {
		if (fused_unwind(e))
			return -1;
		if (e->conflicts)
			return conflicts_done(e);
		/* none: the statement fell short by itself, and fails as it
		 * would have (the transaction is rolled back either way) */
	}
	/* a row changed between the conflict check and this statement */
	status_clear(e);
	printf("%s of %s: %lld rows affected, %lld expected\n",
	       s->op == 'I' ? "insert" : s->op == 'U' ? "update" : "delete", t->name, n, want);
	{
		struct strbuf q = STRBUF_INIT;
		struct ps_step cs = *s;
		pushsql_conflicts_sql(&q, t, s->work);
		cs.kind = PS_CONFLICTS;
		if (run_conflicts(e, &cs, q.buf)) {
			sb_release(&q);
			return -1;
		}
		sb_release(&q);
	}
	if (e->conflicts)
		return conflicts_done(e);
	error("%s of %s affected %lld rows; %lld were expected", s->comment ? s->comment : "a statement",
	      t->name, n, want);
	detail("A rule or trigger on the target may have changed what the statement did.");
	return fail(e, PUSH_FAILED);
}

static void show_triggers(struct push_exec *e, const struct push_table *t)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *r = PQexecParams(e->conn,
				   "SELECT string_agg(tgname, ', ' ORDER BY tgname) FROM pg_trigger g "
				   "JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
				   "WHERE n.nspname = $1 AND c.relname = $2 AND NOT g.tgisinternal",
				   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0)) {
		detail("Table %s.%s has triggers: %s.", t->schema, t->name, PQgetvalue(r, 0, 0));
		hint("A trigger that deletes or moves the rows push writes cannot be verified; "
		     "--disable-triggers turns the tables' own triggers off for the push (docs/push.md, \"Triggers\").");
	} else {
		hint("A rule, a trigger or a default on the target changed the rows (docs/push.md, \"Triggers\").");
	}
	PQclear(r);
}

/* The enabled user triggers of the set's tables ("a, b"), or NULL. */
static char *firing_triggers(struct push_exec *e, const struct push_table *only)
{
	struct strbuf q = STRBUF_INIT;
	PGresult *r;
	char *names = NULL;
	sb_adds(&q, "SELECT string_agg(DISTINCT tgname, ', ') FROM pg_trigger "
		    "WHERE NOT tgisinternal AND tgenabled IN ('O', 'A') AND tgrelid IN (");
	for (int i = 0, n = 0; i < e->ps->ntables; i++) {
		struct strbuf t = STRBUF_INIT;
		if (only && only != &e->ps->tables[i])
			continue;
		sb_add_ident(&t, e->ps->tables[i].schema);
		sb_addch(&t, '.');
		sb_add_ident(&t, e->ps->tables[i].name);
		sb_adds(&q, n++ ? ", to_regclass(" : "to_regclass(");
		sb_add_literal(&q, t.buf);
		sb_adds(&q, ")");
		sb_release(&t);
	}
	sb_adds(&q, ")");
	r = exec(e, q.buf);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0))
		names = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	sb_release(&q);
	return names;
}

/*
 * Rows missing or not deleted are always refused.  Values differing
 * from what push wrote are accepted when the target's triggers fire on
 * the set's tables: that is what production does (an updated_at stamp, a
 * tsvector), and the capture step that follows keeps what they wrote in
 * the ledger.  Without triggers, a rule or a referential action changed
 * them: refused.
 */
static int do_verify(struct push_exec *e, const struct ps_step *s)
{
	const struct push_table *t = &e->ps->tables[s->table];
	PGresult *r = exec(e, s->sql);
	int n, gone = 0;
	char *trig = NULL;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	n = PQntuples(r);
	if (!n) {
		PQclear(r);
		return 0;
	}
	for (int i = 0; i < n; i++)
		gone |= PQgetvalue(r, i, 3)[0] == 't' || PQgetvalue(r, i, 0)[0] == 'D';
	if (!gone && !e->ps->rollback && (trig = firing_triggers(e, NULL))) {
		free(trig);
		PQclear(r);
		return 0;
	}
	status_clear(e);
	e->shown = 0;
	for (int i = 0; i < n && i < 20; i++)
		show_row(e, t, r, i, 1);
	if (n > 20)
		printf("... and more\n");
	PQclear(r);
	error("after the %s, %s does not hold the rows drydock wrote", e->what, t->name);
	show_triggers(e, t);
	if (t->full_row)
		hint("Table %s has no key, so a row a trigger changed cannot be found again: push with "
		     "--disable-triggers, or give the table a key (\"key\" in plan.json).", t->name);
	return fail(e, PUSH_FAILED);
}

/* What the target's triggers wrote, now in the ledger: said per column. */
static int do_capture(struct push_exec *e, const struct ps_step *s)
{
	const struct push_table *t = &e->ps->tables[s->table];
	PGresult *r = exec(e, s->sql);
	char *trig;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	if (!PQntuples(r)) {
		PQclear(r);
		return 0;
	}
	status_clear(e);
	trig = firing_triggers(e, t);
	for (int i = 0; i < PQntuples(r); i++) {
		long long n = atoll(PQgetvalue(r, i, 1));
		info("%s.%s set by %s%s on %lld row%s; the ledger keeps what the target holds",
		     t->name, PQgetvalue(r, i, 0), trig ? "trigger " : "the target's triggers",
		     trig ? trig : "", n, n == 1 ? "" : "s");
	}
	free(trig);
	PQclear(r);
	return 0;
}

static int do_preflight(struct push_exec *e, const struct ps_step *s)
{
	PGresult *r = exec(e, s->sql);
	int n, shape = 0, rule = 0, nrules = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	n = PQntuples(r);
	if (!n) {
		PQclear(r);
		return 0;
	}
	status_clear(e);
	for (int i = 0; i < n; i++) {
		const char *tbl = PQgetvalue(r, i, 0), *col = PQgetvalue(r, i, 1);
		int exists = PQgetvalue(r, i, 4)[0] == 't', must = PQgetvalue(r, i, 5)[0] == 't';
		if (!PQgetisnull(r, i, 6)) {
			/* a rule the statements would fire */
			if (!rule) {
				rule = i + 1;
				continue;
			}
			nrules++;
			continue;
		}
		shape++;
		if (!must) {
			printf("table %s.%s already exists in the target (the plan creates it)\n",
			       e->ps->schema, tbl);
		} else if (!exists) {
			/* one line per missing table */
			if (i && !strcmp(PQgetvalue(r, i - 1, 0), tbl))
				continue;
			printf("table %s.%s does not exist in the target\n", e->ps->schema, tbl);
		} else if (PQgetisnull(r, i, 3)) {
			printf("column %s.%s does not exist in the target\n", tbl, col);
		} else {
			printf("column %s.%s is %s in the target, %s in the %s\n", tbl, col,
			       PQgetvalue(r, i, 3), PQgetvalue(r, i, 2),
			       e->ps->rollback ? "pushed rows" : "snapshot");
		}
	}
	if (shape) {
		error("the target's tables are not those the change set was made for");
		if (e->ps->rollback)
			hint("The target's schema changed since the push; a rollback needs the shape the push left.");
		else
			hint("The target changed since the snapshot (or this is not the database it was taken from): snapshot it again.");
	}
	if (rule) {
		const char *tbl = PQgetvalue(r, rule - 1, 0), *name = PQgetvalue(r, rule - 1, 1);
		error("table %s.%s has rule %s, which the %s's statements would fire", e->ps->schema, tbl,
		      name, e->ps->rollback ? "rollback" : "push");
		detail("%s", PQgetvalue(r, rule - 1, 3));
		if (nrules)
			detail("%d more rule%s on the tables would fire too.", nrules, nrules == 1 ? "" : "s");
		detail("A rule rewrites the statement and may write other tables: what it does is outside the "
		       "ledger, so it could not be verified or rolled back.");
		hint("Disable it while drydock writes (ALTER TABLE %s DISABLE RULE %s; ENABLE RULE after), "
		     "or leave the table out of the plan.", tbl, name);
	}
	PQclear(r);
	return fail(e, PUSH_REFUSED);
}

static int do_lock(struct push_exec *e, const struct ps_step *s)
{
	char try[96];
	PGresult *r;
	snprintf(try, sizeof(try), "SELECT pg_try_advisory_lock(%d, %d)", PUSH_LOCK_KEY1, PUSH_LOCK_KEY2);
	r = exec(e, try);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	if (PQgetvalue(r, 0, 0)[0] == 't') {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	status_clear(e);
	info("another push or rollback to this database is running; waiting for it (lock_timeout %s)",
	     e->o->lock_timeout);
	r = exec(e, s->sql);
	if (ok(r)) {
		PQclear(r);
		return 0;
	}
	{
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strcmp(state, "55P03")) {
			error("another push or rollback to this database is running");
			detail("It holds drydock's lock on the database; waited lock_timeout (%s).",
			       e->o->lock_timeout);
			hint("Wait until it ends ('drydock history --target URL' shows the ledger), or raise --lock-timeout.");
			PQclear(r);
			e->outcome = PUSH_REFUSED;
			return -1;
		}
	}
	return step_error(e, r, s);
}

static int do_ledger_ensure(struct push_exec *e, const struct ps_step *s)
{
	PGresult *r = exec(e, "SELECT to_regclass('drydock.ledger') IS NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	r = exec(e, s->sql);
	if (ok(r)) {
		PQclear(r);
		return 0;
	}
	status_clear(e);
	pg_result_error(e->conn, r, "cannot create the ledger (schema drydock) in the target");
	PQclear(r);
	hint("The first push creates schema drydock: its user needs CREATE on the database, or a privileged user runs schema/ledger.sql once (docs/push.md, \"Privileges\").");
	return fail(e, PUSH_FAILED);
}

static int do_ledger_find(struct push_exec *e, const struct ps_step *s)
{
	PGresult *r = exec(e, s->sql);
	long long id;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	if (!PQntuples(r)) {
		PQclear(r);
		return 0;
	}
	id = atoll(PQgetvalue(r, 0, 0));
	if (!strcmp(PQgetvalue(r, 0, 1), "in_progress") && !PQgetisnull(r, 0, 3)) {
		long size = atol(PQgetvalue(r, 0, 3));
		e->st.resume = 1;
		e->st.checkpoint = atol(PQgetvalue(r, 0, 2));
		if (size != e->st.batch_size) {
			if (e->st.batch_size)
				info("resuming with the batch size the push started with (%ld)", size);
			e->st.batch_size = size;
			pushsql_state_release(&e->st);
		}
		snprintf(e->st.ledger_id, sizeof(e->st.ledger_id), "%lld", id);
		e->ledger_id = id;
		status_clear(e);
		info("resuming push #%lld after %ld committed batch%s", id, e->st.checkpoint,
		     e->st.checkpoint == 1 ? "" : "es");
		PQclear(r);
		return 0;
	}
	status_clear(e);
	error("change set %.16s is already applied to this database", e->ps->hash);
	detail("Ledger entry #%lld holds it (status %s).", id, PQgetvalue(r, 0, 1));
	hint("'drydock history --target URL' lists the ledger; to push it again, roll it back first.");
	PQclear(r);
	rollback_tx(e);
	e->outcome = PUSH_REFUSED;
	return 1;
}

static int do_count(struct push_exec *e, const struct ps_step *s)
{
	PGresult *r = exec(e, s->sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return step_error(e, r, s);
	for (int i = 0; i < PQntuples(r); i++) {
		char op = PQgetvalue(r, i, 0)[0];
		e->counts[s->table][op == 'I' ? C_I : op == 'U' ? C_U : C_D] = atoll(PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return 0;
}

/* Kill points before each kind of statement, named after it:
 * DD_FAULT=push.before_dml:3 dies before the third data statement,
 * rollback.before_verify before the rollback's first verification
 * (tests/e2e/test_faults.sh). */
static void fault_before(const struct push_exec *e, enum ps_kind kind)
{
	static const char *const what[] = {
		[PS_LOCK] = "lock",           [PS_UNLOCK] = "unlock",
		[PS_LEDGER_FIND] = "ledger_find", [PS_LEDGER_NEW] = "ledger_new",
		[PS_COPY] = "copy",           [PS_PREFLIGHT] = "preflight",
		[PS_CONFLICTS] = "conflicts", [PS_DDL] = "ddl",
		[PS_DML] = "dml",             [PS_VERIFY] = "verify",
	};
	char name[48];
	if ((size_t)kind >= sizeof(what) / sizeof(*what) || !what[kind])
		return;
	snprintf(name, sizeof(name), "%s.before_%s",
		 e->ps && e->ps->rollback ? "rollback" : "push", what[kind]);
	fault_point(name);
}

static int step(void *ctx, const struct ps_step *s)
{
	struct push_exec *e = ctx;
	PGresult *r;

	if (e->conflicts && s->kind != PS_CONFLICTS)
		return conflicts_done(e);
	fault_before(e, s->kind);
	if (s->comment)
		status_line(e, s->comment);
	switch (s->kind) {
	case PS_LOCK:
		return do_lock(e, s);
	case PS_LEDGER_ENSURE:
		return do_ledger_ensure(e, s);
	case PS_LEDGER_FIND:
		return do_ledger_find(e, s);
	case PS_COPY:
		return do_copy(e, s);
	case PS_COUNT:
		return do_count(e, s);
	case PS_PREFLIGHT:
		return do_preflight(e, s);
	case PS_CONFLICTS:
		if (!e->fused) {
			e->fused = fused_eligible(e) ? 1 : 2;
			e->fused_open = e->fused == 1;
		}
		if (e->fused_open) {
			hold(e, s);
			return 0;
		}
		return run_conflicts(e, s, s->sql);
	case PS_DML:
		return do_dml(e, s);
	case PS_VERIFY:
		return do_verify(e, s);
	case PS_CAPTURE:
		return do_capture(e, s);
	case PS_BEGIN:
		memset(e->counts, 0, sizeof(*e->counts) * (size_t)((e->ps ? e->ps->ntables : 0) + 1));
		break;
	default:
		break;
	}
	if (s->kind == PS_COMMIT)
		fault_point(e->ps && e->ps->rollback ? "rollback.before_commit" : "push.before_commit");
	r = exec(e, s->sql);
	if (!ok(r)) {
		if (e->fused_open && e->in_tx) {
			if (fused_unwind(e)) {
				PQclear(r);
				return -1;
			}
			if (e->conflicts) {
				PQclear(r);
				return conflicts_done(e);
			}
		}
		return step_error(e, r, s);
	}
	switch (s->kind) {
	case PS_BEGIN:
		e->in_tx = 1;
		break;
	case PS_COMMIT:
		e->in_tx = 0;
		if (s->unit) {
			e->units_done++;
			fault_point("push.batch_committed");
		}
		break;
	case PS_LEDGER_NEW:
		e->ledger_id = atoll(PQgetvalue(r, 0, 0));
		snprintf(e->st.ledger_id, sizeof(e->st.ledger_id), "%lld", e->ledger_id);
		break;
	case PS_EXCLUDE:
		e->counts[s->table][C_EXCLUDED] += atoll(PQcmdTuples(r));
		break;
	default:
		break;
	}
	PQclear(r);
	return 0;
}

/* ------------------------------------------------------------ entry points */

PGconn *push_connect(const char *conninfo)
{
	return pg_connect(conninfo, "the target");
}

static void exec_init(struct push_exec *e)
{
	e->outcome = PUSH_APPLIED;
	e->counts = xcalloc((size_t)(e->ps ? e->ps->ntables : 0) + 1, sizeof(*e->counts));
	e->st.batch_size = e->o->batch_size;
}

static int exec_finish(struct push_exec *e, int r, double t0)
{
	status_clear(e);
	if (e->in_tx)
		rollback_tx(e);
	if (e->report) {
		fclose(e->report);
		unlink(e->report_tmp);
		free(e->report_tmp);
		e->report = NULL;
	}
	free(e->counts);
	e->counts = NULL;
	held_release(e);
	e->seconds = now_seconds() - t0;
	if (r && e->outcome == PUSH_APPLIED)
		e->outcome = PUSH_FAILED;
	switch (e->outcome) {
	case PUSH_APPLIED: return EXIT_OK;
	case PUSH_CONFLICT: return EXIT_FINDINGS;
	default: return EXIT_RUNTIME;
	}
}

int push_run(struct push_exec *e)
{
	double t0 = now_seconds();
	int r;
	e->what = "push";
	exec_init(e);
	r = pushsql_walk_push(e->ps, e->rows, e->o, &e->st, step, e);
	if (!r && e->conflicts)
		r = conflicts_done(e);
	return exec_finish(e, r, t0);
}

int push_run_rollback(struct push_exec *e, const char *push_id)
{
	double t0 = now_seconds();
	int r;
	e->what = "rollback";
	exec_init(e);
	e->in_tx = 1; /* the caller's transaction, in which it read the ledger */
	r = pushsql_walk_rollback(e->ps, push_id, e->o, &e->st, step, e);
	if (!r && e->conflicts)
		r = conflicts_done(e);
	return exec_finish(e, r, t0);
}

int push_begin(struct push_exec *e)
{
	int r;
	if (!e->what)
		e->what = "rollback";
	exec_init(e);
	r = pushsql_walk_prologue(e->o, &e->st, step, e);
	free(e->counts);
	e->counts = NULL;
	return r ? -1 : 0;
}

/* ------------------------------------------------ settings and approval */

int push_valid_duration(const char *s)
{
	static const char *const units[] = { "", "ms", "s", "min", "h", "d" };
	const char *p = s;
	if (!s || !(*p >= '0' && *p <= '9'))
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(p, units[i]))
			return 1;
	return 0;
}

void push_settings_free(struct push_settings *s)
{
	free(s->lock_timeout);
	free(s->statement_timeout);
	free(s->from);
	memset(s, 0, sizeof(*s));
}

static int setting_duration(const cJSON *v, const char *key, char **out, const char *from)
{
	if (!v)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble == (double)(long long)v->valuedouble) {
		free(*out);
		*out = xasprintf("%lldms", (long long)v->valuedouble);
		return 0;
	}
	if (cJSON_IsString(v) && push_valid_duration(v->valuestring)) {
		free(*out);
		*out = xstrdup(v->valuestring);
		return 0;
	}
	error("plan %s: push.%s must be a duration such as \"5s\", \"500ms\" or \"10min\"", from, key);
	hint("A number is taken as milliseconds; 0 means no limit.");
	return -1;
}

void push_settings_override(struct push_settings *s, const char *lock_timeout,
			    const char *statement_timeout, long batch, int notrig)
{
	if (lock_timeout) {
		free(s->lock_timeout);
		s->lock_timeout = xstrdup(lock_timeout);
	}
	if (statement_timeout) {
		free(s->statement_timeout);
		s->statement_timeout = xstrdup(statement_timeout);
	}
	if (batch >= 0)
		s->batch_size = batch;
	if (notrig)
		s->disable_triggers = 1;
}

char *push_staging_label(sqlite3 *db, const char *path)
{
	char *snap = stage_get_meta(db, "snapshot_at");
	char *label = xasprintf("%s (snapshot %s)", path, snap ? snap : "?");
	free(snap);
	return label;
}

int push_settings_load(sqlite3 *db, const char *plan_dir, struct push_settings *s)
{
	char *text = NULL, *dir = NULL, *path = NULL;
	cJSON *root = NULL, *push, *it;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	s->lock_timeout = xstrdup("10s");
	s->statement_timeout = xstrdup("0");
	dir = plan_dir ? xstrdup(plan_dir) : stage_get_meta(db, "plan_dir");
	if (dir) {
		path = path_join(dir, "plan.json");
		text = read_file(path, NULL);
		if (!text && plan_dir) {
			error("cannot read plan '%s': %s", path, strerror(errno));
			goto cleanup;
		}
	}
	if (text) {
		s->from = xasprintf("'%s'", path);
	} else {
		text = stage_get_meta(db, "plan_json");
		s->from = xstrdup("recorded at snapshot");
	}
	if (!text) {
		ret = 0;
		goto cleanup;
	}
	root = cJSON_Parse(text);
	if (!root) {
		error("plan %s is not valid JSON", s->from);
		goto cleanup;
	}
	push = cJSON_GetObjectItemCaseSensitive(root, "push");
	/* the plan's one schema (plan.h) judges the settings; every error at once */
	if (push && plan_validate_part(push, "push", "push", s->from))
		goto cleanup;
	cJSON_ArrayForEach(it, push) {
		if (!strcmp(it->string, "lock_timeout")) {
			if (setting_duration(it, "lock_timeout", &s->lock_timeout, s->from))
				goto cleanup;
		} else if (!strcmp(it->string, "statement_timeout")) {
			if (setting_duration(it, "statement_timeout", &s->statement_timeout, s->from))
				goto cleanup;
		} else if (!strcmp(it->string, "batch_size")) {
			if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e9 ||
			    it->valuedouble != (double)(long)it->valuedouble) {
				error("plan %s: push.batch_size must be a whole number of rows (0: one transaction)",
				      s->from);
				goto cleanup;
			}
			s->batch_size = (long)it->valuedouble;
		} else if (!strcmp(it->string, "rehearsal")) {
			if (!cJSON_IsBool(it)) {
				error("plan %s: push.rehearsal must be true or false", s->from);
				goto cleanup;
			}
			s->rehearsal = cJSON_IsTrue(it);
		} else if (!strcmp(it->string, "disable_triggers")) {
			if (!cJSON_IsBool(it)) {
				error("plan %s: push.disable_triggers must be true or false", s->from);
				goto cleanup;
			}
			s->disable_triggers = cJSON_IsTrue(it);
		} else {
			error("plan %s: unknown push setting \"%s\"", s->from, it->string);
			hint("Push settings: lock_timeout, statement_timeout, batch_size, disable_triggers, rehearsal (docs/push.md).");
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	cJSON_Delete(root);
	free(text);
	free(dir);
	free(path);
	return ret;
}

int push_refuse_masked(sqlite3 *db, const char *stage_path, int rehearsal)
{
	sqlite3_stmt *st = NULL;
	struct strbuf cols = STRBUF_INIT;
	int n = 0, ret = 0;

	if (sqlite3_prepare_v2(db, "SELECT c.tbl, c.name, c.masked FROM dd_column c "
				   "JOIN dd_source s ON s.name = c.source AND s.is_target "
				   "WHERE c.masked IS NOT NULL ORDER BY c.tbl, c.ordinal",
			       -1, &st, NULL))
		return stage_error(db, "cannot read the masked columns");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ < 5)
			sb_addf(&cols, "%s%s.%s (%s)", n > 1 ? ", " : "",
				(const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1),
				(const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (n && !rehearsal) {
		error("'%s' holds masked personal data and cannot be pushed", stage_path);
		detail("Masked during the snapshot: %s%s.", cols.buf, n > 5 ? ", ..." : "");
		detail("Pushing it would write the masks over the real values.");
		hint("Push a snapshot taken without masks, or mark a rehearsal target in the plan: \"push\": {\"rehearsal\": true} (docs/masking.md).");
		ret = -1;
	} else if (n) {
		info("pushing masked data to a rehearsal target (the plan's push.rehearsal)");
	}
	sb_release(&cols);
	return ret;
}

/* ------------------------------------------------ the local record (dd_push) */

int push_record_finish(sqlite3 *db, long long id, const struct push_exec *e,
		       const char *counts_json)
{
	const char *status = e->outcome == PUSH_APPLIED ? "applied"
			   : e->partial ? "partial"
			   : e->outcome == PUSH_CONFLICT ? "conflict" : "failed";
	return book_push_finish(db, id, status, e->ledger_id, counts_json,
				e->conflicts ? "conflicts" : NULL);
}
