/*
 * report: builds the report model from a staging file (docs/reports.md),
 * writes it as canonical JSON and reads reports back for `drydock diff`.
 * The Markdown and HTML renderings live in report_md.c and report_html.c.
 */
#define _GNU_SOURCE
#include "report.h"
#include "plan.h"
#include "stage.h"
#include "book.h"
#include "changeset.h"
#include "report_profile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ================================================================ helpers */

void sb_add_count(struct strbuf *sb, double n)
{
	char digits[32];
	int len, neg = n < 0;
	snprintf(digits, sizeof(digits), "%.0f", fabs(n));
	len = (int)strlen(digits);
	if (neg)
		sb_addch(sb, '-');
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			sb_addch(sb, ',');
		sb_addch(sb, digits[i]);
	}
}

void sb_add_html_n(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': sb_adds(sb, "&amp;"); break;
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&#39;"); break;
		default: sb_addch(sb, s[i]);
		}
	}
}

void sb_add_html(struct strbuf *sb, const char *s)
{
	sb_add_html_n(sb, s, strlen(s));
}

static int utf8_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

void common_affixes(const char *a, size_t la, const char *b, size_t lb,
		    size_t *prefix, size_t *suffix)
{
	size_t p = 0, s = 0, max;
	while (p < la && p < lb && a[p] == b[p])
		p++;
	/* back to the start of the character both differ in */
	while (p > 0 && ((p < la && utf8_cont((unsigned char)a[p])) ||
			 (p < lb && utf8_cont((unsigned char)b[p]))))
		p--;
	max = (la < lb ? la : lb) - p;
	while (s < max && a[la - 1 - s] == b[lb - 1 - s])
		s++;
	/* the suffix must start on a character boundary in both */
	while (s > 0 && (utf8_cont((unsigned char)a[la - s]) ||
			 utf8_cont((unsigned char)b[lb - s])))
		s--;
	*prefix = p;
	*suffix = s;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && utf8_cont((unsigned char)s[max]))
		max--;
	return max;
}

enum value_shown value_cut(const cJSON *v, size_t max, size_t *cut, size_t *len)
{
	*cut = *len = 0;
	if (!cJSON_IsString(v))
		return VALUE_NULL;
	*len = strlen(v->valuestring);
	*cut = utf8_cut(v->valuestring, *len, max);
	return *len ? VALUE_TEXT : VALUE_EMPTY;
}

int report_column_index(const cJSON *cols, const char *name)
{
	const cJSON *c;
	int i = 0;
	cJSON_ArrayForEach(c, cols) {
		if (cJSON_IsString(c) && !strcmp(c->valuestring, name))
			return i;
		i++;
	}
	return -1;
}

const cJSON *report_value_diff(const cJSON *row, const char *col)
{
	const cJSON *d = jget(jget(row, "json_diff"), col);
	return d ? d : jget(jget(row, "array_diff"), col);
}

double report_replaced(const cJSON *t)
{
	return jnum_or(jget(t, "replaced"), "count", 0);
}

void report_pair_changes(struct strbuf *sb, const cJSON *t, const cJSON *pair,
			 const struct pair_marks *m)
{
	const cJSON *c;
	int n = 0;
	cJSON_ArrayForEach(c, jget(pair, "changed")) {
		if (!cJSON_IsString(c))
			continue;
		if (n++)
			sb_adds(sb, m->sep);
		m->name(sb, c->valuestring);
		sb_adds(sb, ": ");
		m->value(sb, report_row_value(t, jget(pair, "old"), 1, c->valuestring));
		sb_adds(sb, m->arrow);
		m->value(sb, report_row_value(t, jget(pair, "new"), 0, c->valuestring));
	}
	if (!n)
		sb_adds(sb, m->nothing);
}

double report_other(const cJSON *t, const char *key)
{
	double n = jnum_or(t, key, 0);
	if (!strcmp(key, "inserts") || !strcmp(key, "deletes"))
		n -= report_replaced(t);
	return n < 0 ? 0 : n;
}

const cJSON *report_row_value(const cJSON *t, const cJSON *row, int before, const char *col)
{
	int i = report_column_index(jget(t, before ? "columns_before" : "columns_after"), col);
	return i >= 0 ? cJSON_GetArrayItem(row, i) : NULL;
}

/* ------------------------------------------------------- canonical order */


/* ------------------------------------------------------------ SQL access */

struct builder {
	sqlite3 *db;
	const struct report_opts *opts;
	cJSON *root, *comparable, *context, *timings;
	char *target;        /* target source name */
	cJSON *plan;         /* plan.json as recorded at snapshot, or NULL */
	long long run;       /* latest run id, 0 when none */
	char *run_status;
	char *hash;          /* change set hash, or NULL */
	int review_state;    /* enum review_state of book_review() */
};

static int prepare(struct builder *b, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK)
		return stage_error(b->db, "cannot read the staging file");
	return 0;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A text column as a JSON string, or null. */
