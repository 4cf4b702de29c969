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

	return sqlite_exec(st, &sql, "setting a timer", "ItI", case_id, kind,
	    due_ms);
}

int
store_timer_clear(struct store *st, int64_t case_id, const char *kind)
{
	static struct sqlite_sql one = { .text =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2" };
	static struct sqlite_sql all = { .text =
	    "DELETE FROM timers WHERE case_id = ?1" };

	if (kind == NULL)
		return sqlite_exec(st, &all, "clearing a timer", "I", case_id);
	return sqlite_exec(st, &one, "clearing a timer", "It", case_id, kind);
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

	return sqlite_exec(st, pause ? &stop : &restart, pause ?
	    "pausing the clock" : "resuming the clock", "II", case_id, now_ms);
}

static void
timer_from_row(sqlite3_stmt *s, void *elem)
{
	struct timer_row *t = elem;

	const char *kind;

	sqlite_cols(s, "IsI", &t->case_id, &kind, &t->due_ms);
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
}

int
store_timers_due(struct store *st, int64_t now_ms, size_t limit,
    struct timer_row **out, size_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT case_id, kind, due_ms FROM timers WHERE due_ms <= ?1 "
	    "ORDER BY due_ms LIMIT ?2" };
	int rc;

	*out = sqlite_collect(st, sqlite_stmt(st, &sql, "II", now_ms,
	    (int64_t)limit), "looking for due timers", sizeof(**out),
	    timer_from_row, n, &rc);
	return rc;
}

int
store_timer_take(struct store *st, const struct timer_row *t)
{
	static struct sqlite_sql sql = { .text =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2 AND due_ms = ?3" };

	return sqlite_exec_one(st, &sql, "taking a timer", "ItI", t->case_id,
	    t->kind, t->due_ms);
}
