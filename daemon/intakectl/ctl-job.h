/*
 * ctl-job.h - running the daemon's worker pipeline on one file from
 * intakectl (ocr, extract), without a daemon or a database.
 */
#ifndef INTAKE_CTL_JOB_H
#define INTAKE_CTL_JOB_H

#include "intake.h"
#include "ctl.h"
#include "jobmsg.h"

struct ctl_job {
	struct page_row	*pages;
	size_t		 npages;
	struct form_reading reading;	/* forms and fields recognised */
	char		**warnings;
	size_t		 nwarnings;
	char		*refused;	/* set: the file was refused, why */
	char		*form_hint;	/* from a manifest */
};

/* Runs file through a worker (OCR in c->config.lang; templates: NULL for
 * none; form: NULL, or the template every page is read as) and collects
 * what it reports into *j (released with ctl_job_release).  0, or 1 after
 * a message on stderr. */
int	ctl_job_run(struct ctl *c, const char *file, const char *templates,
	    const char *form, struct ctl_job *j);
void	ctl_job_release(struct ctl_job *);

#endif
