/*
 * drydock rollback: apply the inverse a push stored in the target's
 * ledger, through the same statements as push (conflict check against
 * what the push wrote, verification, ledger entry), all or a subset.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include <cjson/cJSON.h>

#include "commands.h"
#include "drift.h"
#include "ledger.h"
#include "pg.h"
#include "push.h"
#include "project.h"
#include "pushset.h"
#include "stage.h"

const char usage_rollback[] =
	"usage: drydock rollback STAGE.db [--target CONNINFO] [options]\n"
	"       drydock rollback --ledger ID [--target CONNINFO] [options]\n"
	"\n"
	"Undoes a push: restores the rows it updated and deleted and removes the rows\n"
	"it inserted, from the inverse stored in the target's ledger, then undoes its\n"
	"schema changes.  Rows changed since the push are conflicts: nothing is\n"
	"applied.  With STAGE.db the push of its change set is undone; --ledger ID\n"
	"names the push without the staging file ('drydock history' lists them).\n"
	"\n"
	"  --target CONNINFO     the target: a libpq connection string, URI or a\n"
	"                        database name, or the name of a target of the\n"
	"                        project file (with no connection option at all:\n"
	"                        its \"target\"; see 'drydock help')\n"
	CONN_HELP
	"  --where PRED          undo only the rows PRED selects, in the table PRED\n"
	"                        names (\"users.id IN ('...')\"): PRED is PostgreSQL SQL\n"
	"                        over the row as the push left it.  May repeat; tables\n"
	"                        no --where names are left as they are, and schema\n"
	"                        changes stay (docs/push.md, \"Rolling back a subset\")\n"
	"  --yes                 do not ask (required without a terminal)\n"
	"  --lock-timeout T      how long to wait for a lock (default 10s)\n"
	"  --statement-timeout T limit per statement (default none)\n"
	"  --disable-triggers    (the default: a rollback always turns the tables' own\n"
	"                        triggers off, so rows get back exactly as they were)\n"
	"  --conflicts FILE      where conflicts are written\n"
	"  --json                print the outcome as JSON (README, \"JSON output\");\n"
	"                        needs --yes\n"
	"\n"
	"Exit status: 0 rolled back, 1 conflicts (nothing applied), 2 usage,\n"
	"3 refused or failed.\n";

/* The table a predicate names: the first "table." outside quotes. */
static int predicate_table(const struct push_set *ps, const char *pred)
{
	const char *p = pred;
	while (*p) {
		if (*p == '\'') {
			for (p++; *p && !(*p == '\'' && p[1] != '\''); p += *p == '\'' ? 2 : 1)
				;
			if (*p)
				p++;
			continue;
		}
		if (*p == '"' || isalpha((unsigned char)*p) || *p == '_') {
			char name[256];
			size_t n = 0;
			if (*p == '"') {
				for (p++; *p && n < sizeof(name) - 1; p++) {
					if (*p == '"' && p[1] == '"')
						p++;
					else if (*p == '"')
						break;
					name[n++] = *p;
				}
				if (*p)
					p++;
			} else {
				while ((isalnum((unsigned char)*p) || *p == '_' || *p == '$') && n < sizeof(name) - 1)
					name[n++] = (char)tolower((unsigned char)*p++);
			}
			name[n] = '\0';
			if (*p == '.')
				for (int i = 0; i < ps->ntables; i++)
					if (!strcmp(ps->tables[i].name, name))
						return i;
			continue;
		}
		p++;
	}
	return -1;
}

static void print_summary(const struct ledger_entry *le, const struct push_set *rb,
			  const char *identity, int nwhere)
{
	printf("target      %s\n", identity);
	printf("rollback of push #%lld (%s), plan %s\n", le->id, le->status, le->plan);
	printf("change set  %s\n", le->hash);
	printf("tables     ");
	for (int i = 0; i < rb->ntables; i++) {
		const struct push_table *t = &rb->tables[rb->order[i]];
		printf("%s %-20s %8lld rows inserted by the push are deleted, %lld restored, %lld re-inserted\n",
		       i ? "           " : "", t->name, t->ndelete, t->nupdate, t->ninsert);
	}
	if (nwhere)
		printf("subset      only rows --where selects; schema changes stay\n");
	else
		printf("schema      %d change%s undone\n", rb->nddl, rb->nddl == 1 ? "" : "s");
}

