/*
 * extract.c - which form a page is, and what is written in its fields.
 *
 * Classification looks for the template's printed phrases among the OCR
 * words, fuzzily (one misread letter in a few does not break a match).
 * Registration finds the template's anchors (printed labels at known
 * millimetre positions) and fits the similarity transform (shift, scale,
 * rotation) that takes the printed form onto the scan, so that every field
 * box lands where the scan has it, whatever the scanner did; how well it
 * fits is measured, and a page that does not fit well enough yields no ok
 * field (intake-template(5), REGISTRATION).  Text fields take the OCR
 * words inside their box, and are ok only when a read of the box alone
 * agrees (AGREEING READS); tick boxes and signatures are judged from the
 * page's ink.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "extract.h"

#define MATCH_MIN_SCORE	0.5	/* half the phrases of a page found */
#define TICK_ON		0.06	/* ink in a tick box's middle: ticked */
#define TICK_UNSURE	0.025	/* between this and TICK_ON: unsure */
#define SIGNED_INK	0.004	/* ink in a signature box: signed */
#define REREAD_INK	0.01	/* ink enough in a text box to look again */
#define STRONG_GAIN	10	/* a strong check leaves this share of doubt */
#define TYPED_GAIN	2	/* two reads agreeing on a value of a type
				   with a shape of its own: this share */
/* The resolutions a field's box is read again at: the second read, and
 * the third, at the scan's own (0), when the first two do not agree. */
static const int READ_PPI[2] = { 450, 0 };
#define TIEBREAK_PPI	600	/* the box's last read, the fourth in all,
				   where those do not agree (tiebreak) */
#define OUTVOTE_MIN	0.9	/* the box's two reads this sure ... */
#define OUTVOTE_MARGIN	0.2	/* ... and this much surer than the page's
				   outvote it (outvoted) */
#define LETTER_MM	1.2	/* a part of ink this tall is a letter's */
#define MAX_ANCHORS	64	/* anchors of a page used to register it */
#define ANCHOR_AGREE_MM	2.0	/* an anchor farther from the fit: misread */
#define MIN_SCALE	0.8	/* a scan 80 % to 125 % of the printed size */
#define MAX_TURN	10.0	/* degrees a scan may be turned, at most */

/* A word reduced for comparison: lower case letters and digits. */
static void
token(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;

		if (c >= 0x80 || isalnum(c))
			out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *prev, *cur, d;

	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) :
			    (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

/* The phrase's words, reduced; returns how many. */
static size_t
phrase_tokens(const char *phrase, char tok[][64], size_t max)
{
	char *copy = xstrdup(phrase), *save = NULL, *w;
	size_t n = 0;

	for (w = strtok_r(copy, " \t\n", &save); w && n < max;
	    w = strtok_r(NULL, " \t\n", &save)) {
		token(w, tok[n], 64);
		if (tok[n][0] != '\0')
			n++;
	}
	free(copy);
	return n;
}

/* Finds the phrase as consecutive OCR words; returns the index of its
 * first word, or -1.  Among several, the one nearest (ex, ey) wins when
 * ex >= 0. */
static long
find_phrase(const struct ocr_result *r, const char *phrase, double ex,
    double ey)
{
	char tok[12][64], w[64];
	size_t n = phrase_tokens(phrase, tok, 12), i, k, total = 0;
	long best = -1;
	double bestd = 1e18;

	if (n == 0)
		return -1;
	for (k = 0; k < n; k++)
		total += strlen(tok[k]);
	for (i = 0; i + n <= r->nwords; i++) {
		size_t dist = 0, wi = i, matched = 0;

		/* words reduced to nothing (a lone dash) are skipped */
		for (k = 0; k < n && wi < r->nwords; wi++) {
			token(r->words[wi].text, w, sizeof(w));
			if (w[0] == '\0') {
				if (k == 0)
					break;
				continue;
			}
			dist += edit_distance(tok[k], w);
			k++;
			matched++;
		}
		if (matched != n || dist > (total >= 6 ? total / 6 : 0) + 1 ||
		    dist * 3 > total)
			continue;
		if (ex < 0)
			return (long)i;
		double dx = r->words[i].x - ex, dy = r->words[i].y - ey;
		if (dx * dx + dy * dy < bestd) {
			bestd = dx * dx + dy * dy;
			best = (long)i;
		}
	}
	return best;
}

/* How well a page of a template fits what OCR read: the share of its
 * printed phrases found. */
static double
page_score(const struct tpl_page *p, const struct ocr_result *r)
{
	size_t k, found = 0;

	for (k = 0; k < p->nphrases; k++)
		if (find_phrase(r, p->phrases[k], -1, -1) >= 0)
			found++;
	return p->nphrases ? (double)found / p->nphrases : 0;
}

bool
extract_classify(struct template *const *tpls, size_t n,
    const struct ocr_result *r, struct page_match *m)
{
	size_t ti, pi;

	memset(m, 0, sizeof(*m));
	for (ti = 0; ti < n; ti++)
		for (pi = 0; pi < tpls[ti]->npages; pi++) {
			const struct tpl_page *p = &tpls[ti]->pages[pi];
			double score = page_score(p, r);

			if (score > m->score) {
				m->t = tpls[ti];
				m->p = p;
				m->score = score;
			}
		}
	return m->t != NULL && m->score >= MATCH_MIN_SCORE;
}

bool
extract_classify_as(const struct template *t, const struct ocr_result *r,
    uint32_t seq, struct page_match *m)
{
	size_t pi;

	memset(m, 0, sizeof(*m));
	if (t->npages == 0)
		return false;
	m->t = t;
	m->p = &t->pages[(seq > 0 && seq <= t->npages ? seq : t->npages) - 1];
	for (pi = 0; pi < t->npages; pi++) {
		const struct tpl_page *p = &t->pages[pi];
		double score = page_score(p, r);

		if (score > m->score) {
			m->p = p;
			m->score = score;
		}
	}
	return true;
}

/* mm -> px: x' = a x - b y + tx, y' = b x + a y + ty */
struct xform {
	double a, b, tx, ty;
};

/* The anchors found on a page: where the template has them (mm) and where
 * OCR read them (px); idx says which of the page's anchors each is. */
struct pairs {
	double	mx[MAX_ANCHORS], my[MAX_ANCHORS];
	double	px[MAX_ANCHORS], py[MAX_ANCHORS];
	size_t	idx[MAX_ANCHORS];
	size_t	n;
};

static void
apply(const struct xform *t, double x, double y, double *px, double *py)
{
	*px = t->a * x - t->b * y + t->tx;
	*py = t->b * x + t->a * y + t->ty;
}

/* How far, in pixels, the fit puts pair i from where OCR read it. */
static double
miss(const struct xform *t, const struct pairs *p, size_t i)
{
	double x, y;

	apply(t, p->mx[i], p->my[i], &x, &y);
	return hypot(x - p->px[i], y - p->py[i]);
}

/* Least squares fit of a similarity transform to the pairs whose bit is
 * set in use (all: UINT64_MAX); one pair only shifts. */
static void
fit(const struct pairs *p, uint64_t use, double scale, struct xform *t)
{
	double smx = 0, smy = 0, spx = 0, spy = 0, num_a = 0, num_b = 0, den = 0;
	size_t i, n = 0;

	t->a = scale;
	t->b = t->tx = t->ty = 0;
	for (i = 0; i < p->n; i++)
		if (use >> i & 1) {
			smx += p->mx[i]; smy += p->my[i];
			spx += p->px[i]; spy += p->py[i];
			n++;
		}
	if (n == 0)
		return;
	smx /= n; smy /= n; spx /= n; spy /= n;
	for (i = 0; i < p->n; i++) {
		if (!(use >> i & 1))
			continue;
		double x = p->mx[i] - smx, y = p->my[i] - smy;
		double u = p->px[i] - spx, v = p->py[i] - spy;

		num_a += x * u + y * v;
		num_b += x * v - y * u;
		den += x * x + y * y;
	}
	if (n > 1 && den > 0) {
		t->a = num_a / den;
		t->b = num_b / den;
	}
	t->tx = spx - (t->a * smx - t->b * smy);
	t->ty = spy - (t->b * smx + t->a * smy);
}

/* A transform a scanner can have made: near the scan's resolution, turned
 * by a few degrees at most (the OCR turned the page upright). */
static bool
plausible(const struct xform *t, double scale)
{
	double s = hypot(t->a, t->b) / scale;

	return s >= MIN_SCALE && s <= 1 / MIN_SCALE &&
	    fabs(atan2(t->b, t->a)) <= MAX_TURN * M_PI / 180;
}

/* The pairs within tol millimetres of where t puts them. */
static uint64_t
agreeing(const struct xform *t, const struct pairs *p, double tol)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (miss(t, p, i) <= tol * hypot(t->a, t->b))
			set |= (uint64_t)1 << i;
	return set;
}

