/*
 * checkexpr: PostgreSQL CHECK constraint text -> SQLite expression, for
 * the forms where both databases give the same answer (see checkexpr.h).
 *
 * A small recursive-descent parser over the text pg_get_constraintdef()
 * prints.  Every node carries a class (boolean, number, text, ...) so a
 * comparison is only translated when SQLite compares the two sides the
 * way PostgreSQL does; the first thing that is not understood stops the
 * translation with a reason.
 */
#define _GNU_SOURCE
#include "checkexpr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tok_kind { TK_END, TK_WORD, TK_QIDENT, TK_STRING, TK_NUMBER, TK_OP };

struct tok {
	enum tok_kind kind;
	struct strbuf text; /* word, identifier, string (unquoted), number, operator */
};

/* Value classes of expression nodes. */
enum cls {
	CL_BOOL,  /* a condition */
	CL_NUM,   /* integer or decimal number */
	CL_TEXT,  /* text, varchar, enum labels: equality only */
	CL_NULL,  /* the NULL literal */
	CL_OTHER, /* a column of a type drydock does not compare (IS NULL only) */
	CL_LIST,  /* a parenthesised list of literals, for IN */
	CL_JSON,  /* a json/jsonb column, or a path into one (-> 'key', -> 0) */
};

struct node {
	enum cls cls;
	int is_int;     /* CL_NUM: integral (no rounding on integer casts) */
	int literal;    /* a constant (number or string) */
	int is_string;  /* a string literal, before any cast */
	enum cls elem;  /* CL_LIST: class of the elements */
	const char *type; /* CL_OTHER columns: their PostgreSQL type */
	struct strbuf sql;  /* CL_JSON: the column */
	struct strbuf str;  /* string literal: its value; CL_JSON: the SQLite path */
};

struct parser {
	const char *s;
	size_t pos;
	struct tok cur;
	const struct table_meta *t;
	const char *alias;
	int *used;
	char *why;
	size_t whylen;
	int failed;
};

