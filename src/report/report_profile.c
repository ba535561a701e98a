/*
 * report_profile: profiles of the columns of a changed table before and
 * after, value-change summaries, samples that show the change and replaced
 * rows (report_profile.h).
 *
 * A table no schema change touched is read once, its working table beside
 * its change set (merged_pass): the profiles after, the profiles before
 * (derived: unchanged rows, old_row of updates and deletes), transitions,
 * edge cases, random samples and replacements all come from that read,
 * which a feeder thread does a block of rows ahead (struct feeder) while
 * the calling thread profiles.  Other tables are read the longer way: the snapshot and the working table
 * once each (scan_table), then the change set (changes_pass).  Histograms
 * come from the numbers kept while reading, or past a budget from one more
 * read of the column (scan_bins).
 */
#define _GNU_SOURCE
#include "report_profile.h"
#include "report.h"
#include "pgarray.h"
#include "pgtype.h"
#include "stage.h"

#include <gmp.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HLL_P 14
#define HLL_M (1u << HLL_P)
#define HBINS 20                /* histogram bins */
#define TRANS_MAX 2000          /* distinct transitions counted per column */
#define TOP_N 10                /* transitions and values listed */
#define PAIR_MAX 200000         /* deletes remembered for pairing */
#define HIST_KEEP 4000000       /* numbers a table keeps for histograms (32 MB) */
#define KEY_BYTES (8 << 20)     /* bytes of values a table's maps keep, in all */

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

/* FNV-1a: seeds the random samples (changing it would change them) */
static uint64_t hash_fnv(const char *s, size_t len, uint64_t h)
{
	h ^= 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h ^ len);
}

/* A 64-bit hash of bytes, a word at a time (every value of a profiled
   column is hashed, for its count and for HyperLogLog). */
static uint64_t hash_bytes(const char *s, size_t len, uint64_t h)
{
	uint64_t w;
	h ^= 0x9e3779b97f4a7c15ULL * (len + 1);
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (len) {
		/* the last 1-7 bytes as a little-endian word, as memcpy() into
		   a zeroed word gives them on x86, without a call: two
		   overlapping 4-byte reads, or the first, middle and last byte */
		if (len >= 4) {
			uint32_t lo, hi;
			memcpy(&lo, s, 4);
			memcpy(&hi, s + len - 4, 4);
			w = (uint64_t)lo | (uint64_t)hi << (8 * (len - 4));
		} else {
			w = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << (8 * (len / 2)) |
			    (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
		}
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	return mix64(h);
}

/* splitmix64: the seeded generator of the random samples */
static uint64_t rnd_next(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return mix64(*state);
}

/* ============================================================ value maps */

/* Are n bytes at a and b the same?  Values are short: up to 16 bytes are
   compared a word at a time here, without a call. */
static inline int bytes_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return x == y && u == v;
	}
	if (n >= 4 && n < 8) {
		uint32_t p, q, r, t;
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&t, b + n - 4, 4);
		return p == q && r == t;
	}
	if (n < 4) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	return !memcmp(a, b, n);
}

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
	uint64_t *hs;         /* the entries' hashes, probed without touching them */
	size_t cap, used, limit;
	int overflow;         /* a key was refused: counts are not complete */
	uint64_t *full;       /* once full: a bit per hash (low VMAP_FULL_BITS
				 bits) of the keys it holds, so that a key it
				 refuses is mostly refused without probing */
	long long *bytes_left; /* shared by a table's maps: the bytes of new
				  keys they may still keep (long values would
				  otherwise hold limit x their length) */
};

#define VMAP_FULL_BITS 16

static void vmap_init(struct vmap *m, size_t limit, long long *bytes_left)
{
	m->cap = 16;
	while (m->cap < limit * 2)
		m->cap *= 2;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	m->hs = xcalloc(m->cap, sizeof(*m->hs));
	m->used = 0;
	m->limit = limit;
	m->overflow = 0;
	m->full = NULL;
	m->bytes_left = bytes_left;
}

static void vmap_free(struct vmap *m)
{
	for (size_t i = 0; m->e && i < m->cap; i++) {
		free(m->e[i].a);
		free(m->e[i].b);
	}
	free(m->e);
	free(m->hs);
	free(m->full);
	m->e = NULL;
	m->hs = NULL;
	m->full = NULL;
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
	if (m->full && !(m->full[(h & ((1u << VMAP_FULL_BITS) - 1)) / 64] >> (h % 64) & 1)) {
		/* not among the keys of a full map */
		m->overflow = 1;
		return NULL;
	}
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ventry *x = &m->e[i];
		if (!m->hs[i])
			break;
		if (m->hs[i] == h && x->anull == anull && x->bnull == bnull && x->alen == alen &&
		    x->blen == blen && bytes_eq(x->a, a, (size_t)alen) &&
		    (!b || bytes_eq(x->b, b, (size_t)blen))) {
			x->n++;
			return x;
		}
	}
	if (m->used >= m->limit || *m->bytes_left < (long long)alen + (b ? blen : 0)) {
		m->overflow = 1;
		if (!m->full) {
			/* it takes no more keys: a bit per key it holds */
			m->full = xcalloc((1u << VMAP_FULL_BITS) / 64, sizeof(uint64_t));
			for (size_t k = 0; k < m->cap; k++)
				if (m->hs[k])
					m->full[(m->hs[k] & ((1u << VMAP_FULL_BITS) - 1)) / 64] |= 1ULL << (m->hs[k] % 64);
		}
		return NULL;
	}
	*m->bytes_left -= (long long)alen + (b ? blen : 0);
	m->e[i].h = h;
	m->hs[i] = h;
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
		if (!m->hs[i])
			return NULL;
		if (m->hs[i] == h && x->alen == alen && bytes_eq(x->a, a, (size_t)alen))
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

/*
 * Adds n times the numeric_out text t.  Text that is not a number is left
 * out (it still counts in n, as before).  The common case, one value that
 * fits, stays in the 128-bit accumulator.
 */
static void xsum_add(struct xsum *s, const char *t, size_t len, long long n)
{
	int neg = 0, scale = 0, digits = 0, dot = 0;
	__int128 v = 0;
	size_t i = 0, start;
	switch (num_rank(t, len)) {
	case 3: s->nan = 1; return;
	case 2: s->pinf = 1; return;
	case -2: s->ninf = 1; return;
	default: break;
	}
	s->n += n;
	if (t[0] == '-' || t[0] == '+')
		neg = t[i++] == '-';
	start = i;
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
	if (n == 1 && digits + (s->scale - scale) <= 36) {
		for (i = start; i < len; i++)
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
		char *d = xmalloc(len + 2);
		size_t nd = 0;
		for (i = start; i < len; i++)
			if (t[i] != '.')
				d[nd++] = t[i];
		d[nd] = '\0';
		mpz_init(z);
		if (nd && mpz_set_str(z, d, 10))
			mpz_set_ui(z, 0);
		for (int k = scale; k < s->scale; k++)
			mpz_mul_ui(z, z, 10);
		mpz_mul_ui(z, z, (unsigned long)n);
		if (neg)
			mpz_sub(s->z, s->z, z);
		else
			mpz_add(s->z, s->z, z);
		mpz_clear(z);
		free(d);
	}
}

/*
 * A number's text as a double, as strtod() would give it: plain decimal
 * text with at most 15 significant digits and 22 decimals is an exact
 * integer divided by an exact power of ten, one correctly rounded
 * division (Clinger's fast path); anything else goes to strtod().  Every
 * value of a changed numeric column passes here (histograms).  nt: what
 * the fast path read (nt->exact), for xsum_add_exact().
 */
/* What num_double_x() read of plain decimal text (exact: it was such). */
struct numtext {
	int exact;
	uint64_t m;           /* the digits as an integer, at most 15 significant */
	int frac, neg;        /* digits after the point; a minus sign */
};

static double num_double_x(const char *s, size_t len, struct numtext *nt)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
					 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
					 1e20, 1e21, 1e22 };
	uint64_t m = 0;
	int digits = 0, frac = 0, dot = 0, neg = 0;
	size_t i = 0;
	nt->exact = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return strtod(s, NULL);
	for (; i < len; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || frac >= 22)
			return strtod(s, NULL);
		m = m * 10 + (uint64_t)(s[i] - '0');
		digits += digits || s[i] != '0';
		frac += dot;
		if (digits > 15)
			return strtod(s, NULL);
	}
	nt->exact = 1;
	nt->m = m;
	nt->frac = frac;
	nt->neg = neg;
	return neg ? -((double)m / pow10[frac]) : (double)m / pow10[frac];
}

static double num_double(const char *s, size_t len)
{
	struct numtext nt;
	return num_double_x(s, len, &nt);
}

