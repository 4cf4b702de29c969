/*
 * store.c - what every backend of the store shares: the names deliveries'
 * statuses and stages are kept by, and freeing what the store hands out.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "store.h"

static const char *const status_names[] = {
	[DS_PENDING] = "pending", [DS_CASE] = "case",
	[DS_QUARANTINED] = "quarantined", [DS_DUPLICATE] = "duplicate",
	[DS_IGNORED] = "ignored",
};
static const char *const stage_names[] = {
	[STAGE_CLAIMING] = "claiming", [STAGE_COPIED] = "copied",
	[STAGE_SPOOLED] = "spooled",
	[STAGE_REJECTING] = "rejecting", [STAGE_DONE] = "done",
};

const char *
delivery_status_name(enum delivery_status s)
{
	return status_names[s];
}

const char *
delivery_stage_name(enum delivery_stage s)
{
	return stage_names[s];
}

/* Unknown or NULL: the first name's (pending, claiming). */
static int
name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

enum delivery_status
delivery_status_from_name(const char *name)
{
	return (enum delivery_status)name_index(status_names,
	    sizeof(status_names) / sizeof(status_names[0]), name);
}

enum delivery_stage
delivery_stage_from_name(const char *name)
{
	return (enum delivery_stage)name_index(stage_names,
	    sizeof(stage_names) / sizeof(stage_names[0]), name);
}

/* Frees the strings a row owns, n of them. */
static void
strings_free(char *const *owned, size_t n)
{
	while (n > 0)
		free(owned[--n]);
}

void
delivery_release(struct delivery *d)
{
	char *owned[] = { d->token, d->inbox, d->name, d->sha256, d->reason,
	    d->location, d->last_error };

	strings_free(owned, sizeof(owned) / sizeof(owned[0]));
	memset(d, 0, sizeof(*d));
}

void
case_wf_release(struct case_wf *c)
{
	char *owned[] = { c->form, c->state, c->workflow, c->queue };

	strings_free(owned, sizeof(owned) / sizeof(owned[0]));
	memset(c, 0, sizeof(*c));
}

void
action_rows_free(struct action_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].plugin);
		free(v[i].params);
	}
	free(v);
}
