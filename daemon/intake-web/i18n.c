/*
 * i18n.c - intake-web's languages: the German catalogue (a gettext .mo
 * file that msgfmt compiled from po/de.po at build and the package
 * installed) read once at start into the JSON that GET /api/i18n
 * answers, and the choice of a language from a session or a request's
 * Accept-Language.  English is the msgids themselves.  The .mo file is
 * the installation's, not a request's, but every offset and length in
 * it is checked against its size all the same.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

#define MO_MAX		(4u << 20)	/* a catalogue, at most */
#define MO_MAGIC	0x950412deu

const char *const i18n_langs[I18N_LANGS + 1] = { "en", "de", NULL };

/* The 32-bit word at off in buf, in the file's byte order. */
static uint32_t
mo_word(const unsigned char *b, size_t off, bool swap)
{
	uint32_t w = (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	    (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;

	return swap ? __builtin_bswap32(w) : w;
}

/* The string the table entry at off describes (its length and offset),
 * or NULL when it lies outside the file or lacks its NUL. */
static const char *
mo_string(const unsigned char *b, size_t len, size_t off, bool swap)
{
	size_t n, at;

	if (off > len || len - off < 8)
		return NULL;
	n = mo_word(b, off, swap);
	at = mo_word(b, off + 4, swap);
	if (at > len || len - at <= n || b[at + n] != '\0')
		return NULL;
	return (const char *)b + at;
}

int
mo_parse(const void *buf, size_t len,
    void (*fn)(void *, const char *msgid, const char *msgstr), void *arg)
{
	const unsigned char *b = buf;
	const char *id, *str;
	size_t n, ids, strs, i;
	bool swap;

	if (len < 20)
		return INTAKE_EINVAL;
	if (mo_word(b, 0, false) == MO_MAGIC)
		swap = false;
	else if (mo_word(b, 0, true) == MO_MAGIC)
		swap = true;
	else
		return INTAKE_EINVAL;
	if (mo_word(b, 4, swap) >> 16 != 0)	/* major revision 0 only */
		return INTAKE_EINVAL;
	n = mo_word(b, 8, swap);
	ids = mo_word(b, 12, swap);
	strs = mo_word(b, 16, swap);
	if (n > len / 8 || ids > len || strs > len || (len - ids) / 8 < n ||
	    (len - strs) / 8 < n)
		return INTAKE_EINVAL;
	for (i = 0; i < n; i++) {
		if ((id = mo_string(b, len, ids + 8 * i, swap)) == NULL ||
		    (str = mo_string(b, len, strs + 8 * i, swap)) == NULL)
			return INTAKE_EINVAL;
		/* The header (msgid ""), and entries with a context, which
		 * the pages do not use. */
		if (*id == '\0' || strchr(id, '\004') != NULL || *str == '\0')
			continue;
		fn(arg, id, str);
	}
	return 0;
}

struct json_build {
	FILE	*f;
	bool	 first;
};

static void
add_message(void *arg, const char *msgid, const char *msgstr)
{
	struct json_build *j = arg;

	json_key_str(j->f, &j->first, msgid, msgstr);
}

/* The answer of GET /api/i18n for lang, its messages from the .mo file
 * at path (NULL: none, the msgids themselves). */
static char *
catalogue_json(const char *lang, const char *path)
{
	struct json_build j = { NULL, true };
	char *body, *mo = NULL;
	size_t len, molen = 0;
	bool first = true;
	int rc;

	if (path != NULL && (rc = file_read_all(path, MO_MAX, &mo,
	    &molen)) != 0)
		log_warn("web: catalogue %s: %s: its pages are in English",
		    path, strerror(-rc));
	if ((j.f = open_memstream(&body, &len)) == NULL)
		fatal("out of memory");
	fputc('{', j.f);
	json_key_str(j.f, &first, "lang", lang);
	fputs(",\"messages\":{", j.f);
	if (mo != NULL && mo_parse(mo, molen, add_message, &j) != 0)
		log_warn("web: catalogue %s is malformed: its pages are in "
		    "English", path);
	fputs("}}\n", j.f);
	fclose(j.f);
	free(mo);
	return body;
}

void
i18n_init(struct i18n *t, const char *localedir)
{
	char *path;
	size_t i;

	for (i = 0; i18n_langs[i] != NULL; i++) {
		path = i == 0 ? NULL : xasprintf("%s/%s/LC_MESSAGES/"
		    "intake-web.mo", localedir, i18n_langs[i]);
		t->json[i] = catalogue_json(i18n_langs[i], path);
		free(path);
	}
}

void
i18n_release(struct i18n *t)
{
	size_t i;

	for (i = 0; i18n_langs[i] != NULL; i++)
		free(t->json[i]);
}

const char *
i18n_json(const struct i18n *t, const char *lang)
{
	size_t i;

	for (i = 0; i18n_langs[i] != NULL; i++)
		if (strcmp(i18n_langs[i], lang) == 0)
			return t->json[i];
	return t->json[0];
}

bool
i18n_known(const char *lang)
{
	return lang != NULL && strv_find((char *const *)i18n_langs,
	    I18N_LANGS, lang) >= 0;
}

/* The q-value of an Accept-Language entry's parameters (";q=0.8", n
 * bytes at p), in thousandths: 1000 without one, -1 when malformed. */
static int
accept_q(const char *p, size_t n)
{
	int q, scale = 100;
	size_t i;

	if (n == 0)
		return 1000;
	for (i = 1; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (n - i < 3 || strncasecmp(p + i, "q=", 2) != 0 ||
	    (p[i + 2] != '0' && p[i + 2] != '1'))
		return -1;
	q = (p[i + 2] - '0') * 1000;
	i += 3;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9' && scale > 0;
		    i++, scale /= 10)
			q += (p[i] - '0') * scale;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n || q > 1000 ? -1 : q;
}

const char *
i18n_accept(const char *header)
{
	const char *p = header, *best = i18n_langs[0];
	size_t n, tag, prim, i;
	int q, bestq = 0;

	for (; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ",");
		tag = strcspn(p, ";,");
		prim = strcspn(p, "-;, \t");
		q = accept_q(p + tag, n - tag);
		for (i = 0; i18n_langs[i] != NULL; i++)
			if (strlen(i18n_langs[i]) == prim &&
			    strncasecmp(p, i18n_langs[i], prim) == 0 &&
			    q > bestq) {
				best = i18n_langs[i];
				bestq = q;
			}
	}
	return best;
}
