/*
 * jsoncheck SCHEMA FILE...: validates each JSON file against a JSON Schema
 * with drydock's own validator (src/util/jsonschema.c), printing every
 * error as "FILE: PATH: message".  Exit 0 when all are valid, 1 when not,
 * 2 on a file that cannot be read or parsed.  For the tests of the --json
 * outputs (tests/e2e/test_json_schemas.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "jsonschema.h"
#include "util.h"

static cJSON *load(const char *path)
{
	char *text = read_file(path, NULL);
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	if (!v)
		fprintf(stderr, "jsoncheck: %s: %s\n", path, text ? "not JSON" : "cannot read");
	free(text);
	return v;
}

int main(int argc, char **argv)
{
	cJSON *schema;
	int ret = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: jsoncheck SCHEMA FILE...\n");
		return 2;
	}
	schema = load(argv[1]);
	if (!schema)
		return 2;
	for (int i = 2; i < argc; i++) {
		struct jsonschema_result r = { 0 };
		cJSON *v = load(argv[i]);
		if (!v) {
			ret = 2;
			continue;
		}
		if (jsonschema_validate(schema, v, &r)) {
			for (int k = 0; k < r.nerrors; k++)
				printf("%s: %s: %s\n", argv[i], *r.errors[k].path ? r.errors[k].path : "(top)",
				       r.errors[k].message);
			if (!ret)
				ret = 1;
		}
		jsonschema_result_free(&r);
		cJSON_Delete(v);
	}
	cJSON_Delete(schema);
	return ret;
}
