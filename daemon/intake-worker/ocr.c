/*
 * ocr.c - the Tesseract C API: the only file that calls Tesseract.
 *
 * One engine per language set lives as long as its worker, so the model is
 * loaded once, not per page.  Before recognition each page is turned
 * upright (Leptonica's text-orientation detector, cheap, on a reduced
 * black-and-white copy) and deskewed; the corrections are reported with
 * the page, and word boxes are in the corrected page's pixels.  Tesseract
 * is shown only the part of the page that holds ink: the work of its
 * layout analysis grows with the area it is given, and a form's margins
 * are a quarter of the page.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "ocr.h"

#define ORIENT_MIN_CONF		4.0f	/* Leptonica's recommended minimum */
#define ORIENT_SURE_CONF	5.0f	/* sure enough on a reduced page */
#define SKEW_MIN_DEGREES	0.3f	/* below, straightening changes nothing */
#define REREAD_BELOW		70	/* mean confidence that calls for a
					   second look the other way up */
#define MARGIN_INCH_DIV		8	/* white kept round the ink: 1/8 inch */
#define FIELD_BORDER_DIV	8	/* white round it: 1/8 inch */
#define RULE_MM			5.0	/* a ruled line of a field's frame, */
#define RULE_TALL		80	/* ... or down this much of its box, % */
#define DOUBT_SHARE		0.75f	/* an alternative this likely, at least,
					   against the chosen symbol: a doubt */
#define ACCENT_SHARE		0.05f	/* an ampersand this likely against an
					   e: an accent lost */
#define MARK_TALL_LOWER		1.6	/* a plain a, e, o, u this many times
					   as tall as wide, at most */
#define MARK_TALL_UPPER		1.25	/* and a plain A, E, O, U */
#define DOT_PX		2	/* a dot's width and height, pixels, at least */
#define DOT_MIN		4	/* ... hundredths of its word's height */
#define DOT_TALL	30	/* its height at most, hundredths of the word's */
#define DOT_WIDE	60	/* its width at most: a diaeresis's dots run
				   into one */
#define MARK_SOLID		50	/* ink filling this much of a mark's
					   box, %: solid */
#define LEAN_ACCENT		0.2	/* an accent leaning this much, at
					   least: acute or grave */
#define LEAN_FLAT		0.1	/* less: a circumflex */
#define HAT_WIDE		140	/* a circumflex this many hundredths
					   of its height wide, at least */

struct ocr {
	TessBaseAPI		*api;
	char			*lang;
	TessResultRenderer	*pdf;		/* the searchable PDF, or NULL */
};

/* The first language of the '+'-joined list lang that Tesseract did not
 * load (it loads what it finds of a list and says nothing of the rest),
 * copied into name; false when every one is loaded. */
static bool
lang_missing(TessBaseAPI *api, const char *lang, char *name, size_t len)
{
	char **loaded = TessBaseAPIGetLoadedLanguagesAsVector(api);
	bool missing = false;

	while (*lang != '\0' && !missing) {
		size_t n = strcspn(lang, "+"), i;

		missing = n > 0;
		for (i = 0; missing && loaded != NULL && loaded[i] != NULL; i++)
			if (strlen(loaded[i]) == n &&
			    strncmp(loaded[i], lang, n) == 0)
				missing = false;
		if (missing)
			snprintf(name, len, "%.*s", (int)n, lang);
		lang += n;
		if (*lang == '+')
			lang++;
	}
	TessDeleteTextArray(loaded);
	return missing;
}

struct ocr *
ocr_open(const char *lang, char *err, size_t errlen)
{
	struct ocr *o = xcalloc(1, sizeof(*o));
	char missing[160] = "";

	o->lang = xstrdup(lang);
	o->api = TessBaseAPICreate();
	/* Tesseract's chatter ("Estimating resolution ...") is not ours. */
	TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(o->api, NULL, lang) != 0)
		snprintf(missing, sizeof(missing), "%s", lang);
	else
		(void)lang_missing(o->api, lang, missing, sizeof(missing));
	if (missing[0] != '\0') {
		snprintf(err, errlen, "the Tesseract model \"%s\" is not "
		    "installed: install %s", missing, ocr_lang_package(missing));
		ocr_close(o);
		return NULL;
	}
	/* Forms hold no white-on-black text: do not look for it again in
	 * every line that reads badly, it doubles the time of such lines. */
	TessBaseAPISetVariable(o->api, "tessedit_do_invert", "0");
	TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
	return o;
}

void
ocr_close(struct ocr *o)
{
	if (o == NULL)
		return;
	if (o->pdf != NULL)
		TessDeleteResultRenderer(o->pdf);
	if (o->api != NULL) {
		TessBaseAPIEnd(o->api);
		TessBaseAPIDelete(o->api);
	}
	free(o->lang);
	free(o);
}

const char *
ocr_lang(const struct ocr *o)
{
	return o->lang;
}

const char *
ocr_lang_package(const char *lang)
{
	static char pkg[160];
	const char *s = lang;
	size_t n = 0;

	/* "deu+eng" -> "tesseract-ocr-deu tesseract-ocr-eng" */
	pkg[0] = '\0';
	while (*s && n < sizeof(pkg) - 20) {
		size_t len = strcspn(s, "+");
		n += (size_t)snprintf(pkg + n, sizeof(pkg) - n, "%stesseract-ocr-%.*s",
		    n ? " " : "", (int)(len > 16 ? 16 : len), s);
		s += len;
		if (*s == '+')
			s++;
	}
	for (char *p = pkg; *p; p++)
		if (*p == '_')
			*p = '-';	/* chi_sim -> tesseract-ocr-chi-sim */
	return pkg;
}

