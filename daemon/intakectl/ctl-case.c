/*
 * ctl-case.c - intakectl show, set, assign, page and backup: one case as
 * a clerk works it, and a copy of the database for the admin.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "fields.h"
#include "template.h"
#include "engine.h"
#include "store.h"
#include "ctl-progress.h"
#include "ctl.h"

static int
delivery_of(const struct case_row *row, void *arg)
{
	*(int64_t *)arg = row->delivery_id;
	return 0;
}

/* The templates case id was read with: those of its delivery's inbox
 * (the installation's when that cannot be told). */
static const struct tpl_path *
case_templates(struct ctl *c, int64_t id)
{
	const struct catalog *cat = ctl_catalog(c, CATALOG_TEMPLATES);
	const struct tpl_path *tp;
	struct case_filter f;
	struct delivery d;
	int64_t delivery = 0;

	memset(&f, 0, sizeof(f));
	memset(&d, 0, sizeof(d));
	f.id = id;
	if (store_cases(c->store, &f, delivery_of, &delivery) != 0 ||
	    delivery == 0 || store_delivery_get(c->store, delivery, &d) != 0)
		return catalog_templates(cat, NULL);
	tp = catalog_templates(cat, d.inbox);
	delivery_release(&d);
	return tp;
}

/* The template field of a form: its label, and for validating a
 * correction. */
static const struct tpl_field *
template_field(struct template **tpls, size_t n, const char *form,
    const char *name)
{
	size_t i, p, k;

	for (i = 0; form != NULL && i < n; i++) {
		if (strcmp(tpls[i]->id, form) != 0)
			continue;
		for (p = 0; p < tpls[i]->npages; p++)
			for (k = 0; k < tpls[i]->pages[p].nfields; k++)
				if (strcmp(tpls[i]->pages[p].fields[k].name,
				    name) == 0)
					return &tpls[i]->pages[p].fields[k];
	}
	return NULL;
}

struct show {
	struct ctl	*c;
	bool		 first;
	int		 n;
	int64_t		 id;
	char		*problems;	/* why a supervisor must look, or NULL */
	char		*form;		/* the case's, or NULL */
	const struct tpl_path *tp;	/* its templates (for labels), or NULL */
};

static int
case_problems(const struct case_row *k, void *arg)
{
	struct show *s = arg;

	free(s->problems);
	s->problems = k->stuck ? xstrdup(k->stuck) : NULL;
	return 0;
}

/* One line of show's facts, when there is val: the label, then val made
 * safe to print. */
static void
fact(const char *label, const char *val)
{
	if (val == NULL)
		return;
	printf("  %-10s ", label);
	safe_put(stdout, val, 0);
	putchar('\n');
}

