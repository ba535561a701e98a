/* fixture.json: the fixture manifest reader. */
#include "fuzz.h"
#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog cat;
	fuzz_file("fixture.json", data, size);
	if (fixture_read_manifest(fuzz_dir(), &cat) == 0)
		catalog_free(&cat);
	return 0;
}
