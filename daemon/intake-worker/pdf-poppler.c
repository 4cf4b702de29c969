/*
 * pdf-poppler.c - PDF pages rendered at 300 dpi with Poppler.  The page
 * size is checked before a page is rendered.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "worker.h"

#define PDF_DPI	300.0

bool
pdf_sniff(const unsigned char *d, size_t n)
{
	/* The header may follow a little junk, as in many scanners' files. */
	size_t lim = n < 1024 ? n : 1024;

	for (size_t i = 0; i + 5 <= lim; i++)
		if (memcmp(d + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

/* Copies a rendered ARGB32 surface into an 8-bit grey Pix. */
static PIX *
surface_to_pix(cairo_surface_t *s, int w, int h)
{
	const unsigned char *src = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	PIX *pix = pixCreate(w, h, 8);
	l_uint32 *line;
	l_int32 wpl;
	int x, y;

	if (pix == NULL)
		return NULL;
	wpl = pixGetWpl(pix);
	line = pixGetData(pix);
	for (y = 0; y < h; y++, line += wpl) {
		const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
		for (x = 0; x < w; x++) {
			uint32_t p = row[x];
			unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
			SET_DATA_BYTE(line, x, (r * 77 + g * 151 + b * 28) >> 8);
		}
	}
	pixSetResolution(pix, (l_int32)PDF_DPI, (l_int32)PDF_DPI);
	return pix;
}

int
pdf_pages(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len)
{
	char *where = unpack_where(source, member);
	GBytes *bytes = g_bytes_new_static(data, len);
	GError *err = NULL;
	PopplerDocument *doc;
	int i, n, rc = 0;

	job_progress(j, "opening PDF %s", where);
	doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	if (doc == NULL) {
		job_warn(j, "%s: damaged or encrypted PDF skipped: %s", where,
		    err ? err->message : "unreadable");
		g_clear_error(&err);
		g_bytes_unref(bytes);
		free(where);
		return INTAKE_ERR;
	}
	n = poppler_document_get_n_pages(doc);
	if (n <= 0)
		job_warn(j, "%s: the PDF has no pages", where);
	else if ((uint32_t)n > j->lim.max_pages)
		rc = job_refuse(j, "%s: %d pages is more than the limit of %u",
		    where, n, j->lim.max_pages);
	for (i = 0; i < n && rc == 0; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		double wpt, hpt;
		int w, h;
		cairo_surface_t *s;
		cairo_t *cr;
		PIX *pix;

		if (page == NULL)
			continue;
		job_progress(j, "rendering %s page %d", where, i + 1);
		poppler_page_get_size(page, &wpt, &hpt);
		w = (int)(wpt / 72.0 * PDF_DPI + 0.5);
		h = (int)(hpt / 72.0 * PDF_DPI + 0.5);
		if (w <= 0 || h <= 0 || (uint32_t)w > j->lim.max_width ||
		    (uint32_t)h > j->lim.max_height ||
		    (uint64_t)w * (uint64_t)h > j->lim.max_pixels) {
			rc = job_refuse(j, "%s page %d: %d x %d pixels at 300 dpi "
			    "is more than the limit", where, i + 1, w, h);
			g_object_unref(page);
			break;
		}
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cr = cairo_create(s);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, PDF_DPI / 72.0, PDF_DPI / 72.0);
		poppler_page_render_for_printing(page, cr);
		cairo_destroy(cr);
		cairo_surface_flush(s);
		pix = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ?
		    surface_to_pix(s, w, h) : NULL;
		cairo_surface_destroy(s);
		g_object_unref(page);
		if (pix == NULL) {
			job_warn(j, "%s page %d: cannot be rendered", where, i + 1);
			continue;
		}
		rc = job_page(j, pix, source, member, (uint32_t)i + 1);
		pixDestroy(&pix);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
	free(where);
	return rc;
}
