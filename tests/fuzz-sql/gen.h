/*
 * gen: random well-typed PostgreSQL expressions over the fuzz table's
 * columns, for the differential expression fuzzer (fuzz_sql.c).
 *
 * gen_expr() appends to out an expression of type ty built from at most
 * depth levels of operators and functions, using columns of table fz:
 *   i int4, b int8, n numeric, m numeric(8,2), t text, v varchar(12),
 *   d date, ts timestamptz, j jsonb, bo boolean, f float8.
 * Every expression is one PostgreSQL accepts at parse and type-check time
 * (it may still fail at run time: overflow, division by zero, bad input),
 * so both sides must agree on values and on errors.
 */
#ifndef DD_FUZZSQL_GEN_H
#define DD_FUZZSQL_GEN_H

#include <stdint.h>
#include "util.h"

enum gty { G_I4, G_I8, G_NUM, G_TXT, G_BOOL, G_DATE, G_TSTZ, G_JSONB, G_F8, G_NTYPES };

struct gen {
	uint64_t state; /* xorshift64* */
};

void gen_seed(struct gen *g, uint64_t seed);
unsigned gen_below(struct gen *g, unsigned n);
void gen_expr(struct gen *g, struct strbuf *out, enum gty ty, int depth);

#endif
