/*
 * report_diffhtml: `drydock diff --html`, two reports side by side on one
 * self-contained page (inline CSS, no script, nothing from the network):
 * a fixture rehearsal against a production dry run.  Declared in
 * report.h (report_render_diff_html).
 *
 * The page: whether they are equal and what was ignored; the plan, status
 * and change-set hash of A and B; per table the rows and changes of A
 * beside those of B, each differing cell marked; then every difference
 * (subject, what, A, B) as `drydock diff` lists it, and the parts that are
 * equal.  Every value is HTML-escaped and cut at 200 bytes.
 */
#include "report.h"

#include <string.h>

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;margin:0;background:#f6f8fa}"
	"main{max-width:1180px;margin:0 auto;padding:24px}"
	"h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:26px 0 8px}"
	".card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 16px;margin:12px 0}"
	".badge{display:inline-block;border-radius:12px;padding:2px 10px;font-weight:600;font-size:13px}"
	".b-ok{background:#dafbe1;color:#116329}.b-bad{background:#ffebe9;color:#a40e26}"
	".muted{color:#57606a}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}"
	"table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eaeef2;padding:5px 8px;"
	"text-align:left;vertical-align:top}th{font-size:12px;color:#57606a;font-weight:600}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
	"th.side{border-left:2px solid #d0d7de}td.side{border-left:2px solid #d0d7de}"
	"td.d{background:#fff8c5;font-weight:600}"
	".v{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;word-break:break-all}";

/* A value of either report: text as it is, other JSON compact; cut. */
static void value_cell(struct strbuf *sb, const cJSON *v)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t cut;
	if (!v) {
		sb_adds(sb, "<span class=\"muted\">(none)</span>");
		return;
	}
	if (cJSON_IsString(v))
		sb_adds(&tmp, v->valuestring);
	else
		sb_add_json_compact(&tmp, v);
	cut = utf8_cut(tmp.buf, tmp.len, 200);
	sb_add_html_n(sb, tmp.buf, cut);
	if (cut < tmp.len)
		sb_adds(sb, "\xe2\x80\xa6");
	sb_release(&tmp);
}

/* One number of a table in A and in B, the pair marked when they differ. */
static void count_pair(struct strbuf *a_cells, struct strbuf *b_cells, const cJSON *ta,
		       const cJSON *tb, const char *key, int first)
{
	const cJSON *va = jget(ta, key), *vb = jget(tb, key);
	int differ = !cJSON_Compare(va, vb, 1);
	for (int s = 0; s < 2; s++) {
		struct strbuf *sb = s ? b_cells : a_cells;
		const cJSON *v = s ? vb : va;
		sb_addf(sb, "<td class=\"num%s%s\" data-k=\"%s\">", first ? " side" : "", differ ? " d" : "", key);
		if (cJSON_IsNumber(v))
			sb_add_count(sb, v->valuedouble);
		else
			sb_adds(sb, "<span class=\"muted\">&ndash;</span>");
		sb_adds(sb, "</td>");
	}
}

/* The tables of both reports, A's numbers beside B's. */
static void tables_side_by_side(struct strbuf *sb, const cJSON *ca, const cJSON *cb)
{
	static const char *const keys[] = { "rows_before", "rows_after", "inserts", "updates", "deletes" };
	const cJSON *tables[2] = { jget(ca, "tables"), jget(cb, "tables") }, *t;
	sb_adds(sb, "<h2>Tables</h2><div class=\"card\"><table class=\"sbs\"><tr><th rowspan=\"2\">table</th>"
		    "<th class=\"side\" colspan=\"5\">A</th><th class=\"side\" colspan=\"5\">B</th></tr><tr>");
	for (int s = 0; s < 2; s++)
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			sb_addf(sb, "<th class=\"num%s\">%s</th>", k == 0 ? " side" : "",
				k == 0 ? "before" : k == 1 ? "after" : keys[k]);
	sb_adds(sb, "</tr>");
	/* A's tables in A's order, then those only B has */
	for (int s = 0; s < 2; s++) {
		cJSON_ArrayForEach(t, tables[s]) {
			const cJSON *ta = jget(tables[0], t->string), *tb = jget(tables[1], t->string);
			struct strbuf a_cells = STRBUF_INIT, b_cells = STRBUF_INIT;
			if (s == 1 && ta)
				continue;
			sb_adds(sb, "<tr data-table=\"");
			sb_add_html(sb, t->string);
			sb_adds(sb, "\"><td class=\"mono\">");
			sb_add_html(sb, t->string);
			if (!ta || !tb)
				sb_addf(sb, " <span class=\"muted\">(only in %s)</span>", ta ? "A" : "B");
			sb_adds(sb, "</td>");
			for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
				count_pair(&a_cells, &b_cells, ta, tb, keys[k], k == 0);
			sb_addf(sb, "%s%s</tr>", a_cells.buf, b_cells.buf);
			sb_release(&a_cells);
			sb_release(&b_cells);
		}
	}
	sb_adds(sb, "</table></div>");
}

