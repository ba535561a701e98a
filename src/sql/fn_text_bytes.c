/*
 * fn_text_bytes: bytea (a BLOB at run time), uuid (canonical lower-case
 * text), md5 and encode/decode, with PostgreSQL 15's input rules and
 * error messages (fn_text.h).
 */
#define _GNU_SOURCE
#include "fn_text.h"
#include "fn_text_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#define STRICT() do { if (pgfn_any_null(argc, argv)) { sqlite3_result_null(ctx); return; } } while (0)

static const char hexdig[] = "0123456789abcdef";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Bytes of a bytea argument (a text argument is taken as its bytes). */
static const unsigned char *arg_bytes(sqlite3_value **argv, int i, size_t *len)
{
	const unsigned char *b = sqlite3_value_blob(argv[i]);

	*len = (size_t)sqlite3_value_bytes(argv[i]);
	return b ? b : (const unsigned char *)"";
}

/*
 * hex_decode: pairs of hex digits, whitespace allowed between pairs.
 * 0, or -1 after setting PostgreSQL's error.
 */
static int hex_decode(sqlite3_context *ctx, const char *s, size_t n, struct strbuf *out)
{
	size_t i = 0;

	while (i < n) {
		int hi, lo;

		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		hi = hexval((unsigned char)s[i]);
		if (hi < 0) {
			pgfn_error(ctx, "invalid hexadecimal digit: \"%.*s\"",
				   u8_seqlen((unsigned char)s[i]), s + i);
			return -1;
		}
		i++;
		if (i >= n) {
			pgfn_error(ctx, "invalid hexadecimal data: odd number of digits");
			return -1;
		}
		lo = hexval((unsigned char)s[i]);
		if (lo < 0) {
			pgfn_error(ctx, "invalid hexadecimal digit: \"%.*s\"",
				   u8_seqlen((unsigned char)s[i]), s + i);
			return -1;
		}
		i++;
		sb_addch(out, hi << 4 | lo);
	}
	return 0;
}

/* byteain: \x hex, or the escape format (\\ and \ooo). */
static void fn_bytea_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t n, i = 0;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	if (n >= 2 && s[0] == '\\' && s[1] == 'x') {
		if (hex_decode(ctx, s + 2, n - 2, &out) < 0)
			goto fail;
		result_blob_sb(ctx, &out);
		return;
	}
	while (i < n) {
		if (s[i] != '\\') {
			sb_addch(&out, s[i++]);
		} else if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
			   s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			sb_addch(&out, (s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 4;
		} else if (i + 1 < n && s[i + 1] == '\\') {
			sb_addch(&out, '\\');
			i += 2;
		} else {
			pgfn_error(ctx, "invalid input syntax for type bytea");
			goto fail;
		}
	}
	result_blob_sb(ctx, &out);
	return;
fail:
	sb_release(&out);
}

static void fn_bytea_out(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *b;
	size_t n;

	STRICT();
	b = arg_bytes(argv, 0, &n);
	sb_grow(&out, 2 + 2 * n);
	sb_adds(&out, "\\x");
	for (size_t i = 0; i < n; i++) {
		sb_addch(&out, hexdig[b[i] >> 4]);
		sb_addch(&out, hexdig[b[i] & 15]);
	}
	result_sb(ctx, &out);
}

static void fn_byteacat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *a, *b;
	size_t na, nb;

	STRICT();
	a = arg_bytes(argv, 0, &na);
	sb_add(&out, a, na);
	b = arg_bytes(argv, 1, &nb);
	sb_add(&out, b, nb);
	result_blob_sb(ctx, &out);
}

/* bytea_substr: text_substring's rules on bytes. */
static void fn_bytea_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *b;
	size_t n;
	int64_t start, count, end;

	STRICT();
	b = arg_bytes(argv, 0, &n);
	start = sqlite3_value_int64(argv[1]);
	if (argc > 2) {
		count = sqlite3_value_int64(argv[2]);
		if (count < 0) {
			pgfn_error(ctx, "negative substring length not allowed");
			return;
		}
		if (__builtin_add_overflow(start, count, &end))
			end = INT64_MAX;
	} else {
		end = INT64_MAX;
	}
	if (start < 1)
		start = 1;
	if (end <= start || (uint64_t)(start - 1) >= n) {
		sqlite3_result_zeroblob(ctx, 0);
		return;
	}
	if ((uint64_t)(end - 1) > n)
		end = (int64_t)n + 1;
	sqlite3_result_blob64(ctx, b + start - 1, (sqlite3_uint64)(end - start), SQLITE_TRANSIENT);
}

