/*
 * workflow.c - reading and checking workflows.  The schema
 * (intake-workflow.xsd) checks their form; this file checks their meaning
 * with file:line messages an admin can act on: states that do not exist,
 * cannot be reached or cannot be left, guards that do not parse or name
 * fields the form lacks, durations, roles, deadlines nobody handles.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "intake.h"
#include "sha256.h"
#include "template.h"
#include "workflow.h"
#include "xmlsafe.h"

/* A holidays file must list the year ahead: lint warns before. */
#define COMING_YEAR_MS	(366 * 86400000LL)

#define WORKFLOW_NS	"urn:intake:workflow:1"

/* The events intake raises: from the pipeline, the clocks and actions. */
static const char *const system_events[] = {
	"received", "extracted", "unknown-form", "extraction-failed",
	"deadline", "warning", "overdue", "overdue-warning", "action-failed",
};

struct lint {
	struct problems	 p;		/* the file and its errors */
	const struct wf_context *ctx;
	struct workflow	*wf;
};

bool
wf_event_is_system(const char *event)
{
	size_t i;

	for (i = 0; i < sizeof(system_events) / sizeof(*system_events); i++)
		if (strcmp(event, system_events[i]) == 0)
			return true;
	return false;
}

static bool
yes(xmlNode *n, const char *name)
{
	char *v = xmlsafe_attr(n, name);
	bool b = v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);

	free(v);
	return b;
}

static void
duration_read(struct lint *l, xmlNode *n, const char *attr, bool *has,
    struct duration *d)
{
	char *v = xmlsafe_attr(n, attr);
	char err[200];

	*has = false;
	if (v == NULL)
		return;
	if (duration_parse(v, d, err, sizeof(err)) != 0)
		problem_at(&l->p, (int)xmlGetLineNo(n), "%s: %s", attr, err);
	else
		*has = true;
	free(v);
}

static void
action_read(struct lint *l, xmlNode *n, struct wf_action **v, size_t *nv)
{
	struct wf_action *a;
	xmlAttr *at;

	a = array_add(v, nv, sizeof(**v));
	a->line = (int)xmlGetLineNo(n);
	a->use = xmlsafe_attr(n, "use");
	if (a->use == NULL)
		a->use = xstrdup("");
	for (at = n->properties; at != NULL; at = at->next) {
		const char *key = (const char *)at->name;

		if (strcmp(key, "use") == 0)
			continue;
		a->keys = xreallocarray(a->keys, a->nparams + 1, sizeof(*a->keys));
		a->vals = xreallocarray(a->vals, a->nparams + 1, sizeof(*a->vals));
		a->keys[a->nparams] = xstrdup(key);
		a->vals[a->nparams++] = xmlsafe_attr(n, key);
	}
	/* Whether a plugin of that name takes these settings is for
	 * intake-action to say (actions_check()). */
}

char *
wf_action_json(const struct wf_action *a)
{
	char *buf = NULL;
	size_t len = 0, i;
	bool first = true;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	fputc('{', f);
	for (i = 0; i < a->nparams; i++)
		json_key_str(f, &first, a->keys[i], a->vals[i]);
	fputc('}', f);
	if (fclose(f) != 0)
		fatal("out of memory");
	return buf;
}

static void
actions_read(struct lint *l, xmlNode *n, struct wf_action **v, size_t *nv)
{
	xmlNode *k;

	for (k = n->children; k != NULL; k = k->next)
		if (xmlsafe_is(k, "action"))
			action_read(l, k, v, nv);
}

/* The type a form's field has in a guard. */
static bool
form_field_type(const struct template *t, const char *name,
    enum expr_type *type)
{
	size_t i, k;

	for (i = 0; i < t->npages; i++)
		for (k = 0; k < t->pages[i].nfields; k++) {
			const struct tpl_field *f = &t->pages[i].fields[k];

			if (strcmp(f->name, name) != 0)
				continue;
			switch (f->type) {
			case FT_AMOUNT:
			case FT_INTEGER:
				*type = EXPR_NUMBER;
				break;
			case FT_CHECKBOX:
			case FT_SIGNATURE:
				*type = EXPR_BOOL;
				break;
			default:
				*type = EXPR_STRING;
				break;
			}
			return true;
		}
	return false;
}

