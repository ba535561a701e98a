/*
 * fn_json: json and jsonb functions, operators, casts, aggregates and
 * set-returning functions with PostgreSQL 15's semantics (fn_json.h).
 * Every value goes through the one JSON model of jsonb.c.
 */
#include "fn_json.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fn_shared.h"
#include "jsonb.h"
#include "pgarray.h"

/* ---- arguments and results ---- */

static void json_input_error(sqlite3_context *ctx, int r)
{
	if (r == -2)
		pgfn_error(ctx, "unsupported Unicode escape sequence");
	else
		pgfn_error(ctx, "invalid input syntax for type json");
}

/* Parses argument v as jsonb (json 0) or json (1); -1 after an error result. */
static int arg_json(sqlite3_context *ctx, sqlite3_value *v, int json, struct jv *out)
{
	const char *s = (const char *)sqlite3_value_text(v);
	int r;
	if (!s) {
		memset(out, 0, sizeof(*out));
		pgfn_error(ctx, "out of memory");
		return -1;
	}
	r = jv_parse(s, (size_t)sqlite3_value_bytes(v), json, out);
	if (r) {
		json_input_error(ctx, r);
		return -1;
	}
	return 0;
}

static void result_sb(sqlite3_context *ctx, struct strbuf *sb)
{
	size_t len;
	char *s = sb_detach(sb, &len);
	sqlite3_result_text(ctx, s, (int)len, free);
}

static void result_jv(sqlite3_context *ctx, const struct jv *v)
{
	struct strbuf sb = STRBUF_INIT;
	jv_out(&sb, v);
	result_sb(ctx, &sb);
}

/* ->> of a value: strings decoded, null is SQL NULL, the rest as jsonb text. */
static void result_jv_text(sqlite3_context *ctx, const struct jv *v, int json)
{
	if (v->kind == JV_NULL)
		sqlite3_result_null(ctx);
	else if (v->kind == JV_STR)
		sqlite3_result_text(ctx, v->s, (int)v->len, SQLITE_TRANSIENT);
	else if (json)
		sqlite3_result_text(ctx, v->src, (int)v->srclen, SQLITE_TRANSIENT);
	else
		result_jv(ctx, v);
}

/* -> of a value: json keeps the text as written. */
static void result_jv_json(sqlite3_context *ctx, const struct jv *v, int json)
{
	if (json)
		sqlite3_result_text(ctx, v->src, (int)v->srclen, SQLITE_TRANSIENT);
	else
		result_jv(ctx, v);
}

static int is_container(const struct jv *v)
{
	return v->kind == JV_ARR || v->kind == JV_OBJ;
}

/* A text[] argument; -1 after an error result. */
static int arg_text_array(sqlite3_context *ctx, sqlite3_value *v, struct pgarr *out)
{
	const char *why = NULL;
	const char *s = (const char *)sqlite3_value_text(v);
	if (pgarr_parse(s ? s : "", (size_t)sqlite3_value_bytes(v), out, &why)) {
		pgfn_error(ctx, "malformed array literal: \"%s\"", s ? s : "");
		return -1;
	}
	return 0;
}

/* strtol of a whole path element as PostgreSQL reads array indexes; 0 if not an integer. */
static int parse_index(const char *s, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v > INT_MAX || v < INT_MIN)
		return 0;
	*out = v;
	return 1;
}

/* ---- input, output, casts ---- */

static void fn_jsonb_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	result_jv(ctx, &v);
	jv_free(&v);
}

static void fn_json_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 1, &v))
		return;
	jv_free(&v);
	sqlite3_result_text(ctx, (const char *)sqlite3_value_text(argv[0]),
			    sqlite3_value_bytes(argv[0]), SQLITE_TRANSIENT);
}

static const char *jsonb_kind_name(const struct jv *v)
{
	switch (v->kind) {
	case JV_NULL: return "null";
	case JV_STR: return "string";
	case JV_NUM: return "numeric";
	case JV_TRUE: case JV_FALSE: return "boolean";
	case JV_ARR: return "array";
	case JV_OBJ: return "object";
	}
	return "unknown";
}

/* jsonb -> numeric, int2/4/8, float4/8, bool: user data is the target kind. */
static void fn_jsonb_to_scalar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum pgkind to = (enum pgkind)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	if (to == PGK_BOOL ? (v.kind != JV_TRUE && v.kind != JV_FALSE) : v.kind != JV_NUM) {
		pgfn_error(ctx, "cannot cast jsonb %s to type %s", jsonb_kind_name(&v), fnv_type_name(to));
		goto cleanup;
	}
	switch (to) {
	case PGK_BOOL:
		sqlite3_result_int(ctx, v.kind == JV_TRUE);
		break;
	case PGK_NUMERIC:
		sqlite3_result_text(ctx, v.s, (int)v.len, SQLITE_TRANSIENT);
		break;
	case PGK_FLOAT4: case PGK_FLOAT8: {
		struct strbuf sb = STRBUF_INIT;
		double d = strtod(v.s, NULL);
		if (to == PGK_FLOAT4 ? isinf((float)d) : isinf(d)) {
			pgfn_error(ctx, "\"%s\" is out of range for type %s", v.s, fnv_type_name(to));
			break;
		}
		fnv_format_float(&sb, to == PGK_FLOAT4 ? (double)(float)d : d, to == PGK_FLOAT4);
		result_sb(ctx, &sb);
		break;
	}
	default: {
		/* numeric to integer rounds half away from zero */
		const char *p = v.s;
		int neg = *p == '-';
		unsigned long long x = 0, lim;
		int overflow = 0;
		lim = to == PGK_INT2 ? 32767ULL : to == PGK_INT4 ? 2147483647ULL : (unsigned long long)LLONG_MAX;
		lim += (unsigned long long)neg; /* one more below zero */
		if (neg)
			p++;
		for (; *p && *p != '.' && !overflow; p++) {
			x = x * 10 + (unsigned long long)(*p - '0');
			overflow = x > lim;
		}
		if (!overflow && *p == '.' && p[1] >= '5')
			overflow = ++x > lim;
		if (overflow) {
			pgfn_error(ctx, "%s out of range", fnv_type_name(to));
			break;
		}
		sqlite3_result_int64(ctx, neg ? (sqlite3_int64)(0 - x) : (sqlite3_int64)x);
		break;
	}
	}
cleanup:
	jv_free(&v);
}

/* ---- operators: -> ->> #> #>> ---- */

/* User data: bit 0 json (not jsonb), bit 1 text result. */
#define OPF_JSON 1
#define OPF_TEXT 2

static void fn_object_field(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int f = (int)(intptr_t)sqlite3_user_data(ctx), json = f & OPF_JSON;
	struct jv v;
	const struct jv *got;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], json, &v))
		return;
	got = v.kind == JV_OBJ ? jv_obj_get(&v, (const char *)sqlite3_value_text(argv[1]),
					      (size_t)sqlite3_value_bytes(argv[1])) : NULL;
	if (!got)
		sqlite3_result_null(ctx);
	else if (f & OPF_TEXT)
		result_jv_text(ctx, got, json);
	else
		result_jv_json(ctx, got, json);
	jv_free(&v);
}

static void fn_array_element(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int f = (int)(intptr_t)sqlite3_user_data(ctx), json = f & OPF_JSON;
	struct jv v;
	sqlite3_int64 i;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], json, &v))
		return;
	i = sqlite3_value_int64(argv[1]);
	if (!json && !is_container(&v)) {
		/* a jsonb scalar is stored as a one-element array: '5' -> 0 is 5 */
		if (i == 0 || i == -1) {
			if (f & OPF_TEXT)
				result_jv_text(ctx, &v, json);
			else
				result_jv_json(ctx, &v, json);
		} else {
			sqlite3_result_null(ctx);
		}
		jv_free(&v);
		return;
	}
	if (v.kind == JV_ARR && i < 0)
		i += (sqlite3_int64)v.n;
	if (v.kind != JV_ARR || i < 0 || i >= (sqlite3_int64)v.n)
		sqlite3_result_null(ctx);
	else if (f & OPF_TEXT)
		result_jv_text(ctx, &v.items[i], json);
	else
		result_jv_json(ctx, &v.items[i], json);
	jv_free(&v);
}

