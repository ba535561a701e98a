/*
 * report_html: the report as one self-contained HTML page: inline CSS and
 * inline SVG charts, no scripts, no fonts or images from anywhere (a
 * Content-Security-Policy in the page forbids any load).  Every value from
 * the data is HTML-escaped; values can hold anything, "<script>" included.
 *
 * Layout: a header card (plan, status, hash, approval, sources, run), a
 * strip of key numbers, an overview chart of every table, one card per
 * table (before/after chart, changed columns, sample rows with old and new
 * values side by side and the differing part marked), checks and gates,
 * schema changes with their DDL, step timings, pushes and rollbacks.
 */
#define _GNU_SOURCE
#include "report.h"

#include <math.h>
#include <string.h>

#define VALUE_MAX 300        /* bytes of a value shown before it is cut */
#define OVERVIEW_MAX 60      /* tables in the overview chart */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f3f5f8;color:#1f2328;"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans','DejaVu Sans',sans-serif}"
	"main{max-width:1180px;margin:0 auto;padding:28px 24px 40px}"
	".mono,code,pre,.v{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono','Liberation Mono',monospace}"
	"header.hero{background:linear-gradient(135deg,#0d2238,#1b4470);color:#fff;border-radius:14px;padding:22px 28px 20px;box-shadow:0 2px 8px rgba(13,34,56,.18)}"
	".hero .top{display:flex;align-items:center;gap:14px;flex-wrap:wrap}"
	".hero h1{margin:0;font-size:25px;font-weight:650;letter-spacing:-.01em}"
	".hero .kicker{color:#9fc1e3;font-size:12px;text-transform:uppercase;letter-spacing:.08em;margin-bottom:2px}"
	".hero .desc{color:#d2deea;margin:6px 0 0}"
	".hero dl{display:grid;grid-template-columns:max-content 1fr;gap:7px 20px;margin:18px 0 0}"
	".hero dt{color:#9fb6cc}.hero dd{margin:0;overflow-wrap:anywhere}"
	".hero .hash{background:rgba(255,255,255,.1);padding:1px 7px;border-radius:5px}"
	".hero .sub{color:#b4c6d8}"
	".badge{display:inline-block;padding:3px 11px;border-radius:999px;font-weight:650;font-size:12.5px;white-space:nowrap}"
	".b-ok{background:#d1f5db;color:#0f5323}.b-bad{background:#ffe1df;color:#99101f}"
	".b-warn{background:#fff1b8;color:#6b4300}.b-info{background:#dbeaff;color:#0a3d8f}"
	".b-muted{background:#e6eaef;color:#4b5563}"
	".strip{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:18px 0 4px}"
	".tile{background:#fff;border:1px solid #d8dee4;border-radius:12px;padding:11px 16px}"
	".tile .label{color:#57606a;font-size:11.5px;text-transform:uppercase;letter-spacing:.05em}"
	".tile .value{font-size:23px;font-weight:680;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".tile .note{color:#6e7781;font-size:12px}"
	".c-ins{color:#1a7f37}.c-upd{color:#9a6700}.c-del{color:#cf222e}.c-bad{color:#cf222e}.c-ok{color:#1a7f37}"
	"section.card{background:#fff;border:1px solid #d8dee4;border-radius:12px;padding:18px 22px;margin:16px 0}"
	"h2{font-size:17px;margin:0 0 12px;font-weight:650}"
	"h3{font-size:16px;margin:0;font-weight:650}"
	"h4{font-size:13px;margin:16px 0 6px;color:#424a53;font-weight:650}"
	".muted{color:#6e7781}"
	"table.grid{border-collapse:collapse;width:100%;font-size:13px}"
	".grid th{text-align:left;color:#57606a;font-weight:600;border-bottom:1px solid #d0d7de;padding:6px 9px;background:#f6f8fa;white-space:nowrap}"
	".grid td{border-bottom:1px solid #eaeef2;padding:6px 9px;vertical-align:top}"
	".grid tr:last-child td{border-bottom:0}"
	"table.upd tr.first td{border-top:1px solid #d0d7de}"
	"table.upd td{border-bottom-color:#f3f4f6}"
	".num,.grid .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".tbl-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap;margin-bottom:12px}"
	".pill{display:inline-block;border-radius:6px;padding:1px 8px;font-size:12.5px;font-weight:600;background:#f0f2f5;color:#424a53}"
	".p-ins{background:#dafbe1;color:#116329}.p-upd{background:#fff4c2;color:#7d4e00}.p-del{background:#ffebe9;color:#a40e26}"
	".tbl-body{display:grid;grid-template-columns:minmax(340px,400px) 1fr;gap:26px;align-items:start}"
	"@media (max-width:820px){.tbl-body{grid-template-columns:1fr}}"
	"svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif}"
	".legend{display:flex;gap:14px;flex-wrap:wrap;font-size:12px;color:#57606a;margin-top:6px}"
	".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}"
	".colbar{height:8px;background:#eef1f4;border-radius:4px;overflow:hidden;min-width:80px}"
	".colbar span{display:block;height:100%;background:#d4a72c;border-radius:4px}"
	".v{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12.5px}"
	"td.old{background:#fff5f4}td.new{background:#f2fcf4}"
	"td.old mark{background:#ffc5c0;color:inherit;border-radius:2px}"
	"td.new mark{background:#a8ecb9;color:inherit;border-radius:2px}"
	"tr.ins td{background:#f6fdf7}tr.del td{background:#fff8f7}"
	".null{color:#8c959f;font-style:italic;font-family:system-ui,sans-serif}"
	".cut{color:#8c959f;font-style:italic}"
	".scroll{overflow-x:auto;border:1px solid #eaeef2;border-radius:8px}"
	".key{font-weight:600}"
	"details{margin:4px 0}details summary{cursor:pointer;color:#0969da;font-size:13px}"
	"pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:8px;padding:10px 12px;overflow-x:auto;font-size:12.5px;margin:6px 0;white-space:pre-wrap}"
	".sc{border:1px solid #eaeef2;border-radius:10px;padding:10px 14px;margin:10px 0}"
	".sc .head{display:flex;gap:10px;align-items:center;flex-wrap:wrap}"
	".ddl-part{font-size:12px;margin-top:6px}"
	".tbar{height:10px;background:#eef1f4;border-radius:5px;overflow:hidden;min-width:120px}"
	".tbar span{display:block;height:100%;background:#4c8fd6}"
	".warnbox{background:#fff8d6;border:1px solid #f0d77a;color:#5c4200;border-radius:8px;padding:8px 12px;margin:0 0 12px}"
	".empty{color:#6e7781;font-style:italic}"
	".blockers{border-radius:12px;padding:12px 20px;margin:0 0 16px;border:1px solid}"
	".bl-ok{background:#eafbef;border-color:#9fdcb0;color:#0f5323}"
	".bl-bad{background:#fff0ef;border-color:#f3a8a2;color:#5c0a12}"
	".bl-bad h2{color:#99101f;margin:2px 0 10px}.bl-bad table.grid{background:#fff}"
	".vcs{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}"
	".vc{border:1px solid #eaeef2;border-radius:10px;padding:10px 14px}.vc-head{margin-bottom:6px}"
	".vc table.grid{margin:4px 0 8px}.vc p{margin:4px 0}"
	"td.chg{background:#fff8e1}.why{color:#6e7781;font-size:11.5px;font-weight:400;font-style:italic}"
	"ul.jd{margin:4px 0;padding-left:16px}ul.jd li{font-size:12px}"
	"footer{color:#6e7781;font-size:12px;text-align:center;margin-top:26px}";

/* ---------------------------------------------------------------- bits */

static void esc(struct strbuf *sb, const char *s)
{
	sb_add_html(sb, s ? s : "");
}

static void count(struct strbuf *sb, double n)
{
	sb_add_count(sb, n);
}

static const char *plural(double n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* A value (PostgreSQL text or null), escaped, cut at max bytes: with the
   number of bytes left out (long), or an ellipsis. */
static void value_html_cut(struct strbuf *sb, const cJSON *v, size_t max, int long_form)
{
	size_t len, cut;
	switch (value_cut(v, max, &cut, &len)) {
	case VALUE_NULL:
		sb_adds(sb, "<span class=\"null\">NULL</span>");
		return;
	case VALUE_EMPTY:
		sb_adds(sb, "<span class=\"null\">(empty)</span>");
		return;
	case VALUE_TEXT:
		break;
	}
	sb_add_html_n(sb, v->valuestring, cut);
	if (cut < len && long_form)
		sb_addf(sb, "<span class=\"cut\">\xe2\x80\xa6 (%zu more bytes)</span>", len - cut);
	else if (cut < len)
		sb_adds(sb, "&hellip;");
}

/* A value in a table cell. */
static void value_html(struct strbuf *sb, const cJSON *v)
{
	value_html_cut(sb, v, VALUE_MAX, 1);
}

/*
 * Old and new values with the part that differs marked: the common prefix
 * and suffix stay plain (so 2024-01-01 10:00 -> 2024-01-01 11:00 marks
 * only the hour).
 */
static void value_pair_html(struct strbuf *old, struct strbuf *new,
			    const cJSON *a, const cJSON *b)
{
	size_t la, lb, p, s;
	if (!cJSON_IsString(a) || !cJSON_IsString(b) ||
	    (la = strlen(a->valuestring)) > VALUE_MAX ||
	    (lb = strlen(b->valuestring)) > VALUE_MAX || !la || !lb) {
		sb_adds(old, "<mark>");
		value_html(old, a);
		sb_adds(old, "</mark>");
		sb_adds(new, "<mark>");
		value_html(new, b);
		sb_adds(new, "</mark>");
		return;
	}
	common_affixes(a->valuestring, la, b->valuestring, lb, &p, &s);
	sb_add_html_n(old, a->valuestring, p);
	sb_add_html_n(new, b->valuestring, p);
	if (la - p - s) {
		sb_adds(old, "<mark>");
		sb_add_html_n(old, a->valuestring + p, la - p - s);
		sb_adds(old, "</mark>");
	}
	if (lb - p - s) {
		sb_adds(new, "<mark>");
		sb_add_html_n(new, b->valuestring + p, lb - p - s);
		sb_adds(new, "</mark>");
	}
	sb_add_html_n(old, a->valuestring + la - s, s);
	sb_add_html_n(new, b->valuestring + lb - s, s);
}

static void key_html(struct strbuf *sb, const cJSON *key)
{
	const cJSON *k;
	int n = cJSON_GetArraySize(key);
	if (n != 1)
		sb_addch(sb, '(');
	cJSON_ArrayForEach(k, key) {
		if (k != key->child)
			sb_adds(sb, ", ");
		value_html(sb, k);
	}
	if (n != 1)
		sb_addch(sb, ')');
}

/* An id usable in href="#..." for a table name. */
static void anchor(struct strbuf *sb, const char *name)
{
	sb_adds(sb, "t-");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
			sb_addch(sb, *p);
		else
			sb_addf(sb, ".%02x", *p);
	}
}

