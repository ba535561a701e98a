/*
 * The datetime module's functions other than casts and operators: the
 * clock, date_trunc, extract/date_part, age, the make_* constructors,
 * to_timestamp(float8), justify_*, date_bin, isfinite, AT TIME ZONE and
 * the sum/avg aggregates of interval.
 * Each follows the PostgreSQL 15 function named in its comment.
 */
#include "fn_datetime.h"
#include "fn_datetime_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtcalc.h"
#include "tzfile.h"
#include "util.h"

/* ================================================================ clock */

enum clockfn { CK_NOW, CK_CURRENT_TIMESTAMP, CK_LOCALTIMESTAMP, CK_CURRENT_TIME,
	       CK_LOCALTIME, CK_CURRENT_DATE };

static void fn_clock(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum clockfn which = (enum clockfn)(intptr_t)sqlite3_user_data(ctx);
	struct pgdt_value v = { 0, 0, 0, 0 };
	const char *why = NULL;
	int64_t now;
	int precision = -1;

	if (argc > 0) {
		if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
			return;
		precision = sqlite3_value_int(argv[0]);
		if (precision > 6)
			precision = 6;
	}
	if (dtf_clock(&now, &why) < 0) {
		pgfn_error(ctx, "%s", why);
		return;
	}
	v.time = now;
	switch (which) {
	case CK_NOW:
		dtf_result(ctx, PGK_TIMESTAMPTZ, &v);
		return;
	case CK_CURRENT_TIMESTAMP:
	case CK_LOCALTIMESTAMP:
		if (dt_ts_round(&v.time, precision, &why) < 0) {
			pgfn_error(ctx, "%s", why);
			return;
		}
		dtf_result(ctx, which == CK_LOCALTIMESTAMP ? PGK_TIMESTAMP :
				PGK_TIMESTAMPTZ, &v);
		return;
	case CK_CURRENT_TIME:
	case CK_LOCALTIME:
		v.time = now % DT_USECS_PER_DAY;
		if (v.time < 0)
			v.time += DT_USECS_PER_DAY;
		dt_time_round(&v.time, precision);
		dtf_result(ctx, which == CK_LOCALTIME ? PGK_TIME : PGK_TIMETZ, &v);
		return;
	case CK_CURRENT_DATE:
		if (dt_ts2date(now, &v.date, &why) < 0) {
			pgfn_error(ctx, "%s", why);
			return;
		}
		dtf_result(ctx, PGK_DATE, &v);
		return;
	}
}

/* ================================================================ units */

enum {
	U_UNKNOWN, U_UNITS, U_RESERV,
};
enum {
	D_EPOCH = 1, D_OTHER_RESERVED, D_MICROSEC, D_MILLISEC, D_SECOND,
	D_MINUTE, D_HOUR, D_DAY, D_WEEK, D_MONTH, D_QUARTER, D_YEAR, D_DECADE,
	D_CENTURY, D_MILLENNIUM, D_JULIAN, D_DOW, D_DOY, D_TZ, D_TZ_HOUR,
	D_TZ_MINUTE, D_ISOYEAR, D_ISODOW,
};

static const struct unitname {
	const char *token;
	int type, val;
} unit_names[] = {
	/* deltatktbl, then the UNITS and RESERV words of datetktbl */
	{ "c", U_UNITS, D_CENTURY }, { "cent", U_UNITS, D_CENTURY },
	{ "centuries", U_UNITS, D_CENTURY }, { "century", U_UNITS, D_CENTURY },
	{ "d", U_UNITS, D_DAY }, { "day", U_UNITS, D_DAY }, { "days", U_UNITS, D_DAY },
	{ "dec", U_UNITS, D_DECADE }, { "decade", U_UNITS, D_DECADE },
	{ "decades", U_UNITS, D_DECADE }, { "decs", U_UNITS, D_DECADE },
	{ "h", U_UNITS, D_HOUR }, { "hour", U_UNITS, D_HOUR },
	{ "hours", U_UNITS, D_HOUR }, { "hr", U_UNITS, D_HOUR },
	{ "hrs", U_UNITS, D_HOUR }, { "m", U_UNITS, D_MINUTE },
	{ "microsecon", U_UNITS, D_MICROSEC }, { "mil", U_UNITS, D_MILLENNIUM },
	{ "millennia", U_UNITS, D_MILLENNIUM }, { "millennium", U_UNITS, D_MILLENNIUM },
	{ "millisecon", U_UNITS, D_MILLISEC }, { "mils", U_UNITS, D_MILLENNIUM },
	{ "min", U_UNITS, D_MINUTE }, { "mins", U_UNITS, D_MINUTE },
	{ "minute", U_UNITS, D_MINUTE }, { "minutes", U_UNITS, D_MINUTE },
	{ "mon", U_UNITS, D_MONTH }, { "mons", U_UNITS, D_MONTH },
	{ "month", U_UNITS, D_MONTH }, { "months", U_UNITS, D_MONTH },
	{ "ms", U_UNITS, D_MILLISEC }, { "msec", U_UNITS, D_MILLISEC },
	{ "msecond", U_UNITS, D_MILLISEC }, { "mseconds", U_UNITS, D_MILLISEC },
	{ "msecs", U_UNITS, D_MILLISEC }, { "qtr", U_UNITS, D_QUARTER },
	{ "quarter", U_UNITS, D_QUARTER }, { "s", U_UNITS, D_SECOND },
	{ "sec", U_UNITS, D_SECOND }, { "second", U_UNITS, D_SECOND },
	{ "seconds", U_UNITS, D_SECOND }, { "secs", U_UNITS, D_SECOND },
	{ "timezone", U_UNITS, D_TZ }, { "timezone_h", U_UNITS, D_TZ_HOUR },
	{ "timezone_m", U_UNITS, D_TZ_MINUTE }, { "us", U_UNITS, D_MICROSEC },
	{ "usec", U_UNITS, D_MICROSEC }, { "usecond", U_UNITS, D_MICROSEC },
	{ "useconds", U_UNITS, D_MICROSEC }, { "usecs", U_UNITS, D_MICROSEC },
	{ "w", U_UNITS, D_WEEK }, { "week", U_UNITS, D_WEEK },
	{ "weeks", U_UNITS, D_WEEK }, { "y", U_UNITS, D_YEAR },
	{ "year", U_UNITS, D_YEAR }, { "years", U_UNITS, D_YEAR },
	{ "yr", U_UNITS, D_YEAR }, { "yrs", U_UNITS, D_YEAR },
	{ "dow", U_UNITS, D_DOW }, { "doy", U_UNITS, D_DOY },
	{ "isodow", U_UNITS, D_ISODOW }, { "isoyear", U_UNITS, D_ISOYEAR },
	{ "j", U_UNITS, D_JULIAN }, { "jd", U_UNITS, D_JULIAN },
	{ "julian", U_UNITS, D_JULIAN },
	{ "epoch", U_RESERV, D_EPOCH }, { "infinity", U_RESERV, D_OTHER_RESERVED },
	{ "-infinity", U_RESERV, D_OTHER_RESERVED }, { "now", U_RESERV, D_OTHER_RESERVED },
	{ "today", U_RESERV, D_OTHER_RESERVED }, { "tomorrow", U_RESERV, D_OTHER_RESERVED },
	{ "yesterday", U_RESERV, D_OTHER_RESERVED }, { "allballs", U_RESERV, D_OTHER_RESERVED },
};

/* downcase_truncate_identifier: ASCII letters lowered, 63 bytes at most */
static void lower_units(const char *s, char *out)
{
	size_t i;

	for (i = 0; s[i] && i < 63; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
}

#define FIRST_SPECIAL 59 /* unit_names[] from "dow" on are datetktbl's */

/*
 * DecodeUnits, then (extract, date_part) DecodeSpecial: tokens compare on
 * 10 bytes.  date_trunc knows only DecodeUnits.
 */
static int decode_units_in(const char *low, int *val, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(low, unit_names[i].token, 10) == 0) {
			*val = unit_names[i].val;
			return unit_names[i].type;
		}
	*val = 0;
	return U_UNKNOWN;
}

