/*
 * sqlite-pages.c - pages and words: each page of a case, the text and
 * every word OCR read on it, and reading a case again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sqlite.h"

/* One word OCR read on a page (n counts from 1 in reading order). */
static int
store_word_add(struct store *st, int64_t case_id, uint32_t seq, size_t n,
    const struct word_row *wr)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO words (case_id, seq, n, block, line, text, x, y, w, h, "
	    "conf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)" };
	sqlite3_stmt *w = sqlite_stmt(st, &sql);

	bind_int64(w, 1, case_id);
	bind_int(w, 2, (int)seq);
	bind_int(w, 3, (int)n);
	bind_int(w, 4, wr->block);
	bind_int(w, 5, wr->line);
	bind_text(w, 6, wr->text);
	bind_int(w, 7, wr->x);
	bind_int(w, 8, wr->y);
	bind_int(w, 9, wr->w);
	bind_int(w, 10, wr->h);
	bind_double(w, 11, wr->conf);
	return sqlite_run(st, w, "recording a word");
}

/* The text and words OCR read on a page. */
static int
store_page_ocr(struct store *st, int64_t case_id, const struct page_row *p)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO page_text (case_id, seq, rotation, skew, confidence, "
	    "text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	size_t i;
	int rc;

	bind_int64(s, 1, case_id);
	bind_int(s, 2, (int)p->seq);
	bind_int(s, 3, p->rotation);
	bind_double(s, 4, p->skew);
	bind_int(s, 5, p->confidence);
	bind_text(s, 6, p->text ? p->text : "");
	if ((rc = sqlite_run(st, s, "recording a page's text")) != 0)
		return rc;
	for (i = 0; i < p->nwords; i++)
		if ((rc = store_word_add(st, case_id, p->seq, i + 1,
		    &p->words[i])) != 0)
			return rc;
	return 0;
}

struct word_rows {
	int		(*fn)(const struct word_row *, void *);
	void		*arg;
};

static int
word_from_row(sqlite3_stmt *s, void *arg)
{
	struct word_rows *a = arg;
	struct word_row w;

	memset(&w, 0, sizeof(w));
	w.text = (char *)sqlite3_column_text(s, 0);
	w.x = sqlite3_column_int(s, 1);
	w.y = sqlite3_column_int(s, 2);
	w.w = sqlite3_column_int(s, 3);
	w.h = sqlite3_column_int(s, 4);
	w.conf = sqlite3_column_double(s, 5);
	w.block = sqlite3_column_int(s, 6);
	w.line = sqlite3_column_int(s, 7);
	return a->fn(&w, a->arg);
}

int
store_page_words(struct store *st, int64_t case_id, uint32_t seq,
    int (*fn)(const struct word_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT text, x, y, w, h, conf, block, line FROM words "
	    "WHERE case_id = ?1 AND seq = ?2 ORDER BY n" };
	struct word_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_int(s, 2, (int)seq);
	return sqlite_rows(st, s, "listing words", word_from_row, &a);
}

int
store_case_add_page(struct store *st, int64_t case_id, const struct page_row *p)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO pages (case_id, seq, source, member, page_no, width, "
	    "height, depth, xres, yres, sha256, path, bytes) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	bind_int64(s, 1, case_id);
	bind_int(s, 2, (int)p->seq);
	bind_text(s, 3, p->source);
	bind_text(s, 4, p->member);
	bind_int(s, 5, (int)p->page_no);
	bind_int(s, 6, (int)p->width);
	bind_int(s, 7, (int)p->height);
	bind_int(s, 8, (int)p->depth);
	bind_int(s, 9, (int)p->xres);
	bind_int(s, 10, (int)p->yres);
	bind_text(s, 11, p->sha256);
	bind_text(s, 12, p->path);
	bind_int64(s, 13, p->bytes);
	if ((rc = sqlite_run(st, s, "recording a page")) != 0)
		return rc;
	return p->read ? store_page_ocr(st, case_id, p) : 0;
}

struct page_rows {
	int		(*fn)(const struct page_row *, void *);
	void		*arg;
};

static int
page_from_row(sqlite3_stmt *s, void *arg)
{
	struct page_rows *a = arg;
	struct page_row p;
	int r;

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
	r = a->fn(&p, a->arg);
	page_row_release(&p);
	return r;
}

int
store_case_pages(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT p.seq, source, member, page_no, width, height, depth, xres, "
	    "yres, sha256, path, bytes, t.seq IS NOT NULL, t.rotation, t.skew, "
	    "t.confidence, t.text FROM pages p LEFT JOIN page_text t "
	    "ON t.case_id = p.case_id AND t.seq = p.seq WHERE p.case_id = ?1 "
	    "ORDER BY p.seq" };
	struct page_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	return sqlite_rows(st, s, "listing pages", page_from_row, &a);
}

int
store_case_reread(struct store *st, int64_t case_id,
    const struct page_row *pages, size_t n)
{
	static struct sqlite_sql clear[] = {
		{ .text = "DELETE FROM words WHERE case_id = ?1" },
		{ .text = "DELETE FROM page_text WHERE case_id = ?1" },
		{ .text = "DELETE FROM case_fields WHERE case_id = ?1" },
	};
	sqlite3_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(clear) / sizeof(*clear); i++) {
		s = sqlite_stmt(st, &clear[i]);
		bind_int64(s, 1, case_id);
		if ((rc = sqlite_run(st, s, "clearing what was read")) != 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		if (pages[i].read &&
		    (rc = store_page_ocr(st, case_id, &pages[i])) != 0)
			return rc;
	return 0;
}

static int
page_source_from_row(sqlite3_stmt *s, void *arg)
{
	struct page_rows *a = arg;
	struct page_row p;

	memset(&p, 0, sizeof(p));
	p.seq = (uint32_t)sqlite3_column_int(s, 0);
	p.source = (char *)sqlite3_column_text(s, 1);
	p.member = (char *)sqlite3_column_text(s, 2);
	p.page_no = (uint32_t)sqlite3_column_int(s, 3);
	return a->fn(&p, a->arg);
}

int
store_case_page_sources(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT seq, source, member, page_no FROM pages WHERE case_id = ?1 "
	    "ORDER BY seq" };
	struct page_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	return sqlite_rows(st, s, "listing pages", page_source_from_row, &a);
}
