/*
 * report_profile: profiles of the columns of a changed table before and
 * after, value-change summaries, samples that show the change and replaced
 * rows (report_profile.h).
 *
 * Everything is computed in a bounded number of passes: one over each of
 * the two tables (pristine and working) for the profiles, one over each
 * numeric changed column for the histograms, and one over the table's
 * change set for transitions, edge cases, random samples and replacements.
 */
#define _GNU_SOURCE
#include "report_profile.h"
#include "report.h"
#include "pgtype.h"
#include "stage.h"

#include <gmp.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HLL_P 14
#define HLL_M (1u << HLL_P)
#define HBINS 20                /* histogram bins */
#define TRANS_MAX 2000          /* distinct transitions counted per column */
#define TOP_N 10                /* transitions and values listed */
#define PAIR_MAX 200000         /* deletes remembered for pairing */

/* ================================================================ hashing */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t hash_bytes(const char *s, size_t len, uint64_t h)
{
	h ^= 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h ^ len);
}

/* splitmix64: the seeded generator of the random samples */
static uint64_t rnd_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return mix64(*state);
}

/* ============================================================ value maps */

/*
 * An open-addressing map of values (or of old/new pairs) to counts.  It
 * takes at most `limit` distinct keys; past that it keeps counting the
 * keys it has and says it is no longer complete.
 */
struct ventry {
	uint64_t h;
	char *a, *b;          /* value (a), or old (a) and new (b) */
	int alen, blen;
	char anull, bnull;
	long long n;
	long long first_seq;  /* first change-set row with it (transitions) */
};

struct vmap {
	struct ventry *e;
	size_t cap, used, limit;
	int overflow;         /* a key was refused: counts are not complete */
};

static void vmap_init(struct vmap *m, size_t limit)
{
	m->cap = 16;
	while (m->cap < limit * 2)
		m->cap *= 2;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	m->used = 0;
	m->limit = limit;
	m->overflow = 0;
}

static void vmap_free(struct vmap *m)
{
	for (size_t i = 0; m->e && i < m->cap; i++) {
		free(m->e[i].a);
		free(m->e[i].b);
	}
	free(m->e);
	m->e = NULL;
}

static char *dupn(const char *s, int len)
{
	char *p = xmalloc((size_t)len + 1);
	memcpy(p, s, (size_t)len);
	p[len] = '\0';
	return p;
}

/* Counts (a, b); b may be NULL with bnull 0 for single values.  Returns the entry or NULL. */
static struct ventry *vmap_add(struct vmap *m, uint64_t h, const char *a, int alen, int anull,
			       const char *b, int blen, int bnull, long long seq)
{
	size_t i;
	if (!h)
		h = 1;
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ventry *x = &m->e[i];
		if (!x->h)
			break;
		if (x->h == h && x->anull == anull && x->bnull == bnull && x->alen == alen &&
		    x->blen == blen && !memcmp(x->a, a, (size_t)alen) &&
		    (!b || !memcmp(x->b, b, (size_t)blen))) {
			x->n++;
			return x;
		}
	}
	if (m->used >= m->limit) {
		m->overflow = 1;
		return NULL;
	}
	m->e[i].h = h;
	m->e[i].a = dupn(a, alen);
	m->e[i].alen = alen;
	m->e[i].anull = (char)anull;
	m->e[i].b = b ? dupn(b, blen) : NULL;
	m->e[i].blen = blen;
	m->e[i].bnull = (char)bnull;
	m->e[i].n = 1;
	m->e[i].first_seq = seq;
	m->used++;
	return &m->e[i];
}

static struct ventry *vmap_find(const struct vmap *m, uint64_t h, const char *a, int alen)
{
	if (!h)
		h = 1;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ventry *x = &m->e[i];
		if (!x->h)
			return NULL;
		if (x->h == h && x->alen == alen && !memcmp(x->a, a, (size_t)alen))
			return x;
	}
}

/* ========================================================== orders */

enum ordcls { ORD_NONE, ORD_INT, ORD_FLOAT, ORD_NUMERIC, ORD_TEXT, ORD_TIME };

/*
 * numeric_out text compared by value: sign, then the length of the
 * integer part, then digits; NaN sorts above everything, as in
 * PostgreSQL's btree order (-Infinity < numbers < Infinity < NaN).
 */
static int num_rank(const char *s, size_t len)
{
	if (len == 3 && !memcmp(s, "NaN", 3))
		return 3;
	if (len == 8 && !memcmp(s, "Infinity", 8))
		return 2;
	if (len == 9 && !memcmp(s, "-Infinity", 9))
		return -2;
	for (size_t i = 0; i < len; i++)
		if (s[i] >= '1' && s[i] <= '9')
			return s[0] == '-' ? -1 : 1;
	return 0; /* 0, 0.000 */
}

