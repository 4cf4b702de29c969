/*
 * control.c - the daemon's control socket: intakectl for people who may
 * not read the database themselves.
 *
 * A client connects, sends one MSG_CTL_REQUEST (the command and its
 * arguments, and its standard input, output and error as descriptors)
 * and waits for MSG_CTL_STATUS.  The kernel says who it is (SO_PEERCRED);
 * the daemon runs intakectl as itself on the client's descriptors, with
 * that user's name, so the roles of intake.conf decide what they may do.
 * Only commands that work on the database are served: a command that
 * reads or writes files by name would do so with the daemon's rights.
 *
 * Which commands those are is said once, in intakectl's table of
 * commands (intakectl/ctl-cmds.c), and it is that intakectl which
 * refuses the others, before any of their code runs: the daemon does
 * not keep a second list.  What the daemon does make sure of is that
 * the caller's words are a command and its arguments, never options of
 * intakectl itself (another configuration, another data directory): the
 * first is a command's name in form, and "--" ends intakectl's options
 * before it.
 *
 * The daemon forks for each connection and never reads from a client
 * itself: a slow or silent client stalls only its own child.  That
 * child does not start intakectl anew: it hands the request to an
 * intakectl the daemon started once, which forks a copy of itself for
 * it (intakectl/ctl-forkserver.c); starting a program and linking its
 * libraries cost more than most commands.  Only when that one is not
 * running is intakectl started for the request.  intake-web's requests
 * are many and small, and a child for each cost more than the command:
 * when one is already there whole, the daemon looks at it in place
 * (msg_peek, never waiting), and when it is one the daemon runs (a
 * person with a role, a command's name) passes the connection itself to
 * the fork server, whose copy reads it and answers on it; anything else
 * takes the long way, through a child.  Before the daemon
 * forks it asks the kernel who connected, and a user without any role in
 * intake.conf (who may run no served command) is answered at once with
 * CTL_STATUS_NO_ROLE and costs no child: idle connections of people
 * without a role cannot fill the slots and lock clerks out.  A caller
 * with as many requests running as it may have (or when the daemon
 * serves as many as it can) is answered CTL_STATUS_BUSY the same way:
 * nothing ran, and it may try again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intake.h"
#include "where.h"
#include "control.h"
#include "proto.h"

#define CTL_MAX_ARGS	64
#define CTL_MAX_CHILDREN 32
#define CTL_MAX_PER_USER 4	/* requests one user may have at once */
#define CTL_READ_S	5	/* a client has this long to say what it wants */
#define CTL_RUN_S	900	/* and the command this long to run */
#define CTL_MAX_NAME	32	/* the length of a command's name */
#define CTL_PEEK_MAX	65536	/* a web request looked at in place, at most */

/* Whether a caller's first word has the form of a command's name:
 * lower-case letters and hyphens, not starting with one.  Whether it
 * names a command, and one the daemon runs, intakectl says. */
static bool
command_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz-");

	return n > 0 && n <= CTL_MAX_NAME && s[n] == '\0' && s[0] != '-';
}

static const char *
ctl_program(void)
{
	return where_program("intakectl");
}

#define FS_RESTART_MS	10000	/* a fork server that ended, started again
				   after */

/* Starts intakectl as the fork server of the control socket, on a
 * packet socket (SOCK_SEQPACKET) whose other end is ct->fs_fd. */
