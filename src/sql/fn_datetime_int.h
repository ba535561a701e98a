/*
 * fn_datetime_int: what the files of the datetime module share
 * (fn_datetime.c: values, casts, operators, orders, the signature table;
 * fn_datetime_fields.c: the clock, fields, constructors, zones;
 * fn_datetime_fmt.c: to_char, to_timestamp, to_date).  Not for other
 * modules: the compiler uses fn_datetime.h.
 */
#ifndef DD_FN_DATETIME_INT_H
#define DD_FN_DATETIME_INT_H

#include <stdint.h>
#include "pgfn.h"
#include "pgtype.h"

/* The run's clock (microseconds since 2000-01-01 UTC); 0 or -1 with *why. */
int dtf_clock(int64_t *now, const char **why);
/* DateStyle's field order input text is read with (fn_datetime_set_dateorder) */
enum pgdt_order dtf_dateorder(void);

/*
 * Reads text s as a value of kind (PGK_DATE .. PGK_INTERVAL); range is an
 * interval typmod's fields or -1.  0, or -1 after the SQLite error.
 */
int dtf_parse(sqlite3_context *ctx, int kind, const char *s, int range,
	      struct pgdt_value *v);
/*
 * Timestamp text ending in a named zone ('2024-03-10 02:30:00
 * America/New_York'), which pgdt_decode does not read: for timestamptz the
 * local time in that zone (DetermineTimeZoneOffset: in a gap the offset
 * before, in an overlap the offset after), for timestamp the zone checked
 * and ignored, as PostgreSQL does.  0, or -1 when s is not of that form.
 */
int dtf_parse_named_zone(int kind, const char *s, int64_t now, struct pgdt_value *v);
/* The same for an argument (not NULL: the caller checks). */
int dtf_arg(sqlite3_context *ctx, sqlite3_value *arg, int kind,
	    struct pgdt_value *v);
/* A float8 argument, whatever its storage. */
int dtf_arg_double(sqlite3_context *ctx, sqlite3_value *arg, double *d);
/*
 * Converts between kinds as the casts do; 0, 1 when the result is NULL
 * (an infinite timestamp to time), or -1 after the error.
 */
int dtf_convert(sqlite3_context *ctx, int from, int to,
		const struct pgdt_value *in, struct pgdt_value *out);
/* The comparison of the type's order (-1, 0, 1). */
int dtf_compare(int kind, const struct pgdt_value *a, const struct pgdt_value *b);

/* Results in canonical text. */
void dtf_result(sqlite3_context *ctx, int kind, const struct pgdt_value *v);
void dtf_result_double(sqlite3_context *ctx, double d);
/* float8 as PostgreSQL prints it; buf of 48 bytes */
void dtf_float8_text(double d, char *buf);

/* Registration of the other files' functions. */
int dtf_register_fields(sqlite3 *db);
int dtf_register_fmt(sqlite3 *db);

#endif
