/*
 * schemachange: the plan's declarative schema changes.  One description
 * ("schema_changes" in plan.json, docs/schema-changes.md) is applied to
 * the working catalog, to the staging file's working tables, and rendered
 * as PostgreSQL DDL with its inverse.
 *
 * The rendering follows one rule: while rows move (the data operations
 * of push, or of rollback), the target holds every column and table of
 * both the old and the new shape, all of them nullable where rows may
 * arrive without them.  So each direction is split in two parts:
 * additive statements before the data, restrictive or destructive ones
 * after it (schemachange.h, schema_change_render).
 */
#define _GNU_SOURCE
#include "jsonutil.h"
#include "schemachange.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG_NAME_MAX 63 /* NAMEDATALEN - 1: longer names are truncated */

static const char common_keys[] = "op phase if_not_exists description";

static const struct op_info {
	const char *name;
	const char *keys; /* besides common_keys */
} op_info[] = {
	[SC_ADD_COLUMN] = { "add_column",
			    "table column type nullable default references on_delete" },
	[SC_DROP_COLUMN] = { "drop_column", "table column" },
	[SC_CREATE_TABLE] = { "create_table",
			      "table columns primary_key foreign_keys unique" },
	[SC_DROP_TABLE] = { "drop_table", "table" },
	[SC_SET_NOT_NULL] = { "set_not_null", "table column" },
	[SC_DROP_NOT_NULL] = { "drop_not_null", "table column" },
	[SC_ADD_INDEX] = { "add_index",
			   "table name columns expression unique method" },
	[SC_ADD_FOREIGN_KEY] = { "add_foreign_key",
				 "table name columns references on_delete not_valid" },
	[SC_TARGET_SQL] = { "target_sql", "sql rollback_sql" },
};

static const struct {
	const char *text; /* as written in a plan (lowercase) */
	char letter;      /* pg_constraint.confdeltype */
	const char *sql;
} on_delete_actions[] = {
	{ "no action", 'a', "NO ACTION" }, { "restrict", 'r', "RESTRICT" },
	{ "cascade", 'c', "CASCADE" },     { "set null", 'n', "SET NULL" },
	{ "set default", 'd', "SET DEFAULT" },
};

/* ------------------------------------------------------------ messages */

static int bad(const struct schema_change *c, const char *fmt, ...)
	ATTR_PRINTF(2, 3);

/* "plan 'P': schema_changes[N] (op): what"; the caller adds hint() lines. */
static int bad(const struct schema_change *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s: %s", c->where, sb.buf);
	sb_release(&sb);
	return -1;
}

static void hint_if_not_exists(void)
{
	hint("Add \"if_not_exists\": true to skip what the target may already have (a consolidated baseline), or choose another name.");
}

/* --------------------------------------------------------- small helpers */

/* The strings of a (validated) JSON array of names; *n set. */
static char **jnames(const cJSON *a, int *n)
{
	const cJSON *it;
	char **v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(char *));
	*n = 0;
	cJSON_ArrayForEach(it, a)
		v[(*n)++] = xstrdup(it->valuestring);
	return v;
}

static char **strv_dup(char *const *v, int n)
{
	char **r = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static int strv_has(char *const *v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Whether word occurs in a space-separated list. */
static int word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !strncmp(p, word, l))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static void add_qname(struct strbuf *sb, const char *schema, const char *name)
{
	sb_add_ident(sb, schema);
	sb_addch(sb, '.');
	sb_add_ident(sb, name);
}

static void add_ident_list(struct strbuf *sb, char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_ident(sb, names[i]);
	}
}

/* Clips n bytes of UTF-8 s back to a character boundary. */
static size_t utf8_clip(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * The name PostgreSQL itself chooses for an unnamed constraint or index
 * (makeObjectName in its source): name1_name2_label, shortened to fit 63
 * bytes by trimming the longer of name1 and name2 first.
 */
static char *object_name(const char *name1, const char *name2,
			 const char *label)
{
	size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
	size_t overhead = (name2 ? 1 : 0) + (label ? strlen(label) + 1 : 0);
	size_t avail = PG_NAME_MAX - overhead;
	struct strbuf sb = STRBUF_INIT;

	while (n1 + n2 > avail) {
		if (n1 > n2)
			n1--;
		else
			n2--;
	}
	if (n1 < strlen(name1))
		n1 = utf8_clip(name1, n1);
	if (name2 && n2 < strlen(name2))
		n2 = utf8_clip(name2, n2);
	sb_add(&sb, name1, n1);
	if (name2) {
		sb_addch(&sb, '_');
		sb_add(&sb, name2, n2);
	}
	if (label) {
		sb_addch(&sb, '_');
		sb_adds(&sb, label);
	}
	return sb_detach(&sb, NULL);
}

static char *joined_names(char *const *names, int n)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		if (i)
			sb_addch(&sb, '_');
		sb_adds(&sb, names[i]);
	}
	return sb_detach(&sb, NULL);
}

/*
 * The column name PostgreSQL derives for an index expression: the
 * function's name for "lower(email)", else "expr".
 */
static char *expression_colname(const char *expr)
{
	const char *p = expr, *s;
	while (isspace((unsigned char)*p))
		p++;
	s = p;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p > s && !isdigit((unsigned char)*s) && *p == '(')
		return xstrndup(s, (size_t)(p - s));
	return xstrdup("expr");
}

/* Appends a statement that ends in ";\n", whatever text ends it. */
static void add_statement_text(struct strbuf *sb, const char *sql)
{
	size_t len = strlen(sql);
	const char *line;
	while (len && isspace((unsigned char)sql[len - 1]))
		len--;
	sb_add(sb, sql, len);
	if (len && sql[len - 1] == ';') {
		sb_addch(sb, '\n');
		return;
	}
	/* a final "-- comment" would swallow a ';' on its line */
	line = sb->buf + sb->len - len;
	for (const char *p = sb->buf + sb->len; p > line; p--)
		if (p[-1] == '\n') {
			line = p;
			break;
		}
	sb_adds(sb, strstr(line, "--") ? "\n;\n" : ";\n");
}

/*
 * Wraps stmt (one or more statements ending in ";\n") in a DO block that
 * runs it only when cond holds, with a dollar-quote tag the text does not
 * contain.
 */
static void add_guarded(struct strbuf *sb, const char *cond, const char *stmt)
{
	char tag[32] = "$dd$";
	int k = 0;
	size_t len = strlen(stmt);
	while (strstr(cond, tag) || strstr(stmt, tag))
		snprintf(tag, sizeof(tag), "$dd%d$", ++k);
	while (len && stmt[len - 1] == '\n')
		len--;
	sb_addf(sb, "DO %s\nBEGIN\n    IF %s THEN\n        %.*s\n    END IF;\nEND\n%s;\n",
		tag, cond, (int)len, stmt, tag);
}

/* ------------------------------------------------------ default values */

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Index just past the ')' matching the '(' at s[0], outside quotes; 0 if none. */
static size_t match_paren(const char *s)
{
	int depth = 0;
	char q = 0;
	for (size_t i = 0; s[i]; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '\'' || s[i] == '"') {
			q = s[i];
		} else if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* Consumes "::type" casts up to the end of p; returns 0 when other text follows. */
static int only_casts(const char *p)
{
	for (;;) {
		p = skip_ws(p);
		if (!*p)
			return 1;
		if (p[0] != ':' || p[1] != ':')
			return 0;
		p = skip_ws(p + 2);
		if (!(isalpha((unsigned char)*p) || *p == '_' || *p == '"'))
			return 0;
		while (*p && (isalnum((unsigned char)*p) || strchr("_ .\"()[],", *p)))
			p++;
	}
}

int schema_default_constant(const char *expr, char **value)
{
	char *copy = xstrdup(expr), *s = copy;
	struct strbuf val = STRBUF_INIT;
	const char *p;
	int isnull = 0, ret = 0;
	size_t len;

	*value = NULL;
	/* strip outer parentheses: "('x'::text)" */
	for (;;) {
		s = (char *)skip_ws(s);
		len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
		if (s[0] != '(' || match_paren(s) != len)
			break;
		s[len - 1] = '\0';
		s++;
	}
	p = s;
	if (*p == '\'') {
		for (p++;; p++) {
			if (!*p)
				goto cleanup;
			if (*p == '\'') {
				if (p[1] != '\'')
					break;
				p++;
			}
			sb_addch(&val, *p);
		}
		p++;
	} else if (*p == '-' || *p == '+' || *p == '.' || isdigit((unsigned char)*p)) {
		const char *start = p;
		int digits = 0;
		if (*p == '-' || *p == '+')
			p++;
		while (isdigit((unsigned char)*p))
			p++, digits++;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				digits++;
		if (!digits)
			goto cleanup;
		if (*p == 'e' || *p == 'E') {
			const char *e = p + 1;
			if (*e == '-' || *e == '+')
				e++;
			if (!isdigit((unsigned char)*e))
				goto cleanup;
			while (isdigit((unsigned char)*e))
				e++;
			p = e;
		}
		if (*start == '+')
			start++;
		sb_add(&val, start, (size_t)(p - start));
	} else {
		static const char *const words[] = { "true", "false", "null" };
		size_t i, wl = 0;
		for (i = 0; i < ARRAY_SIZE(words); i++) {
			wl = strlen(words[i]);
			if (!strncasecmp(p, words[i], wl) &&
			    !(isalnum((unsigned char)p[wl]) || p[wl] == '_'))
				break;
		}
		if (i == ARRAY_SIZE(words))
			goto cleanup;
		if (i == 2)
			isnull = 1;
		else
			sb_adds(&val, words[i]);
		p += wl;
	}
	if (!only_casts(p))
		goto cleanup;
	ret = 1;
	if (!isnull)
		*value = sb_detach(&val, NULL);
cleanup:
	sb_release(&val);
	free(copy);
	return ret;
}

/* expr without trailing "::type" casts at the top level. */
static char *strip_casts(const char *expr)
{
	char *s = xstrdup(expr);
	for (;;) {
		int depth = 0;
		char q = 0;
		char *last = NULL;
		for (char *p = s; *p; p++) {
			if (q) {
				if (*p == q)
					q = 0;
			} else if (*p == '\'' || *p == '"') {
				q = *p;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				depth--;
			} else if (!depth && p[0] == ':' && p[1] == ':') {
				last = p;
				p++;
			}
		}
		if (!last || !only_casts(last))
			break;
		*last = '\0';
	}
	for (size_t l = strlen(s); l && isspace((unsigned char)s[l - 1]); l--)
		s[l - 1] = '\0';
	return s;
}

static int parse_bool_text(const char *s, int *out)
{
	static const char *const yes[] = { "t", "true", "y", "yes", "on", "1" };
	static const char *const no[] = { "f", "false", "n", "no", "off", "0" };
	char buf[8];
	size_t l;
	s = skip_ws(s);
	l = strlen(s);
	while (l && isspace((unsigned char)s[l - 1]))
		l--;
	if (l >= sizeof(buf))
		return -1;
	memcpy(buf, s, l);
	buf[l] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(buf, yes[i]))
			return *out = 1, 0;
		if (!strcasecmp(buf, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/*
 * A decimal in numeric's output form: no sign for zero, no leading
 * zeros, and (scale >= 0) exactly scale fraction digits, rounded half
 * away from zero as PostgreSQL does.  NULL when s is not a plain decimal.
 */
static char *numeric_text(const char *s, int scale)
{
	struct strbuf digits = STRBUF_INIT, out = STRBUF_INIT;
	const char *p = skip_ws(s);
	int neg = 0, nint = 0, nfrac;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; isdigit((unsigned char)*p); p++, nint++)
		sb_addch(&digits, *p);
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			sb_addch(&digits, *p);
	p = skip_ws(p);
	if (*p || !digits.len) {
		sb_release(&digits);
		return NULL;
	}
	nfrac = (int)digits.len - nint;
	if (scale >= 0 && nfrac > scale) {
		int keep = nint + scale, carry = digits.buf[keep] >= '5';
		sb_setlen(&digits, (size_t)keep);
		for (int i = keep - 1; carry && i >= 0; i--) {
			if (digits.buf[i] == '9') {
				digits.buf[i] = '0';
			} else {
				digits.buf[i]++;
				carry = 0;
			}
		}
		if (carry) {
			struct strbuf t = STRBUF_INIT;
			sb_addch(&t, '1');
			sb_add(&t, digits.buf, digits.len);
			sb_release(&digits);
			digits = t;
			nint++;
		}
		nfrac = scale;
	}
	while (scale >= 0 && nfrac < scale) {
		sb_addch(&digits, '0');
		nfrac++;
	}
	{
		int lead = 0, allzero = 1;
		while (lead < nint - 1 && digits.buf[lead] == '0')
			lead++;
		for (size_t i = 0; i < digits.len; i++)
			if (digits.buf[i] != '0')
				allzero = 0;
		if (neg && !allzero)
			sb_addch(&out, '-');
		if (nint == 0)
			sb_addch(&out, '0');
		else
			sb_add(&out, digits.buf + lead, (size_t)(nint - lead));
		if (nfrac) {
			sb_addch(&out, '.');
			sb_add(&out, digits.buf + nint, (size_t)nfrac);
		}
	}
	sb_release(&digits);
	return sb_detach(&out, NULL);
}

static char *float_text(const char *s, int is_float4)
{
	char *end, buf[48];
	double d;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *skip_ws(end))
		return NULL;
	if (isnan(d))
		return xstrdup("NaN");
	if (isinf(d))
		return xstrdup(d > 0 ? "Infinity" : "-Infinity");
	if (is_float4) {
		float f = (float)d;
		for (int prec = 6; prec <= 9; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, (double)f);
			if (strtof(buf, NULL) == f)
				break;
		}
	} else {
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
	}
	return xstrdup(buf);
}

