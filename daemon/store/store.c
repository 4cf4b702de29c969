/*
 * store.c - the case store: the only file that speaks SQL.
 *
 * SQLite in WAL mode with foreign keys on, schema migrations counted by
 * PRAGMA user_version, prepared statements only, a busy timeout, and
 * BEGIN IMMEDIATE for every write transaction so that the daemon and any
 * number of intakectl calls can work at once without "database is locked".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const char *const stmt_sql[S_MAX] = {
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

/* Each migration takes the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 1: the intake ledger and the cases it opens */
	"CREATE TABLE deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  token TEXT UNIQUE,"
	"  inbox TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  folder INTEGER NOT NULL DEFAULT 0,"
	"  size INTEGER,"
	"  mtime_ms INTEGER,"
	"  sha256 TEXT,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('pending', 'case', 'quarantined', 'duplicate', 'ignored')),"
	"  stage TEXT NOT NULL CHECK (stage IN"
	"    ('claiming', 'copied', 'spooled', 'rejecting', 'done')),"
	"  case_id INTEGER REFERENCES cases(id),"
	"  duplicate_of INTEGER REFERENCES deliveries(id),"
	"  reason TEXT,"
	"  location TEXT,"
	"  seen_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX deliveries_sha256 ON deliveries(sha256);"
	"CREATE INDEX deliveries_pending ON deliveries(status) "
	"  WHERE status = 'pending';"
	"CREATE INDEX deliveries_name ON deliveries(inbox, name);"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  delivery_id INTEGER NOT NULL UNIQUE REFERENCES deliveries(id),"
	"  form TEXT,"
	"  state TEXT NOT NULL,"
	"  reference TEXT,"
	"  created_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX cases_state ON cases(state);"
	"CREATE TABLE case_files ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, name)"
	") WITHOUT ROWID;",
	/* 2: pages, attachments, manifest facts, problems, worker attempts */
	"ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE deliveries ADD COLUMN last_error TEXT;"
	"ALTER TABLE cases ADD COLUMN channel TEXT;"
	"ALTER TABLE cases ADD COLUMN sender TEXT;"
	"ALTER TABLE cases ADD COLUMN form_hint TEXT;"
	"ALTER TABLE case_files ADD COLUMN kind TEXT NOT NULL DEFAULT 'delivered'"
	"  CHECK (kind IN ('delivered', 'attachment'));"
	"ALTER TABLE case_files ADD COLUMN path TEXT;"
	"CREATE TABLE pages ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  member TEXT,"
	"  page_no INTEGER NOT NULL,"
	"  width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL,"
	"  depth INTEGER NOT NULL,"
	"  xres INTEGER NOT NULL,"
	"  yres INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, seq)"
	") WITHOUT ROWID;"
	"CREATE INDEX deliveries_unfinished ON deliveries(stage) "
	"  WHERE stage <> 'done';"
	"CREATE TABLE case_problems ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, seq)"
	") WITHOUT ROWID;",
	/* 3: what OCR read: each page's corrections and text, every word */
	"ALTER TABLE cases ADD COLUMN pdf TEXT;"
	"CREATE TABLE page_text ("
	"  case_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  rotation INTEGER NOT NULL,"
	"  skew REAL NOT NULL,"
	"  confidence INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, seq),"
	"  FOREIGN KEY (case_id, seq) REFERENCES pages(case_id, seq)"
	"    ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE TABLE words ("
	"  case_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  block INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  x INTEGER NOT NULL, y INTEGER NOT NULL,"
	"  w INTEGER NOT NULL, h INTEGER NOT NULL,"
	"  conf REAL NOT NULL,"
	"  PRIMARY KEY (case_id, seq, n),"
	"  FOREIGN KEY (case_id, seq) REFERENCES pages(case_id, seq)"
	"    ON DELETE CASCADE"
	") WITHOUT ROWID;",
	/* 4: a folder's letter.txt is both a delivered file and an
	 * attachment: the kind is part of the key */
	"CREATE TABLE case_files_new ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'delivered'"
	"    CHECK (kind IN ('delivered', 'attachment')),"
	"  path TEXT,"
	"  PRIMARY KEY (case_id, kind, name)"
	") WITHOUT ROWID;"
	"INSERT INTO case_files_new (case_id, name, size, kind, path) "
	"  SELECT case_id, name, size, kind, path FROM case_files;"
	"DROP TABLE case_files;"
	"ALTER TABLE case_files_new RENAME TO case_files;",
	/* 5: the form recognised and every field read, with what OCR saw */
	"CREATE TABLE case_fields ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  raw TEXT,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('ok', 'empty', 'missing', 'uncertain', 'invalid')),"
	"  why TEXT,"
	"  confidence REAL NOT NULL,"
	"  page INTEGER,"
	"  x INTEGER, y INTEGER, w INTEGER, h INTEGER,"
	"  PRIMARY KEY (case_id, name)"
	") WITHOUT ROWID;",
	/* 6: workflows: each case's state machine, pinned to the version it
	 * started with; its append-only history, timers and actions */
	"ALTER TABLE cases ADD COLUMN workflow TEXT;"
	"ALTER TABLE cases ADD COLUMN workflow_version INTEGER;"
	"ALTER TABLE cases ADD COLUMN queue TEXT;"
	"ALTER TABLE cases ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN state_since_ms INTEGER;"
	"ALTER TABLE cases ADD COLUMN deadline_ms INTEGER;"
	"ALTER TABLE cases ADD COLUMN closed_ms INTEGER;"
	"ALTER TABLE cases ADD COLUMN assignee TEXT;"
	/* what work lists show of every case, kept by triggers */
	"ALTER TABLE cases ADD COLUMN npages INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN nflagged INTEGER NOT NULL DEFAULT 0;"
	"UPDATE cases SET npages = (SELECT count(*) FROM pages p WHERE "
	"  p.case_id = cases.id), nflagged = (SELECT count(*) FROM case_fields "
	"  f WHERE f.case_id = cases.id AND f.status IN "
	"  ('uncertain', 'invalid', 'missing'));"
	"CREATE TRIGGER pages_count_add AFTER INSERT ON pages BEGIN "
	"  UPDATE cases SET npages = npages + 1 WHERE id = NEW.case_id; END;"
	"CREATE TRIGGER pages_count_drop AFTER DELETE ON pages BEGIN "
	"  UPDATE cases SET npages = npages - 1 WHERE id = OLD.case_id; END;"
	"CREATE TRIGGER fields_flagged_add AFTER INSERT ON case_fields "
	"  WHEN NEW.status IN ('uncertain', 'invalid', 'missing') BEGIN "
	"  UPDATE cases SET nflagged = nflagged + 1 WHERE id = NEW.case_id; END;"
	"CREATE TRIGGER fields_flagged_drop AFTER DELETE ON case_fields "
	"  WHEN OLD.status IN ('uncertain', 'invalid', 'missing') BEGIN "
	"  UPDATE cases SET nflagged = nflagged - 1 WHERE id = OLD.case_id; END;"
	"CREATE TRIGGER fields_flagged_change AFTER UPDATE OF status ON "
	"  case_fields BEGIN UPDATE cases SET nflagged = nflagged + "
	"  (NEW.status IN ('uncertain', 'invalid', 'missing')) - "
	"  (OLD.status IN ('uncertain', 'invalid', 'missing')) "
	"  WHERE id = NEW.case_id; END;"
	"CREATE INDEX cases_queue ON cases(queue, state) "
	"  WHERE closed_ms IS NULL;"
	"CREATE INDEX cases_form ON cases(form);"
	"CREATE INDEX case_fields_value ON case_fields(name, value);"
	"CREATE TABLE workflows ("
	"  id TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  file TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  loaded_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (id, version)"
	") WITHOUT ROWID;"
	"CREATE TABLE case_history ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  seq INTEGER NOT NULL,"
	"  at_ms INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('start', 'transition', 'ignored', 'action', 'note')),"
	"  event TEXT,"
	"  from_state TEXT,"
	"  to_state TEXT,"
	"  why TEXT,"
	"  comment TEXT,"
	"  PRIMARY KEY (case_id, seq)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history "
	"  BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;"
	"CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history "
	"  BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;"
	"CREATE TABLE timers ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('deadline', 'warning', 'overdue', 'overdue-warning')),"
	"  due_ms INTEGER,"
	"  left_ms INTEGER,"
	"  PRIMARY KEY (case_id, kind)"
	") WITHOUT ROWID;"
	"CREATE INDEX timers_due ON timers(due_ms) WHERE due_ms IS NOT NULL;"
	"CREATE TABLE case_actions ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  history_seq INTEGER NOT NULL,"
	"  plugin TEXT NOT NULL,"
	"  params TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_ms INTEGER NOT NULL,"
	"  error TEXT,"
	"  done_ms INTEGER"
	");"
	"CREATE INDEX case_actions_pending ON case_actions(next_ms) "
	"  WHERE status = 'pending';"
	"CREATE INDEX case_actions_failed ON case_actions(case_id) "
	"  WHERE status = 'failed';"
	"CREATE INDEX cases_deadline ON cases(deadline_ms) "
	"  WHERE closed_ms IS NULL;"
	"CREATE INDEX case_history_overdue ON case_history(case_id) "
	"  WHERE event = 'overdue';"
	"CREATE INDEX case_history_loops ON case_history(case_id) "
	"  WHERE kind = 'note';"
	"CREATE INDEX cases_worklist ON cases(queue, priority DESC, "
	"  coalesce(deadline_ms, 9e18)) WHERE closed_ms IS NULL;"
	"CREATE INDEX cases_no_workflow ON cases(id) "
	"  WHERE workflow IS NULL AND closed_ms IS NULL;",
	/* 7: an action being run by intake-action, since when; a case's
	 * actions run one after another */
	"ALTER TABLE case_actions ADD COLUMN started_ms INTEGER;"
	"CREATE INDEX case_actions_case ON case_actions(case_id, id) "
	"  WHERE status = 'pending';",
};
#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[S_MAX];
};

