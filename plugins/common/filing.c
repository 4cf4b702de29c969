/*
 * filing.c - the built-in plugins "copy" and "move": files what was
 * delivered for a case (its files, or its one folder) into a folder
 * named by a pattern.
 *
 *	<action use="copy" to="/archive/{form}/{year}/{case}"/>
 *
 * The literal parts of to= are the admin's, "/" and all; the values put
 * into it are single safe names (PATTERN_PATH), so a field value
 * "../../etc" cannot lead out of the folder the admin chose.
 *
 * Each file is copied under a hidden temporary name in the target folder
 * (one per action and file, so an attempt cut short is cleared by the
 * next), fsynced, and only then given its name, by link(2) or, for a
 * folder, rename(2) onto a folder just made: either way never onto what
 * is there.  What is there already is compared: the same bytes mean an
 * earlier attempt filed it (success), anything else is someone else's
 * file and is never overwritten (failure, for a person to look at).
 * move is copy followed by removing the original, or one rename when the
 * two are on the same file system; an original that is gone while its
 * copy is in place means the move was done.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "intake/plugin.h"
#include "common/filing.h"
#include "common/pattern.h"

#define FILING_MODE	0750	/* of the folders made */

struct filing {
	const char	*name;		/* "copy" or "move" */
	char		*to;		/* pattern of the target folder */
	bool		 move;
};

/* What one action did, for its history line. */
struct filing_tally {
	size_t		 filed, already;
};

int
filing_configure(const struct intake_action_args *a, bool move,
    void **state, char *err, size_t errlen)
{
	const char *name = move ? "move" : "copy";
	const char *to = intake_action_arg(a, "to");
	struct filing *f;
	char why[512];
	size_t i;

	for (i = 0; i < a->count; i++) {
		if (strcmp(a->names[i], "to") != 0) {
			snprintf(err, errlen, "%s: unknown setting \"%s\" (to)",
			    name, a->names[i]);
			return -1;
		}
	}
	if (to == NULL || to[0] != '/') {
		snprintf(err, errlen, "%s: to= must name the folder by its "
		    "absolute path, such as \"/archive/{form}/{year}/{case}\"",
		    name);
		return -1;
	}
	for (i = 0; to[i] != '\0'; i++) {
		if ((unsigned char)to[i] < 0x20 || to[i] == 0x7f) {
			snprintf(err, errlen, "%s: to=: a control character",
			    name);
			return -1;
		}
	}
	if (!pattern_check(to, why, sizeof(why))) {
		snprintf(err, errlen, "%s: to: %s", name, why);
		return -1;
	}
	f = xcalloc(1, sizeof(*f));
	f->name = name;
	f->to = xstrdup(to);
	f->move = move;
	*state = f;
	return 0;
}

void
filing_shutdown(void *state)
{
	struct filing *f = state;

	if (f != NULL) {
		free(f->to);
		free(f);
	}
}

/* Makes dir and the folders above it that are missing, each one made
 * recorded durably in its parent.  0 or -errno. */
static int
filing_mkdirs(const char *dir)
{
	struct stat sb;
	char *s = xstrdup(dir), *p;
	int rc = 0;

	for (p = s + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(s, FILING_MODE) == 0) {
			char *slash = strrchr(s, '/');

			*slash = '\0';
			rc = fsync_dir(slash == s ? "/" : s);
			*slash = '/';
		} else if (errno != EEXIST)
			rc = -errno;
		*p = c;
		if (c == '\0')
			break;
	}
	if (rc == 0 && stat(dir, &sb) == -1)
		rc = -errno;
	else if (rc == 0 && !S_ISDIR(sb.st_mode))
		rc = -ENOTDIR;
	free(s);
	return rc;
}