/*
 * The text PostgreSQL gives a column of type t for the literal raw, as
 * far as drydock can tell offline: integers, booleans, floats, numeric
 * scale, character(n) padding and uuid spelling are normalized; other
 * types keep the literal as written (docs/schema-changes.md).
 */
static char *normalize_value(const struct pgtype *t, const char *raw)
{
	char *r = NULL;
	if (!raw)
		return NULL;
	if (t->is_array)
		return xstrdup(raw);
	switch (t->kind) {
	case PGK_INT2:
	case PGK_INT4:
	case PGK_INT8: {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(raw, &end, 10);
		if (!errno && end != raw && !*skip_ws(end))
			r = xasprintf("%lld", v);
		break;
	}
	case PGK_BOOL: {
		int b;
		if (!parse_bool_text(raw, &b))
			r = xstrdup(b ? "t" : "f");
		break;
	}
	case PGK_FLOAT4:
	case PGK_FLOAT8:
		r = float_text(raw, t->kind == PGK_FLOAT4);
		break;
	case PGK_NUMERIC:
		r = numeric_text(raw, t->precision >= 0 ? t->scale : -1);
		break;
	case PGK_CHAR: {
		size_t chars = 0;
		struct strbuf sb = STRBUF_INIT;
		for (const char *p = raw; *p; p++)
			if (((unsigned char)*p & 0xC0) != 0x80)
				chars++;
		sb_adds(&sb, raw);
		while (t->len > 0 && chars < (size_t)t->len) {
			sb_addch(&sb, ' ');
			chars++;
		}
		r = sb_detach(&sb, NULL);
		break;
	}
	case PGK_UUID: {
		char hex[33];
		int n = 0;
		for (const char *p = raw; *p; p++) {
			if (isxdigit((unsigned char)*p) && n < 32)
				hex[n++] = (char)tolower((unsigned char)*p);
			else if (!strchr("-{}", *p))
				n = 99;
		}
		hex[n < 33 ? n : 32] = '\0';
		if (n == 32)
			r = xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
				      hex + 12, hex + 16, hex + 20);
		break;
	}
	default:
		break;
	}
	return r ? r : xstrdup(raw);
}

/*
 * format_type()'s spelling of the common built-in types, so a column an
 * author adds as "varchar(20)" reads like a snapshotted one ("character
 * varying(20)").  *serial is set for serial/bigserial/smallserial.  Types
 * drydock does not know (domains, enums, qualified names) stay as written.
 */
static char *canonical_type(const char *type, int *serial)
{
	static const struct {
		const char *alias, *name;
		int serial;
	} names[] = {
		{ "int", "integer", 0 },         { "int4", "integer", 0 },
		{ "integer", "integer", 0 },     { "int2", "smallint", 0 },
		{ "smallint", "smallint", 0 },   { "int8", "bigint", 0 },
		{ "bigint", "bigint", 0 },       { "serial", "integer", 1 },
		{ "serial4", "integer", 1 },     { "bigserial", "bigint", 1 },
		{ "serial8", "bigint", 1 },      { "smallserial", "smallint", 1 },
		{ "serial2", "smallint", 1 },    { "bool", "boolean", 0 },
		{ "boolean", "boolean", 0 },     { "float8", "double precision", 0 },
		{ "double precision", "double precision", 0 },
		{ "float4", "real", 0 },         { "real", "real", 0 },
		{ "decimal", "numeric", 0 },     { "numeric", "numeric", 0 },
		{ "varchar", "character varying", 0 },
		{ "character varying", "character varying", 0 },
		{ "char", "character", 0 },      { "character", "character", 0 },
		{ "bpchar", "character", 0 },    { "text", "text", 0 },
		{ "uuid", "uuid", 0 },           { "json", "json", 0 },
		{ "jsonb", "jsonb", 0 },         { "date", "date", 0 },
		{ "bytea", "bytea", 0 },         { "interval", "interval", 0 },
		{ "timestamp", "timestamp without time zone", 0 },
		{ "timestamp without time zone", "timestamp without time zone", 0 },
		{ "timestamptz", "timestamp with time zone", 0 },
		{ "timestamp with time zone", "timestamp with time zone", 0 },
		{ "time", "time without time zone", 0 },
		{ "time without time zone", "time without time zone", 0 },
		{ "timetz", "time with time zone", 0 },
		{ "time with time zone", "time with time zone", 0 },
	};
	struct strbuf lw = STRBUF_INIT, mod = STRBUF_INIT, out = STRBUF_INIT;
	const char *p = skip_ws(type);
	int arrays = 0;
	size_t i;

	*serial = 0;
	/* lowercase with single spaces; the typmod goes to mod */
	for (; *p; p++) {
		if (*p == '(') {
			for (; *p && *p != ')'; p++)
				if (!isspace((unsigned char)*p))
					sb_addch(&mod, *p);
			if (!*p)
				goto keep;
			sb_addch(&mod, ')');
			continue;
		}
		if (*p == '[') {
			p = skip_ws(p + 1);
			if (*p != ']')
				goto keep;
			arrays++;
			continue;
		}
		if (mod.len && !isspace((unsigned char)*p) && !arrays &&
		    strncmp(lw.buf, "time", 4))
			goto keep; /* text after a typmod: not a plain type */
		if (arrays && !isspace((unsigned char)*p))
			goto keep;
		if (isspace((unsigned char)*p)) {
			if (lw.len && lw.buf[lw.len - 1] != ' ')
				sb_addch(&lw, ' ');
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			goto keep;
		sb_addch(&lw, tolower((unsigned char)*p));
	}
	while (lw.len && lw.buf[lw.len - 1] == ' ')
		sb_setlen(&lw, lw.len - 1);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(lw.buf, names[i].alias))
			break;
	if (!strcmp(lw.buf, "float") || !strcmp(lw.buf, "double")) {
		long bits = mod.len ? strtol(mod.buf + 1, NULL, 10) : 53;
		sb_adds(&out, bits <= 24 ? "real" : "double precision");
	} else if (i == ARRAY_SIZE(names)) {
		goto keep;
	} else {
		const char *n = names[i].name;
		const char *tz = strstr(n, " with");
		*serial = names[i].serial;
		if (*serial && (mod.len || arrays))
			goto keep;
		if (tz && mod.len) /* "timestamp(3) with time zone" */
			sb_addf(&out, "%.*s%s%s", (int)(tz - n), n, mod.buf, tz);
		else if (!strcmp(n, "character") && !mod.len)
			sb_adds(&out, "character(1)");
		else
			sb_addf(&out, "%s%s", n, mod.buf);
	}
	while (arrays--)
		sb_adds(&out, "[]");
	sb_release(&lw);
	sb_release(&mod);
	return sb_detach(&out, NULL);
keep:
	*serial = 0;
	sb_release(&lw);
	sb_release(&mod);
	sb_release(&out);
	return xstrdup(skip_ws(type));
}

/* ---------------------------------------------------------- references */

struct sc_ref {
	char *schema; /* NULL: the target's schema */
	char *table;
	char **cols;
	int ncols;
};

static void ref_free(struct sc_ref *r)
{
	free(r->schema);
	free(r->table);
	strv_free(r->cols, r->ncols);
	memset(r, 0, sizeof(*r));
}

/* A name in a "references" string: "quoted ""name""" or a bare word. */
static int read_name(const char **pp, struct strbuf *out)
{
	const char *p = skip_ws(*pp);
	sb_reset(out);
	if (*p == '"') {
		for (p++;; p++) {
			if (!*p)
				return -1;
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			sb_addch(out, *p);
		}
		p++;
	} else {
		while (*p && !isspace((unsigned char)*p) && !strchr(".(),\"", *p))
			sb_addch(out, *p++);
	}
	*pp = skip_ws(p);
	return out->len ? 0 : -1;
}

/*
 * Reads "references": either "[schema.]table(col, ...)" or
 * {"schema"?, "table", "columns": [...]}.  Returns 0 or -1 (malformed).
 */
static int ref_parse(const cJSON *v, struct sc_ref *r)
{
	struct strbuf name = STRBUF_INIT;
	const char *p;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (cJSON_IsObject(v)) {
		const cJSON *cols = jget(v, "columns"), *it;
		const char *schema = jstr(v, "schema"), *table = jstr(v, "table");
		if (jget(v, "schema") && !schema)
			goto cleanup;
		if (!table || !*table || !cJSON_IsArray(cols) || !cols->child)
			goto cleanup;
		cJSON_ArrayForEach(it, cols)
			if (!cJSON_IsString(it) || !*it->valuestring)
				goto cleanup;
		for (const cJSON *k = v->child; k; k = k->next)
			if (!word_in("schema table columns", k->string))
				goto cleanup;
		r->schema = schema && *schema ? xstrdup(schema) : NULL;
		r->table = xstrdup(table);
		r->cols = jnames(cols, &r->ncols);
		ret = 0;
		goto cleanup;
	}
	if (!cJSON_IsString(v))
		goto cleanup;
	p = v->valuestring;
	if (read_name(&p, &name))
		goto cleanup;
	r->table = xstrdup(name.buf);
	if (*p == '.') {
		p++;
		if (read_name(&p, &name))
			goto cleanup;
		r->schema = r->table;
		r->table = xstrdup(name.buf);
	}
	if (*p++ != '(')
		goto cleanup;
	r->cols = xcalloc(strlen(p) + 1, sizeof(char *));
	for (;;) {
		if (read_name(&p, &name))
			goto cleanup;
		r->cols[r->ncols++] = xstrdup(name.buf);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ')')
			goto cleanup;
		break;
	}
	if (*skip_ws(p))
		goto cleanup;
	ret = 0;
cleanup:
	sb_release(&name);
	if (ret)
		ref_free(r);
	return ret;
}

static char on_delete_letter(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(on_delete_actions); i++)
		if (!strcasecmp(s, on_delete_actions[i].text))
			return on_delete_actions[i].letter;
	return 0;
}

static const char *on_delete_sql(char letter)
{
	for (size_t i = 0; i < ARRAY_SIZE(on_delete_actions); i++)
		if (on_delete_actions[i].letter == letter)
			return on_delete_actions[i].sql;
	return NULL;
}

/*
 * "FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE": the rest of an
 * ADD CONSTRAINT.  qualify_schema names the referenced table's schema
 * when given; pg_get_constraintdef leaves out a schema on the search
 * path, so catalog definitions pass NULL for the target's own schema.
 */
static void add_fk_body(struct strbuf *sb, char *const *cols, int n,
			const char *qualify_schema, const struct sc_ref *r,
			char on_delete, int not_valid)
{
	sb_adds(sb, "FOREIGN KEY (");
	add_ident_list(sb, cols, n);
	sb_adds(sb, ") REFERENCES ");
	if (qualify_schema)
		add_qname(sb, qualify_schema, r->table);
	else
		sb_add_ident(sb, r->table);
	sb_addch(sb, '(');
	add_ident_list(sb, r->cols, r->ncols);
	sb_addch(sb, ')');
	if (on_delete && on_delete != 'a')
		sb_addf(sb, " ON DELETE %s", on_delete_sql(on_delete));
	if (not_valid)
		sb_adds(sb, " NOT VALID");
}

