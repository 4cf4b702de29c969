/*
 * util.c - memory, paths, time and durable file operations.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "readset.h"

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation of %zu x %zu bytes overflows", n, size);
	q = realloc(p, n != 0 && size != 0 ? n * size : 1);
	if (q == NULL)
		fatal("out of memory");
	return q;
}

void *
array_add(void *arrayp, size_t *n, size_t size)
{
	char *v;

	memcpy(&v, arrayp, sizeof(v));
	v = xreallocarray(v, *n + 1, size);
	memset(v + *n * size, 0, size);
	memcpy(arrayp, &v, sizeof(v));
	return v + (*n)++ * size;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	return s;
}

char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t
now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int64_t
mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

char *
fmt_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int
mkdir_p(const char *dir, mode_t mode)
{
	char *p, *s;
	int rc = 0;

	s = xstrdup(dir);
	for (p = s + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(s, mode) == -1 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(s);
	return rc;
}

int
fsync_dir(const char *dir)
{
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -errno;
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

/* Opens the folder above path; *name points into *copy (the caller
 * frees it) at the last component.  fd or -errno. */
static int
open_parent(const char *path, char **copy, const char **name)
{
	char *slash;
	const char *dir = ".";
	int fd;

	*copy = xstrdup(path);
	*name = *copy;
	for (slash = *copy + strlen(*copy); slash > *copy + 1 &&
	    slash[-1] == '/'; )
		*--slash = '\0';
	if ((slash = strrchr(*copy, '/')) != NULL) {
		*slash = '\0';
		dir = slash == *copy ? "/" : *copy;
		*name = slash + 1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd == -1 ? -errno : fd;
}

int
remove_tree(const char *path)
{
	const char *name;
	char *copy;
	int fd, rc;

	if ((fd = open_parent(path, &copy, &name)) < 0)
		rc = fd == -ENOENT ? 0 : fd;
	else {
		rc = remove_tree_at(fd, name);
		close(fd);
	}
	free(copy);
	return rc;
}

int
copy_tree(const char *src, const char *dst)
{
	const char *sname, *dname;
	char *scopy, *dcopy;
	int sfd, dfd, rc;

	sfd = open_parent(src, &scopy, &sname);
	dfd = open_parent(dst, &dcopy, &dname);
	rc = sfd < 0 ? sfd : dfd < 0 ? dfd :
	    copy_tree_at(sfd, sname, dfd, dname, 0640);
	if (rc == 0 && fsync(dfd) == -1 && errno != EINVAL)
		rc = -errno;
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	free(scopy);
	free(dcopy);
	return rc;
}

int
file_read_all(const char *path, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t off = 0;
	int fd, rc = 0;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = -errno;
		readset_note_path(path);
		return rc;
	}
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		goto out;
	}
	readset_note(path, &st);
	if (!S_ISREG(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	*buf = xcalloc((size_t)st.st_size + 1, 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			free(*buf);
			*buf = NULL;
			goto out;
		}
		off += (size_t)n;
	}
	*len = off;
out:
	close(fd);
	return rc;
}

static int64_t
ts_ms(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

int
tree_walk(const char *path, const char *rel,
    int (*fn)(const char *path, const char *rel, const struct stat *, void *),
    void *arg)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int rc;

	if (lstat(path, &st) == -1)
		return -errno;
	if ((rc = fn(path, rel, &st, arg)) != 0 || !S_ISDIR(st.st_mode))
		return rc;
	if ((d = opendir(path)) == NULL)
		return -errno;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = path_join(path, e->d_name);
		char *srel = *rel ? xasprintf("%s/%s", rel, e->d_name) :
		    xstrdup(e->d_name);
		rc = tree_walk(sub, srel, fn, arg);
		free(sub);
		free(srel);
	}
	closedir(d);
	return rc;
}

struct tree_sums {
	int64_t	*bytes, *files, *mtime_ms, *ctime_ms;
};

static int
tree_sum(const char *path, const char *rel, const struct stat *st, void *arg)
{
	struct tree_sums *t = arg;

	(void)path;
	(void)rel;
	if (ts_ms(&st->st_mtim) > *t->mtime_ms)
		*t->mtime_ms = ts_ms(&st->st_mtim);
	if (ts_ms(&st->st_ctim) > *t->ctime_ms)
		*t->ctime_ms = ts_ms(&st->st_ctim);
	if (S_ISREG(st->st_mode)) {
		*t->bytes += st->st_size;
		*t->files += 1;
	}
	return 0;
}

int
tree_stat(const char *path, int64_t *bytes, int64_t *files, int64_t *mtime_ms,
    int64_t *ctime_ms)
{
	struct tree_sums t = { bytes, files, mtime_ms, ctime_ms };

	return tree_walk(path, "", tree_sum, &t);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
xml_files(const char *dir, char ***names, size_t *n)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		rc = -errno;
		readset_note_path(dir);
		return rc;
	}
	readset_note(dir, fstat(dirfd(d), &st) == 0 ? &st : NULL);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len < 5 ||
		    strcmp(e->d_name + len - 4, ".xml") != 0)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), name_cmp);
	return 0;
}

void
child_signals_default(void)
{
	sigset_t none;

	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
}

void
fd_close(int fd)
{
	if (fd != -1)
		(void)close(fd);
}

void
free_each_string(void *v, size_t n, size_t size, size_t off)
{
	unsigned char *p = v;
	size_t i;

	for (i = 0; i < n; i++) {
		char *str;

		memcpy(&str, p + i * size + off, sizeof(str));
		free(str);
	}
	free(v);
}

void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

ssize_t
strv_find(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (ssize_t)i;
	return -1;
}

void
names_split(const char *s, char ***out, size_t *n)
{
	while (s != NULL && *s != '\0') {
		size_t len;

		s += strspn(s, " ,\t\n");
		if ((len = strcspn(s, " ,\t\n")) == 0)
			break;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		if (((*out)[(*n)++] = strndup(s, len)) == NULL)
			fatal("out of memory");
		s += len;
	}
}
