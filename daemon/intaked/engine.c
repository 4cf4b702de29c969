/*
 * engine.c - the workflow engine.
 *
 * An event on a case picks the first transition of its state that names
 * the event, that the actor's roles allow and whose guard holds; the case
 * then leaves its state (on-exit actions), takes the transition (its
 * actions) and enters the next (on-enter actions, queue, deadline timers,
 * the statutory clock paused or running), after which transitions without
 * an event are decided, first match in document order, at most one step
 * more than the workflow has states (more would visit a state twice).  Each step is one history entry that
 * says why, with the values the guard read.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "engine.h"
#include "store.h"

#define WF_BATCH	256	/* timers or actions taken per call */
#define WF_ROUNDS	16	/* rounds of a case's built-in actions per call */

/* One event being handled on one case, inside a transaction. */
struct run {
	struct engine *e;
	const struct workflow *wf;
	struct case_wf	 c;
	const char	*actor;		/* "system" or the user */
	const char	*comment;
	int64_t		 now;
	/* the case's fields, read when a guard first needs them */
	bool		 have_fields;
	char		**fname, **fvalue, **fstatus;
	double		*fconf;
	size_t		 nfields;
};

static void
run_release(struct run *r)
{
	strv_free(r->fname, r->nfields);
	strv_free(r->fvalue, r->nfields);
	strv_free(r->fstatus, r->nfields);
	free(r->fconf);
	case_wf_release(&r->c);
}

static int
field_add(const struct field_row *f, void *arg)
{
	struct run *r = arg;
	size_t n = r->nfields + 1;

	r->fname = xreallocarray(r->fname, n, sizeof(*r->fname));
	r->fvalue = xreallocarray(r->fvalue, n, sizeof(*r->fvalue));
	r->fstatus = xreallocarray(r->fstatus, n, sizeof(*r->fstatus));
	r->fconf = xreallocarray(r->fconf, n, sizeof(*r->fconf));
	r->fname[r->nfields] = xstrdup(f->name);
	r->fvalue[r->nfields] = xstrdup(f->value ? f->value : "");
	r->fstatus[r->nfields] = xstrdup(f->status ? f->status : "");
	r->fconf[r->nfields] = f->confidence;
	r->nfields = n;
	return 0;
}

static bool
env_field(void *arg, const char *name, const char **value,
    const char **status, double *confidence)
{
	struct run *r = arg;
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fname[i], name) == 0) {
			*value = r->fvalue[i];
			*status = r->fstatus[i];
			*confidence = r->fconf[i];
			return true;
		}
	return false;
}

static bool
env_duplicate(void *arg, const char *const *names, const char *const *values,
    size_t n, int64_t *other)
{
	struct run *r = arg;

	if (r->c.form == NULL)
		return false;
	return store_case_duplicate(r->e->store, r->c.id, r->c.form, names,
	    values, n, other) == 0;
}

/* Evaluates a transition's guard; *why gets the explanation (or NULL). */
static int
guard_holds(struct run *r, const struct wf_transition *t, bool *holds,
    char **why)
{
	struct expr_env env;
	int rc;

	*why = NULL;
	*holds = true;
	if (t->guard == NULL)
		return 0;
	if (!r->have_fields) {
		if ((rc = store_case_fields(r->e->store, r->c.id, field_add,
		    r)) != 0)
			return rc;
		r->have_fields = true;
	}
	memset(&env, 0, sizeof(env));
	env.field = env_field;
	env.duplicate = env_duplicate;
	env.arg = r;
	env.form = r->c.form ? r->c.form : "";
	env.pages = r->c.pages;
	env.flagged = r->c.flagged;
	env.problems = r->c.problems;
	env.now_ms = r->now;
	env.created_ms = r->c.created_ms;
	env.state_since_ms = r->c.state_since_ms;
	return expr_eval(t->guard, &env, holds, why);
}

static int
history(struct run *r, const char *kind, const char *event, const char *from,
    const char *to, const char *why, int *seq)
{
	struct history_row h;

	memset(&h, 0, sizeof(h));
	h.case_id = r->c.id;
	h.at_ms = r->now;
	h.actor = r->actor;
	h.kind = kind;
	h.event = event;
	h.from = from;
	h.to = to;
	h.why = why;
	h.comment = r->comment;
	return store_history_add(r->e->store, &h, seq);
}

static int
queue_actions(struct run *r, const struct wf_action *v, size_t n, int seq)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		char *params = wf_action_json(&v[i]);

		rc = store_action_add(r->e->store, r->c.id, seq, v[i].use,
		    params, r->now);
		free(params);
	}
	return rc;
}