static const char *const status_names[] = {
	[DS_PENDING] = "pending", [DS_CASE] = "case",
	[DS_QUARANTINED] = "quarantined", [DS_DUPLICATE] = "duplicate",
	[DS_IGNORED] = "ignored",
};
static const char *const stage_names[] = {
	[STAGE_CLAIMING] = "claiming", [STAGE_COPIED] = "copied",
	[STAGE_SPOOLED] = "spooled",
	[STAGE_REJECTING] = "rejecting", [STAGE_DONE] = "done",
};

const char *
delivery_status_name(enum delivery_status s)
{
	return status_names[s];
}

const char *
delivery_stage_name(enum delivery_stage s)
{
	return stage_names[s];
}

static int
name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

static int
store_fail(struct store *st, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);

	log_err("%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	return (code & 0xff) == SQLITE_BUSY ? INTAKE_EBUSY : INTAKE_ERR;
}

static int
exec(struct store *st, const char *sql)
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
store_schema_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Brings the schema up to SCHEMA_VERSION, each step in its own
 * transaction; a database newer than this program is refused. */
static int
store_migrate(struct store *st)
{
	int v;

	if (store_begin(st) != 0)
		return INTAKE_ERR;
	v = store_schema_version(st);
	if (v > SCHEMA_VERSION) {
		store_rollback(st);
		log_err("%s: schema version %d is newer than this intake "
		    "(version %d): upgrade intake", st->path, v, SCHEMA_VERSION);
		return INTAKE_ERR;
	}
	for (; v < SCHEMA_VERSION; v++) {
		char pragma[64];

		if (exec(st, migrations[v]) != 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (exec(st, pragma) != 0)
			goto fail;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return INTAKE_ERR;
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
	if (exec(st, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(st, "PRAGMA synchronous = NORMAL") != 0 ||
	    exec(st, "PRAGMA foreign_keys = ON") != 0 ||
	    store_migrate(st) != 0)
		goto fail;
	for (i = 0; i < S_MAX; i++)
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			store_fail(st, "preparing a statement");
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
	return exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	return exec(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK");
}

/* Binding helpers: NULL strings and zero ids become SQL NULL. */
static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static void
bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

/* Runs a statement that returns no rows and resets it. */
static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, what);
	return 0;
}

static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
store_delivery_insert(struct store *st, struct delivery *d)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_INSERT];
	int rc;

	bind_text(s, 1, d->token);
	bind_text(s, 2, d->inbox);
	bind_text(s, 3, d->name);
	sqlite3_bind_int(s, 4, d->folder);
	sqlite3_bind_int64(s, 5, d->size);
	sqlite3_bind_int64(s, 6, d->mtime_ms);
	bind_text(s, 7, d->sha256);
	bind_text(s, 8, status_names[d->status]);
	bind_text(s, 9, stage_names[d->stage]);
	bind_text(s, 10, d->reason);
	bind_text(s, 11, d->location);
	sqlite3_bind_int64(s, 12, d->seen_ms ? d->seen_ms : now_ms());
	if ((rc = step_done(st, s, "recording a delivery")) == 0)
		d->id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_delivery_set_stage(struct store *st, int64_t id, enum delivery_stage stage,
    const char *location)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_STAGE];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, stage_names[stage]);
	bind_text(s, 3, location);
	sqlite3_bind_int64(s, 4, now_ms());
	return step_done(st, s, "updating a delivery");
}

