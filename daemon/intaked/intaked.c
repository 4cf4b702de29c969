/*
 * intaked.c - the intake daemon: watches the inboxes, takes every complete
 * delivery into the spool exactly once and opens its case.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "catalog.h"
#include "actions.h"
#include "control.h"
#include "webproc.h"
#include "pipeline.h"
#include "template.h"
#include "watch.h"
#include "store.h"
#include "ledger.h"
#include "scan.h"
#include "action-check.h"

#define RESUME_MS	5000	/* how often half-done steps are looked for */
#define WF_TICK_MS	1000	/* how often timers and actions are looked for */
#define STATUS_MS	2000	/* how often intaked.status is written */
#define TAKE_BATCH	32	/* deliveries taken between looks at the workers */

struct inbox_run {
	struct inbox_conf *conf;
	struct watch	*watch;
	struct scan	 scan;
	bool		 polled;
	bool		 dirty;
	int64_t		 last_scan;	/* monotonic ms; 0: never */
	int64_t		 next_scan;	/* the next poll or full rescan */
	/* What the last scan found ready and is still to be taken, a batch
	 * at a time: workers' answers are read between batches. */
	struct scan_ready *ready;
	size_t		 nready, next;
};

struct daemon {
	struct catalog	 cat;		/* loaded once, lent to the rest */
	struct store	*store;
	struct ledger	 ledger;
	struct pipeline	 pipeline;
	struct control	 control;
	struct webproc	 web;		/* intake-web, when <web> is configured */
	bool		 foreground;
	struct actions	 actions;
	bool		 pipeline_up;
	struct inbox_run *inboxes;
	size_t		 ninboxes;
	bool		 once;
	int64_t		 changing_since;	/* --once: only files still
						   changing keep it (mono ms) */
	int		 lockfd;
};

/* --once leaves files that keep changing to the next run, instead of
 * waiting for them forever: after this long, or four settle times, with
 * nothing else to do. */
#define ONCE_CHANGING_MS	10000

static volatile sig_atomic_t got_stop, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig != SIGCHLD)
		got_stop = 1;
}

static void NORETURN
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
"usage: intaked [-fnv] [-c file] [--once] [--data-dir dir] [--inbox dir]...\n"
"\n"
"Watches inboxes for scanned applications, takes each complete delivery\n"
"exactly once into its spool and opens a case for it, which then runs\n"
"through the workflow for its form (deadlines, work lists, history).\n"
"\n"
"  -c, --config FILE   configuration file (default " CONFIG_FILE_DEFAULT ",\n"
"                      built-in defaults when it does not exist)\n"
"  -f, --foreground    stay in the foreground and log to stderr\n"
"      --once          take in and process what is in the inboxes now, wait\n"
"                      until every case is at rest, then exit 0\n"
"      --data-dir DIR  database and spool (default " DATA_DIR_DEFAULT ")\n"
"      --inbox DIR     watch DIR (repeatable; replaces configured inboxes)\n"
"      --settle SECS   seconds a file must stay unchanged (with --inbox)\n"
"  -n, --check         check the configuration and the workflows and exit\n"
"                      (0: OK, 1: not)\n"
"  -v, --verbose       log debugging detail (ids, never names or values)\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"SIGHUP reads the workflows again and rescans the inboxes.  People who may\n"
"not read the database use intakectl through the daemon's control socket.\n"
"A full or failing disk or a locked database is waited out, never blamed on\n"
"a delivery: it stays where it is and is tried again (intakectl status).\n"
"\n"
"See intaked(8), intake.conf(5) and intake-workflow(5).\n");
	exit(status);
}

/* Every OCR language configured must have its models installed, or the
 * daemon does not start: the message names the Debian package. */
