/*
 * term: what drydock does differently when a person is watching.
 *
 *  - colour: color_on(fd) says whether escape sequences go to fd 1 or 2:
 *    --color=always|never decides, else NO_COLOR (https://no-color.org)
 *    or TERM=dumb turn it off, else only a terminal (or the pager drydock
 *    started on one) gets it.  color(fd, C_RED) is the sequence or "";
 *    status_color() picks the colour of a status word (pass, failed, ...).
 *  - pager: pager_start() sends stdout through $DRYDOCK_PAGER, $PAGER or
 *    "less" (LESS=FRX unless set) as git does, only when stdout is a
 *    terminal and --no-pager was not given; the pager is waited for at exit.
 *  - width: term_width() is the terminal's columns (measured before the
 *    pager took stdout), or 0 when stdout is not a terminal (no limit).
 *  - tables: columns sized from their content, the shrinkable ones cut
 *    (with an ellipsis) only when a terminal is too narrow for the rest.
 */
#ifndef DD_TERM_H
#define DD_TERM_H

#include <stdio.h>

/* --color=auto|always|never (global option, main.c) */
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
extern int dd_color_mode;
/* --no-pager (global option) */
extern int dd_no_pager;

/* "auto", "always", "never" (and git's "true"/"false") -> mode, or -1. */
int color_mode_parse(const char *s);

enum term_color { C_RESET, C_BOLD, C_DIM, C_RED, C_GREEN, C_YELLOW, C_CYAN };
int color_on(int fd);
const char *color(int fd, enum term_color c);
/*
 * The colour of a status word: green for pass/passed/ok/done/applied/
 * approved/fixed/rolled_back, red for fail/failed/error/refused/conflict,
 * yellow for warning/unverifiable/running/in_progress/skipped; C_RESET
 * (no colour) for anything else.
 */
enum term_color status_color(const char *word);
/* fputs(s, f), in colour c when colour is on for f's descriptor. */
void fputs_color(const char *s, enum term_color c, FILE *f);

/* Columns of the terminal on stdout, or 0 when stdout is not one. */
int term_width(void);
/* Starts the pager when it applies (see above); safe to call twice. */
void pager_start(void);
/* Whether stdout goes to a pager drydock started. */
int pager_in_use(void);

/* ---- tables ---- */
enum {
	COL_RIGHT = 1,  /* right-aligned (numbers) */
	COL_SHRINK = 2, /* may be cut to fit a narrow terminal */
};
struct table;
/* A table printed to f (stdout or stderr: colour and width follow it). */
struct table *table_new(FILE *f);
void table_column(struct table *t, const char *head, int flags);
/* Adds the next cell, left to right, a new row after the last column. */
void table_cell(struct table *t, const char *text);
void table_cellf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cell in colour (for status words: status_color()). */
void table_cell_color(struct table *t, enum term_color c, const char *text);
/* A line of its own under the current row, outside the columns. */
void table_note(struct table *t, const char *text);
/* Prints the header and the rows, each line after indent, and frees t. */
void table_print(struct table *t, const char *indent);
/* Display width of UTF-8 text (code points; escapes not expected). */
int text_width(const char *s);

#endif
