/*
 * spawn.c - runs a program for a built-in plugin: fork and execve, never
 * a shell, so nothing in the arguments is ever interpreted.
 *
 * The child gets a process group of its own, so that the time limit ends
 * whatever the program started too, and dies with intake-action (which
 * the daemon kills when the action's time is up).  Whether execve
 * worked comes back through a close-on-exec pipe: it reads end of file
 * when the program runs, or execve's errno.  Output is read as it comes,
 * so a talkative program never blocks on a full pipe: the first
 * SPAWN_HEAD_MAX and the last SPAWN_TAIL_MAX bytes are kept, the rest is
 * read and dropped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "common/spawn.h"

/* How long output is still read after the program ended, for what it
 * left running; then that is killed. */
#define SPAWN_GRACE_MS	1000
#define SPAWN_TICK_MS	100

static int64_t
spawn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifdef HAVE_SYS_PRCTL_H
static void
spawn_die_with_parent(void)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
}
#else
static void
spawn_die_with_parent(void)
{
}
#endif

/*
 * In the child: the pipes onto 0, 1 and 2 (and the exec-error pipe onto
 * 3), every other descriptor closed, signals as a new program expects
 * them, then execve.  Never returns.
 */
static void __attribute__((noreturn))
spawn_child(const char *program, char *const argv[], char *const envp[],
    int in, int out, int ex, pid_t parent)
{
	sigset_t none;
	int sig, e;

	(void)setpgid(0, 0);
	spawn_die_with_parent();
	if (getppid() != parent)
		_exit(127);	/* intake-action is gone already */

	/* Above the standard descriptors first, so that no dup2 below
	 * overwrites a pipe it still needs. */
	if ((in = fcntl(in, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (out = fcntl(out, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (ex = fcntl(ex, F_DUPFD_CLOEXEC, 10)) == -1)
		goto fail;
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1 ||
	    dup2(ex, 3) == -1 || fcntl(3, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	closefrom(4);

	/* Ignored signals (SIGPIPE in intake-action) stay ignored across
	 * execve; a program starts with the defaults. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);

	execve(program, argv, envp);
fail:
	e = errno;
	if (write(3, &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;	/* the parent sees only the status then */
	_exit(127);
}

/* Keeps what the program wrote: the head, and the tail as a ring. */
static void
spawn_keep(struct spawn_result *r, const char *p, size_t n)
{
	size_t k;

	r->total += n;
	k = SPAWN_HEAD_MAX - r->headlen;
	if (k > n)
		k = n;
	memcpy(r->head + r->headlen, p, k);
	r->headlen += k;
	r->head[r->headlen] = '\0';
	if (n >= SPAWN_TAIL_MAX) {
		memcpy(r->tail, p + n - SPAWN_TAIL_MAX, SPAWN_TAIL_MAX);
		r->taillen = SPAWN_TAIL_MAX;
	} else {
		k = r->taillen + n > SPAWN_TAIL_MAX ?
		    r->taillen + n - SPAWN_TAIL_MAX : 0;
		memmove(r->tail, r->tail + k, r->taillen - k);
		memcpy(r->tail + r->taillen - k, p, n);
		r->taillen = r->taillen - k + n;
	}
	r->tail[r->taillen] = '\0';
}

/* Reads what there is on fd; false at end of file or on an error. */
static bool
spawn_read(int fd, struct spawn_result *r)
{
	char buf[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			spawn_keep(r, buf, (size_t)n);
			continue;
		}
		if (n == -1 && (errno == EINTR))
			continue;
		return n == -1 && errno == EAGAIN;
	}
}

/*
 * Writes what the pipe takes of the input; false when all is written or
 * the program will not read it (EPIPE: it closed its standard input,
 * which is its business).
 */
static bool
spawn_write(int fd, const char *input, size_t inlen, size_t *off)
{
	ssize_t n;

	while (*off < inlen) {
		n = write(fd, input + *off, inlen - *off);
		if (n > 0)
			*off += (size_t)n;
		else if (n == -1 && errno == EAGAIN)
			return true;
		else if (n == -1 && errno != EINTR)
			return false;
	}
	return false;
}

/* Whether the child has ended, without reaping it: its process id
 * stays taken, so killing its group cannot hit anything else. */
static bool
spawn_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno != EINTR;
	return si.si_pid == pid;
}

int
spawn_run(const char *program, char *const argv[], char *const envp[],
    const char *input, size_t inlen, int timeout, struct spawn_result *r)
{
	struct sigaction ign, old;
	struct pollfd pfd[2];
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int64_t deadline, grace = 0, now;
	size_t off = 0;
	ssize_t n;
	pid_t pid, parent = getpid();
	bool ended = false;
	int e, rc = 0;

	memset(r, 0, sizeof(*r));
	r->timeout = timeout;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1 ||
	    pipe2(ex, O_CLOEXEC) == -1) {
		rc = -errno;
		goto done;
	}
	/* A program that does not read its input must not kill us. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGPIPE, &ign, &old);

	if ((pid = fork()) == -1) {
		rc = -errno;
		(void)sigaction(SIGPIPE, &old, NULL);
		goto done;
	}
	if (pid == 0)
		spawn_child(program, argv, envp, in[0], out[1], ex[1], parent);
	(void)setpgid(pid, pid);
	close(in[0]);
	close(out[1]);
	close(ex[1]);
	in[0] = out[1] = ex[1] = -1;

	/* End of file: the program runs.  An int: why it does not. */
	do
		n = read(ex[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(e)) {
		r->exec_errno = e != 0 ? e : EIO;
		(void)waitpid(pid, &r->status, 0);
		(void)sigaction(SIGPIPE, &old, NULL);
		goto done;
	}

	(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (inlen == 0) {
		close(in[1]);
		in[1] = -1;
	}
	deadline = spawn_now_ms() + (int64_t)timeout * 1000;
	for (;;) {
		now = spawn_now_ms();
		if (!ended && (ended = spawn_ended(pid)))
			grace = now + SPAWN_GRACE_MS;
		if (!ended && now >= deadline) {
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			r->timed_out = true;
			ended = true;
			grace = now + SPAWN_GRACE_MS;
		}
		if (ended && (out[0] == -1 || now >= grace))
			break;

		pfd[0].fd = out[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = in[1];
		pfd[1].events = POLLOUT;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, SPAWN_TICK_MS) == -1 && errno != EINTR) {
			rc = -errno;
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			break;
		}
		if (out[0] != -1 && pfd[0].revents != 0 &&
		    !spawn_read(out[0], r)) {
			close(out[0]);
			out[0] = -1;
		}
		if (in[1] != -1 && pfd[1].revents != 0 &&
		    !spawn_write(in[1], input, inlen, &off)) {
			close(in[1]);
			in[1] = -1;
		}
	}
	/* Whatever the program left running in its group ends with it. */
	(void)kill(-pid, SIGKILL);
	while (waitpid(pid, &r->status, 0) == -1 && errno == EINTR)
		;
	(void)sigaction(SIGPIPE, &old, NULL);
done:
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	if (out[0] != -1)
		close(out[0]);
	if (out[1] != -1)
		close(out[1]);
	if (ex[0] != -1)
		close(ex[0]);
	if (ex[1] != -1)
		close(ex[1]);
	return rc;
}

bool
spawn_exited(const struct spawn_result *r, int code)
{
	return r->exec_errno == 0 && !r->timed_out && WIFEXITED(r->status) &&
	    WEXITSTATUS(r->status) == code;
}

/* The length of the UTF-8 character at p (n bytes left), or 0. */
static size_t
spawn_utf8(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	len = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 &&
	    p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * Appends line (n bytes) to buf at *at: blanks and control characters
 * as one space, bytes that are not UTF-8 as "?", cut between characters
 * before the end of buf.
 */
static void
spawn_put_line(char *buf, size_t len, size_t *at, const char *line,
    size_t n)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t k;

	while (n > 0 && *at + 1 < len) {
		k = spawn_utf8(p, n);
		if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f))) {
			buf[(*at)++] = k == 0 ? '?' : ' ';
			k = 1;
		} else if (*at + k + 1 > len)
			break;
		else {
			memcpy(buf + *at, p, k);
			*at += k;
		}
		p += k;
		n -= k;
	}
	buf[*at] = '\0';
}

