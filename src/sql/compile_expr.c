/*
 * compile_expr: PostgreSQL expressions (libpg_query's JSON parse tree) to
 * the typed IR of sqlc_int.h, and the IR's printer.
 *
 * Each construct is translated as PostgreSQL's parse analysis does it
 * (parse_expr.c): operators and functions are resolved over the registry,
 * untyped literals take the type their context gives them, BETWEEN
 * becomes two comparisons, CASE/COALESCE/GREATEST choose a common type,
 * and every comparison runs under its type's order.  A node kind this
 * file does not know is refused with its name and position: nothing
 * falls through to SQLite's own meaning.
 */
#include "sqlc_int.h"
#include "fn_datetime.h"
#include "fn_numeric_fmt.h"
#include "fn_ordagg.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON helpers ---- */

const char *node_tag(const cJSON *n, const cJSON **body)
{
	if (!n || !cJSON_IsObject(n) || !n->child) {
		if (body)
			*body = NULL;
		return NULL;
	}
	if (body)
		*body = n->child;
	return n->child->string;
}

const cJSON *pj_get(const cJSON *o, const char *k)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

int pj_int(const cJSON *o, const char *k, int dflt)
{
	const cJSON *v = pj_get(o, k);
	return cJSON_IsNumber(v) ? v->valueint : dflt;
}

const char *pj_str(const cJSON *o, const char *k)
{
	const cJSON *v = pj_get(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int pj_bool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(pj_get(o, k));
}

/* libpg_query omits zero fields: a missing location is offset 0. */
int node_loc(const cJSON *n)
{
	const cJSON *b;
	if (!node_tag(n, &b))
		return -1;
	return pj_int(b, "location", 0);
}

const char *str_val(const cJSON *n)
{
	const cJSON *b;
	const char *tag = node_tag(n, &b);
	if (!tag || strcmp(tag, "String"))
		return NULL;
	const char *s = pj_str(b, "sval");
	return s ? s : "";
}

/* ---- building and printing ---- */

struct expr *ex_new(struct cx *cx, enum ekind k, const struct ctype *t, int loc)
{
	struct expr *e = ar_alloc(cx, sizeof(*e));
	e->kind = k;
	e->type = *t;
	e->loc = loc;
	return e;
}

struct expr *ex_sql(struct cx *cx, const char *sql, const struct ctype *t, int loc)
{
	struct expr *e = ex_new(cx, E_SQL, t, loc);
	e->text = sql;
	return e;
}

static unsigned kid_flags(struct expr **kids, int n)
{
	unsigned f = 0;
	for (int i = 0; i < n; i++)
		if (kids[i])
			f |= kids[i]->flags & (X_AGG | X_WINDOW | X_VOLATILE | X_SUBQ | X_POISON);
	return f;
}

struct expr *ex_func(struct cx *cx, const char *fn, const struct ctype *t, int loc,
		     int n, struct expr **kids)
{
	struct expr *e = ex_new(cx, E_FUNC, t, loc);
	e->text = fn;
	e->nkids = n;
	e->kids = ar_alloc(cx, sizeof(*kids) * (size_t)(n ? n : 1));
	memcpy(e->kids, kids, sizeof(*kids) * (size_t)n);
	e->flags = kid_flags(kids, n);
	return e;
}

struct expr *ex_tmpl(struct cx *cx, const char *fmt, const struct ctype *t, int loc,
		     int n, ...)
{
	struct expr *e = ex_new(cx, E_TEMPLATE, t, loc);
	va_list ap;
	e->text = fmt;
	e->nkids = n;
	e->kids = ar_alloc(cx, sizeof(struct expr *) * (size_t)(n ? n : 1));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		e->kids[i] = va_arg(ap, struct expr *);
	va_end(ap);
	e->flags = kid_flags(e->kids, n);
	return e;
}

static struct expr *ex_tmplv(struct cx *cx, const char *fmt, const struct ctype *t,
			     int loc, int n, struct expr **kids)
{
	struct expr *e = ex_func(cx, fmt, t, loc, n, kids);
	e->kind = E_TEMPLATE;
	return e;
}

static int is_leaf(const struct expr *e)
{
	return e->kind != E_TEMPLATE;
}

void ex_print(struct strbuf *sb, const struct expr *e)
{
	switch (e->kind) {
	case E_SQL:
	case E_COL:
		sb_adds(sb, e->text);
		return;
	case E_NULL:
		sb_adds(sb, "NULL");
		return;
	case E_UNKNOWN:
		sb_add_literal(sb, e->text);
		return;
	case E_FUNC:
		sb_adds(sb, e->text);
		sb_addch(sb, '(');
		if (e->flags & X_DISTINCT)
			sb_adds(sb, "DISTINCT ");
		if (e->flags & X_STAR)
			sb_addch(sb, '*');
		for (int i = 0; i < e->nkids; i++) {
			if (i)
				sb_adds(sb, ", ");
			ex_print(sb, e->kids[i]);
		}
		sb_addch(sb, ')');
		if (e->suffix)
			sb_adds(sb, e->suffix);
		return;
	case E_TEMPLATE:
		for (const char *p = e->text; *p; p++) {
			if (*p == '$' && p[1] == 'c') {
				sb_adds(sb, e->coll ? e->coll : "BINARY");
				p++;
			} else if (*p == '$' && isdigit((unsigned char)p[1])) {
				char *end;
				long i = strtol(p + 1, &end, 10) - 1;
				const struct expr *k = e->kids[i];
				if (is_leaf(k)) {
					ex_print(sb, k);
				} else {
					sb_addch(sb, '(');
					ex_print(sb, k);
					sb_addch(sb, ')');
				}
				p = end - 1;
			} else {
				sb_addch(sb, *p);
			}
		}
		return;
	}
}

/* ---- constant folding (clauses.c: eval_const_expressions) ---- */

int ex_is_null(const struct expr *e)
{
	return e->kind == E_NULL || (e->kind == E_SQL && !strcmp(e->text, "NULL"));
}

struct expr *ex_null(struct cx *cx, const struct ctype *t, int loc)
{
	return ex_sql(cx, "NULL", t, loc);
}

/* A boolean constant: 1 or 0; -1 when e is not one (NULL: ex_is_null). */
static int ex_bool_const(const struct expr *e)
{
	if (e->kind == E_SQL && e->type.t == PGK_BOOL) {
		if (!strcmp(e->text, "1"))
			return 1;
		if (!strcmp(e->text, "0"))
			return 0;
	}
	return -1;
}

/* A constant other than NULL: a literal number or string. */
static int ex_is_literal(const struct expr *e)
{
	const char *p = e->text;
	if (e->kind == E_UNKNOWN)
		return 1;
	if (e->kind != E_SQL || !p)
		return 0;
	if (*p == '\'') {
		/* one quoted string, nothing after it */
		for (p++; *p; p++)
			if (*p == '\'' && *++p != '\'')
				return *p == '\0';
		return 0;
	}
	if (*p == '-')
		p++;
	return *p && strspn(p, "0123456789.e+-") == strlen(p) && isdigit((unsigned char)*p);
}

/*
 * e, which replaces args when they are folded, keeps those of them that
 * hold a failed fold (never printed), so that ex_drop still reaches those
 * poisons when the planner never simplifies e itself: in PostgreSQL
 * coalesce(false, (NULL::int4 + (1/0)) > 1) is false, although its
 * dropped argument folds to NULL over an error.
 */
struct expr *ex_keep(struct cx *cx, struct expr *e, struct expr **args, int n)
{
	if (!(kid_flags(args, n) & X_POISON))
		return e;
	struct expr **h = ar_alloc(cx, sizeof(*h) * (size_t)(e->nhid + n));
	if (e->nhid)
		memcpy(h, e->hid, sizeof(*h) * (size_t)e->nhid);
	memcpy(h + e->nhid, args, sizeof(*args) * (size_t)n);
	e->hid = h;
	e->nhid += n;
	e->flags |= X_POISON;
	return e;
}

/* The NULL a strict call over a NULL constant folds to. */
static struct expr *ex_null_over(struct cx *cx, const struct ctype *t, int loc,
				 struct expr **args, int n)
{
	return ex_keep(cx, ex_null(cx, t, loc), args, n);
}

int ex_is_const(const struct expr *e)
{
	return ex_is_null(e) || ex_is_literal(e) || (e->flags & X_CONST);
}

struct expr *ex_fold(struct cx *cx, struct expr *e)
{
	char *v, *msg;
	if (!e || (e->kind != E_FUNC && e->kind != E_TEMPLATE) ||
	    (e->flags & (X_AGG | X_WINDOW | X_VOLATILE | X_SUBQ | X_POISON | X_STAR | X_DISTINCT)) ||
	    e->suffix)
		return e;
	for (int i = 0; i < e->nkids; i++)
		if (!ex_is_const(e->kids[i]))
			return e;
	v = eval_const_msg(cx, ex_sqltext(cx, e), &msg);
	if (v) {
		struct expr *r = ex_sql(cx, v, &e->type, e->loc);
		r->flags |= X_CONST;
		return r;
	}
	/* the error PostgreSQL's planner raises, if it reaches this call */
	struct strbuf *sb = ar_buf(cx);
	sb_adds(sb, "pg_sqlc_raise(");
	sb_add_literal(sb, msg ? msg : "?");
	sb_addch(sb, ')');
	struct expr *r = ex_sql(cx, ar_sb(cx, sb), &e->type, e->loc);
	r->flags |= X_POISON;
	r->poison = ar_alloc(cx, sizeof(*r->poison));
	r->poison->msg = msg ? msg : "?";
	ALLOC_GROW(cx->poisons, cx->npoisons + 1, cx->alloc_poisons);
	cx->poisons[cx->npoisons++] = r;
	return r;
}

void ex_drop(struct expr *e)
{
	if (!e || !(e->flags & X_POISON))
		return;
	if (e->poison)
		e->poison->dropped = 1; /* a copy (coerce_to copies nodes) drops the original too */
	for (int i = 0; i < e->nkids; i++)
		ex_drop(e->kids[i]);
	for (int i = 0; i < e->nhid; i++)
		ex_drop(e->hid[i]);
}

static struct expr *ex_bool(struct cx *cx, int v, int loc)
{
	return ex_sql(cx, v ? "1" : "0", &T_BOOL, loc);
}

/*
 * Whether evaluating e can fail: it calls a runtime function, a subquery
 * or a failed fold.  Comparisons under collations, IS NULL, CASE and
 * literals cannot.
 */
static int ex_may_raise(const struct expr *e)
{
	if (e->flags & (X_SUBQ | X_POISON))
		return 1;
	if ((e->kind == E_FUNC || e->kind == E_TEMPLATE) && strstr(e->text, "pg_"))
		return 1;
	if (e->kind == E_SQL && !ex_is_const(e))
		return 1; /* SQL text the compiler did not build as a tree */
	for (int i = 0; i < e->nkids; i++)
		if (ex_may_raise(e->kids[i]))
			return 1;
	return 0;
}

/*
 * a AND b, a OR b as PostgreSQL evaluates them (ExecEvalAnd/Or): b is not
 * evaluated when a decides (FALSE for AND, TRUE for OR), and is when a is
 * NULL.  SQLite 3.40 evaluates both sides of AND/OR in a value, and in a
 * CASE WHEN skips b when a is NULL; the difference shows only when b can
 * fail, so only then the CASE form (b is written twice, evaluated once).
 */
static struct expr *ex_andor(struct cx *cx, struct expr *a, struct expr *b, int is_and, int loc)
{
	if (!ex_may_raise(b))
		return ex_tmpl(cx, is_and ? "$1 AND $2" : "$1 OR $2", &T_BOOL, loc, 2, a, b);
	struct expr *e = ex_tmpl(cx, is_and ? "CASE $1 WHEN 0 THEN 0 WHEN 1 THEN $2 ELSE CASE $2 WHEN 0 THEN 0 END END"
				 : "CASE $1 WHEN 1 THEN 1 WHEN 0 THEN $2 ELSE CASE $2 WHEN 1 THEN 1 END END",
				 &T_BOOL, loc, 2, a, b);
	e->flags |= X_ANDOR;
	return e;
}

/*
 * A qual (WHERE, JOIN/ON, HAVING): its top-level ANDs stop at FALSE or
 * NULL in PostgreSQL (ExecQual) as in SQLite's WHERE, and stay plain ANDs
 * that SQLite can use indexes for.
 */
static struct expr *qual_unwrap(struct cx *cx, struct expr *e)
{
	if (!e || !(e->flags & X_ANDOR) || strncmp(e->text, "CASE $1 WHEN 0", 14))
		return e;
	return ex_tmpl(cx, "$1 AND $2", &T_BOOL, e->loc, 2, qual_unwrap(cx, e->kids[0]), e->kids[1]);
}

/*
 * AND / OR over args (simplify_and_arguments, simplify_or_arguments):
 * the constant that decides it (FALSE for AND, TRUE for OR) is the
 * result, the other constant is dropped, NULL constants are dropped and
 * one NULL goes last.
 */
static struct expr *fold_andor(struct cx *cx, struct expr **args, int n, int is_and, int loc)
{
	struct expr *acc = NULL;
	int have_null = 0;
	for (int i = 0; i < n; i++) {
		int c = ex_bool_const(args[i]);
		if (ex_is_null(args[i])) {
			have_null = 1;
			continue;
		}
		if (c == !is_and) {
			/* the planner stops here: later arguments are never simplified */
			for (int j = i + 1; j < n; j++)
				ex_drop(args[j]);
			return ex_keep(cx, ex_bool(cx, !is_and, loc), args, n);
		}
		if (c == is_and)
			continue;
		acc = acc ? ex_andor(cx, acc, args[i], is_and, loc) : args[i];
	}
	if (!acc)
		return ex_keep(cx, have_null ? ex_null(cx, &T_BOOL, loc) : ex_bool(cx, is_and, loc), args, n);
	if (have_null)
		acc = ex_andor(cx, acc, ex_keep(cx, ex_null(cx, &T_BOOL, loc), args, n), is_and, loc);
	return acc;
}

/* A strict comparison (an OpExpr) over a NULL constant is NULL; over
 * constants, a constant (every order's comparison is immutable). */
static struct expr *fold_comparison(struct cx *cx, struct expr *c)
{
	if (c && c->kind == E_TEMPLATE && c->nkids == 2 &&
	    (ex_is_null(c->kids[0]) || ex_is_null(c->kids[1])))
		return ex_null_over(cx, &T_BOOL, c->loc, c->kids, 2);
	return ex_fold(cx, c);
}

char *ex_sqltext(struct cx *cx, const struct expr *e)
{
	struct strbuf *sb = ar_buf(cx);
	ex_print(sb, e);
	return ar_sb(cx, sb);
}

struct expr *resolve_unknown(struct cx *cx, struct expr *e)
{
	if (e && e->type.t == PGK_UNKNOWN)
		return coerce_to(cx, e, &T_TEXT, CC_IMPLICIT, NULL);
	return e;
}

struct expr *ex_compare(struct cx *cx, const char *op, struct expr *a, struct expr *b,
			const char *coll, int loc)
{
	const char *fmt = ar_printf(cx, "$1 COLLATE $c %s $2", !strcmp(op, "!=") ? "<>" : op);
	struct expr *e = ex_tmpl(cx, fmt, &T_BOOL, loc, 2, a, b);
	e->coll = coll;
	return e;
}

/* Coerces args to the resolved argument types. */
static int coerce_args(struct cx *cx, struct expr **args, int n, const struct resolved *r)
{
	for (int i = 0; i < n; i++) {
		args[i] = coerce_to(cx, args[i], &r->args[i], CC_IMPLICIT, NULL);
		if (!args[i])
			return -1;
	}
	return 0;
}

struct expr *make_comparison(struct cx *cx, const char *op, struct expr *a,
			     struct expr *b, int loc)
{
	struct resolved r;
	struct expr *args[2] = { a, b };
	if (!a || !b)
		return NULL;
	if (resolve_operator(cx, op, args, 2, loc, &r) < 0 || coerce_args(cx, args, 2, &r) < 0)
		return NULL;
	return ex_compare(cx, op, args[0], args[1], r.coll, loc);
}

/* A call of a resolved registry signature over coerced arguments. */
struct expr *call_sig(struct cx *cx, const struct resolved *r, struct expr **args,
		      int n, int loc)
{
	struct expr *kids[PGFN_MAXARGS + 40];
	int nk = 0;
	if (r->sig->flags & PGFN_REFUSED) {
		struct strbuf *a = ar_buf(cx);
		for (int i = 0; i < n; i++)
			sb_addf(a, "%s%s", i ? ", " : "", ct_name(cx, &r->args[i], 0));
		if (r->sig->kind == PGFN_OP)
			return cx_error(cx, loc, "drydock cannot compute it exactly as PostgreSQL does; cast to double precision if that is what you mean",
				    "operator %s(%s) is not supported", r->sig->name, a->buf), NULL;
		return cx_error(cx, loc, "drydock cannot compute it exactly as PostgreSQL does; cast to double precision if that is what you mean",
			    "function %s(%s) is not supported", r->sig->name, a->buf), NULL;
	}
	if (n > PGFN_MAXARGS + 20)
		return cx_error(cx, loc, NULL, "too many arguments"), NULL;
	if (coerce_args(cx, args, n, r) < 0)
		return NULL;
	/* a strict function or operator over a NULL constant is never called
	 * (evaluate_function); not aggregates, windows, set-returning
	 * functions, nor subscripts (folded only when all is constant) */
	if ((r->sig->kind == PGFN_FUNC || r->sig->kind == PGFN_OP) &&
	    !(r->sig->flags & PGFN_NONSTRICT) && r->sig->name[0] != '[')
		for (int i = 0; i < n; i++)
			if (ex_is_null(args[i]))
				return ex_null_over(cx, &r->ret, loc, args, n);
	for (int i = 0; i < n; i++)
		kids[nk++] = args[i];
	if (r->sig->flags & PGFN_TYPENAME) {
		/* the polymorphic or result type name: enums, ranges */
		const struct ctype *t = &r->ret;
		for (int i = 0; i < n; i++)
			if (PGT_KIND(r->sig->args[i < r->sig->nargs ? i : r->sig->nargs - 1]) == PGK_ANYENUM ||
			    PGT_KIND(r->sig->args[i < r->sig->nargs ? i : r->sig->nargs - 1]) == PGK_ANYELEMENT)
				t = &r->args[i];
		struct strbuf *sb = ar_buf(cx);
		sb_add_literal(sb, t->name ? t->name : ct_name(cx, t, 0));
		kids[nk++] = ex_sql(cx, ar_sb(cx, sb), &T_TEXT, -1);
	}
	if (r->sig->flags & PGFN_ELEMTYPE) {
		int has_any = 0;
		for (int i = 0; i < r->sig->nargs; i++)
			has_any |= PGT_KIND(r->sig->args[i]) == PGK_ANY;
		if (has_any) {
			/* one PGT type per actual "any" argument, after them all */
			for (int i = 0; i < n; i++) {
				int st = r->sig->args[i < r->sig->nargs ? i : r->sig->nargs - 1];
				if (PGT_KIND(st) == PGK_ANY)
					kids[nk++] = ex_sql(cx, ar_printf(cx, "%d", r->args[i].t), &T_INT4, -1);
			}
		} else {
			/* the element type of the polymorphic arguments; an
			 * anyelement bound to an array type (to_jsonb(int[]))
			 * passes that array type, as "any" does */
			int k = PGT_KIND(r->ret.t);
			for (int i = 0; i < n; i++) {
				int st = r->sig->args[i < r->sig->nargs ? i : r->sig->nargs - 1];
				if (PGT_KIND(st) == PGK_ANYELEMENT)
					k = PGT_IS_ARRAY(st) ? (int)PGT_KIND(r->args[i].t) : r->args[i].t;
			}
			kids[nk++] = ex_sql(cx, ar_printf(cx, "%d", k), &T_INT4, -1);
		}
	}
	struct expr *e = ex_func(cx, r->sig->sqlite_fn, &r->ret, loc, nk, kids);
	if (r->sig->flags & PGFN_VOLATILE)
		e->flags |= X_VOLATILE;
	/* an immutable function or operator over constants is evaluated by
	 * the planner (evaluate_function) */
	if ((r->sig->kind == PGFN_FUNC || r->sig->kind == PGFN_OP) &&
	    pgfn_sig_volatility(r->sig) == 'i')
		e = ex_fold(cx, e);
	return e;
}

/* ---- literals ---- */

/* Skips white space and comments (-- to the end of the line, nested slash-star). */
static const char *skip_blanks(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 1;
			for (p += 2; *p && depth; p++) {
				if (p[0] == '/' && p[1] == '*')
					depth++, p++;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p++;
			}
		} else {
			return p;
		}
	}
}

