#define _GNU_SOURCE
#include "pgtype.h"
#include "jsonb.h"
#include "btbuild.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	enum pgkind kind;
} kind_names[] = {
	{ "smallint", PGK_INT2 },
	{ "integer", PGK_INT4 },
	{ "bigint", PGK_INT8 },
	{ "boolean", PGK_BOOL },
	{ "real", PGK_FLOAT4 },
	{ "double precision", PGK_FLOAT8 },
	{ "numeric", PGK_NUMERIC },
	{ "text", PGK_TEXT },
	{ "name", PGK_TEXT },
	{ "citext", PGK_TEXT },
	{ "character varying", PGK_VARCHAR },
	{ "character", PGK_CHAR },
	{ "bytea", PGK_BYTEA },
	{ "uuid", PGK_UUID },
	{ "json", PGK_JSON },
	{ "jsonb", PGK_JSONB },
	{ "date", PGK_DATE },
	{ "time without time zone", PGK_TIME },
	{ "time with time zone", PGK_TIMETZ },
	{ "timestamp without time zone", PGK_TIMESTAMP },
	{ "timestamp with time zone", PGK_TIMESTAMPTZ },
	{ "interval", PGK_INTERVAL },
	{ "int4range", PGK_INT4RANGE },
	{ "int8range", PGK_INT8RANGE },
	{ "numrange", PGK_NUMRANGE },
	{ "daterange", PGK_DATERANGE },
	{ "tsrange", PGK_TSRANGE },
	{ "tstzrange", PGK_TSTZRANGE },
	/* spellings a plan author may write in add_column / create_table */
	{ "int2", PGK_INT2 },
	{ "int", PGK_INT4 },
	{ "int4", PGK_INT4 },
	{ "int8", PGK_INT8 },
	{ "serial", PGK_INT4 },
	{ "bigserial", PGK_INT8 },
	{ "smallserial", PGK_INT2 },
	{ "bool", PGK_BOOL },
	{ "float4", PGK_FLOAT4 },
	{ "float8", PGK_FLOAT8 },
	{ "decimal", PGK_NUMERIC },
	{ "varchar", PGK_VARCHAR },
	{ "char", PGK_CHAR },
	{ "timestamp", PGK_TIMESTAMP },
	{ "timestamptz", PGK_TIMESTAMPTZ },
	{ "time", PGK_TIME },
	{ "timetz", PGK_TIMETZ },
};

/*
 * format_type() puts a typmod in the middle for time types
 * ("timestamp(3) with time zone"); strip every "(...)" group, keeping the
 * numbers it held.
 */
void pgtype_parse(const char *ft, int is_enum, struct pgtype *t)
{
	char base[128];
	size_t bl = 0;
	int mods[2] = { -1, -1 }, nmods = 0;
	const char *p = ft;

	memset(t, 0, sizeof(*t));
	t->len = -1;
	t->precision = -1;
	while (*p && bl < sizeof(base) - 1) {
		if (*p == '(') {
			p++;
			while (*p && *p != ')') {
				if (isdigit((unsigned char)*p) || *p == '-') {
					char *end;
					long v = strtol(p, &end, 10);
					if (end == p) { /* a lone '-' */
						p++;
						continue;
					}
					if (nmods < 2)
						mods[nmods++] = (int)(v > 100000 ? 100000 : v < -100000 ? -100000 : v);
					p = end;
				} else {
					p++;
				}
			}
			if (*p == ')')
				p++;
			continue;
		}
		base[bl++] = (char)tolower((unsigned char)*p);
		p++;
	}
	base[bl] = '\0';
	/* trailing [] (possibly repeated) marks an array */
	while (bl >= 2 && !strcmp(base + bl - 2, "[]")) {
		t->is_array = 1;
		bl -= 2;
		base[bl] = '\0';
	}
	/* collapse the double space left by "timestamp(3) with" */
	for (char *s = base; *s; s++)
		while (s[0] == ' ' && s[1] == ' ')
			memmove(s, s + 1, strlen(s));
	while (bl && base[bl - 1] == ' ')
		base[--bl] = '\0';
	if (base[0] == '_') { /* internal array spelling "_int4" */
		t->is_array = 1;
		memmove(base, base + 1, strlen(base));
	}
	/* format_type() prints an unlimited blank-padded char as "bpchar";
	 * a bare "character" is character(1) */
	int unlimited_bpchar = !strcmp(base, "bpchar") && !nmods;
	if (!strcmp(base, "bpchar"))
		strcpy(base, "character");

	t->kind = PGK_OTHER;
	if (is_enum) {
		t->kind = PGK_ENUM;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
		if (!strcmp(base, kind_names[i].name)) {
			t->kind = kind_names[i].kind;
			break;
		}
	}
	switch (t->kind) {
	case PGK_VARCHAR:
		t->len = mods[0];
		break;
	case PGK_CHAR:
		t->len = nmods ? mods[0] : unlimited_bpchar ? -1 : 1;
		break;
	case PGK_NUMERIC:
		if (nmods) {
			t->precision = mods[0];
			t->scale = nmods > 1 ? mods[1] : 0;
		}
		break;
	default:
		break;
	}
}

