/*
 * compile_types: the compiler's types, casts and overload resolution.
 *
 * PostgreSQL decides what an operator, function or literal means from the
 * types around it (parse_oper.c, parse_func.c, parse_coerce.c); drydock
 * must decide the same way or it would silently run another operator.
 * This file follows those rules over the casts and signatures the runtime
 * modules register (pgfn.h):
 *   - casts: the module's PGFN_CAST entries with their context (implicit,
 *     assignment, explicit), plus the few PostgreSQL performs without a
 *     function (varchar <-> text, enum -> text) and I/O conversion to and
 *     from text, as PostgreSQL allows it;
 *   - type categories and preferred types (pg_type.typcategory and
 *     typispreferred) drive the choice between candidates;
 *   - comparisons resolve over each type's struct pgfn_order.
 */
#include "sqlc_int.h"

#include <stdlib.h>
#include <string.h>

const struct ctype T_UNKNOWN = { PGK_UNKNOWN, -1, -1, NULL };
const struct ctype T_BOOL = { PGK_BOOL, -1, -1, NULL };
const struct ctype T_INT4 = { PGK_INT4, -1, -1, NULL };
const struct ctype T_INT8 = { PGK_INT8, -1, -1, NULL };
const struct ctype T_TEXT = { PGK_TEXT, -1, -1, NULL };
const struct ctype T_NUMERIC = { PGK_NUMERIC, -1, -1, NULL };

/* PostgreSQL's name, category and preference of each kind. */
static const struct kindinfo {
	const char *name;    /* format_type() */
	const char *typname; /* pg_type.typname, as TypeName nodes spell it */
	char category;
	int preferred;
} kinds[PGK_NKINDS] = {
	[PGK_OTHER] = { "other", NULL, 'U', 0 },
	[PGK_INT2] = { "smallint", "int2", 'N', 0 },
	[PGK_INT4] = { "integer", "int4", 'N', 0 },
	[PGK_INT8] = { "bigint", "int8", 'N', 0 },
	[PGK_BOOL] = { "boolean", "bool", 'B', 1 },
	[PGK_FLOAT4] = { "real", "float4", 'N', 0 },
	[PGK_FLOAT8] = { "double precision", "float8", 'N', 1 },
	[PGK_NUMERIC] = { "numeric", "numeric", 'N', 0 },
	[PGK_TEXT] = { "text", "text", 'S', 1 },
	[PGK_VARCHAR] = { "character varying", "varchar", 'S', 0 },
	[PGK_CHAR] = { "character", "bpchar", 'S', 0 },
	[PGK_BYTEA] = { "bytea", "bytea", 'U', 0 },
	[PGK_UUID] = { "uuid", "uuid", 'U', 0 },
	[PGK_JSON] = { "json", "json", 'U', 0 },
	[PGK_JSONB] = { "jsonb", "jsonb", 'U', 0 },
	[PGK_DATE] = { "date", "date", 'D', 0 },
	[PGK_TIME] = { "time without time zone", "time", 'D', 0 },
	[PGK_TIMETZ] = { "time with time zone", "timetz", 'D', 0 },
	[PGK_TIMESTAMP] = { "timestamp without time zone", "timestamp", 'D', 0 },
	[PGK_TIMESTAMPTZ] = { "timestamp with time zone", "timestamptz", 'D', 1 },
	[PGK_INTERVAL] = { "interval", "interval", 'T', 1 },
	[PGK_ENUM] = { "enum", NULL, 'E', 0 },
	[PGK_INT4RANGE] = { "int4range", "int4range", 'R', 0 },
	[PGK_INT8RANGE] = { "int8range", "int8range", 'R', 0 },
	[PGK_NUMRANGE] = { "numrange", "numrange", 'R', 0 },
	[PGK_DATERANGE] = { "daterange", "daterange", 'R', 0 },
	[PGK_TSRANGE] = { "tsrange", "tsrange", 'R', 0 },
	[PGK_TSTZRANGE] = { "tstzrange", "tstzrange", 'R', 0 },
	[PGK_UNKNOWN] = { "unknown", "unknown", 'X', 0 },
	[PGK_RECORD] = { "record", "record", 'P', 0 },
	[PGK_VOID] = { "void", "void", 'P', 0 },
	[PGK_ANY] = { "\"any\"", "any", 'P', 0 },
	[PGK_ANYELEMENT] = { "anyelement", "anyelement", 'P', 0 },
	[PGK_ANYENUM] = { "anyenum", "anyenum", 'P', 0 },
	[PGK_ANYRANGE] = { "anyrange", "anyrange", 'P', 0 },
};

/* Spellings of TypeName nodes that are not a typname above. */
static const struct { const char *name; int kind; } type_aliases[] = {
	{ "integer", PGK_INT4 }, { "int", PGK_INT4 }, { "smallint", PGK_INT2 },
	{ "bigint", PGK_INT8 }, { "boolean", PGK_BOOL }, { "real", PGK_FLOAT4 },
	{ "decimal", PGK_NUMERIC }, { "varchar", PGK_VARCHAR },
	{ "char", PGK_CHAR }, { "character", PGK_CHAR },
};

struct ctype ct_make(int t)
{
	struct ctype c = { t, -1, -1, NULL, NULL };
	return c;
}

static int names_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int ct_same(const struct ctype *a, const struct ctype *b)
{
	return a->t == b->t && names_equal(a->name, b->name);
}

int ct_same_mod(const struct ctype *a, const struct ctype *b)
{
	return ct_same(a, b) && a->mod1 == b->mod1 && a->mod2 == b->mod2;
}

int ct_is_unknown(const struct ctype *a)
{
	return a->t == PGK_UNKNOWN;
}

int ct_storage_integer(const struct ctype *t)
{
	return t->t == PGK_INT2 || t->t == PGK_INT4 || t->t == PGK_INT8 ||
	       t->t == PGK_BOOL;
}

static char category_of(int t)
{
	if (PGT_IS_ARRAY(t))
		return PGT_KIND(t) == PGK_ANYELEMENT ? 'P' : 'A';
	return kinds[PGT_KIND(t)].category;
}

static int preferred(int t)
{
	return !PGT_IS_ARRAY(t) && kinds[PGT_KIND(t)].preferred;
}

static int is_polymorphic(int t)
{
	int k = PGT_KIND(t);
	return k == PGK_ANY || k == PGK_ANYELEMENT || k == PGK_ANYENUM ||
	       k == PGK_ANYRANGE;
}

