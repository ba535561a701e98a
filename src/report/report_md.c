/*
 * report_md: the report as Markdown for a pull request (GitHub-flavoured:
 * pipe tables, fenced code, <details>).  Every value from the data is
 * escaped so that it shows as text and cannot break a table or inject
 * markup.
 */
#define _GNU_SOURCE
#include "report.h"

#include <string.h>

#define MD_VALUE_MAX 120 /* bytes of a value shown in a table cell */
/*
 * GitHub cuts a comment at 65,536 characters; the report stays under
 * MD_LIMIT bytes (bytes >= characters) by leaving out whole sections that
 * do not fit, and says so.
 */
#define MD_LIMIT 60000
#define MD_BLOCKERS_MAX 20   /* failed checks listed at the top */
#define MD_FAILED_MAX 50     /* failed checks listed in their section */
#define MD_NAMES_MAX 200     /* passing checks named per status */
#define MD_SAMPLE_ROWS 10    /* sample rows per table and operation */

/* Text in a table cell: Markdown and HTML punctuation escaped, one line. */
static void md_text_n(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (strchr("\\`*_[]<>|~&#!", c) && c)
			sb_addch(sb, '\\');
		if (c == '\n')
			sb_adds(sb, "\xe2\x86\xb5"); /* ↵ */
		else if (c == '\r' || c == '\t')
			sb_addch(sb, ' ');
		else
			sb_addch(sb, c);
	}
}

static void md_text(struct strbuf *sb, const char *s)
{
	md_text_n(sb, s, strlen(s));
}

/* A PostgreSQL text value (or null) in a cell, cut when long. */
static void md_value(struct strbuf *sb, const cJSON *v)
{
	size_t len, cut;
	enum value_shown shown = value_cut(v, MD_VALUE_MAX, &cut, &len);
	if (shown == VALUE_NULL) {
		sb_adds(sb, "*NULL*");
		return;
	}
	if (shown == VALUE_EMPTY)
		sb_adds(sb, "''");
	md_text_n(sb, v->valuestring, cut);
	if (cut < len)
		sb_adds(sb, "\xe2\x80\xa6"); /* … */
}

/* A key array as text: 7 or (7, 'x'). */
static void md_key(struct strbuf *sb, const cJSON *key)
{
	const cJSON *k;
	int n = cJSON_GetArraySize(key);
	if (n != 1)
		sb_addch(sb, '(');
	cJSON_ArrayForEach(k, key) {
		if (k != key->child)
			sb_adds(sb, ", ");
		md_value(sb, k);
	}
	if (n != 1)
		sb_addch(sb, ')');
}

