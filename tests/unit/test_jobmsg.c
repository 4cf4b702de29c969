/*
 * test_jobmsg.c - unit tests for daemon/libintake/jobmsg.c (one encoder
 * and one decoder per worker message) and collect.c (a job's results in
 * the protocol's order).
 *
 * Each message type goes through msg_send() and msg_recv() and must come
 * back as it was sent; cut short, with bytes after its end, beyond the
 * limits of jobmsg.h, of another type or with a descriptor it does not
 * carry, it must be refused.  The collector is fed whole jobs in legal
 * and in illegal orders.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect.h"
#include "jobmsg.h"
#include "unit.h"

#define HEX	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int sv[2] = { -1, -1 };	/* sv[0] sends, sv[1] receives */

static void
setup(void)
{
	unit_socketpair(sv);
}

static void
teardown(void)
{
	unit_close_pair(sv);
}

/* Sends m (released) over the socket pair and receives it into *out. */
static void
wire(struct msg *m, struct msg *out)
{
	ck_assert_int_eq(msg_send(sv[0], m), 0);
	msg_release(m);
	ck_assert_int_eq(msg_recv(sv[1], out), 0);
}

/* A string of n times c (the caller frees it). */
static char *
str_of(size_t n, char c)
{
	char *s = xcalloc(n + 1, 1);

	memset(s, c, n);
	return s;
}

/* ---- sample messages ---------------------------------------------------- */

static void
hello_msg(struct msg *m)
{
	jobmsg_hello_put(m, 4242, "seccomp");
}

/* The descriptors are the test's standard input and output. */
static void
unpack_msg(struct msg *m)
{
	static const struct config c0;
	struct config c = c0;
	struct jobmsg_job j;

	c.max_unpacked = 1ULL << 33;
	c.max_members = 500;
	c.max_ratio = 100;
	c.max_depth = 3;
	c.max_page_width = 20000;
	c.max_page_height = 30000;
	c.max_pixels = 1ULL << 32;
	c.max_pages = 200;
	c.job_timeout_s = 300;
	jobmsg_job_init(&j, &c);
	j.id = 77;
	j.name = (char *)"scan.zip";
	j.lang = (char *)"deu+eng";
	j.pdf = true;
	j.templates = (char *)"/templates";
	j.in = 0;
	j.out = 1;
	jobmsg_unpack_put(m, &j);
}

static void
progress_msg(struct msg *m)
{
	jobmsg_text_put(m, MSG_PROGRESS, "reading scan.tif page 1");
}

static void
warning_msg(struct msg *m)
{
	jobmsg_text_put(m, MSG_WARNING, "notes.exe: not a page, not kept");
}

static void
refused_msg(struct msg *m)
{
	jobmsg_text_put(m, MSG_REFUSED, "more than 200 pages");
}

static void
deferred_msg(struct msg *m)
{
	struct jobmsg_deferred d = { ENOSPC,
	    (char *)"cannot write page-0001.png: No space left on device" };

	jobmsg_deferred_put(m, &d);
}

static void
page_msg_seq(struct msg *m, uint32_t seq)
{
	char name[JOBMSG_MAX_STORED];
	struct page_row p;

	memset(&p, 0, sizeof(p));
	snprintf(name, sizeof(name), JOBMSG_PAGE_PREFIX "%04u.png", seq);
	p.seq = seq;
	p.source = (char *)"scan.zip";
	p.member = (char *)"scan_01.tif";
	p.page_no = seq;
	p.width = 2480;
	p.height = 3508;
	p.depth = 1;
	p.xres = p.yres = 300;
	p.sha256 = (char *)HEX;
	p.path = name;
	p.bytes = 123456;
	jobmsg_page_put(m, &p);
}

static void
page_msg(struct msg *m)
{
	page_msg_seq(m, 1);
}

static void
ocr_msg_n(struct msg *m, uint32_t seq, size_t n)
{
	struct page_row p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.rotation = 90;
	p.skew = -1.25;
	p.confidence = 87;
	p.text = (char *)"Antrag auf Baugenehmigung\nName: M\xc3\xbcller";
	p.words = xcalloc(n, sizeof(*p.words));
	p.nwords = n;
	for (i = 0; i < n; i++) {
		p.words[i].text = (char *)(i % 2 ? "Antrag" : "M\xc3\xbcller");
		p.words[i].x = (int)i;
		p.words[i].y = 2 * (int)i;
		p.words[i].w = 30;
		p.words[i].h = 12;
		p.words[i].conf = 91.5;
		p.words[i].block = 1;
		p.words[i].line = (int)i / 10 + 1;
	}
	jobmsg_ocr_put(m, &p);
	free(p.words);
}

static void
ocr_msg(struct msg *m)
{
	ocr_msg_n(m, 1, 3);
}

/* A reading of page seq: n fields, the form and fit of fit. */
static void
fields_msg_fit(struct msg *m, uint32_t seq, size_t n,
    const struct form_page *fit)
{
	struct form_page fp = *fit;
	struct form_reading r = { &fp, 1, NULL, n };
	size_t i;

	fp.page = seq;

	r.fields = xcalloc(n, sizeof(*r.fields));
	for (i = 0; i < n; i++) {
		struct read_field *f = &r.fields[i];

		f->page = seq;
		f->name = (char *)(i ? "applicant" : "date");
		f->type = (char *)(i ? "text" : "date");
		f->value = (char *)(i ? "Erika Mustermann" : "2026-12-06");
		f->raw = i ? (char *)"Erika Musterrnann" : NULL;
		f->why = (char *)"";
		f->status = (char *)(i ? "uncertain" : "ok");
		f->confidence = 0.625;
		f->x = 100;
		f->y = 200 + (int)i;
		f->w = 300;
		f->h = 40;
	}
	jobmsg_fields_put(m, &r);
	free(r.fields);
}

/* Anchors 0, 2 and 3 of 5 found, a little off. */
static const struct form_page fit5 = { 0, (char *)"BA-1", 2, 0.875, 3, 5,
	0xd, 0.25, 0.5, true };