static int unsupported(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int unsupported(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	if (!p->failed) {
		va_start(ap, fmt);
		vsnprintf(p->why, p->whylen, fmt, ap);
		va_end(ap);
		p->failed = 1;
	}
	return 1;
}

/* ------------------------------------------------------------- tokens */

static int is_opchar(int c)
{
	return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

static void next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->pos;
	struct tok *t = &p->cur;

	sb_reset(&t->text);
	while (s[i] && isspace((unsigned char)s[i]))
		i++;
	if (!s[i]) {
		t->kind = TK_END;
	} else if (s[i] == '\'') {
		t->kind = TK_STRING;
		for (i++; s[i]; i++) {
			if (s[i] == '\'') {
				if (s[i + 1] != '\'')
					break;
				i++;
			}
			sb_addch(&t->text, s[i]);
		}
		if (s[i])
			i++;
	} else if (s[i] == '"') {
		t->kind = TK_QIDENT;
		for (i++; s[i]; i++) {
			if (s[i] == '"') {
				if (s[i + 1] != '"')
					break;
				i++;
			}
			sb_addch(&t->text, s[i]);
		}
		if (s[i])
			i++;
	} else if (isdigit((unsigned char)s[i]) ||
		   (s[i] == '.' && isdigit((unsigned char)s[i + 1]))) {
		t->kind = TK_NUMBER;
		while (isdigit((unsigned char)s[i]) || s[i] == '.')
			sb_addch(&t->text, s[i++]);
		if ((s[i] == 'e' || s[i] == 'E') &&
		    (isdigit((unsigned char)s[i + 1]) ||
		     ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
			sb_addch(&t->text, s[i++]);
			sb_addch(&t->text, s[i++]);
			while (isdigit((unsigned char)s[i]))
				sb_addch(&t->text, s[i++]);
		}
	} else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
		t->kind = TK_WORD;
		while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$')
			sb_addch(&t->text, s[i++]);
	} else if (s[i] == ':' && s[i + 1] == ':') {
		t->kind = TK_OP;
		sb_adds(&t->text, "::");
		i += 2;
	} else if (is_opchar(s[i])) {
		t->kind = TK_OP;
		while (is_opchar(s[i]))
			sb_addch(&t->text, s[i++]);
	} else {
		t->kind = TK_OP;
		sb_addch(&t->text, s[i++]);
	}
	p->pos = i;
}

static int is_op(struct parser *p, const char *op)
{
	return p->cur.kind == TK_OP && !strcmp(p->cur.text.buf, op);
}

static int is_word(struct parser *p, const char *w)
{
	return p->cur.kind == TK_WORD && !strcasecmp(p->cur.text.buf, w);
}

/* Whether the token after the current one is the word w (one-token lookahead). */
static int next_is_word(struct parser *p, const char *w)
{
	const char *s = p->s + p->pos;
	size_t n = strlen(w);
	while (isspace((unsigned char)*s))
		s++;
	return !strncasecmp(s, w, n) && !(isalnum((unsigned char)s[n]) || s[n] == '_');
}

static int expect_op(struct parser *p, const char *op)
{
	if (!is_op(p, op))
		return unsupported(p, "unexpected '%s' where '%s' was expected",
				   p->cur.kind == TK_END ? "end" : p->cur.text.buf, op);
	next(p);
	return 0;
}

/* -------------------------------------------------------------- nodes */

static void node_init(struct node *n)
{
	memset(n, 0, sizeof(*n));
	sb_init(&n->sql, 0);
	sb_init(&n->str, 0);
}

static void node_release(struct node *n)
{
	sb_release(&n->sql);
	sb_release(&n->str);
}

/* Moves src into dst (dst released first). */
static void node_move(struct node *dst, struct node *src)
{
	node_release(dst);
	*dst = *src;
	node_init(src);
}

static const char *cls_name(enum cls c)
{
	switch (c) {
	case CL_BOOL: return "a condition";
	case CL_NUM: return "a number";
	case CL_TEXT: return "text";
	case CL_NULL: return "NULL";
	case CL_LIST: return "a list";
	case CL_JSON: return "json";
	default: return "a value of another type";
	}
}

/* A node's class for messages, naming the type of other columns. */
static const char *node_name(const struct node *n, char *buf, size_t len)
{
	if (n->cls == CL_OTHER && n->type)
		snprintf(buf, len, "%s values", n->type);
	else
		snprintf(buf, len, "%s", cls_name(n->cls == CL_LIST ? n->elem : n->cls));
	return buf;
}

/*
 * The SQLite type of a json node's value as json_type() names it, NULL
 * when it is absent (or not valid JSON: the type check reports that).
 */
static void add_json_type(struct strbuf *sb, const struct node *n)
{
	sb_addf(sb, "(CASE WHEN json_valid(%s) THEN json_type(%s, ", n->sql.buf, n->sql.buf);
	sb_add_literal(sb, n->str.buf);
	sb_adds(sb, ") END)");
}

static int parse_expr(struct parser *p, struct node *out);

/* Type names after "::", lower case, single spaces, typmods dropped. */
static int parse_typename(struct parser *p, struct strbuf *name, int *is_array)
{
	static const char *const stop[] = { "and", "or", "is", "not", "in", "between",
					    "like", "ilike", "collate", "escape" };
	*is_array = 0;
	sb_reset(name);
	if (p->cur.kind != TK_WORD && p->cur.kind != TK_QIDENT)
		return unsupported(p, "a cast to something that is not a type name");
	for (;;) {
		if (p->cur.kind == TK_WORD || p->cur.kind == TK_QIDENT) {
			int is_stop = 0;
			for (size_t i = 0; p->cur.kind == TK_WORD && i < ARRAY_SIZE(stop); i++)
				if (!strcasecmp(p->cur.text.buf, stop[i]))
					is_stop = 1;
			if (is_stop && name->len)
				break;
			if (name->len)
				sb_addch(name, ' ');
			for (const char *c = p->cur.text.buf; *c; c++)
				sb_addch(name, p->cur.kind == TK_WORD ? tolower((unsigned char)*c) : *c);
			next(p);
		} else if (is_op(p, "(") && name->len) {
			while (p->cur.kind != TK_END && !is_op(p, ")"))
				next(p);
			if (expect_op(p, ")"))
				return 1;
		} else if (is_op(p, ".")) {
			/* schema-qualified type: keep the last part */
			sb_reset(name);
			next(p);
		} else {
			break;
		}
	}
	while (is_op(p, "[")) {
		next(p);
		if (expect_op(p, "]"))
			return 1;
		*is_array = 1;
	}
	return 0;
}

enum tclass { TC_INT, TC_DEC, TC_TEXT, TC_PADDED, TC_OTHER, TC_UNKNOWN };

static enum tclass type_class(const char *n)
{
	static const char *const ints[] = { "smallint", "integer", "bigint", "int",
					    "int2", "int4", "int8" };
	static const char *const decs[] = { "numeric", "decimal", "real", "double precision",
					    "float4", "float8", "float" };
	static const char *const texts[] = { "text", "character varying", "varchar", "name",
					     "citext" };
	static const char *const padded[] = { "character", "char", "bpchar" };
	static const char *const others[] = {
		"boolean", "bool", "date", "time", "timetz", "timestamp", "timestamptz",
		"time without time zone", "time with time zone",
		"timestamp without time zone", "timestamp with time zone", "interval",
		"uuid", "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "money",
		"regclass", "oid", "xml", "bit", "bit varying", "tsvector", "point",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(n, ints[i]))
			return TC_INT;
	for (size_t i = 0; i < ARRAY_SIZE(decs); i++)
		if (!strcmp(n, decs[i]))
			return TC_DEC;
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (!strcmp(n, texts[i]))
			return TC_TEXT;
	for (size_t i = 0; i < ARRAY_SIZE(padded); i++)
		if (!strcmp(n, padded[i]))
			return TC_PADDED;
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		if (!strcmp(n, others[i]))
			return TC_OTHER;
	return TC_UNKNOWN; /* most likely an enum type */
}

/* A decimal literal PostgreSQL and SQLite read alike. */
static int numeric_literal(const char *s, int *is_int)
{
	const char *p = s;
	int digits = 0, dot = 0, exp = 0;
	*is_int = 1;
	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			digits++;
		} else if (*p == '.' && !dot && !exp) {
			dot = 1;
			*is_int = 0;
		} else if ((*p == 'e' || *p == 'E') && digits && !exp) {
			exp = 1;
			*is_int = 0;
			if (p[1] == '+' || p[1] == '-')
				p++;
		} else {
			return 0;
		}
	}
	/* integers beyond 64 bits would turn into reals in SQLite */
	return digits > 0 && (!*is_int || digits <= 18);
}

