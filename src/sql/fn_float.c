/*
 * float4/float8 for fn_numeric (see fn_numeric.h).  Values are TEXT in the
 * form PostgreSQL prints with extra_float_digits = 1: the shortest decimal
 * that reads back as the same binary value, fixed notation for decimal
 * exponents -4 .. 14 (float4: -4 .. 5), else d.ddde+XX.
 */
#define _GNU_SOURCE
#include "fn_numeric.h"

#include <gmp.h>

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ input */

static int is_space(int c)
{
	return isspace((unsigned char)c);
}

/* The special spellings PostgreSQL checks itself when strtod gives up. */
static int float_special(const char *p, double *val, const char **end)
{
	static const struct { const char *w; double v; } sp[] = {
		{ "NaN", NAN }, { "Infinity", INFINITY }, { "+Infinity", INFINITY },
		{ "-Infinity", -INFINITY }, { "inf", INFINITY }, { "+inf", INFINITY },
		{ "-inf", -INFINITY },
	};
	for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		size_t l = strlen(sp[i].w);
		if (strncasecmp(p, sp[i].w, l) == 0) {
			*val = sp[i].v;
			*end = p + l;
			return 1;
		}
	}
	return 0;
}

/*
 * float8in / float4in.  s must be NUL-terminated at len (SQLite text is).
 * *stop (optional) gets where parsing stopped, for the range message.
 */
static int float_in(const char *s, int single, double *out, const char **stop)
{
	const char *p = s, *end;
	double v;
	while (*p && is_space(*p))
		p++;
	if (!*p)
		return FLT_ESYNTAX;
	errno = 0;
	if (single)
		v = strtof(p, (char **)&end);
	else
		v = strtod(p, (char **)&end);
	if (end == p || errno != 0) {
		int save = errno;
		if (float_special(p, &v, &end)) {
			/* accepted */
		} else if (save == ERANGE) {
			if (stop)
				*stop = end;
			if (v == 0.0 || isinf(v))
				return FLT_ERANGE;
		} else {
			return FLT_ESYNTAX;
		}
	}
	while (*end && is_space(*end))
		end++;
	if (*end)
		return FLT_ESYNTAX;
	*out = v;
	return 0;
}

int pgfloat8_in(const char *s, size_t len, double *out)
{
	(void)len;
	return float_in(s, 0, out, NULL);
}

int pgfloat4_in(const char *s, size_t len, float *out)
{
	double d;
	int err;
	(void)len;
	err = float_in(s, 1, &d, NULL);
	if (!err)
		*out = (float)d;
	return err;
}

/* ------------------------------------------------------------ output */

/* Is the "%e" text exactly (a + b) / 2?  Exact, in rationals. */
static int is_exact_midpoint(const char *txt, double a, double b)
{
	mpq_t x, m, t;
	mpz_t p;
	char digs[48];
	size_t n = 0;
	const char *q = txt;
	int neg = 0, eq;
	if (*q == '-') {
		neg = 1;
		q++;
	}
	for (; *q && *q != 'e'; q++)
		if (*q != '.' && n < sizeof(digs) - 1)
			digs[n++] = *q;
	digs[n] = 0;
	/* value = digits * 10^(exp - (n - 1)) */
	long e = (*q == 'e' ? atol(q + 1) : 0) - (long)(n - 1);
	mpq_inits(x, m, t, NULL);
	mpz_init(p);
	mpz_set_str(mpq_numref(x), digs, 10);
	mpz_ui_pow_ui(p, 10, (unsigned long)(e < 0 ? -e : e));
	if (e < 0)
		mpz_set(mpq_denref(x), p);
	else
		mpz_mul(mpq_numref(x), mpq_numref(x), p);
	mpq_canonicalize(x);
	if (neg)
		mpq_neg(x, x);
	mpq_set_d(m, a);
	mpq_set_d(t, b);
	mpq_add(m, m, t);
	mpz_mul_ui(mpq_denref(m), mpq_denref(m), 2);
	mpq_canonicalize(m);
	eq = mpq_equal(x, m);
	mpq_clears(x, m, t, NULL);
	mpz_clear(p);
	return eq;
}

