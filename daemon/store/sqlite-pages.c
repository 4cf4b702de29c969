/*
 * sqlite-pages.c - pages and words: each page of a case, the text and
 * every word OCR read on it, and reading a case again.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sqlite.h"

/* The text and words OCR read on a page. */
static int
store_page_ocr(struct store *st, int64_t case_id, const struct page_row *p)
{
	sqlite3_stmt *s = st->stmt[S_PAGE_OCR], *w = st->stmt[S_WORD];
	size_t i;
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)p->seq);
	sqlite3_bind_int(s, 3, p->rotation);
	sqlite3_bind_double(s, 4, p->skew);
	sqlite3_bind_int(s, 5, p->confidence);
	bind_text(s, 6, p->text ? p->text : "");
	if ((rc = sqlite_run(st, s, "recording a page's text")) != 0)
		return rc;
	for (i = 0; i < p->nwords; i++) {
		const struct word_row *wr = &p->words[i];

		sqlite3_bind_int64(w, 1, case_id);
		sqlite3_bind_int(w, 2, (int)p->seq);
		sqlite3_bind_int(w, 3, (int)i + 1);
		sqlite3_bind_int(w, 4, wr->block);
		sqlite3_bind_int(w, 5, wr->line);
		bind_text(w, 6, wr->text);
		sqlite3_bind_int(w, 7, wr->x);
		sqlite3_bind_int(w, 8, wr->y);
		sqlite3_bind_int(w, 9, wr->w);
		sqlite3_bind_int(w, 10, wr->h);
		sqlite3_bind_double(w, 11, wr->conf);
		if ((rc = sqlite_run(st, w, "recording a word")) != 0)
			return rc;
	}
	return 0;
}

int
store_page_words(struct store *st, int64_t case_id, uint32_t seq,
    int (*fn)(const struct word_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct word_row w;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, sqlite_stmt_sql[S_WORDS], -1, &s, NULL) !=
	    SQLITE_OK)
		return sqlite_fail(st, "listing words");
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)seq);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&w, 0, sizeof(w));
		w.text = (char *)sqlite3_column_text(s, 0);
		w.x = sqlite3_column_int(s, 1);
		w.y = sqlite3_column_int(s, 2);
		w.w = sqlite3_column_int(s, 3);
		w.h = sqlite3_column_int(s, 4);
		w.conf = sqlite3_column_double(s, 5);
		w.block = sqlite3_column_int(s, 6);
		w.line = sqlite3_column_int(s, 7);
		if ((r = fn(&w, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, "listing words");
	sqlite3_finalize(s);
	return r;
}

int
store_case_add_page(struct store *st, int64_t case_id, const struct page_row *p)
{
	sqlite3_stmt *s = st->stmt[S_CASE_PAGE];
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)p->seq);
	bind_text(s, 3, p->source);
	bind_text(s, 4, p->member);
	sqlite3_bind_int(s, 5, (int)p->page_no);
	sqlite3_bind_int(s, 6, (int)p->width);
	sqlite3_bind_int(s, 7, (int)p->height);
	sqlite3_bind_int(s, 8, (int)p->depth);
	sqlite3_bind_int(s, 9, (int)p->xres);
	sqlite3_bind_int(s, 10, (int)p->yres);
	bind_text(s, 11, p->sha256);
	bind_text(s, 12, p->path);
	sqlite3_bind_int64(s, 13, p->bytes);
	if ((rc = sqlite_run(st, s, "recording a page")) != 0)
		return rc;
	return p->read ? store_page_ocr(st, case_id, p) : 0;
}

int
store_case_pages(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct page_row p;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, sqlite_stmt_sql[S_CASE_PAGES], -1, &s, NULL) !=
	    SQLITE_OK)
		return sqlite_fail(st, "listing pages");
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.seq = (uint32_t)sqlite3_column_int(s, 0);
		p.source = col_text(s, 1);
		p.member = col_text(s, 2);
		p.page_no = (uint32_t)sqlite3_column_int(s, 3);
		p.width = (uint32_t)sqlite3_column_int(s, 4);
		p.height = (uint32_t)sqlite3_column_int(s, 5);
		p.depth = (uint32_t)sqlite3_column_int(s, 6);
		p.xres = (uint32_t)sqlite3_column_int(s, 7);
		p.yres = (uint32_t)sqlite3_column_int(s, 8);
		p.sha256 = col_text(s, 9);
		p.path = col_text(s, 10);
		p.bytes = sqlite3_column_int64(s, 11);
		p.read = sqlite3_column_int(s, 12) != 0;
		p.rotation = sqlite3_column_int(s, 13);
		p.skew = sqlite3_column_double(s, 14);
		p.confidence = sqlite3_column_int(s, 15);
		p.text = col_text(s, 16);
		r = fn(&p, arg);
		page_row_release(&p);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, "listing pages");
	sqlite3_finalize(s);
	return r;
}

int
store_case_reread(struct store *st, int64_t case_id,
    const struct page_row *pages, size_t n)
{
	static const enum stmt_id clear[] = {
		S_CLEAR_WORDS, S_CLEAR_TEXT, S_CLEAR_FIELDS
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(clear) / sizeof(*clear); i++) {
		sqlite3_bind_int64(st->stmt[clear[i]], 1, case_id);
		if ((rc = sqlite_run(st, st->stmt[clear[i]],
		    "clearing what was read")) != 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		if (pages[i].read &&
		    (rc = store_page_ocr(st, case_id, &pages[i])) != 0)
			return rc;
	return 0;
}

int
store_case_page_sources(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	sqlite3_stmt *s = st->stmt[S_PAGE_SOURCES];
	struct page_row p;
	int rc, r = 0;

	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.seq = (uint32_t)sqlite3_column_int(s, 0);
		p.source = (char *)sqlite3_column_text(s, 1);
		p.member = (char *)sqlite3_column_text(s, 2);
		p.page_no = (uint32_t)sqlite3_column_int(s, 3);
		if ((r = fn(&p, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, "listing pages");
	sqlite3_reset(s);
	return r;
}
