/*
 * Aggregates of fn_numeric (see fn_numeric.h): sum, avg, variance and
 * stddev, bool_and/bool_or, with PostgreSQL's result types (sum of int4 is
 * int8, sum of int8 and every integer or numeric avg/variance is numeric,
 * float aggregates are float8) and its arithmetic: numeric avg divides at
 * select_div_scale, numeric variance follows numeric_stddev_internal, float
 * accumulation is float8_accum's Youngs-Cramer with its overflow errors.
 * min and max go through the orders.
 *
 * Every aggregate is also a window function (SQLite needs xValue and
 * xInverse).  Exact states take values out again, as PostgreSQL's moving
 * aggregates do (the numeric result scale is the largest scale still in the
 * frame, as numeric_accum_inv keeps it); float states keep the frame's
 * values and recompute in frame order, as PostgreSQL restarts them.
 */
#include "fn_numeric.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * SQLite's aggregate context is only 8-byte aligned: 128-bit sums are kept
 * as bytes, numvals are malloc'ed.
 */

/* ------------------------------------------------------------ integers */

struct int_state {
	unsigned char sum[16];	/* __int128 */
	long long n;
};

static __int128 get_sum(const struct int_state *s)
{
	__int128 v;
	memcpy(&v, s->sum, sizeof(v));
	return v;
}

static void int_add(sqlite3_context *ctx, sqlite3_value *v, int sign)
{
	struct int_state *s;
	long long x;
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return;
	if (fn_arg_int(ctx, v, &x))
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	__int128 sum = get_sum(s) + (__int128)sign * x;
	memcpy(s->sum, &sum, sizeof(sum));
	s->n += sign;
}

static void int_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int_add(ctx, argv[0], 1);
}

static void int_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int_add(ctx, argv[0], -1);
}

/* sum(int2), sum(int4): int8 */
static void sum_int_value(sqlite3_context *ctx)
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
static void sum_int8_value(sqlite3_context *ctx)
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
static void avg_int_value(sqlite3_context *ctx)
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

/*
 * do_numeric_accum's state: count, the finite values' sum and sum of
 * squares (exact), the special values counted apart so they can leave a
 * window frame, and how many values of each scale are in (the result's
 * scale is the largest present).
 */
struct num_acc {
	long long n;
	long long nan, pinf, ninf;
	struct numval sum, sum2;
	int want_sum2;
	int *scales;		/* scales[d]: values of scale d */
	int nscales;
};

struct num_state {
	struct num_acc *acc;	/* malloc'ed */
};

static struct num_acc *num_acc_get(sqlite3_context *ctx, int want_sum2)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, sizeof(*s));
	static const struct numval zero = NUMVAL_INIT;
	if (!s)
		return NULL;
	if (!s->acc) {
		s->acc = calloc(1, sizeof(*s->acc));
		if (!s->acc)
			return NULL;
		s->acc->sum = zero;
		s->acc->sum2 = zero;
		s->acc->want_sum2 = want_sum2;
	}
	return s->acc;
}

static void num_acc_free(sqlite3_context *ctx)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || !s->acc)
		return;
	num_clear(&s->acc->sum);
	num_clear(&s->acc->sum2);
	free(s->acc->scales);
	free(s->acc);
	s->acc = NULL;
}

/* The scale of the values in: the largest with a count. */
static int num_acc_scale(const struct num_acc *a)
{
	for (int d = a->nscales - 1; d >= 0; d--)
		if (a->scales[d] > 0)
			return d;
	return 0;
}

static void num_acc_add(sqlite3_context *ctx, sqlite3_value *v, int sign)
{
	/* user data: 1 when the sum of squares is wanted (variance) */
	struct num_acc *a;
	struct numval x = NUMVAL_INIT, sq = NUMVAL_INIT;
	int err = 0;
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return;
	a = num_acc_get(ctx, sqlite3_user_data(ctx) != NULL);
	if (!a) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (fn_arg_num(ctx, v, &x))
		goto cleanup;
	a->n += sign;
	if (x.kind == NUM_NAN) {
		a->nan += sign;
		goto cleanup;
	}
	if (x.kind != NUM_FINITE) {
		if (x.kind == NUM_PINF)
			a->pinf += sign;
		else
			a->ninf += sign;
		goto cleanup;
	}
	if (x.dscale >= a->nscales) {
		int *ns = realloc(a->scales, sizeof(int) * (size_t)(x.dscale + 1));
		if (!ns) {
			sqlite3_result_error_nomem(ctx);
			goto cleanup;
		}
		memset(ns + a->nscales, 0, sizeof(int) * (size_t)(x.dscale + 1 - a->nscales));
		a->scales = ns;
		a->nscales = x.dscale + 1;
	}
	a->scales[x.dscale] += sign;
	if (a->want_sum2) {
		err = num_mul(&sq, &x, &x);
		if (!err)
			err = sign > 0 ? num_add(&a->sum2, &a->sum2, &sq) : num_sub(&a->sum2, &a->sum2, &sq);
	}
	if (!err)
		err = sign > 0 ? num_add(&a->sum, &a->sum, &x) : num_sub(&a->sum, &a->sum, &x);
	if (err)
		fn_result_numerr(ctx, err);
cleanup:
	num_clear(&x);
	num_clear(&sq);
}

