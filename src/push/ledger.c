/*
 * ledger: reading the target's drydock ledger (see ledger.h).
 */
#define _GNU_SOURCE
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "util.h"

static PGresult *query(PGconn *conn, const char *sql, int n, const char *const *params,
		       const char *what)
{
	PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pg_result_error(conn, r, what);
		PQclear(r);
		return NULL;
	}
	return r;
}

int ledger_exists(PGconn *conn)
{
	PGresult *r = query(conn, "SELECT to_regclass('drydock.ledger') IS NOT NULL", 0, NULL,
			    "cannot read the target's catalog");
	int ret;
	if (!r)
		return -1;
	ret = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return ret;
}

static char *dup_or_null(PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? NULL : xstrdup(PQgetvalue(r, 0, col));
}

int ledger_find_push(PGconn *conn, long long id, const char *hash,
		     struct ledger_entry *e)
{
	char idtext[32];
	const char *params[1];
	PGresult *r;
	static const char cols[] =
		"SELECT id, kind, status, hash, plan, filter, coalesce(rollback_of, 0), "
		"coalesce(batch_size, 0), checkpoint, units, "
		"(SELECT count(*) FROM drydock.ledger_ddl d WHERE d.ledger_id = l.id) "
		"FROM drydock.ledger l ";

	memset(e, 0, sizeof(*e));
	if (id) {
		char *sql = xasprintf("%sWHERE id = $1 FOR UPDATE", cols);
		snprintf(idtext, sizeof(idtext), "%lld", id);
		params[0] = idtext;
		r = query(conn, sql, 1, params, "cannot read the ledger");
		free(sql);
	} else {
		char *sql = xasprintf("%sWHERE kind = 'push' AND hash = $1 AND status <> 'rolled_back' "
				      "ORDER BY id DESC LIMIT 1 FOR UPDATE", cols);
		params[0] = hash;
		r = query(conn, sql, 1, params, "cannot read the ledger");
		free(sql);
	}
	if (!r)
		return -1;
	if (!PQntuples(r)) {
		PQclear(r);
		return 1;
	}
	e->id = atoll(PQgetvalue(r, 0, 0));
	e->kind = xstrdup(PQgetvalue(r, 0, 1));
	e->status = xstrdup(PQgetvalue(r, 0, 2));
	e->hash = xstrdup(PQgetvalue(r, 0, 3));
	e->plan = xstrdup(PQgetvalue(r, 0, 4));
	e->filter = dup_or_null(r, 5);
	e->rollback_of = atoll(PQgetvalue(r, 0, 6));
	e->batch_size = atol(PQgetvalue(r, 0, 7));
	e->checkpoint = atol(PQgetvalue(r, 0, 8));
	e->units = atol(PQgetvalue(r, 0, 9));
	e->nddl = atoi(PQgetvalue(r, 0, 10));
	PQclear(r);
	return 0;
}

void ledger_entry_free(struct ledger_entry *e)
{
	free(e->kind);
	free(e->status);
	free(e->hash);
	free(e->plan);
	free(e->filter);
	memset(e, 0, sizeof(*e));
}

