/*
 * collect.h - what one worker job reports, gathered message by message
 * in the order the protocol allows.  intaked's pipeline and intakectl
 * (ocr, extract, classify, reprocess) collect a job with it; each keeps
 * its own concerns (deadlines, a worker's death, attempts, what is done
 * with the results).
 *
 * The order: MSG_HELLO first or not at all (a worker says it once, before
 * its first job); MSG_PROGRESS, MSG_WARNING, MSG_ATTACHMENT and
 * MSG_MANIFEST at any time; MSG_PAGE for page 1, 2, ... in turn; MSG_OCR
 * once for the last page sent; MSG_FIELDS once for the last page sent,
 * after its MSG_OCR; last MSG_DONE (counting the pages and attachments
 * sent), MSG_REFUSED or MSG_DEFERRED, and nothing after it.  A message
 * that is malformed (jobmsg.h) or out of that order ends the collection:
 * the worker that sent it is to be ended.
 */
#ifndef INTAKE_COLLECT_H
#define INTAKE_COLLECT_H

#include "jobmsg.h"

enum collect_status {
	COLLECT_EPROTO = JOBMSG_EPROTO,	/* malformed or out of order */
	COLLECT_MORE = 0,		/* taken; more is to come */
	COLLECT_DONE = 1,		/* the job is finished */
	COLLECT_REFUSED = 2,		/* the delivery is refused: refused */
	COLLECT_DEFERRED = 3		/* the output folder's disk is full: try
					   the job again later (deferred) */
};

struct job_collect {
	char		*dir;		/* the output folder, or NULL: names
					   are kept as sent */
	enum { COLLECT_START, COLLECT_WORKING, COLLECT_ENDED } state;
	struct jobmsg_hello hello;	/* zeroed: none in this job */
	char		*doing;		/* the last progress report, or NULL */
	struct page_row	*pages;		/* with their OCR when read */
	size_t		 npages;
	bool		 fields_seen;	/* the last page's MSG_FIELDS came */
	struct form_reading reading;	/* forms and fields recognised */
	struct jobmsg_attachment *att;	/* names made unique ("a (2)"),
					   stored joined to dir */
	size_t		 natt;
	struct jobmsg_manifest manifest; /* the last one; zeroed: none */
	char		**warnings;
	size_t		 nwarnings;
	char		*pdf;		/* the searchable PDF's path, or NULL */
	char		*refused;	/* set: the delivery is refused, why */
	struct jobmsg_deferred deferred; /* text set: the job is deferred */
};

/* Starts an empty collection for a job writing into dir (copied; NULL:
 * none).  A zeroed struct is an empty collection too. */
void	collect_init(struct job_collect *, const char *dir);
/* Takes one message (its payload is read; its descriptors stay the
 * caller's): COLLECT_MORE, COLLECT_DONE, COLLECT_REFUSED, COLLECT_DEFERRED
 * or COLLECT_EPROTO, after which every message is refused. */
enum collect_status collect_feed(struct job_collect *, struct msg *);
/* Frees everything collected (and not taken by the caller). */
void	collect_release(struct job_collect *);

#endif
