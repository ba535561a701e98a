/*
 * to_char of numbers and to_number: PostgreSQL 15's number templates
 * (fn_numeric_fmt.h).  to_number reads with the same parsed template
 * (num_reader, PostgreSQL's NUM_processor in its reading direction).
 *
 * to_char works in three steps, as in formatting.c:
 *   1. the template is parsed into nodes (keywords and literal characters)
 *      while a description of the number it asks for is gathered (digits
 *      before and after the point, sign placement, fill mode, V's shift);
 *      mistakes raise PostgreSQL's messages;
 *   2. each type turns its value into a digit string the width of the
 *      template (rounded to its decimals, shifted by V, '#'s where the
 *      integer part does not fit, Roman or scientific notation);
 *   3. the nodes are walked and print that string, the sign, the blanks
 *      and the literals.
 * Step 3 writes into a byte buffer exactly as PostgreSQL's C code does,
 * NULs included (SG without a sign, the digits of a shorter string):
 * PostgreSQL's text ends at the first NUL, and so does ours.
 */
#include "fn_numeric_fmt.h"
#include "fn_numeric.h"

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ============================================================ template */

enum numkw {
	NK_COMMA, NK_DEC, NK_0, NK_9, NK_B, NK_C, NK_D, NK_E, NK_FM, NK_G,
	NK_L, NK_MI, NK_PL, NK_PR, NK_RN, NK_SG, NK_SP, NK_S, NK_TH, NK_V,
	NK_rn, NK_th,
};

/* PostgreSQL's NUM_keywords: the longer of two with one start comes first */
static const struct numkeyword {
	const char *name;
	enum numkw id;
} numkeywords[] = {
	{ ",", NK_COMMA }, { ".", NK_DEC }, { "0", NK_0 }, { "9", NK_9 },
	{ "B", NK_B }, { "C", NK_C }, { "D", NK_D }, { "EEEE", NK_E },
	{ "FM", NK_FM }, { "G", NK_G }, { "L", NK_L }, { "MI", NK_MI },
	{ "PL", NK_PL }, { "PR", NK_PR }, { "RN", NK_RN }, { "SG", NK_SG },
	{ "SP", NK_SP }, { "S", NK_S }, { "TH", NK_TH }, { "V", NK_V },
	{ "b", NK_B }, { "c", NK_C }, { "d", NK_D }, { "eeee", NK_E },
	{ "fm", NK_FM }, { "g", NK_G }, { "l", NK_L }, { "mi", NK_MI },
	{ "pl", NK_PL }, { "pr", NK_PR }, { "rn", NK_rn }, { "sg", NK_SG },
	{ "sp", NK_SP }, { "s", NK_S }, { "th", NK_th }, { "v", NK_V },
};

/* NUMDesc's flags */
enum {
	NF_DECIMAL = 1 << 0, NF_LDECIMAL = 1 << 1, NF_ZERO = 1 << 2,
	NF_BLANK = 1 << 3, NF_FILLMODE = 1 << 4, NF_LSIGN = 1 << 5,
	NF_BRACKET = 1 << 6, NF_MINUS = 1 << 7, NF_PLUS = 1 << 8,
	NF_ROMAN = 1 << 9, NF_MULTI = 1 << 10, NF_EEEE = 1 << 11,
	NF_LCURRENCY = 1 << 12, /* drydock's: L was used (refused) */
};

enum { LSIGN_PRE = -1, LSIGN_NONE = 0, LSIGN_POST = 1 };

/* what the template asks for (PostgreSQL's NUMDesc) */
struct numdesc {
	int pre;             /* digit positions before the decimal point */
	int post;            /* digit positions after it */
	int lsign;           /* LSIGN_*: where S goes */
	int flag;            /* NF_* */
	int pre_lsign_num;   /* pre when S was seen */
	int multi;           /* V's shift: the 9s after V */
	int zero_start;      /* position of the first 0 (1-based), 0 for none */
	int zero_end;        /* pre + post at the last 0 */
};

/* one element of a parsed template */
struct numnode {
	int is_kw;           /* 1: keyword kw; 0: literal bytes ch */
	enum numkw kw;
	char ch[5];          /* one UTF-8 character, NUL-terminated */
};

static int utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	/* pg_utf_mblen: a stray continuation byte counts as one */
	int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		: (c & 0xF8) == 0xF0 ? 4 : 1;

	/* a cut character stays within the string */
	for (int i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

static const struct numkeyword *find_numkeyword(const char *s)
{
	/* PostgreSQL's index admits the printable ASCII characters only */
	if ((unsigned char)*s <= ' ' || (unsigned char)*s >= '~')
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(numkeywords); i++) {
		size_t n = strlen(numkeywords[i].name);

		if (strncmp(s, numkeywords[i].name, n) == 0)
			return &numkeywords[i];
	}
	return NULL;
}

/*
 * NUMDesc_prepare: adds keyword kw to the description.  0, or -1 with
 * *err set to PostgreSQL's message.
 */
