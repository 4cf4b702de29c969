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

int
remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == -1 && errno != ENOENT ? -errno : 0;
	fault_point("remove", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	if ((d = opendir(path)) == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = path_join(path, e->d_name);
		int r = remove_tree(sub);
		free(sub);
		if (r < 0 && rc == 0)
			rc = r;
	}
	closedir(d);
	if (rc == 0 && rmdir(path) == -1 && errno != ENOENT)
		rc = -errno;
	return rc;
}

static int
copy_file(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0666);
	if (out == -1) {
		rc = -errno;
		goto fail;
	}
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto fail;
		}
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				rc = -errno;
				goto fail;
			}
			off += w;
		}
	}
	if (fsync(out) == -1)
		rc = -errno;
fail:
	if (out != -1 && close(out) == -1 && rc == 0)
		rc = -errno;
	close(in);
	return rc;
}

int
copy_tree(const char *src, const char *dst)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(src, &st) == -1)
		return -errno;
	if (S_ISREG(st.st_mode))
		return copy_file(src, dst, st.st_mode);
	if (!S_ISDIR(st.st_mode))
		return 0;	/* symlinks and special files are not content */
	if (mkdir(dst, 0750) == -1)
		return -errno;
	if ((d = opendir(src)) == NULL)
		return -errno;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *s = path_join(src, e->d_name);
		char *t = path_join(dst, e->d_name);
		rc = copy_tree(s, t);
		free(s);
		free(t);
	}
	closedir(d);
	if (rc == 0)
		rc = fsync_dir(dst);
	return rc;
}

int
write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int fd, rc = 0;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd == -1) {
		rc = -errno;
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fsync(fd) == -1)
		rc = -errno;
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
out:
	free(tmp);
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
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		goto out;
	}
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
	DIR *d;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return -errno;
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

const char *
program_path(const char *env, const char *installed)
{
	const char *p = getenv(env);

	return p != NULL && *p != '\0' ? p : installed;
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
