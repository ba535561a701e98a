#define _GNU_SOURCE
#include "sqlfn.h"
#include "fn_datetime.h"
#include "fn_uuidgen.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uuid/uuid.h>

static struct {
	unsigned char seed[32];      /* sha256 of the run's seed text */
	unsigned char stream[32];    /* current step/batch stream key */
	uint64_t counter;            /* draws from the stream */
	sqlite3_int64 clock_ms;      /* Julian day in ms, for the VFS */
	char clock_text[96];         /* timestamptz text for now() */
	sqlite3_vfs vfs;             /* copy of the default VFS, clock fixed */
	sqlite3_vfs *base;
	int registered;
} R;

/* 32 bytes of the current stream: sha256(stream key || counter). */
static void draw(unsigned char out[32])
{
	struct sha256 c;
	unsigned char ctr[8];
	for (int i = 0; i < 8; i++)
		ctr[i] = (unsigned char)(R.counter >> (56 - 8 * i));
	R.counter++;
	sha256_init(&c);
	sha256_update(&c, R.stream, sizeof(R.stream));
	sha256_update(&c, ctr, sizeof(ctr));
	sha256_final(&c, out);
}

void sqlfn_reseed(const char *step, long batch)
{
	struct sha256 c;
	char b[32];
	snprintf(b, sizeof(b), "%ld", batch);
	sha256_init(&c);
	sha256_update(&c, R.seed, sizeof(R.seed));
	sha256_update(&c, step, strlen(step) + 1);
	sha256_update(&c, b, strlen(b) + 1);
	sha256_final(&c, R.stream);
	R.counter = 0;
	/* SQLite's own PRNG (random(), randomblob()) reseeds from the VFS */
	sqlite3_randomness(0, NULL);
}

/* ---------------------------------------------------------------- the VFS */

static int vfs_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	for (int i = 0; i < n; i += 32) {
		unsigned char blk[32];
		draw(blk);
		memcpy(out + i, blk, (size_t)(n - i < 32 ? n - i : 32));
	}
	return n;
}

static int vfs_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	*t = R.clock_ms;
	return SQLITE_OK;
}

static int vfs_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	*t = (double)R.clock_ms / 86400000.0;
	return SQLITE_OK;
}

static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int sqlfn_setup(const char *seed, const char *clock_text)
{
	struct sha256 c;
	int Y, M, D, h, mi, n = 0;
	double s;
	char sep;

	sha256_init(&c);
	sha256_update(&c, seed, strlen(seed));
	sha256_final(&c, R.seed);

	if (sscanf(clock_text, "%4d-%2d-%2d%c%2d:%2d:%lf%n", &Y, &M, &D, &sep,
		   &h, &mi, &s, &n) < 7 ||
	    (sep != ' ' && sep != 'T') || M < 1 || M > 12 || D < 1 || D > 31 ||
	    h > 23 || mi > 59 || s < 0 || s >= 61)
		return -1;
	{
		const char *rest = clock_text + n;
		if (*rest && strcmp(rest, "Z") && strcmp(rest, "+00") &&
		    strcmp(rest, "+00:00"))
			return -1; /* only UTC clocks: the run's text is timestamptz UTC */
	}
	long days = days_from_civil(Y, (unsigned)M, (unsigned)D);
	double unix_ms = ((double)days * 86400.0 + h * 3600.0 + mi * 60.0 + s) * 1000.0;
	/* Julian day 2440587.5 is the Unix epoch */
	R.clock_ms = (sqlite3_int64)(unix_ms + 2440587.5 * 86400000.0);
	{
		int whole = (int)s;
		int micros = (int)((s - whole) * 1e6 + 0.5);
		if (micros >= 1000000)
			micros = 999999;
		if (micros)
			snprintf(R.clock_text, sizeof(R.clock_text),
				 "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Y, M, D, h, mi,
				 whole, micros);
		else
			snprintf(R.clock_text, sizeof(R.clock_text),
				 "%04d-%02d-%02d %02d:%02d:%02d+00", Y, M, D, h, mi, whole);
	}
	if (!R.registered) {
		R.base = sqlite3_vfs_find(NULL);
		if (!R.base)
			return -1;
		R.vfs = *R.base;
		R.vfs.zName = DD_VFS_NAME;
		R.vfs.xRandomness = vfs_randomness;
		R.vfs.xCurrentTime = vfs_time;
		if (R.vfs.iVersion >= 2)
			R.vfs.xCurrentTimeInt64 = vfs_time64;
		if (sqlite3_vfs_register(&R.vfs, 1) != SQLITE_OK)
			return -1;
		R.registered = 1;
	}
	sqlfn_reseed("", 0);
	/* the SQL runtime's now(), current_date, 'now'... read the same clock */
	if (fn_datetime_set_clock(R.clock_text) < 0)
		return -1;
	return 0;
}

const char *sqlfn_clock_text(void)
{
	return R.clock_text;
}

/* ----------------------------------------------------------- the functions */

static void fn_uuid_v4(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char b[32];
	uuid_t u;
	char out[37];
	(void)argc;
	(void)argv;
	draw(b);
	memcpy(u, b, 16);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	uuid_unparse_lower(u, out);
	sqlite3_result_text(ctx, out, 36, SQLITE_TRANSIENT);
}

static void fn_uuid_v5(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const struct {
		const char *name, *uuid;
	} known[] = {
		{ "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
		{ "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
		{ "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
		{ "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
	};
	const char *ns = (const char *)sqlite3_value_text(argv[0]);
	const char *name = (const char *)sqlite3_value_text(argv[1]);
	uuid_t nsu, out;
	char text[37];
	(void)argc;
	if (!ns || !name) {
		sqlite3_result_null(ctx);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcasecmp(ns, known[i].name))
			ns = known[i].uuid;
	if (uuid_parse(ns, nsu)) {
		sqlite3_result_error(ctx, "uuid_v5: the namespace is not a UUID (or dns, url, oid, x500)", -1);
		return;
	}
	uuid_generate_sha1(out, nsu, name, (size_t)sqlite3_value_bytes(argv[1]));
	uuid_unparse_lower(out, text);
	sqlite3_result_text(ctx, text, 36, SQLITE_TRANSIENT);
}

static void fn_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, R.clock_text, -1, SQLITE_STATIC);
}

int sqlfn_register(sqlite3 *db)
{
	/* compiled steps reach the same streams (src/sql/fn_uuidgen.h) */
	uuidgen_install(fn_uuid_v4, fn_uuid_v5);
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "gen_random_uuid", 0, fn_uuid_v4 },
		{ "uuid_generate_v4", 0, fn_uuid_v4 },
		{ "uuid_v5", 2, fn_uuid_v5 },
		{ "uuid_generate_v5", 2, fn_uuid_v5 },
		{ "now", 0, fn_now },
		{ "transaction_timestamp", 0, fn_now },
		{ "statement_timestamp", 0, fn_now },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		/* uuid_v5 and now() are deterministic; v4 draws from the stream,
		 * so SQLite must call it once per row */
		int flags = SQLITE_UTF8 |
			    (fns[i].fn == fn_uuid_v4 ? 0 : SQLITE_DETERMINISTIC);
		if (sqlite3_create_function(db, fns[i].name, fns[i].nargs, flags,
					    NULL, fns[i].fn, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}