/* A fenced code block whose fence is longer than any backtick run inside. */
static void md_code(struct strbuf *sb, const char *lang, const char *text)
{
	int run = 0, longest = 0;
	size_t len = strlen(text);
	for (const char *p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	longest = longest < 3 ? 3 : longest + 1;
	sb_addf(sb, "%.*s%s\n%s%s%.*s\n\n", longest, "``````````````````````````````",
		lang, text, len && text[len - 1] == '\n' ? "" : "\n", longest,
		"``````````````````````````````");
}

static void md_count(struct strbuf *sb, const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	if (cJSON_IsNumber(v))
		sb_add_count(sb, v->valuedouble);
	else
		sb_adds(sb, "\xe2\x80\x93"); /* – */
}

/* A table's inserts or deletes apart from its replaced rows. */
static void md_other(struct strbuf *sb, const cJSON *t, const char *key)
{
	if (cJSON_IsNumber(jget(t, key)))
		sb_add_count(sb, report_other(t, key));
	else
		sb_adds(sb, "\xe2\x80\x93"); /* – */
}

/* A total of inserts or deletes apart from the replaced rows of all tables. */
static void md_total_other(struct strbuf *sb, const cJSON *tot, const char *key, double replaced)
{
	if (cJSON_IsNumber(jget(tot, key)))
		sb_add_count(sb, jnum_or(tot, key, 0) - replaced);
	else
		sb_adds(sb, "\xe2\x80\x93"); /* – */
}

/*
 * A path from the machine that made the report, without the machine:
 * relative paths stay; an absolute one keeps its last two components
 * ("…/fixtures/avatars"), enough to recognise it in the repository.
 */
static void md_path(struct strbuf *sb, const char *path)
{
	const char *p = path, *cut = NULL;
	int parts = 0;
	if (*path != '/') {
		md_text(sb, path);
		return;
	}
	for (p = path + strlen(path); p > path; p--) {
		if (p[-1] == '/' && p[0] && ++parts == 2) {
			cut = p;
			break;
		}
	}
	if (cut) {
		sb_adds(sb, "\xe2\x80\xa6/"); /* …/ */
		md_text(sb, cut);
	} else {
		md_text(sb, path);
	}
}

/* A source's identity: "fixture DIR" with DIR made relative, or host/db. */
static void md_identity(struct strbuf *sb, const char *origin, const char *id)
{
	size_t ol = strlen(origin);
	if (!strncmp(id, origin, ol) && id[ol] == ' ')
		id += ol + 1;
	md_text(sb, origin);
	sb_adds(sb, " ");
	if (!strcmp(origin, "fixture"))
		md_path(sb, id);
	else
		md_text(sb, id);
}

/* One check's violating key (an array of key values or a scalar). */
static void md_sample_key(struct strbuf *sb, const cJSON *k)
{
	if (cJSON_IsArray(k)) {
		md_key(sb, k);
	} else if (cJSON_IsString(k) || cJSON_IsNull(k)) {
		md_value(sb, k);
	} else {
		struct strbuf tmp = STRBUF_INIT;
		sb_add_json_compact(&tmp, k);
		md_text(sb, tmp.buf);
		sb_release(&tmp);
	}
}

/*
 * What blocks approval, before anything else: the approval rule's verdict
 * and every failed error-severity check with its count and a sample key.
 */
static void md_blockers(struct strbuf *sb, const cJSON *r)
{
	const cJSON *bl = jget(jget(r, "comparable"), "blockers"), *c;
	double warnings = jnum_or(bl, "warnings", 0);

	if (cJSON_IsTrue(jget(bl, "approvable"))) {
		sb_adds(sb, "**Nothing blocks approval**: the run finished and no error-severity check failed");
		if (warnings > 0) {
			sb_adds(sb, " (");
			sb_add_count(sb, warnings);
			sb_adds(sb, warnings == 1 ? " warning)" : " warnings)");
		}
		sb_adds(sb, ".\n\n");
		return;
	}
	sb_adds(sb, "## \xe2\x9b\x94 Blocks approval: ");
	md_text(sb, jstr_or(bl, "reason", "not approvable"));
	sb_adds(sb, "\n\n");
	if (jget(bl, "checks") && jget(bl, "checks")->child) {
		int n = 0, total = cJSON_GetArraySize(jget(bl, "checks"));
		sb_adds(sb, "| failed check | kind | violations | sample key |\n|---|---|--:|---|\n");
		cJSON_ArrayForEach(c, jget(bl, "checks")) {
			const cJSON *k = cJSON_GetArrayItem(jget(c, "sample"), 0);
			if (n++ == MD_BLOCKERS_MAX) {
				sb_addf(sb, "| and %d more failed checks (see below) | | | |\n", total - MD_BLOCKERS_MAX);
				break;
			}
			sb_adds(sb, "| **");
			md_text(sb, jstr_or(c, "name", ""));
			sb_adds(sb, "**");
			if (jstr_or(c, "message", NULL)) {
				sb_adds(sb, ": ");
				md_text(sb, jstr_or(c, "message", ""));
			}
			sb_adds(sb, " | ");
			md_text(sb, jstr_or(c, "kind", ""));
			sb_adds(sb, " | ");
			md_count(sb, c, "count");
			sb_adds(sb, " | ");
			if (k)
				md_sample_key(sb, k);
			sb_adds(sb, " |\n");
		}
		sb_adds(sb, "\n");
	}
	if (warnings > 0) {
		sb_add_count(sb, warnings);
		sb_adds(sb, warnings == 1 ? " warning (does not block).\n\n" : " warnings (do not block).\n\n");
	}
}

static void md_header(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *ctx = jget(r, "context");
	const cJSON *approval = jget(ctx, "approval");
	const cJSON *val = jget(cmp, "validation"), *sum = jget(val, "summary");
	const cJSON *comp = jget(cmp, "completion"), *s;
	const char *hash = jstr_or(cmp, "hash", NULL);

	sb_adds(sb, "- **Status:** ");
	md_text(sb, jstr_or(cmp, "status", "?"));
	sb_adds(sb, "\n- **Change set:** ");
	if (hash)
		sb_addf(sb, "`%s`\n", hash);
	else
		sb_adds(sb, "none yet (run the plan)\n");
	sb_adds(sb, "- **Approval:** ");
	if (cJSON_IsObject(approval)) {
		sb_adds(sb, cJSON_IsTrue(jget(approval, "current")) ? "approved by " :
			"an earlier change set was approved by ");
		md_text(sb, jstr_or(approval, "approved_by", "?"));
		sb_adds(sb, " at ");
		md_text(sb, jstr_or(approval, "at", "?"));
		if (jstr_or(approval, "note", NULL)) {
			sb_adds(sb, ": ");
			md_text(sb, jstr_or(approval, "note", ""));
		}
	} else {
		sb_adds(sb, "not approved");
	}
	sb_adds(sb, "\n");
	cJSON_ArrayForEach(s, jget(ctx, "sources")) {
		const cJSON *cs = jget(jget(cmp, "sources"), s->string);
		sb_adds(sb, "- **Source ");
		md_text(sb, s->string);
		sb_adds(sb, cJSON_IsTrue(jget(cs, "target")) ? " (target):** " : ":** ");
		md_identity(sb, jstr_or(s, "origin", "?"), jstr_or(s, "identity", ""));
		if (jstr_or(s, "snapshot_at", NULL)) {
			sb_adds(sb, ", snapshot ");
			md_text(sb, jstr_or(s, "snapshot_at", ""));
		}
		sb_adds(sb, "\n");
	}
	sb_adds(sb, "- **Run:** ");
	md_text(sb, jstr_or(jget(cmp, "run"), "status", "?"));
	sb_addf(sb, ", %g of %g steps (%g%%)", jnum_or(comp, "steps_done", 0),
		jnum_or(comp, "steps_total", 0), jnum_or(comp, "percent", 0));
	if (jstr_or(jget(cmp, "run"), "stopped_at", NULL)) {
		sb_adds(sb, ", stopped at ");
		md_text(sb, jstr_or(jget(cmp, "run"), "stopped_at", ""));
	}
	sb_adds(sb, "\n- **Checks:** ");
	if (!strcmp(jstr_or(val, "overallStatus", ""), "not checked")) {
		sb_adds(sb, "not checked");
	} else {
		md_count(sb, sum, "passed");
		sb_adds(sb, " passed, ");
		md_count(sb, sum, "failed");
		sb_adds(sb, " failed");
		if (jnum_or(sum, "unverifiable", 0) > 0) {
			sb_adds(sb, ", ");
			md_count(sb, sum, "unverifiable");
			sb_adds(sb, " unverifiable");
		}
		if (cJSON_IsFalse(jget(jget(ctx, "checks"), "current")))
			sb_adds(sb, " (for an earlier change set)");
	}
	sb_adds(sb, "\n\n");
}

static void md_tables(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *t, *c;
	const cJSON *tot = jget(cmp, "totals");
	double replaced = 0;

	sb_adds(sb, "## Tables\n\n");
	if (!jget(cmp, "tables") || !jget(cmp, "tables")->child) {
		sb_adds(sb, "No target tables.\n\n");
		return;
	}
	cJSON_ArrayForEach(t, jget(cmp, "tables"))
		replaced += report_replaced(t);
	/* a replaced row is counted once, as such, not as an insert and a delete */
	sb_adds(sb, replaced > 0 ?
		"| table | key | rows before | rows after | inserts | updates | deletes | replaced | changed columns (rows) |\n"
		"|---|---|--:|--:|--:|--:|--:|--:|---|\n" :
		"| table | key | rows before | rows after | inserts | updates | deletes | changed columns (rows) |\n"
		"|---|---|--:|--:|--:|--:|--:|---|\n");
	cJSON_ArrayForEach(t, jget(cmp, "tables")) {
		const char *status = jstr_or(t, "status", "");
		sb_adds(sb, "| ");
		md_text(sb, t->string);
		if (strcmp(status, "changed") && strcmp(status, "unchanged")) {
			sb_adds(sb, " (");
			md_text(sb, status);
			sb_adds(sb, ")");
		}
		sb_adds(sb, " | ");
		{
			struct strbuf key = STRBUF_INIT;
			report_key_text(&key, t);
			md_text(sb, key.buf);
			sb_release(&key);
		}
		sb_adds(sb, " | ");
		md_count(sb, t, "rows_before");
		sb_adds(sb, " | ");
		md_count(sb, t, "rows_after");
		sb_adds(sb, " | ");
		md_other(sb, t, "inserts");
		sb_adds(sb, " | ");
		md_count(sb, t, "updates");
		sb_adds(sb, " | ");
		md_other(sb, t, "deletes");
		sb_adds(sb, " | ");
		if (replaced > 0) {
			sb_add_count(sb, report_replaced(t));
			sb_adds(sb, " | ");
		}
		/* in the table's column order */
		int n = 0;
		cJSON_ArrayForEach(c, jget(t, "columns_after")) {
			const cJSON *k = cJSON_IsString(c) ? jget(jget(t, "columns"), c->valuestring) : NULL;
			if (!cJSON_IsNumber(k))
				continue;
			if (n++)
				sb_adds(sb, ", ");
			md_text(sb, c->valuestring);
			sb_adds(sb, " (");
			sb_add_count(sb, k->valuedouble);
			sb_adds(sb, ")");
		}
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "| **total** | | ");
	md_count(sb, tot, "rows_before");
	sb_adds(sb, " | ");
	md_count(sb, tot, "rows_after");
	sb_adds(sb, " | ");
	md_total_other(sb, tot, "inserts", replaced);
	sb_adds(sb, " | ");
	md_count(sb, tot, "updates");
	sb_adds(sb, " | ");
	md_total_other(sb, tot, "deletes", replaced);
	sb_adds(sb, " | ");
	if (replaced > 0) {
		sb_add_count(sb, replaced);
		sb_adds(sb, " | ");
	}
	sb_adds(sb, "|\n\n");
	if (replaced > 0)
		sb_adds(sb, "*replaced*: a row deleted and inserted again under a new key (paired by the plan's "
			    "natural key, or by equal values), counted once; inserts and deletes count the other "
			    "rows.\n\n");
}

/* A value in a summary line: escaped, cut at 40 bytes, NULL in italics. */
static void md_short(struct strbuf *sb, const cJSON *v)
{
	size_t len, cut;
	switch (value_cut(v, 40, &cut, &len)) {
	case VALUE_NULL:
		sb_adds(sb, "*NULL*");
		return;
	case VALUE_EMPTY:
		sb_adds(sb, "*(empty)*");
		return;
	case VALUE_TEXT:
		break;
	}
	sb_adds(sb, "`");
	for (size_t i = 0; i < cut; i++) {
		char c = v->valuestring[i];
		sb_addch(sb, c == '`' ? '\'' : c == '\n' || c == '|' ? ' ' : c);
	}
	if (cut < len)
		sb_adds(sb, "\xe2\x80\xa6");
	sb_adds(sb, "`");
}

/* One profile figure: "a → b", or "a" when it did not change. */
static void md_prof(struct strbuf *sb, const cJSON *b, const cJSON *a, const char *key)
{
	const cJSON *x = jget(b, key), *y = jget(a, key);
	if (!x && !y)
		return;
	for (int k = 0; k < 2; k++) {
		const cJSON *v = k ? y : x;
		if (k && x && y && cJSON_Compare(x, y, 1))
			break;
		if (k)
			sb_adds(sb, " \xe2\x86\x92 ");
		if (!v)
			sb_adds(sb, "\xe2\x80\x93");
		else if (cJSON_IsNumber(v))
			sb_add_count(sb, v->valuedouble);
		else
			md_short(sb, v);
		if (!strcmp(key, "distinct") && cJSON_IsFalse(jget(k ? a : b, "distinct_exact")))
			sb_adds(sb, " (est.)");
	}
}

/*
 * What the migration does to the values: per changed column its most
 * frequent transitions, the values whose counts changed, sums; then the
 * profile of every column in <details>.
 */
static void md_value_changes(struct strbuf *sb, const cJSON *r)
{
	const cJSON *t;
	int any = 0;
	cJSON_ArrayForEach(t, jget(jget(r, "comparable"), "tables")) {
		const cJSON *vcs = jget(t, "value_changes"), *o, *x, *p;
		if (!jget(t, "profile"))
			continue;
		if (!any++)
			sb_adds(sb, "## What changes in the values\n\n");
		sb_adds(sb, "**");
		md_text(sb, t->string);
		sb_adds(sb, "**\n\n");
		cJSON_ArrayForEach(o, jget(t, "columns_after")) {
			const cJSON *vc = cJSON_IsString(o) ? jget(vcs, o->valuestring) : NULL;
			double rows = jnum_or(vc, "rows", 0), nd = jnum_or(vc, "transitions_distinct", 0);
			int n = 0;
			if (!vc)
				continue;
			sb_adds(sb, "- **");
			md_text(sb, o->valuestring);
			sb_adds(sb, "** (");
			sb_add_count(sb, rows);
			sb_adds(sb, rows == 1 ? " row)" : " rows)");
			const cJSON *top = jget(vc, "transitions") ? jget(vc, "transitions")->child : NULL;
			int unique = rows > 1 && top && jnum_or(top, "rows", 0) == 1;
			if (unique) {
				sb_adds(sb, ": no old \xe2\x86\x92 new pair repeats (");
				sb_adds(sb, cJSON_IsFalse(jget(vc, "transitions_exact")) ? "over " : "");
				sb_add_count(sb, nd);
				sb_adds(sb, " distinct), e.g. ");
				md_short(sb, jget(top, "old"));
				sb_adds(sb, " \xe2\x86\x92 ");
				md_short(sb, jget(top, "new"));
			} else {
				cJSON_ArrayForEach(x, jget(vc, "transitions")) {
					if (n++ == 5)
						break;
					sb_adds(sb, n == 1 ? ": " : ", ");
					md_short(sb, jget(x, "old"));
					sb_adds(sb, " \xe2\x86\x92 ");
					md_short(sb, jget(x, "new"));
					sb_adds(sb, " \xc3\x97");
					sb_add_count(sb, jnum_or(x, "rows", 0));
				}
				if (nd > 5) {
					sb_adds(sb, ", \xe2\x80\xa6 (");
					sb_add_count(sb, nd);
					sb_adds(sb, cJSON_IsFalse(jget(vc, "transitions_exact")) ? "+ transitions)" : " transitions)");
				}
			}
			if (cJSON_IsArray(jget(vc, "values")) && !unique) {
				n = 0;
				cJSON_ArrayForEach(x, jget(vc, "values")) {
					if (n++ == 5)
						break;
					sb_adds(sb, n == 1 ? "; rows per value: " : ", ");
					md_short(sb, jget(x, "value"));
					sb_adds(sb, " ");
					sb_add_count(sb, jnum_or(x, "before", 0));
					sb_adds(sb, " \xe2\x86\x92 ");
					sb_add_count(sb, jnum_or(x, "after", 0));
				}
			}
			if (jnum_or(vc, "appeared", 0) > 0 || jnum_or(vc, "disappeared", 0) > 0) {
				sb_adds(sb, "; ");
				sb_add_count(sb, jnum_or(vc, "appeared", 0));
				sb_adds(sb, jnum_or(vc, "appeared", 0) == 1 ? " value appeared, " : " values appeared, ");
				sb_add_count(sb, jnum_or(vc, "disappeared", 0));
				sb_adds(sb, " disappeared");
			}
			if (jnum_or(vc, "null_to_value", 0) > 0) {
				sb_adds(sb, "; NULL \xe2\x86\x92 value ");
				sb_add_count(sb, jnum_or(vc, "null_to_value", 0));
			}
			if (jnum_or(vc, "value_to_null", 0) > 0) {
				sb_adds(sb, "; value \xe2\x86\x92 NULL ");
				sb_add_count(sb, jnum_or(vc, "value_to_null", 0));
			}
			if (jget(vc, "sum_before") || jget(vc, "sum_after")) {
				sb_adds(sb, "; sum ");
				md_short(sb, jget(vc, "sum_before"));
				sb_adds(sb, " \xe2\x86\x92 ");
				md_short(sb, jget(vc, "sum_after"));
			}
			sb_adds(sb, "\n");
		}
		if (jget(t, "replaced")) {
			const cJSON *nk = jget(jget(t, "replaced"), "natural_key"), *k;
			sb_adds(sb, "- ");
			sb_add_count(sb, report_replaced(t));
			if (nk) {
				sb_adds(sb, " replaced (delete + insert under a new key, paired by the natural key ");
				cJSON_ArrayForEach(k, nk) {
					if (k != nk->child)
						sb_adds(sb, ", ");
					md_text(sb, cJSON_IsString(k) ? k->valuestring : "");
				}
				sb_adds(sb, ")");
			} else {
				sb_adds(sb, " replaced (delete + insert of the same values under a new key)");
			}
			sb_adds(sb, "; besides them ");
			sb_add_count(sb, report_other(t, "inserts"));
			sb_adds(sb, report_other(t, "inserts") == 1 ? " insert and " : " inserts and ");
			sb_add_count(sb, report_other(t, "deletes"));
			sb_adds(sb, report_other(t, "deletes") == 1 ? " delete\n" : " deletes\n");
		}
		sb_adds(sb, "\n<details><summary>Profile of ");
		sb_add_html(sb, t->string);
		sb_adds(sb, " before \xe2\x86\x92 after</summary>\n\n"
			    "| column | nulls | distinct | min | max | sum |\n|---|--:|--:|---|---|--:|\n");
		cJSON_ArrayForEach(p, jget(t, "profile")) {
			const cJSON *b = jget(p, "before"), *a = jget(p, "after");
			sb_adds(sb, "| ");
			md_text(sb, p->string);
			sb_adds(sb, " | ");
			md_prof(sb, b, a, "nulls");
			sb_adds(sb, " | ");
			md_prof(sb, b, a, "distinct");
			sb_adds(sb, " | ");
			md_prof(sb, b, a, "min");
			sb_adds(sb, " | ");
			md_prof(sb, b, a, "max");
			sb_adds(sb, " | ");
			if (jget(b, "sum") || jget(a, "sum"))
				md_prof(sb, b, a, "sum");
			sb_adds(sb, " |\n");
		}
		sb_adds(sb, "\n</details>\n\n");
	}
}

/*
 * Checks: failed ones first as a table (errors, then warnings), then one
 * line per other status with the names folded in <details>; a plan with
 * 55 checks gives a few lines, not 55.
 */
static void md_checks(struct strbuf *sb, const cJSON *r)
{
	const cJSON *checks = jget(jget(r, "comparable"), "checks"), *c, *k;
	static const char *const others[] = { "unverifiable", "fixed", "pass" };
	static const char *const labels[] = { "unverifiable", "fixed", "passed" };
	int nfail = 0;

	sb_adds(sb, "## Checks and gates\n\n");
	if (!checks || !checks->child) {
		sb_adds(sb, "No check results in this staging file.\n\n");
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		cJSON_ArrayForEach(c, checks) {
			int n = 0, warn = !strcmp(jstr_or(c, "severity", ""), "warn");
			if (strcmp(jstr_or(c, "status", ""), "fail") || warn != pass)
				continue;
			if (nfail++ >= MD_FAILED_MAX)
				continue;
			if (nfail == 1)
				sb_adds(sb, "| failed | check | kind | violations | sample keys |\n"
					    "|---|---|---|--:|---|\n");
			sb_adds(sb, warn ? "| warn | " : "| **error** | ");
			md_text(sb, jstr_or(c, "name", ""));
			if (jstr_or(c, "message", NULL)) {
				sb_adds(sb, ": ");
				md_text(sb, jstr_or(c, "message", ""));
			}
			sb_adds(sb, " | ");
			md_text(sb, jstr_or(c, "kind", ""));
			sb_adds(sb, " | ");
			md_count(sb, c, "count");
			sb_adds(sb, " | ");
			cJSON_ArrayForEach(k, jget(c, "sample")) {
				if (n++ == 5) {
					sb_adds(sb, ", \xe2\x80\xa6");
					break;
				}
				if (n > 1)
					sb_adds(sb, ", ");
				md_sample_key(sb, k);
			}
			sb_adds(sb, " |\n");
		}
	}
	if (nfail > MD_FAILED_MAX)
		sb_addf(sb, "| and %d more failed checks in the HTML report | | | | |\n", nfail - MD_FAILED_MAX);
	if (nfail)
		sb_adds(sb, "\n");
	for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
		int n = 0, total;
		cJSON_ArrayForEach(c, checks)
			n += !strcmp(jstr_or(c, "status", ""), others[i]);
		if (!n)
			continue;
		sb_addf(sb, "<details><summary>%d %s</summary>\n\n", n, labels[i]);
		total = n;
		n = 0;
		cJSON_ArrayForEach(c, checks) {
			if (strcmp(jstr_or(c, "status", ""), others[i]))
				continue;
			if (n == MD_NAMES_MAX) {
				sb_addf(sb, "; and %d more in the HTML report", total - n);
				break;
			}
			sb_adds(sb, n++ ? "; " : "");
			md_text(sb, jstr_or(c, "name", ""));
			sb_adds(sb, " (");
			md_text(sb, jstr_or(c, "kind", ""));
			sb_adds(sb, ")");
		}
		sb_adds(sb, "\n\n</details>\n\n");
	}
}

