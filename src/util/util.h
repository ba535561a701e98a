/*
 * util: the small pieces every module shares.
 *
 *  - strbuf: a growable string whose buf is never NULL (git's strbuf).
 *  - error reporting: error() prints "drydock: error: ..." and returns -1;
 *    detail() and hint() add full-sentence lines below it. die() exits 3.
 *  - files: read a whole file, write a file atomically (NAME.tmp, fsync,
 *    rename), make temp paths.
 *  - exit codes shared by all commands.
 */
#ifndef DD_UTIL_H
#define DD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>

#define DD_VERSION "0.1.0"

/* Documented exit codes (README "Exit codes"). */
enum {
	EXIT_OK = 0,       /* success; reports equal */
	EXIT_FINDINGS = 1, /* checks failed, reports differ, conflicts found */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_RUNTIME = 3   /* bad input, I/O, database or step failure */
};

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* The value of hexadecimal digit c, or -1. */
int hex_digit(int c);
/* The four hex digits at p (a JSON \uXXXX escape) into *out; -1 if not hex. */
int hex4(const char *p, unsigned *out);

/* ---- memory ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Grow a dynamic array: ensure (*arr) holds at least n items of size sz. */
#define ALLOC_GROW(arr, n, alloc)                                        \
	do {                                                             \
		if ((size_t)(n) > (alloc)) {                             \
			size_t na_ = (alloc) ? (alloc) * 2 : 8;          \
			while (na_ < (size_t)(n))                        \
				na_ *= 2;                                \
			(arr) = xrealloc((arr), na_ * sizeof(*(arr)));   \
			(alloc) = na_;                                   \
		}                                                        \
	} while (0)

/* ---- strbuf ---- */
struct strbuf {
	size_t len;   /* bytes used, excluding the terminating NUL */
	size_t alloc; /* bytes allocated; 0 while buf points at the empty string */
	char *buf;    /* always NUL-terminated, never NULL */
};
#define STRBUF_INIT { 0, 0, strbuf_empty }
extern char strbuf_empty[];

void sb_init(struct strbuf *sb, size_t hint);
void sb_release(struct strbuf *sb);
char *sb_detach(struct strbuf *sb, size_t *len);
/* Appends code point cp as UTF-8. */
void sb_add_utf8(struct strbuf *sb, unsigned cp);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_reset(struct strbuf *sb);
void sb_setlen(struct strbuf *sb, size_t len);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addch(struct strbuf *sb, int c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s as a PostgreSQL identifier, quoted when it needs it. */
void sb_add_ident(struct strbuf *sb, const char *s);
/* Append s as a PostgreSQL/SQLite string literal ('...', quotes doubled). */
void sb_add_literal(struct strbuf *sb, const char *s);
/* Append s always double-quoted (SQLite identifiers for staging tables). */
void sb_add_qident(struct strbuf *sb, const char *s);
/*
 * Append a JSON string literal for len bytes of s: UTF-8 passed through,
 * quote, backslash and control characters escaped as cJSON escapes them.
 */
void sb_add_json_string(struct strbuf *sb, const char *s, size_t len);

/* ---- errors ---- */
extern const char *progname;
/* Quiet mode suppresses progress and informational output (not errors). */
extern int dd_quiet;
/* While nonzero, error(), warning(), detail() and hint() print nothing: for
 * a caller that turns an expected failure into a finding of its own. */
extern int dd_mute_reports;
/*
 * Set by a command's --json: error(), warning(), detail(), hint(), info()
 * and die() print one JSON object a line on stderr instead,
 * {"level": "error", "message": "..."} (levels error, warning, detail,
 * hint, info, fatal), so a CI job can read both streams as JSON.
 */
extern int dd_json_messages;

int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
void warning(const char *fmt, ...) ATTR_PRINTF(1, 2);
void detail(const char *fmt, ...) ATTR_PRINTF(1, 2);
void hint(const char *fmt, ...) ATTR_PRINTF(1, 2);
void info(const char *fmt, ...) ATTR_PRINTF(1, 2);
__attribute__((noreturn)) void die(const char *fmt, ...) ATTR_PRINTF(1, 2);

/*
 * Secrets registered here are replaced by "********" in every message
 * error(), detail(), hint(), warning() and info() print.
 */
void redact_register(const char *secret);
/* Returns a newly allocated copy of s with registered secrets masked. */
char *redact(const char *s);

/* ---- files ---- */
/* Reads a whole file; returns NULL and sets errno on failure. */
char *read_file(const char *path, size_t *len);
int file_exists(const char *path);
/* Writes data to path.tmp, fsyncs, renames to path, fsyncs the folder. */
int write_file_atomic(const char *path, const void *data, size_t len);
int fsync_dir_of(const char *path);
/* Creates the folder and its parents (mkdir -p). */
int mkdir_p(const char *path, int mode);
/* Joins a folder and a relative name; an absolute name is returned as is. */
char *path_join(const char *dir, const char *name);
/* Opening with fopen and checking ferror+fclose, in one place. */
int fclose_checked(FILE *f, const char *path);

/*
 * Fault injection for tests: when the environment variable DD_FAULT names
 * this point (optionally "name:N" for its N-th pass), the process kills
 * itself with SIGKILL right here.  "name[:N]:stop" stops it with SIGSTOP
 * instead, so a test can look at it (its command line, a lock it holds) or
 * signal it at an exact place and then let it continue with SIGCONT.
 * Costs one getenv per process and a string compare per call.
 */
void fault_point(const char *name);

/* ---- misc ---- */
double now_seconds(void);        /* monotonic clock, for durations */
char *utc_timestamp(void);       /* "2026-11-21T10:00:00Z", wall clock */
int stderr_is_tty(void);
int stdin_is_tty(void);
int parse_long(const char *s, long *out); /* whole string, base 10 */

/* SHA-256 (OpenSSL's EVP: hardware-accelerated where the CPU can) */
struct sha256 {
	void *ctx; /* EVP_MD_CTX */
};
void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* Writes the digest and frees the context. */
void sha256_final(struct sha256 *c, unsigned char out[32]);
void sha256_hex(const unsigned char d[32], char out[65]);

/*
 * Progress on a terminal: one line on stderr, rewritten in place at most
 * 10 times a second, first drawn half a second into the phase (a shorter
 * phase leaves no trace), cleared by progress_end() and before any
 * message.  Shown when stderr is a terminal or --progress forced it
 * (dd_progress_forced: then from the first count, with no delay), never
 * with --quiet.  With a total it gives the
 * percentage, the rate and an ETA; the unit names what is counted
 * ("rows", "batches", "tables", "checks"); a NULL unit is a phase that
 * counts nothing and shows its elapsed time (progress_tick() redraws it).
 */
extern int dd_progress_forced;
struct progress {
	const char *label;
	const char *unit; /* "rows", "batches", ...; NULL: elapsed time only */
	long long total;  /* estimated; <= 0 when unknown */
	long long done;
	double start, last;
	double expect;    /* seconds the phase took last time, for an ETA; 0 unknown */
	int active;       /* progress_wanted() at start */
};
int progress_wanted(void);
void progress_start(struct progress *p, const char *label, long long total); /* rows */
void progress_start_unit(struct progress *p, const char *label, long long total,
			 const char *unit);
void progress_update(struct progress *p, long long done);
/* Redraws with the same count: the elapsed time and ETA move on. */
void progress_tick(struct progress *p);
void progress_end(struct progress *p);
/* Clears a progress line drawn and not yet ended (messages call it). */
void progress_clear_line(void);

#endif