/* The page in black and white: Otsu's threshold from the page's grey
 * histogram (what Tesseract would compute itself), so the detectors,
 * Tesseract and the PDF all work from the same, once-made copy. */
static PIX *
binarize(PIX *p)
{
	PIX *g = NULL, *b = NULL;
	NUMA *hist;
	l_int32 split = 128;

	if (pixGetDepth(p) == 1)
		return pixClone(p);
	g = pixGetDepth(p) == 8 ? pixClone(p) : pixConvertTo8(p, 0);
	if (g == NULL)
		return NULL;
	if ((hist = pixGetGrayHistogram(g, 2)) != NULL) {
		numaSplitDistribution(hist, 0.1f, &split, NULL, NULL, NULL,
		    NULL, NULL);
		numaDestroy(&hist);
	}
	b = pixThresholdToBinary(g, split + 1);
	pixDestroy(&g);
	return b;
}

/* The part of the page that holds ink, with a white margin round it,
 * in page pixels: found on a copy reduced four times in which any black
 * pixel counts, with specks of dust opened away.  The whole page when it
 * holds no ink at all. */
static void
ink_box(PIX *bin, int ppi, l_int32 box[4])
{
	l_int32 w = pixGetWidth(bin), h = pixGetHeight(bin);
	l_int32 bx, by, bw, bh, pad = (ppi > 0 ? ppi : 300) / MARGIN_INCH_DIV;
	PIX *small = pixReduceRankBinaryCascade(bin, 1, 1, 0, 0), *open;
	BOX *b = NULL;

	box[0] = box[1] = 0;
	box[2] = w;
	box[3] = h;
	open = small ? pixOpenBrick(NULL, small, 2, 2) : NULL;
	if (open != NULL && pixClipToForeground(open, NULL, &b) == 0 &&
	    b != NULL && boxGetGeometry(b, &bx, &by, &bw, &bh) == 0) {
		l_int32 x0 = bx * 4 - pad, y0 = by * 4 - pad;
		l_int32 x1 = (bx + bw) * 4 + pad, y1 = (by + bh) * 4 + pad;

		box[0] = x0 < 0 ? 0 : x0;
		box[1] = y0 < 0 ? 0 : y0;
		box[2] = (x1 > w ? w : x1) - box[0];
		box[3] = (y1 > h ? h : y1) - box[1];
	}
	boxDestroy(&b);
	pixDestroy(&open);
	pixDestroy(&small);
}

/* The inked part of a black-and-white page, for the detectors: the
 * margins hold nothing they need. */
static PIX *
inked(PIX *bin, const l_int32 box[4])
{
	BOX *b = boxCreate(box[0], box[1], box[2], box[3]);
	PIX *p = b ? pixClipRectangle(bin, b, NULL) : NULL;

	boxDestroy(&b);
	return p ? p : pixClone(bin);
}

/* Turns the page upright: returns the clockwise rotation applied.  An
 * upright form is portrait, so a portrait page is only checked for being
 * upside down; a landscape one is checked for all four orientations. */
static int
orient(PIX **page, PIX **bin, PIX *look, float *upconf)
{
	l_float32 up = 0, left = 0;
	l_int32 orient = L_TEXT_ORIENT_UNKNOWN, quads = 0;
	PIX *r;

	if (pixGetHeight(*bin) >= pixGetWidth(*bin)) {
		/* A third of the pixels decide most pages in a sixth of the
		 * time; only an unclear answer costs the full-size look. */
		PIX *small = pixReduceRankBinaryCascade(look, 3, 0, 0, 0);

		if (small == NULL || pixUpDownDetect(small, &up, 0, 0, 0) != 0 ||
		    fabsf(up) < ORIENT_SURE_CONF)
			pixUpDownDetect(look, &up, 0, 0, 0);
		pixDestroy(&small);
		if (up < -ORIENT_MIN_CONF)
			orient = L_TEXT_ORIENT_DOWN;
	} else if (pixOrientDetect(look, &up, &left, 0, 0) == 0)
		makeOrientDecision(up, left, ORIENT_MIN_CONF, 0.0, &orient, 0);
	*upconf = up;
	switch (orient) {
	case L_TEXT_ORIENT_LEFT:	quads = 1; break;	/* turned ccw */
	case L_TEXT_ORIENT_DOWN:	quads = 2; break;
	case L_TEXT_ORIENT_RIGHT:	quads = 3; break;
	default:			return 0;
	}
	if ((r = pixRotateOrth(*page, quads)) != NULL) {
		pixDestroy(page);
		*page = r;
	}
	if (*bin != *page && (r = pixRotateOrth(*bin, quads)) != NULL) {
		pixDestroy(bin);
		*bin = r;
	} else if (*bin == *page) {
		pixDestroy(bin);
		*bin = pixClone(*page);
	}
	return quads * 90;
}

/* Measures the skew on look and straightens page and bin when it
 * matters (shear rotation: fast and exact enough for a few degrees);
 * *degrees is what was measured.  True when the page was straightened. */
static bool
deskew(PIX **page, PIX **bin, PIX *look, float *degrees)
{
	l_float32 angle = 0, conf = 0;
	l_float32 rad;
	PIX *r;

	*degrees = 0;
	if (pixFindSkew(look, &angle, &conf) != 0 || conf < 2.5 ||
	    fabsf(angle) > 10.0f)
		return false;
	*degrees = angle;
	if (fabsf(angle) < SKEW_MIN_DEGREES)
		return false;
	rad = (l_float32)(M_PI / 180.0) * angle;
	if ((r = pixRotate(*page, rad, L_ROTATE_SHEAR, L_BRING_IN_WHITE, 0,
	    0)) != NULL) {
		pixDestroy(page);
		*page = r;
	}
	if (pixGetDepth(*page) == 1) {
		pixDestroy(bin);
		*bin = pixClone(*page);
	} else if ((r = pixRotate(*bin, rad, L_ROTATE_SHEAR, L_BRING_IN_WHITE,
	    0, 0)) != NULL) {
		pixDestroy(bin);
		*bin = r;
	}
	return true;
}

