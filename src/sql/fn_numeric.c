#include "fn_numeric.h"
#include "fn_numeric_fmt.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ shared helpers */

void fn_result_numerr(sqlite3_context *ctx, int err)
{
	sqlite3_result_error(ctx, num_errmsg(err), -1);
}

int fn_arg_num(sqlite3_context *ctx, sqlite3_value *v, struct numval *n)
{
	int err;
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		num_set_int(n, sqlite3_value_int64(v), 0);
		return 0;
	case SQLITE_FLOAT: {
		/* not numeric's storage; read it as float8 -> numeric would */
		char buf[64];
		double d = sqlite3_value_double(v);
		if (isnan(d) || isinf(d)) {
			num_set_kind(n, isnan(d) ? NUM_NAN : d > 0 ? NUM_PINF : NUM_NINF);
			return 0;
		}
		snprintf(buf, sizeof(buf), "%.*g", DBL_DIG, d);
		err = num_parse(buf, strlen(buf), n);
		break;
	}
	default: {
		const char *s = (const char *)sqlite3_value_text(v);
		int len = sqlite3_value_bytes(v);
		if (!s)
			s = "";
		err = num_parse(s, (size_t)len, n);
		if (err == NUM_ESYNTAX) {
			pgfn_error(ctx, "invalid input syntax for type numeric: \"%.*s\"", len, s);
			return -1;
		}
	}
	}
	if (err) {
		fn_result_numerr(ctx, err);
		return -1;
	}
	return 0;
}

void fn_result_num(sqlite3_context *ctx, const struct numval *n)
{
	char buf[48];
	int len = num_format_small(n, buf);
	if (len >= 0) {
		sqlite3_result_text(ctx, buf, len, SQLITE_TRANSIENT);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	size_t l;
	char *s;
	num_format(n, &sb);
	s = sb_detach(&sb, &l);
	sqlite3_result_text64(ctx, s, l, free, SQLITE_UTF8);
}

int fn_arg_int(sqlite3_context *ctx, sqlite3_value *v, long long *i)
{
	if (sqlite3_value_type(v) == SQLITE_INTEGER) {
		*i = sqlite3_value_int64(v);
		return 0;
	}
	/* an integer in text form (a literal the compiler left as text) */
	const char *s = (const char *)sqlite3_value_text(v);
	char *end;
	if (s) {
		long long x = strtoll(s, &end, 10);
		if (end != s && *end == 0) {
			*i = x;
			return 0;
		}
	}
	pgfn_error(ctx, "invalid input syntax for type bigint: \"%s\"", s ? s : "");
	return -1;
}

/* ------------------------------------------------------------ numeric functions */

/* Binary numeric operators; user data picks the operation. */
enum { NOP_ADD, NOP_SUB, NOP_MUL, NOP_DIV, NOP_MOD, NOP_DIVTRUNC };

static void fn_numeric_binop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT, b = NUMVAL_INIT, r = NUMVAL_INIT;
	int op = (int)(intptr_t)sqlite3_user_data(ctx), err = 0;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a) || fn_arg_num(ctx, argv[1], &b))
		goto cleanup;
	switch (op) {
	case NOP_ADD: err = num_add(&r, &a, &b); break;
	case NOP_SUB: err = num_sub(&r, &a, &b); break;
	case NOP_MUL: err = num_mul(&r, &a, &b); break;
	case NOP_DIV: err = num_div(&r, &a, &b); break;
	case NOP_MOD: err = num_mod(&r, &a, &b); break;
	case NOP_DIVTRUNC: err = num_div_trunc(&r, &a, &b); break;
	}
	if (err)
		fn_result_numerr(ctx, err);
	else
		fn_result_num(ctx, &r);
cleanup:
	num_clear(&a);
	num_clear(&b);
	num_clear(&r);
}

enum { NU_NEG, NU_PLUS, NU_ABS, NU_SIGN, NU_CEIL, NU_FLOOR, NU_TRIM, NU_SQRT };

