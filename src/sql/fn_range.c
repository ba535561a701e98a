/*
 * fn_range: range types with PostgreSQL 15's semantics (fn_range.h): input
 * and output, canonical [) form of discrete ranges, constructors,
 * accessors, the operators between ranges and with elements, and the
 * range order.
 */
#include "fn_range.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fn_shared.h"

struct bound {
	char *val;        /* canonical element text; NULL when infinite */
	size_t len;
	int inclusive;
	int lower;        /* a lower bound (else an upper one) */
};

struct range {
	int empty;
	struct bound lo, hi;
};

static const struct {
	enum pgkind range, elem;
	const char *name;
} range_types[] = {
	{ PGK_INT4RANGE, PGK_INT4, "int4range" },
	{ PGK_INT8RANGE, PGK_INT8, "int8range" },
	{ PGK_NUMRANGE, PGK_NUMERIC, "numrange" },
	{ PGK_DATERANGE, PGK_DATE, "daterange" },
	{ PGK_TSRANGE, PGK_TIMESTAMP, "tsrange" },
	{ PGK_TSTZRANGE, PGK_TIMESTAMPTZ, "tstzrange" },
};

/* pgfn_error, but quiet when parsing for the collation (no context). */
static void range_error(sqlite3_context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void range_error(sqlite3_context *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (!ctx)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sqlite3_result_error(ctx, buf, -1);
}

static void range_free(struct range *r)
{
	free(r->lo.val);
	free(r->hi.val);
	memset(r, 0, sizeof(*r));
}

static int elem_cmp(enum pgkind elem, const struct bound *a, const struct bound *b)
{
	int c = 0;
	fnv_compare(elem, a->val, a->len, b->val, b->len, &c);
	return c;
}

/* range_cmp_bounds */
static int bound_cmp(enum pgkind elem, const struct bound *b1, const struct bound *b2)
{
	int r;
	if (!b1->val && !b2->val)
		return b1->lower == b2->lower ? 0 : b1->lower ? -1 : 1;
	if (!b1->val)
		return b1->lower ? -1 : 1;
	if (!b2->val)
		return b2->lower ? 1 : -1;
	r = elem_cmp(elem, b1, b2);
	if (r)
		return r;
	if (!b1->inclusive && !b2->inclusive)
		return b1->lower == b2->lower ? 0 : b1->lower ? 1 : -1;
	if (!b1->inclusive)
		return b1->lower ? 1 : -1;
	if (!b2->inclusive)
		return b2->lower ? -1 : 1;
	return 0;
}

/*
 * Discrete types step to the next value: [) form.  0, or -1 after an
 * error ("integer out of range").
 */
static int step(sqlite3_context *ctx, enum pgkind elem, struct bound *b)
{
	struct strbuf sb = STRBUF_INIT;
	if (elem == PGK_INT4 || elem == PGK_INT8) {
		long long v = strtoll(b->val, NULL, 10);
		if ((elem == PGK_INT4 && v >= INT_MAX) || (elem == PGK_INT8 && v == LLONG_MAX)) {
			range_error(ctx, elem == PGK_INT4 ? "integer out of range" : "bigint out of range");
			return -1;
		}
		sb_addf(&sb, "%lld", v + 1);
	} else if (elem == PGK_DATE) {
		if (!strcmp(b->val, "infinity") || !strcmp(b->val, "-infinity"))
			return 0;
		if (fnv_date_add_days(b->val, b->len, 1, &sb)) {
			sb_release(&sb);
			return 0;
		}
	} else {
		return 0;
	}
	free(b->val);
	b->val = sb_detach(&sb, &b->len);
	b->inclusive = !b->inclusive;
	return 0;
}

/*
 * make_range: checks lower <= upper, puts discrete ranges in [) form and
 * makes the empty range.  0, or -1 after an error result.
 */
static int range_finish(sqlite3_context *ctx, enum pgkind elem, struct range *r)
{
	int discrete = elem == PGK_INT4 || elem == PGK_INT8 || elem == PGK_DATE;
	if (r->empty)
		goto empty;
	r->lo.lower = 1;
	r->hi.lower = 0;
	if (!r->lo.val)
		r->lo.inclusive = 0;
	if (!r->hi.val)
		r->hi.inclusive = 0;
	if (r->lo.val && r->hi.val) {
		int c = elem_cmp(elem, &r->lo, &r->hi);
		if (c > 0) {
			range_error(ctx, "range lower bound must be less than or equal to range upper bound");
			return -1;
		}
		if (c == 0 && !(r->lo.inclusive && r->hi.inclusive))
			goto empty;
	}
	if (discrete) {
		if (r->lo.val && !r->lo.inclusive && step(ctx, elem, &r->lo))
			return -1;
		if (r->hi.val && r->hi.inclusive && step(ctx, elem, &r->hi))
			return -1;
		if (r->lo.val && r->hi.val && bound_cmp(elem, &r->lo, &r->hi) >= 0 &&
		    !(r->lo.inclusive && r->hi.inclusive && elem_cmp(elem, &r->lo, &r->hi) == 0))
			goto empty;
	}
	return 0;
empty:
	range_free(r);
	r->empty = 1;
	return 0;
}

/* range_parse: 0, or -1 with *why set to the detail of "malformed range literal". */
static int parse_bound(const char **pp, const char *e, int upper, struct strbuf *out, int *infinite, const char **why)
{
	const char *p = *pp;
	int quoted = 0;
	*infinite = 0;
	if (p < e && (*p == ',' || (upper && (*p == ')' || *p == ']')))) {
		*infinite = 1;
		return 0;
	}
	while (p < e) {
		char c = *p;
		if (!quoted && (c == ',' || c == ')' || c == ']' || c == '(' || c == '['))
			break;
		if (c == '\\') {
			if (++p >= e) {
				*why = "Unexpected end of input.";
				return -1;
			}
			sb_addch(out, *p++);
		} else if (c == '"') {
			if (!quoted) {
				quoted = 1;
			} else if (p + 1 < e && p[1] == '"') {
				sb_addch(out, '"');
				p++;
			} else {
				quoted = 0;
			}
			p++;
		} else {
			sb_addch(out, c);
			p++;
		}
	}
	if (quoted) {
		*why = "Unexpected end of input.";
		return -1;
	}
	*pp = p;
	return 0;
}

static int range_parse(sqlite3_context *ctx, enum pgkind elem, const char *s, size_t len, struct range *r)
{
	const char *p = s, *e = s + len, *why = NULL;
	struct strbuf lo = STRBUF_INIT, hi = STRBUF_INIT, canon = STRBUF_INIT;
	int loinf, hiinf, ret = -1;
	memset(r, 0, sizeof(*r));
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (e - p == 5 && !strncasecmp(p, "empty", 5)) {
		r->empty = 1;
		return 0;
	}
	if (p >= e || (*p != '[' && *p != '(')) {
		why = "Missing left parenthesis or bracket.";
		goto malformed;
	}
	r->lo.inclusive = *p++ == '[';
	if (parse_bound(&p, e, 0, &lo, &loinf, &why))
		goto malformed;
	if (p >= e || *p != ',') {
		why = p >= e ? "Unexpected end of input." : "Missing comma after lower bound.";
		goto malformed;
	}
	p++;
	if (parse_bound(&p, e, 1, &hi, &hiinf, &why))
		goto malformed;
	if (p >= e || (*p != ')' && *p != ']')) {
		why = p >= e ? "Unexpected end of input." : "Too many commas.";
		goto malformed;
	}
	r->hi.inclusive = *p++ == ']';
	if (p != e) {
		why = "Junk after right parenthesis or bracket.";
		goto malformed;
	}
	if (!loinf) {
		if (fnv_canon(ctx, elem, lo.buf, lo.len, &canon))
			goto cleanup;
		r->lo.val = sb_detach(&canon, &r->lo.len);
	}
	if (!hiinf) {
		if (fnv_canon(ctx, elem, hi.buf, hi.len, &canon))
			goto cleanup;
		r->hi.val = sb_detach(&canon, &r->hi.len);
	}
	ret = range_finish(ctx, elem, r);
	goto cleanup;
malformed:
	(void)why;
	range_error(ctx, "malformed range literal: \"%.*s\"", (int)len, s);
cleanup:
	if (ret)
		range_free(r);
	sb_release(&lo);
	sb_release(&hi);
	sb_release(&canon);
	return ret;
}

static void out_bound(struct strbuf *sb, const struct bound *b)
{
	int quote = b->len == 0;
	if (!b->val)
		return;
	for (size_t i = 0; i < b->len && !quote; i++)
		quote = strchr("\"\\(),[] \t\n\r\v\f", b->val[i]) != NULL;
	if (!quote) {
		sb_add(sb, b->val, b->len);
		return;
	}
	sb_addch(sb, '"');
	for (size_t i = 0; i < b->len; i++) {
		if (b->val[i] == '"' || b->val[i] == '\\')
			sb_addch(sb, b->val[i]);
		sb_addch(sb, b->val[i]);
	}
	sb_addch(sb, '"');
}

static void result_range(sqlite3_context *ctx, const struct range *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;
	if (r->empty) {
		sqlite3_result_text(ctx, "empty", 5, SQLITE_STATIC);
		return;
	}
	sb_addch(&sb, r->lo.inclusive ? '[' : '(');
	out_bound(&sb, &r->lo);
	sb_addch(&sb, ',');
	out_bound(&sb, &r->hi);
	sb_addch(&sb, r->hi.inclusive ? ']' : ')');
	s = sb_detach(&sb, &len);
	sqlite3_result_text(ctx, s, (int)len, free);
}

/* User data of every function: the index in range_types. */
static enum pgkind ud_elem(sqlite3_context *ctx)
{
	return range_types[(intptr_t)sqlite3_user_data(ctx)].elem;
}

static int arg_range(sqlite3_context *ctx, sqlite3_value *v, struct range *r)
{
	const char *s = (const char *)sqlite3_value_text(v);
	return range_parse(ctx, ud_elem(ctx), s ? s : "", (size_t)sqlite3_value_bytes(v), r);
}

/* ---- input and constructors ---- */

static void fn_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct range r;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_range(ctx, argv[0], &r))
		return;
	result_range(ctx, &r);
	range_free(&r);
}