int
store_delivery_set_hash(struct store *st, int64_t id, const char *sha256,
    int64_t size)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_HASH];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, sha256);
	sqlite3_bind_int64(s, 3, size);
	sqlite3_bind_int64(s, 4, now_ms());
	return step_done(st, s, "recording a checksum");
}

int
store_delivery_finish(struct store *st, int64_t id, enum delivery_status status,
    enum delivery_stage stage, int64_t case_id, int64_t duplicate_of,
    const char *reason, const char *location)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_FINISH];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status_names[status]);
	bind_text(s, 3, stage_names[stage]);
	bind_id(s, 4, case_id);
	bind_id(s, 5, duplicate_of);
	bind_text(s, 6, reason);
	bind_text(s, 7, location);
	sqlite3_bind_int64(s, 8, now_ms());
	return step_done(st, s, "finishing a delivery");
}

static void
delivery_from_row(sqlite3_stmt *s, struct delivery *d)
{
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, 0);
	d->token = col_text(s, 1);
	d->inbox = col_text(s, 2);
	d->name = col_text(s, 3);
	d->folder = sqlite3_column_int(s, 4) != 0;
	d->size = sqlite3_column_int64(s, 5);
	d->mtime_ms = sqlite3_column_int64(s, 6);
	d->sha256 = col_text(s, 7);
	d->status = (enum delivery_status)name_index(status_names,
	    sizeof(status_names) / sizeof(status_names[0]),
	    (const char *)sqlite3_column_text(s, 8));
	d->stage = (enum delivery_stage)name_index(stage_names,
	    sizeof(stage_names) / sizeof(stage_names[0]),
	    (const char *)sqlite3_column_text(s, 9));
	d->case_id = sqlite3_column_int64(s, 10);
	d->duplicate_of = sqlite3_column_int64(s, 11);
	d->reason = col_text(s, 12);
	d->location = col_text(s, 13);
	d->seen_ms = sqlite3_column_int64(s, 14);
	d->updated_ms = sqlite3_column_int64(s, 15);
	d->attempts = sqlite3_column_int(s, 16);
	d->last_error = col_text(s, 17);
	d->pages = sqlite3_column_int64(s, 18);
}

void
delivery_release(struct delivery *d)
{
	free(d->token);
	free(d->inbox);
	free(d->name);
	free(d->sha256);
	free(d->reason);
	free(d->location);
	free(d->last_error);
	memset(d, 0, sizeof(*d));
}

int
store_delivery_get(struct store *st, int64_t id, struct delivery *d)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_GET];
	int rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		delivery_from_row(s, d);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return INTAKE_ENOENT;
	return store_fail(st, "reading a delivery");
}

int
store_delivery_first_with_hash(struct store *st, const char *sha256,
    int64_t except, int64_t *first_id, int64_t *first_case)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_FIRST_HASH];
	int rc;

	bind_text(s, 1, sha256);
	sqlite3_bind_int64(s, 2, except);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*first_id = sqlite3_column_int64(s, 0);
		*first_case = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return INTAKE_ENOENT;
	return store_fail(st, "looking for duplicates");
}

static bool
exists(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(st, "looking up a delivery");
	return rc == SQLITE_ROW;
}

bool
store_delivery_token_known(struct store *st, const char *token)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_TOKEN];

	bind_text(s, 1, token);
	return exists(st, s);
}

bool
store_delivery_ignored_known(struct store *st, const char *inbox,
    const char *name)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_IGNORED];

	bind_text(s, 1, inbox);
	bind_text(s, 2, name);
	return exists(st, s);
}

int
store_delivery_foreach(struct store *st, bool pending_only,
    int (*fn)(const struct delivery *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct delivery d;
	int rc, r = 0;

	/* A private statement, so fn may use the store while we iterate. */
	if (sqlite3_prepare_v2(st->db, stmt_sql[pending_only ?
	    S_DELIVERY_PENDING : S_DELIVERY_ALL], -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "listing deliveries");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		delivery_from_row(s, &d);
		r = fn(&d, arg);
		delivery_release(&d);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing deliveries");
	sqlite3_finalize(s);
	return r;
}

int
store_delivery_count_pending(struct store *st, int64_t *n)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_COUNT_PENDING];
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, "counting deliveries");
}

int
store_case_create(struct store *st, int64_t delivery_id, const char *state,
    int64_t *case_id)
{
	sqlite3_stmt *s = st->stmt[S_CASE_INSERT];
	int rc;

	sqlite3_bind_int64(s, 1, delivery_id);
	bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, now_ms());
	if ((rc = step_done(st, s, "opening a case")) == 0)
		*case_id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_case_add_file(struct store *st, int64_t case_id, const char *name,
    int64_t size)
{
	return store_case_add_attachment(st, case_id, name, size, NULL);
}

int
store_case_add_attachment(struct store *st, int64_t case_id, const char *name,
    int64_t size, const char *path)
{
	sqlite3_stmt *s = st->stmt[S_CASE_FILE];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, size);
	bind_text(s, 4, path ? "attachment" : "delivered");
	bind_text(s, 5, path);
	return step_done(st, s, "recording a case file");
}

int
store_case_set_manifest(struct store *st, int64_t case_id,
    const char *reference, const char *channel, const char *sender,
    const char *form_hint)
{
	sqlite3_stmt *s = st->stmt[S_CASE_MANIFEST];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, reference);
	bind_text(s, 3, channel);
	bind_text(s, 4, sender);
	bind_text(s, 5, form_hint);
	return step_done(st, s, "recording the manifest");
}

