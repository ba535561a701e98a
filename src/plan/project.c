/*
 * project: drydock.json, the project file of defaults (project.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jsonschema.h"
#include "project.h"
#include "util.h"

/* schema/project.schema.json, embedded at build time (scripts/embed-sql.sh) */
extern const char schema_project_json[];

static void project_hint(void)
{
	hint("The project file is described in README.md (\"Project file\"); "
	     "schema/project.schema.json checks it in an editor (\"$schema\").");
}

static int bad(const char *path, const char *where, const char *what)
{
	if (where)
		error("project file '%s': %s: %s", path, where, what);
	else
		error("project file '%s': %s", path, what);
	project_hint();
	return -1;
}

static int schema_check(const cJSON *value, const char *path)
{
	cJSON *schema = cJSON_Parse(schema_project_json);
	struct jsonschema_result res;
	int n;

	if (!schema)
		die("the embedded project schema is not JSON");
	n = jsonschema_validate(schema, value, &res);
	for (int i = 0; i < n; i++) {
		if (*res.errors[i].path)
			error("project file '%s': %s: %s", path, res.errors[i].path, res.errors[i].message);
		else
			error("project file '%s': %s", path, res.errors[i].message);
	}
	if (n)
		project_hint();
	jsonschema_result_free(&res);
	cJSON_Delete(schema);
	return n ? -1 : 0;
}

/*
 * libpq's own test for a connection string (as opposed to a bare database
 * name): a URI prefix or an "=".
 */
static int is_conninfo(const char *s)
{
	return strchr(s, '=') || !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/*
 * Whether conninfo carries a secret libpq would send or use: password,
 * sslpassword, or a URI's user:password@.  A string libpq cannot parse is
 * reported as such (without echoing it: it may hold the secret).
 */
static int holds_password(const char *conninfo, int *unparsable)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	int found = 0;

	*unparsable = 0;
	if (!is_conninfo(conninfo))
		return 0;
	opts = PQconninfoParse(conninfo, &err);
	if (!opts) {
		PQfreemem(err);
		*unparsable = 1;
		return 0;
	}
	for (o = opts; o->keyword; o++)
		if ((!strcmp(o->keyword, "password") || !strcmp(o->keyword, "sslpassword")) && o->val &&
		    *o->val)
			found = 1;
	PQconninfoFree(opts);
	return found;
}

/* service='NAME', quoted the way libpq reads a value. */
static char *service_conninfo(const char *service)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "service='");
	for (const char *s = service; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sb_addch(&sb, '\\');
		sb_addch(&sb, *s);
	}
	sb_addch(&sb, '\'');
	return sb_detach(&sb, NULL);
}

