#define _GNU_SOURCE
#include "mask.h"

#include <errno.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

static const struct {
	const char *name;
	enum mask_kind kind;
} rule_names[] = {
	{ "hash", MASK_HASH },   { "email", MASK_EMAIL }, { "keep_domain", MASK_KEEP_DOMAIN },
	{ "name", MASK_NAME },   { "null", MASK_NULL },   { "constant", MASK_CONSTANT },
};

const char *mask_rule_name(const struct mask_rule *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_names); i++)
		if (rule_names[i].kind == r->kind)
			return rule_names[i].name;
	return "none";
}

static int needs_secret(enum mask_kind k)
{
	return k == MASK_HASH || k == MASK_EMAIL || k == MASK_KEEP_DOMAIN || k == MASK_NAME;
}

static int is_texty(const struct pgtype *t)
{
	return !t->is_array && (t->kind == PGK_TEXT || t->kind == PGK_VARCHAR ||
				t->kind == PGK_CHAR || t->kind == PGK_OTHER);
}

static int bad(const char *where, const char *col, const char *what)
{
	error("plan: %s: mask of column '%s': %s", where, col, what);
	hint("Masking rules are described in docs/masking.md.");
	return -1;
}

int mask_compile(cJSON *mask, const struct table_meta *t, const char *secret,
		 const char *where, struct table_mask *out)
{
	cJSON *it;
	memset(out, 0, sizeof(*out));
	out->rules = xcalloc((size_t)t->ncols + 1, sizeof(*out->rules));
	if (!mask)
		return 0;
	if (!cJSON_IsObject(mask)) {
		error("plan: %s: \"mask\" must be an object of column: rule", where);
		return -1;
	}
	cJSON_ArrayForEach(it, mask) {
		int ci = table_column_index(t, it->string);
		struct mask_rule *r;
		const struct column_meta *c;
		if (ci < 0)
			return bad(where, it->string, "the table has no such column");
		r = &out->rules[ci];
		c = &t->cols[ci];
		if (cJSON_IsString(it)) {
			for (size_t i = 0; i < ARRAY_SIZE(rule_names); i++)
				if (!strcmp(it->valuestring, rule_names[i].name))
					r->kind = rule_names[i].kind;
		} else if (cJSON_IsObject(it)) {
			cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "constant");
			if (cJSON_IsString(k)) {
				r->kind = MASK_CONSTANT;
				r->constant = xstrdup(k->valuestring);
			}
		}
		if (!r->kind || (r->kind == MASK_CONSTANT && !r->constant))
			return bad(where, it->string,
				   "a rule is \"hash\", \"email\", \"keep_domain\", \"name\", \"null\" or {\"constant\": \"text\"}");
		if (r->kind == MASK_NULL && c->not_null)
			return bad(where, c->name, "\"null\" on a NOT NULL column");
		if (r->kind == MASK_CONSTANT) {
			const char *why = NULL;
			/* enum labels are not at hand here; other types are checked */
			if (!c->is_enum && pgvalue_check(&c->type, r->constant,
							 strlen(r->constant), NULL, 0, &why))
				return bad(where, c->name, why);
		}
		if ((r->kind == MASK_EMAIL || r->kind == MASK_KEEP_DOMAIN ||
		     r->kind == MASK_NAME) && !is_texty(&c->type))
			return bad(where, c->name, "email, keep_domain and name rules need a text column");
		if (r->kind == MASK_HASH && !is_texty(&c->type) && !c->type.is_array &&
		    c->type.kind != PGK_UUID && c->type.kind != PGK_INT2 &&
		    c->type.kind != PGK_INT4 && c->type.kind != PGK_INT8)
			return bad(where, c->name, "\"hash\" works on text, uuid and integer columns; use \"null\" or a constant");
		if ((r->kind == MASK_EMAIL || r->kind == MASK_KEEP_DOMAIN) &&
		    c->type.len >= 0 && c->type.len < 32 &&
		    (c->type.kind == PGK_VARCHAR || c->type.kind == PGK_CHAR))
			return bad(where, c->name, "the column is too short for a masked address (32 characters needed)");
		if (needs_secret(r->kind) && (!secret || !*secret)) {
			error("plan: %s: masking column '%s' with \"%s\" needs a secret", where,
			      c->name, mask_rule_name(r));
			detail("The secret keys the hash, so masked values are stable but cannot be reversed or recomputed without it.");
			hint("Pass --mask-secret-file FILE, or set DRYDOCK_MASK_SECRET.");
			return -1;
		}
		out->nmasked++;
	}
	return 0;
}

