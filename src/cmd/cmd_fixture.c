/*
 * drydock fixture export: write a staging file's snapshot out as a text
 * fixture (docs/fixture-format.md).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <string.h>

#include "commands.h"
#include "fixture.h"
#include "stage.h"

const char usage_fixture[] =
	"usage: drydock fixture export STAGE.db -o DIR [--rows N] [--force]\n"
	"\n"
	"Writes the snapshotted tables of STAGE.db as a fixture folder: a manifest\n"
	"(fixture.json) and one JSON-lines file of rows per table.  A snapshot of a\n"
	"fixture, exported again, gives the same files byte for byte.\n"
	"\n"
	"  -o, --output DIR   the fixture folder to write\n"
	"  --rows N           a subset: the first N rows of each table in key order,\n"
	"                     plus every row they reference (foreign keys hold)\n"
	"  --force            replace DIR if it exists\n";

int cmd_fixture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "rows", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *path;
	long rows = 0;
	int force = 0, c, ret = EXIT_RUNTIME;
	sqlite3 *db = NULL;
	struct catalog cat = { 0 };

	if (argc < 2 || strcmp(argv[1], "export"))
		return usage_error("fixture", "the fixture command is 'drydock fixture export'");
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r':
			if (parse_long(optarg, &rows) || rows < 1)
				return usage_error("fixture", "--rows needs a positive number");
			break;
		case 'F': force = 1; break;
		default: return option_error("fixture", argv, opts, "o:");
		}
	}
	if (!out)
		return usage_error("fixture", "give one staging file and -o DIR");
	if ((c = stage_operand("fixture", argc, argv, "give one staging file and -o DIR", &path)))
		return c;
	if (stage_open(path, 1, &db) || stage_read_catalog(db, &cat) ||
	    fixture_export(db, &cat, out, rows, force))
		goto cleanup;
	info("wrote fixture '%s' (%d table%s)", out, cat.ntables, PLURAL(cat.ntables));
	ret = EXIT_OK;
cleanup:
	catalog_free(&cat);
	stage_close(db);
	return ret;
}