static cJSON *col_string(sqlite3_stmt *st, int i)
{
	const char *s = col_text(st, i);
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* A string as a JSON string, or null. */
static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* A column holding JSON text, parsed; null when NULL or not JSON. */
static cJSON *col_parsed(sqlite3_stmt *st, int i)
{
	const char *s = col_text(st, i);
	cJSON *v = s ? cJSON_Parse(s) : NULL;
	return v ? v : cJSON_CreateNull();
}

/* v rounded to a number of decimals; k = 10^decimals (division keeps 33.3 exact) */
static double round_to(double v, double k)
{
	return round(v * k) / k;
}

static void add_ms(cJSON *o, const char *key, double ms)
{
	cJSON_AddNumberToObject(o, key, round_to(ms, 1000));
}

static void add_count(cJSON *o, const char *key, long long n)
{
	cJSON_AddNumberToObject(o, key, (double)n);
}

static cJSON *obj_child(cJSON *o, const char *key)
{
	cJSON *v = jget(o, key);
	return v ? v : cJSON_AddObjectToObject(o, key);
}

/* =========================================================== the parts */

static int build_meta(struct builder *b)
{
	char *name = stage_get_meta(b->db, "plan_name");
	char *plan_json = stage_get_meta(b->db, "plan_json");
	char *snap = stage_get_meta(b->db, "snapshot_at");
	char *ver = stage_get_meta(b->db, "drydock_version");
	cJSON *plan = cJSON_AddObjectToObject(b->comparable, "plan");
	cJSON *steps;

	b->plan = plan_json ? cJSON_Parse(plan_json) : NULL;
	cJSON_AddStringToObject(plan, "name", name ? name : "");
	if (jstr_or(b->plan, "description", NULL))
		cJSON_AddStringToObject(plan, "description", jstr_or(b->plan, "description", ""));
	steps = jget(b->plan, "steps");
	add_count(plan, "steps", cJSON_IsArray(steps) ? cJSON_GetArraySize(steps) : 0);
	cJSON_AddStringToObject(b->context, "staging_file",
				b->opts->stage_path ? b->opts->stage_path : "");
	cJSON_AddItemToObject(b->context, "snapshot_at",
			      snap ? cJSON_CreateString(snap) : cJSON_CreateNull());
	cJSON_AddItemToObject(b->context, "staging_file_by",
			      ver ? cJSON_CreateString(ver) : cJSON_CreateNull());
	free(name);
	free(plan_json);
	free(snap);
	free(ver);
	return 0;
}

static int build_sources(struct builder *b)
{
	sqlite3_stmt *st = NULL, *tb = NULL;
	cJSON *cs = cJSON_AddObjectToObject(b->comparable, "sources");
	cJSON *xs = cJSON_AddObjectToObject(b->context, "sources");
	int rc, ret = -1;

	if (prepare(b, "SELECT name, is_target, pg_schema, origin, identity, "
		       "server_version, snapshot_at FROM dd_source ORDER BY name", &st) ||
	    prepare(b, "SELECT name, row_count, row_filter FROM dd_table "
		       "WHERE source = ?1 ORDER BY name", &tb))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = col_text(st, 0);
		cJSON *c = cJSON_AddObjectToObject(cs, name);
		cJSON *x = cJSON_AddObjectToObject(xs, name);
		cJSON *tables;
		if (sqlite3_column_int(st, 1)) {
			free(b->target);
			b->target = xstrdup(name);
		}
		cJSON_AddBoolToObject(c, "target", sqlite3_column_int(st, 1));
		cJSON_AddItemToObject(c, "schema", col_string(st, 2));
		cJSON_AddItemToObject(x, "origin", col_string(st, 3));
		cJSON_AddItemToObject(x, "identity", col_string(st, 4));
		cJSON_AddItemToObject(x, "server_version", col_string(st, 5));
		cJSON_AddItemToObject(x, "snapshot_at", col_string(st, 6));
		tables = cJSON_AddObjectToObject(c, "tables");
		sqlite3_bind_text(tb, 1, name, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(tb)) == SQLITE_ROW) {
			cJSON *t = cJSON_AddObjectToObject(tables, col_text(tb, 0));
			add_count(t, "rows", sqlite3_column_int64(tb, 1));
			if (col_text(tb, 2))
				cJSON_AddStringToObject(t, "where", col_text(tb, 2));
		}
		sqlite3_reset(tb);
		if (rc != SQLITE_DONE)
			break;
	}
	if (rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sqlite3_finalize(tb);
	return ret;
}

/* The table a batched step of the recorded plan splits, or NULL. */
static const char *step_batch_table(const struct builder *b, const char *step)
{
	cJSON *s;
	cJSON_ArrayForEach(s, jget(b->plan, "steps")) {
		if (!strcmp(jstr_or(s, "name", ""), step))
			return jstr_or(jget(s, "batch"), "table", NULL);
	}
	return NULL;
}