int
store_case_set_form(struct store *st, int64_t case_id, const char *form)
{
	sqlite3_stmt *s = st->stmt[S_CASE_FORM];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, form);
	return step_done(st, s, "recording the form");
}

int
store_case_add_field(struct store *st, int64_t case_id, const char *name,
    const char *type, const char *value, const char *raw, const char *status,
    const char *why, double confidence, uint32_t page, const int box[4])
{
	sqlite3_stmt *s = st->stmt[S_CASE_FIELD];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	bind_text(s, 3, type);
	bind_text(s, 4, value ? value : "");
	bind_text(s, 5, raw);
	bind_text(s, 6, status);
	bind_text(s, 7, why && *why ? why : NULL);
	sqlite3_bind_double(s, 8, confidence);
	bind_id(s, 9, page);
	for (int i = 0; i < 4; i++) {
		if (page)
			sqlite3_bind_int(s, 10 + i, box[i]);
		else
			sqlite3_bind_null(s, 10 + i);
	}
	return step_done(st, s, "recording a field");
}

int
store_case_set_pdf(struct store *st, int64_t case_id, const char *path)
{
	sqlite3_stmt *s = st->stmt[S_CASE_PDF];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, path);
	return step_done(st, s, "recording the searchable PDF");
}

/* The text and words OCR read on a page. */
static int
store_page_ocr(struct store *st, int64_t case_id, const struct page_row *p)
{
	sqlite3_stmt *s = st->stmt[S_PAGE_OCR], *w = st->stmt[S_WORD];
	size_t i;
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)p->seq);
	sqlite3_bind_int(s, 3, p->rotation);
	sqlite3_bind_double(s, 4, p->skew);
	sqlite3_bind_int(s, 5, p->confidence);
	bind_text(s, 6, p->text ? p->text : "");
	if ((rc = step_done(st, s, "recording a page's text")) != 0)
		return rc;
	for (i = 0; i < p->nwords; i++) {
		const struct word_row *wr = &p->words[i];

		sqlite3_bind_int64(w, 1, case_id);
		sqlite3_bind_int(w, 2, (int)p->seq);
		sqlite3_bind_int(w, 3, (int)i + 1);
		sqlite3_bind_int(w, 4, wr->block);
		sqlite3_bind_int(w, 5, wr->line);
		bind_text(w, 6, wr->text);
		sqlite3_bind_int(w, 7, wr->x);
		sqlite3_bind_int(w, 8, wr->y);
		sqlite3_bind_int(w, 9, wr->w);
		sqlite3_bind_int(w, 10, wr->h);
		sqlite3_bind_double(w, 11, wr->conf);
		if ((rc = step_done(st, w, "recording a word")) != 0)
			return rc;
	}
	return 0;
}

int
store_page_words(struct store *st, int64_t case_id, uint32_t seq,
    int (*fn)(const struct word_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct word_row w;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, stmt_sql[S_WORDS], -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "listing words");
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)seq);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&w, 0, sizeof(w));
		w.text = (char *)sqlite3_column_text(s, 0);
		w.x = sqlite3_column_int(s, 1);
		w.y = sqlite3_column_int(s, 2);
		w.w = sqlite3_column_int(s, 3);
		w.h = sqlite3_column_int(s, 4);
		w.conf = sqlite3_column_double(s, 5);
		w.block = sqlite3_column_int(s, 6);
		w.line = sqlite3_column_int(s, 7);
		if ((r = fn(&w, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing words");
	sqlite3_finalize(s);
	return r;
}

int
store_case_add_page(struct store *st, int64_t case_id, const struct page_row *p)
{
	sqlite3_stmt *s = st->stmt[S_CASE_PAGE];
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, (int)p->seq);
	bind_text(s, 3, p->source);
	bind_text(s, 4, p->member);
	sqlite3_bind_int(s, 5, (int)p->page_no);
	sqlite3_bind_int(s, 6, (int)p->width);
	sqlite3_bind_int(s, 7, (int)p->height);
	sqlite3_bind_int(s, 8, (int)p->depth);
	sqlite3_bind_int(s, 9, (int)p->xres);
	sqlite3_bind_int(s, 10, (int)p->yres);
	bind_text(s, 11, p->sha256);
	bind_text(s, 12, p->path);
	sqlite3_bind_int64(s, 13, p->bytes);
	if ((rc = step_done(st, s, "recording a page")) != 0)
		return rc;
	return p->read ? store_page_ocr(st, case_id, p) : 0;
}

int
store_case_add_problem(struct store *st, int64_t case_id, const char *text)
{
	sqlite3_stmt *s = st->stmt[S_CASE_PROBLEM];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, text);
	return step_done(st, s, "recording a problem");
}

int
store_case_pages(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct page_row p;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, stmt_sql[S_CASE_PAGES], -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "listing pages");
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.seq = (uint32_t)sqlite3_column_int(s, 0);
		p.source = col_text(s, 1);
		p.member = col_text(s, 2);
		p.page_no = (uint32_t)sqlite3_column_int(s, 3);
		p.width = (uint32_t)sqlite3_column_int(s, 4);
		p.height = (uint32_t)sqlite3_column_int(s, 5);
		p.depth = (uint32_t)sqlite3_column_int(s, 6);
		p.xres = (uint32_t)sqlite3_column_int(s, 7);
		p.yres = (uint32_t)sqlite3_column_int(s, 8);
		p.sha256 = col_text(s, 9);
		p.path = col_text(s, 10);
		p.bytes = sqlite3_column_int64(s, 11);
		p.read = sqlite3_column_int(s, 12) != 0;
		p.rotation = sqlite3_column_int(s, 13);
		p.skew = sqlite3_column_double(s, 14);
		p.confidence = sqlite3_column_int(s, 15);
		p.text = col_text(s, 16);
		r = fn(&p, arg);
		page_row_release(&p);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing pages");
	sqlite3_finalize(s);
	return r;
}

int
store_delivery_attempt(struct store *st, int64_t id, int *attempts)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_ATTEMPT];
	int rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms());
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*attempts = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "counting an attempt");
	return 0;
}

