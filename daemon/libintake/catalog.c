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

int
catalog_load_templates(struct catalog *cat)
{
	int rc = 0;

	templates_free(cat->tpls, cat->ntpls);
	cat->tpls = NULL;
	cat->ntpls = 0;
	free(cat->tpl_dir);
	cat->tpl_dir = path_join(config_datadir(), "templates");
	if (access(cat->tpl_dir, R_OK | X_OK) == 0)
		rc = templates_load_dir(cat->tpl_dir, &cat->tpls, &cat->ntpls);
	else {
		free(cat->tpl_dir);
		cat->tpl_dir = NULL;
	}
	cat->ctx.tpls = cat->tpls;
	cat->ctx.ntpls = cat->ntpls;
	cat->loaded |= CATALOG_TEMPLATES;
	return rc;
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
		log_warn("templates \"%s\": some could not be read: run "
		    "intakectl lint on them", cat->tpl_dir);
	if (cat->tpl_dir != NULL)
		log_info("%zu form template%s from %s", cat->ntpls,
		    cat->ntpls == 1 ? "" : "s", cat->tpl_dir);
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
	templates_free(cat->tpls, cat->ntpls);
	free(cat->tpl_dir);
	config_release(&cat->conf);
	memset(cat, 0, sizeof(*cat));
}
