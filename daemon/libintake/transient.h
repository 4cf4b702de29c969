/*
 * transient.h - errors that pass (the disk full or failing, the database
 * locked) told apart from a delivery's own fault, and the wait before
 * trying again.
 */
#ifndef INTAKE_TRANSIENT_H
#define INTAKE_TRANSIENT_H

#include <stdbool.h>
#include <stdint.h>

/* The first wait after a passing error, and the longest: each failure in
 * a row doubles it. */
#define TRANSIENT_FIRST_MS	5000
#define TRANSIENT_MAX_MS	300000

/* Is rc (a -errno or an INTAKE_* code) a condition of this machine that
 * passes (ENOSPC, EDQUOT, EIO, ENOMEM, EMFILE, ENFILE, EAGAIN; a database
 * that is locked, full or failing), never the fault of what was
 * delivered? */
bool	transient_error(int rc);
/* What rc means for intake, in a few words ("the disk is full"); a static
 * string. */
const char *transient_what(int rc);
/* What an admin does about it; a static string. */
const char *transient_hint(int rc);

/* A wait for a passing condition, one per daemon: zeroed, none. */
struct transient {
	int		 rc;		/* the condition; 0: none */
	char		 step[64];	/* what met it: "copying into the spool" */
	int64_t		 since_ms;	/* wall-clock time it began */
	int64_t		 next;		/* monotonic ms of the next try */
	int64_t		 delay;		/* the wait now, in ms */
	unsigned	 hits;		/* failures in a row */
};

/* Records that step met rc (transient_error(rc) is true) at monotonic
 * mono: the next try waits TRANSIENT_FIRST_MS, doubling with each failure
 * in a row up to TRANSIENT_MAX_MS.  A warning is logged once per
 * condition (when it begins or changes), never per file: it names no
 * delivery. */
void	transient_hit(struct transient *, int rc, const char *step,
	    int64_t mono);
/* The step that met a condition went through: the wait ends, which is
 * logged when there was one. */
void	transient_clear(struct transient *);
/* Must work that may meet the condition wait at monotonic mono? */
bool	transient_waiting(const struct transient *, int64_t mono);

#endif
