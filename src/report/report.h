/*
 * report: the before/after facts of one staging file as a canonical JSON
 * model (cJSON), rendered as JSON, Markdown and one self-contained HTML
 * page.  The format is documented in docs/reports.md.
 *
 * The model has three parts that diff treats differently:
 *
 *   comparable  everything two reproducible runs of the same plan on the
 *               same data must agree on: plan, sources and row counts,
 *               per table counts, per column change counts, samples of
 *               changed rows, schema changes with DDL, checks, the hash;
 *   context     facts about this particular staging file: where its data
 *               came from (identities), when (snapshot, run, check times),
 *               approval, pushes and rollbacks;
 *   timings     durations of steps, tables and checks.
 *
 * Samples read at most `samples` rows per table and operation with LIMIT
 * queries in change order; the change set is never loaded whole.
 */
#ifndef DD_REPORT_H
#define DD_REPORT_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include "jsonutil.h"
#include "util.h"

#define REPORT_FORMAT_VERSION 1
#define REPORT_DEFAULT_SAMPLES 10

struct report_opts {
	const char *stage_path; /* recorded in context.staging_file */
	int samples;            /* rows per table and operation */
};

/* Builds the report model of an open staging file; NULL on error (reported). */
cJSON *report_build(sqlite3 *db, const struct report_opts *opts);

/* Keys are sorted with json_sort_keys() (jsonutil.h). */

/* The three renderings; newly allocated, NUL-terminated text. */
char *report_render_json(const cJSON *report);
char *report_render_markdown(const cJSON *report);
char *report_render_html(const cJSON *report);
/* `drydock diff --html`: diff is the object `drydock diff --json` prints
   (equal, a, b, ignored, differences, equal_parts), a and b the reports
   (report_diffhtml.c). */
char *report_render_diff_html(const cJSON *diff, const cJSON *a, const cJSON *b);
/* What blocks approval, as plain text lines for a terminal (failures first
   in every format); "" when nothing does. */
char *report_render_blockers_text(const cJSON *report);

/*
 * Reads a report written by `drydock report` (path may also be a folder
 * holding report.json) and checks that it is one this drydock compares:
 * valid JSON, a "drydock_report" format version it knows, the three
 * sections.  Reports and returns -1 on error.
 */
int report_load(const char *path, cJSON **out);

/* ---- helpers shared by the renderers (report.c) ---- */

/* v as JSON on one line (canonical numbers, no spaces). */
void sb_add_json_compact(struct strbuf *sb, const cJSON *v);
/* A number as the canonical JSON text prints it (integers without ".0"). */
void sb_add_json_number(struct strbuf *sb, double d);

/* Integer with thousands separators: 1234567 -> "1,234,567". */
void sb_add_count(struct strbuf *sb, double n);
/* HTML-escapes s (& < > " '). */
void sb_add_html(struct strbuf *sb, const char *s);
void sb_add_html_n(struct strbuf *sb, const char *s, size_t len);
/* Length of the longest common prefix / suffix of two strings, on UTF-8
 * character boundaries (suffix never overlaps the prefix). */
void common_affixes(const char *a, size_t la, const char *b, size_t lb,
		    size_t *prefix, size_t *suffix);
/* Truncates at most max bytes on a UTF-8 boundary; returns the length. */
size_t utf8_cut(const char *s, size_t len, size_t max);
/*
 * A value of the model (PostgreSQL text, or null for NULL) to show at most
 * max bytes of: VALUE_NULL, VALUE_EMPTY (''), or VALUE_TEXT with *len its
 * length and *cut the bytes to show.  Each rendering marks them its way.
 */
enum value_shown { VALUE_NULL, VALUE_EMPTY, VALUE_TEXT };
/* The position of a column in a JSON array of names, or -1. */
int report_column_index(const cJSON *cols, const char *name);
/* The value of column col in row, a JSON array laid out as the table's
   "columns_before" (before) or "columns_after"; NULL when it has none. */
const cJSON *report_row_value(const cJSON *t, const cJSON *row, int before, const char *col);
/* The element- or key-level diff of column col in a sampled update row:
   its "json_diff" (json, jsonb) or "array_diff" (PostgreSQL arrays), or NULL. */
const cJSON *report_value_diff(const cJSON *row, const char *col);
enum value_shown value_cut(const cJSON *v, size_t max, size_t *cut, size_t *len);
/*
 * Replaced rows (a delete and an insert paired, "replaced" of a table) are
 * shown once, as pairs: report_replaced() is their count (0 without), and
 * report_other(t, "inserts" or "deletes") the table's count less them,
 * which is what the renderings show beside "N replaced".  Other keys give
 * the table's count as it is.
 */
double report_replaced(const cJSON *t);

/*
 * "What else differs" of a replaced pair (an entry of replaced.sample of
 * table t, paired by a natural key): per changed column "name: old → new",
 * separated by sep, or `nothing`.  Each rendering gives its marks.
 */
struct pair_marks {
	void (*name)(struct strbuf *sb, const char *column);
	void (*value)(struct strbuf *sb, const cJSON *v);   /* a short value */
	const char *sep, *arrow, *nothing;
};
void report_pair_changes(struct strbuf *sb, const cJSON *t, const cJSON *pair,
			 const struct pair_marks *m);
double report_other(const cJSON *t, const char *key);

/*
 * The key that identifies a table's rows (its "key" object) as one line
 * of plain text: "primary key (id)", "plan key (a, b)", "unique index
 * t_code_key (code)", "full row"; nothing when the table has no "key".
 */
void report_key_text(struct strbuf *sb, const cJSON *t);

#endif