static void
fields_msg_n(struct msg *m, uint32_t seq, size_t n)
{
	fields_msg_fit(m, seq, n, &fit5);
}

static void
fields_msg(struct msg *m)
{
	fields_msg_n(m, 1, 2);
}

static void
attachment_msg_named(struct msg *m, const char *name, unsigned n)
{
	char stored[JOBMSG_MAX_STORED];
	struct jobmsg_attachment a;

	snprintf(stored, sizeof(stored), JOBMSG_ATTACHMENT_PREFIX "%03u-x",
	    n);
	a.name = (char *)name;
	a.stored = stored;
	a.sha256 = (char *)HEX;
	a.size = 5000000000ULL;
	jobmsg_attachment_put(m, &a);
}

static void
attachment_msg(struct msg *m)
{
	attachment_msg_named(m, "letter.odt", 1);
}

static void
manifest_msg(struct msg *m)
{
	struct jobmsg_manifest mf = { (char *)"AZ-2026-17", (char *)"post",
	    NULL, (char *)"BA-1", 3 };

	jobmsg_manifest_put(m, &mf);
}

static void
done_msg_counts(struct msg *m, uint32_t pages, uint32_t att, bool pdf)
{
	struct jobmsg_done d = { pages, att,
	    pdf ? (char *)JOBMSG_PDF_NAME : NULL };

	jobmsg_done_put(m, &d);
}

static void
done_msg(struct msg *m)
{
	done_msg_counts(m, 2, 1, true);
}

/* ---- decoders, each releasing what it decoded --------------------------- */

static int
hello_dec(struct msg *m)
{
	struct jobmsg_hello h;
	int rc = jobmsg_hello_get(m, &h);

	jobmsg_hello_release(&h);
	return rc;
}

static int
unpack_dec(struct msg *m)
{
	struct jobmsg_job j;
	int rc = jobmsg_unpack_get(m, &j);

	jobmsg_job_release(&j);
	return rc;
}

static int
text_dec(struct msg *m)
{
	char *s;
	int rc = jobmsg_text_get(m, &s);

	ck_assert(rc == 0 || s == NULL);
	free(s);
	return rc;
}

static int
page_dec(struct msg *m)
{
	struct page_row p;
	int rc = jobmsg_page_get(m, "/spool/t/pages", &p);

	page_row_release(&p);
	return rc;
}

static int
ocr_dec(struct msg *m)
{
	struct page_row p;
	int rc = jobmsg_ocr_get(m, &p);

	page_row_release(&p);
	return rc;
}

static int
fields_dec(struct msg *m)
{
	struct form_reading r;
	int rc = jobmsg_fields_get(m, &r);

	form_reading_release(&r);
	return rc;
}

static int
attachment_dec(struct msg *m)
{
	struct jobmsg_attachment a;
	int rc = jobmsg_attachment_get(m, &a);

	jobmsg_attachment_release(&a);
	return rc;
}

static int
manifest_dec(struct msg *m)
{
	struct jobmsg_manifest mf;
	int rc = jobmsg_manifest_get(m, &mf);

	jobmsg_manifest_release(&mf);
	return rc;
}

static int
done_dec(struct msg *m)
{
	struct jobmsg_done d;
	int rc = jobmsg_done_get(m, &d);

	jobmsg_done_release(&d);
	return rc;
}

static int
deferred_dec(struct msg *m)
{
	struct jobmsg_deferred d;
	int rc = jobmsg_deferred_get(m, &d);

	jobmsg_deferred_release(&d);
	return rc;
}

/* Every message type: a valid sample, its decoder, the descriptors it
 * carries. */
static const struct codec {
	const char	*name;
	void		(*sample)(struct msg *);
	int		(*decode)(struct msg *);
	int		 nfds;
} codecs[] = {
	{ "hello", hello_msg, hello_dec, 0 },
	{ "unpack", unpack_msg, unpack_dec, 2 },
	{ "progress", progress_msg, text_dec, 0 },
	{ "page", page_msg, page_dec, 0 },
	{ "attachment", attachment_msg, attachment_dec, 0 },
	{ "manifest", manifest_msg, manifest_dec, 0 },
	{ "warning", warning_msg, text_dec, 0 },
	{ "done", done_msg, done_dec, 0 },
	{ "refused", refused_msg, text_dec, 0 },
	{ "ocr", ocr_msg, ocr_dec, 0 },
	{ "fields", fields_msg, fields_dec, 0 },
	{ "deferred", deferred_msg, deferred_dec, 0 },
};
#define NCODECS	((int)(sizeof(codecs) / sizeof(codecs[0])))

/* ---- every type: what is refused ---------------------------------------- */

START_TEST(test_sample_decodes)
{
	const struct codec *c = &codecs[_i];
	struct msg m;

	c->sample(&m);
	ck_assert_msg(c->decode(&m) == 0, "%s refused", c->name);
	msg_release(&m);
}
END_TEST

/* Every cut of the payload is refused, the empty payload included. */
START_TEST(test_truncated)
{
	const struct codec *c = &codecs[_i];
	struct msg m;
	size_t len, cut;

	c->sample(&m);
	len = m.len;
	for (cut = 0; cut < len; cut++) {
		m.len = cut;
		m.off = 0;
		m.bad = false;
		m.nfds = c->nfds;
		ck_assert_msg(c->decode(&m) == JOBMSG_EPROTO,
		    "%s cut to %zu of %zu bytes decoded", c->name, cut, len);
	}
	msg_release(&m);
}
END_TEST

START_TEST(test_trailing)
{
	const struct codec *c = &codecs[_i];
	struct msg m;

	c->sample(&m);
	msg_put_u32(&m, 0);
	ck_assert_msg(c->decode(&m) == JOBMSG_EPROTO, "%s with 4 more bytes",
	    c->name);
	msg_release(&m);
	c->sample(&m);
	msg_put_str(&m, "");
	ck_assert_int_eq(c->decode(&m), JOBMSG_EPROTO);
	msg_release(&m);
}
END_TEST