static void num_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	num_acc_add(ctx, argv[0], 1);
}

static void num_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	num_acc_add(ctx, argv[0], -1);
}

/* The special result, if the specials decide it (1), as numeric_sum does. */
static int num_acc_special(const struct num_acc *a, struct numval *r)
{
	if (a->nan > 0 || (a->pinf > 0 && a->ninf > 0))
		num_set_kind(r, NUM_NAN);
	else if (a->pinf > 0)
		num_set_kind(r, NUM_PINF);
	else if (a->ninf > 0)
		num_set_kind(r, NUM_NINF);
	else
		return 0;
	return 1;
}

/* The frame's sum at the frame's scale. */
static void num_acc_sum(const struct num_acc *a, struct numval *r)
{
	num_round(r, &a->sum, num_acc_scale(a));
}

static void sum_num_value(sqlite3_context *ctx)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval r = NUMVAL_INIT;
	if (!s || !s->acc || s->acc->n == 0)
		return;
	if (!num_acc_special(s->acc, &r))
		num_acc_sum(s->acc, &r);
	fn_result_num(ctx, &r);
	num_clear(&r);
}

static void avg_num_value(sqlite3_context *ctx)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval sum = NUMVAL_INIT, n = NUMVAL_INIT, r = NUMVAL_INIT;
	if (!s || !s->acc || s->acc->n == 0)
		return;
	if (!num_acc_special(s->acc, &r)) {
		num_acc_sum(s->acc, &sum);
		num_set_int(&n, s->acc->n, 0);
		int err = num_div(&r, &sum, &n);
		if (err) {
			fn_result_numerr(ctx, err);
			goto cleanup;
		}
	}
	fn_result_num(ctx, &r);
cleanup:
	num_clear(&sum);
	num_clear(&n);
	num_clear(&r);
}

/* numeric_stddev_internal; what: bit 0 sample, bit 1 stddev (else variance) */
static void var_num_result(sqlite3_context *ctx, int what)
{
	struct num_state *s = sqlite3_aggregate_context(ctx, 0);
	struct numval sx = NUMVAL_INIT, sx2 = NUMVAL_INIT, n = NUMVAL_INIT;
	struct numval den = NUMVAL_INIT, r = NUMVAL_INIT;
	int sample = what & 1, err = 0;
	/* NULL for no input, or one for a sample (NaN and infinities count) */
	if (!s || !s->acc || s->acc->n == 0 || (sample && s->acc->n <= 1))
		return;
	if (s->acc->nan > 0 || s->acc->pinf > 0 || s->acc->ninf > 0) {
		num_set_kind(&r, NUM_NAN);
		fn_result_num(ctx, &r);
		return;
	}
	/* sumX at the frame's scale s; N*sumX2 - sumX^2 at scale 2s, exact */
	num_acc_sum(s->acc, &sx);
	num_set_int(&n, s->acc->n, 0);
	err = num_mul(&sx2, &n, &s->acc->sum2);
	if (!err)
		err = num_mul(&sx, &sx, &sx);
	if (!err)
		err = num_sub(&sx2, &sx2, &sx);
	if (err)
		goto error;
	num_round(&sx2, &sx2, 2 * num_acc_scale(s->acc));
	if (num_sign(&sx2) <= 0) {
		num_set_int(&r, 0, 0);
	} else {
		num_set_int(&den, (__int128)s->acc->n * (sample ? s->acc->n - 1 : s->acc->n), 0);
		int rscale = num_select_div_scale(&sx2, &den);
		err = num_div_scale(&r, &sx2, &den, rscale, 1);
		if (!err && (what & 2))
			err = num_sqrt_scale(&r, &r, rscale);
		if (err)
			goto error;
	}
	fn_result_num(ctx, &r);
	goto cleanup;
error:
	fn_result_numerr(ctx, err);
cleanup:
	num_clear(&sx);
	num_clear(&sx2);
	num_clear(&n);
	num_clear(&den);
	num_clear(&r);
}

static void var_samp_num_value(sqlite3_context *ctx) { var_num_result(ctx, 1); }
static void var_pop_num_value(sqlite3_context *ctx) { var_num_result(ctx, 0); }
static void stddev_samp_num_value(sqlite3_context *ctx) { var_num_result(ctx, 3); }
static void stddev_pop_num_value(sqlite3_context *ctx) { var_num_result(ctx, 2); }

