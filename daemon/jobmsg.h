/*
 * jobmsg.h - the daemon's side of the worker protocol's job and result
 * messages, shared by the pipeline and intakectl ocr.
 */
#ifndef INTAKE_JOBMSG_H
#define INTAKE_JOBMSG_H

#include "intake.h"
#include "proto.h"

/* Builds a MSG_UNPACK job for a delivery (fds are the caller's to set). */
void	jobmsg_unpack(struct msg *, const struct config *, int64_t id,
	    const char *name, bool folder, const char *lang, bool pdf);
/* Decodes a MSG_PAGE into p (released by the caller); the stored file's
 * name is checked to be the worker's own ("page-...") and joined to dir.
 * False for a malformed message. */
bool	jobmsg_page(struct msg *, const char *dir, uint32_t expect_seq,
	    struct page_row *p);
/* Decodes a MSG_OCR for page p (its seq must match). */
bool	jobmsg_ocr(struct msg *, struct page_row *p);

#endif
