/*
 * relay.c - intake-web runs every command through intaked's control
 * socket, as intakectl does for people who may not read the database:
 * the same command-table entry, validation, role checks and history
 * entries.  It asserts the signed-in person (MSG_CTL_REQUEST_AS), which
 * the daemon believes only from the web user's uid.  What the command
 * prints comes back in two memory files.
 *
 * The daemon serves the web user CTL_MAX_WEB requests at once; more wait
 * here for one to end, in the order the kernel wakes them, rather than
 * be refused.  A refusal that comes all the same (the daemon has not yet
 * collected a request that ended, or serves as many as it can for
 * everyone) is tried again a little later: the daemon ran nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto.h"
#include "web.h"

#define RELAY_WAIT_S	300	/* a command's answer, at most */
#define RELAY_BUSY_MS	20	/* a refused request, tried again after */
#define RELAY_BUSY_TRIES 100	/* this many times */

static sem_t slots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void
slots_init(void)
{
	if (sem_init(&slots, 0, CTL_MAX_WEB) == -1)
		fatal("sem_init: %s", strerror(errno));
}

/* The contents of memory file fd (at most max bytes) into *buf. */
static int
slurp(int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	ssize_t r;
	size_t off = 0;

	if (fstat(fd, &st) == -1)
		return -errno;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	*buf = xcalloc((size_t)st.st_size + 1, 1);
	while (off < (size_t)st.st_size) {
		r = pread(fd, *buf + off, (size_t)st.st_size - off, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -EIO : -errno;
		off += (size_t)r;
	}
	*len = off;
	return 0;
}

/* One request on a new connection to the socket at sa: the command's
 * status into r, its output left in out and err.  0 or -errno. */
static int
relay_once(const struct sockaddr_un *sa, const char *person, int argc,
    char *const argv[], int in, int out, int err, struct relay *r)
{
	struct timeval tv = { RELAY_WAIT_S, 0 };
	struct msg m;
	int fd, rc = 0, i;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1) {
		fd_close(fd);
		return -EHOSTDOWN;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	msg_ctl_request(&m, person, argc, argv, in, out, err);
	(void)msg_send(fd, &m);
	msg_release(&m);
	/* A refusal may have come before the request went: read it. */
	if (msg_recv(fd, &m) != 0 || m.type != MSG_CTL_STATUS)
		rc = -EHOSTDOWN;
	else {
		r->status = (int)msg_get_u32(&m);
		for (i = 0; i < m.nfds; i++)
			close(m.fds[i]);
	}
	msg_release(&m);
	close(fd);
	return rc;
}

int
relay_run(const char *sock, const char *person, int argc, char *const argv[],
    size_t max_out, struct relay *r)
{
	struct sockaddr_un sa;
	int in = -1, out = -1, err = -1, rc = 0, tries = 0;
	size_t elen = 0;

	memset(r, 0, sizeof(*r));
	memset(&sa, 0, sizeof(sa));
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock, strlen(sock));
	if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = memfd_create("intake-web-out", MFD_CLOEXEC)) == -1 ||
	    (err = memfd_create("intake-web-err", MFD_CLOEXEC)) == -1) {
		rc = -errno;
		goto done;
	}
	(void)pthread_once(&slots_once, slots_init);
	while (sem_wait(&slots) == -1 && errno == EINTR)
		;
	while ((rc = relay_once(&sa, person, argc, argv, in, out, err,
	    r)) == 0 && r->status == (int)CTL_STATUS_BUSY &&
	    ++tries < RELAY_BUSY_TRIES)
		usleep(RELAY_BUSY_MS * 1000);
	(void)sem_post(&slots);
	if (rc == 0 && r->status == (int)CTL_STATUS_BUSY)
		rc = -EBUSY;
	if (rc == 0 && (rc = slurp(out, max_out, &r->out, &r->outlen)) == 0)
		rc = slurp(err, 65536, &r->err, &elen);
done:
	fd_close(in);
	fd_close(out);
	fd_close(err);
	if (rc != 0)
		relay_release(r);
	return rc;
}

void
relay_release(struct relay *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}
