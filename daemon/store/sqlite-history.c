/*
 * sqlite-history.c - a case's append-only history.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlite.h"

/* The seq the new entry was given, when the caller wants it. */
static int
history_seq(sqlite3_stmt *s, void *arg)
{
	if (arg != NULL)
		*(int *)arg = sqlite3_column_int(s, 0);
	return 0;
}

int
store_history_add(struct store *st, const struct history_row *h, int *seq)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_history (case_id, seq, at_ms, actor, kind, event, "
	    "from_state, to_state, why, comment) VALUES (?1, (SELECT "
	    "coalesce(max(seq), 0) + 1 FROM case_history WHERE case_id = ?1), "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING seq" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, h->case_id);
	bind_int64(s, 2, h->at_ms);
	bind_text(s, 3, h->actor);
	bind_text(s, 4, h->kind);
	bind_text(s, 5, h->event);
	bind_text(s, 6, h->from);
	bind_text(s, 7, h->to);
	bind_text(s, 8, h->why);
	bind_text(s, 9, h->comment);
	return sqlite_rows(st, s, "recording the history", history_seq, seq);
}

struct history_rows {
	int		(*fn)(const struct history_row *, void *);
	void		*arg;
};

static int
history_from_row(sqlite3_stmt *s, void *arg)
{
	struct history_rows *a = arg;
	struct history_row h;

	h.case_id = 0;
	h.seq = sqlite3_column_int(s, 0);
	h.at_ms = sqlite3_column_int64(s, 1);
	h.actor = col_str(s, 2);
	h.kind = col_str(s, 3);
	h.event = col_str(s, 4);
	h.from = col_str(s, 5);
	h.to = col_str(s, 6);
	h.why = col_str(s, 7);
	h.comment = col_str(s, 8);
	return a->fn(&h, a->arg);
}

int
store_case_history(struct store *st, int64_t case_id,
    int (*fn)(const struct history_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT seq, at_ms, actor, kind, event, from_state, to_state, why, "
	    "comment FROM case_history WHERE case_id = ?1 ORDER BY seq" };
	struct history_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	return sqlite_rows(st, s, "reading the history", history_from_row, &a);
}
