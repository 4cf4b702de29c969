/*
 * seed.c - writes the seed inputs tests/fuzz/run starts the harnesses
 * from that are not files of the tree: one whole job's results encoded
 * with jobmsg.c's own encoders (as fuzz-jobmsg.c's records and as the
 * bytes proto.c frames them in), small archives of every format the
 * worker opens written with libarchive, typical OCR text of each field
 * type, and guards.
 *
 * usage: seed DIR    writes DIR/proto/, DIR/jobmsg/, DIR/unpack/,
 *                    DIR/fields/ and DIR/expr/ (the folders must exist)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "collect.h"
#include "fields.h"
#include "intake.h"

static const char *out;

static void
save(const char *kind, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s/%s", out, kind, name);
	FILE *f = fopen(path, "wb");

	if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) ||
	    fclose(f) != 0)
		fatal("cannot write \"%s\"", path);
	free(path);
}

/* ---- the protocol: one job's results ------------------------------------ */

#define SHA	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

struct stream {
	unsigned char	*rec;		/* fuzz-jobmsg.c's records */
	size_t		 nrec;
	unsigned char	*raw;		/* the framed bytes */
	size_t		 nraw;
};

/* Adds m to both forms of the stream; which is fuzz-jobmsg.c's decoder. */
static void
add(struct stream *s, struct msg *m, unsigned which)
{
	int sv[2];
	unsigned char buf[65536];
	ssize_t n;

	s->rec = xreallocarray(s->rec, s->nrec + 4 + m->len, 1);
	s->rec[s->nrec++] = (unsigned char)m->type;
	s->rec[s->nrec++] = (unsigned char)(which | (m->nfds > 0 ? 0x80 : 0));
	s->rec[s->nrec++] = (unsigned char)(m->len >> 8);
	s->rec[s->nrec++] = (unsigned char)m->len;
	if (m->len > 0)
		memcpy(s->rec + s->nrec, m->data, m->len);
	s->nrec += m->len;

	/* proto.c's own framing, read back off a socket */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		fatal("socketpair: %s", strerror(errno));
	m->nfds = 0;
	if (msg_send(sv[0], m) != 0)
		fatal("cannot send a message");
	close(sv[0]);
	while ((n = read(sv[1], buf, sizeof(buf))) > 0) {
		s->raw = xreallocarray(s->raw, s->nraw + (size_t)n, 1);
		memcpy(s->raw + s->nraw, buf, (size_t)n);
		s->nraw += (size_t)n;
	}
	close(sv[1]);
	msg_release(m);
}

static void
save_stream(const char *name, struct stream *s)
{
	save("jobmsg", name, s->rec, s->nrec);
	save("proto", name, s->raw, s->nraw);
	free(s->rec);
	free(s->raw);
	memset(s, 0, sizeof(*s));
}

static void
protocol(void)
{
	/* The encoders borrow what they are given: string literals do. */
#define S(lit)	((char *)(lit))
	struct word_row words[2] = {
		{ S("Antrag"), 120, 88, 310, 42, 96.5, 1, 1 },
		{ S("Baugenehmigung"), 450, 88, 720, 42, 91.25, 1, 1 },
	};
	struct page_row p = { 1, S("scan.tif"), S("batch/scan_01.tif"), 1,
	    2480, 3508, 8, 300, 300, S(SHA), S("page-0001.png"), 123456, true,
	    90, -0.75, 93, S("Antrag Baugenehmigung"), words, 2 };
	struct form_page fp = { 1, S("BA-1"), 1, 0.912, 6, 7, 0x5f, 0.11,
	    0.34, true };
	struct read_field rf[2] = {
		{ 1, S("applicant_name"), S("text"), S("Müller, Anna"),
		  S("Müller, Anna|"), NULL, S("ok"), 0.93, 200, 600, 1800, 110 },
		{ 1, S("estimated_cost"), S("amount"), S(""), S("466.OOO,5O"),
		  S("not an amount"), S("invalid"), 0.41, 200, 900, 900, 110 },
	};
	struct form_reading r = { &fp, 1, rf, 2 };
	struct jobmsg_attachment att = { S("Anlage 1.docx"),
	    S("attachment-0001.bin"), S(SHA), 4711 };
	struct jobmsg_manifest mf = { S("REF-482913"), S("scan-station"),
	    S("Bürgerbüro Nord"), S("GA-1"), 2 };
	struct jobmsg_done done = { 1, 1, S("searchable.pdf") };
	struct jobmsg_deferred deferred = { ENOSPC,
	    S("cannot write page-0001.png: No space left on device") };
	struct jobmsg_job job;
	struct config c;
	struct stream s = { NULL, 0, NULL, 0 };
	struct msg m;

