/*
 * fixture: a snapshot kept as text, so a laptop with no database can
 * dry-run and git can diff it.  Format (docs/fixture-format.md):
 *
 *   DIR/fixture.json          manifest: sources, tables, columns with
 *                             PostgreSQL types, constraints, indexes, enums
 *   DIR/SOURCE/TABLE.jsonl    rows, one JSON object per line, keys in
 *                             column order, values in PostgreSQL text form
 *                             (integers within +-2^53 as numbers, booleans
 *                             as true/false, NULL as null)
 */
#ifndef DD_FIXTURE_H
#define DD_FIXTURE_H

#include "stage.h"

#define FIXTURE_FORMAT_VERSION 1

/* Reads DIR/fixture.json into cat (sources with their tables). */
int fixture_read_manifest(const char *dir, struct catalog *cat);

struct table_mask;
/*
 * Loads the rows of table t (whose file came from the manifest) through
 * the prepared insert stmt, validating each value against its column
 * type and masking it when mask (may be NULL) says so.  Sets *nrows.
 */
int fixture_load_rows(const char *dir, const struct catalog *cat,
		      const struct table_meta *t, sqlite3 *db,
		      sqlite3_stmt *stmt, const struct table_mask *mask,
		      const char *secret, long long *nrows);

/*
 * Writes the snapshotted state of a staging file as a fixture into dir
 * (atomically: built beside it, then renamed).  max_rows > 0 keeps the
 * first max_rows rows of each table in key order plus every row they
 * reference through foreign keys, so the subset has no dangling key.
 */
int fixture_export(sqlite3 *db, const struct catalog *cat, const char *dir,
		   long max_rows, int force);

#endif
