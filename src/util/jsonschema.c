/*
 * jsonschema: a small validator for the JSON Schema subset documented in
 * jsonschema.h.  Why not a library: Debian packages none for C that
 * speaks draft 2020-12, and drydock needs its own error text (the JSON
 * path and a "did you mean") more than the whole standard.
 */
#define _GNU_SOURCE
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema.h"
#include "util.h"

struct ctx {
	const cJSON *root;          /* for $ref */
	struct jsonschema_result *out;
	int quiet;                  /* only count errors (if, anyOf branches) */
	int count;
};

static void add_error(struct ctx *c, const char *path, char *message)
{
	c->count++;
	if (c->quiet || !c->out) {
		free(message);
		return;
	}
	c->out->errors = xrealloc(c->out->errors, (size_t)(c->out->nerrors + 1) *
				  sizeof(*c->out->errors));
	c->out->errors[c->out->nerrors].path = xstrdup(path);
	c->out->errors[c->out->nerrors].message = message;
	c->out->nerrors++;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *row = xcalloc(lb + 1, sizeof(int)), ret;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	ret = row[lb];
	free(row);
	return ret;
}

const char *closest_word(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int bestd = 0, limit = (int)strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (int i = 0; i < n; i++) {
		int d = levenshtein(word, candidates[i]);
		if (d <= limit && (!best || d < bestd)) {
			best = candidates[i];
			bestd = d;
		}
	}
	return best;
}

static char *child_path(const char *path, const char *key)
{
	return *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

static const char *type_of(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "number";
}

static int is_type(const cJSON *v, const char *t)
{
	if (!strcmp(t, "integer"))
		return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
		       v->valuedouble == floor(v->valuedouble);
	return !strcmp(t, type_of(v));
}

static const char *article(const char *t)
{
	if (!strcmp(t, "null"))
		return "";
	return !strcmp(t, "object") || !strcmp(t, "array") || !strcmp(t, "integer") ? "an " : "a ";
}

/* Whether two JSON values are equal (for enum and const). */
static int json_equal(const cJSON *a, const cJSON *b)
{
	return cJSON_Compare(a, b, 1);
}

static void value_text(struct strbuf *sb, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);
	sb_adds(sb, s ? s : "?");
	cJSON_free(s);
}

static int validate(struct ctx *c, const cJSON *s, const cJSON *v, const char *path);

/* A schema's type keyword as a list, for anyOf branch selection. */
static int schema_admits_type(const cJSON *s, const cJSON *v)
{
	const cJSON *t = get(s, "type"), *e = get(s, "enum"), *it;
	if (cJSON_IsString(t))
		return is_type(v, t->valuestring) ||
		       (!strcmp(t->valuestring, "integer") && cJSON_IsNumber(v));
	if (cJSON_IsArray(t)) {
		cJSON_ArrayForEach(it, t)
			if (cJSON_IsString(it) && is_type(v, it->valuestring))
				return 1;
		return 0;
	}
	if (cJSON_IsArray(e)) {
		cJSON_ArrayForEach(it, e)
			if (!strcmp(type_of(it), type_of(v)))
				return 1;
		return 0;
	}
	return 1;
}

static int quiet_count(struct ctx *c, const cJSON *s, const cJSON *v, const char *path)
{
	struct ctx q = *c;
	q.quiet = 1;
	q.count = 0;
	validate(&q, s, v, path);
	return q.count;
}

static void any_of(struct ctx *c, const cJSON *list, const cJSON *v, const char *path)
{
	const cJSON *b, *only = NULL;
	int nmatch = 0;
	struct strbuf sb = STRBUF_INIT;
	cJSON_ArrayForEach(b, list)
		if (!quiet_count(c, b, v, path))
			return;
	/* report the errors of the one branch made for this kind of value */
	cJSON_ArrayForEach(b, list)
		if (schema_admits_type(b, v)) {
			only = b;
			nmatch++;
		}
	if (nmatch == 1) {
		validate(c, only, v, path);
		return;
	}
	sb_adds(&sb, "must be ");
	{
		int i = 0;
		cJSON_ArrayForEach(b, list) {
			const cJSON *t = get(b, "type"), *e = get(b, "enum");
			if (i++)
				sb_adds(&sb, " or ");
			if (cJSON_IsString(t)) {
				sb_addf(&sb, "%s%s", article(t->valuestring), t->valuestring);
			} else if (cJSON_IsArray(e)) {
				const cJSON *it;
				int k = 0;
				sb_adds(&sb, "one of ");
				cJSON_ArrayForEach(it, e) {
					if (k++)
						sb_adds(&sb, ", ");
					value_text(&sb, it);
				}
			} else {
				sb_adds(&sb, "another form");
			}
		}
	}
	add_error(c, path, sb_detach(&sb, NULL));
}