static size_t
count(uint64_t set)
{
	return (size_t)__builtin_popcountll(set);
}

/* Fits t to the pairs in use, then drops the one farthest from the fit,
 * and fits again, while it lies more than tol millimetres off and more
 * than keep pairs are left; returns the pairs kept. */
static uint64_t
fit_trimmed(const struct pairs *p, uint64_t use, double tol, size_t keep,
    double scale, struct xform *t)
{
	size_t i;

	fit(p, use, scale, t);
	while (count(use) > keep) {
		size_t worst = 0;
		double wd = -1;

		for (i = 0; i < p->n; i++)
			if ((use >> i & 1) && miss(t, p, i) > wd) {
				wd = miss(t, p, i);
				worst = i;
			}
		if (wd <= tol * hypot(t->a, t->b))
			break;
		use &= ~((uint64_t)1 << worst);
		fit(p, use, scale, t);
	}
	return use;
}

/* The other way, when dropping the worst anchors one at a time leaves a
 * poor fit: every two anchors propose a transform, the plausible one
 * most others agree with (within tol) wins, and the fit is made again
 * from those.  Robust to any number of misread anchors as long as the
 * agreeing ones are the most. */
static uint64_t
fit_consensus(const struct pairs *p, double tol, double scale,
    struct xform *t)
{
	uint64_t best = 0;
	size_t i, k;

	for (i = 0; i < p->n; i++)
		for (k = i + 1; k < p->n; k++) {
			uint64_t two = (uint64_t)1 << i | (uint64_t)1 << k, set;
			struct xform c;

			fit(p, two, scale, &c);
			if (!plausible(&c, scale))
				continue;
			set = agreeing(&c, p, tol);
			if (count(set) > count(best))
				best = set;
		}
	return best;
}

/* The quality of fit t over the pairs in use, against what the template
 * needs of a page: at least need anchors, none farther than its
 * max_residual. */
static void
quality(const struct xform *t, const struct pairs *p, uint64_t use,
    size_t need, const struct page_match *m, double scale, struct page_fit *q)
{
	double mm = hypot(t->a, t->b), sum = 0, d;
	size_t i;

	memset(q, 0, sizeof(*q));
	q->total = m->p->nanchors;
	for (i = 0; i < p->n; i++) {
		if (!(use >> i & 1))
			continue;
		q->found++;
		q->found_mask |= (uint64_t)1 << p->idx[i];
		d = miss(t, p, i) / mm;
		sum += d;
		q->residual_max_mm = fmax(q->residual_max_mm, d);
	}
	q->residual_mm = q->found ? sum / q->found : 0;
	q->aligned = q->found >= need && q->found >= 2 &&
	    q->residual_max_mm <= m->t->registration.max_residual &&
	    plausible(t, scale);
}

/* Registers the scan against the template page from its anchors, and
 * tells how well it fits in *q.  Anchors found in the wrong place (a
 * misread, a namesake) are dropped, the worst first, as long as enough
 * are left; when that does not leave a good fit, the anchors that agree
 * most are looked for among all (fit_consensus). */
static void
registration(const struct page_match *m, const struct ocr_result *r, int ppi,
    struct xform *t, struct page_fit *q)
{
	const struct tpl_registration *reg = &m->t->registration;
	double scale = ppi / 25.4, tol = reg->max_residual;
	size_t need = reg->min_anchors < m->p->nanchors ? reg->min_anchors :
	    m->p->nanchors;
	struct pairs p;
	struct xform other;
	struct page_fit q2;
	uint64_t use;
	size_t i;

	p.n = 0;
	for (i = 0; i < m->p->nanchors && p.n < MAX_ANCHORS; i++) {
		const struct tpl_anchor *a = &m->p->anchors[i];
		long w = find_phrase(r, a->text, a->x * scale, a->y * scale);

		if (w < 0)
			continue;
		/* far from where a scan can have moved it: a namesake */
		if (fabs(r->words[w].x - a->x * scale) > 25 * scale ||
		    fabs(r->words[w].y - a->y * scale) > 25 * scale)
			continue;
		p.mx[p.n] = a->x;
		p.my[p.n] = a->y;
		p.px[p.n] = r->words[w].x;
		p.py[p.n] = r->words[w].y;
		p.idx[p.n] = i;
		p.n++;
	}
	use = p.n >= 64 ? UINT64_MAX : ((uint64_t)1 << p.n) - 1;
	use = fit_trimmed(&p, use, ANCHOR_AGREE_MM, 3, scale, t);
	use = fit_trimmed(&p, use, tol, need, scale, t);
	quality(t, &p, use, need, m, scale, q);
	if (q->aligned || p.n < 3)
		return;
	use = fit_consensus(&p, tol, scale, &other);
	if (count(use) < 2)
		return;
	use = fit_trimmed(&p, use, tol, need, scale, &other);
	quality(&other, &p, use, need, m, scale, &q2);
	if (q2.aligned) {
		*t = other;
		*q = q2;
	}
}

static void
box_px(const struct xform *t, const struct tpl_box *b, int *x, int *y, int *w,
    int *h)
{
	double xs[4], ys[4], x0, y0, x1, y1;
	int i;

	apply(t, b->x, b->y, &xs[0], &ys[0]);
	apply(t, b->x + b->w, b->y, &xs[1], &ys[1]);
	apply(t, b->x, b->y + b->h, &xs[2], &ys[2]);
	apply(t, b->x + b->w, b->y + b->h, &xs[3], &ys[3]);
	x0 = x1 = xs[0];
	y0 = y1 = ys[0];
	for (i = 1; i < 4; i++) {
		x0 = fmin(x0, xs[i]); x1 = fmax(x1, xs[i]);
		y0 = fmin(y0, ys[i]); y1 = fmax(y1, ys[i]);
	}
	*x = (int)lround(x0);
	*y = (int)lround(y0);
	*w = (int)lround(x1 - x0);
	*h = (int)lround(y1 - y0);
}

/* The share of dark pixels in the middle of a box (its frame left out),
 * speckles smaller than 2 x 2 pixels opened away. */
