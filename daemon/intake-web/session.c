/*
 * session.c - intake-web's sessions: each a 256-bit random id that only
 * the browser keeps (its cookie); the table holds the id's hash, so that
 * what is in memory cannot be replayed as a cookie, the person, a CSRF
 * token of its own and when it was last used.  Ids and tokens are
 * compared in constant time.  What changes is written to the sessions'
 * file when there is one (session-file.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "web.h"

void
sessions_init(struct sessions *t, unsigned idle_s)
{
	memset(t->s, 0, sizeof(t->s));
	pthread_mutex_init(&t->lock, NULL);
	t->idle_ms = (int64_t)idle_s * 1000;
	t->fd = -1;
	t->dirty = false;
}

/* The hash of the id that cookie spells (64 hex digits); false when it
 * spells none. */
static bool
cookie_hash(const char *cookie, unsigned char h[crypto_generichash_BYTES])
{
	unsigned char id[32];
	size_t len = 0;

	if (cookie == NULL || strlen(cookie) != 64 ||
	    sodium_hex2bin(id, sizeof(id), cookie, 64, NULL, &len, NULL) != 0 ||
	    len != sizeof(id))
		return false;
	crypto_generichash(h, crypto_generichash_BYTES, id, sizeof(id), NULL,
	    0);
	sodium_memzero(id, sizeof(id));
	return true;
}

/* The session with hash h, or NULL; the lock held. */
static struct session *
find(struct sessions *t, const unsigned char *h)
{
	struct session *found = NULL;
	size_t i;

	/* Every slot is looked at, found or not. */
	for (i = 0; i < SESSION_MAX; i++)
		if (t->s[i].used && sodium_memcmp(t->s[i].idhash, h,
		    crypto_generichash_BYTES) == 0)
			found = &t->s[i];
	return found;
}

void
session_new(struct sessions *t, const char *user, int64_t now,
    char cookie[SESSION_HEX], char csrf[SESSION_HEX])
{
	unsigned char id[32], tok[32];
	struct session *s = NULL;
	size_t i;

	randombytes_buf(id, sizeof(id));
	randombytes_buf(tok, sizeof(tok));
	sodium_bin2hex(cookie, SESSION_HEX, id, sizeof(id));
	sodium_bin2hex(csrf, SESSION_HEX, tok, sizeof(tok));
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < SESSION_MAX; i++) {
		if (t->s[i].used && now - t->s[i].last_ms > t->idle_ms)
			t->s[i].used = false;
		if (!t->s[i].used) {
			s = &t->s[i];
			break;
		}
		if (s == NULL || t->s[i].last_ms < s->last_ms)
			s = &t->s[i];
	}
	memset(s, 0, sizeof(*s));
	crypto_generichash(s->idhash, sizeof(s->idhash), id, sizeof(id), NULL,
	    0);
	snprintf(s->user, sizeof(s->user), "%s", user);
	memcpy(s->csrf, csrf, SESSION_HEX);
	s->last_ms = now;
	s->used = true;
	sessions_save_locked(t);
	pthread_mutex_unlock(&t->lock);
	sodium_memzero(id, sizeof(id));
	sodium_memzero(tok, sizeof(tok));
}

bool
session_get(struct sessions *t, const char *cookie, int64_t now,
    char user[PERSON_MAX], char csrf[SESSION_HEX], char lang[LANG_MAX])
{
	unsigned char h[crypto_generichash_BYTES];
	struct session *s;
	bool ok = false;

	if (!cookie_hash(cookie, h))
		return false;
	pthread_mutex_lock(&t->lock);
	if ((s = find(t, h)) != NULL) {
		if (now - s->last_ms > t->idle_ms)
			memset(s, 0, sizeof(*s));
		else {
			s->last_ms = now;
			t->dirty = true;
			memcpy(user, s->user, PERSON_MAX);
			memcpy(csrf, s->csrf, SESSION_HEX);
			memcpy(lang, s->lang, LANG_MAX);
			ok = true;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

/* Ends the session whose id cookie is (lang NULL), or sets its
 * language; false when there is none. */
static bool
session_change(struct sessions *t, const char *cookie, const char *lang)
{
	unsigned char h[crypto_generichash_BYTES];
	struct session *s;

	if (!cookie_hash(cookie, h))
		return false;
	pthread_mutex_lock(&t->lock);
	if ((s = find(t, h)) != NULL && lang == NULL)
		memset(s, 0, sizeof(*s));
	else if (s != NULL)
		snprintf(s->lang, sizeof(s->lang), "%s", lang);
	if (s != NULL)
		sessions_save_locked(t);
	pthread_mutex_unlock(&t->lock);
	return s != NULL;
}

bool
session_end(struct sessions *t, const char *cookie)
{
	return session_change(t, cookie, NULL);
}

bool
session_set_lang(struct sessions *t, const char *cookie, const char *lang)
{
	return session_change(t, cookie, lang);
}

bool
csrf_ok(const char *expected, const char *given)
{
	return given != NULL && strlen(given) == SESSION_HEX - 1 &&
	    strlen(expected) == SESSION_HEX - 1 &&
	    sodium_memcmp(expected, given, SESSION_HEX - 1) == 0;
}