static const struct template *
template_by_id(const struct wf_context *ctx, const char *id)
{
	size_t i;

	for (i = 0; ctx != NULL && i < ctx->ntpls; i++)
		if (strcmp(ctx->tpls[i]->id, id) == 0)
			return ctx->tpls[i];
	return NULL;
}

/* A field a guard names must be in every form the workflow applies to,
 * with one type. */
static bool
schema_field(void *arg, const char *name, enum expr_type *type)
{
	struct lint *l = arg;
	size_t i;
	bool first = true;

	for (i = 0; i < l->wf->nforms; i++) {
		const struct template *t = template_by_id(l->ctx,
		    l->wf->forms[i]);
		enum expr_type ty;

		if (t == NULL)
			continue;
		if (!form_field_type(t, name, &ty))
			return false;
		if (!first && ty != *type)
			*type = EXPR_ANY;
		else
			*type = ty;
		first = false;
	}
	return true;
}

/* Whether every form the workflow applies to has a template, so fields
 * can be checked. */
static bool
forms_known(struct lint *l)
{
	size_t i;

	if (l->wf->nforms == 0)
		return false;
	for (i = 0; i < l->wf->nforms; i++)
		if (strcmp(l->wf->forms[i], "*") == 0 ||
		    template_by_id(l->ctx, l->wf->forms[i]) == NULL)
			return false;
	return true;
}

static void
transition_read(struct lint *l, xmlNode *n, struct wf_state *s)
{
	struct wf_transition *t;
	char *v;

	t = array_add(&s->trans, &s->ntrans, sizeof(*s->trans));
	t->line = (int)xmlGetLineNo(n);
	t->on = xmlsafe_attr(n, "on");
	t->to = xmlsafe_attr(n, "to");
	if (t->to == NULL)
		t->to = xstrdup("");
	t->label = xmlsafe_attr(n, "label");
	t->guard_text = xmlsafe_attr(n, "if");
	if ((v = xmlsafe_attr(n, "roles")) != NULL) {
		names_split(v, &t->roles, &t->nroles);
		free(v);
	}
	if (t->guard_text != NULL) {
		struct expr_schema schema = { NULL, l };
		char err[300];
		int col = 0;
		/* Long guards are quoted by their start only. */
		bool cut = strlen(t->guard_text) > 60;
		int q = cut ? 57 : 60;
		const char *more = cut ? "..." : "";

		if (forms_known(l))
			schema.field = schema_field;
		if (expr_parse(t->guard_text, &schema, &t->guard, err,
		    sizeof(err), &col) != 0)
			problem_at(&l->p, t->line, "if=\"%.*s%s\": column %d: %s", q,
			    t->guard_text, more, col, err);
		else if (expr_type(t->guard) != EXPR_BOOL)
			problem_at(&l->p, t->line, "if=\"%.*s%s\": a condition must be "
			    "true or false, this is a %s", q, t->guard_text, more,
			    expr_type(t->guard) == EXPR_NUMBER ? "number" :
			    "text");
	}
	actions_read(l, n, &t->actions, &t->nactions);
}

static void
state_read(struct lint *l, xmlNode *n, struct workflow *wf)
{
	struct wf_state *s;
	xmlNode *k;
	char *v;
	size_t i;

	s = array_add(&wf->states, &wf->nstates, sizeof(*wf->states));
	s->line = (int)xmlGetLineNo(n);
	s->id = xmlsafe_attr(n, "id");
	if (s->id == NULL)
		s->id = xstrdup("");
	for (i = 0; i + 1 < wf->nstates; i++)
		if (strcmp(wf->states[i].id, s->id) == 0)
			problem_at(&l->p, s->line, "state \"%s\" is defined again (first "
			    "on line %d)", s->id, wf->states[i].line);
	s->initial = yes(n, "initial");
	s->final = yes(n, "final");
	s->queue = xmlsafe_attr(n, "queue");
	if ((v = xmlsafe_attr(n, "priority")) != NULL) {
		s->priority = atoi(v);
		free(v);
	}
	if ((v = xmlsafe_attr(n, "roles")) != NULL) {
		names_split(v, &s->roles, &s->nroles);
		free(v);
	}
	if ((v = xmlsafe_attr(n, "clock")) != NULL) {
		s->paused = strcmp(v, "paused") == 0;
		free(v);
	}
	duration_read(l, n, "deadline", &s->has_deadline, &s->deadline);
	duration_read(l, n, "warn", &s->has_warn, &s->warn);
	for (k = n->children; k != NULL; k = k->next) {
		if (xmlsafe_is(k, "description"))
			s->description = xmlsafe_text(k);
		else if (xmlsafe_is(k, "on-enter"))
			actions_read(l, k, &s->enter, &s->nenter);
		else if (xmlsafe_is(k, "on-exit"))
			actions_read(l, k, &s->exit, &s->nexit);
		else if (xmlsafe_is(k, "transition"))
			transition_read(l, k, s);
	}
}