static void
add_word(struct ocr_result *res, char *text, int x1, int y1, int x2, int y2,
    float conf, int block, int line)
{
	struct ocr_word *w;

	res->words = xreallocarray(res->words, res->nwords + 1,
	    sizeof(*res->words));
	w = &res->words[res->nwords++];
	w->text = xstrdup(text);
	w->x = x1;
	w->y = y1;
	w->w = x2 - x1;
	w->h = y2 - y1;
	w->conf = conf;
	w->block = block;
	w->line = line;
}

/* Collects every word with its box, confidence, block and line. */
static void
collect_words(struct ocr *o, struct ocr_result *res)
{
	TessResultIterator *it = TessBaseAPIGetIterator(o->api);
	const TessPageIterator *pit;
	int block = 0, line = 0;

	if (it == NULL)
		return;
	pit = TessResultIteratorGetPageIteratorConst(it);
	do {
		int x1, y1, x2, y2;
		char *t;

		if (TessPageIteratorIsAtBeginningOf(pit, RIL_BLOCK))
			block++;
		if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE))
			line++;
		t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (t == NULL)
			continue;
		if (t[strspn(t, " \t\n")] != '\0' && res->nwords < OCR_MAX_WORDS &&
		    TessPageIteratorBoundingBox(pit, RIL_WORD, &x1, &y1, &x2, &y2))
			add_word(res, t, x1, y1, x2, y2,
			    TessResultIteratorConfidence(it, RIL_WORD), block,
			    line);
		TessDeleteText(t);
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
}

/* Recognises the inked box of the page in the engine and collects text
 * and words (Tesseract gives them in the whole page's pixels). */
static int
recognise(struct ocr *o, PIX *page, const l_int32 box[4], int ppi,
    struct ocr_result *res)
{
	char *text;

	TessBaseAPISetImage2(o->api, page);
	TessBaseAPISetSourceResolution(o->api, ppi > 0 ? ppi : 300);
	TessBaseAPISetRectangle(o->api, box[0], box[1], box[2], box[3]);
	if (TessBaseAPIRecognize(o->api, NULL) != 0)
		return INTAKE_ERR;
	text = TessBaseAPIGetUTF8Text(o->api);
	free(res->text);
	res->text = xstrdup(text ? text : "");
	TessDeleteText(text);
	res->confidence = TessBaseAPIMeanTextConf(o->api);
	for (size_t i = 0; i < res->nwords; i++)
		free(res->words[i].text);
	res->nwords = 0;
	collect_words(o, res);
	return 0;
}

/* The CPU time of the calling thread, in seconds. */
static double
cpu_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds this process's engines spent reading pages and fields */
static double page_cpu, field_cpu;

void
ocr_cost(double *pages, double *fields)
{
	*pages = page_cpu;
	*fields = field_cpu;
}

static int
read_page(struct ocr *o, PIX *in, int ppi, PIX **out, PIX **bw,
    struct ocr_result *res)
{
	PIX *page = pixClone(in), *bin, *flip, *look;
	l_int32 box[4], turned[4];
	float up = 0;
	bool straightened;
	int rc;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	if (bw != NULL)
		*bw = NULL;
	if ((bin = binarize(page)) == NULL) {
		pixDestroy(&page);
		return INTAKE_ERR;
	}
	/* The detectors look at the inked part only, found again when the
	 * page has been turned or straightened. */
	ink_box(bin, ppi, box);
	look = inked(bin, box);
	res->rotation = orient(&page, &bin, look, &up);
	if (res->rotation != 0) {
		pixDestroy(&look);
		ink_box(bin, ppi, box);
		look = inked(bin, box);
	}
	straightened = deskew(&page, &bin, look, &res->skew);
	pixDestroy(&look);
	if (straightened)
		ink_box(bin, ppi, box);
	rc = recognise(o, page, box, ppi, res);
	/* The last resort: a page that reads badly, and that the detector
	 * thought might be upside down without being sure, is read again
	 * turned round; the better reading wins. */
	if (rc == 0 && res->rotation == 0 && up < 0 &&
	    res->confidence < REREAD_BELOW && (flip = pixRotate180(NULL,
	    page)) != NULL) {
		struct ocr_result again;

		memset(&again, 0, sizeof(again));
		turned[0] = pixGetWidth(page) - box[0] - box[2];
		turned[1] = pixGetHeight(page) - box[1] - box[3];
		turned[2] = box[2];
		turned[3] = box[3];
		if (recognise(o, flip, turned, ppi, &again) == 0 &&
		    again.confidence > res->confidence + 10) {
			again.rotation = 180;
			again.skew = res->skew;
			ocr_result_release(res);
			*res = again;
			pixDestroy(&page);
			page = flip;
			flip = pixRotate180(NULL, bin);
			pixDestroy(&bin);
			bin = flip;
		} else {
			ocr_result_release(&again);
			pixDestroy(&flip);
			recognise(o, page, box, ppi, res); /* the engine's page */
		}
	}
	/* The PDF shows the black-and-white page: a fraction of the size
	 * and time of the grey one.  The input image is Tesseract's to free. */
	pixSetInputFormat(bin, IFF_UNKNOWN);
	if (bw != NULL)
		*bw = pixClone(bin);
	TessBaseAPISetInputImage(o->api, bin);
	if (rc == 0 && o->pdf != NULL && !TessResultRendererAddImage(o->pdf,
	    o->api))
		rc = INTAKE_ERR;	/* the page is read; only the PDF failed */
	*out = page;
	return rc;
}


