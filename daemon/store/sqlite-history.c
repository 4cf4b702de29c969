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
	sqlite3_stmt *s = st->stmt[S_HISTORY_ADD];
	int rc;

	sqlite3_bind_int64(s, 1, h->case_id);
	sqlite3_bind_int64(s, 2, h->at_ms);
	bind_text(s, 3, h->actor);
	bind_text(s, 4, h->kind);
	bind_text(s, 5, h->event);
	bind_text(s, 6, h->from);
	bind_text(s, 7, h->to);
	bind_text(s, 8, h->why);
	bind_text(s, 9, h->comment);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW && seq != NULL)
		*seq = sqlite3_column_int(s, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : sqlite_fail(st, "recording the history");
}

static int
history_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const struct history_row *, void *) =
	    (int (*)(const struct history_row *, void *))a->fn;
	struct history_row h;

	h.case_id = 0;
	h.seq = sqlite3_column_int(s, 0);
	h.at_ms = sqlite3_column_int64(s, 1);
	h.actor = (const char *)sqlite3_column_text(s, 2);
	h.kind = (const char *)sqlite3_column_text(s, 3);
	h.event = (const char *)sqlite3_column_text(s, 4);
	h.from = (const char *)sqlite3_column_text(s, 5);
	h.to = (const char *)sqlite3_column_text(s, 6);
	h.why = (const char *)sqlite3_column_text(s, 7);
	h.comment = (const char *)sqlite3_column_text(s, 8);
	return fn(&h, a->arg);
}

int
store_case_history(struct store *st, int64_t case_id,
    int (*fn)(const struct history_row *, void *), void *arg)
{
	struct rows_arg a = { (void *)fn, arg };

	return sqlite_each_row(st, S_HISTORY, "reading the history", sqlite_bind_case,
	    &case_id, history_row, &a);
}
