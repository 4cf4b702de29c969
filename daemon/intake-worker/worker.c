/*
 * worker.c - intake-worker: runs the jobs intaked hands it, one at a
 * time, on descriptor 3 (a Unix socket to the daemon).
 *
 * Before the first job it gives up everything it does not need: root (to
 * the configured user), core dumps, address space and file size beyond
 * the limits, new privileges, and, where libseccomp exists, every system
 * call it does not make (sandbox-seccomp.c's allow-list).  The OCR models
 * and templates are read by name later, on first use, under the filter.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "extract.h"
#include "ocr.h"
#include "jobmsg.h"
#include "sha256.h"
#include "worker.h"

#define WORKER_SOCK	3
#define PNG_ZLIB_LEVEL	3	/* for black-and-white page images */

#if defined(__SANITIZE_ADDRESS__)
#define WORKER_LIMIT_AS	0	/* ASan reserves terabytes of address space */
#else
#define WORKER_LIMIT_AS	1
#endif

/* INTAKE_WORKER_FAULT="MODE:TEXT", for the test suite: crash, hang and
 * burn act as a decoder gone wrong would, socket, exec, link and spool
 * try what a hijacked one would, full makes the output folder's disk
 * full. */
enum fault { FAULT_NONE, FAULT_CRASH, FAULT_HANG, FAULT_BURN, FAULT_SOCKET,
	FAULT_EXEC, FAULT_LINK, FAULT_FULL, FAULT_SPOOL };
static const struct {
	const char	*prefix;
	enum fault	 mode;
} fault_modes[] = {
	{ "crash:", FAULT_CRASH }, { "hang:", FAULT_HANG },
	{ "burn:", FAULT_BURN }, { "socket:", FAULT_SOCKET },
	{ "exec:", FAULT_EXEC }, { "link:", FAULT_LINK }, { "full:", FAULT_FULL },
	{ "spool:", FAULT_SPOOL },
};
static enum fault fault_mode;
static const char *fault_match;
/* full: the output folder's disk is full for the rest of this job. */
static bool fault_full;

static void
send_or_die(int sock, struct msg *m)
{
	if (msg_send(sock, m) != 0)
		_exit(1);	/* the daemon is gone */
	msg_release(m);
}

/* Formats a line of text for a message (cut at the protocol's limit) in
 * a function taking fmt and its arguments. */
#define FORMAT_LINE(text, fmt) do {					\
	va_list ap_;							\
									\
	va_start(ap_, fmt);						\
	vsnprintf(text, sizeof(text), fmt, ap_);			\
	va_end(ap_);							\
} while (0)

static void
send_text(struct job *j, uint16_t type, const char *text)
{
	struct msg m;

	jobmsg_text_put(&m, type, text);
	send_or_die(j->sock, &m);
}

void
job_progress(struct job *j, const char *fmt, ...)
{
	char text[JOBMSG_MAX_TEXT];

	FORMAT_LINE(text, fmt);
	send_text(j, MSG_PROGRESS, text);
}

void
job_warn(struct job *j, const char *fmt, ...)
{
	char text[JOBMSG_MAX_TEXT];

	FORMAT_LINE(text, fmt);
	send_text(j, MSG_WARNING, text);
}

int
job_refuse(struct job *j, const char *fmt, ...)
{
	char text[JOBMSG_MAX_TEXT];

	if (j->refused == NULL) {
		FORMAT_LINE(text, fmt);
		j->refused = xstrdup(text);
	}
	return INTAKE_EINVAL;
}

/* The output file name could not be written (err, a -errno): the delivery
 * is refused, unless the output folder's disk is full (ENOSPC, EDQUOT),
 * which is no fault of the delivery: then the job is deferred, to be
 * tried again when there is space.  Returns INTAKE_EINVAL, as job_refuse. */
static int
job_write_failed(struct job *j, const char *name, int err)
{
	bool first = j->refused == NULL;

	if (first && (err == -ENOSPC || err == -EDQUOT))
		j->deferred = -err;
	return job_refuse(j, "cannot write %s: %s", name, strerror(-err));
}