/* int4range(lower, upper [, flags]): NULL bounds are infinite */
static void fn_construct(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind elem = ud_elem(ctx);
	struct range r = { 0 };
	struct strbuf scratch = STRBUF_INIT, canon = STRBUF_INIT;
	const char *flags = "[)";
	if (argc == 3) {
		if (sqlite3_value_type(argv[2]) == SQLITE_NULL) {
			range_error(ctx, "range constructor flags argument must not be null");
			return;
		}
		flags = (const char *)sqlite3_value_text(argv[2]);
		if (strlen(flags) != 2 || (flags[0] != '[' && flags[0] != '(') || (flags[1] != ']' && flags[1] != ')')) {
			range_error(ctx, "invalid range bound flags");
			return;
		}
	}
	r.lo.inclusive = flags[0] == '[';
	r.hi.inclusive = flags[1] == ']';
	for (int i = 0; i < 2; i++) {
		struct bound *b = i ? &r.hi : &r.lo;
		size_t len;
		const char *s = fnv_text(argv[i], elem, &scratch, &len);
		if (!s)
			continue;
		sb_reset(&canon);
		/* values arrive canonical; reading them again costs little and guards */
		if (fnv_canon(ctx, elem, s, len, &canon))
			goto cleanup;
		b->val = xstrndup(canon.buf, canon.len);
		b->len = canon.len;
	}
	if (range_finish(ctx, elem, &r) == 0)
		result_range(ctx, &r);
cleanup:
	range_free(&r);
	sb_release(&scratch);
	sb_release(&canon);
}

