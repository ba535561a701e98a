/*
 * fn_shared: values by kind, element order and table-valued functions
 * shared by the json, array and range modules (see fn_shared.h).
 */
#include "fn_shared.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonb.h"

int fnv_is_integer_kind(enum pgkind kind)
{
	return kind == PGK_INT2 || kind == PGK_INT4 || kind == PGK_INT8 || kind == PGK_BOOL;
}

const char *fnv_text(sqlite3_value *v, enum pgkind kind, struct strbuf *scratch, size_t *len)
{
	static const char hx[] = "0123456789abcdef";
	sb_reset(scratch);
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		*len = 0;
		return NULL;
	case SQLITE_INTEGER:
		if (kind == PGK_BOOL)
			sb_adds(scratch, sqlite3_value_int64(v) ? "t" : "f");
		else
			sb_addf(scratch, "%lld", (long long)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		fnv_format_float(scratch, sqlite3_value_double(v), kind == PGK_FLOAT4);
		break;
	case SQLITE_BLOB: {
		const unsigned char *b = sqlite3_value_blob(v);
		int n = sqlite3_value_bytes(v);
		sb_adds(scratch, "\\x");
		for (int i = 0; i < n; i++) {
			sb_addch(scratch, hx[b[i] >> 4]);
			sb_addch(scratch, hx[b[i] & 15]);
		}
		break;
	}
	default:
		*len = (size_t)sqlite3_value_bytes(v);
		return (const char *)sqlite3_value_text(v);
	}
	*len = scratch->len;
	return scratch->buf;
}

static int bool_text(const char *s, size_t len)
{
	return len > 0 && (s[0] == 't' || s[0] == 'T' || s[0] == '1' || s[0] == 'y' ||
			   s[0] == 'Y' || ((s[0] == 'o' || s[0] == 'O') && len > 1 && (s[1] == 'n' || s[1] == 'N')));
}

void fnv_result(sqlite3_context *ctx, enum pgkind kind, const char *s, size_t len)
{
	if (!s) {
		sqlite3_result_null(ctx);
	} else if (kind == PGK_BOOL) {
		sqlite3_result_int(ctx, bool_text(s, len));
	} else if (fnv_is_integer_kind(kind)) {
		sqlite3_result_int64(ctx, strtoll(s, NULL, 10));
	} else {
		sqlite3_result_text(ctx, s, (int)len, SQLITE_TRANSIENT);
	}
}

const char *fnv_type_name(enum pgkind kind)
{
	switch (kind) {
	case PGK_INT2: return "smallint";
	case PGK_INT4: return "integer";
	case PGK_INT8: return "bigint";
	case PGK_BOOL: return "boolean";
	case PGK_FLOAT4: return "real";
	case PGK_FLOAT8: return "double precision";
	case PGK_NUMERIC: return "numeric";
	case PGK_TEXT: return "text";
	case PGK_VARCHAR: return "character varying";
	case PGK_CHAR: return "character";
	case PGK_BYTEA: return "bytea";
	case PGK_UUID: return "uuid";
	case PGK_JSON: return "json";
	case PGK_JSONB: return "jsonb";
	case PGK_DATE: return "date";
	case PGK_TIME: return "time without time zone";
	case PGK_TIMETZ: return "time with time zone";
	case PGK_TIMESTAMP: return "timestamp without time zone";
	case PGK_TIMESTAMPTZ: return "timestamp with time zone";
	case PGK_INTERVAL: return "interval";
	case PGK_INT4RANGE: return "int4range";
	case PGK_INT8RANGE: return "int8range";
	case PGK_NUMRANGE: return "numrange";
	case PGK_DATERANGE: return "daterange";
	case PGK_TSRANGE: return "tsrange";
	case PGK_TSTZRANGE: return "tstzrange";
	default: return "unknown";
	}
}