static int takes_typmod(int t)
{
	switch (t) {
	case PGK_NUMERIC: case PGK_VARCHAR: case PGK_CHAR: case PGK_TIME:
	case PGK_TIMETZ: case PGK_TIMESTAMP: case PGK_TIMESTAMPTZ:
	case PGK_INTERVAL:
		return 1;
	default:
		return 0;
	}
}

const char *ct_name(struct cx *cx, const struct ctype *t, int mods)
{
	struct strbuf sb = STRBUF_INIT;
	int k = PGT_KIND(t->t);
	const char *base = t->name && (k == PGK_ENUM || k == PGK_OTHER)
		? t->name : kinds[k].name;
	if (k == PGK_ENUM && t->domain && !PGT_IS_ARRAY(t->t))
		return t->domain;
	if (k == PGK_ENUM && strchr(base, '.'))
		base = strchr(base, '.') + 1; /* "source.type": PostgreSQL says "type" */
	if (PGT_IS_ARRAY(t->t) && k == PGK_ANYELEMENT) {
		sb_adds(&sb, "anyarray");
		return ar_sb(cx, &sb);
	}
	if (mods && t->mod1 >= 0 && (k == PGK_TIME || k == PGK_TIMETZ ||
				     k == PGK_TIMESTAMP || k == PGK_TIMESTAMPTZ)) {
		/* "timestamp(3) with time zone" */
		const char *sp = strchr(base, ' ');
		if (sp)
			sb_addf(&sb, "%.*s(%d)%s", (int)(sp - base), base, t->mod1, sp);
		else
			sb_addf(&sb, "%s(%d)", base, t->mod1);
	} else if (mods && t->mod1 >= 0 && k == PGK_NUMERIC) {
		sb_addf(&sb, "%s(%d,%d)", base, t->mod1, t->mod2 < 0 ? 0 : t->mod2);
	} else if (mods && t->mod1 >= 0 && takes_typmod(k)) {
		sb_addf(&sb, "%s(%d)", base, t->mod1);
	} else {
		sb_adds(&sb, base);
	}
	/* an unmodelled array type's name is its format_type: "year[]" */
	if (PGT_IS_ARRAY(t->t) && !(k == PGK_OTHER && sb.len > 2 && !strcmp(sb.buf + sb.len - 2, "[]")))
		sb_adds(&sb, "[]");
	return ar_sb(cx, &sb);
}

/* ---- types from the catalog and from the parse tree ---- */

/*
 * Enum and other type names are kept in a table owned by the environment:
 * a ctype only points at them, and they outlive every statement.
 */
static const char *env_name(struct sqlc_env *env, const char *s)
{
	static char **names; /* interned for the process: few and small */
	static size_t n, alloc;
	(void)env;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return names[i];
	ALLOC_GROW(names, n + 1, alloc);
	names[n] = xstrdup(s);
	return names[n++];
}

struct ctype ct_from_format(struct sqlc_env *env, const char *source,
			    const char *ft, int is_enum, const char *enum_type)
{
	struct pgtype pt;
	struct ctype c = ct_make(PGK_OTHER);
	pgtype_parse(ft, is_enum, &pt);
	c.t = pt.kind | (pt.is_array ? PGT_ARRAY : 0);
	if (pt.kind == PGK_ENUM) {
		char *n = xasprintf("%s.%s", source ? source : "",
				    enum_type ? enum_type : ft);
		c.name = env_name(env, n);
		free(n);
		return c;
	}
	/* citext compares case-insensitively: it is not text */
	if (pt.kind == PGK_OTHER || !strncmp(ft, "citext", 6)) {
		c.t = PGK_OTHER | (pt.is_array ? PGT_ARRAY : 0);
		c.name = env_name(env, ft);
		return c;
	}
	switch (pt.kind) {
	case PGK_VARCHAR:
	case PGK_CHAR:
		c.mod1 = pt.len;
		break;
	case PGK_NUMERIC:
		c.mod1 = pt.precision;
		c.mod2 = pt.precision >= 0 ? pt.scale : -1;
		break;
	case PGK_TIME: case PGK_TIMETZ: case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ: case PGK_INTERVAL: {
		const char *p = strchr(ft, '(');
		if (p)
			c.mod1 = atoi(p + 1);
		break;
	}
	default:
		break;
	}
	return c;
}

static int typmod_value(struct cx *cx, const cJSON *n, int *out)
{
	const cJSON *b;
	const char *tag = node_tag(n, &b);
	const cJSON *iv;
	if (!tag || strcmp(tag, "A_Const") || !(iv = pj_get(b, "ival")))
		return cx_error(cx, node_loc(n), NULL, "type modifiers must be simple constants or identifiers");
	*out = pj_int(iv, "ival", 0);
	return 0;
}

