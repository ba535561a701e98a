/*
 * fn_text: text, varchar(n), char(n) and the string functions, with
 * PostgreSQL 15's semantics (fn_text.h).  Regular expressions, LIKE and
 * SIMILAR TO live in fn_text_regex.c; bytea, uuid, md5 and encode/decode
 * in fn_text_bytes.c.  Rules were checked against a real server: the
 * expected answers in tests/unit/fn_text_cases.h come from it.
 */
#define _GNU_SOURCE
#include "fn_text.h"
#include "fn_text_int.h"
#include "fn_shared.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

int u8_seqlen(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

uint32_t u8_decode(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	int len = u8_seqlen(c);
	uint32_t cp;

	if (len == 1 || *i + (size_t)len > n) {
		(*i)++;
		return c;
	}
	cp = c & (0x7f >> len);
	for (int k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) {
			(*i)++;
			return c;
		}
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	*i += len;
	return cp;
}

void u8_add(struct strbuf *sb, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		sb_addch(sb, (int)cp);
		return;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		sb_add(sb, b, 4);
	}
}

/* Byte length of the character at s[i], never running past n. */
static size_t u8_charlen(const unsigned char *s, size_t n, size_t i)
{
	size_t j = i;

	u8_decode(s, n, &j);
	return j - i;
}

size_t u8_count(const unsigned char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n) {
		i += u8_charlen(s, n, i);
		k++;
	}
	return k;
}

size_t u8_offset(const unsigned char *s, size_t n, size_t k)
{
	size_t i = 0;

	while (i < n && k > 0) {
		i += u8_charlen(s, n, i);
		k--;
	}
	return i;
}

/* ------------------------------------------------------------------ */
/* Locales                                                             */
/* ------------------------------------------------------------------ */

static struct textloc loc_c = { "C/C", 1, (locale_t)0, 1, (locale_t)0 };

const struct textloc *textloc_c(void)
{
	return &loc_c;
}

locale_t textloc_utf8(void)
{
	static locale_t utf8;
	static int tried;

	if (!tried) {
		tried = 1;
		utf8 = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	}
	return utf8;
}

static int is_c_name(const char *name)
{
	return !strcmp(name, "C") || !strcmp(name, "POSIX");
}

static int is_c_utf8_name(const char *name)
{
	return !strcmp(name, "C.UTF-8") || !strcmp(name, "C.utf8");
}

/* Whether a locale's codeset is UTF-8 (the database encoding). */
static int locale_is_utf8(const char *name)
{
	const char *dot = strchr(name, '.');

	if (!dot)
		return 0;
	dot++;
	return !strncasecmp(dot, "utf8", 4) || !strncasecmp(dot, "utf-8", 5);
}

int pgfn_text_collation_ok(const char *lc_collate, const char **why)
{
	locale_t l;

	if (is_c_name(lc_collate) || is_c_utf8_name(lc_collate))
		return 1;
	l = newlocale(LC_COLLATE_MASK, lc_collate, (locale_t)0);
	if (!l) {
		*why = "the database's collation (LC_COLLATE) does not exist on this machine, so its text order cannot be reproduced";
		return 0;
	}
	freelocale(l);
	return 1;
}

/* Locales live as long as the process: connections keep pointers to them. */
static struct textloc *loc_cache[16];

static const struct textloc *textloc_get(const char *lc_collate, const char *lc_ctype,
					 const char **why)
{
	char key[64];
	struct textloc *l;
	size_t i;

	snprintf(key, sizeof(key), "%s/%s", lc_collate, lc_ctype);
	if (!strcmp(key, loc_c.name))
		return &loc_c;
	for (i = 0; i < ARRAY_SIZE(loc_cache) && loc_cache[i]; i++)
		if (!strcmp(loc_cache[i]->name, key))
			return loc_cache[i];
	if (i == ARRAY_SIZE(loc_cache)) {
		*why = "too many database locales in one process";
		return NULL;
	}
	if (!pgfn_text_collation_ok(lc_collate, why))
		return NULL;
	l = xcalloc(1, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", key);
	l->collate_c = is_c_name(lc_collate) || is_c_utf8_name(lc_collate);
	if (!l->collate_c)
		l->collate = newlocale(LC_COLLATE_MASK, lc_collate, (locale_t)0);
	l->ctype_c = is_c_name(lc_ctype);
	if (!l->ctype_c) {
		if (!locale_is_utf8(lc_ctype) ||
		    !(l->ctype = newlocale(LC_CTYPE_MASK, lc_ctype, (locale_t)0))) {
			if (l->collate)
				freelocale(l->collate);
			free(l);
			*why = "the database's LC_CTYPE is not a UTF-8 locale that exists on this machine, so case mapping cannot be reproduced";
			return NULL;
		}
	}
	loc_cache[i] = l;
	return l;
}

uint32_t textloc_lower(const struct textloc *loc, uint32_t c)
{
	if (loc->ctype_c)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	return (uint32_t)towlower_l((wint_t)c, loc->ctype);
}

uint32_t textloc_upper(const struct textloc *loc, uint32_t c)
{
	if (loc->ctype_c)
		return (c >= 'a' && c <= 'z') ? c - 32 : c;
	return (uint32_t)towupper_l((wint_t)c, loc->ctype);
}

int textloc_isalnum(const struct textloc *loc, uint32_t c)
{
	if (loc->ctype_c)
		return c < 128 && isalnum((int)c);
	return iswalnum_l((wint_t)c, loc->ctype) != 0;
}

void textloc_str_lower(const struct textloc *loc, const char *s, size_t n,
		       struct strbuf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n)
		u8_add(out, textloc_lower(loc, u8_decode(u, n, &i)));
}

/* ------------------------------------------------------------------ */
/* Argument and result helpers                                         */
/* ------------------------------------------------------------------ */

const char *arg_text(sqlite3_value **argv, int i, size_t *len)
{
	const char *s = (const char *)sqlite3_value_text(argv[i]);

	*len = (size_t)sqlite3_value_bytes(argv[i]);
	return s ? s : "";
}

static int64_t arg_int(sqlite3_value **argv, int i)
{
	return sqlite3_value_int64(argv[i]);
}

void result_sb(sqlite3_context *ctx, struct strbuf *out)
{
	size_t len;
	char *buf;

	if (!out->alloc) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	buf = sb_detach(out, &len);
	sqlite3_result_text64(ctx, buf, len, free, SQLITE_UTF8);
}

void result_blob_sb(sqlite3_context *ctx, struct strbuf *out)
{
	size_t len;
	char *buf;

	if (!out->alloc) {
		sqlite3_result_zeroblob(ctx, 0);
		return;
	}
	buf = sb_detach(out, &len);
	sqlite3_result_blob64(ctx, buf, len, free);
}

#define STRICT() do { if (pgfn_any_null(argc, argv)) { sqlite3_result_null(ctx); return; } } while (0)

static const struct textloc *ctx_loc(sqlite3_context *ctx)
{
	const struct textloc *l = sqlite3_user_data(ctx);

	return l ? l : &loc_c;
}

/* ------------------------------------------------------------------ */
/* Types: varchar(n), char(n), casts                                   */
/* ------------------------------------------------------------------ */