/* Decimal text of v into buf (at least 21 bytes); returns its length. */
static int fmt_ll(char *buf, long long v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char tmp[24];
	int n = 0, len = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	/* two digits a division (every integer key of a table passes here) */
	while (u >= 100) {
		unsigned d = (unsigned)(u % 100) * 2;
		u /= 100;
		tmp[n++] = pairs[d + 1];
		tmp[n++] = pairs[d];
	}
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

/* n times an integer SQLite holds as one: no text to parse. */
static void xsum_add_int(struct xsum *s, long long v, long long n)
{
	char buf[24];
	if (n != 1 || s->scale) {
		xsum_add(s, buf, (size_t)fmt_ll(buf, v), n);
		return;
	}
	s->n++;
	if (__builtin_add_overflow(s->acc, (__int128)v, &s->acc)) {
		xsum_flush(s);
		s->acc = v;
	}
}

/*
 * xsum_add(s, t, len, 1) of text num_double_x() has read (nt->exact): the
 * same sum without reading the digits again.  0 when the value would not
 * fit the accumulator at the sum's scale (nothing is added then).
 */
static int xsum_add_exact(struct xsum *s, const struct numtext *nt)
{
	__int128 v = (__int128)nt->m;
	if ((s->scale > nt->frac ? s->scale - nt->frac : 0) > 21)
		return 0; /* 10^15 * 10^21 still fits in 127 bits */
	s->n++;
	if (nt->frac > s->scale) {
		xsum_flush(s);
		for (int k = s->scale; k < nt->frac; k++)
			mpz_mul_ui(s->z, s->z, 10);
		s->scale = nt->frac;
	}
	for (int k = nt->frac; k < s->scale; k++)
		v *= 10;
	if (nt->neg)
		v = -v;
	if (__builtin_add_overflow(s->acc, v, &s->acc)) {
		xsum_flush(s);
		s->acc = v;
	}
	return 1;
}

/*
 * An exact sum of doubles (Shewchuk's non-overlapping partials, as
 * Python's math.fsum), correctly rounded at the end: the figure does not
 * depend on the order the values were read in.
 */
#define FSUM_PARTS 64

struct fsum {
	double p[FSUM_PARTS];
	int n;
	int nan, pinf, ninf;  /* NaN, Infinity, -Infinity seen (or the sum overflowed) */
};

static void fsum_add1(struct fsum *f, double x)
{
	int i = 0;
	if (isnan(x)) {
		f->nan = 1;
		return;
	}
	if (isinf(x)) {
		if (x > 0)
			f->pinf = 1;
		else
			f->ninf = 1;
		return;
	}
	for (int j = 0; j < f->n; j++) {
		double y = f->p[j], hi, lo;
		if (fabs(x) < fabs(y)) {
			double t = x;
			x = y;
			y = t;
		}
		hi = x + y;
		lo = y - (hi - x);
		if (lo != 0.0 && i < FSUM_PARTS - 1)
			f->p[i++] = lo;
		x = hi;
	}
	if (isinf(x)) {
		/* past the largest double: what a plain sum would say */
		if (x > 0)
			f->pinf = 1;
		else
			f->ninf = 1;
		f->n = 0;
		return;
	}
	f->p[i++] = x;
	f->n = i;
}

/* n times x, exactly: the product split in two doubles */
static void fsum_add(struct fsum *f, double x, long long n)
{
	double hi, lo;
	if (n == 1 || !isfinite(x)) {
		fsum_add1(f, x);
		return;
	}
	hi = x * (double)n;
	lo = isfinite(hi) ? fma(x, (double)n, -hi) : 0.0;
	fsum_add1(f, hi);
	fsum_add1(f, lo);
}

/* d += s: the partials are exact, so the sum is the same in any order. */
static void fsum_merge(struct fsum *d, const struct fsum *s)
{
	d->nan |= s->nan;
	d->pinf |= s->pinf;
	d->ninf |= s->ninf;
	for (int i = 0; i < s->n; i++)
		fsum_add1(d, s->p[i]);
}

static double fsum_result(const struct fsum *f)
{
	double hi = 0.0, lo = 0.0;
	int n = f->n;
	if (f->nan || (f->pinf && f->ninf))
		return NAN;
	if (f->pinf)
		return INFINITY;
	if (f->ninf)
		return -INFINITY;
	if (n > 0) {
		hi = f->p[--n];
		while (n > 0) {
			double x = hi, y = f->p[--n];
			hi = x + y;
			lo = y - (hi - x);
			if (lo != 0.0)
				break;
		}
		/* round half to even across the partials left */
		if (n > 0 && ((lo < 0 && f->p[n - 1] < 0) || (lo > 0 && f->p[n - 1] > 0))) {
			double y = lo * 2, x = hi + y;
			if (y == x - hi)
				hi = x;
		}
	}
	return hi;
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

/* d += s (s is left holding the same sum). */
static void xsum_merge(struct xsum *d, struct xsum *s)
{
	mpz_t t;
	d->nan |= s->nan;
	d->pinf |= s->pinf;
	d->ninf |= s->ninf;
	d->n += s->n;
	xsum_flush(d);
	xsum_flush(s);
	for (; d->scale < s->scale; d->scale++)
		mpz_mul_ui(d->z, d->z, 10);
	mpz_init_set(t, s->z);
	for (int k = s->scale; k < d->scale; k++)
		mpz_mul_ui(t, t, 10);
	mpz_add(d->z, d->z, t);
	mpz_clear(t);
}

/* ============================================================ columns */

struct col {
	char *name;
	struct pgtype type;
	const char *pg_type;  /* format_type() text, or NULL when unknown */
	enum ordcls ord;
	int is_num, is_text, is_json;
	int text_as_is;       /* text SQLite holds is already PostgreSQL's (value_text()) */
};

static void col_classify(struct col *c)
{
	const struct pgtype *t = &c->type;
	c->ord = ORD_NONE;
	c->text_as_is = t->is_array || (t->kind != PGK_BOOL && t->kind != PGK_JSONB);
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
	if (pgdt_decode(kind, s, len, PGDT_ORDER_NONE, -1, PGDT_NO_CLOCK, &v, &why))
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

/* ============================================================ profiles */

/* The smallest or largest value of a side, with its order key. */
struct ext {
	char *s;
	size_t len, cap;
	int set;
	int has_k, tried;     /* ORD_TIME: decoded (tried: decoding was tried) */
	__int128 k;           /* ORD_INT, ORD_TIME */
	double d;             /* ORD_FLOAT; ORD_NUMERIC when kept for a histogram */
	int dexact;           /* ORD_NUMERIC: d is plain decimal text correctly rounded */
};

/* A value's order key, computed at most once. */
struct vkey {
	int has_k, tried;
	__int128 k;
	double d;
	int dexact;
};

/*
 * Numbers kept for the histogram (whose scale is known only at the end):
 * values in chunks, and values with a count (from the value map); at most
 * a budget shared by the table, past which the column is read again.
 */
#define HCHUNK 65536

struct hvals {
	double **chunk;
	size_t n, nchunks;
	struct { double v; long long n; } *w;
	size_t nw, wcap;
	int lost;             /* over the budget: nothing kept */
};

struct side {
	long long rows, nulls;
	struct vmap vals;     /* exact counts while at most PROFILE_EXACT values */
	struct ventry *last;  /* ... the entry counted last, or NULL */
	int flushed;          /* more: the map's entries went into the figures
				 below, which every later value then updates */
	int folded;           /* the figures hold every value */
	unsigned char *hll;   /* from the flush on */
	struct ext min, max;
	long long len_sum;
	struct xsum sum;
	struct fsum fsum;
	struct hvals *hist;   /* changed numeric columns only */
	struct hvals *hist2;  /* a merged side's numbers, counted in the bins too */
	long long *budget;    /* numbers the table may still keep */
	long long bins[HBINS];
};

static void side_init(struct side *s, long long *key_bytes)
{
	memset(s, 0, sizeof(*s));
	vmap_init(&s->vals, PROFILE_EXACT, key_bytes);
	s->hll = xcalloc(HLL_M, 1);
	xsum_init(&s->sum);
}

static void hvals_free(struct hvals *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nchunks; i++)
		free(h->chunk[i]);
	free(h->chunk);
	free(h->w);
	free(h);
}

static void side_free(struct side *s)
{
	vmap_free(&s->vals);
	free(s->hll);
	free(s->min.s);
	free(s->max.s);
	xsum_clear(&s->sum);
	hvals_free(s->hist);
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0, i = 0;
	/* ASCII a word at a time: every byte is a character */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		n += 8;
	}
	for (; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static int bytes_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int r;
	if (la >= 8 && lb >= 8) {
		/* most values differ in their first 8 bytes: compared as one
		   big-endian word, without a call */
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y) {
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
			return x < y ? -1 : 1;
		}
	}
	r = memcmp(a, b, la < lb ? la : lb);
	return r ? (r < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
}

/*
 * Dates and timestamps whose text order is their time order: the same
 * length, a four-digit year, not BC and, with a time zone, UTC (as
 * PostgreSQL prints them in the UTC session every value comes from).
 * Saves decoding every value of a column.
 */
static int time_text_ordered(enum pgkind kind, const char *a, size_t la, const char *b, size_t lb)
{
	if (la != lb || la < 10 || (kind != PGK_DATE && kind != PGK_TIMESTAMP && kind != PGK_TIMESTAMPTZ))
		return 0;
	for (int i = 0; i < 4; i++)
		if (a[i] < '0' || a[i] > '9' || b[i] < '0' || b[i] > '9')
			return 0;
	if (a[4] != '-' || b[4] != '-' || a[la - 1] == 'C' || b[lb - 1] == 'C')
		return 0;
	if (kind == PGK_TIMESTAMPTZ)
		return la > 13 && !memcmp(a + la - 3, "+00", 3) && !memcmp(b + lb - 3, "+00", 3);
	return 1;
}

/* v against a kept extreme, in the type's order; equal values of another
   text (1.0 and 1.00) are ordered by their bytes, so that the order the
   rows are read in never shows. */
static int ext_cmp(const struct col *c, const char *v, size_t len, struct vkey *vk, struct ext *e)
{
	int r = 0;
	switch (c->ord) {
	case ORD_INT:
		r = vk->k < e->k ? -1 : vk->k > e->k;
		break;
	case ORD_FLOAT:
		/* NaN sorts above every number in PostgreSQL */
		if (isnan(vk->d) || isnan(e->d))
			r = isnan(vk->d) - isnan(e->d);
		else
			r = vk->d < e->d ? -1 : vk->d > e->d;
		break;
	case ORD_NUMERIC:
		/* rounding keeps the order: two numbers whose correctly
		   rounded doubles differ are in the doubles' order */
		if (vk->dexact && e->dexact && vk->d != e->d)
			r = vk->d < e->d ? -1 : 1;
		else
			r = report_numeric_cmp(v, len, e->s, e->len);
		break;
	case ORD_TIME:
		if (time_text_ordered(c->type.kind, v, len, e->s, e->len))
			return bytes_cmp(v, len, e->s, e->len);
		if (!vk->tried) {
			vk->has_k = !time_key(c->type.kind, v, len, &vk->k);
			vk->tried = 1;
		}
		if (!e->tried) {
			e->has_k = !time_key(c->type.kind, e->s, e->len, &e->k);
			e->tried = 1;
		}
		/* text order when a value does not decode */
		if (vk->has_k && e->has_k)
			r = vk->k < e->k ? -1 : vk->k > e->k;
		break;
	default:
		break;
	}
	return r ? r : bytes_cmp(v, len, e->s, e->len);
}

/* ext_cmp() with its common cases here: two different integers, or
   numbers whose exact doubles differ (the extremes are compared for
   every value of a column with many values). */
static inline int ext_cmp_fast(const struct col *c, const char *v, size_t len, struct vkey *vk,
			       struct ext *e)
{
	if (c->ord == ORD_INT && vk->k != e->k)
		return vk->k < e->k ? -1 : 1;
	if (c->ord == ORD_NUMERIC && vk->dexact && e->dexact && vk->d != e->d)
		return vk->d < e->d ? -1 : 1;
	return ext_cmp(c, v, len, vk, e);
}

static void ext_set(struct ext *e, const char *v, size_t len, const struct vkey *vk)
{
	if (e->cap < len + 1) {
		e->cap = len + 1 > 2 * e->cap ? len + 1 : 2 * e->cap;
		e->s = xrealloc(e->s, e->cap);
	}
	memcpy(e->s, v, len);
	e->s[len] = '\0';
	e->len = len;
	e->set = 1;
	e->k = vk->k;
	e->d = vk->d;
	e->dexact = vk->dexact;
	e->has_k = vk->has_k;
	e->tried = vk->tried;
}

static void hvals_add(struct side *s, double d, long long n)
{
	struct hvals *h = s->hist;
	if (h->lost)
		return;
	if (*s->budget <= 0) {
		/* too many: the histogram reads the table again */
		for (size_t i = 0; i < h->nchunks; i++)
			free(h->chunk[i]);
		free(h->chunk);
		free(h->w);
		memset(h, 0, sizeof(*h));
		h->lost = 1;
		return;
	}
	(*s->budget)--;
	if (n != 1) {
		if (h->nw == h->wcap) {
			h->wcap = h->wcap ? 2 * h->wcap : 64;
			h->w = xrealloc(h->w, h->wcap * sizeof(*h->w));
		}
		h->w[h->nw].v = d;
		h->w[h->nw++].n = n;
		return;
	}
	if (h->n == h->nchunks * HCHUNK) {
		h->chunk = xrealloc(h->chunk, (h->nchunks + 1) * sizeof(*h->chunk));
		h->chunk[h->nchunks++] = xmalloc(HCHUNK * sizeof(double));
	}
	h->chunk[h->n / HCHUNK][h->n % HCHUNK] = d;
	h->n++;
}

/*
 * Adds n times one non-NULL value to the figures (min, max, lengths, sums,
 * numbers for the histogram, HyperLogLog when hll_h is not 0).
 */
static void side_value(struct side *s, const struct col *c, const char *v, size_t len,
		       int has_int, long long ival, long long n, uint64_t hll_h)
{
	struct vkey vk = { 0 };
	struct numtext nt = { 0 };
	if (hll_h) {
		/* HyperLogLog: register by the low bits, rank of the rest */
		unsigned rank = (unsigned)__builtin_clzll((hll_h >> HLL_P) | (1ULL << (63 - HLL_P))) - HLL_P + 1;
		if (s->hll[hll_h & (HLL_M - 1)] < rank)
			s->hll[hll_h & (HLL_M - 1)] = (unsigned char)rank;
	}
	if (c->ord == ORD_NONE)
		return;
	if (c->ord == ORD_INT)
		vk.k = has_int ? ival : strtoll(v, NULL, 10);
	if (c->ord == ORD_FLOAT || s->hist) {
		if (has_int) {
			vk.d = (double)ival;
		} else {
			vk.d = num_double_x(v, len, &nt);
			vk.dexact = nt.exact;
		}
	}
	/* the order is total and min <= max: below the min is not above the max */
	if (!s->min.set) {
		ext_set(&s->min, v, len, &vk);
		ext_set(&s->max, v, len, &vk);
	} else if (ext_cmp_fast(c, v, len, &vk, &s->min) < 0) {
		ext_set(&s->min, v, len, &vk);
	} else if (ext_cmp_fast(c, v, len, &vk, &s->max) > 0) {
		ext_set(&s->max, v, len, &vk);
	}
	if (c->is_text)
		s->len_sum += (long long)utf8_chars(v, len) * n;
	if (c->ord == ORD_INT && has_int)
		xsum_add_int(&s->sum, ival, n);
	else if ((c->ord == ORD_INT || c->ord == ORD_NUMERIC) &&
		 !(nt.exact && n == 1 && xsum_add_exact(&s->sum, &nt)))
		xsum_add(&s->sum, v, len, n);
	else if (c->ord == ORD_FLOAT)
		fsum_add(&s->fsum, vk.d, n);
	if (s->hist)
		hvals_add(s, vk.d, n);
}

/* The value map's entries into the figures (once). */
static void side_fold(struct side *s, const struct col *c, int hll)
{
	for (size_t i = 0; i < s->vals.cap; i++) {
		const struct ventry *e = &s->vals.e[i];
		if (e->h)
			side_value(s, c, e->a, (size_t)e->alen, 0, 0, e->n, hll ? e->h : 0);
	}
	s->folded = 1;
}

/*
 * One value of a column.  ival/has_int: the value when SQLite holds it as
 * an integer (no text to parse).  While the column has few distinct
 * values only their counts are kept: min, max and sums come from the map
 * at the end, each distinct value decoded once.
 */
static uint64_t value_hash(const char *v, size_t len)
{
	uint64_t h = hash_bytes(v, len, 0);
	return h ? h : 1;
}

/* side_add() of a value whose hash (value_hash()) is known. */
static void side_add_h(struct side *s, const struct col *c, const char *v, size_t len, int isnull,
		       int has_int, long long ival, uint64_t h)
{
	s->rows++;
	if (isnull) {
		s->nulls++;
		return;
	}
	if (!s->flushed) {
		if ((s->last = vmap_add(&s->vals, h, v, (int)len, 0, NULL, 0, 0, 0)))
			return;
		/* past the bound: counts are no longer kept */
		side_fold(s, c, 1);
		s->flushed = 1;
	}
	side_value(s, c, v, len, has_int, ival, 1, h);
}

/*
 * side_add_h() with the hash computed only when it is needed: not when
 * the value is the one the side counted last (a column of few values
 * often holds one value in row after row).  *h: the value's hash when
 * known, else 0, set when computed.
 */
static void side_add_lazy(struct side *s, const struct col *c, const char *v, size_t len, int isnull,
			  int has_int, long long ival, uint64_t *h)
{
	if (isnull) {
		side_add_h(s, c, v, len, 1, has_int, ival, 0);
		return;
	}
	if (!s->flushed && s->last && (size_t)s->last->alen == len && bytes_eq(s->last->a, v, len)) {
		s->rows++;
		s->last->n++;
		return;
	}
	if (!*h)
		*h = value_hash(v, len);
	side_add_h(s, c, v, len, 0, has_int, ival, *h);
}

static void side_add(struct side *s, const struct col *c, const char *v, size_t len, int isnull,
		     int has_int, long long ival)
{
	uint64_t h = 0;
	side_add_lazy(s, c, v, len, isnull, has_int, ival, &h);
}

/*
 * d takes in the values of s, as if they had been added to d one by one:
 * the same counts, extremes, sums and, past the exact bound, the same
 * HyperLogLog registers.  s stays as it was (it is merged into both the
 * before and the after side: the values of rows a migration left alone).
 */
static void side_merge(struct side *d, struct side *s, const struct col *c)
{
	d->rows += s->rows;
	d->nulls += s->nulls;
	if (!s->flushed) {
		for (size_t i = 0; i < s->vals.cap; i++) {
			const struct ventry *e = &s->vals.e[i];
			struct ventry *f;
			if (!e->h)
				continue;
			if (!d->flushed) {
				if ((f = vmap_add(&d->vals, e->h, e->a, e->alen, 0, NULL, 0, 0, 0))) {
					f->n += e->n - 1;
					continue;
				}
				side_fold(d, c, 1);
				d->flushed = 1;
			}
			side_value(d, c, e->a, (size_t)e->alen, 0, 0, e->n, e->h);
		}
		return;
	}
	if (!d->flushed) {
		side_fold(d, c, 1);
		d->flushed = 1;
	}
	d->vals.overflow = 1;
	for (unsigned i = 0; i < HLL_M; i++)
		if (d->hll[i] < s->hll[i])
			d->hll[i] = s->hll[i];
	for (int m = 0; m < 2; m++) {
		struct ext *e = m ? &s->max : &s->min;
		struct vkey vk = { e->has_k, e->tried, e->k, e->d, e->dexact };
		if (!e->set)
			continue;
		if (m ? !d->max.set || ext_cmp(c, e->s, e->len, &vk, &d->max) > 0 :
			!d->min.set || ext_cmp(c, e->s, e->len, &vk, &d->min) < 0)
			ext_set(m ? &d->max : &d->min, e->s, e->len, &vk);
	}
	d->len_sum += s->len_sum;
	xsum_merge(&d->sum, &s->sum);
	fsum_merge(&d->fsum, &s->fsum);
	if (d->hist)
		d->hist2 = s->hist;
}

/* After the last value. */
static void side_finish(struct side *s, const struct col *c)
{
	if (!s->folded)
		side_fold(s, c, 0);
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
	if (!s->flushed) {
		cJSON_AddNumberToObject(o, "distinct", (double)s->vals.used);
		cJSON_AddTrueToObject(o, "distinct_exact");
	} else {
		cJSON_AddNumberToObject(o, "distinct", hll_estimate(s->hll));
		cJSON_AddFalseToObject(o, "distinct_exact");
	}
	if (c->ord != ORD_NONE) {
		cJSON_AddItemToObject(o, "min", s->min.set ? cJSON_CreateString(s->min.s) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "max", s->max.set ? cJSON_CreateString(s->max.s) : cJSON_CreateNull());
	}
	if (c->is_text)
		cJSON_AddNumberToObject(o, "mean_length",
					nonnull ? round((double)s->len_sum / (double)nonnull * 10) / 10 : 0);
	if (c->ord == ORD_INT || c->ord == ORD_NUMERIC)
		cJSON_AddItemToObject(o, "sum", xsum_json(&s->sum));
	else if (c->ord == ORD_FLOAT) {
		struct strbuf sb = STRBUF_INIT;
		if (nonnull)
			sb_add_json_number(&sb, fsum_result(&s->fsum));
		cJSON_AddItemToObject(o, "sum", nonnull ? cJSON_CreateString(sb.buf) : cJSON_CreateNull());
		sb_release(&sb);
	}
	return o;
}

/* The bin of a number on the scale lo..hi. */
static int bin_of(double d, double lo, double hi)
{
	int b = hi > lo ? (int)((d - lo) / (hi - lo) * HBINS) : 0;
	return b < 0 ? 0 : b >= HBINS ? HBINS - 1 : b;
}

/* Bins from the kept numbers; -1 when they were not kept. */
static int side_bins(struct side *s, double lo, double hi)
{
	if (!s->hist || s->hist->lost || (s->hist2 && s->hist2->lost))
		return -1;
	for (int k = 0; k < 2; k++) {
		const struct hvals *h = k ? s->hist2 : s->hist;
		for (size_t i = 0; h && i < h->n; i++) {
			double d = h->chunk[i / HCHUNK][i % HCHUNK];
			if (isfinite(d))
				s->bins[bin_of(d, lo, hi)]++;
		}
		for (size_t i = 0; h && i < h->nw; i++)
			if (isfinite(h->w[i].v))
				s->bins[bin_of(h->w[i].v, lo, hi)] += h->w[i].n;
	}
	return 0;
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
	/* one column call, then the value's own accessors: every cell of
	   both tables passes here, and each column call costs a statement
	   look-up and an error check */
	sqlite3_value *v = sqlite3_column_value(st, i);
	int type = sqlite3_value_type(v);
	*has_int = 0;
	if (type == SQLITE_NULL)
		return 1;
	if (type == SQLITE_INTEGER && c->ord == ORD_INT) {
		*ival = sqlite3_value_int64(v);
		*has_int = 1;
		sb_reset(tmp);
		sb_grow(tmp, 24);
		tmp->len = (size_t)fmt_ll(tmp->buf, *ival);
	} else if (type == SQLITE_TEXT && c->text_as_is) {
		*s = (const char *)sqlite3_value_text(v);
		*len = (size_t)sqlite3_value_bytes(v);
		return 0;
	} else if (pgtype_to_text(&c->type, v, tmp)) {
		return 1;
	}
	*s = tmp->buf;
	*len = tmp->len;
	return 0;
}

/* One row's values as PostgreSQL text (s NULL for NULL), kept until the next row. */
struct wrow {
	int n;
	const char **s;
	int *len;
	int *has_int;
	long long *ival;
	struct strbuf *tmp;   /* per column, for text rendered here */
};

static void wrow_init(struct wrow *w, int n)
{
	w->n = n;
	w->s = xcalloc((size_t)n + 1, sizeof(*w->s));
	w->len = xcalloc((size_t)n + 1, sizeof(*w->len));
	w->has_int = xcalloc((size_t)n + 1, sizeof(*w->has_int));
	w->ival = xcalloc((size_t)n + 1, sizeof(*w->ival));
	w->tmp = xcalloc((size_t)n + 1, sizeof(*w->tmp));
	for (int i = 0; i < n; i++) {
		struct strbuf empty = STRBUF_INIT;
		w->tmp[i] = empty;
	}
}

static void wrow_free(struct wrow *w)
{
	for (int i = 0; i < w->n; i++)
		sb_release(&w->tmp[i]);
	free(w->s);
	free(w->len);
	free(w->has_int);
	free(w->ival);
	free(w->tmp);
}

static void wrow_read(struct wrow *w, const struct col *cols, sqlite3_stmt *st)
{
	for (int i = 0; i < w->n; i++) {
		size_t len = 0;
		if (value_text(&cols[i], st, i, &w->tmp[i], &w->s[i], &len, &w->has_int[i], &w->ival[i]))
			w->s[i] = NULL;
		w->len[i] = (int)len;
	}
}

/* SELECT cols FROM table [ORDER BY the key] */
static void select_cols(struct strbuf *sql, const char *table, const struct col *cols, int ncols,
			const int *key, int nkey)
{
	sb_adds(sql, "SELECT ");
	for (int i = 0; i < ncols; i++) {
		if (i)
			sb_adds(sql, ", ");
		sb_add_qident(sql, cols[i].name);
	}
	sb_adds(sql, " FROM ");
	sb_add_qident(sql, table);
	for (int k = 0; k < nkey; k++) {
		sb_adds(sql, k ? ", " : " ORDER BY ");
		sb_add_qident(sql, cols[key[k]].name);
	}
}

/* Calls fn with every row of the columns cols of table, in no order. */
static int scan_rows(sqlite3 *db, const char *table, const struct col *cols, int ncols,
		     void (*fn)(void *arg, const struct wrow *w), void *arg)
{
	struct strbuf sql = STRBUF_INIT;
	struct wrow w;
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	wrow_init(&w, ncols);
	select_cols(&sql, table, cols, ncols, NULL, 0);
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		wrow_read(&w, cols, st);
		fn(arg, &w);
	}
	if (rc != SQLITE_DONE) {
		stage_error(db, "cannot read a table of the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	wrow_free(&w);
	return ret;
}

struct profile_scan {
	const struct col *cols;
	struct side *sides;
};

static void profile_row(void *arg, const struct wrow *w)
{
	struct profile_scan *p = arg;
	for (int i = 0; i < w->n; i++)
		side_add(&p->sides[i], &p->cols[i], w->s[i], (size_t)w->len[i], !w->s[i],
			 w->has_int[i], w->ival[i]);
}

/* The profiles of every column of a table. */
static int scan_table(sqlite3 *db, const char *table, struct col *cols, int ncols,
		      struct side *sides)
{
	struct profile_scan p = { cols, sides };
	return scan_rows(db, table, cols, ncols, profile_row, &p);
}

struct bins_scan {
	double lo, hi;
	long long *bins;
};

static void bins_row(void *arg, const struct wrow *w)
{
	struct bins_scan *b = arg;
	double d;
	if (!w->s[0])
		return;
	d = w->has_int[0] ? (double)w->ival[0] : num_double(w->s[0], (size_t)w->len[0]);
	if (isfinite(d))
		b->bins[bin_of(d, b->lo, b->hi)]++;
}

/* A histogram of one numeric column, read again (its numbers were not kept). */
static int scan_bins(sqlite3 *db, const char *table, const struct col *c, double lo,
		     double hi, long long *bins)
{
	struct bins_scan b = { lo, hi, bins };
	return scan_rows(db, table, c, 1, bins_row, &b);
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

/* A byte that neither ends a JSON string (or the text) nor starts an escape. */
static inline int json_plain(char c)
{
	return c != '"' && c != '\\' && c;
}

/*
 * Splits text (tl bytes, NUL-terminated) into v.  The values are written
 * to out: v's own buffer, or text itself (in place: a value is never
 * longer than its JSON string, so the text is only overwritten where it
 * has been read; a value without escapes stays where it is and only its
 * closing quote becomes its NUL).  Returns 0, or -1 when text is not
 * such an array.
 */
static int jvals_split(struct jvals *v, const char *text, char *out)
{
	const char *p = text;
	char *o = out;
	v->n = 0;
	if (!text)
		return -1;
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
		if (*p == 'n' && !strncmp(p, "null", 4)) {
			v->s[v->n] = NULL;
			v->len[v->n++] = 0;
			p += 4;
			continue;
		}
		if (*p != '"')
			return -1;
		p++;
		if (out == text)
			o = (char *)p;  /* in place: the value starts where it is */
		v->s[v->n] = o;
		while (*p && *p != '"') {
			if (*p != '\\') {
				/* in place and before any escape there is nothing to
				   move: the end is found by strcspn(); else values are
				   short and a byte loop beats strcspn + memcpy */
				if (o == p) {
					p += strcspn(p, "\"\\");
					o = (char *)p;
				} else {
					do
						*o++ = *p++;
					while (json_plain(*p));
				}
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

/* jvals_split() into v's buffer. */
static int jvals_parse_n(struct jvals *v, const char *text, size_t tl)
{
	if (!text)
		return jvals_split(v, NULL, NULL);
	if (v->bufcap < tl + 1) {
		v->bufcap = tl + 1;
		v->buf = xrealloc(v->buf, v->bufcap);
	}
	return jvals_split(v, text, v->buf);
}

static int jvals_parse(struct jvals *v, const char *text)
{
	return jvals_parse_n(v, text, text ? strlen(text) : 0);
}

/* ============================================================== JSON diff */

/* Where a diff goes; pg: the PostgreSQL array it is of (else JSON). */
struct jd {
	cJSON *out;
	int max;                /* entries at most */
	const struct pgarr *pg; /* a PostgreSQL array's diff: the new array, */
	const struct pgarr *pg_old; /* ... and the old one (their lower bounds) */
	int old_side;           /* the next index is in the old array */
};

static void jd_path(const struct jd *d, struct strbuf *path, const char *key, int index)
{
	if (d->pg) {
		/* PostgreSQL subscripts: from the dimension's lower bound in
		   the array the element is in (the old one when removed) */
		const struct pgarr *a = d->old_side ? d->pg_old : d->pg;
		int depth = 0;
		for (size_t i = 0; i < path->len; i++)
			depth += path->buf[i] == '[';
		sb_addf(path, "[%d]", index + (depth < a->ndims ? a->lbound[depth] : 1));
	} else if (key) {
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

/* An element of a PostgreSQL array as array_out writes it ({...} for a
   sub-array, NULL for a NULL element). */
static void pg_elem_text(struct strbuf *sb, const cJSON *v)
{
	const cJSON *x;
	if (cJSON_IsString(v)) {
		pgarr_out_elem(sb, v->valuestring, strlen(v->valuestring));
		return;
	}
	if (!cJSON_IsArray(v)) {
		sb_adds(sb, "NULL");
		return;
	}
	sb_addch(sb, '{');
	cJSON_ArrayForEach(x, v) {
		if (x != v->child)
			sb_addch(sb, ',');
		pg_elem_text(sb, x);
	}
	sb_addch(sb, '}');
}

static void jd_add(struct jd *d, const char *path, const char *op, const cJSON *a,
		   const cJSON *b)
{
	cJSON *e, *out = d->out;
	struct strbuf sb = STRBUF_INIT;
	if (cJSON_GetArraySize(out) >= d->max)
		return;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "path", path);
	cJSON_AddStringToObject(e, "op", op);
	for (int k = 0; k < 2; k++) {
		const cJSON *v = k ? b : a;
		if (!v)
			continue;
		sb_reset(&sb);
		if (d->pg)
			pg_elem_text(&sb, v);
		else
			sb_add_json_compact(&sb, v);
		cJSON_AddStringToObject(e, k ? "new" : "old", sb.buf);
	}
	sb_release(&sb);
	cJSON_AddItemToArray(out, e);
}

static void jd_walk(struct jd *d, struct strbuf *path, const cJSON *a, const cJSON *b);

#define JD_LCS_MAX 40000        /* old x new elements compared for an array diff */

/*
 * Two arrays as the elements removed and added: the longest common
 * subsequence stays, the rest of the old array is removed (its index in
 * the old), the rest of the new one added (its index in the new), so that
 * ["a","b"] -> ["x","a","b"] says one element added, not three changed.
 * Between two kept elements, as many removed as added elements are the
 * same places changed: objects or arrays there are diffed by key.
 * Returns -1 (nothing written) when the arrays are too long to compare.
 */
static void jd_flush(struct jd *d, struct strbuf *path, const cJSON **ea, const int *rm,
		     int nrm, const cJSON **eb, const int *ad, int nad)
{
	size_t mark = path->len;
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < (pass ? nad : nrm); k++) {
			const cJSON *x = nrm == nad ? ea[rm[k]] : NULL, *y = nrm == nad ? eb[ad[k]] : NULL;
			int inside = x && ((cJSON_IsObject(x) && cJSON_IsObject(y)) ||
					   (cJSON_IsArray(x) && cJSON_IsArray(y)));
			if (inside && pass == 0)
				continue; /* in the second pass, at its new index */
			d->old_side = !pass;
			jd_path(d, path, NULL, pass ? ad[k] : rm[k]);
			d->old_side = 0;
			if (inside)
				jd_walk(d, path, x, y);
			else if (pass)
				jd_add(d, path->buf, "added", NULL, eb[ad[k]]);
			else
				jd_add(d, path->buf, "removed", ea[rm[k]], NULL);
			path->len = mark;
			path->buf[mark] = '\0';
		}
	}
}

static int jd_array(struct jd *d, struct strbuf *path, const cJSON *a, const cJSON *b)
{
	int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b), i, j, nrm = 0, nad = 0;
	const cJSON **ea, **eb, *x;
	int *rm, *ad;
	unsigned short *l;
	if ((long long)(na + 1) * (nb + 1) > JD_LCS_MAX)
		return -1;
	ea = xcalloc((size_t)na + 1, sizeof(*ea));
	eb = xcalloc((size_t)nb + 1, sizeof(*eb));
	rm = xcalloc((size_t)na + 1, sizeof(*rm));
	ad = xcalloc((size_t)nb + 1, sizeof(*ad));
	i = 0;
	cJSON_ArrayForEach(x, a)
		ea[i++] = x;
	j = 0;
	cJSON_ArrayForEach(x, b)
		eb[j++] = x;
	/* l[i][j]: the LCS of a[i..] and b[j..] */
	l = xcalloc((size_t)(na + 1) * (size_t)(nb + 1), sizeof(*l));
#define L(i, j) l[(size_t)(i) * (size_t)(nb + 1) + (size_t)(j)]
	for (i = na - 1; i >= 0; i--)
		for (j = nb - 1; j >= 0; j--)
			L(i, j) = cJSON_Compare(ea[i], eb[j], 1) ? (unsigned short)(L(i + 1, j + 1) + 1) :
				  L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j) : L(i, j + 1);
	i = j = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && cJSON_Compare(ea[i], eb[j], 1)) {
			jd_flush(d, path, ea, rm, nrm, eb, ad, nad);
			nrm = nad = 0;
			i++;
			j++;
		} else if (i < na && (j == nb || L(i + 1, j) >= L(i, j + 1))) {
			rm[nrm++] = i++;
		} else {
			ad[nad++] = j++;
		}
	}
	jd_flush(d, path, ea, rm, nrm, eb, ad, nad);
#undef L
	free(l);
	free(ea);
	free(eb);
	free(rm);
	free(ad);
	return 0;
}

static void jd_walk(struct jd *d, struct strbuf *path, const cJSON *a, const cJSON *b)
{
	size_t mark = path->len;
	const cJSON *x;
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		cJSON_ArrayForEach(x, a) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			jd_path(d, path, x->string, 0);
			if (!y)
				jd_add(d, path->buf, "removed", x, NULL);
			else
				jd_walk(d, path, x, y);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		cJSON_ArrayForEach(x, b) {
			if (cJSON_GetObjectItemCaseSensitive(a, x->string))
				continue;
			jd_path(d, path, x->string, 0);
			jd_add(d, path->buf, "added", NULL, x);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		return;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b) && !jd_array(d, path, a, b))
		return;
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
		for (int i = 0; i < na || i < nb; i++) {
			const cJSON *ea = cJSON_GetArrayItem(a, i), *eb = cJSON_GetArrayItem(b, i);
			d->old_side = !eb;
			jd_path(d, path, NULL, i);
			d->old_side = 0;
			if (!eb)
				jd_add(d, path->buf, "removed", ea, NULL);
			else if (!ea)
				jd_add(d, path->buf, "added", NULL, eb);
			else
				jd_walk(d, path, ea, eb);
			path->len = mark;
			path->buf[mark] = '\0';
		}
		return;
	}
	if (!cJSON_Compare(a, b, 1))
		jd_add(d, path->len ? path->buf : "$", "changed", a, b);
}

