/*
 * schemachange_value: defaults and values normalised as PostgreSQL would
 * store them (a constant default's value, canonical type names).
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "schemachange_int.h"

/* ------------------------------------------------------ default values */

const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Index just past the ')' matching the '(' at s[0], outside quotes; 0 if none. */
size_t match_paren(const char *s)
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
char *strip_casts(const char *expr)
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
char *normalize_value(const struct pgtype *t, const char *raw)
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
char *canonical_type(const char *type, int *serial)
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