static int build_run(struct builder *b)
{
	sqlite3_stmt *log = NULL, *nb = NULL;
	struct run_record rr = { 0 };
	cJSON *run = cJSON_AddObjectToObject(b->comparable, "run");
	cJSON *xrun, *steps, *tsteps, *ttables, *completion;
	int rc, ret = -1, steps_total, next_step = 0;
	long long next_batch = 0;
	double total_ms = 0;

	steps_total = (int)jnum_or(jget(b->comparable, "plan"), "steps", 0);
	rc = book_latest_run(b->db, &rr);
	if (rc < 0)
		goto cleanup;
	if (rc == 1) {
		cJSON_AddStringToObject(run, "status", "not run");
		cJSON_AddNullToObject(b->context, "run");
		completion = cJSON_AddObjectToObject(b->comparable, "completion");
		cJSON_AddNumberToObject(completion, "percent", 0);
		add_count(completion, "steps_done", 0);
		add_count(completion, "steps_total", steps_total);
		b->run_status = xstrdup("not run");
		ret = 0;
		goto cleanup;
	}
	b->run = rr.id;
	b->run_status = xstrdup(rr.status);
	next_step = rr.next_step;
	next_batch = rr.next_batch;
	cJSON_AddStringToObject(run, "status", b->run_status);
	cJSON_AddItemToObject(jget(b->comparable, "plan"), "hash", str_or_null(rr.plan_hash));
	cJSON_AddBoolToObject(run, "checks_skipped", rr.no_check);
	if (rr.message)
		cJSON_AddStringToObject(run, "stopped_at", rr.message);
	xrun = cJSON_AddObjectToObject(b->context, "run");
	add_count(xrun, "id", b->run);
	cJSON_AddItemToObject(xrun, "started_at", str_or_null(rr.started_at));
	cJSON_AddItemToObject(xrun, "finished_at", str_or_null(rr.finished_at));
	cJSON_AddItemToObject(xrun, "seed", str_or_null(rr.seed));
	cJSON_AddItemToObject(xrun, "clock", str_or_null(rr.clock));

	/*
	 * Per step: rows of the entries that committed (a resumed run counts
	 * what an uninterrupted one would), the status of its last entry.
	 */
	if (prepare(b, "SELECT l.step, count(*), "
		       "  sum(CASE WHEN l.status = 'ok' THEN l.rows ELSE 0 END), "
		       "  sum(l.duration_ms), max(l.batches), "
		       "  sum(CASE WHEN l.status = 'ok' AND l.batch IS NOT NULL THEN 1 ELSE 0 END), "
		       "  (SELECT l2.status FROM dd_run_log l2 WHERE l2.run = l.run "
		       "     AND l2.step = l.step ORDER BY l2.seq DESC LIMIT 1), "
		       "  max(coalesce(l.message, '') LIKE 'dialect sqlite%') "
		       "FROM dd_run_log l WHERE l.run = ?1 GROUP BY l.step ORDER BY min(l.seq)",
		    &log))
		goto cleanup;
	sqlite3_bind_int64(log, 1, b->run);
	steps = cJSON_AddArrayToObject(run, "steps");
	tsteps = cJSON_AddArrayToObject(b->timings, "steps");
	ttables = cJSON_AddObjectToObject(b->timings, "tables");
	while ((rc = sqlite3_step(log)) == SQLITE_ROW) {
		const char *name = col_text(log, 0);
		const char *btable = step_batch_table(b, name);
		double ms = sqlite3_column_double(log, 3);
		cJSON *s = cJSON_CreateObject(), *ts = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", name);
		add_count(s, "rows", sqlite3_column_int64(log, 2));
		if (sqlite3_column_type(log, 4) != SQLITE_NULL) {
			add_count(s, "batches", sqlite3_column_int64(log, 4));
			add_count(s, "batches_done", sqlite3_column_int64(log, 5));
		}
		cJSON_AddStringToObject(s, "status", col_text(log, 6));
		/* ran as SQLite SQL ("dialect": "sqlite"): not PostgreSQL's semantics */
		if (sqlite3_column_int(log, 7))
			cJSON_AddStringToObject(s, "dialect", "sqlite");
		cJSON_AddItemToArray(steps, s);
		cJSON_AddStringToObject(ts, "name", name);
		add_ms(ts, "duration_ms", ms);
		add_count(ts, "entries", sqlite3_column_int64(log, 1));
		cJSON_AddItemToArray(tsteps, ts);
		total_ms += ms;
		if (btable) {
			cJSON *tt = obj_child(ttables, btable);
			double prev = jnum_or(tt, "duration_ms", 0);
			cJSON_DeleteItemFromObjectCaseSensitive(tt, "duration_ms");
			add_ms(tt, "duration_ms", prev + ms);
		}
	}
	if (rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	add_ms(b->timings, "run_ms", total_ms);

	/*
	 * Completion (seed 000's percentage, seed 004's resume point): the
	 * share of the plan's steps the run finished, batches counting as
	 * fractions of their step.
	 */
	completion = cJSON_AddObjectToObject(b->comparable, "completion");
	{
		double pct;
		if (!strcmp(b->run_status, "done")) {
			pct = 100;
			next_step = steps_total;
		} else if (steps_total <= 0) {
			pct = 0;
		} else {
			double frac = 0;
			cJSON *s = cJSON_GetArrayItem(jget(b->plan, "steps"), next_step);
			if (s && next_batch > 0 &&
			    !prepare(b, "SELECT count(*) FROM dd_run_batch WHERE run = ?1 AND step = ?2", &nb)) {
				sqlite3_bind_int64(nb, 1, b->run);
				sqlite3_bind_text(nb, 2, jstr_or(s, "name", ""), -1, SQLITE_TRANSIENT);
				if (sqlite3_step(nb) == SQLITE_ROW && sqlite3_column_int64(nb, 0) > 0)
					frac = (double)next_batch / (double)sqlite3_column_int64(nb, 0);
			}
			pct = round_to(100.0 * (next_step + frac) / steps_total, 10);
			if (pct > 100)
				pct = 100;
		}
		cJSON_AddNumberToObject(completion, "percent", pct);
		add_count(completion, "steps_done", next_step);
		add_count(completion, "steps_total", steps_total);
	}
	ret = 0;
cleanup:
	run_record_free(&rr);
	sqlite3_finalize(log);
	sqlite3_finalize(nb);
	return ret;
}

static int build_changeset(struct builder *b)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;
	cJSON *x;

	if (prepare(b, "SELECT hash, run, computed_at FROM dd_changeset WHERE id = 1", &st))
		goto cleanup;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		b->hash = xstrdup(col_text(st, 0));
		cJSON_AddStringToObject(b->comparable, "hash", b->hash);
		x = cJSON_AddObjectToObject(b->context, "changeset");
		add_count(x, "run", sqlite3_column_int64(st, 1));
		cJSON_AddItemToObject(x, "computed_at", col_string(st, 2));
		/* a failed rerun leaves the change set of an earlier run */
		cJSON_AddBoolToObject(x, "from_latest_run", sqlite3_column_int64(st, 1) == b->run);
	} else if (rc == SQLITE_DONE) {
		cJSON_AddNullToObject(b->comparable, "hash");
		cJSON_AddNullToObject(b->context, "changeset");
	} else {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	return ret;
}

/* Samples of one operation: up to n rows in change order. */
static int add_samples(struct builder *b, sqlite3_stmt *st, cJSON *sample,
		       const char *table, const char *op, long long count)
{
	static const struct { const char *op, *key; } names[] = {
		{ "I", "inserts" }, { "U", "updates" }, { "D", "deletes" },
	};
	const char *key = "";
	cJSON *arr;
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i].op, op))
			key = names[i].key;
	arr = cJSON_AddArrayToObject(sample, key);
	if (count <= 0 || b->opts->samples <= 0)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, op, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, b->opts->samples);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddItemToObject(r, "key", col_parsed(st, 0));
		if (*op != 'I')
			cJSON_AddItemToObject(r, "old", col_parsed(st, 1));
		if (*op != 'D')
			cJSON_AddItemToObject(r, "new", col_parsed(st, 2));
		if (*op == 'U')
			cJSON_AddItemToObject(r, "changed", col_parsed(st, 3));
		cJSON_AddItemToArray(arr, r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return stage_error(b->db, "cannot read the staging file");
	return 0;
}

/* The seed of the random samples: the change set's hash, so a report of
   the same change set shows the same rows everywhere. */