static int load_target(struct project *p, const cJSON *v)
{
	struct project_target *t;
	const cJSON *ci = NULL, *svc = NULL, *desc = NULL;
	char *where = xasprintf("targets.%s", v->string);
	int unparsable, ret = -1;

	if (cJSON_IsObject(v)) {
		ci = cJSON_GetObjectItemCaseSensitive(v, "conninfo");
		svc = cJSON_GetObjectItemCaseSensitive(v, "service");
		desc = cJSON_GetObjectItemCaseSensitive(v, "description");
		if (!ci == !svc) {
			bad(p->path, where, "give \"conninfo\" or \"service\", one of the two");
			goto cleanup;
		}
	} else {
		ci = v;
	}
	p->targets = xrealloc(p->targets, (size_t)(p->ntargets + 1) * sizeof(*p->targets));
	t = &p->targets[p->ntargets++];
	t->name = xstrdup(v->string);
	t->conninfo = ci ? xstrdup(ci->valuestring) : service_conninfo(svc->valuestring);
	t->description = desc ? xstrdup(desc->valuestring) : NULL;
	if (holds_password(t->conninfo, &unparsable)) {
		/* never echo the connection string: it holds the secret */
		error("project file '%s': target '%s' holds a password", p->path, t->name);
		detail("A project file is shared (committed beside the plan); a password in it "
		       "would be read by everyone who reads the repository.");
		hint("Remove it from the connection string and keep it in ~/.pgpass "
		     "(host:port:dbname:user:password), PGPASSWORD, or a service of "
		     "pg_service.conf (\"service\": \"NAME\").");
		goto cleanup;
	}
	if (unparsable) {
		error("project file '%s': target '%s' is not a valid connection string", p->path, t->name);
		detail("libpq cannot parse it (key=value pairs, or a postgresql:// URI).");
		project_hint();
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(where);
	return ret;
}

/* A name "target" or "source" uses must be one of targets. */
static int known_target(struct project *p, const char *where, const char *name)
{
	const char **names;
	const char *near;
	char *list, *msg;

	if (project_target(p, name))
		return 0;
	names = xcalloc((size_t)p->ntargets + 1, sizeof(*names));
	for (int i = 0; i < p->ntargets; i++)
		names[i] = p->targets[i].name;
	near = closest_word(name, names, p->ntargets);
	list = project_target_names(p);
	if (near)
		msg = xasprintf("\"%s\" is not one of targets (did you mean \"%s\"?)", name, near);
	else if (p->ntargets)
		msg = xasprintf("\"%s\" is not one of targets (%s)", name, list);
	else
		msg = xasprintf("\"%s\" names a target, but the file has no \"targets\"", name);
	error("project file '%s': %s: %s", p->path, where, msg);
	hint("\"source\" and \"target\" name an entry of \"targets\", which holds the connection.");
	free(msg);
	free(list);
	free(names);
	return -1;
}

static char *resolve(const struct project *p, const char *rel)
{
	if (rel[0] == '/' || !strcmp(p->dir, "."))
		return xstrdup(rel);
	return path_join(p->dir, rel);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int project_parse(const char *text, const char *path, struct project *p)
{
	cJSON *root = NULL;
	const cJSON *v, *it;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	p->dir = dir_of(path);
	root = cJSON_Parse(text);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		int line = 1;
		for (const char *s = text; at && s < at && *s; s++)
			line += *s == '\n';
		error("project file '%s' is not valid JSON (near line %d)", path, line);
		project_hint();
		goto cleanup;
	}
	if (schema_check(root, path))
		goto cleanup;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "targets"))
		if (load_target(p, it))
			goto cleanup;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "plan")))
		p->plan = resolve(p, v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "stage")))
		p->stage = resolve(p, v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "target"))) {
		if (known_target(p, "target", v->valuestring))
			goto cleanup;
		p->target = xstrdup(v->valuestring);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "source"))) {
		if (cJSON_IsString(v)) {
			p->sources = xcalloc(1, sizeof(*p->sources));
			if (known_target(p, "source", v->valuestring))
				goto cleanup;
			p->sources[0].target = xstrdup(v->valuestring);
			p->nsources = 1;
		} else {
			p->sources = xcalloc((size_t)cJSON_GetArraySize(v), sizeof(*p->sources));
			cJSON_ArrayForEach(it, v) {
				char *where = xasprintf("source.%s", it->string);
				int r = known_target(p, where, it->valuestring);
				free(where);
				if (r)
					goto cleanup;
				p->sources[p->nsources].name = xstrdup(it->string);
				p->sources[p->nsources++].target = xstrdup(it->valuestring);
			}
		}
	}
	ret = 0;
cleanup:
	cJSON_Delete(root);
	if (ret)
		project_free(p);
	return ret;
}

int project_load(const char *path, struct project *p)
{
	char *text = read_file(path, NULL);
	int ret;

	memset(p, 0, sizeof(*p));
	if (!text) {
		error("cannot read project file '%s': %s", path, strerror(errno));
		hint("--project FILE and DRYDOCK_PROJECT name the project file; --no-project "
		     "runs without one.");
		return -1;
	}
	ret = project_parse(text, path, p);
	free(text);
	return ret;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *project_find(void)
{
	char *cwd = getcwd(NULL, 0);
	struct strbuf up = STRBUF_INIT;
	char *found = NULL;
	size_t levels = 0;

	if (!cwd)
		return NULL;
	/* one look per folder from here to the root: "/a/b" has three */
	for (const char *s = cwd; *s; s++)
		if (*s == '/' && s[1])
			levels++;
	for (size_t i = 0; i <= levels && !found; i++) {
		char *candidate = xasprintf("%s%s", up.buf, PROJECT_FILE_NAME);
		if (is_file(candidate))
			found = candidate;
		else
			free(candidate);
		sb_adds(&up, "../");
	}
	sb_release(&up);
	free(cwd);
	return found;
}

const struct project_target *project_target(const struct project *p, const char *name)
{
	for (int i = 0; p && name && i < p->ntargets; i++)
		if (!strcmp(p->targets[i].name, name))
			return &p->targets[i];
	return NULL;
}

char *project_target_names(const struct project *p)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < p->ntargets; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", p->targets[i].name);
	return sb_detach(&sb, NULL);
}

void project_free(struct project *p)
{
	for (int i = 0; i < p->ntargets; i++) {
		free(p->targets[i].name);
		free(p->targets[i].conninfo);
		free(p->targets[i].description);
	}
	for (int i = 0; i < p->nsources; i++) {
		free(p->sources[i].name);
		free(p->sources[i].target);
	}
	free(p->targets);
	free(p->sources);
	free(p->path);
	free(p->dir);
	free(p->plan);
	free(p->stage);
	free(p->target);
	memset(p, 0, sizeof(*p));
}
