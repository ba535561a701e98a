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

/* overlay(bytes placing repl from start [for count]) */
static void fn_bytea_overlay(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *b, *r;
	size_t n, rn;
	int64_t start, count, end;

	STRICT();
	start = sqlite3_value_int64(argv[2]);
	r = arg_bytes(argv, 1, &rn);
	count = argc > 3 ? sqlite3_value_int64(argv[3]) : (int64_t)rn;
	if (start > INT32_MAX || count > INT32_MAX || start + count > INT32_MAX ||
	    start + count < INT32_MIN) {
		pgfn_error(ctx, "integer out of range");
		return;
	}
	end = start + count;
	if (start - 1 < 0) {
		pgfn_error(ctx, "negative substring length not allowed");
		return;
	}
	sb_add(&out, r, rn);
	b = arg_bytes(argv, 0, &n);
	{
		size_t cut = (size_t)(start - 1) < n ? (size_t)(start - 1) : n;
		size_t from = end < 1 ? 0 : ((size_t)(end - 1) < n ? (size_t)(end - 1) : n);
		struct strbuf res = STRBUF_INIT;

		sb_add(&res, b, cut);
		sb_add(&res, out.buf, out.len);
		sb_add(&res, b + from, n - from);
		sb_release(&out);
		result_blob_sb(ctx, &res);
	}
}

/* sha224/256/384/512(bytea) -> bytea */
static void sha(sqlite3_context *ctx, int argc, sqlite3_value **argv, const EVP_MD *md)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	const unsigned char *b;
	size_t n;

	STRICT();
	b = arg_bytes(argv, 0, &n);
	if (!EVP_Digest(b, n, d, &dn, md, NULL)) {
		pgfn_error(ctx, "could not compute %s hash", EVP_MD_get0_name(md));
		return;
	}
	sqlite3_result_blob(ctx, d, (int)dn, SQLITE_TRANSIENT);
}

static void fn_sha224(sqlite3_context *ctx, int argc, sqlite3_value **argv) { sha(ctx, argc, argv, EVP_sha224()); }
static void fn_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv) { sha(ctx, argc, argv, EVP_sha256()); }
static void fn_sha384(sqlite3_context *ctx, int argc, sqlite3_value **argv) { sha(ctx, argc, argv, EVP_sha384()); }
static void fn_sha512(sqlite3_context *ctx, int argc, sqlite3_value **argv) { sha(ctx, argc, argv, EVP_sha512()); }

/*
 * Whether an encoding name is UTF8 the way pg_char_to_encoding() reads
 * names (case and non-alphanumerics ignored; "unicode" is an alias).
 * 1 UTF8, 0 another valid encoding drydock does not convert, -1 unknown.
 */
static int encoding_is_utf8(const char *name)
{
	static const char *const others[] = {
		"sqlascii", "eucjp", "euccn", "euckr", "euctw", "eucjis2004", "mulecinternal",
		"latin1", "latin2", "latin3", "latin4", "latin5", "latin6", "latin7", "latin8",
		"latin9", "latin10", "win1256", "win1258", "win866", "win874", "koi8r", "win1251",
		"win1252", "iso88595", "iso88596", "iso88597", "iso88598", "win1250", "win1253",
		"win1254", "win1255", "win1257", "koi8u", "sjis", "big5", "gbk", "uhc", "gb18030",
		"johab", "shiftjis2004", "windows1252", "iso885915", "alt", "win", "mskanji",
		"shiftjis", "tcvn", "tcvn5712", "vscii", "abc", "koi8", "iso88591", "unicode8",
	};
	char norm[64];
	size_t k = 0;

	for (const char *p = name; *p && k + 1 < sizeof(norm); p++)
		if (isalnum((unsigned char)*p))
			norm[k++] = (char)tolower((unsigned char)*p);
	norm[k] = 0;
	if (!strcmp(norm, "utf8") || !strcmp(norm, "unicode"))
		return 1;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (!strcmp(norm, others[i]))
			return 0;
	return -1;
}

/* The first invalid UTF-8 sequence in b, as PostgreSQL reports it; -1 if none. */
static ssize_t utf8_invalid(const unsigned char *b, size_t n, size_t *bad_len)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = b[i];
		size_t l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			   (c & 0xf8) == 0xf0 ? 4 : 1;
		int ok = c != 0 && (c < 0x80 || (l > 1 && i + l <= n));

		if (ok && l > 1) {
			uint32_t cp = c & (0x7f >> l);

			for (size_t k = 1; k < l; k++) {
				if ((b[i + k] & 0xc0) != 0x80)
					ok = 0;
				cp = (cp << 6) | (b[i + k] & 0x3f);
			}
			if (ok && ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) ||
				   (l == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
				   (cp >= 0xd800 && cp <= 0xdfff)))
				ok = 0;
		}
		if (!ok) {
			*bad_len = l < n - i ? l : n - i;
			return (ssize_t)i;
		}
		i += l;
	}
	return -1;
}

static int check_encoding(sqlite3_context *ctx, sqlite3_value *v, int dest)
{
	const char *name = (const char *)sqlite3_value_text(v);
	int r = encoding_is_utf8(name ? name : "");

	if (r < 0) {
		pgfn_error(ctx, "invalid %s encoding name \"%s\"", dest ? "destination" : "source", name);
		return -1;
	}
	if (r == 0) {
		pgfn_error(ctx, "conversion to or from encoding \"%s\": drydock cannot run it exactly as PostgreSQL does (UTF8 only)", name);
		return -1;
	}
	return 0;
}

/* convert_to(text, 'UTF8'): the text's bytes. */
static void fn_convert_to(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	if (check_encoding(ctx, argv[1], 1) < 0)
		return;
	s = arg_text(argv, 0, &n);
	sqlite3_result_blob64(ctx, s, n, SQLITE_TRANSIENT);
}

/* convert_from(bytes, 'UTF8'): the bytes as text, which must be valid UTF-8. */
static void fn_convert_from(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf msg = STRBUF_INIT;
	const unsigned char *b;
	size_t n, bad_len;
	ssize_t at;

	STRICT();
	if (check_encoding(ctx, argv[1], 0) < 0)
		return;
	b = arg_bytes(argv, 0, &n);
	at = utf8_invalid(b, n, &bad_len);
	if (at >= 0) {
		sb_adds(&msg, "invalid byte sequence for encoding \"UTF8\":");
		for (size_t k = 0; k < bad_len; k++)
			sb_addf(&msg, " 0x%02x", b[at + (ssize_t)k]);
		pgfn_error(ctx, "%s", msg.buf);
		sb_release(&msg);
		return;
	}
	sqlite3_result_text64(ctx, (const char *)b, n, SQLITE_TRANSIENT, SQLITE_UTF8);
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
	{ "pg_bytea_overlay", 3, 0, fn_bytea_overlay },
	{ "pg_bytea_overlay", 4, 0, fn_bytea_overlay },
	{ "pg_sha224", 1, 0, fn_sha224 },
	{ "pg_sha256", 1, 0, fn_sha256 },
	{ "pg_sha384", 1, 0, fn_sha384 },
	{ "pg_sha512", 1, 0, fn_sha512 },
	{ "pg_convert_to", 2, 0, fn_convert_to },
	{ "pg_convert_from", 2, 0, fn_convert_from },
	{ "pg_md5", 1, 0, fn_md5 },
	{ "pg_encode", 2, 0, fn_encode },
	{ "pg_decode", 2, 0, fn_decode },
};
const size_t textfn_bytes_count = sizeof(textfn_bytes) / sizeof(textfn_bytes[0]);