int ct_from_typename(struct cx *cx, const cJSON *tn, struct ctype *out)
{
	const cJSON *names = pj_get(tn, "names"), *item;
	const char *parts[3] = { NULL, NULL, NULL };
	int np = 0, loc = pj_int(tn, "location", -1);
	const cJSON *mods = pj_get(tn, "typmods");
	int m[2] = { -1, -1 }, nm = 0;
	const char *name, *schema;

	cJSON_ArrayForEach(item, names) {
		if (np < 3)
			parts[np] = str_val(item);
		np++;
	}
	if (np < 1 || np > 2 || !parts[np - 1])
		return cx_error(cx, loc, NULL, "improper qualified name (too many dotted names)");
	name = parts[np - 1];
	schema = np == 2 ? parts[0] : NULL;
	if (pj_get(tn, "setof") && pj_bool(tn, "setof"))
		return cx_error(cx, loc, NULL, "SETOF type is not supported here");
	if (pj_get(tn, "pct_type"))
		return cx_error(cx, loc, NULL, "%%TYPE references are not supported");
	cJSON_ArrayForEach(item, mods) {
		if (nm >= 2)
			return cx_error(cx, loc, NULL, "too many type modifiers for type \"%s\"", name);
		if (typmod_value(cx, item, &m[nm]) < 0)
			return -1;
		nm++;
	}
	*out = ct_make(PGK_OTHER);
	int kind = -1;
	if (!schema || !strcmp(schema, "pg_catalog")) {
		for (int k = 0; k < PGK_NKINDS && kind < 0; k++)
			if (kinds[k].typname && !strcmp(kinds[k].typname, name) &&
			    k != PGK_UNKNOWN && k != PGK_RECORD && k != PGK_VOID &&
			    !is_polymorphic(k))
				kind = k;
		for (size_t i = 0; i < ARRAY_SIZE(type_aliases) && kind < 0; i++)
			if (!strcmp(type_aliases[i].name, name) && !schema)
				kind = type_aliases[i].kind;
		/* "char" in double quotes (no pg_catalog) is the one-byte type */
		if (kind == PGK_CHAR && !schema && !strcmp(name, "char"))
			kind = -1;
	}
	if (kind < 0 && (!schema || strcmp(schema, "pg_catalog"))) {
		/* an enum of the target, or of the source named as schema */
		const struct catalog *cat = cx->env->cat;
		for (int i = 0; i < cat->nenums && kind < 0; i++) {
			const struct enum_meta *e = &cat->enums[i];
			const struct source_meta *s = NULL;
			for (int j = 0; j < cat->nsources; j++)
				if (!strcmp(cat->sources[j].name, e->source))
					s = &cat->sources[j];
			if (strcmp(e->name, name) || !s)
				continue;
			if (schema ? (strcmp(schema, s->name) && strcmp(schema, s->schema))
				   : !s->is_target)
				continue;
			char *full = xasprintf("%s.%s", e->source, e->name);
			out->name = env_name(cx->env, full);
			free(full);
			kind = PGK_ENUM;
		}
	}
	if (kind < 0) {
		if (!schema && (!strcmp(name, "regclass") || !strcmp(name, "oid")))
			return cx_error(cx, loc, "drydock has no system catalogs; name a sequence only inside nextval('name')",
				    "type %s is not supported", name);
		return cx_error(cx, loc, "drydock runs the types listed in docs/sql-compiler.md",
			    "type \"%s%s%s\" does not exist or is not supported",
			    schema ? schema : "", schema ? "." : "", name);
	}
	out->t = kind;
	if (pj_get(tn, "arrayBounds"))
		out->t |= PGT_ARRAY;
	if (nm) {
		if (!takes_typmod(kind))
			return cx_error(cx, loc, NULL, "type modifier is not allowed for type \"%s\"", name);
		if (kind == PGK_INTERVAL)
			return cx_error(cx, loc, NULL, "interval type modifiers are not supported");
		if (kind == PGK_NUMERIC) {
			if (m[0] < 1 || m[0] > 1000)
				return cx_error(cx, loc, NULL, "NUMERIC precision %d must be between 1 and 1000", m[0]);
			if (nm > 1 && (m[1] < -1000 || m[1] > 1000))
				return cx_error(cx, loc, NULL, "NUMERIC scale %d must be between -1000 and 1000", m[1]);
			out->mod1 = m[0];
			out->mod2 = nm > 1 ? m[1] : 0;
		} else if (kind == PGK_VARCHAR || kind == PGK_CHAR) {
			if (nm > 1)
				return cx_error(cx, loc, NULL, "invalid type modifier");
			if (m[0] < 1)
				return cx_error(cx, loc, NULL, "length for type %s must be at least 1",
					    kind == PGK_VARCHAR ? "varchar" : "char");
			out->mod1 = m[0];
		} else {
			if (nm > 1)
				return cx_error(cx, loc, NULL, "invalid type modifier");
			if (m[0] < 0)
				return cx_error(cx, loc, NULL, "TIMESTAMP(%d) precision must not be negative", m[0]);
			out->mod1 = m[0] > 6 ? 6 : m[0];
		}
	} else if (kind == PGK_CHAR && !(pj_get(tn, "names") && np == 2 && !strcmp(name, "bpchar"))) {
		out->mod1 = 1; /* char without a length is char(1) */
	}
	return 0;
}

/* ---- orders ---- */

int ct_order(struct cx *cx, const struct ctype *t, const char **coll)
{
	const struct sqlc_env *env = cx->env;
	if (t->t == PGK_ENUM) {
		*coll = ar_printf(cx, "\"pg_enum:%s\"", t->name);
		return 1;
	}
	if (t->t == PGK_OTHER)
		return 0;
	for (int m = 0; env->mods[m]; m++)
		for (int i = 0; i < env->mods[m]->norders; i++)
			if (env->mods[m]->orders[i].type == t->t) {
				const char *c = env->mods[m]->orders[i].collation;
				*coll = c ? ar_printf(cx, "\"%s\"", c) : "BINARY";
				return 1;
			}
	/* varchar has no operators of its own in PostgreSQL: text's apply */
	if (t->t == PGK_VARCHAR) {
		struct ctype tt = T_TEXT;
		return ct_order(cx, &tt, coll);
	}
	return 0;
}

/* ---- casts ---- */

static const struct pgfn_sig *find_cast_sig(struct sqlc_env *env, int from, int to)
{
	FOR_EACH_SIG(env, s)
		if (s->kind == PGFN_CAST && s->args[0] == from && s->ret == to &&
		    !(from == to && !(s->flags & PGFN_TYPMOD)))
			return s;
	/* array input and output: the element type is an argument */
	if (PGT_IS_ARRAY(to) || PGT_IS_ARRAY(from))
		FOR_EACH_SIG(env, s)
			if (s->kind == PGFN_CAST && (s->flags & PGFN_ELEMTYPE) &&
			    (s->args[0] == from || (PGT_IS_ARRAY(from) && s->args[0] == (PGK_ANYELEMENT | PGT_ARRAY))) &&
			    (s->ret == to || (PGT_IS_ARRAY(to) && s->ret == (PGK_ANYELEMENT | PGT_ARRAY))))
				return s;
	return NULL;
}

static int cast_allowed(const struct pgfn_sig *s, enum coerce_ctx cc)
{
	if (cc == CC_EXPLICIT)
		return 1;
	if (s->flags & PGFN_IMPLICIT)
		return 1;
	return cc == CC_ASSIGN && (s->flags & PGFN_ASSIGNMENT);
}

static int is_int_literal(const char *s);

static int is_string(int t)
{
	return t == PGK_TEXT || t == PGK_VARCHAR || t == PGK_CHAR;
}

/*
 * How from becomes to (ignoring typmods).  Returns 1 with *sig the cast
 * function (NULL: no function, the value is already right), *via_text set
 * when the value goes through text first (I/O conversion), or 0.
 */
