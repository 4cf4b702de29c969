/*
 * ctl-template.c - intakectl template new: a template skeleton from a
 * blank form.  An intake-worker renders and reads the form (ctl-job.c,
 * as for intakectl ocr); from the words and boxes it sends back this file
 * finds the printed labels, places a candidate field below (or right of)
 * each one, tick boxes beside theirs, and prints a template of the format
 * of intake-template(5): millimetres from the top left of the page,
 * anchors at a label's first word.  Everything guessed carries a TODO
 * for the admin, and the skeleton passes intakectl lint as it is.
 *
 * The words come from a worker, which read untrusted bytes: they are
 * only compared, measured and printed escaped here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-job.h"
#include "ctl-progress.h"
#include "intake.h"
#include "ctl.h"

#define MAX_ANCHORS	8	/* intake-template(5): four to eight */
#define MAX_PHRASES	4	/* two to four */
#define GAP_FIELDS_MM	10.0	/* between two boxes of a row */
#define GAP_LABEL_MM	1.5	/* from a label to its box below */
#define MAX_WORDS	5000	/* on a page: more is no form, and would
				   only cost time (phrases pair up) */

enum role {
	R_TEXT,		/* printed text, no field */
	R_BELOW,	/* a label with its box below */
	R_RIGHT,	/* a label with its box to the right */
	R_TICK,		/* the label of a tick box left of it */
	R_CAPTION,	/* the caption above a row of tick boxes */
};

/* A run of words on one line, in millimetres. */
struct phrase {
	char		*text;
	double		 x, y, w, h;	/* around all its words */
	double		 fx, fy;	/* its first word's top left */
	double		 hmax;		/* its tallest word */
	int		 block, line;
	size_t		 nwords;
	enum role	 role;
	double		 bx, by, bw, bh;	/* a field's or tick's box */
	const char	*type;
	char		*name;		/* its field's, or its option's key */
	/* R_TICK in a row of several: the index of the row's first, which
	 * holds the choice's name; -1 for a tick box alone (a checkbox). */
	long		 group;
	long		 caption;	/* the first's: the caption, or -1 */
	char		*gname;		/* the first's: the choice's name */
	bool		 anchor;
	bool		 sep;		/* on a line with a separator */
};

struct tpage {
	unsigned	 n;
	double		 width, height;	/* mm */
	struct phrase	*ph;
	size_t		 nph;
	struct phrase	*boxes;		/* marks that look like tick boxes */
	size_t		 nboxes;
};

/* Whether p is a field of its own (not an option of a choice). */
static bool
is_field(const struct phrase *p)
{
	return p->role == R_BELOW || p->role == R_RIGHT ||
	    (p->role == R_TICK && p->group < 0);
}

static double
mm(double px, unsigned dpi)
{
	return px * 25.4 / dpi;
}