static int
show_case(const struct case_row *k, void *arg)
{
	struct show *s = arg;
	char t[32];
	size_t i;

	s->n++;
	if (s->c->json) {
		bool first = true;

		free(s->form);
		s->form = k->form ? xstrdup(k->form) : NULL;
		fputs("{\"case\":{", stdout);
		json_key_int(stdout, &first, "id", k->id);
		json_key_str(stdout, &first, "form", k->form);
		json_key_str(stdout, &first, "state", k->state);
		json_key_str(stdout, &first, "workflow", k->workflow);
		json_key_int(stdout, &first, "workflow_version", k->version);
		json_key_str(stdout, &first, "queue", k->queue);
		json_key_int(stdout, &first, "priority", k->priority);
		json_key_str(stdout, &first, "assignee", k->assignee);
		if (k->deadline_ms)
			json_key_time(stdout, &first, "deadline",
			    k->deadline_ms);
		if (k->closed_ms)
			json_key_time(stdout, &first, "closed", k->closed_ms);
		json_key_str(stdout, &first, "reference", k->reference);
		json_key_str(stdout, &first, "sender", k->sender);
		json_key_str(stdout, &first, "channel", k->channel);
		json_key_str(stdout, &first, "pdf", k->pdf);
		json_key_time(stdout, &first, "created", k->created_ms);
		json_key_str(stdout, &first, "problems", s->problems);
		json_key_raw(stdout, &first, "files", "[");
		for (i = 0; i < k->nfiles; i++) {
			if (i > 0)
				putchar(',');
			json_str(stdout, k->files[i]);
		}
		puts("]}}");
		return 0;
	}
	printf("case %lld: %s, in \"%s\"", (long long)k->id,
	    k->form ? k->form : "unclassified", k->state);
	if (k->workflow)
		printf(" of workflow \"%s\" version %d", k->workflow, k->version);
	putchar('\n');
	if (k->queue)
		printf("  queue:     %s%s%s\n", k->queue,
		    k->assignee ? ", assigned to " : "",
		    k->assignee ? k->assignee : "");
	if (k->closed_ms)
		printf("  closed:    %s\n", ctl_time(k->closed_ms, t,
		    sizeof(t)));
	else if (k->deadline_ms)
		printf("  deadline:  %s\n", ctl_time(k->deadline_ms, t,
		    sizeof(t)));
	printf("  opened:    %s\n", ctl_time(k->created_ms, t, sizeof(t)));
	if (k->reference) {
		fputs("  reference: ", stdout);
		safe_put(stdout, k->reference, 0);
		if (k->sender) {
			fputs(", from ", stdout);
			safe_put(stdout, k->sender, 0);
		}
		putchar('\n');
	}
	for (i = 0; i < k->nfiles; i++)
		fact(i ? "" : "files:", k->files[i]);
	fact("PDF:", k->pdf);
	fact("problems:", s->problems);
	return 0;
}

static int
show_field(const struct field_row *f, void *arg)
{
	struct show *s = arg;

	if (s->c->json) {
		const struct tpl_field *tf = NULL;
		bool first = true;

		if (s->tp != NULL)
			tf = template_field(s->tp->tpls, s->tp->ntpls, s->form,
			    f->name);
		fputs("{\"field\":{", stdout);
		json_key_str(stdout, &first, "name", f->name);
		if (tf != NULL && tf->label != NULL)
			json_key_str(stdout, &first, "label", tf->label);
		json_key_str(stdout, &first, "type", f->type);
		json_key_str(stdout, &first, "value", f->value);
		json_key_str(stdout, &first, "status", f->status);
		json_key_raw(stdout, &first, "confidence", "");
		printf("%.3f", f->confidence);
		json_key_int(stdout, &first, "page", f->page);
		json_key_str(stdout, &first, "raw", f->raw);
		json_key_str(stdout, &first, "why", f->why);
		if (f->page != 0)
			printf(",\"box\":[%d,%d,%d,%d]", f->box[0], f->box[1],
			    f->box[2], f->box[3]);
		puts("}}");
		return 0;
	}
	if (s->first)
		printf("\n%-20s %-10s %-5s %-4s %s\n", "FIELD", "STATUS", "CONF",
		    "PAGE", "VALUE");
	s->first = false;
	safe_put(stdout, f->name, 20);
	putchar(' ');
	safe_put(stdout, f->status, 10);
	printf(" %-5.2f %-4u ", f->confidence, f->page);
	safe_put(stdout, f->value, 0);
	if (f->why && *f->why) {
		fputs("  (", stdout);
		safe_put(stdout, f->why, 0);
		putchar(')');
	}
	putchar('\n');
	return 0;
}

static int
show_page(const struct page_row *p, void *arg)
{
	struct show *s = arg;

	if (s->c->json) {
		struct json_obj o = { stdout, true };
		struct row_out out = { json_obj_text, json_obj_num, &o };

		fputs("{\"page\":{", stdout);
		page_row_out(p, &out);
		puts("}}");
		return 0;
	}
	if (s->first)
		printf("\n%-4s %-40s %-11s %-8s %s\n", "PAGE", "FROM", "SIZE",
		    "TURNED", "OCR");
	s->first = false;
	{
		char *from = xasprintf("%s%s%s#%u", p->source, p->member ? ":" :
		    "", p->member ? p->member : "", p->page_no);
		char size[24];

		snprintf(size, sizeof(size), "%ux%u", p->width, p->height);
		printf("%-4u ", p->seq);
		safe_put(stdout, from, 40);
		printf(" %-11s %-8d %d%%\n", size, p->rotation, p->confidence);
		free(from);
	}
	return 0;
}

