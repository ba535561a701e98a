/*
 * numval: PostgreSQL's numeric type, exact, as a mantissa and a display
 * scale (value = mantissa * 10^-dscale), plus NaN and +-Infinity.
 *
 * Values whose mantissa fits in a signed 128-bit integer stay there (no
 * allocation, the common case: money, scores, quantities); larger ones move
 * to a GMP integer and come back when they shrink.  Every operation follows
 * numeric.c of PostgreSQL 15 for its result's scale and rounding, so the
 * text num_format() produces is the text PostgreSQL would print.
 *
 *   struct numval a = NUMVAL_INIT;
 *   num_parse(text, len, &a);     // numeric_in: 0, or NUM_E* (message: num_errmsg)
 *   num_add(&r, &a, &b);          // r = a + b, scale max(a, b)
 *   num_format(&r, &sb);          // numeric_out
 *   num_clear(&a);                // frees the GMP part, if any
 *
 * Functions returning int return 0 or a NUM_E* code; the caller turns it
 * into PostgreSQL's message with num_errmsg().  A result may alias an
 * operand.
 */
#ifndef DD_NUMVAL_H
#define DD_NUMVAL_H

#include <gmp.h>
#include <stddef.h>
#include "util.h"

enum numkind { NUM_FINITE, NUM_NAN, NUM_PINF, NUM_NINF };

/* Error codes; num_errmsg() gives PostgreSQL's primary message. */
enum numerr {
	NUM_OK = 0,
	NUM_ESYNTAX = 1,     /* invalid input syntax for type numeric */
	NUM_EOVERFLOW,       /* value overflows numeric format */
	NUM_EDIVZERO,        /* division by zero */
	NUM_EFIELD,          /* numeric field overflow (typmod) */
};

/* PostgreSQL's limits (numeric.h) */
#define NUM_MAX_DSCALE 16383        /* NUMERIC_DSCALE_MAX */
#define NUM_MAX_INT_DIGITS 131072   /* (NUMERIC_WEIGHT_MAX + 1) * DEC_DIGITS */
#define NUM_MAX_DISPLAY_SCALE 1000  /* NUMERIC_MAX_DISPLAY_SCALE */
#define NUM_MIN_SIG_DIGITS 16       /* NUMERIC_MIN_SIG_DIGITS */

struct numval {
	unsigned char kind;  /* enum numkind */
	unsigned char big;   /* 1: mantissa in z (initialised), else in v */
	int dscale;          /* digits after the decimal point, >= 0 */
	__int128 v;          /* mantissa when !big */
	mpz_t z;             /* mantissa when big */
};

#define NUMVAL_INIT { NUM_FINITE, 0, 0, 0, {{0, 0, NULL}} }

void num_clear(struct numval *n);
void num_set_int(struct numval *n, __int128 v, int dscale);
void num_set_kind(struct numval *n, enum numkind k);
void num_copy(struct numval *dst, const struct numval *src);
/* The mantissa into z (initialised by the caller); and back, with a scale. */
void num_get_mpz(const struct numval *n, mpz_t z);
int num_set_mpz(struct numval *n, const mpz_t z, int dscale);
const char *num_errmsg(int err);

/* numeric_in (whitespace, sign, exponent, NaN, [+-]Infinity/inf). */
int num_parse(const char *s, size_t len, struct numval *out);
/* numeric_out into out (appended). */
void num_format(const struct numval *n, struct strbuf *out);
/* Fast formatting into a caller buffer of at least 48 bytes: returns the
 * length, or -1 when the value needs num_format (too large). */
int num_format_small(const struct numval *n, char *buf);

int num_sign(const struct numval *n);   /* -1, 0, 1 (NaN: 0; +-Inf: +-1) */
int num_is_zero(const struct numval *n);
/* Total order of PostgreSQL's numeric btree: -Inf < finite < +Inf < NaN. */
int num_cmp(const struct numval *a, const struct numval *b);

int num_add(struct numval *r, const struct numval *a, const struct numval *b);
int num_sub(struct numval *r, const struct numval *a, const struct numval *b);
int num_mul(struct numval *r, const struct numval *a, const struct numval *b);
int num_div(struct numval *r, const struct numval *a, const struct numval *b);
/* Division to a given scale, rounding (half away from zero) or truncating. */
int num_div_scale(struct numval *r, const struct numval *a,
		  const struct numval *b, int rscale, int round);
int num_mod(struct numval *r, const struct numval *a, const struct numval *b);
int num_div_trunc(struct numval *r, const struct numval *a, const struct numval *b);
void num_neg(struct numval *r, const struct numval *a);
void num_abs(struct numval *r, const struct numval *a);

/* round(x, s) / trunc(x, s): s may be negative; result scale max(s, 0);
 * s is clamped to [-NUM_MAX_INT_DIGITS, NUM_MAX_DSCALE] as PostgreSQL 15 does. */
void num_round(struct numval *r, const struct numval *a, int s);
void num_trunc(struct numval *r, const struct numval *a, int s);
void num_ceil(struct numval *r, const struct numval *a);
void num_floor(struct numval *r, const struct numval *a);
/* Smallest scale that represents a exactly (min_scale). */
int num_min_scale(const struct numval *a);
/* Coercion to numeric(precision, scale): NUM_EFIELD when it does not fit. */
int num_apply_typmod(struct numval *n, int precision, int scale);
/* The scale PostgreSQL gives a / b (select_div_scale). */
int num_select_div_scale(const struct numval *a, const struct numval *b);
/* Square root (numeric_sqrt's scale, correctly rounded). -1: negative. */
int num_sqrt(struct numval *r, const struct numval *a);
/* Square root of a finite a >= 0 correctly rounded at scale rscale (sqrt_var). */
int num_sqrt_scale(struct numval *r, const struct numval *a, int rscale);

/* Rounds to an integer (half away from zero); 0, or -1 when out of int64. */
int num_to_int64(const struct numval *n, long long *out);

#endif