/*
 * Does the decimal text read back as d?  PostgreSQL's shortest output
 * (Ryu) does not accept a decimal lying exactly halfway between d and a
 * neighbour, even where strtod rounds that tie to d: 1e23 prints as
 * 9.999999999999999e+22.  A cheap test in the wider type finds the
 * candidates, rationals decide.
 */
static int reads_back(const char *txt, double d, int single)
{
	double up, dn;
	int near_mid;
	if (single) {
		float f = (float)d;
		if (strtof(txt, NULL) != f)
			return 0;
		double x = strtod(txt, NULL);
		up = nextafterf(f, INFINITY);
		dn = nextafterf(f, -INFINITY);
		near_mid = x == ((double)f + up) / 2 || x == ((double)f + dn) / 2;
	} else {
		if (strtod(txt, NULL) != d)
			return 0;
		long double x = strtold(txt, NULL);
		up = nextafter(d, INFINITY);
		dn = nextafter(d, -INFINITY);
		near_mid = x == ((long double)d + up) / 2 || x == ((long double)d + dn) / 2;
	}
	if (!near_mid)
		return 1;
	return !is_exact_midpoint(txt, d, up) && !is_exact_midpoint(txt, d, dn);
}

/* Correctly rounded to p significant digits, does it read back? */
static int roundtrips(double d, int single, int p, char *tmp, size_t tmpsz)
{
	snprintf(tmp, tmpsz, "%.*e", p - 1, d);
	return reads_back(tmp, d, single);
}

/* Adds one unit in the last digit of a "%e" mantissa (carry; 9.99 -> 1.00e+1). */
static void bump_last_digit(char *tmp)
{
	char *e = strchr(tmp, 'e');
	int exp10 = atoi(e + 1);
	for (char *p = e - 1;; p--) {
		if (*p == '.')
			continue;
		if (*p != '9') {
			(*p)++;
			return;
		}
		*p = '0';
		if (p == tmp || p[-1] == '-') {
			*p = '1';
			sprintf(e, "e%+03d", exp10 + 1);
			return;
		}
	}
}

/*
 * Shortest digits: the fewest significant digits that read back as d.
 * Normally the correctly rounded one at that length; at a power of two
 * the interval below d is half the one above, so the decimal just above
 * the correctly rounded one may fit where that one does not.
 */
static int float_out(double d, int single, char *buf)
{
	char tmp[48], digs[24];
	int lo = 1, hi = single ? 9 : 17, nd = 0, exp10;
	if (isnan(d))
		return (int)strlen(strcpy(buf, "NaN"));
	if (isinf(d))
		return (int)strlen(strcpy(buf, d > 0 ? "Infinity" : "-Infinity"));
	if (d == 0)
		return (int)strlen(strcpy(buf, signbit(d) ? "-0" : "0"));
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (roundtrips(d, single, mid, tmp, sizeof(tmp)))
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", lo - 1, d);
	{
		int e2;
		double m = single ? (double)frexpf((float)d, &e2) : frexp(d, &e2);
		if (fabs(m) == 0.5) {
			char alt[48];
			for (int p = lo - 1; p >= 1; p--) {
				snprintf(alt, sizeof(alt), "%.*e", p - 1, d);
				bump_last_digit(alt);
				if (!reads_back(alt, d, single))
					break;
				strcpy(tmp, alt);
			}
		}
	}
	/* tmp: [-]d[.ddd]e[+-]XX */
	const char *p = tmp;
	int neg = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digs[nd++] = *p;
	exp10 = atoi(p + 1);
	while (nd > 1 && digs[nd - 1] == '0')
		nd--;
	char *o = buf;
	if (neg)
		*o++ = '-';
	if (exp10 < -4 || exp10 >= (single ? FLT_DIG : DBL_DIG)) {
		*o++ = digs[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, digs + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		o += sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
	} else if (exp10 < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -exp10 - 1; i++)
			*o++ = '0';
		memcpy(o, digs, (size_t)nd);
		o += nd;
	} else {
		for (int i = 0; i <= exp10; i++)
			*o++ = i < nd ? digs[i] : '0';
		if (nd > exp10 + 1) {
			*o++ = '.';
			memcpy(o, digs + exp10 + 1, (size_t)(nd - exp10 - 1));
			o += nd - exp10 - 1;
		}
	}
	*o = 0;
	return (int)(o - buf);
}

