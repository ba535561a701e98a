#include "numval.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Representation: value = mantissa * 10^-dscale.  The mantissa lives in an
 * __int128 while it fits (|v| < 10^38 is kept as the bound, so scaling and
 * adding never overflow silently: every step checks), else in an mpz.
 */
typedef unsigned __int128 u128;

static u128 p10_tab[39];

static void init_p10(void)
{
	if (p10_tab[0])
		return;
	u128 p = 1;
	for (int i = 0; i < 39; i++) {
		p10_tab[i] = p;
		p *= 10;
	}
}

static inline u128 p10(int k)
{
	if (!p10_tab[0])
		init_p10();
	return p10_tab[k];
}

static inline u128 uabs128(__int128 v)
{
	return v < 0 ? -(u128)v : (u128)v;
}

/* Decimal digits of u (1 for 0). */
static int ndigits_u128(u128 u)
{
	int n = 1;
	if (!p10_tab[0])
		init_p10();
	while (n < 39 && u >= p10_tab[n])
		n++;
	return n;
}

#define SMALL_LIMIT_DIGITS 37	/* |v| < 10^37 while small: sums of two stay in range */

/* ------------------------------------------------------------ mpz bridge */

static void mpz_set_i128(mpz_t z, __int128 v)
{
	u128 u = uabs128(v);
	mpz_set_ui(z, (unsigned long)(uint64_t)(u >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)u);
	if (v < 0)
		mpz_neg(z, z);
}

/* 1 and *v set when z fits the small form. */
static int mpz_get_i128(const mpz_t z, __int128 *v)
{
	if (mpz_sizeinbase(z, 2) > 126)
		return 0;
	u128 u = (u128)mpz_getlimbn(z, 0);
	if (mpz_size(z) > 1)
		u |= (u128)mpz_getlimbn(z, 1) << 64;
	if (u >= p10(SMALL_LIMIT_DIGITS))
		return 0;
	*v = mpz_sgn(z) < 0 ? -(__int128)u : (__int128)u;
	return 1;
}

/* The mantissa of n into z (initialised by the caller). */
static void get_mpz(const struct numval *n, mpz_t z)
{
	if (n->big)
		mpz_set(z, n->z);
	else
		mpz_set_i128(z, n->v);
}

static void mpz_pow10(mpz_t z, int k)
{
	mpz_ui_pow_ui(z, 10, (unsigned long)k);
}

/* Exact decimal digits of |z| (1 for 0). */
static long mpz_ndigits(const mpz_t z)
{
	if (mpz_sgn(z) == 0)
		return 1;
	long nd = (long)mpz_sizeinbase(z, 10);
	if (nd > 1) {
		mpz_t t;
		mpz_init(t);
		mpz_pow10(t, (int)nd - 1);
		if (mpz_cmpabs(z, t) < 0)
			nd--;
		mpz_clear(t);
	}
	return nd;
}

/* ------------------------------------------------------------ basics */

void num_clear(struct numval *n)
{
	if (n->big)
		mpz_clear(n->z);
	n->big = 0;
	n->v = 0;
	n->dscale = 0;
	n->kind = NUM_FINITE;
}

void num_set_int(struct numval *n, __int128 v, int dscale)
{
	if (n->big)
		mpz_clear(n->z);
	n->big = 0;
	n->kind = NUM_FINITE;
	n->v = v;
	n->dscale = dscale;
	if (uabs128(v) >= p10(SMALL_LIMIT_DIGITS)) {
		mpz_init(n->z);
		mpz_set_i128(n->z, v);
		n->big = 1;
	}
}

void num_set_kind(struct numval *n, enum numkind k)
{
	num_clear(n);
	n->kind = (unsigned char)k;
}

/*
 * Sets r's mantissa from z and its scale; r may be an operand already read.
 * Checks PostgreSQL's storage limits.
 */
static int set_mpz(struct numval *r, const mpz_t z, int dscale)
{
	__int128 v;
	if (mpz_get_i128(z, &v)) {
		num_set_int(r, v, dscale);
		return NUM_OK;
	}
	if (!r->big) {
		mpz_init(r->z);
		r->big = 1;
	}
	mpz_set(r->z, z);
	r->kind = NUM_FINITE;
	r->v = 0;
	r->dscale = dscale;
	if (mpz_ndigits(z) - dscale > NUM_MAX_INT_DIGITS)
		return NUM_EOVERFLOW;
	return NUM_OK;
}

