/*
 * fn_datetime: date, time, timetz, timestamp, timestamptz and interval as
 * SQLite functions with PostgreSQL 15's semantics (the pgfn module
 * "datetime", src/sql/pgfn.h).  Values are TEXT in PostgreSQL's output
 * form with DateStyle ISO, IntervalStyle postgres and the session
 * TimeZone fixed at UTC ('2020-06-01', '2020-06-01 12:00:00+00',
 * '1 year 2 mons -3 days +04:05:06.5', 'infinity', '0044-03-15 BC').
 *
 * The clock: now(), current_timestamp, current_date, localtimestamp,
 * current_time, localtime, statement_timestamp(), transaction_timestamp()
 * and clock_timestamp() all read the run's fixed clock, which
 * sqlfn_setup() (src/run/sqlfn.c) hands over with fn_datetime_set_clock(),
 * as do the input words 'now', 'today', 'yesterday' and 'tomorrow'.
 * Input text is read with DateStyle's field order set by
 * fn_datetime_set_dateorder() (MDY unless set).
 * clock_timestamp() does not advance: a run is reproducible
 * (docs/design.md, "Reproducibility").
 *
 * Typmod casts (PGFN_TYPMOD) take (value, precision) for time, timetz,
 * timestamp and timestamptz, and (value, precision, fields) for interval,
 * where fields is PostgreSQL's INTERVAL_MASK bits of the declared fields
 * (INTERVAL DAY TO SECOND...; -1 or 32767 for none) and precision -1 for
 * none.  The input casts from text accept the same optional arguments.
 *
 * Time zones: the session zone is UTC.  Zones are the zone abbreviations
 * of PostgreSQL's "Default" set whose offset is fixed ('UTC', 'GMT',
 * 'EST', 'CEST'...), POSIX-style offsets ('+05', 'UTC-3') and intervals;
 * AT TIME ZONE / timezone() over timestamp and timestamptz, date_trunc and
 * make_timestamptz also take named zones ('Europe/Paris') from the tz
 * database PostgreSQL reads (tzfile.h).  A named zone over timetz or in
 * timestamptz input is refused with an error naming it; an unknown name
 * gets PostgreSQL's "not recognized" (fn_datetime_check_zone() says so at
 * compile time for a constant zone; named_ok: where named zones run).
 *
 * to_char(), to_timestamp(text, text) and to_date(text, text) implement
 * the template patterns listed in fn_datetime_fmt.c; a template using any
 * other pattern is refused (fn_datetime_check_format() at compile time).
 */
#ifndef DD_FN_DATETIME_H
#define DD_FN_DATETIME_H

#include "pgfn.h"

extern const struct pgfn_module pgfn_datetime_module;

/*
 * Sets the clock every function of the module reads (timestamptz input
 * text, e.g. "2026-12-05 06:55:30.123456+00").  0, or -1 when the text is
 * not a finite timestamptz.  Until set (and after a NULL), the clock's
 * readers and the input words 'now', 'today'... fail with "the run's
 * clock is not set"; other input does not need it.
 */
int fn_datetime_set_clock(const char *timestamptz_text);

/*
 * Sets DateStyle's field order for input text ('01/02/03', 'Jan 08 99'):
 * the run's, which is the target server's as snapshotted (docs/sql-compiler.md,
 * "Dates and times").  PGDT_MDY, PostgreSQL's default, until set.
 */
void fn_datetime_set_dateorder(enum pgdt_order order);

/*
 * For the compiler, on a constant zone of AT TIME ZONE / timezone():
 * 0 when it can be run exactly, else -1 with *why set to the message.
 */
int fn_datetime_check_zone(const char *zone, int named_ok, const char **why);

/*
 * For the compiler, on a constant template of to_char / to_timestamp /
 * to_date: 0 when every pattern in it is implemented, else -1 with *why
 * set to a message naming the first pattern that is not (static buffer).
 * for_input is 1 for to_timestamp/to_date, 0 for to_char; is_interval 1
 * for to_char(interval).
 */
int fn_datetime_check_format(const char *fmt, int for_input, int is_interval,
			     const char **why);

/* The order of two values of a date/time kind (PGK_INTERVAL, PGK_TIMETZ...)
 * written as text, as the kind's collation (pg_interval...) sorts them:
 * < 0, 0 or > 0. */
int fn_datetime_text_cmp(int kind, const char *a, size_t alen, const char *b, size_t blen);

#endif