/*
 * libpg_query's JSON drops the value of an integer constant that is zero
 * or negative ("-3" arrives as an empty ival): read it back from the
 * text.  The grammar folds every unary minus over a constant into it, the
 * constant's location being the first sign, and parentheses leave no
 * node, so "- (- -13)" is one constant -13 at the first "-": the signs
 * between there and the digits are counted, over parentheses, blanks and
 * comments.
 */
static long long ival_from_text(struct cx *cx, int loc)
{
	const char *p = cx->text + loc;
	int neg = 0;
	for (;;) {
		p = skip_blanks(p);
		if (*p == '-')
			neg = !neg;
		else if (*p != '(')
			break;
		p++;
	}
	long long v = strtoll(p, NULL, 10);
	return neg ? -v : v;
}

static struct expr *compile_const(struct cx *cx, const cJSON *b)
{
	int loc = pj_int(b, "location", 0);
	const cJSON *v;
	if (pj_bool(b, "isnull"))
		return ex_new(cx, E_NULL, &T_UNKNOWN, loc);
	if ((v = pj_get(b, "ival"))) {
		long long n = pj_get(v, "ival") ? (long long)pj_int(v, "ival", 0)
					      : ival_from_text(cx, loc);
		return ex_sql(cx, ar_printf(cx, "%lld", n), &T_INT4, loc);
	}
	if ((v = pj_get(b, "fval"))) {
		const char *s = pj_str(v, "fval");
		const char *p = s + (*s == '-');
		if (!s)
			s = "0";
		if (strspn(p, "0123456789") == strlen(p)) {
			errno = 0;
			long long n = strtoll(s, NULL, 10);
			/* -2147483648 arrives here and is an integer (make_const) */
			if (errno == 0)
				return ex_sql(cx, ar_printf(cx, "%lld", n),
					      n >= -2147483648LL && n <= 2147483647LL ? &T_INT4 : &T_INT8, loc);
		}
		struct expr *u = ex_new(cx, E_UNKNOWN, &T_UNKNOWN, loc);
		u->text = s;
		return coerce_to(cx, u, &T_NUMERIC, CC_IMPLICIT, NULL);
	}
	if ((v = pj_get(b, "boolval")))
		return ex_sql(cx, pj_bool(v, "boolval") ? "1" : "0", &T_BOOL, loc);
	if ((v = pj_get(b, "sval"))) {
		struct expr *u = ex_new(cx, E_UNKNOWN, &T_UNKNOWN, loc);
		const char *s = pj_str(v, "sval");
		u->text = s ? s : "";
		return u;
	}
	if (pj_get(b, "bsval")) {
		cx_error(cx, loc, NULL, "bit-string constants are not supported");
		return NULL;
	}
	cx_error(cx, loc, NULL, "unsupported constant");
	return NULL;
}

