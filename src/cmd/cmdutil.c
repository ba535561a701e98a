/*
 * cmdutil: what every command shares: usage errors, option errors that
 * name the option, the shared options (connection, push settings) and
 * scrubbing secrets from argv.  Declared in commands.h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include <cjson/cJSON.h>

#include "drift.h"
#include "jsonschema.h"
#include "jsonutil.h"
#include "project.h"
#include "push.h"
#include "pushset.h"
#include "util.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s", sb.buf);
	hint("Run 'drydock %s --help' for usage.", cmd);
	sb_release(&sb);
	return EXIT_USAGE;
}

const char *change_counts(long long inserts, long long updates, long long deletes)
{
	static char buf[4][128];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "%lld insert%s, %lld update%s, %lld delete%s", inserts,
		 PLURAL(inserts), updates, PLURAL(updates), deletes, PLURAL(deletes));
	return b;
}

/* ---------------------------------------------------------- option errors */

/* Two letters swapped ("--plna" for "--plan"), which edit distance counts twice. */
static int swapped(const char *a, const char *b)
{
	size_t n = strlen(a), i = 0;
	if (n != strlen(b))
		return 0;
	while (i < n && a[i] == b[i])
		i++;
	return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] && !strcmp(a + i + 2, b + i + 2);
}

static const char *near_word(const char *word, const char *const *names, int n)
{
	const char *near = closest_word(word, names, n);
	for (int i = 0; !near && i < n; i++)
		if (swapped(word, names[i]))
			near = names[i];
	return near;
}

/*
 * getopt_long has moved optind past the offending word in every case but
 * an unknown letter inside a group ("-xq"); optopt names the letter then.
 */
int option_error(const char *cmd, char **argv, const struct option *opts,
		     const char *shortopts)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	const char *names[128];
	int n = 0, ret;

	for (const struct option *o = opts; o->name && n < (int)ARRAY_SIZE(names); o++)
		names[n++] = o->name;
	if (!strncmp(word, "--", 2) && word[2]) {
		const char *name = word + 2;
		size_t len = strcspn(name, "=");
		char *given = xstrndup(name, len);
		const struct option *exact = NULL;
		int prefixed = 0;
		for (const struct option *o = opts; o->name; o++) {
			if (!strcmp(o->name, given))
				exact = o;
			else if (!strncmp(o->name, given, len))
				prefixed++;
		}
		if (exact && exact->has_arg == required_argument)
			ret = usage_error(cmd, "option '--%s' needs a value", given);
		else if (exact && exact->has_arg == no_argument && name[len] == '=')
			ret = usage_error(cmd, "option '--%s' takes no value", given);
		else if (!exact && prefixed > 1)
			ret = usage_error(cmd, "option '--%s' is ambiguous", given);
		else {
			const char *near = near_word(given, names, n);
			error("unknown option '--%s'", given);
			if (near)
				hint("Did you mean '--%s'?  Run 'drydock %s --help' for usage.", near, cmd);
			else
				hint("Run 'drydock %s --help' for usage.", cmd);
			ret = EXIT_USAGE;
		}
		free(given);
		return ret;
	}
	if (optopt > 0 && optopt < 256 && shortopts && strchr(shortopts, optopt))
		return usage_error(cmd, "option '-%c' needs a value", optopt);
	if (optopt > 0 && optopt < 256)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", word);
}

/* --------------------------------------------------------- shared options */

int shared_option(const char *cmd, int c, const char *arg, struct shared_args *a)
{
	switch (c) {
	case OPT_TARGET:
	case 'd':
		if (a->conninfo)
			return usage_error(cmd, "the database is given twice (--%s and an earlier "
					   "--target or -d)", c == 'd' ? "dbname" : "target");
		a->conninfo = xstrdup(arg);
		a->named = c == OPT_TARGET;
		scrub_conninfo_arg((char *)arg);
		return 1;
	case 'h': a->host = arg; return 1;
	case 'p': a->port = arg; return 1;
	case 'U': a->user = arg; return 1;
	case 'w': a->prompt = PG_PROMPT_NEVER; return 1;
	case 'W': a->prompt = PG_PROMPT_ALWAYS; return 1;
	case OPT_YES: a->yes = 1; return 1;
	case OPT_BATCH_SIZE:
		if (parse_long(arg, &a->batch_size) || a->batch_size < 0)
			return usage_error(cmd, "--batch-size needs a number of rows");
		return 1;
	case OPT_LOCK_TIMEOUT: a->lock_timeout = arg; return 1;
	case OPT_STATEMENT_TIMEOUT: a->statement_timeout = arg; return 1;
	case OPT_DISABLE_TRIGGERS: a->disable_triggers = 1; return 1;
	case OPT_CONFLICTS: a->conflicts = arg; return 1;
	case OPT_PLAN: a->plan_dir = arg; return 1;
	case OPT_JSON: a->json = 1; return 1;
	case OPT_ALLOW_DRIFT: a->allow_drift = 1; return 1;
	case OPT_OTHER_DATABASE: a->other_database = 1; return 1;
	default: return 0;
	}
}