static bool
has_alnum(const char *s, size_t min)
{
	size_t n = 0;

	for (; *s; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			n++;
	return n >= min;
}

enum word_kind {
	W_TEXT,		/* part of a phrase */
	W_BOX,		/* what OCR makes of a printed tick box */
	W_SEP,		/* a frame edge, a rule, a dot or dash between
			   phrases: no text */
};

static enum word_kind
word_kind(const struct word_row *w, unsigned dpi)
{
	static const char *const seps[] = { "-", "\xe2\x80\x93",
	    "\xe2\x80\x94", "\xc2\xb7", "\xe2\x80\xa2", "|", "=" };
	double ww = mm(w->w, dpi), wh = mm(w->h, dpi);
	size_t i;

	if (w->conf >= 30 && has_alnum(w->text, 1))
		return W_TEXT;
	/* a square of 2.5 to 8 mm */
	if (ww >= 2.5 && wh >= 2.5 && ww <= 8 && wh <= 8 && ww < 1.6 * wh &&
	    wh < 1.6 * ww)
		return W_BOX;
	for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
		if (strcmp(w->text, seps[i]) == 0)
			return W_SEP;
	return w->conf < 30 ? W_SEP : W_TEXT;	/* "/", "&" */
}

/* "1." or "b)" before a heading: not part of what is printed as a name. */
static bool
numbering(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 3 && (s[n - 1] == '.' || s[n - 1] == ')') &&
	    isalnum((unsigned char)s[0]) &&
	    (n == 2 || isdigit((unsigned char)s[1]));
}

static void
phrase_add(struct phrase *p, const struct word_row *w, unsigned dpi)
{
	double x = mm(w->x, dpi), y = mm(w->y, dpi), r = x + mm(w->w, dpi),
	    b = y + mm(w->h, dpi);

	if (p->nwords == 0) {
		p->text = xstrdup(w->text);
		p->x = p->fx = x;
		p->y = p->fy = y;
		p->w = r - x;
		p->h = b - y;
		p->block = w->block;
		p->line = w->line;
	} else {
		char *t = xasprintf("%s %s", p->text, w->text);

		free(p->text);
		p->text = t;
		if (y < p->y) {
			p->h += p->y - y;
			p->y = y;
		}
		if (b > p->y + p->h)
			p->h = b - p->y;
		p->w = r - p->x;
	}
	if (b - y > p->hmax)
		p->hmax = b - y;
	p->nwords++;
}

/* Whether w goes on with the phrase cur, which ends at right. */
static bool
continues(const struct phrase *cur, const struct word_row *w,
    enum word_kind kind, double right, unsigned dpi)
{
	return kind == W_TEXT && w->block == cur->block &&
	    w->line == cur->line && mm(w->x, dpi) - right <= 4.0;
}

/* Splits the page's words into phrases: a new one at a new line, after a
 * gap wider than a few spaces, or at a word that is no text.  A phrase
 * on a line with a separator ("Formular BA-1 · bitte ...") is running
 * text, never a label. */
static void
page_phrases(struct tpage *tp, const struct page_row *p, unsigned dpi)
{
	struct phrase cur;
	double right = 0;
	int sblock = -1, sline = -1;
	size_t i;

	memset(&cur, 0, sizeof(cur));
	for (i = 0; i <= p->nwords; i++) {
		const struct word_row *w = i < p->nwords ? &p->words[i] : NULL;
		enum word_kind kind = w != NULL ? word_kind(w, dpi) : W_SEP;

		if (kind == W_SEP && w != NULL) {
			sblock = w->block;
			sline = w->line;
		}
		if (cur.nwords > 0 && (w == NULL || !continues(&cur, w, kind,
		    right, dpi))) {
			cur.sep = cur.sep || (cur.block == sblock &&
			    cur.line == sline);
			if (has_alnum(cur.text, 2)) {
				tp->ph = xreallocarray(tp->ph, tp->nph + 1,
				    sizeof(*tp->ph));
				cur.group = cur.caption = -1;
				tp->ph[tp->nph++] = cur;
			} else
				free(cur.text);
			memset(&cur, 0, sizeof(cur));
		}
		if (w == NULL)
			break;
		if (kind == W_BOX) {
			struct phrase b;

			memset(&b, 0, sizeof(b));
			phrase_add(&b, w, dpi);
			tp->boxes = xreallocarray(tp->boxes, tp->nboxes + 1,
			    sizeof(*tp->boxes));
			tp->boxes[tp->nboxes++] = b;
		}
		if (kind != W_TEXT)
			continue;
		if (cur.nwords == 0 && numbering(w->text) &&
		    i + 1 < p->nwords && p->words[i + 1].line == w->line &&
		    p->words[i + 1].block == w->block)
			continue;
		if (cur.nwords == 0)
			cur.sep = w->block == sblock && w->line == sline;
		phrase_add(&cur, w, dpi);
		right = mm(w->x, dpi) + mm(w->w, dpi);
	}
}

static bool
overlaps(double a0, double a1, double b0, double b1)
{
	return a0 < b1 && b0 < a1;
}

static bool
same_row(const struct phrase *a, const struct phrase *b)
{
	double ca = a->y + a->h / 2, cb = b->y + b->h / 2;

	return ca > b->y - 1 && ca < b->y + b->h + 1 &&
	    cb > a->y - 1 && cb < a->y + a->h + 1;
}

/* The top of the nearest printed text below y within [x0, x1], or the
 * page's height. */
static double
text_below(const struct tpage *tp, double x0, double x1, double y)
{
	double best = tp->height;
	size_t i;

	for (i = 0; i < tp->nph; i++) {
		const struct phrase *o = &tp->ph[i];

		if (o->y >= y && o->y < best &&
		    overlaps(x0, x1, o->x, o->x + o->w))
			best = o->y;
	}
	return best;
}

/* The left edge of the next text to the right of p on its row, or edge. */
static double
text_right(const struct tpage *tp, const struct phrase *p, double edge)
{
	double best = edge;
	size_t i;

	for (i = 0; i < tp->nph; i++) {
		const struct phrase *o = &tp->ph[i];

		if (o != p && o->x >= p->x + p->w && o->x < best &&
		    same_row(p, o))
			best = o->x;
	}
	return best;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The height of the page's usual text: labels. */
static double
median_height(const struct tpage *tp)
{
	double *h = xcalloc(tp->nph ? tp->nph : 1, sizeof(*h)), m;
	size_t i;

	for (i = 0; i < tp->nph; i++)
		h[i] = tp->ph[i].hmax;
	qsort(h, tp->nph, sizeof(*h), cmp_double);
	m = tp->nph ? h[tp->nph / 2] : 0;
	free(h);
	return m;
}

/* Keeps p's box on the page, where lint wants it, also after rounding to
 * a tenth of a millimetre. */
static void
box_fit(const struct tpage *tp, struct phrase *p)
{
	if (p->bx > tp->width - 1.5)
		p->bx = tp->width - 1.5;
	if (p->by > tp->height - 1.5)
		p->by = tp->height - 1.5;
	p->bx = p->bx < 0 ? 0 : p->bx;
	p->by = p->by < 0 ? 0 : p->by;
	if (p->bx + p->bw > tp->width - 0.2)
		p->bw = tp->width - 0.2 - p->bx;
	if (p->by + p->bh > tp->height - 0.2)
		p->bh = tp->height - 0.2 - p->by;
}

/* Tick boxes: a box mark just left of a phrase on its row makes the
 * phrase its label; a row of them is one choice, named by the text
 * right above the row. */
static void
find_ticks(struct tpage *tp)
{
	size_t i, k;

	for (i = 0; i < tp->nph; i++) {
		struct phrase *p = &tp->ph[i];

		for (k = 0; k < tp->nboxes; k++) {
			const struct phrase *b = &tp->boxes[k];
			double gap = p->x - (b->x + b->w);

			if (gap >= -0.5 && gap < 6 && same_row(p, b)) {
				p->role = R_TICK;
				p->type = "checkbox";
				p->bx = b->x;
				p->by = b->y;
				p->bw = b->w;
				p->bh = b->h;
				box_fit(tp, p);
				break;
			}
		}
	}
	for (i = 0; i < tp->nph; i++) {
		struct phrase *p = &tp->ph[i];
		size_t row = 0;
		long cap = -1;

		if (p->role != R_TICK || p->group >= 0)
			continue;
		for (k = 0; k < tp->nph; k++)
			if (tp->ph[k].role == R_TICK && same_row(p, &tp->ph[k]))
				row++;
		if (row < 2)
			continue;
		/* the caption: the nearest text above, less than 10 mm */
		for (k = 0; k < tp->nph; k++) {
			const struct phrase *o = &tp->ph[k];
			double up = p->by - (o->y + o->h);

			if (o->role != R_TICK && up >= -0.5 && up < 10 &&
			    (cap < 0 || o->y > tp->ph[cap].y))
				cap = (long)k;
		}
		for (k = i; k < tp->nph; k++)
			if (tp->ph[k].role == R_TICK && same_row(p, &tp->ph[k]))
				tp->ph[k].group = (long)i;
		p->caption = cap;
		if (cap >= 0)
			tp->ph[cap].role = R_CAPTION;
	}
}

/* A field's type, guessed from its name (the label's words, as slug()
 * makes them): a word that says it, among the first two words of a long
 * label: "Address (street, postcode, town)" says what goes in, and is no
 * postcode. */
static const char *
guess_type(const char *name)
{
	static const struct {
		const char	*word;	/* a whole word; "x*" also one that
					   begins so, "*x" one that ends so */
		const char	*type;
	} words[] = {
		{ "unterschrift*", "signature" }, { "signature", "signature" },
		{ "signed", "signature" },
		{ "iban*", "iban" },
		{ "email", "email" }, { "mail", "email" },
		{ "telefon*", "phone" }, { "telephone", "phone" },
		{ "phone", "phone" }, { "tel", "phone" }, { "mobil*", "phone" },
		{ "fax", "phone" },
		{ "plz", "postcode_de" }, { "postleitzahl", "postcode_de" },
		{ "postcode", "postcode_uk" },
		{ "*datum", "date" }, { "date", "date" },
		{ "dob", "date" }, { "geboren", "date" }, { "birth", "date" },
		{ "beginn", "date" },
		{ "eur", "amount" }, { "gbp", "amount" },
		{ "betrag*", "amount" }, { "*betrag", "amount" },
		{ "*kosten", "amount" }, { "*gebuehr", "amount" },
		{ "amount", "amount" }, { "fee", "amount" },
		{ "anzahl", "integer" }, { "number_of", "integer" },
	};
	size_t i, n = strlen(name), words_in = 1;

	for (i = 0; i < n; i++)
		words_in += name[i] == '_';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *w = words[i].word, *at;
		size_t k = strlen(w);
		bool head = w[k - 1] == '*', tail = w[0] == '*';

		w += tail;
		k -= head || tail;
		for (at = name; at + k <= name + n; at++) {
			bool start = at == name || at[-1] == '_';
			bool end = at[k] == '\0' || at[k] == '_';
			const char *u;
			size_t before = 0;

			for (u = name; u < at; u++)
				before += *u == '_';
			if (strncmp(at, w, k) == 0 && (start || tail) &&
			    (end || head) && (words_in <= 3 || before < 2))
				return words[i].type;
		}
	}
	return "text";
}

/* A field name or option key from a label: lower case ASCII, umlauts
 * spelt out, everything else one '_'. */
static char *
slug(const char *s)
{
	static const struct {
		const char *utf8, *ascii;
	} spell[] = {
		{ "\xc3\xa4", "ae" }, { "\xc3\xb6", "oe" },
		{ "\xc3\xbc", "ue" }, { "\xc3\x84", "ae" },
		{ "\xc3\x96", "oe" }, { "\xc3\x9c", "ue" },
		{ "\xc3\x9f", "ss" }, { "\xc3\xa9", "e" }, { "\xc3\xa8", "e" },
	};
	char *out = xcalloc(3 * strlen(s) + 4, 1), *o = out;
	size_t i;

	while (*s && o - out < 40) {
		unsigned char c = (unsigned char)*s;
		const char *a = NULL;

		for (i = 0; i < sizeof(spell) / sizeof(spell[0]); i++)
			if (strncmp(s, spell[i].utf8, 2) == 0)
				a = spell[i].ascii;
		if (a != NULL) {
			strcpy(o, a);
			o += strlen(a);
			s += 2;
			continue;
		}
		if (isalnum(c))
			*o++ = (char)tolower(c);
		else if (o > out && o[-1] != '_')
			*o++ = '_';
		s++;
	}
	while (o > out && o[-1] == '_')
		*--o = '\0';
	if (!isalpha((unsigned char)out[0])) {
		char *t = xasprintf("f_%s", out);

		free(out);
		out = t;
	}
	return out;
}

/* The names given so far in one scope: the template's fields, or the
 * options of one choice. */
struct names {
	char		**v;
	size_t		 n;
};

/* name (taken), or name_2, name_3, ...: one not yet in *ns, which keeps
 * it; a copy, the caller's. */
static char *
names_take(struct names *ns, char *name)
{
	char *u = xstrdup(name);
	size_t i, k = 1;

	for (i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], u) == 0) {
			free(u);
			u = xasprintf("%s_%zu", name, ++k);
			i = (size_t)-1;
		}
	free(name);
	ns->v = xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = u;
	return xstrdup(u);
}