/* The CPU time this process has used, in milliseconds. */
static int64_t
cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

/* Writes a whole buffer as a new file in the output folder. */
static int
write_out(struct job *j, const char *name, const void *data, size_t len)
{
	size_t off = 0;
	int fd, rc = 0;

	if (fault_full)
		return -ENOSPC;
	fd = openat(j->outfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (fd == -1)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	return rc;
}

/* Escapes a hijacked decoder would try, for the fault point: each
 * returns 0 when the call went through (and undoes it), or -errno. */
static int
try_socket(int domain)
{
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -errno;
	close(fd);
	return 0;
}

static int
try_fork(void)
{
	pid_t pid = fork();

	if (pid == -1)
		return -errno;
	if (pid == 0)
		_exit(0);
	return 0;
}

static int
try_exec(void)
{
	/* Went through: the worker becomes a shell that exits at once, and
	 * the daemon sees its worker end in the middle of a job. */
	execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
	return -errno;
}

static int
try_symlink(struct job *j)
{
	if (symlinkat("/etc/passwd", j->outfd, "fault-symlink") == -1)
		return -errno;
	unlinkat(j->outfd, "fault-symlink", 0);
	return 0;
}

static int
try_link(struct job *j)
{
	int rc;

	if ((rc = write_out(j, "fault-file", "x", 1)) != 0)
		return rc;
	rc = linkat(j->outfd, "fault-file", j->outfd, "fault-link", 0) == -1 ?
	    -errno : 0;
	unlinkat(j->outfd, "fault-link", 0);
	unlinkat(j->outfd, "fault-file", 0);
	return rc;
}

/* The delivery's spool copy, which the output folder holds beside what
 * the worker writes: removed, and opened for writing. */
static int
try_unlink_delivery(struct job *j, const char *name)
{
	return unlinkat(j->outfd, name, 0) == -1 ? -errno : 0;
}

static int
try_write_delivery(struct job *j, const char *name)
{
	int fd = openat(j->outfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd == -1)
		return -errno;
	close(fd);
	return 0;
}

/* Tries the escapes of the fault mode on the file name: the delivery is
 * refused with the sandbox's answer to each, and a call that went through
 * is reported as a warning. */
static void
fault_escape(struct job *j, const char *name)
{
	char text[JOBMSG_MAX_TEXT];
	const char *what[2];
	int rc[2];
	size_t i, n = 0, k;
	bool refused = false;

	switch (fault_mode) {
	case FAULT_SOCKET:	/* a network socket, or any new one */
		what[n] = "socket(AF_INET)";
		rc[n++] = try_socket(AF_INET);
		what[n] = "socket(AF_UNIX)";
		rc[n++] = try_socket(AF_UNIX);
		break;
	case FAULT_EXEC:	/* a new process, another program */
		what[n] = "fork";
		rc[n++] = try_fork();
		what[n] = "execve";
		rc[n++] = try_exec();
		break;
	case FAULT_LINK:	/* links in the output folder */
		what[n] = "symlinkat";
		rc[n++] = try_symlink(j);
		what[n] = "linkat";
		rc[n++] = try_link(j);
		break;
	case FAULT_SPOOL:	/* the delivery beside its output */
		what[n] = "unlinkat";
		rc[n++] = try_unlink_delivery(j, name);
		what[n] = "open for writing";
		rc[n++] = try_write_delivery(j, name);
		break;
	default:
		return;
	}
	k = (size_t)snprintf(text, sizeof(text), "%s: refused by the sandbox:",
	    name);
	for (i = 0; i < n; i++) {
		if (rc[i] == 0) {
			job_warn(j, "%s: the sandbox let %s through", name,
			    what[i]);
			continue;
		}
		if (k < sizeof(text))
			k += (size_t)snprintf(text + k, sizeof(text) - k,
			    "%s %s: %s", refused ? ";" : "", what[i],
			    strerror(-rc[i]));
		refused = true;
	}
	if (refused)
		job_refuse(j, "%s", text);
}

void
job_fault_point(struct job *j, const char *name)
{
	if (fault_mode == FAULT_NONE || *fault_match == '\0' ||
	    strstr(name, fault_match) == NULL)
		return;
	if (fault_mode == FAULT_CRASH) {
		/* Die as a decoder's bad pointer would, also under ASan. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	if (fault_mode == FAULT_FULL) {
		fault_full = true;
		return;
	}
	if (fault_mode == FAULT_BURN) {
		/* Spend a second of CPU, as a page hard to read does, and go on. */
		int64_t until = cpu_ms() + 1000;

		while (cpu_ms() < until)
			;
		return;
	}
	if (fault_mode != FAULT_HANG) {
		fault_escape(j, name);
		return;
	}
	for (;;)
		pause();
}

/* Pages are stored as PNG in grey or black and white: what OCR reads and
 * a reviewer needs, at a fraction of a colour scan's size. */
static PIX *
normalise(PIX *pix)
{
	PIX *p = NULL;

	if (pixGetColormap(pix) != NULL)
		p = pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE);
	else if (pixGetDepth(pix) == 32)
		p = pixConvertRGBToLuminance(pix);
	else if (pixGetDepth(pix) != 1 && pixGetDepth(pix) != 8)
		p = pixConvertTo8(pix, 0);
	return p ? p : pixClone(pix);
}