int pgtype_is_integer_storage(const struct pgtype *t)
{
	if (t->is_array)
		return 0;
	return t->kind == PGK_INT2 || t->kind == PGK_INT4 ||
	       t->kind == PGK_INT8 || t->kind == PGK_BOOL;
}

const char *pgtype_sqlite_decl(const struct pgtype *t)
{
	/* Booleans stay typeless: 0/1 are bound as integers anyway, and a
	 * step writing 'yes' keeps its text for the type check to judge. */
	if (!t->is_array && (t->kind == PGK_INT2 || t->kind == PGK_INT4 ||
			     t->kind == PGK_INT8))
		return "INTEGER";
	return "";
}

static int parse_int64(const char *s, size_t len, long long *out)
{
	char buf[32];
	char *end;
	long long v;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	/* the common case, without strtoll's copy and locale: up to 18 digits cannot overflow */
	{
		size_t i = s[0] == '-' || s[0] == '+';
		unsigned long long u = 0;
		if (len > i && len - i <= 18) {
			for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				u = u * 10 + (unsigned)(s[i] - '0');
			if (i == len) {
				*out = s[0] == '-' ? -(long long)u : (long long)u;
				return 0;
			}
		}
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || isspace((unsigned char)buf[0]))
		return -1;
	*out = v;
	return 0;
}

/* Reads a boolean in any spelling PostgreSQL accepts (and 1/0). */
static int parse_bool(const char *s, size_t len, int *out)
{
	static const char *const yes[] = { "t", "true", "y", "yes", "on", "1" };
	static const char *const no[] = { "f", "false", "n", "no", "off", "0" };
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && !strncasecmp(s, yes[i], len)) {
			*out = 1;
			return 0;
		}
		if (strlen(no[i]) == len && !strncasecmp(s, no[i], len)) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int pgtype_value(const struct pgtype *t, const char *text, size_t len, struct btb_value *out,
		 struct strbuf *scratch, const char **why)
{
	*out = (struct btb_value){ BTB_TEXT, 0, text, len };
	if (t->is_array)
		return 0;
	switch (t->kind) {
	case PGK_INT2:
	case PGK_INT4:
	case PGK_INT8:
		if (parse_int64(text, len, &out->i)) {
			*why = "invalid integer";
			return -1;
		}
		out->type = BTB_INT;
		return 0;
	case PGK_BOOL: {
		int b;
		if (parse_bool(text, len, &b)) {
			*why = "invalid boolean";
			return -1;
		}
		out->type = BTB_INT;
		out->i = b;
		return 0;
	}
	case PGK_BYTEA:
		if (len < 2 || text[0] != '\\' || text[1] != 'x' || (len - 2) % 2) {
			*why = "bytea must be in hex form (\\x...)";
			return -1;
		}
		sb_reset(scratch);
		sb_grow(scratch, (len - 2) / 2 + 1);
		for (size_t k = 2; k < len; k += 2) {
			int hi = hex_digit(text[k]), lo = hex_digit(text[k + 1]);
			if (hi < 0 || lo < 0) {
				*why = "invalid hexadecimal digit in bytea";
				return -1;
			}
			sb_addch(scratch, (char)(hi << 4 | lo));
		}
		*out = (struct btb_value){ BTB_BLOB, 0, scratch->buf, scratch->len };
		return 0;
	default:
		return 0;
	}
}

