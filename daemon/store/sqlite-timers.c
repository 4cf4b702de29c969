/*
 * sqlite-timers.c - timers: a state's deadline and warning, the statutory
 * clock's, paused and resumed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "sqlite.h"

int
store_timer_set(struct store *st, int64_t case_id, const char *kind,
    int64_t due_ms)
{
	sqlite3_stmt *s = st->stmt[S_TIMER_SET];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, due_ms);
	return sqlite_run(st, s, "setting a timer");
}

int
store_timer_clear(struct store *st, int64_t case_id, const char *kind)
{
	sqlite3_stmt *s = st->stmt[kind ? S_TIMER_CLEAR : S_TIMER_CLEAR_ALL];

	sqlite3_bind_int64(s, 1, case_id);
	if (kind != NULL)
		bind_text(s, 2, kind);
	return sqlite_run(st, s, "clearing a timer");
}

int
store_timers_pause(struct store *st, int64_t case_id, int64_t now_ms,
    bool pause)
{
	sqlite3_stmt *s = st->stmt[pause ? S_TIMERS_PAUSE : S_TIMERS_RESUME];

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, now_ms);
	return sqlite_run(st, s, pause ? "pausing the clock" :
	    "resuming the clock");
}

struct due_arg {
	struct due_q	 q;
	struct timer_row *v;
	size_t		 n;
};

static int
due_row(sqlite3_stmt *s, void *arg)
{
	struct due_arg *d = arg;
	struct timer_row *t;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	t = &d->v[d->n++];
	t->case_id = sqlite3_column_int64(s, 0);
	snprintf(t->kind, sizeof(t->kind), "%s", sqlite3_column_text(s, 1));
	t->due_ms = sqlite3_column_int64(s, 2);
	return 0;
}

int
store_timers_due(struct store *st, int64_t now_ms, size_t limit,
    struct timer_row **out, size_t *n)
{
	struct due_arg d = { { now_ms, (int64_t)limit }, NULL, 0 };
	int rc;

	rc = sqlite_each_row(st, S_TIMERS_DUE, "looking for due timers", sqlite_bind_due,
	    &d.q, due_row, &d);
	*out = d.v;
	*n = d.n;
	return rc;
}

int
store_timer_take(struct store *st, const struct timer_row *t)
{
	sqlite3_stmt *s = st->stmt[S_TIMER_TAKE];
	int rc;

	sqlite3_bind_int64(s, 1, t->case_id);
	bind_text(s, 2, t->kind);
	sqlite3_bind_int64(s, 3, t->due_ms);
	if ((rc = sqlite_run(st, s, "taking a timer")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}
