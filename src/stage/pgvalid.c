/*
 * pgvalid: would PostgreSQL 15 accept this text as input for a column type?
 *
 * pgvalue_check() answers the question the server's input functions answer
 * (int4in, numeric_in, date_in, json_in, array_in, ...) without a server.
 * The code follows those functions closely, often step by step, so their
 * quirks come along: '1e 5' is a numeric, '12::' is a time, '1 day ago ago'
 * is an interval, ' 5 ' is an integer.  Checked against PostgreSQL 15.18;
 * tests/unit/test_pgvalid.c holds the cases with the server's answers.
 *
 * Date/time input runs through a port of PostgreSQL's own tokenizer and
 * decoder (ParseDateTime, DecodeDateTime, DecodeTimeOnly, DecodeDate,
 * DecodeNumber, DecodeNumberField, ValidateDate): ISO dates, times,
 * numeric offsets, the abbreviations of the "Default" zone set, ISO 8601
 * basic forms, BC/AD, AM/PM, month and weekday names ("Sat Jan 8 1999",
 * "1999-Jan-08"), numeric dates in DateStyle's field order ("1/8/1999"),
 * two-digit years, julian days ("J2451187"), unit labels ("y1999m01d08")
 * and the special words (infinity, epoch, now, today, allballs, ...).
 * The field order is the caller's (enum pgdt_order): pgdt_decode() takes
 * the run's; pgvalue_check() checks text that some other session will
 * read, so it reports the forms an order decides ("01/02/2024", "Jan 8
 * 99") as unsupported, never guessed at.  Also unsupported: full zone
 * names ("America/New_York", "Japan"), "DST" and zone abbreviations whose
 * offset changed over time.  Where
 * validity depends on the session time zone (a timestamptz without an
 * offset at the very ends of the range) UTC is assumed.
 *
 * No global state and no allocation, except one buffer for an array
 * element larger than 1 KiB, freed before returning.  Like the server,
 * strtod()/strtof() decide float ranges; they assume the C locale for
 * LC_NUMERIC (drydock never calls setlocale).
 */
#include "pgtype.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Character classes: the server's <ctype.h> calls in a UTF-8 locale,  */
/* where no byte of a multibyte character is a space, digit or letter. */
/* ------------------------------------------------------------------ */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_xdigit(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_punct(int c)
{
	return c > ' ' && c < 0x7f && !is_alnum(c);
}

static int to_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* pg_strncasecmp(s, word, strlen(word)) == 0, for s of n bytes */
static int ci_prefix(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (i >= n || to_lower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

/* 0 for valid UTF-8 (as pg_utf8_islegal), 1 for a NUL byte, 2 otherwise */
static int utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t need, k;

		if (c < 0x80) {
			if (c == 0)
				return 1;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return 2;
		}
		if (n - i - 1 < need)
			return 2;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 2;
		for (k = 2; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 2;
		i += need + 1;
	}
	return 0;
}

/*
 * rint() (round half to even) and floor() without libm, for the values
 * met here; doubles of 2^52 or more are integers already.
 */
static double rint_even(double x)
{
	double r, d;

	if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
		return x;
	r = (double)(int64_t)x; /* toward zero */
	d = x - r;              /* exact */
	if (d > 0.5 || (d == 0.5 && ((int64_t)r & 1)))
		r += 1;
	else if (d < -0.5 || (d == -0.5 && ((int64_t)r & 1)))
		r -= 1;
	return r;
}

static double floor_d(double x)
{
	double r;

	if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
		return x;
	r = (double)(int64_t)x;
	return r > x ? r - 1 : r;
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Integers: pg_strtoint16/32/64                                       */
/* ------------------------------------------------------------------ */

static int check_int(const char *s, size_t n, enum pgkind kind,
		     const char **why)
{
	const char *syntax, *range;
	uint64_t v = 0, limit;
	size_t i = 0;

	switch (kind) {
	case PGK_INT2:
		syntax = "invalid input syntax for type smallint";
		range = "out of range for type smallint";
		limit = INT16_MAX;
		break;
	case PGK_INT4:
		syntax = "invalid input syntax for type integer";
		range = "out of range for type integer";
		limit = INT32_MAX;
		break;
	default:
		syntax = "invalid input syntax for type bigint";
		range = "out of range for type bigint";
		limit = INT64_MAX;
		break;
	}
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		if (s[i] == '-')
			limit++; /* -32768, INT32_MIN, INT64_MIN */
		i++;
	}
	if (i >= n || !is_digit((unsigned char)s[i]))
		return fail(why, syntax);
	while (i < n && is_digit((unsigned char)s[i])) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (limit - d) / 10)
			return fail(why, range);
		v = v * 10 + d;
		i++;
	}
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i != n)
		return fail(why, syntax);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Boolean: boolin / parse_bool_with_len                               */
/* ------------------------------------------------------------------ */

static int check_bool(const char *s, size_t n, const char **why)
{
	static const char *const words[] = { "true", "false", "yes", "no" };
	static const char syntax[] = "invalid input syntax for type boolean";
	size_t a = 0, b = n, l, k, j;
	const char *v;
	int first;

	while (a < b && is_space((unsigned char)s[a]))
		a++;
	while (b > a && is_space((unsigned char)s[b - 1]))
		b--;
	v = s + a;
	l = b - a;
	if (l == 0)
		return fail(why, syntax);
	first = to_lower((unsigned char)v[0]);
	/* any prefix of true, false, yes, no */
	for (k = 0; k < ARRAY_SIZE(words); k++) {
		if (words[k][0] != first)
			continue;
		if (l > strlen(words[k]))
			return fail(why, syntax);
		for (j = 1; j < l; j++)
			if (to_lower((unsigned char)v[j]) != words[k][j])
				return fail(why, syntax);
		return 0;
	}
	/* "o" alone is ambiguous: on and off take at least two letters */
	if (first == 'o') {
		int c1 = l >= 2 ? to_lower((unsigned char)v[1]) : 0;

		if (l == 2 && c1 == 'n')
			return 0;
		if (c1 == 'f' && (l == 2 ||
				  (l == 3 && to_lower((unsigned char)v[2]) == 'f')))
			return 0;
		return fail(why, syntax);
	}
	if ((first == '1' || first == '0') && l == 1)
		return 0;
	return fail(why, syntax);
}

/* ------------------------------------------------------------------ */
/* Floating point: float4in / float8in, which rest on strtof/strtod    */
/* ------------------------------------------------------------------ */

/*
 * How many bytes of s glibc's strtod() would consume (not skipping
 * leading space): [sign] then inf, infinity, nan, nan(chars), a hex
 * float or a decimal float.  0 when it would not convert anything.
 */
static size_t scan_strtod(const char *s, size_t n)
{
	size_t i = 0, j, nd = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && to_lower((unsigned char)s[i]) == 'i') {
		if (ci_prefix(s + i, n - i, "infinity"))
			return i + 8;
		if (ci_prefix(s + i, n - i, "inf"))
			return i + 3;
		return 0;
	}
	if (i < n && to_lower((unsigned char)s[i]) == 'n') {
		if (!ci_prefix(s + i, n - i, "nan"))
			return 0;
		i += 3;
		if (i < n && s[i] == '(') {
			j = i + 1;
			while (j < n && (is_alnum((unsigned char)s[j]) ||
					 s[j] == '_'))
				j++;
			if (j < n && s[j] == ')')
				i = j + 1;
		}
		return i;
	}
	if (i + 1 < n && s[i] == '0' && to_lower((unsigned char)s[i + 1]) == 'x') {
		j = i + 2;
		while (j < n && is_xdigit((unsigned char)s[j]))
			j++, nd++;
		if (j < n && s[j] == '.') {
			j++;
			while (j < n && is_xdigit((unsigned char)s[j]))
				j++, nd++;
		}
		if (nd == 0)
			return i + 1; /* just the "0" */
		if (j < n && to_lower((unsigned char)s[j]) == 'p') {
			size_t k = j + 1;

			if (k < n && (s[k] == '+' || s[k] == '-'))
				k++;
			if (k < n && is_digit((unsigned char)s[k])) {
				while (k < n && is_digit((unsigned char)s[k]))
					k++;
				j = k;
			}
		}
		return j;
	}
	j = i;
	while (j < n && is_digit((unsigned char)s[j]))
		j++, nd++;
	if (j < n && s[j] == '.') {
		j++;
		while (j < n && is_digit((unsigned char)s[j]))
			j++, nd++;
	}
	if (nd == 0)
		return 0;
	if (j < n && to_lower((unsigned char)s[j]) == 'e') {
		size_t k = j + 1;

		if (k < n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < n && is_digit((unsigned char)s[k])) {
			while (k < n && is_digit((unsigned char)s[k]))
				k++;
			j = k;
		}
	}
	return j;
}

#define NORM_KEEP 780 /* significant digits kept: enough to round right */

/*
 * Rewrites a long strtod token (decimal or hex, as scan_strtod accepted
 * it) as [sign][0x]0.DIGITS[e|p]EXP with at most NORM_KEEP significant
 * digits plus a sticky 1 when nonzero digits were dropped, which rounds
 * the same.  out must hold NORM_KEEP + 40 bytes.
 */
static void normalize_float_token(const char *s, size_t n, char *out,
				  size_t outsz)
{
	size_t i = 0, o = 0;
	int hex = 0, point = 0, leading = 1, sticky = 0, kept = 0;
	long long shift = 0, ex = 0, total;

	if (s[i] == '+' || s[i] == '-')
		out[o++] = s[i++];
	if (is_alpha((unsigned char)s[i])) { /* nan(...) with a long tag */
		memcpy(out + o, "nan", 4);
		return;
	}
	if (i + 1 < n && s[i] == '0' && to_lower((unsigned char)s[i + 1]) == 'x') {
		hex = 1;
		i += 2;
		out[o++] = '0';
		out[o++] = 'x';
	}
	out[o++] = '0';
	out[o++] = '.';
	for (; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '.') {
			point = 1;
			continue;
		}
		if (!(hex ? is_xdigit(c) : is_digit(c)))
			break;
		if (leading && c == '0') {
			if (point)
				shift--;
			continue;
		}
		leading = 0;
		if (!point)
			shift++;
		if (kept < NORM_KEEP) {
			out[o++] = (char)c;
			kept++;
		} else if (c != '0') {
			sticky = 1;
		}
	}
	if (leading) { /* the value is zero */
		out[o] = '\0';
		return;
	}
	if (sticky)
		out[o++] = '1';
	if (i < n) { /* exponent: e or p, digits known to follow */
		int neg = 0;

		i++;
		if (s[i] == '+' || s[i] == '-')
			neg = s[i++] == '-';
		for (; i < n && is_digit((unsigned char)s[i]); i++)
			if (ex < 1000000000000LL)
				ex = ex * 10 + (s[i] - '0');
		if (neg)
			ex = -ex;
	}
	total = (hex ? shift * 4 : shift) + ex;
	out[o++] = hex ? 'p' : 'e';
	out[o] = '\0';
	/* total fits easily: |shift| is bounded by n, |ex| by 1e12 */
	{
		char digits[24];
		int nd = 0;
		unsigned long long u;

		if (total < 0) {
			out[o++] = '-';
			u = (unsigned long long)(-total);
		} else {
			u = (unsigned long long)total;
		}
		do {
			digits[nd++] = (char)('0' + u % 10);
			u /= 10;
		} while (u && nd < (int)sizeof(digits));
		while (nd && o + 1 < outsz)
			out[o++] = digits[--nd];
		out[o] = '\0';
	}
}

/* strtod/strtof of a token scan_strtod accepted; *erange as errno said. */
static double token_to_double(const char *s, size_t n, int as_float,
			      int *erange)
{
	char buf[NORM_KEEP + 48];
	char *end;
	double v;

	if (n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
	} else {
		normalize_float_token(s, n, buf, sizeof(buf));
	}
	errno = 0;
	if (as_float)
		v = strtof(buf, &end);
	else
		v = strtod(buf, &end);
	*erange = errno == ERANGE;
	return v;
}

static int check_float(const char *s, size_t n, int as_float,
		       const char **why)
{
	const char *syntax = as_float ?
		"invalid input syntax for type real" :
		"invalid input syntax for type double precision";
	size_t i = 0, k;
	int erange;
	double v;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i == n)
		return fail(why, syntax);
	k = scan_strtod(s + i, n - i);
	if (k == 0)
		return fail(why, syntax);
	v = token_to_double(s + i, k, as_float, &erange);
	/* ERANGE for a denormal is fine; overflow or underflow to 0 is not */
	if (erange && (v == 0.0 || isinf(v)))
		return fail(why, as_float ? "out of range for type real" :
			    "out of range for type double precision");
	i += k;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i != n)
		return fail(why, syntax);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Numeric: numeric_in, set_var_from_str, apply_typmod, make_result    */
/* ------------------------------------------------------------------ */

#define NUMERIC_DSCALE_MAX 16383     /* digits after the point */
#define NUMERIC_MAX_DWEIGHT 131071   /* 10^x of the leading digit */
#define NUMERIC_EXP_LIMIT 1073741823 /* INT_MAX / 2 */

struct numdigits {
	const char *s;
	size_t ds;      /* first digit (or the point before it) */
	size_t dp;      /* position of the point, when have_dp */
	int have_dp;
	long long nint; /* digits before the point */
};

static int num_digit(const struct numdigits *d, long long k)
{
	if (k < d->nint)
		return d->s[d->ds + (size_t)k];
	return d->s[d->dp + 1 + (size_t)(k - d->nint)];
}

/*
 * prec < 0: unconstrained numeric.  Otherwise numeric(prec, scale):
 * the value is rounded half away from zero to scale digits and then may
 * have at most prec - scale digits before the point (scale may be
 * negative or larger than prec, as PostgreSQL 15 allows).
 */
