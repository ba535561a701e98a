/*
 * fn_text_regex: LIKE, ILIKE, SIMILAR TO and POSIX regular expressions
 * with PostgreSQL 15's semantics (fn_text.h).
 *
 * LIKE follows like_match.c's MatchText (UTF-8 is matched bytewise, which
 * is exact because no character's encoding contains another's).  ILIKE
 * lower-cases pattern and string with the database's LC_CTYPE first, as
 * PostgreSQL does for multi-byte encodings.
 *
 * Regular expressions: PostgreSQL's engine is Henry Spencer's ARE; ours is
 * glibc's POSIX ERE, run in C.UTF-8 (or the database's UTF-8 LC_CTYPE).
 * Each pattern is parsed here as an ARE and re-emitted as an ERE that
 * means the same thing:
 *   - non-capturing groups become capturing ones, and a map gives each of
 *     PostgreSQL's groups its glibc group;
 *   - case-insensitive matching never uses REG_ICASE: every literal becomes
 *     the bracket of its lower and upper case ({towlower(c), towupper(c)},
 *     PostgreSQL's allcases()), ranges gain their characters' other cases;
 *   - in the C locale, classes and \d \s \w become their ASCII sets, since
 *     PostgreSQL's C locale knows no other letters;
 *   - escapes become literals or brackets.
 * What could match differently is refused instead: non-greedy quantifiers
 * (glibc has none), back references, lookaround, embedded options,
 * \m \M \y \Y, collating elements, equivalence classes, options other than
 * i, c, s, t (and g where allowed).  With greedy quantifiers only, both
 * engines pick the leftmost-longest match.
 */
#define _GNU_SOURCE
#include "fn_text.h"
#include "fn_text_int.h"
#include "fn_shared.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define STRICT() do { if (pgfn_any_null(argc, argv)) { sqlite3_result_null(ctx); return; } } while (0)

static const struct textloc *ctx_loc(sqlite3_context *ctx)
{
	const struct textloc *l = sqlite3_user_data(ctx);

	return l ? l : textloc_c();
}

/* ------------------------------------------------------------------ */
/* LIKE                                                                */
/* ------------------------------------------------------------------ */

#define LIKE_TRUE 1
#define LIKE_FALSE 0
#define LIKE_ABORT (-1)
#define LIKE_ERROR (-2)

static size_t next_char(const char *t, size_t tlen)
{
	size_t l = (size_t)u8_seqlen((unsigned char)*t);

	return l > tlen ? tlen : l;
}

static int match_text(sqlite3_context *ctx, const char *t, size_t tlen,
		      const char *p, size_t plen, int bytewise)
{
	if (plen == 1 && *p == '%')
		return LIKE_TRUE;
	while (tlen > 0 && plen > 0) {
		if (*p == '\\') {
			p++, plen--;
			if (plen == 0) {
				pgfn_error(ctx, "LIKE pattern must not end with escape character");
				return LIKE_ERROR;
			}
			if (*p != *t)
				return LIKE_FALSE;
		} else if (*p == '%') {
			char firstpat;

			p++, plen--;
			while (plen > 0) {
				if (*p == '%') {
					p++, plen--;
				} else if (*p == '_') {
					size_t l;

					if (tlen == 0)
						return LIKE_ABORT;
					l = bytewise ? 1 : next_char(t, tlen);
					t += l, tlen -= l;
					p++, plen--;
				} else {
					break;
				}
			}
			if (plen == 0)
				return LIKE_TRUE;
			if (*p == '\\') {
				if (plen < 2) {
					pgfn_error(ctx, "LIKE pattern must not end with escape character");
					return LIKE_ERROR;
				}
				firstpat = p[1];
			} else {
				firstpat = *p;
			}
			while (tlen > 0) {
				if (*t == firstpat) {
					int r = match_text(ctx, t, tlen, p, plen, bytewise);

					if (r != LIKE_FALSE)
						return r;
				}
				{
					size_t l = bytewise ? 1 : next_char(t, tlen);

					t += l, tlen -= l;
				}
			}
			return LIKE_ABORT;
		} else if (*p == '_') {
			size_t l = bytewise ? 1 : next_char(t, tlen);

			t += l, tlen -= l;
			p++, plen--;
			continue;
		} else if (*p != *t) {
			return LIKE_FALSE;
		}
		/* a matched byte: the rest of a multi-byte character follows bytewise */
		t++, tlen--;
		p++, plen--;
	}
	if (tlen > 0)
		return LIKE_FALSE;
	while (plen > 0 && *p == '%')
		p++, plen--;
	if (plen == 0)
		return LIKE_TRUE;
	return LIKE_ABORT;
}

int like_match(sqlite3_context *ctx, const char *t, size_t tlen, const char *p, size_t plen)
{
	int r = match_text(ctx, t, tlen, p, plen, 1);

	return r == LIKE_ERROR ? -1 : r == LIKE_TRUE;
}

static void like(sqlite3_context *ctx, int argc, sqlite3_value **argv, int icase, int negate)
{
	struct strbuf lt = STRBUF_INIT, lp = STRBUF_INIT;
	const char *t, *p;
	size_t tn, pn;
	char *pc = NULL;
	int r;

	STRICT();
	p = arg_text(argv, 1, &pn);
	if (icase) {
		textloc_str_lower(ctx_loc(ctx), p, pn, &lp);
		t = arg_text(argv, 0, &tn);
		textloc_str_lower(ctx_loc(ctx), t, tn, &lt);
		r = match_text(ctx, lt.buf, lt.len, lp.buf, lp.len, 0);
	} else {
		pc = xstrndup(p, pn);
		t = arg_text(argv, 0, &tn);
		r = match_text(ctx, t, tn, pc, pn, 0);
	}
	if (r != LIKE_ERROR)
		sqlite3_result_int(ctx, (r == LIKE_TRUE) != negate);
	free(pc);
	sb_release(&lt);
	sb_release(&lp);
}

static void fn_textlike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	like(ctx, argc, argv, 0, 0);
}

static void fn_textnlike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	like(ctx, argc, argv, 0, 1);
}

static void fn_texticlike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	like(ctx, argc, argv, 1, 0);
}

static void fn_texticnlike(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	like(ctx, argc, argv, 1, 1);
}

/* like_escape(pattern, escape): the pattern rewritten for backslash. */
static void fn_like_escape(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	const char *p, *e;
	size_t pn, en, i = 0;
	char *ec;
	int afterescape = 0;

	STRICT();
	e = arg_text(argv, 1, &en);
	ec = xstrndup(e, en);
	p = arg_text(argv, 0, &pn);
	if (en == 0) {
		/* no escape character: backslashes become literal */
		for (i = 0; i < pn; i++) {
			if (p[i] == '\\')
				sb_addch(&out, '\\');
			sb_addch(&out, p[i]);
		}
	} else if (u8_count((const unsigned char *)ec, en) != 1) {
		pgfn_error(ctx, "invalid escape string");
		goto fail;
	} else if (en == 1 && ec[0] == '\\') {
		sb_add(&out, p, pn);
	} else {
		while (i < pn) {
			size_t cl = next_char(p + i, pn - i);

			if (cl == en && !memcmp(p + i, ec, en) && !afterescape) {
				sb_addch(&out, '\\');
				afterescape = 1;
			} else if (p[i] == '\\') {
				sb_addch(&out, '\\');
				if (!afterescape)
					sb_addch(&out, '\\');
				afterescape = 0;
			} else {
				sb_add(&out, p + i, cl);
				afterescape = 0;
			}
			i += cl;
		}
	}
	free(ec);
	result_sb(ctx, &out);
	return;
fail:
	free(ec);
	sb_release(&out);
}

/* ------------------------------------------------------------------ */
/* SIMILAR TO                                                          */
/* ------------------------------------------------------------------ */

