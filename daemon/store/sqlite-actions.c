/*
 * sqlite-actions.c - actions: queued by transitions, claimed by
 * intake-action one at a time per case, retried.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "sqlite.h"

int
store_action_add(struct store *st, int64_t case_id, int history_seq,
    const char *plugin, const char *params, int64_t next_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_ADD];

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, history_seq);
	bind_text(s, 3, plugin);
	bind_text(s, 4, params);
	sqlite3_bind_int64(s, 5, next_ms);
	return sqlite_run(st, s, "queueing an action");
}

struct act_arg {
	struct due_q	 q;
	struct action_row *v;
	size_t		 n;
};

static int
action_row_read(sqlite3_stmt *s, void *arg)
{
	struct act_arg *d = arg;
	struct action_row *a;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	a = &d->v[d->n++];
	a->id = sqlite3_column_int64(s, 0);
	a->case_id = sqlite3_column_int64(s, 1);
	a->history_seq = sqlite3_column_int(s, 2);
	a->plugin = col_text(s, 3);
	a->params = col_text(s, 4);
	a->attempts = sqlite3_column_int(s, 5);
	return 0;
}

int
store_actions_due(struct store *st, int64_t now_ms, size_t limit,
    struct action_row **out, size_t *n)
{
	struct act_arg d = { { now_ms, (int64_t)limit }, NULL, 0 };
	int rc;

	rc = sqlite_each_row(st, S_ACTIONS_DUE, "looking for actions", sqlite_bind_due,
	    &d.q, action_row_read, &d);
	*out = d.v;
	*n = d.n;
	return rc;
}

int
store_action_get(struct store *st, int64_t id, struct action_row **out)
{
	struct act_arg d = { { 0, 0 }, NULL, 0 };
	int rc;

	*out = NULL;
	rc = sqlite_each_row(st, S_ACTION_GET, "reading an action", sqlite_bind_case,
	    &id, action_row_read, &d);
	if (rc == 0 && d.n == 0)
		rc = INTAKE_ENOENT;
	if (rc == 0)
		*out = d.v;
	else
		action_rows_free(d.v, d.n);
	return rc;
}

int
store_action_claim(struct store *st, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_CLAIM];
	int rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	if ((rc = sqlite_run(st, s, "claiming an action")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}

int
store_actions_unclaim(struct store *st, size_t *n)
{
	int rc;

	*n = 0;
	if ((rc = sqlite_run(st, st->stmt[S_ACTIONS_UNCLAIM],
	    "releasing interrupted actions")) == 0)
		*n = (size_t)sqlite3_changes(st->db);
	return rc;
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

int
store_action_done(struct store *st, int64_t id, const char *status,
    const char *error, int64_t next_ms, int64_t now_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_DONE];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	bind_text(s, 3, error);
	bind_id(s, 4, next_ms);
	sqlite3_bind_int64(s, 5, now_ms);
	return sqlite_run(st, s, "recording an action");
}

int
store_case_retry_actions(struct store *st, int64_t case_id, int64_t now_ms,
    int *n)
{
	sqlite3_stmt *s = st->stmt[S_ACTIONS_RETRY];
	int rc;

	*n = 0;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, now_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		(*n)++;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "retrying actions");
}