static int cast_path(struct sqlc_env *env, const struct ctype *from,
		     const struct ctype *to, enum coerce_ctx cc,
		     const struct pgfn_sig **sig, const struct pgfn_sig **sig2)
{
	int f = from->t, t = to->t;
	*sig = *sig2 = NULL;
	if (ct_same(from, to))
		return 1;
	if (f == PGK_UNKNOWN)
		return 1; /* literals: the caller uses the input function */
	/* arrays (ArrayCoerceExpr) where each element's text stays as it is:
	 * binary-coercible varchar/text, integer widening; narrowing is a cast
	 * function of fn_array (pg_array_int_narrow) */
	if (PGT_IS_ARRAY(f) && PGT_IS_ARRAY(t)) {
		int fe = PGT_KIND(f), te = PGT_KIND(t);
		if ((fe == PGK_VARCHAR && te == PGK_TEXT) ||
		    ((fe == PGK_TEXT || fe == PGK_VARCHAR) && te == PGK_VARCHAR && to->mod1 < 0) ||
		    (fe == PGK_INT2 && (te == PGK_INT4 || te == PGK_INT8)) ||
		    (fe == PGK_INT4 && te == PGK_INT8))
			return 1;
	}
	/* binary-coercible in pg_cast: varchar -> text, text -> varchar */
	if ((f == PGK_VARCHAR && t == PGK_TEXT) || (f == PGK_TEXT && t == PGK_VARCHAR) ||
	    (f == PGK_VARCHAR && t == PGK_VARCHAR))
		return 1;
	const struct pgfn_sig *s = find_cast_sig(env, f, t);
	if (s)  {
		if (!cast_allowed(s, cc))
			return 0;
		*sig = s;
		return 1;
	}
	if (f == PGK_VARCHAR && (s = find_cast_sig(env, PGK_TEXT, t)) && cast_allowed(s, cc)) {
		*sig = s;
		return 1;
	}
	/* enums are stored as their label: to a string type on assignment */
	if (f == PGK_ENUM && is_string(t) && cc != CC_IMPLICIT)
		return 1;
	/* arrays are stored as array_out's text: to a string type on
	 * assignment (I/O conversion) */
	if (PGT_IS_ARRAY(f) && !PGT_IS_ARRAY(t) && is_string(t) && cc != CC_IMPLICIT &&
	    PGT_KIND(f) != PGK_OTHER)
		return 1;
	if (t == PGK_ENUM && (f == PGK_TEXT || f == PGK_VARCHAR) && cc == CC_EXPLICIT)
		return 1;
	/* I/O conversion: any type to a string type (assignment), a string
	 * type to any type (explicit), through the output/input functions */
	if (is_string(t) && cc != CC_IMPLICIT && f != PGK_OTHER && f != PGK_CHAR &&
	    (s = find_cast_sig(env, f, PGK_TEXT))) {
		*sig = s;
		return 1;
	}
	if ((f == PGK_TEXT || f == PGK_VARCHAR) && cc == CC_EXPLICIT && t != PGK_OTHER &&
	    (s = find_cast_sig(env, PGK_TEXT, t))) {
		*sig = s;
		return 1;
	}
	return 0;
}

int can_coerce(struct cx *cx, const struct ctype *from, const struct ctype *to,
	       enum coerce_ctx cc)
{
	const struct pgfn_sig *a, *b;
	if (from->t == PGK_UNKNOWN)
		return to->t != PGK_OTHER || 1;
	if (from->t == PGK_OTHER || to->t == PGK_OTHER)
		return ct_same(from, to);
	return cast_path(cx->env, from, to, cc, &a, &b);
}

/* Arguments a PGFN_TYPMOD function takes after the value. */
static int typmod_args(struct cx *cx, struct expr **kids, const struct ctype *to,
		       int use_mod)
{
	int n = 0;
	int k = PGT_KIND(to->t);
	int m1 = use_mod ? to->mod1 : -1, m2 = use_mod ? to->mod2 : -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", m1);
	kids[n++] = ex_sql(cx, ar_strdup(cx, buf), &T_INT4, -1);
	if (k == PGK_NUMERIC) {
		snprintf(buf, sizeof(buf), "%d", m1 < 0 ? -1 : m2);
		kids[n++] = ex_sql(cx, ar_strdup(cx, buf), &T_INT4, -1);
	}
	if (k == PGK_INTERVAL)
		kids[n++] = ex_sql(cx, "-1", &T_INT4, -1); /* no declared fields */
	return n;
}

static struct expr *call_cast(struct cx *cx, const struct pgfn_sig *s, struct expr *e,
			      const struct ctype *to, int use_mod, int explicit, int loc)
{
	struct expr *kids[6];
	int n = 0;
	struct ctype rt = *to;
	kids[n++] = e;
	if (s->flags & PGFN_TYPMOD) {
		n += typmod_args(cx, kids + n, to, use_mod);
		if (s->flags & PGFN_EXPLICIT)
			kids[n++] = ex_sql(cx, explicit ? "1" : "0", &T_INT4, -1);
	}
	if (s->flags & PGFN_TYPENAME)
		kids[n++] = ex_sql(cx, ar_printf(cx, "'%s'", ct_name(cx, to, 0)), &T_TEXT, -1);
	if (s->flags & PGFN_ELEMTYPE) {
		/* casts to or from an array: the element type */
		int k = PGT_IS_ARRAY(to->t) ? PGT_KIND(to->t) : PGT_KIND(e->type.t);
		kids[n++] = ex_sql(cx, ar_printf(cx, "%d", k), &T_INT4, -1);
	}
	if (!use_mod) {
		rt.mod1 = rt.mod2 = -1;
	}
	struct expr *r = ex_func(cx, s->sqlite_fn, &rt, loc, n, kids);
	if (s->flags & PGFN_VOLATILE)
		r->flags |= X_VOLATILE;
	/* an immutable cast of a constant is evaluated by the planner */
	if (pgfn_sig_volatility(s) == 'i')
		r = ex_fold(cx, r);
	return r;
}

/*
 * Applies to's typmod to e (already of to's type): numeric(p,s) rounds,
 * varchar(n) and char(n) check the length (an explicit cast truncates
 * first, as PostgreSQL's length coercion does when isExplicit), char(n)
 * pads, time types round their fractional seconds.
 */
