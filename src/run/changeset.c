#define _GNU_SOURCE
/* sqlite3_preupdate_hook() and friends (the library is built with them) */
#ifndef SQLITE_ENABLE_PREUPDATE_HOOK
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#endif
#include "changeset.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * One column's value as PostgreSQL text, or NULL.  Text that needs no
 * conversion points into SQLite's own memory (valid until the next step);
 * anything else is rendered into buf.
 */
struct val {
	struct strbuf buf;
	const char *p;
	size_t len;
	int null;
};

static void take(struct val *v, const struct column_meta *c, sqlite3_value *sv)
{
	if (sqlite3_value_type(sv) == SQLITE_TEXT && c->type.kind != PGK_BOOL &&
	    c->type.kind != PGK_JSONB) {
		v->null = 0;
		v->p = (const char *)sqlite3_value_text(sv);
		v->len = (size_t)sqlite3_value_bytes(sv);
		return;
	}
	v->null = pgtype_to_text(&c->type, sv, &v->buf) == 1;
	v->p = v->buf.buf;
	v->len = v->buf.len;
}

static void add_val_json(struct strbuf *sb, const struct val *v)
{
	if (v->null)
		sb_adds(sb, "null");
	else
		sb_add_json_string(sb, v->p, v->len);
}

/* A JSON array of n values, or of the values at idx[0..n) when idx is set. */
static void add_row_json(struct strbuf *sb, const struct val *vals, const int *idx, int n)
{
	sb_addch(sb, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_addch(sb, ',');
		add_val_json(sb, &vals[idx ? idx[i] : i]);
	}
	sb_addch(sb, ']');
}

/* Identical stored values (type and content), without converting either. */
static int same_value(sqlite3_value *a, sqlite3_value *b)
{
	int t = sqlite3_value_type(a);
	if (t != sqlite3_value_type(b))
		return 0;
	switch (t) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT: {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		return !memcmp(&x, &y, sizeof(x));
	}
	case SQLITE_TEXT: {
		const unsigned char *x = sqlite3_value_text(a), *y = sqlite3_value_text(b);
		int n = sqlite3_value_bytes(a);
		return n == sqlite3_value_bytes(b) && (!n || !memcmp(x, y, (size_t)n));
	}
	default: {
		const void *x = sqlite3_value_blob(a), *y = sqlite3_value_blob(b);
		int n = sqlite3_value_bytes(a);
		return n == sqlite3_value_bytes(b) && (!n || !memcmp(x, y, (size_t)n));
	}
	}
}

static int val_equal(const struct val *a, const struct val *b)
{
	if (a->null || b->null)
		return a->null == b->null;
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

static void add_cols(struct strbuf *sb, const char *alias,
		     const struct table_meta *t)
{
	for (int i = 0; i < t->ncols; i++) {
		if (sb->len && sb->buf[sb->len - 1] != ' ')
			sb_adds(sb, ", ");
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, t->cols[i].name);
	}
}

static void add_key_join(struct strbuf *sb, const struct table_meta *t)
{
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, " AND ");
		sb_adds(sb, "p.");
		sb_add_qident(sb, t->cols[t->pk[k]].name);
		sb_adds(sb, " = w.");
		sb_add_qident(sb, t->cols[t->pk[k]].name);
	}
}

/* " ON a.k1 = k.k0 AND ...": the rows of the touched keys (temp.dd_cs_keys) */
static void add_keys_join(struct strbuf *sb, const char *alias,
			  const struct table_meta *t)
{
	for (int k = 0; k < t->npk; k++) {
		sb_adds(sb, k ? " AND " : " ON ");
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, t->cols[t->pk[k]].name);
		sb_addf(sb, " = k.k%d", k);
	}
}

/*
 * Key order.  With the touched keys driving the scan (keyed), their table
 * is read in its own order, which is the same: each k equals the row's
 * key (the stored value itself) and no two keys of it are equal.
 */
static void add_order(struct strbuf *sb, const char *alias,
		      const struct table_meta *t, int keyed)
{
	sb_adds(sb, " ORDER BY ");
	for (int k = 0; k < t->npk; k++) {
		if (k)
			sb_adds(sb, ", ");
		if (keyed) {
			sb_addf(sb, "k.k%d", k);
			continue;
		}
		sb_addf(sb, "%s.", alias);
		sb_add_qident(sb, t->cols[t->pk[k]].name);
	}
}

static char *names_json(const struct table_meta *t)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addch(&sb, '[');
	for (int i = 0; t && i < t->ncols; i++) {
		if (i)
			sb_addch(&sb, ',');
		sb_add_json_string(&sb, t->cols[i].name, strlen(t->cols[i].name));
	}
	sb_addch(&sb, ']');
	return sb_detach(&sb, NULL);
}

/* ------------------------------------------------------------- tracking */