int pgfloat8_out(double d, char *buf)
{
	return float_out(d, 0, buf);
}

int pgfloat4_out(float f, char *buf)
{
	return float_out(f, 1, buf);
}

/* ------------------------------------------------------------ arguments */

static int arg_float(sqlite3_context *ctx, sqlite3_value *v, int single, double *d)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		*d = single ? (double)(float)sqlite3_value_int64(v) : (double)sqlite3_value_int64(v);
		return 0;
	case SQLITE_FLOAT:
		*d = single ? (double)(float)sqlite3_value_double(v) : sqlite3_value_double(v);
		return 0;
	}
	const char *s = (const char *)sqlite3_value_text(v);
	const char *stop = NULL;
	int err = float_in(s ? s : "", single, d, &stop);
	if (err == FLT_ERANGE) {
		pgfn_error(ctx, "\"%.*s\" is out of range for type %s", (int)(stop - s), s,
			   single ? "real" : "double precision");
		return -1;
	}
	if (err) {
		pgfn_error(ctx, "invalid input syntax for type %s: \"%s\"",
			   single ? "real" : "double precision", s ? s : "");
		return -1;
	}
	return 0;
}

int fn_arg_float8(sqlite3_context *ctx, sqlite3_value *v, double *d)
{
	return arg_float(ctx, v, 0, d);
}

int fn_arg_float4(sqlite3_context *ctx, sqlite3_value *v, float *f)
{
	double d;
	if (arg_float(ctx, v, 1, &d))
		return -1;
	*f = (float)d;
	return 0;
}

void fn_result_float8(sqlite3_context *ctx, double d)
{
	char buf[48];
	int n = pgfloat8_out(d, buf);
	sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
}

void fn_result_float4(sqlite3_context *ctx, float f)
{
	char buf[48];
	int n = pgfloat4_out(f, buf);
	sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
}

/* ------------------------------------------------------------ arithmetic */

static void overflow(sqlite3_context *ctx)
{
	sqlite3_result_error(ctx, "value out of range: overflow", -1);
}

static void underflow(sqlite3_context *ctx)
{
	sqlite3_result_error(ctx, "value out of range: underflow", -1);
}

enum fop { FOP_PL, FOP_MI, FOP_MUL, FOP_DIV };

/*
 * Binary float operators.  User data: op | 0x100 when the result is float4
 * (computed in single precision, float4pl etc.), else computed in double
 * (float8pl, float48pl, float84pl).
 */