/* The roles a manual transition is open to: its own, else its state's. */
static void
effective_roles(struct wf_state *s, struct wf_transition *t)
{
	size_t i;

	if (t->nroles > 0 || t->on == NULL || wf_event_is_system(t->on))
		return;
	for (i = 0; i < s->nroles; i++) {
		t->roles = xreallocarray(t->roles, t->nroles + 1,
		    sizeof(*t->roles));
		t->roles[t->nroles++] = xstrdup(s->roles[i]);
	}
}

static bool
has_event(const struct wf_state *s, const char *event)
{
	size_t i;

	for (i = 0; i < s->ntrans; i++)
		if (s->trans[i].on != NULL && strcmp(s->trans[i].on, event) == 0)
			return true;
	return false;
}

/* Eventless transitions that hold without a guard and lead back to where
 * they started would loop for ever: found by following them. */
static void
check_eventless_loops(struct lint *l, struct workflow *wf)
{
	size_t i, k, steps;

	for (i = 0; i < wf->nstates; i++) {
		size_t at = i;

		for (steps = 0; steps <= wf->nstates; steps++) {
			const struct wf_state *s = &wf->states[at];
			const struct wf_transition *next = NULL;

			for (k = 0; k < s->ntrans; k++)
				if (s->trans[k].on == NULL &&
				    s->trans[k].guard_text == NULL) {
					next = &s->trans[k];
					break;
				}
			if (next == NULL)
				break;
			at = next->to_idx;
			if (at == i) {
				problem_at(&l->p, wf->states[i].line, "state \"%s\": "
				    "transitions without an event or condition "
				    "lead back to it and would loop for ever",
				    wf->states[i].id);
				break;
			}
		}
	}
}

/* Meaning the schema cannot check, once every state is read. */
static void
check_states(struct lint *l, struct workflow *wf)
{
	bool *seen = xcalloc(wf->nstates ? wf->nstates : 1, sizeof(*seen));
	size_t *todo = xcalloc(wf->nstates ? wf->nstates : 1, sizeof(*todo));
	size_t i, k, ntodo = 0, ninitial = 0;

	for (i = 0; i < wf->nstates; i++)
		if (wf->states[i].initial) {
			if (ninitial++ == 0)
				wf->initial = i;
			else
				problem_at(&l->p, wf->states[i].line, "state \"%s\": "
				    "only one state can be initial (\"%s\" is)",
				    wf->states[i].id,
				    wf->states[wf->initial].id);
		}
	if (ninitial == 0 && wf->nstates > 0)
		problem_at(&l->p, wf->states[0].line, "no state is initial: say "
		    "initial=\"yes\" on the state where cases start");
	for (i = 0; i < wf->nstates; i++) {
		struct wf_state *s = &wf->states[i];

		if (s->has_warn && !s->has_deadline)
			problem_at(&l->p, s->line, "state \"%s\": warn needs a deadline",
			    s->id);
		if (s->has_deadline && !has_event(s, "deadline") && !s->final)
			problem_at(&l->p, s->line, "state \"%s\": the deadline has no "
			    "transition on=\"deadline\" to say what happens when "
			    "it passes", s->id);
		if (s->final && s->ntrans > 0)
			problem_at(&l->p, s->trans[0].line, "state \"%s\" is final: a "
			    "case never leaves it", s->id);
		if (!s->final && s->ntrans == 0)
			problem_at(&l->p, s->line, "state \"%s\" has no transition and "
			    "is not final: cases would stay there for ever; add "
			    "a transition or say final=\"yes\"", s->id);
		for (k = 0; k < s->ntrans; k++) {
			struct wf_transition *t = &s->trans[k];
			const struct wf_state *to = workflow_state(wf, t->to);
			size_t r;

			if (to == NULL) {
				problem_at(&l->p, t->line, "transition to \"%s\": no such "
				    "state", t->to);
				continue;
			}
			t->to_idx = (size_t)(to - wf->states);
			effective_roles(s, t);
			if (t->on != NULL && wf_event_is_system(t->on)) {
				if (t->nroles > 0)
					problem_at(&l->p, t->line, "event \"%s\" is "
					    "raised by intake itself: roles "
					    "cannot fire it", t->on);
			} else if (t->on != NULL && t->nroles == 0)
				problem_at(&l->p, t->line, "event \"%s\": no role may "
				    "fire it; say roles=\"clerk\" (or whom) here "
				    "or on the state", t->on);
			for (r = 0; l->ctx != NULL && l->ctx->roles != NULL &&
			    r < t->nroles; r++)
				if (strv_find(l->ctx->roles, l->ctx->nroles,
				    t->roles[r]) < 0)
					problem_at(&l->p, t->line, "role \"%s\" is given "
					    "to nobody in the configuration",
					    t->roles[r]);
			if (t->on == NULL && t->guard_text != NULL &&
			    k + 1 == s->ntrans && !s->final &&
			    !has_event(s, "deadline"))
				warning_at(&l->p, t->line, "state \"%s\": when no "
				    "condition holds the case stays here until "
				    "someone fires an event", s->id);
		}
	}
	/* Reachability, from the initial state over every transition. */
	if (ninitial > 0) {
		seen[wf->initial] = true;
		todo[ntodo++] = wf->initial;
		while (ntodo > 0) {
			const struct wf_state *s = &wf->states[todo[--ntodo]];

			for (k = 0; k < s->ntrans; k++) {
				size_t to = s->trans[k].to_idx;

				if (workflow_state(wf, s->trans[k].to) != NULL &&
				    !seen[to]) {
					seen[to] = true;
					todo[ntodo++] = to;
				}
			}
		}
		for (i = 0; i < wf->nstates; i++)
			if (!seen[i])
				problem_at(&l->p, wf->states[i].line, "state \"%s\" "
				    "cannot be reached from \"%s\"",
				    wf->states[i].id, wf->states[wf->initial].id);
	}
	if (l->p.errors == 0)
		check_eventless_loops(l, wf);
	free(seen);
	free(todo);
}