void args_release(struct shared_args *a)
{
	free(a->conninfo);
	a->conninfo = NULL;
}

int check_push_args(const char *cmd, const struct shared_args *a, int need_yes)
{
	if ((a->lock_timeout && !push_valid_duration(a->lock_timeout)) ||
	    (a->statement_timeout && !push_valid_duration(a->statement_timeout)))
		return usage_error(cmd, "a timeout is a duration such as 5s, 500ms or 10min (0: none)");
	if (need_yes && !a->yes && !stdin_is_tty())
		return usage_error(cmd, "without a terminal to confirm on, pass --yes");
	return 0;
}

PGconn *connect_args(const struct shared_args *a, const char *what)
{
	struct pg_conn_opts o = { NULL, a->host, a->port, a->user, a->prompt };
	char *conninfo = NULL;
	PGconn *conn;

	if (resolve_conninfo(a, what, &conninfo))
		return NULL;
	o.conninfo = conninfo;
	conn = pg_connect_opts(&o, what);
	if (!conn && a->named)
		hint_target_names(a->conninfo);
	free(conninfo);
	return conn;
}

/* ---------------------------------------------------------- project file */

static struct {
	const char *path; /* --project FILE */
	int none;         /* --no-project */
	int loaded;       /* project_current() has looked */
	int broken;       /* ... and the file was wrong (reported once) */
	struct project p;
	int have;         /* p holds a file */
} proj;

void project_choose(const char *path, int none)
{
	if (proj.have)
		project_free(&proj.p);
	proj.have = proj.loaded = proj.broken = 0;
	proj.path = path;
	proj.none = none;
}

char *project_locate(void)
{
	const char *env;
	if (proj.none)
		return NULL;
	if (proj.path)
		return xstrdup(proj.path);
	env = getenv("DRYDOCK_NO_PROJECT");
	if (env && *env)
		return NULL;
	env = getenv("DRYDOCK_PROJECT");
	if (env && *env)
		return xstrdup(env);
	return project_find();
}

int project_current(const struct project **p)
{
	*p = NULL;
	if (!proj.loaded) {
		char *path = project_locate();
		proj.loaded = 1;
		if (path) {
			if (project_load(path, &proj.p))
				proj.broken = 1;
			else
				proj.have = 1;
		}
		free(path);
	} else if (proj.broken) {
		error("the project file cannot be used (see above)");
	}
	if (proj.broken)
		return -1;
	if (proj.have)
		*p = &proj.p;
	return 0;
}

/*
 * Whether a --target value could be a target's name (project.schema.json's
 * pattern): a connection string or URI never is, so it needs no project
 * file, not even a readable one.
 */
static int target_name_like(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	return *s && *s != '.' && *s != '-' && strspn(s, ok) == strlen(s);
}

int resolve_conninfo(const struct shared_args *a, const char *what, char **out)
{
	const struct project *p;
	const struct project_target *t;

	*out = NULL;
	if (a->conninfo && (!a->named || !target_name_like(a->conninfo))) {
		*out = xstrdup(a->conninfo);
		return 0;
	}
	if (!a->conninfo && (a->host || a->port || a->user)) /* psql's options say it all */
		return 0;
	if (project_current(&p))
		return -1;
	if (a->conninfo) {
		t = project_target(p, a->conninfo);
		*out = xstrdup(t ? t->conninfo : a->conninfo);
		if (t)
			info("%s is '%s', a target of %s", what, t->name, p->path);
		return 0;
	}
	if (p && p->target) {
		t = project_target(p, p->target);
		*out = xstrdup(t->conninfo);
		info("%s is '%s', the default target of %s", what, t->name, p->path);
	}
	return 0;
}

