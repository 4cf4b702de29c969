/*
 * sqlite-search.c - full text over the OCR'd pages: the words of a
 * search as an FTS5 query, and on each page that has them the words OCR
 * read there that are one of them, with their boxes.
 *
 * page_fts (schema version 10) indexes page_text's text, kept by its
 * triggers, with the unicode61 tokenizer that folds case and removes
 * diacritics: "mueller", "Müller" and "MÜLLER," are the tokens mueller,
 * muller and muller.  Its rowid is the page's, case_id * 2^20 + seq.  A
 * search's words are split the same way and each quoted, so that no text
 * a person types is FTS5 syntax: a page matches when it has every token,
 * and a word ending in "*" matches the tokens it begins.  The words of a
 * hit are found by splitting and folding the page's words as the
 * tokenizer does, for the letters of Latin-script languages.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "sqlite.h"

#define TERMS_MAX	16	/* a search's words, at most */
#define TERM_MAX	64	/* a word's bytes, folded, at most */

/* Base letters of U+00C0 to U+017F, as unicode61 removes their
 * diacritics ('\0': a letter of its own, kept, as are those with a
 * stroke, which Unicode does not decompose). */
static const char latin[] =
    "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0\0"	/* U+00C0 .. U+00DF */
    "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y"	/* U+00E0 .. U+00FF */
    "aaaaaaccccccccdd\0\0eeeeeeeeeegggggggghh\0\0"	/* U+0100 .. */
    "iiiiiiiii\0\0\0jjkk\0llllllll\0\0nnnnnn\0\0\0oooooo\0\0"
    "rrrrrrssssssssttt" "t\0\0uuuuuuuuuuuuwwyyyzzzzzz\0";	/* .. U+017F */
_Static_assert(sizeof(latin) == 0x180 - 0xc0 + 1, "one per code point");

/* Whether code point c is part of a token: a letter or digit (every
 * code point beyond ASCII but the punctuation and symbols of Latin-1 and
 * of the general punctuation block, and the euro sign). */
static bool
token_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return !(c <= 0xbf || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x206f) || c == 0x20ac);
}

/* Appends c folded (lower case, without diacritics) to out (*n bytes of
 * TERM_MAX); false when it does not fit. */
static bool
fold_put(char *out, size_t *n, uint32_t c, const char *s, size_t len)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (c >= 0xc0 && c <= 0x17f && latin[c - 0xc0] != '\0') {
		c = (unsigned char)latin[c - 0xc0];
		len = 1;
		s = NULL;
	} else if (c < 0x80) {
		len = 1;
		s = NULL;
	}
	if (*n + len >= TERM_MAX)
		return false;
	if (s == NULL)
		out[(*n)++] = (char)c;
	else {
		memcpy(out + *n, s, len);
		*n += len;
	}
	out[*n] = '\0';
	return true;
}

struct terms {
	char	 t[TERMS_MAX][TERM_MAX];
	bool	 prefix[TERMS_MAX];
	size_t	 n;
};

/* Splits text into tokens, folded, as the tokenizer does; each is given
 * to fn with whether a "*" follows it.  fn returns false to stop. */
static void
tokens(const char *text, bool (*fn)(void *, const char *, bool), void *arg)
{
	char tok[TERM_MAX];
	size_t n = 0, len, left = strlen(text);
	uint32_t c;
	bool fits = true;

	for (;;) {
		len = left ? utf8_seq(text, left, &c) : 0;
		if (len == 0 && left) {		/* a byte that is no UTF-8 */
			c = 0x20;
			len = 1;
		}
		if (len != 0 && token_cp(c)) {
			fits = fits && fold_put(tok, &n, c, text, len);
		} else if (n > 0) {
			if (fits && !fn(arg, tok, len != 0 && c == '*'))
				return;
			n = 0;
			fits = true;
		}
		if (len == 0)
			return;
		text += len;
		left -= len;
	}
}