#define NUM_FINAL(name, value) \
	static void name(sqlite3_context *ctx) \
	{ \
		value(ctx); \
		num_acc_free(ctx); \
	}
NUM_FINAL(sum_num_final, sum_num_value)
NUM_FINAL(avg_num_final, avg_num_value)
NUM_FINAL(var_samp_num_final, var_samp_num_value)
NUM_FINAL(var_pop_num_final, var_pop_num_value)
NUM_FINAL(stddev_samp_num_final, stddev_samp_num_value)
NUM_FINAL(stddev_pop_num_final, stddev_pop_num_value)

/* ------------------------------------------------------------ floats */

/*
 * The frame's values in order (a queue: rows leave a window frame from its
 * front), summed again for each result so rounding follows PostgreSQL's
 * order of evaluation.
 */
struct fq {
	double *v;
	long long head, len, cap;
};

struct fq_state {
	struct fq *q;	/* malloc'ed */
};

/* user data: bits 0-3 what (FQ_*), bit 4 float4 input */
enum { FQ_SUM, FQ_AVG, FQ_VAR_SAMP, FQ_VAR_POP, FQ_STDDEV_SAMP, FQ_STDDEV_POP };

static void fq_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int single = (int)(((intptr_t)sqlite3_user_data(ctx) >> 4) & 1);
	struct fq_state *s;
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
	if (s && !s->q)
		s->q = calloc(1, sizeof(*s->q));
	if (!s || !s->q) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	struct fq *q = s->q;
	if (q->head > 0 && q->head == q->len) {
		q->head = q->len = 0;
	}
	if (q->len == q->cap) {
		if (q->head > q->cap / 2) {
			memmove(q->v, q->v + q->head, sizeof(double) * (size_t)(q->len - q->head));
			q->len -= q->head;
			q->head = 0;
		} else {
			long long nc = q->cap ? q->cap * 2 : 16;
			double *nv = realloc(q->v, sizeof(double) * (size_t)nc);
			if (!nv) {
				sqlite3_result_error_nomem(ctx);
				return;
			}
			q->v = nv;
			q->cap = nc;
		}
	}
	q->v[q->len++] = x;
}

static void fq_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct fq_state *s = sqlite3_aggregate_context(ctx, 0);
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (s && s->q && s->q->head < s->q->len)
		s->q->head++;
}

static void fq_value(sqlite3_context *ctx)
{
	intptr_t d = (intptr_t)sqlite3_user_data(ctx);
	int what = (int)(d & 0xf), single = (int)((d >> 4) & 1);
	struct fq_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || !s->q || s->q->head == s->q->len)
		return;
	struct fq *q = s->q;
	if (what == FQ_SUM) {
		/* float4pl / float8pl, row by row */
		double sum = 0;
		float sum4 = 0;
		for (long long i = q->head; i < q->len; i++) {
			double x = q->v[i];
			if (single) {
				float r = i == q->head ? (float)x : sum4 + (float)x;
				if (i > q->head && isinf(r) && !isinf(sum4) && !isinf(x))
					goto overflow;
				sum4 = r;
			} else {
				double r = i == q->head ? x : sum + x;
				if (i > q->head && isinf(r) && !isinf(sum) && !isinf(x))
					goto overflow;
				sum = r;
			}
		}
		if (single)
			fn_result_float4(ctx, sum4);
		else
			fn_result_float8(ctx, sum);
		return;
	}
	/* float8_accum: N, Sx, Sxx (Youngs-Cramer) */
	double n = 0, sx = 0, sxx = 0, r;
	for (long long i = q->head; i < q->len; i++) {
		double x = q->v[i];
		double nn = n + 1.0, nsx = sx + x, nsxx = sxx;
		if (n > 0.0) {
			double tmp = x * nn - nsx;
			nsxx += tmp * tmp / (nn * n);
			if (isinf(nsx) || isinf(nsxx)) {
				if (!isinf(sx) && !isinf(x))
					goto overflow;
				nsxx = NAN;
			}
		} else if (isnan(x) || isinf(x)) {
			nsxx = NAN;
		}
		n = nn;
		sx = nsx;
		sxx = nsxx;
	}
	switch (what) {
	case FQ_AVG:
		r = sx / n;
		break;
	case FQ_VAR_SAMP:
	case FQ_STDDEV_SAMP:
		if (n <= 1.0)
			return;
		r = sxx / (n - 1.0);
		if (what == FQ_STDDEV_SAMP)
			r = sqrt(r);
		break;
	default:
		r = sxx / n;
		if (what == FQ_STDDEV_POP)
			r = sqrt(r);
		break;
	}
	fn_result_float8(ctx, r);
	return;
