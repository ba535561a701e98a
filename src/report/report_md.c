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
	if (!cJSON_IsString(v)) {
		sb_adds(sb, "*NULL*");
		return;
	}
	len = strlen(v->valuestring);
	cut = utf8_cut(v->valuestring, len, MD_VALUE_MAX);
	if (!len)
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

static int column_index(const cJSON *cols, const char *name)
{
	const cJSON *c;
	int i = 0;
	cJSON_ArrayForEach(c, cols) {
		if (cJSON_IsString(c) && !strcmp(c->valuestring, name))
			return i;
		i++;
	}
	return -1;
}

static void md_header(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *ctx = jget(r, "context");
	const cJSON *plan = jget(cmp, "plan"), *approval = jget(ctx, "approval");
	const cJSON *val = jget(cmp, "validation"), *sum = jget(val, "summary");
	const cJSON *comp = jget(cmp, "completion"), *s;
	const char *hash = jstr_or(cmp, "hash", NULL);

	sb_adds(sb, "# drydock report: ");
	md_text(sb, jstr_or(plan, "name", "?"));
	sb_adds(sb, "\n\n");
	if (jstr_or(plan, "description", NULL)) {
		sb_adds(sb, "> ");
		md_text(sb, jstr_or(plan, "description", ""));
		sb_adds(sb, "\n\n");
	}
	sb_adds(sb, "| | |\n|---|---|\n");
	sb_adds(sb, "| Status | **");
	md_text(sb, jstr_or(cmp, "status", "?"));
	sb_adds(sb, "** |\n| Change set | ");
	if (hash)
		sb_addf(sb, "`%s` |\n", hash);
	else
		sb_adds(sb, "none yet (run the plan) |\n");
	sb_adds(sb, "| Approval | ");
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
	sb_adds(sb, " |\n");
	cJSON_ArrayForEach(s, jget(ctx, "sources")) {
		const cJSON *cs = jget(jget(cmp, "sources"), s->string);
		sb_adds(sb, "| Source ");
		md_text(sb, s->string);
		sb_adds(sb, cJSON_IsTrue(jget(cs, "target")) ? " (target) | " : " | ");
		{
			const char *origin = jstr_or(s, "origin", "?"), *id = jstr_or(s, "identity", "");
			size_t ol = strlen(origin);
			if (!strncmp(id, origin, ol) && id[ol] == ' ')
				id += ol + 1;
			md_text(sb, origin);
			sb_adds(sb, " ");
			md_text(sb, id);
		}
		if (jstr_or(s, "snapshot_at", NULL)) {
			sb_adds(sb, ", snapshot ");
			md_text(sb, jstr_or(s, "snapshot_at", ""));
		}
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "| Run | ");
	md_text(sb, jstr_or(jget(cmp, "run"), "status", "?"));
	sb_addf(sb, ", %g of %g steps (%g%%)", jnum_or(comp, "steps_done", 0),
		jnum_or(comp, "steps_total", 0), jnum_or(comp, "percent", 0));
	sb_adds(sb, " |\n| Checks | ");
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
	sb_adds(sb, " |\n\n");
}

static void md_tables(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *t, *c;
	const cJSON *tot = jget(cmp, "totals");

	sb_adds(sb, "## Tables\n\n");
	if (!jget(cmp, "tables") || !jget(cmp, "tables")->child) {
		sb_adds(sb, "No target tables.\n\n");
		return;
	}
	sb_adds(sb, "| table | rows before | rows after | inserts | updates | deletes | changed columns (rows) |\n"
		    "|---|--:|--:|--:|--:|--:|---|\n");
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
		md_count(sb, t, "rows_before");
		sb_adds(sb, " | ");
		md_count(sb, t, "rows_after");
		sb_adds(sb, " | ");
		md_count(sb, t, "inserts");
		sb_adds(sb, " | ");
		md_count(sb, t, "updates");
		sb_adds(sb, " | ");
		md_count(sb, t, "deletes");
		sb_adds(sb, " | ");
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
	sb_adds(sb, "| **total** | ");
	md_count(sb, tot, "rows_before");
	sb_adds(sb, " | ");
	md_count(sb, tot, "rows_after");
	sb_adds(sb, " | ");
	md_count(sb, tot, "inserts");
	sb_adds(sb, " | ");
	md_count(sb, tot, "updates");
	sb_adds(sb, " | ");
	md_count(sb, tot, "deletes");
	sb_adds(sb, " | |\n\n");
}