static int decode_units(const char *low, int *val)
{
	return decode_units_in(low, val, ARRAY_SIZE(unit_names));
}

static int decode_trunc_units(const char *low, int *val)
{
	return decode_units_in(low, val, FIRST_SPECIAL);
}

/* ============================================================ date_trunc */

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
	default:
		return "interval";
	}
}

/* timestamp_trunc / timestamptz_trunc, the latter at offset east (seconds) */
static int64_t unix_secs(int64_t t);

/*
 * date_trunc of ts seen east seconds from UTC, or in the named zone tz:
 * PostgreSQL takes the offset of the instant, and for a day or more
 * (redotz) the offset of the truncated local time.
 */
static int ts_trunc(sqlite3_context *ctx, int kind, const char *units,
		    int64_t ts, int east, const struct tzone *tz, int64_t *out)
{
	char low[64];
	struct dt_tm tm;
	int type, val;

	if (!dt_ts_finite(ts)) {
		*out = ts;
		return 0;
	}
	lower_units(units, low);
	type = decode_trunc_units(low, &val);
	if (type != U_UNITS) {
		pgfn_error(ctx, "unit \"%s\" not recognized for type %s", low,
			   type_name(kind));
		return -1;
	}
	if (tz)
		east = tz_utoff_at(tz, unix_secs(ts));
	ts += (int64_t)east * DT_USECS_PER_SEC;
	if (dt_ts2tm(ts, &tm) < 0)
		goto range;
	switch (val) {
	case D_WEEK: {
		int woy = dt_date2isoweek(tm.year, tm.mon, tm.mday);

		/* week 52/53 in January belongs to the year before, week 1 in December to the next */
		if (woy >= 52 && tm.mon == 1)
			tm.year--;
		if (woy <= 1 && tm.mon == 12)
			tm.year++;
		dt_j2date(dt_isoweek2j(tm.year, woy), &tm.year, &tm.mon, &tm.mday);
		tm.hour = tm.min = tm.sec = 0;
		tm.usec = 0;
		break;
	}
	case D_MILLENNIUM:
		if (tm.year > 0)
			tm.year = ((tm.year + 999) / 1000) * 1000 - 999;
		else
			tm.year = -((999 - (tm.year - 1)) / 1000) * 1000 + 1;
		__attribute__((fallthrough));
	case D_CENTURY:
		if (tm.year > 0)
			tm.year = ((tm.year + 99) / 100) * 100 - 99;
		else
			tm.year = -((99 - (tm.year - 1)) / 100) * 100 + 1;
		__attribute__((fallthrough));
	case D_DECADE:
		if (val != D_MILLENNIUM && val != D_CENTURY) {
			if (tm.year > 0)
				tm.year = (tm.year / 10) * 10;
			else
				tm.year = -((8 - (tm.year - 1)) / 10) * 10;
		}
		__attribute__((fallthrough));
	case D_YEAR:
		tm.mon = 1;
		__attribute__((fallthrough));
	case D_QUARTER:
		tm.mon = (3 * ((tm.mon - 1) / 3)) + 1;
		__attribute__((fallthrough));
	case D_MONTH:
		tm.mday = 1;
		__attribute__((fallthrough));
	case D_DAY:
		tm.hour = 0;
		__attribute__((fallthrough));
	case D_HOUR:
		tm.min = 0;
		__attribute__((fallthrough));
	case D_MINUTE:
		tm.sec = 0;
		__attribute__((fallthrough));
	case D_SECOND:
		tm.usec = 0;
		break;
	case D_MILLISEC:
		tm.usec = tm.usec / 1000 * 1000;
		break;
	case D_MICROSEC:
		break;
	default:
		pgfn_error(ctx, "unit \"%s\" not supported for type %s", low,
			   type_name(kind));
		return -1;
	}
	if (dt_tm2ts(&tm, out) < 0)
		goto range;
	if (tz && val != D_HOUR && val != D_MINUTE && val != D_SECOND && val != D_MILLISEC &&
	    val != D_MICROSEC)
		east = tz_utoff_for_local(tz, unix_secs(*out));
	*out -= (int64_t)east * DT_USECS_PER_SEC;
	if (!dt_ts_valid(*out))
		goto range;
	return 0;
range:
	pgfn_error(ctx, "timestamp out of range");
	return -1;
}

static int zone_or_named(sqlite3_context *ctx, const char *zone, int *east,
			 const struct tzone **tz);
static int sane_zone_east(sqlite3_context *ctx, const char *zone, int *east,
			  const struct tzone **tz);

static void fn_ts_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx), east = 0;
	struct pgdt_value v;
	const struct tzone *tz = NULL;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[1], kind, &v) < 0)
		return;
	if (argc > 2 && zone_or_named(ctx, (const char *)sqlite3_value_text(argv[2]),
				      &east, &tz) < 0)
		return;
	if (ts_trunc(ctx, kind, (const char *)sqlite3_value_text(argv[0]), v.time,
		     east, tz, &v.time) < 0)
		return;
	dtf_result(ctx, kind, &v);
}

/* interval2itm: fields of an interval, C division throughout */
struct itm {
	int64_t hour;
	int min, sec, usec, mday, mon, year;
};

static void interval2itm(const struct pgdt_value *iv, struct itm *t)
{
	int64_t time = iv->time;

	t->year = iv->month / 12;
	t->mon = iv->month % 12;
	t->mday = iv->date;
	t->hour = time / DT_USECS_PER_HOUR;
	time -= t->hour * DT_USECS_PER_HOUR;
	t->min = (int)(time / DT_USECS_PER_MINUTE);
	time -= t->min * DT_USECS_PER_MINUTE;
	t->sec = (int)(time / DT_USECS_PER_SEC);
	t->usec = (int)(time - t->sec * DT_USECS_PER_SEC);
}

static void fn_iv_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgdt_value v;
	struct itm t;
	char low[64];
	int type, val;
	int64_t months, time;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[1], PGK_INTERVAL, &v) < 0)
		return;
	lower_units((const char *)sqlite3_value_text(argv[0]), low);
	type = decode_trunc_units(low, &val);
	if (type != U_UNITS) {
		pgfn_error(ctx, "unit \"%s\" not recognized for type interval", low);
		return;
	}
	interval2itm(&v, &t);
	switch (val) {
	case D_MILLENNIUM:
		t.year = (t.year / 1000) * 1000;
		__attribute__((fallthrough));
	case D_CENTURY:
		t.year = (t.year / 100) * 100;
		__attribute__((fallthrough));
	case D_DECADE:
		t.year = (t.year / 10) * 10;
		__attribute__((fallthrough));
	case D_YEAR:
		t.mon = 0;
		__attribute__((fallthrough));
	case D_QUARTER:
		t.mon = 3 * (t.mon / 3);
		__attribute__((fallthrough));
	case D_MONTH:
		t.mday = 0;
		__attribute__((fallthrough));
	case D_DAY:
		t.hour = 0;
		__attribute__((fallthrough));
	case D_HOUR:
		t.min = 0;
		__attribute__((fallthrough));
	case D_MINUTE:
		t.sec = 0;
		__attribute__((fallthrough));
	case D_SECOND:
		t.usec = 0;
		break;
	case D_MILLISEC:
		t.usec = (t.usec / 1000) * 1000;
		break;
	case D_MICROSEC:
		break;
	default:
		pgfn_error(ctx, "unit \"%s\" not supported for type interval", low);
		return;
	}
	months = (int64_t)t.year * 12 + t.mon;
	time = t.hour * DT_USECS_PER_HOUR + t.min * DT_USECS_PER_MINUTE +
	       t.sec * DT_USECS_PER_SEC + t.usec;
	v.month = (int32_t)months;
	v.date = t.mday;
	v.time = time;
	dtf_result(ctx, PGK_INTERVAL, &v);
}