static int numtext_cmp_abs(const char *a, size_t la, const char *b, size_t lb)
{
	const char *da = memchr(a, '.', la), *db = memchr(b, '.', lb);
	size_t ia = da ? (size_t)(da - a) : la, ib = db ? (size_t)(db - b) : lb;
	const char *fa = da ? da + 1 : a + la, *fb = db ? db + 1 : b + lb;
	size_t nfa = (size_t)(a + la - fa), nfb = (size_t)(b + lb - fb);
	int c;
	/* "0.5": an integer part of 0 has no digits that count */
	if (ia == 1 && a[0] == '0')
		ia = 0;
	if (ib == 1 && b[0] == '0')
		ib = 0;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (ia && (c = memcmp(a, b, ia)))
		return c < 0 ? -1 : 1;
	for (size_t f = 0; f < nfa || f < nfb; f++) {
		char x = f < nfa ? fa[f] : '0', y = f < nfb ? fb[f] : '0';
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int report_numeric_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int ra = num_rank(a, la), rb = num_rank(b, lb);
	if (ra != rb || ra == 0 || ra == 2 || ra == 3 || ra == -2)
		return ra < rb ? -1 : ra > rb;
	if (ra < 0)
		return -numtext_cmp_abs(a + 1, la - 1, b + 1, lb - 1);
	return numtext_cmp_abs(a, la, b, lb);
}

/* ===================================================== numeric sums */

/*
 * An exact sum of numeric_out texts: a 128-bit accumulator at the largest
 * scale seen, spilled into a GMP integer before it could overflow.
 * NaN and infinities make the sum what PostgreSQL's sum() would say.
 */
struct xsum {
	__int128 acc;
	mpz_t z;
	int scale;
	int nan, pinf, ninf;
	long long n;
};

static void xsum_init(struct xsum *s)
{
	memset(s, 0, sizeof(*s));
	mpz_init(s->z);
}

static void mpz_add_i128(mpz_t z, __int128 v)
{
	mpz_t t;
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	mpz_init_set_ui(t, (unsigned long)(uint64_t)(u >> 64));
	mpz_mul_2exp(t, t, 64);
	mpz_add_ui(t, t, (unsigned long)(uint64_t)u);
	if (v < 0)
		mpz_sub(z, z, t);
	else
		mpz_add(z, z, t);
	mpz_clear(t);
}

static void xsum_flush(struct xsum *s)
{
	if (s->acc)
		mpz_add_i128(s->z, s->acc);
	s->acc = 0;
}

static void xsum_add(struct xsum *s, const char *t, size_t len);

static void xsum_add_scaled_int(struct xsum *s, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", v);
	s->n--; /* xsum_add counts it */
	xsum_add(s, buf, (size_t)n);
}

static void xsum_add(struct xsum *s, const char *t, size_t len)
{
	int neg = 0, scale = 0, digits = 0, dot = 0;
	__int128 v = 0;
	size_t i = 0;
	switch (num_rank(t, len)) {
	case 3: s->nan = 1; return;
	case 2: s->pinf = 1; return;
	case -2: s->ninf = 1; return;
	default: break;
	}
	s->n++;
	if (t[0] == '-' || t[0] == '+')
		neg = t[i++] == '-';
	for (; i < len; i++) {
		if (t[i] == '.') {
			dot = 1;
			continue;
		}
		if (t[i] < '0' || t[i] > '9')
			return; /* not numeric_out text: left out */
		digits++;
		scale += dot;
	}
	if (scale > s->scale) {
		xsum_flush(s);
		for (int k = s->scale; k < scale; k++)
			mpz_mul_ui(s->z, s->z, 10);
		s->scale = scale;
	}
	if (digits + (s->scale - scale) <= 36) {
		for (i = (t[0] == '-' || t[0] == '+'); i < len; i++)
			if (t[i] != '.')
				v = v * 10 + (t[i] - '0');
		for (int k = scale; k < s->scale; k++)
			v *= 10;
		if (neg)
			v = -v;
		if (__builtin_add_overflow(s->acc, v, &s->acc)) {
			xsum_flush(s);
			s->acc = v;
		}
	} else {
		mpz_t z;
		char *d = xmalloc(len + 1);
		size_t n = 0;
		for (i = (t[0] == '-' || t[0] == '+'); i < len; i++)
			if (t[i] != '.')
				d[n++] = t[i];
		d[n] = '\0';
		mpz_init_set_str(z, d, 10);
		for (int k = scale; k < s->scale; k++)
			mpz_mul_ui(z, z, 10);
		if (neg)
			mpz_sub(s->z, s->z, z);
		else
			mpz_add(s->z, s->z, z);
		mpz_clear(z);
		free(d);
	}
}

/* An integer SQLite holds as one: no text to parse. */
static void xsum_add_int(struct xsum *s, long long v)
{
	s->n++;
	if (s->scale) {
		xsum_add_scaled_int(s, v);
		return;
	}
	if (__builtin_add_overflow(s->acc, (__int128)v, &s->acc)) {
		xsum_flush(s);
		s->acc = v;
	}
}

/* The sum as numeric_out would print it; NULL when there was no value. */
static cJSON *xsum_json(struct xsum *s)
{
	char *d;
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	cJSON *ret;
	if (s->nan || (s->pinf && s->ninf))
		return cJSON_CreateString("NaN");
	if (s->pinf)
		return cJSON_CreateString("Infinity");
	if (s->ninf)
		return cJSON_CreateString("-Infinity");
	if (!s->n)
		return cJSON_CreateNull();
	xsum_flush(s);
	d = mpz_get_str(NULL, 10, s->z);
	if (d[0] == '-') {
		sb_addch(&sb, '-');
		memmove(d, d + 1, strlen(d));
	}
	len = strlen(d);
	if ((int)len <= s->scale) {
		sb_adds(&sb, "0");
		if (s->scale) {
			sb_addch(&sb, '.');
			for (int k = (int)len; k < s->scale; k++)
				sb_addch(&sb, '0');
			sb_adds(&sb, d);
		}
	} else {
		sb_add(&sb, d, len - (size_t)s->scale);
		if (s->scale) {
			sb_addch(&sb, '.');
			sb_adds(&sb, d + len - (size_t)s->scale);
		}
	}
	free(d);
	ret = cJSON_CreateString(sb.buf);
	sb_release(&sb);
	return ret;
}

static void xsum_clear(struct xsum *s)
{
	mpz_clear(s->z);
}

/* ============================================================ columns */

struct col {
	char *name;
	struct pgtype type;
	const char *pg_type;  /* format_type() text, or NULL when unknown */
	enum ordcls ord;
	int is_num, is_text, is_json;
};

static void col_classify(struct col *c)
{
	const struct pgtype *t = &c->type;
	c->ord = ORD_NONE;
	if (t->is_array || !c->pg_type)
		return;
	switch (t->kind) {
	case PGK_INT2: case PGK_INT4: case PGK_INT8:
		c->ord = ORD_INT; c->is_num = 1; break;
	case PGK_FLOAT4: case PGK_FLOAT8:
		c->ord = ORD_FLOAT; c->is_num = 1; break;
	case PGK_NUMERIC:
		c->ord = ORD_NUMERIC; c->is_num = 1; break;
	case PGK_TEXT: case PGK_VARCHAR: case PGK_CHAR:
		c->ord = ORD_TEXT; c->is_text = 1; break;
	case PGK_BOOL: case PGK_UUID: case PGK_BYTEA:
		c->ord = ORD_TEXT; break;
	case PGK_DATE: case PGK_TIME: case PGK_TIMETZ: case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ: case PGK_INTERVAL:
		c->ord = ORD_TIME; break;
	case PGK_JSON: case PGK_JSONB:
		c->is_json = 1; break;
	default: break;
	}
}

/* A date/time value as one number in PostgreSQL's order; 0 when it decodes. */
static int time_key(enum pgkind kind, const char *s, size_t len, __int128 *out)
{
	struct pgdt_value v;
	const char *why;
	if (pgdt_decode(kind, s, len, -1, PGDT_NO_CLOCK, &v, &why))
		return -1;
	switch (kind) {
	case PGK_DATE: *out = v.date; break;
	case PGK_TIMETZ: *out = (__int128)v.time + (__int128)v.zone * 1000000; break;
	case PGK_INTERVAL:
		*out = ((__int128)v.month * 30 + v.date) * (__int128)86400000000LL + v.time;
		break;
	default: *out = v.time; break;
	}
	return 0;
}

/* Compares two texts of a column in PostgreSQL's order for its type. */
static int ord_cmp(const struct col *c, const char *a, size_t la, const char *b, size_t lb)
{
	switch (c->ord) {
	case ORD_INT: {
		long long x = strtoll(a, NULL, 10), y = strtoll(b, NULL, 10);
		return x < y ? -1 : x > y;
	}
	case ORD_FLOAT: {
		double x = strtod(a, NULL), y = strtod(b, NULL);
		if (isnan(x) || isnan(y))
			return isnan(x) - isnan(y);
		return x < y ? -1 : x > y;
	}
	case ORD_NUMERIC:
		return report_numeric_cmp(a, la, b, lb);
	case ORD_TIME: {
		__int128 x, y;
		if (!time_key(c->type.kind, a, la, &x) && !time_key(c->type.kind, b, lb, &y))
			return x < y ? -1 : x > y;
		break; /* text order when a value does not decode */
	}
	default:
		break;
	}
	{
		int r = memcmp(a, b, la < lb ? la : lb);
		return r ? (r < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
	}
}

/* ============================================================ profiles */

struct side {
	long long rows, nulls;
	struct vmap vals;
	unsigned char *hll;
	char *min, *max;
	size_t minlen, maxlen;
	__int128 mink, maxk;  /* ORD_INT and ORD_TIME: the keys of min and max */
	double mind, maxd;    /* ORD_FLOAT */
	int keyed;            /* min and max have keys (all values decoded so far) */
	double len_sum;
	struct xsum sum;
	double fsum;
	long long bins[HBINS];
};

static void side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	vmap_init(&s->vals, PROFILE_EXACT);
	s->hll = xcalloc(HLL_M, 1);
	xsum_init(&s->sum);
}

static void side_free(struct side *s)
{
	vmap_free(&s->vals);
	free(s->hll);
	free(s->min);
	free(s->max);
	xsum_clear(&s->sum);
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* Replaces a kept min or max text. */
static void keep(char **dst, size_t *dlen, const char *v, size_t len)
{
	free(*dst);
	*dst = dupn(v, (int)len);
	*dlen = len;
}

/*
 * One value of a column.  ival/has_int: the value when SQLite holds it as
 * an integer (no text to parse).  Each value is decoded once into its
 * order key; min and max keep theirs.
 */
static void side_add(struct side *s, const struct col *c, const char *v, size_t len, int isnull,
		     int has_int, long long ival)
{
	uint64_t h;
	unsigned rank;
	s->rows++;
	if (isnull) {
		s->nulls++;
		return;
	}
	h = hash_bytes(v, len, 0);
	/* HyperLogLog: register by the low bits, rank of the rest */
	rank = (unsigned)__builtin_clzll((h >> HLL_P) | (1ULL << (63 - HLL_P))) - HLL_P + 1;
	if (s->hll[h & (HLL_M - 1)] < rank)
		s->hll[h & (HLL_M - 1)] = (unsigned char)rank;
	/* past the bound the counts are incomplete and no longer used */
	if (!s->vals.overflow)
		vmap_add(&s->vals, h, v, (int)len, 0, NULL, 0, 0, 0);
	switch (c->ord) {
	case ORD_NONE:
		break;
	case ORD_INT: {
		__int128 k = has_int ? ival : strtoll(v, NULL, 10);
		if (!s->min || k < s->mink) {
			keep(&s->min, &s->minlen, v, len);
			s->mink = k;
		}
		if (!s->max || k > s->maxk) {
			keep(&s->max, &s->maxlen, v, len);
			s->maxk = k;
		}
		break;
	}
	case ORD_FLOAT: {
		double d = strtod(v, NULL);
		/* NaN sorts above every number in PostgreSQL */
		if (!s->min || (!isnan(d) && (isnan(s->mind) || d < s->mind))) {
			keep(&s->min, &s->minlen, v, len);
			s->mind = d;
		}
		if (!s->max || (!isnan(s->maxd) && (isnan(d) || d > s->maxd))) {
			keep(&s->max, &s->maxlen, v, len);
			s->maxd = d;
		}
		break;
	}
	case ORD_TIME: {
		__int128 k;
		if (!time_key(c->type.kind, v, len, &k) && (!s->min || s->keyed)) {
			s->keyed = 1;
			if (!s->min || k < s->mink) {
				keep(&s->min, &s->minlen, v, len);
				s->mink = k;
			}
			if (!s->max || k > s->maxk) {
				keep(&s->max, &s->maxlen, v, len);
				s->maxk = k;
			}
			break;
		}
		s->keyed = 0;
		/* a value that does not decode: text order from here on */
		__attribute__((fallthrough));
	}
	default:
		if (!s->min || ord_cmp(c, v, len, s->min, s->minlen) < 0)
			keep(&s->min, &s->minlen, v, len);
		if (!s->max || ord_cmp(c, v, len, s->max, s->maxlen) > 0)
			keep(&s->max, &s->maxlen, v, len);
		break;
	}
	if (c->is_text)
		s->len_sum += (double)utf8_chars(v, len);
	if (c->ord == ORD_INT && has_int)
		xsum_add_int(&s->sum, ival);
	else if (c->ord == ORD_INT || c->ord == ORD_NUMERIC)
		xsum_add(&s->sum, v, len);
	else if (c->ord == ORD_FLOAT)
		s->fsum += strtod(v, NULL);
}

static double hll_estimate(const unsigned char *reg)
{
	double sum = 0, m = HLL_M, est;
	int zeros = 0;
	for (unsigned i = 0; i < HLL_M; i++) {
		sum += ldexp(1.0, -reg[i]);
		zeros += !reg[i];
	}
	est = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (est <= 2.5 * m && zeros)
		est = m * log(m / zeros);
	return round(est);
}

static cJSON *side_json(struct side *s, const struct col *c)
{
	cJSON *o = cJSON_CreateObject();
	long long nonnull = s->rows - s->nulls;
	cJSON_AddNumberToObject(o, "rows", (double)s->rows);
	cJSON_AddNumberToObject(o, "nulls", (double)s->nulls);
	if (!s->vals.overflow) {
		cJSON_AddNumberToObject(o, "distinct", (double)s->vals.used);
		cJSON_AddTrueToObject(o, "distinct_exact");
	} else {
		cJSON_AddNumberToObject(o, "distinct", hll_estimate(s->hll));
		cJSON_AddFalseToObject(o, "distinct_exact");
	}
	if (c->ord != ORD_NONE) {
		cJSON_AddItemToObject(o, "min", s->min ? cJSON_CreateString(s->min) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "max", s->max ? cJSON_CreateString(s->max) : cJSON_CreateNull());
	}
	if (c->is_text)
		cJSON_AddNumberToObject(o, "mean_length",
					nonnull ? round(s->len_sum / (double)nonnull * 10) / 10 : 0);
	if (c->ord == ORD_INT || c->ord == ORD_NUMERIC)
		cJSON_AddItemToObject(o, "sum", xsum_json(&s->sum));
	else if (c->ord == ORD_FLOAT) {
		struct strbuf sb = STRBUF_INIT;
		if (nonnull)
			sb_add_json_number(&sb, s->fsum);
		cJSON_AddItemToObject(o, "sum", nonnull ? cJSON_CreateString(sb.buf) : cJSON_CreateNull());
		sb_release(&sb);
	}
	return o;
}

/* ====================================================== reading values */

/*
 * A stored value as PostgreSQL text, as pgtype_to_text() renders it, with
 * fast paths: text stored for any kind but boolean and jsonb is already
 * PostgreSQL's output form; an integer sets *ival.
 */
static int value_text(const struct col *c, sqlite3_stmt *st, int i, struct strbuf *tmp,
		      const char **s, size_t *len, int *has_int, long long *ival)
{
	int type = sqlite3_column_type(st, i);
	*has_int = 0;
	if (type == SQLITE_NULL)
		return 1;
	if (type == SQLITE_INTEGER && c->ord == ORD_INT) {
		char buf[32];
		int n;
		*ival = sqlite3_column_int64(st, i);
		*has_int = 1;
		n = snprintf(buf, sizeof(buf), "%lld", *ival);
		sb_reset(tmp);
		sb_add(tmp, buf, (size_t)n);
	} else if (type == SQLITE_TEXT && (c->type.is_array ||
					   (c->type.kind != PGK_BOOL && c->type.kind != PGK_JSONB))) {
		*s = (const char *)sqlite3_column_text(st, i);
		*len = (size_t)sqlite3_column_bytes(st, i);
		return 0;
	} else if (pgtype_to_text(&c->type, sqlite3_column_value(st, i), tmp)) {
		return 1;
	}
	*s = tmp->buf;
	*len = tmp->len;
	return 0;
}

static int scan_table(sqlite3 *db, const char *table, struct col *cols, int ncols,
		      struct side *sides)
{
	struct strbuf sql = STRBUF_INIT, tmp = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	sb_adds(&sql, "SELECT ");
	for (int i = 0; i < ncols; i++) {
		if (i)
			sb_adds(&sql, ", ");
		sb_add_qident(&sql, cols[i].name);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, table);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++) {
			const char *s = NULL;
			size_t len = 0;
			long long ival = 0;
			int has_int, isnull = value_text(&cols[i], st, i, &tmp, &s, &len, &has_int, &ival);
			side_add(&sides[i], &cols[i], s, len, isnull, has_int, ival);
		}
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&tmp);
	return ret;
}