/* ------------------------------------------------------------- charts */

static double seg(double n, double max, double width)
{
	double w;
	if (n <= 0 || max <= 0)
		return 0;
	w = n / max * width;
	return w < 2 ? 2 : w; /* one row in a million still shows */
}

static void svg_rect(struct strbuf *sb, double x, double y, double w, double h,
		     const char *fill, const char *cls)
{
	if (w <= 0)
		return;
	sb_addf(sb, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
		cls, x, y, w, h, fill);
}

/*
 * Before and after as two bars on one scale, each split by what happened
 * to its rows: before = unchanged + updated + replaced + deleted, after =
 * unchanged + updated + replaced + inserted.  A replaced row (a delete and
 * an insert paired, report_replaced()) is drawn once on each bar as such,
 * not as a delete plus an insert.
 */
#define REPLACED_FILL "#8250df"

static void table_chart(struct strbuf *sb, const char *name, const cJSON *t)
{
	double before = jnum_or(t, "rows_before", 0), after = jnum_or(t, "rows_after", -1);
	double ins = report_other(t, "inserts"), upd = jnum_or(t, "updates", 0),
	       del = report_other(t, "deletes"), rep = report_replaced(t);
	int has_after = after >= 0;
	double max = before > after ? before : after, W = 236, x0 = 56, x;
	double unchanged = before - upd - rep - del;
	struct strbuf label = STRBUF_INIT;

	if (unchanged < 0)
		unchanged = 0;
	sb_adds(sb, "<svg class=\"chart\" data-table=\"");
	esc(sb, name);
	sb_addf(sb, "\" data-before=\"%.0f\" data-after=\"%.0f\" width=\"380\" height=\"%d\" "
		    "viewBox=\"0 0 380 %d\" role=\"img\" aria-label=\"",
		before, has_after ? after : before, has_after ? 74 : 40, has_after ? 74 : 40);
	esc(sb, name);
	sb_addf(sb, ": %.0f rows before", before);
	if (has_after)
		sb_addf(sb, ", %.0f after", after);
	sb_adds(sb, "\">");
	/* track, label, bar */
	sb_adds(sb, "<text x=\"0\" y=\"22\" font-size=\"12\" fill=\"#57606a\">before</text>");
	sb_addf(sb, "<rect x=\"%.0f\" y=\"8\" width=\"%.0f\" height=\"20\" rx=\"3\" fill=\"#f0f2f5\"/>", x0, W);
	x = x0;
	if (has_after) {
		double w;
		w = seg(unchanged, max, W); svg_rect(sb, x, 8, w, 20, "#8c959f", "bar-before"); x += w;
		w = seg(upd, max, W); svg_rect(sb, x, 8, w, 20, "#d4a72c", "bar-before bar-upd"); x += w;
		w = seg(rep, max, W); svg_rect(sb, x, 8, w, 20, REPLACED_FILL, "bar-before bar-rep"); x += w;
		w = seg(del, max, W); svg_rect(sb, x, 8, w, 20, "#e5534b", "bar-before bar-del"); x += w;
	} else {
		double w = seg(before, max, W);
		svg_rect(sb, x, 8, w, 20, "#8c959f", "bar-before");
		x += w;
	}
	sb_reset(&label);
	sb_add_count(&label, before);
	sb_addf(sb, "<text x=\"%.1f\" y=\"22.5\" font-size=\"12.5\" font-weight=\"600\" fill=\"#1f2328\">%s</text>",
		x + 6, label.buf);
	if (has_after) {
		double w;
		sb_adds(sb, "<text x=\"0\" y=\"56\" font-size=\"12\" fill=\"#57606a\">after</text>");
		sb_addf(sb, "<rect x=\"%.0f\" y=\"42\" width=\"%.0f\" height=\"20\" rx=\"3\" fill=\"#f0f2f5\"/>", x0, W);
		x = x0;
		w = seg(unchanged, max, W); svg_rect(sb, x, 42, w, 20, "#3b82c4", "bar-after"); x += w;
		w = seg(upd, max, W); svg_rect(sb, x, 42, w, 20, "#d4a72c", "bar-after bar-upd"); x += w;
		w = seg(rep, max, W); svg_rect(sb, x, 42, w, 20, REPLACED_FILL, "bar-after bar-rep"); x += w;
		w = seg(ins, max, W); svg_rect(sb, x, 42, w, 20, "#2da44e", "bar-after bar-ins"); x += w;
		if (x == x0 && after > 0) {
			/* counts that do not add up: draw the total */
			w = seg(after, max, W);
			svg_rect(sb, x, 42, w, 20, "#3b82c4", "bar-after");
			x += w;
		}
		sb_reset(&label);
		sb_add_count(&label, after);
		sb_addf(sb, "<text x=\"%.1f\" y=\"56.5\" font-size=\"12.5\" font-weight=\"600\" fill=\"#1f2328\">%s</text>",
			x + 6, label.buf);
	}
	sb_adds(sb, "</svg>");
	sb_release(&label);
}

/* Every table on one chart: name, before bar, after bar. */
static void overview_chart(struct strbuf *sb, const cJSON *tables)
{
	const cJSON *t;
	double max = 0, W = 700, x0 = 200, rowh = 38;
	int n = 0, shown;
	struct strbuf label = STRBUF_INIT;

	cJSON_ArrayForEach(t, tables) {
		double b = jnum_or(t, "rows_before", 0), a = jnum_or(t, "rows_after", 0);
		if (b > max)
			max = b;
		if (a > max)
			max = a;
		n++;
	}
	shown = n > OVERVIEW_MAX ? OVERVIEW_MAX : n;
	sb_addf(sb, "<svg class=\"overview\" width=\"100%%\" viewBox=\"0 0 1000 %.0f\" preserveAspectRatio=\"xMinYMin meet\" "
		    "role=\"img\" aria-label=\"rows before and after, per table\">",
		shown * rowh + 6);
	int i = 0;
	cJSON_ArrayForEach(t, tables) {
		double y = i * rowh + 4;
		double b = jnum_or(t, "rows_before", 0), a = jnum_or(t, "rows_after", -1);
		struct strbuf id = STRBUF_INIT;
		if (i == shown)
			break;
		anchor(&id, t->string);
		sb_addf(sb, "<a href=\"#%s\"><text x=\"%.0f\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\" fill=\"#0969da\">",
			id.buf, x0 - 12, y + 19);
		esc(sb, t->string);
		sb_adds(sb, "</text></a>");
		svg_rect(sb, x0, y + 3, seg(b, max, W), 13, "#8c959f", "ov-before");
		sb_reset(&label);
		sb_add_count(&label, b);
		sb_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#57606a\">%s</text>",
			x0 + seg(b, max, W) + 5, y + 13.5, label.buf);
		if (a >= 0) {
			svg_rect(sb, x0, y + 18, seg(a, max, W), 13, "#3b82c4", "ov-after");
			sb_reset(&label);
			sb_add_count(&label, a);
			sb_addf(sb, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#1f2328\" font-weight=\"600\">%s</text>",
				x0 + seg(a, max, W) + 5, y + 28.5, label.buf);
		}
		sb_release(&id);
		i++;
	}
	sb_adds(sb, "</svg>");
	sb_adds(sb, "<div class=\"legend\"><span><i style=\"background:#8c959f\"></i>rows before</span>"
		    "<span><i style=\"background:#3b82c4\"></i>rows after</span></div>");
	if (n > shown)
		sb_addf(sb, "<p class=\"muted\">The chart shows the first %d of %d tables; every table has its own section below.</p>",
			shown, n);
	sb_release(&label);
}

/* ------------------------------------------------------------- header */

/*
 * Two badges: where the dry run stands (ready, checks failed, ...), then
 * what happened to it since (approved, pushed, rolled back), if anything.
 */