static double
ink(PIX *bin, int x, int y, int w, int h, double inset)
{
	int dx = (int)(w * inset), dy = (int)(h * inset);
	BOX *b = boxCreate(x + dx, y + dy, w - 2 * dx, h - 2 * dy);
	PIX *clip = b ? pixClipRectangle(bin, b, NULL) : NULL;
	PIX *c = clip ? pixOpenBrick(NULL, clip, 2, 2) : NULL;
	l_int32 count = 0;
	double share = 0;

	pixDestroy(&clip);
	if (c != NULL && pixCountPixels(c, &count, NULL) == 0 &&
	    pixGetWidth(c) * pixGetHeight(c) > 0)
		share = (double)count / (pixGetWidth(c) * pixGetHeight(c));
	pixDestroy(&c);
	boxDestroy(&b);
	return share;
}

/* Where the writing in a field's box is, when the page's read found no
 * word there: round the parts of ink in the box (bin) as tall as a
 * letter is (LETTER_MM at least, mm pixels a millimetre), the frame's
 * lines (half the box's width, or nearly its height) and specks left
 * out.  span[2] is 0 when there is none. */
static void
ink_span(PIX *bin, const struct extract_field *e, double mm, int span[4])
{
	BOX *b = boxCreate(e->x, e->y, e->w, e->h), *in = NULL;
	PIX *clip = b != NULL ? pixClipRectangle(bin, b, &in) : NULL;
	BOXA *parts = clip != NULL ? pixConnCompBB(clip, 8) : NULL;
	l_int32 n = parts != NULL ? boxaGetCount(parts) : 0, i, x, y, w, h;
	l_int32 ox = 0, oy = 0;
	int x0 = INT_MAX, y0 = INT_MAX, x1 = -1, y1 = -1;

	/* the box as clipped to the page is where parts are counted from */
	if (in == NULL || boxGetGeometry(in, &ox, &oy, NULL, NULL) != 0)
		n = 0;

	for (i = 0; i < n; i++) {
		if (boxaGetBoxGeometry(parts, i, &x, &y, &w, &h) != 0 ||
		    h < LETTER_MM * mm || 2 * w >= e->w || 10 * h >= 9 * e->h)
			continue;
		x0 = x < x0 ? x : x0;
		y0 = y < y0 ? y : y0;
		x1 = x + w > x1 ? x + w : x1;
		y1 = y + h > y1 ? y + h : y1;
	}
	span[2] = 0;
	if (x1 >= 0)
		memcpy(span, (int[4]){ ox + x0, oy + y0, x1 - x0, y1 - y0 },
		    4 * sizeof(*span));
	boxaDestroy(&parts);
	pixDestroy(&clip);
	boxDestroy(&in);
	boxDestroy(&b);
}

static int
word_cmp_line(const void *a, const void *b)
{
	const struct ocr_word *const *x = a, *const *y = b;

	if ((*x)->line != (*y)->line)
		return (*x)->line - (*y)->line;
	return (*x)->x - (*y)->x;
}

/* The words whose middle lies in the box (a little margin for writing
 * that strays), in reading order; the least sure word's confidence in
 * *conf, and the box round them all in span (its width 0 for none). */
static char *
words_in(const struct ocr_result *r, int x, int y, int w, int h, int mx,
    int my, double *conf, int span[4])
{
	int x1 = 0, y1 = 0;

	const struct ocr_word **in = NULL;
	size_t n = 0, i, len = 0, letters = 0, spanned = 0;
	double min = 100;
	char *s;

	for (i = 0; i < r->nwords; i++) {
		const struct ocr_word *wd = &r->words[i];
		int cx = wd->x + wd->w / 2, cy = wd->y + wd->h / 2;

		if (cx < x - mx || cx > x + w + mx || cy < y - my ||
		    cy > y + h + my)
			continue;
		in = xreallocarray(in, n + 1, sizeof(*in));
		in[n++] = wd;
	}
	if (n > 1)
		qsort(in, n, sizeof(*in), word_cmp_line);
	memset(span, 0, 4 * sizeof(*span));
	/* the span leaves out words of no letter or digit (a frame's edge
	 * read as a bar), unless there are only such */
	for (i = 0; i < n; i++)
		if (!ocr_noise(in[i]->text))
			letters++;
	for (i = 0; i < n; i++) {
		len += strlen(in[i]->text) + 1;
		if (in[i]->conf < min && !ocr_noise(in[i]->text))
			min = in[i]->conf;
		if (letters > 0 && ocr_noise(in[i]->text))
			continue;
		if (spanned == 0 || in[i]->x < span[0])
			span[0] = in[i]->x;
		if (spanned == 0 || in[i]->y < span[1])
			span[1] = in[i]->y;
		x1 = spanned == 0 || in[i]->x + in[i]->w > x1 ?
		    in[i]->x + in[i]->w : x1;
		y1 = spanned == 0 || in[i]->y + in[i]->h > y1 ?
		    in[i]->y + in[i]->h : y1;
		spanned++;
	}
	s = xcalloc(len + 1, 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, in[i]->text);
	}
	if (n > 0) {
		span[2] = x1 - span[0];
		span[3] = y1 - span[1];
	}
	/* A value is as sure as its least sure word. */
	*conf = n ? min / 100.0 : 0;
	free(in);
	return s;
}

/* Why a field that is read goes to a person (the why of its result). */
#define WHY_LOW		"low confidence"
#define WHY_DISAGREE	"reads disagree"
#define WHY_DIACRITIC	"diacritic doubt"
#define WHY_CONFUSABLE	"confusable letters"

/* A field's status from its check and confidence; a value read with
 * doubt (a why, or NULL) is uncertain whatever its confidence, and an
 * uncertain one says why. */
static void
judge(struct extract_field *e, double threshold, const char *doubt)
{
	const struct tpl_field *f = e->f;

	if (e->r.check == FIELD_EMPTY)
		e->status = f->required ? "missing" : "empty";
	else if (e->r.check == FIELD_INVALID)
		e->status = "invalid";
	else if (e->confidence < threshold || doubt != NULL) {
		e->status = "uncertain";
		snprintf(e->r.why, sizeof(e->r.why), "%s",
		    doubt != NULL ? doubt : WHY_LOW);
	} else
		e->status = "ok";
}

/* OCR splits what cannot hold a space ("a @ b.de", "24/1 1/2027"):
 * joined again, at a small cost in confidence. */
