/*
 * mask: personal data replaced during snapshot, so the staging file never
 * holds the original (docs/masking.md).
 *
 * A plan table may carry "mask": {"column": RULE, ...} with RULE one of
 *   "hash"         keyed HMAC-SHA256 of the value, shaped to the column type
 *                  (uuid, integer, text); equal inputs give equal outputs in
 *                  every table, so joins on masked keys still match
 *   "email"        a valid, unique, deterministic address u<hash>@example.invalid
 *   "keep_domain"  the same local part, the original domain kept
 *   "name"         a deterministic fake "First Last"
 *   "null"         NULL (the column must be nullable)
 *   {"constant": "text"}   that value (checked against the column type)
 * Every rule but null/constant needs a secret (--mask-secret-file or
 * DRYDOCK_MASK_SECRET); NULL stays NULL.
 */
#ifndef DD_MASK_H
#define DD_MASK_H

#include <cjson/cJSON.h>
#include "stage.h"

enum mask_kind { MASK_NONE = 0, MASK_HASH, MASK_EMAIL, MASK_KEEP_DOMAIN,
		 MASK_NAME, MASK_NULL, MASK_CONSTANT };

struct mask_rule {
	enum mask_kind kind;
	char *constant;      /* MASK_CONSTANT */
};

/* The masking rules of one table: one per column (MASK_NONE if unmasked). */
struct table_mask {
	struct mask_rule *rules; /* t->ncols entries */
	int nmasked;
};

/*
 * Reads the "mask" object of a plan table for table t; checks the columns
 * exist, rules are known, null columns are nullable, constants fit the
 * type, and that a secret is given when a rule needs one.  where names
 * the plan location for messages.
 */
int mask_compile(cJSON *mask, const struct table_meta *t, const char *secret,
		 const char *where, struct table_mask *out);
void mask_free(struct table_mask *m, int ncols);
/* The rule's name as recorded in the staging file ("hash", "constant"...). */
const char *mask_rule_name(const struct mask_rule *r);

/*
 * Masks one value (text of len bytes, in PostgreSQL text form) of column c
 * into out.  Returns 1 when the result is NULL.
 */
int mask_apply(const struct mask_rule *r, const struct column_meta *c,
	       const char *secret, const char *text, size_t len,
	       struct strbuf *out);

/* Reads the mask secret from a file (first line) or DRYDOCK_MASK_SECRET. */
char *mask_read_secret(const char *file);

#endif
