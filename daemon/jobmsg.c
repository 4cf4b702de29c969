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

void
jobmsg_unpack(struct msg *m, const struct config *c, int64_t id,
    const char *name, bool folder, const char *lang, bool pdf)
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
