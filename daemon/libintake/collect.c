/*
 * collect.c - one worker job's results, gathered in the protocol's order
 * (collect.h); the messages themselves are decoded by jobmsg.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "collect.h"

void
collect_init(struct job_collect *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	if (dir != NULL)
		c->dir = xstrdup(dir);
}

void
collect_release(struct job_collect *c)
{
	size_t i;

	jobmsg_hello_release(&c->hello);
	for (i = 0; i < c->npages; i++)
		page_row_release(&c->pages[i]);
	free(c->pages);
	form_reading_release(&c->reading);
	for (i = 0; i < c->natt; i++)
		jobmsg_attachment_release(&c->att[i]);
	free(c->att);
	jobmsg_manifest_release(&c->manifest);
	for (i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->doing);
	free(c->pdf);
	free(c->refused);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

/* A file the worker named in the output folder: there, or as named. */
static char *
in_dir(const struct job_collect *c, char *name)
{
	char *path;

	if (c->dir == NULL)
		return name;
	path = path_join(c->dir, name);
	free(name);
	return path;
}

static int
on_text(struct job_collect *c, struct msg *m)
{
	char *s;

	if (jobmsg_text_get(m, &s) != 0)
		return COLLECT_EPROTO;
	if (m->type == MSG_PROGRESS) {
		free(c->doing);
		c->doing = s;
	} else {
		c->warnings = xreallocarray(c->warnings, c->nwarnings + 1,
		    sizeof(*c->warnings));
		c->warnings[c->nwarnings++] = s;
	}
	return COLLECT_MORE;
}

/* Pages come 1, 2, ... in turn. */
static int
on_page(struct job_collect *c, struct msg *m)
{
	struct page_row p;

	if (jobmsg_page_get(m, c->dir, &p) != 0)
		return COLLECT_EPROTO;
	if (p.seq != c->npages + 1) {
		page_row_release(&p);
		return COLLECT_EPROTO;
	}
	c->pages = xreallocarray(c->pages, c->npages + 1, sizeof(*c->pages));
	c->pages[c->npages++] = p;
	c->fields_seen = false;
	return COLLECT_MORE;
}

/* The text of the page sent just before, once. */
static int
on_ocr(struct job_collect *c, struct msg *m)
{
	struct page_row o, *p = c->npages ? &c->pages[c->npages - 1] : NULL;

	if (jobmsg_ocr_get(m, &o) != 0)
		return COLLECT_EPROTO;
	if (p == NULL || o.seq != p->seq || p->read) {
		page_row_release(&o);
		return COLLECT_EPROTO;
	}
	p->read = true;
	p->rotation = o.rotation;
	p->skew = o.skew;
	p->confidence = o.confidence;
	p->text = o.text;
	p->words = o.words;
	p->nwords = o.nwords;
	return COLLECT_MORE;
}

/* The form and fields of the page sent just before, after its text. */
static int
on_fields(struct job_collect *c, struct msg *m)
{
	const struct page_row *p = c->npages ? &c->pages[c->npages - 1] : NULL;
	struct form_reading one;

	if (jobmsg_fields_get(m, &one) != 0)
		return COLLECT_EPROTO;
	if (p == NULL || !p->read || c->fields_seen ||
	    one.forms[0].page != p->seq) {
		form_reading_release(&one);
		return COLLECT_EPROTO;
	}
	form_reading_append(&c->reading, &one);
	c->fields_seen = true;
	return COLLECT_MORE;
}

/* Two members of one name (in two archives) stay two attachments. */
static int
on_attachment(struct job_collect *c, struct msg *m)
{
	struct jobmsg_attachment a;
	char *base;
	size_t k, dup = 1;

	if (jobmsg_attachment_get(m, &a) != 0)
		return COLLECT_EPROTO;
	base = a.name;
	a.name = xstrdup(base);
	for (k = 0; k < c->natt; k++)
		if (strcmp(c->att[k].name, a.name) == 0) {
			free(a.name);
			a.name = xasprintf("%s (%zu)", base, ++dup);
			k = (size_t)-1;		/* from the start */
		}
	free(base);
	a.stored = in_dir(c, a.stored);
	c->att = xreallocarray(c->att, c->natt + 1, sizeof(*c->att));
	c->att[c->natt++] = a;
	return COLLECT_MORE;
}

/* A later manifest (of another archive) replaces an earlier one. */
static int
on_manifest(struct job_collect *c, struct msg *m)
{
	struct jobmsg_manifest mf;

	if (jobmsg_manifest_get(m, &mf) != 0)
		return COLLECT_EPROTO;
	jobmsg_manifest_release(&c->manifest);
	c->manifest = mf;
	return COLLECT_MORE;
}

/* The end: it counts what was sent. */
static int
on_done(struct job_collect *c, struct msg *m)
{
	struct jobmsg_done d;

	if (jobmsg_done_get(m, &d) != 0)
		return COLLECT_EPROTO;
	if (d.pages != c->npages || d.attachments != c->natt) {
		jobmsg_done_release(&d);
		return COLLECT_EPROTO;
	}
	if (d.pdf != NULL)
		c->pdf = in_dir(c, d.pdf);
	d.pdf = NULL;
	return COLLECT_DONE;
}

static int
on_refused(struct job_collect *c, struct msg *m)
{
	return jobmsg_text_get(m, &c->refused) == 0 ? COLLECT_REFUSED :
	    COLLECT_EPROTO;
}

enum collect_status
collect_feed(struct job_collect *c, struct msg *m)
{
	int rc;

	if (c->state == COLLECT_ENDED)
		return COLLECT_EPROTO;
	switch (m->type) {
	case MSG_HELLO:
		rc = c->state == COLLECT_START &&
		    jobmsg_hello_get(m, &c->hello) == 0 ? COLLECT_MORE :
		    COLLECT_EPROTO;
		break;
	case MSG_PROGRESS:
	case MSG_WARNING:
		rc = on_text(c, m);
		break;
	case MSG_PAGE:
		rc = on_page(c, m);
		break;
	case MSG_OCR:
		rc = on_ocr(c, m);
		break;
	case MSG_FIELDS:
		rc = on_fields(c, m);
		break;
	case MSG_ATTACHMENT:
		rc = on_attachment(c, m);
		break;
	case MSG_MANIFEST:
		rc = on_manifest(c, m);
		break;
	case MSG_DONE:
		rc = on_done(c, m);
		break;
	case MSG_REFUSED:
		rc = on_refused(c, m);
		break;
	default:
		rc = COLLECT_EPROTO;
	}
	c->state = rc == COLLECT_MORE ? COLLECT_WORKING : COLLECT_ENDED;
	return (enum collect_status)rc;
}
