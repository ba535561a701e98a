#include "dtcalc.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's limits: MIN_TIMESTAMP is 4714-11-24 BC, END_TIMESTAMP 294277-01-01 */
#define MIN_TIMESTAMP (-INT64_C(211813488000000000))
#define END_TIMESTAMP INT64_C(9223371331200000000)
#define MIN_DATE (-DT_EPOCH_JDATE)
#define END_DATE (2147483494 - DT_EPOCH_JDATE)
#define TIMESTAMP_END_JULIAN 109203528

static const char ts_range[] = "timestamp out of range";
static const char iv_range[] = "interval out of range";

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

/* ------------------------------------------------------------ calendar */

int dt_date2j(int y, int m, int d)
{
	int julian, century;

	if (m > 2) {
		m += 1;
		y += 4800;
	} else {
		m += 13;
		y += 4799;
	}
	century = y / 100;
	julian = y * 365 - 32167;
	julian += y / 4 - century + century / 4;
	julian += 7834 * m / 256 + d;
	return julian;
}

void dt_j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian, quad, extra;
	int y;

	julian = (unsigned int)jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = (int)(julian * 4 / 1461);
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
	y += (int)(quad * 4);
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = (int)(julian - 7834 * quad / 256);
	*month = (int)((quad + 10) % 12 + 1);
}

