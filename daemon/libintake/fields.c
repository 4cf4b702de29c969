/*
 * fields.c - the normalised value of one form field, from its OCR text.
 *
 * Every type goes through the same cleaning first (clean_text): the text
 * must be valid UTF-8, whitespace of any kind collapses to single spaces,
 * and the characters a box edge or an underline leaves at the ends of a
 * reading are dropped.  Each type then parses what is left strictly and
 * repairs OCR's letter-for-digit confusions only inside runs of digits,
 * counting each repair.  Whatever cannot be read without guessing is
 * FIELD_INVALID: a person looks at it, which is cheap, while a wrong value
 * reported as valid is not.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake.h"
#include "fields.h"

#define REPAIR_DIGIT	0.15	/* one letter read for a digit */
#define REPAIR_EDGE	0.2	/* a '|'-like edge dropped against a digit */

#define AMOUNT_MAX_DIGITS	15	/* before the decimal point */
#define INTEGER_MAX_DIGITS	18	/* fits an int64_t for range checks */
#define AMOUNT_MAX_RUNS		64

/*
 * Characters a form box leaves at the ends of a reading: its edges, its
 * underline, dashes.  They are dropped even when they touch the text.
 * The first group also looks like a '1' when it touches a digit.
 */
static const char *const edge_one[] = {
	"|", "[", "]", "\xc2\xa6" /* ¦ */, "\xe2\x80\x96" /* ‖ */,
	"\xe2\x94\x82" /* │ */, "\xe2\x94\x83" /* ┃ */, NULL
};
static const char *const edge_under[] = { "_", NULL };
static const char *const edge_other[] = {
	"{", "}", "\\", "\xc2\xaf" /* ¯ */, "\xe2\x80\xbe" /* ‾ */,
	"\xe2\x94\x80" /* ─ */, "\xe2\x94\x81" /* ━ */, NULL
};
/* Dashes: edge junk too, except where they could be a minus sign. */
static const char *const edge_dash[] = {
	"\xe2\x80\x94" /* — */, "\xe2\x80\x93" /* – */, NULL
};
/* Specks and punctuation: dropped at the ends of free text only when they
 * stand alone as a word (". Müller", "Anna -"), never when they touch. */
static const char *const speck[] = {
	".", ",", ";", ":", "'", "`", "\"", "-", "*", "^", "!", "~", "/",
	"\xc2\xb0" /* ° */, "\xe2\x80\x9e" /* „ */, "\xe2\x80\x9c" /* “ */,
	"\xe2\x80\x9d" /* ” */, "\xe2\x80\x98" /* ‘ */, "\xe2\x80\x99" /* ’ */,
	"\xe2\x80\x9a" /* ‚ */, NULL
};

/* Unicode spaces OCR engines emit; all become ' '. */
static const char *const spaces[] = {
	"\xc2\xa0", "\xe2\x80\x87", "\xe2\x80\x89", "\xe2\x80\xaf", NULL
};
/* Invisible characters that are dropped. */
static const char *const invisible[] = {
	"\xe2\x80\x8b" /* zero width space */, "\xef\xbb\xbf" /* BOM */, NULL
};

/* What clean_text() may drop at the ends besides box edges. */
#define CLEAN_DASHES	0x1	/* dashes (not where one may be a minus) */
#define CLEAN_UNDERSCORE 0x2	/* underscores (not where one may be real) */
#define CLEAN_SPECKS	0x4	/* stand-alone punctuation words */

struct clean {
	char	s[FIELD_RAW_MAX + 1];
	size_t	len;
	bool	edge_digit;	/* a '1'-like edge was dropped against a digit */
};

/* ---- helpers ------------------------------------------------------------ */

static void	set_invalid(struct field_result *, const char *, ...)
		    PRINTF_LIKE(2, 3);
static void	invalid_read(struct field_result *, const struct clean *,
		    const char *) PRINTF_LIKE(3, 0);

static void
set_invalid(struct field_result *r, const char *fmt, ...)
{
	va_list ap;

	r->check = FIELD_INVALID;
	r->value[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	/* vsnprintf may have cut a UTF-8 sequence at the end of why. */
	{
		size_t n = strlen(r->why), k = n;

		while (k > 0 && ((unsigned char)r->why[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)r->why[k - 1] & 0x80)) {
			unsigned char lead = (unsigned char)r->why[k - 1];
			size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

			if (n - (k - 1) < want)
				r->why[k - 1] = '\0';
		}
	}
}

static void
set_ok(struct field_result *r, const char *value, double repair)
{
	size_t len = strlen(value);

	if (len >= sizeof(r->value)) {
		set_invalid(r, "the value is longer than %zu bytes",
		    sizeof(r->value) - 1);
		return;
	}
	r->check = FIELD_OK;
	memcpy(r->value, value, len + 1);
	r->why[0] = '\0';
	r->repair = repair > 1.0 ? 1.0 : repair;
}

/*
 * Copies s into buf (size n) for quoting in a message, cut at a character
 * boundary with "..." when it does not fit.
 */
static const char *
quote(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s), k;

	if (len < n) {
		memcpy(buf, s, len + 1);
		return buf;
	}
	k = n - 4;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	memcpy(buf, s, k);
	memcpy(buf + k, "...", 4);
	return buf;
}

