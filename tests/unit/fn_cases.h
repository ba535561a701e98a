/*
 * Table-driven tests of the runtime modules against PostgreSQL's answers
 * (tests/gen/fn_cases.py writes the fn_<module>_cases.h tables).
 */
#ifndef DD_FN_CASES_H
#define DD_FN_CASES_H

struct fn_case {
	const char *pg;      /* the PostgreSQL expression */
	const char *sqlite;  /* the SQLite expression over drydock's runtime */
	char kind;           /* 'V' value, 'N' NULL, 'E' error */
	const char *expect;  /* the value's text (booleans 1/0) or the error message */
};

#endif