static struct expr *apply_typmod(struct cx *cx, struct expr *e, const struct ctype *to,
				 enum coerce_ctx cc, int loc)
{
	int k = PGT_KIND(to->t);
	if (to->mod1 < 0 || PGT_IS_ARRAY(to->t) || k == PGK_ENUM || k == PGK_OTHER)
		return e;
	if (e->type.mod1 == to->mod1 && e->type.mod2 == to->mod2 && ct_same(&e->type, to))
		return e;
	const struct pgfn_sig *s = NULL;
	FOR_EACH_SIG(cx->env, c)
		if (!s && c->kind == PGFN_CAST && c->args[0] == to->t && c->ret == to->t &&
		    (c->flags & PGFN_TYPMOD))
			s = c;
	if (!s) {
		cx_error(cx, loc, "drydock applies a type modifier only where a runtime module implements it",
		     "type modifier of type %s is not supported", ct_name(cx, to, 1));
		return NULL;
	}
	if (cc == CC_EXPLICIT && (k == PGK_VARCHAR || k == PGK_CHAR) && !(s->flags & PGFN_EXPLICIT)) {
		struct expr *kids[3] = { e, ex_sql(cx, "1", &T_INT4, -1),
					 ex_sql(cx, ar_printf(cx, "%d", to->mod1), &T_INT4, -1) };
		e = ex_fold(cx, ex_func(cx, "substr", &e->type, loc, 3, kids));
	}
	return call_cast(cx, s, e, to, 1, cc == CC_EXPLICIT, loc);
}

static struct expr *literal_input(struct cx *cx, struct expr *e, const struct ctype *to,
				  enum coerce_ctx cc)
{
	int k = PGT_KIND(to->t);
	struct expr *v;
	char *sql;
	if (k == PGK_ENUM && !PGT_IS_ARRAY(to->t)) {
		const char *dot = strchr(to->name, '.');
		char *src = xstrndup(to->name, (size_t)(dot - to->name));
		const struct enum_meta *em = catalog_find_enum(cx->env->cat, src, dot + 1);
		int ok = 0;
		free(src);
		for (int i = 0; em && i < em->nlabels; i++)
			if (!strcmp(em->labels[i], e->text))
				ok = 1;
		if (!ok) {
			cx_error(cx, e->loc, NULL, "invalid input value for enum %s: \"%s\"",
			     dot + 1, e->text);
			return NULL;
		}
		struct strbuf sb = STRBUF_INIT;
		sb_add_literal(&sb, e->text);
		return ex_sql(cx, ar_sb(cx, &sb), to, e->loc);
	}
	if (k == PGK_OTHER) {
		cx_error(cx, e->loc, "drydock cannot check values of this type; compare it with a column of the same type",
		     "literals of type %s are not supported", ct_name(cx, to, 0));
		return NULL;
	}
	struct strbuf lit = STRBUF_INIT;
	sb_add_literal(&lit, e->text);
	v = ex_sql(cx, ar_sb(cx, &lit), &T_TEXT, e->loc);
	if (!(is_string(k) && !PGT_IS_ARRAY(to->t))) {
		const struct pgfn_sig *s = find_cast_sig(cx->env, PGK_TEXT, to->t);
		if (!s) {
			cx_error(cx, e->loc, "drydock runs the types listed in docs/sql-compiler.md",
			     "type %s is not supported (no input function)", ct_name(cx, to, 0));
			return NULL;
		}
		/* PostgreSQL's input functions see typmod -1 except interval's */
		v = call_cast(cx, s, v, to, k == PGK_INTERVAL, 0, e->loc);
	}
	v->type = *to;
	v->type.mod1 = v->type.mod2 = -1;
	v = apply_typmod(cx, v, to, cc, e->loc);
	if (!v)
		return NULL;
	sql = eval_const(cx, ex_sqltext(cx, v), e->loc);
	if (!sql)
		return NULL;
	return ex_sql(cx, sql, to, e->loc);
}

struct expr *coerce_to(struct cx *cx, struct expr *e, const struct ctype *to,
		       enum coerce_ctx cc, const char *what)
{
	const struct pgfn_sig *s1, *s2;
	struct ctype base = *to;
	if (!e)
		return NULL;
	if (to->t == PGK_UNKNOWN)
		return e;
	if (ct_same_mod(&e->type, to)) {
		if (e->type.domain == to->domain)
			return e;
		/* r::rating of a domain over rating: the base type */
		struct expr *c = ar_alloc(cx, sizeof(*c));
		*c = *e;
		c->type.domain = to->domain;
		return c;
	}
	if (ex_is_null(e) && (e->kind == E_NULL || can_coerce(cx, &e->type, to, cc)))
		return ex_keep(cx, ex_null(cx, to, e->loc), &e, 1); /* casts are strict: NULL stays NULL */
	if (e->kind == E_UNKNOWN)
		return literal_input(cx, e, to, cc);
	if (PGT_KIND(to->t) == PGK_ANY)
		return e;
	base.mod1 = base.mod2 = -1;
	/* an integer constant is already an int8, or a numeric's text */
	if (e->kind == E_SQL && is_int_literal(e->text) && (e->type.t == PGK_INT4 || e->type.t == PGK_INT8) &&
	    (to->t == PGK_INT8 || (to->t == PGK_NUMERIC && to->mod1 < 0))) {
		struct expr *r = ex_sql(cx, to->t == PGK_INT8 ? e->text : ar_printf(cx, "'%s'", e->text), to, e->loc);
		return r;
	}
	if (!can_coerce(cx, &e->type, to, cc) ||
	    !cast_path(cx->env, &e->type, to, cc, &s1, &s2)) {
		if (what)
			cx_error(cx, e->loc, "You will need to rewrite or cast the expression.",
			     "%s is of type %s but expression is of type %s", what,
			     ct_name(cx, to, 0), ct_name(cx, &e->type, 0));
		else
			cx_error(cx, e->loc, NULL, "cannot cast type %s to %s",
			     ct_name(cx, &e->type, 0), ct_name(cx, to, 1));
		return NULL;
	}
	struct expr *r = e;
	if (to->t == PGK_ENUM && e->type.t != PGK_ENUM) {
		/* text to enum: the label is checked at run time (sqlc_setup) */
		struct strbuf sb = STRBUF_INIT;
		sb_add_literal(&sb, to->name);
		struct expr *kids[2] = { e, ex_sql(cx, ar_sb(cx, &sb), &T_TEXT, -1) };
		r = ex_func(cx, "pg_sqlc_enum_in", to, e->loc, 2, kids);
		return r;
	}
	if (s1) {
		r = call_cast(cx, s1, e, to, 0, cc == CC_EXPLICIT, e->loc);
	} else if ((PGT_IS_ARRAY(e->type.t) && !PGT_IS_ARRAY(to->t)) ||
		   (e->type.t == PGK_ENUM && to->t != PGK_ENUM)) {
		/* array_out and enum_out are stable: the text is not a constant
		 * the planner folds, so it stays a node over the value */
		r = ex_tmpl(cx, "$1", &base, e->loc, 1, e);
	} else {
		r = ex_new(cx, e->kind, &base, e->loc);
		*r = *e;
	}
	r->type = base;
	if (s1 && (s1->flags & PGFN_TYPMOD) && to->mod1 >= 0 &&
	    (!(cc == CC_EXPLICIT && is_string(to->t)) || (s1->flags & PGFN_EXPLICIT))) {
		/* the cast applied the typmod itself */
		r = call_cast(cx, s1, e, to, 1, cc == CC_EXPLICIT, e->loc);
		r->type = *to;
		return r;
	}
	if (s1 && PGT_KIND(s1->ret) == PGK_TEXT && PGT_KIND(to->t) != PGK_TEXT)
		r->type.t = to->t; /* I/O conversion into varchar/char */
	/* a value of the same type keeps its typmod unless to has one */
	if (ct_same(&e->type, to) && to->mod1 < 0)
		return r;
	return apply_typmod(cx, r, to, cc, e->loc);
}