void hint_target_names(const char *value)
{
	const struct project *p;
	const char **names;
	const char *near;
	char *list;

	if (!value || strchr(value, '=') || strstr(value, "://") || project_current(&p) || !p ||
	    !p->ntargets || project_target(p, value))
		return;
	names = xcalloc((size_t)p->ntargets, sizeof(*names));
	for (int i = 0; i < p->ntargets; i++)
		names[i] = p->targets[i].name;
	near = closest_word(value, names, p->ntargets);
	list = project_target_names(p);
	if (near)
		hint("'%s' is not a target of %s, so it was taken as a database name: did you mean "
		     "'%s'?", value, p->path, near);
	else
		hint("'%s' is not a target of %s (%s), so it was taken as a database name.", value,
		     p->path, list);
	free(list);
	free(names);
}

int stage_operand(const char *cmd, int argc, char **argv, const char *msg, const char **path)
{
	const struct project *p;

	*path = NULL;
	if (optind == argc - 1) {
		*path = argv[optind];
		return 0;
	}
	if (optind < argc)
		return usage_error(cmd, "%s", msg);
	if (project_current(&p))
		return EXIT_RUNTIME;
	if (!p || !p->stage) {
		if (p)
			return usage_error(cmd, "%s (%s names none: \"stage\")", msg, p->path);
		return usage_error(cmd, "%s", msg);
	}
	*path = p->stage;
	return 0;
}

int plan_operand(const char *given, const char **path)
{
	const struct project *p;

	*path = given;
	if (given)
		return 0;
	if (project_current(&p))
		return -1;
	if (p)
		*path = p->plan;
	return 0;
}

/* ------------------------------------------------------------ JSON output */

/* Where --json output goes once json_stdout() took stdout over, or NULL. */
static FILE *json_out;

void json_stdout(void)
{
	int fd;
	if (json_out)
		return;
	fflush(stdout);
	fd = dup(STDOUT_FILENO);
	if (fd < 0)
		return;
	json_out = fdopen(fd, "w");
	if (!json_out) {
		close(fd);
		return;
	}
	/* what would have been text on stdout is in the JSON already */
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	dd_json_messages = 1;
}

void print_json_text(const char *text)
{
	FILE *f = json_out ? json_out : stdout;
	fputs(text, f);
	fflush(f);
}

void print_json(const cJSON *v)
{
	char *s = json_print_pretty(v);
	print_json_text(s);
	free(s);
}

cJSON *json_result(const char *command, int exit_code)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "command", command);
	cJSON_AddBoolToObject(o, "ok", exit_code == EXIT_OK);
	cJSON_AddNumberToObject(o, "exit_code", exit_code);
	return o;
}

/* ------------------------------------------------------------------ argv */

void scrub_conninfo_arg(char *arg)
{
	/* URI form: scheme://user:password@host */
	char *p = strstr(arg, "://");
	if (p) {
		char *at = strchr(p + 3, '@'), *colon = strchr(p + 3, ':');
		if (at && colon && colon < at)
			memset(colon + 1, 'x', (size_t)(at - colon - 1));
	}
	/* key=value form, and ?password= in URIs */
	for (p = arg; (p = strstr(p, "password=")); p += 9) {
		char *v = p + 9;
		while (*v && *v != ' ' && *v != '&')
			*v++ = 'x';
	}
}

/* ----------------------------------------------------------------- drift */

int drift_of_push(PGconn *conn, sqlite3 *db, const struct push_set *ps, struct drift *d)
{
	const char **types = NULL, **planned = NULL;
	int ntypes = 0, nplanned = 0, ret;

	for (int i = 0; i < ps->ntables; i++)
		for (int k = 0; k < ps->tables[i].nnew; k++) {
			types = xrealloc(types, (size_t)(ntypes + 1) * sizeof(*types));
			types[ntypes++] = ps->tables[i].new[k].type;
		}
	for (int i = 0; i < ps->nddl; i++)
		if (ps->ddl[i].probe) {
			/* the object's name is in its DDL (before or after the data) and its probe */
			const char *texts[3] = { ps->ddl[i].ddl, ps->ddl[i].ddl_post, ps->ddl[i].probe };
			for (int k = 0; k < 3; k++)
				if (texts[k]) {
					planned = xrealloc(planned, (size_t)(nplanned + 1) * sizeof(*planned));
					planned[nplanned++] = texts[k];
				}
		}
	ret = drift_compare(conn, db, types, ntypes, planned, nplanned, d);
	free(types);
	free(planned);
	return ret;
}
