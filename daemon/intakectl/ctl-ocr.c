/*
 * ctl-ocr.c - intakectl ocr: the daemon's unpacking and OCR on one file,
 * without a daemon or a database, for admins debugging a template.  The
 * file is parsed by an intake-worker exactly as in the daemon.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "ctl-job.h"
#include "ctl-progress.h"
#include "ctl.h"

enum ocr_format { FMT_TEXT, FMT_JSON, FMT_TSV, FMT_HOCR };

struct ocr_run {
	const char	*file;
	enum ocr_format	 fmt;
	struct page_row	*pages;		/* borrowed from the job */
	size_t		 npages;
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

/* The last of --json, --tsv and --hocr, else the global --json. */
static enum ocr_format
ocr_format(const struct ctl *c, const struct ctl_args *a)
{
	static const struct {
		const char	*opt;
		enum ocr_format	 fmt;
	} fmts[] = { { "json", FMT_JSON }, { "tsv", FMT_TSV },
	    { "hocr", FMT_HOCR } };
	enum ocr_format fmt = c->json ? FMT_JSON : FMT_TEXT;
	int last = 0, n;
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if ((n = ctl_opt_order(a, fmts[i].opt)) > last) {
			last = n;
			fmt = fmts[i].fmt;
		}
	return fmt;
}

int
cmd_ocr(struct ctl *c, const struct ctl_args *a)
{
	struct ocr_run r;
	struct progress line;
	struct job_collect job;
	const char *lang = ctl_opt(a, "lang");
	int rc = 1;
	bool failed;
	size_t i;

	memset(&r, 0, sizeof(r));
	memset(&job, 0, sizeof(job));
	r.fmt = ocr_format(c, a);
	r.file = a->argv[0];
	if (lang != NULL) {
		free(c->config.lang);
		c->config.lang = xstrdup(lang);
	}
	/* The pages read so far: how many there are is known at the end. */
	progress_init(&line, "ocr", "pages", 0);
	line.job_pages = true;
	c->progress = &line;
	failed = ctl_job_run(c, r.file, NULL, NULL, &job) != 0;
	c->progress = NULL;
	progress_hide(&line);
	if (failed)
		goto out;
	r.pages = job.pages;
	r.npages = job.npages;
	if (job.refused != NULL) {
		char *why = safe_text(job.refused);

		fprintf(stderr, "intakectl: \"%s\" refused: %s\n", r.file, why);
		free(why);
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
	collect_release(&job);
	return rc;
}