/* Sends a page's text and words (in the corrected page's pixels), as
 * the protocol's page_row with the result's strings borrowed. */
static void
send_ocr(struct job *j, uint32_t seq, const struct ocr_result *r)
{
	struct page_row p;
	struct msg m;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.seq = seq;
	p.rotation = r->rotation;
	p.skew = r->skew;
	p.confidence = r->confidence < 0 ? 0 : r->confidence;
	p.text = r->text;
	p.words = xcalloc(r->nwords, sizeof(*p.words));
	p.nwords = r->nwords;
	for (i = 0; i < r->nwords; i++) {
		const struct ocr_word *w = &r->words[i];
		struct word_row *o = &p.words[i];

		o->text = w->text;
		o->x = w->x;
		o->y = w->y;
		o->w = w->w;
		o->h = w->h;
		o->conf = w->conf;
		o->block = w->block;
		o->line = w->line;
	}
	jobmsg_ocr_put(&m, &p);
	free(p.words);
	send_or_die(j->sock, &m);
}

struct reread_ctx {
	struct ocr	*ocr;
	PIX		*page;
	int		 ppi;
};

static int
reread(void *arg, const int box[4], int at_ppi, struct ocr_read *out)
{
	struct reread_ctx *c = arg;

	if (c->ocr == NULL)
		return INTAKE_ERR;
	return ocr_field(c->ocr, c->page, c->ppi, box, at_ppi, out);
}

/* The template page a read page is: the form a person named (j->form),
 * or the one it looks like; false when there is none. */
static bool
page_form(const struct job *j, uint32_t seq, const struct ocr_result *r,
    struct page_match *pm)
{
	size_t t;

	if (j->form == NULL || *j->form == '\0')
		return j->ntpls > 0 && extract_classify(j->tpls, j->ntpls, r,
		    pm);
	for (t = 0; t < j->ntpls; t++)
		if (strcmp(j->tpls[t]->id, j->form) == 0)
			return extract_classify_as(j->tpls[t], r, seq, pm);
	return false;
}

/* Recognises the form of a page read by o (page, and bw in black and
 * white) and sends its fields; a field's box is read again by o too. */