/* ==================================================== extract, date_part */

enum { R_NULL, R_INT, R_FIX, R_DBL, R_INF, R_STR };

struct part {
	int kind;        /* R_* */
	__int128 i;      /* R_INT; R_FIX: value * 10^scale; R_INF: sign */
	int scale;
	double d;        /* R_DBL */
	char str[96];    /* R_STR: numeric text */
};

static void set_int(struct part *p, int64_t v)
{
	p->kind = R_INT;
	p->i = v;
}

/* int64_div_fast_to_numeric for the numeric path, the float8 formula otherwise */
static void set_fix(struct part *p, int numeric, int64_t v, int scale, double d)
{
	if (numeric) {
		p->kind = R_FIX;
		p->i = v;
		p->scale = scale;
	} else {
		p->kind = R_DBL;
		p->d = d;
	}
}

/* leading base-10000 digit and weight of |x| (x != 0) */
static void nbase_lead(uint64_t x, int *weight, uint64_t *first)
{
	*weight = 0;
	while (x >= 10000) {
		x /= 10000;
		(*weight)++;
	}
	*first = x;
}

/*
 * extract(julian): the day number plus usec / 86400000000 as numeric
 * division gives it, with select_div_scale's scale, rounded half up.
 */
static void julian_numeric(int jd, int64_t usec, char *out)
{
	const uint64_t den = UINT64_C(86400000000);
	int w1 = 0, w2, q, rscale;
	uint64_t f1 = 0, f2;
	uint64_t rem = (uint64_t)usec;
	char frac[64];

	if (usec)
		nbase_lead((uint64_t)usec, &w1, &f1);
	nbase_lead(den, &w2, &f2);
	q = w1 - w2;
	if (f1 <= f2)
		q--;
	rscale = 16 - q * 4;
	if (rscale > 1000)
		rscale = 1000;
	if (rscale > 60)
		rscale = 60;
	/* long division, one more digit for rounding */
	for (int i = 0; i <= rscale; i++) {
		rem *= 10;
		frac[i] = (char)('0' + rem / den);
		rem %= den;
	}
	{
		int carry = frac[rscale] >= '5', i;

		for (i = rscale - 1; i >= 0 && carry; i--) {
			if (frac[i] == '9') {
				frac[i] = '0';
			} else {
				frac[i]++;
				carry = 0;
			}
		}
		if (carry)
			jd++;
	}
	frac[rscale] = '\0';
	sprintf(out, "%d.%s", jd, frac);
}

static int units_error(sqlite3_context *ctx, int type, const char *low, int kind)
{
	if (type == U_UNKNOWN)
		pgfn_error(ctx, "unit \"%s\" not recognized for type %s", low,
			   type_name(kind));
	else
		pgfn_error(ctx, "unit \"%s\" not supported for type %s", low,
			   type_name(kind));
	return -1;
}

static int year_part(int val, int year, int64_t *r)
{
	switch (val) {
	case D_YEAR:
		*r = year > 0 ? year : year - 1; /* no year 0: 1 BC is -1 */
		return 0;
	case D_DECADE:
		*r = year >= 0 ? year / 10 : -((8 - (year - 1)) / 10);
		return 0;
	case D_CENTURY:
		*r = year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100);
		return 0;
	case D_MILLENNIUM:
		*r = year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000);
		return 0;
	default:
		return -1;
	}
}

/* timestamp_part_common / timestamptz_part_common (the zone is UTC) */
static int ts_part(sqlite3_context *ctx, int kind, const char *low, int64_t ts,
		   int numeric, struct part *p)
{
	int val, type = decode_units(low, &val);
	struct dt_tm tm;
	int64_t r;

	if (!dt_ts_finite(ts)) {
		/* NonFiniteTimestampTzPart */
		if (type != U_UNITS && !(type == U_RESERV && val == D_EPOCH))
			return units_error(ctx, type, low, kind);
		switch (val) {
		case D_MICROSEC: case D_MILLISEC: case D_SECOND: case D_MINUTE:
		case D_HOUR: case D_DAY: case D_MONTH: case D_QUARTER:
		case D_WEEK: case D_DOW: case D_ISODOW: case D_DOY:
			p->kind = R_NULL;
			return 0;
		case D_TZ: case D_TZ_MINUTE: case D_TZ_HOUR:
			p->kind = R_NULL; /* even for timestamp without time zone */
			return 0;
		case D_YEAR: case D_DECADE: case D_CENTURY: case D_MILLENNIUM:
		case D_JULIAN: case D_ISOYEAR: case D_EPOCH:
			p->kind = numeric ? R_INF : R_DBL;
			p->i = ts == DT_TS_NOBEGIN ? -1 : 1;
			p->d = ts == DT_TS_NOBEGIN ? -INFINITY : INFINITY;
			return 0;
		default:
			return units_error(ctx, U_UNITS, low, kind);
		}
	}
	if (type == U_UNITS) {
		if (dt_ts2tm(ts, &tm) < 0) {
			pgfn_error(ctx, "timestamp out of range");
			return -1;
		}
		switch (val) {
		case D_MICROSEC:
			set_int(p, tm.sec * INT64_C(1000000) + tm.usec);
			return 0;
		case D_MILLISEC:
			set_fix(p, numeric, tm.sec * INT64_C(1000000) + tm.usec, 3,
				tm.sec * 1000.0 + tm.usec / 1000.0);
			return 0;
		case D_SECOND:
			set_fix(p, numeric, tm.sec * INT64_C(1000000) + tm.usec, 6,
				tm.sec + tm.usec / 1000000.0);
			return 0;
		case D_MINUTE:
			set_int(p, tm.min);
			return 0;
		case D_HOUR:
			set_int(p, tm.hour);
			return 0;
		case D_DAY:
			set_int(p, tm.mday);
			return 0;
		case D_MONTH:
			set_int(p, tm.mon);
			return 0;
		case D_QUARTER:
			set_int(p, (tm.mon - 1) / 3 + 1);
			return 0;
		case D_WEEK:
			set_int(p, dt_date2isoweek(tm.year, tm.mon, tm.mday));
			return 0;
		case D_YEAR: case D_DECADE: case D_CENTURY: case D_MILLENNIUM:
			year_part(val, tm.year, &r);
			set_int(p, r);
			return 0;
		case D_JULIAN: {
			int jd = dt_date2j(tm.year, tm.mon, tm.mday);
			int64_t us = ((tm.hour * INT64_C(60) + tm.min) * 60 + tm.sec) *
					     1000000 + tm.usec;

			if (numeric) {
				p->kind = R_STR;
				if (us == 0)
					sprintf(p->str, "%d.%028d", jd, 0);
				else
					julian_numeric(jd, us, p->str);
			} else {
				p->kind = R_DBL;
				p->d = jd + ((((tm.hour * 60) + tm.min) * 60) + tm.sec +
					     (tm.usec / 1000000.0)) / 86400.0;
			}
			return 0;
		}
		case D_ISOYEAR:
			r = dt_date2isoyear(tm.year, tm.mon, tm.mday);
			if (r <= 0)
				r -= 1;
			set_int(p, r);
			return 0;
		case D_DOW:
		case D_ISODOW:
			r = dt_j2day(dt_date2j(tm.year, tm.mon, tm.mday));
			if (val == D_ISODOW && r == 0)
				r = 7;
			set_int(p, r);
			return 0;
		case D_DOY:
			set_int(p, dt_date2j(tm.year, tm.mon, tm.mday) -
					   dt_date2j(tm.year, 1, 1) + 1);
			return 0;
		case D_TZ:
		case D_TZ_MINUTE:
		case D_TZ_HOUR:
			if (kind == PGK_TIMESTAMPTZ) {
				set_int(p, 0);
				return 0;
			}
			return units_error(ctx, U_UNITS, low, kind);
		default:
			return units_error(ctx, U_UNITS, low, kind);
		}
	}
	if (type == U_RESERV && val == D_EPOCH) {
		const int64_t epoch = -INT64_C(946684800000000); /* 1970 - 2000 */

		set_fix(p, numeric, ts - epoch, 6, (ts - epoch) / 1000000.0);
		return 0;
	}
	return units_error(ctx, type, low, kind);
}