char *pgfn_similar_to_regex(const char *pattern, const char *esc, char **why)
{
	struct strbuf r = STRBUF_INIT;
	const char *p = pattern, *e;
	size_t plen = strlen(pattern), elen;
	int afterescape = 0, incharclass = 0, nquotes = 0;

	if (!esc) {
		e = "\\";
		elen = 1;
	} else {
		e = esc;
		elen = strlen(esc);
		if (elen == 0)
			e = NULL;
		else if (u8_count((const unsigned char *)esc, elen) > 1) {
			*why = xstrdup("invalid escape string");
			return NULL;
		}
	}
	sb_adds(&r, "^(?:");
	while (plen > 0) {
		char pchar = *p;

		if (elen > 1) {
			size_t mblen = next_char(p, plen);

			if (mblen > 1) {
				if (afterescape) {
					sb_addch(&r, '\\');
					sb_add(&r, p, mblen);
					afterescape = 0;
				} else if (e && elen == mblen && !memcmp(e, p, mblen)) {
					afterescape = 1;
				} else {
					sb_add(&r, p, mblen);
				}
				p += mblen;
				plen -= mblen;
				continue;
			}
		}
		if (afterescape) {
			if (pchar == '"' && !incharclass) {
				if (nquotes == 0) {
					sb_adds(&r, "){1,1}?(");
				} else if (nquotes == 1) {
					sb_adds(&r, "){1,1}(?:");
				} else {
					sb_release(&r);
					*why = xstrdup("SQL regular expression may not contain more than two escape-double-quote separators");
					return NULL;
				}
				nquotes++;
			} else {
				sb_addch(&r, '\\');
				sb_addch(&r, pchar);
			}
			afterescape = 0;
		} else if (e && pchar == *e) {
			afterescape = 1;
		} else if (incharclass) {
			if (pchar == '\\')
				sb_addch(&r, '\\');
			sb_addch(&r, pchar);
			if (pchar == ']')
				incharclass = 0;
		} else if (pchar == '[') {
			sb_addch(&r, pchar);
			incharclass = 1;
		} else if (pchar == '%') {
			sb_adds(&r, ".*");
		} else if (pchar == '_') {
			sb_addch(&r, '.');
		} else if (pchar == '(') {
			sb_adds(&r, "(?:");
		} else if (pchar == '\\' || pchar == '.' || pchar == '^' || pchar == '$') {
			sb_addch(&r, '\\');
			sb_addch(&r, pchar);
		} else {
			sb_addch(&r, pchar);
		}
		p++, plen--;
	}
	sb_adds(&r, ")$");
	return sb_detach(&r, NULL);
}

static void fn_similar_to_escape(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *pat, *esc = NULL, *why = NULL, *re;
	size_t n;
	const char *s;

	STRICT();
	s = arg_text(argv, 0, &n);
	pat = xstrndup(s, n);
	if (argc > 1) {
		s = arg_text(argv, 1, &n);
		esc = xstrndup(s, n);
	}
	re = pgfn_similar_to_regex(pat, esc, &why);
	if (re)
		sqlite3_result_text(ctx, re, -1, free);
	else
		pgfn_error(ctx, "%s", why);
	free(why);
	free(pat);
	free(esc);
}

/* ------------------------------------------------------------------ */
/* ARE -> ERE translation                                              */
/* ------------------------------------------------------------------ */

struct xlate {
	const uint32_t *p;     /* the pattern, as code points */
	size_t n, i;
	int icase;
	int newline;           /* flag n: newline-sensitive */
	const struct textloc *loc;
	struct strbuf out;     /* the ERE */
	int ngroups;           /* glibc groups emitted */
	int *capmap;           /* PostgreSQL capturing group -> glibc group */
	int ncap;
	size_t capalloc;
	int alt_var;           /* an alternation whose branches differ in length */
	int quant_cap;         /* a repeated, variable-length atom holding a group */
	char *err;             /* malloc'ed message, set on failure */
};

static int xerr(struct xlate *x, const char *msg)
{
	if (!x->err)
		x->err = xasprintf("invalid regular expression: %s", msg);
	return -1;
}

static int xrefuse(struct xlate *x, const char *what)
{
	if (!x->err)
		x->err = xasprintf("regular expression %s: drydock cannot run it exactly as PostgreSQL does", what);
	return -1;
}

/* A set of code point ranges and glibc class names (a bracket). */
struct cset {
	uint32_t (*r)[2];
	size_t n, alloc;
	const char *classes[16];
	int nclasses;
	const char *negname;   /* a complemented class (\D \S \W) in a bracket */
};

static void cset_add(struct cset *s, uint32_t lo, uint32_t hi)
{
	ALLOC_GROW(s->r, s->n + 1, s->alloc);
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
	s->n++;
}

static void cset_free(struct cset *s)
{
	free(s->r);
}

/* The case variants PostgreSQL's allcases() gives c: its lower and upper case. */
static void add_cases(struct xlate *x, struct cset *s, uint32_t c)
{
	uint32_t lc = textloc_lower(x->loc, c), uc = textloc_upper(x->loc, c);

	cset_add(s, lc, lc);
	if (uc != lc)
		cset_add(s, uc, uc);
}

/* Adds a named class: ASCII sets in the C locale, glibc's class otherwise. */
static int cset_class(struct xlate *x, struct cset *s, const char *name, int neg)
{
	static const char *const names[] = {
		"alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit", "word",
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(names); k++)
		if (!strcmp(name, names[k]))
			break;
	if (k == ARRAY_SIZE(names))
		return xerr(x, "invalid character class");
	/* case-insensitive: [:lower:] and [:upper:] are [:alpha:] (PostgreSQL's cclass) */
	if (x->icase && (k == 7 || k == 11))
		k = 1;
	name = names[k];
	if (neg) {
		/* only a bracket holding nothing but one of them is expressible */
		if (s->negname)
			return xrefuse(x, "with \\D, \\S or \\W and other items in one bracket");
		s->negname = name;
		return 0;
	}
	if (x->loc->ctype_c || !strcmp(name, "ascii")) {
		/* PostgreSQL's C locale: ASCII only */
		for (uint32_t c = 1; c < 128; c++) {
			int in;

			switch (k) {
			case 0: in = isalnum((int)c) != 0; break;
			case 1: in = isalpha((int)c) != 0; break;
			case 2: in = 1; break;
			case 3: in = c == ' ' || c == '\t'; break;
			case 4: in = iscntrl((int)c) != 0; break;
			case 5: in = isdigit((int)c) != 0; break;
			case 6: in = isgraph((int)c) != 0; break;
			case 7: in = islower((int)c) != 0; break;
			case 8: in = isprint((int)c) != 0; break;
			case 9: in = ispunct((int)c) != 0; break;
			case 10: in = isspace((int)c) != 0; break;
			case 11: in = isupper((int)c) != 0; break;
			case 12: in = isxdigit((int)c) != 0; break;
			default: in = isalnum((int)c) || c == '_'; break;
			}
			if (in)
				cset_add(s, c, c);
		}
		return 0;
	}
	if (!strcmp(name, "word")) {
		cset_add(s, '_', '_');
		name = "alnum";
	}
	if (s->nclasses >= (int)ARRAY_SIZE(s->classes))
		return xrefuse(x, "with this many classes in one bracket");
	s->classes[s->nclasses++] = name;
	return 0;
}


static int is_special_in_bracket(uint32_t c)
{
	return c == ']' || c == '[' || c == '-' || c == '^';
}

