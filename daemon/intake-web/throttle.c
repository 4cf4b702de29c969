/*
 * throttle.c - a growing wait after failed sign-ins, per account (the
 * name tried, whether it has an account or not, so the wait tells
 * nothing) and per client address.  A few failures are free; after
 * them each one doubles the wait before the next try, up to a quarter
 * of an hour, and an hour without a failure forgets them.  A sign-in
 * that succeeds forgets its account's and address's.  The table keeps
 * hashes of names and addresses, not the names.  Waiting is refused
 * with the time left, never slept, so no thread is held.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "web.h"

#define WAIT_FIRST_MS	1000		/* after the free failures */
#define WAIT_MAX_MS	(15 * 60 * 1000)
#define FORGET_MS	(60 * 60 * 1000)

void
throttle_init(struct throttle *t)
{
	memset(t->e, 0, sizeof(t->e));
	pthread_mutex_init(&t->lock, NULL);
}

/* The key of kind ('u' an account, 'a' an address) and s. */
static void
throttle_key(unsigned char key[THROTTLE_KEY], char kind, const char *s)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, THROTTLE_KEY);
	crypto_generichash_update(&h, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&h, (const unsigned char *)s, strlen(s));
	crypto_generichash_final(&h, key, THROTTLE_KEY);
}

/* The entry of key, or NULL (make: a new one in place of a forgotten or
 * the least recent one); the lock held. */
static struct throttle_entry *
throttle_find(struct throttle *t, const unsigned char *key, int64_t now,
    bool make)
{
	struct throttle_entry *e, *spare = NULL;
	size_t i;

	for (i = 0; i < THROTTLE_MAX; i++) {
		e = &t->e[i];
		if (e->failures > 0 && now - e->last_ms > FORGET_MS)
			memset(e, 0, sizeof(*e));
		if (e->failures > 0 && memcmp(e->key, key, THROTTLE_KEY) == 0)
			return e;
		if (spare == NULL || e->failures == 0 ||
		    (spare->failures > 0 && e->last_ms < spare->last_ms))
			spare = e;
	}
	if (!make)
		return NULL;
	memset(spare, 0, sizeof(*spare));
	memcpy(spare->key, key, THROTTLE_KEY);
	return spare;
}

/* The wait after n failures of which free are free. */
static int64_t
throttle_wait(unsigned n, unsigned free)
{
	int64_t wait = WAIT_FIRST_MS;

	if (n <= free)
		return 0;
	for (n -= free + 1; n > 0 && wait < WAIT_MAX_MS; n--)
		wait *= 2;
	return wait < WAIT_MAX_MS ? wait : WAIT_MAX_MS;
}

/* The entries of name (an account) and of addr into e: NULL for one not
 * kept, unless fail, which counts a failure in each (at once, so that
 * the address's entry is not made in the place just made for the
 * account's); the lock held. */
static void
throttle_pair(struct throttle *t, const char *name, const char *addr,
    int64_t now, bool fail, struct throttle_entry *e[2])
{
	const char *what[2] = { name, addr };
	unsigned char key[THROTTLE_KEY];
	size_t i;

	for (i = 0; i < 2; i++) {
		throttle_key(key, i ? 'a' : 'u', what[i]);
		if ((e[i] = throttle_find(t, key, now, fail)) != NULL && fail) {
			e[i]->failures++;
			e[i]->last_ms = now;
		}
	}
}

int64_t
throttle_check(struct throttle *t, const char *name, const char *addr,
    int64_t now)
{
	struct throttle_entry *e[2];
	int64_t left = 0;
	size_t i;

	pthread_mutex_lock(&t->lock);
	throttle_pair(t, name, addr, now, false, e);
	for (i = 0; i < 2; i++)
		if (e[i] != NULL && e[i]->until_ms - now > left)
			left = e[i]->until_ms - now;
	pthread_mutex_unlock(&t->lock);
	return left;
}

unsigned
throttle_fail(struct throttle *t, const char *name, const char *addr,
    int64_t now)
{
	static const unsigned free[2] = { THROTTLE_FREE_ACCOUNT,
	    THROTTLE_FREE_ADDRESS };
	struct throttle_entry *e[2];
	unsigned most = 0;
	size_t i;

	pthread_mutex_lock(&t->lock);
	throttle_pair(t, name, addr, now, true, e);
	for (i = 0; i < 2; i++) {
		e[i]->until_ms = now + throttle_wait(e[i]->failures, free[i]);
		if (e[i]->failures > most)
			most = e[i]->failures;
	}
	pthread_mutex_unlock(&t->lock);
	return most;
}

void
throttle_ok(struct throttle *t, const char *name, const char *addr)
{
	struct throttle_entry *e[2];
	size_t i;

	pthread_mutex_lock(&t->lock);
	throttle_pair(t, name, addr, 0, false, e);
	for (i = 0; i < 2; i++)
		if (e[i] != NULL)
			memset(e[i], 0, sizeof(*e[i]));
	pthread_mutex_unlock(&t->lock);
}
