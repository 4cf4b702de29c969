/*
 * sqlite.c - the store's SQLite connection: opening it (WAL, foreign keys
 * on, a busy timeout, memory-mapped reads, the schema migrated),
 * transactions, online backup.
 *
 * BEGIN IMMEDIATE for every write transaction, so that the daemon and any
 * number of intakectl calls can work at once without "database is locked".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <unistd.h>

#include "sqlite.h"

#define STORE_BUSY_MS	30000
/* A reader's pages come from a map of the file (its first 2 GiB, the
 * most SQLite maps), rather than copied by a system call each: a
 * work list reads thousands.  The daemon, which mostly writes, maps
 * nothing: its resident memory stays its own. */
#define STORE_MMAP_SIZE	"2147418112"

/* A result code as intake's: locked (another program holds a write
 * transaction past the busy timeout), unwritable for now (the disk full
 * or failing), or failed. */
static int
sqlite_code(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return INTAKE_EBUSY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
		return INTAKE_EAGAIN;
	default:
		return INTAKE_ERR;
	}
}

int
sqlite_fail(struct store *st, const char *what)
{
	log_err("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	return sqlite_code(sqlite3_extended_errcode(st->db));
}

int
sqlite_script(struct store *st, const char *sql)
{
	char *err = NULL;
	int rc;

	if ((rc = sqlite3_exec(st->db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		log_err("%s: %s", st->path, err ? err : "failed");
		sqlite3_free(err);
		return sqlite_code(rc);
	}
	return 0;
}

int
store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	if (mode == STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	else if (access(path, F_OK) == -1) {
		log_err("%s: no database here: has intaked run with this data "
		    "directory?", path);
		return INTAKE_ENOENT;
	}
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		log_err("%s: %s", path, st->db ? sqlite3_errmsg(st->db) :
		    "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (sqlite_script(st, "PRAGMA journal_mode = WAL") != 0 ||
	    sqlite_script(st, "PRAGMA synchronous = NORMAL") != 0 ||
	    sqlite_script(st, "PRAGMA foreign_keys = ON") != 0 ||
	    sqlite_migrate(st) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return INTAKE_ERR;
}

int
store_for_reading(struct store *st)
{
	return sqlite_script(st, "PRAGMA mmap_size = " STORE_MMAP_SIZE);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite_finalize(st);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

bool
store_idle(struct store *st)
{
	sqlite3_stmt *s = NULL;

	if (!sqlite3_get_autocommit(st->db))
		return false;
	while ((s = sqlite3_next_stmt(st->db, s)) != NULL)
		if (sqlite3_stmt_busy(s))
			return false;
	return true;
}

int
store_begin(struct store *st)
{
	return sqlite_script(st, "BEGIN IMMEDIATE");
}

int
store_begin_read(struct store *st)
{
	return sqlite_script(st, "BEGIN DEFERRED");
}

int
store_commit(struct store *st)
{
	return sqlite_script(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite_script(st, "ROLLBACK");
}

int
store_backup(struct store *st, const char *path,
    void (*step)(int64_t done, int64_t total, void *), void *arg)
{
	static struct sqlite_sql pgsz = { .text = "PRAGMA page_size" };
	sqlite3 *to;
	sqlite3_backup *b;
	int64_t page = 4096, total;
	int rc;

	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_err("%s: %s", path, to ? sqlite3_errmsg(to) : "cannot open");
		sqlite3_close(to);
		return INTAKE_ERR;
	}
	(void)sqlite_get(st, &pgsz, "reading the page size", "", "I", &page);
	/* A reader's snapshot, page by page: the daemon keeps writing. */
	if ((b = sqlite3_backup_init(to, "main", st->db, "main")) == NULL) {
		log_err("%s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return INTAKE_ERR;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		total = sqlite3_backup_pagecount(b);
		if (step != NULL && (rc == SQLITE_OK || rc == SQLITE_DONE))
			step((total - sqlite3_backup_remaining(b)) * page,
			    total * page, arg);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_err("%s: backup failed: %s", path, sqlite3_errstr(rc));
		sqlite3_close(to);
		return INTAKE_ERR;
	}
	rc = sqlite3_close(to) == SQLITE_OK ? 0 : INTAKE_ERR;
	return rc;
}