static void
send_fields(struct job *j, struct ocr *o, uint32_t seq, PIX *page, PIX *bw,
    const struct ocr_result *r)
{
	struct page_match pm;
	struct extract_field *v = NULL;
	struct form_reading one;
	struct form_page fp;
	struct page_fit fit;
	struct msg m;
	size_t n = 0, i;
	struct reread_ctx rc = { o, page, pixGetXRes(page) };

	if (!page_form(j, seq, r, &pm))
		return;
	if (extract_fields(&pm, bw, pixGetXRes(page), r, reread, &rc, &v,
	    &n, &fit) != 0)
		return;
	/* The protocol's reading of one page, its strings borrowed. */
	fp.page = seq;
	fp.form = pm.t->id;
	fp.form_page = (uint32_t)pm.p->n;
	fp.score = pm.score;
	fp.anchors_found = (uint32_t)fit.found;
	fp.anchors_total = (uint32_t)fit.total;
	fp.anchors_mask = fit.found_mask;
	fp.residual_mm = fit.residual_mm;
	fp.residual_max_mm = fit.residual_max_mm;
	fp.aligned = fit.aligned;
	one.forms = &fp;
	one.nforms = 1;
	one.fields = xcalloc(n, sizeof(*one.fields));
	one.nfields = n;
	for (i = 0; i < n; i++) {
		struct read_field *f = &one.fields[i];

		f->page = seq;
		f->name = v[i].f->name;
		f->type = (char *)field_type_name(v[i].f->type);
		f->value = v[i].r.check == FIELD_OK ? v[i].r.value : (char *)"";
		f->raw = v[i].raw;
		f->why = v[i].r.why;
		f->status = (char *)v[i].status;
		f->confidence = v[i].confidence;
		f->x = v[i].x < 0 ? 0 : v[i].x;
		f->y = v[i].y < 0 ? 0 : v[i].y;
		f->w = v[i].w;
		f->h = v[i].h;
	}
	jobmsg_fields_put(&m, &one);
	free(one.fields);
	send_or_die(j->sock, &m);
	extract_fields_free(v, n);
}

/* Engines by language set, loaded on first use and kept for every later
 * job: the model is read once per worker, not per page. */
static struct ocr *engines[4];
static char *unusable;		/* the last form language set that did
				   not load, not tried again */

/* The engine of lang, loaded when it is not yet (the job's own engine
 * is never the one put away for it); NULL after a warning ending in then
 * when its models are missing. */
static struct ocr *
engine(struct job *j, const char *lang, const char *then)
{
	const size_t max = sizeof(engines) / sizeof(engines[0]);
	char err[256];
	size_t i;

	for (i = 0; i < max && engines[i] != NULL; i++)
		if (strcmp(ocr_lang(engines[i]), lang) == 0)
			return engines[i];
	if (i == max) {
		i = engines[max - 1] != j->ocr ? max - 1 : max - 2;
		ocr_close(engines[i]);
		engines[i] = NULL;
	}
	job_progress(j, "loading the OCR model %s", lang);
	if ((engines[i] = ocr_open(lang, err, sizeof(err))) == NULL)
		job_warn(j, "%s; %s", err, then);
	return engines[i];
}

/* Reads a page when the job asks for OCR: *p becomes the upright,
 * deskewed page and *bw the same in black and white (the caller's); the
 * result goes to the daemon after the page itself. */
static bool
read_page(struct job *j, PIX **p, PIX **bw, struct ocr_result *res,
    const char *where)
{
	PIX *fixed = NULL;
	int rc;

	if (j->ocr == NULL)
		return false;
	job_progress(j, "reading %s", where);
	rc = ocr_page(j->ocr, *p, pixGetXRes(*p), &fixed, bw, res);
	if (fixed != NULL) {
		pixDestroy(p);
		*p = fixed;
	}
	if (rc != 0) {
		pixDestroy(bw);
		job_warn(j, "%s: OCR failed; the page is kept for a person to "
		    "read", where);
		ocr_result_release(res);
		return false;
	}
	return true;
}


/* A page of a form whose template names OCR languages the page was not
 * read in is read again in them: a form's fields are written in its own
 * language.  *p, *bw, *res and *by (the engine that read the page) then
 * become the new reading's, when it still shows the same form; else the
 * first reading stays. */
