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
	if ((rc = pwfile_lookup(path, name, &hash)) == INTAKE_ENOENT)
		*why = "no such person in the password file";
	else if (rc != 0)
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
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(from[i], addr) == 0)
			return true;
	return false;
}
