/*
 * fuzz-proto.c - the worker protocol's framing (libintake/proto.c) and,
 * above it, the decoders and the collector: the bytes are what a worker
 * writes on its socket.  They are written into one end of a socket pair,
 * which is then shut, and read off the other as the daemon reads a
 * worker, message by message, each collected until the job ends or a
 * message is refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job_collect c;
	struct msg m;
	size_t off = 0;
	ssize_t n;
	int sv[2], i;
	enum collect_status st = COLLECT_MORE;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair: %s", strerror(errno));
	/* What does not fit the socket's buffer is not sent: the run's
	 * -max_len keeps inputs well below it. */
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl: %s", strerror(errno));
	while (off < size && (n = write(sv[1], data + off, size - off)) > 0)
		off += (size_t)n;
	close(sv[1]);

	collect_init(&c, "/out");
	while (st == COLLECT_MORE && msg_recv_within(sv[0], &m, 1000) == 0) {
		st = collect_feed(&c, &m);
		for (i = 0; i < m.nfds; i++)
			close(m.fds[i]);
		msg_release(&m);
	}
	collect_release(&c);
	close(sv[0]);
	return 0;
}