static void
read_in_form_lang(struct job *j, uint32_t seq, PIX **p, PIX **bw,
    struct ocr_result *res, struct ocr **by, const char *where)
{
	struct page_match pm, again_pm;
	struct ocr_result again;
	struct ocr *o;
	PIX *fixed = NULL, *again_bw = NULL;
	const char *lang;

	if (!page_form(j, seq, res, &pm) ||
	    langs_cover(ocr_lang(j->ocr), pm.t->lang))
		return;
	lang = pm.t->lang;
	if (unusable != NULL && strcmp(unusable, lang) == 0)
		return;
	if ((o = engine(j, lang, "the form is read in the inbox's "
	    "languages")) == NULL) {
		free(unusable);
		unusable = xstrdup(lang);
		return;
	}
	job_progress(j, "reading %s again in %s, the languages of its form",
	    where, lang);
	if (ocr_page(o, *p, pixGetXRes(*p), &fixed, &again_bw, &again) != 0) {
		pixDestroy(&fixed);
		pixDestroy(&again_bw);
		return;
	}
	if (!page_form(j, seq, &again, &again_pm) || again_pm.t != pm.t) {
		pixDestroy(&fixed);
		pixDestroy(&again_bw);
		ocr_result_release(&again);
		return;
	}
	/* The corrections add up: the second read started upright. */
	again.rotation = (again.rotation + res->rotation) % 360;
	again.skew += res->skew;
	ocr_result_release(res);
	*res = again;
	if (fixed != NULL) {
		pixDestroy(p);
		*p = fixed;
	}
	pixDestroy(bw);
	*bw = again_bw;
	*by = o;
}

int
job_page(struct job *j, PIX *pix, const char *source, const char *member,
    uint32_t page_no)
{
	char name[JOBMSG_MAX_STORED], hex[SHA256_HEX_LEN + 1], *where;
	unsigned char dig[SHA256_DIGEST_LEN];
	struct ocr_result res;
	struct sha256 ctx;
	struct page_row pr;
	l_uint8 *png = NULL;
	size_t len = 0;
	struct msg m;
	struct ocr *by = j->ocr;
	PIX *p, *bw = NULL;
	double cpu0[2], cpu1[2];
	bool read, grey;
	int rc;

	if (j->pages >= j->lim.max_pages)
		return job_refuse(j, "more than %u pages", j->lim.max_pages);
	ocr_cost(&cpu0[0], &cpu0[1]);
	p = normalise(pix);
	where = xasprintf("%s%s%s page %u", source, member ? ":" : "",
	    member ? member : "", page_no);
	read = p != NULL && read_page(j, &p, &bw, &res, where);
	if (read)
		read_in_form_lang(j, j->pages + 1, &p, &bw, &res, &by, where);
	free(where);
	/* Black and white pages as PNG, grey ones as JPEG: a fraction of
	 * the time and size of a grey PNG, and what a reviewer needs.  The
	 * PNG is packed lightly: zlib's default takes four times as long
	 * for a fifth less. */
	grey = p != NULL && pixGetDepth(p) == 8;
	if (p != NULL && !grey)
		pixSetZlibCompression(p, PNG_ZLIB_LEVEL);
	rc = p && (grey ? pixWriteMemJpeg(&png, &len, p, 85, 0) :
	    pixWriteMemPng(&png, &len, p, 0.0)) == 0 ? 0 : INTAKE_ERR;
	if (rc != 0) {
		pixDestroy(&p);
		pixDestroy(&bw);
		if (read)
			ocr_result_release(&res);
		job_warn(j, "%s%s%s page %u: cannot be stored", source,
		    member ? ":" : "", member ? member : "", page_no);
		return rc;
	}
	snprintf(name, sizeof(name), JOBMSG_PAGE_PREFIX "%04u.%s", j->pages + 1,
	    grey ? "jpg" : "png");
	if ((rc = write_out(j, name, png, len)) != 0) {
		free(png);
		pixDestroy(&p);
		pixDestroy(&bw);
		if (read)
			ocr_result_release(&res);
		return job_write_failed(j, name, rc);
	}
	sha256_init(&ctx);
	sha256_update(&ctx, png, len);
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
	j->pages++;
	/* The page as the protocol describes it, its strings borrowed. */
	memset(&pr, 0, sizeof(pr));
	pr.seq = j->pages;
	pr.source = (char *)source;
	pr.member = (char *)member;
	pr.page_no = page_no;
	pr.width = (uint32_t)pixGetWidth(p);
	pr.height = (uint32_t)pixGetHeight(p);
	pr.depth = (uint32_t)pixGetDepth(p);
	pr.xres = (uint32_t)(pixGetXRes(p) > 0 ? pixGetXRes(p) : 0);
	pr.yres = (uint32_t)(pixGetYRes(p) > 0 ? pixGetYRes(p) : 0);
	pr.sha256 = hex;
	pr.path = name;
	pr.bytes = (int64_t)len;
	jobmsg_page_put(&m, &pr);
	send_or_die(j->sock, &m);
	if (read) {
		send_ocr(j, j->pages, &res);
		send_fields(j, by, j->pages, p, bw, &res);
		ocr_result_release(&res);
		ocr_cost(&cpu1[0], &cpu1[1]);
		if (getenv("INTAKE_WORKER_COST") != NULL)
			fprintf(stderr, "intake-worker: page %u: OCR %.3f s, "
			    "second reads %.3f s of CPU\n", j->pages,
			    cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]);
	}
	free(png);
	pixDestroy(&p);
	pixDestroy(&bw);
	return 0;
}