/* Identity casts (binary-coercible in pg_cast). */
static void fn_noop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	sqlite3_result_text64(ctx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* Bytes of s without its trailing spaces (bpchar's significant part). */
static size_t rtrim_spaces(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

/*
 * Length coercion of varchar(len) and char(len) (pad: char): too many
 * characters are cut when the cast is explicit, or when only spaces go;
 * otherwise it is PostgreSQL's error.
 */
static void length_coerce(sqlite3_context *ctx, const char *s, size_t n,
			  int64_t len, int explicit_cast, int pad)
{
	const unsigned char *u = (const unsigned char *)s;
	struct strbuf out = STRBUF_INIT;
	size_t nchars, cut;

	if (len < 0) {
		sqlite3_result_text64(ctx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
		return;
	}
	nchars = u8_count(u, n);
	if (nchars > (size_t)len) {
		cut = u8_offset(u, n, (size_t)len);
		if (!explicit_cast)
			for (size_t i = cut; i < n; i++)
				if (s[i] != ' ') {
					pgfn_error(ctx, "value too long for type %s(%lld)",
						   pad ? "character" : "character varying",
						   (long long)len);
					return;
				}
		sqlite3_result_text64(ctx, s, cut, SQLITE_TRANSIENT, SQLITE_UTF8);
		return;
	}
	if (!pad || nchars == (size_t)len) {
		sqlite3_result_text64(ctx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
		return;
	}
	sb_add(&out, s, n);
	for (size_t i = nchars; i < (size_t)len; i++)
		sb_addch(&out, ' ');
	result_sb(ctx, &out);
}

/* pg_varchar(v, len [, explicit]) */
static void fn_varchar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = arg_text(argv, 0, &n);
	length_coerce(ctx, s, n, argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL ?
		      arg_int(argv, 1) : -1, argc > 2 && arg_int(argv, 2), 0);
}

/* pg_bpchar(v, len [, explicit]): text or varchar to char(len) */
static void fn_bpchar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = arg_text(argv, 0, &n);
	length_coerce(ctx, s, n, argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL ?
		      arg_int(argv, 1) : -1, argc > 2 && arg_int(argv, 2), 1);
}

/* char(n) to text: trailing spaces go (rtrim1). */
static void fn_bpchar_to_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	sqlite3_result_text64(ctx, s, rtrim_spaces(s, n), SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* char(n) to varchar(len): stripped, then varchar's length coercion. */
static void fn_bpchar_to_varchar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = arg_text(argv, 0, &n);
	length_coerce(ctx, s, rtrim_spaces(s, n), argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_NULL ?
		      arg_int(argv, 1) : -1, argc > 2 && arg_int(argv, 2), 0);
}

/* ------------------------------------------------------------------ */
/* Collations                                                          */
/* ------------------------------------------------------------------ */

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int r = memcmp(a, b, na < nb ? na : nb);

	if (r)
		return r;
	return na < nb ? -1 : na > nb;
}

/* varstr_cmp: strcoll_l, ties broken by bytes (deterministic collations). */
static int loc_cmp(const struct textloc *l, const char *a, size_t na,
		   const char *b, size_t nb)
{
	char sa[256], sb2[256];
	char *pa = sa, *pb = sb2;
	int r;

	if (l->collate_c)
		return bytes_cmp(a, na, b, nb);
	if (na == nb && !memcmp(a, b, na))
		return 0;
	if (na >= sizeof(sa))
		pa = xmalloc(na + 1);
	if (nb >= sizeof(sb2))
		pb = xmalloc(nb + 1);
	memcpy(pa, a, na);
	pa[na] = 0;
	memcpy(pb, b, nb);
	pb[nb] = 0;
	r = strcoll_l(pa, pb, l->collate);
	if (!r)
		r = strcmp(pa, pb);
	if (pa != sa)
		free(pa);
	if (pb != sb2)
		free(pb);
	return r;
}

static int coll_text(void *arg, int na, const void *a, int nb, const void *b)
{
	return loc_cmp(arg, a, (size_t)na, b, (size_t)nb);
}

static int coll_bpchar(void *arg, int na, const void *a, int nb, const void *b)
{
	return loc_cmp(arg, a, rtrim_spaces(a, (size_t)na), b, rtrim_spaces(b, (size_t)nb));
}

/* ------------------------------------------------------------------ */
/* Case mapping                                                        */
/* ------------------------------------------------------------------ */

static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	textloc_str_lower(ctx_loc(ctx), s, n, &out);
	result_sb(ctx, &out);
}

static void fn_upper(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct textloc *l = ctx_loc(ctx);
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s;
	size_t n, i = 0;

	STRICT();
	s = (const unsigned char *)arg_text(argv, 0, &n);
	while (i < n)
		u8_add(&out, textloc_upper(l, u8_decode(s, n, &i)));
	result_sb(ctx, &out);
}

/* initcap: upper after a non-alphanumeric character, lower after one. */
static void fn_initcap(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct textloc *l = ctx_loc(ctx);
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s;
	size_t n, i = 0;
	int wasalnum = 0;

	STRICT();
	s = (const unsigned char *)arg_text(argv, 0, &n);
	while (i < n) {
		uint32_t c = u8_decode(s, n, &i);

		c = wasalnum ? textloc_lower(l, c) : textloc_upper(l, c);
		wasalnum = textloc_isalnum(l, c);
		u8_add(&out, c);
	}
	result_sb(ctx, &out);
}

/* ------------------------------------------------------------------ */
/* Lengths                                                             */
/* ------------------------------------------------------------------ */

static void fn_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	sqlite3_result_int64(ctx, (sqlite3_int64)u8_count((const unsigned char *)s, n));
}

static void fn_bpchar_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	sqlite3_result_int64(ctx, (sqlite3_int64)u8_count((const unsigned char *)s,
							  rtrim_spaces(s, n)));
}

static void fn_octet_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	STRICT();
	sqlite3_result_int64(ctx, sqlite3_value_bytes(argv[0]));
}

static void fn_bit_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	STRICT();
	sqlite3_result_int64(ctx, (sqlite3_int64)sqlite3_value_bytes(argv[0]) * 8);
}

/* ------------------------------------------------------------------ */
/* Concatenation                                                       */
/* ------------------------------------------------------------------ */

/* text || text */
static void fn_textcat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t na, nb;
	const char *a, *b;

	STRICT();
	a = arg_text(argv, 0, &na);
	b = arg_text(argv, 1, &nb);
	sb_grow(&out, na + nb);
	sb_add(&out, a, na);
	sb_add(&out, b, nb);
	result_sb(ctx, &out);
}

/*
 * The text of an "any" argument v whose PGT type is type: its output
 * function's text (fn_shared.c), or with cast set its cast to text, which
 * differs for bool only ("true" where the output function says "t").
 */
static const char *any_text(sqlite3_value *v, sqlite3_value *type, int cast,
			    struct strbuf *scratch, size_t *len)
{
	int t = sqlite3_value_int(type);

	if (cast && t == PGK_BOOL && sqlite3_value_type(v) == SQLITE_INTEGER) {
		*len = sqlite3_value_int64(v) ? 4 : 5;
		return sqlite3_value_int64(v) ? "true" : "false";
	}
	return fnv_text(v, PGT_IS_ARRAY(t) ? PGK_TEXT : PGT_KIND(t), scratch, len);
}

/* text || anynonarray: anytextcat is `$1::text || $2` (and the mirror). */
static void anycat(sqlite3_context *ctx, int argc, sqlite3_value **argv, int any_first)
{
	struct strbuf out = STRBUF_INIT, scratch = STRBUF_INIT;
	size_t na, nb;
	const char *a, *b;

	if (argc < 3) {
		pgfn_error(ctx, "internal error: || with \"any\" needs the argument's type");
		return;
	}
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (any_first) {
		a = any_text(argv[0], argv[2], 1, &scratch, &na);
		sb_add(&out, a, na);
		b = arg_text(argv, 1, &nb);
		sb_add(&out, b, nb);
	} else {
		a = arg_text(argv, 0, &na);
		sb_add(&out, a, na);
		b = any_text(argv[1], argv[2], 1, &scratch, &nb);
		sb_add(&out, b, nb);
	}
	sb_release(&scratch);
	result_sb(ctx, &out);
}

