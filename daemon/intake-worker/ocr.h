/*
 * ocr.h - reading pages with Tesseract (worker side only).
 */
#ifndef INTAKE_OCR_H
#define INTAKE_OCR_H

#include <stddef.h>

#include "intake.h"

struct Pix;

#define OCR_MAX_WORDS	20000

struct ocr_word {
	char	*text;
	int	 x, y, w, h;	/* in the corrected page's pixels */
	float	 conf;		/* 0 .. 100 */
	int	 block, line;	/* counted from 1 over the page */
};

struct ocr_result {
	int		 rotation;	/* degrees turned clockwise: 0, 90, ... */
	float		 skew;		/* degrees straightened */
	int		 confidence;	/* Tesseract's mean, 0 .. 100 */
	char		*text;
	struct ocr_word	*words;
	size_t		 nwords;
};

struct ocr;

/* Loads the models of lang ("deu", "deu+eng"); NULL with a message in err
 * naming the Debian package when one is missing. */
struct ocr *ocr_open(const char *lang, char *err, size_t errlen);
void	ocr_close(struct ocr *);
const char *ocr_lang(const struct ocr *);
/* The Debian packages that hold lang's models (a static string). */
const char *ocr_lang_package(const char *lang);
/* Turns page upright, deskews and reads it.  *out is the corrected page
 * and, when bw is not NULL, *bw the same in black and white (the caller
 * destroys both, also on failure; either may be NULL then); res is filled
 * (release with ocr_result_release).  When a searchable PDF is open the
 * page is added. */
int	ocr_page(struct ocr *, struct Pix *page, int ppi, struct Pix **out,
	    struct Pix **bw, struct ocr_result *res);
void	ocr_result_release(struct ocr_result *);
/* A second, independent reading of one field's box: its words, the least
 * sure word's confidence (0 .. 1), whether Tesseract weighed, for some
 * letter, its twin with or without a diacritic (a/ä, o/ö, u/ü, s/ß) or an
 * ampersand for an e (an accent lost), and whether it weighed, for some
 * digit, another digit (3/5, 6/8, 1/7) or a letter (b/6, l/1, O/0, S/5)
 * it is often taken for nearly as likely. */
struct ocr_read {
	char	*text;		/* the caller's (free) */
	double	 conf;
	bool	 diacritic;
	bool	 digits;
	bool	 letter_digit;
	bool	 dotless;	/* a word read with an i or a j whose dot
				   the pixels do not show (dots_missing) */
	char	*marks;	/* the caller's (free), one byte a symbol of
				   text: '+' an a, e, o, u whose diacritic,
				   or its lack, the pixels show (two dots
				   above an ä, ë, ö, ü, one mark leaning as
				   an acute or a grave accent does above an
				   é, è, a circumflex above an ê, nothing
				   above a plain one); one whose mark they
				   show as another: ':' two dots (above a
				   plain one, or side by side above an
				   accented one), '/' one leaning as an
				   acute accent (above a plain one), '^' a
				   circumflex (above a plain or an
				   accented one), '!' another, or two dots
				   one above the other above an accented
				   one, an accent that leans otherwise;
				   '-' one they do not tell,
				   '.' another symbol, ' ' a space; NULL
				   for none */
};
/* The verdicts of struct ocr_read's marks that name the mark the pixels
 * show in place of the one read: two dots, an acute accent, a
 * circumflex. */
#define OCR_MARK_NAMED	":/^"
/* Whether the symbols a and b are one letter with and without a
 * diacritic (a/ä, o/ö, u/ü, e/é), or s or B against ß. */
bool	ocr_twins(const char *a, const char *b);
/* Whether Tesseract often takes the one-letter symbols a and b for one
 * another by their shape: f/t, b/6, l/1/I, l/i, O/0, S/5, 3/5, 6/8, 1/7. */
bool	ocr_confusable(const char *a, const char *b);
/* The letter a UTF-8 symbol (one letter, NUL-terminated) is without its
 * diacritic ("ä" -> 'a', "ß" -> 's'), the symbol itself when it is one ASCII
 * letter, else 0. */
char	ocr_letter_base(const char *symbol);
/* Whether a symbol is a letter that a diacritic above it changes and
 * whose mark, or its lack, the pixels show: a, e, o, u, plain or marked,
 * either case (an i has a dot of its own; ß is no mark). */
bool	ocr_mark_letter(const char *symbol);
/* Whether a and b are one such letter, one of them plain and the other
 * marked (a/ä, e/é; not ë/é): what the pixels above it tell apart. */
bool	ocr_marked_plain(const char *a, const char *b);
/* Whether an OCR word holds no letter or digit (a box's edge, a speck, a
 * quotation mark): its confidence says nothing of a value. */
bool	ocr_noise(const char *word);
/* Reads the box (x, y, w, h in pixels of page, scanned at ppi) again on
 * its own: as one line, scaled to at_ppi (0: as scanned), thresholded on
 * the box alone.
 * 0 or INTAKE_ERR (out->text NULL). */
int	ocr_field(struct ocr *, struct Pix *page, int ppi, const int box[4],
	    int at_ppi, struct ocr_read *out);
/* The CPU seconds this process's engines have spent reading pages
 * (ocr_page) and fields again (ocr_field). */
void	ocr_cost(double *pages, double *fields);
/* A searchable PDF (the page images with an invisible text layer) written
 * to base + ".pdf". */
int	ocr_pdf_begin(struct ocr *, const char *base, const char *title);
int	ocr_pdf_end(struct ocr *);

#endif
