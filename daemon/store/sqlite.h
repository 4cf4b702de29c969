/*
 * sqlite.h - the SQLite backend's own helpers, shared by its files
 * (sqlite*.c) and by no one else: store.h is the interface, and no SQLite
 * type may appear there.
 *
 * Each statement is written beside the function that runs it:
 *
 *	static struct sqlite_sql sql = { .text =
 *	    "UPDATE cases SET form = ?2 WHERE id = ?1" };
 *	sqlite3_stmt *s = sqlite_stmt(st, &sql);
 *
 *	bind_int64(s, 1, case_id);
 *	bind_text(s, 2, form);
 *	return sqlite_run(st, s, "recording the form");
 *
 * The store prepares it at its first use and keeps it for the next ones;
 * whatever runs it (sqlite_run, sqlite_row, sqlite_rows, sqlite_collect)
 * resets it for the next call.  A statement that could not be prepared is NULL: the bind
 * helpers pass over it and whatever runs it reports the failure, as what
 * the function was doing, so a function checks once, where it runs.
 */
#ifndef INTAKE_STORE_SQLITE_H
#define INTAKE_STORE_SQLITE_H

#include <sqlite3.h>

#include "intake.h"
#include "store.h"

/* A statement's text and where each store keeps it prepared (the slot is
 * numbered at its first use, the same in every store). */
struct sqlite_sql {
	const char	*text;
	size_t		 slot;		/* 0: not used yet */
};

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	**stmt;		/* prepared, by slot - 1 */
	size_t		 nstmt;
	sqlite3_stmt	**lent;		/* private ones in use now */
	size_t		 nlent;
};

/* Logs what failed with SQLite's message; INTAKE_EBUSY when the database
 * stayed locked past the busy timeout, else INTAKE_ERR. */
int	sqlite_fail(struct store *, const char *what);
/* Runs SQL text without parameters (pragmas, transactions, migrations). */
int	sqlite_exec(struct store *, const char *sql);
/* sqlite-schema.c: brings the schema up to this program's version. */
int	sqlite_migrate(struct store *);

/* sqlite-stmt.c: statements, prepared once and kept. */
/* The store's prepared statement for sql, ready to bind (NULL: it could
 * not be prepared).  When that one is being stepped by a caller further
 * up (a row callback that uses the store), a private one instead. */
sqlite3_stmt *sqlite_stmt(struct store *, struct sqlite_sql *sql);
/* A private statement for text built at run time (sqlite-cases.c's
 * listing), finalized when it has run; NULL when it could not be. */
sqlite3_stmt *sqlite_prepare(struct store *, const char *text);
/* Gives a statement back without running it to its end: the store's is
 * reset and its bindings cleared, a private one finalized. */
void	sqlite_release(struct store *, sqlite3_stmt *);
/* Steps s to its end, calling row for each row (NULL: rows are skipped);
 * stops at the first row for which row returns non-zero and returns that.
 * An error (s NULL: it could not be prepared) is logged as what failed,
 * with SQLite's message.  s is released in every case. */
int	sqlite_rows(struct store *, sqlite3_stmt *s, const char *what,
	    int (*row)(sqlite3_stmt *, void *), void *arg);
/* The first row only: 0 when there was one (row read it), INTAKE_ENOENT
 * when there was none.  s is released. */
int	sqlite_row(struct store *, sqlite3_stmt *s, const char *what,
	    void (*row)(sqlite3_stmt *, void *), void *arg);
/* Every row of s as an element of an array (*v, *n the caller's, even
 * after an error, with the rows read until then): each element is size
 * bytes, filled by fill. */
int	sqlite_collect(struct store *, sqlite3_stmt *s, const char *what,
	    size_t size, void (*fill)(sqlite3_stmt *, void *elem), void **v,
	    size_t *n);
/* Runs a statement that returns no rows. */
int	sqlite_run(struct store *, sqlite3_stmt *s, const char *what);
/* The same for one that must change one row: INTAKE_ENOENT when it
 * changed none. */
int	sqlite_run_one(struct store *, sqlite3_stmt *s, const char *what);

/* Binding helpers, passing over a statement that could not be prepared:
 * NULL strings and zero ids become SQL NULL. */
static inline void
bind_null(sqlite3_stmt *s, int i)
{
	if (s != NULL)
		sqlite3_bind_null(s, i);
}

static inline void
bind_int(sqlite3_stmt *s, int i, int v)
{
	if (s != NULL)
		sqlite3_bind_int(s, i, v);
}

static inline void
bind_int64(sqlite3_stmt *s, int i, int64_t v)
{
	if (s != NULL)
		sqlite3_bind_int64(s, i, v);
}

static inline void
bind_double(sqlite3_stmt *s, int i, double v)
{
	if (s != NULL)
		sqlite3_bind_double(s, i, v);
}

static inline void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		bind_null(s, i);
	else if (s != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static inline void
bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		bind_null(s, i);
	else
		bind_int64(s, i, v);
}

/* A column's text, owned by the caller (NULL for SQL NULL). */
static inline char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/* A column's text, borrowed until the next row. */
static inline const char *
col_str(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

#endif