static void
names_clear(struct names *ns)
{
	free_each_string(ns->v, ns->n, sizeof(*ns->v), 0);
	ns->v = NULL;
	ns->n = 0;
}

/* Labels: text of label size, a few words, ending in ':' with room for
 * writing to its right, or with room below it (and printed text further
 * down, which a footer lacks). */
static void
find_fields(struct tpage *tp)
{
	double med = median_height(tp), left = tp->width, margin;
	size_t i;

	for (i = 0; i < tp->nph; i++)
		if (tp->ph[i].x < left)
			left = tp->ph[i].x;
	margin = tp->width - left;
	for (i = 0; i < tp->nph; i++) {
		struct phrase *p = &tp->ph[i];
		double bottom = p->y + p->h, right, below, x1, high;
		size_t n = strlen(p->text);

		if (p->role != R_TEXT || p->sep || p->nwords > 6 ||
		    p->hmax > 1.4 * med)
			continue;
		right = text_right(tp, p, tp->width);
		x1 = p->x + (p->w > 30 ? p->w : 30);
		below = text_below(tp, p->x, x1, bottom + 0.1);
		if (n > 1 && p->text[n - 1] == ':' &&
		    (right < margin ? right : margin) - (p->x + p->w) > 20) {
			p->role = R_RIGHT;
			p->bx = p->x + p->w + GAP_LABEL_MM;
			p->by = p->y - 2;
			p->bw = (right < margin ? right - 3 : margin) - p->bx;
			p->bh = p->h + 4;
		} else if (below - bottom > 8 &&
		    text_below(tp, 0, tp->width, bottom + 0.1) < tp->height) {
			p->role = R_BELOW;
			p->bx = p->x;
			p->by = bottom + GAP_LABEL_MM;
			p->bw = (right < tp->width ? right - GAP_FIELDS_MM :
			    margin) - p->x;
			p->bh = below - p->by - 2.5;
		} else
			continue;
		p->type = guess_type(p->name = slug(p->text));
		high = strcmp(p->type, "signature") == 0 ? 15 : 10;
		p->bw = p->bw < 10 ? 10 : p->bw;
		p->bh = p->bh > high ? high : p->bh < 4 ? 4 : p->bh;
		box_fit(tp, p);
	}
}