/*
 * What the steps wrote, per working table of the target: the key of every
 * row an INSERT, UPDATE or DELETE touched (old and new key), recorded by
 * SQLite's preupdate hook, which sees every row write on the connection:
 * triggers, foreign-key actions, REPLACE, and DELETE without WHERE (the
 * hook turns SQLite's truncate shortcut off).  What the hook cannot see
 * (DDL on the table, ATTACH, writable_schema) comes through the engine's
 * authorizer and makes the table, or everything, compare in full.  Keys
 * are encoded into one buffer per table: 'i' + 8 bytes, 'f' + 8 bytes,
 * 't' or 'b' + 4-byte length + bytes.
 */
struct tracked_table {
	char *name;         /* stage name */
	int npk;
	int *pkcol;         /* SQLite column of each key column, in key order */
	int rowid_key;      /* the key is the rowid (INTEGER PRIMARY KEY): an
			       UPDATE that keeps the rowid keeps the key */
	int full;           /* compare every row */
	int written;        /* any row write seen */
	long long nkeys;    /* keys recorded (with repeats) */
	long long max_keys; /* beyond this, a full comparison is cheaper */
	struct strbuf keys; /* encoded keys */
};

struct changeset_track {
	sqlite3 *db;
	struct tracked_table *t;
	int nt;
	int all_full;       /* something made every table compare in full */
	int last;           /* index of the table of the last write, or -1 */
};

static struct tracked_table *track_find(struct changeset_track *tr, const char *name, int nocase)
{
	if (tr->last >= 0 && !strcmp(tr->t[tr->last].name, name))
		return &tr->t[tr->last];
	for (int i = 0; i < tr->nt; i++)
		if (nocase ? !sqlite3_stricmp(tr->t[i].name, name) : !strcmp(tr->t[i].name, name)) {
			if (!nocase)
				tr->last = i;
			return &tr->t[i];
		}
	return NULL;
}

static void track_full(struct tracked_table *t)
{
	t->full = 1;
	sb_release(&t->keys);
	sb_init(&t->keys, 0);
}

/* Records the key of the old (new = 0) or new row; 0, or -1 if it cannot. */
static int add_key(struct tracked_table *t, sqlite3 *db, int new)
{
	for (int k = 0; k < t->npk; k++) {
		sqlite3_value *v = NULL;
		int r = new ? sqlite3_preupdate_new(db, t->pkcol[k], &v)
			    : sqlite3_preupdate_old(db, t->pkcol[k], &v);
		if (r != SQLITE_OK || !v)
			return -1;
		switch (sqlite3_value_type(v)) {
		case SQLITE_INTEGER: {
			sqlite3_int64 i = sqlite3_value_int64(v);
			sb_addch(&t->keys, 'i');
			sb_add(&t->keys, &i, 8);
			break;
		}
		case SQLITE_FLOAT: {
			double f = sqlite3_value_double(v);
			sb_addch(&t->keys, 'f');
			sb_add(&t->keys, &f, 8);
			break;
		}
		case SQLITE_TEXT:
		case SQLITE_BLOB: {
			int text = sqlite3_value_type(v) == SQLITE_TEXT;
			const void *p = text ? (const void *)sqlite3_value_text(v)
					     : sqlite3_value_blob(v);
			unsigned n = (unsigned)sqlite3_value_bytes(v);
			sb_addch(&t->keys, text ? 't' : 'b');
			sb_add(&t->keys, &n, 4);
			if (n)
				sb_add(&t->keys, p, n);
			break;
		}
		default:	/* a NULL in a key: keys joined by = miss it */
			return -1;
		}
	}
	t->nkeys++;
	return 0;
}

static void preupdate(void *ctx, sqlite3 *db, int op, const char *zdb,
		      const char *zname, sqlite3_int64 key1, sqlite3_int64 key2)
{
	struct changeset_track *tr = ctx;
	struct tracked_table *t;
	int r = 0;

	if (tr->all_full || !strcmp(zdb, "temp"))
		return;
	t = track_find(tr, zname, 0);
	if (!t)
		return;
	if (strcmp(zdb, "main")) {
		/* the file attached again under another name */
		tr->all_full = 1;
		return;
	}
	t->written = 1;
	if (t->full || !t->npk)
		return;
	/* an INTEGER PRIMARY KEY reads as the rowid (old and new) */
	if (op != SQLITE_INSERT)
		r = add_key(t, db, 0);
	if (!r && op != SQLITE_DELETE && (op == SQLITE_INSERT || key1 != key2 || !t->rowid_key))
		r = add_key(t, db, 1);
	if (r || t->nkeys > t->max_keys)
		track_full(t);
}

struct changeset_track *changeset_track_start(sqlite3 *db, const struct catalog *cat)
{
	struct changeset_track *tr = xcalloc(1, sizeof(*tr));
	const struct source_meta *target = NULL;
	sqlite3_stmt *st = NULL;
	struct strbuf sql = STRBUF_INIT;