/* ---- accessors ---- */

enum accessor { ACC_LOWER, ACC_UPPER, ACC_ISEMPTY, ACC_LOWER_INC, ACC_UPPER_INC, ACC_LOWER_INF, ACC_UPPER_INF };

static void fn_accessor(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	intptr_t ud = (intptr_t)sqlite3_user_data(ctx);
	enum accessor what = (enum accessor)(ud >> 8);
	enum pgkind elem = range_types[ud & 0xff].elem;
	struct range r;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	{
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(argv[0]), &r))
			return;
	}
	switch (what) {
	case ACC_LOWER: case ACC_UPPER: {
		const struct bound *b = what == ACC_LOWER ? &r.lo : &r.hi;
		if (r.empty || !b->val)
			sqlite3_result_null(ctx);
		else
			fnv_result(ctx, elem, b->val, b->len);
		break;
	}
	case ACC_ISEMPTY: sqlite3_result_int(ctx, r.empty); break;
	case ACC_LOWER_INC: sqlite3_result_int(ctx, !r.empty && r.lo.inclusive); break;
	case ACC_UPPER_INC: sqlite3_result_int(ctx, !r.empty && r.hi.inclusive); break;
	case ACC_LOWER_INF: sqlite3_result_int(ctx, !r.empty && !r.lo.val); break;
	case ACC_UPPER_INF: sqlite3_result_int(ctx, !r.empty && !r.hi.val); break;
	}
	range_free(&r);
}