/* -n: the workflows load, and every inbox's workflow is one of them. */
static int
check_workflows(struct catalog *cat)
{
	const struct config *c = cat->config;
	size_t i;
	int rc;

	(void)catalog_load_templates(cat);
	rc = catalog_load_workflows(cat);
	if (actions_check(cat->wfs, cat->nwfs, c->plugins) != 0)
		rc = INTAKE_EINVAL;
	for (i = 0; i < c->ninboxes; i++)
		if (c->inboxes[i].workflow != NULL && workflows_by_id(cat->wfs,
		    cat->nwfs, c->inboxes[i].workflow) == NULL) {
			report_at(c->file ? c->file : "intake.conf",
			    c->inboxes[i].line, "inbox \"%s\": no workflow "
			    "\"%s\" in %s", c->inboxes[i].path,
			    c->inboxes[i].workflow, cat->wf_dir);
			rc = INTAKE_EINVAL;
		}
	return rc;
}

static int
check_languages(const struct config *c)
{
	struct lang_checks lc = { NULL, NULL, 0 };
	const char *file = c->file != NULL ? c->file : "intaked";
	size_t i;
	int rc = 0;

	if (lang_checks_at(&lc, file, c->file ? (c->lang_line > 0 ?
	    c->lang_line : 1) : 0, NULL, c->lang) != 0)
		rc = INTAKE_EINVAL;
	for (i = 0; i < c->ninboxes; i++)
		if (lang_checks_at(&lc, file, c->file ? c->inboxes[i].line : 0,
		    NULL, c->inboxes[i].lang) != 0)
			rc = INTAKE_EINVAL;
	lang_checks_release(&lc);
	return rc;
}

