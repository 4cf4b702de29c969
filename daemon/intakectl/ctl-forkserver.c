/*
 * ctl-forkserver.c - intakectl kept ready by the daemon for its control
 * socket: one process that has been started and linked once, and forks
 * a copy of itself for each request, which then runs as a freshly
 * started intakectl would.  Starting intakectl anew (exec, the dynamic
 * linker, its libraries' relocations) cost more than most commands do;
 * a fork costs little.  Each copy reads the configuration, the workflows
 * and the database afresh, as before: nothing is kept between requests.
 *
 * intaked starts it with INTAKE_CTL_FORKSERVER naming a descriptor (a
 * packet socket the daemon alone holds the other end of) and passes on
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
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"
#include "proto.h"
#include "ctl.h"

#define FS_MAX_ARGS	80
#define FS_READ_MS	5000	/* the daemon sends the request at once */

/* Kills this copy when the daemon closes its socket or writes to it. */
static void *
watch_hangup(void *arg)
{
	struct pollfd p = { *(int *)arg, POLLIN, 0 };

	while (poll(&p, 1, -1) == -1 && errno == EINTR)
		;
	kill(getpid(), SIGKILL);
	return NULL;
}

/* At exit: what was printed goes out first, then the exit status. */
static void
report_status(int status, void *arg)
{
	struct msg m;

	fflush(stdout);
	fflush(stderr);
	msg_init(&m, MSG_CTL_STATUS);
	msg_put_u32(&m, (uint32_t)status);
	(void)msg_send(*(int *)arg, &m);
	msg_release(&m);
}

/* In the copy: the request on sock becomes this process's argv,
 * standard descriptors and caller.  Exits when it is malformed. */
static void
take_request(int sock, int *argc, char ***argv)
{
	static int fd;
	pthread_t t;
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
	if (on_exit(report_status, &fd) != 0 ||
	    pthread_create(&t, NULL, watch_hangup, &fd) != 0)
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

void
ctl_forkserver(int *argc, char ***argv)
{
	const char *env = getenv("INTAKE_CTL_FORKSERVER");
	struct sigaction sa;
	int chan, sock;
	pid_t pid;

	if (env == NULL)
		return;
	chan = atoi(env);
	unsetenv("INTAKE_CTL_FORKSERVER");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	while ((sock = fd_take(chan)) != -1) {
		if ((pid = fork()) == 0) {
			close(chan);
			signal(SIGCHLD, SIG_DFL);
			signal(SIGPIPE, SIG_DFL);
			take_request(sock, argc, argv);
			return;
		}
		close(sock);
	}
	exit(0);
}
