/*
 * watch.h - noticing changes in an inbox.
 *
 * Two back ends chosen by configure: watch-inotify.c (Linux: inotify, and
 * statfs(2) to recognise network file systems, whose writes from other
 * machines raise no inotify event) and watch-poll.c (polling only).
 * Polling and the periodic full rescan work the same on both.
 */
#ifndef INTAKE_WATCH_H
#define INTAKE_WATCH_H

#include <stdbool.h>

#include "intake.h"

struct watch;

/* Opens a watcher on dir.  mode auto picks polling on network file
 * systems; *polled tells the caller to poll, *fstype names what was found
 * ("nfs", "local", ...).  The caller owns *out (watch_close()). */
int	 watch_open(const char *dir, enum watch_mode mode, struct watch **out,
	    bool *polled, const char **fstype);
/* The descriptor to wait on for events, or -1 when polling. */
int	 watch_fd(const struct watch *);
/* Drains pending events; true when anything in the inbox changed. */
bool	 watch_read(struct watch *);
void	 watch_close(struct watch *);

#endif
