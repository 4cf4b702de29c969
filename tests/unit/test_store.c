/*
 * test_store.c - unit tests for daemon/store/.
 *
 * Each test opens a database in its own temporary folder.  Where a test
 * needs to look past the store's API (the schema version, the journal
 * mode, a second writer) it uses SQLite directly.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"
#include "store.h"
#include "jobmsg.h"
#include "reading.h"
#include "template.h"

static char *tmp;		/* the test's own folder */
static char *db;		/* tmp/intake.db */

static void
setup(void)
{
	tmp = unit_tmpdir();
	db = path_join(tmp, "intake.db");
}

static void
teardown(void)
{
	remove_tree(tmp);
	free(tmp);
	free(db);
	tmp = db = NULL;
}

static struct store *
open_new(void)
{
	struct store *st = NULL;

	ck_assert_int_eq(store_open(db, STORE_CREATE, &st), 0);
	ck_assert_ptr_nonnull(st);
	return st;
}

/* A delivery borrowing its strings, ready for store_delivery_insert(). */
static struct delivery
mkdel(const char *token, const char *name, enum delivery_status status,
    enum delivery_stage stage)
{
	struct delivery d;

	memset(&d, 0, sizeof(d));
	d.token = (char *)token;
	d.inbox = (char *)"/srv/inbox";
	d.name = (char *)name;
	d.size = 100;
	d.mtime_ms = 1700000000000;
	d.status = status;
	d.stage = stage;
	return d;
}

static int64_t
insert(struct store *st, const char *token, const char *name,
    enum delivery_status status, enum delivery_stage stage)
{
	struct delivery d = mkdel(token, name, status, stage);

	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	ck_assert_int_gt(d.id, 0);
	return d.id;
}

