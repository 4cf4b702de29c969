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
	S_CASE_ALL,
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
	[S_CASE_ALL] =
	    "SELECT c.id, c.delivery_id, c.form, c.state, c.reference, "
	    "c.created_ms, c.updated_ms, c.sender, c.channel, c.form_hint, "
	    "(SELECT count(*) FROM pages p WHERE p.case_id = c.id) "
	    "FROM cases c ORDER BY c.id",
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

void
page_row_release(struct page_row *p)
{
	size_t i;

	for (i = 0; i < p->nwords; i++)
		free(p->words[i].text);
	free(p->words);
	free(p->text);
	free(p->source);
	free(p->member);
	free(p->sha256);
	free(p->path);
	memset(p, 0, sizeof(*p));
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

int
store_case_foreach(struct store *st, int (*fn)(const struct case_row *, void *),
    void *arg)
{
	sqlite3_stmt *s, *f = st->stmt[S_CASE_FILES];
	struct case_row c;
	int rc, r = 0;
	size_t i;

	if (sqlite3_prepare_v2(st->db, stmt_sql[S_CASE_ALL], -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "listing cases");
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
		sqlite3_bind_int64(f, 1, c.id);
		while (sqlite3_step(f) == SQLITE_ROW) {
			c.files = xreallocarray(c.files, c.nfiles + 1,
			    sizeof(*c.files));
			c.files[c.nfiles++] = col_text(f, 0);
		}
		sqlite3_reset(f);
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
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_fail(st, "listing cases");
	sqlite3_finalize(s);
	return r;
}
