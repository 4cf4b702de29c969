/*
 * test_weigh.c - how the worker weighs a field's reads against each other
 * (daemon/intake-worker/extract.c, AGREEING READS in intake-template(5))
 * and what the pixels of a word say of its i's dots (ocr.c).
 *
 * The two files are included whole, so that their static functions can
 * be called with reads made up here: the page's read and the box's reads
 * at 450 dpi and at the scan's own scale, each with its text and
 * confidence, and the value and doubt the weighing gives.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ocr.c"
#include "extract.c"

#include "unit.h"

/* A read of field f: raw as read with confidence conf. */
static struct read
mk(const struct tpl_field *f, const char *raw, double conf)
{
	struct read r;

	memset(&r, 0, sizeof(r));
	r.raw = xstrdup(raw);
	value_of(f, r.raw, &r.r);
	r.conf = conf;
	return r;
}

/* Weighs the page's read and the box's nbox reads of a field of type
 * type; the value taken in *value (the caller's), the doubt returned. */
static const char *
weigh_reads(enum field_type type, const char *page_raw, double page_conf,
    const char *raw0, double c0, const char *raw1, double c1, char **value)
{
	static char name[] = "f";
	struct tpl_field f = { .name = name, .type = type, .threshold = -1 };
	struct extract_field e = { .f = &f };
	struct read page, box[2];
	const char *why;
	size_t nbox = raw1 != NULL ? 2 : 1, i;

	page = mk(&f, page_raw, page_conf);
	e.raw = page.raw;
	e.r = page.r;
	e.confidence = page.conf;
	page.raw = NULL;
	box[0] = mk(&f, raw0, c0);
	if (raw1 != NULL)
		box[1] = mk(&f, raw1, c1);
	why = weigh(&e, &page, box, nbox);
	*value = xstrdup(e.r.value);
	for (i = 0; i < nbox; i++)
		free(box[i].raw);
	free(e.raw);
	return why;
}

/* Fails unless weighing the reads gives want_value with the doubt
 * want_why (NULL: none). */
static void
weighs(enum field_type type, const char *page, double pc, const char *b0,
    double c0, const char *b1, double c1, const char *want_value,
    const char *want_why)
{
	char *v;
	const char *why = weigh_reads(type, page, pc, b0, c0, b1, c1, &v);

	ck_assert_msg(strcmp(v, want_value) == 0, "\"%s\": value \"%s\", "
	    "want \"%s\"", page, v, want_value);
	if (want_why == NULL)
		ck_assert_msg(why == NULL, "\"%s\": doubt \"%s\", want none",
		    page, why);
	else
		ck_assert_msg(why != NULL && strcmp(why, want_why) == 0,
		    "\"%s\": doubt \"%s\", want \"%s\"", page,
		    why != NULL ? why : "(none)", want_why);
	free(v);
}

/* One read as a test gives it: its text, confidence and the pixels'
 * verdicts on its letters' marks (struct ocr_read; NULL: none). */
struct spec {
	const char	*raw;
	double		 conf;
	const char	*marks;
};

/* Fails unless the page's read and the box's nbox reads of a field of
 * type type, weighed as read_text weighs them (weigh, then tiebreak on
 * box[2] where the first two disagree, then last_doubts), give
 * want_value with the doubt want_why (NULL: none). */