int
store_delivery_refund(struct store *st, int64_t id)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_REFUND];

	sqlite3_bind_int64(s, 1, id);
	return step_done(st, s, "giving back an attempt");
}

int
store_delivery_set_error(struct store *st, int64_t id, const char *text)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_ERROR];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, text);
	sqlite3_bind_int64(s, 3, now_ms());
	return step_done(st, s, "recording an error");
}

/* Why an open case needs a supervisor, one row per reason. */
#define STUCK_SQL \
	"SELECT id AS case_id, 'deadline passed' AS reason FROM cases " \
	"  WHERE closed_ms IS NULL AND deadline_ms < ?5 " \
	"UNION ALL SELECT id, 'deadline within a day' FROM cases " \
	"  WHERE closed_ms IS NULL AND deadline_ms >= ?5 " \
	"  AND deadline_ms < ?5 + 86400000 " \
	"UNION ALL SELECT DISTINCT case_id, 'statutory clock ran out' " \
	"  FROM case_history WHERE event = 'overdue' " \
	"UNION ALL SELECT case_id, 'action ' || plugin || ' failed: ' || " \
	"  coalesce(error, '') FROM case_actions WHERE status = 'failed' " \
	"UNION ALL SELECT case_id, 'unpacking: ' || text FROM case_problems " \
	"UNION ALL SELECT id, 'unclassified' FROM cases " \
	"  WHERE form IS NULL AND closed_ms IS NULL " \
	"UNION ALL SELECT id, 'no workflow' FROM cases " \
	"  WHERE workflow IS NULL AND closed_ms IS NULL " \
	"UNION ALL SELECT case_id, 'automatic decisions loop' FROM " \
	"  case_history WHERE kind = 'note' AND why LIKE 'stopped after %'"

/* The listing: fixed text chosen by which filters are set, every value
 * bound (?1 state, ?2 queue, ?3 form, ?4 since, ?5 now, ?6 id, ?7 limit). */
static char *
cases_sql(const struct case_filter *f)
{
	char *sql = xasprintf("SELECT c.id, c.delivery_id, c.form, c.state, "
	    "c.reference, c.created_ms, c.updated_ms, c.sender, c.channel, "
	    "c.form_hint, c.npages, c.workflow, c.workflow_version, c.queue, "
	    "c.priority, c.assignee, c.pdf, c.state_since_ms, c.deadline_ms, "
	    "c.closed_ms, c.nflagged, %s "
	    "FROM %s cases c WHERE 1 %s%s%s%s%s%s%s%s%s "
	    "ORDER BY %s LIMIT ?7",
	    f->stuck ? "s.reasons" : "NULL",
	    f->stuck ? "(SELECT case_id, group_concat(reason, '; ') AS reasons "
	    "FROM (" STUCK_SQL ") GROUP BY case_id) s JOIN" : "",
	    f->stuck ? "AND c.id = s.case_id AND c.closed_ms IS NULL " : "",
	    f->state ? "AND c.state = ?1 " : "",
	    f->queue ? "AND c.queue = ?2 AND c.closed_ms IS NULL " : "",
	    f->form ? "AND c.form = ?3 " : "",
	    f->since_ms ? "AND c.created_ms >= ?4 " : "",
	    f->open || f->overdue ? "AND c.closed_ms IS NULL " : "",
	    f->overdue ? "AND c.id IN (SELECT id FROM cases WHERE closed_ms "
	    "IS NULL AND deadline_ms < ?5 UNION ALL SELECT case_id FROM "
	    "case_history WHERE event = 'overdue') " :
	    "", f->id ? "AND c.id = ?6 " : "",
	    f->no_workflow ? "AND c.workflow IS NULL AND c.closed_ms IS NULL " :
	    "",
	    f->queue || f->stuck || f->overdue ?
	    "c.priority DESC, coalesce(c.deadline_ms, 9e18), c.id" : "c.id");
	return sql;
}

