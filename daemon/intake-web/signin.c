/*
 * signin.c - how people sign in to intake-web: a password from the local
 * password file (Argon2id, written by intakectl passwd), or the name a
 * reverse proxy puts in a header, believed only from the addresses
 * <auth from> lists.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "web.h"

/* A hash no password matches, verified against for a name the file
 * lacks, so that a wrong name takes as long as a wrong password and the
 * time does not tell who has an account. */
static char nobody_hash[crypto_pwhash_STRBYTES];
static pthread_once_t nobody_once = PTHREAD_ONCE_INIT;

static void
nobody_make(void)
{
	unsigned char salt[16];

	randombytes_buf(salt, sizeof(salt));
	if (crypto_pwhash_str(nobody_hash, (const char *)salt, sizeof(salt),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		fatal("out of memory hashing");
}

bool
signin_password(const char *path, const char *name, const char *password,
    const char **why)
{
	char *hash = NULL;
	bool ok = false;
	int rc;

	if (name == NULL || password == NULL || !pwfile_name_ok(name)) {
		*why = "no valid name and password given";
		return false;
	}
	if ((rc = pwfile_lookup(path, name, &hash)) == INTAKE_ENOENT) {
		pthread_once(&nobody_once, nobody_make);
		if (crypto_pwhash_str_verify(nobody_hash, password,
		    strlen(password)) == 0)
			fatal("a password matched the hash of no one");
		*why = "no such person in the password file";
	} else if (rc != 0)
		*why = "the password file cannot be read";
	else if (crypto_pwhash_str_verify(hash, password,
	    strlen(password)) != 0)
		*why = "wrong password";
	else
		ok = true;
	free(hash);
	return ok;
}

bool
signin_from(char *const *from, size_t n, const char *addr)
{
	return strv_find(from, n, addr) >= 0;
}
