/*
 * fn_range: range types at run time (PostgreSQL 15 semantics): int4range,
 * int8range, numrange, daterange, tsrange, tstzrange.
 *
 * Values: TEXT in range_out's form ('[1,5)', 'empty', '(,3)',
 * '["2020-01-01 00:00:00+00",)').  Discrete ranges (int4, int8, date)
 * are canonical in [) form.  Bounds are read by the element type's input
 * (fn_shared.c: fnv_canon), so '[2020-01-01,2020-02-01)'::tstzrange reads.
 *
 * Each range type has its own SQLite functions, named after it
 * (pg_int4range_in, pg_int4range_lower, pg_daterange_contains_elem ...):
 * the signatures are per type, nothing is polymorphic, so the compiler
 * passes no type arguments.  Elements come and go in their runtime form
 * (int4range bounds as INTEGER).  Comparisons and ORDER BY use collation
 * pg_<rangetype> (range_cmp: empty first, then lower, then upper bound).
 */
#ifndef DD_FN_RANGE_H
#define DD_FN_RANGE_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_range_module;

#endif
