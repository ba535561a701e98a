/*
 * sqlfn: what steps see besides the tables — deterministic SQL functions
 * and a fixed clock, so a run of the same plan on the same snapshot gives
 * the same change set bit for bit.
 *
 *   gen_random_uuid(), uuid_generate_v4()  v4 UUIDs from the run's seed
 *   uuid_v5(ns, name), uuid_generate_v5()  name-based UUIDs (libuuid)
 *   now(), transaction_timestamp()         the run's clock, timestamptz text
 *   current_timestamp, date('now'), ...    the same clock (through a VFS
 *                                          whose xCurrentTime is fixed)
 *   random(), randomblob()                 seeded too (the VFS's xRandomness)
 *
 * The stream of random values restarts for every step and batch from
 * sha256(seed, step name, batch number), so a resumed run draws exactly
 * what an uninterrupted one would.
 */
#ifndef DD_SQLFN_H
#define DD_SQLFN_H

#include <sqlite3.h>
#include <stdint.h>

#define DD_VFS_NAME "drydock-run"

/*
 * Registers the run VFS as the default, with the clock at clock_text
 * ("YYYY-MM-DD HH:MM:SS[.ffffff]+00" or ISO with T/Z), and hands the same
 * clock to the SQL runtime (fn_datetime_set_clock).  Returns 0, or -1
 * when the text is not a timestamp.
 */
int sqlfn_setup(const char *seed, const char *clock_text);
/* Registers the SQL functions on a connection. */
int sqlfn_register(sqlite3 *db);
/* Restarts the random streams for a step (and batch, 0 if none). */
void sqlfn_reseed(const char *step, long batch);
/* The clock as PostgreSQL timestamptz text. */
const char *sqlfn_clock_text(void);

#endif