int
store_cases(struct store *st, const struct case_filter *f,
    int (*fn)(const struct case_row *, void *), void *arg)
{
	struct case_filter all;
	sqlite3_stmt *s, *fl = st->stmt[S_CASE_FILES];
	struct case_row c;
	char *sql;
	int rc, r = 0;
	size_t i;

	if (f == NULL) {
		memset(&all, 0, sizeof(all));
		f = &all;
	}
	sql = cases_sql(f);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_fail(st, "listing cases");
	bind_text(s, 1, f->state);
	bind_text(s, 2, f->queue);
	bind_text(s, 3, f->form);
	sqlite3_bind_int64(s, 4, f->since_ms);
	sqlite3_bind_int64(s, 5, f->now_ms);
	sqlite3_bind_int64(s, 6, f->id);
	sqlite3_bind_int64(s, 7, f->limit ? (int64_t)f->limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.id = sqlite3_column_int64(s, 0);
		c.delivery_id = sqlite3_column_int64(s, 1);
		c.form = col_text(s, 2);
		c.state = col_text(s, 3);
		c.reference = col_text(s, 4);
		c.created_ms = sqlite3_column_int64(s, 5);
		c.updated_ms = sqlite3_column_int64(s, 6);
		c.sender = col_text(s, 7);
		c.channel = col_text(s, 8);
		c.form_hint = col_text(s, 9);
		c.npages = sqlite3_column_int64(s, 10);
		c.workflow = col_text(s, 11);
		c.version = sqlite3_column_int(s, 12);
		c.queue = col_text(s, 13);
		c.priority = sqlite3_column_int(s, 14);
		c.assignee = col_text(s, 15);
		c.pdf = col_text(s, 16);
		c.state_since_ms = sqlite3_column_int64(s, 17);
		c.deadline_ms = sqlite3_column_int64(s, 18);
		c.closed_ms = sqlite3_column_int64(s, 19);
		c.flagged = sqlite3_column_int64(s, 20);
		c.stuck = col_text(s, 21);
		sqlite3_bind_int64(fl, 1, c.id);
		while (sqlite3_step(fl) == SQLITE_ROW) {
			c.files = xreallocarray(c.files, c.nfiles + 1,
			    sizeof(*c.files));
			c.files[c.nfiles++] = col_text(fl, 0);
		}
		sqlite3_reset(fl);
		r = fn(&c, arg);
		for (i = 0; i < c.nfiles; i++)
			free(c.files[i]);
		free(c.files);
		free(c.form);
		free(c.state);
		free(c.reference);
		free(c.sender);
		free(c.channel);
		free(c.form_hint);
		free(c.workflow);
		free(c.queue);
		free(c.assignee);
		free(c.pdf);
		free(c.stuck);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing cases");
	sqlite3_finalize(s);
	return r;
}

int
store_case_foreach(struct store *st, int (*fn)(const struct case_row *, void *),
    void *arg)
{
	return store_cases(st, NULL, fn, arg);
}

/* --- workflows: the engine's view of a case, history, timers, actions */

/* Runs a prepared-on-the-spot query row by row, so that fn may use the
 * cached statements while it runs.  bind fills the parameters. */
static int
each_row(struct store *st, enum stmt_id id, const char *what,
    void (*bind)(sqlite3_stmt *, const void *), const void *barg,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *s;
	int rc, r = 0;

	if (sqlite3_prepare_v2(st->db, stmt_sql[id], -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, what);
	bind(s, barg);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((r = row(s, arg)) != 0)
			break;
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, what);
	sqlite3_finalize(s);
	return r;
}

static void
bind_case(sqlite3_stmt *s, const void *arg)
{
	sqlite3_bind_int64(s, 1, *(const int64_t *)arg);
}

int
store_case_wf_get(struct store *st, int64_t case_id, struct case_wf *c)
{
	sqlite3_stmt *s = st->stmt[S_CASE_WF];
	int rc;

	memset(c, 0, sizeof(*c));
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->id = case_id;
		c->form = col_text(s, 0);
		c->state = col_text(s, 1);
		c->workflow = col_text(s, 2);
		c->version = sqlite3_column_int(s, 3);
		c->created_ms = sqlite3_column_int64(s, 4);
		c->state_since_ms = sqlite3_column_int64(s, 5);
		c->closed_ms = sqlite3_column_int64(s, 6);
		c->pages = sqlite3_column_int64(s, 7);
		c->problems = sqlite3_column_int64(s, 8);
		c->flagged = sqlite3_column_int64(s, 9);
		c->queue = col_text(s, 10);
		c->deadline_ms = sqlite3_column_int64(s, 11);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? INTAKE_ENOENT : store_fail(st, "reading a case");
}

void
case_wf_release(struct case_wf *c)
{
	free(c->form);
	free(c->state);
	free(c->workflow);
	free(c->queue);
	memset(c, 0, sizeof(*c));
}

int
store_case_set_workflow(struct store *st, int64_t case_id, const char *wf,
    int version)
{
	sqlite3_stmt *s = st->stmt[S_CASE_SET_WF];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, wf);
	sqlite3_bind_int(s, 3, version);
	return step_done(st, s, "recording the case's workflow");
}

int
store_case_enter(struct store *st, int64_t case_id, const char *state,
    const char *queue, int priority, int64_t since_ms, int64_t deadline_ms,
    bool closed)
{
	sqlite3_stmt *s = st->stmt[S_CASE_ENTER];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, state);
	bind_text(s, 3, queue);
	sqlite3_bind_int(s, 4, priority);
	sqlite3_bind_int64(s, 5, since_ms);
	bind_id(s, 6, deadline_ms);
	sqlite3_bind_int(s, 7, closed);
	return step_done(st, s, "moving the case");
}

struct rows_arg {
	void	*fn;
	void	*arg;
};

static int
field_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const struct field_row *, void *) =
	    (int (*)(const struct field_row *, void *))a->fn;
	struct field_row f;
	int i;

	f.name = (const char *)sqlite3_column_text(s, 0);
	f.type = (const char *)sqlite3_column_text(s, 1);
	f.value = (const char *)sqlite3_column_text(s, 2);
	f.raw = (const char *)sqlite3_column_text(s, 3);
	f.status = (const char *)sqlite3_column_text(s, 4);
	f.why = (const char *)sqlite3_column_text(s, 5);
	f.confidence = sqlite3_column_double(s, 6);
	f.page = (uint32_t)sqlite3_column_int(s, 7);
	for (i = 0; i < 4; i++)
		f.box[i] = sqlite3_column_int(s, 8 + i);
	return fn(&f, a->arg);
}

int
store_case_fields(struct store *st, int64_t case_id,
    int (*fn)(const struct field_row *, void *), void *arg)
{
	struct rows_arg a = { (void *)fn, arg };

	return each_row(st, S_CASE_FIELDS, "listing fields", bind_case,
	    &case_id, field_row, &a);
}

struct dup_arg {
	struct store	*st;
	int64_t		 case_id;
	const char	*form;
	const char *const *names, *const *values;
	size_t		 n;
	int64_t		 other;
};

static void
bind_dup(sqlite3_stmt *s, const void *arg)
{
	const struct dup_arg *d = arg;

	bind_text(s, 1, d->names[0]);
	bind_text(s, 2, d->values[0]);
	sqlite3_bind_int64(s, 3, d->case_id);
	bind_text(s, 4, d->form);
}

/* Whether field name of case_id holds value. */
static bool
field_is(struct store *st, int64_t case_id, const char *name,
    const char *value)
{
	sqlite3_stmt *s = st->stmt[S_FIELD_VALUE];
	bool same = false;

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	if (sqlite3_step(s) == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(s, 0), value) == 0;
	sqlite3_reset(s);
	return same;
}

/* A case with the first value: does it have the others too? */
static int
dup_row(sqlite3_stmt *s, void *arg)
{
	struct dup_arg *d = arg;
	int64_t id = sqlite3_column_int64(s, 0);
	size_t k;

	for (k = 1; k < d->n; k++)
		if (!field_is(d->st, id, d->names[k], d->values[k]))
			return 0;
	d->other = id;
	return 1;
}

int
store_case_duplicate(struct store *st, int64_t case_id, const char *form,
    const char *const *names, const char *const *values, size_t n,
    int64_t *other)
{
	struct dup_arg d = { st, case_id, form, names, values, n, 0 };
	int rc;

	*other = 0;
	rc = each_row(st, S_DUP_CANDIDATES, "looking for duplicates", bind_dup,
	    &d, dup_row, &d);
	if (rc < 0)
		return rc;
	*other = d.other;
	return d.other ? 0 : INTAKE_ENOENT;
}

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
	return rc == SQLITE_DONE ? 0 : store_fail(st, "recording the history");
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

	return each_row(st, S_HISTORY, "reading the history", bind_case,
	    &case_id, history_row, &a);
}