/* One value of a query run on a separate connection; caller frees. */
static char *
sql_value(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static void
sql_exec(const char *sql)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* ---- opening and migrating ---------------------------------------------- */

START_TEST(test_open_creates_and_migrates)
{
	struct store *st = open_new();
	struct stat sb;
	int v = store_schema_version(st);
	char *uv;

	ck_assert_int_gt(v, 0);
	ck_assert_int_eq(stat(db, &sb), 0);
	uv = sql_value("PRAGMA user_version");
	ck_assert_ptr_nonnull(uv);
	ck_assert_int_eq(atoi(uv), v);
	free(uv);
	/* the tables are there */
	insert(st, "t1", "a.tif", DS_PENDING, STAGE_CLAIMING);
	store_close(st);
	uv = sql_value("SELECT count(*) FROM sqlite_master WHERE type = "
	    "'table' AND name IN ('deliveries', 'cases', 'case_files')");
	ck_assert_str_eq(uv, "3");
	free(uv);
}
END_TEST

START_TEST(test_reopen_idempotent)
{
	struct store *st = open_new();
	struct delivery d;
	int64_t id;
	int v = store_schema_version(st);

	id = insert(st, "t1", "a.tif", DS_PENDING, STAGE_CLAIMING);
	store_close(st);

	ck_assert_int_eq(store_open(db, STORE_EXISTING, &st), 0);
	ck_assert_int_eq(store_schema_version(st), v);
	ck_assert_int_eq(store_delivery_get(st, id, &d), 0);
	ck_assert_str_eq(d.name, "a.tif");
	delivery_release(&d);
	store_close(st);

	/* STORE_CREATE on an existing database neither fails nor resets it */
	ck_assert_int_eq(store_open(db, STORE_CREATE, &st), 0);
	ck_assert_int_eq(store_schema_version(st), v);
	ck_assert_int_eq(store_delivery_get(st, id, &d), 0);
	delivery_release(&d);
	store_close(st);
}
END_TEST

START_TEST(test_open_existing_missing)
{
	struct store *st = (struct store *)&st;

	ck_assert_int_eq(store_open(db, STORE_EXISTING, &st), INTAKE_ENOENT);
	ck_assert_ptr_null(st);
	ck_assert_int_eq(access(db, F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_open_newer_schema_refused)
{
	struct store *st = open_new();
	char *uv;

	store_close(st);
	sql_exec("PRAGMA user_version = 999");
	st = (struct store *)&st;
	ck_assert_int_ne(store_open(db, STORE_EXISTING, &st), 0);
	ck_assert_ptr_null(st);
	st = (struct store *)&st;
	ck_assert_int_ne(store_open(db, STORE_CREATE, &st), 0);
	ck_assert_ptr_null(st);
	/* and left as it was */
	uv = sql_value("PRAGMA user_version");
	ck_assert_str_eq(uv, "999");
	free(uv);
}
END_TEST

START_TEST(test_open_not_a_database)
{
	struct store *st = (struct store *)&st;

	unit_write(db, "this is not an SQLite database, but a text file that "
	    "is long enough to hold a header page of one hundred bytes.....\n");
	ck_assert_int_ne(store_open(db, STORE_EXISTING, &st), 0);
	ck_assert_ptr_null(st);
}
END_TEST

START_TEST(test_journal_mode_wal)
{
	struct store *st = open_new();
	char *mode;

	mode = sql_value("PRAGMA journal_mode");
	ck_assert_ptr_nonnull(mode);
	ck_assert_str_eq(mode, "wal");
	free(mode);
	store_close(st);
}
END_TEST

/* Foreign keys are on: a case for no delivery is refused. */
START_TEST(test_foreign_keys)
{
	struct store *st = open_new();
	int64_t case_id = 0;
	char *n;

	ck_assert_int_ne(store_case_create(st, 4242, "received", &case_id), 0);
	n = sql_value("SELECT count(*) FROM cases");
	ck_assert_str_eq(n, "0");
	free(n);
	store_close(st);
}
END_TEST

/* ---- deliveries --------------------------------------------------------- */

START_TEST(test_delivery_roundtrip)
{
	struct store *st = open_new();
	struct delivery d, g;
	const char *hash =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	memset(&d, 0, sizeof(d));
	d.token = (char *)"18c2f-1f4-0";
	d.inbox = (char *)"/srv/scan";
	d.name = (char *)"application 17";
	d.folder = true;
	d.size = 123456789012LL;
	d.mtime_ms = 1764167412345LL;
	d.sha256 = (char *)hash;
	d.status = DS_QUARANTINED;
	d.stage = STAGE_REJECTING;
	d.reason = (char *)"the file is \"empty\"";
	d.location = (char *)"/srv/scan/_rejected/application 17";
	d.seen_ms = 1764167499999LL;
	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	ck_assert_int_gt(d.id, 0);

	ck_assert_int_eq(store_delivery_get(st, d.id, &g), 0);
	ck_assert_int_eq(g.id, d.id);
	ck_assert_str_eq(g.token, d.token);
	ck_assert_str_eq(g.inbox, d.inbox);
	ck_assert_str_eq(g.name, d.name);
	ck_assert(g.folder);
	ck_assert_int_eq(g.size, d.size);
	ck_assert_int_eq(g.mtime_ms, d.mtime_ms);
	ck_assert_str_eq(g.sha256, hash);
	ck_assert_int_eq(g.status, DS_QUARANTINED);
	ck_assert_int_eq(g.stage, STAGE_REJECTING);
	ck_assert_int_eq(g.case_id, 0);
	ck_assert_int_eq(g.duplicate_of, 0);
	ck_assert_str_eq(g.reason, d.reason);
	ck_assert_str_eq(g.location, d.location);
	ck_assert_int_eq(g.seen_ms, d.seen_ms);
	ck_assert_int_eq(g.updated_ms, d.seen_ms);
	delivery_release(&g);
	ck_assert_ptr_null(g.token);

	/* the NULLs and defaults of a bare row */
	memset(&d, 0, sizeof(d));
	d.inbox = (char *)"/srv/scan";
	d.name = (char *)"x.part";
	d.status = DS_IGNORED;
	d.stage = STAGE_DONE;
	int64_t before = now_ms();
	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	ck_assert_int_eq(store_delivery_get(st, d.id, &g), 0);
	ck_assert_ptr_null(g.token);
	ck_assert_ptr_null(g.sha256);
	ck_assert_ptr_null(g.reason);
	ck_assert_ptr_null(g.location);
	ck_assert(!g.folder);
	ck_assert_int_eq(g.status, DS_IGNORED);
	ck_assert_int_eq(g.stage, STAGE_DONE);
	ck_assert_int_ge(g.seen_ms, before);
	ck_assert_int_le(g.seen_ms, now_ms());
	delivery_release(&g);

	ck_assert_int_eq(store_delivery_get(st, 9999, &g), INTAKE_ENOENT);
	store_close(st);
}
END_TEST

/* Every status and stage survives the trip by name. */
START_TEST(test_delivery_all_states)
{
	struct store *st = open_new();
	struct delivery g;
	int s, t;
	char token[32];

	for (s = DS_PENDING; s <= DS_IGNORED; s++)
		for (t = STAGE_CLAIMING; t <= STAGE_DONE; t++) {
			int64_t id;

			snprintf(token, sizeof(token), "tok-%d-%d", s, t);
			id = insert(st, token, "f", (enum delivery_status)s,
			    (enum delivery_stage)t);
			ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
			ck_assert_int_eq(g.status, s);
			ck_assert_int_eq(g.stage, t);
			delivery_release(&g);
		}
	ck_assert_str_eq(delivery_status_name(DS_DUPLICATE), "duplicate");
	ck_assert_str_eq(delivery_status_name(DS_CASE), "case");
	ck_assert_str_eq(delivery_stage_name(STAGE_COPIED), "copied");
	ck_assert_str_eq(delivery_stage_name(STAGE_SPOOLED), "spooled");
	store_close(st);
}
END_TEST

START_TEST(test_token_unique)
{
	struct store *st = open_new();
	struct delivery d = mkdel("same", "a", DS_PENDING, STAGE_CLAIMING);

	insert(st, "same", "a", DS_PENDING, STAGE_CLAIMING);
	ck_assert_int_ne(store_delivery_insert(st, &d), 0);
	/* still usable */
	insert(st, "other", "a", DS_PENDING, STAGE_CLAIMING);
	store_close(st);
}
END_TEST

START_TEST(test_delivery_updates)
{
	struct store *st = open_new();
	struct delivery g;
	int64_t id, dup, case_id = 0, t0;
	const char *h =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	id = insert(st, "t1", "a.tif", DS_PENDING, STAGE_CLAIMING);
	dup = insert(st, "t2", "b.tif", DS_PENDING, STAGE_CLAIMING);
	t0 = now_ms();

	ck_assert_int_eq(store_delivery_set_stage(st, id, STAGE_SPOOLED,
	    "/data/spool/t1/a.tif"), 0);
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	ck_assert_int_eq(g.stage, STAGE_SPOOLED);
	ck_assert_int_eq(g.status, DS_PENDING);
	ck_assert_str_eq(g.location, "/data/spool/t1/a.tif");
	ck_assert_int_ge(g.updated_ms, t0);
	delivery_release(&g);

	/* NULL keeps the location */
	ck_assert_int_eq(store_delivery_set_stage(st, id, STAGE_COPIED, NULL),
	    0);
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	ck_assert_int_eq(g.stage, STAGE_COPIED);
	ck_assert_str_eq(g.location, "/data/spool/t1/a.tif");
	delivery_release(&g);

	ck_assert_int_eq(store_delivery_set_hash(st, id, h, 4711), 0);
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	ck_assert_str_eq(g.sha256, h);
	ck_assert_int_eq(g.size, 4711);
	delivery_release(&g);

	ck_assert_int_eq(store_case_create(st, id, "received", &case_id), 0);
	ck_assert_int_gt(case_id, 0);
	ck_assert_int_eq(store_delivery_finish(st, id, DS_CASE, STAGE_DONE,
	    case_id, 0, NULL, NULL), 0);
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	ck_assert_int_eq(g.status, DS_CASE);
	ck_assert_int_eq(g.stage, STAGE_DONE);
	ck_assert_int_eq(g.case_id, case_id);
	ck_assert_int_eq(g.duplicate_of, 0);
	ck_assert_ptr_null(g.reason);
	ck_assert_str_eq(g.location, "/data/spool/t1/a.tif");
	delivery_release(&g);

	ck_assert_int_eq(store_delivery_finish(st, dup, DS_DUPLICATE,
	    STAGE_REJECTING, 0, id, "same content", "/srv/_rejected/b.tif"), 0);
	ck_assert_int_eq(store_delivery_get(st, dup, &g), 0);
	ck_assert_int_eq(g.status, DS_DUPLICATE);
	ck_assert_int_eq(g.stage, STAGE_REJECTING);
	ck_assert_int_eq(g.case_id, 0);
	ck_assert_int_eq(g.duplicate_of, id);
	ck_assert_str_eq(g.reason, "same content");
	ck_assert_str_eq(g.location, "/srv/_rejected/b.tif");
	delivery_release(&g);

	/* the other row was not touched by any of it */
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	ck_assert_int_eq(g.status, DS_CASE);
	delivery_release(&g);
	store_close(st);
}
END_TEST

START_TEST(test_first_with_hash)
{
	struct store *st = open_new();
	const char *h = "aaaa", *other = "bbbb";
	int64_t quar, first, dup, later, pending, fid = 0, fcase = 0, cid = 0;

	quar = insert(st, "t1", "q", DS_PENDING, STAGE_SPOOLED);
	first = insert(st, "t2", "f", DS_PENDING, STAGE_SPOOLED);
	dup = insert(st, "t3", "d", DS_PENDING, STAGE_SPOOLED);
	later = insert(st, "t4", "l", DS_PENDING, STAGE_SPOOLED);
	pending = insert(st, "t5", "p", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_delivery_set_hash(st, quar, h, 1), 0);
	ck_assert_int_eq(store_delivery_finish(st, quar, DS_QUARANTINED,
	    STAGE_DONE, 0, 0, "refused", NULL), 0);
	ck_assert_int_eq(store_delivery_set_hash(st, first, h, 1), 0);
	ck_assert_int_eq(store_case_create(st, first, "received", &cid), 0);
	ck_assert_int_eq(store_delivery_finish(st, first, DS_CASE, STAGE_DONE,
	    cid, 0, NULL, NULL), 0);
	ck_assert_int_eq(store_delivery_set_hash(st, dup, h, 1), 0);
	ck_assert_int_eq(store_delivery_finish(st, dup, DS_DUPLICATE,
	    STAGE_DONE, 0, first, "same", NULL), 0);
	ck_assert_int_eq(store_delivery_set_hash(st, later, h, 1), 0);
	ck_assert_int_eq(store_delivery_set_hash(st, pending, h, 1), 0);

	/* the pending one finds the first case, not the earlier refused one */
	ck_assert_int_eq(store_delivery_first_with_hash(st, h, pending, &fid,
	    &fcase), 0);
	ck_assert_int_eq(fid, first);
	ck_assert_int_eq(fcase, cid);
	ck_assert_int_eq(store_delivery_first_with_hash(st, h, later, &fid,
	    &fcase), 0);
	ck_assert_int_eq(fid, first);
	/* only earlier deliveries count: the first finds nothing */
	fid = fcase = -7;
	ck_assert_int_eq(store_delivery_first_with_hash(st, h, first, &fid,
	    &fcase), INTAKE_ENOENT);
	ck_assert_int_eq(store_delivery_first_with_hash(st, h, quar, &fid,
	    &fcase), INTAKE_ENOENT);
	ck_assert_int_eq(fid, -7);
	ck_assert_int_eq(store_delivery_first_with_hash(st, other, pending,
	    &fid, &fcase), INTAKE_ENOENT);
	/* two copies taken in together: the second finds the first while
	 * that is still being processed, with no case yet */
	{
		int64_t p1 = insert(st, "t6", "p1", DS_PENDING, STAGE_SPOOLED);
		int64_t p2 = insert(st, "t7", "p2", DS_PENDING, STAGE_SPOOLED);

		ck_assert_int_eq(store_delivery_set_hash(st, p1, "cccc", 1), 0);
		ck_assert_int_eq(store_delivery_set_hash(st, p2, "cccc", 1), 0);
		fid = fcase = -7;
		ck_assert_int_eq(store_delivery_first_with_hash(st, "cccc", p2,
		    &fid, &fcase), 0);
		ck_assert_int_eq(fid, p1);
		ck_assert_int_eq(fcase, 0);
	}
	store_close(st);
}
END_TEST

START_TEST(test_token_and_ignored_known)
{
	struct store *st = open_new();
	struct delivery d;

	insert(st, "tok-1", "a.tif", DS_PENDING, STAGE_CLAIMING);
	ck_assert(store_delivery_token_known(st, "tok-1"));
	ck_assert(!store_delivery_token_known(st, "tok-2"));
	ck_assert(!store_delivery_token_known(st, "tok"));

	memset(&d, 0, sizeof(d));
	d.inbox = (char *)"/srv/inbox";
	d.name = (char *)"x.part";
	d.status = DS_IGNORED;
	d.stage = STAGE_DONE;
	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	ck_assert(store_delivery_ignored_known(st, "/srv/inbox", "x.part"));
	ck_assert(!store_delivery_ignored_known(st, "/srv/other", "x.part"));
	ck_assert(!store_delivery_ignored_known(st, "/srv/inbox", "y.part"));
	/* a taken (not ignored) name is not "ignored known" */
	ck_assert(!store_delivery_ignored_known(st, "/srv/inbox", "a.tif"));
	store_close(st);
}
END_TEST

struct collect {
	struct store	*st;
	int64_t		 ids[16];
	size_t		 n;
	size_t		 stop_after;	/* 0: never */
};

static int
collect_fn(const struct delivery *d, void *arg)
{
	struct collect *c = arg;
	struct delivery again;

	ck_assert_uint_lt(c->n, 16);
	c->ids[c->n++] = d->id;
	/* the store may be used, even written, while iterating */
	ck_assert_int_eq(store_delivery_get(c->st, d->id, &again), 0);
	ck_assert_str_eq(again.name, d->name);
	delivery_release(&again);
	ck_assert_int_eq(store_delivery_set_stage(c->st, d->id, d->stage,
	    NULL), 0);
	return c->stop_after != 0 && c->n == c->stop_after ? 7 : 0;
}

START_TEST(test_foreach)
{
	struct store *st = open_new();
	struct collect c;
	int64_t id[5], n = -1;

	id[0] = insert(st, "t0", "a", DS_PENDING, STAGE_CLAIMING);
	id[1] = insert(st, "t1", "b", DS_IGNORED, STAGE_DONE);
	id[2] = insert(st, "t2", "c", DS_PENDING, STAGE_SPOOLED);
	id[3] = insert(st, "t3", "d", DS_QUARANTINED, STAGE_REJECTING);
	id[4] = insert(st, "t4", "e", DS_PENDING, STAGE_COPIED);

	memset(&c, 0, sizeof(c));
	c.st = st;
	ck_assert_int_eq(store_delivery_foreach(st, false, collect_fn, &c), 0);
	ck_assert_uint_eq(c.n, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(c.ids[i], id[i]);

	memset(&c, 0, sizeof(c));
	c.st = st;
	/* unfinished: pending, or a step left (the refusal being filed) */
	ck_assert_int_eq(store_delivery_foreach(st, true, collect_fn, &c), 0);
	ck_assert_uint_eq(c.n, 4);
	ck_assert_int_eq(c.ids[0], id[0]);
	ck_assert_int_eq(c.ids[1], id[2]);
	ck_assert_int_eq(c.ids[2], id[3]);
	ck_assert_int_eq(c.ids[3], id[4]);

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.stop_after = 2;
	ck_assert_int_eq(store_delivery_foreach(st, false, collect_fn, &c), 7);
	ck_assert_uint_eq(c.n, 2);

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.stop_after = 1;
	ck_assert_int_eq(store_delivery_foreach(st, true, collect_fn, &c), 7);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.ids[0], id[0]);

	ck_assert_int_eq(store_delivery_count_pending(st, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(store_delivery_finish(st, id[0], DS_IGNORED,
	    STAGE_DONE, 0, 0, "gone", NULL), 0);
	ck_assert_int_eq(store_delivery_count_pending(st, &n), 0);
	ck_assert_int_eq(n, 2);
	store_close(st);
}
END_TEST

START_TEST(test_count_pending_empty)
{
	struct store *st = open_new();
	int64_t n = -1;
	struct collect c;

	ck_assert_int_eq(store_delivery_count_pending(st, &n), 0);
	ck_assert_int_eq(n, 0);
	memset(&c, 0, sizeof(c));
	c.st = st;
	ck_assert_int_eq(store_delivery_foreach(st, false, collect_fn, &c), 0);
	ck_assert_uint_eq(c.n, 0);
	store_close(st);
}
END_TEST

/* Deliveries seen at 1, 2, ... 5 s: case, quarantined, case, duplicate,
 * case. */
static void
insert_five(struct store *st, int64_t id[5])
{
	static const enum delivery_status status[5] = { DS_CASE,
	    DS_QUARANTINED, DS_CASE, DS_DUPLICATE, DS_CASE };
	char token[8], name[8];
	struct delivery d;

	for (int i = 0; i < 5; i++) {
		snprintf(token, sizeof(token), "t%d", i);
		snprintf(name, sizeof(name), "n%d", i);
		d = mkdel(token, name, status[i], STAGE_DONE);
		d.seen_ms = 1000 * (i + 1);
		ck_assert_int_eq(store_delivery_insert(st, &d), 0);
		id[i] = d.id;
	}
}

/* Lists what f selects: the ids into c, and how many f selects in all. */
static void
list_deliveries(struct store *st, const struct delivery_filter *f,
    struct collect *c, int64_t *all)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	ck_assert_int_eq(store_deliveries(st, f, collect_fn, c), 0);
	ck_assert_int_eq(store_deliveries_count(st, f, all), 0);
}

START_TEST(test_deliveries_filter)
{
	struct store *st = open_new();
	struct delivery_filter f;
	struct collect c;
	int64_t id[5], all = -1;

	insert_five(st, id);
	memset(&f, 0, sizeof(f));
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 5);
	ck_assert_int_eq(all, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(c.ids[i], id[4 - i]);	/* newest first */

	f.by_status = true;
	f.status = DS_CASE;
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(all, 3);
	ck_assert_int_eq(c.ids[0], id[4]);
	ck_assert_int_eq(c.ids[1], id[2]);
	ck_assert_int_eq(c.ids[2], id[0]);

	f.by_status = false;
	f.since_ms = 3000;		/* seen at or after */
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(c.ids[2], id[2]);

	f.since_ms = 0;
	f.limit = 2;			/* the count is not limited */
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(all, 5);
	ck_assert_int_eq(c.ids[0], id[4]);
	ck_assert_int_eq(c.ids[1], id[3]);

	f.by_status = true;
	f.status = DS_CASE;
	f.since_ms = 2000;
	f.limit = 1;
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(all, 2);
	ck_assert_int_eq(c.ids[0], id[4]);

	f.status = DS_PENDING;
	list_deliveries(st, &f, &c, &all);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(all, 0);

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.stop_after = 2;
	ck_assert_int_eq(store_deliveries(st, &f, collect_fn, &c), 7);
	ck_assert_uint_eq(c.n, 2);
	store_close(st);
}
END_TEST

static int
case_id_fn(const struct case_row *r, void *arg)
{
	struct collect *c = arg;

	ck_assert_uint_lt(c->n, 16);
	c->ids[c->n++] = r->id;
	return 0;
}

/* The reasons a case is stuck, "; "-joined, into arg (a char *). */
static int
stuck_fn(const struct case_row *k, void *arg)
{
	char **out = arg;

	free(*out);
	*out = xasprintf("%lld: %s", (long long)k->id, k->stuck);
	return 0;
}

START_TEST(test_cases_stuck_one)
{
	struct store *st = open_new();
	struct case_filter f;
	struct collect c;
	int64_t id[5], k[2];
	char *why = NULL, *want;

	insert_five(st, id);
	/* Both without a form and a workflow; the first also did not
	 * unpack cleanly. */
	ck_assert_int_eq(store_case_create(st, id[0], "new", &k[0]), 0);
	ck_assert_int_eq(store_case_create(st, id[1], "new", &k[1]), 0);
	ck_assert_int_eq(store_case_add_problem(st, k[0], "a.zip: encrypted"),
	    0);
	memset(&f, 0, sizeof(f));
	f.stuck = true;
	f.now_ms = now_ms();
	f.id = k[1];
	ck_assert_int_eq(store_cases(st, &f, stuck_fn, &why), 0);
	want = xasprintf("%lld: unclassified; no workflow", (long long)k[1]);
	ck_assert_str_eq(why, want);
	free(want);
	f.id = k[0];
	ck_assert_int_eq(store_cases(st, &f, stuck_fn, &why), 0);
	want = xasprintf("%lld: unpacking: a.zip: encrypted; unclassified; "
	    "no workflow", (long long)k[0]);
	ck_assert_str_eq(why, want);
	free(want);
	free(why);
	memset(&c, 0, sizeof(c));
	f.id = 0;
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	store_close(st);
}
END_TEST

/* What SQLite's plan for sql says, its steps' details joined. */
static char *
plan_of(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql), *all = xstrdup(""),
	    *next;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		next = xasprintf("%s%s\n", all, sqlite3_column_text(s, 3));
		free(all);
		all = next;
	}
	sqlite3_finalize(s);
	sqlite3_close(h);
	free(q);
	return all;
}

/* Who sees which case (a person's desk, the cases they acted on) is
 * found through indexes: each web request asks it. */
START_TEST(test_visibility_indexed)
{
	struct store *st = open_new();
	char *plan;

	store_close(st);
	plan = plan_of("SELECT id FROM cases WHERE assignee = 'anna'");
	ck_assert_msg(strstr(plan, "INDEX cases_assignee") != NULL, "%s", plan);
	free(plan);
	plan = plan_of("SELECT case_id FROM case_history WHERE actor = 'anna'");
	ck_assert_msg(strstr(plan, "INDEX case_history_actor") != NULL, "%s",
	    plan);
	free(plan);
}
END_TEST

START_TEST(test_cases_assignee)
{
	struct store *st = open_new();
	struct case_filter f;
	struct collect c;
	int64_t id[5], k[5];

	insert_five(st, id);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(store_case_create(st, id[i], "new", &k[i]), 0);
	ck_assert_int_eq(store_case_assign(st, k[1], "anna"), 0);
	ck_assert_int_eq(store_case_assign(st, k[3], "anna"), 0);
	ck_assert_int_eq(store_case_assign(st, k[2], "ben"), 0);
	ck_assert_int_eq(store_case_assign(st, k[4], "anna"), 0);
	ck_assert_int_eq(store_case_assign(st, k[4], NULL), 0);

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	f.assignee = "anna";
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.ids[0], k[1]);
	ck_assert_int_eq(c.ids[1], k[3]);

	memset(&c, 0, sizeof(c));
	f.assignee = "ben";
	f.limit = 5;
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.ids[0], k[2]);

	memset(&c, 0, sizeof(c));
	f.assignee = "carla";
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_uint_eq(c.n, 0);

	memset(&c, 0, sizeof(c));
	f.assignee = NULL;		/* anyone's, and nobody's */
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_uint_eq(c.n, 5);
	store_close(st);
}
END_TEST