char
ocr_letter_base(const char *s)
{
	static const char latin1[] = "AAAAAA.CEEEEIIII.NOOOOO.OUUUUY.s"
	    "aaaaaa.ceeeeiiii.nooooo.ouuuuy.y";
	unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[1];

	if (c0 == 0xc3 && c1 >= 0x80 && c1 <= 0xbf && s[2] == '\0')
		return latin1[c1 - 0x80] == '.' ? 0 : latin1[c1 - 0x80];
	if (isalpha(c0) && s[1] == '\0')
		return (char)c0;
	return 0;
}

bool
ocr_noise(const char *word)
{
	const unsigned char *s = (const unsigned char *)word;

	for (; *s != '\0'; s++)
		if (isalnum(*s) || (*s >= 0xc3 && *s <= 0xc5))
			return false;
	return true;
}

/* Whether two symbols Tesseract weighed for one place are the same
 * letter with and without a diacritic (a/ä, o/ö, u/ü, e/é), or s or B
 * against ß: a choice that changes a name without changing its look. */
bool
ocr_twins(const char *a, const char *b)
{
	char ba = ocr_letter_base(a), bb = ocr_letter_base(b);
	bool sz = strcmp(a, "ß") == 0 || strcmp(b, "ß") == 0;

	if (strcmp(a, b) == 0 || ba == 0 || bb == 0)
		return false;
	if (sz)
		return (ba == 's' && (bb == 's' || bb == 'B')) ||
		    (bb == 's' && ba == 'B');
	if ((unsigned char)a[0] < 0x80 && (unsigned char)b[0] < 0x80)
		return false;		/* two plain letters: not a diacritic */
	return tolower((unsigned char)ba) == tolower((unsigned char)bb);
}

/* Symbols a read takes for one another by their shape, not by a
 * diacritic: any two of one string are a confusable pair. */
static const char *const confusable[] = {
	"ft", "b6", "l1I", "li", "O0", "S5", "35", "68", "17", NULL
};

bool
ocr_confusable(const char *a, const char *b)
{
	size_t k;

	if (a[0] == '\0' || a[1] != '\0' || b[0] == '\0' || b[1] != '\0' ||
	    a[0] == b[0])
		return false;
	for (k = 0; confusable[k] != NULL; k++)
		if (strchr(confusable[k], a[0]) != NULL &&
		    strchr(confusable[k], b[0]) != NULL)
			return true;
	return false;
}

/* Whether Tesseract weighed an ampersand for an e: the accent of an é
 * or ê that the read dropped (it reads "Café" as "Caf&" too). */
static bool
lost_accent(const char *top, const char *alt)
{
	return ocr_letter_base(top) == 'e' && strcmp(alt, "&") == 0;
}

/* The doubts a symbol's alternatives raise: its diacritic twin with at
 * least DOUBT_SHARE of the chosen one's weight, an ampersand for an e
 * with at least ACCENT_SHARE (out->diacritic), a confusable digit with at
 * least DOUBT_SHARE (out->digits against a digit, out->letter_digit
 * against a letter).  Two letters' likeness shows in their alternatives
 * for correct reads as often as for wrong ones: it is not weighed here.
 * *two_marks is set when a twin raised is not the chosen letter's plain
 * or marked self (ë against é, s or B against ß): a doubt the pixels'
 * marks do not settle (mark_verdict). */
static void
symbol_doubt(TessResultIterator *it, struct ocr_read *out, bool *two_marks)
{
	TessChoiceIterator *ci = TessResultIteratorGetChoiceIterator(it);
	const char *top = NULL;
	float topc = 0;

	if (ci == NULL)
		return;
	do {
		const char *s = TessChoiceIteratorGetUTF8Text(ci);
		float c = TessChoiceIteratorConfidence(ci);
		bool d1, d2;

		if (s == NULL)
			continue;
		if (top == NULL) {
			top = s;
			topc = c;
			continue;
		}
		if ((ocr_twins(top, s) && c >= topc * DOUBT_SHARE) ||
		    (lost_accent(top, s) && c >= topc * ACCENT_SHARE)) {
			out->diacritic = true;
			*two_marks = *two_marks || (ocr_twins(top, s) &&
			    !ocr_marked_plain(top, s));
		}
		if (!ocr_confusable(top, s) || c < topc * DOUBT_SHARE)
			continue;
		d1 = isdigit((unsigned char)top[0]);
		d2 = isdigit((unsigned char)s[0]);
		if (d1 && d2)
			out->digits = true;
		else if (d1 || d2)
			out->letter_digit = true;
	} while (TessChoiceIteratorNext(ci));
	TessChoiceIteratorDelete(ci);
}

bool
ocr_marked_plain(const char *a, const char *b)
{
	return ocr_twins(a, b) && ocr_mark_letter(a) && ocr_mark_letter(b) &&
	    ((unsigned char)a[0] < 0x80) != ((unsigned char)b[0] < 0x80);
}

bool
ocr_mark_letter(const char *s)
{
	char base = ocr_letter_base(s);

	return base != 0 && strchr("aeouAEOU", base) != NULL;
}

/* What the pixels show above a letter (marks_above). */
struct above {
	double	tall;	/* its body's height over its width (0: none) */
	int	marks;	/* the marks above its body */
	double	lean;	/* how far the last mark's upper half's ink lies
			   right of its lower half's, in widths of the
			   mark: an acute accent leans right, a grave
			   one left, a circumflex not at all */
	bool	wide;	/* the last mark at least twice as wide as high
			   and solid: a diaeresis's two dots run into
			   one */
	bool	hat;	/* the last mark a circumflex's (hat_shaped) */
	bool	level;	/* two marks side by side, as a diaeresis's
			   dots are, not one above the other as the
			   parts of a broken accent are */
};

