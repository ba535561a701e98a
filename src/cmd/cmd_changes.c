/*
 * drydock changes: the change set row by row, old and new values side by
 * side.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "commands.h"
#include "jsonschema.h"
#include "stage.h"
#include "term.h"

const char usage_changes[] =
	"usage: drydock changes STAGE.db [--table T] [--op I|U|D] [--limit N] [--json]\n"
	"\n"
	"Lists the change set of the latest run: for each changed row its key, the\n"
	"operation, and old and new values of the columns that changed (whole rows\n"
	"for inserts and deletes).\n"
	"\n"
	"  --table T   only table T\n"
	"  --op X      only inserts (I), updates (U) or deletes (D)\n"
	"  --limit N   at most N rows (default 50; 0 for all)\n"
	"  --json      print JSON: one object per change\n"
	"\n"
	"On a terminal the text goes through a pager (see drydock --help).\n";

/*
 * A value as a PostgreSQL literal, on one line: 'O''Brien'; a value with
 * a backslash or a control character as an escape string E'a\nb' (what
 * psql would accept back).
 */
static void print_value(cJSON *v)
{
	const unsigned char *p;
	int e = 0;
	if (!v || !cJSON_IsString(v)) {
		printf("NULL");
		return;
	}
	for (p = (const unsigned char *)v->valuestring; *p; p++)
		e |= *p < 0x20 || *p == 0x7f || *p == '\\';
	fputs(e ? "E'" : "'", stdout);
	for (p = (const unsigned char *)v->valuestring; *p; p++) {
		if (*p == '\'')
			fputs("''", stdout);
		else if (e && *p == '\\')
			fputs("\\\\", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\'');
}

/* A column's name, padded to w display columns. */
static void print_name(const char *name, int w)
{
	printf("  %s%s%s%*s ", color(1, C_CYAN), name, color(1, C_RESET),
	       w - text_width(name), "");
}

/*
 * --table must name a table of the change set, or a target table with no
 * changes; anything else is a mistake worth saying (with the closest
 * name), not an empty list.  Returns 1 known, 0 unknown (reported), -1.
 */
static int check_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	char **names = NULL;
	size_t alloc = 0;
	int n = 0, known = 0, ret = -1;
	const char *best;

	if (sqlite3_prepare_v2(db, "SELECT tbl FROM dd_change_table UNION "
				   "SELECT t.name FROM dd_table t JOIN dd_source s ON s.name = t.source "
				   "AND s.is_target ORDER BY 1", -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		known |= !strcmp(name, table);
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(name);
	}
	if (known) {
		ret = 1;
		goto cleanup;
	}
	error("no table '%s' in the change set", table);
	best = closest_word(table, (const char *const *)names, n);
	if (best)
		hint("Did you mean '%s'?", best);
	else if (n)
		hint("The target's tables are listed by 'drydock status'.");
	ret = 0;
cleanup:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sqlite3_finalize(st);
	return ret;
}

int cmd_changes(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "op", required_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *table = NULL, *op = NULL, *path;
	long limit = 50;
	int json = 0, c, ret = EXIT_RUNTIME, rc, w = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *cnt = NULL;
	struct changeset_summary sum;
	long long total = 0, shown = 0;
	cJSON *out = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': table = optarg; break;
		case 'o':
			if (strcmp(optarg, "I") && strcmp(optarg, "U") && strcmp(optarg, "D"))
				return usage_error("changes", "--op is I, U or D");
			op = optarg;
			break;
		case 'l':
			if (parse_long(optarg, &limit) || limit < 0)
				return usage_error("changes", "--limit needs a number");
			break;
		case 'j': json = 1; json_stdout(); break;
		default: return option_error("changes", argv, opts, "");
		}
	}
	if ((c = stage_operand("changes", argc, argv, "give one staging file", &path)))
		return c;
	if (stage_open(path, 1, &db))
		goto cleanup;
	rc = changeset_load_summary(db, &sum);
	if (rc < 0)
		goto cleanup;
	if (rc == 1) {
		error("'%s' has no change set yet", path);
		hint("Run the plan first: drydock run %s --plan DIR", path);
		goto cleanup;
	}
	if (table) {
		rc = check_table(db, table);
		if (rc <= 0) {
			ret = rc == 0 ? EXIT_USAGE : EXIT_RUNTIME;
			goto cleanup;
		}
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dd_change WHERE (?1 IS NULL OR tbl = ?1) "
				   "AND (?2 IS NULL OR op = ?2)", -1, &cnt, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	if (table)
		sqlite3_bind_text(cnt, 1, table, -1, SQLITE_STATIC);
	if (op)
		sqlite3_bind_text(cnt, 2, op, -1, SQLITE_STATIC);
	if (sqlite3_step(cnt) == SQLITE_ROW)
		total = sqlite3_column_int64(cnt, 0);
	if (sqlite3_prepare_v2(db, "SELECT c.tbl, c.op, c.key, c.old_row, c.new_row, c.changed, "
				   "k.cols_before, k.cols_after FROM dd_change c "
				   "JOIN dd_change_columns k ON k.tbl = c.tbl "
				   "WHERE (?1 IS NULL OR c.tbl = ?1) AND (?2 IS NULL OR c.op = ?2) "
				   "ORDER BY c.tbl, c.seq LIMIT ?3",
			       -1, &st, NULL)) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	if (table)
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (op)
		sqlite3_bind_text(st, 2, op, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, limit ? limit : -1);
	if (!json) {
		pager_start();
		printf("change set %s: %s\n", sum.hash,
		       change_counts(sum.inserts, sum.updates, sum.deletes));
	}
	out = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(st, 0);
		const char *o = (const char *)sqlite3_column_text(st, 1);
		cJSON *key = cJSON_Parse((const char *)sqlite3_column_text(st, 2));
		cJSON *oldr = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
		cJSON *newr = cJSON_Parse((const char *)sqlite3_column_text(st, 4));
		cJSON *chg = cJSON_Parse((const char *)sqlite3_column_text(st, 5));
		cJSON *cb = cJSON_Parse((const char *)sqlite3_column_text(st, 6));
		cJSON *ca = cJSON_Parse((const char *)sqlite3_column_text(st, 7));
		cJSON *jc = cJSON_CreateObject(), *jold = NULL, *jnew = NULL, *it;
		char *keytext = cJSON_PrintUnformatted(key);

		cJSON_AddStringToObject(jc, "table", tbl);
		cJSON_AddStringToObject(jc, "op", *o == 'I' ? "insert" : *o == 'U' ? "update" : "delete");
		cJSON_AddItemToObject(jc, "key", cJSON_Duplicate(key, 1));
		if (!json) {
			printf("\n%s%s%s %s %s\n",
			       color(1, *o == 'I' ? C_GREEN : *o == 'U' ? C_YELLOW : C_RED),
			       *o == 'I' ? "INSERT" : *o == 'U' ? "UPDATE" : "DELETE", color(1, C_RESET),
			       tbl, keytext);
			/* the names' column as wide as this change's longest name */
			w = 0;
			cJSON_ArrayForEach(it, (*o == 'U' ? chg : *o == 'I' ? ca : cb))
				if (cJSON_IsString(it) && text_width(it->valuestring) > w)
					w = text_width(it->valuestring);
		}
		if (*o == 'U') {
			jold = cJSON_AddObjectToObject(jc, "old");
			jnew = cJSON_AddObjectToObject(jc, "new");
			cJSON_ArrayForEach(it, chg) {
				const char *col = it->valuestring;
				int bi = -1, ai = -1, k = 0;
				cJSON *x;
				cJSON_ArrayForEach(x, cb) { if (!strcmp(x->valuestring, col)) bi = k; k++; }
				k = 0;
				cJSON_ArrayForEach(x, ca) { if (!strcmp(x->valuestring, col)) ai = k; k++; }
				cJSON *ov = bi >= 0 ? cJSON_GetArrayItem(oldr, bi) : NULL;
				cJSON *nv = ai >= 0 ? cJSON_GetArrayItem(newr, ai) : NULL;
				cJSON_AddItemToObject(jold, col, ov ? cJSON_Duplicate(ov, 1) : cJSON_CreateNull());
				cJSON_AddItemToObject(jnew, col, nv ? cJSON_Duplicate(nv, 1) : cJSON_CreateNull());
				if (!json) {
					print_name(col, w);
					print_value(ov);
					printf(" -> ");
					print_value(nv);
					printf("\n");
				}
			}
		} else {
			cJSON *row = *o == 'I' ? newr : oldr, *names = *o == 'I' ? ca : cb;
			cJSON *jrow = cJSON_AddObjectToObject(jc, *o == 'I' ? "new" : "old");
			int k = 0;
			cJSON_ArrayForEach(it, names) {
				cJSON *v = cJSON_GetArrayItem(row, k++);
				cJSON_AddItemToObject(jrow, it->valuestring,
						      v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
				if (!json) {
					print_name(it->valuestring, w);
					print_value(v);
					printf("\n");
				}
			}
		}
		cJSON_AddItemToArray(out, jc);
		shown++;
		cJSON_free(keytext);
		cJSON_Delete(key);
		cJSON_Delete(oldr);
		cJSON_Delete(newr);
		cJSON_Delete(chg);
		cJSON_Delete(cb);
		cJSON_Delete(ca);
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read the change set");
		goto cleanup;
	}
	if (json) {
		print_json(out);
	} else if (shown < total) {
		/* the limit cut the list: say how much is left */
		printf("\n... %lld more change%s not shown (%lld in all); --limit 0 shows every one\n",
		       total - shown, total - shown == 1 ? "" : "s", total);
	}
	ret = EXIT_OK;
cleanup:
	cJSON_Delete(out);
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	stage_close(db);
	return ret;
}