static void check_type(struct ctx *c, const cJSON *t, const cJSON *v, const char *path, int *ok)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *it;
	if (cJSON_IsString(t)) {
		if (is_type(v, t->valuestring))
			return;
		*ok = 0;
		add_error(c, path, xasprintf("must be %s%s, not %s%s", article(t->valuestring),
					     t->valuestring, article(type_of(v)), type_of(v)));
		return;
	}
	if (!cJSON_IsArray(t))
		return;
	cJSON_ArrayForEach(it, t)
		if (cJSON_IsString(it) && is_type(v, it->valuestring))
			return;
	*ok = 0;
	sb_adds(&sb, "must be ");
	{
		int i = 0;
		cJSON_ArrayForEach(it, t)
			if (cJSON_IsString(it))
				sb_addf(&sb, "%s%s%s", i++ ? " or " : "", article(it->valuestring),
					it->valuestring);
	}
	sb_addf(&sb, ", not %s%s", article(type_of(v)), type_of(v));
	add_error(c, path, sb_detach(&sb, NULL));
}

static void check_object(struct ctx *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *props = get(s, "properties"), *addl = get(s, "additionalProperties");
	const cJSON *req = get(s, "required"), *names = get(s, "propertyNames");
	const cJSON *minp = get(s, "minProperties"), *it;

	cJSON_ArrayForEach(it, req) {
		if (cJSON_IsString(it) && !get(v, it->valuestring))
			add_error(c, path, xasprintf("\"%s\" is required", it->valuestring));
	}
	if (cJSON_IsNumber(minp) && cJSON_GetArraySize(v) < (int)minp->valuedouble)
		add_error(c, path, xasprintf("needs at least %d entr%s", (int)minp->valuedouble,
					     (int)minp->valuedouble == 1 ? "y" : "ies"));
	cJSON_ArrayForEach(it, v) {
		const cJSON *ps = props ? get(props, it->string) : NULL;
		char *p = child_path(path, it->string);
		if (names) {
			cJSON key = { 0 };
			key.type = cJSON_String;
			key.valuestring = it->string;
			if (quiet_count(c, names, &key, p)) {
				const cJSON *pat = get(names, "pattern");
				add_error(c, p, xasprintf("the name \"%s\" is not allowed here%s%s%s", it->string,
							  pat ? " (it must match " : "",
							  pat ? pat->valuestring : "", pat ? ")" : ""));
			}
		}
		if (ps) {
			validate(c, ps, it, p);
		} else if (cJSON_IsFalse(addl)) {
			const char **cands = NULL;
			const cJSON *k;
			const char *best;
			int n = 0;
			cJSON_ArrayForEach(k, props) {
				cands = xrealloc(cands, (size_t)(n + 1) * sizeof(*cands));
				cands[n++] = k->string;
			}
			best = closest_word(it->string, cands, n);
			if (best) {
				add_error(c, p, xasprintf("unknown key \"%s\" (did you mean \"%s\"?)",
							  it->string, best));
			} else {
				struct strbuf sb = STRBUF_INIT;
				sb_addf(&sb, "unknown key \"%s\" (allowed here:", it->string);
				for (int i = 0; i < n; i++)
					if (cands[i][0] != '$')
						sb_addf(&sb, " %s", cands[i]);
				sb_adds(&sb, ")");
				add_error(c, p, sb_detach(&sb, NULL));
			}
			free(cands);
		} else if (cJSON_IsObject(addl)) {
			validate(c, addl, it, p);
		}
		free(p);
	}
}

static void check_array(struct ctx *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *items = get(s, "items"), *mini = get(s, "minItems"), *it;
	int i = 0;
	if (cJSON_IsNumber(mini) && cJSON_GetArraySize(v) < (int)mini->valuedouble)
		add_error(c, path, (int)mini->valuedouble == 1 ? xstrdup("must not be empty")
				   : xasprintf("needs at least %d items", (int)mini->valuedouble));
	if (!cJSON_IsObject(items))
		return;
	cJSON_ArrayForEach(it, v) {
		char *p = xasprintf("%s[%d]", path, i++);
		validate(c, items, it, p);
		free(p);
	}
}