/* The lean of a mark (struct above): the centroid of its upper half's
 * ink less its lower half's, over its width. */
static double
lean_of(PIX *p, l_int32 x, l_int32 y, l_int32 w, l_int32 h)
{
	BOX *top = boxCreate(x, y, w, h / 2);
	BOX *low = boxCreate(x, y + h - h / 2, w, h / 2);
	PIX *pt = top != NULL ? pixClipRectangle(p, top, NULL) : NULL;
	PIX *pl = low != NULL ? pixClipRectangle(p, low, NULL) : NULL;
	l_float32 xt = 0, xl = 0, yy;
	double lean = 0;

	if (pt != NULL && pl != NULL && w > 0 &&
	    pixCentroid(pt, NULL, NULL, &xt, &yy) == 0 &&
	    pixCentroid(pl, NULL, NULL, &xl, &yy) == 0)
		lean = (xt - xl) / w;
	pixDestroy(&pt);
	pixDestroy(&pl);
	boxDestroy(&top);
	boxDestroy(&low);
	return lean;
}

/* Whether the ink of a part (its box x, y, w, h in p) fills most of its
 * box (MARK_SOLID), as two dots run into one do; a circumflex's two
 * strokes leave most of theirs empty. */
static bool
solid(PIX *p, l_int32 x, l_int32 y, l_int32 w, l_int32 h)
{
	BOX *b = boxCreate(x, y, w, h);
	PIX *c = b != NULL ? pixClipRectangle(p, b, NULL) : NULL;
	l_int32 n = 0;
	bool full = c != NULL && pixCountPixels(c, &n, NULL) == 0 &&
	    n * 100 >= w * h * MARK_SOLID;

	pixDestroy(&c);
	boxDestroy(&b);
	return full;
}

/* Whether a part (its box x, y, w, h in p) has a circumflex's shape:
 * wider than high (HAT_WIDE), leaning neither way (LEAN_FLAT), its top
 * row's ink in the middle half of its width, its bottom row's at both
 * ends and not in the middle: two strokes that meet above.  An acute
 * or a grave accent leans; a diaeresis's dots run into one are solid
 * below; a tilde's top is not in its middle. */
static bool
hat_shaped(PIX *p, l_int32 x, l_int32 y, l_int32 w, l_int32 h, double lean)
{
	l_int32 i, left = 0, right = 0, mid = 0, top = 0, off = 0;
	l_uint32 v;

	if (w * 100 < h * HAT_WIDE || fabs(lean) >= LEAN_FLAT || h < 2)
		return false;
	for (i = 0; i < w; i++) {
		if (pixGetPixel(p, x + i, y, &v) == 0 && v != 0) {
			if (4 * i >= w && 4 * i < 3 * w)
				top++;
			else
				off++;
		}
		if (pixGetPixel(p, x + i, y + h - 1, &v) != 0 || v == 0)
			continue;
		if (4 * i < w)
			left++;
		else if (4 * i >= 3 * w)
			right++;
		else if (3 * i >= w && 3 * i < 2 * w)
			mid++;
	}
	return top > 0 && off == 0 && left > 0 && right > 0 && mid == 0;
}

/* The marks the pixels show above a letter: in a column of bin round
 * the letter's box (x0 .. x1: a symbol's box may be narrower than its
 * letter; from the line's top to the box's bottom), the parts of ink
 * inside the column that lie wholly above its body (the largest part
 * whose middle is in the box) and over it, neither specks nor as tall
 * as it: an umlaut's dots, an accent.  What they are in *a. */
static void
marks_above(PIX *bin, int x0, int x1, int top, int bottom, struct above *a)
{
	int pad = (x1 - x0) / 3;
	BOX *col = boxCreate(x0 - pad, top, x1 - x0 + 2 * pad, bottom - top);
	PIX *p = col != NULL ? pixClipRectangle(bin, col, NULL) : NULL;
	BOXA *parts = p != NULL ? pixConnCompBB(p, 8) : NULL;
	l_int32 n = parts != NULL ? boxaGetCount(parts) : 0, i, body = -1;
	l_int32 x, y, w, h, bx = 0, by = 0, bw = 0, bh = 0, pw;
	l_int32 my = -1, mh = 0;	/* the last mark's rows */

	memset(a, 0, sizeof(*a));
	for (i = 0; i < n; i++) {
		if (boxaGetBoxGeometry(parts, i, &x, &y, &w, &h) != 0 ||
		    2 * x + w < 2 * pad || 2 * x + w > 2 * (x1 - x0 + pad) ||
		    w * h <= bw * bh)
			continue;
		body = i;
		bx = x; by = y; bw = w; bh = h;
	}
	a->tall = body >= 0 ? (double)bh / bw : 0;
	pw = p != NULL ? (l_int32)pixGetWidth(p) : 0;
	/* a part cut by the column's side is a neighbour's (an f's hook) */
	for (i = 0; body >= 0 && i < n; i++)
		if (i != body && boxaGetBoxGeometry(parts, i, &x, &y, &w, &h) ==
		    0 && x > 0 && x + w < pw && y + h < by && 2 * x + w >= 2 * bx &&
		    2 * x + w <= 2 * (bx + bw) && h < bh && w >= 2 && h >= 2 &&
		    w * h * 100 >= bh * bh) {
			a->marks++;
			a->lean = lean_of(p, x, y, w, h);
			a->wide = w >= 2 * h && solid(p, x, y, w, h);
			a->hat = hat_shaped(p, x, y, w, h, a->lean);
			a->level = my >= 0 && y < my + mh && my < y + h;
			my = y;
			mh = h;
		}
	boxaDestroy(&parts);
	pixDestroy(&p);
	boxDestroy(&col);
}