static bool
add_term(void *arg, const char *tok, bool prefix)
{
	struct terms *t = arg;

	if (t->n == TERMS_MAX)
		return false;
	snprintf(t->t[t->n], TERM_MAX, "%s", tok);
	t->prefix[t->n++] = prefix;
	return true;
}

char *
sqlite_fts_query(const char *text)
{
	struct terms t;
	char *q = NULL, *next;
	size_t i;

	t.n = 0;
	tokens(text, add_term, &t);
	for (i = 0; i < t.n; i++) {
		/* a token has no quote to escape: only letters and digits */
		next = xasprintf("%s%s\"%s\"%s", q ? q : "", q ? " " : "",
		    t.t[i], t.prefix[i] ? "*" : "");
		free(q);
		q = next;
	}
	return q;
}

bool
store_text_words(const char *text)
{
	char *q = sqlite_fts_query(text);
	bool any = q != NULL;

	free(q);
	return any;
}

/* Whether one of a word's tokens is one of the search's. */
struct word_match {
	const struct terms *t;
	bool		 hit;
};

static bool
match_token(void *arg, const char *tok, bool star)
{
	struct word_match *m = arg;
	size_t i;

	(void)star;
	for (i = 0; i < m->t->n && !m->hit; i++)
		m->hit = m->t->prefix[i] ? strncmp(tok, m->t->t[i],
		    strlen(m->t->t[i])) == 0 : strcmp(tok, m->t->t[i]) == 0;
	return !m->hit;
}

struct page_hits {
	const struct terms *t;
	struct word_row	*w;
	size_t		 n;
};

static int
hit_word(const struct word_row *w, void *arg)
{
	struct page_hits *h = arg;
	struct word_match m = { h->t, false };

	tokens(w->text, match_token, &m);
	if (m.hit) {
		h->w = xreallocarray(h->w, h->n + 1, sizeof(*h->w));
		h->w[h->n] = *w;
		h->w[h->n++].text = xstrdup(w->text);
	}
	return 0;
}

int
store_case_text_hits(struct store *st, int64_t case_id, const char *text,
    int (*fn)(const struct text_hit *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT rowid & 1048575 FROM page_fts WHERE page_fts MATCH ?1 AND "
	    "rowid BETWEEN ?2 * 1048576 AND ?2 * 1048576 + 1048575 "
	    "ORDER BY rowid" };
	struct terms t;
	struct page_hits h;
	struct text_hit hit;
	uint32_t *seqs = NULL, seq;
	size_t n = 0, i, j;
	char *q = sqlite_fts_query(text);
	sqlite3_stmt *s;
	int rc = 0;

	if (q == NULL)
		return 0;
	t.n = 0;
	tokens(text, add_term, &t);
	/* The pages first: the words of each are read with the store. */
	s = sqlite_stmt(st, &sql, "tI", q, case_id);
	while (sqlite_next(st, s, "searching a case's pages", &rc, "u", &seq)) {
		seqs = xreallocarray(seqs, n + 1, sizeof(*seqs));
		seqs[n++] = seq;
	}
	free(q);
	for (i = 0; rc == 0 && i < n; i++) {
		memset(&h, 0, sizeof(h));
		h.t = &t;
		if ((rc = store_page_words(st, case_id, seqs[i], hit_word,
		    &h)) == 0) {
			hit.seq = seqs[i];
			hit.words = h.w;
			hit.nwords = h.n;
			rc = fn(&hit, arg);
		}
		for (j = 0; j < h.n; j++)
			free(h.w[j].text);
		free(h.w);
	}
	free(seqs);
	return rc;
}

int
store_cases_without_text(struct store *st, int64_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT count(*) FROM cases c WHERE c.npages > 0 AND NOT EXISTS "
	    "(SELECT 1 FROM page_text t WHERE t.case_id = c.id)" };

	return sqlite_get(st, &sql, "counting cases without text", "", "I",
	    n);
}
