/*
 * fn_array: arrays with PostgreSQL 15's semantics (fn_array.h).  Every
 * function reads its array argument with pgarray.c, works on element
 * text, and prints the result with array_out's quoting.
 */
#define _GNU_SOURCE /* memmem */
#include "fn_array.h"

#include <stdlib.h>
#include <string.h>

#include "fn_shared.h"
#include "pgarray.h"

/* ---- helpers ---- */

static enum pgkind arg_kind(int argc, sqlite3_value **argv)
{
	return (enum pgkind)sqlite3_value_int(argv[argc - 1]);
}

/* Parses array argument v; -1 after an error result. */
static int arg_array(sqlite3_context *ctx, sqlite3_value *v, struct pgarr *out)
{
	const char *why;
	const char *s = (const char *)sqlite3_value_text(v);
	if (pgarr_parse(s ? s : "", (size_t)sqlite3_value_bytes(v), out, &why)) {
		pgfn_error(ctx, "malformed array literal: \"%s\"", s ? s : "");
		return -1;
	}
	return 0;
}

static void result_array(sqlite3_context *ctx, const struct pgarr *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;
	pgarr_out(&sb, a);
	s = sb_detach(&sb, &len);
	sqlite3_result_text(ctx, s, (int)len, free);
}

/* Compares two values of kind; -1 after the error for a kind without a
 * comparison.  Equal labels are equal enum values: the compiler passes
 * enums only to equality (= and <>), whose answer needs no label order. */
static int kind_compare(sqlite3_context *ctx, enum pgkind kind, const char *a, size_t alen,
			const char *b, size_t blen, int *cmp)
{
	if (kind == PGK_ENUM) {
		*cmp = alen == blen && !memcmp(a, b, alen) ? 0 : 1;
		return 0;
	}
	if (fnv_compare(kind, a, alen, b, blen, cmp)) {
		pgfn_error(ctx, "could not identify a comparison function for type %s", fnv_type_name(kind));
		return -1;
	}
	return 0;
}

/* Element equality by kind; kinds without an order compare as text. */
static int elem_cmp(sqlite3_context *ctx, enum pgkind kind, const struct pgarr_elem *a,
		    const char *b, size_t blen, int *cmp)
{
	return kind_compare(ctx, kind, a->s, a->len, b, blen, cmp);
}

/* Appends runtime value v of kind as an element (NULL for SQL NULL). */
static void push_value(struct pgarr *a, sqlite3_value *v, enum pgkind kind)
{
	struct strbuf scratch = STRBUF_INIT;
	size_t len;
	const char *s = fnv_text(v, kind, &scratch, &len);
	pgarr_push(a, s, len);
	sb_release(&scratch);
}

/* ---- input ---- */

/* text -> T[]: array_in with each element read by T's input function. */
static void fn_array_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	struct pgarr a;
	struct strbuf el = STRBUF_INIT;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	for (size_t i = 0; i < a.n; i++) {
		if (!a.elems[i].s)
			continue;
		sb_reset(&el);
		if (fnv_canon(ctx, kind, a.elems[i].s, a.elems[i].len, &el))
			goto cleanup;
		free(a.elems[i].s);
		a.elems[i].s = xstrndup(el.buf, el.len);
		a.elems[i].len = el.len;
	}
	result_array(ctx, &a);
cleanup:
	sb_release(&el);
	pgarr_free(&a);
}

/*
 * bigint[] to integer[] or smallint[], integer[] to smallint[] (assignment
 * or explicit, an ArrayCoerceExpr over int84/int82/int42): each element in
 * range, else the element cast's error.
 */
static void fn_array_int_narrow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	long long lo = kind == PGK_INT2 ? -32768 : -2147483648LL;
	long long hi = kind == PGK_INT2 ? 32767 : 2147483647LL;
	struct pgarr a;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	for (size_t i = 0; i < a.n; i++) {
		if (!a.elems[i].s)
			continue;
		long long v = strtoll(a.elems[i].s, NULL, 10);
		if (v < lo || v > hi) {
			pgfn_error(ctx, "%s out of range", kind == PGK_INT2 ? "smallint" : "integer");
			pgarr_free(&a);
			return;
		}
	}
	sqlite3_result_value(ctx, argv[0]); /* the elements' text is unchanged */
	pgarr_free(&a);
}

/* ARRAY[a, b, ...]: pg_array(a, b, ..., kind) */
static void fn_array_ctor(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	struct pgarr a = { 0 };
	for (int i = 0; i < argc - 1; i++)
		push_value(&a, argv[i], kind);
	result_array(ctx, &a);
	pgarr_free(&a);
}