static int is_int_literal(const char *s)
{
	if (*s == '-')
		s++;
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* ---- common type (parse_coerce.c: select_common_type) ---- */

int select_common_type(struct cx *cx, struct expr **es, int n,
		       const char *context, struct ctype *out)
{
	int first = -1;
	struct ctype p = T_UNKNOWN;
	for (int i = 0; i < n; i++) {
		const struct ctype *nt = &es[i]->type;
		if (nt->t == PGK_UNKNOWN)
			continue;
		if (first < 0) {
			first = i;
			p = *nt;
			continue;
		}
		if (ct_same(nt, &p))
			continue;
		if (category_of(nt->t) != category_of(p.t) ||
		    (nt->t == PGK_OTHER || p.t == PGK_OTHER) ||
		    (nt->t == PGK_ENUM && p.t == PGK_ENUM)) {
			return cx_error(cx, es[i]->loc, NULL, "%s types %s and %s cannot be matched",
				    context, ct_name(cx, &p, 0), ct_name(cx, nt, 0));
		}
		if (!preferred(p.t) && can_coerce(cx, &p, nt, CC_IMPLICIT) &&
		    !can_coerce(cx, nt, &p, CC_IMPLICIT))
			p = *nt;
	}
	if (first < 0)
		p = T_TEXT;
	/*
	 * The typmod, as select_common_typmod (and exprTypmod of CASE,
	 * COALESCE, GREATEST): the inputs' one typmod when every input is of
	 * the common type with that typmod, else none.  An unknown literal or
	 * NULL, or an input of another type, is coerced with no typmod, so a
	 * coalesce(0, m) over numeric(8,2) is 0, not 0.00: the coercion to the
	 * common type never rounds or pads.
	 */
	p.mod1 = p.mod2 = -1;
	for (int i = 0; i < n; i++) {
		const struct ctype *nt = &es[i]->type;
		if (!ct_same(nt, &p) || nt->mod1 < 0 ||
		    (i > 0 && !ct_same_mod(nt, &es[0]->type)))
			break;
		if (i == n - 1) {
			p.mod1 = nt->mod1;
			p.mod2 = nt->mod2;
		}
	}
	for (int i = 0; i < n; i++)
		if (!can_coerce(cx, &es[i]->type, &p, CC_IMPLICIT))
			return cx_error(cx, es[i]->loc, NULL, "%s could not convert type %s to %s",
				    context, ct_name(cx, &es[i]->type, 0), ct_name(cx, &p, 0));
	*out = p;
	return 0;
}

/* ---- overload resolution (parse_func.c: func_select_candidate) ---- */

#define MAXC 256
#define MAXA (PGFN_MAXARGS + 16)

struct cand {
	const struct pgfn_sig *sig;  /* NULL for a comparison over an order */
	int args[MAXA];
	int ret;
	const char *coll;
};

int is_comparison(const char *op)
{
	static const char *const ops[] = { "=", "<>", "!=", "<", "<=", ">", ">=" };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(op, ops[i]))
			return 1;
	return 0;
}

/* Can an argument of type a be passed where the candidate wants ct? */
static int arg_accepts(struct cx *cx, const struct ctype *a, int ct)
{
	int k = PGT_KIND(ct);
	if (a->t == PGK_UNKNOWN)
		return 1;
	if (k == PGK_ANY)
		return 1;
	if (k == PGK_ANYELEMENT)
		return PGT_IS_ARRAY(ct) ? PGT_IS_ARRAY(a->t) : 1;
	if (k == PGK_ANYENUM)
		return a->t == PGK_ENUM && !a->domain;
	if (k == PGK_ANYRANGE)
		return category_of(a->t) == 'R';
	struct ctype c = ct_make(ct);
	return can_coerce(cx, a, &c, CC_IMPLICIT);
}

static int exact(const struct ctype *a, int ct)
{
	return a->t == ct && a->t != PGK_ENUM && a->t != PGK_OTHER;
}

static const char *args_list(struct cx *cx, struct expr **args, int nargs)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < nargs; i++) {
		if (i)
			sb_adds(&sb, ", ");
		sb_adds(&sb, ct_name(cx, &args[i]->type, 0));
	}
	return ar_sb(cx, &sb);
}

static const char *op_desc(struct cx *cx, const char *name, struct expr **args, int nargs)
{
	if (nargs == 1)
		return ar_printf(cx, "%s %s", name, ct_name(cx, &args[0]->type, 0));
	return ar_printf(cx, "%s %s %s", ct_name(cx, &args[0]->type, 0), name,
			 ct_name(cx, &args[1]->type, 0));
}

/*
 * Resolves polymorphic argument and result types of the chosen candidate;
 * fills out.  -1 after cx_error.
 */
