/*
 * ctl-reread.c - intakectl classify and reprocess: a case's delivery read
 * again by a worker, as the form a person names or after its template
 * changed, and what was read replaced in one transaction.
 *
 * While intaked runs, intakectl asks it (a request in the store) and
 * waits for its answer: the daemon's workers read, with its limits and
 * its templates, and the case changes under its eyes.  Without a daemon
 * intakectl starts a worker itself.  Either way the reading is recorded
 * by the same code (intaked/reading.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "catalog.h"
#include "ctl-job.h"
#include "ctl-progress.h"
#include "reading.h"
#include "engine.h"
#include "store.h"
#include "ctl.h"

#define ASK_POLL_MS	200	/* how often the answer is looked for */
#define ASK_QUEUE_S	60	/* the time a request may wait for a worker,
				   beyond the job's own (twice: the one
				   before it too) */

/* Prints an outcome, which may name delivered files, as safe text: what
 * changed on stdout, why nothing did on stderr. */
static int
outcome_print(int rc, const char *outcome)
{
	FILE *f = rc == 0 ? stdout : stderr;
	const char *line = outcome, *nl;

	/* Line by line: each its own, none forged by a name. */
	for (; *line != '\0'; line = *nl ? nl + 1 : nl) {
		char *one;

		nl = line + strcspn(line, "\n");
		one = xasprintf("%.*s", (int)(nl - line), line);
		fputs(rc == 0 ? "" : "intakectl: ", f);
		safe_put(f, one, 0);
		fputc('\n', f);
		free(one);
	}
	return rc == 0 ? 0 : 1;
}

/* Reads the delivery with a worker of this intakectl's own. */
static int
read_here(struct ctl *c, struct engine *e, const struct catalog *cat,
    const struct reread *r, const struct reread_case *k)
{
	struct progress p;
	struct job_collect j;
	struct delivery d;
	const struct inbox_conf *in = NULL;
	const struct tpl_path *tp;
	char *path = NULL, *outcome = NULL;
	bool failed;
	size_t i;
	int rc = 1;

	memset(&j, 0, sizeof(j));
	memset(&d, 0, sizeof(d));
	if (store_delivery_get(c->store, k->delivery_id, &d) != 0) {
		fprintf(stderr, "intakectl: case %lld: its delivery cannot be "
		    "read from the database\n", (long long)r->case_id);
		goto out;
	}
	path = xasprintf("%s/spool/%s/%s", c->config.data_dir, d.token, d.name);
	/* Read in the languages and with the templates of its inbox. */
	for (i = 0; i < c->config.ninboxes; i++)
		if (strcmp(c->config.inboxes[i].path, d.inbox) == 0)
			in = &c->config.inboxes[i];
	if (in != NULL && in->lang != NULL) {
		free(c->config.lang);
		c->config.lang = xstrdup(in->lang);
	}
	tp = catalog_templates(cat, d.inbox);
	progress_init(&p, r->form != NULL ? "classify" : "reprocess", "pages",
	    k->npages);
	p.job_pages = true;
	c->progress = &p;
	progress_set(&p, 0, k->npages);
	failed = ctl_job_run(c, path, tp->dirs, r->form, &j) != 0;
	c->progress = NULL;
	progress_hide(&p);
	if (failed)
		goto out;
	rc = reading_reread(c->store, e, tp->tpls, tp->ntpls, r, k, &j,
	    &outcome);
	rc = outcome_print(rc, outcome);
out:
	collect_release(&j);
	delivery_release(&d);
	free(path);
	free(outcome);
	return rc;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Asks the running daemon to read the case again and waits for its
 * answer. */
static int
ask_daemon(struct ctl *c, const struct reread *r)
{
	struct progress p;
	int64_t id, deadline;
	struct reread_row row;
	long pid;

	if (store_reread_ask(c->store, r->case_id, r->form, r->actor,
	    r->comment, &id) != 0)
		return 1;
	deadline = mono_ms() + ((int64_t)c->config.job_timeout_s * 2 +
	    ASK_QUEUE_S) * 1000;
	progress_init(&p, r->form != NULL ? "classify: intaked reads the case" :
	    "reprocess: intaked reads the case", "", 0);
	for (;;) {
		memset(&row, 0, sizeof(row));
		if (store_reread_get(c->store, id, &row) == 0 &&
		    row.done_ms != 0) {
			int rc;

			progress_hide(&p);
			rc = outcome_print(row.ok ? 0 : 1, row.outcome ?
			    row.outcome : "the daemon gave no reason");
			reread_row_release(&row);
			return rc;
		}
		reread_row_release(&row);
		if (mono_ms() >= deadline || !ctl_daemon_up(c, &pid)) {
			progress_hide(&p);
			fprintf(stderr, "intakectl: case %lld: intaked %s; it "
			    "reads the case again when it can (request %lld), "
			    "and the case's history will say so\n",
			    (long long)r->case_id, mono_ms() >= deadline ?
			    "has not answered in time" : "stopped",
			    (long long)id);
			return 1;
		}
		progress_set(&p, 0, 0);
		sleep_ms(ASK_POLL_MS);
	}
}

/* Reads case id's delivery again (as form, or recognising it) and
 * replaces what was read; classify also starts the form's workflow. */
static int
reread(struct ctl *c, int64_t id, const char *form, const char *comment)
{
	const struct catalog *cat;
	struct reread r;
	struct reread_case k;
	struct engine e;
	char *why = NULL;
	long pid;
	int rc = 1;

	memset(&e, 0, sizeof(e));
	memset(&k, 0, sizeof(k));
	if (ctl_store(c) != 0)
		return 1;
	r.case_id = id;
	r.form = form;
	r.actor = c->user;
	r.comment = comment;
	cat = ctl_catalog(c, CATALOG_TEMPLATES |
	    (form != NULL ? CATALOG_WORKFLOWS : 0));
	/* The workflows are recorded before the case's transaction. */
	if (form != NULL)
		(void)engine_init_catalog(&e, c->store, cat);
	if (reading_reread_check(c->store, &e, cat->tpls, cat->ntpls, &r, &k,
	    &why) != 0) {
		fprintf(stderr, "intakectl: %s\n", why);
		goto out;
	}
	if (ctl_daemon_up(c, &pid))
		rc = ask_daemon(c, &r);
	else
		rc = read_here(c, &e, cat, &r, &k);
out:
	reread_case_release(&k);
	engine_release(&e);
	free(why);
	return rc;
}

int
cmd_classify(struct ctl *c, const struct ctl_args *a)
{
	return reread(c, a->id, a->argv[1], ctl_opt(a, "comment"));
}

int
cmd_reprocess(struct ctl *c, const struct ctl_args *a)
{
	return reread(c, a->id, NULL, ctl_opt(a, "comment"));
}