void fnv_format_float(struct strbuf *sb, double d, int float4)
{
	char buf[64];
	int prec, maxprec = float4 ? 9 : 17, exp10;
	char digits[32];
	size_t nd = 0;
	if (isnan(d)) {
		sb_adds(sb, "NaN");
		return;
	}
	if (isinf(d)) {
		sb_adds(sb, d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	if (d == 0) {
		sb_adds(sb, signbit(d) ? "-0" : "0");
		return;
	}
	/* the fewest significant digits that read back as the same value */
	for (prec = 1; prec <= maxprec; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (float4 ? (float)strtod(buf, NULL) == (float)d : strtod(buf, NULL) == d)
			break;
	}
	{
		const char *p = buf;
		char *e;
		if (*p == '-') {
			sb_addch(sb, '-');
			p++;
		}
		for (; *p && *p != 'e'; p++)
			if (*p != '.')
				digits[nd++] = *p;
		exp10 = (int)strtol(p + 1, &e, 10);
		while (nd > 1 && digits[nd - 1] == '0')
			nd--;
	}
	if (exp10 >= -4 && exp10 < (float4 ? 6 : 15)) {
		if (exp10 < 0) {
			sb_adds(sb, "0.");
			for (int i = -1; i > exp10; i--)
				sb_addch(sb, '0');
			sb_add(sb, digits, nd);
		} else {
			for (int i = 0; i <= exp10; i++)
				sb_addch(sb, (size_t)i < nd ? digits[i] : '0');
			if ((size_t)exp10 + 1 < nd) {
				sb_addch(sb, '.');
				sb_add(sb, digits + exp10 + 1, nd - (size_t)exp10 - 1);
			}
		}
	} else {
		sb_addch(sb, digits[0]);
		if (nd > 1) {
			sb_addch(sb, '.');
			sb_add(sb, digits + 1, nd - 1);
		}
		sb_addf(sb, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	}
}

/* ---- order ---- */

static int sign(long long x)
{
	return (x > 0) - (x < 0);
}

static int numeric_special(const char *s, size_t len)
{
	if (len == 3 && !strncasecmp(s, "NaN", 3))
		return 2;
	if (len == 8 && !strncasecmp(s, "Infinity", 8))
		return 1;
	if (len == 9 && !strncasecmp(s, "-Infinity", 9))
		return -1;
	return 0;
}

static int numeric_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int sa = numeric_special(a, alen), sb = numeric_special(b, blen);
	if (sa || sb) {
		/* -Infinity < finite < Infinity < NaN */
		int ra = sa == 2 ? 3 : sa == 1 ? 2 : sa == -1 ? 0 : 1;
		int rb = sb == 2 ? 3 : sb == 1 ? 2 : sb == -1 ? 0 : 1;
		if (ra != rb)
			return ra < rb ? -1 : 1;
		if (ra != 1)
			return 0;
	}
	return jv_num_cmp(a, alen, b, blen);
}

static double float_of(const char *s, size_t len)
{
	char buf[64];
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!strcasecmp(buf, "NaN"))
		return NAN;
	if (!strcasecmp(buf, "Infinity"))
		return INFINITY;
	if (!strcasecmp(buf, "-Infinity"))
		return -INFINITY;
	return strtod(buf, NULL);
}

static int float_cmp(double x, double y)
{
	/* PostgreSQL: NaN equals NaN and sorts above everything */
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y) ? 0 : isnan(x) ? 1 : -1;
	return (x > y) - (x < y);
}

/*
 * Dates and timestamps in canonical text ("2020-06-01", "2020-06-01
 * 12:00:00.5+00", "0044-03-15 BC", "infinity"): by infinity class, then
 * astronomical year, then the rest of the text, which is fixed-width but
 * for the fraction of seconds (no trailing zeros, so bytewise works).
 */
static void datetime_key(const char *s, size_t len, int *inf, long *year, const char **rest, size_t *restlen)
{
	size_t i = 0;
	int bc = len > 3 && !memcmp(s + len - 3, " BC", 3);
	*inf = 0;
	*year = 0;
	if (len == 8 && !memcmp(s, "infinity", 8)) {
		*inf = 1;
	} else if (len == 9 && !memcmp(s, "-infinity", 9)) {
		*inf = -1;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9')
		*year = *year * 10 + (s[i++] - '0');
	if (bc) {
		*year = 1 - *year;
		len -= 3;
	}
	*rest = s + i;
	*restlen = len - i;
}

static int datetime_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int ia, ib;
	long ya, yb;
	const char *ra, *rb;
	size_t la, lb;
	int r;
	datetime_key(a, alen, &ia, &ya, &ra, &la);
	datetime_key(b, blen, &ib, &yb, &rb, &lb);
	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (ia)
		return 0;
	if (ya != yb)
		return ya < yb ? -1 : 1;
	r = memcmp(ra, rb, la < lb ? la : lb);
	if (r)
		return r < 0 ? -1 : 1;
	return (la > lb) - (la < lb);
}

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r)
		return r < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

