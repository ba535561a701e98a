/*
 * Named time zones from the tz database files: see tzfile.h.  The rules
 * (which offset an instant has, which offset a local time gets around a
 * transition) follow PostgreSQL 15's src/timezone/localtime.c
 * (localsub, pg_next_dst_boundary) and DetermineTimeZoneOffsetInternal.
 */
#include "tzfile.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util.h"

/* Where Debian's PostgreSQL reads its zones (pg_config --configure). */
#define TZDIR "/usr/share/zoneinfo"
#define SECS_PER_DAY 86400
/* The Gregorian calendar repeats every 400 years (146097 days). */
#define SECS_PER_REPEAT (146097LL * SECS_PER_DAY)

struct ttype {
	int32_t utoff;
	int isdst;
};

struct tzone {
	char *key;              /* the name as asked for, lower case */
	int ok;                 /* 0: not a zone (cached refusal) */
	int64_t *ats;           /* transition instants, ascending */
	unsigned char *types;   /* the type from each transition on */
	int n;
	size_t alloc;
	struct ttype *tt;
	int ntt;
	size_t alloc_tt;
	int repeats;            /* the TZ string has DST rules: times after the
				   last transition repeat the 400-year cycle */
	struct tzone *next;
};

static struct tzone *loaded;

/* ---- the file ---- */

