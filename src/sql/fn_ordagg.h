/*
 * fn_ordagg: aggregates with an ORDER BY inside the call
 * (string_agg(x, ',' ORDER BY y), array_agg, json[b]_agg,
 * json[b]_object_agg), which SQLite 3.40 cannot express.
 *
 * The compiler calls the SQLite aggregate
 *
 *   pg_ordagg(fn, nargs, keys, arg1 .. argN, key1 .. keyK)
 *
 * fn is the inner SQLite aggregate ("pg_string_agg"), nargs its argument
 * count N, keys one word per sort key, "KIND" followed by 'a' or 'd'
 * (ASC, DESC) and 'f' or 'l' (NULLS FIRST, LAST), space-separated
 * ("23al 5df": KIND is an enum pgkind).  Every row's arguments and keys
 * are kept; at the end the rows are sorted (stably, by each key's btree
 * order, fn_shared's fnv_compare) and fed in that order to fn by a nested
 * query over the table-valued function pg_ordagg_rows.  No rows: NULL,
 * as each of those aggregates gives.
 *
 * fn_ordagg_sortable(kind): whether a key of that kind can be sorted here
 * (the compiler refuses the others).
 */
#ifndef DD_FN_ORDAGG_H
#define DD_FN_ORDAGG_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_ordagg_module;
int fn_ordagg_sortable(int type);

#endif
