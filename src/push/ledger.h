/*
 * ledger: reading the target's drydock ledger (schema/ledger.sql,
 * docs/push.md "The ledger"): the entries rollback and history need and
 * the push set a push left there, from which its inverse is made.
 */
#ifndef DD_LEDGER_H
#define DD_LEDGER_H

#include <libpq-fe.h>

#include "pushset.h"

struct ledger_entry {
	long long id;
	char *kind, *status, *hash, *plan, *filter;
	long long rollback_of;   /* 0 for pushes */
	long batch_size;         /* 0: one transaction */
	long checkpoint, units;
	int nddl;                /* schema changes recorded with it */
};

/* 1 when drydock.ledger exists, 0 when not, -1 on error (reported). */
int ledger_exists(PGconn *conn);

/*
 * Finds the push to roll back: entry id, or (id 0) the latest push of
 * hash that is not rolled back.  Locks its row.  Returns 0, 1 when there
 * is none, -1 on error.
 */
int ledger_find_push(PGconn *conn, long long id, const char *hash,
		     struct ledger_entry *e);
void ledger_entry_free(struct ledger_entry *e);

/* Reads back the tables and schema changes a push recorded. */
int ledger_load_push(PGconn *conn, const struct ledger_entry *e,
		     struct push_set *ps);

/* Rollbacks of push_id already applied (their rows are not undone twice). */
int ledger_prior_rollbacks(PGconn *conn, long long push_id, long long **ids,
			   int *n);

/* The ledger, newest first: one row per entry (see cmd_history.c). */
PGresult *ledger_history(PGconn *conn, long limit);

#endif