static unsigned long long sample_seed(const char *hash)
{
	char head[17] = "0";
	if (hash)
		snprintf(head, sizeof(head), "%s", hash);
	return strtoull(head, NULL, 16);
}

/* The natural key the plan names for a target table: the "natural_key"
   of its object in the plan's sources (as it was at snapshot), or NULL. */
static const cJSON *plan_natural_key(const struct builder *b, const char *table)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, jget(jget(jget(b->plan, "sources"), b->target), "tables"))
		if (cJSON_IsObject(t) && !strcmp(jstr_or(t, "name", ""), table))
			return jget(t, "natural_key");
	return NULL;
}

/*
 * The key a snapshotted table's rows are identified by (docs/snapshot.md,
 * "Keys"): the primary key, else the plan's "key", else a unique index
 * over NOT NULL columns, else the whole row.  kind, columns and, for an
 * index, its name.
 */
static cJSON *table_key(const char *pk, const char *declared, const char *index)
{
	cJSON *k = cJSON_CreateObject(), *cols = NULL;
	const char *kind = pk ? "primary key" : index ? "unique index" : declared ? "plan" : "full row";
	cJSON_AddStringToObject(k, "kind", kind);
	if (pk || declared)
		cols = cJSON_Parse(pk ? pk : declared);
	cJSON_AddItemToObject(k, "columns", cJSON_IsArray(cols) ? cols : cJSON_CreateArray());
	if (cols && !cJSON_IsArray(cols))
		cJSON_Delete(cols);
	if (index && !pk)
		cJSON_AddStringToObject(k, "index", index);
	return k;
}

void report_key_text(struct strbuf *sb, const cJSON *t)
{
	const cJSON *k = jget(t, "key"), *c;
	const char *kind = jstr_or(k, "kind", NULL);
	int n = 0;
	if (!kind)
		return;
	sb_adds(sb, !strcmp(kind, "plan") ? "plan key" : kind);
	if (jstr_or(k, "index", NULL))
		sb_addf(sb, " %s", jstr_or(k, "index", ""));
	cJSON_ArrayForEach(c, jget(k, "columns"))
		if (cJSON_IsString(c))
			sb_addf(sb, "%s%s", n++ ? ", " : " (", c->valuestring);
	if (n)
		sb_addch(sb, ')');
}

static int build_tables(struct builder *b)
{
	sqlite3_stmt *snap = NULL, *chg = NULL, *smp = NULL;
	cJSON *tables = cJSON_AddObjectToObject(b->comparable, "tables");
	cJSON *totals = cJSON_AddObjectToObject(b->comparable, "totals");
	long long tot_before = 0, tot_after = 0, ins = 0, upd = 0, del = 0;
	int rc, ret = -1, changed_tables = 0, ntables = 0;

	if (!b->target) {
		ret = 0;
		goto cleanup;
	}
	/* as snapshotted */
	if (prepare(b, "SELECT t.name, t.row_count, (SELECT c.columns FROM dd_constraint c "
		       "WHERE c.source = t.source AND c.tbl = t.name AND c.kind = 'p'), "
		       "t.key_columns, t.key_index FROM dd_table t WHERE t.source = ?1 "
		       "AND t.pristine_name IS NOT NULL ORDER BY t.name", &snap))
		goto cleanup;
	sqlite3_bind_text(snap, 1, b->target, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(snap)) == SQLITE_ROW) {
		cJSON *t = cJSON_AddObjectToObject(tables, col_text(snap, 0));
		add_count(t, "rows_before", sqlite3_column_int64(snap, 1));
		cJSON_AddItemToObject(t, "key", table_key(col_text(snap, 2), col_text(snap, 3),
							  col_text(snap, 4)));
		if (b->hash) {
			/* present in the change set unless a schema change dropped it */
			cJSON_AddStringToObject(t, "status", "dropped");
			add_count(t, "rows_after", 0);
			add_count(t, "inserts", 0);
			add_count(t, "updates", 0);
			add_count(t, "deletes", 0);
		} else {
			cJSON_AddStringToObject(t, "status", "not run");
		}
	}
	if (rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	if (b->hash) {
		if (prepare(b, "SELECT t.tbl, t.inserts, t.updates, t.deletes, t.rows_before, "
			       "t.rows_after, t.columns, c.cols_before, c.cols_after "
			       "FROM dd_change_table t LEFT JOIN dd_change_columns c ON c.tbl = t.tbl "
			       "ORDER BY t.tbl", &chg) ||
		    prepare(b, "SELECT key, old_row, new_row, changed FROM dd_change "
			       "WHERE tbl = ?1 AND op = ?2 ORDER BY seq LIMIT ?3", &smp))
			goto cleanup;
		while ((rc = sqlite3_step(chg)) == SQLITE_ROW) {
			const char *name = col_text(chg, 0);
			cJSON *t = jget(tables, name), *sample;
			long long i = sqlite3_column_int64(chg, 1), u = sqlite3_column_int64(chg, 2),
				  d = sqlite3_column_int64(chg, 3), before = sqlite3_column_int64(chg, 4),
				  after = sqlite3_column_int64(chg, 5);
			const char *status = i || u || d ? "changed" : "unchanged";
			if (!t) {
				t = cJSON_AddObjectToObject(tables, name);
				status = "created";
			}
			cJSON_DeleteItemFromObjectCaseSensitive(t, "status");
			cJSON_DeleteItemFromObjectCaseSensitive(t, "rows_before");
			cJSON_DeleteItemFromObjectCaseSensitive(t, "rows_after");
			cJSON_DeleteItemFromObjectCaseSensitive(t, "inserts");
			cJSON_DeleteItemFromObjectCaseSensitive(t, "updates");
			cJSON_DeleteItemFromObjectCaseSensitive(t, "deletes");
			cJSON_AddStringToObject(t, "status", status);
			add_count(t, "rows_before", before);
			add_count(t, "rows_after", after);
			add_count(t, "inserts", i);
			add_count(t, "updates", u);
			add_count(t, "deletes", d);
			add_count(t, "touched", i + u + d);
			cJSON_AddNumberToObject(t, "touched_percent",
						before > 0 ? round_to(100.0 * (double)(i + u + d) / (double)before, 10)
							   : (i + u + d ? 100 : 0));
			cJSON_AddItemToObject(t, "columns", col_parsed(chg, 6));
			cJSON_AddItemToObject(t, "columns_before", col_parsed(chg, 7));
			cJSON_AddItemToObject(t, "columns_after", col_parsed(chg, 8));
			/* profiles, value changes and samples that show the change
			   (a table a schema change created has no snapshot to compare) */
			if ((i || u || d) && strcmp(status, "created") &&
			    report_profile_table(b->db, b->target, name, t, b->opts->samples,
						 sample_seed(b->hash), plan_natural_key(b, name)))
				goto cleanup;
			/* else the first rows in change order */
			if (!jget(t, "sample")) {
				sample = cJSON_AddObjectToObject(t, "sample");
				if (add_samples(b, smp, sample, name, "I", i) ||
				    add_samples(b, smp, sample, name, "U", u) ||
				    add_samples(b, smp, sample, name, "D", d))
					goto cleanup;
			}
			changed_tables += i || u || d;
			tot_after += after;
			ins += i;
			upd += u;
			del += d;
		}
		if (rc != SQLITE_DONE) {
			stage_error(b->db, "cannot read the staging file");
			goto cleanup;
		}
	}
	{
		cJSON *t;
		cJSON_ArrayForEach(t, tables) {
			ntables++;
			tot_before += (long long)jnum_or(t, "rows_before", 0);
			if (!strcmp(jstr_or(t, "status", ""), "dropped"))
				changed_tables++;
		}
	}
	add_count(totals, "tables", ntables);
	add_count(totals, "tables_changed", changed_tables);
	add_count(totals, "rows_before", tot_before);
	if (b->hash) {
		add_count(totals, "rows_after", tot_after);
		add_count(totals, "inserts", ins);
		add_count(totals, "updates", upd);
		add_count(totals, "deletes", del);
		add_count(totals, "touched", ins + upd + del);
	}
	ret = 0;
cleanup:
	if (!jget(totals, "tables"))
		add_count(totals, "tables", 0);
	sqlite3_finalize(snap);
	sqlite3_finalize(chg);
	sqlite3_finalize(smp);
	return ret;
}

