/*
 * jobmsg.c - the worker protocol's messages, encoder beside decoder for
 * each (jobmsg.h).  The worker is not trusted: every decoder checks each
 * field, the limits and the end of the payload.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jobmsg.h"
#include "sha256.h"
#include "template.h"

/*
 * A message is a list of fields, each read and written the one way its
 * kind says; a message type is a table of its fields (and, for those that
 * carry a list, one of the list's elements), so that the encoder and the
 * decoder cannot disagree.
 */
enum kind {
	K_U32,		/* uint32_t */
	K_INT,		/* int, sent as uint32_t */
	K_BOOL,		/* bool, sent as uint32_t 0 or 1 */
	K_U64,		/* uint64_t */
	K_I64,		/* int64_t, sent as uint64_t */
	K_STR,		/* char *, not NULL, shorter than max bytes (0: any) */
	K_OPT,		/* char * or NULL, shorter than max bytes (0: any) */
	K_FIX,		/* double >= 0, sent times max, rounded */
	K_SFIX		/* double, sent times max, rounded, as int32_t */
};

struct field {
	enum kind	 kind;
	size_t		 off;		/* in the struct */
	size_t		 max;		/* the limit or scale of the kind */
};

/*
 * A signed member (K_INT, K_I64) is sent as the bits of its unsigned type,
 * through which C lets it be read and written (C11 6.5p7): the same bits
 * come back, as the two's complement the wire carries.  That needs
 * uint32_t to be int's unsigned type.
 */
_Static_assert(_Generic((uint32_t)0, unsigned int: 1, default: 0),
    "uint32_t is the unsigned type of int");

#define F(kind, T, member, max)	{ kind, offsetof(T, member), max }
#define NFIELDS(a)		(sizeof(a) / sizeof((a)[0]))
/* A box on the page, in pixels: int x, y, w, h of T. */
#define BOX(T)	F(K_INT, T, x, 0), F(K_INT, T, y, 0), F(K_INT, T, w, 0), \
		F(K_INT, T, h, 0)

struct codec {
	uint32_t	 types;		/* the types it reads, 1 << type */
	int		 nfds;		/* the descriptors beside it */
	const struct field *f;
	size_t		 n;
	bool		 (*valid)(const void *);	/* or NULL */
};