/* Whether regular files a and b hold the same bytes: 1, 0, or -errno. */
static int
filing_same_file(const char *a, const char *b)
{
	char x[65536], y[65536];
	ssize_t n, m;
	int fa, fb, rc = 1;

	if ((fa = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -errno;
	if ((fb = open(b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		rc = -errno;
		close(fa);
		return rc;
	}
	for (;;) {
		n = read(fa, x, sizeof(x));
		if (n > 0) {
			/* b is read for as many bytes, or to its end. */
			ssize_t got = 0;

			while (got < n && (m = read(fb, y + got,
			    (size_t)(n - got))) > 0)
				got += m;
			if (got != n || memcmp(x, y, (size_t)n) != 0) {
				rc = 0;
				break;
			}
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			rc = -errno;
		else if (read(fb, y, 1) != 0)
			rc = 0;		/* b is longer */
		break;
	}
	close(fa);
	close(fb);
	return rc;
}

struct filing_cmp {
	const char	*other;		/* the tree compared with */
	size_t		 count;		/* files and folders seen */
	bool		 counting;	/* only count (the other tree) */
};

/* tree_walk(): each file or folder of the first tree must be in the
 * other with the same bytes; 1 (stop) when one is not. */
static int
filing_cmp_one(const char *path, const char *rel, const struct stat *st,
    void *arg)
{
	struct filing_cmp *k = arg;
	struct stat ot;
	char *other;
	int rc = 0;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;	/* never copied: not content */
	k->count++;
	if (k->counting)
		return 0;
	other = *rel != '\0' ? path_join(k->other, rel) : xstrdup(k->other);
	if (lstat(other, &ot) == -1)
		rc = errno == ENOENT ? 1 : -errno;
	else if ((st->st_mode & S_IFMT) != (ot.st_mode & S_IFMT))
		rc = 1;
	else if (S_ISREG(st->st_mode)) {
		if (st->st_size != ot.st_size)
			rc = 1;
		else if ((rc = filing_same_file(path, other)) >= 0)
			rc = !rc;
	}
	free(other);
	return rc;
}

/* Whether b holds what a holds: the same file, or a folder with the
 * same files.  1, 0, or -errno. */
static int
filing_same(const char *a, const char *b)
{
	struct filing_cmp k = { b, 0, false };
	size_t na;
	int rc;

	if ((rc = tree_walk(a, "", filing_cmp_one, &k)) != 0)
		return rc < 0 ? rc : 0;
	na = k.count;
	k.count = 0;
	k.counting = true;
	if ((rc = tree_walk(b, "", filing_cmp_one, &k)) != 0)
		return rc;
	return k.count == na;
}

/*
 * Gives from the name to, never replacing what is there: a file by
 * link(2) and unlink(2), a folder by rename(2) onto an empty folder
 * made for it (which is what only this can have made).  0, -EEXIST when
 * to exists, -EXDEV across file systems, or another -errno.
 */
static int
filing_place(const char *from, const char *to)
{
	struct stat sb;
	int rc;

	if (lstat(from, &sb) == -1)
		return -errno;
	if (S_ISDIR(sb.st_mode)) {
		if (mkdir(to, FILING_MODE) == -1)
			return -errno;
		if (rename(from, to) == -1) {
			rc = -errno;
			(void)rmdir(to);
			return rc;
		}
		return 0;
	}
	if (link(from, to) == 0)
		return unlink(from) == -1 ? -errno : 0;
	if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK)
		return -errno;
	/* A file system without hard links: rename, having looked. */
	if (lstat(to, &sb) == 0)
		return -EEXIST;
	return rename(from, to) == -1 ? -errno : 0;
}

/* The folder that holds path, for fsync_dir(); the caller's. */
static char *
filing_parent(const char *path)
{
	char *s = xstrdup(path), *slash = strrchr(s, '/');

	if (slash == s)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	return s;
}

/* Removes the original after it was copied, durably. */
static int
filing_remove(const char *src)
{
	char *parent = filing_parent(src);
	int rc;

	if ((rc = remove_tree(src)) == 0)
		rc = fsync_dir(parent);
	free(parent);
	return rc;
}

/*
 * Files src (the case's file number i) into dir.  Returns a plugin
 * result, with msg written when it is not INTAKE_PLUGIN_OK.
 */
static int
filing_one(const struct filing *f, const struct intake_case *c, size_t i,
    const char *src, const char *dir, struct filing_tally *t, char *msg,
    size_t msglen)
{
	struct stat sb;
	char *copy = xstrdup(src), *base, *final, *tmp, *hidden, *parent;
	size_t len = strlen(copy);
	int rc, result = INTAKE_PLUGIN_RETRY;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	base = strrchr(copy, '/') != NULL ? strrchr(copy, '/') + 1 : copy;
	final = path_join(dir, base);
	hidden = xasprintf(".intake-%s-%zu", intake_case_key(c), i);
	tmp = path_join(dir, hidden);
	free(hidden);
	parent = filing_parent(copy);

	if (lstat(copy, &sb) == -1) {
		int e = errno;

		if (e == ENOENT && f->move && lstat(final, &sb) == 0) {
			t->already++;	/* moved by an earlier attempt */
			result = INTAKE_PLUGIN_OK;
		} else if (e == ENOENT) {
			snprintf(msg, msglen, "%s: the original \"%s\" is gone",
			    f->name, copy);
			result = INTAKE_PLUGIN_FAIL;
		} else
			snprintf(msg, msglen, "%s: \"%s\": %s", f->name, copy,
			    strerror(e));
		goto done;
	}
	if (lstat(final, &sb) == 0) {
		if ((rc = filing_same(copy, final)) < 0) {
			snprintf(msg, msglen, "%s: comparing \"%s\" with "
			    "\"%s\": %s", f->name, copy, final, strerror(-rc));
			goto done;
		}
		if (rc == 0) {
			snprintf(msg, msglen, "%s: \"%s\" is there already "
			    "and is not \"%s\": not overwritten", f->name,
			    final, copy);
			result = INTAKE_PLUGIN_FAIL;
			goto done;
		}
		/* Filed by an earlier attempt; a move also removes the
		 * original it left. */
		if (f->move && (rc = filing_remove(copy)) != 0) {
			snprintf(msg, msglen, "%s: removing \"%s\": %s",
			    f->name, copy, strerror(-rc));
			goto done;
		}
		t->already++;
		result = INTAKE_PLUGIN_OK;
		goto done;
	} else if (errno != ENOENT) {
		snprintf(msg, msglen, "%s: \"%s\": %s", f->name, final,
		    strerror(errno));
		goto done;
	}

	/* On one file system a move is one rename. */
	if (f->move && (rc = filing_place(copy, final)) != -EXDEV) {
		if (rc == 0 && (rc = fsync_dir(dir)) == 0)
			rc = fsync_dir(parent);
		if (rc != 0) {
			snprintf(msg, msglen, "%s: \"%s\" to \"%s\": %s",
			    f->name, copy, final, strerror(-rc));
			goto done;
		}
		t->filed++;
		result = INTAKE_PLUGIN_OK;
		goto done;
	}

	/* What an attempt cut short left behind, then the copy. */
	(void)remove_tree(tmp);
	if ((rc = copy_tree(copy, tmp)) != 0 ||
	    (rc = filing_place(tmp, final)) != 0 ||
	    (rc = fsync_dir(dir)) != 0) {
		snprintf(msg, msglen, "%s: \"%s\" to \"%s\": %s", f->name,
		    copy, final, strerror(-rc));
		(void)remove_tree(tmp);
		goto done;
	}
	if (f->move && (rc = filing_remove(copy)) != 0) {
		snprintf(msg, msglen, "%s: removing \"%s\": %s", f->name, copy,
		    strerror(-rc));
		goto done;
	}
	t->filed++;
	result = INTAKE_PLUGIN_OK;
done:
	free(copy);
	free(final);
	free(tmp);
	free(parent);
	return result;
}

int
filing_run(void *state, const struct intake_case *c, char *msg,
    size_t msglen)
{
	const struct filing *f = state;
	struct filing_tally t = { 0, 0 };
	size_t i, n = intake_case_nfiles(c);
	char why[512], *dir;
	int rc, result = INTAKE_PLUGIN_OK;

	if ((dir = pattern_expand(f->to, c, PATTERN_PATH, why,
	    sizeof(why))) == NULL) {
		snprintf(msg, msglen, "%s: to: %s", f->name, why);
		return INTAKE_PLUGIN_FAIL;
	}
	if (n == 0) {
		snprintf(msg, msglen, "%s: the case has no delivered files",
		    f->name);
		result = INTAKE_PLUGIN_FAIL;
		goto done;
	}
	if ((rc = filing_mkdirs(dir)) != 0) {
		snprintf(msg, msglen, "%s: folder \"%s\": %s", f->name, dir,
		    strerror(-rc));
		result = INTAKE_PLUGIN_RETRY;
		goto done;
	}
	for (i = 0; i < n && result == INTAKE_PLUGIN_OK; i++)
		result = filing_one(f, c, i, intake_case_file(c, i), dir, &t,
		    msg, msglen);
	if (result != INTAKE_PLUGIN_OK)
		goto done;
	if (t.filed == 0)
		snprintf(msg, msglen, "%s: \"%s\": already filed", f->name,
		    dir);
	else if (t.already == 0)
		snprintf(msg, msglen, "%s: filed %zu %s into \"%s\"", f->name,
		    n, n == 1 ? "item" : "items", dir);
	else
		snprintf(msg, msglen, "%s: filed %zu of %zu into \"%s\" (the "
		    "others were already)", f->name, t.filed, n, dir);
done:
	free(dir);
	return result;
}