int
job_attachment(struct job *j, const char *name, const void *data, size_t len)
{
	const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	char stored[JOBMSG_MAX_STORED], hex[SHA256_HEX_LEN + 1];
	unsigned char dig[SHA256_DIGEST_LEN];
	struct jobmsg_attachment a;
	struct sha256 ctx;
	struct msg m;
	size_t i, k;
	int rc;

	/* The stored name is ours: a number and a tame version of the
	 * sender's name, never a path. */
	k = (size_t)snprintf(stored, sizeof(stored), JOBMSG_ATTACHMENT_PREFIX
	    "%03u-",
	    ++j->attachments);
	for (i = 0; b[i] && k < sizeof(stored) - 1; i++, k++) {
		char c = b[i];
		stored[k] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_';
	}
	stored[k] = '\0';
	if ((rc = write_out(j, stored, data, len)) != 0)
		return job_write_failed(j, stored, rc);
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
	a.name = (char *)name;		/* borrowed, as the others */
	a.stored = stored;
	a.sha256 = hex;
	a.size = len;
	jobmsg_attachment_put(&m, &a);
	send_or_die(j->sock, &m);
	return 0;
}

void
job_manifest(struct job *j, const char *reference, const char *channel,
    const char *sender, const char *form_hint, uint32_t pages)
{
	/* the strings are borrowed */
	struct jobmsg_manifest mf = { (char *)reference, (char *)channel,
	    (char *)sender, (char *)form_hint, pages };
	struct msg m;

	jobmsg_manifest_put(&m, &mf);
	send_or_die(j->sock, &m);
}

/* The templates of the last folders asked for, kept while they are asked
 * for. */
static char *tpl_dirs;
static struct template **tpls;
static size_t ntpls;

/* Loads the templates of dirs (folders one a line, searched in order)
 * unless they are the last ones loaded. */