static void
forkserver_start(struct control *ct)
{
	int sv[2];
	pid_t pid;

	ct->fs_started = mono_ms();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("control: socketpair: %s", strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		log_warn("control: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		child_signals_default();
		if (sv[1] == 3 ? fcntl(3, F_SETFD, 0) == -1 :
		    dup2(sv[1], 3) == -1)
			_exit(1);
		(void)close_range(4, ~0U, 0);
		/* Its libraries' symbols bound once, at its start, rather
		 * than again in each copy at their first call. */
		if (setenv("INTAKE_CTL_FORKSERVER", "3", 1) == -1 ||
		    setenv("LD_BIND_NOW", "1", 1) == -1)
			_exit(1);
		/* The configuration and data directory every request names
		 * (serve()): the fork server loads them once. */
		if (ct->config != NULL)
			execl(ctl_program(), "intakectl", "-c", ct->config,
			    "--data-dir", ct->data_dir, (char *)NULL);
		else
			execl(ctl_program(), "intakectl", "--data-dir",
			    ct->data_dir, (char *)NULL);
		dprintf(2, "intaked: cannot run %s: %s\n", ctl_program(),
		    strerror(errno));
		_exit(1);
	}
	close(sv[1]);
	ct->fs_fd = sv[0];
	ct->fs_pid = pid;
}

static void
forkserver_stop(struct control *ct)
{
	fd_close(ct->fs_fd);
	ct->fs_fd = -1;
	if (ct->fs_pid > 0) {
		kill(ct->fs_pid, SIGTERM);
		while (waitpid(ct->fs_pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	ct->fs_pid = 0;
}

int
control_open(struct control *ct, const struct config *c)
{
	struct sockaddr_un sa;
	char *dir, *slash;
	int fd;

	struct stat st;
	char *conf;

	memset(ct, 0, sizeof(*ct));
	ct->fd = -1;
	ct->fs_fd = -1;
	if (c->control == NULL || *c->control == '\0')
		return 0;	/* <control socket=""/>: none */
	if (strlen(c->control) >= sizeof(sa.sun_path)) {
		log_warn("control socket \"%s\": the path is too long; intakectl "
		    "works only for users who can read the database",
		    c->control);
		return 0;
	}
	dir = xstrdup(c->control);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		/* The folders made here, parents too, must let everyone
		 * reach the socket, whatever the daemon's umask. */
		if (stat(dir, &st) == -1) {
			mode_t old = umask(022);

			(void)mkdir_p(dir, 0755);
			umask(old);
		}
	}
	free(dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, c->control, strlen(c->control));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("socket: %s", strerror(errno));
	/* A socket left by a daemon that is gone is removed; one that
	 * answers belongs to another daemon, and anything else is not
	 * ours to remove. */
	if (lstat(c->control, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			log_warn("control socket \"%s\": something else is "
			    "there; running without a control socket",
			    c->control);
			close(fd);
			return 0;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sa,
		    sizeof(sa)) == 0) {
			log_warn("control socket \"%s\": another daemon "
			    "answers there; running without a control socket",
			    c->control);
			close(probe);
			close(fd);
			return 0;
		}
		fd_close(probe);
		(void)unlink(c->control);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(c->control, 0666) == -1 || listen(fd, 16) == -1) {
		log_warn("control socket \"%s\": %s; intakectl works only for "
		    "users who can read the database", c->control,
		    strerror(errno));
		close(fd);
		return 0;
	}
	ct->fd = fd;
	ct->conf = c;
	ct->path = xstrdup(c->control);
	/* After daemon() the working folder is "/": the path must not be
	 * relative. */
	conf = c->file ? realpath(c->file, NULL) : NULL;
	ct->config = conf ? conf : c->file ? xstrdup(c->file) : NULL;
	ct->data_dir = xstrdup(c->data_dir);
	if (c->web.listen != NULL) {
		struct passwd *pw = getpwnam(c->web.user);

		if (pw != NULL && pw->pw_uid != 0) {
			ct->web = true;
			ct->web_uid = pw->pw_uid;
		}
	}
	log_info("control socket %s", ct->path);
	forkserver_start(ct);
	return 0;
}

/* MSG_CTL_REQUEST_AS: the person intake-web says is signed in, into *as
 * (ours to keep until we exit).  Believed only from the peer uid of the
 * configured web user; refused from anyone else, and for a name that is
 * none or has no role.  0, or the status to answer with. */
static int
acting_as(const struct control *ct, const struct ucred *cred,
    const struct passwd *pw, struct msg *m, char **as)
{
	char **roles;
	size_t n = 0;

	if (!ct->web || cred->uid != ct->web_uid) {
		log_warn("control: %s (uid %ld) is not the web user and may "
		    "not act for a person: refused", pw->pw_name,
		    (long)cred->uid);
		return 2;
	}
	if ((*as = msg_get_str(m)) == NULL || !pwfile_name_ok(*as)) {
		log_warn("control: the web user asserted no valid person's "
		    "name: refused");
		return 2;
	}
	roles = config_user_roles(ct->conf, *as, &n);
	free(roles);
	if (n == 0) {
		log_warn("control: %s has no role in the configuration: "
		    "refused for the web user", *as);
		return CTL_STATUS_NO_ROLE;
	}
	return 0;
}

/* In the child: waits until intakectl (pid) ends, the caller hangs up
 * on sock, or the command's time is up, and returns its exit status (1
 * when it was ended).  The end of intakectl wakes the wait at once (its
 * pidfd becomes readable): a request costs the command's time, not a
 * turn of a polling loop. */
static int
wait_command(int sock, pid_t pid)
{
	struct pollfd p[2] = { { sock, POLLIN, 0 }, { -1, POLLIN, 0 } };
	int64_t until = mono_ms() + CTL_RUN_S * 1000, left;
	int w, r;

	p[1].fd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		if (waitpid(pid, &w, WNOHANG) == pid)
			break;
		left = until - mono_ms();
		/* Without a pidfd (a kernel before 5.3) it looks every 200 ms. */
		r = left <= 0 ? 0 : poll(p, p[1].fd == -1 ? 1 : 2, p[1].fd ==
		    -1 && left > 200 ? 200 : (int)left);
		if (r == -1 && errno != EINTR)
			_exit(1);
		if (left <= 0 || (r > 0 && (p[0].revents & (POLLHUP | POLLERR |
		    POLLIN)))) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &w, 0) == -1 && errno == EINTR)
				;
			break;
		}
	}
	fd_close(p[1].fd);
	return WIFEXITED(w) ? WEXITSTATUS(w) : 1;
}

