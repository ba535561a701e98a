/*
 * book: the staging file's bookkeeping, the one place that reads and
 * writes the records around a change set: runs (dd_run) and their logs
 * (dd_run_log), the stored change set's summary (dd_changeset), check
 * runs (dd_check_run), approvals (dd_approval) and pushes (dd_push).  Commands and modules use these
 * typed functions instead of their own queries, so "the latest run" or
 * "the approval" means the same thing everywhere.
 *
 * The approval rule (book_review) is shared by approve, push, status and
 * report:
 *   - the file has a change set and its latest run finished ("done");
 *   - the latest check run judged that change set, no interrupted
 *     'check --fix' left it behind, and it found no error;
 *   - approved: the LATEST approval is for that change set's hash.  An
 *     approval of another change set made later supersedes it, so approving
 *     A, then B, then going back to A leaves A unapproved.
 * Every read returns 0, 1 when there is no such record, -1 on a read error
 * (reported).
 */
#ifndef DD_BOOK_H
#define DD_BOOK_H

#include <sqlite3.h>

/* ----------------------------------------------------------- change set */

struct changeset_summary {
	char hash[65];
	long long run;             /* the dd_run that computed it */
	long long inserts, updates, deletes;
	int schema_changes;
};

/* The stored change set's summary (dd_changeset). */
int changeset_load_summary(sqlite3 *db, struct changeset_summary *out);

/* ----------------------------------------------------------------- runs */

struct run_record {
	long long id;
	char *status;              /* running, failed, done */
	char *started_at, *finished_at; /* finished_at may be NULL */
	char *plan_name, *plan_hash;
	char *seed, *clock;
	int next_step;             /* resume point */
	long long next_batch;
	int no_check;
	char *message;             /* why it failed, or NULL */
};

int book_latest_run(sqlite3 *db, struct run_record *out);
/* Run id. */
int book_run(sqlite3 *db, long long id, struct run_record *out);
/* Every run, oldest first, in *out (*n of them; the caller frees each with
 * run_record_free and the array with free).  Returns 0 or -1. */
int book_runs(sqlite3 *db, struct run_record **out, int *n);
void run_record_free(struct run_record *r);

/* One entry of a run's log (dd_run_log): a step, a batch, a schema change
 * ("schema:OP TABLE"), a fix ("fix:CHECK") or the change set. */
struct run_log_entry {
	int seq;
	char *step;
	long long batch, batches;  /* 0: not batched */
	char *first_key, *last_key; /* the batch's key range, or NULL */
	long long rows;            /* rows changed */
	double duration_ms;
	char *status;              /* ok, skipped, failed */
	char *message;             /* or NULL */
};

/*
 * The run engine's records (src/run/engine.c): a new run (status
 * running; *id set), its end (status done or failed, with why), a resume
 * (running again, the message cleared), the resume point, and one log
 * entry (e's seq, first_key and last_key are ignored: the keys are given
 * as SQLite values, NULL when the entry is no batch).  0 or -1 reported.
 */
int book_run_start(sqlite3 *db, const char *plan_name, const char *plan_hash, const char *seed,
		   const char *clock, int no_check, long long *id);
int book_run_finish(sqlite3 *db, long long id, const char *status, const char *message);
int book_run_resume(sqlite3 *db, long long id);
int book_run_progress(sqlite3 *db, long long id, int next_step, long long next_batch);
int book_run_log_add(sqlite3 *db, long long run, const struct run_log_entry *e,
		     sqlite3_value *first_key, sqlite3_value *last_key);

/* Run run's log in order, in *out (*n entries; free with run_log_free).
 * Returns 0 or -1. */
int book_run_log(sqlite3 *db, long long run, struct run_log_entry **out, int *n);
void run_log_free(struct run_log_entry *e, int n);

/* ----------------------------------------------------------- check runs */

struct check_run_record {
	long long id;
	char *at;
	long long run;             /* 0 when unknown */
	char *changeset_hash;      /* NULL when there was no change set */
	char *phase;
	long long errors, warnings, passed;
};

int book_latest_check_run(sqlite3 *db, struct check_run_record *out);
int book_check_run(sqlite3 *db, long long id, struct check_run_record *out);
void check_run_record_free(struct check_run_record *c);

/* ------------------------------------------------------------ approvals */

struct approval {
	long long id;
	char *hash, *by, *note, *at; /* note may be NULL */
	long long check_run;        /* the clean check run it relied on */
};

int book_latest_approval(sqlite3 *db, struct approval *out);
/* Records an approval of hash; sets *id.  Returns 0 or -1 (reported). */
int book_add_approval(sqlite3 *db, const char *hash, const char *by,
		      const char *note, long long check_run, long long *id);
void approval_free(struct approval *a);

/* ------------------------------------------------- the one approval rule */

enum review_state {
	REVIEW_NO_CHANGESET,       /* nothing to approve */
	REVIEW_RUN_UNFINISHED,     /* the latest run failed or is running */
	REVIEW_NOT_CHECKED,        /* no check run at all */
	REVIEW_CHECKS_STALE,       /* the latest checks judged another change set */
	REVIEW_FIXES_PENDING,      /* an interrupted check --fix left it behind */
	REVIEW_CHECKS_FAILED,      /* the latest checks found errors */
	REVIEW_CLEAN,              /* approvable */
};

enum approval_state {
	APPROVAL_NONE,             /* never approved */
	APPROVAL_VOID,             /* the latest approval is for another hash */
	APPROVAL_CURRENT,          /* the latest approval is for this change set */
};

struct review {
	enum review_state state;
	enum approval_state approval_state;
	int has_changeset, has_run, has_checks, has_approval;
	struct changeset_summary cs;
	struct run_record run;           /* the latest run */
	struct check_run_record checks;  /* the latest check run */
	struct approval approval;        /* the latest approval */
};

/* Reads everything the rule needs and judges it.  Returns 0 or -1. */
int book_review(sqlite3 *db, struct review *out);
void review_free(struct review *r);
/* Approved: clean, and the latest approval is for this change set. */
int review_approved(const struct review *r);

/*
 * Reports (error, detail, hint) why the file may not be approved
 * (need_approval 0) or pushed (need_approval 1) and returns 1; returns 0
 * when it may.
 */
int review_require(const struct review *r, const char *stage_path, int need_approval);

/* --------------------------------------------------------------- pushes */

/* A new dd_push row with status 'running'; sets *id. */
int book_push_start(sqlite3 *db, const char *kind, const char *target,
		    const char *hash, long long *id);
/* Its outcome.  ledger_id 0, counts_json and message NULL: none. */
int book_push_finish(sqlite3 *db, long long id, const char *status,
		     long long ledger_id, const char *counts_json,
		     const char *message);

/* A push or rollback made from this file (dd_push), as status shows it. */
struct push_record {
	long long id;
	char *kind;           /* push, rollback */
	char *target;         /* identity, never a password */
	char *hash;           /* the change set */
	long long ledger_id;  /* 0: none */
	char *started_at, *finished_at; /* finished_at NULL while running */
	char *status;         /* running, applied, conflict, failed, partial */
	char *message;        /* or NULL */
};
/* Every push record, oldest first.  0 or -1 (reported). */
int book_pushes(sqlite3 *db, struct push_record **out, int *n);
void push_records_free(struct push_record *p, int n);

#endif
