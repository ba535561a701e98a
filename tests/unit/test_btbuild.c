/*
 * Unit tests for btbuild (src/stage/btbuild.c): random tables written as
 * pages must pass SQLite's PRAGMA integrity_check and read back exactly as
 * the same rows inserted by SQLite into a reference database, at several
 * page sizes (each moves the leaf's overflow limits), with several runs
 * of disjoint key ranges interleaved, rows refused out of order and
 * inserted through SQLite afterwards, keys at every varint and integer
 * size boundary, and records from empty to many overflow pages.
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
#include <unistd.h>

#include <sqlite3.h>

#include "btbuild.h"

#define NCOLS 5 /* id (the rowid), a, b INTEGER, c, d */

static unsigned long long rng_state;
static unsigned long long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static const long long edges[] = {
	0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 16383, 16384, 32767, 32768, -32768, -32769,
	2097151, 2097152, 8388607, 8388608, -8388609, 268435455, 268435456, 2147483647,
	2147483648LL, -2147483649LL, 140737488355327LL, 140737488355328LL, -140737488355329LL,
	72057594037927935LL, 72057594037927936LL, INT64_MAX, INT64_MIN,
};

/* A random value of any storage; big ones now and then (overflow pages). */
static void random_value(struct btb_value *v, unsigned char *buf, size_t cap, int integer_col)
{
	unsigned k = (unsigned)(rnd() % 10);
	if (k == 0) {
		*v = (struct btb_value){ BTB_NULL, 0, NULL, 0 };
	} else if (k <= 3 || integer_col) {
		long long i = rnd() % 3 ? edges[rnd() % (sizeof(edges) / sizeof(edges[0]))]
					: (long long)rnd();
		*v = (struct btb_value){ BTB_INT, i, NULL, 0 };
	} else {
		size_t n;
		unsigned r = (unsigned)(rnd() % 100);
		n = r < 70 ? rnd() % 60 : r < 95 ? rnd() % 3000 : r < 99 ? 16000 + rnd() % 1000 : rnd() % cap;
		if (n > cap)
			n = cap;
		for (size_t j = 0; j < n; j++)
			buf[j] = k <= 7 ? (unsigned char)('a' + rnd() % 26) : (unsigned char)rnd();
		*v = (struct btb_value){ k <= 7 ? BTB_TEXT : BTB_BLOB, 0, buf, n };
	}
}