/* Whether the words of a stand among the words of b. */
static bool
words_among(const char *a, const char *b)
{
	size_t n = strlen(a);
	const char *at;

	for (at = b; (at = strstr(at, a)) != NULL; at++)
		if ((at == b || at[-1] == ' ') &&
		    (at[n] == '\0' || at[n] == ' '))
			return true;
	return false;
}

/* For each phrase, whether its words are printed once on the page (and
 * fit an anchor): a new vector, the caller's. */
static bool *
texts_unique(const struct tpage *tp)
{
	bool *u = xcalloc(tp->nph ? tp->nph : 1, sizeof(*u));
	size_t i, k;

	for (i = 0; i < tp->nph; i++) {
		u[i] = strlen(tp->ph[i].text) <= 200;
		for (k = 0; k < tp->nph && u[i]; k++)
			if (k != i &&
			    words_among(tp->ph[i].text, tp->ph[k].text))
				u[i] = false;
	}
	return u;
}

/* The square of the distance from p to the nearest anchor taken, or a
 * large number when none is. */
static double
anchor_gap2(const struct tpage *tp, const struct phrase *p)
{
	double best = 1e18;
	size_t k;

	for (k = 0; k < tp->nph; k++) {
		const struct phrase *a = &tp->ph[k];
		double dx = a->fx - p->fx, dy = a->fy - p->fy;

		if (a->anchor && dx * dx + dy * dy < best)
			best = dx * dx + dy * dy;
	}
	return best;
}

