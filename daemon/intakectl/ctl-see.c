/*
 * ctl-see.c - who sees which case: a person sees the cases of the queues
 * their roles work (the workflows say which roles work a state, and the
 * state which team's queue it is); supervisors and admins see all.
 * A case in a state their roles work (one on no queue), on their desk,
 * or one they acted on, they see too.  The same rule holds for
 * intakectl, the control socket and intake-web, since all of them run
 * these commands.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "catalog.h"
#include "store.h"
#include "workflow.h"
#include "ctl.h"

static bool
in_list(char **v, size_t n, const char *s)
{
	return strv_find(v, n, s) >= 0;
}

/* Whether one of roles (n of them) works state s: its own roles or its
 * transitions'. */
static bool
works_state(const struct wf_state *s, char **roles, size_t n)
{
	size_t i, t;

	for (i = 0; i < s->nroles; i++)
		if (in_list(roles, n, s->roles[i]))
			return true;
	for (t = 0; t < s->ntrans; t++)
		for (i = 0; i < s->trans[t].nroles; i++)
			if (in_list(roles, n, s->trans[t].roles[i]))
				return true;
	return false;
}

bool
ctl_sees_all(const struct ctl *c)
{
	/* Without <roles> and not through the daemon, the database's file
	 * permissions decide, as for every reading command. */
	if (c->config.nroles == 0 && !ctl_served(c))
		return true;
	return in_list(c->roles, c->nroles, "supervisor") ||
	    in_list(c->roles, c->nroles, "admin");
}

/* Adds "name\n" to the list *out ("\n...\n") unless it is there. */
static void
list_add(char **out, const char *name)
{
	char *item = xasprintf("\n%s\n", name), *next;

	if (strstr(*out, item) == NULL) {
		next = xasprintf("%s%s\n", *out, name);
		free(*out);
		*out = next;
	}
	free(item);
}

char *
ctl_queues(struct ctl *c, const char *only, char *const *roles, size_t nroles)
{
	const struct catalog *cat = ctl_catalog(c, CATALOG_WORKFLOWS);
	char *out = xstrdup("\n"), *item;
	size_t w, s;

	for (w = 0; w < cat->nwfs; w++)
		for (s = 0; s < cat->wfs[w]->nstates; s++) {
			const struct wf_state *st = &cat->wfs[w]->states[s];

			if ((only != NULL && (st->queue == NULL ||
			    strcmp(st->queue, only) != 0)) ||
			    !works_state(st, (char **)roles, nroles))
				continue;
			if (st->queue != NULL)
				list_add(&out, st->queue);
			/* The state itself, for one on no queue. */
			item = xasprintf("\x1f%s\x1f%s", cat->wfs[w]->id, st->id);
			list_add(&out, item);
			free(item);
		}
	return out;
}

/* The roles besides supervisor and admin that work queue q, for a
 * refusal: "clerk or registry", or NULL when none does (the caller's). */
static char *
roles_of_queue(struct ctl *c, const char *q)
{
	char *one[1], *found = NULL, *next, *rs;
	size_t i;

	for (i = 0; i < c->config.nroles; i++) {
		one[0] = c->config.roles[i].name;
		if (strcmp(one[0], "supervisor") == 0 ||
		    strcmp(one[0], "admin") == 0)
			continue;
		rs = ctl_queues(c, q, one, 1);
		if (strcmp(rs, "\n") != 0) {
			next = found ? xasprintf("%s or %s", found, one[0]) :
			    xstrdup(one[0]);
			free(found);
			found = next;
		}
		free(rs);
	}
	return found;
}

static int
count_row(const struct case_row *k, void *arg)
{
	(void)k;
	++*(int *)arg;
	return 0;
}

int
ctl_may_read(struct ctl *c, int64_t id)
{
	struct case_filter f;
	struct case_wf k;
	char *mine, *need;
	int rc, n = 0;

	if (ctl_sees_all(c))
		return 0;
	if (ctl_case_wf(c, id, &k) != 0)
		return 1;
	/* The listing's own rule, for this one case. */
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.now_ms = now_ms();
	f.queues = mine = ctl_queues(c, NULL, c->roles, c->nroles);
	f.person = c->user;
	rc = store_cases(c->store, &f, count_row, &n);
	free(mine);
	if (rc == 0 && n == 0) {
		need = k.queue ? roles_of_queue(c, k.queue) : NULL;
		if (k.queue == NULL)
			fprintf(stderr, "intakectl: case %lld: on no team's "
			    "queue, and %s never worked it; it needs the role "
			    "supervisor or admin\n", (long long)id, c->user);
		else
			fprintf(stderr, "intakectl: case %lld: on the queue "
			    "\"%s\", which none of %s's roles works; it needs "
			    "the role %s%s\n", (long long)id, k.queue, c->user,
			    need ? need : "", need ? " (or supervisor)" :
			    "supervisor or admin");
		free(need);
	}
	case_wf_release(&k);
	return rc == 0 && n > 0 ? 0 : 1;
}