static int check_numeric(const char *s, size_t n, int prec, int scale,
			 const char **why)
{
	static const char syntax[] = "invalid input syntax for type numeric";
	static const char overflows[] = "value overflows numeric format";
	static const char field[] = "numeric field overflow";
	static const struct {
		const char *word;
		int inf;
	} specials[] = {
		{ "nan", 0 }, { "infinity", 1 }, { "+infinity", 1 },
		{ "-infinity", 1 }, { "inf", 1 }, { "+inf", 1 }, { "-inf", 1 },
	};
	struct numdigits d;
	long long nd, nfrac, ex = 0, k, f = -1;
	size_t i = 0, p, w;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	for (w = 0; w < ARRAY_SIZE(specials); w++) {
		if (!ci_prefix(s + i, n - i, specials[w].word))
			continue;
		for (p = i + strlen(specials[w].word); p < n; p++)
			if (!is_space((unsigned char)s[p]))
				return fail(why, syntax);
		if (specials[w].inf && prec >= 0)
			return fail(why, field);
		return 0;
	}

	p = i;
	if (p < n && (s[p] == '+' || s[p] == '-'))
		p++;
	d.s = s;
	d.ds = p;
	d.dp = 0;
	d.have_dp = 0;
	if (p < n && s[p] == '.') {
		d.have_dp = 1;
		d.dp = p++;
	}
	if (p >= n || !is_digit((unsigned char)s[p]))
		return fail(why, syntax);
	while (p < n) {
		if (is_digit((unsigned char)s[p])) {
			p++;
		} else if (s[p] == '.') {
			if (d.have_dp)
				return fail(why, syntax);
			d.have_dp = 1;
			d.dp = p++;
		} else {
			break;
		}
	}
	if (d.have_dp) {
		d.nint = (long long)(d.dp - d.ds);
		nfrac = (long long)(p - d.dp - 1);
	} else {
		d.nint = (long long)(p - d.ds);
		nfrac = 0;
	}
	nd = d.nint + nfrac;

	if (p < n && (s[p] == 'e' || s[p] == 'E')) {
		/* strtol(): leading space and a sign allowed */
		unsigned long long mag = 0;
		int neg = 0, big = 0;

		p++;
		while (p < n && is_space((unsigned char)s[p]))
			p++;
		if (p < n && (s[p] == '+' || s[p] == '-'))
			neg = s[p++] == '-';
		if (p >= n || !is_digit((unsigned char)s[p]))
			return fail(why, syntax);
		for (; p < n && is_digit((unsigned char)s[p]); p++) {
			if (mag >= NUMERIC_EXP_LIMIT)
				big = 1;
			else
				mag = mag * 10 + (unsigned)(s[p] - '0');
		}
		if (big || mag >= NUMERIC_EXP_LIMIT)
			return fail(why, overflows);
		ex = neg ? -(long long)mag : (long long)mag;
	}
	for (; p < n; p++)
		if (!is_space((unsigned char)s[p]))
			return fail(why, syntax);

	for (k = 0; k < nd; k++) {
		if (num_digit(&d, k) != '0') {
			f = k;
			break;
		}
	}
	if (prec < 0) {
		long long dscale = nfrac - ex;

		if (dscale > NUMERIC_DSCALE_MAX)
			return fail(why, overflows);
		if (f >= 0 && d.nint - 1 - f + ex > NUMERIC_MAX_DWEIGHT)
			return fail(why, overflows);
		return 0;
	} else {
		/* digit k stands for 10^(nint - 1 - k + ex); keep k <= last */
		long long last = d.nint - 1 + ex + scale;
		long long r = last + 1, msd;
		int roundup = r >= 0 && r < nd && num_digit(&d, r) >= '5';

		if (f < 0 || f > last) {
			if (!roundup)
				return 0; /* rounds to zero */
			msd = -(long long)scale;
		} else {
			msd = d.nint - 1 - f + ex;
			if (roundup) {
				for (k = f; k <= last; k++)
					if (num_digit(&d, k) != '9')
						break;
				if (k > last)
					msd++; /* 9.99 -> 10.00 */
			}
		}
		if (msd + 1 > (long long)prec - scale)
			return fail(why, field);
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/*
 * varchar(n) and char(n) count characters; a longer value is still
 * accepted when everything past the n-th character is spaces (the server
 * cuts them off).
 */
static int check_length(const char *s, size_t n, int maxlen, int is_char,
			const char **why)
{
	size_t i = 0, j;
	int chars = 0;

	if (maxlen < 0)
		return 0;
	while (i < n && chars < maxlen) {
		unsigned char c = (unsigned char)s[i];

		i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		chars++;
	}
	for (j = i; j < n; j++)
		if (s[j] != ' ')
			return fail(why, is_char ?
				    "value too long for type character" :
				    "value too long for type character varying");
	return 0;
}

/* byteain: "\x" and hex pairs, or the escape format */
static int check_bytea(const char *s, size_t n, const char **why)
{
	size_t i;

	if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
		for (i = 2; i < n;) {
			char c = s[i];

			if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
				i++;
				continue;
			}
			if (!is_xdigit((unsigned char)c))
				return fail(why, "invalid hexadecimal digit for bytea");
			if (++i >= n)
				return fail(why, "invalid hexadecimal data for bytea: odd number of digits");
			if (!is_xdigit((unsigned char)s[i]))
				return fail(why, "invalid hexadecimal digit for bytea");
			i++;
		}
		return 0;
	}
	for (i = 0; i < n;) {
		if (s[i] != '\\')
			i++;
		else if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
			 s[i + 2] >= '0' && s[i + 2] <= '7' &&
			 s[i + 3] >= '0' && s[i + 3] <= '7')
			i += 4;
		else if (i + 1 < n && s[i + 1] == '\\')
			i += 2;
		else
			return fail(why, "invalid input syntax for type bytea");
	}
	return 0;
}

/* string_to_uuid: 32 hex digits, optional braces, '-' after 4-digit groups */
static int check_uuid(const char *s, size_t n, const char **why)
{
	static const char syntax[] = "invalid input syntax for type uuid";
	size_t i = 0;
	int k, braces = 0;

	if (i < n && s[i] == '{') {
		braces = 1;
		i++;
	}
	for (k = 0; k < 16; k++) {
		if (i + 1 >= n || !is_xdigit((unsigned char)s[i]) ||
		    !is_xdigit((unsigned char)s[i + 1]))
			return fail(why, syntax);
		i += 2;
		if (i < n && s[i] == '-' && k % 2 == 1 && k < 15)
			i++;
	}
	if (braces) {
		if (i >= n || s[i] != '}')
			return fail(why, syntax);
		i++;
	}
	if (i != n)
		return fail(why, syntax);
	return 0;
}

/* ------------------------------------------------------------------ */
/* JSON: the server's lexer and parser, iterative                      */
/* ------------------------------------------------------------------ */

/*
 * The server recurses per nesting level and stops at max_stack_depth
 * (about 13000 levels with the default 2MB); we stop earlier, at a fixed
 * depth, so the answer does not depend on server settings.
 */
#define JSON_MAX_DEPTH 6400

enum jtok {
	JT_END, JT_OBJ_START, JT_OBJ_END, JT_ARR_START, JT_ARR_END,
	JT_COMMA, JT_COLON, JT_STRING, JT_SCALAR, JT_ERROR
};

struct jlex {
	const char *p, *end;
	int jsonb;
	const char *why;
};

static int json_alnum(int c)
{
	return is_alnum(c) || c == '_' || c >= 0x80;
}

static int json_hex(int c)
{
	return is_digit(c) ? c - '0' : to_lower(c) - 'a' + 10;
}

static enum jtok json_err(struct jlex *lx, const char *why)
{
	lx->why = why;
	return JT_ERROR;
}

static enum jtok json_string(struct jlex *lx)
{
	const char *p = lx->p + 1, *end = lx->end;
	long hi = -1; /* pending high surrogate (jsonb) */

	for (;;) {
		unsigned char c;

		if (p >= end)
			return json_err(lx, "invalid json: unterminated string");
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return json_err(lx, "invalid json: control character in string");
		if (c != '\\') {
			if (lx->jsonb && hi >= 0)
				return json_err(lx, "invalid json: unpaired unicode surrogate");
			p++;
			continue;
		}
		if (++p >= end)
			return json_err(lx, "invalid json: unterminated string");
		if (*p == 'u') {
			long ch = 0;
			int k;

			for (k = 0; k < 4; k++) {
				if (++p >= end)
					return json_err(lx, "invalid json: unterminated string");
				if (!is_xdigit((unsigned char)*p))
					return json_err(lx, "invalid json: bad unicode escape");
				ch = ch * 16 + json_hex((unsigned char)*p);
			}
			p++;
			if (!lx->jsonb)
				continue;
			/* jsonb decodes escapes: surrogates must pair up */
			if (ch >= 0xD800 && ch <= 0xDBFF) {
				if (hi >= 0)
					return json_err(lx, "invalid json: unpaired unicode surrogate");
				hi = ch;
				continue;
			}
			if (ch >= 0xDC00 && ch <= 0xDFFF) {
				if (hi < 0)
					return json_err(lx, "invalid json: unpaired unicode surrogate");
				hi = -1;
				continue;
			}
			if (hi >= 0)
				return json_err(lx, "invalid json: unpaired unicode surrogate");
			if (ch == 0)
				return json_err(lx, "unsupported unicode escape \\u0000 in jsonb");
			continue;
		}
		if (lx->jsonb && hi >= 0)
			return json_err(lx, "invalid json: unpaired unicode surrogate");
		if (!strchr("\"\\/bfnrt", *p))
			return json_err(lx, "invalid json: bad escape");
		p++;
	}
	if (lx->jsonb && hi >= 0)
		return json_err(lx, "invalid json: unpaired unicode surrogate");
	lx->p = p + 1;
	return JT_STRING;
}

static enum jtok json_number(struct jlex *lx)
{
	const char *start = lx->p, *p = lx->p, *end = lx->end;
	int bad = 0;

	if (*p == '-')
		p++;
	if (p < end && *p == '0') {
		p++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && is_digit((unsigned char)*p))
			p++;
	} else {
		bad = 1;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit((unsigned char)*p))
			bad = 1;
		while (p < end && is_digit((unsigned char)*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit((unsigned char)*p))
			bad = 1;
		while (p < end && is_digit((unsigned char)*p))
			p++;
	}
	while (p < end && json_alnum((unsigned char)*p)) {
		p++;
		bad = 1;
	}
	if (bad)
		return json_err(lx, "invalid json: bad number");
	/* jsonb stores numbers as numeric */
	if (lx->jsonb) {
		const char *why;

		if (check_numeric(start, (size_t)(p - start), -1, 0, &why))
			return json_err(lx, why);
	}
	lx->p = p;
	return JT_SCALAR;
}

static enum jtok json_next(struct jlex *lx)
{
	const char *p;

	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
				   *lx->p == '\n' || *lx->p == '\r'))
		lx->p++;
	if (lx->p >= lx->end)
		return JT_END;
	switch (*lx->p) {
	case '{':
		lx->p++;
		return JT_OBJ_START;
	case '}':
		lx->p++;
		return JT_OBJ_END;
	case '[':
		lx->p++;
		return JT_ARR_START;
	case ']':
		lx->p++;
		return JT_ARR_END;
	case ',':
		lx->p++;
		return JT_COMMA;
	case ':':
		lx->p++;
		return JT_COLON;
	case '"':
		return json_string(lx);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return json_number(lx);
	default:
		break;
	}
	for (p = lx->p; p < lx->end && json_alnum((unsigned char)*p); p++)
		;
	if ((p - lx->p == 4 && !memcmp(lx->p, "true", 4)) ||
	    (p - lx->p == 4 && !memcmp(lx->p, "null", 4)) ||
	    (p - lx->p == 5 && !memcmp(lx->p, "false", 5))) {
		lx->p = p;
		return JT_SCALAR;
	}
	return json_err(lx, "invalid json: unexpected token");
}

static int check_json(const char *s, size_t n, int jsonb, const char **why)
{
	unsigned char stack[JSON_MAX_DEPTH / 8 + 1]; /* bit set: object */
	struct jlex lx;
	enum { WANT_VALUE, WANT_KEY, AFTER_VALUE } state = WANT_VALUE;
	enum jtok tok;
	int depth = 0;

	lx.p = s;
	lx.end = s + n;
	lx.jsonb = jsonb;
	lx.why = "invalid json";
	tok = json_next(&lx);
	for (;;) {
		int in_obj = depth > 0 &&
			(stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;

		if (tok == JT_ERROR)
			return fail(why, lx.why);
		switch (state) {
		case WANT_VALUE:
			if (tok == JT_OBJ_START || tok == JT_ARR_START) {
				int obj = tok == JT_OBJ_START;
				unsigned char bit = (unsigned char)(1u << (depth % 8));

				if (depth >= JSON_MAX_DEPTH)
					return fail(why, "invalid json: nested too deeply");
				if (obj)
					stack[depth / 8] |= bit;
				else
					stack[depth / 8] &= (unsigned char)~bit;
				depth++;
				tok = json_next(&lx);
				if (tok == (obj ? JT_OBJ_END : JT_ARR_END)) {
					/* {} or [] */
					depth--;
					tok = json_next(&lx);
					state = AFTER_VALUE;
				} else {
					state = obj ? WANT_KEY : WANT_VALUE;
				}
				continue;
			}
			if (tok != JT_STRING && tok != JT_SCALAR)
				return fail(why, tok == JT_END ?
					    "invalid json: unexpected end of input" :
					    "invalid json: unexpected token");
			tok = json_next(&lx);
			state = AFTER_VALUE;
			continue;
		case WANT_KEY:
			if (tok != JT_STRING)
				return fail(why, "invalid json: expected a string key");
			tok = json_next(&lx);
			if (tok == JT_ERROR)
				return fail(why, lx.why);
			if (tok != JT_COLON)
				return fail(why, "invalid json: expected ':'");
			tok = json_next(&lx);
			state = WANT_VALUE;
			continue;
		case AFTER_VALUE:
			if (depth == 0) {
				if (tok != JT_END)
					return fail(why, "invalid json: junk after value");
				return 0;
			}
			if (tok == JT_COMMA) {
				tok = json_next(&lx);
				state = in_obj ? WANT_KEY : WANT_VALUE;
				continue;
			}
			if ((in_obj && tok == JT_OBJ_END) ||
			    (!in_obj && tok == JT_ARR_END)) {
				depth--;
				tok = json_next(&lx);
				continue;
			}
			return fail(why, "invalid json: expected ',' or end of container");
		}
	}
}

/* ------------------------------------------------------------------ */
/* Date and time: ParseDateTime, DecodeDateTime, DecodeTimeOnly, ...   */
/* ------------------------------------------------------------------ */

/* token (field) types from ParseDateTime, and DTK_* values */
enum {
	DTK_NUMBER = 0, DTK_STRING = 1, DTK_DATE = 2, DTK_TIME = 3,
	DTK_TZ = 4, DTK_SPECIAL = 6, DTK_EARLY = 9, DTK_LATE = 10,
	DTK_EPOCH = 11, DTK_NOW = 12, DTK_YESTERDAY = 13, DTK_TODAY = 14,
	DTK_TOMORROW = 15, DTK_ZULU = 16, DTK_DELTA = 17, DTK_SECOND = 18,
	DTK_MINUTE = 19, DTK_HOUR = 20, DTK_DAY = 21, DTK_WEEK = 22,
	DTK_MONTH = 23, DTK_QUARTER = 24, DTK_YEAR = 25, DTK_DECADE = 26,
	DTK_CENTURY = 27, DTK_MILLENNIUM = 28, DTK_MILLISEC = 29,
	DTK_MICROSEC = 30, DTK_JULIAN = 31, DTK_DOW = 32, DTK_DOY = 33,
	DTK_TZ_HOUR = 34, DTK_TZ_MINUTE = 35, DTK_ISOYEAR = 36,
	DTK_ISODOW = 37
};

/* keyword types, also the bit numbers of the field masks */
enum {
	T_RESERV = 0, T_MONTH = 1, T_YEAR = 2, T_DAY = 3, T_JULIAN = 4,
	T_TZ = 5, T_DTZ = 6, T_DYNTZ = 7, T_IGNORE_DTF = 8, T_AMPM = 9,
	T_HOUR = 10, T_MINUTE = 11, T_SECOND = 12, T_MILLISECOND = 13,
	T_MICROSECOND = 14, T_DOY = 15, T_DOW = 16, T_UNITS = 17,
	T_ADBC = 18, T_AGO = 19, T_ISOTIME = 23, T_WEEK = 24,
	T_DECADE = 25, T_CENTURY = 26, T_MILLENNIUM = 27, T_DTZMOD = 28,
	T_UNKNOWN = 31
};

enum { AM = 0, PM = 1, HR24 = 2 };
enum { AD = 0, BC = 1 };

#define DTK_M(t) (1 << (t))
#define DTK_ALL_SECS_M (DTK_M(T_SECOND) | DTK_M(T_MILLISECOND) | \
			DTK_M(T_MICROSECOND))
#define DTK_DATE_M (DTK_M(T_YEAR) | DTK_M(T_MONTH) | DTK_M(T_DAY))
#define DTK_TIME_M (DTK_M(T_HOUR) | DTK_M(T_MINUTE) | DTK_ALL_SECS_M)

/* decoder results: 0, 1 (time but no date), or one of these */
#define DTERR_BAD_FORMAT (-1)
#define DTERR_FIELD_OVERFLOW (-2)
#define DTERR_MD_FIELD_OVERFLOW (-3)
#define DTERR_TZDISP_OVERFLOW (-5)
#define DTERR_UNSUPPORTED (-100) /* maybe valid; a form we do not decode */
#define DTERR_NOCLOCK (-101)     /* 'now' and friends without a clock */

#define MAXDATEFIELDS 25
#define TOKMAXLEN 10
#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define POSTGRES_EPOCH_JDATE 2451545

typedef int64_t fsec_t;

struct dtm {
	int year, mon, mday, hour, min, sec, yday;
};

struct datetkn {
	const char *token;
	int type;
	int value;
};