/* A decoder reads only its own type. */
START_TEST(test_other_type)
{
	const struct codec *c = &codecs[_i];
	struct msg m;
	uint16_t t;

	for (t = MSG_HELLO; t < MSG_MAX; t++) {
		c->sample(&m);
		if (t == m.type || (c->decode == text_dec && (t == MSG_PROGRESS ||
		    t == MSG_WARNING || t == MSG_REFUSED))) {
			msg_release(&m);
			continue;
		}
		m.type = t;
		ck_assert_msg(c->decode(&m) == JOBMSG_EPROTO,
		    "%s read as type %u", c->name, t);
		msg_release(&m);
	}
}
END_TEST

/* A result carries no descriptor; a job carries exactly two. */
START_TEST(test_descriptors)
{
	const struct codec *c = &codecs[_i];
	struct msg m;

	c->sample(&m);
	m.fds[0] = 0;
	m.fds[1] = 1;
	m.nfds = c->nfds == 0 ? 1 : 0;
	ck_assert_msg(c->decode(&m) == JOBMSG_EPROTO, "%s with %d fds",
	    c->name, m.nfds);
	msg_release(&m);
	if (c->nfds == 2) {
		c->sample(&m);
		m.nfds = 1;
		ck_assert_int_eq(c->decode(&m), JOBMSG_EPROTO);
		msg_release(&m);
	}
}
END_TEST

/* ---- every type: a round trip, and its limits --------------------------- */

START_TEST(test_hello)
{
	struct jobmsg_hello h;
	struct msg m, r;
	char *big;

	hello_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_hello_get(&r, &h), 0);
	ck_assert_uint_eq(h.pid, 4242);
	ck_assert_str_eq(h.sandbox, "seccomp");
	jobmsg_hello_release(&h);
	msg_release(&r);

	jobmsg_hello_put(&m, 1, NULL);		/* no filter */
	ck_assert_int_eq(jobmsg_hello_get(&m, &h), 0);
	ck_assert_ptr_null(h.sandbox);
	msg_release(&m);

	big = str_of(JOBMSG_MAX_TEXT, 's');
	jobmsg_hello_put(&m, 1, big);
	ck_assert_int_eq(jobmsg_hello_get(&m, &h), JOBMSG_EPROTO);
	ck_assert_ptr_null(h.sandbox);
	msg_release(&m);
	free(big);
}
END_TEST

START_TEST(test_unpack)
{
	struct jobmsg_job j;
	struct msg m, r;

	unpack_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(r.nfds, 2);
	ck_assert_int_eq(jobmsg_unpack_get(&r, &j), 0);
	ck_assert_int_eq(r.nfds, 0);		/* the descriptors moved */
	ck_assert(j.id == 77);
	ck_assert_str_eq(j.name, "scan.zip");
	ck_assert(!j.folder);
	ck_assert(j.lim.max_bytes == 1ULL << 33);
	ck_assert_uint_eq(j.lim.max_members, 500);
	ck_assert_uint_eq(j.lim.max_ratio, 100);
	ck_assert_uint_eq(j.lim.max_depth, 3);
	ck_assert_uint_eq(j.lim.max_width, 20000);
	ck_assert_uint_eq(j.lim.max_height, 30000);
	ck_assert(j.lim.max_pixels == 1ULL << 32);
	ck_assert_uint_eq(j.lim.max_pages, 200);
	ck_assert_uint_eq(j.cpu_s, 300);
	ck_assert_str_eq(j.lang, "deu+eng");
	ck_assert(j.pdf);
	ck_assert_str_eq(j.templates, "/templates");
	ck_assert_ptr_null(j.form);
	ck_assert_int_ge(j.in, 0);
	ck_assert_int_ge(j.out, 0);
	ck_assert_int_ne(j.in, j.out);
	close(j.in);
	close(j.out);
	jobmsg_job_release(&j);
	msg_release(&r);

	/* a job without a name is no job */
	{
		struct jobmsg_job k;
		static const struct config c0;

		jobmsg_job_init(&k, &c0);
		k.in = 0;
		k.out = 1;
		jobmsg_unpack_put(&m, &k);
		ck_assert_int_eq(jobmsg_unpack_get(&m, &k), JOBMSG_EPROTO);
		ck_assert_ptr_null(k.name);
		ck_assert_int_eq(k.in, -1);
		ck_assert_int_eq(m.nfds, 2);	/* still the caller's */
		msg_release(&m);
	}
}
END_TEST

START_TEST(test_text)
{
	static const uint16_t types[] = { MSG_PROGRESS, MSG_WARNING,
	    MSG_REFUSED };
	struct msg m, r;
	size_t i;
	char *s, *big;

	for (i = 0; i < 3; i++) {
		jobmsg_text_put(&m, types[i], "Stra\xc3\x9f" "e 7: ok");
		wire(&m, &r);
		ck_assert_int_eq(r.type, types[i]);
		ck_assert_int_eq(jobmsg_text_get(&r, &s), 0);
		ck_assert_str_eq(s, "Stra\xc3\x9f" "e 7: ok");
		free(s);
		msg_release(&r);

		/* the longest the worker writes, and one more */
		big = str_of(JOBMSG_MAX_TEXT - 1, 'x');
		jobmsg_text_put(&m, types[i], big);
		ck_assert_int_eq(jobmsg_text_get(&m, &s), 0);
		free(s);
		msg_release(&m);
		free(big);
		big = str_of(JOBMSG_MAX_TEXT, 'x');
		jobmsg_text_put(&m, types[i], big);
		ck_assert_int_eq(jobmsg_text_get(&m, &s), JOBMSG_EPROTO);
		ck_assert_ptr_null(s);
		msg_release(&m);
		free(big);

		/* NULL is no text */
		jobmsg_text_put(&m, types[i], NULL);
		ck_assert_int_eq(jobmsg_text_get(&m, &s), JOBMSG_EPROTO);
		msg_release(&m);
	}
}
END_TEST

