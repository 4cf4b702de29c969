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
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_actions (case_id, history_seq, plugin, params, "
	    "status, next_ms) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)" };

	return sqlite_exec(st, &sql, "queueing an action", "IittI", case_id,
	    history_seq, plugin, params, next_ms);
}

static void
action_from_row(sqlite3_stmt *s, void *elem)
{
	struct action_row *a = elem;

	sqlite_cols(s, "IIitti", &a->id, &a->case_id, &a->history_seq,
	    &a->plugin, &a->params, &a->attempts);
}

int
store_actions_due(struct store *st, int64_t now_ms, size_t limit,
    struct action_row **out, size_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT id, case_id, history_seq, plugin, params, attempts "
	    "FROM case_actions a WHERE status = 'pending' AND next_ms <= ?1 "
	    "AND started_ms IS NULL AND NOT EXISTS (SELECT 1 FROM case_actions "
	    "b WHERE b.case_id = a.case_id AND b.status = 'pending' AND "
	    "b.id < a.id) ORDER BY next_ms, id LIMIT ?2" };
	int rc;

	*out = sqlite_collect(st, sqlite_stmt(st, &sql, "II", now_ms,
	    (int64_t)limit), "looking for actions", sizeof(**out),
	    action_from_row, n, &rc);
	return rc;
}

int
store_action_get(struct store *st, int64_t id, struct action_row **out)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT id, case_id, history_seq, plugin, params, attempts "
	    "FROM case_actions WHERE id = ?1" };
	int rc;

	*out = xcalloc(1, sizeof(**out));
	if ((rc = sqlite_row(st, sqlite_stmt(st, &sql, "I", id),
	    "reading an action", action_from_row, *out)) != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
store_action_claim(struct store *st, int64_t id, int64_t now_ms)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET started_ms = ?2 WHERE id = ?1 AND "
	    "status = 'pending' AND started_ms IS NULL" };

	return sqlite_exec_one(st, &sql, "claiming an action", "II", id, now_ms);
}

int
store_actions_unclaim(struct store *st, size_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET started_ms = NULL WHERE status = 'pending' "
	    "AND started_ms IS NOT NULL" };
	int rc;

	*n = 0;
	if ((rc = sqlite_exec(st, &sql, "releasing interrupted actions", "")) ==
	    0)
		*n = (size_t)sqlite3_changes(st->db);
	return rc;
}

int
store_action_done(struct store *st, int64_t id, const char *status,
    const char *error, int64_t next_ms, int64_t now_ms)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET status = ?2, error = ?3, next_ms = "
	    "coalesce(?4, next_ms), attempts = attempts + 1, done_ms = CASE "
	    "WHEN ?2 <> 'pending' THEN ?5 END, started_ms = NULL WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording an action", "IttnI", id, status,
	    error, next_ms, now_ms);
}

int
store_case_retry_actions(struct store *st, int64_t case_id, int64_t now_ms,
    int *n)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET status = 'pending', attempts = 0, "
	    "next_ms = ?2, error = NULL WHERE case_id = ?1 AND status = 'failed' "
	    "RETURNING plugin" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "II", case_id, now_ms);
	int rc = 0;

	/* One row for each action put back. */
	*n = 0;
	while (sqlite_next(st, s, "retrying actions", &rc, ""))
		(*n)++;
	return rc;
}