	tr->db = db;
	tr->last = -1;
	for (int i = 0; i < cat->nsources; i++)
		if (cat->sources[i].is_target)
			target = &cat->sources[i];
	tr->t = xcalloc((size_t)cat->ntables + 1, sizeof(*tr->t));
	for (int i = 0; target && i < cat->ntables; i++) {
		const struct table_meta *m = &cat->tables[i];
		struct tracked_table *t;
		int npk_sqlite = 0, ok = 1;
		if (strcmp(m->source, target->name) || m->dropped || !m->pristine_name)
			continue;
		t = &tr->t[tr->nt++];
		t->name = xstrdup(m->stage_name);
		t->npk = m->npk;
		t->pkcol = xcalloc((size_t)m->npk + 1, sizeof(int));
		/* past half the rows, comparing them all costs no more */
		t->max_keys = m->row_count / 2 + 1000;
		sb_init(&t->keys, 0);
		for (int k = 0; k < m->npk; k++)
			t->pkcol[k] = -1;
		/* the table's key as SQLite holds it must be the catalog's:
		 * unique, so that an untouched key's row is the pristine one */
		sb_reset(&sql);
		sb_adds(&sql, "SELECT cid, name, pk, lower(type) FROM pragma_table_xinfo(");
		sb_add_literal(&sql, m->stage_name);
		sb_adds(&sql, ")");
		if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL)) {
			ok = 0;
		} else {
			while (sqlite3_step(st) == SQLITE_ROW) {
				int pk = sqlite3_column_int(st, 2);
				const char *name = (const char *)sqlite3_column_text(st, 1);
				if (!pk)
					continue;
				npk_sqlite++;
				if (pk > m->npk || !name || strcmp(name, m->cols[m->pk[pk - 1]].name))
					ok = 0;
				else
					t->pkcol[pk - 1] = sqlite3_column_int(st, 0);
				if (m->npk == 1 && pk == 1 && sqlite3_column_text(st, 3) &&
				    !strcmp((const char *)sqlite3_column_text(st, 3), "integer"))
					t->rowid_key = 1;
			}
		}
		sqlite3_finalize(st);
		st = NULL;
		if (!ok || npk_sqlite != m->npk)
			t->full = 1;
	}
	sb_release(&sql);
	sqlite3_preupdate_hook(db, preupdate, tr);
	return tr;
}

void changeset_track_authorize(struct changeset_track *tr, int action, const char *a1,
			       const char *a2, const char *zdb)
{
	struct tracked_table *t = NULL;
	if (!tr)
		return;
	tr->last = -1;
	switch (action) {
	case SQLITE_ATTACH:
		tr->all_full = 1;
		return;
	case SQLITE_PRAGMA:
		if (a1 && !sqlite3_stricmp(a1, "writable_schema"))
			tr->all_full = 1;
		return;
	case SQLITE_CREATE_TABLE:
	case SQLITE_DROP_TABLE:
		t = a1 ? track_find(tr, a1, 1) : NULL;
		break;
	case SQLITE_ALTER_TABLE:
		t = a2 ? track_find(tr, a2, 1) : NULL;
		break;
	default:
		return;
	}
	/* temp tables of the same name are other tables */
	if (t && !(zdb && !strcmp(zdb, "temp")))
		track_full(t), t->written = 1;
}

void changeset_track_stop(struct changeset_track *tr)
{
	if (tr && tr->db)
		sqlite3_preupdate_hook(tr->db, NULL, NULL);
	if (tr)
		tr->db = NULL;
}

void changeset_track_free(struct changeset_track *tr)
{
	if (!tr)
		return;
	changeset_track_stop(tr);
	for (int i = 0; i < tr->nt; i++) {
		free(tr->t[i].name);
		free(tr->t[i].pkcol);
		sb_release(&tr->t[i].keys);
	}
	free(tr->t);
	free(tr);
}

/*
 * Loads t's recorded keys into temp.dd_cs_keys (k0, k1, ...), each once.
 */
