/*
 * test_unpack.c - unit tests for the worker's parsing code: unpack.c,
 * image.c, manifest.c and pdf-poppler.c (or pdf-none.c).
 *
 * worker.c is not linked: the job_* functions it provides are defined
 * here as a recording stand-in, so each test calls unpack_buffer() or
 * unpack_fd() directly and inspects what was reported.  Every fixture is
 * made by the test itself: archives with libarchive's writer, images
 * with Leptonica, a PDF with cairo.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <leptonica/allheaders.h>
#ifdef HAVE_POPPLER
#include <cairo.h>
#include <cairo-pdf.h>
#endif

#include "unit.h"
#include "worker.h"

/* ---- the recording stand-in for worker.c --------------------------------- */

#define REC_MAX	64

struct rec_page {
	char		*source, *member;
	uint32_t	 page_no, width, height, depth;
};

static struct {
	struct rec_page	 page[REC_MAX];
	int		 npages;
	char		*warn[REC_MAX];
	int		 nwarn;
	char		*att[REC_MAX];
	size_t		 att_len[REC_MAX];
	int		 natt;
	char		*ref, *channel, *sender, *hint;
	uint32_t	 mpages;
	int		 nmanifest;
	int		 nprogress;
	int		 nfault;		/* job_fault_point() calls */
} rec;

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
job_progress(struct job *j, const char *fmt, ...)
{
	(void)j;
	(void)fmt;
	rec.nprogress++;
}

void
job_warn(struct job *j, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	(void)j;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(rec.nwarn, REC_MAX);
	rec.warn[rec.nwarn++] = xstrdup(text);
}

/* As worker.c's: the first reason wins. */
int
job_refuse(struct job *j, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (j->refused == NULL) {
		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
		j->refused = xstrdup(text);
	}
	return INTAKE_EINVAL;
}

/* As worker.c's, without writing a file: the page limit, then a record. */
int
job_page(struct job *j, PIX *pix, const char *source, const char *member,
    uint32_t page_no)
{
	struct rec_page *p;

	if (j->pages >= j->lim.max_pages)
		return job_refuse(j, "more than %u pages", j->lim.max_pages);
	ck_assert_ptr_nonnull(pix);
	ck_assert_ptr_nonnull(source);
	ck_assert_int_lt(rec.npages, REC_MAX);
	p = &rec.page[rec.npages++];
	p->source = xstrdup(source);
	p->member = dup_or_null(member);
	p->page_no = page_no;
	p->width = (uint32_t)pixGetWidth(pix);
	p->height = (uint32_t)pixGetHeight(pix);
	p->depth = (uint32_t)pixGetDepth(pix);
	j->pages++;
	return 0;
}

int
job_attachment(struct job *j, const char *name, const void *data, size_t len)
{
	(void)data;
	ck_assert_int_lt(rec.natt, REC_MAX);
	rec.att[rec.natt] = xstrdup(name);
	rec.att_len[rec.natt] = len;
	rec.natt++;
	j->attachments++;
	return 0;
}

void
job_manifest(struct job *j, const char *reference, const char *channel,
    const char *sender, const char *form_hint, uint32_t pages)
{
	(void)j;
	free(rec.ref);
	free(rec.channel);
	free(rec.sender);
	free(rec.hint);
	rec.ref = dup_or_null(reference);
	rec.channel = dup_or_null(channel);
	rec.sender = dup_or_null(sender);
	rec.hint = dup_or_null(form_hint);
	rec.mpages = pages;
	rec.nmanifest++;
}

void
job_fault_point(struct job *j, const char *name)
{
	ck_assert_ptr_nonnull(name);
	rec.nfault++;
}

/* ---- fixture ------------------------------------------------------------- */

static struct job job;

/* Generous limits; tests lower the one they are about. */
static void
job_reset(void)
{
	memset(&job, 0, sizeof(job));
	job.sock = -1;
	job.outfd = -1;
	job.lim.max_bytes = 512ULL << 20;
	job.lim.max_members = 10000;
	job.lim.max_ratio = 200;
	job.lim.max_depth = 2;
	job.lim.max_width = 12000;
	job.lim.max_height = 12000;
	job.lim.max_pixels = 150000000;
	job.lim.max_pages = 500;
}

static void
rec_release(void)
{
	int i;

	for (i = 0; i < rec.npages; i++) {
		free(rec.page[i].source);
		free(rec.page[i].member);
	}
	for (i = 0; i < rec.nwarn; i++)
		free(rec.warn[i]);
	for (i = 0; i < rec.natt; i++)
		free(rec.att[i]);
	free(rec.ref);
	free(rec.channel);
	free(rec.sender);
	free(rec.hint);
	memset(&rec, 0, sizeof(rec));
}

static void
setup(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	memset(&rec, 0, sizeof(rec));
	job_reset();
}

static void
teardown(void)
{
	rec_release();
	free(job.refused);
	job.refused = NULL;
}

/* ---- assertions ---------------------------------------------------------- */

/* Some warning holds text (and names where, when not NULL). */
static bool
warned(const char *text, const char *where)
{
	int i;

	for (i = 0; i < rec.nwarn; i++)
		if (strstr(rec.warn[i], text) != NULL &&
		    (where == NULL || strstr(rec.warn[i], where) != NULL))
			return true;
	return false;
}

static void
assert_warned(const char *text, const char *where)
{
	int i;

	if (warned(text, where))
		return;
	for (i = 0; i < rec.nwarn; i++)
		fprintf(stderr, "  warning %d: %s\n", i, rec.warn[i]);
	ck_abort_msg("no warning \"%s\"%s%s among %d", text,
	    where ? " about " : "", where ? where : "", rec.nwarn);
}

static void
assert_refused(const char *text)
{
	ck_assert_msg(job.refused != NULL, "not refused (wanted \"%s\"; %d "
	    "pages, %d warnings)", text, rec.npages, rec.nwarn);
	ck_assert_msg(strstr(job.refused, text) != NULL, "refused \"%s\", "
	    "not for \"%s\"", job.refused, text);
}

static void
assert_not_refused(void)
{
	ck_assert_msg(job.refused == NULL, "refused: %s", job.refused);
}

static void
assert_page(int i, const char *source, const char *member, uint32_t page_no)
{
	ck_assert_int_lt(i, rec.npages);
	ck_assert_str_eq(rec.page[i].source, source);
	if (member == NULL)
		ck_assert_ptr_null(rec.page[i].member);
	else {
		ck_assert_ptr_nonnull(rec.page[i].member);
		ck_assert_str_eq(rec.page[i].member, member);
	}
	ck_assert_uint_eq(rec.page[i].page_no, page_no);
}

/* ---- images -------------------------------------------------------------- */

/* A grey page with a pattern, w x h, depth 1 or 8. */
static PIX *
page_pix(int w, int h, int depth)
{
	PIX *pix = pixCreate(w, h, depth);
	int x, y;

	ck_assert_ptr_nonnull(pix);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			pixSetPixel(pix, x, y, depth == 1 ? (uint32_t)((x / 4 +
			    y / 4) & 1) : (uint32_t)((x * 3 + y * 5) & 0xff));
	pixSetResolution(pix, 300, 300);
	return pix;
}

