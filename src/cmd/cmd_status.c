/*
 * drydock status: where a staging file stands — sources, tables, row
 * counts, when and from where.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "commands.h"
#include "project.h"
#include "stage.h"
#include "term.h"

const char usage_status[] =
	"usage: drydock status STAGE.db [--json]\n"
	"\n"
	"Shows the staging file's sources (where and when they were read),\n"
	"its tables with row counts, the plan it was made for, and the project\n"
	"file in use.  Without STAGE.db: the project file's staging file.\n"
	"\n"
	"  --json    print the same as one JSON object\n";

/* Which key identifies the table's rows (docs/snapshot.md). */
static const char *table_key_kind(const struct table_meta *t)
{
	if (!t->npk)
		return "full row";
	if (t->key_index)
		return "unique index";
	return t->ndeclared_key ? "plan" : "primary key";
}

static cJSON *status_json(sqlite3 *db, const struct catalog *cat, const struct review *rv)
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
	if (rv->has_run) {
		cJSON *r = cJSON_AddObjectToObject(o, "run");
		cJSON_AddNumberToObject(r, "id", (double)rv->run.id);
		cJSON_AddStringToObject(r, "status", rv->run.status);
		cJSON_AddStringToObject(r, "started_at", rv->run.started_at);
		if (rv->run.finished_at)
			cJSON_AddStringToObject(r, "finished_at", rv->run.finished_at);
		cJSON_AddStringToObject(r, "seed", rv->run.seed);
		cJSON_AddStringToObject(r, "clock", rv->run.clock);
	}
	if (rv->has_changeset) {
		const struct changeset_summary *sum = &rv->cs;
		cJSON *c = cJSON_AddObjectToObject(o, "changeset");
		cJSON_AddStringToObject(c, "hash", sum->hash);
		cJSON_AddNumberToObject(c, "inserts", (double)sum->inserts);
		cJSON_AddNumberToObject(c, "updates", (double)sum->updates);
		cJSON_AddNumberToObject(c, "deletes", (double)sum->deletes);
		cJSON_AddNumberToObject(c, "schema_changes", sum->schema_changes);
		if (rv->has_checks) {
			cJSON *k = cJSON_AddObjectToObject(c, "checks");
			cJSON_AddNumberToObject(k, "check_run", (double)rv->checks.id);
			cJSON_AddBoolToObject(k, "current", rv->checks.changeset_hash &&
					      !strcmp(rv->checks.changeset_hash, sum->hash));
			cJSON_AddNumberToObject(k, "errors", (double)rv->checks.errors);
			cJSON_AddNumberToObject(k, "warnings", (double)rv->checks.warnings);
			cJSON_AddNumberToObject(k, "passed", (double)rv->checks.passed);
		}
		/* present exactly when push would accept the approval (book.h) */
		if (review_approved(rv)) {
			cJSON *a = cJSON_AddObjectToObject(c, "approval");
			cJSON_AddStringToObject(a, "by", rv->approval.by);
			cJSON_AddStringToObject(a, "at", rv->approval.at);
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
		cJSON_AddStringToObject(jt, "key", table_key_kind(t));
		if (t->key_index)
			cJSON_AddStringToObject(jt, "key_index", t->key_index);
		if (t->partitioned)
			cJSON_AddBoolToObject(jt, "partitioned", 1);
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
 * (and whether it judged this change set) and its approval, judged by the
 * rule approve and push use (book.h).
 */
static void print_review(const struct review *rv)
{
	const char *hash = rv->cs.hash;
	if (rv->has_checks) {
		const struct check_run_record *k = &rv->checks;
		int current = k->changeset_hash && !strcmp(k->changeset_hash, hash);
		printf("  checks: %lld passed, %s%lld error%s%s, %s%lld warning%s%s (check run %lld, %s)%s\n",
		       k->passed, k->errors ? color(1, C_RED) : "", k->errors, k->errors == 1 ? "" : "s",
		       k->errors ? color(1, C_RESET) : "", k->warnings ? color(1, C_YELLOW) : "",
		       k->warnings, k->warnings == 1 ? "" : "s", k->warnings ? color(1, C_RESET) : "",
		       k->id, k->at, current ? "" : " -- older than the change set: drydock check again");
	} else {
		printf("  checks: none yet (drydock check)\n");
	}
	if (review_approved(rv))
		printf("  %sapproved%s by %s at %s\n", color(1, C_GREEN), color(1, C_RESET),
		       rv->approval.by, rv->approval.at);
	else if (rv->approval_state == APPROVAL_VOID)
		printf("  %snot approved%s (the latest approval, by %s at %s, is for change set %.16s)\n",
		       color(1, C_YELLOW), color(1, C_RESET), rv->approval.by, rv->approval.at, rv->approval.hash);
	else if (rv->approval_state == APPROVAL_CURRENT)
		printf("  %snot approved%s (approved by %s at %s, but %s)\n", color(1, C_YELLOW),
		       color(1, C_RESET), rv->approval.by,
		       rv->approval.at, rv->state == REVIEW_RUN_UNFINISHED ? "the latest run did not finish"
		       : "the checks no longer allow it");
	else
		printf("  %snot approved%s\n", color(1, C_YELLOW), color(1, C_RESET));
}

/*
 * The project file in use, or NULL; *broken when there is one drydock
 * cannot use (its errors are not repeated here: status only mentions it).
 */
static const struct project *status_project(int *broken)
{
	const struct project *p = NULL;
	dd_mute_reports++;
	*broken = project_current(&p) != 0;
	dd_mute_reports--;
	return p;
}

static void print_project(void)
{
	int broken;
	const struct project *p = status_project(&broken);
	if (broken) {
		char *where = project_locate();
		printf("project file  %s (not usable: 'drydock status' without STAGE.db says why)\n",
		       where ? where : "?");
		free(where);
		return;
	}
	if (!p)
		return;
	printf("project file  %s", p->path);
	if (p->plan)
		printf(", plan %s", p->plan);
	if (p->target)
		printf(", default target %s", p->target);
	if (p->ntargets) {
		char *names = project_target_names(p);
		printf(" (targets: %s)", names);
		free(names);
	}
	printf("\n");
}

static void project_json(cJSON *o)
{
	int broken;
	const struct project *p = status_project(&broken);
	cJSON *j, *names;
	if (!p) {
		cJSON_AddNullToObject(o, "project");
		return;
	}
	j = cJSON_AddObjectToObject(o, "project");
	cJSON_AddStringToObject(j, "file", p->path);
	if (p->plan)
		cJSON_AddStringToObject(j, "plan", p->plan);
	if (p->stage)
		cJSON_AddStringToObject(j, "stage", p->stage);
	if (p->target)
		cJSON_AddStringToObject(j, "target", p->target);
	names = cJSON_AddArrayToObject(j, "targets");
	for (int i = 0; i < p->ntargets; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(p->targets[i].name));
}

static void print_text(sqlite3 *db, const char *path, const struct catalog *cat,
		       const struct review *rv)
{
	char *plan = stage_get_meta(db, "plan_name");
	char *created = stage_get_meta(db, "created_at");
	char *ver = stage_get_meta(db, "drydock_version");
	long long total = 0;
	struct table *t;

	printf("staging file  %s\n", path);
	print_project();
	printf("plan          %s\n", plan ? plan : "?");
	printf("created       %s by drydock %s\n", created ? created : "?", ver ? ver : "?");
	printf("\n%ssources%s\n", color(1, C_BOLD), color(1, C_RESET));
	t = table_new(stdout);
	table_column(t, "source", 0);
	table_column(t, "role", 0);
	table_column(t, "read from", COL_SHRINK);
	table_column(t, "at", 0);
	for (int i = 0; i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		table_cell(t, s->name);
		table_cell(t, s->is_target ? "target" : "input");
		table_cellf(t, "%s (%s%s%s)", s->identity, s->origin,
			    s->server_version ? ", PostgreSQL " : "",
			    s->server_version ? s->server_version : "");
		table_cell(t, s->snapshot_at ? s->snapshot_at : "?");
	}
	table_print(t, "  ");
	printf("\n%stables%s\n", color(1, C_BOLD), color(1, C_RESET));
	t = table_new(stdout);
	table_column(t, "table", COL_SHRINK);
	table_column(t, "rows", COL_RIGHT);
	table_column(t, "in steps as", COL_SHRINK);
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *tm = &cat->tables[i];
		table_cellf(t, "%s.%s", tm->source, tm->name);
		table_cellf(t, "%lld", tm->row_count);
		table_cellf(t, "%s%s%s%s%s%s%s", tm->stage_name,
			    tm->pristine_name ? "" : " (read-only)",
			    tm->row_filter ? " [filtered]" : "",
			    tm->partitioned ? " [partitioned]" : "",
			    !tm->npk ? " [key: full row]" : tm->key_index ? " [key: unique index " :
			    tm->ndeclared_key ? " [key from the plan]" : "",
			    tm->key_index ? tm->key_index : "", tm->key_index ? "]" : "");
		total += tm->row_count;
	}
	table_cell(t, "total");
	table_cellf(t, "%lld", total);
	table_cell(t, "");
	table_print(t, "  ");
	{
		int nm = 0;
		for (int i = 0; i < cat->ntables; i++)
			for (int c = 0; c < cat->tables[i].ncols; c++)
				nm += cat->tables[i].cols[c].masked != NULL;
		if (nm)
			printf("\npersonal data masked in %d column%s: this file can only be pushed to a rehearsal target\n",
			       nm, nm == 1 ? "" : "s");
	}
	printf("\n%srun%s\n", color(1, C_BOLD), color(1, C_RESET));
	if (rv->has_run) {
		printf("  run %lld ", rv->run.id);
		fputs_color(rv->run.status, status_color(rv->run.status), stdout);
		printf(", started %s", rv->run.started_at);
		if (rv->run.message)
			printf(", stopped at step '%s' (drydock run --resume continues)", rv->run.message);
		printf("\n");
	} else {
		printf("  none yet: drydock run %s --plan DIR\n", path);
	}
	if (rv->has_changeset) {
		const struct changeset_summary *sum = &rv->cs;
		printf("  change set %s\n  %s, %d schema change%s\n",
		       sum->hash, change_counts(sum->inserts, sum->updates, sum->deletes), sum->schema_changes,
		       sum->schema_changes == 1 ? "" : "s");
		print_review(rv);
	}
	{
		struct push_record *p = NULL;
		int np = 0;
		printf("\n%spushes%s\n", color(1, C_BOLD), color(1, C_RESET));
		if (book_pushes(db, &p, &np) == 0 && !np)
			printf("  none yet\n");
		if (np) {
			t = table_new(stdout);
			table_column(t, "kind", 0);
			table_column(t, "#", 0);
			table_column(t, "status", 0);
			table_column(t, "change set", 0);
			table_column(t, "started", 0);
			table_column(t, "target", COL_SHRINK);
			for (int i = 0; i < np; i++) {
				char hash[17];
				snprintf(hash, sizeof(hash), "%s", p[i].hash);
				table_cell(t, p[i].kind);
				table_cellf(t, "#%lld", p[i].id);
				table_cell_color(t, status_color(p[i].status), p[i].status);
				table_cell(t, hash);
				table_cell(t, p[i].started_at);
				if (p[i].ledger_id)
					table_cellf(t, "%s  (ledger entry #%lld)", p[i].target, p[i].ledger_id);
				else
					table_cell(t, p[i].target);
			}
			table_print(t, "  ");
		}
		push_records_free(p, np);
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
	const char *path;
	int json = 0, c, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	struct catalog cat = { 0 };
	struct review rv = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
			json_stdout();
		} else
			return option_error("status", argv, opts, "");
	}
	if ((c = stage_operand("status", argc, argv, "give one staging file", &path)))
		return c;
	if (stage_open(path, 1, &db) || stage_read_catalog(db, &cat) ||
	    book_review(db, &rv))
		goto cleanup;
	if (json) {
		cJSON *o = status_json(db, &cat, &rv);
		project_json(o);
		print_json(o);
		cJSON_Delete(o);
	} else {
		print_text(db, path, &cat, &rv);
	}
	ret = EXIT_OK;
cleanup:
	catalog_free(&cat);
	review_free(&rv);
	stage_close(db);
	return ret;
}
