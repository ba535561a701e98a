/*
 * sqlc_int: the SQL compiler's insides, shared by src/sql/compile*.c.
 *
 *   compile.c        the API of sqlc.h: environment, statement loop, errors,
 *                    compile-time evaluation, sqlc_setup and sqlc_exec
 *   compile_types.c  compiler types (struct ctype), type names, casts and
 *                    coercion, operator/function overload resolution and
 *                    common-type selection, after PostgreSQL's parse_func.c,
 *                    parse_oper.c and parse_coerce.c
 *   compile_expr.c   expressions: libpg_query JSON -> typed tree (struct
 *                    expr), and the printer of the tree as SQLite SQL
 *   compile_stmt.c   statements: FROM items and scopes, SELECT, INSERT,
 *                    UPDATE, DELETE, TRUNCATE, CREATE/DROP TABLE
 *
 * The IR is a typed expression tree.  Leaves are finished SQLite text (a
 * literal, a column reference, a compiled subquery); inner nodes are a
 * function call or a template whose $1..$N are the children and $c the
 * collation.  Every node has its PostgreSQL type and its byte offset in
 * the file, so an error can name the line and column.  Nodes live in an
 * arena freed after each statement.
 */
#ifndef DD_SQLC_INT_H
#define DD_SQLC_INT_H

#include <cJSON.h>
#include "pgfn.h"
#include "sqlc.h"
#include "util.h"

/* ---- types ---- */

/*
 * A PostgreSQL type as the compiler sees it: a PGT type (enum pgkind, or'ed
 * with PGT_ARRAY) and its typmod.  Enums and types drydock does not model
 * (domains, PGK_OTHER) also carry their name, which tells two apart.
 */
struct ctype {
	int t;             /* PGT type */
	int mod1, mod2;    /* typmod: length, precision (numeric, time), scale; -1 none */
	const char *name;  /* enum "source.type", other types' format_type text; else NULL */
	const char *domain; /* a column's domain over an enum: its name (anyenum does
			     * not take a domain, PostgreSQL's operators refuse it) */
};

enum coerce_ctx { CC_IMPLICIT, CC_ASSIGN, CC_EXPLICIT };

/* ---- the IR ---- */

enum ekind {
	E_SQL,        /* leaf: finished SQLite text */
	E_COL,        /* leaf: a column reference (text is its SQL) */
	E_UNKNOWN,    /* leaf: an untyped string literal; text is its value */
	E_NULL,       /* leaf: NULL, untyped until coerced */
	E_FUNC,       /* text(kids...) */
	E_TEMPLATE,   /* text with $1..$N for kids, $c for coll */
};

enum eflags {
	X_AGG      = 1 << 0, /* is or contains an aggregate of its query level */
	X_WINDOW   = 1 << 1, /* is or contains a window function */
	X_VOLATILE = 1 << 2, /* evaluates differently each time (random, nextval) */
	X_SUBQ     = 1 << 3, /* contains a subquery */
	X_STAR     = 1 << 4, /* E_FUNC: f(*) */
	X_DISTINCT = 1 << 5, /* E_FUNC: f(DISTINCT ...) */
	X_CONST    = 1 << 6, /* E_SQL: a constant folded at compile time */
	X_POISON   = 1 << 7, /* is or contains a constant whose folding failed */
	X_ANDOR    = 1 << 9, /* AND/OR written as CASE to short-circuit as
				PostgreSQL's ExecEvalAnd/Or (kids: the two sides) */
};

struct scope;
struct expr {
	enum ekind kind;
	struct ctype type;
	int loc;               /* byte offset in the file, -1 unknown */
	const char *text;      /* see enum ekind */
	struct expr **kids;
	int nkids;
	unsigned flags;        /* enum eflags */
	const char *coll;      /* $c: "\"pg_numeric\"" or BINARY */
	const char *suffix;    /* E_FUNC: printed after ")" (FILTER, OVER) */
	const struct scope *col_scope; /* E_COL: the scope it was found in */
	const void *col_rte;   /* E_COL: the FROM item (struct rte) */
	int col_no;            /* E_COL: its column number there */
	struct poison *poison; /* X_POISON leaf: the failed fold, shared by copies */
	struct expr **hid;     /* expressions e replaced when folded (ex_keep) */
	int nhid;
};

