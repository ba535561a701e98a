/*
 * drydock plan: print exactly what `drydock push` would send to the
 * target, in order, as PostgreSQL SQL, without connecting anywhere.  The
 * statements come from the same walk push executes (pushsql.c).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "commands.h"
#include "pg.h"
#include "push.h"
#include "pushset.h"
#include "pushrows.h"
#include "pushsql.h"
#include "stage.h"

const char usage_plan[] =
	"usage: drydock plan STAGE.db [--no-data] [--batch-size N] [--lock-timeout T]\n"
	"                    [--statement-timeout T] [--disable-triggers] [--plan DIR]\n"
	"\n"
	"Prints every statement `drydock push` sends for this change set, in order:\n"
	"the session settings and lock, the ledger, the COPY of the change rows,\n"
	"the schema check and the conflict checks, the schema changes and the data\n"
	"statements, the verification and the ledger entry.  Nothing is sent anywhere.\n"
	"Options are those of push and change the statements the same way.\n"
	"\n"
	"  --no-data    replace the rows of each COPY with a count\n";

struct printer {
	sqlite3 *db;
	const struct push_set *ps;
	int data;
	long long rows;
};

static int print_out(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

static int discard(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

static void comment(const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("-- %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
}

static int print_step(void *ctx, const struct ps_step *s)
{
	struct printer *pr = ctx;
	const struct push_table *t = s->table >= 0 ? &pr->ps->tables[s->table] : NULL;

	printf("\n");
	if (s->comment)
		comment(s->comment);
	switch (s->kind) {
	case PS_LOCK:
		comment("(push first tries pg_try_advisory_lock and says so when it has to wait)");
		break;
	case PS_LEDGER_ENSURE:
		comment("(only when drydock.ledger does not exist yet)");
		break;
	case PS_LEDGER_FIND:
		comment("a row: refused, or, for a batched push in progress, resumed after its last batch");
		break;
	case PS_LEDGER_NEW:
		comment("<id> below is the id this returns");
		break;
	case PS_PREFLIGHT:
		comment("any row: a missing table or column, or a different type; nothing is applied");
		break;
	case PS_CONFLICTS:
		comment("any row is a conflict: ROLLBACK, the rows are reported, nothing is applied");
		comment("(when the target's tables have no triggers, rules or partitions and a unique\n"
			" index on the key, push sends SAVEPOINT dd_fused here instead and runs these\n"
			" queries only if a statement below falls short of its count; with it, when no\n"
			" early delete tests other tables, SET LOCAL enable_hashjoin = off and\n"
			" enable_mergejoin = off, so the statements probe the key: docs/push.md)");
		break;
	case PS_VERIFY:
		comment("any row: ROLLBACK");
		break;
	case PS_DML:
		if (s->count == CNT_EXACT && s->unit)
			comment("must affect every row of this batch, or ROLLBACK");
		else if (s->count == CNT_EXACT)
			printf("-- must affect exactly %lld row%s, or ROLLBACK\n",
			       s->op == 'I' ? t->ninsert : s->op == 'U' ? t->nupdate : t->ndelete,
			       (s->op == 'I' ? t->ninsert : s->op == 'U' ? t->nupdate : t->ndelete) == 1 ? "" : "s");
		else if (s->count == CNT_REST)
			printf("-- with the early delete, must affect exactly %lld row%s, or ROLLBACK\n",
			       t->ndelete, t->ndelete == 1 ? "" : "s");
		break;
	default:
		break;
	}
	printf("%s;\n", s->sql);
	if (s->kind == PS_COPY) {
		long long per[3];
		if (pushrows_copy(pr->db, t, s, pr->data ? print_out : discard, pr, per))
			return -1;
		if (!pr->data)
			printf("-- (%lld row%s: %s)\n", per[0] + per[1] + per[2],
			       PLURAL(per[0] + per[1] + per[2]), change_counts(per[0], per[1], per[2]));
		printf("\\.\n");
	}
	return ferror(stdout) ? -1 : 0;
}

int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-data", no_argument, NULL, 'n' },
		PUSH_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *path;
	int data = 1, c, r, ret = EXIT_RUNTIME;
	struct shared_args args = SHARED_ARGS_INIT;
	sqlite3 *db = NULL;
	struct push_set ps = { 0 };
	struct review rv = { 0 };
	struct push_settings set = { 0 };
	struct push_opts o = { 0 };
	struct ps_state st = { 0 };
	struct push_rows rows;
	struct printer pr = { 0 };
	char *staging = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		r = shared_option("plan", c, optarg, &args);
		if (r == 1)
			continue;
		if (r)
			return r;
		if (c == 'n')
			data = 0;
		else
			return option_error("plan", argv, opts, "");
	}
	if ((r = stage_operand("plan", argc, argv, "give one staging file", &path)))
		return r;
	if ((r = check_push_args("plan", &args, 0)))
		return r;
	if (stage_open(path, 1, &db))
		goto cleanup;
	r = pushset_from_stage(db, path, &ps);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		error("'%s' has no change set", path);
		hint("Run the plan first: drydock run %s --plan DIR", path);
		goto cleanup;
	}
	if (book_review(db, &rv) < 0 || push_settings_load(db, args.plan_dir, &set))
		goto cleanup;
	push_settings_override(&set, args.lock_timeout, args.statement_timeout, args.batch_size,
			       args.disable_triggers);
	staging = push_staging_label(db, path);
	o.lock_timeout = set.lock_timeout;
	o.statement_timeout = set.statement_timeout;
	o.batch_size = set.batch_size;
	o.disable_triggers = set.disable_triggers;
	if (review_approved(&rv) && !strcmp(rv.approval.hash, ps.hash)) {
		o.approved_by = rv.approval.by;
		o.approval_note = rv.approval.note;
		o.approved_at = rv.approval.at;
	}
	o.staging = staging;
	printf("-- drydock plan: what `drydock push %s` sends to the target, in order.\n", path);
	printf("-- change set %s (plan %s): %s, %d schema change%s\n",
	       ps.hash, ps.plan, change_counts(ps.inserts, ps.updates, ps.deletes), ps.nddl, PLURAL(ps.nddl));
	if (!o.approved_by)
		printf("-- not approved yet: push refuses until 'drydock approve %s --by NAME'\n", path);
	printf("-- <id> stands for the ledger entry's id, known when push runs.\n");
	printf("\n-- on connecting (every drydock connection): exact text values\n%s\n",
	       pg_session_setup);
	pr.db = db;
	pr.ps = &ps;
	pr.data = data;
	rows = pushrows_from_stage(db);
	if (pushsql_walk_push(&ps, &rows, &o, &st, print_step, &pr))
		goto cleanup;
	ret = EXIT_OK;
cleanup:
	pushsql_state_release(&st);
	stage_close(db);
	pushset_free(&ps);
	review_free(&rv);
	push_settings_free(&set);
	free(staging);
	return ret;
}