static void
decides(enum field_type type, struct spec page, const struct spec *box,
    size_t nbox, const char *want_value, const char *want_why)
{
	static char name[] = "f";
	struct tpl_field f = { .name = name, .type = type, .threshold = -1 };
	struct extract_field e = { .f = &f };
	struct read p, b[3];
	const char *why;
	size_t i;

	p = mk(&f, page.raw, page.conf);
	e.raw = p.raw;
	e.r = p.r;
	e.confidence = p.conf;
	p.raw = NULL;
	for (i = 0; i < nbox; i++) {
		b[i] = mk(&f, box[i].raw, box[i].conf);
		b[i].marks = box[i].marks != NULL ? xstrdup(box[i].marks) :
		    NULL;
	}
	why = weigh(&e, &p, b, nbox < 3 ? nbox : 2);
	if (nbox == 3 && why != NULL && strcmp(why, WHY_DISAGREE) == 0)
		why = tiebreak(&e, &p, b);
	why = last_doubts(&e, why, b, nbox);
	ck_assert_msg(strcmp(e.r.value, want_value) == 0, "\"%s\": value "
	    "\"%s\", want \"%s\"", page.raw, e.r.value, want_value);
	if (want_why == NULL)
		ck_assert_msg(why == NULL, "\"%s\": doubt \"%s\", want none",
		    page.raw, why);
	else
		ck_assert_msg(why != NULL && strcmp(why, want_why) == 0,
		    "\"%s\": doubt \"%s\", want \"%s\"", page.raw,
		    why != NULL ? why : "(none)", want_why);
	for (i = 0; i < nbox; i++) {
		free(b[i].raw);
		free(b[i].marks);
	}
	free(e.raw);
}

START_TEST(test_agree)
{
	weighs(FT_TEXT, "Talstraße 61", 0.91, "Talstraße 61", 0.92, NULL, 0,
	    "Talstraße 61", NULL);
	weighs(FT_DATE, "17.10.1962", 0.97, "17.10.1902", 0.62, "17.10.1962",
	    0.95, "1962-10-17", NULL);
}
END_TEST

/* The box's two reads, sure and agreeing, against a page's read that was
 * unsure: theirs is the value.  Against a page's read as sure as they
 * are, two against one stays a doubt. */
START_TEST(test_outvoted)
{
	weighs(FT_DATE, "18.10.2026", 0.72, "15.10.2026", 0.97, "15.10.2026",
	    0.97, "2026-10-15", NULL);
	weighs(FT_DATE, "18.10.2026", 0.72, "15.10.2026", 0.97, "15.10.2026",
	    0.85, "2026-10-15", WHY_DISAGREE);
	weighs(FT_INTEGER, "1", 0.96, "4", 0.97, "4", 0.93, "4", WHY_DISAGREE);
	weighs(FT_TEXT, "Neubau eines Garports", 0.91, "Neubau eines Carports",
	    0.94, "Neubau eines Carports", 0.96, "Neubau eines Carports",
	    WHY_DISAGREE);
}
END_TEST

/* The 450 dpi read, as sure as the page's, reads other digits, or the
 * same without a point between two: the read at the scan's own scale
 * that agrees with the page's does not outweigh it. */
START_TEST(test_digits_differ)
{
	weighs(FT_INTEGER, "4", 0.92, "1", 0.97, "4", 0.92, "4", WHY_DISAGREE);
	weighs(FT_INTEGER, "4", 0.92, "1", 0.80, "4", 0.92, "4", NULL);
	weighs(FT_TEXT, "Hauptstraße 1.08", 0.94, "Hauptstraße 108", 0.97,
	    "Hauptstraße 1.08", 0.94, "Hauptstraße 1.08", WHY_DISAGREE);
	weighs(FT_TEXT, "Malerbetrieb", 0.87, "Malerbetrieb.", 0.96,
	    "Malerbetrieb", 0.94, "Malerbetrieb", NULL);
	ck_assert(digits_joined("1.08", "108"));
	ck_assert(digits_joined("Weg 1,5", "Weg 15"));
	ck_assert(!digits_joined("Weg 1.", "Weg 1"));
	ck_assert(!digits_joined("1.0.8", "108"));
}
END_TEST

/* Letters whose two cases differ in size alone are no disagreement. */
START_TEST(test_case_twins)
{
	weighs(FT_TEXT, "NB28 xCZ", 0.89, "NB28 XCZ", 0.91, "NB28 XCZ", 0.90,
	    "NB28 XCZ", NULL);
	weighs(FT_TEXT, "NB28 hCZ", 0.89, "NB28 HCZ", 0.91, "NB28 HCZ", 0.90,
	    "NB28 HCZ", WHY_DISAGREE);
	ck_assert(case_only("Oxford", "oxford"));
	ck_assert(!case_only("Oxford", "Oxford"));
	ck_assert(!case_only("Anna", "anna"));
}
END_TEST