void num_copy(struct numval *dst, const struct numval *src)
{
	if (dst == src)
		return;
	if (src->big) {
		set_mpz(dst, src->z, src->dscale);
	} else {
		num_set_int(dst, src->v, src->dscale);
		dst->kind = src->kind;
	}
}

const char *num_errmsg(int err)
{
	switch (err) {
	case NUM_ESYNTAX: return "invalid input syntax for type numeric";
	case NUM_EOVERFLOW: return "value overflows numeric format";
	case NUM_EDIVZERO: return "division by zero";
	case NUM_EFIELD: return "numeric field overflow";
	}
	return "numeric error";
}

int num_sign(const struct numval *n)
{
	switch (n->kind) {
	case NUM_NAN: return 0;
	case NUM_PINF: return 1;
	case NUM_NINF: return -1;
	}
	if (n->big)
		return mpz_sgn(n->z);
	return n->v > 0 ? 1 : n->v < 0 ? -1 : 0;
}

int num_is_zero(const struct numval *n)
{
	return n->kind == NUM_FINITE && num_sign(n) == 0;
}

void num_get_mpz(const struct numval *n, mpz_t z)
{
	get_mpz(n, z);
}

int num_set_mpz(struct numval *n, const mpz_t z, int dscale)
{
	return set_mpz(n, z, dscale);
}

/* ------------------------------------------------------------ text */

static int is_pg_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Case-insensitive prefix match of word at s (n bytes left). */
static int has_word(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);
	return n >= wl && strncasecmp(s, word, wl) == 0;
}

int num_parse(const char *s, size_t len, struct numval *out)
{
	const char *p = s, *end = s + len;
	int neg = 0, have_dp = 0, ndig = 0, frac = 0;
	long exp10 = 0;
	const char *dstart = NULL;
	__int128 acc = 0;
	int small_ok = 1, sig = 0;

	while (p < end && is_pg_space((unsigned char)*p))
		p++;
	/* the special values (PostgreSQL 15 accepts these spellings) */
	if (p < end && !(*p >= '0' && *p <= '9') && *p != '.'
	    && !((*p == '-' || *p == '+') && p + 1 < end && ((p[1] >= '0' && p[1] <= '9') || p[1] == '.'))) {
		static const struct { const char *w; enum numkind k; } sp[] = {
			{ "NaN", NUM_NAN }, { "Infinity", NUM_PINF },
			{ "+Infinity", NUM_PINF }, { "-Infinity", NUM_NINF },
			{ "inf", NUM_PINF }, { "+inf", NUM_PINF }, { "-inf", NUM_NINF },
		};
		for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
			if (has_word(p, (size_t)(end - p), sp[i].w)) {
				const char *q = p + strlen(sp[i].w);
				while (q < end && is_pg_space((unsigned char)*q))
					q++;
				if (q != end)
					return NUM_ESYNTAX;
				num_set_kind(out, sp[i].k);
				return NUM_OK;
			}
		}
	}
	if (p < end && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	dstart = p;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= '0' && c <= '9') {
			ndig++;
			if (have_dp)
				frac++;
			if (sig || c != '0') {
				sig++;
				if (sig > SMALL_LIMIT_DIGITS)
					small_ok = 0;
				else
					acc = acc * 10 + (c - '0');
			}
		} else if (c == '.') {
			if (have_dp)
				return NUM_ESYNTAX;
			have_dp = 1;
		} else {
			break;
		}
	}
	if (ndig == 0)
		return NUM_ESYNTAX;
	const char *dend = p;
	if (p < end && (*p == 'e' || *p == 'E')) {
		/* strtol semantics, as PostgreSQL uses it: blanks and a sign */
		char buf[32];
		const char *q = p + 1;
		size_t n = 0;
		while (q < end && n < sizeof(buf) - 1)
			buf[n++] = *q++;
		buf[n] = 0;
		char *ep;
		long e = strtol(buf, &ep, 10);
		if (ep == buf)
			return NUM_ESYNTAX;
		/* a longer number than buf could hold is an overflow anyway */
		p = p + 1 + (ep - buf);
		if (e >= INT_MAX / 2 || e <= -(INT_MAX / 2) || (size_t)(ep - buf) == sizeof(buf) - 1)
			return NUM_EOVERFLOW;
		exp10 = e;
	}
	while (p < end && is_pg_space((unsigned char)*p))
		p++;
	if (p != end)
		return NUM_ESYNTAX;

	long shift = exp10 - frac;	/* value = digits * 10^shift */
	long dscale = shift < 0 ? -shift : 0;
	if (dscale > NUM_MAX_DSCALE)
		return NUM_EOVERFLOW;
	if (sig == 0) {
		num_set_int(out, 0, (int)dscale);
		return NUM_OK;
	}
	/* integer digits of the value */
	if (sig + shift > NUM_MAX_INT_DIGITS)
		return NUM_EOVERFLOW;
	if (small_ok && (shift <= 0 || sig + shift <= SMALL_LIMIT_DIGITS)) {
		if (shift > 0)
			acc *= (__int128)p10((int)shift);
		num_set_int(out, neg ? -acc : acc, (int)dscale);
		return NUM_OK;
	}
	/* the slow path: digits through GMP */
	{
		char *digs = malloc((size_t)(dend - dstart) + 1);
		size_t n = 0;
		mpz_t z;
		int ret;
		if (!digs)
			return NUM_EOVERFLOW;
		for (const char *q = dstart; q < dend; q++)
			if (*q != '.')
				digs[n++] = *q;
		digs[n] = 0;
		mpz_init_set_str(z, digs, 10);
		free(digs);
		if (shift > 0) {
			mpz_t t;
			mpz_init(t);
			mpz_pow10(t, (int)shift);
			mpz_mul(z, z, t);
			mpz_clear(t);
		}
		if (neg)
			mpz_neg(z, z);
		ret = set_mpz(out, z, (int)dscale);
		mpz_clear(z);
		return ret;
	}
}

