/*
 * sqlite-stmt.c - the SQLite backend's statements: each prepared at its
 * first use and kept by the store, and what runs them (one loop for every
 * list, whether its rows go to a callback or into an array).
 *
 * A statement's SQL is written beside the function that runs it (a static
 * struct sqlite_sql, see sqlite.h); the daemon and intakectl call those
 * functions in loops, so each is prepared once per store, not per call.
 * A list's rows are handed to a callback that may use the store again,
 * even the same list: a statement already being stepped further up is
 * not disturbed, the nested call gets a private one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sqlite.h"

/* Slots are numbered across stores: the daemon has one thread. */
static size_t sqlite_slots;

sqlite3_stmt *
sqlite_prepare(struct store *st, const char *text)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(st->db, text, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	st->lent = xreallocarray(st->lent, st->nlent + 1, sizeof(*st->lent));
	st->lent[st->nlent++] = s;
	return s;
}

sqlite3_stmt *
sqlite_stmt(struct store *st, struct sqlite_sql *sql)
{
	sqlite3_stmt **s;

	if (sql->slot == 0)
		sql->slot = ++sqlite_slots;
	if (sql->slot > st->nstmt) {
		st->stmt = xreallocarray(st->stmt, sql->slot, sizeof(*st->stmt));
		memset(st->stmt + st->nstmt, 0,
		    (sql->slot - st->nstmt) * sizeof(*st->stmt));
		st->nstmt = sql->slot;
	}
	s = &st->stmt[sql->slot - 1];
	if (*s == NULL && sqlite3_prepare_v3(st->db, sql->text, -1,
	    SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_stmt_busy(*s))
		return sqlite_prepare(st, sql->text);
	return *s;
}

void
sqlite_release(struct store *st, sqlite3_stmt *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < st->nlent; i++)
		if (st->lent[i] == s) {
			st->lent[i] = st->lent[--st->nlent];
			sqlite3_finalize(s);
			return;
		}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

int
sqlite_rows(struct store *st, sqlite3_stmt *s, const char *what,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	int rc, r = 0;

	if (s == NULL)
		return sqlite_fail(st, what);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (row != NULL && (r = row(s, arg)) != 0)
			break;
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, what);
	sqlite_release(st, s);
	return r;
}

struct collect {
	void		(*fill)(sqlite3_stmt *, void *);
	size_t		 size;
	char		*v;
	size_t		 n;
};

static int
collect_row(sqlite3_stmt *s, void *arg)
{
	struct collect *c = arg;

	c->v = xreallocarray(c->v, c->n + 1, c->size);
	memset(c->v + c->n * c->size, 0, c->size);
	c->fill(s, c->v + c->n++ * c->size);
	return 0;
}

int
sqlite_collect(struct store *st, sqlite3_stmt *s, const char *what,
    size_t size, void (*fill)(sqlite3_stmt *, void *elem), void **v,
    size_t *n)
{
	struct collect c = { fill, size, NULL, 0 };
	int rc;

	rc = sqlite_rows(st, s, what, collect_row, &c);
	*v = c.v;
	*n = c.n;
	return rc;
}

int
sqlite_row(struct store *st, sqlite3_stmt *s, const char *what,
    void (*row)(sqlite3_stmt *, void *), void *arg)
{
	int rc, r = 0;

	if (s == NULL)
		return sqlite_fail(st, what);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		row(s, arg);
	else
		r = rc == SQLITE_DONE ? INTAKE_ENOENT : sqlite_fail(st, what);
	sqlite_release(st, s);
	return r;
}

int
sqlite_run(struct store *st, sqlite3_stmt *s, const char *what)
{
	int r = 0;

	if (s == NULL || sqlite3_step(s) != SQLITE_DONE)
		r = sqlite_fail(st, what);
	sqlite_release(st, s);
	return r;
}

int
sqlite_run_one(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc;

	if ((rc = sqlite_run(st, s, what)) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}
