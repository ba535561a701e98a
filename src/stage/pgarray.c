/*
 * pgarray: array literal input and output with array_in/array_out's rules
 * (see pgarray.h).  Whitespace around unquoted elements is dropped, a
 * backslash quotes the next character anywhere, an unquoted NULL (any
 * case) is a NULL element, and sub-arrays of one dimension must agree in
 * length.
 */
#include "pgarray.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void pgarr_free(struct pgarr *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->elems[i].s);
	free(a->elems);
	memset(a, 0, sizeof(*a));
}

void pgarr_push(struct pgarr *a, const char *s, size_t len)
{
	ALLOC_GROW(a->elems, a->n + 1, a->alloc);
	a->elems[a->n].s = s ? xstrndup(s, len) : NULL;
	a->elems[a->n].len = s ? len : 0;
	a->n++;
	a->ndims = 1;
	a->dims[0] = (int)a->n;
	a->lbound[0] = 1;
}

struct arrparser {
	const char *p, *end;
	const char *why;
	int ndims;            /* fixed by the first innermost element reached */
	int dims[PGARR_MAXDIM];
	int seen_dims;        /* dims known (after first closing brace per level) */
	int counts[PGARR_MAXDIM];
	int dim_known[PGARR_MAXDIM];
};

static int parse_elem(struct arrparser *ap, struct pgarr *out)
{
	struct strbuf sb = STRBUF_INIT;
	int quoted = 0, any_quoted = 0;
	size_t keep = 0; /* length not to trim: up to the last quoted/escaped char */

	while (ap->p < ap->end) {
		char c = *ap->p;
		if (!quoted && (c == ',' || c == '}'))
			break;
		if (!quoted && (c == '{')) {
			ap->why = "Unexpected \"{\" character.";
			goto bad;
		}
		if (c == '\\') {
			if (++ap->p >= ap->end) {
				ap->why = "Unexpected end of input.";
				goto bad;
			}
			sb_addch(&sb, *ap->p++);
			keep = sb.len;
			continue;
		}
		if (c == '"') {
			if (!quoted && any_quoted) {
				ap->why = "Unexpected array element.";
				goto bad;
			}
			if (!quoted && sb.len > 0) {
				ap->why = "Unexpected array element.";
				goto bad;
			}
			quoted = !quoted;
			any_quoted = 1;
			keep = sb.len;
			ap->p++;
			continue;
		}
		if (!quoted && any_quoted && !is_space(c)) {
			ap->why = "Unexpected array element.";
			goto bad;
		}
		if (!quoted && sb.len == 0 && is_space(c)) {
			ap->p++;
			continue;
		}
		sb_addch(&sb, c);
		if (quoted)
			keep = sb.len;
		ap->p++;
	}
	if (ap->p >= ap->end) {
		ap->why = "Unexpected end of input.";
		goto bad;
	}
	while (sb.len > keep && is_space(sb.buf[sb.len - 1]))
		sb_setlen(&sb, sb.len - 1);
	if (!any_quoted && sb.len == 0 && keep == 0) {
		ap->why = *ap->p == '}' ? "Unexpected \"}\" character." : "Unexpected \",\" character.";
		goto bad;
	}
	ALLOC_GROW(out->elems, out->n + 1, out->alloc);
	if (!any_quoted && keep == 0 && sb.len == 4 && !strncasecmp(sb.buf, "NULL", 4)) {
		out->elems[out->n].s = NULL;
		out->elems[out->n].len = 0;
		sb_release(&sb);
	} else {
		size_t l;
		out->elems[out->n].s = sb_detach(&sb, &l);
		out->elems[out->n].len = l;
	}
	out->n++;
	return 0;
bad:
	sb_release(&sb);
	return -1;
}

/* Parses one {...} at nesting level lvl (the opening brace is at ap->p). */
static int parse_level(struct arrparser *ap, struct pgarr *out, int lvl)
{
	int count = 0;
	if (lvl >= PGARR_MAXDIM) {
		ap->why = "Too many dimensions.";
		return -1;
	}
	ap->p++; /* { */
	while (ap->p < ap->end && is_space(*ap->p))
		ap->p++;
	if (ap->p < ap->end && *ap->p == '}') {
		ap->p++;
		if (lvl == 0) {
			return 0; /* the empty array */
		}
		ap->why = "Unexpected \"}\" character.";
		return -1;
	}
	for (;;) {
		while (ap->p < ap->end && is_space(*ap->p))
			ap->p++;
		if (ap->p >= ap->end) {
			ap->why = "Unexpected end of input.";
			return -1;
		}
		if (*ap->p == '{') {
			if (ap->ndims && ap->ndims <= lvl + 1) {
				ap->why = "Unexpected \"{\" character.";
				return -1;
			}
			if (parse_level(ap, out, lvl + 1))
				return -1;
		} else {
			if (ap->ndims == 0)
				ap->ndims = lvl + 1;
			else if (ap->ndims != lvl + 1) {
				ap->why = "Unexpected array element.";
				return -1;
			}
			if (parse_elem(ap, out))
				return -1;
		}
		count++;
		while (ap->p < ap->end && is_space(*ap->p))
			ap->p++;
		if (ap->p >= ap->end) {
			ap->why = "Unexpected end of input.";
			return -1;
		}
		if (*ap->p == ',') {
			ap->p++;
			continue;
		}
		if (*ap->p == '}') {
			ap->p++;
			break;
		}
		ap->why = "Unexpected array element.";
		return -1;
	}
	if (!ap->dim_known[lvl]) {
		ap->dim_known[lvl] = 1;
		ap->dims[lvl] = count;
	} else if (ap->dims[lvl] != count) {
		ap->why = "Multidimensional arrays must have sub-arrays with matching dimensions.";
		return -1;
	}
	return 0;
}