/* extract_date (numeric only; date_part(text, date) goes through timestamp) */
static int date_part_numeric(sqlite3_context *ctx, const char *low, int32_t d,
			     struct part *p)
{
	int val, type = decode_units(low, &val), y, m, dd;
	int64_t r;

	if (!dt_date_finite(d) && (type == U_UNITS || type == U_RESERV)) {
		switch (val) {
		case D_DAY: case D_MONTH: case D_QUARTER: case D_WEEK:
		case D_DOW: case D_ISODOW: case D_DOY:
			p->kind = R_NULL;
			return 0;
		case D_YEAR: case D_DECADE: case D_CENTURY: case D_MILLENNIUM:
		case D_JULIAN: case D_ISOYEAR: case D_EPOCH:
			p->kind = R_INF;
			p->i = d == DT_DATE_NOBEGIN ? -1 : 1;
			return 0;
		default:
			return units_error(ctx, U_UNITS, low, PGK_DATE);
		}
	}
	if (type == U_UNITS) {
		dt_j2date(d + DT_EPOCH_JDATE, &y, &m, &dd);
		switch (val) {
		case D_DAY:
			set_int(p, dd);
			return 0;
		case D_MONTH:
			set_int(p, m);
			return 0;
		case D_QUARTER:
			set_int(p, (m - 1) / 3 + 1);
			return 0;
		case D_WEEK:
			set_int(p, dt_date2isoweek(y, m, dd));
			return 0;
		case D_YEAR: case D_DECADE: case D_CENTURY: case D_MILLENNIUM:
			year_part(val, y, &r);
			set_int(p, r);
			return 0;
		case D_JULIAN:
			set_int(p, (int64_t)d + DT_EPOCH_JDATE);
			return 0;
		case D_ISOYEAR:
			r = dt_date2isoyear(y, m, dd);
			if (r <= 0)
				r -= 1;
			set_int(p, r);
			return 0;
		case D_DOW:
		case D_ISODOW:
			r = dt_j2day(d + DT_EPOCH_JDATE);
			if (val == D_ISODOW && r == 0)
				r = 7;
			set_int(p, r);
			return 0;
		case D_DOY:
			set_int(p, dt_date2j(y, m, dd) - dt_date2j(y, 1, 1) + 1);
			return 0;
		default:
			return units_error(ctx, U_UNITS, low, PGK_DATE);
		}
	}
	if (type == U_RESERV) {
		if (val == D_EPOCH) {
			set_int(p, ((int64_t)d + DT_EPOCH_JDATE - DT_UNIX_EPOCH_JDATE) * 86400);
			return 0;
		}
		return units_error(ctx, U_RESERV, low, PGK_DATE);
	}
	return units_error(ctx, U_UNKNOWN, low, PGK_DATE);
}

/* time_part_common / timetz_part_common */
static int time_part(sqlite3_context *ctx, int kind, const char *low,
		     const struct pgdt_value *v, int numeric, struct part *p)
{
	int val, type = decode_units(low, &val);
	int64_t t = v->time;
	int sec = (int)(t / DT_USECS_PER_SEC % 60);
	int64_t usec = t % DT_USECS_PER_SEC;

	if (type == U_UNITS) {
		switch (val) {
		case D_MICROSEC:
			set_int(p, sec * INT64_C(1000000) + usec);
			return 0;
		case D_MILLISEC:
			set_fix(p, numeric, sec * INT64_C(1000000) + usec, 3,
				sec * 1000.0 + usec / 1000.0);
			return 0;
		case D_SECOND:
			set_fix(p, numeric, sec * INT64_C(1000000) + usec, 6,
				sec + usec / 1000000.0);
			return 0;
		case D_MINUTE:
			set_int(p, t / DT_USECS_PER_MINUTE % 60);
			return 0;
		case D_HOUR:
			set_int(p, t / DT_USECS_PER_HOUR);
			return 0;
		case D_TZ:
		case D_TZ_MINUTE:
		case D_TZ_HOUR:
			if (kind != PGK_TIMETZ)
				break;
			if (val == D_TZ)
				set_int(p, -v->zone);
			else if (val == D_TZ_MINUTE)
				set_int(p, (-v->zone / 60) % 60);
			else
				set_int(p, -v->zone / 3600);
			return 0;
		default:
			break;
		}
		return units_error(ctx, U_UNITS, low, kind);
	}
	if (type == U_RESERV && val == D_EPOCH) {
		int64_t e = kind == PGK_TIMETZ ? t + (int64_t)v->zone * DT_USECS_PER_SEC : t;

		set_fix(p, numeric, e, 6,
			kind == PGK_TIMETZ ? e / 1000000.0 : t / 1000000.0);
		return 0;
	}
	return units_error(ctx, type, low, kind);
}

/* interval_part_common */
static int iv_part(sqlite3_context *ctx, const char *low,
		   const struct pgdt_value *v, int numeric, struct part *p)
{
	int val, type = decode_units(low, &val);
	struct itm t;

	if (type == U_UNITS) {
		interval2itm(v, &t);
		switch (val) {
		case D_MICROSEC:
			set_int(p, t.sec * INT64_C(1000000) + t.usec);
			return 0;
		case D_MILLISEC:
			set_fix(p, numeric, t.sec * INT64_C(1000000) + t.usec, 3,
				t.sec * 1000.0 + t.usec / 1000.0);
			return 0;
		case D_SECOND:
			set_fix(p, numeric, t.sec * INT64_C(1000000) + t.usec, 6,
				t.sec + t.usec / 1000000.0);
			return 0;
		case D_MINUTE:
			set_int(p, t.min);
			return 0;
		case D_HOUR:
			set_int(p, t.hour);
			return 0;
		case D_DAY:
			set_int(p, t.mday);
			return 0;
		case D_MONTH:
			set_int(p, t.mon);
			return 0;
		case D_QUARTER:
			set_int(p, t.mon / 3 + 1);
			return 0;
		case D_YEAR:
			set_int(p, t.year);
			return 0;
		case D_DECADE:
			set_int(p, t.year / 10);
			return 0;
		case D_CENTURY:
			set_int(p, t.year / 100);
			return 0;
		case D_MILLENNIUM:
			set_int(p, t.year / 1000);
			return 0;
		default:
			return units_error(ctx, U_UNITS, low, PGK_INTERVAL);
		}
	}
	if (type == U_RESERV && val == D_EPOCH) {
		if (numeric) {
			/* 365.25-day years and 30-day months, times 4 to stay integral */
			int64_t secs = ((int64_t)(4 * 365.25) * (v->month / 12) +
					(int64_t)(4 * 30) * (v->month % 12) +
					(int64_t)4 * v->date) * (86400 / 4);
			p->kind = R_FIX;
			p->i = (__int128)secs * 1000000 + v->time;
			p->scale = 6;
		} else {
			double r = v->time / 1000000.0;

			r += (365.25 * 86400) * (v->month / 12);
			r += (30.0 * 86400) * (v->month % 12);
			r += 86400.0 * v->date;
			p->kind = R_DBL;
			p->d = r;
		}
		return 0;
	}
	return units_error(ctx, type, low, PGK_INTERVAL);
}

