/*
 * fn_shared: values by kind, element order and table-valued functions
 * shared by the json, array and range modules (see fn_shared.h).
 */
#include "fn_shared.h"
#include "fn_datetime.h"

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
	case PGK_INTERVAL: case PGK_TIMETZ:
		/* interval: 30-day months and 24-hour days (interval_cmp) */
		*cmp = sign(fn_datetime_text_cmp(kind, a, alen, b, blen));
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
	/* after the arguments, which SQLite binds to the first hidden columns */
	sb_adds(&sql, ", ordinality HIDDEN)");
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
	if (i == c->rows.ncols + ((struct srf_vtab *)cur->pVtab)->nargs) {
		sqlite3_result_int64(ctx, (sqlite3_int64)c->at + 1);
		return SQLITE_OK;
	}
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

/* ---- element input: canonical text of a kind ---- */

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			(*s)[*len - 1] == '\n' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

static int canon_int(enum pgkind kind, const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	const char *p = s, *e;
	int neg = 0;
	unsigned long long x = 0, lim;
	lim = kind == PGK_INT2 ? 32767ULL : kind == PGK_INT4 ? 2147483647ULL : 9223372036854775807ULL;
	trim(&p, &len);
	e = p + len;
	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == e)
		goto bad;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		x = x * 10 + (unsigned long long)(*p - '0');
		if (x > lim + (unsigned long long)neg) {
			sb_addf(err, "value \"%.*s\" is out of range for type %s", (int)len, s, fnv_type_name(kind));
			return -1;
		}
	}
	if (neg && x)
		sb_addch(out, '-');
	sb_addf(out, "%llu", x);
	return 0;
bad:
	sb_addf(err, "invalid input syntax for type %s: \"%.*s\"", fnv_type_name(kind), (int)len, s);
	return -1;
}

static int canon_bool(const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *p = s;
	size_t l = len;
	trim(&p, &l);
	/* boolin: any unique prefix of true/false/yes/no, "on"/"off" need two letters */
	for (int i = 0; i < 4; i++) {
		size_t min = i == 2 ? 2 : 1;
		if (l >= min && l <= strlen(yes[i]) && !strncasecmp(p, yes[i], l)) {
			sb_addch(out, 't');
			return 0;
		}
		min = i == 2 ? 2 : 1;
		if (l >= min && l <= strlen(no[i]) && !strncasecmp(p, no[i], l)) {
			sb_addch(out, 'f');
			return 0;
		}
	}
	sb_addf(err, "invalid input syntax for type boolean: \"%.*s\"", (int)len, s);
	return -1;
}

static int canon_numeric(const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	struct strbuf t = STRBUF_INIT;
	const char *p = s, *e;
	int ret = -1, digits = 0;
	trim(&p, &len);
	e = p + len;
	if ((size_t)(e - p) == 3 && !strncasecmp(p, "NaN", 3)) {
		sb_adds(out, "NaN");
		return 0;
	}
	{
		const char *q = p + (p < e && (*p == '+' || *p == '-'));
		if ((size_t)(e - q) == 8 && !strncasecmp(q, "Infinity", 8)) {
			sb_adds(out, *p == '-' ? "-Infinity" : "Infinity");
			return 0;
		}
	}
	/* numeric_in's grammar, rewritten into JSON's so jsonb.c can print it */
	if (p < e && (*p == '+' || *p == '-')) {
		if (*p == '-')
			sb_addch(&t, '-');
		p++;
	}
	while (p + 1 < e && *p == '0' && p[1] >= '0' && p[1] <= '9')
		p++;
	if (p < e && *p == '.')
		sb_addch(&t, '0');
	for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
		sb_addch(&t, *p);
	if (p < e && *p == '.') {
		p++;
		if (p < e && *p >= '0' && *p <= '9')
			sb_addch(&t, '.');
		for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
			sb_addch(&t, *p);
	}
	if (digits && p < e && (*p == 'e' || *p == 'E')) {
		sb_addch(&t, *p++);
		if (p < e && (*p == '+' || *p == '-'))
			sb_addch(&t, *p++);
		if (p >= e || *p < '0' || *p > '9')
			digits = 0;
		for (; p < e && *p >= '0' && *p <= '9'; p++)
			sb_addch(&t, *p);
	}
	if (digits && p == e && jsonb_normalize(t.buf, t.len, out) == 0)
		ret = 0;
	else
		sb_addf(err, "invalid input syntax for type numeric: \"%.*s\"", (int)len, s);
	sb_release(&t);
	return ret;
}