/* The value at path (NULL when absent, or a path element is NULL). */
static const struct jv *walk_path(const struct jv *v, const struct pgarr *path, size_t from)
{
	for (size_t i = from; v && i < path->n; i++) {
		const struct pgarr_elem *e = &path->elems[i];
		long idx;
		if (!e->s)
			return NULL;
		if (v->kind == JV_OBJ) {
			v = jv_obj_get(v, e->s, e->len);
		} else if (v->kind == JV_ARR) {
			if (!parse_index(e->s, &idx))
				return NULL;
			if (idx < 0)
				idx += (long)v->n;
			if (idx < 0 || idx >= (long)v->n)
				return NULL;
			v = &v->items[idx];
		} else {
			return NULL;
		}
	}
	return v;
}

static void extract_path(sqlite3_context *ctx, int f, const struct jv *v, const struct pgarr *path)
{
	const struct jv *got = walk_path(v, path, 0);
	int json = f & OPF_JSON;
	if (!got)
		sqlite3_result_null(ctx);
	else if (f & OPF_TEXT)
		result_jv_text(ctx, got, json);
	else
		result_jv_json(ctx, got, json);
}

/* #> and #>> with a text[] path. */
static void fn_extract_path_op(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int f = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	struct pgarr path;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &path))
		return;
	if (arg_json(ctx, argv[0], f & OPF_JSON, &v) == 0) {
		extract_path(ctx, f, &v, &path);
		jv_free(&v);
	}
	pgarr_free(&path);
}

/* jsonb_extract_path(from_json, VARIADIC path_elems). */
static void fn_extract_path(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int f = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	struct pgarr path = { 0 };
	if (pgfn_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	for (int i = 1; i < argc; i++)
		pgarr_push(&path, (const char *)sqlite3_value_text(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
	if (arg_json(ctx, argv[0], f & OPF_JSON, &v) == 0) {
		extract_path(ctx, f, &v, &path);
		jv_free(&v);
	}
	pgarr_free(&path);
}

/* ---- containment and existence ---- */

static int scalar_equal(const struct jv *a, const struct jv *b)
{
	return a->kind == b->kind && jv_cmp(a, b) == 0;
}

/* JsonbDeepContains: does a contain b (both containers of one kind, or scalars)? */
static int deep_contains(const struct jv *a, const struct jv *b)
{
	if (!is_container(a) || !is_container(b))
		return !is_container(a) && !is_container(b) && scalar_equal(a, b);
	if (a->kind != b->kind)
		return 0;
	if (b->kind == JV_OBJ) {
		for (size_t i = 0; i < b->n; i++) {
			const struct jv *bk = &b->items[2 * i], *bv = &b->items[2 * i + 1];
			const struct jv *av = jv_obj_get(a, bk->s, bk->len);
			if (!av)
				return 0;
			if (!is_container(bv)) {
				if (is_container(av) || !scalar_equal(av, bv))
					return 0;
			} else if (av->kind != bv->kind || !deep_contains(av, bv)) {
				return 0;
			}
		}
		return 1;
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct jv *be = &b->items[i];
		int found = 0;
		for (size_t j = 0; j < a->n && !found; j++) {
			const struct jv *ae = &a->items[j];
			if (!is_container(be))
				found = !is_container(ae) && scalar_equal(ae, be);
			else
				found = ae->kind == be->kind && deep_contains(ae, be);
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Top level: a top-level scalar is a one-element array (jsonb's raw scalar). */
static int jsonb_contains(const struct jv *a, const struct jv *b)
{
	if (!is_container(b) && a->kind == JV_ARR) {
		for (size_t j = 0; j < a->n; j++)
			if (!is_container(&a->items[j]) && scalar_equal(&a->items[j], b))
				return 1;
		return 0;
	}
	return deep_contains(a, b);
}

/* @> (user data 0) and <@ (1) */
static void fn_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int flip = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv a, b;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[flip], 0, &a))
		return;
	if (arg_json(ctx, argv[!flip], 0, &b) == 0) {
		sqlite3_result_int(ctx, jsonb_contains(&a, &b));
		jv_free(&b);
	}
	jv_free(&a);
}

static int has_key(const struct jv *v, const char *k, size_t len)
{
	if (v->kind == JV_OBJ)
		return jv_obj_get(v, k, len) != NULL;
	if (v->kind == JV_ARR) {
		for (size_t i = 0; i < v->n; i++)
			if (v->items[i].kind == JV_STR && v->items[i].len == len &&
			    !memcmp(v->items[i].s, k, len))
				return 1;
		return 0;
	}
	return v->kind == JV_STR && v->len == len && !memcmp(v->s, k, len);
}

static void fn_exists(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	sqlite3_result_int(ctx, has_key(&v, (const char *)sqlite3_value_text(argv[1]),
					(size_t)sqlite3_value_bytes(argv[1])));
	jv_free(&v);
}

/* ?| (user data 0) and ?& (1); NULL keys are ignored. */
static void fn_exists_any_all(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int all = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	struct pgarr keys;
	int res = all;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &keys))
		return;
	if (arg_json(ctx, argv[0], 0, &v) == 0) {
		for (size_t i = 0; i < keys.n; i++) {
			if (!keys.elems[i].s)
				continue;
			if (has_key(&v, keys.elems[i].s, keys.elems[i].len) != all) {
				res = !all;
				break;
			}
		}
		sqlite3_result_int(ctx, res);
		jv_free(&v);
	}
	pgarr_free(&keys);
}

/* ---- || - #- ---- */

static void append_wrapped(struct jv *out, struct jv *v)
{
	if (v->kind == JV_ARR) {
		for (size_t i = 0; i < v->n; i++)
			jv_push(out, &v->items[i]);
		v->n = 0;
	} else {
		jv_push(out, v);
	}
}

static void fn_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv a, b, r = { 0 };
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &a))
		return;
	if (arg_json(ctx, argv[1], 0, &b)) {
		jv_free(&a);
		return;
	}
	if (a.kind == JV_OBJ && b.kind == JV_OBJ) {
		for (size_t i = 0; i < b.n; i++)
			jv_push_pair(&a, &b.items[2 * i], &b.items[2 * i + 1]);
		jv_obj_finish(&a);
		result_jv(ctx, &a);
	} else {
		r.kind = JV_ARR;
		append_wrapped(&r, &a);
		append_wrapped(&r, &b);
		result_jv(ctx, &r);
	}
	jv_free(&a);
	jv_free(&b);
	jv_free(&r);
}

/* Removes item i of an array (or pair i of an object). */
static void remove_item(struct jv *v, size_t i)
{
	size_t per = v->kind == JV_OBJ ? 2 : 1;
	for (size_t k = 0; k < per; k++)
		jv_free(&v->items[i * per + k]);
	memmove(&v->items[i * per], &v->items[(i + 1) * per], (v->n - i - 1) * per * sizeof(*v->items));
	v->n--;
}

static void delete_key(struct jv *v, const char *k, size_t len)
{
	for (size_t i = v->n; i-- > 0;) {
		const struct jv *it = v->kind == JV_OBJ ? &v->items[2 * i] : &v->items[i];
		if (it->kind == JV_STR && it->len == len && !memcmp(it->s, k, len))
			remove_item(v, i);
	}
}

