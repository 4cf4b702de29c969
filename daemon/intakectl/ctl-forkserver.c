/*
 * ctl-forkserver.c - intakectl kept ready by the daemon for its control
 * socket: one process that has been started and linked once, and that
 * has read the configuration, the templates and the workflows, and forks
 * copies of itself for the requests, which then run as a freshly started
 * intakectl would on what is already loaded: each request names the
 * caller, takes their roles and runs the command afresh.  Starting
 * intakectl anew (exec, the dynamic linker, its libraries' relocations)
 * and reading and validating the configuration, the templates and the
 * workflows cost many times what most commands do.  The server itself
 * never runs a command nor opens the database.
 *
 * A copy that ran a command that only reads (CTL_READER) for a person
 * is kept for that person's next requests, with its database open and
 * its memory in use, rather than forking a new one for each: a fork and
 * the pages a new process touches cost more than such a command.  A kept
 * copy serves one person alone, the one the daemon named when it was
 * made, and no one else ever: one person's requests cannot see another's
 * state.  Each request is still read, named and checked afresh (the
 * caller's roles, what they may see).  A person has at most
 * FS_KEEP_PER_PERSON kept copies, each serving one request at a time
 * and at most FS_KEEP_REQUESTS in all; more of their requests wait in
 * the server for one to be done.  The server ends a kept copy that had
 * none for FS_KEEP_IDLE_MS (or whose slot another person needs): it
 * never passes a request to one that ends.  A copy that runs any other
 * command (one that may change a case) ends after it, as does one that
 * finds its database still inside a statement or transaction.
 *
 * Before each request the server looks (a stat each) whether a file it
 * read changed, or a folder it listed (a workflow added or removed), and
 * reads them all again if one did, or on SIGHUP, or when what it holds
 * is FS_MAX_AGE_MS old (the workflows' warnings about holidays run out
 * depend on the day); the kept copies then end, and new ones start from
 * what it read.  When loading said anything (a problem, a warning) the
 * copies load for themselves, as intakectl does on the command line, so
 * that the caller is told, and none is kept.
 *
 * intaked starts it with INTAKE_CTL_FORKSERVER naming a descriptor (a
 * packet socket the daemon alone holds the other end of), and with the
 * configuration and data directory every request runs with, and passes
 * on it, for each request, a stream socket noted with the person the
 * request is for: one end of a socket of the daemon's child that
 * serves the caller, or intake-web's own connection, whose request the
 * daemon has looked at in place.  On that socket the copy reads the
 * request (MSG_CTL_REQUEST_AS: the person, which must be the one noted,
 * the caller's words from the command's name on, and the caller's
 * standard input, output and error), puts its own options before the
 * words, and answers its exit status (MSG_CTL_STATUS) when the command
 * ends.  When the other end closes first (the caller hung up, or its
 * time is up) the copy is killed; a command also ends after FS_RUN_S.
 * The server serves at most FS_WAIT_MAX waiting and FS_ONCE_MAX copies
 * for one request; more are answered CTL_STATUS_BUSY (nothing ran, try
 * again), since the daemon does not count the web's requests.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio_ext.h>
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
#define FS_KEEP_PER_PERSON 3	/* kept copies of one person */
#define FS_KEEP_MAX	16	/* kept copies in all */
#define FS_KEEP_REQUESTS 1000	/* requests one kept copy serves */
#define FS_KEEP_IDLE_MS	60000	/* a kept copy without one ends after */
#define FS_NAME_MAX	80	/* a person's name, to keep a copy for */
#define FS_WAIT_MAX	64	/* requests waiting for a kept copy */
#define FS_ONCE_MAX	32	/* copies for one request, at once */
#define FS_RUN_S	900	/* a command's time, at most */
#define FS_OUT_BUF	65536	/* a copy's standard output buffer */
#define FS_HEAP_KEEP	(32 << 20)	/* freed memory a copy keeps */