static void status_badge(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *ctx = jget(r, "context");
	const char *status = jstr_or(cmp, "status", "");
	const cJSON *approval = jget(ctx, "approval"), *pushes = jget(ctx, "pushes"), *p, *last = NULL;
	const char *hash = jstr_or(cmp, "hash", "");

	if (!strcmp(status, "ready"))
		sb_adds(sb, "<span class=\"badge b-info\" data-status=\"ready\">Ready for approval</span>");
	else if (!strcmp(status, "checks failed"))
		sb_adds(sb, "<span class=\"badge b-bad\" data-status=\"checks failed\">Checks failed</span>");
	else if (!strcmp(status, "not checked"))
		sb_adds(sb, "<span class=\"badge b-warn\" data-status=\"not checked\">Not checked yet</span>");
	else if (!strcmp(status, "not run"))
		sb_adds(sb, "<span class=\"badge b-muted\" data-status=\"not run\">Not run yet</span>");
	else {
		sb_adds(sb, "<span class=\"badge b-bad\" data-status=\"");
		esc(sb, status);
		sb_adds(sb, "\">");
		esc(sb, status);
		sb_adds(sb, "</span>");
	}
	cJSON_ArrayForEach(p, pushes)
		last = p;
	if (last && !strcmp(jstr_or(last, "changeset_hash", ""), hash)) {
		const char *kind = jstr_or(last, "kind", ""), *st = jstr_or(last, "status", "");
		int rb = !strcmp(kind, "rollback");
		if (!strcmp(st, "applied")) {
			sb_addf(sb, "<span class=\"badge b-ok\" data-lifecycle=\"%s\">%s</span>",
				rb ? "rolled back" : "pushed", rb ? "Rolled back" : "Pushed");
		} else {
			sb_addf(sb, "<span class=\"badge b-bad\" data-lifecycle=\"%s failed\">%s ", kind,
				rb ? "Rollback" : "Push");
			esc(sb, st);
			sb_adds(sb, "</span>");
		}
	} else if (cJSON_IsObject(approval) && cJSON_IsTrue(jget(approval, "valid"))) {
		sb_adds(sb, "<span class=\"badge b-ok\" data-lifecycle=\"approved\">Approved</span>");
	}
}

/* A check's name (in a <tag>) with its message, kind, [severity,] and
   violations, up to the opening of the violating keys' cell. */
static void check_cells(struct strbuf *sb, const cJSON *c, const char *tag, int severity)
{
	sb_addf(sb, "<%s class=\"mono\">", tag);
	esc(sb, jstr_or(c, "name", ""));
	sb_addf(sb, "</%s>", tag);
	if (jstr_or(c, "message", NULL)) {
		sb_adds(sb, "<br><span class=\"muted\">");
		esc(sb, jstr_or(c, "message", ""));
		sb_adds(sb, "</span>");
	}
	sb_adds(sb, "</td><td>");
	esc(sb, jstr_or(c, "kind", ""));
	if (severity) {
		sb_adds(sb, "</td><td>");
		esc(sb, jstr_or(c, "severity", ""));
	}
	sb_adds(sb, "</td><td class=\"num\">");
	count(sb, jnum_or(c, "count", 0));
	sb_adds(sb, "</td><td class=\"v\">");
}

/* One violating key of a check: a key array, a value, or other JSON. */
static void violation_html(struct strbuf *sb, const cJSON *k)
{
	struct strbuf tmp = STRBUF_INIT;
	if (cJSON_IsArray(k)) {
		key_html(sb, k);
	} else if (cJSON_IsString(k) || cJSON_IsNull(k)) {
		value_html(sb, k);
	} else {
		sb_add_json_compact(&tmp, k);
		esc(sb, tmp.buf);
	}
	sb_release(&tmp);
}

/*
 * What blocks approval, first on the page: the approval rule's verdict and
 * each failed error-severity check with its count and one violating key.
 */
static void blockers_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *bl = jget(jget(r, "comparable"), "blockers"), *c;
	double warnings = jnum_or(bl, "warnings", 0);
	int ok = cJSON_IsTrue(jget(bl, "approvable"));

	sb_addf(sb, "<section class=\"blockers %s\" id=\"blockers\" data-approvable=\"%s\">",
		ok ? "bl-ok" : "bl-bad", ok ? "true" : "false");
	if (ok) {
		sb_adds(sb, "<b>Nothing blocks approval</b>: the run finished and no error-severity check failed");
		if (warnings > 0) {
			sb_adds(sb, " (<a href=\"#checks\">");
			count(sb, warnings);
			sb_adds(sb, warnings == 1 ? " warning</a>)" : " warnings</a>)");
		}
		sb_adds(sb, ".</section>");
		return;
	}
	sb_adds(sb, "<h2>Blocks approval: ");
	esc(sb, jstr_or(bl, "reason", "not approvable"));
	sb_adds(sb, "</h2>");
	if (jget(bl, "checks") && jget(bl, "checks")->child) {
		sb_adds(sb, "<table class=\"grid\"><tr><th>failed check</th><th>kind</th>"
			    "<th class=\"num\">violations</th><th>sample key</th></tr>");
		cJSON_ArrayForEach(c, jget(bl, "checks")) {
			const cJSON *k = cJSON_GetArrayItem(jget(c, "sample"), 0);
			sb_adds(sb, "<tr data-status=\"fail\"><td>");
			check_cells(sb, c, "b", 0);
			if (k)
				violation_html(sb, k);
			sb_adds(sb, "</td></tr>");
		}
		sb_adds(sb, "</table>");
	}
	if (warnings > 0) {
		sb_adds(sb, "<p class=\"muted\">and <a href=\"#checks\">");
		count(sb, warnings);
		sb_adds(sb, warnings == 1 ? " warning</a>, which does not block.</p>" :
			" warnings</a>, which do not block.</p>");
	}
	sb_adds(sb, "</section>");
}

static void header_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *ctx = jget(r, "context");
	const cJSON *plan = jget(cmp, "plan"), *approval = jget(ctx, "approval");
	const cJSON *run = jget(ctx, "run"), *comp = jget(cmp, "completion"), *s;
	const char *hash = jstr_or(cmp, "hash", NULL);

	sb_adds(sb, "<header class=\"hero\"><div class=\"kicker\">drydock report</div><div class=\"top\"><h1 id=\"plan\">");
	esc(sb, jstr_or(plan, "name", "?"));
	sb_adds(sb, "</h1>");
	status_badge(sb, r);
	sb_adds(sb, "</div>");
	if (jstr_or(plan, "description", NULL)) {
		sb_adds(sb, "<p class=\"desc\">");
		esc(sb, jstr_or(plan, "description", ""));
		sb_adds(sb, "</p>");
	}
	sb_adds(sb, "<dl><dt>Change set</dt><dd>");
	if (hash) {
		sb_adds(sb, "<span class=\"mono hash\" id=\"hash\">");
		esc(sb, hash);
		sb_adds(sb, "</span>");
	} else {
		sb_adds(sb, "none yet: the plan has not run");
	}
	sb_adds(sb, "</dd><dt>Approval</dt><dd id=\"approval\">");
	if (cJSON_IsObject(approval)) {
		int current = cJSON_IsTrue(jget(approval, "current"));
		sb_adds(sb, current ? "Approved by <b>" : "<span class=\"badge b-warn\">stale</span> An earlier change set was approved by <b>");
		esc(sb, jstr_or(approval, "approved_by", "?"));
		sb_adds(sb, "</b> <span class=\"sub\">at ");
		esc(sb, jstr_or(approval, "at", "?"));
		sb_adds(sb, "</span>");
		if (jstr_or(approval, "note", NULL)) {
			sb_adds(sb, " &middot; &ldquo;");
			esc(sb, jstr_or(approval, "note", ""));
			sb_adds(sb, "&rdquo;");
		}
	} else {
		sb_adds(sb, "Not approved");
	}
	sb_adds(sb, "</dd>");
	cJSON_ArrayForEach(s, jget(ctx, "sources")) {
		const cJSON *cs = jget(jget(cmp, "sources"), s->string);
		sb_adds(sb, "<dt>Source ");
		esc(sb, s->string);
		sb_adds(sb, "</dt><dd>");
		if (cJSON_IsTrue(jget(cs, "target")))
			sb_adds(sb, "<b>target</b> &middot; ");
		{
			/* identities read "fixture DIR" or "host=... dbname=..." */
			const char *origin = jstr_or(s, "origin", "?"), *id = jstr_or(s, "identity", "");
			size_t ol = strlen(origin);
			if (!strncmp(id, origin, ol) && id[ol] == ' ')
				id += ol + 1;
			esc(sb, origin);
			sb_adds(sb, " <span class=\"mono\">");
			esc(sb, id);
			sb_adds(sb, "</span>");
		}
		if (jstr_or(s, "server_version", NULL)) {
			sb_adds(sb, " &middot; PostgreSQL ");
			esc(sb, jstr_or(s, "server_version", ""));
		}
		if (jstr_or(s, "snapshot_at", NULL)) {
			sb_adds(sb, " <span class=\"sub\">&middot; snapshot ");
			esc(sb, jstr_or(s, "snapshot_at", ""));
			sb_adds(sb, "</span>");
		}
		sb_adds(sb, "</dd>");
	}
	sb_adds(sb, "<dt>Run</dt><dd>");
	if (cJSON_IsObject(run)) {
		sb_addf(sb, "#%.0f ", jnum_or(run, "id", 0));
		esc(sb, jstr_or(jget(cmp, "run"), "status", "?"));
		sb_addf(sb, " &middot; %g of %g steps (%g%%)", jnum_or(comp, "steps_done", 0),
			jnum_or(comp, "steps_total", 0), jnum_or(comp, "percent", 0));
		sb_adds(sb, " <span class=\"sub\">&middot; ");
		esc(sb, jstr_or(run, "started_at", ""));
		if (jstr_or(run, "finished_at", NULL)) {
			sb_adds(sb, " &rarr; ");
			esc(sb, jstr_or(run, "finished_at", ""));
		}
		sb_adds(sb, " &middot; clock ");
		esc(sb, jstr_or(run, "clock", ""));
		sb_adds(sb, "</span>");
		if (jstr_or(jget(cmp, "run"), "stopped_at", NULL)) {
			sb_adds(sb, "<br>stopped at ");
			esc(sb, jstr_or(jget(cmp, "run"), "stopped_at", ""));
		}
	} else {
		sb_adds(sb, "not run yet");
	}
	sb_adds(sb, "</dd><dt>Plan</dt><dd><span class=\"sub\">");
	sb_addf(sb, "%g step%s", jnum_or(plan, "steps", 0), plural(jnum_or(plan, "steps", 0), "", "s"));
	if (jstr_or(plan, "hash", NULL)) {
		sb_adds(sb, " &middot; plan hash <span class=\"mono\">");
		sb_add_html_n(sb, jstr_or(plan, "hash", ""), strlen(jstr_or(plan, "hash", "")) > 16 ? 16 : strlen(jstr_or(plan, "hash", "")));
		sb_adds(sb, "</span>");
	}
	sb_adds(sb, "</span></dd></dl></header>");
}