/* A deadline counted into a year the workflow's holidays file does not
 * list skips no holiday there: said in the log, by ids, each time. */
static int64_t
due(const struct run *r, int64_t from_ms, const struct duration *d)
{
	int64_t at = calendar_add(r->wf->cal, from_ms, d);
	int year = calendar_unlisted_year(r->wf->cal, from_ms, at);

	if (year != 0)
		log_warn("case %lld: workflow \"%s\": its holidays file lists "
		    "none in %d, where a deadline falls: counted without "
		    "holidays; add the year to the file", (long long)r->c.id,
		    r->wf->id, year);
	return at;
}

/* Sets the timers of a state just entered and pauses or restarts the
 * statutory clock; from is NULL when the case starts. */
static int
enter_clocks(struct run *r, const struct wf_state *from,
    const struct wf_state *to, int64_t *deadline)
{
	struct store *st = r->e->store;
	const struct workflow *wf = r->wf;
	int rc;

	*deadline = 0;
	if ((rc = store_timer_clear(st, r->c.id, "deadline")) != 0 ||
	    (rc = store_timer_clear(st, r->c.id, "warning")) != 0)
		return rc;
	if (to->final)
		return store_timer_clear(st, r->c.id, NULL);
	if (to->has_deadline) {
		*deadline = due(r, r->now, &to->deadline);
		if ((rc = store_timer_set(st, r->c.id, "deadline",
		    *deadline)) != 0)
			return rc;
	}
	if (to->has_warn && (rc = store_timer_set(st, r->c.id, "warning",
	    calendar_add(wf->cal, r->now, &to->warn))) != 0)
		return rc;
	if (from == NULL && wf->has_clock) {
		if ((rc = store_timer_set(st, r->c.id, "overdue",
		    due(r, r->c.created_ms, &wf->clock))) != 0)
			return rc;
		if (wf->has_clock_warn && (rc = store_timer_set(st, r->c.id,
		    "overdue-warning", calendar_add(wf->cal, r->c.created_ms,
		    &wf->clock_warn))) != 0)
			return rc;
	}
	if ((from == NULL || !from->paused) && to->paused)
		return store_timers_pause(st, r->c.id, r->now, true);
	if (from != NULL && from->paused && !to->paused)
		return store_timers_pause(st, r->c.id, r->now, false);
	return 0;
}

/* Takes transition t out of the current state (NULL t: the start). */
static int
take(struct run *r, const struct wf_state *from, const struct wf_transition *t,
    const char *event, const char *why)
{
	const struct wf_state *to = t ? &r->wf->states[t->to_idx] :
	    &r->wf->states[r->wf->initial];
	int64_t deadline;
	int seq = 0, rc;

	if ((rc = history(r, t ? "transition" : "start", event,
	    from ? from->id : NULL, to->id, why, &seq)) != 0)
		return rc;
	if (from != NULL && (rc = queue_actions(r, from->exit, from->nexit,
	    seq)) != 0)
		return rc;
	if (t != NULL && (rc = queue_actions(r, t->actions, t->nactions,
	    seq)) != 0)
		return rc;
	if ((rc = queue_actions(r, to->enter, to->nenter, seq)) != 0 ||
	    (rc = enter_clocks(r, from, to, &deadline)) != 0 ||
	    (rc = store_case_enter(r->e->store, r->c.id, to->id, to->queue,
	    to->priority, r->now, deadline, to->final)) != 0)
		return rc;
	free(r->c.state);
	r->c.state = xstrdup(to->id);
	r->c.state_since_ms = r->now;
	r->c.closed_ms = to->final ? r->now : 0;
	/* Not why: it holds the values the guards read, which only the
	 * history keeps. */
	log_info("case %lld: %s%s%s -> %s", (long long)r->c.id,
	    from ? from->id : "start", event ? " on " : "", event ? event : "",
	    to->id);
	return 0;
}

bool
engine_actor_may(const struct engine_actor *a, const struct wf_transition *t)
{
	size_t i, k;

	for (i = 0; i < t->nroles; i++)
		for (k = 0; k < a->nroles; k++)
			if (strcmp(t->roles[i], a->roles[k]) == 0)
				return true;
	return false;
}

