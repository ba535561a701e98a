/*
 * report_profile: what a migration does to the values of a changed table,
 * for reviewers who will not open a database (docs/reports.md, "Profiles
 * and value changes").
 *
 *   report_profile_table(db, source, table, t, samples, seed, natural_key)
 *
 * adds to the report's table object t (which already holds the counts,
 * "columns", "columns_before" and "columns_after"):
 *
 *   profile        per column, "before" (the snapshot) and "after" (the
 *                  working table): rows, nulls, distinct (exact up to
 *                  PROFILE_EXACT values, then a HyperLogLog estimate, said
 *                  by distinct_exact), min and max in PostgreSQL's order
 *                  for the type, mean_length of text, sum of numbers
 *                  (exact, as text);
 *   value_changes  per changed column, from one pass over the change set:
 *                  the most frequent old -> new transitions with counts,
 *                  NULL <-> value counts, the values whose count changed
 *                  (with appeared / disappeared), for numbers the sums and
 *                  a histogram before and after and the largest change;
 *   sample         rows that show the change: edge cases (each distinct
 *                  transition once, NULL <-> value, the largest numeric
 *                  change, the longest text) then seeded random rows, at
 *                  most `samples` per operation; each row says why it was
 *                  chosen; json/jsonb values carry a key-level diff,
 *                  PostgreSQL arrays an element-level one;
 *   replaced       a delete and an insert that share the natural key the
 *                  plan names for the table (natural_key: a JSON array of
 *                  column names, or NULL), else that hold the same values
 *                  apart from the primary key, paired: count and a sample.
 *
 * Memory stays bounded whatever the table size: value maps stop at a fixed
 * number of entries, samples keep change-set positions only.
 * Returns 0, or -1 on a read error (reported).
 */
#ifndef DD_REPORT_PROFILE_H
#define DD_REPORT_PROFILE_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stddef.h>

#define PROFILE_EXACT 1000      /* distinct values counted exactly */

int report_profile_table(sqlite3 *db, const char *source, const char *table,
			 cJSON *t, int samples, unsigned long long seed, const cJSON *natural_key);

/*
 * The key-level difference of two JSON texts: an array of {"path", "op"
 * (added, removed, changed), "old", "new"} with paths like $.a.b[2]; at
 * most max entries.  NULL when either text is not JSON.
 */
cJSON *report_json_diff(const char *old_text, const char *new_text, int max);

/*
 * The element-level difference of two PostgreSQL array literals, as
 * report_json_diff() for JSON arrays: {"path" (PostgreSQL subscripts from
 * the lower bound: [2], [1][3]), "op" (added, removed; changed at the same
 * subscript only in arrays too long to compare by subsequence), "old",
 * "new" (an element as array_out writes it: "a b" quoted, NULL)}.  NULL
 * when either text is not an array.
 */
cJSON *report_array_diff(const char *old_text, const char *new_text, int max);

/* Two numeric_out texts in PostgreSQL's numeric order (-1, 0, 1):
   by value, -Infinity < numbers < Infinity < NaN. */
int report_numeric_cmp(const char *a, size_t la, const char *b, size_t lb);

#endif
