/*
 * drydock report: the before/after facts of a staging file as canonical
 * JSON (for diffs), Markdown (for a pull request) and one self-contained
 * HTML page (for people deciding whether to approve).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "report.h"
#include "stage.h"

const char usage_report[] =
	"usage: drydock report STAGE.db [-o DIR] [--format json,md,html] [--samples N]\n"
	"\n"
	"Writes the report of the staging file's latest run: plan, sources, row\n"
	"counts before and after, inserts/updates/deletes per table and column,\n"
	"a sample of changed rows, schema changes with their DDL, checks and gates,\n"
	"step timings, approval, pushes and rollbacks.  Files are written\n"
	"atomically as DIR/report.json, DIR/report.md and DIR/report.html.\n"
	"\n"
	"  -o, --output DIR   the folder (default: STAGE-report beside the staging\n"
	"                     file: avatars.db -> avatars-report/)\n"
	"  --format LIST      which files, comma-separated: json, md, html\n"
	"                     (default: all three)\n"
	"  --samples N        changed rows shown per table and operation (default 10;\n"
	"                     0 for none)\n"
	"\n"
	"Compare two reports with 'drydock diff A.json B.json'.  The format is\n"
	"described in docs/reports.md.\n";

enum { FMT_JSON = 1, FMT_MD = 2, FMT_HTML = 4 };

static int parse_formats(const char *arg, int *out)
{
	char *copy = xstrdup(arg), *save = NULL;
	int ret = 0;
	*out = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "json"))
			*out |= FMT_JSON;
		else if (!strcmp(w, "md") || !strcmp(w, "markdown"))
			*out |= FMT_MD;
		else if (!strcmp(w, "html"))
			*out |= FMT_HTML;
		else
			ret = -1;
	}
	free(copy);
	return ret || !*out ? -1 : 0;
}

/*
 * STAGE-report beside the staging file (avatars.db -> avatars-report/): a
 * report belongs to its staging file, and a default under the current
 * folder overwrote the repository's golden reports/ when run from its root.
 */
static char *default_dir(const char *stage_path)
{
	size_t n = strlen(stage_path);
	if (n > 3 && !strcmp(stage_path + n - 3, ".db"))
		n -= 3;
	return xasprintf("%.*s-report", (int)n, stage_path);
}

static int prepare_dir(const char *dir)
{
	struct stat st;
	if (mkdir_p(dir, 0777)) {
		error("cannot create report folder '%s': %s", dir, strerror(errno));
		hint("Choose a folder you can write to with -o DIR.");
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		error("cannot write the report into '%s': it is not a folder", dir);
		hint("Choose a folder with -o DIR.");
		return -1;
	}
	if (access(dir, W_OK | X_OK)) {
		error("cannot write to report folder '%s': %s", dir, strerror(errno));
		hint("Choose a folder you can write to with -o DIR.");
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "samples", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outdir = NULL;
	int formats = FMT_JSON | FMT_MD | FMT_HTML, c, ret = EXIT_RUNTIME;
	long samples = REPORT_DEFAULT_SAMPLES;
	sqlite3 *db = NULL;
	cJSON *report = NULL;
	char *dir = NULL, *text[3] = { NULL, NULL, NULL };
	static const char *const names[3] = { "report.json", "report.md", "report.html" };
	struct report_opts ro = { 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'f':
			if (parse_formats(optarg, &formats))
				return usage_error("report", "--format takes a list of json, md, html");
			break;
		case 's':
			if (parse_long(optarg, &samples) || samples < 0 || samples > 1000)
				return usage_error("report", "--samples needs a number from 0 to 1000");
			break;
		default: return option_error("report", argv, opts, "o:");
		}
	}
	if ((c = stage_operand("report", argc, argv, "give one staging file", &ro.stage_path)))
		return c;
	if (outdir && !*outdir)
		return usage_error("report", "-o needs a folder");
	ro.samples = (int)samples;
	if (stage_open(ro.stage_path, 1, &db))
		goto cleanup;
	{
		struct progress p;
		progress_start_unit(&p, "report", 0, NULL);
		stage_watch_progress(db, &p);
		report = report_build(db, &ro);
		stage_watch_progress(db, NULL);
		progress_end(&p);
	}
	if (!report)
		goto cleanup;
	dir = outdir ? xstrdup(outdir) : default_dir(ro.stage_path);

	/* everything is rendered before the first file is written */
	if (formats & FMT_JSON)
		text[0] = report_render_json(report);
	if (formats & FMT_MD)
		text[1] = report_render_markdown(report);
	if (formats & FMT_HTML)
		text[2] = report_render_html(report);
	if (prepare_dir(dir))
		goto cleanup;
	/* what blocks approval comes first here too (stdout, before the files) */
	if (!dd_quiet) {
		char *bl = report_render_blockers_text(report);
		fputs(bl, stdout);
		free(bl);
	}
	for (int i = 0; i < 3; i++) {
		char *path;
		int r;
		if (!text[i])
			continue;
		path = path_join(dir, names[i]);
		r = write_file_atomic(path, text[i], strlen(text[i]));
		if (!r && !dd_quiet)
			printf("wrote %s\n", path);
		if (!r)
			fault_point("report.after_file");
		free(path);
		if (r) {
			hint("Check that '%s' is writable and its disk has room.", dir);
			goto cleanup;
		}
	}
	ret = EXIT_OK;
cleanup:
	for (int i = 0; i < 3; i++)
		free(text[i]);
	free(dir);
	cJSON_Delete(report);
	stage_close(db);
	return ret;
}