/* A fold that failed: raised by poison_check unless ex_drop reached a copy. */
struct poison {
	const char *msg;       /* PostgreSQL's error message */
	int dropped;           /* the planner never reaches it */
};

/* ---- the compile context ---- */

struct rel;
struct sqlc_env {
	const struct catalog *cat;
	sqlite3 *db;
	const struct pgfn_module *const *mods;
	sqlite3 *evaldb;              /* private connection for compile-time evaluation */
	struct rel **scratch;         /* scratch tables made by compiled statements */
	int nscratch;
	size_t alloc_scratch;
	int has_batch;
	struct ctype batch_type;
	char *where_source, *where_table;
	struct sqlc_error err;        /* the last compile error */
};

/*
 * A column whose type is a domain: the compiler reads it as the domain's
 * base type and checks the domain's NOT NULL and CHECKs on every value
 * written to it (CoerceToDomain), in PostgreSQL's order: the base domain's
 * constraints first, then by name.  The staging file keeps the value as
 * the base type's text output.
 */
struct domain_info {
	const char *name;     /* format_type of the domain */
	int not_null;
	const char *default_expr; /* PostgreSQL text, or NULL */
	int nchecks;
	const char **check_names, **check_defs; /* pg_get_constraintdef text */
};

/* One relation a statement may name: a catalog table, a scratch table, dd_batch. */
struct rcolumn {
	char *name;
	struct ctype type;
	char *pg_type;      /* format_type text */
	char *default_expr; /* or NULL */
	char identity;      /* 'a', 'd' or 0 */
	char *sequence;     /* owned sequence or NULL */
	int not_null;
	char *generated;    /* GENERATED ALWAYS AS (this) STORED, PostgreSQL text, or NULL */
	const struct domain_info *domain; /* its type is this domain (type: the base type) */
};
struct rel {
	char *name;         /* name in PostgreSQL */
	char *source;       /* source name, NULL for scratch tables */
	char *sql_name;     /* table name in the staging file */
	int writable;       /* a target table or a scratch table */
	int is_scratch;
	int temp;
	const struct table_meta *meta; /* catalog tables */
	struct rcolumn *cols;
	int ncols;
};

/* A grouped query level: what its ORDER BY may name outside aggregates. */
struct rte;
struct grouping {
	const struct scope *sc;
	char **groups;      /* the GROUP BY expressions as SQL */
	int ngroups;
	const struct rte **pk_rtes; /* items whose whole primary key is grouped */
	int npk;
};

struct cx {
	struct sqlc_env *env;
	struct grouping *grouping; /* set while a grouped query's ORDER BY compiles */
	const char *file;
	const char *file_text; /* the whole file, for line and column */
	int stmt_loc;       /* where the current statement starts */
	const char *text;   /* the text locations point into (file_text, or
			       the wrapped where clause, or a default) */
	int base;           /* offset of the file's text in text (SQLC_WHERE wraps it) */
	int quiet;          /* > 0: errors are recorded, not printed */
	enum sqlc_context ctx;
	void **arena;       /* everything allocated for the current statement */
	size_t narena, alloc_arena;
	struct strbuf **bufs; /* ar_buf's, released with the arena */
	size_t nbufs, alloc_bufs;
	int next_alias;     /* for generated subquery names */
	struct expr **poisons; /* folds that failed, in the order made (ex_fold) */
	size_t npoisons, alloc_poisons;
	/* data-modifying WITH and RETURNING (compile_stmt.c), per statement */
	struct strbuf *pre;   /* run before the statement: the WITH's DML */
	struct strbuf *post;  /* run after it: their temp tables dropped */
	int ndml;             /* DML parts so far (0: the statement itself) */
	int dml_part;         /* the part compiling now */
	struct relref *refs;  /* every table named, by part */
	size_t nrefs, alloc_refs;
	struct returning *ret; /* set by the part just compiled when it returns rows */
	const void *top_with; /* the statement's own WITH clause (parse tree) */
};