static void md_checks(struct strbuf *sb, const cJSON *r)
{
	const cJSON *checks = jget(jget(r, "comparable"), "checks"), *c, *k;
	sb_adds(sb, "## Checks and gates\n\n");
	if (!checks || !checks->child) {
		sb_adds(sb, "No check results in this staging file.\n\n");
		return;
	}
	sb_adds(sb, "| status | check | kind | severity | violations | sample keys |\n"
		    "|---|---|---|---|--:|---|\n");
	cJSON_ArrayForEach(c, checks) {
		const char *st = jstr_or(c, "status", "?");
		int n = 0;
		sb_addf(sb, "| %s", !strcmp(st, "fail") ? "**fail**" : "");
		if (strcmp(st, "fail"))
			md_text(sb, st);
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(c, "name", ""));
		if (jstr_or(c, "message", NULL)) {
			sb_adds(sb, ": ");
			md_text(sb, jstr_or(c, "message", ""));
		}
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(c, "kind", ""));
		sb_adds(sb, " | ");
		md_text(sb, jstr_or(c, "severity", ""));
		sb_adds(sb, " | ");
		md_count(sb, c, "count");
		sb_adds(sb, " | ");
		cJSON_ArrayForEach(k, jget(c, "sample")) {
			if (n++ == 10) {
				sb_adds(sb, ", \xe2\x80\xa6");
				break;
			}
			if (n > 1)
				sb_adds(sb, ", ");
			if (cJSON_IsArray(k))
				md_key(sb, k);
			else if (cJSON_IsString(k))
				md_value(sb, k);
			else {
				struct strbuf tmp = STRBUF_INIT;
				sb_add_json_compact(&tmp, k);
				md_text(sb, tmp.buf);
				sb_release(&tmp);
			}
		}
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "\n");
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
	cJSON_ArrayForEach(row, rows) {
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

static void md_samples(struct strbuf *sb, const cJSON *r)
{
	const cJSON *t;
	int any = 0;
	cJSON_ArrayForEach(t, jget(jget(r, "comparable"), "tables")) {
		const cJSON *smp = jget(t, "sample"), *row, *c;
		const cJSON *ins = jget(smp, "inserts"), *upd = jget(smp, "updates"),
			    *del = jget(smp, "deletes");
		const cJSON *cb = jget(t, "columns_before"), *ca = jget(t, "columns_after");
		if (!(ins && ins->child) && !(upd && upd->child) && !(del && del->child))
			continue;
		if (!any++)
			sb_adds(sb, "## Sample of changed rows\n\n");
		sb_adds(sb, "<details><summary>");
		sb_add_html(sb, t->string);
		sb_adds(sb, ": ");
		sb_add_count(sb, jnum_or(t, "updates", 0));
		sb_adds(sb, " updates, ");
		sb_add_count(sb, jnum_or(t, "inserts", 0));
		sb_adds(sb, " inserts, ");
		sb_add_count(sb, jnum_or(t, "deletes", 0));
		sb_adds(sb, " deletes</summary>\n\n");
		if (upd && upd->child) {
			sb_addf(sb, "Updates (first %d):\n\n| key | column | before | after |\n|---|---|---|---|\n",
				cJSON_GetArraySize(upd));
			cJSON_ArrayForEach(row, upd) {
				cJSON_ArrayForEach(c, jget(row, "changed")) {
					int bi = column_index(cb, c->valuestring);
					int ai = column_index(ca, c->valuestring);
					sb_adds(sb, "| ");
					md_key(sb, jget(row, "key"));
					sb_adds(sb, " | ");
					md_text(sb, c->valuestring);
					sb_adds(sb, " | ");
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
		if (ins && ins->child) {
			sb_addf(sb, "Inserts (first %d):\n\n", cJSON_GetArraySize(ins));
			md_row_table(sb, ca, ins, "new");
		}
		if (del && del->child) {
			sb_addf(sb, "Deletes (first %d):\n\n", cJSON_GetArraySize(del));
			md_row_table(sb, cb, del, "old");
		}
		sb_adds(sb, "</details>\n\n");
	}
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
	sb_adds(sb, "## Push and rollback\n\n| | target | change set | status | started | finished | message |\n"
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
		md_text(sb, jstr_or(p, "message", ""));
		sb_adds(sb, " |\n");
	}
	sb_adds(sb, "\n");
}

char *report_render_markdown(const cJSON *r)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *gen = jget(r, "generated");

	md_header(&sb, r);
	md_tables(&sb, r);
	md_checks(&sb, r);
	md_schema(&sb, r);
	md_samples(&sb, r);
	md_steps(&sb, r);
	md_pushes(&sb, r);
	sb_adds(&sb, "---\n\n*Written by ");
	md_text(&sb, jstr_or(gen, "by", "drydock"));
	sb_adds(&sb, " at ");
	md_text(&sb, jstr_or(gen, "at", ""));
	sb_adds(&sb, " from ");
	md_text(&sb, jstr_or(jget(r, "context"), "staging_file", ""));
	sb_adds(&sb, ". Compare reports with `drydock diff A.json B.json`.*\n");
	return sb_detach(&sb, NULL);
}
