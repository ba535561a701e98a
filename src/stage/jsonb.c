/*
 * jsonb: PostgreSQL's canonical output form of a jsonb value, so a value a
 * step writes with other spacing, key order or number spelling compares
 * (and pushes) as the value PostgreSQL would store.
 *
 * jsonb_out prints objects with keys ordered by length, then bytewise, the
 * last of duplicate keys winning; ", " and ": " separators; strings with
 * \uXXXX escapes decoded (control characters re-escaped); numbers as
 * numeric_out prints numeric_in's result: no exponent, the scale kept
 * ("1.50" stays, "1e2" becomes "100", "1.5e-1" becomes "0.15").
 */
#define _GNU_SOURCE
#include "jsonb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000
#define MAX_NUMBER_TEXT 1000 /* bigger expansions are left as written */

struct parser {
	const char *p, *end;
	int json;          /* json, not jsonb: keep key order, duplicates, spans */
	int unicode_error; /* failed on \u0000, which jsonb cannot hold */
};

void jv_free(struct jv *v)
{
	free(v->s);
	size_t m = v->kind == JV_OBJ ? 2 * v->n : v->n;
	for (size_t i = 0; v->items && i < m; i++)
		jv_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int parse_string(struct parser *ps, struct jv *v)
{
	struct strbuf sb = STRBUF_INIT;
	ps->p++; /* the opening quote */
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			sb_addch(&sb, c);
			ps->p++;
			continue;
		}
		if (++ps->p >= ps->end)
			goto bad;
		switch (*ps->p) {
		case '"': sb_addch(&sb, '"'); break;
		case '\\': sb_addch(&sb, '\\'); break;
		case '/': sb_addch(&sb, '/'); break;
		case 'b': sb_addch(&sb, '\b'); break;
		case 'f': sb_addch(&sb, '\f'); break;
		case 'n': sb_addch(&sb, '\n'); break;
		case 'r': sb_addch(&sb, '\r'); break;
		case 't': sb_addch(&sb, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (ps->end - ps->p < 5 || hex4(ps->p + 1, &cp))
				goto bad;
			ps->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 7 || ps->p[1] != '\\' || ps->p[2] != 'u' ||
				    hex4(ps->p + 3, &lo) || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				ps->p += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				if (!ps->json)
					goto bad; /* jsonb refuses lone surrogates */
			} else if (cp == 0 && !ps->json) {
				ps->unicode_error = 1; /* not text: jsonb refuses it */
				goto bad;
			}
			sb_add_utf8(&sb, cp);
			break;
		}
		default:
			goto bad;
		}
		ps->p++;
	}
	if (ps->p >= ps->end)
		goto bad;
	ps->p++; /* the closing quote */
	v->kind = JV_STR;
	v->s = sb_detach(&sb, &v->len);
	return 0;
bad:
	sb_release(&sb);
	return -1;
}

/* numeric_in + numeric_out: plain decimal keeping the display scale. */
static int parse_number(struct parser *ps, struct jv *v)
{
	const char *p = ps->p, *digits_start;
	int neg = 0;
	struct strbuf d = STRBUF_INIT; /* all significant digits, no point */
	long point = 0, exp = 0, frac = 0;

	if (p < ps->end && *p == '-') {
		neg = 1;
		p++;
	}
	digits_start = p;
	if (p >= ps->end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < ps->end && p[1] >= '0' && p[1] <= '9')
		return -1; /* JSON forbids leading zeros */
	while (p < ps->end && *p >= '0' && *p <= '9')
		sb_addch(&d, *p++);
	point = (long)d.len;
	if (p < ps->end && *p == '.') {
		p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			goto bad;
		while (p < ps->end && *p >= '0' && *p <= '9') {
			sb_addch(&d, *p++);
			frac++;
		}
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= ps->end || *p < '0' || *p > '9')
			goto bad;
		while (p < ps->end && *p >= '0' && *p <= '9') {
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
			p++;
		}
		if (eneg)
			exp = -exp;
	}
	ps->p = p;
	v->kind = JV_NUM;
	{
		long scale = frac - exp;           /* digits after the point */
		long intdigits = point + exp;      /* digits before the point */
		struct strbuf out = STRBUF_INIT;
		size_t nz = 0;
		if (scale < 0)
			scale = 0;
		if (labs(exp) > MAX_NUMBER_TEXT) {
			/* keep what was written rather than expand it */
			sb_add(&out, digits_start - neg, (size_t)(p - digits_start + neg));
			v->s = sb_detach(&out, &v->len);
			sb_release(&d);
			return 0;
		}
		/* integer part */
		for (long i = 0; i < intdigits; i++) {
			char c = i < (long)d.len ? d.buf[i] : '0';
			if (out.len == 0 && c == '0')
				continue; /* leading zeros */
			sb_addch(&out, c);
		}
		if (out.len == 0)
			sb_addch(&out, '0');
		if (scale > 0) {
			sb_addch(&out, '.');
			for (long i = 0; i < scale; i++) {
				long at = intdigits + i;
				sb_addch(&out, at >= 0 && at < (long)d.len ? d.buf[at] : '0');
			}
		}
		for (size_t i = 0; i < out.len; i++)
			if (out.buf[i] != '0' && out.buf[i] != '.')
				nz = 1;
		if (neg && nz) {
			struct strbuf s2 = STRBUF_INIT;
			sb_addch(&s2, '-');
			sb_add(&s2, out.buf, out.len);
			sb_release(&out);
			out = s2;
		}
		v->s = sb_detach(&out, &v->len);
	}
	sb_release(&d);
	return 0;
