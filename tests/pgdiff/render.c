/*
 * pgdiff-render: prints the target tables of a staging file's working state
 * as PostgreSQL's COPY text would, one line per row, prefixed by the table
 * name and a tab.  The differential test (tests/e2e/test_pgdiff.sh) sorts
 * these lines and compares them with COPY ... TO STDOUT of the same tables
 * in PostgreSQL.  Values go through pgtype_to_text(), the rendering the
 * change set and push use, so what is compared is what push would send.
 *
 *   pgdiff-render STAGE.db
 */
#include <stdio.h>
#include <string.h>

#include "pgtype.h"
#include "stage.h"
#include "util.h"

/* COPY text format: backslash escapes for the characters COPY escapes. */
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

static int render_table(sqlite3 *db, const struct table_meta *t)
{
	struct strbuf sql = STRBUF_INIT, line = STRBUF_INIT, val = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret = -1, rc;

	sb_adds(&sql, "SELECT ");
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			sb_adds(&sql, ", ");
		sb_add_qident(&sql, t->cols[i].name);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, t->stage_name);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		ret = stage_error(db, "cannot read a working table");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&line);
		sb_adds(&line, t->name);
		for (int i = 0; i < t->ncols; i++) {
			sb_addch(&line, '\t');
			if (pgtype_to_text(&t->cols[i].type, sqlite3_column_value(st, i), &val))
				sb_adds(&line, "\\N");
			else
				add_copy_text(&line, val.buf, val.len);
		}
		sb_addch(&line, '\n');
		fwrite(line.buf, 1, line.len, stdout);
	}
	if (rc != SQLITE_DONE) {
		ret = stage_error(db, "cannot read a working table");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&line);
	sb_release(&val);
	return ret;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	struct catalog cat = { 0 };
	int ret = 3;

	if (argc != 2) {
		fprintf(stderr, "usage: pgdiff-render STAGE.db\n");
		return 2;
	}
	if (stage_open(argv[1], 1, &db) || stage_read_catalog(db, &cat))
		goto cleanup;
	for (int i = 0; i < cat.ntables; i++)
		if (cat.tables[i].pristine_name && render_table(db, &cat.tables[i]))
			goto cleanup;
	if (fflush(stdout) || ferror(stdout))
		goto cleanup;
	ret = 0;
cleanup:
	catalog_free(&cat);
	stage_close(db);
	return ret;
}
