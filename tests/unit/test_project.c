/*
 * Unit tests of the project file (src/plan/project.c) and of how commands
 * use it (src/cmd/cmdutil.c): parsing, paths taken from the file's folder,
 * named targets and services, errors with "did you mean", passwords
 * refused without being echoed, the lookup through parent folders, and the
 * precedence of the command line over the file over the defaults.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "project.h"
#include "util.h"

/* ------------------------------------------------------- stderr capture */

static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void)
{
	fflush(stderr);
	saved_stderr = dup(2);
	captured = tmpfile();
	dup2(fileno(captured), 2);
}

/* What was printed on stderr since capture_begin (allocated). */
static char *capture_end(void)
{
	long n;
	char *s;
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	n = ftell(captured);
	s = xcalloc((size_t)n + 1, 1);
	rewind(captured);
	if (n > 0 && fread(s, 1, (size_t)n, captured) != (size_t)n)
		fail_msg("cannot read the captured stderr");
	fclose(captured);
	return s;
}

/* Parses text as path and returns what it printed; *ret is the result. */
static char *parse(const char *text, const char *path, struct project *p, int *ret)
{
	capture_begin();
	*ret = project_parse(text, path, p);
	return capture_end();
}

#define assert_contains(hay, needle)                                               \
	do {                                                                       \
		if (!strstr((hay), (needle)))                                      \
			fail_msg("'%s' not found in:\n%s", (needle), (hay));       \
	} while (0)

/* ----------------------------------------------------------------- parse */

static const char full[] =
	"{\"$schema\": \"https://drydock.invalid/schema/project.schema.json\",\n"
	" \"description\": \"avatars\",\n"
	" \"plan\": \"plans/avatars\", \"stage\": \"build/avatars.db\",\n"
	" \"source\": \"dev\", \"target\": \"dev\",\n"
	" \"targets\": {\"dev\": \"service=app_dev\",\n"
	"   \"prod\": {\"conninfo\": \"host=db.example.com dbname=app\", \"description\": \"live\"},\n"
	"   \"stg\": {\"service\": \"it's\"},\n"
	"   \"uri\": \"postgresql://me@db/app?sslmode=require\",\n"
	"   \"app\": \"app\"}}\n";