static int finish(struct cx *cx, const struct cand *c, struct expr **args,
		  int nargs, int loc, const char *what, struct resolved *out)
{
	struct ctype poly = T_UNKNOWN;
	int have_poly = 0;
	memset(out, 0, sizeof(*out));
	out->sig = c->sig;
	out->coll = c->coll;
	out->nargs = nargs;
	for (int i = 0; i < nargs; i++) {
		int k = PGT_KIND(c->args[i]);
		if (k != PGK_ANYELEMENT && k != PGK_ANYENUM && k != PGK_ANYRANGE)
			continue;
		struct ctype at = args[i]->type;
		if (at.t == PGK_UNKNOWN)
			continue;
		if (PGT_IS_ARRAY(c->args[i]))
			at.t &= ~PGT_ARRAY;
		at.mod1 = at.mod2 = -1;
		if (!have_poly) {
			poly = at;
			have_poly = 1;
		} else if (!ct_same(&poly, &at)) {
			return cx_error(cx, loc, NULL, "arguments declared \"anyelement\" are not all alike (%s): %s versus %s",
				    what, ct_name(cx, &poly, 0), ct_name(cx, &at, 0));
		}
	}
	for (int i = 0; i < nargs; i++) {
		int k = PGT_KIND(c->args[i]);
		if (k == PGK_ANYELEMENT || k == PGK_ANYENUM || k == PGK_ANYRANGE) {
			if (!have_poly)
				return cx_error(cx, loc, NULL, "could not determine polymorphic type because input has type unknown");
			out->args[i] = poly;
			if (PGT_IS_ARRAY(c->args[i]))
				out->args[i].t |= PGT_ARRAY;
		} else if (k == PGK_ANY) {
			out->args[i] = args[i]->type.t == PGK_UNKNOWN ? T_TEXT : args[i]->type;
		} else {
			out->args[i] = ct_make(c->args[i]);
		}
	}
	int rk = PGT_KIND(c->ret);
	if (rk == PGK_ANYELEMENT || rk == PGK_ANYENUM || rk == PGK_ANYRANGE) {
		if (!have_poly)
			return cx_error(cx, loc, NULL, "could not determine polymorphic type because input has type unknown");
		out->ret = poly;
		if (PGT_IS_ARRAY(c->ret))
			out->ret.t |= PGT_ARRAY;
	} else {
		out->ret = ct_make(c->ret);
	}
	if (!c->sig && poly.t == PGK_ENUM && !ct_order(cx, &poly, &out->coll))
		return -1;
	return 0;
}

/* Whether c's anyelement and anyarray arguments imply one element type. */
static int poly_consistent(const struct cand *c, struct expr **args, int nargs)
{
	int elem = -1;
	for (int i = 0; i < nargs; i++) {
		int at = args[i]->type.t;
		if (PGT_KIND(c->args[i]) != PGK_ANYELEMENT || at == PGK_UNKNOWN)
			continue;
		int e = PGT_IS_ARRAY(c->args[i]) ? at & ~PGT_ARRAY : at;
		if (elem >= 0 && e != elem)
			return 0;
		elem = e;
	}
	return 1;
}

static int select_candidate(struct cx *cx, struct cand *cs, int nc, struct expr **args,
			    int nargs, int loc, int is_op, const char *name,
			    struct resolved *out)
{
	int keep[MAXC], nk = 0;
	int nunknown = 0;
	const char *what = is_op ? op_desc(cx, name, args, nargs)
				 : ar_printf(cx, "%s(%s)", name, args_list(cx, args, nargs));
	for (int i = 0; i < nargs; i++)
		if (args[i]->type.t == PGK_UNKNOWN)
			nunknown++;

	/* exact match; for a binary operator with one unknown side, the
	 * unknown is taken to be the other side's type (binary_oper_exact) */
	for (int c = 0; c < nc; c++) {
		int ok = 1;
		for (int i = 0; i < nargs && ok; i++) {
			const struct ctype *a = &args[i]->type;
			if (a->t == PGK_UNKNOWN && is_op && nargs == 2 && nunknown == 1)
				a = &args[1 - i]->type;
			ok = exact(a, cs[c].args[i]);
		}
		if (ok)
			return finish(cx, &cs[c], args, nargs, loc, what, out);
	}
	/* candidates every argument can be coerced to, their polymorphic
	 * arguments agreeing on one element type (can_coerce_type's
	 * check_generic_type_consistency): text[] || text[] is array_cat
	 * only, array_append would need text[] elements */
	for (int c = 0; c < nc; c++) {
		int ok = 1;
		for (int i = 0; i < nargs && ok; i++)
			ok = arg_accepts(cx, &args[i]->type, cs[c].args[i]);
		if (ok)
			ok = poly_consistent(&cs[c], args, nargs);
		if (ok && nk < MAXC)
			keep[nk++] = c;
	}
	if (nk == 0)
		goto none;
	if (nk == 1)
		return finish(cx, &cs[keep[0]], args, nargs, loc, what, out);