void
ctl_history_json(const struct history_row *h)
{
	struct json_obj o = { stdout, true };
	struct row_out out = { json_obj_text, json_obj_num, &o };

	putchar('{');
	history_row_out(h, &out);
	putchar('}');
}

void
ctl_history_end(const struct history_row *h)
{
	if (h->comment != NULL) {
		fputs(" -- \"", stdout);
		safe_put(stdout, h->comment, 0);
		putchar('"');
	}
	putchar('\n');
}

static int
show_history(const struct history_row *h, void *arg)
{
	struct show *s = arg;
	char t[32];

	if (s->c->json) {
		fputs("{\"history\":", stdout);
		ctl_history_json(h);
		puts("}");
		return 0;
	}
	if (s->first)
		printf("\nHISTORY (intakectl why %lld explains it)\n",
		    (long long)s->id);
	s->first = false;
	printf("  %s  ", ctl_time(h->at_ms, t, sizeof(t)));
	safe_put(stdout, h->actor, 10);
	putchar(' ');
	if (strcmp(h->kind, "start") == 0 || strcmp(h->kind, "transition") == 0)
		printf("%s%s%s -> %s", h->event ? h->event : "",
		    h->event ? ": " : "", h->from ? h->from : "start", h->to);
	else
		safe_put(stdout, h->why ? h->why : h->kind, 0);
	ctl_history_end(h);
	return 0;
}

/* An engine only to read the workflow versions cases run (engine_get):
 * the recorded texts, or the loaded files of the same text when this
 * run holds the workflows already. */
static void
case_engine(struct ctl *c, struct engine *e)
{
	memset(e, 0, sizeof(*e));
	e->store = c->store;
	if (c->cat.loaded & CATALOG_WORKFLOWS)
		e->cat = &c->cat;
}

/* With --json: the manual events of the case's state, one
 * {"event":...} line each (its name, the state it leads to, the roles
 * that may fire it and whether the caller has one), so a page offers
 * the events a person may fire and names the role the others need. */
static void
show_events(struct ctl *c, int64_t id)
{
	struct engine_actor me = { c->user, c->roles, c->nroles };
	struct case_wf k;
	struct engine e;
	const struct workflow *wf;
	const struct wf_state *s;
	size_t t, u, r;

	if (store_case_wf_get(c->store, id, &k) != 0)
		return;
	case_engine(c, &e);
	if (k.workflow == NULL || k.closed_ms != 0 ||
	    (wf = engine_get(&e, k.workflow, k.version)) == NULL ||
	    (s = workflow_state(wf, k.state)) == NULL)
		goto out;
	for (t = 0; t < s->ntrans; t++) {
		const struct wf_transition *tr = &s->trans[t];
		bool first = true, sep = false, may = false;

		if (tr->on == NULL || wf_event_is_system(tr->on))
			continue;
		for (u = 0; u < t; u++)
			if (s->trans[u].on && strcmp(s->trans[u].on, tr->on) == 0)
				break;
		if (u < t)
			continue;	/* listed with its first transition */
		fputs("{\"event\":{", stdout);
		json_key_str(stdout, &first, "name", tr->on);
		json_key_str(stdout, &first, "to", tr->to);
		json_key_raw(stdout, &first, "roles", "[");
		for (u = t; u < s->ntrans; u++) {
			if (s->trans[u].on == NULL ||
			    strcmp(s->trans[u].on, tr->on) != 0)
				continue;
			may |= engine_actor_may(&me, &s->trans[u]);
			for (r = 0; r < s->trans[u].nroles; r++) {
				fputs(sep ? "," : "", stdout);
				json_str(stdout, s->trans[u].roles[r]);
				sep = true;
			}
		}
		putchar(']');
		json_key_raw(stdout, &first, "allowed", may ? "true" : "false");
		puts("}}");
	}
out:
	engine_release(&e);
	case_wf_release(&k);
}