/* Digits of u into buf (no terminator); returns the count. */
static int u128_digits(u128 u, char *buf)
{
	char tmp[40];
	int n = 0;
	if (u == 0) {
		buf[0] = '0';
		return 1;
	}
	if (u <= UINT64_MAX) {
		uint64_t r = (uint64_t)u;
		while (r) {
			tmp[n++] = (char)('0' + r % 10);
			r /= 10;
		}
		for (int i = 0; i < n; i++)
			buf[i] = tmp[n - 1 - i];
		return n;
	}
	while (u >= (u128)10000000000000000000ULL) {
		uint64_t lo = (uint64_t)(u % 10000000000000000000ULL);
		u /= 10000000000000000000ULL;
		for (int i = 0; i < 19; i++) {
			tmp[n++] = (char)('0' + lo % 10);
			lo /= 10;
		}
	}
	uint64_t r = (uint64_t)u;
	while (r) {
		tmp[n++] = (char)('0' + r % 10);
		r /= 10;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* Lays out digits (nd of them, of |mantissa|) with dscale into out. */
static size_t layout(char *out, int neg, const char *digs, size_t nd, int dscale)
{
	size_t o = 0;
	int zero = nd == 1 && digs[0] == '0';
	if (neg && !zero)
		out[o++] = '-';
	if ((long)nd > dscale) {
		size_t ip = nd - (size_t)dscale;
		memcpy(out + o, digs, ip);
		o += ip;
		if (dscale > 0) {
			out[o++] = '.';
			memcpy(out + o, digs + ip, (size_t)dscale);
			o += (size_t)dscale;
		}
	} else {
		out[o++] = '0';
		if (dscale > 0) {
			out[o++] = '.';
			size_t zeros = (size_t)dscale - (zero ? 0 : nd);
			memset(out + o, '0', zeros);
			o += zeros;
			if (!zero) {
				memcpy(out + o, digs, nd);
				o += nd;
			}
		}
	}
	out[o] = 0;
	return o;
}

static const char *special_text(const struct numval *n)
{
	switch (n->kind) {
	case NUM_NAN: return "NaN";
	case NUM_PINF: return "Infinity";
	case NUM_NINF: return "-Infinity";
	}
	return NULL;
}

int num_format_small(const struct numval *n, char *buf)
{
	const char *sp = special_text(n);
	char digs[40];
	if (sp) {
		strcpy(buf, sp);
		return (int)strlen(sp);
	}
	if (n->big || n->dscale > 44)
		return -1;
	int nd = u128_digits(uabs128(n->v), digs);
	return (int)layout(buf, n->v < 0, digs, (size_t)nd, n->dscale);
}

void num_format(const struct numval *n, struct strbuf *out)
{
	char buf[48];
	int len = num_format_small(n, buf);
	if (len >= 0) {
		sb_add(out, buf, (size_t)len);
		return;
	}
	char *digs;
	size_t nd;
	int neg;
	if (n->big) {
		digs = mpz_get_str(NULL, 10, n->z);
		neg = mpz_sgn(n->z) < 0;
		if (neg)
			memmove(digs, digs + 1, strlen(digs));
	} else {
		digs = malloc(40);
		if (!digs)
			abort();
		digs[u128_digits(uabs128(n->v), digs)] = 0;
		neg = n->v < 0;
	}
	nd = strlen(digs);
	size_t need = nd + (size_t)n->dscale + 4;
	sb_grow(out, need);
	size_t l = layout(out->buf + out->len, neg, digs, nd, n->dscale);
	sb_setlen(out, out->len + l);
	free(digs);
}

/* ------------------------------------------------------------ comparison */

static int kind_rank(const struct numval *n)
{
	switch (n->kind) {
	case NUM_NINF: return 0;
	case NUM_FINITE: return 1;
	case NUM_PINF: return 2;
	}
	return 3;	/* NaN sorts above everything, equal to itself */
}

/* Scales small v up by k digits; 0 on overflow of the small form. */
static int scale_small(__int128 v, int k, __int128 *out)
{
	if (k > SMALL_LIMIT_DIGITS)
		return v == 0 ? (*out = 0, 1) : 0;
	__int128 r;
	if (__builtin_mul_overflow(v, (__int128)p10(k), &r))
		return 0;
	if (uabs128(r) >= p10(SMALL_LIMIT_DIGITS))
		return 0;
	*out = r;
	return 1;
}

/* Both mantissas as mpz at the common scale max(a, b). */
static int align_mpz(const struct numval *a, const struct numval *b, mpz_t x, mpz_t y)
{
	int d = a->dscale > b->dscale ? a->dscale : b->dscale;
	mpz_t t;
	get_mpz(a, x);
	get_mpz(b, y);
	mpz_init(t);
	if (d > a->dscale) {
		mpz_pow10(t, d - a->dscale);
		mpz_mul(x, x, t);
	}
	if (d > b->dscale) {
		mpz_pow10(t, d - b->dscale);
		mpz_mul(y, y, t);
	}
	mpz_clear(t);
	return d;
}

/* Both small mantissas at the common scale; 0 when that overflows. */
static int align_small(const struct numval *a, const struct numval *b,
		       __int128 *x, __int128 *y, int *d)
{
	if (a->big || b->big)
		return 0;
	if (a->dscale == b->dscale) {
		*x = a->v;
		*y = b->v;
		*d = a->dscale;
		return 1;
	}
	if (a->dscale > b->dscale) {
		*x = a->v;
		*d = a->dscale;
		return scale_small(b->v, a->dscale - b->dscale, y);
	}
	*y = b->v;
	*d = b->dscale;
	return scale_small(a->v, b->dscale - a->dscale, x);
}

int num_cmp(const struct numval *a, const struct numval *b)
{
	int ra = kind_rank(a), rb = kind_rank(b);
	if (ra != rb || ra != 1)
		return ra < rb ? -1 : ra > rb;
	int sa = num_sign(a), sb = num_sign(b);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	__int128 x, y;
	int d;
	if (align_small(a, b, &x, &y, &d))
		return x < y ? -1 : x > y;
	mpz_t mx, my;
	mpz_init(mx);
	mpz_init(my);
	align_mpz(a, b, mx, my);
	int c = mpz_cmp(mx, my);
	mpz_clear(mx);
	mpz_clear(my);
	return c < 0 ? -1 : c > 0;
}

/* ------------------------------------------------------------ arithmetic */

static int special_add(struct numval *r, const struct numval *a, const struct numval *b, int bneg)
{
	int ka = a->kind, kb = b->kind;
	if (bneg && kb == NUM_PINF)
		kb = NUM_NINF;
	else if (bneg && kb == NUM_NINF)
		kb = NUM_PINF;
	if (ka == NUM_NAN || kb == NUM_NAN)
		num_set_kind(r, NUM_NAN);
	else if (ka != NUM_FINITE && kb != NUM_FINITE)
		num_set_kind(r, ka == kb ? (enum numkind)ka : NUM_NAN);
	else
		num_set_kind(r, (enum numkind)(ka != NUM_FINITE ? ka : kb));
	return NUM_OK;
}

static int addsub(struct numval *r, const struct numval *a, const struct numval *b, int sub)
{
	if (a->kind != NUM_FINITE || b->kind != NUM_FINITE)
		return special_add(r, a, b, sub);
	__int128 x, y, s;
	int d;
	if (align_small(a, b, &x, &y, &d)) {
		if (sub)
			s = x - y;	/* |x|, |y| < 10^38: no overflow of __int128 */
		else
			s = x + y;
		num_set_int(r, s, d);
		return NUM_OK;
	}
	mpz_t mx, my;
	int ret;
	mpz_init(mx);
	mpz_init(my);
	d = align_mpz(a, b, mx, my);
	if (sub)
		mpz_sub(mx, mx, my);
	else
		mpz_add(mx, mx, my);
	ret = set_mpz(r, mx, d);
	mpz_clear(mx);
	mpz_clear(my);
	return ret;
}

int num_add(struct numval *r, const struct numval *a, const struct numval *b)
{
	return addsub(r, a, b, 0);
}

int num_sub(struct numval *r, const struct numval *a, const struct numval *b)
{
	return addsub(r, a, b, 1);
}

int num_mul(struct numval *r, const struct numval *a, const struct numval *b)
{
	if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
		num_set_kind(r, NUM_NAN);
		return NUM_OK;
	}
	if (a->kind != NUM_FINITE || b->kind != NUM_FINITE) {
		int s = num_sign(a) * num_sign(b);
		num_set_kind(r, s == 0 ? NUM_NAN : s > 0 ? NUM_PINF : NUM_NINF);
		return NUM_OK;
	}
	int d = a->dscale + b->dscale;
	__int128 p;
	if (!a->big && !b->big && !__builtin_mul_overflow(a->v, b->v, &p)
	    && uabs128(p) < p10(SMALL_LIMIT_DIGITS)) {
		num_set_int(r, p, d);
	} else {
		mpz_t x, y;
		int ret;
		mpz_init(x);
		mpz_init(y);
		get_mpz(a, x);
		get_mpz(b, y);
		mpz_mul(x, x, y);
		ret = set_mpz(r, x, d);
		mpz_clear(x);
		mpz_clear(y);
		if (ret)
			return ret;
	}
	/* mul_var's exact scale may exceed the storable one: PostgreSQL rounds */
	if (r->dscale > NUM_MAX_DSCALE)
		num_round(r, r, NUM_MAX_DSCALE);
	return NUM_OK;
}

/*
 * q = N / D rounded half away from zero (round) or truncated, where the
 * value is (a / b) * 10^rscale.  a, b finite, b non-zero.
 */
int num_div_scale(struct numval *r, const struct numval *a, const struct numval *b,
		  int rscale, int round)
{
	int e = b->dscale + rscale - a->dscale;	/* N = A*10^e / B, or A / (B*10^-e) */
	if (!a->big && !b->big) {
		__int128 n = a->v, dd = b->v;
		int ok = e >= 0 ? scale_small(n, e, &n) : scale_small(dd, -e, &dd);
		if (ok) {
			__int128 q = n / dd, rem = n % dd;
			if (round && rem != 0 && 2 * uabs128(rem) >= uabs128(dd))
				q += ((n < 0) != (dd < 0)) ? -1 : 1;
			num_set_int(r, q, rscale);
			return NUM_OK;
		}
	}
	mpz_t n, dd, q, rem;
	int ret;
	mpz_inits(n, dd, q, rem, NULL);
	get_mpz(a, n);
	get_mpz(b, dd);
	mpz_pow10(q, e >= 0 ? e : -e);
	if (e >= 0)
		mpz_mul(n, n, q);
	else
		mpz_mul(dd, dd, q);
	mpz_tdiv_qr(q, rem, n, dd);
	if (round && mpz_sgn(rem) != 0) {
		mpz_mul_2exp(rem, rem, 1);
		if (mpz_cmpabs(rem, dd) >= 0) {
			if ((mpz_sgn(n) < 0) != (mpz_sgn(dd) < 0))
				mpz_sub_ui(q, q, 1);
			else
				mpz_add_ui(q, q, 1);
		}
	}
	ret = set_mpz(r, q, rscale);
	mpz_clears(n, dd, q, rem, NULL);
	return ret;
}

/* PostgreSQL's NBASE (10000) weight and first digit of |n| (0, 0 for 0). */
static void nbase_lead(const struct numval *n, int *weight, int *first)
{
	long nd;
	u128 u = 0;
	mpz_t z;
	*weight = 0;
	*first = 0;
	if (num_sign(n) == 0)
		return;
	if (!n->big) {
		u = uabs128(n->v);
		nd = ndigits_u128(u);
	} else {
		nd = mpz_ndigits(n->z);
	}
	long e10 = nd - 1 - n->dscale;
	long w = e10 >= 0 ? e10 / 4 : -((-e10 + 3) / 4);
	long k = e10 - 4 * w + 1;	/* decimal digits in the first NBASE digit */
	if (!n->big) {
		if (nd >= k)
			*first = (int)(u / p10((int)(nd - k)));
		else
			*first = (int)(u * p10((int)(k - nd)));
	} else {
		/* big means nd > 38 >= k */
		mpz_init(z);
		mpz_pow10(z, (int)(nd - k));
		mpz_tdiv_q(z, n->z, z);
		*first = (int)mpz_get_ui(z);	/* of |q|: mpz_get_ui ignores the sign */
		mpz_clear(z);
	}
	*weight = (int)w;
}

int num_select_div_scale(const struct numval *a, const struct numval *b)
{
	int w1, f1, w2, f2;
	nbase_lead(a, &w1, &f1);
	nbase_lead(b, &w2, &f2);
	int qweight = w1 - w2;
	if (f1 <= f2)
		qweight--;
	int rscale = NUM_MIN_SIG_DIGITS - qweight * 4;
	if (rscale < a->dscale)
		rscale = a->dscale;
	if (rscale < b->dscale)
		rscale = b->dscale;
	if (rscale < 0)
		rscale = 0;
	if (rscale > NUM_MAX_DISPLAY_SCALE)
		rscale = NUM_MAX_DISPLAY_SCALE;
	return rscale;
}

int num_div(struct numval *r, const struct numval *a, const struct numval *b)
{
	if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
		num_set_kind(r, NUM_NAN);
		return NUM_OK;
	}
	if (a->kind != NUM_FINITE) {
		if (b->kind != NUM_FINITE) {
			num_set_kind(r, NUM_NAN);
			return NUM_OK;
		}
		int s = num_sign(b);
		if (s == 0)
			return NUM_EDIVZERO;
		num_set_kind(r, (num_sign(a) * s) > 0 ? NUM_PINF : NUM_NINF);
		return NUM_OK;
	}
	if (b->kind != NUM_FINITE) {
		num_set_int(r, 0, 0);
		return NUM_OK;
	}
	if (num_sign(b) == 0)
		return NUM_EDIVZERO;
	return num_div_scale(r, a, b, num_select_div_scale(a, b), 1);
}

