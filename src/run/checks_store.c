/*
 * checks_store: a session's results totalled, stored in the staging file
 * (dd_check_run, dd_check_result) and shown as text or JSON.
 */
#define _GNU_SOURCE
#include "jsonutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "sqlc.h"
#include "term.h"
#include "checks_int.h"

/* ============================================================= reporting */

void checks_totals(const struct check_session *s, struct check_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		if (!strcmp(r->status, "pass")) {
			t->passed++;
		} else if (!strcmp(r->status, "fixed")) {
			t->fixed++;
		} else if (!strcmp(r->status, "unverifiable")) {
			t->unverifiable++;
		} else {
			t->failed++;
			if (!strcmp(r->severity, "error"))
				t->errors++;
			else
				t->warnings++;
		}
	}
}

int checks_store(struct check_session *s, long long *id)
{
	struct check_totals t;
	struct changeset_summary sum;
	sqlite3_stmt *run = NULL, *res = NULL;
	char *now = utc_timestamp();
	int have, ret = -1;

	checks_totals(s, &t);
	have = changeset_load_summary(s->db, &sum);
	if (have < 0)
		goto cleanup;
	if (stage_exec(s->db, "BEGIN"))
		goto cleanup;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO dd_check_run (at, run, changeset_hash, phase, "
				      "errors, warnings, passed) "
				      "VALUES (?1, ?2, ?3, 'all', ?4, ?5, ?6)",
			       -1, &run, NULL) ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO dd_check_result (check_run, seq, name, kind, "
				      "severity, status, count, sample, message, duration_ms) "
				      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			       -1, &res, NULL))
		goto dberr;
	sqlite3_bind_text(run, 1, now, -1, SQLITE_STATIC);
	if (s->run)
		sqlite3_bind_int64(run, 2, s->run);
	if (have == 0)
		sqlite3_bind_text(run, 3, sum.hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(run, 4, t.errors);
	sqlite3_bind_int(run, 5, t.warnings);
	sqlite3_bind_int(run, 6, t.passed + t.fixed);
	if (sqlite3_step(run) != SQLITE_DONE)
		goto dberr;
	*id = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		sqlite3_bind_int64(res, 1, *id);
		sqlite3_bind_int(res, 2, i + 1);
		sqlite3_bind_text(res, 3, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 4, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 5, r->severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(res, 6, r->status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(res, 7, r->count);
		sqlite3_bind_text(res, 8, r->sample.len ? r->sample.buf : "[]", -1, SQLITE_STATIC);
		if (r->message)
			sqlite3_bind_text(res, 9, r->message, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(res, 9);
		sqlite3_bind_double(res, 10, r->ms);
		if (sqlite3_step(res) != SQLITE_DONE)
			goto dberr;
		sqlite3_reset(res);
	}
	sqlite3_finalize(run);
	sqlite3_finalize(res);
	run = res = NULL;
	fault_point("check.store_before_commit");
	if (stage_exec(s->db, "COMMIT"))
		goto rollback;
	fault_point("check.after_store");
	ret = 0;
	goto cleanup;
dberr:
	stage_error(s->db, "cannot store the check results");
rollback:
	sqlite3_finalize(run);
	sqlite3_finalize(res);
	run = res = NULL;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	free(now);
	return ret;
}

static int listed(const struct check_result *r, int which)
{
	if (which == PRINT_ALL)
		return 1;
	if (!strcmp(r->status, "fail"))
		return 1;
	return which == PRINT_PROBLEMS && !strcmp(r->status, "unverifiable");
}

/* The colour of a result's severity: only a failure's is worth one. */
static enum term_color severity_color(const struct check_result *r)
{
	if (strcmp(r->status, "fail"))
		return C_RESET;
	return !strcmp(r->severity, "error") ? C_RED : C_YELLOW;
}

/*
 * One table sized to its content (and, on a terminal, to its width: long
 * names and sample keys are cut there, never in a file or a pipe); a
 * failure's message on a line of its own under it.
 */
void checks_print(const struct check_session *s, FILE *f, int which)
{
	struct table *t = NULL;
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		if (!listed(r, which))
			continue;
		if (!t) {
			t = table_new(f);
			table_column(t, "check", COL_SHRINK);
			table_column(t, "severity", 0);
			table_column(t, "status", 0);
			table_column(t, "count", COL_RIGHT);
			table_column(t, "sample keys", COL_SHRINK);
		}
		table_cell(t, r->name);
		table_cell_color(t, severity_color(r), r->severity);
		table_cell_color(t, !strcmp(r->status, "fail") ? severity_color(r)
				    : status_color(r->status), r->status);
		if (!strcmp(r->status, "unverifiable"))
			table_cell(t, "-");
		else
			table_cellf(t, "%lld", r->count);
		table_cell(t, r->shown.buf);
		if (r->message && strcmp(r->status, "pass"))
			table_note(t, r->message);
	}
	if (t)
		table_print(t, "");
}

void checks_print_summary(const struct check_session *s, FILE *f)
{
	struct check_totals t;
	int fd = fileno(f);
	checks_totals(s, &t);
	fprintf(f, "checks: %s%d passed%s", t.passed ? color(fd, C_GREEN) : "", t.passed,
		t.passed ? color(fd, C_RESET) : "");
	if (t.fixed)
		fprintf(f, ", %d fixed", t.fixed);
	fprintf(f, ", %s%d failed%s", t.failed ? color(fd, t.errors ? C_RED : C_YELLOW) : "",
		t.failed, t.failed ? color(fd, C_RESET) : "");
	if (t.failed)
		fprintf(f, " (%d error%s, %d warning%s)", t.errors, t.errors == 1 ? "" : "s",
			t.warnings, t.warnings == 1 ? "" : "s");
	fprintf(f, ", %d unverifiable", t.unverifiable);
	if (s->skipped)
		fprintf(f, "; %d constraint check%s on unchanged tables skipped", s->skipped,
			s->skipped == 1 ? "" : "s");
	fprintf(f, "\n");
}

char *checks_json(const struct check_session *s, long long check_run,
		  const char *changeset_hash)
{
	struct check_totals t;
	cJSON *o = cJSON_CreateObject(), *arr;
	char *text;

	checks_totals(s, &t);
	cJSON_AddNumberToObject(o, "check_run", (double)check_run);
	if (s->run)
		cJSON_AddNumberToObject(o, "run", (double)s->run);
	else
		cJSON_AddNullToObject(o, "run");
	if (changeset_hash)
		cJSON_AddStringToObject(o, "changeset", changeset_hash);
	else
		cJSON_AddNullToObject(o, "changeset");
	cJSON_AddNumberToObject(o, "errors", t.errors);
	cJSON_AddNumberToObject(o, "warnings", t.warnings);
	cJSON_AddNumberToObject(o, "passed", t.passed);
	cJSON_AddNumberToObject(o, "fixed", t.fixed);
	cJSON_AddNumberToObject(o, "failed", t.failed);
	cJSON_AddNumberToObject(o, "unverifiable", t.unverifiable);
	cJSON_AddNumberToObject(o, "skipped", s->skipped);
	arr = cJSON_AddArrayToObject(o, "results");
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "name", r->name);
		cJSON_AddStringToObject(j, "kind", r->kind);
		cJSON_AddStringToObject(j, "phase", r->phase);
		cJSON_AddStringToObject(j, "severity", r->severity);
		cJSON_AddStringToObject(j, "status", r->status);
		cJSON_AddNumberToObject(j, "count", (double)r->count);
		{
			/* keys are JSON already; a key that is not valid UTF-8 cannot be */
			cJSON *sample = r->sample.len ? cJSON_Parse(r->sample.buf) : NULL;
			cJSON_AddItemToObject(j, "sample", sample ? sample : cJSON_CreateArray());
		}
		if (r->message)
			cJSON_AddStringToObject(j, "message", r->message);
		else
			cJSON_AddNullToObject(j, "message");
		cJSON_AddNumberToObject(j, "duration_ms", round(r->ms * 1000.0) / 1000.0);
		cJSON_AddItemToArray(arr, j);
	}
	text = json_print_pretty(o);
	cJSON_Delete(o);
	return text;
}