/* A number split at 450 dpi ("1 59") does not contradict the page's
 * "159" that the read at the scan's own scale confirms; a lost space
 * between words still does. */
START_TEST(test_digits_split)
{
	weighs(FT_TEXT, "Uferpromenade 159", 0.92, "Uferpromenade 1 59", 0.71,
	    "Uferpromenade 159", 0.92, "Uferpromenade 159", NULL);
	weighs(FT_TEXT, "Hallsteps 4", 0.92, "Hall steps 4", 0.90,
	    "Hallsteps 4", 0.92, "Hallsteps 4", WHY_DISAGREE);
	ck_assert(digits_split("159", "1 59"));
	ck_assert(digits_split("Weg 12345", "Weg 123 45"));
	ck_assert(!digits_split("Weg 12", "Weg1 2"));
	ck_assert(!digits_split("a1b", "a 1b"));
	ck_assert(!digits_split("159", "159"));
}
END_TEST

/* A read whose word has an i the pixels show no dot for is a doubt in
 * text, not in a date. */
START_TEST(test_dotless_doubt)
{
	struct tpl_field text = { .type = FT_TEXT };
	struct tpl_field date = { .type = FT_DATE };
	struct read r;

	memset(&r, 0, sizeof(r));
	ck_assert_ptr_null(alternatives(&text, &r));
	r.dotless = true;
	ck_assert_str_eq(alternatives(&text, &r), WHY_CONFUSABLE);
	ck_assert_ptr_null(alternatives(&date, &r));
}
END_TEST

/* A mark the pixels show above a letter, of a kind that says which: put
 * back, in place of a lost one or of another one read.  Each case: the
 * box's read, the field's value (NULL: the read's), the pixels' verdicts
 * on the read's symbols (struct ocr_read's marks), whether the read's
 * text was taken as the value, the field's pattern or NULL; what
 * marks_against returns (2: remark refused the marked value) and the
 * value after. */
static const struct {
	const char	*read, *value, *marks;
	bool		 taken;
	const char	*pattern;
	int		 want;
	const char	*after;
} remarks[] = {
	{ "Cafe Muller", NULL, ".+./ .:..+.", false, NULL, 1, "Café Müller" },
	/* a mark of no kind that says which: left to a person */
	{ "Cafe Muller", NULL, ".+.! .+..+.", false, NULL, -1, "Cafe Muller" },
	/* one leaning as an acute accent above an a: no such letter */
	{ "Cafe Muller", NULL, ".+.+ ./..+.", false, NULL, -1, "Cafe Muller" },
	/* pixels that show what was read: nothing to put back */
	{ "Cafe Muller", NULL, ".+.+ .+..+.", false, NULL, 0, "Cafe Muller" },
	{ "Zoe", NULL, "..:", false, NULL, 1, "Zoë" },
	/* a pattern the marked value does not meet: left as read */
	{ "Zoe", NULL, "..:", false, "^[A-Za-z ]+$", 2, "Zoe" },
	/* a letter read with another accent: two dots side by side above
	 * it, a circumflex (the models know no ë and no ê) */
	{ "Zoé", NULL, "..:", false, NULL, 1, "Zoë" },
	{ "Zoé", NULL, "..!", false, NULL, -1, "Zoé" },
	{ "crépes and cafe", NULL, "..^.+. +.. .+./", false, NULL, 1,
	  "crêpes and café" },
	/* the value another read gave, one text with the box's but for a
	 * diacritic: the box's marks are weighed against it letter by
	 * letter; a mark of no kind that says which, where the value has
	 * another letter than the box read, says nothing against it */
	{ "crépes and cafe", "crépes and café", "..^.+. +.. .+./", false, NULL,
	  1, "crêpes and café" },
	{ "crépes and cafe", "crêpes and café", "..^.+. +.. .+.!", false, NULL,
	  0, "crêpes and café" },
	{ "crépes and cafe", "crépes and café", "..!.+. +.. .+./", false, NULL,
	  -1, "crépes and café" },
	/* a box that read a letter's twin in the other case ("SUB" for
	 * Süß): the mark goes on the value's own letter, in its case */
	{ "Café SUB", "Café Süß", ".+.+ .:.", false, NULL, 0, "Café Süß" },
	{ "Cafe SUB", "Cafe Süß", ".+./ .:.", false, NULL, 1, "Café Süß" },
	/* another text: the box's marks do not line up with it */
	{ "crépes and cafe", "cr&pes and cafe", "..^.+. +.. .+./", false, NULL,
	  0, "cr&pes and cafe" },
	/* a read whose text the field took (its value weighed with the
	 * help of its marks): a mark shown otherwise is a doubt */
	{ "crépes and cafe", NULL, "..+.+. +.. .+./", true, NULL, -1,
	  "crépes and cafe" },
	{ "crépes and cafe", NULL, "..+.+. +.. .+.+", true, NULL, 0,
	  "crépes and cafe" },
};