/* ---- compile.c ---- */
void *ar_alloc(struct cx *cx, size_t n);
char *ar_strdup(struct cx *cx, const char *s);
char *ar_printf(struct cx *cx, const char *fmt, ...) ATTR_PRINTF(2, 3);
char *ar_sb(struct cx *cx, struct strbuf *sb); /* moves sb into the arena */
/* A strbuf released with the arena (error paths leave it behind safely). */
struct strbuf *ar_buf(struct cx *cx);
/* Reports a compile error at byte offset loc; returns -1. hint may be NULL. */
int cx_error(struct cx *cx, int loc, const char *hintmsg, const char *fmt, ...)
	ATTR_PRINTF(4, 5);
/*
 * Evaluates a constant SQLite expression on the private connection and
 * returns it as SQLite literal text (NULL after cx_error on a runtime error).
 */
char *eval_const(struct cx *cx, const char *sql, int loc);
/* eval_const without cx_error: NULL with *errmsg (arena) on a runtime error. */
char *eval_const_msg(struct cx *cx, const char *sql, char **errmsg);
/*
 * The first folding error the planner would reach in the statement just
 * compiled (a poison not dropped): -1 after cx_error with its message, else 0.
 */
int poison_check(struct cx *cx);
struct rel *env_find_scratch(struct sqlc_env *env, const char *name);
void env_add_scratch(struct sqlc_env *env, struct rel *r);
void env_drop_scratch(struct sqlc_env *env, const char *name);
void rel_free(struct rel *r);

/* ---- compile_types.c ---- */
extern const struct ctype T_UNKNOWN, T_BOOL, T_INT4, T_INT8, T_TEXT, T_NUMERIC;
struct ctype ct_make(int t);
int ct_same(const struct ctype *a, const struct ctype *b);      /* type, not typmod */
int ct_same_mod(const struct ctype *a, const struct ctype *b);  /* type and typmod */
int ct_is_unknown(const struct ctype *a);
/* PostgreSQL's name: "integer", "character varying(40)" (with typmod when mods). */
const char *ct_name(struct cx *cx, const struct ctype *t, int mods);
/* From a column's format_type text and enum type name. */
struct ctype ct_from_format(struct sqlc_env *env, const char *source,
			    const char *format_type, int is_enum,
			    const char *enum_type);
/* From a TypeName node of the parse tree; -1 after cx_error. */
int ct_from_typename(struct cx *cx, const cJSON *tn, struct ctype *out);
/* The order of a type: 1 with *coll set ("\"pg_numeric\"" or "BINARY"), or 0. */
int ct_order(struct cx *cx, const struct ctype *t, const char **coll);
int ct_storage_integer(const struct ctype *t);

/*
 * Coerces e to type to (with its typmod) in context cc, as PostgreSQL's
 * coerce_to_target_type does: unknown literals through the type's input
 * function at compile time, casts from the registry, typmod coercion.
 * Returns the coerced expression, or NULL after cx_error ("cannot cast type
 * x to y", "column ... is of type ... but expression is of type ...").
 * what says how to word the error (NULL: a plain cast).
 */
struct expr *coerce_to(struct cx *cx, struct expr *e, const struct ctype *to,
		       enum coerce_ctx cc, const char *what);
int can_coerce(struct cx *cx, const struct ctype *from, const struct ctype *to,
	       enum coerce_ctx cc);
/* PostgreSQL's select_common_type; -1 after cx_error naming context ("UNION"). */
int select_common_type(struct cx *cx, struct expr **es, int n,
		       const char *context, struct ctype *out);