int
cmd_show(struct ctl *c, const struct ctl_args *a)
{
	struct case_filter f;
	struct show s = { c, true, 0, a->id, NULL, NULL, NULL };
	int64_t id = a->id;
	int rc;

	if (ctl_store(c) != 0)
		return 1;
	memset(&f, 0, sizeof(f));
	f.id = id;
	/* What a supervisor must look at (cases --stuck), first. */
	f.stuck = true;
	f.now_ms = now_ms();
	if (store_cases(c->store, &f, case_problems, &s) != 0)
		return 1;
	f.stuck = false;
	rc = store_cases(c->store, &f, show_case, &s);
	free(s.problems);
	if (rc != 0 || s.n == 0)
		free(s.form);
	if (rc != 0)
		return 1;
	if (s.n == 0) {
		fprintf(stderr, "intakectl: case %lld: no such case\n",
		    (long long)id);
		return 1;
	}
	if (c->json && s.form != NULL)
		s.tp = case_templates(c, id);
	s.first = true;
	rc = store_case_fields(c->store, id, show_field, &s);
	s.first = true;
	if (rc == 0)
		rc = store_case_pages(c->store, id, show_page, &s);
	s.first = true;
	if (rc == 0)
		rc = store_case_history(c->store, id, show_history, &s);
	free(s.form);
	if (rc == 0 && c->json)
		show_events(c, id);
	return rc == 0 ? 0 : 1;
}

/* May the caller change this case?  Its workflow's current state names
 * the roles that work it (its own and its transitions'); supervisors and
 * admins may always.  0, or 1 after saying why not. */
int
ctl_may_change(struct ctl *c, int64_t id)
{
	struct case_wf k;
	struct engine e;
	const struct workflow *wf;
	const struct wf_state *s;
	char **roles = c->roles;
	size_t n = c->nroles, i, r, t;
	int ok = 0, rc = 0;

	for (i = 0; i < n; i++)
		if (strcmp(roles[i], "supervisor") == 0 ||
		    strcmp(roles[i], "admin") == 0)
			ok = 1;
	if (!ok && n > 0 && (rc = store_case_wf_get(c->store, id, &k)) == 0) {
		case_engine(c, &e);
		if (k.workflow != NULL &&
		    (wf = engine_get(&e, k.workflow, k.version)) != NULL &&
		    (s = workflow_state(wf, k.state)) != NULL) {
			for (i = 0; i < n && !ok; i++) {
				for (r = 0; r < s->nroles; r++)
					ok |= strcmp(s->roles[r], roles[i]) == 0;
				for (t = 0; t < s->ntrans; t++)
					for (r = 0; r < s->trans[t].nroles; r++)
						ok |= strcmp(s->trans[t].roles[r],
						    roles[i]) == 0;
			}
		}
		engine_release(&e);
		case_wf_release(&k);
	}
	if (ok)
		return 0;
	/* People with a role may see which cases there are. */
	if (rc == INTAKE_ENOENT)
		fprintf(stderr, "intakectl: case %lld: no such case\n",
		    (long long)id);
	else if (c->config.nroles == 0)
		fprintf(stderr, "intakectl: case %lld: changing cases needs "
		    "<roles> in %s\n", (long long)id, c->config.file ?
		    c->config.file : "intake.conf");
	else
		fprintf(stderr, "intakectl: case %lld: %s has no role that "
		    "works this case in its state; ask a supervisor\n",
		    (long long)id, c->user);
	return 1;
}

int
ctl_note(struct ctl *c, int64_t id, const char *state, const char *user,
    const char *why, const char *comment)
{
	struct history_row h;

	memset(&h, 0, sizeof(h));
	h.case_id = id;
	h.at_ms = now_ms();
	h.actor = user;
	h.kind = "note";
	h.from = state;
	h.why = why;
	h.comment = comment;
	return store_history_add(c->store, &h, NULL);
}