/* ------------------------------------------------------------- parsing */

static int check_name(const struct schema_change *c, const char *what,
		      const char *name)
{
	if (!*name)
		return bad(c, "%s is empty", what);
	if (strlen(name) > PG_NAME_MAX) {
		bad(c, "%s '%s' is longer than 63 bytes", what, name);
		detail("PostgreSQL would silently truncate it, and the name drydock records would not match.");
		return -1;
	}
	return 0;
}

/* A required (or optional) string member; *out NULL when absent. */
static int want_string(const struct schema_change *c, const cJSON *o,
		       const char *ctx, const char *key, int required,
		       const char **out)
{
	const cJSON *v = jget(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		return bad(c, "%sneeds \"%s\" (a string)", ctx, key);
	}
	if (!cJSON_IsString(v))
		return bad(c, "%s\"%s\" must be a string", ctx, key);
	if (!*v->valuestring)
		return bad(c, "%s\"%s\" is empty", ctx, key);
	*out = v->valuestring;
	return 0;
}

static int want_bool(const struct schema_change *c, const cJSON *o,
		     const char *ctx, const char *key)
{
	const cJSON *v = jget(o, key);
	if (v && !cJSON_IsBool(v))
		return bad(c, "%s\"%s\" must be true or false", ctx, key);
	return 0;
}

/* A non-empty list of distinct column names; with allowed, each in it. */
static int want_name_list(const struct schema_change *c, const cJSON *a,
			  const char *ctx, const char *key,
			  char *const *allowed, int nallowed)
{
	const cJSON *it;
	int i = 0;
	if (!cJSON_IsArray(a) || !a->child)
		return bad(c, "%s\"%s\" must be a non-empty list of column names",
			   ctx, key);
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it))
			return bad(c, "%s\"%s\"[%d] must be a string", ctx, key, i);
		if (check_name(c, "a column name", it->valuestring))
			return -1;
		for (const cJSON *k = a->child; k != it; k = k->next)
			if (!strcmp(k->valuestring, it->valuestring))
				return bad(c, "%s\"%s\" names '%s' twice", ctx,
					   key, it->valuestring);
		if (allowed && !strv_has(allowed, nallowed, it->valuestring))
			return bad(c, "%s\"%s\" names '%s', which is not one of the table's \"columns\"",
				   ctx, key, it->valuestring);
		i++;
	}
	return 0;
}

static int want_names(const struct schema_change *c, const cJSON *o,
		      const char *ctx, const char *key, int required,
		      char *const *allowed, int nallowed)
{
	const cJSON *a = jget(o, key);
	if (!a) {
		if (!required)
			return 0;
		return bad(c, "%sneeds \"%s\" (a list of column names)", ctx, key);
	}
	return want_name_list(c, a, ctx, key, allowed, nallowed);
}

static int want_references(const struct schema_change *c, const cJSON *o,
			   const char *ctx, int ncols)
{
	const cJSON *v = jget(o, "references");
	struct sc_ref r;
	const char *od;
	if (!v)
		return 0;
	if (ref_parse(v, &r)) {
		bad(c, "%s\"references\" must be \"table(column, ...)\" or {\"table\": ..., \"columns\": [...]}",
		    ctx);
		hint("For example \"references\": \"users(id)\"; double-quote names holding '.', '(', ')', ',' or spaces.");
		return -1;
	}
	if (r.ncols != ncols) {
		bad(c, "%s\"references\" names %d column%s for %d referencing column%s",
		    ctx, r.ncols, r.ncols == 1 ? "" : "s", ncols,
		    ncols == 1 ? "" : "s");
		ref_free(&r);
		return -1;
	}
	for (int i = 0; i < r.ncols; i++)
		if (check_name(c, "a referenced column", r.cols[i]))
			return ref_free(&r), -1;
	if (check_name(c, "the referenced table", r.table)) {
		ref_free(&r);
		return -1;
	}
	ref_free(&r);
	if (want_string(c, o, ctx, "on_delete", 0, &od))
		return -1;
	if (od && !on_delete_letter(od)) {
		bad(c, "%s\"on_delete\" is '%s'", ctx, od);
		hint("Use one of \"cascade\", \"set null\", \"set default\", \"restrict\", \"no action\".");
		return -1;
	}
	return 0;
}

static int check_keys(const struct schema_change *c, const cJSON *o,
		      const char *ctx, const char *keys, int common)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, o) {
		if ((common && word_in(common_keys, it->string)) ||
		    word_in(keys, it->string))
			continue;
		bad(c, "%sunknown key \"%s\"", ctx, it->string);
		hint("Keys here: %s%s%s.", keys, common ? " " : "",
		     common ? common_keys : "");
		return -1;
	}
	return 0;
}

static int parse_create_table(const struct schema_change *c)
{
	const cJSON *cols = jget(c->spec, "columns"), *it;
	const cJSON *fks = jget(c->spec, "foreign_keys"), *uq = jget(c->spec, "unique");
	char **names;
	int n = 0, i = 0, ret = -1;

	if (!cJSON_IsArray(cols) || !cols->child)
		return bad(c, "needs \"columns\": a non-empty list of {\"name\", \"type\"}");
	names = xcalloc((size_t)cJSON_GetArraySize(cols) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, cols) {
		char ctx[64];
		const char *name, *type, *def;
		int serial;
		snprintf(ctx, sizeof(ctx), "columns[%d]: ", i++);
		if (!cJSON_IsObject(it)) {
			bad(c, "%smust be an object with \"name\" and \"type\"", ctx);
			goto cleanup;
		}
		if (check_keys(c, it, ctx, "name type nullable default", 0) ||
		    want_string(c, it, ctx, "name", 1, &name) ||
		    check_name(c, "a column name", name) ||
		    want_string(c, it, ctx, "type", 1, &type) ||
		    want_bool(c, it, ctx, "nullable") ||
		    want_string(c, it, ctx, "default", 0, &def))
			goto cleanup;
		if (strv_has(names, n, name)) {
			bad(c, "%scolumn '%s' is listed twice", ctx, name);
			goto cleanup;
		}
		free(canonical_type(type, &serial));
		if (serial && def) {
			bad(c, "%sa %s column cannot have a \"default\"", ctx, type);
			detail("A serial column's default is its sequence.");
			goto cleanup;
		}
		names[n++] = xstrdup(name);
	}
	if (!jget(c->spec, "primary_key")) {
		bad(c, "needs \"primary_key\": a list of column names");
		detail("drydock identifies every row by its primary key.");
		goto cleanup;
	}
	if (want_names(c, c->spec, "", "primary_key", 1, names, n))
		goto cleanup;
	if (fks && !cJSON_IsArray(fks)) {
		bad(c, "\"foreign_keys\" must be a list of {\"columns\", \"references\"}");
		goto cleanup;
	}
	i = 0;
	cJSON_ArrayForEach(it, fks) {
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "foreign_keys[%d]: ", i++);
		if (!cJSON_IsObject(it)) {
			bad(c, "%smust be an object with \"columns\" and \"references\"", ctx);
			goto cleanup;
		}
		if (check_keys(c, it, ctx, "columns references on_delete", 0) ||
		    want_names(c, it, ctx, "columns", 1, names, n))
			goto cleanup;
		if (!jget(it, "references")) {
			bad(c, "%sneeds \"references\"", ctx);
			goto cleanup;
		}
		if (want_references(c, it, ctx, cJSON_GetArraySize(jget(it, "columns"))))
			goto cleanup;
	}
	if (uq && !cJSON_IsArray(uq)) {
		bad(c, "\"unique\" must be a list of column lists, e.g. [[\"email\"]]");
		goto cleanup;
	}
	i = 0;
	cJSON_ArrayForEach(it, uq) {
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "unique[%d]: ", i++);
		if (want_name_list(c, it, ctx, "unique", names, n))
			goto cleanup;
	}
	ret = 0;
cleanup:
	strv_free(names, n);
	return ret;
}

static int parse_one(struct schema_change *c)
{
	const char *s, *def, *type;
	int serial;

	if (want_string(c, c->spec, "", "phase", 0, &s))
		return -1;
	if (s && strcmp(s, "before") && strcmp(s, "after")) {
		bad(c, "\"phase\" is '%s'", s);
		hint("Use \"before\" (the default: before the steps run) or \"after\" (after them).");
		return -1;
	}
	c->phase = s && !strcmp(s, "after") ? SC_AFTER : SC_BEFORE;
	if (want_bool(c, c->spec, "", "if_not_exists") ||
	    want_string(c, c->spec, "", "description", 0, &s))
		return -1;
	c->if_not_exists = jbool(c->spec, "if_not_exists", 0);

	if (c->op != SC_TARGET_SQL) {
		if (want_string(c, c->spec, "", "table", 1, &s) ||
		    check_name(c, "the table name", s))
			return -1;
		c->table = xstrdup(s);
	}
	switch (c->op) {
	case SC_ADD_COLUMN:
		if (want_string(c, c->spec, "", "column", 1, &s) ||
		    check_name(c, "the column name", s) ||
		    want_string(c, c->spec, "", "type", 1, &type) ||
		    want_bool(c, c->spec, "", "nullable") ||
		    want_string(c, c->spec, "", "default", 0, &def) ||
		    want_references(c, c->spec, "", 1))
			return -1;
		if (jget(c->spec, "on_delete") && !jget(c->spec, "references"))
			return bad(c, "\"on_delete\" needs \"references\"");
		free(canonical_type(type, &serial));
		if (serial) {
			bad(c, "cannot add a %s column", type);
			detail("PostgreSQL would number the existing rows itself, in an order the run cannot know.");
			hint("Add a bigint column (with a sequence default if new rows need one) and number the rows in a step.");
			return -1;
		}
		if (def && c->phase == SC_AFTER) {
			char *v;
			if (!schema_default_constant(def, &v)) {
				bad(c, "an \"after\" add_column cannot have a non-constant default ('%s')",
				    def);
				detail("Push adds an \"after\" column once the rows have moved, so PostgreSQL would compute other values than the run did.");
				hint("Use \"phase\": \"before\" (the default): push then writes the values the run computed.");
				return -1;
			}
			free(v);
		}
		return 0;
	case SC_DROP_COLUMN:
	case SC_SET_NOT_NULL:
	case SC_DROP_NOT_NULL:
		if (want_string(c, c->spec, "", "column", 1, &s) ||
		    check_name(c, "the column name", s))
			return -1;
		return 0;
	case SC_CREATE_TABLE:
		if (!strncmp(c->table, "dd_", 3)) {
			bad(c, "table name '%s' starts with \"dd_\"", c->table);
			detail("Names starting with dd_ are drydock's own in the staging file.");
			return -1;
		}
		return parse_create_table(c);
	case SC_DROP_TABLE:
		return 0;
	case SC_ADD_INDEX: {
		const cJSON *cols = jget(c->spec, "columns");
		const cJSON *expr = jget(c->spec, "expression");
		if (want_string(c, c->spec, "", "name", 0, &s) ||
		    (s && check_name(c, "the index name", s)) ||
		    want_bool(c, c->spec, "", "unique") ||
		    want_string(c, c->spec, "", "method", 0, &s))
			return -1;
		if (s) {
			for (const char *p = s; *p; p++)
				if (!(islower((unsigned char)*p) || *p == '_' ||
				      (p > s && isdigit((unsigned char)*p))))
					return bad(c, "\"method\" '%s' is not an index method name (btree, hash, gin, gist, brin, ...)",
						   s);
		}
		if (!!cols == !!expr)
			return bad(c, "needs either \"columns\" (a list of column names) or \"expression\" (SQL text)");
		if (cols)
			return want_names(c, c->spec, "", "columns", 1, NULL, 0);
		return want_string(c, c->spec, "", "expression", 1, &s);
	}
	case SC_ADD_FOREIGN_KEY:
		if (want_string(c, c->spec, "", "name", 0, &s) ||
		    (s && check_name(c, "the constraint name", s)) ||
		    want_bool(c, c->spec, "", "not_valid") ||
		    want_names(c, c->spec, "", "columns", 1, NULL, 0))
			return -1;
		if (!jget(c->spec, "references"))
			return bad(c, "needs \"references\": \"table(column, ...)\"");
		return want_references(c, c->spec, "",
				       cJSON_GetArraySize(jget(c->spec, "columns")));
	case SC_TARGET_SQL:
		if (want_string(c, c->spec, "", "sql", 1, &s))
			return -1;
		if (!jget(c->spec, "rollback_sql")) {
			bad(c, "needs \"rollback_sql\"");
			detail("drydock cannot invert arbitrary SQL; rollback runs the rollback_sql you give.");
			hint("Write the statements that undo \"sql\" (for CREATE POLICY p ON t: DROP POLICY p ON t).");
			return -1;
		}
		return want_string(c, c->spec, "", "rollback_sql", 1, &s);
	}
	return 0;
}