static int cmp_range(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/*
 * Emits the bracket of s (negated: its complement) in glibc's syntax,
 * where ']' must come first, '-' last, '^' not first and '[' never
 * before '.', ':' or '='.
 */
static int emit_cset(struct xlate *x, struct cset *s, int negated)
{
	struct strbuf body = STRBUF_INIT;
	int has_close = 0, has_open = 0, has_dash = 0, has_caret = 0;
	size_t m = 0, listed = 0;

	if (s->n) {
		qsort(s->r, s->n, sizeof(s->r[0]), cmp_range);
		for (size_t i = 1; i < s->n; i++) {
			if (s->r[i][0] <= s->r[m][1] + 1) {
				if (s->r[i][1] > s->r[m][1])
					s->r[m][1] = s->r[i][1];
			} else {
				m++;
				s->r[m][0] = s->r[i][0];
				s->r[m][1] = s->r[i][1];
			}
		}
		m++;
	}
	for (size_t i = 0; i < m; i++)
		if (s->r[i][1] >= 128)
			listed += s->r[i][1] - (s->r[i][0] < 128 ? 128 : s->r[i][0]) + 1;
	if (listed > 0x30000)
		return xrefuse(x, "with a bracket of this many non-ASCII characters");
	for (size_t i = 0; i < m; i++) {
		uint32_t lo = s->r[i][0], hi = s->r[i][1];

		while (lo <= hi) {
			uint32_t e = lo;

			if (is_special_in_bracket(lo)) {
				has_close |= lo == ']';
				has_open |= lo == '[';
				has_dash |= lo == '-';
				has_caret |= lo == '^';
				lo++;
				continue;
			}
			while (e < hi && !is_special_in_bracket(e + 1))
				e++;
			if (lo >= 128) {
				/* glibc's C.UTF-8 has no ranges beyond ASCII: list them */
				for (uint32_t c = lo; c <= e; c++)
					u8_add(&body, c);
			} else if (e >= 128) {
				e = 127;
				u8_add(&body, lo);
				if (e > lo + 1)
					sb_addch(&body, '-');
				if (e > lo)
					u8_add(&body, e);
			} else {
				u8_add(&body, lo);
				if (e > lo) {
					if (e > lo + 1)
						sb_addch(&body, '-');
					u8_add(&body, e);
				}
			}
			lo = e + 1;
		}
	}
	for (int i = 0; i < s->nclasses; i++)
		sb_addf(&body, "[:%s:]", s->classes[i]);
	if (has_open)
		sb_addch(&body, '[');
	if (!negated && has_caret && !body.len && !has_close && !has_dash) {
		/* a bracket of '^' alone */
		sb_adds(&x->out, "\\^");
		sb_release(&body);
		return 0;
	}
	if (has_caret && !body.len && !has_close && !negated) {
		sb_adds(&body, "-^");
		has_dash = 0;
	} else if (has_caret) {
		sb_addch(&body, '^');
	}
	if (has_dash)
		sb_addch(&body, '-');
	sb_addch(&x->out, '[');
	if (negated)
		sb_addch(&x->out, '^');
	if (has_close)
		sb_addch(&x->out, ']');
	sb_add(&x->out, body.buf, body.len);
	sb_addch(&x->out, ']');
	sb_release(&body);
	return 0;
}

static int at_end(struct xlate *x)
{
	return x->i >= x->n;
}

static uint32_t peek(struct xlate *x, size_t k)
{
	return x->i + k < x->n ? x->p[x->i + k] : 0;
}

static int hexdigit(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/*
 * An escape after the backslash at x->i.  Sets *c to the character, or
 * *cls to a class name (*neg for \D \S \W), or *anchor to '^'/'$'.
 * Returns 0, or -1 with x->err.
 */
static int parse_escape(struct xlate *x, int in_bracket, uint32_t *c,
			const char **cls, int *neg, int *anchor)
{
	uint32_t e;

	*cls = NULL;
	*neg = 0;
	*anchor = 0;
	x->i++;
	if (at_end(x))
		return xerr(x, "invalid escape \\ sequence");
	e = x->p[x->i++];
	if (e >= 128 || !isalnum((int)e)) {
		*c = e;
		return 0;
	}
	switch (e) {
	case 'a': *c = 7; return 0;
	case 'b': *c = 8; return 0;
	case 'B': *c = '\\'; return 0;
	case 'e': *c = 27; return 0;
	case 'f': *c = 12; return 0;
	case 'n': *c = 10; return 0;
	case 'r': *c = 13; return 0;
	case 't': *c = 9; return 0;
	case 'v': *c = 11; return 0;
	case 'c':
		if (at_end(x))
			return xerr(x, "invalid escape \\ sequence");
		*c = x->p[x->i++] & 0x1f;
		break;
	case 'u':
	case 'U':
	case 'x': {
		int want = e == 'u' ? 4 : e == 'U' ? 8 : 8, got = 0;
		uint64_t v = 0;

		while (got < want && !at_end(x) && hexdigit(x->p[x->i]) >= 0) {
			v = v * 16 + (uint64_t)hexdigit(x->p[x->i++]);
			got++;
		}
		if ((e != 'x' && got != want) || got == 0)
			return xerr(x, "invalid escape \\ sequence");
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return xerr(x, "invalid escape \\ sequence");
		*c = (uint32_t)v;
		break;
	}
	case '0': {
		uint32_t v = 0;
		int got = 0;

		while (got < 2 && !at_end(x) && x->p[x->i] >= '0' && x->p[x->i] <= '7') {
			v = v * 8 + (x->p[x->i++] - '0');
			got++;
		}
		*c = v;
		break;
	}
	case 'd': *cls = "digit"; return 0;
	case 's': *cls = "space"; return 0;
	case 'w': *cls = "word"; return 0;
	case 'D': *cls = "digit"; *neg = 1; return 0;
	case 'S': *cls = "space"; *neg = 1; return 0;
	case 'W': *cls = "word"; *neg = 1; return 0;
	case 'A':
	case 'Z':
		if (in_bracket)
			return xerr(x, "invalid escape \\ sequence");
		if (x->newline)
			return xrefuse(x, "\\A or \\Z with the newline-sensitive option");
		*anchor = e == 'A' ? '^' : '$';
		return 0;
	case 'm':
	case 'M':
	case 'y':
	case 'Y':
		if (in_bracket)
			return xerr(x, "invalid escape \\ sequence");
		return xrefuse(x, "word-boundary escapes (\\m \\M \\y \\Y)");
	default:
		if (e >= '1' && e <= '9') {
			if (in_bracket)
				return xerr(x, "invalid escape \\ sequence");
			return xrefuse(x, "back references");
		}
		return xerr(x, "invalid escape \\ sequence");
	}
	if (*c == 0)
		return xrefuse(x, "a NUL character");
	return 0;
}

static int cset_range(struct xlate *x, struct cset *s, uint32_t lo, uint32_t hi)
{
	if (lo > hi)
		return xerr(x, "invalid character range");
	cset_add(s, lo, hi);
	if (x->icase) {
		if (hi - lo >= 100000)
			return xrefuse(x, "a case-insensitive range this large");
		for (uint32_t c = lo; c <= hi; c++) {
			uint32_t lc = textloc_lower(x->loc, c), uc = textloc_upper(x->loc, c);

			if (lc != c)
				cset_add(s, lc, lc);
			if (uc != c)
				cset_add(s, uc, uc);
		}
	}
	return 0;
}

/* A bracket expression; x->i is just past '['. */
static int parse_bracket(struct xlate *x)
{
	struct cset s = { 0 };
	int negated = 0, first = 1, ret = -1;

	if (!at_end(x) && x->p[x->i] == '^') {
		negated = 1;
		x->i++;
	}
	for (;;) {
		uint32_t c, hi;
		const char *cls;
		int neg, anchor;

		if (at_end(x)) {
			xerr(x, "brackets [] not balanced");
			goto cleanup;
		}
		c = x->p[x->i];
		if (c == ']' && !first) {
			x->i++;
			break;
		}
		first = 0;
		if (c == '[' && (peek(x, 1) == ':' || peek(x, 1) == '.' || peek(x, 1) == '=')) {
			uint32_t kind = peek(x, 1);
			char name[32];
			size_t k = 0;

			if (kind == '.') {
				xrefuse(x, "collating elements ([. .])");
				goto cleanup;
			}
			if (kind == '=') {
				xrefuse(x, "equivalence classes ([= =])");
				goto cleanup;
			}
			x->i += 2;
			while (!at_end(x) && !(x->p[x->i] == ':' && peek(x, 1) == ']')) {
				if (k + 1 < sizeof(name) && x->p[x->i] < 128)
					name[k++] = (char)x->p[x->i];
				else
					k = sizeof(name);
				x->i++;
			}
			if (at_end(x)) {
				xerr(x, "brackets [] not balanced");
				goto cleanup;
			}
			x->i += 2;
			if (k >= sizeof(name)) {
				xerr(x, "invalid character class");
				goto cleanup;
			}
			name[k] = 0;
			if (cset_class(x, &s, name, 0) < 0)
				goto cleanup;
			if (!at_end(x) && x->p[x->i] == '-' && peek(x, 1) != ']') {
				xerr(x, "invalid character range");
				goto cleanup;
			}
			continue;
		}
		if (c == '\\') {
			if (parse_escape(x, 1, &c, &cls, &neg, &anchor) < 0)
				goto cleanup;
			if (cls) {
				if (cset_class(x, &s, cls, neg) < 0)
					goto cleanup;
				if (!at_end(x) && x->p[x->i] == '-' && peek(x, 1) != ']') {
					xerr(x, "invalid character range");
					goto cleanup;
				}
				continue;
			}
		} else {
			x->i++;
		}
		/* a range? */
		if (!at_end(x) && x->p[x->i] == '-' && peek(x, 1) != ']' && x->i + 1 < x->n) {
			x->i++;
			hi = x->p[x->i];
			if (hi == '\\') {
				if (parse_escape(x, 1, &hi, &cls, &neg, &anchor) < 0)
					goto cleanup;
				if (cls) {
					xerr(x, "invalid character range");
					goto cleanup;
				}
			} else if (hi == '[' && peek(x, 1) == '.') {
				xrefuse(x, "collating elements ([. .])");
				goto cleanup;
			} else {
				x->i++;
			}
			if (cset_range(x, &s, c, hi) < 0)
				goto cleanup;
			continue;
		}
		if (x->icase)
			add_cases(x, &s, c);
		else
			cset_add(&s, c, c);
	}
	if (s.negname) {
		struct cset t = { 0 };

		if (negated || s.n || s.nclasses || x->newline) {
			xrefuse(x, "with \\D, \\S or \\W and other items in one bracket");
			goto cleanup;
		}
		if (cset_class(x, &t, s.negname, 0) < 0) {
			cset_free(&t);
			goto cleanup;
		}
		ret = emit_cset(x, &t, 1);
		cset_free(&t);
	} else {
		ret = emit_cset(x, &s, negated);
	}
cleanup:
	cset_free(&s);
	return ret;
}

/* A literal character, as the bracket of its cases when case-insensitive. */
static int emit_literal(struct xlate *x, uint32_t c)
{
	if (x->icase && (textloc_lower(x->loc, c) != c || textloc_upper(x->loc, c) != c)) {
		struct cset s = { 0 };
		int ret;

		add_cases(x, &s, c);
		ret = emit_cset(x, &s, 0);
		cset_free(&s);
		return ret;
	}
	if (c < 128 && strchr(".[]()*+?{}|^$\\", (int)c))
		sb_addch(&x->out, '\\');
	u8_add(&x->out, c);
	return 0;
}

/*
 * \d \s \w and their complements.  With the newline-sensitive option
 * glibc keeps a newline out of every complemented bracket, but
 * PostgreSQL's \D \S \W still match one: add it back as an alternative
 * (in a group that captures nothing PostgreSQL sees).
 */
static int emit_class(struct xlate *x, const char *cls, int neg)
{
	struct cset s = { 0 };
	int ret = cset_class(x, &s, cls, 0);

	if (!ret && neg && x->newline && strcmp(cls, "space") != 0) {
		x->ngroups++;
		sb_addch(&x->out, '(');
		ret = emit_cset(x, &s, neg);
		sb_adds(&x->out, "|\n)");
	} else if (!ret) {
		ret = emit_cset(x, &s, neg);
	}
	cset_free(&s);
	return ret;
}

static int parse_regex(struct xlate *x, int depth, long *len);

/* Whether a quantifier starts at x->i. */
static int at_quantifier(struct xlate *x)
{
	uint32_t c;

	if (at_end(x))
		return 0;
	c = x->p[x->i];
	return c == '*' || c == '+' || c == '?' ||
	       (c == '{' && peek(x, 1) >= '0' && peek(x, 1) <= '9');
}

/*
 * A quantifier after an atom, if one follows.  *exact: none, or {m}
 * (*times = m); else the atom's length varies.
 */
static int parse_quantifier(struct xlate *x, int *exact, long *times)
{
	uint32_t c;

	*exact = 1;
	*times = 1;
	if (at_end(x))
		return 0;
	c = x->p[x->i];
	if (c == '*' || c == '+' || c == '?') {
		x->i++;
		sb_addch(&x->out, (int)c);
		*exact = 0;
	} else if (c == '{' && peek(x, 1) >= '0' && peek(x, 1) <= '9') {
		long m = 0, n;

		x->i++;
		while (!at_end(x) && x->p[x->i] >= '0' && x->p[x->i] <= '9') {
			m = m * 10 + (long)(x->p[x->i++] - '0');
			if (m > 1000)
				m = 1000;
		}
		n = m;
		if (!at_end(x) && x->p[x->i] == ',') {
			x->i++;
			n = -1;
			if (!at_end(x) && x->p[x->i] >= '0' && x->p[x->i] <= '9') {
				n = 0;
				while (!at_end(x) && x->p[x->i] >= '0' && x->p[x->i] <= '9') {
					n = n * 10 + (long)(x->p[x->i++] - '0');
					if (n > 1000)
						n = 1000;
				}
			}
		}
		if (at_end(x))
			return xerr(x, "braces {} not balanced");
		if (x->p[x->i] != '}')
			return xerr(x, "invalid repetition count(s)");
		x->i++;
		if (m > 255 || n > 255 || (n >= 0 && m > n))
			return xerr(x, "invalid repetition count(s)");
		if (n == m) {
			sb_addf(&x->out, "{%ld}", m);
			*times = m;
		} else if (n < 0) {
			sb_addf(&x->out, "{%ld,}", m);
			*exact = 0;
		} else {
			sb_addf(&x->out, "{%ld,%ld}", m, n);
			*exact = 0;
		}
	} else {
		return 0;
	}
	if (!at_end(x) && x->p[x->i] == '?')
		return xrefuse(x, "non-greedy quantifiers");
	if (at_quantifier(x))
		return xerr(x, "quantifier operand invalid");
	return 0;
}

/* One branch; *len its length in characters when fixed, else -1. */
static int parse_branch(struct xlate *x, int depth, long *len)
{
	*len = 0;
	while (!at_end(x)) {
		uint32_t c = x->p[x->i];
		int quantifiable = 1, exact, caps_before = x->ncap;
		long alen = 1, times;

		if (c == '|' || c == ')')
			break;
		if (at_quantifier(x))
			return xerr(x, "quantifier operand invalid");
		if (c == '(') {
			int capturing = 1;

			x->i++;
			if (!at_end(x) && x->p[x->i] == '?') {
				uint32_t k = peek(x, 1);

				if (k == ':') {
					capturing = 0;
					x->i += 2;
				} else if (k == '=' || k == '!' || k == '<') {
					return xrefuse(x, "lookahead and lookbehind constraints");
				} else {
					return xrefuse(x, "embedded options");
				}
			}
			x->ngroups++;
			if (capturing) {
				ALLOC_GROW(x->capmap, (size_t)x->ncap + 1, x->capalloc);
				x->capmap[x->ncap++] = x->ngroups;
			}
			sb_addch(&x->out, '(');
			if (parse_regex(x, depth + 1, &alen) < 0)
				return -1;
			if (at_end(x) || x->p[x->i] != ')')
				return xerr(x, "parentheses () not balanced");
			x->i++;
			sb_addch(&x->out, ')');
		} else if (c == '[') {
			x->i++;
			if (parse_bracket(x) < 0)
				return -1;
		} else if (c == '.') {
			x->i++;
			sb_addch(&x->out, '.');
		} else if (c == '^' || c == '$') {
			x->i++;
			sb_addch(&x->out, (int)c);
			quantifiable = 0;
		} else if (c == '\\') {
			uint32_t ch;
			const char *cls;
			int neg, anchor;

			if (parse_escape(x, 0, &ch, &cls, &neg, &anchor) < 0)
				return -1;
			if (anchor) {
				sb_addch(&x->out, anchor);
				quantifiable = 0;
			} else if (cls) {
				if (emit_class(x, cls, neg) < 0)
					return -1;
			} else {
				if (emit_literal(x, ch) < 0)
					return -1;
			}
		} else {
			x->i++;
			if (emit_literal(x, c) < 0)
				return -1;
		}
		if (!quantifiable) {
			if (at_quantifier(x))
				return xerr(x, "quantifier operand invalid");
			continue;
		}
		if (parse_quantifier(x, &exact, &times) < 0)
			return -1;
		if (!exact && x->ncap > caps_before && alen < 0)
			x->quant_cap = 1;
		if (!exact || alen < 0)
			alen = -1;
		else
			alen *= times;
		if (*len >= 0)
			*len = alen < 0 ? -1 : *len + alen;
	}
	return 0;
}

static int parse_regex(struct xlate *x, int depth, long *len)
{
	long blen;

	if (parse_branch(x, depth, len) < 0)
		return -1;
	while (!at_end(x) && x->p[x->i] == '|') {
		x->i++;
		sb_addch(&x->out, '|');
		if (parse_branch(x, depth, &blen) < 0)
			return -1;
		if (blen < 0 || blen != *len) {
			x->alt_var = 1;
			*len = -1;
		}
	}
	if (depth == 0 && !at_end(x))
		return xerr(x, "parentheses () not balanced");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Compiled patterns                                                   */
/* ------------------------------------------------------------------ */

struct pgre {
	regex_t re;
	int ncap;               /* PostgreSQL's capturing groups */
	int unsafe_caps;        /* glibc may place the groups differently */
	int *capmap;            /* glibc's group for each */
	size_t nsub;            /* glibc's groups */
	locale_t mloc;          /* the locale glibc matches in */
	/* the cache key */
	char *pattern;
	size_t plen;
	int icase;
	const struct textloc *loc;
};

static void pgre_free(void *p)
{
	struct pgre *r = p;

	if (!r)
		return;
	regfree(&r->re);
	free(r->capmap);
	free(r->pattern);
	free(r);
}

/*
 * Option letters into a mode (RX_ICASE, RX_NEWLINE, RX_QUOTE) and *glob:
 * 0, or -1 with *why (malloc'ed).  Later letters override earlier ones.
 */
#define RX_ICASE 1
#define RX_NEWLINE 2
#define RX_QUOTE 4

static int parse_flags(const char *flags, size_t n, int allow_g, int *mode, int *glob,
		       const char *fname, char **why)
{
	*mode = 0;
	*glob = 0;
	for (size_t i = 0; i < n; i++) {
		switch (flags[i]) {
		case 'g':
			*glob = 1;
			break;
		case 'i':
			*mode |= RX_ICASE;
			break;
		case 'c':
			*mode &= ~RX_ICASE;
			break;
		case 'n':
		case 'm':
			*mode |= RX_NEWLINE;
			break;
		case 's':
			*mode &= ~RX_NEWLINE;
			break;
		case 'q':
			*mode |= RX_QUOTE;
			break;
		case 't':
			break;
		case 'b': case 'e': case 'p': case 'w': case 'x':
			*why = xasprintf("regular expression option \"%c\": drydock cannot run it exactly as PostgreSQL does",
					 flags[i]);
			return -1;
		default:
			*why = xasprintf("invalid regular expression option: \"%.*s\"",
					 u8_seqlen((unsigned char)flags[i]), flags + i);
			return -1;
		}
	}
	if (*glob && !allow_g) {
		*why = xasprintf("%s does not support the \"global\" option", fname ? fname : "this function");
		return -1;
	}
	return 0;
}

/* Translates and compiles; NULL with *why (malloc'ed) on failure. */
static struct pgre *pgre_compile(const char *pat, size_t plen, int icase,
				 const struct textloc *loc, char **why)
{
	struct xlate x = { 0 };
	struct pgre *r = NULL;
	uint32_t *cps = xmalloc((plen + 1) * sizeof(uint32_t));
	size_t n = 0, i = 0;
	locale_t mloc, old;
	int rc;

	while (i < plen)
		cps[n++] = u8_decode((const unsigned char *)pat, plen, &i);
	x.p = cps;
	x.n = n;
	x.icase = (icase & RX_ICASE) != 0;
	x.newline = (icase & RX_NEWLINE) != 0;
	x.loc = loc;
	sb_init(&x.out, plen * 2 + 8);
	if (icase & RX_QUOTE) {
		for (size_t k = 0; k < n && !x.err; k++)
			emit_literal(&x, cps[k]);
		x.i = n;
	} else if (n >= 4 && cps[0] == '*' && cps[1] == '*' && cps[2] == '*') {
		if (cps[3] == ':') {
			x.i = 4;
		} else if (cps[3] == '=') {
			for (size_t k = 4; k < n; k++)
				emit_literal(&x, cps[k]);
			x.i = n;
		}
	}
	if (!x.err && x.i < n) {
		long len;

		parse_regex(&x, 0, &len);
	}
	if (x.err) {
		*why = x.err;
		goto cleanup;
	}
	mloc = loc->ctype_c ? textloc_utf8() : loc->ctype;
	if (!mloc) {
		*why = xstrdup("regular expressions need the C.UTF-8 locale, which this machine lacks");
		goto cleanup;
	}
	r = xcalloc(1, sizeof(*r));
	old = uselocale(mloc);
	rc = regcomp(&r->re, x.out.buf, REG_EXTENDED | (x.newline ? REG_NEWLINE : 0));
	uselocale(old);
	if (rc != 0) {
		char msg[200];

		regerror(rc, &r->re, msg, sizeof(msg));
		*why = xasprintf("invalid regular expression: %s", msg);
		free(r);
		r = NULL;
		goto cleanup;
	}
	r->mloc = mloc;
	r->ncap = x.ncap;
	r->unsafe_caps = x.ncap > 0 && (x.alt_var || x.quant_cap);
	r->capmap = x.capmap;
	x.capmap = NULL;
	r->nsub = r->re.re_nsub;
	r->pattern = xstrndup(pat, plen);
	r->plen = plen;
	r->icase = icase;
	r->loc = loc;
cleanup:
	free(x.capmap);
	sb_release(&x.out);
	free(cps);
	return r;
}

#define CAPS_REFUSAL "regular expression capture groups around alternatives or repetitions " \
	"of differing lengths: drydock cannot run it exactly as PostgreSQL does"

int pgfn_regex_check(const char *pattern, const char *flags, int allow_g,
		     int uses_captures, char **why)
{
	struct pgre *r;
	int icase, glob;

	*why = NULL;
	if (parse_flags(flags ? flags : "", flags ? strlen(flags) : 0, allow_g, &icase, &glob,
			NULL, why) < 0)
		return -1;
	r = pgre_compile(pattern, strlen(pattern), icase, textloc_c(), why);
	if (!r)
		return -1;
	if (uses_captures && r->unsafe_caps) {
		pgre_free(r);
		*why = xstrdup(CAPS_REFUSAL);
		return -1;
	}
	pgre_free(r);
	return 0;
}

/*
 * The compiled pattern of argument pi with case-insensitivity icase, from
 * a small process-wide cache (PostgreSQL keeps 32 too): valid until the
 * next get_re.  NULL after setting the error.
 */
#define RE_CACHE 32
static struct pgre *re_cache[RE_CACHE];
static unsigned re_cache_next;

static struct pgre *get_re(sqlite3_context *ctx, sqlite3_value **argv, int pi,
			   int icase)
{
	const struct textloc *loc = ctx_loc(ctx);
	struct pgre *r;
	const char *pat;
	size_t plen;
	char *why = NULL;

	pat = arg_text(argv, pi, &plen);
	for (int k = 0; k < RE_CACHE; k++) {
		r = re_cache[k];
		if (r && r->icase == icase && r->loc == loc && r->plen == plen &&
		    !memcmp(r->pattern, pat, plen))
			return r;
	}
	r = pgre_compile(pat, plen, icase, loc, &why);
	if (!r) {
		pgfn_error(ctx, "%s", why);
		free(why);
		return NULL;
	}
	pgre_free(re_cache[re_cache_next]);
	re_cache[re_cache_next] = r;
	re_cache_next = (re_cache_next + 1) % RE_CACHE;
	return r;
}

/*
 * Runs r on s (n bytes, NUL-terminated) from byte start.  1 with m[]
 * (r->nsub + 1 entries) filled, or 0.
 */
static int re_exec(struct pgre *r, const char *s, size_t n, size_t start, regmatch_t *m)
{
	locale_t old = uselocale(r->mloc);
	int rc;

	m[0].rm_so = (regoff_t)start;
	m[0].rm_eo = (regoff_t)n;
	rc = regexec(&r->re, s, r->nsub + 1, m, REG_STARTEND);
	uselocale(old);
	return rc == 0;
}

/* Flags argument fi (if present): 0, or -1 after setting the error. */
static int get_flags(sqlite3_context *ctx, int argc, sqlite3_value **argv, int fi,
		     int allow_g, const char *fname, int *icase, int *glob)
{
	char *why = NULL;
	const char *f = "";
	size_t fn = 0;

	if (fi < argc)
		f = arg_text(argv, fi, &fn);
	if (parse_flags(f, fn, allow_g, icase, glob, fname, &why) < 0) {
		pgfn_error(ctx, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Regular expression functions                                        */
/* ------------------------------------------------------------------ */

static void regex_match_op(sqlite3_context *ctx, int argc, sqlite3_value **argv,
			   int icase, int negate)
{
	struct pgre *r;
	regmatch_t *m;
	const char *s;
	size_t n;

	STRICT();
	r = get_re(ctx, argv, 1, icase);
	if (!r)
		return;
	s = arg_text(argv, 0, &n);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	sqlite3_result_int(ctx, re_exec(r, s, n, 0, m) != negate);
	free(m);
}

static void fn_textregexeq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	regex_match_op(ctx, argc, argv, 0, 0);
}

static void fn_textregexne(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	regex_match_op(ctx, argc, argv, 0, 1);
}

static void fn_texticregexeq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	regex_match_op(ctx, argc, argv, 1, 0);
}

static void fn_texticregexne(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	regex_match_op(ctx, argc, argv, 1, 1);
}

/* regexp_like(string, pattern [, flags]) */
static void fn_regexp_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int icase, glob;

	STRICT();
	if (get_flags(ctx, argc, argv, 2, 0, "regexp_like()", &icase, &glob) < 0)
		return;
	regex_match_op(ctx, 2, argv, icase, 0);
}

/* Byte length of the character at s[i] (1 past the end). */
static size_t char_at(const char *s, size_t n, size_t i)
{
	size_t l = (size_t)u8_seqlen((unsigned char)s[i]);

	return i + l > n ? 1 : l;
}

/* regexp_replace(source, pattern, replacement [, flags]) */
/*
 * replace_text_regexp(): replaces the nth match (0: every match) found
 * from byte start_at on.  argv: source, pattern, replacement.
 */
static void regexp_replace(sqlite3_context *ctx, sqlite3_value **argv, int mode,
			   size_t start_chars, long nth)
{
	struct strbuf out = STRBUF_INIT;
	struct pgre *r;
	regmatch_t *m;
	const char *s, *rep;
	char *repc;
	size_t n, rn, data_pos = 0, start;
	long count = 0;

	r = get_re(ctx, argv, 1, mode);
	if (!r)
		return;
	rep = arg_text(argv, 2, &rn);
	repc = xstrndup(rep, rn);
	if (r->unsafe_caps)
		for (size_t k = 0; k + 1 < rn; k++) {
			if (repc[k] == '\\' && repc[k + 1] >= '1' && repc[k + 1] <= '9') {
				pgfn_error(ctx, "%s", CAPS_REFUSAL);
				free(repc);
				return;
			}
			if (repc[k] == '\\')
				k++;
		}
	s = arg_text(argv, 0, &n);
	start = u8_offset((const unsigned char *)s, n, start_chars);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	while (start <= n && re_exec(r, s, n, start, m)) {
		size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;

		count++;
		if (nth == 0 || count == nth) {
			sb_add(&out, s + data_pos, so - data_pos);
			/* the replacement: \1..\9 groups, \& the match, \\ a backslash */
			for (size_t k = 0; k < rn; k++) {
				char c = repc[k];

				if (c != '\\' || k + 1 >= rn) {
					sb_addch(&out, c);
					continue;
				}
				c = repc[k + 1];
				if (c >= '1' && c <= '9') {
					int g = c - '0';

					if (g <= r->ncap) {
						regmatch_t *gm = &m[r->capmap[g - 1]];

						if (gm->rm_so >= 0 && gm->rm_eo >= 0)
							sb_add(&out, s + gm->rm_so, (size_t)(gm->rm_eo - gm->rm_so));
					}
					k++;
				} else if (c == '&') {
					sb_add(&out, s + so, eo - so);
					k++;
				} else if (c == '\\') {
					sb_addch(&out, '\\');
					k++;
				} else {
					sb_addch(&out, '\\');
				}
			}
			data_pos = eo;
			if (nth > 0)
				break;
		}
		start = eo;
		if (so == eo) {
			if (eo >= n)
				break;
			start += char_at(s, n, eo);
		}
	}
	sb_add(&out, s + data_pos, n - data_pos);
	free(m);
	free(repc);
	result_sb(ctx, &out);
}

/* regexp_replace(source, pattern, replacement [, flags]) */
static void fn_regexp_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int mode, glob;

	STRICT();
	if (get_flags(ctx, argc, argv, 3, 1, NULL, &mode, &glob) < 0)
		return;
	regexp_replace(ctx, argv, mode, 0, glob ? 0 : 1);
}

/* A start or count argument: >= min, else PostgreSQL's error.  0 or -1. */
static int int_param(sqlite3_context *ctx, sqlite3_value **argv, int i, int min,
		     const char *name, long *out)
{
	sqlite3_int64 v = sqlite3_value_int64(argv[i]);

	if (v < min) {
		pgfn_error(ctx, "invalid value for parameter \"%s\": %lld", name, (long long)v);
		return -1;
	}
	*out = (long)v;
	return 0;
}

/* regexp_replace(source, pattern, replacement, start [, N [, flags]]) */
static void fn_regexp_replace_start(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long start, nth = 1;
	int mode, glob;

	STRICT();
	if (int_param(ctx, argv, 3, 1, "start", &start) < 0)
		return;
	if (argc > 4 && int_param(ctx, argv, 4, 0, "n", &nth) < 0)
		return;
	/* with N given, "g" is accepted and ignored */
	if (get_flags(ctx, argc, argv, 5, 1, NULL, &mode, &glob) < 0)
		return;
	regexp_replace(ctx, argv, mode, (size_t)start - 1, nth);
}
static int needs_array_quotes(const char *s, size_t n)
{
	if (n == 0 || (n == 4 && !strncasecmp(s, "NULL", 4)))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (strchr("{},\"\\ \t\n\r\v\f", s[i]) && s[i])
			return 1;
	return 0;
}

void text_array_out(struct strbuf *out, char *const *elems, const size_t *lens, size_t n)
{
	sb_addch(out, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addch(out, ',');
		if (!elems[i]) {
			sb_adds(out, "NULL");
			continue;
		}
		if (!needs_array_quotes(elems[i], lens[i])) {
			sb_add(out, elems[i], lens[i]);
			continue;
		}
		sb_addch(out, '"');
		for (size_t k = 0; k < lens[i]; k++) {
			if (elems[i][k] == '"' || elems[i][k] == '\\')
				sb_addch(out, '\\');
			sb_addch(out, elems[i][k]);
		}
		sb_addch(out, '"');
	}
	sb_addch(out, '}');
}

/* The text[] of one match: its groups, or the whole match when it has none. */
static void match_array(struct pgre *r, const char *s, regmatch_t *m, struct strbuf *out)
{
	int k = r->ncap ? r->ncap : 1;
	char **el = xcalloc((size_t)k, sizeof(*el));
	size_t *len = xcalloc((size_t)k, sizeof(*len));

	for (int g = 0; g < k; g++) {
		regmatch_t *gm = r->ncap ? &m[r->capmap[g]] : &m[0];

		if (gm->rm_so >= 0 && gm->rm_eo >= 0) {
			el[g] = (char *)s + gm->rm_so;
			len[g] = (size_t)(gm->rm_eo - gm->rm_so);
		}
	}
	text_array_out(out, el, len, (size_t)k);
	free(el);
	free(len);
}

/* regexp_match(string, pattern [, flags]): text[] of the groups, or NULL. */
static void fn_regexp_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	struct pgre *r;
	regmatch_t *m;
	const char *s;
	size_t n;
	int icase, glob;

	STRICT();
	if (get_flags(ctx, argc, argv, 2, 0, "regexp_match()", &icase, &glob) < 0)
		return;
	r = get_re(ctx, argv, 1, icase);
	if (!r)
		return;
	if (r->unsafe_caps) {
		pgfn_error(ctx, "%s", CAPS_REFUSAL);
		return;
	}
	s = arg_text(argv, 0, &n);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	if (!re_exec(r, s, n, 0, m)) {
		sqlite3_result_null(ctx);
	} else {
		match_array(r, s, m, &out);
		result_sb(ctx, &out);
	}
	free(m);
}

/*
 * The pieces regexp_split_* cut s into: between the matches found
 * globally, skipping degenerate ones (empty, at either end, or right after
 * a match), as setup_regexp_matches() does.  *npieces pairs of (start, len).
 */
static size_t *split_pieces(struct pgre *r, const char *s, size_t n, size_t *npieces)
{
	regmatch_t *m = xmalloc((r->nsub + 1) * sizeof(*m));
	size_t *pc = NULL, np = 0, alloc = 0;
	size_t start = 0, prev_match_end = 0, piece = 0;

	while (re_exec(r, s, n, start, m)) {
		size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;

		if (so < n && eo > prev_match_end) {
			ALLOC_GROW(pc, 2 * np + 2, alloc);
			pc[2 * np] = piece;
			pc[2 * np + 1] = so - piece;
			np++;
			piece = eo;
		}
		prev_match_end = eo;
		start = eo;
		if (so == eo) {
			if (eo >= n)
				break;
			start += char_at(s, n, eo);
		}
		if (start > n)
			break;
	}
	ALLOC_GROW(pc, 2 * np + 2, alloc);
	pc[2 * np] = piece;
	pc[2 * np + 1] = n - piece;
	np++;
	free(m);
	*npieces = np;
	return pc;
}

/* regexp_split_to_array(string, pattern [, flags]) */
static void fn_regexp_split_to_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct strbuf out = STRBUF_INIT;
	struct pgre *r;
	const char *s;
	char **el;
	size_t *len, *pc, np, n;
	int icase, glob;

	STRICT();
	if (get_flags(ctx, argc, argv, 2, 0, "regexp_split_to_array()", &icase, &glob) < 0)
		return;
	r = get_re(ctx, argv, 1, icase);
	if (!r)
		return;
	s = arg_text(argv, 0, &n);
	pc = split_pieces(r, s, n, &np);
	el = xcalloc(np, sizeof(*el));
	len = xcalloc(np, sizeof(*len));
	for (size_t i = 0; i < np; i++) {
		el[i] = (char *)s + pc[2 * i];
		len[i] = pc[2 * i + 1];
	}
	text_array_out(&out, el, len, np);
	free(el);
	free(len);
	free(pc);
	result_sb(ctx, &out);
}