int
ctl_case_wf(struct ctl *c, int64_t id, struct case_wf *k)
{
	int rc = store_case_wf_get(c->store, id, k);

	if (rc == INTAKE_ENOENT)
		fprintf(stderr, "intakectl: case %lld: no such case\n",
		    (long long)id);
	return rc == 0 ? 0 : 1;
}

struct old_field {
	const char	*name;
	char		*value, *status, *type;
	double		 conf;
};

static int
find_old(const struct field_row *f, void *arg)
{
	struct old_field *o = arg;

	if (strcmp(f->name, o->name) != 0)
		return 0;
	o->value = xstrdup(f->value ? f->value : "");
	o->status = xstrdup(f->status);
	o->type = xstrdup(f->type);
	o->conf = f->confidence;
	return 1;
}

int
cmd_set(struct ctl *c, const struct ctl_args *a)
{
	struct old_field o;
	struct field_result r;
	const struct tpl_path *tp;
	const struct tpl_field *tf;
	struct case_wf k;
	enum field_type type;
	const char *comment = ctl_opt(a, "comment"), *user = c->user;
	char *why = NULL, *by = NULL;
	int64_t id = a->id;
	int rc = 1;

	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	memset(&o, 0, sizeof(o));
	o.name = a->argv[1];
	if (store_case_fields(c->store, id, find_old, &o) < 0 || o.type == NULL) {
		fprintf(stderr, "intakectl: case %lld has no field \"%s\"\n",
		    (long long)id, o.name);
		goto out;
	}
	if (field_type_parse(o.type, &type) != 0)
		type = FT_TEXT;
	tp = case_templates(c, id);
	tf = template_field(tp->tpls, tp->ntpls, k.form, o.name);
	if (type == FT_CHOICE || type == FT_CHECKBOX || type == FT_SIGNATURE) {
		/* Decided from pixels by the machine; a person says it. */
		memset(&r, 0, sizeof(r));
		r.check = *a->argv[2] ? FIELD_OK : FIELD_EMPTY;
		snprintf(r.value, sizeof(r.value), "%s", a->argv[2]);
		if (type != FT_CHOICE && strcmp(r.value, "true") != 0 &&
		    strcmp(r.value, "false") != 0) {
			fprintf(stderr, "intakectl: case %lld: field \"%s\" is a "
			    "%s: say true or false\n", (long long)id, o.name,
			    o.type);
			goto out;
		}
		if (type == FT_CHOICE && tf != NULL && r.check == FIELD_OK) {
			size_t i;

			for (i = 0; i < tf->noptions; i++)
				if (strcmp(tf->options[i].key, r.value) == 0)
					break;
			if (i == tf->noptions) {
				fprintf(stderr, "intakectl: case %lld: field "
				    "\"%s\" is one of:", (long long)id, o.name);
				for (i = 0; i < tf->noptions; i++)
					fprintf(stderr, " %s", tf->options[i].key);
				fputc('\n', stderr);
				goto out;
			}
		}
	} else {
		field_normalise(type, a->argv[2], &r);
		if (tf != NULL) {
			if (tf->min != NULL || tf->max != NULL)
				field_check_range(type, tf->min, tf->max, &r);
			if (tf->pattern != NULL)
				field_check_pattern(tf->pattern, &r);
		}
		if (r.check == FIELD_INVALID) {
			fprintf(stderr, "intakectl: case %lld: \"%s\" is no valid "
			    "%s for field \"%s\": %s\n", (long long)id,
			    a->argv[2], o.type, o.name, r.why);
			goto out;
		}
	}
	why = xasprintf("field %s: \"%s\" (%s, confidence %.2f) -> \"%s\", set "
	    "by %s", o.name, o.value, o.status, o.conf, r.value, user);
	if (store_begin(c->store) != 0)
		goto out;
	by = xasprintf("set by %s", user);
	if (store_case_field_set(c->store, id, o.name, r.value,
	    r.check == FIELD_EMPTY ? "empty" : "ok", by) != 0 ||
	    ctl_note(c, id, k.state, user, why, comment) != 0 ||
	    store_commit(c->store) != 0) {
		store_rollback(c->store);
		goto out;
	}
	printf("case %lld: %s = %s\n", (long long)id, o.name, r.value);
	rc = 0;
out:
	free(why);
	free(by);
	free(o.value);
	free(o.status);
	free(o.type);
	case_wf_release(&k);
	return rc;
}

