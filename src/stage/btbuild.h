#ifndef DD_BTBUILD_H
#define DD_BTBUILD_H
/*
 * btbuild: writes a rowid table's B-tree pages straight into a SQLite
 * file that no connection is writing, for rows that arrive in key order
 * (a snapshot's COPY of a table read in its physical order, which for
 * most tables is their key's order).  SQLite's own insert descends the
 * tree from its root for every row, even when appending; this packs each
 * leaf once and builds the interior pages at the end.  The file format is
 * SQLite's (https://www.sqlite.org/fileformat2.html); PRAGMA
 * integrity_check checks what it writes.  See docs/snapshot.md.
 *
 * Use: the table exists (created by SQLite, empty, at its root page), the
 * connection has committed and holds no transaction.  Rows are appended to
 * runs (one per stream of ordered rows); a run takes only rows above its
 * last key and below any later run's first key, and says so when it
 * refuses one (the caller stores that row through SQLite afterwards).
 * btb_finish writes the interior pages and the file's header; the
 * connection's next transaction sees the pages (its cache is reset by the
 * header's change counter).
 */
#include <stddef.h>

enum btb_type { BTB_NULL, BTB_INT, BTB_TEXT, BTB_BLOB };

struct btb_value {
	enum btb_type type;
	long long i;
	const void *p;
	size_t n;
};

struct btb_file;
struct btb_table;
struct btb_run;

/* Opens path for writing pages after its last one; NULL after error(). */
struct btb_file *btb_open(const char *path);
/* The table at root page root whose rowid is column ipk (-1: none). */
struct btb_table *btb_table(struct btb_file *f, unsigned root, int ncols, int ipk);
struct btb_run *btb_run(struct btb_table *t);
/*
 * Appends a row with rowid key: 1 taken, 0 refused (out of order), -1 on
 * a write error (reported).  vals[ipk] is not stored (it is the rowid).
 */
int btb_append(struct btb_run *r, long long key, const struct btb_value *vals);
/* Every table's interior pages and root, then the header; closes f.  0 or -1. */
int btb_finish(struct btb_file *f);
/* Frees f without finishing (after a failure: the file is discarded). */
void btb_abandon(struct btb_file *f);

#endif
