/*
 * webproc.h - intake-web as intaked's child (webproc.c): started when
 * <web> is configured, as the web user, and started again when it dies.
 */
#ifndef INTAKE_WEBPROC_H
#define INTAKE_WEBPROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "intake.h"

struct webproc {
	const struct config *conf;	/* borrowed */
	char		*config;	/* intake.conf's absolute path */
	bool		 foreground;	/* intake-web logs to stderr too */
	pid_t		 pid;		/* 0: not running */
	int64_t		 started;	/* mono ms of the last start */
	int64_t		 next;		/* mono ms of the next start; 0: none */
	unsigned	 backoff_ms;	/* doubles while it dies young */
};

/* With <web><tls>, checks its files as intake-web will (intake-web -n:
 * the key, read as root, is the certificate's); problems are said as
 * file:line.  0 or INTAKE_EINVAL. */
int	webproc_check(const struct config *c);
/* Starts intake-web when c has <web>; without it does nothing.  A start
 * that fails is tried again later: the daemon works on without it. */
void	webproc_start(struct webproc *, const struct config *c,
	    bool foreground);
/* Collects intake-web when it died and starts it again when its wait is
 * over (after 1 s, doubling up to a minute while it dies within a
 * minute of starting).  Returns when it wants to be called again (mono
 * ms), or 0: while it runs, only its SIGCHLD, which ends the daemon's
 * wait, calls for it. */
int64_t	webproc_tend(struct webproc *, int64_t mono);
/* Stops intake-web (SIGTERM, then SIGKILL after 2 s). */
void	webproc_stop(struct webproc *);
#endif