/* A user, or --nobody. */
int
cmd_assign_check(struct ctl *c, const struct ctl_args *a)
{
	(void)c;
	return a->argc == (ctl_opt(a, "nobody") ? 1 : 2) ? 0 : ctl_usage(a);
}

int
cmd_assign(struct ctl *c, const struct ctl_args *a)
{
	struct case_wf k;
	const char *comment = ctl_opt(a, "comment"), *user = c->user;
	const char *to = a->argc == 2 ? a->argv[1] : NULL;
	char *why;
	int64_t id = a->id;
	int rc;

	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	why = to ? xasprintf("assigned to %s", to) : xstrdup("assigned to "
	    "nobody");
	rc = store_begin(c->store);
	if (rc == 0 && ((rc = store_case_assign(c->store, id, to)) != 0 ||
	    (rc = ctl_note(c, id, k.state, user, why, comment)) != 0 ||
	    (rc = store_commit(c->store)) != 0))
		store_rollback(c->store);
	if (rc == 0)
		printf("case %lld: %s\n", (long long)id, why);
	free(why);
	case_wf_release(&k);
	return rc == 0 ? 0 : 1;
}

struct page_want {
	uint32_t	 seq;
	char		*path;
};

static int
page_pdf(const struct case_row *k, void *arg)
{
	struct page_want *w = arg;

	if (k->pdf != NULL)
		w->path = xstrdup(k->pdf);
	return 0;
}

static int
find_page(const struct page_row *p, void *arg)
{
	struct page_want *w = arg;

	if (p->seq != w->seq)
		return 0;
	w->path = xstrdup(p->path);
	return 1;
}

/* Copies a stored file to out ("-": standard output).  The stored file
 * was written by a worker: it is opened without following a link or
 * blocking, and must be a regular file; out is not followed either. */
static int
copy_out(const char *from, const char *out)
{
	char buf[65536];
	struct stat st;
	ssize_t n, w, off;
	int in, to, rc = 0;

	if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) ==
	    -1 || fstat(in, &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "intakectl: %s: cannot be read%s\n", from,
		    in != -1 ? ": not a regular file" : "");
		fd_close(in);
		return 1;
	}
	to = strcmp(out, "-") == 0 ? STDOUT_FILENO : open(out, O_WRONLY |
	    O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (to == -1) {
		fprintf(stderr, "intakectl: %s: cannot be written\n", out);
		close(in);
		return 1;
	}
	fflush(stdout);
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			rc = errno == EINTR || errno == EAGAIN ? 0 : 1;
			continue;
		}
		for (off = 0; rc == 0 && off < n; off += w > 0 ? w : 0)
			if ((w = write(to, buf + off, (size_t)(n - off))) < 0 &&
			    errno != EINTR)
				rc = 1;
	}
	close(in);
	if (to != STDOUT_FILENO && close(to) != 0)
		rc = 1;
	if (rc != 0)
		fprintf(stderr, "intakectl: %s: copy failed\n", out);
	return rc;
}

/* The page asked for: N, 1 without; 0 when N is no page number. */
static uint32_t
page_seq(const struct ctl_args *a)
{
	int64_t n = a->argc == 2 ? ctl_case_arg(a->argv[1]) : 1;

	return n > 0 && n <= 100000 ? (uint32_t)n : 0;
}

int
cmd_page_check(struct ctl *c, const struct ctl_args *a)
{
	const char *out = ctl_opt(a, "out");

	if (page_seq(a) == 0)
		return ctl_usage(a);
	if (out != NULL && strcmp(out, "-") != 0 && ctl_served(c)) {
		fprintf(stderr, "intakectl: through the daemon, page writes to "
		    "standard output only: say --out - > FILE\n");
		return 1;
	}
	return 0;
}

