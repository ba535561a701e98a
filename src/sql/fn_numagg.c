/*
 * Aggregates of fn_numeric (see fn_numeric.h): sum, avg, the float
 * variances and bool_and/bool_or, with PostgreSQL's result types (sum of
 * int4 is int8, sum of int8 and every integer avg are numeric, avg of a
 * float is float8) and its arithmetic (numeric avg divides at
 * select_div_scale; float accumulation is float8_accum's Youngs-Cramer,
 * with its overflow errors).  min and max go through the orders.
 */
#include "fn_numeric.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ integers */

/*
 * SQLite's aggregate context is only 8-byte aligned, so 128-bit sums are
 * kept as bytes and copied in and out.
 */
struct int_state {
	unsigned char sum[16];
	long long n;
};

static __int128 get_sum(const struct int_state *s)
{
	__int128 v;
	memcpy(&v, s->sum, sizeof(v));
	return v;
}

static void int_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct int_state *s;
	long long x;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (fn_arg_int(ctx, argv[0], &x))
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	__int128 sum = get_sum(s) + x;
	memcpy(s->sum, &sum, sizeof(sum));
	s->n++;
}

/* sum(int2), sum(int4): int8 */
static void sum_int_final(sqlite3_context *ctx)
{
	struct int_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || s->n == 0)
		return;
	__int128 sum = get_sum(s);
	if (sum > INT64_MAX || sum < INT64_MIN) {
		sqlite3_result_error(ctx, "bigint out of range", -1);
		return;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)sum);
}

/* sum(int8): numeric */
static void sum_int8_final(sqlite3_context *ctx)
{
	struct int_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval r = NUMVAL_INIT;
	if (!s || s->n == 0)
		return;
	num_set_int(&r, get_sum(s), 0);
	fn_result_num(ctx, &r);
	num_clear(&r);
}

/* avg(int2/int4/int8): numeric, sum / count at select_div_scale */
static void avg_int_final(sqlite3_context *ctx)
{
	struct int_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval sum = NUMVAL_INIT, n = NUMVAL_INIT, r = NUMVAL_INIT;
	if (!s || s->n == 0)
		return;
	num_set_int(&sum, get_sum(s), 0);
	num_set_int(&n, s->n, 0);
	int err = num_div(&r, &sum, &n);
	if (err)
		fn_result_numerr(ctx, err);
	else
		fn_result_num(ctx, &r);
	num_clear(&sum);
	num_clear(&n);
	num_clear(&r);
}

/* ------------------------------------------------------------ numeric */

struct num_state {
	struct numval *sum;	/* malloc'ed: the context is not aligned for __int128 */
	long long n;
};

static void num_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct num_state *s;
	struct numval x = NUMVAL_INIT;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!s->sum) {
		static const struct numval z = NUMVAL_INIT;
		s->sum = malloc(sizeof(*s->sum));
		if (!s->sum) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		*s->sum = z;
	}
	if (fn_arg_num(ctx, argv[0], &x))
		goto cleanup;
	int err = num_add(s->sum, s->sum, &x);
	if (err)
		fn_result_numerr(ctx, err);
	s->n++;
cleanup:
	num_clear(&x);
}

static void sum_num_final(sqlite3_context *ctx)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || !s->sum)
		return;
	if (s->n > 0)
		fn_result_num(ctx, s->sum);
	num_clear(s->sum);
	free(s->sum);
	s->sum = NULL;
}

static void avg_num_final(sqlite3_context *ctx)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval n = NUMVAL_INIT, r = NUMVAL_INIT;
	if (!s || !s->sum)
		return;
	if (s->n > 0) {
		num_set_int(&n, s->n, 0);
		int err = num_div(&r, s->sum, &n);
		if (err)
			fn_result_numerr(ctx, err);
		else
			fn_result_num(ctx, &r);
	}
	num_clear(s->sum);
	free(s->sum);
	s->sum = NULL;
	num_clear(&n);
	num_clear(&r);
}

/* ------------------------------------------------------------ floats */

/* sum(float4) and sum(float8): float4pl / float8pl at each row */
struct fsum_state {
	double sum;
	float sum4;
	long long n;
};

static void fsum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int single = sqlite3_user_data(ctx) != NULL;
	struct fsum_state *s;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (single) {
		float x, r;
		if (fn_arg_float4(ctx, argv[0], &x))
			return;
		r = s->n ? s->sum4 + x : x;
		if (s->n && isinf(r) && !isinf(s->sum4) && !isinf(x)) {
			sqlite3_result_error(ctx, "value out of range: overflow", -1);
			return;
		}
		s->sum4 = r;
	} else {
		double x, r;
		if (fn_arg_float8(ctx, argv[0], &x))
			return;
		r = s->n ? s->sum + x : x;
		if (s->n && isinf(r) && !isinf(s->sum) && !isinf(x)) {
			sqlite3_result_error(ctx, "value out of range: overflow", -1);
			return;
		}
		s->sum = r;
	}
	s->n++;
}

