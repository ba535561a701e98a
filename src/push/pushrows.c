/*
 * pushrows: the staging file's change rows for a push (see pushrows.h).
 */
#define _GNU_SOURCE
#include "pushrows.h"

#include <string.h>

#include "stage.h"
#include "util.h"

static int stage_seqs(void *ctx, const struct push_table *t, char op, ps_seq_fn fn,
		      void *arg)
{
	sqlite3 *db = ctx;
	sqlite3_stmt *q = NULL;
	char opstr[2] = { op, 0 };
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT seq FROM dd_change WHERE tbl = ?1 AND op = ?2 "
				   "ORDER BY seq", -1, &q, NULL))
		return stage_error(db, "cannot read the change set");
	sqlite3_bind_text(q, 1, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, opstr, 1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (fn(arg, sqlite3_column_int64(q, 0)))
			goto cleanup;
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(q);
	return ret;
}

struct push_rows pushrows_from_stage(sqlite3 *db)
{
	return (struct push_rows){ stage_seqs, db };
}

int pushrows_copy(sqlite3 *db, const struct push_table *t, const struct ps_step *s,
		  ps_out_fn out, void *ctx, long long per[3])
{
	sqlite3_stmt *q = NULL;
	struct strbuf buf = STRBUF_INIT;
	char opstr[2] = { s->op, 0 };
	int rc, ret = -1;

	per[0] = per[1] = per[2] = 0;
	if (sqlite3_prepare_v2(db, "SELECT seq, op, old_row, new_row FROM dd_change "
				   "WHERE tbl = ?1 AND (?2 IS NULL OR op = ?2) "
				   "AND (?3 = 0 OR seq BETWEEN ?3 AND ?4) ORDER BY seq",
			       -1, &q, NULL))
		return stage_error(db, "cannot read the change set");
	sqlite3_bind_text(q, 1, t->name, -1, SQLITE_STATIC);
	if (s->op)
		sqlite3_bind_text(q, 2, opstr, 1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, s->first_seq);
	sqlite3_bind_int64(q, 4, s->last_seq);
	sb_grow(&buf, 1 << 16);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(q, 1);
		const char *oldr = (const char *)sqlite3_column_text(q, 2);
		const char *newr = (const char *)sqlite3_column_text(q, 3);
		long long seq = sqlite3_column_int64(q, 0);
		int bad = 0;
		sb_addf(&buf, "%lld\t%c", seq, op[0]);
		if (t->nold) {
			if (oldr)
				bad |= pushsql_json_row_to_copy(oldr, &buf) != t->nold;
			else
				for (int i = 0; i < t->nold; i++)
					sb_add(&buf, "\t\\N", 3);
		}
		if (newr)
			bad |= pushsql_json_row_to_copy(newr, &buf) != t->nnew;
		else
			for (int i = 0; i < t->nnew; i++)
				sb_add(&buf, "\t\\N", 3);
		if (bad || !strchr("IUD", op[0]) || (!t->nold && oldr)) {
			error("the change set of table '%s' is damaged (row %lld)", t->name, seq);
			hint("Run the plan again to recompute it: drydock run STAGE.db --plan DIR");
			goto cleanup;
		}
		sb_addch(&buf, '\n');
		per[op[0] == 'I' ? 0 : op[0] == 'U' ? 1 : 2]++;
		if (buf.len >= (1 << 16) - 1024) {
			if (out(ctx, buf.buf, buf.len))
				goto cleanup;
			sb_reset(&buf);
		}
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	if (buf.len && out(ctx, buf.buf, buf.len))
		goto cleanup;
	ret = 0;
cleanup:
	sqlite3_finalize(q);
	sb_release(&buf);
	return ret;
}
