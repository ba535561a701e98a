/*
 * PostgreSQL text values: the first byte picks a type, the rest is the
 * value; pgvalue_check() and the COPY splitter must never misbehave.
 */
#include "fuzz.h"
#include "jsonb.h"
#include "pg.h"
#include "pgtype.h"

static const char *const types[] = {
	"smallint", "integer", "bigint", "boolean", "real", "double precision",
	"numeric", "numeric(6,2)", "text", "character varying(5)", "character(3)",
	"bytea", "uuid", "json", "jsonb", "date", "time without time zone",
	"time with time zone", "timestamp without time zone",
	"timestamp with time zone", "interval", "integer[]", "text[]", "mood",
	"numeric(3,-2)", "date[]", "jsonb[]", "box[]",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "sad", "ok" };
	struct pgtype t;
	const char *why = NULL;
	char *copy, *vals[16];
	size_t lens[16];

	if (size < 1)
		return 0;
	const char *ft = types[data[0] % ARRAY_SIZE(types)];
	pgtype_parse(ft, !strcmp(ft, "mood"), &t);
	copy = malloc(size); /* exact size: reads past the value are caught */
	memcpy(copy, data + 1, size - 1);
	pgvalue_check(&t, copy, size - 1, labels, 2, &why);
	{
		struct strbuf sb = STRBUF_INIT;
		jsonb_normalize(copy, size - 1, &sb);
		sb_release(&sb);
	}
	pg_copy_split(copy, size - 1, vals, lens, 16);
	free(copy);
	return 0;
}