/* An encoded image (caller frees); NULL when Leptonica cannot write it. */
static unsigned char *
image(int format, int w, int h, int depth, size_t *len)
{
	PIX *pix = page_pix(w, h, depth);
	l_uint8 *data = NULL;
	unsigned char *out = NULL;

	*len = 0;
	if (pixWriteMem(&data, len, pix, format) == 0 && data != NULL) {
		out = xcalloc(1, *len);
		memcpy(out, data, *len);
	}
	lept_free(data);
	pixDestroy(&pix);
	return out;
}

static unsigned char *
png(int w, int h, size_t *len)
{
	unsigned char *d = image(IFF_PNG, w, h, 8, len);

	ck_assert_ptr_nonnull(d);
	return d;
}

/* A multi-page G4 TIFF of n pages, each its own width. */
static unsigned char *
tiff_pages_of(int n, size_t *len)
{
	PIXA *pixa = pixaCreate(n);
	l_uint8 *data = NULL;
	unsigned char *out;
	int i;

	for (i = 0; i < n; i++)
		pixaAddPix(pixa, page_pix(64 + 8 * i, 48, 1), L_INSERT);
	ck_assert_int_eq(pixaWriteMemMultipageTiff(&data, len, pixa), 0);
	out = xcalloc(1, *len);
	memcpy(out, data, *len);
	lept_free(data);
	pixaDestroy(&pixa);
	return out;
}

/* A PNG header claiming 60000 x 60000 pixels, with valid CRCs, and a
 * tiny IDAT: refused from the header, never decoded. */
static const unsigned char huge_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0xea, 0x60, 0x00, 0x00, 0xea, 0x60,
	0x08, 0x00, 0x00, 0x00, 0x00, 0xa5, 0xb9, 0x2a, 0x9e, 0x00, 0x00, 0x00,
	0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x40, 0x05, 0x00,
	0x00, 0x10, 0x00, 0x01, 0x39, 0xbd, 0x8f, 0x65, 0x00, 0x00, 0x00, 0x00,
	0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* ---- archives ------------------------------------------------------------ */

struct buf {
	unsigned char	*data;
	size_t		 len, cap;
};

static la_ssize_t
buf_write(struct archive *a, void *arg, const void *p, size_t n)
{
	struct buf *b = arg;

	(void)a;
	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap : 65536;
		while (b->cap < b->len + n)
			b->cap *= 2;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return (la_ssize_t)n;
}

/* One archive member: a file, or with type a link or special file. */
struct ent {
	const char		*name;
	const void		*data;
	size_t			 len;
	unsigned		 type;		/* 0: AE_IFREG */
	const char		*symlink;
	const char		*hardlink;
	const char		*options;	/* for the whole archive */
};

enum fmt { F_ZIP, F_TAR, F_7Z, F_CPIO, F_RAW };
enum flt { X_NONE, X_GZIP, X_BZIP2, X_XZ, X_ZSTD };

/* Writes an archive in memory (caller frees); NULL when this libarchive
 * cannot write the format, filter or options asked for. */