/* ARRAY[ARRAY[...], ...]: sub-arrays of one shape make one more dimension. */
static void fn_array_nest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr out = { 0 }, sub;
	int first = 1;
	for (int i = 0; i < argc - 1; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue; /* PostgreSQL skips NULL sub-arrays */
		if (arg_array(ctx, argv[i], &sub))
			goto cleanup;
		if (first) {
			out.ndims = sub.ndims + 1;
			memcpy(out.dims + 1, sub.dims, sizeof(int) * (PGARR_MAXDIM - 1));
			memcpy(out.lbound + 1, sub.lbound, sizeof(int) * (PGARR_MAXDIM - 1));
			out.dims[0] = 0;
			out.lbound[0] = 1;
			first = 0;
		}
		if (sub.ndims + 1 != out.ndims || memcmp(out.dims + 1, sub.dims, sizeof(int) * (size_t)sub.ndims)) {
			pgarr_free(&sub);
			pgfn_error(ctx, "multidimensional arrays must have array expressions with matching dimensions");
			goto cleanup;
		}
		for (size_t k = 0; k < sub.n; k++) {
			ALLOC_GROW(out.elems, out.n + 1, out.alloc);
			out.elems[out.n++] = sub.elems[k];
		}
		sub.n = 0;
		out.dims[0]++;
		pgarr_free(&sub);
	}
	if (out.n == 0)
		out.ndims = 0;
	result_array(ctx, &out);
cleanup:
	pgarr_free(&out);
}

/* ---- ANY / ALL ---- */

static int op_holds(const char *op, int cmp)
{
	if (!strcmp(op, "="))
		return cmp == 0;
	if (!strcmp(op, "<>") || !strcmp(op, "!="))
		return cmp != 0;
	if (!strcmp(op, "<"))
		return cmp < 0;
	if (!strcmp(op, "<="))
		return cmp <= 0;
	if (!strcmp(op, ">"))
		return cmp > 0;
	if (!strcmp(op, ">="))
		return cmp >= 0;
	return -1;
}

/* x op ANY(arr) (user data 0) and x op ALL(arr) (1): (x, arr, op, kind) */
static void fn_any_all(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int all = (int)(intptr_t)sqlite3_user_data(ctx);
	enum pgkind kind = arg_kind(argc, argv);
	const char *op = (const char *)sqlite3_value_text(argv[2]);
	struct strbuf scratch = STRBUF_INIT;
	struct pgarr a;
	int saw_null = 0, decided = 0;
	size_t xlen;
	const char *x;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL || !op) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[1], &a))
		return;
	x = fnv_text(argv[0], kind, &scratch, &xlen);
	for (size_t i = 0; i < a.n && !decided; i++) {
		int cmp, holds;
		if (!x || !a.elems[i].s) {
			saw_null = 1;
			continue;
		}
		if (kind_compare(ctx, kind, x, xlen, a.elems[i].s, a.elems[i].len, &cmp))
			goto cleanup;
		holds = op_holds(op, cmp);
		if (holds < 0) {
			pgfn_error(ctx, "operator does not exist: %s", op);
			goto cleanup;
		}
		if (holds != all)
			decided = 1;
	}
	if (decided)
		sqlite3_result_int(ctx, !all);
	else if (saw_null)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int(ctx, all);
cleanup:
	sb_release(&scratch);
	pgarr_free(&a);
}

/* ---- building ---- */

/* array_append(arr, elem) and array_prepend(elem, arr) (user data 1) */
static void fn_append(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int prepend = (int)(intptr_t)sqlite3_user_data(ctx);
	enum pgkind kind = arg_kind(argc, argv);
	sqlite3_value *arr = argv[prepend ? 1 : 0], *el = argv[prepend ? 0 : 1];
	struct pgarr a = { 0 }, out = { 0 };
	if (sqlite3_value_type(arr) != SQLITE_NULL && arg_array(ctx, arr, &a))
		return;
	if (a.ndims > 1) {
		pgfn_error(ctx, "argument must be empty or one-dimensional array");
		goto cleanup;
	}
	if (prepend)
		push_value(&out, el, kind);
	for (size_t i = 0; i < a.n; i++)
		pgarr_push(&out, a.elems[i].s, a.elems[i].len);
	if (!prepend)
		push_value(&out, el, kind);
	if (a.ndims == 1)
		out.lbound[0] = a.lbound[0];
	result_array(ctx, &out);
cleanup:
	pgarr_free(&a);
	pgarr_free(&out);
}