static int apply_cast(struct parser *p, struct node *n, const char *tn, int is_array)
{
	enum tclass tc = type_class(tn);
	if (is_array)
		return unsupported(p, "a cast to an array type");
	if (n->cls == CL_NULL)
		return 0;
	if (n->is_string) {
		int is_int;
		switch (tc) {
		case TC_INT:
		case TC_DEC:
			if (!numeric_literal(n->str.buf, &is_int) || (tc == TC_INT && !is_int))
				return unsupported(p, "the literal '%s' as %s", n->str.buf, tn);
			sb_reset(&n->sql);
			sb_adds(&n->sql, n->str.buf);
			n->cls = CL_NUM;
			n->is_int = is_int;
			n->is_string = 0;
			return 0;
		case TC_TEXT:
		case TC_UNKNOWN:
			return 0; /* text or an enum label: compared as text */
		default:
			return unsupported(p, "values of type %s", tn);
		}
	}
	switch (n->cls) {
	case CL_NUM:
		if (tc == TC_DEC || (tc == TC_INT && n->is_int))
			return 0;
		if (tc == TC_INT)
			return unsupported(p, "a cast of a decimal to %s (rounding)", tn);
		return unsupported(p, "a cast of a number to %s", tn);
	case CL_TEXT:
		if (tc == TC_TEXT)
			return 0;
		return unsupported(p, "a cast of text to %s", tn);
	default:
		return unsupported(p, "a cast of %s to %s", cls_name(n->cls), tn);
	}
}

static int column_ref(struct parser *p, const char *name, struct node *out)
{
	int ci = table_column_index(p->t, name);
	const struct pgtype *ty;
	if (ci < 0)
		return unsupported(p, "'%s' is not a column of '%s'", name, p->t->name);
	p->used[ci] = 1;
	ty = &p->t->cols[ci].type;
	if (ty->is_array) {
		out->cls = CL_OTHER;
	} else {
		switch (ty->kind) {
		case PGK_INT2:
		case PGK_INT4:
		case PGK_INT8:
			out->cls = CL_NUM;
			out->is_int = 1;
			break;
		case PGK_NUMERIC:
		case PGK_FLOAT4:
		case PGK_FLOAT8:
			out->cls = CL_NUM;
			break;
		case PGK_TEXT:
		case PGK_VARCHAR:
		case PGK_ENUM:
			out->cls = CL_TEXT;
			break;
		case PGK_JSON:
		case PGK_JSONB:
			out->cls = CL_JSON;
			sb_addf(&out->sql, "%s.", p->alias);
			sb_add_qident(&out->sql, name);
			sb_adds(&out->str, "$");
			return 0;
		case PGK_BOOL:
			/* stored 0/1, or as a step spelled it: read it as pgtype_to_text does */
			out->cls = CL_BOOL;
			sb_adds(&out->sql, "(CASE WHEN ");
			sb_addf(&out->sql, "%s.", p->alias);
			sb_add_qident(&out->sql, name);
			sb_adds(&out->sql, " IS NULL THEN NULL WHEN typeof(");
			sb_addf(&out->sql, "%s.", p->alias);
			sb_add_qident(&out->sql, name);
			sb_adds(&out->sql, ") IN ('integer', 'real') THEN ");
			sb_addf(&out->sql, "%s.", p->alias);
			sb_add_qident(&out->sql, name);
			sb_adds(&out->sql, " <> 0 ELSE lower(trim(");
			sb_addf(&out->sql, "%s.", p->alias);
			sb_add_qident(&out->sql, name);
			sb_adds(&out->sql, ")) IN ('t', 'true', 'y', 'yes', 'on', '1') END)");
			return 0;
		default:
			out->cls = CL_OTHER;
			break;
		}
	}
	if (out->cls == CL_OTHER)
		out->type = p->t->cols[ci].pg_type;
	if (out->cls == CL_NUM && !out->is_int)
		sb_adds(&out->sql, "CAST(");
	else if (out->cls == CL_TEXT)
		sb_adds(&out->sql, "CAST(");
	sb_addf(&out->sql, "%s.", p->alias);
	sb_add_qident(&out->sql, name);
	if (out->cls == CL_NUM && !out->is_int)
		sb_adds(&out->sql, " AS REAL)");
	else if (out->cls == CL_TEXT)
		sb_adds(&out->sql, " AS TEXT)");
	return 0;
}

