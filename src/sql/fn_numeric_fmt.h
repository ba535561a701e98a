/*
 * fn_numeric_fmt: to_char of numbers (numeric, int4, int8, float4,
 * float8) and to_number with PostgreSQL 15's number templates
 * (formatting.c's NUMDesc_prepare, NUM_processor and the per-type
 * wrappers).
 *
 * Registered by the numeric module (fn_numeric.c's table) as
 *   pg_numeric_to_char(numeric, text), pg_int4_to_char(int4, text),
 *   pg_int8_to_char(int8, text), pg_float4_to_char(float4, text),
 *   pg_float8_to_char(float8, text)   returning text,
 *   pg_to_number(text, text)          returning numeric,
 * with PostgreSQL's results and messages ("multiple
 * decimal points", "\"EEEE\" is incompatible with other formats", the
 * "###.##" of a value that does not fit, NaN and Infinity as 15 prints
 * them, an embedded NUL cutting the text where PostgreSQL's C string ends).
 *
 * Locale: PostgreSQL takes D, G and S's signs from lc_numeric; drydock
 * prints them as lc_numeric = C does ('.', ',', '+', '-').  L is the
 * currency symbol of lc_monetary, which drydock cannot know: a template
 * using it is refused (fn_numeric_check_format at compile time for a
 * constant template, an error at run time otherwise).
 */
#ifndef DD_FN_NUMERIC_FMT_H
#define DD_FN_NUMERIC_FMT_H

#include <sqlite3.h>

/* Registers the functions; SQLITE_OK or an SQLite error code. */
int fn_numfmt_register(sqlite3 *db);

/*
 * Whether drydock can print a number with template fmt: 0, or -1 with
 * *why set (a static message) for a template it refuses.  Errors
 * PostgreSQL itself raises ("multiple decimal points") are not judged
 * here: PostgreSQL raises them only when a row is formatted.
 */
int fn_numeric_check_format(const char *fmt, const char **why);

/* The hint that goes with a refusal of fn_numeric_check_format. */
extern const char fn_numeric_format_hint[];

#endif