static void fn_float_op(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int d = (int)(intptr_t)sqlite3_user_data(ctx);
	int single = d & 0x100, op = d & 0xff;
	double a, b, r;
	if (pgfn_any_null(argc, argv))
		return;
	if (single) {
		float fa, fb, fr = 0;
		if (fn_arg_float4(ctx, argv[0], &fa) || fn_arg_float4(ctx, argv[1], &fb))
			return;
		switch (op) {
		case FOP_PL: fr = fa + fb; break;
		case FOP_MI: fr = fa - fb; break;
		case FOP_MUL: fr = fa * fb; break;
		case FOP_DIV:
			if (fb == 0.0f && !isnan(fa)) {
				sqlite3_result_error(ctx, "division by zero", -1);
				return;
			}
			fr = fa / fb;
			break;
		}
		a = fa;
		b = fb;
		r = fr;
	} else {
		/* a float4 operand is read in single precision, then widened */
		if (arg_float(ctx, argv[0], 0, &a) || arg_float(ctx, argv[1], 0, &b))
			return;
		switch (op) {
		case FOP_PL: r = a + b; break;
		case FOP_MI: r = a - b; break;
		case FOP_MUL: r = a * b; break;
		default:
			if (b == 0.0 && !isnan(a)) {
				sqlite3_result_error(ctx, "division by zero", -1);
				return;
			}
			r = a / b;
			break;
		}
	}
	switch (op) {
	case FOP_PL:
	case FOP_MI:
		if (isinf(r) && !isinf(a) && !isinf(b))
			return overflow(ctx);
		break;
	case FOP_MUL:
		if (isinf(r) && !isinf(a) && !isinf(b))
			return overflow(ctx);
		if (r == 0.0 && a != 0.0 && b != 0.0)
			return underflow(ctx);
		break;
	case FOP_DIV:
		if (isinf(r) && !isinf(a))
			return overflow(ctx);
		if (r == 0.0 && a != 0.0 && !isinf(b))
			return underflow(ctx);
		break;
	}
	if (single)
		fn_result_float4(ctx, (float)r);
	else
		fn_result_float8(ctx, r);
}

/*
 * float48 operators: the float4 operand is a float4 value, widened.  The
 * SQLite functions pg_float8pl etc. read every operand as float8 text; a
 * float4's text ("0.1") read as float8 would not be the widened float4, so
 * the mixed operators have their own entries that read each side as its type.
 */
static void fn_float48_op(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int d = (int)(intptr_t)sqlite3_user_data(ctx);
	int op = d & 0xff, left4 = (d >> 9) & 1;
	double a, b, r;
	if (pgfn_any_null(argc, argv))
		return;
	if (arg_float(ctx, argv[0], left4, &a) || arg_float(ctx, argv[1], !left4, &b))
		return;
	switch (op) {
	case FOP_PL: r = a + b; break;
	case FOP_MI: r = a - b; break;
	case FOP_MUL: r = a * b; break;
	default:
		if (b == 0.0 && !isnan(a)) {
			sqlite3_result_error(ctx, "division by zero", -1);
			return;
		}
		r = a / b;
		break;
	}
	if ((op == FOP_PL || op == FOP_MI || op == FOP_MUL) && isinf(r) && !isinf(a) && !isinf(b))
		return overflow(ctx);
	if (op == FOP_MUL && r == 0.0 && a != 0.0 && b != 0.0)
		return underflow(ctx);
	if (op == FOP_DIV && isinf(r) && !isinf(a))
		return overflow(ctx);
	if (op == FOP_DIV && r == 0.0 && a != 0.0 && !isinf(b))
		return underflow(ctx);
	fn_result_float8(ctx, r);
}

enum fun { FU_UM, FU_UP, FU_ABS, FU_ROUND, FU_TRUNC, FU_CEIL, FU_FLOOR, FU_SIGN,
	   FU_SQRT, FU_CBRT, FU_EXP, FU_LN, FU_LOG10, FU_DEGREES, FU_RADIANS,
	   FU_TEXT, FU_TO4, FU_TO8 };

#define RADIANS_PER_DEGREE 0.0174532925199432957692

