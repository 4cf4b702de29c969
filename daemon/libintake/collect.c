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

	free(c->dir);
	jobmsg_hello_release(&c->hello);
	free(c->doing);
	for (i = 0; i < c->npages; i++)
		page_row_release(&c->pages[i]);
	free(c->pages);
	form_reading_release(&c->reading);
	for (i = 0; i < c->natt; i++)
		jobmsg_attachment_release(&c->att[i]);
	free(c->att);
	jobmsg_manifest_release(&c->manifest);
	strv_free(c->warnings, c->nwarnings);
	free(c->pdf);
	free(c->refused);
	jobmsg_deferred_release(&c->deferred);
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
	int rc = COLLECT_EPROTO;

	if (jobmsg_done_get(m, &d) == 0 && d.pages == c->npages &&
	    d.attachments == c->natt) {
		c->pdf = d.pdf != NULL ? in_dir(c, d.pdf) : NULL;
		d.pdf = NULL;
		rc = COLLECT_DONE;
	}
	jobmsg_done_release(&d);
	return rc;
}

static int
on_refused(struct job_collect *c, struct msg *m)
{
	return jobmsg_text_get(m, &c->refused) == 0 ? COLLECT_REFUSED :
	    COLLECT_EPROTO;
}

static int
on_deferred(struct job_collect *c, struct msg *m)
{
	return jobmsg_deferred_get(m, &c->deferred) == 0 ? COLLECT_DEFERRED :
	    COLLECT_EPROTO;
}

/* A worker says hello once, before its first job's results. */
static int
on_hello(struct job_collect *c, struct msg *m)
{
	return c->state == COLLECT_START &&
	    jobmsg_hello_get(m, &c->hello) == 0 ? COLLECT_MORE : COLLECT_EPROTO;
}

/* What each message a worker sends does to the collection. */
static int (*const on[MSG_MAX])(struct job_collect *, struct msg *) = {
	[MSG_HELLO] = on_hello,
	[MSG_PROGRESS] = on_text,
	[MSG_WARNING] = on_text,
	[MSG_PAGE] = on_page,
	[MSG_OCR] = on_ocr,
	[MSG_FIELDS] = on_fields,
	[MSG_ATTACHMENT] = on_attachment,
	[MSG_MANIFEST] = on_manifest,
	[MSG_DONE] = on_done,
	[MSG_REFUSED] = on_refused,
	[MSG_DEFERRED] = on_deferred,
};

enum collect_status
collect_feed(struct job_collect *c, struct msg *m)
{
	int rc = COLLECT_EPROTO;

	if (c->state != COLLECT_ENDED && m->type < MSG_MAX && on[m->type])
		rc = on[m->type](c, m);
	c->state = rc == COLLECT_MORE ? COLLECT_WORKING : COLLECT_ENDED;
	return (enum collect_status)rc;
}
