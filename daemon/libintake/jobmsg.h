/*
 * jobmsg.h - the daemon's side of the worker protocol's job and result
 * messages, shared by the pipeline and intakectl ocr.
 */
#ifndef INTAKE_JOBMSG_H
#define INTAKE_JOBMSG_H

#include "intake.h"
#include "proto.h"

/* Builds a MSG_UNPACK job for a delivery (fds are the caller's to set);
 * form (NULL: recognise it) makes every page read as that template's. */
void	jobmsg_unpack(struct msg *, const struct config *, int64_t id,
	    const char *name, bool folder, const char *lang, bool pdf,
	    const char *templates, const char *form);
/* Decodes a MSG_PAGE into p (released by the caller); the stored file's
 * name is checked to be the worker's own ("page-...") and joined to dir.
 * False for a malformed message. */
bool	jobmsg_page(struct msg *, const char *dir, uint32_t expect_seq,
	    struct page_row *p);
/* Decodes a MSG_OCR for page p (its seq must match). */
bool	jobmsg_ocr(struct msg *, struct page_row *p);

/* What a worker read in one field of a page. */
struct read_field {
	uint32_t	 page;		/* the delivery's page it was read on */
	char		*name, *type, *value, *raw, *why, *status;
	double		 confidence;
	int		 x, y, w, h;
};

/* Which template page a page of the delivery was recognised as. */
struct form_page {
	uint32_t	 page;		/* the delivery's page */
	char		*form;		/* the template's id */
	uint32_t	 form_page;	/* which page of it */
	double		 score;
};

struct form_reading {
	struct form_page *forms;
	size_t		 nforms;
	struct read_field *fields;
	size_t		 nfields;
};

/* Decodes a MSG_FIELDS (npages: the pages received so far) into r. */
bool	jobmsg_fields(struct msg *, size_t npages, struct form_reading *r);
void	form_reading_release(struct form_reading *);

struct template;
/* The form most pages were recognised as (most pages, then best scores),
 * or NULL: the delivery is no known form. */
const struct template *form_choose(struct template *const *tpls, size_t n,
	    const struct form_reading *r);
/* The delivery's page read as page n of form id (the best scored), or 0. */
uint32_t form_page_of(const struct form_reading *r, const char *id, int n);
/* The field name as read on page (NULL: not read there). */
const struct read_field *form_field(const struct form_reading *r,
	    uint32_t page, const char *name);

#endif
