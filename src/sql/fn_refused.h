/*
 * fn_refused: PostgreSQL overloads drydock cannot compute exactly yet,
 * declared so the compiler's overload resolution still picks the one
 * PostgreSQL picks (without them, power(2, 0.5) would silently resolve to
 * the double precision power and differ in the last digit).  Calling one
 * fails with a message saying so and how to get a supported overload.
 * Found by the differential test (tests/pgdiff): remove an entry when its
 * module implements it.
 */
#ifndef DD_FN_REFUSED_H
#define DD_FN_REFUSED_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_refused_module;

#endif