bad:
	sb_release(&d);
	return -1;
}

static int key_cmp(const void *a, const void *b)
{
	const struct jv *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->s, y->s, x->len);
}

static int parse_value(struct parser *ps, struct jv *v, int depth);

static int parse_container(struct parser *ps, struct jv *v, int depth, int obj)
{
	size_t alloc = 0;
	char close = obj ? '}' : ']';
	v->kind = obj ? JV_OBJ : JV_ARR;
	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		size_t per = obj ? 2 : 1;
		ALLOC_GROW(v->items, (v->n + 1) * per, alloc);
		memset(&v->items[v->n * per], 0, per * sizeof(*v->items));
		v->n++;
		ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"' ||
			    parse_string(ps, &v->items[(v->n - 1) * 2]))
				return -1;
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return -1;
			ps->p++;
			if (parse_value(ps, &v->items[(v->n - 1) * 2 + 1], depth + 1))
				return -1;
		} else if (parse_value(ps, &v->items[v->n - 1], depth + 1)) {
			return -1;
		}
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		return -1;
	}
	if (obj && !ps->json) {
		/* stable sort by key, then keep the last of equal keys */
		struct jv *pairs = v->items;
		size_t n = v->n, w = 0;
		for (size_t i = 1; i < n; i++) { /* insertion sort keeps stability */
			struct jv k = pairs[2 * i], val = pairs[2 * i + 1];
			size_t j = i;
			while (j > 0 && key_cmp(&pairs[2 * (j - 1)], &k) > 0) {
				pairs[2 * j] = pairs[2 * (j - 1)];
				pairs[2 * j + 1] = pairs[2 * (j - 1) + 1];
				j--;
			}
			pairs[2 * j] = k;
			pairs[2 * j + 1] = val;
		}
		for (size_t i = 0; i < n; i++) {
			if (i + 1 < n && !key_cmp(&pairs[2 * i], &pairs[2 * (i + 1)])) {
				jv_free(&pairs[2 * i]);
				jv_free(&pairs[2 * i + 1]);
				continue;
			}
			pairs[2 * w] = pairs[2 * i];
			pairs[2 * w + 1] = pairs[2 * i + 1];
			w++;
		}
		v->n = w;
	}
	return 0;
}

static int parse_value_at(struct parser *ps, struct jv *v, int depth);

static int parse_value(struct parser *ps, struct jv *v, int depth)
{
	int r;
	ws(ps);
	v->src = ps->p;
	r = parse_value_at(ps, v, depth);
	v->srclen = (size_t)(ps->p - v->src);
	return r;
}

static int parse_value_at(struct parser *ps, struct jv *v, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	if (ps->p >= ps->end)
		return -1;
	switch (*ps->p) {
	case '{': return parse_container(ps, v, depth, 1);
	case '[': return parse_container(ps, v, depth, 0);
	case '"': return parse_string(ps, v);
	case 't':
		if (ps->end - ps->p >= 4 && !memcmp(ps->p, "true", 4)) {
			v->kind = JV_TRUE;
			ps->p += 4;
			return 0;
		}
		return -1;
	case 'f':
		if (ps->end - ps->p >= 5 && !memcmp(ps->p, "false", 5)) {
			v->kind = JV_FALSE;
			ps->p += 5;
			return 0;
		}
		return -1;
	case 'n':
		if (ps->end - ps->p >= 4 && !memcmp(ps->p, "null", 4)) {
			v->kind = JV_NULL;
			ps->p += 4;
			return 0;
		}
		return -1;
	default:
		return parse_number(ps, v);
	}
}