static void tile(struct strbuf *sb, const char *key, const char *label, const char *cls,
		 const char *value, const char *note)
{
	sb_addf(sb, "<div class=\"tile\" data-k=\"%s\"><div class=\"label\">%s</div><div class=\"value %s\">%s</div>",
		key, label, cls, value);
	if (note)
		sb_addf(sb, "<div class=\"note\">%s</div>", note);
	sb_adds(sb, "</div>");
}

static void strip_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *tot = jget(cmp, "totals");
	const cJSON *sum = jget(jget(cmp, "validation"), "summary");
	struct strbuf v = STRBUF_INIT, n = STRBUF_INIT;
	int has_after = jget(tot, "rows_after") != NULL;
	const cJSON *t;
	double replaced = 0;

	sb_adds(sb, "<section class=\"strip\">");
	sb_add_count(&v, jnum_or(tot, "tables_changed", 0));
	sb_adds(&n, "changed of ");
	sb_add_count(&n, jnum_or(tot, "tables", 0));
	tile(sb, "tables", "Tables", "", v.buf, n.buf);

	sb_reset(&v);
	sb_reset(&n);
	sb_add_count(&v, has_after ? jnum_or(tot, "rows_after", 0) : jnum_or(tot, "rows_before", 0));
	sb_adds(&n, has_after ? "after, from " : "before the run");
	if (has_after)
		sb_add_count(&n, jnum_or(tot, "rows_before", 0));
	tile(sb, "rows", "Rows", "", v.buf, n.buf);

	static const struct { const char *key, *label, *cls; } ops[] = {
		{ "inserts", "Inserts", "c-ins" }, { "updates", "Updates", "c-upd" },
		{ "deletes", "Deletes", "c-del" },
	};
	cJSON_ArrayForEach(t, jget(cmp, "tables"))
		replaced += report_replaced(t);
	/* as the tables say: a replaced row once, besides the inserts and deletes */
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		int rep = replaced > 0 && strcmp(ops[i].key, "updates");
		sb_reset(&v);
		sb_reset(&n);
		if (jget(tot, ops[i].key))
			sb_add_count(&v, jnum_or(tot, ops[i].key, 0) - (rep ? replaced : 0));
		else
			sb_adds(&v, "&ndash;");
		if (rep) {
			sb_adds(&n, "besides ");
			sb_add_count(&n, replaced);
			sb_adds(&n, " replaced");
		}
		tile(sb, ops[i].key, ops[i].label, ops[i].cls, v.buf, rep ? n.buf : NULL);
	}
	sb_reset(&v);
	sb_add_count(&v, cJSON_GetArraySize(jget(cmp, "schema_changes")));
	tile(sb, "schema_changes", "Schema changes", "", v.buf, NULL);

	sb_reset(&v);
	sb_reset(&n);
	if (!strcmp(jstr_or(jget(cmp, "validation"), "overallStatus", ""), "not checked")) {
		sb_adds(&v, "&ndash;");
		sb_adds(&n, "not checked");
		tile(sb, "checks", "Checks", "", v.buf, n.buf);
	} else {
		double failed = jnum_or(sum, "failed", 0);
		sb_add_count(&v, jnum_or(sum, "passed", 0));
		sb_adds(&v, "<span class=\"muted\" style=\"font-weight:400\"> / </span>");
		sb_addf(&v, "<span class=\"%s\">", failed ? "c-bad" : "c-ok");
		sb_add_count(&v, failed);
		sb_adds(&v, "</span>");
		sb_adds(&n, "passed / failed");
		if (jnum_or(sum, "unverifiable", 0) > 0) {
			sb_adds(&n, ", ");
			sb_add_count(&n, jnum_or(sum, "unverifiable", 0));
			sb_adds(&n, " unverifiable");
		}
		tile(sb, "checks", "Checks", "", v.buf, n.buf);
	}
	sb_adds(sb, "</section>");
	sb_release(&v);
	sb_release(&n);
}

/* -------------------------------------------------------------- tables */

/*
 * A json/jsonb change by key, or a PostgreSQL array's by element: the old
 * cell lists what was removed or changed (path: old value), the new cell
 * what was added or changed.
 */
static void json_diff_html(struct strbuf *old, struct strbuf *new, const cJSON *d)
{
	const cJSON *e;
	sb_adds(old, "<ul class=\"jd\">");
	sb_adds(new, "<ul class=\"jd\">");
	cJSON_ArrayForEach(e, d) {
		const char *op = jstr_or(e, "op", "");
		for (int k = 0; k < 2; k++) {
			struct strbuf *sb = k ? new : old;
			const char *v = jstr_or(e, k ? "new" : "old", NULL);
			if (!v)
				continue;
			sb_addf(sb, "<li data-op=\"%s\"><span class=\"mono\">", op);
			esc(sb, jstr_or(e, "path", ""));
			sb_adds(sb, "</span> <mark>");
			sb_add_html_n(sb, v, utf8_cut(v, strlen(v), 120));
			sb_addf(sb, "</mark> <span class=\"muted\">%s</span></li>", op);
		}
	}
	sb_adds(old, "</ul>");
	sb_adds(new, "</ul>");
}

static void samples_html(struct strbuf *sb, const cJSON *t)
{
	const cJSON *smp = jget(t, "sample"), *row, *c, *v;
	const cJSON *ins = jget(smp, "inserts"), *upd = jget(smp, "updates"), *del = jget(smp, "deletes");
	const cJSON *cb = jget(t, "columns_before"), *ca = jget(t, "columns_after");

	if (upd && upd->child) {
		sb_addf(sb, "<h4>Updates <span class=\"muted\">&middot; %d of ", cJSON_GetArraySize(upd));
		count(sb, jnum_or(t, "updates", 0));
		sb_adds(sb, ", changed columns only</span></h4><div class=\"scroll\"><table class=\"grid sample upd\">"
			    "<tr><th>key</th><th>column</th><th>before</th><th>after</th></tr>");
		cJSON_ArrayForEach(row, upd) {
			int n = cJSON_GetArraySize(jget(row, "changed")), first = 1;
			cJSON_ArrayForEach(c, jget(row, "changed")) {
				int bi = report_column_index(cb, c->valuestring), ai = report_column_index(ca, c->valuestring);
				const cJSON *ov = bi >= 0 ? cJSON_GetArrayItem(jget(row, "old"), bi) : NULL;
				const cJSON *nv = ai >= 0 ? cJSON_GetArrayItem(jget(row, "new"), ai) : NULL;
				struct strbuf o = STRBUF_INIT, nw = STRBUF_INIT;
				sb_adds(sb, first ? "<tr class=\"first\">" : "<tr>");
				if (first) {
					sb_addf(sb, "<td class=\"key v\" rowspan=\"%d\">", n);
					key_html(sb, jget(row, "key"));
					if (jstr_or(row, "why", NULL) && strcmp(jstr_or(row, "why", ""), "all rows")) {
						sb_adds(sb, "<div class=\"why\">");
						esc(sb, jstr_or(row, "why", ""));
						sb_adds(sb, "</div>");
					}
					sb_adds(sb, "</td>");
					first = 0;
				}
				sb_adds(sb, "<td class=\"mono\">");
				esc(sb, c->valuestring);
				sb_adds(sb, "</td>");
				if (bi < 0)
					sb_adds(&o, "<span class=\"null\">(new column)</span>");
				if (ai < 0)
					sb_adds(&nw, "<span class=\"null\">(column dropped)</span>");
				if (bi >= 0 && ai >= 0 && report_value_diff(row, c->valuestring))
					json_diff_html(&o, &nw, report_value_diff(row, c->valuestring));
				else if (bi >= 0 && ai >= 0)
					value_pair_html(&o, &nw, ov, nv);
				else if (bi >= 0)
					value_html(&o, ov);
				else if (ai >= 0) {
					sb_adds(&nw, "<mark>");
					value_html(&nw, nv);
					sb_adds(&nw, "</mark>");
				}
				sb_addf(sb, "<td class=\"v old\">%s</td><td class=\"v new\">%s</td></tr>", o.buf, nw.buf);
				sb_release(&o);
				sb_release(&nw);
			}
		}
		sb_adds(sb, "</table></div>");
	}
	for (int k = 0; k < 2; k++) {
		const cJSON *rows = k ? del : ins, *cols = k ? cb : ca;
		const char *field = k ? "old" : "new";
		if (!rows || !rows->child)
			continue;
		sb_addf(sb, "<h4>%s <span class=\"muted\">&middot; %d of ", k ? "Deletes" : "Inserts",
			cJSON_GetArraySize(rows));
		count(sb, report_other(t, k ? "deletes" : "inserts"));
		if (report_replaced(t) > 0)
			sb_adds(sb, " besides the replaced rows");
		sb_addf(sb, "</span></h4><div class=\"scroll\"><table class=\"grid sample %s\"><tr>", k ? "del" : "ins");
		cJSON_ArrayForEach(c, cols) {
			sb_adds(sb, "<th>");
			esc(sb, cJSON_IsString(c) ? c->valuestring : "?");
			sb_adds(sb, "</th>");
		}
		sb_adds(sb, "</tr>");
		cJSON_ArrayForEach(row, rows) {
			sb_addf(sb, "<tr class=\"%s\">", k ? "del" : "ins");
			cJSON_ArrayForEach(v, jget(row, field)) {
				sb_adds(sb, "<td class=\"v\">");
				value_html(sb, v);
				sb_adds(sb, "</td>");
			}
			sb_adds(sb, "</tr>");
		}
		sb_adds(sb, "</table></div>");
	}
}

