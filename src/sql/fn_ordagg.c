#include "fn_ordagg.h"
#include "fn_shared.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define ORDAGG_MAXCOLS 16	/* inner arguments fed back through pg_ordagg_rows */
#define ORDAGG_MAXKEYS 16

/* ---- the collected rows ---- */

struct ordkey {
	enum pgkind kind;
	int desc;               /* DESC: non-NULL values in reverse order */
	int nulls_first;
};

struct ordagg {
	char *fn;               /* inner SQLite aggregate */
	int nargs, nkeys;
	struct ordkey keys[ORDAGG_MAXKEYS];
	sqlite3_value ***rows;  /* rows[i][0..nargs+nkeys-1], dup'ed */
	size_t nrows, alloc;
	int failed;             /* an error was reported: nothing more to do */
};

int fn_ordagg_sortable(int type)
{
	int cmp;
	if (PGT_IS_ARRAY(type))
		return 0;
	return fnv_compare(PGT_KIND(type), "0", 1, "0", 1, &cmp) == 0;
}

static int parse_keys(struct ordagg *st, const char *spec)
{
	const char *p = spec;
	while (p && *p) {
		char *end;
		long kind = strtol(p, &end, 10);
		if (end == p || st->nkeys >= ORDAGG_MAXKEYS || (end[0] != 'a' && end[0] != 'd') ||
		    (end[1] != 'f' && end[1] != 'l'))
			return -1;
		st->keys[st->nkeys].kind = (enum pgkind)kind;
		st->keys[st->nkeys].desc = end[0] == 'd';
		st->keys[st->nkeys].nulls_first = end[1] == 'f';
		st->nkeys++;
		p = end + 2;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static void ordagg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct ordagg *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	sqlite3_value **row;
	if (!st) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (st->failed)
		return;
	if (!st->fn) {
		const char *fn = (const char *)sqlite3_value_text(argv[0]);
		st->nargs = sqlite3_value_int(argv[1]);
		if (!fn || st->nargs < 1 || st->nargs > ORDAGG_MAXCOLS ||
		    parse_keys(st, (const char *)sqlite3_value_text(argv[2])) ||
		    argc != 3 + st->nargs + st->nkeys) {
			st->failed = 1;
			sqlite3_result_error(ctx, "pg_ordagg: malformed call", -1);
			return;
		}
		st->fn = xstrdup(fn);
	}
	ALLOC_GROW(st->rows, st->nrows + 1, st->alloc);
	row = xcalloc((size_t)(argc - 3), sizeof(*row));
	for (int i = 3; i < argc; i++) {
		if (!(row[i - 3] = sqlite3_value_dup(argv[i]))) {
			for (int j = 3; j < i; j++)
				sqlite3_value_free(row[j - 3]);
			free(row);
			st->failed = 1;
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	st->rows[st->nrows++] = row;
}

/* Key k of rows a and b: <0, 0, >0 in the ORDER BY's order. */
static int key_cmp(const struct ordkey *k, sqlite3_value *a, sqlite3_value *b)
{
	int an = sqlite3_value_type(a) == SQLITE_NULL, bn = sqlite3_value_type(b) == SQLITE_NULL;
	struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
	const char *ta, *tb;
	size_t la, lb;
	int cmp = 0;
	if (an || bn)
		return an == bn ? 0 : (an ? 1 : -1) * (k->nulls_first ? -1 : 1);
	ta = fnv_text(a, k->kind, &sa, &la);
	tb = fnv_text(b, k->kind, &sb, &lb);
	if (fnv_compare(k->kind, ta, la, tb, lb, &cmp))
		cmp = 0;
	sb_release(&sa);
	sb_release(&sb);
	return k->desc ? -cmp : cmp;
}

static int row_cmp(const struct ordagg *st, sqlite3_value **a, sqlite3_value **b)
{
	for (int k = 0; k < st->nkeys; k++) {
		int c = key_cmp(&st->keys[k], a[st->nargs + k], b[st->nargs + k]);
		if (c)
			return c;
	}
	return 0;
}

/* A stable merge sort: rows equal under the keys keep their input order. */
static void sort_rows(const struct ordagg *st, sqlite3_value ***v, sqlite3_value ***tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, o = 0;
	if (n < 2)
		return;
	sort_rows(st, v, tmp, mid);
	sort_rows(st, v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[o++] = row_cmp(st, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static void ordagg_free(struct ordagg *st)
{
	for (size_t r = 0; r < st->nrows; r++) {
		for (int i = 0; i < st->nargs + st->nkeys; i++)
			sqlite3_value_free(st->rows[r][i]);
		free(st->rows[r]);
	}
	free(st->rows);
	free(st->fn);
	memset(st, 0, sizeof(*st));
}

/* The rows, sorted, handed to pg_ordagg_rows by pointer. */
struct ordagg_feed {
	const struct ordagg *st;
};

static void ordagg_final(sqlite3_context *ctx)
{
	struct ordagg *st = sqlite3_aggregate_context(ctx, 0);
	struct strbuf sql = STRBUF_INIT;
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *stmt = NULL;
	struct ordagg_feed feed;
	sqlite3_value ***tmp;
	int rc;
	if (!st || !st->fn || st->failed) {
		if (st)
			ordagg_free(st);
		sqlite3_result_null(ctx);
		return;
	}
	tmp = xcalloc(st->nrows, sizeof(*tmp));
	sort_rows(st, st->rows, tmp, st->nrows);
	free(tmp);
	sb_adds(&sql, "SELECT ");
	sb_add_ident(&sql, st->fn);
	sb_addch(&sql, '(');
	for (int i = 0; i < st->nargs; i++)
		sb_addf(&sql, "%sc%d", i ? ", " : "", i);
	sb_adds(&sql, ") FROM pg_ordagg_rows(?1)");
	feed.st = st;
	if (sqlite3_prepare_v2(db, sql.buf, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_bind_pointer(stmt, 1, &feed, "pg_ordagg", NULL) != SQLITE_OK) {
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
		goto cleanup;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		sqlite3_result_value(ctx, sqlite3_column_value(stmt, 0));
	else
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
cleanup:
	sqlite3_finalize(stmt);
	sb_release(&sql);
	ordagg_free(st);
}

/* ---- pg_ordagg_rows(pointer): the sorted rows, columns c0..c15 ---- */

struct rows_cursor {
	sqlite3_vtab_cursor base;
	const struct ordagg *st;
	size_t row;
};

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	struct strbuf decl = STRBUF_INIT;
	sqlite3_vtab *vt;
	int rc;
	(void)aux; (void)argc; (void)argv; (void)err;
	sb_adds(&decl, "CREATE TABLE x(");
	for (int i = 0; i < ORDAGG_MAXCOLS; i++)
		sb_addf(&decl, "c%d, ", i);
	sb_adds(&decl, "feed HIDDEN)");
	rc = sqlite3_declare_vtab(db, decl.buf);
	sb_release(&decl);
	if (rc != SQLITE_OK)
		return rc;
	vt = sqlite3_malloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	*out = vt;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	for (int i = 0; i < info->nConstraint; i++) {
		if (info->aConstraint[i].iColumn == ORDAGG_MAXCOLS &&
		    info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			if (!info->aConstraint[i].usable)
				return SQLITE_CONSTRAINT;
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->estimatedCost = 1;
			return SQLITE_OK;
		}
	}
	return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct rows_cursor *c = sqlite3_malloc(sizeof(*c));
	(void)vt;
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
		       sqlite3_value **argv)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	const struct ordagg_feed *feed = argc ? sqlite3_value_pointer(argv[0], "pg_ordagg") : NULL;
	(void)idx; (void)idxstr;
	c->st = feed ? feed->st : NULL;
	c->row = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	((struct rows_cursor *)cur)->row++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	return !c->st || c->row >= c->st->nrows;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;
	if (col < c->st->nargs)
		sqlite3_result_value(ctx, c->st->rows[c->row][col]);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct rows_cursor *)cur)->row;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

static int register_fns(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "pg_ordagg", -1, SQLITE_UTF8, NULL, NULL,
					 ordagg_step, ordagg_final);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_module(db, "pg_ordagg_rows", &rows_module, NULL);
	return rc;
}

/* no signatures: the compiler calls pg_ordagg itself (compile_expr.c) */
static const struct pgfn_sig ordagg_sigs[1];

const struct pgfn_module pgfn_ordagg_module = {
	.name = "ordagg",
	.sigs = ordagg_sigs,
	.nsigs = 0,
	.register_fns = register_fns,
};