/* ---- operators ---- */

static int overlaps(enum pgkind elem, const struct range *a, const struct range *b)
{
	if (a->empty || b->empty)
		return 0;
	if (bound_cmp(elem, &a->lo, &b->lo) >= 0 && bound_cmp(elem, &a->lo, &b->hi) <= 0)
		return 1;
	if (bound_cmp(elem, &b->lo, &a->lo) >= 0 && bound_cmp(elem, &b->lo, &a->hi) <= 0)
		return 1;
	return 0;
}

static int contains(enum pgkind elem, const struct range *a, const struct range *b)
{
	if (b->empty)
		return 1;
	if (a->empty)
		return 0;
	return bound_cmp(elem, &a->lo, &b->lo) <= 0 && bound_cmp(elem, &a->hi, &b->hi) >= 0;
}

/* range_before: a ends before b starts */
static int before(enum pgkind elem, const struct range *a, const struct range *b)
{
	if (a->empty || b->empty)
		return 0;
	return bound_cmp(elem, &a->hi, &b->lo) < 0;
}

/* bounds_adjacent: upper a and lower b meet with nothing between them */
static int bounds_adjacent(enum pgkind elem, const struct bound *hi, const struct bound *lo)
{
	int c;
	if (!hi->val || !lo->val)
		return 0;
	c = elem_cmp(elem, hi, lo);
	if (c < 0) {
		/* discrete types: [1,3) and [3,5) meet; 2 and 3 only if nothing is between */
		return 0;
	}
	return c == 0 && hi->inclusive != lo->inclusive;
}

static int adjacent(enum pgkind elem, const struct range *a, const struct range *b)
{
	if (a->empty || b->empty)
		return 0;
	return bounds_adjacent(elem, &a->hi, &b->lo) || bounds_adjacent(elem, &b->hi, &a->lo);
}

enum binop { OP_OVERLAP, OP_CONTAINS, OP_CONTAINED, OP_BEFORE, OP_AFTER, OP_OVERLEFT, OP_OVERRIGHT, OP_ADJACENT };

static void fn_binop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	intptr_t ud = (intptr_t)sqlite3_user_data(ctx);
	enum binop op = (enum binop)(ud >> 8);
	enum pgkind elem = range_types[ud & 0xff].elem;
	struct range a, b;
	int r = 0;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	{
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(argv[0]), &a))
			return;
		s = (const char *)sqlite3_value_text(argv[1]);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(argv[1]), &b)) {
			range_free(&a);
			return;
		}
	}
	switch (op) {
	case OP_OVERLAP: r = overlaps(elem, &a, &b); break;
	case OP_CONTAINS: r = contains(elem, &a, &b); break;
	case OP_CONTAINED: r = contains(elem, &b, &a); break;
	case OP_BEFORE: r = before(elem, &a, &b); break;
	case OP_AFTER: r = before(elem, &b, &a); break;
	case OP_OVERLEFT: /* &<: a does not extend to the right of b */
		r = !a.empty && !b.empty && bound_cmp(elem, &a.hi, &b.hi) <= 0;
		break;
	case OP_OVERRIGHT: /* &>: a does not extend to the left of b */
		r = !a.empty && !b.empty && bound_cmp(elem, &a.lo, &b.lo) >= 0;
		break;
	case OP_ADJACENT: r = adjacent(elem, &a, &b); break;
	}
	sqlite3_result_int(ctx, r);
	range_free(&a);
	range_free(&b);
}

