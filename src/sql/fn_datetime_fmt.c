/*
 * to_char(timestamp|timestamptz|interval, text), to_timestamp(text, text)
 * and to_date(text, text): PostgreSQL 15's formatting.c for these
 * template patterns (the upper, capitalised and lower-case spellings):
 *
 *   to_char:  YYYY YYY YY Y Y,YYY IYYY IYY IY I CC  MM MONTH Month month
 *             MON Mon mon RM rm Q  DD DDD IDDD D ID  WW IW W J
 *             HH HH12 HH24 MI SS SSSS SSSSS MS US FF1..FF6
 *             AM PM A.M. P.M. am pm a.m. p.m.  BC AD B.C. A.D. bc ad b.c. a.d.
 *             TZ tz TZH TZM OF;  prefix FM, suffix TH/th;  FX is accepted
 *             and does nothing; "quoted text"; other characters are copied.
 *             For intervals: the numeric fields only (no names, weeks,
 *             weekdays, zones or AM/PM: PostgreSQL refuses some of these
 *             and drydock refuses the rest).
 *   to_timestamp / to_date: YYYY YYY YY Y MM DD DDD HH HH12 HH24 MI SS MS
 *             US FF1..FF6 AM PM A.M. P.M. BC AD B.C. A.D. MON Mon mon MONTH
 *             Month month DY Dy dy DAY Day day (read and ignored) J;
 *             FM and FX; "quoted text"; separators and spaces.
 *
 * Any other pattern (TM, SP, the ISO week fields in input, TZ in input,
 * ...) is refused with a message naming it, at compile time through
 * fn_datetime_check_format() for a constant template and at run time
 * otherwise: drydock never prints a template it does not understand.
 */
#include "fn_datetime.h"
#include "fn_datetime_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dtcalc.h"
#include "util.h"

/* ============================================================ keywords */

enum kw {
	K_NONE,
	K_A_D, K_A_M, K_AD, K_AM, K_B_C, K_BC, K_CC, K_DAY, K_DDD, K_DD, K_DY,
	K_Day, K_Dy, K_D, K_FF1, K_FF2, K_FF3, K_FF4, K_FF5, K_FF6, K_FX,
	K_HH24, K_HH12, K_HH, K_IDDD, K_ID, K_IW, K_IYYY, K_IYY, K_IY, K_I,
	K_J, K_MI, K_MM, K_MONTH, K_MON, K_MS, K_Month, K_Mon, K_OF, K_P_M,
	K_PM, K_Q, K_RM, K_SSSSS, K_SSSS, K_SS, K_TZH, K_TZM, K_TZ, K_US,
	K_WW, K_W, K_Y_YYY, K_YYYY, K_YYY, K_YY, K_Y,
	K_a_d, K_a_m, K_ad, K_am, K_b_c, K_bc, K_day, K_dy, K_month, K_mon,
	K_p_m, K_pm, K_rm, K_tz,
};

/* longest first where one is a prefix of another, as PostgreSQL's table */
static const struct keyword {
	const char *name;
	enum kw id;
} keywords[] = {
	{ "A.D.", K_A_D }, { "A.M.", K_A_M }, { "AD", K_AD }, { "AM", K_AM },
	{ "B.C.", K_B_C }, { "BC", K_BC }, { "CC", K_CC }, { "DAY", K_DAY },
	{ "DDD", K_DDD }, { "DD", K_DD }, { "DY", K_DY }, { "Day", K_Day },
	{ "Dy", K_Dy }, { "D", K_D }, { "FF1", K_FF1 }, { "FF2", K_FF2 },
	{ "FF3", K_FF3 }, { "FF4", K_FF4 }, { "FF5", K_FF5 }, { "FF6", K_FF6 },
	{ "FX", K_FX }, { "HH24", K_HH24 }, { "HH12", K_HH12 }, { "HH", K_HH },
	{ "IDDD", K_IDDD }, { "ID", K_ID }, { "IW", K_IW }, { "IYYY", K_IYYY },
	{ "IYY", K_IYY }, { "IY", K_IY }, { "I", K_I }, { "J", K_J },
	{ "MI", K_MI }, { "MM", K_MM }, { "MONTH", K_MONTH }, { "MON", K_MON },
	{ "MS", K_MS }, { "Month", K_Month }, { "Mon", K_Mon }, { "OF", K_OF },
	{ "P.M.", K_P_M }, { "PM", K_PM }, { "Q", K_Q }, { "RM", K_RM },
	{ "SSSSS", K_SSSSS }, { "SSSS", K_SSSS }, { "SS", K_SS }, { "TZH", K_TZH },
	{ "TZM", K_TZM }, { "TZ", K_TZ }, { "US", K_US }, { "WW", K_WW },
	{ "W", K_W }, { "Y,YYY", K_Y_YYY }, { "YYYY", K_YYYY }, { "YYY", K_YYY },
	{ "YY", K_YY }, { "Y", K_Y },
	{ "a.d.", K_a_d }, { "a.m.", K_a_m }, { "ad", K_ad }, { "am", K_am },
	{ "b.c.", K_b_c }, { "bc", K_bc }, { "cc", K_CC }, { "day", K_day },
	{ "ddd", K_DDD }, { "dd", K_DD }, { "dy", K_dy }, { "d", K_D },
	{ "ff1", K_FF1 }, { "ff2", K_FF2 }, { "ff3", K_FF3 }, { "ff4", K_FF4 },
	{ "ff5", K_FF5 }, { "ff6", K_FF6 }, { "fx", K_FX }, { "hh24", K_HH24 },
	{ "hh12", K_HH12 }, { "hh", K_HH }, { "iddd", K_IDDD }, { "id", K_ID },
	{ "iw", K_IW }, { "iyyy", K_IYYY }, { "iyy", K_IYY }, { "iy", K_IY },
	{ "i", K_I }, { "j", K_J }, { "mi", K_MI }, { "mm", K_MM },
	{ "month", K_month }, { "mon", K_mon }, { "ms", K_MS }, { "of", K_OF },
	{ "p.m.", K_p_m }, { "pm", K_pm }, { "q", K_Q }, { "rm", K_rm },
	{ "sssss", K_SSSSS }, { "ssss", K_SSSS }, { "ss", K_SS }, { "tz", K_tz },
	{ "tzh", K_TZH }, { "tzm", K_TZM }, { "us", K_US }, { "ww", K_WW },
	{ "w", K_W }, { "y,yyy", K_Y_YYY }, { "yyyy", K_YYYY }, { "yyy", K_YYY },
	{ "yy", K_YY }, { "y", K_Y },
};

