#include "fn_sequence.h"

#include <stdlib.h>
#include <string.h>

#include "stage.h"
#include "util.h"

/* ------------------------------------------------------------ state */

/* currval's memory: the last value nextval gave per sequence, this connection. */
struct seq_session {
	int n;
	char **names;          /* "schema.name" */
	long long *values;
	sqlite3 *db;           /* the connection it belongs to */
};

/* The sessions of open connections, so a run's start can forget currval. */
static struct seq_session *sessions[16];

static void session_clear(struct seq_session *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->values);
	s->names = NULL;
	s->values = NULL;
	s->n = 0;
}

static void session_free(void *p)
{
	struct seq_session *s = p;
	if (!s)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(sessions); i++)
		if (sessions[i] == s)
			sessions[i] = NULL;
	for (int i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->values);
	free(s);
}

int seq_state_reset(sqlite3 *db)
{
	/* a run is a new session: currval is undefined until its first nextval */
	for (size_t i = 0; i < ARRAY_SIZE(sessions); i++)
		if (sessions[i] && sessions[i]->db == db)
			session_clear(sessions[i]);
	/* staging files from before sequences were recorded lack the tables */
	return stage_exec(db,
			  "CREATE TABLE IF NOT EXISTS dd_sequence_state (schema TEXT NOT NULL, "
			  "name TEXT NOT NULL, last_value INTEGER NOT NULL, is_called INTEGER NOT NULL, "
			  "PRIMARY KEY (schema, name));"
			  "DELETE FROM dd_sequence_state;"
			  "INSERT INTO dd_sequence_state SELECT q.schema, q.name, q.last_value, q.is_called "
			  "FROM dd_sequence q JOIN dd_source s ON s.name = q.source AND s.is_target "
			  "WHERE EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'dd_sequence')");
}

static void session_set(struct seq_session *s, const char *key, long long v)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], key)) {
			s->values[i] = v;
			return;
		}
	s->names = xrealloc(s->names, (size_t)(s->n + 1) * sizeof(char *));
	s->values = xrealloc(s->values, (size_t)(s->n + 1) * sizeof(long long));
	s->names[s->n] = xstrdup(key);
	s->values[s->n++] = v;
}

static const long long *session_get(const struct seq_session *s, const char *key)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], key))
			return &s->values[i];
	return NULL;
}

/* ------------------------------------------------------------ names */

/*
 * regclass input: one or two dot-separated identifiers, each either
 * double-quoted ("" for a quote) or folded to lower case.  0 or -1.
 */
static int parse_name(const char *in, char **schema, char **name)
{
	char *parts[3] = { NULL, NULL, NULL };
	int np = 0, ret = -1;
	const char *p = in;

	while (*p == ' ')
		p++;
	for (;;) {
		struct strbuf sb = STRBUF_INIT;
		if (np == 2)
			goto cleanup;
		if (*p == '"') {
			for (p++;; p++) {
				if (!*p) {
					sb_release(&sb);
					goto cleanup;
				}
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				sb_addch(&sb, *p);
			}
			p++;
		} else {
			while (*p && *p != '.' && *p != ' ') {
				char c = *p++;
				sb_addch(&sb, c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
		}
		if (!sb.len) {
			sb_release(&sb);
			goto cleanup;
		}
		parts[np++] = sb_detach(&sb, NULL);
		while (*p == ' ')
			p++;
		if (*p != '.')
			break;
		p++;
	}
	if (*p)
		goto cleanup;
	if (np == 2) {
		*schema = parts[0];
		*name = parts[1];
	} else {
		*schema = NULL;
		*name = parts[0];
	}
	parts[0] = parts[1] = NULL;
	ret = 0;
cleanup:
	free(parts[0]);
	free(parts[1]);
	return ret;
}

struct seq {
	char *schema, *name;
	long long last, inc, min, max;
	int called, cycle;
};

/* Finds the sequence named by text: 1 found, 0 not, -1 error (reported on ctx). */
static int seq_load(sqlite3_context *ctx, const char *text, struct seq *q)
{
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *st = NULL;
	char *schema = NULL, *name = NULL;
	int found = 0;

	if (parse_name(text, &schema, &name)) {
		pgfn_error(ctx, "invalid name syntax");
		return -1;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT t.schema, t.name, t.last_value, t.is_called, q.increment, "
			       "q.min_value, q.max_value, q.cycle "
			       "FROM dd_sequence_state t JOIN dd_sequence q ON q.schema = t.schema AND q.name = t.name "
			       "JOIN dd_source s ON s.name = q.source AND s.is_target "
			       "WHERE t.name = ?2 AND (t.schema = ?1 OR ?1 IS NULL) "
			       "ORDER BY t.schema = s.pg_schema DESC, t.schema = 'public' DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		pgfn_error(ctx, "cannot read the sequences: %s", sqlite3_errmsg(db));
		found = -1;
		goto cleanup;
	}
	if (schema)
		sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->schema = xstrdup((const char *)sqlite3_column_text(st, 0));
		q->name = xstrdup((const char *)sqlite3_column_text(st, 1));
		q->last = sqlite3_column_int64(st, 2);
		q->called = sqlite3_column_int(st, 3);
		q->inc = sqlite3_column_int64(st, 4);
		q->min = sqlite3_column_int64(st, 5);
		q->max = sqlite3_column_int64(st, 6);
		q->cycle = sqlite3_column_int(st, 7);
		found = 1;
	} else {
		if (schema)
			pgfn_error(ctx, "relation \"%s.%s\" does not exist", schema, name);
		else
			pgfn_error(ctx, "relation \"%s\" does not exist", name);
		found = -1;
	}
cleanup:
	sqlite3_finalize(st);
	free(schema);
	free(name);
	return found;
}

static int seq_store(sqlite3_context *ctx, const struct seq *q)
{
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *st = NULL;
	int ret = -1;
	if (sqlite3_prepare_v2(db, "UPDATE dd_sequence_state SET last_value = ?3, is_called = ?4 "
				   "WHERE schema = ?1 AND name = ?2", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q->schema, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, q->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, q->last);
		sqlite3_bind_int(st, 4, q->called);
		if (sqlite3_step(st) == SQLITE_DONE)
			ret = 0;
	}
	if (ret)
		pgfn_error(ctx, "cannot update sequence \"%s\": %s", q->name, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ret;
}

static void seq_clear(struct seq *q)
{
	free(q->schema);
	free(q->name);
}

static char *seq_key(const struct seq *q)
{
	return xasprintf("%s.%s", q->schema, q->name);
}

/* ------------------------------------------------------------ functions */

static void fn_nextval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct seq q = { 0 };
	long long next;
	char *key;
	(void)argc;
	if (pgfn_any_null(1, argv))
		return;
	if (seq_load(ctx, (const char *)sqlite3_value_text(argv[0]), &q) != 1)
		goto cleanup;
	if (!q.called) {
		next = q.last;
	} else if (q.inc > 0) {
		if (__builtin_add_overflow(q.last, q.inc, &next) || next > q.max) {
			if (!q.cycle) {
				pgfn_error(ctx, "nextval: reached maximum value of sequence \"%s\" (%lld)",
					   q.name, q.max);
				goto cleanup;
			}
			next = q.min;
		}
	} else {
		if (__builtin_add_overflow(q.last, q.inc, &next) || next < q.min) {
			if (!q.cycle) {
				pgfn_error(ctx, "nextval: reached minimum value of sequence \"%s\" (%lld)",
					   q.name, q.min);
				goto cleanup;
			}
			next = q.max;
		}
	}
	q.last = next;
	q.called = 1;
	if (seq_store(ctx, &q))
		goto cleanup;
	key = seq_key(&q);
	session_set(sqlite3_user_data(ctx), key, next);
	free(key);
	sqlite3_result_int64(ctx, next);
cleanup:
	seq_clear(&q);
}

static void fn_currval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct seq q = { 0 };
	const long long *v;
	char *key;
	(void)argc;
	if (pgfn_any_null(1, argv))
		return;
	if (seq_load(ctx, (const char *)sqlite3_value_text(argv[0]), &q) != 1)
		goto cleanup;
	key = seq_key(&q);
	v = session_get(sqlite3_user_data(ctx), key);
	free(key);
	if (!v)
		pgfn_error(ctx, "currval of sequence \"%s\" is not yet defined in this session", q.name);
	else
		sqlite3_result_int64(ctx, *v);
cleanup:
	seq_clear(&q);
}

