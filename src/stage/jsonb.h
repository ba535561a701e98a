/*
 * jsonb: PostgreSQL's canonical text of a jsonb value (see jsonb.c).
 */
#ifndef DD_JSONB_H
#define DD_JSONB_H

#include <stddef.h>
#include "util.h"

/*
 * Writes the canonical form of the JSON text into out (reset first).
 * Returns 0, or -1 when the text is not valid jsonb input (out untouched).
 */
int jsonb_normalize(const char *text, size_t len, struct strbuf *out);

#endif