static int parse_arith(struct parser *p, struct node *out, int level);

/*
 * position(a IN b) and strpos(b, a): SQLite's instr(b, a), which also
 * counts characters from 1 and gives 0 when a is not found.
 */
static int position_call(struct parser *p, const char *name, struct node *out)
{
	struct node a, b;
	int strpos = !strcmp(name, "strpos"), r;
	node_init(&a);
	node_init(&b);
	r = parse_arith(p, strpos ? &b : &a, 0);
	if (!r && strpos)
		r = expect_op(p, ",");
	else if (!r && !is_word(p, "in"))
		r = unsupported(p, "position() without IN");
	else if (!r)
		next(p);
	r = r || parse_arith(p, strpos ? &a : &b, 0) || expect_op(p, ")");
	if (!r && (a.cls != CL_TEXT || b.cls != CL_TEXT))
		r = unsupported(p, "%s() of %s and %s", name, cls_name(a.cls), cls_name(b.cls));
	if (!r) {
		out->cls = CL_NUM;
		out->is_int = 1;
		sb_addf(&out->sql, "instr(%s, %s)", b.sql.buf, a.sql.buf);
	}
	node_release(&a);
	node_release(&b);
	return r;
}

static int function_call(struct parser *p, const char *fname, struct node *out)
{
	static const char *const known[] = { "length", "char_length", "character_length",
					     "btrim", "ltrim", "rtrim", "abs", "position",
					     "strpos", "jsonb_typeof", "json_typeof" };
	struct node arg;
	char name[64];
	int ret = 1, ok = 0;

	snprintf(name, sizeof(name), "%s", fname);
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		ok |= !strcmp(name, known[i]);
	if (!ok)
		return unsupported(p, "the function %s()", name);
	next(p); /* ( */
	if (!strcmp(name, "position") || !strcmp(name, "strpos"))
		return position_call(p, name, out);
	node_init(&arg);
	if (parse_expr(p, &arg))
		goto cleanup;
	if (is_op(p, ",")) {
		unsupported(p, "%s() with more than one argument", name);
		goto cleanup;
	}
	if (expect_op(p, ")"))
		goto cleanup;
	if (strstr(name, "typeof")) {
		/* PostgreSQL's names for json_type()'s */
		if (arg.cls != CL_JSON) {
			unsupported(p, "%s() of %s", name, cls_name(arg.cls));
			goto cleanup;
		}
		out->cls = CL_TEXT;
		sb_adds(&out->sql, "(CASE ");
		add_json_type(&out->sql, &arg);
		sb_adds(&out->sql, " WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' "
				   "WHEN 'real' THEN 'number' WHEN 'true' THEN 'boolean' "
				   "WHEN 'false' THEN 'boolean' ELSE ");
		add_json_type(&out->sql, &arg);
		sb_adds(&out->sql, " END)");
	} else if (!strcmp(name, "abs")) {
		if (arg.cls != CL_NUM) {
			unsupported(p, "abs() of %s", cls_name(arg.cls));
			goto cleanup;
		}
		out->cls = CL_NUM;
		out->is_int = arg.is_int;
		sb_addf(&out->sql, "abs(%s)", arg.sql.buf);
	} else {
		if (arg.cls != CL_TEXT) {
			unsupported(p, "%s() of %s", name, cls_name(arg.cls));
			goto cleanup;
		}
		if (strstr(name, "length")) {
			out->cls = CL_NUM;
			out->is_int = 1;
			sb_addf(&out->sql, "length(%s)", arg.sql.buf);
		} else {
			out->cls = CL_TEXT;
			sb_addf(&out->sql, "%s(%s)", !strcmp(name, "btrim") ? "trim" : name, arg.sql.buf);
		}
	}
	ret = 0;
cleanup:
	node_release(&arg);
	return ret;
}