static void fn_numeric_unop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT, r = NUMVAL_INIT;
	int op = (int)(intptr_t)sqlite3_user_data(ctx);
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	switch (op) {
	case NU_NEG: num_neg(&r, &a); break;
	case NU_PLUS: num_copy(&r, &a); break;
	case NU_ABS: num_abs(&r, &a); break;
	case NU_SIGN:
		if (a.kind == NUM_NAN)
			num_set_kind(&r, NUM_NAN);
		else
			num_set_int(&r, num_sign(&a), 0);
		break;
	case NU_CEIL: num_ceil(&r, &a); break;
	case NU_FLOOR: num_floor(&r, &a); break;
	case NU_TRIM: num_round(&r, &a, num_min_scale(&a)); break;
	case NU_SQRT:
		if (num_sqrt(&r, &a)) {
			sqlite3_result_error(ctx, "cannot take square root of a negative number", -1);
			goto cleanup;
		}
		break;
	}
	fn_result_num(ctx, &r);
cleanup:
	num_clear(&a);
	num_clear(&r);
}

/* round(x [, s]) and trunc(x [, s]); user data 1 for trunc. */
static void fn_numeric_round(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT, r = NUMVAL_INIT;
	long long s = 0;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	if (argc > 1 && fn_arg_int(ctx, argv[1], &s))
		goto cleanup;
	if (s > NUM_MAX_DSCALE)
		s = NUM_MAX_DSCALE;
	if (s < -NUM_MAX_INT_DIGITS)
		s = -NUM_MAX_INT_DIGITS;
	if (sqlite3_user_data(ctx))
		num_trunc(&r, &a, (int)s);
	else
		num_round(&r, &a, (int)s);
	fn_result_num(ctx, &r);
cleanup:
	num_clear(&a);
	num_clear(&r);
}

/* scale() and min_scale(): integers, NULL for NaN and infinities. */
static void fn_numeric_scale(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	if (a.kind != NUM_FINITE)
		goto cleanup;
	sqlite3_result_int(ctx, sqlite3_user_data(ctx) ? num_min_scale(&a) : a.dscale);
cleanup:
	num_clear(&a);
}

/* gcd / lcm over numeric: at the larger scale, non-negative. */
static void fn_numeric_gcd(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT, b = NUMVAL_INIT, r = NUMVAL_INIT;
	int lcm = sqlite3_user_data(ctx) != NULL;
	mpz_t x, y, t;
	if (pgfn_any_null(argc, argv))
		return;
	mpz_inits(x, y, t, NULL);
	if (fn_arg_num(ctx, argv[0], &a) || fn_arg_num(ctx, argv[1], &b))
		goto cleanup;
	if (a.kind != NUM_FINITE || b.kind != NUM_FINITE) {
		num_set_kind(&r, NUM_NAN);
		fn_result_num(ctx, &r);
		goto cleanup;
	}
	{
		/* both mantissas at the larger scale */
		int d = a.dscale > b.dscale ? a.dscale : b.dscale;
		struct numval *v[2] = { &a, &b };
		mpz_ptr m[2] = { x, y };
		for (int i = 0; i < 2; i++) {
			num_get_mpz(v[i], m[i]);
			mpz_ui_pow_ui(t, 10, (unsigned long)(d - v[i]->dscale));
			mpz_mul(m[i], m[i], t);
		}
		if (!lcm)
			mpz_gcd(t, x, y);
		else if (mpz_sgn(x) == 0 || mpz_sgn(y) == 0)
			mpz_set_ui(t, 0);
		else
			mpz_lcm(t, x, y);
		int err = num_set_mpz(&r, t, d);
		if (err)
			fn_result_numerr(ctx, err);
		else
			fn_result_num(ctx, &r);
	}
cleanup:
	mpz_clears(x, y, t, NULL);
	num_clear(&a);
	num_clear(&b);
	num_clear(&r);
}

/*
 * numeric_in (text -> numeric) and the typmod coercion numeric -> numeric:
 * (v [, precision, scale]); precision < 0 means no typmod.
 */
static void fn_numeric_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT;
	long long p = -1, s = 0;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	if (argc >= 3 && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		if (fn_arg_int(ctx, argv[1], &p) || fn_arg_int(ctx, argv[2], &s))
			goto cleanup;
	}
	if (p >= 0 && num_apply_typmod(&a, (int)p, (int)s)) {
		sqlite3_result_error(ctx, "numeric field overflow", -1);
		goto cleanup;
	}
	fn_result_num(ctx, &a);
cleanup:
	num_clear(&a);
}