static const struct datetkn datetktbl[] = {
	{ "-infinity", T_RESERV, DTK_EARLY },
	{ "ad", T_ADBC, AD },
	{ "allballs", T_RESERV, DTK_ZULU },
	{ "am", T_AMPM, AM },
	{ "apr", T_MONTH, 4 },
	{ "april", T_MONTH, 4 },
	{ "at", T_IGNORE_DTF, 0 },
	{ "aug", T_MONTH, 8 },
	{ "august", T_MONTH, 8 },
	{ "bc", T_ADBC, BC },
	{ "d", T_UNITS, DTK_DAY },
	{ "dec", T_MONTH, 12 },
	{ "december", T_MONTH, 12 },
	{ "dow", T_UNITS, DTK_DOW },
	{ "doy", T_UNITS, DTK_DOY },
	{ "dst", T_DTZMOD, 3600 },
	{ "epoch", T_RESERV, DTK_EPOCH },
	{ "feb", T_MONTH, 2 },
	{ "february", T_MONTH, 2 },
	{ "fri", T_DOW, 5 },
	{ "friday", T_DOW, 5 },
	{ "h", T_UNITS, DTK_HOUR },
	{ "infinity", T_RESERV, DTK_LATE },
	{ "isodow", T_UNITS, DTK_ISODOW },
	{ "isoyear", T_UNITS, DTK_ISOYEAR },
	{ "j", T_UNITS, DTK_JULIAN },
	{ "jan", T_MONTH, 1 },
	{ "january", T_MONTH, 1 },
	{ "jd", T_UNITS, DTK_JULIAN },
	{ "jul", T_MONTH, 7 },
	{ "julian", T_UNITS, DTK_JULIAN },
	{ "july", T_MONTH, 7 },
	{ "jun", T_MONTH, 6 },
	{ "june", T_MONTH, 6 },
	{ "m", T_UNITS, DTK_MONTH },
	{ "mar", T_MONTH, 3 },
	{ "march", T_MONTH, 3 },
	{ "may", T_MONTH, 5 },
	{ "mm", T_UNITS, DTK_MINUTE },
	{ "mon", T_DOW, 1 },
	{ "monday", T_DOW, 1 },
	{ "nov", T_MONTH, 11 },
	{ "november", T_MONTH, 11 },
	{ "now", T_RESERV, DTK_NOW },
	{ "oct", T_MONTH, 10 },
	{ "october", T_MONTH, 10 },
	{ "on", T_IGNORE_DTF, 0 },
	{ "pm", T_AMPM, PM },
	{ "s", T_UNITS, DTK_SECOND },
	{ "sat", T_DOW, 6 },
	{ "saturday", T_DOW, 6 },
	{ "sep", T_MONTH, 9 },
	{ "sept", T_MONTH, 9 },
	{ "september", T_MONTH, 9 },
	{ "sun", T_DOW, 0 },
	{ "sunday", T_DOW, 0 },
	{ "t", T_ISOTIME, DTK_TIME },
	{ "thu", T_DOW, 4 },
	{ "thur", T_DOW, 4 },
	{ "thurs", T_DOW, 4 },
	{ "thursday", T_DOW, 4 },
	{ "today", T_RESERV, DTK_TODAY },
	{ "tomorrow", T_RESERV, DTK_TOMORROW },
	{ "tue", T_DOW, 2 },
	{ "tues", T_DOW, 2 },
	{ "tuesday", T_DOW, 2 },
	{ "wed", T_DOW, 3 },
	{ "wednesday", T_DOW, 3 },
	{ "weds", T_DOW, 3 },
	{ "y", T_UNITS, DTK_YEAR },
	{ "yesterday", T_RESERV, DTK_YESTERDAY },
};

static const struct datetkn deltatktbl[] = {
	{ "@", T_IGNORE_DTF, 0 },
	{ "ago", T_AGO, 0 },
	{ "c", T_UNITS, DTK_CENTURY },
	{ "cent", T_UNITS, DTK_CENTURY },
	{ "centuries", T_UNITS, DTK_CENTURY },
	{ "century", T_UNITS, DTK_CENTURY },
	{ "d", T_UNITS, DTK_DAY },
	{ "day", T_UNITS, DTK_DAY },
	{ "days", T_UNITS, DTK_DAY },
	{ "dec", T_UNITS, DTK_DECADE },
	{ "decade", T_UNITS, DTK_DECADE },
	{ "decades", T_UNITS, DTK_DECADE },
	{ "decs", T_UNITS, DTK_DECADE },
	{ "h", T_UNITS, DTK_HOUR },
	{ "hour", T_UNITS, DTK_HOUR },
	{ "hours", T_UNITS, DTK_HOUR },
	{ "hr", T_UNITS, DTK_HOUR },
	{ "hrs", T_UNITS, DTK_HOUR },
	{ "m", T_UNITS, DTK_MINUTE },
	{ "microsecon", T_UNITS, DTK_MICROSEC },
	{ "mil", T_UNITS, DTK_MILLENNIUM },
	{ "millennia", T_UNITS, DTK_MILLENNIUM },
	{ "millennium", T_UNITS, DTK_MILLENNIUM },
	{ "millisecon", T_UNITS, DTK_MILLISEC },
	{ "mils", T_UNITS, DTK_MILLENNIUM },
	{ "min", T_UNITS, DTK_MINUTE },
	{ "mins", T_UNITS, DTK_MINUTE },
	{ "minute", T_UNITS, DTK_MINUTE },
	{ "minutes", T_UNITS, DTK_MINUTE },
	{ "mon", T_UNITS, DTK_MONTH },
	{ "mons", T_UNITS, DTK_MONTH },
	{ "month", T_UNITS, DTK_MONTH },
	{ "months", T_UNITS, DTK_MONTH },
	{ "ms", T_UNITS, DTK_MILLISEC },
	{ "msec", T_UNITS, DTK_MILLISEC },
	{ "msecond", T_UNITS, DTK_MILLISEC },
	{ "mseconds", T_UNITS, DTK_MILLISEC },
	{ "msecs", T_UNITS, DTK_MILLISEC },
	{ "qtr", T_UNITS, DTK_QUARTER },
	{ "quarter", T_UNITS, DTK_QUARTER },
	{ "s", T_UNITS, DTK_SECOND },
	{ "sec", T_UNITS, DTK_SECOND },
	{ "second", T_UNITS, DTK_SECOND },
	{ "seconds", T_UNITS, DTK_SECOND },
	{ "secs", T_UNITS, DTK_SECOND },
	{ "timezone", T_UNITS, DTK_TZ },
	{ "timezone_h", T_UNITS, DTK_TZ_HOUR },
	{ "timezone_m", T_UNITS, DTK_TZ_MINUTE },
	{ "us", T_UNITS, DTK_MICROSEC },
	{ "usec", T_UNITS, DTK_MICROSEC },
	{ "usecond", T_UNITS, DTK_MICROSEC },
	{ "useconds", T_UNITS, DTK_MICROSEC },
	{ "usecs", T_UNITS, DTK_MICROSEC },
	{ "w", T_UNITS, DTK_WEEK },
	{ "week", T_UNITS, DTK_WEEK },
	{ "weeks", T_UNITS, DTK_WEEK },
	{ "y", T_UNITS, DTK_YEAR },
	{ "year", T_UNITS, DTK_YEAR },
	{ "years", T_UNITS, DTK_YEAR },
	{ "yr", T_UNITS, DTK_YEAR },
	{ "yrs", T_UNITS, DTK_YEAR },
};

/* the "Default" timezone_abbreviations set: TZ/DTZ offset east in s */
static const struct datetkn zoneabbrevtbl[] = {
	{ "acdt", T_DTZ, 37800 },
	{ "acsst", T_DTZ, 37800 },
	{ "acst", T_TZ, 34200 },
	{ "act", T_TZ, -18000 },
	{ "acwst", T_TZ, 31500 },
	{ "adt", T_DTZ, -10800 },
	{ "aedt", T_DTZ, 39600 },
	{ "aesst", T_DTZ, 39600 },
	{ "aest", T_TZ, 36000 },
	{ "aft", T_TZ, 16200 },
	{ "akdt", T_DTZ, -28800 },
	{ "akst", T_TZ, -32400 },
	{ "almst", T_DTZ, 25200 },
	{ "almt", T_TZ, 21600 },
	{ "amst", T_DYNTZ, 0 },
	{ "amt", T_TZ, -14400 },
	{ "anast", T_DYNTZ, 0 },
	{ "anat", T_DYNTZ, 0 },
	{ "arst", T_DYNTZ, 0 },
	{ "art", T_DYNTZ, 0 },
	{ "ast", T_TZ, -14400 },
	{ "awsst", T_DTZ, 32400 },
	{ "awst", T_TZ, 28800 },
	{ "azost", T_DTZ, 0 },
	{ "azot", T_TZ, -3600 },
	{ "azst", T_DYNTZ, 0 },
	{ "azt", T_DYNTZ, 0 },
	{ "bdst", T_DTZ, 7200 },
	{ "bdt", T_TZ, 21600 },
	{ "bnt", T_TZ, 28800 },
	{ "bort", T_TZ, 28800 },
	{ "bot", T_TZ, -14400 },
	{ "bra", T_TZ, -10800 },
	{ "brst", T_DTZ, -7200 },
	{ "brt", T_TZ, -10800 },
	{ "bst", T_DTZ, 3600 },
	{ "btt", T_TZ, 21600 },
	{ "cadt", T_DTZ, 37800 },
	{ "cast", T_TZ, 34200 },
	{ "cct", T_TZ, 28800 },
	{ "cdt", T_DTZ, -18000 },
	{ "cest", T_DTZ, 7200 },
	{ "cet", T_TZ, 3600 },
	{ "cetdst", T_DTZ, 7200 },
	{ "chadt", T_DTZ, 49500 },
	{ "chast", T_TZ, 45900 },
	{ "chut", T_TZ, 36000 },
	{ "ckt", T_DYNTZ, 0 },
	{ "clst", T_DTZ, -10800 },
	{ "clt", T_DYNTZ, 0 },
	{ "cot", T_TZ, -18000 },
	{ "cst", T_TZ, -21600 },
	{ "cxt", T_TZ, 25200 },
	{ "davt", T_DYNTZ, 0 },
	{ "ddut", T_TZ, 36000 },
	{ "easst", T_DYNTZ, 0 },
	{ "east", T_DYNTZ, 0 },
	{ "eat", T_TZ, 10800 },
	{ "edt", T_DTZ, -14400 },
	{ "eest", T_DTZ, 10800 },
	{ "eet", T_TZ, 7200 },
	{ "eetdst", T_DTZ, 10800 },
	{ "egst", T_DTZ, 0 },
	{ "egt", T_TZ, -3600 },
	{ "est", T_TZ, -18000 },
	{ "fet", T_TZ, 10800 },
	{ "fjst", T_DTZ, 46800 },
	{ "fjt", T_TZ, 43200 },
	{ "fkst", T_DYNTZ, 0 },
	{ "fkt", T_DYNTZ, 0 },
	{ "fnst", T_DTZ, -3600 },
	{ "fnt", T_TZ, -7200 },
	{ "galt", T_TZ, -21600 },
	{ "gamt", T_TZ, -32400 },
	{ "gest", T_DYNTZ, 0 },
	{ "get", T_DYNTZ, 0 },
	{ "gft", T_TZ, -10800 },
	{ "gilt", T_TZ, 43200 },
	{ "gmt", T_TZ, 0 },
	{ "gyt", T_DYNTZ, 0 },
	{ "hkt", T_TZ, 28800 },
	{ "hst", T_TZ, -36000 },
	{ "ict", T_TZ, 25200 },
	{ "idt", T_DTZ, 10800 },
	{ "iot", T_DYNTZ, 0 },
	{ "irkst", T_DYNTZ, 0 },
	{ "irkt", T_DYNTZ, 0 },
	{ "irt", T_TZ, 12600 },
	{ "ist", T_TZ, 7200 },
	{ "jayt", T_TZ, 32400 },
	{ "jst", T_TZ, 32400 },
	{ "kdt", T_DTZ, 36000 },
	{ "kgst", T_DTZ, 21600 },
	{ "kgt", T_DYNTZ, 0 },
	{ "kost", T_DYNTZ, 0 },
	{ "krast", T_DYNTZ, 0 },
	{ "krat", T_DYNTZ, 0 },
	{ "kst", T_TZ, 32400 },
	{ "lhdt", T_DYNTZ, 0 },
	{ "lhst", T_TZ, 37800 },
	{ "ligt", T_TZ, 36000 },
	{ "lint", T_DYNTZ, 0 },
	{ "lkt", T_DYNTZ, 0 },
	{ "magst", T_DYNTZ, 0 },
	{ "magt", T_DYNTZ, 0 },
	{ "mart", T_TZ, -34200 },
	{ "mawt", T_DYNTZ, 0 },
	{ "mdt", T_DTZ, -21600 },
	{ "mest", T_DTZ, 7200 },
	{ "mesz", T_DTZ, 7200 },
	{ "met", T_TZ, 3600 },
	{ "metdst", T_DTZ, 7200 },
	{ "mez", T_TZ, 3600 },
	{ "mht", T_TZ, 43200 },
	{ "mmt", T_TZ, 23400 },
	{ "mpt", T_TZ, 36000 },
	{ "msd", T_DTZ, 14400 },
	{ "msk", T_DYNTZ, 0 },
	{ "mst", T_TZ, -25200 },
	{ "must", T_DTZ, 18000 },
	{ "mut", T_TZ, 14400 },
	{ "mvt", T_TZ, 18000 },
	{ "myt", T_TZ, 28800 },
	{ "ndt", T_DTZ, -9000 },
	{ "nft", T_TZ, -12600 },
	{ "novst", T_DYNTZ, 0 },
	{ "novt", T_DYNTZ, 0 },
	{ "npt", T_TZ, 20700 },
	{ "nst", T_TZ, -12600 },
	{ "nut", T_DYNTZ, 0 },
	{ "nzdt", T_DTZ, 46800 },
	{ "nzst", T_TZ, 43200 },
	{ "nzt", T_TZ, 43200 },
	{ "omsst", T_DYNTZ, 0 },
	{ "omst", T_DYNTZ, 0 },
	{ "pdt", T_DTZ, -25200 },
	{ "pet", T_TZ, -18000 },
	{ "petst", T_DYNTZ, 0 },
	{ "pett", T_DYNTZ, 0 },
	{ "pgt", T_TZ, 36000 },
	{ "pht", T_TZ, 28800 },
	{ "pkst", T_DTZ, 21600 },
	{ "pkt", T_TZ, 18000 },
	{ "pmdt", T_DTZ, -7200 },
	{ "pmst", T_TZ, -10800 },
	{ "pont", T_TZ, 39600 },
	{ "pst", T_TZ, -28800 },
	{ "pwt", T_TZ, 32400 },
	{ "pyst", T_DTZ, -10800 },
	{ "pyt", T_DYNTZ, 0 },
	{ "ret", T_TZ, 14400 },
	{ "sadt", T_DTZ, 37800 },
	{ "sast", T_TZ, 7200 },
	{ "sct", T_TZ, 14400 },
	{ "sgt", T_DYNTZ, 0 },
	{ "taht", T_TZ, -36000 },
	{ "tft", T_TZ, 18000 },
	{ "tjt", T_TZ, 18000 },
	{ "tkt", T_DYNTZ, 0 },
	{ "tmt", T_DYNTZ, 0 },
	{ "tot", T_TZ, 46800 },
	{ "trut", T_TZ, 36000 },
	{ "tvt", T_TZ, 43200 },
	{ "uct", T_TZ, 0 },
	{ "ulast", T_DTZ, 32400 },
	{ "ulat", T_DYNTZ, 0 },
	{ "ut", T_TZ, 0 },
	{ "utc", T_TZ, 0 },
	{ "uyst", T_DTZ, -7200 },
	{ "uyt", T_TZ, -10800 },
	{ "uzst", T_DTZ, 21600 },
	{ "uzt", T_TZ, 18000 },
	{ "vet", T_DYNTZ, 0 },
	{ "vlast", T_DYNTZ, 0 },
	{ "vlat", T_DYNTZ, 0 },
	{ "volt", T_DYNTZ, 0 },
	{ "vut", T_TZ, 39600 },
	{ "wadt", T_DTZ, 28800 },
	{ "wakt", T_TZ, 43200 },
	{ "wast", T_TZ, 25200 },
	{ "wat", T_TZ, 3600 },
	{ "wdt", T_DTZ, 32400 },
	{ "wet", T_TZ, 0 },
	{ "wetdst", T_DTZ, 3600 },
	{ "wft", T_TZ, 43200 },
	{ "wgst", T_DTZ, -7200 },
	{ "wgt", T_TZ, -10800 },
	{ "xjt", T_TZ, 21600 },
	{ "yakst", T_DYNTZ, 0 },
	{ "yakt", T_DYNTZ, 0 },
	{ "yapt", T_TZ, 36000 },
	{ "yekst", T_DTZ, 21600 },
	{ "yekt", T_DYNTZ, 0 },
	{ "z", T_TZ, 0 },
	{ "zulu", T_TZ, 0 },
};

