/*
 * ctl-workflow.c - intakectl graph, why, fire and migrate: drawing a
 * workflow, explaining a case's path, and moving a case by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
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

#define GRAPH_USAGE "usage: intakectl graph WORKFLOW.xml\n"

int
cmd_graph(struct ctl *c, int argc, char **argv)
{
	struct ctl_wf w;
	struct workflow *wf;
	int rc;

	if ((rc = ctl_json_only(c, argc, argv, GRAPH_USAGE,
	    "Prints the workflow as a Graphviz digraph: states (queue, "
	    "deadline, paused\nclock; final states doubly framed), "
	    "transitions labelled with their event,\ncondition and roles "
	    "(dashed: decided on entry).  For a picture:\n"
	    "  intakectl graph building-permit.xml | dot -Tsvg > bp.svg\n",
	    1)) >= 0)
		return rc;
	rc = 0;
	ctl_wf_init(c, &w, NULL);
	if (workflow_load(argv[optind], &w.ctx, &wf) != 0)
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
	bool first = true;

	if (c->json) {
		fmt_time(h->at_ms, t, sizeof(t));
		putchar('{');
		json_key_int(stdout, &first, "seq", h->seq);
		json_key_str(stdout, &first, "at", t);
		json_key_str(stdout, &first, "actor", h->actor);
		json_key_str(stdout, &first, "kind", h->kind);
		json_key_str(stdout, &first, "event", h->event);
		json_key_str(stdout, &first, "from", h->from);
		json_key_str(stdout, &first, "to", h->to);
		json_key_str(stdout, &first, "why", h->why);
		json_key_str(stdout, &first, "comment", h->comment);
		puts("}");
		return 0;
	}
	printf("%s  %s: ", ctl_time(h->at_ms, t, sizeof(t)), h->actor);
	if (strcmp(h->kind, "start") == 0)
		printf("started in \"%s\" (%s)", h->to, h->why ? h->why : "");
	else if (strcmp(h->kind, "transition") == 0 && h->event != NULL)
		printf("\"%s\" moved the case from \"%s\" to \"%s\"%s%s",
		    h->event, h->from, h->to, h->why ? " because " : "",
		    h->why ? h->why : "");
	else if (strcmp(h->kind, "transition") == 0)
		printf("moved from \"%s\" to \"%s\" because %s", h->from, h->to,
		    h->why ? h->why : "decided on entry");
	else if (strcmp(h->kind, "ignored") == 0)
		printf("\"%s\" changed nothing: %s", h->event ? h->event : "",
		    h->why ? h->why : "");
	else if (strcmp(h->kind, "action") == 0)
		printf("action %s", h->why ? h->why : "");
	else
		printf("%s", h->why ? h->why : "");
	if (h->comment != NULL)
		printf(" -- \"%s\"", h->comment);
	putchar('\n');
	return 0;
}

#define WHY_USAGE "usage: intakectl why [--json] CASE\n"

int
cmd_why(struct ctl *c, int argc, char **argv)
{
	struct case_wf k;
	int64_t id;
	int rc;

	if ((rc = ctl_json_only(c, argc, argv, WHY_USAGE,
	    "Explains in words why a case is where it is: every step of its "
	    "history,\nwho or what took it, and the values the conditions "
	    "read.\n", 1)) >= 0)
		return rc;
	if ((id = ctl_case_arg(argv[optind])) == 0) {
		fputs(WHY_USAGE, stderr);
		return 2;
	}
	if (ctl_may_read(c) != 0 || ctl_store(c) != 0)
		return 1;
	if ((rc = store_case_wf_get(c->store, id, &k)) != 0) {
		if (rc == INTAKE_ENOENT)
			fprintf(stderr, "intakectl: case %lld: no such case\n",
			    (long long)id);
		return 1;
	}
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

#define FIRE_USAGE "usage: intakectl fire [--comment TEXT] CASE EVENT\n"

int
cmd_fire(struct ctl *c, int argc, char **argv)
{
	struct engine_actor actor;
	struct engine e;
	struct ctl_wf w;
	const char *comment = NULL, *user;
	char **roles, *msg = NULL;
	size_t nroles;
	int64_t id;
	int rc;

	if ((rc = ctl_case_opts(c, argc, argv, FIRE_USAGE,
	    "\nFires a manual event on a case "
	    "(\"approve\", \"verified\", ...): the\ntransition "
	    "its state has for it is taken if one of your roles "
	    "may fire\nit and its condition holds; you and the "
	    "comment go into the history.\nRoles come from "
	    "<roles> in intake.conf(5).\n", 2, &comment, &id)) >= 0)
		return rc;
	if (wf_event_is_system(argv[optind + 1])) {
		fprintf(stderr, "intakectl: \"%s\" is raised by intake itself, "
		    "not by people\n", argv[optind + 1]);
		return 1;
	}
	roles = ctl_caller(c, &user, &nroles);
	if (nroles == 0) {
		fprintf(stderr, "intakectl: %s has no role in %s: ask an admin "
		    "to add you to <roles>\n", user, c->config.file ?
		    c->config.file : "the configuration");
		free(roles);
		return 1;
	}
	if (open_engine(c, &w, &e, false) != 0) {
		free(roles);
		return 1;
	}
	actor.user = user;
	actor.roles = roles;
	actor.nroles = nroles;
	rc = engine_fire(&e, id, argv[optind + 1], &actor, comment, now_ms(), &msg);
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
	free(roles);
	return rc == 0 ? 0 : 1;
}

#define MIGRATE_USAGE "usage: intakectl migrate CASE...\n"

int
cmd_migrate(struct ctl *c, int argc, char **argv)
{
	struct engine_actor actor;
	struct engine e;
	struct ctl_wf w;
	const char *user;
	char **roles;
	size_t nroles;
	int i, rc;

	if ((rc = ctl_json_only(c, argc, argv, MIGRATE_USAGE,
	    "Moves cases to the current version of their workflow, keeping "
	    "their state\n(which the new version must have).  A case keeps "
	    "the version it started\nwith until it is migrated.  Needs the "
	    "admin role.\n", -1)) >= 0)
		return rc;
	rc = 0;
	roles = ctl_caller(c, &user, &nroles);
	for (i = 0; i < (int)nroles && strcmp(roles[i], "admin") != 0; i++)
		;
	if (i == (int)nroles) {
		fprintf(stderr, "intakectl: migrating cases needs the admin "
		    "role, which %s does not have\n", user);
		free(roles);
		return 1;
	}
	if (open_engine(c, &w, &e, true) != 0) {
		free(roles);
		return 1;
	}
	actor.user = user;
	actor.roles = roles;
	actor.nroles = nroles;
	for (i = optind; i < argc; i++) {
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
	free(roles);
	return rc;
}
