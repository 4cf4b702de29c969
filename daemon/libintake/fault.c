/*
 * fault.c - the daemon's fault points, for tests only.
 *
 * A race on a file in an inbox (a file swapped for a link or a FIFO while
 * the daemon works on it) cannot be tested by hoping for the right timing.
 * INTAKE_DAEMON_FAULT="point:script[,point:script...]" names points in the
 * daemon's code; when the daemon reaches one it runs "/bin/sh script
 * point detail" and waits for it, so a test can change the file system at
 * exactly that moment.  At a point that may fail (fault_errno), the
 * script's exit status, when not 0, is the errno the step fails with
 * (exit 5: EIO, exit 28: ENOSPC), so a test can make the disk fail when it
 * likes and heal it again.  Without the variable (as in every installation)
 * fault_point() does nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"

/* The script for point in the variable's value, or NULL; caller frees. */
static char *
fault_script(const char *spec, const char *point)
{
	size_t n = strlen(point);
	const char *p = spec, *end;

	while (*p != '\0') {
		end = p + strcspn(p, ",");
		if ((size_t)(end - p) > n + 1 && strncmp(p, point, n) == 0 &&
		    p[n] == ':')
			return xasprintf("%.*s", (int)(end - p - n - 1),
			    p + n + 1);
		p = *end == ',' ? end + 1 : end;
	}
	return NULL;
}

/* Runs the script for point, if any; its exit status, or 0. */
static int
fault_run(const char *point, const char *detail)
{
	const char *spec = getenv("INTAKE_DAEMON_FAULT");
	char *script;
	pid_t pid;
	int status = 0;

	if (spec == NULL || *spec == '\0' ||
	    (script = fault_script(spec, point)) == NULL)
		return 0;
	log_debug("fault point %s (%s): running %s", point,
	    detail ? detail : "-", script);
	if ((pid = fork()) == 0) {
		child_signals_default();
		execl("/bin/sh", "sh", script, point, detail ? detail : "",
		    (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	free(script);
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}

void
fault_point(const char *point, const char *detail)
{
	(void)fault_run(point, detail);
}

int
fault_errno(const char *point, const char *detail)
{
	int status = fault_run(point, detail);

	return status > 0 && status < 126 ? -status : 0;
}
