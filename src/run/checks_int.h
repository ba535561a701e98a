/*
 * checks_int: what the pieces of the checks engine share (checks.c, checks_parse.c,
 * checks_plan.c, checks_builtin.c, checks_store.c); not an API, checks.h is.
 */
#ifndef DD_CHECKS_INT_H
#define DD_CHECKS_INT_H

#include "checks.h"
#include "pgtype.h"

const struct table_meta *target_table(const struct catalog *cat, const char *name);

extern const struct pgtype plain_type;

void result_init(struct check_result *r, const char *kind, const char *phase,
		 int is_error, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void result_release(struct check_result *r);

void result_message(struct check_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void result_add_key(struct check_result *r, const char *json, const char *shown);

void session_push(struct check_session *s, struct check_result *r);

void add_shown_value(struct strbuf *sb, const char *v, size_t len);

void key_from_stmt(sqlite3_stmt *st, int first, int n,
		   const struct pgtype *const *types, struct strbuf *json,
		   struct strbuf *shown, struct strbuf *tmp);

void shown_from_json(const char *json, struct strbuf *shown);

struct inv_value {
	int done;
	char hash[65];
	long long rows;
	int ncols;
	int is_num;
	double num;
	char *shown;   /* the first row, for messages */
};

int compile_for(struct check_session *s, const char *what, const char *sql,
		const char *from, const char *phase, enum sqlc_context ctx,
		const char *where_table, char **out);

int prepare_query(struct check_session *s, const char *what, const char *pg_sql,
		  const char *from, const char *phase, int sqlite_dialect,
		  enum sqlc_context ctx, sqlite3_stmt **out);

int before_views(struct check_session *s, int create);

int run_plan_check(struct check_session *s, const struct plan_check *pc,
		   const char *phase);

int eval_invariant(struct check_session *s, const struct gate *g,
		   const char *phase, struct inv_value *v);

int check_invariant(struct check_session *s, int gi);

void add_pk_cols(struct strbuf *sb, const char *alias, const struct table_meta *t);

void add_pk_match(struct strbuf *sb, const char *a, const char *b,
		  const struct table_meta *t);

const struct table_meta *pristine_of(const struct check_session *s,
				     const struct table_meta *w);

int gate_test_where(struct check_session *s, const struct gate *g);

int check_table_gate(struct check_session *s, const struct gate *g);

int check_total_gate(struct check_session *s, const struct gate *g);

/* How many values identify a row of t: its key columns, else 1 (the rowid). */
int key_count(const struct table_meta *t);

int run_builtins(struct check_session *s);

#endif
