/*
 * drydock snapshot: options, then the snapshot engine (snapshot.h) reads
 * the plan's tables into a new staging file.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "plan.h"
#include "project.h"
#include "snapshot.h"
#include "util.h"
#include <cjson/cJSON.h>

const char usage_snapshot[] =
	"usage: drydock snapshot --plan DIR -o STAGE.db [--force]\n"
	"                        [--source [NAME=]CONNINFO ... | -h HOST -p PORT -U USER -d DB]\n"
	"                        [--fixture DIR] [-j N] [--json]\n"
	"\n"
	"Copies the tables named in DIR/plan.json into a new staging file, in one\n"
	"REPEATABLE READ READ ONLY transaction per source.\n"
	"\n"
	"  --plan DIR            the plan folder (holds plan.json; default: the project\n"
	"                        file's \"plan\", see 'drydock help')\n"
	"  -o, --output F        the staging file to create (default: the project\n"
	"                        file's \"stage\")\n"
	"  --source [NAME=]CONNINFO\n"
	"                        a libpq connection string, URI or database name for\n"
	"                        source NAME; with one source in the plan NAME may be\n"
	"                        left out.  May repeat.  A target's name in the\n"
	"                        project file stands for its connection.  Without\n"
	"                        --source, -d, -h, -p, -U and --fixture, the project\n"
	"                        file's \"source\", else the database the PG*\n"
	"                        variables name, as in psql.\n"
	CONN_HELP
	"                        -h -p -U -w -W apply to every source.\n"
	"  --fixture DIR         read sources not given with --source from this fixture\n"
	"  --mask-secret-file FILE\n"
	"                        the secret keying the plan's masking rules (first line\n"
	"                        of FILE; or set DRYDOCK_MASK_SECRET)\n"
	"  -j, --jobs N          read each source with up to N connections at once, all\n"
	"                        on the first one's snapshot (as pg_dump -j): tables,\n"
	"                        and block ranges of tables over 8 MB on PostgreSQL 14\n"
	"                        and later, are read in parallel; one thread writes the\n"
	"                        file, whose content does not depend on N.  Default:\n"
	"                        the number of cores, at most 4; never more\n"
	"                        connections than the server has free, less one\n"
	"  --force               replace STAGE.db if it exists\n"
	"  --json                print the outcome as JSON (README, \"JSON output\")\n";

/*
 * The connection string of a --source value (or the project file's
 * "source"): a target of the project file by that name, else the value as
 * written (-d values always are).  Allocated; NULL when the project file
 * is broken (reported).
 */
static char *source_conninfo(const char *value, int named, const char *source)
{
	struct shared_args a = SHARED_ARGS_INIT;
	char *what = xasprintf("source '%s'", source), *out = NULL;
	a.conninfo = (char *)value; /* read only */
	a.named = named;
	if (resolve_conninfo(&a, what, &out))
		out = NULL;
	free(what);
	return out;
}

static int bind_sources(struct plan *plan, char **srcargs, const int *named, int nsrc,
			struct snapshot_source **out)
{
	struct snapshot_source *b = xcalloc((size_t)plan->nsources, sizeof(*b));
	*out = b;
	for (int i = 0; i < plan->nsources; i++)
		b[i].name = plan->sources[i].name;
	for (int i = 0; i < nsrc; i++) {
		char *arg = srcargs[i], *eq = strchr(arg, '=');
		struct snapshot_source *target = NULL;
		const char *conninfo = arg;
		if (eq) {
			char *name = xstrndup(arg, (size_t)(eq - arg));
			for (int k = 0; k < plan->nsources; k++)
				if (!strcmp(b[k].name, name))
					target = &b[k];
			free(name);
			if (target)
				conninfo = eq + 1;
		}
		if (!target) {
			if (plan->nsources > 1)
				return usage_error("snapshot",
						   "the plan has %d sources: name the one each --source is for (--source NAME=CONNINFO)",
						   plan->nsources);
			target = &b[0];
		}
		if (target->conninfo)
			return usage_error("snapshot", "source '%s' is given twice", target->name);
		/* a copy: the argument is scrubbed of its password right away */
		target->conninfo = source_conninfo(conninfo, named[i], target->name);
		scrub_conninfo_arg(arg);
		if (!target->conninfo)
			return EXIT_RUNTIME;
	}
	return 0;
}

/* The engine's way to connect: the command's -h -p -U -w -W for each source. */
static PGconn *connect_source(void *ctx, const char *conninfo, const char *what)
{
	struct shared_args a = *(const struct shared_args *)ctx;
	a.conninfo = (char *)conninfo; /* read only: connect_args does not keep or free it */
	a.named = 0; /* bind_sources looked the project's targets up already */
	return connect_args(&a, what);
}

/*
 * The project file's "source", as --source arguments, when the command
 * line names no connection and no fixture: "TARGET" for the one source,
 * "NAME=TARGET" per plan source.  0 or EXIT_RUNTIME.
 */