static int scan_bins(sqlite3 *db, const char *table, const struct col *c, double lo,
		     double hi, long long *bins)
{
	struct strbuf sql = STRBUF_INIT, tmp = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	sb_adds(&sql, "SELECT ");
	sb_add_qident(&sql, c->name);
	sb_adds(&sql, " FROM ");
	sb_add_qident(&sql, table);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = NULL;
		size_t len = 0;
		long long ival = 0;
		double d;
		int b, has_int;
		if (value_text(c, st, 0, &tmp, &s, &len, &has_int, &ival))
			continue;
		d = has_int ? (double)ival : strtod(s, NULL);
		if (!isfinite(d))
			continue;
		b = hi > lo ? (int)((d - lo) / (hi - lo) * HBINS) : 0;
		bins[b < 0 ? 0 : b >= HBINS ? HBINS - 1 : b]++;
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	sb_release(&tmp);
	return ret;
}

/* ============================================== change-set JSON arrays */

/*
 * A change-set row (a JSON array of strings and nulls, as changeset.c
 * writes it) split into values without building a cJSON tree: this pass
 * reads every changed row.
 */
struct jvals {
	int n, cap;
	const char **s;
	int *len;
	char *buf;            /* unescaped copies */
	size_t bufcap;
};

static void jvals_free(struct jvals *v)
{
	free(v->s);
	free(v->len);
	free(v->buf);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void put_utf8(char **o, unsigned cp)
{
	char *p = *o;
	if (cp < 0x80) {
		*p++ = (char)cp;
	} else if (cp < 0x800) {
		*p++ = (char)(0xC0 | (cp >> 6));
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*p++ = (char)(0xE0 | (cp >> 12));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*p++ = (char)(0xF0 | (cp >> 18));
		*p++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*p++ = (char)(0x80 | (cp & 0x3F));
	}
	*o = p;
}

/* Returns 0, or -1 when text is not such an array. */
static int jvals_parse(struct jvals *v, const char *text)
{
	size_t tl = text ? strlen(text) : 0;
	const char *p = text;
	char *o;
	v->n = 0;
	if (!text)
		return -1;
	if (v->bufcap < tl + 1) {
		v->bufcap = tl + 1;
		v->buf = xrealloc(v->buf, v->bufcap);
	}
	o = v->buf;
	while (*p == ' ')
		p++;
	if (*p++ != '[')
		return -1;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ']')
			return 0;
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 16;
			v->s = xrealloc(v->s, (size_t)v->cap * sizeof(*v->s));
			v->len = xrealloc(v->len, (size_t)v->cap * sizeof(*v->len));
		}
		if (!strncmp(p, "null", 4)) {
			v->s[v->n] = NULL;
			v->len[v->n++] = 0;
			p += 4;
			continue;
		}
		if (*p != '"')
			return -1;
		p++;
		v->s[v->n] = o;
		while (*p && *p != '"') {
			if (*p != '\\') {
				*o++ = *p++;
				continue;
			}
			p++;
			switch (*p) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'u': {
				unsigned cp = 0;
				for (int k = 1; k <= 4; k++) {
					int h = hexval(p[k]);
					if (h < 0)
						return -1;
					cp = cp * 16 + (unsigned)h;
				}
				p += 4;
				if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
					unsigned lo = 0;
					for (int k = 3; k <= 6; k++) {
						int h = hexval(p[k]);
						if (h < 0)
							return -1;
						lo = lo * 16 + (unsigned)h;
					}
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
				put_utf8(&o, cp);
				break;
			}
			case '\0': return -1;
			default: *o++ = *p; break;
			}
			p++;
		}
		if (*p != '"')
			return -1;
		v->len[v->n] = (int)(o - v->s[v->n]);
		*o++ = '\0';
		v->n++;
		p++;
	}
}