/* A kept copy, in the server. */
struct kept {
	int		 chan;		/* our end of its packet socket; -1:
					 * the slot is free */
	char		 who[FS_NAME_MAX];
	bool		 busy;		/* serving a request */
	int64_t		 idle_since;	/* mono ms */
};

/* A request waiting in the server for a kept copy of its person. */
struct waiting {
	int		 sock;
	char		 who[FS_NAME_MAX];
};

/* What the server loaded, for its copies. */
static struct {
	char		*conf, *data;	/* as intaked names them */
	bool		 tried;		/* a load was tried */
	bool		 ready;		/* ... and ctl holds its result */
	struct ctl	 ctl;
	struct readset	 seen;		/* what it read */
	int64_t		 at;		/* mono ms */
	struct kept	 kept[FS_KEEP_MAX];	/* in the server */
	struct waiting	 wait[FS_WAIT_MAX];	/* in the server, in order */
	size_t		 nwait;
	/* In the server: copies for one request, running (0: a free
	 * slot); on_child() frees theirs */
	volatile pid_t	 once[FS_ONCE_MAX];
	/* In a copy: its end of the packet socket it is kept on (-1: it
	 * serves one request), the person, and the requests served. */
	int		 chan;
	char		 who[FS_NAME_MAX];
	unsigned	 served;
	int		 sock;		/* the request's, until answered; -1 */
	char		**argv;		/* the request's */
} fs = { .chan = -1, .sock = -1 };
static volatile sig_atomic_t fs_hup;

/* The status of the request being served, after what was printed:
 * the daemon may then close its end, which must no longer end this
 * copy.  Once. */
static void
answer(int status)
{
	struct msg m;

	if (fs.sock == -1)
		return;
	alarm(0);
	fflush(stdout);
	fflush(stderr);
	(void)fcntl(fs.sock, F_SETFL, 0);
	msg_init(&m, MSG_CTL_STATUS);
	msg_put_u32(&m, (uint32_t)status);
	(void)msg_send(fs.sock, &m);
	msg_release(&m);
	close(fs.sock);
	fs.sock = -1;
}

/* At exit: the status, and the copy ends there: what the libraries
 * would tidy at exit goes with the process. */
static void
on_exit_answer(int status, void *arg)
{
	(void)arg;
	answer(status);
	_exit(status);
}

/* In the copy: the request on sock becomes this process's argv,
 * standard descriptors and caller.  Its words come after this
 * intakectl's own options, the ones intaked started the server with,
 * and "--": the caller names a command and its arguments, never another
 * configuration or data directory.  -1 when it is malformed or is for
 * another person than the one the daemon named (nothing ran). */
static int
take_request(int sock, int *argc, char ***argv)
{
	struct msg m;
	char *who = NULL, **v = NULL;
	uint32_t n = 0, i, k = 0;
	int rc = -1;

	if (msg_recv_within(sock, &m, FS_READ_MS) != 0) {
		close(sock);
		return -1;
	}
	if (m.type != MSG_CTL_REQUEST_AS || m.nfds != 3 ||
	    (who = msg_get_str(&m)) == NULL || (n = msg_get_u32(&m)) == 0 ||
	    n > FS_MAX_ARGS || strcmp(who, fs.who) != 0)
		goto out;
	v = xcalloc(n + 7, sizeof(*v));
	v[k++] = xstrdup("intakectl");
	if (fs.conf != NULL) {
		v[k++] = xstrdup("-c");
		v[k++] = xstrdup(fs.conf);
	}
	if (fs.data != NULL) {
		v[k++] = xstrdup("--data-dir");
		v[k++] = xstrdup(fs.data);
	}
	v[k++] = xstrdup("--");
	for (i = 0; i < n; i++, k++)
		if ((v[k] = msg_get_str(&m)) == NULL)
			goto out;
	/* The daemon gave up on it while it waited for this copy. */
	if (poll(&(struct pollfd){ sock, POLLIN, 0 }, 1, 0) != 0)
		goto out;
	if (!msg_end(&m) || dup2(m.fds[0], 0) == -1 ||
	    dup2(m.fds[1], 1) == -1 || dup2(m.fds[2], 2) == -1 ||
	    setenv("INTAKE_CTL_USER", who, 1) == -1 ||
	    setenv("INTAKE_CTL_SERVED", "1", 1) == -1)
		goto out;
	/* The daemon closing its end of sock (or writing to it) ends this
	 * copy: the kernel sends SIGIO, which terminates it. */
	fs.sock = sock;
	if (fcntl(sock, F_SETOWN, getpid()) == -1 ||
	    fcntl(sock, F_SETFL, O_ASYNC) == -1 ||
	    poll(&(struct pollfd){ sock, POLLIN, 0 }, 1, 0) != 0)
		_exit(1);
	alarm(FS_RUN_S);
	*argc = (int)k;
	*argv = fs.argv = v;
	v = NULL;
	rc = 0;
out:
	for (i = 0; i < (uint32_t)m.nfds; i++)
		if (m.fds[i] > 2)
			close(m.fds[i]);
	if (v != NULL)
		for (i = 0; v[i] != NULL; i++)
			free(v[i]);
	free(v);
	free(who);
	msg_release(&m);
	if (rc != 0)
		close(sock);
	return rc;
}