/* Anchors: labels of boxes below the title (beside it is the office's
 * stamp box), one to three words, printed once on the page; as many as
 * MAX_ANCHORS, spread over the page (the first the top left one, each
 * next one the farthest from those taken).  Too few labels: any text
 * printed once.  0, or -1 when the page has fewer than two. */
static int
choose_anchors(struct tpage *tp)
{
	bool *uniq = texts_unique(tp);
	double head = 0;
	size_t taken = 0, i, pass, title = 0;

	for (i = 0; i < tp->nph; i++)
		if (tp->ph[i].hmax > tp->ph[title].hmax)
			title = i;
	if (tp->nph > 0)
		head = tp->ph[title].y + tp->ph[title].h;
	for (pass = 0; pass < 2 && taken < 2; pass++)
		for (; taken < MAX_ANCHORS; taken++) {
			double far = -1e18, d;
			long best = -1;

			for (i = 0; i < tp->nph; i++) {
				const struct phrase *p = &tp->ph[i];
				bool label = p->role == R_BELOW ||
				    p->role == R_RIGHT;

				if (p->anchor || !uniq[i] || (pass == 0 &&
				    (!label || p->y < head || p->nwords > 3)))
					continue;
				d = taken == 0 ? -(p->x + p->y) :
				    anchor_gap2(tp, p);
				if (d > far) {
					far = d;
					best = (long)i;
				}
			}
			if (best < 0)
				break;
			tp->ph[best].anchor = true;
		}
	free(uniq);
	return taken >= 2 ? 0 : -1;
}

/* Whether text is printed on one of the pages before (the title of a
 * form repeated on its next pages tells them from no other). */
static bool
printed_before(const struct tpage *pages, size_t page, const char *text)
{
	size_t i, k;

	for (i = 0; i < page; i++)
		for (k = 0; k < pages[i].nph; k++)
			if (strcmp(pages[i].ph[k].text, text) == 0)
				return true;
	return false;
}

/* Phrases of pages[page]: its largest printed text (the title, headings),
 * MAX_PHRASES at most, each once, none beside a tick box or printed on a
 * page before. */
