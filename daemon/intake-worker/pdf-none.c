/*
 * pdf-none.c - builds without Poppler refuse PDF deliveries with a reason.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "worker.h"

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
	return job_refuse(j, "%s%s%s: PDF pages cannot be read: this intake "
	    "was built without Poppler", source, member ? ":" : "",
	    member ? member : "");
}
