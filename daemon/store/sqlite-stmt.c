/*
 * sqlite-stmt.c - the SQLite backend's statements: each prepared at its
 * first use and kept by the store, its values bound and its columns read
 * by a format of one letter each, and what runs them (one step for every
 * list, whether its rows go to the caller's loop or into an array).
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

#include <stdarg.h>
#include <stdlib.h>
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

/* Binds ?1, ?2, ... by fmt (see sqlite.h), a letter for each parameter
 * the statement has.  Every argument is taken even when s is NULL, so
 * that a caller's va_list ends past them. */
static void
sqlite_vbind(sqlite3_stmt *s, const char *fmt, va_list *ap)
{
	const char *f, *text = NULL;
	int64_t v = 0;
	double d = 0;
	int i;

	for (f = fmt, i = 1; *f != '\0'; f++, i++) {
		switch (*f) {
		case 'i':
			v = va_arg(*ap, int);
			break;
		case 'u':
			v = (int)va_arg(*ap, unsigned int);
			break;
		case 'I':
		case 'n':
			v = va_arg(*ap, int64_t);
			break;
		case 'd':
			d = va_arg(*ap, double);
			break;
		case 't':
			text = va_arg(*ap, const char *);
			break;
		case '-':
			break;
		default:
			fatal("store: no letter '%c' in bind format \"%s\"", *f,
			    fmt);
		}
		if (s == NULL)
			continue;
		if (*f == 'd')
			sqlite3_bind_double(s, i, d);
		else if (*f == 't' && text != NULL)
			sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT);
		else if (*f == 't' || *f == '-' || (*f == 'n' && v == 0))
			sqlite3_bind_null(s, i);
		else
			sqlite3_bind_int64(s, i, v);
	}
	if (s != NULL && i - 1 != sqlite3_bind_parameter_count(s))
		fatal("store: bind format \"%s\" for %d parameters of \"%s\"",
		    fmt, sqlite3_bind_parameter_count(s), sqlite3_sql(s));
}

void
sqlite_bind(sqlite3_stmt *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sqlite_vbind(s, fmt, &ap);
	va_end(ap);
}

/* Reads the current row's columns by fmt (see sqlite.h): each pointer
 * is taken with its own type, and a null one passes its column over. */
static void
sqlite_vcols(sqlite3_stmt *s, const char *fmt, va_list *ap)
{
	const unsigned char *text;
	const char *f, **str;
	char **copy;
	int64_t *i64;
	uint32_t *u32;
	double *dbl;
	bool *flag;
	int *num, i;

	for (f = fmt, i = 0; *f != '\0'; f++, i++) {
		text = strchr("tsS", *f) ? sqlite3_column_text(s, i) : NULL;
		switch (*f) {
		case 'i':
			if ((num = va_arg(*ap, int *)) != NULL)
				*num = sqlite3_column_int(s, i);
			break;
		case 'u':
			if ((u32 = va_arg(*ap, uint32_t *)) != NULL)
				*u32 = (uint32_t)sqlite3_column_int(s, i);
			break;
		case 'I':
			if ((i64 = va_arg(*ap, int64_t *)) != NULL)
				*i64 = sqlite3_column_int64(s, i);
			break;
		case 'b':
			if ((flag = va_arg(*ap, bool *)) != NULL)
				*flag = sqlite3_column_int(s, i) != 0;
			break;
		case 'd':
			if ((dbl = va_arg(*ap, double *)) != NULL)
				*dbl = sqlite3_column_double(s, i);
			break;
		case 't':
			if ((copy = va_arg(*ap, char **)) != NULL)
				*copy = text ? xstrdup((const char *)text) : NULL;
			break;
		case 's':
			if ((str = va_arg(*ap, const char **)) != NULL)
				*str = (const char *)text;
			break;
		case 'S':
			if ((copy = va_arg(*ap, char **)) != NULL)
				*copy = (char *)text;
			break;
		case '-':
			break;
		default:
			fatal("store: no letter '%c' in column format \"%s\"",
			    *f, fmt);
		}
	}
}

void
sqlite_cols(sqlite3_stmt *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sqlite_vcols(s, fmt, &ap);
	va_end(ap);
}

/* The store's statement for sql, not yet bound (see sqlite_stmt). */
static sqlite3_stmt *
sqlite_kept(struct store *st, struct sqlite_sql *sql)
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

/* The store's statement for sql, bound by fmt from ap. */
static sqlite3_stmt *
sqlite_vstmt(struct store *st, struct sqlite_sql *sql, const char *fmt,
    va_list *ap)
{
	sqlite3_stmt *s = sqlite_kept(st, sql);

	sqlite_vbind(s, fmt, ap);
	return s;
}

sqlite3_stmt *
sqlite_stmt(struct store *st, struct sqlite_sql *sql, const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;

	va_start(ap, fmt);
	s = sqlite_vstmt(st, sql, fmt, &ap);
	va_end(ap);
	return s;
}

void
sqlite_finalize(struct store *st)
{
	while (st->nstmt > 0)
		sqlite3_finalize(st->stmt[--st->nstmt]);
	while (st->nlent > 0)
		sqlite3_finalize(st->lent[--st->nlent]);
	free(st->stmt);
	free(st->lent);
	st->stmt = st->lent = NULL;
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

bool
sqlite_next(struct store *st, sqlite3_stmt *s, const char *what, int *rc,
    const char *cols, ...)
{
	va_list ap;
	int step;

	if (*rc == 0 && s == NULL)
		*rc = sqlite_fail(st, what);
	if (*rc != 0) {
		sqlite_release(st, s);
		return false;
	}
	if ((step = sqlite3_step(s)) != SQLITE_ROW) {
		if (step != SQLITE_DONE)
			*rc = sqlite_fail(st, what);
		sqlite_release(st, s);
		return false;
	}
	va_start(ap, cols);
	sqlite_vcols(s, cols, &ap);
	va_end(ap);
	return true;
}

void *
sqlite_collect(struct store *st, sqlite3_stmt *s, const char *what,
    size_t size, void (*fill)(sqlite3_stmt *, void *elem), size_t *n,
    int *rc)
{
	char *v = NULL;

	*n = 0;
	*rc = 0;
	while (sqlite_next(st, s, what, rc, "")) {
		fill(s, array_add(&v, n, size));
	}
	return v;
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

/* sqlite_get's columns, for sqlite_row. */
struct sqlite_cols {
	const char	*fmt;
	va_list		*ap;
};

static void
sqlite_cols_row(sqlite3_stmt *s, void *arg)
{
	struct sqlite_cols *c = arg;

	sqlite_vcols(s, c->fmt, c->ap);
}

int
sqlite_get(struct store *st, struct sqlite_sql *sql, const char *what,
    const char *binds, const char *cols, ...)
{
	struct sqlite_cols c;
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, cols);
	s = sqlite_vstmt(st, sql, binds, &ap);
	c.fmt = cols;
	c.ap = &ap;
	rc = sqlite_row(st, s, what, sqlite_cols_row, &c);
	va_end(ap);
	return rc;
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
sqlite_exec(struct store *st, struct sqlite_sql *sql, const char *what,
    const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;

	va_start(ap, fmt);
	s = sqlite_vstmt(st, sql, fmt, &ap);
	va_end(ap);
	return sqlite_run(st, s, what);
}

int
sqlite_exec_one(struct store *st, struct sqlite_sql *sql, const char *what,
    const char *fmt, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	s = sqlite_vstmt(st, sql, fmt, &ap);
	va_end(ap);
	if ((rc = sqlite_run(st, s, what)) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}