static void part_result(sqlite3_context *ctx, const struct part *p, int numeric)
{
	char buf[96];

	switch (p->kind) {
	case R_NULL:
		sqlite3_result_null(ctx);
		return;
	case R_INT:
		if (numeric)
			snprintf(buf, sizeof(buf), "%lld", (long long)p->i);
		else
			dtf_float8_text((double)p->i, buf);
		break;
	case R_FIX: {
		unsigned __int128 a = p->i < 0 ? -(unsigned __int128)p->i :
						 (unsigned __int128)p->i;
		uint64_t pow = 1, whole;

		for (int i = 0; i < p->scale; i++)
			pow *= 10;
		/* the whole part fits 64 bits for every value met here */
		whole = (uint64_t)(a / pow);
		snprintf(buf, sizeof(buf), "%s%llu.%0*llu", p->i < 0 ? "-" : "",
			 (unsigned long long)whole, p->scale,
			 (unsigned long long)(a % pow));
		break;
	}
	case R_DBL:
		dtf_float8_text(p->d, buf);
		break;
	case R_INF:
		strcpy(buf, p->i < 0 ? "-Infinity" : "Infinity");
		break;
	default:
		snprintf(buf, sizeof(buf), "%s", p->str);
		break;
	}
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* user data: kind | 0x100 for the numeric result of extract() */
static void fn_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int ud = (int)(intptr_t)sqlite3_user_data(ctx);
	int kind = ud & 0xff, numeric = (ud & 0x100) != 0;
	struct pgdt_value v;
	struct part p;
	char low[64];
	const char *why = NULL;
	int rc;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[1], kind, &v) < 0)
		return;
	lower_units((const char *)sqlite3_value_text(argv[0]), low);
	memset(&p, 0, sizeof(p));
	switch (kind) {
	case PGK_DATE:
		if (numeric) {
			rc = date_part_numeric(ctx, low, v.date, &p);
			break;
		}
		/* date_part(text, date) is date_part(text, $2::timestamp) */
		if (dt_date2ts(v.date, &v.time, &why) < 0) {
			pgfn_error(ctx, "%s", why);
			return;
		}
		rc = ts_part(ctx, PGK_TIMESTAMP, low, v.time, 0, &p);
		break;
	case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ:
		rc = ts_part(ctx, kind, low, v.time, numeric, &p);
		break;
	case PGK_TIME:
	case PGK_TIMETZ:
		rc = time_part(ctx, kind, low, &v, numeric, &p);
		break;
	default:
		rc = iv_part(ctx, low, &v, numeric, &p);
		break;
	}
	if (rc < 0)
		return;
	part_result(ctx, &p, numeric);
}

/* ================================================================= age */

static void fn_age(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx);
	struct pgdt_value a, b, r;
	const char *why = NULL;

	if (pgfn_any_null(argc, argv))
		return;
	if (argc == 1) {
		/* age(x) is age(current_date::timestamp, x) */
		int64_t now;

		memset(&a, 0, sizeof(a));
		if (dtf_clock(&now, &why) < 0 || dt_ts2date(now, &a.date, &why) < 0 ||
		    dt_date2ts(a.date, &a.time, &why) < 0)
			goto err;
		if (dtf_arg(ctx, argv[0], kind, &b) < 0)
			return;
	} else if (dtf_arg(ctx, argv[0], kind, &a) < 0 ||
		   dtf_arg(ctx, argv[1], kind, &b) < 0) {
		return;
	}
	if (dt_age(a.time, b.time, &r, &why) < 0)
		goto err;
	dtf_result(ctx, PGK_INTERVAL, &r);
	return;
err:
	pgfn_error(ctx, "%s", why);
}

/* ======================================================== constructors */

static int arg_int4(sqlite3_context *ctx, sqlite3_value *v, int *out)
{
	sqlite3_int64 i = sqlite3_value_int64(v);

	if (i < INT_MIN || i > INT_MAX) {
		pgfn_error(ctx, "integer out of range");
		return -1;
	}
	*out = (int)i;
	return 0;
}

/* ValidateDate for make_date/make_timestamp: negative years are BC */
static int validate_ymd(int *y, int m, int d)
{
	if (*y < 0)
		*y += 1; /* -44 is 44 BC, astronomical year -43 */
	else if (*y == 0)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if (d > dt_days_in_month(*y, m))
		return -1;
	return 0;
}

static int julian_ok(int y, int m, int d)
{
	return (y > -4713 || (y == -4713 && (m > 11 || (m == 11 && d >= 24)))) &&
	       (y < 5874898 || (y == 5874898 && (m < 6 || (m == 6 && d < 3))));
}

static void fn_make_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int y, m, d, yy;
	int64_t date;
	struct pgdt_value v = { 0, 0, 0, 0 };

	if (pgfn_any_null(argc, argv) || arg_int4(ctx, argv[0], &y) < 0 ||
	    arg_int4(ctx, argv[1], &m) < 0 || arg_int4(ctx, argv[2], &d) < 0)
		return;
	yy = y;
	/* make_date reports the fields as ValidateDate left them */
	if (validate_ymd(&yy, m, d) < 0) {
		pgfn_error(ctx, "date field value out of range: %d-%02d-%02d", yy, m, d);
		return;
	}
	date = (int64_t)dt_date2j(yy, m, d) - DT_EPOCH_JDATE;
	if (!julian_ok(yy, m, d) || !dt_date_valid(date)) {
		pgfn_error(ctx, "date out of range: %d-%02d-%02d", yy, m, d);
		return;
	}
	v.date = (int32_t)date;
	dtf_result(ctx, PGK_DATE, &v);
}

/* PostgreSQL's own %02g: NaN and Infinity spelled its way */
static const char *pg_g(double d, char *buf)
{
	if (isnan(d))
		return "NaN";
	if (isinf(d))
		return d > 0 ? "Infinity" : "-Infinity";
	sprintf(buf, "%02g", d);
	return buf;
}

/* float_time_overflows */
static int float_time_overflows(int hour, int min, double sec)
{
	if (hour < 0 || hour > 24 || min < 0 || min >= 60)
		return 1;
	if (isnan(sec))
		return 1;
	sec = rint(sec * 1000000.0);
	if (sec < 0 || sec > 60.0 * 1000000.0)
		return 1;
	return ((((int64_t)hour * 60 + min) * 60) * 1000000) + (int64_t)sec >
	       DT_USECS_PER_DAY;
}

static void fn_make_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int h, m;
	double s;
	struct pgdt_value v = { 0, 0, 0, 0 };

	if (pgfn_any_null(argc, argv) || arg_int4(ctx, argv[0], &h) < 0 ||
	    arg_int4(ctx, argv[1], &m) < 0 || dtf_arg_double(ctx, argv[2], &s) < 0)
		return;
	if (float_time_overflows(h, m, s)) {
		char g[40];

		pgfn_error(ctx, "time field value out of range: %d:%02d:%s", h, m,
			   pg_g(s, g));
		return;
	}
	v.time = (((int64_t)h * 60 + m) * 60) * 1000000 + (int64_t)rint(s * 1000000.0);
	dtf_result(ctx, PGK_TIME, &v);
}

static int make_ts(sqlite3_context *ctx, sqlite3_value **argv, int64_t *out)
{
	int y, m, d, h, mi, yy;
	double s;
	int64_t date, time, r;

	if (arg_int4(ctx, argv[0], &y) < 0 || arg_int4(ctx, argv[1], &m) < 0 ||
	    arg_int4(ctx, argv[2], &d) < 0 || arg_int4(ctx, argv[3], &h) < 0 ||
	    arg_int4(ctx, argv[4], &mi) < 0 || dtf_arg_double(ctx, argv[5], &s) < 0)
		return -1;
	yy = y;
	if (validate_ymd(&yy, m, d) < 0) {
		pgfn_error(ctx, "date field value out of range: %d-%02d-%02d", y, m, d);
		return -1;
	}
	if (!julian_ok(yy, m, d)) {
		pgfn_error(ctx, "date out of range: %d-%02d-%02d", y, m, d);
		return -1;
	}
	date = (int64_t)dt_date2j(yy, m, d) - DT_EPOCH_JDATE;
	if (float_time_overflows(h, mi, s)) {
		char g[40];

		pgfn_error(ctx, "time field value out of range: %d:%02d:%s", h, mi,
			   pg_g(s, g));
		return -1;
	}
	time = (((int64_t)h * 60 + mi) * 60) * 1000000 + (int64_t)rint(s * 1000000.0);
	if (__builtin_mul_overflow(date, DT_USECS_PER_DAY, &r) ||
	    __builtin_add_overflow(r, time, &r) ||
	    (r < 0 && date > 0) || (r > 0 && date < -1) || !dt_ts_valid(r)) {
		char g[40];

		pgfn_error(ctx, "timestamp out of range: %d-%02d-%02d %d:%02d:%s",
			   y, m, d, h, mi, pg_g(s, g));
		return -1;
	}
	*out = r;
	return 0;
}