/* numeric -> int2/int4/int8; user data: 2, 4 or 8. */
static void fn_numeric_to_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT;
	int w = (int)(intptr_t)sqlite3_user_data(ctx);
	const char *tn = w == 2 ? "smallint" : w == 4 ? "integer" : "bigint";
	long long x;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	if (a.kind == NUM_NAN) {
		pgfn_error(ctx, "cannot convert NaN to %s", tn);
	} else if (a.kind != NUM_FINITE) {
		pgfn_error(ctx, "cannot convert infinity to %s", tn);
	} else if (num_to_int64(&a, &x) || (w == 4 && (x < INT32_MIN || x > INT32_MAX))
		   || (w == 2 && (x < INT16_MIN || x > INT16_MAX))) {
		pgfn_error(ctx, "%s out of range", tn);
	} else {
		sqlite3_result_int64(ctx, x);
	}
cleanup:
	num_clear(&a);
}

/* int -> numeric */
static void fn_int_to_numeric(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long x;
	char buf[32];
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &x))
		return;
	int n = snprintf(buf, sizeof(buf), "%lld", x);
	sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
}

/* numeric -> float8/float4 goes through numeric's text, as PostgreSQL does. */
static void fn_numeric_to_float(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT;
	struct strbuf sb = STRBUF_INIT;
	int w = (int)(intptr_t)sqlite3_user_data(ctx);
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_num(ctx, argv[0], &a))
		goto cleanup;
	num_format(&a, &sb);
	if (w == 8) {
		double d;
		int err = pgfloat8_in(sb.buf, sb.len, &d);
		if (err)
			pgfn_error(ctx, "\"%s\" is out of range for type double precision", sb.buf);
		else
			fn_result_float8(ctx, d);
	} else {
		float f;
		int err = pgfloat4_in(sb.buf, sb.len, &f);
		if (err)
			pgfn_error(ctx, "\"%s\" is out of range for type real", sb.buf);
		else
			fn_result_float4(ctx, f);
	}
cleanup:
	num_clear(&a);
	sb_release(&sb);
}

/* float8/float4 -> numeric: DBL_DIG / FLT_DIG significant digits (%g). */
static void fn_float_to_numeric(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct numval a = NUMVAL_INIT;
	int w = (int)(intptr_t)sqlite3_user_data(ctx);
	double d;
	char buf[64];
	if (pgfn_any_null(argc, argv))
		return;
	if (w == 8) {
		if (fn_arg_float8(ctx, argv[0], &d))
			return;
	} else {
		float f;
		if (fn_arg_float4(ctx, argv[0], &f))
			return;
		d = f;
	}
	if (isnan(d))
		num_set_kind(&a, NUM_NAN);
	else if (isinf(d))
		num_set_kind(&a, d > 0 ? NUM_PINF : NUM_NINF);
	else {
		snprintf(buf, sizeof(buf), "%.*g", w == 8 ? DBL_DIG : FLT_DIG, d);
		num_parse(buf, strlen(buf), &a);
	}
	fn_result_num(ctx, &a);
	num_clear(&a);
}

/* factorial(int8): numeric, exact */
static void fn_numeric_fac(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long n;
	mpz_t z;
	struct numval r = NUMVAL_INIT;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &n))
		return;
	if (n < 0) {
		sqlite3_result_error(ctx, "factorial of a negative number is undefined", -1);
		return;
	}
	/* 32177! is the largest that fits numeric's 131072 integer digits */
	if (n > 32177) {
		sqlite3_result_error(ctx, "value overflows numeric format", -1);
		return;
	}
	mpz_init(z);
	mpz_fac_ui(z, (unsigned long)n);
	int err = num_set_mpz(&r, z, 0);
	if (err)
		fn_result_numerr(ctx, err);
	else
		fn_result_num(ctx, &r);
	mpz_clear(z);
	num_clear(&r);
}

/* Backstop for PGFN_REFUSED signatures, should a call get compiled. */
static void fn_numeric_refused(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_error(ctx, "drydock cannot compute this numeric function exactly as "
			     "PostgreSQL does (ln, exp, log, power on numeric)", -1);
}

/* ------------------------------------------------------------ the order */

/*
 * Collation pg_numeric: numeric order over numeric text (1.0 = 1.00,
 * -Infinity < numbers < Infinity < NaN).  Text that is not numeric sorts
 * after all numerics, by bytes, so the order stays total.
 */
