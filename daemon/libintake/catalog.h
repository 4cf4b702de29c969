/*
 * catalog.h - what a program is configured with, loaded once and lent out:
 * the configuration, the installed form templates, the role names, the
 * workflows and, through them, their holidays.
 *
 * Ownership: the catalog owns everything it holds.  Callers borrow it by
 * `const struct catalog *` and never free or change what they read; what
 * they borrow stays valid until catalog_release(), with one exception
 * said at catalog_reload_workflows().
 */
#ifndef INTAKE_CATALOG_H
#define INTAKE_CATALOG_H

#include "intake.h"
#include "template.h"
#include "workflow.h"

/* A search path of template folders and the templates found along it
 * (a template of a form found before hides a later one). */
struct tpl_path {
	char		*dirs;		/* the folders, one a line, as a job
					 * names them; NULL: none */
	struct template	**tpls;		/* the first nown ours, the rest
					 * borrowed from the installation's */
	size_t		 ntpls;
	size_t		 nown;
};

struct catalog {
	/* The configuration: conf itself, or one the caller lent to
	 * catalog_init_config() (then it is the caller's and must outlive
	 * the catalog). */
	const struct config *config;
	struct config	 conf;		/* ours; the owner may adjust it (command-line
					 * options) before loading the rest */
	struct tpl_path	 tpl_path;	/* the installation's templates */
	struct tpl_path	*inbox_paths;	/* one per inbox of the configuration,
					 * in its order; dirs NULL: the inbox
					 * has no folder of its own */
	size_t		 ninbox_paths;
	struct template	**tpls;		/* every form some path finds: the
					 * installation's, then the other forms
					 * of the inboxes' (the vector ours,
					 * the templates their paths') */
	size_t		 ntpls;
	bool		 tpl_notes;	/* say which templates others hide
					 * ("file: note: ..."), for lint */
	char		**roles;	/* the role names (vector ours, names the
					 * configuration's) */
	size_t		 nroles;
	char		*wf_dir;	/* the workflows' folder; NULL: not loaded */
	struct workflow	**wfs;		/* the current workflows; each owns its
					 * calendar (workdays and holidays) */
	size_t		 nwfs;
	struct wf_context ctx;		/* the templates and roles the workflows
					 * are checked against */
	struct workflow	**retired;	/* versions a reload replaced, kept for
					 * whoever still holds them */
	size_t		 nretired;
	unsigned	 loaded;	/* CATALOG_* loaded so far */
};

/* What catalog_want() loads. */
#define CATALOG_ROLES		0x1u
#define CATALOG_TEMPLATES	0x2u
#define CATALOG_WORKFLOWS	0x4u	/* with the roles, and checked against
					 * the templates when they are loaded */

/* Fills cat with the built-in configuration (config_init) and nothing
 * else loaded. */
void	catalog_init(struct catalog *cat);
/* Fills cat around a configuration the caller owns and keeps (c must
 * outlive the catalog; catalog_release() does not release it). */
void	catalog_init_config(struct catalog *cat, const struct config *c);
/* Fills cat for the workflows of dir alone (NULL: none), checked
 * against ctx (the caller's, borrowed: its templates and roles are not
 * loaded nor freed here); then catalog_load_workflows(). */
void	catalog_init_workflows(struct catalog *cat, const char *dir,
	    const struct wf_context *ctx);
/* Loads the configuration file path into cat->conf (config_load):
 * problems are printed as "file:line: message"; 0 or INTAKE_EINVAL. */
int	catalog_load_config(struct catalog *cat, const char *path);

/* Loads, once, those of what that are not loaded yet (templates before
 * workflows); problems are printed.  0, or INTAKE_EINVAL when something
 * did not load (the rest is held). */
int	catalog_want(struct catalog *cat, unsigned what);
/* Takes the role names from the configuration (no file is read). */
void	catalog_load_roles(struct catalog *cat);
/* Loads the templates: for the installation, the folders of <templates>
 * and then the shipped ones (<datadir>/templates, unless shipped="no" or
 * it cannot be read); for each inbox with folders of its own, those and
 * then the installation's.  Problems are printed; 0, or INTAKE_EINVAL when
 * some template did not load (the others are held). */
int	catalog_load_templates(struct catalog *cat);
/* The templates the inbox of that path (NULL: none) reads with: its own
 * search path, or the installation's. */
const struct tpl_path *catalog_templates(const struct catalog *cat,
	    const char *inbox);
/* Takes the role names from the configuration (unless they are loaded)
 * and loads the workflows of the configured folder (config_workflows),
 * checked against the templates loaded before and the roles.  Problems are printed; 0, or
 * INTAKE_EINVAL when some workflow could not be used (the others are
 * held). */
int	catalog_load_workflows(struct catalog *cat);
/* What the daemon loads: the templates and, when their folder can be
 * read, the workflows; problems are printed and summed up in the log
 * (run intakectl lint), never fatal.  Returns 0. */
int	catalog_load(struct catalog *cat);
/* Reads the workflows' folder again (SIGHUP); the templates and roles
 * stay.  A workflow whose file is still there but no longer loads (an
 * edit half done) keeps its loaded version.  A version replaced by a
 * newer one stays valid until catalog_release() (cases in flight use it);
 * the vector cat->wfs and the versions that are the same as before are
 * new: a borrower takes them again (engine_reload) before using them.
 * 0, or INTAKE_EINVAL when some workflow could not be used. */
int	catalog_reload_workflows(struct catalog *cat);
/* Frees everything the catalog owns (and its configuration if it is
 * cat->conf). */
void	catalog_release(struct catalog *cat);

#endif