/* ---- cases -------------------------------------------------------------- */

struct cases {
	int		 n;
	int64_t		 id[4], delivery[4];
	char		*files[4];	/* joined by "|" */
	char		*state[4];
	bool		 form_null[4], ref_null[4];
	int		 stop_after;
};

static int
cases_fn(const struct case_row *r, void *arg)
{
	struct cases *c = arg;
	size_t i, len = 1;
	char *s;

	ck_assert_int_lt(c->n, 4);
	for (i = 0; i < r->nfiles; i++)
		len += strlen(r->files[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; i < r->nfiles; i++) {
		if (i > 0)
			strcat(s, "|");
		strcat(s, r->files[i]);
	}
	c->id[c->n] = r->id;
	c->delivery[c->n] = r->delivery_id;
	c->files[c->n] = s;
	c->state[c->n] = xstrdup(r->state);
	c->form_null[c->n] = r->form == NULL;
	c->ref_null[c->n] = r->reference == NULL;
	ck_assert_int_gt(r->created_ms, 0);
	ck_assert_int_eq(r->created_ms, r->updated_ms);
	c->n++;
	return c->stop_after != 0 && c->n == c->stop_after ? 5 : 0;
}

static void
cases_release(struct cases *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free(c->files[i]);
		free(c->state[i]);
	}
}

