/*
 * int2/int4/int8 and bool for fn_numeric (see fn_numeric.h).  Integers are
 * SQLite INTEGERs; every result is range-checked for its PostgreSQL type,
 * which is what makes int4 + int4 overflow at 2^31 as PostgreSQL does.
 */
#include "fn_numeric.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum iop { IOP_PL, IOP_MI, IOP_MUL, IOP_DIV, IOP_MOD, IOP_AND, IOP_OR, IOP_XOR,
	   IOP_SHL, IOP_SHR, IOP_UM, IOP_UP, IOP_NOT, IOP_ABS, IOP_GCD, IOP_LCM };

#define IDATA(width, op) ((void *)(intptr_t)(((width) << 8) | (op)))

static const char *int_range_msg(int width)
{
	return width == 2 ? "smallint out of range"
	     : width == 4 ? "integer out of range" : "bigint out of range";
}

static int fits(int width, __int128 v)
{
	switch (width) {
	case 2: return v >= INT16_MIN && v <= INT16_MAX;
	case 4: return v >= INT32_MIN && v <= INT32_MAX;
	}
	return v >= INT64_MIN && v <= INT64_MAX;
}

static __int128 gcd128(__int128 a, __int128 b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b) {
		__int128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void fn_int_op(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	intptr_t d = (intptr_t)sqlite3_user_data(ctx);
	int width = (int)(d >> 8), op = (int)(d & 0xff);
	long long a, b = 0;
	__int128 r = 0;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &a) || (argc > 1 && fn_arg_int(ctx, argv[1], &b)))
		return;
	switch (op) {
	case IOP_PL: r = (__int128)a + b; break;
	case IOP_MI: r = (__int128)a - b; break;
	case IOP_MUL: r = (__int128)a * b; break;
	case IOP_DIV:
		if (b == 0) {
			sqlite3_result_error(ctx, "division by zero", -1);
			return;
		}
		r = (__int128)a / b;	/* truncates toward zero, as C and PostgreSQL */
		break;
	case IOP_MOD:
		if (b == 0) {
			sqlite3_result_error(ctx, "division by zero", -1);
			return;
		}
		r = (__int128)a % b;
		break;
	case IOP_AND: r = a & b; break;
	case IOP_OR: r = a | b; break;
	case IOP_XOR: r = a ^ b; break;
	case IOP_SHL:
	case IOP_SHR: {
		/* PostgreSQL shifts a C int (int2 promoted) or int64; x86 masks the count */
		if (width == 8) {
			unsigned s = (unsigned)b & 63;
			r = op == IOP_SHL ? (long long)((unsigned long long)a << s) : a >> s;
		} else {
			unsigned s = (unsigned)b & 31;
			int32_t x = (int32_t)a;
			int32_t v = op == IOP_SHL ? (int32_t)((uint32_t)x << s) : x >> s;
			r = width == 2 ? (int16_t)v : v;
		}
		break;
	}
	case IOP_UM: r = -(__int128)a; break;
	case IOP_UP: r = a; break;
	case IOP_NOT: r = ~a; break;
	case IOP_ABS: r = a < 0 ? -(__int128)a : a; break;
	case IOP_GCD: r = gcd128(a, b); break;
	case IOP_LCM:
		if (a == 0 || b == 0) {
			r = 0;
		} else {
			r = (__int128)a / gcd128(a, b) * b;
			if (r < 0)
				r = -r;
		}
		break;
	}
	if (!fits(width, r)) {
		sqlite3_result_error(ctx, int_range_msg(width), -1);
		return;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)r);
}

/* int2/int4/int8 casts between widths: user data is the target width. */
static void fn_int_cast(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int width = (int)(intptr_t)sqlite3_user_data(ctx);
	long long a;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &a))
		return;
	if (!fits(width, a)) {
		sqlite3_result_error(ctx, int_range_msg(width), -1);
		return;
	}
	sqlite3_result_int64(ctx, a);
}

/* int2in / int4in / int8in (pg_strtoint16/32/64 of PostgreSQL 15). */
static void fn_int_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int width = (int)(intptr_t)sqlite3_user_data(ctx);
	const char *tn = width == 2 ? "smallint" : width == 4 ? "integer" : "bigint";
	const char *s, *p;
	__int128 acc = 0;
	int neg = 0;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
		fn_int_cast(ctx, argc, argv);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	p = s;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		goto syntax;
	while (isdigit((unsigned char)*p)) {
		acc = acc * 10 + (*p++ - '0');
		if (!fits(width, neg ? -acc : acc))
			goto range;
	}
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p)
		goto syntax;
	sqlite3_result_int64(ctx, (sqlite3_int64)(neg ? -acc : acc));
	return;
syntax:
	pgfn_error(ctx, "invalid input syntax for type %s: \"%s\"", tn, s);
	return;
range:
	pgfn_error(ctx, "value \"%s\" is out of range for type %s", s, tn);
}

