/*
 * pgfn: PostgreSQL's functions, operators, casts and aggregates as SQLite
 * functions, and the registry the SQL compiler resolves them against.
 *
 * This header is the contract between the compiler (src/sql/compile*.c,
 * which turns PostgreSQL SQL into SQLite SQL) and the runtime modules
 * (src/sql/fn_*.c, one per family of types).  docs/sql-compiler.md says why.
 *
 * Values at run time (the staging file's storage rule, docs/design.md):
 *   int2/int4/int8        SQLite INTEGER
 *   bool                  SQLite INTEGER 0/1
 *   bytea                 SQLite BLOB
 *   everything else       SQLite TEXT in PostgreSQL's canonical output form
 *                         (session TimeZone UTC, DateStyle ISO, IntervalStyle
 *                         postgres, extra_float_digits 1, bytea_output hex)
 *   NULL                  SQLite NULL
 * Every runtime function takes its arguments in that form and returns its
 * result in that form for its declared result type: a function returning
 * numeric returns canonical numeric text ("1.50"), one returning timestamptz
 * returns "2020-06-01 00:00:00+00".  So a value never changes form between
 * operators, and what a step writes is already what PostgreSQL would store.
 *
 * Errors: a runtime function that PostgreSQL would make fail calls
 * sqlite3_result_error() with PostgreSQL's primary message, verbatim
 * ("division by zero", "integer out of range", "value too long for type
 * character varying(40)", "invalid input syntax for type date: \"x\"").
 * The run engine adds file, line and statement.
 *
 * Strictness: unless a signature has PGFN_NONSTRICT, a function returns
 * NULL when any argument is NULL (each implementation does this itself).
 *
 * Ordering: types whose storage does not sort like PostgreSQL register a
 * collation named "pg_<type>" (pg_numeric, pg_float8, pg_bpchar, pg_text,
 * pg_timestamptz, pg_interval, ...) over their TEXT form; the compiler
 * attaches it wherever values are compared, sorted, grouped or made
 * distinct (a < b, ORDER BY, GROUP BY, DISTINCT, min/max, IN).
 */
#ifndef DD_PGFN_H
#define DD_PGFN_H

#include <sqlite3.h>
#include "pgtype.h"

/*
 * A type in a signature: an enum pgkind, or'ed with PGT_ARRAY for an array
 * of it.  Polymorphic kinds (PGK_ANYELEMENT ...) appear only in signatures.
 */
#define PGT_ARRAY 0x100
#define PGT_KIND(t) ((enum pgkind)((t) & 0xff))
#define PGT_IS_ARRAY(t) (((t) & PGT_ARRAY) != 0)

/*
 * Conventions every module follows for each type T it owns:
 *   - a PGFN_CAST text -> T: T's input function (also used by the compiler
 *     for untyped literals, at compile time, so a bad literal is refused
 *     before anything runs), with PGFN_TYPMOD where T takes a typmod;
 *   - a PGFN_CAST T -> text: T's output function;
 *   - a PGFN_CAST T -> T with PGFN_TYPMOD|PGFN_ASSIGNMENT|PGFN_IMPLICIT when
 *     T takes a typmod (numeric(p,s) rounds, varchar(n) errors, char(n) pads);
 *   - the other casts of pg_cast between its types, with their context;
 *   - a struct pgfn_order entry when T can be compared;
 *   - operators other than comparisons (comparisons go through the order).
 * SQLite function names start with "pg_" and name the PostgreSQL function
 * they implement (pg_numeric_add, pg_int4pl, pg_lower ...).
 */
enum pgfn_kind {
	PGFN_FUNC,      /* f(a, b): name is the lower-case function name */
	PGFN_OP,        /* a OP b or OP a (nargs 1): name is the operator ("+", "~~") */
	PGFN_AGG,       /* aggregate: sqlite_fn is an SQLite aggregate (also usable as a window) */
	PGFN_WINDOW,    /* window-only function */
	PGFN_CAST,      /* args[0] -> ret; name is NULL */
	PGFN_SRF,       /* set-returning: sqlite_fn is an eponymous table-valued
			   function whose hidden columns take the arguments in
			   order (FROM pg_jsonb_each(x), or a scalar subquery
			   over it); columns/ncolumns name its output columns */
};