/* jsonb - text */
static void fn_delete_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	if (!is_container(&v)) {
		pgfn_error(ctx, "cannot delete from scalar");
	} else {
		delete_key(&v, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
		result_jv(ctx, &v);
	}
	jv_free(&v);
}

/* jsonb - text[] */
static void fn_delete_keys(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	struct pgarr keys;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &keys))
		return;
	if (arg_json(ctx, argv[0], 0, &v) == 0) {
		if (!is_container(&v)) {
			pgfn_error(ctx, "cannot delete from scalar");
		} else {
			for (size_t i = 0; i < keys.n; i++)
				if (keys.elems[i].s)
					delete_key(&v, keys.elems[i].s, keys.elems[i].len);
			result_jv(ctx, &v);
		}
		jv_free(&v);
	}
	pgarr_free(&keys);
}

/* jsonb - integer */
static void fn_delete_index(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	sqlite3_int64 i;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	i = sqlite3_value_int64(argv[1]);
	if (!is_container(&v)) {
		pgfn_error(ctx, "cannot delete from scalar");
	} else if (v.kind == JV_OBJ) {
		pgfn_error(ctx, "cannot delete from object using integer index");
	} else {
		if (i < 0)
			i += (sqlite3_int64)v.n;
		if (i >= 0 && i < (sqlite3_int64)v.n)
			remove_item(&v, (size_t)i);
		result_jv(ctx, &v);
	}
	jv_free(&v);
}

/* ---- jsonb_set, jsonb_insert, #- ---- */

enum path_op { PATH_SET, PATH_INSERT_BEFORE, PATH_INSERT_AFTER, PATH_DELETE };

/*
 * setPath: walks path from level; only the last element may create (or
 * delete) anything; a missing key or index on the way leaves the value
 * unchanged.  Returns 0, or -1 after an error result.
 */
static int set_path(sqlite3_context *ctx, struct jv *v, const struct pgarr *path, size_t level,
		    const struct jv *newval, enum path_op op, int create)
{
	const struct pgarr_elem *e = &path->elems[level];
	int last = level + 1 == path->n;
	if (!e->s) {
		pgfn_error(ctx, "path element at position %zu is null", level + 1);
		return -1;
	}
	if (v->kind == JV_OBJ) {
		size_t i;
		for (i = 0; i < v->n; i++)
			if (v->items[2 * i].len == e->len && !memcmp(v->items[2 * i].s, e->s, e->len))
				break;
		if (!last)
			return i < v->n ? set_path(ctx, &v->items[2 * i + 1], path, level + 1, newval, op, create) : 0;
		if (op == PATH_DELETE) {
			if (i < v->n)
				remove_item(v, i);
		} else if (i < v->n) {
			if (op != PATH_SET) {
				pgfn_error(ctx, "cannot replace existing key");
				return -1;
			}
			jv_free(&v->items[2 * i + 1]);
			jv_copy(&v->items[2 * i + 1], newval);
		} else if (create || op != PATH_SET) {
			struct jv k, nv;
			jv_set_scalar(&k, JV_STR, e->s, e->len);
			jv_copy(&nv, newval);
			jv_push_pair(v, &k, &nv);
			jv_obj_finish(v);
		}
		return 0;
	}
	if (v->kind == JV_ARR) {
		long idx;
		size_t n = v->n, at;
		if (!parse_index(e->s, &idx)) {
			pgfn_error(ctx, "path element at position %zu is not an integer: \"%s\"", level + 1, e->s);
			return -1;
		}
		if (idx < 0) {
			idx += (long)n;
			if (idx < 0)
				idx = op == PATH_DELETE || (!last) ? -1 : LONG_MIN;
		}
		if (!last)
			return idx >= 0 && idx < (long)n ?
				set_path(ctx, &v->items[idx], path, level + 1, newval, op, create) : 0;
		if (op == PATH_DELETE) {
			if (idx >= 0 && idx < (long)n)
				remove_item(v, (size_t)idx);
			return 0;
		}
		if (op == PATH_SET && idx >= 0 && idx < (long)n) {
			jv_free(&v->items[idx]);
			jv_copy(&v->items[idx], newval);
			return 0;
		}
		if (op == PATH_SET && !create)
			return 0;
		/* insert: before idx, after idx, or at either end when out of range */
		if (idx == LONG_MIN)
			at = 0;
		else if (idx >= (long)n)
			at = n;
		else
			at = (size_t)idx + (op == PATH_INSERT_AFTER);
		{
			struct jv nv, room = { 0 };
			jv_push(v, &room);
			memmove(&v->items[at + 1], &v->items[at], (n - at) * sizeof(*v->items));
			jv_copy(&nv, newval);
			v->items[at] = nv;
		}
		return 0;
	}
	return 0;
}

/* jsonb_set(target, path, new [, create_missing]) */
static void fn_jsonb_set(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v, nv = { 0 };
	struct pgarr path;
	int create = argc < 4 || sqlite3_value_int(argv[3]);
	if (pgfn_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &path))
		return;
	if (arg_json(ctx, argv[0], 0, &v))
		goto cleanup_path;
	if (arg_json(ctx, argv[2], 0, &nv))
		goto cleanup;
	if (!is_container(&v)) {
		pgfn_error(ctx, "cannot set path in scalar");
		goto cleanup;
	}
	/* jsonb_set returns an empty container untouched unless it may create */
	if (path.n == 0 || (v.n == 0 && !create) ||
	    set_path(ctx, &v, &path, 0, &nv, PATH_SET, create) == 0)
		result_jv(ctx, &v);
cleanup:
	jv_free(&v);
	jv_free(&nv);
cleanup_path:
	pgarr_free(&path);
}

/* jsonb_insert(target, path, new [, insert_after]) */
static void fn_jsonb_insert(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v, nv = { 0 };
	struct pgarr path;
	int after = argc >= 4 && sqlite3_value_int(argv[3]);
	if (pgfn_any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &path))
		return;
	if (arg_json(ctx, argv[0], 0, &v))
		goto cleanup_path;
	if (arg_json(ctx, argv[2], 0, &nv))
		goto cleanup;
	if (!is_container(&v)) {
		pgfn_error(ctx, "cannot set path in scalar");
		goto cleanup;
	}
	if (path.n == 0 || set_path(ctx, &v, &path, 0, &nv, after ? PATH_INSERT_AFTER : PATH_INSERT_BEFORE, 1) == 0)
		result_jv(ctx, &v);
cleanup:
	jv_free(&v);
	jv_free(&nv);
cleanup_path:
	pgarr_free(&path);
}

/* jsonb #- text[] */
static void fn_delete_path(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	struct pgarr path;
	(void)argc;
	if (pgfn_any_null(2, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_text_array(ctx, argv[1], &path))
		return;
	if (arg_json(ctx, argv[0], 0, &v) == 0) {
		if (!is_container(&v))
			pgfn_error(ctx, "cannot delete path in scalar");
		else if (path.n == 0 || v.n == 0 || set_path(ctx, &v, &path, 0, NULL, PATH_DELETE, 0) == 0)
			result_jv(ctx, &v);
		jv_free(&v);
	}
	pgarr_free(&path);
}

/* ---- other functions ---- */

static void fn_typeof(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	static const char *names[] = { "null", "boolean", "boolean", "number", "string", "array", "object" };
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], json, &v))
		return;
	sqlite3_result_text(ctx, names[v.kind], -1, SQLITE_STATIC);
	jv_free(&v);
}

static void fn_array_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], json, &v))
		return;
	if (v.kind == JV_ARR)
		sqlite3_result_int64(ctx, (sqlite3_int64)v.n);
	else if (v.kind == JV_OBJ)
		pgfn_error(ctx, "cannot get array length of a non-array");
	else
		pgfn_error(ctx, "cannot get array length of a scalar");
	jv_free(&v);
}

