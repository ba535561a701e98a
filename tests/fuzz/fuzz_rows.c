/*
 * A fixture rows file, loaded into a table with one column of every
 * modelled type through the real loader (validation, masking off).
 */
#include "fuzz.h"
#include "fixture.h"

static const char manifest[] =
	"{\"drydock_fixture\": 1, \"sources\": [{\"name\": \"app\", \"enums\": {\"mood\": [\"sad\", \"ok\"]},"
	"\"tables\": [{\"name\": \"t\", \"file\": \"rows.jsonl\", \"rows\": 0, \"columns\": ["
	"{\"name\": \"id\", \"type\": \"bigint\"}, {\"name\": \"b\", \"type\": \"boolean\"},"
	"{\"name\": \"n\", \"type\": \"numeric(6,2)\"}, {\"name\": \"v\", \"type\": \"character varying(5)\"},"
	"{\"name\": \"u\", \"type\": \"uuid\"}, {\"name\": \"j\", \"type\": \"jsonb\"},"
	"{\"name\": \"d\", \"type\": \"timestamp with time zone\"}, {\"name\": \"i\", \"type\": \"interval\"},"
	"{\"name\": \"a\", \"type\": \"integer[]\"}, {\"name\": \"y\", \"type\": \"bytea\"},"
	"{\"name\": \"e\", \"type\": \"mood\", \"enum\": \"mood\"}],"
	"\"constraints\": [{\"name\": \"t_pkey\", \"type\": \"primary key\", \"columns\": [\"id\"]}]}]}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct catalog cat;
	static int ready;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = 0;

	if (!ready) {
		fuzz_file("fixture.json", (const uint8_t *)manifest, sizeof(manifest) - 1);
		if (fixture_read_manifest(fuzz_dir(), &cat))
			abort();
		ready = 1;
	}
	fuzz_file("rows.jsonl", data, size);
	if (sqlite3_open(":memory:", &db) || stage_create_table(db, &cat.tables[0], "t") ||
	    stage_prepare_insert(db, &cat.tables[0], "t", &st))
		abort();
	fixture_load_rows(fuzz_dir(), &cat, &cat.tables[0], db, st, NULL, NULL, &n);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