static void
root_read(struct lint *l, xmlNode *root, struct workflow *wf)
{
	xmlNode *n;
	char *v;

	wf->id = xmlsafe_attr(root, "id");
	if (wf->id == NULL)
		wf->id = xstrdup("");
	if ((v = xmlsafe_attr(root, "version")) != NULL) {
		wf->version = atoi(v);
		free(v);
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (xmlsafe_is(n, "title"))
			wf->title = xmlsafe_text(n);
		else if (xmlsafe_is(n, "applies-to")) {
			v = xmlsafe_attr(n, "form");
			if (v != NULL && strcmp(v, "*") != 0 &&
			    template_by_id(l->ctx, v) == NULL &&
			    l->ctx != NULL && l->ctx->ntpls > 0)
				warning_at(&l->p, (int)xmlGetLineNo(n), "no template "
				    "for form \"%s\": the fields its guards name "
				    "are not checked", v);
			wf->forms = xreallocarray(wf->forms, wf->nforms + 1,
			    sizeof(*wf->forms));
			wf->forms[wf->nforms++] = v ? v : xstrdup("");
		} else if (xmlsafe_is(n, "calendar")) {
			char *wd = xmlsafe_attr(n, "workdays");
			char *hol = xmlsafe_attr(n, "holidays");

			int year;

			if (calendar_load(wd, hol, l->p.file, (int)xmlGetLineNo(n),
			    &wf->cal) != 0)
				l->p.errors++;
			else if ((year = calendar_unlisted_year(wf->cal,
			    now_ms(), now_ms() + COMING_YEAR_MS)) != 0)
				warning_at(&l->p, (int)xmlGetLineNo(n), "holidays "
				    "\"%s\" list none in %d: deadlines counted "
				    "into %d skip no holiday; add the coming "
				    "years to the file", hol, year, year);
			free(wd);
			free(hol);
		} else if (xmlsafe_is(n, "clock")) {
			duration_read(l, n, "deadline", &wf->has_clock,
			    &wf->clock);
			duration_read(l, n, "warn", &wf->has_clock_warn,
			    &wf->clock_warn);
		}
	}
	/* States last: their guards are checked against the forms. */
	for (n = root->children; n != NULL; n = n->next)
		if (xmlsafe_is(n, "state"))
			state_read(l, n, wf);
	if (wf->cal == NULL)
		wf->cal = calendar_default();
	check_states(l, wf);
}

