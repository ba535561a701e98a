/*
 * compile_stmt: statements.  FROM items and the scopes names resolve in,
 * SELECT (CTEs, joins, grouping, set operations, DISTINCT [ON], ORDER BY,
 * LIMIT), INSERT, UPDATE, DELETE, TRUNCATE, CREATE TABLE [AS], DROP
 * TABLE, each printed as one SQLite statement.
 *
 * Names: a FROM item is visible by its alias or table name; columns are
 * looked up innermost scope first, as PostgreSQL does, and every emitted
 * column reference is qualified so SQLite cannot pick another.  Tables:
 * CTEs, scratch tables, the target's tables (bare, or qualified with the
 * target's source name or PostgreSQL schema), other sources' tables as
 * SOURCE.TABLE (read-only), dd_batch (the current batch's keys).
 */
#include "sqlc_int.h"

#include <pg_query.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

/* ---- scopes ---- */

struct rtecol {
	const char *name;    /* PostgreSQL name */
	const char *sql;     /* how SQL reads it: "\"u\".\"email\"" */
	struct ctype type;
	int unqual;          /* found by an unqualified reference */
};

struct rte {
	const char *refname; /* alias or table name; NULL: an unnamed join */
	struct rtecol *cols;
	int ncols;
	const struct rel *rel; /* base table, or NULL */
	int top;             /* a top-level FROM item (for "*") */
};

struct cte {
	const char *name;
	struct query *q;     /* NULL while its recursive term compiles */
	const char **colnames;
	const char **colsql;
	struct ctype *types;
	int ncols;
	int no_returning;    /* a data-modifying WITH query without RETURNING */
};

/* A table named by a part of the statement (0: the statement itself, k:
 * its k-th data-modifying WITH query), read or written. */
struct relref {
	const char *sql_name;
	const char *name;
	int part, written, loc;
	int insert_only;     /* written by INSERT without ON CONFLICT: reads nothing */
};

/* The rows a RETURNING list gave: a temp table and its columns. */
struct returning {
	int part;            /* the table is temp."?ret_PART" */
	int ncols;
	const char **names;
	struct ctype *types;
};

struct scope {
	struct scope *parent;
	struct rte **rtes;
	int nrtes;
	size_t alloc;
	struct cte *ctes;
	int nctes;
	size_t alloc_ctes;
	int nrefs;           /* column references found in this scope so far */
};

struct qcol {
	const char *name;    /* PostgreSQL output name */
	const char *sql;     /* unique SQLite alias, quoted */
	struct expr *e;
};

struct query {
	struct qcol *cols;
	int ncols;
	const char *with;        /* "WITH ... " or "" */
	const char *distinct;    /* "DISTINCT " or "" */
	const char *body;        /* " FROM ... WHERE ... GROUP BY ... HAVING ..." */
	const char *tail;        /* " ORDER BY ... LIMIT ..." */
	const char *setop;       /* "UNION ALL"...; NULL for a simple SELECT */
	struct query *l, *r;
	const char *values;      /* VALUES list text (when a VALUES query) */
	int wrap;                /* print as SELECT * FROM (...) in a compound */
	int collate_out;         /* outputs carry their type's collation */
	int top;                 /* the statement's result: PostgreSQL's names */
};

static struct scope *scope_new(struct cx *cx, struct scope *parent)
{
	struct scope *s = ar_alloc(cx, sizeof(*s));
	s->parent = parent;
	return s;
}

static void scope_add(struct cx *cx, struct scope *s, struct rte *r)
{
	if ((size_t)s->nrtes + 1 > s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 8;
		struct rte **n = ar_alloc(cx, sizeof(*n) * na);
		if (s->nrtes)
			memcpy(n, s->rtes, sizeof(*n) * (size_t)s->nrtes);
		s->rtes = n;
		s->alloc = na;
	}
	s->rtes[s->nrtes++] = r;
}

static const char *qident(struct cx *cx, const char *s)
{
	struct strbuf *sb = ar_buf(cx);
	sb_add_qident(sb, s);
	return ar_sb(cx, sb);
}

static struct expr *col_expr(struct cx *cx, const struct scope *sc, const struct rte *r,
			     int i, int loc)
{
	struct expr *e = ex_new(cx, E_COL, &r->cols[i].type, loc);
	e->text = r->cols[i].sql;
	e->col_scope = sc;
	e->col_rte = r;
	e->col_no = i;
	return e;
}

int scope_nrefs(const struct scope *sc)
{
	return sc ? sc->nrefs : 0;
}

struct expr *scope_column(struct cx *cx, struct scope *sc, const cJSON *b)
{
	const cJSON *f = pj_get(b, "fields"), *it;
	const char *parts[4] = { 0 };
	int np = 0, loc = pj_int(b, "location", 0);
	cJSON_ArrayForEach(it, f) {
		const char *t = node_tag(it, NULL);
		if (t && !strcmp(t, "A_Star"))
			return cx_error(cx, loc, NULL, "\"*\" is not allowed here"), NULL;
		if (np < 4)
			parts[np] = str_val(it);
		np++;
	}
	if (np == 1) {
		for (struct scope *s = sc; s; s = s->parent) {
			const struct rte *found = NULL;
			int fi = -1;
			for (int r = 0; r < s->nrtes; r++)
				for (int c = 0; c < s->rtes[r]->ncols; c++)
					if (s->rtes[r]->cols[c].unqual &&
					    !strcmp(s->rtes[r]->cols[c].name, parts[0])) {
						if (found)
							return cx_error(cx, loc, NULL, "column reference \"%s\" is ambiguous", parts[0]), NULL;
						found = s->rtes[r];
						fi = c;
					}
			if (found) {
				s->nrefs++;
				return col_expr(cx, s, found, fi, loc);
			}
		}
		return cx_error(cx, loc, NULL, "column \"%s\" does not exist", parts[0]), NULL;
	}
	if (np == 2 || np == 3) {
		const char *rel = parts[np - 2], *col = parts[np - 1];
		for (struct scope *s = sc; s; s = s->parent)
			for (int r = 0; r < s->nrtes; r++) {
				const struct rte *t = s->rtes[r];
				if (!t->refname || strcmp(t->refname, rel))
					continue;
				if (np == 3 && (!t->rel || !t->rel->source || strcmp(parts[0], t->rel->source)))
					continue;
				for (int c = 0; c < t->ncols; c++)
					if (!strcmp(t->cols[c].name, col)) {
						s->nrefs++;
						return col_expr(cx, s, t, c, loc);
					}
				return cx_error(cx, loc, NULL, "column %s.%s does not exist", rel, col), NULL;
			}
		return cx_error(cx, loc, NULL, "missing FROM-clause entry for table \"%s\"", rel), NULL;
	}
	return cx_error(cx, loc, NULL, "improper qualified name (too many dotted names)"), NULL;
}

/* ---- relations ---- */

/* ---- PostgreSQL text from the catalog ---- */

/*
 * An expression the catalog holds as PostgreSQL text (a column's DEFAULT,
 * a domain's CHECK), parsed as "SELECT text": pg_text_begin returns its
 * node (NULL after a syntax error, pt->pr.error set) and until pg_text_end
 * the compiler reads positions in that text and reports nothing (the
 * caller words the error).  The parse tree lives until pg_text_end:
 * compiled constants point into it.
 */
struct pg_text {
	char *sql;
	PgQueryParseResult pr;
	cJSON *root;
	const char *saved_text;
	int saved_base;
};

static const cJSON *pg_text_begin(struct cx *cx, struct pg_text *pt, const char *text)
{
	const cJSON *st, *sb = NULL, *rb = NULL;
	pt->sql = xasprintf("SELECT %s", text);
	pt->pr = pg_query_parse(pt->sql);
	pt->root = pt->pr.error ? NULL : cJSON_Parse(pt->pr.parse_tree);
	pt->saved_text = cx->text;
	pt->saved_base = cx->base;
	cx->text = pt->sql;
	cx->base = 0;
	cx->quiet++;
	if (!pt->root)
		return NULL;
	st = pj_get(cJSON_GetArrayItem(pj_get(pt->root, "stmts"), 0), "stmt");
	node_tag(st, &sb);
	node_tag(cJSON_GetArrayItem(pj_get(sb, "targetList"), 0), &rb);
	return pj_get(rb, "val");
}

static void pg_text_end(struct cx *cx, struct pg_text *pt)
{
	cx->quiet--;
	cx->text = pt->saved_text;
	cx->base = pt->saved_base;
	cJSON_Delete(pt->root);
	pg_query_free_parse_result(pt->pr);
	free(pt->sql);
}

/* ---- domains ---- */

/*
 * The domain pg_type names among those recorded for source at snapshot,
 * when the compiler models its base type (*base set to it); else NULL, and
 * the column stays a type drydock does not model.  Staging files made
 * before domain defaults were recorded give NULL: an INSERT there could
 * not know the default PostgreSQL would take.
 */
static const struct domain_info *find_domain(struct cx *cx, const char *source,
					     const char *pg_type, struct ctype *base)
{
	const struct catalog *cat = cx->env->cat;
	const struct source_meta *sm = NULL;
	struct domain_info *di = NULL;
	cJSON *all, *d;
	for (int i = 0; source && i < cat->nsources; i++)
		if (cat->sources[i].name && !strcmp(cat->sources[i].name, source))
			sm = &cat->sources[i];
	if (!sm || !sm->domains || !pg_type || !(all = cJSON_Parse(sm->domains)))
		return NULL;
	cJSON_ArrayForEach(d, all) {
		const char *name = pj_str(d, "name"), *bt = pj_str(d, "base"), *def;
		const cJSON *chk, *checks = pj_get(d, "checks");
		if (!name || strcmp(name, pg_type) || !bt || !cJSON_HasObjectItem(d, "default"))
			continue;
		/* a domain over an enum: the enum's labels were recorded too */
		int is_enum = catalog_find_enum(cat, source, bt) != NULL;
		struct ctype b = ct_from_format(cx->env, source, bt, is_enum, NULL);
		if (PGT_KIND(b.t) == PGK_OTHER)
			break;
		if (is_enum)
			b.domain = ar_printf(cx, "%s", name); /* anyenum does not take it */
		*base = b;
		di = ar_alloc(cx, sizeof(*di));
		di->name = ar_printf(cx, "%s", name);
		di->not_null = pj_bool(d, "not_null");
		def = pj_str(d, "default");
		di->default_expr = def ? ar_printf(cx, "%s", def) : NULL;
		int n = cJSON_GetArraySize(checks);
		di->check_names = ar_alloc(cx, sizeof(char *) * (size_t)(n ? n : 1));
		di->check_defs = ar_alloc(cx, sizeof(char *) * (size_t)(n ? n : 1));
		cJSON_ArrayForEach(chk, checks) {
			const char *cn = pj_str(chk, "name"), *cd = pj_str(chk, "definition");
			if (!cn || !cd)
				continue;
			di->check_names[di->nchecks] = ar_printf(cx, "%s", cn);
			di->check_defs[di->nchecks++] = ar_printf(cx, "%s", cd);
		}
		break;
	}
	cJSON_Delete(all);
	return di;
}

/* How SQL reads a domain column stored as its base type's text output. */
static const char *domain_read_sql(struct cx *cx, const char *raw, const struct ctype *base)
{
	struct expr *e = coerce_to(cx, ex_sql(cx, raw, &T_TEXT, -1), base, CC_EXPLICIT, NULL);
	return e ? ex_sqltext(cx, e) : raw;
}

/*
 * A domain CHECK (pg_get_constraintdef text, "CHECK ((VALUE > 0))") as an
 * SQLite condition over value_sql, a value of the base type; NULL when the
 * compiler cannot compile it (then `drydock check` lists it unverifiable).
 */
static const char *domain_check_sql(struct cx *cx, const char *def, const struct ctype *base,
				    const char *value_sql)
{
	size_t len = strlen(def);
	const char *p = !strncmp(def, "CHECK ", 6) ? def + 6 : def;
	if (len > 10 && !strcmp(def + len - 10, " NOT VALID"))
		len -= 10;
	char *text = xstrndup(p, len - (size_t)(p - def));
	struct pg_text pt;
	const cJSON *val = pg_text_begin(cx, &pt, text);
	const char *out = NULL;
	if (val) {
		struct scope *sc = scope_new(cx, NULL);
		struct rte *rt = ar_alloc(cx, sizeof(*rt));
		rt->refname = "";
		rt->ncols = 1;
		rt->cols = ar_alloc(cx, sizeof(*rt->cols));
		rt->cols[0].name = "value";
		rt->cols[0].sql = value_sql;
		rt->cols[0].type = *base;
		rt->cols[0].type.domain = NULL; /* VALUE is of the base type */
		rt->cols[0].unqual = 1;
		scope_add(cx, sc, rt);
		struct expr *c = compile_cond(cx, sc, val, EK_WHERE, "CHECK");
		if (c)
			out = ex_sqltext(cx, c);
	}
	pg_text_end(cx, &pt);
	free(text);
	return out;
}

/*
 * e, a value of the domain's base type written to a domain column, failing
 * as CoerceToDomain does: NOT NULL, then each CHECK that is FALSE (NULL
 * passes).  e is evaluated once (a subquery), or where it holds an
 * aggregate or a window function, at each use.
 */
static struct expr *domain_guard(struct cx *cx, const struct domain_info *d,
				 const struct ctype *base, struct expr *e)
{
	int once = !(e->flags & (X_AGG | X_WINDOW));
	if (!once && (e->flags & X_VOLATILE))
		return cx_error(cx, e->loc, "compute the value in a subquery first",
			    "writing a volatile aggregate or window expression to a column of domain %s is not supported",
			    d->name), NULL;
	const char *v = once ? "\"dd_domain_value\"" : "($1)";
	struct strbuf *fmt = ar_buf(cx);
	struct strbuf msg = STRBUF_INIT;
	int nconds = 0;
	sb_adds(fmt, once ? "(SELECT CASE" : "CASE");
	if (d->not_null) {
		sb_add_literal(&msg, ar_printf(cx, "domain %s does not allow null values", d->name));
		sb_addf(fmt, " WHEN %s IS NULL THEN pg_sqlc_raise(%s)", v, msg.buf);
		nconds++;
	}
	for (int i = 0; i < d->nchecks; i++) {
		const char *c = domain_check_sql(cx, d->check_defs[i], base, v);
		if (!c)
			continue;
		sb_reset(&msg);
		sb_add_literal(&msg, ar_printf(cx, "value for domain %s violates check constraint \"%s\"",
					       d->name, d->check_names[i]));
		sb_addf(fmt, " WHEN (%s) = 0 THEN pg_sqlc_raise(%s)", c, msg.buf);
		nconds++;
	}
	sb_release(&msg);
	if (!nconds)
		return e;
	sb_addf(fmt, " ELSE %s END", v);
	if (once)
		sb_adds(fmt, " FROM (SELECT $1 AS \"dd_domain_value\"))");
	struct expr *g = ex_tmpl(cx, ar_sb(cx, fmt), base, e->loc, 1, e);
	g->flags |= X_SUBQ;
	return g;
}

