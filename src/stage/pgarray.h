/*
 * pgarray: PostgreSQL array literals ('{1,2}', '{"a b",NULL}', '{{1,2},{3,4}}')
 * parsed into a flat list of elements and printed back with array_out's
 * quoting rules.  Used by the array, json and range modules of src/sql and by
 * the report's element diffs (in src/stage so that both may include it).
 *
 * Elements are kept as text (NULL elements have s == NULL); what the text
 * means is the element type's business.  Lower bounds other than 1
 * ("[0:1]={1,2}") are kept in lbound and printed back.
 */
#ifndef DD_PGARRAY_H
#define DD_PGARRAY_H

#include <stddef.h>
#include "util.h"

#define PGARR_MAXDIM 6

struct pgarr_elem {
	char *s;      /* element text, NUL-terminated; NULL for a NULL element */
	size_t len;
};

struct pgarr {
	int ndims;                  /* 0 for the empty array */
	int dims[PGARR_MAXDIM];     /* length of each dimension */
	int lbound[PGARR_MAXDIM];   /* lower bound of each dimension (1 by default) */
	struct pgarr_elem *elems;   /* product of dims elements, row-major */
	size_t n;
	size_t alloc;
};

/*
 * Parses an array literal.  0, or -1 with *why set to PostgreSQL's detail
 * ("Unexpected end of input.") for the "malformed array literal" error.
 */
int pgarr_parse(const char *text, size_t len, struct pgarr *out, const char **why);
void pgarr_free(struct pgarr *a);
/* Appends an element (copied; s NULL for NULL) to a one-dimensional array. */
void pgarr_push(struct pgarr *a, const char *s, size_t len);
/* Prints a as array_out does (elements quoted where needed). */
void pgarr_out(struct strbuf *sb, const struct pgarr *a);
/* Appends one element as array_out quotes it. */
void pgarr_out_elem(struct strbuf *sb, const char *s, size_t len);

#endif