enum { S_FM = 1, S_TH = 2, S_th = 4, S_SP = 8, S_TM = 16 };

/* one element of a parsed template */
struct node {
	enum kw key;          /* K_NONE for a literal character */
	int suffix;           /* S_* */
	const char *kwname;   /* as written in the template, for messages */
	int kwlen;
	char ch[8];           /* the literal (one UTF-8 character) */
	int is_space;
};

static const struct keyword *find_keyword(const char *s)
{
	const struct keyword *best = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
		size_t n = strlen(keywords[i].name);

		if (n > bestlen && strncmp(s, keywords[i].name, n) == 0) {
			best = &keywords[i];
			bestlen = n;
		}
	}
	return best;
}

static int utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	return 4;
}

/* parse_format: *nodes is malloc'ed; returns the count or -1 (no memory) */
static int parse_format(const char *fmt, struct node **nodes)
{
	size_t cap = strlen(fmt) + 1, n = 0;
	struct node *v = calloc(cap, sizeof(*v));
	const char *s = fmt;

	if (!v)
		return -1;
	while (*s) {
		struct node *nd = &v[n];
		const struct keyword *k;
		int suffix = 0;

		memset(nd, 0, sizeof(*nd));
		/* prefixes */
		if (!strncmp(s, "FM", 2) || !strncmp(s, "fm", 2)) {
			suffix |= S_FM;
			s += 2;
		} else if (!strncmp(s, "TM", 2) || !strncmp(s, "tm", 2)) {
			suffix |= S_TM;
			s += 2;
		}
		if (*s && (k = find_keyword(s)) != NULL) {
			nd->key = k->id;
			nd->kwname = s;
			nd->kwlen = (int)strlen(k->name);
			s += nd->kwlen;
			/* postfixes */
			if (!strncmp(s, "TH", 2)) {
				suffix |= S_TH;
				s += 2;
			} else if (!strncmp(s, "th", 2)) {
				suffix |= S_th;
				s += 2;
			} else if (!strncmp(s, "SP", 2)) {
				suffix |= S_SP;
				s += 2;
			}
			nd->suffix = suffix;
			n++;
			continue;
		}
		if (!*s)
			break;
		if (*s == '"') {
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
				nd = &v[n++];
				memset(nd, 0, sizeof(*nd));
				memcpy(nd->ch, s, (size_t)len);
				s += len;
			}
			continue;
		}
		if (*s == '\\' && s[1] == '"')
			s++;
		{
			int len = utf8_len(s);

			memcpy(nd->ch, s, (size_t)len);
			nd->is_space = isspace((unsigned char)*s) != 0;
			s += len;
			n++;
		}
	}
	*nodes = v;
	return (int)n;
}

/* the keywords each direction implements */
static int implemented(const struct node *nd, int for_input, int is_interval)
{
	if (nd->suffix & (S_TM | S_SP))
		return 0;
	if (for_input) {
		switch (nd->key) {
		case K_YYYY: case K_YYY: case K_YY: case K_Y: case K_MM:
		case K_DD: case K_DDD: case K_HH: case K_HH12: case K_HH24:
		case K_MI: case K_SS: case K_MS: case K_US: case K_FF1: case K_FF2:
		case K_FF3: case K_FF4: case K_FF5: case K_FF6: case K_AM:
		case K_PM: case K_A_M: case K_P_M: case K_am: case K_pm:
		case K_a_m: case K_p_m: case K_BC: case K_AD: case K_B_C:
		case K_A_D: case K_bc: case K_ad: case K_b_c: case K_a_d:
		case K_MON: case K_Mon: case K_mon: case K_MONTH: case K_Month:
		case K_month: case K_DY: case K_Dy: case K_dy: case K_DAY:
		case K_Day: case K_day: case K_J: case K_FX:
			return (nd->suffix & (S_TH | S_th)) == 0;
		default:
			return 0;
		}
	}
	if (!is_interval)
		return 1;
	switch (nd->key) {
	case K_HH: case K_HH12: case K_HH24: case K_MI: case K_SS: case K_SSSS:
	case K_SSSSS: case K_MS: case K_US: case K_FF1: case K_FF2: case K_FF3:
	case K_FF4: case K_FF5: case K_FF6: case K_DD: case K_MM: case K_YYYY:
	case K_YYY: case K_YY: case K_Y: case K_FX:
		return 1;
	default:
		return 0;
	}
}

