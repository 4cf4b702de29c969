/*
 * ledger.h - the intake ledger: taking each delivery exactly once.
 */
#ifndef INTAKE_LEDGER_H
#define INTAKE_LEDGER_H

#include "intake.h"
#include "store.h"
#include "transient.h"

struct letgo;

/* ledger.c: taking files from inboxes into the spool, exactly once. */
/* An inbox copy being removed after a copy across file systems: never a
 * delivery again. */
#define TAKEN_PREFIX	".intake-taken."

/* An inbox's rejected folder, opened once (rejected.c). */
struct ledger_rejected {
	int		 fd;		/* -1: not open (yet) */
	gid_t		 gid;		/* its group: reasons are readable by it */
	dev_t		 dev;		/* what it is, whatever its name now */
	ino_t		 ino;
	char		*problem;	/* why the inbox is refused, or NULL */
};

struct ledger {
	struct store	*store;
	const struct config *config;
	char		*spool;		/* <data>/spool */
	int		 spool_fd;	/* open on it */
	unsigned	 counter;	/* for spool tokens */
	pid_t		 pid;		/* for spool tokens; 0: not asked yet */
	struct ledger_rejected *rejected;	/* one per configured inbox */
	size_t		 nrejected;
	struct ledger_rejected fallback;	/* <data>/rejected */
	struct transient wait;	/* a passing error met (the disk full): intake
				   waits, then tries again */
	struct letgo	*letgo;	/* removes inbox copies of taken files beside
				   the caller (letgo.c); NULL: the ledger
				   removes them itself, before it returns */
};
int	ledger_init(struct ledger *, struct store *, const struct config *);
void	ledger_release(struct ledger *);
/* From now on the inbox copies of taken files are removed by a thread of
 * their own (letgo.c): a take returns once they are renamed out of the
 * scan's sight, without waiting for the disk to free them.  The daemon
 * calls it; a process that forks children which return (tests) must not.
 * ledger_release() waits for the removals and ends the thread. */
void	ledger_let_go_beside(struct ledger *);
/* Opens the inbox's rejected folder when it is not open yet (making it
 * when missing).  0 when the inbox may be taken from; INTAKE_ERR when the
 * folder is not safe (a link, someone else's, writable by others), logged
 * once (again only when the problem changes) until it is put right. */
int	ledger_inbox_check(struct ledger *, const struct inbox_conf *);
/* The device and inode of the inbox's rejected folder when it is open
 * (the scan never takes it, under whatever name); else *ino is 0. */
void	ledger_rejected_id(struct ledger *, const struct inbox_conf *,
	    dev_t *dev, ino_t *ino);
/* Records name (a file or sub-folder of inbox) and copies it into the
 * spool as the daemon's own files, then removes it from the inbox: what
 * is hashed and read later is no longer anyone else's to change.  Returns
 * 0 with *id set, INTAKE_ENOENT when it vanished first.  A passing error
 * (transient_error(): the disk full, the database locked) is returned as
 * it is, with the delivery left in the inbox, its claim (*id, when made)
 * kept open for the next call, which takes it up, and the wait started. */
int	ledger_take(struct ledger *, const struct inbox_conf *, const char *name,
	    bool folder, int64_t size, int64_t mtime_ms, int64_t *id);
/* One name of a batch to take, as the scan found it, and how it went. */
struct ledger_item {
	const char	*name;		/* borrowed */
	bool		 folder;
	int64_t		 size, mtime_ms;
	int64_t		 id;		/* set: its row, when made */
	int		 rc;		/* set: as ledger_take() returns */
};
/* ledger_take() for n names of one inbox at once, with the promises of
 * each: the claims are one transaction, the copies are made durable by
 * one flush of the spool's file system (two in all), and each stage is
 * recorded for all of them in one transaction.  A passing error stops the
 * copies not begun yet (their rc is it, their claims open) and starts the
 * wait once. */
void	ledger_take_batch(struct ledger *, const struct inbox_conf *,
	    struct ledger_item *, size_t n);
/* Records an ignored name once; returns 0. */
int	ledger_ignore(struct ledger *, const struct inbox_conf *, const char *name,
	    const char *pattern);
/* Finishes every step a crash left half-done: claims, rejections, inbox
 * copies of taken deliveries left out of sight (named TAKEN_PREFIX and
 * the token of a row), and spool folders the database does not know.  A step the file system
 * refuses is logged and left for later; only a passing error (or a store
 * error while adopting) stops it. */
int	ledger_recover(struct ledger *);
/* The same for the rows alone (no spool walk): run now and then while the
 * daemon runs, so a step that failed (the database busy past its timeout)
 * is finished without waiting for a restart. */
int	ledger_resume(struct ledger *);
/* Moves a refused delivery to its inbox's rejected folder with a
 * <name>.reason.txt beside it, and marks it status (quarantined or
 * duplicate).  0 or an INTAKE_* code, never a -errno: a file system that
 * refuses is logged and is INTAKE_ERR. */
int	ledger_reject(struct ledger *, int64_t id, enum delivery_status status,
	    int64_t duplicate_of, const char *reason);
/* The spool path of a delivery's content; caller frees. */
char	*ledger_spool_path(const struct ledger *, const struct delivery *);
const struct inbox_conf *ledger_inbox(const struct ledger *, const char *path);

#endif
