/*
 * sqlite-actions.c - actions: queued by transitions, claimed by
 * intake-action one at a time per case, retried.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlite.h"

int
store_action_add(struct store *st, int64_t case_id, int history_seq,
    const char *plugin, const char *params, int64_t next_ms)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_actions (case_id, history_seq, plugin, params, "
	    "status, next_ms) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_int(s, 2, history_seq);
	bind_text(s, 3, plugin);
	bind_text(s, 4, params);
	bind_int64(s, 5, next_ms);
	return sqlite_run(st, s, "queueing an action");
}

static void
action_from_row(sqlite3_stmt *s, void *elem)
{
	struct action_row *a = elem;

	a->id = sqlite3_column_int64(s, 0);
	a->case_id = sqlite3_column_int64(s, 1);
	a->history_seq = sqlite3_column_int(s, 2);
	a->plugin = col_text(s, 3);
	a->params = col_text(s, 4);
	a->attempts = sqlite3_column_int(s, 5);
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
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	void *v;
	int rc;

	bind_int64(s, 1, now_ms);
	bind_int64(s, 2, (int64_t)limit);
	rc = sqlite_collect(st, s, "looking for actions", sizeof(**out),
	    action_from_row, &v, n);
	*out = v;
	return rc;
}

int
store_action_get(struct store *st, int64_t id, struct action_row **out)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT id, case_id, history_seq, plugin, params, attempts "
	    "FROM case_actions WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	void *v;
	size_t n;
	int rc;

	*out = NULL;
	bind_int64(s, 1, id);
	rc = sqlite_collect(st, s, "reading an action", sizeof(**out),
	    action_from_row, &v, &n);
	if (rc == 0 && n == 0)
		rc = INTAKE_ENOENT;
	if (rc == 0)
		*out = v;
	else
		action_rows_free(v, n);
	return rc;
}

int
store_action_claim(struct store *st, int64_t id, int64_t now_ms)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET started_ms = ?2 WHERE id = ?1 AND "
	    "status = 'pending' AND started_ms IS NULL" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_int64(s, 2, now_ms);
	return sqlite_run_one(st, s, "claiming an action");
}

int
store_actions_unclaim(struct store *st, size_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET started_ms = NULL WHERE status = 'pending' "
	    "AND started_ms IS NOT NULL" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	*n = 0;
	if ((rc = sqlite_run(st, s, "releasing interrupted actions")) == 0)
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
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_text(s, 2, status);
	bind_text(s, 3, error);
	bind_id(s, 4, next_ms);
	bind_int64(s, 5, now_ms);
	return sqlite_run(st, s, "recording an action");
}

/* Counts the actions put back, one row each. */
static int
one_more(sqlite3_stmt *s, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

int
store_case_retry_actions(struct store *st, int64_t case_id, int64_t now_ms,
    int *n)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_actions SET status = 'pending', attempts = 0, "
	    "next_ms = ?2, error = NULL WHERE case_id = ?1 AND status = 'failed' "
	    "RETURNING plugin" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	*n = 0;
	bind_int64(s, 1, case_id);
	bind_int64(s, 2, now_ms);
	return sqlite_rows(st, s, "retrying actions", one_more, n);
}