static void strip_nulls(struct jv *v)
{
	if (v->kind == JV_OBJ) {
		for (size_t i = v->n; i-- > 0;)
			if (v->items[2 * i + 1].kind == JV_NULL)
				remove_item(v, i);
		for (size_t i = 0; i < v->n; i++)
			strip_nulls(&v->items[2 * i + 1]);
	} else if (v->kind == JV_ARR) {
		for (size_t i = 0; i < v->n; i++)
			strip_nulls(&v->items[i]);
	}
}

static void fn_strip_nulls(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	strip_nulls(&v);
	result_jv(ctx, &v);
	jv_free(&v);
}

static void indent(struct strbuf *sb, int level)
{
	for (int i = 0; i < level; i++)
		sb_adds(sb, "    ");
}

/* jsonb_pretty: four spaces a level; empty containers still open a line. */
static void pretty(struct strbuf *sb, const struct jv *v, int level)
{
	int obj = v->kind == JV_OBJ;
	if (!is_container(v)) {
		jv_out(sb, v);
		return;
	}
	sb_addch(sb, obj ? '{' : '[');
	for (size_t i = 0; i < v->n; i++) {
		sb_adds(sb, i ? ",\n" : "\n");
		indent(sb, level + 1);
		if (obj) {
			jv_out_string(sb, v->items[2 * i].s, v->items[2 * i].len);
			sb_adds(sb, ": ");
			pretty(sb, &v->items[2 * i + 1], level + 1);
		} else {
			pretty(sb, &v->items[i], level + 1);
		}
	}
	sb_addch(sb, '\n');
	indent(sb, level);
	sb_addch(sb, obj ? '}' : ']');
}

static void fn_pretty(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct jv v;
	struct strbuf sb = STRBUF_INIT;
	(void)argc;
	if (pgfn_any_null(1, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (arg_json(ctx, argv[0], 0, &v))
		return;
	pretty(&sb, &v, 0);
	result_sb(ctx, &sb);
	jv_free(&v);
}

/* ---- values of other types as JSON (to_json, to_jsonb, build, agg) ---- */

static int numeric_special(const char *s, size_t len)
{
	return (len == 3 && !strncasecmp(s, "NaN", 3)) ||
	       (len == 8 && !strncasecmp(s, "Infinity", 8)) ||
	       (len == 9 && !strncasecmp(s, "-Infinity", 9));
}

/* datum_to_json for one non-array value of kind, given as its PostgreSQL text. */
static void scalar_json(struct strbuf *out, enum pgkind kind, const char *s, size_t len)
{
	switch (kind) {
	case PGK_INT2: case PGK_INT4: case PGK_INT8:
		sb_add(out, s, len);
		return;
	case PGK_BOOL:
		sb_adds(out, len && (s[0] == 't' || s[0] == '1') ? "true" : "false");
		return;
	case PGK_NUMERIC: case PGK_FLOAT4: case PGK_FLOAT8:
		if (numeric_special(s, len))
			break;
		sb_add(out, s, len);
		return;
	case PGK_JSON:
		sb_add(out, s, len);
		return;
	case PGK_JSONB: {
		/* jsonb values print in their canonical form */
		struct strbuf t = STRBUF_INIT;
		if (jsonb_normalize(s, len, &t) == 0)
			sb_add(out, t.buf, t.len);
		else
			sb_add(out, s, len);
		sb_release(&t);
		return;
	}
	case PGK_TIMESTAMP: case PGK_TIMESTAMPTZ: {
		/* ISO 8601: a T between date and time, the offset as +HH:MM */
		struct strbuf t = STRBUF_INIT;
		const char *sp = memchr(s, ' ', len);
		if (!sp || (len >= 8 && !memcmp(s, "infinity", 8)) || (len >= 9 && !memcmp(s, "-infinity", 9)))
			break;
		sb_add(&t, s, (size_t)(sp - s));
		sb_addch(&t, 'T');
		sb_add(&t, sp + 1, len - (size_t)(sp - s) - 1);
		if (kind == PGK_TIMESTAMPTZ) {
			/* "+00" -> "+00:00" (offsets with minutes already have
			 * them), before the era: "...+00:00 BC" */
			int bc = t.len > 3 && !memcmp(t.buf + t.len - 3, " BC", 3);
			size_t i;
			if (bc)
				sb_setlen(&t, t.len - 3);
			i = t.len;
			while (i > 0 && t.buf[i - 1] != '+' && t.buf[i - 1] != '-')
				i--;
			if (i > 0 && t.len - i == 2)
				sb_adds(&t, ":00");
			if (bc)
				sb_adds(&t, " BC");
		}
		jv_out_string(out, t.buf, t.len);
		sb_release(&t);
		return;
	}
	default:
		break;
	}
	jv_out_string(out, s, len);
}

/*
 * The JSON text of runtime value v of PGT type t, as to_json renders it
 * (arrays without spaces: to_jsonb re-reads it anyway).
 */
static int value_json(sqlite3_context *ctx, struct strbuf *out, sqlite3_value *v, int t)
{
	struct strbuf scratch = STRBUF_INIT;
	enum pgkind kind = PGT_KIND(t);
	size_t len;
	const char *s = fnv_text(v, kind, &scratch, &len);
	int ret = 0;
	if (!s) {
		sb_adds(out, "null");
	} else if (PGT_IS_ARRAY(t)) {
		struct pgarr a;
		const char *why;
		if (pgarr_parse(s, len, &a, &why)) {
			pgfn_error(ctx, "malformed array literal: \"%s\"", s);
			ret = -1;
			goto cleanup;
		}
		if (a.ndims == 0) {
			sb_adds(out, "[]");
		} else {
			/* nested brackets, one level per dimension */
			size_t at = 0;
			int idx[PGARR_MAXDIM] = { 0 }, d = 0;
			sb_addch(out, '[');
			for (;;) {
				if (d < a.ndims - 1) {
					sb_addch(out, '[');
					d++;
					continue;
				}
				for (int i = 0; i < a.dims[d]; i++, at++) {
					if (i)
						sb_addch(out, ',');
					if (a.elems[at].s)
						scalar_json(out, kind, a.elems[at].s, a.elems[at].len);
					else
						sb_adds(out, "null");
				}
				sb_addch(out, ']');
				while (d > 0 && ++idx[d - 1] >= a.dims[d - 1]) {
					idx[d - 1] = 0;
					d--;
					sb_addch(out, ']');
				}
				if (d == 0)
					break;
				sb_addch(out, ',');
				sb_addch(out, '[');
			}
		}
		pgarr_free(&a);
	} else {
		scalar_json(out, kind, s, len);
	}
cleanup:
	sb_release(&scratch);
	return ret;
}

/* The same as a parsed jsonb value. */
static int value_jv(sqlite3_context *ctx, sqlite3_value *v, int t, struct jv *out)
{
	struct strbuf sb = STRBUF_INIT;
	int r;
	memset(out, 0, sizeof(*out));
	if (value_json(ctx, &sb, v, t)) {
		sb_release(&sb);
		return -1;
	}
	r = jv_parse(sb.buf, sb.len, 0, out);
	if (r)
		json_input_error(ctx, r);
	sb_release(&sb);
	return r ? -1 : 0;
}

static void fn_to_jsonb(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	struct jv v;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (json) {
		struct strbuf sb = STRBUF_INIT;
		if (value_json(ctx, &sb, argv[0], sqlite3_value_int(argv[1])) == 0)
			result_sb(ctx, &sb);
		sb_release(&sb);
		return;
	}
	if (value_jv(ctx, argv[0], sqlite3_value_int(argv[1]), &v))
		return;
	result_jv(ctx, &v);
	jv_free(&v);
}

/* An object key from an argument of type t: its text, as jsonb keys are made. */
static int key_text(sqlite3_context *ctx, sqlite3_value *v, int t, int argno, int json,
		    struct strbuf *out)
{
	struct strbuf js = STRBUF_INIT;
	struct jv k;
	enum pgkind kind = PGT_KIND(t);
	if (sqlite3_value_type(v) == SQLITE_NULL) {
		if (json)
			pgfn_error(ctx, "argument %d cannot be null", argno);
		else
			pgfn_error(ctx, "argument %d: key must not be null", argno);
		return -1;
	}
	if (PGT_IS_ARRAY(t) || kind == PGK_JSON || kind == PGK_JSONB || kind == PGK_RECORD) {
		pgfn_error(ctx, "key value must be scalar, not array, composite, or json");
		return -1;
	}
	if (value_json(ctx, &js, v, t)) {
		sb_release(&js);
		return -1;
	}
	if (jv_parse(js.buf, js.len, 0, &k)) {
		sb_release(&js);
		pgfn_error(ctx, "invalid input syntax for type json");
		return -1;
	}
	sb_reset(out);
	if (k.kind == JV_STR)
		sb_add(out, k.s, k.len);
	else
		sb_add(out, js.buf, js.len);
	jv_free(&k);
	sb_release(&js);
	return 0;
}

/* jsonb_build_object (user data 0) and json_build_object (1). */
static void fn_build_object(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	int n = argc / 2;
	struct jv obj = { .kind = JV_OBJ };
	struct strbuf out = STRBUF_INIT, key = STRBUF_INIT;
	if (argc % 2 || n % 2) {
		pgfn_error(ctx, "argument list must have even number of elements");
		return;
	}
	sb_addch(&out, '{');
	for (int i = 0; i < n; i += 2) {
		int tk = sqlite3_value_int(argv[n + i]), tv = sqlite3_value_int(argv[n + i + 1]);
		if (key_text(ctx, argv[i], tk, i + 1, json, &key))
			goto cleanup;
		if (json) {
			if (i)
				sb_adds(&out, ", ");
			jv_out_string(&out, key.buf, key.len);
			sb_adds(&out, " : ");
			if (value_json(ctx, &out, argv[i + 1], tv))
				goto cleanup;
		} else {
			struct jv k, v;
			if (value_jv(ctx, argv[i + 1], tv, &v))
				goto cleanup;
			jv_set_scalar(&k, JV_STR, key.buf, key.len);
			jv_push_pair(&obj, &k, &v);
		}
	}
	sb_addch(&out, '}');
	if (json) {
		result_sb(ctx, &out);
	} else {
		jv_obj_finish(&obj);
		result_jv(ctx, &obj);
	}
cleanup:
	jv_free(&obj);
	sb_release(&out);
	sb_release(&key);
}

static void fn_build_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	int n = argc / 2;
	struct jv arr = { .kind = JV_ARR };
	struct strbuf out = STRBUF_INIT;
	sb_addch(&out, '[');
	for (int i = 0; i < n; i++) {
		int t = sqlite3_value_int(argv[n + i]);
		if (json) {
			if (i)
				sb_adds(&out, ", ");
			if (value_json(ctx, &out, argv[i], t))
				goto cleanup;
		} else {
			struct jv v;
			if (value_jv(ctx, argv[i], t, &v))
				goto cleanup;
			jv_push(&arr, &v);
		}
	}
	sb_addch(&out, ']');
	if (json)
		result_sb(ctx, &out);
	else
		result_jv(ctx, &arr);
cleanup:
	jv_free(&arr);
	sb_release(&out);
}

/* ---- aggregates (also window functions) ---- */

struct agg_item {
	char *key;            /* object aggregates: the key's text */
	size_t keylen;
	char *value;          /* JSON text (canonical for jsonb) */
	size_t len;
	int structured;       /* json_agg: an array or row, printed on its own line */
};

struct agg_state {
	struct agg_item *items;
	size_t first, n, alloc;  /* live items are [first, n): a window frame drops from the front */
	int started;
};

static void agg_item_free(struct agg_item *it)
{
	free(it->key);
	free(it->value);
}

static int agg_push(sqlite3_context *ctx, int json, sqlite3_value *kv, int kt, sqlite3_value *v, int t)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	struct strbuf sb = STRBUF_INIT, key = STRBUF_INIT;
	struct agg_item it = { 0 };
	if (!st)
		return -1;
	if (kv) {
		if (sqlite3_value_type(kv) == SQLITE_NULL) {
			pgfn_error(ctx, "field name must not be null");
			return -1;
		}
		if (key_text(ctx, kv, kt, 1, json, &key))
			goto fail;
		it.key = sb_detach(&key, &it.keylen);
	}
	if (json) {
		if (value_json(ctx, &sb, v, t))
			goto fail;
	} else {
		struct jv j;
		if (value_jv(ctx, v, t, &j))
			goto fail;
		jv_out(&sb, &j);
		jv_free(&j);
	}
	it.value = sb_detach(&sb, &it.len);
	it.structured = PGT_IS_ARRAY(t) || PGT_KIND(t) == PGK_RECORD;
	ALLOC_GROW(st->items, st->n + 1, st->alloc);
	st->items[st->n++] = it;
	st->started = 1;
	return 0;
fail:
	agg_item_free(&it);
	sb_release(&sb);
	sb_release(&key);
	return -1;
}

