/*
 * webproc.c - intaked starts intake-web when <web> is configured, as the
 * configured unprivileged user, and starts it again when it dies, after
 * a wait that grows while it keeps dying young.  Nothing of the daemon
 * waits for it: the browser's workspace may be down while intake works.
 * With <tls>, the daemon reads the key as root and hands it over on a
 * descriptor: the web user never reads the file.  So it does with the
 * file intake-web keeps its sessions in (<data-dir>/web-sessions, root's
 * alone): people stay signed in when intake-web starts again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"
#include "where.h"
#include "webproc.h"

#define WEB_BACKOFF_MIN_MS	1000
#define WEB_BACKOFF_MAX_MS	60000

/* The descriptor intake-web reads <tls key> from, and the option that
 * tells it so. */
#define WEB_KEY_FD	3
#define WEB_KEY_ARG	"--key-fd=3"
/* The sessions' file, opened here as root in the data directory, which
 * intake-web writes its sessions to so that they outlive it. */
#define WEB_SESSIONS	"web-sessions"
#define WEB_SESSIONS_FD	4
#define WEB_SESSIONS_ARG "--sessions-fd=4"

/* <data-dir>/web-sessions, ours alone (mode 0600): the descriptor
 * (close-on-exec), or -1 after saying why; intake-web then starts
 * without it, and its sessions end with it. */
static int
web_sessions(const char *data_dir)
{
	char *path = path_join(data_dir, WEB_SESSIONS);
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd != -1 && (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_nlink != 1 ||
	    ((st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1))) {
		close(fd);
		fd = -1;
		errno = EPERM;
	}
	if (fd == -1)
		log_warn("intake-web: %s: %s; sessions end when intake-web does",
		    path, strerror(errno));
	free(path);
	return fd;
}

/* <tls key>, read here as root into memory of its own (memfd) that
 * intake-web reads once at start: the file stays readable by root
 * alone.  The descriptor (close-on-exec), or -1 after saying why. */
static int
web_key(const char *path)
{
	char *buf;
	size_t len, off = 0;
	ssize_t n = 0;
	int fd, rc;

	if ((rc = file_read_all(path, WEB_TLS_FILE_MAX, &buf, &len)) != 0) {
		log_warn("intake-web: tls key \"%s\": %s; not started", path,
		    strerror(-rc));
		return -1;
	}
	if ((fd = memfd_create("intake-web-key", MFD_CLOEXEC)) != -1)
		while (off < len && (n = write(fd, buf + off, len - off)) > 0)
			off += (size_t)n;
	if (fd == -1 || off < len || lseek(fd, 0, SEEK_SET) == -1) {
		log_warn("intake-web: tls key: memfd: %s; not started",
		    strerror(errno));
		fd_close(fd);
		fd = -1;
	}
	explicit_bzero(buf, len);
	free(buf);
	return fd;
}

/* In the child: puts fd (when it is one) on want, open across exec. */
static void
web_fd(int fd, int want, const char *what)
{
	if (fd >= 0 && (fd == want ? fcntl(fd, F_SETFD, 0) :
	    dup2(fd, want)) == -1) {
		dprintf(2, "intaked: intake-web: %s: %s\n", what,
		    strerror(errno));
		_exit(1);
	}
}

/* In the child: become the web user and run intake-web, with the <tls>
 * key on WEB_KEY_FD when key is one and the sessions' file on
 * WEB_SESSIONS_FD when sessions is one (else -1).  Never returns. */
static void NORETURN
web_exec(const struct webproc *w, const struct passwd *pw, pid_t parent,
    int key, int sessions)
{
	const char *prog = where_program("intake-web");
	char *argv[9];
	int n = 0;

	child_signals_default();
	/* Out of the way of each other's places first. */
	if ((key >= 0 && (key = fcntl(key, F_DUPFD_CLOEXEC, 10)) == -1) ||
	    (sessions >= 0 && (sessions = fcntl(sessions, F_DUPFD_CLOEXEC,
	    10)) == -1))
		_exit(1);
	web_fd(key, WEB_KEY_FD, "the key's descriptor");
	web_fd(sessions, WEB_SESSIONS_FD, "the sessions' descriptor");
	if (key < 0)
		close(WEB_KEY_FD);
	(void)close_range(WEB_SESSIONS_FD + (sessions >= 0), ~0U, 0);
	if (getuid() == 0 && (setgroups(0, NULL) == -1 ||
	    initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)) {
		dprintf(2, "intaked: intake-web: cannot become \"%s\": %s\n",
		    pw->pw_name, strerror(errno));
		_exit(1);
	}
	/* intake-web ends with the daemon, even one killed outright (the
	 * signal survives execv but not the change of user above). */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(1);
	argv[n++] = (char *)"intake-web";
	if (w->foreground)
		argv[n++] = (char *)"-f";
	if (w->config != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = w->config;
	}
	if (key >= 0)
		argv[n++] = (char *)WEB_KEY_ARG;
	if (sessions >= 0)
		argv[n++] = (char *)WEB_SESSIONS_ARG;
	argv[n] = NULL;
	execv(prog, argv);
	dprintf(2, "intaked: cannot run %s: %s\n", prog, strerror(errno));
	_exit(1);
}

