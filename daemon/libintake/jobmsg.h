/*
 * jobmsg.h - the worker protocol's messages: one encoder and one decoder
 * for each, side by side in jobmsg.c, used by both ends.  intaked and
 * intakectl encode MSG_UNPACK and decode the results; intake-worker
 * decodes MSG_UNPACK and encodes the results.  What a whole job's results
 * must look like (their order) is collect.h's.
 *
 * Every decoder reads its message to the end (msg_end), checks the
 * bounds below and the descriptors the message may carry, and returns 0
 * or JOBMSG_EPROTO; on JOBMSG_EPROTO nothing is left for the caller to
 * free.  What a decoder fills is the caller's, released with the
 * matching *_release (a zeroed struct is released safely).  Encoders
 * (msg_init included) borrow what they are given.
 */
#ifndef INTAKE_JOBMSG_H
#define INTAKE_JOBMSG_H

#include "intake.h"
#include "proto.h"

/* A malformed message: it ends the peer that sent it. */
#define JOBMSG_EPROTO		INTAKE_EINVAL

/* Limits both ends keep.  The worker never sends more; the receiver
 * refuses a message that does. */
#define JOBMSG_MAX_TEXT		1024	/* progress, warning, refusal: bytes
					   with the terminating NUL */
#define JOBMSG_MAX_WORDS	20000	/* words of one page's OCR */
#define JOBMSG_MAX_FIELDS	1000	/* fields read on one page */
#define JOBMSG_MAX_MANIFEST_TEXT 200	/* a manifest's reference, channel,
					   sender or form hint: bytes, without
					   the NUL */
#define JOBMSG_MAX_MANIFEST_PAGES 10000	/* the page count a manifest states */
#define JOBMSG_MAX_STORED	96	/* a stored file's name, with the NUL */

/* Fixed-point scales of the numbers that are not whole. */
#define JOBMSG_SKEW_SCALE	100	/* skew: hundredths of a degree */
#define JOBMSG_CONF_SCALE	100	/* a word's confidence: 0 .. 10000 */
#define JOBMSG_SCORE_SCALE	1000	/* a form's score, a field's
					   confidence: thousandths */
#define JOBMSG_MM_SCALE		1000	/* a fit's residual: micrometres */
#define JOBMSG_MAX_ANCHORS	64	/* anchors of a page told about */

/* The names of the files a worker writes in the output folder. */
#define JOBMSG_PAGE_PREFIX	"page-"
#define JOBMSG_ATTACHMENT_PREFIX "attachment-"
#define JOBMSG_PDF_NAME		"searchable.pdf"

/* Whether name is one a worker gives a file it writes in its output
 * folder (a page, an attachment, the searchable PDF): a delivered file
 * of such a name cannot share that folder with what is read of it. */
bool	jobmsg_output_name(const char *name);

/* ---- MSG_HELLO: the worker is ready ---------------------------------- */

struct jobmsg_hello {
	uint32_t	 pid;
	char		*sandbox;	/* the system-call filter, or NULL */
};
void	jobmsg_hello_put(struct msg *, uint32_t pid, const char *sandbox);
int	jobmsg_hello_get(struct msg *, struct jobmsg_hello *);
void	jobmsg_hello_release(struct jobmsg_hello *);

/* ---- MSG_UNPACK: a job, with the delivery and the output folder ------- */

/* Limits of one job; sent with every job so the daemon's configuration
 * rules (defaults in config.c). */
struct unpack_limits {
	uint64_t	max_bytes;	/* uncompressed bytes in all */
	uint32_t	max_members;	/* archive members in all */
	uint32_t	max_ratio;	/* uncompressed : compressed */
	uint32_t	max_depth;	/* archives inside archives */
	uint32_t	max_width;	/* pixels of one page */
	uint32_t	max_height;
	uint64_t	max_pixels;
	uint32_t	max_pages;
};

struct jobmsg_job {
	int64_t		 id;		/* the delivery, for the logs */
	char		*name;		/* the delivered file or folder */
	bool		 folder;
	struct unpack_limits lim;
	uint32_t	 cpu_s;		/* CPU seconds the job may use */
	char		*lang;		/* OCR languages; "" or NULL: no OCR */
	bool		 pdf;		/* write a searchable PDF */
	char		*templates;	/* the template folders, one a line,
					   searched in order; NULL: none */
	char		*form;		/* read every page as this form; NULL:
					   recognise it */
	int		 in, out;	/* decoded: the delivery and the output
					   folder, the caller's to close */
};
/* The limits and time of configuration c, the rest zeroed (name and the
 * others to be set by the caller, borrowed). */
