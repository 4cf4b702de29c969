/*
 * ctl-ocr.c - intakectl ocr: the daemon's unpacking and OCR on one file,
 * without a daemon or a database, for admins debugging a template.  The
 * file is parsed by an intake-worker exactly as in the daemon.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "jobmsg.h"
#include "pool.h"

enum ocr_format { FMT_TEXT, FMT_JSON, FMT_TSV, FMT_HOCR };

#define OCR_USAGE \
	"usage: intakectl ocr [--lang L] [--json | --tsv | --hocr] FILE\n"

struct ocr_run {
	const char	*file;
	enum ocr_format	 fmt;
	struct page_row	*pages;
	size_t		 npages;
	char		*refused;
	int		 warnings;
};

static void
print_json(const struct ocr_run *r, const struct page_row *p)
{
	bool first = true;
	char *src;
	size_t i;

	src = xasprintf("%s%s%s", p->source, p->member ? ":" : "",
	    p->member ? p->member : "");
	putchar('{');
	json_key_str(stdout, &first, "file", r->file);
	json_key_int(stdout, &first, "page", p->seq);
	json_key_str(stdout, &first, "source", src);
	json_key_int(stdout, &first, "width", p->width);
	json_key_int(stdout, &first, "height", p->height);
	json_key_int(stdout, &first, "rotation", p->rotation);
	printf(",\"skew\":%.2f", p->skew);
	json_key_int(stdout, &first, "confidence", p->confidence);
	json_key_str(stdout, &first, "text", p->text ? p->text : "");
	fputs(",\"words\":[", stdout);
	for (i = 0; i < p->nwords; i++) {
		const struct word_row *w = &p->words[i];

		printf("%s{\"text\":", i ? "," : "");
		json_str(stdout, w->text);
		printf(",\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"conf\":%.2f,"
		    "\"block\":%d,\"line\":%d}", w->x, w->y, w->w, w->h,
		    w->conf, w->block, w->line);
	}
	puts("]}");
	free(src);
}

/* Tesseract's own TSV columns, so existing tools read it. */
static void
print_tsv(const struct page_row *p, bool header)
{
	size_t i;
	int word = 0, line = -1;

	if (header)
		puts("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\t"
		    "left\ttop\twidth\theight\tconf\ttext");
	for (i = 0; i < p->nwords; i++) {
		const struct word_row *w = &p->words[i];

		word = w->line == line ? word + 1 : 1;
		line = w->line;
		printf("5\t%u\t%d\t1\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%s\n",
		    p->seq, w->block, w->line, word, w->x, w->y, w->w, w->h,
		    w->conf, w->text);
	}
}

static void
html_text(const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
}

static void
print_hocr(const struct ocr_run *r)
{
	size_t i, k;

	puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>");
	html_text(r->file);
	puts("</title><meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=utf-8\"/><meta name=\"ocr-system\" content=\"intake\"/>"
	    "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_line "
	    "ocrx_word\"/></head><body>");
	for (i = 0; i < r->npages; i++) {
		const struct page_row *p = &r->pages[i];
		int line = -1;

		printf("<div class=\"ocr_page\" id=\"page_%u\" title=\"bbox 0 0 "
		    "%u %u; ppageno %u\">\n", p->seq, p->width, p->height,
		    p->seq - 1);
		for (k = 0; k < p->nwords; k++) {
			const struct word_row *w = &p->words[k];

			if (w->line != line) {
				if (line != -1)
					puts("</span>");
				printf("<span class=\"ocr_line\" id=\"line_%u_%d\">",
				    p->seq, w->line);
				line = w->line;
			}
			printf("<span class=\"ocrx_word\" id=\"word_%u_%zu\" "
			    "title=\"bbox %d %d %d %d; x_wconf %.0f\">", p->seq,
			    k + 1, w->x, w->y, w->x + w->w, w->y + w->h, w->conf);
			html_text(w->text);
			fputs("</span> ", stdout);
		}
		if (line != -1)
			puts("</span>");
		puts("</div>");
	}
	puts("</body></html>");
}

/* Reads the worker's answers until the job is done or refused. */
static int
collect(struct pool *pool, struct worker *w, const char *dir,
    struct ocr_run *r)
{
	struct msg m;
	int rc;