static void
join_split(enum field_type type, char *s, double *repair)
{
	char *r = s, *w = s;
	bool changed = false;

	if (type != FT_EMAIL && type != FT_DATE)
		return;
	for (; *r; r++) {
		if (*r == ' ' && (type == FT_DATE ||
		    (w > s && (w[-1] == '@' || w[-1] == '.')) ||
		    r[1] == '@' || r[1] == '.')) {
			changed = true;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	if (changed)
		*repair += 0.1;
}

/* Evidence that needs no second read: a check that a misread passes only
 * by chance (an IBAN's mod-97 checksum lets about one in a hundred
 * through). */
static bool
strong_check(const struct tpl_field *f, const struct field_result *r)
{
	return f->type == FT_IBAN && r->check == FIELD_OK;
}

/* What a speck or a box's edge is read as before or after a value far
 * more often than a writer puts it there (a quoted name takes „ and “):
 * a single quotation mark or a comma (after some values a point too:
 * trail_specks). */
static const char *const SPECKS[] = {
	"'", "`", ",", "\xe2\x80\x98" /* ‘ */, "\xe2\x80\x99" /* ’ */,
	"\xe2\x80\x9a" /* ‚ */, NULL
};

/* The length of the specks (SPECKS) a value begins with. */
static size_t
lead_quotes(const char *s)
{
	size_t n = 0, k;

	for (k = 0; SPECKS[k] != NULL; k++)
		if (strncmp(s + n, SPECKS[k], strlen(SPECKS[k])) == 0) {
			n += strlen(SPECKS[k]);
			k = (size_t)-1;		/* look again from the first */
		}
	return n;
}

/* The length of s (of length n) without the specks it ends with
 * (SPECKS, and points too when points), one byte kept at least. */
static size_t
trail_specks(const char *s, size_t n, bool points)
{
	bool more = true;
	size_t k;

	while (more) {
		more = points && n > 1 && s[n - 1] == '.';
		if (more) {
			n--;
			continue;
		}
		for (k = 0; !more && SPECKS[k] != NULL; k++) {
			size_t len = strlen(SPECKS[k]);

			more = n > len && memcmp(s + n - len, SPECKS[k],
			    len) == 0;
			if (more)
				n -= len;
		}
	}
	return n;
}

/* Normalises raw for the field and applies the template's own checks.
 * Specks (SPECKS) before a value of a type that never begins with one (a
 * number, a date, a code) are left out; so are specks and points after a
 * date, a whole number, a telephone number, a postcode, an IBAN ("0."
 * for 0), and specks after an e-mail address (a point there may stand
 * for a lost top-level domain), raw keeping them.  A text keeps them
 * (see same), and an amount those after it ("12," may have lost its
 * cents). */
static void
value_of(const struct tpl_field *f, char *raw, struct field_result *r)
{
	bool points = f->type == FT_DATE || f->type == FT_INTEGER ||
	    f->type == FT_PHONE || f->type == FT_POSTCODE_DE ||
	    f->type == FT_POSTCODE_UK || f->type == FT_IBAN;
	char cut[sizeof(r->value)];
	double join = 0;
	size_t n;

	if (f->type != FT_TEXT && f->type != FT_EMAIL)
		raw += lead_quotes(raw);
	n = strlen(raw);
	if ((points || f->type == FT_EMAIL) && n < sizeof(cut)) {
		size_t k = trail_specks(raw, n, points);

		if (k < n) {
			memcpy(cut, raw, k);
			cut[k] = '\0';
			raw = cut;
		}
	}
	join_split(f->type, raw, &join);
	field_normalise(f->type, raw, r);
	r->repair += join;
	if (r->check == FIELD_OK) {
		field_check_range(f->type, f->min, f->max, r);
		if (f->pattern != NULL)
			field_check_pattern(f->pattern, r);
	}
}

/* Where a field is read again: round span, the words the page's read
 * found in it or, when it found none, the writing ink_span found there,
 * with a millimetre of white about them (the box's frame left out); the
 * box as drawn when span is empty. */
static void
look_at(const struct extract_field *e, int span[4], double mm)
{
	int m = span[2] > 0 ? (int)lround(mm) : 0;

	if (span[2] <= 0)
		memcpy(span, (int[4]){ e->x, e->y, e->w, e->h },
		    4 * sizeof(*span));
	span[0] -= m;
	span[1] -= m;
	span[2] += 2 * m;
	span[3] += 2 * m;
}

/* The length of the UTF-8 symbol at s (1 for a stray byte). */
static size_t
symbol_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* How many UTF-8 symbols s holds (symbol_len). */
static size_t
utf8_symbols(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s += symbol_len(s))
		n++;
	return n;
}

/* Whether a and b have as many symbols and every pair of them that
 * differs is one pair() accepts; the pairs that differ in *n, and how
 * many more of them a holds the marked (longer) symbol of than b in
 * *marked. */
static bool
differ_by(const char *a, const char *b,
    bool (*pair)(const char *, const char *), size_t *n, int *marked)
{
	char sa[8], sb[8];

	*n = 0;
	*marked = 0;
	while (*a != '\0' && *b != '\0') {
		size_t la = symbol_len(a), lb = symbol_len(b);

		snprintf(sa, sizeof(sa), "%.*s", (int)la, a);
		snprintf(sb, sizeof(sb), "%.*s", (int)lb, b);
		if (strcmp(sa, sb) != 0) {
			if (!pair(sa, sb))
				return false;
			*marked += la > lb ? 1 : la < lb ? -1 : 0;
			(*n)++;
		}
		a += la;
		b += lb;
	}
	return *a == '\0' && *b == '\0';
}

/* Whether a and b differ only in letters that are twins with and without
 * a diacritic (a/ä, e/é, s or B/ß); *marked tells which holds more of the
 * marked ones: > 0 a, < 0 b. */
static bool
diacritics_only(const char *a, const char *b, int *marked)
{
	size_t n;

	return differ_by(a, b, ocr_twins, &n, marked) && n > 0;
}

/* One read of a field: its text (owned), value, confidence and the
 * doubts Tesseract's alternatives raised (struct ocr_read). */
struct read {
	char			*raw;
	struct field_result	 r;
	double			 conf;
	bool			 diacritic;
	bool			 digits;
	bool			 letter_digit;
	bool			 dotless;
	char			*marks;		/* struct ocr_read */
};

/* Reads the field's box again on its own at at_ppi (see look_at); false
 * when the read could not be made. */
static bool
read_again(const struct extract_field *e, const int box[4], int at_ppi,
    extract_reread reread, void *arg, struct read *out)
{
	struct ocr_read rd;

	memset(out, 0, sizeof(*out));
	if (reread == NULL || reread(arg, box, at_ppi, &rd) != 0 ||
	    rd.text == NULL)
		return false;
	out->raw = rd.text;
	out->diacritic = rd.diacritic;
	out->digits = rd.digits;
	out->letter_digit = rd.letter_digit;
	out->dotless = rd.dotless;
	out->marks = rd.marks;
	value_of(e->f, out->raw, &out->r);
	out->conf = rd.conf * (1.0 - out->r.repair);
	return true;
}

/* Whether two reads give the same valid value, single quotation marks
 * before it aside. */
static bool
same(const struct read *a, const struct read *b)
{
	return a->r.check == FIELD_OK && b->r.check == FIELD_OK &&
	    strcmp(a->r.value + lead_quotes(a->r.value),
	    b->r.value + lead_quotes(b->r.value)) == 0;
}

/* The confidence of a value two reads agree on: their mean confidence
 * (one read's may be low for a reason the other did not meet) with half
 * its doubt gone. */
static double
agreed(const struct read *a, const struct read *b)
{
	return 1 - (1 - (a->conf + b->conf) / 2) / 2;
}

/* Whether f's type gives its values a shape of their own that a read
 * must meet, of digits only: a date's calendar, a number's, a telephone
 * number's, a German postcode's.  Two reads that agree exactly on such
 * a value (agreed) leave less doubt than two that agree on a text.  A
 * UK postcode is not one: any letter may stand where one does (a J
 * read as an I keeps it valid). */
static bool
shaped_type(const struct tpl_field *f)
{
	switch (f->type) {
	case FT_DATE:
	case FT_INTEGER:
	case FT_AMOUNT:
	case FT_PHONE:
	case FT_POSTCODE_DE:
		return true;
	default:
		return false;
	}
}

/* The confidence of a value of f that the reads a and b agree on
 * (agreed), with a shaped type's gain (shaped_type). */
static double
agreed_value(const struct tpl_field *f, const struct read *a,
    const struct read *b)
{
	double c = agreed(a, b);

	return shaped_type(f) ? 1 - (1 - c) / TYPED_GAIN : c;
}

/* Makes read b the field's value (b's text moves to the field). */
static void
take(struct extract_field *e, struct read *b)
{
	free(e->raw);
	e->raw = b->raw;
	b->raw = NULL;
	e->r = b->r;
	e->confidence = b->conf;
}

/* Whether the UTF-8 symbol at s is a lower-case letter (ASCII, or
 * Latin-1's ß to ÿ). */
static bool
lower_at(const char *s)
{
	unsigned char c = (unsigned char)s[0], c1 = (unsigned char)s[1];

	return islower(c) || (c == 0xc3 && c1 >= 0x9f && c1 <= 0xbf &&
	    c1 != 0xb7);
}

/* Whether a text's shape shows a misread: a B or an I after a
 * lower-case letter inside a word ("TalstraBe", a ß read as B; "KIein",
 * an l read as I), an ampersand joined to a letter ("Caf&", an é read
 * as &), or a bar (a box's edge, an l or a 1 nobody writes as one). */
static bool
misread_shape(const char *v)
{
	const char *prev = NULL;

	for (; *v != '\0'; prev = v, v += symbol_len(v)) {
		if (*v == '|')
			return true;
		if (prev == NULL)
			continue;
		if ((*v == 'B' || *v == 'I') && lower_at(prev))
			return true;
		if ((*v == '&' && lower_at(prev)) ||
		    (*prev == '&' && lower_at(v)))
			return true;
	}
	return false;
}

/* Whether a read takes the symbols a and b (one UTF-8 symbol each) for
 * one another: a confusable pair, diacritic twins, two letters with
 * marks (a mark and the letter under it read as others: "cröpes",
 * "crépes"), an e (accented or not) and an ampersand. */
static bool
confused(const char *a, const char *b)
{
	char base = ocr_letter_base(strcmp(a, "&") == 0 ? b : a);

	if (ocr_confusable(a, b) || ocr_twins(a, b))
		return true;
	if ((unsigned char)a[0] >= 0x80 && (unsigned char)b[0] >= 0x80 &&
	    ocr_letter_base(a) != 0 && ocr_letter_base(b) != 0)
		return true;
	return (strcmp(a, "&") == 0 || strcmp(b, "&") == 0) &&
	    tolower((unsigned char)base) == 'e';
}

/* Whether a and b differ in one or two symbols only, each a pair a read
 * takes for one another (confused): the same text with a symbol read two
 * ways, not a speck or a word more. */
static bool
substituted(const char *a, const char *b)
{
	size_t n;
	int marked;

	return differ_by(a, b, confused, &n, &marked) && n > 0 && n <= 2;
}

/* Whether a and b are one text but for a space or two that one of
 * them has and the other not ("Hall steps", "Hallsteps"). */
static bool
spaced(const char *a, const char *b)
{
	size_t n = 0;

	while (*a != '\0' || *b != '\0') {
		if (*a == *b) {
			a++;
			b++;
		} else if (*a == ' ' || *b == ' ') {
			a += *a == ' ';
			b += *b == ' ';
			if (++n > 2)
				return false;
		} else
			return false;
	}
	return n > 0;
}

/* Whether longer is shorter but for a symbol of extra between two
 * digits, once or up to most times. */
static bool
between_digits(const char *longer, const char *shorter, const char *extra,
    size_t most)
{
	const char *start = longer;
	size_t n = 0;

	while (*longer != '\0' || *shorter != '\0') {
		if (*longer == *shorter) {
			longer++;
			shorter++;
		} else if (*longer != '\0' && strchr(extra, *longer) != NULL &&
		    n < most && longer > start &&
		    isdigit((unsigned char)longer[-1]) &&
		    isdigit((unsigned char)longer[1])) {
			longer++;
			n++;
		} else
			return false;
	}
	return n > 0;
}

/* Whether b is a but for a space or two between two digits ("1 59",
 * "159"): a number split where a 1's wide margin makes a gap, not a
 * space a writer leaves inside a number. */
static bool
digits_split(const char *a, const char *b)
{
	return between_digits(b, a, " ", 2);
}

/* Whether symbols a and b are two digits. */
static bool
two_digits(const char *a, const char *b)
{
	return isdigit((unsigned char)a[0]) && a[1] == '\0' &&
	    isdigit((unsigned char)b[0]) && b[1] == '\0';
}

/* Whether b is a but for a point or a comma a has between two digits
 * ("1.08", "108"): a speck read as one. */
static bool
digits_joined(const char *a, const char *b)
{
	return between_digits(a, b, ".,", 1);
}

/* Whether the 450 dpi read box is evidence against the page's read of
 * digits: as sure as it, it reads other digits in their places ("1"
 * for "4"), or the same without a point or comma between two of them. */
static bool
digits_differ(const struct read *page, const struct read *box)
{
	size_t n;
	int marked;

	return page->r.check == FIELD_OK && box->r.check == FIELD_OK &&
	    box->conf >= page->conf &&
	    ((differ_by(page->r.value, box->r.value, two_digits, &n,
	    &marked) && n > 0) || digits_joined(page->r.value, box->r.value));
}

/* Whether the page's read of a number is the box's read but for a
 * digit before it, where the box's read saw a speck (a single quotation
 * mark, lead_quotes): a speck before a number that the page's read took
 * for a digit ("126" for 26), or a digit the box's read took for one. */
static bool
speck_or_digit(const struct read *page, const struct read *box)
{
	const char *v = page->r.value;

	return page->r.check == FIELD_OK && box->r.check == FIELD_OK &&
	    box->raw != NULL && lead_quotes(box->raw) > 0 &&
	    isdigit((unsigned char)v[0]) && strcmp(v + 1, box->r.value) == 0;
}

/* Whether a read of the box is evidence against the page's: a valid
 * value that differs from it by a symbol or two, or by a space or two
 * (a space lost at the scan's scale, or a gap that is none), and whose
 * own shape does not show the misread. */
static bool
contradicts(const struct tpl_field *f, const struct read *page,
    const struct read *box)
{
	return page->r.check == FIELD_OK && box->r.check == FIELD_OK &&
	    (substituted(page->r.value, box->r.value) ||
	    (spaced(page->r.value, box->r.value) &&
	    !digits_split(page->r.value, box->r.value))) &&
	    !(f->type == FT_TEXT && misread_shape(box->r.value));
}

/* The doubt Tesseract's alternatives raised in a read of f, or NULL: a
 * letter against a digit is settled by the type where it wants one of
 * them (a date, a postcode), not in text or an e-mail address. */
static const char *
alternatives(const struct tpl_field *f, const struct read *b)
{
	if (b->diacritic)
		return WHY_DIACRITIC;
	if (b->digits || ((b->letter_digit || b->dotless) &&
	    (f->type == FT_TEXT || f->type == FT_EMAIL)))
		return WHY_CONFUSABLE;
	return NULL;
}

/* The letter an a, e, o or u (one UTF-8 symbol, plain or marked) is
 * with the mark the pixels showed above it (struct ocr_read's marks)
 * in place of what was read: ':' two dots (ä, ë, ö, ü), '/' an accent
 * leaning as an acute one does (é), '^' a circumflex (â, ê, ô, û); NULL
 * for another verdict or letter. */
static const char *
marked_as(char verdict, const char *sym)
{
	static const char *const umlaut[] = {
		"a\xc3\xa4", "o\xc3\xb6", "u\xc3\xbc",
		"A\xc3\x84", "O\xc3\x96", "U\xc3\x9c",
		"e\xc3\xab", "E\xc3\x8b", NULL
	};
	static const char *const acute[] = {
		"e\xc3\xa9", "E\xc3\x89", NULL
	};
	static const char *const hat[] = {
		"a\xc3\xa2", "e\xc3\xaa", "o\xc3\xb4", "u\xc3\xbb",
		"A\xc3\x82", "E\xc3\x8a", "O\xc3\x94", "U\xc3\x9b", NULL
	};
	const char *const *table = verdict == ':' ? umlaut :
	    verdict == '/' ? acute : verdict == '^' ? hat : NULL;
	char base = ocr_letter_base(sym);
	size_t j;

	for (j = 0; base != 0 && table != NULL && table[j] != NULL; j++)
		if (base == table[j][0])
			return table[j] + 1;
	return NULL;
}

/* Whether a letter y read with the pixels' verdict on its mark shows
 * itself (own true) against another read's x, or shows x (own false).
 * Itself: x and y are an a, e, o, u with and without its diacritic, or
 * x an ampersand where y is an e with an accent (as Tesseract reads a
 * lost one), and the verdict is '+'.  x: the mark its verdict names
 * makes y x (marked_as). */
static bool
mark_shows(const char *x, const char *y, char verdict, bool own)
{
	const char *put;

	if (own)
		return verdict == '+' && (ocr_marked_plain(x, y) ||
		    (strcmp(x, "&") == 0 && strlen(y) > 1 &&
		    ocr_letter_base(y) == 'e'));
	put = marked_as(verdict, y);
	return put != NULL && strcmp(put, x) == 0;
}

/* Whether the pixels of b's read show, at each symbol where the value
 * v differs from b's, v's letter (own false) or b's (own true): see
 * mark_shows.  b's value must be its text as read, so that the symbols
 * line up with its marks. */
static bool
marks_show_at(const char *v, const struct read *b, bool own)
{
	const char *y = b->r.value;
	size_t k = 0, n = 0;

	if (b->marks == NULL || b->raw == NULL || strcmp(b->raw, y) != 0 ||
	    strlen(b->marks) != utf8_symbols(y))
		return false;
	for (; *v != '\0' && *y != '\0'; k++) {
		size_t lx = symbol_len(v), ly = symbol_len(y);

		if (lx != ly || strncmp(v, y, lx) != 0) {
			char sx[8], sy[8];

			snprintf(sx, sizeof(sx), "%.*s", (int)lx, v);
			snprintf(sy, sizeof(sy), "%.*s", (int)ly, y);
			if (!mark_shows(sx, sy, b->marks[k], own))
				return false;
			n++;
		}
		v += lx;
		y += ly;
	}
	return *v == '\0' && *y == '\0' && n > 0;
}

/* Whether the pixels show, in b's read, the diacritic of each of the
 * symbols by which a's value differs from b's, or its lack
 * (marks_show_at, b's own letters). */
static bool
marks_show(const struct read *a, const struct read *b)
{
	return marks_show_at(a->r.value, b, true);
}

/* Whether symbol a is a B where b is a ß. */
static bool
b_for_sz(const char *a, const char *b)
{
	return strcmp(a, "B") == 0 && strcmp(b, "\xc3\x9f") == 0;
}

/* Whether the box's read b settles its difference from another read a
 * of the field: the pixels show b's diacritics where the two differ
 * (marks_show); or a has a B where b has a ß, in the shape of that
 * misread (after a lower-case letter, misread_shape) that b's text has
 * not, and a read at another scale (other, or NULL) agrees with b. */
static bool
settles(const struct tpl_field *f, const struct read *a, const struct read *b,
    const struct read *other)
{
	size_t n;
	int marked;

	if (a->r.check != FIELD_OK || b->r.check != FIELD_OK)
		return false;
	/* b's pixels show its letters, or those of a read at another
	 * scale that agrees with it, or a's own show b's marks */
	if (marks_show(a, b) || (other != NULL && same(b, other) &&
	    marks_show(a, other)) || marks_show_at(b->r.value, a, false))
		return true;
	return f->type == FT_TEXT && other != NULL && same(b, other) &&
	    differ_by(a->r.value, b->r.value, b_for_sz, &n, &marked) &&
	    misread_shape(a->r.value) && !misread_shape(b->r.value);
}

/* Whether symbols a and b are one letter in upper and lower case of
 * one shape (c, o, s, v, w, x, z): told apart by size alone. */
static bool
case_twins(const char *a, const char *b)
{
	return a[0] != '\0' && a[1] == '\0' && b[0] != '\0' && b[1] == '\0' &&
	    a[0] != b[0] && tolower((unsigned char)a[0]) ==
	    tolower((unsigned char)b[0]) &&
	    strchr("cosvwxz", tolower((unsigned char)a[0])) != NULL;
}

/* Whether a and b are one text but for the case of letters of one
 * shape in both cases (case_twins). */
static bool
case_only(const char *a, const char *b)
{
	size_t n;
	int marked;

	return differ_by(a, b, case_twins, &n, &marked) && n > 0;
}

/* Whether the box's two reads a and b, agreeing, outweigh the page's
 * read: each is sure (OUTVOTE_MIN) and surer than the page's by
 * OUTVOTE_MARGIN at least; the page's read met a stroke it was unsure
 * of, which the box's reads at two scales were not. */
static bool
outvoted(const struct read *page, const struct read *a, const struct read *b)
{
	double c = fmin(a->conf, b->conf);

	return c >= OUTVOTE_MIN && c >= page->conf + OUTVOTE_MARGIN;
}

/* Weighs the reads of a field: the page's (already in e) and the box's
 * own, read[0] and, when those two do not agree, read[1] at another
 * scale.  Two reads that agree make a value (see agreed); a value that
 * no two reads agree on is uncertain.  Returns the field's doubt, or
 * NULL. */
static const char *
weigh(struct extract_field *e, struct read *page, struct read *box,
    size_t nbox)
{
	const struct tpl_field *f = e->f;
	int marked;

	if (same(page, &box[0]) || (nbox > 1 && same(page, &box[1]))) {
		struct read *b = same(page, &box[0]) ? &box[0] : &box[1];
		double c = agreed_value(f, page, b);

		if (lead_quotes(page->r.value) > lead_quotes(b->r.value))
			take(e, b);	/* the value without the speck */
		e->confidence = c;
		/* a read at the scan's own scale sees the pixels the page's
		 * read saw: its agreement does not outweigh a read at 450
		 * dpi that found a symbol another way, other digits as
		 * surely, or a speck where the page's read found a digit */
		if (b == &box[1] && (contradicts(f, page, &box[0]) ||
		    digits_differ(page, &box[0]) ||
		    speck_or_digit(page, &box[0])) &&
		    !settles(f, &box[0], &box[1], NULL)) {
			/* two reads that lost a diacritic the same way
			 * ("Andre", "Chlo&") against the one whose pixels
			 * show it */
			if (!settles(f, page, &box[0], NULL))
				return WHY_DISAGREE;
			take(e, &box[0]);
			return alternatives(f, &box[0]);
		}
		return alternatives(f, b);
	}
	if (page->r.check == FIELD_OK && box[0].r.check == FIELD_OK &&
	    diacritics_only(page->r.value, box[0].r.value, &marked)) {
		/* a dot or an accent is what a read loses most: the value
		 * with more of them is the likelier, and the one the
		 * pixels show is right */
		if (settles(f, page, &box[0], nbox > 1 ? &box[1] : NULL)) {
			take(e, &box[0]);
			return alternatives(f, &box[0]);
		}
		/* the box's read lost the marks its pixels show, as the
		 * page's read has them, and shows no other doubt */
		if (marks_show_at(page->r.value, &box[0], false) &&
		    strchr(box[0].marks, '!') == NULL)
			return alternatives(f, &box[0]);
		if (marked < 0)
			take(e, &box[0]);
		return WHY_DIACRITIC;
	}
	if (nbox > 1 && same(&box[0], &box[1])) {
		/* the page's read alone differs: when it found no valid
		 * value (a lone value its layout analysis missed), the
		 * box's two reads agree; when it found another, two
		 * reads against one are still a doubt */
		bool other = page->r.check == FIELD_OK;

		other = other && !settles(f, page, &box[0], &box[1]) &&
		    !case_only(page->r.value, box[0].r.value) &&
		    !outvoted(page, &box[0], &box[1]);
		take(e, &box[0]);
		e->confidence = agreed_value(f, &box[0], &box[1]);
		return other ? WHY_DISAGREE : alternatives(f, &box[0]) ?
		    alternatives(f, &box[0]) : alternatives(f, &box[1]);
	}
	/* a box's read only when the page's has no valid value: the first
	 * valid one, else what the first read of the box saw (an IBAN whose
	 * checksum fails stays a person's) */
	if (page->r.check != FIELD_OK && (page->r.check == FIELD_EMPTY ||
	    f->type != FT_IBAN)) {
		struct read *b = nbox > 1 && box[0].r.check != FIELD_OK &&
		    box[1].r.check == FIELD_OK ? &box[1] : &box[0];

		if (b->r.check == FIELD_OK || (page->r.check == FIELD_EMPTY &&
		    b->r.check == FIELD_INVALID))
			take(e, b);
	}
	return e->r.check == FIELD_OK ? WHY_DISAGREE : NULL;
}

/* Weighs a third read of the box (box[2], at TIEBREAK_PPI) where the first
 * reads disagree (weigh): a value that a majority of the valid reads
 * agree on, two at least, is the field's, with the confidence of the
 * first two of them (agreed_value) and the doubts of the box's read it
 * is taken from; otherwise the reads still disagree.  It stands in for
 * a read that found no valid value, or for the read at the scan's own
 * scale, which sees the pixels the page's read saw: the page's read and
 * the one at 450 dpi, where valid, are among the majority.  The box's
 * reads share their misreads ("177125" for 177/25 at three scales):
 * together they do not outvote the page's. */
static const char *
tiebreak(struct extract_field *e, const struct read *page, struct read *box)
{
	const struct read *all[4] = { page, &box[0], &box[1], &box[2] };
	size_t i, j, valid = 0, best = 0, most = 0;

	for (i = 0; i < 4; i++) {
		size_t n = 0;

		if (all[i]->r.check != FIELD_OK)
			continue;
		valid++;
		for (j = 0; j < 4; j++)
			n += same(all[i], all[j]);
		if (n > most) {
			most = n;
			best = i;
		}
	}
	if (most < 2 || 2 * most <= valid ||
	    (page->r.check == FIELD_OK && !same(page, all[best])) ||
	    (box[0].r.check == FIELD_OK && !same(&box[0], all[best])))
		return WHY_DISAGREE;
	/* two reads at least, one of them the page's at most: the last
	 * of the box's reads among them is the one taken */
	for (j = 3; !same(all[best], &box[j - 1]); j--)
		;
	take(e, &box[j - 1]);
	for (i = 0; i < 4; i++)
		if (i != best && same(all[best], all[i]))
			break;
	e->confidence = agreed_value(e->f, all[best], all[i]);
	return alternatives(e->f, &box[j - 1]);
}

/* What the pixels of b's read show of a text field's value, letter by
 * letter: the mark a verdict names (':', '/', '^': marked_as) on e's
 * letter where b read its twin (in e's case: b may have read an ü as
 * a U), e's own letter elsewhere.  e's value and
 * b's (its text as read, lined up with its marks) must be one text but
 * for letters with and without a diacritic (diacritics_only).  Returns
 * 1 with that value in out (of size) when it differs from e's ("Zoé"
 * for Zoë, "crépes" for crêpes, "Cafe" for Café), 0 when it does not or
 * the reads do not line up, -1 when a mark the pixels show is none that
 * can be put back: another verdict ('!') where e has the letter b read,
 * a verdict of a mark that letter does not take. */
static int
marks_against(const struct extract_field *e, const struct read *b, char *out,
    size_t size)
{
	const char *x = e->r.value, *y = b->r.value;
	size_t k = 0, used = 0;
	bool changed = false;
	int marked;

	if (e->f->type != FT_TEXT || e->r.check != FIELD_OK ||
	    b->r.check != FIELD_OK || b->marks == NULL)
		return 0;
	/* b's text is the field's (take): weighed against the other reads
	 * already, with the help of its marks; a mark that shows
	 * otherwise than read is one doubt too many */
	if (b->raw == NULL)
		return strcmp(x, y) == 0 && strpbrk(b->marks,
		    "!" OCR_MARK_NAMED) != NULL ? -1 : 0;
	if (strcmp(b->raw, y) != 0 || strlen(b->marks) != utf8_symbols(y) ||
	    (strcmp(x, y) != 0 && !diacritics_only(x, y, &marked)))
		return 0;
	for (; *y != '\0'; k++) {
		size_t lx = symbol_len(x), ly = symbol_len(y), len;
		char sx[8], sy[8];
		const char *put;

		snprintf(sx, sizeof(sx), "%.*s", (int)lx, x);
		snprintf(sy, sizeof(sy), "%.*s", (int)ly, y);
		put = marked_as(b->marks[k], sx);
		if (put == NULL && (strchr(OCR_MARK_NAMED, b->marks[k]) !=
		    NULL || (b->marks[k] == '!' && strcmp(sx, sy) == 0)))
			return -1;
		if (put == NULL)
			put = sx;
		changed = changed || strcmp(put, sx) != 0;
		len = strlen(put);
		if (used + len + 1 > size)
			return -1;
		memcpy(out + used, put, len);
		used += len;
		x += lx;
		y += ly;
	}
	out[used] = '\0';
	return changed ? 1 : 0;
}

/* Makes marked (marks_against) e's value, unless the field's pattern
 * refuses it (false, e untouched). */
static bool
remark(struct extract_field *e, const char *marked)
{
	struct field_result r = e->r;

	snprintf(r.value, sizeof(r.value), "%s", marked);
	if (e->f->pattern != NULL)
		field_check_pattern(e->f->pattern, &r);
	if (r.check != FIELD_OK)
		return false;
	e->r = r;
	return true;
}

/* The doubts left about the value weighed from the box's nbox reads
 * (why, or NULL when the weighing left none): a text of a misread's
 * shape, a mark the pixels show that a read lost and that cannot be put
 * back (remark: those that can are). */
static const char *
last_doubts(struct extract_field *e, const char *why, struct read *box,
    size_t nbox)
{
	size_t i;

	if (why == NULL && e->f->type == FT_TEXT && e->r.check == FIELD_OK &&
	    misread_shape(e->r.value))
		why = WHY_CONFUSABLE;
	for (i = 0; why == NULL && i < nbox; i++) {
		char marked[sizeof(e->r.value)];
		int m = marks_against(e, &box[i], marked, sizeof(marked));

		if (m < 0 || (m > 0 && !remark(e, marked)))
			why = WHY_DIACRITIC;
	}
	return why;
}

static void
read_text(struct extract_field *e, const struct xform *t,
    const struct ocr_result *r, PIX *bin, double mm, double threshold,
    extract_reread reread, void *arg)
{
	const struct tpl_field *f = e->f;
	struct read page, box[3];
	const char *why = NULL;
	size_t nbox = 0, i;
	int span[4];

	box_px(t, &f->box, &e->x, &e->y, &e->w, &e->h);
	e->raw = words_in(r, e->x, e->y, e->w, e->h, (int)(1.5 * mm),
	    (int)(1.0 * mm), &e->confidence, span);
	value_of(f, e->raw, &e->r);
	e->confidence *= 1.0 - e->r.repair;
	if (strong_check(f, &e->r))
		e->confidence = 1 - (1 - e->confidence) / STRONG_GAIN;
	/* evidence strong enough, or a box without ink: one read */
	if (strong_check(f, &e->r) || (e->r.check == FIELD_EMPTY &&
	    ink(bin, e->x, e->y, e->w, e->h, 0.12) < REREAD_INK)) {
		judge(e, threshold, NULL);
		return;
	}
	if (span[2] <= 0)
		ink_span(bin, e, mm, span);
	look_at(e, span, mm);
	memset(&page, 0, sizeof(page));
	page.r = e->r;
	page.conf = e->confidence;
	while (nbox < 2 && read_again(e, span, READ_PPI[nbox], reread, arg,
	    &box[nbox])) {
		nbox++;
		if (same(&page, &box[0]))
			break;
	}
	if (nbox > 0)
		why = weigh(e, &page, box, nbox);
	if (why != NULL && strcmp(why, WHY_DISAGREE) == 0 && nbox == 2 &&
	    read_again(e, span, TIEBREAK_PPI, reread, arg, &box[2])) {
		nbox = 3;
		why = tiebreak(e, &page, box);
	}
	why = last_doubts(e, why, box, nbox);
	for (i = 0; i < nbox; i++) {
		free(box[i].raw);
		free(box[i].marks);
	}
	judge(e, threshold, why);
}

/* A mark in the field's box (a tick, a signature): its share of ink,
 * specks smaller than speck of the box left out, is the raw value (with
 * digits decimals), and the value is "true" from the share on. */
static double
read_mark(struct extract_field *e, const struct xform *t, PIX *bin,
    double speck, double on, int digits)
{
	const struct tpl_field *f = e->f;
	double share;

	box_px(t, &f->box, &e->x, &e->y, &e->w, &e->h);
	share = ink(bin, e->x, e->y, e->w, e->h, speck);
	e->raw = xasprintf("%.*f", digits, share);
	e->r.check = FIELD_OK;
	snprintf(e->r.value, sizeof(e->r.value), "%s",
	    share >= on ? "true" : "false");
	return share;
}

static void
read_tick(struct extract_field *e, const struct xform *t, PIX *bin,
    double threshold)
{
	double share = read_mark(e, t, bin, 0.25, TICK_ON, 3);

	e->confidence = share >= TICK_ON ? fmin(1, 0.7 + share * 3) :
	    share < TICK_UNSURE ? 0.95 : 0.5;
	judge(e, threshold, NULL);
}

static void
read_choice(struct extract_field *e, const struct xform *t, PIX *bin,
    double threshold)
{
	const struct tpl_field *f = e->f;
	size_t i, on = 0, unsure = 0, pick = 0;
	double best = 0;
	char *raw = xstrdup("");

	for (i = 0; i < f->noptions; i++) {
		int x, y, w, h;
		double share;
		char *r2;

		box_px(t, &f->options[i].box, &x, &y, &w, &h);
		share = ink(bin, x, y, w, h, 0.25);
		r2 = xasprintf("%s%s%s=%.3f", raw, i ? " " : "",
		    f->options[i].key, share);
		free(raw);
		raw = r2;
		if (share >= TICK_ON)
			on++;
		else if (share >= TICK_UNSURE)
			unsure++;
		if (share > best) {
			best = share;
			pick = i;
			e->x = x; e->y = y; e->w = w; e->h = h;
		}
	}
	e->raw = raw;
	if (on == 0 && unsure == 0) {
		e->r.check = FIELD_EMPTY;
		e->confidence = 0.95;
	} else if (on > 1) {
		e->r.check = FIELD_INVALID;
		snprintf(e->r.why, sizeof(e->r.why), "%zu boxes are ticked", on);
		e->confidence = 0.5;
	} else {
		e->r.check = FIELD_OK;
		snprintf(e->r.value, sizeof(e->r.value), "%s",
		    f->options[pick].key);
		e->confidence = on == 1 && unsure == 0 ? 0.95 : 0.5;
	}
	judge(e, threshold, NULL);
}

static void
read_signature(struct extract_field *e, const struct xform *t, PIX *bin,
    double threshold)
{
	double share = read_mark(e, t, bin, 0.08, SIGNED_INK, 4);

	e->confidence = share >= SIGNED_INK * 2 || share < SIGNED_INK / 2 ?
	    0.95 : 0.5;
	judge(e, threshold, NULL);
}

/* A field on a page not aligned: what was read may come from the wrong
 * place, so nothing is ok; a person looks at each, told why (an invalid
 * value keeps its own reason). */
static void
not_aligned(struct extract_field *e)
{
	if (strcmp(e->status, "invalid") == 0)
		return;
	if (strcmp(e->status, "ok") == 0)
		e->status = "uncertain";
	else if (strcmp(e->status, "empty") == 0)
		e->status = "missing";
	snprintf(e->r.why, sizeof(e->r.why), "%s", EXTRACT_NOT_ALIGNED);
}

int
extract_fields(const struct page_match *m, PIX *bin, int ppi,
    const struct ocr_result *r, extract_reread reread, void *arg,
    struct extract_field **out, size_t *nout, struct page_fit *fit)
{
	struct extract_field *v;
	struct xform t;
	double mm;
	size_t i;

	if (ppi <= 0)
		ppi = 300;
	registration(m, r, ppi, &t, fit);
	mm = hypot(t.a, t.b);		/* pixels per millimetre of the scan */
	v = xcalloc(m->p->nfields ? m->p->nfields : 1, sizeof(*v));
	for (i = 0; i < m->p->nfields; i++) {
		const struct tpl_field *f = &m->p->fields[i];
		double threshold = template_threshold(m->t, f);

		v[i].f = f;
		switch (f->type) {
		case FT_CHOICE:
			read_choice(&v[i], &t, bin, threshold);
			break;
		case FT_CHECKBOX:
			read_tick(&v[i], &t, bin, threshold);
			break;
		case FT_SIGNATURE:
			read_signature(&v[i], &t, bin, threshold);
			break;
		default:
			read_text(&v[i], &t, r, bin, mm, threshold, reread,
			    arg);
		}
		if (!fit->aligned)
			not_aligned(&v[i]);
	}
	*out = v;
	*nout = m->p->nfields;
	return 0;
}

void
extract_fields_free(struct extract_field *v, size_t n)
{
	free_each_string(v, n, sizeof(*v), offsetof(struct extract_field, raw));
}