int schema_changes_parse(const struct plan *plan, struct schema_change **out,
			 int *n)
{
	const cJSON *list = jget(plan->root, "schema_changes"), *it;
	struct schema_change *v = NULL;
	int nv = 0;

	*out = NULL;
	*n = 0;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list)) {
		error("plan '%s': schema_changes: must be a list", plan->path);
		hint("Schema changes are described in docs/schema-changes.md.");
		return -1;
	}
	v = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, list) {
		struct schema_change *c = &v[nv];
		const char *op = jstr(it, "op");
		size_t k;

		c->index = nv++;
		c->where = xasprintf("plan '%s': schema_changes[%d]", plan->path,
				     c->index);
		if (!cJSON_IsObject(it)) {
			bad(c, "must be an object with \"op\"");
			goto fail;
		}
		if (!op) {
			bad(c, "needs \"op\" (a string)");
			goto ops_hint;
		}
		for (k = 0; k < ARRAY_SIZE(op_info); k++)
			if (!strcmp(op, op_info[k].name))
				break;
		if (k == ARRAY_SIZE(op_info)) {
			bad(c, "unknown op '%s'", op);
			goto ops_hint;
		}
		c->op = (enum sc_op)k;
		c->opname = op_info[k].name;
		free(c->where);
		c->where = xasprintf("plan '%s': schema_changes[%d] (%s)",
				     plan->path, c->index, c->opname);
		c->spec = cJSON_Duplicate(it, 1);
		if (check_keys(c, c->spec, "", op_info[k].keys, 1) || parse_one(c))
			goto fail;
	}
	*out = v;
	*n = nv;
	return 0;
ops_hint:
	hint("Valid ops: add_column, drop_column, create_table, drop_table, set_not_null, drop_not_null, add_index, add_foreign_key, target_sql.");
fail:
	schema_changes_free(v, nv);
	return -1;
}

void schema_changes_free(struct schema_change *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].table);
		free(c[i].where);
		cJSON_Delete(c[i].spec);
	}
	free(c);
}

/* ----------------------------------------------------- catalog lookups */

static const struct source_meta *target_of(const struct catalog *cat)
{
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			return &cat->sources[i];
	return NULL;
}

static const char *schema_of(const struct source_meta *s)
{
	return s->schema ? s->schema : "public";
}

/* The target's table name as it stands (dropped tables excluded). */
static struct table_meta *live_table(const struct catalog *cat,
				     const struct source_meta *tgt,
				     const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		struct table_meta *t = &cat->tables[i];
		if (!t->dropped && !strcmp(t->source, tgt->name) &&
		    !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

static int was_dropped(const struct catalog *cat, const struct source_meta *tgt,
		       const char *name)
{
	for (int i = 0; i < cat->ntables; i++)
		if (cat->tables[i].dropped && !strcmp(cat->tables[i].source, tgt->name) &&
		    !strcmp(cat->tables[i].name, name))
			return 1;
	return 0;
}

static const struct source_meta *need_target(const struct catalog *cat,
					     const struct schema_change *c)
{
	const struct source_meta *tgt = target_of(cat);
	if (!tgt)
		bad(c, "the catalog has no target source");
	return tgt;
}

static int no_table(const struct catalog *cat, const struct source_meta *tgt,
		    const struct schema_change *c, const char *name)
{
	if (was_dropped(cat, tgt, name))
		return bad(c, "table '%s' is dropped by an earlier schema change",
			   name);
	bad(c, "table '%s' is not in the snapshot", name);
	hint("Schema changes work on tables of the target source '%s': list '%s' under sources.%s.tables in plan.json, or create it with an earlier create_table.",
	     tgt->name, name, tgt->name);
	return -1;
}

static void detail_columns(const struct table_meta *t)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			sb_adds(&sb, ", ");
		sb_adds(&sb, t->cols[i].name);
	}
	detail("Its columns are: %s.", sb.buf);
	sb_release(&sb);
}

static int no_column(const struct schema_change *c, const struct table_meta *t,
		     const char *col)
{
	bad(c, "table '%s' has no column '%s'", t->name, col);
	detail_columns(t);
	return -1;
}

static int is_pk_column(const struct table_meta *t, int col)
{
	for (int k = 0; k < t->npk; k++)
		if (t->pk[k] == col)
			return 1;
	return 0;
}

static const struct enum_meta *enum_of_type(const struct catalog *cat,
					    const struct source_meta *tgt,
					    const char *type)
{
	char *base = xstrdup(type);
	const struct enum_meta *e;
	size_t l = strlen(base);
	while (l >= 2 && !strcmp(base + l - 2, "[]"))
		base[l -= 2] = '\0';
	e = catalog_find_enum(cat, tgt->name, base);
	if (!e && strchr(base, '.'))
		e = catalog_find_enum(cat, tgt->name, strrchr(base, '.') + 1);
	free(base);
	return e;
}

/* Sets a new column's type fields from the author's type text. */
static void column_set_type(const struct catalog *cat,
			    const struct source_meta *tgt,
			    struct column_meta *cm, const char *type,
			    int *serial)
{
	const struct enum_meta *e = enum_of_type(cat, tgt, type);
	cm->pg_type = canonical_type(type, serial);
	if (e) {
		cm->is_enum = 1;
		cm->enum_type = xstrdup(e->name);
	}
	pgtype_parse(cm->pg_type, cm->is_enum, &cm->type);
}

/*
 * Checks a constant default against the column's type, offline.  Sets
 * *value (newly allocated) to the normalized text, NULL for null or a
 * non-constant default.
 */
static int check_default(const struct schema_change *c, const struct catalog *cat,
			 const struct source_meta *tgt,
			 const struct column_meta *cm, const char *def,
			 char **value)
{
	char *raw = NULL;
	const char *why = NULL;
	const struct enum_meta *e;

	*value = NULL;
	if (!def || !schema_default_constant(def, &raw) || !raw)
		return 0;
	*value = normalize_value(&cm->type, raw);
	free(raw);
	e = cm->is_enum ? catalog_find_enum(cat, tgt->name, cm->enum_type) : NULL;
	if (pgvalue_check(&cm->type, *value, strlen(*value),
			  e ? (const char *const *)e->labels : NULL,
			  e ? e->nlabels : 0, &why)) {
		bad(c, "default %s of column '%s' is not a valid %s: %s", def,
		    cm->name, cm->pg_type, why);
		free(*value);
		*value = NULL;
		return -1;
	}
	return 0;
}

/* The column set of a PRIMARY KEY/UNIQUE constraint or unique index equals cols. */
static int same_set(char *const *a, int na, char *const *b, int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (!strv_has(b, nb, a[i]))
			return 0;
	return 1;
}

/*
 * The column list of a unique index definition ("CREATE UNIQUE INDEX n ON
 * s.t USING btree (a, b)"), or NULL when it is partial or has
 * expressions.
 */
static char **unique_index_columns(const char *def, int *n)
{
	const char *p = strstr(def, " USING ");
	struct strbuf name = STRBUF_INIT;
	char **v;
	*n = 0;
	if (strncmp(def, "CREATE UNIQUE INDEX ", 20) || !p || !(p = strchr(p, '(')))
		return NULL;
	v = xcalloc(strlen(p) + 1, sizeof(char *));
	p++;
	for (;;) {
		if (read_name(&p, &name) || (*p != ',' && *p != ')'))
			break;
		v[(*n)++] = xstrdup(name.buf);
		if (*p++ == ')') {
			sb_release(&name);
			if (*skip_ws(p)) /* INCLUDE (...), WHERE ... */
				break;
			return v;
		}
	}
	sb_release(&name);
	strv_free(v, *n);
	*n = 0;
	return NULL;
}

static int has_unique_key(const struct table_meta *t, char *const *cols, int n)
{
	for (int i = 0; i < t->ncons; i++)
		if ((t->cons[i].kind == 'p' || t->cons[i].kind == 'u') &&
		    same_set(t->cons[i].columns, t->cons[i].ncolumns, cols, n))
			return 1;
	for (int i = 0; i < t->nidx; i++) {
		int nc, ok;
		char **ic = unique_index_columns(t->idx[i].definition, &nc);
		ok = ic && same_set(ic, nc, cols, n);
		strv_free(ic, nc);
		if (ok)
			return 1;
	}
	return 0;
}

/*
 * Checks a foreign key's referenced side against the catalog.  self is a
 * table being created (which may reference itself).  A table in another
 * schema than the target's is outside the snapshot and not checked.
 */
static int check_reference(const struct schema_change *c,
			   const struct catalog *cat,
			   const struct source_meta *tgt,
			   const struct table_meta *self, const struct sc_ref *r)
{
	const struct table_meta *rt;
	if (r->schema && strcmp(r->schema, schema_of(tgt)))
		return 0;
	rt = self && !strcmp(self->name, r->table) ? self
						    : live_table(cat, tgt, r->table);
	if (!rt) {
		if (was_dropped(cat, tgt, r->table))
			return bad(c, "references table '%s', which an earlier schema change drops",
				   r->table);
		bad(c, "references table '%s', which is not in the snapshot", r->table);
		hint("List '%s' under sources.%s.tables so drydock can check the references offline.",
		     r->table, tgt->name);
		return -1;
	}
	for (int i = 0; i < r->ncols; i++)
		if (table_column_index(rt, r->cols[i]) < 0)
			return no_column(c, rt, r->cols[i]);
	if (!has_unique_key(rt, r->cols, r->ncols)) {
		struct strbuf sb = STRBUF_INIT;
		add_ident_list(&sb, r->cols, r->ncols);
		bad(c, "referenced columns %s(%s) are not a primary key or unique constraint",
		    r->table, sb.buf);
		sb_release(&sb);
		detail("PostgreSQL requires a unique constraint on the columns a foreign key references.");
		hint("Add one first with an add_index change that has \"unique\": true.");
		return -1;
	}
	return 0;
}

static const struct constraint_meta *find_constraint(const struct table_meta *t,
						     const char *name)
{
	for (int i = 0; i < t->ncons; i++)
		if (!strcmp(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

/* The target table (other than skip) holding a relation or index of this name. */
static const char *relation_name_taken(const struct catalog *cat,
				       const struct source_meta *tgt,
				       const char *name)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *t = &cat->tables[i];
		if (t->dropped || strcmp(t->source, tgt->name))
			continue;
		if (!strcmp(t->name, name))
			return t->name;
		for (int k = 0; k < t->nidx; k++)
			if (!strcmp(t->idx[k].name, name))
				return t->name;
	}
	return NULL;
}

static void add_fk_constraint(struct table_meta *t, const char *name,
			      char *const *cols, int n, const struct sc_ref *r,
			      const struct source_meta *tgt, char on_delete,
			      int not_valid)
{
	struct constraint_meta *cm = table_add_constraint(t);
	struct strbuf def = STRBUF_INIT;
	int external = r->schema && strcmp(r->schema, schema_of(tgt));
	cm->name = xstrdup(name);
	cm->kind = 'f';
	cm->columns = strv_dup(cols, n);
	cm->ncolumns = n;
	cm->ref_schema = xstrdup(r->schema ? r->schema : schema_of(tgt));
	cm->ref_table = xstrdup(r->table);
	cm->ref_columns = strv_dup(r->cols, r->ncols);
	cm->nref_columns = r->ncols;
	cm->on_update = 'a';
	cm->on_delete = on_delete ? on_delete : 'a';
	add_fk_body(&def, cols, n, external ? r->schema : NULL, r, on_delete,
		    not_valid);
	cm->definition = sb_detach(&def, NULL);
}

/* "CREATE [UNIQUE] INDEX name ON s.t USING m (cols)", as pg_get_indexdef writes it. */
static char *index_definition(const char *name, const char *schema,
			      const char *table, int unique, const char *method,
			      char *const *cols, int n, const char *expr)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "CREATE %sINDEX ", unique ? "UNIQUE " : "");
	sb_add_ident(&sb, name);
	sb_adds(&sb, " ON ");
	add_qname(&sb, schema, table);
	sb_addf(&sb, " USING %s (", method ? method : "btree");
	if (expr) {
		/* a whole function call prints bare, anything else in parentheses */
		char *e = xstrdup(skip_ws(expr)), *fn = expression_colname(e);
		const char *open = strchr(e, '(');
		size_t l = strlen(e);
		int call;
		while (l && isspace((unsigned char)e[l - 1]))
			e[--l] = '\0';
		call = strcmp(fn, "expr") && open &&
		       (size_t)(open - e) + match_paren(open) == l;
		sb_addf(&sb, call ? "%s" : "(%s)", e);
		free(fn);
		free(e);
	} else {
		add_ident_list(&sb, cols, n);
	}
	sb_addch(&sb, ')');
	return sb_detach(&sb, NULL);
}