int
store_timer_set(struct store *st, int64_t case_id, const char *kind,
    int64_t due_ms)
{
	sqlite3_stmt *s = st->stmt[S_TIMER_SET];

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, due_ms);
	return step_done(st, s, "setting a timer");
}

int
store_timer_clear(struct store *st, int64_t case_id, const char *kind)
{
	sqlite3_stmt *s = st->stmt[kind ? S_TIMER_CLEAR : S_TIMER_CLEAR_ALL];

	sqlite3_bind_int64(s, 1, case_id);
	if (kind != NULL)
		bind_text(s, 2, kind);
	return step_done(st, s, "clearing a timer");
}

int
store_timers_pause(struct store *st, int64_t case_id, int64_t now_ms,
    bool pause)
{
	sqlite3_stmt *s = st->stmt[pause ? S_TIMERS_PAUSE : S_TIMERS_RESUME];

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, now_ms);
	return step_done(st, s, pause ? "pausing the clock" :
	    "resuming the clock");
}

struct due_q {
	int64_t		 now, limit;
};

struct due_arg {
	struct due_q	 q;
	struct timer_row *v;
	size_t		 n;
};

static void
bind_due(sqlite3_stmt *s, const void *arg)
{
	const struct due_q *d = arg;

	sqlite3_bind_int64(s, 1, d->now);
	sqlite3_bind_int64(s, 2, d->limit);
}

static int
due_row(sqlite3_stmt *s, void *arg)
{
	struct due_arg *d = arg;
	struct timer_row *t;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	t = &d->v[d->n++];
	t->case_id = sqlite3_column_int64(s, 0);
	snprintf(t->kind, sizeof(t->kind), "%s", sqlite3_column_text(s, 1));
	t->due_ms = sqlite3_column_int64(s, 2);
	return 0;
}

int
store_timers_due(struct store *st, int64_t now_ms, size_t limit,
    struct timer_row **out, size_t *n)
{
	struct due_arg d = { { now_ms, (int64_t)limit }, NULL, 0 };
	int rc;

	rc = each_row(st, S_TIMERS_DUE, "looking for due timers", bind_due,
	    &d.q, due_row, &d);
	*out = d.v;
	*n = d.n;
	return rc;
}

int
store_timer_take(struct store *st, const struct timer_row *t)
{
	sqlite3_stmt *s = st->stmt[S_TIMER_TAKE];
	int rc;

	sqlite3_bind_int64(s, 1, t->case_id);
	bind_text(s, 2, t->kind);
	sqlite3_bind_int64(s, 3, t->due_ms);
	if ((rc = step_done(st, s, "taking a timer")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}

int
store_action_add(struct store *st, int64_t case_id, int history_seq,
    const char *plugin, const char *params, int64_t next_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_ADD];

	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, history_seq);
	bind_text(s, 3, plugin);
	bind_text(s, 4, params);
	sqlite3_bind_int64(s, 5, next_ms);
	return step_done(st, s, "queueing an action");
}

struct act_arg {
	struct due_q	 q;
	struct action_row *v;
	size_t		 n;
};

static int
action_row_read(sqlite3_stmt *s, void *arg)
{
	struct act_arg *d = arg;
	struct action_row *a;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	a = &d->v[d->n++];
	a->id = sqlite3_column_int64(s, 0);
	a->case_id = sqlite3_column_int64(s, 1);
	a->history_seq = sqlite3_column_int(s, 2);
	a->plugin = col_text(s, 3);
	a->params = col_text(s, 4);
	a->attempts = sqlite3_column_int(s, 5);
	return 0;
}

int
store_actions_due(struct store *st, int64_t now_ms, size_t limit,
    struct action_row **out, size_t *n)
{
	struct act_arg d = { { now_ms, (int64_t)limit }, NULL, 0 };
	int rc;

	rc = each_row(st, S_ACTIONS_DUE, "looking for actions", bind_due,
	    &d.q, action_row_read, &d);
	*out = d.v;
	*n = d.n;
	return rc;
}

int
store_action_get(struct store *st, int64_t id, struct action_row **out)
{
	struct act_arg d = { { 0, 0 }, NULL, 0 };
	int rc;

	*out = NULL;
	rc = each_row(st, S_ACTION_GET, "reading an action", bind_case,
	    &id, action_row_read, &d);
	if (rc == 0 && d.n == 0)
		rc = INTAKE_ENOENT;
	if (rc == 0)
		*out = d.v;
	else
		action_rows_free(d.v, d.n);
	return rc;
}

int
store_action_claim(struct store *st, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_CLAIM];
	int rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now_ms);
	if ((rc = step_done(st, s, "claiming an action")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}

int
store_actions_unclaim(struct store *st, size_t *n)
{
	int rc;

	*n = 0;
	if ((rc = step_done(st, st->stmt[S_ACTIONS_UNCLAIM],
	    "releasing interrupted actions")) == 0)
		*n = (size_t)sqlite3_changes(st->db);
	return rc;
}

void
action_rows_free(struct action_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].plugin);
		free(v[i].params);
	}
	free(v);
}

int
store_action_done(struct store *st, int64_t id, const char *status,
    const char *error, int64_t next_ms, int64_t now_ms)
{
	sqlite3_stmt *s = st->stmt[S_ACTION_DONE];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	bind_text(s, 3, error);
	bind_id(s, 4, next_ms);
	sqlite3_bind_int64(s, 5, now_ms);
	return step_done(st, s, "recording an action");
}

int
store_workflow_get(struct store *st, const char *id, int version,
    char **sha256, char **source, char **file)
{
	sqlite3_stmt *s = st->stmt[S_WORKFLOW_GET];
	int rc;

	bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, version);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sha256 != NULL)
			*sha256 = col_text(s, 0);
		if (source != NULL)
			*source = col_text(s, 1);
		if (file != NULL)
			*file = col_text(s, 2);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? INTAKE_ENOENT :
	    store_fail(st, "reading a workflow");
}

