/*
 * generate_series over integers and numeric for fn_numeric (see
 * fn_numeric.h), as table-valued functions (fn_shared.h's srf_def):
 * pg_generate_series_int(start, stop [, step]) for int4 and int8 (the
 * compiler knows which by the signature; the values are the same) and
 * pg_generate_series_numeric(start, stop [, step]).  Like PostgreSQL, the
 * series stops before a value would overflow, a zero step is an error and
 * numeric values keep start's scale first, then max(start, step)'s.
 */
#include "fn_numeric.h"
#include "fn_shared.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* At most this many rows: the rows are materialised (srf_rows). */
#define SERIES_MAX_ROWS 100000000LL

static void fill_series_int(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	long long start = sqlite3_value_int64(args[0]), stop = sqlite3_value_int64(args[1]);
	long long step = 1;
	if (nargs > 2 && args[2]) {
		if (sqlite3_value_type(args[2]) == SQLITE_NULL)
			return;
		step = sqlite3_value_int64(args[2]);
	}
	if (step == 0) {
		srf_set_error(rows, "step size cannot equal zero");
		return;
	}
	long long n = 0;
	for (__int128 v = start; step > 0 ? v <= stop : v >= stop; v += step) {
		if (++n > SERIES_MAX_ROWS) {
			srf_set_error(rows, "generate_series: too many rows for drydock");
			return;
		}
		struct srf_cell *c = srf_add_row(rows);
		srf_set_int(c, (sqlite3_int64)v);
	}
}

/* Reads a numeric argument, refusing NaN and infinities as PostgreSQL 15 does. */
static int series_arg(sqlite3_value *v, const char *what, struct numval *n, struct srf_rows *rows)
{
	const char *s = (const char *)sqlite3_value_text(v);
	char msg[96];
	int err = num_parse(s ? s : "", (size_t)sqlite3_value_bytes(v), n);
	if (err) {
		srf_set_error(rows, num_errmsg(err));
		return -1;
	}
	if (n->kind == NUM_NAN) {
		snprintf(msg, sizeof(msg), "%s cannot be NaN", what);
		srf_set_error(rows, msg);
		return -1;
	}
	if (n->kind != NUM_FINITE) {
		snprintf(msg, sizeof(msg), "%s cannot be infinity", what);
		srf_set_error(rows, msg);
		return -1;
	}
	return 0;
}

static void fill_series_numeric(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	struct numval start = NUMVAL_INIT, stop = NUMVAL_INIT, step = NUMVAL_INIT;
	struct numval cur = NUMVAL_INIT;
	struct strbuf sb = STRBUF_INIT;
	long long n = 0;
	num_set_int(&step, 1, 0);
	if (series_arg(args[0], "start value", &start, rows) ||
	    series_arg(args[1], "stop value", &stop, rows))
		goto cleanup;
	if (nargs > 2 && args[2]) {
		if (sqlite3_value_type(args[2]) == SQLITE_NULL)
			goto cleanup;
		if (series_arg(args[2], "step size", &step, rows))
			goto cleanup;
	}
	int dir = num_sign(&step);
	if (dir == 0) {
		srf_set_error(rows, "step size cannot equal zero");
		goto cleanup;
	}
	num_copy(&cur, &start);
	while (dir > 0 ? num_cmp(&cur, &stop) <= 0 : num_cmp(&cur, &stop) >= 0) {
		if (++n > SERIES_MAX_ROWS) {
			srf_set_error(rows, "generate_series: too many rows for drydock");
			goto cleanup;
		}
		sb_reset(&sb);
		num_format(&cur, &sb);
		srf_set_text(srf_add_row(rows), sb.buf, sb.len);
		if (num_add(&cur, &cur, &step)) {
			srf_set_error(rows, "value overflows numeric format");
			goto cleanup;
		}
	}
cleanup:
	num_clear(&start);
	num_clear(&stop);
	num_clear(&step);
	num_clear(&cur);
	sb_release(&sb);
}

static const struct srf_def series_srfs[] = {
	{ "pg_generate_series_int", "generate_series", "start,stop,step", 2, fill_series_int },
	{ "pg_generate_series_numeric", "generate_series", "start,stop,step", 2, fill_series_numeric },
};

int fn_numsrf_register(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(series_srfs) / sizeof(series_srfs[0]); i++)
		rc = srf_register(db, &series_srfs[i]);
	return rc;
}