static void
templates_for(struct job *j, const char *dirs)
{
	char *copy, *s, **v = NULL;
	size_t n = 0;

	if (tpl_dirs == NULL || strcmp(tpl_dirs, dirs) != 0) {
		templates_free(tpls, ntpls);
		tpls = NULL;
		ntpls = 0;
		free(tpl_dirs);
		tpl_dirs = xstrdup(dirs);
		copy = xstrdup(dirs);
		for (s = copy; s != NULL; ) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = s;
			if ((s = strchr(s, '\n')) != NULL)
				*s++ = '\0';
		}
		job_progress(j, "loading the templates of %zu folder%s", n,
		    n == 1 ? "" : "s");
		if (templates_load_path((const char *const *)v, n, &tpls,
		    &ntpls, NULL, NULL) != 0)
			job_warn(j, "some templates could not be read: run "
			    "intakectl lint on the configuration");
		free(v);
		free(copy);
	}
	j->tpls = tpls;
	j->ntpls = ntpls;
}

/* The CPU limit as this process last set it (rlim_max 0: not read yet). */
static struct rlimit cpu_limit;

/* Runs one MSG_UNPACK job: the delivery and the output folder come as
 * descriptors. */
static void
run_job(int sock, struct msg *in)
{
	struct jobmsg_job job;
	struct jobmsg_done done;
	struct job j;
	struct msg out;
	struct rlimit rl;
	char base[64];

	if (jobmsg_unpack_get(in, &job) != 0)
		_exit(2);	/* a malformed job: end this worker */
	fault_full = false;
	memset(&j, 0, sizeof(j));
	j.sock = sock;
	j.lim = job.lim;
	j.form = job.form;
	j.outfd = job.out;
	if (job.lang != NULL && *job.lang != '\0')
		j.ocr = engine(&j, job.lang, "the pages are kept unread");
	if (job.templates != NULL && *job.templates != '\0')
		templates_for(&j, job.templates);
	/* Tesseract writes the PDF by name: reach the output folder we were
	 * given through our own descriptor. */
	snprintf(base, sizeof(base), "/proc/self/fd/%d/searchable", j.outfd);
	if (j.ocr != NULL && job.pdf)
		j.pdf = ocr_pdf_begin(j.ocr, base, job.name) == 0;
	/* CPU time counts for the whole process, every job it ran: allow
	 * this job its own share from what is used now.  Only the soft limit
	 * (SIGXCPU) moves: a hard limit, once lowered, could never be raised
	 * again for the next job, so every page the worker ever read would
	 * count against it.  The daemon's wall-clock limit bounds a job too. */
	if (cpu_limit.rlim_max != 0 || getrlimit(RLIMIT_CPU, &cpu_limit) == 0) {
		rlim_t want = (rlim_t)(cpu_ms() / 1000) + job.cpu_s + 1;

		rl = cpu_limit;
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    want < rl.rlim_max ? want : rl.rlim_max;
		/* Set again only when it moves: small jobs do not. */
		if (rl.rlim_cur != cpu_limit.rlim_cur &&
		    setrlimit(RLIMIT_CPU, &rl) == 0)
			cpu_limit = rl;
	}
	unpack_fd(&j, job.in, job.name, job.folder);
	if (j.pdf && (ocr_pdf_end(j.ocr) != 0 || j.pages == 0)) {
		if (j.pages > 0)
			job_warn(&j, "the searchable PDF could not be written");
		unlinkat(j.outfd, JOBMSG_PDF_NAME, 0);
		j.pdf = false;
	}
	if (j.deferred != 0) {
		struct jobmsg_deferred df = { (uint32_t)j.deferred, j.refused };

		jobmsg_deferred_put(&out, &df);
	} else if (j.refused != NULL)
		jobmsg_text_put(&out, MSG_REFUSED, j.refused);
	else {
		done.pages = j.pages;
		done.attachments = j.attachments;
		done.pdf = j.pdf ? (char *)JOBMSG_PDF_NAME : NULL;
		jobmsg_done_put(&out, &done);
	}
	send_or_die(sock, &out);
	free(j.refused);
	close(job.in);
	close(job.out);
	jobmsg_job_release(&job);	/* j.form with it */
}

/* Gives up root for the named user; 0 or an error already printed. */
static int
drop_root(const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user ? user : "nobody")) == NULL) {
		fprintf(stderr, "intake-worker: user \"%s\" does not exist\n",
		    user ? user : "nobody");
		return INTAKE_ERR;
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || setuid(0) != -1) {
		fprintf(stderr, "intake-worker: cannot become \"%s\": %s\n",
		    pw->pw_name, strerror(errno));
		return INTAKE_ERR;
	}
	return 0;
}