/* In the child: runs the caller's words (argv, from the command's name
 * on) as who through the fork server (its socket fs) on the caller's
 * descriptors fds, and waits until it ends, the caller hangs up on
 * sock, or the command's time is up.  The copy that runs it puts its
 * own options before the words (the configuration, the data directory,
 * "--").  Its exit status (1 when it was ended, or died), or -1 when
 * the fork server does not take the request. */
static int
run_forked(int fs, int sock, const char *who, int argc, char **argv,
    const int fds[3])
{
	struct pollfd p[2];
	struct msg m;
	int sp[2], status = 1, r;

	if (fs == -1 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp) == -1)
		return -1;
	r = fd_pass(fs, sp[1], who);
	close(sp[1]);
	msg_ctl_request(&m, who, argc, argv, fds[0], fds[1], fds[2]);
	if (r != 0 || msg_send(sp[0], &m) != 0) {
		msg_release(&m);
		close(sp[0]);
		return -1;
	}
	msg_release(&m);
	p[0] = (struct pollfd){ sp[0], POLLIN, 0 };
	p[1] = (struct pollfd){ sock, POLLIN, 0 };
	while ((r = poll(p, 2, CTL_RUN_S * 1000)) == -1 && errno == EINTR)
		;
	if (r > 0 && p[0].revents != 0 && !(p[1].revents & (POLLIN |
	    POLLHUP | POLLERR)) && msg_recv(sp[0], &m) == 0) {
		/* A fork server that serves as many as it may says so
		 * (CTL_STATUS_BUSY): the caller may try again. */
		if (m.type == MSG_CTL_STATUS && (r = (int)msg_get_u32(&m)) >= 0
		    && (r <= 255 || r == (int)CTL_STATUS_BUSY))
			status = r;
		msg_release(&m);
	}
	/* Closing it ends the command if it still runs. */
	close(sp[0]);
	return status;
}

/* In the child: read the request, run intakectl for the peer, report
 * its exit status.  Never returns. */