static void fn_float_un(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int d = (int)(intptr_t)sqlite3_user_data(ctx);
	int single = d & 0x100, op = d & 0xff;
	double a, r = 0;
	if (pgfn_any_null(argc, argv))
		return;
	if (arg_float(ctx, argv[0], single, &a))
		return;
	switch (op) {
	case FU_UM: r = -a; break;
	case FU_UP: case FU_TEXT: r = a; break;
	case FU_ABS: r = fabs(a); break;
	case FU_ROUND: r = rint(a); break;
	case FU_TRUNC: r = a >= 0 ? floor(a) : -floor(-a); break;
	case FU_CEIL: r = ceil(a); break;
	case FU_FLOOR: r = floor(a); break;
	case FU_SIGN: r = a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0; break;
	case FU_SQRT:
		if (a < 0) {
			sqlite3_result_error(ctx, "cannot take square root of a negative number", -1);
			return;
		}
		r = sqrt(a);
		break;
	case FU_CBRT: r = cbrt(a); break;
	case FU_EXP:
		if (isnan(a)) {
			r = a;
		} else if (isinf(a)) {
			r = a > 0 ? a : 0;
		} else {
			errno = 0;
			r = exp(a);
			if (errno == ERANGE && r != 0)
				return overflow(ctx);
			if (errno == ERANGE || r == 0.0)
				return underflow(ctx);
			if (isinf(r))
				return overflow(ctx);
		}
		break;
	case FU_LN:
	case FU_LOG10:
		if (a == 0.0) {
			sqlite3_result_error(ctx, "cannot take logarithm of zero", -1);
			return;
		}
		if (a < 0) {
			sqlite3_result_error(ctx, "cannot take logarithm of a negative number", -1);
			return;
		}
		r = op == FU_LN ? log(a) : log10(a);
		if (isinf(r) && !isinf(a))
			return overflow(ctx);
		if (r == 0.0 && a != 1.0)
			return underflow(ctx);
		break;
	case FU_DEGREES:
		r = a / RADIANS_PER_DEGREE;
		if (isinf(r) && !isinf(a))
			return overflow(ctx);
		if (r == 0.0 && a != 0.0)
			return underflow(ctx);
		break;
	case FU_RADIANS:
		r = a * RADIANS_PER_DEGREE;
		if (isinf(r) && !isinf(a))
			return overflow(ctx);
		if (r == 0.0 && a != 0.0)
			return underflow(ctx);
		break;
	case FU_TO4: {
		float f = (float)a;
		if (isinf(f) && !isinf(a))
			return overflow(ctx);
		if (f == 0.0f && a != 0.0)
			return underflow(ctx);
		fn_result_float4(ctx, f);
		return;
	}
	case FU_TO8:
		fn_result_float8(ctx, a);
		return;
	}
	if (single)
		fn_result_float4(ctx, (float)r);
	else
		fn_result_float8(ctx, r);
}

/* dpow: PostgreSQL's special cases around pow(). */
static void fn_dpow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	double a, b, r;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_float8(ctx, argv[0], &a) || fn_arg_float8(ctx, argv[1], &b))
		return;
	if (isnan(a)) {
		fn_result_float8(ctx, isnan(b) || b != 0.0 ? a : 1.0);
		return;
	}
	if (isnan(b)) {
		fn_result_float8(ctx, a != 1.0 ? b : 1.0);
		return;
	}
	if (a == 0.0 && b < 0.0) {
		sqlite3_result_error(ctx, "zero raised to a negative power is undefined", -1);
		return;
	}
	if (a < 0.0 && floor(b) != b) {
		sqlite3_result_error(ctx, "a negative number raised to a non-integer power yields a complex result", -1);
		return;
	}
	if (isinf(b)) {
		double absx = fabs(a);
		if (absx == 1.0)
			r = 1.0;
		else if (b > 0.0)
			r = absx > 1.0 ? b : 0.0;
		else
			r = absx > 1.0 ? 0.0 : -b;
	} else if (isinf(a)) {
		if (b == 0.0) {
			r = 1.0;
		} else if (a > 0.0) {
			r = b > 0.0 ? a : 0.0;
		} else {
			double halfy = b / 2;
			int odd = floor(halfy) != halfy;
			if (b > 0.0)
				r = odd ? a : -a;
			else
				r = odd ? -0.0 : 0.0;
		}
	} else {
		errno = 0;
		r = pow(a, b);
		if (errno == EDOM || isnan(r)) {
			sqlite3_result_error(ctx, "a negative number raised to a non-integer power yields a complex result", -1);
			return;
		}
		if (errno == ERANGE) {
			if (r != 0.0)
				return overflow(ctx);
			return underflow(ctx);
		}
		if (isinf(r))
			return overflow(ctx);
		if (r == 0.0 && a != 0.0)
			return underflow(ctx);
	}
	fn_result_float8(ctx, r);
}