	for (;;) {
		if ((rc = msg_recv(w->sock, &m)) != 0) {
			char *how = pool_stop(pool, w, true);
			fprintf(stderr, "intakectl: the worker %s while reading "
			    "\"%s\"\n", how, r->file);
			free(how);
			return 1;
		}
		switch (m.type) {
		case MSG_HELLO:
		case MSG_PROGRESS:
		case MSG_ATTACHMENT:
		case MSG_MANIFEST:
			break;
		case MSG_WARNING: {
			char *s = msg_get_str(&m);
			fprintf(stderr, "intakectl: %s\n", s ? s : "?");
			free(s);
			r->warnings++;
			break;
		}
		case MSG_PAGE:
			r->pages = xreallocarray(r->pages, r->npages + 1,
			    sizeof(*r->pages));
			if (!jobmsg_page(&m, dir, (uint32_t)r->npages + 1,
			    &r->pages[r->npages]))
				goto bad;
			r->npages++;
			break;
		case MSG_OCR:
			if (r->npages == 0 ||
			    !jobmsg_ocr(&m, &r->pages[r->npages - 1]))
				goto bad;
			break;
		case MSG_REFUSED:
			r->refused = msg_get_str(&m);
			msg_release(&m);
			return 0;
		case MSG_DONE:
			msg_release(&m);
			return 0;
		default:
			goto bad;
		}
		msg_release(&m);
	}
bad:
	msg_release(&m);
	fprintf(stderr, "intakectl: the worker sent a malformed message\n");
	return 1;
}

int
cmd_ocr(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "tsv", no_argument, NULL, 't' },
		{ "hocr", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ocr_run r;
	struct pool pool;
	struct msg m;
	struct stat st;
	char tmpl[] = "/tmp/intakectl-ocr.XXXXXX", *dir = NULL;
	const char *lang = NULL;
	int ch, infd = -1, outfd = -1, rc = 1;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.fmt = c->json ? FMT_JSON : FMT_TEXT;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': lang = optarg; break;
		case 'j': r.fmt = FMT_JSON; break;
		case 't': r.fmt = FMT_TSV; break;
		case 'H': r.fmt = FMT_HOCR; break;
		case 'h':
			printf(OCR_USAGE "\nRuns intake's unpacking and OCR on "
			    "FILE (an image, a PDF, an archive) in a\nworker, "
			    "as the daemon would, and prints each page's text, "
			    "or its words with\nboxes and confidences (--json, "
			    "--tsv as Tesseract's, --hocr).  No daemon\nand no "
			    "database are needed.  --lang overrides the "
			    "configured languages.\n");
			return 0;
		default:
			fputs(OCR_USAGE, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(OCR_USAGE, stderr);
		return 2;
	}
	r.file = argv[optind];
	if (lang != NULL) {
		free(c->config.lang);
		c->config.lang = xstrdup(lang);
	}
	if ((infd = open(r.file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(infd, &st) == -1) {
		fprintf(stderr, "intakectl: \"%s\": %s\n", r.file, strerror(errno));
		if (infd != -1)
			close(infd);
		return 1;
	}
	c->config.workers = 1;
	memset(&pool, 0, sizeof(pool));
	if (pool_init(&pool, &c->config) != 0 || (dir = mkdtemp(tmpl)) == NULL ||
	    (outfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    pool_give(&pool, outfd) != 0 || pool_start(&pool, &pool.w[0]) != 0)
		goto out;
	{
		const char *base = strrchr(r.file, '/') ? strrchr(r.file, '/') + 1 :
		    r.file;
		jobmsg_unpack(&m, &c->config, 0, base, S_ISDIR(st.st_mode),
		    strcmp(c->config.lang, "none") == 0 ? "" : c->config.lang,
		    false);
	}
	m.fds[0] = infd;
	m.fds[1] = outfd;
	m.nfds = 2;
	if (msg_send(pool.w[0].sock, &m) != 0) {
		msg_release(&m);
		fprintf(stderr, "intakectl: cannot reach the worker\n");
		goto out;
	}
	msg_release(&m);
	if (collect(&pool, &pool.w[0], dir, &r) != 0)
		goto out;
	if (r.refused != NULL) {
		fprintf(stderr, "intakectl: \"%s\" refused: %s\n", r.file, r.refused);
		goto out;
	}
	if (r.npages == 0) {
		fprintf(stderr, "intakectl: \"%s\": no page image\n", r.file);
		goto out;
	}
	if (r.fmt == FMT_HOCR)
		print_hocr(&r);
	for (i = 0; i < r.npages && r.fmt != FMT_HOCR; i++) {
		const struct page_row *p = &r.pages[i];

		if (r.fmt == FMT_JSON)
			print_json(&r, p);
		else if (r.fmt == FMT_TSV)
			print_tsv(p, i == 0);
		else
			printf("%s%s", i ? "\f" : "", p->text ? p->text : "");
	}
	rc = 0;
out:
	for (i = 0; i < r.npages; i++)
		page_row_release(&r.pages[i]);
	free(r.pages);
	free(r.refused);
	if (outfd != -1)
		close(outfd);
	close(infd);
	pool_release(&pool);
	if (dir != NULL)
		remove_tree(dir);
	return rc;
}