/* Collects ended copies (each has answered for itself), so that their
 * time is counted as this process's children's, and frees the slots of
 * those that served one request. */
static void
on_child(int sig)
{
	int e = errno;
	size_t i;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < FS_ONCE_MAX; i++)
			if (fs.once[i] == pid)
				fs.once[i] = 0;
	errno = e;
}

/* In the server: starts a copy for one request, when fewer than
 * FS_ONCE_MAX run.  fork()'s answer, or -1 (errno EAGAIN when there are
 * as many).  Its pid is noted with SIGCHLD held, so that one ending at
 * once is not missed. */
static pid_t
once_fork(void)
{
	sigset_t chld, old;
	size_t i;
	pid_t pid = -1;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	for (i = 0; i < FS_ONCE_MAX && fs.once[i] != 0; i++)
		;
	if (i == FS_ONCE_MAX)
		errno = EAGAIN;
	else if ((pid = fork()) > 0)
		fs.once[i] = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* In the server: the caller of sock is told to try again later, and
 * nothing ran. */
static void
busy(int sock)
{
	struct msg m;

	msg_init(&m, MSG_CTL_STATUS);
	msg_put_u32(&m, CTL_STATUS_BUSY);
	(void)msg_send(sock, &m);
	msg_release(&m);
	close(sock);
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

/* In the server: ends kept copy k (it ends when it sees its socket
 * closed, after the request it serves). */
static void
kept_end(struct kept *k)
{
	fd_close(k->chan);
	memset(k, 0, sizeof(*k));
	k->chan = -1;
}

/* In the server: an idle kept copy of person who, or NULL; *n counts
 * that person's kept copies, *slot is a free slot (NULL: none). */
static struct kept *
kept_find(const char *who, size_t *n, struct kept **slot)
{
	struct kept *idle = NULL;
	size_t i;

	*n = 0;
	*slot = NULL;
	for (i = 0; i < FS_KEEP_MAX; i++) {
		struct kept *k = &fs.kept[i];

		if (k->chan == -1) {
			if (*slot == NULL)
				*slot = k;
		} else if (strcmp(k->who, who) == 0) {
			++*n;
			if (!k->busy && idle == NULL)
				idle = k;
		}
	}
	return idle;
}

/* In the server: a free slot for a new kept copy, ending another
 * person's idle one when all are taken; NULL when none is idle. */
static struct kept *
kept_slot(struct kept *slot)
{
	size_t i;

	if (slot != NULL)
		return slot;
	for (i = 0; i < FS_KEEP_MAX; i++)
		if (!fs.kept[i].busy) {
			kept_end(&fs.kept[i]);
			return &fs.kept[i];
		}
	return NULL;
}

/* In the server: a kept copy says it is ready for another request (a
 * byte), or that it ended (its socket closed).  A copy that is to end
 * after its request says nothing, so that none is passed to it. */
static void
kept_heard(struct kept *k)
{
	char b[16];
	ssize_t r;

	while ((r = recv(k->chan, b, sizeof(b), MSG_DONTWAIT)) > 0) {
		k->busy = false;
		k->idle_since = mono_ms();
	}
	if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
		kept_end(k);
}

/* In the server: when the next idle kept copy is to be ended (ms from
 * now), -1 when none is idle; ends those idle long enough.  The server
 * ends them, so that none ends while a request is passed to it. */
static int
kept_expire(void)
{
	int64_t now = mono_ms(), left, next = -1;
	size_t i;

	for (i = 0; i < FS_KEEP_MAX; i++) {
		struct kept *k = &fs.kept[i];

		if (k->chan == -1 || k->busy)
			continue;
		if ((left = k->idle_since + FS_KEEP_IDLE_MS - now) <= 0)
			kept_end(k);
		else if (next == -1 || left < next)
			next = left;
	}
	return (int)next;
}

/* In a new copy: drops what belongs to the server and to other copies,
 * and takes its first request.  chan: the socket it is kept on, or -1. */
static void
copy_start(int server_chan, int chan, const char *who, int sock, int *argc,
    char ***argv)
{
	size_t i;

	close(server_chan);
	for (i = 0; i < FS_KEEP_MAX; i++)
		fd_close(fs.kept[i].chan);
	for (i = 0; i < fs.nwait; i++)
		if (fs.wait[i].sock != sock)
			close(fs.wait[i].sock);
	fs.nwait = 0;
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGIO, SIG_DFL);
	fs.chan = chan;
	snprintf(fs.who, sizeof(fs.who), "%s", who);
	/* What a command prints goes out in few writes, and the memory
	 * one request frees stays for the next, rather than going back
	 * to the kernel and being faulted in again. */
	(void)setvbuf(stdout, NULL, _IOFBF, FS_OUT_BUF);
	(void)mallopt(M_TRIM_THRESHOLD, FS_HEAP_KEEP);
	(void)mallopt(M_MMAP_THRESHOLD, FS_HEAP_KEEP);
	if (on_exit(on_exit_answer, NULL) != 0 ||
	    take_request(sock, argc, argv) != 0)
		_exit(1);
}

bool
ctl_forkserver_next(struct ctl *c, int status, bool keep, int *argc,
    char ***argv)
{
	static const char done = 'd';
	int sock, null;
	char **v;

	if (fs.chan == -1 || !keep || ++fs.served >= FS_KEEP_REQUESTS ||
	    (c->store != NULL && !store_idle(c->store)))
		return false;
	/* Done: the server may pass the next request now. */
	fflush(stdout);
	fflush(stderr);
	(void)send(fs.chan, &done, 1, MSG_NOSIGNAL);
	answer(status);
	/* Nothing of the caller's is held: their descriptors are let go
	 * (a pipe of theirs sees its end), stdio forgets what it read. */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, 0) == -1 || dup2(null, 1) == -1 || dup2(null, 2) == -1)
		_exit(status);
	close(null);
	__fpurge(stdin);
	clearerr(stdin);
	clearerr(stdout);
	clearerr(stderr);
	for (v = fs.argv; v != NULL && *v != NULL; v++)
		free(*v);
	free(fs.argv);
	fs.argv = NULL;
	/* What the next request starts from: the configuration, catalog
	 * and database, without this one's caller. */
	free(c->roles);
	c->roles = NULL;
	c->nroles = 0;
	c->user = NULL;
	c->json = false;
	c->progress = NULL;
	fs.ctl = *c;
	fs.ready = true;
	memset(c, 0, sizeof(*c));
	/* The server ends this copy by closing its socket. */
	for (;;) {
		if ((sock = fd_take(fs.chan, NULL, 0)) == -1)
			_exit(0);
		if (take_request(sock, argc, argv) == 0)
			return true;
		/* A malformed request ran nothing: ready for the next. */
		(void)send(fs.chan, &done, 1, MSG_NOSIGNAL);
	}
}