START_TEST(test_remark)
{
	static char name[] = "t";
	char pattern[32], out[256];
	struct tpl_field f = { .name = name, .type = FT_TEXT };
	struct extract_field e = { .f = &f };
	struct read b = mk(&f, remarks[_i].read, 0.95);
	int m;

	e.r = b.r;
	if (remarks[_i].value != NULL)
		snprintf(e.r.value, sizeof(e.r.value), "%s", remarks[_i].value);
	if (remarks[_i].pattern != NULL) {
		snprintf(pattern, sizeof(pattern), "%s", remarks[_i].pattern);
		f.pattern = pattern;
	}
	b.marks = xstrdup(remarks[_i].marks);
	if (remarks[_i].taken) {
		free(b.raw);
		b.raw = NULL;
	}
	m = marks_against(&e, &b, out, sizeof(out));
	if (m > 0 && !remark(&e, out))
		m = 2;
	ck_assert_msg(m == remarks[_i].want, "case %d: %d", _i, m);
	ck_assert_str_eq(e.r.value, remarks[_i].after);
	free(b.marks);
	free(b.raw);
}
END_TEST

/* Two reads that lost a diacritic the same way, against the one whose
 * pixels show it: the pixels win.  Where neither read's pixels tell,
 * or two marked letters are read as others, a person decides. */
START_TEST(test_marks_settle)
{
	decides(FT_TEXT, (struct spec){ "Krause, Anna Andre", 0.94, NULL },
	    (struct spec[]){ { "Krause, Anna André", 0.97, "..++.+. +..+ +...+" },
	    { "Krause, Anna Andre", 0.94, "..++.+. +..+ +.../" } }, 2,
	    "Krause, Anna André", NULL);
	decides(FT_TEXT, (struct spec){ "Chlo& Brown", 0.88, NULL },
	    (struct spec[]){ { "Chloé Brown", 0.9, "...++ ..+.." },
	    { "Chlo& Brown", 0.88, "...+. ..+.." } }, 2,
	    "Chloé Brown", NULL);
	/* the é's pixels do not tell: an ampersand is still a misread */
	decides(FT_TEXT, (struct spec){ "Chlo& Brown", 0.88, NULL },
	    (struct spec[]){ { "Chloé Brown", 0.9, "...+- ..+.." },
	    { "Chlo& Brown", 0.88, "...+. ..+.." } }, 2,
	    "Chlo& Brown", WHY_DISAGREE);
	/* the box's two reads agree; the second's pixels show the ä */
	decides(FT_TEXT, (struct spec){ "Mehmet Schafer", 0.95, NULL },
	    (struct spec[]){ { "Mehmet Schäfer", 0.96, ".+..+. ...-.-." },
	    { "Mehmet Schäfer", 0.95, ".+..+. ...+.+." } }, 2,
	    "Mehmet Schäfer", NULL);
	decides(FT_TEXT, (struct spec){ "Schafer", 0.97, NULL },
	    (struct spec[]){ { "Schäfer", 0.96, "...-.+." },
	    { "Schäfer", 0.97, "...-.+." } }, 2, "Schäfer", WHY_DIACRITIC);
	/* the page's read has the accent, the box's lost it where its
	 * pixels show one leaning as an acute accent does */
	decides(FT_TEXT, (struct spec){ "Laden zu Café", 0.92, NULL },
	    (struct spec[]){ { "Laden zu Cafe", 0.93, ".+.+. .+ .+./" } }, 1,
	    "Laden zu Café", NULL);
	decides(FT_TEXT, (struct spec){ "Hot food: cröpes", 0.9, NULL },
	    (struct spec[]){ { "Hot food: crépes", 0.93, ".+. .++.. ..!.+." },
	    { "Hot food: cröpes", 0.9, ".+. .++.. ..-.+." } }, 2,
	    "Hot food: cröpes", WHY_DISAGREE);
}
END_TEST