/* Appends "; text" to a growing explanation. */
static void
why_add(char **acc, const char *text)
{
	char *s;

	if (text == NULL)
		return;
	if (*acc != NULL && strlen(*acc) > 2000)
		return;
	s = xasprintf("%s%s%s", *acc ? *acc : "", *acc ? "; " : "", text);
	free(*acc);
	*acc = s;
}

/*
 * Chooses among the transitions of the current state for event (NULL:
 * those without an event).  *chosen is NULL when none may be taken;
 * *why then says why not (the guards that failed), else why it was.
 */
static int
choose(struct run *r, const char *event, const struct engine_actor *actor,
    const struct wf_transition **chosen, char **why, bool *no_role)
{
	const struct wf_state *s = workflow_state(r->wf, r->c.state);
	char *failed = NULL, *expl;
	size_t i;
	bool holds, any_role = false, named = false;
	int rc;

	*chosen = NULL;
	*why = NULL;
	*no_role = false;
	for (i = 0; s != NULL && i < s->ntrans; i++) {
		const struct wf_transition *t = &s->trans[i];

		if ((event == NULL) != (t->on == NULL) ||
		    (event != NULL && strcmp(t->on, event) != 0))
			continue;
		named = true;
		if (actor != NULL && actor->user != NULL &&
		    !engine_actor_may(actor, t))
			continue;
		any_role = true;
		if ((rc = guard_holds(r, t, &holds, &expl)) != 0) {
			free(failed);
			return rc;
		}
		if (holds) {
			*chosen = t;
			if (expl == NULL && failed != NULL)
				*why = xasprintf("no earlier condition held: %s",
				    failed);
			else
				*why = expl;
			free(failed);
			return 0;
		}
		why_add(&failed, expl);
		free(expl);
	}
	*no_role = named && !any_role;
	*why = failed;
	return 0;
}

/* Decides transitions without an event until none holds. */
static int
settle(struct run *r)
{
	const struct wf_transition *t;
	char *why, *path = NULL;
	size_t steps;
	bool no_role;
	int rc;

	for (steps = 0; steps <= r->wf->nstates; steps++) {
		const struct wf_state *from = workflow_state(r->wf, r->c.state);

		if (from == NULL || from->final)
			break;
		if ((rc = choose(r, NULL, NULL, &t, &why, &no_role)) != 0)
			goto out;
		if (t == NULL) {
			free(why);
			break;
		}
		why_add(&path, from->id);
		r->actor = "system";	/* the steps that follow are intake's */
		r->comment = NULL;
		rc = take(r, from, t, NULL, why ? why : "decided on entry");
		free(why);
		if (rc != 0)
			goto out;
	}
	rc = 0;
	if (steps > r->wf->nstates) {
		char *note = xasprintf("stopped after %zu automatic steps "
		    "through %s: the workflow's conditions loop", steps, path);

		rc = history(r, "note", NULL, r->c.state, NULL, note, NULL);
		log_warn("case %lld: %s", (long long)r->c.id, note);
		free(note);
	}
out:
	free(path);
	return rc;
}

static char *
events_here(const struct workflow *wf, const char *state)
{
	const struct wf_state *s = workflow_state(wf, state);
	char *list = NULL;
	size_t i;

	for (i = 0; s != NULL && i < s->ntrans; i++)
		if (s->trans[i].on != NULL && !wf_event_is_system(s->trans[i].on))
			why_add(&list, s->trans[i].on);
	return list;
}

/* Handles one event on the case r holds, in the caller's transaction. */
static int
fire_locked(struct run *r, const char *event, const struct engine_actor *actor,
    char **msg)
{
	const struct wf_state *from = workflow_state(r->wf, r->c.state);
	const struct wf_transition *t;
	bool manual = actor != NULL && actor->user != NULL, no_role;
	char *why;
	int rc;

	if (from == NULL) {
		*msg = xasprintf("case %lld is in state \"%s\", which workflow "
		    "\"%s\" version %d does not have", (long long)r->c.id,
		    r->c.state, r->wf->id, r->wf->version);
		return INTAKE_EINVAL;
	}
	if (r->c.closed_ms != 0 && manual) {
		*msg = xasprintf("case %lld is closed (final state \"%s\")",
		    (long long)r->c.id, r->c.state);
		return INTAKE_EINVAL;
	}
	if ((rc = choose(r, event, actor, &t, &why, &no_role)) != 0)
		return rc;
	if (t == NULL) {
		if (manual) {
			char *list = events_here(r->wf, r->c.state);

			if (no_role)
				*msg = xasprintf("case %lld: event \"%s\" in "
				    "state \"%s\" needs another role than %s's",
				    (long long)r->c.id, event, r->c.state,
				    actor->user);
			else if (why != NULL)
				*msg = xasprintf("case %lld: event \"%s\": no "
				    "condition holds (%s)", (long long)r->c.id,
				    event, why);
			else
				*msg = xasprintf("case %lld is in state \"%s\", "
				    "which has no event \"%s\" (events here: "
				    "%s)", (long long)r->c.id, r->c.state, event,
				    list ? list : "none");
			free(list);
			free(why);
			return INTAKE_EINVAL;
		}
		/* A system event nothing waits for is recorded, not lost. */
		if (strcmp(event, "received") != 0 && r->c.closed_ms == 0) {
			char *note = xasprintf("no transition on \"%s\" in "
			    "state \"%s\"%s%s", event, r->c.state,
			    why ? ": " : "", why ? why : "");

			rc = history(r, "ignored", event, r->c.state, NULL, note,
			    NULL);
			free(note);
		}
		free(why);
		return rc;
	}
	rc = take(r, from, t, event, why);
	free(why);
	if (rc == 0)
		rc = settle(r);
	return rc;
}