static void
choose_phrases(const struct tpage *pages, size_t page,
    const struct phrase **out, size_t *n)
{
	const struct tpage *tp = &pages[page];
	size_t i, k;

	*n = 0;
	for (i = 0; i < tp->nph; i++) {
		const struct phrase *p = &tp->ph[i];

		if (p->role == R_TICK || strlen(p->text) < 4 ||
		    strlen(p->text) > 200 ||
		    printed_before(pages, page, p->text))
			continue;
		for (k = 0; k < *n && strcmp(out[k]->text, p->text) != 0; k++)
			;
		if (k < *n)
			continue;
		for (k = *n; k > 0 && out[k - 1]->hmax < p->hmax; k--)
			if (k < MAX_PHRASES)
				out[k] = out[k - 1];
		if (k < MAX_PHRASES) {
			out[k] = p;
			if (*n < MAX_PHRASES)
				(*n)++;
		}
	}
}

/* Text for an XML attribute or element: escaped, and without what XML
 * cannot hold (control characters, bytes that are not UTF-8). */
static void
xml_text(const char *s)
{
	uint32_t cp;
	size_t n;

	while (*s) {
		n = utf8_seq(s, strlen(s), &cp);
		if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    cp == 0xfffe || cp == 0xffff) {
			s += n ? n : 1;
			continue;
		}
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: fwrite(s, 1, n, stdout);
		}
		s += n;
	}
}

/* Text inside a comment, which may hold no "--". */
static void
comment_text(const char *s)
{
	char *t = xstrdup(s), *d;

	while ((d = strstr(t, "--")) != NULL)
		d[1] = '=';
	xml_text(t);
	free(t);
}

/* pages[page] as a <page>. */
static void
print_page_xml(const struct tpage *pages, size_t page)
{
	const struct tpage *tp = &pages[page];
	const struct phrase *phr[MAX_PHRASES];
	size_t i, k, nphr;

	printf("\n  <page n=\"%u\" width=\"%.1f\" height=\"%.1f\">\n"
	    "    <!-- TODO: phrases printed on this page and on no other "
	    "page or form -->\n    <recognize>\n", tp->n, tp->width,
	    tp->height);
	choose_phrases(pages, page, phr, &nphr);
	for (i = 0; nphr == 0 && i < tp->nph; i++)
		if (tp->ph[i].anchor)
			phr[nphr++] = &tp->ph[i];
	for (i = 0; i < nphr; i++) {
		fputs("      <phrase>", stdout);
		xml_text(phr[i]->text);
		puts("</phrase>");
	}
	puts("    </recognize>\n");
	for (i = 0; i < tp->nph; i++)
		if (tp->ph[i].anchor) {
			fputs("    <anchor text=\"", stdout);
			xml_text(tp->ph[i].text);
			printf("\" x=\"%.1f\" y=\"%.1f\"/>\n",
			    tp->ph[i].fx > 0 ? tp->ph[i].fx : 0,
			    tp->ph[i].fy > 0 ? tp->ph[i].fy : 0);
		}
	for (i = 0; i < tp->nph; i++) {
		const struct phrase *p = &tp->ph[i];

		if (is_field(p)) {
			fputs("\n    <!-- \"", stdout);
			comment_text(p->text);
			printf("\": TODO check the type%s, required and the "
			    "box -->\n", strcmp(p->type, "text") == 0 ? "" :
			    " (guessed from the label)");
			printf("    <field name=\"%s\" type=\"%s\" label=\"",
			    p->name, p->type);
			xml_text(p->text);
			printf("\" required=\"no\" x=\"%.1f\" y=\"%.1f\" "
			    "w=\"%.1f\" h=\"%.1f\"/>\n", p->bx, p->by, p->bw,
			    p->bh);
			continue;
		}
		if (p->role != R_TICK || p->group != (long)i)
			continue;
		fputs("\n    <!-- \"", stdout);
		comment_text(tp->ph[p->caption >= 0 ? p->caption : (long)i].text);
		puts("\": TODO check the name, the options' keys and boxes, "
		    "and required -->");
		printf("    <field name=\"%s\" type=\"choice\"", p->gname);
		if (p->caption >= 0) {
			fputs(" label=\"", stdout);
			xml_text(tp->ph[p->caption].text);
			putchar('"');
		}
		puts(" required=\"no\">");
		for (k = i; k < tp->nph; k++) {
			const struct phrase *o = &tp->ph[k];

			if (o->role == R_TICK && o->group == (long)i)
				printf("      <option key=\"%s\" x=\"%.1f\" "
				    "y=\"%.1f\" w=\"%.1f\" h=\"%.1f\"/>\n",
				    o->name, o->bx, o->by, o->bw, o->bh);
		}
		puts("    </field>");
	}
	for (i = 0; i < tp->nph; i++)
		if (is_field(&tp->ph[i]) || tp->ph[i].role == R_TICK)
			break;
	if (i == tp->nph)
		puts("\n    <!-- TODO: no field was found on this page: add its "
		    "fields (a page has\n         one at least) -->");
	puts("  </page>");
}