enum pgfn_flags {
	PGFN_NONSTRICT   = 1 << 0, /* handles NULL arguments itself */
	PGFN_VOLATILE    = 1 << 1, /* not SQLITE_DETERMINISTIC (random, uuid, nextval) */
	PGFN_VARIADIC    = 1 << 2, /* last arg repeats (concat, jsonb_build_object) */
	PGFN_TYPMOD      = 1 << 3, /* CAST: the compiler appends the target's typmod
				      as INTEGER arguments: (v, precision, scale) for
				      numeric, (v, len) for varchar/char/bit, (v,
				      precision) for time types, (v, precision,
				      fields) for interval: fields is the INTERVAL_MASK
				      bits libpg_query gives first ([fields, precision]),
				      -1 or 32767 for none; precision -1 for none */
	PGFN_IMPLICIT    = 1 << 4, /* CAST: applied implicitly (pg_cast 'i') */
	PGFN_ASSIGNMENT  = 1 << 5, /* CAST: applied on assignment (pg_cast 'a') */
	PGFN_TYPENAME    = 1 << 6, /* the compiler appends the argument's or result's
				      type name as TEXT (enum/domain/range label lookup) */
	PGFN_ELEMTYPE    = 1 << 7, /* the compiler appends the element type's pgkind
				      as INTEGER (arrays, polymorphic functions;
				      an anyelement bound to an array type gives
				      that PGT type, kind | PGT_ARRAY);
				      where args hold PGK_ANY instead, it appends
				      one INTEGER per actual "any" argument, in
				      order, after all arguments: that argument's
				      PGT type (kind | PGT_ARRAY), e.g.
				      jsonb_build_object('a', 1) is called as
				      pg_jsonb_build_object('a', 1, PGK_TEXT, PGK_INT4) */
	PGFN_EXPLICIT    = 1 << 8, /* CAST with PGFN_TYPMOD: after the typmod the
				      compiler appends 1 for an explicit cast (CAST,
				      ::) and 0 for an assignment or implicit one
				      (varchar(n) truncates only when explicit) */
	PGFN_REFUSED     = 1 << 9, /* PostgreSQL has this signature but drydock
				      cannot compute it exactly (ln(numeric)):
				      it takes part in overload resolution, so no
				      other candidate (ln(float8)) is silently
				      used in its place, and a call that resolves
				      to it is refused at compile time.  Its
				      sqlite_fn only raises an error saying so */
};

#define PGFN_MAXARGS 7          /* make_interval, make_timestamptz(..., zone) */

/* An output column of a set-returning function (PGFN_SRF). */
struct pgfn_column {
	const char *name;          /* SQLite column name, also PostgreSQL's */
	int type;                  /* PGT type (PGK_ANYELEMENT: the element type) */
};

struct pgfn_sig {
	const char *name;          /* function or operator name; NULL for casts */
	enum pgfn_kind kind;
	int nargs;                 /* fixed arguments (the variadic one counts once) */
	int args[PGFN_MAXARGS];    /* PGT types of the arguments */
	int ret;                   /* PGT type of the result */
	const char *sqlite_fn;     /* name of the SQLite function implementing it */
	unsigned flags;            /* enum pgfn_flags */
	const struct pgfn_column *columns; /* PGFN_SRF: its output columns */
	int ncolumns;
};

/*
 * How values of a type compare: by the SQLite collation named here over
 * their TEXT form, or (collation NULL) by SQLite's own order of their
 * storage (integers, booleans, bytea, uuid text).  Types without an entry
 * cannot be compared or sorted: the compiler refuses it.
 */
struct pgfn_order {
	int type;                  /* PGT type */
	const char *collation;     /* "pg_numeric", or NULL for native order */
};

/*
 * One runtime module: its signatures, orders, and the function that
 * registers its SQLite functions and collations on a connection.
 */
struct pgfn_module {
	const char *name;                    /* "numeric", "text", "datetime", ... */
	const struct pgfn_sig *sigs;
	int nsigs;
	const struct pgfn_order *orders;
	int norders;
	int (*register_fns)(sqlite3 *db);    /* SQLITE_OK, or an SQLite error code */
};

/*
 * Volatility, as pg_proc.provolatile: 'i' immutable, 's' stable, 'v'
 * volatile.  The compiler evaluates an immutable function, operator or
 * cast whose arguments are all constants at compile time, as PostgreSQL's
 * planner does (eval_const_expressions), so an error there fails the
 * statement before any row is read even where no row would reach it.
 * Signatures are immutable unless listed in pgfn_volatilities, which
 * tests/gen/gen-volatility.sh generates from a PostgreSQL 15 server
 * (src/sql/pgfn_volatility.c).
 */
struct pgfn_volatility {
	enum pgfn_kind kind;       /* matched with name, nargs, args, ret */
	const char *name;
	int nargs;
	int args[PGFN_MAXARGS];
	int ret;
	char volatility;           /* 's' or 'v' */
};
extern const struct pgfn_volatility pgfn_volatilities[];
extern const int pgfn_nvolatilities;
/* s's volatility: 'i', 's' or 'v' (PGFN_VOLATILE is 'v' too). */
char pgfn_sig_volatility(const struct pgfn_sig *s);

/* Every module, NULL-terminated (pgfn.c). */
extern const struct pgfn_module *const pgfn_modules[];

/* Registers every module's functions and collations on db.  0 or -1. */
int pgfn_register_all(sqlite3 *db);

/*
 * Helpers for implementations (pgfn.c).
 */
/* True when any of the n arguments is NULL: the caller returns NULL. */
int pgfn_any_null(int argc, sqlite3_value **argv);
/* Result an error with PostgreSQL's message, printf-style. */
void pgfn_error(sqlite3_context *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