void	jobmsg_job_init(struct jobmsg_job *, const struct config *c);
/* Encodes j with in and out as its descriptors (still the caller's). */
void	jobmsg_unpack_put(struct msg *, const struct jobmsg_job *j);
/* Decodes a job; its two descriptors move from the message to j. */
int	jobmsg_unpack_get(struct msg *, struct jobmsg_job *j);
void	jobmsg_job_release(struct jobmsg_job *);	/* closes no fd */

/* ---- MSG_PROGRESS, MSG_WARNING, MSG_REFUSED: one line of text --------- */

/* type is one of the three; text at most JOBMSG_MAX_TEXT - 1 bytes. */
void	jobmsg_text_put(struct msg *, uint16_t type, const char *text);
/* *text is the caller's to free. */
int	jobmsg_text_get(struct msg *, char **text);

/* ---- MSG_PAGE: one page image written ---------------------------------- */

/* Encodes p's description (not its OCR); p->path is the stored file's
 * name in the output folder. */
void	jobmsg_page_put(struct msg *, const struct page_row *p);
/* Decodes into *p (zeroed first); the stored name must be the worker's
 * own (JOBMSG_PAGE_PREFIX..., no '/') and is joined to dir (NULL: kept
 * as it is). */
int	jobmsg_page_get(struct msg *, const char *dir, struct page_row *p);

/* ---- MSG_OCR: a page's text and words ---------------------------------- */

/* Encodes p's seq, rotation, skew, confidence, text and words. */
void	jobmsg_ocr_put(struct msg *, const struct page_row *p);
/* Decodes those into *p (zeroed first; read is set). */
int	jobmsg_ocr_get(struct msg *, struct page_row *p);

/* ---- MSG_FIELDS: the form of a page and its fields -------------------- */

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
	/* how well the page fits the template (extract.h's page_fit) */
	uint32_t	 anchors_found, anchors_total;	/* at most 64 */
	uint64_t	 anchors_mask;	/* bit i: the page's anchor i found */
	double		 residual_mm, residual_max_mm;
	bool		 aligned;	/* false: no field of the page is ok */
};

struct form_reading {
	struct form_page *forms;
	size_t		 nforms;
	struct read_field *fields;
	size_t		 nfields;
};

/* Encodes one page's reading: r->forms[0] and every field of r (of that
 * page). */
void	jobmsg_fields_put(struct msg *, const struct form_reading *r);
/* Decodes one page's reading into *r (zeroed first): one form page and
 * its fields. */
int	jobmsg_fields_get(struct msg *, struct form_reading *r);
/* Moves what from holds to the end of r; from is left empty. */
void	form_reading_append(struct form_reading *r, struct form_reading *from);
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

/* ---- MSG_ATTACHMENT: a file kept as an attachment --------------------- */

struct jobmsg_attachment {
	char		*name;		/* the sender's name for it */
	char		*stored;	/* its name in the output folder
					   (JOBMSG_ATTACHMENT_PREFIX...) */
	char		*sha256;	/* hex */
	uint64_t	 size;
};
void	jobmsg_attachment_put(struct msg *, const struct jobmsg_attachment *);
int	jobmsg_attachment_get(struct msg *, struct jobmsg_attachment *);
void	jobmsg_attachment_release(struct jobmsg_attachment *);

/* ---- MSG_MANIFEST: a scan station's manifest.xml ---------------------- */

struct jobmsg_manifest {
	char		*reference, *channel, *sender, *form_hint; /* or NULL */
	uint32_t	 pages;		/* the count it states; 0: none */
};
void	jobmsg_manifest_put(struct msg *, const struct jobmsg_manifest *);
int	jobmsg_manifest_get(struct msg *, struct jobmsg_manifest *);
void	jobmsg_manifest_release(struct jobmsg_manifest *);

/* ---- MSG_DONE: the job is finished ------------------------------------ */

struct jobmsg_done {
	uint32_t	 pages;		/* pages sent */
	uint32_t	 attachments;	/* attachments sent */
	char		*pdf;		/* JOBMSG_PDF_NAME, or NULL: none */
};
void	jobmsg_done_put(struct msg *, const struct jobmsg_done *);
int	jobmsg_done_get(struct msg *, struct jobmsg_done *);
void	jobmsg_done_release(struct jobmsg_done *);

/* ---- MSG_DEFERRED: the output could not be written, for a passing reason */

/* The worker could not write its output because the output folder's file
 * system is full (err: ENOSPC or EDQUOT, the only two it may send): no
 * fault of the delivery, whose job is tried again later.  text says what
 * could not be written (it names files). */
struct jobmsg_deferred {
	uint32_t	 err;		/* ENOSPC or EDQUOT */
	char		*text;
};
void	jobmsg_deferred_put(struct msg *, const struct jobmsg_deferred *);
int	jobmsg_deferred_get(struct msg *, struct jobmsg_deferred *);
void	jobmsg_deferred_release(struct jobmsg_deferred *);

#endif