int pgtype_bind_text(sqlite3_stmt *stmt, int i, const struct pgtype *t,
		     const char *text, size_t len, const char **why)
{
	struct btb_value v;
	struct strbuf blob = STRBUF_INIT;
	int ret = pgtype_value(t, text, len, &v, &blob, why);
	if (!ret) {
		if (v.type == BTB_INT)
			sqlite3_bind_int64(stmt, i, v.i);
		else if (v.type == BTB_BLOB)
			sqlite3_bind_blob64(stmt, i, v.n ? v.p : "", v.n, SQLITE_TRANSIENT);
		else
			sqlite3_bind_text64(stmt, i, text, len, SQLITE_STATIC, SQLITE_UTF8);
	}
	sb_release(&blob);
	return ret;
}

/* Shortest %g text that reads back as the same double. */
static void add_double(struct strbuf *out, double d)
{
	char buf[40];
	if (isnan(d)) {
		sb_adds(out, "NaN");
		return;
	}
	if (isinf(d)) {
		sb_adds(out, d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	sb_adds(out, buf);
}

int pgtype_to_text(const struct pgtype *t, sqlite3_value *v,
		   struct strbuf *out)
{
	int st = sqlite3_value_type(v);
	sb_reset(out);
	if (st == SQLITE_NULL)
		return 1;
	if (t->kind == PGK_BOOL && !t->is_array) {
		if (st == SQLITE_INTEGER || st == SQLITE_FLOAT) {
			sb_adds(out, sqlite3_value_double(v) != 0 ? "t" : "f");
			return 0;
		}
		if (st == SQLITE_TEXT) {
			int b;
			const char *s = (const char *)sqlite3_value_text(v);
			if (!parse_bool(s, (size_t)sqlite3_value_bytes(v), &b)) {
				sb_adds(out, b ? "t" : "f");
				return 0;
			}
		}
	}
	switch (st) {
	case SQLITE_INTEGER:
		sb_addf(out, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(v);
		int intkind = !t->is_array && (t->kind == PGK_INT2 ||
					       t->kind == PGK_INT4 ||
					       t->kind == PGK_INT8);
		if (intkind && d == floor(d) && fabs(d) < 9.2e18)
			sb_addf(out, "%lld", (long long)d);
		else
			add_double(out, d);
		break;
	}
	case SQLITE_BLOB: {
		const unsigned char *b = sqlite3_value_blob(v);
		int n = sqlite3_value_bytes(v);
		if (t->kind == PGK_BYTEA && !t->is_array) {
			static const char hx[] = "0123456789abcdef";
			sb_grow(out, 2 + 2 * (size_t)n);
			sb_adds(out, "\\x");
			for (int k = 0; k < n; k++) {
				sb_addch(out, hx[b[k] >> 4]);
				sb_addch(out, hx[b[k] & 15]);
			}
		} else {
			sb_add(out, b, (size_t)n);
		}
		break;
	}
	default: /* SQLITE_TEXT */
		/* jsonb as PostgreSQL would print it (keys, spacing, numbers) */
		if (t->kind == PGK_JSONB && !t->is_array &&
		    !jsonb_normalize((const char *)sqlite3_value_text(v),
				     (size_t)sqlite3_value_bytes(v), out))
			break;
		sb_add(out, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		break;
	}
	return 0;
}