static int canon_float(enum pgkind kind, const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	char buf[128];
	const char *p = s;
	char *end;
	size_t l = len;
	double d;
	trim(&p, &l);
	if (l == 0 || l >= sizeof(buf))
		goto bad;
	memcpy(buf, p, l);
	buf[l] = '\0';
	if (!strcasecmp(buf, "NaN")) {
		sb_adds(out, "NaN");
		return 0;
	}
	if (!strcasecmp(buf, "Infinity") || !strcasecmp(buf, "+Infinity") || !strcasecmp(buf, "inf") ||
	    !strcasecmp(buf, "+inf")) {
		sb_adds(out, "Infinity");
		return 0;
	}
	if (!strcasecmp(buf, "-Infinity") || !strcasecmp(buf, "-inf")) {
		sb_adds(out, "-Infinity");
		return 0;
	}
	if (!((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '.' || buf[0] == '-' || buf[0] == '+'))
		goto bad;
	d = strtod(buf, &end);
	if (*end)
		goto bad;
	if (kind == PGK_FLOAT4 ? isinf((float)d) || (d != 0 && (float)d == 0) : isinf(d)) {
		sb_addf(err, "\"%.*s\" is out of range for type %s", (int)len, s, fnv_type_name(kind));
		return -1;
	}
	fnv_format_float(out, kind == PGK_FLOAT4 ? (double)(float)d : d, kind == PGK_FLOAT4);
	return 0;
bad:
	sb_addf(err, "invalid input syntax for type %s: \"%.*s\"", fnv_type_name(kind), (int)len, s);
	return -1;
}

static int canon_uuid(const char *s, size_t len, struct strbuf *out, struct strbuf *err)
{
	char hex[33];
	int n = 0;
	const char *p = s, *e = s + len;
	int brace = p < e && *p == '{';
	if (brace)
		p++;
	for (; p < e && n < 33; p++) {
		char c = *p;
		if (brace && c == '}' && p + 1 == e)
			break;
		if (c == '-' && n > 0 && n % 4 == 0 && p + 1 < e && p[1] != '-')
			continue;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			break;
		hex[n++] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	if (n != 32 || p != (brace ? e - 1 : e) || (brace && *p != '}')) {
		sb_addf(err, "invalid input syntax for type uuid: \"%.*s\"", (int)len, s);
		return -1;
	}
	sb_addf(out, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	return 0;
}

/* ---- dates and timestamps (ISO input only) ---- */

static long days_from_civil(long y, int m, int d)
{
	/* proleptic Gregorian day number, 1970-01-01 = 0 (H. Hinnant's algorithm) */
	long era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
	long era;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

static int digits_at(const char **p, const char *e, int min, int max, long *out)
{
	int n = 0;
	*out = 0;
	while (*p < e && **p >= '0' && **p <= '9' && n < max) {
		*out = *out * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? 0 : -1;
}

static void out_ymd(struct strbuf *out, long y, int m, int d)
{
	if (y <= 0)
		sb_addf(out, "%04ld-%02d-%02d", 1 - y, m, d);
	else
		sb_addf(out, "%04ld-%02d-%02d", y, m, d);
}

/*
 * date, timestamp, timestamptz from ISO 8601 text ("2020-06-01",
 * "2020-06-01 12:00[:00[.5]]", a T instead of the space, a zone
 * [+-]HH[:MM] or Z): the forms PostgreSQL prints and people write.
 * Other spellings ("June 1 2020", "epoch", "now") are refused.
 */
static int canon_datetime(enum pgkind kind, const char *s0, size_t len0, struct strbuf *out, struct strbuf *err)
{
	const char *s = s0, *p, *e;
	size_t len = len0;
	long y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0;
	char frac[7] = "";
	int zsign = 0, have_zone = 0, bc = 0;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	trim(&s, &len);
	p = s;
	e = s + len;
	if (len == 8 && !strncasecmp(s, "infinity", 8)) {
		sb_adds(out, "infinity");
		return 0;
	}
	if (len == 9 && !strncasecmp(s, "-infinity", 9)) {
		sb_adds(out, "-infinity");
		return 0;
	}
	if (len > 3 && !strncasecmp(e - 3, " BC", 3)) {
		bc = 1;
		e -= 3;
	}
	if (digits_at(&p, e, 4, 7, &y) || p >= e || *p++ != '-' || digits_at(&p, e, 1, 2, &mo) ||
	    p >= e || *p++ != '-' || digits_at(&p, e, 1, 2, &d))
		goto bad;
	if (p < e && kind != PGK_DATE) {
		if (*p != ' ' && *p != 'T' && *p != 't')
			goto bad;
		p++;
		if (digits_at(&p, e, 1, 2, &h) || p >= e || *p++ != ':' || digits_at(&p, e, 2, 2, &mi))
			goto bad;
		if (p < e && *p == ':') {
			p++;
			if (digits_at(&p, e, 2, 2, &sec))
				goto bad;
			if (p < e && *p == '.') {
				int n = 0;
				p++;
				while (p < e && *p >= '0' && *p <= '9') {
					if (n < 6)
						frac[n++] = *p;
					else if (n == 6 && *p >= '5')
						n = 7; /* round: rare; refused below */
					p++;
				}
				if (n == 7)
					goto bad;
				frac[n < 7 ? n : 6] = '\0';
			}
		}
		while (p < e && *p == ' ')
			p++;
		if (p < e && (*p == 'Z' || *p == 'z')) {
			have_zone = 1;
			p++;
		} else if (p < e && (*p == '+' || *p == '-')) {
			zsign = *p++ == '-' ? -1 : 1;
			have_zone = 1;
			if (digits_at(&p, e, 1, 2, &zh))
				goto bad;
			if (p < e && *p == ':')
				p++;
			if (p < e && digits_at(&p, e, 2, 2, &zm))
				goto bad;
		}
	}
	if (p != e)
		goto bad;
	if (bc)
		y = 1 - y;
	if (mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
	    h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac[0]))) {
		sb_addf(err, "date/time field value out of range: \"%.*s\"", (int)len0, s0);
		return -1;
	}
	{
		/* strip trailing zeros of the fraction as PostgreSQL prints it */
		size_t fl = strlen(frac);
		while (fl && frac[fl - 1] == '0')
			frac[--fl] = '\0';
	}
	if (kind == PGK_TIMESTAMPTZ && have_zone) {
		long long t = (long long)days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60 + sec;
		long yy;
		int mm, dd;
		t -= (long long)zsign * (zh * 3600 + zm * 60);
		{
			long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
			long long rem = t - days * 86400;
			civil_from_days((long)days, &yy, &mm, &dd);
			y = yy;
			mo = mm;
			d = dd;
			h = (long)(rem / 3600);
			mi = (long)(rem % 3600 / 60);
			sec = (long)(rem % 60);
		}
	} else if (h == 24) {
		long yy;
		int mm, dd;
		civil_from_days(days_from_civil(y, (int)mo, (int)d) + 1, &yy, &mm, &dd);
		y = yy, mo = mm, d = dd, h = 0;
	}
	out_ymd(out, y, (int)mo, (int)d);
	if (kind != PGK_DATE) {
		sb_addf(out, " %02ld:%02ld:%02ld", h, mi, sec);
		if (frac[0])
			sb_addf(out, ".%s", frac);
		if (kind == PGK_TIMESTAMPTZ)
			sb_adds(out, "+00");
	}
	if (y <= 0)
		sb_adds(out, " BC");
	return 0;
bad:
	sb_addf(err, "invalid input syntax for type %s: \"%.*s\"", fnv_type_name(kind), (int)len0, s0);
	return -1;
}

/* The input cast text -> kind of another module, when one is registered. */
static const char *module_input_fn(enum pgkind kind)
{
	for (int m = 0; pgfn_modules[m]; m++)
		for (int i = 0; i < pgfn_modules[m]->nsigs; i++) {
			const struct pgfn_sig *sg = &pgfn_modules[m]->sigs[i];
			if (sg->kind == PGFN_CAST && sg->args[0] == PGK_TEXT && sg->ret == (int)kind &&
			    !(sg->flags & PGFN_TYPMOD))
				return sg->sqlite_fn;
		}
	return NULL;
}

static int canon_by_module(sqlite3 *db, const char *fn, enum pgkind kind, const char *s, size_t len,
			   struct strbuf *out, struct strbuf *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("SELECT %s(?1)", fn);
	int ret = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, s, (int)len, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		struct strbuf scratch = STRBUF_INIT;
		size_t l;
		const char *t = fnv_text(sqlite3_column_value(st, 0), kind, &scratch, &l);
		if (t) {
			sb_add(out, t, l);
			ret = 0;
		}
		sb_release(&scratch);
	}
	if (ret)
		sb_adds(err, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return ret;
}

int fnv_canon(sqlite3_context *ctx, enum pgkind kind, const char *s, size_t len, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	int r;
	const char *fn;
	switch (kind) {
	case PGK_INT2: case PGK_INT4: case PGK_INT8:
		r = canon_int(kind, s, len, out, &err);
		break;
	case PGK_BOOL:
		r = canon_bool(s, len, out, &err);
		break;
	case PGK_NUMERIC:
		r = canon_numeric(s, len, out, &err);
		break;
	case PGK_UUID:
		r = canon_uuid(s, len, out, &err);
		break;
	case PGK_FLOAT4: case PGK_FLOAT8:
		fn = ctx ? module_input_fn(kind) : NULL;
		if (fn)
			r = canon_by_module(sqlite3_context_db_handle(ctx), fn, kind, s, len, out, &err);
		else
			r = canon_float(kind, s, len, out, &err);
		break;
	case PGK_JSONB:
		r = jsonb_normalize(s, len, out);
		if (r)
			sb_adds(&err, "invalid input syntax for type json");
		break;
	case PGK_TEXT: case PGK_VARCHAR: case PGK_JSON:
		sb_add(out, s, len);
		r = 0;
		break;
	default:
		fn = ctx ? module_input_fn(kind) : NULL;
		if (fn)
			r = canon_by_module(sqlite3_context_db_handle(ctx), fn, kind, s, len, out, &err);
		else if (kind == PGK_DATE || kind == PGK_TIMESTAMP || kind == PGK_TIMESTAMPTZ)
			r = canon_datetime(kind, s, len, out, &err);
		else {
			sb_add(out, s, len); /* taken as already canonical */
			r = 0;
		}
	}
	if (r && ctx)
		sqlite3_result_error(ctx, err.buf, (int)err.len);
	sb_release(&err);
	return r;
}

int fnv_date_add_days(const char *s, size_t len, int days, struct strbuf *out)
{
	const char *p = s, *e = s + len;
	long y, m, d, yy;
	int mm, dd, bc = len > 3 && !memcmp(e - 3, " BC", 3);
	if (bc)
		e -= 3;
	if (digits_at(&p, e, 4, 7, &y) || p >= e || *p++ != '-' || digits_at(&p, e, 2, 2, &m) ||
	    p >= e || *p++ != '-' || digits_at(&p, e, 2, 2, &d) || p != e)
		return -1;
	if (bc)
		y = 1 - y;
	civil_from_days(days_from_civil(y, (int)m, (int)d) + days, &yy, &mm, &dd);
	out_ymd(out, yy, mm, dd);
	if (yy <= 0)
		sb_adds(out, " BC");
	return 0;
}