static int parse_postfix(struct parser *p, struct node *out);

static int parse_primary(struct parser *p, struct node *out)
{
	if (is_op(p, "(")) {
		struct node in;
		int r;
		node_init(&in);
		next(p);
		r = parse_expr(p, &in) || expect_op(p, ")");
		if (!r) /* composite nodes bracket themselves */
			node_move(out, &in);
		node_release(&in);
		return r;
	}
	if (p->cur.kind == TK_NUMBER) {
		int is_int;
		if (!numeric_literal(p->cur.text.buf, &is_int))
			return unsupported(p, "the number %s", p->cur.text.buf);
		out->cls = CL_NUM;
		out->is_int = is_int;
		out->literal = 1;
		sb_adds(&out->sql, p->cur.text.buf);
		next(p);
		return 0;
	}
	if (p->cur.kind == TK_STRING) {
		out->cls = CL_TEXT;
		out->literal = 1;
		out->is_string = 1;
		sb_add(&out->str, p->cur.text.buf, p->cur.text.len);
		sb_add_literal(&out->sql, p->cur.text.buf);
		next(p);
		return 0;
	}
	if (p->cur.kind == TK_WORD) {
		static const char *const reserved[] = { "and", "or", "not", "is", "in", "any",
							"all", "array", "case", "when", "then",
							"else", "end", "between", "like", "ilike",
							"exists", "select", "distinct", "cast" };
		if (is_word(p, "null")) {
			out->cls = CL_NULL;
			out->literal = 1;
			sb_adds(&out->sql, "NULL");
			next(p);
			return 0;
		}
		if (is_word(p, "true") || is_word(p, "false")) {
			out->cls = CL_BOOL;
			out->literal = 1;
			sb_adds(&out->sql, is_word(p, "true") ? "1" : "0");
			next(p);
			return 0;
		}
		for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
			if (is_word(p, reserved[i]))
				return unsupported(p, "%s expressions", reserved[i]);
	}
	if (p->cur.kind == TK_WORD || p->cur.kind == TK_QIDENT) {
		struct strbuf name = STRBUF_INIT;
		int quoted = p->cur.kind == TK_QIDENT, r;
		sb_add(&name, p->cur.text.buf, p->cur.text.len);
		next(p);
		if (is_op(p, "(") && !quoted)
			r = function_call(p, name.buf, out);
		else if (is_op(p, "."))
			r = unsupported(p, "a qualified name");
		else
			r = column_ref(p, name.buf, out);
		sb_release(&name);
		return r;
	}
	if (p->cur.kind == TK_END)
		return unsupported(p, "the text ends early");
	return unsupported(p, "the operator '%s'", p->cur.text.buf);
}