/* The two parts of one direction; labelled only when both are there. */
static void md_ddl_parts(struct strbuf *sb, const cJSON *c, const char *k1,
			 const char *k2, const char *l1, const char *l2)
{
	const char *a = jstr_or(c, k1, ""), *b = jstr_or(c, k2, "");
	if (*a && *b)
		sb_addf(sb, "%s\n\n", l1);
	if (*a)
		md_code(sb, "sql", a);
	if (*a && *b)
		sb_addf(sb, "%s\n\n", l2);
	if (*b)
		md_code(sb, "sql", b);
}

static void md_schema(struct strbuf *sb, const cJSON *r)
{
	const cJSON *arr = jget(jget(r, "comparable"), "schema_changes"), *c;
	int i = 0;
	if (!arr || !arr->child)
		return;
	sb_adds(sb, "## Schema changes\n\n");
	cJSON_ArrayForEach(c, arr) {
		sb_addf(sb, "%d. **", ++i);
		md_text(sb, jstr_or(c, "op", "?"));
		sb_adds(sb, "**");
		if (jstr_or(c, "table", NULL)) {
			sb_adds(sb, " on ");
			md_text(sb, jstr_or(c, "table", ""));
		}
		sb_adds(sb, " (");
		md_text(sb, jstr_or(c, "phase", ""));
		sb_adds(sb, " the steps)");
		if (cJSON_IsTrue(jget(c, "skipped")))
			sb_adds(sb, ", skipped: the snapshot already has it");
		sb_adds(sb, "\n\n");
		md_ddl_parts(sb, c, "ddl", "ddl_post", "Before the data:", "After the data:");
		if (*jstr_or(c, "rollback_ddl", "") || *jstr_or(c, "rollback_post", "")) {
			sb_adds(sb, "<details><summary>rollback</summary>\n\n");
			md_ddl_parts(sb, c, "rollback_ddl", "rollback_post", "Before the data:",
				     "After the data:");
			sb_adds(sb, "</details>\n\n");
		}
	}
}