START_TEST(test_case_files)
{
	struct store *st = open_new();
	struct cases c;
	int64_t d1, d2, c1 = 0, c2 = 0;

	d1 = insert(st, "t1", "folder", DS_PENDING, STAGE_SPOOLED);
	d2 = insert(st, "t2", "one.tif", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_case_create(st, d1, "received", &c1), 0);
	ck_assert_int_eq(store_case_add_file(st, c1, "page_2.tif", 20), 0);
	ck_assert_int_eq(store_case_add_file(st, c1, "sub/z.tif", 5), 0);
	ck_assert_int_eq(store_case_add_file(st, c1, "page_1.tif", 10), 0);
	ck_assert_int_eq(store_case_add_file(st, c1, "cover.pdf", 1), 0);
	/* a file name once per case */
	ck_assert_int_ne(store_case_add_file(st, c1, "cover.pdf", 1), 0);
	ck_assert_int_eq(store_case_create(st, d2, "ocr", &c2), 0);
	ck_assert_int_gt(c2, c1);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_case_foreach(st, cases_fn, &c), 0);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(c.id[0], c1);
	ck_assert_int_eq(c.delivery[0], d1);
	ck_assert_str_eq(c.files[0],
	    "cover.pdf|page_1.tif|page_2.tif|sub/z.tif");
	ck_assert_str_eq(c.state[0], "received");
	ck_assert(c.form_null[0]);
	ck_assert(c.ref_null[0]);
	ck_assert_int_eq(c.id[1], c2);
	ck_assert_int_eq(c.delivery[1], d2);
	ck_assert_str_eq(c.files[1], "");
	ck_assert_str_eq(c.state[1], "ocr");
	cases_release(&c);

	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ck_assert_int_eq(store_case_foreach(st, cases_fn, &c), 5);
	ck_assert_int_eq(c.n, 1);
	cases_release(&c);
	store_close(st);
}
END_TEST

