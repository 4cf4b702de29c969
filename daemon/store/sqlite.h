/*
 * sqlite.h - the SQLite backend's own helpers, shared by its files
 * (sqlite-*.c) and by no one else: store.h is the interface.
 */
#ifndef INTAKE_STORE_SQLITE_H
#define INTAKE_STORE_SQLITE_H

#include <sqlite3.h>

#include "intake.h"
#include "store.h"

#define STORE_BUSY_MS	30000

enum stmt_id {
	S_DELIVERY_INSERT,
	S_DELIVERY_STAGE,
	S_DELIVERY_HASH,
	S_DELIVERY_FINISH,
	S_DELIVERY_GET,
	S_DELIVERY_FIRST_HASH,
	S_DELIVERY_TOKEN,
	S_DELIVERY_IGNORED,
	S_DELIVERY_ALL,
	S_DELIVERY_PENDING,
	S_DELIVERY_COUNT_PENDING,
	S_DELIVERY_ATTEMPT,
	S_DELIVERY_ERROR,
	S_CASE_INSERT,
	S_CASE_FILE,
	S_CASE_FILES,
	S_CASE_MANIFEST,
	S_CASE_PAGE,
	S_CASE_PROBLEM,
	S_CASE_PAGES,
	S_CASE_PDF,
	S_PAGE_OCR,
	S_WORD,
	S_WORDS,
	S_CASE_FORM,
	S_DELIVERY_REFUND,
	S_CASE_FIELD,
	S_CASE_WF,
	S_CASE_SET_WF,
	S_CASE_ENTER,
	S_CASE_FIELDS,
	S_FIELD_VALUE,
	S_DUP_CANDIDATES,
	S_HISTORY_ADD,
	S_HISTORY,
	S_TIMER_SET,
	S_TIMER_CLEAR,
	S_TIMER_CLEAR_ALL,
	S_TIMERS_PAUSE,
	S_TIMERS_RESUME,
	S_TIMERS_DUE,
	S_TIMER_TAKE,
	S_ACTION_ADD,
	S_ACTIONS_DUE,
	S_ACTION_DONE,
	S_ACTION_CLAIM,
	S_ACTION_GET,
	S_ACTIONS_UNCLAIM,
	S_WORKFLOW_GET,
	S_WORKFLOW_PUT,
	S_FIELD_SET,
	S_CASE_ASSIGN,
	S_COUNT_STAGES,
	S_COUNT_OPEN,
	S_COUNT_RECENT,
	S_STATS_PERIODS,
	S_STATS_DURATIONS,
	S_ACTIONS_RETRY,
	S_CLEAR_WORDS,
	S_CLEAR_TEXT,
	S_CLEAR_FIELDS,
	S_PAGE_SOURCES,
	S_MAX
};

#define DELIVERY_COLS \
	"id, token, inbox, name, folder, size, mtime_ms, sha256, status, " \
	"stage, case_id, duplicate_of, reason, location, seen_ms, updated_ms, " \
	"attempts, last_error, " \
	"(SELECT count(*) FROM pages p WHERE p.case_id = deliveries.case_id)"

extern const char *const sqlite_stmt_sql[S_MAX];

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[S_MAX];
};

/* Binding helpers: NULL strings and zero ids become SQL NULL. */
static inline void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static inline void
bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static inline char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

struct rows_arg {
	void	*fn;
	void	*arg;
};

struct due_q {
	int64_t		 now, limit;
};

int	sqlite_fail(struct store *, const char *what);
int	sqlite_exec(struct store *, const char *sql);
int	sqlite_migrate(struct store *);
int	sqlite_run(struct store *, sqlite3_stmt *, const char *what);
int	sqlite_each_row(struct store *, enum stmt_id, const char *what,
	    void (*bind)(sqlite3_stmt *, const void *), const void *barg,
	    int (*row)(sqlite3_stmt *, void *), void *arg);
void	sqlite_bind_case(sqlite3_stmt *, const void *);
void	sqlite_bind_due(sqlite3_stmt *, const void *);

#endif