/* The parts a marked letter's mark has: two dots of a diaeresis (ä, ë,
 * ö, ü), one accent (é, è, ê, ...). */
static int
mark_parts(const char *sym)
{
	static const char dots[] = "\x84\x8b\x96\x9c\xa4\xab\xb6\xbc";

	return (unsigned char)sym[0] == 0xc3 && sym[1] != '\0' &&
	    strchr(dots, sym[1]) != NULL ? 2 : 1;
}

/* The accent a marked Latin-1 letter is read with: 1 acute, -1 grave,
 * 0 circumflex (which way its mark leans, struct above), 2 another
 * (a diaeresis, a tilde, a ring) or none. */
static int
accent_of(const char *sym)
{
	static const char acute[] = "\x81\x89\x8d\x93\x9a\xa1\xa9\xad\xb3\xba";
	static const char grave[] = "\x80\x88\x8c\x92\x99\xa0\xa8\xac\xb2\xb9";
	static const char hat[] = "\x82\x8a\x8e\x94\x9b\xa2\xaa\xae\xb4\xbb";

	if ((unsigned char)sym[0] != 0xc3 || sym[1] == '\0' || sym[2] != '\0')
		return 2;
	return strchr(acute, sym[1]) ? 1 : strchr(grave, sym[1]) ? -1 :
	    strchr(hat, sym[1]) ? 0 : 2;
}

/* What one mark's lean (struct above) tells of the accent read
 * (accent_of): '+' it leans the way an acute or a grave accent does,
 * '!' it leans the other way or not at all where one was read, or leans
 * where a circumflex was read; '-' it does not tell, or another mark
 * was read. */
static char
accent_verdict(int accent, double lean)
{
	if (accent == 2)
		return '-';
	if (accent == 0)
		return fabs(lean) >= LEAN_ACCENT ? '!' : '-';
	if (lean * accent >= LEAN_ACCENT)
		return '+';
	return lean * accent < LEAN_FLAT ? '!' : '-';
}

/* What the pixels tell of the diacritic of the letter at it (one of a,
 * e, o, u): '+' they agree with what was read, a letter with a
 * diaeresis with two dots above it, one with an acute or a grave
 * accent with one mark leaning its way (accent_verdict), one with a
 * circumflex with a mark of its shape (hat_shaped), a plain one with
 * none and no taller than a plain letter is (a mark run into it would
 * make it so: lower case, MARK_TALL_LOWER times as tall as wide at
 * most, upper case MARK_TALL_UPPER); they show another mark, which
 * the letter takes instead of what was read: ':' two dots (above a
 * plain letter, or side by side above one read with an accent), '/'
 * one leaning as an acute accent (above a plain letter), '^' a
 * circumflex (above a plain letter or one read with another accent);
 * '!' they show otherwise: another mark above a plain letter, two
 * dots one above the other above an accented one, an accent that
 * leans another way; '-' they do not tell (one mark above a plain
 * letter after an i or a j, after_dot, may be that letter's dot).
 * bin is img in black and white, made on first use.  Tesseract's
 * models know no ê and no ë: these verdicts are how a read gets
 * them. */
static char
mark_verdict(TessResultIterator *it, PIX *img, PIX **bin, const char *sym,
    bool after_dot)
{
	const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst(it);
	int x0, y0, x1, y1, lx0, ly0, lx1, ly1;
	struct above a;

	if (*bin == NULL && (*bin = binarize(img)) == NULL)
		return '-';
	if (!TessPageIteratorBoundingBox(pit, RIL_SYMBOL, &x0, &y0, &x1, &y1) ||
	    !TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &lx0, &ly0, &lx1,
	    &ly1) || x1 <= x0 || y1 <= ly0)
		return '-';
	marks_above(*bin, x0, x1, ly0, y1, &a);
	if (a.tall <= 0)
		return '-';
	/* two dots are a diaeresis, and so is one part twice as wide as
	 * high above a letter read with one (its dots run into one);
	 * otherwise only an accent's lean tells of it */
	if ((unsigned char)sym[0] >= 0x80) {
		if (a.marks == 2 || (a.marks == 1 && a.wide &&
		    mark_parts(sym) == 2))
			return mark_parts(sym) == 2 ? '+' : a.level ? ':' :
			    '!';
		if (a.marks == 1 && mark_parts(sym) == 1 && a.hat)
			return accent_of(sym) == 0 ? '+' : '^';
		return a.marks == 1 && mark_parts(sym) == 1 ?
		    accent_verdict(accent_of(sym), a.lean) : '-';
	}
	if (a.marks == 1 && after_dot)
		return '-';	/* the dot of the i before it, maybe */
	if (a.marks == 2)
		return ':';
	if (a.marks == 1 && a.lean >= LEAN_ACCENT)
		return '/';
	if (a.marks == 1 && a.hat)
		return '^';
	if (a.marks >= 1)
		return '!';
	return a.tall <= (islower((unsigned char)sym[0]) ? MARK_TALL_LOWER :
	    MARK_TALL_UPPER) ? '+' : '-';
}

/* The marks a word's letters carry above them, at least, by its text:
 * one for each i and j and for each Latin-1 letter with a mark
 * (ocr_letter_base), one for a diaeresis too (its dots may run into
 * one), none for Ç, Ø and ß, whose marks are not above; -1 when the text
 * holds a symbol with ink above the letters that is no such mark (a
 * quotation mark, a colon, an exclamation mark, a percent sign...). */