cJSON *report_json_diff(const char *old_text, const char *new_text, int max)
{
	cJSON *a = old_text ? cJSON_Parse(old_text) : NULL;
	cJSON *b = new_text ? cJSON_Parse(new_text) : NULL;
	struct jd d = { NULL, max, NULL, NULL, 0 };
	struct strbuf path = STRBUF_INIT;
	if (a && b) {
		d.out = cJSON_CreateArray();
		sb_adds(&path, "$");
		jd_walk(&d, &path, a, b);
	}
	sb_release(&path);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return d.out;
}

/* Elements from *pos on as nested arrays of strings and nulls, the
   dimensions from depth on. */
static cJSON *pgarr_json(const struct pgarr *a, int depth, size_t *pos)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; depth < a->ndims && i < a->dims[depth]; i++) {
		if (depth + 1 < a->ndims) {
			cJSON_AddItemToArray(arr, pgarr_json(a, depth + 1, pos));
		} else if (*pos < a->n) {
			const struct pgarr_elem *e = &a->elems[(*pos)++];
			cJSON_AddItemToArray(arr, e->s ? cJSON_CreateString(e->s) : cJSON_CreateNull());
		}
	}
	return arr;
}

cJSON *report_array_diff(const char *old_text, const char *new_text, int max)
{
	struct pgarr pa = { 0 }, pb = { 0 };
	struct jd d = { NULL, max, &pb, &pa, 0 };
	struct strbuf path = STRBUF_INIT;
	const char *why;
	cJSON *a = NULL, *b = NULL;
	size_t pos;

	if (!old_text || !new_text || pgarr_parse(old_text, strlen(old_text), &pa, &why) ||
	    pgarr_parse(new_text, strlen(new_text), &pb, &why))
		goto cleanup;
	pos = 0;
	a = pgarr_json(&pa, 0, &pos);
	pos = 0;
	b = pgarr_json(&pb, 0, &pos);
	d.out = cJSON_CreateArray();
	jd_walk(&d, &path, a, b);
cleanup:
	sb_release(&path);
	cJSON_Delete(a);
	cJSON_Delete(b);
	pgarr_free(&pa);
	pgarr_free(&pb);
	return d.out;
}