/* Loads the case and its workflow for a run. */
static int
run_open(struct engine *e, int64_t case_id, const char *actor,
    const char *comment, int64_t now, struct run *r, char **msg)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->e = e;
	r->actor = actor ? actor : "system";
	r->comment = comment;
	r->now = now;
	if ((rc = store_case_wf_get(e->store, case_id, &r->c)) != 0) {
		if (rc == INTAKE_ENOENT)
			*msg = xasprintf("case %lld: no such case",
			    (long long)case_id);
		return rc;
	}
	if (r->c.workflow == NULL) {
		*msg = xasprintf("case %lld has no workflow (none applied when "
		    "it was opened)", (long long)case_id);
		return INTAKE_EINVAL;
	}
	if ((r->wf = engine_get(e, r->c.workflow, r->c.version)) == NULL) {
		*msg = xasprintf("case %lld: workflow \"%s\" version %d cannot "
		    "be read (see the log)", (long long)case_id, r->c.workflow,
		    r->c.version);
		return INTAKE_ERR;
	}
	return 0;
}

int
engine_start(struct engine *e, int64_t case_id, const char *workflow,
    const char *event, int64_t now)
{
	struct workflow *wf = NULL;
	struct run r;
	char *why, *msg = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.e = e;
	r.actor = "system";
	r.now = now;
	if ((rc = store_case_wf_get(e->store, case_id, &r.c)) != 0)
		return rc;
	if (workflow != NULL &&
	    (wf = workflows_by_id(e->wfs, e->nwfs, workflow)) == NULL)
		log_warn("case %lld: the inbox's workflow \"%s\" is not loaded; "
		    "choosing by form", (long long)case_id, workflow);
	if (wf == NULL)
		wf = workflows_for_form(e->wfs, e->nwfs, r.c.form);
	if (wf == NULL) {
		why = xasprintf("no workflow applies to %s%s%s", r.c.form ?
		    "form \"" : "unclassified deliveries", r.c.form ? r.c.form :
		    "", r.c.form ? "\"" : "");
		rc = history(&r, "note", event, r.c.state, NULL, why, NULL);
		free(why);
		run_release(&r);
		return rc;
	}
	r.wf = wf;
	why = xasprintf("workflow \"%s\" version %d%s%s%s", wf->id,
	    wf->version, workflow ? " (the inbox's)" : r.c.form ?
	    " for form \"" : " for unclassified deliveries",
	    workflow ? "" : r.c.form ? r.c.form : "",
	    workflow == NULL && r.c.form ? "\"" : "");
	if ((rc = store_case_set_workflow(e->store, case_id, wf->id,
	    wf->version)) != 0 || (rc = take(&r, NULL, NULL, "received",
	    why)) != 0 || (rc = settle(&r)) != 0)
		goto out;
	if (r.c.closed_ms == 0 &&
	    (rc = fire_locked(&r, "received", NULL, &msg)) == 0 &&
	    r.c.closed_ms == 0 && event != NULL)
		rc = fire_locked(&r, event, NULL, &msg);
out:
	if (msg != NULL) {
		log_warn("%s", msg);
		free(msg);
	}
	free(why);
	run_release(&r);
	return rc;
}