static int
marks_expected(const char *w)
{
	int n = 0;

	for (; *w != '\0'; w++) {
		unsigned char c = (unsigned char)*w;

		if (c == 'i' || c == 'j')
			n++;
		else if (c == 0xc3 && w[1] != '\0') {
			char sym[3] = { w[0], w[1], '\0' };

			w++;
			if (ocr_letter_base(sym) == 0)
				return -1;
			if (strchr("\x87\x98\x9f\xa7\xb8", sym[1]) == NULL)
				n++;
		} else if (c >= 0x80 || !(isalnum(c) || strchr("-.,@/&()", c)))
			return -1;
	}
	return n;
}

/* Whether the pixels of a word (its box x0, y0 .. x1, y1 in img; *bin
 * is img in black and white, made on first use) show fewer marks above
 * its letters than its text has (marks_expected): an
 * i read where the pixels have a dotless stem, an l ("Taistraße" for
 * Talstraße).  The word's height is its letters' (the parts of ink a
 * quarter of its box's height at least); a mark is a part of ink of a
 * dot's size, small beside that height but no speck, wholly in the
 * upper two fifths of the letters.  Specks that look like a dot hide a
 * missing one rather than raise a doubt. */
static bool
dots_missing(PIX *img, PIX **bin, int x0, int y0, int x1, int y1,
    const char *w)
{
	int want = marks_expected(w), have = 0;
	BOX *b;
	PIX *p;
	BOXA *parts;
	l_int32 i, n, x, y, pw, ph, top = -1, bottom = -1, h;

	if (want <= 0 || y1 <= y0 || x1 <= x0 ||
	    (*bin == NULL && (*bin = binarize(img)) == NULL))
		return false;
	b = boxCreate(x0, y0, x1 - x0, y1 - y0);
	p = b != NULL ? pixClipRectangle(*bin, b, NULL) : NULL;
	parts = p != NULL ? pixConnCompBB(p, 8) : NULL;
	n = parts != NULL ? boxaGetCount(parts) : 0;
	/* the word's height is its letters', specks and dots left out */
	for (i = 0; i < n; i++)
		if (boxaGetBoxGeometry(parts, i, &x, &y, &pw, &ph) == 0 &&
		    pw >= DOT_PX && ph * 4 >= y1 - y0) {
			top = top < 0 || y < top ? y : top;
			bottom = y + ph > bottom ? y + ph : bottom;
		}
	h = bottom - top;
	for (i = 0; top >= 0 && i < n; i++)
		if (boxaGetBoxGeometry(parts, i, &x, &y, &pw, &ph) == 0 &&
		    pw >= DOT_PX && ph >= DOT_PX &&
		    pw * 100 >= h * DOT_MIN && ph * 100 >= h * DOT_MIN &&
		    pw * 100 <= h * DOT_WIDE && ph * 100 <= h * DOT_TALL &&
		    (y - top + ph) * 5 <= h * 2)
			have++;
	boxaDestroy(&parts);
	pixDestroy(&p);
	boxDestroy(&b);
	return top >= 0 && have < want;
}

/* Appends what the pixels tell of the next symbol's mark to out->marks
 * (n of them so far). */
static void
add_mark(struct ocr_read *out, size_t *n, char verdict)
{
	out->marks = xreallocarray(out->marks, *n + 2, 1);
	out->marks[(*n)++] = verdict;
	out->marks[*n] = '\0';
}

/* The words Tesseract read in img, joined by single spaces, with the
 * least sure word's confidence, the doubts its symbols' alternatives
 * raise (symbol_doubt), and whether the pixels show each a, e, o, u as
 * read, with or without its diacritic (mark_verdict, out->marks). */
static void
collect_line(struct ocr *o, PIX *img, struct ocr_read *out)
{
	TessResultIterator *it = TessBaseAPIGetIterator(o->api);
	const TessPageIterator *pit;
	size_t len = 0, nsym = 0;
	float min = 100;
	bool any = false, raised, two_marks, dotted = false;
	int wx0, wy0, wx1, wy1;
	PIX *bin = NULL;

	out->text = xstrdup("");
	if (it == NULL)
		return;
	pit = TessResultIteratorGetPageIteratorConst(it);
	do {
		char *t = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);

		if (t == NULL)
			continue;
		if (TessPageIteratorIsAtBeginningOf(pit, RIL_WORD)) {
			float c = TessResultIteratorConfidence(it, RIL_WORD);

			char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);

			if (w != NULL && !ocr_noise(w) && c < min)
				min = c;
			if (w != NULL && TessPageIteratorBoundingBox(pit,
			    RIL_WORD, &wx0, &wy0, &wx1, &wy1) &&
			    dots_missing(img, &bin, wx0, wy0, wx1, wy1, w))
				out->dotless = true;
			TessDeleteText(w);
			if (len > 0) {
				out->text[len++] = ' ';
				add_mark(out, &nsym, ' ');
			}
			any = true;
		}
		out->text = xreallocarray(out->text, len + strlen(t) + 2, 1);
		memcpy(out->text + len, t, strlen(t) + 1);
		len += strlen(t);
		/* a diacritic doubt about a letter whose mark, or its
		 * lack, the pixels show is settled: shown as read ('+'),
		 * or shown as a mark of a kind that says which (':' two
		 * dots, '/' an acute accent), which the field's value
		 * gets back or is doubted for (extract.c, remark) */
		raised = out->diacritic;
		two_marks = false;
		out->diacritic = false;
		symbol_doubt(it, out, &two_marks);
		if (ocr_mark_letter(t)) {
			char verdict = mark_verdict(it, img, &bin, t,
			    dotted);

			add_mark(out, &nsym, verdict);
			out->diacritic = out->diacritic &&
			    ((verdict != '+' && strchr(OCR_MARK_NAMED,
			    verdict) == NULL) || two_marks);
		} else
			add_mark(out, &nsym, '.');
		out->diacritic = out->diacritic || raised;
		dotted = strcmp(t, "i") == 0 || strcmp(t, "j") == 0;
		TessDeleteText(t);
	} while (TessResultIteratorNext(it, RIL_SYMBOL));
	TessResultIteratorDelete(it);
	pixDestroy(&bin);
	out->conf = any ? min / 100.0 : 0;
}

