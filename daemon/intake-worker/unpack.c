/*
 * unpack.c - archives, folders and single files into their members; the
 * only file that calls libarchive.
 *
 * Formats are recognised by content, never by name.  Member names are
 * never used as paths: nothing is written under a name a sender chose, so
 * zip-slip cannot happen by construction; unsafe names, links, devices and
 * encrypted members are still skipped and reported so a person sees them.
 * Sizes, member counts, compression ratios and nesting are bounded before
 * anything is decoded.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "worker.h"

struct member {
	char		*name;
	unsigned char	*data;
	size_t		 len;
};

struct members {
	struct member	*v;
	size_t		 n;
};

static void
members_release(struct members *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].data);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static void
members_add(struct members *m, char *name, unsigned char *data, size_t len)
{
	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	m->v[m->n].name = name;
	m->v[m->n].data = data;
	m->v[m->n].len = len;
	m->n++;
}

/* The name of a delivered file or archive member in messages. */
char *
unpack_where(const char *source, const char *member)
{
	return member ? xasprintf("%s:%s", source, member) : xstrdup(source);
}

int
unpack_name_cmp(const char *a, const char *b)
{
	int c = strverscmp(a, b);

	return c != 0 ? c : strcmp(a, b);
}

static int
member_cmp(const void *a, const void *b)
{
	return unpack_name_cmp(((const struct member *)a)->name,
	    ((const struct member *)b)->name);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A path inside an archive that would leave the folder it is unpacked in. */
static bool
unsafe_path(const char *p)
{
	const char *s;

	if (p[0] == '/' || p[0] == '\\' || (p[0] != '\0' && p[1] == ':'))
		return true;
	for (s = p; *s; ) {
		size_t n = strcspn(s, "/\\");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s += n;
		if (*s)
			s++;
	}
	return false;
}

static bool
is_junk(const char *path)
{
	return strncmp(path, "__MACOSX/", 9) == 0 || strstr(path, "/__MACOSX/") ||
	    match_junk(base_name(path));
}

static struct archive *
archive_new(bool raw)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		fatal("out of memory");
	archive_read_support_filter_all(a);
	if (raw)
		archive_read_support_format_raw(a);
	else {
		archive_read_support_format_zip(a);
		archive_read_support_format_tar(a);
		archive_read_support_format_7zip(a);
		archive_read_support_format_cpio(a);
	}
	return a;
}

/* Does data hold an archive (or a compressed single file)? */
static bool
archive_sniff(const unsigned char *data, size_t len, bool *raw)
{
	struct archive *a;
	struct archive_entry *e;
	bool yes;
	int r = ARCHIVE_FATAL;

	/* A first header, not an end: a run of zeros reads as an empty tar. */
	a = archive_new(false);
	yes = archive_read_open_memory(a, data, len) == ARCHIVE_OK &&
	    (r = archive_read_next_header(a, &e)) >= ARCHIVE_WARN &&
	    r != ARCHIVE_EOF;
	archive_read_free(a);
	*raw = false;
	if (yes)
		return true;
	/* A single compressed file: a filter, and the raw format. */
	a = archive_new(true);
	yes = archive_read_open_memory(a, data, len) == ARCHIVE_OK &&
	    archive_read_next_header(a, &e) >= ARCHIVE_WARN &&
	    archive_filter_count(a) > 1 &&
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
	archive_read_free(a);
	*raw = yes;
	return yes;
}

/* Reads one member's data, keeping the job inside its limits; *given
 * counts what the archive (of size bytes) has given so far. */