START_TEST(test_case_unique_per_delivery)
{
	struct store *st = open_new();
	struct cases c;
	int64_t d1, d2, c1 = 0, c2 = 0, c3 = 0;
	char *n;

	d1 = insert(st, "t1", "a", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_case_create(st, d1, "received", &c1), 0);
	c2 = -5;
	ck_assert_int_ne(store_case_create(st, d1, "received", &c2), 0);
	ck_assert_int_eq(c2, -5);

	/* inside a transaction too, and the store stays usable after */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_ne(store_case_create(st, d1, "received", &c2), 0);
	store_rollback(st);

	d2 = insert(st, "t2", "b", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_case_create(st, d2, "received", &c3), 0);
	ck_assert_int_eq(store_case_add_file(st, c3, "b", 1), 0);
	ck_assert_int_eq(store_commit(st), 0);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_case_foreach(st, cases_fn, &c), 0);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(c.id[0], c1);
	ck_assert_int_eq(c.id[1], c3);
	cases_release(&c);
	store_close(st);
	n = sql_value("SELECT count(*) FROM cases");
	ck_assert_str_eq(n, "2");
	free(n);
}
END_TEST

/* A case to be read again: asked, found by the daemon oldest first,
 * answered once, read back by the one who asked. */
START_TEST(test_rereads)
{
	struct store *st = open_new();
	struct reread_row r;
	int64_t d1, c1 = 0, q1 = 0, q2 = 0;

	d1 = insert(st, "t1", "a", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_case_create(st, d1, "received", &c1), 0);
	ck_assert_int_eq(store_reread_next(st, 0, &r), INTAKE_ENOENT);
	reread_row_release(&r);
	ck_assert_int_eq(store_reread_ask(st, c1, NULL, "anna", NULL, &q1), 0);
	ck_assert_int_eq(store_reread_ask(st, c1, "BA-1", "ben", "a blank",
	    &q2), 0);
	ck_assert_int_gt(q2, q1);
	/* an unknown case is refused by the database */
	ck_assert_int_ne(store_reread_ask(st, c1 + 99, NULL, "anna", NULL,
	    &q1), 0);

	ck_assert_int_eq(store_reread_next(st, 0, &r), 0);
	ck_assert_int_eq(r.id, q1);
	ck_assert_int_eq(r.case_id, c1);
	ck_assert_ptr_null(r.form);
	ck_assert_str_eq(r.actor, "anna");
	ck_assert_ptr_null(r.comment);
	ck_assert_int_eq(r.done_ms, 0);
	ck_assert_ptr_null(r.outcome);
	ck_assert_int_gt(r.asked_ms, 0);
	reread_row_release(&r);
	ck_assert_int_eq(store_reread_next(st, q1, &r), 0);
	ck_assert_int_eq(r.id, q2);
	ck_assert_str_eq(r.form, "BA-1");
	ck_assert_str_eq(r.comment, "a blank");
	reread_row_release(&r);

	ck_assert_int_eq(store_reread_answer(st, q1, true, "case 1: read"), 0);
	/* answered once only */
	ck_assert_int_eq(store_reread_answer(st, q1, false, "again"),
	    INTAKE_ENOENT);
	ck_assert_int_eq(store_reread_answer(st, q2 + 1, true, "x"),
	    INTAKE_ENOENT);
	ck_assert_int_eq(store_reread_get(st, q1, &r), 0);
	ck_assert(r.ok);
	ck_assert_int_gt(r.done_ms, 0);
	ck_assert_str_eq(r.outcome, "case 1: read");
	reread_row_release(&r);
	ck_assert_int_eq(store_reread_next(st, 0, &r), 0);
	ck_assert_int_eq(r.id, q2);
	reread_row_release(&r);
	ck_assert_int_eq(store_reread_answer(st, q2, false, "no"), 0);
	ck_assert_int_eq(store_reread_next(st, 0, &r), INTAKE_ENOENT);
	reread_row_release(&r);
	ck_assert_int_eq(store_reread_get(st, q2, &r), 0);
	ck_assert(!r.ok);
	reread_row_release(&r);
	store_close(st);
}
END_TEST