int fnv_compare(enum pgkind kind, const char *a, size_t alen, const char *b, size_t blen, int *cmp)
{
	switch (kind) {
	case PGK_INT2: case PGK_INT4: case PGK_INT8:
		*cmp = sign(strtoll(a, NULL, 10) > strtoll(b, NULL, 10) ? 1 :
			    strtoll(a, NULL, 10) < strtoll(b, NULL, 10) ? -1 : 0);
		return 0;
	case PGK_BOOL:
		*cmp = bool_text(a, alen) - bool_text(b, blen);
		return 0;
	case PGK_NUMERIC:
		*cmp = numeric_cmp(a, alen, b, blen);
		return 0;
	case PGK_FLOAT4: case PGK_FLOAT8:
		*cmp = float_cmp(float_of(a, alen), float_of(b, blen));
		return 0;
	case PGK_CHAR:
		/* bpchar ignores trailing spaces */
		while (alen && a[alen - 1] == ' ')
			alen--;
		while (blen && b[blen - 1] == ' ')
			blen--;
		*cmp = bytes_cmp(a, alen, b, blen);
		return 0;
	case PGK_TEXT: case PGK_VARCHAR: case PGK_UUID: case PGK_TIME:
		/* text under the C collation; uuid and time text sort as their values */
		*cmp = bytes_cmp(a, alen, b, blen);
		return 0;
	case PGK_DATE: case PGK_TIMESTAMP: case PGK_TIMESTAMPTZ:
		*cmp = datetime_cmp(a, alen, b, blen);
		return 0;
	case PGK_JSONB: {
		struct jv x, y;
		if (jv_parse(a, alen, 0, &x))
			return -1;
		if (jv_parse(b, blen, 0, &y)) {
			jv_free(&x);
			return -1;
		}
		*cmp = jv_cmp(&x, &y);
		jv_free(&x);
		jv_free(&y);
		return 0;
	}
	default:
		return -1;
	}
}

/* ---- set-returning functions ---- */

struct srf_cell *srf_add_row(struct srf_rows *r)
{
	struct srf_cell *row;
	ALLOC_GROW(r->cells, (r->nrows + 1) * (size_t)r->ncols, r->alloc);
	row = &r->cells[r->nrows * (size_t)r->ncols];
	memset(row, 0, sizeof(*row) * (size_t)r->ncols);
	r->nrows++;
	return row;
}

void srf_set_text(struct srf_cell *c, const char *s, size_t len)
{
	if (!s) {
		c->type = SQLITE_NULL;
		return;
	}
	c->type = SQLITE_TEXT;
	c->s = xstrndup(s, len);
	c->len = len;
}

void srf_set_int(struct srf_cell *c, sqlite3_int64 i)
{
	c->type = SQLITE_INTEGER;
	c->i = i;
}

void srf_set_error(struct srf_rows *r, const char *msg)
{
	if (!r->error)
		r->error = xstrdup(msg);
}

static void srf_rows_clear(struct srf_rows *r)
{
	for (size_t i = 0; i < r->nrows * (size_t)r->ncols; i++)
		free(r->cells[i].s);
	free(r->cells);
	free(r->error);
	r->cells = NULL;
	r->error = NULL;
	r->nrows = r->alloc = 0;
}

struct srf_vtab {
	sqlite3_vtab base;
	const struct srf_def *def;
	int ncols, nargs;
};

struct srf_cursor {
	sqlite3_vtab_cursor base;
	struct srf_rows rows;
	size_t at;
};

static int count_names(const char *list)
{
	int n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

static int srf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
		       sqlite3_vtab **out, char **err)
{
	const struct srf_def *def = aux;
	struct srf_vtab *vt;
	struct strbuf sql = STRBUF_INIT;
	const char *p;
	int rc;
	(void)argc;
	(void)argv;
	(void)err;
	sb_adds(&sql, "CREATE TABLE x(");
	sb_adds(&sql, def->columns);
	for (p = def->args; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		sb_adds(&sql, ", ");
		sb_add(&sql, p, l);
		sb_adds(&sql, " HIDDEN");
		p += l + (e ? 1 : 0);
	}
	sb_addch(&sql, ')');
	rc = sqlite3_declare_vtab(db, sql.buf);
	sb_release(&sql);
	if (rc != SQLITE_OK)
		return rc;
	vt = sqlite3_malloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	vt->def = def;
	vt->ncols = count_names(def->columns);
	vt->nargs = count_names(def->args);
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*out = &vt->base;
	return SQLITE_OK;
}

static int srf_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