int
store_workflow_put(struct store *st, const char *id, int version,
    const char *file, const char *sha256, const char *source)
{
	sqlite3_stmt *s = st->stmt[S_WORKFLOW_PUT];

	bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, version);
	bind_text(s, 3, file);
	bind_text(s, 4, sha256);
	bind_text(s, 5, source);
	sqlite3_bind_int64(s, 6, now_ms());
	return step_done(st, s, "recording a workflow version");
}

int
store_case_field_set(struct store *st, int64_t case_id, const char *name,
    const char *value, const char *status, const char *why)
{
	sqlite3_stmt *s = st->stmt[S_FIELD_SET];
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	bind_text(s, 3, value);
	bind_text(s, 4, status);
	bind_text(s, 5, why);
	if ((rc = step_done(st, s, "correcting a field")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}

int
store_case_assign(struct store *st, int64_t case_id, const char *user)
{
	sqlite3_stmt *s = st->stmt[S_CASE_ASSIGN];
	int rc;

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, user);
	sqlite3_bind_int64(s, 3, now_ms());
	if ((rc = step_done(st, s, "assigning a case")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
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

/* --- status and statistics for supervisors */

static int
count_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const char *, const char *, int64_t, void *) =
	    (int (*)(const char *, const char *, int64_t, void *))a->fn;

	return fn((const char *)sqlite3_column_text(s, 0),
	    (const char *)sqlite3_column_text(s, 1), sqlite3_column_int64(s, 2),
	    a->arg);
}

static void
bind_now(sqlite3_stmt *s, const void *arg)
{
	sqlite3_bind_int64(s, 1, *(const int64_t *)arg);
}

int
store_counts(struct store *st, enum store_count what, int64_t now_ms,
    int (*fn)(const char *a, const char *b, int64_t n, void *), void *arg)
{
	static const enum stmt_id ids[] = {
		[COUNT_STAGES] = S_COUNT_STAGES,
		[COUNT_OPEN] = S_COUNT_OPEN,
		[COUNT_RECENT] = S_COUNT_RECENT,
	};
	struct rows_arg a = { (void *)fn, arg };

	return each_row(st, ids[what], "counting", bind_now, &now_ms, count_row,
	    &a);
}

struct period_arg {
	int64_t		 since;
	const char	*fmt;
};

static void
bind_period(sqlite3_stmt *s, const void *arg)
{
	const struct period_arg *p = arg;

	sqlite3_bind_int64(s, 1, p->since);
	sqlite3_bind_text(s, 2, p->fmt, -1, SQLITE_STATIC);
}

static int
period_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const char *, int64_t, int64_t, void *) =
	    (int (*)(const char *, int64_t, int64_t, void *))a->fn;

	return fn((const char *)sqlite3_column_text(s, 0),
	    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), a->arg);
}

int
store_stats_periods(struct store *st, bool weeks, int64_t since_ms,
    int (*fn)(const char *period, int64_t received, int64_t completed,
    void *), void *arg)
{
	struct period_arg p = { since_ms, weeks ? "week" : "day" };
	struct rows_arg a = { (void *)fn, arg };

	return each_row(st, S_STATS_PERIODS, "counting by period", bind_period,
	    &p, period_row, &a);
}

struct dur_arg {
	int	(*fn)(const char *, int64_t, int64_t, void *);
	void	*arg;
	char	*form;
	int64_t	*v;
	size_t	 n;
	int	 rc;
};

static int
dur_flush(struct dur_arg *d)
{
	int rc = 0;

	if (d->n > 0)
		rc = d->fn(d->form ? d->form : "", (int64_t)d->n,
		    d->n % 2 ? d->v[d->n / 2] :
		    (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2, d->arg);
	free(d->form);
	d->form = NULL;
	d->n = 0;
	return rc;
}

static int
dur_row(sqlite3_stmt *s, void *arg)
{
	struct dur_arg *d = arg;
	const char *form = (const char *)sqlite3_column_text(s, 0);
	int rc;

	if (d->n > 0 && strcmp(d->form ? d->form : "", form ? form : "") != 0 &&
	    (rc = dur_flush(d)) != 0)
		return rc;
	if (d->n == 0)
		d->form = form ? xstrdup(form) : NULL;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = sqlite3_column_int64(s, 1);
	return 0;
}

int
store_stats_completion(struct store *st, int64_t since_ms,
    int (*fn)(const char *form, int64_t n, int64_t median_ms, void *),
    void *arg)
{
	struct dur_arg d = { fn, arg, NULL, NULL, 0, 0 };
	int rc;

	rc = each_row(st, S_STATS_DURATIONS, "timing completions", bind_now,
	    &since_ms, dur_row, &d);
	if (rc == 0)
		rc = dur_flush(&d);
	free(d.form);
	free(d.v);
	return rc;
}

int
store_case_retry_actions(struct store *st, int64_t case_id, int64_t now_ms,
    int *n)
{
	sqlite3_stmt *s = st->stmt[S_ACTIONS_RETRY];
	int rc;

	*n = 0;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, now_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		(*n)++;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "retrying actions");
}

int
store_case_reread(struct store *st, int64_t case_id,
    const struct page_row *pages, size_t n)
{
	static const enum stmt_id clear[] = {
		S_CLEAR_WORDS, S_CLEAR_TEXT, S_CLEAR_FIELDS
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(clear) / sizeof(*clear); i++) {
		sqlite3_bind_int64(st->stmt[clear[i]], 1, case_id);
		if ((rc = step_done(st, st->stmt[clear[i]],
		    "clearing what was read")) != 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		if (pages[i].read &&
		    (rc = store_page_ocr(st, case_id, &pages[i])) != 0)
			return rc;
	return 0;
}

int
store_case_page_sources(struct store *st, int64_t case_id,
    int (*fn)(const struct page_row *, void *), void *arg)
{
	sqlite3_stmt *s = st->stmt[S_PAGE_SOURCES];
	struct page_row p;
	int rc, r = 0;

	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.seq = (uint32_t)sqlite3_column_int(s, 0);
		p.source = (char *)sqlite3_column_text(s, 1);
		p.member = (char *)sqlite3_column_text(s, 2);
		p.page_no = (uint32_t)sqlite3_column_int(s, 3);
		if ((r = fn(&p, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing pages");
	sqlite3_reset(s);
	return r;
}