/* v in fixed point, rounded half away from zero. */
static uint32_t
scaled(double v, size_t scale)
{
	double x = v * (double)scale;

	return (uint32_t)(int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

static void
put_fields(struct msg *m, const struct field *f, size_t n, const void *obj)
{
	const char *base = obj;

	for (; n > 0; f++, n--) {
		const void *v = base + f->off;

		switch (f->kind) {
		case K_U32:
		case K_INT:
			msg_put_u32(m, *(const uint32_t *)v);
			break;
		case K_BOOL:
			msg_put_u32(m, *(const bool *)v);
			break;
		case K_U64:
		case K_I64:
			msg_put_u64(m, *(const uint64_t *)v);
			break;
		case K_STR:
		case K_OPT:
			msg_put_str(m, *(char *const *)v);
			break;
		case K_FIX:
		case K_SFIX:
			msg_put_u32(m, scaled(*(const double *)v, f->max));
			break;
		}
	}
}

/* Reads the fields into obj; one that is missing or beyond its limit
 * makes m bad.  The strings read are obj's, even then. */
static void
get_fields(struct msg *m, const struct field *f, size_t n, void *obj)
{
	char *base = obj;

	for (; n > 0; f++, n--) {
		void *v = base + f->off;
		char *s;

		switch (f->kind) {
		case K_U32:
		case K_INT:
			*(uint32_t *)v = msg_get_u32(m);
			break;
		case K_BOOL:
			*(bool *)v = msg_get_u32(m) != 0;
			break;
		case K_U64:
		case K_I64:
			*(uint64_t *)v = msg_get_u64(m);
			break;
		case K_STR:
		case K_OPT:
			*(char **)v = s = msg_get_str(m);
			if ((s == NULL && f->kind == K_STR && !m->bad) ||
			    (s != NULL && f->max > 0 && strlen(s) >= f->max))
				m->bad = true;
			break;
		case K_FIX:
			*(double *)v = msg_get_u32(m) / (double)f->max;
			break;
		case K_SFIX:
			*(double *)v = (int32_t)msg_get_u32(m) / (double)f->max;
			break;
		}
	}
}

/* Frees the strings of obj's fields. */
static void
release_fields(const struct field *f, size_t n, void *obj)
{
	char *base = obj;

	for (; n > 0; f++, n--)
		if (f->kind == K_STR || f->kind == K_OPT) {
			char **s = (char **)(void *)(base + f->off);

			free(*s);
			*s = NULL;
		}
}

static void
encode(struct msg *m, uint16_t type, const struct codec *c, const void *obj)
{
	msg_init(m, type);
	put_fields(m, c->f, c->n, obj);
}

static void
release(const struct codec *c, void *obj)
{
	release_fields(c->f, c->n, obj);
}

/* Whether the whole of m was read, without error, and is a message the
 * codec reads, with its descriptors. */
static bool
complete(const struct msg *m, const struct codec *c)
{
	return msg_end(m) && m->type < 32 && (c->types & 1u << m->type) &&
	    m->nfds == c->nfds;
}

/* Decodes a message of no list into obj: 0, or JOBMSG_EPROTO with obj
 * released. */
static int
decode(struct msg *m, const struct codec *c, void *obj)
{
	get_fields(m, c->f, c->n, obj);
	if (complete(m, c) && (c->valid == NULL || c->valid(obj)))
		return 0;
	release(c, obj);
	return JOBMSG_EPROTO;
}

/* The encoder, decoder and release of a message type T without a list,
 * described by its codec c (jobmsg.h declares them). */
#define CODEC_FUNCTIONS(name, T, type, c)				\
void									\
jobmsg_##name##_put(struct msg *m, const T *v)				\
{									\
	encode(m, type, &c, v);						\
}									\
									\
int									\
jobmsg_##name##_get(struct msg *m, T *v)				\
{									\
	return decode(m, &c, v);					\
}									\
									\
void									\
jobmsg_##name##_release(T *v)						\
{									\
	release(&c, v);							\
}

/* The name of a file the worker wrote: ours, with prefix, no path. */
static bool
stored_ok(const char *s, const char *prefix)
{
	return strchr(s, '/') == NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
jobmsg_output_name(const char *name)
{
	return stored_ok(name, JOBMSG_PAGE_PREFIX) ||
	    stored_ok(name, JOBMSG_ATTACHMENT_PREFIX) ||
	    strcmp(name, JOBMSG_PDF_NAME) == 0;
}

static bool
sha_ok(const char *s)
{
	return strlen(s) == SHA256_HEX_LEN &&
	    strspn(s, "0123456789abcdef") == SHA256_HEX_LEN;
}

/* ---- MSG_HELLO ---------------------------------------------------------- */

static const struct field hello_fields[] = {
	F(K_U32, struct jobmsg_hello, pid, 0),
	F(K_OPT, struct jobmsg_hello, sandbox, JOBMSG_MAX_TEXT),
};
static const struct codec hello_codec = { 1u << MSG_HELLO, 0, hello_fields,
	NFIELDS(hello_fields), NULL };

void
jobmsg_hello_put(struct msg *m, uint32_t pid, const char *sandbox)
{
	struct jobmsg_hello h = { pid, (char *)sandbox };

	encode(m, MSG_HELLO, &hello_codec, &h);
}

int
jobmsg_hello_get(struct msg *m, struct jobmsg_hello *h)
{
	return decode(m, &hello_codec, h);
}

void
jobmsg_hello_release(struct jobmsg_hello *h)
{
	release(&hello_codec, h);
}

/* ---- MSG_UNPACK --------------------------------------------------------- */

#define JOB(kind, member, max)	F(kind, struct jobmsg_job, member, max)
static const struct field job_fields[] = {
	JOB(K_I64, id, 0),
	JOB(K_STR, name, 0),
	JOB(K_BOOL, folder, 0),
	JOB(K_U64, lim.max_bytes, 0),
	JOB(K_U32, lim.max_members, 0),
	JOB(K_U32, lim.max_ratio, 0),
	JOB(K_U32, lim.max_depth, 0),
	JOB(K_U32, lim.max_width, 0),
	JOB(K_U32, lim.max_height, 0),
	JOB(K_U64, lim.max_pixels, 0),
	JOB(K_U32, lim.max_pages, 0),
	JOB(K_U32, cpu_s, 0),
	JOB(K_OPT, lang, 0),
	JOB(K_BOOL, pdf, 0),
	JOB(K_OPT, templates, 0),
	JOB(K_OPT, form, 0),
};
static const struct codec job_codec = { 1u << MSG_UNPACK, 2, job_fields,
	NFIELDS(job_fields), NULL };

void
jobmsg_job_init(struct jobmsg_job *j, const struct config *c)
{
	memset(j, 0, sizeof(*j));
	j->lim.max_bytes = c->max_unpacked;
	j->lim.max_members = c->max_members;
	j->lim.max_ratio = c->max_ratio;
	j->lim.max_depth = c->max_depth;
	j->lim.max_width = c->max_page_width;
	j->lim.max_height = c->max_page_height;
	j->lim.max_pixels = c->max_pixels;
	j->lim.max_pages = c->max_pages;
	j->cpu_s = c->job_timeout_s;
	j->in = j->out = -1;
}

void
jobmsg_unpack_put(struct msg *m, const struct jobmsg_job *j)
{
	encode(m, MSG_UNPACK, &job_codec, j);
	m->fds[0] = j->in;
	m->fds[1] = j->out;
	m->nfds = 2;
}

int
jobmsg_unpack_get(struct msg *m, struct jobmsg_job *j)
{
	memset(j, 0, sizeof(*j));
	j->in = j->out = -1;
	if (decode(m, &job_codec, j) != 0)
		return JOBMSG_EPROTO;
	j->in = m->fds[0];
	j->out = m->fds[1];
	m->nfds = 0;
	return 0;
}

void
jobmsg_job_release(struct jobmsg_job *j)
{
	release(&job_codec, j);
	j->in = j->out = -1;
}

/* ---- MSG_PROGRESS, MSG_WARNING, MSG_REFUSED ----------------------------- */

static const struct field text_fields[] = {
	{ K_STR, 0, JOBMSG_MAX_TEXT },
};
static const struct codec text_codec = { 1u << MSG_PROGRESS |
	1u << MSG_WARNING | 1u << MSG_REFUSED, 0, text_fields,
	NFIELDS(text_fields), NULL };

void
jobmsg_text_put(struct msg *m, uint16_t type, const char *text)
{
	encode(m, type, &text_codec, &text);
}

int
jobmsg_text_get(struct msg *m, char **text)
{
	return decode(m, &text_codec, text);
}

/* ---- MSG_PAGE ----------------------------------------------------------- */

#define PAGE(kind, member, max)	F(kind, struct page_row, member, max)
static const struct field page_fields[] = {
	PAGE(K_U32, seq, 0),
	PAGE(K_STR, source, 0),
	PAGE(K_OPT, member, 0),
	PAGE(K_U32, page_no, 0),
	PAGE(K_U32, width, 0),
	PAGE(K_U32, height, 0),
	PAGE(K_U32, depth, 0),
	PAGE(K_U32, xres, 0),
	PAGE(K_U32, yres, 0),
	PAGE(K_STR, sha256, SHA256_HEX_LEN + 1),
	PAGE(K_STR, path, JOBMSG_MAX_STORED),
	PAGE(K_I64, bytes, 0),
};

static bool
page_ok(const void *v)
{
	const struct page_row *p = v;

	return p->seq != 0 && p->bytes >= 0 && sha_ok(p->sha256) &&
	    stored_ok(p->path, JOBMSG_PAGE_PREFIX);
}
static const struct codec page_codec = { 1u << MSG_PAGE, 0, page_fields,
	NFIELDS(page_fields), page_ok };

void
jobmsg_page_put(struct msg *m, const struct page_row *p)
{
	encode(m, MSG_PAGE, &page_codec, p);
}

int
jobmsg_page_get(struct msg *m, const char *dir, struct page_row *p)
{
	char *file;

	memset(p, 0, sizeof(*p));
	if (decode(m, &page_codec, p) != 0)
		return JOBMSG_EPROTO;
	if (dir != NULL) {
		file = p->path;
		p->path = path_join(dir, file);
		free(file);
	}
	return 0;
}

/* ---- messages of a head and a list -------------------------------------- */

struct list_codec {
	uint16_t	 type;
	const struct field *head;	/* the fields before the list */
	size_t		 nhead;
	const struct field *elem;	/* those of one element */
	size_t		 nelem;
	size_t		 esize;		/* an element's size */
	size_t		 max;		/* elements at most */
};

static void
put_list(struct msg *m, const struct list_codec *c, const void *head,
    const void *elems, size_t n)
{
	size_t i;

	msg_init(m, c->type);
	put_fields(m, c->head, c->nhead, head);
	msg_put_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_fields(m, c->elem, c->nelem, (const char *)elems +
		    i * c->esize);
}

/* Frees the strings of head (NULL: none) and the list of n elements. */
static void
release_list(const struct list_codec *c, void *head, void *elems, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		release_fields(c->elem, c->nelem, (char *)elems + i * c->esize);
	free(elems);
	if (head != NULL)
		release_fields(c->head, c->nhead, head);
}

/* Reads head and returns the list (*n elements, the caller's), or NULL
 * for a malformed message, with all that was read released. */
static void *
get_list(struct msg *m, const struct list_codec *c, void *head, size_t *n)
{
	struct codec whole = { 1u << c->type, 0, NULL, 0, NULL };
	uint32_t want;
	char *elems = NULL;

	*n = 0;
	get_fields(m, c->head, c->nhead, head);
	want = msg_get_u32(m);
	if (!m->bad && want <= c->max) {
		elems = xcalloc(want, c->esize);
		for (; *n < want && !m->bad; (*n)++)
			get_fields(m, c->elem, c->nelem, elems + *n * c->esize);
	}
	if (elems != NULL && complete(m, &whole))
		return elems;
	release_list(c, head, elems, *n);
	*n = 0;
	return NULL;
}

/* ---- MSG_OCR: the page's reading, then its words ------------------------ */

static const struct field ocr_fields[] = {
	PAGE(K_U32, seq, 0),
	PAGE(K_INT, rotation, 0),
	PAGE(K_SFIX, skew, JOBMSG_SKEW_SCALE),
	PAGE(K_INT, confidence, 0),
	PAGE(K_STR, text, 0),
};

#define WORD(kind, member, max)	F(kind, struct word_row, member, max)
static const struct field word_fields[] = {
	WORD(K_STR, text, 0),
	BOX(struct word_row),
	WORD(K_FIX, conf, JOBMSG_CONF_SCALE),
	WORD(K_INT, block, 0),
	WORD(K_INT, line, 0),
};

static const struct list_codec ocr_codec = { MSG_OCR, ocr_fields,
	NFIELDS(ocr_fields), word_fields, NFIELDS(word_fields),
	sizeof(struct word_row), JOBMSG_MAX_WORDS };

void
jobmsg_ocr_put(struct msg *m, const struct page_row *p)
{
	put_list(m, &ocr_codec, p, p->words, p->nwords);
}

/* A page is turned by a quarter turn, or not at all. */
int
jobmsg_ocr_get(struct msg *m, struct page_row *p)
{
	memset(p, 0, sizeof(*p));
	p->words = get_list(m, &ocr_codec, p, &p->nwords);
	if (p->words == NULL || p->rotation % 90 != 0 || p->rotation < 0 ||
	    p->rotation > 270) {
		page_row_release(p);
		return JOBMSG_EPROTO;
	}
	p->read = true;
	return 0;
}

/* A page's description, its reading and its words. */
void
page_row_release(struct page_row *p)
{
	release_list(&ocr_codec, p, p->words, p->nwords);
	release(&page_codec, p);
	memset(p, 0, sizeof(*p));
}

/* ---- MSG_FIELDS: the page's form, then its fields ----------------------- */

static const struct field form_fields[] = {
	F(K_U32, struct form_page, page, 0),
	F(K_STR, struct form_page, form, 0),
	F(K_U32, struct form_page, form_page, 0),
	F(K_FIX, struct form_page, score, JOBMSG_SCORE_SCALE),
	F(K_U32, struct form_page, anchors_found, 0),
	F(K_U32, struct form_page, anchors_total, 0),
	F(K_U64, struct form_page, anchors_mask, 0),
	F(K_FIX, struct form_page, residual_mm, JOBMSG_MM_SCALE),
	F(K_FIX, struct form_page, residual_max_mm, JOBMSG_MM_SCALE),
	F(K_BOOL, struct form_page, aligned, 0),
};

#define RF(kind, member, max)	F(kind, struct read_field, member, max)
static const struct field read_fields[] = {
	RF(K_STR, name, 0),
	RF(K_STR, type, 0),
	RF(K_STR, value, 0),
	RF(K_OPT, raw, 0),
	RF(K_OPT, why, 0),
	RF(K_STR, status, 0),
	RF(K_FIX, confidence, JOBMSG_SCORE_SCALE),
	BOX(struct read_field),
};

static const struct list_codec fields_codec = { MSG_FIELDS, form_fields,
	NFIELDS(form_fields), read_fields, NFIELDS(read_fields),
	sizeof(struct read_field), JOBMSG_MAX_FIELDS };

void
jobmsg_fields_put(struct msg *m, const struct form_reading *r)
{
	put_list(m, &fields_codec, &r->forms[0], r->fields, r->nfields);
}

/* A fit tells as many anchors found as its mask has, among the page's
 * anchors, and no more of those than JOBMSG_MAX_ANCHORS. */
static bool
fit_ok(const struct form_page *f)
{
	return f->anchors_total <= JOBMSG_MAX_ANCHORS &&
	    f->anchors_found <= f->anchors_total &&
	    (uint32_t)__builtin_popcountll(f->anchors_mask) ==
	    f->anchors_found && (f->anchors_total == JOBMSG_MAX_ANCHORS ||
	    f->anchors_mask >> f->anchors_total == 0);
}

/* Every field is of the page of the form; there is no page 0; the fit
 * holds together. */
int
jobmsg_fields_get(struct msg *m, struct form_reading *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->forms = xcalloc(1, sizeof(*r->forms));
	r->nforms = 1;
	r->fields = get_list(m, &fields_codec, r->forms, &r->nfields);
	if (r->fields == NULL || r->forms->page == 0 || !fit_ok(r->forms)) {
		form_reading_release(r);
		return JOBMSG_EPROTO;
	}
	for (i = 0; i < r->nfields; i++)
		r->fields[i].page = r->forms->page;
	return 0;
}

/* Moves the n elements of src (then freed), size bytes each, to the end
 * of the *have of v; returns v, grown. */
static void *
append(void *v, size_t *have, void *src, size_t n, size_t size)
{
	v = xreallocarray(v, *have + n, size);
	if (n > 0)
		memcpy((char *)v + *have * size, src, n * size);
	*have += n;
	free(src);
	return v;
}

void
form_reading_append(struct form_reading *r, struct form_reading *from)
{
	r->forms = append(r->forms, &r->nforms, from->forms, from->nforms,
	    sizeof(*r->forms));
	r->fields = append(r->fields, &r->nfields, from->fields,
	    from->nfields, sizeof(*r->fields));
	memset(from, 0, sizeof(*from));
}

void
form_reading_release(struct form_reading *r)
{
	size_t i;

	for (i = 0; i < r->nforms; i++)
		release_fields(form_fields, NFIELDS(form_fields), &r->forms[i]);
	free(r->forms);
	release_list(&fields_codec, NULL, r->fields, r->nfields);
	memset(r, 0, sizeof(*r));
}

/* ---- MSG_ATTACHMENT ----------------------------------------------------- */

#define ATT(kind, member, max)	F(kind, struct jobmsg_attachment, member, max)
static const struct field attachment_fields[] = {
	ATT(K_STR, name, 0),
	ATT(K_STR, stored, JOBMSG_MAX_STORED),
	ATT(K_U64, size, 0),
	ATT(K_STR, sha256, SHA256_HEX_LEN + 1),
};

static bool
attachment_ok(const void *v)
{
	const struct jobmsg_attachment *a = v;

	return a->size <= INT64_MAX && sha_ok(a->sha256) &&
	    stored_ok(a->stored, JOBMSG_ATTACHMENT_PREFIX);
}
static const struct codec attachment_codec = { 1u << MSG_ATTACHMENT, 0,
	attachment_fields, NFIELDS(attachment_fields), attachment_ok };

CODEC_FUNCTIONS(attachment, struct jobmsg_attachment, MSG_ATTACHMENT, attachment_codec)

/* ---- MSG_MANIFEST ------------------------------------------------------- */

#define MF(kind, member, max)	F(kind, struct jobmsg_manifest, member, max)
static const struct field manifest_fields[] = {
	MF(K_OPT, reference, JOBMSG_MAX_MANIFEST_TEXT + 1),
	MF(K_OPT, channel, JOBMSG_MAX_MANIFEST_TEXT + 1),
	MF(K_OPT, sender, JOBMSG_MAX_MANIFEST_TEXT + 1),
	MF(K_OPT, form_hint, JOBMSG_MAX_MANIFEST_TEXT + 1),
	MF(K_U32, pages, 0),
};

static bool
manifest_ok(const void *v)
{
	return ((const struct jobmsg_manifest *)v)->pages <=
	    JOBMSG_MAX_MANIFEST_PAGES;
}
static const struct codec manifest_codec = { 1u << MSG_MANIFEST, 0,
	manifest_fields, NFIELDS(manifest_fields), manifest_ok };

CODEC_FUNCTIONS(manifest, struct jobmsg_manifest, MSG_MANIFEST, manifest_codec)

/* ---- MSG_DONE ----------------------------------------------------------- */

static const struct field done_fields[] = {
	F(K_U32, struct jobmsg_done, pages, 0),
	F(K_U32, struct jobmsg_done, attachments, 0),
	F(K_OPT, struct jobmsg_done, pdf, 0),
};

/* The PDF is the worker's own file, by its one name. */
static bool
done_ok(const void *v)
{
	const char *pdf = ((const struct jobmsg_done *)v)->pdf;

	return pdf == NULL || strcmp(pdf, JOBMSG_PDF_NAME) == 0;
}
static const struct codec done_codec = { 1u << MSG_DONE, 0, done_fields,
	NFIELDS(done_fields), done_ok };

CODEC_FUNCTIONS(done, struct jobmsg_done, MSG_DONE, done_codec)

/* ---- MSG_DEFERRED ------------------------------------------------------- */

static const struct field deferred_fields[] = {
	F(K_U32, struct jobmsg_deferred, err, 0),
	F(K_STR, struct jobmsg_deferred, text, JOBMSG_MAX_TEXT),
};

/* Only a full disk defers a job: any other error is the delivery's. */
static bool
deferred_ok(const void *v)
{
	uint32_t err = ((const struct jobmsg_deferred *)v)->err;

	return err == ENOSPC || err == EDQUOT;
}
static const struct codec deferred_codec = { 1u << MSG_DEFERRED, 0,
	deferred_fields, NFIELDS(deferred_fields), deferred_ok };

CODEC_FUNCTIONS(deferred, struct jobmsg_deferred, MSG_DEFERRED,
    deferred_codec)

/* ---- what MSG_FIELDS told: the form of a delivery ----------------------- */

const struct template *
form_choose(struct template *const *tpls, size_t ntpls,
    const struct form_reading *r)
{
	const struct template *best = NULL;
	size_t bestn = 0, i, k;
	double bests = 0;

	for (i = 0; i < ntpls; i++) {
		size_t n = 0;
		double s = 0;

		for (k = 0; k < r->nforms; k++)
			if (strcmp(r->forms[k].form, tpls[i]->id) == 0) {
				n++;
				s += r->forms[k].score;
			}
		if (n > bestn || (n == bestn && n > 0 && s > bests)) {
			best = tpls[i];
			bestn = n;
			bests = s;
		}
	}
	return best;
}

uint32_t
form_page_of(const struct form_reading *r, const char *id, int n)
{
	uint32_t page = 0;
	double best = -1;
	size_t k;

	for (k = 0; k < r->nforms; k++)
		if (strcmp(r->forms[k].form, id) == 0 &&
		    (int)r->forms[k].form_page == n && r->forms[k].score > best) {
			best = r->forms[k].score;
			page = r->forms[k].page;
		}
	return page;
}

const struct read_field *
form_field(const struct form_reading *r, uint32_t page, const char *name)
{
	size_t k;

	for (k = 0; k < r->nfields; k++)
		if (r->fields[k].page == page &&
		    strcmp(r->fields[k].name, name) == 0)
			return &r->fields[k];
	return NULL;
}

