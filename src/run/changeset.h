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

/*
 * Tracking, so that the change set compares only the rows the steps
 * wrote (the result is the same; the full comparison is the reference).
 * changeset_track_start() installs a preupdate hook on db that records
 * the key of every row written in a target table of cat (the catalog as
 * the file is when the steps start: after the "before" schema changes);
 * the engine's authorizer passes every action to
 * changeset_track_authorize(), which makes a table compare in full on DDL
 * against it, and every table on ATTACH or writable_schema.
 * changeset_track_stop() removes the hook.  changeset_compute_tracked()
 * with track NULL, or DRYDOCK_CHANGESET_FULL set non-empty in the
 * environment (a testing aid), compares every row.  Tracking lives in one
 * process: a resumed run or a recomputation compares in full.
 */
struct changeset_track;
struct changeset_track *changeset_track_start(sqlite3 *db, const struct catalog *cat);
void changeset_track_authorize(struct changeset_track *tr, int action, const char *a1,
			       const char *a2, const char *zdb);
void changeset_track_stop(struct changeset_track *tr);
void changeset_track_free(struct changeset_track *tr);
int changeset_compute_tracked(sqlite3 *db, const struct catalog *pristine,
			      const struct catalog *working,
			      const struct schema_change *sc, int nsc, long long run,
			      const struct changeset_track *track,
			      struct changeset_summary *out);

#endif
