/*
 * ctl-job.c - one worker job from intakectl: the file and a temporary
 * output folder go to an intake-worker, exactly as the daemon sends them,
 * and every answer is collected by the daemon's collector (collect.c),
 * in the time the daemon would give it.  The worker is not trusted here
 * either.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl-job.h"
#include "pool.h"
#include "ctl-progress.h"
#include "ctl.h"

/* Reads the worker's answers until the job is done or refused, or its
 * time is up (it starts again when the worker has loaded its model, as
 * in the daemon); the progress line p (NULL: none) is hidden before a
 * message and told of the pages read. */
static int
collect(struct pool *pool, struct worker *w, const char *file,
    unsigned timeout_s, struct progress *p, struct job_collect *j)
{
	int64_t deadline = mono_ms() + (int64_t)timeout_s * 1000;
	enum collect_status st;
	struct msg m;
	int rc;

	for (;;) {
		int64_t left = deadline - mono_ms();

		rc = msg_recv_within(w->sock, &m, left > 0 ? (int)left : 0);
		if (rc != 0) {
			char *how = pool_stop(pool, w, true);

			progress_hide(p);
			if (rc == -ETIMEDOUT)
				fprintf(stderr, "intakectl: the worker timed out "
				    "after %u s while reading \"%s\"%s%s\n",
				    timeout_s, file, j->doing ? ": " : "",
				    j->doing ? j->doing : "");
			else
				fprintf(stderr, "intakectl: the worker %s while "
				    "reading \"%s\"\n", how, file);
			free(how);
			return 1;
		}
		st = collect_feed(j, &m);
		if (p != NULL && p->job_pages)
			progress_set(p, (int64_t)j->npages, p->total);
		for (int f = 0; f < m.nfds; f++)
			close(m.fds[f]);
		if (m.type == MSG_HELLO)
			deadline = mono_ms() + (int64_t)timeout_s * 1000;
		msg_release(&m);
		if (st == COLLECT_DONE || st == COLLECT_REFUSED)
			return 0;
		if (st == COLLECT_DEFERRED) {
			fprintf(stderr, "intakectl: the worker could not write "
			    "what it read of \"%s\" (%s): the disk of the "
			    "temporary folder is full: free space and try "
			    "again\n", file, strerror((int)j->deferred.err));
			return 1;
		}
		if (st != COLLECT_MORE) {
			free(pool_stop(pool, w, true));
			progress_hide(p);
			fprintf(stderr, "intakectl: the worker sent a malformed "
			    "message while reading \"%s\"\n", file);
			return 1;
		}
	}
}

int
ctl_job_run(struct ctl *c, const char *file, const char *templates,
    const char *form, struct job_collect *j)
{
	struct jobmsg_job job;
	struct pool pool;
	struct msg m;
	struct stat st;
	char tmpl[] = "/tmp/intakectl.XXXXXX", *dir = NULL;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int infd, outfd = -1, rc = 1;

	collect_init(j, NULL);		/* released by the caller, whatever
					   happens */
	memset(&pool, 0, sizeof(pool));
	if ((infd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(infd, &st) == -1) {
		const char *why = strerror(errno);

		progress_hide(c->progress);
		fprintf(stderr, "intakectl: \"%s\": %s\n", file, why);
		fd_close(infd);
		return 1;
	}
	c->config.workers = 1;
	if (pool_init(&pool, &c->config) != 0 || (dir = mkdtemp(tmpl)) == NULL ||
	    (outfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    pool_give(&pool, outfd) != 0 || pool_start(&pool, &pool.w[0]) != 0)
		goto out;
	collect_init(j, dir);
	jobmsg_job_init(&job, &c->config);
	job.name = (char *)base;	/* borrowed, as the others */
	job.folder = S_ISDIR(st.st_mode);
	job.lang = strcmp(c->config.lang, "none") == 0 ? (char *)"" :
	    c->config.lang;
	job.templates = (char *)templates;
	job.form = (char *)form;
	job.in = infd;
	job.out = outfd;
	jobmsg_unpack_put(&m, &job);
	if (msg_send(pool.w[0].sock, &m) != 0) {
		msg_release(&m);
		fprintf(stderr, "intakectl: cannot reach the worker\n");
		goto out;
	}
	msg_release(&m);
	rc = collect(&pool, &pool.w[0], file, c->config.job_timeout_s,
	    c->progress, j);
out:
	fd_close(outfd);
	close(infd);
	pool_release(&pool);
	if (dir != NULL)
		remove_tree(dir);
	return rc;
}
