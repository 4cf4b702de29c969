/*
 * catalog.c - the configuration, templates, roles and workflows a program
 * uses, loaded once and lent out (catalog.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "catalog.h"
#include "readset.h"

void
catalog_init(struct catalog *cat)
{
	memset(cat, 0, sizeof(*cat));
	config_init(&cat->conf);
	cat->config = &cat->conf;
}

void
catalog_init_config(struct catalog *cat, const struct config *c)
{
	memset(cat, 0, sizeof(*cat));
	config_init(&cat->conf);
	cat->config = c;
}

void
catalog_init_workflows(struct catalog *cat, const char *dir,
    const struct wf_context *ctx)
{
	catalog_init(cat);
	free(cat->conf.workflows);
	cat->conf.workflows = dir != NULL ? xstrdup(dir) : NULL;
	cat->ctx = *ctx;
	cat->loaded = CATALOG_ROLES | CATALOG_TEMPLATES;
}

int
catalog_load_config(struct catalog *cat, const char *path)
{
	cat->config = &cat->conf;
	return config_load(&cat->conf, path);
}

static void
tpl_path_release(struct tpl_path *tp)
{
	templates_free(tp->tpls, tp->nown);	/* the vector with them */
	free(tp->dirs);
	memset(tp, 0, sizeof(*tp));
}

/* Lint's note on a template another hides. */
static void
tpl_hidden_note(void *arg, const struct template *shown,
    const struct template *hidden)
{
	(void)arg;
	report_at(hidden->file, 0, "note: template \"%s\" is hidden by %s, "
	    "found before it", hidden->id, shown->file);
}

/* Adds line (or lines) at the end of *text (NULL: none yet). */
static void
lines_append(char **text, const char *line)
{
	char *more = *text == NULL ? xstrdup(line) :
	    xasprintf("%s\n%s", *text, line);

	free(*text);
	*text = more;
}

/* Loads the templates of the folders dirs into tp (its own), then adds
 * those of base (borrowed) whose forms they lack; the folders are named
 * in tp->dirs in that order. */
static int
tpl_path_load(struct catalog *cat, struct tpl_path *tp,
    char *const *dirs, size_t ndirs, const struct tpl_path *base)
{
	tpl_hidden_fn note = cat->tpl_notes ? tpl_hidden_note : NULL;
	size_t i, k;
	int rc;

	for (i = 0; i < ndirs; i++)
		lines_append(&tp->dirs, dirs[i]);
	rc = templates_load_path((const char *const *)dirs, ndirs, &tp->tpls,
	    &tp->ntpls, note, NULL);
	tp->nown = tp->ntpls;
	if (base == NULL)
		return rc;
	if (base->dirs != NULL)
		lines_append(&tp->dirs, base->dirs);
	for (i = 0; i < base->ntpls; i++) {
		for (k = 0; k < tp->nown; k++)
			if (strcmp(tp->tpls[k]->id, base->tpls[i]->id) == 0)
				break;
		if (k < tp->nown) {
			if (note != NULL)
				note(NULL, tp->tpls[k], base->tpls[i]);
			continue;
		}
		tp->tpls = xreallocarray(tp->tpls, tp->ntpls + 1,
		    sizeof(*tp->tpls));
		tp->tpls[tp->ntpls++] = base->tpls[i];
	}
	return rc;
}

/* Adds the templates of tp whose form cat->tpls lacks. */
static void
tpls_merge(struct catalog *cat, const struct tpl_path *tp)
{
	size_t i, k;

	for (i = 0; i < tp->ntpls; i++) {
		for (k = 0; k < cat->ntpls; k++)
			if (strcmp(cat->tpls[k]->id, tp->tpls[i]->id) == 0)
				break;
		if (k < cat->ntpls)
			continue;
		cat->tpls = xreallocarray(cat->tpls, cat->ntpls + 1,
		    sizeof(*cat->tpls));
		cat->tpls[cat->ntpls++] = tp->tpls[i];
	}
}

static void
templates_release(struct catalog *cat)
{
	size_t i;

	tpl_path_release(&cat->tpl_path);
	for (i = 0; i < cat->ninbox_paths; i++)
		tpl_path_release(&cat->inbox_paths[i]);
	free(cat->inbox_paths);
	cat->inbox_paths = NULL;
	cat->ninbox_paths = 0;
	free(cat->tpls);
	cat->tpls = NULL;
	cat->ntpls = 0;
}

/* Adds to v (*n so far) those of the folders l that can be read; the
 * configuration's check reports the others at their line. */
static void
dirs_usable(char **v, size_t *n, char *const *l, size_t nl)
{
	size_t i;

	for (i = 0; i < nl; i++) {
		readset_note_path(l[i]);
		if (access(l[i], R_OK | X_OK) == 0)
			v[(*n)++] = l[i];
	}
}