int num_div_trunc(struct numval *r, const struct numval *a, const struct numval *b)
{
	if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
		num_set_kind(r, NUM_NAN);
		return NUM_OK;
	}
	if (a->kind != NUM_FINITE) {
		if (b->kind != NUM_FINITE) {
			num_set_kind(r, NUM_NAN);
			return NUM_OK;
		}
		int s = num_sign(b);
		if (s == 0)
			return NUM_EDIVZERO;
		num_set_kind(r, (num_sign(a) * s) > 0 ? NUM_PINF : NUM_NINF);
		return NUM_OK;
	}
	if (b->kind != NUM_FINITE) {
		num_set_int(r, 0, 0);
		return NUM_OK;
	}
	if (num_sign(b) == 0)
		return NUM_EDIVZERO;
	return num_div_scale(r, a, b, 0, 0);
}

int num_mod(struct numval *r, const struct numval *a, const struct numval *b)
{
	if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
		num_set_kind(r, NUM_NAN);
		return NUM_OK;
	}
	if (a->kind != NUM_FINITE) {
		if (num_sign(b) == 0 && b->kind == NUM_FINITE)
			return NUM_EDIVZERO;
		num_set_kind(r, NUM_NAN);
		return NUM_OK;
	}
	if (b->kind != NUM_FINITE) {
		num_copy(r, a);
		return NUM_OK;
	}
	if (num_sign(b) == 0)
		return NUM_EDIVZERO;
	__int128 x, y;
	int d;
	if (align_small(a, b, &x, &y, &d)) {
		num_set_int(r, x % y, d);
		return NUM_OK;
	}
	mpz_t mx, my;
	int ret;
	mpz_init(mx);
	mpz_init(my);
	d = align_mpz(a, b, mx, my);
	mpz_tdiv_r(mx, mx, my);
	ret = set_mpz(r, mx, d);
	mpz_clear(mx);
	mpz_clear(my);
	return ret;
}

