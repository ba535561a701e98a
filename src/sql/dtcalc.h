/*
 * dtcalc: PostgreSQL 15's date/time arithmetic on the values of struct
 * pgdt_value (pgtype.h), without SQLite: the calendar (Julian days,
 * proleptic Gregorian, year 0 = 1 BC), splitting values into fields and
 * back, output in DateStyle ISO / IntervalStyle postgres with TimeZone
 * UTC, typmod rounding and the operators whose results PostgreSQL
 * defines (timestamp + interval clamps to the month's end, ...).
 *
 * Functions returning int give 0, or -1 when PostgreSQL would raise an
 * error; the message is then in *why (a static string, PostgreSQL's
 * primary message such as "timestamp out of range").
 * src/sql/fn_datetime.c binds these to SQLite.
 */
#ifndef DD_DTCALC_H
#define DD_DTCALC_H

#include <stdint.h>
#include "pgtype.h"

#define DT_USECS_PER_SEC INT64_C(1000000)
#define DT_USECS_PER_MINUTE INT64_C(60000000)
#define DT_USECS_PER_HOUR INT64_C(3600000000)
#define DT_USECS_PER_DAY INT64_C(86400000000)
#define DT_EPOCH_JDATE 2451545          /* 2000-01-01 as a Julian day */
#define DT_UNIX_EPOCH_JDATE 2440588     /* 1970-01-01 */
#define DT_DATE_NOBEGIN INT32_MIN
#define DT_DATE_NOEND INT32_MAX
#define DT_TS_NOBEGIN INT64_MIN
#define DT_TS_NOEND INT64_MAX
#define DT_DAYS_PER_MONTH 30

/* broken-down time, years astronomical (0 = 1 BC) */
struct dt_tm {
	int year, mon, mday;
	int hour, min, sec;
	int64_t usec;         /* fraction of the second */
};

/* Julian day numbers (valid for the whole range PostgreSQL allows) */
int dt_date2j(int y, int m, int d);
void dt_j2date(int jd, int *y, int *m, int *d);
int dt_isleap(int y);
int dt_days_in_month(int y, int m);
/* 0 = Sunday */
int dt_j2day(int jd);

int dt_date_finite(int32_t d);
int dt_ts_finite(int64_t ts);
/* IS_VALID_DATE / IS_VALID_TIMESTAMP */
int dt_date_valid(int64_t d);
int dt_ts_valid(int64_t ts);

/* timestamp2tm for a finite timestamp; -1 when out of range */
int dt_ts2tm(int64_t ts, struct dt_tm *tm);
/* tm2timestamp: -1 ("timestamp out of range") when out of range */
int dt_tm2ts(const struct dt_tm *tm, int64_t *ts);

/* output, as the types' output functions print (buf of 64 bytes) */
#define DT_BUFSZ 80
void dt_date_out(int32_t d, char *buf);
void dt_ts_out(int64_t ts, int with_tz, char *buf);
void dt_time_out(int64_t t, char *buf);
void dt_timetz_out(int64_t t, int32_t zone, char *buf);
void dt_interval_out(const struct pgdt_value *iv, char *buf);
/* "+05:30" style offset for zone (seconds west), as EncodeTimezone */
void dt_zone_out(int32_t zone, char *buf);

/* typmod rounding (precision 0..6; larger means 6, negative none) */
int dt_ts_round(int64_t *ts, int precision, const char **why);
void dt_time_round(int64_t *t, int precision);
/*
 * interval typmod: range is the INTERVAL_MASK bits of the fields
 * (-1 or 0x7FFF for none), precision as above.
 */
int dt_interval_typmod(struct pgdt_value *iv, int range, int precision,
		       const char **why);

/* conversions */
int dt_date2ts(int32_t d, int64_t *ts, const char **why);
int dt_ts2date(int64_t ts, int32_t *d, const char **why);

/* arithmetic */
int dt_ts_pl_interval(int64_t ts, const struct pgdt_value *iv, int64_t *out,
		      const char **why);
int dt_ts_mi_interval(int64_t ts, const struct pgdt_value *iv, int64_t *out,
		      const char **why);
int dt_ts_mi_ts(int64_t a, int64_t b, struct pgdt_value *out,
		const char **why);
int dt_interval_pl(const struct pgdt_value *a, const struct pgdt_value *b,
		   struct pgdt_value *out, const char **why);
int dt_interval_mi(const struct pgdt_value *a, const struct pgdt_value *b,
		   struct pgdt_value *out, const char **why);
int dt_interval_um(const struct pgdt_value *a, struct pgdt_value *out,
		   const char **why);
int dt_interval_mul(const struct pgdt_value *a, double f,
		    struct pgdt_value *out, const char **why);
int dt_interval_div(const struct pgdt_value *a, double f,
		    struct pgdt_value *out, const char **why);
int dt_justify_hours(const struct pgdt_value *a, struct pgdt_value *out,
		     const char **why);
int dt_justify_days(const struct pgdt_value *a, struct pgdt_value *out,
		    const char **why);
int dt_justify_interval(const struct pgdt_value *a, struct pgdt_value *out,
			const char **why);
/* interval_cmp: by the span with 30-day months and 24-hour days */
int dt_interval_cmp(const struct pgdt_value *a, const struct pgdt_value *b);
int dt_timetz_cmp(const struct pgdt_value *a, const struct pgdt_value *b);

/* ISO 8601 weeks */
int dt_date2isoweek(int y, int m, int d);
int dt_date2isoyear(int y, int m, int d);
int dt_isoweek2j(int isoyear, int week);
int dt_date2isoyearday(int y, int m, int d);

/* age(a, b) as timestamp_age */
int dt_age(int64_t a, int64_t b, struct pgdt_value *out, const char **why);

#endif
