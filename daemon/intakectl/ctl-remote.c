/*
 * ctl-remote.c - intakectl through the daemon's control socket, for
 * people who may not read the database themselves (control.c serves it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "intake.h"
#include "proto.h"
#include "ctl.h"

int
ctl_remote(const struct config *c, int argc, char **argv)
{
	struct sockaddr_un sa;
	struct msg m;
	int fd, i, rc;
	uint32_t status;

	if (c->control == NULL ||
	    strlen(c->control) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "intakectl: no control socket configured\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, c->control, strlen(c->control));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		fprintf(stderr, "intakectl: the database is not readable by you "
		    "and the daemon's control socket %s answers not (%s): is "
		    "intaked running?\n", c->control, strerror(errno));
		fd_close(fd);
		return 1;
	}
	msg_ctl_request(&m, NULL, argc, argv, 0, 1, 2);
	fflush(stdout);
	rc = msg_send(fd, &m);
	msg_release(&m);
	/* A refusal may have come before the request went: read it. */
	if (msg_recv(fd, &m) != 0 || m.type != MSG_CTL_STATUS) {
		fprintf(stderr, "intakectl: the daemon ended the request "
		    "without an answer\n");
		close(fd);
		return 1;
	}
	status = msg_get_u32(&m);
	for (i = 0; i < m.nfds; i++)
		close(m.fds[i]);
	msg_release(&m);
	close(fd);
	if (status == CTL_STATUS_NO_ROLE) {
		struct passwd *pw = getpwuid(getuid());

		fprintf(stderr, "intakectl: %s has no role in %s: ask an admin "
		    "to add you to <roles>\n", pw ? pw->pw_name : "you",
		    c->file ? c->file : "the configuration");
		return 1;
	}
	if (status == CTL_STATUS_BUSY) {
		fprintf(stderr, "intakectl: the daemon serves as many of your "
		    "requests as it may at once: try again when one ended\n");
		return 1;
	}
	(void)rc;
	return status <= 255 ? (int)status : 1;
}