int
workflow_load_memory(const char *buf, size_t len, const char *name,
    const struct wf_context *ctx, struct workflow **out)
{
	struct lint l = { { name, 0 }, ctx, NULL };
	unsigned char digest[SHA256_DIGEST_LEN];
	struct sha256 h;
	static const struct xmlsafe_kind kind = {
		"workflow", WORKFLOW_NS, NULL, "intake-workflow.xsd"
	};
	struct workflow *wf;
	xmlDoc *doc;

	*out = NULL;
	if (xmlsafe_load_memory(buf, len, name, &kind, &doc) != 0)
		return INTAKE_EINVAL;
	wf = xcalloc(1, sizeof(*wf));
	l.wf = wf;
	wf->file = xstrdup(name);
	root_read(&l, xmlDocGetRootElement(doc), wf);
	xmlFreeDoc(doc);
	if (l.p.errors > 0) {
		workflow_free(wf);
		return INTAKE_EINVAL;
	}
	wf->source = xcalloc(len + 1, 1);
	memcpy(wf->source, buf, len);
	wf->source_len = len;
	sha256_init(&h);
	sha256_update(&h, buf, len);
	sha256_final(&h, digest);
	sha256_hex(digest, wf->sha256);
	*out = wf;
	return 0;
}

int
workflow_load(const char *path, const struct wf_context *ctx,
    struct workflow **out)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (xmlsafe_slurp(path, &buf, &len) != 0)
		return INTAKE_EINVAL;
	rc = workflow_load_memory(buf, len, path, ctx, out);
	free(buf);
	return rc;
}

static void
actions_free(struct wf_action *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].use);
		strv_free(v[i].keys, v[i].nparams);
		strv_free(v[i].vals, v[i].nparams);
	}
	free(v);
}

void
workflow_free(struct workflow *wf)
{
	size_t i, k;

	if (wf == NULL)
		return;
	for (i = 0; i < wf->nstates; i++) {
		struct wf_state *s = &wf->states[i];

		for (k = 0; k < s->ntrans; k++) {
			struct wf_transition *t = &s->trans[k];

			free(t->on);
			free(t->to);
			free(t->guard_text);
			expr_free(t->guard);
			strv_free(t->roles, t->nroles);
			free(t->label);
			actions_free(t->actions, t->nactions);
		}
		free(s->trans);
		free(s->id);
		free(s->description);
		free(s->queue);
		strv_free(s->roles, s->nroles);
		actions_free(s->enter, s->nenter);
		actions_free(s->exit, s->nexit);
	}
	free(wf->states);
	strv_free(wf->forms, wf->nforms);
	calendar_free(wf->cal);
	free(wf->file);
	free(wf->id);
	free(wf->title);
	free(wf->source);
	free(wf);
}

/* A second workflow with an id or form already taken is refused. */
static bool
clashes(struct workflow **have, size_t n, const struct workflow *wf)
{
	size_t i, k, f;

	for (i = 0; i < n; i++) {
		if (strcmp(have[i]->id, wf->id) == 0) {
			report_at(wf->file, 1, "workflow \"%s\" is also defined "
			    "in %s", wf->id, have[i]->file);
			return true;
		}
		for (k = 0; k < have[i]->nforms; k++)
			for (f = 0; f < wf->nforms; f++)
				if (strcmp(have[i]->forms[k], wf->forms[f]) == 0) {
					report_at(wf->file, 1, "form \"%s\" is "
					    "also taken by workflow \"%s\" (%s)",
					    wf->forms[f], have[i]->id,
					    have[i]->file);
					return true;
				}
	}
	return false;
}

struct wf_dir {
	const struct wf_context *ctx;
	struct workflow	***v;
	size_t		  *n;
};

static int
wf_dir_add(const char *path, void *arg)
{
	struct wf_dir *wd = arg;
	struct workflow *wf;

	if (workflow_load(path, wd->ctx, &wf) != 0)
		return INTAKE_EINVAL;
	if (clashes(*wd->v, *wd->n, wf)) {
		workflow_free(wf);
		return INTAKE_EINVAL;
	}
	*wd->v = xreallocarray(*wd->v, *wd->n + 1, sizeof(**wd->v));
	(*wd->v)[(*wd->n)++] = wf;
	return 0;
}

