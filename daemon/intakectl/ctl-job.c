/*
 * ctl-job.c - one worker job from intakectl: the file and a temporary
 * output folder go to an intake-worker, exactly as the daemon sends them,
 * and every answer is collected.  The worker is not trusted here either.
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
#include "jobmsg.h"
#include "pool.h"
#include "ctl.h"

void
ctl_job_release(struct ctl_job *j)
{
	size_t i;

	for (i = 0; i < j->npages; i++)
		page_row_release(&j->pages[i]);
	free(j->pages);
	form_reading_release(&j->reading);
	for (i = 0; i < j->nwarnings; i++)
		free(j->warnings[i]);
	free(j->warnings);
	free(j->refused);
	free(j->form_hint);
	memset(j, 0, sizeof(*j));
}

/* Reads the worker's answers until the job is done or refused. */
static int
collect(struct pool *pool, struct worker *w, const char *dir, const char *file,
    struct ctl_job *j)
{
	struct msg m;
	bool ok = true;

	for (;;) {
		if (msg_recv(w->sock, &m) != 0) {
			char *how = pool_stop(pool, w, true);
			fprintf(stderr, "intakectl: the worker %s while reading "
			    "\"%s\"\n", how, file);
			free(how);
			return 1;
		}
		switch (m.type) {
		case MSG_HELLO:
		case MSG_PROGRESS:
		case MSG_ATTACHMENT:
			break;
		case MSG_MANIFEST:
			free(msg_get_str(&m));
			free(msg_get_str(&m));
			free(msg_get_str(&m));
			free(j->form_hint);
			j->form_hint = msg_get_str(&m);
			break;
		case MSG_WARNING:
			j->warnings = xreallocarray(j->warnings, j->nwarnings + 1,
			    sizeof(*j->warnings));
			j->warnings[j->nwarnings] = msg_get_str(&m);
			ok = j->warnings[j->nwarnings++] != NULL;
			break;
		case MSG_PAGE:
			j->pages = xreallocarray(j->pages, j->npages + 1,
			    sizeof(*j->pages));
			ok = jobmsg_page(&m, dir, (uint32_t)j->npages + 1,
			    &j->pages[j->npages]);
			if (ok)
				j->npages++;
			break;
		case MSG_OCR:
			ok = j->npages > 0 &&
			    jobmsg_ocr(&m, &j->pages[j->npages - 1]);
			break;
		case MSG_FIELDS:
			ok = jobmsg_fields(&m, j->npages, &j->reading);
			break;
		case MSG_REFUSED:
			j->refused = msg_get_str(&m);
			msg_release(&m);
			return 0;
		case MSG_DONE:
			msg_release(&m);
			return 0;
		default:
			ok = false;
		}
		msg_release(&m);
		if (!ok) {
			fprintf(stderr, "intakectl: the worker sent a malformed "
			    "message\n");
			return 1;
		}
	}
}

int
ctl_job_run(struct ctl *c, const char *file, const char *templates,
    const char *form, struct ctl_job *j)
{
	struct pool pool;
	struct msg m;
	struct stat st;
	char tmpl[] = "/tmp/intakectl.XXXXXX", *dir = NULL;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int infd, outfd = -1, rc = 1;

	memset(j, 0, sizeof(*j));
	memset(&pool, 0, sizeof(pool));
	if ((infd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(infd, &st) == -1) {
		fprintf(stderr, "intakectl: \"%s\": %s\n", file, strerror(errno));
		if (infd != -1)
			close(infd);
		return 1;
	}
	c->config.workers = 1;
	if (pool_init(&pool, &c->config) != 0 || (dir = mkdtemp(tmpl)) == NULL ||
	    (outfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    pool_give(&pool, outfd) != 0 || pool_start(&pool, &pool.w[0]) != 0)
		goto out;
	jobmsg_unpack(&m, &c->config, 0, base, S_ISDIR(st.st_mode),
	    strcmp(c->config.lang, "none") == 0 ? "" : c->config.lang, false,
	    templates, form);
	m.fds[0] = infd;
	m.fds[1] = outfd;
	m.nfds = 2;
	if (msg_send(pool.w[0].sock, &m) != 0) {
		msg_release(&m);
		fprintf(stderr, "intakectl: cannot reach the worker\n");
		goto out;
	}
	msg_release(&m);
	rc = collect(&pool, &pool.w[0], dir, file, j);
out:
	if (outfd != -1)
		close(outfd);
	close(infd);
	pool_release(&pool);
	if (dir != NULL)
		remove_tree(dir);
	return rc;
}