/* range @> element (user data bit 16 clear) and element <@ range (set) */
static void fn_contains_elem(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	intptr_t ud = (intptr_t)sqlite3_user_data(ctx);
	int flip = (ud >> 8) & 1;
	enum pgkind elem = range_types[ud & 0xff].elem;
	sqlite3_value *rv = argv[flip], *ev = argv[!flip];
	struct strbuf scratch = STRBUF_INIT;
	struct range r;
	struct bound x = { 0 };
	int in = 0;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	{
		const char *s = (const char *)sqlite3_value_text(rv);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(rv), &r))
			return;
	}
	x.val = (char *)fnv_text(ev, elem, &scratch, &x.len);
	if (!r.empty) {
		int c;
		in = 1;
		if (r.lo.val) {
			c = elem_cmp(elem, &r.lo, &x);
			if (c > 0 || (c == 0 && !r.lo.inclusive))
				in = 0;
		}
		if (in && r.hi.val) {
			c = elem_cmp(elem, &r.hi, &x);
			if (c < 0 || (c == 0 && !r.hi.inclusive))
				in = 0;
		}
	}
	sqlite3_result_int(ctx, in);
	sb_release(&scratch);
	range_free(&r);
}

/* a + b, a * b, a - b (user data op 0, 1, 2) */
static void fn_setop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	intptr_t ud = (intptr_t)sqlite3_user_data(ctx);
	int op = (int)(ud >> 8);
	enum pgkind elem = range_types[ud & 0xff].elem;
	struct range a, b, out = { 0 };
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	{
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(argv[0]), &a))
			return;
		s = (const char *)sqlite3_value_text(argv[1]);
		if (range_parse(ctx, elem, s ? s : "", (size_t)sqlite3_value_bytes(argv[1]), &b)) {
			range_free(&a);
			return;
		}
	}
#define TAKE(dst, src)                                                          \
	do {                                                                    \
		(dst).val = (src).val ? xstrndup((src).val, (src).len) : NULL;  \
		(dst).len = (src).len;                                          \
		(dst).inclusive = (src).inclusive;                              \
		(dst).lower = (src).lower;                                      \
	} while (0)
	if (op == 0) { /* union */
		if (a.empty || b.empty) {
			result_range(ctx, a.empty ? &b : &a);
			goto cleanup;
		}
		if (!overlaps(elem, &a, &b) && !adjacent(elem, &a, &b)) {
			range_error(ctx, "result of range union would not be contiguous");
			goto cleanup;
		}
		TAKE(out.lo, bound_cmp(elem, &a.lo, &b.lo) <= 0 ? a.lo : b.lo);
		TAKE(out.hi, bound_cmp(elem, &a.hi, &b.hi) >= 0 ? a.hi : b.hi);
	} else if (op == 1) { /* intersection */
		if (a.empty || b.empty || !overlaps(elem, &a, &b)) {
			out.empty = 1;
		} else {
			TAKE(out.lo, bound_cmp(elem, &a.lo, &b.lo) >= 0 ? a.lo : b.lo);
			TAKE(out.hi, bound_cmp(elem, &a.hi, &b.hi) <= 0 ? a.hi : b.hi);
		}
	} else { /* difference */
		int cl_l, cl_u, cu_l, cu_u;
		if (a.empty || b.empty) {
			result_range(ctx, &a);
			goto cleanup;
		}
		cl_l = bound_cmp(elem, &a.lo, &b.lo);
		cl_u = bound_cmp(elem, &a.lo, &b.hi);
		cu_l = bound_cmp(elem, &a.hi, &b.lo);
		cu_u = bound_cmp(elem, &a.hi, &b.hi);
		if (cl_l < 0 && cu_u > 0) {
			range_error(ctx, "result of range difference would not be contiguous");
			goto cleanup;
		}
		if (cl_u > 0 || cu_l < 0) {
			result_range(ctx, &a);
			goto cleanup;
		}
		if (cl_l >= 0 && cu_u <= 0) {
			out.empty = 1;
		} else if (cl_l <= 0 && cu_l >= 0 && cu_u <= 0) {
			TAKE(out.lo, a.lo);
			TAKE(out.hi, b.lo);
			out.hi.inclusive = !b.lo.inclusive;
		} else if (cl_l >= 0 && cu_u >= 0 && cl_u <= 0) {
			TAKE(out.lo, b.hi);
			out.lo.inclusive = !b.hi.inclusive;
			TAKE(out.hi, a.hi);
		} else {
			range_error(ctx, "unexpected case in range_minus");
			goto cleanup;
		}
	}
