/*
 * ctl-reread.c - intakectl classify and reprocess: a case's delivery read
 * again by a worker, as the form a person names or after its template
 * changed, and what was read replaced in one transaction.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "ctl-job.h"
#include "reading.h"
#include "template.h"
#include "engine.h"
#include "store.h"
#include "ctl.h"

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

static int
case_row_get(const struct case_row *k, void *arg)
{
	struct case_row *out = arg;

	out->id = k->id;
	out->delivery_id = k->delivery_id;
	out->npages = k->npages;
	return 0;
}

/* Fields a person set, kept across a new reading of the same form. */
struct kept {
	char	**name, **value, **status, **why;
	size_t	 n;
};

static int
keep_corrected(const struct field_row *f, void *arg)
{
	struct kept *k = arg;

	if (f->why == NULL || strncmp(f->why, "set by ", 7) != 0)
		return 0;
	k->name = xreallocarray(k->name, k->n + 1, sizeof(*k->name));
	k->value = xreallocarray(k->value, k->n + 1, sizeof(*k->value));
	k->status = xreallocarray(k->status, k->n + 1, sizeof(*k->status));
	k->why = xreallocarray(k->why, k->n + 1, sizeof(*k->why));
	k->name[k->n] = xstrdup(f->name);
	k->value[k->n] = xstrdup(f->value ? f->value : "");
	k->status[k->n] = xstrdup(f->status);
	k->why[k->n] = xstrdup(f->why);
	k->n++;
	return 0;
}

static void
kept_release(struct kept *k)
{
	strv_free(k->name, k->n);
	strv_free(k->value, k->n);
	strv_free(k->status, k->n);
	strv_free(k->why, k->n);
}

static int
count_flagged(const struct field_row *f, void *arg)
{
	int *n = arg;

	if (strcmp(f->status, "uncertain") == 0 ||
	    strcmp(f->status, "invalid") == 0 || strcmp(f->status, "missing") == 0)
		(*n)++;
	return 0;
}

/* Reads case id's delivery again (as form, or recognising it) and
 * replaces what was read; classify also starts the form's workflow. */