/* array_cat(a, b): one more row, or rows of equal shape */
static void fn_cat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr a = { 0 }, b = { 0 }, out = { 0 };
	int an = sqlite3_value_type(argv[0]) == SQLITE_NULL, bn = sqlite3_value_type(argv[1]) == SQLITE_NULL;
	(void)argc;
	if (an && bn) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((!an && arg_array(ctx, argv[0], &a)) || (!bn && arg_array(ctx, argv[1], &b)))
		goto cleanup;
	if (a.ndims == 0 || b.ndims == 0) {
		result_array(ctx, a.ndims == 0 ? &b : &a);
		goto cleanup;
	}
	/* array_cat: the outer dimension grows; the inner ones (lengths and lower bounds) must agree */
	if (a.ndims == b.ndims) {
		if (memcmp(a.dims + 1, b.dims + 1, sizeof(int) * (size_t)(a.ndims - 1)) ||
		    memcmp(a.lbound + 1, b.lbound + 1, sizeof(int) * (size_t)(a.ndims - 1)))
			goto incompatible;
		out.ndims = a.ndims;
		memcpy(out.dims, a.dims, sizeof(out.dims));
		memcpy(out.lbound, a.lbound, sizeof(out.lbound));
		out.dims[0] = a.dims[0] + b.dims[0];
	} else if (a.ndims == b.ndims + 1 || a.ndims + 1 == b.ndims) {
		const struct pgarr *big = a.ndims > b.ndims ? &a : &b, *small = a.ndims > b.ndims ? &b : &a;
		if (memcmp(big->dims + 1, small->dims, sizeof(int) * (size_t)small->ndims) ||
		    memcmp(big->lbound + 1, small->lbound, sizeof(int) * (size_t)small->ndims))
			goto incompatible;
		out.ndims = big->ndims;
		memcpy(out.dims, big->dims, sizeof(out.dims));
		memcpy(out.lbound, big->lbound, sizeof(out.lbound));
		out.dims[0]++;
	} else {
		goto incompatible;
	}
	for (size_t i = 0; i < a.n; i++) {
		ALLOC_GROW(out.elems, out.n + 1, out.alloc);
		out.elems[out.n++] = a.elems[i];
	}
	for (size_t i = 0; i < b.n; i++) {
		ALLOC_GROW(out.elems, out.n + 1, out.alloc);
		out.elems[out.n++] = b.elems[i];
	}
	a.n = b.n = 0;
	result_array(ctx, &out);
	goto cleanup;
incompatible:
	pgfn_error(ctx, "cannot concatenate incompatible arrays");
cleanup:
	pgarr_free(&a);
	pgarr_free(&b);
	pgarr_free(&out);
}

/* array_remove(arr, elem): every element equal to elem (NULL removes NULLs) */
static void fn_remove(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	struct strbuf scratch = STRBUF_INIT;
	struct pgarr a, out = { 0 };
	size_t xlen;
	const char *x;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (a.ndims > 1) {
		pgfn_error(ctx, "removing elements from multidimensional arrays is not supported");
		goto cleanup;
	}
	x = fnv_text(argv[1], kind, &scratch, &xlen);
	for (size_t i = 0; i < a.n; i++) {
		int cmp = 1;
		if (!x || !a.elems[i].s)
			cmp = !x && !a.elems[i].s ? 0 : 1;
		else if (elem_cmp(ctx, kind, &a.elems[i], x, xlen, &cmp))
			goto cleanup;
		if (cmp)
			pgarr_push(&out, a.elems[i].s, a.elems[i].len);
	}
	if (out.n && a.ndims == 1)
		out.lbound[0] = a.lbound[0];
	result_array(ctx, &out);
cleanup:
	sb_release(&scratch);
	pgarr_free(&a);
	pgarr_free(&out);
}

/* array_replace(arr, from, to) */
static void fn_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct pgarr a;
	size_t flen, tlen;
	const char *from, *to;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	from = fnv_text(argv[1], kind, &s1, &flen);
	to = fnv_text(argv[2], kind, &s2, &tlen);
	for (size_t i = 0; i < a.n; i++) {
		int cmp = 1;
		if (!from || !a.elems[i].s)
			cmp = !from && !a.elems[i].s ? 0 : 1;
		else if (elem_cmp(ctx, kind, &a.elems[i], from, flen, &cmp))
			goto cleanup;
		if (!cmp) {
			free(a.elems[i].s);
			a.elems[i].s = to ? xstrndup(to, tlen) : NULL;
			a.elems[i].len = to ? tlen : 0;
		}
	}
	result_array(ctx, &a);
cleanup:
	sb_release(&s1);
	sb_release(&s2);
	pgarr_free(&a);
}

/* ---- searching ---- */

