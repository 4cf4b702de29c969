/*
 * ledger.h - the intake ledger: taking each delivery exactly once.
 */
#ifndef INTAKE_LEDGER_H
#define INTAKE_LEDGER_H

#include "intake.h"
#include "store.h"

/* ledger.c: taking files from inboxes into the spool, exactly once. */
/* An inbox copy being removed after a copy across file systems: never a
 * delivery again. */
#define TAKEN_PREFIX	".intake-taken."

struct ledger {
	struct store	*store;
	const struct config *config;
	char		*spool;		/* <data>/spool */
	unsigned	 counter;	/* for spool tokens */
};
int	ledger_init(struct ledger *, struct store *, const struct config *);
void	ledger_release(struct ledger *);
/* Records name (a file or sub-folder of inbox) and moves it into the spool.
 * Returns 0 with *id set, INTAKE_ENOENT when it vanished first. */
int	ledger_take(struct ledger *, const struct inbox_conf *, const char *name,
	    bool folder, int64_t size, int64_t mtime_ms, int64_t *id);
/* Records an ignored name once; returns 0. */
int	ledger_ignore(struct ledger *, const struct inbox_conf *, const char *name,
	    const char *pattern);
/* Finishes every step a crash left half-done: claims, rejections, and
 * spool folders the database does not know.  A step the file system
 * refuses is logged and left for later; only INTAKE_EBUSY (or a store
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
