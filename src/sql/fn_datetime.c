#include "fn_datetime.h"
#include "fn_datetime_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtcalc.h"
#include "fn_shared.h"
#include "util.h"

/* ============================================================== the clock */

/*
 * The run's clock, set by the run layer (src/run/sqlfn.c) so that this
 * module and SQLite's own date functions read one value.
 */
static struct {
	int set;
	int64_t now;     /* microseconds since 2000-01-01 UTC */
} clock_state;

/* DateStyle's field order for input text: PostgreSQL's default until set */
static enum pgdt_order dateorder = PGDT_MDY;

void fn_datetime_set_dateorder(enum pgdt_order order)
{
	dateorder = order;
}

enum pgdt_order dtf_dateorder(void)
{
	return dateorder;
}

int fn_datetime_set_clock(const char *timestamptz_text)
{
	struct pgdt_value v;
	const char *why = NULL;

	if (!timestamptz_text) {
		clock_state.set = 0;
		return 0;
	}
	if (pgdt_decode(PGK_TIMESTAMPTZ, timestamptz_text, strlen(timestamptz_text),
			PGDT_ORDER_NONE, -1, 0, &v, &why) < 0 || !dt_ts_finite(v.time))
		return -1;
	clock_state.now = v.time;
	clock_state.set = 1;
	return 0;
}

int dtf_clock(int64_t *now, const char **why)
{
	if (!clock_state.set) {
		*why = "the run's clock is not set";
		return -1;
	}
	*now = clock_state.now;
	return 0;
}

/* ============================================================ reading */

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" (4 or more year digits); returns bytes read or -1 */
static int fast_date(const char *s, int *y, int *m, int *d)
{
	int n = 0, yy = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 8)
		yy = yy * 10 + (s[n++] - '0');
	if (n < 4 || s[n] != '-' || digits(s + n + 1, 2, m) < 0 ||
	    s[n + 3] != '-' || digits(s + n + 4, 2, d) < 0)
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > 28 + 3 || yy < 1)
		return -1;
	*y = yy;
	return n + 6;
}

/* "HH:MM:SS[.f{1,6}]"; returns bytes read or -1 */
static int fast_time(const char *s, int64_t *t)
{
	int h, m, sec, n = 8;
	int64_t frac = 0, scale = 100000;

	if (digits(s, 2, &h) < 0 || s[2] != ':' || digits(s + 3, 2, &m) < 0 ||
	    s[5] != ':' || digits(s + 6, 2, &sec) < 0)
		return -1;
	if (h > 24 || m > 59 || sec > 59 || (h == 24 && (m || sec)))
		return -1;
	if (s[8] == '.') {
		n = 9;
		while (s[n] >= '0' && s[n] <= '9' && scale > 0) {
			frac += (s[n] - '0') * scale;
			scale /= 10;
			n++;
		}
		if (n == 9 || (s[n] >= '0' && s[n] <= '9'))
			return -1;
		if (h == 24 && frac)
			return -1;
	}
	*t = ((int64_t)h * 3600 + m * 60 + sec) * DT_USECS_PER_SEC + frac;
	return n;
}

/* "+HH[:MM[:SS]]" to seconds west; bytes read or -1 */
static int fast_zone(const char *s, int32_t *zone)
{
	int h, m = 0, sec = 0, n = 3;

	if ((s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &h) < 0)
		return -1;
	if (s[3] == ':') {
		if (digits(s + 4, 2, &m) < 0)
			return -1;
		n = 6;
		if (s[6] == ':') {
			if (digits(s + 7, 2, &sec) < 0)
				return -1;
			n = 9;
		}
	}
	if (h > 15 || m > 59 || sec > 59)
		return -1;
	*zone = (h * 3600 + m * 60 + sec) * (s[0] == '+' ? -1 : 1);
	return n;
}

/* a signed decimal integer up to a space or the end; bytes read or -1 */
static int fast_int(const char *s, int64_t *v)
{
	int n = 0, neg = 0;
	int64_t r = 0;

	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		n = 1;
	}
	if (s[n] < '0' || s[n] > '9')
		return -1;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (r > INT64_C(100000000000))
			return -1;
		r = r * 10 + (s[n] - '0');
	}
	*v = neg ? -r : r;
	return n;
}

/*
 * IntervalStyle postgres output: "[N year[s]] [N mon[s]] [N day[s]]
 * [[+-]H+:MM:SS[.f]]", or "00:00:00".
 */
static int fast_interval(const char *s, struct pgdt_value *v)
{
	int64_t months = 0, n;
	int k, seen = 0, stage = 0; /* the units come in output order, once */

	while (*s) {
		if (seen && *s++ != ' ')
			return -1;
		seen = 1;
		/* a time part is the last */
		if (strchr(s, ':')) {
			int neg = 0, m, sec;
			int64_t h, frac = 0, scale = 100000;

			if (*s == '-' || *s == '+')
				neg = *s++ == '-';
			if (*s == '-' || *s == '+')
				return -1;
			k = fast_int(s, &h);
			if (k < 2 || s[k] != ':' || h > INT64_C(2562047787))
				return -1;
			s += k;
			if (digits(s + 1, 2, &m) < 0 || s[3] != ':' ||
			    digits(s + 4, 2, &sec) < 0 || m > 59 || sec > 59)
				return -1;
			s += 6;
			if (*s == '.') {
				s++;
				if (*s < '0' || *s > '9')
					return -1;
				while (*s >= '0' && *s <= '9' && scale > 0) {
					frac += (*s++ - '0') * scale;
					scale /= 10;
				}
			}
			if (*s)
				return -1;
			v->time = ((h * 60 + m) * 60 + sec) * DT_USECS_PER_SEC + frac;
			if (neg)
				v->time = -v->time;
			break;
		}
		k = fast_int(s, &n);
		if (k < 0 || s[k] != ' ')
			return -1;
		s += k + 1;
		if (!strncmp(s, "years", 5) || !strncmp(s, "year", 4)) {
			if (stage >= 1)
				return -1;
			stage = 1;
			months += n * 12;
			s += s[4] == 's' ? 5 : 4;
		} else if (!strncmp(s, "mons", 4) || !strncmp(s, "mon", 3)) {
			if (stage >= 2)
				return -1;
			stage = 2;
			months += n;
			s += s[3] == 's' ? 4 : 3;
		} else if (!strncmp(s, "days", 4) || !strncmp(s, "day", 3)) {
			if (stage >= 3)
				return -1;
			stage = 3;
			if (n < INT32_MIN || n > INT32_MAX)
				return -1;
			v->date = (int32_t)n;
			s += s[3] == 's' ? 4 : 3;
		} else {
			return -1;
		}
		if (*s && *s != ' ')
			return -1;
	}
	if (!seen || months < INT32_MIN || months > INT32_MAX)
		return -1;
	v->month = (int32_t)months;
	return 0;
}

/*
 * The canonical output forms, read without the general decoder; 0, or -1
 * when the text is in another form (the decoder then decides).
 */
