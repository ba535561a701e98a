/*
 * fn_json: json and jsonb at run time (PostgreSQL 15 semantics).
 *
 * Values: jsonb is TEXT in jsonb_out's canonical form, json TEXT as
 * written.  Functions accept any valid JSON text for either and return
 * canonical jsonb.  The module's signatures (pgfn_json_module) name the
 * SQLite functions; notes for the compiler:
 *
 *  - jsonb comparisons (= < ... ORDER BY, DISTINCT) use collation
 *    pg_jsonb: PostgreSQL's btree order (object > array > boolean >
 *    number > string > null, numbers numerically so 1.0 = 1, strings
 *    bytewise as under the C collation).  json has no order: refuse it.
 *  - "any" arguments (to_jsonb, jsonb_build_object/array, json_*,
 *    jsonb_agg, jsonb_object_agg, json_agg, json_object_agg) are followed
 *    by one INTEGER per actual "any" argument, its PGT type (PGFN_ELEMTYPE
 *    in pgfn.h): pg_to_jsonb(x, PGK_INT4 | PGT_ARRAY).
 *  - jsonb_set and jsonb_insert have a 3- and a 4-argument signature, as
 *    PostgreSQL's defaults (create_missing true, insert_after false).
 *  - set-returning functions are eponymous table-valued functions; their
 *    arguments are hidden columns, their output columns:
 *      pg_jsonb_array_elements(from_json)       value jsonb
 *      pg_jsonb_array_elements_text(from_json)  value text
 *      pg_jsonb_each(from_json)                 key text, value jsonb
 *      pg_jsonb_each_text(from_json)            key text, value text
 *      pg_jsonb_object_keys(from_json)          jsonb_object_keys text
 *      pg_json_array_elements(from_json)        value json
 *      pg_json_array_elements_text(from_json)   value text
 *      pg_json_each(from_json)                  key text, value json
 *      pg_json_each_text(from_json)             key text, value text
 *      pg_json_object_keys(from_json)           json_object_keys text
 *    Rows come out in PostgreSQL's order (jsonb keys in storage order);
 *    every one also has a hidden column "ordinality" (WITH ORDINALITY).
 *  - aggregates are SQLite aggregates and window functions.
 */
#ifndef DD_FN_JSON_H
#define DD_FN_JSON_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_json_module;

#endif
