/* plan.json: the plan parser and the schema change parser. */
#include "fuzz.h"
#include "plan.h"
#include "schemachange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;
	fuzz_file("plan.json", data, size);
	if (plan_load(fuzz_dir(), &p) == 0) {
		struct schema_change *sc = NULL;
		int n = 0;
		if (schema_changes_parse(&p, &sc, &n) == 0)
			schema_changes_free(sc, n);
		plan_free(&p);
	}
	return 0;
}
