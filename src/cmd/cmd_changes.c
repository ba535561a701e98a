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
#include "stage.h"

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
	"  --json      print JSON: one object per change\n";

static void print_value(cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		printf("NULL");
		return;
	}
	/* one line per value: control characters shown escaped */
	putchar('\'');
	for (const unsigned char *p = (const unsigned char *)v->valuestring; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\'');
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
	const char *table = NULL, *op = NULL;
	long limit = 50;
	int json = 0, c, ret = EXIT_RUNTIME, rc;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct changeset_summary sum;
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
		case 'j': json = 1; break;
		default: return option_error("changes", argv, opts, "");
		}
	}
	if (optind != argc - 1)
		return usage_error("changes", "give one staging file");
	if (stage_open(argv[optind], 1, &db))
		goto cleanup;
	rc = changeset_load_summary(db, &sum);
	if (rc < 0)
		goto cleanup;
	if (rc == 1) {
		error("'%s' has no change set yet", argv[optind]);
		hint("Run the plan first: drydock run %s --plan DIR", argv[optind]);
		goto cleanup;
	}
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
	if (!json)
		printf("change set %s: %s\n", sum.hash,
		       change_counts(sum.inserts, sum.updates, sum.deletes));
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
		if (!json)
			printf("\n%s %s %s\n", *o == 'I' ? "INSERT" : *o == 'U' ? "UPDATE" : "DELETE",
			       tbl, keytext);
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
					printf("  %-24s ", col);
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
					printf("  %-24s ", it->valuestring);
					print_value(v);
					printf("\n");
				}
			}
		}
		cJSON_AddItemToArray(out, jc);
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
		char *s = cJSON_Print(out);
		printf("%s\n", s);
		cJSON_free(s);
	}
	ret = EXIT_OK;
cleanup:
	cJSON_Delete(out);
	sqlite3_finalize(st);
	stage_close(db);
	return ret;
}