/* A short value for summaries: escaped, cut at 60 bytes, NULL marked. */
static void short_html(struct strbuf *sb, const cJSON *v)
{
	value_html_cut(sb, v, 60, 0);
}

/* An exact sum, its whole part grouped by thousands (2,499,995,000.00) so
   that a reviewer reads its size; other text as it is. */
static void sum_html(struct strbuf *sb, const cJSON *v)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL, *p;
	size_t digits;
	if (!s || strlen(s) > 60) {
		short_html(sb, v);
		return;
	}
	p = s + (*s == '-');
	digits = strspn(p, "0123456789");
	if (!digits || (p[digits] && (p[digits] != '.' || strspn(p + digits + 1, "0123456789") !=
						     strlen(p + digits + 1)))) {
		short_html(sb, v);
		return;
	}
	if (*s == '-')
		sb_addch(sb, '-');
	for (size_t k = 0; k < digits; k++) {
		if (k && (digits - k) % 3 == 0)
			sb_addch(sb, ',');
		sb_addch(sb, p[k]);
	}
	sb_adds(sb, p + digits);
}

/*
 * Before and after distributions of a numeric column on one scale: bars
 * of the two side by side in each bin (no script, inline SVG).
 */
static void hist_svg(struct strbuf *sb, const char *col, const cJSON *h)
{
	const cJSON *bb = jget(h, "before"), *ba = jget(h, "after");
	int n = cJSON_GetArraySize(ba) > cJSON_GetArraySize(bb) ? cJSON_GetArraySize(ba) : cJSON_GetArraySize(bb);
	double max = 0, W = 360, H = 70, bw;
	struct strbuf lo = STRBUF_INIT, hi = STRBUF_INIT;
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		if (cJSON_GetArrayItem(bb, i))
			max = fmax(max, cJSON_GetArrayItem(bb, i)->valuedouble);
		if (cJSON_GetArrayItem(ba, i))
			max = fmax(max, cJSON_GetArrayItem(ba, i)->valuedouble);
	}
	bw = W / n;
	sb_adds(sb, "<svg class=\"hist\" data-column=\"");
	esc(sb, col);
	sb_addf(sb, "\" width=\"380\" height=\"92\" viewBox=\"0 0 380 92\" role=\"img\" aria-label=\"distribution of ");
	esc(sb, col);
	sb_adds(sb, " before and after\">");
	sb_addf(sb, "<line x1=\"10\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#d0d7de\"/>", H + 2, W + 10, H + 2);
	for (int i = 0; i < n; i++) {
		const cJSON *x = cJSON_GetArrayItem(bb, i), *y = cJSON_GetArrayItem(ba, i);
		double vb = x ? x->valuedouble : 0, va = y ? y->valuedouble : 0;
		double hb = max > 0 ? vb / max * H : 0, ha = max > 0 ? va / max * H : 0;
		if (vb > 0 && hb < 1)
			hb = 1;
		if (va > 0 && ha < 1)
			ha = 1;
		if (hb > 0)
			sb_addf(sb, "<rect class=\"h-before\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8c959f\"><title>before: %.0f</title></rect>",
				10 + i * bw + 1, H + 2 - hb, bw / 2 - 1, hb, vb);
		if (ha > 0)
			sb_addf(sb, "<rect class=\"h-after\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b82c4\"><title>after: %.0f</title></rect>",
				10 + i * bw + bw / 2, H + 2 - ha, bw / 2 - 1, ha, va);
	}
	sb_add_json_number(&lo, jnum_or(h, "lo", 0));
	sb_add_json_number(&hi, jnum_or(h, "hi", 0));
	sb_addf(sb, "<text x=\"10\" y=\"88\" font-size=\"11\" fill=\"#57606a\">%s</text>", lo.buf);
	sb_addf(sb, "<text x=\"%.0f\" y=\"88\" font-size=\"11\" fill=\"#57606a\" text-anchor=\"end\">%s</text>", W + 10, hi.buf);
	sb_adds(sb, "</svg>");
	sb_release(&lo);
	sb_release(&hi);
}

/* What the migration does to each changed column's values. */
static void value_changes_html(struct strbuf *sb, const cJSON *t)
{
	const cJSON *vcs = jget(t, "value_changes"), *o, *x;
	if (!vcs || !vcs->child)
		return;
	sb_adds(sb, "<h4>Value changes</h4><div class=\"vcs\">");
	cJSON_ArrayForEach(o, jget(t, "columns_after")) {
		const cJSON *vc = cJSON_IsString(o) ? jget(vcs, o->valuestring) : NULL;
		const cJSON *tr = jget(vc, "transitions"), *vals = jget(vc, "values");
		double ndist = jnum_or(vc, "transitions_distinct", 0), rows = jnum_or(vc, "rows", 0);
		if (!vc)
			continue;
		sb_adds(sb, "<div class=\"vc\" data-value-changes=\"");
		esc(sb, o->valuestring);
		sb_adds(sb, "\"><div class=\"vc-head\"><b class=\"mono\">");
		esc(sb, o->valuestring);
		sb_adds(sb, "</b> <span class=\"muted\">");
		count(sb, rows);
		sb_adds(sb, rows == 1 ? " row changed" : " rows changed");
		if (jnum_or(vc, "null_to_value", 0) > 0) {
			sb_adds(sb, " &middot; NULL &rarr; value ");
			count(sb, jnum_or(vc, "null_to_value", 0));
		}
		if (jnum_or(vc, "value_to_null", 0) > 0) {
			sb_adds(sb, " &middot; value &rarr; NULL ");
			count(sb, jnum_or(vc, "value_to_null", 0));
		}
		sb_adds(sb, "</span></div>");
		if (tr && tr->child && rows > 1 && jnum_or(tr->child, "rows", 0) == 1) {
			sb_adds(sb, "<p class=\"muted\">No old &rarr; new pair repeats: each changed row has its own (");
			sb_adds(sb, cJSON_IsFalse(jget(vc, "transitions_exact")) ? "more than " : "");
			count(sb, ndist);
			sb_adds(sb, " distinct pairs), for example ");
			short_html(sb, jget(tr->child, "old"));
			sb_adds(sb, " &rarr; ");
			short_html(sb, jget(tr->child, "new"));
			sb_adds(sb, ".</p>");
		} else if (tr && tr->child) {
			sb_adds(sb, "<table class=\"grid trans\"><tr><th>old</th><th></th><th>new</th><th class=\"num\">rows</th></tr>");
			cJSON_ArrayForEach(x, tr) {
				sb_adds(sb, "<tr><td class=\"v old\">");
				short_html(sb, jget(x, "old"));
				sb_adds(sb, "</td><td>&rarr;</td><td class=\"v new\">");
				short_html(sb, jget(x, "new"));
				sb_adds(sb, "</td><td class=\"num\">");
				count(sb, jnum_or(x, "rows", 0));
				sb_adds(sb, "</td></tr>");
			}
			sb_adds(sb, "</table>");
			if (ndist > cJSON_GetArraySize(tr)) {
				sb_adds(sb, "<p class=\"muted\">");
				sb_adds(sb, cJSON_IsFalse(jget(vc, "transitions_exact")) ? "more than " : "");
				count(sb, ndist);
				sb_adds(sb, " distinct transitions in all; the most frequent are shown.</p>");
			}
		}
		if (cJSON_IsArray(vals) && vals->child && jnum_or(vc, "values_changed", 0) < rows * 2 + 1 &&
		    !(rows > 1 && tr && tr->child && jnum_or(tr->child, "rows", 0) == 1 &&
		      jnum_or(vc, "appeared", 0) + jnum_or(vc, "disappeared", 0) >= rows)) {
			sb_adds(sb, "<table class=\"grid vals\"><tr><th>value</th><th class=\"num\">rows before</th>"
				    "<th class=\"num\">rows after</th><th></th></tr>");
			cJSON_ArrayForEach(x, vals) {
				double b = jnum_or(x, "before", 0), a = jnum_or(x, "after", 0);
				sb_adds(sb, "<tr><td class=\"v\">");
				short_html(sb, jget(x, "value"));
				sb_adds(sb, "</td><td class=\"num\">");
				count(sb, b);
				sb_adds(sb, "</td><td class=\"num\">");
				count(sb, a);
				sb_addf(sb, "</td><td class=\"%s\">", !b ? "c-ins" : !a ? "c-del" : "muted");
				sb_adds(sb, !b ? "appeared" : !a ? "disappeared" : "");
				sb_adds(sb, "</td></tr>");
			}
			sb_adds(sb, "</table>");
		}
		if (cJSON_IsArray(vals) && (jnum_or(vc, "appeared", 0) > 0 || jnum_or(vc, "disappeared", 0) > 0)) {
			sb_adds(sb, "<p class=\"muted\">");
			count(sb, jnum_or(vc, "appeared", 0));
			sb_adds(sb, plural(jnum_or(vc, "appeared", 0), " value appeared, ", " values appeared, "));
			count(sb, jnum_or(vc, "disappeared", 0));
			sb_adds(sb, " disappeared (whole table).</p>");
		} else if (cJSON_IsNull(jget(vc, "values"))) {
			sb_adds(sb, "<p class=\"muted\">More than 1,000 distinct values: counts per value are not kept.</p>");
		}
		if (jget(vc, "sum_before") || jget(vc, "sum_after")) {
			sb_adds(sb, "<p>sum <span class=\"mono\">");
			sum_html(sb, jget(vc, "sum_before"));
			sb_adds(sb, "</span> &rarr; <span class=\"mono\">");
			sum_html(sb, jget(vc, "sum_after"));
			sb_adds(sb, "</span> <span class=\"muted\">(exact, whole table)</span></p>");
		}
		if (jget(vc, "histogram")) {
			hist_svg(sb, o->valuestring, jget(vc, "histogram"));
			sb_adds(sb, "<div class=\"legend\"><span><i style=\"background:#8c959f\"></i>before</span>"
				    "<span><i style=\"background:#3b82c4\"></i>after</span></div>");
		}
		sb_adds(sb, "</div>");
	}
	sb_adds(sb, "</div>");
}