/* Sample rows shown of a sample array. */
static int md_shown(const cJSON *rows)
{
	int n = cJSON_GetArraySize(rows);
	return n < MD_SAMPLE_ROWS ? n : MD_SAMPLE_ROWS;
}

static void md_row_table(struct strbuf *sb, const cJSON *cols, const cJSON *rows,
			 const char *field)
{
	const cJSON *c, *row, *v;
	sb_adds(sb, "|");
	cJSON_ArrayForEach(c, cols) {
		sb_adds(sb, " ");
		md_text(sb, cJSON_IsString(c) ? c->valuestring : "?");
		sb_adds(sb, " |");
	}
	sb_adds(sb, "\n|");
	cJSON_ArrayForEach(c, cols)
		sb_adds(sb, "---|");
	sb_adds(sb, "\n");
	int n = 0;
	cJSON_ArrayForEach(row, rows) {
		if (n++ == MD_SAMPLE_ROWS)
			break;
		sb_adds(sb, "|");
		cJSON_ArrayForEach(v, jget(row, field)) {
			sb_adds(sb, " ");
			md_value(sb, v);
			sb_adds(sb, " |");
		}
		sb_adds(sb, "\n");
	}
	sb_adds(sb, "\n");
}

/* Replaced rows: a delete and an insert paired, as one row each. */
static void md_replaced(struct strbuf *sb, const cJSON *t)
{
	const cJSON *rep = jget(t, "replaced"), *x;
	const cJSON *nk = jget(rep, "natural_key"), *k;
	int by_key = nk != NULL, n = 0;
	sb_addf(sb, "Replaced rows (%d of ", md_shown(jget(rep, "sample")));
	sb_add_count(sb, jnum_or(rep, "count", 0));
	sb_adds(sb, "):\n\n|");
	cJSON_ArrayForEach(k, nk) {
		sb_adds(sb, " ");
		md_text(sb, cJSON_IsString(k) ? k->valuestring : "");
		sb_adds(sb, " |");
	}
	sb_adds(sb, by_key ? " old key | new key | what else differs |\n|" : " old key | new key |\n|");
	cJSON_ArrayForEach(k, nk)
		sb_adds(sb, "---|");
	sb_adds(sb, by_key ? "---|---|---|\n" : "---|---|\n");
	cJSON_ArrayForEach(x, jget(rep, "sample")) {
		if (n++ == MD_SAMPLE_ROWS)
			break;
		sb_adds(sb, "| ");
		cJSON_ArrayForEach(k, nk) {
			md_value(sb, cJSON_IsString(k) ? report_row_value(t, jget(x, "new"), 0, k->valuestring) : NULL);
			sb_adds(sb, " | ");
		}
		md_key(sb, jget(x, "old_key"));
		sb_adds(sb, " | ");
		md_key(sb, jget(x, "new_key"));
		if (by_key) {
			static const struct pair_marks marks = {
				md_text, md_short, "<br>", " \xe2\x86\x92 ", "nothing"
			};
			sb_adds(sb, " | ");
			report_pair_changes(sb, t, x, &marks);
		}
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "\n");
}