/* ---- operators ---- */

static struct expr **compile_list(struct cx *cx, struct scope *sc, const cJSON *list,
				  enum exprkind ek, int *n);

static const char *op_name(const cJSON *names)
{
	const cJSON *last = NULL, *it;
	cJSON_ArrayForEach(it, names)
		last = it;
	return last ? str_val(last) : NULL;
}

static struct expr *compile_op(struct cx *cx, const char *op, struct expr *l,
			       struct expr *r, int loc)
{
	struct resolved res;
	struct expr *args[2];
	int n = 0;
	if (l)
		args[n++] = l;
	args[n++] = r;
	if (is_comparison(op) && n == 2)
		return fold_comparison(cx, make_comparison(cx, op, l, r, loc));
	if (resolve_operator(cx, op, args, n, loc, &res) < 0)
		return NULL;
	return call_sig(cx, &res, args, n, loc);
}

/*
 * x IN (a, b, ...) as PostgreSQL's transformAExprIn: the items that read
 * no column of this query level (as written, before folding), when there are two or more and one common type covers them
 * and x (select_common_type over x first, then those items; no error when
 * there is none), become one x = ANY(ARRAY[...]) of that type; every other
 * item is a comparison of its own, x = item resolved on its types, all
 * OR'ed after it (NOT IN: <> and AND).  So an item of another type never
 * changes how the others compare: v IN ('a ', c) compares v with 'a ' as
 * text and with the char(n) column c as PostgreSQL's operator resolution
 * decides.
 */
static struct expr *compile_in(struct cx *cx, struct scope *sc, const cJSON *b,
			       int negate, enum exprkind ek, int loc)
{
	const cJSON *list = pj_get(b, "rexpr"), *it;
	const cJSON *lb;
	const char *op = negate ? "<>" : "=";
	struct expr *l = compile_expr(cx, sc, pj_get(b, "lexpr"), ek);
	if (!l)
		return NULL;
	if (!node_tag(list, &lb) || strcmp(node_tag(list, NULL), "List"))
		return cx_error(cx, loc, NULL, "unsupported IN list"), NULL;
	int n = cJSON_GetArraySize(pj_get(lb, "items"));
	struct expr **items = ar_alloc(cx, sizeof(*items) * (size_t)(n + 1));
	struct expr **consts = ar_alloc(cx, sizeof(*consts) * (size_t)(n + 2));
	struct expr **rest = ar_alloc(cx, sizeof(*rest) * (size_t)(n + 1));
	struct expr **terms = ar_alloc(cx, sizeof(*terms) * (size_t)(n + 1));
	int *reads = ar_alloc(cx, sizeof(*reads) * (size_t)(n + 1));
	size_t *pstart = ar_alloc(cx, sizeof(*pstart) * (size_t)(n + 2));
	int nconst = 0, nrest = 0, nterms = 0, i = 0;
	cJSON_ArrayForEach(it, pj_get(lb, "items")) {
		/* decided on the item as written: (false AND c) reads c although
		 * it folds to false, and PostgreSQL compares it on its own */
		int before = scope_nrefs(sc);
		pstart[i] = cx->npoisons;
		if (!(items[i] = compile_expr(cx, sc, it, ek)))
			return NULL;
		reads[i] = scope_nrefs(sc) > before;
		i++;
	}
	pstart[n] = cx->npoisons;
	consts[nconst++] = l;
	for (i = 0; i < n; i++) {
		if (reads[i])
			rest[nrest++] = items[i];
		else
			consts[nconst++] = items[i];
	}
	int saop = 0;
	struct ctype common;
	if (nconst > 2) {
		/* select_common_type with no context: no error, just no array */
		saop = 1;
		for (i = 0; i < nconst && saop; i++)
			saop = consts[i]->type.t != PGK_OTHER && consts[i]->type.t != PGK_RECORD;
		if (saop) {
			cx->quiet++;
			saop = select_common_type(cx, consts, nconst, "IN", &common) == 0;
			cx->quiet--;
		}
		for (i = 0; i < nconst && saop; i++)
			saop = can_coerce(cx, &consts[i]->type, &common, CC_IMPLICIT);
	}
	if (saop) {
		/* coerce_to_common_type: the type without a typmod */
		struct expr **args = ar_alloc(cx, sizeof(*args) * (size_t)(nconst + 1));
		struct resolved r;
		struct expr *pair[2];
		common.mod1 = common.mod2 = -1;
		for (i = 1; i < nconst; i++)
			if (!(consts[i] = coerce_to(cx, consts[i], &common, CC_IMPLICIT, NULL)))
				return NULL;
		pair[0] = l;
		pair[1] = consts[1];
		if (resolve_operator(cx, op, pair, 2, loc, &r) < 0)
			return NULL;
		if (!(args[0] = coerce_to(cx, l, &r.args[0], CC_IMPLICIT, NULL)))
			return NULL;
		for (i = 1; i < nconst; i++)
			if (!(args[i] = coerce_to(cx, consts[i], &r.args[1], CC_IMPLICIT, NULL)))
				return NULL;
		/* PostgreSQL builds the whole array before comparing: an item
		 * computed at run time that fails fails the row although an
		 * earlier one matched, where SQLite's IN list stops at the
		 * match.  The items as the rows of a subquery are all computed
		 * (once: they read no column, and volatile ones stay a list) */
		int eager = 0, vol = 0;
		for (i = 1; i < nconst; i++) {
			eager |= !ex_is_const(args[i]);
			vol |= (args[i]->flags & X_VOLATILE) != 0;
		}
		eager = eager && !vol;
		struct strbuf *fmt = ar_buf(cx);
		sb_addf(fmt, "$1 COLLATE $c %sIN (%s", negate ? "NOT " : "",
			eager ? "SELECT column1 FROM (VALUES " : "");
		for (i = 1; i < nconst; i++)
			sb_addf(fmt, eager ? "%s($%d)" : "%s$%d", i > 1 ? ", " : "", i + 1);
		sb_adds(fmt, eager ? "))" : ")");
		struct expr *e = ex_tmplv(cx, ar_sb(cx, fmt), &T_BOOL, loc, nconst, args);
		e->coll = r.coll;
		terms[nterms++] = ex_fold(cx, e); /* a ScalarArrayOpExpr over constants */
		/* the planner simplifies the array before the items compared on
		 * their own: their failed folds come first, in written order */
		if (nrest && pstart[n] > pstart[0]) {
			size_t k = 0, m = pstart[n] - pstart[0];
			struct expr **order = ar_alloc(cx, sizeof(*order) * m);
			for (int pass = 0; pass < 2; pass++)
				for (i = 0; i < n; i++)
					if (reads[i] == pass)
						for (size_t p = pstart[i]; p < pstart[i + 1]; p++)
							order[k++] = cx->poisons[p];
			memcpy(cx->poisons + pstart[0], order, sizeof(*order) * m);
		}
	} else {
		/* no array: every item is compared on its own, in order */
		nrest = 0;
		for (i = 0; i < n; i++)
			rest[nrest++] = items[i];
	}
	for (i = 0; i < nrest; i++)
		if (!(terms[nterms++] = fold_comparison(cx, make_comparison(cx, op, l, rest[i], loc))))
			return NULL;
	return fold_andor(cx, terms, nterms, negate, loc);
}

/* Whether PostgreSQL 15 has an = operator taking a and b as they are
 * (pg_operator's cross-type members of the integer, float and datetime
 * btree families), so neither side is coerced for it. */
static int cross_type_eq(int a, int b)
{
	static const int fam[][3] = { { PGK_INT2, PGK_INT4, PGK_INT8 },
				      { PGK_FLOAT4, PGK_FLOAT8, PGK_FLOAT8 },
				      { PGK_DATE, PGK_TIMESTAMP, PGK_TIMESTAMPTZ } };
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		int ina = 0, inb = 0;
		for (int i = 0; i < 3; i++) {
			ina |= a == fam[f][i];
			inb |= b == fam[f][i];
		}
		if (ina && inb)
			return 1;
	}
	return 0;
}

static struct expr *compile_between(struct cx *cx, struct scope *sc, const cJSON *b,
				    const char *kind, enum exprkind ek, int loc)
{
	const cJSON *lb, *it;
	struct expr *x = compile_expr(cx, sc, pj_get(b, "lexpr"), ek), *lo = NULL, *hi = NULL;
	int neg = strstr(kind, "NOT") != NULL, sym = strstr(kind, "SYM") != NULL;
	if (!x)
		return NULL;
	node_tag(pj_get(b, "rexpr"), &lb);
	cJSON_ArrayForEach(it, pj_get(lb, "items")) {
		struct expr *v = compile_expr(cx, sc, it, ek);
		if (!v)
			return NULL;
		if (!lo)
			lo = v;
		else
			hi = v;
	}
	if (!lo || !hi)
		return cx_error(cx, loc, NULL, "malformed BETWEEN"), NULL;
	/* PostgreSQL rewrites BETWEEN into two comparisons, each resolved alone */
	struct expr *p[2] = { fold_comparison(cx, make_comparison(cx, neg ? "<" : ">=", x, lo, loc)),
			      fold_comparison(cx, make_comparison(cx, neg ? ">" : "<=", x, hi, loc)) };
	if (!p[0] || !p[1])
		return NULL;
	struct expr *e = fold_andor(cx, p, 2, !neg, loc);
	if (sym) {
		struct expr *q[2] = { fold_comparison(cx, make_comparison(cx, neg ? "<" : ">=", x, hi, loc)),
				      fold_comparison(cx, make_comparison(cx, neg ? ">" : "<=", x, lo, loc)) };
		if (!q[0] || !q[1])
			return NULL;
		struct expr *both[2] = { e, fold_andor(cx, q, 2, !neg, loc) };
		e = fold_andor(cx, both, 2, neg, loc);
	}
	return e;
}

/*
 * x op ANY (array) / x op ALL (array): the operator is resolved between x
 * and the array's element type (an untyped literal array takes x's), as
 * PostgreSQL's make_scalar_array_op; the array module evaluates it with
 * PostgreSQL's NULL rules.
 */
static struct expr *compile_array_op(struct cx *cx, struct scope *sc, const cJSON *b,
				     const char *op, int any, enum exprkind ek, int loc)
{
	struct expr *l = compile_expr(cx, sc, pj_get(b, "lexpr"), ek);
	struct expr *a = compile_expr(cx, sc, pj_get(b, "rexpr"), ek);
	struct resolved r;
	if (!l || !a)
		return NULL;
	if (!is_comparison(op))
		return cx_error(cx, loc, NULL, "operator %s with ANY/ALL is not supported", op), NULL;
	struct expr elem = *a;
	if (a->type.t != PGK_UNKNOWN && a->kind != E_NULL) {
		if (!PGT_IS_ARRAY(a->type.t))
			return cx_error(cx, a->loc, NULL, "op ANY/ALL (array) requires array on right side"), NULL;
		elem.type.t &= ~PGT_ARRAY;
		elem.kind = E_SQL;
	}
	struct expr *pair[2] = { l, &elem };
	if (resolve_operator(cx, op, pair, 2, loc, &r) < 0)
		return NULL;
	/* the array module compares enum elements by label: equality only */
	if (PGT_KIND(r.args[1].t) == PGK_ENUM && strcmp(op, "=") && strcmp(op, "<>") && strcmp(op, "!="))
		return cx_error(cx, loc, "compare with the elements of unnest(...) in a subquery",
			    "operator %s with ANY/ALL over an array of an enum is not supported", op), NULL;
	struct ctype at = r.args[1];
	at.t |= PGT_ARRAY;
	if (!(l = coerce_to(cx, l, &r.args[0], CC_IMPLICIT, NULL)) ||
	    !(a = coerce_to(cx, a, &at, CC_IMPLICIT, NULL)))
		return NULL;
	struct expr *args[3] = { l, a, ex_sql(cx, ar_printf(cx, "'%s'", !strcmp(op, "!=") ? "<>" : op), &T_TEXT, -1) };
	struct resolved fr;
	if (resolve_function(cx, any ? "any" : "all", args, 3, loc, 0, &fr) < 0)
		return NULL;
	return call_sig(cx, &fr, args, 3, loc);
}