/* The first (or last) line of text (n bytes) with something on it. */
static const char *
spawn_pick_line(const char *text, size_t n, bool last, size_t *linelen)
{
	const char *p = text, *end = text + n, *nl, *best = NULL;
	size_t k, bestlen = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		k = (nl != NULL ? nl : end) - p;
		if (k > 0 && p[k - 1] == '\r')
			k--;
		if (strspn(p, " \t") < k) {
			best = p;
			bestlen = k;
			if (!last)
				break;
		}
		p += (nl != NULL ? k + 1 + (p[k] == '\r') : k);
		if (nl == NULL)
			break;
	}
	*linelen = bestlen;
	return best;
}

void
spawn_describe(const struct spawn_result *r, char *buf, size_t len)
{
	const char *line;
	size_t at, n;
	bool ok = spawn_exited(r, 0);

	if (len == 0)
		return;
	if (r->exec_errno != 0)
		snprintf(buf, len, "cannot run: %s", strerror(r->exec_errno));
	else if (r->timed_out)
		snprintf(buf, len, "killed after %d s", r->timeout);
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "killed by signal %d",
		    WTERMSIG(r->status));
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(r->status));
	at = strlen(buf);
	if (r->total == 0)
		return;
	if (ok || r->total <= SPAWN_HEAD_MAX)
		line = spawn_pick_line(r->head, r->headlen, !ok, &n);
	else
		line = spawn_pick_line(r->tail, r->taillen, true, &n);
	if (line == NULL)
		return;
	spawn_put_line(buf, len, &at, ": ", 2);
	spawn_put_line(buf, len, &at, line, n);
}