char *report_render_diff_html(const cJSON *diff, const cJSON *a, const cJSON *b)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *ca = jget(a, "comparable"), *cb = jget(b, "comparable"), *e, *x;
	int n = cJSON_GetArraySize(jget(diff, "differences"));

	sb_adds(&sb, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<title>drydock diff</title><style>");
	sb_adds(&sb, css);
	sb_adds(&sb, "</style></head><body><main>");
	sb_addf(&sb, "<h1>drydock diff</h1><p><span class=\"badge %s\" data-equal=\"%s\">",
		n ? "b-bad" : "b-ok", n ? "false" : "true");
	if (n)
		sb_addf(&sb, "%d difference%s", n, n == 1 ? "" : "s");
	else
		sb_adds(&sb, "equal");
	sb_adds(&sb, "</span>");
	if (cJSON_GetArraySize(jget(diff, "ignored")) > 0) {
		int k = 0;
		sb_adds(&sb, " <span class=\"muted\">ignored:");
		cJSON_ArrayForEach(x, jget(diff, "ignored")) {
			sb_adds(&sb, k++ ? ", " : " ");
			sb_add_html(&sb, cJSON_IsString(x) ? x->valuestring : "");
		}
		sb_adds(&sb, "</span>");
	}
	sb_adds(&sb, "</p>");

	/* what each report is */
	sb_adds(&sb, "<div class=\"card\"><table class=\"which\"><tr><th></th><th>A</th><th>B</th></tr>");
	sb_adds(&sb, "<tr><th>report</th><td class=\"v\" data-side=\"a\">");
	value_cell(&sb, jget(diff, "a"));
	sb_adds(&sb, "</td><td class=\"v\" data-side=\"b\">");
	value_cell(&sb, jget(diff, "b"));
	sb_adds(&sb, "</td></tr>");
	static const struct { const char *label, *obj, *key; } rows[] = {
		{ "plan", "plan", "name" }, { "status", NULL, "status" }, { "change set", NULL, "hash" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const cJSON *va = jget(rows[i].obj ? jget(ca, rows[i].obj) : ca, rows[i].key);
		const cJSON *vb = jget(rows[i].obj ? jget(cb, rows[i].obj) : cb, rows[i].key);
		const char *d = cJSON_Compare(va, vb, 1) ? "" : " d";
		sb_addf(&sb, "<tr><th>%s</th><td class=\"v%s\">", rows[i].label, d);
		value_cell(&sb, va);
		sb_addf(&sb, "</td><td class=\"v%s\">", d);
		value_cell(&sb, vb);
		sb_adds(&sb, "</td></tr>");
	}
	sb_adds(&sb, "</table></div>");

	tables_side_by_side(&sb, ca, cb);

	sb_adds(&sb, "<h2>Differences</h2><div class=\"card\">");
	if (!n) {
		sb_adds(&sb, "<p class=\"muted\">None.</p>");
	} else {
		sb_adds(&sb, "<table class=\"diffs\"><tr><th>subject</th><th>what</th><th>A</th><th>B</th></tr>");
		cJSON_ArrayForEach(e, jget(diff, "differences")) {
			const char *kind = jstr_or(e, "kind", "");
			sb_adds(&sb, "<tr data-kind=\"");
			sb_add_html(&sb, kind);
			sb_adds(&sb, "\"><td>");
			sb_add_html(&sb, jstr_or(e, "subject", ""));
			sb_adds(&sb, "</td><td class=\"mono\">");
			sb_add_html(&sb, jstr_or(e, "field", ""));
			sb_adds(&sb, "</td><td class=\"v\">");
			if (!strcmp(kind, "added"))
				sb_adds(&sb, "<span class=\"muted\">only in B</span>");
			else
				value_cell(&sb, jget(e, "a"));
			sb_adds(&sb, "</td><td class=\"v\">");
			if (!strcmp(kind, "removed"))
				sb_adds(&sb, "<span class=\"muted\">only in A</span>");
			else
				value_cell(&sb, jget(e, "b"));
			sb_adds(&sb, "</td></tr>");
		}
		sb_adds(&sb, "</table>");
	}
	sb_adds(&sb, "</div>");
	if (cJSON_GetArraySize(jget(diff, "equal_parts")) > 0) {
		int k = 0;
		sb_adds(&sb, "<p class=\"muted\" id=\"equal\">Equal:");
		cJSON_ArrayForEach(x, jget(diff, "equal_parts")) {
			sb_adds(&sb, k++ ? ", " : " ");
			sb_add_html(&sb, cJSON_IsString(x) ? x->valuestring : "");
		}
		sb_adds(&sb, "</p>");
	}
	sb_adds(&sb, "</main></body></html>\n");
	return sb_detach(&sb, NULL);
}
