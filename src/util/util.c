#define _GNU_SOURCE
#include "term.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

const char *progname = "drydock";
int dd_quiet;
int dd_mute_reports;
int dd_json_messages;
char strbuf_empty[1];

/* ------------------------------------------------------------------ memory */

static void oom(void)
{
	fputs("drydock: error: out of memory\n", stderr);
	exit(EXIT_RUNTIME);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sb_detach(&sb, NULL);
}

/* ------------------------------------------------------------------ strbuf */

void sb_init(struct strbuf *sb, size_t hint)
{
	sb->len = sb->alloc = 0;
	sb->buf = strbuf_empty;
	if (hint)
		sb_grow(sb, hint);
}

void sb_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb_init(sb, 0);
}

void sb_add_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		sb_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		sb_addch(sb, (int)(0xc0 | (cp >> 6)));
		sb_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addch(sb, (int)(0xe0 | (cp >> 12)));
		sb_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		sb_addch(sb, (int)(0xf0 | (cp >> 18)));
		sb_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		sb_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit((unsigned char)p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

char *sb_detach(struct strbuf *sb, size_t *len)
{
	char *r;
	if (!sb->alloc)
		sb_grow(sb, 0);
	r = sb->buf;
	if (len)
		*len = sb->len;
	sb_init(sb, 0);
	return r;
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	size_t na = sb->alloc ? sb->alloc : 64;
	while (na < need)
		na *= 2;
	if (!sb->alloc) {
		sb->buf = xmalloc(na);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, na);
	}
	sb->alloc = na;
}

void sb_reset(struct strbuf *sb)
{
	sb_setlen(sb, 0);
}

void sb_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len)
			die("sb_setlen beyond an empty buffer");
		return;
	}
	sb->len = len;
	sb->buf[len] = '\0';
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addch(struct strbuf *sb, int c)
{
	sb_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	va_copy(cp, ap);
	sb_grow(sb, 64);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("vsnprintf failed");
	if ((size_t)n >= sb->alloc - sb->len) {
		sb_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* PostgreSQL keywords that must be quoted as column or table names. */
static const char *const reserved_words[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc",
	"asymmetric", "authorization", "binary", "both", "case", "cast",
	"check", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date",
	"current_role", "current_schema", "current_time",
	"current_timestamp", "current_user", "default", "deferrable", "desc",
	"distinct", "do", "else", "end", "except", "false", "fetch", "for",
	"foreign", "freeze", "from", "full", "grant", "group", "having",
	"ilike", "in", "initially", "inner", "intersect", "into", "is",
	"isnull", "join", "lateral", "leading", "left", "like", "limit",
	"localtime", "localtimestamp", "natural", "not", "notnull", "null",
	"offset", "on", "only", "or", "order", "outer", "overlaps", "placing",
	"primary", "references", "returning", "right", "select",
	"session_user", "similar", "some", "symmetric", "system_user", "table",
	"tablesample", "then", "to", "trailing", "true", "union", "unique",
	"user", "using", "variadic", "verbose", "when", "where", "window",
	"with",
};

static int ident_needs_quotes(const char *s)
{
	const char *p;
	if (!*s || !(islower((unsigned char)*s) || *s == '_'))
		return 1;
	for (p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_'))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(reserved_words); i++)
		if (!strcmp(s, reserved_words[i]))
			return 1;
	return 0;
}

void sb_add_qident(struct strbuf *sb, const char *s)
{
	sb_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_addch(sb, '"');
		sb_addch(sb, *s);
	}
	sb_addch(sb, '"');
}

void sb_add_ident(struct strbuf *sb, const char *s)
{
	if (ident_needs_quotes(s))
		sb_add_qident(sb, s);
	else
		sb_adds(sb, s);
}

void sb_add_literal(struct strbuf *sb, const char *s)
{
	/* standard_conforming_strings is on in every supported PostgreSQL:
	 * backslashes are ordinary characters in '...' literals. */
	sb_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_addch(sb, '\'');
		sb_addch(sb, *s);
	}
	sb_addch(sb, '\'');
}

void sb_add_json_string(struct strbuf *sb, const char *s, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	size_t run = 0;
	sb_grow(sb, len + 2);
	sb_addch(sb, '"');
	/* copy runs of characters that need no escape in one go */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_add(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': sb_add(sb, "\\\"", 2); break;
		case '\\': sb_add(sb, "\\\\", 2); break;
		case '\n': sb_add(sb, "\\n", 2); break;
		case '\r': sb_add(sb, "\\r", 2); break;
		case '\t': sb_add(sb, "\\t", 2); break;
		case '\b': sb_add(sb, "\\b", 2); break;
		case '\f': sb_add(sb, "\\f", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hx[c >> 4], hx[c & 15] };
			sb_add(sb, u, 6);
		}
		}
	}
	sb_add(sb, s + run, len - run);
	sb_addch(sb, '"');
}

/* ------------------------------------------------------------------ errors */

static char **secrets;
static size_t nr_secrets, alloc_secrets;