/* Where the first reads disagree, a third at another scale decides
 * when it makes a majority of the valid reads. */
START_TEST(test_tiebreak)
{
	/* the page's read and the third against a weak second */
	decides(FT_POSTCODE_UK, (struct spec){ "BL15 2LH", 0.88, NULL },
	    (struct spec[]){ { "BLI52L.H", 0.08, NULL },
	    { "BL15 2EH", 0.47, NULL }, { "BL15 2LH", 0.9, NULL } }, 3,
	    "BL15 2LH", NULL);
	/* a date the page's read missed, read two ways by the box */
	decides(FT_DATE, (struct spec){ "27.5.2O2", 0.7, NULL },
	    (struct spec[]){ { "27.5.2027", 0.93, NULL },
	    { "21.3.2021", 0.93, NULL }, { "27.5.2027", 0.95, NULL } }, 3,
	    "2027-05-27", NULL);
	/* two against two: a person decides */
	decides(FT_DATE, (struct spec){ "16.10.1943", 0.94, NULL },
	    (struct spec[]){ { "16.10.1948", 0.93, NULL },
	    { "16.10.1948", 0.9, NULL }, { "16.10.1943", 0.95, NULL } }, 3,
	    "1948-10-16", WHY_DISAGREE);
	/* the box's three reads against the page's: they share the
	 * pixels and their misreads, a person decides */
	decides(FT_TEXT, (struct spec){ "177/25", 0.96, NULL },
	    (struct spec[]){ { "177125", 0.93, NULL },
	    { "177125", 0.88, NULL }, { "177125", 0.95, NULL } }, 3,
	    "177125", WHY_DISAGREE);
	/* the third read and the one at the scan's own scale agree with
	 * the page's, against the 450 dpi read: it still counts */
	decides(FT_TEXT, (struct spec){ "Brückenstraße 176", 0.88, NULL },
	    (struct spec[]){ { "Brückenstraße 17b", 0.54, NULL },
	    { "Brückenstraße 176", 0.88, NULL },
	    { "Brückenstraße 176", 0.9, NULL } }, 3,
	    "Brückenstraße 176", WHY_DISAGREE);
	/* each read another value */
	decides(FT_INTEGER, (struct spec){ "4", 0.9, NULL },
	    (struct spec[]){ { "1", 0.9, NULL }, { "7", 0.9, NULL },
	    { "9", 0.9, NULL } }, 3, "4", WHY_DISAGREE);
}
END_TEST

