/*
 * letgo.c - removing the inbox copies of taken files beside the main loop.
 *
 * Removing a file makes the file system free its blocks, and on a disk
 * mounted with online discard that waits for the device: a small file
 * often costs a millisecond, longer than taking it.  Nobody needs the
 * answer: by then the delivery is durable in the spool, recorded, and its
 * inbox copy renamed out of the scan's sight (ledger.c, takes_let_go()).
 * So the ledger hands those names to this thread and goes on.
 *
 * Ownership: the thread owns only what a job handed to it holds (the
 * folder's descriptor and the names), and touches nothing else of the
 * daemon: no store, no log, no configuration, no fault point (which would
 * fork).  The queue is shared under lg->lock; everything else of struct
 * letgo is the main thread's.  At most LETGO_MAX_QUEUED names wait: a
 * longer burst than the disk keeps up with waits for it.  Each step is relative to the inbox's
 * descriptor and removes a name only while it is still the regular file
 * that was taken (same device and inode), never following a link.
 *
 * A crash with names still queued leaves them in the inbox, out of sight;
 * ledger_recover() removes them at the next start.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "letgo.h"

/* At most this many names wait for the thread: a burst faster than the
 * disk frees files waits for it (as it did without the thread) rather
 * than holding ever more descriptors and memory. */
#define LETGO_MAX_QUEUED	1024

/* What one batch handed over: a folder and names in it. */
struct letgo_job {
	struct letgo_job *next;
	int		 dirfd;
	size_t		 n;
	struct letgo_item items[];
};

struct letgo {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* a job queued, or stop */
	pthread_cond_t	 done;		/* a job finished */
	struct letgo_job *head, *tail;	/* under lock */
	size_t		 queued;	/* under lock: names queued or in hand */
	bool		 stop;		/* under lock */
};

int
letgo_remove(int dirfd, const char *name, dev_t dev, ino_t ino)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_dev != dev || st.st_ino != ino)
		return -ESTALE;
	return unlinkat(dirfd, name, 0) == -1 ? -errno : 0;
}

static void
job_run(struct letgo_job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		(void)letgo_remove(j->dirfd, j->items[i].name, j->items[i].dev,
		    j->items[i].ino);
		free(j->items[i].name);
	}
	close(j->dirfd);
	free(j);
}

static void *
letgo_main(void *arg)
{
	struct letgo *lg = arg;
	struct letgo_job *j;
	size_t n;

	pthread_mutex_lock(&lg->lock);
	for (;;) {
		while (lg->head == NULL && !lg->stop)
			pthread_cond_wait(&lg->wake, &lg->lock);
		if ((j = lg->head) == NULL)
			break;		/* stopped, and all done */
		lg->head = j->next;
		if (lg->head == NULL)
			lg->tail = NULL;
		pthread_mutex_unlock(&lg->lock);
		n = j->n;
		job_run(j);
		pthread_mutex_lock(&lg->lock);
		lg->queued -= n;
		pthread_cond_broadcast(&lg->done);
	}
	pthread_mutex_unlock(&lg->lock);
	return NULL;
}

struct letgo *
letgo_start(void)
{
	struct letgo *lg = xcalloc(1, sizeof(*lg));
	sigset_t all, old;
	int rc;

	pthread_mutex_init(&lg->lock, NULL);
	pthread_cond_init(&lg->wake, NULL);
	pthread_cond_init(&lg->done, NULL);
	/* Signals stay the main loop's: the thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&lg->thread, NULL, letgo_main, lg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_warn("removing taken files: no thread (%s): removed on "
		    "the main loop", strerror(rc));
		pthread_cond_destroy(&lg->done);
		pthread_cond_destroy(&lg->wake);
		pthread_mutex_destroy(&lg->lock);
		free(lg);
		return NULL;
	}
	return lg;
}

void
letgo_add(struct letgo *lg, int dirfd, const struct letgo_item *items,
    size_t n)
{
	struct letgo_job *j;

	if (n == 0) {
		close(dirfd);
		return;
	}
	j = xcalloc(1, sizeof(*j) + n * sizeof(*items));
	j->dirfd = dirfd;
	j->n = n;
	memcpy(j->items, items, n * sizeof(*items));
	pthread_mutex_lock(&lg->lock);
	while (lg->queued > 0 && lg->queued + n > LETGO_MAX_QUEUED)
		pthread_cond_wait(&lg->done, &lg->lock);
	lg->queued += n;
	if (lg->tail != NULL)
		lg->tail->next = j;
	else
		lg->head = j;
	lg->tail = j;
	pthread_cond_signal(&lg->wake);
	pthread_mutex_unlock(&lg->lock);
}

void
letgo_drain(struct letgo *lg)
{
	pthread_mutex_lock(&lg->lock);
	while (lg->queued > 0)
		pthread_cond_wait(&lg->done, &lg->lock);
	pthread_mutex_unlock(&lg->lock);
}

void
letgo_free(struct letgo *lg)
{
	if (lg == NULL)
		return;
	pthread_mutex_lock(&lg->lock);
	lg->stop = true;
	pthread_cond_signal(&lg->wake);
	pthread_mutex_unlock(&lg->lock);
	pthread_join(lg->thread, NULL);
	pthread_cond_destroy(&lg->done);
	pthread_cond_destroy(&lg->wake);
	pthread_mutex_destroy(&lg->lock);
	free(lg);
}