void num_neg(struct numval *r, const struct numval *a)
{
	if (a->kind == NUM_PINF || a->kind == NUM_NINF) {
		num_set_kind(r, a->kind == NUM_PINF ? NUM_NINF : NUM_PINF);
		return;
	}
	num_copy(r, a);
	if (r->kind != NUM_FINITE)
		return;
	if (r->big)
		mpz_neg(r->z, r->z);
	else
		r->v = -r->v;
}

void num_abs(struct numval *r, const struct numval *a)
{
	if (a->kind == NUM_NINF) {
		num_set_kind(r, NUM_PINF);
		return;
	}
	num_copy(r, a);
	if (r->kind != NUM_FINITE)
		return;
	if (r->big)
		mpz_abs(r->z, r->z);
	else if (r->v < 0)
		r->v = -r->v;
}

/* ------------------------------------------------------------ rounding */

enum rmode { R_HALF_AWAY, R_TRUNC, R_CEIL, R_FLOOR };

/*
 * Drops k (> 0) decimal digits of the mantissa, rounding by mode, and
 * multiplies back by 10^up; result scale rscale.
 */
static void drop_digits(struct numval *r, const struct numval *a, int k, int up,
			int rscale, enum rmode mode)
{
	if (!a->big && k <= 18 && a->v > -INT64_MAX && a->v < INT64_MAX) {
		/* the usual case, in 64-bit arithmetic */
		int64_t v = (int64_t)a->v, d = (int64_t)p10(k);
		int64_t q = v / d, rem = v % d;
		if (rem != 0) {
			uint64_t ar = rem < 0 ? (uint64_t)-rem : (uint64_t)rem;
			if (mode == R_HALF_AWAY && 2 * ar >= (uint64_t)d)
				q += v < 0 ? -1 : 1;
			else if (mode == R_CEIL && v > 0)
				q += 1;
			else if (mode == R_FLOOR && v < 0)
				q -= 1;
		}
		__int128 sc;
		if (up == 0) {
			num_set_int(r, q, rscale);
			return;
		}
		if (scale_small(q, up, &sc)) {
			num_set_int(r, sc, rscale);
			return;
		}
	}
	if (!a->big && k <= SMALL_LIMIT_DIGITS) {
		__int128 d = (__int128)p10(k);
		__int128 q = a->v / d, rem = a->v % d;
		if (rem != 0) {
			if (mode == R_HALF_AWAY && 2 * uabs128(rem) >= (u128)d)
				q += a->v < 0 ? -1 : 1;
			else if (mode == R_CEIL && a->v > 0)
				q += 1;
			else if (mode == R_FLOOR && a->v < 0)
				q -= 1;
		}
		__int128 s;
		if (up == 0) {
			num_set_int(r, q, rscale);
			return;
		}
		if (scale_small(q, up, &s)) {
			num_set_int(r, s, rscale);
			return;
		}
	}
	mpz_t n, d, q, rem;
	mpz_inits(n, d, q, rem, NULL);
	get_mpz(a, n);
	mpz_pow10(d, k);
	mpz_tdiv_qr(q, rem, n, d);
	if (mpz_sgn(rem) != 0) {
		if (mode == R_HALF_AWAY) {
			mpz_mul_2exp(rem, rem, 1);
			if (mpz_cmpabs(rem, d) >= 0) {
				if (mpz_sgn(n) < 0)
					mpz_sub_ui(q, q, 1);
				else
					mpz_add_ui(q, q, 1);
			}
		} else if (mode == R_CEIL && mpz_sgn(n) > 0) {
			mpz_add_ui(q, q, 1);
		} else if (mode == R_FLOOR && mpz_sgn(n) < 0) {
			mpz_sub_ui(q, q, 1);
		}
	}
	if (up > 0) {
		mpz_pow10(d, up);
		mpz_mul(q, q, d);
	}
	set_mpz(r, q, rscale);
	mpz_clears(n, d, q, rem, NULL);
}