/* ============================================================== JSON diff */

static void jd_path(struct strbuf *path, const char *key, int index)
{
	if (key) {
		int plain = *key != '\0';
		for (const char *k = key; *k; k++)
			plain &= (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
				 (*k >= '0' && *k <= '9' && k != key) || *k == '_';
		if (plain) {
			sb_addch(path, '.');
			sb_adds(path, key);
		} else {
			sb_addch(path, '[');
			sb_add_json_string(path, key, strlen(key));
			sb_addch(path, ']');
		}
	} else {
		sb_addf(path, "[%d]", index);
	}
}

static void jd_add(cJSON *out, int max, const char *path, const char *op, const cJSON *a,
		   const cJSON *b)
{
	cJSON *e;
	struct strbuf sb = STRBUF_INIT;
	if (cJSON_GetArraySize(out) >= max)
		return;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "path", path);
	cJSON_AddStringToObject(e, "op", op);
	if (a) {
		sb_add_json_compact(&sb, a);
		cJSON_AddStringToObject(e, "old", sb.buf);
		sb_reset(&sb);
	}
	if (b) {
		sb_add_json_compact(&sb, b);
		cJSON_AddStringToObject(e, "new", sb.buf);
	}
	sb_release(&sb);
	cJSON_AddItemToArray(out, e);
}

