/*
 * fault.c - the daemon's fault points, for tests only.
 *
 * A race on a file in an inbox (a file swapped for a link or a FIFO while
 * the daemon works on it) cannot be tested by hoping for the right timing.
 * INTAKE_DAEMON_FAULT="point:script[,point:script...]" names points in the
 * daemon's code; when the daemon reaches one it runs "/bin/sh script
 * point detail" and waits for it, so a test can change the file system at
 * exactly that moment.  Without the variable (as in every installation)
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

void
fault_point(const char *point, const char *detail)
{
	const char *spec = getenv("INTAKE_DAEMON_FAULT");
	char *script;
	pid_t pid;
	int status;

	if (spec == NULL || *spec == '\0' ||
	    (script = fault_script(spec, point)) == NULL)
		return;
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
}
