/*
 * store.c - what every backend of the store shares: the names deliveries'
 * statuses and stages are kept by, freeing what the store hands out, and
 * a case's fields copied out.
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

static int
field_copy_add(const struct field_row *f, void *arg)
{
	struct field_copies *c = arg;
	struct field_copy *k;

	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	k = &c->v[c->n++];
	k->name = xstrdup(f->name);
	k->value = xstrdup(f->value ? f->value : "");
	k->status = xstrdup(f->status);
	k->why = f->why ? xstrdup(f->why) : NULL;
	k->confidence = f->confidence;
	return 0;
}

int
store_case_field_copies(struct store *st, int64_t case_id,
    struct field_copies *out)
{
	memset(out, 0, sizeof(*out));
	return store_case_fields(st, case_id, field_copy_add, out);
}

bool
field_by_person(const struct field_copy *f)
{
	return f->why != NULL && (strncmp(f->why, "set by ", 7) == 0 ||
	    strncmp(f->why, "confirmed by ", 13) == 0);
}

void
field_copies_release(struct field_copies *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].value);
		free(c->v[i].status);
		free(c->v[i].why);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
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