/* array_position(arr, elem [, start]) and array_positions(arr, elem) (user data 1) */
static void fn_position(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int positions = (int)(intptr_t)sqlite3_user_data(ctx);
	enum pgkind kind = arg_kind(argc, argv);
	struct strbuf scratch = STRBUF_INIT;
	struct pgarr a, out = { 0 };
	size_t xlen, from = 0;
	const char *x;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || (argc == 4 && sqlite3_value_type(argv[2]) == SQLITE_NULL)) {
		if (argc == 4 && sqlite3_value_type(argv[2]) == SQLITE_NULL &&
		    sqlite3_value_type(argv[0]) != SQLITE_NULL)
			pgfn_error(ctx, "initial position must not be null");
		else
			sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (a.ndims > 1) {
		pgfn_error(ctx, "searching for elements in multidimensional arrays is not supported");
		goto cleanup;
	}
	if (argc == 4) {
		long long start = sqlite3_value_int64(argv[2]) - (a.n ? a.lbound[0] : 1);
		from = start < 0 ? 0 : (size_t)start;
	}
	x = fnv_text(argv[1], kind, &scratch, &xlen);
	for (size_t i = from; i < a.n; i++) {
		int cmp = 1;
		if (!x || !a.elems[i].s)
			cmp = !x && !a.elems[i].s ? 0 : 1;
		else if (elem_cmp(ctx, kind, &a.elems[i], x, xlen, &cmp))
			goto cleanup;
		if (!cmp) {
			if (!positions) {
				sqlite3_result_int64(ctx, (sqlite3_int64)i + a.lbound[0]);
				goto cleanup;
			}
			{
				char buf[24];
				int l = snprintf(buf, sizeof(buf), "%lld", (long long)i + a.lbound[0]);
				pgarr_push(&out, buf, (size_t)l);
			}
		}
	}
	if (positions)
		result_array(ctx, &out);
	else
		sqlite3_result_null(ctx);
cleanup:
	sb_release(&scratch);
	pgarr_free(&a);
	pgarr_free(&out);
}

/* Is every non-NULL element of b equal to some element of a?  (NULLs never match) */
static int contains(sqlite3_context *ctx, enum pgkind kind, const struct pgarr *a, const struct pgarr *b, int any)
{
	for (size_t j = 0; j < b->n; j++) {
		int found = 0;
		if (!b->elems[j].s) {
			if (!any)
				return 0;
			continue;
		}
		for (size_t i = 0; i < a->n && !found; i++) {
			int cmp;
			if (!a->elems[i].s)
				continue;
			if (elem_cmp(ctx, kind, &a->elems[i], b->elems[j].s, b->elems[j].len, &cmp))
				return -1;
			found = cmp == 0;
		}
		if (found && any)
			return 1;
		if (!found && !any)
			return 0;
	}
	return !any;
}

/* @> (0), <@ (1), && (2) */
static void fn_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int which = (int)(intptr_t)sqlite3_user_data(ctx);
	enum pgkind kind = arg_kind(argc, argv);
	struct pgarr a, b;
	int r;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (arg_array(ctx, argv[1], &b)) {
		pgarr_free(&a);
		return;
	}
	if (which == 0)
		r = contains(ctx, kind, &a, &b, 0);
	else if (which == 1)
		r = contains(ctx, kind, &b, &a, 0);
	else
		r = contains(ctx, kind, &a, &b, 1);
	if (r >= 0)
		sqlite3_result_int(ctx, r);
	pgarr_free(&a);
	pgarr_free(&b);
}

/* ---- shape ---- */

static void fn_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int what = (int)(intptr_t)sqlite3_user_data(ctx); /* 0 length, 1 lower, 2 upper */
	struct pgarr a;
	sqlite3_int64 dim;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	dim = sqlite3_value_int64(argv[1]);
	if (dim < 1 || dim > a.ndims)
		sqlite3_result_null(ctx);
	else if (what == 0)
		sqlite3_result_int(ctx, a.dims[dim - 1]);
	else if (what == 1)
		sqlite3_result_int(ctx, a.lbound[dim - 1]);
	else
		sqlite3_result_int(ctx, a.lbound[dim - 1] + a.dims[dim - 1] - 1);
	pgarr_free(&a);
}

static void fn_cardinality(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int ndims = (int)(intptr_t)sqlite3_user_data(ctx);
	struct pgarr a;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (ndims && a.ndims == 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, ndims ? a.ndims : (sqlite3_int64)a.n);
	pgarr_free(&a);
}

static void fn_dims(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr a;
	struct strbuf sb = STRBUF_INIT;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (a.ndims == 0) {
		sqlite3_result_null(ctx);
	} else {
		for (int i = 0; i < a.ndims; i++)
			sb_addf(&sb, "[%d:%d]", a.lbound[i], a.lbound[i] + a.dims[i] - 1);
		sqlite3_result_text(ctx, sb.buf, (int)sb.len, SQLITE_TRANSIENT);
	}
	sb_release(&sb);
	pgarr_free(&a);
}

