/*
 * sqlite.h - the SQLite backend's own helpers, shared by its files
 * (sqlite*.c) and by no one else: store.h is the interface, and no SQLite
 * type may appear there.
 *
 * Each statement is written beside the function that runs it, and its
 * values are bound by a format, a letter each (see sqlite_bind):
 *
 *	static struct sqlite_sql sql = { .text =
 *	    "UPDATE cases SET form = ?2 WHERE id = ?1" };
 *
 *	return sqlite_exec(st, &sql, "recording the form", "It", case_id,
 *	    form);
 *
 * The store prepares it at its first use and keeps it for the next ones;
 * whatever runs it (sqlite_exec, sqlite_get, sqlite_next, sqlite_row,
 * sqlite_collect, sqlite_run) resets it for the next call.  A statement
 * that could not be prepared is NULL: binding passes over it and
 * whatever runs it reports the failure, as what the function was doing,
 * so a function checks once, where it runs.
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
 * stayed locked past the busy timeout, INTAKE_EAGAIN when it cannot be
 * written for now (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM), else
 * INTAKE_ERR. */
int	sqlite_fail(struct store *, const char *what);
/* Runs SQL text without parameters (pragmas, transactions, migrations);
 * 0 or an error as sqlite_fail's. */
int	sqlite_script(struct store *, const char *sql);
/* sqlite-search.c: the words of a search as an FTS5 query of quoted
 * tokens (the caller frees it), or NULL when it has none. */
char	*sqlite_fts_query(const char *text);
/* sqlite-schema.c: brings the schema up to this program's version. */
int	sqlite_migrate(struct store *);

/*
 * sqlite-stmt.c: statements, prepared once and kept.
 *
 * A bind format has a letter for each parameter, ?1 first, as many as
 * the statement has, each taking one argument of exactly its type
 * (varargs are not converted: cast where the value has another):
 *
 *	i  int (a bool too)	u  uint32_t	I  int64_t
 *	n  int64_t, an id: 0 binds NULL
 *	d  double		t  const char *, NULL binds NULL
 *	-  NULL, taking no argument
 *
 * A column format has a letter for each column, the first first, each
 * taking a pointer to where it goes (a null one of that type: the column
 * is passed over):
 *
 *	i  int *		u  uint32_t *	I  int64_t *
 *	b  bool * (non-zero)	d  double *
 *	t  char **: a copy the caller frees, NULL for NULL
 *	s  const char **, S  char **: borrowed from the statement, good
 *	   until its next row (never after sqlite_get or sqlite_row)
 *	-  passed over, taking no pointer
 *
 * An unknown letter, or a bind format longer or shorter than the
 * statement's parameters, is a programming error: fatal().
 */
/* The store's prepared statement for sql, its parameters bound by fmt
 * (NULL: it could not be prepared).  When that one is being stepped by a
 * caller further up (a row callback that uses the store), a private one
 * instead. */
sqlite3_stmt *sqlite_stmt(struct store *, struct sqlite_sql *sql,
	    const char *fmt, ...);
/* A private statement for text built at run time (sqlite-cases.c's
 * listing), finalized when it has run; NULL when it could not be. */
sqlite3_stmt *sqlite_prepare(struct store *, const char *text);
/* Binds s's parameters by fmt (s NULL: the arguments are passed over). */
void	sqlite_bind(sqlite3_stmt *s, const char *fmt, ...);
/* Reads the current row's columns by fmt. */
void	sqlite_cols(sqlite3_stmt *s, const char *fmt, ...);
/* Finalizes every statement the store holds, before it closes. */
void	sqlite_finalize(struct store *);
/* Gives a statement back without running it to its end: the store's is
 * reset and its bindings cleared, a private one finalized. */
void	sqlite_release(struct store *, sqlite3_stmt *);

/* Runs sql, its parameters bound by fmt, for a statement that returns no
 * rows.  A failure is logged as what, with SQLite's message. */
int	sqlite_exec(struct store *, struct sqlite_sql *sql, const char *what,
	    const char *fmt, ...);
/* The same for one that must change one row: INTAKE_ENOENT when it
 * changed none. */
int	sqlite_exec_one(struct store *, struct sqlite_sql *sql,
	    const char *what, const char *fmt, ...);
/* The first row of sql, its parameters bound by binds (their arguments
 * first), its columns read by cols (their pointers after): 0 when there
 * was one, INTAKE_ENOENT when there was none.  Only copies ('t'): the
 * statement is reset before it returns. */
int	sqlite_get(struct store *, struct sqlite_sql *sql, const char *what,
	    const char *binds, const char *cols, ...);
/* Steps s to its next row and reads its columns by cols: true while there
 * is one.  *rc, 0 before the first call, is what the caller did with the
 * last row: non-zero stops the walk and is kept.  At the end *rc is 0,
 * after an error (s NULL: it could not be prepared) the failure, logged
 * as what; s is released whenever it returns false:
 *
 *	int rc = 0;
 *
 *	while (sqlite_next(st, s, "listing words", &rc, "Sii", &w.text,
 *	    &w.x, &w.y))
 *		rc = fn(&w, arg);
 *	return rc;
 */
bool	sqlite_next(struct store *, sqlite3_stmt *s, const char *what, int *rc,
	    const char *cols, ...);
/* The first row only: 0 when there was one (row read it), INTAKE_ENOENT
 * when there was none.  s is released. */
int	sqlite_row(struct store *, sqlite3_stmt *s, const char *what,
	    void (*row)(sqlite3_stmt *, void *), void *arg);
/* Every row of s as an element of a new array (*n elements, size bytes
 * each, zeroed, then filled by fill), returned even after an error with
 * the rows read until then; *rc is 0 or the failure. */
void	*sqlite_collect(struct store *, sqlite3_stmt *s, const char *what,
	    size_t size, void (*fill)(sqlite3_stmt *, void *elem), size_t *n,
	    int *rc);
/* Runs a statement that returns no rows. */
int	sqlite_run(struct store *, sqlite3_stmt *s, const char *what);

#endif