void mask_free(struct table_mask *m, int ncols)
{
	if (!m->rules)
		return;
	for (int i = 0; i < ncols; i++)
		free(m->rules[i].constant);
	free(m->rules);
	m->rules = NULL;
}

static void hmac(const char *secret, const char *text, size_t len, unsigned char out[32])
{
	unsigned int n = 32;
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)text,
		  len, out, &n))
		die("HMAC-SHA256 failed");
}

static void add_hex(struct strbuf *out, const unsigned char *d, size_t nbytes)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < nbytes; i++) {
		sb_addch(out, hx[d[i] >> 4]);
		sb_addch(out, hx[d[i] & 15]);
	}
}

static const char *const first_names[] = {
	"Alex", "Sam", "Robin", "Jamie", "Morgan", "Taylor", "Jordan", "Casey",
	"Riley", "Avery", "Quinn", "Rowan", "Sage", "Emery", "Dana", "Kai",
};
static const char *const last_names[] = {
	"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore",
	"Clark", "Lewis", "Walker", "Young", "Allen", "King", "Scott", "Green",
};

int mask_apply(const struct mask_rule *r, const struct column_meta *c,
	       const char *secret, const char *text, size_t len,
	       struct strbuf *out)
{
	unsigned char d[32];
	sb_reset(out);
	switch (r->kind) {
	case MASK_NULL:
		return 1;
	case MASK_CONSTANT:
		sb_adds(out, r->constant);
		return 0;
	case MASK_NONE:
		sb_add(out, text, len);
		return 0;
	default:
		break;
	}
	hmac(secret, text, len, d);
	switch (r->kind) {
	case MASK_HASH:
		if (c->type.kind == PGK_UUID) {
			uuid_t u;
			char s[37];
			memcpy(u, d, 16);
			u[6] = (unsigned char)((u[6] & 0x0f) | 0x80); /* version 8: custom */
			u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
			uuid_unparse_lower(u, s);
			sb_adds(out, s);
		} else if (c->type.kind == PGK_INT2 || c->type.kind == PGK_INT4 ||
			   c->type.kind == PGK_INT8) {
			unsigned long long v = 0;
			for (int i = 0; i < 8; i++)
				v = v << 8 | d[i];
			unsigned long long max = c->type.kind == PGK_INT2 ? 32767ULL
						 : c->type.kind == PGK_INT4 ? 2147483647ULL
									    : 9223372036854775807ULL;
			sb_addf(out, "%llu", v % max + 1);
		} else {
			size_t n = 16; /* 32 hex digits */
			if (c->type.len > 0 && (size_t)c->type.len < 2 * n)
				n = (size_t)c->type.len / 2 ? (size_t)c->type.len / 2 : 1;
			add_hex(out, d, n);
			if (c->type.len > 0 && out->len > (size_t)c->type.len)
				sb_setlen(out, (size_t)c->type.len);
		}
		return 0;
	case MASK_EMAIL:
	case MASK_KEEP_DOMAIN: {
		const char *at = memchr(text, '@', len);
		sb_addch(out, 'u');
		add_hex(out, d, 8);
		sb_addch(out, '@');
		if (r->kind == MASK_KEEP_DOMAIN && at && at + 1 < text + len)
			sb_add(out, at + 1, (size_t)(text + len - at - 1));
		else
			sb_adds(out, "example.invalid");
		return 0;
	}
	case MASK_NAME:
		sb_adds(out, first_names[d[0] % ARRAY_SIZE(first_names)]);
		sb_addch(out, ' ');
		sb_adds(out, last_names[d[1] % ARRAY_SIZE(last_names)]);
		sb_addf(out, " %02x%02x", d[2], d[3]);
		return 0;
	default:
		return 0;
	}
}

char *mask_read_secret(const char *file)
{
	if (file) {
		size_t len;
		char *s = read_file(file, &len);
		if (!s) {
			error("cannot read mask secret file '%s': %s", file, strerror(errno));
			return NULL;
		}
		s[strcspn(s, "\r\n")] = '\0';
		redact_register(s);
		return s;
	}
	const char *e = getenv("DRYDOCK_MASK_SECRET");
	if (e) {
		redact_register(e);
		return xstrdup(e);
	}
	return NULL;
}