static void out_string(struct strbuf *sb, const char *s, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	sb_addch(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': sb_adds(sb, "\\\""); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\b': sb_adds(sb, "\\b"); break;
		case '\f': sb_adds(sb, "\\f"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		default:
			if (c < 0x20) {
				sb_adds(sb, "\\u00");
				sb_addch(sb, hx[c >> 4]);
				sb_addch(sb, hx[c & 15]);
			} else {
				sb_addch(sb, c);
			}
		}
	}
	sb_addch(sb, '"');
}

static void out_value(struct strbuf *sb, const struct jv *v)
{
	switch (v->kind) {
	case JV_NULL: sb_adds(sb, "null"); break;
	case JV_TRUE: sb_adds(sb, "true"); break;
	case JV_FALSE: sb_adds(sb, "false"); break;
	case JV_NUM: sb_add(sb, v->s, v->len); break;
	case JV_STR: out_string(sb, v->s, v->len); break;
	case JV_ARR:
		sb_addch(sb, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sb_adds(sb, ", ");
			out_value(sb, &v->items[i]);
		}
		sb_addch(sb, ']');
		break;
	case JV_OBJ:
		sb_addch(sb, '{');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sb_adds(sb, ", ");
			out_string(sb, v->items[2 * i].s, v->items[2 * i].len);
			sb_adds(sb, ": ");
			out_value(sb, &v->items[2 * i + 1]);
		}
		sb_addch(sb, '}');
		break;
	}
}

int jv_parse(const char *text, size_t len, int json, struct jv *out)
{
	struct parser ps = { text, text + len, json, 0 };
	memset(out, 0, sizeof(*out));
	if (parse_value(&ps, out, 0) == 0) {
		ws(&ps);
		if (ps.p == ps.end)
			return 0;
	}
	jv_free(out);
	return ps.unicode_error ? -2 : -1;
}

int jsonb_normalize(const char *text, size_t len, struct strbuf *out)
{
	struct jv v;
	if (jv_parse(text, len, 0, &v))
		return -1;
	sb_reset(out);
	jv_out(out, &v);
	jv_free(&v);
	return 0;
}

void jv_out(struct strbuf *sb, const struct jv *v)
{
	out_value(sb, v);
}

void jv_out_string(struct strbuf *sb, const char *s, size_t len)
{
	out_string(sb, s, len);
}

/* ---- building and copying values ---- */

void jv_set_scalar(struct jv *v, enum jv_kind kind, const char *s, size_t len)
{
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	if (kind == JV_STR || kind == JV_NUM) {
		v->s = malloc(len + 1);
		if (!v->s)
			abort();
		memcpy(v->s, s, len);
		v->s[len] = '\0';
		v->len = len;
	}
}

void jv_copy(struct jv *dst, const struct jv *src)
{
	size_t m = src->kind == JV_OBJ ? 2 * src->n : src->n;
	*dst = *src;
	dst->src = NULL;
	dst->srclen = 0;
	dst->s = NULL;
	dst->items = NULL;
	if (src->s) {
		dst->s = malloc(src->len + 1);
		if (!dst->s)
			abort();
		memcpy(dst->s, src->s, src->len);
		dst->s[src->len] = '\0';
	}
	if (m) {
		dst->items = calloc(m, sizeof(*dst->items));
		if (!dst->items)
			abort();
		for (size_t i = 0; i < m; i++)
			jv_copy(&dst->items[i], &src->items[i]);
	}
}

void jv_push(struct jv *arr, struct jv *item)
{
	struct jv *items = realloc(arr->items, (arr->n + 1) * sizeof(*items));
	if (!items)
		abort();
	items[arr->n++] = *item;
	arr->items = items;
	memset(item, 0, sizeof(*item));
}

void jv_push_pair(struct jv *obj, struct jv *key, struct jv *value)
{
	struct jv *items = realloc(obj->items, (obj->n + 1) * 2 * sizeof(*items));
	if (!items)
		abort();
	items[2 * obj->n] = *key;
	items[2 * obj->n + 1] = *value;
	obj->items = items;
	obj->n++;
	memset(key, 0, sizeof(*key));
	memset(value, 0, sizeof(*value));
}