/* Scale up: append zeros to reach scale s > a->dscale. */
static void extend_scale(struct numval *r, const struct numval *a, int s)
{
	__int128 v;
	if (!a->big && scale_small(a->v, s - a->dscale, &v)) {
		num_set_int(r, v, s);
		return;
	}
	mpz_t n, t;
	mpz_init(n);
	mpz_init(t);
	get_mpz(a, n);
	mpz_pow10(t, s - a->dscale);
	mpz_mul(n, n, t);
	set_mpz(r, n, s);
	mpz_clear(n);
	mpz_clear(t);
}

static void round_mode(struct numval *r, const struct numval *a, int s, enum rmode mode)
{
	if (a->kind != NUM_FINITE) {
		num_copy(r, a);
		return;
	}
	if (s > NUM_MAX_DSCALE)
		s = NUM_MAX_DSCALE;
	if (s < -NUM_MAX_INT_DIGITS)
		s = -NUM_MAX_INT_DIGITS;
	if (s >= a->dscale) {
		if (s == a->dscale)
			num_copy(r, a);
		else
			extend_scale(r, a, s);
		return;
	}
	int k = a->dscale - s;
	drop_digits(r, a, k, s < 0 ? -s : 0, s < 0 ? 0 : s, mode);
}

void num_round(struct numval *r, const struct numval *a, int s)
{
	round_mode(r, a, s, R_HALF_AWAY);
}