static void fn_make_ts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx), east = 0;
	struct pgdt_value v = { 0, 0, 0, 0 };

	if (pgfn_any_null(argc, argv) || make_ts(ctx, argv, &v.time) < 0)
		return;
	if (argc > 6) {
		/* make_timestamptz(..., zone): the fields are local time there */
		const struct tzone *tz;
		if (sane_zone_east(ctx, (const char *)sqlite3_value_text(argv[6]), &east, &tz) < 0)
			return;
		if (tz)
			east = tz_utoff_for_local(tz, unix_secs(v.time));
		v.time -= (int64_t)east * DT_USECS_PER_SEC;
		if (!dt_ts_valid(v.time)) {
			pgfn_error(ctx, "timestamp out of range");
			return;
		}
	}
	dtf_result(ctx, kind, &v);
}

/* make_interval: PostgreSQL 15 checks only the seconds */
static void fn_make_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int f[6];
	double secs;
	struct pgdt_value v = { 0, 0, 0, 0 };

	if (pgfn_any_null(argc, argv))
		return;
	for (int i = 0; i < 6; i++)
		if (arg_int4(ctx, argv[i], &f[i]) < 0)
			return;
	if (dtf_arg_double(ctx, argv[6], &secs) < 0)
		return;
	if (isinf(secs) || isnan(secs)) {
		pgfn_error(ctx, "interval out of range");
		return;
	}
	v.month = (int32_t)(uint32_t)((uint32_t)f[0] * 12u + (uint32_t)f[1]);
	v.date = (int32_t)(uint32_t)((uint32_t)f[2] * 7u + (uint32_t)f[3]);
	secs = rint(secs * 1000000.0);
	v.time = (int64_t)((uint64_t)(int64_t)f[4] * (uint64_t)DT_USECS_PER_HOUR +
			   (uint64_t)(int64_t)f[5] * (uint64_t)DT_USECS_PER_MINUTE +
			   (uint64_t)(int64_t)secs);
	dtf_result(ctx, PGK_INTERVAL, &v);
}

/* to_timestamp(float8) */
static void fn_to_timestamp_float(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	double s, orig;
	struct pgdt_value v = { 0, 0, 0, 0 };

	if (pgfn_any_null(argc, argv) || dtf_arg_double(ctx, argv[0], &s) < 0)
		return;
	orig = s;
	if (isnan(s)) {
		pgfn_error(ctx, "timestamp cannot be NaN");
		return;
	}
	if (isinf(s)) {
		v.time = s < 0 ? DT_TS_NOBEGIN : DT_TS_NOEND;
	} else {
		if (s < 86400.0 * (0 - DT_UNIX_EPOCH_JDATE) ||
		    s >= 86400.0 * (109203528 - DT_UNIX_EPOCH_JDATE)) {
			pgfn_error(ctx, "timestamp out of range: \"%g\"", orig);
			return;
		}
		s -= (double)(DT_EPOCH_JDATE - DT_UNIX_EPOCH_JDATE) * 86400;
		s = rint(s * 1000000.0);
		v.time = (int64_t)s;
		if (!dt_ts_valid(v.time)) {
			pgfn_error(ctx, "timestamp out of range: \"%g\"", orig);
			return;
		}
	}
	dtf_result(ctx, PGK_TIMESTAMPTZ, &v);
}

/* ============================================================ intervals */

enum { J_DAYS, J_HOURS, J_INTERVAL };

static void fn_justify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int which = (int)(intptr_t)sqlite3_user_data(ctx), rc;
	struct pgdt_value v, r;
	const char *why = NULL;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[0], PGK_INTERVAL, &v) < 0)
		return;
	rc = which == J_DAYS ? dt_justify_days(&v, &r, &why) :
	     which == J_HOURS ? dt_justify_hours(&v, &r, &why) :
				dt_justify_interval(&v, &r, &why);
	if (rc < 0) {
		pgfn_error(ctx, "%s", why);
		return;
	}
	dtf_result(ctx, PGK_INTERVAL, &r);
}

/* timestamp_bin / timestamptz_bin */
static void fn_bin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx);
	struct pgdt_value stride, src, origin, r = { 0, 0, 0, 0 };
	int64_t stride_usecs, diff, delta;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[0], PGK_INTERVAL, &stride) < 0 ||
	    dtf_arg(ctx, argv[1], kind, &src) < 0 || dtf_arg(ctx, argv[2], kind, &origin) < 0)
		return;
	if (!dt_ts_finite(src.time)) {
		dtf_result(ctx, kind, &src);
		return;
	}
	if (!dt_ts_finite(origin.time)) {
		pgfn_error(ctx, "origin out of range");
		return;
	}
	if (stride.month != 0) {
		pgfn_error(ctx, "timestamps cannot be binned into intervals containing months or years");
		return;
	}
	if (__builtin_mul_overflow((int64_t)stride.date, DT_USECS_PER_DAY, &stride_usecs) ||
	    __builtin_add_overflow(stride_usecs, stride.time, &stride_usecs)) {
		pgfn_error(ctx, "interval out of range");
		return;
	}
	if (stride_usecs <= 0) {
		pgfn_error(ctx, "stride must be greater than zero");
		return;
	}
	if (__builtin_sub_overflow(src.time, origin.time, &diff)) {
		pgfn_error(ctx, "interval out of range");
		return;
	}
	delta = diff - diff % stride_usecs;
	/* the start of the bin even when the origin is later */
	if (origin.time > src.time && stride_usecs > 1)
		delta -= stride_usecs;
	if (__builtin_add_overflow(origin.time, delta, &r.time) || !dt_ts_valid(r.time)) {
		pgfn_error(ctx, "timestamp out of range");
		return;
	}
	dtf_result(ctx, kind, &r);
}

static void fn_isfinite(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx);
	struct pgdt_value v;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[0], kind, &v) < 0)
		return;
	if (kind == PGK_DATE)
		sqlite3_result_int(ctx, dt_date_finite(v.date));
	else if (kind == PGK_INTERVAL)
		sqlite3_result_int(ctx, 1);
	else
		sqlite3_result_int(ctx, dt_ts_finite(v.time));
}

/* ========================================================== time zones */

/* POSIX "[name]+-h[h][:mm[:ss]]": the offset is west of UTC */
static int posix_offset(const char *s, int *east)
{
	int sign = 1, h = 0, m = 0, sec = 0, n = 0;

	if (*s == '<') {
		const char *e = strchr(s, '>');

		if (!e)
			return -1;
		s = e + 1;
	} else {
		while (isalpha((unsigned char)s[n]))
			n++;
		if (n != 0 && n < 3)
			return -1;
		s += n;
	}
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s) && h < 1000)
		h = h * 10 + (*s++ - '0');
	if (*s == ':') {
		s++;
		if (!isdigit((unsigned char)s[0]))
			return -1;
		m = 0;
		while (isdigit((unsigned char)*s))
			m = m * 10 + (*s++ - '0');
		if (*s == ':') {
			s++;
			while (isdigit((unsigned char)*s))
				sec = sec * 10 + (*s++ - '0');
		}
	}
	if (*s || h > 24 || m > 59 || sec > 59)
		return -1;
	*east = -sign * (h * 3600 + m * 60 + sec);
	return 0;
}