/* a[i] / a[i][j]: (arr, i [, j ...], kind); NULL when out of range */
static void fn_subscript(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind kind = arg_kind(argc, argv);
	int nsub = argc - 2;
	struct pgarr a;
	size_t at = 0;
	if (pgfn_any_null(argc - 1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (nsub != a.ndims) {
		sqlite3_result_null(ctx);
		goto cleanup;
	}
	for (int d = 0; d < nsub; d++) {
		sqlite3_int64 i = sqlite3_value_int64(argv[1 + d]) - a.lbound[d];
		if (i < 0 || i >= a.dims[d]) {
			sqlite3_result_null(ctx);
			goto cleanup;
		}
		at = at * (size_t)a.dims[d] + (size_t)i;
	}
	fnv_result(ctx, kind, a.elems[at].s, a.elems[at].len);
cleanup:
	pgarr_free(&a);
}

/* a[lo:hi] of a one-dimensional array; NULL bounds are open */
static void fn_slice(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr a, out = { 0 };
	sqlite3_int64 lo, hi;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	if (a.ndims > 1) {
		pgfn_error(ctx, "slices of multidimensional arrays are not supported");
		goto cleanup;
	}
	lo = sqlite3_value_type(argv[1]) == SQLITE_NULL ? a.lbound[0] : sqlite3_value_int64(argv[1]);
	hi = sqlite3_value_type(argv[2]) == SQLITE_NULL ? a.lbound[0] + a.dims[0] - 1 : sqlite3_value_int64(argv[2]);
	for (sqlite3_int64 i = lo; a.ndims && i <= hi; i++) {
		sqlite3_int64 k = i - a.lbound[0];
		if (k >= 0 && k < (sqlite3_int64)a.n)
			pgarr_push(&out, a.elems[k].s, a.elems[k].len);
	}
	result_array(ctx, &out);
cleanup:
	pgarr_free(&a);
	pgarr_free(&out);
}

/* ---- text ---- */

/* array_to_string(arr, delim [, null_string]) */
static void fn_to_string(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr a;
	struct strbuf sb = STRBUF_INIT;
	const char *delim, *nullstr = NULL;
	int first = 1;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_array(ctx, argv[0], &a))
		return;
	delim = (const char *)sqlite3_value_text(argv[1]);
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
		nullstr = (const char *)sqlite3_value_text(argv[2]);
	for (size_t i = 0; i < a.n; i++) {
		if (!a.elems[i].s && !nullstr)
			continue;
		if (!first)
			sb_adds(&sb, delim);
		first = 0;
		if (a.elems[i].s)
			sb_add(&sb, a.elems[i].s, a.elems[i].len);
		else
			sb_adds(&sb, nullstr);
	}
	sqlite3_result_text(ctx, sb.buf, (int)sb.len, SQLITE_TRANSIENT);
	sb_release(&sb);
	pgarr_free(&a);
}

/* string_to_array(text, delim [, null_string]) */
static void fn_string_to_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgarr out = { 0 };
	const char *s, *delim = NULL, *nullstr = NULL;
	size_t len, dlen = 0;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		delim = (const char *)sqlite3_value_text(argv[1]);
		dlen = (size_t)sqlite3_value_bytes(argv[1]);
	}
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
		nullstr = (const char *)sqlite3_value_text(argv[2]);
#define PUSH(p, l)                                                                       \
	do {                                                                             \
		if (nullstr && strlen(nullstr) == (l) && !memcmp(nullstr, (p), (l)))    \
			pgarr_push(&out, NULL, 0);                                       \
		else                                                                     \
			pgarr_push(&out, (p), (l));                                      \
	} while (0)
	if (len == 0) {
		/* the empty array */
	} else if (!delim) {
		/* one element per character */
		for (size_t i = 0; i < len;) {
			size_t cl = 1;
			unsigned char c = (unsigned char)s[i];
			if (c >= 0xf0)
				cl = 4;
			else if (c >= 0xe0)
				cl = 3;
			else if (c >= 0xc0)
				cl = 2;
			if (i + cl > len)
				cl = len - i;
			PUSH(s + i, cl);
			i += cl;
		}
	} else if (dlen == 0) {
		PUSH(s, len);
	} else {
		const char *p = s, *e = s + len;
		for (;;) {
			const char *hit = memmem(p, (size_t)(e - p), delim, dlen);
			if (!hit) {
				PUSH(p, (size_t)(e - p));
				break;
			}
			PUSH(p, (size_t)(hit - p));
			p = hit + dlen;
		}
	}
#undef PUSH
	result_array(ctx, &out);
	pgarr_free(&out);
}

/* ---- order ---- */

/*
 * array_cmp: element by element (NULL sorts after any value), then the
 * number of elements, then the number of dimensions, then their lengths
 * and lower bounds.
 */