int
engine_fire(struct engine *e, int64_t case_id, const char *event,
    const struct engine_actor *actor, const char *comment, int64_t now,
    char **msg)
{
	struct run r;
	char *m = NULL;
	int rc;

	if ((rc = store_begin(e->store)) != 0)
		return rc;
	if ((rc = run_open(e, case_id, actor ? actor->user : NULL, comment, now,
	    &r, &m)) == 0)
		rc = fire_locked(&r, event, actor, &m);
	if (rc == 0)
		rc = store_commit(e->store);
	if (rc != 0)
		store_rollback(e->store);
	run_release(&r);
	if (msg != NULL)
		*msg = m;
	else
		free(m);
	return rc;
}

int
engine_migrate(struct engine *e, int64_t case_id, const struct engine_actor *actor,
    int64_t now, char **msg)
{
	const struct workflow *to;
	const struct wf_state *from, *into;
	char *why = NULL, *sha = NULL;
	struct run r;
	int64_t deadline;
	int rc;

	*msg = NULL;
	if ((rc = store_begin(e->store)) != 0)
		return rc;
	if ((rc = run_open(e, case_id, actor ? actor->user : NULL, NULL, now,
	    &r, msg)) != 0)
		goto fail;
	rc = INTAKE_EINVAL;
	to = workflows_by_id(e->wfs, e->nwfs, r.c.workflow);
	if (to == NULL) {
		*msg = xasprintf("case %lld: workflow \"%s\" is no longer in the "
		    "workflow folder", (long long)case_id, r.c.workflow);
		goto fail;
	}
	if (to->version <= r.c.version) {
		*msg = xasprintf("case %lld already runs version %d of workflow "
		    "\"%s\", the folder's is %d", (long long)case_id,
		    r.c.version, to->id, to->version);
		goto fail;
	}
	if (r.c.closed_ms != 0) {
		*msg = xasprintf("case %lld is closed (final state \"%s\")",
		    (long long)case_id, r.c.state);
		goto fail;
	}
	if ((into = workflow_state(to, r.c.state)) == NULL) {
		*msg = xasprintf("case %lld: version %d of workflow \"%s\" has "
		    "no state \"%s\"; move the case to a state both versions "
		    "have first", (long long)case_id, to->version, to->id,
		    r.c.state);
		goto fail;
	}
	/* The version must be the one recorded, or be recorded now. */
	if ((rc = store_workflow_get(e->store, to->id, to->version, &sha, NULL,
	    NULL)) == INTAKE_ENOENT)
		rc = store_workflow_put(e->store, to->id, to->version, to->file,
		    to->sha256, to->source);
	else if (rc == 0 && strcmp(sha, to->sha256) != 0) {
		*msg = xasprintf("case %lld: %s differs from the recorded "
		    "version %d of workflow \"%s\": raise its version",
		    (long long)case_id, to->file, to->version, to->id);
		rc = INTAKE_EINVAL;
	}
	if (rc != 0)
		goto fail;
	/* The case enters its state as the new version defines it. */
	from = workflow_state(r.wf, r.c.state);
	why = xasprintf("migrated from version %d to version %d of workflow "
	    "\"%s\"", r.c.version, to->version, to->id);
	r.wf = to;
	if ((rc = store_case_set_workflow(e->store, case_id, to->id,
	    to->version)) != 0 ||
	    (rc = history(&r, "note", NULL, r.c.state, r.c.state, why,
	    NULL)) != 0 ||
	    (rc = enter_clocks(&r, from, into, &deadline)) != 0 ||
	    (rc = store_case_enter(e->store, case_id, into->id, into->queue,
	    into->priority, now, deadline, into->final)) != 0 ||
	    (rc = store_commit(e->store)) != 0)
		goto fail;
	free(why);
	free(sha);
	run_release(&r);
	return 0;
fail:
	store_rollback(e->store);
	free(why);
	free(sha);
	run_release(&r);
	return rc;
}

