/*
 * sqlite.c - the store's SQLite connection: opening with WAL, foreign keys
 * and a busy timeout, BEGIN IMMEDIATE write transactions, and online backup.
 *
 * Prepared statements only, and BEGIN IMMEDIATE for every write
 * transaction so that the daemon and any number of intakectl calls can
 * work at once without "database is locked".
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <unistd.h>

#include "sqlite.h"

const char *const sqlite_stmt_sql[S_MAX] = {
	[S_DELIVERY_INSERT] =
	    "INSERT INTO deliveries (token, inbox, name, folder, size, "
	    "mtime_ms, sha256, status, stage, reason, location, seen_ms, "
	    "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?12)",
	[S_DELIVERY_STAGE] =
	    "UPDATE deliveries SET stage = ?2, location = coalesce(?3, "
	    "location), updated_ms = ?4 WHERE id = ?1",
	[S_DELIVERY_HASH] =
	    "UPDATE deliveries SET sha256 = ?2, size = ?3, updated_ms = ?4 "
	    "WHERE id = ?1",
	[S_DELIVERY_FINISH] =
	    "UPDATE deliveries SET status = ?2, stage = ?3, case_id = ?4, "
	    "duplicate_of = ?5, reason = ?6, location = coalesce(?7, location), "
	    "updated_ms = ?8 WHERE id = ?1",
	[S_DELIVERY_GET] =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE id = ?1",
	[S_DELIVERY_FIRST_HASH] =
	    "SELECT id, coalesce(case_id, 0) FROM deliveries WHERE sha256 = ?1 "
	    "AND id < ?2 AND (status = 'case' OR status = 'pending') "
	    "ORDER BY id LIMIT 1",
	[S_DELIVERY_TOKEN] =
	    "SELECT 1 FROM deliveries WHERE token = ?1",
	[S_DELIVERY_IGNORED] =
	    "SELECT 1 FROM deliveries WHERE inbox = ?1 AND name = ?2 AND "
	    "status = 'ignored'",
	[S_DELIVERY_ALL] =
	    "SELECT " DELIVERY_COLS " FROM deliveries ORDER BY id",
	[S_DELIVERY_PENDING] =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE status = 'pending' "
	    "OR stage <> 'done' ORDER BY id",
	[S_DELIVERY_COUNT_PENDING] =
	    "SELECT count(*) FROM deliveries WHERE status = 'pending'",
	[S_DELIVERY_ATTEMPT] =
	    "UPDATE deliveries SET attempts = attempts + 1, updated_ms = ?2 "
	    "WHERE id = ?1 RETURNING attempts",
	[S_DELIVERY_ERROR] =
	    "UPDATE deliveries SET last_error = ?2, updated_ms = ?3 WHERE id = ?1",
	[S_CASE_INSERT] =
	    "INSERT INTO cases (delivery_id, state, created_ms, updated_ms) "
	    "VALUES (?1, ?2, ?3, ?3)",
	[S_CASE_FILE] =
	    "INSERT INTO case_files (case_id, name, size, kind, path) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CASE_MANIFEST] =
	    "UPDATE cases SET reference = ?2, channel = ?3, sender = ?4, "
	    "form_hint = ?5 WHERE id = ?1",
	[S_CASE_PAGE] =
	    "INSERT INTO pages (case_id, seq, source, member, page_no, width, "
	    "height, depth, xres, yres, sha256, path, bytes) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[S_CASE_PROBLEM] =
	    "INSERT INTO case_problems (case_id, seq, text) VALUES (?1, "
	    "(SELECT count(*) + 1 FROM case_problems WHERE case_id = ?1), ?2)",
	[S_CASE_PDF] =
	    "UPDATE cases SET pdf = ?2 WHERE id = ?1",
	[S_PAGE_OCR] =
	    "INSERT INTO page_text (case_id, seq, rotation, skew, confidence, "
	    "text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_WORD] =
	    "INSERT INTO words (case_id, seq, n, block, line, text, x, y, w, h, "
	    "conf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_DELIVERY_REFUND] =
	    "UPDATE deliveries SET attempts = max(attempts - 1, 0) WHERE id = ?1",
	[S_CASE_FORM] =
	    "UPDATE cases SET form = ?2 WHERE id = ?1",
	[S_CASE_FIELD] =
	    "INSERT INTO case_fields (case_id, name, type, value, raw, status, "
	    "why, confidence, page, x, y, w, h) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[S_WORDS] =
	    "SELECT text, x, y, w, h, conf, block, line FROM words "
	    "WHERE case_id = ?1 AND seq = ?2 ORDER BY n",
	[S_CASE_PAGES] =
	    "SELECT p.seq, source, member, page_no, width, height, depth, xres, "
	    "yres, sha256, path, bytes, t.seq IS NOT NULL, t.rotation, t.skew, "
	    "t.confidence, t.text FROM pages p LEFT JOIN page_text t "
	    "ON t.case_id = p.case_id AND t.seq = p.seq WHERE p.case_id = ?1 "
	    "ORDER BY p.seq",
	[S_CASE_WF] =
	    "SELECT c.form, c.state, c.workflow, c.workflow_version, "
	    "c.created_ms, coalesce(c.state_since_ms, c.created_ms), c.closed_ms, "
	    "c.npages, "
	    "(SELECT count(*) FROM case_problems p WHERE p.case_id = c.id), "
	    "c.nflagged, "
	    "c.queue, c.deadline_ms "
	    "FROM cases c WHERE c.id = ?1",
	[S_CASE_SET_WF] =
	    "UPDATE cases SET workflow = ?2, workflow_version = ?3 WHERE id = ?1",
	[S_CASE_ENTER] =
	    "UPDATE cases SET state = ?2, queue = ?3, priority = ?4, "
	    "state_since_ms = ?5, updated_ms = ?5, deadline_ms = ?6, "
	    "closed_ms = CASE WHEN ?7 THEN ?5 END WHERE id = ?1",
	[S_CASE_FIELDS] =
	    "SELECT name, type, value, raw, status, why, confidence, page, "
	    "x, y, w, h FROM case_fields WHERE case_id = ?1 "
	    "ORDER BY coalesce(page, 1000000), y, x, name",
	[S_FIELD_VALUE] =
	    "SELECT value FROM case_fields WHERE case_id = ?1 AND name = ?2",
	[S_DUP_CANDIDATES] =
	    "SELECT f.case_id FROM case_fields f JOIN cases c ON c.id = "
	    "f.case_id WHERE f.name = ?1 AND f.value = ?2 AND f.case_id <> ?3 "
	    "AND c.form = ?4 AND c.closed_ms IS NULL ORDER BY f.case_id",
	[S_HISTORY_ADD] =
	    "INSERT INTO case_history (case_id, seq, at_ms, actor, kind, event, "
	    "from_state, to_state, why, comment) VALUES (?1, (SELECT "
	    "coalesce(max(seq), 0) + 1 FROM case_history WHERE case_id = ?1), "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING seq",
	[S_HISTORY] =
	    "SELECT seq, at_ms, actor, kind, event, from_state, to_state, why, "
	    "comment FROM case_history WHERE case_id = ?1 ORDER BY seq",
	[S_TIMER_SET] =
	    "INSERT OR REPLACE INTO timers (case_id, kind, due_ms, left_ms) "
	    "VALUES (?1, ?2, ?3, NULL)",
	[S_TIMER_CLEAR] =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2",
	[S_TIMER_CLEAR_ALL] =
	    "DELETE FROM timers WHERE case_id = ?1",
	[S_TIMERS_PAUSE] =
	    "UPDATE timers SET left_ms = max(due_ms - ?2, 0), due_ms = NULL "
	    "WHERE case_id = ?1 AND kind IN ('overdue', 'overdue-warning') "
	    "AND due_ms IS NOT NULL",
	[S_TIMERS_RESUME] =
	    "UPDATE timers SET due_ms = ?2 + left_ms, left_ms = NULL "
	    "WHERE case_id = ?1 AND left_ms IS NOT NULL",
	[S_TIMERS_DUE] =
	    "SELECT case_id, kind, due_ms FROM timers WHERE due_ms <= ?1 "
	    "ORDER BY due_ms LIMIT ?2",
	[S_TIMER_TAKE] =
	    "DELETE FROM timers WHERE case_id = ?1 AND kind = ?2 AND due_ms = ?3",
	[S_ACTION_ADD] =
	    "INSERT INTO case_actions (case_id, history_seq, plugin, params, "
	    "status, next_ms) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
	[S_ACTIONS_DUE] =
	    "SELECT id, case_id, history_seq, plugin, params, attempts "
	    "FROM case_actions a WHERE status = 'pending' AND next_ms <= ?1 "
	    "AND started_ms IS NULL AND NOT EXISTS (SELECT 1 FROM case_actions "
	    "b WHERE b.case_id = a.case_id AND b.status = 'pending' AND "
	    "b.id < a.id) ORDER BY next_ms, id LIMIT ?2",
	[S_ACTION_DONE] =
	    "UPDATE case_actions SET status = ?2, error = ?3, next_ms = "
	    "coalesce(?4, next_ms), attempts = attempts + 1, done_ms = CASE "
	    "WHEN ?2 <> 'pending' THEN ?5 END, started_ms = NULL WHERE id = ?1",
	[S_ACTION_CLAIM] =
	    "UPDATE case_actions SET started_ms = ?2 WHERE id = ?1 AND "
	    "status = 'pending' AND started_ms IS NULL",
	[S_ACTION_GET] =
	    "SELECT id, case_id, history_seq, plugin, params, attempts "
	    "FROM case_actions WHERE id = ?1",
	[S_ACTIONS_UNCLAIM] =
	    "UPDATE case_actions SET started_ms = NULL WHERE status = 'pending' "
	    "AND started_ms IS NOT NULL",
	[S_WORKFLOW_GET] =
	    "SELECT sha256, source, file FROM workflows WHERE id = ?1 AND "
	    "version = ?2",
	[S_WORKFLOW_PUT] =
	    "INSERT INTO workflows (id, version, file, sha256, source, "
	    "loaded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_FIELD_SET] =
	    "UPDATE case_fields SET value = ?3, status = ?4, why = ?5, "
	    "confidence = 1.0 WHERE case_id = ?1 AND name = ?2",
	[S_CASE_ASSIGN] =
	    "UPDATE cases SET assignee = ?2, updated_ms = ?3 WHERE id = ?1",
	[S_COUNT_STAGES] =
	    "SELECT status, stage, count(*) FROM deliveries WHERE status = "
	    "'pending' OR stage <> 'done' GROUP BY status, stage",
	[S_COUNT_OPEN] =
	    "SELECT state, coalesce(queue, ''), count(*) FROM cases WHERE "
	    "closed_ms IS NULL GROUP BY state, queue ORDER BY 3 DESC",
	[S_COUNT_RECENT] =
	    "SELECT 'deliveries', NULL, count(*) FROM deliveries WHERE "
	    "updated_ms >= ?1 - 3600000 AND status <> 'pending' "
	    "UNION ALL SELECT 'pages', NULL, count(*) FROM pages p JOIN cases c "
	    "ON c.id = p.case_id WHERE c.created_ms >= ?1 - 3600000 "
	    "UNION ALL SELECT 'overdue', NULL, count(*) FROM cases c WHERE "
	    "closed_ms IS NULL AND c.id IN (SELECT id FROM cases WHERE "
	    "closed_ms IS NULL AND deadline_ms < ?1 UNION ALL SELECT case_id "
	    "FROM case_history WHERE event = 'overdue') "
	    "UNION ALL SELECT 'open', NULL, count(*) FROM cases WHERE "
	    "closed_ms IS NULL "
	    "UNION ALL SELECT 'actions', CASE WHEN started_ms IS NULL THEN "
	    "'waiting' ELSE 'running' END, count(*) FROM case_actions WHERE "
	    "status = 'pending' GROUP BY 2 "
	    "UNION ALL SELECT 'actions', 'failed', count(*) FROM case_actions "
	    "WHERE status = 'failed'",
	[S_STATS_PERIODS] =
	    "WITH ev(t, r, c) AS ("
	    "  SELECT created_ms, 1, 0 FROM cases WHERE created_ms >= ?1 "
	    "  UNION ALL SELECT closed_ms, 0, 1 FROM cases WHERE closed_ms >= ?1) "
	    "SELECT CASE WHEN ?2 = 'week' THEN 'week of ' || date(t / 1000, "
	    "'unixepoch', 'localtime', '-6 days', 'weekday 1') ELSE date(t / "
	    "1000, 'unixepoch', 'localtime') END, sum(r), sum(c) FROM ev "
	    "GROUP BY 1 ORDER BY 1",
	[S_STATS_DURATIONS] =
	    "SELECT form, closed_ms - created_ms FROM cases WHERE closed_ms "
	    "IS NOT NULL AND closed_ms >= ?1 ORDER BY form, 2",
	[S_ACTIONS_RETRY] =
	    "UPDATE case_actions SET status = 'pending', attempts = 0, "
	    "next_ms = ?2, error = NULL WHERE case_id = ?1 AND status = 'failed' "
	    "RETURNING plugin",
	[S_CLEAR_WORDS] = "DELETE FROM words WHERE case_id = ?1",
	[S_CLEAR_TEXT] = "DELETE FROM page_text WHERE case_id = ?1",
	[S_CLEAR_FIELDS] = "DELETE FROM case_fields WHERE case_id = ?1",
	[S_PAGE_SOURCES] =
	    "SELECT seq, source, member, page_no FROM pages WHERE case_id = ?1 "
	    "ORDER BY seq",
	[S_CASE_FILES] =
	    "SELECT name FROM case_files WHERE case_id = ?1 AND kind = 'delivered' "
	    "ORDER BY name",
};

int
sqlite_fail(struct store *st, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);

	log_err("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	return (code & 0xff) == SQLITE_BUSY ? INTAKE_EBUSY : INTAKE_ERR;
}

int
sqlite_exec(struct store *st, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_err("%s: %s", st->path, err ? err : "failed");
		sqlite3_free(err);
		return INTAKE_ERR;
	}
	return 0;
}

int
store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	size_t i;

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
	if (sqlite_exec(st, "PRAGMA journal_mode = WAL") != 0 ||
	    sqlite_exec(st, "PRAGMA synchronous = NORMAL") != 0 ||
	    sqlite_exec(st, "PRAGMA foreign_keys = ON") != 0 ||
	    sqlite_migrate(st) != 0)
		goto fail;
	for (i = 0; i < S_MAX; i++)
		if (sqlite3_prepare_v3(st->db, sqlite_stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			sqlite_fail(st, "preparing a statement");
			goto fail;
		}
	*out = st;
	return 0;
fail:
	store_close(st);
	return INTAKE_ERR;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < S_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_begin(struct store *st)
{
	return sqlite_exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	return sqlite_exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite_exec(st, "ROLLBACK");
}

/* Runs a statement that returns no rows and resets it. */
int
sqlite_run(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return sqlite_fail(st, what);
	return 0;
}

