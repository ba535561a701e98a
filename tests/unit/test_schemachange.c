/*
 * Unit tests of schemachange.c: parsing and its error messages, the
 * effect of each op on a catalog, its rendered DDL and inverse (compared
 * exactly), and its effect on an in-memory staging database.
 *
 * With DD_SC_DUMP=DIR set, test_pg_cases also writes every case of
 * pg_cases[] (base schema, DDL parts, a check of the effect, the probe)
 * into DIR for tests/e2e/schemachange_pg.sh, which runs them against a
 * real PostgreSQL.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schemachange.h"

/* ---------------------------------------------------------------- setup */

/*
 * The catalog a snapshot of BASE_SQL reads (texts as PostgreSQL 15's
 * pg_get_constraintdef / pg_get_indexdef / pg_get_expr write them).
 */
static const char BASE_SQL[] =
	"CREATE TYPE mood AS ENUM ('ok', 'happy');\n"
	"CREATE TABLE teams (\n"
	"    id bigint PRIMARY KEY,\n"
	"    name text NOT NULL,\n"
	"    CONSTRAINT teams_name_key UNIQUE (name)\n"
	");\n"
	"CREATE TABLE users (\n"
	"    id bigserial PRIMARY KEY,\n"
	"    email text NOT NULL,\n"
	"    name text,\n"
	"    team_id bigint,\n"
	"    status text DEFAULT 'active' NOT NULL,\n"
	"    score integer,\n"
	"    CONSTRAINT users_email_key UNIQUE (email),\n"
	"    CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE SET NULL,\n"
	"    CONSTRAINT users_score_check CHECK (score >= 0)\n"
	");\n"
	"CREATE INDEX users_name_score_idx ON users (name, score);\n"
	"CREATE TABLE posts (\n"
	"    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
	"    user_id bigint NOT NULL REFERENCES users(id),\n"
	"    body text,\n"
	"    created_at timestamp with time zone DEFAULT now()\n"
	");\n"
	"CREATE TABLE legacy (\n"
	"    id serial PRIMARY KEY,\n"
	"    code text NOT NULL UNIQUE,\n"
	"    note text CHECK (length(note) < 100),\n"
	"    team_id bigint REFERENCES teams(id)\n"
	");\n"
	"CREATE INDEX legacy_lower_idx ON legacy (lower(note));\n"
	"CREATE TABLE \"select\" (\n"
	"    id integer PRIMARY KEY,\n"
	"    \"Weird \"\"col\"\"\" text\n"
	");\n"
	"INSERT INTO teams VALUES (1, 'red'), (2, 'blue');\n"
	"INSERT INTO users (email, name, team_id, score) VALUES ('a@x', 'Ann', 1, 3), ('b@x', NULL, 2, NULL);\n"
	"INSERT INTO posts (user_id, body) VALUES (1, 'hello'), (2, 'world');\n"
	"INSERT INTO legacy (code, note, team_id) VALUES ('A', 'first', 1), ('B', NULL, NULL);\n"
	"INSERT INTO \"select\" VALUES (1, 'x');\n";

static char **split(const char *csv, int *n)
{
	char **v = calloc(16, sizeof(char *));
	char *copy = xstrdup(csv), *save = NULL;
	*n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		v[(*n)++] = xstrdup(tok);
	free(copy);
	return v;
}

static struct table_meta *add_table(struct catalog *cat, const char *name)
{
	struct table_meta *t = catalog_add_table(cat);
	t->source = xstrdup("app");
	t->name = xstrdup(name);
	table_set_stage_names(t, 1);
	return t;
}

static void add_col(struct table_meta *t, const char *name, const char *type,
		    int not_null, const char *def, const char *identity,
		    const char *seq)
{
	struct column_meta *c;
	t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*t->cols));
	c = &t->cols[t->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->pg_type = xstrdup(type);
	c->not_null = not_null;
	c->default_expr = def ? xstrdup(def) : NULL;
	c->identity = identity ? xstrdup(identity) : NULL;
	c->sequence = seq ? xstrdup(seq) : NULL;
	pgtype_parse(c->pg_type, 0, &c->type);
}

static void add_con(struct table_meta *t, const char *name, char kind,
		    const char *cols, const char *def, const char *ref_table,
		    const char *ref_cols, char on_delete)
{
	struct constraint_meta *c;
	t->cons = xrealloc(t->cons, (size_t)(t->ncons + 1) * sizeof(*t->cons));
	c = &t->cons[t->ncons++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->kind = kind;
	c->columns = split(cols, &c->ncolumns);
	c->definition = xstrdup(def);
	if (kind == 'f') {
		c->ref_schema = xstrdup("public");
		c->ref_table = xstrdup(ref_table);
		c->ref_columns = split(ref_cols, &c->nref_columns);
		c->on_update = 'a';
		c->on_delete = on_delete;
	}
	if (kind == 'p') {
		t->pk = xcalloc((size_t)c->ncolumns, sizeof(int));
		for (int i = 0; i < c->ncolumns; i++)
			t->pk[t->npk++] = table_column_index(t, c->columns[i]);
	}
}

static void add_idx(struct table_meta *t, const char *name, const char *def)
{
	t->idx = xrealloc(t->idx, (size_t)(t->nidx + 1) * sizeof(*t->idx));
	t->idx[t->nidx].name = xstrdup(name);
	t->idx[t->nidx].definition = xstrdup(def);
	t->nidx++;
}

static void build_catalog(struct catalog *cat)
{
	struct source_meta *s;
	struct enum_meta *e;
	struct table_meta *t;

	memset(cat, 0, sizeof(*cat));
	s = catalog_add_source(cat);
	s->name = xstrdup("app");
	s->is_target = 1;
	s->schema = xstrdup("public");
	s->origin = xstrdup("postgres");
	e = catalog_add_enum(cat);
	e->source = xstrdup("app");
	e->name = xstrdup("mood");
	e->labels = split("ok,happy", &e->nlabels);

	t = add_table(cat, "teams");
	add_col(t, "id", "bigint", 1, NULL, NULL, NULL);
	add_col(t, "name", "text", 1, NULL, NULL, NULL);
	add_con(t, "teams_name_key", 'u', "name", "UNIQUE (name)", NULL, NULL, 0);
	add_con(t, "teams_pkey", 'p', "id", "PRIMARY KEY (id)", NULL, NULL, 0);
	add_idx(t, "teams_name_key", "CREATE UNIQUE INDEX teams_name_key ON public.teams USING btree (name)");
	add_idx(t, "teams_pkey", "CREATE UNIQUE INDEX teams_pkey ON public.teams USING btree (id)");

	t = add_table(cat, "users");
	add_col(t, "id", "bigint", 1, "nextval('users_id_seq'::regclass)", NULL, "public.users_id_seq");
	add_col(t, "email", "text", 1, NULL, NULL, NULL);
	add_col(t, "name", "text", 0, NULL, NULL, NULL);
	add_col(t, "team_id", "bigint", 0, NULL, NULL, NULL);
	add_col(t, "status", "text", 1, "'active'::text", NULL, NULL);
	add_col(t, "score", "integer", 0, NULL, NULL, NULL);
	add_con(t, "users_email_key", 'u', "email", "UNIQUE (email)", NULL, NULL, 0);
	add_con(t, "users_pkey", 'p', "id", "PRIMARY KEY (id)", NULL, NULL, 0);
	add_con(t, "users_score_check", 'c', "score", "CHECK ((score >= 0))", NULL, NULL, 0);
	add_con(t, "users_team_id_fkey", 'f', "team_id",
		"FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE SET NULL", "teams", "id", 'n');
	add_idx(t, "users_email_key", "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)");
	add_idx(t, "users_name_score_idx", "CREATE INDEX users_name_score_idx ON public.users USING btree (name, score)");
	add_idx(t, "users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)");

	t = add_table(cat, "posts");
	add_col(t, "id", "bigint", 1, NULL, "a", "public.posts_id_seq");
	add_col(t, "user_id", "bigint", 1, NULL, NULL, NULL);
	add_col(t, "body", "text", 0, NULL, NULL, NULL);
	add_col(t, "created_at", "timestamp with time zone", 0, "now()", NULL, NULL);
	add_con(t, "posts_pkey", 'p', "id", "PRIMARY KEY (id)", NULL, NULL, 0);
	add_con(t, "posts_user_id_fkey", 'f', "user_id",
		"FOREIGN KEY (user_id) REFERENCES users(id)", "users", "id", 'a');
	add_idx(t, "posts_pkey", "CREATE UNIQUE INDEX posts_pkey ON public.posts USING btree (id)");

	t = add_table(cat, "legacy");
	add_col(t, "id", "integer", 1, "nextval('legacy_id_seq'::regclass)", NULL, "public.legacy_id_seq");
	add_col(t, "code", "text", 1, NULL, NULL, NULL);
	add_col(t, "note", "text", 0, NULL, NULL, NULL);
	add_col(t, "team_id", "bigint", 0, NULL, NULL, NULL);
	add_con(t, "legacy_code_key", 'u', "code", "UNIQUE (code)", NULL, NULL, 0);
	add_con(t, "legacy_note_check", 'c', "note", "CHECK ((length(note) < 100))", NULL, NULL, 0);
	add_con(t, "legacy_pkey", 'p', "id", "PRIMARY KEY (id)", NULL, NULL, 0);
	add_con(t, "legacy_team_id_fkey", 'f', "team_id",
		"FOREIGN KEY (team_id) REFERENCES teams(id)", "teams", "id", 'a');
	add_idx(t, "legacy_code_key", "CREATE UNIQUE INDEX legacy_code_key ON public.legacy USING btree (code)");
	add_idx(t, "legacy_lower_idx", "CREATE INDEX legacy_lower_idx ON public.legacy USING btree (lower(note))");
	add_idx(t, "legacy_pkey", "CREATE UNIQUE INDEX legacy_pkey ON public.legacy USING btree (id)");

	t = add_table(cat, "select");
	add_col(t, "id", "integer", 1, NULL, NULL, NULL);
	add_col(t, "Weird \"col\"", "text", 0, NULL, NULL, NULL);
	add_con(t, "select_pkey", 'p', "id", "PRIMARY KEY (id)", NULL, NULL, 0);
	add_idx(t, "select_pkey", "CREATE UNIQUE INDEX select_pkey ON public.\"select\" USING btree (id)");
}

static struct table_meta *find(struct catalog *cat, const char *name)
{
	for (int i = 0; i < cat->ntables; i++)
		if (!strcmp(cat->tables[i].name, name))
			return &cat->tables[i];
	return NULL;
}

static const struct constraint_meta *find_con(const struct table_meta *t,
					      const char *name)
{
	for (int i = 0; i < t->ncons; i++)
		if (!strcmp(t->cons[i].name, name))
			return &t->cons[i];
	return NULL;
}

static const struct index_meta *find_idx(const struct table_meta *t,
					 const char *name)
{
	for (int i = 0; i < t->nidx; i++)
		if (!strcmp(t->idx[i].name, name))
			return &t->idx[i];
	return NULL;
}

/* ------------------------------------------------------------ plumbing */

/* Parses {"schema_changes": LIST}; the plan path is "test/plan.json". */
static int parse(const char *list, struct schema_change **c, int *n)
{
	struct plan p;
	char *json = xasprintf("{\"schema_changes\": %s}", list);
	int ret;
	memset(&p, 0, sizeof(p));
	p.path = (char *)"test/plan.json";
	p.root = cJSON_Parse(json);
	assert_non_null(p.root);
	ret = schema_changes_parse(&p, c, n);
	cJSON_Delete(p.root);
	free(json);
	return ret;
}

/* stderr goes to a file while fn runs; returns what was written. */
static char *saved_stderr_path;
static int saved_fd = -1;

static void capture_start(void)
{
	char tmpl[] = "/tmp/dd-sc-errXXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
	saved_stderr_path = xstrdup(tmpl);
}

static char *capture_end(void)
{
	char *text;
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	text = read_file(saved_stderr_path, NULL);
	unlink(saved_stderr_path);
	free(saved_stderr_path);
	assert_non_null(text);
	return text;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		fprintf(stderr, "expected to find:\n  %s\nin:\n%s\n", needle, text);
		fail();
	}
}