/* One profile figure, "before → after", marked when it changed. */
static void prof_cell(struct strbuf *sb, const cJSON *b, const cJSON *a, const char *key, int num)
{
	const cJSON *x = jget(b, key), *y = jget(a, key);
	int same = x && y && cJSON_Compare(x, y, 1);
	sb_addf(sb, "<td class=\"%s%s\">", num ? "num" : "v", same || !x || !y ? "" : " chg");
	for (int k = 0; k < 2; k++) {
		const cJSON *v = k ? y : x;
		if (k && same)
			break;
		if (k)
			sb_adds(sb, " &rarr; ");
		if (!v)
			sb_adds(sb, "&ndash;");
		else if (cJSON_IsNumber(v))
			count(sb, v->valuedouble);
		else
			short_html(sb, v);
		if (!k && !strcmp(key, "distinct") && cJSON_IsFalse(jget(b, "distinct_exact")))
			sb_adds(sb, "<span class=\"muted\" title=\"HyperLogLog estimate\">&thinsp;~</span>");
		if (k && !strcmp(key, "distinct") && cJSON_IsFalse(jget(a, "distinct_exact")))
			sb_adds(sb, "<span class=\"muted\" title=\"HyperLogLog estimate\">&thinsp;~</span>");
	}
	sb_adds(sb, "</td>");
}

/* Every column of a changed table, before and after. */
static void profile_html(struct strbuf *sb, const cJSON *t)
{
	const cJSON *prof = jget(t, "profile"), *p;
	if (!prof || !prof->child)
		return;
	sb_adds(sb, "<details class=\"prof\"><summary>Profile of every column, before &rarr; after</summary>"
		    "<div class=\"scroll\"><table class=\"grid profile\"><tr><th>column</th><th>type</th>"
		    "<th class=\"num\">nulls</th><th class=\"num\">distinct</th><th>min</th><th>max</th>"
		    "<th class=\"num\">mean length</th><th class=\"num\">sum</th></tr>");
	cJSON_ArrayForEach(p, prof) {
		const cJSON *b = jget(p, "before"), *a = jget(p, "after");
		sb_adds(sb, "<tr data-profile=\"");
		esc(sb, p->string);
		sb_adds(sb, "\"><td class=\"mono\">");
		esc(sb, p->string);
		if (!cJSON_IsObject(b))
			sb_adds(sb, " <span class=\"badge b-ok\">new</span>");
		if (!cJSON_IsObject(a))
			sb_adds(sb, " <span class=\"badge b-bad\">dropped</span>");
		sb_adds(sb, "</td><td class=\"muted\">");
		esc(sb, jstr_or(p, "type", ""));
		sb_adds(sb, "</td>");
		prof_cell(sb, b, a, "nulls", 1);
		prof_cell(sb, b, a, "distinct", 1);
		prof_cell(sb, b, a, "min", 0);
		prof_cell(sb, b, a, "max", 0);
		prof_cell(sb, b, a, "mean_length", 1);
		if (jget(b, "sum") || jget(a, "sum"))
			prof_cell(sb, b, a, "sum", 0);
		else
			sb_adds(sb, "<td></td>");
		sb_adds(sb, "</tr>");
	}
	sb_adds(sb, "</table></div><p class=\"muted\">Whole tables: the snapshot and the working state. "
		    "min and max in PostgreSQL's order for the type (numbers by value, text by bytes as in "
		    "COLLATE \"C\"); distinct is exact up to 1,000 values, then a HyperLogLog estimate (~).</p></details>");
}

/* A column name in a monospace span. */
static void mono_html(struct strbuf *sb, const char *name)
{
	sb_adds(sb, "<span class=\"mono\">");
	esc(sb, name);
	sb_adds(sb, "</span>");
}

/* Rows a delete and an insert replace under a new key, paired: by the
   plan's natural key with what else differs, or by equal values. */
static void replaced_html(struct strbuf *sb, const cJSON *t)
{
	const cJSON *rep = jget(t, "replaced"), *x, *k;
	const cJSON *nk = jget(rep, "natural_key");
	if (!rep)
		return;
	sb_adds(sb, "<h4>Replaced rows <span class=\"muted\">&middot; ");
	count(sb, report_replaced(t));
	if (nk) {
		sb_adds(sb, " replaced (delete + insert under a new key), paired by the natural key ");
		cJSON_ArrayForEach(k, nk) {
			if (k != nk->child)
				sb_adds(sb, ", ");
			sb_adds(sb, "<span class=\"mono\">");
			esc(sb, cJSON_IsString(k) ? k->valuestring : "");
			sb_adds(sb, "</span>");
		}
	} else {
		sb_adds(sb, " replaced (delete + insert of the same values under a new key)");
	}
	sb_adds(sb, "</span></h4><table class=\"grid replaced\" data-replaced><tr>");
	cJSON_ArrayForEach(k, nk) {
		sb_adds(sb, "<th>");
		esc(sb, cJSON_IsString(k) ? k->valuestring : "");
		sb_adds(sb, "</th>");
	}
	sb_adds(sb, "<th>old key</th><th></th><th>new key</th>");
	if (nk)
		sb_adds(sb, "<th>what else differs</th>");
	sb_adds(sb, "</tr>");
	cJSON_ArrayForEach(x, jget(rep, "sample")) {
		sb_adds(sb, "<tr>");
		/* the natural key first: what the pair is about */
		cJSON_ArrayForEach(k, nk) {
			sb_adds(sb, "<td class=\"v\">");
			short_html(sb, cJSON_IsString(k) ? report_row_value(t, jget(x, "new"), 0, k->valuestring) : NULL);
			sb_adds(sb, "</td>");
		}
		sb_adds(sb, "<td class=\"v old\">");
		key_html(sb, jget(x, "old_key"));
		sb_adds(sb, "</td><td>&rarr;</td><td class=\"v new\">");
		key_html(sb, jget(x, "new_key"));
		sb_adds(sb, "</td>");
		if (nk) {
			static const struct pair_marks marks = {
				mono_html, short_html, "<br>", " &rarr; ", "<span class=\"muted\">nothing</span>"
			};
			sb_adds(sb, "<td class=\"v\">");
			report_pair_changes(sb, t, x, &marks);
			sb_adds(sb, "</td>");
		}
		sb_adds(sb, "</tr>");
	}
	sb_adds(sb, "</table>");
}

