/*
 * jobmsg.c - the worker protocol's messages, encoder beside decoder for
 * each (jobmsg.h).  The worker is not trusted: every decoder checks each
 * field, the limits and the end of the payload.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "jobmsg.h"
#include "sha256.h"
#include "template.h"

/* The end of a decoder: the payload read exactly, no descriptor beside
 * it (nfds: the number the message carries). */
static int
decoded(const struct msg *m, int nfds)
{
	return msg_end(m) && m->nfds == nfds ? 0 : JOBMSG_EPROTO;
}

/* A string that is there and shorter than max bytes (with its NUL). */
static bool
str_ok(const char *s, size_t max)
{
	return s != NULL && strlen(s) < max;
}

/* NULL or a string shorter than max bytes. */
static bool
opt_ok(const char *s, size_t max)
{
	return s == NULL || strlen(s) < max;
}

/* The name of a file the worker wrote: ours, with prefix, no path. */
static bool
stored_ok(const char *s, const char *prefix)
{
	return str_ok(s, JOBMSG_MAX_STORED) && strchr(s, '/') == NULL &&
	    strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
sha_ok(const char *s)
{
	return s != NULL && strlen(s) == SHA256_HEX_LEN &&
	    strspn(s, "0123456789abcdef") == SHA256_HEX_LEN;
}

/* v in fixed point, rounded half away from zero. */
static uint32_t
scaled(double v, int scale)
{
	double x = v * scale;

	return (uint32_t)(int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

/* ---- MSG_HELLO ---------------------------------------------------------- */

void
jobmsg_hello_put(struct msg *m, uint32_t pid, const char *sandbox)
{
	msg_init(m, MSG_HELLO);
	msg_put_u32(m, pid);
	msg_put_str(m, sandbox);
}

int
jobmsg_hello_get(struct msg *m, struct jobmsg_hello *h)
{
	h->pid = msg_get_u32(m);
	h->sandbox = msg_get_str(m);
	if (m->type != MSG_HELLO || decoded(m, 0) != 0 ||
	    !opt_ok(h->sandbox, JOBMSG_MAX_TEXT)) {
		jobmsg_hello_release(h);
		return JOBMSG_EPROTO;
	}
	return 0;
}

void
jobmsg_hello_release(struct jobmsg_hello *h)
{
	free(h->sandbox);
	memset(h, 0, sizeof(*h));
}

/* ---- MSG_UNPACK --------------------------------------------------------- */

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
	msg_init(m, MSG_UNPACK);
	msg_put_u64(m, (uint64_t)j->id);
	msg_put_str(m, j->name);
	msg_put_u32(m, j->folder);
	msg_put_u64(m, j->lim.max_bytes);
	msg_put_u32(m, j->lim.max_members);
	msg_put_u32(m, j->lim.max_ratio);
	msg_put_u32(m, j->lim.max_depth);
	msg_put_u32(m, j->lim.max_width);
	msg_put_u32(m, j->lim.max_height);
	msg_put_u64(m, j->lim.max_pixels);
	msg_put_u32(m, j->lim.max_pages);
	msg_put_u32(m, j->cpu_s);
	msg_put_str(m, j->lang);
	msg_put_u32(m, j->pdf);
	msg_put_str(m, j->templates);
	msg_put_str(m, j->form);
	m->fds[0] = j->in;
	m->fds[1] = j->out;
	m->nfds = 2;
}

int
jobmsg_unpack_get(struct msg *m, struct jobmsg_job *j)
{
	memset(j, 0, sizeof(*j));
	j->in = j->out = -1;
	j->id = (int64_t)msg_get_u64(m);
	j->name = msg_get_str(m);
	j->folder = msg_get_u32(m) != 0;
	j->lim.max_bytes = msg_get_u64(m);
	j->lim.max_members = msg_get_u32(m);
	j->lim.max_ratio = msg_get_u32(m);
	j->lim.max_depth = msg_get_u32(m);
	j->lim.max_width = msg_get_u32(m);
	j->lim.max_height = msg_get_u32(m);
	j->lim.max_pixels = msg_get_u64(m);
	j->lim.max_pages = msg_get_u32(m);
	j->cpu_s = msg_get_u32(m);
	j->lang = msg_get_str(m);
	j->pdf = msg_get_u32(m) != 0;
	j->templates = msg_get_str(m);
	j->form = msg_get_str(m);
	if (m->type != MSG_UNPACK || decoded(m, 2) != 0 || j->name == NULL) {
		jobmsg_job_release(j);
		return JOBMSG_EPROTO;
	}
	j->in = m->fds[0];
	j->out = m->fds[1];
	m->nfds = 0;
	return 0;
}

void
jobmsg_job_release(struct jobmsg_job *j)
{
	free(j->name);
	free(j->lang);
	free(j->templates);
	free(j->form);
	memset(j, 0, sizeof(*j));
	j->in = j->out = -1;
}

/* ---- MSG_PROGRESS, MSG_WARNING, MSG_REFUSED ----------------------------- */

void
jobmsg_text_put(struct msg *m, uint16_t type, const char *text)
{
	msg_init(m, type);
	msg_put_str(m, text);
}

int
jobmsg_text_get(struct msg *m, char **text)
{
	*text = msg_get_str(m);
	if ((m->type != MSG_PROGRESS && m->type != MSG_WARNING &&
	    m->type != MSG_REFUSED) || decoded(m, 0) != 0 ||
	    !str_ok(*text, JOBMSG_MAX_TEXT)) {
		free(*text);
		*text = NULL;
		return JOBMSG_EPROTO;
	}
	return 0;
}

/* ---- MSG_PAGE ----------------------------------------------------------- */

void
jobmsg_page_put(struct msg *m, const struct page_row *p)
{
	msg_init(m, MSG_PAGE);
	msg_put_u32(m, p->seq);
	msg_put_str(m, p->source);
	msg_put_str(m, p->member);
	msg_put_u32(m, p->page_no);
	msg_put_u32(m, p->width);
	msg_put_u32(m, p->height);
	msg_put_u32(m, p->depth);
	msg_put_u32(m, p->xres);
	msg_put_u32(m, p->yres);
	msg_put_str(m, p->sha256);
	msg_put_str(m, p->path);
	msg_put_u64(m, (uint64_t)p->bytes);
}

int
jobmsg_page_get(struct msg *m, const char *dir, struct page_row *p)
{
	char *file;

	memset(p, 0, sizeof(*p));
	p->seq = msg_get_u32(m);
	p->source = msg_get_str(m);
	p->member = msg_get_str(m);
	p->page_no = msg_get_u32(m);
	p->width = msg_get_u32(m);
	p->height = msg_get_u32(m);
	p->depth = msg_get_u32(m);
	p->xres = msg_get_u32(m);
	p->yres = msg_get_u32(m);
	p->sha256 = msg_get_str(m);
	file = msg_get_str(m);
	p->bytes = (int64_t)msg_get_u64(m);
	if (m->type != MSG_PAGE || decoded(m, 0) != 0 || p->source == NULL ||
	    !sha_ok(p->sha256) || !stored_ok(file, JOBMSG_PAGE_PREFIX) ||
	    p->seq == 0 || p->bytes < 0) {
		free(file);
		page_row_release(p);
		return JOBMSG_EPROTO;
	}
	if (dir != NULL) {
		p->path = path_join(dir, file);
		free(file);
	} else
		p->path = file;
	return 0;
}

void
page_row_release(struct page_row *p)
{
	size_t i;

	for (i = 0; i < p->nwords; i++)
		free(p->words[i].text);
	free(p->words);
	free(p->text);
	free(p->source);
	free(p->member);
	free(p->sha256);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* ---- MSG_OCR ------------------------------------------------------------ */

void
jobmsg_ocr_put(struct msg *m, const struct page_row *p)
{
	size_t i;

	msg_init(m, MSG_OCR);
	msg_put_u32(m, p->seq);
	msg_put_u32(m, (uint32_t)p->rotation);
	msg_put_u32(m, scaled(p->skew, JOBMSG_SKEW_SCALE));
	msg_put_u32(m, (uint32_t)p->confidence);
	msg_put_str(m, p->text);
	msg_put_u32(m, (uint32_t)p->nwords);
	for (i = 0; i < p->nwords; i++) {
		const struct word_row *w = &p->words[i];

		msg_put_str(m, w->text);
		msg_put_u32(m, (uint32_t)w->x);
		msg_put_u32(m, (uint32_t)w->y);
		msg_put_u32(m, (uint32_t)w->w);
		msg_put_u32(m, (uint32_t)w->h);
		msg_put_u32(m, scaled(w->conf, JOBMSG_CONF_SCALE));
		msg_put_u32(m, (uint32_t)w->block);
		msg_put_u32(m, (uint32_t)w->line);
	}
}

int
jobmsg_ocr_get(struct msg *m, struct page_row *p)
{
	uint32_t n, i;

	memset(p, 0, sizeof(*p));
	p->seq = msg_get_u32(m);
	p->rotation = (int)msg_get_u32(m);
	p->skew = (int32_t)msg_get_u32(m) / (double)JOBMSG_SKEW_SCALE;
	p->confidence = (int)msg_get_u32(m);
	p->text = msg_get_str(m);
	n = msg_get_u32(m);
	if (m->bad || p->text == NULL || n > JOBMSG_MAX_WORDS ||
	    p->rotation % 90 != 0 || p->rotation < 0 || p->rotation > 270)
		goto fail;
	p->words = xcalloc(n, sizeof(*p->words));
	for (i = 0; i < n && !m->bad; i++) {
		struct word_row *w = &p->words[i];

		w->text = msg_get_str(m);
		w->x = (int)msg_get_u32(m);
		w->y = (int)msg_get_u32(m);
		w->w = (int)msg_get_u32(m);
		w->h = (int)msg_get_u32(m);
		w->conf = msg_get_u32(m) / (double)JOBMSG_CONF_SCALE;
		w->block = (int)msg_get_u32(m);
		w->line = (int)msg_get_u32(m);
		p->nwords = i + 1;
		if (w->text == NULL)
			m->bad = true;
	}
	if (m->type != MSG_OCR || decoded(m, 0) != 0)
		goto fail;
	p->read = true;
	return 0;
fail:
	page_row_release(p);
	return JOBMSG_EPROTO;
}

/* ---- MSG_FIELDS --------------------------------------------------------- */

void
jobmsg_fields_put(struct msg *m, const struct form_reading *r)
{
	const struct form_page *fp = &r->forms[0];
	size_t i;

	msg_init(m, MSG_FIELDS);
	msg_put_u32(m, fp->page);
	msg_put_str(m, fp->form);
	msg_put_u32(m, fp->form_page);
	msg_put_u32(m, scaled(fp->score, JOBMSG_SCORE_SCALE));
	msg_put_u32(m, (uint32_t)r->nfields);
	for (i = 0; i < r->nfields; i++) {
		const struct read_field *f = &r->fields[i];

		msg_put_str(m, f->name);
		msg_put_str(m, f->type);
		msg_put_str(m, f->value);
		msg_put_str(m, f->raw);
		msg_put_str(m, f->why);
		msg_put_str(m, f->status);
		msg_put_u32(m, scaled(f->confidence, JOBMSG_SCORE_SCALE));
		msg_put_u32(m, (uint32_t)f->x);
		msg_put_u32(m, (uint32_t)f->y);
		msg_put_u32(m, (uint32_t)f->w);
		msg_put_u32(m, (uint32_t)f->h);
	}
}

int
jobmsg_fields_get(struct msg *m, struct form_reading *r)
{
	struct form_page *fp;
	uint32_t n, i;

	memset(r, 0, sizeof(*r));
	r->forms = xcalloc(1, sizeof(*r->forms));
	r->nforms = 1;
	fp = &r->forms[0];
	fp->page = msg_get_u32(m);
	fp->form = msg_get_str(m);
	fp->form_page = msg_get_u32(m);
	fp->score = msg_get_u32(m) / (double)JOBMSG_SCORE_SCALE;
	n = msg_get_u32(m);
	if (m->bad || fp->form == NULL || fp->page == 0 ||
	    n > JOBMSG_MAX_FIELDS)
		goto fail;
	r->fields = xcalloc(n, sizeof(*r->fields));
	for (i = 0; i < n && !m->bad; i++) {
		struct read_field *f = &r->fields[i];

		r->nfields = i + 1;
		f->page = fp->page;
		f->name = msg_get_str(m);
		f->type = msg_get_str(m);
		f->value = msg_get_str(m);
		f->raw = msg_get_str(m);
		f->why = msg_get_str(m);
		f->status = msg_get_str(m);
		f->confidence = msg_get_u32(m) / (double)JOBMSG_SCORE_SCALE;
		f->x = (int)msg_get_u32(m);
		f->y = (int)msg_get_u32(m);
		f->w = (int)msg_get_u32(m);
		f->h = (int)msg_get_u32(m);
		if (f->name == NULL || f->status == NULL || f->value == NULL ||
		    f->type == NULL)
			m->bad = true;
	}
	if (m->type != MSG_FIELDS || decoded(m, 0) != 0)
		goto fail;
	return 0;
fail:
	form_reading_release(r);
	return JOBMSG_EPROTO;
}

void
form_reading_append(struct form_reading *r, struct form_reading *from)
{
	r->forms = xreallocarray(r->forms, r->nforms + from->nforms,
	    sizeof(*r->forms));
	if (from->nforms > 0)
		memcpy(r->forms + r->nforms, from->forms,
		    from->nforms * sizeof(*r->forms));
	r->nforms += from->nforms;
	r->fields = xreallocarray(r->fields, r->nfields + from->nfields,
	    sizeof(*r->fields));
	if (from->nfields > 0)
		memcpy(r->fields + r->nfields, from->fields,
		    from->nfields * sizeof(*r->fields));
	r->nfields += from->nfields;
	free(from->forms);
	free(from->fields);
	memset(from, 0, sizeof(*from));
}

void
form_reading_release(struct form_reading *r)
{
	size_t i;

	for (i = 0; i < r->nforms; i++)
		free(r->forms[i].form);
	free(r->forms);
	for (i = 0; i < r->nfields; i++) {
		struct read_field *f = &r->fields[i];

		free(f->name);
		free(f->type);
		free(f->value);
		free(f->raw);
		free(f->why);
		free(f->status);
	}
	free(r->fields);
	memset(r, 0, sizeof(*r));
}

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

/* ---- MSG_ATTACHMENT ----------------------------------------------------- */

void
jobmsg_attachment_put(struct msg *m, const struct jobmsg_attachment *a)
{
	msg_init(m, MSG_ATTACHMENT);
	msg_put_str(m, a->name);
	msg_put_str(m, a->stored);
	msg_put_u64(m, a->size);
	msg_put_str(m, a->sha256);
}

int
jobmsg_attachment_get(struct msg *m, struct jobmsg_attachment *a)
{
	a->name = msg_get_str(m);
	a->stored = msg_get_str(m);
	a->size = msg_get_u64(m);
	a->sha256 = msg_get_str(m);
	if (m->type != MSG_ATTACHMENT || decoded(m, 0) != 0 ||
	    a->name == NULL || !sha_ok(a->sha256) || a->size > INT64_MAX ||
	    !stored_ok(a->stored, JOBMSG_ATTACHMENT_PREFIX)) {
		jobmsg_attachment_release(a);
		return JOBMSG_EPROTO;
	}
	return 0;
}

void
jobmsg_attachment_release(struct jobmsg_attachment *a)
{
	free(a->name);
	free(a->stored);
	free(a->sha256);
	memset(a, 0, sizeof(*a));
}

/* ---- MSG_MANIFEST ------------------------------------------------------- */

void
jobmsg_manifest_put(struct msg *m, const struct jobmsg_manifest *mf)
{
	msg_init(m, MSG_MANIFEST);
	msg_put_str(m, mf->reference);
	msg_put_str(m, mf->channel);
	msg_put_str(m, mf->sender);
	msg_put_str(m, mf->form_hint);
	msg_put_u32(m, mf->pages);
}

int
jobmsg_manifest_get(struct msg *m, struct jobmsg_manifest *mf)
{
	mf->reference = msg_get_str(m);
	mf->channel = msg_get_str(m);
	mf->sender = msg_get_str(m);
	mf->form_hint = msg_get_str(m);
	mf->pages = msg_get_u32(m);
	if (m->type != MSG_MANIFEST || decoded(m, 0) != 0 ||
	    !opt_ok(mf->reference, JOBMSG_MAX_MANIFEST_TEXT + 1) ||
	    !opt_ok(mf->channel, JOBMSG_MAX_MANIFEST_TEXT + 1) ||
	    !opt_ok(mf->sender, JOBMSG_MAX_MANIFEST_TEXT + 1) ||
	    !opt_ok(mf->form_hint, JOBMSG_MAX_MANIFEST_TEXT + 1) ||
	    mf->pages > JOBMSG_MAX_MANIFEST_PAGES) {
		jobmsg_manifest_release(mf);
		return JOBMSG_EPROTO;
	}
	return 0;
}

void
jobmsg_manifest_release(struct jobmsg_manifest *mf)
{
	free(mf->reference);
	free(mf->channel);
	free(mf->sender);
	free(mf->form_hint);
	memset(mf, 0, sizeof(*mf));
}

/* ---- MSG_DONE ----------------------------------------------------------- */

void
jobmsg_done_put(struct msg *m, const struct jobmsg_done *d)
{
	msg_init(m, MSG_DONE);
	msg_put_u32(m, d->pages);
	msg_put_u32(m, d->attachments);
	msg_put_str(m, d->pdf);
}

int
jobmsg_done_get(struct msg *m, struct jobmsg_done *d)
{
	d->pages = msg_get_u32(m);
	d->attachments = msg_get_u32(m);
	d->pdf = msg_get_str(m);
	if (m->type != MSG_DONE || decoded(m, 0) != 0 ||
	    (d->pdf != NULL && strcmp(d->pdf, JOBMSG_PDF_NAME) != 0)) {
		jobmsg_done_release(d);
		return JOBMSG_EPROTO;
	}
	return 0;
}

void
jobmsg_done_release(struct jobmsg_done *d)
{
	free(d->pdf);
	memset(d, 0, sizeof(*d));
}