/* ------------------------------------------------------------------ */
/* Set-returning functions                                             */
/* ------------------------------------------------------------------ */

/*
 * Table-valued functions have no connection to ask for its locale; they
 * follow the one pgfn_text_set_locale() set last in this process.
 */
static const struct textloc *srf_loc;

void textloc_set_srf(const struct textloc *l)
{
	srf_loc = l;
}

/* The pattern of a table-valued call; NULL after srf_set_error. */
static struct pgre *srf_re(sqlite3_value **args, int nargs, int allow_g, const char *fname,
			   struct srf_rows *rows, int *glob)
{
	struct pgre *r;
	const char *f = "", *pat;
	size_t fn = 0, plen;
	char *why = NULL;
	int mode;

	if (nargs > 2 && args[2] && sqlite3_value_type(args[2]) != SQLITE_NULL) {
		f = (const char *)sqlite3_value_text(args[2]);
		fn = (size_t)sqlite3_value_bytes(args[2]);
	}
	if (parse_flags(f, fn, allow_g, &mode, glob, fname, &why) < 0) {
		srf_set_error(rows, why);
		free(why);
		return NULL;
	}
	pat = (const char *)sqlite3_value_text(args[1]);
	plen = (size_t)sqlite3_value_bytes(args[1]);
	r = pgre_compile(pat ? pat : "", plen, mode, srf_loc ? srf_loc : textloc_c(), &why);
	if (!r) {
		srf_set_error(rows, why);
		free(why);
	}
	return r;
}

