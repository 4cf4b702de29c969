/*
 * sqlite-rereads.c - cases to be read again: intakectl asks, the running
 * daemon's workers read, the daemon answers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "sqlite.h"

void
reread_row_release(struct reread_row *r)
{
	free(r->form);
	free(r->actor);
	free(r->comment);
	free(r->outcome);
	memset(r, 0, sizeof(*r));
}

int
store_reread_ask(struct store *st, int64_t case_id, const char *form,
    const char *actor, const char *comment, int64_t *id)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO rereads (case_id, form, actor, comment, asked_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)" };
	int rc;

	if ((rc = sqlite_exec(st, &sql, "asking for a case to be read again",
	    "ItttI", case_id, form, actor, comment, now_ms())) == 0)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

#define REREAD_COLS	"id, case_id, form, actor, comment, asked_ms, " \
			"coalesce(done_ms, 0), coalesce(ok, 0), outcome"

static int
reread_get(struct store *st, struct sqlite_sql *sql, const char *binds,
    int64_t id, struct reread_row *out)
{
	memset(out, 0, sizeof(*out));
	return sqlite_get(st, sql, "reading a request to read a case again",
	    binds, "IItttIIbt", id, &out->id, &out->case_id, &out->form,
	    &out->actor, &out->comment, &out->asked_ms, &out->done_ms,
	    &out->ok, &out->outcome);
}

int
store_reread_next(struct store *st, int64_t after, struct reread_row *out)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " REREAD_COLS " FROM rereads WHERE done_ms IS NULL "
	    "AND id > ?1 ORDER BY id LIMIT 1" };

	return reread_get(st, &sql, "I", after, out);
}

int
store_reread_get(struct store *st, int64_t id, struct reread_row *out)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " REREAD_COLS " FROM rereads WHERE id = ?1" };

	return reread_get(st, &sql, "I", id, out);
}

int
store_reread_answer(struct store *st, int64_t id, bool ok,
    const char *outcome)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE rereads SET done_ms = ?2, ok = ?3, outcome = ?4 "
	    "WHERE id = ?1 AND done_ms IS NULL" };

	return sqlite_exec_one(st, &sql, "answering a request to read a case "
	    "again", "IIit", id, now_ms(), (int)ok, outcome);
}
