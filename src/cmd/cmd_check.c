/*
 * drydock check: prove the change set of the latest run offline (built-in
 * constraint and type checks, the plan's checks and gates), store the
 * results for approve and push, and with --fix run the fixes of failing
 * plan checks as recorded steps.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "checks.h"
#include "commands.h"
#include "plan.h"
#include "engine.h"
#include "stage.h"
#include "term.h"

const char usage_check[] =
	"usage: drydock check STAGE.db [--plan DIR] [--fix] [--json] [--all]\n"
	"\n"
	"Checks the change set of the latest run offline, with no database server:\n"
	"the target's primary keys, NOT NULL, unique, foreign key and CHECK\n"
	"constraints, the PostgreSQL type of every inserted or updated value, and the\n"
	"plan's own checks and gates (docs/checks.md).  The results are stored in the\n"
	"staging file: approve and push need a check of the current change set\n"
	"without errors.\n"
	"\n"
	"  --plan DIR   the plan folder (default: the one the latest run used)\n"
	"  --fix        run the \"fix\" SQL of failing plan checks as recorded steps,\n"
	"               recompute the change set and check again\n"
	"  --json       print the results as JSON\n"
	"  --all        also recheck constraints of tables the change set leaves\n"
	"               unchanged (their violations are pre-existing: warnings)\n"
	"\n"
	"On a terminal the text goes through a pager (see drydock --help).\n"
	"\n"
	"Exit status: 0 when no check of severity error failed, 1 when one did,\n"
	"2 on a usage error, 3 when checking could not finish.\n";

/*
 * While fixes run, the working tables move ahead of the stored change set
 * until it is recomputed.  dd_meta "changeset_stale" holds the run's id in
 * that window, so a check after an interrupted --fix recomputes first (and
 * book_review() refuses to approve meanwhile).
 */
#define STALE_KEY "changeset_stale"

static int changeset_mark_stale(struct run_ctx *rc)
{
	char id[32];
	snprintf(id, sizeof(id), "%lld", rc->run);
	return stage_set_meta(rc->db, STALE_KEY, id);
}

/* Recomputes a change set left stale by an interrupted --fix. */
static int recompute_if_stale(struct run_ctx *rc)
{
	char *v = stage_get_meta(rc->db, STALE_KEY);
	char id[32];
	struct changeset_summary sum;
	int ret = 0;
	snprintf(id, sizeof(id), "%lld", rc->run);
	if (v && !strcmp(v, id)) {
		info("fixes ran after the change set was computed (an interrupted --fix): recomputing it");
		ret = run_recompute_changeset(rc, &sum) || stage_set_meta(rc->db, STALE_KEY, "") ? -1 : 0;
	}
	free(v);
	return ret;
}

struct applied_fix {
	const struct plan_check *check;
	long long count;   /* violating rows before the fix */
	char *sample;      /* their keys */
	char *shown;
	long long rows;    /* rows the fix changed */
};