static int desc_add(struct numdesc *d, enum numkw kw, const char **err)
{
	if ((d->flag & NF_EEEE) && kw != NK_E) {
		*err = "\"EEEE\" must be the last pattern used";
		return -1;
	}
	switch (kw) {
	case NK_9:
		if (d->flag & NF_BRACKET) {
			*err = "\"9\" must be ahead of \"PR\"";
			return -1;
		}
		if (d->flag & NF_MULTI)
			d->multi++;
		else if (d->flag & NF_DECIMAL)
			d->post++;
		else
			d->pre++;
		break;
	case NK_0:
		if (d->flag & NF_BRACKET) {
			*err = "\"0\" must be ahead of \"PR\"";
			return -1;
		}
		if (!(d->flag & (NF_ZERO | NF_DECIMAL))) {
			d->flag |= NF_ZERO;
			d->zero_start = d->pre + 1;
		}
		if (!(d->flag & NF_DECIMAL))
			d->pre++;
		else
			d->post++;
		d->zero_end = d->pre + d->post;
		break;
	case NK_B:
		if (d->pre == 0 && d->post == 0 && !(d->flag & NF_ZERO))
			d->flag |= NF_BLANK;
		break;
	case NK_D:
		d->flag |= NF_LDECIMAL;
		/* fall through */
	case NK_DEC:
		if (d->flag & NF_DECIMAL) {
			*err = "multiple decimal points";
			return -1;
		}
		if (d->flag & NF_MULTI) {
			*err = "cannot use \"V\" and decimal point together";
			return -1;
		}
		d->flag |= NF_DECIMAL;
		break;
	case NK_FM:
		d->flag |= NF_FILLMODE;
		break;
	case NK_S:
		if (d->flag & NF_LSIGN) {
			*err = "cannot use \"S\" twice";
			return -1;
		}
		if (d->flag & (NF_PLUS | NF_MINUS | NF_BRACKET)) {
			*err = "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together";
			return -1;
		}
		if (!(d->flag & NF_DECIMAL)) {
			d->lsign = LSIGN_PRE;
			d->pre_lsign_num = d->pre;
			d->flag |= NF_LSIGN;
		} else if (d->lsign == LSIGN_NONE) {
			d->lsign = LSIGN_POST;
			d->flag |= NF_LSIGN;
		}
		break;
	case NK_MI:
		if (d->flag & NF_LSIGN) {
			*err = "cannot use \"S\" and \"MI\" together";
			return -1;
		}
		d->flag |= NF_MINUS;
		break;
	case NK_PL:
		if (d->flag & NF_LSIGN) {
			*err = "cannot use \"S\" and \"PL\" together";
			return -1;
		}
		d->flag |= NF_PLUS;
		break;
	case NK_SG:
		if (d->flag & NF_LSIGN) {
			*err = "cannot use \"S\" and \"SG\" together";
			return -1;
		}
		d->flag |= NF_MINUS | NF_PLUS;
		break;
	case NK_PR:
		if (d->flag & (NF_LSIGN | NF_PLUS | NF_MINUS)) {
			*err = "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together";
			return -1;
		}
		d->flag |= NF_BRACKET;
		break;
	case NK_RN:
	case NK_rn:
		d->flag |= NF_ROMAN;
		break;
	case NK_L:
		d->flag |= NF_LCURRENCY;
		break;
	case NK_V:
		if (d->flag & NF_DECIMAL) {
			*err = "cannot use \"V\" and decimal point together";
			return -1;
		}
		d->flag |= NF_MULTI;
		break;
	case NK_E:
		if (d->flag & NF_EEEE) {
			*err = "cannot use \"EEEE\" twice";
			return -1;
		}
		if (d->flag & (NF_BLANK | NF_FILLMODE | NF_LSIGN | NF_BRACKET |
			       NF_MINUS | NF_PLUS | NF_ROMAN | NF_MULTI)) {
			*err = "\"EEEE\" is incompatible with other formats";
			return -1;
		}
		d->flag |= NF_EEEE;
		break;
	case NK_C: case NK_G: case NK_SP: case NK_TH: case NK_th: case NK_COMMA:
		break;
	}
	return 0;
}

/*
 * parse_format for NUM_FLAG: fmt into nodes (*nodes malloc'ed, *n of
 * them) and the description.  0, or -1 with *err set (PostgreSQL's
 * message; "out of memory" too).
 */
static int parse_numfmt(const char *fmt, struct numnode **nodes, int *n,
			struct numdesc *d, const char **err)
{
	size_t cap = strlen(fmt) + 1;
	struct numnode *v = calloc(cap, sizeof(*v));
	const char *s = fmt;
	int cnt = 0;

	memset(d, 0, sizeof(*d));
	*nodes = NULL;
	*n = 0;
	if (!v) {
		*err = "out of memory";
		return -1;
	}
	while (*s) {
		const struct numkeyword *k = find_numkeyword(s);

		if (k) {
			v[cnt].is_kw = 1;
			v[cnt].kw = k->id;
			cnt++;
			s += strlen(k->name);
			if (desc_add(d, k->id, err) < 0) {
				free(v);
				return -1;
			}
			continue;
		}
		if (*s == '"') {
			/* a quoted literal; backslash quotes the next character */
			s++;
			while (*s) {
				int len;

				if (*s == '"') {
					s++;
					break;
				}
				if (*s == '\\' && s[1])
					s++;
				len = utf8_len(s);
				memcpy(v[cnt].ch, s, (size_t)len);
				cnt++;
				s += len;
			}
			continue;
		}
		/* outside quotes a backslash only escapes a double quote */
		if (*s == '\\' && s[1] == '"')
			s++;
		int len = utf8_len(s);
		memcpy(v[cnt].ch, s, (size_t)len);
		cnt++;
		s += len;
	}
	*nodes = v;
	*n = cnt;
	return 0;
}

const char fn_numeric_format_hint[] =
	"L prints lc_monetary's currency symbol, which drydock cannot know (under "
	"lc_monetary C it is a blank): write the symbol as quoted text in the template, "
	"e.g. '\"$\"999.99'";

