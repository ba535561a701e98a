/*
 * fn_uuidgen: the uuid-making functions steps call, for the compiler:
 * gen_random_uuid(), uuid_generate_v4() (seeded streams: a rerun draws the
 * same uuids, docs/design.md), uuid_generate_v5(namespace, name) and the
 * uuid-ossp namespaces uuid_ns_dns(), uuid_ns_url(), uuid_ns_oid(),
 * uuid_ns_x500().  The generators themselves are the run's functions
 * (src/run/sqlfn.c registers gen_random_uuid, uuid_generate_v4 and
 * uuid_generate_v5 on every run connection); this module registers the
 * namespaces and declares the signatures.
 */
#ifndef DD_FN_UUIDGEN_H
#define DD_FN_UUIDGEN_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_uuidgen_module;

#endif
