/*
 * pool.c - worker processes: fork and exec of intake-worker with its
 * socket on descriptor 3, and a word on how each one ended.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "where.h"

static const char *
worker_path(void)
{
	return where_program("intake-worker");
}

int
pool_init(struct pool *p, const struct config *c)
{
	struct passwd *pw;
	size_t i;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(p, 0, sizeof(*p));
	p->n = c->workers ? c->workers : (size_t)(cores > 0 ? cores : 1);
	p->w = xcalloc(p->n, sizeof(*p->w));
	for (i = 0; i < p->n; i++)
		p->w[i].sock = -1;
	p->path = xstrdup(worker_path());
	p->memory_mb = c->worker_memory_mb;
	if (c->lang != NULL && strcmp(c->lang, "none") != 0)
		p->lang = xstrdup(c->lang);
	if (access(p->path, X_OK) == -1) {
		log_err("worker program \"%s\": %s: is intake installed? "
		    "(INTAKE_WORKER names another)", p->path, strerror(errno));
		return INTAKE_ERR;
	}
	p->as_root = geteuid() == 0;
	if (p->as_root) {
		p->user = xstrdup(c->user ? c->user : "nobody");
		if ((pw = getpwnam(p->user)) == NULL) {
			log_err("user \"%s\" for the workers does not exist: "
			    "create it or set <user> in intake.conf", p->user);
			return INTAKE_ERR;
		}
		p->uid = pw->pw_uid;
		p->gid = pw->pw_gid;
	}
	return 0;
}

void
pool_release(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->w[i].pid > 0)
			free(pool_stop(p, &p->w[i], false));
	free(p->w);
	free(p->path);
	free(p->user);
	free(p->lang);
	memset(p, 0, sizeof(*p));
}

int
pool_start(struct pool *p, struct worker *w)
{
	int sv[2];
	pid_t pid;
	char mem[32];
	struct timeval tv = { 30, 0 };

	w->fast = false;	/* a new process: nothing known of its jobs */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_err("socketpair: %s", strerror(errno));
		return INTAKE_ERR;
	}
	snprintf(mem, sizeof(mem), "%u", p->memory_mb);
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return INTAKE_ERR;
	}
	if (pid == 0) {
		child_signals_default();
		if (dup2(sv[1], 3) == -1)
			_exit(127);
		closefrom(4);
		/* OpenMP threads inside parallel workers only slow OCR down. */
		setenv("OMP_THREAD_LIMIT", "1", 1);
		{
			const char *argv[10];
			int n = 0;

			argv[n++] = "intake-worker";
			argv[n++] = "--memory";
			argv[n++] = mem;
			if (p->lang != NULL) {
				argv[n++] = "--lang";
				argv[n++] = p->lang;
			}
			if (p->as_root) {
				argv[n++] = "--user";
				argv[n++] = p->user;
			}
			argv[n] = NULL;
			execv(p->path, (char *const *)argv);
		}
		fprintf(stderr, "intake-worker: %s: %s\n", p->path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	/* A worker that stops in the middle of a message must not stop us. */
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	w->pid = pid;
	w->sock = sv[0];
	w->jobs = 0;
	w->starts++;
	w->ready = false;
	w->deadline = 0;
	log_debug("worker %ld started", (long)pid);
	return 0;
}

char *
pool_stop(struct pool *p, struct worker *w, bool kill_it)
{
	int status = 0;
	char *how;

	(void)p;
	if (kill_it && w->pid > 0)
		kill(w->pid, SIGKILL);
	fd_close(w->sock);
	w->sock = -1;
	if (w->pid > 0 && waitpid(w->pid, &status, 0) == -1)
		status = 0;
	if (WIFSIGNALED(status))
		how = xasprintf("killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		how = xasprintf("exited with status %d", WEXITSTATUS(status));
	w->pid = 0;
	if (w->ready && p->ready > 0)
		p->ready--;
	w->ready = false;
	w->deadline = 0;
	return how;
}

int
pool_check_lang(const char *lang, char *err, size_t errlen)
{
	const char *path = worker_path();
	int fds[2], status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	err[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return INTAKE_ERR;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return INTAKE_ERR;
	}
	if (pid == 0) {
		dup2(fds[1], 2);
		setenv("OMP_THREAD_LIMIT", "1", 1);
		execl(path, "intake-worker", "--check-lang", lang, (char *)NULL);
		fprintf(stderr, "worker program \"%s\": %s\n", path,
		    strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while (got + 1 < errlen && (n = read(fds[0], err + got,
	    errlen - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	while (got > 0 && (err[got - 1] == '\n' || err[got - 1] == ' '))
		err[--got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (err[0] == '\0')
		snprintf(err, errlen, "the OCR check of \"%s\" failed", lang);
	return INTAKE_EINVAL;
}

int
pool_give(const struct pool *p, int dirfd)
{
	if (!p->as_root)
		return 0;
	if (fchown(dirfd, p->uid, p->gid) == -1)
		return -errno;
	return 0;
}

int
pool_share(const struct pool *p, int dirfd)
{
	if (!p->as_root)
		return 0;
	if (fchown(dirfd, (uid_t)-1, p->gid) == -1 ||
	    fchmod(dirfd, S_ISVTX | 0770) == -1)
		return -errno;
	return 0;
}

int
lang_checks_at(struct lang_checks *lc, const char *file, int line,
    const char *what, const char *lang)
{
	char err[512];
	size_t i;

	if (lang == NULL || strcmp(lang, "none") == 0)
		return 0;
	for (i = 0; i < lc->n; i++)
		if (strcmp(lc->langs[i], lang) == 0)
			break;
	if (i == lc->n) {
		lc->langs = xreallocarray(lc->langs, lc->n + 1,
		    sizeof(*lc->langs));
		lc->errs = xreallocarray(lc->errs, lc->n + 1,
		    sizeof(*lc->errs));
		lc->langs[i] = xstrdup(lang);
		lc->errs[i] = pool_check_lang(lang, err, sizeof(err)) == 0 ?
		    NULL : xstrdup(err);
		lc->n++;
	}
	if (lc->errs[i] == NULL)
		return 0;
	report_at(file, line, "%s%sOCR language \"%s\": %s", what ? what : "",
	    what ? ": " : "", lang, lc->errs[i]);
	return INTAKE_EINVAL;
}

void
lang_checks_release(struct lang_checks *lc)
{
	strv_free(lc->langs, lc->n);
	strv_free(lc->errs, lc->n);
	memset(lc, 0, sizeof(*lc));
}
