/*
 * workflow.h - XML state machines that admins write (intake-workflow(5)):
 * loading, checking their meaning (intakectl lint) and drawing them
 * (intakectl graph).  Running cases through them is the engine's (intaked/engine.c).
 */
#ifndef INTAKE_WORKFLOW_H
#define INTAKE_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "calendar.h"
#include "expr.h"

struct template;

/* An action on entry, exit or a transition: a plugin and its parameters
 * (the other attributes of <action>, in document order). */
struct wf_action {
	char		*use;
	char		**keys;
	char		**vals;
	size_t		 nparams;
	int		 line;
};

/* An action's parameters as one JSON object of strings (the caller's):
 * how they are queued and handed to intake-action. */
char	*wf_action_json(const struct wf_action *);

struct wf_transition {
	char		*on;		/* the event; NULL: decided on entry */
	char		*to;
	size_t		 to_idx;	/* index of the target state */
	char		*guard_text;	/* NULL: always */
	struct expr	*guard;
	char		**roles;	/* who may fire a manual event */
	size_t		 nroles;
	char		*label;
	struct wf_action *actions;
	size_t		 nactions;
	int		 line;
};

struct wf_state {
	char		*id;
	char		*description;
	bool		 initial, final;
	char		*queue;		/* NULL: no team's work list */
	int		 priority;
	char		**roles;	/* default roles of its manual events */
	size_t		 nroles;
	bool		 has_deadline, has_warn;
	struct duration	 deadline, warn;
	bool		 paused;	/* the case's clock stops here */
	struct wf_action *enter, *exit;
	size_t		 nenter, nexit;
	struct wf_transition *trans;
	size_t		 ntrans;
	int		 line;
};

struct workflow {
	char		*file;		/* where it was read from */
	char		*id;
	int		 version;
	char		*title;
	char		**forms;	/* applies to; "*": any other */
	size_t		 nforms;
	struct calendar	*cal;
	bool		 has_clock, has_clock_warn;
	struct duration	 clock, clock_warn;	/* the statutory clock */
	struct wf_state	*states;
	size_t		 nstates;
	size_t		 initial;
	char		*source;	/* the XML text, for version pinning */
	size_t		 source_len;
	char		 sha256[65];
};

/* Events intake raises itself; every other event is fired by a person. */
bool	wf_event_is_system(const char *event);

/* What a workflow is checked against: the form templates (fields named
 * in guards must exist in the forms it applies to) and, when known, the
 * roles the configuration gives to people (NULL: not checked). */
struct wf_context {
	struct template	**tpls;
	size_t		 ntpls;
	char		**roles;
	size_t		 nroles;
};

/* Loads and checks a workflow file; problems are printed to stderr as
 * "file:line: message" and INTAKE_EINVAL returned.  Warnings (printed as
 * "file:line: warning: ...") do not fail it.  *out is the caller's
 * (workflow_free). */
int	workflow_load(const char *path, const struct wf_context *,
	    struct workflow **out);
/* The same from text (a pinned version kept in the database); name is
 * the file it came from, for messages and relative holiday files. */
int	workflow_load_memory(const char *buf, size_t len, const char *name,
	    const struct wf_context *, struct workflow **out);
void	workflow_free(struct workflow *);
/* Loads every *.xml of dir in name order; bad ones are reported and
 * skipped (INTAKE_EINVAL, *out holding the good ones), as are two
 * workflows with the same id or claiming the same form. */
int	workflows_load_dir(const char *dir, const struct wf_context *,
	    struct workflow ***out, size_t *n);
void	workflows_free(struct workflow **, size_t n);
/* The workflow for a case of form (NULL: unclassified): the one naming
 * the form, else one applying to "*"; NULL when none applies. */
struct workflow *workflows_for_form(struct workflow **, size_t n,
	    const char *form);
struct workflow *workflows_by_id(struct workflow **, size_t n,
	    const char *id);
/* The one of id and version among v (borrowed), or NULL. */
struct workflow *workflows_by_version(struct workflow **, size_t n,
	    const char *id, int version);
/* A state by id, or NULL. */
const struct wf_state *workflow_state(const struct workflow *,
	    const char *id);
/* Writes the workflow as a Graphviz digraph. */
void	workflow_graph(const struct workflow *, FILE *);

#endif
