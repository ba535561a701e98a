/*
 * sqlsyntax: does a text parse as PostgreSQL SQL?  PostgreSQL 15's own
 * grammar (libpg_query), nothing resolved: for `drydock validate`, which
 * checks a plan without a staging file.  The compiler (sqlc.h) does the
 * full job, names and types included, when there is a snapshot.
 */
#ifndef DD_SQLSYNTAX_H
#define DD_SQLSYNTAX_H

/*
 * Parses text, the contents of file: statements, or with expr one
 * boolean expression (a gate's "where").  0, or -1 after error()
 * "FILE:LINE:COL: MESSAGE" with the offending line as detail.
 */
int sql_syntax_check(const char *file, const char *text, int expr);

#endif
