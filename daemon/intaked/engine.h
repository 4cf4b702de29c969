/*
 * engine.h - the workflow engine: moves cases through the workflows admins
 * wrote (workflow.h), keeps their clocks and explains every step in the
 * case's history.
 *
 * Every change of a case happens in one short write transaction: the
 * transition, the history entry, the timers and the actions it queues.
 * Actions run after it, each recorded when done.
 */
#ifndef INTAKE_ENGINE_H
#define INTAKE_ENGINE_H

#include "intake.h"
#include "catalog.h"
#include "workflow.h"
#include "store.h"

/*
 * The workflows an engine runs are a catalog's: borrowed
 * (engine_init_catalog: the daemon's, loaded once) or the engine's own
 * catalog of a folder (engine_init).  wfs and pinned are vectors of
 * pointers; own holds the workflows the engine itself read (recorded
 * versions from the database) and frees.
 */
struct engine {
	struct store	*store;
	const struct catalog *cat;	/* where the workflows come from; NULL
					 * in a zeroed engine that only reads
					 * recorded versions (engine_get),
					 * which may borrow one to find them
					 * loaded */
	struct catalog	*own_cat;	/* engine_init's, or NULL */
	struct wf_context ctx;		/* borrowed templates and roles */
	struct workflow	**wfs;		/* what new cases start with */
	size_t		 nwfs;
	struct workflow	**pinned;	/* older versions cases still use */
	size_t		 npinned;
	struct workflow	**own;		/* the ones this engine frees */
	size_t		 nown;
	struct engine_failed {		/* versions that could not be read */
		char	*id;
		int	 version;
		int64_t	 retry_ms;	/* monotonic */
	}		*failed;
	size_t		 nfailed;
	unsigned	 tries;		/* an action's attempts (5) */
	int64_t		 backoff_ms;	/* before its first retry (30 s) */
};

/* Who fires an event: a user with roles, or intake itself (user NULL). */
struct engine_actor {
	const char	*user;
	char *const	*roles;
	size_t		 nroles;
};

/* Loads the workflows of dir and records each version in the database;
 * a version whose text changed since it was recorded is refused (the
 * recorded text is kept).  Problems are printed; returns 0, or
 * INTAKE_EINVAL when some workflow could not be used (the others are). */
int	engine_init(struct engine *, struct store *, const char *dir,
	    const struct wf_context *);
/* The same with the workflows, templates and roles of cat, which the
 * engine borrows (cat must outlive it); 0 or INTAKE_EINVAL when a
 * recorded version differs. */
int	engine_init_catalog(struct engine *, struct store *,
	    const struct catalog *cat);
/* Reads dir again (SIGHUP), or with a catalog takes its workflows again
 * after catalog_reload_workflows(): new versions apply to new cases. */
int	engine_reload(struct engine *);
void	engine_release(struct engine *);
/* The workflow version a case runs (pinned ones read back from the
 * database, or the catalog's when it holds the same text); NULL after
 * reporting when it cannot be had. */
const struct workflow *engine_get(struct engine *, const char *id,
	    int version);

/* Inside the caller's transaction, gives a new case its workflow (the
 * inbox's, else the one for its form), puts it in the initial state and
 * fires "received" and then event (extracted, unknown-form or
 * extraction-failed).  A case no workflow applies to is left as it is
 * and the reason recorded. */
int	engine_start(struct engine *, int64_t case_id, const char *workflow,
	    const char *event, int64_t now_ms);
/* Fires event on a case in its own transaction.  Returns 0 when a
 * transition was taken (or, for an event intake raises, when nothing
 * waited for it: that is recorded in the history); INTAKE_ENOENT for an unknown case; INTAKE_EINVAL
 * when refused (a role missing, no such event in the state, no condition
 * holding, the case closed) with the reason in *msg (the caller's; may
 * be NULL). */
int	engine_fire(struct engine *, int64_t case_id, const char *event,
	    const struct engine_actor *, const char *comment, int64_t now_ms,
	    char **msg);
/* Whether the actor has one of the roles that may fire transition t. */
bool	engine_actor_may(const struct engine_actor *,
	    const struct wf_transition *);
/* Moves an open case to the current version of its workflow, into the
 * same state as that version defines it (queue, deadline, clock); the
 * version is recorded if it was not yet.  INTAKE_EINVAL with *msg when
 * refused. */
int	engine_migrate(struct engine *, int64_t case_id,
	    const struct engine_actor *, int64_t now_ms, char **msg);
/* Fires the timers due at now_ms, each once; *fired counts them. */
int	engine_run_timers(struct engine *, int64_t now_ms, size_t *fired);
/* What an attempt at an action came to: the plugin API's
 * INTAKE_PLUGIN_OK, _RETRY and _FAIL. */
#define ENGINE_ACTION_OK	0
#define ENGINE_ACTION_RETRY	(-1)
#define ENGINE_ACTION_FAIL	(-2)
/* Runs the built-in actions due at now_ms ("log") and claims up to max
 * of the others for intake-action: *out (the caller's, freed with
 * action_rows_free) holds *n of them, each to be ended by
 * engine_action_done(). */
int	engine_run_actions(struct engine *, int64_t now_ms, size_t max,
	    struct action_row **out, size_t *n);
/* Records an attempt at action a: done, or failed with note to be tried
 * again after a backoff; the last try (or ENGINE_ACTION_FAIL) fails it and
 * raises "action-failed" on its case. */
int	engine_action_done(struct engine *, const struct action_row *a,
	    int result, const char *note, int64_t now_ms);

#endif
