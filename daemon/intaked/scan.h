/*
 * scan.h - finding complete files and folders in an inbox.
 */
#ifndef INTAKE_SCAN_H
#define INTAKE_SCAN_H

#include "intake.h"
#include "ledger.h"

/* scan.c: finding complete files and folders in an inbox. */
struct scan_entry;
struct scan {
	const struct inbox_conf *inbox;
	bool		 network;	/* judge completeness by observation */
	struct scan_entry *entries;	/* what was seen, by name */
	size_t		 nentries;
	int64_t		 next_check;	/* monotonic ms of the next needed look */
	char		*rejected;	/* the rejected folder, absolute */
};
struct scan_ready {
	char		*name;
	bool		 folder;
	bool		 ignored;
	const char	*pattern;	/* the ignore pattern, when ignored */
	int64_t		 size;
	int64_t		 mtime_ms;
};
void	scan_init(struct scan *, const struct inbox_conf *, bool network);
void	scan_release(struct scan *);
/* Reads the inbox once and returns in *ready (caller frees with
 * scan_ready_free) the entries that are complete now. */
int	scan_inbox(struct scan *, struct ledger *, struct scan_ready **ready,
	    size_t *nready);
void	scan_ready_free(struct scan_ready *, size_t n);
/* Entries seen that are neither taken nor recorded yet. */
size_t	scan_pending(const struct scan *);
/* Returns name again from the next scan (its taking failed for a
 * passing reason). */
void	scan_retry(struct scan *, const char *name);

#endif
