/*
 * worker.h - the worker process: everything that parses delivered bytes.
 *
 * intake-worker runs without privileges, with resource limits and (where
 * libseccomp exists) a system-call filter.  It receives a job from intaked
 * (the delivery as an open descriptor, an output folder as a descriptor),
 * unpacks archives, decodes images and PDF pages, reads the manifest, and
 * writes normalised page images into the output folder.  It reports each
 * result as a message (jobmsg.h); it never touches the database.
 */
#ifndef INTAKE_WORKER_H
#define INTAKE_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"
#include "jobmsg.h"	/* struct unpack_limits */

struct Pix;
struct ocr;
struct template;

/* One job in the worker. */
struct job {
	int			 sock;		/* to the daemon */
	int			 outfd;		/* the output folder */
	struct unpack_limits	 lim;
	uint64_t		 bytes;		/* uncompressed so far */
	uint32_t		 members;
	uint32_t		 pages;
	uint32_t		 attachments;
	char			*refused;	/* set: the whole delivery is refused */
	int			 deferred;	/* ENOSPC or EDQUOT: the output could
					   not be written; refused says what */
	struct ocr		*ocr;		/* read pages with it; NULL: do not */
	bool			 pdf;		/* a searchable PDF is being written */
	struct template *const	*tpls;		/* forms to recognise, or none */
	size_t			 ntpls;
	char			*form;		/* every page is this form; NULL:
						   recognise it */
};

/* worker.c: results and progress go to the daemon. */
void	job_progress(struct job *, const char *fmt, ...) PRINTF_LIKE(2, 3);
void	job_warn(struct job *, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Refuses the whole delivery (the first reason wins); returns INTAKE_EINVAL. */
int	job_refuse(struct job *, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Stores one page image; source is the delivered file, member the name
 * inside an archive (NULL: none), page_no counts from 1 inside it. */
int	job_page(struct job *, struct Pix *, const char *source,
	    const char *member, uint32_t page_no);
int	job_attachment(struct job *, const char *name, const void *data,
	    size_t len);
void	job_manifest(struct job *, const char *reference, const char *channel,
	    const char *sender, const char *form_hint, uint32_t pages);
/* A test-only fault hook, when name contains the text of
 * INTAKE_WORKER_FAULT (used by the test suite; see intaked(8)): crashes,
 * hangs or spends a second of CPU, or tries calls the sandbox refuses
 * (new sockets, new processes and programs, links) and refuses the
 * delivery with the sandbox's answer. */
void	job_fault_point(struct job *, const char *name);

/* unpack.c: archives, folders and single files, the only file that calls
 * libarchive. */
int	unpack_buffer(struct job *, const char *source, const char *member,
	    const unsigned char *data, size_t len, uint32_t depth);
int	unpack_fd(struct job *, int fd, const char *name, bool folder);
/* How messages name a delivered file, or a member inside it:
 * "source" or "source:member" (the caller frees it). */
char	*unpack_where(const char *source, const char *member);
/* Natural order of member names: scan_2 before scan_10. */
int	unpack_name_cmp(const char *a, const char *b);

/* image.c: TIFF (all pages), PNG, JPEG and the other formats Leptonica
 * reads.  True when data looks like an image it can read. */
bool	image_sniff(const unsigned char *data, size_t len);
int	image_pages(struct job *, const char *source, const char *member,
	    const unsigned char *data, size_t len);

/* pdf-poppler.c or pdf-none.c: PDF pages rendered at 300 dpi. */
bool	pdf_sniff(const unsigned char *data, size_t len);
int	pdf_pages(struct job *, const char *source, const char *member,
	    const unsigned char *data, size_t len);

/* manifest.c: the scan station's manifest.xml. */
int	manifest_read(struct job *, const char *source, const char *member,
	    const unsigned char *data, size_t len);

/* sandbox-seccomp.c or sandbox-null.c: the system-call filter. */
int	sandbox_filter(void);
const char *sandbox_name(void);

#endif