/* r is invalid, with why fmt, whose one %s is the value read, quoted
 * and cut to fit.  Every caller's fmt is a literal, checked there
 * (PRINTF_LIKE(3, 0)); only the passing on is not. */
static void
invalid_read(struct field_result *r, const struct clean *c, const char *fmt)
{
	char q[48];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	set_invalid(r, fmt, quote(c->s, q, sizeof(q)));
#pragma GCC diagnostic pop
}

static bool
utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Length of the entry of list that s (n bytes) starts with, or 0. */
static size_t
match_head(const char *s, size_t n, const char *const *list)
{
	size_t i, l;

	for (i = 0; list[i] != NULL; i++) {
		l = strlen(list[i]);
		if (l <= n && memcmp(s, list[i], l) == 0)
			return l;
	}
	return 0;
}

/* Length of the entry of list that s (n bytes) ends with, or 0. */
static size_t
match_tail(const char *s, size_t n, const char *const *list)
{
	size_t i, l;

	for (i = 0; list[i] != NULL; i++) {
		l = strlen(list[i]);
		if (l <= n && memcmp(s + n - l, list[i], l) == 0)
			return l;
	}
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The digit OCR often reads as this letter, or 0. */
static char
confusable_digit(char c)
{
	switch (c) {
	case 'O': case 'o':
		return '0';
	case 'l': case 'I': case '|':
		return '1';
	case 'S':
		return '5';
	case 'B':
		return '8';
	default:
		return 0;
	}
}

/*
 * Length of the edge junk s (n bytes) starts with (or, tail, ends with),
 * or 0; *one tells whether it looks like a '1'.
 */
static size_t
edge_len(const char *s, size_t n, int flags, bool tail, bool *one)
{
	size_t (*match)(const char *, size_t, const char *const *) =
	    tail ? match_tail : match_head;
	size_t k;

	*one = false;
	if ((k = match(s, n, edge_one)) > 0) {
		*one = true;
		return k;
	}
	if ((k = match(s, n, edge_other)) > 0)
		return k;
	if ((flags & CLEAN_UNDERSCORE) && (k = match(s, n, edge_under)) > 0)
		return k;
	if ((flags & CLEAN_DASHES) && (k = match(s, n, edge_dash)) > 0)
		return k;
	return 0;
}

/* Whether the word [s, s + n) is made only of edge junk and specks. */
static bool
junk_word(const char *s, size_t n, int flags)
{
	size_t k;
	bool one;

	while (n > 0) {
		if ((k = edge_len(s, n, flags, false, &one)) == 0 &&
		    (k = match_head(s, n, speck)) == 0)
			return false;
		s += k;
		n -= k;
	}
	return true;
}

/*
 * The cleaning every type shares; 0, or -1 when raw is too long or not
 * UTF-8 (with r set invalid).  flags (CLEAN_*) say what else than box
 * edges may go at the ends.
 */
static int
clean_text(const char *raw, int flags, struct clean *c,
    struct field_result *r)
{
	size_t rawlen, i, k, start, end;
	bool space = true, changed, one;

	c->len = 0;
	c->s[0] = '\0';
	c->edge_digit = false;
	if (raw == NULL)
		return 0;
	rawlen = strnlen(raw, FIELD_RAW_MAX + 1);
	if (rawlen > FIELD_RAW_MAX) {
		set_invalid(r, "the text read is longer than %d bytes",
		    FIELD_RAW_MAX);
		return -1;
	}
	if (!utf8_valid((const unsigned char *)raw, rawlen)) {
		set_invalid(r, "the text read is not valid UTF-8");
		return -1;
	}

	/* Collapse whitespace and control characters to single spaces. */
	for (i = 0; i < rawlen; i += k) {
		unsigned char ch = (unsigned char)raw[i];
		bool ws = false;

		k = 1;
		if (ch < 0x20 || ch == ' ' || ch == 0x7f)
			ws = true;
		else if ((k = match_head(raw + i, rawlen - i, spaces)) > 0)
			ws = true;
		else if ((k = match_head(raw + i, rawlen - i, invisible)) > 0)
			continue;
		else
			k = 1;
		if (ws) {
			if (!space)
				c->s[c->len++] = ' ';
			space = true;
		} else {
			c->s[c->len++] = raw[i];
			space = false;
		}
	}

	/* Drop junk at both ends until none is left. */
	start = 0;
	end = c->len;
	do {
		const char *s;
		size_t n;

		changed = false;
		while (start < end && c->s[start] == ' ')
			start++;
		while (end > start && c->s[end - 1] == ' ')
			end--;
		s = c->s + start;
		n = end - start;
		if (n == 0)
			break;
		if ((k = edge_len(s, n, flags, false, &one)) > 0) {
			if (one && k < n && is_digit(s[k]))
				c->edge_digit = true;
			start += k;
			changed = true;
		} else if ((k = edge_len(s, n, flags, true, &one)) > 0) {
			if (one && k < n && is_digit(s[n - k - 1]))
				c->edge_digit = true;
			end -= k;
			changed = true;
		} else if (flags & CLEAN_SPECKS) {
			const char *sp = memchr(s, ' ', n);
			size_t first = sp != NULL ? (size_t)(sp - s) : n;
			size_t last = 0;

			for (k = n; k > 0 && s[k - 1] != ' '; k--)
				last++;
			if (junk_word(s, first, flags)) {
				start += first;
				changed = true;
			} else if (junk_word(s + n - last, last, flags)) {
				end -= last;
				changed = true;
			}
		}
	} while (changed);

	memmove(c->s, c->s + start, end - start);
	c->len = end - start;
	c->s[c->len] = '\0';
	return 0;
}

/*
 * Reads a run of digits and letters OCR confuses with digits from p into
 * out (size outsz, always terminated; *ndig counts every digit even past
 * the buffer).  Counts real digits and repairs.  Returns bytes consumed.
 */
static size_t
read_digits(const char *p, char *out, size_t outsz, size_t *ndig,
    unsigned *real, unsigned *repairs)
{
	size_t i, n = 0;
	char d;

	*real = *repairs = 0;
	for (i = 0; p[i] != '\0'; i++) {
		if (is_digit(p[i])) {
			d = p[i];
			(*real)++;
		} else if ((d = confusable_digit(p[i])) != 0)
			(*repairs)++;
		else
			break;
		if (n + 1 < outsz)
			out[n] = d;
		n++;
	}
	out[n < outsz ? n : outsz - 1] = '\0';
	*ndig = n;
	return i;
}

static double
repair_of(unsigned repairs)
{
	double v = repairs * REPAIR_DIGIT;

	return v > 1.0 ? 1.0 : v;
}

/* ---- the types ---------------------------------------------------------- */

static void
norm_text(const struct clean *c, struct field_result *r)
{
	if (c->len >= sizeof(r->value)) {
		set_invalid(r, "the text is longer than %zu bytes",
		    sizeof(r->value) - 1);
		return;
	}
	set_ok(r, c->s, 0);
}

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && leap_year(y))
		return 29;
	return days[m - 1];
}