START_TEST(test_transactions)
{
	struct store *st = open_new();
	struct delivery g;
	int64_t id;

	ck_assert_int_eq(store_begin(st), 0);
	id = insert(st, "t1", "a", DS_PENDING, STAGE_CLAIMING);
	store_rollback(st);
	ck_assert_int_eq(store_delivery_get(st, id, &g), INTAKE_ENOENT);
	/* a rollback with no transaction open is harmless */
	store_rollback(st);

	ck_assert_int_eq(store_begin(st), 0);
	id = insert(st, "t1", "a", DS_PENDING, STAGE_CLAIMING);
	ck_assert_int_eq(store_commit(st), 0);
	store_close(st);

	ck_assert_int_eq(store_open(db, STORE_EXISTING, &st), 0);
	ck_assert_int_eq(store_delivery_get(st, id, &g), 0);
	delivery_release(&g);
	store_close(st);
}
END_TEST

/* ---- two writers -------------------------------------------------------- */

/* A child holds a write transaction on its own connection for ~300 ms;
 * the parent's insert waits for it (busy_timeout) instead of failing with
 * "database is locked". */
/* Opening a store whose schema is current takes no write lock: a
 * writer holding one (the daemon) does not keep intakectl waiting. */
START_TEST(test_open_beside_writer)
{
	struct store *st = open_new();
	struct case_filter f;
	struct collect c;
	sqlite3 *h;
	int64_t t0;

	store_close(st);
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	t0 = mono_ms();
	st = NULL;
	ck_assert_int_eq(store_open(db, STORE_EXISTING, &st), 0);
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	store_close(st);
	ck_assert_int_eq(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
}
END_TEST

START_TEST(test_concurrent_writer)
{
	struct store *st = open_new(), *st2 = NULL;
	int p[2], status;
	char ok = 0;
	pid_t pid;
	int64_t t0, waited, id, id2, n = 0;
	struct delivery g;

	/* a second handle on the same file, as intakectl would have */
	ck_assert_int_eq(store_open(db, STORE_EXISTING, &st2), 0);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sqlite3 *h;
		struct timespec ts = { 0, 300 * 1000 * 1000 };
		char c = 1;

		close(p[0]);
		if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK ||
		    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK ||
		    sqlite3_exec(h, "INSERT INTO deliveries (token, inbox, "
		    "name, status, stage, seen_ms, updated_ms) VALUES "
		    "('child', '/srv', 'c', 'pending', 'claiming', 1, 1)",
		    NULL, NULL, NULL) != SQLITE_OK)
			_exit(2);
		if (write(p[1], &c, 1) != 1)
			_exit(3);
		nanosleep(&ts, NULL);
		if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			_exit(4);
		sqlite3_close(h);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &ok, 1), 1);
	close(p[0]);

	t0 = mono_ms();
	id = insert(st, "parent", "p", DS_PENDING, STAGE_CLAIMING);
	waited = mono_ms() - t0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child failed: status %d", status);
	/* it did wait for the lock, and got it */
	ck_assert_msg(waited >= 150, "the insert did not wait (%lld ms): was "
	    "the lock held?", (long long)waited);
	ck_assert_msg(waited < 10000, "waited %lld ms", (long long)waited);

	/* the second handle, too, sees both rows and can write */
	id2 = insert(st2, "second", "s", DS_PENDING, STAGE_CLAIMING);
	ck_assert_int_gt(id2, id);
	ck_assert_int_eq(store_delivery_get(st2, id, &g), 0);
	ck_assert_str_eq(g.token, "parent");
	delivery_release(&g);
	ck_assert_int_eq(store_delivery_count_pending(st, &n), 0);
	ck_assert_int_eq(n, 3);
	store_close(st2);
	store_close(st);
}
END_TEST