static int array_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	enum pgkind kind = (enum pgkind)(intptr_t)arg;
	struct pgarr x, y;
	const char *why;
	int r = 0;
	if (alen == blen && !memcmp(a, b, (size_t)alen))
		return 0;
	if (pgarr_parse(a, (size_t)alen, &x, &why))
		return -1;
	if (pgarr_parse(b, (size_t)blen, &y, &why)) {
		pgarr_free(&x);
		return 1;
	}
	for (size_t i = 0; !r && i < x.n && i < y.n; i++) {
		const struct pgarr_elem *ea = &x.elems[i], *eb = &y.elems[i];
		if (!ea->s || !eb->s)
			r = !ea->s - !eb->s;
		else if (fnv_compare(kind, ea->s, ea->len, eb->s, eb->len, &r))
			r = 0;
	}
	if (!r && x.n != y.n)
		r = x.n < y.n ? -1 : 1;
	if (!r && x.ndims != y.ndims)
		r = x.ndims < y.ndims ? -1 : 1;
	for (int d = 0; !r && d < x.ndims; d++) {
		if (x.dims[d] != y.dims[d])
			r = x.dims[d] < y.dims[d] ? -1 : 1;
		else if (x.lbound[d] != y.lbound[d])
			r = x.lbound[d] < y.lbound[d] ? -1 : 1;
	}
	pgarr_free(&x);
	pgarr_free(&y);
	return r < 0 ? -1 : r > 0;
}

static const struct {
	enum pgkind kind;
	const char *collation;
} array_collations[] = {
	{ PGK_INT2, "pg_array_int2" }, { PGK_INT4, "pg_array_int4" }, { PGK_INT8, "pg_array_int8" },
	{ PGK_BOOL, "pg_array_bool" }, { PGK_NUMERIC, "pg_array_numeric" },
	{ PGK_FLOAT4, "pg_array_float4" }, { PGK_FLOAT8, "pg_array_float8" },
	{ PGK_TEXT, "pg_array_text" }, { PGK_VARCHAR, "pg_array_varchar" }, { PGK_CHAR, "pg_array_bpchar" },
	{ PGK_UUID, "pg_array_uuid" }, { PGK_DATE, "pg_array_date" }, { PGK_TIME, "pg_array_time" },
	{ PGK_TIMESTAMP, "pg_array_timestamp" }, { PGK_TIMESTAMPTZ, "pg_array_timestamptz" },
	{ PGK_JSONB, "pg_array_jsonb" },
};

/* ---- aggregate and table function ---- */

struct agg_state {
	struct pgarr a;
	size_t first;   /* rows before it left the window frame */
	int started;
};

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	if (!st)
		return;
	st->started = 1;
	push_value(&st->a, argv[0], arg_kind(argc, argv));
}

/* The row leaving a window frame is always the oldest one. */
static void agg_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	(void)argc;
	(void)argv;
	if (st && st->first < st->a.n) {
		free(st->a.elems[st->first].s);
		st->a.elems[st->first++].s = NULL;
	}
}

static void agg_value(sqlite3_context *ctx)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);
	struct pgarr view;
	if (!st || !st->started || st->first >= st->a.n) {
		sqlite3_result_null(ctx);
		return;
	}
	memset(&view, 0, sizeof(view));
	view.ndims = 1;
	view.dims[0] = (int)(st->a.n - st->first);
	view.lbound[0] = 1;
	view.elems = st->a.elems + st->first;
	view.n = st->a.n - st->first;
	result_array(ctx, &view);
}

static void agg_final(sqlite3_context *ctx)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);
	agg_value(ctx);
	if (st)
		pgarr_free(&st->a);
}

static void fill_unnest(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	struct pgarr a;
	const char *why;
	const char *s = (const char *)sqlite3_value_text(args[0]);
	enum pgkind kind = nargs > 1 && args[1] ? (enum pgkind)sqlite3_value_int(args[1]) : PGK_TEXT;
	if (pgarr_parse(s ? s : "", (size_t)sqlite3_value_bytes(args[0]), &a, &why)) {
		srf_set_error(rows, "malformed array literal");
		return;
	}
	for (size_t i = 0; i < a.n; i++) {
		struct srf_cell *c = srf_add_row(rows);
		if (!a.elems[i].s)
			continue;
		if (kind == PGK_BOOL)
			srf_set_int(c, a.elems[i].s[0] == 't');
		else if (fnv_is_integer_kind(kind))
			srf_set_int(c, strtoll(a.elems[i].s, NULL, 10));
		else
			srf_set_text(c, a.elems[i].s, a.elems[i].len);
	}
	pgarr_free(&a);
}

static const struct srf_def array_srfs[] = {
	{ "pg_unnest", "unnest", "arr,elemtype", 1, fill_unnest },
};

/* ---- registration ---- */

struct fn_reg {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	intptr_t data;
};