/* ARRAY[a, b, ...]: one common element type, as PostgreSQL's transformArrayExpr. */
static struct expr *compile_array(struct cx *cx, struct scope *sc, const cJSON *b,
				  enum exprkind ek, const struct ctype *cast_to)
{
	int n, loc = pj_int(b, "location", 0);
	struct expr **es = compile_list(cx, sc, pj_get(b, "elements"), ek, &n);
	struct ctype t;
	struct resolved r;
	if (!es)
		return NULL;
	if (n == 0) {
		if (!cast_to)
			return cx_error(cx, loc, "Explicitly cast to the desired type, for example ARRAY[]::integer[].",
				    "cannot determine type of empty array"), NULL;
		struct expr *u = ex_new(cx, E_UNKNOWN, &T_UNKNOWN, loc);
		u->text = "{}";
		return u;
	}
	if (select_common_type(cx, es, n, "ARRAY", &t) < 0)
		return NULL;
	if (cast_to && PGT_IS_ARRAY(cast_to->t)) {
		/* ARRAY[...]::T[] coerces the elements to T, not the array */
		t = *cast_to;
		t.t &= ~PGT_ARRAY;
	}
	for (int i = 0; i < n; i++)
		if (!(es[i] = coerce_to(cx, es[i], &t, cast_to ? CC_EXPLICIT : CC_IMPLICIT, NULL)))
			return NULL;
	if (resolve_function(cx, "array", es, n, loc, 0, &r) < 0)
		return NULL;
	return call_sig(cx, &r, es, n, loc);
}

/* a[i], a[i][j], a[lo:hi] */
static struct expr *compile_indirection(struct cx *cx, struct scope *sc, const cJSON *b,
					enum exprkind ek)
{
	struct expr *a = compile_expr(cx, sc, pj_get(b, "arg"), ek);
	const cJSON *it;
	struct expr *idx[8];
	int n = 0, slice = 0;
	if (!a)
		return NULL;
	cJSON_ArrayForEach(it, pj_get(b, "indirection")) {
		const cJSON *ib;
		const char *tag = node_tag(it, &ib);
		if (!tag || strcmp(tag, "A_Indices"))
			return cx_error(cx, a->loc, NULL, "field selection is not supported"), NULL;
		if (n >= 6)
			return cx_error(cx, a->loc, NULL, "too many subscripts"), NULL;
		if (pj_bool(ib, "is_slice")) {
			if (n || slice)
				return cx_error(cx, a->loc, NULL, "multi-dimensional slices are not supported"), NULL;
			slice = 1;
			for (int k = 0; k < 2; k++) {
				const cJSON *x = pj_get(ib, k ? "uidx" : "lidx");
				idx[n] = x ? compile_expr(cx, sc, x, ek) : ex_sql(cx, "NULL", &T_INT4, a->loc);
				if (!idx[n] || !(idx[n] = coerce_to(cx, idx[n], &T_INT4, CC_IMPLICIT, NULL)))
					return NULL;
				n++;
			}
		} else {
			if (slice)
				return cx_error(cx, a->loc, NULL, "mixed slices and subscripts are not supported"), NULL;
			idx[n] = compile_expr(cx, sc, pj_get(ib, "uidx"), ek);
			if (!idx[n] || !(idx[n] = coerce_to(cx, idx[n], &T_INT4, CC_IMPLICIT, NULL)))
				return NULL;
			n++;
		}
	}
	if (!PGT_IS_ARRAY(a->type.t))
		return cx_error(cx, a->loc, NULL, "cannot subscript type %s because it does not support subscripting",
			    ct_name(cx, &a->type, 0)), NULL;
	struct expr *args[9];
	struct resolved r;
	args[0] = a;
	memcpy(args + 1, idx, sizeof(*idx) * (size_t)n);
	const char *op = slice ? "[:]" : "[]";
	if (resolve_operator(cx, op, args, n + 1, a->loc, &r) < 0)
		return NULL;
	return call_sig(cx, &r, args, n + 1, a->loc);
}

static struct expr *compile_aexpr(struct cx *cx, struct scope *sc, const cJSON *b,
				  enum exprkind ek)
{
	const char *kind = pj_str(b, "kind");
	const char *op = op_name(pj_get(b, "name"));
	int loc = pj_int(b, "location", 0);
	struct expr *l = NULL, *r = NULL;
	if (!kind || !op)
		return cx_error(cx, loc, NULL, "malformed expression"), NULL;
	if (!strcmp(kind, "AEXPR_IN"))
		return compile_in(cx, sc, b, !strcmp(op, "<>"), ek, loc);
	if (!strncmp(kind, "AEXPR_BETWEEN", 13) || !strncmp(kind, "AEXPR_NOT_BETWEEN", 17))
		return compile_between(cx, sc, b, kind, ek, loc);
	if (!strcmp(kind, "AEXPR_OP_ANY") || !strcmp(kind, "AEXPR_OP_ALL"))
		return compile_array_op(cx, sc, b, op, !strcmp(kind, "AEXPR_OP_ANY"), ek, loc);
	if (pj_get(b, "lexpr") && !(l = compile_expr(cx, sc, pj_get(b, "lexpr"), ek)))
		return NULL;
	if (!(r = compile_expr(cx, sc, pj_get(b, "rexpr"), ek)))
		return NULL;
	/* x [NOT] SIMILAR TO p [ESCAPE e] comes from the grammar as
	 * x ~ similar_to_escape(p [, e]) (or !~) */
	if (!strcmp(kind, "AEXPR_OP") || !strcmp(kind, "AEXPR_LIKE") ||
	    !strcmp(kind, "AEXPR_ILIKE") || !strcmp(kind, "AEXPR_SIMILAR"))
		return compile_op(cx, op, l, r, loc);
	if (!strcmp(kind, "AEXPR_DISTINCT") || !strcmp(kind, "AEXPR_NOT_DISTINCT")) {
		struct expr *c = make_comparison(cx, "=", l, r, loc);
		if (!c)
			return NULL;
		c->text = !strcmp(kind, "AEXPR_DISTINCT") ? "$1 COLLATE $c IS NOT $2"
							  : "$1 COLLATE $c IS $2";
		return ex_fold(cx, c);
	}
	if (!strcmp(kind, "AEXPR_NULLIF")) {
		/*
		 * nullif(a, b) is the operator a = b resolved as PostgreSQL
		 * does, returning its left input as coerced for the operator:
		 * nullif(numeric, float8) is a float8 (transformAExprNullIf
		 * takes the type of the operator's first argument)
		 */
		struct expr *c = make_comparison(cx, "=", l, r, loc);
		if (!c)
			return NULL;
		/* PostgreSQL has a = operator across the integer types, across
		 * float4/float8 and across date/timestamp/timestamptz (int48eq,
		 * float48eq, date_eq_timestamptz...), so there the left input is
		 * not coerced: nullif(int4, int8) is an int4, and -nullif(i, 0::int8)
		 * overflows on -2147483648 as int4 negation does */
		if (!cross_type_eq(l->type.t, r->type.t))
			l = c->kids[0];
		/* the planner: over a NULL constant it is its first argument;
		 * over constants, a constant */
		if (ex_is_null(l))
			return ex_keep(cx, ex_null(cx, &l->type, loc), c->kids, 2);
		if (ex_is_null(c->kids[1]))
			return ex_keep(cx, l, &c->kids[1], 1);
		return ex_fold(cx, ex_tmpl(cx, "CASE WHEN $1 THEN NULL ELSE $2 END", &l->type, loc, 2,
					   fold_comparison(cx, c), l));
	}
	return cx_error(cx, loc, NULL, "operator form %s is not supported", kind), NULL;
}

/* ---- other expression nodes ---- */

static struct expr *to_bool(struct cx *cx, struct expr *e, const char *what)
{
	if (!e)
		return NULL;
	if (e->type.t == PGK_BOOL)
		return e;
	if (e->type.t == PGK_UNKNOWN)
		return coerce_to(cx, e, &T_BOOL, CC_IMPLICIT, NULL);
	cx_error(cx, e->loc, NULL, "argument of %s must be type boolean, not type %s", what,
	     ct_name(cx, &e->type, 0));
	return NULL;
}

struct expr *compile_cond(struct cx *cx, struct scope *sc, const cJSON *node,
			  enum exprkind ek, const char *what)
{
	struct expr *e = to_bool(cx, compile_expr(cx, sc, node, ek), what);
	if (!strcmp(what, "WHERE") || !strcmp(what, "JOIN/ON") || !strcmp(what, "HAVING"))
		e = qual_unwrap(cx, e);
	return e;
}

static struct expr *compile_boolexpr(struct cx *cx, struct scope *sc, const cJSON *b,
				     enum exprkind ek)
{
	const char *op = pj_str(b, "boolop");
	const cJSON *it;
	int loc = pj_int(b, "location", 0);
	const char *name = !strcmp(op, "AND_EXPR") ? "AND" : !strcmp(op, "OR_EXPR") ? "OR" : "NOT";
	int n = 0;
	struct expr **args = ar_alloc(cx, sizeof(*args) * (size_t)(cJSON_GetArraySize(pj_get(b, "args")) + 1));
	cJSON_ArrayForEach(it, pj_get(b, "args")) {
		struct expr *e = to_bool(cx, compile_expr(cx, sc, it, ek), name);
		if (!e)
			return NULL;
		if (!strcmp(name, "NOT")) {
			if (ex_is_null(e))
				return e;
			if (ex_bool_const(e) >= 0)
				return ex_bool(cx, !ex_bool_const(e), loc);
			return ex_tmpl(cx, "NOT $1", &T_BOOL, loc, 1, e);
		}
		args[n++] = e;
	}
	return n ? fold_andor(cx, args, n, !strcmp(name, "AND"), loc) : NULL;
}