static const char l_refused[] =
	"template pattern \"L\" (currency symbol) is not supported by drydock: "
	"it depends on the server's lc_monetary";

int fn_numeric_check_format(const char *fmt, const char **why)
{
	struct numnode *v;
	struct numdesc d;
	int n;

	/* PostgreSQL's own errors are raised at run time, when a row is
	 * formatted; only drydock's refusal is judged here */
	if (parse_numfmt(fmt, &v, &n, &d, why) < 0)
		return 0;
	free(v);
	if (d.flag & NF_LCURRENCY) {
		*why = l_refused;
		return -1;
	}
	return 0;
}

/* ============================================================ processor */

/* the state of NUM_processor while it writes */
struct numproc {
	struct numdesc *d;
	struct strbuf *out;
	int sign;                  /* '+', '-', or 0 (Roman) */
	int sign_wrote;
	int num_count;             /* digit positions to write */
	int num_in;                /* a digit was written */
	int num_curr;              /* current digit position */
	int out_pre_spaces;        /* blanks before the digits */
	const char *number;        /* the digit string */
	const char *number_p;      /* next digit */
	const char *last_relevant; /* FM: last digit worth printing */
};

/* "9.9" of 0.1 prints " .1": the leading 0 is a blank */
static int predec_space(const struct numproc *p)
{
	return !(p->d->flag & NF_ZERO) && p->number == p->number_p &&
	       *p->number == '0' && p->d->post != 0;
}

/* get_last_relevant_decnum: the last non-zero digit after the point */
static const char *last_relevant_decnum(const char *num)
{
	const char *p = strchr(num, '.'), *r;

	if (!p)
		return NULL;
	r = p;
	while (*++p)
		if (*p != '0')
			r = p;
	return r;
}

/* NUM_numpart_to_char: a digit position (9, 0) or the decimal point */
static void numpart_to_char(struct numproc *p, enum numkw id)
{
	struct numdesc *d = p->d;
	int end;

	if (d->flag & NF_ROMAN)
		return;
	p->num_in = 0;

	/* the sign, before the first digit that is printed */
	if (!p->sign_wrote &&
	    (p->num_curr >= p->out_pre_spaces ||
	     ((d->flag & NF_ZERO) && d->zero_start == p->num_curr)) &&
	    (!predec_space(p) || (p->last_relevant && *p->last_relevant == '.'))) {
		if (d->flag & NF_LSIGN) {
			if (d->lsign == LSIGN_PRE) {
				sb_addch(p->out, p->sign == '-' ? '-' : '+');
				p->sign_wrote = 1;
			}
		} else if (d->flag & NF_BRACKET) {
			sb_addch(p->out, p->sign == '+' ? ' ' : '<');
			p->sign_wrote = 1;
		} else if (p->sign == '+') {
			if (!(d->flag & NF_FILLMODE))
				sb_addch(p->out, ' ');
			p->sign_wrote = 1;
		} else if (p->sign == '-') {
			sb_addch(p->out, '-');
			p->sign_wrote = 1;
		}
	}

	if (p->num_curr < p->out_pre_spaces &&
	    (d->zero_start > p->num_curr || !(d->flag & NF_ZERO))) {
		/* a blank before the number */
		if (!(d->flag & NF_FILLMODE))
			sb_addch(p->out, ' ');
	} else if ((d->flag & NF_ZERO) && p->num_curr < p->out_pre_spaces &&
		   d->zero_start <= p->num_curr) {
		/* a leading zero */
		sb_addch(p->out, '0');
		p->num_in = 1;
	} else {
		if (*p->number_p == '.') {
			/* the decimal point; "FM9.9" of 1 prints "1." */
			if (!p->last_relevant || *p->last_relevant != '.' ||
			    (d->flag & NF_FILLMODE))
				sb_addch(p->out, '.');
		} else if (p->last_relevant && p->number_p > p->last_relevant &&
			   id != NK_0) {
			/* FM: a trailing zero that is not asked for */
		} else if (predec_space(p)) {
			if (!(d->flag & NF_FILLMODE))
				sb_addch(p->out, ' ');
			else if (p->last_relevant && *p->last_relevant == '.')
				sb_addch(p->out, '0');
		} else {
			/* a digit; past the string's end its NUL, as PostgreSQL */
			sb_add(p->out, p->number_p, 1);
			p->num_in = 1;
		}
		if (*p->number_p)
			p->number_p++;
	}

	end = p->num_count + (p->out_pre_spaces ? 1 : 0) +
	      ((d->flag & NF_DECIMAL) ? 1 : 0);
	if (p->last_relevant && p->last_relevant == p->number_p)
		end = p->num_curr;
	if (p->num_curr + 1 == end) {
		if (p->sign_wrote && (d->flag & NF_BRACKET))
			sb_addch(p->out, p->sign == '+' ? ' ' : '>');
		else if ((d->flag & NF_LSIGN) && d->lsign == LSIGN_POST)
			sb_addch(p->out, p->sign == '-' ? '-' : '+');
	}
	p->num_curr++;
}

/* get_th: the ordinal suffix of the number string; NULL if not a number */
static const char *ordinal(const char *num, int upper)
{
	size_t len = strlen(num);
	char last = len ? num[len - 1] : 0;

	if (!isdigit((unsigned char)last))
		return NULL;
	if (len > 1 && num[len - 2] == '1')
		last = 0;
	switch (last) {
	case '1':
		return upper ? "ST" : "st";
	case '2':
		return upper ? "ND" : "nd";
	case '3':
		return upper ? "RD" : "rd";
	default:
		return upper ? "TH" : "th";
	}
}