static void md_samples(struct strbuf *sb, const cJSON *r)
{
	const cJSON *t;
	int any = 0, more = 0;
	cJSON_ArrayForEach(t, jget(jget(r, "comparable"), "tables")) {
		const cJSON *smp = jget(t, "sample"), *row, *c;
		const cJSON *ins = jget(smp, "inserts"), *upd = jget(smp, "updates"),
			    *del = jget(smp, "deletes"), *rep = jget(jget(t, "replaced"), "sample");
		const cJSON *cb = jget(t, "columns_before"), *ca = jget(t, "columns_after");
		if (!(ins && ins->child) && !(upd && upd->child) && !(del && del->child) &&
		    !(rep && rep->child))
			continue;
		if (sb->len > MD_LIMIT / 3) {
			more++;
			continue;
		}
		if (!any++)
			sb_adds(sb, "## Sample of changed rows\n\n");
		sb_adds(sb, "<details><summary>");
		sb_add_html(sb, t->string);
		sb_adds(sb, ": ");
		sb_add_count(sb, jnum_or(t, "updates", 0));
		sb_adds(sb, " updates, ");
		sb_add_count(sb, report_other(t, "inserts"));
		sb_adds(sb, " inserts, ");
		sb_add_count(sb, report_other(t, "deletes"));
		sb_adds(sb, " deletes");
		if (report_replaced(t) > 0) {
			sb_adds(sb, ", ");
			sb_add_count(sb, report_replaced(t));
			sb_adds(sb, " replaced");
		}
		sb_adds(sb, "</summary>\n\n");
		if (upd && upd->child) {
			int n = 0;
			sb_addf(sb, "Updates (%d of ", md_shown(upd));
			sb_add_count(sb, jnum_or(t, "updates", 0));
			sb_adds(sb, "):\n\n| key | column | before | after |\n|---|---|---|---|\n");
			cJSON_ArrayForEach(row, upd) {
				if (n++ == MD_SAMPLE_ROWS)
					break;
				int firstc = 1;
				cJSON_ArrayForEach(c, jget(row, "changed")) {
					int bi = report_column_index(cb, c->valuestring);
					int ai = report_column_index(ca, c->valuestring);
					const cJSON *jd = report_value_diff(row, c->valuestring), *e;
					const char *why = jstr_or(row, "why", NULL);
					sb_adds(sb, "| ");
					md_key(sb, jget(row, "key"));
					if (firstc && why && strcmp(why, "all rows")) {
						sb_adds(sb, "<br>*");
						md_text(sb, why);
						sb_adds(sb, "*");
					}
					firstc = 0;
					sb_adds(sb, " | ");
					md_text(sb, c->valuestring);
					sb_adds(sb, " | ");
					if (jd) {
						/* json/jsonb: the keys that changed, arrays the
						   elements, not two blobs */
						int jn = 0;
						cJSON_ArrayForEach(e, jd) {
							if (jn++)
								sb_adds(sb, "<br>");
							md_text(sb, jstr_or(e, "op", ""));
							sb_adds(sb, " ");
							md_text(sb, jstr_or(e, "path", ""));
							if (jstr_or(e, "old", NULL)) {
								sb_adds(sb, " ");
								md_short(sb, jget(e, "old"));
							}
						}
						sb_adds(sb, " | ");
						jn = 0;
						cJSON_ArrayForEach(e, jd) {
							if (jn++)
								sb_adds(sb, "<br>");
							md_text(sb, jstr_or(e, "path", ""));
							sb_adds(sb, " ");
							if (jstr_or(e, "new", NULL))
								md_short(sb, jget(e, "new"));
							else
								sb_adds(sb, "(removed)");
						}
						sb_adds(sb, " |\n");
						continue;
					}
					if (bi >= 0)
						md_value(sb, cJSON_GetArrayItem(jget(row, "old"), bi));
					else
						sb_adds(sb, "(new column)");
					sb_adds(sb, " | ");
					if (ai >= 0)
						md_value(sb, cJSON_GetArrayItem(jget(row, "new"), ai));
					else
						sb_adds(sb, "(dropped column)");
					sb_adds(sb, " |\n");
				}
			}
			sb_adds(sb, "\n");
		}
		if (rep && rep->child)
			md_replaced(sb, t);
		if (ins && ins->child) {
			sb_addf(sb, "Inserts (%d of ", md_shown(ins));
			sb_add_count(sb, report_other(t, "inserts"));
			sb_adds(sb, "):\n\n");
			md_row_table(sb, ca, ins, "new");
		}
		if (del && del->child) {
			sb_addf(sb, "Deletes (%d of ", md_shown(del));
			sb_add_count(sb, report_other(t, "deletes"));
			sb_adds(sb, "):\n\n");
			md_row_table(sb, cb, del, "old");
		}
		sb_adds(sb, "</details>\n\n");
	}
	if (more)
		sb_addf(sb, "Samples of %d more table%s are in the HTML report.\n\n", more,
			more == 1 ? "" : "s");
}