void num_trunc(struct numval *r, const struct numval *a, int s)
{
	round_mode(r, a, s, R_TRUNC);
}

void num_ceil(struct numval *r, const struct numval *a)
{
	if (a->kind != NUM_FINITE || a->dscale == 0) {
		num_copy(r, a);
		return;
	}
	drop_digits(r, a, a->dscale, 0, 0, R_CEIL);
}

void num_floor(struct numval *r, const struct numval *a)
{
	if (a->kind != NUM_FINITE || a->dscale == 0) {
		num_copy(r, a);
		return;
	}
	drop_digits(r, a, a->dscale, 0, 0, R_FLOOR);
}

int num_min_scale(const struct numval *a)
{
	if (a->kind != NUM_FINITE || num_sign(a) == 0)
		return 0;
	int t = 0;
	if (!a->big) {
		__int128 v = a->v;
		while (t < a->dscale && v % 10 == 0) {
			v /= 10;
			t++;
		}
		return a->dscale - t;
	}
	mpz_t z;
	mpz_init_set(z, a->z);
	while (t < a->dscale && mpz_divisible_ui_p(z, 10)) {
		mpz_divexact_ui(z, z, 10);
		t++;
	}
	mpz_clear(z);
	return a->dscale - t;
}

int num_apply_typmod(struct numval *n, int precision, int scale)
{
	if (precision < 0)
		return NUM_OK;
	if (n->kind == NUM_NAN)
		return NUM_OK;
	if (n->kind != NUM_FINITE)
		return NUM_EFIELD;
	num_round(n, n, scale);
	if (num_sign(n) == 0)
		return NUM_OK;
	long nd = n->big ? mpz_ndigits(n->z) : ndigits_u128(uabs128(n->v));
	if (nd - n->dscale > (long)precision - scale)
		return NUM_EFIELD;
	return NUM_OK;
}

