/*
 * term: colour, pager, terminal width and tables (term.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "term.h"
#include "util.h"

int dd_color_mode = COLOR_AUTO;
int dd_no_pager;

static pid_t pager_pid;
/* stdout's terminal width, measured once before a pager takes stdout:
 * -1 not measured yet, 0 not a terminal */
static int stdout_width = -1;

int color_mode_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return COLOR_AUTO;
	if (!strcmp(s, "always") || !strcmp(s, "true"))
		return COLOR_ALWAYS;
	if (!strcmp(s, "never") || !strcmp(s, "false"))
		return COLOR_NEVER;
	return -1;
}

int color_on(int fd)
{
	const char *term, *nc;
	if (dd_color_mode == COLOR_ALWAYS)
		return 1;
	if (dd_color_mode == COLOR_NEVER)
		return 0;
	/* no-color.org: present and not empty */
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	term = getenv("TERM");
	if (term && !strcmp(term, "dumb"))
		return 0;
	if (fd == 1 && pager_pid)
		return 1; /* less -R shows colour; the pager started only on a terminal */
	return isatty(fd);
}

const char *color(int fd, enum term_color c)
{
	static const char *const seq[] = {
		[C_RESET] = "\033[m", [C_BOLD] = "\033[1m", [C_DIM] = "\033[2m",
		[C_RED] = "\033[31m", [C_GREEN] = "\033[32m", [C_YELLOW] = "\033[33m",
		[C_CYAN] = "\033[36m",
	};
	return color_on(fd) ? seq[c] : "";
}

enum term_color status_color(const char *w)
{
	static const char *const green[] = { "pass", "passed", "ok", "done", "applied",
					     "approved", "fixed", "rolled_back" };
	static const char *const red[] = { "fail", "failed", "error", "refused", "conflict",
					   "aborted" };
	static const char *const yellow[] = { "warning", "unverifiable", "running",
					      "in_progress", "skipped", "not approved" };
	size_t n = strcspn(w, " :");
	for (size_t i = 0; i < ARRAY_SIZE(green); i++)
		if (strlen(green[i]) == n && !strncmp(w, green[i], n))
			return C_GREEN;
	for (size_t i = 0; i < ARRAY_SIZE(red); i++)
		if (strlen(red[i]) == n && !strncmp(w, red[i], n))
			return C_RED;
	for (size_t i = 0; i < ARRAY_SIZE(yellow); i++)
		if (!strcmp(w, yellow[i]) || (strlen(yellow[i]) == n && !strncmp(w, yellow[i], n)))
			return C_YELLOW;
	return C_RESET;
}

void fputs_color(const char *s, enum term_color c, FILE *f)
{
	int fd = fileno(f);
	if (c == C_RESET || !color_on(fd)) {
		fputs(s, f);
		return;
	}
	fprintf(f, "%s%s%s", color(fd, c), s, color(fd, C_RESET));
}

/* -------------------------------------------------------------- width */

static int measure_width(void)
{
	struct winsize ws;
	const char *cols;
	long n;
	if (!isatty(1))
		return 0;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = getenv("COLUMNS");
	if (cols && !parse_long(cols, &n) && n > 0 && n < 10000)
		return (int)n;
	return 80;
}

int term_width(void)
{
	if (stdout_width < 0)
		stdout_width = measure_width();
	return stdout_width;
}

/* -------------------------------------------------------------- pager */

int pager_in_use(void)
{
	return pager_pid > 0;
}

/* At exit: the pager sees end of file once stdout closes; wait for it so
 * the shell prompt comes back after it, not over it. */
static void wait_for_pager(void)
{
	int st;
	fflush(stdout);
	fflush(stderr);
	close(1);
	while (waitpid(pager_pid, &st, 0) < 0 && errno == EINTR)
		;
}

void pager_start(void)
{
	const char *cmd;
	int fds[2];
	pid_t pid;

	if (pager_pid || dd_no_pager || !isatty(1))
		return;
	term_width(); /* measured on the terminal, before the pipe replaces it */
	cmd = getenv("DRYDOCK_PAGER");
	if (!cmd)
		cmd = getenv("PAGER");
	if (!cmd)
		cmd = "less";
	if (!*cmd || !strcmp(cmd, "cat"))
		return;
	if (pipe(fds))
		return;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		/* git's defaults: quit if one screen, raw colour, no init */
		setenv("LESS", "FRX", 0);
		setenv("LV", "-c", 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], 1);
	close(fds[0]);
	close(fds[1]);
	pager_pid = pid;
	atexit(wait_for_pager);
}

/* -------------------------------------------------------------- tables */

struct cell {
	char *text;
	enum term_color color;
	char *note; /* a line under the row (table_note), on the row's first cell */
};

struct table {
	FILE *f;
	int ncols;
	char *head[16];
	int flags[16];
	struct cell *cells;
	size_t ncells, alloc;
};