static int coll_numeric(void *arg, int la, const void *a, int lb, const void *b)
{
	struct numval x = NUMVAL_INIT, y = NUMVAL_INIT;
	int ex, ey, c;
	(void)arg;
	ex = num_parse(a, (size_t)la, &x);
	ey = num_parse(b, (size_t)lb, &y);
	if (ex || ey) {
		if (ex && ey) {
			c = memcmp(a, b, (size_t)(la < lb ? la : lb));
			c = c ? c : (la > lb) - (la < lb);
		} else {
			c = ex ? 1 : -1;
		}
	} else {
		c = num_cmp(&x, &y);
	}
	num_clear(&x);
	num_clear(&y);
	return c;
}

/* ------------------------------------------------------------ the table */

#define I2 PGK_INT2
#define I4 PGK_INT4
#define I8 PGK_INT8
#define F4 PGK_FLOAT4
#define F8 PGK_FLOAT8
#define NU PGK_NUMERIC
#define BO PGK_BOOL
#define TX PGK_TEXT

#define OP2(op, a, b, r, fn) { op, PGFN_OP, 2, { a, b }, r, fn, 0 }
#define OP1(op, a, r, fn) { op, PGFN_OP, 1, { a }, r, fn, 0 }
#define FN0(name, r, fn, fl) { name, PGFN_FUNC, 0, { 0 }, r, fn, fl }
#define FN1(name, a, r, fn) { name, PGFN_FUNC, 1, { a }, r, fn, 0 }
#define FN2(name, a, b, r, fn) { name, PGFN_FUNC, 2, { a, b }, r, fn, 0 }
#define CAST(a, r, fn, fl) { NULL, PGFN_CAST, 1, { a }, r, fn, fl }
#define AGG(name, a, r, fn) { name, PGFN_AGG, 1, { a }, r, fn, 0 }

#define REFUSED1(name, a) { name, PGFN_FUNC, 1, { a }, NU, "pg_numeric_refused", PGFN_REFUSED }

#define CI PGFN_IMPLICIT
#define CA PGFN_ASSIGNMENT

/* the same binary operator over each pair of integer widths PostgreSQL has */
#define INT_ARITH(op, nm) \
	OP2(op, I2, I2, I2, "pg_int2" nm), OP2(op, I4, I4, I4, "pg_int4" nm), \
	OP2(op, I8, I8, I8, "pg_int8" nm), OP2(op, I2, I4, I4, "pg_int4" nm), \
	OP2(op, I4, I2, I4, "pg_int4" nm), OP2(op, I2, I8, I8, "pg_int8" nm), \
	OP2(op, I8, I2, I8, "pg_int8" nm), OP2(op, I4, I8, I8, "pg_int8" nm), \
	OP2(op, I8, I4, I8, "pg_int8" nm)
#define INT_SAME(op, nm) \
	OP2(op, I2, I2, I2, "pg_int2" nm), OP2(op, I4, I4, I4, "pg_int4" nm), \
	OP2(op, I8, I8, I8, "pg_int8" nm)
#define INT_UN(op, nm) \
	OP1(op, I2, I2, "pg_int2" nm), OP1(op, I4, I4, "pg_int4" nm), OP1(op, I8, I8, "pg_int8" nm)
#define FLOAT_ARITH(op, nm) \
	OP2(op, F4, F4, F4, "pg_float4" nm), OP2(op, F8, F8, F8, "pg_float8" nm), \
	OP2(op, F4, F8, F8, "pg_float48" nm), OP2(op, F8, F4, F8, "pg_float84" nm)

#define NUM_VAR(t) \
	AGG("variance", t, NU, "pg_var_samp_numeric"), AGG("var_samp", t, NU, "pg_var_samp_numeric"), \
	AGG("var_pop", t, NU, "pg_var_pop_numeric"), AGG("stddev", t, NU, "pg_stddev_samp_numeric"), \
	AGG("stddev_samp", t, NU, "pg_stddev_samp_numeric"), \
	AGG("stddev_pop", t, NU, "pg_stddev_pop_numeric")