static int zone_lookup(const char *zone, int *east, const char **why)
{
	static char msg[400];
	char low[64];
	size_t i;

	for (i = 0; zone[i] && i < 63; i++)
		low[i] = (char)tolower((unsigned char)zone[i]);
	low[i] = '\0';
	switch (pgdt_zone_abbrev(low, east)) {
	case 1:
		return 0;
	case 2:
		snprintf(msg, sizeof(msg),
			 "time zone abbreviation \"%.60s\" is not supported by drydock: its offset depends on the date",
			 zone);
		*why = msg;
		return -1;
	default:
		break;
	}
	if (!strcmp(low, "etc/utc") || !strcmp(low, "etc/gmt") ||
	    !strcmp(low, "etc/uct") || !strcmp(low, "etc/zulu") ||
	    !strcmp(low, "etc/universal") || !strcmp(low, "universal") ||
	    !strcmp(low, "zulu") || !strcmp(low, "uct") || !strcmp(low, "gmt0") ||
	    !strcmp(low, "etc/gmt0") || !strcmp(low, "greenwich")) {
		*east = 0;
		return 0;
	}
	if (!strncmp(low, "etc/gmt", 7) && (low[7] == '+' || low[7] == '-') &&
	    posix_offset(zone + 7, east) == 0 && *east % 3600 == 0 &&
	    !strchr(zone + 7, ':'))
		return 0;
	if (posix_offset(zone, east) == 0)
		return 0;
	if (tz_load(zone))
		snprintf(msg, sizeof(msg),
			 "time zone \"%.60s\" is not supported by drydock here: named zones run over timestamp and timestamptz (AT TIME ZONE, date_trunc, make_timestamptz), not over timetz",
			 zone);
	else if (!zone[strcspn(zone, "0123456789+-:<>,")])
		/* no file, and no POSIX TZ string either (one needs an offset) */
		snprintf(msg, sizeof(msg), "time zone \"%.60s\" not recognized", zone);
	else
		snprintf(msg, sizeof(msg),
			 "time zone \"%.60s\" is not supported by drydock: only UTC, fixed offsets ('UTC', '+05:30', 'EST') and named zones ('Europe/Paris') run offline",
			 zone);
	*why = msg;
	return -1;
}

int fn_datetime_check_zone(const char *zone, int named_ok, const char **why)
{
	int east;

	if (named_ok && tz_load(zone))
		return 0;
	return zone_lookup(zone, &east, why);
}

/* Seconds since 1970 (floor) of a timestamp's microseconds since 2000. */
static int64_t unix_secs(int64_t t)
{
	int64_t s = t / DT_USECS_PER_SEC;
	if (t % DT_USECS_PER_SEC < 0)
		s--;
	return s + INT64_C(946684800);
}

int dtf_parse_named_zone(int kind, const char *s, int64_t now, struct pgdt_value *v)
{
	const char *z = strrchr(s, ' '), *why = NULL;
	const struct tzone *tz;
	char *head;
	int rc;

	if ((kind != PGK_TIMESTAMP && kind != PGK_TIMESTAMPTZ) || !z || !strchr(z, '/'))
		return -1;
	for (const char *p = z + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
			return -1;
	if (!(tz = tz_load(z + 1)))
		return -1;
	head = xstrndup(s, (size_t)(z - s));
	rc = pgdt_decode(PGK_TIMESTAMP, head, strlen(head), dtf_dateorder(), -1, now, v, &why);
	free(head);
	if (rc < 0 || !dt_ts_finite(v->time))
		return -1;
	if (kind == PGK_TIMESTAMPTZ)	/* DetermineTimeZoneOffset */
		v->time -= (int64_t)tz_utoff_for_local(tz, unix_secs(v->time)) * DT_USECS_PER_SEC;
	return 0;
}

/* A fixed offset (*east), else a named zone (*tz): over timestamps. */
static int zone_or_named(sqlite3_context *ctx, const char *zone, int *east,
			 const struct tzone **tz)
{
	const char *why = NULL;

	*tz = NULL;
	if (zone && zone_lookup(zone, east, &why) == 0)
		return 0;
	if (zone && (*tz = tz_load(zone)))
		return 0;
	pgfn_error(ctx, "%s", why ? why : "out of memory");
	return -1;
}

/*
 * parse_sane_timezone (make_timestamptz): a leading sign is an ISO offset
 * (east positive: '+05' is five hours ahead), a leading digit an error,
 * anything else a zone as AT TIME ZONE reads it.
 */
static int sane_zone_east(sqlite3_context *ctx, const char *zone, int *east,
			  const struct tzone **tz)
{
	int h = 0, m = 0, sec = 0, n;
	const char *s;

	*tz = NULL;
	if (!zone) {
		pgfn_error(ctx, "out of memory");
		return -1;
	}
	if (isdigit((unsigned char)*zone)) {
		pgfn_error(ctx, "invalid input syntax for type numeric time zone: \"%s\"", zone);
		return -1;
	}
	if (*zone != '+' && *zone != '-')
		return zone_or_named(ctx, zone, east, tz);
	/* DecodeTimezone: +h, +hh, +hhmm, +hh:mm, +hh:mm:ss */
	s = zone + 1;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	if (n == 0)
		goto bad;
	if (s[n] == ':') {
		h = atoi(s);
		s += n + 1;
		m = atoi(s);
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == ':') {
			sec = atoi(++s);
			while (isdigit((unsigned char)*s))
				s++;
		}
	} else if (n > 2) {
		int v = atoi(s);

		h = v / 100;
		m = v % 100;
		s += n;
	} else {
		h = atoi(s);
		s += n;
	}
	if (*s)
		goto bad;
	if (h < 0 || h > 15 || m < 0 || m >= 60 || sec < 0 || sec >= 60) {
		pgfn_error(ctx, "time zone displacement out of range: \"%s\"", zone);
		return -1;
	}
	*east = (h * 3600 + m * 60 + sec) * (*zone == '-' ? -1 : 1);
	return 0;
bad:
	return zone_or_named(ctx, zone, east, tz);
}

/*
 * timestamp_zone and friends: user data is the value's kind, | 0x100 when
 * the zone is an interval (timestamp_izone: ISO sign, east positive).
 */
static void fn_zone(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int ud = (int)(intptr_t)sqlite3_user_data(ctx);
	int kind = ud & 0xff, east = 0;
	struct pgdt_value v, z;
	const struct tzone *tz = NULL;

	if (pgfn_any_null(argc, argv))
		return;
	if (ud & 0x100) {
		char buf[DT_BUFSZ];

		if (dtf_arg(ctx, argv[0], PGK_INTERVAL, &z) < 0)
			return;
		if (z.month != 0 || z.date != 0) {
			dt_interval_out(&z, buf);
			pgfn_error(ctx, "interval time zone \"%s\" must not include months or days", buf);
			return;
		}
		east = (int)(z.time / DT_USECS_PER_SEC);
	} else {
		/* a fixed offset, else (over timestamps) a named zone */
		const char *zs = (const char *)sqlite3_value_text(argv[0]), *why = NULL;
		if (!zs || zone_lookup(zs, &east, &why) < 0) {
			if (!zs || kind == PGK_TIMETZ || !(tz = tz_load(zs))) {
				pgfn_error(ctx, "%s", why ? why : "out of memory");
				return;
			}
		}
	}
	if (dtf_arg(ctx, argv[1], kind, &v) < 0)
		return;
	switch (kind) {
	case PGK_TIMESTAMP:
		/* local time in the zone to UTC */
		if (dt_ts_finite(v.time)) {
			if (tz)
				east = tz_utoff_for_local(tz, unix_secs(v.time));
			v.time -= (int64_t)east * DT_USECS_PER_SEC;
			if (!dt_ts_valid(v.time)) {
				pgfn_error(ctx, "timestamp out of range");
				return;
			}
		}
		dtf_result(ctx, PGK_TIMESTAMPTZ, &v);
		return;
	case PGK_TIMESTAMPTZ:
		if (dt_ts_finite(v.time)) {
			if (tz)
				east = tz_utoff_at(tz, unix_secs(v.time));
			v.time += (int64_t)east * DT_USECS_PER_SEC;
			if (!dt_ts_valid(v.time)) {
				pgfn_error(ctx, "timestamp out of range");
				return;
			}
		}
		dtf_result(ctx, PGK_TIMESTAMP, &v);
		return;
	default: /* timetz: the same instant seen in the zone */
		v.time += ((int64_t)v.zone + east) * DT_USECS_PER_SEC;
		v.time %= DT_USECS_PER_DAY;
		if (v.time < 0)
			v.time += DT_USECS_PER_DAY;
		v.zone = -east;
		dtf_result(ctx, PGK_TIMETZ, &v);
		return;
	}
}