	jobmsg_hello_put(&m, 4242, "seccomp");
	add(&s, &m, 0);
	jobmsg_text_put(&m, MSG_PROGRESS, "unpacking scan.tif");
	add(&s, &m, 2);
	jobmsg_page_put(&m, &p);
	add(&s, &m, 3);
	jobmsg_ocr_put(&m, &p);
	add(&s, &m, 5);
	jobmsg_fields_put(&m, &r);
	add(&s, &m, 6);
	jobmsg_attachment_put(&m, &att);
	add(&s, &m, 7);
	jobmsg_manifest_put(&m, &mf);
	add(&s, &m, 8);
	jobmsg_text_put(&m, MSG_WARNING, "scan.zip:x/../y: unsafe path skipped");
	add(&s, &m, 2);
	jobmsg_done_put(&m, &done);
	add(&s, &m, 9);
	save_stream("job", &s);

	jobmsg_hello_put(&m, 1, NULL);
	add(&s, &m, 0);
	jobmsg_text_put(&m, MSG_REFUSED, "more than 500 pages");
	add(&s, &m, 2);
	save_stream("refused", &s);

	jobmsg_hello_put(&m, 1, NULL);
	add(&s, &m, 0);
	jobmsg_deferred_put(&m, &deferred);
	add(&s, &m, 10);
	save_stream("deferred", &s);

	config_init(&c);
	jobmsg_job_init(&job, &c);
	job.id = 12;
	job.name = S("scan.tif");
	job.lang = S("deu+eng");
	job.pdf = true;
	job.templates = S("/usr/share/intake/templates");
	jobmsg_unpack_put(&m, &job);
	m.nfds = 2;
	add(&s, &m, 1);
	save_stream("unpack", &s);
	config_release(&c);
#undef S
}

/* ---- archives ---------------------------------------------------------- */

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<submission>\n"
    "  <reference>REF-482913</reference>\n"
    "  <channel>scan-station</channel>\n"
    "  <sender>Bürgerbüro Nord</sender>\n"
    "  <form-hint>GA-1</form-hint>\n  <pages>2</pages>\n</submission>\n";

struct member {
	const char	*name;
	const void	*data;
	size_t		 len;
	unsigned	 type;		/* AE_IFREG, AE_IFDIR, AE_IFLNK */
};

/* An archive of format and filter (archive_write_set_*) holding n
 * members; the bytes are the caller's. */
static unsigned char *
archive(int format, int filter, const struct member *mem, size_t n,
    size_t *len)
{
	size_t cap = 1u << 20;
	unsigned char *buf = xcalloc(cap, 1);
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	if (a == NULL || archive_write_set_format(a, format) != ARCHIVE_OK ||
	    archive_write_add_filter(a, filter) != ARCHIVE_OK ||
	    archive_write_open_memory(a, buf, cap, len) != ARCHIVE_OK)
		fatal("libarchive: %s", a ? archive_error_string(a) : "no memory");
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, mem[i].name);
		archive_entry_set_filetype(e, mem[i].type);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1768467600, 0);
		archive_entry_set_size(e, (la_int64_t)mem[i].len);
		if (mem[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, "/etc/passwd");
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    (mem[i].len > 0 && archive_write_data(a, mem[i].data,
		    mem[i].len) < 0))
			fatal("libarchive: %s", archive_error_string(a));
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		fatal("libarchive: %s", archive_error_string(a));
	archive_write_free(a);
	return buf;
}