static void table_section(struct strbuf *sb, const char *name, const cJSON *t,
			  const cJSON *validation)
{
	const char *status = jstr_or(t, "status", "");
	double before = jnum_or(t, "rows_before", 0), after = jnum_or(t, "rows_after", -1);
	const cJSON *cols = jget(t, "columns"), *c;
	struct strbuf id = STRBUF_INIT;
	double maxcol = 0;

	anchor(&id, name);
	sb_addf(sb, "<section class=\"card table\" id=\"%s\" data-table=\"", id.buf);
	esc(sb, name);
	sb_adds(sb, "\"><div class=\"tbl-head\"><h3 class=\"mono\">");
	esc(sb, name);
	sb_adds(sb, "</h3>");
	if (!strcmp(status, "changed"))
		sb_adds(sb, "<span class=\"badge b-info\">changed</span>");
	else if (!strcmp(status, "created"))
		sb_adds(sb, "<span class=\"badge b-ok\">created</span>");
	else if (!strcmp(status, "dropped"))
		sb_adds(sb, "<span class=\"badge b-bad\">dropped</span>");
	else {
		sb_adds(sb, "<span class=\"badge b-muted\">");
		esc(sb, status);
		sb_adds(sb, "</span>");
	}
	if (jget(t, "key")) {
		struct strbuf key = STRBUF_INIT;
		report_key_text(&key, t);
		sb_adds(sb, "<span class=\"muted\" data-k=\"key\">key: ");
		esc(sb, key.buf);
		sb_adds(sb, "</span>");
		sb_release(&key);
	}
	if (after >= 0) {
		static const struct { const char *key, *cls, *sign, *one, *many; } ops[] = {
			{ "inserts", "p-ins", "+", "insert", "inserts" },
			/* no sign for updates: "~" marks estimates on this page */
			{ "updates", "p-upd", "", "update", "updates" },
			{ "deletes", "p-del", "&minus;", "delete", "deletes" },
		};
		/* a replaced row once, as such: inserts and deletes are the others */
		for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
			double n = report_other(t, ops[i].key);
			sb_addf(sb, "<span class=\"pill %s\" data-k=\"%s\">%s", n ? ops[i].cls : "", ops[i].key,
				n ? ops[i].sign : "");
			count(sb, n);
			sb_addf(sb, " %s</span>", plural(n, ops[i].one, ops[i].many));
		}
		if (report_replaced(t) > 0) {
			sb_adds(sb, "<span class=\"pill p-upd\" data-k=\"replaced\" title=\"deleted and inserted "
				    "again under a new key\">");
			count(sb, report_replaced(t));
			sb_adds(sb, " replaced</span>");
		}
		if (after != before) {
			sb_addf(sb, "<span class=\"muted\">net %s", after > before ? "+" : "&minus;");
			count(sb, fabs(after - before));
			sb_adds(sb, " rows");
			if (before > 0) {
				double pct = fabs(after - before) / before * 100;
				if (pct < 0.05)
					sb_addf(sb, " (%s&lt;0.1%%)", after > before ? "+" : "&minus;");
				else
					sb_addf(sb, " (%s%.1f%%)", after > before ? "+" : "&minus;", pct);
			}
			sb_adds(sb, "</span>");
		}
		if (jnum_or(jget(validation, name), "failed", 0) > 0) {
			double nf = jnum_or(jget(validation, name), "failed", 0);
			sb_adds(sb, "<span class=\"badge b-bad\">");
			count(sb, nf);
			sb_addf(sb, " %s</span>", plural(nf, "row fails checks", "rows fail checks"));
		}
	}
	sb_adds(sb, "</div><div class=\"tbl-body\"><div>");
	table_chart(sb, name, t);
	if (after >= 0)
		sb_adds(sb, "<div class=\"legend\"><span><i style=\"background:#8c959f\"></i>unchanged</span>"
			    "<span><i style=\"background:#d4a72c\"></i>updated</span>");
	if (after >= 0 && report_replaced(t) > 0)
		sb_adds(sb, "<span><i style=\"background:" REPLACED_FILL "\"></i>replaced</span>");
	if (after >= 0)
		sb_adds(sb, "<span><i style=\"background:#2da44e\"></i>inserted</span>"
			    "<span><i style=\"background:#e5534b\"></i>deleted</span></div>");
	sb_adds(sb, "</div><div>");
	cJSON_ArrayForEach(c, cols)
		if (c->valuedouble > maxcol)
			maxcol = c->valuedouble;
	if (cols && cols->child) {
		double denom = before > 0 ? before : maxcol;
		sb_adds(sb, "<table class=\"grid cols\"><tr><th>changed column</th><th class=\"num\">rows</th>"
			    "<th class=\"num\">of rows</th><th style=\"width:40%\"></th></tr>");
		/* in the table's column order */
		const cJSON *order = jget(t, "columns_after"), *o;
		cJSON_ArrayForEach(o, order) {
			const cJSON *n = cJSON_IsString(o) ? jget(cols, o->valuestring) : NULL;
			if (!cJSON_IsNumber(n))
				continue;
			sb_adds(sb, "<tr data-column=\"");
			esc(sb, o->valuestring);
			sb_adds(sb, "\"><td class=\"mono\">");
			esc(sb, o->valuestring);
			sb_adds(sb, "</td><td class=\"num\">");
			count(sb, n->valuedouble);
			sb_addf(sb, "</td><td class=\"num muted\">%.1f%%</td><td><div class=\"colbar\"><span style=\"width:%.1f%%\"></span></div></td></tr>",
				denom > 0 ? n->valuedouble / denom * 100 : 0,
				maxcol > 0 ? fmax(n->valuedouble / maxcol * 100, 1.5) : 0);
		}
		sb_adds(sb, "</table>");
	} else if (after >= 0 && jnum_or(t, "updates", 0) == 0) {
		sb_adds(sb, "<p class=\"muted\">No column of an existing row changes.</p>");
	}
	sb_adds(sb, "</div></div>");
	value_changes_html(sb, t);
	profile_html(sb, t);
	/* replacements first: they explain deletes and inserts below */
	replaced_html(sb, t);
	samples_html(sb, t);
	sb_adds(sb, "</section>");
	sb_release(&id);
}

/* -------------------------------------------------------------- checks */

static void checks_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *cmp = jget(r, "comparable"), *checks = jget(cmp, "checks"), *c, *k;
	const cJSON *sum = jget(jget(cmp, "validation"), "summary");
	const cJSON *xc = jget(jget(r, "context"), "checks");

	sb_adds(sb, "<section class=\"card\" id=\"checks\"><h2>Checks and gates</h2>");
	if (!checks || !checks->child) {
		sb_adds(sb, "<p class=\"empty\">No check results in this staging file yet.</p></section>");
		return;
	}
	if (cJSON_IsFalse(jget(xc, "current")))
		sb_adds(sb, "<div class=\"warnbox\">These results judged an earlier change set; run the checks again.</div>");
	sb_adds(sb, "<p>");
	count(sb, jnum_or(sum, "totalChecks", 0));
	sb_adds(sb, " checks: <b class=\"c-ok\">");
	count(sb, jnum_or(sum, "passed", 0));
	sb_adds(sb, " passed</b>, <b class=\"");
	sb_adds(sb, jnum_or(sum, "failed", 0) ? "c-bad" : "muted");
	sb_adds(sb, "\">");
	count(sb, jnum_or(sum, "failed", 0));
	sb_adds(sb, " failed</b>");
	if (jnum_or(sum, "unverifiable", 0) > 0) {
		sb_adds(sb, ", ");
		count(sb, jnum_or(sum, "unverifiable", 0));
		sb_adds(sb, " unverifiable");
	}
	if (jnum_or(sum, "fixed", 0) > 0) {
		sb_adds(sb, ", ");
		count(sb, jnum_or(sum, "fixed", 0));
		sb_adds(sb, " fixed");
	}
	sb_adds(sb, "</p><div class=\"scroll\"><table class=\"grid checks\"><tr><th>status</th><th>check</th><th>kind</th>"
		    "<th>severity</th><th class=\"num\">violations</th><th>violating keys (sample)</th></tr>");
	cJSON_ArrayForEach(c, checks) {
		const char *st = jstr_or(c, "status", "?");
		const char *cls = !strcmp(st, "pass") ? "b-ok" : !strcmp(st, "fixed") ? "b-info" :
				  !strcmp(st, "fail") ? (!strcmp(jstr_or(c, "severity", ""), "warn") ? "b-warn" : "b-bad")
						      : "b-muted";
		int n = 0;
		sb_addf(sb, "<tr data-status=\"%s\"><td><span class=\"badge %s\">", !strcmp(st, "fail") ? "fail" : "other", cls);
		esc(sb, st);
		sb_adds(sb, "</span></td><td>");
		check_cells(sb, c, "span", 1);
		cJSON_ArrayForEach(k, jget(c, "sample")) {
			if (n++)
				sb_adds(sb, ", ");
			violation_html(sb, k);
		}
		if (jnum_or(c, "count", 0) > n && n)
			sb_adds(sb, ", &hellip;");
		sb_adds(sb, "</td></tr>");
	}
	sb_adds(sb, "</table></div></section>");
}

/* ------------------------------------------------------ schema changes */

/* One direction's DDL: the part before the data and the part after it. */
static void ddl_parts(struct strbuf *sb, const cJSON *c, const char *k1, const char *k2)
{
	const char *a = jstr_or(c, k1, ""), *b = jstr_or(c, k2, "");
	int both = *a && *b;
	if (*a) {
		if (both)
			sb_adds(sb, "<div class=\"muted ddl-part\">before the data</div>");
		sb_adds(sb, "<pre class=\"ddl\">");
		esc(sb, a);
		sb_adds(sb, "</pre>");
	}
	if (*b) {
		if (both)
			sb_adds(sb, "<div class=\"muted ddl-part\">after the data</div>");
		sb_adds(sb, "<pre class=\"ddl\">");
		esc(sb, b);
		sb_adds(sb, "</pre>");
	}
	if (!*a && !*b)
		sb_adds(sb, "<p class=\"empty\">no statements</p>");
}

