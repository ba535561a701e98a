/*
 * checkexpr: a conservative translation of PostgreSQL CHECK constraints
 * (as pg_get_constraintdef() prints them) into SQLite expressions over the
 * staging tables, so `drydock check` can evaluate the simple ones offline.
 *
 * Supported, and only when the types make SQLite agree with PostgreSQL:
 * comparisons of integer and numeric columns with each other and with
 * numeric literals (+, - and * allowed), = and <> between text columns
 * (text, varchar, enums) and string literals, IN lists and = ANY(ARRAY[..])
 * / <> ALL(ARRAY[..]), IS [NOT] NULL on any column, length()/char_length(),
 * btrim()/ltrim()/rtrim() of text, position(a IN b) and strpos(), abs(),
 * boolean columns and literals (IS [NOT] TRUE/FALSE), jsonb_typeof() of a
 * json column or a path into it (-> 'key', -> 0), AND, OR, NOT, casts that
 * do not change a value's class.  Everything else (regular expressions, dates and
 * times, ordering of text, functions with locale-dependent
 * results) is reported unsupported with a reason: such a constraint is
 * verified by the target at push.
 */
#ifndef DD_CHECKEXPR_H
#define DD_CHECKEXPR_H

#include <stddef.h>
#include "stage.h"
#include "util.h"

/*
 * Translates definition ("CHECK ((price > (0)::numeric))") for table t,
 * writing an SQLite boolean expression into sql whose columns are
 * qualified with alias (e.g. w."price").  used (t->ncols entries) gets 1
 * for each column the expression reads.  Returns 0 when translated, 1
 * when unsupported (why holds a short reason).
 */
int checkexpr_translate(const char *definition, const struct table_meta *t,
			const char *alias, struct strbuf *sql, int *used,
			char *why, size_t whylen);

/* The same for a bare condition: a partial index's WHERE clause. */
int checkexpr_translate_condition(const char *condition, const struct table_meta *t,
				  const char *alias, struct strbuf *sql, int *used,
				  char *why, size_t whylen);

#endif