/* One change parsed from a JSON object. */
static struct schema_change *one(const char *obj)
{
	struct schema_change *c;
	int n;
	char *list = xasprintf("[%s]", obj);
	assert_int_equal(parse(list, &c, &n), 0);
	assert_int_equal(n, 1);
	free(list);
	return c;
}

struct rendered {
	struct strbuf ddl, post, inv, inv_post;
};

static void render(const struct schema_change *c, const struct catalog *cat,
		   struct rendered *r)
{
	struct strbuf z = STRBUF_INIT;
	r->ddl = r->post = r->inv = r->inv_post = z;
	assert_int_equal(schema_change_render(c, cat, "public", &r->ddl, &r->post,
					      &r->inv, &r->inv_post), 0);
}

static void rendered_release(struct rendered *r)
{
	sb_release(&r->ddl);
	sb_release(&r->post);
	sb_release(&r->inv);
	sb_release(&r->inv_post);
}

/* Renders (on the catalog before), applies to the catalog, compares the four parts. */
static void expect_render(struct catalog *cat, struct schema_change *c,
			  const char *ddl, const char *post, const char *inv,
			  const char *inv_post)
{
	struct rendered r;
	render(c, cat, &r);
	assert_int_equal(schema_change_apply_catalog(cat, c), 0);
	assert_string_equal(r.ddl.buf, ddl);
	assert_string_equal(r.post.buf, post);
	assert_string_equal(r.inv.buf, inv);
	assert_string_equal(r.inv_post.buf, inv_post);
	rendered_release(&r);
}

/* An in-memory staging database with the catalog's tables (and a few rows). */
static int uuid_counter;

static void fake_uuid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[40];
	(void)argc;
	(void)argv;
	snprintf(buf, sizeof(buf), "00000000-0000-4000-8000-%012d", ++uuid_counter);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static sqlite3 *stage_db(const struct catalog *cat)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (int i = 0; i < cat->ntables; i++)
		assert_int_equal(stage_create_table(db, &cat->tables[i],
						    cat->tables[i].stage_name), 0);
	assert_int_equal(stage_exec(db,
		"INSERT INTO teams VALUES (1, 'red'), (2, 'blue');"
		"INSERT INTO users VALUES (1, 'a@x', 'Ann', 1, 'active', 3),"
		" (2, 'b@x', NULL, 2, 'active', NULL);"
		"INSERT INTO \"select\" VALUES (1, 'x');"), 0);
	sqlite3_create_function(db, "gen_random_uuid", 0, SQLITE_UTF8, NULL,
				fake_uuid, NULL, NULL);
	uuid_counter = 0;
	return db;
}

/* The single value a query returns, as text ("NULL" for null). */
static char *query1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *r;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	r = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL
			    ? "NULL"
			    : (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r;
}

static void expect_query(sqlite3 *db, const char *sql, const char *want)
{
	char *got = query1(db, sql);
	assert_string_equal(got, want);
	free(got);
}

/* ---------------------------------------------------------- the tests */

static void test_parse_errors(void **state)
{
	static const struct {
		const char *list, *message;
	} cases[] = {
		{ "{}", "plan 'test/plan.json': schema_changes: must be a list" },
		{ "[42]", "schema_changes[0]: must be an object with \"op\"" },
		{ "[{}]", "schema_changes[0]: needs \"op\" (a string)" },
		{ "[{\"op\": \"add_col\"}]", "schema_changes[0]: unknown op 'add_col'" },
		{ "[{\"op\": \"add_col\"}]", "hint: Valid ops: add_column, drop_column, create_table, drop_table, set_not_null, drop_not_null, add_index, add_foreign_key, target_sql." },
		{ "[{\"op\": \"drop_table\", \"table\": \"t\"}, {\"op\": \"add_column\", \"table\": \"users\", \"type\": \"text\"}]",
		  "plan 'test/plan.json': schema_changes[1] (add_column): needs \"column\" (a string)" },
		{ "[{\"op\": \"add_column\", \"column\": \"c\", \"type\": \"text\"}]", "(add_column): needs \"table\" (a string)" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"\"}]", "(add_column): \"type\" is empty" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": 5}]", "(add_column): \"type\" must be a string" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"text\", \"nullable\": \"no\"}]",
		  "(add_column): \"nullable\" must be true or false" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"text\", \"nulable\": false}]",
		  "(add_column): unknown key \"nulable\"" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"text\", \"phase\": \"later\"}]",
		  "(add_column): \"phase\" is 'later'" },
		{ "[{\"op\": \"drop_table\", \"table\": \"users\", \"if_not_exists\": \"yes\"}]",
		  "(drop_table): \"if_not_exists\" must be true or false" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"bigint\", \"references\": \"teams\"}]",
		  "(add_column): \"references\" must be \"table(column, ...)\"" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"bigint\", \"references\": \"teams(id)\", \"on_delete\": \"explode\"}]",
		  "(add_column): \"on_delete\" is 'explode'" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"bigint\", \"on_delete\": \"cascade\"}]",
		  "(add_column): \"on_delete\" needs \"references\"" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"bigserial\"}]",
		  "(add_column): cannot add a bigserial column" },
		{ "[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"c\", \"type\": \"uuid\", \"default\": \"gen_random_uuid()\", \"phase\": \"after\"}]",
		  "(add_column): an \"after\" add_column cannot have a non-constant default ('gen_random_uuid()')" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}]}]",
		  "(create_table): needs \"primary_key\": a list of column names" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"nope\"]}]",
		  "(create_table): \"primary_key\" names 'nope', which is not one of the table's \"columns\"" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}, {\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"]}]",
		  "(create_table): columns[1]: column 'id' is listed twice" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\", \"null\": true}], \"primary_key\": [\"id\"]}]",
		  "(create_table): columns[0]: unknown key \"null\"" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [], \"primary_key\": [\"id\"]}]",
		  "(create_table): needs \"columns\": a non-empty list" },
		{ "[{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"],"
		  " \"foreign_keys\": [{\"columns\": [\"id\"], \"references\": \"u(a, b)\"}]}]",
		  "(create_table): foreign_keys[0]: \"references\" names 2 columns for 1 referencing column" },
		{ "[{\"op\": \"create_table\", \"table\": \"dd_x\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"]}]",
		  "(create_table): table name 'dd_x' starts with \"dd_\"" },
		{ "[{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"email\"], \"expression\": \"lower(email)\"}]",
		  "(add_index): needs either \"columns\"" },
		{ "[{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"email\", \"email\"]}]",
		  "(add_index): \"columns\" names 'email' twice" },
		{ "[{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"email\"], \"method\": \"B-tree\"}]",
		  "(add_index): \"method\" 'B-tree' is not an index method name" },
		{ "[{\"op\": \"add_foreign_key\", \"table\": \"users\", \"columns\": [\"team_id\"]}]",
		  "(add_foreign_key): needs \"references\"" },
		{ "[{\"op\": \"target_sql\", \"sql\": \"CREATE POLICY p ON t USING (true)\"}]",
		  "(target_sql): needs \"rollback_sql\"" },
		{ "[{\"op\": \"target_sql\", \"sql\": \"CREATE POLICY p ON t USING (true)\"}]",
		  "detail: drydock cannot invert arbitrary SQL" },
		{ "[{\"op\": \"target_sql\", \"sql\": \"SELECT 1\", \"rollback_sql\": \"SELECT 1\", \"table\": \"t\"}]",
		  "(target_sql): unknown key \"table\"" },
		{ "[{\"op\": \"drop_column\", \"table\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"column\": \"c\"}]",
		  "(drop_column): the table name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is longer than 63 bytes" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct schema_change *c = (void *)1;
		int n = -1, ret;
		char *msg;
		capture_start();
		ret = parse(cases[i].list, &c, &n);
		msg = capture_end();
		assert_int_equal(ret, -1);
		assert_null(c);
		assert_int_equal(n, 0);
		assert_contains(msg, cases[i].message);
		assert_contains(msg, "drydock: error: ");
		free(msg);
	}
}

static void test_parse_ok(void **state)
{
	struct schema_change *c;
	int n;
	(void)state;
	assert_int_equal(parse("[]", &c, &n), 0);
	assert_int_equal(n, 0);
	schema_changes_free(c, n);
	assert_int_equal(parse("[{\"op\": \"drop_table\", \"table\": \"legacy\", \"phase\": \"after\","
			       " \"if_not_exists\": true, \"description\": \"gone\"},"
			       " {\"op\": \"target_sql\", \"sql\": \"SELECT 1\", \"rollback_sql\": \"SELECT 2\"}]",
			       &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].op, SC_DROP_TABLE);
	assert_string_equal(c[0].opname, "drop_table");
	assert_int_equal(c[0].phase, SC_AFTER);
	assert_int_equal(c[0].if_not_exists, 1);
	assert_string_equal(c[0].table, "legacy");
	assert_string_equal(c[0].where, "plan 'test/plan.json': schema_changes[0] (drop_table)");
	assert_int_equal(c[1].index, 1);
	assert_int_equal(c[1].phase, SC_BEFORE);
	assert_null(c[1].table);
	schema_changes_free(c, n);
}