static long long last_step_rows(sqlite3 *db, long long run)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;
	if (!sqlite3_prepare_v2(db, "SELECT rows FROM dd_run_log WHERE run = ?1 "
				    "ORDER BY seq DESC LIMIT 1", -1, &st, NULL)) {
		sqlite3_bind_int64(st, 1, run);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

static int fixable(const struct check_result *r)
{
	return r->check && r->check->fix_sql && !strcmp(r->phase, "after") &&
	       !strcmp(r->status, "fail");
}

/*
 * Runs the fix of every failing "after" plan check that has one, each as
 * a recorded step "fix:NAME", then recomputes the change set.  Fills
 * fixes (the caller frees).  Returns -1 on a fix that fails (the change
 * set is still recomputed for the fixes that ran).
 */
static int run_fixes(struct run_ctx *rc, const struct check_session *s,
		     struct applied_fix **fixes, int *nfixes)
{
	struct changeset_summary sum;
	int ret = 0, any = 0;

	*fixes = xcalloc((size_t)s->nres + 1, sizeof(**fixes));
	*nfixes = 0;
	for (int i = 0; i < s->nres; i++)
		any |= fixable(&s->res[i]);
	if (!any)
		return 0;
	if (changeset_mark_stale(rc))
		return -1;
	for (int i = 0; i < s->nres; i++) {
		const struct check_result *r = &s->res[i];
		struct applied_fix *f;
		char *name;
		if (!fixable(r))
			continue;
		f = &(*fixes)[(*nfixes)++];
		f->check = r->check;
		f->count = r->count;
		f->sample = xstrdup(r->sample.len ? r->sample.buf : "[]");
		f->shown = xstrdup(r->shown.buf);
		name = xasprintf("fix:%s", r->check->name);
		ret = run_extra_step(rc, name, r->check->fix_from, r->check->fix_sql,
				     r->check->sqlite_dialect);
		free(name);
		if (ret)
			break;
		f->rows = last_step_rows(rc->db, rc->run);
		info("fix '%s': %s changed %lld row%s", r->check->name, r->check->fix_name,
		     f->rows, f->rows == 1 ? "" : "s");
		fault_point("check.after_fix");
	}
	if (run_recompute_changeset(rc, &sum) || stage_set_meta(rc->db, STALE_KEY, ""))
		return -1;
	if (!ret)
		info("change set %.16s after the fixes: %s", sum.hash,
		     change_counts(sum.inserts, sum.updates, sum.deletes));
	return ret;
}

/* Marks the plan checks whose fix made them pass as "fixed". */
static void mark_fixed(struct check_session *s, const struct applied_fix *fixes, int n)
{
	for (int i = 0; i < s->nres; i++) {
		struct check_result *r = &s->res[i];
		for (int k = 0; k < n; k++) {
			const struct applied_fix *f = &fixes[k];
			if (r->check != f->check || strcmp(r->phase, "after"))
				continue;
			free(r->message);
			if (!strcmp(r->status, "pass")) {
				r->status = "fixed";
				r->count = f->count;
				sb_reset(&r->sample);
				sb_adds(&r->sample, f->sample);
				sb_reset(&r->shown);
				sb_adds(&r->shown, f->shown);
				r->nsample = 1;
				r->message = xasprintf("fixed by %s (%lld row%s changed, recorded as step 'fix:%s')",
						       f->check->fix_name, f->rows, f->rows == 1 ? "" : "s",
						       f->check->name);
			} else {
				r->message = xasprintf("still %lld row%s after %s ran", r->count,
						       r->count == 1 ? "" : "s", f->check->fix_name);
			}
		}
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "fix", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plandir = NULL, *stage;
	char *saved_dir = NULL;
	int fix = 0, json = 0, all = 0, c, ret = EXIT_RUNTIME, nfixes = 0;
	struct plan plan = { 0 };
	struct checks spec = { 0 };
	struct run_ctx rc = { 0 };
	struct check_session s = { 0 };
	struct applied_fix *fixes = NULL;
	struct changeset_summary sum;
	struct check_totals t;
	long long id = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': plandir = optarg; break;
		case 'f': fix = 1; break;
		case 'j': json = 1; json_stdout(); break;
		case 'a': all = 1; break;
		default: return option_error("check", argv, opts, "");
		}
	}
	if ((c = stage_operand("check", argc, argv, "give one staging file", &stage)))
		return c;
	{
		sqlite3 *db = NULL;
		if (stage_open(stage, 1, &db))
			goto cleanup;
		saved_dir = stage_get_meta(db, "plan_dir");
		stage_close(db);
	}
	if (!plandir) {
		if (!saved_dir) {
			error("'%s' does not say which plan it was run with", stage);
			hint("Give the plan folder with --plan DIR, or run the plan first.");
			goto cleanup;
		}
		plandir = saved_dir;
	}
	if (plan_load(plandir, &plan) || checks_parse(&plan, &spec))
		goto cleanup;
	if (run_open_latest(&rc, stage, &plan) || checks_validate(&plan, &spec, rc.working) ||
	    recompute_if_stale(&rc))
		goto cleanup;
	check_session_init(&s, rc.db, &plan, &spec, rc.pristine, rc.working, rc.run);
	s.all = all;
	if (checks_run_before(&s) || checks_run_watched(&s))
		goto cleanup;
	if (fix) {
		int r = run_fixes(&rc, &s, &fixes, &nfixes);
		if (r)
			goto cleanup;
		if (nfixes) {
			check_session_free(&s);
			check_session_init(&s, rc.db, &plan, &spec, rc.pristine, rc.working, rc.run);
			s.all = all;
			if (checks_run_before(&s) || checks_run_watched(&s))
				goto cleanup;
			mark_fixed(&s, fixes, nfixes);
		} else {
			info("no failing check has a fix");
		}
	}
	if (checks_store(&s, &id) || changeset_load_summary(rc.db, &sum) < 0)
		goto cleanup;
	if (json) {
		char *text = checks_json(&s, id, sum.hash[0] ? sum.hash : NULL);
		print_json_text(text);
		free(text);
	} else {
		pager_start();
		checks_print(&s, stdout, PRINT_ALL);
		checks_print_summary(&s, stdout);
	}
	checks_totals(&s, &t);
	ret = t.errors ? EXIT_FINDINGS : EXIT_OK;
cleanup:
	for (int i = 0; i < nfixes; i++) {
		free(fixes[i].sample);
		free(fixes[i].shown);
	}
	free(fixes);
	check_session_free(&s);
	run_close(&rc);
	checks_free(&spec);
	plan_free(&plan);
	free(saved_dir);
	return ret;
}