void redact_register(const char *secret)
{
	if (!secret || strlen(secret) < 3)
		return;
	ALLOC_GROW(secrets, nr_secrets + 1, alloc_secrets);
	secrets[nr_secrets++] = xstrdup(secret);
}

char *redact(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, s);
	for (size_t i = 0; i < nr_secrets; i++) {
		size_t sl = strlen(secrets[i]);
		char *hit;
		size_t from = 0;
		while ((hit = strstr(sb.buf + from, secrets[i]))) {
			struct strbuf out = STRBUF_INIT;
			size_t at = (size_t)(hit - sb.buf);
			sb_add(&out, sb.buf, at);
			sb_adds(&out, "********");
			from = out.len;
			sb_adds(&out, hit + sl);
			sb_release(&sb);
			sb = out;
		}
	}
	return sb_detach(&sb, NULL);
}

static void vreport(const char *level, const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg;
	if (dd_mute_reports)
		return;
	sb_vaddf(&sb, fmt, ap);
	msg = redact(sb.buf);
	fflush(stdout);
	progress_clear_line();
	if (dd_json_messages) {
		struct strbuf j = STRBUF_INIT;
		sb_addf(&j, "{\"level\": \"%s\", \"message\": ", level);
		sb_add_json_string(&j, msg, strlen(msg));
		sb_adds(&j, "}\n");
		fputs(j.buf, stderr);
		sb_release(&j);
	} else {
		fprintf(stderr, "%s%s\n", prefix, msg);
	}
	free(msg);
	sb_release(&sb);
}

int error(const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s: %serror:%s ", progname, color(2, C_RED),
		 color(2, C_RESET));
	va_start(ap, fmt);
	vreport("error", prefix, fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s: %swarning:%s ", progname, color(2, C_YELLOW),
		 color(2, C_RESET));
	va_start(ap, fmt);
	vreport("warning", prefix, fmt, ap);
	va_end(ap);
}

void detail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("detail", "detail: ", fmt, ap);
	va_end(ap);
}

void hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("hint", "hint: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	if (dd_quiet)
		return;
	snprintf(prefix, sizeof(prefix), "%s: ", progname);
	va_start(ap, fmt);
	vreport("info", prefix, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s: %sfatal:%s ", progname, color(2, C_RED),
		 color(2, C_RESET));
	va_start(ap, fmt);
	vreport("fatal", prefix, fmt, ap);
	va_end(ap);
	exit(EXIT_RUNTIME);
}

/* ------------------------------------------------------------------- files */

char *read_file(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char tmp[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		sb_add(&sb, tmp, n);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		sb_release(&sb);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	return sb_detach(&sb, len);
}

int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int fsync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd, ret = 0;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		if (fsync(fd) && errno != EINVAL)
			ret = -1;
		close(fd);
	}
	free(copy);
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	const char *p = data;
	int fd, ret = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		error("cannot write '%s': %s", tmp, strerror(errno));
		goto cleanup;
	}
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error("cannot write '%s': %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto cleanup;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		error("cannot write '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	fault_point("write.before_rename");
	if (rename(tmp, path)) {
		error("cannot rename '%s' to '%s': %s", tmp, path,
		      strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	fsync_dir_of(path);
	ret = 0;
cleanup:
	free(tmp);
	return ret;
}

int mkdir_p(const char *path, int mode)
{
	char *copy = xstrdup(path);
	int ret = 0;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, (mode_t)mode) && errno != EEXIST) {
			ret = -1;
			goto out;
		}
		*p = '/';
	}
	if (mkdir(copy, (mode_t)mode) && errno != EEXIST)
		ret = -1;
out:
	free(copy);
	return ret;
}

