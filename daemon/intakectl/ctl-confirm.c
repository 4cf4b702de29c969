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

/* The index of name among v's fields, or v->n. */
static size_t
field_index(const struct field_copies *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n && strcmp(v->v[i].name, name) != 0; i++)
		;
	return i;
}

/* Which fields to confirm: those named that have a reading (uncertain,
 * ok or empty; one that is invalid or missing must be set instead, and
 * one a person set or confirmed stays as it is), else every uncertain
 * one.  Marks them in pick; 0, or 1 after saying why not. */
static int
choose(int64_t id, const struct field_copies *v, char **names, int nnames,
    bool *pick)
{
	size_t i;
	int k;

	if (nnames == 0) {
		for (i = 0; i < v->n; i++)
			pick[i] = strcmp(v->v[i].status, "uncertain") == 0;
		return 0;
	}
	for (k = 0; k < nnames; k++) {
		if ((i = field_index(v, names[k])) == v->n) {
			fprintf(stderr, "intakectl: case %lld has no field "
			    "\"%s\"\n", (long long)id, names[k]);
			return 1;
		}
		if (strcmp(v->v[i].status, "invalid") == 0 ||
		    strcmp(v->v[i].status, "missing") == 0) {
			fprintf(stderr, "intakectl: case %lld: field \"%s\" is "
			    "%s: there is no reading to confirm; correct it with "
			    "intakectl set\n", (long long)id, names[k],
			    v->v[i].status);
			return 1;
		}
		pick[i] = !field_by_person(&v->v[i]);
	}
	return 0;
}

int
cmd_confirm(struct ctl *c, const struct ctl_args *a)
{
	struct field_copies v = { NULL, 0 };
	struct case_wf k;
	const char *comment = ctl_opt(a, "comment"), *user = c->user;
	char *why = NULL, *by = NULL, *list = NULL;
	bool *pick = NULL;
	size_t i, n = 0;
	int64_t id = a->id;
	int rc = 1;

	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	if (store_case_field_copies(c->store, id, &v) != 0)
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
		    list ? list : "", list ? ", " : "", v.v[i].name,
		    v.v[i].value, v.v[i].confidence);
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
		if (pick[i] && store_case_field_set(c->store, id, v.v[i].name,
		    v.v[i].value, strcmp(v.v[i].status, "empty") == 0 ?
		    "empty" : "ok", by) != 0)
			goto fail;
	if (ctl_note(c, id, k.state, user, why, comment) != 0 ||
	    store_commit(c->store) != 0)
		goto fail;
	printf("case %lld: %zu field%s confirmed:", (long long)id, n,
	    n == 1 ? "" : "s");
	for (i = 0; i < v.n; i++)
		if (pick[i])
			printf(" %s", v.v[i].name);
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
	field_copies_release(&v);
	case_wf_release(&k);
	return rc;
}
