/*
 * watch-inotify.c - inotify watcher, with network file systems polled.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "watch.h"

struct watch {
	int	fd;
};

/* File systems on which another machine's writes raise no event. */
static const struct {
	unsigned long	 magic;
	const char	*name;
} netfs[] = {
	{ 0x6969, "nfs" },
	{ 0x517B, "smb" },
	{ 0xFF534D42, "cifs" },
	{ 0xFE534D42, "smb2" },
	{ 0x65735546, "fuse" },
	{ 0x00C36400, "ceph" },
	{ 0x01021997, "9p" },
	{ 0x5346414F, "afs" },
	{ 0x73757245, "coda" },
	{ 0x47504653, "gpfs" },
	{ 0x0BD00BD0, "lustre" },
};

static const char *
network_fs(const char *dir)
{
	struct statfs sf;
	size_t i;

	if (statfs(dir, &sf) == -1)
		return NULL;
	for (i = 0; i < sizeof(netfs) / sizeof(netfs[0]); i++)
		if ((unsigned long)sf.f_type == netfs[i].magic)
			return netfs[i].name;
	return NULL;
}

int
watch_open(const char *dir, enum watch_mode mode, struct watch **out,
    bool *polled, const char **fstype)
{
	struct watch *w;
	const char *net = network_fs(dir);

	*out = NULL;
	*fstype = net ? net : "local";
	*polled = mode == WATCH_POLL || (mode == WATCH_AUTO && net != NULL);
	if (*polled)
		return 0;
	w = xcalloc(1, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd == -1 || inotify_add_watch(w->fd, dir, IN_CREATE |
	    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
	    IN_MODIFY | IN_ATTRIB | IN_ONLYDIR) == -1) {
		int err = errno;

		log_warn("inbox \"%s\": inotify: %s; polling instead", dir,
		    strerror(err));
		watch_close(w);
		*polled = true;
		return 0;
	}
	*out = w;
	return 0;
}

int
watch_fd(const struct watch *w)
{
	return w ? w->fd : -1;
}

bool
watch_read(struct watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	if (w == NULL)
		return false;
	while ((n = read(w->fd, buf, sizeof(buf))) > 0)
		changed = true;
	if (n == -1 && errno == ENOSPC)
		changed = true;
	return changed;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	fd_close(w->fd);
	free(w);
}