	/* most exact matches */
	{
		int best = -1, nb = 0, tmp[MAXC];
		for (int j = 0; j < nk; j++) {
			int m = 0;
			for (int i = 0; i < nargs; i++)
				if (exact(&args[i]->type, cs[keep[j]].args[i]) ||
				    (args[i]->type.t == PGK_ENUM && PGT_KIND(cs[keep[j]].args[i]) == PGK_ANYENUM))
					m++;
			if (m > best) {
				best = m;
				nb = 0;
			}
			if (m == best)
				tmp[nb++] = keep[j];
		}
		memcpy(keep, tmp, sizeof(int) * (size_t)nb);
		nk = nb;
	}
	if (nk == 1)
		return finish(cx, &cs[keep[0]], args, nargs, loc, what, out);
	/* most preferred types where a coercion is needed */
	{
		int best = -1, nb = 0, tmp[MAXC];
		for (int j = 0; j < nk; j++) {
			int m = 0;
			for (int i = 0; i < nargs; i++)
				if (args[i]->type.t != PGK_UNKNOWN &&
				    (exact(&args[i]->type, cs[keep[j]].args[i]) ||
				     preferred(cs[keep[j]].args[i])))
					m++;
			if (m > best) {
				best = m;
				nb = 0;
			}
			if (m == best)
				tmp[nb++] = keep[j];
		}
		memcpy(keep, tmp, sizeof(int) * (size_t)nb);
		nk = nb;
	}
	if (nk == 1)
		return finish(cx, &cs[keep[0]], args, nargs, loc, what, out);
	/* unknown arguments: the string category if any candidate takes it
	 * there, else the one category all candidates agree on; then a
	 * preferred type of that category */
	if (nunknown) {
		int slot_cat[MAXA];
		int slot_pref[MAXA];
		int resolved = 0;
		for (int i = 0; i < nargs; i++) {
			slot_cat[i] = 0;
			slot_pref[i] = 0;
			if (args[i]->type.t != PGK_UNKNOWN)
				continue;
			int have_string = 0, conflict = 0;
			char cat = 0;
			for (int j = 0; j < nk; j++) {
				char c = category_of(cs[keep[j]].args[i]);
				if (c == 'S')
					have_string = 1;
				if (!cat)
					cat = c;
				else if (cat != c)
					conflict = 1;
			}
			if (have_string)
				cat = 'S';
			else if (conflict)
				goto ambiguous;
			slot_cat[i] = cat;
			for (int j = 0; j < nk; j++)
				if (category_of(cs[keep[j]].args[i]) == cat &&
				    preferred(cs[keep[j]].args[i]))
					slot_pref[i] = 1;
			resolved = 1;
		}
		if (resolved) {
			int nb = 0, tmp[MAXC];
			for (int j = 0; j < nk; j++) {
				int ok = 1;
				for (int i = 0; i < nargs && ok; i++) {
					if (!slot_cat[i])
						continue;
					int t = cs[keep[j]].args[i];
					if (category_of(t) != slot_cat[i])
						ok = 0;
					else if (slot_pref[i] && !preferred(t))
						ok = 0;
				}
				if (ok)
					tmp[nb++] = keep[j];
			}
			if (nb) {
				memcpy(keep, tmp, sizeof(int) * (size_t)nb);
				nk = nb;
			}
		}
		if (nk == 1)
			return finish(cx, &cs[keep[0]], args, nargs, loc, what, out);
		/* if the known arguments all share a type, unknowns are assumed
		 * to be of it */
		if (nunknown < nargs) {
			const struct ctype *known = NULL;
			for (int i = 0; i < nargs; i++) {
				if (args[i]->type.t == PGK_UNKNOWN)
					continue;
				if (!known)
					known = &args[i]->type;
				else if (!ct_same(known, &args[i]->type)) {
					known = NULL;
					break;
				}
			}
			if (known) {
				int found = -1, count = 0;
				for (int j = 0; j < nk; j++) {
					int ok = 1;
					for (int i = 0; i < nargs && ok; i++)
						ok = arg_accepts(cx, known, cs[keep[j]].args[i]);
					if (ok) {
						found = keep[j];
						count++;
					}
				}
				if (count == 1)
					return finish(cx, &cs[found], args, nargs, loc, what, out);
			}
		}
	}
ambiguous:
	if (is_op)
		return cx_error(cx, loc, "Could not choose a best candidate operator. You might need to add explicit type casts.",
			    "operator is not unique: %s", what);
	return cx_error(cx, loc, "Could not choose a best candidate function. You might need to add explicit type casts.",
		    "function %s is not unique", what);
none:
	if (is_op)
		return cx_error(cx, loc, "No operator matches the given name and argument types. You might need to add explicit type casts.",
			    "operator does not exist: %s", what);
	return cx_error(cx, loc, "No function matches the given name and argument types. You might need to add explicit type casts (drydock runs the functions listed in docs/sql-compiler.md).",
		    "function %s does not exist", what);
}

int resolve_operator(struct cx *cx, const char *name, struct expr **args,
		     int nargs, int loc, struct resolved *out)
{
	static struct cand cs[MAXC];
	int nc = 0;
	const char *op = !strcmp(name, "!=") ? "<>" : name;
	if (is_comparison(op) && nargs == 2) {
		struct sqlc_env *env = cx->env;
		for (int m = 0; env->mods[m]; m++)
			for (int i = 0; i < env->mods[m]->norders && nc < MAXC; i++) {
				const struct pgfn_order *o = &env->mods[m]->orders[i];
				cs[nc].sig = NULL;
				cs[nc].args[0] = cs[nc].args[1] = o->type;
				cs[nc].ret = PGK_BOOL;
				cs[nc].coll = o->collation ? ar_printf(cx, "\"%s\"", o->collation) : "BINARY";
				nc++;
			}
		if (nc < MAXC && env->cat->nenums) {
			cs[nc].sig = NULL;
			cs[nc].args[0] = cs[nc].args[1] = PGK_ANYENUM;
			cs[nc].ret = PGK_BOOL;
			cs[nc].coll = NULL;
			nc++;
		}
		/* other types compare only with their own kind */
		if (args[0]->type.t == PGK_OTHER || args[1]->type.t == PGK_OTHER)
			nc = 0;
	} else {
		FOR_EACH_SIG(cx->env, s)
			if (s->kind == PGFN_OP && s->nargs == nargs && !strcmp(s->name, op) && nc < MAXC) {
				cs[nc].sig = s;
				memcpy(cs[nc].args, s->args, sizeof(s->args));
				cs[nc].ret = s->ret;
				cs[nc].coll = NULL;
				nc++;
			}
	}
	return select_candidate(cx, cs, nc, args, nargs, loc, 1, op, out);
}

int resolve_function(struct cx *cx, const char *name, struct expr **args,
		     int nargs, int loc, int want_srf, struct resolved *out)
{
	static struct cand cs[MAXC];
	int nc = 0;
	if (nargs > MAXA)
		return cx_error(cx, loc, NULL, "too many arguments for function %s", name);
	FOR_EACH_SIG(cx->env, s) {
		if (want_srf ? s->kind != PGFN_SRF
			     : (s->kind != PGFN_FUNC && s->kind != PGFN_AGG && s->kind != PGFN_WINDOW))
			continue;
		if (strcmp(s->name, name) || nc >= MAXC)
			continue;
		if (s->flags & PGFN_VARIADIC) {
			if (nargs < s->nargs)
				continue;
		} else if (s->nargs != nargs) {
			continue;
		}
		cs[nc].sig = s;
		for (int i = 0; i < nargs; i++)
			cs[nc].args[i] = s->args[i < s->nargs ? i : s->nargs - 1];
		cs[nc].ret = s->ret;
		cs[nc].coll = NULL;
		nc++;
	}
	return select_candidate(cx, cs, nc, args, nargs, loc, 0, name, out);
}
