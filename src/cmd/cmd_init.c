/*
 * drydock init: a starter plan folder that validates: plan.json (with its
 * $schema for editors), a first step, a check and a README saying what to
 * do next.  Nothing existing is overwritten.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "plan.h"
#include "project.h"

const char usage_init[] =
	"usage: drydock init DIR [--source NAME] [--table TABLE ...] [--with-project] [--force]\n"
	"\n"
	"Writes a starter plan into DIR (created if needed): DIR/plan.json, a first\n"
	"step DIR/steps/001_first.sql, a check, and DIR/README.md with the commands\n"
	"that rehearse it.  The plan validates as written; edit the tables, the step\n"
	"and the check, then snapshot.\n"
	"\n"
	"  --source NAME   the source's name in the plan (default app)\n"
	"  --table TABLE   a table of the source to snapshot (may repeat;\n"
	"                  default users)\n"
	"  --with-project  also write drydock.json in the current folder: the project\n"
	"                  file naming DIR and DIR's staging file (NAME.db), so daily\n"
	"                  commands need neither (add your databases under \"targets\")\n"
	"  --force         overwrite files drydock init writes that exist\n";

static int write_new(const char *dir, const char *name, const char *text, int force)
{
	char *path = xasprintf("%s/%s", dir, name);
	int ret = -1;
	if (file_exists(path) && !force) {
		error("'%s' already exists", path);
		hint("Choose another folder, or pass --force to overwrite the starter files.");
		goto cleanup;
	}
	ret = write_file_atomic(path, text, strlen(text));
cleanup:
	free(path);
	return ret;
}

static int valid_name(const char *s)
{
	if (!*s || !(((*s >= 'a' && *s <= 'z')) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "table", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },
		{ "with-project", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = "app", *dir, *base;
	const char **tables = xcalloc((size_t)argc + 1, sizeof(char *));
	int ntables = 0, force = 0, with_project = 0, c, ret = EXIT_RUNTIME;
	struct strbuf plan = STRBUF_INIT, list = STRBUF_INIT, readme = STRBUF_INIT, proj = STRBUF_INIT;
	char *steps = NULL, *step = NULL, *name = NULL;
	struct plan p = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 't': tables[ntables++] = optarg; break;
		case 'F': force = 1; break;
		case 'P': with_project = 1; break;
		default:
			ret = option_error("init", argv, opts, "");
			goto cleanup;
		}
	}
	if (optind != argc - 1) {
		ret = usage_error("init", "give the plan folder to create");
		goto cleanup;
	}
	if (!valid_name(source)) {
		ret = usage_error("init", "a source name is lowercase letters, digits and _ ('%s')", source);
		goto cleanup;
	}
	if (!ntables)
		tables[ntables++] = "users";
	dir = argv[optind];
	base = strrchr(dir, '/');
	name = xstrdup(base && base[1] ? base + 1 : dir);
	name[strcspn(name, "/")] = '\0';
	for (int i = 0; i < ntables; i++) {
		if (i)
			sb_addf(&list, ", ");
		sb_add_json_string(&list, tables[i], strlen(tables[i]));
	}
	sb_addf(&plan,
		"{\n"
		"  \"$schema\": \"https://drydock.invalid/schema/plan.schema.json\",\n"
		"  \"name\": ");
	sb_add_json_string(&plan, name, strlen(name));
	sb_addf(&plan,
		",\n"
		"  \"description\": \"What this migration does, in a sentence.\",\n"
		"  \"sources\": {\n"
		"    \"%s\": {\"schema\": \"public\", \"tables\": [%s]}\n"
		"  },\n"
		"  \"steps\": [\n"
		"    {\"name\": \"first step\", \"sql\": \"steps/001_first.sql\"}\n"
		"  ],\n"
		"  \"checks\": [\n"
		"    {\"name\": \"example: no row breaks a rule\", \"severity\": \"error\",\n"
		"     \"sql\": \"SELECT 1 WHERE false\"}\n"
		"  ]\n"
		"}\n", source, list.buf);
	if (with_project) {
		/* the project file: paths from its folder, the current one */
		sb_adds(&proj, "{\n  \"$schema\": \"https://drydock.invalid/schema/project.schema.json\",\n"
			       "  \"plan\": ");
		sb_add_json_string(&proj, dir, strlen(dir));
		sb_adds(&proj, ",\n  \"stage\": ");
		{
			char *stage = xasprintf("%s.db", name);
			sb_add_json_string(&proj, stage, strlen(stage));
			free(stage);
		}
		sb_adds(&proj, ",\n  \"targets\": {}\n}\n");
		sb_addf(&readme,
			"# %s\n\n"
			"A drydock plan (docs/plan-format.md).  drydock.json names it and its\n"
			"staging file %s.db; name your databases there (\"targets\": {\"dev\":\n"
			"\"service=app_dev\"}, \"source\": \"dev\", \"target\": \"dev\"; README.md,\n"
			"\"Project file\").  Rehearse it offline, then push:\n\n"
			"    drydock snapshot --source DATABASE\n"
			"    drydock run\n"
			"    drydock check\n"
			"    drydock report\n"
			"    drydock approve --by NAME\n"
			"    drydock push --target DATABASE\n\n",
			name, name);
	} else {
		sb_addf(&readme,
			"# %s\n\n"
			"A drydock plan (docs/plan-format.md).  Rehearse it offline, then push:\n\n"
			"    drydock snapshot --plan %s --source DATABASE -o %s.db\n"
			"    drydock run %s.db --plan %s\n"
			"    drydock check %s.db\n"
			"    drydock report %s.db\n"
			"    drydock approve %s.db --by NAME\n"
			"    drydock push %s.db --target DATABASE\n\n",
			name, dir, name, name, dir, name, name, name, name);
	}
	sb_adds(&readme,
		"Edit plan.json (the tables), steps/001_first.sql (PostgreSQL SQL run\n"
		"against the staging file) and the checks (a check's query returns the\n"
		"rows that violate it).\n");
	steps = xasprintf("%s/steps", dir);
	if (mkdir_p(steps, 0777))
		goto cleanup;
	step = xasprintf("-- The first step: PostgreSQL SQL run against the staging file,\n"
			 "-- which holds the snapshot of the plan's tables.  Replace it with\n"
			 "-- the migration's own statements.\n"
			 "SELECT count(*) FROM %s;\n", tables[0]);
	if (with_project && file_exists(PROJECT_FILE_NAME) && !force) {
		error("'%s' already exists", PROJECT_FILE_NAME);
		hint("Set \"plan\": \"%s\" in it to make this plan the default, or pass --force to "
		     "replace it.", dir);
		goto cleanup;
	}
	if (write_new(dir, "plan.json", plan.buf, force) ||
	    write_new(dir, "steps/001_first.sql", step, force) ||
	    write_new(dir, "README.md", readme.buf, force))
		goto cleanup;
	/* what init writes must validate: the same check snapshot and run make */
	if (plan_load(dir, &p))
		goto cleanup;
	info("wrote plan '%s' in %s/ (plan.json, steps/001_first.sql, README.md)", name, dir);
	if (with_project) {
		struct project pr;
		if (write_new(".", PROJECT_FILE_NAME, proj.buf, force) ||
		    project_load(PROJECT_FILE_NAME, &pr))
			goto cleanup;
		project_free(&pr);
		info("wrote %s: plan %s, staging file %s.db; name your databases under \"targets\"",
		     PROJECT_FILE_NAME, dir, name);
	} else {
		char *found = project_locate();
		if (!found)
			info("'drydock init %s --with-project' also writes %s, so daily commands need "
			     "no --plan or STAGE.db", dir, PROJECT_FILE_NAME);
		free(found);
	}
	ret = EXIT_OK;
cleanup:
	plan_free(&p);
	sb_release(&plan);
	sb_release(&list);
	sb_release(&readme);
	sb_release(&proj);
	free(tables);
	free(steps);
	free(step);
	free(name);
	return ret;
}
