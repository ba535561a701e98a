/*
 * fn_text: PostgreSQL 15's character and byte types as SQLite functions
 * (src/sql/pgfn.h is the contract; this header adds what the compiler
 * needs beyond the signature table).
 *
 * Types: text, varchar(n), char(n) (stored blank-padded, as PostgreSQL
 * prints it), uuid (canonical lower-case text), bytea (BLOB).  name is
 * text to drydock (pgtype.h).  Module: pgfn_text_module (fn_text.c).
 *
 * Casts with a typmod (varchar(n), char(n)) take (value, n, explicit):
 * the signatures carry PGFN_TYPMOD|PGFN_EXPLICIT, so the compiler appends
 * the length (-1 when none) and then 1 for an explicit CAST or ::, 0 for
 * an assignment or implicit coercion.  Explicit casts truncate; the others
 * fail with "value too long for type character varying(n)" unless only
 * spaces are cut.
 *
 * text || anynonarray and anynonarray || text: signatures (TEXT, ANY) and
 * (ANY, TEXT) with PGFN_ELEMTYPE; the compiler first turns the ANY side
 * into text with its CAST to text (anytextcat is `$1::text || $2`, so a
 * bool gives "true"), then calls the function with that text plus the
 * pgkind it came from.  concat, concat_ws and format take their ANY
 * arguments as text from the type's OUTPUT function instead (a bool gives
 * "t"), as PostgreSQL's concat() and format() do.
 *
 * SQL constructs the parser rewrites, as PostgreSQL's does:
 *   x LIKE p ESCAPE e        x ~~ like_escape(p, e)
 *   x SIMILAR TO p [ESCAPE e] x ~ similar_to_escape(p [, e])
 *   substring(x similar p escape e)   substring(x, p, e)
 *   position(a in b)         position(b, a)
 *   trim(both c from x)      btrim(x, c)  (leading: ltrim, trailing: rtrim)
 *
 * Database locale.  Text ordering (collation pg_text), lower/upper/initcap,
 * ILIKE and case-insensitive or class-using regular expressions depend on
 * the database's LC_COLLATE and LC_CTYPE.  Connections start with "C";
 * pgfn_text_set_locale() switches one connection to the database's.
 * Supported exactly: C and POSIX (byte order, ASCII-only case and
 * classes), C.UTF-8/C.utf8 (glibc: code point order, which is byte order
 * for UTF-8, and glibc's C.UTF-8 towlower/towupper/isw*).  Any other
 * LC_COLLATE that exists on this machine orders with strcoll_l and a byte
 * tie-break, as PostgreSQL does; one that does not exist cannot be
 * reproduced, and the compiler must refuse to order or compare text
 * (pgfn_text_collation_ok says which).
 *
 * Regular expressions.  PostgreSQL uses Henry Spencer's ARE engine; drydock
 * translates each pattern into a POSIX ERE run by glibc in C.UTF-8, which
 * has the same leftmost-longest semantics for what the translation lets
 * through.  Constructs whose meaning could differ are refused with a
 * message naming them (non-greedy quantifiers, back references,
 * lookaround, embedded options, \m \M \y \Y, collating elements and
 * equivalence classes, flags other than g, i, c).
 */
#ifndef DD_FN_TEXT_H
#define DD_FN_TEXT_H

#include <sqlite3.h>
#include "pgfn.h"

extern const struct pgfn_module pgfn_text_module;

/*
 * True when this machine can order text exactly as a database whose
 * LC_COLLATE is lc_collate does; else 0 with *why set (a static message).
 */
int pgfn_text_collation_ok(const char *lc_collate, const char **why);

/*
 * Makes db's pg_text collation and its case-dependent functions follow
 * the database's locale.  0, or -1 with *why (a static message) when the
 * locale cannot be reproduced here (then db keeps the C locale, and the
 * compiler must refuse what depends on it).
 */
int pgfn_text_set_locale(sqlite3 *db, const char *lc_collate,
			 const char *lc_ctype, const char **why);

/*
 * Checks a regular expression and its flags ("" or NULL for none) as the
 * compiler would run them: 0 when drydock runs it exactly, -1 with *why a
 * message to show (malloc'ed, the caller frees it): PostgreSQL's own error
 * for an invalid pattern ("invalid regular expression: ..."), or the
 * refusal of a construct drydock cannot run exactly.  allow_g: the "g"
 * flag is valid (regexp_replace).  uses_captures: the caller reads capture
 * groups (regexp_match, substring(x from p), a regexp_replace replacement
 * with \1..\9): glibc may place a group differently from PostgreSQL when
 * it surrounds or follows alternatives of differing lengths, or sits in a
 * repeated variable-length atom, so those are refused; plain matching and
 * whole-match positions are always the same.
 */
int pgfn_regex_check(const char *pattern, const char *flags, int allow_g,
		     int uses_captures, char **why);

/*
 * PostgreSQL's similar_to_escape(): the ARE for a SIMILAR TO pattern with
 * escape character esc (NULL: the default backslash; "" none).  Returns
 * the malloc'ed regex, or NULL with *why malloc'ed (PostgreSQL's error).
 */
char *pgfn_similar_to_regex(const char *pattern, const char *esc, char **why);

#endif