static char refuse_msg[200];

/* 0, or -1 with the message naming the first pattern not implemented */
static int check_nodes(const struct node *v, int n, int for_input,
		       int is_interval, const char **why)
{
	for (int i = 0; i < n; i++) {
		if (v[i].key == K_NONE || implemented(&v[i], for_input, is_interval))
			continue;
		snprintf(refuse_msg, sizeof(refuse_msg),
			 "template pattern \"%s%.*s%s\" is not supported by drydock in %s",
			 v[i].suffix & S_TM ? "TM" : "", v[i].kwlen, v[i].kwname,
			 v[i].suffix & S_SP ? "SP" : (v[i].suffix & S_TH) ? "TH" :
			 (v[i].suffix & S_th) ? "th" : "",
			 for_input ? "to_timestamp/to_date" :
			 is_interval ? "to_char(interval)" : "to_char");
		*why = refuse_msg;
		return -1;
	}
	return 0;
}

int fn_datetime_check_format(const char *fmt, int for_input, int is_interval,
			     const char **why)
{
	struct node *v = NULL;
	int n = parse_format(fmt, &v), rc;

	if (n < 0) {
		*why = "out of memory";
		return -1;
	}
	rc = check_nodes(v, n, for_input, is_interval, why);
	free(v);
	return rc;
}

/* ============================================================= to_char */

static const char *const months_full[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const days_full[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday",
};
static const char *const rm_upper[] = {
	"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
};

struct ctm {
	int year, mon, mday, min, sec, wday, yday;
	int64_t hour;
	int64_t fsec;
	int has_tz;          /* timestamptz: the zone is UTC */
};

static void str_case(char *s, int upper, int lower)
{
	for (; *s; s++) {
		if (upper)
			*s = (char)toupper((unsigned char)*s);
		else if (lower)
			*s = (char)tolower((unsigned char)*s);
	}
}

/* str_numth: the ordinal suffix of the number ending s */
static void add_th(struct strbuf *sb, size_t start, int upper)
{
	const char *num = sb->buf + start;
	size_t len = strlen(num);
	char last = len ? num[len - 1] : 0;
	const char *suf;

	if (len > 1 && num[len - 2] == '1')
		last = '0';
	switch (last) {
	case '1':
		suf = upper ? "ST" : "st";
		break;
	case '2':
		suf = upper ? "ND" : "nd";
		break;
	case '3':
		suf = upper ? "RD" : "rd";
		break;
	default:
		suf = upper ? "TH" : "th";
		break;
	}
	sb_adds(sb, suf);
}

static int adjust_year(int year, int is_interval)
{
	return is_interval ? year : (year <= 0 ? -(year - 1) : year);
}

static void put_num(struct strbuf *sb, const struct node *nd, int width, long long v)
{
	size_t start = sb->len;

	sb_addf(sb, "%0*lld", (nd->suffix & S_FM) ? 0 : width, v);
	if (nd->suffix & (S_TH | S_th))
		add_th(sb, start, (nd->suffix & S_TH) != 0);
}

static void put_lastdigits(struct strbuf *sb, const struct node *nd, int digits, int v)
{
	char buf[32];
	size_t len, start = sb->len;

	snprintf(buf, sizeof(buf), "%0*d", (nd->suffix & S_FM) ? 0 : digits, v < 0 ? -v : v);
	len = strlen(buf);
	if (v < 0)
		sb_addch(sb, '-'); /* an interval's negative years keep their sign */
	sb_adds(sb, buf + (len > (size_t)digits ? len - (size_t)digits : 0));
	if (nd->suffix & (S_TH | S_th))
		add_th(sb, start, (nd->suffix & S_TH) != 0);
}

static void put_text(struct strbuf *sb, const struct node *nd, const char *word,
		     int pad, int upper, int lower)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s", word);
	str_case(buf, upper, lower);
	if (pad && !(nd->suffix & S_FM))
		sb_addf(sb, "%-*s", pad, buf);
	else
		sb_adds(sb, buf);
}