/* A page with its stored name changed to name. */
static int
page_named(const char *name, const char *sha)
{
	struct page_row p;
	struct msg m;
	int rc;

	memset(&p, 0, sizeof(p));
	p.seq = 1;
	p.source = (char *)"a.tif";
	p.sha256 = (char *)sha;
	p.path = (char *)name;
	jobmsg_page_put(&m, &p);
	rc = page_dec(&m);
	msg_release(&m);
	return rc;
}

START_TEST(test_page)
{
	struct page_row p;
	struct msg m, r;
	char *big;

	page_msg_seq(&m, 7);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_page_get(&r, "/spool/t/pages", &p), 0);
	ck_assert_uint_eq(p.seq, 7);
	ck_assert_str_eq(p.source, "scan.zip");
	ck_assert_str_eq(p.member, "scan_01.tif");
	ck_assert_uint_eq(p.page_no, 7);
	ck_assert_uint_eq(p.width, 2480);
	ck_assert_uint_eq(p.height, 3508);
	ck_assert_uint_eq(p.depth, 1);
	ck_assert_uint_eq(p.xres, 300);
	ck_assert_uint_eq(p.yres, 300);
	ck_assert_str_eq(p.sha256, HEX);
	ck_assert_str_eq(p.path, "/spool/t/pages/page-0007.png");
	ck_assert(p.bytes == 123456);
	ck_assert(!p.read);
	page_row_release(&p);
	msg_release(&r);

	/* no folder: the name as sent */
	page_msg(&m);
	ck_assert_int_eq(jobmsg_page_get(&m, NULL, &p), 0);
	ck_assert_str_eq(p.path, "page-0001.png");
	ck_assert_ptr_nonnull(p.member);
	page_row_release(&p);
	msg_release(&m);

	ck_assert_int_eq(page_named("page-0001.png", HEX), 0);
	/* names that are not the worker's own */
	ck_assert_int_eq(page_named("../page-0001.png", HEX), JOBMSG_EPROTO);
	ck_assert_int_eq(page_named("page-1/../../x", HEX), JOBMSG_EPROTO);
	ck_assert_int_eq(page_named("attachment-001-x", HEX), JOBMSG_EPROTO);
	ck_assert_int_eq(page_named("", HEX), JOBMSG_EPROTO);
	/* a name beyond the limit */
	big = str_of(JOBMSG_MAX_STORED, 'p');
	memcpy(big, JOBMSG_PAGE_PREFIX, strlen(JOBMSG_PAGE_PREFIX));
	ck_assert_int_eq(page_named(big, HEX), JOBMSG_EPROTO);
	big[JOBMSG_MAX_STORED - 1] = '\0';
	ck_assert_int_eq(page_named(big, HEX), 0);
	free(big);
	/* a checksum that is none */
	ck_assert_int_eq(page_named("page-0001.png", "abc"), JOBMSG_EPROTO);
	ck_assert_int_eq(page_named("page-0001.png", NULL), JOBMSG_EPROTO);
	ck_assert_int_eq(page_named("page-0001.png", HEX "0"), JOBMSG_EPROTO);
}
END_TEST

START_TEST(test_ocr)
{
	struct page_row p;
	struct msg m, r;

	ocr_msg_n(&m, 4, 12);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_ocr_get(&r, &p), 0);
	ck_assert_uint_eq(p.seq, 4);
	ck_assert(p.read);
	ck_assert_int_eq(p.rotation, 90);
	ck_assert(p.skew == -1.25);
	ck_assert_int_eq(p.confidence, 87);
	ck_assert_str_eq(p.text, "Antrag auf Baugenehmigung\nName: M\xc3\xbcller");
	ck_assert_uint_eq(p.nwords, 12);
	ck_assert_str_eq(p.words[0].text, "M\xc3\xbcller");
	ck_assert_str_eq(p.words[11].text, "Antrag");
	ck_assert_int_eq(p.words[11].x, 11);
	ck_assert_int_eq(p.words[11].y, 22);
	ck_assert_int_eq(p.words[11].w, 30);
	ck_assert_int_eq(p.words[11].h, 12);
	ck_assert(p.words[11].conf == 91.5);
	ck_assert_int_eq(p.words[11].block, 1);
	ck_assert_int_eq(p.words[11].line, 2);
	page_row_release(&p);
	msg_release(&r);

	/* the most words a page may have, and one more */
	ocr_msg_n(&m, 1, JOBMSG_MAX_WORDS);
	ck_assert_int_eq(jobmsg_ocr_get(&m, &p), 0);
	ck_assert_uint_eq(p.nwords, JOBMSG_MAX_WORDS);
	page_row_release(&p);
	msg_release(&m);
	ocr_msg_n(&m, 1, JOBMSG_MAX_WORDS + 1);
	ck_assert_int_eq(jobmsg_ocr_get(&m, &p), JOBMSG_EPROTO);
	ck_assert_ptr_null(p.words);
	msg_release(&m);

	/* a page is turned by a quarter turn or not at all */
	ocr_msg(&m);
	m.data[7] = 45;				/* the rotation's low byte */
	ck_assert_int_eq(ocr_dec(&m), JOBMSG_EPROTO);
	msg_release(&m);

	/* no page text */
	{
		struct page_row q;

		memset(&q, 0, sizeof(q));
		q.seq = 1;
		jobmsg_ocr_put(&m, &q);
		ck_assert_int_eq(ocr_dec(&m), JOBMSG_EPROTO);
		msg_release(&m);
	}
}
END_TEST