static void bind_value(sqlite3_stmt *st, int i, const struct btb_value *v)
{
	switch (v->type) {
	case BTB_NULL:
		sqlite3_bind_null(st, i);
		break;
	case BTB_INT:
		sqlite3_bind_int64(st, i, v->i);
		break;
	case BTB_TEXT:
		sqlite3_bind_text64(st, i, v->n ? v->p : "", v->n, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	case BTB_BLOB:
		sqlite3_bind_blob64(st, i, v->n ? v->p : "", v->n, SQLITE_TRANSIENT);
		break;
	}
}

static void insert(sqlite3 *db, const char *table, long long key, const struct btb_value *vals)
{
	sqlite3_stmt *st;
	char sql[128];
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (?, ?, ?, ?, ?)", table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, key);
	for (int i = 1; i < NCOLS; i++)
		bind_value(st, i + 1, &vals[i]);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("insert into %s: %s", table, sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* Every row of main.t and ref.t, in rowid order, the same: type and bytes. */
static void assert_same(sqlite3 *db, long long nrows)
{
	sqlite3_stmt *a, *b;
	long long n = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM main.t ORDER BY id", -1, &a, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM ref.t ORDER BY id", -1, &b, NULL), SQLITE_OK);
	for (;;) {
		int ra = sqlite3_step(a), rb = sqlite3_step(b);
		assert_int_equal(ra, rb);
		if (ra != SQLITE_ROW)
			break;
		n++;
		for (int i = 0; i < NCOLS; i++) {
			int ta = sqlite3_column_type(a, i), tb = sqlite3_column_type(b, i);
			if (ta != tb)
				fail_msg("row %lld (id %lld), column %d: type %d, expected %d", n,
					 (long long)sqlite3_column_int64(b, 0), i, ta, tb);
			if (ta == SQLITE_INTEGER) {
				assert_true(sqlite3_column_int64(a, i) == sqlite3_column_int64(b, i));
			} else if (ta != SQLITE_NULL) {
				const void *pa = sqlite3_column_blob(a, i), *pb = sqlite3_column_blob(b, i);
				int na = sqlite3_column_bytes(a, i), nb = sqlite3_column_bytes(b, i);
				assert_int_equal(na, nb);
				assert_true(na == 0 || !memcmp(pa, pb, (size_t)na));
			}
		}
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	assert_true(n == nrows);
}

static void check_integrity(sqlite3 *db)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA main.integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

struct refused {
	long long key;
	int run;
	struct btb_value v[NCOLS];
	unsigned char *data[NCOLS];
};

/*
 * nruns runs over disjoint key bands, rows given to them interleaved;
 * every tenth key of a band is offered late (out of order) so it is
 * refused and inserted through SQLite once the pages are done.
 */
static void one_table(int pgsz, int nruns, long long nrows, unsigned long long seed)
{
	char path[] = "/tmp/dd-btbuild-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned root;
	char sql[256];
	struct btb_file *f;
	struct btb_table *bt;
	struct btb_run *runs[8];
	long long next[8], end[8], last[8], given = 0;
	int started[8] = { 0 };
	struct refused *late = calloc((size_t)nrows + 1, sizeof(*late));
	long long nlate = 0;
	size_t cap = 70000;
	unsigned char *bufs[NCOLS];

	assert_true(fd >= 0 && late);
	close(fd);
	unlink(path);
	rng_state = seed;
	for (int i = 0; i < NCOLS; i++)
		bufs[i] = malloc(cap);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA page_size = %d; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;", pgsz);
	exec(db, sql);
	exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b INTEGER, c, d);"
		 "CREATE TABLE other (x); INSERT INTO other VALUES (1)");
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	root = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	exec(db, "ATTACH ':memory:' AS ref; CREATE TABLE ref.t (id INTEGER PRIMARY KEY, a, b INTEGER, c, d)");

	f = btb_open(path);
	assert_non_null(f);
	bt = btb_table(f, root, NCOLS, 0);
	for (int r = 0; r < nruns; r++) {
		/* bands spread over the whole key space, the first from INT64_MIN */
		unsigned long long width = UINT64_MAX / (unsigned)nruns / 2;
		unsigned long long from = (unsigned long long)INT64_MIN + (unsigned long long)r * 2 * width +
					  (r ? rnd() % 1000 : 0);
		next[r] = (long long)from;
		end[r] = (long long)(from + width);
		runs[r] = btb_run(bt);
	}
	while (given < nrows) {
		int r = (int)(rnd() % (unsigned)nruns);
		struct btb_value v[NCOLS];
		long long key = next[r];
		int took;
		/* keys step by 1 (the common case), by varied gaps, or jump */
		unsigned long long step = rnd() % 4 ? 1 + rnd() % 3 : 1 + rnd() % 100000000;
		if ((unsigned long long)(end[r] - next[r]) < step + 2)
			continue;
		next[r] += (long long)step;
		v[0] = (struct btb_value){ BTB_INT, key, NULL, 0 };
		for (int i = 1; i < NCOLS; i++)
			random_value(&v[i], bufs[i], cap, i == 2);
		if (rnd() % 10 == 0 && next[r] - key > 1) {
			/* kept for later: a key below this run's last when offered */
			struct refused *l = &late[nlate++];
			l->key = key;
			l->run = r;
			for (int i = 0; i < NCOLS; i++) {
				l->v[i] = v[i];
				if (v[i].n) {
					l->data[i] = malloc(v[i].n);
					memcpy(l->data[i], v[i].p, v[i].n);
					l->v[i].p = l->data[i];
				}
			}
			insert(db, "ref.t", key, v);
			given++;
			continue;
		}
		took = btb_append(runs[r], key, v);
		assert_int_equal(took, 1);
		started[r] = 1;
		last[r] = key;
		insert(db, "ref.t", key, v);
		given++;
	}
	/*
	 * The late rows: refused by every run whose last key is above them
	 * (their own, and runs of bands above); one above its own run's last
	 * key (none came after it) is still in order and taken.
	 */
	for (long long k = 0; k < nlate; k++) {
		struct refused *l = &late[k];
		for (int r = 0; r < nruns; r++)
			if (started[r] && l->key < last[r])
				assert_int_equal(btb_append(runs[r], l->key, l->v), 0);
		if (!started[l->run] || l->key > last[l->run]) {
			assert_int_equal(btb_append(runs[l->run], l->key, l->v), 1);
			started[l->run] = 1;
			last[l->run] = l->key;
			l->run = -1; /* written as a page */
		}
	}
	assert_int_equal(btb_finish(f), 0);
	for (long long k = 0; k < nlate; k++) {
		if (late[k].run >= 0)
			insert(db, "main.t", late[k].key, late[k].v);
		for (int i = 0; i < NCOLS; i++)
			free(late[k].data[i]);
	}
	check_integrity(db);
	assert_same(db, nrows);
	/* SQLite goes on writing the file: its pages come after the built ones */
	exec(db, "INSERT INTO other SELECT a FROM main.t; DELETE FROM main.t WHERE id % 3 = 0");
	check_integrity(db);
	sqlite3_close(db);
	unlink(path);
	for (int i = 0; i < NCOLS; i++)
		free(bufs[i]);
	free(late);
}