static const struct pgfn_column cols_series_i4[] = { { "generate_series", PGK_INT4 } };
static const struct pgfn_column cols_series_i8[] = { { "generate_series", PGK_INT8 } };
static const struct pgfn_column cols_series_nu[] = { { "generate_series", PGK_NUMERIC } };
#define SERIES(n, t, fn, cols) \
	{ "generate_series", PGFN_SRF, n, { t, t, t }, t, fn, 0, cols, 1 }

static const struct pgfn_sig numeric_sigs[] = {
	/* integers */
	INT_ARITH("+", "pl"), INT_ARITH("-", "mi"), INT_ARITH("*", "mul"),
	INT_ARITH("/", "div"), INT_SAME("%", "mod"),
	INT_SAME("&", "and"), INT_SAME("|", "or"), INT_SAME("#", "xor"),
	OP2("<<", I2, I4, I2, "pg_int2shl"), OP2("<<", I4, I4, I4, "pg_int4shl"),
	OP2("<<", I8, I4, I8, "pg_int8shl"),
	OP2(">>", I2, I4, I2, "pg_int2shr"), OP2(">>", I4, I4, I4, "pg_int4shr"),
	OP2(">>", I8, I4, I8, "pg_int8shr"),
	INT_UN("-", "um"), INT_UN("+", "up"), INT_UN("~", "not"), INT_UN("@", "abs"),
	FN1("abs", I2, I2, "pg_int2abs"), FN1("abs", I4, I4, "pg_int4abs"),
	FN1("abs", I8, I8, "pg_int8abs"),
	FN2("mod", I2, I2, I2, "pg_int2mod"), FN2("mod", I4, I4, I4, "pg_int4mod"),
	FN2("mod", I8, I8, I8, "pg_int8mod"),
	FN2("gcd", I4, I4, I4, "pg_int4gcd"), FN2("gcd", I8, I8, I8, "pg_int8gcd"),
	FN2("lcm", I4, I4, I4, "pg_int4lcm"), FN2("lcm", I8, I8, I8, "pg_int8lcm"),
	CAST(TX, I2, "pg_int2in", 0), CAST(TX, I4, "pg_int4in", 0),
	CAST(TX, I8, "pg_int8in", 0),
	CAST(I2, TX, "pg_int_text", CA), CAST(I4, TX, "pg_int_text", CA),
	CAST(I8, TX, "pg_int_text", CA),
	CAST(I2, I4, "pg_int4", CI), CAST(I2, I8, "pg_int8", CI), CAST(I4, I8, "pg_int8", CI),
	CAST(I4, I2, "pg_int2", CA), CAST(I8, I2, "pg_int2", CA), CAST(I8, I4, "pg_int4", CA),

	/* bool */
	CAST(TX, BO, "pg_boolin", 0), CAST(BO, TX, "pg_bool_text", CA),
	CAST(I4, BO, "pg_int4_bool", 0), CAST(BO, I4, "pg_bool_int4", 0),
	AGG("bool_and", BO, BO, "pg_bool_and"), AGG("every", BO, BO, "pg_bool_and"),
	AGG("bool_or", BO, BO, "pg_bool_or"),

	/* numeric */
	OP2("+", NU, NU, NU, "pg_numeric_add"), OP2("-", NU, NU, NU, "pg_numeric_sub"),
	OP2("*", NU, NU, NU, "pg_numeric_mul"), OP2("/", NU, NU, NU, "pg_numeric_div"),
	OP2("%", NU, NU, NU, "pg_numeric_mod"),
	OP1("-", NU, NU, "pg_numeric_uminus"), OP1("+", NU, NU, "pg_numeric_uplus"),
	OP1("@", NU, NU, "pg_numeric_abs"),
	FN1("abs", NU, NU, "pg_numeric_abs"), FN1("sign", NU, NU, "pg_numeric_sign"),
	FN1("round", NU, NU, "pg_numeric_round"), FN2("round", NU, I4, NU, "pg_numeric_round"),
	FN1("trunc", NU, NU, "pg_numeric_trunc"), FN2("trunc", NU, I4, NU, "pg_numeric_trunc"),
	FN1("ceil", NU, NU, "pg_numeric_ceil"), FN1("ceiling", NU, NU, "pg_numeric_ceil"),
	FN1("floor", NU, NU, "pg_numeric_floor"),
	FN2("mod", NU, NU, NU, "pg_numeric_mod"), FN2("div", NU, NU, NU, "pg_numeric_div_trunc"),
	FN1("scale", NU, I4, "pg_numeric_scale"), FN1("min_scale", NU, I4, "pg_numeric_min_scale"),
	FN1("trim_scale", NU, NU, "pg_numeric_trim_scale"),
	FN1("sqrt", NU, NU, "pg_numeric_sqrt"),
	FN2("gcd", NU, NU, NU, "pg_numeric_gcd"), FN2("lcm", NU, NU, NU, "pg_numeric_lcm"),
	FN1("factorial", I8, NU, "pg_numeric_fac"),
	/*
	 * PostgreSQL computes these to its own guard digits and roundings
	 * (ln_var, exp_var, power_var): not reproduced digit for digit, so
	 * refused rather than left out, which would let numeric arguments
	 * resolve to the float8 versions and silently lose exactness.
	 */
	REFUSED1("ln", NU), REFUSED1("exp", NU), REFUSED1("log", NU), REFUSED1("log10", NU),
	{ "log", PGFN_FUNC, 2, { NU, NU }, NU, "pg_numeric_refused", PGFN_REFUSED },
	{ "power", PGFN_FUNC, 2, { NU, NU }, NU, "pg_numeric_refused", PGFN_REFUSED },
	{ "pow", PGFN_FUNC, 2, { NU, NU }, NU, "pg_numeric_refused", PGFN_REFUSED },
	{ "^", PGFN_OP, 2, { NU, NU }, NU, "pg_numeric_refused", PGFN_REFUSED },
	CAST(TX, NU, "pg_numeric_in", PGFN_TYPMOD), CAST(NU, TX, "pg_numeric_text", CA),
	CAST(NU, NU, "pg_numeric", PGFN_TYPMOD | CI | CA),
	CAST(I2, NU, "pg_int_numeric", CI), CAST(I4, NU, "pg_int_numeric", CI),
	CAST(I8, NU, "pg_int_numeric", CI),
	CAST(NU, I2, "pg_numeric_int2", CA), CAST(NU, I4, "pg_numeric_int4", CA),
	CAST(NU, I8, "pg_numeric_int8", CA),
	CAST(NU, F4, "pg_numeric_float4", CI), CAST(NU, F8, "pg_numeric_float8", CI),
	CAST(F4, NU, "pg_float4_numeric", CA), CAST(F8, NU, "pg_float8_numeric", CA),

	/* floats */
	FLOAT_ARITH("+", "pl"), FLOAT_ARITH("-", "mi"), FLOAT_ARITH("*", "mul"),
	FLOAT_ARITH("/", "div"),
	OP1("-", F4, F4, "pg_float4um"), OP1("-", F8, F8, "pg_float8um"),
	OP1("+", F4, F4, "pg_float4up"), OP1("+", F8, F8, "pg_float8up"),
	OP1("@", F4, F4, "pg_float4abs"), OP1("@", F8, F8, "pg_float8abs"),
	OP2("^", F8, F8, F8, "pg_dpow"), OP1("|/", F8, F8, "pg_dsqrt"),
	OP1("||/", F8, F8, "pg_dcbrt"),
	FN1("abs", F4, F4, "pg_float4abs"), FN1("abs", F8, F8, "pg_float8abs"),
	FN1("round", F8, F8, "pg_dround"), FN1("trunc", F8, F8, "pg_dtrunc"),
	FN1("ceil", F8, F8, "pg_dceil"), FN1("ceiling", F8, F8, "pg_dceil"),
	FN1("floor", F8, F8, "pg_dfloor"), FN1("sign", F8, F8, "pg_dsign"),
	FN1("sqrt", F8, F8, "pg_dsqrt"), FN1("cbrt", F8, F8, "pg_dcbrt"),
	FN1("exp", F8, F8, "pg_dexp"), FN1("ln", F8, F8, "pg_dlog1"),
	FN1("log", F8, F8, "pg_dlog10"), FN1("log10", F8, F8, "pg_dlog10"),
	FN2("power", F8, F8, F8, "pg_dpow"), FN2("pow", F8, F8, F8, "pg_dpow"),
	FN0("pi", F8, "pg_dpi", 0),
	FN1("degrees", F8, F8, "pg_degrees"), FN1("radians", F8, F8, "pg_radians"),
	CAST(TX, F4, "pg_float4in", 0), CAST(TX, F8, "pg_float8in", 0),
	CAST(F4, TX, "pg_float4_text", CA), CAST(F8, TX, "pg_float8_text", CA),
	CAST(F4, F8, "pg_float4_float8", CI), CAST(F8, F4, "pg_float8_float4", CA),
	CAST(I2, F4, "pg_int_float4", CI), CAST(I4, F4, "pg_int_float4", CI),
	CAST(I8, F4, "pg_int_float4", CI),
	CAST(I2, F8, "pg_int_float8", CI), CAST(I4, F8, "pg_int_float8", CI),
	CAST(I8, F8, "pg_int_float8", CI),
	CAST(F4, I2, "pg_float4_int2", CA), CAST(F4, I4, "pg_float4_int4", CA),
	CAST(F4, I8, "pg_float4_int8", CA),
	CAST(F8, I2, "pg_float8_int2", CA), CAST(F8, I4, "pg_float8_int4", CA),
	CAST(F8, I8, "pg_float8_int8", CA),

	/* set-returning */
	SERIES(2, I4, "pg_generate_series_int", cols_series_i4),
	SERIES(3, I4, "pg_generate_series_int", cols_series_i4),
	SERIES(2, I8, "pg_generate_series_int", cols_series_i8),
	SERIES(3, I8, "pg_generate_series_int", cols_series_i8),
	SERIES(2, NU, "pg_generate_series_numeric", cols_series_nu),
	SERIES(3, NU, "pg_generate_series_numeric", cols_series_nu),

	/* aggregates (min and max go through the orders) */
	AGG("sum", I2, I8, "pg_sum_int"), AGG("sum", I4, I8, "pg_sum_int"),
	AGG("sum", I8, NU, "pg_sum_int8"), AGG("sum", NU, NU, "pg_sum_numeric"),
	AGG("sum", F4, F4, "pg_sum_float4"), AGG("sum", F8, F8, "pg_sum_float8"),
	AGG("avg", I2, NU, "pg_avg_int"), AGG("avg", I4, NU, "pg_avg_int"),
	AGG("avg", I8, NU, "pg_avg_int"), AGG("avg", NU, NU, "pg_avg_numeric"),
	AGG("avg", F4, F8, "pg_avg_float4"), AGG("avg", F8, F8, "pg_avg_float"),
	NUM_VAR(I2), NUM_VAR(I4), NUM_VAR(I8), NUM_VAR(NU),
	AGG("variance", F4, F8, "pg_var_samp_float4"), AGG("variance", F8, F8, "pg_var_samp_float8"),
	AGG("var_samp", F4, F8, "pg_var_samp_float4"), AGG("var_samp", F8, F8, "pg_var_samp_float8"),
	AGG("var_pop", F4, F8, "pg_var_pop_float4"), AGG("var_pop", F8, F8, "pg_var_pop_float8"),
	AGG("stddev", F4, F8, "pg_stddev_samp_float4"), AGG("stddev", F8, F8, "pg_stddev_samp_float8"),
	AGG("stddev_samp", F4, F8, "pg_stddev_samp_float4"),
	AGG("stddev_samp", F8, F8, "pg_stddev_samp_float8"),
	AGG("stddev_pop", F4, F8, "pg_stddev_pop_float4"), AGG("stddev_pop", F8, F8, "pg_stddev_pop_float8"),
	/* number templates (fn_numeric_fmt.c) */
	FN2("to_char", NU, TX, TX, "pg_numeric_to_char"),
	FN2("to_char", I4, TX, TX, "pg_int4_to_char"),
	FN2("to_char", I8, TX, TX, "pg_int8_to_char"),
	FN2("to_char", F4, TX, TX, "pg_float4_to_char"),
	FN2("to_char", F8, TX, TX, "pg_float8_to_char"),
	FN2("to_number", TX, TX, NU, "pg_to_number"),
};