static void NORETURN
serve(struct control *ct, int sock)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct passwd *pw;
	struct msg m, reply;
	char *argv[CTL_MAX_ARGS + 7], *as = NULL;
	const char *who;
	uint32_t argc, i;
	int status = 1, n = 0, fs;
	pid_t pid;
	sigset_t none;

	/* Keep nothing of the daemon's but the fork server's socket (as
	 * 4): its lock, database, workers' sockets and inotify stay with it
	 * alone. */
	fs = ct->fs_fd != -1 ? fcntl(ct->fs_fd, F_DUPFD_CLOEXEC, 10) : -1;
	if (sock != 3) {
		if (dup2(sock, 3) == -1)
			_exit(1);
		sock = 3;
	}
	if (fs != -1 && dup3(fs, 4, O_CLOEXEC) == -1)
		_exit(1);
	fs = fs != -1 ? 4 : -1;
	(void)close_range(5, ~0U, 0);
	memset(&m, 0, sizeof(m));

	/* The daemon blocks its signals outside ppoll(); intakectl must
	 * not inherit that. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	alarm(CTL_READ_S);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (pw = getpwuid(cred.uid)) == NULL)
		_exit(1);
	if (fcntl(sock, F_SETFL, 0) == -1 || msg_recv(sock, &m) != 0)
		_exit(1);
	alarm(0);
	if (m.type == MSG_CTL_REQUEST_AS && (status = acting_as(ct, &cred,
	    pw, &m, &as)) != 0)
		goto report;
	argc = msg_get_u32(&m);
	if ((m.type != MSG_CTL_REQUEST && as == NULL) || m.nfds != 3 ||
	    argc == 0 || argc > CTL_MAX_ARGS)
		goto refuse;
	argv[n++] = (char *)"intakectl";
	if (ct->config != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = ct->config;
	}
	argv[n++] = (char *)"--data-dir";
	argv[n++] = ct->data_dir;
	argv[n++] = (char *)"--";
	for (i = 0; i < argc; i++)
		if ((argv[n++] = msg_get_str(&m)) == NULL)
			goto refuse;
	argv[n] = NULL;
	if (!msg_end(&m))
		goto refuse;
	if (!command_name(argv[n - (int)argc]))
		goto refuse;
	who = as != NULL ? as : pw->pw_name;
	if (as != NULL)
		log_info("control: %s (uid %ld) runs intakectl %s for %s",
		    pw->pw_name, (long)cred.uid, argv[n - (int)argc], as);
	else
		log_info("control: %s (uid %ld) runs intakectl %s", pw->pw_name,
		    (long)cred.uid, argv[n - (int)argc]);
	if ((status = run_forked(fs, sock, who, (int)argc, argv + n - argc,
	    m.fds)) >= 0)
		goto report;
	if ((pid = fork()) == -1)
		goto refuse;
	if (pid == 0) {
		if (dup2(m.fds[0], 0) == -1 || dup2(m.fds[1], 1) == -1 ||
		    dup2(m.fds[2], 2) == -1)
			_exit(1);
		if (setenv("INTAKE_CTL_USER", who, 1) == -1 ||
		    setenv("INTAKE_CTL_SERVED", "1", 1) == -1)
			_exit(1);
		close(sock);
		signal(SIGPIPE, SIG_DFL);
		execv(ctl_program(), argv);
		dprintf(2, "intakectl: the daemon cannot run %s: %s\n",
		    ctl_program(), strerror(errno));
		_exit(1);
	}
	status = wait_command(sock, pid);
	goto report;
refuse:
	if (m.nfds == 3)
		dprintf(m.fds[2], "intakectl: the daemon did not understand "
		    "the request\n");
	status = 2;
report:
	msg_init(&reply, MSG_CTL_STATUS);
	msg_put_u32(&reply, (uint32_t)status);
	(void)msg_send(sock, &reply);
	_exit(0);
}

/* Whether user uid has a role in intake.conf: only then may it run a
 * served command. */
static bool
has_a_role(const struct control *ct, uid_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[4096], **roles;
	size_t n = 0;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 ||
	    found == NULL)
		return false;
	roles = config_user_roles(ct->conf, pw.pw_name, &n);
	free(roles);
	return n > 0;
}

/* Answers a caller with status at once, without a child and without
 * reading what it sent; the socket is non-blocking, and the answer is
 * small enough for its empty buffer. */
static void
answer_now(int sock, uint32_t status)
{
	struct msg reply;

	msg_init(&reply, MSG_CTL_STATUS);
	msg_put_u32(&reply, status);
	(void)msg_send(sock, &reply);
	msg_release(&reply);
}

/* A caller without a role. */
static void
refuse_no_role(struct control *ct, int sock, uid_t uid)
{
	if (mono_ms() - ct->warned_role > 60000) {
		log_warn("control: uid %ld has no role in the configuration: "
		    "refused (said once a minute)", (long)uid);
		ct->warned_role = mono_ms();
	}
	answer_now(sock, CTL_STATUS_NO_ROLE);
}

/* intake-web's request on sock, when it is all there already and is
 * one the daemon runs (a person with a role, a command's name): the
 * connection itself goes to the fork server, noted with the person, and
 * the copy that runs the command reads the request and answers on it.
 * No child of the daemon's stands between, and none is forked: the
 * browser's requests are many and small.  The request is only looked
 * at here (msg_peek): what the copy reads is the same bytes.  False
 * when it is not so (not there yet, malformed, refused, no fork
 * server, no room on its socket): a child then serves it the long way,
 * which says what is wrong. */
