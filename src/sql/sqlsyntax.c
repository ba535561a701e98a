/*
 * sqlsyntax: PostgreSQL's grammar over a text, nothing else (sqlsyntax.h).
 */
#define _GNU_SOURCE
#include "sqlsyntax.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int sql_syntax_check(const char *file, const char *text, int expr)
{
	static const char prefix[] = "SELECT WHERE ";
	char *wrapped = expr ? xasprintf("%s%s", prefix, text) : NULL;
	int base = expr ? (int)strlen(prefix) : 0;
	PgQueryParseResult pr = pg_query_parse(wrapped ? wrapped : text);
	int ret = 0;

	if (pr.error) {
		/* cursorpos is 1-based in the parsed text, 0 when unknown */
		int pos = pr.error->cursorpos > base ? pr.error->cursorpos - 1 - base : 0;
		int line = 1, col = 1;
		const char *bol = text;
		for (int i = 0; i < pos && text[i]; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
				bol = text + i + 1;
			} else {
				col++;
			}
		}
		ret = error("%s:%d:%d: %s", file, line, col, pr.error->message);
		detail("%.*s", (int)strcspn(bol, "\n"), bol);
	}
	pg_query_free_parse_result(pr);
	free(wrapped);
	return ret;
}
