/*
 * sqlite-history.c - a case's append-only history.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlite.h"

int
store_history_add(struct store *st, const struct history_row *h, int *seq)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_history (case_id, seq, at_ms, actor, kind, event, "
	    "from_state, to_state, why, comment) VALUES (?1, (SELECT "
	    "coalesce(max(seq), 0) + 1 FROM case_history WHERE case_id = ?1), "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING seq" };

	/* seq, when the caller wants it, is the one the entry was given. */
	return sqlite_get(st, &sql, "recording the history", "IIttttttt", "i",
	    h->case_id, h->at_ms, h->actor, h->kind, h->event, h->from, h->to,
	    h->why, h->comment, seq);
}

int
store_case_history(struct store *st, int64_t case_id,
    int (*fn)(const struct history_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT seq, at_ms, actor, kind, event, from_state, to_state, why, "
	    "comment FROM case_history WHERE case_id = ?1 ORDER BY seq" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "I", case_id);
	struct history_row h = { .case_id = 0 };
	int rc = 0;

	while (sqlite_next(st, s, "reading the history", &rc, "iIsssssss",
	    &h.seq, &h.at_ms, &h.actor, &h.kind, &h.event, &h.from, &h.to,
	    &h.why, &h.comment))
		rc = fn(&h, arg);
	return rc;
}