/* Runs a prepared-on-the-spot query row by row, so that fn may use the
 * cached statements while it runs.  bind fills the parameters. */
int
sqlite_each_row(struct store *st, enum stmt_id id, const char *what,
    void (*bind)(sqlite3_stmt *, const void *), const void *barg,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, sqlite_stmt_sql[id], -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, what);
	bind(s, barg);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((r = row(s, arg)) != 0)
			break;
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, what);
	sqlite3_finalize(s);
	return r;
}

void
sqlite_bind_case(sqlite3_stmt *s, const void *arg)
{
	sqlite3_bind_int64(s, 1, *(const int64_t *)arg);
}

void
sqlite_bind_due(sqlite3_stmt *s, const void *arg)
{
	const struct due_q *d = arg;

	sqlite3_bind_int64(s, 1, d->now);
	sqlite3_bind_int64(s, 2, d->limit);
}

int
store_backup(struct store *st, const char *path)
{
	sqlite3 *to;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_err("%s: %s", path, to ? sqlite3_errmsg(to) : "cannot open");
		sqlite3_close(to);
		return INTAKE_ERR;
	}
	/* A reader's snapshot, page by page: the daemon keeps writing. */
	if ((b = sqlite3_backup_init(to, "main", st->db, "main")) == NULL) {
		log_err("%s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return INTAKE_ERR;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
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
