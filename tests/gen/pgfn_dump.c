/*
 * pgfn-dump: prints every signature of the runtime modules' registry
 * (src/sql/pgfn.h), one a line, as PostgreSQL names its types:
 *
 *   KIND<TAB>NAME<TAB>ARGTYPE,ARGTYPE...<TAB>RETTYPE<TAB>SQLITE_FN<TAB>FLAGS<TAB>C
 *
 * C is the signature as a C initializer of struct pgfn_volatility
 * without its volatility ("PGFN_CAST, NULL, 1, { 15 }, 8"), for the
 * generated table src/sql/pgfn_volatility.c.
 * KIND is func, op, agg, window, cast or srf; a cast's NAME is "-".  Read
 * by tests/gen/gen-volatility.sh, which asks a PostgreSQL 15 server for
 * each one's provolatile.
 */
#include <stdio.h>

#include "pgfn.h"

static const char *kind_name(int t)
{
	static const char *const names[PGK_NKINDS] = {
		[PGK_OTHER] = "-", [PGK_INT2] = "smallint", [PGK_INT4] = "integer",
		[PGK_INT8] = "bigint", [PGK_BOOL] = "boolean", [PGK_FLOAT4] = "real",
		[PGK_FLOAT8] = "double precision", [PGK_NUMERIC] = "numeric",
		[PGK_TEXT] = "text", [PGK_VARCHAR] = "character varying",
		[PGK_CHAR] = "character", [PGK_BYTEA] = "bytea", [PGK_UUID] = "uuid",
		[PGK_JSON] = "json", [PGK_JSONB] = "jsonb", [PGK_DATE] = "date",
		[PGK_TIME] = "time without time zone", [PGK_TIMETZ] = "time with time zone",
		[PGK_TIMESTAMP] = "timestamp without time zone",
		[PGK_TIMESTAMPTZ] = "timestamp with time zone", [PGK_INTERVAL] = "interval",
		[PGK_ENUM] = "anyenum", [PGK_INT4RANGE] = "int4range",
		[PGK_INT8RANGE] = "int8range", [PGK_NUMRANGE] = "numrange",
		[PGK_DATERANGE] = "daterange", [PGK_TSRANGE] = "tsrange",
		[PGK_TSTZRANGE] = "tstzrange", [PGK_UNKNOWN] = "unknown",
		[PGK_RECORD] = "record", [PGK_VOID] = "void", [PGK_ANY] = "\"any\"",
		[PGK_ANYELEMENT] = "anyelement", [PGK_ANYENUM] = "anyenum",
		[PGK_ANYRANGE] = "anyrange",
	};
	int k = PGT_KIND(t);
	if (!PGT_IS_ARRAY(t))
		return names[k];
	if (k == PGK_ANYELEMENT)
		return "anyarray";
	static char buf[8][64];
	static int n;
	char *b = buf[n++ % 8];
	snprintf(b, 64, "%s[]", names[k]);
	return b;
}

int main(void)
{
	static const char *const kinds[] = { "func", "op", "agg", "window", "cast", "srf" };
	static const char *const ckinds[] = { "PGFN_FUNC", "PGFN_OP", "PGFN_AGG", "PGFN_WINDOW",
					      "PGFN_CAST", "PGFN_SRF" };
	for (int m = 0; pgfn_modules[m]; m++) {
		const struct pgfn_module *mod = pgfn_modules[m];
		for (int i = 0; i < mod->nsigs; i++) {
			const struct pgfn_sig *s = &mod->sigs[i];
			printf("%s\t%s\t", kinds[s->kind], s->name ? s->name : "-");
			for (int a = 0; a < s->nargs; a++)
				printf("%s%s", a ? "," : "", kind_name(s->args[a]));
			printf("\t%s\t%s\t%u\t", kind_name(s->ret), s->sqlite_fn, s->flags);
			printf("%s, %s%s%s, %d, {", ckinds[s->kind], s->name ? "\"" : "",
			       s->name ? s->name : "NULL", s->name ? "\"" : "", s->nargs);
			for (int a = 0; a < s->nargs; a++)
				printf("%s 0x%x", a ? "," : "", (unsigned)s->args[a]);
			printf("%s }, 0x%x\n", s->nargs ? "" : " 0", (unsigned)s->ret);
		}
		for (int i = 0; i < mod->norders; i++)
			printf("order\t-\t%s\t-\t%s\t0\t-\n", kind_name(mod->orders[i].type),
			       mod->orders[i].collation ? mod->orders[i].collation : "-");
	}
	return 0;
}