static struct expr *compile_case(struct cx *cx, struct scope *sc, const cJSON *b,
				 enum exprkind ek)
{
	int loc = pj_int(b, "location", 0);
	const cJSON *w;
	int n = cJSON_GetArraySize(pj_get(b, "args"));
	struct expr *arg = NULL;
	struct expr **conds = ar_alloc(cx, sizeof(*conds) * (size_t)n);
	struct expr **res = ar_alloc(cx, sizeof(*res) * (size_t)(n + 1));
	int i = 0;
	if (pj_get(b, "arg") && !(arg = compile_expr(cx, sc, pj_get(b, "arg"), ek)))
		return NULL;
	cJSON_ArrayForEach(w, pj_get(b, "args")) {
		const cJSON *wb;
		node_tag(w, &wb);
		if (arg) {
			struct expr *v = compile_expr(cx, sc, pj_get(wb, "expr"), ek);
			/* CASE x WHEN v: PostgreSQL resolves x = v for each arm */
			if (!(conds[i] = make_comparison(cx, "=", arg, v, pj_int(wb, "location", 0))))
				return NULL;
		} else if (!(conds[i] = compile_cond(cx, sc, pj_get(wb, "expr"), ek, "CASE/WHEN"))) {
			return NULL;
		}
		if (!(res[i] = compile_expr(cx, sc, pj_get(wb, "result"), ek)))
			return NULL;
		i++;
	}
	int nres = n;
	if (pj_get(b, "defresult")) {
		if (!(res[n] = compile_expr(cx, sc, pj_get(b, "defresult"), ek)))
			return NULL;
		nres++;
	}
	struct ctype t;
	if (select_common_type(cx, res, nres, "CASE", &t) < 0)
		return NULL;
	if (nres == n)
		t.mod1 = t.mod2 = -1; /* the missing ELSE is a NULL of no typmod */
	/* every result is coerced at parse time, taken arm or not */
	for (int j = 0; j < nres; j++)
		if (!(res[j] = coerce_to(cx, res[j], &t, CC_IMPLICIT, NULL)))
			return NULL;
	/*
	 * Then simplified as PostgreSQL's planner does: an arm whose condition is constant
	 * FALSE or NULL (x = NULL is) goes; one that is constant TRUE becomes
	 * the ELSE and ends the CASE; none left is the ELSE, or NULL.
	 */
	/* the conditions folded away, kept for ex_drop (a CASE never
	 * simplified never raises their folding errors) */
	struct expr **gone = ar_alloc(cx, sizeof(*gone) * (size_t)(n + 1));
	int ngone = 0;
	{
		int m = 0, ended = 0;
		for (int j = 0; j < n; j++) {
			if (ended) {
				/* after a TRUE arm the planner simplifies nothing more */
				ex_drop(arg && conds[j]->nkids == 2 ? conds[j]->kids[1] : conds[j]);
				ex_drop(res[j]);
				continue;
			}
			struct expr *c = arg ? fold_comparison(cx, conds[j]) : conds[j];
			if (ex_is_null(c) || ex_bool_const(c) == 0) {
				ex_drop(res[j]); /* a FALSE arm's result is never simplified */
				gone[ngone++] = c;
				continue;
			}
			if (ex_bool_const(c) == 1) {
				gone[ngone++] = c;
				if (nres > n)
					ex_drop(res[n]);
				res[n] = res[j];
				nres = n + 1;
				ended = 1;
				continue;
			}
			conds[m] = conds[j];
			res[m] = res[j];
			m++;
		}
		if (m < n) {
			if (nres > n)
				res[m] = res[n];
			nres = nres > n ? m + 1 : m;
			n = m;
		}
		if (n == 0)
			return ex_keep(cx, nres ? coerce_to(cx, res[0], &t, CC_IMPLICIT, NULL) : ex_null(cx, &t, loc),
				       gone, ngone);
	}
	struct strbuf *fmt = ar_buf(cx);
	struct expr **kids = ar_alloc(cx, sizeof(*kids) * (size_t)(2 * n + 2));
	int nk = 0;
	/* CASE x WHEN: x is evaluated once, as in PostgreSQL, when every arm
	 * compares x as one type under one order (SQLite's simple CASE honours
	 * the COLLATE on x); otherwise x is repeated, unless it is volatile */
	int simple = arg != NULL;
	for (int j = 0; simple && j < n; j++)
		simple = !strcmp(conds[j]->coll, conds[0]->coll) &&
			 !strcmp(ex_sqltext(cx, conds[j]->kids[0]), ex_sqltext(cx, conds[0]->kids[0]));
	if (arg && !simple && (arg->flags & X_VOLATILE))
		return cx_error(cx, arg->loc, "compute the value once in a subquery", "CASE over a volatile expression compared as different types is not supported"), NULL;
	if (simple) {
		kids[nk++] = conds[0]->kids[0];
		sb_adds(fmt, "CASE $1 COLLATE $c");
	} else {
		sb_adds(fmt, "CASE");
	}
	for (int j = 0; j < n; j++) {
		if (!(res[j] = coerce_to(cx, res[j], &t, CC_IMPLICIT, NULL)))
			return NULL;
		kids[nk++] = simple ? conds[j]->kids[1] : conds[j];
		kids[nk++] = res[j];
		sb_addf(fmt, " WHEN $%d THEN $%d", nk - 1, nk);
	}
	if (nres > n) {
		if (!(res[n] = coerce_to(cx, res[n], &t, CC_IMPLICIT, NULL)))
			return NULL;
		kids[nk++] = res[n];
		sb_addf(fmt, " ELSE $%d", nk);
	}
	sb_adds(fmt, " END");
	struct expr *e = ex_tmplv(cx, ar_sb(cx, fmt), &t, loc, nk, kids);
	if (simple)
		e->coll = conds[0]->coll;
	return ex_keep(cx, e, gone, ngone);
}

static struct expr **compile_list(struct cx *cx, struct scope *sc, const cJSON *list,
				  enum exprkind ek, int *n)
{
	const cJSON *it;
	int i = 0;
	*n = cJSON_GetArraySize(list);
	struct expr **es = ar_alloc(cx, sizeof(*es) * (size_t)(*n ? *n : 1));
	cJSON_ArrayForEach(it, list)
		if (!(es[i++] = compile_expr(cx, sc, it, ek)))
			return NULL;
	return es;
}

static struct expr *compile_coalesce(struct cx *cx, struct scope *sc, const cJSON *b,
				     enum exprkind ek, const char *minmax)
{
	int n, loc = pj_int(b, "location", 0);
	struct expr **es = compile_list(cx, sc, pj_get(b, "args"), ek, &n);
	struct ctype t;
	const char *what = minmax ? (!strcmp(minmax, "max") ? "GREATEST" : "LEAST") : "COALESCE";
	if (!es || select_common_type(cx, es, n, what, &t) < 0)
		return NULL;
	for (int i = 0; i < n; i++)
		if (!(es[i] = coerce_to(cx, es[i], &t, CC_IMPLICIT, NULL)))
			return NULL;
	if (!minmax) {
		/* NULL constants go; a literal ends the list (PostgreSQL's
		 * simplification of COALESCE) */
		int m = 0, ngone = 0;
		/* the NULLs removed stay hidden in the result, so that a CASE
		 * arm dropping it drops their failed folds too */
		struct expr **gone = ar_alloc(cx, sizeof(*gone) * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			if (ex_is_null(es[i])) {
				gone[ngone++] = es[i];
				continue;
			}
			es[m++] = es[i];
			if (ex_is_const(es[i])) {
				for (int j = i + 1; j < n; j++)
					ex_drop(es[j]);
				break;
			}
		}
		if (m == 0)
			return ex_keep(cx, ex_null(cx, &t, loc), gone, ngone);
		if (m == 1)
			return ex_keep(cx, es[0], gone, ngone);
		return ex_keep(cx, ex_func(cx, "coalesce", &t, loc, m, es), gone, ngone);
	}
	{
		/* GREATEST/LEAST fold only when every argument is constant */
		int nulls = 0;
		for (int i = 0; i < n; i++)
			nulls += ex_is_null(es[i]);
		if (nulls == n)
			return ex_keep(cx, ex_null(cx, &t, loc), es, n);
	}
	/* greatest/least ignore NULLs (SQLite's max(a, b) would not) and
	 * compare under the type's order */
	const char *coll;
	if (!ct_order(cx, &t, &coll)) {
		cx_error(cx, loc, NULL, "could not identify a comparison function for type %s",
		     ct_name(cx, &t, 0));
		return NULL;
	}
	struct strbuf *fmt = ar_buf(cx);
	sb_addf(fmt, "(SELECT %s(v COLLATE $c) FROM (", minmax);
	for (int i = 0; i < n; i++)
		sb_addf(fmt, "%sSELECT $%d AS v", i ? " UNION ALL " : "", i + 1);
	sb_adds(fmt, "))");
	struct expr *e = ex_tmplv(cx, ar_sb(cx, fmt), &t, loc, n, es);
	e->coll = coll;
	return ex_fold(cx, e); /* a MinMaxExpr over constants is evaluated */
}

static struct expr *compile_nulltest(struct cx *cx, struct scope *sc, const cJSON *b,
				     enum exprkind ek)
{
	struct expr *x = compile_expr(cx, sc, pj_get(b, "arg"), ek);
	const char *t = pj_str(b, "nulltesttype");
	if (!x)
		return NULL;
	if (pj_bool(b, "argisrow") && x->type.t == PGK_RECORD)
		return cx_error(cx, x->loc, NULL, "IS NULL on a row value is not supported"), NULL;
	if (ex_is_const(x))
		return ex_bool(cx, ex_is_null(x) == !(t && !strcmp(t, "IS_NOT_NULL")), pj_int(b, "location", 0));
	return ex_tmpl(cx, t && !strcmp(t, "IS_NOT_NULL") ? "$1 IS NOT NULL" : "$1 IS NULL",
		       &T_BOOL, pj_int(b, "location", 0), 1, x);
}

static struct expr *compile_booltest(struct cx *cx, struct scope *sc, const cJSON *b,
				     enum exprkind ek)
{
	static const struct { const char *t, *fmt; } tests[] = {
		{ "IS_TRUE", "$1 IS 1" }, { "IS_NOT_TRUE", "$1 IS NOT 1" },
		{ "IS_FALSE", "$1 IS 0" }, { "IS_NOT_FALSE", "$1 IS NOT 0" },
		{ "IS_UNKNOWN", "$1 IS NULL" }, { "IS_NOT_UNKNOWN", "$1 IS NOT NULL" },
	};
	const char *t = pj_str(b, "booltesttype");
	struct expr *x = to_bool(cx, compile_expr(cx, sc, pj_get(b, "arg"), ek), "IS TRUE");
	if (!x)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!t || strcmp(t, tests[i].t))
			continue;
		if (ex_is_null(x) || ex_bool_const(x) >= 0) {
			/* over a constant: a constant */
			int v = ex_is_null(x) ? -1 : ex_bool_const(x);
			int want = i < 2 ? 1 : i < 4 ? 0 : -1, yes = v == want;
			return ex_bool(cx, i % 2 ? !yes : yes, pj_int(b, "location", 0));
		}
		return ex_tmpl(cx, tests[i].fmt, &T_BOOL, pj_int(b, "location", 0), 1, x);
	}
	return cx_error(cx, x->loc, NULL, "unsupported boolean test"), NULL;
}

/* ---- functions ---- */

static int sort_clause(struct cx *cx, struct scope *sc, const cJSON *list,
		       enum exprkind ek, struct strbuf *out);

/*
 * A window frame (frameOptions bits of PostgreSQL's parsenodes.h): ROWS
 * and GROUPS with constant offsets, RANGE without offsets, EXCLUDE.
 * SQLite's frames mean the same; RANGE with an offset would need the
 * order type's in_range arithmetic and is refused.
 */
static const char *frame_bound(struct cx *cx, struct scope *sc, const cJSON *over,
			       int opts, int end, int loc)
{
	int up = end ? 0x40 : 0x20, uf = end ? 0x100 : 0x80, cur = end ? 0x400 : 0x200;
	int op = end ? 0x1000 : 0x800, of = end ? 0x4000 : 0x2000;
	if (opts & up)
		return "UNBOUNDED PRECEDING";
	if (opts & uf)
		return "UNBOUNDED FOLLOWING";
	if (opts & cur)
		return "CURRENT ROW";
	if (opts & (op | of)) {
		if (opts & 0x2)
			return cx_error(cx, loc, NULL, "RANGE with an offset is not supported"), NULL;
		struct expr *e = compile_expr(cx, sc, pj_get(over, end ? "endOffset" : "startOffset"), EK_VALUES);
		if (!e || !(e = coerce_to(cx, e, &T_INT8, CC_IMPLICIT, NULL)))
			return NULL;
		if (e->kind != E_SQL || !(e->text[0] >= '0' && e->text[0] <= '9'))
			return cx_error(cx, e->loc, NULL, "frame offsets must be non-negative integer constants"), NULL;
		return ar_printf(cx, "%s %s", e->text, opts & op ? "PRECEDING" : "FOLLOWING");
	}
	return end ? "CURRENT ROW" : "UNBOUNDED PRECEDING";
}