static const struct pgfn_order numeric_orders[] = {
	{ PGK_INT2, NULL },
	{ PGK_INT4, NULL },
	{ PGK_INT8, NULL },
	{ PGK_BOOL, NULL },
	{ PGK_NUMERIC, "pg_numeric" },
	{ PGK_FLOAT4, "pg_float4" },
	{ PGK_FLOAT8, "pg_float8" },
};

struct fn_def {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	intptr_t data;
};

static const struct fn_def numeric_fns[] = {
	{ "pg_numeric_add", 2, fn_numeric_binop, NOP_ADD },
	{ "pg_numeric_sub", 2, fn_numeric_binop, NOP_SUB },
	{ "pg_numeric_mul", 2, fn_numeric_binop, NOP_MUL },
	{ "pg_numeric_div", 2, fn_numeric_binop, NOP_DIV },
	{ "pg_numeric_mod", 2, fn_numeric_binop, NOP_MOD },
	{ "pg_numeric_div_trunc", 2, fn_numeric_binop, NOP_DIVTRUNC },
	{ "pg_numeric_uminus", 1, fn_numeric_unop, NU_NEG },
	{ "pg_numeric_uplus", 1, fn_numeric_unop, NU_PLUS },
	{ "pg_numeric_abs", 1, fn_numeric_unop, NU_ABS },
	{ "pg_numeric_sign", 1, fn_numeric_unop, NU_SIGN },
	{ "pg_numeric_ceil", 1, fn_numeric_unop, NU_CEIL },
	{ "pg_numeric_floor", 1, fn_numeric_unop, NU_FLOOR },
	{ "pg_numeric_trim_scale", 1, fn_numeric_unop, NU_TRIM },
	{ "pg_numeric_sqrt", 1, fn_numeric_unop, NU_SQRT },
	{ "pg_numeric_round", 1, fn_numeric_round, 0 },
	{ "pg_numeric_round", 2, fn_numeric_round, 0 },
	{ "pg_numeric_trunc", 1, fn_numeric_round, 1 },
	{ "pg_numeric_trunc", 2, fn_numeric_round, 1 },
	{ "pg_numeric_scale", 1, fn_numeric_scale, 0 },
	{ "pg_numeric_min_scale", 1, fn_numeric_scale, 1 },
	{ "pg_numeric_gcd", 2, fn_numeric_gcd, 0 },
	{ "pg_numeric_lcm", 2, fn_numeric_gcd, 1 },
	{ "pg_numeric_in", 1, fn_numeric_in, 0 },
	{ "pg_numeric_in", 3, fn_numeric_in, 0 },
	{ "pg_numeric", 1, fn_numeric_in, 0 },
	{ "pg_numeric", 3, fn_numeric_in, 0 },
	{ "pg_numeric_text", 1, fn_numeric_unop, NU_PLUS },
	{ "pg_numeric_int2", 1, fn_numeric_to_int, 2 },
	{ "pg_numeric_int4", 1, fn_numeric_to_int, 4 },
	{ "pg_numeric_int8", 1, fn_numeric_to_int, 8 },
	{ "pg_int_numeric", 1, fn_int_to_numeric, 0 },
	{ "pg_numeric_float4", 1, fn_numeric_to_float, 4 },
	{ "pg_numeric_float8", 1, fn_numeric_to_float, 8 },
	{ "pg_float4_numeric", 1, fn_float_to_numeric, 4 },
	{ "pg_float8_numeric", 1, fn_float_to_numeric, 8 },
	{ "pg_numeric_fac", 1, fn_numeric_fac, 0 },
	{ "pg_numeric_refused", -1, fn_numeric_refused, 0 },
};

static int numeric_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(numeric_fns) / sizeof(numeric_fns[0]); i++) {
		const struct fn_def *f = &numeric_fns[i];
		rc = sqlite3_create_function(db, f->name, f->nargs,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)f->data, f->fn, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_create_collation(db, "pg_numeric", SQLITE_UTF8, NULL, coll_numeric);
	if (rc == SQLITE_OK)
		rc = fn_int_register(db);
	if (rc == SQLITE_OK)
		rc = fn_float_register(db);
	if (rc == SQLITE_OK)
		rc = fn_numagg_register(db);
	if (rc == SQLITE_OK)
		rc = fn_numsrf_register(db);
	if (rc == SQLITE_OK)
		rc = fn_numfmt_register(db);
	return rc;
}

const struct pgfn_module pgfn_numeric_module = {
	"numeric",
	numeric_sigs, (int)(sizeof(numeric_sigs) / sizeof(numeric_sigs[0])),
	numeric_orders, (int)(sizeof(numeric_orders) / sizeof(numeric_orders[0])),
	numeric_register,
};
