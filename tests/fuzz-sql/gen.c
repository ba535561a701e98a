#include "gen.h"

#include <string.h>

void gen_seed(struct gen *g, uint64_t seed)
{
	g->state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint64_t next(struct gen *g)
{
	uint64_t x = g->state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

unsigned gen_below(struct gen *g, unsigned n)
{
	return (unsigned)(next(g) % n);
}

static const char *pick(struct gen *g, const char *const *v, unsigned n)
{
	return v[gen_below(g, n)];
}
#define PICK(g, arr) pick(g, arr, (unsigned)ARRAY_SIZE(arr))

static const char *const lit_i4[] = { "0", "1", "-1", "2", "7", "-13", "100", "2147483647",
				      "(-2147483648)", "NULL::int4", "46341" };
static const char *const lit_i8[] = { "0::int8", "5::int8", "(-3)::int8", "9223372036854775807",
				      "(-9223372036854775807)", "NULL::int8", "4294967296" };
static const char *const lit_num[] = { "0", "1.5", "(-2.5)", "0.005", "123.456", "0.125", "2.675",
				       "1e20", "NULL::numeric", "'NaN'::numeric", "(-0.0)", "999999.995",
				       "1.10", "3" };
static const char *const lit_txt[] = { "''", "'abc'", "'ÀéÎ ß'", "' x '", "'a%b_c'", "'NULL'",
				       "NULL::text", "'Hello, World'", "'ümlaut'", "'1,2,,3'" };
static const char *const lit_date[] = { "'2024-02-29'::date", "'1999-12-31'::date",
					"'2000-01-01'::date", "NULL::date", "'0001-01-01'::date",
					"'2024-12-31'::date" };
static const char *const lit_tstz[] = { "'2024-03-10 07:30:00+00'::timestamptz",
					"'1999-12-31 23:59:59.999999+00'::timestamptz",
					"'2024-06-01 12:00:00-07'::timestamptz", "NULL::timestamptz",
					"'2000-02-29 00:00:00+00'::timestamptz" };
static const char *const lit_jsonb[] = { "'{}'::jsonb", "'[]'::jsonb", "'{\"a\": 1, \"b\": [1, 2]}'::jsonb",
					 "'\"s\"'::jsonb", "'null'::jsonb", "'1.50'::jsonb",
					 "'{\"a\": {\"c\": null}, \"z\": true}'::jsonb", "NULL::jsonb",
					 "'[1, \"a\", null, 2.0]'::jsonb" };
static const char *const lit_f8[] = { "0::float8", "1.5::float8", "(-0.0)::float8", "'NaN'::float8",
				      "'Infinity'::float8", "1e300::float8", "0.1::float8",
				      "NULL::float8", "(-2.5)::float8", "3::float8" };
static const char *const units[] = { "year", "month", "day", "hour", "minute", "second", "week" };
static const char *const trunc_units[] = { "year", "quarter", "month", "week", "day", "hour", "minute" };
static const char *const keys[] = { "'a'", "'b'", "'z'", "'c'" };
static const char *const patterns[] = { "'a%'", "'%b%'", "'_b%'", "'%'", "'A%'", "'%\\_%'", "''" };
static const char *const regexes[] = { "'^a'", "'b.c'", "'[0-9]+'", "'^$'", "'(x|y)'" };

static void lit(struct gen *g, struct strbuf *o, enum gty ty)
{
	switch (ty) {
	case G_I4: sb_adds(o, PICK(g, lit_i4)); break;
	case G_I8: sb_adds(o, PICK(g, lit_i8)); break;
	case G_NUM: sb_adds(o, PICK(g, lit_num)); break;
	case G_TXT: sb_adds(o, PICK(g, lit_txt)); break;
	case G_BOOL: sb_adds(o, gen_below(g, 3) == 0 ? "NULL::boolean" : gen_below(g, 2) ? "true" : "false"); break;
	case G_DATE: sb_adds(o, PICK(g, lit_date)); break;
	case G_TSTZ: sb_adds(o, PICK(g, lit_tstz)); break;
	case G_JSONB: sb_adds(o, PICK(g, lit_jsonb)); break;
	case G_F8: sb_adds(o, PICK(g, lit_f8)); break;
	default: break;
	}
}

static void col(struct gen *g, struct strbuf *o, enum gty ty)
{
	switch (ty) {
	case G_I4: sb_adds(o, "i"); break;
	case G_I8: sb_adds(o, "b"); break;
	case G_NUM: sb_adds(o, gen_below(g, 2) ? "n" : "m"); break;
	case G_TXT: sb_adds(o, gen_below(g, 2) ? "t" : "v"); break;
	case G_BOOL: sb_adds(o, "bo"); break;
	case G_DATE: sb_adds(o, "d"); break;
	case G_TSTZ: sb_adds(o, "ts"); break;
	case G_JSONB: sb_adds(o, "j"); break;
	case G_F8: sb_adds(o, "f"); break;
	default: break;
	}
}

#define E(t) gen_expr(g, o, (t), depth - 1)
#define S(s) sb_adds(o, (s))

static void small_int(struct gen *g, struct strbuf *o)
{
	sb_addf(o, "%d", (int)gen_below(g, 7) - 2);
}

static enum gty comparable(struct gen *g)
{
	static const enum gty c[] = { G_I4, G_I8, G_NUM, G_TXT, G_BOOL, G_DATE, G_TSTZ, G_JSONB, G_F8 };
	return c[gen_below(g, ARRAY_SIZE(c))];
}

/* Operators and functions shared by every type: CASE, coalesce, nullif, greatest, least. */
static int generic(struct gen *g, struct strbuf *o, enum gty ty, int depth)
{
	switch (gen_below(g, 5)) {
	case 0: S("CASE WHEN "); E(G_BOOL); S(" THEN "); E(ty); S(" ELSE "); E(ty); S(" END"); return 1;
	case 1: S("coalesce("); E(ty); S(", "); E(ty); S(")"); return 1;
	case 2:
		if (ty == G_JSONB)
			return 0; /* jsonb has no greatest? it has btree ops: fine, but keep it rare */
		S(gen_below(g, 2) ? "greatest(" : "least("); E(ty); S(", "); E(ty); S(")"); return 1;
	case 3: S("nullif("); E(ty); S(", "); E(ty); S(")"); return 1;
	default: return 0;
	}
}

void gen_expr(struct gen *g, struct strbuf *o, enum gty ty, int depth)
{
	static const char *const arith[] = { " + ", " - ", " * ", " / " };
	static const char *const cmp[] = { " = ", " <> ", " < ", " <= ", " > ", " >= " };

	if (depth <= 0 || gen_below(g, 4) == 0) {
		if (gen_below(g, 2))
			col(g, o, ty);
		else
			lit(g, o, ty);
		return;
	}
	if (gen_below(g, 6) == 0 && generic(g, o, ty, depth))
		return;
	S("(");
	switch (ty) {
	case G_I4:
		switch (gen_below(g, 14)) {
		case 0: case 1: E(G_I4); S(PICK(g, arith)); E(G_I4); break;
		case 2: E(G_I4); S(" % "); E(G_I4); break;
		case 3: S("abs("); E(G_I4); S(")"); break;
		case 4: S("- "); E(G_I4); break;
		case 5: S("length("); E(G_TXT); S(")"); break;
		case 6: S("position("); E(G_TXT); S(" in "); E(G_TXT); S(")"); break;
		case 7: E(G_DATE); S(" - "); E(G_DATE); break;
		case 8: E(G_BOOL); S(")::int4"); return;
		case 9: E(G_F8); S(")::int4"); return;
		case 10: E(G_NUM); S(")::int4"); return;
		case 11: S("extract("); S(PICK(g, units)); S(" from "); E(G_TSTZ); S(")::int4"); break;
		case 12: E(G_I8); S(")::int4"); return;
		default: S("strpos("); E(G_TXT); S(", "); E(G_TXT); S(")"); break;
		}
		break;
	case G_I8:
		switch (gen_below(g, 6)) {
		case 0: case 1: E(G_I8); S(PICK(g, arith)); E(G_I8); break;
		case 2: E(G_I8); S(" % "); E(G_I8); break;
		case 3: E(G_I4); S(")::int8"); return;
		case 4: S("abs("); E(G_I8); S(")"); break;
		default: E(G_I4); S(" * "); E(G_I8); break;
		}
		break;
	case G_NUM:
		switch (gen_below(g, 15)) {
		case 0: case 1: case 2: E(G_NUM); S(PICK(g, arith)); E(G_NUM); break;
		case 3: S("round("); E(G_NUM); S(")"); break;
		case 4: S("round("); E(G_NUM); S(", "); small_int(g, o); S(")"); break;
		case 5: S("trunc("); E(G_NUM); S(", "); small_int(g, o); S(")"); break;
		case 6: S(gen_below(g, 2) ? "ceil(" : "floor("); E(G_NUM); S(")"); break;
		case 7: S("abs("); E(G_NUM); S(")"); break;
		case 8: S("mod("); E(G_NUM); S(", "); E(G_NUM); S(")"); break;
		case 9: E(G_I4); S(")::numeric"); return;
		case 10: E(G_F8); S(")::numeric"); return;
		case 11: E(G_NUM); S(")::numeric(10,2)"); return;
		case 12: E(G_NUM); S(" * "); E(G_I4); break;
		case 13: S("sqrt(abs("); E(G_NUM); S("))"); break;
		default: E(G_I8); S(")::numeric"); return;
		}
		break;
	case G_TXT:
		switch (gen_below(g, 22)) {
		case 0: case 1: E(G_TXT); S(" || "); E(G_TXT); break;
		case 2: S("upper("); E(G_TXT); S(")"); break;
		case 3: S("lower("); E(G_TXT); S(")"); break;
		case 4: S("initcap("); E(G_TXT); S(")"); break;
		case 5: S("substring("); E(G_TXT); S(" from "); small_int(g, o); S(" for "); small_int(g, o); S(")"); break;
		case 6: S("replace("); E(G_TXT); S(", "); E(G_TXT); S(", "); E(G_TXT); S(")"); break;
		case 7: S("split_part("); E(G_TXT); S(", ','"); S(", "); small_int(g, o); S(")"); break;
		case 8: S(gen_below(g, 2) ? "lpad(" : "rpad("); E(G_TXT); S(", "); small_int(g, o); S(", "); E(G_TXT); S(")"); break;
		case 9: S("repeat("); E(G_TXT); S(", "); small_int(g, o); S(")"); break;
		case 10: S("trim("); E(G_TXT); S(")"); break;
		case 11: S(gen_below(g, 2) ? "left(" : "right("); E(G_TXT); S(", "); small_int(g, o); S(")"); break;
		case 12: S("concat("); E(G_TXT); S(", "); E(comparable(g)); S(")"); break;
		case 13: S("concat_ws('|', "); E(G_TXT); S(", "); E(comparable(g)); S(")"); break;
		case 14: S("md5("); E(G_TXT); S(")"); break;
		case 15: S("reverse("); E(G_TXT); S(")"); break;
		case 16: E(comparable(g)); S(")::text"); return;
		case 17: S("to_char("); E(G_DATE); S(", 'YYYY-MM-DD')"); break;
		case 18: S("format('%s|%s', "); E(G_TXT); S(", "); E(comparable(g)); S(")"); break;
		case 19: E(G_JSONB); S(" ->> "); S(PICK(g, keys)); break;
		case 20: S("ltrim("); E(G_TXT); S(", 'a ')"); break;
		default: S("regexp_replace("); E(G_TXT); S(", "); S(PICK(g, regexes)); S(", 'X')"); break;
		}
		break;
	case G_BOOL:
		switch (gen_below(g, 16)) {
		case 0: case 1: case 2: {
			enum gty c = comparable(g);
			E(c); S(PICK(g, cmp)); E(c);
			break;
		}
		case 3: E(G_BOOL); S(" AND "); E(G_BOOL); break;
		case 4: E(G_BOOL); S(" OR "); E(G_BOOL); break;
		case 5: S("NOT "); E(G_BOOL); break;
		case 6: E(comparable(g)); S(gen_below(g, 2) ? " IS NULL" : " IS NOT NULL"); break;
		case 7: {
			enum gty c = comparable(g);
			E(c); S(gen_below(g, 2) ? " IS DISTINCT FROM " : " IS NOT DISTINCT FROM "); E(c);
			break;
		}
		case 8: E(G_TXT); S(gen_below(g, 2) ? " LIKE " : " ILIKE "); S(PICK(g, patterns)); break;
		case 9: E(G_TXT); S(gen_below(g, 2) ? " ~ " : " ~* "); S(PICK(g, regexes)); break;
		case 10: E(G_I4); S(" BETWEEN "); E(G_I4); S(" AND "); E(G_I4); break;
		case 11: E(G_I4); S(" IN ("); E(G_I4); S(", "); E(G_I4); S(", 7)"); break;
		case 12: E(G_JSONB); S(" ? "); S(PICK(g, keys)); break;
		case 13: E(G_JSONB); S(" @> "); E(G_JSONB); break;
		case 14: E(G_NUM); S(" BETWEEN 0.25 AND 0.75"); break;
		default: E(G_TXT); S(" NOT IN ('abc', "); E(G_TXT); S(")"); break;
		}
		break;
	case G_DATE:
		switch (gen_below(g, 6)) {
		case 0: case 1: E(G_DATE); S(gen_below(g, 2) ? " + " : " - "); small_int(g, o); break;
		case 2: E(G_TSTZ); S(")::date"); return;
		case 3: S("date_trunc('month', "); E(G_DATE); S(")::date"); break;
		case 4: sb_addf(o, "make_date(%d, %u, %u)", 2000 + (int)gen_below(g, 30), 1 + gen_below(g, 12), 1 + gen_below(g, 31)); break;
		default: E(G_DATE); S(" + "); E(G_I4); break;
		}
		break;
	case G_TSTZ:
		switch (gen_below(g, 5)) {
		case 0: case 1:
			E(G_TSTZ); S(gen_below(g, 2) ? " + " : " - ");
			sb_addf(o, "interval '%d %s'", (int)gen_below(g, 40) - 5, PICK(g, units));
			break;
		case 2: S("date_trunc('"); S(PICK(g, trunc_units)); S("', "); E(G_TSTZ); S(")"); break;
		case 3: E(G_DATE); S(")::timestamptz"); return;
		default: S("to_timestamp("); E(G_I4); S(")"); break;
		}
		break;
	case G_JSONB:
		switch (gen_below(g, 10)) {
		case 0: E(G_JSONB); S(" -> "); S(PICK(g, keys)); break;
		case 1: E(G_JSONB); S(" -> "); small_int(g, o); break;
		case 2: E(G_JSONB); S(" - "); S(PICK(g, keys)); break;
		case 3: E(G_JSONB); S(" || "); E(G_JSONB); break;
		case 4: S("jsonb_build_object('k', "); E(comparable(g)); S(")"); break;
		case 5: S("jsonb_build_array("); E(comparable(g)); S(", "); E(comparable(g)); S(")"); break;
		case 6: S("to_jsonb("); E(comparable(g)); S(")"); break;
		case 7: S("jsonb_set("); E(G_JSONB); S(", '{a}', "); E(G_JSONB); S(")"); break;
		case 8: E(G_JSONB); S(" #> '{b,0}'"); break;
		default: S("jsonb_strip_nulls("); E(G_JSONB); S(")"); break;
		}
		break;
	case G_F8:
		switch (gen_below(g, 8)) {
		case 0: case 1: case 2: E(G_F8); S(PICK(g, arith)); E(G_F8); break;
		case 3: S("abs("); E(G_F8); S(")"); break;
		case 4: S("sqrt(abs("); E(G_F8); S("))"); break;
		case 5: E(G_I4); S(")::float8"); return;
		case 6: E(G_NUM); S(")::float8"); return;
		default: S(gen_below(g, 2) ? "round(" : "floor("); E(G_F8); S(")"); break;
		}
		break;
	default:
		break;
	}
	S(")");
}
