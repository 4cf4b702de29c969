/*
 * pool.h - the daemon's worker processes: starting, stopping, and saying
 * how one ended.  What the workers are told and answer is pipeline.c's.
 */
#ifndef INTAKE_POOL_H
#define INTAKE_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "intake.h"

struct job_state;

/* Jobs a worker may be sent behind the one it runs: it takes the next
 * from its socket the moment it is done, without waiting for the daemon
 * to record what it sent.  A worker whose last job took less than
 * POOL_FAST_MS (a small file, no OCR) is sent up to POOL_AHEAD_FAST: the
 * daemon's cost of a round of messages, and of the transactions that
 * count its jobs and record their cases, is shared by more of them.  One
 * that reads pages for seconds gets POOL_AHEAD, so that the queue stays
 * shared out evenly and a case to be read again waits for little. */
#define POOL_AHEAD	2
#define POOL_AHEAD_FAST	8
#define POOL_FAST_MS	50

struct worker {
	pid_t		 pid;		/* 0: not running */
	int		 sock;		/* to the worker; -1: none */
	unsigned	 jobs;		/* jobs sent to this process */
	unsigned	 starts;	/* processes started in this slot */
	bool		 ready;		/* its HELLO arrived */
	struct job_state *job;		/* the job it runs, or NULL */
	struct job_state *ahead[POOL_AHEAD_FAST];	/* sent behind it, in
							   order */
	size_t		 nahead;
	int64_t		 deadline;	/* of job, monotonic ms; 0: none */
	int64_t		 began;		/* job's start, monotonic ms */
	bool		 fast;		/* its last job took < POOL_FAST_MS */
};

struct pool {
	struct worker	*w;
	size_t		 n;
	char		*path;		/* the intake-worker program */
	char		*user;		/* the worker's user when run as root */
	uid_t		 uid;		/* that user, for its output folders */
	gid_t		 gid;
	bool		 as_root;
	unsigned	 memory_mb;
	char		*lang;		/* the model a new worker loads at once */
	size_t		 ready;		/* workers that said hello */
};

/* Sets up n workers (not started yet); 0 or an error already logged. */
int	pool_init(struct pool *, const struct config *);
/* Stops every worker and frees the pool. */
void	pool_release(struct pool *);
/* Starts w: a socketpair, fork and exec of intake-worker. */
int	pool_start(struct pool *, struct worker *);
/* Ends w (SIGKILL when kill is true, else a close and a wait) and returns
 * how it ended ("killed by signal 11", "exited with status 2"); the caller
 * frees the string. */
char	*pool_stop(struct pool *, struct worker *, bool kill);
/* Asks intake-worker whether the OCR models of lang can be loaded: 0, or
 * INTAKE_EINVAL with its message (naming the package) in err. */
int	pool_check_lang(const char *lang, char *err, size_t errlen);
/* The language sets checked so far, each asked of intake-worker once. */
struct lang_checks {
	char		**langs;
	char		**errs;		/* why a set cannot be used; NULL: it can */
	size_t		  n;
};
/* Checks the models of lang ("none": nothing to check) once per set; a
 * missing one is reported at file:line as "[what: ]OCR language \"lang\":
 * message", every time it is asked.  0 or INTAKE_EINVAL. */
int	lang_checks_at(struct lang_checks *, const char *file, int line,
	    const char *what, const char *lang);
void	lang_checks_release(struct lang_checks *);
/* Gives a folder to the worker user (when the daemon runs as root). */
int	pool_give(const struct pool *, int dirfd);
/* Lets the worker user add files to a folder that stays the daemon's
 * (when it runs as root): the folder gets the worker's group and mode
 * 1770, so the worker may write new files there and remove or rename
 * only those, never the daemon's own (the sticky bit).  0 or -errno. */
int	pool_share(const struct pool *, int dirfd);

#endif
