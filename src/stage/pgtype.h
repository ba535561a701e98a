/*
 * pgtype: PostgreSQL column types as drydock sees them, and the one place
 * where values cross between PostgreSQL's text form and SQLite storage.
 *
 * Storage rule (docs/design.md, "Values"): integers (int2/int4/int8) are
 * stored as SQLite INTEGER, booleans as INTEGER 0/1, bytea as BLOB, and every
 * other type as TEXT in PostgreSQL's own output form, in columns declared
 * without a type so SQLite's affinity never alters them.  Going back,
 * pgtype_to_text() renders any SQLite value a step may have written into
 * the PostgreSQL text form of the column's type; that text is what the
 * change set, its hash, reports and push use.
 */
#ifndef DD_PGTYPE_H
#define DD_PGTYPE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

enum pgkind {
	PGK_OTHER = 0,  /* any type drydock does not model: kept as text */
	PGK_INT2,
	PGK_INT4,
	PGK_INT8,
	PGK_BOOL,
	PGK_FLOAT4,
	PGK_FLOAT8,
	PGK_NUMERIC,
	PGK_TEXT,       /* text, name, citext */
	PGK_VARCHAR,    /* character varying(n); len = n or -1 */
	PGK_CHAR,       /* character(n); len = n (1 when bare) */
	PGK_BYTEA,
	PGK_UUID,
	PGK_JSON,
	PGK_JSONB,
	PGK_DATE,
	PGK_TIME,
	PGK_TIMETZ,
	PGK_TIMESTAMP,
	PGK_TIMESTAMPTZ,
	PGK_INTERVAL,
	PGK_ENUM,       /* labels held by the caller (see pgvalue_check) */
	PGK_INT4RANGE,  /* range types: TEXT in range_out form */
	PGK_INT8RANGE,
	PGK_NUMRANGE,
	PGK_DATERANGE,
	PGK_TSRANGE,
	PGK_TSTZRANGE,
	/* kinds the SQL compiler uses (src/sql/pgfn.h); never a column's */
	PGK_UNKNOWN,    /* an untyped literal ('...' or NULL) before coercion */
	PGK_RECORD,     /* a row value */
	PGK_VOID,
	PGK_ANY,        /* "any": format(), concat() */
	PGK_ANYELEMENT, /* polymorphic: anyelement, with PGT_ARRAY anyarray */
	PGK_ANYENUM,
	PGK_ANYRANGE,
	PGK_NKINDS
};

struct pgtype {
	enum pgkind kind;  /* of the element, for arrays */
	int is_array;      /* "integer[]": value is a PostgreSQL array literal */
	int len;           /* varchar/char length, -1 when unlimited */
	int precision;     /* numeric(p,s): p, or -1 when unconstrained */
	int scale;         /* numeric(p,s): s */
};

/*
 * Classifies a type as printed by format_type(), e.g. "character
 * varying(255)", "numeric(10,2)", "timestamp(3) with time zone",
 * "text[]".  is_enum says the catalog found the (element) type to be an
 * enum.
 */
void pgtype_parse(const char *format_type, int is_enum, struct pgtype *t);

/* True for the kinds stored as SQLite INTEGER (int2/int4/int8, bool). */
int pgtype_is_integer_storage(const struct pgtype *t);
/* The declared type for CREATE TABLE in the staging file ("INTEGER" or ""). */
const char *pgtype_sqlite_decl(const struct pgtype *t);

/*
 * A value given in PostgreSQL text form (from COPY or a fixture) in the
 * storage its type calls for: an integer (int2/int4/int8, bool as 0/1), a
 * blob (bytea, decoded into scratch) or the text itself (pointing at text).
 * Returns 0, or -1 with *why set when the text cannot be stored as that
 * type (a bad integer, a bad boolean, bad bytea hex).
 */
struct btb_value;
int pgtype_value(const struct pgtype *t, const char *text, size_t len, struct btb_value *out,
		 struct strbuf *scratch, const char **why);

/*
 * Binds a value given in PostgreSQL text form (from COPY or a fixture) to
 * parameter i of stmt, in the storage its type calls for.  Returns 0, or -1
 * with *why set when the text cannot be stored as that type (a bad integer,
 * a bad boolean, bad bytea hex).  Text is bound without a copy: it must
 * stay unchanged until the statement has been stepped.
 */
