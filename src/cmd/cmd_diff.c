/*
 * drydock diff: compares two reports written by `drydock report` and says
 * what differs (tables added or removed, row counts, change counts per
 * table and column, samples, checks, schema changes, hash), then what is
 * equal.  Exit 0 when equal, 1 when different, 3 when an input is not a
 * report this drydock can compare.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "report.h"

const char usage_diff[] =
	"usage: drydock diff A.json B.json [--ignore LIST] [--json | --html]\n"
	"\n"
	"Compares two reports (report.json, or the folders holding them).  Prints\n"
	"each difference, then what is equal, on one line.  Exit status: 0 equal,\n"
	"1 different, 2 usage error, 3 an input is not a drydock report.\n"
	"\n"
	"Compared: \"comparable\" (plan, sources and row counts, tables, per-column\n"
	"change counts, samples of changed rows, schema changes, checks, hash),\n"
	"\"context\" (identities, times, approval, pushes) and \"timings\".  The time\n"
	"the report was written is never compared.\n"
	"\n"
	"  --ignore LIST  leave parts out, comma-separated: timings, context,\n"
	"                 samples (may repeat).  A fixture dry run and a production\n"
	"                 dry run compare with --ignore timings,context.\n"
	"  --json         print the differences as JSON\n"
	"  --html         print one HTML page: the two reports side by side (plan,\n"
	"                 status, hash, each table's rows and changes) and every\n"
	"                 difference; self-contained, for a browser\n";

struct diff {
	int ignore_timings, ignore_context, ignore_samples;
	cJSON *list;     /* array of differences */
	const char *comps[32];
	int ncomps;
};

/* Path components as text: a.b[name].c */
static char *path_text(const struct diff *d)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < d->ncomps; i++) {
		const char *c = d->comps[i];
		if (c[0] == '[')
			sb_adds(&sb, c);
		else
			sb_addf(&sb, "%s%s", i ? "." : "", c);
	}
	return sb_detach(&sb, NULL);
}

/*
 * Who a difference is about ("table users", "check 'fk x'") and the rest
 * of the path ("rows_after", "columns.email").
 */
static void subject_of(const struct diff *d, struct strbuf *subject,
		       struct strbuf *field)
{
	const char *const *c = d->comps;
	int n = d->ncomps, rest;

	if (!strcmp(c[0], "comparable") && n >= 2) {
		const char *sec = c[1];
		if (!strcmp(sec, "tables") && n >= 3) {
			sb_addf(subject, "table %s", c[2]);
			rest = 3;
		} else if (!strcmp(sec, "sources") && n >= 3) {
			sb_addf(subject, "source %s", c[2]);
			rest = 3;
		} else if (!strcmp(sec, "checks") && n >= 3) {
			sb_addf(subject, "check '%.*s'", (int)strlen(c[2]) - 2, c[2] + 1);
			rest = 3;
		} else if (!strcmp(sec, "schema_changes") && n >= 3) {
			sb_addf(subject, "schema change %.*s", (int)strlen(c[2]) - 2, c[2] + 1);
			rest = 3;
		} else if (!strcmp(sec, "run") && n >= 4 && !strcmp(c[2], "steps")) {
			sb_addf(subject, "step '%.*s'", (int)strlen(c[3]) - 2, c[3] + 1);
			rest = 4;
		} else if (!strcmp(sec, "validation") && n >= 4 && !strcmp(c[2], "tables")) {
			sb_addf(subject, "validation of table %s", c[3]);
			rest = 4;
		} else {
			sb_adds(subject, sec);
			rest = 2;
		}
	} else {
		sb_adds(subject, c[0]);
		rest = 1;
	}
	for (int i = rest; i < n; i++) {
		if (c[i][0] == '[')
			sb_adds(field, c[i]);
		else
			sb_addf(field, "%s%s", i > rest ? "." : "", c[i]);
	}
}