/* Whether s is an ISO date "YYYY-MM-DD" that exists. */
static bool
iso_date_valid(const char *s)
{
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * Day-first dates: D.M.YYYY, DD.MM.YYYY, DD/MM/YYYY, D-M-YYYY, spaces
 * allowed around the separators, the same separator twice.  A comma read
 * for a full stop is a repair.
 */
static void
norm_date(const struct clean *c, struct field_result *r)
{
	char grp[3][8], sep[2], iso[48];
	size_t glen[3], i;
	unsigned real, rep, repairs = 0;
	const char *p = c->s;
	int day, month, year;

	for (i = 0; i < 3; i++) {
		if (i > 0)
			while (*p == ' ')
				p++;
		p += read_digits(p, grp[i], sizeof(grp[i]), &glen[i], &real,
		    &rep);
		if (glen[i] == 0 || real == 0)
			goto shape;
		repairs += rep;
		if (i == 2)
			break;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			sep[i] = '.';
			repairs++;
		} else if (*p == '.' || *p == '/' || *p == '-')
			sep[i] = *p;
		else
			goto shape;
		p++;
	}
	if (*p != '\0' || sep[0] != sep[1])
		goto shape;
	if (glen[0] > 2 || glen[1] > 2)
		goto shape;
	if (glen[2] != 4) {
		invalid_read(r, c,
		    "date \"%s\": the year must have four digits");
		return;
	}
	day = atoi(grp[0]);
	month = atoi(grp[1]);
	year = atoi(grp[2]);
	if (year < 1900 || year > 2100) {
		invalid_read(r, c,
		    "date \"%s\": the year is not between 1900 and 2100");
		return;
	}
	if (month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month)) {
		invalid_read(r, c,
		    "date \"%s\" does not exist in the calendar");
		return;
	}
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", year, month, day);
	set_ok(r, iso, repair_of(repairs) + (c->edge_digit ? REPAIR_EDGE : 0));
	return;
shape:
	invalid_read(r, c,
	    "date \"%s\" is not a day-first date like 03.04.1985");
}

static const char *const currency_head[] = {
	"EURO", "EUR", "GBP", "\xe2\x82\xac" /* € */, "\xc2\xa3" /* £ */, NULL
};
static const char *const currency_tail[] = {
	"EURO", "EUR", "GBP", "\xe2\x82\xac", "\xc2\xa3", NULL
};

