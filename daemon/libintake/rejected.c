/*
 * rejected.c - an inbox's rejected folder, opened so that no stranger can
 * steer what the daemon writes into it.
 *
 * The inbox is written by people; its rejected folder must not be.  It is
 * opened once, component by component below the inbox (or, for an
 * absolute path elsewhere, below the folder above it) without following
 * a link, and kept open:
 * a folder or link put in its place later changes nothing.  It must be a
 * folder of root's or of the daemon's user that neither its group nor
 * others may write; one that is missing is made so (mode 0750, the group
 * of the folder above it, so that the people of the inbox's group can
 * read the reasons).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"

/* Checks the open folder fd; NULL, or why it is not safe (caller frees). */
static char *
rejected_unsafe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return xasprintf("%s", strerror(errno));
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return xasprintf("belongs to uid %lu, not to the daemon: make "
		    "it root's (chown root) or remove it and the daemon makes "
		    "it", (unsigned long)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return xasprintf("can be written by others (mode %03o): "
		    "chmod go-w it", (unsigned)(st.st_mode & 0777));
	return NULL;
}

int
rejected_open(const char *base, const char *rel, bool create, int *fd,
    gid_t *gid, char **why)
{
	char *path, *p, *next, *parent = NULL;
	struct stat st;
	bool missing = false;
	int dfd, sub;

	*fd = -1;
	*why = NULL;
	if (rel[0] == '/') {
		/* Absolute: below base (the inbox) it is walked from there;
		 * elsewhere the admin's folder above it is opened by its path
		 * and only the last step is checked. */
		size_t n = strlen(base);
		const char *slash = strrchr(rel, '/');

		if (strncmp(rel, base, n) == 0 && rel[n] == '/')
			path = xstrdup(rel + n + 1);
		else {
			path = xstrdup(slash + 1);
			base = parent = slash == rel ? xstrdup("/") :
			    xasprintf("%.*s", (int)(slash - rel), rel);
		}
	} else
		path = xstrdup(rel);
	if ((dfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*why = xasprintf("\"%s\": %s", base, strerror(errno));
		free(parent);
		free(path);
		return INTAKE_ERR;
	}
	free(parent);
	for (p = path; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, '/')) != NULL)
			*next++ = '\0';
		if (*p == '\0' || strcmp(p, ".") == 0)
			continue;
		sub = open_dir_at(dfd, p);
		if (sub == -ENOENT && create && next == NULL) {
			/* Made here, the group of the folder above it. */
			if (fstat(dfd, &st) == -1 ||
			    (mkdirat(dfd, p, 0750) == -1 && errno != EEXIST))
				sub = -errno;
			else if ((sub = open_dir_at(dfd, p)) >= 0 &&
			    ((geteuid() == 0 &&
			    fchown(sub, (uid_t)-1, st.st_gid) == -1) ||
			    fchmod(sub, 0750) == -1)) {
				close(sub);
				sub = -errno;
			}
		}
		close(dfd);
		dfd = -1;
		if (sub < 0) {
			missing = sub == -ENOENT;
			*why = sub == -ELOOP || sub == -ENOTDIR ?
			    xasprintf("\"%s\" is a symbolic link or not a "
			    "folder: remove it and the daemon makes the folder",
			    p) : sub == -ENOENT ? xasprintf("\"%s\" does not "
			    "exist", p) : xasprintf("\"%s\": %s", p,
			    strerror(-sub));
			break;
		}
		dfd = sub;
	}
	free(path);
	if (dfd < 0)
		return missing && !create ? INTAKE_ENOENT : INTAKE_ERR;
	if ((*why = rejected_unsafe(dfd)) != NULL ||
	    fstat(dfd, &st) == -1) {
		close(dfd);
		return INTAKE_ERR;
	}
	*gid = st.st_gid;
	*fd = dfd;
	return 0;
}