/* jsonb_agg (user data 0) / json_agg (1): (value, type) */
static void agg_array_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	agg_push(ctx, (int)(intptr_t)sqlite3_user_data(ctx), NULL, 0, argv[0], sqlite3_value_int(argv[1]));
}

/* jsonb_object_agg / json_object_agg: (key, value, key type, value type) */
static void agg_object_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	agg_push(ctx, (int)(intptr_t)sqlite3_user_data(ctx), argv[0], sqlite3_value_int(argv[2]),
		 argv[1], sqlite3_value_int(argv[3]));
}

/* The row leaving a window frame is always the oldest one. */
static void agg_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, sizeof(*st));
	(void)argc;
	(void)argv;
	if (st && st->first < st->n)
		agg_item_free(&st->items[st->first++]);
}

static void agg_result(sqlite3_context *ctx, struct agg_state *st, int obj)
{
	int json = (int)(intptr_t)sqlite3_user_data(ctx);
	struct strbuf sb = STRBUF_INIT;
	if (!st || !st->started || st->first == st->n) {
		/* no rows (or none left in the frame) give NULL */
		sqlite3_result_null(ctx);
		return;
	}
	if (obj && !json) {
		struct jv o = { .kind = JV_OBJ };
		for (size_t i = st->first; i < st->n; i++) {
			struct jv k, v;
			jv_set_scalar(&k, JV_STR, st->items[i].key, st->items[i].keylen);
			if (jv_parse(st->items[i].value, st->items[i].len, 0, &v)) {
				jv_free(&k);
				continue;
			}
			jv_push_pair(&o, &k, &v);
		}
		jv_obj_finish(&o);
		jv_out(&sb, &o);
		jv_free(&o);
	} else if (obj) {
		sb_adds(&sb, "{ ");
		for (size_t i = st->first; i < st->n; i++) {
			if (i > st->first)
				sb_adds(&sb, ", ");
			jv_out_string(&sb, st->items[i].key, st->items[i].keylen);
			sb_adds(&sb, " : ");
			sb_add(&sb, st->items[i].value, st->items[i].len);
		}
		sb_adds(&sb, " }");
	} else {
		sb_addch(&sb, '[');
		for (size_t i = st->first; i < st->n; i++) {
			if (i > st->first) {
				sb_adds(&sb, ", ");
				if (json && st->items[i].structured)
					sb_adds(&sb, "\n ");
			}
			sb_add(&sb, st->items[i].value, st->items[i].len);
		}
		sb_addch(&sb, ']');
	}
	result_sb(ctx, &sb);
}