/* regexp_matches(string, pattern [, flags]): a text[] row per match. */
static void fill_regexp_matches(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	struct strbuf out = STRBUF_INIT;
	struct pgre *r;
	regmatch_t *m;
	const char *s;
	size_t n, start = 0;
	int glob;

	if (nargs < 2 || sqlite3_value_type(args[0]) == SQLITE_NULL ||
	    sqlite3_value_type(args[1]) == SQLITE_NULL)
		return;
	r = srf_re(args, nargs, 1, NULL, rows, &glob);
	if (!r)
		return;
	if (r->unsafe_caps) {
		srf_set_error(rows, CAPS_REFUSAL);
		pgre_free(r);
		return;
	}
	s = (const char *)sqlite3_value_text(args[0]);
	n = (size_t)sqlite3_value_bytes(args[0]);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	while (start <= n && re_exec(r, s, n, start, m)) {
		size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;

		sb_reset(&out);
		match_array(r, s, m, &out);
		srf_set_text(srf_add_row(rows), out.buf, out.len);
		if (!glob)
			break;
		start = eo;
		if (so == eo) {
			if (eo >= n)
				break;
			start += char_at(s, n, eo);
		}
	}
	free(m);
	sb_release(&out);
	pgre_free(r);
}

/* regexp_split_to_table(string, pattern [, flags]): a row per piece. */
static void fill_regexp_split_to_table(sqlite3_value **args, int nargs, struct srf_rows *rows)
{
	struct pgre *r;
	const char *s;
	size_t n, np, *pc;
	int glob;

	if (nargs < 2 || sqlite3_value_type(args[0]) == SQLITE_NULL ||
	    sqlite3_value_type(args[1]) == SQLITE_NULL)
		return;
	r = srf_re(args, nargs, 0, "regexp_split_to_table()", rows, &glob);
	if (!r)
		return;
	s = (const char *)sqlite3_value_text(args[0]);
	n = (size_t)sqlite3_value_bytes(args[0]);
	pc = split_pieces(r, s, n, &np);
	for (size_t i = 0; i < np; i++)
		srf_set_text(srf_add_row(rows), s + pc[2 * i], pc[2 * i + 1]);
	free(pc);
	pgre_free(r);
}