/* pg_open_tzfile: each path component matched case-insensitively. */
static char *zone_path(const char *name)
{
	struct strbuf path = STRBUF_INIT;
	const char *p = name;
	if (!*name || *name == '/' || strlen(name) > 255)
		return NULL;
	sb_adds(&path, TZDIR);
	while (*p) {
		size_t len = strcspn(p, "/");
		char comp[256];
		struct stat st;
		if (len == 0 || len >= sizeof(comp))
			goto bad;
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (!strcmp(comp, ".") || !strcmp(comp, ".."))
			goto bad;
		size_t at = path.len;
		sb_addf(&path, "/%s", comp);
		if (stat(path.buf, &st) != 0) {
			DIR *d;
			struct dirent *de;
			int found = 0;
			sb_setlen(&path, at);
			if (!(d = opendir(path.buf)))
				goto bad;
			while ((de = readdir(d)))
				if (!strcasecmp(de->d_name, comp) && de->d_name[0] != '.') {
					sb_addf(&path, "/%s", de->d_name);
					found = 1;
					break;
				}
			closedir(d);
			if (!found)
				goto bad;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return sb_detach(&path, NULL);
bad:
	sb_release(&path);
	return NULL;
}

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

static int add_type(struct tzone *z, int32_t utoff, int isdst)
{
	for (int i = 0; i < z->ntt; i++)
		if (z->tt[i].utoff == utoff && z->tt[i].isdst == isdst)
			return i;
	if (z->ntt >= 255)
		return -1;
	ALLOC_GROW(z->tt, (size_t)z->ntt + 1, z->alloc_tt);
	z->tt[z->ntt].utoff = utoff;
	z->tt[z->ntt].isdst = isdst;
	return z->ntt++;
}

static void add_transition(struct tzone *z, int64_t at, int type)
{
	if (z->n && at <= z->ats[z->n - 1])
		return;
	ALLOC_GROW(z->ats, (size_t)z->n + 1, z->alloc);
	z->types = xrealloc(z->types, z->alloc);
	z->ats[z->n] = at;
	z->types[z->n++] = (unsigned char)type;
}

/* ---- the TZ string (POSIX, with tzcode's extensions) ---- */

struct rule {
	char kind;      /* 'J', 'D' (day of year from 0), 'M' */
	int day, week, mon;
	int32_t secs;   /* local time of day, may be outside 0..24h */
};

static const char *p_name(const char *s)
{
	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		return *s == '>' ? s + 1 : NULL;
	}
	const char *b = s;
	while (isalpha((unsigned char)*s))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to 167 */
static const char *p_secs(const char *s, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s))
		h = h * 10 + (*s++ - '0');
	if (*s == ':') {
		s++;
		while (isdigit((unsigned char)*s))
			m = m * 10 + (*s++ - '0');
		if (*s == ':') {
			s++;
			while (isdigit((unsigned char)*s))
				sec = sec * 10 + (*s++ - '0');
		}
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *p_rule(const char *s, struct rule *r)
{
	r->secs = 2 * 3600;
	if (*s == 'J' || isdigit((unsigned char)*s)) {
		r->kind = *s == 'J' ? 'J' : 'D';
		if (*s == 'J')
			s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		r->day = 0;
		while (isdigit((unsigned char)*s))
			r->day = r->day * 10 + (*s++ - '0');
	} else if (*s == 'M') {
		r->kind = 'M';
		if (sscanf(s + 1, "%d.%d.%d", &r->mon, &r->week, &r->day) != 3 ||
		    r->mon < 1 || r->mon > 12 || r->week < 1 || r->week > 5 || r->day < 0 || r->day > 6)
			return NULL;
		s++;
		for (int dots = 0; *s && (isdigit((unsigned char)*s) || (*s == '.' && dots++ < 2)); s++)
			;
	} else {
		return NULL;
	}
	if (*s == '/' && !(s = p_secs(s + 1, &r->secs)))
		return NULL;
	return s;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The local time (seconds since 1970 as if UTC) the rule names in year y. */
static int64_t rule_local(const struct rule *r, int64_t y)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t day;
	if (r->kind == 'J') {
		day = days_from_civil(y, 1, 1) + r->day - 1 + (is_leap(y) && r->day >= 60);
	} else if (r->kind == 'D') {
		day = days_from_civil(y, 1, 1) + r->day;
	} else {
		int64_t first = days_from_civil(y, r->mon, 1);
		int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int d = 1 + (r->day - wday + 7) % 7 + (r->week - 1) * 7;
		int len = mdays[r->mon - 1] + (r->mon == 2 && is_leap(y));
		while (d > len)
			d -= 7;
		day = first + d - 1;
	}
	return day * SECS_PER_DAY + r->secs;
}

/* The TZ string: after the last transition of the file. */
static int apply_tz_string(struct tzone *z, const char *s)
{
	int32_t std, dst;
	struct rule start, end;
	if (!(s = p_name(s)) || !(s = p_secs(s, &std)))
		return -1;
	std = -std; /* POSIX offsets are west of Greenwich */
	if (!*s)
		return add_type(z, std, 0) < 0 ? -1 : 0; /* no DST: the last offset stays */
	if (!(s = p_name(s)))
		return -1;
	dst = std + 3600;
	if (*s && *s != ',') {
		if (!(s = p_secs(s, &dst)))
			return -1;
		dst = -dst;
	}
	if (*s != ',' || !(s = p_rule(s + 1, &start)) || *s != ',' || !(s = p_rule(s + 1, &end)) || *s)
		return -1;
	int ts = add_type(z, std, 0), td = add_type(z, dst, 1);
	if (ts < 0 || td < 0)
		return -1;
	int64_t y0 = 1970;
	if (z->n) {
		/* the year of the last listed transition */
		int64_t days = z->ats[z->n - 1] / SECS_PER_DAY;
		y0 = 1970 + days / 366 - 1;
		while (days_from_civil(y0 + 1, 1, 1) <= days)
			y0++;
	}
	/* one whole 400-year cycle past the listed transitions, so that a
	 * later time moved back by whole cycles lands among rule transitions,
	 * as in PostgreSQL's table */
	for (int64_t y = y0; y <= y0 + 401; y++) {
		int64_t on = rule_local(&start, y) - std, off = rule_local(&end, y) - dst;
		if (on < off) {
			add_transition(z, on, td);
			add_transition(z, off, ts);
		} else {
			add_transition(z, off, ts);
			add_transition(z, on, td);
		}
	}
	z->repeats = 1;
	return 0;
}

static int load_file(struct tzone *z, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, r;
	int ret = -1;
	if (!f)
		return -1;
	do {
		ALLOC_GROW(buf, len + 4096, cap);
		r = fread(buf + len, 1, 4096, f);
		len += r;
	} while (r == 4096 && len < (1 << 20));
	fclose(f);
	if (len < 44 || memcmp(buf, "TZif", 4) || buf[4] < '2')
		goto done;
	/* skip the version 1 block: 32-bit data */
	{
		int64_t isut = be(buf + 20, 4), isstd = be(buf + 24, 4), leap = be(buf + 28, 4);
		int64_t timecnt = be(buf + 32, 4), typecnt = be(buf + 36, 4), charcnt = be(buf + 40, 4);
		size_t skip = 44 + (size_t)(timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut);
		if (skip + 44 > len || memcmp(buf + skip, "TZif", 4))
			goto done;
		const unsigned char *h = buf + skip;
		isut = be(h + 20, 4);
		isstd = be(h + 24, 4);
		leap = be(h + 28, 4);
		timecnt = be(h + 32, 4);
		typecnt = be(h + 36, 4);
		charcnt = be(h + 40, 4);
		if (leap != 0 || typecnt < 1 || typecnt > 255 || timecnt < 0 || timecnt > 10000)
			goto done; /* leap-second ("right/") zones are not PostgreSQL's */
		const unsigned char *p = h + 44;
		size_t need = (size_t)(timecnt * 9 + typecnt * 6 + charcnt + isstd + isut);
		if ((size_t)(p - buf) + need > len)
			goto done;
		const unsigned char *idx = p + timecnt * 8, *tt = idx + timecnt;
		int map[256];
		for (int i = 0; i < typecnt; i++) {
			map[i] = add_type(z, (int32_t)be(tt + i * 6, 4), tt[i * 6 + 4] != 0);
			if (map[i] < 0)
				goto done;
		}
		for (int i = 0; i < timecnt; i++) {
			if (idx[i] >= typecnt)
				goto done;
			add_transition(z, be(p + i * 8, 8), map[idx[i]]);
		}
		/* the footer: "\nTZ string\n" */
		const unsigned char *foot = p + need;
		if (foot < buf + len && *foot == '\n') {
			const unsigned char *e = memchr(foot + 1, '\n', (size_t)(buf + len - foot - 1));
			if (e && e > foot + 1) {
				char *tzs = xstrndup((const char *)foot + 1, (size_t)(e - foot - 1));
				int rc = apply_tz_string(z, tzs);
				free(tzs);
				if (rc < 0)
					goto done;
			}
		}
	}
	ret = 0;
done:
	free(buf);
	return ret;
}

const struct tzone *tz_load(const char *name)
{
	struct strbuf key = STRBUF_INIT;
	struct tzone *z;
	char *path;
	for (const char *p = name; *p; p++)
		sb_addch(&key, (char)tolower((unsigned char)*p));
	for (z = loaded; z; z = z->next)
		if (!strcmp(z->key, key.buf)) {
			sb_release(&key);
			return z->ok ? z : NULL;
		}
	z = xcalloc(1, sizeof(*z));
	z->key = sb_detach(&key, NULL);
	path = zone_path(name);
	z->ok = path && load_file(z, path) == 0;
	free(path);
	z->next = loaded;
	loaded = z;
	return z->ok ? z : NULL;
}

/* ---- lookups ---- */

/* The first transition in 1..hi after t (hi when none before it is). */
static int first_after(const struct tzone *z, int64_t t, int hi)
{
	int lo = 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (t < z->ats[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* localsub: the type in effect at instant t */
int tz_utoff_at(const struct tzone *z, int64_t t)
{
	if (z->n == 0 || t < z->ats[0])
		return z->tt[0].utoff;
	if (t > z->ats[z->n - 1]) {
		if (!z->repeats)
			return z->tt[z->types[z->n - 1]].utoff;
		int64_t k = (t - z->ats[z->n - 1] - 1) / SECS_PER_REPEAT + 1;
		return tz_utoff_at(z, t - k * SECS_PER_REPEAT);
	}
	return z->tt[z->types[first_after(z, t, z->n) - 1]].utoff;
}

static int lowest_standard(const struct tzone *z)
{
	for (int i = 0; i < z->ntt; i++)
		if (!z->tt[i].isdst)
			return i;
	return 0;
}

/* pg_next_dst_boundary: 0 when no transition follows t (before set) */
static int next_boundary(const struct tzone *z, int64_t t, int32_t *before, int64_t *boundary,
			 int32_t *after)
{
	if (z->n == 0) {
		*before = z->tt[lowest_standard(z)].utoff;
		return 0;
	}
	if (z->repeats && t > z->ats[z->n - 1]) {
		int64_t k = (t - z->ats[z->n - 1] - 1) / SECS_PER_REPEAT + 1;
		int r = next_boundary(z, t - k * SECS_PER_REPEAT, before, boundary, after);
		if (r == 1)
			*boundary += k * SECS_PER_REPEAT;
		return r;
	}
	if (t >= z->ats[z->n - 1]) {
		*before = z->tt[z->types[z->n - 1]].utoff;
		return 0;
	}
	if (t < z->ats[0]) {
		*before = z->tt[lowest_standard(z)].utoff;
		*boundary = z->ats[0];
		*after = z->tt[z->types[0]].utoff;
		return 1;
	}
	int lo = first_after(z, t, z->n - 1);
	*before = z->tt[z->types[lo - 1]].utoff;
	*boundary = z->ats[lo];
	*after = z->tt[z->types[lo]].utoff;
	return 1;
}

/* DetermineTimeZoneOffsetInternal */
int tz_utoff_for_local(const struct tzone *z, int64_t t)
{
	int32_t before, after;
	int64_t boundary;
	if (next_boundary(z, t - SECS_PER_DAY, &before, &boundary, &after) == 0)
		return before;
	int64_t beforetime = t - before, aftertime = t - after;
	if (beforetime < boundary && aftertime < boundary)
		return before;
	if (beforetime > boundary && aftertime >= boundary)
		return after;
	/* a gap (spring forward): the offset before; an overlap: after */
	return beforetime > aftertime ? before : after;
}