static void fn_textanycat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	anycat(ctx, argc, argv, 0);
}

static void fn_anytextcat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	anycat(ctx, argc, argv, 1);
}

/*
 * concat(variadic "any"): pg_concat(v1..vn, type1..typen).  NULLs are
 * skipped; never NULL itself.
 */
static void fn_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT, scratch = STRBUF_INIT;
	int n = argc / 2;

	for (int i = 0; i < n; i++) {
		size_t len;
		const char *s;

		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		s = any_text(argv[i], argv[n + i], 0, &scratch, &len);
		sb_add(&out, s, len);
	}
	sb_release(&scratch);
	result_sb(ctx, &out);
}

/* concat_ws(sep, variadic "any"): pg_concat_ws(sep, v1..vn, type1..typen) */
static void fn_concat_ws(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT, scratch = STRBUF_INIT;
	size_t nsep;
	const char *sep;
	int first = 1, n = (argc - 1) / 2;

	if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sep = arg_text(argv, 0, &nsep);
	sep = xstrndup(sep, nsep);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s;

		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		if (!first)
			sb_add(&out, sep, nsep);
		first = 0;
		s = any_text(argv[i], argv[n + i], 0, &scratch, &len);
		sb_add(&out, s, len);
	}
	free((char *)sep);
	sb_release(&scratch);
	result_sb(ctx, &out);
}

/* ------------------------------------------------------------------ */
/* Substrings and searching                                            */
/* ------------------------------------------------------------------ */

/*
 * text_substring: characters start .. start+count-1 (1-based), clipped to
 * the string; count < 0 (when given) is an error.
 */
static void substring_chars(sqlite3_context *ctx, const char *s, size_t n,
			    int64_t start, int has_count, int64_t count)
{
	const unsigned char *u = (const unsigned char *)s;
	int64_t end;
	size_t b0, b1;

	if (has_count && count < 0) {
		pgfn_error(ctx, "negative substring length not allowed");
		return;
	}
	if (has_count) {
		if (__builtin_add_overflow(start, count, &end))
			end = INT64_MAX;
	} else {
		end = INT64_MAX;
	}
	if (start < 1)
		start = 1;
	if (end <= start) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	b0 = u8_offset(u, n, (size_t)(start - 1));
	if (end == INT64_MAX || (uint64_t)(end - start) >= n)
		b1 = n;
	else
		b1 = b0 + u8_offset(u + b0, n - b0, (size_t)(end - start));
	sqlite3_result_text64(ctx, s + b0, b1 - b0, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void fn_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	substring_chars(ctx, s, n, arg_int(argv, 1), argc > 2, argc > 2 ? arg_int(argv, 2) : 0);
}

/*
 * overlay(string placing repl from start [for count]): text_overlay, i.e.
 * substr(string, 1, start - 1) || repl || substr(string, start + count).
 */
static void fn_overlay(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s;
	const char *r;
	size_t n, rn, cut;
	int64_t start, count, end;

	STRICT();
	start = arg_int(argv, 2);
	r = arg_text(argv, 1, &rn);
	count = argc > 3 ? arg_int(argv, 3) : (int64_t)u8_count((const unsigned char *)r, rn);
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
	r = xstrndup(r, rn);
	s = (const unsigned char *)arg_text(argv, 0, &n);
	cut = u8_offset(s, n, (size_t)(start - 1));
	sb_add(&out, s, cut);
	sb_add(&out, r, rn);
	if (end < 1)
		end = 1;
	cut = u8_offset(s, n, (size_t)(end - 1));
	sb_add(&out, s + cut, n - cut);
	free((char *)r);
	result_sb(ctx, &out);
}

/* Byte offset of the first occurrence of needle in hay, or -1. */
static ssize_t find_bytes(const char *hay, size_t nh, const char *needle, size_t nn)
{
	const char *p;

	if (nn == 0)
		return 0;
	if (nn > nh)
		return -1;
	p = memmem(hay, nh, needle, nn);
	return p ? p - hay : -1;
}

/* strpos(string, substring) and position(string, substring). */
static void fn_strpos(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t nh, nn;
	const char *h, *nd;
	ssize_t at;

	STRICT();
	h = arg_text(argv, 0, &nh);
	nd = arg_text(argv, 1, &nn);
	/* text_position: UTF-8 never matches mid-character, so bytes suffice */
	at = find_bytes(h, nh, nd, nn);
	sqlite3_result_int64(ctx, at < 0 ? 0 : (sqlite3_int64)u8_count((const unsigned char *)h, (size_t)at) + 1);
}

static void fn_starts_with(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t nh, nn;
	const char *h, *nd;

	STRICT();
	h = arg_text(argv, 0, &nh);
	nd = arg_text(argv, 1, &nn);
	sqlite3_result_int(ctx, nn <= nh && !memcmp(h, nd, nn));
}

static void fn_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t n, nf, nt, i = 0;
	const char *s, *from, *to;
	char *fromc, *toc;

	STRICT();
	from = arg_text(argv, 1, &nf);
	fromc = xstrndup(from, nf);
	to = arg_text(argv, 2, &nt);
	toc = xstrndup(to, nt);
	s = arg_text(argv, 0, &n);
	if (nf == 0) {
		sb_add(&out, s, n);
	} else {
		for (;;) {
			ssize_t at = find_bytes(s + i, n - i, fromc, nf);

			if (at < 0)
				break;
			sb_add(&out, s + i, (size_t)at);
			sb_add(&out, toc, nt);
			i += (size_t)at + nf;
		}
		sb_add(&out, s + i, n - i);
	}
	free(fromc);
	free(toc);
	result_sb(ctx, &out);
}

/* split_part: PostgreSQL 15 counts negative field numbers from the end. */
static void fn_split_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t n, nd, nfields = 0, i;
	const char *s, *d;
	char *dc;
	int64_t fld;
	size_t want, cur, start = 0;

	STRICT();
	fld = arg_int(argv, 2);
	if (fld == 0) {
		pgfn_error(ctx, "field position must not be zero");
		return;
	}
	d = arg_text(argv, 1, &nd);
	dc = xstrndup(d, nd);
	s = arg_text(argv, 0, &n);
	if (n == 0) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		goto cleanup;
	}
	if (nd == 0) {
		if (fld == 1 || fld == -1)
			sqlite3_result_text64(ctx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
		else
			sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		goto cleanup;
	}
	/* count the fields */
	for (i = 0;;) {
		ssize_t at = find_bytes(s + i, n - i, dc, nd);

		nfields++;
		if (at < 0)
			break;
		i += (size_t)at + nd;
	}
	if (fld < 0) {
		if ((uint64_t)-fld > nfields) {
			sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
			goto cleanup;
		}
		want = nfields + 1 - (size_t)-fld;
	} else {
		if ((uint64_t)fld > nfields) {
			sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
			goto cleanup;
		}
		want = (size_t)fld;
	}
	for (cur = 1, i = 0;; cur++) {
		ssize_t at = find_bytes(s + i, n - i, dc, nd);
		size_t end = at < 0 ? n : i + (size_t)at;

		start = i;
		if (cur == want) {
			sqlite3_result_text64(ctx, s + start, end - start, SQLITE_TRANSIENT, SQLITE_UTF8);
			break;
		}
		i = end + nd;
	}
cleanup:
	free(dc);
}