int pgtype_bind_text(sqlite3_stmt *stmt, int i, const struct pgtype *t,
		     const char *text, size_t len, const char **why);

/*
 * Renders an SQLite value as PostgreSQL text for a column of type t into
 * out (reset first).  Returns 1 when the value is NULL (out empty), else 0.
 * Booleans written by steps as 1/0/'true'/'yes' come out as t/f; reals as
 * the shortest text that reads back the same; blobs as \x hex for bytea;
 * jsonb in PostgreSQL's canonical output form (jsonb.c).
 */
int pgtype_to_text(const struct pgtype *t, sqlite3_value *v,
		   struct strbuf *out);

/*
 * Checks that text is a valid input for type t, as PostgreSQL would accept
 * it (integer ranges, numeric precision and scale, varchar/char length in
 * characters, boolean, uuid, date/time/timestamp/timestamptz/interval
 * syntax, json validity, enum labels, array syntax, bytea hex encoding).
 * labels/nlabels are the enum's labels (ignored for other kinds).  Returns
 * 0 when valid, else -1 with *why set to a short static reason such as
 * "out of range for integer".  Date/time text whose reading depends on
 * DateStyle's field order ('01/02/03') is reported as an unsupported
 * format (PGDT_ORDER_NONE below).  Implemented in pgvalid.c.
 */
int pgvalue_check(const struct pgtype *t, const char *text, size_t len,
		  const char *const *labels, int nlabels, const char **why);

/*
 * A date/time value as PostgreSQL holds it (pgvalid.c decodes input into
 * it; src/sql/fn_datetime.c computes with it):
 *   date         date = days since 2000-01-01 (INT32_MIN/MAX: -infinity/infinity)
 *   timestamp,
 *   timestamptz  time = microseconds since 2000-01-01 00:00 UTC
 *                (INT64_MIN/MAX: -infinity/infinity)
 *   time         time = microseconds since midnight (0 .. 24:00:00)
 *   timetz       time as for time, zone = seconds west of UTC (as stored)
 *   interval     month, date = days, time = microseconds
 */
struct pgdt_value {
	int64_t time;
	int32_t date;
	int32_t month;
	int32_t zone;
};

/*
 * DateStyle's field order, which decides how PostgreSQL reads a date
 * whose first number has one or two digits ('01/02/03', 'Jan 08 99').
 * PGDT_ORDER_NONE reads only the forms every order reads the same and
 * reports the others as an unsupported input format.
 */
enum pgdt_order {
	PGDT_ORDER_NONE,
	PGDT_MDY,   /* PostgreSQL's default, DateStyle 'ISO, MDY' */
	PGDT_DMY,
	PGDT_YMD,
};

/*
 * The field order of a DateStyle setting as PostgreSQL shows it ("ISO,
 * MDY", "Postgres, DMY"; also "US", "European", "YMD" alone); NULL or
 * text without an order gives PGDT_ORDER_NONE.
 */
enum pgdt_order pgdt_order_of(const char *datestyle);

/*
 * Decodes input text of kind (PGK_DATE .. PGK_INTERVAL) as the type's
 * input function does in a session with TimeZone UTC and DateStyle's
 * field order (ignored for intervals), the special words
 * ('now', 'today', 'yesterday', 'tomorrow') reading the clock now
 * (microseconds since 2000-01-01 UTC; PGDT_NO_CLOCK makes them fail with
 * "the run's clock is not set").  interval_range is an interval
 * typmod's field mask (PostgreSQL's INTERVAL_MASK bits; -1 for none),
 * which decides what a bare number means ('1' is a second, or a day in an
 * INTERVAL DAY).  Rejects what pgvalue_check rejects, and also zone
 * abbreviations whose offset depends on the date.  0, or -1 with *why set
 * to PostgreSQL's message (without the quoted input).
 */
#define PGDT_NO_CLOCK INT64_MIN
int pgdt_decode(enum pgkind kind, const char *text, size_t len,
		enum pgdt_order order, int interval_range, int64_t now,
		struct pgdt_value *out, const char **why);

/*
 * Looks up a lower-case time zone abbreviation of the "Default" set
 * ("utc", "est", "cest"): 1 with *east (seconds east of UTC) for a fixed
 * one, 2 for one whose offset depends on the date, 0 when unknown.
 */
int pgdt_zone_abbrev(const char *lower, int *east);

#endif
