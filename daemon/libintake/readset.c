/*
 * readset.c - the files a load read, to see later whether any changed
 * (readset.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "intake.h"
#include "readset.h"

struct readset_file {
	char		*path;
	bool		 there;		/* false: it could not be opened */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime, ctime;
};

static struct readset *recording;

void
readset_record(struct readset *rs)
{
	struct timespec now;

	readset_release(rs);
	clock_gettime(CLOCK_REALTIME, &now);
	rs->at_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	recording = rs;
}

void
readset_stop(void)
{
	recording = NULL;
}

static void
file_set(struct readset_file *f, const struct stat *st)
{
	f->there = st != NULL;
	if (st == NULL)
		return;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
}

void
readset_note(const char *path, const struct stat *st)
{
	struct readset *rs = recording;
	struct readset_file *f;

	if (rs == NULL)
		return;
	rs->files = xreallocarray(rs->files, rs->n + 1, sizeof(*rs->files));
	f = &rs->files[rs->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	file_set(f, st);
}

void
readset_note_path(const char *path)
{
	struct stat st;

	if (recording != NULL)
		readset_note(path, stat(path, &st) == 0 ? &st : NULL);
}

static int64_t
ts_ms(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

static bool
ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

bool
readset_changed(const struct readset *rs)
{
	struct readset_file now;
	struct stat st;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct readset_file *f = &rs->files[i];

		file_set(&now, stat(f->path, &st) == 0 ? &st : NULL);
		if (now.there != f->there)
			return true;
		if (!f->there)
			continue;
		if (now.dev != f->dev || now.ino != f->ino ||
		    now.size != f->size || !ts_eq(&now.mtime, &f->mtime) ||
		    !ts_eq(&now.ctime, &f->ctime) ||
		    ts_ms(&f->mtime) >= rs->at_ms - READSET_RACY_MS ||
		    ts_ms(&f->ctime) >= rs->at_ms - READSET_RACY_MS)
			return true;
	}
	return false;
}

void
readset_release(struct readset *rs)
{
	size_t i;

	if (recording == rs)
		recording = NULL;
	for (i = 0; i < rs->n; i++)
		free(rs->files[i].path);
	free(rs->files);
	memset(rs, 0, sizeof(*rs));
}
