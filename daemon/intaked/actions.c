/*
 * actions.c - runs each attempt at an action in an intake-action process
 * of its own: started with the action's number, given its time, killed
 * with everything it started when that is up, and answered in one line.
 * The plugins never run in the daemon.
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
#include <sys/prctl.h>
#include <unistd.h>

#include "actions.h"
#include "engine.h"
#include "store.h"
#include "action-check.h"

void
actions_init(struct actions *a, const struct config *c)
{
	memset(a, 0, sizeof(*a));
	a->runner = actions_runner();
	a->data_dir = xstrdup(c->data_dir);
	a->plugins = xstrdup(c->plugins);
	a->timeout_ms = c->action_timeout_ms > 0 ? c->action_timeout_ms : 60000;
	a->parallel = c->action_parallel > 0 ? c->action_parallel : 1;
	a->run = xcalloc(a->parallel, sizeof(*a->run));
}

static void
run_clear(struct action_run *r)
{
	free(r->row.plugin);
	free(r->row.params);
	fd_close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

void
actions_release(struct actions *a)
{
	size_t i;

	for (i = 0; i < a->nrun; i++) {
		struct action_run *r = &a->run[i];

		log_info("case %lld: action %lld (%s) stopped with the daemon; "
		    "it runs again at the next start", (long long)r->row.case_id,
		    (long long)r->row.id, r->row.plugin);
		(void)kill(-r->pid, SIGKILL);
		(void)waitpid(r->pid, NULL, 0);
		run_clear(r);
	}
	free(a->run);
	free(a->runner);
	free(a->data_dir);
	free(a->plugins);
	memset(a, 0, sizeof(*a));
}

/* Starts intake-action for one claimed action; false when it could not
 * be started (the attempt then counts as failed). */
static bool
spawn(struct actions *a, struct action_run *r)
{
	char id[24];
	int p[2];
	pid_t pid, parent = getpid();

	snprintf(id, sizeof(id), "%lld", (long long)r->row.id);
	if (pipe2(p, O_CLOEXEC) == -1)
		return false;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		child_signals_default();
		/* Its own process group, so that the time limit ends what
		 * it started too; and it dies with the daemon, so that an
		 * action never runs twice at once. */
		(void)setpgid(0, 0);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);	/* the daemon is gone already */
		if (null == -1 || dup2(null, 0) == -1 || dup2(p[1], 1) == -1)
			_exit(127);
		closefrom(3);
		execl(a->runner, "intake-action", "-D", a->data_dir, "-P",
		    a->plugins, id, (char *)NULL);
		dprintf(1, "retry cannot run \"%s\": %s\n", a->runner,
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	(void)setpgid(pid, pid);
	r->pid = pid;
	r->fd = p[0];
	r->deadline = mono_ms() + a->timeout_ms;
	return true;
}

size_t
actions_start(struct actions *a, struct engine *e, int64_t now)
{
	struct action_row *v;
	size_t n, i, started = 0;

	if (engine_run_actions(e, now, a->parallel - a->nrun, &v, &n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct action_run *r = &a->run[a->nrun];

		memset(r, 0, sizeof(*r));
		r->fd = -1;
		r->row = v[i];
		if (!spawn(a, r)) {
			char *note = xasprintf("%s: cannot start \"%s\": %s",
			    v[i].plugin, a->runner, strerror(errno));

			(void)engine_action_done(e, &r->row, ENGINE_ACTION_RETRY, note,
			    now_ms());
			free(note);
			run_clear(r);
			continue;
		}
		log_debug("case %lld: action %lld (%s) started, pid %ld",
		    (long long)r->row.case_id, (long long)r->row.id,
		    r->row.plugin, (long)r->pid);
		a->nrun++;
		started++;
	}
	free(v);	/* the rows' strings are the runs' now */
	return started;
}

int
actions_answer(char *out, size_t len, const char **msg)
{
	static const struct { const char *word; int result; } words[] = {
		{ "ok ", ENGINE_ACTION_OK },
		{ "retry ", ENGINE_ACTION_RETRY },
		{ "fail ", ENGINE_ACTION_FAIL },
	};
	char *nl;
	size_t i;

	out[len < ACTION_OUT_MAX ? len : ACTION_OUT_MAX - 1] = '\0';
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(out, words[i].word, strlen(words[i].word)) == 0) {
			*msg = out + strlen(words[i].word);
			return words[i].result;
		}
	*msg = NULL;
	return ENGINE_ACTION_RETRY;
}

/* Records an attempt that ended with status. */
static void
finish(struct actions *a, struct engine *e, struct action_run *r,
    int status)
{
	char out[ACTION_OUT_MAX], *note;
	const char *msg;
	size_t len = 0;
	ssize_t k;
	int result;

	while (len < sizeof(out) - 1 && (k = read(r->fd, out + len,
	    sizeof(out) - 1 - len)) > 0)
		len += (size_t)k;
	result = actions_answer(out, len, &msg);
	if (r->killed)
		note = xasprintf("%s: no answer within %g s: stopped",
		    r->row.plugin, (double)a->timeout_ms / 1000.0);
	else if (msg != NULL)
		note = xstrdup(msg);
	else if (WIFSIGNALED(status))
		note = xasprintf("%s: intake-action killed by signal %d",
		    r->row.plugin, WTERMSIG(status));
	else
		note = xasprintf("%s: intake-action ended with status %d and "
		    "no answer", r->row.plugin, WEXITSTATUS(status));
	if (r->killed)
		result = ENGINE_ACTION_RETRY;
	(void)engine_action_done(e, &r->row, result, note, now_ms());
	free(note);
}

int64_t
actions_reap(struct actions *a, struct engine *e)
{
	int64_t mono = mono_ms(), next = 0;
	size_t i = 0;
	int status;

	while (i < a->nrun) {
		struct action_run *r = &a->run[i];
		pid_t w = waitpid(r->pid, &status, WNOHANG);

		if (w == r->pid) {
			finish(a, e, r, status);
			run_clear(r);
			a->run[i] = a->run[--a->nrun];
			continue;
		}
		if (!r->killed && mono >= r->deadline) {
			(void)kill(-r->pid, SIGKILL);
			(void)kill(r->pid, SIGKILL);
			r->killed = true;
		}
		/* An attempt that ends is a SIGCHLD, which wakes the daemon;
		 * one that does not is ended at its deadline. */
		if (!r->killed && (next == 0 || r->deadline < next))
			next = r->deadline;
		i++;
	}
	return next;
}