int
catalog_load_templates(struct catalog *cat)
{
	const struct config *c = cat->config;
	char **base = xcalloc(c->templates.n + 1, sizeof(*base)), **own;
	char *shipped = path_join(config_datadir(), "templates");
	size_t nbase = 0, nown, i;
	int rc = 0;

	templates_release(cat);
	dirs_usable(base, &nbase, c->templates.dirs, c->templates.n);
	if (c->shipped_templates)
		dirs_usable(base, &nbase, &shipped, 1);
	if (tpl_path_load(cat, &cat->tpl_path, base, nbase, NULL) != 0)
		rc = INTAKE_EINVAL;
	tpls_merge(cat, &cat->tpl_path);
	cat->inbox_paths = xcalloc(c->ninboxes + 1, sizeof(*cat->inbox_paths));
	cat->ninbox_paths = c->ninboxes;
	for (i = 0; i < c->ninboxes; i++) {
		const struct dir_list *l = &c->inboxes[i].templates;

		if (l->n == 0)
			continue;
		own = xcalloc(l->n, sizeof(*own));
		nown = 0;
		dirs_usable(own, &nown, l->dirs, l->n);
		if (tpl_path_load(cat, &cat->inbox_paths[i], own, nown,
		    &cat->tpl_path) != 0)
			rc = INTAKE_EINVAL;
		free(own);
		tpls_merge(cat, &cat->inbox_paths[i]);
	}
	free(shipped);
	free(base);
	cat->ctx.tpls = cat->tpls;
	cat->ctx.ntpls = cat->ntpls;
	cat->loaded |= CATALOG_TEMPLATES;
	return rc;
}

const struct tpl_path *
catalog_templates(const struct catalog *cat, const char *inbox)
{
	const struct config *c = cat->config;
	size_t i;

	for (i = 0; inbox != NULL && i < c->ninboxes &&
	    i < cat->ninbox_paths; i++)
		if (strcmp(c->inboxes[i].path, inbox) == 0 &&
		    cat->inbox_paths[i].dirs != NULL)
			return &cat->inbox_paths[i];
	return &cat->tpl_path;
}

void
catalog_load_roles(struct catalog *cat)
{
	free(cat->roles);
	cat->roles = NULL;
	cat->nroles = 0;
	if (cat->config->nroles > 0)
		cat->roles = config_role_names(cat->config, &cat->nroles);
	cat->ctx.roles = cat->roles;
	cat->ctx.nroles = cat->nroles;
	cat->loaded |= CATALOG_ROLES;
}

int
catalog_load_workflows(struct catalog *cat)
{
	if (!(cat->loaded & CATALOG_ROLES))
		catalog_load_roles(cat);
	cat->loaded |= CATALOG_WORKFLOWS;
	workflows_free(cat->wfs, cat->nwfs);
	cat->wfs = NULL;
	cat->nwfs = 0;
	free(cat->wf_dir);
	cat->wf_dir = config_workflows(cat->config);
	return workflows_load_dir(cat->wf_dir, &cat->ctx, &cat->wfs,
	    &cat->nwfs);
}

int
catalog_load(struct catalog *cat)
{
	char *dir;

	if (catalog_load_templates(cat) != 0)
		log_warn("templates: some could not be read: run intakectl "
		    "lint on the configuration");
	log_info("%zu form template%s", cat->ntpls, cat->ntpls == 1 ? "" : "s");
	dir = config_workflows(cat->config);
	if (access(dir, R_OK | X_OK) == 0) {
		if (catalog_load_workflows(cat) != 0)
			log_warn("workflows \"%s\": some could not be used: "
			    "run intakectl lint on them", dir);
	} else {
		log_warn("workflows \"%s\": %s: cases get no workflow", dir,
		    strerror(errno));
		catalog_load_roles(cat);
	}
	free(dir);
	return 0;
}

int
catalog_want(struct catalog *cat, unsigned what)
{
	int rc = 0;

	what &= ~cat->loaded;
	if ((what & CATALOG_TEMPLATES) && catalog_load_templates(cat) != 0)
		rc = INTAKE_EINVAL;
	if ((what & CATALOG_ROLES) && !(what & CATALOG_WORKFLOWS))
		catalog_load_roles(cat);
	if ((what & CATALOG_WORKFLOWS) && catalog_load_workflows(cat) != 0)
		rc = INTAKE_EINVAL;
	return rc;
}

int
catalog_reload_workflows(struct catalog *cat)
{
	struct workflow **old = cat->wfs;
	size_t nold = cat->nwfs, i;
	int rc;

	if (cat->wf_dir == NULL)
		return 0;
	cat->wfs = NULL;
	cat->nwfs = 0;
	rc = workflows_load_dir(cat->wf_dir, &cat->ctx, &cat->wfs, &cat->nwfs);
	for (i = 0; i < nold; i++) {
		struct workflow *wf = old[i];

		if (workflows_by_id(cat->wfs, cat->nwfs, wf->id) == NULL &&
		    access(wf->file, F_OK) == 0) {
			/* Its file is still there but no longer loads (an
			 * edit half done): new cases keep this version. */
			log_warn("workflow \"%s\": %s does not load; version %d "
			    "stays in use", wf->id, wf->file, wf->version);
			cat->wfs = xreallocarray(cat->wfs, cat->nwfs + 1,
			    sizeof(*cat->wfs));
			cat->wfs[cat->nwfs++] = wf;
		} else if (workflows_by_version(cat->wfs, cat->nwfs, wf->id,
		    wf->version) != NULL)
			workflow_free(wf);	/* read again, the same version */
		else {
			cat->retired = xreallocarray(cat->retired,
			    cat->nretired + 1, sizeof(*cat->retired));
			cat->retired[cat->nretired++] = wf;
		}
	}
	free(old);
	return rc;
}

void
catalog_release(struct catalog *cat)
{
	workflows_free(cat->wfs, cat->nwfs);
	workflows_free(cat->retired, cat->nretired);
	free(cat->wf_dir);
	free(cat->roles);
	templates_release(cat);
	config_release(&cat->conf);
	memset(cat, 0, sizeof(*cat));
}