static int
reread(struct ctl *c, int64_t id, const char *form, const char *comment)
{
	struct template **tpls = NULL;
	struct engine e;
	struct wf_context ctx;
	struct case_filter f;
	struct case_row k;
	struct delivery d;
	struct job_collect j;
	const struct template *t;
	const char *user = c->user;
	char *tdir, *wdir, *path = NULL, *why = NULL;
	struct kept kept = { NULL, NULL, NULL, NULL, 0 };
	struct case_wf before, now;
	size_t ntpls = 0, i;
	int flagged = 0, rc = 1;

	memset(&e, 0, sizeof(e));
	memset(&j, 0, sizeof(j));
	memset(&d, 0, sizeof(d));
	memset(&before, 0, sizeof(before));
	memset(&now, 0, sizeof(now));
	if (ctl_store(c) != 0)
		return 1;
	memset(&f, 0, sizeof(f));
	memset(&k, 0, sizeof(k));
	f.id = id;
	if (store_cases(c->store, &f, case_row_get, &k) != 0 || k.id == 0) {
		fprintf(stderr, "intakectl: case %lld: no such case\n",
		    (long long)id);
		return 1;
	}
	if (store_case_wf_get(c->store, id, &before) != 0)
		return 1;
	tdir = path_join(config_datadir(), "templates");
	tpls = ctl_catalog(c, CATALOG_TEMPLATES)->tpls;	/* borrowed */
	ntpls = c->cat.ntpls;
	for (i = 0; form != NULL && i < ntpls; i++)
		if (strcmp(tpls[i]->id, form) == 0)
			break;
	if (form != NULL && i == ntpls) {
		fprintf(stderr, "intakectl: no template for form \"%s\"; the "
		    "forms are:", form);
		for (i = 0; i < ntpls; i++)
			fprintf(stderr, " %s", tpls[i]->id);
		fputc('\n', stderr);
		goto out;
	}
	if (store_delivery_get(c->store, k.delivery_id, &d) != 0) {
		fprintf(stderr, "intakectl: case %lld: its delivery cannot be "
		    "read from the database\n", (long long)id);
		goto out;
	}
	path = xasprintf("%s/spool/%s/%s", c->config.data_dir, d.token, d.name);
	/* Read in the languages its inbox reads in. */
	for (i = 0; i < c->config.ninboxes; i++)
		if (c->config.inboxes[i].lang != NULL &&
		    strcmp(c->config.inboxes[i].path, d.inbox) == 0) {
			free(c->config.lang);
			c->config.lang = xstrdup(c->config.inboxes[i].lang);
		}
	if (ctl_job_run(c, path, tdir, form, &j) != 0)
		goto out;
	if (j.refused != NULL || (int64_t)j.npages != k.npages) {
		fprintf(stderr, "intakectl: case %lld: the delivery now gives %zu "
		    "page%s, the case has %lld%s%s; nothing changed\n",
		    (long long)id, j.npages, j.npages == 1 ? "" : "s",
		    (long long)k.npages, j.refused ? ": " : "",
		    j.refused ? j.refused : "");
		goto out;
	}
	/* The workflows are recorded before the case's transaction. */
	if (form != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.tpls = tpls;
		ctx.ntpls = ntpls;
		wdir = config_workflows(&c->config);
		(void)engine_init(&e, c->store, wdir, &ctx);
		free(wdir);
	}
	if (form != NULL && workflows_for_form(e.wfs, e.nwfs, form) == NULL) {
		fprintf(stderr, "intakectl: case %lld: no workflow applies to form "
		    "\"%s\"; nothing changed\n", (long long)id, form);
		goto out;
	}
	if (store_begin(c->store) != 0)
		goto out;
	/* The reading took its time: the case must be as it was. */
	if (store_case_wf_get(c->store, id, &now) != 0 ||
	    !same_str(now.state, before.state) ||
	    !same_str(now.workflow, before.workflow) ||
	    now.closed_ms != before.closed_ms) {
		fprintf(stderr, "intakectl: case %lld changed while it was read "
		    "again; nothing changed, try again\n", (long long)id);
		goto fail;
	}
	/* Corrections people made stay when the form does. */
	if (form == NULL && store_case_fields(c->store, id, keep_corrected,
	    &kept) != 0)
		goto fail;
	if (store_case_reread(c->store, id, j.pages, j.npages) != 0 ||
	    store_case_set_form(c->store, id, NULL) != 0 ||
	    reading_store_fields(c->store, id, tpls, ntpls, &j.reading) != 0)
		goto fail;
	for (i = 0; i < kept.n; i++) {
		int r = store_case_field_set(c->store, id, kept.name[i],
		    kept.value[i], kept.status[i], kept.why[i]);

		if (r == INTAKE_ENOENT)
			fprintf(stderr, "intakectl: case %lld: the correction of "
			    "\"%s\" is dropped: the form has no such field "
			    "now\n", (long long)id, kept.name[i]);
		else if (r != 0)
			goto fail;
	}
	if (store_case_fields(c->store, id, count_flagged, &flagged) != 0)
		goto fail;
	t = form_choose(tpls, ntpls, &j.reading);
	if (form != NULL && (t == NULL || strcmp(t->id, form) != 0)) {
		fprintf(stderr, "intakectl: case %lld: its pages could not be "
		    "read as %s (is OCR off?); nothing changed\n", (long long)id,
		    form);
		goto fail;
	}
	why = xasprintf("%s by %s: %s, %d field%s to check%s",
	    form ? "classified" : "read again", user,
	    t ? t->id : "no known form", flagged, flagged == 1 ? "" : "s",
	    kept.n ? ", corrections kept" : "");
	if (ctl_note(c, id, NULL, user, why, comment) != 0)
		goto fail;
	/* A classified case leaves its workflow for its form's. */
	if (form != NULL && (store_timer_clear(c->store, id, NULL) != 0 ||
	    engine_start(&e, id, NULL, t ? "extracted" : "unknown-form",
	    now_ms()) != 0))
		goto fail;
	if (store_commit(c->store) != 0)
		goto fail;
	printf("case %lld: %s\n", (long long)id, why);
	rc = 0;
	goto out;
fail:
	store_rollback(c->store);
out:
	case_wf_release(&before);
	case_wf_release(&now);
	kept_release(&kept);
	engine_release(&e);
	collect_release(&j);
	delivery_release(&d);
	free(tdir);
	free(path);
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