/* Whether an index definition uses column col (as pg_get_indexdef quotes it). */
static int index_uses_column(const char *def, const char *col)
{
	struct strbuf word = STRBUF_INIT;
	const char *p = strstr(def, " USING ");
	int found = 0;
	sb_add_ident(&word, col);
	for (p = p ? p : def; !found && (p = strstr(p, word.buf)); p += word.len) {
		char before = p == def ? ' ' : p[-1];
		char after = p[word.len];
		found = !(isalnum((unsigned char)before) || before == '_' ||
			  before == '"' || isalnum((unsigned char)after) ||
			  after == '_' || (word.buf[0] != '"' && after == '"'));
	}
	sb_release(&word);
	return found;
}

/* The foreign key of a live target table that references t's column col (any column if NULL). */
static const struct constraint_meta *
referencing_fk(const struct catalog *cat, const struct source_meta *tgt,
	       const struct table_meta *t, const char *col, int skip_self,
	       const struct table_meta **from)
{
	for (int i = 0; i < cat->ntables; i++) {
		const struct table_meta *o = &cat->tables[i];
		if (o->dropped || strcmp(o->source, tgt->name) || (skip_self && o == t))
			continue;
		for (int k = 0; k < o->ncons; k++) {
			const struct constraint_meta *f = &o->cons[k];
			if (f->kind != 'f' || !f->ref_table ||
			    strcmp(f->ref_table, t->name) ||
			    (f->ref_schema && strcmp(f->ref_schema, schema_of(tgt))))
				continue;
			if (col && !strv_has(f->ref_columns, f->nref_columns, col))
				continue;
			*from = o;
			return f;
		}
	}
	return NULL;
}

/* ------------------------------------------------- applying to catalog */

static int apply_add_column(struct catalog *cat, const struct source_meta *tgt,
			    struct table_meta *t, struct schema_change *c)
{
	const char *col = jstr(c->spec, "column"), *def = jstr(c->spec, "default");
	const cJSON *refv = jget(c->spec, "references");
	struct column_meta cm;
	struct sc_ref r = { 0 };
	char *fkname = NULL;
	int serial, ret = -1;

	if (table_column_index(t, col) >= 0) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		bad(c, "table '%s' already has a column '%s'", t->name, col);
		hint_if_not_exists();
		return -1;
	}
	memset(&cm, 0, sizeof(cm));
	cm.name = xstrdup(col);
	column_set_type(cat, tgt, &cm, jstr(c->spec, "type"), &serial);
	cm.not_null = !jbool(c->spec, "nullable", 1);
	cm.default_expr = def ? xstrdup(def) : NULL;
	cm.added = 1;
	if (check_default(c, cat, tgt, &cm, def, &cm.base_value))
		goto cleanup;
	if (refv) {
		ref_parse(refv, &r);
		fkname = object_name(t->name, col, "fkey");
		if (check_reference(c, cat, tgt, NULL, &r))
			goto cleanup;
		if (find_constraint(t, fkname)) {
			bad(c, "table '%s' already has a constraint '%s'", t->name, fkname);
			goto cleanup;
		}
	}
	*table_add_column(t) = cm;
	memset(&cm, 0, sizeof(cm));
	if (refv)
		add_fk_constraint(t, fkname, (char *const *)&col, 1, &r, tgt,
				  on_delete_letter(jstr(c->spec, "on_delete")), 0);
	ret = 0;
cleanup:
	column_meta_free(&cm);
	ref_free(&r);
	free(fkname);
	return ret;
}

static int apply_drop_column(struct catalog *cat, const struct source_meta *tgt,
			     struct table_meta *t, struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	const struct constraint_meta *fk;
	const struct table_meta *from;
	char **gone;
	int i = table_column_index(t, col), k, w, ngone = 0;

	if (i < 0) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		return no_column(c, t, col);
	}
	if (is_pk_column(t, i)) {
		bad(c, "column '%s' is part of the primary key of '%s'", col, t->name);
		detail("drydock identifies every row by its primary key.");
		return -1;
	}
	fk = referencing_fk(cat, tgt, t, col, 0, &from);
	if (fk) {
		bad(c, "column '%s.%s' is referenced by foreign key '%s' of table '%s'",
		    t->name, col, fk->name, from->name);
		hint("Drop the referencing column or table in an earlier schema change.");
		return -1;
	}
	/* constraints and indexes involving the column go with it */
	gone = xcalloc((size_t)t->ncons + 1, sizeof(char *));
	for (k = w = 0; k < t->ncons; k++) {
		if (t->cons[k].kind != 'p' &&
		    strv_has(t->cons[k].columns, t->cons[k].ncolumns, col)) {
			gone[ngone++] = xstrdup(t->cons[k].name);
			constraint_meta_free(&t->cons[k]);
			continue;
		}
		t->cons[w++] = t->cons[k];
	}
	t->ncons = w;
	for (k = w = 0; k < t->nidx; k++) {
		if (strv_has(gone, ngone, t->idx[k].name) ||
		    index_uses_column(t->idx[k].definition, col)) {
			index_meta_free(&t->idx[k]);
			continue;
		}
		t->idx[w++] = t->idx[k];
	}
	t->nidx = w;
	strv_free(gone, ngone);
	column_meta_free(&t->cols[i]);
	memmove(&t->cols[i], &t->cols[i + 1],
		(size_t)(t->ncols - i - 1) * sizeof(*t->cols));
	t->ncols--;
	for (k = 0; k < t->npk; k++)
		if (t->pk[k] > i)
			t->pk[k]--;
	return 0;
}

static void add_unique_constraint(struct table_meta *t, const char *schema,
				  const char *name, char **cols, int n,
				  const char *kind_sql, char kind)
{
	struct constraint_meta *cm = table_add_constraint(t);
	struct strbuf def = STRBUF_INIT;
	cm->name = xstrdup(name);
	cm->kind = kind;
	cm->columns = strv_dup(cols, n);
	cm->ncolumns = n;
	sb_addf(&def, "%s (", kind_sql);
	add_ident_list(&def, cols, n);
	sb_addch(&def, ')');
	cm->definition = sb_detach(&def, NULL);
	table_add_index(t, xstrdup(name),
			index_definition(name, schema, t->name, 1, NULL, cols, n, NULL));
}

static int apply_create_table(struct catalog *cat, const struct source_meta *tgt,
			      struct schema_change *c)
{
	const cJSON *cols = jget(c->spec, "columns"), *it;
	const char *schema = schema_of(tgt);
	struct table_meta t;
	char **pkcols;
	int npk, ret = -1;

	if (live_table(cat, tgt, c->table)) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		bad(c, "table '%s' already exists in the snapshot", c->table);
		hint_if_not_exists();
		return -1;
	}
	if (was_dropped(cat, tgt, c->table))
		return bad(c, "table '%s' is dropped by an earlier schema change; drydock cannot create it again in the same plan",
			   c->table);
	for (int i = 0; i < cat->ntables; i++)
		if ((cat->tables[i].stage_name &&
		     !strcmp(cat->tables[i].stage_name, c->table)) ||
		    (cat->tables[i].pristine_name &&
		     !strcmp(cat->tables[i].pristine_name, c->table)))
			return bad(c, "table name '%s' is taken in the staging file by table '%s' of source '%s'",
				   c->table, cat->tables[i].name,
				   cat->tables[i].source);
	if (relation_name_taken(cat, tgt, c->table))
		return bad(c, "'%s' is already the name of an index of table '%s'",
			   c->table, relation_name_taken(cat, tgt, c->table));

	memset(&t, 0, sizeof(t));
	t.source = xstrdup(tgt->name);
	t.name = xstrdup(c->table);
	t.stage_name = xstrdup(c->table);
	t.created = 1;
	t.cols = xcalloc((size_t)cJSON_GetArraySize(cols), sizeof(*t.cols));
	cJSON_ArrayForEach(it, cols) {
		struct column_meta *cm = &t.cols[t.ncols++];
		const char *def = jstr(it, "default");
		char *value = NULL;
		int serial;
		cm->name = xstrdup(jstr(it, "name"));
		column_set_type(cat, tgt, cm, jstr(it, "type"), &serial);
		cm->not_null = !jbool(it, "nullable", 1);
		if (serial) {
			char *seq = object_name(t.name, cm->name, "seq");
			struct strbuf sb = STRBUF_INIT;
			add_qname(&sb, schema, seq);
			cm->sequence = sb_detach(&sb, NULL);
			sb_adds(&sb, "nextval(");
			sb_add_literal(&sb, seq);
			sb_adds(&sb, "::regclass)");
			cm->default_expr = sb_detach(&sb, NULL);
			cm->not_null = 1;
			free(seq);
		} else if (def) {
			cm->default_expr = xstrdup(def);
			if (check_default(c, cat, tgt, cm, def, &value))
				goto cleanup;
			free(value);
		}
	}
	pkcols = jnames(jget(c->spec, "primary_key"), &npk);
	{
		char *name = object_name(t.name, NULL, "pkey");
		t.pk = xcalloc((size_t)npk, sizeof(int));
		for (int k = 0; k < npk; k++) {
			t.pk[t.npk] = table_column_index(&t, pkcols[k]);
			t.cols[t.pk[t.npk++]].not_null = 1;
		}
		add_unique_constraint(&t, schema, name, pkcols, npk, "PRIMARY KEY", 'p');
		free(name);
		strv_free(pkcols, npk);
	}
	cJSON_ArrayForEach(it, jget(c->spec, "unique")) {
		int n;
		char **u = jnames(it, &n);
		char *j = joined_names(u, n);
		char *name = object_name(t.name, j, "key");
		if (find_constraint(&t, name)) {
			bad(c, "two constraints would be named '%s'", name);
			strv_free(u, n);
			free(j);
			free(name);
			goto cleanup;
		}
		add_unique_constraint(&t, schema, name, u, n, "UNIQUE", 'u');
		strv_free(u, n);
		free(j);
		free(name);
	}
	cJSON_ArrayForEach(it, jget(c->spec, "foreign_keys")) {
		struct sc_ref r;
		int n, bad_ref;
		char **fc = jnames(jget(it, "columns"), &n);
		char *j = joined_names(fc, n);
		char *name = object_name(t.name, j, "fkey");
		ref_parse(jget(it, "references"), &r);
		bad_ref = check_reference(c, cat, tgt, &t, &r);
		if (!bad_ref && find_constraint(&t, name))
			bad_ref = bad(c, "two constraints would be named '%s'", name);
		if (!bad_ref)
			add_fk_constraint(&t, name, fc, n, &r, tgt,
					  on_delete_letter(jstr(it, "on_delete")), 0);
		ref_free(&r);
		strv_free(fc, n);
		free(j);
		free(name);
		if (bad_ref)
			goto cleanup;
	}
	*catalog_add_table(cat) = t;
	memset(&t, 0, sizeof(t));
	ret = 0;
cleanup:
	table_meta_free(&t);
	return ret;
}

static int apply_not_null(const struct source_meta *tgt, struct table_meta *t,
			  struct schema_change *c, int set)
{
	const char *col = jstr(c->spec, "column");
	int i = table_column_index(t, col);
	(void)tgt;
	if (i < 0)
		return no_column(c, t, col);
	if (!set && is_pk_column(t, i))
		return bad(c, "column '%s' is part of the primary key of '%s', which is always NOT NULL",
			   col, t->name);
	if (!set && t->cols[i].identity)
		return bad(c, "column '%s.%s' is an identity column, which is always NOT NULL",
			   t->name, col);
	if (t->cols[i].not_null == set) {
		if (c->if_not_exists) {
			c->skipped = 1;
			return 0;
		}
		bad(c, "column '%s.%s' is already %s", t->name, col,
		    set ? "NOT NULL" : "nullable");
		detail("Its inverse would then change what the snapshot had.");
		hint_if_not_exists();
		return -1;
	}
	t->cols[i].not_null = set;
	return 0;
}