static void dch_to_char(const struct node *v, int n, const struct ctm *tm,
			int is_interval, struct strbuf *sb)
{
	for (int i = 0; i < n; i++) {
		const struct node *nd = &v[i];
		int pm = tm->hour % 24 >= 12;
		int y;

		switch (nd->key) {
		case K_NONE:
			sb_adds(sb, nd->ch);
			break;
		case K_FX:
			break;
		case K_A_M: case K_P_M:
			sb_adds(sb, pm ? "P.M." : "A.M.");
			break;
		case K_AM: case K_PM:
			sb_adds(sb, pm ? "PM" : "AM");
			break;
		case K_a_m: case K_p_m:
			sb_adds(sb, pm ? "p.m." : "a.m.");
			break;
		case K_am: case K_pm:
			sb_adds(sb, pm ? "pm" : "am");
			break;
		case K_HH: case K_HH12: {
			long long h = tm->hour % 12 == 0 ? 12 : tm->hour % 12;

			put_num(sb, nd, tm->hour >= 0 ? 2 : 3, h);
			break;
		}
		case K_HH24:
			put_num(sb, nd, tm->hour >= 0 ? 2 : 3, tm->hour);
			break;
		case K_MI:
			put_num(sb, nd, tm->min >= 0 ? 2 : 3, tm->min);
			break;
		case K_SS:
			put_num(sb, nd, tm->sec >= 0 ? 2 : 3, tm->sec);
			break;
		case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5:
		case K_FF6: case K_MS: case K_US: {
			static const int64_t div[] = { 100000, 10000, 1000, 100, 10, 1 };
			int d = nd->key == K_MS ? 3 : nd->key == K_US ? 6 :
				(int)(nd->key - K_FF1) + 1;
			size_t start = sb->len;

			sb_addf(sb, "%0*d", d, (int)(tm->fsec / div[d - 1]));
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_SSSS: case K_SSSSS: {
			size_t start = sb->len;

			sb_addf(sb, "%lld", (long long)(tm->hour * 3600 + tm->min * 60 + tm->sec));
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_tz:
			if (tm->has_tz)
				sb_adds(sb, "utc");
			break;
		case K_TZ:
			if (tm->has_tz)
				sb_adds(sb, "UTC");
			break;
		case K_TZH:
			sb_adds(sb, "+00");
			break;
		case K_TZM:
			sb_adds(sb, "00");
			break;
		case K_OF:
			sb_addf(sb, "+%0*d", (nd->suffix & S_FM) ? 0 : 2, 0);
			break;
		case K_A_D: case K_B_C:
			sb_adds(sb, tm->year <= 0 ? "B.C." : "A.D.");
			break;
		case K_AD: case K_BC:
			sb_adds(sb, tm->year <= 0 ? "BC" : "AD");
			break;
		case K_a_d: case K_b_c:
			sb_adds(sb, tm->year <= 0 ? "b.c." : "a.d.");
			break;
		case K_ad: case K_bc:
			sb_adds(sb, tm->year <= 0 ? "bc" : "ad");
			break;
		case K_MONTH: case K_Month: case K_month:
			if (!tm->mon)
				break;
			put_text(sb, nd, months_full[tm->mon - 1], 9, nd->key == K_MONTH,
				 nd->key == K_month);
			break;
		case K_MON: case K_Mon: case K_mon: {
			char ab[4];

			if (!tm->mon)
				break;
			snprintf(ab, sizeof(ab), "%s", months_full[tm->mon - 1]);
			put_text(sb, nd, ab, 0, nd->key == K_MON, nd->key == K_mon);
			break;
		}
		case K_MM:
			put_num(sb, nd, tm->mon >= 0 ? 2 : 3, tm->mon);
			break;
		case K_DAY: case K_Day: case K_day:
			put_text(sb, nd, days_full[tm->wday], 9, nd->key == K_DAY,
				 nd->key == K_day);
			break;
		case K_DY: case K_Dy: case K_dy: {
			char ab[4];

			snprintf(ab, sizeof(ab), "%s", days_full[tm->wday]);
			put_text(sb, nd, ab, 0, nd->key == K_DY, nd->key == K_dy);
			break;
		}
		case K_DDD:
			put_num(sb, nd, 3, tm->yday);
			break;
		case K_IDDD:
			put_num(sb, nd, 3, dt_date2isoyearday(tm->year, tm->mon, tm->mday));
			break;
		case K_DD:
			put_num(sb, nd, 2, tm->mday);
			break;
		case K_D: {
			size_t start = sb->len;

			sb_addf(sb, "%d", tm->wday + 1);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_ID: {
			size_t start = sb->len;

			sb_addf(sb, "%d", tm->wday == 0 ? 7 : tm->wday);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_WW:
			put_num(sb, nd, 2, (tm->yday - 1) / 7 + 1);
			break;
		case K_IW:
			put_num(sb, nd, 2, dt_date2isoweek(tm->year, tm->mon, tm->mday));
			break;
		case K_Q: {
			size_t start = sb->len;

			if (!tm->mon)
				break;
			sb_addf(sb, "%d", (tm->mon - 1) / 3 + 1);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_CC: {
			int c;
			size_t start = sb->len;

			if (is_interval)
				c = tm->year / 100;
			else if (tm->year > 0)
				c = (tm->year - 1) / 100 + 1; /* century 20 is 1901-2000 */
			else
				c = tm->year / 100 - 1;
			if (c <= 99 && c >= -99)
				sb_addf(sb, "%0*d", (nd->suffix & S_FM) ? 0 : c >= 0 ? 2 : 3, c);
			else
				sb_addf(sb, "%d", c);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_Y_YYY: {
			size_t start = sb->len;

			y = adjust_year(tm->year, is_interval);
			sb_addf(sb, "%d,%03d", y / 1000, y - (y / 1000) * 1000);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_YYYY: case K_IYYY: {
			size_t start = sb->len;

			y = nd->key == K_YYYY ? adjust_year(tm->year, is_interval) :
			    adjust_year(dt_date2isoyear(tm->year, tm->mon, tm->mday), is_interval);
			if (tm->year <= 9999 && tm->year >= -9998)
				sb_addf(sb, "%0*d", (nd->suffix & S_FM) ? 0 : y >= 0 ? 4 : 5, y);
			else
				sb_addf(sb, "%d", y);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_YYY: case K_IYY: case K_YY: case K_IY: case K_Y: case K_I: {
			int digits = (nd->key == K_YYY || nd->key == K_IYY) ? 3 :
				     (nd->key == K_YY || nd->key == K_IY) ? 2 : 1;
			int iso = nd->key == K_IYY || nd->key == K_IY || nd->key == K_I;

			y = adjust_year(iso ? dt_date2isoyear(tm->year, tm->mon, tm->mday) :
					tm->year, is_interval);
			put_lastdigits(sb, nd, digits, y);
			break;
		}
		case K_RM: case K_rm:
			if (!tm->mon)
				break;
			put_text(sb, nd, rm_upper[12 - tm->mon], 4, 0, nd->key == K_rm);
			break;
		case K_W: {
			size_t start = sb->len;

			sb_addf(sb, "%d", (tm->mday - 1) / 7 + 1);
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		case K_J: {
			size_t start = sb->len;

			sb_addf(sb, "%d", dt_date2j(tm->year, tm->mon, tm->mday));
			if (nd->suffix & (S_TH | S_th))
				add_th(sb, start, (nd->suffix & S_TH) != 0);
			break;
		}
		}
	}
}

/* user data: PGK_TIMESTAMP, PGK_TIMESTAMPTZ or PGK_INTERVAL */
static void fn_to_char(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx);
	const char *fmt, *why = NULL;
	struct pgdt_value v;
	struct node *nodes = NULL;
	struct strbuf sb;
	struct ctm tm;
	int n;

	if (pgfn_any_null(argc, argv) || dtf_arg(ctx, argv[0], kind, &v) < 0)
		return;
	fmt = (const char *)sqlite3_value_text(argv[1]);
	if (!fmt || !*fmt) {
		sqlite3_result_null(ctx); /* an empty template gives NULL */
		return;
	}
	memset(&tm, 0, sizeof(tm));
	if (kind == PGK_INTERVAL) {
		int64_t t = v.time;

		tm.year = v.month / 12;
		tm.mon = v.month % 12;
		tm.mday = v.date;
		tm.hour = t / DT_USECS_PER_HOUR;
		t -= tm.hour * DT_USECS_PER_HOUR;
		tm.min = (int)(t / DT_USECS_PER_MINUTE);
		t -= tm.min * DT_USECS_PER_MINUTE;
		tm.sec = (int)(t / DT_USECS_PER_SEC);
		tm.fsec = t - tm.sec * DT_USECS_PER_SEC;
		tm.yday = (tm.year * 12 + tm.mon) * 30 + tm.mday;
	} else {
		struct dt_tm d;
		int j;

		if (!dt_ts_finite(v.time)) {
			sqlite3_result_null(ctx); /* to_char of infinity is NULL */
			return;
		}
		if (dt_ts2tm(v.time, &d) < 0) {
			pgfn_error(ctx, "timestamp out of range");
			return;
		}
		tm.year = d.year;
		tm.mon = d.mon;
		tm.mday = d.mday;
		tm.hour = d.hour;
		tm.min = d.min;
		tm.sec = d.sec;
		tm.fsec = d.usec;
		j = dt_date2j(d.year, d.mon, d.mday);
		tm.wday = (j + 1) % 7;
		tm.yday = j - dt_date2j(d.year, 1, 1) + 1;
		tm.has_tz = kind == PGK_TIMESTAMPTZ;
	}
	n = parse_format(fmt, &nodes);
	if (n < 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (check_nodes(nodes, n, 0, kind == PGK_INTERVAL, &why) < 0) {
		pgfn_error(ctx, "%s", why);
		free(nodes);
		return;
	}
	sb_init(&sb, 64);
	dch_to_char(nodes, n, &tm, kind == PGK_INTERVAL, &sb);
	free(nodes);
	sqlite3_result_text(ctx, sb.buf, (int)sb.len, SQLITE_TRANSIENT);
	sb_release(&sb);
}

/* ===================================================== to_timestamp/to_date */

struct ftm {
	int year, mon, mday, hour, min, sec, yday, j;
	int64_t fsec;
	int has_year, has_mon, has_mday, has_yday, has_j;
	int yysz;         /* digits the year was given in (2 for YY: 1970-2069) */
	int clock12;      /* HH/HH12 seen */
	int pm;           /* -1 none, 0 AM, 1 PM */
	int bc;
};

/* the keywords that read digits (PostgreSQL's is_digit) */
static int digit_key(enum kw k)
{
	switch (k) {
	case K_NONE: case K_A_D: case K_A_M: case K_AD: case K_AM: case K_B_C:
	case K_BC: case K_DAY: case K_DY: case K_Day: case K_Dy: case K_FX:
	case K_MONTH: case K_MON: case K_Month: case K_Mon: case K_P_M:
	case K_PM: case K_RM: case K_TZ: case K_a_d: case K_a_m: case K_ad:
	case K_am: case K_b_c: case K_bc: case K_day: case K_dy: case K_month:
	case K_mon: case K_p_m: case K_pm: case K_rm: case K_tz: case K_OF:
		return 0;
	default:
		return 1;
	}
}

/* is_next_separator: may a number here take every digit there is? */
static int next_is_separator(const struct node *nd, const struct node *next)
{
	if (nd->suffix & (S_TH | S_th))
		return 1;
	if (!next)
		return 1;
	if (next->key != K_NONE)
		return !digit_key(next->key);
	return !(next->ch[1] == '\0' && isdigit((unsigned char)next->ch[0]));
}

/*
 * from_char_parse_int_len: a number of len characters, or as many digits
 * as there are when the field is FM or a separator follows.
 */
static int read_int(sqlite3_context *ctx, const char **src, int len,
		    const struct node *nd, const struct node *next, int *out)
{
	const char *s = *src;
	char copy[32], *end;
	long v;
	size_t used;

	while (isspace((unsigned char)*s))
		s++;
	snprintf(copy, sizeof(copy), "%.*s", len, s);
	used = strlen(copy);
	errno = 0;
	if ((nd->suffix & S_FM) || next_is_separator(nd, next)) {
		v = strtol(s, &end, 10);
		if (end == s)
			goto invalid;
		s = end;
	} else {
		if ((int)used < len) {
			pgfn_error(ctx, "source string too short for \"%.*s\" formatting field",
				   nd->kwlen, nd->kwname);
			return -1;
		}
		v = strtol(copy, &end, 10);
		used = (size_t)(end - copy);
		if (used > 0 && (int)used < len) {
			pgfn_error(ctx, "invalid value \"%s\" for \"%.*s\"", copy,
				   nd->kwlen, nd->kwname);
			return -1;
		}
		if (used == 0)
			goto invalid;
		s += used;
	}
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
		pgfn_error(ctx, "value for \"%.*s\" in source string is out of range",
			   nd->kwlen, nd->kwname);
		return -1;
	}
	*out = (int)v;
	*src = s;
	return 0;
invalid:
	pgfn_error(ctx, "invalid value \"%s\" for \"%.*s\"", copy, nd->kwlen, nd->kwname);
	return -1;
}

/* from_char_set_int: 0 means "not given", as PostgreSQL's zeroed fields */
static int set_field(sqlite3_context *ctx, int *field, int *has, int v,
		     const struct node *nd)
{
	if (*has && *field != 0 && *field != v) {
		pgfn_error(ctx, "conflicting values for \"%.*s\" field in formatting string",
			   nd->kwlen, nd->kwname);
		return -1;
	}
	if (*has && *field != 0 && v == 0)
		return 0;
	*field = v;
	*has = v != 0;
	return 0;
}

/* a case-insensitive word out of list; its index or -1 */
static int read_word(const char **src, const char *const *list, int n, int abbrev)
{
	for (int i = 0; i < n; i++) {
		size_t len = abbrev ? 3 : strlen(list[i]);

		if (strncasecmp(*src, list[i], len) == 0) {
			*src += len;
			return i;
		}
	}
	return -1;
}

/* is_separator_char: printable ASCII other than letters and digits */
static int is_separator(unsigned char c)
{
	return c > 0x20 && c < 0x7F && !isalnum(c);
}

static int dch_from_char(sqlite3_context *ctx, const struct node *v, int n,
			 const char *s, struct ftm *out)
{
	int fx = 0, val, dummy = 0, extra_skip = 0;

	/* DCH_from_char: the loop ends with the template or the input */
	for (int i = 0; i < n && *s; i++) {
		const struct node *nd = &v[i];
		const struct node *next = i + 1 < n ? &v[i + 1] : NULL;

		if (nd->key == K_FX) {
			fx = 1;
			continue;
		}
		/* spaces are skipped at the start and before template text */
		if (!fx && (nd->key == K_NONE || i == 0)) {
			while (*s && isspace((unsigned char)*s)) {
				s++;
				extra_skip++;
			}
		}
		if (nd->key == K_NONE &&
		    (nd->is_space || is_separator((unsigned char)nd->ch[0]))) {
			/* one space or separator matches one, or none */
			if (!fx) {
				extra_skip--;
				if (*s && (isspace((unsigned char)*s) ||
					   is_separator((unsigned char)*s))) {
					s++;
					extra_skip++;
				}
			} else if (*s) {
				s += utf8_len(s);
			}
			continue;
		}
		if (nd->key == K_NONE) {
			/* other text consumes a character, unless spaces were skipped */
			if (!fx && extra_skip > 0)
				extra_skip--;
			else if (*s)
				s += utf8_len(s);
			continue;
		}
		if (!*s)
			break;
		switch (nd->key) {
		case K_YYYY: {
			int start_digits;
			const char *p;

			while (*s == ' ')
				s++;
			p = s;
			if (read_int(ctx, &s, 4, nd, next, &val) < 0)
				return -1;
			start_digits = (int)(s - p);
			(void)start_digits;
			if (set_field(ctx, &out->year, &out->has_year, val, nd) < 0)
				return -1;
			out->yysz = 4;
			break;
		}
		case K_YYY: case K_YY: case K_Y: {
			int digits = nd->key == K_YYY ? 3 : nd->key == K_YY ? 2 : 1;
			const char *p = s;

			while (isspace((unsigned char)*p))
				p++;
			if (read_int(ctx, &s, digits, nd, next, &val) < 0)
				return -1;
			/* adjust_partial_year_to_2020: '70' is 1970, '69' 2069 */
			if (s - p < 4) {
				if (val < 70)
					val += 2000;
				else if (val < 100)
					val += 1900;
				else if (val < 520)
					val += 2000;
				else if (val < 1000)
					val += 1000;
			}
			if (set_field(ctx, &out->year, &out->has_year, val, nd) < 0)
				return -1;
			break;
		}
		case K_MM:
			if (read_int(ctx, &s, 2, nd, next, &val) < 0 ||
			    set_field(ctx, &out->mon, &out->has_mon, val, nd) < 0)
				return -1;
			break;
		case K_DD:
			if (read_int(ctx, &s, 2, nd, next, &val) < 0 ||
			    set_field(ctx, &out->mday, &out->has_mday, val, nd) < 0)
				return -1;
			break;
		case K_DDD:
			if (read_int(ctx, &s, 3, nd, next, &val) < 0 ||
			    set_field(ctx, &out->yday, &out->has_yday, val, nd) < 0)
				return -1;
			break;
		case K_J:
			if (read_int(ctx, &s, 7, nd, next, &val) < 0 ||
			    set_field(ctx, &out->j, &out->has_j, val, nd) < 0)
				return -1;
			break;
		case K_HH: case K_HH12: case K_HH24:
			if (read_int(ctx, &s, 2, nd, next, &val) < 0)
				return -1;
			out->hour = val;
			if (nd->key != K_HH24)
				out->clock12 = 1;
			break;
		case K_MI:
			if (read_int(ctx, &s, 2, nd, next, &val) < 0)
				return -1;
			out->min = val;
			break;
		case K_SS:
			if (read_int(ctx, &s, 2, nd, next, &val) < 0)
				return -1;
			out->sec = val;
			break;
		case K_MS: case K_US: case K_FF1: case K_FF2: case K_FF3:
		case K_FF4: case K_FF5: case K_FF6: {
			int d = nd->key == K_MS ? 3 : nd->key == K_US ? 6 :
				(int)(nd->key - K_FF1) + 1;
			const char *p = s;
			int64_t f;
			int len, scale = nd->key == K_MS ? 3 : 6;

			while (isspace((unsigned char)*p))
				p++;
			if (read_int(ctx, &s, d, nd, next, &val) < 0)
				return -1;
			/* the digits read are a fraction: "5" in MS is 500 ms,
			   "12" in FF2 120 ms; more digits than that overflow */
			len = (int)(s - p);
			f = val;
			for (int k = len; k < scale; k++)
				f *= 10;
			if (nd->key == K_MS)
				f *= 1000;
			out->fsec = f;
			break;
		}
		case K_AM: case K_PM: case K_am: case K_pm: {
			static const char *const w[] = { "am", "pm" };
			int k = read_word(&s, w, 2, 0);

			if (k < 0)
				goto badword;
			out->pm = k;
			out->clock12 = 1;
			break;
		}
		case K_A_M: case K_P_M: case K_a_m: case K_p_m: {
			static const char *const w[] = { "a.m.", "p.m." };
			int k = read_word(&s, w, 2, 0);

			if (k < 0)
				goto badword;
			out->pm = k;
			out->clock12 = 1;
			break;
		}
		case K_AD: case K_BC: case K_ad: case K_bc: {
			static const char *const w[] = { "ad", "bc" };
			int k = read_word(&s, w, 2, 0);

			if (k < 0)
				goto badword;
			out->bc = k;
			break;
		}
		case K_A_D: case K_B_C: case K_a_d: case K_b_c: {
			static const char *const w[] = { "a.d.", "b.c." };
			int k = read_word(&s, w, 2, 0);

			if (k < 0)
				goto badword;
			out->bc = k;
			break;
		}
		case K_MONTH: case K_Month: case K_month:
			val = read_word(&s, months_full, 12, 0);
			if (val < 0)
				goto badword;
			if (set_field(ctx, &out->mon, &out->has_mon, val + 1, nd) < 0)
				return -1;
			break;
		case K_MON: case K_Mon: case K_mon:
			val = read_word(&s, months_full, 12, 1);
			if (val < 0)
				goto badword;
			if (set_field(ctx, &out->mon, &out->has_mon, val + 1, nd) < 0)
				return -1;
			break;
		case K_DAY: case K_Day: case K_day:
			if (read_word(&s, days_full, 7, 0) < 0)
				goto badword;
			break;
		case K_DY: case K_Dy: case K_dy:
			if (read_word(&s, days_full, 7, 1) < 0)
				goto badword;
			break;
		default:
			dummy++;
			break;
		}
		continue;
badword: {
		size_t w = 0;

		while (s[w] && !isspace((unsigned char)s[w]))
			w++;
		pgfn_error(ctx, "invalid value \"%.*s\" for \"%.*s\"", (int)w, s,
			   nd->kwlen, nd->kwname);
		return -1;
	}
	}
	(void)dummy;
	return 0;
}

/* do_to_timestamp's checks and conversion; result in *ts (and date) */
static int ftm_to_ts(sqlite3_context *ctx, struct ftm *f, const char *src,
		     int want_date, int64_t *ts, int32_t *date)
{
	struct dt_tm tm;
	int y = 0; /* no year (or year 0) is 1 BC, as PostgreSQL leaves it */

	if (f->clock12) {
		if (f->hour < 1 || f->hour > 12) {
			pgfn_error(ctx, "hour \"%d\" is invalid for the 12-hour clock", f->hour);
			return -1;
		}
		if (f->pm == 1 && f->hour < 12)
			f->hour += 12;
		else if (f->pm != 1 && f->hour == 12)
			f->hour = 0;
	}
	if (f->has_year && f->year != 0) {
		y = f->bc ? -f->year : f->year;
		if (y < 0)
			y++; /* 1 BC is year 0 */
	}
	memset(&tm, 0, sizeof(tm));
	tm.year = y;
	tm.mon = f->has_mon ? f->mon : 1;
	tm.mday = f->has_mday ? f->mday : 1;
	if (f->has_j) {
		dt_j2date(f->j, &tm.year, &tm.mon, &tm.mday);
	} else if (f->has_yday && !f->has_mday) {
		if (!f->has_year) {
			pgfn_error(ctx, "cannot calculate day of year without year information");
			return -1;
		}
		dt_j2date(dt_date2j(tm.year, 1, 1) + f->yday - 1, &tm.year, &tm.mon, &tm.mday);
	}
	if (tm.mon < 1 || tm.mon > 12 || tm.mday < 1 ||
	    tm.mday > dt_days_in_month(tm.year, tm.mon)) {
		pgfn_error(ctx, "date/time field value out of range: \"%s\"", src);
		return -1;
	}
	tm.hour = f->hour;
	tm.min = f->min;
	tm.sec = f->sec;
	tm.usec = f->fsec;
	if (tm.hour < 0 || tm.hour >= 24 || tm.min < 0 || tm.min > 59 ||
	    tm.sec < 0 || tm.sec >= 60 || tm.usec < 0 || tm.usec >= 1000000) {
		pgfn_error(ctx, "date/time field value out of range: \"%s\"", src);
		return -1;
	}
	if (want_date) {
		int64_t d = (int64_t)dt_date2j(tm.year, tm.mon, tm.mday) - DT_EPOCH_JDATE;

		if (!dt_date_valid(d)) {
			pgfn_error(ctx, "date out of range");
			return -1;
		}
		*date = (int32_t)d;
		return 0;
	}
	if (dt_tm2ts(&tm, ts) < 0) {
		pgfn_error(ctx, "timestamp out of range");
		return -1;
	}
	return 0;
}

/* user data: PGK_TIMESTAMPTZ (to_timestamp) or PGK_DATE (to_date) */
static void fn_to_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int kind = (int)(intptr_t)sqlite3_user_data(ctx);
	const char *src, *fmt, *why = NULL;
	struct node *nodes = NULL;
	struct pgdt_value v = { 0, 0, 0, 0 };
	struct ftm f;
	int n;

	if (pgfn_any_null(argc, argv))
		return;
	src = (const char *)sqlite3_value_text(argv[0]);
	fmt = (const char *)sqlite3_value_text(argv[1]);
	if (!src || !fmt) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	n = parse_format(fmt, &nodes);
	if (n < 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (check_nodes(nodes, n, 1, 0, &why) < 0) {
		pgfn_error(ctx, "%s", why);
		free(nodes);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.pm = -1;
	if (dch_from_char(ctx, nodes, n, src, &f) < 0 ||
	    ftm_to_ts(ctx, &f, src, kind == PGK_DATE, &v.time, &v.date) < 0) {
		free(nodes);
		return;
	}
	free(nodes);
	dtf_result(ctx, kind, &v);
}

int dtf_register_fmt(sqlite3 *db)
{
	static const struct {
		const char *name;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		intptr_t ud;
	} fns[] = {
		{ "pg_timestamp_to_char", fn_to_char, PGK_TIMESTAMP },
		{ "pg_timestamptz_to_char", fn_to_char, PGK_TIMESTAMPTZ },
		{ "pg_interval_to_char", fn_to_char, PGK_INTERVAL },
		{ "pg_to_timestamp", fn_to_timestamp, PGK_TIMESTAMPTZ },
		{ "pg_to_date", fn_to_timestamp, PGK_DATE },
	};
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < ARRAY_SIZE(fns); i++)
		rc = sqlite3_create_function(db, fns[i].name, 2,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC,
					     (void *)fns[i].ud, fns[i].fn, NULL, NULL);
	return rc;
}