#undef TAKE
	if (range_finish(ctx, elem, &out) == 0)
		result_range(ctx, &out);
cleanup:
	range_free(&a);
	range_free(&b);
	range_free(&out);
}

/* ---- order ---- */

/* range_cmp: empty first, then by lower bound, then by upper bound. */
static int range_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	enum pgkind elem = range_types[(intptr_t)arg].elem;
	struct range x, y;
	int r;
	if (alen == blen && !memcmp(a, b, (size_t)alen))
		return 0;
	if (range_parse(NULL, elem, a, (size_t)alen, &x))
		return -1;
	if (range_parse(NULL, elem, b, (size_t)blen, &y)) {
		range_free(&x);
		return 1;
	}
	if (x.empty || y.empty)
		r = y.empty - x.empty;
	else {
		r = bound_cmp(elem, &x.lo, &y.lo);
		if (!r)
			r = bound_cmp(elem, &x.hi, &y.hi);
	}
	range_free(&x);
	range_free(&y);
	return r;
}

/* ---- registration ---- */

struct fn_reg {
	const char *suffix;    /* pg_<type><suffix> */
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	int op;                /* shifted into the user data above the type index */
};

static const struct fn_reg range_fns[] = {
	{ "_in", 1, fn_in, 0 },
	{ "", 2, fn_construct, 0 },
	{ "", 3, fn_construct, 0 },
	{ "_lower", 1, fn_accessor, ACC_LOWER },
	{ "_upper", 1, fn_accessor, ACC_UPPER },
	{ "_isempty", 1, fn_accessor, ACC_ISEMPTY },
	{ "_lower_inc", 1, fn_accessor, ACC_LOWER_INC },
	{ "_upper_inc", 1, fn_accessor, ACC_UPPER_INC },
	{ "_lower_inf", 1, fn_accessor, ACC_LOWER_INF },
	{ "_upper_inf", 1, fn_accessor, ACC_UPPER_INF },
	{ "_overlaps", 2, fn_binop, OP_OVERLAP },
	{ "_contains", 2, fn_binop, OP_CONTAINS },
	{ "_contained", 2, fn_binop, OP_CONTAINED },
	{ "_before", 2, fn_binop, OP_BEFORE },
	{ "_after", 2, fn_binop, OP_AFTER },
	{ "_overleft", 2, fn_binop, OP_OVERLEFT },
	{ "_overright", 2, fn_binop, OP_OVERRIGHT },
	{ "_adjacent", 2, fn_binop, OP_ADJACENT },
	{ "_contains_elem", 2, fn_contains_elem, 0 },
	{ "_elem_contained", 2, fn_contains_elem, 1 },
	{ "_union", 2, fn_setop, 0 },
	{ "_intersect", 2, fn_setop, 1 },
	{ "_minus", 2, fn_setop, 2 },
};

static int register_range(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t t = 0; rc == SQLITE_OK && t < ARRAY_SIZE(range_types); t++) {
		char name[64];
		for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(range_fns); i++) {
			snprintf(name, sizeof(name), "pg_%s%s", range_types[t].name, range_fns[i].suffix);
			rc = sqlite3_create_function_v2(db, name, range_fns[i].nargs,
							SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
							(void *)(intptr_t)((range_fns[i].op << 8) | (int)t),
							range_fns[i].fn, NULL, NULL, NULL);
		}
		snprintf(name, sizeof(name), "pg_%s", range_types[t].name);
		if (rc == SQLITE_OK)
			rc = sqlite3_create_collation(db, name, SQLITE_UTF8, (void *)(intptr_t)t, range_collate);
	}
	return rc;
}

/* ---- signatures: the same list for each range type ---- */