static void md_steps(struct strbuf *sb, const cJSON *r)
{
	const cJSON *steps = jget(jget(jget(r, "comparable"), "run"), "steps"), *s;
	const cJSON *timings = jget(jget(r, "timings"), "steps");
	if (!steps || !steps->child)
		return;
	sb_adds(sb, "## Steps\n\n| step | rows | batches | duration | status |\n|---|--:|--:|--:|---|\n");
	cJSON_ArrayForEach(s, steps) {
		const cJSON *t, *tm = NULL;
		cJSON_ArrayForEach(t, timings)
			if (!strcmp(jstr_or(t, "name", ""), jstr_or(s, "name", "")))
				tm = t;
		sb_adds(sb, "| ");
		md_text(sb, jstr_or(s, "name", ""));
		if (jget(s, "dialect"))
			sb_adds(sb, " **[dialect sqlite: SQLite SQL, not PostgreSQL's semantics]**");
		sb_adds(sb, " | ");
		md_count(sb, s, "rows");
		sb_adds(sb, " | ");
		if (jget(s, "batches"))
			md_count(sb, s, "batches");
		sb_addf(sb, " | %.1f ms | ", jnum_or(tm, "duration_ms", 0));
		md_text(sb, jstr_or(s, "status", ""));
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "\n");
}