static void test_one_run_small_pages(void **state)
{
	(void)state;
	one_table(1024, 1, 3000, 1);
}

static void test_runs_interleaved(void **state)
{
	(void)state;
	one_table(16384, 3, 10000, 2);
	one_table(4096, 4, 5000, 3);
}

static void test_large_pages(void **state)
{
	(void)state;
	one_table(65536, 2, 5000, 4);
}

static void test_tiny_tables(void **state)
{
	(void)state;
	one_table(16384, 1, 1, 5);   /* one row: the root is the leaf */
	one_table(16384, 2, 2, 6);
	one_table(512, 1, 40, 7);    /* small pages: deep trees, overflow everywhere */
}

/* A run takes rows above its last key and below a later run's first. */
static void test_run_bounds(void **state)
{
	char path[] = "/tmp/dd-btbuild-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db;
	struct btb_file *f;
	struct btb_table *bt;
	struct btb_run *a, *b;
	struct btb_value v[2] = { { BTB_INT, 0, NULL, 0 }, { BTB_TEXT, 0, "x", 1 } };
	(void)state;
	close(fd);
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, x)");
	f = btb_open(path);
	assert_non_null(f);
	bt = btb_table(f, 2, 2, 0);
	a = btb_run(bt);
	b = btb_run(bt);
	assert_int_equal(btb_append(a, 10, v), 1);
	assert_int_equal(btb_append(a, 10, v), 0);  /* a duplicate */
	assert_int_equal(btb_append(a, 5, v), 0);   /* below the last */
	assert_int_equal(btb_append(b, 10, v), 0);  /* inside a's band */
	assert_int_equal(btb_append(b, 100, v), 1); /* b starts above a */
	assert_int_equal(btb_append(a, 100, v), 0); /* a stops below b's first */
	assert_int_equal(btb_append(a, 99, v), 1);
	assert_int_equal(btb_append(b, 101, v), 1);
	assert_int_equal(btb_finish(f), 0);
	check_integrity(db);
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(id) FROM t", -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "10,99,100,101");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	unlink(path);
}

/* Only the layout it writes: an auto-vacuum file is not opened. */
static void test_refuses_other_layouts(void **state)
{
	char path[] = "/tmp/dd-btbuild-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db;
	(void)state;
	close(fd);
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA auto_vacuum = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, x)");
	assert_null(btb_open(path));
	sqlite3_close(db);
	unlink(path);
	assert_null(btb_open(path)); /* no file */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run_small_pages),
		cmocka_unit_test(test_runs_interleaved),
		cmocka_unit_test(test_large_pages),
		cmocka_unit_test(test_tiny_tables),
		cmocka_unit_test(test_run_bounds),
		cmocka_unit_test(test_refuses_other_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