static char *default_index_name(const struct schema_change *c)
{
	const char *name = jstr(c->spec, "name"), *expr = jstr(c->spec, "expression");
	char *j, *r;
	int n;
	char **cols;
	if (name)
		return xstrdup(name);
	if (expr) {
		j = expression_colname(expr);
	} else {
		cols = jnames(jget(c->spec, "columns"), &n);
		j = joined_names(cols, n);
		strv_free(cols, n);
	}
	r = object_name(c->table, j, "idx"); /* CREATE [UNIQUE] INDEX: _idx */
	free(j);
	return r;
}

static int apply_add_index(struct catalog *cat, const struct source_meta *tgt,
			   struct table_meta *t, struct schema_change *c)
{
	char *name = default_index_name(c);
	const char *expr = jstr(c->spec, "expression"), *taken;
	int unique = jbool(c->spec, "unique", 0), n = 0, ret = -1;
	char **cols = NULL;

	taken = relation_name_taken(cat, tgt, name);
	if (taken && !strcmp(taken, name)) {
		bad(c, "index name '%s' is the name of a table", name);
		goto cleanup;
	}
	if (taken) {
		if (c->if_not_exists) {
			c->skipped = 1;
			ret = 0;
			goto cleanup;
		}
		bad(c, "an index named '%s' already exists (on table '%s')", name, taken);
		hint_if_not_exists();
		goto cleanup;
	}
	if (!expr) {
		cols = jnames(jget(c->spec, "columns"), &n);
		for (int i = 0; i < n; i++)
			if (table_column_index(t, cols[i]) < 0) {
				no_column(c, t, cols[i]);
				goto cleanup;
			}
	}
	if (unique && !expr) {
		/* a unique constraint for the checks to enforce */
		struct constraint_meta *cm;
		struct strbuf def = STRBUF_INIT;
		if (find_constraint(t, name)) {
			bad(c, "table '%s' already has a constraint '%s'", t->name, name);
			goto cleanup;
		}
		cm = table_add_constraint(t);
		cm->name = xstrdup(name);
		cm->kind = 'u';
		cm->columns = strv_dup(cols, n);
		cm->ncolumns = n;
		sb_adds(&def, "UNIQUE (");
		add_ident_list(&def, cols, n);
		sb_addch(&def, ')');
		cm->definition = sb_detach(&def, NULL);
	}
	table_add_index(t, xstrdup(name),
			index_definition(name, schema_of(tgt), t->name, unique,
					 jstr(c->spec, "method"), cols, n, expr));
	ret = 0;
cleanup:
	strv_free(cols, n);
	free(name);
	return ret;
}

static char *default_fk_name(const struct schema_change *c)
{
	const char *name = jstr(c->spec, "name");
	char **cols, *j, *r;
	int n;
	if (name)
		return xstrdup(name);
	cols = jnames(jget(c->spec, "columns"), &n);
	j = joined_names(cols, n);
	r = object_name(c->table, j, "fkey");
	strv_free(cols, n);
	free(j);
	return r;
}

static int apply_add_foreign_key(struct catalog *cat, const struct source_meta *tgt,
				 struct table_meta *t, struct schema_change *c)
{
	char *name = default_fk_name(c);
	struct sc_ref r = { 0 };
	char **cols;
	int n, ret = -1;

