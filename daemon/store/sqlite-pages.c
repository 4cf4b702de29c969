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

	return sqlite_exec(st, &sql, "recording a word", "Iuiiitiiiid", case_id,
	    seq, (int)n, wr->block, wr->line, wr->text, wr->x, wr->y, wr->w,
	    wr->h, wr->conf);
}

/* The text and words OCR read on a page. */
static int
store_page_ocr(struct store *st, int64_t case_id, const struct page_row *p)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO page_text (case_id, seq, rotation, skew, confidence, "
	    "text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" };
	size_t i;
	int rc;

	if ((rc = sqlite_exec(st, &sql, "recording a page's text", "Iuidit",
	    case_id, p->seq, p->rotation, p->skew, p->confidence,
	    p->text ? p->text : "")) != 0)
		return rc;
	for (i = 0; i < p->nwords; i++)
		if ((rc = store_word_add(st, case_id, p->seq, i + 1,
		    &p->words[i])) != 0)
			return rc;
	return 0;
}

int
store_page_words(struct store *st, int64_t case_id, uint32_t seq,
    int (*fn)(const struct word_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT text, x, y, w, h, conf, block, line FROM words "
	    "WHERE case_id = ?1 AND seq = ?2 ORDER BY n" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "Iu", case_id, seq);
	struct word_row w;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	while (sqlite_next(st, s, "listing words", &rc, "Siiiidii", &w.text,
	    &w.x, &w.y, &w.w, &w.h, &w.conf, &w.block, &w.line))
		rc = fn(&w, arg);
	return rc;
}

int
store_case_add_page(struct store *st, int64_t case_id, const struct page_row *p)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO pages (case_id, seq, source, member, page_no, width, "
	    "height, depth, xres, yres, sha256, path, bytes) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)" };
	int rc;

	if ((rc = sqlite_exec(st, &sql, "recording a page", "IuttuuuuuuttI",
	    case_id, p->seq, p->source, p->member, p->page_no, p->width,
	    p->height, p->depth, p->xres, p->yres, p->sha256, p->path,
	    p->bytes)) != 0)
		return rc;
	return p->read ? store_page_ocr(st, case_id, p) : 0;
}

/* A case's pages for fn: sql selects, of seq, source, member, page_no,
 * width, height, depth, xres, yres, sha256, path, bytes, read, rotation,
 * skew, confidence and text, the first strlen(cols), read by cols.  Their
 * strings are the statement's. */
static int
pages_each(struct store *st, struct sqlite_sql *sql, int64_t case_id,
    const char *cols, int (*fn)(const struct page_row *, void *), void *arg)
{
	sqlite3_stmt *s = sqlite_stmt(st, sql, "I", case_id);
	struct page_row p;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	while (sqlite_next(st, s, "listing pages", &rc, cols, &p.seq, &p.source,
	    &p.member, &p.page_no, &p.width, &p.height, &p.depth, &p.xres,
	    &p.yres, &p.sha256, &p.path, &p.bytes, &p.read, &p.rotation,
	    &p.skew, &p.confidence, &p.text))
		rc = fn(&p, arg);
	return rc;
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

	return pages_each(st, &sql, case_id, "uSSuuuuuuSSIbidiS", fn, arg);
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
	size_t i;
	int rc;

	for (i = 0; i < sizeof(clear) / sizeof(*clear); i++)
		if ((rc = sqlite_exec(st, &clear[i], "clearing what was read",
		    "I", case_id)) != 0)
			return rc;
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
	static struct sqlite_sql sql = { .text =
	    "SELECT seq, source, member, page_no FROM pages WHERE case_id = ?1 "
	    "ORDER BY seq" };

	return pages_each(st, &sql, case_id, "uSSu", fn, arg);
}