static void fn_dpi(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	fn_result_float8(ctx, M_PI);
}

/* text -> float4/float8: the input functions (user data 1 for float4). */
static void fn_float_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int single = sqlite3_user_data(ctx) != NULL;
	double d;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (arg_float(ctx, argv[0], single, &d))
		return;
	if (single)
		fn_result_float4(ctx, (float)d);
	else
		fn_result_float8(ctx, d);
}

/* int -> float4/float8 */
static void fn_int_float(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long i;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &i))
		return;
	if (sqlite3_user_data(ctx))
		fn_result_float4(ctx, (float)i);
	else
		fn_result_float8(ctx, (double)i);
}

/* float4/float8 -> int2/int4/int8: rint, then the range (user data: width | 0x100 for float4). */
static void fn_float_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int d = (int)(intptr_t)sqlite3_user_data(ctx);
	int width = d & 0xff, single = d & 0x100;
	double a;
	if (pgfn_any_null(argc, argv))
		return;
	if (arg_float(ctx, argv[0], single, &a))
		return;
	a = rint(a);
	int ok;
	switch (width) {
	case 2: ok = a >= -32768.0 && a < 32768.0; break;
	case 4: ok = a >= -2147483648.0 && a < 2147483648.0; break;
	default: ok = a >= -9223372036854775808.0 && a < 9223372036854775808.0; break;
	}
	if (isnan(a) || !ok) {
		sqlite3_result_error(ctx, width == 2 ? "smallint out of range"
				     : width == 4 ? "integer out of range" : "bigint out of range", -1);
		return;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)a);
}

/* ------------------------------------------------------------ orders */

/* Text that is not a float sorts after every float, by bytes. */
static int coll_float(int single, int la, const void *a, int lb, const void *b)
{
	char sa[64], sb[64];
	double x = 0, y = 0;
	int ex = 1, ey = 1;
	if (la < (int)sizeof(sa)) {
		memcpy(sa, a, (size_t)la);
		sa[la] = 0;
		ex = float_in(sa, single, &x, NULL);
	}
	if (lb < (int)sizeof(sb)) {
		memcpy(sb, b, (size_t)lb);
		sb[lb] = 0;
		ey = float_in(sb, single, &y, NULL);
	}
	if (ex || ey) {
		if (ex && ey) {
			int c = memcmp(a, b, (size_t)(la < lb ? la : lb));
			return c ? c : (la > lb) - (la < lb);
		}
		return ex ? 1 : -1;
	}
	/* NaN is greater than everything and equal to itself; -0 = 0 */
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return x < y ? -1 : x > y;
}

static int coll_float8(void *arg, int la, const void *a, int lb, const void *b)
{
	(void)arg;
	return coll_float(0, la, a, lb, b);
}

static int coll_float4(void *arg, int la, const void *a, int lb, const void *b)
{
	(void)arg;
	return coll_float(1, la, a, lb, b);
}

/* ------------------------------------------------------------ registration */

struct float_def {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	intptr_t data;
};

#define F4BIT 0x100
#define LEFT4 0x200