	cols = jnames(jget(c->spec, "columns"), &n);
	if (find_constraint(t, name)) {
		if (c->if_not_exists) {
			c->skipped = 1;
			ret = 0;
			goto cleanup;
		}
		bad(c, "table '%s' already has a constraint '%s'", t->name, name);
		hint_if_not_exists();
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		if (table_column_index(t, cols[i]) < 0) {
			no_column(c, t, cols[i]);
			goto cleanup;
		}
	ref_parse(jget(c->spec, "references"), &r);
	if (check_reference(c, cat, tgt, NULL, &r))
		goto cleanup;
	add_fk_constraint(t, name, cols, n, &r, tgt,
			  on_delete_letter(jstr(c->spec, "on_delete")),
			  jbool(c->spec, "not_valid", 0));
	ret = 0;
cleanup:
	ref_free(&r);
	strv_free(cols, n);
	free(name);
	return ret;
}

int schema_change_apply_catalog(struct catalog *cat, struct schema_change *c)
{
	const struct source_meta *tgt;
	struct table_meta *t = NULL;

	c->skipped = 0;
	if (c->op == SC_TARGET_SQL)
		return 0;
	if (!(tgt = need_target(cat, c)))
		return -1;
	if (c->op == SC_CREATE_TABLE)
		return apply_create_table(cat, tgt, c);
	t = live_table(cat, tgt, c->table);
	if (!t) {
		if (c->op == SC_DROP_TABLE && c->if_not_exists &&
		    !was_dropped(cat, tgt, c->table)) {
			c->skipped = 1;
			return 0;
		}
		return no_table(cat, tgt, c, c->table);
	}
	switch (c->op) {
	case SC_ADD_COLUMN:
		return apply_add_column(cat, tgt, t, c);
	case SC_DROP_COLUMN:
		return apply_drop_column(cat, tgt, t, c);
	case SC_DROP_TABLE: {
		const struct table_meta *from;
		const struct constraint_meta *fk = referencing_fk(cat, tgt, t, NULL, 1, &from);
		if (fk) {
			bad(c, "table '%s' is referenced by foreign key '%s' of table '%s'",
			    t->name, fk->name, from->name);
			hint("Drop table '%s' (or its referencing column) in an earlier schema change.",
			     from->name);
			return -1;
		}
		t->dropped = 1;
		return 0;
	}
	case SC_SET_NOT_NULL:
		return apply_not_null(tgt, t, c, 1);
	case SC_DROP_NOT_NULL:
		return apply_not_null(tgt, t, c, 0);
	case SC_ADD_INDEX:
		return apply_add_index(cat, tgt, t, c);
	case SC_ADD_FOREIGN_KEY:
		return apply_add_foreign_key(cat, tgt, t, c);
	default:
		return 0;
	}
}

/* ------------------------------------------------- applying to staging */

static int stage_run(sqlite3 *db, const struct schema_change *c,
		     const char *sql, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bad(c, "%s in the staging file: %s", what,
		    msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * A value in PostgreSQL text form as an SQLite literal in the storage its
 * type calls for (pgtype.h): integers and booleans as INTEGER, bytea as a
 * blob, everything else as text.  Returns -1 when v does not fit.
 */
static int add_sqlite_literal(struct strbuf *sb, const struct pgtype *t,
			      const char *v)
{
	if (!t->is_array) {
		switch (t->kind) {
		case PGK_INT2:
		case PGK_INT4:
		case PGK_INT8: {
			char *end;
			errno = 0;
			(void)strtoll(v, &end, 10);
			if (errno || end == v || *end)
				return -1;
			sb_adds(sb, v);
			return 0;
		}
		case PGK_BOOL:
			if (strcmp(v, "t") && strcmp(v, "f"))
				return -1;
			sb_adds(sb, v[0] == 't' ? "1" : "0");
			return 0;
		case PGK_BYTEA:
			if (strncmp(v, "\\x", 2) || strlen(v) % 2)
				return -1;
			for (const char *p = v + 2; *p; p++)
				if (!isxdigit((unsigned char)*p))
					return -1;
			sb_addf(sb, "X'%s'", v + 2);
			return 0;
		default:
			break;
		}
	}
	sb_add_literal(sb, v);
	return 0;
}

static int stage_add_column(sqlite3 *db, const struct table_meta *t,
			    const struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	int i = table_column_index(t, col);
	const struct column_meta *cm;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *raw = NULL, *expr = NULL;
	const char *decl;
	int ret = -1;

	if (i < 0)
		return bad(c, "the catalog has no column '%s.%s' (apply the change to the catalog first)",
			   t->name, col);
	cm = &t->cols[i];
	decl = pgtype_sqlite_decl(&cm->type);
	sb_adds(&sql, "ALTER TABLE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " ADD COLUMN ");
	sb_add_qident(&sql, cm->name);
	if (*decl)
		sb_addf(&sql, " %s", decl);
	if (cm->base_value) {
		sb_adds(&sql, " DEFAULT ");
		if (add_sqlite_literal(&sql, &cm->type, cm->base_value)) {
			bad(c, "default '%s' does not fit column '%s' (%s)",
			    cm->base_value, cm->name, cm->pg_type);
			goto cleanup;
		}
	}
	if (stage_run(db, c, sql.buf, "cannot add the column"))
		goto cleanup;
	if (!cm->default_expr || schema_default_constant(cm->default_expr, &raw))
		goto done;

	/* a non-constant default: PostgreSQL would compute it per row */
	expr = strip_casts(cm->default_expr);
	sb_reset(&sql);
	sb_adds(&sql, "UPDATE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " SET ");
	sb_add_qident(&sql, cm->name);
	sb_addf(&sql, " = %s", expr);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		bad(c, "cannot fill column '%s.%s' with its default '%s' in the staging file",
		    t->name, cm->name, cm->default_expr);
		detail("SQLite says: %s.", sqlite3_errmsg(db));
		hint("Give the column a constant default, or leave the default out of this change and fill the column in a step.");
		goto cleanup;
	}
done:
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	free(raw);
	free(expr);
	return ret;
}

static int stage_drop_column(sqlite3 *db, const struct table_meta *t,
			     const struct schema_change *c)
{
	const char *col = jstr(c->spec, "column");
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int pk = 0, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT pk FROM pragma_table_info(?1) WHERE name = ?2",
			       -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the staging table");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, t->stage_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		pk = sqlite3_column_int(st, 0);
	if (pk) {
		bad(c, "column '%s' is part of the primary key of '%s'", col, t->name);
		detail("drydock identifies every row by its primary key.");
		goto cleanup;
	}
	sb_adds(&sql, "ALTER TABLE ");
	sb_add_qident(&sql, t->stage_name);
	sb_adds(&sql, " DROP COLUMN ");
	sb_add_qident(&sql, col);
	ret = stage_run(db, c, sql.buf, "cannot drop the column");
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

int schema_change_apply_stage(sqlite3 *db, const struct catalog *cat,
			      const struct schema_change *c)
{
	const struct source_meta *tgt;
	const struct table_meta *t = NULL;

	if (c->skipped || c->op == SC_TARGET_SQL)
		return 0;
	if (!(tgt = need_target(cat, c)))
		return -1;
	if (c->op == SC_DROP_TABLE) {
		/* the latest dropped table of that name */
		for (int i = 0; i < cat->ntables; i++)
			if (cat->tables[i].dropped &&
			    !strcmp(cat->tables[i].source, tgt->name) &&
			    !strcmp(cat->tables[i].name, c->table))
				t = &cat->tables[i];
	} else {
		t = live_table(cat, tgt, c->table);
	}
	if (!t)
		return bad(c, "the catalog has no table '%s' (apply the change to the catalog first)",
			   c->table);

	switch (c->op) {
	case SC_ADD_COLUMN:
		return stage_add_column(db, t, c);
	case SC_DROP_COLUMN:
		return stage_drop_column(db, t, c);
	case SC_CREATE_TABLE:
		if (stage_create_table(db, t, t->stage_name))
			return bad(c, "cannot create table '%s' in the staging file",
				   t->name);
		return 0;
	case SC_DROP_TABLE: {
		struct strbuf sql = STRBUF_INIT;
		int ret;
		sb_adds(&sql, "DROP TABLE ");
		sb_add_qident(&sql, t->stage_name);
		ret = stage_run(db, c, sql.buf, "cannot drop the table");
		sb_release(&sql);
		return ret;
	}
	default:
		/* NOT NULL, indexes and foreign keys: the checks enforce them */
		return 0;
	}
}

/* ------------------------------------------------------------ rendering */

struct parts {
	struct strbuf *ddl, *post;    /* push: before and after the data */
	struct strbuf *inv, *inv_post; /* rollback: before and after the data */
	const char *schema;
};

static void alter_table(struct strbuf *sb, const char *schema, const char *table)
{
	sb_adds(sb, "ALTER TABLE ");
	add_qname(sb, schema, table);
	sb_addch(sb, ' ');
}

static void alter_column(struct strbuf *sb, const char *schema,
			 const char *table, const char *col, const char *what)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "ALTER COLUMN ");
	sb_add_ident(sb, col);
	sb_addf(sb, " %s;\n", what);
}

/* The literal 'schema.table' (quoted as needed inside) for regclass and friends. */
static void add_qname_literal(struct strbuf *sb, const char *schema,
			      const char *table)
{
	struct strbuf q = STRBUF_INIT;
	add_qname(&q, schema, table);
	sb_add_literal(sb, q.buf);
	sb_release(&q);
}

static void add_fk_statement(struct strbuf *sb, const char *schema,
			     const char *table, const char *name,
			     char *const *cols, int n, const struct sc_ref *r,
			     char on_delete, int not_valid, int guarded)
{
	struct strbuf st = STRBUF_INIT, cond = STRBUF_INIT;
	alter_table(&st, schema, table);
	sb_adds(&st, "ADD CONSTRAINT ");
	sb_add_ident(&st, name);
	sb_addch(&st, ' ');
	add_fk_body(&st, cols, n, r->schema ? r->schema : schema, r, on_delete,
		    not_valid);
	sb_adds(&st, ";\n");
	if (!guarded) {
		sb_add(sb, st.buf, st.len);
	} else {
		sb_adds(&cond, "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = ");
		sb_add_literal(&cond, name);
		sb_adds(&cond, " AND conrelid = ");
		add_qname_literal(&cond, schema, table);
		sb_adds(&cond, "::regclass)");
		add_guarded(sb, cond.buf, st.buf);
	}
	sb_release(&st);
	sb_release(&cond);
}

static void drop_constraint(struct strbuf *sb, const char *schema,
			    const char *table, const char *name)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "DROP CONSTRAINT ");
	sb_add_ident(sb, name);
	sb_adds(sb, ";\n");
}

static int render_add_column(const struct schema_change *c, struct parts *p)
{
	const char *col = jstr(c->spec, "column"), *type = jstr(c->spec, "type");
	const char *def = jstr(c->spec, "default");
	int nullable = jbool(c->spec, "nullable", 1);
	char *value = NULL, *fkname = NULL;
	int constant = def && schema_default_constant(def, &value);
	int filled = constant && value; /* existing rows get a value */
	int late_not_null = !nullable && !filled;

	alter_table(p->ddl, p->schema, c->table);
	sb_addf(p->ddl, "ADD COLUMN %s", c->if_not_exists ? "IF NOT EXISTS " : "");
	sb_add_ident(p->ddl, col);
	sb_addf(p->ddl, " %s", type);
	if (constant)
		sb_addf(p->ddl, " DEFAULT %s", def);
	if (!nullable && filled)
		sb_adds(p->ddl, " NOT NULL");
	sb_adds(p->ddl, ";\n");
	if (def && !constant) {
		/* rows get their values from push's data operations */
		char *what = xasprintf("SET DEFAULT %s", def);
		alter_column(p->ddl, p->schema, c->table, col, what);
		free(what);
	}
	if (late_not_null)
		alter_column(p->post, p->schema, c->table, col, "SET NOT NULL");
	if (jget(c->spec, "references")) {
		struct sc_ref r;
		ref_parse(jget(c->spec, "references"), &r);
		fkname = object_name(c->table, col, "fkey");
		add_fk_statement(p->post, p->schema, c->table, fkname,
				 (char *const *)&col, 1, &r,
				 on_delete_letter(jstr(c->spec, "on_delete")), 0,
				 c->if_not_exists);
		drop_constraint(p->inv, p->schema, c->table, fkname);
		ref_free(&r);
	}
	if (late_not_null)
		alter_column(p->inv, p->schema, c->table, col, "DROP NOT NULL");
	alter_table(p->inv_post, p->schema, c->table);
	sb_adds(p->inv_post, "DROP COLUMN ");
	sb_add_ident(p->inv_post, col);
	sb_adds(p->inv_post, ";\n");
	free(value);
	free(fkname);
	return 0;
}

/* ---- re-creating what a drop removed */

static int owns_sequence(const struct column_meta *cm)
{
	return cm->sequence && !cm->identity;
}

static void create_sequence(struct strbuf *sb, const struct column_meta *cm)
{
	sb_addf(sb, "CREATE SEQUENCE %s", cm->sequence);
	/* serial makes "AS integer"/"AS smallint"; bigint is the default */
	if (cm->type.kind == PGK_INT4)
		sb_adds(sb, " AS integer");
	else if (cm->type.kind == PGK_INT2)
		sb_adds(sb, " AS smallint");
	sb_adds(sb, ";\n");
}

static void sequence_owned_by(struct strbuf *sb, const char *schema,
			      const char *table, const struct column_meta *cm)
{
	sb_addf(sb, "ALTER SEQUENCE %s OWNED BY ", cm->sequence);
	add_qname(sb, schema, table);
	sb_addch(sb, '.');
	sb_add_ident(sb, cm->name);
	sb_adds(sb, ";\n");
}

/* Sets the column's sequence past the highest value the restored rows hold. */
static void advance_sequence(struct strbuf *sb, const char *schema,
			     const char *table, const struct column_meta *cm)
{
	sb_adds(sb, "SELECT setval(");
	if (owns_sequence(cm)) {
		sb_add_literal(sb, cm->sequence);
	} else {
		sb_adds(sb, "pg_get_serial_sequence(");
		add_qname_literal(sb, schema, table);
		sb_adds(sb, ", ");
		sb_add_literal(sb, cm->name);
		sb_addch(sb, ')');
	}
	sb_adds(sb, ", coalesce(max(");
	sb_add_ident(sb, cm->name);
	sb_adds(sb, "), 0) + 1, false) FROM ");
	add_qname(sb, schema, table);
	sb_adds(sb, ";\n");
}

static void add_identity(struct strbuf *sb, const char *schema,
			 const char *table, const struct column_meta *cm)
{
	alter_table(sb, schema, table);
	sb_adds(sb, "ALTER COLUMN ");
	sb_add_ident(sb, cm->name);
	sb_addf(sb, " ADD GENERATED %s AS IDENTITY",
		cm->identity[0] == 'a' ? "ALWAYS" : "BY DEFAULT");
	if (cm->sequence)
		sb_addf(sb, " (SEQUENCE NAME %s)", cm->sequence);
	sb_adds(sb, ";\n");
}

static int backs_constraint(const struct table_meta *t, const char *index)
{
	const struct constraint_meta *k = find_constraint(t, index);
	return k && strchr("pux", k->kind);
}

/* ALTER TABLE ... ADD CONSTRAINT from the snapshot's definition. */
static int restore_constraint(struct strbuf *sb, const struct schema_change *c,
			      const char *schema, const struct table_meta *t,
			      const struct constraint_meta *k)
{
	alter_table(sb, schema, t->name);
	sb_adds(sb, "ADD CONSTRAINT ");
	sb_add_ident(sb, k->name);
	sb_addch(sb, ' ');
	if (k->definition && *k->definition) {
		sb_adds(sb, k->definition);
	} else if (k->kind == 'p' || k->kind == 'u') {
		sb_adds(sb, k->kind == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
		add_ident_list(sb, k->columns, k->ncolumns);
		sb_addch(sb, ')');
	} else if (k->kind == 'f' && k->ref_table) {
		struct sc_ref r = { k->ref_schema, k->ref_table, k->ref_columns,
				    k->nref_columns };
		add_fk_body(sb, k->columns, k->ncolumns,
			    k->ref_schema ? k->ref_schema : schema, &r,
			    k->on_delete, 0);
		if (k->on_update && k->on_update != 'a')
			sb_addf(sb, " ON UPDATE %s", on_delete_sql(k->on_update));
	} else {
		bad(c, "cannot write the inverse: the snapshot holds no definition of constraint '%s' of table '%s'",
		    k->name, t->name);
		hint("Snapshot from PostgreSQL, or give the constraint a \"definition\" in the fixture.");
		return -1;
	}
	sb_adds(sb, ";\n");
	return 0;
}

/*
 * Re-creates t's constraints (other than the primary key) and indexes
 * (other than those behind constraints), those involving col only when
 * col is given.
 */
static int restore_constraints_and_indexes(struct strbuf *sb,
					   const struct schema_change *c,
					   const char *schema,
					   const struct table_meta *t,
					   const char *col)
{
	static const char kinds[] = "uxcf";
	for (const char *kind = kinds; *kind; kind++)
		for (int i = 0; i < t->ncons; i++) {
			const struct constraint_meta *k = &t->cons[i];
			if (k->kind != *kind ||
			    (col && !strv_has(k->columns, k->ncolumns, col)))
				continue;
			if (restore_constraint(sb, c, schema, t, k))
				return -1;
		}
	for (int i = 0; i < t->nidx; i++) {
		const struct index_meta *x = &t->idx[i];
		if (backs_constraint(t, x->name) ||
		    (col && !index_uses_column(x->definition, col)))
			continue;
		add_statement_text(sb, x->definition);
	}
	return 0;
}

static const struct table_meta *render_table(const struct schema_change *c,
					     const struct catalog *before,
					     int *missing)
{
	const struct source_meta *tgt = need_target(before, c);
	const struct table_meta *t;
	*missing = 0;
	if (!tgt)
		return NULL;
	t = live_table(before, tgt, c->table);
	if (!t) {
		if (c->if_not_exists && !was_dropped(before, tgt, c->table))
			*missing = 1;
		else
			no_table(before, tgt, c, c->table);
	}
	return t;
}

static int render_drop_column(const struct schema_change *c,
			      const struct catalog *before, struct parts *p)
{
	const char *col = jstr(c->spec, "column");
	const struct column_meta *cm;
	const struct table_meta *t;
	char *value = NULL;
	int missing, i;

	t = render_table(c, before, &missing);
	if (!t && !missing)
		return -1;
	i = t ? table_column_index(t, col) : -1;
	if (i < 0 && !(c->if_not_exists))
		return no_column(c, t, col);
	if (i >= 0 && t->cols[i].not_null) {
		/* rows inserted by push leave the column out */
		struct strbuf st = STRBUF_INIT, cond = STRBUF_INIT;
		alter_column(&st, p->schema, c->table, col, "DROP NOT NULL");
		if (c->if_not_exists) {
			sb_adds(&cond, "EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ");
			add_qname_literal(&cond, p->schema, c->table);
			sb_adds(&cond, "::regclass AND attname = ");
			sb_add_literal(&cond, col);
			sb_adds(&cond, " AND NOT attisdropped)");
			add_guarded(p->ddl, cond.buf, st.buf);
		} else {
			sb_add(p->ddl, st.buf, st.len);
		}
		sb_release(&st);
		sb_release(&cond);
	}
	alter_table(p->post, p->schema, c->table);
	sb_addf(p->post, "DROP COLUMN %s", c->if_not_exists ? "IF EXISTS " : "");
	sb_add_ident(p->post, col);
	sb_adds(p->post, ";\n");
	if (i < 0)
		return 0; /* nothing in the snapshot to restore */

	/* rollback: the column comes back empty, the data restores it */
	cm = &t->cols[i];
	if (owns_sequence(cm))
		create_sequence(p->inv, cm);
	alter_table(p->inv, p->schema, c->table);
	sb_adds(p->inv, "ADD COLUMN ");
	sb_add_ident(p->inv, col);
	sb_addf(p->inv, " %s", cm->pg_type);
	if (cm->default_expr && schema_default_constant(cm->default_expr, &value))
		sb_addf(p->inv, " DEFAULT %s", cm->default_expr);
	sb_adds(p->inv, ";\n");
	if (cm->default_expr && !schema_default_constant(cm->default_expr, &value)) {
		char *what = xasprintf("SET DEFAULT %s", cm->default_expr);
		alter_column(p->inv, p->schema, c->table, col, what);
		free(what);
	}
	free(value);
	if (owns_sequence(cm))
		sequence_owned_by(p->inv, p->schema, c->table, cm);
	if (cm->not_null)
		alter_column(p->inv_post, p->schema, c->table, col, "SET NOT NULL");
	if (cm->identity)
		add_identity(p->inv_post, p->schema, c->table, cm);
	if (cm->identity || owns_sequence(cm))
		advance_sequence(p->inv_post, p->schema, c->table, cm);
	return restore_constraints_and_indexes(p->inv_post, c, p->schema, t, col);
}

static int render_drop_table(const struct schema_change *c,
			     const struct catalog *before, struct parts *p)
{
	const struct table_meta *t;
	const struct constraint_meta *pk = NULL;
	int missing;

	t = render_table(c, before, &missing);
	if (!t && !missing)
		return -1;
	sb_addf(p->post, "DROP TABLE %s", c->if_not_exists ? "IF EXISTS " : "");
	add_qname(p->post, p->schema, c->table);
	sb_adds(p->post, ";\n");
	if (!t)
		return 0;

	/* rollback: the table with its key, then rows, then the rest */
	for (int i = 0; i < t->ncols; i++)
		if (owns_sequence(&t->cols[i]))
			create_sequence(p->inv, &t->cols[i]);
	sb_adds(p->inv, "CREATE TABLE ");
	add_qname(p->inv, p->schema, t->name);
	sb_adds(p->inv, " (\n");
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *cm = &t->cols[i];
		sb_adds(p->inv, "    ");
		sb_add_ident(p->inv, cm->name);
		sb_addf(p->inv, " %s", cm->pg_type);
		if (cm->default_expr && !cm->identity)
			sb_addf(p->inv, " DEFAULT %s", cm->default_expr);
		if (cm->not_null)
			sb_adds(p->inv, " NOT NULL");
		sb_adds(p->inv, ",\n");
	}
	for (int i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == 'p')
			pk = &t->cons[i];
	if (pk) {
		sb_adds(p->inv, "    CONSTRAINT ");
		sb_add_ident(p->inv, pk->name);
		sb_addch(p->inv, ' ');
		if (pk->definition && *pk->definition) {
			sb_adds(p->inv, pk->definition);
		} else {
			sb_adds(p->inv, "PRIMARY KEY (");
			add_ident_list(p->inv, pk->columns, pk->ncolumns);
			sb_addch(p->inv, ')');
		}
		sb_adds(p->inv, "\n);\n");
	} else {
		sb_setlen(p->inv, p->inv->len - 2); /* the last ",\n" */
		sb_adds(p->inv, "\n);\n");
	}
	for (int i = 0; i < t->ncols; i++)
		if (owns_sequence(&t->cols[i]))
			sequence_owned_by(p->inv, p->schema, t->name, &t->cols[i]);
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *cm = &t->cols[i];
		if (cm->identity)
			add_identity(p->inv_post, p->schema, t->name, cm);
		if (cm->identity || owns_sequence(cm))
			advance_sequence(p->inv_post, p->schema, t->name, cm);
	}
	return restore_constraints_and_indexes(p->inv_post, c, p->schema, t, NULL);
}

