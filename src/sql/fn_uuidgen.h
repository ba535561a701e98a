/*
 * fn_uuidgen: the uuid-making functions steps call, for the compiler:
 * gen_random_uuid(), uuid_generate_v4() (seeded streams: a rerun draws the
 * same uuids, docs/design.md), uuid_generate_v5(namespace, name) and the
 * uuid-ossp namespaces uuid_ns_dns(), uuid_ns_url(), uuid_ns_oid(),
 * uuid_ns_x500().  The generators draw from the run's seeded streams, which
 * belong to the run engine (src/run/sqlfn.c): it hands its implementations
 * over with uuidgen_install(); until then the functions fail saying so.
 */
#ifndef DD_FN_UUIDGEN_H
#define DD_FN_UUIDGEN_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_uuidgen_module;

typedef void (*uuidgen_fn)(sqlite3_context *, int, sqlite3_value **);
/* The run's v4 (no arguments) and v5 (namespace, name) implementations. */
void uuidgen_install(uuidgen_fn v4, uuidgen_fn v5);

#endif
