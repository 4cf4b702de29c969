/*
 * spawn.h - runs a program for a built-in plugin (exec, mail): fork and
 * execve, never a shell; input on its standard input, its standard
 * output and error captured together; ended with its process group when
 * its time is up.
 */
#ifndef INTAKE_PLUGIN_SPAWN_H
#define INTAKE_PLUGIN_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPAWN_HEAD_MAX	4096	/* bytes of output kept from the start */
#define SPAWN_TAIL_MAX	1024	/* and from the end */

struct spawn_result {
	int		 exec_errno;	/* not 0: the program could not be
					 * started (execve's errno) */
	bool		 timed_out;	/* killed when its time was up */
	int		 timeout;	/* the time it had, in seconds */
	int		 status;	/* as waitpid() gives it */
	char		 head[SPAWN_HEAD_MAX + 1];	/* NUL-terminated */
	size_t		 headlen;
	char		 tail[SPAWN_TAIL_MAX + 1];	/* NUL-terminated */
	size_t		 taillen;
	uint64_t	 total;		/* bytes of output in all */
};

/*
 * Runs program with argv and envp (NULL-terminated, borrowed; argv[0]
 * is what the program sees as its name), inlen bytes of input on its
 * standard input, for at most timeout seconds.  The program gets a
 * process group of its own, which is killed when the time is up and,
 * once the program has ended, whatever is left of it.  A program that
 * does not read its input is not an error.  Returns 0 with *r filled in
 * (r->exec_errno says whether it ran at all), or -errno when no process
 * could be made (pipes, fork).
 */
int	spawn_run(const char *program, char *const argv[], char *const envp[],
	    const char *input, size_t inlen, int timeout,
	    struct spawn_result *r);

/* Whether the program ran and exited with status code. */
bool	spawn_exited(const struct spawn_result *r, int code);

/*
 * One history line's worth of what happened, into buf: "exit 0",
 * "exit 3", "killed by signal 9", "killed after 60 s" or "cannot run:
 * why", followed by ": " and a line of the output when there was some:
 * the first line when it exited 0, the last one otherwise (where
 * programs say what went wrong).  Control characters and bytes that are
 * not UTF-8 are replaced; the line is cut between characters.
 */
void	spawn_describe(const struct spawn_result *r, char *buf, size_t len);

#endif