static void
web_spawn(struct webproc *w, int64_t mono)
{
	struct passwd *pw = getpwnam(w->conf->web.user);
	pid_t pid, self = getpid();
	int key = -1, sessions;

	w->next = 0;
	if (pw == NULL || pw->pw_uid == 0) {
		log_warn("intake-web: user \"%s\" is no unprivileged user: not "
		    "started", w->conf->web.user);
		return;
	}
	if (w->conf->web.tls_key != NULL &&
	    (key = web_key(w->conf->web.tls_key)) == -1) {
		w->next = mono + w->backoff_ms;
		return;
	}
	sessions = web_sessions(w->conf->data_dir);
	if ((pid = fork()) == -1) {
		log_warn("intake-web: fork: %s; trying again later",
		    strerror(errno));
		fd_close(key);
		fd_close(sessions);
		w->next = mono + w->backoff_ms;
		return;
	}
	if (pid == 0)
		web_exec(w, pw, self, key, sessions);
	fd_close(key);
	fd_close(sessions);
	w->pid = pid;
	w->started = mono;
	log_info("intake-web started (pid %ld) on %s", (long)pid,
	    w->conf->web.listen);
}

int
webproc_check(const struct config *c)
{
	int rc;

	if (c->web.listen == NULL || c->web.tls_cert == NULL || c->file == NULL)
		return 0;
	if ((rc = config_check_with_web(c)) == INTAKE_ENOENT) {
		report_at(c->file, c->web.line, "web: intake-web is not "
		    "installed (%s)", where_program("intake-web"));
		return INTAKE_EINVAL;
	}
	return rc;
}

void
webproc_start(struct webproc *w, const struct config *c, bool foreground)
{
	memset(w, 0, sizeof(*w));
	if (c->web.listen == NULL)
		return;
	w->conf = c;
	w->foreground = foreground;
	w->config = c->file ? realpath(c->file, NULL) : NULL;
	w->backoff_ms = WEB_BACKOFF_MIN_MS;
	web_spawn(w, mono_ms());
}

int64_t
webproc_tend(struct webproc *w, int64_t mono)
{
	int status;

	if (w->conf == NULL)
		return 0;
	if (w->pid > 0 && waitpid(w->pid, &status, WNOHANG) == w->pid) {
		pid_t dead = w->pid;

		w->pid = 0;
		/* One that ran for a minute starts again at once. */
		if (mono - w->started >= WEB_BACKOFF_MAX_MS)
			w->backoff_ms = WEB_BACKOFF_MIN_MS;
		log_warn("intake-web (pid %ld) %s %d; starting it again in "
		    "%u s", (long)dead, WIFEXITED(status) ? "exited with" :
		    "was killed by signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status),
		    w->backoff_ms / 1000);
		w->next = mono + w->backoff_ms;
		if (w->backoff_ms < WEB_BACKOFF_MAX_MS)
			w->backoff_ms *= 2;
	}
	if (w->pid == 0 && w->next != 0 && mono >= w->next)
		web_spawn(w, mono);
	/* While it runs, its end is a SIGCHLD, which wakes the daemon. */
	return w->pid > 0 ? 0 : w->next;
}

void
webproc_stop(struct webproc *w)
{
	int i, status;

	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		for (i = 0; i < 20 && waitpid(w->pid, &status, WNOHANG) !=
		    w->pid; i++)
			usleep(100000);
		if (i == 20) {
			kill(w->pid, SIGKILL);
			(void)waitpid(w->pid, &status, 0);
		}
	}
	free(w->config);
	memset(w, 0, sizeof(*w));
}