static void record(struct diff *d, const char *kind, const cJSON *a, const cJSON *b)
{
	cJSON *e = cJSON_CreateObject();
	struct strbuf subject = STRBUF_INIT, field = STRBUF_INIT;
	char *path = path_text(d);

	subject_of(d, &subject, &field);
	cJSON_AddStringToObject(e, "path", path);
	cJSON_AddStringToObject(e, "subject", subject.buf);
	cJSON_AddStringToObject(e, "field", field.buf);
	cJSON_AddStringToObject(e, "kind", kind);
	cJSON_AddItemToObject(e, "a", a ? cJSON_Duplicate(a, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(e, "b", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
	if (!a)
		cJSON_DeleteItemFromObjectCaseSensitive(e, "a");
	if (!b)
		cJSON_DeleteItemFromObjectCaseSensitive(e, "b");
	cJSON_AddItemToArray(d->list, e);
	free(path);
	sb_release(&subject);
	sb_release(&field);
}

static void push(struct diff *d, const char *comp)
{
	if (d->ncomps < (int)ARRAY_SIZE(d->comps))
		d->comps[d->ncomps++] = comp;
}

/* Every element an object with a string "name", unique in the array
   (true for an empty array: nothing to match). */
static int named_array(const cJSON *arr)
{
	const cJSON *x, *y;
	cJSON_ArrayForEach(x, arr) {
		const char *n = jstr_or(x, "name", NULL);
		if (!cJSON_IsObject(x) || !n)
			return 0;
		for (y = arr->child; y != x; y = y->next)
			if (!strcmp(jstr_or(y, "name", ""), n))
				return 0;
	}
	return 1;
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, arr)
		if (!strcmp(jstr_or(x, "name", ""), name))
			return x;
	return NULL;
}

static void walk(struct diff *d, const cJSON *a, const cJSON *b);

static void walk_child(struct diff *d, const char *comp, const cJSON *a, const cJSON *b)
{
	int saved = d->ncomps;
	push(d, comp);
	if (!a)
		record(d, "added", NULL, b);
	else if (!b)
		record(d, "removed", a, NULL);
	else
		walk(d, a, b);
	d->ncomps = saved;
}

static void walk(struct diff *d, const cJSON *a, const cJSON *b)
{
	const char *last = d->ncomps ? d->comps[d->ncomps - 1] : "";
	int in_schema = d->ncomps == 2 && !strcmp(d->comps[0], "comparable") &&
			!strcmp(d->comps[1], "schema_changes");
	const cJSON *x;

	if (cJSON_IsObject(a) && cJSON_IsObject(b) && d->ncomps == 4 &&
	    !strcmp(last, "columns") && !strcmp(d->comps[1], "tables")) {
		/* per-column change counts: a column that is not listed changed 0 rows */
		cJSON *zero = cJSON_CreateNumber(0);
		cJSON_ArrayForEach(x, a) {
			const cJSON *y = jget(b, x->string);
			walk_child(d, x->string, x, y ? y : zero);
		}
		cJSON_ArrayForEach(x, b)
			if (!jget(a, x->string))
				walk_child(d, x->string, zero, x);
		cJSON_Delete(zero);
		return;
	}
	if (cJSON_IsObject(a) && cJSON_IsObject(b) && strcmp(last, "sample")) {
		cJSON_ArrayForEach(x, a)
			walk_child(d, x->string, x, jget(b, x->string));
		cJSON_ArrayForEach(x, b)
			if (!jget(a, x->string))
				walk_child(d, x->string, NULL, x);
		return;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b) && (a->child || b->child) &&
	    named_array(a) && named_array(b)) {
		/* checks, steps: matched by name */
		struct strbuf *labels = NULL;
		int n = cJSON_GetArraySize(a) + cJSON_GetArraySize(b), k = 0;
		labels = xcalloc((size_t)n, sizeof(*labels));
		cJSON_ArrayForEach(x, a) {
			sb_init(&labels[k], 0);
			sb_addf(&labels[k], "[%s]", jstr_or(x, "name", ""));
			walk_child(d, labels[k].buf, x, find_named(b, jstr_or(x, "name", "")));
			k++;
		}
		cJSON_ArrayForEach(x, b) {
			if (find_named(a, jstr_or(x, "name", "")))
				continue;
			sb_init(&labels[k], 0);
			sb_addf(&labels[k], "[%s]", jstr_or(x, "name", ""));
			walk_child(d, labels[k].buf, NULL, x);
			k++;
		}
		/* records copied the path; labels may go */
		for (int i = 0; i < k; i++)
			sb_release(&labels[i]);
		free(labels);
		return;
	}
	if (in_schema && cJSON_IsArray(a) && cJSON_IsArray(b)) {
		/* schema changes: in plan order, by position */
		int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
		int n = na > nb ? na : nb;
		for (int i = 0; i < n; i++) {
			const cJSON *ea = cJSON_GetArrayItem(a, i), *eb = cJSON_GetArrayItem(b, i);
			const cJSON *e = ea ? ea : eb;
			char label[300];
			snprintf(label, sizeof(label), "[%d %s%s%s]", i + 1,
				 jstr_or(e, "op", "?"), jstr_or(e, "table", NULL) ? " " : "",
				 jstr_or(e, "table", ""));
			walk_child(d, label, ea, eb);
		}
		return;
	}
	if (!cJSON_Compare(a, b, 1))
		record(d, "changed", a, b);
}

/* ------------------------------------------------------------ rendering */

static int is_hex64(const char *s)
{
	size_t n = strlen(s);
	if (n != 64)
		return 0;
	return strspn(s, "0123456789abcdef") == 64;
}

static int is_plain(const char *s)
{
	return *s && strlen(s) <= 40 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:+-/@") == strlen(s);
}

/* A value short enough for one line, or 0 when it is too long to show. */
static int brief(struct strbuf *sb, const cJSON *v)
{
	struct strbuf tmp = STRBUF_INIT;
	int ok = 1;
	if (cJSON_IsString(v) && is_hex64(v->valuestring)) {
		sb_addf(sb, "%.12s..", v->valuestring);
	} else if (cJSON_IsString(v) && is_plain(v->valuestring)) {
		sb_adds(sb, v->valuestring);
	} else {
		sb_add_json_compact(&tmp, v);
		if (tmp.len <= 60)
			sb_add(sb, tmp.buf, tmp.len);
		else
			ok = 0;
	}
	sb_release(&tmp);
	return ok;
}

static void print_difference(const cJSON *e)
{
	const char *kind = jstr_or(e, "kind", "");
	const char *field = jstr_or(e, "field", "");
	struct strbuf line = STRBUF_INIT, va = STRBUF_INIT, vb = STRBUF_INIT;

	sb_addf(&line, "  %s:", jstr_or(e, "subject", ""));
	if (!strncmp(field, "columns.", 8) && !strcmp(kind, "changed") &&
	    brief(&va, jget(e, "a")) && brief(&vb, jget(e, "b"))) {
		sb_addf(&line, " column %s, rows changed %s -> %s", field + 8, va.buf, vb.buf);
		goto out;
	}
	if (!strcmp(field, "sample") && !strcmp(kind, "changed") &&
	    !strncmp(jstr_or(e, "subject", ""), "table ", 6)) {
		sb_adds(&line, " the sample of changed rows differs");
		goto out;
	}
	if (*field)
		sb_addf(&line, " %s", field);
	if (!strcmp(kind, "added")) {
		sb_adds(&line, " only in B");
	} else if (!strcmp(kind, "removed")) {
		sb_adds(&line, " only in A");
	} else if (brief(&va, jget(e, "a")) && brief(&vb, jget(e, "b"))) {
		sb_addf(&line, " %s -> %s", va.buf, vb.buf);
	} else {
		sb_adds(&line, " differs");
	}
out:
	puts(line.buf);
	sb_release(&line);
	sb_release(&va);
	sb_release(&vb);
}

/* Differences whose path starts with prefix (followed by '.', '[' or end). */
static int count_under(const cJSON *list, const char *prefix)
{
	const cJSON *e;
	size_t n = strlen(prefix);
	int count = 0;
	cJSON_ArrayForEach(e, list) {
		const char *p = jstr_or(e, "path", "");
		if (!strncmp(p, prefix, n) && (!p[n] || p[n] == '.' || p[n] == '['))
			count++;
	}
	return count;
}

/* Members (objects) or elements (arrays) in A or B, counted once. */
static int union_size(const cJSON *a, const cJSON *b, int named)
{
	const cJSON *x;
	int n = 0;
	cJSON_ArrayForEach(x, a)
		n++;
	cJSON_ArrayForEach(x, b) {
		if (named ? !find_named(a, jstr_or(x, "name", "")) : !jget(a, x->string))
			n++;
	}
	return n;
}

/* One member per table/check, equal when nothing under it differs. */
static int count_equal(const cJSON *list, const char *prefix, const cJSON *a,
		       const cJSON *b, int named)
{
	const cJSON *arrs[2] = { a, b }, *x;
	int equal = 0;
	for (int k = 0; k < 2; k++) {
		cJSON_ArrayForEach(x, arrs[k]) {
			char *p;
			const char *name = named ? jstr_or(x, "name", "") : x->string;
			if (k == 1 && (named ? find_named(a, name) != NULL : jget(a, name) != NULL))
				continue;
			p = named ? xasprintf("%s[%s]", prefix, name) : xasprintf("%s.%s", prefix, name);
			equal += !count_under(list, p) && (named ? find_named(a, name) && find_named(b, name)
								 : jget(a, name) && jget(b, name));
			free(p);
		}
	}
	return equal;
}

static void equal_line(const struct diff *d, const cJSON *ca, const cJSON *cb,
		       struct strbuf *out, cJSON *equal_json)
{
	static const char *const order[] = {
		"plan", "status", "hash", "sources", "tables", "totals",
		"schema_changes", "checks", "validation", "completion", "run",
	};
	const cJSON *x;
	int first = 1;

#define ADD_EQUAL(...) do { \
		sb_adds(out, first ? "" : ", "); first = 0; \
		sb_addf(out, __VA_ARGS__); \
	} while (0)

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *key = order[i];
		char *p = xasprintf("comparable.%s", key);
		const cJSON *va = jget(ca, key), *vb = jget(cb, key);
		int ndiff = count_under(d->list, p);
		if (!strcmp(key, "tables") || !strcmp(key, "sources") || !strcmp(key, "checks")) {
			int named = !strcmp(key, "checks");
			int total = union_size(va, vb, named);
			int eq = count_equal(d->list, p, va, vb, named);
			const char *noun = !strcmp(key, "tables") ? "table" :
					   !strcmp(key, "sources") ? "source" : "check";
			if (!total && !ndiff)
				ADD_EQUAL("no %ss", noun);
			else if (eq == total && !ndiff)
				ADD_EQUAL("%d %s%s", total, noun, total == 1 ? "" : "s");
			else if (eq)
				ADD_EQUAL("%d of %d %ss", eq, total, noun);
			if (!ndiff)
				cJSON_AddItemToArray(equal_json, cJSON_CreateString(key));
		} else if (!ndiff) {
			if (!strcmp(key, "schema_changes")) {
				int n = cJSON_GetArraySize(va);
				if (n)
					ADD_EQUAL("%d schema change%s", n, n == 1 ? "" : "s");
				else
					ADD_EQUAL("no schema changes");
			} else {
				ADD_EQUAL("%s", key);
			}
			cJSON_AddItemToArray(equal_json, cJSON_CreateString(key));
		}
		free(p);
	}
	/* sections a later format may add, in key order */
	cJSON_ArrayForEach(x, ca) {
		int known = 0;
		char *p;
		for (size_t k = 0; k < ARRAY_SIZE(order); k++)
			known |= !strcmp(order[k], x->string);
		if (known)
			continue;
		p = xasprintf("comparable.%s", x->string);
		if (!count_under(d->list, p)) {
			ADD_EQUAL("%s", x->string);
			cJSON_AddItemToArray(equal_json, cJSON_CreateString(x->string));
		}
		free(p);
	}
	if (!d->ignore_context && !count_under(d->list, "context")) {
		ADD_EQUAL("context");
		cJSON_AddItemToArray(equal_json, cJSON_CreateString("context"));
	}
	if (!d->ignore_timings && !count_under(d->list, "timings")) {
		ADD_EQUAL("timings");
		cJSON_AddItemToArray(equal_json, cJSON_CreateString("timings"));
	}
	if (first)
		sb_adds(out, "nothing");
