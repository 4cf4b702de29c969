/*
 * ctl-forkserver.c - intakectl kept ready by the daemon for its control
 * socket: one process that has been started and linked once, and that
 * has read the configuration, the templates and the workflows, and forks
 * a copy of itself for each request, which then runs as a freshly
 * started intakectl would on what is already loaded: it names the
 * caller, takes their roles, opens the database and runs the command,
 * all afresh.  Starting intakectl anew (exec, the dynamic linker, its
 * libraries' relocations) and reading and validating the configuration,
 * the templates and the workflows cost many times what most commands
 * do; a fork costs little.  The server itself never runs a command nor
 * opens the database: nothing of one person's request is left for the
 * next.
 *
 * Before each fork the server looks (a stat each) whether a file it read
 * changed, or a folder it listed (a workflow added or removed), and
 * reads them all again if one did, or on SIGHUP, or when what it holds
 * is FS_MAX_AGE_MS old (the workflows' warnings about holidays run out
 * depend on the day).  When loading said anything (a problem, a
 * warning) the copies load for themselves, as intakectl does on the
 * command line, so that the caller is told.
 *
 * intaked starts it with INTAKE_CTL_FORKSERVER naming a descriptor (a
 * packet socket the daemon alone holds the other end of), and with the
 * configuration and data directory every request names, and passes on
 * it, for each request, one end of a new stream socket.  On that socket
 * the copy reads the request (MSG_CTL_REQUEST_AS: the person, argv and
 * the caller's standard input, output and error), and answers its exit
 * status (MSG_CTL_STATUS) when it exits.  When the daemon closes it
 * first (the caller hung up, or its time is up) the copy is killed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"
#include "proto.h"
#include "readset.h"
#include "ctl.h"

#define FS_MAX_ARGS	80
#define FS_READ_MS	5000	/* the daemon sends the request at once */
#define FS_MAX_AGE_MS	(10 * 60 * 1000)	/* what is loaded, read again
						   after at most */

/* What the server loaded, for its copies. */
static struct {
	char		*conf, *data;	/* as intaked names them */
	bool		 tried;		/* a load was tried */
	bool		 ready;		/* ... and ctl holds its result */
	struct ctl	 ctl;
	struct readset	 seen;		/* what it read */
	int64_t		 at;		/* mono ms */
} fs;
static volatile sig_atomic_t fs_hup;

/* At exit: what was printed goes out first, then the exit status, and
 * the copy ends there: what the libraries would tidy at exit goes with
 * the process. */
static void
report_status(int status, void *arg)
{
	struct msg m;

	fflush(stdout);
	fflush(stderr);
	msg_init(&m, MSG_CTL_STATUS);
	msg_put_u32(&m, (uint32_t)status);
	(void)msg_send(*(int *)arg, &m);
	_exit(status);
}

/* In the copy: the request on sock becomes this process's argv,
 * standard descriptors and caller.  Exits when it is malformed. */
static void
take_request(int sock, int *argc, char ***argv)
{
	static int fd;
	struct msg m;
	char *who, **v;
	uint32_t n, i;

	fd = sock;
	if (msg_recv_within(sock, &m, FS_READ_MS) != 0 ||
	    m.type != MSG_CTL_REQUEST_AS || m.nfds != 3 ||
	    (who = msg_get_str(&m)) == NULL || (n = msg_get_u32(&m)) == 0 ||
	    n > FS_MAX_ARGS)
		_exit(1);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		if ((v[i] = msg_get_str(&m)) == NULL)
			_exit(1);
	if (!msg_end(&m) || dup2(m.fds[0], 0) == -1 ||
	    dup2(m.fds[1], 1) == -1 || dup2(m.fds[2], 2) == -1 ||
	    setenv("INTAKE_CTL_USER", who, 1) == -1 ||
	    setenv("INTAKE_CTL_SERVED", "1", 1) == -1)
		_exit(1);
	for (i = 0; i < 3; i++)
		if (m.fds[i] > 2)
			close(m.fds[i]);
	free(who);
	/* The daemon closing its end of sock (or writing to it) ends this
	 * copy: the kernel sends SIGIO, which terminates it. */
	signal(SIGIO, SIG_DFL);
	if (on_exit(report_status, &fd) != 0 ||
	    fcntl(sock, F_SETOWN, getpid()) == -1 ||
	    fcntl(sock, F_SETFL, O_ASYNC) == -1 ||
	    poll(&(struct pollfd){ sock, POLLIN, 0 }, 1, 0) != 0)
		_exit(1);
	*argc = (int)n;
	*argv = v;
}

