/*
 * jsonutil: shared cJSON helpers (see jsonutil.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "util.h"

cJSON *jget(const cJSON *o, const char *key)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *jstr(const cJSON *o, const char *key)
{
	return jstr_or(o, key, NULL);
}

const char *jstr_or(const cJSON *o, const char *key, const char *dflt)
{
	cJSON *v = jget(o, key);
	return cJSON_IsString(v) ? v->valuestring : dflt;
}

double jnum_or(const cJSON *o, const char *key, double dflt)
{
	cJSON *v = jget(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int jbool(const cJSON *o, const char *key, int dflt)
{
	cJSON *v = jget(o, key);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

struct keyed {
	cJSON *item;
	size_t pos;   /* original position: equal keys keep their order */
};

/* qsort is not stable; the position as the last key makes it so */
static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int c = strcmp(a->item->string ? a->item->string : "",
		       b->item->string ? b->item->string : "");
	if (c)
		return c;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

void json_sort_keys(cJSON *item)
{
	struct keyed *v = NULL;
	size_t n = 0, alloc = 0;
	cJSON *c;

	if (!item)
		return;
	for (c = item->child; c; c = c->next)
		json_sort_keys(c);
	if (!cJSON_IsObject(item) || !item->child)
		return;
	for (c = item->child; c; c = c->next) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n].item = c;
		v[n].pos = n;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_keyed);
	item->child = v[0].item;
	for (size_t i = 0; i < n; i++) {
		/* cJSON keeps the last element in the first one's prev */
		v[i].item->prev = v[i ? i - 1 : n - 1].item;
		v[i].item->next = i + 1 < n ? v[i + 1].item : NULL;
	}
	free(v);
}

/* ------------------------------------------------------- pretty printing */

static void pretty_indent(struct strbuf *sb, int depth)
{
	sb_addch(sb, '\n');
	for (int i = 0; i < depth; i++)
		sb_addf(sb, "  ");
}

static void pretty_value(struct strbuf *sb, const cJSON *v, int depth)
{
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v), n = 0;
		sb_addch(sb, obj ? '{' : '[');
		for (const cJSON *c = v->child; c; c = c->next, n++) {
			if (n)
				sb_addch(sb, ',');
			pretty_indent(sb, depth + 1);
			if (obj) {
				sb_add_json_string(sb, c->string, strlen(c->string));
				sb_addf(sb, ": ");
			}
			pretty_value(sb, c, depth + 1);
		}
		if (n)
			pretty_indent(sb, depth);
		sb_addch(sb, obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		sb_add_json_string(sb, v->valuestring, strlen(v->valuestring));
	} else if (cJSON_IsBool(v)) {
		sb_addf(sb, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == (double)(long long)d && d > -9e15 && d < 9e15)
			sb_addf(sb, "%lld", (long long)d);
		else
			sb_addf(sb, "%.17g", d);
	} else {
		sb_addf(sb, "null");
	}
}

char *json_print_pretty(const cJSON *v)
{
	struct strbuf sb = STRBUF_INIT;
	pretty_value(&sb, v, 0);
	sb_addch(&sb, '\n');
	return sb_detach(&sb, NULL);
}