/* bytealike: LIKE on bytes (MatchText without character awareness). */
static void bytea_like(sqlite3_context *ctx, int argc, sqlite3_value **argv, int negate)
{
	const unsigned char *t, *p;
	size_t nt, np;
	char *pc;
	int r;

	STRICT();
	p = arg_bytes(argv, 1, &np);
	pc = xmalloc(np + 1);
	memcpy(pc, p, np);
	t = arg_bytes(argv, 0, &nt);
	r = like_match(ctx, (const char *)t, nt, pc, np);
	free(pc);
	if (r >= 0)
		sqlite3_result_int(ctx, negate ? !r : r);
}

static void fn_bytealike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bytea_like(ctx, argc, argv, 0);
}

static void fn_byteanlike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bytea_like(ctx, argc, argv, 1);
}

/* ------------------------------------------------------------------ */
/* uuid                                                                */
/* ------------------------------------------------------------------ */

/*
 * uuid_in: 32 hex digits, upper or lower case, optionally in braces, with
 * a hyphen allowed after any group of four digits.
 */
static void fn_uuid_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char d[16];
	char out[37];
	const char *s, *p;
	size_t n;
	int braces = 0, o = 0;

	STRICT();
	s = arg_text(argv, 0, &n);
	p = s;
	if (strlen(s) != n)
		goto bad;
	if (*p == '{') {
		p++;
		braces = 1;
	}
	for (int i = 0; i < 16; i++) {
		int hi, lo;

		if (!p[0] || !p[1])
			goto bad;
		hi = hexval((unsigned char)p[0]);
		lo = hexval((unsigned char)p[1]);
		if (hi < 0 || lo < 0)
			goto bad;
		d[i] = (unsigned char)(hi << 4 | lo);
		p += 2;
		if (*p == '-' && (i % 2) == 1 && i < 15)
			p++;
	}
	if (braces) {
		if (*p != '}')
			goto bad;
		p++;
	}
	if (*p)
		goto bad;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdig[d[i] >> 4];
		out[o++] = hexdig[d[i] & 15];
	}
	out[o] = 0;
	sqlite3_result_text(ctx, out, 36, SQLITE_TRANSIENT);
	return;
bad:
	pgfn_error(ctx, "invalid input syntax for type uuid: \"%s\"", s);
}

/* ------------------------------------------------------------------ */
/* md5, encode, decode                                                 */
/* ------------------------------------------------------------------ */

static void fn_md5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	char out[33];
	const unsigned char *b;
	size_t n;

	STRICT();
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB)
		b = arg_bytes(argv, 0, &n);
	else
		b = (const unsigned char *)arg_text(argv, 0, &n);
	if (!EVP_Digest(b, n, d, &dn, EVP_md5(), NULL) || dn != 16) {
		pgfn_error(ctx, "could not compute MD5 hash");
		return;
	}
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hexdig[d[i] >> 4];
		out[2 * i + 1] = hexdig[d[i] & 15];
	}
	sqlite3_result_text(ctx, out, 32, SQLITE_TRANSIENT);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* encode(bytes, 'hex' | 'base64' | 'escape') */
static void fn_encode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *b;
	const char *fmt;
	size_t n, fl;

	STRICT();
	fmt = arg_text(argv, 1, &fl);
	if (!strcasecmp(fmt, "hex")) {
		b = arg_bytes(argv, 0, &n);
		for (size_t i = 0; i < n; i++) {
			sb_addch(&out, hexdig[b[i] >> 4]);
			sb_addch(&out, hexdig[b[i] & 15]);
		}
	} else if (!strcasecmp(fmt, "base64")) {
		/* pg_base64_encode: a newline after every 76 output characters */
		size_t pos = 0, linelen = 0;

		b = arg_bytes(argv, 0, &n);
		while (pos < n) {
			uint32_t buf = (uint32_t)b[pos] << 16;
			size_t rem = n - pos;

			if (rem > 1)
				buf |= (uint32_t)b[pos + 1] << 8;
			if (rem > 2)
				buf |= b[pos + 2];
			sb_addch(&out, b64[(buf >> 18) & 0x3f]);
			sb_addch(&out, b64[(buf >> 12) & 0x3f]);
			sb_addch(&out, rem > 1 ? b64[(buf >> 6) & 0x3f] : '=');
			sb_addch(&out, rem > 2 ? b64[buf & 0x3f] : '=');
			pos += 3;
			linelen += 4;
			if (linelen >= 76 && pos < n) {
				sb_addch(&out, '\n');
				linelen = 0;
			}
		}
	} else if (!strcasecmp(fmt, "escape")) {
		b = arg_bytes(argv, 0, &n);
		for (size_t i = 0; i < n; i++) {
			if (b[i] == 0 || b[i] >= 0x80)
				sb_addf(&out, "\\%03o", b[i]);
			else if (b[i] == '\\')
				sb_adds(&out, "\\\\");
			else
				sb_addch(&out, b[i]);
		}
	} else {
		pgfn_error(ctx, "unrecognized encoding: \"%s\"", fmt);
		return;
	}
	result_sb(ctx, &out);
}

