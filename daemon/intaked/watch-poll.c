/*
 * watch-poll.c - the watcher for systems without inotify: every inbox is
 * polled at its interval.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "watch.h"

int
watch_open(const char *dir, enum watch_mode mode, struct watch **out,
    bool *polled, const char **fstype)
{
	(void)dir;
	if (mode == WATCH_INOTIFY)
		log_warn("inbox \"%s\": inotify is not available; polling", dir);
	*out = NULL;
	*polled = true;
	*fstype = "unknown";
	return 0;
}

int
watch_fd(const struct watch *w)
{
	(void)w;
	return -1;
}

bool
watch_read(struct watch *w)
{
	(void)w;
	return false;
}

void
watch_close(struct watch *w)
{
	(void)w;
}
