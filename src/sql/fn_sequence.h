/*
 * fn_sequence: PostgreSQL's sequence functions over the staging file,
 * so an INSERT that omits a serial or identity column (the compiler turns
 * the column's default into pg_nextval) gets exactly the value PostgreSQL
 * would give.
 *
 * State: dd_sequence holds each sequence a target column takes values from
 * as it was at snapshot (pg.c, fixture.c); dd_sequence_state holds it as
 * the current run left it.  seq_state_reset() copies the first into the
 * second when a run starts; nextval/setval update the second inside the
 * step's transaction, so a failed step rolls its draws back (PostgreSQL
 * would not, but a failed step is never pushed) and a resumed run goes on
 * from the last committed step.
 *
 * SQL functions (registered by pgfn_sequence_module):
 *   pg_nextval(name)             nextval(regclass): int8
 *   pg_currval(name)             currval(regclass): int8, per connection
 *   pg_setval(name, v [, called]) setval(regclass, int8 [, bool]): int8
 * name is regclass text input: 'seq', 'schema.seq', '"Quoted"'; unqualified
 * names are looked up in the target's schema, then in any schema.
 * Errors carry PostgreSQL's messages (relation "x" does not exist,
 * nextval: reached maximum value of sequence "x" (N), ...).
 */
#ifndef DD_FN_SEQUENCE_H
#define DD_FN_SEQUENCE_H

#include <sqlite3.h>
#include "pgfn.h"

extern const struct pgfn_module pgfn_sequence_module;

/* Rebuilds dd_sequence_state from dd_sequence (a run starts).  0 or -1. */
int seq_state_reset(sqlite3 *db);

#endif