/* Names every field (over all pages, each once), every choice (after its
 * caption) and every option (once in its choice). */
static void
name_fields(struct tpage *pages, size_t npages)
{
	struct names fields = { NULL, 0 }, keys = { NULL, 0 };
	size_t i, k;

	for (i = 0; i < npages; i++)
		for (k = 0; k < pages[i].nph; k++) {
			struct phrase *p = &pages[i].ph[k];

			if (is_field(p)) {
				free(p->name);
				p->name = names_take(&fields, slug(p->text));
				continue;
			}
			if (p->role != R_TICK)
				continue;
			if (p->group == (long)k) {
				names_clear(&keys);
				p->gname = names_take(&fields, slug(p->caption <
				    0 ? "choice" : pages[i].ph[p->caption].text));
			}
			p->name = names_take(&keys, slug(p->text));
		}
	names_clear(&fields);
	names_clear(&keys);
}

static const char *const role_name[] = {
	[R_TEXT] = "text", [R_BELOW] = "label", [R_RIGHT] = "label",
	[R_TICK] = "tick", [R_CAPTION] = "caption",
};

/* --json: one object per printed phrase found, with its role, and the
 * field or option it was given. */
static void
print_page_json(const struct tpage *tp)
{
	size_t i;

	for (i = 0; i < tp->nph; i++) {
		const struct phrase *p = &tp->ph[i];
		const char *field = is_field(p) ? p->name : p->role == R_TICK ?
		    tp->ph[p->group].gname : NULL;
		bool first = true;

		putchar('{');
		json_key_int(stdout, &first, "page", tp->n);
		json_key_str(stdout, &first, "text", p->text);
		json_key_str(stdout, &first, "role", role_name[p->role]);
		printf(",\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f", p->x, p->y,
		    p->w, p->h);
		printf(",\"anchor\":%s", p->anchor ? "true" : "false");
		json_key_str(stdout, &first, "field", field);
		if (field != NULL) {
			json_key_str(stdout, &first, "type", p->role == R_TICK &&
			    p->group >= 0 ? "choice" : p->type);
			if (p->role == R_TICK && p->group >= 0)
				json_key_str(stdout, &first, "option", p->name);
			printf(",\"box\":[%.1f,%.1f,%.1f,%.1f]", p->bx, p->by,
			    p->bw, p->bh);
		}
		puts("}");
	}
}

static void
tpage_release(struct tpage *tp)
{
	size_t i;

	for (i = 0; i < tp->nph; i++) {
		free(tp->ph[i].name);
		free(tp->ph[i].gname);
	}
	free_each_string(tp->ph, tp->nph, sizeof(*tp->ph),
	    offsetof(struct phrase, text));
	free_each_string(tp->boxes, tp->nboxes, sizeof(*tp->boxes),
	    offsetof(struct phrase, text));
}

/* The form's id from the file's name: BA-1.pdf gives BA-1. */
static char *
id_from_file(const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *id = xstrdup(base), *dot = strrchr(id, '.'), *s, *o;

	if (dot != NULL && dot != id)
		*dot = '\0';
	for (s = o = id; *s && o - id < 64; s++)
		if (isalnum((unsigned char)*s) || (o > id && strchr("._-", *s)))
			*o++ = *s;
	*o = '\0';
	if (*id == '\0') {
		free(id);
		id = xstrdup("FORM");
	}
	return id;
}

static bool
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* Tesseract model names joined by '+', as <lang> takes them. */
static bool
valid_lang(const char *s)
{
	size_t run = 0, models = 1;

	for (; *s; s++) {
		if (*s == '+') {
			if (run < 3 || ++models > 8)
				return false;
			run = 0;
		} else if ((*s >= 'a' && *s <= 'z') || *s == '_') {
			if (++run > 16)
				return false;
		} else
			return false;
	}
	return run >= 3;
}

/* The skeleton of all pages. */
static void
print_template(const char *file, const char *id, const char *lang,
    struct tpage *pages, size_t npages)
{
	const struct phrase *title = NULL;
	size_t i;