static const struct datetkn *datebsearch(const char *key,
					 const struct datetkn *base, size_t nel)
{
	size_t lo = 0, hi = nel;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strncmp(key, base[mid].token, TOKMAXLEN);

		if (r == 0)
			return &base[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int decode_special(const char *field, int *val)
{
	const struct datetkn *tp =
		datebsearch(field, datetktbl, ARRAY_SIZE(datetktbl));

	if (!tp)
		return T_UNKNOWN;
	*val = tp->value;
	return tp->type;
}

static int decode_zone_abbrev(const char *field, int *val)
{
	const struct datetkn *tp =
		datebsearch(field, zoneabbrevtbl, ARRAY_SIZE(zoneabbrevtbl));

	if (!tp)
		return T_UNKNOWN;
	*val = tp->value;
	return tp->type;
}

static int decode_units(const char *field, int *val)
{
	const struct datetkn *tp =
		datebsearch(field, deltatktbl, ARRAY_SIZE(deltatktbl));

	if (!tp)
		return T_UNKNOWN;
	*val = tp->value;
	return tp->type;
}

/* the server's strtoint(): strtol narrowed to int, ERANGE if it does not fit */
static int strtoint(const char *s, char **end)
{
	long v = strtol(s, end, 10);

	if (v < INT_MIN || v > INT_MAX) {
		errno = ERANGE;
		return v < 0 ? INT_MIN : INT_MAX;
	}
	return (int)v;
}

/* atoi() on digits glibc-style: (int)strtol */
static int atoi_wrap(const char *s)
{
	long v = strtol(s, NULL, 10);

	return (int)(unsigned int)(unsigned long)v;
}

static int64_t date2j(int64_t y, int64_t m, int64_t d)
{
	int64_t julian, century;

	if (m > 2) {
		m += 1;
		y += 4800;
	} else {
		m += 13;
		y += 4799;
	}
	century = y / 100;
	julian = y * 365 - 32167;
	julian += y / 4 - century + century / 4;
	julian += 7834 * m / 256 + d;
	return julian;
}

/*
 * date2j in int arithmetic that wraps, as the server computes it (built
 * with -fwrapv): ValidateDate's day of year after a huge year
 * ('28800835/100') lands on whatever date the wrapped number names.
 */
static int date2j_wrap(int y, int m, int d)
{
	uint32_t year = (uint32_t)y, julian;
	int yy, century;

	if (m > 2) {
		m += 1;
		year += 4800;
	} else {
		m += 13;
		year += 4799;
	}
	yy = (int)year;
	century = yy / 100;
	julian = year * 365u - 32167u;
	julian += (uint32_t)(yy / 4 - century + century / 4);
	julian += (uint32_t)(7834 * m / 256 + d);
	return (int)julian;
}

static void j2date(int jd, int *year, int *month, int *day)
{
	unsigned int julian, quad, extra;
	int y;

	julian = (unsigned int)jd;
	julian += 32044;
	quad = julian / 146097;
	extra = (julian - quad * 146097) * 4 + 3;
	julian += 60 + quad * 3 + extra / 146097;
	quad = julian / 1461;
	julian -= quad * 1461;
	y = (int)(julian * 4 / 1461);
	julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) +
		 123;
	y += (int)(quad * 4);
	*year = y - 4800;
	quad = julian * 2141 / 65536;
	*day = (int)(julian - 7834 * quad / 256);
	*month = (int)((quad + 10) % 12 + 1);
}

static int is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static const int day_tab[2][13] = {
	{ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0 },
	{ 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0 }
};

/* IS_VALID_JULIAN: from 4714-11-24 BC to before 5874898-06-03 */
static int valid_julian(int y, int m)
{
	return (y > -4713 || (y == -4713 && m >= 11)) &&
	       (y < 5874898 || (y == 5874898 && m < 6));
}

/*
 * ParseDateTime: splits s into fields in workbuf (buflen bytes, as the
 * server's buffer for the type, so over-long input fails the same way).
 */
static int parse_datetime(const char *s, size_t n, char *workbuf,
			  size_t buflen, char **field, int *ftype, int *numfields)
{
	const char *cp = s, *end = s + n;
	char *bufp = workbuf;
	const char *bufend = workbuf + buflen;
	int nf = 0;

#define AT(p) ((p) < end ? (unsigned char)*(p) : 0)
#define APPEND_CHAR(c)                                 \
	do {                                           \
		if (bufp + 1 >= bufend)                \
			return DTERR_BAD_FORMAT;       \
		*bufp++ = (char)(c);                   \
	} while (0)
#define APPEND_LOWER()                                 \
	do {                                           \
		APPEND_CHAR(to_lower(AT(cp)));         \
		cp++;                                  \
	} while (0)

	while (cp < end) {
		if (is_space(AT(cp))) {
			cp++;
			continue;
		}
		if (nf >= MAXDATEFIELDS)
			return DTERR_BAD_FORMAT;
		field[nf] = bufp;
		if (is_digit(AT(cp))) {
			APPEND_CHAR(*cp++);
			while (is_digit(AT(cp)))
				APPEND_CHAR(*cp++);
			if (AT(cp) == ':') {
				ftype[nf] = DTK_TIME;
				APPEND_CHAR(*cp++);
				while (is_digit(AT(cp)) || AT(cp) == ':' ||
				       AT(cp) == '.')
					APPEND_CHAR(*cp++);
			} else if (AT(cp) == '-' || AT(cp) == '/' ||
				   AT(cp) == '.') {
				int delim = AT(cp);

				APPEND_CHAR(*cp++);
				if (is_digit(AT(cp))) {
					ftype[nf] = delim == '.' ? DTK_NUMBER :
								   DTK_DATE;
					while (is_digit(AT(cp)))
						APPEND_CHAR(*cp++);
					if (AT(cp) == delim) {
						ftype[nf] = DTK_DATE;
						APPEND_CHAR(*cp++);
						while (is_digit(AT(cp)) ||
						       AT(cp) == delim)
							APPEND_CHAR(*cp++);
					}
				} else {
					ftype[nf] = DTK_DATE;
					while (is_alnum(AT(cp)) || AT(cp) == delim)
						APPEND_LOWER();
				}
			} else {
				ftype[nf] = DTK_NUMBER;
			}
		} else if (AT(cp) == '.') {
			APPEND_CHAR(*cp++);
			while (is_digit(AT(cp)))
				APPEND_CHAR(*cp++);
			ftype[nf] = DTK_NUMBER;
		} else if (is_alpha(AT(cp))) {
			int is_date = 0;

			ftype[nf] = DTK_STRING;
			APPEND_LOWER();
			while (is_alpha(AT(cp)))
				APPEND_LOWER();
			if (AT(cp) == '-' || AT(cp) == '/' || AT(cp) == '.') {
				is_date = 1;
			} else if (AT(cp) == '+' || is_digit(AT(cp))) {
				*bufp = '\0';
				if (!datebsearch(field[nf], datetktbl,
						 ARRAY_SIZE(datetktbl)))
					is_date = 1;
			}
			if (is_date) {
				ftype[nf] = DTK_DATE;
				do {
					APPEND_LOWER();
				} while (AT(cp) == '+' || AT(cp) == '-' ||
					 AT(cp) == '/' || AT(cp) == '_' ||
					 AT(cp) == '.' || AT(cp) == ':' ||
					 is_alnum(AT(cp)));
			}
		} else if (AT(cp) == '+' || AT(cp) == '-') {
			APPEND_CHAR(*cp++);
			while (is_space(AT(cp)))
				cp++;
			if (is_digit(AT(cp))) {
				ftype[nf] = DTK_TZ;
				APPEND_CHAR(*cp++);
				while (is_digit(AT(cp)) || AT(cp) == ':' ||
				       AT(cp) == '.' || AT(cp) == '-')
					APPEND_CHAR(*cp++);
			} else if (is_alpha(AT(cp))) {
				ftype[nf] = DTK_SPECIAL;
				APPEND_LOWER();
				while (is_alpha(AT(cp)))
					APPEND_LOWER();
			} else {
				return DTERR_BAD_FORMAT;
			}
		} else if (is_punct(AT(cp))) {
			cp++; /* other punctuation only separates fields */
			continue;
		} else {
			return DTERR_BAD_FORMAT;
		}
		*bufp++ = '\0';
		nf++;
	}
#undef APPEND_LOWER
#undef APPEND_CHAR
#undef AT
	*numfields = nf;
	return 0;
}

/* ParseFractionalSecond: ".digits" to microseconds, "." alone is 0 */
static int parse_frac_second(const char *cp, fsec_t *fsec)
{
	char *end;
	double frac;

	if (cp[1] == '\0') {
		*fsec = 0;
		return 0;
	}
	errno = 0;
	frac = strtod(cp, &end);
	if (*end != '\0' || errno != 0)
		return DTERR_BAD_FORMAT;
	*fsec = (fsec_t)rint_even(frac * 1000000);
	return 0;
}

/* DecodeTimeCommon: hh:mm[:ss[.fff]] or mm:ss.fff */
static int decode_time_common(const char *str, int64_t *hour, int *min,
			      int *sec, fsec_t *fsec)
{
	char *cp;
	long long h;
	int m, sc = 0;
	fsec_t fs = 0;
	int dterr;

	errno = 0;
	h = strtoll(str, &cp, 10);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	if (*cp != ':')
		return DTERR_BAD_FORMAT;
	errno = 0;
	m = strtoint(cp + 1, &cp);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	if (*cp == '\0') {
		sc = 0;
	} else if (*cp == '.') {
		/* always mm:ss.sss */
		dterr = parse_frac_second(cp, &fs);
		if (dterr)
			return dterr;
		if (h > INT_MAX || h < INT_MIN)
			return DTERR_FIELD_OVERFLOW;
		sc = m;
		m = (int)h;
		h = 0;
	} else if (*cp == ':') {
		errno = 0;
		sc = strtoint(cp + 1, &cp);
		if (errno == ERANGE)
			return DTERR_FIELD_OVERFLOW;
		if (*cp == '.') {
			dterr = parse_frac_second(cp, &fs);
			if (dterr)
				return dterr;
		} else if (*cp != '\0') {
			return DTERR_BAD_FORMAT;
		}
	} else {
		return DTERR_BAD_FORMAT;
	}
	if (h < 0 || m < 0 || m > 59 || sc < 0 || sc > 60 || fs < 0 ||
	    fs > USECS_PER_SEC)
		return DTERR_FIELD_OVERFLOW;
	*hour = h;
	*min = m;
	*sec = sc;
	*fsec = fs;
	return 0;
}

static int decode_time(const char *str, int *tmask, struct dtm *tm,
		       fsec_t *fsec)
{
	int64_t h;
	int dterr;

	*tmask = DTK_TIME_M;
	dterr = decode_time_common(str, &h, &tm->min, &tm->sec, fsec);
	if (dterr)
		return dterr;
	if (h > INT_MAX)
		return DTERR_FIELD_OVERFLOW;
	tm->hour = (int)h;
	return 0;
}

static int time_overflows(int hour, int min, int sec, fsec_t fsec)
{
	if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 ||
	    sec > 60 || fsec < 0 || fsec > USECS_PER_SEC)
		return 1;
	return (((int64_t)hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec >
	       USECS_PER_DAY;
}

/* DecodeTimezone: +h, +hh, +hhmm, +hh:mm, +hh:mm:ss; *tzp = -offset */
static int decode_timezone(const char *str, int *tzp)
{
	char *cp;
	int hr, min, sec = 0, tz;

	if (*str != '+' && *str != '-')
		return DTERR_BAD_FORMAT;
	errno = 0;
	hr = strtoint(str + 1, &cp);
	if (errno == ERANGE)
		return DTERR_TZDISP_OVERFLOW;
	if (*cp == ':') {
		errno = 0;
		min = strtoint(cp + 1, &cp);
		if (errno == ERANGE)
			return DTERR_TZDISP_OVERFLOW;
		if (*cp == ':') {
			errno = 0;
			sec = strtoint(cp + 1, &cp);
			if (errno == ERANGE)
				return DTERR_TZDISP_OVERFLOW;
		}
	} else if (*cp == '\0' && strlen(str) > 3) {
		min = hr % 100;
		hr = hr / 100;
	} else {
		min = 0;
	}
	if (hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60)
		return DTERR_TZDISP_OVERFLOW;
	tz = (hr * 60 + min) * 60 + sec;
	if (*str == '-')
		tz = -tz;
	*tzp = -tz;
	if (*cp != '\0')
		return DTERR_BAD_FORMAT;
	return 0;
}

/* DecodeNumberField: yyyymmdd, yymmdd, hhmmss, hhmm, with .fff */
static int decode_number_field(size_t len, char *str, int fmask, int *tmask,
			       struct dtm *tm, fsec_t *fsec, int *is2digits)
{
	char *cp = strchr(str, '.');

	if (cp) {
		if (cp[1] == '\0') {
			*fsec = 0;
		} else {
			double frac;

			errno = 0;
			frac = strtod(cp, NULL);
			if (errno != 0)
				return DTERR_BAD_FORMAT;
			*fsec = (fsec_t)rint_even(frac * 1000000);
		}
		*cp = '\0';
		len = strlen(str);
	} else if ((fmask & DTK_DATE_M) != DTK_DATE_M) {
		if (len >= 6) {
			*tmask = DTK_DATE_M;
			tm->mday = atoi_wrap(str + (len - 2));
			str[len - 2] = '\0';
			tm->mon = atoi_wrap(str + (len - 4));
			str[len - 4] = '\0';
			tm->year = atoi_wrap(str);
			if (len - 4 == 2)
				*is2digits = 1;
			return DTK_DATE;
		}
	}
	if ((fmask & DTK_TIME_M) != DTK_TIME_M) {
		if (len == 6) {
			*tmask = DTK_TIME_M;
			tm->sec = atoi_wrap(str + 4);
			str[4] = '\0';
			tm->min = atoi_wrap(str + 2);
			str[2] = '\0';
			tm->hour = atoi_wrap(str);
			return DTK_TIME;
		} else if (len == 4) {
			*tmask = DTK_TIME_M;
			tm->sec = 0;
			tm->min = atoi_wrap(str + 2);
			str[2] = '\0';
			tm->hour = atoi_wrap(str);
			return DTK_TIME;
		}
	}
	return DTERR_BAD_FORMAT;
}

/*
 * DecodeNumber: one numeric date field.  Where PostgreSQL consults
 * DateStyle's field order (a first field of one or two digits, or one
 * after a month name), order decides; PGDT_ORDER_NONE refuses to choose.
 */
static int decode_number(size_t flen, char *str, int have_text_month,
			 int order, int fmask, int *tmask, struct dtm *tm,
			 fsec_t *fsec, int *is2digits)
{
	char *cp;
	int val, dterr;

	*tmask = 0;
	errno = 0;
	val = strtoint(str, &cp);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	if (cp == str)
		return DTERR_BAD_FORMAT;
	if (*cp == '.') {
		if (cp - str > 2) {
			dterr = decode_number_field(flen, str, fmask | DTK_DATE_M,
						    tmask, tm, fsec, is2digits);
			return dterr < 0 ? dterr : 0;
		}
		dterr = parse_frac_second(cp, fsec);
		if (dterr)
			return dterr;
	} else if (*cp != '\0') {
		return DTERR_BAD_FORMAT;
	}
	/* day of year */
	if (flen == 3 && (fmask & DTK_DATE_M) == DTK_M(T_YEAR) && val >= 1 &&
	    val <= 366) {
		*tmask = DTK_M(T_DOY) | DTK_M(T_MONTH) | DTK_M(T_DAY);
		tm->yday = val;
		return 0;
	}
	switch (fmask & DTK_DATE_M) {
	case 0:
		/* a year of three or more digits, else the DateStyle order */
		if (flen < 3 && order == PGDT_ORDER_NONE)
			return DTERR_UNSUPPORTED;
		if (flen >= 3 || order == PGDT_YMD) {
			*tmask = DTK_M(T_YEAR);
			tm->year = val;
		} else if (order == PGDT_DMY) {
			*tmask = DTK_M(T_DAY);
			tm->mday = val;
		} else {
			*tmask = DTK_M(T_MONTH);
			tm->mon = val;
		}
		break;
	case DTK_M(T_YEAR):
		*tmask = DTK_M(T_MONTH);
		tm->mon = val;
		break;
	case DTK_M(T_MONTH):
		/*
		 * After a month name: MON-DD-YYYY, DD-MON-YYYY and YYYY-MON-DD
		 * read the same in every order; a first number of one or two
		 * digits is a year only in YMD.
		 */
		if (have_text_month && flen < 3 && order == PGDT_ORDER_NONE)
			return DTERR_UNSUPPORTED;
		if (have_text_month && (flen >= 3 || order == PGDT_YMD)) {
			*tmask = DTK_M(T_YEAR);
			tm->year = val;
		} else {
			*tmask = DTK_M(T_DAY);
			tm->mday = val;
		}
		break;
	case DTK_M(T_YEAR) | DTK_M(T_MONTH):
		if (have_text_month && flen >= 3 && *is2digits) {
			/* DD-MON-YYYY in YMD: the "year" before was the day */
			*tmask = DTK_M(T_DAY);
			tm->mday = tm->year;
			tm->year = val;
			*is2digits = 0;
		} else {
			*tmask = DTK_M(T_DAY);
			tm->mday = val;
		}
		break;
	case DTK_M(T_DAY):
		*tmask = DTK_M(T_MONTH);
		tm->mon = val;
		break;
	case DTK_M(T_MONTH) | DTK_M(T_DAY):
		*tmask = DTK_M(T_YEAR);
		tm->year = val;
		break;
	case DTK_DATE_M:
		dterr = decode_number_field(flen, str, fmask, tmask, tm, fsec,
					    is2digits);
		return dterr < 0 ? dterr : 0;
	default:
		return DTERR_BAD_FORMAT;
	}
	if (*tmask == DTK_M(T_YEAR))
		*is2digits = flen <= 2;
	return 0;
}

/* DecodeDate: one field of numbers and a month name with separators */
static int decode_date(char *str, int order, int fmask, int *tmask,
		       int *is2digits, struct dtm *tm)
{
	char *field[MAXDATEFIELDS];
	fsec_t fsec = 0;
	int nf = 0, i, dterr, dmask, val, have_text_month = 0;

	*tmask = 0;
	while (*str != '\0' && nf < MAXDATEFIELDS) {
		while (*str != '\0' && !is_alnum((unsigned char)*str))
			str++;
		if (*str == '\0')
			return DTERR_BAD_FORMAT;
		field[nf] = str;
		if (is_digit((unsigned char)*str)) {
			while (is_digit((unsigned char)*str))
				str++;
		} else if (is_alpha((unsigned char)*str)) {
			while (is_alpha((unsigned char)*str))
				str++;
		}
		if (*str != '\0')
			*str++ = '\0';
		nf++;
	}
	/* a month name first: it leaves no doubt about the month */
	for (i = 0; i < nf; i++) {
		if (!is_alpha((unsigned char)*field[i]))
			continue;
		switch (decode_special(field[i], &val)) {
		case T_IGNORE_DTF:
			/* skipped here, then fails as a number below ("at") */
			continue;
		case T_MONTH:
			tm->mon = val;
			have_text_month = 1;
			break;
		default:
			return DTERR_BAD_FORMAT;
		}
		if (fmask & DTK_M(T_MONTH))
			return DTERR_BAD_FORMAT;
		fmask |= DTK_M(T_MONTH);
		*tmask |= DTK_M(T_MONTH);
		field[i] = NULL;
	}
	for (i = 0; i < nf; i++) {
		size_t len;

		if (!field[i])
			continue;
		len = strlen(field[i]);
		if (len == 0)
			return DTERR_BAD_FORMAT;
		dterr = decode_number(len, field[i], have_text_month, order, fmask,
				      &dmask, tm, &fsec, is2digits);
		if (dterr)
			return dterr;
		if (fmask & dmask)
			return DTERR_BAD_FORMAT;
		fmask |= dmask;
		*tmask |= dmask;
	}
	if ((fmask & ~(DTK_M(T_DOY) | DTK_M(T_TZ))) != DTK_DATE_M)
		return DTERR_BAD_FORMAT;
	return 0;
}

static int validate_date(int fmask, int isjulian, int is2digits, int bc,
			 struct dtm *tm)
{
	if (fmask & DTK_M(T_YEAR)) {
		if (isjulian) {
			/* the year j2date gave is right as it is */
		} else if (bc) {
			if (tm->year <= 0)
				return DTERR_FIELD_OVERFLOW;
			tm->year = -(tm->year - 1); /* 1 BC is year 0 */
		} else if (is2digits) {
			if (tm->year < 0)
				return DTERR_FIELD_OVERFLOW;
			if (tm->year < 70)
				tm->year += 2000;
			else if (tm->year < 100)
				tm->year += 1900;
		} else if (tm->year <= 0) {
			return DTERR_FIELD_OVERFLOW;
		}
	}
	if (fmask & DTK_M(T_DOY))
		j2date(date2j_wrap(tm->year, 1, 1) + tm->yday - 1, &tm->year,
		       &tm->mon, &tm->mday);
	if ((fmask & DTK_M(T_MONTH)) && (tm->mon < 1 || tm->mon > 12))
		return DTERR_MD_FIELD_OVERFLOW;
	if ((fmask & DTK_M(T_DAY)) && (tm->mday < 1 || tm->mday > 31))
		return DTERR_MD_FIELD_OVERFLOW;
	if ((fmask & DTK_DATE_M) == DTK_DATE_M &&
	    tm->mday > day_tab[is_leap(tm->year)][tm->mon - 1])
		return DTERR_FIELD_OVERFLOW;
	return 0;
}

/*
 * The clock "now", "today" etc. read: the run's fixed clock when decoding
 * a value, else (validation only) any valid day will do.
 */
struct dtnow {
	struct dtm tm;  /* the clock in UTC, the session time zone */
	fsec_t fsec;
	int missing;    /* no clock: the words that read it fail */
};

static void set_today(struct dtm *tm, const struct dtnow *now, int offset)
{
	if (!now) {
		tm->year = 2000;
		tm->mon = 1;
		tm->mday = 1;
		return;
	}
	j2date((int)date2j(now->tm.year, now->tm.mon, now->tm.mday) + offset,
	       &tm->year, &tm->mon, &tm->mday);
}

/*
 * A number after a unit word that labels it ("y1999", "J2451187.5", "T"
 * then "040506"), in DecodeDateTime and DecodeTimeOnly alike.
 */
static int decode_labelled(int ptype, char *field, int fmask, int *tmask,
			   struct dtm *tm, fsec_t *fsec, int *is2digits,
			   int *isjulian)
{
	char *cp;
	int value, dterr;

	errno = 0;
	value = strtoint(field, &cp);
	if (errno == ERANGE)
		return DTERR_FIELD_OVERFLOW;
	if (*cp == '.') {
		if (ptype != DTK_JULIAN && ptype != DTK_TIME &&
		    ptype != DTK_SECOND)
			return DTERR_BAD_FORMAT;
	} else if (*cp != '\0') {
		return DTERR_BAD_FORMAT;
	}
	/* the unit word before labels this number */
	switch (ptype) {
	case DTK_YEAR:
		tm->year = value;
		*tmask = DTK_M(T_YEAR);
		break;
	case DTK_MONTH:
		/* "m" after a month and an hour is minutes */
		if ((fmask & DTK_M(T_MONTH)) && (fmask & DTK_M(T_HOUR))) {
			tm->min = value;
			*tmask = DTK_M(T_MINUTE);
		} else {
			tm->mon = value;
			*tmask = DTK_M(T_MONTH);
		}
		break;
	case DTK_DAY:
		tm->mday = value;
		*tmask = DTK_M(T_DAY);
		break;
	case DTK_HOUR:
		tm->hour = value;
		*tmask = DTK_M(T_HOUR);
		break;
	case DTK_MINUTE:
		tm->min = value;
		*tmask = DTK_M(T_MINUTE);
		break;
	case DTK_SECOND:
		tm->sec = value;
		*tmask = DTK_M(T_SECOND);
		if (*cp == '.') {
			dterr = parse_frac_second(cp, fsec);
			if (dterr)
				return dterr;
			*tmask = DTK_ALL_SECS_M;
		}
		break;
	case DTK_JULIAN:
		if (value < 0)
			return DTERR_FIELD_OVERFLOW;
		*tmask = DTK_DATE_M;
		j2date(value, &tm->year, &tm->mon, &tm->mday);
		*isjulian = 1;
		if (*cp == '.') {
			/* a fraction of the day: its time */
			double frac;
			char *end;
			int64_t t;

			errno = 0;
			frac = strtod(cp, &end);
			if (*end != '\0' || errno != 0)
				return DTERR_BAD_FORMAT;
			t = (int64_t)(frac * (double)USECS_PER_DAY);
			tm->hour = (int)(t / USECS_PER_HOUR);
			t -= tm->hour * USECS_PER_HOUR;
			tm->min = (int)(t / USECS_PER_MINUTE);
			t -= tm->min * USECS_PER_MINUTE;
			tm->sec = (int)(t / USECS_PER_SEC);
			*fsec = t - tm->sec * USECS_PER_SEC;
			*tmask |= DTK_TIME_M;
		}
		break;
	case DTK_TIME:
		/* after "T": hhmmss[.fff] or hhmm */
		dterr = decode_number_field(strlen(field), field,
					    fmask | DTK_DATE_M, tmask,
					    tm, fsec, is2digits);
		if (dterr < 0)
			return dterr;
		if (*tmask != DTK_TIME_M)
			return DTERR_BAD_FORMAT;
		break;
	default:
		return DTERR_BAD_FORMAT;
	}
	return 0;
}

/* DecodeDateTime for date, timestamp and timestamptz (*tzp = -offset) */
static int decode_datetime(char **field, int *ftype, int nf, int order,
			   int *dtype, struct dtm *tm, fsec_t *fsec, int *tzp,
			   const struct dtnow *now)
{
	int fmask = 0, tmask = 0, type, ptype = 0, val = 0, i, dterr;
	int mer = HR24, is2digits = 0, bc = 0, have_text_month = 0;
	int isjulian = 0;

	*dtype = DTK_DATE;
	memset(tm, 0, sizeof(*tm));
	*fsec = 0;
	*tzp = 0;
	for (i = 0; i < nf; i++) {
		switch (ftype[i]) {
		case DTK_DATE:
			if (ptype == DTK_JULIAN) {
				/* "J2451187-05": a julian day with a zone run on */
				char *cp;
				int jday;

				errno = 0;
				jday = strtoint(field[i], &cp);
				if (errno == ERANGE || jday < 0)
					return DTERR_FIELD_OVERFLOW;
				j2date(jday, &tm->year, &tm->mon, &tm->mday);
				isjulian = 1;
				dterr = decode_timezone(cp, tzp);
				if (dterr)
					return dterr;
				tmask = DTK_DATE_M | DTK_TIME_M | DTK_M(T_TZ);
				ptype = 0;
			} else if (ptype != 0 ||
			    (fmask & (DTK_M(T_MONTH) | DTK_M(T_DAY))) ==
				    (DTK_M(T_MONTH) | DTK_M(T_DAY))) {
				char *cp;

				/* a run-together time with zone, or a zone name */
				if (!is_digit((unsigned char)*field[i]) && ptype == 0)
					return DTERR_UNSUPPORTED;
				if (ptype != 0) {
					if (ptype != DTK_TIME)
						return DTERR_BAD_FORMAT;
					ptype = 0;
				}
				if ((fmask & DTK_TIME_M) == DTK_TIME_M)
					return DTERR_BAD_FORMAT;
				if ((cp = strchr(field[i], '-')) == NULL)
					return DTERR_BAD_FORMAT;
				dterr = decode_timezone(cp, tzp);
				if (dterr)
					return dterr;
				*cp = '\0';
				dterr = decode_number_field(strlen(field[i]), field[i],
							    fmask, &tmask, tm, fsec,
							    &is2digits);
				if (dterr < 0)
					return dterr;
				tmask |= DTK_M(T_TZ);
			} else {
				dterr = decode_date(field[i], order, fmask, &tmask,
						    &is2digits, tm);
				if (dterr)
					return dterr;
			}
			break;
		case DTK_TIME:
			if (ptype != 0) {
				if (ptype != DTK_TIME)
					return DTERR_BAD_FORMAT;
				ptype = 0;
			}
			dterr = decode_time(field[i], &tmask, tm, fsec);
			if (dterr)
				return dterr;
			if (time_overflows(tm->hour, tm->min, tm->sec, *fsec))
				return DTERR_FIELD_OVERFLOW;
			break;
		case DTK_TZ:
			dterr = decode_timezone(field[i], tzp);
			if (dterr)
				return dterr;
			tmask = DTK_M(T_TZ);
			break;
		case DTK_NUMBER:
			if (ptype != 0) {
				dterr = decode_labelled(ptype, field[i], fmask, &tmask,
							tm, fsec, &is2digits, &isjulian);
				if (dterr)
					return dterr;
				ptype = 0;
				*dtype = DTK_DATE;
			} else {
				size_t flen = strlen(field[i]);
				char *cp = strchr(field[i], '.');

				if (cp && !(fmask & DTK_DATE_M)) {
					dterr = decode_date(field[i], order, fmask, &tmask,
							    &is2digits, tm);
					if (dterr)
						return dterr;
				} else if (cp && flen - strlen(cp) > 2) {
					dterr = decode_number_field(flen, field[i], fmask,
								    &tmask, tm, fsec,
								    &is2digits);
					if (dterr < 0)
						return dterr;
				} else if (flen >= 6 && (!(fmask & DTK_DATE_M) ||
							 !(fmask & DTK_TIME_M))) {
					dterr = decode_number_field(flen, field[i], fmask,
								    &tmask, tm, fsec,
								    &is2digits);
					if (dterr < 0)
						return dterr;
				} else {
					dterr = decode_number(flen, field[i],
							      have_text_month, order, fmask,
							      &tmask, tm, fsec, &is2digits);
					if (dterr)
						return dterr;
				}
			}
			break;
		case DTK_STRING:
		case DTK_SPECIAL:
			/* zone abbreviations take precedence over keywords */
			type = decode_zone_abbrev(field[i], &val);
			if (type == T_UNKNOWN)
				type = decode_special(field[i], &val);
			if (type == T_IGNORE_DTF)
				continue;
			tmask = type == T_UNKNOWN ? 0 : DTK_M(type);
			switch (type) {
			case T_RESERV:
				switch (val) {
				case DTK_NOW:
					if (now && now->missing)
						return DTERR_NOCLOCK;
					tmask = DTK_DATE_M | DTK_TIME_M | DTK_M(T_TZ);
					*dtype = DTK_DATE;
					set_today(tm, now, 0);
					tm->hour = now ? now->tm.hour : 0;
					tm->min = now ? now->tm.min : 0;
					tm->sec = now ? now->tm.sec : 0;
					*fsec = now ? now->fsec : 0;
					*tzp = 0;
					break;
				case DTK_YESTERDAY:
				case DTK_TODAY:
				case DTK_TOMORROW:
					if (now && now->missing)
						return DTERR_NOCLOCK;
					tmask = DTK_DATE_M;
					*dtype = DTK_DATE;
					set_today(tm, now, val == DTK_YESTERDAY ? -1 :
							   val == DTK_TOMORROW ? 1 : 0);
					break;
				case DTK_ZULU: /* allballs */
					tmask = DTK_TIME_M | DTK_M(T_TZ);
					*dtype = DTK_DATE;
					tm->hour = tm->min = tm->sec = 0;
					*tzp = 0;
					break;
				default: /* epoch, infinity, -infinity */
					*dtype = val;
				}
				break;
			case T_DTZ:
				tmask |= DTK_M(T_TZ);
				*tzp = -val;
				break;
			case T_TZ:
				*tzp = -val;
				break;
			case T_DYNTZ:
				/* its offset depends on the date: not modelled, so
				   valid but never decoded to a value */
				if (now)
					return DTERR_UNSUPPORTED;
				tmask |= DTK_M(T_TZ);
				*tzp = 0;
				break;
			case T_AMPM:
				mer = val;
				break;
			case T_ADBC:
				bc = val == BC;
				break;
			case T_MONTH:
				/* "8 Jan": the number read as a month was the day */
				if ((fmask & DTK_M(T_MONTH)) && !have_text_month &&
				    !(fmask & DTK_M(T_DAY)) && tm->mon >= 1 &&
				    tm->mon <= 31) {
					tm->mday = tm->mon;
					tmask = DTK_M(T_DAY);
				}
				have_text_month = 1;
				tm->mon = val;
				break;
			case T_DOW:
				/* the day of the week is not checked */
				break;
			case T_UNITS:
				/* labels the next number: "J2451187", "y1999" */
				tmask = 0;
				ptype = val;
				break;
			case T_ISOTIME:
				tmask = 0;
				if ((fmask & DTK_DATE_M) != DTK_DATE_M)
					return DTERR_BAD_FORMAT;
				if (i >= nf - 1 || (ftype[i + 1] != DTK_NUMBER &&
						    ftype[i + 1] != DTK_TIME &&
						    ftype[i + 1] != DTK_DATE))
					return DTERR_BAD_FORMAT;
				ptype = val;
				break;
			case T_DTZMOD: /* "MET DST" */
				return DTERR_UNSUPPORTED;
			case T_UNKNOWN:
				/* maybe a zone name such as "Japan" */
				return ftype[i] == DTK_STRING ? DTERR_UNSUPPORTED :
							       DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
			break;
		default:
			return DTERR_BAD_FORMAT;
		}
		if (tmask & fmask)
			return DTERR_BAD_FORMAT;
		fmask |= tmask;
	}
	/* PostgreSQL 15 lets a trailing unit word pass ("... j") */
	dterr = validate_date(fmask, isjulian, is2digits, bc, tm);
	if (dterr)
		return dterr;
	if (mer != HR24 && tm->hour > 12)
		return DTERR_FIELD_OVERFLOW;
	if (mer == AM && tm->hour == 12)
		tm->hour = 0;
	else if (mer == PM && tm->hour != 12)
		tm->hour += 12;
	if (*dtype == DTK_DATE && (fmask & DTK_DATE_M) != DTK_DATE_M)
		return (fmask & DTK_TIME_M) == DTK_TIME_M ? 1 : DTERR_BAD_FORMAT;
	return 0;
}

/* DecodeTimeOnly for time and timetz */
static int decode_timeonly(char **field, int *ftype, int nf, int order,
			   struct dtm *tm, fsec_t *fsec, int *tzp,
			   const struct dtnow *now)
{
	int fmask = 0, tmask = 0, type, ptype = 0, val = 0, i, dterr;
	int mer = HR24, is2digits = 0, bc = 0, isjulian = 0;

	memset(tm, 0, sizeof(*tm));
	*fsec = 0;
	*tzp = 0;
	for (i = 0; i < nf; i++) {
		switch (ftype[i]) {
		case DTK_DATE:
			/* a date only first and before a time */
			if (i == 0 && nf >= 2 &&
			    (ftype[nf - 1] == DTK_DATE || ftype[1] == DTK_TIME)) {
				dterr = decode_date(field[i], order, fmask, &tmask,
						    &is2digits, tm);
				if (dterr)
					return dterr;
			} else if (is_digit((unsigned char)*field[i])) {
				/* hhmmss-zz */
				char *cp;

				if ((fmask & DTK_TIME_M) == DTK_TIME_M)
					return DTERR_BAD_FORMAT;
				if ((cp = strchr(field[i], '-')) == NULL)
					return DTERR_BAD_FORMAT;
				dterr = decode_timezone(cp, tzp);
				if (dterr)
					return dterr;
				*cp = '\0';
				dterr = decode_number_field(strlen(field[i]), field[i],
							    fmask | DTK_DATE_M, &tmask,
							    tm, fsec, &is2digits);
				if (dterr < 0)
					return dterr;
				ftype[i] = dterr;
				tmask |= DTK_M(T_TZ);
			} else {
				return DTERR_UNSUPPORTED; /* a zone name */
			}
			break;
		case DTK_TIME:
			/* PostgreSQL 15 leaves a unit word before a time pending
			   ('j 7:48' is 07:48; 'T12:00 1230' labels the 1230) */
			dterr = decode_time(field[i], &tmask, tm, fsec);
			if (dterr)
				return dterr;
			break;
		case DTK_TZ:
			dterr = decode_timezone(field[i], tzp);
			if (dterr)
				return dterr;
			tmask = DTK_M(T_TZ);
			break;
		case DTK_NUMBER:
			if (ptype != 0) {
				dterr = decode_labelled(ptype, field[i], fmask, &tmask,
							tm, fsec, &is2digits, &isjulian);
				if (dterr)
					return dterr;
				ptype = 0;
			} else {
				size_t flen = strlen(field[i]);
				char *cp = strchr(field[i], '.');

				if (cp) {
					if (i == 0 && nf >= 2 && ftype[nf - 1] == DTK_DATE) {
						dterr = decode_date(field[i], order, fmask, &tmask,
								    &is2digits, tm);
						if (dterr)
							return dterr;
					} else if (flen - strlen(cp) > 2) {
						dterr = decode_number_field(flen, field[i],
									    fmask | DTK_DATE_M,
									    &tmask, tm, fsec,
									    &is2digits);
						if (dterr < 0)
							return dterr;
						ftype[i] = dterr;
					} else {
						return DTERR_BAD_FORMAT;
					}
				} else if (flen > 4) {
					dterr = decode_number_field(flen, field[i],
								    fmask | DTK_DATE_M,
								    &tmask, tm, fsec,
								    &is2digits);
					if (dterr < 0)
						return dterr;
					ftype[i] = dterr;
				} else {
					dterr = decode_number(flen, field[i], 0, order,
							      fmask | DTK_DATE_M,
							      &tmask, tm, fsec,
							      &is2digits);
					if (dterr)
						return dterr;
				}
			}
			break;
		case DTK_STRING:
		case DTK_SPECIAL:
			type = decode_zone_abbrev(field[i], &val);
			if (type == T_UNKNOWN)
				type = decode_special(field[i], &val);
			if (type == T_IGNORE_DTF)
				continue;
			tmask = type == T_UNKNOWN ? 0 : DTK_M(type);
			switch (type) {
			case T_RESERV:
				switch (val) {
				case DTK_NOW:
					if (now && now->missing)
						return DTERR_NOCLOCK;
					tmask = DTK_TIME_M;
					tm->hour = now ? now->tm.hour : 0;
					tm->min = now ? now->tm.min : 0;
					tm->sec = now ? now->tm.sec : 0;
					*fsec = now ? now->fsec : 0;
					break;
				case DTK_ZULU: /* allballs */
					tmask = DTK_TIME_M | DTK_M(T_TZ);
					tm->hour = tm->min = tm->sec = 0;
					break;
				default:
					return DTERR_BAD_FORMAT;
				}
				break;
			case T_DTZ:
				tmask |= DTK_M(T_TZ);
				*tzp = -val;
				ftype[i] = DTK_TZ;
				break;
			case T_TZ:
				*tzp = -val;
				ftype[i] = DTK_TZ;
				break;
			case T_DYNTZ:
				if (now)
					return DTERR_UNSUPPORTED;
				tmask |= DTK_M(T_TZ);
				ftype[i] = DTK_TZ;
				break;
			case T_AMPM:
				mer = val;
				break;
			case T_ADBC:
				bc = val == BC;
				break;
			case T_ISOTIME:
				tmask = 0;
				if (i >= nf - 1 || (ftype[i + 1] != DTK_NUMBER &&
						    ftype[i + 1] != DTK_TIME &&
						    ftype[i + 1] != DTK_DATE))
					return DTERR_BAD_FORMAT;
				ptype = val;
				break;
			case T_UNITS:
				/* labels the next number: "04:05 j2451187" */
				tmask = 0;
				ptype = val;
				break;
			case T_DTZMOD:
				return DTERR_UNSUPPORTED;
			case T_UNKNOWN:
				return ftype[i] == DTK_STRING ? DTERR_UNSUPPORTED :
							       DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
			break;
		default:
			return DTERR_BAD_FORMAT;
		}
		if (tmask & fmask)
			return DTERR_BAD_FORMAT;
		fmask |= tmask;
	}
	dterr = validate_date(fmask, isjulian, is2digits, bc, tm);
	if (dterr)
		return dterr;
	if (mer != HR24 && tm->hour > 12)
		return DTERR_FIELD_OVERFLOW;
	if (mer == AM && tm->hour == 12)
		tm->hour = 0;
	else if (mer == PM && tm->hour != 12)
		tm->hour += 12;
	if (time_overflows(tm->hour, tm->min, tm->sec, *fsec))
		return DTERR_FIELD_OVERFLOW;
	if ((fmask & DTK_TIME_M) != DTK_TIME_M)
		return DTERR_BAD_FORMAT;
	/* without a zone, a date given in part cannot say which day's
	   offset the session zone has: PostgreSQL refuses it */
	if (!(fmask & DTK_M(T_TZ)) && (fmask & DTK_DATE_M) &&
	    (fmask & DTK_DATE_M) != DTK_DATE_M)
		return DTERR_BAD_FORMAT;
	return 0;
}

struct dtnames {
	const char *syntax, *unsupported, *range;
};

static const struct dtnames dt_date = {
	"invalid input syntax for type date",
	"unsupported input format for type date (not iso)",
	"date out of range",
};
static const struct dtnames dt_time = {
	"invalid input syntax for type time",
	"unsupported input format for type time (not iso)",
	"date/time field value out of range",
};
static const struct dtnames dt_timetz = {
	"invalid input syntax for type time with time zone",
	"unsupported input format for type time with time zone (not iso)",
	"date/time field value out of range",
};
static const struct dtnames dt_ts = {
	"invalid input syntax for type timestamp",
	"unsupported input format for type timestamp (not iso)",
	"timestamp out of range",
};
static const struct dtnames dt_tstz = {
	"invalid input syntax for type timestamp with time zone",
	"unsupported input format for type timestamp with time zone (not iso)",
	"timestamp out of range",
};

static int dt_fail(const struct dtnames *nm, int dterr, const char **why)
{
	switch (dterr) {
	case DTERR_FIELD_OVERFLOW:
	case DTERR_MD_FIELD_OVERFLOW:
		return fail(why, "date/time field value out of range");
	case DTERR_TZDISP_OVERFLOW:
		return fail(why, "time zone displacement out of range");
	case DTERR_UNSUPPORTED:
		return fail(why, nm->unsupported);
	case DTERR_NOCLOCK:
		return fail(why, "the run's clock is not set");
	default:
		return fail(why, nm->syntax);
	}
}

/* tm2timestamp plus IS_VALID_TIMESTAMP; tz_east in seconds */
static int timestamp_in_range(const struct dtm *tm, fsec_t fsec,
			      int64_t tz_east)
{
	const int64_t min_ts = -INT64_C(211813488000000000);
	const int64_t end_ts = INT64_C(9223371331200000000);
	int64_t date, time, result;

	if (!valid_julian(tm->year, tm->mon))
		return 0;
	date = date2j(tm->year, tm->mon, tm->mday) - POSTGRES_EPOCH_JDATE;
	time = (((int64_t)tm->hour * 60 + tm->min) * 60 + tm->sec) *
		       USECS_PER_SEC + fsec;
	if (__builtin_mul_overflow(date, USECS_PER_DAY, &result) ||
	    __builtin_add_overflow(result, time, &result))
		return 0;
	if ((result < 0 && date > 0) || (result > 0 && date < -1))
		return 0;
	result -= tz_east * USECS_PER_SEC;
	return result >= min_ts && result < end_ts;
}

/*
 * date_in, time_in, timetz_in, timestamp_in, timestamptz_in.  With now
 * NULL it only validates; otherwise the special words read now and the
 * value goes to *out.
 */
static int decode_dt(enum pgkind kind, const char *s, size_t n, int order,
		     const struct dtnow *now, struct pgdt_value *out,
		     const char **why)
{
	char workbuf[160];
	char *field[MAXDATEFIELDS];
	int ftype[MAXDATEFIELDS];
	const struct dtnames *nm;
	struct dtm tm;
	fsec_t fsec;
	size_t buflen;
	int nf = 0, dtype = DTK_DATE, tz = 0, dterr;
	struct pgdt_value v = { 0, 0, 0, 0 };

	switch (kind) {
	case PGK_DATE:
		nm = &dt_date;
		buflen = 129; /* MAXDATELEN + 1 */
		break;
	case PGK_TIME:
		nm = &dt_time;
		buflen = 129;
		break;
	case PGK_TIMETZ:
		nm = &dt_timetz;
		buflen = 129;
		break;
	case PGK_TIMESTAMP:
		nm = &dt_ts;
		buflen = 153; /* MAXDATELEN + MAXDATEFIELDS */
		break;
	default:
		nm = &dt_tstz;
		buflen = 153;
		break;
	}
	dterr = parse_datetime(s, n, workbuf, buflen, field, ftype, &nf);
	if (!dterr) {
		if (kind == PGK_TIME || kind == PGK_TIMETZ)
			dterr = decode_timeonly(field, ftype, nf, order, &tm,
						&fsec, &tz, now);
		else
			dterr = decode_datetime(field, ftype, nf, order, &dtype,
						&tm, &fsec, &tz, now);
	}
	if (dterr)
		return dt_fail(nm, dterr, why);
	if (kind == PGK_TIME || kind == PGK_TIMETZ) {
		/* without a zone, timetz takes the session's: UTC */
		v.time = (((int64_t)tm.hour * 60 + tm.min) * 60 + tm.sec) *
				 USECS_PER_SEC + fsec;
		v.zone = kind == PGK_TIMETZ ? tz : 0;
		goto done;
	}
	switch (dtype) {
	case DTK_DATE:
		break;
	case DTK_EPOCH:
		tm.year = 1970;
		tm.mon = 1;
		tm.mday = 1;
		tm.hour = tm.min = tm.sec = 0;
		fsec = 0;
		tz = 0;
		break;
	case DTK_LATE:
	case DTK_EARLY:
		if (kind == PGK_DATE)
			v.date = dtype == DTK_LATE ? INT32_MAX : INT32_MIN;
		else
			v.time = dtype == DTK_LATE ? INT64_MAX : INT64_MIN;
		goto done;
	default:
		return fail(why, nm->syntax);
	}
	if (kind == PGK_DATE) {
		int64_t date;

		if (!valid_julian(tm.year, tm.mon))
			return fail(why, nm->range);
		date = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
		if (date < -POSTGRES_EPOCH_JDATE ||
		    date >= 2147483494 - POSTGRES_EPOCH_JDATE)
			return fail(why, nm->range);
		v.date = (int32_t)date;
		goto done;
	}
	if (kind == PGK_TIMESTAMP)
		tz = 0; /* a zone in the text is ignored */
	if (!timestamp_in_range(&tm, fsec, -tz))
		return fail(why, nm->range);
	v.time = (date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE) *
			 USECS_PER_DAY +
		 (((int64_t)tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC +
		 fsec + (int64_t)tz * USECS_PER_SEC;
done:
	if (out)
		*out = v;
	return 0;
}

static int check_datetime(enum pgkind kind, const char *s, size_t n,
			  const char **why)
{
	/* pushed text is read in a session whose order drydock does not
	   know here: a form that order decides is not valid for sure */
	return decode_dt(kind, s, n, PGDT_ORDER_NONE, NULL, NULL, why);
}

/* ------------------------------------------------------------------ */
/* Interval: DecodeInterval, then DecodeISO8601Interval                */
/* ------------------------------------------------------------------ */

struct itm_in {
	int64_t usec;
	int mday, mon, year;
};

#define ADD_OVF(a, b, r) __builtin_add_overflow((a), (b), (r))
#define MUL_OVF(a, b, r) __builtin_mul_overflow((a), (b), (r))

static int adjust_fract_usec(double frac, int64_t scale, struct itm_in *it)
{
	int64_t usec;

	if (frac == 0)
		return 1;
	frac *= (double)scale;
	usec = (int64_t)frac;
	frac -= (double)usec;
	if (frac > 0.5)
		usec++;
	else if (frac < -0.5)
		usec--;
	return !ADD_OVF(it->usec, usec, &it->usec);
}

static int adjust_fract_days(double frac, int scale, struct itm_in *it)
{
	int extra_days;

	if (frac == 0)
		return 1;
	frac *= scale;
	extra_days = (int)frac;
	if (ADD_OVF(it->mday, extra_days, &it->mday))
		return 0;
	frac -= extra_days;
	return adjust_fract_usec(frac, USECS_PER_DAY, it);
}

static int adjust_fract_years(double frac, int scale, struct itm_in *it)
{
	int extra_months = (int)rint_even(frac * scale * 12);

	return !ADD_OVF(it->mon, extra_months, &it->mon);
}

static int adjust_usec(int64_t val, double fval, int64_t scale,
		       struct itm_in *it)
{
	int64_t prod;

	if (MUL_OVF(val, scale, &prod) || ADD_OVF(it->usec, prod, &it->usec))
		return 0;
	return adjust_fract_usec(fval, scale, it);
}

static int adjust_days(int64_t val, int scale, struct itm_in *it)
{
	int days;

	if (val < INT_MIN || val > INT_MAX)
		return 0;
	return !MUL_OVF((int)val, scale, &days) &&
	       !ADD_OVF(it->mday, days, &it->mday);
}

static int adjust_months(int64_t val, struct itm_in *it)
{
	if (val < INT_MIN || val > INT_MAX)
		return 0;
	return !ADD_OVF(it->mon, (int)val, &it->mon);
}

static int adjust_years(int64_t val, int scale, struct itm_in *it)
{
	int years;

	if (val < INT_MIN || val > INT_MAX)
		return 0;
	return !MUL_OVF((int)val, scale, &years) &&
	       !ADD_OVF(it->year, years, &it->year);
}

#define INTERVAL_RANGE_MASK(t) (1 << (t))
#define INTERVAL_FULL_RANGE 0x7FFF

/*
 * DecodeTimeForInterval: note that it replaces the microseconds so far.
 * In an INTERVAL MINUTE TO SECOND, "a:b" is minutes and seconds.
 */
static int decode_time_for_interval(const char *str, int range, int *tmask,
				    struct itm_in *it)
{
	int64_t hour, usec, prod;
	int min, sec, dterr;
	fsec_t fsec;

	*tmask = DTK_TIME_M;
	dterr = decode_time_common(str, &hour, &min, &sec, &fsec);
	if (dterr)
		return dterr;
	if (range == (INTERVAL_RANGE_MASK(T_MINUTE) | INTERVAL_RANGE_MASK(T_SECOND)) &&
	    !strchr(strchr(str, ':') + 1, ':') && !strchr(str, '.')) {
		sec = min;
		if (hour > INT_MAX)
			return DTERR_FIELD_OVERFLOW;
		min = (int)hour;
		hour = 0;
	}
	usec = fsec;
	if (MUL_OVF(hour, USECS_PER_HOUR, &prod) || ADD_OVF(usec, prod, &usec) ||
	    ADD_OVF(usec, (int64_t)min * USECS_PER_MINUTE, &usec) ||
	    ADD_OVF(usec, (int64_t)sec * USECS_PER_SEC, &usec)) {
		it->usec = usec;
		return DTERR_FIELD_OVERFLOW;
	}
	it->usec = usec;
	return 0;
}

/* ParseFraction: "." alone is 0 */
static int parse_fraction(const char *cp, double *frac)
{
	char *end;

	if (cp[1] == '\0') {
		*frac = 0;
		return 0;
	}
	errno = 0;
	*frac = strtod(cp, &end);
	if (*end != '\0' || errno != 0)
		return DTERR_BAD_FORMAT;
	return 0;
}

/* the unit of a number without one, from the typmod's fields */
static int interval_default_unit(int range)
{
	switch (range) {
	case INTERVAL_RANGE_MASK(T_YEAR):
		return DTK_YEAR;
	case INTERVAL_RANGE_MASK(T_MONTH):
	case INTERVAL_RANGE_MASK(T_YEAR) | INTERVAL_RANGE_MASK(T_MONTH):
		return DTK_MONTH;
	case INTERVAL_RANGE_MASK(T_DAY):
		return DTK_DAY;
	case INTERVAL_RANGE_MASK(T_HOUR):
	case INTERVAL_RANGE_MASK(T_DAY) | INTERVAL_RANGE_MASK(T_HOUR):
		return DTK_HOUR;
	case INTERVAL_RANGE_MASK(T_MINUTE):
	case INTERVAL_RANGE_MASK(T_HOUR) | INTERVAL_RANGE_MASK(T_MINUTE):
	case INTERVAL_RANGE_MASK(T_DAY) | INTERVAL_RANGE_MASK(T_HOUR) |
		INTERVAL_RANGE_MASK(T_MINUTE):
		return DTK_MINUTE;
	default:
		return DTK_SECOND;
	}
}

static int decode_interval(char **field, int *ftype, int nf, int range,
			   struct itm_in *it)
{
	int is_before = 0, fmask = 0, tmask = 0, type = -1, i, dterr, uval;
	int64_t val;
	double fval;
	char *cp;

	memset(it, 0, sizeof(*it));
	/* read backwards to pick up units before values */
	for (i = nf - 1; i >= 0; i--) {
		switch (ftype[i]) {
		case DTK_TIME:
			dterr = decode_time_for_interval(field[i], range, &tmask,
							 it);
			if (dterr)
				return dterr;
			type = DTK_DAY;
			break;
		case DTK_TZ:
			/* signed hh:mm[:ss] */
			if (strchr(field[i] + 1, ':') != NULL &&
			    decode_time_for_interval(field[i] + 1, range, &tmask,
						     it) == 0) {
				if (*field[i] == '-') {
					if (it->usec == INT64_MIN)
						return DTERR_FIELD_OVERFLOW;
					it->usec = -it->usec;
				}
				type = DTK_DAY;
				break;
			}
			/* a signed number or year-month */
			__attribute__((fallthrough));
		case DTK_DATE:
		case DTK_NUMBER:
			if (type == -1) /* no unit: seconds, or the typmod's */
				type = interval_default_unit(range);
			errno = 0;
			val = strtoll(field[i], &cp, 10);
			if (errno == ERANGE)
				return DTERR_FIELD_OVERFLOW;
			if (*cp == '-') {
				/* SQL "years-months" */
				int val2;

				val2 = strtoint(cp + 1, &cp);
				if (errno == ERANGE || val2 < 0 || val2 >= 12)
					return DTERR_FIELD_OVERFLOW;
				if (*cp != '\0')
					return DTERR_BAD_FORMAT;
				type = DTK_MONTH;
				if (*field[i] == '-')
					val2 = -val2;
				if (MUL_OVF(val, 12, &val) || ADD_OVF(val, val2, &val))
					return DTERR_FIELD_OVERFLOW;
				fval = 0;
			} else if (*cp == '.') {
				dterr = parse_fraction(cp, &fval);
				if (dterr)
					return dterr;
				if (*field[i] == '-')
					fval = -fval;
			} else if (*cp == '\0') {
				fval = 0;
			} else {
				return DTERR_BAD_FORMAT;
			}
			tmask = 0;
			switch (type) {
			case DTK_MICROSEC:
				if (!adjust_usec(val, fval, 1, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_MICROSECOND);
				break;
			case DTK_MILLISEC:
				if (!adjust_usec(val, fval, 1000, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_MILLISECOND);
				break;
			case DTK_SECOND:
				if (!adjust_usec(val, fval, USECS_PER_SEC, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = fval == 0 ? DTK_M(T_SECOND) : DTK_ALL_SECS_M;
				break;
			case DTK_MINUTE:
				if (!adjust_usec(val, fval, USECS_PER_MINUTE, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_MINUTE);
				break;
			case DTK_HOUR:
				if (!adjust_usec(val, fval, USECS_PER_HOUR, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_HOUR);
				type = DTK_DAY;
				break;
			case DTK_DAY:
				if (!adjust_days(val, 1, it) ||
				    !adjust_fract_usec(fval, USECS_PER_DAY, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_DAY);
				break;
			case DTK_WEEK:
				if (!adjust_days(val, 7, it) ||
				    !adjust_fract_days(fval, 7, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_WEEK);
				break;
			case DTK_MONTH:
				if (!adjust_months(val, it) ||
				    !adjust_fract_days(fval, 30, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_MONTH);
				break;
			case DTK_YEAR:
				if (!adjust_years(val, 1, it) ||
				    !adjust_fract_years(fval, 1, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_YEAR);
				break;
			case DTK_DECADE:
				if (!adjust_years(val, 10, it) ||
				    !adjust_fract_years(fval, 10, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_DECADE);
				break;
			case DTK_CENTURY:
				if (!adjust_years(val, 100, it) ||
				    !adjust_fract_years(fval, 100, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_CENTURY);
				break;
			case DTK_MILLENNIUM:
				if (!adjust_years(val, 1000, it) ||
				    !adjust_fract_years(fval, 1000, it))
					return DTERR_FIELD_OVERFLOW;
				tmask = DTK_M(T_MILLENNIUM);
				break;
			default: /* "ago" or a unit such as quarter */
				return DTERR_BAD_FORMAT;
			}
			break;
		case DTK_STRING:
		case DTK_SPECIAL:
			switch (decode_units(field[i], &uval)) {
			case T_IGNORE_DTF:
				continue;
			case T_UNITS:
				type = uval;
				tmask = 0;
				break;
			case T_AGO:
				is_before = 1;
				type = uval;
				tmask = 0;
				break;
			default:
				return DTERR_BAD_FORMAT;
			}
			break;
		default:
			return DTERR_BAD_FORMAT;
		}
		if (tmask & fmask)
			return DTERR_BAD_FORMAT;
		fmask |= tmask;
	}
	if (fmask == 0)
		return DTERR_BAD_FORMAT;
	if (is_before) {
		if (it->usec == INT64_MIN || it->mday == INT_MIN ||
		    it->mon == INT_MIN || it->year == INT_MIN)
			return DTERR_FIELD_OVERFLOW;
		it->usec = -it->usec;
		it->mday = -it->mday;
		it->mon = -it->mon;
		it->year = -it->year;
	}
	return 0;
}

/* ParseISO8601Number: strtod syntax, |value| <= 1e15 */
static int iso_number(const char *s, const char *end, const char **endp,
		      int64_t *ipart, double *fpart)
{
	size_t k;
	int erange;
	double v;

	if (s >= end ||
	    !(is_digit((unsigned char)*s) || *s == '-' || *s == '.'))
		return DTERR_BAD_FORMAT;
	k = scan_strtod(s, (size_t)(end - s));
	if (k == 0)
		return DTERR_BAD_FORMAT;
	v = token_to_double(s, k, 0, &erange);
	if (erange)
		return DTERR_BAD_FORMAT;
	*endp = s + k;
	if (isnan(v) || v < -1.0e15 || v > 1.0e15)
		return DTERR_FIELD_OVERFLOW;
	if (v >= 0)
		*ipart = (int64_t)floor_d(v);
	else
		*ipart = -(int64_t)floor_d(-v);
	*fpart = v - (double)*ipart;
	return 0;
}

static int iso_int_width(const char *s, const char *end)
{
	int w = 0;

	if (s < end && *s == '-')
		s++;
	while (s < end && is_digit((unsigned char)*s))
		s++, w++;
	return w;
}

static int decode_iso8601_interval(const char *s, size_t n,
				   struct itm_in *it)
{
	const char *str = s, *end = s + n;
	int datepart = 1, havefield = 0, dterr;

	memset(it, 0, sizeof(*it));
	if (n < 2 || s[0] != 'P')
		return DTERR_BAD_FORMAT;
	str++;
	while (str < end) {
		const char *fieldstart;
		int64_t val;
		double fval;
		char unit;

		if (*str == 'T') { /* the time part begins */
			datepart = 0;
			havefield = 0;
			str++;
			continue;
		}
		fieldstart = str;
		dterr = iso_number(str, end, &str, &val, &fval);
		if (dterr)
			return dterr;
		unit = str < end ? *str : '\0';
		str++;
		if (datepart) {
			switch (unit) {
			case 'Y':
				if (!adjust_years(val, 1, it) ||
				    !adjust_fract_years(fval, 1, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'M':
				if (!adjust_months(val, it) ||
				    !adjust_fract_days(fval, 30, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'W':
				if (!adjust_days(val, 7, it) ||
				    !adjust_fract_days(fval, 7, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'D':
				if (!adjust_days(val, 1, it) ||
				    !adjust_fract_usec(fval, USECS_PER_DAY, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'T': /* basic format PyyyymmddThhmmss */
			case '\0':
				if (iso_int_width(fieldstart, end) == 8 && !havefield) {
					if (!adjust_years(val / 10000, 1, it) ||
					    !adjust_months((val / 100) % 100, it) ||
					    !adjust_days(val % 100, 1, it) ||
					    !adjust_fract_usec(fval, USECS_PER_DAY, it))
						return DTERR_FIELD_OVERFLOW;
					if (unit == '\0')
						return 0;
					datepart = 0;
					havefield = 0;
					continue;
				}
				__attribute__((fallthrough));
			case '-': /* extended format Pyyyy-mm-ddThh:mm:ss */
				if (havefield)
					return DTERR_BAD_FORMAT;
				if (!adjust_years(val, 1, it) ||
				    !adjust_fract_years(fval, 1, it))
					return DTERR_FIELD_OVERFLOW;
				if (unit == '\0')
					return 0;
				if (unit == 'T') {
					datepart = 0;
					havefield = 0;
					continue;
				}
				dterr = iso_number(str, end, &str, &val, &fval);
				if (dterr)
					return dterr;
				if (!adjust_months(val, it) ||
				    !adjust_fract_days(fval, 30, it))
					return DTERR_FIELD_OVERFLOW;
				if (str >= end)
					return 0;
				if (*str == 'T') {
					datepart = 0;
					havefield = 0;
					continue;
				}
				if (*str != '-')
					return DTERR_BAD_FORMAT;
				str++;
				dterr = iso_number(str, end, &str, &val, &fval);
				if (dterr)
					return dterr;
				if (!adjust_days(val, 1, it) ||
				    !adjust_fract_usec(fval, USECS_PER_DAY, it))
					return DTERR_FIELD_OVERFLOW;
				if (str >= end)
					return 0;
				if (*str == 'T') {
					datepart = 0;
					havefield = 0;
					continue;
				}
				return DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
		} else {
			switch (unit) {
			case 'H':
				if (!adjust_usec(val, fval, USECS_PER_HOUR, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'M':
				if (!adjust_usec(val, fval, USECS_PER_MINUTE, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case 'S':
				if (!adjust_usec(val, fval, USECS_PER_SEC, it))
					return DTERR_FIELD_OVERFLOW;
				break;
			case '\0': /* basic format hhmmss */
				if (iso_int_width(fieldstart, end) == 6 && !havefield) {
					if (!adjust_usec(val / 10000, 0, USECS_PER_HOUR, it) ||
					    !adjust_usec((val / 100) % 100, 0,
							 USECS_PER_MINUTE, it) ||
					    !adjust_usec(val % 100, 0, USECS_PER_SEC, it) ||
					    !adjust_fract_usec(fval, 1, it))
						return DTERR_FIELD_OVERFLOW;
					return 0;
				}
				__attribute__((fallthrough));
			case ':': /* extended format hh:mm:ss */
				if (havefield)
					return DTERR_BAD_FORMAT;
				if (!adjust_usec(val, fval, USECS_PER_HOUR, it))
					return DTERR_FIELD_OVERFLOW;
				if (unit == '\0')
					return 0;
				dterr = iso_number(str, end, &str, &val, &fval);
				if (dterr)
					return dterr;
				if (!adjust_usec(val, fval, USECS_PER_MINUTE, it))
					return DTERR_FIELD_OVERFLOW;
				if (str >= end)
					return 0;
				if (*str != ':')
					return DTERR_BAD_FORMAT;
				str++;
				dterr = iso_number(str, end, &str, &val, &fval);
				if (dterr)
					return dterr;
				if (!adjust_usec(val, fval, USECS_PER_SEC, it))
					return DTERR_FIELD_OVERFLOW;
				if (str >= end)
					return 0;
				return DTERR_BAD_FORMAT;
			default:
				return DTERR_BAD_FORMAT;
			}
		}
		havefield = 1;
	}
	return 0;
}

/* interval_in: range is the typmod's fields (INTERVAL_FULL_RANGE if none) */
static int decode_iv(const char *s, size_t n, int range,
		     struct pgdt_value *out, const char **why)
{
	char workbuf[256];
	char *field[MAXDATEFIELDS];
	int ftype[MAXDATEFIELDS];
	struct itm_in it;
	int nf = 0, dterr;
	int64_t months;

	dterr = parse_datetime(s, n, workbuf, sizeof(workbuf), field, ftype,
			       &nf);
	if (!dterr)
		dterr = decode_interval(field, ftype, nf, range, &it);
	if (dterr == DTERR_BAD_FORMAT)
		dterr = decode_iso8601_interval(s, n, &it);
	if (dterr == DTERR_FIELD_OVERFLOW)
		return fail(why, "interval field value out of range");
	if (dterr)
		return fail(why, "invalid input syntax for type interval");
	months = (int64_t)it.year * 12 + it.mon;
	if (months > INT_MAX || months < INT_MIN)
		return fail(why, "interval out of range");
	if (out) {
		out->time = it.usec;
		out->date = it.mday;
		out->month = (int32_t)months;
		out->zone = 0;
	}
	return 0;
}

static int check_interval(const char *s, size_t n, const char **why)
{
	return decode_iv(s, n, INTERVAL_FULL_RANGE, NULL, why);
}

/* ------------------------------------------------------------------ */
/* Scalars                                                             */
/* ------------------------------------------------------------------ */

/* text is known to be valid UTF-8 without NUL */
static int check_scalar(const struct pgtype *t, const char *s, size_t n,
			const char *const *labels, int nlabels,
			const char **why)
{
	int i;

	switch (t->kind) {
	case PGK_INT2:
	case PGK_INT4:
	case PGK_INT8:
		return check_int(s, n, t->kind, why);
	case PGK_BOOL:
		return check_bool(s, n, why);
	case PGK_FLOAT4:
		return check_float(s, n, 1, why);
	case PGK_FLOAT8:
		return check_float(s, n, 0, why);
	case PGK_NUMERIC:
		return check_numeric(s, n, t->precision, t->scale, why);
	case PGK_VARCHAR:
		return check_length(s, n, t->len, 0, why);
	case PGK_CHAR:
		return check_length(s, n, t->len, 1, why);
	case PGK_BYTEA:
		return check_bytea(s, n, why);
	case PGK_UUID:
		return check_uuid(s, n, why);
	case PGK_JSON:
		return check_json(s, n, 0, why);
	case PGK_JSONB:
		return check_json(s, n, 1, why);
	case PGK_DATE:
	case PGK_TIME:
	case PGK_TIMETZ:
	case PGK_TIMESTAMP:
	case PGK_TIMESTAMPTZ:
		return check_datetime(t->kind, s, n, why);
	case PGK_INTERVAL:
		return check_interval(s, n, why);
	case PGK_ENUM:
		for (i = 0; labels && i < nlabels; i++)
			if (labels[i] && strlen(labels[i]) == n &&
			    memcmp(labels[i], s, n) == 0)
				return 0;
		return fail(why, "invalid input value for enum");
	case PGK_TEXT:
	case PGK_OTHER:
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Arrays: array_in, ArrayCount, ReadArrayStr                          */
/* ------------------------------------------------------------------ */

#define MAXDIM 6
#define MAX_ARRAY_SIZE 134217727 /* MaxAllocSize / sizeof(Datum) */

static const char malformed[] = "malformed array literal";

static int array_isspace(int c)
{
	return is_space(c);
}

enum arrstate {
	A_NO_LEVEL, A_LEVEL_STARTED, A_ELEM_STARTED, A_QUOTED_ELEM_STARTED,
	A_QUOTED_ELEM_COMPLETED, A_ELEM_DELIMITED, A_LEVEL_COMPLETED,
	A_LEVEL_DELIMITED
};

/*
 * ArrayCount: checks the brace structure from str ('{') to end and sets
 * the dimensions.  Returns the number of dimensions (0 for "{}"), or -1.
 */
static int array_count(const char *str, const char *end, char delim,
		       int *dim, const char **why)
{
	int nest_level = 0, i, ndim = 1;
	int temp[MAXDIM], nelems[MAXDIM], nelems_last[MAXDIM];
	int in_quotes = 0, eoarray = 0, empty = 1;
	enum arrstate st = A_NO_LEVEL;
	const char *p = str;

	for (i = 0; i < MAXDIM; i++) {
		temp[i] = dim[i] = nelems_last[i] = 0;
		nelems[i] = 1;
	}
	while (!eoarray) {
		int itemdone = 0;

		while (!itemdone) {
			if (st == A_ELEM_STARTED || st == A_QUOTED_ELEM_STARTED)
				empty = 0;
			if (p >= end)
				return fail(why, malformed);
			switch (*p) {
			case '\\':
				if (st != A_LEVEL_STARTED && st != A_ELEM_STARTED &&
				    st != A_QUOTED_ELEM_STARTED &&
				    st != A_ELEM_DELIMITED)
					return fail(why, malformed);
				if (st != A_QUOTED_ELEM_STARTED)
					st = A_ELEM_STARTED;
				if (p + 1 >= end)
					return fail(why, malformed);
				p++;
				break;
			case '"':
				if (st != A_LEVEL_STARTED &&
				    st != A_QUOTED_ELEM_STARTED &&
				    st != A_ELEM_DELIMITED)
					return fail(why, malformed);
				in_quotes = !in_quotes;
				st = in_quotes ? A_QUOTED_ELEM_STARTED :
						 A_QUOTED_ELEM_COMPLETED;
				break;
			case '{':
				if (in_quotes)
					break;
				if (st != A_NO_LEVEL && st != A_LEVEL_STARTED &&
				    st != A_LEVEL_DELIMITED)
					return fail(why, malformed);
				st = A_LEVEL_STARTED;
				if (nest_level >= MAXDIM)
					return fail(why, "number of array dimensions exceeds the maximum allowed (6)");
				temp[nest_level] = 0;
				nest_level++;
				if (ndim < nest_level)
					ndim = nest_level;
				break;
			case '}':
				if (in_quotes)
					break;
				if (st != A_ELEM_STARTED &&
				    st != A_QUOTED_ELEM_COMPLETED &&
				    st != A_LEVEL_COMPLETED &&
				    !(nest_level == 1 && st == A_LEVEL_STARTED))
					return fail(why, malformed);
				st = A_LEVEL_COMPLETED;
				if (nest_level == 0)
					return fail(why, malformed);
				nest_level--;
				if (nelems_last[nest_level] != 0 &&
				    nelems[nest_level] != nelems_last[nest_level])
					return fail(why, "malformed array literal: sub-arrays with different dimensions");
				nelems_last[nest_level] = nelems[nest_level];
				nelems[nest_level] = 1;
				if (nest_level == 0)
					eoarray = itemdone = 1;
				else
					temp[nest_level - 1]++;
				break;
			default:
				if (in_quotes)
					break;
				if (*p == delim) {
					if (st != A_ELEM_STARTED &&
					    st != A_QUOTED_ELEM_COMPLETED &&
					    st != A_LEVEL_COMPLETED)
						return fail(why, malformed);
					st = st == A_LEVEL_COMPLETED ?
						A_LEVEL_DELIMITED : A_ELEM_DELIMITED;
					itemdone = 1;
					nelems[nest_level - 1]++;
				} else if (!array_isspace((unsigned char)*p)) {
					if (st != A_LEVEL_STARTED &&
					    st != A_ELEM_STARTED &&
					    st != A_ELEM_DELIMITED)
						return fail(why, malformed);
					st = A_ELEM_STARTED;
				}
				break;
			}
			if (!itemdone)
				p++;
		}
		temp[ndim - 1]++;
		p++;
	}
	for (; p < end; p++)
		if (!array_isspace((unsigned char)*p))
			return fail(why, "malformed array literal: junk after closing brace");
	if (empty)
		return 0;
	for (i = 0; i < ndim; i++)
		dim[i] = temp[i];
	return ndim;
}

/* (int)strtol() over the digits and signs between p and q */
static int array_bound(const char *p, const char *q)
{
	long long v = 0;
	int neg = 0;

	if (p < q && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < q && is_digit((unsigned char)*p); p++) {
		if (v <= (long long)LONG_MAX / 10)
			v = v * 10 + (*p - '0');
		else
			v = LONG_MAX;
	}
	if (v > LONG_MAX)
		v = LONG_MAX;
	if (neg)
		v = v == LONG_MAX ? LONG_MIN : -v;
	return (int)(unsigned int)(unsigned long long)v;
}

/*
 * ReadArrayStr: takes the elements apart (quotes and backslashes off,
 * unquoted space trimmed) and checks each that is not NULL.
 */
static int read_array(const struct pgtype *t, const char *str,
		      const char *end, char delim, int ndim, const int *dim,
		      int nitems, char *buf, const char *const *labels,
		      int nlabels, const char **why)
{
	int indx[MAXDIM], prod[MAXDIM], nest_level = 0, in_quotes = 0;
	int eoarray = 0, i;
	const char *p = str;
	struct pgtype et = *t;

	et.is_array = 0;
	prod[ndim - 1] = 1;
	for (i = ndim - 2; i >= 0; i--)
		prod[i] = prod[i + 1] * dim[i + 1];
	for (i = 0; i < ndim; i++)
		indx[i] = 0;
	while (!eoarray) {
		int itemdone = 0, leadingspace = 1, hasquoting = 0;
		int64_t off = -1;
		size_t dlen = 0, dend = 0;

		while (!itemdone) {
			if (p >= end)
				return fail(why, malformed);
			switch (*p) {
			case '\\':
				if (++p >= end)
					return fail(why, malformed);
				buf[dlen++] = *p++;
				leadingspace = 0;
				dend = dlen;
				hasquoting = 1;
				break;
			case '"':
				in_quotes = !in_quotes;
				if (in_quotes)
					leadingspace = 0;
				else
					dend = dlen;
				hasquoting = 1;
				p++;
				break;
			case '{':
				if (in_quotes) {
					buf[dlen++] = *p++;
					break;
				}
				if (nest_level >= ndim)
					return fail(why, malformed);
				nest_level++;
				indx[nest_level - 1] = 0;
				p++;
				break;
			case '}':
				if (in_quotes) {
					buf[dlen++] = *p++;
					break;
				}
				if (nest_level == 0)
					return fail(why, malformed);
				if (off == -1) {
					off = 0;
					for (i = 0; i < ndim; i++)
						off += (int64_t)indx[i] * prod[i];
				}
				indx[nest_level - 1] = 0;
				nest_level--;
				if (nest_level == 0)
					eoarray = itemdone = 1;
				else
					indx[nest_level - 1]++;
				p++;
				break;
			default:
				if (in_quotes) {
					buf[dlen++] = *p++;
				} else if (*p == delim) {
					if (off == -1) {
						off = 0;
						for (i = 0; i < ndim; i++)
							off += (int64_t)indx[i] * prod[i];
					}
					itemdone = 1;
					indx[ndim - 1]++;
					p++;
				} else if (array_isspace((unsigned char)*p)) {
					if (leadingspace)
						p++;
					else
						buf[dlen++] = *p++;
				} else {
					buf[dlen++] = *p++;
					leadingspace = 0;
					dend = dlen;
				}
				break;
			}
		}
		if (off < 0 || off >= nitems)
			return fail(why, malformed);
		if (!hasquoting && dend == 4 && ci_prefix(buf, 4, "null"))
			continue; /* a NULL element */
		if (check_scalar(&et, buf, dend, labels, nlabels, why))
			return -1;
	}
	return 0;
}

static int check_array(const struct pgtype *t, const char *s, size_t n,
		       char delim, const char *const *labels, int nlabels,
		       const char **why)
{
	const char *p = s, *end = s + n;
	int dim[MAXDIM], lbound[MAXDIM], ndim = 0, i, rc;
	int64_t nitems = 1;
	char stackbuf[1024], *buf;

	/* optional dimensions: [lb:ub] or [ub], one per dimension, then = */
	for (;;) {
		const char *q;
		int ub;

		while (p < end && array_isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '[')
			break;
		p++;
		if (ndim >= MAXDIM)
			return fail(why, "number of array dimensions exceeds the maximum allowed (6)");
		for (q = p; q < end && (is_digit((unsigned char)*q) ||
					*q == '-' || *q == '+'); q++)
			;
		if (q == p)
			return fail(why, malformed);
		if (q < end && *q == ':') {
			lbound[ndim] = array_bound(p, q);
			p = q + 1;
			for (q = p; q < end && (is_digit((unsigned char)*q) ||
						*q == '-' || *q == '+'); q++)
				;
			if (q == p)
				return fail(why, malformed);
		} else {
			lbound[ndim] = 1;
		}
		if (q >= end || *q != ']')
			return fail(why, malformed);
		ub = array_bound(p, q);
		p = q + 1;
		if (ub < lbound[ndim])
			return fail(why, "array upper bound cannot be less than lower bound");
		dim[ndim] = (int)(unsigned int)((int64_t)ub - lbound[ndim] + 1);
		ndim++;
	}
	if (ndim == 0) {
		if (p >= end || *p != '{')
			return fail(why, "malformed array literal: must start with \"{\"");
		ndim = array_count(p, end, delim, dim, why);
		if (ndim < 0)
			return -1;
		for (i = 0; i < ndim; i++)
			lbound[i] = 1;
	} else {
		int dim_braces[MAXDIM], nb;

		if (p >= end || *p != '=')
			return fail(why, malformed);
		p++;
		while (p < end && array_isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '{')
			return fail(why, malformed);
		nb = array_count(p, end, delim, dim_braces, why);
		if (nb < 0)
			return -1;
		if (nb != ndim)
			return fail(why, "malformed array literal: dimensions do not match contents");
		for (i = 0; i < ndim; i++)
			if (dim[i] != dim_braces[i])
				return fail(why, "malformed array literal: dimensions do not match contents");
	}
	if (ndim == 0)
		return 0; /* "{}" */
	for (i = 0; i < ndim; i++) {
		if (dim[i] < 0)
			return fail(why, "array size exceeds the maximum allowed");
		nitems *= dim[i];
		if (nitems > MAX_ARRAY_SIZE)
			return fail(why, "array size exceeds the maximum allowed");
		if ((int64_t)dim[i] + lbound[i] > INT_MAX)
			return fail(why, "array lower bound is too large");
	}
	if (nitems == 0)
		return 0;
	/* room for the longest element: at most the whole literal */
	if (n <= sizeof(stackbuf)) {
		buf = stackbuf;
	} else {
		buf = malloc(n);
		if (!buf)
			return fail(why, "out of memory");
	}
	rc = read_array(t, p, end, delim, ndim, dim, (int)nitems, buf, labels,
			nlabels, why);
	if (buf != stackbuf)
		free(buf);
	return rc;
}

/* ------------------------------------------------------------------ */

int pgvalue_check(const struct pgtype *t, const char *text, size_t len,
		  const char *const *labels, int nlabels, const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	*why = NULL;
	if (!t || (!text && len))
		return fail(why, "no value");
	if (!text)
		text = "";
	switch (utf8_check((const unsigned char *)text, len)) {
	case 0:
		break;
	case 1:
		return fail(why, "nul byte not allowed in a value");
	default:
		return fail(why, "invalid byte sequence for encoding utf8");
	}
	if (!t->is_array)
		return check_scalar(t, text, len, labels, nlabels, why);
	if (t->kind == PGK_OTHER) {
		/* box[] separates elements with ';', every other type ',' */
		if (check_array(t, text, len, ',', labels, nlabels, why) == 0)
			return 0;
		*why = NULL;
		return check_array(t, text, len, ';', labels, nlabels, why);
	}
	return check_array(t, text, len, ',', labels, nlabels, why);
}

int pgdt_decode(enum pgkind kind, const char *text, size_t len,
		enum pgdt_order order, int interval_range, int64_t now,
		struct pgdt_value *out, const char **why)
{
	const char *unused;
	struct dtnow nw;
	int64_t days = now / USECS_PER_DAY, t = now % USECS_PER_DAY;

	if (!why)
		why = &unused;
	*why = NULL;
	switch (utf8_check((const unsigned char *)text, len)) {
	case 0:
		break;
	case 1:
		return fail(why, "nul byte not allowed in a value");
	default:
		return fail(why, "invalid byte sequence for encoding utf8");
	}
	if (kind == PGK_INTERVAL)
		return decode_iv(text, len, interval_range < 0 ?
				 INTERVAL_FULL_RANGE : interval_range, out, why);
	if (t < 0) {
		t += USECS_PER_DAY;
		days--;
	}
	memset(&nw, 0, sizeof(nw));
	if (now == PGDT_NO_CLOCK) {
		nw.missing = 1;
		days = t = 0;
	}
	j2date((int)(days + POSTGRES_EPOCH_JDATE), &nw.tm.year, &nw.tm.mon,
	       &nw.tm.mday);
	nw.tm.hour = (int)(t / USECS_PER_HOUR);
	nw.tm.min = (int)(t / USECS_PER_MINUTE % 60);
	nw.tm.sec = (int)(t / USECS_PER_SEC % 60);
	nw.fsec = t % USECS_PER_SEC;
	return decode_dt(kind, text, len, order, &nw, out, why);
}

enum pgdt_order pgdt_order_of(const char *datestyle)
{
	static const struct {
		const char *word;
		enum pgdt_order order;
	} words[] = {
		{ "ymd", PGDT_YMD }, { "dmy", PGDT_DMY }, { "euro", PGDT_DMY },
		{ "european", PGDT_DMY }, { "mdy", PGDT_MDY }, { "us", PGDT_MDY },
		{ "noneuro", PGDT_MDY }, { "noneuropean", PGDT_MDY },
	};
	enum pgdt_order order = PGDT_ORDER_NONE;
	const char *p = datestyle;

	/* check_datestyle: words split at commas and spaces, the last wins */
	while (p && *p) {
		size_t n = 0, i;

		while (*p == ',' || is_space((unsigned char)*p))
			p++;
		while (p[n] && p[n] != ',' && !is_space((unsigned char)p[n]))
			n++;
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strlen(words[i].word) == n && ci_prefix(p, n, words[i].word))
				order = words[i].order;
		p += n;
	}
	return order;
}

int pgdt_zone_abbrev(const char *lower, int *east)
{
	int val = 0, type = decode_zone_abbrev(lower, &val);

	if (type == T_TZ || type == T_DTZ) {
		*east = val;
		return 1;
	}
	return type == T_DYNTZ ? 2 : 0;
}