/* A resolved operator or function. */
struct resolved {
	const struct pgfn_sig *sig;    /* NULL for comparisons */
	struct ctype args[PGFN_MAXARGS + 16];
	int nargs;
	struct ctype ret;
	const char *coll;              /* comparisons: the order's collation */
};
/*
 * Resolves operator name over args (nargs 1 or 2) or function name over
 * args, after PostgreSQL's rules; comparisons (= <> < <= > >=) resolve
 * over the types' orders.  0, or -1 after cx_error.
 */
int resolve_operator(struct cx *cx, const char *name, struct expr **args,
		     int nargs, int loc, struct resolved *out);
int resolve_function(struct cx *cx, const char *name, struct expr **args,
		     int nargs, int loc, int want_srf, struct resolved *out);
int is_comparison(const char *op);
/* Iterates every signature of the environment's modules. */
#define FOR_EACH_SIG(env, s)                                                 \
	for (int m_ = 0; (env)->mods[m_]; m_++)                              \
		for (const struct pgfn_sig *s = (env)->mods[m_]->sigs;       \
		     s < (env)->mods[m_]->sigs + (env)->mods[m_]->nsigs; s++)

/* ---- compile_expr.c ---- */
struct expr *ex_new(struct cx *cx, enum ekind k, const struct ctype *t, int loc);
struct expr *ex_sql(struct cx *cx, const char *sql, const struct ctype *t, int loc);
struct expr *ex_func(struct cx *cx, const char *fn, const struct ctype *t, int loc,
		     int n, struct expr **kids);
struct expr *ex_tmpl(struct cx *cx, const char *fmt, const struct ctype *t, int loc,
		     int n, ...);
/*
 * Constant folding, after PostgreSQL's eval_const_expressions: a strict
 * function, operator or cast over a NULL constant is a NULL constant, even
 * when its other arguments are not constants (so `x / 0 + NULL` is NULL,
 * not an error); AND, OR, NOT, CASE, COALESCE, IS [NOT] NULL and IS
 * [NOT] TRUE simplify over constants as PostgreSQL simplifies them.
 * ex_is_null: e is a NULL constant (NULL, NULL::int, a folded call).
 */
int ex_is_null(const struct expr *e);
/* A constant: NULL, a literal, or a folded call. */
int ex_is_const(const struct expr *e);
/*
 * e evaluated at compile time when every child is a constant, as
 * PostgreSQL's planner evaluates an immutable call over constants (the
 * caller knows e is immutable).  The result is a constant; when the
 * evaluation fails, a poison node carrying PostgreSQL's message, which
 * poison_check raises at the end of the statement unless ex_drop removed
 * it first (a CASE arm, OR/AND argument or COALESCE argument the planner
 * never simplifies: PostgreSQL does not evaluate it either).
 */
struct expr *ex_fold(struct cx *cx, struct expr *e);
/* Marks every poison under e as never reached. */
void ex_drop(struct expr *e);
struct expr *ex_null(struct cx *cx, const struct ctype *t, int loc);
/* e, a constant replacing args when folded, keeps the failed folds among
 * them reachable for ex_drop (see compile_expr.c). */
struct expr *ex_keep(struct cx *cx, struct expr *e, struct expr **args, int n);
/* Prints e as SQLite SQL. */
void ex_print(struct strbuf *sb, const struct expr *e);
char *ex_sqltext(struct cx *cx, const struct expr *e);
/* A comparison a OP b (both already of one type) under the type's order. */
struct expr *ex_compare(struct cx *cx, const char *op, struct expr *a, struct expr *b,
			const char *coll, int loc);
/* A call of a resolved signature over args (coerced here), with the
 * arguments the signature's flags ask for. */
struct expr *call_sig(struct cx *cx, const struct resolved *r, struct expr **args,
		      int n, int loc);