static bool
web_direct(struct control *ct, int sock)
{
	struct msg m;
	char *who = NULL, *cmd = NULL, *word, **roles;
	uint32_t argc, i;
	size_t n = 0;
	bool ok = false;

	if (ct->fs_fd == -1 || msg_peek(sock, &m, CTL_PEEK_MAX) != 0)
		return false;
	if (m.type != MSG_CTL_REQUEST_AS || (who = msg_get_str(&m)) == NULL ||
	    !pwfile_name_ok(who))
		goto out;
	roles = config_user_roles(ct->conf, who, &n);
	free(roles);
	argc = msg_get_u32(&m);
	if (n == 0 || argc == 0 || argc > CTL_MAX_ARGS)
		goto out;
	if ((cmd = msg_get_str(&m)) == NULL || !command_name(cmd))
		goto out;
	for (i = 1; i < argc; i++) {
		if ((word = msg_get_str(&m)) == NULL)
			goto out;
		free(word);
	}
	if ((ok = msg_end(&m) && fd_pass_now(ct->fs_fd, sock, who) == 0))
		log_info("control: %s (uid %ld) runs intakectl %s for %s",
		    ct->conf->web.user, (long)ct->web_uid, cmd, who);
out:
	free(cmd);
	free(who);
	msg_release(&m);
	return ok;
}

void
control_accept(struct control *ct)
{
	struct ucred cred;
	socklen_t len;
	size_t i, mine, turn;
	pid_t pid;
	int sock;

	for (turn = 0; turn < 8 && (sock = accept4(ct->fd, NULL, NULL,
	    SOCK_CLOEXEC | SOCK_NONBLOCK)) != -1; turn++) {
		control_reap(ct);
		len = sizeof(cred);
		if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
			close(sock);
			continue;
		}
		if (!(ct->web && cred.uid == ct->web_uid) &&
		    !has_a_role(ct, cred.uid)) {
			refuse_no_role(ct, sock, cred.uid);
			close(sock);
			continue;
		}
		if (ct->web && cred.uid == ct->web_uid && web_direct(ct, sock)) {
			close(sock);
			continue;
		}
		for (i = 0, mine = 0; i < ct->nkids; i++)
			mine += ct->kid_uid[i] == cred.uid;
		if (ct->nkids >= CTL_MAX_CHILDREN || mine >= (ct->web &&
		    cred.uid == ct->web_uid ? CTL_MAX_WEB : CTL_MAX_PER_USER)) {
			if (mono_ms() - ct->warned > 60000) {
				log_warn("control: uid %ld has %zu requests "
				    "running, %zu in all: refusing more",
				    (long)cred.uid, mine, ct->nkids);
				ct->warned = mono_ms();
			}
			answer_now(sock, CTL_STATUS_BUSY);
			close(sock);
			continue;
		}
		if ((pid = fork()) == -1) {
			log_warn("control: fork: %s", strerror(errno));
			close(sock);
			continue;
		}
		if (pid == 0) {
			close(ct->fd);
			serve(ct, sock);
		}
		close(sock);
		ct->kid_uid[ct->nkids] = cred.uid;
		ct->kids[ct->nkids++] = pid;
	}
}

void
control_reap(struct control *ct)
{
	size_t i = 0;
	int w;

	if (ct->fs_pid > 0 && waitpid(ct->fs_pid, &w, WNOHANG) == ct->fs_pid) {
		log_warn("control: intakectl's fork server (pid %ld) ended; "
		    "until it is started again, each request starts intakectl",
		    (long)ct->fs_pid);
		fd_close(ct->fs_fd);
		ct->fs_fd = -1;
		ct->fs_pid = 0;
	}
	if (ct->fd != -1 && ct->fs_pid == 0 &&
	    mono_ms() - ct->fs_started >= FS_RESTART_MS)
		forkserver_start(ct);

	while (i < ct->nkids) {
		if (waitpid(ct->kids[i], &w, WNOHANG) == ct->kids[i]) {
			ct->nkids--;
			ct->kids[i] = ct->kids[ct->nkids];
			ct->kid_uid[i] = ct->kid_uid[ct->nkids];
		} else
			i++;
	}
}

void
control_close(struct control *ct)
{
	size_t i;

	/* Requests still running end with the daemon. */
	for (i = 0; i < ct->nkids; i++)
		kill(ct->kids[i], SIGTERM);
	forkserver_stop(ct);
	if (ct->fd != -1) {
		close(ct->fd);
		(void)unlink(ct->path);
	}
	free(ct->path);
	free(ct->config);
	free(ct->data_dir);
	memset(ct, 0, sizeof(*ct));
	ct->fd = -1;
	ct->fs_fd = -1;
}