static void agg_array_value(sqlite3_context *ctx)
{
	agg_result(ctx, sqlite3_aggregate_context(ctx, 0), 0);
}

static void agg_object_value(sqlite3_context *ctx)
{
	agg_result(ctx, sqlite3_aggregate_context(ctx, 0), 1);
}

static void agg_free(struct agg_state *st)
{
	if (!st)
		return;
	for (size_t i = st->first; i < st->n; i++)
		agg_item_free(&st->items[i]);
	free(st->items);
}

static void agg_array_final(sqlite3_context *ctx)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);
	agg_result(ctx, st, 0);
	agg_free(st);
}

static void agg_object_final(sqlite3_context *ctx)
{
	struct agg_state *st = sqlite3_aggregate_context(ctx, 0);
	agg_result(ctx, st, 1);
	agg_free(st);
}

/* ---- set-returning functions ---- */

static int srf_json(sqlite3_value *arg, int json, struct jv *v, struct srf_rows *rows)
{
	const char *s = (const char *)sqlite3_value_text(arg);
	int r = jv_parse(s ? s : "", (size_t)sqlite3_value_bytes(arg), json, v);
	if (r)
		srf_set_error(rows, r == -2 ? "unsupported Unicode escape sequence" :
			      "invalid input syntax for type json");
	return r;
}

static void set_value_cell(struct srf_cell *c, const struct jv *v, int json, int text)
{
	if (text && v->kind == JV_NULL) {
		c->type = SQLITE_NULL;
	} else if (text && v->kind == JV_STR) {
		srf_set_text(c, v->s, v->len);
	} else if (json) {
		srf_set_text(c, v->src, v->srclen);
	} else {
		struct strbuf sb = STRBUF_INIT;
		jv_out(&sb, v);
		srf_set_text(c, sb.buf, sb.len);
		sb_release(&sb);
	}
}

static void fill_elements(sqlite3_value **args, struct srf_rows *rows, int json, int text)
{
	struct jv v;
	const char *fn = json ? (text ? "json_array_elements_text" : "json_array_elements") : NULL;
	if (srf_json(args[0], json, &v, rows))
		return;
	if (v.kind == JV_OBJ) {
		srf_set_error(rows, json ? (text ? "cannot call json_array_elements_text on a non-array" :
					    "cannot call json_array_elements on a non-array") :
			      "cannot extract elements from an object");
	} else if (v.kind != JV_ARR) {
		if (fn) {
			char msg[96];
			snprintf(msg, sizeof(msg), "cannot call %s on a scalar", fn);
			srf_set_error(rows, msg);
		} else {
			srf_set_error(rows, "cannot extract elements from a scalar");
		}
	} else {
		for (size_t i = 0; i < v.n; i++)
			set_value_cell(srf_add_row(rows), &v.items[i], json, text);
	}
	jv_free(&v);
}

static void fill_jsonb_elements(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_elements(a, r, 0, 0); }
static void fill_jsonb_elements_text(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_elements(a, r, 0, 1); }
static void fill_json_elements(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_elements(a, r, 1, 0); }
static void fill_json_elements_text(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_elements(a, r, 1, 1); }

static void fill_each(sqlite3_value **args, struct srf_rows *rows, int json, int text, int keys)
{
	struct jv v;
	char msg[96];
	const char *fn = keys ? (json ? "json_object_keys" : "jsonb_object_keys") :
		json ? (text ? "json_each_text" : "json_each") : (text ? "jsonb_each_text" : "jsonb_each");
	if (srf_json(args[0], json, &v, rows))
		return;
	if (v.kind != JV_OBJ) {
		if (keys)
			snprintf(msg, sizeof(msg), "cannot call %s on %s", fn,
				 v.kind == JV_ARR ? "an array" : "a scalar");
		else if (json)
			snprintf(msg, sizeof(msg), "%s", v.kind == JV_ARR ?
				 "cannot deconstruct an array as an object" : "cannot deconstruct a scalar");
		else
			snprintf(msg, sizeof(msg), "cannot call %s on a non-object", fn);
		srf_set_error(rows, msg);
	} else {
		for (size_t i = 0; i < v.n; i++) {
			struct srf_cell *row = srf_add_row(rows);
			srf_set_text(&row[0], v.items[2 * i].s, v.items[2 * i].len);
			if (!keys)
				set_value_cell(&row[1], &v.items[2 * i + 1], json, text);
		}
	}
	jv_free(&v);
}

static void fill_jsonb_each(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 0, 0, 0); }
static void fill_jsonb_each_text(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 0, 1, 0); }
static void fill_jsonb_keys(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 0, 0, 1); }
static void fill_json_each(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 1, 0, 0); }
static void fill_json_each_text(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 1, 1, 0); }
static void fill_json_keys(sqlite3_value **a, int n, struct srf_rows *r) { (void)n; fill_each(a, r, 1, 0, 1); }

static const struct srf_def json_srfs[] = {
	{ "pg_jsonb_array_elements", "value", "from_json", 1, fill_jsonb_elements },
	{ "pg_jsonb_array_elements_text", "value", "from_json", 1, fill_jsonb_elements_text },
	{ "pg_jsonb_each", "key,value", "from_json", 1, fill_jsonb_each },
	{ "pg_jsonb_each_text", "key,value", "from_json", 1, fill_jsonb_each_text },
	{ "pg_jsonb_object_keys", "jsonb_object_keys", "from_json", 1, fill_jsonb_keys },
	{ "pg_json_array_elements", "value", "from_json", 1, fill_json_elements },
	{ "pg_json_array_elements_text", "value", "from_json", 1, fill_json_elements_text },
	{ "pg_json_each", "key,value", "from_json", 1, fill_json_each },
	{ "pg_json_each_text", "key,value", "from_json", 1, fill_json_each_text },
	{ "pg_json_object_keys", "json_object_keys", "from_json", 1, fill_json_keys },
};

/* ---- order ---- */

static int jsonb_collate(void *arg, int alen, const void *a, int blen, const void *b)
{
	int cmp = 0;
	(void)arg;
	if (alen == blen && !memcmp(a, b, (size_t)alen))
		return 0;
	if (fnv_compare(PGK_JSONB, a, (size_t)alen, b, (size_t)blen, &cmp))
		return alen < blen ? -1 : 1; /* not jsonb: any consistent order */
	return cmp;
}

/* ---- registration ---- */

struct fn_reg {
	const char *name;
	int nargs;              /* -1: any number */
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
	intptr_t data;
};