/* Only one daemon may own a data directory. */
static int
take_lock(struct daemon *d)
{
	char *path = path_join(d->cat.conf.data_dir, "intaked.pid");
	char buf[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		log_err("%s: %s", path, strerror(errno));
		free(path);
		return INTAKE_ERR;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		n = (int)read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_err("data directory \"%s\" is in use by another intaked "
		    "(pid %s)", d->cat.conf.data_dir, buf[0] ? buf : "unknown");
		close(fd);
		free(path);
		return INTAKE_ERR;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("%s: %s", path, strerror(errno));
	free(path);
	d->lockfd = fd;
	return 0;
}

static int
daemon_open(struct daemon *d)
{
	char *db;
	size_t i;
	int rc;

	if ((rc = mkdir_p(d->cat.conf.data_dir, 0750)) != 0) {
		log_err("data directory \"%s\": %s", d->cat.conf.data_dir,
		    strerror(-rc));
		return INTAKE_ERR;
	}
	if (take_lock(d) != 0)
		return INTAKE_ERR;
	db = path_join(d->cat.conf.data_dir, "intake.db");
	rc = store_open(db, STORE_CREATE, &d->store);
	free(db);
	if (rc != 0 || ledger_init(&d->ledger, d->store, &d->cat.conf) != 0)
		return INTAKE_ERR;
	/* Inbox copies of taken files are removed beside the main loop. */
	ledger_let_go_beside(&d->ledger);
	(void)catalog_load(&d->cat);
	if (pipeline_init_catalog(&d->pipeline, &d->ledger, &d->cat) != 0)
		return INTAKE_ERR;
	d->pipeline_up = true;
	d->pipeline.wf.tries = d->cat.conf.action_tries;
	d->pipeline.wf.backoff_ms = d->cat.conf.action_backoff_ms;
	actions_init(&d->actions, &d->cat.conf);
	/* Attempts cut short when the daemon last stopped run again. */
	if (store_actions_unclaim(d->store, &i) == 0 && i > 0)
		log_info("%zu action%s cut short by the last stop will run "
		    "again", i, i == 1 ? "" : "s");
	if (!d->once) {
		(void)control_open(&d->control, &d->cat.conf);
		webproc_start(&d->web, &d->cat.conf, d->foreground);
	}
	d->ninboxes = d->cat.conf.ninboxes;
	d->inboxes = xcalloc(d->ninboxes, sizeof(*d->inboxes));
	for (i = 0; i < d->ninboxes; i++) {
		struct inbox_run *r = &d->inboxes[i];
		const char *fstype;

		r->conf = &d->cat.conf.inboxes[i];
		watch_open(r->conf->path, r->conf->mode, &r->watch, &r->polled,
		    &fstype);
		scan_init(&r->scan, r->conf, r->polled);
		log_info("watching inbox %s (%s file system, %s, settle %.1f s)",
		    r->conf->path, fstype, r->polled ? "polled" : "inotify",
		    r->conf->settle_ms / 1000.0);
		/* Its rejected folder is opened (or made) now, before a
		 * stranger can put something in its place. */
		(void)ledger_inbox_check(&d->ledger, r->conf);
	}
	return 0;
}

static void
daemon_close(struct daemon *d)
{
	size_t i;

	webproc_stop(&d->web);
	control_close(&d->control);
	if (d->actions.run != NULL)
		actions_release(&d->actions);
	for (i = 0; i < d->ninboxes; i++) {
		watch_close(d->inboxes[i].watch);
		scan_release(&d->inboxes[i].scan);
		scan_ready_free(d->inboxes[i].ready, d->inboxes[i].nready);
	}
	free(d->inboxes);
	if (d->pipeline_up)
		pipeline_release(&d->pipeline);
	ledger_release(&d->ledger);
	store_close(d->store);
	if (d->lockfd > 0) {
		/* The gauge of a daemon that is gone says nothing. */
		char *status = path_join(d->cat.conf.data_dir, "intaked.status");

		(void)unlink(status);
		free(status);
		close(d->lockfd);
	}
}

/* Queues a delivery and gives it to an idle worker at once, not once the
 * whole batch being taken or resumed has been queued. */
static void
submit(struct daemon *d, int64_t id)
{
	pipeline_submit(&d->pipeline, id);
	pipeline_dispatch(&d->pipeline);
}

static int
process_one(const struct delivery *dv, void *arg)
{
	struct daemon *d = arg;

	if (dv->status == DS_PENDING && dv->stage == STAGE_SPOOLED)
		submit(d, dv->id);
	return got_stop ? 1 : 0;
}

/* Decides every delivery that is in the spool but not yet decided. */
static void
process_pending(struct daemon *d)
{
	store_delivery_foreach(d->store, true, process_one, d);
}

/* Takes the next batch of what the last scan of r found ready: the
 * ledger takes the batch's deliveries together (one flush of the disk and
 * one transaction per stage for all), then the pipeline records their
 * checksums together and queues them for the workers. */
static void
take_ready(struct daemon *d, struct inbox_run *r)
{
	struct scan_ready *ready = r->ready;
	struct ledger_item items[TAKE_BATCH];
	int64_t ids[TAKE_BATCH];
	size_t i, k = 0, m = 0, n = r->nready, end = r->next + TAKE_BATCH;
	bool waits = false;

	for (i = r->next; i < n && i < end && !got_stop; i++) {
		if (ready[i].ignored) {
			if (ledger_ignore(&d->ledger, r->conf, ready[i].name,
			    ready[i].pattern) != 0)
				scan_retry(&r->scan, ready[i].name);
			continue;
		}
		memset(&items[k], 0, sizeof(items[k]));
		items[k].name = ready[i].name;
		items[k].folder = ready[i].folder;
		items[k].size = ready[i].size;
		items[k].mtime_ms = ready[i].mtime_ms;
		k++;
	}
	r->next = i;
	if (k > 0)
		ledger_take_batch(&d->ledger, r->conf, items, k);
	for (i = 0; i < k; i++) {
		if (items[i].rc == 0)
			ids[m++] = items[i].id;
		else if (items[i].rc != INTAKE_ENOENT)
			scan_retry(&r->scan, items[i].name);
		waits = waits || transient_error(items[i].rc);
	}
	if (m > 0) {
		pipeline_submit_batch(&d->pipeline, ids, m);
		pipeline_dispatch(&d->pipeline);
	}
	if (waits)	/* the rest waits too, left in the inbox as it is */
		for (i = r->next; i < n; i++)
			scan_retry(&r->scan, ready[i].name);
	if (waits || r->next >= n || got_stop) {
		scan_ready_free(r->ready, r->nready);
		r->ready = NULL;
		r->nready = r->next = 0;
	}
}

static void
scan_due(struct daemon *d, struct inbox_run *r, int64_t mono)
{
	if (r->watch != NULL && watch_read(r->watch))
		r->dirty = true;
	if (transient_waiting(&d->ledger.wait, mono))
		return;		/* looked at again when the wait ends */
	if (r->ready != NULL) {
		take_ready(d, r);	/* before anything new is looked at */
		return;
	}
	if (!(r->last_scan == 0 || mono >= r->next_scan ||
	    (r->scan.next_check != 0 && mono >= r->scan.next_check) ||
	    (r->dirty && mono >= r->last_scan + 50)))
		return;
	r->dirty = false;
	r->last_scan = mono;
	r->next_scan = mono + (r->polled ? (int64_t)r->conf->poll_ms :
	    (int64_t)d->cat.conf.rescan_s * 1000);
	if (ledger_inbox_check(&d->ledger, r->conf) != 0)
		return;		/* refused until its rejected folder is safe */
	if (scan_inbox(&r->scan, &d->ledger, &r->ready, &r->nready) != 0)
		return;
	r->next = 0;
	take_ready(d, r);
}

/* True when --once may stop: every inbox looked at, nothing settling,
 * nothing undecided. */
static bool
at_rest(struct daemon *d)
{
	int64_t pending = 0, mono = mono_ms(), limit = ONCE_CHANGING_MS;
	size_t i, changing = 0;

	for (i = 0; i < d->ninboxes; i++) {
		if (d->inboxes[i].last_scan == 0 || d->inboxes[i].ready != NULL)
			return false;
		changing += scan_pending(&d->inboxes[i].scan);
		if (d->inboxes[i].conf->settle_ms > limit / 4)
			limit = 4 * (int64_t)d->inboxes[i].conf->settle_ms;
	}
	if (!pipeline_idle(&d->pipeline) ||
	    store_delivery_count_pending(d->store, &pending) != 0 ||
	    pending != 0) {
		d->changing_since = 0;
		return false;
	}
	if (changing == 0)
		return true;
	/* Only files that are still being written keep it. */
	if (d->changing_since == 0)
		d->changing_since = mono;
	if (mono - d->changing_since < limit)
		return false;
	log_warn("%zu file%s still changing after %lld s: left for the next "
	    "run", changing, changing == 1 ? " is" : "s are",
	    (long long)((mono - d->changing_since) / 1000));
	return true;
}

/* What intake waits for, if anything, as the gauge's "waiting" member. */
static void
status_waiting(FILE *f, const struct transient *t, int64_t mono)
{
	bool first = true;

	fputs(",\"waiting\":", f);
	if (t->rc == 0) {
		fputs("null", f);
		return;
	}
	putc('{', f);
	json_key_str(f, &first, "for", transient_what(t->rc));
	json_key_str(f, &first, "while", t->step);
	json_key_str(f, &first, "hint", transient_hint(t->rc));
	json_key_time(f, &first, "since", t->since_ms);
	json_key_int(f, &first, "tries", t->hits);
	json_key_int(f, &first, "next_try_s", t->next > mono ?
	    (t->next - mono + 999) / 1000 : 0);
	putc('}', f);
}

/* What only the running daemon knows, for intakectl status: written
 * every few seconds as one JSON line (no fsync: it is a gauge, not a
 * record).  On a full disk, where no new file can be made, the old one
 * is written over in place (a reader stops at the first newline). */
static void
write_status(struct daemon *d)
{
	struct pipeline *p = &d->pipeline;
	char *path = path_join(d->cat.conf.data_dir, "intaked.status");
	char *tmp = xasprintf("%s.tmp", path);
	size_t i, busy = 0, ready = 0, ahead = 0, len = 0;
	char now[32], *line = NULL;
	bool written = false;
	FILE *f;
	int fd;

	for (i = 0; i < p->pool.n; i++) {
		busy += p->pool.w[i].job != NULL;
		ready += p->pool.w[i].ready;
		ahead += p->pool.w[i].nahead;
	}
	if ((f = open_memstream(&line, &len)) == NULL)
		goto out;
	fprintf(f, "{\"pid\":%ld,\"updated\":\"%s\",\"workers\":%zu,"
	    "\"ready\":%zu,\"busy\":%zu,\"queued\":%zu,\"held\":%zu,"
	    "\"ahead\":%zu", (long)getpid(), fmt_time(now_ms(), now,
	    sizeof(now)), p->pool.n, ready, busy, p->nqueue, p->nheld, ahead);
	status_waiting(f, &d->ledger.wait, mono_ms());
	fputs("}\n", f);
	if (fclose(f) != 0)
		goto out;
	if ((f = fopen(tmp, "w")) != NULL) {
		written = fwrite(line, 1, len, f) == len;
		written = fclose(f) == 0 && written && rename(tmp, path) == 0;
	}
	if (!written) {
		(void)unlink(tmp);
		if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
			(void)!pwrite(fd, line, len, 0);
			close(fd);
		}
	}
out:
	free(line);
	free(tmp);
	free(path);
}