START_TEST(test_fields)
{
	struct form_reading rd;
	struct msg m, r;

	fields_msg_n(&m, 3, 2);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_fields_get(&r, &rd), 0);
	ck_assert_uint_eq(rd.nforms, 1);
	ck_assert_uint_eq(rd.forms[0].page, 3);
	ck_assert_str_eq(rd.forms[0].form, "BA-1");
	ck_assert_uint_eq(rd.forms[0].form_page, 2);
	ck_assert(rd.forms[0].score == 0.875);
	ck_assert_uint_eq(rd.forms[0].anchors_found, 3);
	ck_assert_uint_eq(rd.forms[0].anchors_total, 5);
	ck_assert_uint_eq(rd.forms[0].anchors_mask, 0xd);
	ck_assert(rd.forms[0].residual_mm == 0.25);
	ck_assert(rd.forms[0].residual_max_mm == 0.5);
	ck_assert(rd.forms[0].aligned);
	ck_assert_uint_eq(rd.nfields, 2);
	ck_assert_uint_eq(rd.fields[0].page, 3);
	ck_assert_str_eq(rd.fields[0].name, "date");
	ck_assert_str_eq(rd.fields[0].type, "date");
	ck_assert_str_eq(rd.fields[0].value, "2026-12-06");
	ck_assert_ptr_null(rd.fields[0].raw);
	ck_assert_str_eq(rd.fields[0].why, "");
	ck_assert_str_eq(rd.fields[0].status, "ok");
	ck_assert_str_eq(rd.fields[1].name, "applicant");
	ck_assert_str_eq(rd.fields[1].raw, "Erika Musterrnann");
	ck_assert_str_eq(rd.fields[1].status, "uncertain");
	ck_assert(rd.fields[1].confidence == 0.625);
	ck_assert_int_eq(rd.fields[1].x, 100);
	ck_assert_int_eq(rd.fields[1].y, 201);
	ck_assert_int_eq(rd.fields[1].w, 300);
	ck_assert_int_eq(rd.fields[1].h, 40);
	ck_assert_ptr_eq(form_field(&rd, 3, "applicant"), &rd.fields[1]);
	ck_assert_uint_eq(form_page_of(&rd, "BA-1", 2), 3);
	form_reading_release(&rd);
	msg_release(&r);

	/* the most fields a page may have, and one more */
	fields_msg_n(&m, 1, JOBMSG_MAX_FIELDS);
	ck_assert_int_eq(fields_dec(&m), 0);
	msg_release(&m);
	fields_msg_n(&m, 1, JOBMSG_MAX_FIELDS + 1);
	ck_assert_int_eq(jobmsg_fields_get(&m, &rd), JOBMSG_EPROTO);
	ck_assert_uint_eq(rd.nforms, 0);
	msg_release(&m);

	/* there is no page 0 */
	fields_msg_n(&m, 0, 1);
	ck_assert_int_eq(fields_dec(&m), JOBMSG_EPROTO);
	msg_release(&m);

	/* a fit that does not hold together: more found than the page has,
	   a count other than the mask's, a mask beyond the page's anchors,
	   more anchors than a page may have; 64 of 64 is fine */
	{
		static const struct { uint32_t found, total; uint64_t mask;
		    int rc; } c[] = {
			{ 3, 2, 0x7, JOBMSG_EPROTO },
			{ 2, 5, 0x7, JOBMSG_EPROTO },
			{ 3, 3, 0xb, JOBMSG_EPROTO },
			{ 0, 65, 0, JOBMSG_EPROTO },
			{ 64, 64, UINT64_MAX, 0 },
			{ 0, 0, 0, 0 },
		};
		size_t k;

		for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
			struct form_page f = fit5;

			f.anchors_found = c[k].found;
			f.anchors_total = c[k].total;
			f.anchors_mask = c[k].mask;
			fields_msg_fit(&m, 1, 1, &f);
			ck_assert_msg(fields_dec(&m) == c[k].rc, "case %zu", k);
			msg_release(&m);
		}
	}
}
END_TEST


/* Signed numbers come back as they were sent: a word's box off the page's
 * edge, a job's id and a page's skew at their extremes. */
START_TEST(test_signed)
{
	static const struct config c0;
	struct jobmsg_job j, k;
	struct word_row w = { .text = (char *)"x", .x = -7, .y = INT_MIN,
	    .w = INT_MAX, .h = 1, .conf = 0, .block = -1, .line = -2 };
	struct page_row p, q;
	struct msg m, r;

	memset(&p, 0, sizeof(p));
	p.seq = 1;
	p.rotation = 270;
	p.skew = -45.5;
	p.confidence = -1;
	p.text = (char *)"";
	p.words = &w;
	p.nwords = 1;
	jobmsg_ocr_put(&m, &p);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_ocr_get(&r, &q), 0);
	ck_assert(q.skew == -45.5);
	ck_assert_int_eq(q.confidence, -1);
	ck_assert_int_eq(q.words[0].x, -7);
	ck_assert_int_eq(q.words[0].y, INT_MIN);
	ck_assert_int_eq(q.words[0].w, INT_MAX);
	ck_assert_int_eq(q.words[0].block, -1);
	ck_assert_int_eq(q.words[0].line, -2);
	page_row_release(&q);
	msg_release(&r);

	jobmsg_job_init(&j, &c0);
	j.id = INT64_MIN;
	j.name = (char *)"a";
	j.in = 0;
	j.out = 1;
	jobmsg_unpack_put(&m, &j);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_unpack_get(&r, &k), 0);
	ck_assert(k.id == INT64_MIN);
	close(k.in);
	close(k.out);
	jobmsg_job_release(&k);
	msg_release(&r);
}
END_TEST

/* Two pages' readings, one after the other: the first's forms and fields
 * first; the reading moved is left empty, and an empty one adds nothing. */