static const char *frame_clause(struct cx *cx, struct scope *sc, const cJSON *over, int loc)
{
	int opts = pj_int(over, "frameOptions", 0);
	const char *mode = opts & 0x4 ? "ROWS" : opts & 0x8 ? "GROUPS" : "RANGE";
	const char *start = frame_bound(cx, sc, over, opts, 0, loc);
	const char *end = start ? frame_bound(cx, sc, over, opts, 1, loc) : NULL;
	if (!start || !end)
		return NULL;
	const char *excl = opts & 0x8000 ? " EXCLUDE CURRENT ROW" : opts & 0x10000 ? " EXCLUDE GROUP"
			 : opts & 0x20000 ? " EXCLUDE TIES" : "";
	return ar_printf(cx, "%s BETWEEN %s AND %s%s", mode, start, end, excl);
}

static const char *window_suffix(struct cx *cx, struct scope *sc, const cJSON *over,
				 int loc)
{
	struct strbuf *sb = ar_buf(cx);
	const cJSON *it;
	int first = 1;
	if (pj_str(over, "name") || pj_str(over, "refname"))
		return cx_error(cx, loc, "write the window's definition in OVER (...)",
			    "named windows are not supported"), NULL;
	const char *frame = NULL;
	if (pj_int(over, "frameOptions", 0) & 1 && !(frame = frame_clause(cx, sc, over, loc)))
		return NULL;
	sb_adds(sb, " OVER (");
	cJSON_ArrayForEach(it, pj_get(over, "partitionClause")) {
		struct expr *e = compile_expr(cx, sc, it, EK_SELECT);
		const char *coll;
		if (!e || !(e = resolve_unknown(cx, e)))
			goto fail;
		if (e->flags & X_WINDOW) {
			cx_error(cx, e->loc, NULL, "window function calls cannot be nested");
			goto fail;
		}
		if (!ct_order(cx, &e->type, &coll)) {
			cx_error(cx, e->loc, NULL, "could not identify an equality operator for type %s",
			     ct_name(cx, &e->type, 0));
			goto fail;
		}
		sb_adds(sb, first ? "PARTITION BY " : ", ");
		ex_print(sb, e);
		sb_addf(sb, " COLLATE %s", coll);
		first = 0;
	}
	if (pj_get(over, "orderClause")) {
		if (!first)
			sb_addch(sb, ' ');
		if (sort_clause(cx, sc, pj_get(over, "orderClause"), EK_SELECT, sb) < 0)
			goto fail;
	}
	if (frame)
		sb_addf(sb, " %s", frame);
	sb_addch(sb, ')');
	return ar_sb(cx, sb);
fail:
	sb_release(sb);
	return NULL;
}

/* Whether to_char of type t takes a number template (fn_numeric_fmt.c). */
static int type_is_number(int t)
{
	switch (t) {
	case PGK_INT2: case PGK_INT4: case PGK_INT8: case PGK_NUMERIC:
	case PGK_FLOAT4: case PGK_FLOAT8:
		return 1;
	default:
		return 0;
	}
}

/*
 * Whether to_char/to_number prints D, G and S as drydock does (the C
 * locale's '.', ',' and signs) on the target: NULL when it does, else
 * why not.  A target snapshotted before lc_numeric was recorded is not
 * known; a fixture without one is C (fixture-format.md).
 */
static const char *numeric_locale_problem(struct cx *cx)
{
	const struct catalog *cat = cx->env->cat;
	for (int i = 0; cat && i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		if (!s->is_target)
			continue;
		const char *l = s->lc_numeric;
		if (!l)
			return s->origin && !strcmp(s->origin, "postgres")
				? "the staging file does not record the target's lc_numeric (snapshot again)"
				: NULL;
		if (!strcmp(l, "C") || !strcmp(l, "POSIX") || !strncmp(l, "C.", 2))
			return NULL;
		return ar_printf(cx, "the target's lc_numeric is \"%s\", whose decimal point, "
				 "group separator and signs drydock does not know", l);
	}
	return NULL;
}

/* Whether a number template uses D, G or S (lc_numeric's characters)
 * outside double-quoted text; SG (fixed signs) and SP do not. */