/* The same while the parent runs a transaction of its own. */
START_TEST(test_concurrent_begin)
{
	struct store *st = open_new();
	int p[2], status;
	char ok = 0;
	pid_t pid;
	int64_t t0, waited;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sqlite3 *h;
		struct timespec ts = { 0, 300 * 1000 * 1000 };
		char c = 1;

		close(p[0]);
		if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK ||
		    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK)
			_exit(2);
		if (write(p[1], &c, 1) != 1)
			_exit(3);
		nanosleep(&ts, NULL);
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(h);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &ok, 1), 1);
	close(p[0]);
	t0 = mono_ms();
	ck_assert_int_eq(store_begin(st), 0);
	waited = mono_ms() - t0;
	insert(st, "t", "a", DS_PENDING, STAGE_CLAIMING);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_msg(waited >= 150, "BEGIN did not wait (%lld ms)",
	    (long long)waited);
	store_close(st);
}
END_TEST

/* ---- full text ----------------------------------------------------------- */

/* The pages that have the words, "seq:word,word;" each. */
static int
hits_fn(const struct text_hit *h, void *arg)
{
	char *out = arg;
	size_t i, at = strlen(out);

	at += (size_t)snprintf(out + at, 256 - at, "%u:", h->seq);
	for (i = 0; i < h->nwords; i++)
		at += (size_t)snprintf(out + at, 256 - at, "%s%s@%d",
		    i ? "," : "", h->words[i].text, h->words[i].x);
	snprintf(out + at, 256 - at, ";");
	return 0;
}

/* The cases whose pages have text, as "id id ". */
static char *
found(struct store *st, const char *text)
{
	static char out[256];
	struct case_filter f;
	struct collect c;
	size_t i;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	f.text = text;
	ck_assert_int_eq(store_cases(st, &f, case_id_fn, &c), 0);
	out[0] = '\0';
	for (i = 0; i < c.n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%lld ",
		    (long long)c.ids[i]);
	return out;
}

/* A two-page GA-1 of which only the first page was read: its field is
 * recorded as read; every field of the page the delivery lacks is
 * missing, an optional tick box too, with the reason. */
START_TEST(test_reading_page_not_found)
{
	struct store *st = open_new();
	struct template *t = NULL;
	struct form_page fp;
	struct read_field f;
	struct form_reading rd;
	const char *dir = getenv("INTAKE_DATADIR");
	char *path, *v;
	int64_t id, cid;

	ck_assert_ptr_nonnull(dir);
	path = xasprintf("%s/templates/GA-1.xml", dir);
	ck_assert_int_eq(template_load(path, &t), 0);
	free(path);
	memset(&fp, 0, sizeof(fp));
	fp.page = 1;
	fp.form = (char *)"GA-1";
	fp.form_page = 1;
	fp.score = 1;
	fp.aligned = true;
	memset(&f, 0, sizeof(f));
	f.page = 1;
	f.name = (char *)"surname";
	f.type = (char *)"text";
	f.value = f.raw = (char *)"Weiß";
	f.status = (char *)"ok";
	f.confidence = 0.97;
	rd.forms = &fp;
	rd.nforms = 1;
	rd.fields = &f;
	rd.nfields = 1;
	id = insert(st, "t1", "ga1-p1.png", DS_PENDING, STAGE_SPOOLED);
	ck_assert_int_eq(store_case_create(st, id, "received", &cid), 0);
	ck_assert_int_eq(reading_store_fields(st, cid, &t, 1, &rd), 0);
	store_close(st);
	v = sql_value("SELECT value || '|' || status FROM case_fields "
	    "WHERE name = 'surname'");
	ck_assert_str_eq(v, "Weiß|ok");
	free(v);
	v = sql_value("SELECT status || '|' || why || '|' || (page IS NULL) "
	    "FROM case_fields WHERE name = 'att_permit'");
	ck_assert_str_eq(v, "missing|" TPL_WHY_PAGE_NOT_FOUND "|1");
	free(v);
	v = sql_value("SELECT status || '|' || why FROM case_fields WHERE "
	    "name = 'signature'");
	ck_assert_str_eq(v, "missing|" TPL_WHY_PAGE_NOT_FOUND);
	free(v);
	template_free(t);
}
END_TEST

