/*
 * ctl-confirm.c - intakectl confirm: a person accepts fields as the
 * machine read them, instead of typing again what is right.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

/* The fields of a case as they are now. */
struct fields {
	char	**name, **value, **status, **why;
	double	 *conf;
	size_t	  n;
};

static int
field_add(const struct field_row *f, void *arg)
{
	struct fields *v = arg;

	v->name = xreallocarray(v->name, v->n + 1, sizeof(*v->name));
	v->value = xreallocarray(v->value, v->n + 1, sizeof(*v->value));
	v->status = xreallocarray(v->status, v->n + 1, sizeof(*v->status));
	v->why = xreallocarray(v->why, v->n + 1, sizeof(*v->why));
	v->conf = xreallocarray(v->conf, v->n + 1, sizeof(*v->conf));
	v->name[v->n] = xstrdup(f->name);
	v->value[v->n] = xstrdup(f->value ? f->value : "");
	v->status[v->n] = xstrdup(f->status);
	v->why[v->n] = f->why ? xstrdup(f->why) : NULL;
	v->conf[v->n++] = f->confidence;
	return 0;
}

static void
fields_release(struct fields *v)
{
	strv_free(v->name, v->n);
	strv_free(v->value, v->n);
	strv_free(v->status, v->n);
	strv_free(v->why, v->n);
	free(v->conf);
}

/* The index of name among v's fields, or v->n. */
static size_t
field_index(const struct fields *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n && strcmp(v->name[i], name) != 0; i++)
		;
	return i;
}

/* Which fields to confirm: those named that have a reading (uncertain,
 * ok or empty; one that is invalid or missing must be set instead, and
 * one a person set or confirmed stays as it is), else every uncertain
 * one.  Marks them in pick; 0, or 1 after saying why not. */
static int
choose(int64_t id, const struct fields *v, char **names, int nnames,
    bool *pick)
{
	size_t i;
	int k;

	if (nnames == 0) {
		for (i = 0; i < v->n; i++)
			pick[i] = strcmp(v->status[i], "uncertain") == 0;
		return 0;
	}
	for (k = 0; k < nnames; k++) {
		if ((i = field_index(v, names[k])) == v->n) {
			fprintf(stderr, "intakectl: case %lld has no field "
			    "\"%s\"\n", (long long)id, names[k]);
			return 1;
		}
		if (strcmp(v->status[i], "invalid") == 0 ||
		    strcmp(v->status[i], "missing") == 0) {
			fprintf(stderr, "intakectl: case %lld: field \"%s\" is "
			    "%s: there is no reading to confirm; correct it with "
			    "intakectl set\n", (long long)id, names[k],
			    v->status[i]);
			return 1;
		}
		pick[i] = v->why[i] == NULL ||
		    (strncmp(v->why[i], "set by ", 7) != 0 &&
		    strncmp(v->why[i], "confirmed by ", 13) != 0);
	}
	return 0;
}

int
cmd_confirm(struct ctl *c, const struct ctl_args *a)
{
	struct fields v = { NULL, NULL, NULL, NULL, NULL, 0 };
	struct case_wf k;
	const char *comment = ctl_opt(a, "comment"), *user = c->user;
	char *why = NULL, *by = NULL, *list = NULL;
	bool *pick = NULL;
	size_t i, n = 0;
	int64_t id = a->id;
	int rc = 1;

	if (store_case_wf_get(c->store, id, &k) != 0) {
		fprintf(stderr, "intakectl: case %lld: no such case\n",
		    (long long)id);
		return 1;
	}
	if (store_case_fields(c->store, id, field_add, &v) != 0)
		goto out;
	pick = xcalloc(v.n + 1, sizeof(*pick));
	if (choose(id, &v, a->argv + 1, a->argc - 1, pick) != 0)
		goto out;
	/* What the machine read goes into the history, as set does. */
	for (i = 0; i < v.n; i++) {
		char *more;

		if (!pick[i])
			continue;
		more = xasprintf("%s%sfield %s: \"%s\" (confidence %.2f)",
		    list ? list : "", list ? ", " : "", v.name[i], v.value[i],
		    v.conf[i]);
		free(list);
		list = more;
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "intakectl: case %lld: %s\n", (long long)id,
		    a->argc > 1 ? "a person set or confirmed those fields "
		    "already" : "no uncertain field to confirm");
		goto out;
	}
	why = xasprintf("confirmed as read by %s: %s", user, list);
	by = xasprintf("confirmed by %s", user);
	if (store_begin(c->store) != 0)
		goto out;
	for (i = 0; i < v.n; i++)
		if (pick[i] && store_case_field_set(c->store, id, v.name[i],
		    v.value[i], strcmp(v.status[i], "empty") == 0 ? "empty" :
		    "ok", by) != 0)
			goto fail;
	if (ctl_note(c, id, k.state, user, why, comment) != 0 ||
	    store_commit(c->store) != 0)
		goto fail;
	printf("case %lld: %zu field%s confirmed:", (long long)id, n,
	    n == 1 ? "" : "s");
	for (i = 0; i < v.n; i++)
		if (pick[i])
			printf(" %s", v.name[i]);
	putchar('\n');
	rc = 0;
	goto out;
fail:
	store_rollback(c->store);
out:
	free(why);
	free(by);
	free(list);
	free(pick);
	fields_release(&v);
	case_wf_release(&k);
	return rc;
}
