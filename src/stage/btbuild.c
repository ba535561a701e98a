/*
 * btbuild: a rowid table's B-tree written page by page (btbuild.h).
 *
 * Pages as SQLite's file format lays them out: a table leaf (0x0D) holds
 * cells of payload size, rowid and record, their pointers in key order
 * after an 8-byte header, the cells themselves packed from the page's end;
 * a table interior page (0x05) holds (child page, largest rowid of that
 * child) cells and its right-most child in a 12-byte header.  A record
 * larger than a leaf can hold keeps its first part on the leaf and the rest
 * on a chain of overflow pages.  Leaves are written as they fill; the
 * interior levels are built from the leaves' (page, last key) list when the
 * table is finished, the top one at the table's own root page.
 */
#define _GNU_SOURCE
#include "btbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct child {
	unsigned pgno;
	long long key;
};

struct btb_run {
	struct btb_table *t;
	unsigned char *page;       /* the leaf being filled */
	int ncell;
	unsigned content;          /* start of its cell content area */
	int started;
	long long first, last;     /* keys taken */
	long long limit;           /* keys must stay below it (a later run's first) */
	int has_limit;
	struct child *leaves;      /* written leaves, in key order */
	size_t nleaves, cap;
	unsigned char *rec;        /* the record being built */
	size_t reccap;
	unsigned long long *st;    /* its columns' serial types */
	int *len;                  /* and their sizes */
};

struct btb_table {
	struct btb_file *f;
	unsigned root;
	int ncols, ipk;
	struct btb_run **runs;
	int nruns;
};

struct btb_file {
	int fd;
	unsigned pgsz;             /* usable size too: no reserved bytes */
	unsigned next;             /* the next page number to allocate */
	unsigned char *buf;        /* one page, for interior and overflow pages */
	struct btb_table **tables;
	int ntables;
};