static const struct fn_reg json_fns[] = {
	{ "pg_jsonb_in", 1, fn_jsonb_in, 0 },
	{ "pg_jsonb_out", 1, fn_jsonb_in, 0 },
	{ "pg_json_in", 1, fn_json_in, 0 },
	{ "pg_jsonb_to_numeric", 1, fn_jsonb_to_scalar, PGK_NUMERIC },
	{ "pg_jsonb_to_int2", 1, fn_jsonb_to_scalar, PGK_INT2 },
	{ "pg_jsonb_to_int4", 1, fn_jsonb_to_scalar, PGK_INT4 },
	{ "pg_jsonb_to_int8", 1, fn_jsonb_to_scalar, PGK_INT8 },
	{ "pg_jsonb_to_float4", 1, fn_jsonb_to_scalar, PGK_FLOAT4 },
	{ "pg_jsonb_to_float8", 1, fn_jsonb_to_scalar, PGK_FLOAT8 },
	{ "pg_jsonb_to_bool", 1, fn_jsonb_to_scalar, PGK_BOOL },
	{ "pg_jsonb_object_field", 2, fn_object_field, 0 },
	{ "pg_jsonb_object_field_text", 2, fn_object_field, OPF_TEXT },
	{ "pg_json_object_field", 2, fn_object_field, OPF_JSON },
	{ "pg_json_object_field_text", 2, fn_object_field, OPF_JSON | OPF_TEXT },
	{ "pg_jsonb_array_element", 2, fn_array_element, 0 },
	{ "pg_jsonb_array_element_text", 2, fn_array_element, OPF_TEXT },
	{ "pg_json_array_element", 2, fn_array_element, OPF_JSON },
	{ "pg_json_array_element_text", 2, fn_array_element, OPF_JSON | OPF_TEXT },
	{ "pg_jsonb_extract_path_op", 2, fn_extract_path_op, 0 },
	{ "pg_jsonb_extract_path_text_op", 2, fn_extract_path_op, OPF_TEXT },
	{ "pg_json_extract_path_op", 2, fn_extract_path_op, OPF_JSON },
	{ "pg_json_extract_path_text_op", 2, fn_extract_path_op, OPF_JSON | OPF_TEXT },
	{ "pg_jsonb_extract_path", -1, fn_extract_path, 0 },
	{ "pg_jsonb_extract_path_text", -1, fn_extract_path, OPF_TEXT },
	{ "pg_json_extract_path", -1, fn_extract_path, OPF_JSON },
	{ "pg_json_extract_path_text", -1, fn_extract_path, OPF_JSON | OPF_TEXT },
	{ "pg_jsonb_contains", 2, fn_contains, 0 },
	{ "pg_jsonb_contained", 2, fn_contains, 1 },
	{ "pg_jsonb_exists", 2, fn_exists, 0 },
	{ "pg_jsonb_exists_any", 2, fn_exists_any_all, 0 },
	{ "pg_jsonb_exists_all", 2, fn_exists_any_all, 1 },
	{ "pg_jsonb_concat", 2, fn_concat, 0 },
	{ "pg_jsonb_delete", 2, fn_delete_key, 0 },
	{ "pg_jsonb_delete_idx", 2, fn_delete_index, 0 },
	{ "pg_jsonb_delete_keys", 2, fn_delete_keys, 0 },
	{ "pg_jsonb_delete_path", 2, fn_delete_path, 0 },
	{ "pg_jsonb_set", 3, fn_jsonb_set, 0 },
	{ "pg_jsonb_set", 4, fn_jsonb_set, 0 },
	{ "pg_jsonb_insert", 3, fn_jsonb_insert, 0 },
	{ "pg_jsonb_insert", 4, fn_jsonb_insert, 0 },
	{ "pg_jsonb_typeof", 1, fn_typeof, 0 },
	{ "pg_json_typeof", 1, fn_typeof, 1 },
	{ "pg_jsonb_array_length", 1, fn_array_length, 0 },
	{ "pg_json_array_length", 1, fn_array_length, 1 },
	{ "pg_jsonb_strip_nulls", 1, fn_strip_nulls, 0 },
	{ "pg_jsonb_pretty", 1, fn_pretty, 0 },
	{ "pg_to_jsonb", 2, fn_to_jsonb, 0 },
	{ "pg_to_json", 2, fn_to_jsonb, 1 },
	{ "pg_jsonb_build_object", -1, fn_build_object, 0 },
	{ "pg_json_build_object", -1, fn_build_object, 1 },
	{ "pg_jsonb_build_array", -1, fn_build_array, 0 },
	{ "pg_json_build_array", -1, fn_build_array, 1 },
};

static const struct {
	const char *name;
	int nargs;
	void (*step)(sqlite3_context *, int, sqlite3_value **);
	void (*final)(sqlite3_context *);
	void (*value)(sqlite3_context *);
	intptr_t data;
} json_aggs[] = {
	{ "pg_jsonb_agg", 2, agg_array_step, agg_array_final, agg_array_value, 0 },
	{ "pg_json_agg", 2, agg_array_step, agg_array_final, agg_array_value, 1 },
	{ "pg_jsonb_object_agg", 4, agg_object_step, agg_object_final, agg_object_value, 0 },
	{ "pg_json_object_agg", 4, agg_object_step, agg_object_final, agg_object_value, 1 },
};