int
engine_run_timers(struct engine *e, int64_t now, size_t *fired)
{
	struct timer_row *v = NULL;
	size_t n = 0, i;
	int rc;

	*fired = 0;
	if ((rc = store_timers_due(e->store, now, WF_BATCH, &v, &n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		struct run r;
		char *msg = NULL;

		if ((rc = store_begin(e->store)) != 0)
			break;
		/* Taking the timer and acting on it commit together: once. */
		if ((rc = store_timer_take(e->store, &v[i])) == 0 &&
		    (rc = run_open(e, v[i].case_id, NULL, NULL, now, &r,
		    &msg)) == 0) {
			rc = fire_locked(&r, v[i].kind, NULL, &msg);
			run_release(&r);
		}
		if (rc == 0 || rc == INTAKE_EINVAL) {
			if (msg != NULL)
				log_warn("%s", msg);
			if ((rc = store_commit(e->store)) == 0)
				(*fired)++;
		}
		if (rc != 0)
			store_rollback(e->store);
		free(msg);
		if (rc == INTAKE_EBUSY)
			break;
	}
	free(v);
	return rc == INTAKE_EBUSY ? rc : 0;
}

/* The built-in action "log": a line in the log and the history. */
static int
action_log(const struct action_row *a, char **note)
{
	char *msg = json_get_str(a->params, "message");

	log_info("case %lld: %s", (long long)a->case_id, msg ? msg : "(log)");
	*note = xasprintf("log: %s", msg ? msg : "");
	free(msg);
	return ENGINE_ACTION_OK;
}

/* The pause before retry number n (1, 2, ...): the backoff, doubling,
 * at most a day. */
static int64_t
backoff(const struct engine *e, int n)
{
	int64_t ms = e->backoff_ms;

	while (--n > 0 && ms < 86400000)
		ms *= 2;
	return ms < 86400000 ? ms : 86400000;
}

int
engine_action_done(struct engine *e, const struct action_row *a, int result,
    const char *note, int64_t now)
{
	struct run r;
	char *msg = NULL;
	bool ok = result == ENGINE_ACTION_OK, last;
	int rc;

	last = !ok && (result == ENGINE_ACTION_FAIL ||
	    (unsigned)a->attempts + 1 >= e->tries);
	if ((rc = store_begin(e->store)) != 0)
		return rc;
	/* Recorded only with its case and workflow at hand, so that
	 * action-failed is raised in the same turn. */
	if ((rc = run_open(e, a->case_id, NULL, NULL, now, &r, &msg)) == 0) {
		rc = store_action_done(e->store, a->id, ok ? "done" : last ?
		    "failed" : "pending", ok ? NULL : note, ok || last ? 0 :
		    now + backoff(e, a->attempts + 1), now);
		if (rc == 0)
			rc = history(&r, "action", NULL, r.c.state, NULL, note,
			    NULL);
		if (rc == 0 && last)
			rc = fire_locked(&r, "action-failed", NULL, &msg);
		run_release(&r);
	} else if (rc == INTAKE_ENOENT) {
		/* The case is gone: the action with it. */
		rc = store_action_done(e->store, a->id, "failed", note, 0, now);
	}
	if (rc == 0)
		rc = store_commit(e->store);
	if (rc != 0)
		store_rollback(e->store);
	if (msg != NULL)
		log_warn("%s", msg);
	free(msg);
	if (rc != 0)
		log_warn("case %lld: action %lld (%s): its end could not be "
		    "recorded; it runs again", (long long)a->case_id,
		    (long long)a->id, a->plugin);
	else if (ok)
		log_debug("case %lld: action %lld (%s) done",
		    (long long)a->case_id, (long long)a->id, a->plugin);
	else	/* the note (a recipient, a file name) only in the history */
		log_warn("case %lld: action %lld (%s) %s (intakectl why %lld "
		    "says why)", (long long)a->case_id, (long long)a->id,
		    a->plugin, last ? "failed for good" :
		    "failed, to be tried again", (long long)a->case_id);
	return rc;
}

int
engine_run_actions(struct engine *e, int64_t now, size_t max,
    struct action_row **out, size_t *nout)
{
	struct action_row *v = NULL;
	size_t n = 0, i, round;
	bool again = true;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	/* A case's actions run in order: one done here in the daemon lets
	 * the next of its case be looked at in the next round. */
	for (round = 0; again && round < WF_ROUNDS && rc == 0; round++) {
		again = false;
		if ((rc = store_actions_due(e->store, now, WF_BATCH, &v,
		    &n)) != 0)
			break;
		*out = xreallocarray(*out, *nout + n + 1, sizeof(**out));
		for (i = 0; i < n && rc != INTAKE_EBUSY; i++) {
			char *note = NULL;

			if (strcmp(v[i].plugin, "log") == 0) {
				int result = action_log(&v[i], &note);

				rc = engine_action_done(e, &v[i], result, note, now);
				free(note);
				again = rc == 0;
				continue;
			}
			if (*nout >= max)
				continue;
			if ((rc = store_begin(e->store)) != 0)
				break;
			if ((rc = store_action_claim(e->store, v[i].id,
			    now)) == 0 && (rc = store_commit(e->store)) == 0) {
				/* Handed over: the caller's now. */
				(*out)[(*nout)++] = v[i];
				v[i].plugin = v[i].params = NULL;
				continue;
			}
			store_rollback(e->store);
			rc = rc == INTAKE_ENOENT ? 0 : rc;
		}
		action_rows_free(v, n);
		v = NULL;
	}
	return rc == INTAKE_EBUSY ? rc : 0;
}

/* Makes wf one the engine frees. */
static void
own_add(struct engine *e, struct workflow *wf)
{
	e->own = xreallocarray(e->own, e->nown + 1, sizeof(*e->own));
	e->own[e->nown++] = wf;
}

static bool
own_has(const struct engine *e, const struct workflow *wf)
{
	size_t i;

	for (i = 0; i < e->nown; i++)
		if (e->own[i] == wf)
			return true;
	return false;
}

/* Keeps wf findable by engine_get() for the cases that run it. */
static void
pin(struct engine *e, struct workflow *wf)
{
	e->pinned = xreallocarray(e->pinned, e->npinned + 1,
	    sizeof(*e->pinned));
	e->pinned[e->npinned++] = wf;
}

/* Frees wf when it is the engine's own (a borrowed one is left alone). */
static void
own_free(struct engine *e, struct workflow *wf)
{
	size_t i;

	for (i = 0; i < e->nown; i++)
		if (e->own[i] == wf) {
			e->own[i] = e->own[--e->nown];
			workflow_free(wf);
			return;
		}
}

/* Records each loaded version; one whose text changed under the same
 * version number is replaced by the recorded text. */
static int
register_versions(struct engine *e)
{
	size_t i;
	int rc, bad = 0;

	if ((rc = store_begin(e->store)) != 0)
		return rc;
	for (i = 0; i < e->nwfs; i++) {
		struct workflow *wf = e->wfs[i], *old;
		char *sha = NULL, *src = NULL, *file = NULL;

		rc = store_workflow_get(e->store, wf->id, wf->version, &sha,
		    &src, &file);
		if (rc == INTAKE_ENOENT)
			rc = store_workflow_put(e->store, wf->id, wf->version,
			    wf->file, wf->sha256, wf->source);
		else if (rc == 0 && strcmp(sha, wf->sha256) != 0) {
			fprintf(stderr, "%s:1: workflow \"%s\" version %d differs "
			    "from the version %d recorded earlier: raise "
			    "version= for a new version; the recorded text is "
			    "used meanwhile\n", wf->file, wf->id, wf->version,
			    wf->version);
			log_warn("workflow \"%s\" version %d changed in %s "
			    "without a new version number; using the recorded "
			    "one", wf->id, wf->version, wf->file);
			if (workflow_load_memory(src, strlen(src), file, &e->ctx,
			    &old) == 0) {
				own_free(e, wf);
				own_add(e, old);
				e->wfs[i] = old;
			}
			bad = 1;
		}
		free(sha);
		free(src);
		free(file);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = store_commit(e->store);
	if (rc != 0)
		store_rollback(e->store);
	return rc != 0 ? rc : bad ? INTAKE_EINVAL : 0;
}

/* The catalog's current workflows, as a vector of our own. */
static void
take_catalog(struct engine *e)
{
	e->nwfs = e->cat->nwfs;
	e->wfs = e->nwfs > 0 ? xreallocarray(NULL, e->nwfs, sizeof(*e->wfs)) :
	    NULL;
	if (e->nwfs > 0)
		memcpy(e->wfs, e->cat->wfs, e->nwfs * sizeof(*e->wfs));
}

int
engine_init_catalog(struct engine *e, struct store *st,
    const struct catalog *cat)
{
	int rc = 0;

	memset(e, 0, sizeof(*e));
	e->store = st;
	e->tries = 5;
	e->backoff_ms = 30000;
	e->cat = cat;
	e->ctx = cat->ctx;
	if (cat->wf_dir == NULL)
		return 0;
	take_catalog(e);
	if (st != NULL)
		rc = register_versions(e);
	log_info("%zu workflow%s from %s", e->nwfs, e->nwfs == 1 ? "" : "s",
	    cat->wf_dir);
	return rc;
}

int
engine_init(struct engine *e, struct store *st, const char *dir,
    const struct wf_context *ctx)
{
	static const struct wf_context none;
	struct catalog *cat = xcalloc(1, sizeof(*cat));
	int rc = 0, r2;

	/* A catalog of our own, of the workflows of dir alone. */
	catalog_init_workflows(cat, dir, ctx != NULL ? ctx : &none);
	if (dir != NULL)
		rc = catalog_load_workflows(cat);
	r2 = engine_init_catalog(e, st, cat);
	e->own_cat = cat;
	return rc != 0 ? rc : r2;
}

int
engine_reload(struct engine *e)
{
	struct workflow **old = e->wfs;
	size_t nold = e->nwfs, i;
	int rc = 0, r2;

	if (e->cat == NULL || e->cat->wf_dir == NULL)
		return 0;
	if (e->own_cat != NULL)
		rc = catalog_reload_workflows(e->own_cat);
	/* The catalog keeps a version whose file no longer loads, and the
	 * versions a reload replaced (engine_get finds them there). */
	take_catalog(e);
	if (e->store != NULL && (r2 = register_versions(e)) != 0 && rc == 0)
		rc = r2;
	/* Of the old ones only ours are looked at: the recorded texts of
	 * versions edited in place, pinned while cases may run them.  The
	 * catalog's are its own (the same versions read again are freed
	 * there). */
	for (i = 0; i < nold; i++) {
		if (!own_has(e, old[i]))
			continue;
		if (workflows_by_version(e->wfs, e->nwfs, old[i]->id,
		    old[i]->version) != NULL)
			own_free(e, old[i]);
		else
			pin(e, old[i]);
	}
	free(old);
	log_info("reloaded: %zu workflow%s from %s", e->nwfs,
	    e->nwfs == 1 ? "" : "s", e->cat->wf_dir);
	return rc;
}

void
engine_release(struct engine *e)
{
	workflows_free(e->own, e->nown);
	free(e->wfs);
	free(e->pinned);
	for (size_t i = 0; i < e->nfailed; i++)
		free(e->failed[i].id);
	free(e->failed);
	if (e->own_cat != NULL) {
		catalog_release(e->own_cat);
		free(e->own_cat);
	}
	memset(e, 0, sizeof(*e));
}

/* Remembers a version that cannot be had, to try again in a minute. */
static void
failed(struct engine *e, const char *id, int version)
{
	size_t i;

	for (i = 0; i < e->nfailed; i++)
		if (e->failed[i].version == version &&
		    strcmp(e->failed[i].id, id) == 0)
			break;
	if (i == e->nfailed) {
		e->failed = xreallocarray(e->failed, e->nfailed + 1,
		    sizeof(*e->failed));
		e->failed[i].id = xstrdup(id);
		e->failed[i].version = version;
		e->nfailed++;
	}
	e->failed[i].retry_ms = mono_ms() + 60000;
}

const struct workflow *
engine_get(struct engine *e, const char *id, int version)
{
	struct workflow *wf;
	char *src = NULL, *file = NULL, *sha = NULL;
	size_t i;

	if ((wf = workflows_by_version(e->wfs, e->nwfs, id, version)) != NULL ||
	    (wf = workflows_by_version(e->pinned, e->npinned, id,
	    version)) != NULL ||
	    (e->cat != NULL && (wf = workflows_by_version(e->cat->retired,
	    e->cat->nretired, id, version)) != NULL))
		return wf;
	for (i = 0; i < e->nfailed; i++)
		if (e->failed[i].version == version &&
		    strcmp(e->failed[i].id, id) == 0 &&
		    mono_ms() < e->failed[i].retry_ms)
			return NULL;	/* said a minute ago */
	if (e->store == NULL || store_workflow_get(e->store, id, version, &sha,
	    &src, &file) != 0) {
		log_err("workflow \"%s\" version %d is not recorded", id, version);
		failed(e, id, version);
		return NULL;
	}
	/* The catalog's file of that version, when its text is the one
	 * recorded: read and checked already. */
	if (e->cat != NULL && (wf = workflows_by_version(e->cat->wfs,
	    e->cat->nwfs, id, version)) != NULL &&
	    strcmp(wf->sha256, sha) == 0)
		goto out;
	/* It was checked when recorded: roles and templates changed since
	 * do not stop the cases that run it. */
	if (workflow_load_memory(src, strlen(src), file, &e->ctx, &wf) != 0 &&
	    workflow_load_memory(src, strlen(src), file, NULL, &wf) != 0) {
		log_err("workflow \"%s\" version %d as recorded no longer loads "
		    "(see above); its cases wait", id, version);
		failed(e, id, version);
		wf = NULL;
	} else {
		pin(e, wf);
		own_add(e, wf);
	}
out:
	free(src);
	free(file);
	free(sha);
	return wf;
}