static int fast_parse(int kind, const char *s, struct pgdt_value *v)
{
	int y, m, d, n, bc = 0;
	int64_t t = 0;

	memset(v, 0, sizeof(*v));
	switch (kind) {
	case PGK_DATE:
	case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ:
		if (s[0] == 'i' && !strcmp(s, "infinity")) {
			if (kind == PGK_DATE)
				v->date = DT_DATE_NOEND;
			else
				v->time = DT_TS_NOEND;
			return 0;
		}
		if (s[0] == '-' && !strcmp(s, "-infinity")) {
			if (kind == PGK_DATE)
				v->date = DT_DATE_NOBEGIN;
			else
				v->time = DT_TS_NOBEGIN;
			return 0;
		}
		n = fast_date(s, &y, &m, &d);
		if (n < 0)
			return -1;
		s += n;
		if (kind != PGK_DATE) {
			if (*s++ != ' ')
				return -1;
			n = fast_time(s, &t);
			if (n < 0 || t >= DT_USECS_PER_DAY)
				return -1;
			s += n;
			if (kind == PGK_TIMESTAMPTZ) {
				if (s[0] != '+' || s[1] != '0' || s[2] != '0')
					return -1;
				s += 3;
			}
		}
		if (!strcmp(s, " BC"))
			bc = 1;
		else if (*s)
			return -1;
		if (bc)
			y = -(y - 1);
		if (d > dt_days_in_month(y, m))
			return -1;
		if (y < -4712 || y > 294276) /* the decoder checks the ends */
			return -1;
		if (kind == PGK_DATE) {
			v->date = dt_date2j(y, m, d) - DT_EPOCH_JDATE;
			return 0;
		}
		v->time = ((int64_t)dt_date2j(y, m, d) - DT_EPOCH_JDATE) *
				  DT_USECS_PER_DAY + t;
		return 0;
	case PGK_TIME:
		n = fast_time(s, &v->time);
		return n < 0 || s[n] ? -1 : 0;
	case PGK_TIMETZ:
		n = fast_time(s, &v->time);
		if (n < 0)
			return -1;
		s += n;
		n = fast_zone(s, &v->zone);
		return n < 0 || s[n] ? -1 : 0;
	case PGK_INTERVAL:
		return fast_interval(s, v);
	default:
		return -1;
	}
}

static const char *type_name(int kind)
{
	switch (kind) {
	case PGK_DATE:
		return "date";
	case PGK_TIME:
		return "time without time zone";
	case PGK_TIMETZ:
		return "time with time zone";
	case PGK_TIMESTAMP:
		return "timestamp without time zone";
	case PGK_TIMESTAMPTZ:
		return "timestamp with time zone";
	case PGK_INTERVAL:
		return "interval";
	default:
		return "text";
	}
}

int dtf_parse(sqlite3_context *ctx, int kind, const char *s, int range,
	      struct pgdt_value *v)
{
	const char *why = NULL;
	int64_t now;

	if (fast_parse(kind, s, v) == 0)
		return 0;
	if (dtf_clock(&now, &why) < 0)
		now = PGDT_NO_CLOCK; /* only 'now' and friends need it */
	if (pgdt_decode(kind, s, strlen(s), dateorder, range, now, v, &why) < 0 &&
	    dtf_parse_named_zone(kind, s, now, v) < 0) {
		struct pgdt_value ignored;
		const char *why2;

		if (!strcmp(why, "interval out of range") ||
		    !strcmp(why, "the run's clock is not set"))
			pgfn_error(ctx, "%s", why);
		else if (dateorder == PGDT_ORDER_NONE &&
			 pgdt_decode(kind, s, strlen(s), PGDT_MDY, range, now,
				     &ignored, &why2) == 0)
			/* only DateStyle's field order was missing */
			pgfn_error(ctx, "%s: \"%s\" (DateStyle's field order decides it, and the "
				   "staging file does not record the target's: snapshot again)",
				   why, s);
		else
			pgfn_error(ctx, "%s: \"%s\"", why, s);
		return -1;
	}
	return 0;
}

int dtf_arg(sqlite3_context *ctx, sqlite3_value *arg, int kind,
	    struct pgdt_value *v)
{
	const char *s = (const char *)sqlite3_value_text(arg);

	if (!s) {
		pgfn_error(ctx, "out of memory");
		return -1;
	}
	return dtf_parse(ctx, kind, s, -1, v);
}

/* a float8 argument: REAL, INTEGER, or float8 text ('1.5', 'NaN', 'Infinity') */
int dtf_arg_double(sqlite3_context *ctx, sqlite3_value *arg, double *d)
{
	const char *s;
	char *end;

	switch (sqlite3_value_type(arg)) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		*d = sqlite3_value_double(arg);
		return 0;
	default:
		s = (const char *)sqlite3_value_text(arg);
		if (!s)
			break;
		while (isspace((unsigned char)*s))
			s++;
		*d = strtod(s, &end);
		while (end != s && isspace((unsigned char)*end))
			end++;
		if (end != s && *end == '\0')
			return 0;
		pgfn_error(ctx, "invalid input syntax for type double precision: \"%s\"", s);
		return -1;
	}
	pgfn_error(ctx, "out of memory");
	return -1;
}

/* ============================================================ results */

