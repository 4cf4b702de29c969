/*
 * image.c - scanned page images: every page of a TIFF, PNG, JPEG and the
 * other formats Leptonica reads.  Dimensions are read from the header and
 * checked before a page is decoded, so a decompression bomb costs nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "worker.h"

bool
image_sniff(const unsigned char *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return true;
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return true;
	if (n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0))
		return true;
	if (n >= 2 && d[0] == 'B' && d[1] == 'M')
		return true;
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return true;
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return true;
	if (n >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '6' &&
	    (d[2] == '\n' || d[2] == ' ' || d[2] == '\r'))
		return true;
	return false;
}

static bool
is_tiff(const unsigned char *d, size_t n)
{
	return n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0);
}

/* Refuses a page whose header promises more pixels than allowed. */
static int
check_size(struct job *j, const char *where, int w, int h)
{
	if (w <= 0 || h <= 0)
		return job_refuse(j, "%s: the image header is damaged", where);
	if ((uint32_t)w > j->lim.max_width || (uint32_t)h > j->lim.max_height ||
	    (uint64_t)w * (uint64_t)h > j->lim.max_pixels)
		return job_refuse(j, "%s: %d x %d pixels is more than the limit "
		    "of %u x %u and %llu megapixels", where, w, h,
		    j->lim.max_width, j->lim.max_height,
		    (unsigned long long)(j->lim.max_pixels / 1000000));
	return 0;
}

static int
tiff_pages(struct job *j, const char *where, const char *source,
    const char *member, const unsigned char *data, size_t len)
{
	FILE *f;
	l_int32 n = 0, i, w, h, bps, spp, res, cmap, fmt;
	int rc = 0;

	if ((f = fmemopen((void *)data, len, "rb")) == NULL)
		return INTAKE_ERR;
	if (tiffGetCount(f, &n) != 0 || n <= 0) {
		fclose(f);
		job_warn(j, "%s: damaged TIFF, no page could be read", where);
		return INTAKE_ERR;
	}
	fclose(f);
	if ((uint32_t)n > j->lim.max_pages)
		return job_refuse(j, "%s: %d pages is more than the limit of %u",
		    where, n, j->lim.max_pages);
	for (i = 0; i < n && rc == 0; i++) {
		char *pw = xasprintf("%s page %d", where, i + 1);
		PIX *pix;

		job_progress(j, "decoding %s", pw);
		if (readHeaderMemTiff(data, len, i, &w, &h, &bps, &spp, &res,
		    &cmap, &fmt) != 0)
			job_warn(j, "%s: damaged TIFF page skipped", pw);
		else if ((rc = check_size(j, pw, w, h)) == 0) {
			if ((pix = pixReadMemTiff(data, len, i)) == NULL)
				job_warn(j, "%s: damaged TIFF page skipped", pw);
			else {
				rc = job_page(j, pix, source, member,
				    (uint32_t)i + 1);
				pixDestroy(&pix);
			}
		}
		free(pw);
	}
	return rc;
}

int
image_pages(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len)
{
	char *where = unpack_where(source, member);
	l_int32 fmt, w, h, bps, spp, cmap;
	PIX *pix;
	int rc;

	if (is_tiff(data, len)) {
		rc = tiff_pages(j, where, source, member, data, len);
		free(where);
		return rc;
	}
	/* unpack_buffer() has told the daemon it decodes where */
	if (pixReadHeaderMem(data, len, &fmt, &w, &h, &bps, &spp, &cmap) != 0) {
		job_warn(j, "%s: damaged image skipped", where);
		rc = INTAKE_ERR;
	} else if ((rc = check_size(j, where, w, h)) == 0) {
		if ((pix = pixReadMem(data, len)) == NULL) {
			job_warn(j, "%s: damaged image skipped", where);
			rc = INTAKE_ERR;
		} else {
			rc = job_page(j, pix, source, member, 1);
			pixDestroy(&pix);
		}
	}
	free(where);
	return rc;
}