/*
 * NUM_processor for to_char: prints number (the digit string, no sign)
 * with the nodes into out.  0, or -1 with *err set.
 */
static int num_processor(const struct numnode *nodes, int n, struct numdesc *d,
			 const char *number, int out_pre_spaces, int sign,
			 struct strbuf *out, const char **err, struct strbuf *errbuf)
{
	struct numproc p;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.out = out;
	p.number = number;
	if (d->zero_start)
		d->zero_start--;

	if (d->flag & NF_EEEE) {
		/* the scientific string is the whole result */
		sb_adds(out, number);
		return 0;
	}
	if (d->flag & NF_ROMAN) {
		d->lsign = d->pre_lsign_num = d->post = d->pre = 0;
		out_pre_spaces = 0;
		sign = 0;
		d->flag = (d->flag & NF_FILLMODE) | NF_ROMAN;
	}

	p.sign = sign;
	if (d->flag & (NF_PLUS | NF_MINUS)) {
		/* MI/PL/SG write the sign themselves; PL alone also lets the
		 * digits write it */
		p.sign_wrote = !((d->flag & NF_PLUS) && !(d->flag & NF_MINUS));
	} else {
		if (p.sign != '-' && (d->flag & NF_FILLMODE))
			d->flag &= ~NF_BRACKET;
		p.sign_wrote = p.sign == '+' && (d->flag & NF_FILLMODE) &&
			       !(d->flag & NF_LSIGN);
		if (d->lsign == LSIGN_PRE && d->pre == d->pre_lsign_num)
			d->lsign = LSIGN_POST;
	}

	p.num_count = d->post + d->pre - 1;
	p.out_pre_spaces = out_pre_spaces;
	if ((d->flag & NF_FILLMODE) && (d->flag & NF_DECIMAL)) {
		p.last_relevant = last_relevant_decnum(p.number);
		/* FM keeps the digits a 0 asks for, within the string */
		if (p.last_relevant && d->zero_end > p.out_pre_spaces) {
			int pos = (int)strlen(p.number) - 1;
			const char *last_zero;

			if (d->zero_end - p.out_pre_spaces < pos)
				pos = d->zero_end - p.out_pre_spaces;
			last_zero = p.number + pos;
			if (p.last_relevant < last_zero)
				p.last_relevant = last_zero;
		}
	}
	if (!p.sign_wrote && p.out_pre_spaces == 0)
		p.num_count++;