/* Drops one currency word or sign from the start and one from the end. */
static void
strip_currency(const char **sp, size_t *lenp)
{
	const char *s = *sp;
	size_t len = *lenp, i, l;

	for (i = 0; currency_head[i] != NULL; i++) {
		l = strlen(currency_head[i]);
		if (l <= len && strncasecmp(s, currency_head[i], l) == 0 &&
		    (!is_alpha(s[0]) || l == len || !is_alpha(s[l]))) {
			s += l;
			len -= l;
			break;
		}
	}
	while (len > 0 && *s == ' ')
		s++, len--;
	for (i = 0; currency_tail[i] != NULL; i++) {
		l = strlen(currency_tail[i]);
		if (l <= len &&
		    strncasecmp(s + len - l, currency_tail[i], l) == 0 &&
		    (!is_alpha(currency_tail[i][0]) || l == len ||
		    !is_alpha(s[len - l - 1]))) {
			len -= l;
			break;
		}
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	*sp = s;
	*lenp = len;
}

/*
 * Amounts in the German (466.000,50) and English (466,000.50) conventions,
 * with spaces as grouping (1 250,00) and "466,-" for whole amounts.  The
 * decimal separator is the last separator when both kinds appear; a lone
 * separator followed by exactly three digits groups thousands; one
 * followed by one or two digits is decimal.  Anything else is refused.
 */
static void
norm_amount(const struct clean *c, struct field_result *r)
{
	char digits[FIELD_RAW_MAX + 1], sepc[AMOUNT_MAX_RUNS];
	size_t runstart[AMOUNT_MAX_RUNS], runlen[AMOUNT_MAX_RUNS];
	size_t nruns = 0, nd = 0, i, len, ndot = 0, ncomma = 0, nspace = 0;
	size_t intruns, intlen;
	unsigned real = 0, repairs = 0;
	const char *s;
	char dec = 0, intpart[AMOUNT_MAX_DIGITS + 1], frac[3] = "00";
	char out[AMOUNT_MAX_DIGITS + 8];
	bool dashcents = false;

	s = c->s;
	len = c->len;
	strip_currency(&s, &len);
	if (len >= 3 && memcmp(s + len - 3, ",--", 3) == 0) {
		dashcents = true;
		len -= 3;
	} else if (len >= 2 && (memcmp(s + len - 2, ",-", 2) == 0 ||
	    memcmp(s + len - 2, ".-", 2) == 0)) {
		dashcents = true;
		len -= 2;
	}
	if (len == 0)
		goto notnum;

	runstart[0] = 0;
	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : '\0', d;

		if (is_digit(ch)) {
			digits[nd++] = ch;
			real++;
			continue;
		}
		if ((d = confusable_digit(ch)) != 0 && i < len) {
			digits[nd++] = d;
			repairs++;
			continue;
		}
		if (i < len && ch != '.' && ch != ',' && ch != ' ')
			goto notnum;
		/* the end of a run */
		runlen[nruns] = nd - runstart[nruns];
		if (runlen[nruns] == 0 || real == 0)
			goto notnum;
		real = 0;
		if (i == len) {
			nruns++;
			break;
		}
		if (nruns + 1 >= AMOUNT_MAX_RUNS)
			goto notnum;
		sepc[nruns] = ch;
		ndot += ch == '.';
		ncomma += ch == ',';
		nspace += ch == ' ';
		nruns++;
		runstart[nruns] = nd;
	}

	/* Which separator, if any, is the decimal one. */
	if (nruns > 1) {
		char last = sepc[nruns - 2];

		if (ndot > 0 && ncomma > 0) {
			if (nspace > 0 || last == ' ' ||
			    (last == '.' ? ndot : ncomma) != 1)
				goto ambiguous;
			dec = last;
		} else if (ndot + ncomma > 0) {
			size_t nk = ndot + ncomma;

			if (nspace > 0) {
				if (nk != 1 || last == ' ')
					goto ambiguous;
				dec = last;
			} else if (nk == 1) {
				if (runlen[nruns - 1] == 3)
					dec = 0;
				else if (runlen[nruns - 1] <= 2)
					dec = last;
				else
					goto ambiguous;
			}
		}
	}
	if (dec != 0 && (runlen[nruns - 1] > 2 || dashcents))
		goto ambiguous;
	intruns = dec != 0 ? nruns - 1 : nruns;
	/* Grouping: 1-3 digits not starting with 0, then groups of three. */
	if (intruns > 1) {
		if (runlen[0] > 3 || digits[runstart[0]] == '0')
			goto ambiguous;
		for (i = 1; i < intruns; i++)
			if (runlen[i] != 3)
				goto ambiguous;
	}
	/* The integer part without leading zeros. */
	intlen = 0;
	for (i = 0; i < (intruns > 0 ? runstart[intruns - 1] +
	    runlen[intruns - 1] : 0); i++) {
		if (intlen == 0 && digits[i] == '0')
			continue;
		if (intlen == AMOUNT_MAX_DIGITS) {
			invalid_read(r, c, "amount \"%s\" is too large");
			return;
		}
		intpart[intlen++] = digits[i];
	}
	if (intlen == 0)
		intpart[intlen++] = '0';
	intpart[intlen] = '\0';
	if (dec != 0) {
		frac[0] = digits[runstart[nruns - 1]];
		if (runlen[nruns - 1] == 2)
			frac[1] = digits[runstart[nruns - 1] + 1];
	}
	snprintf(out, sizeof(out), "%s.%s", intpart, frac);
	set_ok(r, out, repair_of(repairs) + (c->edge_digit ? REPAIR_EDGE : 0));
	return;
notnum:
	invalid_read(r, c, "amount \"%s\" is not a number");
	return;
ambiguous:
	invalid_read(r, c, "amount \"%s\": cannot tell the decimal separator "
	    "from the grouping");
}