static int b64val(int c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* pg_base64_decode: whitespace skipped, '=' only at the end. */
static int base64_decode(sqlite3_context *ctx, const char *s, size_t n, struct strbuf *out)
{
	uint32_t buf = 0;
	int pos = 0, end = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], v;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '=') {
			if (!end) {
				if (pos == 2)
					end = 1;
				else if (pos == 3)
					end = 2;
				else {
					pgfn_error(ctx, "unexpected \"=\" while decoding base64 sequence");
					return -1;
				}
			}
			v = 0;
		} else {
			v = b64val(c);
			if (v < 0) {
				pgfn_error(ctx, "invalid symbol \"%.*s\" found while decoding base64 sequence",
					   u8_seqlen((unsigned char)c), s + i);
				return -1;
			}
			if (end) {
				pgfn_error(ctx, "invalid base64 end sequence");
				return -1;
			}
		}
		buf = (buf << 6) + (uint32_t)v;
		pos++;
		if (pos == 4) {
			sb_addch(out, (buf >> 16) & 255);
			if (end == 0 || end > 1)
				sb_addch(out, (buf >> 8) & 255);
			if (end == 0 || end > 2)
				sb_addch(out, buf & 255);
			buf = 0;
			pos = 0;
		}
	}
	if (pos != 0) {
		pgfn_error(ctx, "invalid base64 end sequence");
		return -1;
	}
	return 0;
}

static void fn_decode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const char *s, *fmt;
	size_t n, fl;

	STRICT();
	fmt = arg_text(argv, 1, &fl);
	if (!strcasecmp(fmt, "hex")) {
		s = arg_text(argv, 0, &n);
		if (hex_decode(ctx, s, n, &out) < 0)
			goto fail;
	} else if (!strcasecmp(fmt, "base64")) {
		s = arg_text(argv, 0, &n);
		if (base64_decode(ctx, s, n, &out) < 0)
			goto fail;
	} else if (!strcasecmp(fmt, "escape")) {
		size_t i = 0;

		s = arg_text(argv, 0, &n);
		while (i < n) {
			if (s[i] != '\\') {
				sb_addch(&out, s[i++]);
			} else if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
				   s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
				sb_addch(&out, (s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
				i += 4;
			} else if (i + 1 < n && s[i + 1] == '\\') {
				sb_addch(&out, '\\');
				i += 2;
			} else {
				pgfn_error(ctx, "invalid input syntax for type bytea");
				goto fail;
			}
		}
	} else {
		pgfn_error(ctx, "unrecognized encoding: \"%s\"", fmt);
		goto fail;
	}
	result_blob_sb(ctx, &out);
	return;
fail:
	sb_release(&out);
}

const struct textfn textfn_bytes[] = {
	{ "pg_bytea_in", 1, 0, fn_bytea_in },
	{ "pg_bytea_out", 1, 0, fn_bytea_out },
	{ "pg_byteacat", 2, 0, fn_byteacat },
	{ "pg_bytea_substr", 2, 0, fn_bytea_substr },
	{ "pg_bytea_substr", 3, 0, fn_bytea_substr },
	{ "pg_bytealike", 2, 0, fn_bytealike },
	{ "pg_byteanlike", 2, 0, fn_byteanlike },
	{ "pg_uuid_in", 1, 0, fn_uuid_in },
	{ "pg_md5", 1, 0, fn_md5 },
	{ "pg_encode", 2, 0, fn_encode },
	{ "pg_decode", 2, 0, fn_decode },
};
const size_t textfn_bytes_count = sizeof(textfn_bytes) / sizeof(textfn_bytes[0]);
