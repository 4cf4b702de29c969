/*
 * actions.h - the daemon's side of actions: each attempt at an action a
 * workflow queued runs in an intake-action process of its own, with a
 * time limit; what it came to is recorded by the workflow engine.
 *
 * intake-action prints one line on its standard output:
 *	ok|retry|fail SP message LF
 * Anything else (no line, a crash, the time limit) is a failure to be
 * tried again.
 */
#ifndef INTAKE_ACTIONS_H
#define INTAKE_ACTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include "intake.h"
#include "store.h"

struct engine;
struct workflow;

#define ACTION_OUT_MAX	4096	/* bytes of a runner's answer kept */

struct actions {
	char		*runner;	/* the intake-action program */
	char		*data_dir;
	char		*plugins;
	int64_t		 timeout_ms;
	size_t		 parallel;
	struct action_run {
		struct action_row row;
		pid_t		 pid;
		int		 fd;		/* its standard output */
		int64_t		 deadline;	/* monotonic ms */
		bool		 killed;	/* for its time */
	}		*run;
	size_t		 nrun;
};

/* Fills a from the configuration (copied). */
void	actions_init(struct actions *, const struct config *);
/* Kills what still runs (its claim is released at the next start, so
 * it runs again then) and frees a. */
void	actions_release(struct actions *);
/* Runs the built-in actions that are due and starts intake-action for
 * as many of the others as may run; returns how many it started. */
size_t	actions_start(struct actions *, struct engine *, int64_t now_ms);
/* Collects the attempts that ended and records them, ends those past
 * their time; returns the next deadline (monotonic ms), 0: none runs. */
int64_t	actions_reap(struct actions *, struct engine *);
/* Parses a runner's answer: ENGINE_ACTION_OK, _RETRY or _FAIL, with *msg
 * pointing into out (which is changed); a bad answer is a retry. */
int	actions_answer(char *out, size_t len, const char **msg);

#endif
