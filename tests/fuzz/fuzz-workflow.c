/*
 * fuzz-workflow.c - workflow definitions (libintake/workflow.c, with the
 * guards of libintake/expr.c and the calendars of calendar.c): the bytes
 * are one workflow, loaded from memory as a pinned version is, checked
 * against the shipped templates and three roles, then drawn and its
 * actions written as JSON.  Schemas and templates come from
 * $INTAKE_DATADIR; a holiday file is looked for beside
 * $INTAKE_DATADIR/workflows/.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fuzz.h"
#include "template.h"
#include "workflow.h"

static struct template **tpls;
static size_t ntpls;
static char clerk[] = "clerk", supervisor[] = "supervisor", admin[] = "admin";
static char *roles[] = { clerk, supervisor, admin };
static char *name;
static FILE *sink;

static void
release(void)
{
	templates_free(tpls, ntpls);
	free(name);
	if (sink != NULL)
		fclose(sink);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *dir = path_join(config_datadir(), "templates");

	(void)argc;
	(void)argv;
	(void)templates_load_dir(dir, &tpls, &ntpls);
	free(dir);
	name = xasprintf("%s/workflows/fuzz.xml", config_datadir());
	if ((sink = fopen("/dev/null", "w")) == NULL)
		fatal("cannot open /dev/null");
	atexit(release);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_context ctx = { tpls, ntpls, roles, 3 };
	struct workflow *wf;
	size_t i, k;

	if (workflow_load_memory((const char *)data, size, name, &ctx,
	    &wf) != 0)
		return 0;
	workflow_graph(wf, sink);
	for (i = 0; i < wf->nstates; i++)
		for (k = 0; k < wf->states[i].nenter; k++)
			free(wf_action_json(&wf->states[i].enter[k]));
	(void)workflows_for_form(&wf, 1, "BA-1");
	(void)workflow_state(wf, "received");
	workflow_free(wf);
	return 0;
}
