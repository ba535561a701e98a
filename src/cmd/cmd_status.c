/*
 * drydock status: where a staging file stands — sources, tables, row
 * counts, when and from where.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "commands.h"
#include "stage.h"

const char usage_status[] =
	"usage: drydock status STAGE.db [--json]\n"
	"\n"
	"Shows the staging file's sources (where and when they were read),\n"
	"its tables with row counts, and the plan it was made for.\n"
	"\n"
	"  --json    print the same as one JSON object\n";

static cJSON *status_json(sqlite3 *db, const struct catalog *cat)
{
	cJSON *o = cJSON_CreateObject(), *srcs, *tables;
	static const char *const keys[] = { "format_version", "drydock_version",
					    "created_at", "snapshot_at", "plan_name" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char *v = stage_get_meta(db, keys[i]);
		if (v)
			cJSON_AddStringToObject(o, keys[i], v);
		free(v);
	}
	srcs = cJSON_AddArrayToObject(o, "sources");
	for (int i = 0; i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		cJSON *js = cJSON_CreateObject();
		cJSON_AddStringToObject(js, "name", s->name);
		cJSON_AddBoolToObject(js, "target", s->is_target);
		cJSON_AddStringToObject(js, "schema", s->schema);
		cJSON_AddStringToObject(js, "origin", s->origin);
		cJSON_AddStringToObject(js, "identity", s->identity ? s->identity : "");
		if (s->server_version)
			cJSON_AddStringToObject(js, "server_version", s->server_version);
		if (s->snapshot_at)
			cJSON_AddStringToObject(js, "snapshot_at", s->snapshot_at);
		cJSON_AddItemToArray(srcs, js);
	}
	{
		sqlite3_stmt *st;
		struct changeset_summary sum;
		if (!sqlite3_prepare_v2(db, "SELECT id, status, started_at, finished_at, seed, clock "
					    "FROM dd_run ORDER BY id DESC LIMIT 1", -1, &st, NULL) &&
		    sqlite3_step(st) == SQLITE_ROW) {
			cJSON *r = cJSON_AddObjectToObject(o, "run");
			cJSON_AddNumberToObject(r, "id", (double)sqlite3_column_int64(st, 0));
			cJSON_AddStringToObject(r, "status", (const char *)sqlite3_column_text(st, 1));
			cJSON_AddStringToObject(r, "started_at", (const char *)sqlite3_column_text(st, 2));
			if (sqlite3_column_text(st, 3))
				cJSON_AddStringToObject(r, "finished_at", (const char *)sqlite3_column_text(st, 3));
			cJSON_AddStringToObject(r, "seed", (const char *)sqlite3_column_text(st, 4));
			cJSON_AddStringToObject(r, "clock", (const char *)sqlite3_column_text(st, 5));
		}
		sqlite3_finalize(st);
		if (changeset_load_summary(db, &sum) == 0) {
			cJSON *c = cJSON_AddObjectToObject(o, "changeset");
			cJSON_AddStringToObject(c, "hash", sum.hash);
			cJSON_AddNumberToObject(c, "inserts", (double)sum.inserts);
			cJSON_AddNumberToObject(c, "updates", (double)sum.updates);
			cJSON_AddNumberToObject(c, "deletes", (double)sum.deletes);
			cJSON_AddNumberToObject(c, "schema_changes", sum.schema_changes);
			sqlite3_stmt *cs;
			if (!sqlite3_prepare_v2(db, "SELECT id, changeset_hash = ?1, errors, warnings, passed "
						    "FROM dd_check_run ORDER BY id DESC LIMIT 1", -1, &cs, NULL)) {
				sqlite3_bind_text(cs, 1, sum.hash, -1, SQLITE_STATIC);
				if (sqlite3_step(cs) == SQLITE_ROW) {
					cJSON *k = cJSON_AddObjectToObject(c, "checks");
					cJSON_AddNumberToObject(k, "check_run", (double)sqlite3_column_int64(cs, 0));
					cJSON_AddBoolToObject(k, "current", sqlite3_column_int(cs, 1));
					cJSON_AddNumberToObject(k, "errors", (double)sqlite3_column_int64(cs, 2));
					cJSON_AddNumberToObject(k, "warnings", (double)sqlite3_column_int64(cs, 3));
					cJSON_AddNumberToObject(k, "passed", (double)sqlite3_column_int64(cs, 4));
				}
			}
			sqlite3_finalize(cs);
			if (!sqlite3_prepare_v2(db, "SELECT approved_by, at FROM dd_approval WHERE changeset_hash = ?1 "
						    "ORDER BY id DESC LIMIT 1", -1, &cs, NULL)) {
				sqlite3_bind_text(cs, 1, sum.hash, -1, SQLITE_STATIC);
				if (sqlite3_step(cs) == SQLITE_ROW) {
					cJSON *a = cJSON_AddObjectToObject(c, "approval");
					cJSON_AddStringToObject(a, "by", (const char *)sqlite3_column_text(cs, 0));
					cJSON_AddStringToObject(a, "at", (const char *)sqlite3_column_text(cs, 1));
				}
			}
			sqlite3_finalize(cs);
		}
	}
	tables = cJSON_AddArrayToObject(o, "tables");
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		cJSON *jt = cJSON_CreateObject();
		cJSON_AddStringToObject(jt, "source", t->source);
		cJSON_AddStringToObject(jt, "name", t->name);
		cJSON_AddStringToObject(jt, "stage_name", t->stage_name);
		cJSON_AddBoolToObject(jt, "read_only", t->pristine_name == NULL);
		cJSON_AddNumberToObject(jt, "rows", (double)t->row_count);
		cJSON_AddNumberToObject(jt, "columns", t->ncols);
		if (t->row_filter)
			cJSON_AddStringToObject(jt, "where", t->row_filter);
		{
			cJSON *m = NULL;
			for (int c = 0; c < t->ncols; c++) {
				if (!t->cols[c].masked)
					continue;
				if (!m)
					m = cJSON_AddObjectToObject(jt, "masked");
				cJSON_AddStringToObject(m, t->cols[c].name, t->cols[c].masked);
			}
		}
		cJSON_AddItemToArray(tables, jt);
	}
	return o;
}

/*
 * Where the change set stands on its way to push: its latest check run
 * (and whether it judged this change set) and its approval.
 */
