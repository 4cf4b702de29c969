/*
 * ctl-job.h - running the daemon's worker pipeline on one file from
 * intakectl (ocr, extract, classify, reprocess), without a daemon or a
 * database.
 */
#ifndef INTAKE_CTL_JOB_H
#define INTAKE_CTL_JOB_H

#include "intake.h"
#include "collect.h"
#include "ctl.h"

/* Runs file through a worker (OCR in c->config.lang; templates: the
 * template folders, one a line, NULL for none; form: NULL, or the
 * template every page is read as) and collects what it reports into *j,
 * which is the caller's to release with
 * collect_release (also after a failure).  The job has the configured
 * job timeout.  0, or 1 after a message on stderr.  A progress line in
 * c->progress is hidden before a message, and told of the pages read
 * when its job_pages is set. */
int	ctl_job_run(struct ctl *c, const char *file, const char *templates,
	    const char *form, struct job_collect *j);

#endif