START_TEST(test_reading_append)
{
	struct form_reading all, one, none;
	struct msg m;

	memset(&all, 0, sizeof(all));
	memset(&none, 0, sizeof(none));
	fields_msg_n(&m, 1, 2);
	ck_assert_int_eq(jobmsg_fields_get(&m, &one), 0);
	msg_release(&m);
	form_reading_append(&all, &one);
	ck_assert_ptr_null(one.forms);
	ck_assert_ptr_null(one.fields);
	ck_assert_uint_eq(one.nforms + one.nfields, 0);
	fields_msg_n(&m, 2, 3);
	ck_assert_int_eq(jobmsg_fields_get(&m, &one), 0);
	msg_release(&m);
	form_reading_append(&all, &one);
	form_reading_append(&all, &none);
	ck_assert_uint_eq(all.nforms, 2);
	ck_assert_uint_eq(all.forms[0].page, 1);
	ck_assert_uint_eq(all.forms[1].page, 2);
	ck_assert_uint_eq(all.nfields, 5);
	ck_assert_uint_eq(all.fields[1].page, 1);
	ck_assert_uint_eq(all.fields[2].page, 2);
	ck_assert_str_eq(all.fields[2].name, "date");
	ck_assert_str_eq(all.fields[4].name, "applicant");
	ck_assert_ptr_eq(form_field(&all, 2, "applicant"), &all.fields[3]);
	form_reading_release(&all);
}
END_TEST
/* An attachment with its stored name changed to stored. */
static int
attachment_stored(const char *stored, uint64_t size)
{
	struct jobmsg_attachment a = { (char *)"a.odt", (char *)stored,
	    (char *)HEX, size };
	struct msg m;
	int rc;

	jobmsg_attachment_put(&m, &a);
	rc = attachment_dec(&m);
	msg_release(&m);
	return rc;
}

START_TEST(test_attachment)
{
	struct jobmsg_attachment a;
	struct msg m, r;
	char *big;

	attachment_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_attachment_get(&r, &a), 0);
	ck_assert_str_eq(a.name, "letter.odt");
	ck_assert_str_eq(a.stored, "attachment-001-x");
	ck_assert_str_eq(a.sha256, HEX);
	ck_assert(a.size == 5000000000ULL);
	jobmsg_attachment_release(&a);
	msg_release(&r);

	ck_assert_int_eq(attachment_stored("attachment-1", 1), 0);
	ck_assert_int_eq(attachment_stored("page-0001.png", 1), JOBMSG_EPROTO);
	ck_assert_int_eq(attachment_stored("attachment-1/../../x", 1),
	    JOBMSG_EPROTO);
	ck_assert_int_eq(attachment_stored(NULL, 1), JOBMSG_EPROTO);
	ck_assert_int_eq(attachment_stored("attachment-1", UINT64_MAX),
	    JOBMSG_EPROTO);
	big = str_of(JOBMSG_MAX_STORED, 'a');
	memcpy(big, JOBMSG_ATTACHMENT_PREFIX, strlen(JOBMSG_ATTACHMENT_PREFIX));
	ck_assert_int_eq(attachment_stored(big, 1), JOBMSG_EPROTO);
	free(big);
}
END_TEST

START_TEST(test_manifest)
{
	struct jobmsg_manifest mf, big;
	struct msg m, r;
	char *s;

	manifest_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_manifest_get(&r, &mf), 0);
	ck_assert_str_eq(mf.reference, "AZ-2026-17");
	ck_assert_str_eq(mf.channel, "post");
	ck_assert_ptr_null(mf.sender);
	ck_assert_str_eq(mf.form_hint, "BA-1");
	ck_assert_uint_eq(mf.pages, 3);
	jobmsg_manifest_release(&mf);
	msg_release(&r);

	/* the longest text a manifest gives, and one more */
	s = str_of(JOBMSG_MAX_MANIFEST_TEXT, 'r');
	memset(&big, 0, sizeof(big));
	big.sender = s;
	big.pages = JOBMSG_MAX_MANIFEST_PAGES;
	jobmsg_manifest_put(&m, &big);
	ck_assert_int_eq(manifest_dec(&m), 0);
	msg_release(&m);
	free(s);
	s = str_of(JOBMSG_MAX_MANIFEST_TEXT + 1, 'r');
	big.sender = s;
	jobmsg_manifest_put(&m, &big);
	ck_assert_int_eq(jobmsg_manifest_get(&m, &mf), JOBMSG_EPROTO);
	ck_assert_ptr_null(mf.sender);
	msg_release(&m);
	free(s);
	big.sender = NULL;
	big.pages = JOBMSG_MAX_MANIFEST_PAGES + 1;
	jobmsg_manifest_put(&m, &big);
	ck_assert_int_eq(manifest_dec(&m), JOBMSG_EPROTO);
	msg_release(&m);
}
END_TEST

START_TEST(test_done)
{
	struct jobmsg_done d;
	struct msg m, r;

	done_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(jobmsg_done_get(&r, &d), 0);
	ck_assert_uint_eq(d.pages, 2);
	ck_assert_uint_eq(d.attachments, 1);
	ck_assert_str_eq(d.pdf, JOBMSG_PDF_NAME);
	jobmsg_done_release(&d);
	msg_release(&r);

	done_msg_counts(&m, 0, 0, false);
	ck_assert_int_eq(jobmsg_done_get(&m, &d), 0);
	ck_assert_ptr_null(d.pdf);
	msg_release(&m);

	/* the PDF is the worker's own file, by its one name */
	{
		struct jobmsg_done o = { 1, 0, (char *)"../../etc/passwd" };

		jobmsg_done_put(&m, &o);
		ck_assert_int_eq(jobmsg_done_get(&m, &d), JOBMSG_EPROTO);
		ck_assert_ptr_null(d.pdf);
		msg_release(&m);
	}
}
END_TEST

/* ---- the collector ------------------------------------------------------ */