static void print_review(sqlite3 *db, const char *hash)
{
	sqlite3_stmt *st;
	if (!sqlite3_prepare_v2(db, "SELECT id, changeset_hash, errors, warnings, passed, at "
				    "FROM dd_check_run ORDER BY id DESC LIMIT 1", -1, &st, NULL) &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *judged = (const char *)sqlite3_column_text(st, 1);
		int current = judged && !strcmp(judged, hash);
		printf("  checks: %lld passed, %lld error%s, %lld warning%s (check run %lld, %s)%s\n",
		       (long long)sqlite3_column_int64(st, 4),
		       (long long)sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 2) == 1 ? "" : "s",
		       (long long)sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 3) == 1 ? "" : "s",
		       (long long)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 5),
		       current ? "" : " -- older than the change set: drydock check again");
	} else {
		printf("  checks: none yet (drydock check)\n");
	}
	sqlite3_finalize(st);
	if (!sqlite3_prepare_v2(db, "SELECT approved_by, at FROM dd_approval WHERE changeset_hash = ?1 "
				    "ORDER BY id DESC LIMIT 1", -1, &st, NULL)) {
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			printf("  approved by %s at %s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
		else
			printf("  not approved\n");
	}
	sqlite3_finalize(st);
}

static void print_text(sqlite3 *db, const char *path, const struct catalog *cat)
{
	char *plan = stage_get_meta(db, "plan_name");
	char *created = stage_get_meta(db, "created_at");
	char *ver = stage_get_meta(db, "drydock_version");
	long long total = 0;

	printf("staging file  %s\n", path);
	printf("plan          %s\n", plan ? plan : "?");
	printf("created       %s by drydock %s\n", created ? created : "?", ver ? ver : "?");
	printf("\nsources\n");
	for (int i = 0; i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		printf("  %-12s %-7s %s (%s%s%s), read %s\n", s->name,
		       s->is_target ? "target" : "input", s->identity,
		       s->origin, s->server_version ? ", PostgreSQL " : "",
		       s->server_version ? s->server_version : "",
		       s->snapshot_at ? s->snapshot_at : "?");
	}
	printf("\ntables\n");
	printf("  %-32s %10s  %s\n", "table", "rows", "in steps as");
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		char name[512];
		snprintf(name, sizeof(name), "%s.%s", t->source, t->name);
		printf("  %-32s %10lld  %s%s%s\n", name, t->row_count, t->stage_name,
		       t->pristine_name ? "" : " (read-only)",
		       t->row_filter ? " [filtered]" : "");
		total += t->row_count;
	}
	printf("  %-32s %10lld\n", "total", total);
	{
		int nm = 0;
		for (int i = 0; i < cat->ntables; i++)
			for (int c = 0; c < cat->tables[i].ncols; c++)
				nm += cat->tables[i].cols[c].masked != NULL;
		if (nm)
			printf("\npersonal data masked in %d column%s: this file can only be pushed to a rehearsal target\n",
			       nm, nm == 1 ? "" : "s");
	}
	{
		sqlite3_stmt *st;
		struct changeset_summary sum;
		printf("\nrun\n");
		if (!sqlite3_prepare_v2(db, "SELECT id, status, started_at, next_step, message "
					    "FROM dd_run ORDER BY id DESC LIMIT 1", -1, &st, NULL) &&
		    sqlite3_step(st) == SQLITE_ROW) {
			printf("  run %lld %s, started %s", (long long)sqlite3_column_int64(st, 0),
			       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
			if (sqlite3_column_text(st, 4))
				printf(", stopped at step '%s' (drydock run --resume continues)",
				       sqlite3_column_text(st, 4));
			printf("\n");
		} else {
			printf("  none yet: drydock run %s --plan DIR\n", path);
		}
		sqlite3_finalize(st);
		if (changeset_load_summary(db, &sum) == 0) {
			printf("  change set %s\n  %lld inserts, %lld updates, %lld deletes, %d schema change%s\n",
			       sum.hash, sum.inserts, sum.updates, sum.deletes, sum.schema_changes,
			       sum.schema_changes == 1 ? "" : "s");
			print_review(db, sum.hash);
		}
	}
	free(plan);
	free(created);
	free(ver);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	struct catalog cat = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return usage_error("status", "unknown option");
	}
	if (optind != argc - 1)
		return usage_error("status", "give one staging file");
	if (stage_open(argv[optind], 1, &db) || stage_read_catalog(db, &cat))
		goto cleanup;
	if (json) {
		cJSON *o = status_json(db, &cat);
		char *s = cJSON_Print(o);
		printf("%s\n", s);
		cJSON_free(s);
		cJSON_Delete(o);
	} else {
		print_text(db, argv[optind], &cat);
	}
	ret = EXIT_OK;
cleanup:
	catalog_free(&cat);
	stage_close(db);
	return ret;
}