int pgarr_parse(const char *text, size_t len, struct pgarr *out, const char **why)
{
	struct arrparser ap;
	int lb[PGARR_MAXDIM], nlb = 0;
	memset(&ap, 0, sizeof(ap));
	memset(out, 0, sizeof(*out));
	ap.p = text;
	ap.end = text + len;
	while (ap.p < ap.end && is_space(*ap.p))
		ap.p++;
	/* optional dimensions: [lo:hi][lo:hi]= */
	while (ap.p < ap.end && *ap.p == '[' && nlb < PGARR_MAXDIM) {
		char *e;
		long lo, hi;
		lo = strtol(ap.p + 1, &e, 10);
		if (e == ap.p + 1 || *e != ':') {
			ap.why = "\"[\" must introduce explicitly-specified array dimensions.";
			goto bad;
		}
		hi = strtol(e + 1, &e, 10);
		if (*e != ']') {
			ap.why = "Missing \"]\" after array dimensions.";
			goto bad;
		}
		if (hi < lo) {
			ap.why = "upper bound cannot be less than lower bound";
			goto bad;
		}
		lb[nlb] = (int)lo;
		ap.dims[nlb++] = (int)(hi - lo + 1);
		ap.p = e + 1;
	}
	if (nlb) {
		if (ap.p >= ap.end || *ap.p != '=') {
			ap.why = "Missing \"=\" after array dimensions.";
			goto bad;
		}
		ap.p++;
		while (ap.p < ap.end && is_space(*ap.p))
			ap.p++;
	}
	if (ap.p >= ap.end || *ap.p != '{') {
		ap.why = "Array value must start with \"{\" or dimension information.";
		goto bad;
	}
	{
		int given[PGARR_MAXDIM];
		memcpy(given, ap.dims, sizeof(given));
		memset(ap.dims, 0, sizeof(ap.dims));
		if (parse_level(&ap, out, 0))
			goto bad;
		while (ap.p < ap.end && is_space(*ap.p))
			ap.p++;
		if (ap.p != ap.end) {
			ap.why = "Junk after closing right brace.";
			goto bad;
		}
		if (out->n == 0) {
			if (nlb) {
				ap.why = "Specified array dimensions do not match array contents.";
				goto bad;
			}
			return 0;
		}
		out->ndims = ap.ndims;
		for (int i = 0; i < ap.ndims; i++) {
			out->dims[i] = ap.dims[i];
			out->lbound[i] = 1;
		}
		if (nlb) {
			if (nlb != ap.ndims) {
				ap.why = "Specified array dimensions do not match array contents.";
				goto bad;
			}
			for (int i = 0; i < nlb; i++) {
				if (given[i] != ap.dims[i]) {
					ap.why = "Specified array dimensions do not match array contents.";
					goto bad;
				}
				out->lbound[i] = lb[i];
			}
		}
	}
	return 0;
bad:
	pgarr_free(out);
	*why = ap.why;
	return -1;
}

void pgarr_out_elem(struct strbuf *sb, const char *s, size_t len)
{
	int quote = len == 0 || (len == 4 && !strncasecmp(s, "NULL", 4));
	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == '{' || s[i] == '}' || s[i] == ',' || s[i] == '"' ||
		    s[i] == '\\' || is_space(s[i]))
			quote = 1;
	if (!quote) {
		sb_add(sb, s, len);
		return;
	}
	sb_addch(sb, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			sb_addch(sb, '\\');
		sb_addch(sb, s[i]);
	}
	sb_addch(sb, '"');
}

static void out_level(struct strbuf *sb, const struct pgarr *a, int lvl, size_t *at)
{
	sb_addch(sb, '{');
	for (int i = 0; i < a->dims[lvl]; i++) {
		if (i)
			sb_addch(sb, ',');
		if (lvl + 1 < a->ndims) {
			out_level(sb, a, lvl + 1, at);
		} else {
			const struct pgarr_elem *e = &a->elems[(*at)++];
			if (e->s)
				pgarr_out_elem(sb, e->s, e->len);
			else
				sb_adds(sb, "NULL");
		}
	}
	sb_addch(sb, '}');
}

void pgarr_out(struct strbuf *sb, const struct pgarr *a)
{
	size_t at = 0;
	if (a->ndims == 0 || a->n == 0) {
		sb_adds(sb, "{}");
		return;
	}
	for (int i = 0; i < a->ndims; i++)
		if (a->lbound[i] != 1) {
			for (int j = 0; j < a->ndims; j++)
				sb_addf(sb, "[%d:%d]", a->lbound[j], a->lbound[j] + a->dims[j] - 1);
			sb_addch(sb, '=');
			break;
		}
	out_level(sb, a, 0, &at);
}