static void md_pushes(struct strbuf *sb, const cJSON *r)
{
	const cJSON *pushes = jget(jget(r, "context"), "pushes"), *p;
	if (!pushes || !pushes->child)
		return;
	sb_adds(sb, "## Push and rollback\n\n| kind | target | change set | status | started | finished | message |\n"
		    "|---|---|---|---|---|---|---|\n");
	cJSON_ArrayForEach(p, pushes) {
		sb_adds(sb, "| ");
		md_text(sb, jstr_or(p, "kind", ""));
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(p, "target", ""));
		sb_addf(sb, " | `%.12s` | ", jstr_or(p, "changeset_hash", ""));
		md_text(sb, jstr_or(p, "status", ""));
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(p, "started_at", ""));
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(p, "finished_at", ""));
		sb_adds(sb, " | ");
		if (jstr_or(p, "message", NULL) && *jstr_or(p, "message", ""))
			md_text(sb, jstr_or(p, "message", ""));
		else if (strcmp(jstr_or(p, "status", ""), "applied"))
			sb_adds(sb, "no message recorded; the error is in the output of that push");
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "\n");
}


char *report_render_markdown(const cJSON *r)
{
	struct strbuf sb = STRBUF_INIT, tail = STRBUF_INIT;
	const cJSON *gen = jget(r, "generated");
	void (*const sections[])(struct strbuf *, const cJSON *) = {
		md_tables, md_value_changes, md_checks, md_schema, md_samples, md_steps, md_pushes,
	};
	size_t left_out = 0;

	sb_adds(&sb, "# drydock report: ");
	md_text(&sb, jstr_or(jget(jget(r, "comparable"), "plan"), "name", "?"));
	sb_adds(&sb, "\n\n");
	md_blockers(&sb, r);
	if (jstr_or(jget(jget(r, "comparable"), "plan"), "description", NULL)) {
		sb_adds(&sb, "> ");
		md_text(&sb, jstr_or(jget(jget(r, "comparable"), "plan"), "description", ""));
		sb_adds(&sb, "\n\n");
	}
	md_header(&sb, r);

	sb_adds(&tail, "---\n\n*Written by ");
	md_text(&tail, jstr_or(gen, "by", "drydock"));
	sb_adds(&tail, " at ");
	md_text(&tail, jstr_or(gen, "at", ""));
	sb_adds(&tail, " from ");
	md_path(&tail, jstr_or(jget(r, "context"), "staging_file", ""));
	sb_adds(&tail, ". Compare reports with `drydock diff A.json B.json`.*\n");

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		struct strbuf part = STRBUF_INIT;
		sections[i](&part, r);
		if (sb.len + part.len + tail.len + 300 > MD_LIMIT)
			left_out += part.len;
		else
			sb_add(&sb, part.buf, part.len);
		sb_release(&part);
	}
	if (left_out) {
		sb_adds(&sb, "**Truncated**: ");
		sb_add_count(&sb, (double)left_out);
		sb_adds(&sb, " more characters did not fit in a pull-request comment; "
			     "see the HTML report (report.html) for the rest.\n\n");
	}
	sb_add(&sb, tail.buf, tail.len);
	sb_release(&tail);
	return sb_detach(&sb, NULL);
}