static int template_uses_locale(const char *t)
{
	int quoted = 0;
	for (; *t; t++) {
		if (*t == '\\' && t[1]) {
			t++;
			continue;
		}
		if (*t == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if ((*t == 'S' || *t == 's') && t[1] && strchr("GgPp", t[1]))
			t++;
		else if (strchr("DdGgSs", *t))
			return 1;
	}
	return 0;
}

/*
 * Constant arguments the datetime module can judge at compile time: a
 * time zone it cannot run exactly, a to_char/to_timestamp template with a
 * pattern it does not implement, a number template using L (drydock cannot
 * know lc_monetary).  Refused here rather than at run time.
 */
static int check_constant_args(struct cx *cx, const char *name, struct expr **args, int n)
{
	const char *why = NULL;
	int zone = -1, fmt = -1, for_input = 0, is_interval = 0, is_number = 0;
	if (!strcmp(name, "timezone") && n == 2)
		zone = 0;
	else if (!strcmp(name, "date_trunc") && n == 3)
		zone = 2;
	else if (!strcmp(name, "make_timestamptz") && n == 7)
		zone = 6;
	else if (!strcmp(name, "to_char") && n == 2) {
		fmt = 1;
		is_interval = args[0]->type.t == PGK_INTERVAL;
		is_number = type_is_number(args[0]->type.t);
	} else if (!strcmp(name, "to_number") && n == 2) {
		fmt = 1;
		is_number = 1;
	} else if ((!strcmp(name, "to_timestamp") || !strcmp(name, "to_date")) && n == 2) {
		fmt = 1;
		for_input = 1;
	}
	/* a named zone: timestamp AT TIME ZONE only (timetz takes the
	 * offset of the current date) */
	int named_ok = (!strcmp(name, "timezone") && args[1]->type.t != PGK_TIMETZ) ||
		       !strcmp(name, "date_trunc") || !strcmp(name, "make_timestamptz");
	if (zone >= 0 && args[zone]->kind == E_UNKNOWN &&
	    fn_datetime_check_zone(args[zone]->text, named_ok, &why) < 0)
		return cx_error(cx, args[zone]->loc, named_ok ? NULL :
			    "convert to timestamptz first: named time zones ('Europe/Paris') run over timestamp and timestamptz; over timetz a fixed offset (UTC, '+05:30', 'EST')",
			    "%s", why);
	if (fmt >= 0 && args[fmt]->kind == E_UNKNOWN && is_number &&
	    fn_numeric_check_format(args[fmt]->text, &why) < 0)
		return cx_error(cx, args[fmt]->loc, fn_numeric_format_hint, "%s", why);
	if (fmt >= 0 && is_number && (args[fmt]->kind != E_UNKNOWN || template_uses_locale(args[fmt]->text)) &&
	    (why = numeric_locale_problem(cx)))
		return cx_error(cx, args[fmt]->loc,
			    "write '.' and ',' (always those characters) and MI, PL or SG for signs instead of D, G and S, with a constant template",
			    "%s uses D, G or S: %s", name, why);
	if (fmt >= 0 && args[fmt]->kind == E_UNKNOWN && !is_number &&
	    fn_datetime_check_format(args[fmt]->text, for_input, is_interval, &why) < 0)
		return cx_error(cx, args[fmt]->loc, NULL, "%s", why);
	return 0;
}

/* Whether some aggregate is called name (count, min, max, the registry's). */
static int name_is_aggregate(struct cx *cx, const char *name)
{
	if (!strcmp(name, "count") || !strcmp(name, "min") || !strcmp(name, "max"))
		return 1;
	FOR_EACH_SIG(cx->env, s)
		if (s->kind == PGFN_AGG && s->name && !strcmp(s->name, name))
			return 1;
	return 0;
}

static const char *const windows_builtin[] = {
	"row_number", "rank", "dense_rank", "lag", "lead", "first_value",
	"last_value", NULL
};

/*
 * agg(args ORDER BY keys) for the aggregates whose result depends on the
 * order of their input: the call becomes pg_ordagg(fn, nargs, keys, args,
 * key values) (fn_ordagg.h), which sorts each group's rows by the keys'
 * btree orders and feeds them to the aggregate in that order.
 */
static struct expr *ordered_agg(struct cx *cx, struct scope *sc, const cJSON *b, struct expr *agg,
				int is_agg, int distinct, enum exprkind argk, const char *name, int loc)
{
	static const char *const ordered[] = { "string_agg", "array_agg", "jsonb_agg", "json_agg",
					       "jsonb_object_agg", "json_object_agg", NULL };
	const cJSON *it;
	int ok = 0, nk = 0, nkeys = cJSON_GetArraySize(pj_get(b, "agg_order"));
	struct strbuf *spec = ar_buf(cx);
	struct expr **kids;
	if (!is_agg)
		return cx_error(cx, loc, NULL, "ORDER BY specified, but %s is not an aggregate function", name), NULL;
	if (pj_get(b, "over"))
		return cx_error(cx, loc, NULL, "aggregate ORDER BY is not implemented for window functions"), NULL;
	for (int i = 0; ordered[i]; i++)
		ok |= !strcmp(ordered[i], name);
	if (!ok || distinct || agg->kind != E_FUNC || nkeys > 16)
		return cx_error(cx, loc, "order the rows in a subquery, or use a window function",
			    "ORDER BY inside %s%s is not supported", distinct ? "an aggregate with DISTINCT" : name,
			    distinct ? "" : "()"), NULL;
	kids = ar_alloc(cx, sizeof(*kids) * (size_t)(3 + agg->nkids + nkeys));
	kids[nk++] = ex_sql(cx, ar_printf(cx, "'%s'", agg->text), &T_TEXT, loc);
	kids[nk++] = ex_sql(cx, ar_printf(cx, "%d", agg->nkids), &T_INT4, loc);
	kids[nk++] = NULL; /* the key spec, below */
	for (int i = 0; i < agg->nkids; i++)
		kids[nk++] = agg->kids[i];
	cJSON_ArrayForEach(it, pj_get(b, "agg_order")) {
		const cJSON *sb;
		const char *coll, *dir, *nulls;
		node_tag(it, &sb);
		struct expr *k = resolve_unknown(cx, compile_expr(cx, sc, pj_get(sb, "node"), argk));
		if (!k)
			return NULL;
		if ((k->flags & X_AGG) && argk == EK_AGGARG)
			return cx_error(cx, k->loc, NULL, "aggregate function calls cannot be nested"), NULL;
		if (!ct_order(cx, &k->type, &coll))
			return cx_error(cx, k->loc, NULL, "could not identify an ordering operator for type %s",
				    ct_name(cx, &k->type, 0)), NULL;
		if (k->type.t == PGK_ENUM && k->type.name) {
			/* sorted by the label's position */
			struct strbuf *tn = ar_buf(cx);
			sb_add_literal(tn, k->type.name);
			struct expr *kk[2] = { k, ex_sql(cx, ar_sb(cx, tn), &T_TEXT, -1) };
			k = ex_func(cx, "pg_sqlc_enum_sortkey", &T_INT4, k->loc, 2, kk);
		}
		if (!fn_ordagg_sortable(k->type.t))
			return cx_error(cx, k->loc, "order by a column of a built-in scalar type",
				    "ORDER BY over type %s inside an aggregate is not supported",
				    ct_name(cx, &k->type, 0)), NULL;
		dir = pj_str(sb, "sortby_dir");
		nulls = pj_str(sb, "sortby_nulls");
		if (dir && !strcmp(dir, "SORTBY_USING"))
			return cx_error(cx, k->loc, NULL, "ORDER BY USING is not supported"), NULL;
		int desc = dir && !strcmp(dir, "SORTBY_DESC");
		int first = nulls && !strcmp(nulls, "SORTBY_NULLS_FIRST") ? 1
			    : nulls && !strcmp(nulls, "SORTBY_NULLS_LAST") ? 0 : desc;
		sb_addf(spec, "%s%d%c%c", spec->len ? " " : "", (int)PGT_KIND(k->type.t), desc ? 'd' : 'a',
			first ? 'f' : 'l');
		kids[nk++] = k;
	}
	kids[2] = ex_sql(cx, ar_printf(cx, "'%s'", spec->buf), &T_TEXT, loc);
	struct expr *e = ex_func(cx, "pg_ordagg", &agg->type, loc, nk, kids);
	e->flags |= agg->flags;
	return e;
}

static struct expr *compile_funccall(struct cx *cx, struct scope *sc, const cJSON *b,
				     enum exprkind ek)
{
	int loc = pj_int(b, "location", 0);
	const cJSON *names = pj_get(b, "funcname"), *it;
	const char *parts[3] = { 0 };
	int np = 0;
	cJSON_ArrayForEach(it, names)
		if (np < 3)
			parts[np++] = str_val(it);
	const char *name = parts[np - 1];
	if (np > 2 || (np == 2 && strcmp(parts[0], "pg_catalog")))
		return cx_error(cx, loc, NULL, "function %s.%s does not exist", parts[0], name), NULL;
	if (pj_get(b, "agg_within_group"))
		return cx_error(cx, loc, NULL, "WITHIN GROUP is not supported"), NULL;
	if (pj_bool(b, "func_variadic"))
		return cx_error(cx, loc, NULL, "VARIADIC arguments are not supported"), NULL;
	const cJSON *over = pj_get(b, "over");
	int star = pj_bool(b, "agg_star"), distinct = pj_bool(b, "agg_distinct");
	int is_agg = 0, is_win = 0;
	struct expr *e = NULL;
	/* the arguments are an aggregate's only when name can be one: the
	 * arguments of round(sum(x), 2) are the select list's */
	enum exprkind argk = ek == EK_SELECT && !over && name_is_aggregate(cx, name) ? EK_AGGARG : ek;
	int n = 0;
	struct expr **args;

	/* nextval('name'): the sequence's emulation (pg_nextval) */
	if (!strcmp(name, "nextval") && cJSON_GetArraySize(pj_get(b, "args")) == 1) {
		const cJSON *a = cJSON_GetArrayItem(pj_get(b, "args"), 0), *ab, *cb;
		const char *tag = node_tag(a, &ab);
		if (tag && !strcmp(tag, "TypeCast"))
			tag = node_tag(pj_get(ab, "arg"), &ab);
		if (!tag || strcmp(tag, "A_Const") || !(cb = pj_get(ab, "sval")) || !pj_str(cb, "sval"))
			return cx_error(cx, loc, NULL, "nextval() needs the sequence name as a string constant"), NULL;
		struct strbuf *sb = ar_buf(cx);
		sb_adds(sb, "pg_nextval(");
		sb_add_literal(sb, pj_str(cb, "sval"));
		sb_addch(sb, ')');
		e = ex_sql(cx, ar_sb(cx, sb), &T_INT8, loc);
		e->flags |= X_VOLATILE;
		return e;
	}
	if (star && strcmp(name, "count"))
		return cx_error(cx, loc, NULL, "%s(*) specified, but %s is not an aggregate function", name, name), NULL;
	if (!(args = compile_list(cx, sc, pj_get(b, "args"), argk, &n)))
		return NULL;
	if (check_constant_args(cx, name, args, n) < 0)
		return NULL;
	for (int i = 0; i < n; i++)
		if ((args[i]->flags & X_AGG) && argk == EK_AGGARG)
			return cx_error(cx, args[i]->loc, NULL, "aggregate function calls cannot be nested"), NULL;

	if (!strcmp(name, "count") && (star || n == 1)) {
		is_agg = 1;
		e = ex_func(cx, "count", &T_INT8, loc, star ? 0 : 1, args);
		if (star)
			e->flags |= X_STAR;
		else if (distinct) {
			const char *coll;
			args[0] = resolve_unknown(cx, args[0]);
			if (!ct_order(cx, &args[0]->type, &coll))
				return cx_error(cx, loc, NULL, "could not identify an equality operator for type %s",
					    ct_name(cx, &args[0]->type, 0)), NULL;
			e->kids[0] = ex_tmpl(cx, "$1 COLLATE $c", &args[0]->type, args[0]->loc, 1, args[0]);
			e->kids[0]->coll = coll;
		}
	} else if ((!strcmp(name, "min") || !strcmp(name, "max")) && n == 1) {
		const char *coll;
		is_agg = 1;
		args[0] = resolve_unknown(cx, args[0]);
		if (!args[0])
			return NULL;
		/* types with an order but no min/max aggregate in pg_aggregate (PostgreSQL 15):
		 * boolean, bytea, uuid, json[b] and the range types */
		int t = args[0]->type.t;
		int no_agg = t == PGK_BOOL || t == PGK_BYTEA || t == PGK_UUID || t == PGK_JSON || t == PGK_JSONB ||
			     (t >= PGK_INT4RANGE && t <= PGK_TSTZRANGE) ||
			     (t == PGK_ENUM && args[0]->type.domain); /* anyenum takes no domain */
		if (no_agg || !ct_order(cx, &args[0]->type, &coll))
			return cx_error(cx, loc, NULL, "function %s(%s) does not exist", name,
				    ct_name(cx, &args[0]->type, 0)), NULL;
		struct expr *k = ex_tmpl(cx, "$1 COLLATE $c", &args[0]->type, args[0]->loc, 1, args[0]);
		k->coll = coll;
		e = ex_func(cx, name, &args[0]->type, loc, 1, &k);
		e->type.mod1 = args[0]->type.mod1;
		e->type.mod2 = args[0]->type.mod2;
	} else {
		int builtin_win = -1;
		for (int i = 0; windows_builtin[i]; i++)
			if (!strcmp(windows_builtin[i], name))
				builtin_win = i;
		if (builtin_win >= 0 && !over)
			return cx_error(cx, loc, NULL, "window function %s requires an OVER clause", name), NULL;
		if (builtin_win >= 0) {
			is_win = 1;
			if (builtin_win <= 2) {
				if (n)
					return cx_error(cx, loc, NULL, "function %s(%s) does not exist", name,
						    ct_name(cx, &args[0]->type, 0)), NULL;
				e = ex_func(cx, name, &T_INT8, loc, 0, args);
			} else {
				if (n < 1 || (builtin_win >= 5 && n != 1) || n > 3)
					return cx_error(cx, loc, NULL, "function %s does not exist with %d arguments", name, n), NULL;
				args[0] = resolve_unknown(cx, args[0]);
				if (n >= 2 && !(args[1] = coerce_to(cx, args[1], &T_INT4, CC_IMPLICIT, NULL)))
					return NULL;
				if (n == 3) {
					struct ctype t;
					struct expr *pair[2] = { args[0], args[2] };
					if (select_common_type(cx, pair, 2, name, &t) < 0)
						return NULL;
					if (!(args[0] = coerce_to(cx, args[0], &t, CC_IMPLICIT, NULL)) ||
					    !(args[2] = coerce_to(cx, args[2], &t, CC_IMPLICIT, NULL)))
						return NULL;
				}
				e = ex_func(cx, name, &args[0]->type, loc, n, args);
			}
		} else {
			struct resolved r;
			int is_srf = 0;
			FOR_EACH_SIG(cx->env, sg)
				if (sg->kind == PGFN_SRF && !strcmp(sg->name, name))
					is_srf = 1;
			if (is_srf)
				return cx_error(cx, loc, ar_printf(cx, "call it in FROM: SELECT ... FROM t, %s(...) AS x", name),
					    "set-returning functions are supported only in FROM"), NULL;
			if (resolve_function(cx, name, args, n, loc, 0, &r) < 0)
				return NULL;
			is_agg = r.sig->kind == PGFN_AGG;
			is_win = r.sig->kind == PGFN_WINDOW;
			if (!(e = call_sig(cx, &r, args, n, loc)))
				return NULL;
			if (distinct && is_agg) {
				const char *coll;
				if (n != 1)
					return cx_error(cx, loc, NULL, "DISTINCT is supported only in one-argument aggregates"), NULL;
				if (!ct_order(cx, &e->kids[0]->type, &coll))
					return cx_error(cx, loc, NULL, "could not identify an equality operator for type %s",
						    ct_name(cx, &e->kids[0]->type, 0)), NULL;
				e->kids[0] = ex_tmpl(cx, "$1 COLLATE $c", &e->kids[0]->type, loc, 1, e->kids[0]);
				e->kids[0]->coll = coll;
			}
		}
	}
	if (pj_get(b, "agg_order") && !(e = ordered_agg(cx, sc, b, e, is_agg, distinct, argk, name, loc)))
		return NULL;
	if (distinct) {
		if (!is_agg)
			return cx_error(cx, loc, NULL, "DISTINCT specified, but %s is not an aggregate function", name), NULL;
		if (over)
			return cx_error(cx, loc, NULL, "DISTINCT is not implemented for window functions"), NULL;
		e->flags |= X_DISTINCT;
	}
	if (is_win && !over)
		return cx_error(cx, loc, NULL, "window function %s requires an OVER clause", name), NULL;
	if (over && !is_agg && !is_win)
		return cx_error(cx, loc, NULL, "OVER specified, but %s is not a window function nor an aggregate function", name), NULL;
	if (pj_get(b, "agg_filter")) {
		if (!is_agg)
			return cx_error(cx, loc, NULL, "FILTER specified, but %s is not an aggregate function", name), NULL;
		struct expr *f = compile_cond(cx, sc, pj_get(b, "agg_filter"), argk, "FILTER");
		if (!f)
			return NULL;
		e->suffix = ar_printf(cx, " FILTER (WHERE %s)", ex_sqltext(cx, f));
		e->flags |= f->flags & (X_VOLATILE | X_SUBQ);
	}
	if (over) {
		if (ek != EK_SELECT)
			return cx_error(cx, loc, NULL, "window functions are not allowed in %s",
				    ek == EK_GROUP ? "GROUP BY" : ek == EK_WHERE ? "WHERE" :
				    ek == EK_AGGARG ? "aggregate function calls" : "this context"), NULL;
		const char *suf = window_suffix(cx, sc, over, loc);
		if (!suf)
			return NULL;
		e->suffix = e->suffix ? ar_printf(cx, "%s%s", e->suffix, suf) : suf;
		e->flags |= X_WINDOW;
		e->flags &= ~(unsigned)X_AGG;
		return e;
	}
	if (is_agg) {
		if (ek == EK_WHERE || ek == EK_GROUP || ek == EK_VALUES)
			return cx_error(cx, loc, NULL, "aggregate functions are not allowed in %s",
				    ek == EK_WHERE ? "WHERE" : ek == EK_GROUP ? "GROUP BY" : "this context"), NULL;
		e->flags |= X_AGG;
	}
	return e;
}

static struct expr *compile_svf(struct cx *cx, const cJSON *b)
{
	static const struct { const char *op, *fn; } svfs[] = {
		{ "SVFOP_CURRENT_DATE", "current_date" },
		{ "SVFOP_CURRENT_TIME", "current_time" },
		{ "SVFOP_CURRENT_TIMESTAMP", "current_timestamp" },
		{ "SVFOP_LOCALTIME", "localtime" },
		{ "SVFOP_LOCALTIMESTAMP", "localtimestamp" },
	};
	const char *op = pj_str(b, "op");
	int loc = pj_int(b, "location", 0);
	for (size_t i = 0; i < ARRAY_SIZE(svfs); i++) {
		if (op && !strcmp(op, svfs[i].op)) {
			struct resolved r;
			if (resolve_function(cx, svfs[i].fn, NULL, 0, loc, 0, &r) < 0)
				return NULL;
			return call_sig(cx, &r, NULL, 0, loc);
		}
	}
	return cx_error(cx, loc, NULL, "%s is not supported", op ? op + 6 : "this SQL value function"), NULL;
}

/* ---- subqueries ---- */

static struct expr *compile_sublink(struct cx *cx, struct scope *sc, const cJSON *b,
				    enum exprkind ek)
{
	const char *type = pj_str(b, "subLinkType");
	int loc = pj_int(b, "location", 0);
	struct query *q;
	struct strbuf *sb = ar_buf(cx);
	struct expr *e;
	(void)ek;
	if (!type)
		type = "EXISTS_SUBLINK"; /* enum value 0 is omitted */
	if (!(q = compile_select(cx, sc, pj_get(b, "subselect"))))
		return NULL;
	if (!strcmp(type, "EXISTS_SUBLINK")) {
		sb_adds(sb, "EXISTS (");
		query_print(cx, sb, q);
		sb_addch(sb, ')');
		e = ex_sql(cx, ar_sb(cx, sb), &T_BOOL, loc);
	} else if (!strcmp(type, "EXPR_SUBLINK")) {
		if (query_ncols(q) != 1)
			return cx_error(cx, loc, NULL, "subquery must return only one column"), NULL;
		/* PostgreSQL fails when the subquery returns two rows; SQLite
		 * would take the first: count them */
		sb_adds(sb, "(SELECT CASE WHEN count(*) OVER () > 1 THEN "
			     "pg_sqlc_raise('more than one row returned by a subquery used as an expression') "
			     "ELSE ");
		sb_adds(sb, query_colsql(q, 0));
		sb_adds(sb, " END FROM (");
		query_print(cx, sb, q);
		sb_adds(sb, ") LIMIT 1)");
		e = ex_sql(cx, ar_sb(cx, sb), query_coltype(q, 0), loc);
	} else if (!strcmp(type, "ANY_SUBLINK") || !strcmp(type, "ALL_SUBLINK")) {
		int any = !strcmp(type, "ANY_SUBLINK");
		const char *op = pj_get(b, "operName") ? op_name(pj_get(b, "operName")) : "=";
		struct expr *l = compile_expr(cx, sc, pj_get(b, "testexpr"), ek);
		struct resolved r;
		if (!l)
			return NULL;
		if (query_ncols(q) != 1)
			return cx_error(cx, loc, NULL, "subquery has too many columns"), NULL;
		if (any && !strcmp(op, "=")) {
			/* x IN (subquery): SQLite's IN has the same three values */
			struct expr *pair[2] = { l, ex_new(cx, E_SQL, query_coltype(q, 0), loc) };
			pair[1]->text = "?";
			if (resolve_operator(cx, "=", pair, 2, loc, &r) < 0)
				return NULL;
			if (!(l = coerce_to(cx, l, &r.args[0], CC_IMPLICIT, NULL)))
				return NULL;
			if (query_coerce_col(cx, q, 0, &r.args[1], CC_IMPLICIT, NULL) < 0)
				return NULL;
			sb_adds(sb, "(");
			query_print(cx, sb, q);
			sb_adds(sb, ")");
			e = ex_tmpl(cx, "$1 COLLATE $c IN $2", &T_BOOL, loc, 2, l,
				    ex_sql(cx, ar_sb(cx, sb), &T_UNKNOWN, loc));
			e->coll = r.coll;
		} else {
			/*
			 * x op ANY/ALL (subquery), as ExecScanSubPlan: the
			 * comparison of x with each row; ANY is true when one
			 * is true, else NULL when one is NULL, else false (no
			 * rows: false); ALL is false when one is false, else
			 * NULL when one is NULL, else true (no rows: true).
			 * x is compared inside the subquery, once per row, as
			 * PostgreSQL's testexpr is: an aggregate of the outer
			 * query cannot go there.
			 */
			if (!is_comparison(op))
				return cx_error(cx, loc, NULL, "operator %s with ANY/ALL (subquery) is not supported", op), NULL;
			if (l->flags & (X_AGG | X_WINDOW | X_VOLATILE))
				return cx_error(cx, l->loc, NULL, "%s %s (subquery) over an aggregate, window or volatile expression is not supported",
					    op, any ? "ANY" : "ALL"), NULL;
			struct expr *col = ex_sql(cx, ar_printf(cx, "\"?q\".%s", query_colsql(q, 0)),
						  query_coltype(q, 0), loc);
			struct expr *c = fold_comparison(cx, make_comparison(cx, op, l, col, loc));
			if (!c)
				return NULL;
			sb_adds(sb, any ? "(SELECT CASE WHEN max(\"?c\") THEN 1 "
				        : "(SELECT CASE WHEN NOT min(\"?c\") THEN 0 ");
			sb_adds(sb, "WHEN count(\"?c\") < count(*) THEN NULL ELSE ");
			sb_adds(sb, any ? "0" : "1");
			sb_adds(sb, " END FROM (SELECT ");
			ex_print(sb, c);
			sb_adds(sb, " AS \"?c\" FROM (");
			query_print(cx, sb, q);
			sb_adds(sb, ") AS \"?q\"))");
			e = ex_sql(cx, ar_sb(cx, sb), &T_BOOL, loc);
		}
	} else {
		return cx_error(cx, loc, NULL, "%s subqueries are not supported yet", type), NULL;
	}
	e->flags |= X_SUBQ;
	return e;
}

/* ---- ORDER BY items ---- */

static int sort_clause(struct cx *cx, struct scope *sc, const cJSON *list,
		       enum exprkind ek, struct strbuf *out)
{
	const cJSON *it;
	int first = 1;
	cJSON_ArrayForEach(it, list) {
		const cJSON *b;
		node_tag(it, &b);
		struct expr *e = resolve_unknown(cx, compile_expr(cx, sc, pj_get(b, "node"), ek));
		const char *dir = pj_str(b, "sortby_dir"), *nulls = pj_str(b, "sortby_nulls");
		const char *coll;
		int desc;
		if (!e)
			return -1;
		if (dir && !strcmp(dir, "SORTBY_USING"))
			return cx_error(cx, e->loc, NULL, "ORDER BY ... USING is not supported");
		if (!ct_order(cx, &e->type, &coll))
			return cx_error(cx, e->loc, NULL, "could not identify an ordering operator for type %s",
				    ct_name(cx, &e->type, 0));
		desc = dir && !strcmp(dir, "SORTBY_DESC");
		sb_adds(out, first ? "ORDER BY " : ", ");
		ex_print(out, e);
		/* PostgreSQL: NULLs sort as larger than any value */
		sb_addf(out, " COLLATE %s %s NULLS %s", coll, desc ? "DESC" : "ASC",
			nulls && !strcmp(nulls, "SORTBY_NULLS_FIRST") ? "FIRST" :
			nulls && !strcmp(nulls, "SORTBY_NULLS_LAST") ? "LAST" :
			desc ? "FIRST" : "LAST");
		first = 0;
	}
	return 0;
}

int compile_sort(struct cx *cx, struct scope *sc, const cJSON *list, struct strbuf *out)
{
	return sort_clause(cx, sc, list, EK_SELECT, out);
}

/* ---- the dispatcher ---- */

struct expr *compile_expr(struct cx *cx, struct scope *sc, const cJSON *node,
			  enum exprkind ek)
{
	const cJSON *b;
	const char *tag = node_tag(node, &b);
	int loc = pj_int(b, "location", 0);
	if (!tag)
		return cx_error(cx, -1, NULL, "malformed expression"), NULL;
	if (!strcmp(tag, "A_Const"))
		return compile_const(cx, b);
	if (!strcmp(tag, "ColumnRef"))
		return scope_column(cx, sc, b);
	if (!strcmp(tag, "TypeCast")) {
		struct ctype t;
		const cJSON *ab, *tn = pj_get(b, "typeName");
		const char *atag = node_tag(pj_get(b, "arg"), &ab);
		/* a domain of the target (no typmod, not an array of it), when
		 * the name is no built-in type (pg_catalog comes first) */
		const cJSON *names = pj_get(tn, "names");
		const char *dn = names ? str_val(cJSON_GetArrayItem(names, cJSON_GetArraySize(names) - 1)) : NULL;
		struct expr *d = NULL;
		cx->quiet++;
		int builtin = ct_from_typename(cx, tn, &t) == 0;
		cx->quiet--;
		if (!builtin && dn && !pj_get(tn, "typmods") && !pj_get(tn, "arrayBounds") &&
		    cast_to_domain(cx, NULL, dn, &d)) {
			struct expr *v = compile_expr(cx, sc, pj_get(b, "arg"), ek);
			if (!v)
				return NULL;
			cast_to_domain(cx, v, dn, &d);
			return d;
		}
		if (ct_from_typename(cx, pj_get(b, "typeName"), &t) < 0)
			return NULL;
		struct expr *e = atag && !strcmp(atag, "A_ArrayExpr") ? compile_array(cx, sc, ab, ek, &t)
								      : compile_expr(cx, sc, pj_get(b, "arg"), ek);
		if (!e)
			return NULL;
		if (t.t == PGK_OTHER)
			return cx_error(cx, loc, NULL, "casts to type %s are not supported", t.name), NULL;
		struct expr *r = coerce_to(cx, e, &t, CC_EXPLICIT, NULL);
		if (r && r->loc < 0)
			r->loc = loc;
		return r;
	}
	if (!strcmp(tag, "A_Expr"))
		return compile_aexpr(cx, sc, b, ek);
	if (!strcmp(tag, "BoolExpr"))
		return compile_boolexpr(cx, sc, b, ek);
	if (!strcmp(tag, "NullTest"))
		return compile_nulltest(cx, sc, b, ek);
	if (!strcmp(tag, "BooleanTest"))
		return compile_booltest(cx, sc, b, ek);
	if (!strcmp(tag, "CaseExpr"))
		return compile_case(cx, sc, b, ek);
	if (!strcmp(tag, "CoalesceExpr"))
		return compile_coalesce(cx, sc, b, ek, NULL);
	if (!strcmp(tag, "MinMaxExpr"))
		return compile_coalesce(cx, sc, b, ek,
					pj_str(b, "op") && !strcmp(pj_str(b, "op"), "IS_LEAST") ? "min" : "max");
	if (!strcmp(tag, "FuncCall"))
		return compile_funccall(cx, sc, b, ek);
	if (!strcmp(tag, "SQLValueFunction"))
		return compile_svf(cx, b);
	if (!strcmp(tag, "SubLink"))
		return compile_sublink(cx, sc, b, ek);
	if (!strcmp(tag, "ParamRef"))
		return cx_error(cx, loc, "steps take no parameters; a batched step reads its keys from dd_batch(key)",
			    "parameters ($n) are not supported"), NULL;
	if (!strcmp(tag, "SetToDefault"))
		return cx_error(cx, loc, NULL, "DEFAULT is not allowed in this context"), NULL;
	if (!strcmp(tag, "CollateClause"))
		return cx_error(cx, loc, "drydock compares text as PostgreSQL's \"C\" collation does when the text module says so; explicit collations are not supported",
			    "COLLATE is not supported"), NULL;
	if (!strcmp(tag, "A_ArrayExpr"))
		return compile_array(cx, sc, b, ek, NULL);
	if (!strcmp(tag, "A_Indirection"))
		return compile_indirection(cx, sc, b, ek);
	if (!strcmp(tag, "RowExpr"))
		return cx_error(cx, loc, NULL, "row constructors are not supported"), NULL;
	if (!strcmp(tag, "GroupingFunc"))
		return cx_error(cx, loc, NULL, "GROUPING() is not supported"), NULL;
	return cx_error(cx, loc, NULL, "%s expressions are not supported", tag), NULL;
}
