/*
 * fn_array: PostgreSQL arrays at run time (PostgreSQL 15 semantics).
 *
 * Values: TEXT array literals in array_out's form ('{1,2,3}', '{"a b",NULL}',
 * '{{1,2},{3,4}}', '{}').  Elements are compared with their type's order
 * (fn_shared.c: numeric numerically, text bytewise as under the C
 * collation, dates and timestamps in time order, jsonb in jsonb order).
 * Element types: int2/4/8, bool, numeric, float4/8, text, varchar, char,
 * uuid, date, time, timestamp, timestamptz, jsonb; functions that compare
 * elements refuse other types ("could not identify an equality operator").
 *
 * Notes for the compiler:
 *  - every polymorphic function takes the element type as its last
 *    argument (PGFN_ELEMTYPE), an INTEGER enum pgkind;
 *  - ARRAY[a, b, c] is pg_array(a, b, c, kind); ARRAY[] needs a cast and
 *    is the literal '{}';  ARRAY[ARRAY[1,2], ARRAY[3,4]] is
 *    pg_array_nest('{1,2}', '{3,4}', kind);
 *  - x op ANY (arr) is pg_array_any(x, arr, 'op', kind), x op ALL (arr)
 *    pg_array_all(...), op one of = <> < <= > >=, with PostgreSQL's
 *    NULL rules (x IN (list) stays the compiler's own);
 *  - a[i] is pg_array_subscript(a, i, kind), a[i][j]
 *    pg_array_subscript(a, i, j, kind); a[lo:hi] pg_array_slice(a, lo, hi)
 *    with NULL for an omitted bound;
 *  - comparisons and ORDER BY of arrays use collation pg_array_<kind>
 *    (pg_array_int4, pg_array_numeric, pg_array_text ...), listed in the
 *    module's orders;
 *  - unnest(a) is the table-valued function pg_unnest(a, kind), column
 *    "unnest", elements in their runtime form (integers as INTEGER), and
 *    a hidden column "ordinality" (WITH ORDINALITY).
 *  - array_agg is an SQLite aggregate and window function.
 */
#ifndef DD_FN_ARRAY_H
#define DD_FN_ARRAY_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_array_module;

#endif