static const struct srf_def text_srfs[] = {
	{ "pg_regexp_matches", "regexp_matches", "string,pattern,flags", 2, fill_regexp_matches },
	{ "pg_regexp_split_to_table", "regexp_split_to_table", "string,pattern,flags", 2,
	  fill_regexp_split_to_table },
};

int textfn_register_srfs(sqlite3 *db)
{
	for (size_t i = 0; i < ARRAY_SIZE(text_srfs); i++)
		if (srf_register(db, &text_srfs[i]) != SQLITE_OK)
			return SQLITE_ERROR;
	return SQLITE_OK;
}

/*
 * The matches of argv[1] in argv[0] from character start (0-based), as
 * setup_regexp_matches() finds them globally.  Calls found() for each
 * until it returns nonzero.  0, or -1 after setting an error.
 */
static int each_match(sqlite3_context *ctx, sqlite3_value **argv, int mode, size_t start_chars,
		      struct pgre **rp, int (*found)(void *arg, const char *s, regmatch_t *m),
		      void *arg)
{
	struct pgre *r;
	regmatch_t *m;
	const char *s;
	size_t n, start;

	r = get_re(ctx, argv, 1, mode);
	if (!r)
		return -1;
	*rp = r;
	s = arg_text(argv, 0, &n);
	start = u8_offset((const unsigned char *)s, n, start_chars);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	while (start <= n && re_exec(r, s, n, start, m)) {
		size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;

		if (found(arg, s, m))
			break;
		start = eo;
		if (so == eo) {
			if (eo >= n)
				break;
			start += char_at(s, n, eo);
		}
	}
	free(m);
	return 0;
}

