/*
 * sqlite-schema.c - the store's schema: migrations counted by
 * PRAGMA user_version, each taking the schema one version up.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "sqlite.h"

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
	/* 8: a case to be read again (reprocess, classify), asked by
	 * intakectl of the running daemon, and how it ended */
	"CREATE TABLE rereads ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  form TEXT,"
	"  actor TEXT NOT NULL,"
	"  comment TEXT,"
	"  asked_ms INTEGER NOT NULL,"
	"  done_ms INTEGER,"
	"  ok INTEGER,"
	"  outcome TEXT);"
	"CREATE INDEX rereads_waiting ON rereads(id) WHERE done_ms IS NULL;",
	/* 9: who sees which case: those on a person's desk and those they
	 * acted on found through indexes, not by reading every case and
	 * the whole history on each request */
	"CREATE INDEX cases_assignee ON cases(assignee) "
	"  WHERE assignee IS NOT NULL;"
	"CREATE INDEX case_history_actor ON case_history(actor, case_id);",
	/* 10: full text over the OCR'd pages (sqlite-search.c): an index of
	 * each page's text only, kept by page_text's triggers, its rowid the
	 * page's; the text read before is indexed now */
	"CREATE VIRTUAL TABLE page_fts USING fts5(text, content='', "
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER page_text_fts_add AFTER INSERT ON page_text BEGIN "
	"  INSERT INTO page_fts (rowid, text) VALUES "
	"  (NEW.case_id * 1048576 + NEW.seq, NEW.text); END;"
	"CREATE TRIGGER page_text_fts_drop AFTER DELETE ON page_text BEGIN "
	"  INSERT INTO page_fts (page_fts, rowid, text) VALUES "
	"  ('delete', OLD.case_id * 1048576 + OLD.seq, OLD.text); END;"
	"CREATE TRIGGER page_text_fts_change AFTER UPDATE OF text ON page_text "
	"  BEGIN INSERT INTO page_fts (page_fts, rowid, text) VALUES "
	"  ('delete', OLD.case_id * 1048576 + OLD.seq, OLD.text); "
	"  INSERT INTO page_fts (rowid, text) VALUES "
	"  (NEW.case_id * 1048576 + NEW.seq, NEW.text); END;"
	"INSERT INTO page_fts (rowid, text) "
	"  SELECT case_id * 1048576 + seq, text FROM page_text;",
};
#define SCHEMA_VERSION	((int)(sizeof(migrations) / sizeof(migrations[0])))

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
 * transaction; a database newer than this program is refused.  A schema
 * that is current is only read: every intakectl and every request of
 * intake-web opens the store, and a write lock each would make them
 * wait for each other and for the daemon. */
int
sqlite_migrate(struct store *st)
{
	int v;

	if (store_schema_version(st) == SCHEMA_VERSION)
		return 0;
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

		if (sqlite_script(st, migrations[v]) != 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (sqlite_script(st, pragma) != 0)
			goto fail;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return INTAKE_ERR;
}