static void schema_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *arr = jget(jget(r, "comparable"), "schema_changes"), *c;
	int i = 0;
	sb_adds(sb, "<section class=\"card\" id=\"schema\"><h2>Schema changes</h2>");
	if (!arr || !arr->child) {
		sb_adds(sb, "<p class=\"empty\">The plan changes no schema.</p></section>");
		return;
	}
	cJSON_ArrayForEach(c, arr) {
		sb_addf(sb, "<div class=\"sc\"><div class=\"head\"><b>%d.</b> <span class=\"pill\">", ++i);
		esc(sb, jstr_or(c, "op", "?"));
		sb_adds(sb, "</span>");
		if (jstr_or(c, "table", NULL)) {
			sb_adds(sb, "<span class=\"mono\">");
			esc(sb, jstr_or(c, "table", ""));
			sb_adds(sb, "</span>");
		}
		sb_adds(sb, "<span class=\"muted\">");
		esc(sb, jstr_or(c, "phase", ""));
		sb_adds(sb, " the steps</span>");
		if (cJSON_IsTrue(jget(c, "skipped")))
			sb_adds(sb, "<span class=\"badge b-muted\">skipped: already in the snapshot</span>");
		sb_adds(sb, "</div>");
		ddl_parts(sb, c, "ddl", "ddl_post");
		if (*jstr_or(c, "rollback_ddl", "") || *jstr_or(c, "rollback_post", "")) {
			sb_adds(sb, "<details><summary>rollback DDL</summary>");
			ddl_parts(sb, c, "rollback_ddl", "rollback_post");
			sb_adds(sb, "</details>");
		}
		sb_adds(sb, "</div>");
	}
	sb_adds(sb, "</section>");
}

/* --------------------------------------------------------------- steps */

static void steps_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *steps = jget(jget(jget(r, "comparable"), "run"), "steps"), *s, *t;
	const cJSON *timings = jget(r, "timings"), *tsteps = jget(timings, "steps");
	double max = 0;

	sb_adds(sb, "<section class=\"card\" id=\"steps\"><h2>Steps</h2>");
	if (!steps || !steps->child) {
		sb_adds(sb, "<p class=\"empty\">No step has run.</p></section>");
		return;
	}
	cJSON_ArrayForEach(t, tsteps)
		if (jnum_or(t, "duration_ms", 0) > max)
			max = jnum_or(t, "duration_ms", 0);
	sb_adds(sb, "<table class=\"grid steps\"><tr><th>step</th><th class=\"num\">rows changed</th>"
		    "<th class=\"num\">batches</th><th>status</th><th class=\"num\">duration</th><th style=\"width:32%\"></th></tr>");
	cJSON_ArrayForEach(s, steps) {
		const cJSON *tm = NULL;
		double ms;
		cJSON_ArrayForEach(t, tsteps)
			if (!strcmp(jstr_or(t, "name", ""), jstr_or(s, "name", "")))
				tm = t;
		ms = jnum_or(tm, "duration_ms", 0);
		sb_adds(sb, "<tr><td class=\"mono\">");
		esc(sb, jstr_or(s, "name", ""));
		if (jget(s, "dialect"))
			sb_adds(sb, " <span class=\"badge b-bad\" title=\"&quot;dialect&quot;: &quot;sqlite&quot;: "
				    "SQLite SQL, run without PostgreSQL's semantics\">dialect sqlite</span>");
		sb_adds(sb, "</td><td class=\"num\">");
		count(sb, jnum_or(s, "rows", 0));
		sb_adds(sb, "</td><td class=\"num\">");
		if (jget(s, "batches")) {
			count(sb, jnum_or(s, "batches_done", 0));
			sb_adds(sb, " / ");
			count(sb, jnum_or(s, "batches", 0));
		}
		sb_addf(sb, "</td><td><span class=\"badge %s\">", !strcmp(jstr_or(s, "status", ""), "ok") ? "b-ok" : "b-bad");
		esc(sb, jstr_or(s, "status", ""));
		if (ms >= 1000)
			sb_addf(sb, "</span></td><td class=\"num\">%.2f s</td>", ms / 1000);
		else
			sb_addf(sb, "</span></td><td class=\"num\">%.1f ms</td>", ms);
		sb_addf(sb, "<td><div class=\"tbar\"><span style=\"width:%.1f%%\"></span></div></td></tr>",
			max > 0 ? fmax(ms / max * 100, 1) : 0);
	}
	sb_addf(sb, "</table><p class=\"muted\">Total step time %.1f ms.", jnum_or(timings, "run_ms", 0));
	{
		const cJSON *tt = jget(timings, "tables");
		if (tt && tt->child) {
			sb_adds(sb, " Batched work per table:");
			cJSON_ArrayForEach(t, tt) {
				sb_adds(sb, " <span class=\"mono\">");
				esc(sb, t->string);
				sb_addf(sb, "</span> %.1f ms", jnum_or(t, "duration_ms", 0));
			}
		}
	}
	sb_adds(sb, "</p></section>");
}

/* --------------------------------------------------------------- pushes */

static void pushes_html(struct strbuf *sb, const cJSON *r)
{
	const cJSON *pushes = jget(jget(r, "context"), "pushes"), *p, *t;
	if (!pushes || !pushes->child)
		return;
	sb_adds(sb, "<section class=\"card\" id=\"pushes\"><h2>Push and rollback</h2>"
		    "<div class=\"scroll\"><table class=\"grid pushes\"><tr><th></th><th>target</th><th>change set</th>"
		    "<th>status</th><th>when</th><th>rows</th><th>message</th></tr>");
	cJSON_ArrayForEach(p, pushes) {
		const char *st = jstr_or(p, "status", "");
		sb_adds(sb, "<tr><td><b>");
		esc(sb, jstr_or(p, "kind", ""));
		sb_adds(sb, "</b></td><td class=\"mono\">");
		esc(sb, jstr_or(p, "target", ""));
		sb_adds(sb, "</td><td class=\"mono\">");
		sb_add_html_n(sb, jstr_or(p, "changeset_hash", ""), strlen(jstr_or(p, "changeset_hash", "")) > 12 ? 12 : strlen(jstr_or(p, "changeset_hash", "")));
		sb_addf(sb, "</td><td><span class=\"badge %s\">", !strcmp(st, "applied") ? "b-ok" : "b-bad");
		esc(sb, st);
		sb_adds(sb, "</span></td><td>");
		esc(sb, jstr_or(p, "started_at", ""));
		if (jstr_or(p, "finished_at", NULL)) {
			sb_adds(sb, " &rarr; ");
			esc(sb, jstr_or(p, "finished_at", ""));
		}
		sb_adds(sb, "</td><td>");
		cJSON_ArrayForEach(t, jget(p, "counts")) {
			static const char *const keys[] = { "inserted", "updated", "deleted" };
			int any = 0;
			sb_adds(sb, "<span class=\"mono\">");
			esc(sb, t->string ? t->string : "");
			sb_adds(sb, "</span>:");
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
				if (jnum_or(t, keys[i], 0) <= 0)
					continue;
				sb_adds(sb, any++ ? ", " : " ");
				count(sb, jnum_or(t, keys[i], 0));
				sb_addf(sb, " %s", keys[i]);
			}
			sb_adds(sb, any ? "<br>" : " none<br>");
		}
		sb_adds(sb, "</td><td>");
		esc(sb, jstr_or(p, "message", ""));
		sb_adds(sb, "</td></tr>");
	}
	sb_adds(sb, "</table></div></section>");
}

/* ---------------------------------------------------------------- page */

char *report_render_html(const cJSON *r)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *cmp = jget(r, "comparable"), *tables = jget(cmp, "tables"), *t;
	const cJSON *gen = jget(r, "generated");

	sb_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
		     "<meta name=\"generator\" content=\"");
	esc(&sb, jstr_or(gen, "by", "drydock"));
	sb_adds(&sb, "\"><title>drydock report: ");
	esc(&sb, jstr_or(jget(cmp, "plan"), "name", "?"));
	sb_adds(&sb, "</title><style>");
	sb_adds(&sb, css);
	sb_adds(&sb, "</style></head>\n<body><main>\n");
	blockers_html(&sb, r);
	sb_adds(&sb, "\n");
	header_html(&sb, r);
	sb_adds(&sb, "\n");
	strip_html(&sb, r);
	sb_adds(&sb, "\n<section class=\"card\" id=\"tables\"><h2>Tables</h2>");
	if (tables && tables->child)
		overview_chart(&sb, tables);
	else
		sb_adds(&sb, "<p class=\"empty\">No target tables.</p>");
	sb_adds(&sb, "</section>\n");
	cJSON_ArrayForEach(t, tables) {
		table_section(&sb, t->string, t, jget(jget(cmp, "validation"), "tables"));
		sb_adds(&sb, "\n");
	}
	checks_html(&sb, r);
	sb_adds(&sb, "\n");
	schema_html(&sb, r);
	sb_adds(&sb, "\n");
	steps_html(&sb, r);
	sb_adds(&sb, "\n");
	pushes_html(&sb, r);
	sb_adds(&sb, "\n<footer>Written by ");
	esc(&sb, jstr_or(gen, "by", "drydock"));
	sb_adds(&sb, " at ");
	esc(&sb, jstr_or(gen, "at", ""));
	sb_adds(&sb, " from <span class=\"mono\">");
	esc(&sb, jstr_or(jget(r, "context"), "staging_file", ""));
	sb_addf(&sb, "</span> &middot; up to %g sample rows per table and operation &middot; "
		     "compare reports with <span class=\"mono\">drydock diff A.json B.json</span></footer>\n",
		jnum_or(gen, "samples", 0));
	sb_adds(&sb, "</main></body></html>\n");
	return sb_detach(&sb, NULL);
}