static int
daemon_loop(struct daemon *d)
{
	size_t npfd = d->ninboxes + d->pipeline.pool.n + 1;
	struct pollfd *pfd = xcalloc(npfd, sizeof(*pfd));
	sigset_t empty;
	size_t i, nw;
	bool waited = false, retrying = false;

	sigemptyset(&empty);
	int64_t next_resume = mono_ms() + RESUME_MS, next_wf = 0, next_status = 0;

	while (!got_stop) {
		int64_t mono = mono_ms(), wake = mono + 60000, dl;
		struct timespec ts;

		if (waited && !transient_waiting(&d->ledger.wait, mono)) {
			/* The wait for a passing error is over: try now. */
			for (i = 0; i < d->ninboxes; i++)
				d->inboxes[i].next_scan = 0;
			next_resume = mono;
			retrying = true;
		}
		waited = transient_waiting(&d->ledger.wait, mono);
		if (mono >= next_resume && !waited) {
			/* Finish steps that failed for a passing reason. */
			if (ledger_resume(&d->ledger) == 0)
				process_pending(d);
			next_resume = mono + RESUME_MS;
		}
		if (next_resume < wake)
			wake = next_resume;
		if (d->ledger.wait.rc != 0 && d->ledger.wait.next < wake)
			wake = d->ledger.wait.next;

		for (i = 0; i < d->ninboxes && !got_stop; i++)
			scan_due(d, &d->inboxes[i], mono);
		pipeline_timeouts(&d->pipeline, mono_ms());
		pipeline_dispatch(&d->pipeline);
		if (retrying && !transient_waiting(&d->ledger.wait, mono) &&
		    pipeline_idle(&d->pipeline)) {
			/* Tried again and nothing met it: it passed. */
			transient_clear(&d->ledger.wait);
			retrying = false;
		}
		if (mono >= next_wf) {
			/* Deadlines that passed, also while the daemon was
			 * down, and the actions transitions queued. */
			pipeline_workflows(&d->pipeline);
			(void)actions_start(&d->actions, &d->pipeline.wf,
			    now_ms());
			pipeline_rereads(&d->pipeline);
			if (mono >= next_status) {
				write_status(d);
				next_status = mono + STATUS_MS;
			}
			next_wf = mono + WF_TICK_MS;
		}
		if (next_wf < wake)
			wake = next_wf;
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reading the workflows again and "
			    "rescanning every inbox");
			(void)catalog_reload_workflows(&d->cat);
			pipeline_reload(&d->pipeline);
			for (i = 0; i < d->ninboxes; i++)
				d->inboxes[i].next_scan = 0;
		}
		if (d->once && at_rest(d)) {
			/* Then the actions due now, to their end. */
			pipeline_workflows(&d->pipeline);
			if (actions_start(&d->actions, &d->pipeline.wf,
			    now_ms()) == 0 && d->actions.nrun == 0)
				break;
		}
		if (d->once && d->ledger.wait.hits >= 3) {
			log_err("%s (%s): giving up after 3 tries; the "
			    "deliveries stay where they are for the next run",
			    transient_what(d->ledger.wait.rc),
			    transient_hint(d->ledger.wait.rc));
			free(pfd);
			return INTAKE_ERR;
		}
		if (d->once && d->pipeline.start_failures >= 3) {
			log_err("the workers do not start: giving up; the "
			    "deliveries stay in the spool for the next run");
			free(pfd);
			return INTAKE_ERR;
		}
		mono = mono_ms();
		for (i = 0; i < d->ninboxes; i++) {
			struct inbox_run *r = &d->inboxes[i];

			/* While intake waits for a passing error, the inboxes
			 * wait too (until wait.next, above), without spinning. */
			bool held = transient_waiting(&d->ledger.wait, mono);

			if (!held && r->ready != NULL)
				wake = mono;	/* the next batch */
			else if (!held) {
				if (r->next_scan < wake)
					wake = r->next_scan;
				if (r->scan.next_check != 0 &&
				    r->scan.next_check < wake)
					wake = r->scan.next_check;
				if (r->dirty && r->last_scan + 50 < wake)
					wake = r->last_scan + 50;
			}
			pfd[i].fd = watch_fd(r->watch);
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if ((dl = pipeline_timeouts(&d->pipeline, mono)) != 0 && dl < wake)
			wake = dl;
		if ((dl = actions_reap(&d->actions, &d->pipeline.wf)) != 0 &&
		    dl < wake)
			wake = dl;
		if ((dl = webproc_tend(&d->web, mono)) != 0 && dl < wake)
			wake = dl;
		/* Work waits for a worker that is to be started again. */
		if (d->pipeline.nqueue > 0 && !transient_waiting(&d->ledger.wait,
		    mono)) {
			dl = d->pipeline.start_after > mono ?
			    d->pipeline.start_after : mono + 100;
			if (dl < wake)
				wake = dl;
		}
		nw = pipeline_pollfds(&d->pipeline, pfd + d->ninboxes,
		    npfd - d->ninboxes - 1);
		/* The control socket last; its children are collected on
		 * every turn (SIGCHLD ends the wait). */
		control_reap(&d->control);
		pfd[d->ninboxes + nw].fd = d->control.fd;
		pfd[d->ninboxes + nw].events = POLLIN;
		pfd[d->ninboxes + nw].revents = 0;
		if (wake < mono)
			wake = mono;
		ts.tv_sec = (wake - mono) / 1000;
		ts.tv_nsec = ((wake - mono) % 1000) * 1000000;
		if (ppoll(pfd, d->ninboxes + nw + 1, &ts, &empty) == -1 &&
		    errno != EINTR)
			fatal("ppoll: %s", strerror(errno));
		for (i = 0; i < d->ninboxes; i++)
			if (pfd[i].revents & POLLIN)
				d->inboxes[i].dirty = true;
		pipeline_events(&d->pipeline, pfd + d->ninboxes, nw);
		if (pfd[d->ninboxes + nw].revents & POLLIN)
			control_accept(&d->control);
	}
	free(pfd);
	return 0;
}

