/*
 * worker-standin.c - worker.c's job_* functions for the harnesses of the
 * worker's parsers (fuzz-unpack.c, fuzz-manifest.c), and its page
 * decoders for fuzz-unpack.c.
 *
 * worker.c is not linked: a job reports to no daemon and writes no file.
 * These keep the job's limits as worker.c does (pages, the first refusal
 * wins) and format every message, so a bad format argument is found, then
 * drop it.  The page decoders are stood in for too (image.c and pdf-*.c
 * hand the bytes to Leptonica and Poppler, which are fuzzed by their own
 * projects): a page is anything image_sniff() or pdf_sniff() of the real
 * files would take, and counts against the page limit.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

static void PRINTF_LIKE(1, 0)
drop(const char *fmt, va_list ap)
{
	char text[JOBMSG_MAX_TEXT];

	vsnprintf(text, sizeof(text), fmt, ap);
}

void
job_progress(struct job *j, const char *fmt, ...)
{
	va_list ap;

	(void)j;
	va_start(ap, fmt);
	drop(fmt, ap);
	va_end(ap);
}

void
job_warn(struct job *j, const char *fmt, ...)
{
	va_list ap;

	(void)j;
	va_start(ap, fmt);
	drop(fmt, ap);
	va_end(ap);
}

int
job_refuse(struct job *j, const char *fmt, ...)
{
	char text[JOBMSG_MAX_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (j->refused == NULL)
		j->refused = xstrdup(text);
	return INTAKE_EINVAL;
}

int
job_page(struct job *j, struct Pix *pix, const char *source,
    const char *member, uint32_t page_no)
{
	(void)pix;
	(void)source;
	(void)member;
	(void)page_no;
	if (j->pages >= j->lim.max_pages)
		return job_refuse(j, "more than %u pages", j->lim.max_pages);
	j->pages++;
	return 0;
}

int
job_attachment(struct job *j, const char *name, const void *data,
    size_t len)
{
	(void)name;
	(void)data;
	(void)len;
	j->attachments++;
	return 0;
}

void
job_manifest(struct job *j, const char *reference, const char *channel,
    const char *sender, const char *form_hint, uint32_t pages)
{
	/* What worker.c sends must be what the daemon's decoder takes. */
	struct jobmsg_manifest mf = { (char *)reference, (char *)channel,
	    (char *)sender, (char *)form_hint, pages }, back;
	struct msg m;

	(void)j;
	jobmsg_manifest_put(&m, &mf);
	if (jobmsg_manifest_get(&m, &back) != 0)
		fatal("a manifest the worker read is refused by the daemon");
	jobmsg_manifest_release(&back);
	msg_release(&m);
}

void
job_fault_point(struct job *j, const char *name)
{
	(void)j;
	(void)name;
}

bool
image_sniff(const unsigned char *d, size_t n)
{
	return (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	    (n >= 4 && (memcmp(d, "II*\0", 4) == 0 ||
	    memcmp(d, "MM\0*", 4) == 0));
}

int
image_pages(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	return job_page(j, NULL, source, member, 1);
}

bool
pdf_sniff(const unsigned char *d, size_t n)
{
	return n >= 5 && memcmp(d, "%PDF-", 5) == 0;
}

int
pdf_pages(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	return job_page(j, NULL, source, member, 1);
}