static void fn_int_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long a;
	char buf[32];
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &a))
		return;
	int n = snprintf(buf, sizeof(buf), "%lld", a);
	sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
}

/* ------------------------------------------------------------ bool */

/* parse_bool_with_len: 1 true, 0 false, -1 not a boolean. */
static int parse_bool(const char *s, size_t len)
{
	if (len == 0)
		return -1;
	switch (s[0]) {
	case 't': case 'T':
		return strncasecmp(s, "true", len) == 0 && len <= 4 ? 1 : -1;
	case 'f': case 'F':
		return strncasecmp(s, "false", len) == 0 && len <= 5 ? 0 : -1;
	case 'y': case 'Y':
		return strncasecmp(s, "yes", len) == 0 && len <= 3 ? 1 : -1;
	case 'n': case 'N':
		return strncasecmp(s, "no", len) == 0 && len <= 2 ? 0 : -1;
	case 'o': case 'O':
		/* 'o' alone is ambiguous between on and off */
		if (len >= 2 && len <= 2 && strncasecmp(s, "on", len) == 0)
			return 1;
		if (len >= 2 && len <= 3 && strncasecmp(s, "off", len) == 0)
			return 0;
		return -1;
	case '1':
		return len == 1 ? 1 : -1;
	case '0':
		return len == 1 ? 0 : -1;
	}
	return -1;
}

static void fn_boolin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s;
	size_t len;
	int b;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	s = (const char *)sqlite3_value_text(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	{
		const char *p = s, *e = s + len;
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		b = parse_bool(p, (size_t)(e - p));
	}
	if (b < 0) {
		pgfn_error(ctx, "invalid input syntax for type boolean: \"%s\"", s);
		return;
	}
	sqlite3_result_int(ctx, b);
}

/* bool::text is booltext: 'true' / 'false' (boolout's t/f is the storage's). */
static void fn_bool_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long a;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &a))
		return;
	sqlite3_result_text(ctx, a ? "true" : "false", -1, SQLITE_STATIC);
}

/* int4 -> bool and bool -> int4: 0 is false, anything else true. */
static void fn_int_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long a;
	if (pgfn_any_null(argc, argv))
		return;
	if (fn_arg_int(ctx, argv[0], &a))
		return;
	sqlite3_result_int(ctx, a != 0);
}

struct int_def {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	void *data;
};

#define IOPS(w) \
	{ "pg_int" #w "pl", 2, fn_int_op, IDATA(w, IOP_PL) }, \
	{ "pg_int" #w "mi", 2, fn_int_op, IDATA(w, IOP_MI) }, \
	{ "pg_int" #w "mul", 2, fn_int_op, IDATA(w, IOP_MUL) }, \
	{ "pg_int" #w "div", 2, fn_int_op, IDATA(w, IOP_DIV) }, \
	{ "pg_int" #w "mod", 2, fn_int_op, IDATA(w, IOP_MOD) }, \
	{ "pg_int" #w "and", 2, fn_int_op, IDATA(w, IOP_AND) }, \
	{ "pg_int" #w "or", 2, fn_int_op, IDATA(w, IOP_OR) }, \
	{ "pg_int" #w "xor", 2, fn_int_op, IDATA(w, IOP_XOR) }, \
	{ "pg_int" #w "shl", 2, fn_int_op, IDATA(w, IOP_SHL) }, \
	{ "pg_int" #w "shr", 2, fn_int_op, IDATA(w, IOP_SHR) }, \
	{ "pg_int" #w "um", 1, fn_int_op, IDATA(w, IOP_UM) }, \
	{ "pg_int" #w "up", 1, fn_int_op, IDATA(w, IOP_UP) }, \
	{ "pg_int" #w "not", 1, fn_int_op, IDATA(w, IOP_NOT) }, \
	{ "pg_int" #w "abs", 1, fn_int_op, IDATA(w, IOP_ABS) }, \
	{ "pg_int" #w "gcd", 2, fn_int_op, IDATA(w, IOP_GCD) }, \
	{ "pg_int" #w "lcm", 2, fn_int_op, IDATA(w, IOP_LCM) }, \
	{ "pg_int" #w, 1, fn_int_cast, (void *)(intptr_t)(w) }, \
	{ "pg_int" #w "in", 1, fn_int_in, (void *)(intptr_t)(w) }

static const struct int_def int_fns[] = {
	IOPS(2), IOPS(4), IOPS(8),
	{ "pg_int_text", 1, fn_int_text, NULL },
	{ "pg_boolin", 1, fn_boolin, NULL },
	{ "pg_bool_text", 1, fn_bool_text, NULL },
	{ "pg_int4_bool", 1, fn_int_bool, NULL },
	{ "pg_bool_int4", 1, fn_int_bool, NULL },
};

int fn_int_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(int_fns) / sizeof(int_fns[0]); i++)
		rc = sqlite3_create_function(db, int_fns[i].name, int_fns[i].nargs,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     int_fns[i].data, int_fns[i].fn, NULL, NULL);
	return rc;
}