/* ========================================================== aggregates */

/*
 * sum(interval) and avg(interval): interval_pl over the rows, and for avg
 * the sum divided by the count as interval_avg does (interval / float8).
 * Also window functions: the inverse subtracts a row again.
 */
struct ivagg {
	struct pgdt_value sum;
	int64_t n;
	int error;
};

static void ivagg_add(sqlite3_context *ctx, sqlite3_value **argv, int sign)
{
	struct ivagg *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	struct pgdt_value v;
	const char *why = NULL;
	int rc;

	if (!a) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || a->error)
		return;
	if (dtf_arg(ctx, argv[0], PGK_INTERVAL, &v) < 0) {
		a->error = 1;
		return;
	}
	rc = sign > 0 ? dt_interval_pl(&a->sum, &v, &a->sum, &why) :
			dt_interval_mi(&a->sum, &v, &a->sum, &why);
	if (rc < 0) {
		a->error = 1;
		pgfn_error(ctx, "%s", why);
		return;
	}
	a->n += sign;
}

static void ivagg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	ivagg_add(ctx, argv, 1);
}

static void ivagg_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	ivagg_add(ctx, argv, -1);
}

static void ivagg_value(sqlite3_context *ctx)
{
	struct ivagg *a = sqlite3_aggregate_context(ctx, 0);
	int is_avg = (int)(intptr_t)sqlite3_user_data(ctx);
	struct pgdt_value r;
	const char *why = NULL;

	if (!a || a->n == 0 || a->error)
		return; /* NULL over no rows (an error was reported in the step) */
	if (!is_avg) {
		dtf_result(ctx, PGK_INTERVAL, &a->sum);
		return;
	}
	if (dt_interval_div(&a->sum, (double)a->n, &r, &why) < 0) {
		pgfn_error(ctx, "%s", why);
		return;
	}
	dtf_result(ctx, PGK_INTERVAL, &r);
}

/* ========================================================= registration */

int dtf_register_fields(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		intptr_t ud;
	} fns[] = {
		{ "pg_now", 0, fn_clock, CK_NOW },
		{ "pg_current_timestamp", -1, fn_clock, CK_CURRENT_TIMESTAMP },
		{ "pg_localtimestamp", -1, fn_clock, CK_LOCALTIMESTAMP },
		{ "pg_current_time", -1, fn_clock, CK_CURRENT_TIME },
		{ "pg_localtime", -1, fn_clock, CK_LOCALTIME },
		{ "pg_current_date", 0, fn_clock, CK_CURRENT_DATE },
		{ "pg_timestamp_trunc", 2, fn_ts_trunc, PGK_TIMESTAMP },
		{ "pg_timestamptz_trunc", 2, fn_ts_trunc, PGK_TIMESTAMPTZ },
		{ "pg_timestamptz_trunc_zone", 3, fn_ts_trunc, PGK_TIMESTAMPTZ },
		{ "pg_interval_trunc", 2, fn_iv_trunc, 0 },
		{ "pg_extract_date", 2, fn_part, PGK_DATE | 0x100 },
		{ "pg_extract_time", 2, fn_part, PGK_TIME | 0x100 },
		{ "pg_extract_timetz", 2, fn_part, PGK_TIMETZ | 0x100 },
		{ "pg_extract_timestamp", 2, fn_part, PGK_TIMESTAMP | 0x100 },
		{ "pg_extract_timestamptz", 2, fn_part, PGK_TIMESTAMPTZ | 0x100 },
		{ "pg_extract_interval", 2, fn_part, PGK_INTERVAL | 0x100 },
		{ "pg_date_part_date", 2, fn_part, PGK_DATE },
		{ "pg_date_part_time", 2, fn_part, PGK_TIME },
		{ "pg_date_part_timetz", 2, fn_part, PGK_TIMETZ },
		{ "pg_date_part_timestamp", 2, fn_part, PGK_TIMESTAMP },
		{ "pg_date_part_timestamptz", 2, fn_part, PGK_TIMESTAMPTZ },
		{ "pg_date_part_interval", 2, fn_part, PGK_INTERVAL },
		{ "pg_timestamp_age", -1, fn_age, PGK_TIMESTAMP },
		{ "pg_timestamptz_age", -1, fn_age, PGK_TIMESTAMPTZ },
		{ "pg_make_date", 3, fn_make_date, 0 },
		{ "pg_make_time", 3, fn_make_time, 0 },
		{ "pg_make_timestamp", 6, fn_make_ts, PGK_TIMESTAMP },
		{ "pg_make_timestamptz", -1, fn_make_ts, PGK_TIMESTAMPTZ },
		{ "pg_make_interval", 7, fn_make_interval, 0 },
		{ "pg_to_timestamp_float", 1, fn_to_timestamp_float, 0 },
		{ "pg_justify_days", 1, fn_justify, J_DAYS },
		{ "pg_justify_hours", 1, fn_justify, J_HOURS },
		{ "pg_justify_interval", 1, fn_justify, J_INTERVAL },
		{ "pg_timestamp_bin", 3, fn_bin, PGK_TIMESTAMP },
		{ "pg_timestamptz_bin", 3, fn_bin, PGK_TIMESTAMPTZ },
		{ "pg_date_finite", 1, fn_isfinite, PGK_DATE },
		{ "pg_timestamp_finite", 1, fn_isfinite, PGK_TIMESTAMP },
		{ "pg_timestamptz_finite", 1, fn_isfinite, PGK_TIMESTAMPTZ },
		{ "pg_interval_finite", 1, fn_isfinite, PGK_INTERVAL },
		{ "pg_timestamp_zone", 2, fn_zone, PGK_TIMESTAMP },
		{ "pg_timestamptz_zone", 2, fn_zone, PGK_TIMESTAMPTZ },
		{ "pg_timetz_zone", 2, fn_zone, PGK_TIMETZ },
		{ "pg_timestamp_izone", 2, fn_zone, PGK_TIMESTAMP | 0x100 },
		{ "pg_timestamptz_izone", 2, fn_zone, PGK_TIMESTAMPTZ | 0x100 },
		{ "pg_timetz_izone", 2, fn_zone, PGK_TIMETZ | 0x100 },
	};
	int rc = SQLITE_OK;

	if (strcmp(unit_names[FIRST_SPECIAL].token, "dow") != 0)
		return SQLITE_INTERNAL;
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(fns); i++)
		rc = sqlite3_create_function(db, fns[i].name, fns[i].nargs,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)fns[i].ud, fns[i].fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_window_function(db, "pg_interval_sum", 1,
						    SQLITE_UTF8 | SQLITE_DETERMINISTIC,
						    (void *)0, ivagg_step, ivagg_value,
						    ivagg_value, ivagg_inverse, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_window_function(db, "pg_interval_avg", 1,
						    SQLITE_UTF8 | SQLITE_DETERMINISTIC,
						    (void *)1, ivagg_step, ivagg_value,
						    ivagg_value, ivagg_inverse, NULL);
	return rc;
}