static void
limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };

	setrlimit(resource, &rl);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "memory", required_argument, NULL, 'm' },
		{ "check-lang", required_argument, NULL, 'l' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *user = NULL, *check = NULL, *warm = NULL;
	unsigned long long mem = 2048;
	struct msg m;
	struct stat st;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'm': mem = strtoull(optarg, NULL, 10); break;
		case 'l': check = optarg; break;
		case 'L': warm = optarg; break;
		case 'h':
			printf("usage: intake-worker [--user NAME] [--memory MB] "
			    "[--lang LANGS] (started by intaked)\n"
			    "       intake-worker --check-lang LANGS\n\n"
			    "Reads delivered bytes for intake in a sandbox: "
			    "unpacks, decodes pages,\nreads them with OCR and "
			    "the form templates, and answers on descriptor 3.\n"
			    "intaked and intakectl start it; see "
			    "intake-worker(8).\n");
			return 0;
		default:
			fprintf(stderr, "usage: intake-worker [--user NAME] "
			    "[--memory MB] [--lang LANGS] (started by intaked)\n"
			    "       intake-worker --check-lang LANGS\n");
			return 2;
		}
	}
	if (check != NULL) {
		/* Can the OCR models of LANG be loaded?  (intaked asks this
		 * before it starts, for every language it is configured with.) */
		char err[256];
		struct ocr *o = ocr_open(check, err, sizeof(err));

		if (o == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		ocr_close(o);
		return 0;
	}
	if (fstat(WORKER_SOCK, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "intake-worker: run by intaked, not by hand\n");
		return 2;
	}
	log_init("intake-worker", true, LOG_LEVEL_ERR);
	if ((fault_match = getenv("INTAKE_WORKER_FAULT")) != NULL) {
		for (size_t i = 0; i < sizeof(fault_modes) /
		    sizeof(fault_modes[0]); i++) {
			size_t len = strlen(fault_modes[i].prefix);

			if (strncmp(fault_match, fault_modes[i].prefix,
			    len) == 0) {
				fault_mode = fault_modes[i].mode;
				fault_match += len;
				break;
			}
		}
	}
	setMsgSeverity(L_SEVERITY_NONE);
	if (drop_root(user) != 0)
		return 1;
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_NOFILE, 64);
	limit(RLIMIT_FSIZE, (rlim_t)512 << 20);
	if (WORKER_LIMIT_AS)
		limit(RLIMIT_AS, (rlim_t)mem << 20);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 || sandbox_filter() != 0) {
		fprintf(stderr, "intake-worker: cannot enter the sandbox: %s\n",
		    strerror(errno));
		return 1;
	}
	/* Load the usual model now, so the first page waits for nothing. */
	if (warm != NULL) {
		char err[256];

		if ((engines[0] = ocr_open(warm, err, sizeof(err))) == NULL)
			fprintf(stderr, "intake-worker: %s\n", err);
	}
	jobmsg_hello_put(&m, (uint32_t)getpid(), sandbox_name());
	send_or_die(WORKER_SOCK, &m);
	for (;;) {
		rc = msg_recv(WORKER_SOCK, &m);
		if (rc != 0 || m.type != MSG_UNPACK)
			break;
		run_job(WORKER_SOCK, &m);
		msg_release(&m);
	}
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		ocr_close(engines[i]);
	/* Ended without the libraries' at-exit handlers, which have nothing
	 * to do in the sandbox (LeakSanitizer's, in a sanitizer build, cannot
	 * trace a process that is not dumpable and would only print a fatal
	 * error on the terminal of whoever ran the job). */
	fflush(NULL);
	_exit(rc == -EPIPE ? 0 : 2);	/* EPIPE: the daemon closed, done */
}