static void
norm_integer(const struct clean *c, struct field_result *r)
{
	char d[INTEGER_MAX_DIGITS + 2];
	size_t n, used, k = 0;
	unsigned real, rep;

	used = read_digits(c->s, d, sizeof(d), &n, &real, &rep);
	if (used != c->len || real == 0) {
		invalid_read(r, c, "\"%s\" is not a whole number");
		return;
	}
	if (n > INTEGER_MAX_DIGITS) {
		invalid_read(r, c, "number \"%s\" is too large");
		return;
	}
	while (k + 1 < n && d[k] == '0')
		k++;
	set_ok(r, d + k, repair_of(rep) + (c->edge_digit ? REPAIR_EDGE : 0));
}

static void
norm_postcode_de(const struct clean *c, struct field_result *r)
{
	char d[8];
	size_t n, used;
	unsigned real, rep;

	used = read_digits(c->s, d, sizeof(d), &n, &real, &rep);
	if (used != c->len || real == 0 || n != 5) {
		invalid_read(r, c, "postcode \"%s\" is not five digits");
		return;
	}
	set_ok(r, d, repair_of(rep));
}

/*
 * UK postcodes: an outward code A9, A99, AA9, AA99, A9A or AA9A and an
 * inward code 9AA, printed with one space between (or none, as OCR may
 * lose it; a space anywhere else is refused).  Letters read where
 * the pattern wants a digit are repaired; when two patterns fit with as
 * few repairs, the reading is refused.  The inward code's letters are
 * never C, I, K, M, O or V (Royal Mail leaves out those that look like
 * others): one of them is a misread.
 */
#define INWARD_NEVER	"CIKMOV"
static void
norm_postcode_uk(const struct clean *c, struct field_result *r)
{
	static const char *const outward[] = {
		"A9", "A99", "AA9", "AA99", "A9A", "AA9A", NULL
	};
	char raw[16], best[8], cand[8], out[16];
	size_t n = 0, i, j, olen, spacepos = 0, nspace = 0;
	unsigned repairs, bestrep = 99, ties = 0, inrep = 0;

	for (i = 0; i < c->len; i++) {
		if (c->s[i] == ' ') {
			nspace++;
			spacepos = n;
			continue;
		}
		if (n == 7)
			goto bad;
		raw[n++] = c->s[i];
	}
	raw[n] = '\0';
	if (n < 5)
		goto bad;
	if (strcasecmp(raw, "GIR0AA") == 0 &&
	    (nspace == 0 || (nspace == 1 && spacepos == 3))) {
		set_ok(r, "GIR 0AA", 0);
		return;
	}
	olen = n - 3;
	/* A space elsewhere than before the inward code: some other code. */
	if (nspace > 1 || (nspace == 1 && spacepos != olen))
		goto bad;
	/* inward code: a digit, then two letters; an A where the digit
	 * stands is a 4 whose top is open */
	if (!is_digit(raw[olen])) {
		char d = raw[olen] == 'A' ? '4' : confusable_digit(raw[olen]);

		if (d == 0)
			goto bad;
		raw[olen] = d;
		inrep = 1;
	}
	for (i = olen + 1; i < n; i++) {
		if (!is_alpha(raw[i]))
			goto bad;
		raw[i] = (char)toupper((unsigned char)raw[i]);
		if (strchr(INWARD_NEVER, raw[i]) != NULL) {
			invalid_read(r, c, "postcode \"%s\" has a letter "
			    "no inward code has (C, I, K, M, O, V)");
			return;
		}
	}
	/* outward code */
	for (j = 0; outward[j] != NULL; j++) {
		if (strlen(outward[j]) != olen)
			continue;
		repairs = 0;
		for (i = 0; i < olen; i++) {
			char ch = raw[i];

			if (outward[j][i] == 'A') {
				if (!is_alpha(ch))
					break;
				cand[i] = (char)toupper((unsigned char)ch);
			} else if (is_digit(ch))
				cand[i] = ch;
			else if ((cand[i] = confusable_digit(ch)) != 0)
				repairs++;
			else
				break;
		}
		if (i < olen)
			continue;
		cand[olen] = '\0';
		if (repairs < bestrep) {
			bestrep = repairs;
			ties = 0;
			memcpy(best, cand, olen + 1);
		} else if (repairs == bestrep)
			ties++;
	}
	if (bestrep == 99)
		goto bad;
	if (ties > 0) {
		invalid_read(r, c,
		    "postcode \"%s\" can be read more than one way");
		return;
	}
	snprintf(out, sizeof(out), "%s %s", best, raw + olen);
	set_ok(r, out, repair_of(bestrep + inrep));
	return;
bad:
	invalid_read(r, c, "\"%s\" is not a UK postcode like SW1A 1AA");
}