/* Changes that parse but do not fit the catalog. */
static void test_catalog_errors(void **state)
{
	static const struct {
		const char *obj, *message;
	} cases[] = {
		{ "{\"op\": \"add_column\", \"table\": \"nope\", \"column\": \"c\", \"type\": \"text\"}",
		  "(add_column): table 'nope' is not in the snapshot" },
		{ "{\"op\": \"add_column\", \"table\": \"nope\", \"column\": \"c\", \"type\": \"text\"}",
		  "hint: Schema changes work on tables of the target source 'app': list 'nope' under sources.app.tables" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"email\", \"type\": \"text\"}",
		  "(add_column): table 'users' already has a column 'email'" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"email\", \"type\": \"text\"}",
		  "hint: Add \"if_not_exists\": true" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"n\", \"type\": \"integer\", \"default\": \"'abc'\"}",
		  "(add_column): default 'abc' of column 'n' is not a valid integer: invalid input syntax for type integer" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"m\", \"type\": \"mood\", \"default\": \"'sad'::mood\"}",
		  "(add_column): default 'sad'::mood of column 'm' is not a valid mood" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"t2\", \"type\": \"text\", \"references\": \"teams(name2)\"}",
		  "(add_column): table 'teams' has no column 'name2'" },
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"t2\", \"type\": \"text\", \"references\": \"teams(name2)\"}",
		  "detail: Its columns are: id, name." },
		{ "{\"op\": \"add_column\", \"table\": \"posts\", \"column\": \"ref\", \"type\": \"text\", \"references\": \"users(name)\"}",
		  "(add_column): referenced columns users(name) are not a primary key or unique constraint" },
		{ "{\"op\": \"add_foreign_key\", \"table\": \"posts\", \"columns\": [\"user_id\"], \"name\": \"fk_acc\", \"references\": \"accounts(id)\"}",
		  "(add_foreign_key): references table 'accounts', which is not in the snapshot" },
		{ "{\"op\": \"add_foreign_key\", \"table\": \"posts\", \"columns\": [\"user_id\"], \"references\": \"users(id)\", \"name\": \"posts_user_id_fkey\"}",
		  "(add_foreign_key): table 'posts' already has a constraint 'posts_user_id_fkey'" },
		{ "{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"id\"}",
		  "(drop_column): column 'id' is part of the primary key of 'users'" },
		{ "{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"nope\"}",
		  "(drop_column): table 'users' has no column 'nope'" },
		{ "{\"op\": \"drop_table\", \"table\": \"teams\"}",
		  "(drop_table): table 'teams' is referenced by foreign key 'users_team_id_fkey' of table 'users'" },
		{ "{\"op\": \"set_not_null\", \"table\": \"users\", \"column\": \"email\"}",
		  "(set_not_null): column 'users.email' is already NOT NULL" },
		{ "{\"op\": \"drop_not_null\", \"table\": \"users\", \"column\": \"id\"}",
		  "(drop_not_null): column 'id' is part of the primary key of 'users'" },
		{ "{\"op\": \"drop_not_null\", \"table\": \"users\", \"column\": \"name\"}",
		  "(drop_not_null): column 'users.name' is already nullable" },
		{ "{\"op\": \"create_table\", \"table\": \"users\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"]}",
		  "(create_table): table 'users' already exists in the snapshot" },
		{ "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"],"
		  " \"foreign_keys\": [{\"columns\": [\"id\"], \"references\": \"t(nope)\"}]}",
		  "(create_table): table 't' has no column 'nope'" },
		{ "{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"email\"], \"name\": \"legacy_lower_idx\"}",
		  "(add_index): an index named 'legacy_lower_idx' already exists (on table 'legacy')" },
		{ "{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"email\"], \"name\": \"posts\"}",
		  "(add_index): index name 'posts' is the name of a table" },
		{ "{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"mail\"]}",
		  "(add_index): table 'users' has no column 'mail'" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog cat;
		struct schema_change *c = one(cases[i].obj);
		char *msg;
		int ret;
		build_catalog(&cat);
		capture_start();
		ret = schema_change_apply_catalog(&cat, c);
		msg = capture_end();
		if (ret != -1)
			fprintf(stderr, "case %zu applied: %s\n", i, cases[i].obj);
		assert_int_equal(ret, -1);
		assert_contains(msg, cases[i].message);
		free(msg);
		schema_changes_free(c, 1);
		catalog_free(&cat);
	}
}

/* A change after the table it names is dropped. */
static void test_dropped_table(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	int n;
	char *msg;
	(void)state;
	build_catalog(&cat);
	assert_int_equal(parse("[{\"op\": \"drop_table\", \"table\": \"posts\"},"
			       " {\"op\": \"add_column\", \"table\": \"posts\", \"column\": \"x\", \"type\": \"text\"},"
			       " {\"op\": \"create_table\", \"table\": \"posts\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}],"
			       " \"primary_key\": [\"id\"]}]", &c, &n), 0);
	assert_int_equal(schema_change_apply_catalog(&cat, &c[0]), 0);
	assert_true(find(&cat, "posts")->dropped);
	capture_start();
	assert_int_equal(schema_change_apply_catalog(&cat, &c[1]), -1);
	assert_int_equal(schema_change_apply_catalog(&cat, &c[2]), -1);
	msg = capture_end();
	assert_contains(msg, "(add_column): table 'posts' is dropped by an earlier schema change");
	assert_contains(msg, "(create_table): table 'posts' is dropped by an earlier schema change; drydock cannot create it again");
	free(msg);
	schema_changes_free(c, n);
	catalog_free(&cat);
}

/*
 * A masked column dropped by a schema change is freed whole: the catalog
 * structs have one freer (stage.h), which knows every field, masked
 * included (the sanitizer build reports a leak otherwise).
 */
static void test_dropped_masked_column_is_freed(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	struct table_meta *t;
	int n;
	(void)state;
	build_catalog(&cat);
	t = find(&cat, "users");
	t->cols[table_column_index(t, "name")].masked = xstrdup("name");
	assert_int_equal(parse("[{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"name\"}]",
			       &c, &n), 0);
	assert_int_equal(schema_change_apply_catalog(&cat, &c[0]), 0);
	assert_int_equal(table_column_index(find(&cat, "users"), "name"), -1);
	schema_changes_free(c, n);
	catalog_free(&cat);
}