static void
archives(void)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	static const char pdf[] = "%PDF-1.4\n%%EOF\n";
	static const char doc[] = "Begründung des Antrags\n";
	const struct member batch[] = {
		{ "batch/", NULL, 0, AE_IFDIR },
		{ "batch/manifest.xml", manifest, sizeof(manifest) - 1, AE_IFREG },
		{ "batch/scan_10.png", png, sizeof(png) - 1, AE_IFREG },
		{ "batch/scan_2.png", png, sizeof(png) - 1, AE_IFREG },
		{ "batch/antrag.pdf", pdf, sizeof(pdf) - 1, AE_IFREG },
		{ "batch/anlage.txt", doc, sizeof(doc) - 1, AE_IFREG },
		{ "../escape.txt", doc, sizeof(doc) - 1, AE_IFREG },
		{ "batch/link", NULL, 0, AE_IFLNK },
		{ "__MACOSX/._scan_2.png", doc, sizeof(doc) - 1, AE_IFREG },
	};
	static const struct { const char *name; int format, filter; } kinds[] = {
		{ "batch.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
		  ARCHIVE_FILTER_NONE },
		{ "batch.tar.gz", ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP },
		{ "batch.tar.bz2", ARCHIVE_FORMAT_TAR_GNUTAR,
		  ARCHIVE_FILTER_BZIP2 },
		{ "batch.tar.xz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
		  ARCHIVE_FILTER_XZ },
		{ "batch.zip", ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE },
		{ "batch.cpio", ARCHIVE_FORMAT_CPIO_SVR4_NOCRC,
		  ARCHIVE_FILTER_NONE },
		{ "batch.7z", ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE },
	};
	unsigned char *inner, *outer, *raw;
	size_t ninner, nouter, nraw, i;
	struct member nest[2];

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		inner = archive(kinds[i].format, kinds[i].filter, batch,
		    sizeof(batch) / sizeof(batch[0]), &ninner);
		save("unpack", kinds[i].name, inner, ninner);
		free(inner);
	}
	/* a zip in a tar in a zip: the depth limit */
	inner = archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, batch, 3,
	    &ninner);
	nest[0] = (struct member){ "inner.zip", inner, ninner, AE_IFREG };
	nest[1] = (struct member){ "manifest.xml", manifest,
	    sizeof(manifest) - 1, AE_IFREG };
	outer = archive(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, nest, 2,
	    &nouter);
	nest[0] = (struct member){ "middle.tar", outer, nouter, AE_IFREG };
	raw = archive(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, nest, 1, &nraw);
	save("unpack", "nested.zip", raw, nraw);
	free(raw);
	free(outer);
	free(inner);
	/* a single compressed file: scan.png.gz */
	nest[0] = (struct member){ "scan.png", png, sizeof(png) - 1, AE_IFREG };
	raw = archive(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, nest, 1, &nraw);
	save("unpack", "scan.png.gz", raw, nraw);
	free(raw);
	save("unpack", "manifest.xml", manifest, sizeof(manifest) - 1);
}

/* ---- field text and guards ---------------------------------------------- */

/* Writes the strings of v (n of them, NULL ends them early) one after the
 * other with a NUL byte between, after the byte first (if not negative). */
static void
save_parts(const char *kind, const char *name, int first,
    const char *const *v, size_t n)
{
	char buf[512];
	size_t len = 0, i, k;

	if (first >= 0)
		buf[len++] = (char)first;
	for (i = 0; i < n && v[i] != NULL; i++) {
		k = strlen(v[i]);
		if (len + k + 1 > sizeof(buf))
			fatal("a seed is too long");
		if (i > 0)
			buf[len++] = '\0';
		memcpy(buf + len, v[i], k);
		len += k;
	}
	save(kind, name, buf, len);
}

static void
fields(void)
{
	static const struct {
		enum field_type	 t;
		const char	*raw, *min, *max;
	} v[] = {
		{ FT_TEXT, "| Müller, Anna _", NULL, NULL },
		{ FT_DATE, "26.11.2026", "2026-01-01", "2026-12-31" },
		{ FT_DATE, "3. März 2026", NULL, NULL },
		{ FT_AMOUNT, "466.000,50 EUR", "0.01", "1000000" },
		{ FT_AMOUNT, "€ 1,234.5O", NULL, NULL },
		{ FT_INTEGER, "1O2", "1", "99" },
		{ FT_IBAN, "DE89 3704 0044 0532 0130 00", NULL, NULL },
		{ FT_IBAN, "GB82 WEST 1234 5698 7654 32", NULL, NULL },
		{ FT_POSTCODE_DE, "D-5O667", NULL, NULL },
		{ FT_POSTCODE_UK, "SW1A 1AA", NULL, NULL },
		{ FT_EMAIL, "anna.mueller@example.org", NULL, NULL },
		{ FT_PHONE, "+49 (0)221 / 123 45-6", NULL, NULL },
		{ FT_CHOICE, "new_build", NULL, NULL },
	};
	char name[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *parts[3] = { v[i].raw, v[i].min, v[i].max };

		snprintf(name, sizeof(name), "%02zu-%s", i,
		    field_type_name(v[i].t));
		save_parts("fields", name, (int)v[i].t, parts, 3);
	}
}

static void
guards(void)
{
	static const char *const g[][2] = {
		{ "field.estimated_cost > 500000 and not missing('storeys')",
		  NULL },
		{ "flagged_fields() > 0 or not field.signature", NULL },
		{ "duplicate(field.applicant_name, field.birth_date)", NULL },
		{ "form() = 'BA-1' and pages() >= 2 and problems() eq 0", NULL },
		{ "age_days() > 30 or hours_in_state() >= 48 or "
		  "days_in_state() > 2", NULL },
		{ "field.applicant_name != \"\" and (field.a + 1) * 2 <= 1e3",
		  "41" },
		{ "field.b = 'x'", "12x" },
	};
	char name[16];
	size_t i;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		snprintf(name, sizeof(name), "guard-%zu", i);
		save_parts("expr", name, -1, g[i], 2);
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seed DIR\n");
		return 2;
	}
	out = argv[1];
	protocol();
	archives();
	fields();
	guards();
	return 0;
}