/* ------------------------------------------------------------------ */
/* Padding, repeating, trimming                                        */
/* ------------------------------------------------------------------ */

static void pad(sqlite3_context *ctx, int argc, sqlite3_value **argv, int left)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s, *f;
	size_t n, nf, nchars, nfchars, cut, fi = 0;
	int64_t len;

	STRICT();
	len = arg_int(argv, 1);
	if (argc > 2) {
		f = (const unsigned char *)arg_text(argv, 2, &nf);
		f = (const unsigned char *)xstrndup((const char *)f, nf);
	} else {
		f = (const unsigned char *)xstrdup(" ");
		nf = 1;
	}
	s = (const unsigned char *)arg_text(argv, 0, &n);
	if (len < 0)
		len = 0;
	if (len > 256 * 1024 * 1024) {
		pgfn_error(ctx, "requested length too large");
		goto cleanup;
	}
	nchars = u8_count(s, n);
	cut = n;
	if (nchars > (size_t)len) {
		cut = u8_offset(s, n, (size_t)len);
		nchars = (size_t)len;
	}
	nfchars = nf ? u8_count(f, nf) : 0;
	if (!left)
		sb_add(&out, s, cut);
	if (nfchars)
		for (size_t k = nchars; k < (size_t)len; k++) {
			size_t cl = u8_charlen(f, nf, fi);

			sb_add(&out, f + fi, cl);
			fi += cl;
			if (fi >= nf)
				fi = 0;
		}
	if (left)
		sb_add(&out, s, cut);
	result_sb(ctx, &out);
cleanup:
	free((void *)f);
	sb_release(&out);
}

static void fn_lpad(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	pad(ctx, argc, argv, 1);
}

static void fn_rpad(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	pad(ctx, argc, argv, 0);
}

static void fn_repeat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t n;
	const char *s;
	int64_t k;

	STRICT();
	k = arg_int(argv, 1);
	s = arg_text(argv, 0, &n);
	if (k < 0 || n == 0)
		k = 0;
	if (k > 0 && (uint64_t)k * n > 1024 * 1024 * 1024) {
		pgfn_error(ctx, "requested length too large");
		return;
	}
	sb_grow(&out, (size_t)k * n);
	for (int64_t i = 0; i < k; i++)
		sb_add(&out, s, n);
	result_sb(ctx, &out);
}

/* Whether the character at s[i] (length cl) is one of set's characters. */
static int in_charset(const unsigned char *s, size_t i, size_t cl,
		      const unsigned char *set, size_t nset)
{
	size_t j = 0;

	while (j < nset) {
		size_t sl = u8_charlen(set, nset, j);

		if (sl == cl && !memcmp(s + i, set + j, cl))
			return 1;
		j += sl;
	}
	return 0;
}

/* btrim/ltrim/rtrim(string [, characters]) */
static void trim(sqlite3_context *ctx, int argc, sqlite3_value **argv, int l, int r)
{
	const unsigned char *s, *set;
	size_t n, nset, b = 0, e;
	char *setc;

	STRICT();
	if (argc > 1) {
		set = (const unsigned char *)arg_text(argv, 1, &nset);
		setc = xstrndup((const char *)set, nset);
	} else {
		setc = xstrdup(" ");
		nset = 1;
	}
	set = (const unsigned char *)setc;
	s = (const unsigned char *)arg_text(argv, 0, &n);
	e = n;
	if (l)
		while (b < e) {
			size_t cl = u8_charlen(s, n, b);

			if (!in_charset(s, b, cl, set, nset))
				break;
			b += cl;
		}
	if (r)
		while (e > b) {
			size_t st = e - 1;

			while (st > b && (s[st] & 0xc0) == 0x80)
				st--;
			if (!in_charset(s, st, e - st, set, nset))
				break;
			e = st;
		}
	sqlite3_result_text64(ctx, (const char *)s + b, e - b, SQLITE_TRANSIENT, SQLITE_UTF8);
	free(setc);
}

static void fn_btrim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	trim(ctx, argc, argv, 1, 1);
}

static void fn_ltrim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	trim(ctx, argc, argv, 1, 0);
}

static void fn_rtrim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	trim(ctx, argc, argv, 0, 1);
}

/* left(s, n): n < 0 drops |n| characters from the end.  right: mirror. */
static void fn_left(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n, nchars;
	int64_t k;

	STRICT();
	k = arg_int(argv, 1);
	s = (const unsigned char *)arg_text(argv, 0, &n);
	if (k < 0) {
		nchars = u8_count(s, n);
		k = (int64_t)nchars + k;
		if (k < 0)
			k = 0;
	}
	sqlite3_result_text64(ctx, (const char *)s, u8_offset(s, n, (size_t)k),
			      SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void fn_right(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n, nchars, skip;
	int64_t k;

	STRICT();
	k = arg_int(argv, 1);
	s = (const unsigned char *)arg_text(argv, 0, &n);
	nchars = u8_count(s, n);
	if (k < 0)
		skip = (uint64_t)-k > nchars ? nchars : (size_t)-k;
	else
		skip = (uint64_t)k > nchars ? 0 : nchars - (size_t)k;
	skip = u8_offset(s, n, skip);
	sqlite3_result_text64(ctx, (const char *)s + skip, n - skip, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void fn_reverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s;
	size_t n, e;

	STRICT();
	s = (const unsigned char *)arg_text(argv, 0, &n);
	sb_grow(&out, n);
	e = n;
	while (e > 0) {
		size_t st = e - 1;

		while (st > 0 && (s[st] & 0xc0) == 0x80 && e - st < 4)
			st--;
		if (u8_charlen(s, n, st) != e - st)
			st = e - 1;
		sb_add(&out, s + st, e - st);
		e = st;
	}
	result_sb(ctx, &out);
}

/* translate(string, from, to) */
static void fn_translate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *s, *from, *to;
	size_t n, nf, nt, i = 0;
	char *fromc, *toc;

	STRICT();
	from = (const unsigned char *)arg_text(argv, 1, &nf);
	fromc = xstrndup((const char *)from, nf);
	to = (const unsigned char *)arg_text(argv, 2, &nt);
	toc = xstrndup((const char *)to, nt);
	from = (const unsigned char *)fromc;
	to = (const unsigned char *)toc;
	s = (const unsigned char *)arg_text(argv, 0, &n);
	while (i < n) {
		size_t cl = u8_charlen(s, n, i), j = 0, k = 0;
		int found = 0;

		while (j < nf) {
			size_t fl = u8_charlen(from, nf, j);

			if (fl == cl && !memcmp(s + i, from + j, cl)) {
				found = 1;
				break;
			}
			j += fl;
			k++;
		}
		if (!found) {
			sb_add(&out, s + i, cl);
		} else {
			size_t to_at = u8_offset(to, nt, k);

			if (to_at < nt)
				sb_add(&out, to + to_at, u8_charlen(to, nt, to_at));
		}
		i += cl;
	}
	free(fromc);
	free(toc);
	result_sb(ctx, &out);
}

/* ------------------------------------------------------------------ */
/* Characters and numbers                                              */
/* ------------------------------------------------------------------ */

static void fn_chr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	int64_t c;

	STRICT();
	c = arg_int(argv, 0);
	if (c < 0) {
		pgfn_error(ctx, "character number must be positive");
		return;
	}
	if (c == 0) {
		pgfn_error(ctx, "null character not permitted");
		return;
	}
	if (c > 0x10ffff) {
		pgfn_error(ctx, "requested character too large for encoding: %lld", (long long)c);
		return;
	}
	if (c >= 0xd800 && c <= 0xdfff) {
		pgfn_error(ctx, "requested character not valid for encoding: %lld", (long long)c);
		return;
	}
	u8_add(&out, (uint32_t)c);
	result_sb(ctx, &out);
}

static void fn_ascii(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	size_t n, i = 0;

	STRICT();
	s = (const unsigned char *)arg_text(argv, 0, &n);
	sqlite3_result_int64(ctx, n ? u8_decode(s, n, &i) : 0);
}

static void fn_to_hex32(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[16];

	STRICT();
	snprintf(buf, sizeof(buf), "%x", (uint32_t)arg_int(argv, 0));
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void fn_to_hex64(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[24];

	STRICT();
	snprintf(buf, sizeof(buf), "%llx", (unsigned long long)arg_int(argv, 0));
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ------------------------------------------------------------------ */
/* Quoting and format()                                                */
/* ------------------------------------------------------------------ */

/*
 * PostgreSQL's keyword table, from libpg_query (the PostgreSQL 15
 * grammar's kwlist.h): quote_ident() quotes every keyword that is not
 * UNRESERVED_KEYWORD.
 */
struct ScanKeywordList;
extern const struct ScanKeywordList ScanKeywords;
extern const uint8_t ScanKeywordCategories[];
int ScanKeywordLookup(const char *str, const struct ScanKeywordList *keywords);
#define UNRESERVED_KEYWORD 0

static void add_quote_ident(struct strbuf *out, const char *s, size_t n)
{
	int safe = n > 0 && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
	char *z;

	for (size_t i = 0; safe && i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			safe = 0;
	if (safe) {
		int kw;

		z = xstrndup(s, n);
		kw = ScanKeywordLookup(z, &ScanKeywords);
		free(z);
		if (kw >= 0 && ScanKeywordCategories[kw] != UNRESERVED_KEYWORD)
			safe = 0;
	}
	if (safe) {
		sb_add(out, s, n);
		return;
	}
	sb_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_addch(out, '"');
		sb_addch(out, s[i]);
	}
	sb_addch(out, '"');
}

/* quote_literal: E'' when there is a backslash, which is doubled. */
static void add_quote_literal(struct strbuf *out, const char *s, size_t n)
{
	if (memchr(s, '\\', n))
		sb_addch(out, 'E');
	sb_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			sb_addch(out, s[i]);
		sb_addch(out, s[i]);
	}
	sb_addch(out, '\'');
}

static void fn_quote_ident(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	add_quote_ident(&out, s, n);
	result_sb(ctx, &out);
}

/* quote_literal(text), or (anyelement, its type): `quote_literal($1::text)` */
static void fn_quote_literal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT, scratch = STRBUF_INIT;
	size_t n;
	const char *s;

	STRICT();
	if (argc > 1)
		s = any_text(argv[0], argv[1], 1, &scratch, &n);
	else
		s = arg_text(argv, 0, &n);
	add_quote_literal(&out, s, n);
	sb_release(&scratch);
	result_sb(ctx, &out);
}

static void fn_quote_nullable(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_text(ctx, "NULL", 4, SQLITE_STATIC);
		return;
	}
	fn_quote_literal(ctx, argc, argv);
}

