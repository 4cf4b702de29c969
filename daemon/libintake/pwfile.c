/*
 * pwfile.c - intake-web's local password file: one "name:hash" a line,
 * the hash an Argon2id string (libsodium's crypto_pwhash_str), written
 * by intakectl passwd and read by intake-web at each sign-in.  No
 * cryptography here: the callers hash and verify.  The file is replaced
 * whole and atomically (a new file renamed over it), mode 0640, owned by
 * the writer and the web user's group.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"

#define PWFILE_MAX	(1 << 20)	/* bytes: some thousand people */

bool
pwfile_name_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-");

	return n > 0 && n <= 64 && s[n] == '\0' && s[0] != '-';
}

/* The line of name in buf (len bytes), or NULL; *end its end. */
static char *
find_line(char *buf, const char *name, char **end)
{
	size_t n = strlen(name);
	char *p = buf, *e;

	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if ((size_t)(e - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == ':') {
			*end = e;
			return p;
		}
	}
	return NULL;
}

int
pwfile_lookup(const char *path, const char *name, char **hash)
{
	char *buf, *line, *end;
	size_t len;
	int rc;

	*hash = NULL;
	if (!pwfile_name_ok(name))
		return INTAKE_ENOENT;
	if ((rc = file_read_all(path, PWFILE_MAX, &buf, &len)) != 0)
		return rc;
	if ((line = find_line(buf, name, &end)) == NULL)
		rc = INTAKE_ENOENT;
	else if ((*hash = strndup(line + strlen(name) + 1,
	    (size_t)(end - line) - strlen(name) - 1)) == NULL)
		fatal("out of memory");
	free(buf);
	return rc;
}

int
pwfile_set(const char *path, const char *name, const char *hash, gid_t gid)
{
	char *buf = NULL, *line, *end, *out, *dir, *slash, *tmp;
	const char *base;
	size_t len = 0;
	int rc, dfd;

	if (!pwfile_name_ok(name) || (hash != NULL && strchr(hash, '\n')))
		return INTAKE_EINVAL;
	if ((rc = file_read_all(path, PWFILE_MAX, &buf, &len)) == -ENOENT)
		buf = xstrdup("");
	else if (rc != 0)
		return rc;
	if ((line = find_line(buf, name, &end)) != NULL)
		memmove(line, *end ? end + 1 : end, strlen(*end ? end + 1 :
		    end) + 1);
	else if (hash == NULL) {
		free(buf);
		return INTAKE_ENOENT;
	}
	len = strlen(buf);
	out = hash == NULL ? xstrdup(buf) : xasprintf("%s%s%s:%s\n", buf,
	    len > 0 && buf[len - 1] != '\n' ? "\n" : "", name, hash);
	free(buf);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = slash + 1;
	} else
		base = path;
	tmp = xasprintf(".%s.new", base);
	if ((dfd = open(slash == NULL ? "." : *dir ? dir : "/",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		rc = -errno;
	else {
		rc = write_file_at(dfd, tmp, base, out, strlen(out), 0640, gid);
		if (rc == 0)
			(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	free(out);
	return rc;
}