void dtf_result(sqlite3_context *ctx, int kind, const struct pgdt_value *v)
{
	char buf[DT_BUFSZ];

	switch (kind) {
	case PGK_DATE:
		dt_date_out(v->date, buf);
		break;
	case PGK_TIME:
		dt_time_out(v->time, buf);
		break;
	case PGK_TIMETZ:
		dt_timetz_out(v->time, v->zone, buf);
		break;
	case PGK_TIMESTAMP:
		dt_ts_out(v->time, 0, buf);
		break;
	case PGK_TIMESTAMPTZ:
		dt_ts_out(v->time, 1, buf);
		break;
	default:
		dt_interval_out(v, buf);
		break;
	}
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/*
 * float8 text as PostgreSQL prints it (extra_float_digits 1): the
 * shortest digits that read back the same, fixed notation for decimal
 * exponents -4..14, else d.ddde+XX.
 */
void dtf_float8_text(double d, char *buf)
{
	char tmp[40], digs[24];
	int prec, exp, nd = 0;
	const char *p;

	if (isnan(d)) {
		strcpy(buf, "NaN");
		return;
	}
	if (isinf(d)) {
		strcpy(buf, d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (d == 0) {
		strcpy(buf, signbit(d) ? "-0" : "0");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp: [-]d[.ddd]e[+-]XX */
	p = tmp;
	if (*p == '-')
		p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digs[nd++] = *p;
	digs[nd] = '\0';
	while (nd > 1 && digs[nd - 1] == '0')
		digs[--nd] = '\0';
	exp = atoi(p + 1);
	char *o = buf;
	if (d < 0)
		*o++ = '-';
	if (exp >= -4 && exp < 15) {
		if (exp < 0) {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -exp - 1; i++)
				*o++ = '0';
			memcpy(o, digs, (size_t)nd);
			o += nd;
		} else {
			for (int i = 0; i <= exp || i < nd; i++) {
				if (i == exp + 1)
					*o++ = '.';
				*o++ = i < nd ? digs[i] : '0';
			}
		}
		*o = '\0';
	} else {
		*o++ = digs[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, digs + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		sprintf(o, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
	}
}

void dtf_result_double(sqlite3_context *ctx, double d)
{
	char buf[48];

	dtf_float8_text(d, buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ======================================================= conversions */

/*
 * Every cast between the six types and text: from and to are kinds,
 * PGK_TEXT for text.  Extra arguments: the typmod (see fn_datetime.h).
 */
struct castinfo {
	int from, to;
};

static int do_typmod(sqlite3_context *ctx, int kind, struct pgdt_value *v,
		     int precision, int range)
{
	const char *why = NULL;

	if (precision > 6)
		precision = 6;
	switch (kind) {
	case PGK_TIME:
	case PGK_TIMETZ:
		dt_time_round(&v->time, precision);
		return 0;
	case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ:
		if (dt_ts_round(&v->time, precision, &why) < 0) {
			pgfn_error(ctx, "%s", why);
			return -1;
		}
		return 0;
	case PGK_INTERVAL:
		if (dt_interval_typmod(v, range, precision, &why) < 0) {
			pgfn_error(ctx, "%s", why);
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

int dtf_convert(sqlite3_context *ctx, int from, int to,
		const struct pgdt_value *in, struct pgdt_value *out)
{
	const char *why = NULL;
	struct pgdt_value v = *in;
	int64_t t;

	if (from == to) {
		*out = v;
		return 0;
	}
	switch (from * 64 + to) {
	case PGK_DATE * 64 + PGK_TIMESTAMP:
	case PGK_DATE * 64 + PGK_TIMESTAMPTZ:
		if (dt_date2ts(in->date, &v.time, &why) < 0)
			goto err;
		v.date = 0;
		break;
	case PGK_TIMESTAMP * 64 + PGK_DATE:
	case PGK_TIMESTAMPTZ * 64 + PGK_DATE:
		if (dt_ts2date(in->time, &v.date, &why) < 0)
			goto err;
		v.time = 0;
		break;
	case PGK_TIMESTAMP * 64 + PGK_TIMESTAMPTZ:
	case PGK_TIMESTAMPTZ * 64 + PGK_TIMESTAMP:
		break; /* the session zone is UTC */
	case PGK_TIMESTAMP * 64 + PGK_TIME:
	case PGK_TIMESTAMPTZ * 64 + PGK_TIME:
	case PGK_TIMESTAMPTZ * 64 + PGK_TIMETZ:
		if (!dt_ts_finite(in->time))
			return 1; /* NULL, as timestamp_time says */
		t = in->time % DT_USECS_PER_DAY;
		if (t < 0)
			t += DT_USECS_PER_DAY;
		memset(&v, 0, sizeof(v));
		v.time = t;
		break;
	case PGK_TIME * 64 + PGK_INTERVAL:
		v.date = v.month = v.zone = 0;
		break;
	case PGK_INTERVAL * 64 + PGK_TIME:
		/* interval_time: the time part modulo a day, made positive */
		t = in->time % DT_USECS_PER_DAY;
		if (t < 0)
			t += DT_USECS_PER_DAY;
		memset(&v, 0, sizeof(v));
		v.time = t;
		break;
	case PGK_TIME * 64 + PGK_TIMETZ:
		v.zone = 0;
		break;
	case PGK_TIMETZ * 64 + PGK_TIME:
		v.zone = 0;
		break;
	default:
		pgfn_error(ctx, "cannot cast type %s to %s", type_name(from),
			   type_name(to));
		return -1;
	}
	*out = v;
	return 0;
err:
	pgfn_error(ctx, "%s", why);
	return -1;
}

static void fn_cast(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct castinfo *ci = sqlite3_user_data(ctx);
	struct pgdt_value v, r;
	int precision = -1, range = -1;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL)
		precision = sqlite3_value_int(argv[1]);
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
		range = sqlite3_value_int(argv[2]);
	if (ci->from == PGK_TEXT) {
		const char *s = (const char *)sqlite3_value_text(argv[0]);

		if (!s || dtf_parse(ctx, ci->to, s, range, &r) < 0)
			return;
	} else {
		if (dtf_arg(ctx, argv[0], ci->from, &v) < 0)
			return;
		if (ci->to == PGK_TEXT) {
			dtf_result(ctx, ci->from, &v);
			return;
		}
		switch (dtf_convert(ctx, ci->from, ci->to, &v, &r)) {
		case 0:
			break;
		case 1:
			sqlite3_result_null(ctx);
			return;
		default:
			return;
		}
	}
	if (do_typmod(ctx, ci->to, &r, precision, range) < 0)
		return;
	dtf_result(ctx, ci->to, &r);
}

/* ========================================================== operators */

enum dtop {
	OP_DATE_PL_INT, OP_INT_PL_DATE, OP_DATE_MI_INT, OP_DATE_MI_DATE,
	OP_DATE_PL_IV, OP_IV_PL_DATE, OP_DATE_MI_IV,
	OP_DATE_PL_TIME, OP_TIME_PL_DATE, OP_DATE_PL_TIMETZ, OP_TIMETZ_PL_DATE,
	OP_TS_PL_IV, OP_IV_PL_TS, OP_TS_MI_IV, OP_TS_MI_TS,
	OP_TSTZ_PL_IV, OP_IV_PL_TSTZ, OP_TSTZ_MI_IV, OP_TSTZ_MI_TSTZ,
	OP_TIME_PL_IV, OP_IV_PL_TIME, OP_TIME_MI_IV, OP_TIME_MI_TIME,
	OP_TIMETZ_PL_IV, OP_IV_PL_TIMETZ, OP_TIMETZ_MI_IV,
	OP_IV_PL_IV, OP_IV_MI_IV, OP_IV_UM, OP_IV_MUL, OP_MUL_IV, OP_IV_DIV,
};

struct opinfo {
	enum dtop op;
	int a, b;     /* argument kinds (PGK_INT4, PGK_FLOAT8 for numbers) */
	int ret;
};

static int64_t time_wrap(int64_t t)
{
	t -= t / DT_USECS_PER_DAY * DT_USECS_PER_DAY;
	if (t < 0)
		t += DT_USECS_PER_DAY;
	return t;
}

static void fn_op(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct opinfo *oi = sqlite3_user_data(ctx);
	struct pgdt_value a = { 0, 0, 0, 0 }, b = { 0, 0, 0, 0 }, r = { 0, 0, 0, 0 };
	const char *why = NULL;
	int64_t n = 0, ts;
	double f = 0;

	if (pgfn_any_null(argc, argv))
		return;
	if (oi->a == PGK_INT4)
		n = sqlite3_value_int64(argv[0]);
	else if (oi->a == PGK_FLOAT8) {
		if (dtf_arg_double(ctx, argv[0], &f) < 0)
			return;
	} else if (dtf_arg(ctx, argv[0], oi->a, &a) < 0)
		return;
	if (argc > 1) {
		if (oi->b == PGK_INT4)
			n = sqlite3_value_int64(argv[1]);
		else if (oi->b == PGK_FLOAT8) {
			if (dtf_arg_double(ctx, argv[1], &f) < 0)
				return;
		} else if (dtf_arg(ctx, argv[1], oi->b, &b) < 0)
			return;
	}
	switch (oi->op) {
	case OP_INT_PL_DATE:
		a = b;
		__attribute__((fallthrough));
	case OP_DATE_PL_INT:
	case OP_DATE_MI_INT:
		if (oi->op == OP_DATE_MI_INT)
			n = -n;
		if (!dt_date_finite(a.date)) {
			r.date = a.date;
			break;
		}
		if (!dt_date_valid((int64_t)a.date + n)) {
			pgfn_error(ctx, "date out of range");
			return;
		}
		r.date = (int32_t)(a.date + n);
		break;
	case OP_DATE_MI_DATE:
		if (!dt_date_finite(a.date) || !dt_date_finite(b.date)) {
			pgfn_error(ctx, "cannot subtract infinite dates");
			return;
		}
		sqlite3_result_int64(ctx, (int64_t)a.date - b.date);
		return;
	case OP_IV_PL_DATE:
	case OP_IV_PL_TS:
	case OP_IV_PL_TSTZ:
		r = a;
		a = b;
		b = r;
		__attribute__((fallthrough));
	case OP_DATE_PL_IV:
	case OP_DATE_MI_IV:
	case OP_TS_PL_IV:
	case OP_TS_MI_IV:
	case OP_TSTZ_PL_IV:
	case OP_TSTZ_MI_IV:
		ts = a.time;
		if ((oi->op == OP_DATE_PL_IV || oi->op == OP_DATE_MI_IV ||
		     oi->op == OP_IV_PL_DATE) &&
		    dt_date2ts(a.date, &ts, &why) < 0)
			goto err;
		memset(&r, 0, sizeof(r));
		if (oi->op == OP_DATE_MI_IV || oi->op == OP_TS_MI_IV ||
		    oi->op == OP_TSTZ_MI_IV) {
			if (dt_ts_mi_interval(ts, &b, &r.time, &why) < 0)
				goto err;
		} else if (dt_ts_pl_interval(ts, &b, &r.time, &why) < 0) {
			goto err;
		}
		break;
	case OP_TIME_PL_DATE:
	case OP_TIMETZ_PL_DATE:
		r = a;
		a = b;
		b = r;
		__attribute__((fallthrough));
	case OP_DATE_PL_TIME:
	case OP_DATE_PL_TIMETZ:
		memset(&r, 0, sizeof(r));
		if (dt_date2ts(a.date, &r.time, &why) < 0)
			goto err;
		if (dt_ts_finite(r.time)) {
			r.time += b.time;
			if (oi->op == OP_DATE_PL_TIMETZ || oi->op == OP_TIMETZ_PL_DATE)
				r.time += (int64_t)b.zone * DT_USECS_PER_SEC;
			if (!dt_ts_valid(r.time)) {
				why = oi->op == OP_DATE_PL_TIME || oi->op == OP_TIME_PL_DATE ?
				      "timestamp out of range" :
				      "date out of range for timestamp";
				goto err;
			}
		}
		break;
	case OP_TS_MI_TS:
	case OP_TSTZ_MI_TSTZ:
		if (dt_ts_mi_ts(a.time, b.time, &r, &why) < 0)
			goto err;
		break;
	case OP_IV_PL_TIME:
	case OP_IV_PL_TIMETZ:
		r = a;
		a = b;
		b = r;
		__attribute__((fallthrough));
	case OP_TIME_PL_IV:
	case OP_TIMETZ_PL_IV:
		r = a;
		r.time = time_wrap(a.time + b.time % DT_USECS_PER_DAY);
		break;
	case OP_TIME_MI_IV:
	case OP_TIMETZ_MI_IV:
		r = a;
		r.time = time_wrap(a.time - b.time % DT_USECS_PER_DAY);
		break;
	case OP_TIME_MI_TIME:
		r.time = a.time - b.time;
		break;
	case OP_IV_PL_IV:
		if (dt_interval_pl(&a, &b, &r, &why) < 0)
			goto err;
		break;
	case OP_IV_MI_IV:
		if (dt_interval_mi(&a, &b, &r, &why) < 0)
			goto err;
		break;
	case OP_IV_UM:
		if (dt_interval_um(&a, &r, &why) < 0)
			goto err;
		break;
	case OP_MUL_IV:
		a = b;
		__attribute__((fallthrough));
	case OP_IV_MUL:
		if (dt_interval_mul(&a, f, &r, &why) < 0)
			goto err;
		break;
	case OP_IV_DIV:
		if (dt_interval_div(&a, f, &r, &why) < 0)
			goto err;
		break;
	}
	dtf_result(ctx, oi->ret, &r);
	return;
err:
	pgfn_error(ctx, "%s", why);
}

/* ========================================================== collations */

static int coll_parse(int kind, const void *p, int n, struct pgdt_value *v)
{
	char buf[256];
	int64_t now = 0;
	const char *why;

	if (n <= 0 || n >= (int)sizeof(buf))
		return -1;
	memcpy(buf, p, (size_t)n);
	buf[n] = '\0';
	if (fast_parse(kind, buf, v) == 0)
		return 0;
	if (dtf_clock(&now, &why) < 0)
		now = PGDT_NO_CLOCK;
	return pgdt_decode(kind, buf, (size_t)n, dateorder, -1, now, v, &why);
}

int dtf_compare(int kind, const struct pgdt_value *a, const struct pgdt_value *b)
{
	switch (kind) {
	case PGK_DATE:
		return a->date < b->date ? -1 : a->date > b->date;
	case PGK_TIMETZ:
		return dt_timetz_cmp(a, b);
	case PGK_INTERVAL:
		return dt_interval_cmp(a, b);
	default:
		return a->time < b->time ? -1 : a->time > b->time;
	}
}

/* values that do not parse sort after all others, by their bytes */
static int coll_cmp(void *arg, int n1, const void *p1, int n2, const void *p2)
{
	int kind = (int)(intptr_t)arg;
	struct pgdt_value a, b;
	int ea = coll_parse(kind, p1, n1, &a) < 0;
	int eb = coll_parse(kind, p2, n2, &b) < 0;

	if (!ea && !eb)
		return dtf_compare(kind, &a, &b);
	if (ea != eb)
		return ea ? 1 : -1;
	{
		int c = memcmp(p1, p2, (size_t)(n1 < n2 ? n1 : n2));
		return c ? c : n1 - n2;
	}
}

/* ====================================================== generate_series */

/*
 * generate_series(timestamp[tz], timestamp[tz], interval), as PostgreSQL
 * 15's generate_series_timestamp[tz]: start, then each value plus step
 * (in TimeZone UTC for timestamptz) while it has not passed stop; a zero
 * step is an error.  PostgreSQL 15 loops forever over an infinite start
 * or an infinite stop; drydock refuses them.
 */
static void fill_series_dt(int kind, sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	struct pgdt_value v[3], zero;
	const char *why = NULL;
	char buf[DT_BUFSZ];
	long long n = 0;
	memset(&zero, 0, sizeof(zero));
	if (nargs < 3 || !args[2])
		return;
	for (int i = 0; i < 3; i++) {
		if (sqlite3_value_type(args[i]) == SQLITE_NULL)
			return;
		if (pgdt_decode(i < 2 ? kind : PGK_INTERVAL, (const char *)sqlite3_value_text(args[i]),
				(size_t)sqlite3_value_bytes(args[i]), dateorder, -1,
				PGDT_NO_CLOCK, &v[i], &why) < 0) {
			srf_set_error(rows, why);
			return;
		}
	}
	int dir = dt_interval_cmp(&v[2], &zero);
	if (dir == 0) {
		srf_set_error(rows, "step size cannot equal zero");
		return;
	}
	if (!dt_ts_finite(v[0].time) || !dt_ts_finite(v[1].time)) {
		srf_set_error(rows, "generate_series over an infinite timestamp is not supported by drydock (PostgreSQL 15 never ends it)");
		return;
	}
	for (int64_t cur = v[0].time; dir > 0 ? cur <= v[1].time : cur >= v[1].time;) {
		if (++n > 100000000LL) {
			srf_set_error(rows, "generate_series: too many rows for drydock");
			return;
		}
		dt_ts_out(cur, kind == PGK_TIMESTAMPTZ, buf);
		srf_set_text(srf_add_row(rows), buf, strlen(buf));
		if (dt_ts_pl_interval(cur, &v[2], &cur, &why) < 0) {
			srf_set_error(rows, why);
			return;
		}
	}
}

static void fill_series_ts(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	fill_series_dt(PGK_TIMESTAMP, args, nargs, rows);
}

static void fill_series_tstz(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	fill_series_dt(PGK_TIMESTAMPTZ, args, nargs, rows);
}

static const struct srf_def series_srfs[] = {
	{ "pg_generate_series_ts", "generate_series", "start,stop,step", 3, fill_series_ts },
	{ "pg_generate_series_tstz", "generate_series", "start,stop,step", 3, fill_series_tstz },
};

static const struct pgfn_column cols_series_ts[] = { { "generate_series", PGK_TIMESTAMP } };
static const struct pgfn_column cols_series_tstz[] = { { "generate_series", PGK_TIMESTAMPTZ } };

int fn_datetime_text_cmp(int kind, const char *a, size_t alen, const char *b, size_t blen)
{
	return coll_cmp((void *)(intptr_t)kind, (int)alen, a, (int)blen, b);
}

/* ========================================================= signatures */

#define T(k) PGK_##k
#define CAST(from, to, fn, fl) { NULL, PGFN_CAST, 1, { from }, to, fn, fl }
#define OP(name, a, b, ret, fn) { name, PGFN_OP, 2, { a, b }, ret, fn, 0 }
#define FN(name, n, args, ret, fn, fl) { name, PGFN_FUNC, n, args, ret, fn, fl }
#define A(...) { __VA_ARGS__ }
#define TM PGFN_TYPMOD
#define IMPL (PGFN_IMPLICIT | PGFN_ASSIGNMENT)
#define ASSN PGFN_ASSIGNMENT

static const struct pgfn_sig sigs[] = {
	{ "generate_series", PGFN_SRF, 3, { T(TIMESTAMP), T(TIMESTAMP), T(INTERVAL) }, T(TIMESTAMP),
	  "pg_generate_series_ts", 0, cols_series_ts, 1 },
	{ "generate_series", PGFN_SRF, 3, { T(TIMESTAMPTZ), T(TIMESTAMPTZ), T(INTERVAL) }, T(TIMESTAMPTZ),
	  "pg_generate_series_tstz", 0, cols_series_tstz, 1 },
	/* input and output */
	CAST(T(TEXT), T(DATE), "pg_date_in", 0),
	CAST(T(TEXT), T(TIME), "pg_time_in", TM),
	CAST(T(TEXT), T(TIMETZ), "pg_timetz_in", TM),
	CAST(T(TEXT), T(TIMESTAMP), "pg_timestamp_in", TM),
	CAST(T(TEXT), T(TIMESTAMPTZ), "pg_timestamptz_in", TM),
	CAST(T(TEXT), T(INTERVAL), "pg_interval_in", TM),
	CAST(T(DATE), T(TEXT), "pg_date_out", 0),
	CAST(T(TIME), T(TEXT), "pg_time_out", 0),
	CAST(T(TIMETZ), T(TEXT), "pg_timetz_out", 0),
	CAST(T(TIMESTAMP), T(TEXT), "pg_timestamp_out", 0),
	CAST(T(TIMESTAMPTZ), T(TEXT), "pg_timestamptz_out", 0),
	CAST(T(INTERVAL), T(TEXT), "pg_interval_out", 0),
	/* typmods */
	CAST(T(TIME), T(TIME), "pg_time_typmod", TM | IMPL),
	CAST(T(TIMETZ), T(TIMETZ), "pg_timetz_typmod", TM | IMPL),
	CAST(T(TIMESTAMP), T(TIMESTAMP), "pg_timestamp_typmod", TM | IMPL),
	CAST(T(TIMESTAMPTZ), T(TIMESTAMPTZ), "pg_timestamptz_typmod", TM | IMPL),
	CAST(T(INTERVAL), T(INTERVAL), "pg_interval_typmod", TM | IMPL),
	/* pg_cast among the types */
	CAST(T(DATE), T(TIMESTAMP), "pg_date_timestamp", IMPL),
	CAST(T(DATE), T(TIMESTAMPTZ), "pg_date_timestamptz", IMPL),
	CAST(T(TIMESTAMP), T(DATE), "pg_timestamp_date", ASSN),
	CAST(T(TIMESTAMPTZ), T(DATE), "pg_timestamptz_date", ASSN),
	CAST(T(TIMESTAMP), T(TIMESTAMPTZ), "pg_timestamp_timestamptz", IMPL),
	CAST(T(TIMESTAMPTZ), T(TIMESTAMP), "pg_timestamptz_timestamp", ASSN),
	CAST(T(TIMESTAMP), T(TIME), "pg_timestamp_time", ASSN),
	CAST(T(TIMESTAMPTZ), T(TIME), "pg_timestamptz_time", ASSN),
	CAST(T(TIMESTAMPTZ), T(TIMETZ), "pg_timestamptz_timetz", ASSN),
	CAST(T(TIME), T(INTERVAL), "pg_time_interval", IMPL),
	CAST(T(INTERVAL), T(TIME), "pg_interval_time", ASSN),
	CAST(T(TIME), T(TIMETZ), "pg_time_timetz", IMPL),
	CAST(T(TIMETZ), T(TIME), "pg_timetz_time", ASSN),
	/* operators */
	OP("+", T(DATE), T(INT4), T(DATE), "pg_date_pli"),
	OP("+", T(INT4), T(DATE), T(DATE), "pg_integer_pl_date"),
	OP("-", T(DATE), T(INT4), T(DATE), "pg_date_mii"),
	OP("-", T(DATE), T(DATE), T(INT4), "pg_date_mi"),
	OP("+", T(DATE), T(INTERVAL), T(TIMESTAMP), "pg_date_pl_interval"),
	OP("+", T(INTERVAL), T(DATE), T(TIMESTAMP), "pg_interval_pl_date"),
	OP("-", T(DATE), T(INTERVAL), T(TIMESTAMP), "pg_date_mi_interval"),
	OP("+", T(DATE), T(TIME), T(TIMESTAMP), "pg_datetime_pl"),
	OP("+", T(TIME), T(DATE), T(TIMESTAMP), "pg_timedate_pl"),
	OP("+", T(DATE), T(TIMETZ), T(TIMESTAMPTZ), "pg_datetimetz_pl"),
	OP("+", T(TIMETZ), T(DATE), T(TIMESTAMPTZ), "pg_timetzdate_pl"),
	OP("+", T(TIMESTAMP), T(INTERVAL), T(TIMESTAMP), "pg_timestamp_pl_interval"),
	OP("+", T(INTERVAL), T(TIMESTAMP), T(TIMESTAMP), "pg_interval_pl_timestamp"),
	OP("-", T(TIMESTAMP), T(INTERVAL), T(TIMESTAMP), "pg_timestamp_mi_interval"),
	OP("-", T(TIMESTAMP), T(TIMESTAMP), T(INTERVAL), "pg_timestamp_mi"),
	OP("+", T(TIMESTAMPTZ), T(INTERVAL), T(TIMESTAMPTZ), "pg_timestamptz_pl_interval"),
	OP("+", T(INTERVAL), T(TIMESTAMPTZ), T(TIMESTAMPTZ), "pg_interval_pl_timestamptz"),
	OP("-", T(TIMESTAMPTZ), T(INTERVAL), T(TIMESTAMPTZ), "pg_timestamptz_mi_interval"),
	OP("-", T(TIMESTAMPTZ), T(TIMESTAMPTZ), T(INTERVAL), "pg_timestamptz_mi"),
	OP("+", T(TIME), T(INTERVAL), T(TIME), "pg_time_pl_interval"),
	OP("+", T(INTERVAL), T(TIME), T(TIME), "pg_interval_pl_time"),
	OP("-", T(TIME), T(INTERVAL), T(TIME), "pg_time_mi_interval"),
	OP("-", T(TIME), T(TIME), T(INTERVAL), "pg_time_mi_time"),
	OP("+", T(TIMETZ), T(INTERVAL), T(TIMETZ), "pg_timetz_pl_interval"),
	OP("+", T(INTERVAL), T(TIMETZ), T(TIMETZ), "pg_interval_pl_timetz"),
	OP("-", T(TIMETZ), T(INTERVAL), T(TIMETZ), "pg_timetz_mi_interval"),
	OP("+", T(INTERVAL), T(INTERVAL), T(INTERVAL), "pg_interval_pl"),
	OP("-", T(INTERVAL), T(INTERVAL), T(INTERVAL), "pg_interval_mi"),
	{ "-", PGFN_OP, 1, { T(INTERVAL) }, T(INTERVAL), "pg_interval_um", 0 },
	OP("*", T(INTERVAL), T(FLOAT8), T(INTERVAL), "pg_interval_mul"),
	OP("*", T(FLOAT8), T(INTERVAL), T(INTERVAL), "pg_mul_d_interval"),
	OP("/", T(INTERVAL), T(FLOAT8), T(INTERVAL), "pg_interval_div"),
	/* the clock */
	FN("now", 0, A(0), T(TIMESTAMPTZ), "pg_now", 0),
	FN("transaction_timestamp", 0, A(0), T(TIMESTAMPTZ), "pg_now", 0),
	FN("statement_timestamp", 0, A(0), T(TIMESTAMPTZ), "pg_now", 0),
	FN("clock_timestamp", 0, A(0), T(TIMESTAMPTZ), "pg_now", 0),
	/* SQL value functions (CURRENT_DATE ...), with their optional precision */
	FN("current_timestamp", 0, A(0), T(TIMESTAMPTZ), "pg_current_timestamp", 0),
	FN("current_timestamp", 1, A(T(INT4)), T(TIMESTAMPTZ), "pg_current_timestamp", 0),
	FN("localtimestamp", 0, A(0), T(TIMESTAMP), "pg_localtimestamp", 0),
	FN("localtimestamp", 1, A(T(INT4)), T(TIMESTAMP), "pg_localtimestamp", 0),
	FN("current_time", 0, A(0), T(TIMETZ), "pg_current_time", 0),
	FN("current_time", 1, A(T(INT4)), T(TIMETZ), "pg_current_time", 0),
	FN("localtime", 0, A(0), T(TIME), "pg_localtime", 0),
	FN("localtime", 1, A(T(INT4)), T(TIME), "pg_localtime", 0),
	FN("current_date", 0, A(0), T(DATE), "pg_current_date", 0),
	/* fields */
	FN("date_trunc", 2, A(T(TEXT), T(TIMESTAMP)), T(TIMESTAMP), "pg_timestamp_trunc", 0),
	FN("date_trunc", 2, A(T(TEXT), T(TIMESTAMPTZ)), T(TIMESTAMPTZ), "pg_timestamptz_trunc", 0),
	FN("date_trunc", 3, A(T(TEXT), T(TIMESTAMPTZ), T(TEXT)), T(TIMESTAMPTZ), "pg_timestamptz_trunc_zone", 0),
	FN("date_trunc", 2, A(T(TEXT), T(INTERVAL)), T(INTERVAL), "pg_interval_trunc", 0),
	FN("extract", 2, A(T(TEXT), T(DATE)), T(NUMERIC), "pg_extract_date", 0),
	FN("extract", 2, A(T(TEXT), T(TIME)), T(NUMERIC), "pg_extract_time", 0),
	FN("extract", 2, A(T(TEXT), T(TIMETZ)), T(NUMERIC), "pg_extract_timetz", 0),
	FN("extract", 2, A(T(TEXT), T(TIMESTAMP)), T(NUMERIC), "pg_extract_timestamp", 0),
	FN("extract", 2, A(T(TEXT), T(TIMESTAMPTZ)), T(NUMERIC), "pg_extract_timestamptz", 0),
	FN("extract", 2, A(T(TEXT), T(INTERVAL)), T(NUMERIC), "pg_extract_interval", 0),
	FN("date_part", 2, A(T(TEXT), T(DATE)), T(FLOAT8), "pg_date_part_date", 0),
	FN("date_part", 2, A(T(TEXT), T(TIME)), T(FLOAT8), "pg_date_part_time", 0),
	FN("date_part", 2, A(T(TEXT), T(TIMETZ)), T(FLOAT8), "pg_date_part_timetz", 0),
	FN("date_part", 2, A(T(TEXT), T(TIMESTAMP)), T(FLOAT8), "pg_date_part_timestamp", 0),
	FN("date_part", 2, A(T(TEXT), T(TIMESTAMPTZ)), T(FLOAT8), "pg_date_part_timestamptz", 0),
	FN("date_part", 2, A(T(TEXT), T(INTERVAL)), T(FLOAT8), "pg_date_part_interval", 0),
	FN("age", 2, A(T(TIMESTAMP), T(TIMESTAMP)), T(INTERVAL), "pg_timestamp_age", 0),
	FN("age", 2, A(T(TIMESTAMPTZ), T(TIMESTAMPTZ)), T(INTERVAL), "pg_timestamptz_age", 0),
	FN("age", 1, A(T(TIMESTAMP)), T(INTERVAL), "pg_timestamp_age", 0),
	FN("age", 1, A(T(TIMESTAMPTZ)), T(INTERVAL), "pg_timestamptz_age", 0),
	/* constructors */
	FN("make_date", 3, A(T(INT4), T(INT4), T(INT4)), T(DATE), "pg_make_date", 0),
	FN("make_time", 3, A(T(INT4), T(INT4), T(FLOAT8)), T(TIME), "pg_make_time", 0),
	FN("make_timestamp", 6, A(T(INT4), T(INT4), T(INT4), T(INT4), T(INT4), T(FLOAT8)),
	   T(TIMESTAMP), "pg_make_timestamp", 0),
	FN("make_timestamptz", 6, A(T(INT4), T(INT4), T(INT4), T(INT4), T(INT4), T(FLOAT8)),
	   T(TIMESTAMPTZ), "pg_make_timestamptz", 0),
	FN("make_timestamptz", 7, A(T(INT4), T(INT4), T(INT4), T(INT4), T(INT4), T(FLOAT8), T(TEXT)),
	   T(TIMESTAMPTZ), "pg_make_timestamptz", 0),
	FN("make_interval", 7, A(T(INT4), T(INT4), T(INT4), T(INT4), T(INT4), T(INT4), T(FLOAT8)),
	   T(INTERVAL), "pg_make_interval", 0),
	FN("to_timestamp", 1, A(T(FLOAT8)), T(TIMESTAMPTZ), "pg_to_timestamp_float", 0),
	/* interval */
	FN("justify_days", 1, A(T(INTERVAL)), T(INTERVAL), "pg_justify_days", 0),
	FN("justify_hours", 1, A(T(INTERVAL)), T(INTERVAL), "pg_justify_hours", 0),
	FN("justify_interval", 1, A(T(INTERVAL)), T(INTERVAL), "pg_justify_interval", 0),
	FN("date_bin", 3, A(T(INTERVAL), T(TIMESTAMP), T(TIMESTAMP)), T(TIMESTAMP), "pg_timestamp_bin", 0),
	FN("date_bin", 3, A(T(INTERVAL), T(TIMESTAMPTZ), T(TIMESTAMPTZ)), T(TIMESTAMPTZ), "pg_timestamptz_bin", 0),
	FN("isfinite", 1, A(T(DATE)), T(BOOL), "pg_date_finite", 0),
	FN("isfinite", 1, A(T(TIMESTAMP)), T(BOOL), "pg_timestamp_finite", 0),
	FN("isfinite", 1, A(T(TIMESTAMPTZ)), T(BOOL), "pg_timestamptz_finite", 0),
	FN("isfinite", 1, A(T(INTERVAL)), T(BOOL), "pg_interval_finite", 0),
	/* AT TIME ZONE */
	FN("timezone", 2, A(T(TEXT), T(TIMESTAMP)), T(TIMESTAMPTZ), "pg_timestamp_zone", 0),
	FN("timezone", 2, A(T(TEXT), T(TIMESTAMPTZ)), T(TIMESTAMP), "pg_timestamptz_zone", 0),
	FN("timezone", 2, A(T(TEXT), T(TIMETZ)), T(TIMETZ), "pg_timetz_zone", 0),
	FN("timezone", 2, A(T(INTERVAL), T(TIMESTAMP)), T(TIMESTAMPTZ), "pg_timestamp_izone", 0),
	FN("timezone", 2, A(T(INTERVAL), T(TIMESTAMPTZ)), T(TIMESTAMP), "pg_timestamptz_izone", 0),
	FN("timezone", 2, A(T(INTERVAL), T(TIMETZ)), T(TIMETZ), "pg_timetz_izone", 0),
	/* aggregates (min/max go through the orders) */
	{ "sum", PGFN_AGG, 1, { T(INTERVAL) }, T(INTERVAL), "pg_interval_sum", 0 },
	{ "avg", PGFN_AGG, 1, { T(INTERVAL) }, T(INTERVAL), "pg_interval_avg", 0 },
	/* formatting (fn_datetime_fmt.c) */
	FN("to_char", 2, A(T(TIMESTAMP), T(TEXT)), T(TEXT), "pg_timestamp_to_char", 0),
	FN("to_char", 2, A(T(TIMESTAMPTZ), T(TEXT)), T(TEXT), "pg_timestamptz_to_char", 0),
	FN("to_char", 2, A(T(INTERVAL), T(TEXT)), T(TEXT), "pg_interval_to_char", 0),
	FN("to_timestamp", 2, A(T(TEXT), T(TEXT)), T(TIMESTAMPTZ), "pg_to_timestamp", 0),
	FN("to_date", 2, A(T(TEXT), T(TEXT)), T(DATE), "pg_to_date", 0),
};

static const struct pgfn_order orders[] = {
	{ T(DATE), "pg_date" },
	{ T(TIME), "pg_time" },
	{ T(TIMETZ), "pg_timetz" },
	{ T(TIMESTAMP), "pg_timestamp" },
	{ T(TIMESTAMPTZ), "pg_timestamptz" },
	{ T(INTERVAL), "pg_interval" },
};

/* ======================================================= registration */

static const struct castinfo casts[] = {
	{ PGK_TEXT, PGK_DATE }, { PGK_TEXT, PGK_TIME }, { PGK_TEXT, PGK_TIMETZ },
	{ PGK_TEXT, PGK_TIMESTAMP }, { PGK_TEXT, PGK_TIMESTAMPTZ },
	{ PGK_TEXT, PGK_INTERVAL },
	{ PGK_DATE, PGK_TEXT }, { PGK_TIME, PGK_TEXT }, { PGK_TIMETZ, PGK_TEXT },
	{ PGK_TIMESTAMP, PGK_TEXT }, { PGK_TIMESTAMPTZ, PGK_TEXT },
	{ PGK_INTERVAL, PGK_TEXT },
	{ PGK_TIME, PGK_TIME }, { PGK_TIMETZ, PGK_TIMETZ },
	{ PGK_TIMESTAMP, PGK_TIMESTAMP }, { PGK_TIMESTAMPTZ, PGK_TIMESTAMPTZ },
	{ PGK_INTERVAL, PGK_INTERVAL },
	{ PGK_DATE, PGK_TIMESTAMP }, { PGK_DATE, PGK_TIMESTAMPTZ },
	{ PGK_TIMESTAMP, PGK_DATE }, { PGK_TIMESTAMPTZ, PGK_DATE },
	{ PGK_TIMESTAMP, PGK_TIMESTAMPTZ }, { PGK_TIMESTAMPTZ, PGK_TIMESTAMP },
	{ PGK_TIMESTAMP, PGK_TIME }, { PGK_TIMESTAMPTZ, PGK_TIME },
	{ PGK_TIMESTAMPTZ, PGK_TIMETZ }, { PGK_TIME, PGK_INTERVAL },
	{ PGK_INTERVAL, PGK_TIME }, { PGK_TIME, PGK_TIMETZ },
	{ PGK_TIMETZ, PGK_TIME },
};

static const struct opinfo ops[] = {
	{ OP_DATE_PL_INT, PGK_DATE, PGK_INT4, PGK_DATE },
	{ OP_INT_PL_DATE, PGK_INT4, PGK_DATE, PGK_DATE },
	{ OP_DATE_MI_INT, PGK_DATE, PGK_INT4, PGK_DATE },
	{ OP_DATE_MI_DATE, PGK_DATE, PGK_DATE, PGK_INT4 },
	{ OP_DATE_PL_IV, PGK_DATE, PGK_INTERVAL, PGK_TIMESTAMP },
	{ OP_IV_PL_DATE, PGK_INTERVAL, PGK_DATE, PGK_TIMESTAMP },
	{ OP_DATE_MI_IV, PGK_DATE, PGK_INTERVAL, PGK_TIMESTAMP },
	{ OP_DATE_PL_TIME, PGK_DATE, PGK_TIME, PGK_TIMESTAMP },
	{ OP_TIME_PL_DATE, PGK_TIME, PGK_DATE, PGK_TIMESTAMP },
	{ OP_DATE_PL_TIMETZ, PGK_DATE, PGK_TIMETZ, PGK_TIMESTAMPTZ },
	{ OP_TIMETZ_PL_DATE, PGK_TIMETZ, PGK_DATE, PGK_TIMESTAMPTZ },
	{ OP_TS_PL_IV, PGK_TIMESTAMP, PGK_INTERVAL, PGK_TIMESTAMP },
	{ OP_IV_PL_TS, PGK_INTERVAL, PGK_TIMESTAMP, PGK_TIMESTAMP },
	{ OP_TS_MI_IV, PGK_TIMESTAMP, PGK_INTERVAL, PGK_TIMESTAMP },
	{ OP_TS_MI_TS, PGK_TIMESTAMP, PGK_TIMESTAMP, PGK_INTERVAL },
	{ OP_TSTZ_PL_IV, PGK_TIMESTAMPTZ, PGK_INTERVAL, PGK_TIMESTAMPTZ },
	{ OP_IV_PL_TSTZ, PGK_INTERVAL, PGK_TIMESTAMPTZ, PGK_TIMESTAMPTZ },
	{ OP_TSTZ_MI_IV, PGK_TIMESTAMPTZ, PGK_INTERVAL, PGK_TIMESTAMPTZ },
	{ OP_TSTZ_MI_TSTZ, PGK_TIMESTAMPTZ, PGK_TIMESTAMPTZ, PGK_INTERVAL },
	{ OP_TIME_PL_IV, PGK_TIME, PGK_INTERVAL, PGK_TIME },
	{ OP_IV_PL_TIME, PGK_INTERVAL, PGK_TIME, PGK_TIME },
	{ OP_TIME_MI_IV, PGK_TIME, PGK_INTERVAL, PGK_TIME },
	{ OP_TIME_MI_TIME, PGK_TIME, PGK_TIME, PGK_INTERVAL },
	{ OP_TIMETZ_PL_IV, PGK_TIMETZ, PGK_INTERVAL, PGK_TIMETZ },
	{ OP_IV_PL_TIMETZ, PGK_INTERVAL, PGK_TIMETZ, PGK_TIMETZ },
	{ OP_TIMETZ_MI_IV, PGK_TIMETZ, PGK_INTERVAL, PGK_TIMETZ },
	{ OP_IV_PL_IV, PGK_INTERVAL, PGK_INTERVAL, PGK_INTERVAL },
	{ OP_IV_MI_IV, PGK_INTERVAL, PGK_INTERVAL, PGK_INTERVAL },
	{ OP_IV_UM, PGK_INTERVAL, 0, PGK_INTERVAL },
	{ OP_IV_MUL, PGK_INTERVAL, PGK_FLOAT8, PGK_INTERVAL },
	{ OP_MUL_IV, PGK_FLOAT8, PGK_INTERVAL, PGK_INTERVAL },
	{ OP_IV_DIV, PGK_INTERVAL, PGK_FLOAT8, PGK_INTERVAL },
};

/* the SQLite function of each cast and operator, in the order of casts[] and ops[] */
static const char *const cast_names[] = {
	"pg_date_in", "pg_time_in", "pg_timetz_in", "pg_timestamp_in",
	"pg_timestamptz_in", "pg_interval_in",
	"pg_date_out", "pg_time_out", "pg_timetz_out", "pg_timestamp_out",
	"pg_timestamptz_out", "pg_interval_out",
	"pg_time_typmod", "pg_timetz_typmod", "pg_timestamp_typmod",
	"pg_timestamptz_typmod", "pg_interval_typmod",
	"pg_date_timestamp", "pg_date_timestamptz", "pg_timestamp_date",
	"pg_timestamptz_date", "pg_timestamp_timestamptz",
	"pg_timestamptz_timestamp", "pg_timestamp_time", "pg_timestamptz_time",
	"pg_timestamptz_timetz", "pg_time_interval", "pg_interval_time",
	"pg_time_timetz", "pg_timetz_time",
};

static const char *const op_names[] = {
	"pg_date_pli", "pg_integer_pl_date", "pg_date_mii", "pg_date_mi",
	"pg_date_pl_interval", "pg_interval_pl_date", "pg_date_mi_interval",
	"pg_datetime_pl", "pg_timedate_pl", "pg_datetimetz_pl", "pg_timetzdate_pl",
	"pg_timestamp_pl_interval", "pg_interval_pl_timestamp",
	"pg_timestamp_mi_interval", "pg_timestamp_mi",
	"pg_timestamptz_pl_interval", "pg_interval_pl_timestamptz",
	"pg_timestamptz_mi_interval", "pg_timestamptz_mi",
	"pg_time_pl_interval", "pg_interval_pl_time", "pg_time_mi_interval",
	"pg_time_mi_time", "pg_timetz_pl_interval", "pg_interval_pl_timetz",
	"pg_timetz_mi_interval", "pg_interval_pl", "pg_interval_mi",
	"pg_interval_um", "pg_interval_mul", "pg_mul_d_interval", "pg_interval_div",
};

_Static_assert(ARRAY_SIZE(casts) == ARRAY_SIZE(cast_names), "casts");
_Static_assert(ARRAY_SIZE(ops) == ARRAY_SIZE(op_names), "ops");

static int register_fns(sqlite3 *db)
{
	const int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	int rc = SQLITE_OK;
	static const char *const coll_names[] = {
		"pg_date", "pg_time", "pg_timetz", "pg_timestamp",
		"pg_timestamptz", "pg_interval",
	};
	static const int coll_kinds[] = {
		PGK_DATE, PGK_TIME, PGK_TIMETZ, PGK_TIMESTAMP, PGK_TIMESTAMPTZ,
		PGK_INTERVAL,
	};

	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(casts); i++)
		rc = sqlite3_create_function(db, cast_names[i], -1, det,
					     (void *)&casts[i], fn_cast, NULL, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(ops); i++)
		rc = sqlite3_create_function(db, op_names[i],
					     ops[i].op == OP_IV_UM ? 1 : 2, det,
					     (void *)&ops[i], fn_op, NULL, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(coll_names); i++)
		rc = sqlite3_create_collation(db, coll_names[i], SQLITE_UTF8,
					      (void *)(intptr_t)coll_kinds[i],
					      coll_cmp);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(series_srfs); i++)
		rc = srf_register(db, &series_srfs[i]);
	if (rc == SQLITE_OK)
		rc = dtf_register_fields(db);
	if (rc == SQLITE_OK)
		rc = dtf_register_fmt(db);
	return rc;
}

const struct pgfn_module pgfn_datetime_module = {
	"datetime", sigs, (int)ARRAY_SIZE(sigs), orders, (int)ARRAY_SIZE(orders),
	register_fns,
};