static void
signals_setup(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A child that ends (a worker, an action, a control request,
	 * intake-web) ends the wait in ppoll(): it is collected at once,
	 * and the loop need not look for ended children on a timer. */
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Signals arrive only while waiting in ppoll(). */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
}

int
main(int argc, char *argv[])
{
	enum { OPT_ONCE = 256, OPT_DATA, OPT_INBOX, OPT_SETTLE };
	static const struct option opts[] = {
		DAEMON_OPTIONS,
		{ "verbose", no_argument, NULL, 'v' },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "data-dir", required_argument, NULL, OPT_DATA },
		{ "inbox", required_argument, NULL, OPT_INBOX },
		{ "settle", required_argument, NULL, OPT_SETTLE },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon d;
	const char *conf = NULL, *data = NULL;
	char **inboxes = NULL, *end;
	size_t ninboxes = 0, i;
	bool fg = false, check = false;
	double settle = -1;
	enum log_level level = LOG_LEVEL_INFO;
	int ch, rc;

	/* Each delivery frees the little it allocated; returning that to the
	 * kernel every time (glibc trims the heap above 128 KiB) cost a tenth
	 * of the daemon's time in brk(2) and its TLB flushes. */
	(void)mallopt(M_TRIM_THRESHOLD, 32 << 20);
	(void)mallopt(M_TOP_PAD, 4 << 20);
	memset(&d, 0, sizeof(d));
	d.control.fd = -1;
	d.control.fs_fd = -1;
	while ((ch = getopt_long(argc, argv, "c:fnvhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'f': fg = true; break;
		case 'n': check = true; break;
		case 'v': level = LOG_LEVEL_DEBUG; break;
		case 'h': usage(0);
		case 'V': printf("intaked %s\n", PACKAGE_VERSION); return 0;
		case OPT_ONCE: d.once = true; break;
		case OPT_DATA: data = optarg; break;
		case OPT_INBOX:
			inboxes = xreallocarray(inboxes, ninboxes + 1,
			    sizeof(*inboxes));
			inboxes[ninboxes++] = optarg;
			break;
		case OPT_SETTLE:
			settle = strtod(optarg, &end);
			if (*end != '\0' || settle < 0 || settle > 86400) {
				fprintf(stderr, "intaked: --settle \"%s\": not "
				    "a number of seconds\n", optarg);
				return 2;
			}
			break;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	log_init("intaked", fg || d.once || check, level);
	d.foreground = fg;

	catalog_init(&d.cat);
	if (conf == NULL && access(CONFIG_FILE_DEFAULT, F_OK) == 0)
		conf = CONFIG_FILE_DEFAULT;
	if (conf != NULL && catalog_load_config(&d.cat, conf) != 0) {
		catalog_release(&d.cat);
		free(inboxes);
		return 1;
	}
	if (data != NULL) {
		free(d.cat.conf.data_dir);
		d.cat.conf.data_dir = realpath(data, NULL);
		if (d.cat.conf.data_dir == NULL)
			d.cat.conf.data_dir = xstrdup(data);
	}
	if (ninboxes > 0) {
		config_clear_inboxes(&d.cat.conf);
		for (i = 0; i < ninboxes; i++) {
			char *real = realpath(inboxes[i], NULL);
			struct inbox_conf *in = config_add_inbox(&d.cat.conf,
			    real ? real : inboxes[i]);

			free(real);
			if (settle >= 0)
				in->settle_ms = (unsigned)(settle * 1000);
		}
	}
	free(inboxes);
	if (config_check(&d.cat.conf) != 0 || webproc_check(&d.cat.conf) != 0 ||
	    check_languages(&d.cat.conf) != 0 ||
	    (check && check_workflows(&d.cat) != 0)) {
		catalog_release(&d.cat);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK\n", conf ? conf : "(built-in)");
		catalog_release(&d.cat);
		return 0;
	}
	if (!fg && !d.once && daemon(0, 0) == -1)
		fatal("daemon: %s", strerror(errno));
	/* The database, spool and pages are for the daemon and its group. */
	umask(027);
	signals_setup();
	if (daemon_open(&d) != 0) {
		daemon_close(&d);
		catalog_release(&d.cat);
		return 1;
	}
	rc = ledger_recover(&d.ledger);
	if (transient_error(rc))
		rc = 0;		/* finished when the wait ends */
	if (rc == 0) {
		process_pending(&d);
		rc = daemon_loop(&d);
	}
	log_info("%s", got_stop ? "stopping on signal" : "all deliveries "
	    "are at rest");
	daemon_close(&d);
	catalog_release(&d.cat);
	return rc == 0 ? 0 : 1;
}