bool
iban_valid(const char *iban)
{
	size_t len, i;
	unsigned rem = 0;

	if (iban == NULL)
		return false;
	len = strnlen(iban, 35);
	if (len < 5 || len > 34)
		return false;
	if (!(iban[0] >= 'A' && iban[0] <= 'Z') ||
	    !(iban[1] >= 'A' && iban[1] <= 'Z') ||
	    !is_digit(iban[2]) || !is_digit(iban[3]))
		return false;
	/* The first four characters move to the end; letters count 10-35. */
	for (i = 0; i < len; i++) {
		char ch = iban[(i + 4) % len];

		if (is_digit(ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else if (ch >= 'A' && ch <= 'Z')
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
		else
			return false;
	}
	return rem == 1;
}

/*
 * IBANs: spaces dropped, upper case, a leading "IBAN" label dropped.  The
 * check digits and, for DE, the whole BBAN and, for GB, the account
 * number are digits where letters are repaired; elsewhere the BBAN is
 * taken as read.  The checksum decides.
 */
static void
norm_iban(const struct clean *c, struct field_result *r)
{
	char v[40];
	const char *s = c->s;
	size_t n = 0, i, digits_from, digits_to, letters_to = 0;
	unsigned repairs = 0;
	bool de, gb;

	if (strncasecmp(s, "IBAN", 4) == 0 && (s[4] == ' ' || s[4] == ':'))
		s += s[4] == ':' && s[5] == ' ' ? 6 : 5;
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!is_alpha(*s) && !is_digit(*s) && *s != '|')
			goto chars;
		if (n == 34)
			goto length;
		v[n++] = *s;
	}
	v[n] = '\0';
	if (n < 4 || !is_alpha(v[0]) || !is_alpha(v[1])) {
		invalid_read(r, c,
		    "IBAN \"%s\" does not start with a country code");
		return;
	}
	v[0] = (char)toupper((unsigned char)v[0]);
	v[1] = (char)toupper((unsigned char)v[1]);
	de = v[0] == 'D' && v[1] == 'E';
	gb = v[0] == 'G' && v[1] == 'B';
	if ((de || gb) && n != 22)
		goto length;
	if (n < 15)
		goto length;
	digits_from = 2;
	digits_to = de ? n : 4;
	if (gb)
		letters_to = 8;
	for (i = 2; i < n; i++) {
		char ch = v[i], d;
		bool digit = (i >= digits_from && i < digits_to) ||
		    (gb && i >= letters_to);

		if (digit && !is_digit(ch)) {
			if ((d = confusable_digit(ch)) == 0)
				goto chars;
			v[i] = d;
			repairs++;
		} else if (gb && i >= 4 && i < letters_to) {
			if (!is_alpha(ch))
				goto chars;
			v[i] = (char)toupper((unsigned char)ch);
		} else if (is_alpha(ch))
			v[i] = (char)toupper((unsigned char)ch);
		else if (!is_digit(ch))
			goto chars;
	}
	if (!iban_valid(v)) {
		set_invalid(r, "IBAN checksum fails");
		return;
	}
	set_ok(r, v, repair_of(repairs));
	return;
length:
	invalid_read(r, c, "IBAN \"%s\" has the wrong length");
	return;
chars:
	invalid_read(r, c, "IBAN \"%s\" holds characters an IBAN cannot");
}

static bool
email_local_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || is_digit(ch) ||
	    strchr("._%+-'", ch) != NULL;
}

/*
 * E-mail addresses: lower case, one '@', a local part of the characters
 * real addresses use, a domain of at least two labels.  A space inside is
 * refused rather than closed up: OCR may have lost a character there.
 */
