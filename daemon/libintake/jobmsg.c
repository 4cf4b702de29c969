/*
 * jobmsg.c - job and result messages of the worker protocol, daemon side.
 * The worker is not trusted: every field is checked on receipt.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "jobmsg.h"
#include "template.h"

void
jobmsg_unpack(struct msg *m, const struct config *c, int64_t id,
    const char *name, bool folder, const char *lang, bool pdf,
    const char *templates, const char *form)
{
	msg_init(m, MSG_UNPACK);
	msg_put_u64(m, (uint64_t)id);
	msg_put_str(m, name);
	msg_put_u32(m, folder);
	msg_put_u64(m, c->max_unpacked);
	msg_put_u32(m, c->max_members);
	msg_put_u32(m, c->max_ratio);
	msg_put_u32(m, c->max_depth);
	msg_put_u32(m, c->max_page_width);
	msg_put_u32(m, c->max_page_height);
	msg_put_u64(m, c->max_pixels);
	msg_put_u32(m, c->max_pages);
	msg_put_u32(m, c->job_timeout_s);
	msg_put_str(m, lang);
	msg_put_u32(m, pdf);
	msg_put_str(m, templates);
	msg_put_str(m, form);
}

bool
jobmsg_page(struct msg *m, const char *dir, uint32_t expect_seq,
    struct page_row *pr)
{
	char *file;

	memset(pr, 0, sizeof(*pr));
	pr->seq = msg_get_u32(m);
	pr->source = msg_get_str(m);
	pr->member = msg_get_str(m);
	pr->page_no = msg_get_u32(m);
	pr->width = msg_get_u32(m);
	pr->height = msg_get_u32(m);
	pr->depth = msg_get_u32(m);
	pr->xres = msg_get_u32(m);
	pr->yres = msg_get_u32(m);
	pr->sha256 = msg_get_str(m);
	file = msg_get_str(m);
	pr->bytes = (int64_t)msg_get_u64(m);
	if (!msg_end(m) || pr->source == NULL || pr->sha256 == NULL ||
	    file == NULL || strchr(file, '/') != NULL ||
	    strncmp(file, "page-", 5) != 0 || pr->seq != expect_seq) {
		free(file);
		page_row_release(pr);
		return false;
	}
	pr->path = path_join(dir, file);
	free(file);
	return true;
}

bool
jobmsg_ocr(struct msg *m, struct page_row *p)
{
	uint32_t seq = msg_get_u32(m), n, i;

	if (seq != p->seq || p->read)
		return false;
	p->rotation = (int)msg_get_u32(m);
	p->skew = (int32_t)msg_get_u32(m) / 100.0;
	p->confidence = (int)msg_get_u32(m);
	p->text = msg_get_str(m);
	n = msg_get_u32(m);
	if (m->bad || p->text == NULL || n > 20000 || p->rotation % 90 != 0 ||
	    p->rotation < 0 || p->rotation > 270)
		return false;
	p->words = xcalloc(n, sizeof(*p->words));
	for (i = 0; i < n && !m->bad; i++) {
		struct word_row *w = &p->words[i];

		w->text = msg_get_str(m);
		w->x = (int)msg_get_u32(m);
		w->y = (int)msg_get_u32(m);
		w->w = (int)msg_get_u32(m);
		w->h = (int)msg_get_u32(m);
		w->conf = msg_get_u32(m) / 100.0;
		w->block = (int)msg_get_u32(m);
		w->line = (int)msg_get_u32(m);
		p->nwords = i + 1;
		if (w->text == NULL)
			m->bad = true;
	}
	p->read = true;
	return msg_end(m);
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

bool
jobmsg_fields(struct msg *m, size_t npages, struct form_reading *r)
{
	struct form_page *fp;
	uint32_t seq = msg_get_u32(m), n, i;

	r->forms = xreallocarray(r->forms, r->nforms + 1, sizeof(*r->forms));
	fp = &r->forms[r->nforms++];
	fp->page = seq;
	fp->form = msg_get_str(m);
	fp->form_page = msg_get_u32(m);
	fp->score = msg_get_u32(m) / 1000.0;
	n = msg_get_u32(m);
	if (m->bad || fp->form == NULL || seq == 0 || seq > npages || n > 1000)
		return false;
	for (i = 0; i < n && !m->bad; i++) {
		struct read_field *f;

		r->fields = xreallocarray(r->fields, r->nfields + 1,
		    sizeof(*r->fields));
		f = &r->fields[r->nfields++];
		memset(f, 0, sizeof(*f));
		f->page = seq;
		f->name = msg_get_str(m);
		f->type = msg_get_str(m);
		f->value = msg_get_str(m);
		f->raw = msg_get_str(m);
		f->why = msg_get_str(m);
		f->status = msg_get_str(m);
		f->confidence = msg_get_u32(m) / 1000.0;
		f->x = (int)msg_get_u32(m);
		f->y = (int)msg_get_u32(m);
		f->w = (int)msg_get_u32(m);
		f->h = (int)msg_get_u32(m);
		if (f->name == NULL || f->status == NULL || f->value == NULL ||
		    f->type == NULL)
			m->bad = true;
	}
	return msg_end(m);
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