/* Erases from grey (a field's box at ppi) the ruled lines of its frame:
 * ink that runs on, across, for RULE_MM at least, or down for RULE_TALL
 * of the box's height and RULE_MM at least, with a pixel round it, are
 * painted the paper's grey (the box's median: most of it is paper).  A
 * frame's edge read as a bar, an l or a 1 spoils a read of a box more
 * often than anything else, and no letter runs that far. */
static void
erase_rules(PIX *grey, int ppi)
{
	PIX *bin = binarize(grey), *across = NULL, *down = NULL, *rules = NULL;
	int len = (int)lround(RULE_MM * ppi / 25.4);
	int tall = (int)pixGetHeight(grey) * RULE_TALL / 100;
	l_uint32 paper;

	if (bin == NULL)
		return;
	across = pixOpenBrick(NULL, bin, len, 1);
	down = pixOpenBrick(NULL, bin, 1, tall > len ? tall : len);
	if (across != NULL && down != NULL &&
	    (rules = pixOr(NULL, across, down)) != NULL &&
	    pixDilateBrick(rules, rules, 3, 3) != NULL &&
	    pixGetRankValue(grey, 1, 0.5, &paper) == 0)
		pixSetMasked(grey, rules, paper);
	pixDestroy(&rules);
	pixDestroy(&down);
	pixDestroy(&across);
	pixDestroy(&bin);
}

static int
read_field(struct ocr *o, PIX *page, int ppi, const int box[4],
    int at_ppi, struct ocr_read *out)
{
	BOX *b = boxCreate(box[0], box[1], box[2], box[3]);
	PIX *clip = b ? pixClipRectangle(page, b, NULL) : NULL;
	PIX *grey = clip ? pixConvertTo8(clip, 0) : NULL;
	PIX *big = NULL;
	float scale;
	int rc = INTAKE_ERR;

	if (ppi <= 0)
		ppi = 300;
	if (at_ppi <= 0)
		at_ppi = ppi;
	scale = (float)at_ppi / ppi;
	memset(out, 0, sizeof(*out));
	boxDestroy(&b);
	pixDestroy(&clip);
	if (grey == NULL || box[2] <= 0 || box[3] <= 0)
		goto done;
	erase_rules(grey, ppi);
	/* Another scale, smoothed, and Otsu's threshold of the box alone
	 * (Tesseract's own, on what it is given): not the page's pixels.
	 * A white border gives a lone digit the room Tesseract needs to
	 * see it as a line. */
	if ((big = pixScaleGrayLI(grey, scale, scale)) == NULL)
		goto done;
	pixDestroy(&grey);
	grey = big;
	if ((big = pixAddBorder(grey, at_ppi / FIELD_BORDER_DIV, 0xff)) == NULL)
		goto done;
	TessBaseAPISetPageSegMode(o->api, PSM_SINGLE_LINE);
	TessBaseAPISetVariable(o->api, "lstm_choice_mode", "2");
	TessBaseAPISetImage2(o->api, big);
	TessBaseAPISetSourceResolution(o->api, at_ppi);
	if (TessBaseAPIRecognize(o->api, NULL) == 0) {
		collect_line(o, big, out);
		rc = 0;
	}
	TessBaseAPISetVariable(o->api, "lstm_choice_mode", "0");
	TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
	TessBaseAPIClear(o->api);
done:
	pixDestroy(&big);
	pixDestroy(&grey);
	return rc;
}

int
ocr_page(struct ocr *o, PIX *in, int ppi, PIX **out, PIX **bw,
    struct ocr_result *res)
{
	double t0 = cpu_now();
	int rc = read_page(o, in, ppi, out, bw, res);

	page_cpu += cpu_now() - t0;
	return rc;
}

int
ocr_field(struct ocr *o, PIX *page, int ppi, const int box[4],
    int at_ppi, struct ocr_read *out)
{
	double t0 = cpu_now();
	int rc = read_field(o, page, ppi, box, at_ppi, out);

	field_cpu += cpu_now() - t0;
	return rc;
}

void
ocr_result_release(struct ocr_result *res)
{
	size_t i;

	for (i = 0; i < res->nwords; i++)
		free(res->words[i].text);
	free(res->words);
	free(res->text);
	memset(res, 0, sizeof(*res));
}

int
ocr_pdf_begin(struct ocr *o, const char *base, const char *title)
{
	if (o->pdf != NULL)
		TessDeleteResultRenderer(o->pdf);
	o->pdf = TessPDFRendererCreate(base, TessBaseAPIGetDatapath(o->api), 0);
	if (o->pdf == NULL || !TessResultRendererBeginDocument(o->pdf, title)) {
		if (o->pdf != NULL)
			TessDeleteResultRenderer(o->pdf);
		o->pdf = NULL;
		return INTAKE_ERR;
	}
	return 0;
}

int
ocr_pdf_end(struct ocr *o)
{
	int rc;

	if (o->pdf == NULL)
		return INTAKE_ERR;
	rc = TessResultRendererEndDocument(o->pdf) ? 0 : INTAKE_ERR;
	TessDeleteResultRenderer(o->pdf);
	o->pdf = NULL;
	return rc;
}
