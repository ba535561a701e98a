/*
 * fn_shared: what the json, array and range modules share.
 *
 *  - values by kind: a runtime value (pgfn.h's storage rule) as its
 *    PostgreSQL text, and element text back as a runtime value;
 *  - element comparison by kind: the btree order of the element types
 *    arrays, ranges and jsonb hold (integers, numeric, floats, text, uuid,
 *    dates and timestamps in canonical text, bool, jsonb);
 *  - set-returning functions as SQLite eponymous table-valued functions:
 *    a module describes one with struct srf_def and fills rows in fill().
 */
#ifndef DD_FN_SHARED_H
#define DD_FN_SHARED_H

#include <sqlite3.h>
#include "pgfn.h"
#include "util.h"

/*
 * The PostgreSQL text of runtime value v of kind (INTEGER storage for
 * ints and bool, "t"/"f" for bool); NULL for SQL NULL.  The result points
 * into scratch (reset first) or into v.
 */
const char *fnv_text(sqlite3_value *v, enum pgkind kind, struct strbuf *scratch, size_t *len);
/* Results element text s of kind as its runtime value (INTEGER for ints, 0/1 for bool). */
void fnv_result(sqlite3_context *ctx, enum pgkind kind, const char *s, size_t len);
/* Binds the same (for table-valued rows and statements). */
int fnv_is_integer_kind(enum pgkind kind);

/*
 * Element order: <0, 0, >0.  Values are canonical text of kind.  Returns
 * 0 and sets *cmp, or -1 when kind has no order known here.
 */
int fnv_compare(enum pgkind kind, const char *a, size_t alen, const char *b, size_t blen, int *cmp);
/* The PostgreSQL name of a kind for messages ("integer", "numeric"). */
const char *fnv_type_name(enum pgkind kind);

/*
 * Appends the canonical text of input text s for kind to out, as the
 * type's input function would read it (array elements, range bounds):
 * integers, bool, numeric, uuid, jsonb here; other kinds through another
 * module's input cast when one is registered; dates and timestamps in
 * ISO form otherwise; the rest taken as already canonical.  0, or -1
 * after an error result on ctx (PostgreSQL's message).
 */
int fnv_canon(sqlite3_context *ctx, enum pgkind kind, const char *s, size_t len, struct strbuf *out);

/* Appends the date days after canonical date s ("2020-06-01", "0044-03-15 BC").  0 or -1. */
int fnv_date_add_days(const char *s, size_t len, int days, struct strbuf *out);

/* Formats a double as float8out (float4 1) prints it: shortest round-trip text. */
void fnv_format_float(struct strbuf *sb, double d, int float4);

/* ---- set-returning functions ---- */

struct srf_cell {
	int type;            /* SQLITE_NULL, SQLITE_INTEGER or SQLITE_TEXT */
	sqlite3_int64 i;
	char *s;
	size_t len;
};

struct srf_rows {
	int ncols;
	struct srf_cell *cells;  /* nrows * ncols */
	size_t nrows, alloc;
	char *error;             /* set by fill() (malloc'ed) to fail the query */
};

/* Appends a row; the caller then sets its cells with srf_set_*. */
struct srf_cell *srf_add_row(struct srf_rows *r);
void srf_set_text(struct srf_cell *c, const char *s, size_t len);
void srf_set_int(struct srf_cell *c, sqlite3_int64 i);
void srf_set_error(struct srf_rows *r, const char *msg);

/*
 * Besides its output columns, every table-valued function has one hidden
 * column per argument, then a hidden column "ordinality" (1, 2, ...: WITH
 * ORDINALITY).
 */
struct srf_def {
	const char *name;      /* SQLite name: pg_jsonb_each */
	const char *columns;   /* "key,value": the output columns */
	const char *args;      /* "from_json": hidden argument columns */
	int nargs_required;    /* arguments that must be given (the rest may be NULL) */
	void (*fill)(sqlite3_value **args, int nargs, struct srf_rows *rows);
};

/* Registers def as an eponymous table-valued function.  SQLITE_OK or an error code. */
int srf_register(sqlite3 *db, const struct srf_def *def);

#endif