START_TEST(test_text_search)
{
	struct store *st = open_new();
	struct word_row w1[] = {
		{ (char *)"Herrn", 10, 5, 40, 9, 90, 1, 1 },
		{ (char *)"Jürgen", 60, 5, 50, 9, 90, 1, 1 },
		{ (char *)"MÜLLER,", 120, 5, 70, 9, 90, 1, 1 },
		{ (char *)"Łódź", 200, 5, 40, 9, 90, 1, 1 },
	};
	struct word_row w2[] = {
		{ (char *)"Lindenstraße", 10, 50, 90, 9, 90, 1, 1 },
		{ (char *)"12", 110, 50, 20, 9, 90, 1, 1 },
	};
	struct page_row p[2];
	char hits[256];
	int64_t id[5], k[2], n;

	insert_five(st, id);
	ck_assert_int_eq(store_case_create(st, id[0], "new", &k[0]), 0);
	ck_assert_int_eq(store_case_create(st, id[1], "new", &k[1]), 0);
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 2; i++) {
		p[i].seq = (uint32_t)i + 1;
		p[i].source = (char *)"scan.pdf";
		p[i].page_no = (uint32_t)i + 1;
		p[i].sha256 = (char *)"00";
		p[i].path = (char *)"/nowhere";
		p[i].read = true;
	}
	p[0].text = (char *)"Herrn Jürgen MÜLLER, Łódź";
	p[0].words = w1;
	p[0].nwords = 4;
	p[1].text = (char *)"Lindenstraße 12";
	p[1].words = w2;
	p[1].nwords = 2;
	ck_assert_int_eq(store_case_add_page(st, k[0], &p[0]), 0);
	ck_assert_int_eq(store_case_add_page(st, k[0], &p[1]), 0);
	p[1].read = false;	/* a page without OCR has no text */
	ck_assert_int_eq(store_case_add_page(st, k[1], &p[1]), 0);

	/* case and diacritics aside; a word's beginning with "*" */
	char want[32];
	snprintf(want, sizeof(want), "%lld ", (long long)k[0]);
	ck_assert_str_eq(found(st, "muller"), want);
	ck_assert_str_eq(found(st, "JURGEN müller"), want);
	ck_assert_str_eq(found(st, "linden*"), want);
	ck_assert_str_eq(found(st, "linden"), "");
	ck_assert_str_eq(found(st, "Łódź"), want);
	/* every word on one page: these are on two */
	ck_assert_str_eq(found(st, "muller linden*"), "");
	/* FTS5's syntax is text like any other, never an operator */
	ck_assert_str_eq(found(st, "\"muller"), want);
	ck_assert_str_eq(found(st, "muller OR nobody"), "");
	ck_assert_str_eq(found(st, "NEAR(muller jurgen)"), "");
	ck_assert_str_eq(found(st, "muller) AND (jurgen"), "");
	ck_assert_str_eq(found(st, "jurgen^ -muller: {herrn}"), want);
	ck_assert(!store_text_words("* - () \" :"));
	ck_assert(store_text_words("x"));

	/* the words that match, with their boxes, page by page */
	hits[0] = '\0';
	ck_assert_int_eq(store_case_text_hits(st, k[0], "muller herr* 12",
	    hits_fn, hits), 0);
	ck_assert_str_eq(hits, "");
	ck_assert_int_eq(store_case_text_hits(st, k[0], "muller herr*",
	    hits_fn, hits), 0);
	ck_assert_str_eq(hits, "1:Herrn@10,MÜLLER,@120;");
	hits[0] = '\0';
	ck_assert_int_eq(store_case_text_hits(st, k[0], "12", hits_fn, hits),
	    0);
	ck_assert_str_eq(hits, "2:12@110;");

	/* a case with pages and no text; then read again, without text */
	ck_assert_int_eq(store_cases_without_text(st, &n), 0);
	ck_assert_int_eq(n, 1);
	p[0].read = false;
	p[1].read = true;
	ck_assert_int_eq(store_case_reread(st, k[0], p, 2), 0);
	ck_assert_str_eq(found(st, "muller"), "");
	ck_assert_str_eq(found(st, "lindenstrasse lindenstraße"), "");
	ck_assert_str_eq(found(st, "lindenstraße"), want);
	store_close(st);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_creates_and_migrates);
	tcase_add_test(tc, test_reopen_idempotent);
	tcase_add_test(tc, test_open_existing_missing);
	tcase_add_test(tc, test_open_newer_schema_refused);
	tcase_add_test(tc, test_open_not_a_database);
	tcase_add_test(tc, test_journal_mode_wal);
	tcase_add_test(tc, test_foreign_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("deliveries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_delivery_roundtrip);
	tcase_add_test(tc, test_delivery_all_states);
	tcase_add_test(tc, test_token_unique);
	tcase_add_test(tc, test_delivery_updates);
	tcase_add_test(tc, test_first_with_hash);
	tcase_add_test(tc, test_token_and_ignored_known);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_count_pending_empty);
	tcase_add_test(tc, test_deliveries_filter);
	tcase_add_test(tc, test_cases_assignee);
	tcase_add_test(tc, test_text_search);
	tcase_add_test(tc, test_cases_stuck_one);
	tcase_add_test(tc, test_visibility_indexed);
	suite_add_tcase(s, tc);

	tc = tcase_create("cases");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_case_files);
	tcase_add_test(tc, test_case_unique_per_delivery);
	tcase_add_test(tc, test_rereads);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_reading_page_not_found);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_beside_writer);
	tcase_add_test(tc, test_concurrent_writer);
	tcase_add_test(tc, test_concurrent_begin);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(store_suite());
}