static unsigned get2(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned get4(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}
static void put2(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put4(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* SQLite's varint: big-endian 7-bit groups, the ninth byte holding 8 bits. */
static int put_varint_long(unsigned char *p, unsigned long long v)
{
	unsigned char tmp[10];
	int n = 0;
	if (v >> 56) {
		p[8] = (unsigned char)v;
		v >>= 8;
		for (int i = 7; i >= 0; i--, v >>= 7)
			p[i] = (unsigned char)((v & 0x7f) | 0x80);
		return 9;
	}
	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v);
	tmp[0] &= 0x7f;
	for (int i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* Most varints (serial types, sizes, small keys) take one or two bytes. */
static inline int put_varint(unsigned char *p, unsigned long long v)
{
	if (v < 0x80) {
		p[0] = (unsigned char)v;
		return 1;
	}
	if (v < 0x4000) {
		p[0] = (unsigned char)(v >> 7 | 0x80);
		p[1] = (unsigned char)(v & 0x7f);
		return 2;
	}
	return put_varint_long(p, v);
}

static inline int varint_len(unsigned long long v)
{
	int n = 1;
	if (v < 0x80)
		return 1;
	if (v < 0x4000)
		return 2;
	if (v >> 56)
		return 9;
	while (v >>= 7)
		n++;
	return n;
}

/* An integer's serial type and size, as SQLite picks them (schema format 4). */
static int int_serial(long long i, int *len)
{
	unsigned long long u = i < 0 ? ~(unsigned long long)i : (unsigned long long)i;
	if (u <= 127) {
		if (i == 0 || i == 1) {
			*len = 0;
			return 8 + (int)i;
		}
		*len = 1;
		return 1;
	}
	*len = u <= 32767 ? 2 : u <= 8388607 ? 3 : u <= 2147483647 ? 4 : u <= 0x7fffffffffffULL ? 6 : 8;
	return *len == 6 ? 5 : *len == 8 ? 6 : *len;
}

static int write_page(struct btb_file *f, unsigned pgno, const unsigned char *page)
{
	off_t off = (off_t)(pgno - 1) * f->pgsz;
	size_t done = 0;
	while (done < f->pgsz) {
		ssize_t w = pwrite(f->fd, page + done, f->pgsz - done, off + (off_t)done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0 && (w == 0 || errno == ENOSPC))
			return error("cannot write the staging file: the disk is full");
		if (w < 0)
			return error("cannot write the staging file: %s", strerror(errno));
		done += (size_t)w;
	}
	return 0;
}

struct btb_file *btb_open(const char *path)
{
	unsigned char h[100];
	struct stat st;
	struct btb_file *f;
	unsigned pgsz, npages;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	/* only the layout written here: no reserved bytes, no auto-vacuum
	 * pointer maps, UTF-8, schema format 4 (serial types 8 and 9) */
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || fstat(fd, &st) ||
	    memcmp(h, "SQLite format 3", 16) || h[20] != 0 || get4(h + 52) != 0 ||
	    get4(h + 56) != 1 || get4(h + 44) != 4) {
		close(fd);
		return NULL;
	}
	pgsz = get2(h + 16) == 1 ? 65536 : get2(h + 16);
	npages = get4(h + 28);
	if (pgsz < 512 || get4(h + 24) != get4(h + 92) || !npages ||
	    (off_t)npages * pgsz != st.st_size) {
		close(fd);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->fd = fd;
	f->pgsz = pgsz;
	f->next = npages + 1;
	f->buf = xmalloc(pgsz);
	return f;
}

struct btb_table *btb_table(struct btb_file *f, unsigned root, int ncols, int ipk)
{
	struct btb_table *t = xcalloc(1, sizeof(*t));
	t->f = f;
	t->root = root;
	t->ncols = ncols;
	t->ipk = ipk;
	f->tables = xrealloc(f->tables, (size_t)(f->ntables + 1) * sizeof(*f->tables));
	f->tables[f->ntables++] = t;
	return t;
}

static void leaf_reset(struct btb_run *r)
{
	unsigned pgsz = r->t->f->pgsz;
	memset(r->page, 0, 8);
	r->page[0] = 0x0d;
	r->ncell = 0;
	r->content = pgsz;
}

struct btb_run *btb_run(struct btb_table *t)
{
	struct btb_run *r = xcalloc(1, sizeof(*r));
	r->t = t;
	r->page = xmalloc(t->f->pgsz);
	r->st = xcalloc((size_t)t->ncols + 1, sizeof(*r->st));
	r->len = xcalloc((size_t)t->ncols + 1, sizeof(*r->len));
	leaf_reset(r);
	t->runs = xrealloc(t->runs, (size_t)(t->nruns + 1) * sizeof(*t->runs));
	t->runs[t->nruns++] = r;
	return r;
}

static void leaf_header(struct btb_run *r)
{
	unsigned used = 8 + 2 * (unsigned)r->ncell;
	memset(r->page + used, 0, r->content - used); /* the free space: not an older leaf's bytes */
	put2(r->page + 3, (unsigned)r->ncell);
	put2(r->page + 5, r->content == 65536 ? 0 : r->content);
}

/* Writes the full leaf at a new page and starts the next one. */
static int leaf_flush(struct btb_run *r)
{
	struct btb_file *f = r->t->f;
	unsigned pgno = f->next++;
	leaf_header(r);
	if (write_page(f, pgno, r->page))
		return -1;
	if (r->nleaves == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->leaves = xrealloc(r->leaves, r->cap * sizeof(*r->leaves));
	}
	r->leaves[r->nleaves++] = (struct child){ pgno, r->last };
	leaf_reset(r);
	return 0;
}

/* Is key one this run may take: above its last, below later runs' first? */
static int run_takes(struct btb_run *r, long long key)
{
	struct btb_table *t = r->t;
	if (r->started)
		return key > r->last && (!r->has_limit || key < r->limit);
	for (int i = 0; i < t->nruns; i++) {
		struct btb_run *s = t->runs[i];
		if (s != r && s->started && key >= s->first && key <= s->last)
			return 0;
	}
	/* it starts: runs below stop short of it, it stops short of runs above */
	for (int i = 0; i < t->nruns; i++) {
		struct btb_run *s = t->runs[i];
		if (s == r || !s->started)
			continue;
		if (s->first < key) {
			if (!s->has_limit || key < s->limit) {
				s->limit = key;
				s->has_limit = 1;
			}
		} else if (!r->has_limit || s->first < r->limit) {
			r->limit = s->first;
			r->has_limit = 1;
		}
	}
	r->started = 1;
	r->first = key;
	return 1;
}

int btb_append(struct btb_run *r, long long key, const struct btb_value *vals)
{
	struct btb_table *t = r->t;
	struct btb_file *f = t->f;
	unsigned u = f->pgsz, x = u - 35, m = (u - 12) * 32 / 255 - 23;
	size_t hdr = 0, body = 0, p, local, need, cell;
	unsigned ovfl = 0;
	unsigned char *rec, *c;

	if (!run_takes(r, key))
		return 0;
	for (int i = 0; i < t->ncols; i++) {
		unsigned long long st = 0;
		int len = 0;
		if (i == t->ipk || vals[i].type == BTB_NULL) {
			st = 0;
		} else if (vals[i].type == BTB_INT) {
			st = (unsigned long long)int_serial(vals[i].i, &len);
		} else {
			st = vals[i].n * 2 + (vals[i].type == BTB_TEXT ? 13 : 12);
			len = 0;
			body += vals[i].n;
		}
		r->st[i] = st;
		r->len[i] = len;
		hdr += (size_t)varint_len(st);
		body += (size_t)len;
	}
	{ /* the header's size counts its own varint */
		size_t h = hdr + 1;
		while (hdr + (size_t)varint_len(h) != h)
			h = hdr + (size_t)varint_len(h);
		hdr = h;
	}
	p = hdr + body;
	if (p > r->reccap) {
		r->reccap = p + p / 2 + 64;
		r->rec = xrealloc(r->rec, r->reccap);
	}
	rec = r->rec;
	{
		unsigned char *ph = rec + put_varint(rec, hdr), *pb = rec + hdr;
		for (int i = 0; i < t->ncols; i++) {
			const struct btb_value *v = &vals[i];
			ph += put_varint(ph, r->st[i]);
			if (r->st[i] >= 12) {
				if (v->n)
					memcpy(pb, v->p, v->n);
				pb += v->n;
			} else {
				for (int k = r->len[i] - 1; k >= 0; k--)
					*pb++ = (unsigned char)((unsigned long long)v->i >> (8 * k));
			}
		}
	}
	/* how much stays on the leaf (SQLite's rule for table leaves) */
	local = p;
	if (p > x) {
		size_t k = m + (p - m) % (u - 4);
		local = k <= x ? k : m;
	}
	if (local < p) { /* the rest on overflow pages, each a next pointer and u - 4 bytes */
		size_t off = local;
		ovfl = f->next;
		while (off < p) {
			size_t n = p - off < u - 4 ? p - off : u - 4;
			unsigned pgno = f->next++;
			memset(f->buf, 0, u);
			put4(f->buf, off + n < p ? f->next : 0);
			memcpy(f->buf + 4, rec + off, n);
			if (write_page(f, pgno, f->buf))
				return -1;
			off += n;
		}
	}
	cell = (size_t)varint_len(p) + (size_t)varint_len((unsigned long long)key) + local +
	       (local < p ? 4 : 0);
	need = cell < 4 ? 4 : cell;
	if (r->ncell && 8 + 2 * ((size_t)r->ncell + 1) + need > r->content && leaf_flush(r))
		return -1;
	r->content -= (unsigned)need;
	c = r->page + r->content;
	c += put_varint(c, p);
	c += put_varint(c, (unsigned long long)key);
	memcpy(c, rec, local);
	if (local < p)
		put4(c + local, ovfl);
	put2(r->page + 8 + 2 * r->ncell, r->content);
	r->ncell++;
	r->last = key;
	return 1;
}

/* One interior page over children [s, e) at pgno. */
static int write_interior(struct btb_file *f, unsigned pgno, const struct child *ch, size_t s,
			  size_t e)
{
	unsigned char *pg = f->buf;
	unsigned content = f->pgsz;
	memset(pg, 0, f->pgsz);
	pg[0] = 0x05;
	put2(pg + 3, (unsigned)(e - s - 1));
	put4(pg + 8, ch[e - 1].pgno);
	for (size_t j = s; j + 1 < e; j++) {
		unsigned len = 4 + (unsigned)varint_len((unsigned long long)ch[j].key);
		content -= len;
		put4(pg + content, ch[j].pgno);
		put_varint(pg + content + 4, (unsigned long long)ch[j].key);
		put2(pg + 12 + 2 * (j - s), content);
	}
	put2(pg + 5, content == 65536 ? 0 : content);
	return write_page(f, pgno, pg);
}

/* Interior levels over n >= 2 children until one page, written at root. */
static int build_interior(struct btb_file *f, unsigned root, struct child *ch, size_t n)
{
	while (n > 1) {
		size_t ng = 0, s = 0, *ends = NULL, cap = 0;
		while (s < n) {
			size_t used = 12, e = s + 1;
			while (e < n && used + 6 + (size_t)varint_len((unsigned long long)ch[e - 1].key) <= f->pgsz) {
				used += 6 + (size_t)varint_len((unsigned long long)ch[e - 1].key);
				e++;
			}
			if (ng == cap) {
				cap = cap ? 2 * cap : 16;
				ends = xrealloc(ends, cap * sizeof(*ends));
			}
			ends[ng++] = e;
			s = e;
		}
		/* an interior page needs a cell: the last takes one from the one before */
		if (ng > 1 && ends[ng - 1] - ends[ng - 2] == 1)
			ends[ng - 2]--;
		for (size_t g = 0; g < ng; g++) {
			size_t gs = g ? ends[g - 1] : 0;
			unsigned pgno = ng == 1 ? root : f->next++;
			if (write_interior(f, pgno, ch, gs, ends[g])) {
				free(ends);
				return -1;
			}
			ch[g] = (struct child){ pgno, ch[ends[g] - 1].key };
		}
		free(ends);
		n = ng;
	}
	return 0;
}

static int cmp_runs(const void *a, const void *b)
{
	const struct btb_run *x = *(struct btb_run *const *)a, *y = *(struct btb_run *const *)b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int table_finish(struct btb_table *t)
{
	struct btb_file *f = t->f;
	size_t n = 0, k = 0;
	struct child *all;
	struct btb_run **runs = xcalloc((size_t)t->nruns + 1, sizeof(*runs));
	int nstarted = 0, ret = 0;

	for (int i = 0; i < t->nruns; i++) /* a run given no row holds nothing */
		if (t->runs[i]->started) {
			runs[nstarted++] = t->runs[i];
			n += t->runs[i]->nleaves + (t->runs[i]->ncell > 0);
		}
	qsort(runs, (size_t)nstarted, sizeof(*runs), cmp_runs);
	if (n == 1) { /* one leaf: it is the root */
		leaf_header(runs[0]);
		ret = write_page(f, t->root, runs[0]->page);
	} else if (n > 1) {
		all = xcalloc(n, sizeof(*all));
		for (int i = 0; i < nstarted && !ret; i++) {
			struct btb_run *r = runs[i];
			if (r->ncell && leaf_flush(r))
				ret = -1;
			memcpy(all + k, r->leaves, r->nleaves * sizeof(*all));
			k += r->nleaves;
		}
		if (!ret)
			ret = build_interior(f, t->root, all, n);
		free(all);
	}
	free(runs);
	return ret;
}

static void free_file(struct btb_file *f)
{
	for (int i = 0; i < f->ntables; i++) {
		struct btb_table *t = f->tables[i];
		for (int k = 0; k < t->nruns; k++) {
			free(t->runs[k]->page);
			free(t->runs[k]->leaves);
			free(t->runs[k]->rec);
			free(t->runs[k]->st);
			free(t->runs[k]->len);
			free(t->runs[k]);
		}
		free(t->runs);
		free(t);
	}
	free(f->tables);
	free(f->buf);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

int btb_finish(struct btb_file *f)
{
	unsigned char h[4];
	unsigned counter;
	int ret = 0;
	for (int i = 0; i < f->ntables && !ret; i++)
		ret = table_finish(f->tables[i]);
	/* the page count, valid because the change counter and the
	 * version-valid-for number agree; the new counter makes a
	 * connection drop what it had cached */
	if (!ret && pread(f->fd, h, 4, 24) != 4)
		ret = error("cannot read the staging file's header: %s", strerror(errno));
	if (!ret) {
		counter = get4(h) + 1;
		put4(h, counter);
		if (pwrite(f->fd, h, 4, 24) != 4 || pwrite(f->fd, h, 4, 92) != 4)
			ret = error("cannot write the staging file's header: %s", strerror(errno));
		put4(h, f->next - 1);
		if (!ret && pwrite(f->fd, h, 4, 28) != 4)
			ret = error("cannot write the staging file's header: %s", strerror(errno));
	}
	free_file(f);
	return ret;
}

void btb_abandon(struct btb_file *f)
{
	if (f)
		free_file(f);
}