int ledger_load_push(PGconn *conn, const struct ledger_entry *e, struct push_set *ps)
{
	char idtext[32];
	const char *params[1] = { idtext };
	PGresult *r = NULL;
	int ret = -1;

	memset(ps, 0, sizeof(*ps));
	snprintf(idtext, sizeof(idtext), "%lld", e->id);
	snprintf(ps->hash, sizeof(ps->hash), "%s", e->hash);
	ps->plan = xstrdup(e->plan);
	r = query(conn, "SELECT spec::text FROM drydock.ledger_table WHERE ledger_id = $1 ORDER BY k",
		  1, params, "cannot read the ledger");
	if (!r)
		goto cleanup;
	ps->ntables = PQntuples(r);
	ps->tables = xcalloc((size_t)ps->ntables + 1, sizeof(*ps->tables));
	for (int i = 0; i < ps->ntables; i++) {
		cJSON *j = cJSON_Parse(PQgetvalue(r, i, 0));
		int bad = !j || pushset_table_from_json(j, &ps->tables[i]);
		cJSON_Delete(j);
		if (bad) {
			ps->ntables = i;
			error("ledger entry #%lld is damaged (table %d)", e->id, i + 1);
			goto cleanup;
		}
		ps->inserts += ps->tables[i].ninsert;
		ps->updates += ps->tables[i].nupdate;
		ps->deletes += ps->tables[i].ndelete;
	}
	PQclear(r);
	ps->schema = xstrdup(ps->ntables ? ps->tables[0].schema : "public");
	for (int i = 0; i < ps->ntables; i++)
		for (int k = 0; k < ps->tables[i].nrefs; k++)
			for (int j = 0; j < ps->ntables; j++)
				if (!strcmp(ps->tables[j].name, ps->tables[i].refs[k].table) &&
				    !strcmp(ps->tables[j].schema, ps->tables[i].refs[k].schema))
					ps->tables[i].refs[k].child = j;
	r = query(conn, "SELECT seq, phase, op, tbl, ddl, ddl_post, inverse, inverse_post, applied, restore "
			"FROM drydock.ledger_ddl WHERE ledger_id = $1 ORDER BY seq",
		  1, params, "cannot read the ledger");
	if (!r)
		goto cleanup;
	ps->nddl = PQntuples(r);
	ps->ddl = xcalloc((size_t)ps->nddl + 1, sizeof(*ps->ddl));
	for (int i = 0; i < ps->nddl; i++) {
		struct push_ddl *d = &ps->ddl[i];
		d->seq = atoi(PQgetvalue(r, i, 0));
		d->after = !strcmp(PQgetvalue(r, i, 1), "after");
		d->op = xstrdup(PQgetvalue(r, i, 2));
		d->tbl = PQgetisnull(r, i, 3) ? NULL : xstrdup(PQgetvalue(r, i, 3));
		d->ddl = xstrdup(PQgetvalue(r, i, 4));
		d->ddl_post = xstrdup(PQgetvalue(r, i, 5));
		d->inverse = xstrdup(PQgetvalue(r, i, 6));
		d->inverse_post = xstrdup(PQgetvalue(r, i, 7));
		d->applied = PQgetvalue(r, i, 8)[0] == 't';
		d->restore = xstrdup(PQgetvalue(r, i, 9));
	}
	ret = 0; /* its inverse is ordered (pushset_invert), not the push itself */
cleanup:
	PQclear(r);
	if (ret)
		pushset_free(ps);
	return ret;
}

int ledger_prior_rollbacks(PGconn *conn, long long push_id, long long **ids, int *n)
{
	char idtext[32];
	const char *params[1] = { idtext };
	PGresult *r;
	snprintf(idtext, sizeof(idtext), "%lld", push_id);
	*ids = NULL;
	*n = 0;
	r = query(conn, "SELECT id FROM drydock.ledger WHERE kind = 'rollback' AND rollback_of = $1 "
			"AND status = 'applied' ORDER BY id", 1, params, "cannot read the ledger");
	if (!r)
		return -1;
	*n = PQntuples(r);
	*ids = xcalloc((size_t)*n + 1, sizeof(long long));
	for (int i = 0; i < *n; i++)
		(*ids)[i] = atoll(PQgetvalue(r, i, 0));
	PQclear(r);
	return 0;
}

PGresult *ledger_history(PGconn *conn, long limit)
{
	char lim[32];
	const char *params[1] = { lim };
	snprintf(lim, sizeof(lim), "%ld", limit > 0 ? limit : 1000000000L);
	return query(conn,
		     "SELECT id, kind, status, hash, plan, coalesce(rollback_of::text, ''), "
		     "coalesce(approved_by, ''), "
		     "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
		     "coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
		     "(SELECT coalesce(sum(inserted), 0) FROM drydock.ledger_table t WHERE t.ledger_id = l.id), "
		     "(SELECT coalesce(sum(updated), 0) FROM drydock.ledger_table t WHERE t.ledger_id = l.id), "
		     "(SELECT coalesce(sum(deleted), 0) FROM drydock.ledger_table t WHERE t.ledger_id = l.id), "
		     "coalesce(batch_size::text, ''), checkpoint, units, counts::text, coalesce(filter, ''), "
		     "drydock_version, db_user, coalesce(staging, '') "
		     "FROM drydock.ledger l ORDER BY id DESC LIMIT $1",
		     1, params, "cannot read the ledger");
}