int cast_to_domain(struct cx *cx, struct expr *e, const char *name, struct expr **out)
{
	const struct catalog *cat = cx->env->cat;
	const char *dot = strrchr(name, '.');
	struct ctype base;
	const struct domain_info *d = NULL;
	for (int i = 0; !d && i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			d = find_domain(cx, cat->sources[i].name, dot ? dot + 1 : name, &base);
	*out = NULL;
	if (!d || !e)
		return d != NULL;
	/* as an explicit cast to the base type with its typmod ('ABCDEFGHIJ'
	 * to a varchar(8) domain is 'ABCDEFGH'), then the domain's checks */
	if ((e = coerce_to(cx, e, &base, CC_EXPLICIT, NULL)))
		*out = domain_guard(cx, d, &base, e);
	return 1;
}

/* A base-type value as the staging file keeps a domain column: the
 * type's text output (boolean's is t/f, not its cast to text). */
static struct expr *domain_store(struct cx *cx, const struct ctype *base, struct expr *e)
{
	if (!e)
		return NULL;
	if (base->t == PGK_BOOL)
		return ex_tmpl(cx, "CASE $1 WHEN 1 THEN 't' WHEN 0 THEN 'f' END", &T_TEXT, e->loc, 1, e);
	return coerce_to(cx, e, &T_TEXT, CC_EXPLICIT, NULL);
}

static struct rel *rel_from_meta(struct cx *cx, const struct table_meta *t, int writable,
				 const char *sql_name)
{
	struct rel *r = ar_alloc(cx, sizeof(*r));
	r->name = t->name;
	r->source = t->source;
	r->sql_name = (char *)sql_name;
	r->writable = writable;
	r->meta = t;
	r->ncols = t->ncols;
	r->cols = ar_alloc(cx, sizeof(*r->cols) * (size_t)(t->ncols ? t->ncols : 1));
	for (int i = 0; i < t->ncols; i++) {
		const struct column_meta *c = &t->cols[i];
		r->cols[i].name = c->name;
		r->cols[i].pg_type = c->pg_type;
		r->cols[i].type = ct_from_format(cx->env, t->source, c->pg_type, c->is_enum, c->enum_type);
		if (r->cols[i].type.t == PGK_OTHER)
			r->cols[i].domain = find_domain(cx, t->source, c->pg_type, &r->cols[i].type);
		r->cols[i].default_expr = c->default_expr;
		r->cols[i].identity = c->identity ? c->identity[0] : 0;
		r->cols[i].sequence = c->sequence;
		r->cols[i].not_null = c->not_null;
		r->cols[i].generated = c->generated;
	}
	return r;
}

struct rel *lookup_rel(struct cx *cx, const char *schema, const char *name)
{
	const struct catalog *cat = cx->env->cat;
	const struct source_meta *target = NULL;
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			target = &cat->sources[i];
	if (!schema) {
		struct rel *s = env_find_scratch(cx->env, name);
		if (s)
			return s;
		if (!strcmp(name, "dd_batch") && cx->env->has_batch) {
			struct rel *r = ar_alloc(cx, sizeof(*r));
			r->name = "dd_batch";
			r->sql_name = "temp\".\"dd_batch";
			r->ncols = 1;
			r->cols = ar_alloc(cx, sizeof(*r->cols));
			r->cols[0].name = "key";
			r->cols[0].type = cx->env->batch_type;
			r->cols[0].pg_type = (char *)"";
			return r;
		}
		if (!strncmp(name, "dd_pristine__", 13) && target) {
			for (int i = 0; i < cat->ntables; i++) {
				const struct table_meta *t = &cat->tables[i];
				if (t->pristine_name && !strcmp(t->pristine_name, name) && !t->created)
					return rel_from_meta(cx, t, 0, t->pristine_name);
			}
		}
		if (target)
			schema = target->name;
		else
			return NULL;
	}
	for (int i = 0; i < cat->nsources; i++) {
		const struct source_meta *s = &cat->sources[i];
		if (strcmp(schema, s->name) && !(s->is_target && !strcmp(schema, s->schema)))
			continue;
		for (int j = 0; j < cat->ntables; j++) {
			const struct table_meta *t = &cat->tables[j];
			if (!strcmp(t->source, s->name) && !strcmp(t->name, name) && !t->dropped)
				return rel_from_meta(cx, t, s->is_target, t->stage_name);
		}
	}
	return NULL;
}

/* ---- output column names (PostgreSQL's FigureColname) ---- */

static const char *figure_colname(const cJSON *n, int *strength)
{
	const cJSON *b, *it;
	const char *tag = node_tag(n, &b);
	*strength = 0;
	if (!tag)
		return NULL;
	if (!strcmp(tag, "ColumnRef")) {
		const char *last = NULL;
		cJSON_ArrayForEach(it, pj_get(b, "fields"))
			last = str_val(it);
		*strength = 2;
		return last;
	}
	if (!strcmp(tag, "FuncCall")) {
		const char *last = NULL;
		cJSON_ArrayForEach(it, pj_get(b, "funcname"))
			last = str_val(it);
		*strength = 2;
		return last;
	}
	if (!strcmp(tag, "TypeCast")) {
		const char *inner = figure_colname(pj_get(b, "arg"), strength);
		if (*strength > 1)
			return inner;
		const char *last = NULL;
		cJSON_ArrayForEach(it, pj_get(pj_get(b, "typeName"), "names"))
			last = str_val(it);
		*strength = 1;
		return last;
	}
	if (!strcmp(tag, "CaseExpr")) {
		const char *r = figure_colname(pj_get(b, "defresult"), strength);
		if (*strength > 1)
			return r;
		*strength = 1;
		return "case";
	}
	if (!strcmp(tag, "CoalesceExpr")) {
		*strength = 2;
		return "coalesce";
	}
	if (!strcmp(tag, "A_ArrayExpr")) {
		*strength = 2;
		return "array";
	}
	if (!strcmp(tag, "A_Indirection"))
		return figure_colname(pj_get(b, "arg"), strength);
	if (!strcmp(tag, "MinMaxExpr")) {
		*strength = 2;
		return pj_str(b, "op") && !strcmp(pj_str(b, "op"), "IS_LEAST") ? "least" : "greatest";
	}
	if (!strcmp(tag, "A_Expr") && pj_str(b, "kind") && !strcmp(pj_str(b, "kind"), "AEXPR_NULLIF")) {
		*strength = 2;
		return "nullif";
	}
	if (!strcmp(tag, "SubLink")) {
		const char *t = pj_str(b, "subLinkType");
		if (!t || !strcmp(t, "EXISTS_SUBLINK")) {
			*strength = 2;
			return "exists";
		}
		if (!strcmp(t, "EXPR_SUBLINK")) {
			const cJSON *sb;
			node_tag(pj_get(b, "subselect"), &sb);
			const cJSON *tl = cJSON_GetArrayItem(pj_get(sb, "targetList"), 0), *rb;
			node_tag(tl, &rb);
			if (pj_str(rb, "name")) {
				*strength = 2;
				return pj_str(rb, "name");
			}
			return figure_colname(pj_get(rb, "val"), strength);
		}
		return NULL;
	}
	if (!strcmp(tag, "SQLValueFunction")) {
		static const struct { const char *op, *n; } v[] = {
			{ "SVFOP_CURRENT_DATE", "current_date" }, { "SVFOP_CURRENT_TIME", "current_time" },
			{ "SVFOP_CURRENT_TIMESTAMP", "current_timestamp" }, { "SVFOP_LOCALTIME", "localtime" },
			{ "SVFOP_LOCALTIMESTAMP", "localtimestamp" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(v); i++)
			if (pj_str(b, "op") && !strcmp(pj_str(b, "op"), v[i].op)) {
				*strength = 2;
				return v[i].n;
			}
	}
	return NULL;
}

/* ---- FROM ---- */

static struct query *compile_query(struct cx *cx, struct scope *outer, const cJSON *sel,
				   int keep_unknown);

static struct rte *rte_for_rel(struct cx *cx, const struct rel *rel, const char *refname)
{
	struct rte *r = ar_alloc(cx, sizeof(*r));
	const char *ref = qident(cx, refname);
	r->refname = refname;
	r->rel = rel;
	r->ncols = rel->ncols;
	r->cols = ar_alloc(cx, sizeof(*r->cols) * (size_t)(rel->ncols ? rel->ncols : 1));
	for (int i = 0; i < rel->ncols; i++) {
		r->cols[i].name = rel->cols[i].name;
		r->cols[i].sql = ar_printf(cx, "%s.%s", ref, qident(cx, rel->cols[i].name));
		if (rel->cols[i].domain)
			r->cols[i].sql = domain_read_sql(cx, r->cols[i].sql, &rel->cols[i].type);
		r->cols[i].type = rel->cols[i].type;
		r->cols[i].unqual = 1;
	}
	return r;
}

static int apply_alias_cols(struct cx *cx, struct rte *r, const cJSON *alias, int loc)
{
	const cJSON *it;
	int i = 0;
	cJSON_ArrayForEach(it, pj_get(alias, "colnames")) {
		if (i >= r->ncols)
			return cx_error(cx, loc, NULL, "table \"%s\" has %d columns available but %d columns specified",
				    r->refname, r->ncols, cJSON_GetArraySize(pj_get(alias, "colnames")));
		r->cols[i++].name = str_val(it);
	}
	return 0;
}

static struct cte *find_cte(struct scope *sc, const char *name)
{
	for (struct scope *s = sc; s; s = s->parent)
		for (int i = s->nctes - 1; i >= 0; i--)
			if (!strcmp(s->ctes[i].name, name))
				return &s->ctes[i];
	return NULL;
}

static int check_refname(struct cx *cx, struct scope *sc, const char *name, int loc)
{
	for (int i = 0; i < sc->nrtes; i++)
		if (sc->rtes[i]->refname && !strcmp(sc->rtes[i]->refname, name))
			return cx_error(cx, loc, NULL, "table name \"%s\" specified more than once", name);
	return 0;
}

static struct rte *from_item(struct cx *cx, struct scope *sc, const cJSON *n,
			     struct strbuf *out);

/* Records that the part compiling now names table r (see struct relref):
 * written 0 read, 1 written, 2 written by an INSERT that reads nothing of it. */
static void note_ref(struct cx *cx, const struct rel *r, int written, int loc)
{
	if (cx->nrefs + 1 > cx->alloc_refs) {
		size_t na = cx->alloc_refs ? cx->alloc_refs * 2 : 8;
		struct relref *n = ar_alloc(cx, sizeof(*n) * na);
		if (cx->nrefs)
			memcpy(n, cx->refs, sizeof(*n) * cx->nrefs);
		cx->refs = n;
		cx->alloc_refs = na;
	}
	cx->refs[cx->nrefs++] = (struct relref){ r->sql_name, r->name, cx->dml_part, written != 0, loc, written == 2 };
}

static struct rte *from_rangevar(struct cx *cx, struct scope *sc, const cJSON *b,
				 struct strbuf *out)
{
	const char *name = pj_str(b, "relname"), *schema = pj_str(b, "schemaname");
	const cJSON *alias = pj_get(b, "alias");
	const char *ref = alias && pj_str(alias, "aliasname") ? pj_str(alias, "aliasname") : name;
	int loc = pj_int(b, "location", 0);
	struct rte *r;
	struct cte *c;
	if (pj_str(b, "catalogname"))
		return cx_error(cx, loc, NULL, "cross-database references are not implemented"), NULL;
	if (!schema && (c = find_cte(sc, name))) {
		if (c->no_returning)
			return cx_error(cx, loc, NULL, "WITH query \"%s\" does not have a RETURNING clause", name), NULL;
		r = ar_alloc(cx, sizeof(*r));
		r->refname = ref;
		r->ncols = c->ncols;
		r->cols = ar_alloc(cx, sizeof(*r->cols) * (size_t)(c->ncols ? c->ncols : 1));
		for (int i = 0; i < c->ncols; i++) {
			r->cols[i].name = c->colnames[i];
			r->cols[i].sql = ar_printf(cx, "%s.%s", qident(cx, ref), c->colsql[i]);
			r->cols[i].type = c->types[i];
			r->cols[i].unqual = 1;
		}
		sb_addf(out, "%s AS %s", qident(cx, name), qident(cx, ref));
	} else {
		const struct rel *rel = lookup_rel(cx, schema, name);
		if (!rel) {
			if (schema)
				return cx_error(cx, loc, "tables of other sources are named SOURCE.TABLE (the plan's source names)",
					    "relation \"%s.%s\" does not exist", schema, name), NULL;
			return cx_error(cx, loc, NULL, "relation \"%s\" does not exist", name), NULL;
		}
		note_ref(cx, rel, 0, loc);
		r = rte_for_rel(cx, rel, ref);
		sb_addf(out, "%s AS %s", qident(cx, rel->sql_name), qident(cx, ref));
		if (!strcmp(rel->sql_name, "temp\".\"dd_batch")) {
			out->len -= strlen(qident(cx, rel->sql_name)) + strlen(qident(cx, ref)) + 4;
			out->buf[out->len] = '\0';
			sb_addf(out, "temp.\"dd_batch\" AS %s", qident(cx, ref));
		}
	}
	if (alias && apply_alias_cols(cx, r, alias, loc) < 0)
		return NULL;
	if (check_refname(cx, sc, ref, loc) < 0)
		return NULL;
	scope_add(cx, sc, r);
	return r;
}

static struct rte *from_subselect(struct cx *cx, struct scope *sc, const cJSON *b,
				  struct strbuf *out)
{
	const cJSON *alias = pj_get(b, "alias");
	int loc = node_loc(pj_get(b, "subquery"));
	struct query *q;
	if (pj_bool(b, "lateral"))
		return cx_error(cx, loc, NULL, "LATERAL is not supported"), NULL;
	if (!alias || !pj_str(alias, "aliasname"))
		return cx_error(cx, loc, "For example, FROM (SELECT ...) [AS] foo.",
			    "subquery in FROM must have an alias"), NULL;
	/* a subquery in FROM does not see the FROM items beside it */
	if (!(q = compile_query(cx, sc->parent, pj_get(b, "subquery"), 0)))
		return NULL;
	const char *ref = pj_str(alias, "aliasname");
	struct rte *r = ar_alloc(cx, sizeof(*r));
	r->refname = ref;
	r->ncols = q->ncols;
	r->cols = ar_alloc(cx, sizeof(*r->cols) * (size_t)(q->ncols ? q->ncols : 1));
	for (int i = 0; i < q->ncols; i++) {
		r->cols[i].name = q->cols[i].name;
		r->cols[i].sql = ar_printf(cx, "%s.%s", qident(cx, ref), q->cols[i].sql);
		r->cols[i].type = q->cols[i].e->type;
		r->cols[i].unqual = 1;
	}
	if (apply_alias_cols(cx, r, alias, loc) < 0 || check_refname(cx, sc, ref, loc) < 0)
		return NULL;
	sb_adds(out, "(");
	query_print(cx, out, q);
	sb_addf(out, ") AS %s", qident(cx, ref));
	scope_add(cx, sc, r);
	return r;
}

/*
 * A set-returning function in FROM (jsonb_array_elements(x), unnest(a)):
 * the module's table-valued function.  Its arguments may name the FROM
 * items before it, as PostgreSQL's (implicitly lateral) function calls.
 */
static struct rte *from_function(struct cx *cx, struct scope *sc, const cJSON *b,
				 struct strbuf *out)
{
	const cJSON *fl = pj_get(b, "functions"), *lb, *fc, *fb, *it;
	const cJSON *alias = pj_get(b, "alias");
	int loc;
	if (cJSON_GetArraySize(fl) != 1)
		return cx_error(cx, -1, NULL, "ROWS FROM with several functions is not supported"), NULL;
	node_tag(cJSON_GetArrayItem(fl, 0), &lb);
	fc = cJSON_GetArrayItem(pj_get(lb, "items"), 0);
	const char *ftag = node_tag(fc, &fb);
	loc = pj_int(fb, "location", 0);
	if (!ftag || strcmp(ftag, "FuncCall"))
		return cx_error(cx, loc, NULL, "only function calls are supported in FROM"), NULL;
	if (pj_get(b, "coldeflist"))
		return cx_error(cx, loc, NULL, "column definition lists are not supported"), NULL;
	const char *name = NULL;
	cJSON_ArrayForEach(it, pj_get(fb, "funcname"))
		name = str_val(it);
	int n = cJSON_GetArraySize(pj_get(fb, "args")), i = 0;
	struct expr **args = ar_alloc(cx, sizeof(*args) * (size_t)(n + 1));
	cJSON_ArrayForEach(it, pj_get(fb, "args"))
		if (!(args[i++] = compile_expr(cx, sc, it, EK_WHERE)))
			return NULL;
	struct resolved res;
	if (resolve_function(cx, name, args, n, loc, 1, &res) < 0)
		return NULL;
	struct expr *call = call_sig(cx, &res, args, n, loc);
	if (!call)
		return NULL;
	const struct pgfn_sig *sig = res.sig;
	const char *ref = alias && pj_str(alias, "aliasname") ? pj_str(alias, "aliasname") : name;
	struct rte *r = ar_alloc(cx, sizeof(*r));
	r->refname = ref;
	r->ncols = sig->ncolumns;
	r->cols = ar_alloc(cx, sizeof(*r->cols) * (size_t)(sig->ncolumns + 2));
	for (int c = 0; c < sig->ncolumns; c++) {
		const char *cn = sig->columns[c].name;
		r->cols[c].sql = ar_printf(cx, "%s.%s", qident(cx, ref), qident(cx, cn));
		/* a scalar function's column takes the alias (chooseScalarFunctionAlias) */
		if (sig->ncolumns == 1 && !strcmp(cn, name) && alias)
			cn = ref;
		r->cols[c].name = cn;
		r->cols[c].type = PGT_KIND(sig->columns[c].type) == PGK_ANYELEMENT ? res.ret : ct_make(sig->columns[c].type);
		r->cols[c].unqual = 1;
	}
	if (pj_bool(b, "ordinality")) {
		/* the table-valued functions number their rows from 1 as rowid */
		struct rtecol *oc = &r->cols[r->ncols++];
		oc->name = "ordinality";
		oc->sql = ar_printf(cx, "%s.rowid", qident(cx, ref));
		oc->type = T_INT8;
		oc->unqual = 1;
	}
	if (alias && apply_alias_cols(cx, r, alias, loc) < 0)
		return NULL;
	if (check_refname(cx, sc, ref, loc) < 0)
		return NULL;
	ex_print(out, call);
	sb_addf(out, " AS %s", qident(cx, ref));
	scope_add(cx, sc, r);
	return r;
}

/* The column name visible unqualified in the items of rtes[from..to). */
static int find_join_col(struct cx *cx, struct scope *sc, int from, int to, const char *name,
			 struct rte **rte, int *col, int loc, const char *side)
{
	*rte = NULL;
	for (int r = from; r < to; r++)
		for (int c = 0; c < sc->rtes[r]->ncols; c++)
			if (sc->rtes[r]->cols[c].unqual && !strcmp(sc->rtes[r]->cols[c].name, name)) {
				if (*rte)
					return cx_error(cx, loc, NULL, "common column name \"%s\" appears more than once in %s table", name, side);
				*rte = sc->rtes[r];
				*col = c;
			}
	if (!*rte)
		return cx_error(cx, loc, NULL, "column \"%s\" specified in USING clause does not exist in %s table", name, side);
	return 0;
}

static struct rte *from_join(struct cx *cx, struct scope *sc, const cJSON *b,
			     struct strbuf *out)
{
	const char *jt = pj_str(b, "jointype");
	const char *kw;
	int loc = node_loc(pj_get(b, "larg"));
	int l0, l1, r1;
	struct rte *lr, *rr;
	if (!jt)
		jt = "JOIN_INNER";
	if (pj_get(b, "alias") || pj_get(b, "join_using_alias"))
		return cx_error(cx, loc, NULL, "aliases on joins are not supported"), NULL;
	kw = !strcmp(jt, "JOIN_INNER") ? (pj_get(b, "quals") || pj_get(b, "usingClause") || pj_bool(b, "isNatural") ? " JOIN " : " CROSS JOIN ")
	   : !strcmp(jt, "JOIN_LEFT") ? " LEFT JOIN " : !strcmp(jt, "JOIN_RIGHT") ? " RIGHT JOIN "
	   : !strcmp(jt, "JOIN_FULL") ? " FULL JOIN " : NULL;
	if (!kw)
		return cx_error(cx, loc, NULL, "join type %s is not supported", jt), NULL;
	l0 = sc->nrtes;
	if (!(lr = from_item(cx, sc, pj_get(b, "larg"), out)))
		return NULL;
	l1 = sc->nrtes;
	sb_adds(out, kw);
	int rparen = 0;
	{
		const char *rt = node_tag(pj_get(b, "rarg"), NULL);
		if (rt && !strcmp(rt, "JoinExpr")) {
			sb_addch(out, '(');
			rparen = 1;
		}
	}
	if (!(rr = from_item(cx, sc, pj_get(b, "rarg"), out)))
		return NULL;
	if (rparen)
		sb_addch(out, ')');
	r1 = sc->nrtes;
	(void)lr;
	(void)rr;

	/* the join's own item: USING columns first, then the others ("*") */
	struct rte *j = ar_alloc(cx, sizeof(*j));
	int total = 0;
	for (int r = l0; r < r1; r++)
		if (sc->rtes[r]->top)
			total += sc->rtes[r]->ncols;
	j->cols = ar_alloc(cx, sizeof(*j->cols) * (size_t)(total + 1));
	const cJSON *usingl = pj_get(b, "usingClause");
	char **names = NULL;
	int nnames = 0;
	if (pj_bool(b, "isNatural")) {
		/* NATURAL: the column names both sides have */
		names = ar_alloc(cx, sizeof(*names) * (size_t)(total + 1));
		for (int r = l0; r < l1; r++)
			for (int c = 0; c < sc->rtes[r]->ncols; c++) {
				const struct rtecol *lc = &sc->rtes[r]->cols[c];
				if (!lc->unqual)
					continue;
				for (int r2 = l1; r2 < r1; r2++)
					for (int c2 = 0; c2 < sc->rtes[r2]->ncols; c2++)
						if (sc->rtes[r2]->cols[c2].unqual &&
						    !strcmp(sc->rtes[r2]->cols[c2].name, lc->name)) {
							int dup = 0;
							for (int k = 0; k < nnames; k++)
								dup |= !strcmp(names[k], lc->name);
							if (!dup)
								names[nnames++] = (char *)lc->name;
						}
			}
	} else if (usingl) {
		const cJSON *it;
		names = ar_alloc(cx, sizeof(*names) * (size_t)(cJSON_GetArraySize(usingl) + 1));
		cJSON_ArrayForEach(it, usingl)
			names[nnames++] = (char *)str_val(it);
	}
	struct strbuf *on = ar_buf(cx);
	for (int k = 0; k < nnames; k++) {
		struct rte *a, *c;
		int ai, ci;
		for (int q = 0; q < k; q++)
			if (!strcmp(names[q], names[k]))
				return cx_error(cx, loc, NULL, "column name \"%s\" appears more than once in USING clause", names[k]), NULL;
		if (find_join_col(cx, sc, l0, l1, names[k], &a, &ai, loc, "left") < 0 ||
		    find_join_col(cx, sc, l1, r1, names[k], &c, &ci, loc, "right") < 0)
			return NULL;
		struct expr *le = col_expr(cx, sc, a, ai, loc), *re = col_expr(cx, sc, c, ci, loc);
		struct expr *pair[2] = { le, re };
		struct ctype t;
		if (select_common_type(cx, pair, 2, "JOIN/USING", &t) < 0)
			return NULL;
		struct expr *cmp = make_comparison(cx, "=", le, re, loc);
		if (!cmp)
			return NULL;
		sb_adds(on, k ? " AND " : "");
		ex_print(on, cmp);
		struct expr *lc = coerce_to(cx, le, &t, CC_IMPLICIT, NULL);
		struct expr *rc = coerce_to(cx, re, &t, CC_IMPLICIT, NULL);
		if (!lc || !rc)
			return NULL;
		const char *sql = !strcmp(jt, "JOIN_RIGHT") ? ex_sqltext(cx, rc)
				: !strcmp(jt, "JOIN_FULL") ? ar_printf(cx, "coalesce(%s, %s)", ex_sqltext(cx, lc), ex_sqltext(cx, rc))
				: ex_sqltext(cx, lc);
		j->cols[j->ncols].name = names[k];
		j->cols[j->ncols].sql = sql;
		j->cols[j->ncols].type = t;
		j->cols[j->ncols].unqual = 1;
		j->ncols++;
		a->cols[ai].unqual = 0;
		c->cols[ci].unqual = 0;
	}
	/* the other columns, for "*" only */
	for (int r = l0; r < r1; r++) {
		struct rte *x = sc->rtes[r];
		if (!x->top)
			continue;
		for (int c = 0; c < x->ncols; c++) {
			int merged = 0;
			for (int k = 0; k < nnames; k++)
				if (!strcmp(x->cols[c].name, names[k]) && !x->cols[c].unqual)
					merged = 1;
			if (merged && !x->refname)
				continue;
			if (merged) {
				/* hidden by USING unless qualified */
				int shown = 0;
				for (int k = 0; k < nnames; k++)
					if (!strcmp(x->cols[c].name, names[k]))
						shown = 1;
				if (shown)
					continue;
			}
			j->cols[j->ncols] = x->cols[c];
			j->cols[j->ncols].unqual = 0;
			j->ncols++;
		}
		x->top = 0;
	}
	if (nnames) {
		sb_addf(out, " ON %s", on->buf);
	} else if (pj_get(b, "quals")) {
		struct expr *q = compile_cond(cx, sc, pj_get(b, "quals"), EK_WHERE, "JOIN/ON");
		if (!q)
			return NULL;
		sb_adds(out, " ON ");
		ex_print(out, q);
	} else if (strcmp(kw, " CROSS JOIN ")) {
		sb_adds(out, " ON 1");
	}
	sb_release(on);
	j->top = 1;
	scope_add(cx, sc, j);
	return j;
}

static struct rte *from_item(struct cx *cx, struct scope *sc, const cJSON *n,
			     struct strbuf *out)
{
	const cJSON *b;
	const char *tag = node_tag(n, &b);
	struct rte *r = NULL;
	if (!tag)
		return NULL;
	if (!strcmp(tag, "RangeVar"))
		r = from_rangevar(cx, sc, b, out);
	else if (!strcmp(tag, "RangeSubselect"))
		r = from_subselect(cx, sc, b, out);
	else if (!strcmp(tag, "JoinExpr"))
		r = from_join(cx, sc, b, out);
	else if (!strcmp(tag, "RangeFunction"))
		r = from_function(cx, sc, b, out);
	else
		return cx_error(cx, pj_int(b, "location", 0), NULL, "%s in FROM is not supported", tag), NULL;
	if (r && strcmp(tag, "JoinExpr"))
		r->top = 1;
	return r;
}

/* Compiles a FROM list into " FROM ..." (nothing for an empty list). */
static int from_clause(struct cx *cx, struct scope *sc, const cJSON *list, struct strbuf *out)
{
	const cJSON *it;
	int first = 1;
	cJSON_ArrayForEach(it, list) {
		sb_adds(out, first ? " FROM " : ", ");
		if (!from_item(cx, sc, it, out))
			return -1;
		first = 0;
	}
	return 0;
}

/* ---- SELECT ---- */

int query_ncols(const struct query *q)
{
	return q->ncols;
}

const struct ctype *query_coltype(const struct query *q, int i)
{
	return &q->cols[i].e->type;
}

const char *query_colsql(const struct query *q, int i)
{
	return q->cols[i].sql;
}

int query_coerce_col(struct cx *cx, struct query *q, int i, const struct ctype *to,
		     enum coerce_ctx cc, const char *what)
{
	if (q->setop) {
		if (query_coerce_col(cx, q->l, i, to, cc, what) < 0 ||
		    query_coerce_col(cx, q->r, i, to, cc, what) < 0)
			return -1;
		q->cols[i].e = q->l->cols[i].e;
		return 0;
	}
	struct expr *e = coerce_to(cx, q->cols[i].e, to, cc, what);
	if (!e)
		return -1;
	q->cols[i].e = e;
	return 0;
}

/* Output i of q, written to the domain column c: checked and stored as
 * assign_value does. */
static int query_store_domain(struct cx *cx, struct query *q, int i, const struct rcolumn *c)
{
	if (q->setop) {
		if (query_store_domain(cx, q->l, i, c) < 0 || query_store_domain(cx, q->r, i, c) < 0)
			return -1;
		q->cols[i].e = q->l->cols[i].e;
		return 0;
	}
	struct expr *e = domain_guard(cx, c->domain, &c->type, q->cols[i].e);
	if (!(e = domain_store(cx, &c->type, e)))
		return -1;
	q->cols[i].e = e;
	return 0;
}

static void print_arm(struct cx *cx, struct strbuf *sb, struct query *q)
{
	if (q->wrap) {
		sb_adds(sb, "SELECT * FROM (");
		query_print(cx, sb, q);
		sb_adds(sb, ")");
	} else {
		query_print(cx, sb, q);
	}
}

void query_print(struct cx *cx, struct strbuf *sb, struct query *q)
{
	sb_adds(sb, q->with ? q->with : "");
	if (q->setop) {
		print_arm(cx, sb, q->l);
		sb_addf(sb, " %s ", q->setop);
		print_arm(cx, sb, q->r);
		sb_adds(sb, q->tail ? q->tail : "");
		return;
	}
	if (q->values) {
		sb_adds(sb, q->values);
		return;
	}
	sb_adds(sb, "SELECT ");
	sb_adds(sb, q->distinct ? q->distinct : "");
	for (int i = 0; i < q->ncols; i++) {
		const char *coll;
		if (i)
			sb_adds(sb, ", ");
		ex_print(sb, q->cols[i].e);
		if (q->collate_out && ct_order(cx, &q->cols[i].e->type, &coll))
			sb_addf(sb, " COLLATE %s", coll);
		sb_addf(sb, " AS %s", q->top ? qident(cx, q->cols[i].name) : q->cols[i].sql);
	}
	if (!q->ncols)
		sb_adds(sb, "NULL");
	sb_adds(sb, q->body ? q->body : "");
	sb_adds(sb, q->tail ? q->tail : "");
}

static void name_outputs(struct cx *cx, struct query *q)
{
	for (int i = 0; i < q->ncols; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			if (!strcmp(q->cols[j].name, q->cols[i].name))
				dup = 1;
		q->cols[i].sql = dup ? qident(cx, ar_printf(cx, "%s?%d", q->cols[i].name, i + 1))
				     : qident(cx, q->cols[i].name);
	}
}

static void add_col(struct cx *cx, struct query *q, int *alloc, const char *name, struct expr *e)
{
	if (q->ncols + 1 > *alloc) {
		int na = *alloc ? *alloc * 2 : 16;
		struct qcol *n = ar_alloc(cx, sizeof(*n) * (size_t)na);
		if (q->ncols)
			memcpy(n, q->cols, sizeof(*n) * (size_t)q->ncols);
		q->cols = n;
		*alloc = na;
	}
	q->cols[q->ncols].name = name;
	q->cols[q->ncols].e = e;
	q->ncols++;
}

static int expand_star(struct cx *cx, struct scope *sc, struct query *q, int *alloc,
		       const char *relname, int loc)
{
	int found = 0;
	for (int r = 0; r < sc->nrtes; r++) {
		struct rte *t = sc->rtes[r];
		if (relname ? !(t->refname && !strcmp(t->refname, relname)) : !t->top)
			continue;
		for (int c = 0; c < t->ncols; c++)
			add_col(cx, q, alloc, t->cols[c].name, col_expr(cx, sc, t, c, loc));
		found = 1;
		if (relname)
			break;
	}
	if (!found && relname)
		return cx_error(cx, loc, NULL, "missing FROM-clause entry for table \"%s\"", relname);
	if (!found)
		return cx_error(cx, loc, NULL, "SELECT * with no tables specified is not valid");
	return 0;
}

/* Is e (of query level sc) made only of grouped expressions? */
static int check_grouped(struct cx *cx, const struct expr *e, const struct scope *sc,
			 char **groups, int ngroups, const struct rte **pk_rtes, int npk)
{
	if (!e || (e->flags & X_AGG && e->kind == E_FUNC && !e->suffix) ||
	    (e->kind == E_FUNC && (e->flags & X_AGG) && e->suffix && !(e->flags & X_WINDOW)))
		return 0;
	if (ngroups) {
		char *t = ex_sqltext(cx, e);
		for (int i = 0; i < ngroups; i++)
			if (!strcmp(t, groups[i]))
				return 0;
	}
	if (e->kind == E_COL && e->col_scope == sc) {
		const struct rte *r = e->col_rte;
		for (int i = 0; i < npk; i++)
			if (pk_rtes[i] == r)
				return 0;
		return cx_error(cx, e->loc, NULL,
			    "column \"%s%s%s\" must appear in the GROUP BY clause or be used in an aggregate function",
			    r->refname ? r->refname : "", r->refname ? "." : "", r->cols[e->col_no].name);
	}
	for (int i = 0; i < e->nkids; i++)
		if (check_grouped(cx, e->kids[i], sc, groups, ngroups, pk_rtes, npk) < 0)
			return -1;
	return 0;
}

static int is_aggregate_call(const struct expr *e)
{
	return e->kind == E_FUNC && (e->flags & X_AGG) && !(e->flags & X_WINDOW);
}

/* Resets X_AGG on window calls so grouping sees their aggregate arguments. */
static int has_agg(const struct expr *e)
{
	if (!e)
		return 0;
	if (is_aggregate_call(e))
		return 1;
	for (int i = 0; i < e->nkids; i++)
		if (has_agg(e->kids[i]))
			return 1;
	return 0;
}

static int int_const(const cJSON *n, long *out)
{
	const cJSON *b, *iv;
	const char *tag = node_tag(n, &b);
	if (!tag || strcmp(tag, "A_Const") || !(iv = pj_get(b, "ival")))
		return 0;
	*out = pj_int(iv, "ival", 0);
	return 1;
}

static const char *limit_clause(struct cx *cx, struct scope *sc, const cJSON *n,
				const char *what)
{
	struct expr *e = compile_expr(cx, sc, n, EK_VALUES);
	if (!e || !(e = coerce_to(cx, e, &T_INT8, CC_IMPLICIT, NULL)))
		return NULL;
	if (e->flags & (X_AGG | X_WINDOW))
		return cx_error(cx, e->loc, NULL, "aggregate functions are not allowed in %s", what), NULL;
	if (e->kind == E_SQL && !strcmp(e->text, "NULL"))
		return !strcmp(what, "LIMIT") ? "-1" : "0";
	if (e->kind == E_SQL && (e->text[0] == '-' || (e->text[0] >= '0' && e->text[0] <= '9'))) {
		if (e->text[0] == '-')
			return cx_error(cx, e->loc, NULL, "%s must not be negative", what), NULL;
		return e->text;
	}
	/* SQLite reads a negative LIMIT as none and NULL as an error */
	return ar_printf(cx, "(SELECT CASE WHEN v < 0 THEN pg_sqlc_raise('%s must not be negative') "
			 "ELSE coalesce(v, %s) END FROM (SELECT %s AS v))", what,
			 !strcmp(what, "LIMIT") ? "-1" : "0", ex_sqltext(cx, e));
}

static int compile_insert(struct cx *cx, const cJSON *b, struct strbuf *out);
static int compile_update(struct cx *cx, const cJSON *b, struct strbuf *out);
static int compile_delete(struct cx *cx, const cJSON *b, struct strbuf *out);

/* WITH name(a, b) AS (...): the column aliases of CommonTableExpr cte
 * rename c's columns (and their SQL names when rename_sql). */
static int cte_alias_cols(struct cx *cx, struct cte *c, const cJSON *cte, int rename_sql)
{
	const cJSON *ci, *names = pj_get(cte, "aliascolnames");
	int k = 0;
	cJSON_ArrayForEach(ci, names) {
		if (k >= c->ncols)
			return cx_error(cx, pj_int(cte, "location", 0), NULL,
				    "WITH query \"%s\" has %d columns available but %d columns specified",
				    c->name, c->ncols, cJSON_GetArraySize(names));
		if (rename_sql)
			c->colsql[k] = qident(cx, str_val(ci));
		c->colnames[k++] = str_val(ci);
	}
	return 0;
}

/*
 * A data-modifying WITH query (INSERT, UPDATE or DELETE ... [RETURNING]):
 * compiled as a statement of its own that runs before the statement
 * (cx->pre), its RETURNING rows kept in temp."?ret_K" (returning_close),
 * which the WITH query reads.  PostgreSQL runs all parts on one snapshot,
 * so none of them sees another's changes; drydock runs them one after
 * another, which gives the same rows only when no other part names a
 * table one of them writes: compile_statement refuses the rest.
 * Returns 1 when the query was added to out (it has RETURNING), 0 when
 * not, -1 on error.
 */
static int dml_with(struct cx *cx, struct scope *sc, const cJSON *with, const cJSON *cte,
		    const char *qtag, const cJSON *qb, int loc, struct strbuf *out, int first)
{
	if (cx->ctx != SQLC_STEP && cx->ctx != SQLC_FIX)
		return cx_error(cx, loc, "a check or invariant is one SELECT",
			    "data-modifying statements in WITH are not allowed in a check");
	if ((const void *)with != cx->top_with)
		return cx_error(cx, loc, NULL, "WITH clause containing a data-modifying statement must be at the top level");
	const char *name = pj_str(cte, "ctename");
	int k = ++cx->ndml, saved = cx->dml_part, rc;
	struct strbuf *buf = ar_buf(cx);
	cx->dml_part = k;
	cx->ret = NULL;
	if (!strcmp(qtag, "InsertStmt"))
		rc = compile_insert(cx, qb, buf);
	else if (!strcmp(qtag, "UpdateStmt"))
		rc = compile_update(cx, qb, buf);
	else
		rc = compile_delete(cx, qb, buf);
	cx->dml_part = saved;
	if (rc < 0)
		return -1;
	sb_addf(cx->pre, "%s; ", buf->buf);
	struct cte *c = &sc->ctes[sc->nctes++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	if (!cx->ret) {
		c->no_returning = 1;
		return 0;
	}
	c->ncols = cx->ret->ncols;
	c->colnames = cx->ret->names;
	c->types = cx->ret->types;
	c->colsql = ar_alloc(cx, sizeof(char *) * (size_t)(c->ncols + 1));
	for (int i = 0; i < c->ncols; i++)
		c->colsql[i] = ar_printf(cx, "\"?%d\"", i + 1);
	{
		/* the RETURNING names belong to the query: renamed on a copy */
		const char **names = ar_alloc(cx, sizeof(char *) * (size_t)(c->ncols + 1));
		memcpy(names, c->colnames, sizeof(char *) * (size_t)c->ncols);
		c->colnames = names;
	}
	if (cte_alias_cols(cx, c, cte, 0) < 0)
		return -1;
	sb_addf(out, "%s%s(", first ? "" : ", ", qident(cx, name));
	for (int i = 0; i < c->ncols; i++)
		sb_addf(out, "%s%s", i ? ", " : "", c->colsql[i]);
	sb_addf(out, ") AS (SELECT * FROM temp.\"?ret_%d\")", k);
	sb_addf(cx->post, "; DROP TABLE temp.\"?ret_%d\"", k);
	cx->ret = NULL;
	return 1;
}

static int compile_with(struct cx *cx, struct scope *sc, const cJSON *with, struct strbuf *out)
{
	const cJSON *it;
	int recursive = pj_bool(with, "recursive");
	int first = 1;
	size_t start = out->len;
	sb_adds(out, recursive ? "WITH RECURSIVE " : "WITH ");
	cJSON_ArrayForEach(it, pj_get(with, "ctes")) {
		const cJSON *b;
		node_tag(it, &b);
		const char *name = pj_str(b, "ctename");
		const cJSON *qn = pj_get(b, "ctequery"), *qb;
		int loc = pj_int(b, "location", 0);
		const char *mat = pj_str(b, "ctematerialized");
		struct query *q = NULL;
		(void)mat;
		for (int i = 0; i < sc->nctes; i++)
			if (!strcmp(sc->ctes[i].name, name))
				return cx_error(cx, loc, NULL, "WITH query name \"%s\" specified more than once", name);
		const char *qtag = node_tag(qn, &qb);
		if ((size_t)sc->nctes + 1 > sc->alloc_ctes) {
			size_t na = sc->alloc_ctes ? sc->alloc_ctes * 2 : 4;
			struct cte *nc = ar_alloc(cx, sizeof(*nc) * na);
			if (sc->nctes)
				memcpy(nc, sc->ctes, sizeof(*nc) * (size_t)sc->nctes);
			sc->ctes = nc;
			sc->alloc_ctes = na;
		}
		if (qtag && (!strcmp(qtag, "InsertStmt") || !strcmp(qtag, "UpdateStmt") ||
			     !strcmp(qtag, "DeleteStmt"))) {
			int k = dml_with(cx, sc, with, b, qtag, qb, loc, out, first);
			if (k < 0)
				return -1;
			first &= !k;
			continue;
		}
		if (!qtag || strcmp(qtag, "SelectStmt"))
			return cx_error(cx, loc, NULL, "%s in WITH is not supported", qtag ? qtag : "this statement");
		struct cte *c = &sc->ctes[sc->nctes];
		memset(c, 0, sizeof(*c));
		c->name = name;
		const char *op = pj_str(qb, "op");
		int self_ref = recursive && op && !strcmp(op, "SETOP_UNION");
		if (self_ref) {
			/* WITH RECURSIVE: the non-recursive term fixes the columns */
			struct query *l = compile_query(cx, sc, pj_get(qb, "larg"), 0);
			if (!l)
				return -1;
			c->ncols = l->ncols;
			c->colnames = ar_alloc(cx, sizeof(char *) * (size_t)(l->ncols + 1));
			c->colsql = ar_alloc(cx, sizeof(char *) * (size_t)(l->ncols + 1));
			c->types = ar_alloc(cx, sizeof(struct ctype) * (size_t)(l->ncols + 1));
			for (int i = 0; i < l->ncols; i++) {
				c->colnames[i] = l->cols[i].name;
				c->colsql[i] = l->cols[i].sql;
				c->types[i] = l->cols[i].e->type;
			}
			const cJSON *ci;
			int k = 0;
			cJSON_ArrayForEach(ci, pj_get(b, "aliascolnames"))
				if (k < c->ncols) {
					c->colsql[k] = qident(cx, str_val(ci));
					c->colnames[k++] = str_val(ci);
				}
			sc->nctes++;
			struct query *r = compile_query(cx, sc, pj_get(qb, "rarg"), 1);
			if (!r)
				return -1;
			if (r->ncols != l->ncols)
				return cx_error(cx, loc, NULL, "each UNION query must have the same number of columns");
			for (int i = 0; i < l->ncols; i++) {
				if (r->cols[i].e->type.t == PGK_UNKNOWN || r->cols[i].e->kind == E_NULL) {
					if (query_coerce_col(cx, r, i, &c->types[i], CC_IMPLICIT, NULL) < 0)
						return -1;
				} else if (!ct_same(&r->cols[i].e->type, &c->types[i])) {
					return cx_error(cx, loc, "Cast the output of the non-recursive term to the correct type.",
						    "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall",
						    name, i + 1, ct_name(cx, &c->types[i], 1),
						    ct_name(cx, &r->cols[i].e->type, 1));
				}
			}
			q = ar_alloc(cx, sizeof(*q));
			q->setop = pj_bool(qb, "all") ? "UNION ALL" : "UNION";
			q->l = l;
			q->r = r;
			q->cols = l->cols;
			q->ncols = l->ncols;
			if (!pj_bool(qb, "all"))
				l->collate_out = r->collate_out = 1;
			if (pj_get(qb, "sortClause") || pj_get(qb, "limitCount"))
				return cx_error(cx, loc, NULL, "ORDER BY/LIMIT in a recursive query is not implemented");
			c->q = q;
			sc->nctes--;
		} else {
			if (!(q = compile_query(cx, sc, qn, 0)))
				return -1;
			c->q = q;
			c->ncols = q->ncols;
			c->colnames = ar_alloc(cx, sizeof(char *) * (size_t)(q->ncols + 1));
			c->colsql = ar_alloc(cx, sizeof(char *) * (size_t)(q->ncols + 1));
			c->types = ar_alloc(cx, sizeof(struct ctype) * (size_t)(q->ncols + 1));
			for (int i = 0; i < q->ncols; i++) {
				c->colnames[i] = q->cols[i].name;
				c->colsql[i] = q->cols[i].sql;
				c->types[i] = q->cols[i].e->type;
			}
			if (cte_alias_cols(cx, c, b, 1) < 0)
				return -1;
		}
		sc->nctes++;
		sb_adds(out, first ? "" : ", ");
		sb_adds(out, qident(cx, name));
		sb_addch(out, '(');
		for (int i = 0; i < c->ncols; i++)
			sb_addf(out, "%s%s", i ? ", " : "", c->colsql[i]);
		sb_adds(out, ") AS (");
		query_print(cx, out, q);
		sb_adds(out, ")");
		first = 0;
	}
	if (first)	/* only data-modifying queries without RETURNING */
		sb_setlen(out, start);
	else
		sb_addch(out, ' ');
	return 0;
}

/* ORDER BY of a SELECT: output names and positions first, then expressions. */
static int order_clause(struct cx *cx, struct scope *sc, struct query *q, const cJSON *list,
			int by_position, struct strbuf *out)
{
	const cJSON *it;
	int first = 1;
	cJSON_ArrayForEach(it, list) {
		const cJSON *b, *nb;
		node_tag(it, &b);
		const cJSON *n = pj_get(b, "node");
		const char *ntag = node_tag(n, &nb);
		const char *dir = pj_str(b, "sortby_dir"), *nulls = pj_str(b, "sortby_nulls");
		int desc = dir && !strcmp(dir, "SORTBY_DESC");
		int pos = -1;
		long k;
		struct expr *e = NULL;
		const char *coll;
		if (dir && !strcmp(dir, "SORTBY_USING"))
			return cx_error(cx, pj_int(b, "location", 0), NULL, "ORDER BY ... USING is not supported");
		if (int_const(n, &k)) {
			if (k < 1 || k > q->ncols)
				return cx_error(cx, node_loc(n), NULL, "ORDER BY position %ld is not in select list", k);
			pos = (int)k - 1;
		} else if (ntag && !strcmp(ntag, "ColumnRef") && cJSON_GetArraySize(pj_get(nb, "fields")) == 1 &&
			   str_val(cJSON_GetArrayItem(pj_get(nb, "fields"), 0))) {
			const char *name = str_val(cJSON_GetArrayItem(pj_get(nb, "fields"), 0));
			for (int i = 0; i < q->ncols; i++)
				if (!strcmp(q->cols[i].name, name)) {
					if (pos >= 0 && strcmp(ex_sqltext(cx, q->cols[pos].e), ex_sqltext(cx, q->cols[i].e)))
						return cx_error(cx, node_loc(n), NULL, "ORDER BY \"%s\" is ambiguous", name);
					pos = i;
				}
		}
		if (pos < 0) {
			if (by_position || !sc)
				return cx_error(cx, node_loc(n), "Only result column names can be used, not expressions or functions.",
					    "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
			if (!(e = resolve_unknown(cx, compile_expr(cx, sc, n, EK_SELECT))))
				return -1;
			if (cx->grouping && check_grouped(cx, e, cx->grouping->sc, cx->grouping->groups,
							  cx->grouping->ngroups, cx->grouping->pk_rtes,
							  cx->grouping->npk) < 0)
				return -1;
			if (q->distinct && *q->distinct) {
				int found = 0;
				const char *t = ex_sqltext(cx, e);
				for (int i = 0; i < q->ncols; i++)
					if (!strcmp(t, ex_sqltext(cx, q->cols[i].e)))
						found = 1;
				if (!found)
					return cx_error(cx, e->loc, NULL, "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
			}
		} else {
			e = q->cols[pos].e;
			if (e->type.t == PGK_UNKNOWN && query_coerce_col(cx, q, pos, &T_TEXT, CC_IMPLICIT, NULL) < 0)
				return -1;
			e = q->cols[pos].e;
		}
		if (!ct_order(cx, &e->type, &coll))
			return cx_error(cx, e->loc >= 0 ? e->loc : node_loc(n), NULL,
				    "could not identify an ordering operator for type %s", ct_name(cx, &e->type, 0));
		sb_adds(out, first ? " ORDER BY " : ", ");
		if (pos >= 0 && (by_position || (q->distinct && *q->distinct)))
			sb_addf(out, "%d", pos + 1);
		else
			ex_print(out, e);
		sb_addf(out, " COLLATE %s %s NULLS %s", coll, desc ? "DESC" : "ASC",
			nulls && !strcmp(nulls, "SORTBY_NULLS_FIRST") ? "FIRST" :
			nulls && !strcmp(nulls, "SORTBY_NULLS_LAST") ? "LAST" :
			desc ? "FIRST" : "LAST");
		first = 0;
	}
	return 0;
}

static int limit_tail(struct cx *cx, struct scope *sc, const cJSON *qb, struct strbuf *out)
{
	const char *lo = pj_str(qb, "limitOption");
	if (lo && !strcmp(lo, "LIMIT_OPTION_WITH_TIES"))
		return cx_error(cx, node_loc(pj_get(qb, "limitCount")), NULL, "FETCH ... WITH TIES is not supported");
	if (pj_get(qb, "limitCount")) {
		const char *l = limit_clause(cx, sc, pj_get(qb, "limitCount"), "LIMIT");
		if (!l)
			return -1;
		sb_addf(out, " LIMIT %s", l);
	}
	if (pj_get(qb, "limitOffset")) {
		const char *o = limit_clause(cx, sc, pj_get(qb, "limitOffset"), "OFFSET");
		if (!o)
			return -1;
		if (!pj_get(qb, "limitCount"))
			sb_adds(out, " LIMIT -1");
		sb_addf(out, " OFFSET %s", o);
	}
	return 0;
}

static struct query *compile_values(struct cx *cx, struct scope *sc, const cJSON *qb,
				    int keep_unknown)
{
	const cJSON *row, *it;
	int nrows = cJSON_GetArraySize(pj_get(qb, "valuesLists")), ncols = -1, r = 0;
	struct expr ***rows = ar_alloc(cx, sizeof(*rows) * (size_t)nrows);
	struct query *q = ar_alloc(cx, sizeof(*q));
	cJSON_ArrayForEach(row, pj_get(qb, "valuesLists")) {
		const cJSON *lb;
		node_tag(row, &lb);
		int n = cJSON_GetArraySize(pj_get(lb, "items")), i = 0;
		if (ncols >= 0 && n != ncols)
			return cx_error(cx, node_loc(cJSON_GetArrayItem(pj_get(lb, "items"), 0)), NULL,
				    "VALUES lists must all be the same length"), NULL;
		ncols = n;
		rows[r] = ar_alloc(cx, sizeof(struct expr *) * (size_t)(n ? n : 1));
		cJSON_ArrayForEach(it, pj_get(lb, "items")) {
			const char *t = node_tag(it, NULL);
			if (t && !strcmp(t, "SetToDefault"))
				return cx_error(cx, node_loc(it), NULL, "DEFAULT is not allowed in this context"), NULL;
			if (!(rows[r][i++] = compile_expr(cx, sc, it, EK_VALUES)))
				return NULL;
		}
		r++;
	}
	/* each column: one common type over the rows */
	q->ncols = ncols;
	q->cols = ar_alloc(cx, sizeof(*q->cols) * (size_t)(ncols ? ncols : 1));
	struct expr **colv = ar_alloc(cx, sizeof(*colv) * (size_t)(nrows ? nrows : 1));
	for (int c = 0; c < ncols; c++) {
		struct ctype t;
		for (int i = 0; i < nrows; i++)
			colv[i] = rows[i][c];
		if (select_common_type(cx, colv, nrows, "VALUES", &t) < 0)
			return NULL;
		int all_unknown = 1;
		for (int i = 0; i < nrows; i++)
			if (colv[i]->type.t != PGK_UNKNOWN)
				all_unknown = 0;
		if (!(all_unknown && keep_unknown && nrows == 1))
			for (int i = 0; i < nrows; i++)
				if (!(rows[i][c] = coerce_to(cx, rows[i][c], &t, CC_IMPLICIT, NULL)))
					return NULL;
		q->cols[c].name = ar_printf(cx, "column%d", c + 1);
		q->cols[c].e = rows[0][c];
	}
	name_outputs(cx, q);
	if (nrows == 1) {
		/* one row: an ordinary SELECT, so INSERT can coerce in place */
		q->body = "";
		return q;
	}
	struct strbuf *sb = ar_buf(cx);
	/* SQLite names VALUES columns column1...; keep PostgreSQL's names */
	sb_adds(sb, "SELECT ");
	for (int c = 0; c < ncols; c++)
		sb_addf(sb, "%scolumn%d AS %s", c ? ", " : "", c + 1, q->cols[c].sql);
	sb_adds(sb, " FROM (VALUES ");
	for (int i = 0; i < nrows; i++) {
		sb_adds(sb, i ? ", (" : "(");
		for (int c = 0; c < ncols; c++) {
			if (c)
				sb_adds(sb, ", ");
			ex_print(sb, rows[i][c]);
		}
		sb_addch(sb, ')');
	}
	sb_adds(sb, ")");
	q->values = ar_sb(cx, sb);
	for (int c = 0; c < ncols; c++) {
		q->cols[c].e = ex_sql(cx, ar_printf(cx, "column%d", c + 1), &rows[0][c]->type, -1);
		for (int i = 0; i < nrows; i++)
			q->cols[c].e->flags |= rows[i][c]->flags & X_VOLATILE;
	}
	return q;
}

static struct query *compile_setop(struct cx *cx, struct scope *outer, const cJSON *qb,
				   int keep_unknown)
{
	const char *op = pj_str(qb, "op");
	int all = pj_bool(qb, "all");
	int loc = node_loc(pj_get(qb, "larg"));
	struct query *q = ar_alloc(cx, sizeof(*q));
	const char *kw = !strcmp(op, "SETOP_UNION") ? "UNION" : !strcmp(op, "SETOP_INTERSECT") ? "INTERSECT" : "EXCEPT";
	struct strbuf *tail = ar_buf(cx);
	(void)keep_unknown;
	if (all && strcmp(kw, "UNION"))
		return cx_error(cx, loc, "write it with EXISTS/NOT EXISTS or counts", "%s ALL is not supported", kw), NULL;
	if (!(q->l = compile_query(cx, outer, pj_get(qb, "larg"), 1)) ||
	    !(q->r = compile_query(cx, outer, pj_get(qb, "rarg"), 1)))
		return NULL;
	if (q->l->ncols != q->r->ncols)
		return cx_error(cx, node_loc(pj_get(qb, "rarg")), NULL, "each %s query must have the same number of columns", kw), NULL;
	if (pj_get(qb, "withClause"))
		return cx_error(cx, loc, NULL, "WITH on a set operation is not supported"), NULL;
	for (int i = 0; i < q->l->ncols; i++) {
		struct expr *pair[2] = { q->l->cols[i].e, q->r->cols[i].e };
		struct ctype t;
		if (select_common_type(cx, pair, 2, kw, &t) < 0)
			return NULL;
		if (query_coerce_col(cx, q->l, i, &t, CC_IMPLICIT, NULL) < 0 ||
		    query_coerce_col(cx, q->r, i, &t, CC_IMPLICIT, NULL) < 0)
			return NULL;
		const char *coll;
		if (!(all) && !ct_order(cx, &t, &coll))
			return cx_error(cx, loc, NULL, "could not identify an equality operator for type %s", ct_name(cx, &t, 0)), NULL;
	}
	q->setop = all ? "UNION ALL" : kw;
	q->ncols = q->l->ncols;
	q->cols = q->l->cols;
	if (!all)
		q->l->collate_out = q->r->collate_out = 1;
	/* SQLite: an arm with its own ORDER BY/LIMIT, or a compound arm, is a subquery */
	if (q->l->tail && *q->l->tail)
		q->l->wrap = 1;
	if (q->r->tail && *q->r->tail)
		q->r->wrap = 1;
	if (q->r->setop)
		q->r->wrap = 1;
	if (q->l->setop && strcmp(q->l->setop, q->setop))
		q->l->wrap = 1;
	if (pj_get(qb, "sortClause") && order_clause(cx, NULL, q, pj_get(qb, "sortClause"), 1, tail) < 0)
		return NULL;
	if (limit_tail(cx, outer, qb, tail) < 0)
		return NULL;
	q->tail = ar_sb(cx, tail);
	return q;
}

static struct query *compile_query(struct cx *cx, struct scope *outer, const cJSON *sel,
				   int keep_unknown)
{
	const cJSON *qb, *it;
	const char *tag = node_tag(sel, &qb);
	struct scope *sc;
	struct query *q;
	/* set operations hold their arms untagged */
	if (tag && strcmp(tag, "SelectStmt") && (pj_get(sel, "op") || pj_get(sel, "targetList"))) {
		qb = sel;
		tag = "SelectStmt";
	}
	struct strbuf *body = ar_buf(cx);
	struct strbuf *tail = ar_buf(cx);
	struct strbuf *with = ar_buf(cx);
	int alloc = 0;
	if (!tag || strcmp(tag, "SelectStmt"))
		return cx_error(cx, node_loc(sel), NULL, "a SELECT is expected here"), NULL;
	sc = scope_new(cx, outer);
	/* a scope for WITH, then the query's own */
	if (pj_get(qb, "withClause")) {
		if (compile_with(cx, sc, pj_get(qb, "withClause"), with) < 0)
			return NULL;
		sc = scope_new(cx, sc);
		sc->parent->nrtes = 0;
	}
	const char *op = pj_str(qb, "op");
	if (op && strcmp(op, "SETOP_NONE")) {
		q = compile_setop(cx, sc, qb, keep_unknown);
		if (q)
			q->with = ar_sb(cx, with);
		return q;
	}
	if (pj_get(qb, "valuesLists")) {
		q = compile_values(cx, sc, qb, keep_unknown);
		if (q && (pj_get(qb, "sortClause") || pj_get(qb, "limitCount") || pj_get(qb, "limitOffset")))
			return cx_error(cx, node_loc(sel), NULL, "ORDER BY/LIMIT on VALUES is not supported"), NULL;
		if (q)
			q->with = ar_sb(cx, with);
		return q;
	}
	if (pj_get(qb, "intoClause"))
		return cx_error(cx, node_loc(sel), "use CREATE TABLE ... AS SELECT", "SELECT INTO is not supported"), NULL;
	if (pj_get(qb, "windowClause"))
		return cx_error(cx, node_loc(sel), "write the window's definition in OVER (...)", "WINDOW clauses are not supported"), NULL;
	if (pj_get(qb, "groupDistinct"))
		return cx_error(cx, node_loc(sel), NULL, "GROUP BY DISTINCT is not supported"), NULL;
	q = ar_alloc(cx, sizeof(*q));
	q->with = ar_sb(cx, with);
	if (from_clause(cx, sc, pj_get(qb, "fromClause"), body) < 0)
		return NULL;
	/* the select list */
	cJSON_ArrayForEach(it, pj_get(qb, "targetList")) {
		const cJSON *rb, *vb;
		node_tag(it, &rb);
		const cJSON *val = pj_get(rb, "val");
		const char *vtag = node_tag(val, &vb);
		if (vtag && !strcmp(vtag, "ColumnRef")) {
			int nf = cJSON_GetArraySize(pj_get(vb, "fields"));
			const cJSON *last = cJSON_GetArrayItem(pj_get(vb, "fields"), nf - 1);
			const char *lt = node_tag(last, NULL);
			if (lt && !strcmp(lt, "A_Star")) {
				const char *rel = nf >= 2 ? str_val(cJSON_GetArrayItem(pj_get(vb, "fields"), nf - 2)) : NULL;
				if (expand_star(cx, sc, q, &alloc, rel, pj_int(vb, "location", 0)) < 0)
					return NULL;
				continue;
			}
		}
		struct expr *e = compile_expr(cx, sc, val, EK_SELECT);
		if (!e)
			return NULL;
		if (!keep_unknown && !(e = resolve_unknown(cx, e)))
			return NULL;
		int strength;
		const char *name = pj_str(rb, "name");
		if (!name)
			name = figure_colname(val, &strength);
		add_col(cx, q, &alloc, name ? name : "?column?", e);
	}
	name_outputs(cx, q);
	/* WHERE */
	if (pj_get(qb, "whereClause")) {
		struct expr *w = compile_cond(cx, sc, pj_get(qb, "whereClause"), EK_WHERE, "WHERE");
		if (!w)
			return NULL;
		sb_adds(body, " WHERE ");
		ex_print(body, w);
	}
	/* GROUP BY: input columns first, then output names and positions */
	int ngroups = 0;
	char **groups = NULL;
	const struct rte **pk_rtes = NULL;
	int npk = 0;
	int grouped = pj_get(qb, "groupClause") != NULL || pj_get(qb, "havingClause") != NULL;
	for (int i = 0; i < q->ncols && !grouped; i++)
		if (has_agg(q->cols[i].e))
			grouped = 1;
	if (pj_get(qb, "groupClause")) {
		int n = cJSON_GetArraySize(pj_get(qb, "groupClause"));
		groups = ar_alloc(cx, sizeof(*groups) * (size_t)n);
		pk_rtes = ar_alloc(cx, sizeof(*pk_rtes) * (size_t)(sc->nrtes + 1));
		sb_adds(body, " GROUP BY ");
		cJSON_ArrayForEach(it, pj_get(qb, "groupClause")) {
			long k;
			struct expr *e = NULL;
			const char *gt = node_tag(it, NULL);
			if (gt && (!strcmp(gt, "GroupingSet")))
				return cx_error(cx, node_loc(it), NULL, "GROUPING SETS, ROLLUP and CUBE are not supported"), NULL;
			if (int_const(it, &k)) {
				if (k < 1 || k > q->ncols)
					return cx_error(cx, node_loc(it), NULL, "GROUP BY position %ld is not in select list", k), NULL;
				e = q->cols[k - 1].e;
			} else {
				e = compile_expr(cx, sc, it, EK_GROUP);
				if (!e) {
					/* a bare name not found as input column: an output name */
					const cJSON *gb;
					const char *name = NULL;
					if (gt && !strcmp(gt, "ColumnRef")) {
						node_tag(it, &gb);
						if (cJSON_GetArraySize(pj_get(gb, "fields")) == 1)
							name = str_val(cJSON_GetArrayItem(pj_get(gb, "fields"), 0));
					}
					for (int i = 0; name && i < q->ncols; i++)
						if (!strcmp(q->cols[i].name, name))
							e = q->cols[i].e;
					if (!e)
						return NULL;
					free(cx->env->err.message);
					cx->env->err.message = NULL;
				}
			}
			if (e->flags & X_AGG)
				return cx_error(cx, e->loc, NULL, "aggregate functions are not allowed in GROUP BY"), NULL;
			e = resolve_unknown(cx, e);
			const char *coll;
			if (!ct_order(cx, &e->type, &coll))
				return cx_error(cx, e->loc, NULL, "could not identify an equality operator for type %s",
					    ct_name(cx, &e->type, 0)), NULL;
			if (ngroups)
				sb_adds(body, ", ");
			groups[ngroups++] = ex_sqltext(cx, e);
			sb_addf(body, "%s COLLATE %s", groups[ngroups - 1], coll);
			if (e->kind == E_COL && e->col_scope == sc) {
				/* grouping by a table's whole primary key groups its other columns */
				const struct rte *r = e->col_rte;
				if (r->rel && r->rel->meta && r->rel->meta->npk) {
					int all = 1;
					for (int p = 0; p < r->rel->meta->npk && all; p++) {
						const char *pkcol = ex_sqltext(cx, col_expr(cx, sc, (struct rte *)r, r->rel->meta->pk[p], -1));
						int found = 0;
						for (int g = 0; g < ngroups; g++)
							found |= !strcmp(groups[g], pkcol);
						all = found;
					}
					if (all)
						pk_rtes[npk++] = r;
				}
			}
		}
		/* the primary-key rule must see the whole GROUP BY: recheck */
		npk = 0;
		for (int r = 0; r < sc->nrtes; r++) {
			const struct rte *t = sc->rtes[r];
			if (!t->rel || !t->rel->meta || !t->rel->meta->npk)
				continue;
			int all = 1;
			for (int p = 0; p < t->rel->meta->npk && all; p++) {
				const char *pkcol = ex_sqltext(cx, col_expr(cx, sc, (struct rte *)t, t->rel->meta->pk[p], -1));
				int found = 0;
				for (int g = 0; g < ngroups; g++)
					found |= !strcmp(groups[g], pkcol);
				all = found;
			}
			if (all)
				pk_rtes[npk++] = t;
		}
	}
	struct expr *having = NULL;
	if (pj_get(qb, "havingClause")) {
		if (!(having = compile_cond(cx, sc, pj_get(qb, "havingClause"), EK_SELECT, "HAVING")))
			return NULL;
		if (having->flags & X_WINDOW)
			return cx_error(cx, having->loc, NULL, "window functions are not allowed in HAVING"), NULL;
	}
	if (grouped) {
		for (int i = 0; i < q->ncols; i++)
			if (check_grouped(cx, q->cols[i].e, sc, groups, ngroups, pk_rtes, npk) < 0)
				return NULL;
		if (having && check_grouped(cx, having, sc, groups, ngroups, pk_rtes, npk) < 0)
			return NULL;
	}
	if (having) {
		sb_adds(body, " HAVING ");
		ex_print(body, having);
	}
	/* DISTINCT / DISTINCT ON */
	const cJSON *dl = pj_get(qb, "distinctClause");
	int distinct_on = 0;
	if (dl) {
		const cJSON *first = cJSON_GetArrayItem(dl, 0);
		if (first && cJSON_IsObject(first) && first->child) {
			distinct_on = 1;
		} else {
			q->distinct = "DISTINCT ";
			q->collate_out = 1;
			for (int i = 0; i < q->ncols; i++) {
				const char *coll;
				if (!(q->cols[i].e = resolve_unknown(cx, q->cols[i].e)))
					return NULL;
				if (!ct_order(cx, &q->cols[i].e->type, &coll))
					return cx_error(cx, q->cols[i].e->loc, NULL, "could not identify an equality operator for type %s",
						    ct_name(cx, &q->cols[i].e->type, 0)), NULL;
			}
		}
	}
	if (distinct_on) {
		/* DISTINCT ON (a, b): the first row of each group in ORDER BY
		 * order, as row_number() over a partition */
		struct strbuf *part = ar_buf(cx);
		struct strbuf *ord = ar_buf(cx);
		int n = 0;
		cJSON_ArrayForEach(it, dl) {
			long k;
			struct expr *e;
			const char *coll;
			if (int_const(it, &k)) {
				if (k < 1 || k > q->ncols)
					return cx_error(cx, node_loc(it), NULL, "DISTINCT ON position %ld is not in select list", k), NULL;
				e = q->cols[k - 1].e;
			} else if (!(e = compile_expr(cx, sc, it, EK_SELECT))) {
				return NULL;
			}
			e = resolve_unknown(cx, e);
			if (!ct_order(cx, &e->type, &coll))
				return cx_error(cx, e->loc, NULL, "could not identify an equality operator for type %s",
					    ct_name(cx, &e->type, 0)), NULL;
			sb_adds(part, n++ ? ", " : "PARTITION BY ");
			ex_print(part, e);
			sb_addf(part, " COLLATE %s", coll);
		}
		if (pj_get(qb, "sortClause") && order_clause(cx, sc, q, pj_get(qb, "sortClause"), 0, ord) < 0)
			return NULL;
		/* the outer query orders by the same keys: carry them as hidden columns */
		struct strbuf *inner = ar_buf(cx);
		struct strbuf *wrapped = ar_buf(cx);
		sb_adds(inner, "SELECT ");
		for (int i = 0; i < q->ncols; i++) {
			ex_print(inner, q->cols[i].e);
			sb_addf(inner, " AS %s, ", q->cols[i].sql);
		}
		sb_addf(inner, "row_number() OVER (%s%s) AS \"?rn\"", part->buf, ord->buf);
		struct strbuf *okeys = ar_buf(cx);
		if (pj_get(qb, "sortClause")) {
			/* re-emit ORDER BY over the carried keys */
			int k = 0;
			const cJSON *sit;
			cJSON_ArrayForEach(sit, pj_get(qb, "sortClause")) {
				const cJSON *sb2;
				node_tag(sit, &sb2);
				struct strbuf *one = ar_buf(cx);
				const cJSON *arr = cJSON_CreateArray();
				cJSON_AddItemReferenceToArray((cJSON *)arr, (cJSON *)sit);
				if (order_clause(cx, sc, q, arr, 0, one) < 0) {
					cJSON_Delete((cJSON *)arr);
					sb_release(one);
					return NULL;
				}
				cJSON_Delete((cJSON *)arr);
				/* " ORDER BY expr COLLATE c DIR NULLS X" */
				const char *ex = one->buf + strlen(" ORDER BY ");
				const char *col = strstr(ex, " COLLATE ");
				sb_addf(inner, ", %.*s AS \"?o%d\"", (int)(col - ex), ex, k);
				sb_addf(okeys, "%s\"?o%d\"%s", k ? ", " : " ORDER BY ", k, col);
				sb_release(one);
				k++;
			}
		}
		sb_adds(inner, body->buf);
		sb_adds(wrapped, " FROM (");
		sb_adds(wrapped, inner->buf);
		sb_adds(wrapped, ") WHERE \"?rn\" = 1");
		sb_adds(wrapped, okeys->buf);
		for (int i = 0; i < q->ncols; i++)
			q->cols[i].e = ex_sql(cx, q->cols[i].sql, &q->cols[i].e->type, q->cols[i].e->loc);
		if (limit_tail(cx, sc, qb, wrapped) < 0)
			return NULL;
		sb_release(part);
		sb_release(ord);
		sb_release(inner);
		sb_release(okeys);
		sb_release(body);
		q->body = ar_sb(cx, wrapped);
		q->tail = "";
		return q;
	}
	struct grouping g = { sc, groups, ngroups, pk_rtes, npk };
	cx->grouping = grouped ? &g : NULL;
	if (pj_get(qb, "sortClause") && order_clause(cx, sc, q, pj_get(qb, "sortClause"), 0, tail) < 0) {
		cx->grouping = NULL;
		return NULL;
	}
	cx->grouping = NULL;
	if (limit_tail(cx, sc, qb, tail) < 0)
		return NULL;
	/* FOR UPDATE/SHARE (lockingClause): one session, nothing to lock */
	q->body = ar_sb(cx, body);
	q->tail = ar_sb(cx, tail);
	return q;
}

struct query *compile_select(struct cx *cx, struct scope *outer, const cJSON *sel)
{
	return compile_query(cx, outer, sel, 0);
}

/* ---- writes ---- */

static struct rel *target_rel(struct cx *cx, const cJSON *rv, const char *verb)
{
	const char *name = pj_str(rv, "relname"), *schema = pj_str(rv, "schemaname");
	int loc = pj_int(rv, "location", 0);
	struct rel *r = lookup_rel(cx, schema, name);
	if (!r) {
		if (schema)
			return cx_error(cx, loc, NULL, "relation \"%s.%s\" does not exist", schema, name), NULL;
		return cx_error(cx, loc, NULL, "relation \"%s\" does not exist", name), NULL;
	}
	if (!r->writable)
		return cx_error(cx, loc, "steps write only the target's tables and their own scratch tables",
			    "cannot %s table \"%s\" of source \"%s\": it is read-only",
			    verb, name, r->source ? r->source : "?"), NULL;
	if (cx->ctx == SQLC_CHECK || cx->ctx == SQLC_INVARIANT)
		return cx_error(cx, loc, "a check or invariant is one SELECT", "cannot %s in a check", verb), NULL;
	/* a snapshotted table without a key is written too: its rows are
	 * identified by all their values (changeset.c, docs/push.md) */
	return r;
}

static int rel_col(const struct rel *r, const char *name)
{
	for (int i = 0; i < r->ncols; i++)
		if (!strcmp(r->cols[i].name, name))
			return i;
	return -1;
}

/* e, failing as PostgreSQL does when it is NULL and the column is NOT NULL. */
static struct expr *not_null_guard(struct cx *cx, const struct rel *r, int col, struct expr *e)
{
	if (!e || !r->cols[col].not_null)
		return e;
	/* a literal other than NULL cannot be NULL */
	if (e->kind == E_SQL && e->text &&
	    (e->text[0] == '\'' || isdigit((unsigned char)e->text[0]) ||
	     (e->text[0] == '-' && isdigit((unsigned char)e->text[1]))))
		return e;
	struct strbuf msg = STRBUF_INIT;
	sb_add_literal(&msg, ar_printf(cx, "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
				       r->cols[col].name, r->name));
	struct expr *kids[2] = { e, ex_sql(cx, ar_sb(cx, &msg), &T_TEXT, -1) };
	return ex_func(cx, "pg_sqlc_not_null", &r->cols[col].type, e->loc, 2, kids);
}

static struct expr *assign_value(struct cx *cx, const struct rel *r, int col, struct expr *e)
{
	const char *what = ar_printf(cx, "column \"%s\"", r->cols[col].name);
	const char *pgt = r->cols[col].pg_type;
	/* "interval year", "interval day to second": PostgreSQL drops the
	 * fields outside the range on assignment; drydock does not yet */
	if (e && pgt && !strncmp(pgt, "interval ", 9))
		return cx_error(cx, e->loc, "write the column in a plain interval column, or give it its value in PostgreSQL",
			    "writing to column \"%s\" of type %s is not supported", r->cols[col].name, pgt), NULL;
	const struct domain_info *d = r->cols[col].domain;
	e = coerce_to(cx, e, &r->cols[col].type, CC_ASSIGN, what);
	if (e && d)
		e = domain_guard(cx, d, &r->cols[col].type, e);
	e = not_null_guard(cx, r, col, e);
	return d ? domain_store(cx, &r->cols[col].type, e) : e;
}

struct expr *column_default(struct cx *cx, const struct rel *r, int col, int loc)
{
	const struct rcolumn *c = &r->cols[col];
	const char *text = c->default_expr;
	char *seqdef = NULL;
	struct expr *e;
	if (c->generated)	/* computed after the statement: generated_recompute() */
		return ex_sql(cx, "NULL", &c->type, loc);
	if (!text && c->identity && c->sequence)
		text = seqdef = ar_printf(cx, "nextval('%s'::regclass)", c->sequence);
	if (!text && c->domain)
		text = c->domain->default_expr; /* the domain's own (build_column_default) */
	if (!text && c->domain && c->domain->not_null)
		return assign_value(cx, r, col, ex_sql(cx, "NULL", &c->type, loc));
	if (!text)
		return not_null_guard(cx, r, col, ex_sql(cx, "NULL", &c->type, loc));
	/* the default is PostgreSQL text (pg_get_expr): compile it as such;
	 * errors in it are reported at the statement, with the default named */
	struct pg_text pt;
	const cJSON *val = pg_text_begin(cx, &pt, text);
	e = val ? compile_expr(cx, NULL, val, EK_VALUES) : NULL;
	if (e)
		e = assign_value(cx, r, col, e);
	char *m = xstrdup(!val ? (pt.pr.error ? pt.pr.error->message : "?")
			       : cx->env->err.message ? cx->env->err.message : "?");
	pg_text_end(cx, &pt);
	if (!val)
		cx_error(cx, loc, NULL, "cannot compile the default of column \"%s\": %s", c->name, m);
	else if (!e)
		cx_error(cx, loc, "drydock compiles a column's DEFAULT from its PostgreSQL text; give the column a value explicitly",
			 "cannot compile the default of column \"%s\" (%s): %s", c->name, text, m);
	free(m);
	return e;
}

/* ---- generated columns ---- */

/* PostgreSQL's refusal of a value written to a generated column. */
static int refuse_generated(struct cx *cx, const struct rel *r, int col, int loc, int update)
{
	const char *name = r->cols[col].name;
	const char *hint = ar_printf(cx, "Column \"%s\" is a generated column: drydock computes it "
				     "from its expression after each statement, as PostgreSQL does.", name);
	if (update)
		return cx_error(cx, loc, hint, "column \"%s\" can only be updated to DEFAULT", name);
	return cx_error(cx, loc, hint, "cannot insert a non-DEFAULT value into column \"%s\"", name);
}

/*
 * A statement that wrote r is followed by one that recomputes r's stored
 * generated columns from their expressions (PostgreSQL text, compiled
 * like a default, over the row's columns) wherever they differ, so every
 * later statement reads what PostgreSQL would have stored.  Generated
 * columns cannot name each other, so one UPDATE computes them all from
 * the row as the statement left it.
 */
static int generated_recompute(struct cx *cx, const struct rel *r, struct strbuf *out)
{
	struct strbuf set = STRBUF_INIT, where = STRBUF_INIT;
	int ret = 0;
	for (int i = 0; i < r->ncols && !ret; i++) {
		const struct rcolumn *c = &r->cols[i];
		struct scope *sc;
		struct rte *tr;
		char *sql;
		PgQueryParseResult pr;
		cJSON *root = NULL;
		struct expr *e = NULL;
		if (!c->generated)
			continue;
		sc = scope_new(cx, NULL);
		tr = rte_for_rel(cx, r, r->name);
		scope_add(cx, sc, tr);
		sql = xasprintf("SELECT %s", c->generated);
		pr = pg_query_parse(sql);
		if (!pr.error) {
			const cJSON *st, *sb, *rt, *rb;
			const char *saved = cx->text;
			int saved_base = cx->base;
			root = cJSON_Parse(pr.parse_tree);
			st = pj_get(cJSON_GetArrayItem(pj_get(root, "stmts"), 0), "stmt");
			node_tag(st, &sb);
			rt = cJSON_GetArrayItem(pj_get(sb, "targetList"), 0);
			node_tag(rt, &rb);
			cx->text = sql;
			cx->base = 0;
			cx->quiet++;
			e = compile_expr(cx, sc, pj_get(rb, "val"), EK_VALUES);
			if (e)
				e = assign_value(cx, r, i, e);
			cx->quiet--;
			cx->text = saved;
			cx->base = saved_base;
		}
		if (!e) {
			char *m = xstrdup(pr.error ? pr.error->message
					  : cx->env->err.message ? cx->env->err.message : "?");
			ret = cx_error(cx, cx->stmt_loc, "drydock computes a generated column from its PostgreSQL "
				   "expression; write a step that leaves this table alone",
				   "cannot compute the generated column \"%s\" of \"%s\" (%s): %s",
				   c->name, r->name, c->generated, m);
			free(m);
		} else {
			sb_addf(&set, "%s%s = ", set.len ? ", " : "", qident(cx, c->name));
			ex_print(&set, e);
			sb_addf(&where, "%s%s IS NOT (", where.len ? " OR " : "", qident(cx, c->name));
			ex_print(&where, e);
			sb_addch(&where, ')');
		}
		cJSON_Delete(root);
		pg_query_free_parse_result(pr);
		free(sql);
	}
	if (!ret && set.len)
		sb_addf(out, "; UPDATE %s AS %s SET %s WHERE %s", qident(cx, r->sql_name),
			qident(cx, r->name), set.buf, where.buf);
	sb_release(&set);
	sb_release(&where);
	return ret;
}

/*
 * The statement written in out from byte start, taken out of it (out is
 * cut back to start), so that what must run before it can be written
 * first; the caller appends it again.
 */
static struct strbuf *cut_statement(struct cx *cx, struct strbuf *out, size_t start)
{
	struct strbuf *stmt = ar_buf(cx);
	sb_adds(stmt, out->buf + start);
	sb_setlen(out, start);
	return stmt;
}

/*
 * Temp table "?NAME" and two temp triggers that record in it the rowid of
 * every row of table t (quoted) inserted or updated while they exist;
 * written_rows_off drops the triggers.
 */
static void written_rows_on(struct strbuf *out, const char *t, const char *name)
{
	sb_addf(out, "CREATE TEMP TABLE \"?%s\" (r INTEGER PRIMARY KEY); ", name);
	for (int u = 0; u < 2; u++)
		sb_addf(out, "CREATE TEMP TRIGGER \"?%s_%c\" AFTER %s ON %s BEGIN "
			     "INSERT OR IGNORE INTO \"?%s\" VALUES (NEW.rowid); END; ",
			name, u ? 'u' : 'i', u ? "UPDATE" : "INSERT", t, name);
}

static void written_rows_off(struct strbuf *out, const char *name)
{
	sb_addf(out, "; DROP TRIGGER temp.\"?%s_i\"; DROP TRIGGER temp.\"?%s_u\"", name, name);
}

/*
 * RETURNING of an INSERT, UPDATE or DELETE (kind 'i', 'u' or 'd') whose
 * SQL is in out from byte start.  returning_open wraps the statement in
 * temp triggers that record the rows it inserts or updates (their rowids,
 * in "?rid_K") or deletes (the whole rows, before they go, in "?old_K");
 * returning_close, after generated columns are recomputed, evaluates the
 * RETURNING list over those rows into temp."?ret_K" (K: the part), so it
 * sees each row as PostgreSQL's RETURNING does: after defaults, coercion,
 * ON CONFLICT and generated columns.  The statement's own RETURNING
 * (part 0) is evaluated for its errors and dropped; a WITH query's is read
 * by the statement (dml_with).
 */
static void returning_open(struct cx *cx, const struct rel *r, const cJSON *b, char kind,
			   size_t start, struct strbuf *out)
{
	int k = cx->dml_part;
	const char *t = qident(cx, r->sql_name);
	if (!pj_get(b, "returningList"))
		return;
	struct strbuf *stmt = cut_statement(cx, out, start);
	if (kind == 'd') {
		sb_addf(out, "CREATE TEMP TABLE \"?old_%d\" AS SELECT * FROM %s WHERE false; "
			     "CREATE TEMP TRIGGER \"?trd_%d\" BEFORE DELETE ON %s BEGIN "
			     "INSERT INTO \"?old_%d\" SELECT * FROM %s WHERE rowid = OLD.rowid; END; ",
			k, t, k, t, k, t);
	} else {
		written_rows_on(out, t, ar_printf(cx, "rid_%d", k));
	}
	sb_adds(out, stmt->buf);
	if (kind == 'd')
		sb_addf(out, "; DROP TRIGGER temp.\"?trd_%d\"", k);
	else
		written_rows_off(out, ar_printf(cx, "rid_%d", k));
}

static int returning_close(struct cx *cx, const struct rel *r, const char *ref, const cJSON *b,
			   char kind, struct strbuf *out)
{
	const cJSON *list = pj_get(b, "returningList");
	int k = cx->dml_part, loc = node_loc(list ? list->child : NULL);
	if (!list)
		return 0;
	/* SELECT <list> FROM <table> AS ref, compiled as any SELECT (names,
	 * *, types), then read from the rows the statement wrote */
	cJSON *sel = cJSON_CreateObject();
	cJSON *sb = cJSON_AddObjectToObject(sel, "SelectStmt");
	cJSON_AddItemToObject(sb, "targetList", cJSON_Duplicate(list, 1));
	cJSON *item = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(sb, "fromClause"), item);
	cJSON *rv = cJSON_AddObjectToObject(item, "RangeVar");
	cJSON_AddStringToObject(rv, "relname", r->name);
	cJSON_AddBoolToObject(rv, "inh", 1);
	cJSON_AddStringToObject(rv, "relpersistence", "p");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(rv, "alias"), "aliasname", ref);
	cJSON_AddNumberToObject(rv, "location", loc);
	cJSON_AddStringToObject(sb, "limitOption", "LIMIT_OPTION_DEFAULT");
	cJSON_AddStringToObject(sb, "op", "SETOP_NONE");
	/* the tree is freed at the end: names and literals point into it */
	struct query *q = compile_query(cx, NULL, sel, 0);
	int rc = !q ? -1 : 0;
	for (int i = 0; !rc && i < q->ncols; i++) {
		q->cols[i].name = ar_strdup(cx, q->cols[i].name);
		if (has_agg(q->cols[i].e))
			rc = cx_error(cx, q->cols[i].e->loc, NULL, "aggregate functions are not allowed in RETURNING");
		else if (q->cols[i].e->flags & X_WINDOW)
			rc = cx_error(cx, q->cols[i].e->loc, NULL, "window functions are not allowed in RETURNING");
	}
	if (rc < 0) {
		cJSON_Delete(sel);
		return -1;
	}
	if (kind == 'd')
		q->body = ar_printf(cx, " FROM temp.\"?old_%d\" AS %s", k, qident(cx, ref));
	else
		q->body = ar_printf(cx, " FROM %s AS %s WHERE %s.rowid IN (SELECT r FROM temp.\"?rid_%d\")",
				    qident(cx, r->sql_name), qident(cx, ref), qident(cx, ref), k);
	sb_addf(out, "; CREATE TEMP TABLE \"?ret_%d\" AS ", k);
	query_print(cx, out, q);
	cJSON_Delete(sel);
	sb_addf(out, "; DROP TABLE temp.\"?%s_%d\"", kind == 'd' ? "old" : "rid", k);
	if (k == 0) {
		sb_addf(out, "; DROP TABLE temp.\"?ret_%d\"", k);
		return 0;
	}
	struct returning *ret = ar_alloc(cx, sizeof(*ret));
	ret->part = k;
	ret->ncols = q->ncols;
	ret->names = ar_alloc(cx, sizeof(char *) * (size_t)(q->ncols + 1));
	ret->types = ar_alloc(cx, sizeof(struct ctype) * (size_t)(q->ncols + 1));
	for (int i = 0; i < q->ncols; i++) {
		ret->names[i] = q->cols[i].name;
		ret->types[i] = q->cols[i].e->type;
	}
	cx->ret = ret;
	return 0;
}

/* Whether the ON CONFLICT target infer names exactly the columns cols of r. */
static int same_columns(const cJSON *infer, const struct rel *r, const int *cols, int n)
{
	const cJSON *it;
	int k = 0;
	cJSON_ArrayForEach(it, pj_get(infer, "indexElems")) {
		const cJSON *ib;
		node_tag(it, &ib);
		int c = rel_col(r, pj_str(ib, "name"));
		int found = 0;
		for (int i = 0; i < n; i++)
			found |= cols[i] == c;
		if (!found)
			return 0;
		k++;
	}
	return k == n;
}

/*
 * The unique constraints of r other than its primary key, and its unique
 * indexes over plain columns, as column lists (at most 64).  -1 when one
 * cannot be reproduced offline: an exclusion constraint, or a unique index
 * over expressions, partial, with INCLUDE or NULLS NOT DISTINCT.
 */
static int unique_sets(struct cx *cx, const struct rel *r, int **sets, int *lens, int *nsets)
{
	const struct table_meta *m = r->meta;
	*nsets = 0;
	for (int i = 0; i < m->ncons; i++) {
		const struct constraint_meta *c = &m->cons[i];
		if (c->kind == 'x')
			return -1;
		if (c->kind != 'u')
			continue;
		if (*nsets >= 64 || (c->definition && strstr(c->definition, "NULLS NOT DISTINCT")))
			return -1;
		sets[*nsets] = ar_alloc(cx, sizeof(int) * (size_t)(c->ncolumns + 1));
		for (int j = 0; j < c->ncolumns; j++)
			if ((sets[*nsets][j] = rel_col(r, c->columns[j])) < 0)
				return -1;
		lens[(*nsets)++] = c->ncolumns;
	}
	for (int i = 0; i < m->nidx; i++) {
		const char *d = m->idx[i].definition, *open, *close;
		int backed = 0;
		if (!strstr(d, "UNIQUE INDEX"))
			continue;
		for (int j = 0; j < m->ncons; j++)	/* a constraint's own index */
			backed |= m->cons[j].name && !strcmp(m->cons[j].name, m->idx[i].name);
		if (backed)
			continue;
		open = strstr(d, " USING btree (");
		close = open ? strchr(open, ')') : NULL;
		if (!open || !close || close[1] || *nsets >= 64)
			return -1;
		open += strlen(" USING btree (");
		sets[*nsets] = ar_alloc(cx, sizeof(int) * (size_t)(close - open + 1));
		int n = 0;
		while (open < close) {
			const char *e = open;
			while (e < close && *e != ',')
				e++;
			char *name = ar_printf(cx, "%.*s", (int)(e - open), open);
			if (name[0] == '"') {	/* quoted, without "" inside */
				size_t l = strlen(name);
				if (l < 3 || name[l - 1] != '"' || strstr(name + 1, "\"\""))
					return -1;
				name[l - 1] = '\0';
				name++;
			}
			int c = rel_col(r, name);
			if (c < 0)
				return -1;
			sets[*nsets][n++] = c;
			open = e < close ? e + 2 : e;	/* ", " */
		}
		lens[(*nsets)++] = n;
	}
	return 0;
}

/* Value o of a row in an INSERT's evaluation order: given value o, or
 * (o < 0) the default -1 - o. */
static struct expr *row_value(struct expr **given, struct expr **defs, int o)
{
	return o >= 0 ? given[o] : defs[-1 - o];
}

/* How many of a row's values (given, then defaults) are volatile. */
static int volatile_values(struct expr **given, int ngiven, struct expr **defs, int ndefs)
{
	int n = 0;

	for (int k = 0; k < ngiven; k++)
		n += (given[k]->flags & X_VOLATILE) != 0;
	for (int k = 0; k < ndefs; k++)
		n += (defs[k]->flags & X_VOLATILE) != 0;
	return n;
}

static int compile_insert(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *rv = pj_get(b, "relation"), *rvb = rv, *it;
	struct rel *r = target_rel(cx, rvb, "insert into");
	struct scope *sc = scope_new(cx, NULL);
	int ncols = 0;
	int *cols;
	int loc = pj_int(rvb, "location", 0);
	struct strbuf *with = ar_buf(cx);
	size_t start = out->len;
	if (!r)
		return -1;
	/* 2: an INSERT that reads nothing of its table (no ON CONFLICT) */
	note_ref(cx, r, pj_get(b, "onConflictClause") ? 1 : 2, loc);
	if (pj_get(b, "withClause") && compile_with(cx, sc, pj_get(b, "withClause"), with) < 0)
		return -1;
	/* OVERRIDING SYSTEM VALUE: explicit values go into GENERATED ALWAYS
	 * identity columns; OVERRIDING USER VALUE: values given for identity
	 * columns are replaced by their sequence's next value */
	const char *override = pj_str(b, "override");
	int sysval = override && !strcmp(override, "OVERRIDING_SYSTEM_VALUE");
	int userval = override && !strcmp(override, "OVERRIDING_USER_VALUE");
	cols = ar_alloc(cx, sizeof(int) * (size_t)(r->ncols + 1));
	if (pj_get(b, "cols")) {
		cJSON_ArrayForEach(it, pj_get(b, "cols")) {
			const cJSON *cb;
			node_tag(it, &cb);
			const char *name = pj_str(cb, "name");
			int i = rel_col(r, name);
			if (pj_get(cb, "indirection"))
				return cx_error(cx, pj_int(cb, "location", 0), NULL, "assigning to subscripts or fields is not supported");
			if (i < 0)
				return cx_error(cx, pj_int(cb, "location", 0), NULL, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
			for (int k = 0; k < ncols; k++)
				if (cols[k] == i)
					return cx_error(cx, pj_int(cb, "location", 0), NULL, "column \"%s\" specified more than once", name);
			cols[ncols++] = i;
		}
	} else {
		for (int i = 0; i < r->ncols; i++)
			cols[ncols++] = i;
	}
	/* the rows: VALUES (with DEFAULT), a SELECT, or DEFAULT VALUES */
	const cJSON *sel = pj_get(b, "selectStmt"), *sb = NULL;
	struct strbuf *src = ar_buf(cx);
	int nsrc = 0;
	struct expr ***rows = NULL;
	struct query *srcq = NULL;
	int nrows = 0;
	if (sel)
		node_tag(sel, &sb);
	if (sel && pj_get(sb, "valuesLists") && !pj_get(sb, "withClause") &&
	    !pj_get(sb, "sortClause") && !pj_get(sb, "limitCount")) {
		/* each value is assigned to its column on its own, as PostgreSQL
		 * does for INSERT ... VALUES */
		const cJSON *row;
		nrows = cJSON_GetArraySize(pj_get(sb, "valuesLists"));
		rows = ar_alloc(cx, sizeof(*rows) * (size_t)nrows);
		int ri = 0;
		cJSON_ArrayForEach(row, pj_get(sb, "valuesLists")) {
			const cJSON *lb;
			int k = 0;
			node_tag(row, &lb);
			int n = cJSON_GetArraySize(pj_get(lb, "items"));
			/* without a column list, VALUES fills the first columns */
			if (!pj_get(b, "cols") && n < ncols && ri == 0)
				ncols = n;
			if (n > ncols)
				return cx_error(cx, node_loc(cJSON_GetArrayItem(pj_get(lb, "items"), ncols)), NULL,
					    "INSERT has more expressions than target columns");
			if (n < ncols)
				return cx_error(cx, loc, NULL, "INSERT has more target columns than expressions");
			rows[ri] = ar_alloc(cx, sizeof(struct expr *) * (size_t)(ncols + 1));
			cJSON_ArrayForEach(it, pj_get(lb, "items")) {
				const char *t = node_tag(it, NULL);
				struct expr *e;
				int c = cols[k];
				if ((t && !strcmp(t, "SetToDefault")) || (userval && r->cols[c].identity)) {
					e = column_default(cx, r, c, node_loc(it));
				} else {
					if (r->cols[c].identity == 'a' && !sysval)
						return cx_error(cx, node_loc(it), "Use OVERRIDING SYSTEM VALUE to override.",
							    "cannot insert a non-DEFAULT value into column \"%s\"", r->cols[c].name);
					if (r->cols[c].generated)
						return refuse_generated(cx, r, c, node_loc(it), 0);
					e = compile_expr(cx, sc, it, EK_VALUES);
					e = assign_value(cx, r, c, e);
				}
				if (!e)
					return -1;
				rows[ri][k++] = e;
			}
			ri++;
		}
		nsrc = ncols;
	} else if (sel) {
		struct query *q = compile_query(cx, sc, sel, 1);
		if (!q)
			return -1;
		if (q->ncols > ncols)
			return cx_error(cx, node_loc(sel), NULL, "INSERT has more expressions than target columns");
		if (q->ncols < ncols && pj_get(b, "cols"))
			return cx_error(cx, loc, NULL, "INSERT has more target columns than expressions");
		nsrc = q->ncols;
		for (int k = 0; k < nsrc; k++) {
			int c = cols[k];
			if (userval && r->cols[c].identity)
				return cx_error(cx, loc, "list the identity column out of the INSERT, or use VALUES",
					    "OVERRIDING USER VALUE with INSERT ... SELECT is not supported");
			if (r->cols[c].identity == 'a' && !sysval)
				return cx_error(cx, loc, "Use OVERRIDING SYSTEM VALUE to override.",
					    "cannot insert a non-DEFAULT value into column \"%s\"", r->cols[c].name);
			if (r->cols[c].generated)
				return refuse_generated(cx, r, c, loc, 0);
			if (query_coerce_col(cx, q, k, &r->cols[c].type, CC_ASSIGN,
					     ar_printf(cx, "column \"%s\"", r->cols[c].name)) < 0 ||
			    (r->cols[c].domain && query_store_domain(cx, q, k, &r->cols[c]) < 0))
				return -1;

		}
		query_print(cx, src, q);
		srcq = q;
	}
	/* columns left out get their DEFAULT */
	struct expr **defs = ar_alloc(cx, sizeof(*defs) * (size_t)(r->ncols + 1));
	int *defcols = ar_alloc(cx, sizeof(int) * (size_t)(r->ncols + 1));
	int ndefs = 0;
	for (int i = 0; i < r->ncols; i++) {
		int given = 0;
		for (int k = 0; k < nsrc; k++)
			given |= cols[k] == i;
		if (given)
			continue;
		struct expr *d = column_default(cx, r, i, loc);
		if (!d)
			return -1;
		if (d->kind == E_SQL && !strcmp(d->text, "NULL"))
			continue;
		defcols[ndefs] = i;
		defs[ndefs++] = d;
	}
	sb_adds(out, with->buf);
	sb_release(with);
	sb_addf(out, "INSERT INTO %s AS %s (", qident(cx, r->sql_name), qident(cx, r->name));
	/* The order the row's values are evaluated in (a nextval() default
	 * before or after a currval() in a given value): one VALUES row is
	 * PostgreSQL's target list, which the rewriter puts in the table's
	 * column order; several VALUES rows and a SELECT are evaluated first,
	 * the omitted columns' defaults after them.  ord[j] >= 0 is given
	 * value ord[j], < 0 default -1 - ord[j]. */
	int nord = nsrc + ndefs;
	int *ord = ar_alloc(cx, sizeof(int) * (size_t)(nord + 1));
	int *ocol = ar_alloc(cx, sizeof(int) * (size_t)(nord + 1)); /* ord[j]'s column */
	for (int k = 0; k < nsrc; k++) {
		ord[k] = k;
		ocol[k] = cols[k];
	}
	for (int k = 0; k < ndefs; k++) {
		ord[nsrc + k] = -1 - k;
		ocol[nsrc + k] = defcols[k];
	}
	if (rows && nrows == 1) {
		for (int j = 1; j < nord; j++) /* insertion sort by column number */
			for (int m = j; m > 0 && ocol[m - 1] > ocol[m]; m--) {
				int t = ord[m], tc = ocol[m];
				ord[m] = ord[m - 1];
				ocol[m] = ocol[m - 1];
				ord[m - 1] = t;
				ocol[m - 1] = tc;
			}
	}
	int first = 1;
	for (int j = 0; j < nord; j++) {
		sb_addf(out, "%s%s", first ? "" : ", ", qident(cx, r->cols[ocol[j]].name));
		first = 0;
	}
	if (first) {
		/* every column NULL or default NULL: SQLite's DEFAULT VALUES */
		out->len -= strlen(" (");
		out->buf[out->len] = '\0';
		sb_adds(out, " DEFAULT VALUES");
	} else if (rows && nrows == 1 && volatile_values(rows[0], nsrc, defs, ndefs) > 1) {
		/* SQLite computes an INTEGER PRIMARY KEY's value after the
		 * row's other columns; a row made by a subquery it does not
		 * flatten is computed in the column order above (the rowid's
		 * nextval() before another column's currval()) */
		sb_adds(out, ") SELECT * FROM (SELECT ");
		for (int j = 0; j < nord; j++) {
			if (j)
				sb_adds(out, ", ");
			ex_print(out, row_value(rows[0], defs, ord[j]));
		}
		sb_adds(out, " LIMIT -1 OFFSET 0) WHERE true");
	} else if (rows) {
		sb_adds(out, ") VALUES ");
		for (int ri = 0; ri < nrows; ri++) {
			sb_adds(out, ri ? ", (" : "(");
			for (int j = 0; j < nord; j++) {
				if (j)
					sb_adds(out, ", ");
				ex_print(out, row_value(rows[ri], defs, ord[j]));
			}
			sb_addch(out, ')');
		}
	} else if (sel) {
		sb_adds(out, ") ");
		int guard = 0;
		for (int k = 0; k < nsrc; k++)
			guard |= r->cols[cols[k]].not_null;
		int oc = pj_get(b, "onConflictClause") != NULL;
		if (ndefs || guard) {
			/* the omitted columns' defaults, once per row of the
			 * SELECT; NULL into a NOT NULL column fails, as for
			 * VALUES (and a NULL into an INTEGER PRIMARY KEY never
			 * becomes SQLite's next rowid); outside the SELECT, so
			 * only rows it returns are looked at.  With ON CONFLICT
			 * the row is made in a subquery SQLite does not flatten
			 * (OFFSET 0), so a default's nextval() is taken for
			 * every proposed row, as PostgreSQL does, not only for
			 * the rows that do not conflict */
			if (oc)
				sb_adds(out, "SELECT * FROM (");
			sb_adds(out, "SELECT ");
			for (int k = 0; k < nsrc; k++) {
				struct expr *v = ex_sql(cx, ar_printf(cx, "\"?s\".%s", query_colsql(srcq, k)),
							&r->cols[cols[k]].type, loc);
				sb_adds(out, k ? ", " : "");
				ex_print(out, not_null_guard(cx, r, cols[k], v));
			}
			for (int k = 0; k < ndefs; k++) {
				sb_adds(out, k || nsrc ? ", " : "");
				ex_print(out, defs[k]);
			}
			sb_addf(out, " FROM (%s) AS \"?s\"", src->buf);
			if (oc)
				sb_adds(out, " LIMIT -1 OFFSET 0) WHERE true");
			sb_reset(src);
		}
		/* SQLite's parser needs a WHERE of its own before ON CONFLICT
		 * after a SELECT */
		if (oc && src->len)
			sb_addf(out, "SELECT * FROM (%s) WHERE true", src->buf);
		else if (!oc)
			sb_adds(out, src->buf);
	} else {
		sb_adds(out, ") VALUES (");
		for (int k = 0; k < ndefs; k++) {
			sb_adds(out, k ? ", " : "");
			ex_print(out, defs[k]);
		}
		sb_addch(out, ')');
	}
	sb_release(src);
	if (pj_get(b, "onConflictClause")) {
		const cJSON *oc = pj_get(b, "onConflictClause");
		const char *action = pj_str(oc, "action");
		const cJSON *infer = pj_get(oc, "infer");
		struct strbuf *tgt = ar_buf(cx);
		int ntarget = 0;
		if (infer) {
			if (pj_str(infer, "conname"))
				return cx_error(cx, loc, NULL, "ON CONFLICT ON CONSTRAINT is not supported");
			if (pj_get(infer, "whereClause"))
				return cx_error(cx, loc, NULL, "ON CONFLICT ... WHERE is not supported");
			sb_adds(tgt, " (");
			cJSON_ArrayForEach(it, pj_get(infer, "indexElems")) {
				const cJSON *ib;
				node_tag(it, &ib);
				const char *name = pj_str(ib, "name");
				if (!name || rel_col(r, name) < 0)
					return cx_error(cx, loc, NULL, "ON CONFLICT target must name columns");
				sb_addf(tgt, "%s%s", ntarget++ ? ", " : "", qident(cx, name));
			}
			sb_addch(tgt, ')');
		}
		/*
		 * The arbiters.  The staging file enforces primary keys only,
		 * so a unique constraint (or a unique index over plain columns)
		 * that arbitrates gets a unique index for the statement, over
		 * each column's equality (its type's collation), dropped after
		 * it.  Without a target (DO NOTHING), every unique constraint
		 * arbitrates, as in PostgreSQL.
		 */
		const struct table_meta *m = r->meta;
		int nsets = 0, *sets[64], lens[64];
		if (!m && !r->is_scratch)
			return cx_error(cx, loc, NULL, "ON CONFLICT is not supported on this table");
		if (r->is_scratch || unique_sets(cx, r, sets, lens, &nsets) < 0) {
			if (!infer || !m || !m->npk || !same_columns(infer, r, m->pk, m->npk))
				return cx_error(cx, loc, "name the primary key columns: ON CONFLICT (id) DO NOTHING",
					    "ON CONFLICT is supported here only on the primary key of \"%s\" (it has a unique index "
					    "drydock cannot reproduce, or is a scratch table)", r->name);
			nsets = 0;
		} else if (infer) {
			int match = -1;
			for (int i = 0; i < nsets && match < 0; i++)
				if (same_columns(infer, r, sets[i], lens[i]))
					match = i;
			if (match < 0 && !(m->npk && same_columns(infer, r, m->pk, m->npk)))
				return cx_error(cx, loc, NULL, "there is no unique or exclusion constraint matching the ON CONFLICT specification");
			if (match < 0) {
				nsets = 0;
			} else {
				sets[0] = sets[match];
				lens[0] = lens[match];
				nsets = 1;
			}
		}
		if (nsets) {
			struct strbuf *stmt = cut_statement(cx, out, start);
			for (int i = 0; i < nsets; i++) {
				sb_addf(out, "CREATE UNIQUE INDEX \"?ocx_%d\" ON %s (", i, qident(cx, r->sql_name));
				for (int j = 0; j < lens[i]; j++) {
					const char *coll;
					if (!ct_order(cx, &r->cols[sets[i][j]].type, &coll))
						coll = "BINARY";
					sb_addf(out, "%s%s COLLATE %s", j ? ", " : "", qident(cx, r->cols[sets[i][j]].name), coll);
				}
				sb_adds(out, "); ");
			}
			sb_adds(out, stmt->buf);
		}
		if (!action || !strcmp(action, "ONCONFLICT_NOTHING")) {
			sb_addf(out, " ON CONFLICT%s DO NOTHING", tgt->buf);
		} else {
			if (!infer)
				return cx_error(cx, loc, "For example, ON CONFLICT (column_name).",
					    "ON CONFLICT DO UPDATE requires inference specification or constraint name");
			/* excluded.* and the target's columns */
			struct scope *us = scope_new(cx, sc);
			struct rte *tr = rte_for_rel(cx, r, r->name);
			struct rte *ex = rte_for_rel(cx, r, "excluded");
			scope_add(cx, us, tr);
			scope_add(cx, us, ex);
			for (int i = 0; i < ex->ncols; i++) {
				ex->cols[i].sql = ar_printf(cx, "excluded.%s", qident(cx, r->cols[i].name));
				if (r->cols[i].domain)
					ex->cols[i].sql = domain_read_sql(cx, ex->cols[i].sql, &r->cols[i].type);
			}
			sb_addf(out, " ON CONFLICT%s DO UPDATE SET ", tgt->buf);
			int k = 0;
			cJSON_ArrayForEach(it, pj_get(oc, "targetList")) {
				const cJSON *tb;
				node_tag(it, &tb);
				const char *name = pj_str(tb, "name");
				int c = rel_col(r, name);
				const char *vt = node_tag(pj_get(tb, "val"), NULL);
				struct expr *e;
				if (c < 0)
					return cx_error(cx, pj_int(tb, "location", 0), NULL, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
				if (vt && !strcmp(vt, "MultiAssignRef"))
					return cx_error(cx, pj_int(tb, "location", 0), NULL, "SET (a, b) = ... is not supported");
				if (vt && !strcmp(vt, "SetToDefault"))
					e = column_default(cx, r, c, pj_int(tb, "location", 0));
				else if (r->cols[c].generated)
					return refuse_generated(cx, r, c, pj_int(tb, "location", 0), 1);
				else
					e = assign_value(cx, r, c, compile_expr(cx, us, pj_get(tb, "val"), EK_VALUES));
				if (!e)
					return -1;
				sb_addf(out, "%s%s = ", k++ ? ", " : "", qident(cx, name));
				ex_print(out, e);
			}
			/*
			 * A row this command inserted or updated cannot be
			 * updated again (ExecOnConflictUpdate: "cannot affect
			 * row a second time"), checked before the WHERE.  Temp
			 * triggers record the rowids the statement inserts and
			 * updates while it runs.
			 */
			sb_addf(out, " WHERE CASE WHEN EXISTS (SELECT 1 FROM temp.\"?oc\" WHERE r = %s.rowid) "
				     "THEN pg_sqlc_raise('ON CONFLICT DO UPDATE command cannot affect row a second time') ELSE ",
				qident(cx, r->name));
			if (pj_get(oc, "whereClause")) {
				struct expr *w = compile_cond(cx, us, pj_get(oc, "whereClause"), EK_WHERE, "WHERE");
				if (!w)
					return -1;
				ex_print(out, w);
			} else {
				sb_adds(out, "true");
			}
			sb_adds(out, " END");
			written_rows_off(out, "oc");
			sb_adds(out, "; DROP TABLE temp.\"?oc\"");
			struct strbuf *stmt = cut_statement(cx, out, start);
			written_rows_on(out, qident(cx, r->sql_name), "oc");
			sb_adds(out, stmt->buf);
		}
		sb_release(tgt);
		for (int i = 0; i < nsets; i++)
			sb_addf(out, "; DROP INDEX \"?ocx_%d\"", i);
	}
	const cJSON *ialias = pj_get(rv, "alias");
	returning_open(cx, r, b, 'i', start, out);
	if (generated_recompute(cx, r, out) < 0)
		return -1;
	return returning_close(cx, r, ialias && pj_str(ialias, "aliasname") ? pj_str(ialias, "aliasname") : r->name,
			       b, 'i', out);
}

/*
 * UPDATE ... FROM: PostgreSQL computes the new values for every row of the
 * join and updates each target row with one of them, "which one is not
 * readily predictable"; SQLite also takes an arbitrary one.  So when a
 * target row joins several rows whose new values differ, drydock cannot
 * know PostgreSQL's result and stops; when they agree (SET active = true
 * FROM orders), the result is the same whichever is taken.  The join is
 * computed once (a materialized CTE: each SET expression evaluated once
 * per join row, as PostgreSQL's projection does), then counted per target
 * row; equal values are equal stored values (count, min and max agree).
 */
static void update_from(struct cx *cx, const struct rel *r, const char *ref, const char **names,
			struct expr **vals, int nset, const char *from, const struct expr *w,
			struct strbuf *out)
{
	sb_addf(out, "UPDATE %s AS \"?t\" SET ", qident(cx, r->sql_name));
	for (int i = 0; i < nset; i++)
		sb_addf(out, "%s%s = \"?j\".\"?v%d\"", i ? ", " : "", qident(cx, names[i]), i);
	sb_addf(out, " FROM (WITH \"?u\" AS MATERIALIZED (SELECT %s.rowid AS \"?rid\"", qident(cx, ref));
	for (int i = 0; i < nset; i++) {
		sb_adds(out, ", ");
		ex_print(out, vals[i]);
		sb_addf(out, " AS \"?v%d\"", i);
	}
	/* from is " FROM item, ...": the target joins them */
	sb_addf(out, " FROM %s AS %s, %s", qident(cx, r->sql_name), qident(cx, ref), from + strlen(" FROM "));
	if (w) {
		sb_adds(out, " WHERE ");
		ex_print(out, w);
	}
	sb_adds(out, ") SELECT *, count(*) OVER \"?w\" AS \"?n\"");
	for (int i = 0; i < nset; i++)
		sb_addf(out, ", count(\"?v%d\") OVER \"?w\" AS \"?c%d\", min(\"?v%d\") OVER \"?w\" AS \"?l%d\", "
			     "max(\"?v%d\") OVER \"?w\" AS \"?h%d\"", i, i, i, i, i, i);
	sb_adds(out, " FROM \"?u\" WINDOW \"?w\" AS (PARTITION BY \"?rid\")) AS \"?j\" "
		     "WHERE \"?t\".rowid = \"?j\".\"?rid\" AND CASE WHEN \"?j\".\"?n\" > 1 AND NOT (true");
	for (int i = 0; i < nset; i++)
		sb_addf(out, " AND (\"?c%d\" = 0 OR \"?c%d\" = \"?n\" AND \"?l%d\" IS \"?h%d\")", i, i, i, i);
	sb_adds(out, ") THEN pg_sqlc_raise(");
	sb_add_literal(out, ar_printf(cx, "UPDATE ... FROM joins a row of \"%s\" with several rows giving "
					  "different new values: PostgreSQL would take one of them, and which one "
					  "is not predictable; make the FROM rows unique per row of \"%s\"",
					  r->name, r->name));
	sb_adds(out, ") ELSE true END");
}

static int compile_update(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *rv = pj_get(b, "relation"), *it;
	struct rel *r = target_rel(cx, rv, "update");
	struct scope *sc = scope_new(cx, NULL);
	struct strbuf *from = ar_buf(cx);
	struct strbuf *with = ar_buf(cx);
	if (!r)
		return -1;
	size_t start = out->len;
	note_ref(cx, r, 1, pj_int(rv, "location", 0));
	if (pj_get(b, "withClause") && compile_with(cx, sc, pj_get(b, "withClause"), with) < 0)
		return -1;
	const cJSON *alias = pj_get(rv, "alias");
	const char *ref = alias ? pj_str(alias, "aliasname") : r->name;
	struct rte *tr = rte_for_rel(cx, r, ref);
	tr->top = 1;
	scope_add(cx, sc, tr);
	if (pj_get(b, "fromClause")) {
		const cJSON *fi;
		int first = 1;
		cJSON_ArrayForEach(fi, pj_get(b, "fromClause")) {
			sb_adds(from, first ? " FROM " : ", ");
			if (!from_item(cx, sc, fi, from))
				return -1;
			first = 0;
		}
	}
	int k = 0, nset = cJSON_GetArraySize(pj_get(b, "targetList"));
	struct expr **vals = ar_alloc(cx, sizeof(*vals) * (size_t)(nset + 1));
	const char **names = ar_alloc(cx, sizeof(*names) * (size_t)(nset + 1));
	cJSON_ArrayForEach(it, pj_get(b, "targetList")) {
		const cJSON *tb;
		node_tag(it, &tb);
		const char *name = pj_str(tb, "name");
		int c = rel_col(r, name);
		int tloc = pj_int(tb, "location", 0);
		const char *vt = node_tag(pj_get(tb, "val"), NULL);
		struct expr *e;
		if (c < 0)
			return cx_error(cx, tloc, NULL, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
		if (pj_get(tb, "indirection"))
			return cx_error(cx, tloc, NULL, "assigning to subscripts or fields is not supported");
		if (vt && !strcmp(vt, "MultiAssignRef"))
			return cx_error(cx, tloc, "write one assignment per column", "SET (a, b) = ... is not supported");
		if (vt && !strcmp(vt, "SetToDefault")) {
			e = column_default(cx, r, c, tloc);
		} else {
			if (r->cols[c].identity == 'a')
				return cx_error(cx, tloc, "Use OVERRIDING SYSTEM VALUE to override.",
					    "column \"%s\" can only be updated to DEFAULT", name);
			if (r->cols[c].generated)
				return refuse_generated(cx, r, c, tloc, 1);
			e = assign_value(cx, r, c, compile_expr(cx, sc, pj_get(tb, "val"), EK_VALUES));
		}
		if (!e)
			return -1;
		for (const cJSON *p = pj_get(b, "targetList")->child; p != it; p = p->next) {
			const cJSON *pb;
			node_tag(p, &pb);
			if (!strcmp(pj_str(pb, "name"), name))
				return cx_error(cx, tloc, NULL, "multiple assignments to same column \"%s\"", name);
		}
		names[k] = name;
		vals[k++] = e;
	}
	struct expr *w = NULL;
	if (pj_get(b, "whereClause") &&
	    !(w = compile_cond(cx, sc, pj_get(b, "whereClause"), EK_WHERE, "WHERE")))
		return -1;
	sb_adds(out, with->buf);
	sb_release(with);
	if (!from->len) {
		sb_addf(out, "UPDATE %s AS %s SET ", qident(cx, r->sql_name), qident(cx, ref));
		for (int i = 0; i < nset; i++) {
			sb_addf(out, "%s%s = ", i ? ", " : "", qident(cx, names[i]));
			ex_print(out, vals[i]);
		}
		if (w) {
			sb_adds(out, " WHERE ");
			ex_print(out, w);
		}
	} else {
		update_from(cx, r, ref, names, vals, nset, from->buf, w, out);
	}
	sb_release(from);
	returning_open(cx, r, b, 'u', start, out);
	if (generated_recompute(cx, r, out) < 0)
		return -1;
	return returning_close(cx, r, ref, b, 'u', out);
}

static int compile_delete(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *rv = pj_get(b, "relation");
	struct rel *r = target_rel(cx, rv, "delete from");
	struct scope *sc = scope_new(cx, NULL);
	struct strbuf *using = ar_buf(cx);
	struct strbuf *with = ar_buf(cx);
	if (!r)
		return -1;
	size_t start = out->len;
	note_ref(cx, r, 1, pj_int(rv, "location", 0));
	if (pj_get(b, "withClause") && compile_with(cx, sc, pj_get(b, "withClause"), with) < 0)
		return -1;
	const cJSON *alias = pj_get(rv, "alias");
	const char *ref = alias ? pj_str(alias, "aliasname") : r->name;
	struct rte *tr = rte_for_rel(cx, r, ref);
	scope_add(cx, sc, tr);
	if (pj_get(b, "usingClause")) {
		const cJSON *fi;
		int first = 1;
		cJSON_ArrayForEach(fi, pj_get(b, "usingClause")) {
			sb_adds(using, first ? "" : ", ");
			if (!from_item(cx, sc, fi, using))
				return -1;
			first = 0;
		}
	}
	struct expr *w = NULL;
	if (pj_get(b, "whereClause") &&
	    !(w = compile_cond(cx, sc, pj_get(b, "whereClause"), EK_WHERE, "WHERE")))
		return -1;
	sb_adds(out, with->buf);
	sb_release(with);
	sb_addf(out, "DELETE FROM %s AS %s", qident(cx, r->sql_name), qident(cx, ref));
	if (using->len) {
		/* DELETE ... USING: the rows that join with at least one */
		sb_addf(out, " WHERE EXISTS (SELECT 1 FROM %s", using->buf);
		if (w) {
			sb_adds(out, " WHERE ");
			ex_print(out, w);
		}
		sb_addch(out, ')');
	} else if (w) {
		sb_adds(out, " WHERE ");
		ex_print(out, w);
	}
	sb_release(using);
	returning_open(cx, r, b, 'd', start, out);
	return returning_close(cx, r, ref, b, 'd', out);
}

static int compile_truncate(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *it;
	int n = 0;
	if (pj_bool(b, "restart_seqs"))
		return cx_error(cx, -1, NULL, "TRUNCATE ... RESTART IDENTITY is not supported");
	if (pj_str(b, "behavior") && !strcmp(pj_str(b, "behavior"), "DROP_CASCADE"))
		return cx_error(cx, -1, "list every table to empty", "TRUNCATE ... CASCADE is not supported");
	struct rel **rels = ar_alloc(cx, sizeof(*rels) * (size_t)(cJSON_GetArraySize(pj_get(b, "relations")) + 1));
	cJSON_ArrayForEach(it, pj_get(b, "relations")) {
		const cJSON *rb;
		node_tag(it, &rb);
		struct rel *r = target_rel(cx, rb, "truncate");
		if (!r)
			return -1;
		rels[n++] = r;
	}
	/* PostgreSQL refuses to truncate a table another table references,
	 * unless that one is truncated too */
	const struct catalog *cat = cx->env->cat;
	for (int i = 0; i < n; i++) {
		if (!rels[i]->meta)
			continue;
		for (int t = 0; t < cat->ntables; t++) {
			const struct table_meta *tm = &cat->tables[t];
			if (strcmp(tm->source, rels[i]->source) || tm->dropped)
				continue;
			for (int c = 0; c < tm->ncons; c++) {
				if (tm->cons[c].kind != 'f' || !tm->cons[c].ref_table ||
				    strcmp(tm->cons[c].ref_table, rels[i]->name))
					continue;
				int also = 0;
				for (int j = 0; j < n; j++)
					also |= rels[j]->meta == tm;
				if (!also)
					return cx_error(cx, -1, ar_printf(cx, "Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.", tm->name),
						    "cannot truncate a table referenced in a foreign key constraint");
			}
		}
	}
	for (int i = 0; i < n; i++)
		sb_addf(out, "%sDELETE FROM %s", i ? "; " : "", qident(cx, rels[i]->sql_name));
	return 0;
}

/* ---- scratch tables ---- */

static void record_scratch(struct cx *cx, const struct rel *r, struct strbuf *out)
{
	for (int i = 0; i < r->ncols; i++) {
		sb_adds(out, "; INSERT INTO dd_scratch_column (tbl, ordinal, name, pg_type, not_null, default_expr, temp) VALUES (");
		sb_add_literal(out, r->name);
		sb_addf(out, ", %d, ", i + 1);
		sb_add_literal(out, r->cols[i].name);
		sb_adds(out, ", ");
		sb_add_literal(out, r->cols[i].pg_type);
		sb_addf(out, ", %d, ", r->cols[i].not_null);
		if (r->cols[i].default_expr)
			sb_add_literal(out, r->cols[i].default_expr);
		else
			sb_adds(out, "NULL");
		sb_addf(out, ", %d)", r->temp);
	}
	(void)cx;
}

static int check_new_name(struct cx *cx, const char *name, const char *schema, int if_not_exists,
			  int loc)
{
	if (schema)
		return cx_error(cx, loc, "scratch tables have bare names", "cannot create a table in schema \"%s\"", schema);
	if (!strncmp(name, "dd_", 3))
		return cx_error(cx, loc, "names starting with dd_ belong to drydock", "cannot create table \"%s\"", name);
	if (lookup_rel(cx, NULL, name)) {
		if (if_not_exists)
			return 1;
		return cx_error(cx, loc, NULL, "relation \"%s\" already exists", name);
	}
	return 0;
}

static int compile_create(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *rv = pj_get(b, "relation"), *it;
	const char *name = pj_str(rv, "relname");
	int loc = pj_int(rv, "location", 0);
	int ine = pj_bool(b, "if_not_exists");
	int ex;
	if (cx->ctx != SQLC_STEP && cx->ctx != SQLC_FIX)
		return cx_error(cx, loc, NULL, "CREATE TABLE is allowed only in steps");
	if ((ex = check_new_name(cx, name, pj_str(rv, "schemaname"), ine, loc)) < 0)
		return -1;
	if (ex == 1) {
		sb_adds(out, "SELECT 1 WHERE 0");
		return 0;
	}
	if (pj_get(b, "inhRelations") || pj_get(b, "partspec") || pj_get(b, "ofTypename"))
		return cx_error(cx, loc, NULL, "inheritance, partitions and typed tables are not supported");
	struct rel *r = xcalloc(1, sizeof(*r));
	struct strbuf *pk = ar_buf(cx);
	struct strbuf *cons = ar_buf(cx);
	int npk = 0;
	r->name = xstrdup(name);
	r->sql_name = xstrdup(name);
	r->writable = 1;
	r->is_scratch = 1;
	r->temp = pj_str(rv, "relpersistence") && !strcmp(pj_str(rv, "relpersistence"), "t");
	r->cols = xcalloc((size_t)cJSON_GetArraySize(pj_get(b, "tableElts")) + 1, sizeof(*r->cols));
	sb_addf(out, "CREATE %sTABLE %s (", r->temp ? "TEMP " : "", qident(cx, name));
	cJSON_ArrayForEach(it, pj_get(b, "tableElts")) {
		const cJSON *eb, *ci;
		const char *tag = node_tag(it, &eb);
		if (!strcmp(tag, "Constraint")) {
			const char *ct = pj_str(eb, "contype");
			if (ct && (!strcmp(ct, "CONSTR_PRIMARY") || !strcmp(ct, "CONSTR_UNIQUE"))) {
				sb_adds(cons, !strcmp(ct, "CONSTR_PRIMARY") ? ", PRIMARY KEY (" : ", UNIQUE (");
				int k = 0;
				cJSON_ArrayForEach(ci, pj_get(eb, "keys"))
					sb_addf(cons, "%s%s", k++ ? ", " : "", qident(cx, str_val(ci)));
				sb_addch(cons, ')');
				if (!strcmp(ct, "CONSTR_PRIMARY"))
					npk = -1;
				continue;
			}
			rel_free(r);
			return cx_error(cx, pj_int(eb, "location", 0), "keep scratch tables to columns, PRIMARY KEY, UNIQUE and NOT NULL",
				    "table constraint %s is not supported", ct ? ct + 7 : "?");
		}
		if (strcmp(tag, "ColumnDef")) {
			rel_free(r);
			return cx_error(cx, loc, NULL, "%s in CREATE TABLE is not supported", tag);
		}
		struct rcolumn *c = &r->cols[r->ncols];
		struct ctype t;
		c->name = xstrdup(pj_str(eb, "colname"));
		r->ncols++;
		if (ct_from_typename(cx, pj_get(eb, "typeName"), &t) < 0) {
			rel_free(r);
			return -1;
		}
		c->type = t;
		c->pg_type = xstrdup(ct_name(cx, &t, 1));
		sb_addf(out, "%s%s", r->ncols > 1 ? ", " : "", qident(cx, c->name));
		if (ct_storage_integer(&t) && t.t != PGK_BOOL)
			sb_adds(out, " INTEGER");
		cJSON_ArrayForEach(ci, pj_get(eb, "constraints")) {
			const cJSON *cb;
			node_tag(ci, &cb);
			const char *ct = pj_str(cb, "contype");
			if (ct && !strcmp(ct, "CONSTR_NOTNULL")) {
				c->not_null = 1;
				sb_adds(out, " NOT NULL");
			} else if (ct && !strcmp(ct, "CONSTR_NULL")) {
			} else if (ct && !strcmp(ct, "CONSTR_PRIMARY")) {
				c->not_null = 1;
				sb_addf(pk, "%s%s", npk++ ? ", " : "", qident(cx, c->name));
				sb_adds(out, " NOT NULL");
			} else if (ct && !strcmp(ct, "CONSTR_UNIQUE")) {
				sb_adds(out, " UNIQUE");
			} else if (ct && !strcmp(ct, "CONSTR_DEFAULT")) {
				/* kept as PostgreSQL text, compiled when an INSERT omits
				 * the column: from after DEFAULT to the next constraint
				 * of the column or the end of its definition */
				int e0 = pj_int(cb, "location", 0) + 7;
				const char *p = cx->text + e0;
				const char *q = p;
				const cJSON *nx = ci->next;
				if (nx) {
					const cJSON *nb;
					node_tag(nx, &nb);
					q = cx->text + pj_int(nb, "location", 0);
				} else {
					int depth = 0;
					while (*q && !(depth == 0 && (*q == ',' || *q == ')'))) {
						if (*q == '(')
							depth++;
						else if (*q == ')')
							depth--;
						else if (*q == '\'') {
							q++;
							while (*q && *q != '\'')
								q++;
						}
						if (*q)
							q++;
					}
				}
				while (p < q && strchr(" \t\r\n", *p))
					p++;
				while (q > p && strchr(" \t\r\n", q[-1]))
					q--;
				c->default_expr = xstrndup(p, (size_t)(q - p));
				/* refuse a default that cannot compile now, not at the first INSERT */
				env_add_scratch(cx->env, r);
				struct expr *d = column_default(cx, r, r->ncols - 1, e0);
				cx->env->nscratch--;
				if (!d) {
					rel_free(r);
					return -1;
				}
			} else {
				rel_free(r);
				return cx_error(cx, pj_int(cb, "location", 0), "keep scratch tables to columns, PRIMARY KEY, UNIQUE and NOT NULL",
					    "column constraint %s is not supported", ct ? ct + 7 : "?");
			}
		}
	}
	if (npk > 0)
		sb_addf(out, ", PRIMARY KEY (%s)", pk->buf);
	sb_adds(out, cons->buf);
	sb_adds(out, ")");
	sb_release(pk);
	sb_release(cons);
	record_scratch(cx, r, out);
	env_add_scratch(cx->env, r);
	return 0;
}

static int compile_create_as(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *into = pj_get(b, "into"), *rv = pj_get(into, "rel"), *it;
	const char *name = pj_str(rv, "relname");
	int loc = pj_int(rv, "location", 0);
	int ex;
	if (cx->ctx != SQLC_STEP && cx->ctx != SQLC_FIX)
		return cx_error(cx, loc, NULL, "CREATE TABLE is allowed only in steps");
	if (pj_str(b, "objtype") && strcmp(pj_str(b, "objtype"), "OBJECT_TABLE"))
		return cx_error(cx, loc, NULL, "CREATE MATERIALIZED VIEW is not supported");
	if (pj_bool(into, "skipData"))
		return cx_error(cx, loc, NULL, "CREATE TABLE AS ... WITH NO DATA is not supported");
	if ((ex = check_new_name(cx, name, pj_str(rv, "schemaname"), pj_bool(b, "if_not_exists"), loc)) < 0)
		return -1;
	if (ex == 1) {
		sb_adds(out, "SELECT 1 WHERE 0");
		return 0;
	}
	struct query *q = compile_select(cx, NULL, pj_get(b, "query"));
	if (!q)
		return -1;
	struct rel *r = xcalloc(1, sizeof(*r));
	r->name = xstrdup(name);
	r->sql_name = xstrdup(name);
	r->writable = 1;
	r->is_scratch = 1;
	r->temp = pj_str(rv, "relpersistence") && !strcmp(pj_str(rv, "relpersistence"), "t");
	r->cols = xcalloc((size_t)q->ncols + 1, sizeof(*r->cols));
	int k = 0;
	cJSON_ArrayForEach(it, pj_get(into, "colNames")) {
		if (k >= q->ncols) {
			rel_free(r);
			return cx_error(cx, loc, NULL, "too many column names were specified");
		}
		q->cols[k++].name = str_val(it);
	}
	sb_addf(out, "CREATE %sTABLE %s (", r->temp ? "TEMP " : "", qident(cx, name));
	for (int i = 0; i < q->ncols; i++) {
		struct rcolumn *c = &r->cols[r->ncols++];
		for (int j = 0; j < i; j++)
			if (!strcmp(q->cols[j].name, q->cols[i].name)) {
				rel_free(r);
				return cx_error(cx, loc, NULL, "column \"%s\" specified more than once", q->cols[i].name);
			}
		c->name = xstrdup(q->cols[i].name);
		c->type = q->cols[i].e->type;
		c->pg_type = xstrdup(ct_name(cx, &c->type, 1));
		sb_addf(out, "%s%s%s", i ? ", " : "", qident(cx, c->name),
			ct_storage_integer(&c->type) && c->type.t != PGK_BOOL ? " INTEGER" : "");
	}
	sb_adds(out, "); INSERT INTO ");
	sb_adds(out, qident(cx, name));
	sb_adds(out, " ");
	query_print(cx, out, q);
	record_scratch(cx, r, out);
	env_add_scratch(cx->env, r);
	return 0;
}

static int compile_drop(struct cx *cx, const cJSON *b, struct strbuf *out)
{
	const cJSON *it;
	const char *rt = pj_str(b, "removeType");
	int missing_ok = pj_bool(b, "missing_ok");
	int n = 0;
	if (!rt || strcmp(rt, "OBJECT_TABLE"))
		return cx_error(cx, -1, "a plan's schema changes alter the target's schema", "DROP %s is not supported", rt ? rt + 7 : "");
	cJSON_ArrayForEach(it, pj_get(b, "objects")) {
		const cJSON *lb, *nit;
		const char *parts[3] = { 0 };
		int np = 0;
		node_tag(it, &lb);
		cJSON_ArrayForEach(nit, pj_get(lb, "items"))
			if (np < 3)
				parts[np++] = str_val(nit);
		const char *name = parts[np - 1];
		struct rel *r = np == 1 ? env_find_scratch(cx->env, name) : NULL;
		if (!r) {
			if (np == 1 && !lookup_rel(cx, NULL, name) && missing_ok)
				continue;
			if (np == 1 && !lookup_rel(cx, NULL, name))
				return cx_error(cx, -1, NULL, "table \"%s\" does not exist", name);
			return cx_error(cx, -1, "a plan's schema changes drop target tables", "cannot drop table \"%s\": only scratch tables made by steps can be dropped", name);
		}
		sb_addf(out, "%sDROP TABLE %s; DELETE FROM dd_scratch_column WHERE tbl = ", n++ ? "; " : "", qident(cx, name));
		sb_add_literal(out, name);
		env_drop_scratch(cx->env, name);
	}
	if (!n)
		sb_adds(out, "SELECT 1 WHERE 0");
	return 0;
}

/* ---- statements ---- */

static int compile_statement_part(struct cx *cx, const cJSON *stmt, int loc, struct strbuf *out);

/*
 * One statement.  Data-modifying WITH queries run first (cx->pre) and
 * their RETURNING tables are dropped after it (cx->post); a table one
 * part writes may not be named by another part (dml_with).
 */
int compile_statement(struct cx *cx, const cJSON *stmt, int loc, struct strbuf *out)
{
	const cJSON *b;
	node_tag(stmt, &b);
	cx->pre = ar_buf(cx);
	cx->post = ar_buf(cx);
	cx->ndml = cx->dml_part = 0;
	cx->refs = NULL;
	cx->nrefs = cx->alloc_refs = 0;
	cx->ret = NULL;
	cx->top_with = b ? pj_get(b, "withClause") : NULL;
	if (compile_statement_part(cx, stmt, loc, out) < 0)
		return -1;
	if (!cx->ndml)
		return 0;
	for (size_t i = 0; i < cx->nrefs; i++) {
		const struct relref *w = &cx->refs[i];
		if (!w->written || !w->part)
			continue;
		for (size_t j = 0; j < cx->nrefs; j++) {
			const struct relref *o = &cx->refs[j];
			if (o->part == w->part || strcmp(o->sql_name, w->sql_name) ||
			    (w->insert_only && o->insert_only))
				continue;
			return cx_error(cx, o->loc, "read the WITH query's RETURNING rows instead, or write two statements",
				    "table \"%s\" is written by a data-modifying WITH query and named again in the statement: "
				    "PostgreSQL runs every part on the table as it was before the statement, drydock one part after another",
				    w->name);
		}
	}
	struct strbuf *whole = ar_buf(cx);
	sb_adds(whole, cx->pre->buf);
	sb_adds(whole, out->buf);
	sb_adds(whole, cx->post->buf);
	sb_setlen(out, 0);
	sb_adds(out, whole->buf);
	return 0;
}

static int compile_statement_part(struct cx *cx, const cJSON *stmt, int loc, struct strbuf *out)
{
	const cJSON *b;
	const char *tag = node_tag(stmt, &b);
	int ro = cx->ctx == SQLC_CHECK || cx->ctx == SQLC_INVARIANT;
	if (!tag)
		return cx_error(cx, loc, NULL, "empty statement");
	if (!strcmp(tag, "SelectStmt")) {
		struct query *q = compile_select(cx, NULL, stmt);
		if (!q)
			return -1;
		if (cx->ctx == SQLC_INVARIANT && q->ncols != 1)
			return cx_error(cx, loc, NULL, "an invariant returns one column");
		for (struct query *t = q; t; t = t->setop ? t->l : NULL)
			t->top = 1;
		query_print(cx, out, q);
		return 0;
	}
	if (ro) {
		static const struct { const char *tag, *kw; } kws[] = {
			{ "InsertStmt", "INSERT" }, { "UpdateStmt", "UPDATE" }, { "DeleteStmt", "DELETE" },
			{ "TruncateStmt", "TRUNCATE" }, { "CreateStmt", "CREATE TABLE" },
			{ "CreateTableAsStmt", "CREATE TABLE AS" }, { "DropStmt", "DROP" },
		};
		const char *kw = tag;
		for (size_t i = 0; i < ARRAY_SIZE(kws); i++)
			if (!strcmp(kws[i].tag, tag))
				kw = kws[i].kw;
		return cx_error(cx, loc, "a check or an invariant is one SELECT", "%s is not allowed in a check", kw);
	}
	if (!strcmp(tag, "InsertStmt"))
		return compile_insert(cx, b, out);
	if (!strcmp(tag, "UpdateStmt"))
		return compile_update(cx, b, out);
	if (!strcmp(tag, "DeleteStmt"))
		return compile_delete(cx, b, out);
	if (!strcmp(tag, "TruncateStmt"))
		return compile_truncate(cx, b, out);
	if (!strcmp(tag, "CreateStmt"))
		return compile_create(cx, b, out);
	if (!strcmp(tag, "CreateTableAsStmt"))
		return compile_create_as(cx, b, out);
	if (!strcmp(tag, "DropStmt"))
		return compile_drop(cx, b, out);
	if (!strcmp(tag, "DoStmt"))
		return cx_error(cx, loc, "use the plan's batches (\"batch\": {\"table\": ..., \"size\": ...}) for loops, and plain statements otherwise",
			    "DO blocks (PL/pgSQL) are not supported");
	if (!strcmp(tag, "TransactionStmt"))
		return cx_error(cx, loc, "each step already runs in its own transaction", "transaction control is not allowed in a step");
	if (!strcmp(tag, "IndexStmt"))
		return cx_error(cx, loc, "indexes belong in the plan's schema changes", "CREATE INDEX is not supported in steps");
	if (!strcmp(tag, "AlterTableStmt"))
		return cx_error(cx, loc, "use the plan's schema changes", "ALTER TABLE is not supported in steps");
	if (!strcmp(tag, "VariableSetStmt"))
		return cx_error(cx, loc, "the session settings are fixed (TimeZone UTC, DateStyle ISO)", "SET is not supported");
	if (!strcmp(tag, "CallStmt") || !strcmp(tag, "CreateFunctionStmt"))
		return cx_error(cx, loc, NULL, "functions and procedures are not supported");
	char *kind = ar_strdup(cx, tag);
	size_t l = strlen(kind);
	if (l > 4 && !strcmp(kind + l - 4, "Stmt"))
		kind[l - 4] = '\0';
	return cx_error(cx, loc, NULL, "%s statements are not supported", kind);
}

struct scope *scope_for_where(struct cx *cx)
{
	struct scope *sc = scope_new(cx, NULL);
	struct rel *r = lookup_rel(cx, cx->env->where_source, cx->env->where_table);
	if (!r)
		return cx_error(cx, -1, NULL, "relation \"%s\" does not exist", cx->env->where_table ? cx->env->where_table : "?"), NULL;
	struct rte *t = rte_for_rel(cx, r, r->sql_name);
	t->refname = r->name;
	for (int i = 0; i < t->ncols; i++)
		t->cols[i].sql = qident(cx, r->cols[i].name);
	scope_add(cx, sc, t);
	return sc;
}