static int
read_member(struct job *j, struct archive *a, const char *where,
    uint64_t size, uint64_t *given, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	const void *blk;
	size_t n;
	int64_t off;
	int r;

	for (;;) {
		r = archive_read_data_block(a, &blk, &n, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			job_warn(j, "%s: cannot be read: %s", where,
			    archive_error_string(a) ? archive_error_string(a) :
			    "damaged");
			free(buf);
			return INTAKE_ERR;
		}
		if (off < 0 || (uint64_t)off > j->lim.max_bytes ||
		    n > j->lim.max_bytes - (uint64_t)off) {
			free(buf);
			return job_refuse(j, "%s: more than %llu bytes "
			    "uncompressed", where,
			    (unsigned long long)j->lim.max_bytes);
		}
		if ((size_t)off + n > len) {
			size_t need = (size_t)off + n;
			uint64_t grow = need - len;

			if (j->bytes + grow > j->lim.max_bytes) {
				free(buf);
				return job_refuse(j, "more than %llu bytes "
				    "uncompressed in all (at %s)",
				    (unsigned long long)j->lim.max_bytes, where);
			}
			j->bytes += grow;
			*given += grow;
			if (need > cap) {
				cap = cap ? cap : 65536;
				while (cap < need)
					cap *= 2;
				buf = xreallocarray(buf, cap, 1);
			}
			memset(buf + len, 0, need - len);
			len = need;
		}
		if (n > 0)
			memcpy(buf + off, blk, n);
		/* A bomb shows as an archive giving far more than its own
		 * size: what this archive gave, not the job (whose count
		 * holds the delivered file itself, and the archives round
		 * this one) */
		if (*given > (16u << 20) && size > 0 &&
		    *given / size > j->lim.max_ratio) {
			free(buf);
			return job_refuse(j, "%s: compression ratio over %u:1 "
			    "(a decompression bomb)", where, j->lim.max_ratio);
		}
	}
	*out = buf ? buf : xcalloc(1, 1);
	*outlen = len;
	return 0;
}

/* Reads every member of an archive (of size bytes) into m, skipping and
 * reporting what is not plain file content. */
static int
archive_members(struct job *j, struct archive *a, uint64_t size,
    const char *source, bool raw, const char *inner_name, struct members *m)
{
	struct archive_entry *e;
	uint64_t given = 0;
	int r;

	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *path;
		char *where;
		unsigned char *data = NULL;
		size_t len = 0;
		mode_t type;

		if (r < ARCHIVE_WARN) {
			job_warn(j, "%s: damaged archive: %s", source,
			    archive_error_string(a) ? archive_error_string(a) :
			    "cannot read on");
			return m->n > 0 ? 0 : INTAKE_ERR;
		}
		if (++j->members > j->lim.max_members)
			return job_refuse(j, "%s: more than %u archive members",
			    source, j->lim.max_members);
		path = raw ? inner_name : archive_entry_pathname(e);
		if (path == NULL)
			path = "(unnamed)";
		where = xasprintf("%s:%s", source, path);
		type = archive_entry_filetype(e);
		if (type == AE_IFDIR || is_junk(path)) {
			free(where);
			continue;
		}
		if (unsafe_path(path))
			job_warn(j, "%s: unsafe path skipped", where);
		else if (archive_entry_hardlink(e) != NULL)
			job_warn(j, "%s: hard link skipped", where);
		else if (type == AE_IFLNK)
			job_warn(j, "%s: symbolic link skipped", where);
		else if (type != AE_IFREG && type != 0)
			job_warn(j, "%s: %s skipped", where,
			    type == AE_IFIFO ? "FIFO" : type == AE_IFSOCK ?
			    "socket" : "device node");
		else if (archive_entry_is_encrypted(e))
			job_warn(j, "%s: encrypted member skipped", where);
		else {
			r = read_member(j, a, where, size, &given, &data,
			    &len);
			if (r == 0)
				members_add(m, xstrdup(path), data, len);
			else if (j->refused != NULL) {
				free(where);
				return INTAKE_EINVAL;
			}
		}
		free(where);
	}
	return 0;
}

static int unpack_members(struct job *, const char *source, struct members *,
    uint32_t depth);

static int
unpack_archive(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len, uint32_t depth, bool raw)
{
	struct members m = { NULL, 0 };
	struct archive *a;
	char *where, *inner = NULL;
	int rc;

	where = unpack_where(source, member);
	if (depth > j->lim.max_depth) {
		rc = job_refuse(j, "%s: archives nested deeper than %u levels",
		    where, j->lim.max_depth);
		free(where);
		return rc;
	}
	if (raw) {
		/* name.tif.gz holds name.tif */
		const char *b = base_name(member ? member : source);
		const char *dot = strrchr(b, '.');
		inner = dot && dot != b ? xasprintf("%.*s", (int)(dot - b), b) :
		    xstrdup(b);
	}
	job_progress(j, "unpacking %s", where);
	a = archive_new(raw);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		rc = INTAKE_ERR;
	else
		rc = archive_members(j, a, len, where, raw, inner, &m);
	archive_read_free(a);
	if (rc == 0 || (rc == INTAKE_ERR && j->refused == NULL)) {
		if (m.n > 1)
			qsort(m.v, m.n, sizeof(*m.v), member_cmp);
		rc = unpack_members(j, where, &m, depth + 1);
	}
	members_release(&m);
	free(inner);
	free(where);
	return rc;
}