#undef ADD_EQUAL
}

static int parse_ignore(struct diff *d, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	int ret = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "timings"))
			d->ignore_timings = 1;
		else if (!strcmp(w, "context"))
			d->ignore_context = 1;
		else if (!strcmp(w, "samples"))
			d->ignore_samples = 1;
		else
			ret = -1;
	}
	free(copy);
	return ret;
}

/* Removes every "sample" member below v (checks' and tables' samples). */
static void drop_samples(cJSON *v)
{
	cJSON *c;
	if (cJSON_IsObject(v))
		cJSON_DeleteItemFromObjectCaseSensitive(v, "sample");
	for (c = v ? v->child : NULL; c; c = c->next)
		drop_samples(c);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ignore", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "html", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff d = { 0 };
	int json = 0, html = 0, c, ret = EXIT_RUNTIME, ndiff;
	cJSON *a = NULL, *b = NULL, *equal_json = NULL, *out = NULL, *ignored;
	struct strbuf eq = STRBUF_INIT;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_ignore(&d, optarg))
				return usage_error("diff", "--ignore takes a list of timings, context, samples");
			break;
		case 'j': json = 1; json_stdout(); break;
		case 'h': html = 1; break;
		default: return option_error("diff", argv, opts, "");
		}
	}
	if (json && html)
		return usage_error("diff", "--json and --html print different things: give one");
	if (optind != argc - 2)
		return usage_error("diff", "give two reports");
	if (report_load(argv[optind], &a) || report_load(argv[optind + 1], &b))
		goto cleanup;
	if (d.ignore_samples) {
		drop_samples(a);
		drop_samples(b);
	}
	d.list = cJSON_CreateArray();
	static const char *const sections[] = { "comparable", "context", "timings" };
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		if ((i == 1 && d.ignore_context) || (i == 2 && d.ignore_timings))
			continue;
		walk_child(&d, sections[i], jget(a, sections[i]), jget(b, sections[i]));
	}
	ndiff = cJSON_GetArraySize(d.list);
	equal_json = cJSON_CreateArray();
	equal_line(&d, jget(a, "comparable"), jget(b, "comparable"), &eq, equal_json);

	if (json || html) {
		char *s;
		out = cJSON_CreateObject();
		cJSON_AddBoolToObject(out, "equal", ndiff == 0);
		cJSON_AddStringToObject(out, "a", argv[optind]);
		cJSON_AddStringToObject(out, "b", argv[optind + 1]);
		ignored = cJSON_AddArrayToObject(out, "ignored");
		if (d.ignore_context)
			cJSON_AddItemToArray(ignored, cJSON_CreateString("context"));
		if (d.ignore_samples)
			cJSON_AddItemToArray(ignored, cJSON_CreateString("samples"));
		if (d.ignore_timings)
			cJSON_AddItemToArray(ignored, cJSON_CreateString("timings"));
		cJSON_AddItemToObject(out, "differences", d.list);
		d.list = NULL;
		cJSON_AddItemToObject(out, "equal_parts", equal_json);
		equal_json = NULL;
		if (html) {
			s = report_render_diff_html(out, a, b);
			fputs(s, stdout);
		} else {
			s = report_render_json(out);
			print_json_text(s);
		}
		free(s);
	} else {
		const cJSON *e;
		if (ndiff)
			printf("reports differ (%d difference%s):\n", ndiff, ndiff == 1 ? "" : "s");
		else
			printf("reports are equal\n");
		cJSON_ArrayForEach(e, d.list)
			print_difference(e);
		printf("equal: %s\n", eq.buf);
		if (d.ignore_context || d.ignore_samples || d.ignore_timings)
			printf("ignored:%s%s%s\n",
			       d.ignore_context ? " context" : "",
			       d.ignore_samples ? " samples" : "",
			       d.ignore_timings ? " timings" : "");
	}
	ret = ndiff ? EXIT_FINDINGS : EXIT_OK;
cleanup:
	sb_release(&eq);
	cJSON_Delete(out);
	cJSON_Delete(equal_json);
	cJSON_Delete(d.list);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return ret;
}