static void
norm_email(const struct clean *c, struct field_result *r)
{
	char v[sizeof(r->value)];
	const char *at, *label;
	size_t i, llen, dlen;

	if (c->len >= sizeof(v) || c->len > 254)
		goto bad;
	for (i = 0; i <= c->len; i++)
		v[i] = (char)tolower((unsigned char)c->s[i]);
	if (strchr(v, ' ') != NULL) {
		invalid_read(r, c, "e-mail address \"%s\" has a space inside");
		return;
	}
	if ((at = strchr(v, '@')) == NULL || strchr(at + 1, '@') != NULL)
		goto bad;
	llen = (size_t)(at - v);
	if (llen == 0 || llen > 64 || v[0] == '.' || at[-1] == '.' ||
	    strstr(v, "..") != NULL)
		goto bad;
	for (i = 0; i < llen; i++)
		if (!email_local_char(v[i]))
			goto bad;
	/* domain: labels of letters, digits and inner hyphens */
	dlen = strlen(at + 1);
	if (dlen == 0 || dlen > 253 || strchr(at + 1, '.') == NULL)
		goto bad;
	label = at + 1;
	for (;;) {
		size_t l = strcspn(label, ".");

		if (l == 0 || l > 63 || label[0] == '-' || label[l - 1] == '-')
			goto bad;
		for (i = 0; i < l; i++)
			if (!(label[i] >= 'a' && label[i] <= 'z') &&
			    !is_digit(label[i]) && label[i] != '-')
				goto bad;
		if (label[l] == '\0') {
			/* the top-level domain: letters only, two or more */
			if (l < 2)
				goto bad;
			for (i = 0; i < l; i++)
				if (!(label[i] >= 'a' && label[i] <= 'z'))
					goto bad;
			break;
		}
		label += l + 1;
	}
	set_ok(r, v, 0);
	return;
bad:
	invalid_read(r, c, "\"%s\" is not an e-mail address");
}

/*
 * Phone numbers as printed: digits, spaces, a leading '+', '/', '-' and
 * one pair of parentheses; at least 6 and at most 20 digits.
 */
static void
norm_phone(const struct clean *c, struct field_result *r)
{
	char v[sizeof(r->value)];
	const char *p = c->s;
	size_t n = 0, ndig = 0, run;
	unsigned real, rep, repairs = 0;
	bool open = false, had_paren = false;
	char prev = 0;		/* the last non-space character */

	if (c->len >= sizeof(v))
		goto bad;
	while (*p != '\0') {
		if (is_digit(*p) || (confusable_digit(*p) != 0 && *p != '|')) {
			size_t used = read_digits(p, v + n, sizeof(v) - n,
			    &run, &real, &rep);

			if (real == 0)
				goto bad;
			n += run;
			ndig += run;
			repairs += rep;
			p += used;
			prev = '0';
			continue;
		}
		switch (*p) {
		case ' ':
			break;
		case '+':
			if (n != 0 || !is_digit(p[1]))
				goto bad;
			break;
		case '(':
			if (open || had_paren)
				goto bad;
			open = had_paren = true;
			break;
		case ')':
			if (!open || prev == '(')
				goto bad;
			open = false;
			break;
		case '/': case '-':
			if (prev != '0' && prev != ')')
				goto bad;
			break;
		default:
			goto bad;
		}
		if (*p != ' ')
			prev = *p;
		v[n++] = *p++;
	}
	v[n] = '\0';
	if (open || prev != '0' || ndig < 6 || ndig > 20)
		goto bad;
	set_ok(r, v, repair_of(repairs) + (c->edge_digit ? REPAIR_EDGE : 0));
	return;
bad:
	invalid_read(r, c, "\"%s\" is not a phone number");
}

/* Each type's name in templates and forms.json, and how a value of it is
 * normalised (NULL: it is not read from OCR text). */
static const struct {
	const char	*name;
	void		(*normalise)(const struct clean *, struct field_result *);
} types[] = {
	[FT_TEXT] = { "text", norm_text },
	[FT_DATE] = { "date", norm_date },
	[FT_AMOUNT] = { "amount", norm_amount },
	[FT_INTEGER] = { "integer", norm_integer },
	[FT_IBAN] = { "iban", norm_iban },
	[FT_POSTCODE_DE] = { "postcode_de", norm_postcode_de },
	[FT_POSTCODE_UK] = { "postcode_uk", norm_postcode_uk },
	[FT_EMAIL] = { "email", norm_email },
	[FT_PHONE] = { "phone", norm_phone },
	[FT_CHOICE] = { "choice", NULL },
	[FT_CHECKBOX] = { "checkbox", NULL },
	[FT_SIGNATURE] = { "signature", NULL },
};
#define NTYPES	(sizeof(types) / sizeof(types[0]))

int
field_type_parse(const char *name, enum field_type *type)
{
	size_t i;

	if (name == NULL)
		return INTAKE_EINVAL;
	for (i = 0; i < NTYPES; i++)
		if (strcmp(name, types[i].name) == 0) {
			*type = (enum field_type)i;
			return 0;
		}
	return INTAKE_EINVAL;
}

const char *
field_type_name(enum field_type t)
{
	if ((size_t)t >= NTYPES)
		return "unknown";
	return types[t].name;
}

bool
field_type_is_text(enum field_type t)
{
	return (size_t)t < NTYPES && types[t].normalise != NULL;
}

