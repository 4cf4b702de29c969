/*
 * ledger.c - taking deliveries from inboxes into the spool, exactly once.
 *
 * A delivery is first recorded (stage "claiming", one transaction), then
 * moved into <data>/spool/<token>/<name> by rename(2), or across file
 * systems by a durable copy that is recorded ("copied") before the inbox
 * copy is removed.  Every step can be interrupted by SIGKILL and is
 * finished by ledger_recover() on the next start; spool folders without a
 * row (a power loss can take back the last commits) are adopted.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <libgen.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "store.h"
#include "ledger.h"

#define COPY_PREFIX	".copying."

int
ledger_init(struct ledger *l, struct store *st, const struct config *c)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->store = st;
	l->config = c;
	l->spool = path_join(c->data_dir, "spool");
	if ((rc = mkdir_p(l->spool, 0750)) != 0) {
		log_err("spool \"%s\": %s", l->spool, strerror(-rc));
		return INTAKE_ERR;
	}
	return 0;
}

void
ledger_release(struct ledger *l)
{
	free(l->spool);
	memset(l, 0, sizeof(*l));
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
	return xasprintf("%llx-%lx-%x", (unsigned long long)now_ms(),
	    (long)getpid(), l->counter++);
}

/* The copy being written across file systems, before it is renamed. */
static char *
copy_tmp_path(const struct ledger *l, const struct delivery *d)
{
	char *dir = path_join(l->spool, d->token);
	char *p = xasprintf("%s/" COPY_PREFIX "%s", dir, d->name);

	free(dir);
	return p;
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

/* Moves a claimed delivery into the spool; resumable from any stage.
 * Returns 0, an INTAKE_* code from the store, or -errno when the file
 * system refused the move (ledger_claim_failed() then closes the claim). */
static int
ledger_move_in(struct ledger *l, struct delivery *d)
{
	char *src = path_join(d->inbox, d->name);
	char *dst = ledger_spool_path(l, d);
	char *tmp = copy_tmp_path(l, d);
	char *dir = path_join(l->spool, d->token);
	char *gone;
	int rc = 0;

	if (d->stage == STAGE_COPIED && access(tmp, F_OK) == -1 &&
	    access(dst, F_OK) == -1) {
		/* The copy vanished before it was renamed into place: take
		 * the delivery again if the inbox still holds it, never a
		 * newer file of the same name. */
		if (!same_content(src, d)) {
			rc = -ENOENT;
			goto out;
		}
		d->stage = STAGE_CLAIMING;
	}
	if (d->stage == STAGE_CLAIMING) {
		if (access(dst, F_OK) == 0)
			goto spooled;		/* the rename was done */
		remove_tree(tmp);		/* a copy cut short */
		if ((rc = mkdir_p(dir, 0750)) != 0)
			goto out;
		fault_point("take", d->name);
		if (rename(src, dst) == 0)
			goto spooled;
		if (errno != EXDEV) {
			rc = -errno;
			goto out;
		}
		if ((rc = copy_tree(src, tmp)) != 0) {
			remove_tree(tmp);
			goto out;
		}
		if ((rc = fsync_dir(dir)) != 0)
			goto out;
		if ((rc = store_delivery_set_stage(l->store, d->id,
		    STAGE_COPIED, NULL)) != 0)
			goto out;
		d->stage = STAGE_COPIED;
	}
	if (d->stage == STAGE_COPIED) {
		if (access(tmp, F_OK) == 0 && rename(tmp, dst) == -1) {
			rc = -errno;
			goto out;
		}
		fsync_dir(dir);
		/* Out of the scan's sight in one step, then removed: a kill
		 * in the middle of removing leaves no half delivery behind. */
		gone = xasprintf("%s/" TAKEN_PREFIX "%s", d->inbox, d->token);
		if (same_content(src, d) && rename(src, gone) == 0)
			fsync_dir(d->inbox);
		remove_tree(gone);
		free(gone);
	}
spooled:
	rc = store_delivery_set_stage(l->store, d->id, STAGE_SPOOLED, dst);
	if (rc == 0)
		d->stage = STAGE_SPOOLED;
out:
	free(src);
	free(dst);
	free(tmp);
	free(dir);
	return rc;
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
	} else {
		status = DS_QUARANTINED;
		reason = xasprintf("cannot be taken from the inbox: %s%s",
		    strerror(-err), err == -EACCES || err == -EPERM ?
		    ": check its permissions" : "");
	}
	log_warn("\"%s\": %s", d->name, reason);
	rc = store_delivery_finish(l->store, d->id, status, STAGE_DONE, 0, 0,
	    reason, NULL);
	free(reason);
	return rc;
}

int
ledger_take(struct ledger *l, const struct inbox_conf *in, const char *name,
    bool folder, int64_t size, int64_t mtime_ms, int64_t *id)
{
	struct delivery d;
	int rc, err;

	memset(&d, 0, sizeof(d));
	d.token = new_token(l);
	d.inbox = in->path;
	d.name = (char *)name;
	d.folder = folder;
	d.size = size;
	d.mtime_ms = mtime_ms;
	d.status = DS_PENDING;
	d.stage = STAGE_CLAIMING;
	if ((rc = store_delivery_insert(l->store, &d)) != 0)
		goto out;
	*id = d.id;
	log_subject("delivery %lld", (long long)d.id);
	log_info("taking \"%s\" from %s", name, in->path);
	rc = ledger_move_in(l, &d);
	if (INTAKE_IS_ERRNO(rc)) {
		err = rc;
		rc = ledger_claim_failed(l, &d, err);
		if (rc == 0 && err == -ENOENT)
			rc = INTAKE_ENOENT;
	}
	log_clear_subject();
out:
	free(d.token);
	return rc;
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
		log_debug("delivery %lld: \"%s\" %s", (long long)d.id, name,
		    reason);
	free(d.location);
	free(reason);
	return rc;
}