static void test_default_constant(void **state)
{
	static const struct {
		const char *expr, *value; /* value "-" = not constant */
	} cases[] = {
		{ "0", "0" },
		{ "-1.5", "-1.5" },
		{ "+3", "3" },
		{ "1e5", "1e5" },
		{ "'pending'", "pending" },
		{ "'pending'::text", "pending" },
		{ "'it''s'::character varying", "it's" },
		{ "'{}'::jsonb", "{}" },
		{ "'1.50'::numeric(10,2)", "1.50" },
		{ "'{a,b}'::text[]", "{a,b}" },
		{ "('x'::text)", "x" },
		{ "true", "true" },
		{ "FALSE", "false" },
		{ "NULL", NULL },
		{ "NULL::integer", NULL },
		{ "'a'::text::character varying", "a" },
		{ "now()", "-" },
		{ "gen_random_uuid()", "-" },
		{ "CURRENT_TIMESTAMP", "-" },
		{ "1 + 1", "-" },
		{ "'a' || 'b'", "-" },
		{ "0::integer + 1", "-" },
		{ "nextval('users_id_seq'::regclass)", "-" },
		{ "'unterminated", "-" },
		{ "truely", "-" },
		{ "-", "-" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *v = (char *)"unset";
		int k = schema_default_constant(cases[i].expr, &v);
		if (cases[i].value && !strcmp(cases[i].value, "-")) {
			if (k)
				fprintf(stderr, "constant? %s\n", cases[i].expr);
			assert_int_equal(k, 0);
			assert_null(v);
			continue;
		}
		if (!k)
			fprintf(stderr, "not constant? %s\n", cases[i].expr);
		assert_int_equal(k, 1);
		if (cases[i].value)
			assert_string_equal(v, cases[i].value);
		else
			assert_null(v);
		free(v);
	}
}

/* base_value: the text PostgreSQL gives existing rows, per type. */
static void test_base_values(void **state)
{
	static const struct {
		const char *type, *def, *base, *sqlite;
	} cases[] = {
		{ "integer", "'007'::integer", "7", "7" },
		{ "int8", "-42", "-42", "-42" },
		{ "boolean", "true", "t", "1" },
		{ "bool", "'no'::boolean", "f", "0" },
		{ "numeric(10,2)", "0", "0.00", "0.00" },
		{ "numeric(10,2)", "1.005", "1.01", "1.01" },
		{ "numeric(4,1)", "-99.96", "-100.0", "-100.0" },
		{ "numeric", "007.50", "7.50", "7.50" },
		{ "character(3)", "'a'", "a  ", "a  " },
		{ "uuid", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid",
		  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" },
		{ "double precision", "1.50", "1.5", "1.5" },
		{ "text", "'it''s'::text", "it's", "it's" },
		{ "text", "NULL", NULL, "NULL" },
		{ "mood", "'happy'::mood", "happy", "happy" },
		{ "jsonb", "'{}'::jsonb", "{}", "{}" },
		{ "bytea", "'\\x00ff'::bytea", "\\x00ff", "\0\xff" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct catalog cat;
		struct schema_change *c;
		struct table_meta *t;
		const struct column_meta *cm;
		cJSON *o = cJSON_CreateObject();
		char *json, *list;
		sqlite3 *db;
		int n;

		cJSON_AddStringToObject(o, "op", "add_column");
		cJSON_AddStringToObject(o, "table", "users");
		cJSON_AddStringToObject(o, "column", "v");
		cJSON_AddStringToObject(o, "type", cases[i].type);
		cJSON_AddStringToObject(o, "default", cases[i].def);
		json = cJSON_PrintUnformatted(o);
		list = xasprintf("[%s]", json);
		assert_int_equal(parse(list, &c, &n), 0);
		build_catalog(&cat);
		db = stage_db(&cat);
		assert_int_equal(schema_change_apply_catalog(&cat, c), 0);
		t = find(&cat, "users");
		cm = &t->cols[t->ncols - 1];
		assert_string_equal(cm->name, "v");
		assert_true(cm->added);
		if (cases[i].base)
			assert_string_equal(cm->base_value, cases[i].base);
		else
			assert_null(cm->base_value);
		assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
		if (!strcmp(cases[i].type, "bytea")) {
			expect_query(db, "SELECT hex(v) FROM users WHERE id = 2", "00FF");
		} else {
			expect_query(db, "SELECT v FROM users WHERE id = 2", cases[i].sqlite);
		}
		if (!strcmp(cases[i].type, "integer") || !strcmp(cases[i].type, "boolean"))
			expect_query(db, "SELECT typeof(v) FROM users WHERE id = 1", "integer");
		if (!strcmp(cases[i].type, "mood"))
			assert_true(cm->is_enum);
		sqlite3_close(db);
		schema_changes_free(c, n);
		catalog_free(&cat);
		cJSON_Delete(o);
		free(json);
		free(list);
	}
}

static void test_add_column_constant(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"plan\","
		" \"type\": \"varchar(20)\", \"default\": \"'free'\", \"nullable\": false}");
	struct table_meta *t;
	sqlite3 *db;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	expect_render(&cat, c,
		      "ALTER TABLE public.users ADD COLUMN plan varchar(20) DEFAULT 'free' NOT NULL;\n",
		      "",
		      "",
		      "ALTER TABLE public.users DROP COLUMN plan;\n");
	t = find(&cat, "users");
	assert_int_equal(t->ncols, 7);
	assert_string_equal(t->cols[6].name, "plan");
	assert_string_equal(t->cols[6].pg_type, "character varying(20)");
	assert_int_equal(t->cols[6].type.kind, PGK_VARCHAR);
	assert_int_equal(t->cols[6].type.len, 20);
	assert_int_equal(t->cols[6].not_null, 1);
	assert_int_equal(t->cols[6].added, 1);
	assert_string_equal(t->cols[6].default_expr, "'free'");
	assert_string_equal(t->cols[6].base_value, "free");
	assert_int_equal(c->skipped, 0);
	assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
	expect_query(db, "SELECT group_concat(plan, ',') FROM users", "free,free");
	/* later inserts by steps get the default too */
	assert_int_equal(stage_exec(db, "INSERT INTO users (id, email) VALUES (3, 'c@x')"), 0);
	expect_query(db, "SELECT plan FROM users WHERE id = 3", "free");
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_add_column_volatile(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"uid\","
		" \"type\": \"uuid\", \"default\": \"gen_random_uuid()\", \"nullable\": false}");
	struct table_meta *t;
	sqlite3 *db;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	expect_render(&cat, c,
		      "ALTER TABLE public.users ADD COLUMN uid uuid;\n"
		      "ALTER TABLE public.users ALTER COLUMN uid SET DEFAULT gen_random_uuid();\n",
		      "ALTER TABLE public.users ALTER COLUMN uid SET NOT NULL;\n",
		      "ALTER TABLE public.users ALTER COLUMN uid DROP NOT NULL;\n",
		      "ALTER TABLE public.users DROP COLUMN uid;\n");
	t = find(&cat, "users");
	assert_null(t->cols[6].base_value);
	assert_string_equal(t->cols[6].default_expr, "gen_random_uuid()");
	assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
	expect_query(db, "SELECT count(DISTINCT uid) FROM users WHERE uid LIKE '00000000-0000-4000-8000-%'", "2");
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

/* A default SQLite cannot compute fails the run with a clear message. */
static void test_add_column_unevaluable(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"n\","
		" \"type\": \"bigint\", \"default\": \"nextval('n_seq'::regclass)\"}");
	sqlite3 *db;
	char *msg;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	assert_int_equal(schema_change_apply_catalog(&cat, c), 0);
	capture_start();
	assert_int_equal(schema_change_apply_stage(db, &cat, c), -1);
	msg = capture_end();
	assert_contains(msg, "drydock: error: plan 'test/plan.json': schema_changes[0] (add_column): cannot fill column 'users.n' with its default 'nextval('n_seq'::regclass)' in the staging file");
	assert_contains(msg, "detail: SQLite says: unrecognized token: \":\".");
	assert_contains(msg, "hint: Give the column a constant default, or leave the default out of this change and fill the column in a step.");
	free(msg);
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_add_column_references(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_column\", \"table\": \"posts\", \"column\": \"team_id\","
		" \"type\": \"bigint\", \"references\": \"teams(id)\", \"on_delete\": \"cascade\"}");
	const struct constraint_meta *k;
	(void)state;
	build_catalog(&cat);
	expect_render(&cat, c,
		      "ALTER TABLE public.posts ADD COLUMN team_id bigint;\n",
		      "ALTER TABLE public.posts ADD CONSTRAINT posts_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id) ON DELETE CASCADE;\n",
		      "ALTER TABLE public.posts DROP CONSTRAINT posts_team_id_fkey;\n",
		      "ALTER TABLE public.posts DROP COLUMN team_id;\n");
	k = find_con(find(&cat, "posts"), "posts_team_id_fkey");
	assert_non_null(k);
	assert_int_equal(k->kind, 'f');
	assert_int_equal(k->ncolumns, 1);
	assert_string_equal(k->columns[0], "team_id");
	assert_string_equal(k->ref_schema, "public");
	assert_string_equal(k->ref_table, "teams");
	assert_string_equal(k->ref_columns[0], "id");
	assert_int_equal(k->on_delete, 'c');
	assert_string_equal(k->definition, "FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE CASCADE");
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_drop_column(void **state)
{
	struct catalog cat;
	struct schema_change *c = one("{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"score\"}");
	struct table_meta *t;
	sqlite3 *db;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	expect_render(&cat, c,
		      "",
		      "ALTER TABLE public.users DROP COLUMN score;\n",
		      "ALTER TABLE public.users ADD COLUMN score integer;\n",
		      "ALTER TABLE public.users ADD CONSTRAINT users_score_check CHECK ((score >= 0));\n"
		      "CREATE INDEX users_name_score_idx ON public.users USING btree (name, score);\n");
	t = find(&cat, "users");
	assert_int_equal(t->ncols, 5);
	assert_int_equal(table_column_index(t, "score"), -1);
	assert_null(find_con(t, "users_score_check"));
	assert_null(find_idx(t, "users_name_score_idx"));
	assert_non_null(find_idx(t, "users_email_key"));
	assert_int_equal(t->npk, 1);
	assert_string_equal(t->cols[t->pk[0]].name, "id");
	assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT score FROM users", -1, &st, NULL), SQLITE_ERROR);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

/* A NOT NULL column with a unique constraint: nullable while rows move, everything back after. */
static void test_drop_column_not_null(void **state)
{
	struct catalog cat;
	struct schema_change *c = one("{\"op\": \"drop_column\", \"table\": \"teams\", \"column\": \"name\"}");
	struct table_meta *t;
	(void)state;
	build_catalog(&cat);
	expect_render(&cat, c,
		      "ALTER TABLE public.teams ALTER COLUMN name DROP NOT NULL;\n",
		      "ALTER TABLE public.teams DROP COLUMN name;\n",
		      "ALTER TABLE public.teams ADD COLUMN name text;\n",
		      "ALTER TABLE public.teams ALTER COLUMN name SET NOT NULL;\n"
		      "ALTER TABLE public.teams ADD CONSTRAINT teams_name_key UNIQUE (name);\n");
	t = find(&cat, "teams");
	assert_null(find_con(t, "teams_name_key"));
	assert_null(find_idx(t, "teams_name_key"));
	assert_non_null(find_idx(t, "teams_pkey"));
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

/* The primary key column is refused in the staging file too. */
static void test_drop_column_pk_stage(void **state)
{
	struct catalog cat;
	struct schema_change *c = one("{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"id\"}");
	sqlite3 *db;
	char *msg;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	capture_start();
	assert_int_equal(schema_change_apply_stage(db, &cat, c), -1);
	msg = capture_end();
	assert_contains(msg, "(drop_column): column 'id' is part of the primary key of 'users'");
	free(msg);
	expect_query(db, "SELECT count(id) FROM users", "2");
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_create_table(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"create_table\", \"table\": \"orders\", \"columns\": ["
		" {\"name\": \"id\", \"type\": \"bigserial\"},"
		" {\"name\": \"user_id\", \"type\": \"bigint\", \"nullable\": false},"
		" {\"name\": \"code\", \"type\": \"text\"},"
		" {\"name\": \"total\", \"type\": \"numeric(10,2)\", \"default\": \"0\", \"nullable\": false},"
		" {\"name\": \"parent_id\", \"type\": \"bigint\"}],"
		" \"primary_key\": [\"id\"],"
		" \"unique\": [[\"user_id\", \"code\"]],"
		" \"foreign_keys\": [{\"columns\": [\"user_id\"], \"references\": \"users(id)\", \"on_delete\": \"cascade\"},"
		"  {\"columns\": [\"parent_id\"], \"references\": {\"table\": \"orders\", \"columns\": [\"id\"]}}]}");
	struct table_meta *t;
	const struct constraint_meta *k;
	sqlite3 *db;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	expect_render(&cat, c,
		      "CREATE TABLE public.orders (\n"
		      "    id bigserial,\n"
		      "    user_id bigint NOT NULL,\n"
		      "    code text,\n"
		      "    total numeric(10,2) DEFAULT 0 NOT NULL,\n"
		      "    parent_id bigint,\n"
		      "    CONSTRAINT orders_pkey PRIMARY KEY (id),\n"
		      "    CONSTRAINT orders_user_id_code_key UNIQUE (user_id, code)\n"
		      ");\n",
		      "ALTER TABLE public.orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;\n"
		      "ALTER TABLE public.orders ADD CONSTRAINT orders_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.orders(id);\n"
		      "SELECT setval(pg_get_serial_sequence('public.orders', 'id'), coalesce(max(id), 0) + 1, false) FROM public.orders;\n",
		      "",
		      "DROP TABLE public.orders;\n");
	t = find(&cat, "orders");
	assert_non_null(t);
	assert_int_equal(t->created, 1);
	assert_string_equal(t->source, "app");
	assert_string_equal(t->stage_name, "orders");
	assert_null(t->pristine_name);
	assert_int_equal(t->ncols, 5);
	assert_string_equal(t->cols[0].pg_type, "bigint");
	assert_string_equal(t->cols[0].default_expr, "nextval('orders_id_seq'::regclass)");
	assert_string_equal(t->cols[0].sequence, "public.orders_id_seq");
	assert_int_equal(t->cols[0].not_null, 1);
	assert_int_equal(t->cols[1].not_null, 1);
	assert_int_equal(t->cols[2].not_null, 0);
	assert_int_equal(t->cols[0].added, 0);
	assert_int_equal(t->npk, 1);
	assert_int_equal(t->pk[0], 0);
	k = find_con(t, "orders_pkey");
	assert_int_equal(k->kind, 'p');
	assert_string_equal(k->definition, "PRIMARY KEY (id)");
	k = find_con(t, "orders_user_id_code_key");
	assert_int_equal(k->kind, 'u');
	assert_string_equal(k->definition, "UNIQUE (user_id, code)");
	k = find_con(t, "orders_user_id_fkey");
	assert_string_equal(k->definition, "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE");
	assert_int_equal(k->on_delete, 'c');
	k = find_con(t, "orders_parent_id_fkey");
	assert_string_equal(k->ref_table, "orders");
	assert_int_equal(k->on_delete, 'a');
	assert_string_equal(find_idx(t, "orders_pkey")->definition,
			    "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)");
	assert_string_equal(find_idx(t, "orders_user_id_code_key")->definition,
			    "CREATE UNIQUE INDEX orders_user_id_code_key ON public.orders USING btree (user_id, code)");
	assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
	assert_int_equal(stage_exec(db, "INSERT INTO orders (user_id, code, total) VALUES (1, 'a', '1.00')"), 0);
	expect_query(db, "SELECT id || ':' || user_id || ':' || total FROM orders", "1:1:1.00");
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_drop_table(void **state)
{
	struct catalog cat;
	struct schema_change *c = one("{\"op\": \"drop_table\", \"table\": \"legacy\"}");
	sqlite3 *db;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	expect_render(&cat, c,
		      "",
		      "DROP TABLE public.legacy;\n",
		      "CREATE SEQUENCE public.legacy_id_seq AS integer;\n"
		      "CREATE TABLE public.legacy (\n"
		      "    id integer DEFAULT nextval('legacy_id_seq'::regclass) NOT NULL,\n"
		      "    code text NOT NULL,\n"
		      "    note text,\n"
		      "    team_id bigint,\n"
		      "    CONSTRAINT legacy_pkey PRIMARY KEY (id)\n"
		      ");\n"
		      "ALTER SEQUENCE public.legacy_id_seq OWNED BY public.legacy.id;\n",
		      "SELECT setval('public.legacy_id_seq', coalesce(max(id), 0) + 1, false) FROM public.legacy;\n"
		      "ALTER TABLE public.legacy ADD CONSTRAINT legacy_code_key UNIQUE (code);\n"
		      "ALTER TABLE public.legacy ADD CONSTRAINT legacy_note_check CHECK ((length(note) < 100));\n"
		      "ALTER TABLE public.legacy ADD CONSTRAINT legacy_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id);\n"
		      "CREATE INDEX legacy_lower_idx ON public.legacy USING btree (lower(note));\n");
	assert_int_equal(find(&cat, "legacy")->dropped, 1);
	assert_int_equal(schema_change_apply_stage(db, &cat, c), 0);
	expect_query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'legacy'", "0");
	sqlite3_close(db);
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_drop_table_identity(void **state)
{
	struct catalog cat;
	struct schema_change *c = one("{\"op\": \"drop_table\", \"table\": \"posts\", \"phase\": \"after\"}");
	(void)state;
	build_catalog(&cat);
	expect_render(&cat, c,
		      "",
		      "DROP TABLE public.posts;\n",
		      "CREATE TABLE public.posts (\n"
		      "    id bigint NOT NULL,\n"
		      "    user_id bigint NOT NULL,\n"
		      "    body text,\n"
		      "    created_at timestamp with time zone DEFAULT now(),\n"
		      "    CONSTRAINT posts_pkey PRIMARY KEY (id)\n"
		      ");\n",
		      "ALTER TABLE public.posts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.posts_id_seq);\n"
		      "SELECT setval(pg_get_serial_sequence('public.posts', 'id'), coalesce(max(id), 0) + 1, false) FROM public.posts;\n"
		      "ALTER TABLE public.posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id);\n");
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_not_null(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	int n;
	(void)state;
	build_catalog(&cat);
	assert_int_equal(parse("[{\"op\": \"set_not_null\", \"table\": \"users\", \"column\": \"name\"},"
			       " {\"op\": \"drop_not_null\", \"table\": \"users\", \"column\": \"email\"}]",
			       &c, &n), 0);
	expect_render(&cat, &c[0],
		      "",
		      "ALTER TABLE public.users ALTER COLUMN name SET NOT NULL;\n",
		      "ALTER TABLE public.users ALTER COLUMN name DROP NOT NULL;\n",
		      "");
	assert_int_equal(find(&cat, "users")->cols[2].not_null, 1);
	expect_render(&cat, &c[1],
		      "ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;\n",
		      "",
		      "",
		      "ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\n");
	assert_int_equal(find(&cat, "users")->cols[1].not_null, 0);
	schema_changes_free(c, n);
	catalog_free(&cat);
}

static void test_add_index(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	struct table_meta *t;
	const struct constraint_meta *k;
	int n;
	(void)state;
	build_catalog(&cat);
	assert_int_equal(parse("[{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"name\", \"status\"], \"unique\": true},"
			       " {\"op\": \"add_index\", \"table\": \"users\", \"expression\": \"lower(email)\", \"method\": \"hash\"},"
			       " {\"op\": \"add_index\", \"table\": \"users\", \"expression\": \"name || email\", \"name\": \"users_ne\"}]",
			       &c, &n), 0);
	expect_render(&cat, &c[0],
		      "",
		      "CREATE UNIQUE INDEX users_name_status_idx ON public.users (name, status);\n",
		      "DROP INDEX public.users_name_status_idx;\n",
		      "");
	expect_render(&cat, &c[1],
		      "",
		      "CREATE INDEX users_lower_idx ON public.users USING hash ((lower(email)));\n",
		      "DROP INDEX public.users_lower_idx;\n",
		      "");
	expect_render(&cat, &c[2],
		      "",
		      "CREATE INDEX users_ne ON public.users ((name || email));\n",
		      "DROP INDEX public.users_ne;\n",
		      "");
	t = find(&cat, "users");
	assert_string_equal(find_idx(t, "users_name_status_idx")->definition,
			    "CREATE UNIQUE INDEX users_name_status_idx ON public.users USING btree (name, status)");
	k = find_con(t, "users_name_status_idx");
	assert_non_null(k);
	assert_int_equal(k->kind, 'u');
	assert_int_equal(k->ncolumns, 2);
	assert_string_equal(k->definition, "UNIQUE (name, status)");
	assert_string_equal(find_idx(t, "users_lower_idx")->definition,
			    "CREATE INDEX users_lower_idx ON public.users USING hash (lower(email))");
	assert_null(find_con(t, "users_lower_idx"));
	assert_string_equal(find_idx(t, "users_ne")->definition,
			    "CREATE INDEX users_ne ON public.users USING btree ((name || email))");
	schema_changes_free(c, n);
	catalog_free(&cat);
}

static void test_add_foreign_key(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_foreign_key\", \"table\": \"legacy\", \"columns\": [\"code\"],"
		" \"references\": \"teams(name)\", \"on_delete\": \"restrict\", \"not_valid\": true}");
	const struct constraint_meta *k;
	(void)state;
	build_catalog(&cat);
	expect_render(&cat, c,
		      "",
		      "ALTER TABLE public.legacy ADD CONSTRAINT legacy_code_fkey FOREIGN KEY (code) REFERENCES public.teams(name) ON DELETE RESTRICT NOT VALID;\n",
		      "ALTER TABLE public.legacy DROP CONSTRAINT legacy_code_fkey;\n",
		      "");
	k = find_con(find(&cat, "legacy"), "legacy_code_fkey");
	assert_non_null(k);
	assert_int_equal(k->on_delete, 'r');
	assert_string_equal(k->definition, "FOREIGN KEY (code) REFERENCES teams(name) ON DELETE RESTRICT NOT VALID");
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

/* A guarded constraint picks a dollar-quote tag its text does not hold. */
static void test_dollar_tag(void **state)
{
	struct catalog cat;
	struct schema_change *c = one(
		"{\"op\": \"add_foreign_key\", \"table\": \"legacy\", \"columns\": [\"code\"], \"name\": \"fk$dd$x\","
		" \"references\": \"teams(name)\", \"if_not_exists\": true}");
	(void)state;
	build_catalog(&cat);
	expect_render(&cat, c,
		      "",
		      "DO $dd1$\n"
		      "BEGIN\n"
		      "    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'fk$dd$x' AND conrelid = 'public.legacy'::regclass) THEN\n"
		      "        ALTER TABLE public.legacy ADD CONSTRAINT \"fk$dd$x\" FOREIGN KEY (code) REFERENCES public.teams(name);\n"
		      "    END IF;\n"
		      "END\n"
		      "$dd1$;\n",
		      "ALTER TABLE public.legacy DROP CONSTRAINT \"fk$dd$x\";\n",
		      "");
	schema_changes_free(c, 1);
	catalog_free(&cat);
}

static void test_target_sql(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	int n;
	(void)state;
	build_catalog(&cat);
	assert_int_equal(parse("[{\"op\": \"target_sql\", \"sql\": \"CREATE POLICY p ON posts USING (true)\","
			       " \"rollback_sql\": \"DROP POLICY p ON posts;\\n\\n\", \"description\": \"RLS\"},"
			       " {\"op\": \"target_sql\", \"sql\": \"SELECT 1 -- done\", \"rollback_sql\": \"SELECT 2\"},"
			       " {\"op\": \"target_sql\", \"phase\": \"after\", \"sql\": \"ALTER TABLE posts ADD CHECK (id > 0)\","
			       " \"rollback_sql\": \"ALTER TABLE posts DROP CONSTRAINT posts_id_check\"}]",
			       &c, &n), 0);
	expect_render(&cat, &c[0], "CREATE POLICY p ON posts USING (true);\n", "", "",
		      "DROP POLICY p ON posts;\n");
	expect_render(&cat, &c[1], "SELECT 1 -- done\n;\n", "", "", "SELECT 2;\n");
	/* "after": undone before the inverse data, which may violate it */
	expect_render(&cat, &c[2], "ALTER TABLE posts ADD CHECK (id > 0);\n", "",
		      "ALTER TABLE posts DROP CONSTRAINT posts_id_check;\n", "");
	assert_int_equal(c[0].skipped, 0);
	assert_null(schema_change_probe_sql(&c[0], "public"));
	{
		sqlite3 *db = stage_db(&cat);
		assert_int_equal(schema_change_apply_stage(db, &cat, &c[0]), 0);
		sqlite3_close(db);
	}
	schema_changes_free(c, n);
	catalog_free(&cat);
}

/* if_not_exists: skipped where the snapshot has it, guarded DDL either way. */
static void test_if_not_exists(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	sqlite3 *db;
	int n;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	assert_int_equal(parse(
		"[{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"email\", \"type\": \"text\", \"if_not_exists\": true},"
		" {\"op\": \"create_table\", \"table\": \"teams\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}],"
		"  \"primary_key\": [\"id\"], \"if_not_exists\": true},"
		" {\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"name\", \"score\"], \"if_not_exists\": true},"
		" {\"op\": \"add_foreign_key\", \"table\": \"users\", \"columns\": [\"team_id\"], \"references\": \"teams(id)\", \"if_not_exists\": true},"
		" {\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"nickname\", \"if_not_exists\": true},"
		" {\"op\": \"drop_table\", \"table\": \"old_things\", \"if_not_exists\": true},"
		" {\"op\": \"set_not_null\", \"table\": \"users\", \"column\": \"email\", \"if_not_exists\": true},"
		" {\"op\": \"add_column\", \"table\": \"users\", \"column\": \"nick\", \"type\": \"text\", \"if_not_exists\": true}]",
		&c, &n), 0);
	expect_render(&cat, &c[0], "ALTER TABLE public.users ADD COLUMN IF NOT EXISTS email text;\n", "", "",
		      "ALTER TABLE public.users DROP COLUMN email;\n");
	expect_render(&cat, &c[1],
		      "CREATE TABLE IF NOT EXISTS public.teams (\n    id int,\n    CONSTRAINT teams_pkey PRIMARY KEY (id)\n);\n",
		      "", "", "DROP TABLE public.teams;\n");
	expect_render(&cat, &c[2], "", "CREATE INDEX IF NOT EXISTS users_name_score_idx ON public.users (name, score);\n",
		      "DROP INDEX public.users_name_score_idx;\n", "");
	expect_render(&cat, &c[3], "",
		      "DO $dd$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'users_team_id_fkey'"
		      " AND conrelid = 'public.users'::regclass) THEN\n"
		      "        ALTER TABLE public.users ADD CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id);\n"
		      "    END IF;\nEND\n$dd$;\n",
		      "ALTER TABLE public.users DROP CONSTRAINT users_team_id_fkey;\n", "");
	/* nothing in the snapshot to drop: guarded DDL, nothing to restore */
	expect_render(&cat, &c[4], "", "ALTER TABLE public.users DROP COLUMN IF EXISTS nickname;\n", "", "");
	expect_render(&cat, &c[5], "", "DROP TABLE IF EXISTS public.old_things;\n", "", "");
	expect_render(&cat, &c[6], "", "ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\n",
		      "ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;\n", "");
	expect_render(&cat, &c[7], "ALTER TABLE public.users ADD COLUMN IF NOT EXISTS nick text;\n", "", "",
		      "ALTER TABLE public.users DROP COLUMN nick;\n");
	for (int i = 0; i < 7; i++) {
		if (!c[i].skipped)
			fprintf(stderr, "change %d not skipped\n", i);
		assert_int_equal(c[i].skipped, 1);
		assert_int_equal(schema_change_apply_stage(db, &cat, &c[i]), 0);
	}
	assert_int_equal(c[7].skipped, 0);
	assert_int_equal(schema_change_apply_stage(db, &cat, &c[7]), 0);
	/* the catalog is unchanged by the skipped ones */
	assert_int_equal(find(&cat, "users")->ncols, 7);
	assert_int_equal(find(&cat, "teams")->ncols, 2);
	assert_int_equal(find(&cat, "users")->ncons, 4);
	assert_int_equal(find(&cat, "users")->nidx, 3);
	expect_query(db, "SELECT count(*) FROM pragma_table_info('users')", "7");
	sqlite3_close(db);
	schema_changes_free(c, n);
	catalog_free(&cat);
}

/* Reserved and odd names are quoted for PostgreSQL; SQLite names always are. */
static void test_quoting(void **state)
{
	struct catalog cat;
	struct schema_change *c;
	sqlite3 *db;
	char *probe;
	int n;
	(void)state;
	build_catalog(&cat);
	db = stage_db(&cat);
	assert_int_equal(parse(
		"[{\"op\": \"add_column\", \"table\": \"select\", \"column\": \"Other \\\"x\\\"\", \"type\": \"integer\", \"default\": \"0\", \"nullable\": false},"
		" {\"op\": \"add_index\", \"table\": \"select\", \"columns\": [\"Weird \\\"col\\\"\"]},"
		" {\"op\": \"drop_column\", \"table\": \"select\", \"column\": \"Weird \\\"col\\\"\"}]",
		&c, &n), 0);
	expect_render(&cat, &c[0],
		      "ALTER TABLE public.\"select\" ADD COLUMN \"Other \"\"x\"\"\" integer DEFAULT 0 NOT NULL;\n",
		      "", "", "ALTER TABLE public.\"select\" DROP COLUMN \"Other \"\"x\"\"\";\n");
	assert_int_equal(schema_change_apply_stage(db, &cat, &c[0]), 0);
	expect_query(db, "SELECT \"Other \"\"x\"\"\" FROM \"select\"", "0");
	expect_render(&cat, &c[1], "",
		      "CREATE INDEX \"select_Weird \"\"col\"\"_idx\" ON public.\"select\" (\"Weird \"\"col\"\"\");\n",
		      "DROP INDEX public.\"select_Weird \"\"col\"\"_idx\";\n", "");
	assert_string_equal(find_idx(find(&cat, "select"), "select_Weird \"col\"_idx")->definition,
			    "CREATE INDEX \"select_Weird \"\"col\"\"_idx\" ON public.\"select\" USING btree (\"Weird \"\"col\"\"\")");
	/* dropping the column takes its index along, and the inverse brings it back */
	expect_render(&cat, &c[2], "",
		      "ALTER TABLE public.\"select\" DROP COLUMN \"Weird \"\"col\"\"\";\n",
		      "ALTER TABLE public.\"select\" ADD COLUMN \"Weird \"\"col\"\"\" text;\n",
		      "CREATE INDEX \"select_Weird \"\"col\"\"_idx\" ON public.\"select\" USING btree (\"Weird \"\"col\"\"\");\n");
	assert_null(find_idx(find(&cat, "select"), "select_Weird \"col\"_idx"));
	assert_int_equal(schema_change_apply_stage(db, &cat, &c[2]), 0);
	expect_query(db, "SELECT count(*) FROM pragma_table_info('select')", "2");
	probe = schema_change_probe_sql(&c[2], "public");
	assert_string_equal(probe,
			    "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
			    "to_regclass('public.\"select\"') AND attname = 'Weird \"col\"' AND NOT attisdropped)");
	free(probe);
	sqlite3_close(db);
	schema_changes_free(c, n);
	catalog_free(&cat);
}

static void test_probe(void **state)
{
	static const struct {
		const char *obj, *sql;
	} cases[] = {
		{ "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"it's\", \"type\": \"text\"}",
		  "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('public.users') AND attname = 'it''s' AND NOT attisdropped)" },
		{ "{\"op\": \"create_table\", \"table\": \"Orders\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}], \"primary_key\": [\"id\"]}",
		  "SELECT to_regclass('public.\"Orders\"') IS NOT NULL" },
		{ "{\"op\": \"drop_table\", \"table\": \"legacy\"}",
		  "SELECT to_regclass('public.legacy') IS NULL" },
		{ "{\"op\": \"set_not_null\", \"table\": \"users\", \"column\": \"name\"}",
		  "SELECT coalesce((SELECT attnotnull FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('public.users') AND attname = 'name' AND NOT attisdropped), false)" },
		{ "{\"op\": \"drop_not_null\", \"table\": \"users\", \"column\": \"email\"}",
		  "SELECT coalesce((SELECT NOT attnotnull FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('public.users') AND attname = 'email' AND NOT attisdropped), false)" },
		{ "{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"name\"]}",
		  "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE schemaname = 'public' AND indexname = 'users_name_idx')" },
		{ "{\"op\": \"add_foreign_key\", \"table\": \"posts\", \"columns\": [\"user_id\"], \"references\": \"users(id)\", \"name\": \"fk\"}",
		  "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass('public.posts') AND conname = 'fk')" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct schema_change *c = one(cases[i].obj);
		char *sql = schema_change_probe_sql(c, "public");
		assert_string_equal(sql, cases[i].sql);
		free(sql);
		schema_changes_free(c, 1);
	}
}

static void test_canonical(void **state)
{
	struct schema_change *c = one(
		"{\"table\": \"users\", \"op\": \"add_column\", \"type\": \"bigint\", \"column\": \"team\","
		" \"references\": {\"table\": \"teams\", \"columns\": [\"id\"]}, \"nullable\": true}");
	struct schema_change *d = one(
		"{\"nullable\": true, \"references\": {\"columns\": [\"id\"], \"table\": \"teams\"},"
		" \"column\": \"team\", \"type\": \"bigint\", \"op\": \"add_column\", \"table\": \"users\"}");
	char *a = schema_change_canonical(c), *b = schema_change_canonical(d);
	(void)state;
	assert_string_equal(a, "{\"column\":\"team\",\"nullable\":true,\"op\":\"add_column\","
			       "\"references\":{\"columns\":[\"id\"],\"table\":\"teams\"},"
			       "\"table\":\"users\",\"type\":\"bigint\"}");
	assert_string_equal(a, b);
	/* the spec itself is untouched and still walks both ways */
	assert_string_equal(c->spec->child->string, "table");
	assert_string_equal(c->spec->child->prev->string, "nullable");
	free(a);
	free(b);
	schema_changes_free(c, 1);
	schema_changes_free(d, 1);
}

/* ------------------------------------------------ cases for PostgreSQL */

/*
 * Each case is rendered on the base catalog and compared exactly; with
 * DD_SC_DUMP set it is also written out for tests/e2e/schemachange_pg.sh,
 * which applies, per case, in a copy of BASE_SQL's database:
 *   ddl, fill (what push's data would do), ddl_post  -> check must be true
 *   inverse, restore (what rollback's data would do), inverse_post
 *                                       -> schema dump equals the original
 * "twice" cases apply ddl and ddl_post a second time (if_not_exists);
 * "skipped" cases already exist in the base: the DDL must change nothing.
 */
static const struct pg_case {
	const char *name, *spec;
	const char *ddl, *post, *inv, *inv_post;
	const char *fill, *check, *restore, *after;
	int twice, skipped;
} pg_cases[] = {
	{ "add_column_constant",
	  "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"plan\", \"type\": \"text\","
	  " \"default\": \"'free'\", \"nullable\": false}",
	  "ALTER TABLE public.users ADD COLUMN plan text DEFAULT 'free' NOT NULL;\n", "", "",
	  "ALTER TABLE public.users DROP COLUMN plan;\n",
	  NULL,
	  "SELECT a.attnotnull AND format_type(a.atttypid, a.atttypmod) = 'text' AND (SELECT bool_and(plan = 'free') FROM users)"
	  " FROM pg_attribute a WHERE a.attrelid = 'users'::regclass AND a.attname = 'plan'",
	  NULL, NULL, 0, 0 },
	{ "add_column_volatile",
	  "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"uid\", \"type\": \"uuid\","
	  " \"default\": \"gen_random_uuid()\", \"nullable\": false}",
	  "ALTER TABLE public.users ADD COLUMN uid uuid;\n"
	  "ALTER TABLE public.users ALTER COLUMN uid SET DEFAULT gen_random_uuid();\n",
	  "ALTER TABLE public.users ALTER COLUMN uid SET NOT NULL;\n",
	  "ALTER TABLE public.users ALTER COLUMN uid DROP NOT NULL;\n",
	  "ALTER TABLE public.users DROP COLUMN uid;\n",
	  "UPDATE users SET uid = gen_random_uuid();",
	  "SELECT a.attnotnull AND pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()'"
	  " FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	  " WHERE a.attrelid = 'users'::regclass AND a.attname = 'uid'",
	  NULL, NULL, 0, 0 },
	{ "add_column_references",
	  "{\"op\": \"add_column\", \"table\": \"posts\", \"column\": \"team_id\", \"type\": \"bigint\","
	  " \"references\": \"teams(id)\", \"on_delete\": \"cascade\"}",
	  "ALTER TABLE public.posts ADD COLUMN team_id bigint;\n",
	  "ALTER TABLE public.posts ADD CONSTRAINT posts_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id) ON DELETE CASCADE;\n",
	  "ALTER TABLE public.posts DROP CONSTRAINT posts_team_id_fkey;\n",
	  "ALTER TABLE public.posts DROP COLUMN team_id;\n",
	  "UPDATE posts SET team_id = 1;",
	  "SELECT confdeltype = 'c' AND pg_get_constraintdef(oid) = 'FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE CASCADE'"
	  " FROM pg_constraint WHERE conname = 'posts_team_id_fkey'",
	  NULL, NULL, 0, 0 },
	{ "add_column_enum_twice",
	  "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"mood\", \"type\": \"mood\","
	  " \"default\": \"'ok'::mood\", \"if_not_exists\": true}",
	  "ALTER TABLE public.users ADD COLUMN IF NOT EXISTS mood mood DEFAULT 'ok'::mood;\n", "", "",
	  "ALTER TABLE public.users DROP COLUMN mood;\n",
	  NULL, "SELECT bool_and(mood = 'ok') FROM users", NULL, NULL, 1, 0 },
	{ "add_column_present",
	  "{\"op\": \"add_column\", \"table\": \"users\", \"column\": \"email\", \"type\": \"text\", \"if_not_exists\": true}",
	  "ALTER TABLE public.users ADD COLUMN IF NOT EXISTS email text;\n", "", "",
	  "ALTER TABLE public.users DROP COLUMN email;\n",
	  NULL, "SELECT count(*) = 2 FROM users WHERE email LIKE '%@x'", NULL, NULL, 1, 1 },
	{ "add_column_quoted",
	  "{\"op\": \"add_column\", \"table\": \"select\", \"column\": \"Other \\\"x\\\"\", \"type\": \"integer\","
	  " \"default\": \"0\", \"nullable\": false}",
	  "ALTER TABLE public.\"select\" ADD COLUMN \"Other \"\"x\"\"\" integer DEFAULT 0 NOT NULL;\n", "", "",
	  "ALTER TABLE public.\"select\" DROP COLUMN \"Other \"\"x\"\"\";\n",
	  NULL, "SELECT \"Other \"\"x\"\"\" = 0 FROM \"select\"", NULL, NULL, 0, 0 },
	{ "drop_column_check_index",
	  "{\"op\": \"drop_column\", \"table\": \"users\", \"column\": \"score\"}",
	  "", "ALTER TABLE public.users DROP COLUMN score;\n",
	  "ALTER TABLE public.users ADD COLUMN score integer;\n",
	  "ALTER TABLE public.users ADD CONSTRAINT users_score_check CHECK ((score >= 0));\n"
	  "CREATE INDEX users_name_score_idx ON public.users USING btree (name, score);\n",
	  NULL,
	  "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'score' AND NOT attisdropped)"
	  " AND to_regclass('users_name_score_idx') IS NULL",
	  "UPDATE users SET score = 3 WHERE id = 1;", "SELECT score = 3 FROM users WHERE id = 1", 0, 0 },
	{ "drop_column_not_null_unique",
	  "{\"op\": \"drop_column\", \"table\": \"teams\", \"column\": \"name\"}",
	  "ALTER TABLE public.teams ALTER COLUMN name DROP NOT NULL;\n",
	  "ALTER TABLE public.teams DROP COLUMN name;\n",
	  "ALTER TABLE public.teams ADD COLUMN name text;\n",
	  "ALTER TABLE public.teams ALTER COLUMN name SET NOT NULL;\n"
	  "ALTER TABLE public.teams ADD CONSTRAINT teams_name_key UNIQUE (name);\n",
	  "INSERT INTO teams (id) VALUES (3);",
	  "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'teams'::regclass AND attname = 'name' AND NOT attisdropped)",
	  "DELETE FROM teams WHERE id = 3; UPDATE teams SET name = CASE id WHEN 1 THEN 'red' ELSE 'blue' END;",
	  NULL, 0, 0 },
	{ "drop_column_foreign_key",
	  "{\"op\": \"drop_column\", \"table\": \"legacy\", \"column\": \"team_id\", \"if_not_exists\": true}",
	  "", "ALTER TABLE public.legacy DROP COLUMN IF EXISTS team_id;\n",
	  "ALTER TABLE public.legacy ADD COLUMN team_id bigint;\n",
	  "ALTER TABLE public.legacy ADD CONSTRAINT legacy_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id);\n",
	  NULL,
	  "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'legacy_team_id_fkey')",
	  "UPDATE legacy SET team_id = 1 WHERE id = 1;", NULL, 1, 0 },
	{ "drop_column_volatile_default",
	  "{\"op\": \"drop_column\", \"table\": \"posts\", \"column\": \"created_at\"}",
	  "", "ALTER TABLE public.posts DROP COLUMN created_at;\n",
	  "ALTER TABLE public.posts ADD COLUMN created_at timestamp with time zone;\n"
	  "ALTER TABLE public.posts ALTER COLUMN created_at SET DEFAULT now();\n",
	  "",
	  NULL,
	  "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'posts'::regclass AND attname = 'created_at' AND NOT attisdropped)",
	  "UPDATE posts SET created_at = now();", NULL, 0, 0 },
	{ "create_table",
	  "{\"op\": \"create_table\", \"table\": \"orders\", \"columns\": ["
	  " {\"name\": \"id\", \"type\": \"bigserial\"},"
	  " {\"name\": \"user_id\", \"type\": \"bigint\", \"nullable\": false},"
	  " {\"name\": \"code\", \"type\": \"text\"},"
	  " {\"name\": \"total\", \"type\": \"numeric(10,2)\", \"default\": \"0\", \"nullable\": false},"
	  " {\"name\": \"parent_id\", \"type\": \"bigint\"}],"
	  " \"primary_key\": [\"id\"], \"unique\": [[\"user_id\", \"code\"]],"
	  " \"foreign_keys\": [{\"columns\": [\"user_id\"], \"references\": \"users(id)\", \"on_delete\": \"cascade\"},"
	  "  {\"columns\": [\"parent_id\"], \"references\": {\"table\": \"orders\", \"columns\": [\"id\"]}}]}",
	  "CREATE TABLE public.orders (\n"
	  "    id bigserial,\n"
	  "    user_id bigint NOT NULL,\n"
	  "    code text,\n"
	  "    total numeric(10,2) DEFAULT 0 NOT NULL,\n"
	  "    parent_id bigint,\n"
	  "    CONSTRAINT orders_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT orders_user_id_code_key UNIQUE (user_id, code)\n"
	  ");\n",
	  "ALTER TABLE public.orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;\n"
	  "ALTER TABLE public.orders ADD CONSTRAINT orders_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.orders(id);\n"
	  "SELECT setval(pg_get_serial_sequence('public.orders', 'id'), coalesce(max(id), 0) + 1, false) FROM public.orders;\n",
	  "", "DROP TABLE public.orders;\n",
	  "INSERT INTO orders (id, user_id, code, parent_id) VALUES (5, 1, 'a', 6), (6, 2, 'b', NULL);",
	  "SELECT count(*) = 2 AND nextval('orders_id_seq') = 7 FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'",
	  "DELETE FROM orders;", NULL, 0, 0 },
	{ "create_table_twice",
	  "{\"op\": \"create_table\", \"table\": \"tags\", \"if_not_exists\": true, \"columns\": ["
	  " {\"name\": \"id\", \"type\": \"uuid\", \"default\": \"gen_random_uuid()\"},"
	  " {\"name\": \"post_id\", \"type\": \"bigint\"}],"
	  " \"primary_key\": [\"id\"], \"foreign_keys\": [{\"columns\": [\"post_id\"], \"references\": \"posts(id)\"}]}",
	  "CREATE TABLE IF NOT EXISTS public.tags (\n"
	  "    id uuid DEFAULT gen_random_uuid(),\n"
	  "    post_id bigint,\n"
	  "    CONSTRAINT tags_pkey PRIMARY KEY (id)\n"
	  ");\n",
	  "DO $dd$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'tags_post_id_fkey'"
	  " AND conrelid = 'public.tags'::regclass) THEN\n"
	  "        ALTER TABLE public.tags ADD CONSTRAINT tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id);\n"
	  "    END IF;\nEND\n$dd$;\n",
	  "", "DROP TABLE public.tags;\n",
	  "INSERT INTO tags (post_id) VALUES (1);", "SELECT count(*) = 1 FROM tags", NULL, NULL, 1, 0 },
	{ "drop_table_sequence",
	  "{\"op\": \"drop_table\", \"table\": \"legacy\"}",
	  "", "DROP TABLE public.legacy;\n",
	  "CREATE SEQUENCE public.legacy_id_seq AS integer;\n"
	  "CREATE TABLE public.legacy (\n"
	  "    id integer DEFAULT nextval('legacy_id_seq'::regclass) NOT NULL,\n"
	  "    code text NOT NULL,\n"
	  "    note text,\n"
	  "    team_id bigint,\n"
	  "    CONSTRAINT legacy_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "ALTER SEQUENCE public.legacy_id_seq OWNED BY public.legacy.id;\n",
	  "SELECT setval('public.legacy_id_seq', coalesce(max(id), 0) + 1, false) FROM public.legacy;\n"
	  "ALTER TABLE public.legacy ADD CONSTRAINT legacy_code_key UNIQUE (code);\n"
	  "ALTER TABLE public.legacy ADD CONSTRAINT legacy_note_check CHECK ((length(note) < 100));\n"
	  "ALTER TABLE public.legacy ADD CONSTRAINT legacy_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id);\n"
	  "CREATE INDEX legacy_lower_idx ON public.legacy USING btree (lower(note));\n",
	  NULL, "SELECT to_regclass('legacy') IS NULL AND to_regclass('legacy_id_seq') IS NULL",
	  "INSERT INTO legacy (id, code, note, team_id) VALUES (1, 'A', 'first', 1), (2, 'B', NULL, NULL);",
	  "SELECT nextval('legacy_id_seq') = 3", 0, 0 },
	{ "drop_table_identity",
	  "{\"op\": \"drop_table\", \"table\": \"posts\"}",
	  "", "DROP TABLE public.posts;\n",
	  "CREATE TABLE public.posts (\n"
	  "    id bigint NOT NULL,\n"
	  "    user_id bigint NOT NULL,\n"
	  "    body text,\n"
	  "    created_at timestamp with time zone DEFAULT now(),\n"
	  "    CONSTRAINT posts_pkey PRIMARY KEY (id)\n"
	  ");\n",
	  "ALTER TABLE public.posts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.posts_id_seq);\n"
	  "SELECT setval(pg_get_serial_sequence('public.posts', 'id'), coalesce(max(id), 0) + 1, false) FROM public.posts;\n"
	  "ALTER TABLE public.posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id);\n",
	  NULL, "SELECT to_regclass('posts') IS NULL",
	  "INSERT INTO posts (id, user_id, body) VALUES (1, 1, 'hello'), (2, 2, 'world');",
	  "SELECT nextval(pg_get_serial_sequence('posts', 'id')) = 3", 0, 0 },
	{ "set_not_null",
	  "{\"op\": \"set_not_null\", \"table\": \"users\", \"column\": \"name\"}",
	  "", "ALTER TABLE public.users ALTER COLUMN name SET NOT NULL;\n",
	  "ALTER TABLE public.users ALTER COLUMN name DROP NOT NULL;\n", "",
	  "UPDATE users SET name = 'anon' WHERE name IS NULL;",
	  "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'name'",
	  "UPDATE users SET name = NULL WHERE name = 'anon';", NULL, 0, 0 },
	{ "drop_not_null",
	  "{\"op\": \"drop_not_null\", \"table\": \"users\", \"column\": \"email\"}",
	  "ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;\n", "", "",
	  "ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\n",
	  "UPDATE users SET email = NULL WHERE id = 2;",
	  "SELECT NOT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'",
	  "UPDATE users SET email = 'b@x' WHERE id = 2;", NULL, 0, 0 },
	{ "add_index_unique",
	  "{\"op\": \"add_index\", \"table\": \"users\", \"columns\": [\"name\", \"status\"], \"unique\": true}",
	  "", "CREATE UNIQUE INDEX users_name_status_idx ON public.users (name, status);\n",
	  "DROP INDEX public.users_name_status_idx;\n", "",
	  NULL,
	  "SELECT indexdef = 'CREATE UNIQUE INDEX users_name_status_idx ON public.users USING btree (name, status)'"
	  " FROM pg_indexes WHERE indexname = 'users_name_status_idx'",
	  NULL, NULL, 0, 0 },
	{ "add_index_expression_twice",
	  "{\"op\": \"add_index\", \"table\": \"users\", \"expression\": \"lower(email)\", \"method\": \"hash\", \"if_not_exists\": true}",
	  "", "CREATE INDEX IF NOT EXISTS users_lower_idx ON public.users USING hash ((lower(email)));\n",
	  "DROP INDEX public.users_lower_idx;\n", "",
	  NULL,
	  "SELECT indexdef = 'CREATE INDEX users_lower_idx ON public.users USING hash (lower(email))'"
	  " FROM pg_indexes WHERE indexname = 'users_lower_idx'",
	  NULL, NULL, 1, 0 },
	{ "add_index_quoted",
	  "{\"op\": \"add_index\", \"table\": \"select\", \"columns\": [\"Weird \\\"col\\\"\"]}",
	  "", "CREATE INDEX \"select_Weird \"\"col\"\"_idx\" ON public.\"select\" (\"Weird \"\"col\"\"\");\n",
	  "DROP INDEX public.\"select_Weird \"\"col\"\"_idx\";\n", "",
	  NULL,
	  "SELECT indexdef = 'CREATE INDEX \"select_Weird \"\"col\"\"_idx\" ON public.\"select\" USING btree (\"Weird \"\"col\"\"\")'"
	  " FROM pg_indexes WHERE tablename = 'select' AND indexname <> 'select_pkey'",
	  NULL, NULL, 0, 0 },
	{ "add_foreign_key_twice",
	  "{\"op\": \"add_foreign_key\", \"table\": \"posts\", \"columns\": [\"user_id\"], \"name\": \"posts_author_fkey\","
	  " \"references\": \"users(id)\", \"on_delete\": \"cascade\", \"not_valid\": true, \"if_not_exists\": true}",
	  "",
	  "DO $dd$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'posts_author_fkey'"
	  " AND conrelid = 'public.posts'::regclass) THEN\n"
	  "        ALTER TABLE public.posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE NOT VALID;\n"
	  "    END IF;\nEND\n$dd$;\n",
	  "ALTER TABLE public.posts DROP CONSTRAINT posts_author_fkey;\n", "",
	  NULL,
	  "SELECT NOT convalidated AND pg_get_constraintdef(oid) = 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID'"
	  " FROM pg_constraint WHERE conname = 'posts_author_fkey'",
	  NULL, NULL, 1, 0 },
	{ "add_foreign_key_present",
	  "{\"op\": \"add_foreign_key\", \"table\": \"users\", \"columns\": [\"team_id\"], \"references\": \"teams(id)\","
	  " \"on_delete\": \"set null\", \"if_not_exists\": true}",
	  "",
	  "DO $dd$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'users_team_id_fkey'"
	  " AND conrelid = 'public.users'::regclass) THEN\n"
	  "        ALTER TABLE public.users ADD CONSTRAINT users_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id) ON DELETE SET NULL;\n"
	  "    END IF;\nEND\n$dd$;\n",
	  "ALTER TABLE public.users DROP CONSTRAINT users_team_id_fkey;\n", "",
	  NULL, "SELECT count(*) = 1 FROM pg_constraint WHERE conname = 'users_team_id_fkey'", NULL, NULL, 1, 1 },
	{ "target_sql_policy",
	  "{\"op\": \"target_sql\", \"sql\": \"ALTER TABLE posts ENABLE ROW LEVEL SECURITY;\\n"
	  "CREATE POLICY posts_read ON posts FOR SELECT USING (true)\","
	  " \"rollback_sql\": \"DROP POLICY posts_read ON posts;\\nALTER TABLE posts DISABLE ROW LEVEL SECURITY;\"}",
	  "ALTER TABLE posts ENABLE ROW LEVEL SECURITY;\nCREATE POLICY posts_read ON posts FOR SELECT USING (true);\n",
	  "", "", "DROP POLICY posts_read ON posts;\nALTER TABLE posts DISABLE ROW LEVEL SECURITY;\n",
	  NULL, "SELECT count(*) = 1 FROM pg_policies WHERE policyname = 'posts_read'", NULL, NULL, 0, 0 },
};

static void write_text(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	assert_int_equal(write_file_atomic(path, text ? text : "", text ? strlen(text) : 0), 0);
	free(path);
}

static void test_pg_cases(void **state)
{
	const char *dump = getenv("DD_SC_DUMP");
	(void)state;
	if (dump) {
		assert_int_equal(mkdir_p(dump, 0777), 0);
		write_text(dump, "base.sql", BASE_SQL);
	}
	for (size_t i = 0; i < sizeof(pg_cases) / sizeof(pg_cases[0]); i++) {
		const struct pg_case *k = &pg_cases[i];
		struct catalog cat;
		struct schema_change *c = one(k->spec);
		struct rendered r;
		build_catalog(&cat);
		render(c, &cat, &r);
		assert_int_equal(schema_change_apply_catalog(&cat, c), 0);
		if (strcmp(r.ddl.buf, k->ddl) || strcmp(r.post.buf, k->post) ||
		    strcmp(r.inv.buf, k->inv) || strcmp(r.inv_post.buf, k->inv_post))
			fprintf(stderr, "case %s:\n--ddl\n%s--post\n%s--inverse\n%s--inverse_post\n%s",
				k->name, r.ddl.buf, r.post.buf, r.inv.buf, r.inv_post.buf);
		assert_string_equal(r.ddl.buf, k->ddl);
		assert_string_equal(r.post.buf, k->post);
		assert_string_equal(r.inv.buf, k->inv);
		assert_string_equal(r.inv_post.buf, k->inv_post);
		assert_int_equal(c->skipped, k->skipped);
		if (dump) {
			char *dir = xasprintf("%s/%02zu_%s", dump, i, k->name);
			char *probe = schema_change_probe_sql(c, "public");
			assert_int_equal(mkdir_p(dir, 0777), 0);
			write_text(dir, "ddl.sql", r.ddl.buf);
			write_text(dir, "ddl_post.sql", r.post.buf);
			write_text(dir, "inverse.sql", r.inv.buf);
			write_text(dir, "inverse_post.sql", r.inv_post.buf);
			write_text(dir, "fill.sql", k->fill);
			write_text(dir, "restore.sql", k->restore);
			write_text(dir, "check.sql", k->check);
			write_text(dir, "after.sql", k->after);
			write_text(dir, "probe.sql", probe);
			if (k->twice)
				write_text(dir, "twice", "");
			if (k->skipped)
				write_text(dir, "skipped", "");
			free(probe);
			free(dir);
		}
		rendered_release(&r);
		schema_changes_free(c, 1);
		catalog_free(&cat);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_catalog_errors),
		cmocka_unit_test(test_dropped_table),
		cmocka_unit_test(test_dropped_masked_column_is_freed),
		cmocka_unit_test(test_default_constant),
		cmocka_unit_test(test_base_values),
		cmocka_unit_test(test_add_column_constant),
		cmocka_unit_test(test_add_column_volatile),
		cmocka_unit_test(test_add_column_unevaluable),
		cmocka_unit_test(test_add_column_references),
		cmocka_unit_test(test_drop_column),
		cmocka_unit_test(test_drop_column_not_null),
		cmocka_unit_test(test_drop_column_pk_stage),
		cmocka_unit_test(test_create_table),
		cmocka_unit_test(test_drop_table),
		cmocka_unit_test(test_drop_table_identity),
		cmocka_unit_test(test_not_null),
		cmocka_unit_test(test_add_index),
		cmocka_unit_test(test_add_foreign_key),
		cmocka_unit_test(test_dollar_tag),
		cmocka_unit_test(test_target_sql),
		cmocka_unit_test(test_if_not_exists),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_pg_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