void
field_normalise(enum field_type t, const char *raw, struct field_result *r)
{
	struct clean *c;
	int flags = CLEAN_DASHES | CLEAN_UNDERSCORE;

	memset(r, 0, sizeof(*r));
	r->check = FIELD_EMPTY;
	if (!field_type_is_text(t))
		return;
	/* A dash may be a minus sign, an underscore part of an address. */
	if (t == FT_AMOUNT || t == FT_INTEGER)
		flags &= ~CLEAN_DASHES;
	if (t == FT_EMAIL)
		flags &= ~CLEAN_UNDERSCORE;
	if (t == FT_TEXT)
		flags |= CLEAN_SPECKS;
	c = xcalloc(1, sizeof(*c));
	if (clean_text(raw, flags, c, r) != 0)
		goto done;
	if (c->len == 0)
		goto done;
	types[t].normalise(c, r);
done:
	free(c);
}

/* ---- template checks ---------------------------------------------------- */

/*
 * Parses a decimal "-12", "12.5", "12.50" into hundredths; false when s
 * is not one or out of range.
 */
static bool
parse_cents(const char *s, int64_t *out)
{
	int64_t v = 0;
	int frac = 0, nfrac = 0, ndig = 0;
	bool neg = false;

	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; is_digit(*s); s++) {
		if (++ndig > 16)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (ndig == 0)
		return false;
	if (*s == '.') {
		for (s++; is_digit(*s); s++) {
			if (++nfrac > 2)
				return false;
			frac = frac * 10 + (*s - '0');
		}
		if (nfrac == 0)
			return false;
		if (nfrac == 1)
			frac *= 10;
	}
	if (*s != '\0')
		return false;
	v = v * 100 + frac;
	*out = neg ? -v : v;
	return true;
}

static bool
parse_int(const char *s, int64_t *out)
{
	int64_t v = 0;
	int ndig = 0;
	bool neg = false;

	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; is_digit(*s); s++) {
		if (++ndig > INTEGER_MAX_DIGITS)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (ndig == 0 || *s != '\0')
		return false;
	*out = neg ? -v : v;
	return true;
}

/* Compares value with a template limit into *cmp (-1, 0, 1); -1 when the
 * limit does not parse for type t. */
static int
compare_limit(enum field_type t, const char *value, const char *limit,
    int *cmp)
{
	int64_t a, b;

	switch (t) {
	case FT_INTEGER:
		if (!parse_int(limit, &b) || !parse_int(value, &a))
			return -1;
		break;
	case FT_AMOUNT:
		if (!parse_cents(limit, &b) || !parse_cents(value, &a))
			return -1;
		break;
	case FT_DATE:
		if (!iso_date_valid(limit) || !iso_date_valid(value))
			return -1;
		*cmp = strcmp(value, limit);
		*cmp = *cmp < 0 ? -1 : *cmp > 0;
		return 0;
	default:
		return -1;
	}
	*cmp = a < b ? -1 : a > b;
	return 0;
}

void
field_check_range(enum field_type t, const char *min, const char *max,
    struct field_result *r)
{
	char q[48], v[sizeof(r->value)];
	int cmp;

	if (r->check != FIELD_OK)
		return;
	if (t != FT_INTEGER && t != FT_AMOUNT && t != FT_DATE)
		return;
	snprintf(v, sizeof(v), "%s", r->value);
	if (min != NULL) {
		if (compare_limit(t, v, min, &cmp) != 0) {
			set_invalid(r, "template minimum \"%s\" is not a valid "
			    "%s", quote(min, q, sizeof(q)), field_type_name(t));
			return;
		}
		if (cmp < 0) {
			set_invalid(r, "%s %s is %s the minimum %s",
			    field_type_name(t), v,
			    t == FT_DATE ? "before" : "below",
			    quote(min, q, sizeof(q)));
			return;
		}
	}
	if (max != NULL) {
		if (compare_limit(t, v, max, &cmp) != 0) {
			set_invalid(r, "template maximum \"%s\" is not a valid "
			    "%s", quote(max, q, sizeof(q)), field_type_name(t));
			return;
		}
		if (cmp > 0) {
			set_invalid(r, "%s %s is %s the maximum %s",
			    field_type_name(t), v,
			    t == FT_DATE ? "after" : "above",
			    quote(max, q, sizeof(q)));
			return;
		}
	}
}

void
field_check_pattern(const char *ere, struct field_result *r)
{
	regex_t re;
	regmatch_t m;
	char q[48], qp[48], v[sizeof(r->value)], err[80];
	int rc;

	if (r->check != FIELD_OK || ere == NULL)
		return;
	if ((rc = regcomp(&re, ere, REG_EXTENDED)) != 0) {
		regerror(rc, &re, err, sizeof(err));
		set_invalid(r, "template pattern \"%s\": %s",
		    quote(ere, q, sizeof(q)), err);
		return;
	}
	snprintf(v, sizeof(v), "%s", r->value);
	rc = regexec(&re, v, 1, &m, 0);
	regfree(&re);
	if (rc != 0 || m.rm_so != 0 || (size_t)m.rm_eo != strlen(v))
		set_invalid(r, "\"%s\" does not match the pattern \"%s\"",
		    quote(v, q, sizeof(q)), quote(ere, qp, sizeof(qp)));
}