START_TEST(test_speck)
{
	/* a speck before a number: left out of a number's value, so that
	 * a read that saw it as a quotation mark agrees */
	decides(FT_INTEGER, (struct spec){ "26", 0.9, NULL },
	    (struct spec[]){ { "\xe2\x80\x9a" "26", 0.9, NULL } }, 1, "26",
	    NULL);
	decides(FT_DATE, (struct spec){ "'12.05.2026", 0.9, NULL },
	    (struct spec[]){ { "12.05.2026", 0.92, NULL } }, 1, "2026-05-12",
	    NULL);
	/* the page's read and the one at the scan's own scale took it for
	 * a 1, the 450 dpi read for a quotation mark: a person decides,
	 * and the last read, of the page's pixels too, does not */
	decides(FT_INTEGER, (struct spec){ "126", 0.57, NULL },
	    (struct spec[]){ { "\xe2\x80\x9a" "26", 0.57, NULL },
	    { "126", 0.67, NULL }, { "126", 0.7, NULL } }, 3, "126",
	    WHY_DISAGREE);
	/* a point after a lone digit, and after a date */
	decides(FT_INTEGER, (struct spec){ "0.", 0.81, NULL },
	    (struct spec[]){ { "0.", 0.92, NULL } }, 1, "0", NULL);
	decides(FT_DATE, (struct spec){ "13.04.2026.", 0.9, NULL },
	    (struct spec[]){ { "13.04.2026", 0.92, NULL } }, 1, "2026-04-13",
	    NULL);
	/* a closing quotation mark after a number, the point before it */
	decides(FT_INTEGER, (struct spec){ "5.\xe2\x80\x99", 0.9, NULL },
	    (struct spec[]){ { "5", 0.92, NULL } }, 1, "5", NULL);
	/* a comma after an e-mail address, not a point: the top-level
	 * domain may be what was lost */
	decides(FT_EMAIL, (struct spec){ "oscar.green@example.co.uk,", 0.87,
	    NULL }, (struct spec[]){ { "oscar.green@example.co.uk,", 0.9,
	    NULL } }, 1, "oscar.green@example.co.uk", NULL);
	decides(FT_EMAIL, (struct spec){ "oscar.green@example.co.", 0.87,
	    NULL }, (struct spec[]){ { "oscar.green@example.co.", 0.9,
	    NULL } }, 1, "", NULL);
	/* not after an amount: its cents may be what was lost */
	decides(FT_AMOUNT, (struct spec){ "12,", 0.9, NULL },
	    (struct spec[]){ { "12,", 0.9, NULL } }, 1, "", NULL);
	/* a text keeps them: a writer may quote */
	decides(FT_TEXT, (struct spec){ "'Zur Linde'", 0.9, NULL },
	    (struct spec[]){ { "'Zur Linde'", 0.9, NULL } }, 1,
	    "'Zur Linde'", NULL);
}
END_TEST

START_TEST(test_marks_expected)
{
	ck_assert_int_eq(marks_expected("Talstraße"), 0);
	ck_assert_int_eq(marks_expected("Taistraße"), 1);
	ck_assert_int_eq(marks_expected("William"), 2);
	ck_assert_int_eq(marks_expected("Jürgen"), 1);
	ck_assert_int_eq(marks_expected("Café"), 1);
	ck_assert_int_eq(marks_expected("emily.wright@example.com"), 2);
	ck_assert_int_eq(marks_expected("„Zur"), -1);
	ck_assert_int_eq(marks_expected("Hallo!"), -1);
	ck_assert_int_eq(marks_expected("Ærø"), -1);
}
END_TEST

/* Draws a black rectangle into a 1 bpp image. */
static void
ink_rect(PIX *p, int x, int y, int w, int h)
{
	ck_assert_int_eq(pixRasterop(p, x, y, w, h, PIX_SET, NULL, 0, 0), 0);
}

/* A word of three stems, 50 pixels tall, the middle one as short as an
 * i's, with a dot above it or not: "lil" wants one dot. */