void jv_obj_finish(struct jv *v)
{
	/* the same rule as input: sort by key (stable), the last duplicate wins */
	struct jv *pairs = v->items;
	size_t n = v->n, w = 0;
	for (size_t i = 1; i < n; i++) {
		struct jv k = pairs[2 * i], val = pairs[2 * i + 1];
		size_t j = i;
		while (j > 0 && key_cmp(&pairs[2 * (j - 1)], &k) > 0) {
			pairs[2 * j] = pairs[2 * (j - 1)];
			pairs[2 * j + 1] = pairs[2 * (j - 1) + 1];
			j--;
		}
		pairs[2 * j] = k;
		pairs[2 * j + 1] = val;
	}
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && !key_cmp(&pairs[2 * i], &pairs[2 * (i + 1)])) {
			jv_free(&pairs[2 * i]);
			jv_free(&pairs[2 * i + 1]);
			continue;
		}
		pairs[2 * w] = pairs[2 * i];
		pairs[2 * w + 1] = pairs[2 * i + 1];
		w++;
	}
	v->n = w;
}

const struct jv *jv_obj_get(const struct jv *obj, const char *key, size_t len)
{
	/* json keeps duplicates; PostgreSQL's json operators take the last */
	const struct jv *found = NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->items[2 * i].len == len && !memcmp(obj->items[2 * i].s, key, len))
			found = &obj->items[2 * i + 1];
	return found;
}

/* ---- order ---- */

/* Compares two decimal numbers in numeric_out form (no exponent). */
int jv_num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int an = alen && a[0] == '-', bn = blen && b[0] == '-';
	size_t ai, bi, af, bf;
	int r = 0;
	if (an != bn)
		return an ? -1 : 1;
	a += an; alen -= (size_t)an;
	b += bn; blen -= (size_t)bn;
	for (ai = 0; ai < alen && a[ai] != '.'; ai++)
		;
	for (bi = 0; bi < blen && b[bi] != '.'; bi++)
		;
	/* numeric_out writes no leading zeros but "0" itself */
	while (ai > 1 && a[0] == '0') { a++; ai--; alen--; }
	while (bi > 1 && b[0] == '0') { b++; bi--; blen--; }
	if (ai != bi) {
		r = ai < bi ? -1 : 1;
	} else {
		r = memcmp(a, b, ai);
		if (!r) {
			af = ai < alen ? ai + 1 : alen;
			bf = bi < blen ? bi + 1 : blen;
			while (!r && (af < alen || bf < blen)) {
				char x = af < alen ? a[af++] : '0';
				char y = bf < blen ? b[bf++] : '0';
				r = (x > y) - (x < y);
			}
		}
		r = r < 0 ? -1 : r > 0;
	}
	return an ? -r : r;
}

/* PostgreSQL's type order for jsonb: null < string < number < bool < array < object */
static int kind_rank(enum jv_kind k)
{
	switch (k) {
	case JV_NULL: return 0;
	case JV_STR: return 1;
	case JV_NUM: return 2;
	case JV_TRUE: case JV_FALSE: return 3;
	case JV_ARR: return 4;
	case JV_OBJ: return 5;
	}
	return 0;
}

static int bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r)
		return r < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

/*
 * compareJsonbContainers walks both values token by token: containers
 * compare by their size first, then element by element (for objects: key,
 * then value, in storage order); strings compare under the database
 * collation, which drydock takes to be C (bytewise).
 */
static int jv_cmp_inner(const struct jv *a, const struct jv *b)
{
	int ra = kind_rank(a->kind), rb = kind_rank(b->kind);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (a->kind) {
	case JV_NULL: return 0;
	case JV_TRUE: case JV_FALSE:
		return (a->kind == JV_TRUE) - (b->kind == JV_TRUE);
	case JV_NUM: return jv_num_cmp(a->s, a->len, b->s, b->len);
	case JV_STR: return bytes_cmp(a->s, a->len, b->s, b->len);
	case JV_ARR: case JV_OBJ: {
		size_t m = a->kind == JV_OBJ ? 2 * a->n : a->n;
		if (a->n != b->n)
			return a->n < b->n ? -1 : 1;
		for (size_t i = 0; i < m; i++) {
			int r = jv_cmp_inner(&a->items[i], &b->items[i]);
			if (r)
				return r;
		}
		return 0;
	}
	}
	return 0;
}

static int is_scalar(const struct jv *v)
{
	return v->kind != JV_ARR && v->kind != JV_OBJ;
}

int jv_cmp(const struct jv *a, const struct jv *b)
{
	/*
	 * A top-level scalar is stored as a one-element "raw scalar" array:
	 * against a real array it is less, except that a raw scalar outranks
	 * an empty array, because the element count is compared last.
	 */
	if (is_scalar(a) != is_scalar(b)) {
		const struct jv *arr = is_scalar(a) ? b : a;
		if (arr->kind == JV_ARR) {
			int r = arr->n == 0 ? 1 : -1; /* the scalar's side */
			return is_scalar(a) ? r : -r;
		}
	}
	return jv_cmp_inner(a, b);
}