static const struct float_def float_fns[] = {
	{ "pg_float4pl", 2, fn_float_op, FOP_PL | F4BIT },
	{ "pg_float4mi", 2, fn_float_op, FOP_MI | F4BIT },
	{ "pg_float4mul", 2, fn_float_op, FOP_MUL | F4BIT },
	{ "pg_float4div", 2, fn_float_op, FOP_DIV | F4BIT },
	{ "pg_float8pl", 2, fn_float_op, FOP_PL },
	{ "pg_float8mi", 2, fn_float_op, FOP_MI },
	{ "pg_float8mul", 2, fn_float_op, FOP_MUL },
	{ "pg_float8div", 2, fn_float_op, FOP_DIV },
	{ "pg_float48pl", 2, fn_float48_op, FOP_PL | LEFT4 },
	{ "pg_float48mi", 2, fn_float48_op, FOP_MI | LEFT4 },
	{ "pg_float48mul", 2, fn_float48_op, FOP_MUL | LEFT4 },
	{ "pg_float48div", 2, fn_float48_op, FOP_DIV | LEFT4 },
	{ "pg_float84pl", 2, fn_float48_op, FOP_PL },
	{ "pg_float84mi", 2, fn_float48_op, FOP_MI },
	{ "pg_float84mul", 2, fn_float48_op, FOP_MUL },
	{ "pg_float84div", 2, fn_float48_op, FOP_DIV },
	{ "pg_float4um", 1, fn_float_un, FU_UM | F4BIT },
	{ "pg_float8um", 1, fn_float_un, FU_UM },
	{ "pg_float4up", 1, fn_float_un, FU_UP | F4BIT },
	{ "pg_float8up", 1, fn_float_un, FU_UP },
	{ "pg_float4abs", 1, fn_float_un, FU_ABS | F4BIT },
	{ "pg_float8abs", 1, fn_float_un, FU_ABS },
	{ "pg_dround", 1, fn_float_un, FU_ROUND },
	{ "pg_dtrunc", 1, fn_float_un, FU_TRUNC },
	{ "pg_dceil", 1, fn_float_un, FU_CEIL },
	{ "pg_dfloor", 1, fn_float_un, FU_FLOOR },
	{ "pg_dsign", 1, fn_float_un, FU_SIGN },
	{ "pg_dsqrt", 1, fn_float_un, FU_SQRT },
	{ "pg_dcbrt", 1, fn_float_un, FU_CBRT },
	{ "pg_dexp", 1, fn_float_un, FU_EXP },
	{ "pg_dlog1", 1, fn_float_un, FU_LN },
	{ "pg_dlog10", 1, fn_float_un, FU_LOG10 },
	{ "pg_degrees", 1, fn_float_un, FU_DEGREES },
	{ "pg_radians", 1, fn_float_un, FU_RADIANS },
	{ "pg_dpow", 2, fn_dpow, 0 },
	{ "pg_dpi", 0, fn_dpi, 0 },
	{ "pg_float4_text", 1, fn_float_un, FU_TEXT | F4BIT },
	{ "pg_float8_text", 1, fn_float_un, FU_TEXT },
	{ "pg_float4_float8", 1, fn_float_un, FU_TO8 | F4BIT },
	{ "pg_float8_float4", 1, fn_float_un, FU_TO4 },
	{ "pg_float4in", 1, fn_float_in, 1 },
	{ "pg_float8in", 1, fn_float_in, 0 },
	{ "pg_int_float4", 1, fn_int_float, 1 },
	{ "pg_int_float8", 1, fn_int_float, 0 },
	{ "pg_float4_int2", 1, fn_float_int, 2 | F4BIT },
	{ "pg_float4_int4", 1, fn_float_int, 4 | F4BIT },
	{ "pg_float4_int8", 1, fn_float_int, 8 | F4BIT },
	{ "pg_float8_int2", 1, fn_float_int, 2 },
	{ "pg_float8_int4", 1, fn_float_int, 4 },
	{ "pg_float8_int8", 1, fn_float_int, 8 },
};

int fn_float_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(float_fns) / sizeof(float_fns[0]); i++)
		rc = sqlite3_create_function(db, float_fns[i].name, float_fns[i].nargs,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)float_fns[i].data, float_fns[i].fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_collation(db, "pg_float8", SQLITE_UTF8, NULL, coll_float8);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_collation(db, "pg_float4", SQLITE_UTF8, NULL, coll_float4);
	return rc;
}