static void check_scalar(struct ctx *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *k;
	if (cJSON_IsNumber(v)) {
		if ((k = get(s, "minimum")) && cJSON_IsNumber(k) && v->valuedouble < k->valuedouble)
			add_error(c, path, xasprintf("must be %g or more", k->valuedouble));
		if ((k = get(s, "maximum")) && cJSON_IsNumber(k) && v->valuedouble > k->valuedouble)
			add_error(c, path, xasprintf("must be %g or less", k->valuedouble));
	}
	if (cJSON_IsString(v)) {
		if ((k = get(s, "minLength")) && cJSON_IsNumber(k) &&
		    strlen(v->valuestring) < (size_t)k->valuedouble)
			add_error(c, path, k->valuedouble == 1 ? xstrdup("must not be empty")
				  : xasprintf("must be at least %g characters", k->valuedouble));
		if ((k = get(s, "pattern")) && cJSON_IsString(k)) {
			regex_t re;
			if (!regcomp(&re, k->valuestring, REG_EXTENDED | REG_NOSUB)) {
				if (regexec(&re, v->valuestring, 0, NULL, 0))
					add_error(c, path, xasprintf("\"%s\" does not have the expected form (%s)",
								     v->valuestring, k->valuestring));
				regfree(&re);
			}
		}
	}
}

static int validate(struct ctx *c, const cJSON *s, const cJSON *v, const char *path)
{
	const cJSON *k;
	int before = c->count, ok = 1;

	if (cJSON_IsTrue(s) || !cJSON_IsObject(s))
		return 0;
	if ((k = get(s, "$ref")) && cJSON_IsString(k)) {
		const char *ref = k->valuestring;
		const cJSON *target = NULL;
		if (!strncmp(ref, "#/$defs/", 8))
			target = get(get(c->root, "$defs"), ref + 8);
		if (!target)
			add_error(c, path, xasprintf("(schema error) unresolved $ref \"%s\"", ref));
		else
			validate(c, target, v, path);
	}
	if ((k = get(s, "type")))
		check_type(c, k, v, path, &ok);
	if (!ok)
		return c->count - before; /* the rest would only repeat it */
	if ((k = get(s, "enum")) && cJSON_IsArray(k)) {
		const cJSON *it;
		int found = 0;
		cJSON_ArrayForEach(it, k)
			found |= json_equal(it, v);
		if (!found) {
			struct strbuf sb = STRBUF_INIT;
			int i = 0;
			sb_adds(&sb, "must be one of ");
			cJSON_ArrayForEach(it, k) {
				if (i++)
					sb_adds(&sb, ", ");
				value_text(&sb, it);
			}
			sb_adds(&sb, "; not ");
			value_text(&sb, v);
			add_error(c, path, sb_detach(&sb, NULL));
		}
	}
	if ((k = get(s, "const")) && !json_equal(k, v)) {
		struct strbuf sb = STRBUF_INIT;
		sb_adds(&sb, "must be ");
		value_text(&sb, k);
		add_error(c, path, sb_detach(&sb, NULL));
	}
	if (cJSON_IsObject(v))
		check_object(c, s, v, path);
	else if (cJSON_IsArray(v))
		check_array(c, s, v, path);
	else
		check_scalar(c, s, v, path);
	if ((k = get(s, "anyOf")))
		any_of(c, k, v, path);
	if ((k = get(s, "oneOf")))
		any_of(c, k, v, path);
	if ((k = get(s, "allOf"))) {
		const cJSON *it;
		cJSON_ArrayForEach(it, k)
			validate(c, it, v, path);
	}
	if ((k = get(s, "if"))) {
		const cJSON *branch = quiet_count(c, k, v, path) ? get(s, "else") : get(s, "then");
		if (branch)
			validate(c, branch, v, path);
	}
	return c->count - before;
}

int jsonschema_validate(const cJSON *schema, const cJSON *value, struct jsonschema_result *out)
{
	struct ctx c = { .root = schema, .out = out };
	memset(out, 0, sizeof(*out));
	validate(&c, schema, value, "");
	return out->nerrors;
}

void jsonschema_result_free(struct jsonschema_result *r)
{
	for (int i = 0; i < r->nerrors; i++) {
		free(r->errors[i].path);
		free(r->errors[i].message);
	}
	free(r->errors);
	memset(r, 0, sizeof(*r));
}