static int build_schema_changes(struct builder *b)
{
	sqlite3_stmt *st = NULL;
	cJSON *arr = cJSON_AddArrayToObject(b->comparable, "schema_changes");
	int rc, ret = -1;

	if (b->run == 0) {
		ret = 0;
		goto cleanup;
	}
	/* each direction has a part before and a part after the data
	   (docs/schema-changes.md, "Ordering") */
	if (prepare(b, "SELECT seq, phase, op, tbl, spec, skipped, ddl, ddl_post, "
		       "inverse_ddl, inverse_post FROM dd_schema_change ORDER BY seq", &st))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *c = cJSON_CreateObject();
		add_count(c, "seq", sqlite3_column_int64(st, 0));
		cJSON_AddItemToObject(c, "phase", col_string(st, 1));
		cJSON_AddItemToObject(c, "op", col_string(st, 2));
		cJSON_AddItemToObject(c, "table", col_string(st, 3));
		cJSON_AddItemToObject(c, "spec", col_parsed(st, 4));
		cJSON_AddBoolToObject(c, "skipped", sqlite3_column_int(st, 5));
		cJSON_AddItemToObject(c, "ddl", col_string(st, 6));
		cJSON_AddItemToObject(c, "ddl_post", col_string(st, 7));
		cJSON_AddItemToObject(c, "rollback_ddl", col_string(st, 8));
		cJSON_AddItemToObject(c, "rollback_post", col_string(st, 9));
		cJSON_AddItemToArray(arr, c);
	}
	if (rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	return ret;
}

/*
 * The table a check result is about, for seed 004's per-table "failed":
 * a word of the check's name that is a constraint of the target (as in
 * "fk posts_user_id_fkey"), a target table, or "table.column".
 */
static char *check_table(struct builder *b, sqlite3_stmt *con, const char *name,
			 const cJSON *tables)
{
	char *copy = xstrdup(name), *save = NULL, *ret = NULL;
	for (char *w = strtok_r(copy, " \t'\"(),:", &save); w && !ret;
	     w = strtok_r(NULL, " \t'\"(),:", &save)) {
		char *dot;
		sqlite3_bind_text(con, 1, b->target, -1, SQLITE_STATIC);
		sqlite3_bind_text(con, 2, w, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(con) == SQLITE_ROW)
			ret = xstrdup(col_text(con, 0));
		sqlite3_reset(con);
		if (ret)
			break;
		if ((dot = strchr(w, '.')))
			*dot = '\0';
		if (jget(tables, w))
			ret = xstrdup(w);
	}
	free(copy);
	return ret;
}

