/* A file given as a staging file: identity checks and the catalog reader. */
#include "fuzz.h"
#include "stage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sqlite3 *db = NULL;
	struct catalog cat;
	const char *path = fuzz_file("stage.db", data, size);
	if (stage_open(path, 1, &db) == 0) {
		if (stage_read_catalog(db, &cat) == 0)
			catalog_free(&cat);
		stage_close(db);
	}
	return 0;
}