char *path_join(const char *dir, const char *name)
{
	size_t dl;
	if (name[0] == '/' || !dir || !*dir)
		return xstrdup(name);
	dl = strlen(dir);
	if (dir[dl - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

int fclose_checked(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (fflush(f))
		bad = 1;
	if (!bad && fsync(fileno(f)) && errno != EINVAL && errno != EROFS)
		bad = 1;
	int e = errno;
	if (fclose(f))
		bad = 1;
	else if (bad)
		errno = e;
	if (bad)
		return error("cannot write '%s': %s", path,
			     strerror(errno ? errno : EIO));
	return 0;
}

/* ------------------------------------------------------------------ faults */

void fault_point(const char *name)
{
	static const char *spec;
	static int checked;
	static long passes;
	const char *p;
	char *end;
	long nth = 1;
	size_t n;
	if (!checked) {
		spec = getenv("DD_FAULT");
		checked = 1;
	}
	if (!spec)
		return;
	n = strlen(name);
	if (strncmp(spec, name, n) || (spec[n] && spec[n] != ':'))
		return;
	p = spec + n;
	if (*p == ':' && isdigit((unsigned char)p[1])) {
		nth = strtol(p + 1, &end, 10);
		p = end;
	}
	if (*p && strcmp(p, ":stop"))
		return;
	if (++passes != nth)
		return;
	fflush(NULL);
	if (*p) {
		raise(SIGSTOP);
		return;
	}
	kill(getpid(), SIGKILL);
}

/* -------------------------------------------------------------------- misc */

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *utc_timestamp(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int stderr_is_tty(void)
{
	return isatty(2);
}

int stdin_is_tty(void)
{
	return isatty(0);
}

int parse_long(const char *s, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* ----------------------------------------------------------------- sha-256 */

void sha256_init(struct sha256 *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		die("cannot initialise SHA-256");
	c->ctx = ctx;
}

void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(c->ctx, data, len) != 1)
		die("SHA-256 failed");
}

void sha256_final(struct sha256 *c, unsigned char out[32])
{
	unsigned int n = 32;
	if (EVP_DigestFinal_ex(c->ctx, out, &n) != 1 || n != 32)
		die("SHA-256 failed");
	EVP_MD_CTX_free(c->ctx);
	c->ctx = NULL;
}

void sha256_hex(const unsigned char d[32], char out[65])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[64] = '\0';
}

/* ---------------------------------------------------------------- progress */

int dd_progress_forced;

/* a progress line is on stderr, not yet ended by a newline */
static int progress_line_shown;

void progress_clear_line(void)
{
	if (!progress_line_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_line_shown = 0;
}

int progress_wanted(void)
{
	return !dd_quiet && (dd_progress_forced || stderr_is_tty());
}

static void progress_draw(struct progress *p, double t);

void progress_start_unit(struct progress *p, const char *label, long long total,
			 const char *unit)
{
	p->label = label;
	p->unit = unit;
	p->total = total;
	p->done = 0;
	p->start = p->last = now_seconds();
	p->expect = 0;
	p->active = progress_wanted();
	if (p->active && dd_progress_forced) {
		/* forced: every phase says it started, however short */
		progress_draw(p, p->start);
		p->last = p->start + 1e-9;
	}
}

void progress_start(struct progress *p, const char *label, long long total)
{
	progress_start_unit(p, label, total, "rows");
}

/* "42s", "3m05s", "1h02m" */
static void add_duration(struct strbuf *sb, double secs)
{
	long s = (long)(secs + 0.5);
	if (secs < 9.95)
		sb_addf(sb, "%.1fs", secs);
	else if (s < 60)
		sb_addf(sb, "%lds", s);
	else if (s < 3600)
		sb_addf(sb, "%ldm%02lds", s / 60, s % 60);
	else
		sb_addf(sb, "%ldh%02ldm", s / 3600, s % 3600 / 60);
}

/*
 * Draws the line: "LABEL: DONE / ~TOTAL UNIT (P%), RATE UNIT/s, ETA 12s",
 * or without a total "LABEL: DONE UNIT, RATE UNIT/s", or for a phase that
 * counts nothing (unit NULL) "LABEL... 3s".  The first draw waits
 * PROGRESS_DELAY so that phases shorter than that leave no trace.
 */
#define PROGRESS_DELAY 0.5
static void progress_draw(struct progress *p, double t)
{
	struct strbuf sb = STRBUF_INIT;
	double el = t - p->start, rate;
	sb_addf(&sb, "\r\033[K%s", p->label);
	if (!p->unit) {
		sb_adds(&sb, "... ");
		add_duration(&sb, el);
		if (p->expect > el) {
			sb_adds(&sb, ", ETA ");
			add_duration(&sb, p->expect - el);
		}
		goto draw;
	}
	if (p->done <= 0) {
		/* nothing counted yet: no rate to speak of */
		if (p->total > 0)
			sb_addf(&sb, ": 0 / ~%lld %s, ", p->total, p->unit);
		else
			sb_addf(&sb, ": 0 %s, ", p->unit);
		add_duration(&sb, el);
		goto draw;
	}
	rate = (double)p->done / (el > 1e-6 ? el : 1e-6);
	if (p->total > 0) {
		sb_addf(&sb, ": %lld / ~%lld %s (%.0f%%), %.*f %s/s", p->done, p->total, p->unit,
			p->done > p->total ? 100.0 : 100.0 * (double)p->done / (double)p->total,
			rate < 10 ? 1 : 0, rate, p->unit);
		if (p->done > 0 && p->done < p->total) {
			sb_adds(&sb, ", ETA ");
			add_duration(&sb, (double)(p->total - p->done) / rate);
		}
	} else {
		sb_addf(&sb, ": %lld %s, %.*f %s/s", p->done, p->unit, rate < 10 ? 1 : 0, rate, p->unit);
	}
draw:
	fputs(sb.buf, stderr);
	fflush(stderr);
	progress_line_shown = 1;
	sb_release(&sb);
}

void progress_update(struct progress *p, long long done)
{
	double t;
	p->done = done;
	if (!p->active)
		return;
	t = now_seconds();
	/* forced (a log, CI): every phase shows, from its first count */
	if (dd_progress_forced ? p->last > p->start && t - p->last < 0.1
			       : t - p->last < 0.1 || t - p->start < PROGRESS_DELAY)
		return;
	p->last = t;
	progress_draw(p, t);
}

void progress_tick(struct progress *p)
{
	progress_update(p, p->done);
}

void progress_end(struct progress *p)
{
	if (p->active)
		progress_clear_line();
	p->active = 0;
}