static void fsum_final(sqlite3_context *ctx)
{
	struct fsum_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || s->n == 0)
		return;
	if (sqlite3_user_data(ctx))
		fn_result_float4(ctx, s->sum4);
	else
		fn_result_float8(ctx, s->sum);
}

/* float8_accum: N, Sx, Sxx (Youngs-Cramer), for avg and the variances */
struct facc_state {
	double n, sx, sxx;
};

static void facc_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int single = (int)((intptr_t)sqlite3_user_data(ctx) >> 4);
	struct facc_state *s;
	double x;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (single) {
		float f;
		if (fn_arg_float4(ctx, argv[0], &f))
			return;
		x = f;
	} else if (fn_arg_float8(ctx, argv[0], &x)) {
		return;
	}
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	double n = s->n + 1.0, sx = s->sx + x, sxx = s->sxx;
	if (s->n > 0.0) {
		double tmp = x * n - sx;
		sxx += tmp * tmp / (n * s->n);
		if (isinf(sx) || isinf(sxx)) {
			if (!isinf(s->sx) && !isinf(x)) {
				sqlite3_result_error(ctx, "value out of range: overflow", -1);
				return;
			}
			sxx = NAN;
		}
	} else if (isnan(x) || isinf(x)) {
		sxx = NAN;
	}
	s->n = n;
	s->sx = sx;
	s->sxx = sxx;
}

enum { FACC_AVG, FACC_VAR_SAMP, FACC_VAR_POP, FACC_STDDEV_SAMP, FACC_STDDEV_POP };

static void facc_final(sqlite3_context *ctx)
{
	int what = (int)((intptr_t)sqlite3_user_data(ctx) & 0xf);
	struct facc_state *s = sqlite3_aggregate_context(ctx, 0);
	double r;
	if (!s || s->n == 0.0)
		return;
	switch (what) {
	case FACC_AVG:
		r = s->sx / s->n;
		break;
	case FACC_VAR_SAMP:
	case FACC_STDDEV_SAMP:
		if (s->n <= 1.0)
			return;
		r = s->sxx / (s->n - 1.0);
		if (what == FACC_STDDEV_SAMP)
			r = sqrt(r);
		break;
	default:
		r = s->sxx / s->n;
		if (what == FACC_STDDEV_POP)
			r = sqrt(r);
		break;
	}
	fn_result_float8(ctx, r);
}

/* ------------------------------------------------------------ bool */

struct bool_state {
	int seen, val;
};

static void bool_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int is_or = sqlite3_user_data(ctx) != NULL;
	struct bool_state *s;
	long long x;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (fn_arg_int(ctx, argv[0], &x))
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!s->seen)
		s->val = x != 0;
	else if (is_or)
		s->val = s->val || x != 0;
	else
		s->val = s->val && x != 0;
	s->seen = 1;
}

static void bool_final(sqlite3_context *ctx)
{
	struct bool_state *s = sqlite3_aggregate_context(ctx, 0);
	if (s && s->seen)
		sqlite3_result_int(ctx, s->val);
}

/* ------------------------------------------------------------ registration */

struct agg_def {
	const char *name;
	void (*step)(sqlite3_context *, int, sqlite3_value **);
	void (*final)(sqlite3_context *);
	intptr_t data;
};

static const struct agg_def aggs[] = {
	{ "pg_sum_int", int_step, sum_int_final, 0 },
	{ "pg_sum_int8", int_step, sum_int8_final, 0 },
	{ "pg_avg_int", int_step, avg_int_final, 0 },
	{ "pg_sum_numeric", num_step, sum_num_final, 0 },
	{ "pg_avg_numeric", num_step, avg_num_final, 0 },
	{ "pg_sum_float4", fsum_step, fsum_final, 1 },
	{ "pg_sum_float8", fsum_step, fsum_final, 0 },
	{ "pg_avg_float", facc_step, facc_final, FACC_AVG },
	{ "pg_avg_float4", facc_step, facc_final, 0x10 | FACC_AVG },
	{ "pg_var_samp_float8", facc_step, facc_final, FACC_VAR_SAMP },
	{ "pg_var_pop_float8", facc_step, facc_final, FACC_VAR_POP },
	{ "pg_stddev_samp_float8", facc_step, facc_final, FACC_STDDEV_SAMP },
	{ "pg_stddev_pop_float8", facc_step, facc_final, FACC_STDDEV_POP },
	{ "pg_var_samp_float4", facc_step, facc_final, 0x10 | FACC_VAR_SAMP },
	{ "pg_var_pop_float4", facc_step, facc_final, 0x10 | FACC_VAR_POP },
	{ "pg_stddev_samp_float4", facc_step, facc_final, 0x10 | FACC_STDDEV_SAMP },
	{ "pg_stddev_pop_float4", facc_step, facc_final, 0x10 | FACC_STDDEV_POP },
	{ "pg_bool_and", bool_step, bool_final, 0 },
	{ "pg_bool_or", bool_step, bool_final, 1 },
};

int fn_numagg_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(aggs) / sizeof(aggs[0]); i++)
		rc = sqlite3_create_function(db, aggs[i].name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)aggs[i].data, NULL, aggs[i].step, aggs[i].final);
	return rc;
}