static int build_checks(struct builder *b)
{
	sqlite3_stmt *res = NULL, *con = NULL;
	struct check_run_record cr = { 0 };
	cJSON *arr = cJSON_AddArrayToObject(b->comparable, "checks");
	cJSON *tchecks = cJSON_AddArrayToObject(b->timings, "checks");
	cJSON *val = cJSON_AddObjectToObject(b->comparable, "validation");
	cJSON *summary = cJSON_AddObjectToObject(val, "summary");
	cJSON *vtables = cJSON_AddObjectToObject(val, "tables");
	cJSON *tables = jget(b->comparable, "tables"), *t;
	long long total = 0, passed = 0, failed = 0, unverifiable = 0, fixed = 0,
		  errors = 0, warnings = 0, check_run = 0;
	int rc, ret = -1;

	/* seed 004's per-table figures: total rows, rows migrated, rows failed */
	cJSON_ArrayForEach(t, tables) {
		cJSON *v = cJSON_AddObjectToObject(vtables, t->string);
		double after = jnum_or(t, "rows_after", -1);
		add_count(v, "total", (long long)(after >= 0 ? after : jnum_or(t, "rows_before", 0)));
		add_count(v, "migrated", (long long)jnum_or(t, "touched", 0));
		add_count(v, "failed", 0);
	}
	if (prepare(b, "SELECT name, kind, severity, status, count, sample, message, duration_ms "
		       "FROM dd_check_result WHERE check_run = ?1 ORDER BY seq", &res) ||
	    prepare(b, "SELECT tbl FROM dd_constraint WHERE source = ?1 AND name = ?2 LIMIT 1", &con))
		goto cleanup;
	rc = book_latest_check_run(b->db, &cr);
	if (rc == 0) {
		cJSON *x = cJSON_AddObjectToObject(b->context, "checks");
		const char *h = cr.changeset_hash;
		check_run = cr.id;
		add_count(x, "check_run", check_run);
		cJSON_AddItemToObject(x, "at", str_or_null(cr.at));
		cJSON_AddItemToObject(x, "phase", str_or_null(cr.phase));
		cJSON_AddItemToObject(x, "changeset_hash", str_or_null(h));
		/* checks judge one change set; a later run makes them stale */
		cJSON_AddBoolToObject(x, "current", b->hash && h && !strcmp(h, b->hash));
	} else if (rc == 1) {
		cJSON_AddNullToObject(b->context, "checks");
	} else {
		goto cleanup;
	}
	sqlite3_bind_int64(res, 1, check_run);
	while (check_run && (rc = sqlite3_step(res)) == SQLITE_ROW) {
		cJSON *c = cJSON_CreateObject(), *tc = cJSON_CreateObject();
		const char *status = col_text(res, 3), *sev = col_text(res, 2);
		cJSON_AddItemToObject(c, "name", col_string(res, 0));
		cJSON_AddItemToObject(c, "kind", col_string(res, 1));
		cJSON_AddItemToObject(c, "severity", col_string(res, 2));
		cJSON_AddItemToObject(c, "status", col_string(res, 3));
		add_count(c, "count", sqlite3_column_int64(res, 4));
		cJSON_AddItemToObject(c, "sample", col_parsed(res, 5));
		if (col_text(res, 6))
			cJSON_AddStringToObject(c, "message", col_text(res, 6));
		cJSON_AddItemToArray(arr, c);
		cJSON_AddItemToObject(tc, "name", col_string(res, 0));
		add_ms(tc, "duration_ms", sqlite3_column_double(res, 7));
		cJSON_AddItemToArray(tchecks, tc);
		total++;
		if (status && !strcmp(status, "fail")) {
			char *tbl;
			failed++;
			if (sev && !strcmp(sev, "warn"))
				warnings++;
			else
				errors++;
			tbl = check_table(b, con, col_text(res, 0), tables);
			if (tbl && jget(vtables, tbl)) {
				cJSON *v = jget(vtables, tbl);
				double n = jnum_or(v, "failed", 0) + (double)sqlite3_column_int64(res, 4);
				cJSON_DeleteItemFromObjectCaseSensitive(v, "failed");
				cJSON_AddNumberToObject(v, "failed", n);
			}
			free(tbl);
		} else if (status && !strcmp(status, "unverifiable")) {
			unverifiable++;
		} else if (status && !strcmp(status, "fixed")) {
			fixed++;
			passed++;
		} else {
			passed++;
		}
	}
	if (check_run && rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	/* seed 004's validation report: overallStatus and summary */
	cJSON_AddStringToObject(val, "overallStatus",
				!check_run ? "not checked" : errors ? "failed" : "passed");
	add_count(summary, "totalChecks", total);
	add_count(summary, "passed", passed);
	add_count(summary, "failed", failed);
	add_count(summary, "errors", errors);
	add_count(summary, "warnings", warnings);
	add_count(summary, "unverifiable", unverifiable);
	add_count(summary, "fixed", fixed);
	ret = 0;
cleanup:
	check_run_record_free(&cr);
	sqlite3_finalize(res);
	sqlite3_finalize(con);
	return ret;
}

static int build_approval_and_pushes(struct builder *b)
{
	sqlite3_stmt *pu = NULL;
	struct review rv = { 0 };
	cJSON *pushes;
	int rc, ret = -1;

	if (book_review(b->db, &rv) ||
	    prepare(b, "SELECT id, kind, target, changeset_hash, ledger_id, started_at, "
		       "finished_at, status, counts, message FROM dd_push ORDER BY id", &pu))
		goto cleanup;
	b->review_state = rv.state;
	if (rv.has_approval) {
		cJSON *a = cJSON_AddObjectToObject(b->context, "approval");
		cJSON_AddItemToObject(a, "approved_by", str_or_null(rv.approval.by));
		cJSON_AddItemToObject(a, "at", str_or_null(rv.approval.at));
		cJSON_AddItemToObject(a, "note", str_or_null(rv.approval.note));
		cJSON_AddItemToObject(a, "changeset_hash", str_or_null(rv.approval.hash));
		add_count(a, "check_run", rv.approval.check_run);
		/* the latest approval holds for its hash only (book.h) */
		cJSON_AddBoolToObject(a, "current", rv.approval_state == APPROVAL_CURRENT);
		/* and push accepts it only under the whole rule */
		cJSON_AddBoolToObject(a, "valid", review_approved(&rv));
	} else {
		cJSON_AddNullToObject(b->context, "approval");
	}
	pushes = cJSON_AddArrayToObject(b->context, "pushes");
	while ((rc = sqlite3_step(pu)) == SQLITE_ROW) {
		cJSON *p = cJSON_CreateObject();
		add_count(p, "id", sqlite3_column_int64(pu, 0));
		cJSON_AddItemToObject(p, "kind", col_string(pu, 1));
		cJSON_AddItemToObject(p, "target", col_string(pu, 2));
		cJSON_AddItemToObject(p, "changeset_hash", col_string(pu, 3));
		if (sqlite3_column_type(pu, 4) == SQLITE_NULL)
			cJSON_AddNullToObject(p, "ledger_id");
		else
			add_count(p, "ledger_id", sqlite3_column_int64(pu, 4));
		cJSON_AddItemToObject(p, "started_at", col_string(pu, 5));
		cJSON_AddItemToObject(p, "finished_at", col_string(pu, 6));
		cJSON_AddItemToObject(p, "status", col_string(pu, 7));
		cJSON_AddItemToObject(p, "counts", col_parsed(pu, 8));
		cJSON_AddItemToObject(p, "message", col_string(pu, 9));
		cJSON_AddItemToArray(pushes, p);
	}
	if (rc != SQLITE_DONE) {
		stage_error(b->db, "cannot read the staging file");
		goto cleanup;
	}
	ret = 0;
cleanup:
	review_free(&rv);
	sqlite3_finalize(pu);
	return ret;
}

/*
 * What blocks approval, for the top of every rendering: the approval
 * rule's verdict (book_review) in words, and each failed error-severity
 * check with its count and one violating key.  The key sorts first in
 * "comparable", so it is also the first thing report.json says.
 */
static void build_blockers(struct builder *b)
{
	cJSON *bl = cJSON_AddObjectToObject(b->comparable, "blockers");
	cJSON *arr = cJSON_AddArrayToObject(bl, "checks"), *c;
	const char *reason = NULL;
	long long warnings = 0;

	switch (b->review_state) {
	case REVIEW_NO_CHANGESET:
		reason = b->run ? "the latest run left no change set" : "the plan has not run";
		break;
	case REVIEW_RUN_UNFINISHED:
		reason = b->run_status && !strcmp(b->run_status, "failed") ?
			 "the latest run failed" : "the latest run did not finish";
		break;
	case REVIEW_NOT_CHECKED: reason = "the change set has not been checked"; break;
	case REVIEW_CHECKS_STALE: reason = "the latest checks judged an earlier change set"; break;
	case REVIEW_FIXES_PENDING: reason = "an interrupted 'drydock check --fix' left fixes pending"; break;
	case REVIEW_CHECKS_FAILED: reason = "error-severity checks failed"; break;
	default: break;
	}
	cJSON_ArrayForEach(c, jget(b->comparable, "checks")) {
		cJSON *x, *s;
		if (strcmp(jstr_or(c, "status", ""), "fail"))
			continue;
		if (!strcmp(jstr_or(c, "severity", ""), "warn")) {
			warnings++;
			continue;
		}
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", jstr_or(c, "name", ""));
		cJSON_AddStringToObject(x, "kind", jstr_or(c, "kind", ""));
		add_count(x, "count", (long long)jnum_or(c, "count", 0));
		s = cJSON_AddArrayToObject(x, "sample");
		if (cJSON_GetArrayItem(jget(c, "sample"), 0))
			cJSON_AddItemToArray(s, cJSON_Duplicate(cJSON_GetArrayItem(jget(c, "sample"), 0), 1));
		if (jstr_or(c, "message", NULL))
			cJSON_AddStringToObject(x, "message", jstr_or(c, "message", ""));
		cJSON_AddItemToArray(arr, x);
	}
	cJSON_AddBoolToObject(bl, "approvable", b->review_state == REVIEW_CLEAN);
	cJSON_AddItemToObject(bl, "reason", str_or_null(reason));
	add_count(bl, "warnings", warnings);
}

/*
 * One word for where the dry run stands, without approval and pushes
 * (those are context): not run, run failed, not checked, checks failed,
 * ready.
 */
static void build_status(struct builder *b)
{
	const char *s;
	const char *v = jstr_or(jget(b->comparable, "validation"), "overallStatus", "");
	if (!b->run_status || !strcmp(b->run_status, "not run"))
		s = "not run";
	else if (strcmp(b->run_status, "done"))
		s = !strcmp(b->run_status, "failed") ? "run failed" : "run incomplete";
	else if (!strcmp(v, "failed"))
		s = "checks failed";
	else if (!strcmp(v, "not checked"))
		s = "not checked";
	else
		s = "ready";
	cJSON_AddStringToObject(b->comparable, "status", s);
}

cJSON *report_build(sqlite3 *db, const struct report_opts *opts)
{
	struct builder b = { 0 };
	cJSON *gen;
	char *now = utc_timestamp();

	b.db = db;
	b.opts = opts;
	b.root = cJSON_CreateObject();
	cJSON_AddNumberToObject(b.root, "drydock_report", REPORT_FORMAT_VERSION);
	gen = cJSON_AddObjectToObject(b.root, "generated");
	cJSON_AddStringToObject(gen, "at", now);
	cJSON_AddStringToObject(gen, "by", "drydock " DD_VERSION);
	add_count(gen, "samples", opts->samples);
	b.comparable = cJSON_AddObjectToObject(b.root, "comparable");
	b.context = cJSON_AddObjectToObject(b.root, "context");
	b.timings = cJSON_AddObjectToObject(b.root, "timings");

	if (build_meta(&b) || build_sources(&b) || build_run(&b) ||
	    build_changeset(&b) || build_tables(&b) || build_schema_changes(&b) ||
	    build_checks(&b) || build_approval_and_pushes(&b)) {
		cJSON_Delete(b.root);
		b.root = NULL;
		goto cleanup;
	}
	build_status(&b);
	build_blockers(&b);
	json_sort_keys(b.root);
cleanup:
	cJSON_Delete(b.plan);
	free(b.target);
	free(b.run_status);
	free(b.hash);
	free(now);
	return b.root;
}

/* ================================================================== JSON */

/*
 * Canonical text: keys already sorted (json_sort_keys), two-space
 * indentation, arrays of scalars on one line, numbers as integers when
 * whole, strings with UTF-8 passed through.  One value per line keeps
 * `git diff` of golden reports readable.
 */
static void add_number(struct strbuf *sb, double d)
{
	char buf[64];
	if (isnan(d) || isinf(d)) {
		sb_adds(sb, "null");
		return;
	}
	if (d == floor(d) && fabs(d) < 9007199254740992.0) {
		sb_addf(sb, "%.0f", d);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	sb_adds(sb, buf);
}

static int is_scalar(const cJSON *v)
{
	return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

static void print_value(struct strbuf *sb, const cJSON *v, int depth, int compact)
{
	const cJSON *c;
	int all_scalar = 1;

	if (cJSON_IsNull(v) || cJSON_IsInvalid(v)) {
		sb_adds(sb, "null");
	} else if (cJSON_IsTrue(v)) {
		sb_adds(sb, "true");
	} else if (cJSON_IsFalse(v)) {
		sb_adds(sb, "false");
	} else if (cJSON_IsNumber(v)) {
		add_number(sb, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		sb_add_json_string(sb, v->valuestring, strlen(v->valuestring));
	} else if (!v->child) {
		sb_adds(sb, cJSON_IsArray(v) ? "[]" : "{}");
	} else if (cJSON_IsArray(v)) {
		for (c = v->child; c; c = c->next)
			all_scalar &= is_scalar(c);
		sb_addch(sb, '[');
		for (c = v->child; c; c = c->next) {
			if (all_scalar || compact) {
				if (c != v->child)
					sb_adds(sb, compact ? "," : ", ");
			} else {
				sb_addf(sb, "%s\n%*s", c != v->child ? "," : "", 2 * (depth + 1), "");
			}
			print_value(sb, c, depth + 1, compact);
		}
		if (!all_scalar && !compact)
			sb_addf(sb, "\n%*s", 2 * depth, "");
		sb_addch(sb, ']');
	} else {
		sb_addch(sb, '{');
		for (c = v->child; c; c = c->next) {
			if (compact)
				sb_adds(sb, c != v->child ? "," : "");
			else
				sb_addf(sb, "%s\n%*s", c != v->child ? "," : "", 2 * (depth + 1), "");
			sb_add_json_string(sb, c->string, strlen(c->string));
			sb_adds(sb, compact ? ":" : ": ");
			print_value(sb, c, depth + 1, compact);
		}
		if (compact)
			sb_addch(sb, '}');
		else
			sb_addf(sb, "\n%*s}", 2 * depth, "");
	}
}

char *report_render_json(const cJSON *report)
{
	struct strbuf sb = STRBUF_INIT;
	print_value(&sb, report, 0, 0);
	sb_addch(&sb, '\n');
	return sb_detach(&sb, NULL);
}

void sb_add_json_compact(struct strbuf *sb, const cJSON *v)
{
	print_value(sb, v, 0, 1);
}

void sb_add_json_number(struct strbuf *sb, double d)
{
	add_number(sb, d);
}

/* ================================================================== text */

char *report_render_blockers_text(const cJSON *r)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *bl = jget(jget(r, "comparable"), "blockers"), *c;
	double warnings = jnum_or(bl, "warnings", 0);
	int n = 0;

	if (cJSON_IsTrue(jget(bl, "approvable")))
		return sb_detach(&sb, NULL);
	sb_addf(&sb, "blocks approval: %s\n", jstr_or(bl, "reason", "not approvable"));
	cJSON_ArrayForEach(c, jget(bl, "checks")) {
		const cJSON *k = cJSON_GetArrayItem(jget(c, "sample"), 0);
		if (n++ == 20) {
			sb_addf(&sb, "  and %d more failed checks (see the report)\n",
				cJSON_GetArraySize(jget(bl, "checks")) - 20);
			break;
		}
		sb_addf(&sb, "  failed %s '%s': ", jstr_or(c, "kind", ""), jstr_or(c, "name", ""));
		sb_add_count(&sb, jnum_or(c, "count", 0));
		sb_adds(&sb, jnum_or(c, "count", 0) == 1 ? " violation" : " violations");
		if (k) {
			sb_adds(&sb, ", e.g. ");
			sb_add_json_compact(&sb, k);
		}
		sb_addch(&sb, '\n');
	}
	if (warnings > 0)
		sb_addf(&sb, "  (and %.0f warning%s, which do not block)\n", warnings,
			warnings == 1 ? "" : "s");
	return sb_detach(&sb, NULL);
}

/* ========================================================== reading back */

int report_load(const char *path, cJSON **out)
{
	struct stat sb;
	char *file = NULL, *text = NULL;
	size_t len = 0;
	cJSON *root = NULL, *ver;
	static const char *const sections[] = { "comparable", "context", "timings" };
	int ret = -1;

	*out = NULL;
	if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
		file = path_join(path, "report.json");
	else
		file = xstrdup(path);
	text = read_file(file, &len);
	if (!text) {
		error("cannot read report '%s': %s", file, strerror(errno));
		goto cleanup;
	}
	if (!len) {
		error("'%s' is empty, not a drydock report", file);
		hint("Reports are written by 'drydock report STAGE.db'; pass their report.json.");
		goto cleanup;
	}
	root = json_parse_located(text, len, file);
	if (!root) {
		detail("'%s' is not a drydock report (report.json holds JSON).", file);
		goto cleanup;
	}
	ver = jget(root, "drydock_report");
	if (!cJSON_IsObject(root) || !ver) {
		error("'%s' is not a drydock report", file);
		detail("It has no \"drydock_report\" format version at the top level.");
		hint("Reports are written by 'drydock report STAGE.db'; pass their report.json.");
		goto cleanup;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble != floor(ver->valuedouble) ||
	    ver->valuedouble < 1) {
		error("'%s' has an unknown report format version", file);
		detail("\"drydock_report\" must be a whole number; this drydock reads version %d.",
		       REPORT_FORMAT_VERSION);
		goto cleanup;
	}
	if (ver->valuedouble != REPORT_FORMAT_VERSION) {
		error("'%s' is a report of format version %g, which this drydock cannot compare",
		      file, ver->valuedouble);
		detail("This drydock %s reads report format version %d%s.", DD_VERSION,
		       REPORT_FORMAT_VERSION,
		       ver->valuedouble > REPORT_FORMAT_VERSION ? "; the report is from a newer drydock" : "");
		hint("Write both reports with the same drydock: 'drydock report STAGE.db'.");
		goto cleanup;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		if (!cJSON_IsObject(jget(root, sections[i]))) {
			error("'%s' is not a complete drydock report", file);
			detail("Its \"%s\" section is missing or not an object.", sections[i]);
			hint("Write the report again with 'drydock report STAGE.db'.");
			goto cleanup;
		}
	}
	*out = root;
	root = NULL;
	ret = 0;
cleanup:
	cJSON_Delete(root);
	free(text);
	free(file);
	return ret;
}
