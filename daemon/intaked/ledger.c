/*
 * ledger.c - taking deliveries from inboxes into the spool, exactly once.
 *
 * A delivery is first recorded (stage "claiming", one transaction), then
 * copied into <data>/spool/<token>/<name> as the daemon's own files (a
 * durable copy, recorded as "copied") before the inbox copy is removed.
 * The copy is never a rename: a file or folder moved from the inbox would
 * still belong to its sender, who could change it (through a descriptor
 * or a shell kept open in it) after it was hashed.  Every step on the
 * inbox is relative to a descriptor of the inbox and follows no link
 * (fsat.c).  Every step can be interrupted by SIGKILL and is finished by
 * ledger_recover() on the next start; spool folders without a row (a
 * power loss can take back the last commits) are adopted.
 *
 * What one scan found is taken in batches (ledger_take_batch()): each
 * stage of a batch's deliveries is one transaction for all of them, and
 * their copies are made durable by one flush of the spool's file system,
 * not by an fsync of each file and folder (takes_move_in() says why that
 * keeps every promise above).
 *
 * Refused deliveries go to the inbox's rejected folder, opened once and
 * checked (rejected.c); an inbox whose rejected folder is not safe is not
 * taken from.
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
#include "jobmsg.h"
#include "store.h"
#include "ledger.h"
#include "letgo.h"

#define COPY_PREFIX	".copying."

int
ledger_init(struct ledger *l, struct store *st, const struct config *c)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->store = st;
	l->config = c;
	l->spool = path_join(c->data_dir, "spool");
	l->spool_fd = -1;
	l->fallback.fd = -1;
	if ((rc = mkdir_p(l->spool, 0750)) != 0) {
		log_err("spool \"%s\": %s", l->spool, strerror(-rc));
		return INTAKE_ERR;
	}
	if ((l->spool_fd = open(l->spool, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		log_err("spool \"%s\": %s", l->spool, strerror(errno));
		return INTAKE_ERR;
	}
	return 0;
}

static void
rejected_release(struct ledger_rejected *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->problem);
}

void
ledger_release(struct ledger *l)
{
	size_t i;

	letgo_free(l->letgo);	/* the removals handed over are done first */
	for (i = 0; i < l->nrejected; i++)
		rejected_release(&l->rejected[i]);
	free(l->rejected);
	rejected_release(&l->fallback);
	fd_close(l->spool_fd);
	free(l->spool);
	memset(l, 0, sizeof(*l));
}

void
ledger_let_go_beside(struct ledger *l)
{
	if (l->letgo == NULL)
		l->letgo = letgo_start();
}

const struct inbox_conf *
ledger_inbox(const struct ledger *l, const char *path)
{
	size_t i;

	for (i = 0; path != NULL && i < l->config->ninboxes; i++)
		if (strcmp(l->config->inboxes[i].path, path) == 0)
			return &l->config->inboxes[i];
	return NULL;
}

char *
ledger_spool_path(const struct ledger *l, const struct delivery *d)
{
	char *dir = path_join(l->spool, d->token);
	char *p = path_join(dir, d->name);

	free(dir);
	return p;
}

static char *
new_token(struct ledger *l)
{
	if (l->pid == 0)
		l->pid = getpid();	/* asked once: no system call a file */
	return xasprintf("%llx-%lx-%x", (unsigned long long)now_ms(),
	    (long)l->pid, l->counter++);
}

/* Is what is at path still the delivery recorded in d (and not a new file
 * of the same name dropped since)? */
static bool
same_content(const char *path, const struct delivery *d)
{
	int64_t bytes = 0, files = 0, mtime = 0, ctime = 0;

	if (tree_stat(path, &bytes, &files, &mtime, &ctime) != 0)
		return false;
	return bytes == d->size && mtime == d->mtime_ms;
}

static bool
exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* One claimed delivery of a batch on its way into the spool. */
struct take {
	struct delivery	*d;		/* its row (the caller's) */
	int		 tfd;		/* its folder in the spool, or -1 */
	int		 rc;		/* 0, or what stopped it */
	bool		 copied;	/* copied now: to be recorded so */
};

/* Copies t's delivery from the inbox ifd into its own folder in the spool,
 * under a temporary name and not yet durable; resumes a claim cut short
 * (stage claiming, or copied with the copy gone).  0, or -errno when the
 * file system refused: -EINVAL when it is not a regular file or folder. */
