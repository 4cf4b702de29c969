/*
 * ctl-plugins.c - intakectl plugins: the plugins actions can use, built
 * in and from the configured folder, and those refused and why.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"
#include "action-check.h"
#include "ctl.h"
#include "action-check.h"

int
cmd_plugins(struct ctl *c, const struct ctl_args *a)
{
	char *runner;
	int status;
	pid_t pid;

	(void)a;
	runner = actions_runner();
	fflush(stdout);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "intakectl: fork: %s\n", strerror(errno));
		free(runner);
		return 1;
	}
	if (pid == 0) {
		if (c->json)
			execl(runner, "intake-action", "-P", c->config.plugins,
			    "--list", "--json", (char *)NULL);
		else
			execl(runner, "intake-action", "-P", c->config.plugins,
			    "--list", (char *)NULL);
		fprintf(stderr, "intakectl: \"%s\": %s: is intake installed? "
		    "(INTAKE_ACTION names another)\n", runner, strerror(errno));
		_exit(127);
	}
	free(runner);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* A plugin that crashes as it loads takes the lister with it. */
	if (WIFSIGNALED(status))
		fprintf(stderr, "intakectl: listing the plugins ended with "
		    "signal %d (%s): a plugin in %s crashed as it loaded\n",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    c->config.plugins);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