/*
 * Parses a decimal number at *p for format(): PostgreSQL's text_format_parse_digits.
 * Returns 1 when digits were read, 0 when none, -1 on overflow (error set).
 */
static int fmt_digits(sqlite3_context *ctx, const char **p, const char *end, int *val)
{
	int64_t v = 0;
	int found = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v > INT_MAX) {
			pgfn_error(ctx, "number is out of range");
			return -1;
		}
		(*p)++;
		found = 1;
	}
	*val = (int)v;
	return found;
}

/*
 * format(fmt, args...): %[n$][-][width|*|*n$](s|I|L) and %%, as
 * text_format() parses them.  The arguments arrive as text (their types'
 * output functions were applied by the compiler).
 */
static void fn_format(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	struct strbuf scratch = STRBUF_INIT;
	const char *f, *p, *end;
	size_t nf;
	int arg = 0;	/* index of the last argument used, 0 = none (1-based) */

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	f = arg_text(argv, 0, &nf);
	end = f + nf;
	for (p = f; p < end; p++) {
		int argpos = 0, widthpos = -1, width = 0, minus = 0, r, nargs = (argc - 1) / 2;
		char type;

		if (*p != '%') {
			sb_addch(&out, *p);
			continue;
		}
		p++;
		if (p >= end)
			goto unterminated;
		if (*p == '%') {
			sb_addch(&out, '%');
			continue;
		}
		/* text_format_parse_format */
		{
			const char *q = p;
			int n;

			r = fmt_digits(ctx, &q, end, &n);
			if (r < 0)
				goto fail;
			if (r > 0) {
				if (q >= end)
					goto unterminated;
				if (*q == '$') {
					if (n == 0) {
						pgfn_error(ctx, "format specifies argument 0, but arguments are numbered from 1");
						goto fail;
					}
					argpos = n;
					p = q + 1;
				} else {
					/* a width, no flags */
					width = n;
					p = q;
					goto have_width;
				}
			}
		}
		if (p >= end)
			goto unterminated;
		while (*p == '-') {
			minus = 1;
			p++;
			if (p >= end)
				goto unterminated;
		}
		if (*p == '*') {
			int n;

			p++;
			if (p >= end)
				goto unterminated;
			r = fmt_digits(ctx, &p, end, &n);
			if (r < 0)
				goto fail;
			if (r > 0) {
				if (p >= end)
					goto unterminated;
				if (*p != '$') {
					pgfn_error(ctx, "width argument position must be ended by \"$\"");
					goto fail;
				}
				if (n == 0) {
					pgfn_error(ctx, "format specifies argument 0, but arguments are numbered from 1");
					goto fail;
				}
				widthpos = n;
				p++;
				if (p >= end)
					goto unterminated;
			} else {
				widthpos = 0;
			}
		} else {
			r = fmt_digits(ctx, &p, end, &width);
			if (r < 0)
				goto fail;
			if (p >= end)
				goto unterminated;
		}
have_width:
		if (p >= end)
			goto unterminated;
		type = *p;
		if (type != 's' && type != 'I' && type != 'L') {
			pgfn_error(ctx, "unrecognized format() type specifier \"%.*s\"",
				   u8_seqlen((unsigned char)type), p);
			goto fail;
		}
		/* width from an argument */
		if (widthpos >= 0) {
			int wa = widthpos > 0 ? widthpos : arg + 1;

			if (wa > nargs) {
				pgfn_error(ctx, "too few arguments for format()");
				goto fail;
			}
			arg = wa;
			if (sqlite3_value_type(argv[wa]) == SQLITE_NULL) {
				width = 0;
			} else {
				int64_t w = sqlite3_value_int64(argv[wa]);

				if (w < 0) {
					minus = 1;
					if (w == INT_MIN) {
						pgfn_error(ctx, "number is out of range");
						goto fail;
					}
					w = -w;
				}
				width = (int)w;
			}
		}
		/* the value argument */
		{
			int va = argpos > 0 ? argpos : arg + 1;
			struct strbuf v = STRBUF_INIT;
			size_t nchars, n;
			const char *s;
			int isnull;

			if (va > nargs) {
				pgfn_error(ctx, "too few arguments for format()");
				goto fail;
			}
			arg = va;
			isnull = sqlite3_value_type(argv[va]) == SQLITE_NULL;
			s = isnull ? "" : any_text(argv[va], argv[va + nargs], 0, &scratch, &n);
			if (isnull)
				n = 0;
			if (type == 's') {
				sb_add(&v, s, n);
			} else if (type == 'I') {
				if (isnull) {
					pgfn_error(ctx, "null values cannot be formatted as an SQL identifier");
					goto fail;
				}
				add_quote_ident(&v, s, n);
			} else {
				if (isnull)
					sb_adds(&v, "NULL");
				else
					add_quote_literal(&v, s, n);
			}
			nchars = u8_count((const unsigned char *)v.buf, v.len);
			if (!minus)
				for (size_t k = nchars; k < (size_t)width; k++)
					sb_addch(&out, ' ');
			sb_add(&out, v.buf, v.len);
			if (minus)
				for (size_t k = nchars; k < (size_t)width; k++)
					sb_addch(&out, ' ');
			sb_release(&v);
		}
	}
	sb_release(&scratch);
	result_sb(ctx, &out);
	return;
unterminated:
	pgfn_error(ctx, "unterminated format() type specifier");
fail:
	sb_release(&scratch);
	sb_release(&out);
}