START_TEST(test_dots_missing)
{
	PIX *p = pixCreate(120, 80, 1);

	ck_assert_ptr_nonnull(p);
	ink_rect(p, 10, 10, 7, 50);		/* l */
	ink_rect(p, 40, 24, 7, 36);		/* i's stem */
	ink_rect(p, 70, 10, 7, 50);		/* l */
	ck_assert(dots_missing(p, &p, 0, 0, 120, 80, "lil"));
	ck_assert(!dots_missing(p, &p, 0, 0, 120, 80, "lll"));
	ink_rect(p, 40, 11, 7, 8);		/* the i's dot */
	ck_assert(!dots_missing(p, &p, 0, 0, 120, 80, "lil"));
	/* a speck is no dot */
	pixClearAll(p);
	ink_rect(p, 10, 10, 7, 50);
	ink_rect(p, 40, 24, 7, 36);
	ink_rect(p, 70, 10, 7, 50);
	ink_rect(p, 42, 14, 1, 1);
	ck_assert(dots_missing(p, &p, 0, 0, 120, 80, "lil"));
	/* a diaeresis's dots run into one are one mark */
	ink_rect(p, 90, 24, 20, 36);		/* a u's body */
	ink_rect(p, 92, 12, 16, 7);
	ck_assert(dots_missing(p, &p, 0, 0, 120, 80, "lilü"));
	ck_assert(!dots_missing(p, &p, 0, 0, 120, 80, "lllü"));
	pixDestroy(&p);
}
END_TEST

/* The marks above a letter's body: two dots, or one solid part twice as
 * wide as high (a diaeresis's dots run into one), or one accent, or a
 * circumflex as wide but hollow; two dots side by side, the parts of a
 * broken accent one above the other. */
START_TEST(test_marks_above)
{
	PIX *p = pixCreate(60, 60, 1);
	struct above a;

	ck_assert_ptr_nonnull(p);
	ink_rect(p, 20, 25, 20, 30);		/* the letter's body */
	ink_rect(p, 22, 12, 6, 6);		/* two dots */
	ink_rect(p, 32, 12, 6, 6);
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 2);
	ck_assert(a.level);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	ink_rect(p, 25, 5, 5, 5);		/* a broken accent's parts */
	ink_rect(p, 31, 13, 5, 5);
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 2);
	ck_assert(!a.level);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	ink_rect(p, 22, 12, 16, 6);		/* run into one */
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 1);
	ck_assert(a.wide);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	ink_rect(p, 27, 10, 6, 9);		/* an accent */
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 1);
	ck_assert(!a.wide);
	ck_assert(!a.hat);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	/* an acute accent as wide as a circumflex: it leans */
	ck_assert_int_eq(pixRenderLine(p, 21, 17, 39, 11, 2, L_SET_PIXELS), 0);
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 1);
	ck_assert(!a.hat);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	/* a circumflex as wide: two thin strokes, not two dots */
	ck_assert_int_eq(pixRenderLine(p, 21, 17, 30, 11, 2, L_SET_PIXELS), 0);
	ck_assert_int_eq(pixRenderLine(p, 30, 11, 39, 17, 2, L_SET_PIXELS), 0);
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert_int_eq(a.marks, 1);
	ck_assert(!a.wide);
	ck_assert(a.hat);
	pixClearAll(p);
	ink_rect(p, 20, 25, 20, 30);
	ink_rect(p, 22, 12, 16, 6);		/* dots run into one again */
	marks_above(p, 20, 40, 0, 55, &a);
	ck_assert(!a.hat);
	pixDestroy(&p);
}
END_TEST

static Suite *
weigh_suite(void)
{
	Suite *s = suite_create("weigh");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_agree);
	tcase_add_test(tc, test_outvoted);
	tcase_add_test(tc, test_digits_differ);
	tcase_add_test(tc, test_case_twins);
	tcase_add_test(tc, test_digits_split);
	tcase_add_test(tc, test_dotless_doubt);
	tcase_add_loop_test(tc, test_remark, 0, NELEM(remarks));
	tcase_add_test(tc, test_marks_settle);
	tcase_add_test(tc, test_tiebreak);
	tcase_add_test(tc, test_speck);
	tcase_add_test(tc, test_marks_expected);
	tcase_add_test(tc, test_dots_missing);
	tcase_add_test(tc, test_marks_above);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(weigh_suite());
}