static unsigned char *
archive_of(enum fmt f, enum flt x, const char *passphrase,
    const struct ent *e, size_t n, size_t *len)
{
	struct archive *a = archive_write_new();
	struct buf b = { NULL, 0, 0 };
	size_t i;
	int r;

	ck_assert_ptr_nonnull(a);
	r = f == F_ZIP ? archive_write_set_format_zip(a) :
	    f == F_TAR ? archive_write_set_format_pax_restricted(a) :
	    f == F_7Z ? archive_write_set_format_7zip(a) :
	    f == F_CPIO ? archive_write_set_format_cpio_newc(a) :
	    archive_write_set_format_raw(a);
	if (r == ARCHIVE_OK)
		r = x == X_GZIP ? archive_write_add_filter_gzip(a) :
		    x == X_BZIP2 ? archive_write_add_filter_bzip2(a) :
		    x == X_XZ ? archive_write_add_filter_xz(a) :
		    x == X_ZSTD ? archive_write_add_filter_zstd(a) :
		    archive_write_add_filter_none(a);
	if (r == ARCHIVE_OK && passphrase != NULL)
		r = archive_write_set_passphrase(a, passphrase);
	if (r == ARCHIVE_OK)
		r = archive_write_set_bytes_in_last_block(a, 1);
	/* options are taken before the archive is opened */
	for (i = 0; i < n && r == ARCHIVE_OK; i++)
		if (e[i].options != NULL)
			r = archive_write_set_options(a, e[i].options);
	if (r == ARCHIVE_OK)
		r = archive_write_open2(a, &b, NULL, buf_write, NULL, NULL);
	for (i = 0; i < n && r == ARCHIVE_OK; i++) {
		struct archive_entry *ae = archive_entry_new();
		unsigned type = e[i].type ? e[i].type : AE_IFREG;

		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, type);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_mtime(ae, 1700000000, 0);
		if (e[i].symlink)
			archive_entry_set_symlink(ae, e[i].symlink);
		if (e[i].hardlink)
			archive_entry_set_hardlink(ae, e[i].hardlink);
		if (type == AE_IFREG && e[i].hardlink == NULL)
			archive_entry_set_size(ae, (la_int64_t)e[i].len);
		else
			archive_entry_set_size(ae, 0);
		if (type == AE_IFCHR)
			archive_entry_set_rdev(ae, 0x0103);
		if (r == ARCHIVE_OK)
			r = archive_write_header(a, ae);
		if (r == ARCHIVE_OK && type == AE_IFREG && e[i].hardlink == NULL &&
		    e[i].len > 0 && archive_write_data(a, e[i].data, e[i].len) !=
		    (la_ssize_t)e[i].len)
			r = ARCHIVE_FAILED;
		archive_entry_free(ae);
	}
	if (r == ARCHIVE_OK)
		r = archive_write_close(a);
	archive_write_free(a);
	if (r != ARCHIVE_OK) {
		free(b.data);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* Two pages named so that only natural order puts them right. */
static unsigned char *
two_pages(enum fmt f, enum flt x, size_t *len)
{
	size_t l1, l2;
	unsigned char *p1 = png(40, 30, &l1), *p2 = png(50, 30, &l2), *a;
	struct ent e[] = {
		{ "scan_10.png", p1, l1, 0, NULL, NULL, NULL },
		{ "scan_2.png", p2, l2, 0, NULL, NULL, NULL },
	};

	a = archive_of(f, x, NULL, e, 2, len);
	free(p1);
	free(p2);
	return a;
}

static void
check_two_pages(enum fmt f, enum flt x, const char *name)
{
	unsigned char *a;
	size_t len;

	a = two_pages(f, x, &len);
	if (a == NULL) {
		fprintf(stderr, "%s: this libarchive cannot write it; not run\n",
		    name);
		return;
	}
	ck_assert_int_eq(unpack_buffer(&job, name, NULL, a, len, 0), 0);
	free(a);
	assert_not_refused();
	ck_assert_msg(rec.npages == 2, "%s: %d pages, %d warnings%s%s", name,
	    rec.npages, rec.nwarn, rec.nwarn ? ": " : "",
	    rec.nwarn ? rec.warn[0] : "");
	assert_page(0, name, "scan_2.png", 1);
	assert_page(1, name, "scan_10.png", 1);
	ck_assert_uint_eq(rec.page[0].width, 50);
	ck_assert_uint_eq(rec.page[1].width, 40);
	ck_assert_int_eq(rec.nwarn, 0);
	ck_assert_int_eq(rec.natt, 0);
	ck_assert_uint_eq(job.pages, 2);
	ck_assert_uint_eq(job.members, 2);
}

/* ---- single images ------------------------------------------------------- */

START_TEST(test_png)
{
	size_t len;
	unsigned char *d = png(120, 80, &len);

	ck_assert(image_sniff(d, len));
	ck_assert_int_eq(unpack_buffer(&job, "scan.png", NULL, d, len, 0), 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "scan.png", NULL, 1);
	ck_assert_uint_eq(rec.page[0].width, 120);
	ck_assert_uint_eq(rec.page[0].height, 80);
	ck_assert_int_eq(rec.nwarn, 0);
	ck_assert_int_eq(rec.natt, 0);
	ck_assert_int_ge(rec.nfault, 1);
}
END_TEST

START_TEST(test_jpeg)
{
	size_t len;
	unsigned char *d = image(IFF_JFIF_JPEG, 100, 140, 8, &len);

	ck_assert_ptr_nonnull(d);
	ck_assert(image_sniff(d, len));
	ck_assert_int_eq(unpack_buffer(&job, "photo.jpg", NULL, d, len, 0), 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "photo.jpg", NULL, 1);
	ck_assert_uint_eq(rec.page[0].width, 100);
	ck_assert_uint_eq(rec.page[0].height, 140);
}
END_TEST

START_TEST(test_tiff_three_pages)
{
	size_t len;
	unsigned char *d = tiff_pages_of(3, &len);
	int i;

	ck_assert(image_sniff(d, len));
	ck_assert_int_eq(unpack_buffer(&job, "fax.tif", NULL, d, len, 0), 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 3);
	for (i = 0; i < 3; i++) {
		assert_page(i, "fax.tif", NULL, (uint32_t)i + 1);
		ck_assert_uint_eq(rec.page[i].width, 64 + 8 * (uint32_t)i);
		ck_assert_uint_eq(rec.page[i].depth, 1);
	}
	ck_assert_int_eq(rec.nwarn, 0);
}
END_TEST

START_TEST(test_tiff_too_many_pages)
{
	size_t len;
	unsigned char *d = tiff_pages_of(3, &len);

	job.lim.max_pages = 2;
	ck_assert_int_eq(unpack_buffer(&job, "fax.tif", NULL, d, len, 0),
	    INTAKE_EINVAL);
	free(d);
	assert_refused("3 pages is more than the limit of 2");
	ck_assert_int_eq(rec.npages, 0);
}
END_TEST

/* The page limit counts across files too. */
START_TEST(test_pages_limit_across_members)
{
	size_t len;
	unsigned char *a = two_pages(F_ZIP, X_NONE, &len);

	job.lim.max_pages = 1;
	unpack_buffer(&job, "batch.zip", NULL, a, len, 0);
	free(a);
	assert_refused("more than 1 pages");
	ck_assert_int_eq(rec.npages, 1);
}
END_TEST

START_TEST(test_other_formats)
{
	static const struct { int fmt; const char *name; } f[] = {
		{ IFF_PNM, "scan.pgm" }, { IFF_BMP, "scan.bmp" },
		{ IFF_GIF, "scan.gif" }, { IFF_WEBP, "scan.webp" },
	};
	size_t i, len;
	int want = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		unsigned char *d = image(f[i].fmt, 30, 20, 8, &len);

		if (d == NULL) {
			fprintf(stderr, "%s: Leptonica cannot write it; not "
			    "run\n", f[i].name);
			continue;
		}
		ck_assert_msg(image_sniff(d, len), "%s not recognised",
		    f[i].name);
		ck_assert_int_eq(unpack_buffer(&job, f[i].name, NULL, d, len,
		    0), 0);
		free(d);
		want++;
		ck_assert_msg(rec.npages == want, "%s gave no page", f[i].name);
		assert_page(want - 1, f[i].name, NULL, 1);
		ck_assert_uint_eq(rec.page[want - 1].width, 30);
	}
	ck_assert_int_ge(want, 2);
	assert_not_refused();
}
END_TEST

START_TEST(test_sniff)
{
	static const unsigned char pdf[] = "junk\n%PDF-1.4\n";

	ck_assert(!image_sniff((const unsigned char *)"", 0));
	ck_assert(!image_sniff((const unsigned char *)"\x89PNG", 4));
	ck_assert(!image_sniff((const unsigned char *)"hello world", 11));
	ck_assert(!image_sniff((const unsigned char *)"P7\n", 3));
	ck_assert(!image_sniff((const unsigned char *)"PK\3\4", 4));
	ck_assert(image_sniff((const unsigned char *)"P5\n", 3));
	ck_assert(image_sniff((const unsigned char *)"II*\0", 4));
	ck_assert(image_sniff((const unsigned char *)"MM\0*", 4));
	ck_assert(image_sniff((const unsigned char *)"GIF89a", 6));
	ck_assert(image_sniff((const unsigned char *)"RIFF\0\0\0\0WEBP", 12));
	ck_assert(pdf_sniff(pdf, sizeof(pdf) - 1));
	ck_assert(!pdf_sniff((const unsigned char *)"%PD", 3));
}
END_TEST

START_TEST(test_huge_png_refused_from_header)
{
	ck_assert_int_eq(unpack_buffer(&job, "huge.png", NULL, huge_png,
	    sizeof(huge_png), 0), INTAKE_EINVAL);
	assert_refused("huge.png: 60000 x 60000 pixels is more than the limit");
	ck_assert_int_eq(rec.npages, 0);
}
END_TEST