/* Every argument given must be an equality on its hidden column. */
static int srf_best_index(sqlite3_vtab *tab, sqlite3_index_info *info)
{
	struct srf_vtab *vt = (struct srf_vtab *)tab;
	int given = 0, seen[16] = { 0 };
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		int arg = c->iColumn - vt->ncols;
		if (arg < 0 || arg >= vt->nargs || arg >= 16)
			continue;
		if (c->op != SQLITE_INDEX_CONSTRAINT_EQ)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		if (seen[arg])
			continue;
		seen[arg] = 1;
		info->aConstraintUsage[i].argvIndex = arg + 1;
		info->aConstraintUsage[i].omit = 1;
		given |= 1 << arg;
	}
	for (int a = 0; a < vt->def->nargs_required; a++)
		if (!(given & (1 << a)))
			return SQLITE_CONSTRAINT;
	/* argvIndex must be contiguous: renumber by argument order */
	{
		int next = 1;
		for (int a = 0; a < vt->nargs && a < 16; a++) {
			if (!(given & (1 << a)))
				continue;
			for (int i = 0; i < info->nConstraint; i++)
				if (info->aConstraintUsage[i].argvIndex == a + 1 &&
				    info->aConstraint[i].iColumn - vt->ncols == a)
					info->aConstraintUsage[i].argvIndex = next;
			next++;
		}
	}
	info->idxNum = given;
	info->estimatedCost = 10;
	info->estimatedRows = 10;
	return SQLITE_OK;
}

static int srf_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **out)
{
	struct srf_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->rows.ncols = ((struct srf_vtab *)tab)->ncols;
	*out = &c->base;
	return SQLITE_OK;
}

static int srf_close(sqlite3_vtab_cursor *cur)
{
	struct srf_cursor *c = (struct srf_cursor *)cur;
	srf_rows_clear(&c->rows);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int srf_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr,
		      int argc, sqlite3_value **argv)
{
	struct srf_cursor *c = (struct srf_cursor *)cur;
	struct srf_vtab *vt = (struct srf_vtab *)cur->pVtab;
	sqlite3_value *args[16] = { 0 };
	int k = 0;
	(void)idxstr;
	(void)argc;
	srf_rows_clear(&c->rows);
	c->at = 0;
	for (int a = 0; a < vt->nargs && a < 16; a++)
		if (idxnum & (1 << a))
			args[a] = argv[k++];
	/* a strict set-returning function returns no rows for a NULL argument */
	for (int a = 0; a < vt->def->nargs_required; a++)
		if (!args[a] || sqlite3_value_type(args[a]) == SQLITE_NULL)
			return SQLITE_OK;
	vt->def->fill(args, vt->nargs, &c->rows);
	if (c->rows.error) {
		sqlite3_free(vt->base.zErrMsg);
		vt->base.zErrMsg = sqlite3_mprintf("%s", c->rows.error);
		return SQLITE_ERROR;
	}
	return SQLITE_OK;
}

static int srf_next(sqlite3_vtab_cursor *cur)
{
	((struct srf_cursor *)cur)->at++;
	return SQLITE_OK;
}

static int srf_eof(sqlite3_vtab_cursor *cur)
{
	struct srf_cursor *c = (struct srf_cursor *)cur;
	return c->at >= c->rows.nrows;
}

static int srf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
	struct srf_cursor *c = (struct srf_cursor *)cur;
	const struct srf_cell *cell;
	if (i >= c->rows.ncols) {
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	cell = &c->rows.cells[c->at * (size_t)c->rows.ncols + (size_t)i];
	if (cell->type == SQLITE_INTEGER)
		sqlite3_result_int64(ctx, cell->i);
	else if (cell->type == SQLITE_TEXT)
		sqlite3_result_text(ctx, cell->s, (int)cell->len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
	return SQLITE_OK;
}

static int srf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct srf_cursor *)cur)->at + 1;
	return SQLITE_OK;
}

static const sqlite3_module srf_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous only */
	.xConnect = srf_connect,
	.xBestIndex = srf_best_index,
	.xDisconnect = srf_disconnect,
	.xDestroy = srf_disconnect,
	.xOpen = srf_open,
	.xClose = srf_close,
	.xFilter = srf_filter,
	.xNext = srf_next,
	.xEof = srf_eof,
	.xColumn = srf_column,
	.xRowid = srf_rowid,
};

int srf_register(sqlite3 *db, const struct srf_def *def)
{
	return sqlite3_create_module(db, def->name, &srf_module, (void *)def);
}