static void fn_setval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct seq q = { 0 };
	long long v;
	char *key;
	if (pgfn_any_null(argc, argv))
		return;
	if (seq_load(ctx, (const char *)sqlite3_value_text(argv[0]), &q) != 1)
		goto cleanup;
	v = sqlite3_value_int64(argv[1]);
	if (v < q.min || v > q.max) {
		pgfn_error(ctx, "setval: value %lld is out of bounds for sequence \"%s\" (%lld..%lld)",
			   v, q.name, q.min, q.max);
		goto cleanup;
	}
	q.last = v;
	q.called = argc < 3 || sqlite3_value_int(argv[2]);
	if (seq_store(ctx, &q))
		goto cleanup;
	if (q.called) {
		/* PostgreSQL's setval with is_called sets currval too */
		key = seq_key(&q);
		session_set(sqlite3_user_data(ctx), key, v);
		free(key);
	}
	sqlite3_result_int64(ctx, v);
cleanup:
	seq_clear(&q);
}

static int register_fns(sqlite3 *db)
{
	struct seq_session *s = xcalloc(1, sizeof(*s));
	int rc;
	s->db = db;
	for (size_t i = 0; i < ARRAY_SIZE(sessions); i++)
		if (!sessions[i]) {
			sessions[i] = s;
			break;
		}
	/* the last registration owns the session and frees it with the connection */
	rc = sqlite3_create_function_v2(db, "pg_nextval", 1, SQLITE_UTF8, s, fn_nextval,
					NULL, NULL, session_free);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "pg_currval", 1, SQLITE_UTF8, s, fn_currval,
						NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "pg_setval", 2, SQLITE_UTF8, s, fn_setval,
						NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "pg_setval", 3, SQLITE_UTF8, s, fn_setval,
						NULL, NULL, NULL);
	return rc;
}

static const struct pgfn_sig sigs[] = {
	{ "nextval", PGFN_FUNC, 1, { PGK_TEXT }, PGK_INT8, "pg_nextval", PGFN_VOLATILE },
	{ "currval", PGFN_FUNC, 1, { PGK_TEXT }, PGK_INT8, "pg_currval", PGFN_VOLATILE },
	{ "setval", PGFN_FUNC, 2, { PGK_TEXT, PGK_INT8 }, PGK_INT8, "pg_setval", PGFN_VOLATILE },
	{ "setval", PGFN_FUNC, 3, { PGK_TEXT, PGK_INT8, PGK_BOOL }, PGK_INT8, "pg_setval",
	  PGFN_VOLATILE },
};

const struct pgfn_module pgfn_sequence_module = {
	.name = "sequence",
	.sigs = sigs,
	.nsigs = (int)ARRAY_SIZE(sigs),
	.register_fns = register_fns,
};