static int project_sources(const struct plan *plan, char **srcargs, int *named, int *nsrc,
			   char ***owned)
{
	const struct project *p;
	if (project_current(&p))
		return EXIT_RUNTIME;
	if (p && p->nsources == 1 && !p->sources[0].name && plan->nsources > 1) {
		error("project file '%s': source: the plan has %d sources: name the target of each",
		      p->path, plan->nsources);
		hint("Write \"source\": {\"%s\": \"TARGET\", ...}, or give --source NAME=TARGET for "
		     "each.", plan->sources[0].name);
		return EXIT_RUNTIME;
	}
	for (int i = 0; p && i < p->nsources; i++) {
		const struct project_source *ps = &p->sources[i];
		int found = !ps->name;
		for (int k = 0; !found && k < plan->nsources; k++)
			found = !strcmp(plan->sources[k].name, ps->name);
		if (!found) {
			error("project file '%s': source.%s: the plan has no source '%s'", p->path,
			      ps->name, ps->name);
			hint("\"source\" maps the plan's sources (plan.json \"sources\") to targets.");
			return EXIT_RUNTIME;
		}
		*owned = xrealloc(*owned, (size_t)(*nsrc + 1) * sizeof(**owned));
		srcargs[*nsrc] = (*owned)[*nsrc] =
			ps->name ? xasprintf("%s=%s", ps->name, ps->target) : xstrdup(ps->target);
		named[(*nsrc)++] = 1;
	}
	return 0;
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "source", required_argument, NULL, 's' },
		CONN_OPTIONS,
		{ "fixture", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "mask-secret-file", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plandir = NULL, *out = NULL, *fixdir = NULL, *secret_file = NULL;
	char **srcargs = xcalloc((size_t)argc + 64, sizeof(char *)), **owned = NULL;
	int *named = xcalloc((size_t)argc + 64, sizeof(int));
	int nsrc = 0, nowned = 0, force = 0, json = 0, jobs = 0, c, ret = EXIT_RUNTIME;
	const struct project *proj = NULL;
	long lv;
	struct shared_args args = SHARED_ARGS_INIT;
	struct plan plan = { 0 };
	struct snapshot_source *b = NULL;
	struct snapshot_opts so = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:j:" CONN_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'P': plandir = optarg; break;
		case 'o': out = optarg; break;
		case 's':
		case 'd': /* -d: the source, as psql's, never a project target's name */
			named[nsrc] = c == 's';
			srcargs[nsrc++] = optarg;
			break;
		case 'f': fixdir = optarg; break;
		case 'F': force = 1; break;
		case 'm': secret_file = optarg; break;
		case 'J': json = 1; dd_quiet = 1; json_stdout(); break;
		case 'j':
			if (parse_long(optarg, &lv) || lv < 1 || lv > 64) {
				ret = usage_error("snapshot", "--jobs takes a number from 1 to 64, not '%s'",
						  optarg);
				goto cleanup;
			}
			jobs = (int)lv;
			break;
		default:
			if (shared_option("snapshot", c, optarg, &args) == 1)
				break;
			ret = option_error("snapshot", argv, opts, "o:j:" CONN_SHORTOPTS);
			goto cleanup;
		}
	}
	if (optind < argc) {
		ret = usage_error("snapshot", "unexpected argument '%s'", argv[optind]);
		goto cleanup;
	}
	/* what the command line leaves out, the project file may say */
	if (plan_operand(plandir, &plandir) || (!out && project_current(&proj)))
		goto cleanup;
	if (!out && proj)
		out = proj->stage;
	if (!plandir || !out) {
		ret = usage_error("snapshot", "--plan and -o are required");
		goto cleanup;
	}
	if (file_exists(out) && !force) {
		error("'%s' already exists", out);
		hint("Pass --force to replace it, or choose another -o.");
		goto cleanup;
	}
	if (plan_load(plandir, &plan))
		goto cleanup;
	if (!nsrc && !fixdir && !args.host && !args.port && !args.user) {
		int n = nsrc;
		if ((ret = project_sources(&plan, srcargs, named, &nsrc, &owned)))
			goto cleanup;
		nowned = nsrc - n;
		ret = EXIT_RUNTIME;
	}
	/* as psql: no connection given means the PG* variables' database */
	if (!nsrc && !fixdir)
		srcargs[nsrc++] = "";
	if ((ret = bind_sources(&plan, srcargs, named, nsrc, &b))) {
		if (ret != EXIT_USAGE)
			ret = EXIT_RUNTIME;
		goto cleanup;
	}
	so.plan = &plan;
	so.sources = b;
	so.fixture_dir = fixdir;
	so.mask_secret_file = secret_file;
	so.out = out;
	so.jobs = jobs;
	so.connect = connect_source;
	so.connect_ctx = &args;
	ret = snapshot_take(&so) ? EXIT_RUNTIME : EXIT_OK;
cleanup:
	if (json) {
		cJSON *o = json_result("snapshot", ret), *tabs;
		if (out)
			cJSON_AddStringToObject(o, "staging_file", out);
		if (plan.name)
			cJSON_AddStringToObject(o, "plan", plan.name);
		tabs = cJSON_AddArrayToObject(o, "tables");
		for (int i = 0; ret == EXIT_OK && i < so.ntables_out; i++) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "source", so.table_source_out[i]);
			cJSON_AddStringToObject(t, "name", so.table_name_out[i]);
			cJSON_AddNumberToObject(t, "rows", (double)so.table_rows_out[i]);
			cJSON_AddItemToArray(tabs, t);
		}
		cJSON_AddNumberToObject(o, "masked_columns", so.masked_columns_out);
		print_json(o);
		cJSON_Delete(o);
	}
	snapshot_opts_release(&so);
	args_release(&args);
	for (int i = 0; b && i < plan.nsources; i++)
		free((char *)b[i].conninfo);
	free(b);
	plan_free(&plan);
	free(srcargs);
	free(named);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	return ret;
}