struct nth_match {
	long want, seen;
	size_t nsub;
	regmatch_t *m;       /* a copy of the wanted match */
	int got;
};

static int count_match(void *arg, const char *s, regmatch_t *m)
{
	struct nth_match *nm = arg;

	(void)s;
	(void)m;
	nm->seen++;
	return 0;
}

static int take_nth(void *arg, const char *s, regmatch_t *m)
{
	struct nth_match *nm = arg;

	(void)s;
	if (++nm->seen < nm->want)
		return 0;
	memcpy(nm->m, m, (nm->nsub + 1) * sizeof(*m));
	nm->got = 1;
	return 1;
}

/* regexp_count(string, pattern [, start [, flags]]) */
static void fn_regexp_count(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nth_match nm = { 0 };
	struct pgre *r;
	long start = 1;
	int mode, glob;

	STRICT();
	if (argc > 2 && int_param(ctx, argv, 2, 1, "start", &start) < 0)
		return;
	if (get_flags(ctx, argc, argv, 3, 0, "regexp_count()", &mode, &glob) < 0)
		return;
	if (each_match(ctx, argv, mode, (size_t)start - 1, &r, count_match, &nm) < 0)
		return;
	sqlite3_result_int64(ctx, nm.seen);
}

/*
 * The nth match from start for regexp_substr/regexp_instr: 1 with nm->m
 * filled, 0 when there is none, -1 after an error.  sub: the group asked
 * for (0 the whole match).
 */
static int nth_match(sqlite3_context *ctx, sqlite3_value **argv, int mode, long start,
		     long nth, long sub, struct nth_match *nm, struct pgre **rp)
{
	struct pgre *r = get_re(ctx, argv, 1, mode);

	if (!r)
		return -1;
	if (sub > 0 && r->unsafe_caps) {
		pgfn_error(ctx, "%s", CAPS_REFUSAL);
		return -1;
	}
	nm->want = nth;
	nm->nsub = r->nsub;
	nm->m = xmalloc((r->nsub + 1) * sizeof(regmatch_t));
	if (each_match(ctx, argv, mode, (size_t)start - 1, rp, take_nth, nm) < 0)
		return -1;
	if (!nm->got || sub > r->ncap)
		return 0;
	return 1;
}