static int
unpack_members(struct job *j, const char *source, struct members *m,
    uint32_t depth)
{
	size_t i;
	int rc;

	for (i = 0; i < m->n; i++) {
		rc = unpack_buffer(j, source, m->v[i].name, m->v[i].data,
		    m->v[i].len, depth);
		free(m->v[i].data);	/* decoded: no longer needed */
		m->v[i].data = NULL;
		if (j->refused != NULL)
			return INTAKE_EINVAL;
		(void)rc;
	}
	return 0;
}

int
unpack_buffer(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len, uint32_t depth)
{
	const char *name = member ? member : source;
	bool raw;

	job_progress(j, "decoding %s%s%s", source, member ? ":" : "",
	    member ? member : "");
	job_fault_point(j, name);
	if (len == 0) {
		job_warn(j, "%s%s%s: empty file skipped", source,
		    member ? ":" : "", member ? member : "");
		return 0;
	}
	if (strcasecmp(base_name(name), "manifest.xml") == 0)
		return manifest_read(j, source, member, data, len);
	if (image_sniff(data, len))
		return image_pages(j, source, member, data, len);
	if (pdf_sniff(data, len))
		return pdf_pages(j, source, member, data, len);
	if (archive_sniff(data, len, &raw))
		return unpack_archive(j, source, member, data, len, depth, raw);
	return job_attachment(j, name, data, len);
}

/* Reads a whole descriptor, within the job's byte limit. */
static int
read_all(struct job *j, int fd, const char *name, unsigned char **out,
    size_t *outlen)
{
	struct stat st;
	unsigned char *buf;
	size_t off = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		job_warn(j, "%s: not a regular file, skipped", name);
		return INTAKE_ERR;
	}
	if ((uint64_t)st.st_size > j->lim.max_bytes - j->bytes)
		return job_refuse(j, "%s: more than %llu bytes", name,
		    (unsigned long long)j->lim.max_bytes);
	j->bytes += (uint64_t)st.st_size;
	buf = xcalloc((size_t)st.st_size + 1, 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	*out = buf;
	*outlen = off;
	return 0;
}

/* Collects the files of a folder delivery (relative names), reporting
 * links and special files. */
static int
folder_members(struct job *j, int dirfd, const char *prefix, struct members *m,
    uint32_t level)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if ((d = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return INTAKE_ERR;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		char *rel;
		int fd;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rel = *prefix ? xasprintf("%s/%s", prefix, e->d_name) :
		    xstrdup(e->d_name);
		if (is_junk(rel) || e->d_name[0] == '.') {
			free(rel);
			continue;
		}
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			job_warn(j, "%s: cannot be read: %s", rel, strerror(errno));
			free(rel);
			continue;
		}
		if (++j->members > j->lim.max_members) {
			free(rel);
			rc = job_refuse(j, "more than %u files in the folder",
			    j->lim.max_members);
			break;
		}
		if (S_ISDIR(st.st_mode) && level < 8) {
			fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd != -1)
				rc = folder_members(j, fd, rel, m, level + 1);
			else
				job_warn(j, "%s: cannot be read: %s", rel,
				    strerror(errno));
		} else if (S_ISREG(st.st_mode)) {
			unsigned char *data = NULL;
			size_t len = 0;

			fd = openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC);
			if (fd != -1) {
				if (read_all(j, fd, rel, &data, &len) == 0)
					members_add(m, xstrdup(rel), data, len);
				close(fd);
			} else
				job_warn(j, "%s: cannot be read: %s", rel,
				    strerror(errno));
			if (j->refused)
				rc = INTAKE_EINVAL;
		} else if (S_ISDIR(st.st_mode))
			job_warn(j, "%s: folders nested deeper than 8 levels "
			    "skipped", rel);
		else
			job_warn(j, "%s: %s skipped", rel, S_ISLNK(st.st_mode) ?
			    "symbolic link" : "special file");
		free(rel);
	}
	closedir(d);
	return rc;
}

int
unpack_fd(struct job *j, int fd, const char *name, bool folder)
{
	struct members m = { NULL, 0 };
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	if (!folder) {
		if ((rc = read_all(j, fd, name, &data, &len)) != 0)
			return rc;
		rc = unpack_buffer(j, name, NULL, data, len, 0);
		free(data);
		return rc;
	}
	rc = folder_members(j, dup(fd), "", &m, 0);
	if (rc == 0) {
		if (m.n > 1)
			qsort(m.v, m.n, sizeof(*m.v), member_cmp);
		rc = unpack_members(j, name, &m, 0);
	}
	members_release(&m);
	return rc;
}