	for (i = 0; i < pages[0].nph; i++)
		if (title == NULL || pages[0].ph[i].hmax > title->hmax + 0.5)
			title = &pages[0].ph[i];
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--\n  ", stdout);
	comment_text(id);
	fputs(": a skeleton made by intakectl template new from \"", stdout);
	comment_text(file);
	puts("\".\n"
	    "  Positions in millimetres from the top left of the printed "
	    "page.  Check\n"
	    "  every TODO against the form (intake-template(5)), then "
	    "intakectl lint.\n-->");
	fputs("<template xmlns=\"urn:intake:template:1\" id=\"", stdout);
	xml_text(id);
	fputs("\" version=\"1\">\n  <title>", stdout);
	xml_text(title != NULL ? title->text : id);
	printf("</title>\n  <lang>%s</lang>\n", lang);
	for (i = 0; i < npages; i++)
		print_page_xml(pages, i);
	puts("</template>");
}

int
cmd_template(struct ctl *c, const struct ctl_args *a)
{
	const char *lang = ctl_opt(a, "lang"), *idopt = ctl_opt(a, "id");
	const char *file = a->argv[1];
	struct job_collect job;
	struct progress line;
	struct tpage *pages = NULL;
	char *id = NULL;
	size_t i;
	int rc = 1;
	bool failed;

	if (strcmp(a->argv[0], "new") != 0)
		return ctl_usage(a);
	if (idopt != NULL && !valid_id(idopt)) {
		fprintf(stderr, "intakectl: --id \"%s\": letters, digits, "
		    "'.', '_' and '-', beginning with a letter or digit\n",
		    idopt);
		return 2;
	}
	if (lang != NULL) {
		free(c->config.lang);
		c->config.lang = xstrdup(lang);
	}
	if (!valid_lang(c->config.lang)) {
		fprintf(stderr, "intakectl: OCR languages \"%s\": Tesseract "
		    "model names joined by '+' (deu, eng, deu+eng)\n",
		    c->config.lang);
		return 2;
	}
	/* the pages read so far, on a terminal: OCR takes seconds a page */
	progress_init(&line, "template new", "pages", 0);
	line.job_pages = true;
	c->progress = &line;
	failed = ctl_job_run(c, file, NULL, NULL, &job) != 0;
	c->progress = NULL;
	progress_hide(&line);
	if (failed)
		goto out;
	if (job.refused != NULL) {
		char *why = safe_text(job.refused);

		fprintf(stderr, "intakectl: \"%s\" refused: %s\n", file, why);
		free(why);
		goto out;
	}
	if (job.npages == 0) {
		char *why = job.nwarnings > 0 ? safe_text(job.warnings[0]) :
		    xstrdup("neither a PDF nor an image of a form");

		fprintf(stderr, "intakectl: \"%s\": no page to read: %s\n",
		    file, why);
		free(why);
		goto out;
	}
	pages = xcalloc(job.npages, sizeof(*pages));
	for (i = 0; i < job.npages; i++) {
		const struct page_row *p = &job.pages[i];
		unsigned dpi = p->xres >= 50 && p->xres <= 2400 ? p->xres : 300;

		pages[i].n = (unsigned)i + 1;
		pages[i].width = mm(p->width, dpi);
		pages[i].height = mm(p->height, dpi);
		if (pages[i].width < 20 || pages[i].height < 20 ||
		    p->nwords > MAX_WORDS) {
			fprintf(stderr, "intakectl: \"%s\" page %zu: %s\n", file,
			    i + 1, p->nwords > MAX_WORDS ? "too much text for "
			    "a form" : "too small for a form");
			goto out;
		}
		page_phrases(&pages[i], p, dpi);
		find_ticks(&pages[i]);
		find_fields(&pages[i]);
		if (choose_anchors(&pages[i]) != 0) {
			fprintf(stderr, "intakectl: \"%s\" page %zu: too little "
			    "printed text to anchor a template on (is it a "
			    "form?)\n", file, i + 1);
			goto out;
		}
	}
	name_fields(pages, job.npages);
	id = idopt != NULL ? xstrdup(idopt) : id_from_file(file);
	if (c->json)
		for (i = 0; i < job.npages; i++)
			print_page_json(&pages[i]);
	else
		print_template(file, id, c->config.lang, pages, job.npages);
	rc = 0;
out:
	for (i = 0; pages != NULL && i < job.npages; i++)
		tpage_release(&pages[i]);
	free(pages);
	free(id);
	collect_release(&job);
	return rc;
}