static const struct fn_reg array_fns[] = {
	{ "pg_array_in", 2, fn_array_in, 0 },
	{ "pg_array_int_narrow", 2, fn_array_int_narrow, 0 },
	{ "pg_array", -1, fn_array_ctor, 0 },
	{ "pg_array_nest", -1, fn_array_nest, 0 },
	{ "pg_array_any", 4, fn_any_all, 0 },
	{ "pg_array_all", 4, fn_any_all, 1 },
	{ "pg_array_append", 3, fn_append, 0 },
	{ "pg_array_prepend", 3, fn_append, 1 },
	{ "pg_array_cat", 3, fn_cat, 0 },
	{ "pg_array_remove", 3, fn_remove, 0 },
	{ "pg_array_replace", 4, fn_replace, 0 },
	{ "pg_array_position", 3, fn_position, 0 },
	{ "pg_array_position", 4, fn_position, 0 },
	{ "pg_array_positions", 3, fn_position, 1 },
	{ "pg_array_contains", 3, fn_contains, 0 },
	{ "pg_array_contained", 3, fn_contains, 1 },
	{ "pg_array_overlap", 3, fn_contains, 2 },
	{ "pg_array_length", 2, fn_length, 0 },
	{ "pg_array_lower", 2, fn_length, 1 },
	{ "pg_array_upper", 2, fn_length, 2 },
	{ "pg_cardinality", 1, fn_cardinality, 0 },
	{ "pg_array_ndims", 1, fn_cardinality, 1 },
	{ "pg_array_dims", 1, fn_dims, 0 },
	{ "pg_array_subscript", -1, fn_subscript, 0 },
	{ "pg_array_slice", 3, fn_slice, 0 },
	{ "pg_array_to_string", 2, fn_to_string, 0 },
	{ "pg_array_to_string", 3, fn_to_string, 0 },
	{ "pg_string_to_array", 2, fn_string_to_array, 0 },
	{ "pg_string_to_array", 3, fn_string_to_array, 0 },
};

static int register_array(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(array_fns); i++)
		rc = sqlite3_create_function_v2(db, array_fns[i].name, array_fns[i].nargs,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
						(void *)array_fns[i].data, array_fns[i].fn, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_window_function(db, "pg_array_agg", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS,
						    NULL, agg_step, agg_final, agg_value, agg_inverse, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(array_srfs); i++)
		rc = srf_register(db, &array_srfs[i]);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(array_collations); i++)
		rc = sqlite3_create_collation(db, array_collations[i].collation, SQLITE_UTF8,
					      (void *)(intptr_t)array_collations[i].kind, array_collate);
	return rc;
}

/* ---- signatures ---- */

#define E PGK_ANYELEMENT
#define A (PGK_ANYELEMENT | PGT_ARRAY)
#define T PGK_TEXT
#define TA (PGK_TEXT | PGT_ARRAY)
#define I4 PGK_INT4
#define B PGK_BOOL
#define EL PGFN_ELEMTYPE

static const struct pgfn_column cols_unnest[] = { { "unnest", E } };

