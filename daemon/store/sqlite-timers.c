/*
 * sqlite-timers.c - timers: a state's deadline and warning, the statutory
 * clock's, paused and resumed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "sqlite.h"

int
store_timer_set(struct store *st, int64_t case_id, const char *kind,
    int64_t due_ms)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT OR REPLACE INTO timers (case_id, kind, due_ms, left_ms) "
	    "VALUES (?1, ?2, ?3, NULL)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, kind);
	bind_int64(s, 3, due_ms);
	return sqlite_run(st, s, "setting a timer");
}

int
store_timer_clear(struct store *st, int64_t case_id, const char *kind)
{
	static struct sqlite_sql one = { .text =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2" };
	static struct sqlite_sql all = { .text =
	    "DELETE FROM timers WHERE case_id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, kind ? &one : &all);

	bind_int64(s, 1, case_id);
	if (kind != NULL)
		bind_text(s, 2, kind);
	return sqlite_run(st, s, "clearing a timer");
}

int
store_timers_pause(struct store *st, int64_t case_id, int64_t now_ms,
    bool pause)
{
	static struct sqlite_sql stop = { .text =
	    "UPDATE timers SET left_ms = max(due_ms - ?2, 0), due_ms = NULL "
	    "WHERE case_id = ?1 AND kind IN ('overdue', 'overdue-warning') "
	    "AND due_ms IS NOT NULL" };
	static struct sqlite_sql restart = { .text =
	    "UPDATE timers SET due_ms = ?2 + left_ms, left_ms = NULL "
	    "WHERE case_id = ?1 AND left_ms IS NOT NULL" };
	sqlite3_stmt *s = sqlite_stmt(st, pause ? &stop : &restart);

	bind_int64(s, 1, case_id);
	bind_int64(s, 2, now_ms);
	return sqlite_run(st, s, pause ? "pausing the clock" :
	    "resuming the clock");
}

static void
timer_from_row(sqlite3_stmt *s, void *elem)
{
	struct timer_row *t = elem;

	t->case_id = sqlite3_column_int64(s, 0);
	snprintf(t->kind, sizeof(t->kind), "%s", sqlite3_column_text(s, 1));
	t->due_ms = sqlite3_column_int64(s, 2);
}

int
store_timers_due(struct store *st, int64_t now_ms, size_t limit,
    struct timer_row **out, size_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT case_id, kind, due_ms FROM timers WHERE due_ms <= ?1 "
	    "ORDER BY due_ms LIMIT ?2" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	void *v;
	int rc;

	bind_int64(s, 1, now_ms);
	bind_int64(s, 2, (int64_t)limit);
	rc = sqlite_collect(st, s, "looking for due timers", sizeof(**out),
	    timer_from_row, &v, n);
	*out = v;
	return rc;
}

int
store_timer_take(struct store *st, const struct timer_row *t)
{
	static struct sqlite_sql sql = { .text =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2 AND due_ms = ?3" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, t->case_id);
	bind_text(s, 2, t->kind);
	bind_int64(s, 3, t->due_ms);
	return sqlite_run_one(st, s, "taking a timer");
}