/* ============================================================ the table */

/* What the change-set pass keeps per changed column. */
struct cchange {
	int ci;                 /* index into cols (by name) */
	int bi, ai;             /* position in old_row / new_row, -1 when absent */
	struct vmap trans;
	struct ventry *last;    /* the transition counted last, or NULL */
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

/* A "changed" list of the change set and the columns it names. */
#define CHG_KEEP 4              /* lists kept (updates of a step alternate) */

struct chglist {
	int valid, isnull;
	struct strbuf text;
	int *cc;                   /* indexes into cc */
	int n;
	char *mask;                /* per column of cols */
};

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
	struct reservoir res[3];   /* I (unpaired), U, D (all, then unpaired) */
	struct reservoir lone;     /* deletes not remembered for pairing */
	uint64_t rng2;             /* ... its generator (res[] keep theirs) */
	struct picks picks[3];
	long long replaced;
	long long (*pairs)[2];     /* first pairs: delete seq, insert seq */
	int npairs;
	uint64_t *pair_h;          /* deletes waiting for their insert: hash of the */
	long long *pair_seq;       /* values apart from the key, and seq (< 0: paired) */
	int *nk_old, *nk_new;      /* the plan's natural key: positions in old_row, */
	int nnk;                   /* new_row (0: pairs hold the same values instead) */
	size_t pair_cap, pair_used;
	struct chglist chg[CHG_KEEP]; /* "changed" lists read last */
	int chg_next;              /* ... the one to replace next */
	int *chg_cc;               /* the current list's columns as indexes into cc */
	int nchg;
	char *chg_mask;            /* ... per column of cols */
	struct side *same;         /* merged_pass: values left alone, per column */
	long long key_bytes;       /* what the value maps may still keep (KEY_BYTES) */
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
			int p = cJSON_IsString(c) ? report_column_index(jget(x->t, "columns_before"), c->valuestring) : -1;
			if (p < 0 || p != report_column_index(jget(x->t, "columns_after"), c->valuestring)) {
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

/* What a delete and an insert must share to pair: the natural key the plan
   names (0 when a part of it is NULL: it names nothing), else the values
   apart from the primary key.  old: v is an old_row. */
static uint64_t pair_hash(const struct table_ctx *x, const struct jvals *v, int old)
{
	uint64_t h = 0x51ed27;
	if (!x->nnk)
		return row_rest_hash(x, v);
	for (int k = 0; k < x->nnk; k++) {
		int i = old ? x->nk_old[k] : x->nk_new[k];
		if (i >= v->n || !v->s[i])
			return 0;
		h = hash_bytes(v->s[i], (size_t)v->len[i], h);
	}
	return h ? h : 1;
}

/* The columns a "changed" list names, as indexes into cc (the same
   list repeats for most rows: it is read once). */
static void changed_columns_n(struct table_ctx *x, const char *text, size_t len, struct jvals *tmp)
{
	struct chglist *e;
	for (int i = 0; i < CHG_KEEP; i++) {
		e = &x->chg[i];
		if (e->valid && e->isnull == !text &&
		    (!text || (e->text.len == len && !memcmp(e->text.buf, text, len))))
			goto found;
	}
	e = &x->chg[x->chg_next];
	x->chg_next = (x->chg_next + 1) % CHG_KEEP;
	if (!e->valid) {
		e->cc = xcalloc((size_t)x->ncc + 1, sizeof(int));
		e->mask = xcalloc((size_t)x->ncols + 1, 1);
		sb_init(&e->text, 0);
		e->valid = 1;
	}
	sb_reset(&e->text);
	e->isnull = !text;
	if (text)
		sb_add(&e->text, text, len);
	memset(e->mask, 0, (size_t)x->ncols + 1);
	e->n = 0;
	if (!jvals_parse_n(tmp, text, len))
		for (int k = 0; k < tmp->n; k++)
			for (int j = 0; j < x->ncc; j++)
				if (tmp->s[k] && !strcmp(x->cols[x->cc[j].ci].name, tmp->s[k])) {
					e->cc[e->n++] = j;
					e->mask[x->cc[j].ci] = 1;
					break;
				}
found:
	x->chg_cc = e->cc;
	x->nchg = e->n;
	x->chg_mask = e->mask;
}

static void changed_columns(struct table_ctx *x, const char *text, struct jvals *tmp)
{
	changed_columns_n(x, text, text ? strlen(text) : 0, tmp);
}

/*
 * What one change-set row adds to the sample reservoirs, the replaced
 * pairs (D, I) and the value changes (U).  oldv: the row before (D, U),
 * newv: after (I, U); the changed columns are in x->chg_cc (U).
 */
static void change_row(struct table_ctx *x, long long seq, char op, const struct jvals *oldv,
		       const struct jvals *newv, const uint64_t *oldh, const uint64_t *newh)
{
	/* a replaced row is one pair, never also an insert and a delete in
	   the samples: a paired insert is not sampled, and with pairs the
	   deletes are drawn again at the end from those no insert took
	   (settle_deletes) */
	if (op == 'D' && x->pair_h) {
		uint64_t h = oldv ? pair_hash(x, oldv, 1) : 0;
		if (h && x->pair_used < x->pair_cap / 2) {
			size_t i = h & (x->pair_cap - 1);
			while (x->pair_h[i])
				i = (i + 1) & (x->pair_cap - 1);
			x->pair_h[i] = h;
			x->pair_seq[i] = seq;
			x->pair_used++;
		} else {
			res_add(&x->lone, seq, &x->rng2);
		}
		res_add(&x->res[2], seq, &x->rng);
		return;
	}
	if (op == 'I' && x->pair_h) {
		uint64_t h = newv ? pair_hash(x, newv, 0) : 0;
		if (h) {
			for (size_t i = h & (x->pair_cap - 1); x->pair_h[i]; i = (i + 1) & (x->pair_cap - 1)) {
				if (x->pair_h[i] == h && x->pair_seq[i] > 0) {
					if (x->npairs < x->samples) {
						x->pairs[x->npairs][0] = x->pair_seq[i];
						x->pairs[x->npairs++][1] = seq;
					}
					x->pair_seq[i] = -x->pair_seq[i]; /* used */
					x->replaced++;
					return;
				}
			}
		}
		res_add(&x->res[0], seq, &x->rng);
		return;
	}
	res_add(&x->res[op_index(op)], seq, &x->rng);
	if (op != 'U' || !oldv || !newv)
		return;
	for (int k = 0; k < x->nchg; k++) {
		struct cchange *c = &x->cc[x->chg_cc[k]];
		const char *o = NULL, *n = NULL;
		int ol = 0, nl = 0;
		uint64_t ho, hn;
		struct ventry *t;
		if (c->bi >= 0 && c->bi < oldv->n) {
			o = oldv->s[c->bi];
			ol = oldv->len[c->bi];
		}
		if (c->ai >= 0 && c->ai < newv->n) {
			n = newv->s[c->ai];
			nl = newv->len[c->ai];
		}
		c->rows++;
		if ((t = c->last) && t->anull == !o && t->bnull == !n && t->alen == ol && t->blen == nl &&
		    (!o || bytes_eq(t->a, o, (size_t)ol)) && (!n || bytes_eq(t->b, n, (size_t)nl))) {
			/* the transition counted last, again */
			t->n++;
		} else {
			ho = !o ? 0 : oldh && oldh[c->bi] ? oldh[c->bi] : value_hash(o, (size_t)ol);
			hn = !n ? 0 : newh && newh[c->ai] ? newh[c->ai] : value_hash(n, (size_t)nl);
			c->last = vmap_add(&c->trans, mix64(ho ^ mix64(hn + (uint64_t)((o ? 1 : 2) + (n ? 4 : 8)))),
					   o ? o : "", ol, !o, n ? n : "", nl, !n, seq);
		}
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
			double d = fabs(num_double(n, (size_t)nl) - num_double(o, (size_t)ol));
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

/*
 * A delete and an insert are one replaced row when they share the natural
 * key the plan names for the table (all its columns in the table), else
 * when the table has the same columns before and after and they hold the
 * same values apart from the primary key: room to remember the deletes.
 */
static void pairs_init(struct table_ctx *x, const cJSON *natural_key)
{
	const cJSON *cb = jget(x->t, "columns_before"), *ca = jget(x->t, "columns_after"), *c;
	int n = cJSON_GetArraySize(natural_key);
	long long d;
	if (jnum_or(x->t, "inserts", 0) <= 0 || jnum_or(x->t, "deletes", 0) <= 0)
		return;
	if (n > 0) {
		x->nk_old = xcalloc((size_t)n, sizeof(int));
		x->nk_new = xcalloc((size_t)n, sizeof(int));
		cJSON_ArrayForEach(c, natural_key) {
			int o = cJSON_IsString(c) ? report_column_index(cb, c->valuestring) : -1;
			int w = cJSON_IsString(c) ? report_column_index(ca, c->valuestring) : -1;
			if (o < 0 || w < 0)
				break;
			x->nk_old[x->nnk] = o;
			x->nk_new[x->nnk++] = w;
		}
		if (x->nnk < n)
			x->nnk = 0; /* a column the table does not have */
	}
	if (!x->nnk && !(x->nkey > 0 && cJSON_Compare(cb, ca, 1)))
		return;
	d = (long long)jnum_or(x->t, "deletes", 0);
	x->pair_cap = 16;
	while (x->pair_cap < 2 * (size_t)(d < PAIR_MAX ? d : PAIR_MAX))
		x->pair_cap *= 2;
	x->pair_h = xcalloc(x->pair_cap, sizeof(*x->pair_h));
	x->pair_seq = xcalloc(x->pair_cap, sizeof(*x->pair_seq));
}

/* The one pass over the table's change set (profiles come from scans). */
static int changes_pass(struct table_ctx *x)
{
	sqlite3_stmt *st = NULL;
	struct jvals oldv = { 0 }, newv = { 0 }, tmp = { 0 };
	int rc, ret = -1;

	if (sqlite3_prepare_v2(x->db, "SELECT seq, op, old_row, new_row, changed FROM dd_change "
				      "WHERE tbl = ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		stage_error(x->db, "cannot read the change set");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long seq = sqlite3_column_int64(st, 0);
		char op = *(const char *)sqlite3_column_text(st, 1);
		int old_ok = 0, new_ok = 0;
		if ((op == 'D' && x->pair_h) || op == 'U')
			old_ok = !jvals_parse(&oldv, (const char *)sqlite3_column_text(st, 2));
		if ((op == 'I' && x->pair_h) || op == 'U')
			new_ok = !jvals_parse(&newv, (const char *)sqlite3_column_text(st, 3));
		if (op == 'U')
			changed_columns(x, (const char *)sqlite3_column_text(st, 4), &tmp);
		change_row(x, seq, op, old_ok ? &oldv : NULL, new_ok ? &newv : NULL, NULL, NULL);
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
	jvals_free(&tmp);
	return ret;
}

/* Does the working row w hold the key the change-set row gives? */
static int same_key(const struct table_ctx *x, const struct wrow *w, const struct jvals *key)
{
	if (key->n != x->nkey)
		return 0;
	for (int k = 0; k < x->nkey; k++) {
		int i = x->key_pos[k];
		if (!w->s[i] || !key->s[k] || w->len[i] != key->len[k] ||
		    !bytes_eq(w->s[i], key->s[k], (size_t)key->len[k]))
			return 0;
	}
	return 1;
}

/* ========================================================= reading ahead */

/*
 * merged_pass() reads the working table and the change set side by side.
 * A feeder thread steps both statements a block of rows ahead and copies
 * out their values (the working table's as PostgreSQL text), while the
 * calling thread splits the change set's JSON arrays and profiles.  SQLite is used by one
 * thread at a time (drydock runs it single-threaded, src/main.c): the
 * statements are prepared before the feeder starts and finalized after it
 * ends, and the calling thread makes no SQLite call in between.  Rows come
 * in the order they are read, so the report is the same as one read in
 * one thread (which is what happens when the thread cannot be started).
 */
#define RA_ROWS 1024            /* rows per block */
#define RA_BLOCKS 4             /* blocks read ahead, per statement */
#define RA_BYTES (1u << 20)     /* text a block takes before it ends early */

/* One value of a row read ahead. */
struct rafield {
	uint32_t off;         /* in the block's bytes, NUL-terminated; RA_NULL */
	int32_t len;          /* RA_INT: an integer SQLite holds, in ival (a
				 working row's comes without its text) */
	long long ival;
};

/* 16 bytes a field: every field of every row crosses from the feeder's
   core to the caller's */
#define RA_NULL UINT32_MAX
#define RA_INT (-1)

struct rablock {
	struct rafield *f;    /* RA_ROWS rows of nf fields */
	char *bytes;
	size_t used, cap;
	int n;                /* rows */
};

/* One statement read ahead. */
struct readahead {
	sqlite3_stmt *st;
	int nf;               /* fields per row */
	/* one row of st into fields f */
	void (*pack)(struct readahead *r, struct rablock *b, struct rafield *f);
	void *arg;
	struct rablock blocks[RA_BLOCKS];
	int head, count;      /* filled blocks: head, head+1, ... */
	int done;             /* no more blocks will come */
	int rc;               /* SQLITE_DONE at a clean end */
	char *errmsg;         /* SQLite's, when rc is not SQLITE_DONE */
	int pos;              /* the caller's next row in blocks[head] */
	int holding;          /* the caller holds blocks[head] */
};

/* The thread that fills the blocks of two statements. */
struct feeder {
	sqlite3 *db;
	struct readahead *ra[2];
	pthread_t tid;
	int threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;             /* the caller wants no more */
};

static inline void ra_put(struct rablock *b, struct rafield *f, const char *s, size_t len)
{
	if (b->used + len + 1 > b->cap) {
		b->cap = 2 * (b->used + len + 1);
		b->bytes = xrealloc(b->bytes, b->cap);
	}
	f->off = (uint32_t)b->used;
	f->len = (int32_t)len;
	memcpy(b->bytes + b->used, s, len);
	b->bytes[b->used + len] = '\0';
	b->used += len + 1;
}

/* Fills b with the next rows of r: RA_ROWS, fewer past RA_BYTES of text or at
   the end (r->rc set). */
static int ra_fill(struct feeder *f, struct readahead *r, struct rablock *b)
{
	b->n = 0;
	b->used = 0;
	/* a block of long values ends early: offsets stay 32-bit and memory bounded */
	while (b->n < RA_ROWS && b->used < RA_BYTES) {
		int rc = sqlite3_step(r->st);
		if (rc != SQLITE_ROW) {
			r->rc = rc;
			if (rc != SQLITE_DONE)
				r->errmsg = xstrdup(sqlite3_errmsg(f->db));
			break;
		}
		r->pack(r, b, &b->f[(size_t)b->n * (size_t)r->nf]);
		b->n++;
	}
	return b->n;
}

/* Fills the next free block of r, outside the lock when it is held. */
static void feed_one(struct feeder *f, struct readahead *r, int locked)
{
	struct rablock *b = &r->blocks[(r->head + r->count) % RA_BLOCKS];
	int n;
	if (locked)
		pthread_mutex_unlock(&f->mu);
	n = ra_fill(f, r, b);
	if (locked)
		pthread_mutex_lock(&f->mu);
	if (n)
		r->count++;
	if (r->rc)
		r->done = 1; /* the statement ended (SQLITE_DONE or an error) */
}

static void *feeder_main(void *arg)
{
	struct feeder *f = arg;
	pthread_mutex_lock(&f->mu);
	while (!f->stop) {
		/* the statement with fewer blocks ready: the caller may wait on it */
		struct readahead *pick = NULL;
		for (int k = 0; k < 2; k++) {
			struct readahead *r = f->ra[k];
			if (!r->done && r->count < RA_BLOCKS && (!pick || r->count < pick->count))
				pick = r;
		}
		if (!pick) {
			if (f->ra[0]->done && f->ra[1]->done)
				break;
			pthread_cond_wait(&f->cv, &f->mu);
			continue;
		}
		feed_one(f, pick, 1);
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Prepares sql (?1 bound to bind1 when not NULL) for reading ahead, nf
   fields a row made by pack.  0, or -1 (reported). */
static int ra_prepare(struct readahead *r, sqlite3 *db, const char *sql, const char *bind1, int nf,
		      void (*pack)(struct readahead *, struct rablock *, struct rafield *), void *arg)
{
	r->nf = nf;
	r->pack = pack;
	r->arg = arg;
	for (int k = 0; k < RA_BLOCKS; k++)
		r->blocks[k].f = xcalloc((size_t)RA_ROWS * (size_t)nf, sizeof(struct rafield));
	if (sqlite3_prepare_v2(db, sql, -1, &r->st, NULL) != SQLITE_OK)
		return stage_error(db, "cannot read the change set");
	if (bind1)
		sqlite3_bind_text(r->st, 1, bind1, -1, SQLITE_TRANSIENT);
	return 0;
}

/* Starts the feeder of a and b, prepared on db. */
static void feeder_start(struct feeder *f, sqlite3 *db, struct readahead *a, struct readahead *b)
{
	f->db = db;
	f->ra[0] = a;
	f->ra[1] = b;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->threaded = !pthread_create(&f->tid, NULL, feeder_main, f);
}

/*
 * The next row's fields of r and *bytes, the base of their text; NULL at
 * the end or on an error (r->rc).  A row stays valid until the next call.
 */
static const struct rafield *ra_next(struct feeder *f, struct readahead *r, char **bytes)
{
	struct rablock *b;
	if (!f->threaded) {
		/* no thread: one block at a time, here */
		if (!r->holding || r->pos == r->blocks[r->head].n) {
			r->count = 0;
			if (r->done)
				return NULL;
			feed_one(f, r, 0);
			r->holding = r->count > 0;
			r->pos = 0;
			if (!r->holding)
				return NULL;
		}
	} else {
		if (r->holding && r->pos == r->blocks[r->head].n) {
			/* past this block: the feeder may fill it again */
			pthread_mutex_lock(&f->mu);
			r->head = (r->head + 1) % RA_BLOCKS;
			r->count--;
			r->holding = 0;
			pthread_cond_broadcast(&f->cv);
			pthread_mutex_unlock(&f->mu);
		}
		if (!r->holding) {
			pthread_mutex_lock(&f->mu);
			while (!r->count && !r->done)
				pthread_cond_wait(&f->cv, &f->mu);
			r->holding = r->count > 0;
			pthread_mutex_unlock(&f->mu);
			if (!r->holding)
				return NULL;
			r->pos = 0;
		}
	}
	b = &r->blocks[r->head];
	*bytes = b->bytes;
	return &b->f[(size_t)r->pos++ * (size_t)r->nf];
}

/* Stops the feeder (after it, SQLite is the caller's again). */
static void feeder_stop(struct feeder *f)
{
	if (!f->ra[0])
		return;
	if (f->threaded) {
		pthread_mutex_lock(&f->mu);
		f->stop = 1;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->tid, NULL);
		f->threaded = 0;
	}
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	f->ra[0] = NULL;
}

static void ra_free(struct readahead *r)
{
	sqlite3_finalize(r->st);
	for (int k = 0; k < RA_BLOCKS; k++) {
		free(r->blocks[k].f);
		free(r->blocks[k].bytes);
	}
	free(r->errmsg);
	memset(r, 0, sizeof(*r));
}

/* The working table's rows: every column as PostgreSQL text. */
struct wpack {
	const struct col *cols;
	struct strbuf *tmp;   /* per column, for text rendered here */
};

static void pack_working(struct readahead *r, struct rablock *b, struct rafield *f)
{
	struct wpack *p = r->arg;
	for (int i = 0; i < r->nf; i++) {
		const struct col *c = &p->cols[i];
		sqlite3_value *v = sqlite3_column_value(r->st, i);
		int type = sqlite3_value_type(v);
		const char *s = NULL;
		size_t len = 0;
		int has_int = 0;
		f[i].ival = 0;
		/* value_text()'s two common cases, written into the block at once */
		if (type == SQLITE_TEXT && c->text_as_is) {
			s = (const char *)sqlite3_value_text(v);
			ra_put(b, &f[i], s, (size_t)sqlite3_value_bytes(v));
			continue;
		}
		if (type == SQLITE_INTEGER && c->ord == ORD_INT) {
			/* the number only: the calling thread prints it (this
			   thread, with SQLite's reads, is the busier one) */
			f[i].ival = sqlite3_value_int64(v);
			f[i].off = 0;
			f[i].len = RA_INT;
			continue;
		}
		/* not an integer here: has_int stays 0 */
		if (value_text(c, r->st, i, &p->tmp[i], &s, &len, &has_int, &f[i].ival)) {
			f[i].off = RA_NULL;
			f[i].len = 0;
			continue;
		}
		ra_put(b, &f[i], s, len);
	}
}

/* The change set's rows (SELECT seq, op, key, old_row, changed) as they
   are: their JSON arrays are split by the caller (jvals_parse). */
enum { RA_SEQ, RA_OP, RA_KEY, RA_OLD, RA_CHANGED, RA_NF };

static void ra_put_text(struct rablock *b, struct rafield *f, sqlite3_stmt *st, int i)
{
	sqlite3_value *v = sqlite3_column_value(st, i);
	const char *s = (const char *)sqlite3_value_text(v);
	if (s)
		ra_put(b, f, s, (size_t)sqlite3_value_bytes(v));
	else
		f->off = RA_NULL;
}

static void pack_change(struct readahead *r, struct rablock *b, struct rafield *f)
{
	const char *op = (const char *)sqlite3_value_text(sqlite3_column_value(r->st, 1));
	struct strbuf *last = r->arg;  /* the last update's "changed" list */
	memset(f, 0, RA_NF * sizeof(*f));
	f[RA_SEQ].ival = sqlite3_value_int64(sqlite3_column_value(r->st, 0));
	f[RA_OP].ival = op ? *op : 0;
	if (f[RA_OP].ival != 'D')
		ra_put_text(b, &f[RA_KEY], r->st, 2);
	else
		f[RA_KEY].off = RA_NULL;
	if (f[RA_OP].ival == 'D' || f[RA_OP].ival == 'U')
		ra_put_text(b, &f[RA_OLD], r->st, 3);
	else
		f[RA_OLD].off = RA_NULL;
	if (f[RA_OP].ival == 'U') {
		/* most updates change the same columns: the list is handed
		   on once, then said to be the same (ival 1) */
		sqlite3_value *v = sqlite3_column_value(r->st, 4);
		const char *s = (const char *)sqlite3_value_text(v);
		size_t len = s ? (size_t)sqlite3_value_bytes(v) : 0;
		if (s && last->len == len && len && !memcmp(last->buf, s, len)) {
			f[RA_CHANGED].ival = 1;
			return;
		}
		sb_reset(last);
		if (s) {
			sb_add(last, s, len);
			ra_put(b, &f[RA_CHANGED], s, len);
		} else {
			f[RA_CHANGED].off = RA_NULL;
		}
		return;
	}
	ra_put_text(b, &f[RA_CHANGED], r->st, 4);
}

/* A text field read ahead, NULL for NULL. */
static const char *ra_text(const struct rafield *f, const char *bytes)
{
	return f->off == RA_NULL ? NULL : bytes + f->off;
}

/* A text field read ahead split in place (it is read once). */
static int ra_jvals(struct jvals *v, const struct rafield *f, char *bytes)
{
	char *text = f->off == RA_NULL ? NULL : bytes + f->off;
	return jvals_split(v, text, text);
}

/*
 * The profiles of both sides and the change-set pass in one read of the
 * working table and one of the change set, for a table whose columns no
 * schema change touched.  The change set holds the deletes first, then
 * the inserts and updates in the working table's key order, so the two
 * are read side by side: a working row the change set does not name is
 * unchanged and was the same before; before an update, its changed
 * columns held the values old_row gives; a deleted row is in old_row.
 * Both are read ahead by a thread (struct feeder).
 */
static int merged_pass(struct table_ctx *x, const char *working, struct side *before,
		       struct side *after)
{
	struct strbuf sql = STRBUF_INIT;
	struct readahead wr = { 0 }, cr = { 0 };
	struct feeder fd = { 0 };
	struct wpack wp = { x->cols, xcalloc((size_t)x->ncols + 1, sizeof(struct strbuf)) };
	struct jvals oldv = { 0 }, key = { 0 }, tmp = { 0 }, wv = { 0 };
	struct strbuf last_changed = STRBUF_INIT;  /* the feeder's */
	struct wrow w;
	struct side *same = xcalloc((size_t)x->ncols + 1, sizeof(*same));
	uint64_t *oldh = xcalloc((size_t)x->ncols + 1, sizeof(*oldh));
	uint64_t *newh = xcalloc((size_t)x->ncols + 1, sizeof(*newh));
	const struct rafield *c = NULL, *wf;
	char *cb = NULL, *wb = NULL;
	int ret = -1;

	/* the values of rows and columns the migration left alone go to
	   same[] once, merged into both sides at the end */
	for (int i = 0; i < x->ncols; i++) {
		side_init(&same[i], &x->key_bytes);
		if (before[i].hist) {
			same[i].hist = xcalloc(1, sizeof(struct hvals));
			same[i].budget = before[i].budget;
		}
	}
	wrow_init(&w, x->ncols);
	/* a view of the working row as a change-set row */
	wv.n = x->ncols;
	wv.s = w.s;
	wv.len = w.len;
	select_cols(&sql, working, x->cols, x->ncols, x->key_pos, x->nkey);
	if (ra_prepare(&wr, x->db, sql.buf, NULL, x->ncols, pack_working, &wp) ||
	    ra_prepare(&cr, x->db, "SELECT seq, op, key, old_row, changed FROM dd_change "
				   "WHERE tbl = ?1 ORDER BY seq", x->table,
		       RA_NF, pack_change, &last_changed))
		goto cleanup;
	feeder_start(&fd, x->db, &wr, &cr);

	/* deletes: the rows before */
	while ((c = ra_next(&fd, &cr, &cb)) && c[RA_OP].ival == 'D') {
		if (ra_jvals(&oldv, &c[RA_OLD], cb) || oldv.n != x->ncols)
			goto mismatch;
		for (int i = 0; i < x->ncols; i++)
			side_add(&before[i], &x->cols[i], oldv.s[i], (size_t)oldv.len[i], !oldv.s[i], 0, 0);
		change_row(x, c[RA_SEQ].ival, 'D', &oldv, NULL, NULL, NULL);
	}
	if (c && ra_jvals(&key, &c[RA_KEY], cb))
		goto mismatch;
	while ((wf = ra_next(&fd, &wr, &wb))) {
		for (int i = 0; i < x->ncols; i++) {
			w.has_int[i] = wf[i].len == RA_INT;
			w.ival[i] = wf[i].ival;
			if (w.has_int[i]) {
				/* an integer comes as its number (pack_working) */
				sb_reset(&w.tmp[i]);
				sb_grow(&w.tmp[i], 24);
				w.len[i] = fmt_ll(w.tmp[i].buf, wf[i].ival);
				w.s[i] = w.tmp[i].buf;
				continue;
			}
			w.s[i] = wf[i].off == RA_NULL ? NULL : wb + wf[i].off;
			w.len[i] = wf[i].len;
		}
		if (!c || !same_key(x, &w, &key)) {
			/* unchanged: the same before and after */
			for (int i = 0; i < x->ncols; i++)
				side_add(&same[i], &x->cols[i], w.s[i], (size_t)w.len[i], !w.s[i],
					 w.has_int[i], w.ival[i]);
			continue;
		}
		if (c[RA_OP].ival == 'U') {
			if (ra_jvals(&oldv, &c[RA_OLD], cb) || oldv.n != x->ncols)
				goto mismatch;
			if (!c[RA_CHANGED].ival)
				changed_columns_n(x, ra_text(&c[RA_CHANGED], cb), (size_t)c[RA_CHANGED].len, &tmp);
			for (int i = 0; i < x->ncols; i++) {
				if (!x->chg_mask[i]) {
					side_add(&same[i], &x->cols[i], w.s[i], (size_t)w.len[i], !w.s[i],
						 w.has_int[i], w.ival[i]);
					continue;
				}
				/* hashes computed here are handed on to change_row() */
				oldh[i] = newh[i] = 0;
				side_add_lazy(&before[i], &x->cols[i], oldv.s[i], (size_t)oldv.len[i], !oldv.s[i],
					      0, 0, &oldh[i]);
				side_add_lazy(&after[i], &x->cols[i], w.s[i], (size_t)w.len[i], !w.s[i],
					      w.has_int[i], w.ival[i], &newh[i]);
			}
			change_row(x, c[RA_SEQ].ival, 'U', &oldv, &wv, oldh, newh);
		} else if (c[RA_OP].ival == 'I') {
			for (int i = 0; i < x->ncols; i++)
				side_add(&after[i], &x->cols[i], w.s[i], (size_t)w.len[i], !w.s[i],
					 w.has_int[i], w.ival[i]);
			change_row(x, c[RA_SEQ].ival, 'I', NULL, &wv, NULL, NULL);
		} else {
			goto mismatch;
		}
		c = ra_next(&fd, &cr, &cb);
		if (c && ra_jvals(&key, &c[RA_KEY], cb))
			goto mismatch;
	}
	feeder_stop(&fd);
	if (wr.rc != SQLITE_DONE || (!c && cr.rc != SQLITE_DONE)) {
		error("cannot read the change set: %s", wr.errmsg ? wr.errmsg :
		      cr.errmsg ? cr.errmsg : "unknown error");
		goto cleanup;
	}
	if (c)
		goto mismatch;
	for (int i = 0; i < x->ncols; i++) {
		side_merge(&before[i], &same[i], &x->cols[i]);
		side_merge(&after[i], &same[i], &x->cols[i]);
	}
	ret = 0;
	goto cleanup;
mismatch:
	ret = error("the change set of table '%s' does not match its working table", x->table);
	hint("run `drydock run` again to compute the change set anew");
cleanup:
	feeder_stop(&fd);
	ra_free(&wr);
	ra_free(&cr);
	for (int i = 0; i < x->ncols; i++)
		sb_release(&wp.tmp[i]);
	free(wp.tmp);
	sb_release(&sql);
	sb_release(&last_changed);
	wrow_free(&w);
	jvals_free(&oldv);
	jvals_free(&key);
	jvals_free(&tmp);
	if (ret) {
		for (int i = 0; i < x->ncols; i++)
			side_free(&same[i]);
		free(same);
	} else {
		x->same = same; /* their numbers count in the histograms */
	}
	free(oldh);
	free(newh);
	return ret;
}

/* DD_REPORT_FULL_SCAN=1: read both tables, and each changed numeric column
   again for its histogram, as a report of a table too large to keep its
   numbers does (tests compare the two ways). */
static int full_scan_wanted(void)
{
	const char *env = getenv("DD_REPORT_FULL_SCAN");
	return env && *env && strcmp(env, "0");
}

/*
 * May the profiles come from merged_pass()?  When no schema change touched
 * the table (the same columns, a key) and the change set is the latest
 * finished run's, so the working table is what it was computed from.
 */
static int can_merge(struct table_ctx *x)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;
	if (full_scan_wanted() || x->nkey <= 0 ||
	    !cJSON_Compare(jget(x->t, "columns_before"), jget(x->t, "columns_after"), 1) ||
	    x->ncols != cJSON_GetArraySize(jget(x->t, "columns_before")))
		return 0;
	if (sqlite3_prepare_v2(x->db, "SELECT (SELECT count(*) FROM dd_schema_change WHERE tbl = ?1) = 0 "
				      "AND c.run = r.id AND r.status = 'done' FROM dd_changeset c, dd_run r "
				      "WHERE r.id = (SELECT max(id) FROM dd_run)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return ok;
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

/* The columns, apart from the primary key, whose values differ between a
   deleted row and the row inserted in its place. */
static cJSON *replaced_changes(const struct table_ctx *x, const cJSON *old, const cJSON *new)
{
	const cJSON *cb = jget(x->t, "columns_before"), *ca = jget(x->t, "columns_after"), *c;
	cJSON *out = cJSON_CreateArray();
	int i = 0;
	cJSON_ArrayForEach(c, ca) {
		int bi = report_column_index(cb, c->valuestring);
		if (bi < 0 || (!is_key_pos(x, bi) &&
			       !cJSON_Compare(cJSON_GetArrayItem(old, bi), cJSON_GetArrayItem(new, i), 1)))
			cJSON_AddItemToArray(out, cJSON_CreateString(c->valuestring));
		i++;
	}
	cJSON_ArrayForEach(c, cb)
		if (report_column_index(ca, c->valuestring) < 0)
			cJSON_AddItemToArray(out, cJSON_CreateString(c->valuestring));
	return out;
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
				cJSON *jd = NULL, *ad = NULL;
				chg = cJSON_Parse((const char *)sqlite3_column_text(st, 3));
				cJSON_AddItemToObject(r, "changed", chg);
				/* json and jsonb: which keys changed, not two blobs;
				   PostgreSQL arrays: which elements */
				cJSON_ArrayForEach(c, chg) {
					int ci = -1, bi, ai;
					cJSON *ov, *nv, *d, **to;
					const char *os, *ns;
					for (int j = 0; j < x->ncols; j++)
						if (cJSON_IsString(c) && !strcmp(x->cols[j].name, c->valuestring))
							ci = j;
					if (ci < 0 || (!x->cols[ci].is_json && !x->cols[ci].type.is_array))
						continue;
					bi = report_column_index(jget(x->t, "columns_before"), c->valuestring);
					ai = report_column_index(jget(x->t, "columns_after"), c->valuestring);
					ov = cJSON_GetArrayItem(jget(r, "old"), bi);
					nv = cJSON_GetArrayItem(jget(r, "new"), ai);
					os = cJSON_IsString(ov) ? ov->valuestring : NULL;
					ns = cJSON_IsString(nv) ? nv->valuestring : NULL;
					d = x->cols[ci].is_json ? report_json_diff(os, ns, 50) : report_array_diff(os, ns, 50);
					if (!d)
						continue;
					to = x->cols[ci].is_json ? &jd : &ad;
					if (!*to)
						*to = cJSON_AddObjectToObject(r, x->cols[ci].is_json ? "json_diff" : "array_diff");
					cJSON_AddItemToObject(*to, c->valuestring, d);
				}
			}
			cJSON_AddStringToObject(r, "why", x->picks[k].p[i].why);
			cJSON_AddItemToArray(arr, r);
			sqlite3_reset(st);
		}
	}
	/* replaced rows: one delete and one insert, paired */
	if (x->replaced > 0) {
		cJSON *rep = cJSON_AddObjectToObject(x->t, "replaced"), *arr;
		cJSON_AddNumberToObject(rep, "count", (double)x->replaced);
		/* each pair is one delete and one insert of the change set */
		cJSON_AddNumberToObject(rep, "other_inserts", jnum_or(x->t, "inserts", 0) - (double)x->replaced);
		cJSON_AddNumberToObject(rep, "other_deletes", jnum_or(x->t, "deletes", 0) - (double)x->replaced);
		if (x->nnk) {
			cJSON *nk = cJSON_AddArrayToObject(rep, "natural_key");
			for (int k = 0; k < x->nnk; k++)
				cJSON_AddItemToArray(nk, cJSON_CreateString(
					cJSON_GetArrayItem(jget(x->t, "columns_before"), x->nk_old[k])->valuestring));
		}
		arr = cJSON_AddArrayToObject(rep, "sample");
		for (int i = 0; i < x->npairs; i++) {
			cJSON *p = cJSON_CreateObject();
			for (int s = 0; s < 2; s++) {
				sqlite3_bind_text(st, 1, x->table, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 2, x->pairs[i][s]);
				if (sqlite3_step(st) == SQLITE_ROW) {
					cJSON_AddItemToObject(p, s ? "new_key" : "old_key",
							      cJSON_Parse((const char *)sqlite3_column_text(st, 0)));
					/* same values: the row once; by natural key: both */
					if (x->nnk || s)
						cJSON_AddItemToObject(p, x->nnk ? (s ? "new" : "old") : "row",
								      cJSON_Parse((const char *)sqlite3_column_text(st, s ? 2 : 1)));
				}
				sqlite3_reset(st);
			}
			if (x->nnk)
				cJSON_AddItemToObject(p, "changed", replaced_changes(x, jget(p, "old"), jget(p, "new")));
			cJSON_AddItemToArray(arr, p);
		}
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	return ret;
}

/*
 * The deletes sample, once the pairs are known (without pairs it is the
 * draw from all deletes): a uniform draw from the deletes no insert took,
 * which are the remembered ones still unpaired (all known here) and those
 * never remembered (a reservoir of them, x->lone).
 */
static void settle_deletes(struct table_ctx *x)
{
	struct reservoir *r = &x->res[2], *l = &x->lone;
	long long *a, *b = l->seq, *out;
	size_t na = 0, ra, rb, nb = (size_t)(l->seen < l->k ? l->seen : l->k), next = 0;
	if (!x->pair_h || !x->replaced)
		return;
	a = xcalloc(x->pair_used + 1, sizeof(*a));
	for (size_t i = 0; i < x->pair_cap; i++)
		if (x->pair_h[i] && x->pair_seq[i] > 0)
			a[na++] = x->pair_seq[i];
	qsort(a, na, sizeof(*a), cmp_ll);
	/* the reservoir in random order: its first j rows are a uniform j of them */
	for (size_t i = nb; i > 1; i--) {
		size_t j = (size_t)(rnd_next(&x->rng2) % i);
		long long t = b[i - 1];
		b[i - 1] = b[j];
		b[j] = t;
	}
	out = xcalloc((size_t)r->k + 1, sizeof(*out));
	ra = na;
	rb = (size_t)l->seen;
	for (int i = 0; i < r->k && ra + rb > 0; i++) {
		if ((size_t)(rnd_next(&x->rng2) % (ra + rb)) < ra) {
			size_t j = (size_t)(rnd_next(&x->rng2) % ra);
			out[i] = a[j];
			a[j] = a[--ra];
		} else {
			out[i] = b[next++];
			rb--;
		}
	}
	r->seen = (long long)na + l->seen;
	free(r->seq);
	r->seq = out;
	free(a);
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
							sb_adds(&why, " (");
							sb_add_count(&why, (double)v[idx]->n);
							sb_adds(&why, " rows)");
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

/* The histogram's scale: the finite min and max of both sides; -1 when none. */
static int hist_scale(const struct side *b, const struct side *a, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int s = 0; s < 2; s++) {
		const struct side *sd = s ? a : b;
		if (sd && sd->min.set && isfinite(text_double(sd->min.s)))
			*lo = fmin(*lo, text_double(sd->min.s));
		if (sd && sd->max.set && isfinite(text_double(sd->max.s)))
			*hi = fmax(*hi, text_double(sd->max.s));
	}
	return *lo > *hi ? -1 : 0;
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
			double lo, hi;
			int noscale = hist_scale(b, a, &lo, &hi);
			cJSON_AddItemToObject(vc, "sum_before", b ? cJSON_Duplicate(jget(jget(jget(jget(x->t, "profile"), col->name), "before"), "sum"), 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(vc, "sum_after", a ? cJSON_Duplicate(jget(jget(jget(jget(x->t, "profile"), col->name), "after"), "sum"), 1) : cJSON_CreateNull());
			if (!noscale) {
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
			 cJSON *t, int samples, unsigned long long seed, const cJSON *natural_key)
{
	struct table_ctx x = { 0 };
	sqlite3_stmt *st = NULL;
	struct side *before = NULL, *after = NULL;
	int *in_before = NULL, *in_after = NULL, nb = 0, na = 0, ret = -1;
	struct col *bcols = NULL, *acols = NULL;
	char *pristine = NULL, *working = NULL;
	cJSON *profile, *sample;
	long long hist_budget = full_scan_wanted() ? 0 : HIST_KEEP;

	x.db = db;
	x.key_bytes = KEY_BYTES;
	x.source = source;
	x.table = table;
	x.t = t;
	x.samples = samples;
	x.rng = seed ^ hash_fnv(table, strlen(table), 0);
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
		in_before[i] = report_column_index(jget(t, "columns_before"), x.cols[i].name) >= 0 ? nb : -1;
		if (in_before[i] >= 0) {
			bcols[nb] = x.cols[i];
			side_init(&before[nb++], &x.key_bytes);
		}
		in_after[i] = report_column_index(jget(t, "columns_after"), x.cols[i].name) >= 0 ? na : -1;
		if (in_after[i] >= 0) {
			acols[na] = x.cols[i];
			side_init(&after[na++], &x.key_bytes);
		}
	}
	/* the changed columns; numbers kept for their histograms */
	x.cc = xcalloc((size_t)x.ncols + 1, sizeof(*x.cc));
	for (int i = 0; i < x.ncols; i++) {
		if (!jget(jget(t, "columns"), x.cols[i].name))
			continue;
		x.cc[x.ncc].ci = i;
		x.cc[x.ncc].bi = report_column_index(jget(t, "columns_before"), x.cols[i].name);
		x.cc[x.ncc].ai = report_column_index(jget(t, "columns_after"), x.cols[i].name);
		vmap_init(&x.cc[x.ncc].trans, TRANS_MAX, &x.key_bytes);
		if (x.cols[i].is_num) {
			if (in_before[i] >= 0) {
				before[in_before[i]].hist = xcalloc(1, sizeof(struct hvals));
				before[in_before[i]].budget = &hist_budget;
			}
			if (in_after[i] >= 0) {
				after[in_after[i]].hist = xcalloc(1, sizeof(struct hvals));
				after[in_after[i]].budget = &hist_budget;
			}
		}
		x.ncc++;
	}
	for (int k = 0; k < 3; k++) {
		x.res[k].k = samples;
		x.res[k].seq = xcalloc((size_t)samples + 1, sizeof(long long));
	}
	x.lone.k = samples;
	x.lone.seq = xcalloc((size_t)samples + 1, sizeof(long long));
	x.rng2 = mix64(x.rng ^ 0x6c6f6e65ULL);
	x.pairs = xcalloc((size_t)samples + 1, sizeof(*x.pairs));
	pairs_init(&x, natural_key);

	/* profiles and the change set: one read of the working table and of
	   the change set, or else one of each table and of the change set */
	if (can_merge(&x)) {
		if (merged_pass(&x, working, before, after))
			goto cleanup;
	} else if ((nb && scan_table(db, pristine, bcols, nb, before)) ||
		   (na && scan_table(db, working, acols, na, after)) || changes_pass(&x)) {
		goto cleanup;
	}
	for (int i = 0; i < x.ncols; i++) {
		if (in_before[i] >= 0)
			side_finish(&before[in_before[i]], &x.cols[i]);
		if (in_after[i] >= 0)
			side_finish(&after[in_after[i]], &x.cols[i]);
	}
	profile = cJSON_AddObjectToObject(t, "profile");
	for (int i = 0; i < x.ncols; i++) {
		cJSON *p = cJSON_AddObjectToObject(profile, x.cols[i].name);
		cJSON_AddStringToObject(p, "type", x.cols[i].pg_type ? x.cols[i].pg_type : "unknown");
		cJSON_AddItemToObject(p, "before", in_before[i] >= 0 ?
				      side_json(&before[in_before[i]], &x.cols[i]) : cJSON_CreateNull());
		cJSON_AddItemToObject(p, "after", in_after[i] >= 0 ?
				      side_json(&after[in_after[i]], &x.cols[i]) : cJSON_CreateNull());
	}

	/* histograms of the changed numeric columns, on one scale: from the
	   numbers kept, or (past the budget) by reading the column again */
	for (int j = 0; j < x.ncc; j++) {
		const struct col *c = &x.cols[x.cc[j].ci];
		double lo, hi;
		struct side *b = in_before[x.cc[j].ci] >= 0 ? &before[in_before[x.cc[j].ci]] : NULL;
		struct side *a = in_after[x.cc[j].ci] >= 0 ? &after[in_after[x.cc[j].ci]] : NULL;
		if (!c->is_num || hist_scale(b, a, &lo, &hi))
			continue;
		if ((b && side_bins(b, lo, hi) && scan_bins(db, pristine, c, lo, hi, b->bins)) ||
		    (a && side_bins(a, lo, hi) && scan_bins(db, working, c, lo, hi, a->bins)))
			goto cleanup;
	}
	value_changes_json(&x, before, after, in_before, in_after);

	settle_deletes(&x);
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
	free(x.lone.seq);
	free(x.pairs);
	free(x.pair_h);
	free(x.pair_seq);
	free(x.nk_old);
	free(x.nk_new);
	for (int i = 0; i < CHG_KEEP; i++) {
		free(x.chg[i].cc);
		free(x.chg[i].mask);
		sb_release(&x.chg[i].text);
	}
	for (int i = 0; x.same && i < x.ncols; i++)
		side_free(&x.same[i]);
	free(x.same);
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
