/*
 * ctl-workflow.c - intakectl graph, why, fire and migrate: drawing a
 * workflow, explaining a case's path, and moving a case by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "action-check.h"
#include "template.h"
#include "engine.h"
#include "store.h"
#include "ctl.h"
#include "action-check.h"

/* The templates and roles workflows are checked against: the
 * catalog's, or the templates of a folder given on the command line. */
struct ctl_wf {
	struct template	**tpls;		/* tpl_dir's; NULL: the catalog's */
	size_t		 ntpls;
	struct wf_context ctx;
};

static void
ctl_wf_init(struct ctl *c, struct ctl_wf *w, const char *tpl_dir)
{
	memset(w, 0, sizeof(*w));
	w->ctx = ctl_catalog(c, CATALOG_ROLES |
	    (tpl_dir == NULL ? CATALOG_TEMPLATES : 0))->ctx;
	if (tpl_dir != NULL) {
		if (access(tpl_dir, R_OK | X_OK) == 0)
			(void)templates_load_dir(tpl_dir, &w->tpls, &w->ntpls);
		w->ctx.tpls = w->tpls;
		w->ctx.ntpls = w->ntpls;
	}
}

static void
ctl_wf_release(struct ctl_wf *w)
{
	templates_free(w->tpls, w->ntpls);
}

/* Checks a workflow for intakectl lint; prints a summary when good. */
int
ctl_lint_workflow(struct ctl *c, const char *path, const char *tpl_dir)
{
	struct ctl_wf w;
	struct workflow *wf;
	int rc = 0;

	ctl_wf_init(c, &w, tpl_dir);
	if (workflow_load(path, &w.ctx, &wf) != 0)
		rc = 1;
	else if (actions_check(&wf, 1, c->config.plugins) != 0) {
		workflow_free(wf);
		rc = 1;
	} else {
		printf("%s: workflow %s version %d \"%s\", %zu state%s: OK\n",
		    path, wf->id, wf->version, wf->title ? wf->title : "",
		    wf->nstates, wf->nstates == 1 ? "" : "s");
		workflow_free(wf);
	}
	ctl_wf_release(&w);
	return rc;
}

int
cmd_graph(struct ctl *c, const struct ctl_args *a)
{
	struct ctl_wf w;
	struct workflow *wf;
	int rc = 0;

	ctl_wf_init(c, &w, NULL);
	if (workflow_load(a->argv[0], &w.ctx, &wf) != 0)
		rc = 1;
	else {
		workflow_graph(wf, stdout);
		workflow_free(wf);
	}
	ctl_wf_release(&w);
	return rc;
}

static int
print_history(const struct history_row *h, void *arg)
{
	struct ctl *c = arg;
	char t[32];

	if (c->json) {
		ctl_history_json(h);
		putchar('\n');
		return 0;
	}
	printf("%s  ", ctl_time(h->at_ms, t, sizeof(t)));
	safe_put(stdout, h->actor, 0);
	fputs(": ", stdout);
	if (strcmp(h->kind, "start") == 0)
		printf("started in \"%s\" (", h->to);
	else if (strcmp(h->kind, "transition") == 0 && h->event != NULL)
		printf("\"%s\" moved the case from \"%s\" to \"%s\"%s",
		    h->event, h->from, h->to, h->why ? " because " : "");
	else if (strcmp(h->kind, "transition") == 0)
		printf("moved from \"%s\" to \"%s\" because %s", h->from, h->to,
		    h->why ? "" : "decided on entry");
	else if (strcmp(h->kind, "ignored") == 0)
		printf("\"%s\" changed nothing: ", h->event ? h->event : "");
	else if (strcmp(h->kind, "action") == 0)
		fputs("action ", stdout);
	if (h->why != NULL)
		safe_put(stdout, h->why, 0);
	if (strcmp(h->kind, "start") == 0)
		putchar(')');
	ctl_history_end(h);
	return 0;
}

