/*
 * fsat.c - file-system steps relative to descriptors, never through links.
 *
 * An inbox is written by people who may try to race the daemon: swap a
 * file for a link, a FIFO or a folder between the moment the daemon looks
 * and the moment it acts.  Every step here therefore works on a name in a
 * folder the caller opened (openat, unlinkat, renameat, fstatat without
 * following), and what is opened is checked with fstat on the descriptor,
 * which names the object itself and not whatever a path leads to now.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"

#ifndef HAVE_SYNCFS
/* Where there is no syncfs(2): every file system is flushed. */
static int
syncfs(int fd)
{
	(void)fd;
	sync();
	return 0;
}
#endif

int
open_content_at(int dirfd, const char *name, bool dir_ok, struct stat *st)
{
	int fd, fl;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -errno;
	if (fstat(fd, st) == -1) {
		fl = -errno;
		close(fd);
		return fl;
	}
	if (!S_ISREG(st->st_mode) && !(dir_ok && S_ISDIR(st->st_mode))) {
		close(fd);
		return -EINVAL;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		fl = -errno;
		close(fd);
		return fl;
	}
	return fd;
}

int
open_dir_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);

	return fd == -1 ? -errno : fd;
}

/* Removes everything in the open folder fd (which it closes) but the
 * entry keep (NULL: everything). */
static int
empty_dir(int fd, const char *keep)
{
	struct dirent *e;
	DIR *d;
	int rc = 0, r;

	if ((d = fdopendir(fd)) == NULL) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (keep != NULL && strcmp(e->d_name, keep) == 0))
			continue;
		if ((r = remove_tree_at(dirfd(d), e->d_name)) < 0 && rc == 0)
			rc = r;
	}
	closedir(d);
	return rc;
}

int
remove_tree_at(int dirfd, const char *name)
{
	struct stat st;
	int fd, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) == -1 && errno != ENOENT ?
		    -errno : 0;
	fault_point("remove", name);
	if ((fd = open_dir_at(dirfd, name)) < 0) {
		/* No longer a folder: whatever took its place (a link) is
		 * removed itself. */
		if (fd == -ENOTDIR || fd == -ELOOP)
			return unlinkat(dirfd, name, 0) == -1 &&
			    errno != ENOENT ? -errno : 0;
		return fd == -ENOENT ? 0 : fd;
	}
	if ((rc = empty_dir(fd, NULL)) != 0)
		return rc;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return -errno;
	return 0;
}

int
clear_dir_at(int dirfd, const char *name, const char *keep)
{
	int fd = open_dir_at(dirfd, name);

	return fd < 0 ? fd : empty_dir(fd, keep);
}

/* Copies the open regular file in into the new file dname of ddirfd,
 * fsynced when sync is true. */
static int
copy_fd_at(int in, int ddirfd, const char *dname, mode_t fmode, bool sync)
{
	char buf[65536];
	ssize_t n, w, off;
	int out, rc = 0;

	out = openat(ddirfd, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, fmode);
	if (out == -1)
		return -errno;
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno != EINTR) {
					rc = -errno;
					goto out;
				}
				w = 0;
			}
		}
	}
	if (sync && fsync(out) == -1)
		rc = -errno;
out:
	if (close(out) == -1 && rc == 0)
		rc = -errno;
	return rc;
}

static int copy_at(int, const char *, int, const char *, mode_t, bool);

/* Copies the open folder in (which it closes) into the new folder dname
 * of ddirfd, each file and folder fsynced when sync is true. */
static int
copy_dir_at(int in, int ddirfd, const char *dname, mode_t fmode, bool sync)
{
	struct dirent *e;
	DIR *d;
	int out, rc = 0;

	if ((d = fdopendir(in)) == NULL) {
		rc = -errno;
		close(in);
		return rc;
	}
	if (mkdirat(ddirfd, dname, 0750) == -1 ||
	    (out = open_dir_at(ddirfd, dname)) < 0) {
		rc = -errno;
		closedir(d);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = copy_at(dirfd(d), e->d_name, out, e->d_name, fmode, sync);
		/* Links and special files are no content (also one swapped
		 * in since the folder was read). */
		if (rc == -EINVAL || rc == -ELOOP || rc == -ENXIO)
			rc = 0;
	}
	closedir(d);
	if (rc == 0 && sync && fsync(out) == -1 && errno != EINVAL)
		rc = -errno;
	close(out);
	return rc;
}

static int
copy_at(int sdirfd, const char *sname, int ddirfd, const char *dname,
    mode_t fmode, bool sync)
{
	struct stat st;
	int in, rc;

	if ((in = open_content_at(sdirfd, sname, true, &st)) < 0)
		return in;
	if (S_ISDIR(st.st_mode))
		return copy_dir_at(in, ddirfd, dname, fmode, sync);
	rc = copy_fd_at(in, ddirfd, dname, fmode, sync);
	close(in);
	return rc;
}

int
copy_tree_at(int sdirfd, const char *sname, int ddirfd, const char *dname,
    mode_t fmode)
{
	return copy_at(sdirfd, sname, ddirfd, dname, fmode, true);
}

int
copy_tree_unsynced_at(int sdirfd, const char *sname, int ddirfd,
    const char *dname, mode_t fmode)
{
	return copy_at(sdirfd, sname, ddirfd, dname, fmode, false);
}

int
fs_sync(int fd)
{
	return syncfs(fd) == -1 ? -errno : 0;
}

int
write_file_at(int dirfd, const char *tmp, const char *name, const char *data,
    size_t len, mode_t mode, gid_t gid)
{
	size_t off = 0;
	ssize_t w;
	int fd, rc = 0;

	/* A leftover of ours from a crash; a link is removed, not followed. */
	(void)unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (fd == -1)
		return -errno;
	if (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) == -1)
		rc = -errno;
	if (rc == 0 && fchmod(fd, mode) == -1)
		rc = -errno;
	while (rc == 0 && off < len) {
		if ((w = write(fd, data + off, len - off)) < 0) {
			if (errno != EINTR)
				rc = -errno;
			continue;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fsync(fd) == -1)
		rc = -errno;
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) == -1)
		rc = -errno;
	if (rc != 0)
		(void)unlinkat(dirfd, tmp, 0);
	return rc;
}