static int register_json(sqlite3 *db)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(json_fns); i++)
		rc = sqlite3_create_function_v2(db, json_fns[i].name, json_fns[i].nargs,
						SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
						(void *)json_fns[i].data, json_fns[i].fn, NULL, NULL, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(json_aggs); i++)
		rc = sqlite3_create_window_function(db, json_aggs[i].name, json_aggs[i].nargs,
						    SQLITE_UTF8 | SQLITE_INNOCUOUS, (void *)json_aggs[i].data,
						    json_aggs[i].step, json_aggs[i].final, json_aggs[i].value,
						    agg_inverse, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(json_srfs); i++)
		rc = srf_register(db, &json_srfs[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_collation(db, "pg_jsonb", SQLITE_UTF8, NULL, jsonb_collate);
	return rc;
}

/* ---- signatures ---- */

#define J PGK_JSONB
#define JS PGK_JSON
#define T PGK_TEXT
#define TA (PGK_TEXT | PGT_ARRAY)
#define I4 PGK_INT4
#define B PGK_BOOL
#define ANY PGK_ANY

static const struct pgfn_column cols_value_jsonb[] = { { "value", J } };
static const struct pgfn_column cols_value_json[] = { { "value", JS } };
static const struct pgfn_column cols_value_text[] = { { "value", T } };
static const struct pgfn_column cols_each_jsonb[] = { { "key", T }, { "value", J } };
static const struct pgfn_column cols_each_json[] = { { "key", T }, { "value", JS } };
static const struct pgfn_column cols_each_text[] = { { "key", T }, { "value", T } };
static const struct pgfn_column cols_jsonb_keys[] = { { "jsonb_object_keys", T } };
static const struct pgfn_column cols_json_keys[] = { { "json_object_keys", T } };

#define SRF(name, arg, fn, cols) { name, PGFN_SRF, 1, { arg }, PGK_RECORD, fn, 0, cols, (int)ARRAY_SIZE(cols) }

static const struct pgfn_sig json_sigs[] = {
	/* input, output, casts */
	{ NULL, PGFN_CAST, 1, { T }, J, "pg_jsonb_in", 0 },
	{ NULL, PGFN_CAST, 1, { J }, T, "pg_jsonb_out", PGFN_ASSIGNMENT },
	{ NULL, PGFN_CAST, 1, { T }, JS, "pg_json_in", 0 },
	{ NULL, PGFN_CAST, 1, { JS }, T, "pg_json_in", PGFN_ASSIGNMENT },
	{ NULL, PGFN_CAST, 1, { JS }, J, "pg_jsonb_in", PGFN_ASSIGNMENT },
	{ NULL, PGFN_CAST, 1, { J }, JS, "pg_jsonb_out", PGFN_ASSIGNMENT },
	{ NULL, PGFN_CAST, 1, { J }, PGK_NUMERIC, "pg_jsonb_to_numeric", 0 },
	{ NULL, PGFN_CAST, 1, { J }, PGK_INT2, "pg_jsonb_to_int2", 0 },
	{ NULL, PGFN_CAST, 1, { J }, PGK_INT4, "pg_jsonb_to_int4", 0 },
	{ NULL, PGFN_CAST, 1, { J }, PGK_INT8, "pg_jsonb_to_int8", 0 },
	{ NULL, PGFN_CAST, 1, { J }, PGK_FLOAT4, "pg_jsonb_to_float4", 0 },
	{ NULL, PGFN_CAST, 1, { J }, PGK_FLOAT8, "pg_jsonb_to_float8", 0 },
	{ NULL, PGFN_CAST, 1, { J }, B, "pg_jsonb_to_bool", 0 },
	/* operators */
	{ "->", PGFN_OP, 2, { J, T }, J, "pg_jsonb_object_field", 0 },
	{ "->", PGFN_OP, 2, { J, I4 }, J, "pg_jsonb_array_element", 0 },
	{ "->>", PGFN_OP, 2, { J, T }, T, "pg_jsonb_object_field_text", 0 },
	{ "->>", PGFN_OP, 2, { J, I4 }, T, "pg_jsonb_array_element_text", 0 },
	{ "->", PGFN_OP, 2, { JS, T }, JS, "pg_json_object_field", 0 },
	{ "->", PGFN_OP, 2, { JS, I4 }, JS, "pg_json_array_element", 0 },
	{ "->>", PGFN_OP, 2, { JS, T }, T, "pg_json_object_field_text", 0 },
	{ "->>", PGFN_OP, 2, { JS, I4 }, T, "pg_json_array_element_text", 0 },
	{ "#>", PGFN_OP, 2, { J, TA }, J, "pg_jsonb_extract_path_op", 0 },
	{ "#>>", PGFN_OP, 2, { J, TA }, T, "pg_jsonb_extract_path_text_op", 0 },
	{ "#>", PGFN_OP, 2, { JS, TA }, JS, "pg_json_extract_path_op", 0 },
	{ "#>>", PGFN_OP, 2, { JS, TA }, T, "pg_json_extract_path_text_op", 0 },
	{ "@>", PGFN_OP, 2, { J, J }, B, "pg_jsonb_contains", 0 },
	{ "<@", PGFN_OP, 2, { J, J }, B, "pg_jsonb_contained", 0 },
	{ "?", PGFN_OP, 2, { J, T }, B, "pg_jsonb_exists", 0 },
	{ "?|", PGFN_OP, 2, { J, TA }, B, "pg_jsonb_exists_any", 0 },
	{ "?&", PGFN_OP, 2, { J, TA }, B, "pg_jsonb_exists_all", 0 },
	{ "||", PGFN_OP, 2, { J, J }, J, "pg_jsonb_concat", 0 },
	{ "-", PGFN_OP, 2, { J, T }, J, "pg_jsonb_delete", 0 },
	{ "-", PGFN_OP, 2, { J, I4 }, J, "pg_jsonb_delete_idx", 0 },
	{ "-", PGFN_OP, 2, { J, TA }, J, "pg_jsonb_delete_keys", 0 },
	{ "#-", PGFN_OP, 2, { J, TA }, J, "pg_jsonb_delete_path", 0 },
	/* functions */
	{ "jsonb_extract_path", PGFN_FUNC, 2, { J, T }, J, "pg_jsonb_extract_path", PGFN_VARIADIC },
	{ "jsonb_extract_path_text", PGFN_FUNC, 2, { J, T }, T, "pg_jsonb_extract_path_text", PGFN_VARIADIC },
	{ "json_extract_path", PGFN_FUNC, 2, { JS, T }, JS, "pg_json_extract_path", PGFN_VARIADIC },
	{ "json_extract_path_text", PGFN_FUNC, 2, { JS, T }, T, "pg_json_extract_path_text", PGFN_VARIADIC },
	{ "jsonb_set", PGFN_FUNC, 3, { J, TA, J }, J, "pg_jsonb_set", 0 },
	{ "jsonb_set", PGFN_FUNC, 4, { J, TA, J, B }, J, "pg_jsonb_set", 0 },
	{ "jsonb_insert", PGFN_FUNC, 3, { J, TA, J }, J, "pg_jsonb_insert", 0 },
	{ "jsonb_insert", PGFN_FUNC, 4, { J, TA, J, B }, J, "pg_jsonb_insert", 0 },
	{ "jsonb_typeof", PGFN_FUNC, 1, { J }, T, "pg_jsonb_typeof", 0 },
	{ "json_typeof", PGFN_FUNC, 1, { JS }, T, "pg_json_typeof", 0 },
	{ "jsonb_array_length", PGFN_FUNC, 1, { J }, I4, "pg_jsonb_array_length", 0 },
	{ "json_array_length", PGFN_FUNC, 1, { JS }, I4, "pg_json_array_length", 0 },
	{ "jsonb_strip_nulls", PGFN_FUNC, 1, { J }, J, "pg_jsonb_strip_nulls", 0 },
	{ "jsonb_pretty", PGFN_FUNC, 1, { J }, T, "pg_jsonb_pretty", 0 },
	/* to_json[b] and json[b]_agg take anyelement, the builders "any" (as
	 * pg_proc): an unknown literal is refused by the first ("could not
	 * determine polymorphic type") and taken as text by the others */
	{ "to_jsonb", PGFN_FUNC, 1, { PGK_ANYELEMENT }, J, "pg_to_jsonb", PGFN_ELEMTYPE },
	{ "to_json", PGFN_FUNC, 1, { PGK_ANYELEMENT }, JS, "pg_to_json", PGFN_ELEMTYPE },
	{ "jsonb_build_object", PGFN_FUNC, 1, { ANY }, J, "pg_jsonb_build_object",
	  PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "json_build_object", PGFN_FUNC, 1, { ANY }, JS, "pg_json_build_object",
	  PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "jsonb_build_array", PGFN_FUNC, 1, { ANY }, J, "pg_jsonb_build_array",
	  PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "json_build_array", PGFN_FUNC, 1, { ANY }, JS, "pg_json_build_array",
	  PGFN_VARIADIC | PGFN_NONSTRICT | PGFN_ELEMTYPE },
	/* aggregates */
	{ "jsonb_agg", PGFN_AGG, 1, { PGK_ANYELEMENT }, J, "pg_jsonb_agg", PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "json_agg", PGFN_AGG, 1, { PGK_ANYELEMENT }, JS, "pg_json_agg", PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "jsonb_object_agg", PGFN_AGG, 2, { ANY, ANY }, J, "pg_jsonb_object_agg", PGFN_NONSTRICT | PGFN_ELEMTYPE },
	{ "json_object_agg", PGFN_AGG, 2, { ANY, ANY }, JS, "pg_json_object_agg", PGFN_NONSTRICT | PGFN_ELEMTYPE },
	/* set-returning */
	SRF("jsonb_array_elements", J, "pg_jsonb_array_elements", cols_value_jsonb),
	SRF("jsonb_array_elements_text", J, "pg_jsonb_array_elements_text", cols_value_text),
	SRF("jsonb_each", J, "pg_jsonb_each", cols_each_jsonb),
	SRF("jsonb_each_text", J, "pg_jsonb_each_text", cols_each_text),
	SRF("jsonb_object_keys", J, "pg_jsonb_object_keys", cols_jsonb_keys),
	SRF("json_array_elements", JS, "pg_json_array_elements", cols_value_json),
	SRF("json_array_elements_text", JS, "pg_json_array_elements_text", cols_value_text),
	SRF("json_each", JS, "pg_json_each", cols_each_json),
	SRF("json_each_text", JS, "pg_json_each_text", cols_each_text),
	SRF("json_object_keys", JS, "pg_json_object_keys", cols_json_keys),
};

static const struct pgfn_order json_orders[] = {
	{ J, "pg_jsonb" },
};

const struct pgfn_module pgfn_json_module = {
	.name = "json",
	.sigs = json_sigs,
	.nsigs = (int)ARRAY_SIZE(json_sigs),
	.orders = json_orders,
	.norders = (int)ARRAY_SIZE(json_orders),
	.register_fns = register_json,
};