int
cmd_why(struct ctl *c, const struct ctl_args *a)
{
	struct case_wf k;
	int64_t id = a->id;
	int rc;

	if (ctl_store(c) != 0)
		return 1;
	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	if (!c->json) {
		char d[32];

		printf("case %lld is in \"%s\"", (long long)id, k.state);
		if (k.workflow != NULL)
			printf(" of workflow \"%s\" version %d", k.workflow,
			    k.version);
		if (k.queue != NULL)
			printf(", on the work list of %s", k.queue);
		if (k.closed_ms != 0)
			printf(", closed");
		else if (k.deadline_ms != 0)
			printf(", due %s", ctl_time(k.deadline_ms, d, sizeof(d)));
		puts("");
	}
	case_wf_release(&k);
	rc = store_case_history(c->store, id, print_history, c);
	return rc == 0 ? 0 : 1;
}

/* The engine over the database; cases run the versions recorded there.
 * current: also read the workflow folder (what the daemon starts new
 * cases with), without recording anything. */
static int
open_engine(struct ctl *c, struct ctl_wf *w, struct engine *e,
    bool current)
{
	if (ctl_store(c) != 0)
		return 1;
	ctl_wf_init(c, w, NULL);
	if (current)
		(void)engine_init_catalog(e, NULL, ctl_catalog(c,
		    CATALOG_TEMPLATES | CATALOG_WORKFLOWS));
	else
		(void)engine_init(e, NULL, NULL, &w->ctx);
	e->store = c->store;
	return 0;
}

/* People fire the events of their workflows, not intake's own. */
int
cmd_fire_check(struct ctl *c, const struct ctl_args *a)
{
	(void)c;
	if (!wf_event_is_system(a->argv[1]))
		return 0;
	fprintf(stderr, "intakectl: \"%s\" is raised by intake itself, not "
	    "by people\n", a->argv[1]);
	return 1;
}

int
cmd_fire(struct ctl *c, const struct ctl_args *a)
{
	struct engine_actor actor;
	struct engine e;
	struct ctl_wf w;
	char *msg = NULL;
	int64_t id = a->id;
	int rc;

	if (open_engine(c, &w, &e, false) != 0)
		return 1;
	actor.user = c->user;
	actor.roles = c->roles;
	actor.nroles = c->nroles;
	rc = engine_fire(&e, id, a->argv[1], &actor, ctl_opt(a, "comment"),
	    now_ms(), &msg);
	if (rc == 0) {
		struct case_wf k;

		if (store_case_wf_get(c->store, id, &k) == 0) {
			printf("case %lld: now in \"%s\"%s%s\n", (long long)id,
			    k.state, k.queue ? ", queue " : "",
			    k.queue ? k.queue : "");
			case_wf_release(&k);
		}
	} else if (msg != NULL)
		fprintf(stderr, "intakectl: %s\n", msg);
	free(msg);
	engine_release(&e);
	ctl_wf_release(&w);
	return rc == 0 ? 0 : 1;
}

int
cmd_migrate(struct ctl *c, const struct ctl_args *a)
{
	struct engine_actor actor;
	struct engine e;
	struct ctl_wf w;
	char **argv = a->argv;
	int i, rc = 0;

	if (open_engine(c, &w, &e, true) != 0)
		return 1;
	actor.user = c->user;
	actor.roles = c->roles;
	actor.nroles = c->nroles;
	for (i = 0; i < a->argc; i++) {
		int64_t id = ctl_case_arg(argv[i]);
		char *msg = NULL;

		if (id == 0) {
			fprintf(stderr, "intakectl: \"%s\" is no case number\n",
			    argv[i]);
			rc = 1;
			continue;
		}
		if (engine_migrate(&e, id, &actor, now_ms(), &msg) != 0) {
			fprintf(stderr, "intakectl: %s\n", msg ? msg :
			    "migration failed");
			rc = 1;
		} else
			printf("case %lld migrated\n", (long long)id);
		free(msg);
	}
	engine_release(&e);
	ctl_wf_release(&w);
	return rc;
}