/* Collects ended copies (each has answered for itself), so that their
 * time is counted as this process's children's. */
static void
on_child(int sig)
{
	int e = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = e;
}

/* Loads the configuration, templates and workflows into fs, as the
 * commands would; what loading prints goes to a memory file, and when
 * anything was printed fs holds nothing: the copies load themselves and
 * tell their caller. */
static void
preload(void)
{
	struct stat st;
	int saved, quiet, rc;
	bool loaded;

	if (fs.ready)
		ctl_release(&fs.ctl);
	fs.ready = false;
	fs.tried = true;
	fs.at = mono_ms();
	fflush(stderr);
	if ((quiet = memfd_create("intakectl-load", MFD_CLOEXEC)) == -1 ||
	    (saved = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1) {
		fd_close(quiet);
		return;
	}
	(void)dup2(quiet, 2);
	readset_record(&fs.seen);
	rc = ctl_load(&fs.ctl, fs.conf, fs.data);
	if ((loaded = rc == 0)) {
		catalog_init_config(&fs.ctl.cat, &fs.ctl.config);
		if (catalog_want(&fs.ctl.cat, CATALOG_ROLES |
		    CATALOG_TEMPLATES | CATALOG_WORKFLOWS) != 0)
			rc = 1;
	}
	readset_stop();
	fflush(stderr);
	if (rc == 0 && (fstat(quiet, &st) == -1 || st.st_size > 0))
		rc = 1;
	(void)dup2(saved, 2);
	close(saved);
	close(quiet);
	if (rc == 0)
		fs.ready = true;
	else if (loaded)
		ctl_release(&fs.ctl);
	/* What loading freed goes back to the kernel: a copy that
	 * allocates there then gets new pages rather than copies. */
	(void)malloc_trim(0);
}

/* Whether what fs holds (or failed to load) may be out of date. */
static bool
stale(void)
{
	if (!fs.tried || fs_hup || mono_ms() - fs.at >= FS_MAX_AGE_MS)
		return true;
	return readset_changed(&fs.seen);
}

static void
on_hup(int sig)
{
	(void)sig;
	fs_hup = 1;
}

bool
ctl_forkserver_loaded(struct ctl *c, const char *conf, const char *data)
{
	if (!fs.ready || (conf == NULL) != (fs.conf == NULL) ||
	    (conf != NULL && strcmp(conf, fs.conf) != 0) ||
	    (data == NULL) != (fs.data == NULL) ||
	    (data != NULL && strcmp(data, fs.data) != 0))
		return false;
	*c = fs.ctl;
	c->cat.config = &c->config;
	memset(&fs.ctl, 0, sizeof(fs.ctl));
	fs.ready = false;
	return true;
}

bool
ctl_forkserver(const char *conf, const char *data, int *argc, char ***argv)
{
	const char *env = getenv("INTAKE_CTL_FORKSERVER");
	struct sigaction sa;
	int chan, sock;
	pid_t pid;

	if (env == NULL)
		return false;
	chan = atoi(env);
	unsetenv("INTAKE_CTL_FORKSERVER");
	fs.conf = conf != NULL ? xstrdup(conf) : NULL;
	fs.data = data != NULL ? xstrdup(data) : NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	preload();
	while ((sock = fd_take(chan)) != -1) {
		if (stale()) {
			fs_hup = 0;
			preload();
		}
		if ((pid = fork()) == 0) {
			close(chan);
			signal(SIGCHLD, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			signal(SIGPIPE, SIG_DFL);
			take_request(sock, argc, argv);
			return true;
		}
		close(sock);
	}
	exit(0);
}