overflow:
	sqlite3_result_error(ctx, "value out of range: overflow", -1);
}

static void fq_final(sqlite3_context *ctx)
{
	struct fq_state *s = sqlite3_aggregate_context(ctx, 0);
	fq_value(ctx);
	if (s && s->q) {
		free(s->q->v);
		free(s->q);
		s->q = NULL;
	}
}

/* ------------------------------------------------------------ bool */

struct bool_state {
	long long ntrue, nfalse;
};

static void bool_add(sqlite3_context *ctx, sqlite3_value *v, int sign)
{
	struct bool_state *s;
	long long x;
	if (sqlite3_value_type(v) == SQLITE_NULL)
		return;
	if (fn_arg_int(ctx, v, &x))
		return;
	s = sqlite3_aggregate_context(ctx, sizeof(*s));
	if (!s) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (x)
		s->ntrue += sign;
	else
		s->nfalse += sign;
}

static void bool_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	bool_add(ctx, argv[0], 1);
}

static void bool_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	bool_add(ctx, argv[0], -1);
}

static void bool_value(sqlite3_context *ctx)
{
	int is_or = sqlite3_user_data(ctx) != NULL;
	struct bool_state *s = sqlite3_aggregate_context(ctx, 0);
	if (!s || s->ntrue + s->nfalse == 0)
		return;
	sqlite3_result_int(ctx, is_or ? s->ntrue > 0 : s->nfalse == 0);
}

/* ------------------------------------------------------------ registration */

struct agg_def {
	const char *name;
	void (*step)(sqlite3_context *, int, sqlite3_value **);
	void (*final)(sqlite3_context *);
	void (*value)(sqlite3_context *);
	void (*inverse)(sqlite3_context *, int, sqlite3_value **);
	intptr_t data;
};

static const struct agg_def aggs[] = {
	{ "pg_sum_int", int_step, sum_int_value, sum_int_value, int_inverse, 0 },
	{ "pg_sum_int8", int_step, sum_int8_value, sum_int8_value, int_inverse, 0 },
	{ "pg_avg_int", int_step, avg_int_value, avg_int_value, int_inverse, 0 },
	{ "pg_sum_numeric", num_step, sum_num_final, sum_num_value, num_inverse, 0 },
	{ "pg_avg_numeric", num_step, avg_num_final, avg_num_value, num_inverse, 0 },
	{ "pg_var_samp_numeric", num_step, var_samp_num_final, var_samp_num_value, num_inverse, 1 },
	{ "pg_var_pop_numeric", num_step, var_pop_num_final, var_pop_num_value, num_inverse, 1 },
	{ "pg_stddev_samp_numeric", num_step, stddev_samp_num_final, stddev_samp_num_value, num_inverse, 1 },
	{ "pg_stddev_pop_numeric", num_step, stddev_pop_num_final, stddev_pop_num_value, num_inverse, 1 },
	{ "pg_sum_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_SUM },
	{ "pg_sum_float8", fq_step, fq_final, fq_value, fq_inverse, FQ_SUM },
	{ "pg_avg_float", fq_step, fq_final, fq_value, fq_inverse, FQ_AVG },
	{ "pg_avg_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_AVG },
	{ "pg_var_samp_float8", fq_step, fq_final, fq_value, fq_inverse, FQ_VAR_SAMP },
	{ "pg_var_pop_float8", fq_step, fq_final, fq_value, fq_inverse, FQ_VAR_POP },
	{ "pg_stddev_samp_float8", fq_step, fq_final, fq_value, fq_inverse, FQ_STDDEV_SAMP },
	{ "pg_stddev_pop_float8", fq_step, fq_final, fq_value, fq_inverse, FQ_STDDEV_POP },
	{ "pg_var_samp_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_VAR_SAMP },
	{ "pg_var_pop_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_VAR_POP },
	{ "pg_stddev_samp_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_STDDEV_SAMP },
	{ "pg_stddev_pop_float4", fq_step, fq_final, fq_value, fq_inverse, 0x10 | FQ_STDDEV_POP },
	{ "pg_bool_and", bool_step, bool_value, bool_value, bool_inverse, 0 },
	{ "pg_bool_or", bool_step, bool_value, bool_value, bool_inverse, 1 },
};

int fn_numagg_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(aggs) / sizeof(aggs[0]); i++)
		rc = sqlite3_create_window_function(db, aggs[i].name, 1,
						    SQLITE_UTF8 | SQLITE_DETERMINISTIC,
						    (void *)aggs[i].data, aggs[i].step,
						    aggs[i].final, aggs[i].value,
						    aggs[i].inverse, NULL);
	return rc;
}