	p.number_p = p.number;
	for (int i = 0; i < n; i++) {
		const struct numnode *nd = &nodes[i];

		if (!nd->is_kw) {
			sb_adds(out, nd->ch);
			continue;
		}
		switch (nd->kw) {
		case NK_9:
		case NK_0:
		case NK_DEC:
		case NK_D:
			numpart_to_char(&p, nd->kw);
			break;
		case NK_COMMA:
		case NK_G:
			if (p.num_in)
				sb_addch(out, ',');
			else if (!(d->flag & NF_FILLMODE))
				sb_addch(out, ' ');
			break;
		case NK_L:
			/* lc_monetary C's currency symbol (refused before) */
			sb_addch(out, ' ');
			break;
		case NK_RN:
		case NK_rn: {
			size_t at = out->len;

			if (d->flag & NF_FILLMODE)
				sb_adds(out, p.number_p);
			else
				sb_addf(out, "%15s", p.number_p);
			if (nd->kw == NK_rn)
				for (size_t j = at; j < out->len; j++)
					out->buf[j] = (char)tolower((unsigned char)out->buf[j]);
			break;
		}
		case NK_TH:
		case NK_th: {
			const char *th;

			if ((d->flag & (NF_ROMAN | NF_DECIMAL)) || *p.number == '#' ||
			    p.sign == '-')
				break;
			th = ordinal(p.number, nd->kw == NK_TH);
			if (!th) {
				sb_addf(errbuf, "\"%s\" is not a number", p.number);
				*err = errbuf->buf;
				return -1;
			}
			sb_adds(out, th);
			break;
		}
		case NK_MI:
			if (p.sign == '-')
				sb_addch(out, '-');
			else if (!(d->flag & NF_FILLMODE))
				sb_addch(out, ' ');
			break;
		case NK_PL:
			if (p.sign == '+')
				sb_addch(out, '+');
			else if (!(d->flag & NF_FILLMODE))
				sb_addch(out, ' ');
			break;
		case NK_SG: {
			char c = (char)p.sign;

			sb_add(out, &c, 1);
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

/* ======================================================= number strings */

/* int_to_roman: 1..3999, else 15 '#' */
static void int_to_roman(long long v, struct strbuf *out)
{
	static const char *const rm1[] = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX" };
	static const char *const rm10[] = { "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC" };
	static const char *const rm100[] = { "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM" };
	char digits[16];
	int len;

	if (v > 3999 || v < 1) {
		sb_adds(out, "###############");
		return;
	}
	len = snprintf(digits, sizeof(digits), "%lld", v);
	for (const char *c = digits; *c; c++, len--) {
		int dgt = *c - '0';

		if (dgt == 0)
			continue;
		if (len > 3)
			while (dgt--)
				sb_addch(out, 'M');
		else if (len == 3)
			sb_adds(out, rm100[dgt - 1]);
		else if (len == 2)
			sb_adds(out, rm10[dgt - 1]);
		else
			sb_adds(out, rm1[dgt - 1]);
	}
}

/* what a type's wrapper hands the processor */
struct numstr {
	struct strbuf s;     /* the digit string, without sign */
	size_t skip;         /* bytes of s before the digits (a '-') */
	int out_pre_spaces;
	int sign;            /* '+', '-', 0 */
};

/*
 * The common tail of the plain (not Roman, not EEEE) paths: text is the
 * value printed with post decimals, maybe with a leading '-'.
 */
static void plain_digits(struct numstr *ns, struct numdesc *d)
{
	const char *t = ns->s.buf, *dot;
	int pre_len;

	if (*t == '-') {
		ns->sign = '-';
		ns->skip = 1;
		t++;
	} else {
		ns->sign = '+';
	}
	dot = strchr(t, '.');
	pre_len = dot ? (int)(dot - t) : (int)strlen(t);
	if (pre_len < d->pre) {
		ns->out_pre_spaces = d->pre - pre_len;
	} else if (pre_len > d->pre) {
		/* does not fit: '#'s with the point */
		sb_reset(&ns->s);
		ns->skip = 0;
		for (int i = 0; i < d->pre + d->post + 1; i++)
			sb_addch(&ns->s, i == d->pre ? '.' : '#');
	}
}

/* EEEE of NaN or an infinity: " #.##e+##" shaped '#'s */
static void eeee_hashes(struct numstr *ns, const struct numdesc *d)
{
	sb_reset(&ns->s);
	for (int i = 0; i < d->pre + d->post + 6; i++)
		sb_addch(&ns->s, i == 0 ? ' ' : i == d->pre + 1 ? '.' : '#');
}

/* "%+.*e" with the '+' swapped for a blank */
static void eeee_double(struct numstr *ns, double v, int post)
{
	sb_addf(&ns->s, "%+.*e", post, v);
	if (ns->s.buf[0] == '+')
		ns->s.buf[0] = ' ';
}

/*
 * numeric_out_sci: a finite value as d.ddd...e+XX with scale decimals,
 * rounded half away from zero (a 9.99 may round up to 10.0e+00, as
 * PostgreSQL's does), a '-' for negatives and a blank otherwise.
 */
static void numeric_sci(struct numstr *ns, const struct numval *x, int scale)
{
	struct numval sig = NUMVAL_INIT, r = NUMVAL_INIT;
	mpz_t m;
	long exponent = 0;

	mpz_init(m);
	num_get_mpz(x, m);
	if (mpz_sgn(m) != 0) {
		/* floor(log10 |x|): the mantissa's digits less the scale */
		long ndig = (long)mpz_sizeinbase(m, 10);
		mpz_t p;

		mpz_init(p);
		mpz_ui_pow_ui(p, 10, (unsigned long)(ndig - 1));
		if (mpz_cmpabs(m, p) < 0)
			ndig--;
		mpz_clear(p);
		exponent = ndig - 1 - x->dscale;
	}
	/* x / 10^exponent: the same mantissa at scale dscale + exponent */
	long sc = x->dscale + exponent;
	if (sc < 0) {
		mpz_t p;

		mpz_init(p);
		mpz_ui_pow_ui(p, 10, (unsigned long)-sc);
		mpz_mul(m, m, p);
		mpz_clear(p);
		sc = 0;
	}
	num_set_mpz(&sig, m, (int)sc);
	num_round(&r, &sig, scale < 0 ? 0 : scale);
	if (num_sign(&r) >= 0)
		sb_addch(&ns->s, ' ');
	num_format(&r, &ns->s);
	sb_addf(&ns->s, "e%+03ld", exponent);
	num_clear(&sig);
	num_clear(&r);
	mpz_clear(m);
}

/* ============================================================= wrappers */

enum fmttype { FT_NUMERIC, FT_INT4, FT_INT8, FT_FLOAT4, FT_FLOAT8 };

/* the value to print, read before the template as PostgreSQL's arguments are */
struct numarg {
	enum fmttype t;
	struct numval x;     /* FT_NUMERIC */
	long long i;         /* FT_INT4, FT_INT8 */
	double f;            /* FT_FLOAT4 (a float's value), FT_FLOAT8 */
};

static int read_arg(sqlite3_context *ctx, sqlite3_value *v, struct numarg *a)
{
	float f4;

	switch (a->t) {
	case FT_NUMERIC:
		return fn_arg_num(ctx, v, &a->x);
	case FT_INT4:
	case FT_INT8:
		return fn_arg_int(ctx, v, &a->i);
	case FT_FLOAT4:
		if (fn_arg_float4(ctx, v, &f4) < 0)
			return -1;
		a->f = f4;
		return 0;
	case FT_FLOAT8:
		return fn_arg_float8(ctx, v, &a->f);
	}
	return -1;
}

/* numeric_to_char's digits */
static int numeric_digits(sqlite3_context *ctx, struct numval *x, struct numdesc *d,
			  struct numstr *ns)
{
	struct numval y = NUMVAL_INIT;
	long long i;

	if (d->flag & NF_ROMAN) {
		if (x->kind == NUM_NAN) {
			sqlite3_result_error(ctx, "cannot convert NaN to integer", -1);
			return -1;
		}
		if (x->kind != NUM_FINITE) {
			sqlite3_result_error(ctx, "cannot convert infinity to integer", -1);
			return -1;
		}
		if (num_to_int64(x, &i) < 0 || i < INT_MIN || i > INT_MAX) {
			sqlite3_result_error(ctx, "integer out of range", -1);
			return -1;
		}
		int_to_roman(i, &ns->s);
		return 0;
	}
	if (d->flag & NF_EEEE) {
		if (x->kind != NUM_FINITE)
			eeee_hashes(ns, d);
		else
			numeric_sci(ns, x, d->post);
		return 0;
	}
	if (d->flag & NF_MULTI) {
		/* value * 10^multi, exact */
		struct numval p = NUMVAL_INIT;
		mpz_t z;
		int err;

		mpz_init(z);
		mpz_ui_pow_ui(z, 10, (unsigned long)d->multi);
		num_set_mpz(&p, z, 0);
		mpz_clear(z);
		err = num_mul(x, x, &p);
		num_clear(&p);
		if (err) {
			fn_result_numerr(ctx, err);
			return -1;
		}
		d->pre += d->multi;
	}
	num_round(&y, x, d->post);
	num_format(&y, &ns->s);
	num_clear(&y);
	plain_digits(ns, d);
	return 0;
}

/* int4_to_char's and int8_to_char's digits */
static int int_digits(sqlite3_context *ctx, long long i, int is_int8, struct numdesc *d,
		      struct numstr *ns)
{
	if (d->flag & NF_ROMAN) {
		if (i < INT_MIN || i > INT_MAX) {
			sqlite3_result_error(ctx, "integer out of range", -1);
			return -1;
		}
		int_to_roman(i, &ns->s);
		return 0;
	}
	if (d->flag & NF_EEEE) {
		if (!is_int8) {
			/* int4 goes through float8, exact */
			eeee_double(ns, (double)i, d->post);
		} else {
			struct numval x = NUMVAL_INIT;

			num_set_int(&x, i, 0);
			numeric_sci(ns, &x, d->post);
			num_clear(&x);
		}
		return 0;
	}
	if ((d->flag & NF_MULTI) && !is_int8) {
		/* int32 arithmetic, wrapping as PostgreSQL's C does; (int32)
		 * of 1e10 and more is INT_MIN on x86 */
		uint32_t m = 1;

		if (d->multi >= 10)
			m = 0x80000000u;
		else
			for (int k = 0; k < d->multi; k++)
				m *= 10;
		i = (int32_t)((uint32_t)i * m);
		d->pre += d->multi;
	} else if (d->flag & NF_MULTI) {
		/* int8mul by dtoi8(pow(10, multi)) */
		double mul = rint(pow(10.0, (double)d->multi));
		long long m;

		if (!(mul >= -9223372036854775808.0 && mul < 9223372036854775808.0) ||
		    __builtin_mul_overflow(i, (long long)mul, &m)) {
			sqlite3_result_error(ctx, "bigint out of range", -1);
			return -1;
		}
		i = m;
		d->pre += d->multi;
	}
	sb_addf(&ns->s, "%lld", i);
	if (d->post) {
		sb_addch(&ns->s, '.');
		for (int k = 0; k < d->post; k++)
			sb_addch(&ns->s, '0');
	}
	plain_digits(ns, d);
	return 0;
}

/*
 * float4_to_char's and float8_to_char's digits: printed by printf with
 * at most the type's significant digits (FLT_DIG, DBL_DIG) in all.
 */
static void float_digits(double f, int is_float4, struct numdesc *d, struct numstr *ns)
{
	int dig = is_float4 ? FLT_DIG : DBL_DIG;
	double val = f;
	int pre_len;

	if (d->flag & NF_ROMAN) {
		/* (int) rint(): out of range and NaN give INT_MIN on x86 */
		double r = rint(f);

		int_to_roman(r >= -2147483648.0 && r <= 2147483647.0 ? (long long)r : INT_MIN,
			     &ns->s);
		return;
	}
	if (d->flag & NF_EEEE) {
		if (isnan(f) || isinf(f))
			eeee_hashes(ns, d);
		else
			eeee_double(ns, f, d->post);
		return;
	}
	if (d->flag & NF_MULTI) {
		/* float4 multiplies in float4 */
		if (is_float4)
			val = (float)(f * (double)(float)pow(10.0, (double)d->multi));
		else
			val = f * pow(10.0, (double)d->multi);
		d->pre += d->multi;
	}
	if (isnan(val)) {
		pre_len = 3;
	} else if (isinf(val)) {
		pre_len = 8;
	} else {
		sb_addf(&ns->s, "%.0f", fabs(val));
		pre_len = (int)ns->s.len;
		sb_reset(&ns->s);
	}
	if (pre_len >= dig)
		d->post = 0;
	else if (pre_len + d->post > dig)
		d->post = dig - pre_len;
	if (isnan(val))
		sb_adds(&ns->s, "NaN");
	else if (isinf(val))
		sb_adds(&ns->s, val > 0 ? "Infinity" : "-Infinity");
	else
		sb_addf(&ns->s, "%.*f", d->post, val);
	plain_digits(ns, d);
}

static void numeric_to_char(sqlite3_context *ctx, sqlite3_value **argv, enum fmttype t)
{
	const char *fmt;
	struct numnode *nodes = NULL;
	struct numdesc d;
	struct numarg a = { t, NUMVAL_INIT, 0, 0 };
	struct numstr ns = { STRBUF_INIT, 0, 0, 0 };
	struct strbuf out = STRBUF_INIT, errbuf = STRBUF_INIT;
	const char *err = NULL;
	int n, rc;

	if (pgfn_any_null(2, argv))
		return;
	if (read_arg(ctx, argv[0], &a) < 0)
		goto cleanup;
	fmt = (const char *)sqlite3_value_text(argv[1]);
	if (!fmt || !*fmt) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		goto cleanup;
	}
	if (parse_numfmt(fmt, &nodes, &n, &d, &err) < 0) {
		sqlite3_result_error(ctx, err, -1);
		goto cleanup;
	}
	if (d.flag & NF_LCURRENCY) {
		sqlite3_result_error(ctx, l_refused, -1);
		goto cleanup;
	}
	switch (t) {
	case FT_NUMERIC:
		rc = numeric_digits(ctx, &a.x, &d, &ns);
		break;
	case FT_INT4:
	case FT_INT8:
		rc = int_digits(ctx, a.i, t == FT_INT8, &d, &ns);
		break;
	default:
		float_digits(a.f, t == FT_FLOAT4, &d, &ns);
		rc = 0;
		break;
	}
	if (rc < 0)
		goto cleanup;
	if (num_processor(nodes, n, &d, ns.s.buf + ns.skip, ns.out_pre_spaces, ns.sign,
			  &out, &err, &errbuf) < 0) {
		sqlite3_result_error(ctx, err, -1);
		goto cleanup;
	}
	/* the text ends at the first NUL, as PostgreSQL's C string does */
	sqlite3_result_text(ctx, out.buf, (int)strlen(out.buf), SQLITE_TRANSIENT);
cleanup:
	free(nodes);
	num_clear(&a.x);
	sb_release(&ns.s);
	sb_release(&out);
	sb_release(&errbuf);
}

/* ============================================================ to_number */

/* the state of NUM_processor while it reads */
struct numread {
	struct numdesc *d;
	const char *in;            /* the input text */
	const char *p;             /* where reading is */
	int len;                   /* the input's bytes */
	struct strbuf *num;        /* buf[0] the sign (' ', '-', '+'), then digits */
	int read_pre, read_post, read_dec;
	int num_in;
};

#define AT_END(r) ((r)->p >= (r)->in + (r)->len)
#define FITS(r, n) ((r)->p <= (r)->in + ((r)->len - (n)))

/* NUM_eat_non_data_chars: skips up to n characters that are not data */
static void eat_non_data(struct numread *r, int n)
{
	while (n-- > 0) {
		if (AT_END(r) || strchr("0123456789.,+-", *r->p))
			break;
		r->p += utf8_len(r->p);
	}
}

/* NUM_numpart_from_char: a digit position (9, 0) or the decimal point */
static void numpart_from_char(struct numread *r, enum numkw id)
{
	struct numdesc *d = r->d;
	char *sign = &r->num->buf[0];
	int isread = 0;

	/* one blank is skipped */
	if (*r->p == ' ')
		r->p++;
	if (AT_END(r))
		return;

	/* a sign before the number */
	if (*sign == ' ' && (id == NK_0 || id == NK_9) && r->read_pre + r->read_post == 0) {
		if ((d->flag & NF_LSIGN) && d->lsign == LSIGN_PRE) {
			if (FITS(r, 1) && *r->p == '-') {
				r->p++;
				*sign = '-';
			} else if (FITS(r, 1) && *r->p == '+') {
				r->p++;
				*sign = '+';
			}
		} else if (*r->p == '-' || ((d->flag & NF_BRACKET) && *r->p == '<')) {
			*sign = '-';
			r->p++;
		} else if (*r->p == '+') {
			*sign = '+';
			r->p++;
		}
	}
	if (AT_END(r))
		return;

	/* a digit or the decimal point */
	if (isdigit((unsigned char)*r->p)) {
		if (r->read_dec && r->read_post == d->post)
			return;
		sb_addch(r->num, *r->p);
		sign = &r->num->buf[0];
		if (r->read_dec)
			r->read_post++;
		else
			r->read_pre++;
		isread = 1;
	} else if ((d->flag & NF_DECIMAL) && !r->read_dec && FITS(r, 1) && *r->p == '.') {
		sb_addch(r->num, '.');
		sign = &r->num->buf[0];
		r->read_dec = 1;
		isread = 1;
	}
	if (AT_END(r))
		return;

	/* a sign behind the last digit read ("9.9S" of ".5-", "FM9.99MI" of "5.01-") */
	if (*sign == ' ' && r->read_pre + r->read_post > 0) {
		if ((d->flag & NF_LSIGN) && isread && r->p + 1 < r->in + r->len &&
		    !isdigit((unsigned char)r->p[1])) {
			const char *at = r->p++;

			if (FITS(r, 1) && *r->p == '-')
				*sign = '-';
			else if (FITS(r, 1) && *r->p == '+')
				*sign = '+';
			if (*sign == ' ')
				r->p = at;
		} else if (!isread && !(d->flag & NF_LSIGN) && (d->flag & (NF_PLUS | NF_MINUS))) {
			if (*r->p == '-' || *r->p == '+')
				*sign = *r->p;
		}
	}
}

/*
 * NUM_processor for to_number: the digits of input read with the nodes
 * into num (" 123.45", "-7"); d->post becomes the decimals read.  0, or
 * -1 with *err set.
 */
static int num_reader(const struct numnode *nodes, int n, struct numdesc *d,
		      const char *input, int len, struct strbuf *num, const char **err)
{
	struct numread r;

	memset(&r, 0, sizeof(r));
	r.d = d;
	r.in = r.p = input;
	r.len = len;
	r.num = num;
	if (d->flag & NF_EEEE) {
		*err = "\"EEEE\" not supported for input";
		return -1;
	}
	if (d->flag & NF_ROMAN) {
		*err = "\"RN\" not supported for input";
		return -1;
	}
	sb_addch(num, ' ');

	for (int i = 0; i < n; i++) {
		const struct numnode *nd = &nodes[i];

		if (AT_END(&r))
			break;
		if (!nd->is_kw) {
			/* a literal skips one input character, whatever it is */
			r.p += utf8_len(r.p);
			continue;
		}
		switch (nd->kw) {
		case NK_9:
		case NK_0:
		case NK_DEC:
		case NK_D:
			numpart_from_char(&r, nd->kw);
			break;
		case NK_COMMA:
		case NK_G:
			if (!r.num_in && (d->flag & NF_FILLMODE))
				continue;
			if (FITS(&r, 1) && *r.p == ',')
				break;
			continue;
		case NK_L:
			/* lc_monetary C's currency symbol, a blank (refused before) */
			if (FITS(&r, 1) && *r.p == ' ')
				break;
			continue;
		case NK_TH:
		case NK_th:
			if (d->flag & NF_DECIMAL)
				continue;
			eat_non_data(&r, 2);
			continue;
		case NK_MI:
			if (*r.p == '-') {
				num->buf[0] = '-';
				break;
			}
			eat_non_data(&r, 1);
			continue;
		case NK_PL:
			if (*r.p == '+') {
				num->buf[0] = '+';
				break;
			}
			eat_non_data(&r, 1);
			continue;
		case NK_SG:
			if (*r.p == '-' || *r.p == '+') {
				num->buf[0] = *r.p;
				break;
			}
			eat_non_data(&r, 1);
			continue;
		default:
			continue;
		}
		r.p++;
	}
	/* a trailing point goes */
	if (num->len > 1 && num->buf[num->len - 1] == '.')
		sb_setlen(num, num->len - 1);
	d->post = r.read_post;
	return 0;
}

/*
 * to_number(text, text): the number read, as numeric_in with the
 * template's precision (its digits) and scale (the decimals read), then
 * divided by 10^V's digits as PostgreSQL does it: times power(10, -n),
 * which PostgreSQL 15 computes at 16 decimals (0 from n = 17 on).
 */
static void to_number_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *in, *fmt;
	struct numnode *nodes = NULL;
	struct numdesc d;
	struct numval x = NUMVAL_INIT, p = NUMVAL_INIT;
	struct strbuf num = STRBUF_INIT;
	const char *err = NULL;
	int n, rc, precision, multi;

	(void)argc;
	if (pgfn_any_null(2, argv))
		return;
	in = (const char *)sqlite3_value_text(argv[0]);
	fmt = (const char *)sqlite3_value_text(argv[1]);
	if (!in || !fmt || !*fmt)
		return;   /* an empty template gives NULL */
	if (parse_numfmt(fmt, &nodes, &n, &d, &err) < 0) {
		sqlite3_result_error(ctx, err, -1);
		goto cleanup;
	}
	if (d.flag & NF_LCURRENCY) {
		sqlite3_result_error(ctx, l_refused, -1);
		goto cleanup;
	}
	if (num_reader(nodes, n, &d, in, sqlite3_value_bytes(argv[0]), &num, &err) < 0) {
		sqlite3_result_error(ctx, err, -1);
		goto cleanup;
	}
	precision = d.pre + d.multi + d.post;
	rc = num_parse(num.buf, num.len, &x);
	if (rc == NUM_ESYNTAX) {
		pgfn_error(ctx, "invalid input syntax for type numeric: \"%s\"", num.buf);
		goto cleanup;
	}
	if (rc == 0)
		rc = num_apply_typmod(&x, precision, d.post);
	if (rc) {
		fn_result_numerr(ctx, rc);
		goto cleanup;
	}
	if (d.flag & NF_MULTI) {
		/* power(10, -multi): 10^-multi rounded to 16 decimals */
		multi = d.multi;
		if (multi <= 16)
			num_set_int(&p, (__int128)1, multi);
		num_round(&p, &p, 16);
		rc = num_mul(&x, &x, &p);
		if (rc) {
			fn_result_numerr(ctx, rc);
			goto cleanup;
		}
	}
	fn_result_num(ctx, &x);
cleanup:
	free(nodes);
	num_clear(&x);
	num_clear(&p);
	sb_release(&num);
}

/* to_char(number, text); the user data is the number's type (FT_...) */
static void to_char_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	numeric_to_char(ctx, argv, (int)(intptr_t)sqlite3_user_data(ctx));
}

int fn_numfmt_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int type;
	} fns[] = {
		{ "pg_numeric_to_char", to_char_fn, FT_NUMERIC },
		{ "pg_int4_to_char", to_char_fn, FT_INT4 },
		{ "pg_int8_to_char", to_char_fn, FT_INT8 },
		{ "pg_float4_to_char", to_char_fn, FT_FLOAT4 },
		{ "pg_float8_to_char", to_char_fn, FT_FLOAT8 },
		{ "pg_to_number", to_number_fn, 0 },
	};
	int rc = SQLITE_OK;

	for (size_t i = 0; i < ARRAY_SIZE(fns) && rc == SQLITE_OK; i++)
		rc = sqlite3_create_function(db, fns[i].name, 2,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)(intptr_t)fns[i].type, fns[i].fn, NULL, NULL);
	return rc;
}