static int confirm(const char *hash)
{
	char line[128];
	fprintf(stderr, "Type the first 8 characters of the change set hash (%.8s) to roll back: ", hash);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strlen(line) == 8 && !strncmp(line, hash, 8);
}

/*
 * Before anything is sent: the tables the push wrote still have the
 * columns, types and keys it left (drift.h).  Tables a schema change of
 * the push touched are left to the inverse DDL, which knows their shape.
 */
static int check_drift(PGconn *conn, const struct push_set *push)
{
	struct drift_col *cols = NULL;
	struct drift d = { 0 };
	int n = 0, ret;

	for (int i = 0; i < push->ntables; i++) {
		const struct push_table *t = &push->tables[i];
		int ddl = t->created;
		for (int k = 0; k < push->nddl && !ddl; k++)
			ddl = push->ddl[k].tbl && !strcmp(push->ddl[k].tbl, t->name);
		if (ddl)
			continue;
		for (int side = 0; side < 2; side++) {
			const struct push_col *c = side ? t->old : t->new;
			for (int k = 0; k < (side ? t->nold : t->nnew); k++) {
				int dup = 0;
				for (int j = 0; j < n && !dup; j++)
					dup = cols[j].table == t->name && !strcmp(cols[j].column, c[k].name);
				if (dup)
					continue;
				cols = xrealloc(cols, (size_t)(n + 1) * sizeof(*cols));
				cols[n++] = (struct drift_col){ t->name, c[k].name, c[k].type, c[k].key };
			}
		}
	}
	ret = drift_compare_columns(conn, push->schema, cols, n, &d);
	if (!ret)
		ret = drift_report(&d, 0, 1);
	drift_free(&d);
	free(cols);
	return ret;
}

/* Finds the push and makes its inverse; reports and returns -1 when it cannot. */
static int load(PGconn *conn, long long id, const char *hash, struct ledger_entry *le,
		struct push_set *push, struct push_set *rb)
{
	int r = ledger_exists(conn);
	if (r < 0)
		return -1;
	if (!r) {
		error("the target has no drydock ledger: nothing was pushed there");
		return -1;
	}
	r = ledger_find_push(conn, id, hash, le);
	if (r < 0)
		return -1;
	if (r == 1) {
		if (id)
			error("the ledger has no entry #%lld", id);
		else
			error("change set %.16s is not applied to this database", hash);
		hint("'drydock history --target URL' lists the ledger.");
		return -1;
	}
	if (strcmp(le->kind, "push")) {
		error("ledger entry #%lld is a rollback (of push #%lld), not a push", le->id, le->rollback_of);
		hint("To apply that change set again, push it again.");
		return -1;
	}
	if (!strcmp(le->status, "rolled_back")) {
		error("push #%lld is already rolled back", le->id);
		return -1;
	}
	if (!strcmp(le->status, "in_progress") && le->nddl && le->checkpoint >= 1) {
		error("push #%lld stopped after %ld of %ld batches, with its schema changes half applied",
		      le->id, le->checkpoint, le->units);
		hint("Push the same change set again to finish it, then roll it back.");
		return -1;
	}
	if (ledger_load_push(conn, le, push))
		return -1;
	if (!strcmp(le->status, "in_progress") && le->checkpoint < 1)
		for (int i = 0; i < push->nddl; i++)
			push->ddl[i].applied = 0; /* the first batch never committed */
	return pushset_invert(push, rb);
}