/* Feeds one message built by make (and releases it). */
static enum collect_status
feed(struct job_collect *c, void (*make)(struct msg *))
{
	enum collect_status st;
	struct msg m;

	make(&m);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

static enum collect_status
feed_page(struct job_collect *c, uint32_t seq)
{
	enum collect_status st;
	struct msg m;

	page_msg_seq(&m, seq);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

static enum collect_status
feed_ocr(struct job_collect *c, uint32_t seq)
{
	enum collect_status st;
	struct msg m;

	ocr_msg_n(&m, seq, 2);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

static enum collect_status
feed_fields(struct job_collect *c, uint32_t seq)
{
	enum collect_status st;
	struct msg m;

	fields_msg_n(&m, seq, 2);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

static enum collect_status
feed_done(struct job_collect *c, uint32_t pages, uint32_t att)
{
	enum collect_status st;
	struct msg m;

	done_msg_counts(&m, pages, att, false);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

static enum collect_status
feed_attachment(struct job_collect *c, const char *name, unsigned n)
{
	enum collect_status st;
	struct msg m;

	attachment_msg_named(&m, name, n);
	st = collect_feed(c, &m);
	msg_release(&m);
	return st;
}

/* Everything a worker sends, in the order it sends it. */
START_TEST(test_collect_job)
{
	struct job_collect c;

	collect_init(&c, "/spool/t/pages");
	ck_assert_int_eq(feed(&c, hello_msg), COLLECT_MORE);
	ck_assert_str_eq(c.hello.sandbox, "seccomp");
	ck_assert_int_eq(feed(&c, progress_msg), COLLECT_MORE);
	ck_assert_str_eq(c.doing, "reading scan.tif page 1");
	ck_assert_int_eq(feed(&c, manifest_msg), COLLECT_MORE);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed(&c, warning_msg), COLLECT_MORE);
	ck_assert_int_eq(feed_attachment(&c, "letter.odt", 1), COLLECT_MORE);
	ck_assert_int_eq(feed_attachment(&c, "letter.odt", 2), COLLECT_MORE);
	ck_assert_int_eq(feed_attachment(&c, "letter.odt (2)", 3),
	    COLLECT_MORE);
	ck_assert_int_eq(feed_page(&c, 2), COLLECT_MORE);	/* not read */
	ck_assert_int_eq(feed_page(&c, 3), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 3), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 3), COLLECT_MORE);
	ck_assert_int_eq(feed(&c, progress_msg), COLLECT_MORE);
	{
		struct msg m;

		done_msg_counts(&m, 3, 3, true);
		ck_assert_int_eq(collect_feed(&c, &m), COLLECT_DONE);
		msg_release(&m);
	}

	ck_assert_uint_eq(c.npages, 3);
	ck_assert_str_eq(c.pages[0].path, "/spool/t/pages/page-0001.png");
	ck_assert(c.pages[0].read);
	ck_assert_uint_eq(c.pages[0].nwords, 2);
	ck_assert_str_eq(c.pages[0].source, "scan.zip");
	ck_assert(!c.pages[1].read);
	ck_assert_ptr_null(c.pages[1].text);
	ck_assert(c.pages[2].read);
	ck_assert_uint_eq(c.reading.nforms, 2);
	ck_assert_uint_eq(c.reading.forms[1].page, 3);
	ck_assert_uint_eq(c.reading.nfields, 4);
	ck_assert_uint_eq(c.reading.fields[3].page, 3);
	ck_assert_uint_eq(c.natt, 3);
	ck_assert_str_eq(c.att[0].name, "letter.odt");
	ck_assert_str_eq(c.att[1].name, "letter.odt (2)");
	ck_assert_str_eq(c.att[2].name, "letter.odt (2) (2)");
	ck_assert_str_eq(c.att[1].stored, "/spool/t/pages/attachment-002-x");
	ck_assert_str_eq(c.manifest.reference, "AZ-2026-17");
	ck_assert_uint_eq(c.nwarnings, 1);
	ck_assert_str_eq(c.warnings[0], "notes.exe: not a page, not kept");
	ck_assert_str_eq(c.pdf, "/spool/t/pages/" JOBMSG_PDF_NAME);
	ck_assert_ptr_null(c.refused);
	/* nothing after the end */
	ck_assert_int_eq(feed(&c, progress_msg), COLLECT_EPROTO);
	collect_release(&c);
	ck_assert_ptr_null(c.pages);
	collect_release(&c);			/* twice is harmless */
}
END_TEST

START_TEST(test_collect_refused)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);	/* no hello */
	ck_assert_str_eq(c.pages[0].path, "page-0001.png");
	ck_assert_int_eq(feed(&c, refused_msg), COLLECT_REFUSED);
	ck_assert_str_eq(c.refused, "more than 200 pages");
	ck_assert_int_eq(feed(&c, refused_msg), COLLECT_EPROTO);
	collect_release(&c);

	/* a zeroed collector is an empty one */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(feed_done(&c, 0, 0), COLLECT_DONE);
	ck_assert_ptr_null(c.pdf);
	collect_release(&c);
}
END_TEST

/* A full disk ends the job as a refusal would, without blaming the
 * delivery; only ENOSPC and EDQUOT may say so. */