/* In the server: hands the waiting requests to idle kept copies of
 * their persons, or to new ones while a person has fewer than they may;
 * the others wait on.  Returns true in a new copy, with its request. */
static bool
dispatch(int chan, int *argc, char ***argv)
{
	struct kept *k, *slot;
	struct waiting *w;
	size_t i = 0, mine;
	int kc[2];
	pid_t pid;

	while (i < fs.nwait) {
		w = &fs.wait[i];
		if ((k = kept_find(w->who, &mine, &slot)) != NULL) {
			if (fd_pass(k->chan, w->sock, NULL) != 0) {
				kept_end(k);
				continue;
			}
			k->busy = true;
		} else if (mine < FS_KEEP_PER_PERSON &&
		    (slot = kept_slot(slot)) != NULL &&
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
		    kc) == 0) {
			if ((pid = fork()) == 0) {
				close(kc[0]);
				copy_start(chan, kc[1], w->who, w->sock, argc,
				    argv);
				return true;
			}
			close(kc[1]);
			if (pid == -1) {
				close(kc[0]);
				i++;
				continue;
			}
			slot->chan = kc[0];
			snprintf(slot->who, sizeof(slot->who), "%s", w->who);
			slot->busy = true;
		} else {
			i++;
			continue;
		}
		close(w->sock);
		fs.nwait--;
		memmove(w, w + 1, (fs.nwait - i) * sizeof(*w));
	}
	return false;
}