/* json -> 'key' or json -> 0: one step further down the path. */
static int json_step(struct parser *p, struct node *out)
{
	struct node k;
	int r;
	node_init(&k);
	next(p); /* -> */
	r = parse_primary(p, &k);
	while (!r && is_op(p, "::")) {
		struct strbuf tn = STRBUF_INIT;
		int is_array;
		next(p);
		r = parse_typename(p, &tn, &is_array) || apply_cast(p, &k, tn.buf, is_array);
		sb_release(&tn);
	}
	if (!r && k.is_string && k.str.len &&
	    strspn(k.str.buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == k.str.len)
		sb_addf(&out->str, ".\"%s\"", k.str.buf);
	else if (!r && k.cls == CL_NUM && k.literal && k.is_int && k.sql.buf[0] != '(')
		sb_addf(&out->str, "[%s]", k.sql.buf);
	else if (!r)
		r = unsupported(p, "a json path step other than a plain key or index");
	node_release(&k);
	return r;
}

static int parse_postfix(struct parser *p, struct node *out)
{
	struct strbuf tn = STRBUF_INIT;
	int r = parse_primary(p, out);
	for (;;) {
		int is_array;
		if (r)
			break;
		if (is_op(p, "::")) {
			next(p);
			r = parse_typename(p, &tn, &is_array) ||
			    (out->cls == CL_JSON && !is_array && (!strcmp(tn.buf, "jsonb") || !strcmp(tn.buf, "json"))
				     ? 0 : apply_cast(p, out, tn.buf, is_array));
		} else if (is_op(p, "->") && out->cls == CL_JSON) {
			r = json_step(p, out);
		} else if (is_op(p, "->") || is_op(p, "->>") || is_op(p, "#>") || is_op(p, "#>>")) {
			r = unsupported(p, "the json operator '%s'", p->cur.text.buf);
		} else {
			break;
		}
	}
	sb_release(&tn);
	return r;
}

static int parse_unary(struct parser *p, struct node *out)
{
	if (is_op(p, "-") || is_op(p, "+")) {
		int neg = is_op(p, "-");
		struct node in;
		int r;
		node_init(&in);
		next(p);
		r = parse_unary(p, &in);
		if (!r && in.cls != CL_NUM)
			r = unsupported(p, "a sign before %s", cls_name(in.cls));
		if (!r) {
			out->cls = CL_NUM;
			out->is_int = in.is_int;
			out->literal = in.literal;
			sb_addf(&out->sql, "(%s%s)", neg ? "-" : "+", in.sql.buf);
		}
		node_release(&in);
		return r;
	}
	return parse_postfix(p, out);
}

/* Arithmetic: + - * on numbers.  (/ and % differ on zero and rounding.) */
static int parse_arith(struct parser *p, struct node *out, int level)
{
	static const char *const ops[2][3] = { { "+", "-", NULL }, { "*", NULL, NULL } };
	int r = level == 1 ? parse_unary(p, out) : parse_arith(p, out, 1);
	while (!r) {
		const char *op = NULL;
		struct node rhs;
		for (int i = 0; ops[level][i]; i++)
			if (is_op(p, ops[level][i]))
				op = ops[level][i];
		if (!op) {
			if (level == 1 && (is_op(p, "/") || is_op(p, "%")))
				return unsupported(p, "the operator '%s'", p->cur.text.buf);
			if (level == 0 && is_op(p, "||"))
				return unsupported(p, "string concatenation");
			break;
		}
		next(p);
		node_init(&rhs);
		r = level == 1 ? parse_unary(p, &rhs) : parse_arith(p, &rhs, 1);
		if (!r && (out->cls != CL_NUM || rhs.cls != CL_NUM))
			r = unsupported(p, "'%s' between %s and %s", op, cls_name(out->cls),
					cls_name(rhs.cls));
		if (!r) {
			struct strbuf w = STRBUF_INIT;
			sb_addf(&w, "(%s %s %s)", out->sql.buf, op, rhs.sql.buf);
			sb_release(&out->sql);
			out->sql = w;
			out->is_int = out->is_int && rhs.is_int;
			out->literal = out->literal && rhs.literal;
		}
		node_release(&rhs);
	}
	return r;
}

/* A list of constants: "(a, b)" for IN, ARRAY[a, b] for ANY/ALL. */
static int parse_list(struct parser *p, const char *close, struct node *out)
{
	int first = 1;
	out->cls = CL_LIST;
	out->elem = CL_NULL;
	sb_addch(&out->sql, '(');
	for (;;) {
		struct node e;
		int r;
		node_init(&e);
		r = parse_arith(p, &e, 0);
		if (!r && !e.literal)
			r = unsupported(p, "a list of values that are not constants");
		if (!r && e.cls != CL_NULL) {
			if (out->elem != CL_NULL && out->elem != e.cls)
				r = unsupported(p, "a list that mixes %s and %s",
						cls_name(out->elem), cls_name(e.cls));
			out->elem = e.cls;
		}
		if (!r) {
			if (!first)
				sb_adds(&out->sql, ", ");
			sb_add(&out->sql, e.sql.buf, e.sql.len);
		}
		node_release(&e);
		if (r)
			return r;
		first = 0;
		if (is_op(p, ",")) {
			next(p);
			continue;
		}
		break;
	}
	sb_addch(&out->sql, ')');
	return expect_op(p, close);
}

/* After ANY/ALL: ( ARRAY[...] [::type[]] ) with optional extra parentheses. */
static int parse_array_arg(struct parser *p, struct node *out)
{
	struct strbuf tn = STRBUF_INIT;
	int r, is_array;
	if (is_op(p, "(")) {
		next(p);
		r = parse_array_arg(p, out) || expect_op(p, ")");
	} else if (is_word(p, "array")) {
		next(p);
		r = expect_op(p, "[") || parse_list(p, "]", out);
	} else {
		r = unsupported(p, "ANY/ALL over something that is not an ARRAY[...] of constants");
	}
	while (!r && is_op(p, "::")) {
		enum tclass tc;
		next(p);
		r = parse_typename(p, &tn, &is_array);
		if (r)
			break;
		tc = type_class(tn.buf);
		if (!is_array)
			r = unsupported(p, "a cast of an array to %s", tn.buf);
		else if (out->elem == CL_TEXT && tc != TC_TEXT && tc != TC_UNKNOWN)
			r = unsupported(p, "an array of %s", tn.buf);
		else if (out->elem == CL_NUM && tc != TC_INT && tc != TC_DEC)
			r = unsupported(p, "an array of %s", tn.buf);
	}
	sb_release(&tn);
	return r;
}

static int comparable(struct parser *p, const struct node *l, const struct node *r,
		      const char *op)
{
	enum cls lc = l->cls, rc = r->cls == CL_LIST ? r->elem : r->cls;
	char lb[128], rb[128];
	if (lc == CL_NULL || rc == CL_NULL)
		return 0;
	if (lc == CL_NUM && rc == CL_NUM)
		return 0;
	if (lc == CL_BOOL && rc == CL_BOOL && (!strcmp(op, "=") || !strcmp(op, "<>")))
		return 0;
	if (lc == CL_TEXT && rc == CL_TEXT) {
		if (!strcmp(op, "=") || !strcmp(op, "<>"))
			return 0;
		return unsupported(p, "ordering of text (it depends on the collation)");
	}
	node_name(l, lb, sizeof(lb));
	node_name(r, rb, sizeof(rb));
	if (!strcmp(lb, rb))
		return unsupported(p, "'%s' between %s", op, lb);
	return unsupported(p, "'%s' between %s and %s", op, lb, rb);
}

static int parse_pred(struct parser *p, struct node *out)
{
	static const char *const cmp[] = { "=", "<>", "!=", "<", "<=", ">", ">=" };
	struct node rhs;
	int r = parse_arith(p, out, 0);
	const char *op = NULL;

	if (r)
		return r;
	node_init(&rhs);
	for (size_t i = 0; i < ARRAY_SIZE(cmp); i++)
		if (is_op(p, cmp[i]))
			op = !strcmp(cmp[i], "!=") ? "<>" : cmp[i];
	if (op) {
		next(p);
		if (is_word(p, "any") || is_word(p, "all") || is_word(p, "some")) {
			int all = is_word(p, "all");
			next(p);
			r = expect_op(p, "(") || parse_array_arg(p, &rhs) || expect_op(p, ")");
			if (!r && !((!all && !strcmp(op, "=")) || (all && !strcmp(op, "<>"))))
				r = unsupported(p, "'%s %s' over an array", op, all ? "ALL" : "ANY");
			if (!r)
				r = comparable(p, out, &rhs, "=");
			if (!r) {
				struct strbuf w = STRBUF_INIT;
				sb_addf(&w, "(%s %sIN %s)", out->sql.buf, all ? "NOT " : "", rhs.sql.buf);
				sb_release(&out->sql);
				out->sql = w;
			}
		} else {
			r = parse_arith(p, &rhs, 0) || comparable(p, out, &rhs, op);
			if (!r) {
				struct strbuf w = STRBUF_INIT;
				sb_addf(&w, "(%s %s %s)", out->sql.buf, op, rhs.sql.buf);
				sb_release(&out->sql);
				out->sql = w;
			}
		}
		out->cls = CL_BOOL;
		out->literal = 0;
	} else if (is_word(p, "is")) {
		int neg = 0;
		next(p);
		if (is_word(p, "not")) {
			neg = 1;
			next(p);
		}
		if ((is_word(p, "true") || is_word(p, "false")) && out->cls == CL_BOOL) {
			struct strbuf w = STRBUF_INIT;
			sb_addf(&w, "(%s IS %s%s)", out->sql.buf, neg ? "NOT " : "",
				is_word(p, "true") ? "1" : "0");
			next(p);
			sb_release(&out->sql);
			out->sql = w;
			out->literal = 0;
		} else if (!is_word(p, "null")) {
			r = unsupported(p, "IS %s%s", neg ? "NOT " : "",
					p->cur.kind == TK_END ? "" : p->cur.text.buf);
		} else {
			struct strbuf w = STRBUF_INIT;
			next(p);
			if (out->cls == CL_JSON && strcmp(out->str.buf, "$")) {
				sb_addch(&w, '(');
				add_json_type(&w, out);
				sb_addf(&w, " IS %sNULL)", neg ? "NOT " : "");
			} else {
				sb_addf(&w, "(%s IS %sNULL)", out->sql.buf, neg ? "NOT " : "");
			}
			sb_release(&out->sql);
			out->sql = w;
			out->cls = CL_BOOL;
			out->literal = 0;
		}
	} else if (is_word(p, "in") || (is_word(p, "not") && next_is_word(p, "in"))) {
		int neg = is_word(p, "not");
		next(p);
		if (neg)
			next(p);
		r = expect_op(p, "(") || parse_list(p, ")", &rhs) ||
		    comparable(p, out, &rhs, "=");
		if (!r) {
			struct strbuf w = STRBUF_INIT;
			sb_addf(&w, "(%s %sIN %s)", out->sql.buf, neg ? "NOT " : "", rhs.sql.buf);
			sb_release(&out->sql);
			out->sql = w;
			out->cls = CL_BOOL;
			out->literal = 0;
		}
	} else if (p->cur.kind == TK_OP && (strchr(p->cur.text.buf, '~') || is_op(p, "@@"))) {
		r = unsupported(p, "pattern matching ('%s')", p->cur.text.buf);
	} else if (is_word(p, "like") || is_word(p, "ilike") || is_word(p, "similar") ||
		   is_word(p, "between")) {
		r = unsupported(p, "%s", p->cur.text.buf);
	}
	node_release(&rhs);
	return r;
}

static int parse_not(struct parser *p, struct node *out)
{
	if (is_word(p, "not")) {
		struct node in;
		int r;
		node_init(&in);
		next(p);
		r = parse_not(p, &in);
		if (!r && in.cls != CL_BOOL)
			r = unsupported(p, "NOT of %s", cls_name(in.cls));
		if (!r) {
			out->cls = CL_BOOL;
			sb_addf(&out->sql, "(NOT %s)", in.sql.buf);
		}
		node_release(&in);
		return r;
	}
	return parse_pred(p, out);
}

static int parse_logic(struct parser *p, struct node *out, const char *word)
{
	int is_or = !strcmp(word, "or");
	int r = is_or ? parse_logic(p, out, "and") : parse_not(p, out);
	while (!r && is_word(p, word)) {
		struct node rhs;
		node_init(&rhs);
		next(p);
		r = is_or ? parse_logic(p, &rhs, "and") : parse_not(p, &rhs);
		if (!r && (out->cls != CL_BOOL || rhs.cls != CL_BOOL))
			r = unsupported(p, "%s between %s and %s", is_or ? "OR" : "AND",
					cls_name(out->cls), cls_name(rhs.cls));
		if (!r) {
			struct strbuf w = STRBUF_INIT;
			sb_addf(&w, "(%s %s %s)", out->sql.buf, is_or ? "OR" : "AND", rhs.sql.buf);
			sb_release(&out->sql);
			out->sql = w;
		}
		node_release(&rhs);
	}
	return r;
}

static int parse_expr(struct parser *p, struct node *out)
{
	if (p->failed)
		return 1;
	return parse_logic(p, out, "or");
}

/* A CHECK definition (is_check) or a bare condition (an index's WHERE). */
static int translate(const char *text, int is_check, const struct table_meta *t,
		     const char *alias, struct strbuf *sql, int *used, char *why,
		     size_t whylen)
{
	struct parser p = { 0 };
	struct node root;
	int r;

	p.s = text ? text : "";
	p.t = t;
	p.alias = alias;
	p.used = used;
	p.why = why;
	p.whylen = whylen;
	sb_init(&p.cur.text, 0);
	node_init(&root);
	if (whylen)
		why[0] = '\0';
	next(&p);
	if (!is_check) {
		r = parse_expr(&p, &root);
	} else if (!is_word(&p, "check")) {
		r = unsupported(&p, "not a CHECK constraint definition");
		goto cleanup;
	} else {
		next(&p);
		r = expect_op(&p, "(") || parse_expr(&p, &root) || expect_op(&p, ")");
	}
	if (!r && is_word(&p, "no")) { /* NO INHERIT */
		next(&p);
		if (is_word(&p, "inherit"))
			next(&p);
	}
	if (!r && is_word(&p, "not")) { /* NOT VALID */
		next(&p);
		if (is_word(&p, "valid"))
			next(&p);
	}
	if (!r && p.cur.kind != TK_END)
		r = unsupported(&p, "text after the expression ('%s')", p.cur.text.buf);
	if (!r && root.cls != CL_BOOL)
		r = unsupported(&p, "an expression that is %s, not a condition", cls_name(root.cls));
	if (!r)
		sb_add(sql, root.sql.buf, root.sql.len);
cleanup:
	node_release(&root);
	sb_release(&p.cur.text);
	return r ? 1 : 0;
}

int checkexpr_translate(const char *definition, const struct table_meta *t,
			const char *alias, struct strbuf *sql, int *used,
			char *why, size_t whylen)
{
	return translate(definition, 1, t, alias, sql, used, why, whylen);
}

int checkexpr_translate_condition(const char *condition, const struct table_meta *t,
				  const char *alias, struct strbuf *sql, int *used,
				  char *why, size_t whylen)
{
	return translate(condition, 0, t, alias, sql, used, why, whylen);
}
