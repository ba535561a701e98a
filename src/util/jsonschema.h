/*
 * jsonschema: validates a cJSON value against a JSON Schema (draft 2020-12)
 * and collects every error, each with the JSON path of the value it is
 * about ("steps[2].batch.size") and, for an unknown key, the closest
 * allowed key ("did you mean").
 *
 * The subset drydock's own schemas use (schema/plan.schema.json): type
 * (also integer and lists of types), enum, const, properties,
 * additionalProperties (false or a schema), required, propertyNames with
 * pattern, minProperties, items, minItems, minimum, maximum, minLength,
 * pattern (POSIX extended, anchored as written), $ref to "#/$defs/NAME",
 * anyOf, oneOf (as anyOf: drydock's branches never overlap), allOf,
 * if/then/else.  Other keywords (description, title, $id...) are ignored.
 */
#ifndef DD_JSONSCHEMA_H
#define DD_JSONSCHEMA_H

#include <cjson/cJSON.h>

struct jsonschema_error {
	char *path;     /* "" for the top level, else like push.lock_timeout */
	char *message;  /* what is wrong, for example "must be an integer" */
};

struct jsonschema_result {
	struct jsonschema_error *errors;
	int nerrors;
};

/* Validates value against schema (whose $defs $ref resolves in); returns nerrors. */
int jsonschema_validate(const cJSON *schema, const cJSON *value,
			struct jsonschema_result *out);
void jsonschema_result_free(struct jsonschema_result *r);

/*
 * The candidate closest to word by edit distance, when close enough to be
 * a likely typo (at most a third of the word, at least 1, at most 3);
 * else NULL.
 */
const char *closest_word(const char *word, const char *const *candidates, int n);

#endif
