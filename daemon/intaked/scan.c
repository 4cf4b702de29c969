/*
 * scan.c - finding the files and folders in an inbox that are complete.
 *
 * A delivery is complete when it has not changed for the inbox's settle
 * time.  On a local file system the kernel's own mtime and ctime say so
 * (ctime cannot be set back by a copying tool); on a network file system,
 * whose clocks may differ, only what this daemon observed counts: the same
 * size, mtime and file count seen at least settle time apart.  A folder is
 * judged by all the files in it, so it is one delivery once all have
 * settled.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intake.h"
#include "ledger.h"
#include "scan.h"

struct scan_entry {
	char		*name;
	bool		 folder;
	const char	*ignored;	/* the pattern, or NULL */
	int64_t		 size, files, mtime, ctime;
	int64_t		 stable_since;	/* monotonic ms */
	bool		 done;		/* returned; not again unless it changes */
};

void
scan_init(struct scan *s, const struct inbox_conf *in, bool network)
{
	memset(s, 0, sizeof(*s));
	s->inbox = in;
	s->network = network;
	s->rejected = in->rejected[0] == '/' ? xstrdup(in->rejected) :
	    path_join(in->path, in->rejected);
}

/* Is name (in the inbox) the rejected folder, or a folder holding it?
 * Neither is ever a delivery. */
static bool
holds_rejected(const struct scan *s, const char *name)
{
	char *full = path_join(s->inbox->path, name);
	size_t n = strlen(full);
	bool yes = strncmp(s->rejected, full, n) == 0 &&
	    (s->rejected[n] == '\0' || s->rejected[n] == '/');

	free(full);
	return yes;
}

static void
entries_free(struct scan_entry *e, size_t n)
{
	free_each_string(e, n, sizeof(*e), offsetof(struct scan_entry, name));
}

void
scan_release(struct scan *s)
{
	entries_free(s->entries, s->nentries);
	free(s->rejected);
	memset(s, 0, sizeof(*s));
}

void
scan_ready_free(struct scan_ready *r, size_t n)
{
	free_each_string(r, n, sizeof(*r), offsetof(struct scan_ready, name));
}

size_t
scan_pending(const struct scan *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nentries; i++)
		if (!s->entries[i].done)
			n++;
	return n;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct scan_entry *)a)->name,
	    ((const struct scan_entry *)b)->name);
}

void
scan_retry(struct scan *s, const char *name)
{
	struct scan_entry key = { .name = (char *)name }, *e;

	if (s->nentries == 0)
		return;
	e = bsearch(&key, s->entries, s->nentries, sizeof(*e), entry_cmp);
	if (e != NULL)
		e->done = false;
}

/* Reads what an entry looks like now; false when it cannot be judged
 * (it vanished or changes while being read). */
static bool
entry_stat(const char *dir, struct scan_entry *e)
{
	char *path = path_join(dir, e->name);
	struct stat st;
	bool ok = false;

	if (lstat(path, &st) == -1)
		goto out;
	if (S_ISREG(st.st_mode)) {
		e->size = st.st_size;
		e->files = 1;
		e->mtime = (int64_t)st.st_mtim.tv_sec * 1000 +
		    st.st_mtim.tv_nsec / 1000000;
		e->ctime = (int64_t)st.st_ctim.tv_sec * 1000 +
		    st.st_ctim.tv_nsec / 1000000;
		ok = true;
	} else if (S_ISDIR(st.st_mode)) {
		e->folder = true;
		e->size = e->files = e->mtime = e->ctime = 0;
		ok = tree_stat(path, &e->size, &e->files, &e->mtime,
		    &e->ctime) == 0;
	} else if (e->ignored == NULL) {
		e->ignored = "(not a regular file or folder)";
		ok = true;
	} else
		ok = true;
out:
	free(path);
	return ok;
}

/* Is d, an entry of the inbox dp, the folder (dev, ino): the inbox's
 * rejected folder, maybe renamed by someone who may write the inbox? */
static bool
is_folder(DIR *dp, const struct dirent *d, dev_t dev, ino_t ino)
{
	struct stat st;

	if (ino == 0 || (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN))
		return false;
	return fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == dev && st.st_ino == ino;
}

