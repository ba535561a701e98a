/*
 * fn_text_int: what the files of the text module (fn_text.c,
 * fn_text_regex.c, fn_text_bytes.c) share; not for other modules.
 *
 *  - UTF-8 walking: characters are counted in code points.  PostgreSQL
 *    text is always valid UTF-8; a malformed byte met here counts as one
 *    character and is copied unchanged, never split.
 *  - struct textloc: the database locale a connection follows (LC_COLLATE
 *    for pg_text/pg_bpchar, LC_CTYPE for case mapping and classes).
 *  - registration of each file's SQLite functions.
 */
#ifndef DD_FN_TEXT_INT_H
#define DD_FN_TEXT_INT_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "util.h"

struct textloc {
	char name[64];       /* "LC_COLLATE/LC_CTYPE", the cache key */
	int collate_c;       /* byte order (C, POSIX, C.UTF-8) */
	locale_t collate;    /* strcoll_l when !collate_c */
	int ctype_c;         /* ASCII-only case mapping and classes */
	locale_t ctype;      /* a UTF-8 locale for towlower_l etc. when !ctype_c */
};

/* The C locale every connection starts with. */
const struct textloc *textloc_c(void);
/* A UTF-8 locale_t (C.UTF-8) for glibc's regex engine; NULL if missing. */
locale_t textloc_utf8(void);

/* Length in bytes of the UTF-8 sequence starting with byte c (1 if bad). */
int u8_seqlen(unsigned char c);
/* The code point at s[*i] (n bytes in all), advancing *i past it. */
uint32_t u8_decode(const unsigned char *s, size_t n, size_t *i);
/* Appends code point cp as UTF-8. */
void u8_add(struct strbuf *sb, uint32_t cp);
/* Number of characters in n bytes of s. */
size_t u8_count(const unsigned char *s, size_t n);
/* Byte offset of character k (0-based) in n bytes of s; n when past the end. */
size_t u8_offset(const unsigned char *s, size_t n, size_t k);

/* Case mapping of one code point under loc (towlower_l or ASCII only). */
uint32_t textloc_lower(const struct textloc *loc, uint32_t c);
uint32_t textloc_upper(const struct textloc *loc, uint32_t c);
int textloc_isalnum(const struct textloc *loc, uint32_t c);
/* lower() of n bytes of s into out (appended). */
void textloc_str_lower(const struct textloc *loc, const char *s, size_t n,
		       struct strbuf *out);

/* Argument i as text: bytes and length (never NULL for a non-NULL value). */
const char *arg_text(sqlite3_value **argv, int i, size_t *len);
/* Results: out's buffer is handed to SQLite (out is left empty). */
void result_sb(sqlite3_context *ctx, struct strbuf *out);
void result_blob_sb(sqlite3_context *ctx, struct strbuf *out);

/* One SQLite function to register: name, arity (-1 any), flags, function. */
struct textfn {
	const char *name;
	int nargs;
	int flags;            /* TF_* */
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
};
#define TF_VOLATILE 1     /* not SQLITE_DETERMINISTIC */
#define TF_LOCALE   2     /* user data is the connection's struct textloc */

int textfn_register(sqlite3 *db, const struct textfn *fns, size_t n,
		    const struct textloc *loc, int locale_only);

/* The functions of each file, registered by fn_text.c. */
extern const struct textfn textfn_regex[];
extern const size_t textfn_regex_count;
extern const struct textfn textfn_bytes[];
extern const size_t textfn_bytes_count;

/* Table-valued functions (fn_text_regex.c) and the locale they follow. */
int textfn_register_srfs(sqlite3 *db);
void textloc_set_srf(const struct textloc *l);

/* The PostgreSQL array literal of n text elements (NULL elements allowed). */
void text_array_out(struct strbuf *out, char *const *elems, const size_t *lens, size_t n);

/* MatchText of like_match.c: 1 match, 0 no match; -1 after an error. */
int like_match(sqlite3_context *ctx, const char *t, size_t tlen, const char *p, size_t plen);

#endif