static int load_keys(sqlite3 *db, const struct tracked_table *t)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	const unsigned char *p = (const unsigned char *)t->keys.buf,
			    *end = p + t->keys.len;
	int ret = -1;

	sb_adds(&sql, "DROP TABLE IF EXISTS temp.dd_cs_keys; CREATE TEMP TABLE dd_cs_keys (");
	for (int k = 0; k < t->npk; k++)
		sb_addf(&sql, "%sk%d", k ? ", " : "", k);
	sb_adds(&sql, ", PRIMARY KEY (");
	for (int k = 0; k < t->npk; k++)
		sb_addf(&sql, "%sk%d", k ? ", " : "", k);
	sb_adds(&sql, ")) WITHOUT ROWID");
	if (stage_exec(db, sql.buf))
		goto cleanup;
	sb_reset(&sql);
	sb_adds(&sql, "INSERT OR IGNORE INTO temp.dd_cs_keys VALUES (");
	for (int k = 0; k < t->npk; k++)
		sb_adds(&sql, k ? ",?" : "?");
	sb_adds(&sql, ")");
	if (sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL)) {
		stage_error(db, "cannot load the touched keys");
		goto cleanup;
	}
	while (p < end) {
		for (int k = 0; k < t->npk; k++) {
			unsigned n;
			int c = *p++;
			if (c == 'i') {
				sqlite3_int64 v;
				memcpy(&v, p, 8);
				sqlite3_bind_int64(st, k + 1, v);
				p += 8;
			} else if (c == 'f') {
				double f;
				memcpy(&f, p, 8);
				sqlite3_bind_double(st, k + 1, f);
				p += 8;
			} else {
				memcpy(&n, p, 4);
				p += 4;
				if (c == 't')
					sqlite3_bind_text(st, k + 1, (const char *)p, (int)n, SQLITE_STATIC);
				else
					sqlite3_bind_blob(st, k + 1, p, (int)n, SQLITE_STATIC);
				p += n;
			}
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			stage_error(db, "cannot load the touched keys");
			goto cleanup;
		}
		sqlite3_reset(st);
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

/* ------------------------------------------------------------ change set */

struct table_diff {
	sqlite3 *db;
	sqlite3_stmt *ins;           /* INSERT INTO dd_change */
	struct sha256 *hash;
	const struct table_meta *w;  /* working */
	const struct table_meta *p;  /* pristine, or NULL for created tables */
	int *pcol;                   /* working col -> pristine col, or -1 */
	long long seq, inserts, updates, deletes;
	long long *col_changes;      /* per working column */
	int keyed;                   /* only the rows of temp.dd_cs_keys */
	int *same_type;              /* per working column: the pristine
					column has the same type (render alike) */
	struct strbuf key, oldr, newr, changed, line;
};

static int store(struct table_diff *d, const char *op)
{
	sqlite3_stmt *st = d->ins;
	d->seq++;
	sqlite3_bind_text(st, 1, d->w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, d->seq);
	sqlite3_bind_text(st, 3, op, 1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->key.buf, (int)d->key.len, SQLITE_STATIC);
	if (d->oldr.len)
		sqlite3_bind_text(st, 5, d->oldr.buf, (int)d->oldr.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (d->newr.len)
		sqlite3_bind_text(st, 6, d->newr.buf, (int)d->newr.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	if (d->changed.len)
		sqlite3_bind_text(st, 7, d->changed.buf, (int)d->changed.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return stage_error(d->db, "cannot store the change set");
	/* the hash reads exactly what is stored */
	sb_reset(&d->line);
	sb_adds(&d->line, op);
	sb_addch(&d->line, '\t');
	sb_add(&d->line, d->key.buf, d->key.len);
	sb_addch(&d->line, '\t');
	sb_add(&d->line, d->oldr.len ? d->oldr.buf : "-", d->oldr.len ? d->oldr.len : 1);
	sb_addch(&d->line, '\t');
	sb_add(&d->line, d->newr.len ? d->newr.buf : "-", d->newr.len ? d->newr.len : 1);
	sb_addch(&d->line, '\t');
	sb_add(&d->line, d->changed.len ? d->changed.buf : "-", d->changed.len ? d->changed.len : 1);
	sb_addch(&d->line, '\n');
	sha256_update(d->hash, d->line.buf, d->line.len);
	return 0;
}

static int diff_deletes(struct table_diff *d, struct val *vals)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	const struct table_meta *p = d->p;
	int rc, ret = -1;

	sb_adds(&sql, "SELECT ");
	add_cols(&sql, "p", p);
	sb_adds(&sql, " FROM ");
	if (d->keyed)
		sb_adds(&sql, "temp.dd_cs_keys k CROSS JOIN ");
	sb_add_qident(&sql, p->pristine_name);
	sb_adds(&sql, " p");
	if (d->keyed)
		add_keys_join(&sql, "p", p);
	sb_adds(&sql, " WHERE NOT EXISTS (SELECT 1 FROM ");
	sb_add_qident(&sql, d->w->stage_name);
	sb_adds(&sql, " w WHERE ");
	add_key_join(&sql, p);
	sb_adds(&sql, ")");
	add_order(&sql, "p", p, d->keyed);
	if (sqlite3_prepare_v2(d->db, sql.buf, -1, &st, NULL)) {
		stage_error(d->db, "cannot compute deletes");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&d->key);
		sb_reset(&d->oldr);
		sb_reset(&d->newr);
		sb_reset(&d->changed);
		for (int i = 0; i < p->ncols; i++)
			take(&vals[i], &p->cols[i], sqlite3_column_value(st, i));
		add_row_json(&d->oldr, vals, NULL, p->ncols);
		add_row_json(&d->key, vals, p->pk, p->npk);
		if (store(d, "D"))
			goto cleanup;
		d->deletes++;
	}
	if (rc != SQLITE_DONE) {
		stage_error(d->db, "cannot compute deletes");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

static int diff_upserts(struct table_diff *d, struct val *wv, struct val *pv,
			struct val *base)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	const struct table_meta *w = d->w, *p = d->p;
	int rc, ret = -1, nw = w->ncols;

	sb_adds(&sql, "SELECT ");
	add_cols(&sql, "w", w);
	if (p) {
		sb_adds(&sql, ", ");
		add_cols(&sql, "p", p);
		sb_adds(&sql, ", p.");
		sb_add_qident(&sql, p->cols[p->pk[0]].name);
		sb_adds(&sql, " IS NULL");
	}
	sb_adds(&sql, " FROM ");
	if (d->keyed)
		sb_adds(&sql, "temp.dd_cs_keys k CROSS JOIN ");
	sb_add_qident(&sql, w->stage_name);
	sb_adds(&sql, " w");
	if (d->keyed)
		add_keys_join(&sql, "w", w);
	if (p) {
		sb_adds(&sql, " LEFT JOIN ");
		sb_add_qident(&sql, p->pristine_name);
		sb_adds(&sql, " p ON ");
		add_key_join(&sql, p);
		sb_adds(&sql, " WHERE p.");
		sb_add_qident(&sql, p->cols[p->pk[0]].name);
		sb_adds(&sql, " IS NULL");
		for (int i = 0; i < nw; i++) {
			sb_adds(&sql, " OR w.");
			sb_add_qident(&sql, w->cols[i].name);
			sb_adds(&sql, " IS NOT ");
			if (d->pcol[i] >= 0) {
				sb_adds(&sql, "p.");
				sb_add_qident(&sql, p->cols[d->pcol[i]].name);
			} else if (w->cols[i].base_value) {
				sb_add_literal(&sql, w->cols[i].base_value);
			} else {
				sb_adds(&sql, "NULL");
			}
		}
	}
	add_order(&sql, "w", w, d->keyed);
	if (sqlite3_prepare_v2(d->db, sql.buf, -1, &st, NULL)) {
		stage_error(d->db, "cannot compute inserts and updates");
		goto cleanup;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int is_new = !p || sqlite3_column_int(st, nw + p->ncols);
		int nchanged = 0;
		if (!is_new)
			for (int i = 0; i < p->ncols; i++)
				take(&pv[i], &p->cols[i], sqlite3_column_value(st, nw + i));
		for (int i = 0; i < nw; i++) {
			sqlite3_value *v = sqlite3_column_value(st, i);
			int j = d->pcol[i];
			/* the same stored value of the same type: the same text */
			if (!is_new && j >= 0 && d->same_type[i] &&
			    same_value(v, sqlite3_column_value(st, nw + j))) {
				wv[i].null = pv[j].null;
				wv[i].p = pv[j].p;
				wv[i].len = pv[j].len;
				continue;
			}
			take(&wv[i], &w->cols[i], v);
		}
		sb_reset(&d->key);
		sb_reset(&d->oldr);
		sb_reset(&d->newr);
		sb_reset(&d->changed);
		if (!is_new) {
			sb_addch(&d->changed, '[');
			for (int i = 0; i < nw; i++) {
				const struct val *before =
					d->pcol[i] >= 0 ? &pv[d->pcol[i]] : &base[i];
				if (val_equal(&wv[i], before))
					continue;
				if (nchanged++)
					sb_addch(&d->changed, ',');
				sb_add_json_string(&d->changed, w->cols[i].name,
						   strlen(w->cols[i].name));
				d->col_changes[i]++;
			}
			sb_addch(&d->changed, ']');
			if (!nchanged) {
				/* equal in PostgreSQL text form: not a change */
				continue;
			}
			add_row_json(&d->oldr, pv, NULL, p->ncols);
		} else {
			sb_reset(&d->changed);
		}
		add_row_json(&d->newr, wv, NULL, nw);
		add_row_json(&d->key, wv, w->pk, w->npk);
		if (store(d, is_new ? "I" : "U"))
			goto cleanup;
		if (is_new)
			d->inserts++;
		else
			d->updates++;
	}
	if (rc != SQLITE_DONE) {
		stage_error(d->db, "cannot compute inserts and updates");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(st);
	sb_release(&sql);
	return ret;
}

/*
 * A table without a key of any kind (full-row identity, like PostgreSQL's
 * REPLICA IDENTITY FULL): its rows are compared as multisets of whole
 * rows in PostgreSQL text form.  A row is the JSON array of its values;
 * a pristine row counts as the working-shape row it would be (columns a
 * schema change added take their base value).  Of each distinct row, the
 * copies the working table has fewer of are deletes (the pristine row as
 * its key), and the copies it has more of are inserts (the working row as
 * its key).  A changed row is therefore a delete of the old row and an
 * insert of the new one; duplicates go by count.  Deletes come first,
 * then inserts, each in the order of their row text.
 */
static int diff_full_rows(struct table_diff *d, struct val *wv, struct val *pv,
			  const struct val *base)
{
	struct strbuf sql = STRBUF_INIT, img = STRBUF_INIT;
	sqlite3_stmt *st = NULL, *put = NULL;
	const struct table_meta *w = d->w, *p = d->p;
	int rc, ret = -1;

	if (stage_exec(d->db, "DROP TABLE IF EXISTS temp.dd_cs_rows;"
			      "CREATE TEMP TABLE dd_cs_rows (img TEXT NOT NULL, old TEXT, side INTEGER NOT NULL)") ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO temp.dd_cs_rows VALUES (?, ?, ?)", -1, &put, NULL))
		goto fail;
	for (int side = 0; side < 2; side++) {
		const struct table_meta *t = side ? w : p;
		sb_reset(&sql);
		sb_adds(&sql, "SELECT ");
		add_cols(&sql, "x", t);
		sb_adds(&sql, " FROM ");
		sb_add_qident(&sql, side ? w->stage_name : p->pristine_name);
		sb_adds(&sql, " x");
		if (sqlite3_prepare_v2(d->db, sql.buf, -1, &st, NULL))
			goto fail;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			sb_reset(&img);
			sb_reset(&d->oldr);
			if (side) {
				for (int i = 0; i < w->ncols; i++)
					take(&wv[i], &w->cols[i], sqlite3_column_value(st, i));
				add_row_json(&img, wv, NULL, w->ncols);
			} else {
				for (int i = 0; i < p->ncols; i++)
					take(&pv[i], &p->cols[i], sqlite3_column_value(st, i));
				add_row_json(&d->oldr, pv, NULL, p->ncols);
				sb_addch(&img, '[');
				for (int i = 0; i < w->ncols; i++) {
					if (i)
						sb_addch(&img, ',');
					add_val_json(&img, d->pcol[i] >= 0 ? &pv[d->pcol[i]] : &base[i]);
				}
				sb_addch(&img, ']');
			}
			sqlite3_bind_text(put, 1, img.buf, (int)img.len, SQLITE_STATIC);
			if (side)
				sqlite3_bind_null(put, 2);
			else
				sqlite3_bind_text(put, 2, d->oldr.buf, (int)d->oldr.len, SQLITE_STATIC);
			sqlite3_bind_int(put, 3, side);
			if (sqlite3_step(put) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(put);
		}
		if (rc != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(st);
		st = NULL;
	}
	/* of each row, the copies beyond what the other side has */
	if (sqlite3_prepare_v2(d->db,
		"SELECT side, img, old FROM (SELECT side, img, old,"
		"  row_number() OVER (PARTITION BY img, side ORDER BY old) AS n,"
		"  sum(side = 0) OVER (PARTITION BY img) AS np, sum(side = 1) OVER (PARTITION BY img) AS nw"
		"  FROM temp.dd_cs_rows)"
		" WHERE n > CASE side WHEN 0 THEN nw ELSE np END"
		" ORDER BY side, CASE side WHEN 0 THEN old ELSE img END", -1, &st, NULL))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ins = sqlite3_column_int(st, 0);
		const char *row = (const char *)sqlite3_column_text(st, ins ? 1 : 2);
		sb_reset(&d->key);
		sb_reset(&d->oldr);
		sb_reset(&d->newr);
		sb_reset(&d->changed);
		sb_adds(&d->key, row);
		sb_adds(ins ? &d->newr : &d->oldr, row);
		if (store(d, ins ? "I" : "D"))
			goto cleanup;
		if (ins)
			d->inserts++;
		else
			d->deletes++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (stage_exec(d->db, "DROP TABLE temp.dd_cs_rows"))
		goto cleanup;
	ret = 0;
	goto cleanup;
fail:
	stage_error(d->db, "cannot compare the rows of a table without a key");
cleanup:
	sqlite3_finalize(st);
	sqlite3_finalize(put);
	sb_release(&sql);
	sb_release(&img);
	return ret;
}

static long long count_rows(sqlite3 *db, const char *table)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	long long n = -1;
	sb_adds(&sql, "SELECT count(*) FROM ");
	sb_add_qident(&sql, table);
	if (!sqlite3_prepare_v2(db, sql.buf, -1, &st, NULL) &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sb_release(&sql);
	return n;
}

static int cmp_table_name(const void *a, const void *b)
{
	const struct table_meta *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int diff_table(sqlite3 *db, struct sha256 *hash, sqlite3_stmt *ins,
		      sqlite3_stmt *tab, sqlite3_stmt *colst,
		      const struct table_meta *w, const struct table_meta *p,
		      const struct tracked_table *tt, long long *tot)
{
	struct table_diff d = { 0 };
	int n = w->ncols + (p ? p->ncols : 0) + 1, ret = -1;
	struct val *vals = xcalloc((size_t)n * 3, sizeof(*vals));
	struct val *wv = vals, *pv = vals + n, *base = vals + 2 * n;
	struct strbuf cols = STRBUF_INIT, line = STRBUF_INIT;
	char *before = NULL, *after = NULL;

	d.db = db;
	d.ins = ins;
	d.hash = hash;
	d.w = w;
	d.p = p;
	d.pcol = xcalloc((size_t)w->ncols + 1, sizeof(int));
	d.col_changes = xcalloc((size_t)w->ncols + 1, sizeof(long long));
	sb_init(&d.key, 0);
	sb_init(&d.oldr, 0);
	sb_init(&d.newr, 0);
	sb_init(&d.changed, 0);
	sb_init(&d.line, 0);
	for (int i = 0; i < 3 * n; i++)
		sb_init(&vals[i].buf, 0);
	d.same_type = xcalloc((size_t)w->ncols + 1, sizeof(int));
	for (int i = 0; i < w->ncols; i++) {
		d.pcol[i] = p ? table_column_index(p, w->cols[i].name) : -1;
		d.same_type[i] = d.pcol[i] >= 0 && w->cols[i].pg_type && p->cols[d.pcol[i]].pg_type &&
				 !strcmp(w->cols[i].pg_type, p->cols[d.pcol[i]].pg_type) &&
				 w->cols[i].type.kind == p->cols[d.pcol[i]].type.kind;
		base[i].null = w->cols[i].base_value == NULL;
		if (w->cols[i].base_value)
			sb_adds(&base[i].buf, w->cols[i].base_value);
		base[i].p = base[i].buf.buf;
		base[i].len = base[i].buf.len;
	}
	sb_addf(&line, "T\t%zu:%s\n", strlen(w->name), w->name);
	sha256_update(hash, line.buf, line.len);

	if (!w->npk && p) {
		/* full-row identity; untouched by the steps: equal to its snapshot */
		if ((!tt || tt->written) && diff_full_rows(&d, wv, pv, base))
			goto cleanup;
	} else {
		d.keyed = p && tt;
		if ((d.keyed && load_keys(db, tt)) || (p && diff_deletes(&d, vals)) ||
		    diff_upserts(&d, wv, pv, base))
			goto cleanup;
	}
	if (d.keyed && stage_exec(db, "DROP TABLE temp.dd_cs_keys"))
		goto cleanup;

	sb_addch(&cols, '{');
	for (int i = 0, first = 1; i < w->ncols; i++) {
		if (!d.col_changes[i])
			continue;
		if (!first)
			sb_addch(&cols, ',');
		first = 0;
		sb_add_json_string(&cols, w->cols[i].name, strlen(w->cols[i].name));
		sb_addf(&cols, ":%lld", d.col_changes[i]);
	}
	sb_addch(&cols, '}');
	sqlite3_bind_text(tab, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(tab, 2, d.inserts);
	sqlite3_bind_int64(tab, 3, d.updates);
	sqlite3_bind_int64(tab, 4, d.deletes);
	sqlite3_bind_int64(tab, 5, p ? p->row_count : 0);
	/* compared by the tracked keys, the working copy began as the pristine
	 * one and differs only in them: no need to count it (a full read) */
	sqlite3_bind_int64(tab, 6, d.keyed ? p->row_count + d.inserts - d.deletes
					   : count_rows(db, w->stage_name));
	sqlite3_bind_text(tab, 7, cols.buf, (int)cols.len, SQLITE_STATIC);
	before = names_json(p);
	after = names_json(w);
	sqlite3_bind_text(colst, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(colst, 2, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(colst, 3, after, -1, SQLITE_STATIC);
	if (sqlite3_step(tab) != SQLITE_DONE || sqlite3_step(colst) != SQLITE_DONE) {
		stage_error(db, "cannot store the change set");
		goto cleanup;
	}
	tot[0] += d.inserts;
	tot[1] += d.updates;
	tot[2] += d.deletes;
	ret = 0;
cleanup:
	sqlite3_reset(tab);
	sqlite3_reset(colst);
	for (int i = 0; i < 3 * n; i++)
		sb_release(&vals[i].buf);
	free(vals);
	free(d.pcol);
	free(d.same_type);
	free(d.col_changes);
	sb_release(&d.key);
	sb_release(&d.oldr);
	sb_release(&d.newr);
	sb_release(&d.changed);
	sb_release(&d.line);
	sb_release(&cols);
	sb_release(&line);
	free(before);
	free(after);
	return ret;
}

/*
 * The tracked table whose recorded keys are all that can differ from the
 * pristine copy, or NULL when w must be compared in full: no tracking, the
 * tracking gave up on it, or a schema change of the plan reshaped it (the
 * changes ran outside the steps, so the hook did not see them all).
 */
static const struct tracked_table *tracked(const struct changeset_track *track,
					   const struct table_meta *w,
					   const struct schema_change *sc, int nsc)
{
	const char *env = getenv("DRYDOCK_CHANGESET_FULL");
	struct tracked_table *t;
	if (!track || track->all_full || (env && *env))
		return NULL;
	for (int i = 0; i < nsc; i++) {
		if (sc[i].skipped || sc[i].op == SC_TARGET_SQL)
			continue;
		if (!sc[i].table || strchr(sc[i].table, '.') || !strcasecmp(sc[i].table, w->name))
			return NULL;
	}
	t = track_find((struct changeset_track *)track, w->stage_name, 0);
	return t && !t->full ? t : NULL;
}

int changeset_compute(sqlite3 *db, const struct catalog *pristine,
		      const struct catalog *working,
		      const struct schema_change *sc, int nsc, long long run,
		      struct changeset_summary *out)
{
	return changeset_compute_tracked(db, pristine, working, sc, nsc, run, NULL, out);
}

int changeset_compute_tracked(sqlite3 *db, const struct catalog *pristine,
			      const struct catalog *working,
			      const struct schema_change *sc, int nsc, long long run,
			      const struct changeset_track *track,
			      struct changeset_summary *out)
{
	struct sha256 hash = { NULL };
	unsigned char digest[32];
	sqlite3_stmt *ins = NULL, *tab = NULL, *colst = NULL, *cs = NULL;
	const struct table_meta **tables = NULL;
	int ntables = 0, ret = -1, nschema = 0;
	long long tot[3] = { 0, 0, 0 };
	const struct source_meta *target = NULL;
	char *now = utc_timestamp();

	for (int i = 0; i < working->nsources; i++)
		if (working->sources[i].is_target)
			target = &working->sources[i];
	if (!target) {
		error("the staging file has no target source");
		goto cleanup;
	}
	if (stage_exec(db, "BEGIN; DELETE FROM dd_change; DELETE FROM dd_change_table;"
			   "DELETE FROM dd_change_columns; DELETE FROM dd_changeset;"))
		goto rollback;
	if (sqlite3_prepare_v2(db, "INSERT INTO dd_change VALUES (?,?,?,?,?,?,?)", -1, &ins, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_change_table VALUES (?,?,?,?,?,?,?)", -1, &tab, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_change_columns VALUES (?,?,?)", -1, &colst, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO dd_changeset VALUES (1,?,?,?,?,?,?,?)", -1, &cs, NULL)) {
		stage_error(db, "cannot store the change set");
		goto rollback;
	}
	sha256_init(&hash);
	sha256_update(&hash, "drydock changeset 1\n", 20);
	for (int i = 0; i < nsc; i++) {
		char *canon = schema_change_canonical(&sc[i]);
		struct strbuf line = STRBUF_INIT;
		sb_addf(&line, "S\t%s\t%s%s\n", sc[i].phase == SC_AFTER ? "after" : "before",
			canon, sc[i].skipped ? "\tskipped" : "");
		sha256_update(&hash, line.buf, line.len);
		sb_release(&line);
		free(canon);
		nschema += !sc[i].skipped;
	}
	tables = xcalloc((size_t)working->ntables + 1, sizeof(*tables));
	for (int i = 0; i < working->ntables; i++) {
		const struct table_meta *t = &working->tables[i];
		if (!strcmp(t->source, target->name) && !t->dropped)
			tables[ntables++] = t;
	}
	qsort(tables, (size_t)ntables, sizeof(*tables), cmp_table_name);
	for (int i = 0; i < ntables; i++) {
		const struct table_meta *w = tables[i], *p = NULL;
		if (!w->created) {
			p = catalog_find_table((struct catalog *)pristine, w->source, w->name);
			if (!p || !p->pristine_name) {
				error("table '%s' has no pristine copy in the staging file", w->name);
				goto rollback;
			}
		}
		const struct tracked_table *tt = p ? tracked(track, w, sc, nsc) : NULL;
		if (diff_table(db, &hash, ins, tab, colst, w, p, tt, tot))
			goto rollback;
	}
	sha256_final(&hash, digest);
	sha256_hex(digest, out->hash);
	out->inserts = tot[0];
	out->updates = tot[1];
	out->deletes = tot[2];
	out->schema_changes = nschema;
	sqlite3_bind_text(cs, 1, out->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(cs, 2, run);
	sqlite3_bind_text(cs, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(cs, 4, tot[0]);
	sqlite3_bind_int64(cs, 5, tot[1]);
	sqlite3_bind_int64(cs, 6, tot[2]);
	sqlite3_bind_int(cs, 7, nschema);
	if (sqlite3_step(cs) != SQLITE_DONE) {
		stage_error(db, "cannot store the change set");
		goto rollback;
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(tab);
	sqlite3_finalize(colst);
	sqlite3_finalize(cs);
	ins = tab = colst = cs = NULL;
	fault_point("changeset.before_commit");
	if (stage_exec(db, "COMMIT"))
		goto rollback;
	ret = 0;
	goto cleanup;
rollback:
	sqlite3_finalize(ins);
	sqlite3_finalize(tab);
	sqlite3_finalize(colst);
	sqlite3_finalize(cs);
	ins = tab = colst = cs = NULL;
	if (hash.ctx)	/* frees the digest's context */
		sha256_final(&hash, digest);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	free(tables);
	free(now);
	return ret;
}