int
workflows_load_dir(const char *dir, const struct wf_context *ctx,
    struct workflow ***out, size_t *n)
{
	struct wf_dir wd = { ctx, out, n };

	*out = NULL;
	*n = 0;
	return xmlsafe_load_dir(dir, "workflows", wf_dir_add, &wd);
}

void
workflows_free(struct workflow **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		workflow_free(v[i]);
	free(v);
}

struct workflow *
workflows_for_form(struct workflow **v, size_t n, const char *form)
{
	struct workflow *any = NULL;
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < v[i]->nforms; k++) {
			if (form != NULL && strcmp(v[i]->forms[k], form) == 0)
				return v[i];
			if (any == NULL && strcmp(v[i]->forms[k], "*") == 0)
				any = v[i];
		}
	return any;
}

struct workflow *
workflows_by_id(struct workflow **v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i]->id, id) == 0)
			return v[i];
	return NULL;
}

struct workflow *
workflows_by_version(struct workflow **v, size_t n, const char *id,
    int version)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i]->version == version && strcmp(v[i]->id, id) == 0)
			return v[i];
	return NULL;
}

const struct wf_state *
workflow_state(const struct workflow *wf, const char *id)
{
	size_t i;

	for (i = 0; i < wf->nstates; i++)
		if (strcmp(wf->states[i].id, id) == 0)
			return &wf->states[i];
	return NULL;
}

/* A dot string: quoted, with quotes and backslashes escaped. */
static void
dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
strv_join(char *buf, size_t len, char *const *v, size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? ", " : "", v[i]);
}

void
workflow_graph(const struct workflow *wf, FILE *f)
{
	char d1[64], d2[64], roles[256], *label;
	size_t i, k;

	fprintf(f, "digraph ");
	dot_str(f, wf->id);
	fprintf(f, " {\n\tlabel=");
	label = xasprintf("%s (version %d)%s%s", wf->title ? wf->title :
	    wf->id, wf->version, wf->has_clock ? "\nstatutory clock: " : "",
	    wf->has_clock ? duration_format(&wf->clock, d1, sizeof(d1)) : "");
	dot_str(f, label);
	free(label);
	fprintf(f, ";\n\tlabelloc=t;\n\trankdir=LR;\n"
	    "\tnode [shape=box, style=rounded];\n");
	for (i = 0; i < wf->nstates; i++) {
		const struct wf_state *s = &wf->states[i];

		label = xasprintf("%s%s%s%s%s%s%s%s", s->id,
		    s->queue ? "\nqueue: " : "", s->queue ? s->queue : "",
		    s->has_deadline ? "\ndeadline: " : "", s->has_deadline ?
		    duration_format(&s->deadline, d1, sizeof(d1)) : "",
		    s->has_warn ? ", warn: " : "", s->has_warn ?
		    duration_format(&s->warn, d2, sizeof(d2)) : "",
		    s->paused ? "\nclock paused" : "");
		fputc('\t', f);
		dot_str(f, s->id);
		fprintf(f, " [label=");
		dot_str(f, label);
		free(label);
		if (s->final)
			fprintf(f, ", peripheries=2");
		if (s->initial)
			fprintf(f, ", style=\"rounded,bold\"");
		fprintf(f, "];\n");
	}
	for (i = 0; i < wf->nstates; i++) {
		const struct wf_state *s = &wf->states[i];

		for (k = 0; k < s->ntrans; k++) {
			const struct wf_transition *t = &s->trans[k];

			strv_join(roles, sizeof(roles), t->roles, t->nroles);
			const char *ev = t->label ? t->label : t->on ? t->on : "";

			label = xasprintf("%s%s%s%s%s%s", ev,
			    t->guard_text ? *ev ? "\n[" : "[" : "",
			    t->guard_text ? t->guard_text : "",
			    t->guard_text ? "]" : "",
			    t->nroles ? "\nroles: " : "", t->nroles ? roles : "");
			fputc('\t', f);
			dot_str(f, s->id);
			fputs(" -> ", f);
			dot_str(f, t->to);
			fprintf(f, " [label=");
			dot_str(f, label);
			free(label);
			if (t->on == NULL)
				fprintf(f, ", style=dashed");
			fprintf(f, "];\n");
		}
	}
	fprintf(f, "}\n");
}