static int
take_copy(struct ledger *l, struct take *t, int ifd)
{
	struct delivery *d = t->d;
	char *src = path_join(d->inbox, d->name);
	char *tmp = xasprintf(COPY_PREFIX "%s", d->name);
	bool fresh, has_tmp, has_name;
	int rc = 0;

	/* The delivery's own folder in the spool, which the daemon made;
	 * one made just now holds nothing yet. */
	fresh = mkdirat(l->spool_fd, d->token, 0750) == 0;
	if ((!fresh && errno != EEXIST) ||
	    (t->tfd = openat(l->spool_fd, d->token, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		rc = -errno;
		goto out;
	}
	has_tmp = !fresh && exists_at(t->tfd, tmp);
	has_name = !fresh && exists_at(t->tfd, d->name);
	if (d->stage == STAGE_COPIED && !has_tmp && !has_name) {
		/* The copy vanished before it was renamed into place: take
		 * the delivery again if the inbox still holds it, never a
		 * newer file of the same name. */
		if (!same_content(src, d)) {
			rc = -ENOENT;
			goto out;
		}
		d->stage = STAGE_CLAIMING;
	}
	if (d->stage != STAGE_CLAIMING)
		goto out;
	if (has_name) {
		/* Renamed into place, so flushed before (or moved in by an
		 * older version): its copied stage was lost, by a power loss.
		 * The inbox copy is let go if it is still the same. */
		d->stage = STAGE_COPIED;
		goto out;
	}
	if (has_tmp)
		remove_tree_at(t->tfd, tmp);	/* a copy cut short */
	fault_point("take", d->name);
	if ((rc = fault_errno("copy", d->name)) != 0 ||
	    (rc = copy_tree_unsynced_at(ifd, d->name, t->tfd, tmp, 0640)) != 0) {
		remove_tree_at(t->tfd, tmp);
		goto out;
	}
	t->copied = true;
out:
	free(src);
	free(tmp);
	return rc;
}

/* Is t still going, and (only_copied) copied just now? */
static bool
take_going(const struct take *t, bool only_copied)
{
	return t->rc == 0 && (!only_copied || t->copied);
}

/* Stops every take still going (only_copied: of those copied now) with
 * rc. */
static void
takes_stop(struct take *t, size_t n, bool only_copied, int rc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (take_going(&t[i], only_copied))
			t[i].rc = rc;
}

/* Records stage (copied, or spooled with the location) for the takes
 * still going (only_copied: of those copied now), all in one transaction;
 * a store error stops them all. */
static void
takes_record(struct ledger *l, struct take *t, size_t n,
    enum delivery_stage stage, bool only_copied)
{
	size_t i, k = 0;
	char *loc;
	int rc = 0;

	for (i = 0; i < n; i++)
		k += take_going(&t[i], only_copied);
	if (k == 0)
		return;
	if (k > 1 && (rc = store_begin(l->store)) != 0)
		goto fail;
	for (i = 0; i < n && rc == 0; i++) {
		if (!take_going(&t[i], only_copied))
			continue;
		loc = stage == STAGE_SPOOLED ? ledger_spool_path(l, t[i].d) :
		    NULL;
		rc = store_delivery_set_stage(l->store, t[i].d->id, stage, loc);
		free(loc);
	}
	if (rc == 0 && k > 1)
		rc = store_commit(l->store);
	if (rc != 0) {
		if (k > 1)
			store_rollback(l->store);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (take_going(&t[i], only_copied))
			t[i].d->stage = stage;
	return;
fail:
	takes_stop(t, n, only_copied, rc);
}

/* Renames each copy still going into place in its spool folder; true when
 * one was. */
static bool
takes_place(struct take *t, size_t n)
{
	char *tmp;
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!take_going(&t[i], false))
			continue;
		tmp = xasprintf(COPY_PREFIX "%s", t[i].d->name);
		if (t[i].copied || exists_at(t[i].tfd, tmp)) {
			if (renameat(t[i].tfd, tmp, t[i].tfd, t[i].d->name) == -1)
				t[i].rc = -errno;
			else
				any = true;
		}
		free(tmp);
	}
	return any;
}

/* Is the entry name of the inbox ifd still the delivery recorded in d?
 * A file is looked at relative to the inbox (*st: what it is); a folder
 * by its tree. */
static bool
same_content_at(int ifd, const char *src, const struct delivery *d,
    struct stat *st)
{
	if (fstatat(ifd, d->name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return false;
	if (!S_ISREG(st->st_mode))
		return S_ISDIR(st->st_mode) && same_content(src, d);
	return st->st_size == d->size && (int64_t)st->st_mtim.tv_sec * 1000 +
	    st->st_mtim.tv_nsec / 1000000 == d->mtime_ms;
}

/* Removes from the inbox ifd the originals of the takes still going:
 * each out of the scan's sight in one step (renamed), the renames made
 * durable together, then removed: a kill in the middle of removing leaves
 * no half delivery behind.  With a let-go thread (l->letgo) files are
 * handed to it, each with the identity it had when renamed, and removed
 * while the daemon goes on; folders are removed here. */
static void
takes_let_go(struct ledger *l, struct take *t, size_t n, int ifd)
{
	struct letgo_item *items = NULL;
	struct stat *st = xcalloc(n, sizeof(*st));
	bool *file = xcalloc(n, sizeof(*file));
	char *src, *gone;
	bool any = false;
	size_t i, k = 0;
	int fd;

	for (i = 0; i < n; i++) {
		if (!take_going(&t[i], false))
			continue;
		fault_point("let-go", t[i].d->name);
		src = path_join(t[i].d->inbox, t[i].d->name);
		gone = xasprintf(TAKEN_PREFIX "%s", t[i].d->token);
		if (same_content_at(ifd, src, t[i].d, &st[i]) &&
		    renameat(ifd, t[i].d->name, ifd, gone) == 0) {
			any = true;
			file[i] = S_ISREG(st[i].st_mode);
		}
		free(gone);
		free(src);
	}
	if (any)
		(void)fsync(ifd);
	if (l->letgo != NULL)
		items = xcalloc(n, sizeof(*items));
	for (i = 0; i < n; i++) {
		if (!take_going(&t[i], false))
			continue;
		gone = xasprintf(TAKEN_PREFIX "%s", t[i].d->token);
		if (items != NULL && file[i]) {
			items[k].name = gone;
			items[k].dev = st[i].st_dev;
			items[k++].ino = st[i].st_ino;
			continue;
		}
		remove_tree_at(ifd, gone);
		free(gone);
	}
	if (k > 0 && (fd = fcntl(ifd, F_DUPFD_CLOEXEC, 0)) != -1)
		letgo_add(l->letgo, fd, items, k);
	else
		for (i = 0; i < k; i++) {
			(void)letgo_remove(ifd, items[i].name, items[i].dev,
			    items[i].ino);
			free(items[i].name);
		}
	free(items);
	free(file);
	free(st);
}

/* Copies claimed deliveries of the inbox at path into the spool and
 * removes them from the inbox, as a batch: the disk is flushed twice for
 * all of them, not for each, and each stage is one transaction for all.
 * The order keeps a single delivery's promise at every point a kill can
 * come, so ledger_recover() resumes each claim alone from its stage:
 *
 *   claiming   every copy made under a temporary name (a kill: the
 *              inbox still holds the delivery; the copy is made again),
 *              then the spool's file system flushed (syncfs: the copies,
 *              their folders);
 *   copied     recorded only when durable; each copy renamed into place,
 *              the file system flushed again (a kill: the renames are
 *              finished); only then is an inbox copy let go;
 *   spooled    recorded when the inbox holds the delivery no more.
 *
 * The database runs with synchronous=NORMAL (sqlite.c): a commit survives
 * a kill of the daemon but a power loss may take back the last ones.  So
 * no step on the disk relies on a commit being durable: the inbox copy
 * goes only after the spool copy is flushed under its name; a claim whose
 * copied stage was lost but whose copy is under its name lets the inbox
 * copy go (take_copy()); a spool folder whose row was lost is adopted
 * (adopt_orphan()).  The cost is at most a delivery taken twice after a
 * power loss (its row lost, its inbox copy still there), never one lost.
 * WAL with synchronous=FULL would add an fsync to every commit, which
 * this order does not need.
 * A passing error while copying stops the copies not yet begun (their rc
 * is it, their claims stay open).  Each take's rc says how it ended. */
static void
takes_move_in(struct ledger *l, const char *inbox, struct take *t, size_t n)
{
	int ifd, rc = 0;
	size_t i;

	if ((ifd = open(inbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		takes_stop(t, n, false, -errno);
	for (i = 0; i < n; i++) {
		if (t[i].rc != 0)
			continue;
		if (rc != 0)
			t[i].rc = rc;	/* not begun: waits with the rest */
		else if (transient_error(t[i].rc = take_copy(l, &t[i], ifd)))
			rc = t[i].rc;
	}
	for (i = 0; i < n && !take_going(&t[i], true); i++)
		;
	if (i < n && (rc = fs_sync(l->spool_fd)) != 0)
		takes_stop(t, n, true, rc);
	takes_record(l, t, n, STAGE_COPIED, true);
	if (takes_place(t, n) && (rc = fs_sync(l->spool_fd)) != 0)
		takes_stop(t, n, false, rc);
	if (ifd != -1)
		takes_let_go(l, t, n, ifd);
	takes_record(l, t, n, STAGE_SPOOLED, false);
	for (i = 0; i < n; i++)
		fd_close(t[i].tfd);
	fd_close(ifd);
}

/* A claim whose file could not be moved (err, a -errno) is closed for
 * good: it vanished (the clerk took it back) or cannot be read by the
 * daemon.  0 or an INTAKE_* code from the store. */
static int
ledger_claim_failed(struct ledger *l, struct delivery *d, int err)
{
	char *dir = path_join(l->spool, d->token);
	char *reason;
	enum delivery_status status;
	int rc;

	rmdir(dir);
	free(dir);
	if (err == -ENOENT) {
		status = DS_IGNORED;
		reason = xstrdup("removed from the inbox before it was taken");
	} else if (err == -EINVAL) {
		status = DS_QUARANTINED;
		reason = xstrdup("cannot be taken from the inbox: not a "
		    "regular file or folder");
	} else {
		status = DS_QUARANTINED;
		reason = xasprintf("cannot be taken from the inbox: %s%s",
		    strerror(-err), err == -EACCES || err == -EPERM ?
		    ": check its permissions" : "");
	}
	log_warn("%s", reason);
	rc = store_delivery_finish(l->store, d->id, status, STAGE_DONE, 0, 0,
	    reason, NULL);
	free(reason);
	return rc;
}

/* Ends the claims of a batch as their takes ended: 0, INTAKE_ENOENT when
 * one vanished first, or an error in each take's rc.  A claim cut short by
 * the delivery itself is closed.  One cut short by a passing error stays
 * open for the next attempt, which takes it up (never a second row); what
 * was copied of it so far is removed, and the delivery itself is still in
 * the inbox; the wait starts once for the batch, not once per delivery. */
static void
takes_end(struct ledger *l, struct take *t, size_t n)
{
	int wait = 0, err;
	bool done = false;
	char *dir;
	size_t i;

	for (i = 0; i < n; i++) {
		log_subject("delivery %lld", (long long)t[i].d->id);
		if (transient_error(t[i].rc)) {
			if (wait == 0)
				wait = t[i].rc;
			if (t[i].d->stage == STAGE_CLAIMING) {
				dir = path_join(l->spool, t[i].d->token);
				remove_tree(dir);
				free(dir);
			}
		} else if (INTAKE_IS_ERRNO(t[i].rc)) {
			err = t[i].rc;
			t[i].rc = ledger_claim_failed(l, t[i].d, err);
			if (t[i].rc == 0 && err == -ENOENT)
				t[i].rc = INTAKE_ENOENT;
		} else if (t[i].rc == 0)
			done = true;
		log_clear_subject();
	}
	if (wait != 0)
		transient_hit(&l->wait, wait, "copying a delivery into the spool",
		    mono_ms());
	else if (done)
		transient_clear(&l->wait);
}

/* Copies a claimed delivery into the spool: 0, INTAKE_ENOENT when it
 * vanished first, or an error (ledger_take_batch() for one delivery whose
 * row is d). */
static int
ledger_claim(struct ledger *l, struct delivery *d)
{
	struct take t = { .d = d, .tfd = -1 };

	takes_move_in(l, d->inbox, &t, 1);
	takes_end(l, &t, 1);
	return t.rc;
}

/* The row of a delivery to be taken from in: the claim a passing error
 * left open (*again), taken up with what the inbox holds now, or a new
 * one. */
static int
take_claim(struct ledger *l, const struct inbox_conf *in,
    const struct ledger_item *it, struct delivery *d, bool *again)
{
	int rc = store_delivery_claim_get(l->store, in->path, it->name, d);

	if ((*again = rc == 0) || rc == INTAKE_ENOENT) {
		if (!*again) {
			d->token = new_token(l);
			d->inbox = xstrdup(in->path);
			d->name = xstrdup(it->name);
			d->status = DS_PENDING;
			d->stage = STAGE_CLAIMING;
		}
		d->folder = it->folder;
		d->size = it->size;
		d->mtime_ms = it->mtime_ms;
		rc = *again ? 0 : store_delivery_insert(l->store, d);
	}
	return rc;
}

void
ledger_take_batch(struct ledger *l, const struct inbox_conf *in,
    struct ledger_item *it, size_t n)
{
	struct delivery *d = xcalloc(n, sizeof(*d));
	struct take *t = xcalloc(n, sizeof(*t));
	bool *again = xcalloc(n, sizeof(*again));
	size_t i;
	int rc;

	/* Every claim recorded in one transaction. */
	if ((rc = store_begin(l->store)) == 0) {
		for (i = 0; i < n && rc == 0; i++)
			rc = take_claim(l, in, &it[i], &d[i], &again[i]);
		if (rc == 0)
			rc = store_commit(l->store);
		if (rc != 0)
			store_rollback(l->store);
	}
	if (rc != 0) {
		if (transient_error(rc))
			transient_hit(&l->wait, rc, "recording a delivery",
			    mono_ms());
		for (i = 0; i < n; i++)
			it[i].rc = rc;
		goto out;
	}
	for (i = 0; i < n; i++) {
		it[i].id = d[i].id;
		t[i].d = &d[i];
		t[i].tfd = -1;
		log_subject("delivery %lld", (long long)d[i].id);
		log_info("taking a %s from %s%s", d[i].folder ? "folder" :
		    "file", in->path, again[i] ? " (again: a passing error cut "
		    "its last try short)" : "");
		log_clear_subject();
	}
	takes_move_in(l, in->path, t, n);
	takes_end(l, t, n);
	for (i = 0; i < n; i++)
		it[i].rc = t[i].rc;
out:
	for (i = 0; i < n; i++)
		delivery_release(&d[i]);
	free(again);
	free(t);
	free(d);
}

int
ledger_take(struct ledger *l, const struct inbox_conf *in, const char *name,
    bool folder, int64_t size, int64_t mtime_ms, int64_t *id)
{
	struct ledger_item it = { .name = name, .folder = folder, .size = size,
	    .mtime_ms = mtime_ms };

	ledger_take_batch(l, in, &it, 1);
	*id = it.id;
	return it.rc;
}

int
ledger_ignore(struct ledger *l, const struct inbox_conf *in, const char *name,
    const char *pattern)
{
	struct delivery d;
	char *reason;
	int rc;

	if (store_delivery_ignored_known(l->store, in->path, name))
		return 0;
	memset(&d, 0, sizeof(d));
	reason = xasprintf("ignored: the name matches \"%s\"", pattern);
	d.inbox = in->path;
	d.name = (char *)name;
	d.status = DS_IGNORED;
	d.stage = STAGE_DONE;
	d.reason = reason;
	d.location = path_join(in->path, name);
	rc = store_delivery_insert(l->store, &d);
	if (rc == 0)
		log_debug("delivery %lld: %s", (long long)d.id, reason);
	free(d.location);
	free(reason);
	return rc;
}

/* The path of the rejected folder of inbox (NULL: a delivery of no
 * configured inbox, whose refusal goes to <data>/rejected); caller frees. */
static char *
rejected_dir(const struct ledger *l, const struct inbox_conf *in)
{
	if (in == NULL)
		return path_join(l->config->data_dir, "rejected");
	if (in->rejected[0] == '/')
		return xstrdup(in->rejected);
	return path_join(in->path, in->rejected);
}

/* The rejected folder kept for in (one of the configuration's inboxes, or
 * one with the same path), or NULL. */
static struct ledger_rejected *
rejected_slot(struct ledger *l, const struct inbox_conf *in)
{
	size_t i;

	if (in == NULL || (in = ledger_inbox(l, in->path)) == NULL)
		return NULL;
	i = (size_t)(in - l->config->inboxes);
	if (i >= l->nrejected) {
		/* An inbox added since (the tests add them). */
		l->rejected = xreallocarray(l->rejected, i + 1,
		    sizeof(*l->rejected));
		memset(l->rejected + l->nrejected, 0,
		    (i + 1 - l->nrejected) * sizeof(*l->rejected));
		for (; l->nrejected <= i; l->nrejected++)
			l->rejected[l->nrejected].fd = -1;
	}
	return &l->rejected[i];
}

/* Opens r once; 0, or INTAKE_ERR with the problem logged when it changes. */
static int
rejected_get(struct ledger_rejected *r, const char *base, const char *rel,
    const char *inbox)
{
	struct stat st;
	char *why;

	if (r->fd >= 0) {
		if (fstat(r->fd, &st) == 0 && st.st_nlink > 0)
			return 0;
		close(r->fd);	/* removed by someone: made again */
		r->fd = -1;
		r->ino = 0;
	}
	if (rejected_open(base, rel, true, &r->fd, &r->gid, &why) == 0) {
		if (fstat(r->fd, &st) == 0) {
			r->dev = st.st_dev;
			r->ino = st.st_ino;
		}
		if (r->problem != NULL)
			log_info("inbox %s: rejected folder \"%s\" is safe now: "
			    "taking from the inbox again", inbox, rel);
		free(r->problem);
		r->problem = NULL;
		return 0;
	}
	if (r->problem == NULL || strcmp(r->problem, why) != 0)
		log_err("inbox %s: rejected folder \"%s\": %s; nothing is "
		    "taken from the inbox until it is put right", inbox, rel,
		    why);
	free(r->problem);
	r->problem = why;
	return INTAKE_ERR;
}

/* The rejected folder of the inbox at path (NULL when it is not
 * configured), opened; NULL when it is not safe. */
static struct ledger_rejected *
rejected_for(struct ledger *l, const char *path)
{
	const struct inbox_conf *in = ledger_inbox(l, path);
	struct ledger_rejected *r;

	if (in == NULL) {
		r = &l->fallback;
		if (rejected_get(r, l->config->data_dir, "rejected",
		    l->config->data_dir) != 0)
			return NULL;
		return r;
	}
	r = rejected_slot(l, in);
	return rejected_get(r, in->path, in->rejected, in->path) == 0 ? r :
	    NULL;
}

int
ledger_inbox_check(struct ledger *l, const struct inbox_conf *in)
{
	return rejected_for(l, in->path) != NULL ? 0 : INTAKE_ERR;
}

void
ledger_rejected_id(struct ledger *l, const struct inbox_conf *in,
    dev_t *dev, ino_t *ino)
{
	const struct ledger_rejected *r = rejected_slot(l, in);

	*dev = r != NULL ? r->dev : 0;
	*ino = r != NULL && r->fd >= 0 ? r->ino : 0;
}


/* A name in the rejected folder not yet taken, nor its reason's: name,
 * else <id>-name; caller frees. */
static char *
rejected_target(int rfd, const char *name, int64_t id)
{
	char *reason = xasprintf("%s.reason.txt", name);
	bool free_ = !exists_at(rfd, name) && !exists_at(rfd, reason);

	free(reason);
	return free_ ? xstrdup(name) : xasprintf("%lld-%s", (long long)id,
	    name);
}

/* Writes the reason as <target>.reason.txt in the rejected folder, under
 * a temporary name of the daemon's choosing (from the delivery's id),
 * readable by the folder's group. */
static int
write_reason(const struct delivery *d, const struct ledger_rejected *r,
    const char *target)
{
	char when[32];
	char *name = xasprintf("%s.reason.txt", target);
	char *tmp = xasprintf(".reason-%lld.tmp", (long long)d->id);
	char *text;
	int rc;

	text = xasprintf("intake did not accept \"%s\".\n\n"
	    "Reason:   %s\n"
	    "Received: %s\n"
	    "Delivery: %lld\n"
	    "SHA-256:  %s\n",
	    d->name, d->reason ? d->reason : "unknown",
	    fmt_time(d->seen_ms, when, sizeof(when)), (long long)d->id,
	    d->sha256 ? d->sha256 : "-");
	rc = write_file_at(r->fd, tmp, name, text, strlen(text), 0640,
	    geteuid() == 0 ? r->gid : (gid_t)-1);
	free(text);
	free(tmp);
	free(name);
	return rc;
}

/* A refused file (not a folder) is given the rejected folder's group and
 * mode 0640 before it goes there, so that the inbox's people can read it
 * as they read its reason. */
static void
share_refused(int tfd, const char *name, const struct ledger_rejected *r)
{
	struct stat st;
	int fd;

	if ((fd = openat(tfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (geteuid() == 0 && fchown(fd, (uid_t)-1, r->gid) == -1)
			log_debug("a refused file keeps its group: %s",
			    strerror(errno));
		(void)fchmod(fd, 0640);
	}
	close(fd);
}

/* Moves the spool copy of a refused delivery to d->location (a name in
 * its inbox's rejected folder), with its reason beside it; resumable.
 * 0, or an INTAKE_* code: a file system that refuses is logged and is
 * INTAKE_ERR (the step is resumed later), never taken for a busy
 * database. */
static int
ledger_finish_reject(struct ledger *l, struct delivery *d)
{
	struct ledger_rejected *r;
	char *dir = path_join(l->spool, d->token);
	char *part = xasprintf(".copying-%lld", (long long)d->id);
	const char *target;
	int tfd = -1, rc = 0;

	if (d->location == NULL || (r = rejected_for(l, d->inbox)) == NULL) {
		rc = INTAKE_ERR;
		goto out;
	}
	target = strrchr(d->location, '/') ? strrchr(d->location, '/') + 1 :
	    d->location;
	if ((rc = write_reason(d, r, target)) != 0) {
		log_err("delivery %lld: writing its reason into the rejected "
		    "folder of %s: %s", (long long)d->id, d->inbox,
		    strerror(-rc));
		rc = INTAKE_ERR;
		goto out;
	}
	if ((tfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    exists_at(tfd, d->name)) {
		share_refused(tfd, d->name, r);
		rc = 0;
		if (exists_at(r->fd, target))
			rc = -EEXIST;	/* never over someone else's */
		else if (renameat(tfd, d->name, r->fd, target) == -1)
			rc = -errno;
		if (rc == -EXDEV) {
			/* Across file systems: a copy under a temporary name,
			 * renamed into place when whole. */
			remove_tree_at(r->fd, part);
			if ((rc = copy_tree_at(tfd, d->name, r->fd, part,
			    0640)) == 0)
				rc = renameat(r->fd, part, r->fd, target) == -1 ?
				    -errno : 0;
			if (rc == 0)
				rc = remove_tree_at(tfd, d->name);
		}
		if (rc != 0) {
			log_err("delivery %lld: moving it into the rejected "
			    "folder: %s", (long long)d->id, strerror(-rc));
			rc = INTAKE_ERR;
			goto out;
		}
		(void)fsync(r->fd);
	}
	remove_tree(dir);	/* what a worker wrote for it (pages/) too */
	rc = store_delivery_set_stage(l->store, d->id, STAGE_DONE, NULL);
	log_info("delivery %lld refused (intakectl deliveries says why); "
	    "moved into the rejected folder of %s", (long long)d->id,
	    d->inbox);
out:
	fd_close(tfd);
	free(part);
	free(dir);
	return rc;
}

int
ledger_reject(struct ledger *l, int64_t id, enum delivery_status status,
    int64_t duplicate_of, const char *reason)
{
	struct ledger_rejected *r;
	struct delivery d;
	char *rdir, *name, *target;
	int rc;

	if ((rc = store_delivery_get(l->store, id, &d)) != 0)
		return rc;
	rdir = rejected_dir(l, ledger_inbox(l, d.inbox));
	r = rejected_for(l, d.inbox);
	name = rejected_target(r != NULL ? r->fd : -1, d.name, d.id);
	target = path_join(rdir, name);
	rc = store_delivery_finish(l->store, id, status, STAGE_REJECTING, 0,
	    duplicate_of, reason, target);
	if (rc == 0) {
		free(d.reason);
		free(d.location);
		d.reason = xstrdup(reason);
		d.location = target;
		target = NULL;
		rc = ledger_finish_reject(l, &d);
	}
	free(target);
	free(name);
	free(rdir);
	delivery_release(&d);
	return rc;
}

static int
recover_one(const struct delivery *cd, void *arg)
{
	struct ledger *l = arg;
	struct delivery d = *cd;
	int rc = 0;

	log_subject("delivery %lld", (long long)d.id);
	switch (d.stage) {
	case STAGE_CLAIMING:
	case STAGE_COPIED:
		if (l->wait.rc == 0)	/* else once per wait, not per file */
			log_info("resuming its claim");
		rc = ledger_claim(l, &d);
		break;
	case STAGE_REJECTING:
		log_info("resuming its refusal");
		rc = ledger_finish_reject(l, &d);
		break;
	default:
		break;
	}
	log_clear_subject();
	/* A passing error ends the walk: the rest waits for it to pass. */
	return transient_error(rc) ? rc : 0;
}

/* Whether an entry of a spool folder is what a worker wrote there (its
 * files, pages/ of older versions, a reading again's folder) rather than
 * the delivery. */
static bool
worker_wrote(const char *name)
{
	return jobmsg_output_name(name) || strcmp(name, "pages") == 0 ||
	    strncmp(name, "reread-", 7) == 0;
}

/* A spool folder with no row: adopt what is in it as a delivery (what a
 * worker wrote beside it only when nothing else is there, which is a
 * delivery of such a name). */
static int
adopt_orphan(struct ledger *l, const char *token)
{
	char *dir = path_join(l->spool, token);
	struct delivery d;
	struct stat st;
	struct dirent *e;
	char *name = NULL, *other = NULL, **slot;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL)
		goto out;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		slot = worker_wrote(e->d_name) ? &other : &name;
		free(*slot);
		*slot = xstrdup(e->d_name);
	}
	closedir(dp);
	if (name == NULL) {
		name = other;
		other = NULL;
	}
	if (name == NULL) {
		remove_tree(dir);	/* only an unfinished copy */
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.token = (char *)token;
	d.inbox = (char *)"(recovered)";
	d.name = name;
	d.location = path_join(dir, name);
	d.folder = lstat(d.location, &st) == 0 && S_ISDIR(st.st_mode);
	d.status = DS_PENDING;
	d.stage = STAGE_SPOOLED;
	rc = store_delivery_insert(l->store, &d);
	if (rc == 0)
		log_warn("delivery %lld: adopted a %s found in the spool "
		    "without a ledger row", (long long)d.id, d.folder ? "folder" :
		    "file");
	free(d.location);
out:
	free(other);
	free(name);
	free(dir);
	return rc;
}

int
ledger_resume(struct ledger *l)
{
	return store_delivery_foreach(l->store, true, recover_one, l);
}

/* Removes what a stop left of taken deliveries in the inbox at path:
 * entries named TAKEN_PREFIX and the token of a row, renamed out of
 * sight but not removed yet (the let-go thread had them in hand).  An
 * entry of such a name without a row is not the daemon's and stays. */
static void
sweep_taken(struct ledger *l, const char *path)
{
	size_t np = strlen(TAKEN_PREFIX);
	struct dirent *e;
	DIR *dp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(dp)) != NULL)
		if (strncmp(e->d_name, TAKEN_PREFIX, np) == 0 &&
		    store_delivery_token_known(l->store, e->d_name + np))
			(void)remove_tree_at(dirfd(dp), e->d_name);
	closedir(dp);
}

int
ledger_recover(struct ledger *l)
{
	struct dirent *e;
	DIR *dp;
	size_t i;
	int rc;

	if ((rc = ledger_resume(l)) != 0)
		return rc;
	for (i = 0; i < l->config->ninboxes; i++)
		sweep_taken(l, l->config->inboxes[i].path);
	if ((dp = opendir(l->spool)) == NULL) {
		log_err("spool \"%s\": %s", l->spool, strerror(errno));
		return INTAKE_ERR;
	}
	while (rc == 0 && (e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (!store_delivery_token_known(l->store, e->d_name))
			rc = adopt_orphan(l, e->d_name);
	}
	closedir(dp);
	return rc;
}