/* regexp_substr(string, pattern [, start [, N [, flags [, subexpr]]]]) */
static void fn_regexp_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nth_match nm = { 0 };
	struct pgre *r = NULL;
	long start = 1, nth = 1, sub = 0;
	int mode, glob, found;

	STRICT();
	if ((argc > 2 && int_param(ctx, argv, 2, 1, "start", &start) < 0) ||
	    (argc > 3 && int_param(ctx, argv, 3, 1, "n", &nth) < 0))
		return;
	if (get_flags(ctx, argc, argv, 4, 0, "regexp_substr()", &mode, &glob) < 0)
		return;
	if (argc > 5 && int_param(ctx, argv, 5, 0, "subexpr", &sub) < 0)
		return;
	found = nth_match(ctx, argv, mode, start, nth, sub, &nm, &r);
	if (found == 0) {
		sqlite3_result_null(ctx);
	} else if (found > 0) {
		regmatch_t *gm = sub ? &nm.m[r->capmap[sub - 1]] : &nm.m[0];
		const char *s;
		size_t n;

		s = arg_text(argv, 0, &n);
		if (gm->rm_so < 0 || gm->rm_eo < 0)
			sqlite3_result_null(ctx);
		else
			sqlite3_result_text64(ctx, s + gm->rm_so, (sqlite3_uint64)(gm->rm_eo - gm->rm_so),
					      SQLITE_TRANSIENT, SQLITE_UTF8);
	}
	free(nm.m);
}

/* regexp_instr(string, pattern [, start [, N [, endoption [, flags [, subexpr]]]]]) */
static void fn_regexp_instr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nth_match nm = { 0 };
	struct pgre *r = NULL;
	long start = 1, nth = 1, endopt = 0, sub = 0;
	int mode, glob, found;

	STRICT();
	if ((argc > 2 && int_param(ctx, argv, 2, 1, "start", &start) < 0) ||
	    (argc > 3 && int_param(ctx, argv, 3, 1, "n", &nth) < 0))
		return;
	if (argc > 4) {
		endopt = (long)sqlite3_value_int64(argv[4]);
		if (endopt != 0 && endopt != 1) {
			pgfn_error(ctx, "invalid value for parameter \"endoption\": %ld", endopt);
			return;
		}
	}
	if (get_flags(ctx, argc, argv, 5, 0, "regexp_instr()", &mode, &glob) < 0)
		return;
	if (argc > 6 && int_param(ctx, argv, 6, 0, "subexpr", &sub) < 0)
		return;
	found = nth_match(ctx, argv, mode, start, nth, sub, &nm, &r);
	if (found == 0) {
		sqlite3_result_int(ctx, 0);
	} else if (found > 0) {
		regmatch_t *gm = sub ? &nm.m[r->capmap[sub - 1]] : &nm.m[0];
		const char *s;
		size_t n;

		s = arg_text(argv, 0, &n);
		if (gm->rm_so < 0 || gm->rm_eo < 0)
			sqlite3_result_int(ctx, 0);
		else
			sqlite3_result_int64(ctx, (sqlite3_int64)u8_count((const unsigned char *)s,
				(size_t)(endopt ? gm->rm_eo : gm->rm_so)) + 1);
	}
	free(nm.m);
}

/* substring(string from pattern): the first group, else the whole match. */
static void regex_substr(sqlite3_context *ctx, sqlite3_value **argv, struct pgre *r)
{
	regmatch_t *m, *gm;
	const char *s;
	size_t n;

	s = arg_text(argv, 0, &n);
	m = xmalloc((r->nsub + 1) * sizeof(*m));
	if (!re_exec(r, s, n, 0, m)) {
		sqlite3_result_null(ctx);
	} else {
		gm = r->ncap ? &m[r->capmap[0]] : &m[0];
		if (gm->rm_so < 0 || gm->rm_eo < 0)
			sqlite3_result_null(ctx);
		else
			sqlite3_result_text64(ctx, s + gm->rm_so, (sqlite3_uint64)(gm->rm_eo - gm->rm_so),
					      SQLITE_TRANSIENT, SQLITE_UTF8);
	}
	free(m);
}

static void fn_textregexsubstr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgre *r;

	STRICT();
	r = get_re(ctx, argv, 1, 0);
	if (!r)
		return;
	if (r->unsafe_caps) {
		pgfn_error(ctx, "%s", CAPS_REFUSAL);
		return;
	}
	regex_substr(ctx, argv, r);
}

/* substring(string similar pattern escape esc) */
static void fn_similar_substring(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pgre *r;
	char *pat, *esc, *why = NULL, *re;
	const char *s;
	size_t n;

	STRICT();
	s = arg_text(argv, 1, &n);
	pat = xstrndup(s, n);
	s = arg_text(argv, 2, &n);
	esc = xstrndup(s, n);
	re = pgfn_similar_to_regex(pat, esc, &why);
	free(pat);
	free(esc);
	if (!re) {
		pgfn_error(ctx, "%s", why);
		free(why);
		return;
	}
	r = pgre_compile(re, strlen(re), 0, ctx_loc(ctx), &why);
	free(re);
	if (!r) {
		pgfn_error(ctx, "%s", why);
		free(why);
		return;
	}
	regex_substr(ctx, argv, r);
	pgre_free(r);
}

const struct textfn textfn_regex[] = {
	{ "pg_textlike", 2, 0, fn_textlike },
	{ "pg_textnlike", 2, 0, fn_textnlike },
	{ "pg_texticlike", 2, TF_LOCALE, fn_texticlike },
	{ "pg_texticnlike", 2, TF_LOCALE, fn_texticnlike },
	{ "pg_like_escape", 2, 0, fn_like_escape },
	{ "pg_similar_to_escape", 1, 0, fn_similar_to_escape },
	{ "pg_similar_to_escape", 2, 0, fn_similar_to_escape },
	{ "pg_textregexeq", 2, TF_LOCALE, fn_textregexeq },
	{ "pg_textregexne", 2, TF_LOCALE, fn_textregexne },
	{ "pg_texticregexeq", 2, TF_LOCALE, fn_texticregexeq },
	{ "pg_texticregexne", 2, TF_LOCALE, fn_texticregexne },
	{ "pg_regexp_like", 2, TF_LOCALE, fn_regexp_like },
	{ "pg_regexp_like", 3, TF_LOCALE, fn_regexp_like },
	{ "pg_regexp_replace", 3, TF_LOCALE, fn_regexp_replace },
	{ "pg_regexp_replace", 4, TF_LOCALE, fn_regexp_replace },
	{ "pg_regexp_match", 2, TF_LOCALE, fn_regexp_match },
	{ "pg_regexp_match", 3, TF_LOCALE, fn_regexp_match },
	{ "pg_regexp_split_to_array", 2, TF_LOCALE, fn_regexp_split_to_array },
	{ "pg_regexp_split_to_array", 3, TF_LOCALE, fn_regexp_split_to_array },
	{ "pg_regexp_count", 2, TF_LOCALE, fn_regexp_count },
	{ "pg_regexp_count", 3, TF_LOCALE, fn_regexp_count },
	{ "pg_regexp_count", 4, TF_LOCALE, fn_regexp_count },
	{ "pg_regexp_replace_start", 4, TF_LOCALE, fn_regexp_replace_start },
	{ "pg_regexp_replace_start", 5, TF_LOCALE, fn_regexp_replace_start },
	{ "pg_regexp_replace_start", 6, TF_LOCALE, fn_regexp_replace_start },
	{ "pg_regexp_substr", 2, TF_LOCALE, fn_regexp_substr },
	{ "pg_regexp_substr", 3, TF_LOCALE, fn_regexp_substr },
	{ "pg_regexp_substr", 4, TF_LOCALE, fn_regexp_substr },
	{ "pg_regexp_substr", 5, TF_LOCALE, fn_regexp_substr },
	{ "pg_regexp_substr", 6, TF_LOCALE, fn_regexp_substr },
	{ "pg_regexp_instr", 2, TF_LOCALE, fn_regexp_instr },
	{ "pg_regexp_instr", 3, TF_LOCALE, fn_regexp_instr },
	{ "pg_regexp_instr", 4, TF_LOCALE, fn_regexp_instr },
	{ "pg_regexp_instr", 5, TF_LOCALE, fn_regexp_instr },
	{ "pg_regexp_instr", 6, TF_LOCALE, fn_regexp_instr },
	{ "pg_regexp_instr", 7, TF_LOCALE, fn_regexp_instr },
	{ "pg_textregexsubstr", 2, TF_LOCALE, fn_textregexsubstr },
	{ "pg_similar_substring", 3, TF_LOCALE, fn_similar_substring },
};
const size_t textfn_regex_count = sizeof(textfn_regex) / sizeof(textfn_regex[0]);
