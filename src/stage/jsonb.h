/*
 * jsonb: the one JSON model of drydock (see jsonb.c), and PostgreSQL's
 * canonical text of a jsonb value.
 *
 * A value parses into a tree of struct jv.  As jsonb (json = 0), object
 * keys come out sorted as jsonb stores them (by length, then bytewise),
 * the last of duplicate keys winning, and numbers in numeric_out form
 * ("1.50" stays, "1e2" becomes "100").  As json (json = 1), keys keep
 * their order and duplicates, and every value remembers the span of text
 * it was parsed from (src, srclen), since json operators return the text
 * as written.  jv_out() prints the canonical jsonb form.
 */
#ifndef DD_JSONB_H
#define DD_JSONB_H

#include <stddef.h>
#include "util.h"

enum jv_kind { JV_NULL, JV_TRUE, JV_FALSE, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_kind kind;
	char *s;           /* JV_NUM: canonical text; JV_STR: decoded bytes */
	size_t len;
	struct jv *items;  /* JV_ARR: values; JV_OBJ: key (JV_STR), value pairs */
	size_t n;          /* number of values / pairs */
	const char *src;   /* json: the text this value was parsed from */
	size_t srclen;
};

/*
 * Writes the canonical form of the JSON text into out (reset first).
 * Returns 0, or -1 when the text is not valid jsonb input (out untouched).
 */
int jsonb_normalize(const char *text, size_t len, struct strbuf *out);

/*
 * Parses text as jsonb (json 0) or json (json 1) into *out.  0; -1 when it
 * is not valid input ("invalid input syntax for type json"); -2 when it
 * holds \u0000, which jsonb cannot ("unsupported Unicode escape
 * sequence").  *out is empty on failure.  With json 1, src spans point
 * into text, which must outlive the tree.
 */
int jv_parse(const char *text, size_t len, int json, struct jv *out);
void jv_free(struct jv *v);            /* frees the contents; *v is zeroed */
void jv_copy(struct jv *dst, const struct jv *src);  /* deep copy, no spans */
void jv_out(struct strbuf *sb, const struct jv *v);  /* canonical jsonb text */
void jv_out_string(struct strbuf *sb, const char *s, size_t len); /* "..." */

/* A scalar (s, len used for JV_STR and JV_NUM, which must be canonical). */
void jv_set_scalar(struct jv *v, enum jv_kind kind, const char *s, size_t len);
/* Appends item (moved: *item is zeroed) to an array. */
void jv_push(struct jv *arr, struct jv *item);
/* Appends a pair (moved) to an object; jv_obj_finish() puts it in order. */
void jv_push_pair(struct jv *obj, struct jv *key, struct jv *value);
/* Puts a built object's keys in jsonb order, the last duplicate winning. */
void jv_obj_finish(struct jv *obj);
/* The value of key in an object (the last one in a json object), or NULL. */
const struct jv *jv_obj_get(const struct jv *obj, const char *key, size_t len);

/* jsonb's btree order (<0, 0, >0): see jv_cmp in jsonb.c. */
int jv_cmp(const struct jv *a, const struct jv *b);
/* Compares two decimals in numeric_out form numerically ("1.0" = "1"). */
int jv_num_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