int cmd_rollback(int argc, char **argv)
{
	static const struct option opts[] = {
		TARGET_OPTIONS,
		{ "ledger", required_argument, NULL, 'L' },
		{ "where", required_argument, NULL, 'R' },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "statement-timeout", required_argument, NULL, OPT_STATEMENT_TIMEOUT },
		{ "disable-triggers", no_argument, NULL, OPT_DISABLE_TRIGGERS },
		{ "conflicts", required_argument, NULL, OPT_CONFLICTS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *report = NULL;
	char *identity = NULL, *report_default = NULL, *hash = NULL, *filter = NULL,
	     *push_id = NULL;
	char **wheres = NULL, **per_table = NULL;
	int nwhere = 0, nper = 0, c, json = 0, done = 0, ret = EXIT_RUNTIME;
	long ledger = 0;
	long long record = 0, *prior = NULL;
	int nprior = 0;
	sqlite3 *db = NULL;
	PGconn *conn = NULL;
	struct shared_args args = SHARED_ARGS_INIT;
	struct ledger_entry le = { 0 }, le2 = { 0 };
	struct push_set push = { 0 }, rb = { 0 }, push2 = { 0 }, rb2 = { 0 };
	struct push_opts o = { 0 };
	struct push_exec e = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, CONN_SHORTOPTS, opts, NULL)) != -1) {
		int r = shared_option("rollback", c, optarg, &args);
		if (r == 1)
			continue;
		if (r) {
			ret = r;
			goto cleanup;
		}
		switch (c) {
		case 'L':
			if (parse_long(optarg, &ledger) || ledger < 1) {
				ret = usage_error("rollback", "--ledger needs an entry id");
				goto cleanup;
			}
			break;
		case 'R':
			wheres = xrealloc(wheres, (size_t)(nwhere + 1) * sizeof(char *));
			wheres[nwhere++] = optarg;
			break;
		default:
			ret = option_error("rollback", argv, opts, CONN_SHORTOPTS);
			goto cleanup;
		}
	}
	if (optind < argc) {
		path = argv[optind++];
	} else if (!ledger) {
		const struct project *p;
		if (project_current(&p)) {
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		path = p ? p->stage : NULL;
	}
	if (optind != argc || (!path && !ledger)) {
		ret = usage_error("rollback", "give a staging file or --ledger ID (and the target: "
				  "--target CONNINFO, a database name, or -h/-p/-U/-d)");
		goto cleanup;
	}
	if ((ret = check_push_args("rollback", &args, 1)))
		goto cleanup;
	if (args.json && !args.yes) {
		ret = usage_error("rollback", "--json needs --yes: the confirmation is typed on the terminal");
		goto cleanup;
	}
	json = args.json;
	if (json)
		json_stdout();
	if (json)
		dd_quiet = 1;
	ret = EXIT_RUNTIME;
	report = args.conflicts;
	if (path) {
		struct push_set ps = { 0 };
		int r;
		if (stage_open(path, 0, &db))
			goto cleanup;
		r = pushset_from_stage(db, path, &ps);
		if (r == 1)
			error("'%s' has no change set", path);
		if (r) {
			pushset_free(&ps);
			goto cleanup;
		}
		hash = xstrdup(ps.hash);
		pushset_free(&ps);
	}
	conn = connect_args(&args, "the target");
	if (!conn)
		goto cleanup;
	identity = pg_identity(conn);

	/* what would be undone, read before taking the lock, for the question */
	if (load(conn, ledger, hash, &le, &push, &rb) || check_drift(conn, &push))
		goto cleanup;
	nper = rb.ntables;
	per_table = xcalloc((size_t)nper + 1, sizeof(char *));
	if (nwhere) {
		struct strbuf f = STRBUF_INIT;
		for (int i = 0; i < nwhere; i++) {
			int ti = predicate_table(&rb, wheres[i]);
			char *prev;
			if (ti < 0) {
				struct strbuf names = STRBUF_INIT;
				for (int k = 0; k < rb.ntables; k++)
					sb_addf(&names, "%s%s", k ? ", " : "", rb.tables[k].name);
				ret = usage_error("rollback", "--where '%s' names no table of push #%lld as TABLE.column (its tables: %s)",
						  wheres[i], le.id, names.buf);
				sb_release(&names);
				sb_release(&f);
				goto cleanup;
			}
			prev = per_table[ti];
			per_table[ti] = prev ? xasprintf("%s) OR (%s", prev, wheres[i]) : xstrdup(wheres[i]);
			free(prev);
			sb_addf(&f, "%s%s", i ? " | " : "", wheres[i]);
		}
		filter = sb_detach(&f, NULL);
	}
	if (!dd_quiet || !args.yes)
		print_summary(&le, &rb, identity, nwhere);
	fflush(stdout);
	if (!args.yes && !confirm(le.hash)) {
		error("not confirmed: nothing was rolled back");
		goto cleanup;
	}

	o.lock_timeout = args.lock_timeout ? args.lock_timeout : "10s";
	o.statement_timeout = args.statement_timeout ? args.statement_timeout : "0";
	o.disable_triggers = args.disable_triggers;
	o.filter = filter;
	o.where = per_table;
	o.partial = nwhere > 0;
	o.staging = path;
	e.conn = conn;
	e.o = &o;
	e.what = "rollback";
	if (!report) {
		report = report_default = path ? xasprintf("%s.rollback-conflicts.json", path)
					       : xasprintf("drydock-rollback-%lld-conflicts.json", le.id);
	}
	e.report_path = report;
	if (push_begin(&e))
		goto cleanup;
	/* again under the lock: the entry may have changed meanwhile */
	if (load(conn, le.id, NULL, &le2, &push2, &rb2))
		goto cleanup;
	if (strcmp(le2.status, le.status) || rb2.ntables != rb.ntables) {
		error("push #%lld changed while drydock waited (now %s)", le.id, le2.status);
		goto cleanup;
	}
	if (ledger_prior_rollbacks(conn, le.id, &prior, &nprior))
		goto cleanup;
	o.prior = prior;
	o.nprior = nprior;
	if (db && book_push_start(db, "rollback", identity, le.hash, &record))
		goto cleanup;
	e.ps = &rb2;
	push_id = xasprintf("%lld", le.id);
	ret = push_run_rollback(&e, push_id);
	done = 1;
	fault_point("rollback.before_record");
	if (db && push_record_finish(db, record, &e, NULL) && ret == EXIT_OK)
		ret = EXIT_RUNTIME;
	if (e.outcome == PUSH_APPLIED && !dd_quiet)
		printf("rolled back push #%lld%s: ledger entry #%lld in %.2f s\n", le.id,
		       nwhere ? " (the rows --where selects)" : "", e.ledger_id, e.seconds);
cleanup:
	if (json) {
		static const char *const outcomes[] = { "rolled_back", "conflict", "refused", "failed" };
		cJSON *jo = json_result("rollback", ret);
		if (path)
			cJSON_AddStringToObject(jo, "staging_file", path);
		if (le.id)
			cJSON_AddNumberToObject(jo, "push_ledger_id", (double)le.id);
		if (le.hash)
			cJSON_AddStringToObject(jo, "change_set", le.hash);
		if (identity)
			cJSON_AddStringToObject(jo, "target", identity);
		cJSON_AddStringToObject(jo, "outcome", done ? outcomes[e.outcome] : "refused");
		cJSON_AddBoolToObject(jo, "subset", nwhere > 0);
		if (done && e.ledger_id)
			cJSON_AddNumberToObject(jo, "ledger_id", (double)e.ledger_id);
		if (done)
			cJSON_AddNumberToObject(jo, "seconds", e.seconds);
		print_json(jo);
		cJSON_Delete(jo);
	}
	if (conn)
		PQfinish(conn);
	stage_close(db);
	ledger_entry_free(&le);
	ledger_entry_free(&le2);
	pushset_free(&push);
	pushset_free(&rb);
	pushset_free(&push2);
	pushset_free(&rb2);
	for (int i = 0; i < nper; i++)
		free(per_table[i]);
	free(per_table);
	free(wheres);
	args_release(&args);
	free(identity);
	free(report_default);
	free(hash);
	free(filter);
	free(prior);
	free(push_id);
	return ret;
}