static void test_parse_full(void **state)
{
	struct project p;
	int ret;
	char *err;
	(void)state;

	err = parse(full, "drydock.json", &p, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(err, "");
	assert_string_equal(p.dir, ".");
	/* found in the current folder: the paths as written */
	assert_string_equal(p.plan, "plans/avatars");
	assert_string_equal(p.stage, "build/avatars.db");
	assert_string_equal(p.target, "dev");
	assert_int_equal(p.nsources, 1);
	assert_null(p.sources[0].name);
	assert_string_equal(p.sources[0].target, "dev");
	assert_int_equal(p.ntargets, 5);
	assert_string_equal(project_target(&p, "dev")->conninfo, "service=app_dev");
	assert_string_equal(project_target(&p, "prod")->conninfo, "host=db.example.com dbname=app");
	assert_string_equal(project_target(&p, "prod")->description, "live");
	/* a service is quoted the way libpq reads a value */
	assert_string_equal(project_target(&p, "stg")->conninfo, "service='it\\'s'");
	assert_string_equal(project_target(&p, "app")->conninfo, "app");
	assert_null(project_target(&p, "nope"));
	assert_null(project_target(&p, NULL));
	{
		char *names = project_target_names(&p);
		assert_string_equal(names, "dev, prod, stg, uri, app");
		free(names);
	}
	project_free(&p);
	free(err);
}

/* Relative paths are taken from the file's folder, never the current one. */
static void test_paths_from_the_files_folder(void **state)
{
	static const char text[] = "{\"plan\": \"plans/a\", \"stage\": \"/abs/a.db\"}";
	struct project p;
	int ret;
	char *err;
	(void)state;

	err = parse(text, "../../drydock.json", &p, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(p.dir, "../..");
	assert_string_equal(p.plan, "../../plans/a");
	assert_string_equal(p.stage, "/abs/a.db");
	assert_null(p.target);
	assert_int_equal(p.nsources, 0);
	project_free(&p);
	free(err);

	err = parse(text, "/srv/mig/drydock.json", &p, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(p.plan, "/srv/mig/plans/a");
	project_free(&p);
	free(err);
}

static void test_source_per_plan_source(void **state)
{
	static const char text[] =
		"{\"source\": {\"v1\": \"old\", \"v2\": \"new\"},"
		" \"targets\": {\"old\": \"dbname=v1\", \"new\": \"dbname=v2\"}}";
	struct project p;
	int ret;
	char *err;
	(void)state;

	err = parse(text, "drydock.json", &p, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(p.nsources, 2);
	assert_string_equal(p.sources[0].name, "v1");
	assert_string_equal(p.sources[0].target, "old");
	assert_string_equal(p.sources[1].name, "v2");
	assert_string_equal(p.sources[1].target, "new");
	project_free(&p);
	free(err);
}

/* ---------------------------------------------------------------- errors */

static void test_unknown_keys_refused(void **state)
{
	struct project p;
	int ret;
	char *err;
	(void)state;

	err = parse("{\"plan\": \"p\", \"stge\": \"s.db\"}", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "drydock: error: project file 'drydock.json': stge: unknown key \"stge\" (did you mean \"stage\"?)");
	assert_contains(err, "hint: The project file is described in README.md");
	assert_null(p.plan); /* nothing half-loaded */
	free(err);

	err = parse("{\"targets\": {\"prod\": {\"conifo\": \"dbname=x\"}}}", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "targets.prod.conifo: unknown key \"conifo\" (did you mean \"conninfo\"?)");
	free(err);

	err = parse("{\"plan\": 3}", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "plan: must be a string");
	free(err);

	err = parse("{\"plan\": \"p\",\n \"stage\": }", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "project file 'drydock.json' is not valid JSON (near line 2)");
	free(err);

	err = parse("{\"targets\": {\"a=b\": \"x\"}}", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "a=b");
	free(err);

	err = parse("{\"targets\": {\"x\": {\"conninfo\": \"dbname=a\", \"service\": \"b\"}}}",
		    "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "targets.x: give \"conninfo\" or \"service\", one of the two");
	free(err);
}

static void test_default_names_a_target(void **state)
{
	struct project p;
	int ret;
	char *err;
	(void)state;

	err = parse("{\"target\": \"prd\", \"targets\": {\"prod\": \"dbname=a\", \"dev\": \"dbname=b\"}}",
		    "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "project file 'drydock.json': target: \"prd\" is not one of targets (did you mean \"prod\"?)");
	free(err);

	err = parse("{\"source\": {\"app\": \"zzz\"}, \"targets\": {\"prod\": \"dbname=a\"}}",
		    "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "source.app: \"zzz\" is not one of targets (prod)");
	free(err);

	err = parse("{\"target\": \"dev\"}", "drydock.json", &p, &ret);
	assert_int_equal(ret, -1);
	assert_contains(err, "names a target, but the file has no \"targets\"");
	free(err);
}

/* Every way libpq takes a password is refused, and the secret is never printed. */
static void test_passwords_refused_not_echoed(void **state)
{
	static const char *const bad[] = {
		"host=db dbname=app password=S3cretPW",
		"host=db password='S3cretPW' dbname=app",
		"postgresql://me:S3cretPW@db/app",
		"postgres://me@db/app?password=S3cretPW",
		"postgresql://db/app?sslmode=require&password=S3cretPW",
		"host=db sslpassword=S3cretPW",
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct project p;
		int ret;
		char *err;
		sb_adds(&sb, "{\"targets\": {\"prod\": ");
		sb_add_json_string(&sb, bad[i], strlen(bad[i]));
		sb_adds(&sb, "}}");
		err = parse(sb.buf, "drydock.json", &p, &ret);
		if (ret != -1)
			fail_msg("a password was accepted in '%s'", bad[i]);
		assert_contains(err, "drydock: error: project file 'drydock.json': target 'prod' holds a password");
		assert_contains(err, "hint: Remove it from the connection string and keep it in ~/.pgpass");
		if (strstr(err, "S3cretPW"))
			fail_msg("the password was printed: %s", err);
		free(err);
		sb_release(&sb);
	}
	/* a user name, an empty password key and a bare name are fine */
	{
		struct project p;
		int ret;
		char *err = parse("{\"targets\": {\"a\": \"postgresql://me@db/app\", \"b\": \"host=db user=me\","
				  " \"c\": \"password\"}}",
				  "drydock.json", &p, &ret);
		assert_int_equal(ret, 0);
		project_free(&p);
		free(err);
	}
	{
		struct project p;
		int ret;
		char *err = parse("{\"targets\": {\"a\": \"host=db 'unterminated\"}}", "drydock.json", &p, &ret);
		assert_int_equal(ret, -1);
		assert_contains(err, "target 'a' is not a valid connection string");
		free(err);
	}
}

/* ---------------------------------------------------------------- lookup */

static char *make_tree(void)
{
	char tmpl[] = "/tmp/dd-project-XXXXXX";
	char *root = xstrdup(mkdtemp(tmpl));
	char *deep = xasprintf("%s/a/b/c", root);
	assert_int_equal(mkdir_p(deep, 0777), 0);
	free(deep);
	return root;
}

static void write_text(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
}

static void test_find_nearest_parent(void **state)
{
	char *root = make_tree(), *old = getcwd(NULL, 0), *f, *path;
	(void)state;

	f = xasprintf("%s/a/drydock.json", root);
	write_text(f, "{}");
	free(f);
	path = xasprintf("%s/a/b/c", root);
	assert_int_equal(chdir(path), 0);
	free(path);
	path = project_find();
	assert_non_null(path);
	assert_string_equal(path, "../../drydock.json");
	free(path);
	/* the nearest one wins */
	f = xasprintf("%s/a/b/drydock.json", root);
	write_text(f, "{}");
	free(f);
	path = project_find();
	assert_string_equal(path, "../drydock.json");
	free(path);
	/* a folder named drydock.json is not a project file */
	assert_int_equal(mkdir("drydock.json", 0777), 0);
	path = project_find();
	assert_string_equal(path, "../drydock.json");
	free(path);
	rmdir("drydock.json");

	assert_int_equal(chdir(old), 0);
	f = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(f), 0);
	free(f);
	free(root);
	free(old);
}

/* ----------------------------------------------------- commands' view */

static char *tmpdir_with(const char *text)
{
	char tmpl[] = "/tmp/dd-project-XXXXXX";
	char *dir = xstrdup(mkdtemp(tmpl)), *f = xasprintf("%s/drydock.json", dir);
	write_text(f, text);
	free(f);
	return dir;
}

static void rm_tree(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static const char targets_text[] =
	"{\"plan\": \"plans/x\", \"stage\": \"x.db\", \"target\": \"dev\","
	" \"targets\": {\"dev\": \"service=app_dev\", \"prod\": \"host=db dbname=app\"}}";

static void test_precedence(void **state)
{
	char *dir = tmpdir_with(targets_text), *file = xasprintf("%s/drydock.json", dir), *out, *err;
	struct shared_args a = SHARED_ARGS_INIT;
	const char *plan;
	(void)state;

	project_choose(file, 0);
	/* nothing on the command line: the file's default target */
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	err = capture_end();
	assert_string_equal(out, "service=app_dev");
	assert_contains(err, "the target is 'dev', the default target of ");
	free(out);
	free(err);
	/* --target NAME: the named target */
	a.conninfo = "prod";
	a.named = 1;
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	err = capture_end();
	assert_string_equal(out, "host=db dbname=app");
	assert_contains(err, "the target is 'prod', a target of ");
	free(out);
	free(err);
	/* --target with any other value: as written (a database name) */
	a.conninfo = "app";
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	free(capture_end());
	assert_string_equal(out, "app");
	free(out);
	/* -d prod is a database called prod, as in psql */
	a.conninfo = "prod";
	a.named = 0;
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	assert_string_equal(out, "prod");
	free(out);
	/* -h alone: psql's options decide, not the file */
	a.conninfo = NULL;
	a.host = "/tmp";
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	assert_null(out);
	a.host = NULL;
	/* --plan wins over the file; the file's plan is from its folder */
	assert_int_equal(plan_operand("given", &plan), 0);
	assert_string_equal(plan, "given");
	assert_int_equal(plan_operand(NULL, &plan), 0);
	{
		char *want = xasprintf("%s/plans/x", dir);
		assert_string_equal(plan, want);
		free(want);
	}
	/* a staging file argument wins over the file's */
	{
		char *argv[] = { "status", "mine.db", NULL };
		const char *stage;
		optind = 1;
		assert_int_equal(stage_operand("status", 2, argv, "give one staging file", &stage), 0);
		assert_string_equal(stage, "mine.db");
		optind = 1;
		assert_int_equal(stage_operand("status", 1, argv, "give one staging file", &stage), 0);
		assert_true(!strcmp(stage + strlen(stage) - 5, "/x.db"));
	}
	/* --no-project: the built-in defaults (PG* variables) */
	project_choose(NULL, 1);
	a.conninfo = NULL;
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	assert_null(out);
	assert_int_equal(plan_operand(NULL, &plan), 0);
	assert_null(plan);
	{
		char *argv[] = { "status", NULL };
		const char *stage;
		optind = 1;
		capture_begin();
		assert_int_equal(stage_operand("status", 1, argv, "give one staging file", &stage), EXIT_USAGE);
		free(capture_end());
	}
	project_choose(NULL, 0);
	free(file);
	rm_tree(dir);
}

/* DRYDOCK_PROJECT names the file; DRYDOCK_NO_PROJECT turns lookup off; --project wins. */
static void test_environment(void **state)
{
	char *dir = tmpdir_with(targets_text), *file = xasprintf("%s/drydock.json", dir), *where;
	char *other = tmpdir_with("{\"plan\": \"other\"}"), *ofile = xasprintf("%s/drydock.json", other);
	const char *plan;
	(void)state;

	setenv("DRYDOCK_PROJECT", file, 1);
	project_choose(NULL, 0);
	where = project_locate();
	assert_string_equal(where, file);
	free(where);
	project_choose(ofile, 0);
	assert_int_equal(plan_operand(NULL, &plan), 0);
	assert_true(strstr(plan, "/other") != NULL);
	setenv("DRYDOCK_NO_PROJECT", "1", 1);
	project_choose(NULL, 0);
	assert_null(project_locate());
	/* --project still names one explicitly */
	project_choose(ofile, 0);
	where = project_locate();
	assert_string_equal(where, ofile);
	free(where);
	unsetenv("DRYDOCK_NO_PROJECT");
	unsetenv("DRYDOCK_PROJECT");
	project_choose(NULL, 0);
	free(file);
	free(ofile);
	rm_tree(dir);
	rm_tree(other);
}

/* A broken file stops the commands that use it, with its own error first. */
static void test_broken_file(void **state)
{
	char *dir = tmpdir_with("{\"targets\": {\"prod\": \"host=db password=hunter2\"}}");
	char *file = xasprintf("%s/drydock.json", dir), *out = NULL, *err;
	struct shared_args a = SHARED_ARGS_INIT;
	(void)state;

	project_choose(file, 0);
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), -1);
	err = capture_end();
	assert_null(out);
	assert_contains(err, "holds a password");
	assert_true(strstr(err, "hunter2") == NULL);
	free(err);
	/* a connection string is no target's name: the broken file is not needed */
	a.conninfo = "host=db dbname=app";
	a.named = 1;
	assert_int_equal(resolve_conninfo(&a, "the target", &out), 0);
	assert_string_equal(out, "host=db dbname=app");
	free(out);
	out = NULL;
	a.conninfo = "app";
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), -1);
	free(capture_end());
	a.conninfo = NULL;
	a.named = 0;
	project_choose("/nonexistent/drydock.json", 0);
	capture_begin();
	assert_int_equal(resolve_conninfo(&a, "the target", &out), -1);
	err = capture_end();
	assert_contains(err, "cannot read project file '/nonexistent/drydock.json'");
	free(err);
	project_choose(NULL, 0);
	free(file);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_paths_from_the_files_folder),
		cmocka_unit_test(test_source_per_plan_source),
		cmocka_unit_test(test_unknown_keys_refused),
		cmocka_unit_test(test_default_names_a_target),
		cmocka_unit_test(test_passwords_refused_not_echoed),
		cmocka_unit_test(test_find_nearest_parent),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_broken_file),
	};
	/* the tests choose their project files themselves */
	setenv("DRYDOCK_NO_PROJECT", "", 1);
	unsetenv("DRYDOCK_PROJECT");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
