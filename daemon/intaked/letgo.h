/*
 * letgo.h - removing the inbox copies of taken files beside the main loop.
 */
#ifndef INTAKE_LETGO_H
#define INTAKE_LETGO_H

#include <sys/types.h>

/* letgo.c: a thread that removes the inbox copies of taken files, so that
 * the main loop does not wait for the disk to free them. */
struct letgo;
/* One inbox copy to remove: name (renamed out of the scan's sight) in the
 * folder handed over with it, removed only while it is still the regular
 * file (dev, ino) that was taken. */
struct letgo_item {
	char	*name;		/* owned by the item once handed over */
	dev_t	 dev;
	ino_t	 ino;
};
/* Starts the thread; NULL when it cannot be started (the caller then
 * removes the files itself).  Free with letgo_free(). */
struct letgo *letgo_start(void);
/* Hands over n items of the folder dirfd: lg takes dirfd (closed when
 * they are removed) and each item's name, and copies the array.  Never
 * fails; waits only while more names than the queue holds are waiting
 * (a burst the disk does not keep up with). */
void	letgo_add(struct letgo *, int dirfd, const struct letgo_item *,
	    size_t n);
/* Waits until everything handed over is removed. */
void	letgo_drain(struct letgo *);
/* Drains, ends the thread and frees lg (NULL: nothing). */
void	letgo_free(struct letgo *);
/* Removes name from dirfd when it is still the regular file (dev, ino);
 * what the thread does for each item.  0 or -errno (-ESTALE: something
 * else is there now, left alone). */
int	letgo_remove(int dirfd, const char *name, dev_t dev, ino_t ino);

#endif
