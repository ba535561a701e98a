/*
 * fn_numeric: the runtime module for numbers (src/sql/pgfn.h):
 * int2/int4/int8, numeric (exact, numval.c), float4/float8 and bool, their
 * operators, functions, casts, orders and aggregates, with PostgreSQL 15's
 * results and error messages.
 *
 * The module is `pgfn_numeric_module`; its signature table (fn_numeric.c)
 * is the list of what the compiler may call.  The module is split by
 * family: fn_numeric.c (numeric and the table), fn_int.c (integers and
 * bool), fn_float.c (floats), fn_numagg.c (aggregates), fn_numsrf.c
 * (generate_series); this header is also
 * their shared internals.
 *
 * Storage of values: int2/4/8 and bool INTEGER; numeric, float4, float8
 * TEXT in PostgreSQL's output form ("1.50", "NaN", "1e+15", "0.1").
 * Functions also accept an INTEGER where numeric or float text is expected.
 */
#ifndef DD_FN_NUMERIC_H
#define DD_FN_NUMERIC_H

#include <sqlite3.h>
#include "pgfn.h"
#include "numval.h"

extern const struct pgfn_module pgfn_numeric_module;

/* ---- shared internals of the fn_num* files ---- */

/* Registration of each family's functions; SQLITE_OK or an error code. */
int fn_int_register(sqlite3 *db);
int fn_float_register(sqlite3 *db);
int fn_numagg_register(sqlite3 *db);
int fn_numsrf_register(sqlite3 *db);

/* Reads a numeric argument; on bad input results the error and returns -1. */
int fn_arg_num(sqlite3_context *ctx, sqlite3_value *v, struct numval *n);
/* Results n as numeric text. */
void fn_result_num(sqlite3_context *ctx, const struct numval *n);
/* Results the error for a NUM_E* code (ESYNTAX needs the input: use the reader). */
void fn_result_numerr(sqlite3_context *ctx, int err);

/* float8in / float4in: 0, or FLT_ESYNTAX / FLT_ERANGE. */
enum { FLT_ESYNTAX = 1, FLT_ERANGE = 2 };
int pgfloat8_in(const char *s, size_t len, double *out);
int pgfloat4_in(const char *s, size_t len, float *out);
/* float8out / float4out at extra_float_digits 1 (shortest exact); buf >= 32. */
int pgfloat8_out(double d, char *buf);
int pgfloat4_out(float f, char *buf);
/* Reads a float argument (text, or an INTEGER); on error results it, -1. */
int fn_arg_float8(sqlite3_context *ctx, sqlite3_value *v, double *d);
int fn_arg_float4(sqlite3_context *ctx, sqlite3_value *v, float *f);
void fn_result_float8(sqlite3_context *ctx, double d);
void fn_result_float4(sqlite3_context *ctx, float f);

/* Reads an integer argument (INTEGER, or integer text); -1 after an error. */
int fn_arg_int(sqlite3_context *ctx, sqlite3_value *v, long long *i);

#endif