bool
ctl_forkserver(const char *conf, const char *data, int *argc, char ***argv)
{
	const char *env = getenv("INTAKE_CTL_FORKSERVER");
	struct pollfd p[1 + FS_KEEP_MAX];
	struct kept *at[1 + FS_KEEP_MAX];
	char who[FD_NOTE_MAX];
	struct sigaction sa;
	int chan, sock;
	size_t i, n;
	pid_t pid;

	if (env == NULL)
		return false;
	chan = atoi(env);
	unsetenv("INTAKE_CTL_FORKSERVER");
	fs.conf = conf != NULL ? xstrdup(conf) : NULL;
	fs.data = data != NULL ? xstrdup(data) : NULL;
	for (i = 0; i < FS_KEEP_MAX; i++)
		fs.kept[i].chan = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	preload();
	for (;;) {
		p[0] = (struct pollfd){ chan, POLLIN, 0 };
		for (i = 0, n = 1; i < FS_KEEP_MAX; i++)
			if (fs.kept[i].chan != -1) {
				at[n] = &fs.kept[i];
				p[n++] = (struct pollfd){ fs.kept[i].chan, POLLIN,
				    0 };
			}
		if (poll(p, n, kept_expire()) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (i = 1; i < n; i++)
			if (p[i].revents != 0)
				kept_heard(at[i]);
		if (p[0].revents != 0) {
			if ((sock = fd_take(chan, who, sizeof(who))) == -1)
				exit(0);
			if (stale()) {
				fs_hup = 0;
				preload();
				for (i = 0; i < FS_KEEP_MAX; i++)
					kept_end(&fs.kept[i]);
			}
			/* To a kept copy of the person's (which may have to
			 * wait for one), else, when nothing is loaded here,
			 * to a copy for it alone.  When as many wait or run
			 * as may, the caller is told to try again (nothing
			 * ran): the daemon passes the web's requests without
			 * counting them. */
			if (*who == '\0' || strlen(who) >= FS_NAME_MAX)
				close(sock);
			else if (fs.ready && fs.nwait < FS_WAIT_MAX) {
				fs.wait[fs.nwait].sock = sock;
				snprintf(fs.wait[fs.nwait++].who, FS_NAME_MAX,
				    "%s", who);
			} else if (!fs.ready && (pid = once_fork()) != -1) {
				if (pid == 0) {
					copy_start(chan, -1, who, sock, argc,
					    argv);
					return true;
				}
				close(sock);
			} else
				busy(sock);
		}
		if (dispatch(chan, argc, argv))
			return true;
	}
}
