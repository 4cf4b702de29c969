/*
 * extract.h - recognising a form on a read page and reading its fields
 * (worker side: it needs the page's pixels and OCR words).
 */
#ifndef INTAKE_EXTRACT_H
#define INTAKE_EXTRACT_H

#include "fields.h"
#include "ocr.h"
#include "template.h"

struct Pix;

struct page_match {
	const struct template	*t;
	const struct tpl_page	*p;
	double			 score;		/* phrases found, 0 .. 1 */
};

/* How well a page fits its template: the anchors the fit kept (bit i:
 * the page's anchor i), and how far the fit puts them from where OCR
 * read them. */
struct page_fit {
	size_t			 found, total;	/* anchors */
	uint64_t		 found_mask;
	double			 residual_mm;	/* mean */
	double			 residual_max_mm;
	bool			 aligned;	/* the template's registration
						   settings are met */
};

struct extract_field {
	const struct tpl_field	*f;
	struct field_result	 r;		/* value and check */
	char			*raw;		/* what OCR read in the box */
	double			 confidence;	/* 0 .. 1 */
	const char		*status;	/* ok empty missing uncertain invalid */
	int			 x, y, w, h;	/* the box on the page, pixels */
};

/* The template page that page r best looks like; false when none does. */
bool	extract_classify(struct template *const *tpls, size_t n,
	    const struct ocr_result *r, struct page_match *m);
/* The page of template t that a page of a delivery is, when a person
 * said it is that form: the one with most of its phrases found, else the
 * seq'th page (the last for more).  False only for a template without
 * pages. */
bool	extract_classify_as(const struct template *t,
	    const struct ocr_result *r, uint32_t seq, struct page_match *m);
/* Reads a field's box (x, y, w, h in page pixels) again on its own, scaled
 * to at_ppi: the reads a value is compared with, also of a box the page's
 * OCR found no word in.  0 with out filled (out->text the caller's), or
 * INTAKE_ERR. */
typedef int (*extract_reread)(void *arg, const int box[4], int at_ppi,
    struct ocr_read *out);
/* Reads the fields of a matched page, given in black and white (bw, 1 bit
 * per pixel, the caller's); *out (n of them) is the caller's, freed with
 * extract_fields_free.  reread may be NULL.
 * The page's fit is told in *fit; on a page not aligned no field is ok:
 * each goes to a person with the why EXTRACT_NOT_ALIGNED. */
#define EXTRACT_NOT_ALIGNED	"page not aligned"
int	extract_fields(const struct page_match *m, struct Pix *bw, int ppi,
	    const struct ocr_result *r, extract_reread reread, void *arg,
	    struct extract_field **out, size_t *n, struct page_fit *fit);
void	extract_fields_free(struct extract_field *, size_t n);

#endif
