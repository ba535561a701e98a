#include "pgfn.h"
#include "util.h"
#include "fn_datetime.h"
#include "fn_text.h"

#include "fn_array.h"
#include "fn_json.h"
#include "fn_numeric.h"
#include "fn_ordagg.h"
#include "fn_range.h"
#include "fn_sequence.h"
#include "fn_uuidgen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The runtime modules.  Each src/sql/fn_<family>.c defines one
 * `const struct pgfn_module pgfn_<family>_module` and adds it here.
 */
const struct pgfn_module *const pgfn_modules[] = {
	&pgfn_datetime_module,
	&pgfn_text_module,
	&pgfn_json_module,
	&pgfn_array_module,
	&pgfn_range_module,
	&pgfn_numeric_module,
	&pgfn_ordagg_module,
	&pgfn_sequence_module,
	&pgfn_uuidgen_module,
	NULL
};

char pgfn_sig_volatility(const struct pgfn_sig *s)
{
	if (s->flags & PGFN_VOLATILE)
		return 'v';
	for (int i = 0; i < pgfn_nvolatilities; i++) {
		const struct pgfn_volatility *v = &pgfn_volatilities[i];
		if (v->kind != s->kind || v->nargs != s->nargs || v->ret != s->ret ||
		    (!v->name) != (!s->name) || (v->name && strcmp(v->name, s->name)))
			continue;
		int same = 1;
		for (int a = 0; a < s->nargs; a++)
			same &= v->args[a] == s->args[a];
		if (same)
			return v->volatility;
	}
	return 'i';
}

int pgfn_register_all(sqlite3 *db)
{
	for (int i = 0; pgfn_modules[i]; i++)
		if (pgfn_modules[i]->register_fns && pgfn_modules[i]->register_fns(db) != SQLITE_OK)
			return -1;
	return 0;
}

int pgfn_any_null(int argc, sqlite3_value **argv)
{
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return 1;
	return 0;
}

void pgfn_error(sqlite3_context *ctx, const char *fmt, ...)
{
	/* as long as it takes: PostgreSQL quotes a whole numeric in
	 * "... is out of range for type double precision" */
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	sqlite3_result_error(ctx, msg.buf, (int)msg.len);
	sb_release(&msg);
}