int num_to_int64(const struct numval *n, long long *out)
{
	struct numval r = NUMVAL_INIT;
	int ret = 0;
	num_round(&r, n, 0);
	if (r.big || r.v > LLONG_MAX || r.v < LLONG_MIN)
		ret = -1;
	else
		*out = (long long)r.v;
	num_clear(&r);
	return ret;
}

/* ------------------------------------------------------------ sqrt */

int num_sqrt(struct numval *r, const struct numval *a)
{
	if (a->kind == NUM_NAN || a->kind == NUM_PINF) {
		num_copy(r, a);
		return NUM_OK;
	}
	if (num_sign(a) < 0)
		return -1;
	int w, f;
	nbase_lead(a, &w, &f);
	int sweight = (w + 1) * 4 / 2 - 1;
	int rscale = NUM_MIN_SIG_DIGITS - sweight;
	if (rscale < a->dscale)
		rscale = a->dscale;
	if (rscale < 0)
		rscale = 0;
	if (rscale > NUM_MAX_DISPLAY_SCALE)
		rscale = NUM_MAX_DISPLAY_SCALE;
	return num_sqrt_scale(r, a, rscale);
}

int num_sqrt_scale(struct numval *r, const struct numval *a, int rscale)
{
	/* root of A*10^-d at scale rscale+1: isqrt(A * 10^(2(rscale+1) - d)) */
	mpz_t n, t;
	int ret;
	mpz_init(n);
	mpz_init(t);
	get_mpz(a, n);
	int e = 2 * (rscale + 1) - a->dscale;
	if (e >= 0) {
		mpz_pow10(t, e);
		mpz_mul(n, n, t);
	} else {
		/* floor(sqrt(floor(x))) = floor(sqrt(x)): dropping digits is exact */
		mpz_pow10(t, -e);
		mpz_tdiv_q(n, n, t);
	}
	mpz_sqrt(n, n);
	/* n = floor(root * 10^(rscale+1)); round the last digit half up */
	mpz_add_ui(n, n, 5);
	mpz_tdiv_q_ui(n, n, 10);
	ret = set_mpz(r, n, rscale);
	mpz_clear(n);
	mpz_clear(t);
	return ret;
}