/* Lists the inbox, sorted by name, with each entry's current look; the
 * folder (dev, ino) is left out (ino 0: none). */
static int
scan_list(struct scan *s, dev_t dev, ino_t ino, struct scan_entry **out,
    size_t *nout)
{
	const struct inbox_conf *in = s->inbox;
	struct scan_entry *v = NULL;
	size_t n = 0;
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(in->path)) == NULL) {
		log_err("inbox \"%s\": %s", in->path, strerror(errno));
		return INTAKE_ERR;
	}
	while ((d = readdir(dp)) != NULL) {
		struct scan_entry e;

		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0 ||
		    strncmp(d->d_name, TAKEN_PREFIX, strlen(TAKEN_PREFIX)) == 0 ||
		    holds_rejected(s, d->d_name) || is_folder(dp, d, dev, ino))
			continue;
		memset(&e, 0, sizeof(e));
		e.name = xstrdup(d->d_name);
		e.ignored = match_ignored(e.name, in->ignore, in->nignore);
		if (!entry_stat(in->path, &e)) {
			e.stable_since = -1;	/* changing: not judged now */
			e.files = -1;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = e;
	}
	closedir(dp);
	if (n > 1)
		qsort(v, n, sizeof(*v), entry_cmp);
	*out = v;
	*nout = n;
	return 0;
}

static bool
same_look(const struct scan_entry *a, const struct scan_entry *b)
{
	return a->size == b->size && a->files == b->files &&
	    a->mtime == b->mtime && a->ctime == b->ctime &&
	    a->folder == b->folder && a->files >= 0;
}

int
scan_inbox(struct scan *s, struct ledger *l, struct scan_ready **ready,
    size_t *nready)
{
	struct scan_entry *cur, *old = s->entries;
	struct scan_ready *r = NULL;
	size_t n, i, j = 0, nr = 0;
	int64_t mono = mono_ms(), real = now_ms();
	int64_t settle = s->inbox->settle_ms;

	(void)l;
	*ready = NULL;
	*nready = 0;
	dev_t dev = 0;
	ino_t ino = 0;

	ledger_rejected_id(l, s->inbox, &dev, &ino);
	if (scan_list(s, dev, ino, &cur, &n) != 0)
		return INTAKE_ERR;
	s->next_check = 0;
	for (i = 0; i < n; i++) {
		struct scan_entry *e = &cur[i];
		int64_t quiet, wait;

		/* Carry over what was known of the same name. */
		while (j < s->nentries && strcmp(old[j].name, e->name) < 0)
			j++;
		if (j < s->nentries && strcmp(old[j].name, e->name) == 0 &&
		    same_look(&old[j], e)) {
			e->stable_since = old[j].stable_since;
			e->done = old[j].done;
		} else if (j < s->nentries && strcmp(old[j].name, e->name) == 0 &&
		    old[j].ignored != NULL && e->ignored != NULL) {
			e->stable_since = mono;
			e->done = old[j].done;	/* ignored once is enough */
		} else
			e->stable_since = mono;
		if (e->done || e->files < 0) {
			if (e->files < 0)
				s->next_check = s->next_check ?
				    s->next_check : mono + 100;
			continue;
		}
		/* Quiet for how long, by observation and by the clock. */
		quiet = mono - e->stable_since;
		if (!s->network) {
			int64_t last = e->mtime > e->ctime ? e->mtime : e->ctime;
			if (real - last > quiet)
				quiet = real - last;
		}
		if (quiet < settle) {
			wait = mono + (settle - quiet);
			if (s->next_check == 0 || wait < s->next_check)
				s->next_check = wait;
			continue;
		}
		r = xreallocarray(r, nr + 1, sizeof(*r));
		r[nr].name = xstrdup(e->name);
		r[nr].folder = e->folder;
		r[nr].ignored = e->ignored != NULL;
		r[nr].pattern = e->ignored;
		r[nr].size = e->size;
		r[nr].mtime_ms = e->mtime;
		nr++;
		e->done = true;
	}
	entries_free(old, s->nentries);
	s->entries = cur;
	s->nentries = n;
	*ready = r;
	*nready = nr;
	return 0;
}