/* ------------------------------------------------------------------ */
/* string_agg(text, text)                                              */
/* ------------------------------------------------------------------ */

struct agg_state {
	struct strbuf sb;
	int any;        /* a non-NULL value was added */
};

/* string_agg: the first value's delimiter is dropped, as PostgreSQL does. */
static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, int blob)
{
	struct agg_state *st;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	st = sqlite3_aggregate_context(ctx, sizeof(*st));
	if (!st) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!st->sb.buf)
		sb_init(&st->sb, 0);
	if (st->any && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
		if (blob)
			sb_add(&st->sb, sqlite3_value_blob(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
		else
			sb_add(&st->sb, sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
	}
	if (blob)
		sb_add(&st->sb, sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
	else
		sb_add(&st->sb, sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
	st->any = 1;
}

static void agg_text_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	agg_step(ctx, argc, argv, 0);
}

static void agg_bytea_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	agg_step(ctx, argc, argv, 1);
}

static void agg_final(sqlite3_context *ctx, int blob)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);

	if (!st || !st->any) {
		sqlite3_result_null(ctx);
		if (st && st->sb.buf)
			sb_release(&st->sb);
		return;
	}
	if (blob)
		sqlite3_result_blob64(ctx, st->sb.buf, st->sb.len, SQLITE_TRANSIENT);
	else
		sqlite3_result_text64(ctx, st->sb.buf, st->sb.len, SQLITE_TRANSIENT, SQLITE_UTF8);
	sb_release(&st->sb);
}

static void agg_text_final(sqlite3_context *ctx)
{
	agg_final(ctx, 0);
}

