/*
 * action-check.c - finds intake-action and has it check the settings of
 * every action of loaded workflows against the plugins' own rules (for
 * intakectl lint and intaked -n): "file:line: action ...".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action-check.h"
#include "where.h"
#include "workflow.h"

char *
actions_runner(void)
{
	const char *p = getenv("INTAKE_ACTION");
	const char *w = getenv("INTAKE_WORKER"), *slash;

	/* Beside a worker named in the environment, unless named too. */
	if ((p == NULL || *p == '\0') && w != NULL &&
	    (slash = strrchr(w, '/')) != NULL)
		return xasprintf("%.*s/intake-action", (int)(slash - w), w);
	return xstrdup(where_program("intake-action"));
}

/* One line per action for intake-action --check. */
static void
put_actions(FILE *f, const struct workflow *wf, const struct wf_action *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *params;

		if (strcmp(v[i].use, "log") == 0)
			continue;
		params = wf_action_json(&v[i]);
		fprintf(f, "%d\t%s\t%s\t%s\n", v[i].line, wf->file, v[i].use,
		    params);
		free(params);
	}
}

int
actions_check(struct workflow *const *wfs, size_t n, const char *plugins)
{
	char *runner = actions_runner(), *buf = NULL;
	size_t len = 0, i, s, t;
	int p[2], status, rc = 0;
	FILE *f;
	pid_t pid;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	for (i = 0; i < n; i++)
		for (s = 0; s < wfs[i]->nstates; s++) {
			const struct wf_state *st = &wfs[i]->states[s];

			put_actions(f, wfs[i], st->enter, st->nenter);
			put_actions(f, wfs[i], st->exit, st->nexit);
			for (t = 0; t < st->ntrans; t++)
				put_actions(f, wfs[i], st->trans[t].actions,
				    st->trans[t].nactions);
		}
	if (fclose(f) != 0)
		fatal("out of memory");
	if (len == 0)
		goto done;
	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, "intake: cannot check the workflows' actions: "
		    "%s\n", strerror(errno));
		rc = INTAKE_EINVAL;
		goto done;
	}
	if (pid == 0) {
		/* Its findings go where ours go. */
		if (dup2(p[0], 0) == -1 || dup2(2, 1) == -1)
			_exit(127);
		execl(runner, "intake-action", "-P", plugins, "--check",
		    (char *)NULL);
		fprintf(stderr, "intake: cannot check the workflows' actions: "
		    "\"%s\": %s: is intake installed? (INTAKE_ACTION names "
		    "another)\n", runner, strerror(errno));
		_exit(127);
	}
	close(p[0]);
	{
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);
		size_t off = 0;

		while (off < len) {
			ssize_t k = write(p[1], buf + off, len - off);

			if (k <= 0 && errno != EINTR)
				break;
			if (k > 0)
				off += (size_t)k;
		}
		close(p[1]);
		signal(SIGPIPE, old);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* 1: refusals printed; anything else: the check did not run, and
	 * the actions could not run either. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			fprintf(stderr, "intake: \"%s\" did not check the "
			    "workflows' actions: without it no action runs\n",
			    runner);
		rc = INTAKE_EINVAL;
	}
done:
	free(buf);
	free(runner);
	return rc;
}