/* The comparison a OP b resolved by PostgreSQL's rules; NULL after cx_error. */
struct expr *make_comparison(struct cx *cx, const char *op, struct expr *a,
			     struct expr *b, int loc);
/* ORDER BY items (SortBy nodes) as " ORDER BY e COLLATE c ASC NULLS LAST, ..." */
int compile_sort(struct cx *cx, struct scope *sc, const cJSON *list, struct strbuf *out);
/* Unknown literals left unresolved become text (PostgreSQL does this for outputs). */
struct expr *resolve_unknown(struct cx *cx, struct expr *e);

/* Where an expression is being compiled. */
enum exprkind {
	EK_SELECT,    /* select list, ORDER BY, HAVING: aggregates allowed */
	EK_WHERE,     /* WHERE, ON, JOIN: no aggregates, no window functions */
	EK_GROUP,     /* GROUP BY */
	EK_VALUES,    /* VALUES, SET, defaults: no aggregates */
	EK_AGGARG,    /* inside an aggregate's arguments */
};
struct expr *compile_expr(struct cx *cx, struct scope *sc, const cJSON *node,
			  enum exprkind ek);
/* A boolean condition (WHERE, ON, HAVING): coerced to boolean. */
struct expr *compile_cond(struct cx *cx, struct scope *sc, const cJSON *node,
			  enum exprkind ek, const char *what);

/* JSON helpers over libpg_query's parse tree. */
const char *node_tag(const cJSON *n, const cJSON **body);
const cJSON *pj_get(const cJSON *o, const char *k);
int pj_int(const cJSON *o, const char *k, int dflt);
const char *pj_str(const cJSON *o, const char *k);
int pj_bool(const cJSON *o, const char *k);
int node_loc(const cJSON *n);
/* The sval of a String node */
const char *str_val(const cJSON *n);

/* ---- compile_stmt.c ---- */
struct scope;
/*
 * A column found by name: the expression that reads it.  NULL after cx_error
 * ("column \"x\" does not exist", "... is ambiguous").
 */
struct expr *scope_column(struct cx *cx, struct scope *sc, const cJSON *colref);
/* How many column references were found in sc itself (not its parents)
 * so far: compared before and after compiling an expression, whether it
 * reads a column of sc's query level (contain_vars_of_level(e, 0)) even
 * when folding removed the reference. */
int scope_nrefs(const struct scope *sc);
/* Compiles a subquery (SELECT) in scope sc; returns its SQL and output types. */
struct query;
struct query *compile_select(struct cx *cx, struct scope *outer, const cJSON *sel);
int query_ncols(const struct query *q);
const struct ctype *query_coltype(const struct query *q, int i);
/* The SQLite name of output column i (already quoted). */
const char *query_colsql(const struct query *q, int i);
/* Prints q (with its output i coerced to types[i] when types) into sb. */
int query_coerce_col(struct cx *cx, struct query *q, int i, const struct ctype *to,
		     enum coerce_ctx cc, const char *what);
void query_print(struct cx *cx, struct strbuf *sb, struct query *q);
/* Compiles one statement of the file to SQLite SQL; -1 after cx_error. */
int compile_statement(struct cx *cx, const cJSON *stmt, int loc, struct strbuf *out);
/* For SQLC_WHERE: the scope over env->where_table. */
struct scope *scope_for_where(struct cx *cx);
struct rel *lookup_rel(struct cx *cx, const char *schema, const char *name);
/*
 * e::name for a domain of the target source: *out is e cast to the base
 * type, then checked as CoerceToDomain checks it (NOT NULL, each CHECK), a
 * value of the base type, or NULL after cx_error; returns 1.  0 when name
 * is no such domain.  With e NULL, only whether name is a domain (1 or 0).
 */
int cast_to_domain(struct cx *cx, struct expr *e, const char *name, struct expr **out);
/* A column's DEFAULT as an expression coerced to its type (or NULL constant). */
struct expr *column_default(struct cx *cx, const struct rel *r, int col, int loc);

#endif