static void agg_bytea_final(sqlite3_context *ctx)
{
	agg_final(ctx, 1);
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static const struct textfn text_fns[] = {
	{ "pg_text_noop", 1, 0, fn_noop },
	{ "pg_varchar", 1, 0, fn_varchar },
	{ "pg_varchar", 2, 0, fn_varchar },
	{ "pg_varchar", 3, 0, fn_varchar },
	{ "pg_bpchar", 1, 0, fn_bpchar },
	{ "pg_bpchar", 2, 0, fn_bpchar },
	{ "pg_bpchar", 3, 0, fn_bpchar },
	{ "pg_bpchar_to_text", 1, 0, fn_bpchar_to_text },
	{ "pg_bpchar_to_varchar", 1, 0, fn_bpchar_to_varchar },
	{ "pg_bpchar_to_varchar", 2, 0, fn_bpchar_to_varchar },
	{ "pg_bpchar_to_varchar", 3, 0, fn_bpchar_to_varchar },
	{ "pg_lower", 1, TF_LOCALE, fn_lower },
	{ "pg_upper", 1, TF_LOCALE, fn_upper },
	{ "pg_initcap", 1, TF_LOCALE, fn_initcap },
	{ "pg_length", 1, 0, fn_length },
	{ "pg_bpchar_length", 1, 0, fn_bpchar_length },
	{ "pg_octet_length", 1, 0, fn_octet_length },
	{ "pg_bit_length", 1, 0, fn_bit_length },
	{ "pg_textcat", 2, 0, fn_textcat },
	{ "pg_textanycat", 3, 0, fn_textanycat },
	{ "pg_anytextcat", 3, 0, fn_anytextcat },
	{ "pg_concat", -1, 0, fn_concat },
	{ "pg_concat_ws", -1, 0, fn_concat_ws },
	{ "pg_substr", 2, 0, fn_substr },
	{ "pg_substr", 3, 0, fn_substr },
	{ "pg_strpos", 2, 0, fn_strpos },
	{ "pg_overlay", 3, 0, fn_overlay },
	{ "pg_overlay", 4, 0, fn_overlay },
	{ "pg_starts_with", 2, 0, fn_starts_with },
	{ "pg_replace", 3, 0, fn_replace },
	{ "pg_split_part", 3, 0, fn_split_part },
	{ "pg_lpad", 2, 0, fn_lpad },
	{ "pg_lpad", 3, 0, fn_lpad },
	{ "pg_rpad", 2, 0, fn_rpad },
	{ "pg_rpad", 3, 0, fn_rpad },
	{ "pg_repeat", 2, 0, fn_repeat },
	{ "pg_btrim", 1, 0, fn_btrim },
	{ "pg_btrim", 2, 0, fn_btrim },
	{ "pg_ltrim", 1, 0, fn_ltrim },
	{ "pg_ltrim", 2, 0, fn_ltrim },
	{ "pg_rtrim", 1, 0, fn_rtrim },
	{ "pg_rtrim", 2, 0, fn_rtrim },
	{ "pg_left", 2, 0, fn_left },
	{ "pg_right", 2, 0, fn_right },
	{ "pg_reverse", 1, 0, fn_reverse },
	{ "pg_translate", 3, 0, fn_translate },
	{ "pg_chr", 1, 0, fn_chr },
	{ "pg_ascii", 1, 0, fn_ascii },
	{ "pg_to_hex32", 1, 0, fn_to_hex32 },
	{ "pg_to_hex64", 1, 0, fn_to_hex64 },
	{ "pg_quote_ident", 1, 0, fn_quote_ident },
	{ "pg_quote_literal", 1, 0, fn_quote_literal },
	{ "pg_quote_literal", 2, 0, fn_quote_literal },
	{ "pg_quote_nullable", 1, 0, fn_quote_nullable },
	{ "pg_quote_nullable", 2, 0, fn_quote_nullable },
	{ "pg_format", -1, 0, fn_format },
};

int textfn_register(sqlite3 *db, const struct textfn *fns, size_t n,
		    const struct textloc *loc, int locale_only)
{
	for (size_t i = 0; i < n; i++) {
		int flags = SQLITE_UTF8 | ((fns[i].flags & TF_VOLATILE) ? 0 : SQLITE_DETERMINISTIC);

		if (locale_only && !(fns[i].flags & TF_LOCALE))
			continue;
		if (sqlite3_create_function(db, fns[i].name, fns[i].nargs, flags,
					    (fns[i].flags & TF_LOCALE) ? (void *)loc : NULL,
					    fns[i].fn, NULL, NULL) != SQLITE_OK)
			return SQLITE_ERROR;
	}
	return SQLITE_OK;
}

static int register_locale(sqlite3 *db, const struct textloc *loc, int locale_only)
{
	if (textfn_register(db, text_fns, ARRAY_SIZE(text_fns), loc, locale_only) != SQLITE_OK ||
	    textfn_register(db, textfn_regex, textfn_regex_count, loc, locale_only) != SQLITE_OK ||
	    textfn_register(db, textfn_bytes, textfn_bytes_count, loc, locale_only) != SQLITE_OK)
		return SQLITE_ERROR;
	if (sqlite3_create_collation(db, "pg_text", SQLITE_UTF8, (void *)loc, coll_text) != SQLITE_OK ||
	    sqlite3_create_collation(db, "pg_bpchar", SQLITE_UTF8, (void *)loc, coll_bpchar) != SQLITE_OK)
		return SQLITE_ERROR;
	return SQLITE_OK;
}

static int text_register(sqlite3 *db)
{
	if (register_locale(db, &loc_c, 0) != SQLITE_OK || textfn_register_srfs(db) != SQLITE_OK)
		return SQLITE_ERROR;
	if (sqlite3_create_function(db, "pg_string_agg", 2, SQLITE_UTF8, NULL, NULL,
				    agg_text_step, agg_text_final) != SQLITE_OK ||
	    sqlite3_create_function(db, "pg_bytea_string_agg", 2, SQLITE_UTF8, NULL, NULL,
				    agg_bytea_step, agg_bytea_final) != SQLITE_OK)
		return SQLITE_ERROR;
	return SQLITE_OK;
}

int pgfn_text_set_locale(sqlite3 *db, const char *lc_collate,
			 const char *lc_ctype, const char **why)
{
	const struct textloc *l = textloc_get(lc_collate, lc_ctype, why);

	if (!l)
		return -1;
	if (register_locale(db, l, 1) != SQLITE_OK) {
		*why = "cannot register the text functions";
		return -1;
	}
	textloc_set_srf(l);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The signature table                                                 */
/* ------------------------------------------------------------------ */

#define T  PGK_TEXT
#define VC PGK_VARCHAR
#define CH PGK_CHAR
#define BY PGK_BYTEA
#define UU PGK_UUID
#define I4 PGK_INT4
#define I8 PGK_INT8
#define BO PGK_BOOL
#define ANY PGK_ANY
#define TARR (PGK_TEXT | PGT_ARRAY)
#define CAST(from, to, fn, fl) { NULL, PGFN_CAST, 1, { from }, to, fn, fl }
#define TM (PGFN_TYPMOD | PGFN_EXPLICIT)
#define F1(name, a, r, fn) { name, PGFN_FUNC, 1, { a }, r, fn, 0 }
#define F2(name, a, b, r, fn) { name, PGFN_FUNC, 2, { a, b }, r, fn, 0 }
#define F3(name, a, b, c, r, fn) { name, PGFN_FUNC, 3, { a, b, c }, r, fn, 0 }
#define F4(name, a, b, c, d, r, fn) { name, PGFN_FUNC, 4, { a, b, c, d }, r, fn, 0 }
#define OP2(name, a, b, r, fn) { name, PGFN_OP, 2, { a, b }, r, fn, 0 }

static const struct pgfn_column cols_matches[] = { { "regexp_matches", TARR } };
static const struct pgfn_column cols_split[] = { { "regexp_split_to_table", T } };

static const struct pgfn_sig text_sigs[] = {
	/* casts between the character types (pg_cast) */
	CAST(T, VC, "pg_varchar", TM | PGFN_IMPLICIT),
	CAST(VC, VC, "pg_varchar", TM | PGFN_IMPLICIT),
	CAST(VC, T, "pg_text_noop", PGFN_IMPLICIT),
	CAST(T, CH, "pg_bpchar", TM | PGFN_IMPLICIT),
	CAST(VC, CH, "pg_bpchar", TM | PGFN_IMPLICIT),
	CAST(CH, CH, "pg_bpchar", TM | PGFN_IMPLICIT),
	CAST(CH, T, "pg_bpchar_to_text", PGFN_IMPLICIT),
	CAST(CH, VC, "pg_bpchar_to_varchar", TM | PGFN_IMPLICIT),
	/* uuid and bytea: input (explicit) and output (assignment) */
	CAST(T, UU, "pg_uuid_in", 0),
	CAST(UU, T, "pg_text_noop", PGFN_ASSIGNMENT),
	CAST(T, BY, "pg_bytea_in", 0),
	CAST(BY, T, "pg_bytea_out", PGFN_ASSIGNMENT),

	/* concatenation */
	OP2("||", T, T, T, "pg_textcat"),
	{ "||", PGFN_OP, 2, { T, ANY }, T, "pg_textanycat", PGFN_ELEMTYPE | PGFN_NONSTRICT },
	{ "||", PGFN_OP, 2, { ANY, T }, T, "pg_anytextcat", PGFN_ELEMTYPE | PGFN_NONSTRICT },
	{ "||", PGFN_OP, 2, { BY, BY }, BY, "pg_byteacat", 0 },
	{ "concat", PGFN_FUNC, 1, { ANY }, T, "pg_concat", PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "concat_ws", PGFN_FUNC, 2, { T, ANY }, T, "pg_concat_ws", PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "format", PGFN_FUNC, 1, { T }, T, "pg_format", PGFN_NONSTRICT },
	{ "format", PGFN_FUNC, 2, { T, ANY }, T, "pg_format", PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },

	/* pattern matching (fn_text_regex.c) */
	OP2("~~", T, T, BO, "pg_textlike"),
	OP2("!~~", T, T, BO, "pg_textnlike"),
	OP2("~~", CH, T, BO, "pg_textlike"),
	OP2("!~~", CH, T, BO, "pg_textnlike"),
	OP2("~~*", T, T, BO, "pg_texticlike"),
	OP2("!~~*", T, T, BO, "pg_texticnlike"),
	OP2("~~*", CH, T, BO, "pg_texticlike"),
	OP2("!~~*", CH, T, BO, "pg_texticnlike"),
	OP2("~~", BY, BY, BO, "pg_bytealike"),
	OP2("!~~", BY, BY, BO, "pg_byteanlike"),
	F2("like_escape", T, T, T, "pg_like_escape"),
	F1("similar_to_escape", T, T, "pg_similar_to_escape"),
	F2("similar_to_escape", T, T, T, "pg_similar_to_escape"),
	OP2("~", T, T, BO, "pg_textregexeq"),
	OP2("!~", T, T, BO, "pg_textregexne"),
	OP2("~*", T, T, BO, "pg_texticregexeq"),
	OP2("!~*", T, T, BO, "pg_texticregexne"),
	OP2("~", CH, T, BO, "pg_textregexeq"),
	OP2("!~", CH, T, BO, "pg_textregexne"),
	OP2("~*", CH, T, BO, "pg_texticregexeq"),
	OP2("!~*", CH, T, BO, "pg_texticregexne"),
	F3("regexp_replace", T, T, T, T, "pg_regexp_replace"),
	F4("regexp_replace", T, T, T, T, T, "pg_regexp_replace"),
	F2("regexp_match", T, T, TARR, "pg_regexp_match"),
	F3("regexp_match", T, T, T, TARR, "pg_regexp_match"),
	F2("regexp_split_to_array", T, T, TARR, "pg_regexp_split_to_array"),
	F3("regexp_split_to_array", T, T, T, TARR, "pg_regexp_split_to_array"),
	{ "regexp_matches", PGFN_SRF, 2, { T, T }, TARR, "pg_regexp_matches", 0, cols_matches, 1 },
	{ "regexp_matches", PGFN_SRF, 3, { T, T, T }, TARR, "pg_regexp_matches", 0, cols_matches, 1 },
	{ "regexp_split_to_table", PGFN_SRF, 2, { T, T }, T, "pg_regexp_split_to_table", 0, cols_split, 1 },
	{ "regexp_split_to_table", PGFN_SRF, 3, { T, T, T }, T, "pg_regexp_split_to_table", 0, cols_split, 1 },
	F2("regexp_like", T, T, BO, "pg_regexp_like"),
	F3("regexp_like", T, T, T, BO, "pg_regexp_like"),
	F2("regexp_count", T, T, I4, "pg_regexp_count"),
	F3("regexp_count", T, T, I4, I4, "pg_regexp_count"),
	F4("regexp_count", T, T, I4, T, I4, "pg_regexp_count"),
	F4("regexp_replace", T, T, T, I4, T, "pg_regexp_replace_start"),
	{ "regexp_replace", PGFN_FUNC, 5, { T, T, T, I4, I4 }, T, "pg_regexp_replace_start", 0 },
	{ "regexp_replace", PGFN_FUNC, 6, { T, T, T, I4, I4, T }, T, "pg_regexp_replace_start", 0 },
	F2("regexp_substr", T, T, T, "pg_regexp_substr"),
	F3("regexp_substr", T, T, I4, T, "pg_regexp_substr"),
	F4("regexp_substr", T, T, I4, I4, T, "pg_regexp_substr"),
	{ "regexp_substr", PGFN_FUNC, 5, { T, T, I4, I4, T }, T, "pg_regexp_substr", 0 },
	{ "regexp_substr", PGFN_FUNC, 6, { T, T, I4, I4, T, I4 }, T, "pg_regexp_substr", 0 },
	F2("regexp_instr", T, T, I4, "pg_regexp_instr"),
	F3("regexp_instr", T, T, I4, I4, "pg_regexp_instr"),
	F4("regexp_instr", T, T, I4, I4, I4, "pg_regexp_instr"),
	{ "regexp_instr", PGFN_FUNC, 5, { T, T, I4, I4, I4 }, I4, "pg_regexp_instr", 0 },
	{ "regexp_instr", PGFN_FUNC, 6, { T, T, I4, I4, I4, T }, I4, "pg_regexp_instr", 0 },
	F2("substring", T, T, T, "pg_textregexsubstr"),
	F3("substring", T, T, T, T, "pg_similar_substring"),

	/* case */
	F1("lower", T, T, "pg_lower"),
	F1("upper", T, T, "pg_upper"),
	F1("initcap", T, T, "pg_initcap"),

	/* lengths */
	F1("length", T, I4, "pg_length"),
	F1("length", CH, I4, "pg_bpchar_length"),
	F1("char_length", T, I4, "pg_length"),
	F1("char_length", CH, I4, "pg_bpchar_length"),
	F1("character_length", T, I4, "pg_length"),
	F1("character_length", CH, I4, "pg_bpchar_length"),
	F1("octet_length", T, I4, "pg_octet_length"),
	F1("octet_length", CH, I4, "pg_octet_length"),
	F1("bit_length", T, I4, "pg_bit_length"),
	F1("length", BY, I4, "pg_octet_length"),
	F1("octet_length", BY, I4, "pg_octet_length"),
	F1("bit_length", BY, I4, "pg_bit_length"),

	/* substrings and searching */
	F2("substr", T, I4, T, "pg_substr"),
	F3("substr", T, I4, I4, T, "pg_substr"),
	F2("substring", T, I4, T, "pg_substr"),
	F3("substring", T, I4, I4, T, "pg_substr"),
	F2("substr", BY, I4, BY, "pg_bytea_substr"),
	F3("substr", BY, I4, I4, BY, "pg_bytea_substr"),
	F2("substring", BY, I4, BY, "pg_bytea_substr"),
	F3("substring", BY, I4, I4, BY, "pg_bytea_substr"),
	F2("position", T, T, I4, "pg_strpos"),
	F2("strpos", T, T, I4, "pg_strpos"),
	F2("starts_with", T, T, BO, "pg_starts_with"),
	OP2("^@", T, T, BO, "pg_starts_with"),
	F3("overlay", T, T, I4, T, "pg_overlay"),
	F4("overlay", T, T, I4, I4, T, "pg_overlay"),
	F3("overlay", BY, BY, I4, BY, "pg_bytea_overlay"),
	F4("overlay", BY, BY, I4, I4, BY, "pg_bytea_overlay"),
	F1("sha224", BY, BY, "pg_sha224"),
	F1("sha256", BY, BY, "pg_sha256"),
	F1("sha384", BY, BY, "pg_sha384"),
	F1("sha512", BY, BY, "pg_sha512"),
	F2("convert_to", T, T, BY, "pg_convert_to"),
	F2("convert_from", BY, T, T, "pg_convert_from"),
	F3("replace", T, T, T, T, "pg_replace"),
	F3("split_part", T, T, I4, T, "pg_split_part"),
	F3("translate", T, T, T, T, "pg_translate"),

	/* padding, repeating, trimming */
	F2("lpad", T, I4, T, "pg_lpad"),
	F3("lpad", T, I4, T, T, "pg_lpad"),
	F2("rpad", T, I4, T, "pg_rpad"),
	F3("rpad", T, I4, T, T, "pg_rpad"),
	F2("repeat", T, I4, T, "pg_repeat"),
	F1("btrim", T, T, "pg_btrim"),
	F2("btrim", T, T, T, "pg_btrim"),
	F1("ltrim", T, T, "pg_ltrim"),
	F2("ltrim", T, T, T, "pg_ltrim"),
	F1("rtrim", T, T, "pg_rtrim"),
	F2("rtrim", T, T, T, "pg_rtrim"),
	F2("left", T, I4, T, "pg_left"),
	F2("right", T, I4, T, "pg_right"),
	F1("reverse", T, T, "pg_reverse"),

	/* characters, numbers, quoting */
	F1("chr", I4, T, "pg_chr"),
	F1("ascii", T, I4, "pg_ascii"),
	F1("to_hex", I4, T, "pg_to_hex32"),
	F1("to_hex", I8, T, "pg_to_hex64"),
	F1("quote_ident", T, T, "pg_quote_ident"),
	F1("quote_literal", T, T, "pg_quote_literal"),
	{ "quote_nullable", PGFN_FUNC, 1, { T }, T, "pg_quote_nullable", PGFN_NONSTRICT },
	{ "quote_literal", PGFN_FUNC, 1, { PGK_ANYELEMENT }, T, "pg_quote_literal", PGFN_ELEMTYPE },
	{ "quote_nullable", PGFN_FUNC, 1, { PGK_ANYELEMENT }, T, "pg_quote_nullable", PGFN_NONSTRICT | PGFN_ELEMTYPE },

	/* bytes, uuid, digests (fn_text_bytes.c) */
	F1("md5", T, T, "pg_md5"),
	F1("md5", BY, T, "pg_md5"),
	F2("encode", BY, T, T, "pg_encode"),
	F2("decode", T, T, BY, "pg_decode"),

	/* aggregates */
	{ "string_agg", PGFN_AGG, 2, { T, T }, T, "pg_string_agg", PGFN_NONSTRICT },
	{ "string_agg", PGFN_AGG, 2, { BY, BY }, BY, "pg_bytea_string_agg", PGFN_NONSTRICT },
};

static const struct pgfn_order text_orders[] = {
	{ T, "pg_text" },
	{ VC, "pg_text" },
	{ CH, "pg_bpchar" },
	{ UU, NULL },
	{ BY, NULL },
};

const struct pgfn_module pgfn_text_module = {
	"text",
	text_sigs,
	(int)ARRAY_SIZE(text_sigs),
	text_orders,
	(int)ARRAY_SIZE(text_orders),
	text_register,
};
