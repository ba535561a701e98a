/*
 * changeset: the net difference between the pristine snapshot and the
 * working state of the target's tables, computed by a keyed diff in SQL
 * (so whatever a step ran is captured), stored in dd_change* tables
 * (schema/stage.sql) and identified by a SHA-256 over a canonical
 * encoding (docs/design.md, "Change set hash").
 *
 * A change of primary key is a delete of the old row and an insert of the
 * new one.  Values are compared in their PostgreSQL text form, so a step
 * writing 1 into a boolean that held 't' changes nothing.
 */
#ifndef DD_CHANGESET_H
#define DD_CHANGESET_H

#include "book.h"
#include "schemachange.h"
#include "stage.h"

/* struct changeset_summary and changeset_load_summary() are book.h's. */

/*
 * Recomputes the change set of the latest run and stores it, replacing
 * any earlier one, in one transaction.  pristine is the snapshot catalog,
 * working the catalog after the run's schema changes; sc/nsc the changes
 * (hashed in order).
 */
int changeset_compute(sqlite3 *db, const struct catalog *pristine,
		      const struct catalog *working,
		      const struct schema_change *sc, int nsc, long long run,
		      struct changeset_summary *out);



#endif