/* The folder refused files of an inbox go to. */
static char *
rejected_dir(const struct ledger *l, const char *inbox)
{
	const struct inbox_conf *in = ledger_inbox(l, inbox);

	if (in == NULL)
		return path_join(l->config->data_dir, "rejected");
	if (in->rejected[0] == '/')
		return xstrdup(in->rejected);
	return path_join(in->path, in->rejected);
}

/* A name in the rejected folder not yet taken: name, name-2, ... */
static char *
rejected_target(const char *dir, const char *name, int64_t id)
{
	char *p = path_join(dir, name);

	if (access(p, F_OK) == -1 && errno == ENOENT)
		return p;
	free(p);
	return xasprintf("%s/%lld-%s", dir, (long long)id, name);
}

static int
write_reason(const struct delivery *d, const char *target)
{
	char when[32];
	char *path = xasprintf("%s.reason.txt", target);
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
	rc = write_file_atomic(path, text, strlen(text));
	free(text);
	free(path);
	return rc;
}

/* Moves the spool copy of a refused delivery to d->location, with its
 * reason beside it; resumable.  0, or an INTAKE_* code: a file system
 * that refuses is logged and is INTAKE_ERR (the step is resumed later),
 * never taken for a busy database. */
static int
ledger_finish_reject(struct ledger *l, struct delivery *d)
{
	char *src = ledger_spool_path(l, d);
	char *dir = path_join(l->spool, d->token);
	char *rdir = NULL, *copy;
	int rc = 0;

	if (d->location == NULL) {
		rc = INTAKE_ERR;
		goto out;
	}
	copy = xstrdup(d->location);
	rdir = xstrdup(dirname(copy));
	free(copy);
	if ((rc = mkdir_p(rdir, 0770)) != 0 || (rc = write_reason(d, d->location)) != 0) {
		log_err("rejected folder \"%s\": %s", rdir, strerror(-rc));
		rc = INTAKE_ERR;
		goto out;
	}
	if (access(src, F_OK) == 0 && rename(src, d->location) == -1) {
		/* Across file systems: a copy under a temporary name, renamed
		 * into place when whole; a cut-short copy is started again. */
		int err = errno;
		char *part = xasprintf("%s.copying", d->location);

		rc = -err;
		if (err == EXDEV) {
			remove_tree(part);
			if ((rc = copy_tree(src, part)) == 0)
				rc = rename(part, d->location) == -1 ? -errno : 0;
			if (rc == 0)
				rc = remove_tree(src);
		}
		free(part);
		if (rc != 0) {
			log_err("\"%s\" -> \"%s\": %s", src, d->location,
			    strerror(-rc));
			rc = INTAKE_ERR;
			goto out;
		}
	}
	remove_tree(dir);	/* what a worker wrote for it (pages/) too */
	rc = store_delivery_set_stage(l->store, d->id, STAGE_DONE, NULL);
	log_info("\"%s\" refused: %s; moved to %s", d->name, d->reason,
	    d->location);
out:
	free(src);
	free(dir);
	free(rdir);
	return rc;
}

int
ledger_reject(struct ledger *l, int64_t id, enum delivery_status status,
    int64_t duplicate_of, const char *reason)
{
	struct delivery d;
	char *rdir, *target;
	int rc;

	if ((rc = store_delivery_get(l->store, id, &d)) != 0)
		return rc;
	rdir = rejected_dir(l, d.inbox);
	target = rejected_target(rdir, d.name, d.id);
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
		log_info("resuming the claim of \"%s\"", d.name);
		rc = ledger_move_in(l, &d);
		if (INTAKE_IS_ERRNO(rc))
			rc = ledger_claim_failed(l, &d, rc);
		break;
	case STAGE_REJECTING:
		log_info("resuming the refusal of \"%s\"", d.name);
		rc = ledger_finish_reject(l, &d);
		break;
	default:
		break;
	}
	log_clear_subject();
	return rc == INTAKE_EBUSY ? rc : 0;
}

/* A spool folder with no row: adopt what is in it as a delivery. */
static int
adopt_orphan(struct ledger *l, const char *token)
{
	char *dir = path_join(l->spool, token);
	struct delivery d;
	struct stat st;
	struct dirent *e;
	char *name = NULL;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL)
		goto out;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		free(name);
		name = xstrdup(e->d_name);
	}
	closedir(dp);
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
		log_warn("delivery %lld: adopted \"%s\" found in the spool "
		    "without a ledger row", (long long)d.id, name);
	free(d.location);
out:
	free(name);
	free(dir);
	return rc;
}

int
ledger_resume(struct ledger *l)
{
	return store_delivery_foreach(l->store, true, recover_one, l);
}

int
ledger_recover(struct ledger *l)
{
	struct dirent *e;
	DIR *dp;
	int rc;

	if ((rc = ledger_resume(l)) != 0)
		return rc;
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