#define B PGK_BOOL
#define T PGK_TEXT
#define RANGE_SIGS(R, E, n)                                                                          \
	{ NULL, PGFN_CAST, 1, { T }, R, "pg_" n "_in", 0 },                                          \
	{ NULL, PGFN_CAST, 1, { R }, T, "pg_" n "_in", PGFN_ASSIGNMENT },                            \
	{ n, PGFN_FUNC, 2, { E, E }, R, "pg_" n, PGFN_NONSTRICT },                                   \
	{ n, PGFN_FUNC, 3, { E, E, T }, R, "pg_" n, PGFN_NONSTRICT },                                \
	{ "lower", PGFN_FUNC, 1, { R }, E, "pg_" n "_lower", 0 },                                    \
	{ "upper", PGFN_FUNC, 1, { R }, E, "pg_" n "_upper", 0 },                                    \
	{ "isempty", PGFN_FUNC, 1, { R }, B, "pg_" n "_isempty", 0 },                                \
	{ "lower_inc", PGFN_FUNC, 1, { R }, B, "pg_" n "_lower_inc", 0 },                            \
	{ "upper_inc", PGFN_FUNC, 1, { R }, B, "pg_" n "_upper_inc", 0 },                            \
	{ "lower_inf", PGFN_FUNC, 1, { R }, B, "pg_" n "_lower_inf", 0 },                            \
	{ "upper_inf", PGFN_FUNC, 1, { R }, B, "pg_" n "_upper_inf", 0 },                            \
	{ "&&", PGFN_OP, 2, { R, R }, B, "pg_" n "_overlaps", 0 },                                   \
	{ "@>", PGFN_OP, 2, { R, R }, B, "pg_" n "_contains", 0 },                                   \
	{ "<@", PGFN_OP, 2, { R, R }, B, "pg_" n "_contained", 0 },                                  \
	{ "@>", PGFN_OP, 2, { R, E }, B, "pg_" n "_contains_elem", 0 },                              \
	{ "<@", PGFN_OP, 2, { E, R }, B, "pg_" n "_elem_contained", 0 },                             \
	{ "<<", PGFN_OP, 2, { R, R }, B, "pg_" n "_before", 0 },                                     \
	{ ">>", PGFN_OP, 2, { R, R }, B, "pg_" n "_after", 0 },                                      \
	{ "&<", PGFN_OP, 2, { R, R }, B, "pg_" n "_overleft", 0 },                                   \
	{ "&>", PGFN_OP, 2, { R, R }, B, "pg_" n "_overright", 0 },                                  \
	{ "-|-", PGFN_OP, 2, { R, R }, B, "pg_" n "_adjacent", 0 },                                  \
	{ "+", PGFN_OP, 2, { R, R }, R, "pg_" n "_union", 0 },                                       \
	{ "*", PGFN_OP, 2, { R, R }, R, "pg_" n "_intersect", 0 },                                   \
	{ "-", PGFN_OP, 2, { R, R }, R, "pg_" n "_minus", 0 }

static const struct pgfn_sig range_sigs[] = {
	RANGE_SIGS(PGK_INT4RANGE, PGK_INT4, "int4range"),
	RANGE_SIGS(PGK_INT8RANGE, PGK_INT8, "int8range"),
	RANGE_SIGS(PGK_NUMRANGE, PGK_NUMERIC, "numrange"),
	RANGE_SIGS(PGK_DATERANGE, PGK_DATE, "daterange"),
	RANGE_SIGS(PGK_TSRANGE, PGK_TIMESTAMP, "tsrange"),
	RANGE_SIGS(PGK_TSTZRANGE, PGK_TIMESTAMPTZ, "tstzrange"),
};

static const struct pgfn_order range_orders[] = {
	{ PGK_INT4RANGE, "pg_int4range" }, { PGK_INT8RANGE, "pg_int8range" },
	{ PGK_NUMRANGE, "pg_numrange" }, { PGK_DATERANGE, "pg_daterange" },
	{ PGK_TSRANGE, "pg_tsrange" }, { PGK_TSTZRANGE, "pg_tstzrange" },
};

const struct pgfn_module pgfn_range_module = {
	.name = "range",
	.sigs = range_sigs,
	.nsigs = (int)ARRAY_SIZE(range_sigs),
	.orders = range_orders,
	.norders = (int)ARRAY_SIZE(range_orders),
	.register_fns = register_range,
};
