/*
 * control.h - the daemon's control socket (control.c) and its client in
 * intakectl (ctl-remote.c).
 */
#ifndef INTAKE_CONTROL_H
#define INTAKE_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>

#include "intake.h"

struct control {
	int		 fd;		/* listening; -1: no socket */
	const struct config *conf;	/* borrowed: who has a role */
	char		*path;
	char		*config;	/* the daemon's intake.conf, or NULL */
	char		*data_dir;
	pid_t		 kids[32];	/* requests being served */
	uid_t		 kid_uid[32];	/* for whom */
	size_t		 nkids;
	int64_t		 warned;	/* last "too many" warning (mono ms) */
	int64_t		 warned_role;	/* last "no role" warning */
	/* intake-web's user, the one peer that may assert a person
	 * (MSG_CTL_REQUEST_AS); web false: no <web> */
	bool		 web;
	uid_t		 web_uid;
	/* intakectl started once, which forks a copy of itself for each
	 * request (intakectl/ctl-forkserver.c); fs_fd -1: none, each
	 * request starts intakectl anew */
	int		 fs_fd;		/* our end of its packet socket */
	pid_t		 fs_pid;
	int64_t		 fs_started;	/* mono ms */
};

/* Listens on the configured socket (mode 0666: the roles decide);
 * a socket that cannot be made is logged and left out.  Returns 0. */
int	control_open(struct control *, const struct config *);
/* Serves the connections waiting (after poll says the socket is
 * readable), each in a child of its own. */
void	control_accept(struct control *);
/* Collects the children that are done. */
void	control_reap(struct control *);
void	control_close(struct control *);
#endif