int text_width(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

struct table *table_new(FILE *f)
{
	struct table *t = xcalloc(1, sizeof(*t));
	t->f = f;
	return t;
}

void table_column(struct table *t, const char *head, int flags)
{
	if (t->ncols >= (int)ARRAY_SIZE(t->head))
		die("table: too many columns");
	t->head[t->ncols] = xstrdup(head);
	t->flags[t->ncols++] = flags;
}

void table_cell_color(struct table *t, enum term_color c, const char *text)
{
	ALLOC_GROW(t->cells, t->ncells + 1, t->alloc);
	t->cells[t->ncells].text = xstrdup(text ? text : "");
	t->cells[t->ncells].color = c;
	t->cells[t->ncells].note = NULL;
	t->ncells++;
}

void table_cell(struct table *t, const char *text)
{
	table_cell_color(t, C_RESET, text);
}

void table_cellf(struct table *t, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	table_cell(t, sb.buf);
	sb_release(&sb);
}

void table_note(struct table *t, const char *text)
{
	size_t row;
	struct cell *c;
	if (!t->ncells)
		return;
	row = (t->ncells - 1) / (size_t)t->ncols;
	c = &t->cells[row * (size_t)t->ncols];
	if (c->note) {
		char *both = xasprintf("%s\n%s", c->note, text);
		free(c->note);
		c->note = both;
	} else {
		c->note = xstrdup(text);
	}
}

/* Whether the terminal shows UTF-8, for the ellipsis of a cut cell. */
static int utf8_locale(void)
{
	const char *v = getenv("LC_ALL");
	if (!v || !*v)
		v = getenv("LC_CTYPE");
	if (!v || !*v)
		v = getenv("LANG");
	return v && (strcasestr(v, "utf-8") || strcasestr(v, "utf8"));
}

/* Appends c's text in a field of width w: cut with an ellipsis when longer. */
static void put_cell(struct strbuf *line, int fd, const struct cell *c, int w, int flags)
{
	int len = text_width(c->text), pad;
	const char *on = c->color != C_RESET ? color(fd, c->color) : "";
	const char *off = *on ? color(fd, C_RESET) : "";
	if (len > w) {
		/* only shrinkable cells are ever narrower than their text */
		int keep = w - 1, k = 0;
		const unsigned char *p = (const unsigned char *)c->text;
		sb_adds(line, on);
		while (*p) {
			if ((*p & 0xC0) != 0x80 && k++ == keep)
				break;
			sb_addch(line, *p++);
		}
		sb_adds(line, utf8_locale() ? "\xe2\x80\xa6" : "~");
		sb_adds(line, off);
		return;
	}
	pad = w - len;
	if (flags & COL_RIGHT)
		sb_addf(line, "%*s", pad, "");
	sb_addf(line, "%s%s%s", on, c->text, off);
	if (!(flags & COL_RIGHT))
		sb_addf(line, "%*s", pad, "");
}

void table_print(struct table *t, const char *indent)
{
	int w[16], n = t->ncols, avail, fd = fileno(t->f);
	struct strbuf line = STRBUF_INIT;
	size_t rows = n ? t->ncells / (size_t)n : 0;
	struct cell head[16];

	for (int c = 0; c < n; c++) {
		w[c] = text_width(t->head[c]);
		for (size_t r = 0; r < rows; r++) {
			int len = text_width(t->cells[r * n + c].text);
			if (len > w[c])
				w[c] = len;
		}
	}
	/* on a terminal too narrow for the table, cut the widest shrinkable
	 * column a column at a time (not below 8), until it fits */
	avail = t->f == stdout ? term_width() : 0;
	if (avail > 0) {
		int total = text_width(indent) + 2 * (n - 1);
		for (int c = 0; c < n; c++)
			total += w[c];
		while (total > avail) {
			int widest = -1;
			for (int c = 0; c < n; c++)
				if ((t->flags[c] & COL_SHRINK) && w[c] > 8 &&
				    (widest < 0 || w[c] > w[widest]))
					widest = c;
			if (widest < 0)
				break;
			w[widest]--;
			total--;
		}
	}
	for (int c = 0; c < n; c++)
		head[c] = (struct cell){ t->head[c], C_RESET, NULL };
	for (size_t r = 0; r <= rows; r++) {
		const struct cell *row = r ? &t->cells[(r - 1) * n] : head;
		sb_reset(&line);
		sb_adds(&line, indent);
		for (int c = 0; c < n; c++) {
			if (c)
				sb_adds(&line, "  ");
			put_cell(&line, fd, &row[c], w[c], t->flags[c]);
		}
		/* no trailing blanks: an empty or left-aligned last cell */
		while (line.len && line.buf[line.len - 1] == ' ')
			sb_setlen(&line, line.len - 1);
		if (!r && *color(fd, C_BOLD))
			fprintf(t->f, "%s%s%s\n", color(fd, C_BOLD), line.buf, color(fd, C_RESET));
		else
			fprintf(t->f, "%s\n", line.buf);
		if (r && row[0].note) {
			const char *p = row[0].note;
			while (*p) {
				size_t len = strcspn(p, "\n");
				fprintf(t->f, "%s    %.*s\n", indent, (int)len, p);
				p += len + (p[len] == '\n');
			}
		}
	}
	for (int c = 0; c < n; c++)
		free(t->head[c]);
	for (size_t i = 0; i < t->ncells; i++) {
		free(t->cells[i].text);
		free(t->cells[i].note);
	}
	free(t->cells);
	free(t);
	sb_release(&line);
}