START_TEST(test_deferred)
{
	struct jobmsg_deferred d, bad = { EIO, (char *)"cannot write" };
	struct job_collect c;
	struct msg m, r;

	deferred_msg(&m);
	wire(&m, &r);
	ck_assert_int_eq(r.type, MSG_DEFERRED);
	ck_assert_int_eq(jobmsg_deferred_get(&r, &d), 0);
	ck_assert_uint_eq(d.err, ENOSPC);
	ck_assert_str_eq(d.text, "cannot write page-0001.png: No space left "
	    "on device");
	jobmsg_deferred_release(&d);
	msg_release(&r);

	bad.err = EDQUOT;
	jobmsg_deferred_put(&m, &bad);
	ck_assert_int_eq(jobmsg_deferred_get(&m, &d), 0);
	jobmsg_deferred_release(&d);
	msg_release(&m);
	bad.err = EIO;		/* the delivery's fault, or a lie */
	jobmsg_deferred_put(&m, &bad);
	ck_assert_int_eq(jobmsg_deferred_get(&m, &d), JOBMSG_EPROTO);
	ck_assert_ptr_null(d.text);
	msg_release(&m);
	bad.err = 0;
	jobmsg_deferred_put(&m, &bad);
	ck_assert_int_eq(jobmsg_deferred_get(&m, &d), JOBMSG_EPROTO);
	msg_release(&m);

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed(&c, deferred_msg), COLLECT_DEFERRED);
	ck_assert_uint_eq(c.deferred.err, ENOSPC);
	ck_assert_ptr_null(c.refused);
	ck_assert_int_eq(feed(&c, deferred_msg), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_ocr_before_page)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_EPROTO);
	collect_release(&c);

	/* the text of a page not sent yet */
	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 2), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_ocr_of_earlier_page)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_page(&c, 2), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_EPROTO);
	ck_assert(!c.pages[0].read);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_ocr_twice)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_pages_in_turn)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 2), COLLECT_EPROTO);
	ck_assert_uint_eq(c.npages, 0);
	collect_release(&c);

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_fields_before_page)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_EPROTO);
	ck_assert_uint_eq(c.reading.nforms, 0);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_fields_before_ocr)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_fields_twice_or_late)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_EPROTO);
	collect_release(&c);

	/* the fields of a page before the last */
	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_ocr(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_page(&c, 2), COLLECT_MORE);
	ck_assert_int_eq(feed_fields(&c, 1), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_page_after_done)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_done(&c, 0, 0), COLLECT_DONE);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_EPROTO);
	ck_assert_uint_eq(c.npages, 0);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_two_dones)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_done(&c, 1, 0), COLLECT_DONE);
	ck_assert_int_eq(feed_done(&c, 1, 0), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

/* DONE counts what was sent: pages or attachments that never came, or
 * that it does not own to, are a lie. */
START_TEST(test_collect_done_counts)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	ck_assert_int_eq(feed_done(&c, 2, 0), COLLECT_EPROTO);
	collect_release(&c);

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_attachment(&c, "a", 1), COLLECT_MORE);
	ck_assert_int_eq(feed_done(&c, 0, 0), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

START_TEST(test_collect_hello_first_once)
{
	struct job_collect c;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed(&c, hello_msg), COLLECT_MORE);
	ck_assert_int_eq(feed(&c, hello_msg), COLLECT_EPROTO);
	collect_release(&c);

	collect_init(&c, NULL);
	ck_assert_int_eq(feed(&c, progress_msg), COLLECT_MORE);
	ck_assert_int_eq(feed(&c, hello_msg), COLLECT_EPROTO);
	collect_release(&c);
}
END_TEST

/* A job is not a result; nor is a control message. */
START_TEST(test_collect_not_a_result)
{
	struct job_collect c;
	struct msg m;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed(&c, unpack_msg), COLLECT_EPROTO);
	collect_release(&c);

	collect_init(&c, NULL);
	msg_init(&m, MSG_CTL_STATUS);
	msg_put_u32(&m, 0);
	ck_assert_int_eq(collect_feed(&c, &m), COLLECT_EPROTO);
	msg_release(&m);
	collect_release(&c);
}
END_TEST

/* A malformed message ends the collection: nothing is taken after it. */
START_TEST(test_collect_malformed_ends)
{
	struct job_collect c;
	struct msg m;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed_page(&c, 1), COLLECT_MORE);
	progress_msg(&m);
	m.len -= 1;
	ck_assert_int_eq(collect_feed(&c, &m), COLLECT_EPROTO);
	msg_release(&m);
	ck_assert_int_eq(feed_page(&c, 2), COLLECT_EPROTO);
	ck_assert_int_eq(feed_done(&c, 1, 0), COLLECT_EPROTO);
	ck_assert_uint_eq(c.npages, 1);
	collect_release(&c);
}
END_TEST

/* A later manifest replaces an earlier one. */
START_TEST(test_collect_manifest_replaced)
{
	struct jobmsg_manifest mf = { (char *)"second", NULL, NULL, NULL, 0 };
	struct job_collect c;
	struct msg m;

	collect_init(&c, NULL);
	ck_assert_int_eq(feed(&c, manifest_msg), COLLECT_MORE);
	jobmsg_manifest_put(&m, &mf);
	ck_assert_int_eq(collect_feed(&c, &m), COLLECT_MORE);
	msg_release(&m);
	ck_assert_str_eq(c.manifest.reference, "second");
	ck_assert_ptr_null(c.manifest.form_hint);
	collect_release(&c);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
jobmsg_suite(void)
{
	Suite *s = suite_create("jobmsg");
	TCase *tc;

	tc = tcase_create("every message type");
	tcase_add_loop_test(tc, test_sample_decodes, 0, NCODECS);
	tcase_add_loop_test(tc, test_truncated, 0, NCODECS);
	tcase_add_loop_test(tc, test_trailing, 0, NCODECS);
	tcase_add_loop_test(tc, test_other_type, 0, NCODECS);
	tcase_add_loop_test(tc, test_descriptors, 0, NCODECS);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trip and limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hello);
	tcase_add_test(tc, test_unpack);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_page);
	tcase_add_test(tc, test_ocr);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_signed);
	tcase_add_test(tc, test_reading_append);
	tcase_add_test(tc, test_attachment);
	tcase_add_test(tc, test_manifest);
	tcase_add_test(tc, test_done);
	tcase_add_test(tc, test_deferred);
	suite_add_tcase(s, tc);

	tc = tcase_create("collector");
	tcase_add_test(tc, test_collect_job);
	tcase_add_test(tc, test_collect_refused);
	tcase_add_test(tc, test_collect_ocr_before_page);
	tcase_add_test(tc, test_collect_ocr_of_earlier_page);
	tcase_add_test(tc, test_collect_ocr_twice);
	tcase_add_test(tc, test_collect_pages_in_turn);
	tcase_add_test(tc, test_collect_fields_before_page);
	tcase_add_test(tc, test_collect_fields_before_ocr);
	tcase_add_test(tc, test_collect_fields_twice_or_late);
	tcase_add_test(tc, test_collect_page_after_done);
	tcase_add_test(tc, test_collect_two_dones);
	tcase_add_test(tc, test_collect_done_counts);
	tcase_add_test(tc, test_collect_hello_first_once);
	tcase_add_test(tc, test_collect_not_a_result);
	tcase_add_test(tc, test_collect_malformed_ends);
	tcase_add_test(tc, test_collect_manifest_replaced);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(jobmsg_suite());
}