static void render_create_table(const struct schema_change *c, struct parts *p)
{
	const cJSON *it;
	char **pk;
	int npk;
	char *name;

	sb_addf(p->ddl, "CREATE TABLE %s", c->if_not_exists ? "IF NOT EXISTS " : "");
	add_qname(p->ddl, p->schema, c->table);
	sb_adds(p->ddl, " (\n");
	cJSON_ArrayForEach(it, jget(c->spec, "columns")) {
		const char *def = jstr(it, "default");
		sb_adds(p->ddl, "    ");
		sb_add_ident(p->ddl, jstr(it, "name"));
		sb_addf(p->ddl, " %s", jstr(it, "type"));
		if (def)
			sb_addf(p->ddl, " DEFAULT %s", def);
		if (!jbool(it, "nullable", 1))
			sb_adds(p->ddl, " NOT NULL");
		sb_adds(p->ddl, ",\n");
	}
	pk = jnames(jget(c->spec, "primary_key"), &npk);
	name = object_name(c->table, NULL, "pkey");
	sb_adds(p->ddl, "    CONSTRAINT ");
	sb_add_ident(p->ddl, name);
	sb_adds(p->ddl, " PRIMARY KEY (");
	add_ident_list(p->ddl, pk, npk);
	sb_addch(p->ddl, ')');
	free(name);
	strv_free(pk, npk);
	cJSON_ArrayForEach(it, jget(c->spec, "unique")) {
		int n;
		char **u = jnames(it, &n), *j = joined_names(u, n);
		name = object_name(c->table, j, "key");
		sb_adds(p->ddl, ",\n    CONSTRAINT ");
		sb_add_ident(p->ddl, name);
		sb_adds(p->ddl, " UNIQUE (");
		add_ident_list(p->ddl, u, n);
		sb_addch(p->ddl, ')');
		free(name);
		free(j);
		strv_free(u, n);
	}
	sb_adds(p->ddl, "\n);\n");

	/* foreign keys after the data: rows may arrive in any order */
	cJSON_ArrayForEach(it, jget(c->spec, "foreign_keys")) {
		struct sc_ref r;
		int n;
		char **fc = jnames(jget(it, "columns"), &n), *j = joined_names(fc, n);
		name = object_name(c->table, j, "fkey");
		ref_parse(jget(it, "references"), &r);
		add_fk_statement(p->post, p->schema, c->table, name, fc, n, &r,
				 on_delete_letter(jstr(it, "on_delete")), 0,
				 c->if_not_exists);
		ref_free(&r);
		free(name);
		free(j);
		strv_free(fc, n);
	}
	/* serial columns: push inserts explicit values; move the sequence past them */
	cJSON_ArrayForEach(it, jget(c->spec, "columns")) {
		struct column_meta cm;
		int serial;
		char *type = canonical_type(jstr(it, "type"), &serial);
		free(type);
		if (!serial)
			continue;
		memset(&cm, 0, sizeof(cm));
		cm.name = (char *)jstr(it, "name");
		cm.identity = (char *)"d"; /* through pg_get_serial_sequence */
		advance_sequence(p->post, p->schema, c->table, &cm);
	}
	sb_addf(p->inv_post, "DROP TABLE ");
	add_qname(p->inv_post, p->schema, c->table);
	sb_adds(p->inv_post, ";\n");
}

static void render_add_index(const struct schema_change *c, struct parts *p)
{
	char *name = default_index_name(c);
	const char *expr = jstr(c->spec, "expression"), *method = jstr(c->spec, "method");

	sb_addf(p->post, "CREATE %sINDEX %s", jbool(c->spec, "unique", 0) ? "UNIQUE " : "",
		c->if_not_exists ? "IF NOT EXISTS " : "");
	sb_add_ident(p->post, name);
	sb_adds(p->post, " ON ");
	add_qname(p->post, p->schema, c->table);
	if (method)
		sb_addf(p->post, " USING %s", method);
	if (expr) {
		sb_addf(p->post, " ((%s));\n", expr);
	} else {
		int n;
		char **cols = jnames(jget(c->spec, "columns"), &n);
		sb_adds(p->post, " (");
		add_ident_list(p->post, cols, n);
		sb_adds(p->post, ");\n");
		strv_free(cols, n);
	}
	sb_adds(p->inv, "DROP INDEX ");
	add_qname(p->inv, p->schema, name);
	sb_adds(p->inv, ";\n");
	free(name);
}

static void render_add_foreign_key(const struct schema_change *c, struct parts *p)
{
	char *name = default_fk_name(c);
	struct sc_ref r;
	int n;
	char **cols = jnames(jget(c->spec, "columns"), &n);

	ref_parse(jget(c->spec, "references"), &r);
	add_fk_statement(p->post, p->schema, c->table, name, cols, n, &r,
			 on_delete_letter(jstr(c->spec, "on_delete")),
			 jbool(c->spec, "not_valid", 0), c->if_not_exists);
	drop_constraint(p->inv, p->schema, c->table, name);
	ref_free(&r);
	strv_free(cols, n);
	free(name);
}

int schema_change_render(const struct schema_change *c,
			 const struct catalog *before, const char *pg_schema,
			 struct strbuf *ddl, struct strbuf *ddl_post,
			 struct strbuf *inverse, struct strbuf *inverse_post)
{
	struct parts p = { ddl, ddl_post, inverse, inverse_post, pg_schema };

	switch (c->op) {
	case SC_ADD_COLUMN:
		return render_add_column(c, &p);
	case SC_DROP_COLUMN:
		return render_drop_column(c, before, &p);
	case SC_CREATE_TABLE:
		render_create_table(c, &p);
		return 0;
	case SC_DROP_TABLE:
		return render_drop_table(c, before, &p);
	case SC_SET_NOT_NULL:
		alter_column(ddl_post, pg_schema, c->table, jstr(c->spec, "column"),
			     "SET NOT NULL");
		alter_column(inverse, pg_schema, c->table, jstr(c->spec, "column"),
			     "DROP NOT NULL");
		return 0;
	case SC_DROP_NOT_NULL:
		alter_column(ddl, pg_schema, c->table, jstr(c->spec, "column"),
			     "DROP NOT NULL");
		alter_column(inverse_post, pg_schema, c->table,
			     jstr(c->spec, "column"), "SET NOT NULL");
		return 0;
	case SC_ADD_INDEX:
		render_add_index(c, &p);
		return 0;
	case SC_ADD_FOREIGN_KEY:
		render_add_foreign_key(c, &p);
		return 0;
	case SC_TARGET_SQL:
		/*
		 * Rollback mirrors push: an "after" change ran once the data
		 * was in, so its rollback runs before the inverse data (a
		 * constraint or trigger it added must be gone before the
		 * rollback restores rows that violate it or would fire it);
		 * a "before" change is undone after the inverse data.
		 */
		add_statement_text(ddl, jstr(c->spec, "sql"));
		add_statement_text(c->phase == SC_AFTER ? inverse : inverse_post,
				   jstr(c->spec, "rollback_sql"));
		return 0;
	}
	return 0;
}

/* ---------------------------------------------------------------- probe */

/* "(SELECT attnotnull FROM pg_attribute WHERE <the column>)" */
static void column_lookup(struct strbuf *sb, const char *what,
			  const char *schema, const char *table, const char *col)
{
	sb_addf(sb, "SELECT %s FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(",
		what);
	add_qname_literal(sb, schema, table);
	sb_adds(sb, ") AND attname = ");
	sb_add_literal(sb, col);
	sb_adds(sb, " AND NOT attisdropped");
}

char *schema_change_probe_sql(const struct schema_change *c,
			      const char *pg_schema)
{
	struct strbuf sb = STRBUF_INIT;
	const char *col = c->spec ? jstr(c->spec, "column") : NULL;
	char *name;

	switch (c->op) {
	case SC_ADD_COLUMN:
	case SC_DROP_COLUMN:
		sb_addf(&sb, "SELECT %sEXISTS (", c->op == SC_DROP_COLUMN ? "NOT " : "");
		column_lookup(&sb, "1", pg_schema, c->table, col);
		sb_adds(&sb, ")");
		break;
	case SC_CREATE_TABLE:
	case SC_DROP_TABLE:
		sb_adds(&sb, "SELECT to_regclass(");
		add_qname_literal(&sb, pg_schema, c->table);
		sb_addf(&sb, ") IS %sNULL", c->op == SC_CREATE_TABLE ? "NOT " : "");
		break;
	case SC_SET_NOT_NULL:
	case SC_DROP_NOT_NULL:
		sb_adds(&sb, "SELECT coalesce((");
		column_lookup(&sb, c->op == SC_SET_NOT_NULL ? "attnotnull" : "NOT attnotnull",
			      pg_schema, c->table, col);
		sb_adds(&sb, "), false)");
		break;
	case SC_ADD_INDEX:
		name = default_index_name(c);
		sb_adds(&sb, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE schemaname = ");
		sb_add_literal(&sb, pg_schema);
		sb_adds(&sb, " AND indexname = ");
		sb_add_literal(&sb, name);
		sb_adds(&sb, ")");
		free(name);
		break;
	case SC_ADD_FOREIGN_KEY:
		name = default_fk_name(c);
		sb_adds(&sb, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(");
		add_qname_literal(&sb, pg_schema, c->table);
		sb_adds(&sb, ") AND conname = ");
		sb_add_literal(&sb, name);
		sb_adds(&sb, ")");
		free(name);
		break;
	case SC_TARGET_SQL:
		return NULL;
	}
	return sb_detach(&sb, NULL);
}

/* ------------------------------------------------------------ canonical */

char *schema_change_canonical(const struct schema_change *c)
{
	cJSON *copy = cJSON_Duplicate(c->spec, 1);
	char *s;
	json_sort_keys(copy);
	s = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return s;
}