/* Each limit on its own: width, height, pixels. */
START_TEST(test_page_size_limits)
{
	size_t len;
	unsigned char *d = png(200, 100, &len);

	job.lim.max_width = 199;
	unpack_buffer(&job, "wide.png", NULL, d, len, 0);
	assert_refused("200 x 100 pixels");
	free(job.refused);
	job.refused = NULL;
	job_reset();
	job.lim.max_height = 99;
	unpack_buffer(&job, "tall.png", NULL, d, len, 0);
	assert_refused("200 x 100 pixels");
	free(job.refused);
	job.refused = NULL;
	job_reset();
	job.lim.max_pixels = 19999;
	unpack_buffer(&job, "big.png", NULL, d, len, 0);
	assert_refused("200 x 100 pixels");
	free(job.refused);
	job.refused = NULL;
	job_reset();
	job.lim.max_width = 200;
	job.lim.max_height = 100;
	job.lim.max_pixels = 20000;		/* at the limits exactly */
	ck_assert_int_eq(unpack_buffer(&job, "fits.png", NULL, d, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	free(d);
}
END_TEST

START_TEST(test_truncated_tiff)
{
	size_t len;
	unsigned char *d = tiff_pages_of(1, &len);

	/* the directory follows the image data: cut it off */
	unpack_buffer(&job, "cut.tif", NULL, d, len / 2, 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	assert_warned("damaged TIFF", "cut.tif");
}
END_TEST

START_TEST(test_tiff_header_only)
{
	static const unsigned char d[] = "II*\0\x08\0\0\0\0\0";

	unpack_buffer(&job, "empty.tif", NULL, d, sizeof(d) - 1, 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	assert_warned("damaged TIFF", "empty.tif");
}
END_TEST

START_TEST(test_garbage_jpeg)
{
	unsigned char d[600];
	size_t i;

	d[0] = 0xff;
	d[1] = 0xd8;
	d[2] = 0xff;
	for (i = 3; i < sizeof(d); i++)
		d[i] = (unsigned char)(i * 37 + 11);
	ck_assert_int_lt(unpack_buffer(&job, "bad.jpg", NULL, d, sizeof(d), 0),
	    0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	assert_warned("damaged image skipped", "bad.jpg");
}
END_TEST

START_TEST(test_truncated_png)
{
	size_t len;
	unsigned char *d = png(300, 200, &len);

	unpack_buffer(&job, "cut.png", NULL, d, len / 2, 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	assert_warned("damaged image skipped", "cut.png");
}
END_TEST

START_TEST(test_empty_and_text)
{
	static const char text[] = "Dear Sir or Madam,\nplease find enclosed\n";

	ck_assert_int_eq(unpack_buffer(&job, "empty.png", NULL,
	    (const unsigned char *)"", 0, 0), 0);
	assert_warned("empty file skipped", "empty.png");
	ck_assert_int_eq(unpack_buffer(&job, "letter.txt", NULL,
	    (const unsigned char *)text, sizeof(text) - 1, 0), 0);
	ck_assert_int_eq(rec.natt, 1);
	ck_assert_str_eq(rec.att[0], "letter.txt");
	ck_assert_uint_eq(rec.att_len[0], sizeof(text) - 1);
	ck_assert_int_eq(rec.npages, 0);
	assert_not_refused();
}
END_TEST

/* A run of zeros reads as an empty tar: it is content, not an archive. */
START_TEST(test_zeros_not_an_archive)
{
	unsigned char *z = xcalloc(1, 10240);

	ck_assert_int_eq(unpack_buffer(&job, "blank.bin", NULL, z, 10240, 0), 0);
	free(z);
	ck_assert_int_eq(rec.natt, 1);
	ck_assert_str_eq(rec.att[0], "blank.bin");
	assert_not_refused();
}
END_TEST

/* ---- archives ------------------------------------------------------------ */

START_TEST(test_zip_natural_order)
{
	check_two_pages(F_ZIP, X_NONE, "batch.zip");
}
END_TEST

START_TEST(test_tar_gz_natural_order)
{
	check_two_pages(F_TAR, X_GZIP, "batch.tar.gz");
}
END_TEST

START_TEST(test_tar_bz2_natural_order)
{
	check_two_pages(F_TAR, X_BZIP2, "batch.tar.bz2");
}
END_TEST

START_TEST(test_tar_xz_natural_order)
{
	check_two_pages(F_TAR, X_XZ, "batch.tar.xz");
}
END_TEST

START_TEST(test_tar_zst_natural_order)
{
	check_two_pages(F_TAR, X_ZSTD, "batch.tar.zst");
}
END_TEST

START_TEST(test_7z_natural_order)
{
	check_two_pages(F_7Z, X_NONE, "batch.7z");
}
END_TEST

START_TEST(test_cpio_natural_order)
{
	check_two_pages(F_CPIO, X_NONE, "batch.cpio");
}
END_TEST

START_TEST(test_tar_plain)
{
	check_two_pages(F_TAR, X_NONE, "batch.tar");
}
END_TEST

/* x.tif.gz is one compressed file: the TIFF inside is its member. */
START_TEST(test_gzip_single_tiff)
{
	size_t tlen, len;
	unsigned char *t = tiff_pages_of(2, &tlen), *a;
	struct ent e[] = { { "x.tif", t, tlen, 0, NULL, NULL, NULL } };

	a = archive_of(F_RAW, X_GZIP, NULL, e, 1, &len);
	free(t);
	ck_assert_ptr_nonnull(a);
	ck_assert(!image_sniff(a, len));
	ck_assert_int_eq(unpack_buffer(&job, "x.tif.gz", NULL, a, len, 0), 0);
	free(a);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 2);
	assert_page(0, "x.tif.gz", "x.tif", 1);
	assert_page(1, "x.tif.gz", "x.tif", 2);
}
END_TEST

/* Archives inside archives: zip(zip(...(page))) of the given depth. */
static unsigned char *
nested(int levels, size_t *len)
{
	unsigned char *cur = png(20, 20, len), *next;
	int i;

	for (i = 0; i < levels; i++) {
		char name[32];
		struct ent e[1];

		snprintf(name, sizeof(name), i ? "inner%d.zip" : "page.png", i);
		e[0].name = name;
		e[0].data = cur;
		e[0].len = *len;
		e[0].type = 0;
		e[0].symlink = e[0].hardlink = e[0].options = NULL;
		next = archive_of(F_ZIP, X_NONE, NULL, e, 1, len);
		ck_assert_ptr_nonnull(next);
		free(cur);
		cur = next;
	}
	return cur;
}

START_TEST(test_nested_depth_1)
{
	size_t len;
	unsigned char *a = nested(2, &len);	/* outer.zip > inner1.zip > page */

	ck_assert_int_eq(unpack_buffer(&job, "outer.zip", NULL, a, len, 0), 0);
	free(a);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "outer.zip:inner1.zip", "page.png", 1);
}
END_TEST

START_TEST(test_nested_depth_2)
{
	size_t len;
	unsigned char *a = nested(3, &len);

	ck_assert_int_eq(unpack_buffer(&job, "outer.zip", NULL, a, len, 0), 0);
	free(a);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "outer.zip:inner2.zip:inner1.zip", "page.png", 1);
}
END_TEST

START_TEST(test_nested_depth_3_refused)
{
	size_t len;
	unsigned char *a = nested(4, &len);

	ck_assert_int_eq(unpack_buffer(&job, "outer.zip", NULL, a, len, 0),
	    INTAKE_EINVAL);
	free(a);
	assert_refused("nested deeper than 2 levels");
	ck_assert_int_eq(rec.npages, 0);
}
END_TEST

START_TEST(test_nested_depth_0_allowed_none)
{
	size_t len;
	unsigned char *a = nested(2, &len);

	job.lim.max_depth = 0;
	unpack_buffer(&job, "outer.zip", NULL, a, len, 0);
	free(a);
	assert_refused("nested deeper than 0 levels");
}
END_TEST

START_TEST(test_too_many_members)
{
	size_t plen, len;
	unsigned char *p = png(10, 10, &plen), *a;
	struct ent e[5];
	char names[5][16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(names[i], sizeof(names[i]), "p%d.png", i);
		e[i] = (struct ent){ names[i], p, plen, 0, NULL, NULL, NULL };
	}
	a = archive_of(F_ZIP, X_NONE, NULL, e, 5, &len);
	job.lim.max_members = 5;
	ck_assert_int_eq(unpack_buffer(&job, "five.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 5);
	rec_release();
	job_reset();
	job.lim.max_members = 4;
	ck_assert_int_eq(unpack_buffer(&job, "five.zip", NULL, a, len, 0),
	    INTAKE_EINVAL);
	assert_refused("five.zip: more than 4 archive members");
	ck_assert_int_eq(rec.npages, 0);
	free(a);
	free(p);
}
END_TEST

/* Bytes that do not compress, so only the byte limit can stop them. */
static unsigned char *
noise(size_t n)
{
	unsigned char *d = xcalloc(1, n);
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (unsigned char)(x >> 16);
	}
	return d;
}

START_TEST(test_too_many_bytes)
{
	size_t n = 64 * 1024, len;
	unsigned char *d1 = noise(n), *d2 = noise(n), *a;
	struct ent e[] = {
		{ "a.bin", d1, n, 0, NULL, NULL, NULL },
		{ "b.bin", d2, n, 0, NULL, NULL, NULL },
	};

	a = archive_of(F_ZIP, X_NONE, NULL, e, 2, &len);
	job.lim.max_bytes = 100000;
	ck_assert_int_eq(unpack_buffer(&job, "two.zip", NULL, a, len, 0),
	    INTAKE_EINVAL);
	assert_refused("more than 100000 bytes uncompressed");
	ck_assert_int_eq(rec.natt, 0);
	ck_assert_uint_le(job.bytes, 100000);
	free(a);
	free(d1);
	free(d2);
}
END_TEST

/* A single member larger than the limit. */
START_TEST(test_member_too_large)
{
	size_t n = 300 * 1024, len;
	unsigned char *d = noise(n), *a;
	struct ent e[] = { { "big.bin", d, n, 0, NULL, NULL, NULL } };

	a = archive_of(F_TAR, X_GZIP, NULL, e, 1, &len);
	job.lim.max_bytes = 200 * 1024;
	ck_assert_int_eq(unpack_buffer(&job, "big.tar.gz", NULL, a, len, 0),
	    INTAKE_EINVAL);
	assert_refused("bytes uncompressed");
	free(a);
	free(d);
}
END_TEST

/* unpack_fd() refuses a file over the limit before reading it. */
START_TEST(test_fd_too_large)
{
	char *dir = unit_tmpdir(), *p = path_join(dir, "f.bin");
	int fd;

	unit_write(p, "0123456789");
	fd = open(p, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	job.lim.max_bytes = 9;
	ck_assert_int_eq(unpack_fd(&job, fd, "f.bin", false), INTAKE_EINVAL);
	assert_refused("f.bin: more than 9 bytes");
	close(fd);
	remove_tree(dir);
	free(p);
	free(dir);
}
END_TEST

/* A decompression bomb is refused by its ratio before it is all read. */
START_TEST(test_compression_ratio)
{
	size_t n = 64u << 20, len;
	unsigned char *z = xcalloc(1, n), *a;
	struct ent e[] = { { "zeros.bin", z, n, 0, NULL, NULL, NULL } };

	a = archive_of(F_ZIP, X_NONE, NULL, e, 1, &len);
	free(z);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_lt(len, n / 200);
	job.lim.max_ratio = 200;
	ck_assert_int_eq(unpack_buffer(&job, "bomb.zip", NULL, a, len, 0),
	    INTAKE_EINVAL);
	assert_refused("compression ratio over 200:1");
	assert_refused("bomb.zip:zeros.bin");
	ck_assert_uint_lt(job.bytes, n);
	ck_assert_int_eq(rec.natt, 0);
	/* with a limit above its ratio it is only content */
	free(job.refused);
	job.refused = NULL;
	job_reset();
	job.lim.max_ratio = 100000;
	ck_assert_int_eq(unpack_buffer(&job, "bomb.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.natt, 1);
	ck_assert_uint_eq(rec.att_len[0], n);
	free(a);
}
END_TEST

/* Scans are not compressible, and are often stored as they are: an
 * archive of them over 16 MiB gives about its own size, inside another
 * archive too, and is no bomb, whatever the job has counted before it
 * (the delivered file itself, as read_all counts it). */
START_TEST(test_large_archive_not_bomb)
{
	size_t n = 18u << 20, len, olen, i;
	unsigned char *noise = xcalloc(n, 1), *a, *outer;
	uint32_t x = 1;
	struct ent e[] = { { "scan.bin", noise, n, 0, NULL, NULL,
	    "zip:compression=store" } };
	struct ent o[] = { { "batch/inner.zip", NULL, 0, 0, NULL, NULL,
	    "zip:compression=store" } };

	for (i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		noise[i] = (unsigned char)(x >> 24);
	}
	a = archive_of(F_ZIP, X_NONE, NULL, e, 1, &len);
	free(noise);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_gt(len, 16u << 20);
	job.bytes = len;
	ck_assert_int_eq(unpack_buffer(&job, "big.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.natt, 1);
	rec_release();
	job_reset();
	o[0].data = a;
	o[0].len = len;
	outer = archive_of(F_ZIP, X_NONE, NULL, o, 1, &olen);
	ck_assert_ptr_nonnull(outer);
	job.bytes = olen;
	ck_assert_int_eq(unpack_buffer(&job, "outer.zip", NULL, outer, olen, 0),
	    0);
	assert_not_refused();
	ck_assert_int_eq(rec.natt, 1);
	free(outer);
	free(a);
}
END_TEST

START_TEST(test_unsafe_paths)
{
	size_t plen, len;
	unsigned char *p = png(16, 16, &plen), *a;
	struct ent e[] = {
		{ "../../x.png", p, plen, 0, NULL, NULL, NULL },
		{ "/abs.png", p, plen, 0, NULL, NULL, NULL },
		{ "dir/../../up.png", p, plen, 0, NULL, NULL, NULL },
		{ "..\\win.png", p, plen, 0, NULL, NULL, NULL },
		{ "C:drive.png", p, plen, 0, NULL, NULL, NULL },
		{ "good.png", p, plen, 0, NULL, NULL, NULL },
		{ "dots..fine.png", p, plen, 0, NULL, NULL, NULL },
	};
	int i;

	a = archive_of(F_ZIP, X_NONE, NULL, e, 7, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(unpack_buffer(&job, "evil.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	assert_warned("unsafe path skipped", "../../x.png");
	assert_warned("unsafe path skipped", "/abs.png");
	assert_warned("unsafe path skipped", "dir/../../up.png");
	assert_warned("unsafe path skipped", "win.png");	/* \\ read as / */
	assert_warned("unsafe path skipped", "C:drive.png");
	ck_assert_int_eq(rec.nwarn, 5);
	ck_assert_int_eq(rec.npages, 2);
	assert_page(0, "evil.zip", "dots..fine.png", 1);
	assert_page(1, "evil.zip", "good.png", 1);
	for (i = 0; i < rec.npages; i++)
		ck_assert(strstr(rec.page[i].member, "..") == NULL ||
		    strcmp(rec.page[i].member, "dots..fine.png") == 0);
	free(a);
	free(p);
}
END_TEST

START_TEST(test_links_and_devices)
{
	size_t plen, len;
	unsigned char *p = png(16, 16, &plen), *a;
	struct ent e[] = {
		{ "good.png", p, plen, 0, NULL, NULL, NULL },
		{ "link.png", NULL, 0, AE_IFLNK, "/etc/passwd", NULL, NULL },
		{ "hard.png", NULL, 0, 0, NULL, "good.png", NULL },
		{ "fifo", NULL, 0, AE_IFIFO, NULL, NULL, NULL },
		{ "tty", NULL, 0, AE_IFCHR, NULL, NULL, NULL },
	};

	a = archive_of(F_TAR, X_NONE, NULL, e, 5, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(unpack_buffer(&job, "links.tar", NULL, a, len, 0), 0);
	assert_not_refused();
	assert_warned("symbolic link skipped", "links.tar:link.png");
	assert_warned("hard link skipped", "links.tar:hard.png");
	assert_warned("FIFO skipped", "links.tar:fifo");
	assert_warned("device node skipped", "links.tar:tty");
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "links.tar", "good.png", 1);
	free(a);
	free(p);
}
END_TEST

/* Zip keeps symbolic links too. */
START_TEST(test_zip_symlink)
{
	size_t plen, len;
	unsigned char *p = png(16, 16, &plen), *a;
	struct ent e[] = {
		{ "good.png", p, plen, 0, NULL, NULL, NULL },
		{ "link.png", NULL, 0, AE_IFLNK, "good.png", NULL, NULL },
	};

	a = archive_of(F_ZIP, X_NONE, NULL, e, 2, &len);
	ck_assert_ptr_nonnull(a);
	unpack_buffer(&job, "links.zip", NULL, a, len, 0);
	assert_warned("symbolic link skipped", "links.zip:link.png");
	ck_assert_int_eq(rec.npages, 1);
	free(a);
	free(p);
}
END_TEST

/* Options cannot change between members here: the encrypted zip travels
 * inside a plain one, beside a page that must still come out. */
START_TEST(test_encrypted_member)
{
	size_t plen, llen, len;
	unsigned char *p = png(16, 16, &plen), *locked, *a;
	struct ent e[] = {
		{ "secret.png", p, plen, 0, NULL, NULL, "zip:encryption=zipcrypt" },
	};
	struct ent outer[] = {
		{ "locked.zip", NULL, 0, 0, NULL, NULL, NULL },
		{ "open.png", p, plen, 0, NULL, NULL, NULL },
	};

	locked = archive_of(F_ZIP, X_NONE, "secret", e, 1, &llen);
	if (locked == NULL) {
		fprintf(stderr, "test_encrypted_member: this libarchive cannot "
		    "write encrypted zip; not run\n");
		free(p);
		return;
	}
	outer[0].data = locked;
	outer[0].len = llen;
	a = archive_of(F_ZIP, X_NONE, NULL, outer, 2, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(unpack_buffer(&job, "outer.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	assert_warned("encrypted member skipped",
	    "outer.zip:locked.zip:secret.png");
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "outer.zip", "open.png", 1);
	free(a);
	free(locked);
	free(p);
}
END_TEST

START_TEST(test_junk_ignored)
{
	size_t plen, len;
	unsigned char *p = png(16, 16, &plen), *a;
	struct ent e[] = {
		{ "Thumbs.db", "junk", 4, 0, NULL, NULL, NULL },
		{ ".DS_Store", "junk", 4, 0, NULL, NULL, NULL },
		{ "__MACOSX/._scan.png", "junk", 4, 0, NULL, NULL, NULL },
		{ "sub/__MACOSX/x.png", "junk", 4, 0, NULL, NULL, NULL },
		{ "sub/desktop.ini", "junk", 4, 0, NULL, NULL, NULL },
		{ "sub/", NULL, 0, AE_IFDIR, NULL, NULL, NULL },
		{ "sub/scan.png", p, plen, 0, NULL, NULL, NULL },
	};

	a = archive_of(F_ZIP, X_NONE, NULL, e, 7, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(unpack_buffer(&job, "mac.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.nwarn, 0);
	ck_assert_int_eq(rec.natt, 0);
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "mac.zip", "sub/scan.png", 1);
	free(a);
	free(p);
}
END_TEST

START_TEST(test_text_member_attachment)
{
	size_t plen, len;
	unsigned char *p = png(16, 16, &plen), *a;
	struct ent e[] = {
		{ "scan.png", p, plen, 0, NULL, NULL, NULL },
		{ "notes.txt", "see page 2", 10, 0, NULL, NULL, NULL },
		{ "empty.dat", "", 0, 0, NULL, NULL, NULL },
	};

	a = archive_of(F_ZIP, X_NONE, NULL, e, 3, &len);
	ck_assert_int_eq(unpack_buffer(&job, "mixed.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	ck_assert_int_eq(rec.natt, 1);
	ck_assert_str_eq(rec.att[0], "notes.txt");
	ck_assert_uint_eq(rec.att_len[0], 10);
	assert_warned("empty file skipped", "mixed.zip:empty.dat");
	free(a);
	free(p);
}
END_TEST

/* A damaged archive: what could be read is kept, the rest reported. */
START_TEST(test_damaged_archive)
{
	size_t plen, n = 256 * 1024, len;
	unsigned char *p = png(16, 16, &plen), *z = noise(n), *a;
	struct ent e[] = {
		{ "scan_1.png", p, plen, 0, NULL, NULL, NULL },
		{ "noise.bin", z, n, 0, NULL, NULL, NULL },
		{ "scan_2.png", p, plen, 0, NULL, NULL, NULL },
	};

	a = archive_of(F_TAR, X_GZIP, NULL, e, 3, &len);
	unpack_buffer(&job, "cut.tar.gz", NULL, a, len / 2, 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "cut.tar.gz", "scan_1.png", 1);
	ck_assert_int_eq(rec.natt, 0);
	assert_warned("cut.tar.gz", NULL);
	free(a);
	free(z);
	free(p);
}
END_TEST

/* An archive with nothing but junk and folders is no error. */
START_TEST(test_archive_of_junk_only)
{
	size_t len;
	unsigned char *a;
	struct ent e[] = {
		{ "sub/", NULL, 0, AE_IFDIR, NULL, NULL, NULL },
		{ "Thumbs.db", "junk", 4, 0, NULL, NULL, NULL },
	};

	a = archive_of(F_ZIP, X_NONE, NULL, e, 2, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(unpack_buffer(&job, "junk.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	ck_assert_int_eq(rec.natt, 0);
	ck_assert_int_eq(rec.nwarn, 0);
	free(a);
}
END_TEST

/* ---- folders ------------------------------------------------------------- */

START_TEST(test_folder)
{
	char *dir = unit_tmpdir(), *sub = path_join(dir, "sub"), *p;
	size_t plen;
	unsigned char *img = png(16, 16, &plen);
	FILE *f;
	int fd;

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	p = path_join(dir, "scan_10.png");
	f = fopen(p, "w");
	ck_assert_uint_eq(fwrite(img, 1, plen, f), plen);
	fclose(f);
	free(p);
	p = path_join(dir, "scan_2.png");
	f = fopen(p, "w");
	ck_assert_uint_eq(fwrite(img, 1, plen, f), plen);
	fclose(f);
	free(p);
	p = path_join(sub, "scan_3.png");
	f = fopen(p, "w");
	ck_assert_uint_eq(fwrite(img, 1, plen, f), plen);
	fclose(f);
	free(p);
	p = path_join(dir, ".hidden.png");
	unit_write(p, "x");
	free(p);
	p = path_join(dir, "Thumbs.db");
	unit_write(p, "x");
	free(p);
	p = path_join(dir, "link.png");
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	free(p);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(unpack_fd(&job, fd, "batch", true), 0);
	/* the caller's descriptor is left open */
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	close(fd);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 3);
	assert_page(0, "batch", "scan_2.png", 1);
	assert_page(1, "batch", "scan_10.png", 1);
	assert_page(2, "batch", "sub/scan_3.png", 1);
	assert_warned("symbolic link skipped", "link.png");
	ck_assert_int_eq(rec.nwarn, 1);
	ck_assert_int_eq(rec.natt, 0);
	remove_tree(dir);
	free(img);
	free(sub);
	free(dir);
}
END_TEST

/* A folder of junk and hidden files only: nothing to do, no error. */
START_TEST(test_folder_junk_only)
{
	char *dir = unit_tmpdir(), *p;
	int fd;

	p = path_join(dir, ".DS_Store");
	unit_write(p, "x");
	free(p);
	p = path_join(dir, "Thumbs.db");
	unit_write(p, "x");
	free(p);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(unpack_fd(&job, fd, "junk", true), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages + rec.natt + rec.nwarn, 0);
	close(fd);
	remove_tree(dir);
	free(dir);
}
END_TEST

START_TEST(test_folder_too_many_files)
{
	char *dir = unit_tmpdir(), *p;
	char name[16];
	int fd, i;

	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "f%d.txt", i);
		p = path_join(dir, name);
		unit_write(p, "x");
		free(p);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	job.lim.max_members = 3;
	ck_assert_int_eq(unpack_fd(&job, fd, "many", true), INTAKE_EINVAL);
	assert_refused("more than 3 files in the folder");
	close(fd);
	remove_tree(dir);
	free(dir);
}
END_TEST

/* ---- manifest ------------------------------------------------------------ */

static void
manifest(const char *xml)
{
	unpack_buffer(&job, "station", "manifest.xml",
	    (const unsigned char *)xml, strlen(xml), 0);
}

START_TEST(test_manifest_good)
{
	manifest("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<submission>\n"
	    "  <reference>\n    REF-2026-0042 \t</reference>\n"
	    "  <sender>  Jane Roe\n</sender>\n"
	    "  <channel>counter</channel>\n"
	    "  <form-hint> ST-1 </form-hint>\n"
	    "  <pages> 3 </pages>\n"
	    "  <unknown>ignored</unknown>\n"
	    "</submission>\n");
	assert_not_refused();
	ck_assert_int_eq(rec.nwarn, 0);
	ck_assert_int_eq(rec.nmanifest, 1);
	ck_assert_str_eq(rec.ref, "REF-2026-0042");
	ck_assert_str_eq(rec.sender, "Jane Roe");
	ck_assert_str_eq(rec.channel, "counter");
	ck_assert_str_eq(rec.hint, "ST-1");
	ck_assert_uint_eq(rec.mpages, 3);
	ck_assert_int_eq(rec.natt, 0);
}
END_TEST

START_TEST(test_manifest_partial)
{
	manifest("<submission><reference>R1</reference><sender>   </sender>"
	    "<pages>many</pages></submission>");
	ck_assert_int_eq(rec.nmanifest, 1);
	ck_assert_str_eq(rec.ref, "R1");
	ck_assert_ptr_null(rec.sender);		/* blank is no value */
	ck_assert_ptr_null(rec.channel);
	ck_assert_ptr_null(rec.hint);
	ck_assert_uint_eq(rec.mpages, 0);
}
END_TEST

/* The name is matched without regard to case and folder. */
START_TEST(test_manifest_name)
{
	static const char xml[] = "<submission><reference>R2</reference>"
	    "</submission>";

	unpack_buffer(&job, "b.zip", "sub/MANIFEST.XML",
	    (const unsigned char *)xml, sizeof(xml) - 1, 0);
	ck_assert_int_eq(rec.nmanifest, 1);
	ck_assert_str_eq(rec.ref, "R2");
}
END_TEST

START_TEST(test_manifest_xxe)
{
	int i;

	manifest("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE submission [\n"
	    "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
	    "]>\n"
	    "<submission><reference>&xxe;</reference>"
	    "<sender>&xxe;</sender></submission>\n");
	assert_not_refused();
	ck_assert_int_eq(rec.nmanifest, 0);
	assert_warned("manifest ignored", "station:manifest.xml");
	assert_warned("DOCTYPE", NULL);
	for (i = 0; i < rec.nwarn; i++)
		ck_assert_msg(strstr(rec.warn[i], "root:") == NULL, "%s",
		    rec.warn[i]);
}
END_TEST

START_TEST(test_manifest_billion_laughs)
{
	int64_t t0 = mono_ms();

	manifest("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	    "]>\n"
	    "<submission><reference>&lol9;</reference></submission>\n");
	ck_assert_int_lt(mono_ms() - t0, 1000);
	assert_not_refused();
	ck_assert_int_eq(rec.nmanifest, 0);
	assert_warned("manifest ignored", NULL);
}
END_TEST

START_TEST(test_manifest_wrong_root)
{
	manifest("<?xml version=\"1.0\"?><invoice><reference>X</reference>"
	    "</invoice>");
	ck_assert_int_eq(rec.nmanifest, 0);
	assert_warned("manifest ignored: its root element is <invoice>, a "
	    "manifest's is <submission> (intake-manifest(5))",
	    "station:manifest.xml");
}
END_TEST

START_TEST(test_manifest_malformed)
{
	manifest("<submission><reference>open");
	ck_assert_int_eq(rec.nmanifest, 0);
	assert_warned("manifest ignored", NULL);
	assert_not_refused();
}
END_TEST

/* ---- PDF ----------------------------------------------------------------- */

#ifdef HAVE_POPPLER
static cairo_status_t
pdf_write(void *arg, const unsigned char *data, unsigned int n)
{
	struct buf *b = arg;

	buf_write(NULL, b, data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* A PDF of n A4 pages drawn with cairo (caller frees). */
static unsigned char *
pdf_a4(int n, size_t *len)
{
	struct buf b = { NULL, 0, 0 };
	cairo_surface_t *s;
	cairo_t *cr;
	int i;

	s = cairo_pdf_surface_create_for_stream(pdf_write, &b, 595.2756,
	    841.8898);
	cr = cairo_create(s);
	for (i = 0; i < n; i++) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_rectangle(cr, 72, 72 + 20 * i, 200, 40);
		cairo_fill(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	*len = b.len;
	return b.data;
}

START_TEST(test_pdf_one_page)
{
	size_t len;
	unsigned char *d = pdf_a4(1, &len);

	ck_assert(pdf_sniff(d, len));
	ck_assert_int_eq(unpack_buffer(&job, "form.pdf", NULL, d, len, 0), 0);
	free(d);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 1);
	assert_page(0, "form.pdf", NULL, 1);
	ck_assert_msg(rec.page[0].width >= 2478 && rec.page[0].width <= 2482 &&
	    rec.page[0].height >= 3506 && rec.page[0].height <= 3510,
	    "A4 at 300 dpi is %u x %u", rec.page[0].width, rec.page[0].height);
	ck_assert_uint_eq(rec.page[0].depth, 8);
}
END_TEST

START_TEST(test_pdf_pages_in_zip)
{
	size_t plen, len;
	unsigned char *p = pdf_a4(2, &plen), *a;
	struct ent e[] = { { "form.pdf", p, plen, 0, NULL, NULL, NULL } };

	a = archive_of(F_ZIP, X_NONE, NULL, e, 1, &len);
	ck_assert_int_eq(unpack_buffer(&job, "in.zip", NULL, a, len, 0), 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 2);
	assert_page(0, "in.zip", "form.pdf", 1);
	assert_page(1, "in.zip", "form.pdf", 2);
	free(a);
	free(p);
}
END_TEST

START_TEST(test_pdf_page_too_large)
{
	size_t len;
	unsigned char *d = pdf_a4(1, &len);

	job.lim.max_height = 3000;
	ck_assert_int_eq(unpack_buffer(&job, "form.pdf", NULL, d, len, 0),
	    INTAKE_EINVAL);
	free(d);
	assert_refused("form.pdf page 1");
	ck_assert_int_eq(rec.npages, 0);
}
END_TEST

START_TEST(test_pdf_too_many_pages)
{
	size_t len;
	unsigned char *d = pdf_a4(3, &len);

	job.lim.max_pages = 2;
	unpack_buffer(&job, "form.pdf", NULL, d, len, 0);
	free(d);
	assert_refused("3 pages is more than the limit of 2");
	ck_assert_int_eq(rec.npages, 0);
}
END_TEST

START_TEST(test_pdf_damaged)
{
	static const char d[] = "%PDF-1.4\nthis is not a PDF at all\n%%EOF\n";

	unpack_buffer(&job, "bad.pdf", NULL, (const unsigned char *)d,
	    sizeof(d) - 1, 0);
	assert_not_refused();
	ck_assert_int_eq(rec.npages, 0);
	assert_warned("damaged or encrypted PDF skipped", "bad.pdf");
}
END_TEST
#endif

/* ---- names --------------------------------------------------------------- */

static int
sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

START_TEST(test_name_cmp)
{
	static const char *const order[] = {
		"1.png", "2.png", "10.png", "a.png", "page-1.png", "page-2.png",
		"page-10.png", "page-10a.png", "page-11.png", "scan_2.png",
		"scan_9.png", "scan_10.png", "scan_100.png", "sub/scan_1.png",
	};
	size_t n = sizeof(order) / sizeof(order[0]), i, k;

	ck_assert_int_eq(unpack_name_cmp("scan_2.png", "scan_2.png"), 0);
	ck_assert_int_lt(unpack_name_cmp("scan_2.png", "scan_10.png"), 0);
	ck_assert_int_gt(unpack_name_cmp("scan_10.png", "scan_2.png"), 0);
	ck_assert_int_lt(unpack_name_cmp("IMG_0009.jpg", "IMG_0010.jpg"), 0);
	ck_assert_int_lt(unpack_name_cmp("", "a"), 0);
	/* a total order: antisymmetric, consistent with the list */
	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++) {
			int c = sign(unpack_name_cmp(order[i], order[k]));

			ck_assert_msg(c == (i < k ? -1 : i > k),
			    "\"%s\" vs \"%s\": %d", order[i], order[k], c);
		}
	/* different names never compare equal */
	ck_assert_int_ne(unpack_name_cmp("a", "A"), 0);
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

static Suite *
unpack_suite(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc;

	tc = tcase_create("images");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_png);
	tcase_add_test(tc, test_jpeg);
	tcase_add_test(tc, test_tiff_three_pages);
	tcase_add_test(tc, test_tiff_too_many_pages);
	tcase_add_test(tc, test_pages_limit_across_members);
	tcase_add_test(tc, test_other_formats);
	tcase_add_test(tc, test_sniff);
	tcase_add_test(tc, test_huge_png_refused_from_header);
	tcase_add_test(tc, test_page_size_limits);
	tcase_add_test(tc, test_truncated_tiff);
	tcase_add_test(tc, test_tiff_header_only);
	tcase_add_test(tc, test_garbage_jpeg);
	tcase_add_test(tc, test_truncated_png);
	tcase_add_test(tc, test_empty_and_text);
	tcase_add_test(tc, test_zeros_not_an_archive);
	suite_add_tcase(s, tc);

	tc = tcase_create("archives");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_zip_natural_order);
	tcase_add_test(tc, test_tar_gz_natural_order);
	tcase_add_test(tc, test_tar_bz2_natural_order);
	tcase_add_test(tc, test_tar_xz_natural_order);
	tcase_add_test(tc, test_tar_zst_natural_order);
	tcase_add_test(tc, test_7z_natural_order);
	tcase_add_test(tc, test_cpio_natural_order);
	tcase_add_test(tc, test_tar_plain);
	tcase_add_test(tc, test_gzip_single_tiff);
	tcase_add_test(tc, test_nested_depth_1);
	tcase_add_test(tc, test_nested_depth_2);
	tcase_add_test(tc, test_nested_depth_3_refused);
	tcase_add_test(tc, test_nested_depth_0_allowed_none);
	tcase_add_test(tc, test_too_many_members);
	tcase_add_test(tc, test_too_many_bytes);
	tcase_add_test(tc, test_member_too_large);
	tcase_add_test(tc, test_fd_too_large);
	tcase_add_test(tc, test_compression_ratio);
	tcase_add_test(tc, test_large_archive_not_bomb);
	tcase_add_test(tc, test_unsafe_paths);
	tcase_add_test(tc, test_links_and_devices);
	tcase_add_test(tc, test_zip_symlink);
	tcase_add_test(tc, test_encrypted_member);
	tcase_add_test(tc, test_junk_ignored);
	tcase_add_test(tc, test_text_member_attachment);
	tcase_add_test(tc, test_damaged_archive);
	tcase_add_test(tc, test_archive_of_junk_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("folders");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_folder);
	tcase_add_test(tc, test_folder_junk_only);
	tcase_add_test(tc, test_folder_too_many_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("manifest");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_manifest_good);
	tcase_add_test(tc, test_manifest_partial);
	tcase_add_test(tc, test_manifest_name);
	tcase_add_test(tc, test_manifest_xxe);
	tcase_add_test(tc, test_manifest_billion_laughs);
	tcase_add_test(tc, test_manifest_wrong_root);
	tcase_add_test(tc, test_manifest_malformed);
	suite_add_tcase(s, tc);

#ifdef HAVE_POPPLER
	tc = tcase_create("pdf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pdf_one_page);
	tcase_add_test(tc, test_pdf_pages_in_zip);
	tcase_add_test(tc, test_pdf_page_too_large);
	tcase_add_test(tc, test_pdf_too_many_pages);
	tcase_add_test(tc, test_pdf_damaged);
	suite_add_tcase(s, tc);
#endif

	tc = tcase_create("names");
	tcase_add_test(tc, test_name_cmp);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(unpack_suite());
}