static const struct pgfn_sig array_sigs[] = {
	{ NULL, PGFN_CAST, 1, { T }, A, "pg_array_in", EL },
	{ NULL, PGFN_CAST, 1, { PGK_INT8 | PGT_ARRAY }, PGK_INT4 | PGT_ARRAY, "pg_array_int_narrow", PGFN_ASSIGNMENT | EL },
	{ NULL, PGFN_CAST, 1, { PGK_INT8 | PGT_ARRAY }, PGK_INT2 | PGT_ARRAY, "pg_array_int_narrow", PGFN_ASSIGNMENT | EL },
	{ NULL, PGFN_CAST, 1, { PGK_INT4 | PGT_ARRAY }, PGK_INT2 | PGT_ARRAY, "pg_array_int_narrow", PGFN_ASSIGNMENT | EL },
	{ "array", PGFN_FUNC, 1, { E }, A, "pg_array", PGFN_VARIADIC | PGFN_NONSTRICT | EL },
	{ "array", PGFN_FUNC, 1, { A }, A, "pg_array_nest", PGFN_VARIADIC | PGFN_NONSTRICT | EL },
	{ "any", PGFN_FUNC, 3, { E, A, T }, B, "pg_array_any", PGFN_NONSTRICT | EL },
	{ "all", PGFN_FUNC, 3, { E, A, T }, B, "pg_array_all", PGFN_NONSTRICT | EL },
	{ "array_append", PGFN_FUNC, 2, { A, E }, A, "pg_array_append", PGFN_NONSTRICT | EL },
	{ "array_prepend", PGFN_FUNC, 2, { E, A }, A, "pg_array_prepend", PGFN_NONSTRICT | EL },
	{ "array_cat", PGFN_FUNC, 2, { A, A }, A, "pg_array_cat", PGFN_NONSTRICT | EL },
	{ "||", PGFN_OP, 2, { A, A }, A, "pg_array_cat", PGFN_NONSTRICT | EL },
	{ "||", PGFN_OP, 2, { A, E }, A, "pg_array_append", PGFN_NONSTRICT | EL },
	{ "||", PGFN_OP, 2, { E, A }, A, "pg_array_prepend", PGFN_NONSTRICT | EL },
	{ "array_remove", PGFN_FUNC, 2, { A, E }, A, "pg_array_remove", PGFN_NONSTRICT | EL },
	{ "array_replace", PGFN_FUNC, 3, { A, E, E }, A, "pg_array_replace", PGFN_NONSTRICT | EL },
	{ "array_position", PGFN_FUNC, 2, { A, E }, I4, "pg_array_position", PGFN_NONSTRICT | EL },
	{ "array_position", PGFN_FUNC, 3, { A, E, I4 }, I4, "pg_array_position", PGFN_NONSTRICT | EL },
	{ "array_positions", PGFN_FUNC, 2, { A, E }, I4 | PGT_ARRAY, "pg_array_positions", PGFN_NONSTRICT | EL },
	{ "@>", PGFN_OP, 2, { A, A }, B, "pg_array_contains", EL },
	{ "<@", PGFN_OP, 2, { A, A }, B, "pg_array_contained", EL },
	{ "&&", PGFN_OP, 2, { A, A }, B, "pg_array_overlap", EL },
	{ "array_length", PGFN_FUNC, 2, { A, I4 }, I4, "pg_array_length", 0 },
	{ "array_lower", PGFN_FUNC, 2, { A, I4 }, I4, "pg_array_lower", 0 },
	{ "array_upper", PGFN_FUNC, 2, { A, I4 }, I4, "pg_array_upper", 0 },
	{ "cardinality", PGFN_FUNC, 1, { A }, I4, "pg_cardinality", 0 },
	{ "array_ndims", PGFN_FUNC, 1, { A }, I4, "pg_array_ndims", 0 },
	{ "array_dims", PGFN_FUNC, 1, { A }, T, "pg_array_dims", 0 },
	{ "[]", PGFN_OP, 2, { A, I4 }, E, "pg_array_subscript", PGFN_VARIADIC | EL },
	{ "[:]", PGFN_OP, 3, { A, I4, I4 }, A, "pg_array_slice", PGFN_NONSTRICT },
	{ "array_to_string", PGFN_FUNC, 2, { A, T }, T, "pg_array_to_string", 0 },
	{ "array_to_string", PGFN_FUNC, 3, { A, T, T }, T, "pg_array_to_string", PGFN_NONSTRICT },
	{ "string_to_array", PGFN_FUNC, 2, { T, T }, TA, "pg_string_to_array", PGFN_NONSTRICT },
	{ "string_to_array", PGFN_FUNC, 3, { T, T, T }, TA, "pg_string_to_array", PGFN_NONSTRICT },
	{ "array_agg", PGFN_AGG, 1, { E }, A, "pg_array_agg", PGFN_NONSTRICT | EL },
	{ "unnest", PGFN_SRF, 1, { A }, E, "pg_unnest", EL, cols_unnest, 1 },
};

static const struct pgfn_order array_orders[] = {
	{ PGK_INT2 | PGT_ARRAY, "pg_array_int2" }, { PGK_INT4 | PGT_ARRAY, "pg_array_int4" },
	{ PGK_INT8 | PGT_ARRAY, "pg_array_int8" }, { PGK_BOOL | PGT_ARRAY, "pg_array_bool" },
	{ PGK_NUMERIC | PGT_ARRAY, "pg_array_numeric" }, { PGK_FLOAT4 | PGT_ARRAY, "pg_array_float4" },
	{ PGK_FLOAT8 | PGT_ARRAY, "pg_array_float8" }, { PGK_TEXT | PGT_ARRAY, "pg_array_text" },
	{ PGK_VARCHAR | PGT_ARRAY, "pg_array_varchar" }, { PGK_CHAR | PGT_ARRAY, "pg_array_bpchar" },
	{ PGK_UUID | PGT_ARRAY, "pg_array_uuid" }, { PGK_DATE | PGT_ARRAY, "pg_array_date" },
	{ PGK_TIME | PGT_ARRAY, "pg_array_time" }, { PGK_TIMESTAMP | PGT_ARRAY, "pg_array_timestamp" },
	{ PGK_TIMESTAMPTZ | PGT_ARRAY, "pg_array_timestamptz" }, { PGK_JSONB | PGT_ARRAY, "pg_array_jsonb" },
};

const struct pgfn_module pgfn_array_module = {
	.name = "array",
	.sigs = array_sigs,
	.nsigs = (int)ARRAY_SIZE(array_sigs),
	.orders = array_orders,
	.norders = (int)ARRAY_SIZE(array_orders),
	.register_fns = register_array,
};
