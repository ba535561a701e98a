/*
 * schemachange_int: what the pieces of the schema changes share
 * (schemachange.c, schemachange_value.c, schemachange_catalog.c,
 * schemachange_stage.c, schemachange_ddl.c); not an API, schemachange.h is.
 */
#ifndef DD_SCHEMACHANGE_INT_H
#define DD_SCHEMACHANGE_INT_H

#include "schemachange.h"
#include <cjson/cJSON.h>

/* "plan 'P': schema_changes[N] (op): what" as an error; -1. */
int change_error(const struct schema_change *c, const char *fmt, ...)
	ATTR_PRINTF(2, 3);

void hint_if_not_exists(void);

/* The strings of a (validated) JSON array of names; *n set. */
char **json_string_list(const cJSON *a, int *n);

char **strv_dup(char *const *v, int n);

int strv_has(char *const *v, int n, const char *s);

void add_qname(struct strbuf *sb, const char *schema, const char *name);

void add_ident_list(struct strbuf *sb, char *const *names, int n);

char *object_name(const char *name1, const char *name2,
		  const char *label);

char *joined_names(char *const *names, int n);

char *expression_colname(const char *expr);

void add_statement_text(struct strbuf *sb, const char *sql);

void add_guarded(struct strbuf *sb, const char *cond, const char *stmt);

const char *skip_ws(const char *p);

size_t match_paren(const char *s);

char *strip_casts(const char *expr);

char *normalize_value(const struct pgtype *t, const char *raw);

char *canonical_type(const char *type, int *serial);

struct sc_ref {
	char *schema; /* NULL: the target's schema */
	char *table;
	char **cols;
	int ncols;
};

void ref_free(struct sc_ref *r);

int read_name(const char **pp, struct strbuf *out);

int ref_parse(const cJSON *v, struct sc_ref *r);

char on_delete_letter(const char *s);

const char *on_delete_sql(char letter);

void add_fk_body(struct strbuf *sb, char *const *cols, int n,
		 const char *qualify_schema, const struct sc_ref *r,
		 char on_delete, int not_valid);

struct table_meta *live_table(const struct catalog *cat,
			      const struct source_meta *tgt,
			      const char *name);

int was_dropped(const struct catalog *cat, const struct source_meta *tgt,
		const char *name);

const struct source_meta *need_target(const struct catalog *cat,
				      const struct schema_change *c);

int no_table(const struct catalog *cat, const struct source_meta *tgt,
	     const struct schema_change *c, const char *name);

int no_column(const struct schema_change *c, const struct table_meta *t,
	      const char *col);

const struct constraint_meta *find_constraint(const struct table_meta *t,
					      const char *name);

int index_uses_column(const char *def, const char *col);

char *default_index_name(const struct schema_change *c);

char *default_fk_name(const struct schema_change *c);

#endif