int dt_isleap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int dt_days_in_month(int y, int m)
{
	static const int tab[2][12] = {
		{ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 },
		{ 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
	};
	return tab[dt_isleap(y)][m - 1];
}

int dt_j2day(int jd)
{
	jd += 1;
	jd %= 7;
	if (jd < 0)
		jd += 7;
	return jd;
}

int dt_date_finite(int32_t d)
{
	return d != DT_DATE_NOBEGIN && d != DT_DATE_NOEND;
}

int dt_ts_finite(int64_t ts)
{
	return ts != DT_TS_NOBEGIN && ts != DT_TS_NOEND;
}

int dt_date_valid(int64_t d)
{
	return d >= MIN_DATE && d < END_DATE;
}

int dt_ts_valid(int64_t ts)
{
	return ts >= MIN_TIMESTAMP && ts < END_TIMESTAMP;
}

/* IS_VALID_JULIAN: from 4714-11-24 BC to before 5874898-06-03 */
static int valid_julian(int y, int m, int d)
{
	return (y > -4713 || (y == -4713 && (m > 11 || (m == 11 && d >= 24)))) &&
	       (y < 5874898 || (y == 5874898 && (m < 6 || (m == 6 && d < 3))));
}

int dt_ts2tm(int64_t ts, struct dt_tm *tm)
{
	int64_t date = ts / DT_USECS_PER_DAY, time = ts % DT_USECS_PER_DAY;

	if (time < 0) {
		time += DT_USECS_PER_DAY;
		date -= 1;
	}
	date += DT_EPOCH_JDATE;
	if (date < 0 || date > INT_MAX)
		return -1;
	dt_j2date((int)date, &tm->year, &tm->mon, &tm->mday);
	tm->hour = (int)(time / DT_USECS_PER_HOUR);
	time -= tm->hour * DT_USECS_PER_HOUR;
	tm->min = (int)(time / DT_USECS_PER_MINUTE);
	time -= tm->min * DT_USECS_PER_MINUTE;
	tm->sec = (int)(time / DT_USECS_PER_SEC);
	tm->usec = time - tm->sec * DT_USECS_PER_SEC;
	return 0;
}

int dt_tm2ts(const struct dt_tm *tm, int64_t *ts)
{
	int64_t date, time, r;

	if (!valid_julian(tm->year, tm->mon, tm->mday))
		return -1;
	date = (int64_t)dt_date2j(tm->year, tm->mon, tm->mday) - DT_EPOCH_JDATE;
	time = (((int64_t)tm->hour * 60 + tm->min) * 60 + tm->sec) *
		       DT_USECS_PER_SEC + tm->usec;
	if (__builtin_mul_overflow(date, DT_USECS_PER_DAY, &r) ||
	    __builtin_add_overflow(r, time, &r))
		return -1;
	if ((r < 0 && date > 0) || (r > 0 && date < -1))
		return -1;
	if (!dt_ts_valid(r))
		return -1;
	*ts = r;
	return 0;
}

/* -------------------------------------------------------------- output */

/* ".ffffff" without trailing zeros, or nothing */
static char *put_fraction(char *p, int64_t usec)
{
	if (usec < 0)
		usec = -usec;
	if (usec == 0)
		return p;
	p += sprintf(p, ".%06lld", (long long)usec);
	while (p[-1] == '0')
		p--;
	*p = '\0';
	return p;
}

static char *put_date(char *p, int y, int m, int d)
{
	return p + sprintf(p, "%04d-%02d-%02d", y > 0 ? y : -(y - 1), m, d);
}

void dt_date_out(int32_t d, char *buf)
{
	int y, m, dd;

	if (d == DT_DATE_NOBEGIN) {
		strcpy(buf, "-infinity");
		return;
	}
	if (d == DT_DATE_NOEND) {
		strcpy(buf, "infinity");
		return;
	}
	dt_j2date(d + DT_EPOCH_JDATE, &y, &m, &dd);
	buf = put_date(buf, y, m, dd);
	strcpy(buf, y <= 0 ? " BC" : "");
}

void dt_ts_out(int64_t ts, int with_tz, char *buf)
{
	struct dt_tm tm;
	char *p = buf;

	if (ts == DT_TS_NOBEGIN) {
		strcpy(buf, "-infinity");
		return;
	}
	if (ts == DT_TS_NOEND) {
		strcpy(buf, "infinity");
		return;
	}
	if (dt_ts2tm(ts, &tm) < 0) {
		strcpy(buf, "?");
		return;
	}
	p = put_date(p, tm.year, tm.mon, tm.mday);
	p += sprintf(p, " %02d:%02d:%02d", tm.hour, tm.min, tm.sec);
	p = put_fraction(p, tm.usec);
	if (with_tz)
		p += sprintf(p, "+00");
	strcpy(p, tm.year <= 0 ? " BC" : "");
}

void dt_time_out(int64_t t, char *buf)
{
	int h = (int)(t / DT_USECS_PER_HOUR);
	int m = (int)(t / DT_USECS_PER_MINUTE % 60);
	int s = (int)(t / DT_USECS_PER_SEC % 60);
	char *p = buf + sprintf(buf, "%02d:%02d:%02d", h, m, s);

	put_fraction(p, t % DT_USECS_PER_SEC);
}

void dt_zone_out(int32_t zone, char *buf)
{
	int east = -zone;
	char sign = east >= 0 ? '+' : '-';
	int a = abs(east);
	int h = a / 3600, m = a / 60 % 60, s = a % 60;

	if (s)
		sprintf(buf, "%c%02d:%02d:%02d", sign, h, m, s);
	else if (m)
		sprintf(buf, "%c%02d:%02d", sign, h, m);
	else
		sprintf(buf, "%c%02d", sign, h);
}

void dt_timetz_out(int64_t t, int32_t zone, char *buf)
{
	dt_time_out(t, buf);
	dt_zone_out(zone, buf + strlen(buf));
}

static char *add_part(char *p, int value, const char *unit, int *is_zero,
		      int *is_before)
{
	if (value == 0)
		return p;
	p += sprintf(p, "%s%s%d %s%s", *is_zero ? "" : " ",
		     (*is_before && value > 0) ? "+" : "", value, unit,
		     value != 1 ? "s" : "");
	*is_before = value < 0;
	*is_zero = 0;
	return p;
}

void dt_interval_out(const struct pgdt_value *iv, char *buf)
{
	int year = iv->month / 12, mon = iv->month % 12;
	int64_t t = iv->time;
	int64_t hour = t / DT_USECS_PER_HOUR;
	int min, sec;
	int64_t usec;
	int is_zero = 1, is_before = 0;
	char *p = buf;

	t -= hour * DT_USECS_PER_HOUR;
	min = (int)(t / DT_USECS_PER_MINUTE);
	t -= min * DT_USECS_PER_MINUTE;
	sec = (int)(t / DT_USECS_PER_SEC);
	usec = t - sec * DT_USECS_PER_SEC;
	*p = '\0';
	p = add_part(p, year, "year", &is_zero, &is_before);
	p = add_part(p, mon, "mon", &is_zero, &is_before);
	p = add_part(p, iv->date, "day", &is_zero, &is_before);
	if (is_zero || hour != 0 || min != 0 || sec != 0 || usec != 0) {
		int minus = hour < 0 || min < 0 || sec < 0 || usec < 0;
		unsigned long long ah = hour < 0 ? 0ULL - (unsigned long long)hour :
						   (unsigned long long)hour;

		p += sprintf(p, "%s%s%02llu:%02d:%02d", is_zero ? "" : " ",
			     minus ? "-" : (is_before ? "+" : ""), ah, abs(min),
			     abs(sec));
		put_fraction(p, usec);
	}
}

/* ------------------------------------------------------------- typmods */

static const int64_t scales[7] = { 1000000, 100000, 10000, 1000, 100, 10, 1 };
static const int64_t offsets[7] = { 500000, 50000, 5000, 500, 50, 5, 0 };

static int64_t round_usec(int64_t v, int precision)
{
	if (v >= 0)
		return (v + offsets[precision]) / scales[precision] * scales[precision];
	return -((-v + offsets[precision]) / scales[precision] * scales[precision]);
}

int dt_ts_round(int64_t *ts, int precision, const char **why)
{
	if (precision < 0 || precision >= 6 || !dt_ts_finite(*ts))
		return 0;
	*ts = round_usec(*ts, precision);
	if (!dt_ts_valid(*ts))
		return fail(why, ts_range);
	return 0;
}

void dt_time_round(int64_t *t, int precision)
{
	if (precision < 0 || precision >= 6)
		return;
	*t = round_usec(*t, precision);
}

#define IM(b) (1 << (b))
enum { F_MONTH = 1, F_YEAR = 2, F_DAY = 3, F_HOUR = 10, F_MINUTE = 11, F_SECOND = 12 };

int dt_interval_typmod(struct pgdt_value *iv, int range, int precision,
		       const char **why)
{
	if (range >= 0 && range != 0x7FFF) {
		switch (range) {
		case IM(F_YEAR):
			iv->month = iv->month / 12 * 12;
			iv->date = 0;
			iv->time = 0;
			break;
		case IM(F_MONTH):
		case IM(F_YEAR) | IM(F_MONTH):
			iv->date = 0;
			iv->time = 0;
			break;
		case IM(F_DAY):
			iv->time = 0;
			break;
		case IM(F_HOUR):
		case IM(F_DAY) | IM(F_HOUR):
			iv->time = iv->time / DT_USECS_PER_HOUR * DT_USECS_PER_HOUR;
			break;
		case IM(F_MINUTE):
		case IM(F_DAY) | IM(F_HOUR) | IM(F_MINUTE):
		case IM(F_HOUR) | IM(F_MINUTE):
			iv->time = iv->time / DT_USECS_PER_MINUTE * DT_USECS_PER_MINUTE;
			break;
		case IM(F_SECOND):
		case IM(F_DAY) | IM(F_HOUR) | IM(F_MINUTE) | IM(F_SECOND):
		case IM(F_HOUR) | IM(F_MINUTE) | IM(F_SECOND):
		case IM(F_MINUTE) | IM(F_SECOND):
			break;
		default:
			return fail(why, "unrecognized interval typmod");
		}
	}
	if (precision >= 0 && precision < 6)
		iv->time = round_usec(iv->time, precision);
	return 0;
}

/* --------------------------------------------------------- conversions */

int dt_date2ts(int32_t d, int64_t *ts, const char **why)
{
	if (d == DT_DATE_NOBEGIN)
		*ts = DT_TS_NOBEGIN;
	else if (d == DT_DATE_NOEND)
		*ts = DT_TS_NOEND;
	else if (d >= TIMESTAMP_END_JULIAN - DT_EPOCH_JDATE)
		return fail(why, "date out of range for timestamp");
	else
		*ts = (int64_t)d * DT_USECS_PER_DAY;
	return 0;
}

int dt_ts2date(int64_t ts, int32_t *d, const char **why)
{
	struct dt_tm tm;

	if (ts == DT_TS_NOBEGIN)
		*d = DT_DATE_NOBEGIN;
	else if (ts == DT_TS_NOEND)
		*d = DT_DATE_NOEND;
	else if (dt_ts2tm(ts, &tm) < 0)
		return fail(why, ts_range);
	else
		*d = dt_date2j(tm.year, tm.mon, tm.mday) - DT_EPOCH_JDATE;
	return 0;
}

/* ---------------------------------------------------------- arithmetic */

int dt_ts_pl_interval(int64_t ts, const struct pgdt_value *iv, int64_t *out,
		      const char **why)
{
	struct dt_tm tm;

	if (!dt_ts_finite(ts)) {
		*out = ts;
		return 0;
	}
	if (iv->month != 0) {
		if (dt_ts2tm(ts, &tm) < 0)
			return fail(why, ts_range);
		tm.mon += iv->month;
		if (tm.mon > 12) {
			tm.year += (tm.mon - 1) / 12;
			tm.mon = (tm.mon - 1) % 12 + 1;
		} else if (tm.mon < 1) {
			tm.year += tm.mon / 12 - 1;
			tm.mon = tm.mon % 12 + 12;
		}
		/* the end of a month stays in its month: Jan 31 + 1 mon = Feb 28 */
		if (tm.mday > dt_days_in_month(tm.year, tm.mon))
			tm.mday = dt_days_in_month(tm.year, tm.mon);
		if (dt_tm2ts(&tm, &ts) < 0)
			return fail(why, ts_range);
	}
	if (iv->date != 0) {
		int64_t j;

		if (dt_ts2tm(ts, &tm) < 0)
			return fail(why, ts_range);
		j = (int64_t)dt_date2j(tm.year, tm.mon, tm.mday) + iv->date;
		if (j < INT_MIN || j > INT_MAX)
			return fail(why, ts_range);
		dt_j2date((int)j, &tm.year, &tm.mon, &tm.mday);
		if (dt_tm2ts(&tm, &ts) < 0)
			return fail(why, ts_range);
	}
	if (__builtin_add_overflow(ts, iv->time, &ts) || !dt_ts_valid(ts))
		return fail(why, ts_range);
	*out = ts;
	return 0;
}

int dt_ts_mi_interval(int64_t ts, const struct pgdt_value *iv, int64_t *out,
		      const char **why)
{
	struct pgdt_value neg = *iv;

	neg.month = (int32_t)(0U - (uint32_t)iv->month);
	neg.date = (int32_t)(0U - (uint32_t)iv->date);
	neg.time = (int64_t)(0ULL - (uint64_t)iv->time);
	return dt_ts_pl_interval(ts, &neg, out, why);
}

int dt_ts_mi_ts(int64_t a, int64_t b, struct pgdt_value *out,
		const char **why)
{
	struct pgdt_value iv = { 0, 0, 0, 0 };

	if (!dt_ts_finite(a) || !dt_ts_finite(b))
		return fail(why, "cannot subtract infinite timestamps");
	/* PostgreSQL 15 does not check this subtraction: it wraps */
	iv.time = (int64_t)((uint64_t)a - (uint64_t)b);
	return dt_justify_hours(&iv, out, why);
}

int dt_interval_pl(const struct pgdt_value *a, const struct pgdt_value *b,
		   struct pgdt_value *out, const char **why)
{
	struct pgdt_value r = { 0, 0, 0, 0 };

	if (__builtin_add_overflow(a->month, b->month, &r.month) ||
	    __builtin_add_overflow(a->date, b->date, &r.date) ||
	    __builtin_add_overflow(a->time, b->time, &r.time))
		return fail(why, iv_range);
	*out = r;
	return 0;
}

int dt_interval_mi(const struct pgdt_value *a, const struct pgdt_value *b,
		   struct pgdt_value *out, const char **why)
{
	struct pgdt_value r = { 0, 0, 0, 0 };

	if (__builtin_sub_overflow(a->month, b->month, &r.month) ||
	    __builtin_sub_overflow(a->date, b->date, &r.date) ||
	    __builtin_sub_overflow(a->time, b->time, &r.time))
		return fail(why, iv_range);
	*out = r;
	return 0;
}

int dt_interval_um(const struct pgdt_value *a, struct pgdt_value *out,
		   const char **why)
{
	if (a->month == INT32_MIN || a->date == INT32_MIN || a->time == INT64_MIN)
		return fail(why, iv_range);
	out->month = -a->month;
	out->date = -a->date;
	out->time = -a->time;
	out->zone = 0;
	return 0;
}

static double tsround(double j)
{
	return rint(j * 1000000.0) / 1000000.0;
}

static int fits_int32(double d)
{
	return !isnan(d) && d >= (double)INT32_MIN && d < -(double)INT32_MIN;
}

static int fits_int64(double d)
{
	return !isnan(d) && d >= (double)INT64_MIN && d < -(double)INT64_MIN;
}

int dt_interval_mul(const struct pgdt_value *a, double f,
		    struct pgdt_value *out, const char **why)
{
	struct pgdt_value r = { 0, 0, 0, 0 };
	double d, month_rem_days, sec_rem;

	d = a->month * f;
	if (!fits_int32(d))
		return fail(why, iv_range);
	r.month = (int32_t)d;
	d = a->date * f;
	if (!fits_int32(d))
		return fail(why, iv_range);
	r.date = (int32_t)d;
	/* the fractions of months and days carry down */
	month_rem_days = tsround((a->month * f - r.month) * DT_DAYS_PER_MONTH);
	sec_rem = tsround((a->date * f - r.date + month_rem_days -
			   (int)month_rem_days) * 86400.0);
	if (fabs(sec_rem) >= 86400.0) {
		r.date += (int)(sec_rem / 86400.0);
		sec_rem -= (int)(sec_rem / 86400.0) * 86400.0;
	}
	r.date += (int32_t)month_rem_days;
	d = rint((double)a->time * f + sec_rem * 1000000.0);
	if (!fits_int64(d))
		return fail(why, iv_range);
	r.time = (int64_t)d;
	*out = r;
	return 0;
}

int dt_interval_div(const struct pgdt_value *a, double f,
		    struct pgdt_value *out, const char **why)
{
	struct pgdt_value r = { 0, 0, 0, 0 };
	double d, month_rem_days, sec_rem;

	if (f == 0.0)
		return fail(why, "division by zero");
	d = a->month / f;
	if (!fits_int32(d))
		return fail(why, iv_range);
	r.month = (int32_t)d;
	d = a->date / f;
	if (!fits_int32(d))
		return fail(why, iv_range);
	r.date = (int32_t)d;
	month_rem_days = tsround((a->month / f - r.month) * DT_DAYS_PER_MONTH);
	sec_rem = tsround((a->date / f - r.date + month_rem_days -
			   (int)month_rem_days) * 86400.0);
	if (fabs(sec_rem) >= 86400.0) {
		r.date += (int)(sec_rem / 86400.0);
		sec_rem -= (int)(sec_rem / 86400.0) * 86400.0;
	}
	r.date += (int32_t)month_rem_days;
	d = rint((double)a->time / f + sec_rem * 1000000.0);
	if (!fits_int64(d))
		return fail(why, iv_range);
	r.time = (int64_t)d;
	*out = r;
	return 0;
}

int dt_justify_hours(const struct pgdt_value *a, struct pgdt_value *out,
		     const char **why)
{
	struct pgdt_value r = *a;
	int64_t whole = r.time / DT_USECS_PER_DAY;

	r.time -= whole * DT_USECS_PER_DAY;
	if (whole > INT32_MAX || whole < INT32_MIN ||
	    __builtin_add_overflow(r.date, (int32_t)whole, &r.date))
		return fail(why, iv_range);
	if (r.date > 0 && r.time < 0) {
		r.time += DT_USECS_PER_DAY;
		r.date--;
	} else if (r.date < 0 && r.time > 0) {
		r.time -= DT_USECS_PER_DAY;
		r.date++;
	}
	r.zone = 0;
	*out = r;
	return 0;
}

int dt_justify_days(const struct pgdt_value *a, struct pgdt_value *out,
		    const char **why)
{
	struct pgdt_value r = *a;
	int32_t whole = r.date / DT_DAYS_PER_MONTH;

	r.date -= whole * DT_DAYS_PER_MONTH;
	if (__builtin_add_overflow(r.month, whole, &r.month))
		return fail(why, iv_range);
	if (r.month > 0 && r.date < 0) {
		r.date += DT_DAYS_PER_MONTH;
		r.month--;
	} else if (r.month < 0 && r.date > 0) {
		r.date -= DT_DAYS_PER_MONTH;
		r.month++;
	}
	r.zone = 0;
	*out = r;
	return 0;
}

int dt_justify_interval(const struct pgdt_value *a, struct pgdt_value *out,
			const char **why)
{
	struct pgdt_value r = *a;
	int64_t wholeday;
	int32_t wholemonth;

	if ((r.date > 0 && r.time > 0) || (r.date < 0 && r.time < 0)) {
		wholemonth = r.date / DT_DAYS_PER_MONTH;
		r.date -= wholemonth * DT_DAYS_PER_MONTH;
		if (__builtin_add_overflow(r.month, wholemonth, &r.month))
			return fail(why, iv_range);
	}
	wholeday = r.time / DT_USECS_PER_DAY;
	r.time -= wholeday * DT_USECS_PER_DAY;
	if (wholeday > INT32_MAX || wholeday < INT32_MIN ||
	    __builtin_add_overflow(r.date, (int32_t)wholeday, &r.date))
		return fail(why, iv_range);
	wholemonth = r.date / DT_DAYS_PER_MONTH;
	r.date -= wholemonth * DT_DAYS_PER_MONTH;
	if (__builtin_add_overflow(r.month, wholemonth, &r.month))
		return fail(why, iv_range);
	if (r.month > 0 && (r.date < 0 || (r.date == 0 && r.time < 0))) {
		r.date += DT_DAYS_PER_MONTH;
		r.month--;
	} else if (r.month < 0 && (r.date > 0 || (r.date == 0 && r.time > 0))) {
		r.date -= DT_DAYS_PER_MONTH;
		r.month++;
	}
	if (r.date > 0 && r.time < 0) {
		r.time += DT_USECS_PER_DAY;
		r.date--;
	} else if (r.date < 0 && r.time > 0) {
		r.time -= DT_USECS_PER_DAY;
		r.date++;
	}
	r.zone = 0;
	*out = r;
	return 0;
}

int dt_interval_cmp(const struct pgdt_value *a, const struct pgdt_value *b)
{
	__int128 x = (__int128)a->time +
		     ((__int128)a->date + (__int128)a->month * 30) * DT_USECS_PER_DAY;
	__int128 y = (__int128)b->time +
		     ((__int128)b->date + (__int128)b->month * 30) * DT_USECS_PER_DAY;

	return x < y ? -1 : x > y;
}

int dt_timetz_cmp(const struct pgdt_value *a, const struct pgdt_value *b)
{
	int64_t x = a->time + (int64_t)a->zone * DT_USECS_PER_SEC;
	int64_t y = b->time + (int64_t)b->zone * DT_USECS_PER_SEC;

	if (x != y)
		return x < y ? -1 : 1;
	/* same instant: the zone decides, so distinct values never tie */
	return a->zone < b->zone ? -1 : a->zone > b->zone;
}

int dt_age(int64_t a, int64_t b, struct pgdt_value *out, const char **why)
{
	struct dt_tm t1, t2;
	int64_t fsec, months, time;
	int sec, min, hour, mday, mon, year, neg = a < b;

	/* PostgreSQL 15 splits 'infinity' like any other value */
	if (dt_ts2tm(a, &t1) < 0 || dt_ts2tm(b, &t2) < 0)
		return fail(why, ts_range);
	fsec = t1.usec - t2.usec;
	sec = t1.sec - t2.sec;
	min = t1.min - t2.min;
	hour = t1.hour - t2.hour;
	mday = t1.mday - t2.mday;
	mon = t1.mon - t2.mon;
	year = t1.year - t2.year;
	if (neg) {
		fsec = -fsec;
		sec = -sec;
		min = -min;
		hour = -hour;
		mday = -mday;
		mon = -mon;
		year = -year;
	}
	while (fsec < 0) {
		fsec += DT_USECS_PER_SEC;
		sec--;
	}
	while (sec < 0) {
		sec += 60;
		min--;
	}
	while (min < 0) {
		min += 60;
		hour--;
	}
	while (hour < 0) {
		hour += 24;
		mday--;
	}
	/* borrow the length of the earlier timestamp's month */
	while (mday < 0) {
		if (neg)
			mday += dt_days_in_month(t1.year, t1.mon);
		else
			mday += dt_days_in_month(t2.year, t2.mon);
		mon--;
	}
	while (mon < 0) {
		mon += 12;
		year--;
	}
	if (neg) {
		fsec = -fsec;
		sec = -sec;
		min = -min;
		hour = -hour;
		mday = -mday;
		mon = -mon;
		year = -year;
	}
	months = (int64_t)year * 12 + mon;
	if (months > INT32_MAX || months < INT32_MIN)
		return fail(why, iv_range);
	time = (((int64_t)hour * 60 + min) * 60 + sec) * DT_USECS_PER_SEC + fsec;
	out->month = (int32_t)months;
	out->date = mday;
	out->time = time;
	out->zone = 0;
	return 0;
}

/* ------------------------------------------------------------ ISO weeks */

int dt_date2isoweek(int y, int m, int d)
{
	int dayn = dt_date2j(y, m, d), day4 = dt_date2j(y, 1, 4);
	int day0 = dt_j2day(day4 - 1), result;

	/* the first week is the one holding the year's first Thursday */
	if (dayn < day4 - day0) {
		day4 = dt_date2j(y - 1, 1, 4);
		day0 = dt_j2day(day4 - 1);
	}
	result = (dayn - (day4 - day0)) / 7 + 1;
	if (result >= 52) {
		day4 = dt_date2j(y + 1, 1, 4);
		day0 = dt_j2day(day4 - 1);
		if (dayn >= day4 - day0)
			result = (dayn - (day4 - day0)) / 7 + 1;
	}
	return result;
}

int dt_date2isoyear(int y, int m, int d)
{
	int dayn = dt_date2j(y, m, d), day4 = dt_date2j(y, 1, 4);
	int day0 = dt_j2day(day4 - 1), result;

	if (dayn < day4 - day0) {
		day4 = dt_date2j(y - 1, 1, 4);
		day0 = dt_j2day(day4 - 1);
		y--;
	}
	result = (dayn - (day4 - day0)) / 7 + 1;
	if (result >= 52) {
		day4 = dt_date2j(y + 1, 1, 4);
		day0 = dt_j2day(day4 - 1);
		if (dayn >= day4 - day0)
			y++;
	}
	return y;
}

int dt_isoweek2j(int isoyear, int week)
{
	int day4 = dt_date2j(isoyear, 1, 4), day0 = dt_j2day(day4 - 1);

	return (week - 1) * 7 + (day4 - day0);
}

int dt_date2isoyearday(int y, int m, int d)
{
	return dt_date2j(y, m, d) - dt_isoweek2j(dt_date2isoyear(y, m, d), 1) + 1;
}