static void jd_walk(cJSON *out, int max, struct strbuf *path, const cJSON *a, const cJSON *b)
{
	size_t mark = path->len;
	const cJSON *x;
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		cJSON_ArrayForEach(x, a) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			jd_path(path, x->string, 0);
			if (!y)
				jd_add(out, max, path->buf, "removed", x, NULL);
			else
				jd_walk(out, max, path, x, y);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		cJSON_ArrayForEach(x, b) {
			if (cJSON_GetObjectItemCaseSensitive(a, x->string))
				continue;
			jd_path(path, x->string, 0);
			jd_add(out, max, path->buf, "added", NULL, x);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		return;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
		for (int i = 0; i < na || i < nb; i++) {
			const cJSON *ea = cJSON_GetArrayItem(a, i), *eb = cJSON_GetArrayItem(b, i);
			jd_path(path, NULL, i);
			if (!eb)
				jd_add(out, max, path->buf, "removed", ea, NULL);
			else if (!ea)
				jd_add(out, max, path->buf, "added", NULL, eb);
			else
				jd_walk(out, max, path, ea, eb);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		return;
	}
	if (!cJSON_Compare(a, b, 1))
		jd_add(out, max, path->len ? path->buf : "$", "changed", a, b);
}

cJSON *report_json_diff(const char *old_text, const char *new_text, int max)
{
	cJSON *a = old_text ? cJSON_Parse(old_text) : NULL;
	cJSON *b = new_text ? cJSON_Parse(new_text) : NULL;
	cJSON *out = NULL;
	struct strbuf path = STRBUF_INIT;
	if (a && b) {
		out = cJSON_CreateArray();
		sb_adds(&path, "$");
		jd_walk(out, max, &path, a, b);
	}
	sb_release(&path);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return out;
}

/* ============================================================ the table */

/* What the change-set pass keeps per changed column. */
struct cchange {
	int ci;                 /* index into cols (by name) */
	int bi, ai;             /* position in old_row / new_row, -1 when absent */
	struct vmap trans;
	long long rows, null_to_value, value_to_null;
	long long first_to_value, first_to_null;   /* seq, 0: none */
	double max_delta;
	long long max_delta_seq;
	long long longest, longest_seq;
};

/* A chosen sample row: its position in the change set and why. */
struct pick {
	long long seq;
	char *why;
};

struct picks {
	struct pick *p;
	int n, cap;
};

static void picks_add(struct picks *ps, long long seq, char *why)
{
	if (!seq) {
		free(why);
		return;
	}
	/* one row can show several things: its reasons add up */
	for (int i = 0; i < ps->n; i++) {
		if (ps->p[i].seq == seq) {
			if (strcmp(why, "random") && strcmp(why, "all rows")) {
				char *both = xasprintf("%s; %s", ps->p[i].why, why);
				free(ps->p[i].why);
				ps->p[i].why = both;
			}
			free(why);
			return;
		}
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->p = xrealloc(ps->p, (size_t)ps->cap * sizeof(*ps->p));
	}
	ps->p[ps->n].seq = seq;
	ps->p[ps->n++].why = why;
}

static void picks_free(struct picks *ps)
{
	for (int i = 0; i < ps->n; i++)
		free(ps->p[i].why);
	free(ps->p);
}

/* Reservoir sampling (algorithm R) of change-set positions, per operation. */
struct reservoir {
	long long *seq;
	long long seen;
	int k;
};

static void res_add(struct reservoir *r, long long seq, uint64_t *rng)
{
	if (r->seen < r->k) {
		r->seq[r->seen++] = seq;
		return;
	}
	r->seen++;
	uint64_t j = rnd_next(rng) % (uint64_t)r->seen;
	if (j < (uint64_t)r->k)
		r->seq[j] = seq;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static int cmp_entry_desc(const void *a, const void *b)
{
	const struct ventry *x = *(const struct ventry *const *)a, *y = *(const struct ventry *const *)b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first_seq < y->first_seq ? -1 : x->first_seq > y->first_seq;
}

static cJSON *text_or_null(const char *s, int isnull)
{
	return isnull ? cJSON_CreateNull() : cJSON_CreateString(s);
}

static int name_index(const cJSON *arr, const char *name)
{
	const cJSON *c;
	int i = 0;
	cJSON_ArrayForEach(c, arr) {
		if (cJSON_IsString(c) && !strcmp(c->valuestring, name))
			return i;
		i++;
	}
	return -1;
}

/* A short display of a value for a "why" text. */
static void why_value(struct strbuf *sb, const char *s, int isnull)
{
	size_t len, cut;
	if (isnull) {
		sb_adds(sb, "NULL");
		return;
	}
	len = strlen(s);
	cut = utf8_cut(s, len, 40);
	sb_addch(sb, '\'');
	sb_add(sb, s, cut);
	if (cut < len)
		sb_adds(sb, "\xe2\x80\xa6");
	sb_addch(sb, '\'');
}

struct table_ctx {
	sqlite3 *db;
	const char *source, *table;
	cJSON *t;
	int samples;
	uint64_t rng;
	struct col *cols;      /* union of before and after columns */
	int ncols;
	struct cchange *cc;
	int ncc;
	int *key_pos;          /* primary key positions in old_row, or NULL */
	int nkey;
	struct reservoir res[3];   /* I, U, D */
	struct picks picks[3];
	long long replaced;
	long long (*pairs)[2];     /* first pairs: delete seq, insert seq */
	int npairs;
};

static int op_index(char op)
{
	return op == 'I' ? 0 : op == 'U' ? 1 : 2;
}

/* The type of a column an add_column schema change made, or NULL. */
static char *added_column_type(struct table_ctx *x, const char *column)
{
	sqlite3_stmt *st = NULL;
	char *ret = NULL;
	if (sqlite3_prepare_v2(x->db, "SELECT json_extract(spec, '$.type') FROM dd_schema_change "
				      "WHERE tbl = ?1 AND op = 'add_column' AND json_valid(spec) "
				      "AND json_extract(spec, '$.column') = ?2 ORDER BY seq DESC LIMIT 1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			ret = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ret;
}

static int load_columns(struct table_ctx *x)
{
	sqlite3_stmt *st = NULL;
	const cJSON *cb = jget(x->t, "columns_before"), *ca = jget(x->t, "columns_after"), *c;
	int n = cJSON_GetArraySize(cb) + cJSON_GetArraySize(ca), ret = -1;

	x->cols = xcalloc((size_t)(n ? n : 1), sizeof(*x->cols));
	if (sqlite3_prepare_v2(x->db, "SELECT pg_type, is_enum FROM dd_column WHERE source = ?1 "
				      "AND tbl = ?2 AND name = ?3", -1, &st, NULL) != SQLITE_OK) {
		stage_error(x->db, "cannot read the staging file");
		goto cleanup;
	}
	for (int side = 0; side < 2; side++) {
		cJSON_ArrayForEach(c, (side ? ca : cb)) {
			struct col *col;
			int dup = 0;
			if (!cJSON_IsString(c))
				continue;
			for (int i = 0; i < x->ncols; i++)
				dup |= !strcmp(x->cols[i].name, c->valuestring);
			if (dup)
				continue;
			col = &x->cols[x->ncols++];
			col->name = xstrdup(c->valuestring);
			sqlite3_bind_text(st, 1, x->source, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, x->table, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, col->name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW) {
				col->pg_type = xstrdup((const char *)sqlite3_column_text(st, 0));
				pgtype_parse(col->pg_type, sqlite3_column_int(st, 1), &col->type);
			} else {
				/* a column a schema change added: the type its spec gives */
				col->pg_type = added_column_type(x, col->name);
				pgtype_parse(col->pg_type ? col->pg_type : "text", 0, &col->type);
			}
			sqlite3_reset(st);
			col_classify(col);
		}
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	return ret;
}

static int load_key(struct table_ctx *x)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT columns FROM dd_constraint WHERE source = ?1 AND tbl = ?2 "
				      "AND kind = 'p' LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return stage_error(x->db, "cannot read the staging file");
	sqlite3_bind_text(st, 1, x->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, x->table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *k = cJSON_Parse((const char *)sqlite3_column_text(st, 0)), *c;
		int n = cJSON_GetArraySize(k);
		x->key_pos = xcalloc((size_t)(n ? n : 1), sizeof(int));
		cJSON_ArrayForEach(c, k) {
			int p = cJSON_IsString(c) ? name_index(jget(x->t, "columns_before"), c->valuestring) : -1;
			if (p < 0 || p != name_index(jget(x->t, "columns_after"), c->valuestring)) {
				x->nkey = 0;
				break;
			}
			x->key_pos[x->nkey++] = p;
		}
		cJSON_Delete(k);
	}
	sqlite3_finalize(st);
	return ret;
}

static int is_key_pos(const struct table_ctx *x, int i)
{
	for (int k = 0; k < x->nkey; k++)
		if (x->key_pos[k] == i)
			return 1;
	return 0;
}

/* A hash of a row's values apart from its primary key. */
static uint64_t row_rest_hash(const struct table_ctx *x, const struct jvals *v)
{
	uint64_t h = 0x1234567;
	for (int i = 0; i < v->n; i++) {
		if (is_key_pos(x, i))
			continue;
		h = hash_bytes(v->s[i] ? v->s[i] : "", (size_t)v->len[i], h ^ (v->s[i] ? 0 : 0x55));
	}
	return h ? h : 1;
}

/* The one pass over the table's change set. */
static int changes_pass(struct table_ctx *x)
{
	sqlite3_stmt *st = NULL;
	struct jvals oldv = { 0 }, newv = { 0 }, chg = { 0 };
	uint64_t *pair_h = NULL;
	long long *pair_seq = NULL;
	size_t pair_cap = 0, pair_used = 0;
	int same_cols, rc, ret = -1;

	same_cols = x->nkey > 0 &&
		    cJSON_Compare(jget(x->t, "columns_before"), jget(x->t, "columns_after"), 1) &&
		    jnum_or(x->t, "inserts", 0) > 0 && jnum_or(x->t, "deletes", 0) > 0;
	if (same_cols) {
		long long d = (long long)jnum_or(x->t, "deletes", 0);
		pair_cap = 16;
		while (pair_cap < 2 * (size_t)(d < PAIR_MAX ? d : PAIR_MAX))
			pair_cap *= 2;
		pair_h = xcalloc(pair_cap, sizeof(*pair_h));
		pair_seq = xcalloc(pair_cap, sizeof(*pair_seq));
	}
	if (sqlite3_prepare_v2(x->db, "SELECT seq, op, old_row, new_row, changed FROM dd_change "
				      "WHERE tbl = ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		stage_error(x->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long seq = sqlite3_column_int64(st, 0);
		char op = *(const char *)sqlite3_column_text(st, 1);
		res_add(&x->res[op_index(op)], seq, &x->rng);
		if (op == 'D' && pair_h) {
			if (jvals_parse(&oldv, (const char *)sqlite3_column_text(st, 2)) == 0 &&
			    pair_used < pair_cap / 2) {
				uint64_t h = row_rest_hash(x, &oldv);
				size_t i = h & (pair_cap - 1);
				while (pair_h[i])
					i = (i + 1) & (pair_cap - 1);
				pair_h[i] = h;
				pair_seq[i] = seq;
				pair_used++;
			}
			continue;
		}
		if (op == 'I' && pair_h) {
			if (jvals_parse(&newv, (const char *)sqlite3_column_text(st, 3)) == 0) {
				uint64_t h = row_rest_hash(x, &newv);
				for (size_t i = h & (pair_cap - 1); pair_h[i]; i = (i + 1) & (pair_cap - 1)) {
					if (pair_h[i] == h && pair_seq[i] > 0) {
						if (x->npairs < x->samples) {
							x->pairs[x->npairs][0] = pair_seq[i];
							x->pairs[x->npairs++][1] = seq;
						}
						pair_seq[i] = -pair_seq[i]; /* used */
						x->replaced++;
						break;
					}
				}
			}
			continue;
		}
		if (op != 'U')
			continue;
		if (jvals_parse(&oldv, (const char *)sqlite3_column_text(st, 2)) ||
		    jvals_parse(&newv, (const char *)sqlite3_column_text(st, 3)) ||
		    jvals_parse(&chg, (const char *)sqlite3_column_text(st, 4)))
			continue;
		for (int k = 0; k < chg.n; k++) {
			struct cchange *c = NULL;
			const char *o = NULL, *n = NULL;
			int ol = 0, nl = 0;
			for (int j = 0; j < x->ncc && !c; j++)
				if (chg.s[k] && !strcmp(x->cols[x->cc[j].ci].name, chg.s[k]))
					c = &x->cc[j];
			if (!c)
				continue;
			if (c->bi >= 0 && c->bi < oldv.n) {
				o = oldv.s[c->bi];
				ol = oldv.len[c->bi];
			}
			if (c->ai >= 0 && c->ai < newv.n) {
				n = newv.s[c->ai];
				nl = newv.len[c->ai];
			}
			c->rows++;
			vmap_add(&c->trans, hash_bytes(n ? n : "", (size_t)nl, hash_bytes(o ? o : "", (size_t)ol, (o ? 1 : 2) + (n ? 4 : 8))),
				 o ? o : "", ol, !o, n ? n : "", nl, !n, seq);
			if (!o && n) {
				c->null_to_value++;
				if (!c->first_to_value)
					c->first_to_value = seq;
			} else if (o && !n) {
				c->value_to_null++;
				if (!c->first_to_null)
					c->first_to_null = seq;
			}
			if (o && n && x->cols[c->ci].is_num) {
				double d = fabs(strtod(n, NULL) - strtod(o, NULL));
				if (isfinite(d) && d > c->max_delta) {
					c->max_delta = d;
					c->max_delta_seq = seq;
				}
			}
			if (n && x->cols[c->ci].is_text && nl > c->longest) {
				c->longest = nl;
				c->longest_seq = seq;
			}
		}
	}
	if (rc != SQLITE_DONE) {
		stage_error(x->db, "cannot read the change set");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	jvals_free(&oldv);
	jvals_free(&newv);
	jvals_free(&chg);
	free(pair_h);
	free(pair_seq);
	return ret;
}

/* Sorted entries of a map, most frequent first; the caller frees the array. */
static struct ventry **vmap_sorted(const struct vmap *m)
{
	struct ventry **v = xcalloc(m->used + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].h)
			v[n++] = &m->e[i];
	qsort(v, n, sizeof(*v), cmp_entry_desc);
	return v;
}

struct vdelta {
	const char *s;
	long long before, after;
};

static int cmp_vdelta(const void *a, const void *b)
{
	const struct vdelta *x = a, *y = b;
	long long dx = llabs(x->after - x->before), dy = llabs(y->after - y->before);
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(x->s, y->s);
}

/* Counts of values before and after, from the two exact value maps. */
static void add_value_counts(cJSON *vc, struct side *b, struct side *a)
{
	struct vdelta *d;
	size_t n = 0;
	long long appeared = 0, disappeared = 0;
	cJSON *arr;
	if (!b || !a)
		return; /* a column added or dropped: nothing to compare */
	if (b->vals.overflow || a->vals.overflow) {
		cJSON_AddNullToObject(vc, "values");
		return;
	}
	d = xcalloc(b->vals.used + a->vals.used + 1, sizeof(*d));
	for (size_t i = 0; i < b->vals.cap; i++) {
		struct ventry *e = &b->vals.e[i], *f;
		if (!e->h)
			continue;
		f = vmap_find(&a->vals, e->h, e->a, e->alen);
		if (!f)
			disappeared++;
		if (!f || f->n != e->n) {
			d[n].s = e->a;
			d[n].before = e->n;
			d[n++].after = f ? f->n : 0;
		}
	}
	for (size_t i = 0; i < a->vals.cap; i++) {
		struct ventry *e = &a->vals.e[i];
		if (!e->h || vmap_find(&b->vals, e->h, e->a, e->alen))
			continue;
		appeared++;
		d[n].s = e->a;
		d[n].before = 0;
		d[n++].after = e->n;
	}
	qsort(d, n, sizeof(*d), cmp_vdelta);
	arr = cJSON_AddArrayToObject(vc, "values");
	for (size_t i = 0; i < n && i < TOP_N; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", d[i].s);
		cJSON_AddNumberToObject(o, "before", (double)d[i].before);
		cJSON_AddNumberToObject(o, "after", (double)d[i].after);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(vc, "values_changed", (double)n);
	cJSON_AddNumberToObject(vc, "appeared", (double)appeared);
	cJSON_AddNumberToObject(vc, "disappeared", (double)disappeared);
	free(d);
}

static double text_double(const char *s)
{
	return s ? strtod(s, NULL) : NAN;
}

/* Reads the chosen rows and writes the table's "sample". */
static int write_samples(struct table_ctx *x, cJSON *sample)
{
	static const char *const keys[3] = { "inserts", "updates", "deletes" };
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(x->db, "SELECT key, old_row, new_row, changed FROM dd_change "
				      "WHERE tbl = ?1 AND seq = ?2", -1, &st, NULL) != SQLITE_OK) {
		stage_error(x->db, "cannot read the change set");
		goto cleanup;
	}
	for (int k = 0; k < 3; k++) {
		cJSON *arr = cJSON_AddArrayToObject(sample, keys[k]);
		for (int i = 0; i < x->picks[k].n; i++) {
			cJSON *r = cJSON_CreateObject(), *chg, *c;
			sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, x->picks[k].p[i].seq);
			if (sqlite3_step(st) != SQLITE_ROW) {
				sqlite3_reset(st);
				cJSON_Delete(r);
				continue;
			}
			cJSON_AddItemToObject(r, "key", cJSON_Parse((const char *)sqlite3_column_text(st, 0)));
			if (k != 0)
				cJSON_AddItemToObject(r, "old", cJSON_Parse((const char *)sqlite3_column_text(st, 1)));
			if (k != 2)
				cJSON_AddItemToObject(r, "new", cJSON_Parse((const char *)sqlite3_column_text(st, 2)));
			if (k == 1) {
				cJSON *jd = NULL;
				chg = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
				cJSON_AddItemToObject(r, "changed", chg);
				/* json and jsonb: which keys changed, not two blobs */
				cJSON_ArrayForEach(c, chg) {
					int ci = -1, bi, ai;
					cJSON *ov, *nv, *d;
					for (int j = 0; j < x->ncols; j++)
						if (cJSON_IsString(c) && !strcmp(x->cols[j].name, c->valuestring))
							ci = j;
					if (ci < 0 || !x->cols[ci].is_json)
						continue;
					bi = name_index(jget(x->t, "columns_before"), c->valuestring);
					ai = name_index(jget(x->t, "columns_after"), c->valuestring);
					ov = cJSON_GetArrayItem(jget(r, "old"), bi);
					nv = cJSON_GetArrayItem(jget(r, "new"), ai);
					d = report_json_diff(cJSON_IsString(ov) ? ov->valuestring : NULL,
							     cJSON_IsString(nv) ? nv->valuestring : NULL, 50);
					if (!d)
						continue;
					if (!jd)
						jd = cJSON_AddObjectToObject(r, "json_diff");
					cJSON_AddItemToObject(jd, c->valuestring, d);
				}
			}
			cJSON_AddStringToObject(r, "why", x->picks[k].p[i].why);
			cJSON_AddItemToArray(arr, r);
			sqlite3_reset(st);
		}
	}
	/* replaced rows: one delete and one insert, same values but the key */
	if (x->replaced > 0) {
		cJSON *rep = cJSON_AddObjectToObject(x->t, "replaced"), *arr;
		cJSON_AddNumberToObject(rep, "count", (double)x->replaced);
		arr = cJSON_AddArrayToObject(rep, "sample");
		for (int i = 0; i < x->npairs; i++) {
			cJSON *p = cJSON_CreateObject();
			for (int s = 0; s < 2; s++) {
				sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 2, x->pairs[i][s]);
				if (sqlite3_step(st) == SQLITE_ROW) {
					cJSON_AddItemToObject(p, s ? "new_key" : "old_key",
							      cJSON_Parse((const char *)sqlite3_column_text(st, 0)));
					if (s)
						cJSON_AddItemToObject(p, "row", cJSON_Parse((const char *)sqlite3_column_text(st, 2)));
				}
				sqlite3_reset(st);
			}
			cJSON_AddItemToArray(arr, p);
		}
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	return ret;
}

/* Edge cases first (at most half the samples), then random rows. */
static void choose_samples(struct table_ctx *x)
{
	int n = x->samples;
	for (int k = 0; k < 3; k++) {
		struct reservoir *r = &x->res[k];
		struct picks *ps = &x->picks[k];
		int edge_max = n > 1 ? n / 2 : n;
		long long *rs;
		if (r->seen <= n) {
			/* every row: in change order */
			qsort(r->seq, (size_t)(r->seen < r->k ? r->seen : r->k), sizeof(long long), cmp_ll);
			for (int i = 0; i < r->seen && i < r->k; i++)
				picks_add(ps, r->seq[i], xstrdup("all rows"));
			continue;
		}
		if (k == 1) {
			/* round robin over columns so each changed column shows */
			for (int round = 0; ps->n < edge_max && round < TOP_N; round++) {
				int added = 0;
				for (int j = 0; j < x->ncc && ps->n < edge_max; j++) {
					struct cchange *c = &x->cc[j];
					const char *cn = x->cols[c->ci].name;
					struct strbuf why = STRBUF_INIT;
					if (round == 0 && c->first_to_value) {
						sb_addf(&why, "%s: NULL \xe2\x86\x92 value", cn);
						picks_add(ps, c->first_to_value, sb_detach(&why, NULL));
						added++;
					} else if (round == 1 && c->first_to_null) {
						sb_addf(&why, "%s: value \xe2\x86\x92 NULL", cn);
						picks_add(ps, c->first_to_null, sb_detach(&why, NULL));
						added++;
					} else if (round == 2 && c->max_delta_seq) {
						sb_addf(&why, "%s: the largest change", cn);
						picks_add(ps, c->max_delta_seq, sb_detach(&why, NULL));
						added++;
					} else if (round == 3 && c->longest_seq) {
						sb_addf(&why, "%s: the longest new text", cn);
						picks_add(ps, c->longest_seq, sb_detach(&why, NULL));
						added++;
					} else if (round >= 4) {
						/* each distinct transition once, most frequent first */
						struct ventry **v = vmap_sorted(&c->trans);
						int idx = round - 4;
						if ((size_t)idx < c->trans.used && v[idx]->n > 1) {
							sb_addf(&why, "%s: ", cn);
							why_value(&why, v[idx]->a, v[idx]->anull);
							sb_adds(&why, " \xe2\x86\x92 ");
							why_value(&why, v[idx]->b, v[idx]->bnull);
							sb_addf(&why, " (%lld rows)", v[idx]->n);
							picks_add(ps, v[idx]->first_seq, sb_detach(&why, NULL));
							added++;
						}
						free(v);
					}
					sb_release(&why);
				}
				(void)added;
			}
		}
		rs = r->seq;
		qsort(rs, (size_t)r->k, sizeof(long long), cmp_ll);
		for (int i = 0; i < r->k && ps->n < n; i++)
			picks_add(ps, rs[i], xstrdup("random"));
	}
}

static void value_changes_json(struct table_ctx *x, struct side *before, struct side *after,
			       int *in_before, int *in_after)
{
	cJSON *vcs = cJSON_AddObjectToObject(x->t, "value_changes");
	for (int j = 0; j < x->ncc; j++) {
		struct cchange *c = &x->cc[j];
		const struct col *col = &x->cols[c->ci];
		cJSON *vc = cJSON_AddObjectToObject(vcs, col->name), *arr;
		struct ventry **v = vmap_sorted(&c->trans);
		struct side *b = in_before[c->ci] >= 0 ? &before[in_before[c->ci]] : NULL;
		struct side *a = in_after[c->ci] >= 0 ? &after[in_after[c->ci]] : NULL;
		cJSON_AddNumberToObject(vc, "rows", (double)c->rows);
		arr = cJSON_AddArrayToObject(vc, "transitions");
		for (size_t i = 0; i < c->trans.used && i < TOP_N; i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "old", text_or_null(v[i]->a, v[i]->anull));
			cJSON_AddItemToObject(o, "new", text_or_null(v[i]->b, v[i]->bnull));
			cJSON_AddNumberToObject(o, "rows", (double)v[i]->n);
			cJSON_AddItemToArray(arr, o);
		}
		free(v);
		cJSON_AddNumberToObject(vc, "transitions_distinct", (double)c->trans.used);
		cJSON_AddBoolToObject(vc, "transitions_exact", !c->trans.overflow);
		cJSON_AddNumberToObject(vc, "null_to_value", (double)c->null_to_value);
		cJSON_AddNumberToObject(vc, "value_to_null", (double)c->value_to_null);
		add_value_counts(vc, b, a);
		if (col->is_num) {
			cJSON *h;
			double lo = INFINITY, hi = -INFINITY;
			for (int s = 0; s < 2; s++) {
				struct side *sd = s ? a : b;
				if (!sd)
					continue;
				if (sd->min && isfinite(text_double(sd->min)))
					lo = fmin(lo, text_double(sd->min));
				if (sd->max && isfinite(text_double(sd->max)))
					hi = fmax(hi, text_double(sd->max));
			}
			cJSON_AddItemToObject(vc, "sum_before", b ? cJSON_Duplicate(jget(jget(jget(jget(x->t, "profile"), col->name), "before"), "sum"), 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(vc, "sum_after", a ? cJSON_Duplicate(jget(jget(jget(jget(x->t, "profile"), col->name), "after"), "sum"), 1) : cJSON_CreateNull());
			if (lo <= hi) {
				h = cJSON_AddObjectToObject(vc, "histogram");
				cJSON_AddNumberToObject(h, "lo", lo);
				cJSON_AddNumberToObject(h, "hi", hi);
				for (int s = 0; s < 2; s++) {
					struct side *sd = s ? a : b;
					cJSON *bins = cJSON_AddArrayToObject(h, s ? "after" : "before");
					for (int i = 0; sd && i < HBINS; i++)
						cJSON_AddItemToArray(bins, cJSON_CreateNumber((double)sd->bins[i]));
				}
			}
		}
	}
}

int report_profile_table(sqlite3 *db, const char *source, const char *table,
			 cJSON *t, int samples, unsigned long long seed)
{
	struct table_ctx x = { 0 };
	sqlite3_stmt *st = NULL;
	struct side *before = NULL, *after = NULL;
	int *in_before = NULL, *in_after = NULL, nb = 0, na = 0, ret = -1;
	struct col *bcols = NULL, *acols = NULL;
	char *pristine = NULL, *working = NULL;
	cJSON *profile, *sample;

	x.db = db;
	x.source = source;
	x.table = table;
	x.t = t;
	x.samples = samples;
	x.rng = seed ^ hash_bytes(table, strlen(table), 0);
	if (sqlite3_prepare_v2(db, "SELECT pristine_name, stage_name FROM dd_table WHERE source = ?1 "
				   "AND name = ?2", -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read the staging file");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		pristine = xstrdup((const char *)sqlite3_column_text(st, 0));
		working = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!pristine) {
		ret = 0;
		goto cleanup;
	}
	if (load_columns(&x) || load_key(&x))
		goto cleanup;

	/* profiles: one pass over each table */
	in_before = xcalloc((size_t)x.ncols + 1, sizeof(int));
	in_after = xcalloc((size_t)x.ncols + 1, sizeof(int));
	bcols = xcalloc((size_t)x.ncols + 1, sizeof(*bcols));
	acols = xcalloc((size_t)x.ncols + 1, sizeof(*acols));
	before = xcalloc((size_t)x.ncols + 1, sizeof(*before));
	after = xcalloc((size_t)x.ncols + 1, sizeof(*after));
	for (int i = 0; i < x.ncols; i++) {
		in_before[i] = name_index(jget(t, "columns_before"), x.cols[i].name) >= 0 ? nb : -1;
		if (in_before[i] >= 0) {
			bcols[nb] = x.cols[i];
			side_init(&before[nb++]);
		}
		in_after[i] = name_index(jget(t, "columns_after"), x.cols[i].name) >= 0 ? na : -1;
		if (in_after[i] >= 0) {
			acols[na] = x.cols[i];
			side_init(&after[na++]);
		}
	}
	if ((nb && scan_table(db, pristine, bcols, nb, before)) ||
	    (na && scan_table(db, working, acols, na, after)))
		goto cleanup;
	profile = cJSON_AddObjectToObject(t, "profile");
	for (int i = 0; i < x.ncols; i++) {
		cJSON *p = cJSON_AddObjectToObject(profile, x.cols[i].name);
		cJSON_AddStringToObject(p, "type", x.cols[i].pg_type ? x.cols[i].pg_type : "unknown");
		cJSON_AddItemToObject(p, "before", in_before[i] >= 0 ?
				      side_json(&before[in_before[i]], &x.cols[i]) : cJSON_CreateNull());
		cJSON_AddItemToObject(p, "after", in_after[i] >= 0 ?
				      side_json(&after[in_after[i]], &x.cols[i]) : cJSON_CreateNull());
	}

	/* the changed columns, and the one pass over the change set */
	x.cc = xcalloc((size_t)x.ncols + 1, sizeof(*x.cc));
	for (int i = 0; i < x.ncols; i++) {
		if (!jget(jget(t, "columns"), x.cols[i].name))
			continue;
		x.cc[x.ncc].ci = i;
		x.cc[x.ncc].bi = name_index(jget(t, "columns_before"), x.cols[i].name);
		x.cc[x.ncc].ai = name_index(jget(t, "columns_after"), x.cols[i].name);
		vmap_init(&x.cc[x.ncc].trans, TRANS_MAX);
		x.ncc++;
	}
	for (int k = 0; k < 3; k++) {
		x.res[k].k = samples;
		x.res[k].seq = xcalloc((size_t)samples + 1, sizeof(long long));
	}
	x.pairs = xcalloc((size_t)samples + 1, sizeof(*x.pairs));
	if (changes_pass(&x))
		goto cleanup;

	/* histograms of the changed numeric columns, on one scale */
	for (int j = 0; j < x.ncc; j++) {
		const struct col *c = &x.cols[x.cc[j].ci];
		double lo = INFINITY, hi = -INFINITY;
		struct side *b = in_before[x.cc[j].ci] >= 0 ? &before[in_before[x.cc[j].ci]] : NULL;
		struct side *a = in_after[x.cc[j].ci] >= 0 ? &after[in_after[x.cc[j].ci]] : NULL;
		if (!c->is_num)
			continue;
		for (int s = 0; s < 2; s++) {
			struct side *sd = s ? a : b;
			if (sd && sd->min && isfinite(text_double(sd->min)))
				lo = fmin(lo, text_double(sd->min));
			if (sd && sd->max && isfinite(text_double(sd->max)))
				hi = fmax(hi, text_double(sd->max));
		}
		if (lo > hi)
			continue;
		if ((b && scan_bins(db, pristine, c, lo, hi, b->bins)) ||
		    (a && scan_bins(db, working, c, lo, hi, a->bins)))
			goto cleanup;
	}
	value_changes_json(&x, before, after, in_before, in_after);

	choose_samples(&x);
	cJSON_DeleteItemFromObjectCaseSensitive(t, "sample");
	sample = cJSON_AddObjectToObject(t, "sample");
	if (write_samples(&x, sample))
		goto cleanup;
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	for (int i = 0; i < nb; i++)
		side_free(&before[i]);
	for (int i = 0; i < na; i++)
		side_free(&after[i]);
	for (int j = 0; j < x.ncc; j++)
		vmap_free(&x.cc[j].trans);
	for (int k = 0; k < 3; k++) {
		free(x.res[k].seq);
		picks_free(&x.picks[k]);
	}
	for (int i = 0; i < x.ncols; i++) {
		free(x.cols[i].name);
		free((char *)x.cols[i].pg_type);
	}
	free(x.cols);
	free(x.cc);
	free(x.key_pos);
	free(x.pairs);
	free(before);
	free(after);
	free(bcols);
	free(acols);
	free(in_before);
	free(in_after);
	free(pristine);
	free(working);
	return ret;
}