int
cmd_page(struct ctl *c, const struct ctl_args *a)
{
	struct page_want w = { page_seq(a), NULL };
	struct case_filter f;
	const char *out = ctl_opt(a, "out");
	bool pdf = ctl_opt(a, "pdf") != NULL;
	int64_t id = a->id;
	int rc = 1;

	if (ctl_store(c) != 0)
		return 1;
	if (pdf) {
		memset(&f, 0, sizeof(f));
		f.id = id;
		if (store_cases(c->store, &f, page_pdf, &w) != 0)
			return 1;
	} else if (store_case_pages(c->store, id, find_page, &w) < 0)
		return 1;
	if (w.path == NULL) {
		fprintf(stderr, "intakectl: case %lld has no %s%.0u\n",
		    (long long)id, pdf ? "searchable PDF" : "page ",
		    pdf ? 0 : w.seq);
		return 1;
	}
	if (out == NULL) {
		puts(w.path);
		rc = 0;
	} else
		rc = copy_out(w.path, out);
	free(w.path);
	return rc;
}

/* Bytes of the database copied: the progress line of backup. */
static void
backup_step(int64_t done, int64_t total, void *arg)
{
	progress_set(arg, done, total);
}

/* The database is copied into a new file of a private folder made beside
 * file (mode 0600: it holds every case), then linked to file: a link or
 * file put at that name in the meantime is never followed nor replaced. */
int
cmd_backup(struct ctl *c, const struct ctl_args *a)
{
	struct progress p;
	const char *file = a->argv[0];
	const char *slash = strrchr(file, '/');
	char *dir, *db = NULL;
	int fd, rc = 1;
	bool failed;

	if (access(file, F_OK) == 0 || errno != ENOENT) {
		fprintf(stderr, "intakectl: %s exists: choose a new file\n",
		    file);
		return 1;
	}
	if (ctl_store(c) != 0)
		return 1;
	dir = slash == NULL ? xstrdup(".intake-backup.XXXXXX") :
	    xasprintf("%.*s/.intake-backup.XXXXXX", (int)(slash - file), file);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "intakectl: %s: %s\n", dir, strerror(errno));
		free(dir);
		return 1;
	}
	db = path_join(dir, "intake.db");
	if ((fd = open(db, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "intakectl: %s: %s\n", db, strerror(errno));
		goto out;
	}
	close(fd);
	progress_init(&p, "backup", NULL, 0);
	failed = store_backup(c->store, db, backup_step, &p) != 0;
	progress_hide(&p);
	if (failed)
		goto out;
	if (link(db, file) == -1) {
		fprintf(stderr, "intakectl: %s: %s\n", file, errno == EEXIST ?
		    "exists: choose a new file" : strerror(errno));
		goto out;
	}
	printf("%s: database copied\n", file);
	rc = 0;
out:
	remove_tree(dir);
	free(db);
	free(dir);
	return rc;
}

int
cmd_retry(struct ctl *c, const struct ctl_args *a)
{
	struct case_wf k;
	const char *comment = ctl_opt(a, "comment"), *user = c->user;
	char *why = NULL;
	int64_t id = a->id;
	int n = 0, rc;

	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	if ((rc = store_begin(c->store)) == 0) {
		rc = store_case_retry_actions(c->store, id, now_ms(), &n);
		if (rc == 0 && n > 0) {
			why = xasprintf("%d failed action%s queued again", n,
			    n == 1 ? "" : "s");
			rc = ctl_note(c, id, k.state, user, why, comment);
		}
		if (rc == 0)
			rc = store_commit(c->store);
		else
			store_rollback(c->store);
	}
	case_wf_release(&k);
	if (rc == 0 && n == 0) {
		fprintf(stderr, "intakectl: case %lld has no failed step to "
		    "retry\n", (long long)id);
		rc = 1;
	} else if (rc == 0)
		printf("case %lld: %s\n", (long long)id, why);
	free(why);
	return rc == 0 ? 0 : 1;
}
