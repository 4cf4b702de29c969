/*
 * sqlite-deliveries.c - deliveries: what the intake ledger records of each
 * file or folder taken from an inbox, and the worker jobs it cost.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sqlite.h"

int
store_delivery_insert(struct store *st, struct delivery *d)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO deliveries (token, inbox, name, folder, size, "
	    "mtime_ms, sha256, status, stage, reason, location, seen_ms, "
	    "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?12)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	bind_text(s, 1, d->token);
	bind_text(s, 2, d->inbox);
	bind_text(s, 3, d->name);
	bind_int(s, 4, d->folder);
	bind_int64(s, 5, d->size);
	bind_int64(s, 6, d->mtime_ms);
	bind_text(s, 7, d->sha256);
	bind_text(s, 8, delivery_status_name(d->status));
	bind_text(s, 9, delivery_stage_name(d->stage));
	bind_text(s, 10, d->reason);
	bind_text(s, 11, d->location);
	bind_int64(s, 12, d->seen_ms ? d->seen_ms : now_ms());
	if ((rc = sqlite_run(st, s, "recording a delivery")) == 0)
		d->id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_delivery_set_stage(struct store *st, int64_t id, enum delivery_stage stage,
    const char *location)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET stage = ?2, location = coalesce(?3, "
	    "location), updated_ms = ?4 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_text(s, 2, delivery_stage_name(stage));
	bind_text(s, 3, location);
	bind_int64(s, 4, now_ms());
	return sqlite_run(st, s, "updating a delivery");
}

int
store_delivery_set_hash(struct store *st, int64_t id, const char *sha256,
    int64_t size)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET sha256 = ?2, size = ?3, updated_ms = ?4 "
	    "WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_text(s, 2, sha256);
	bind_int64(s, 3, size);
	bind_int64(s, 4, now_ms());
	return sqlite_run(st, s, "recording a checksum");
}

int
store_delivery_finish(struct store *st, int64_t id, enum delivery_status status,
    enum delivery_stage stage, int64_t case_id, int64_t duplicate_of,
    const char *reason, const char *location)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET status = ?2, stage = ?3, case_id = ?4, "
	    "duplicate_of = ?5, reason = ?6, location = coalesce(?7, location), "
	    "updated_ms = ?8 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_text(s, 2, delivery_status_name(status));
	bind_text(s, 3, delivery_stage_name(stage));
	bind_id(s, 4, case_id);
	bind_id(s, 5, duplicate_of);
	bind_text(s, 6, reason);
	bind_text(s, 7, location);
	bind_int64(s, 8, now_ms());
	return sqlite_run(st, s, "finishing a delivery");
}

/* What every delivery query selects, as delivery_from_row() reads it. */
#define DELIVERY_COLS \
	"id, token, inbox, name, folder, size, mtime_ms, sha256, status, " \
	"stage, case_id, duplicate_of, reason, location, seen_ms, updated_ms, " \
	"attempts, last_error, " \
	"(SELECT count(*) FROM pages p WHERE p.case_id = deliveries.case_id)"

static void
delivery_from_row(sqlite3_stmt *s, void *arg)
{
	struct delivery *d = arg;

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(s, 0);
	d->token = col_text(s, 1);
	d->inbox = col_text(s, 2);
	d->name = col_text(s, 3);
	d->folder = sqlite3_column_int(s, 4) != 0;
	d->size = sqlite3_column_int64(s, 5);
	d->mtime_ms = sqlite3_column_int64(s, 6);
	d->sha256 = col_text(s, 7);
	d->status = delivery_status_from_name(col_str(s, 8));
	d->stage = delivery_stage_from_name(col_str(s, 9));
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

int
store_delivery_get(struct store *st, int64_t id, struct delivery *d)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	return sqlite_row(st, s, "reading a delivery", delivery_from_row, d);
}

struct first_hash {
	int64_t		*id, *case_id;
};

static void
first_hash_row(sqlite3_stmt *s, void *arg)
{
	struct first_hash *f = arg;

	*f->id = sqlite3_column_int64(s, 0);
	*f->case_id = sqlite3_column_int64(s, 1);
}

int
store_delivery_first_with_hash(struct store *st, const char *sha256,
    int64_t except, int64_t *first_id, int64_t *first_case)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT id, coalesce(case_id, 0) FROM deliveries WHERE sha256 = ?1 "
	    "AND id < ?2 AND (status = 'case' OR status = 'pending') "
	    "ORDER BY id LIMIT 1" };
	struct first_hash f = { first_id, first_case };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_text(s, 1, sha256);
	bind_int64(s, 2, except);
	return sqlite_row(st, s, "looking for duplicates", first_hash_row, &f);
}

static int
found(sqlite3_stmt *s, void *arg)
{
	return 1;
}

bool
store_delivery_token_known(struct store *st, const char *token)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT 1 FROM deliveries WHERE token = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_text(s, 1, token);
	return sqlite_rows(st, s, "looking up a delivery", found, NULL) == 1;
}

bool
store_delivery_ignored_known(struct store *st, const char *inbox,
    const char *name)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT 1 FROM deliveries WHERE inbox = ?1 AND name = ?2 AND "
	    "status = 'ignored'" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_text(s, 1, inbox);
	bind_text(s, 2, name);
	return sqlite_rows(st, s, "looking up a delivery", found, NULL) == 1;
}

struct delivery_rows {
	int		(*fn)(const struct delivery *, void *);
	void		*arg;
};

static int
delivery_row(sqlite3_stmt *s, void *arg)
{
	struct delivery_rows *a = arg;
	struct delivery d;
	int r;

	delivery_from_row(s, &d);
	r = a->fn(&d, a->arg);
	delivery_release(&d);
	return r;
}

int
store_delivery_foreach(struct store *st, bool pending_only,
    int (*fn)(const struct delivery *, void *), void *arg)
{
	static struct sqlite_sql all = { .text =
	    "SELECT " DELIVERY_COLS " FROM deliveries ORDER BY id" };
	static struct sqlite_sql pending = { .text =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE status = 'pending' "
	    "OR stage <> 'done' ORDER BY id" };
	struct delivery_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, pending_only ? &pending : &all);

	return sqlite_rows(st, s, "listing deliveries", delivery_row, &a);
}

static void
int64_row(sqlite3_stmt *s, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(s, 0);
}

int
store_delivery_count_pending(struct store *st, int64_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT count(*) FROM deliveries WHERE status = 'pending'" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	if ((rc = sqlite_row(st, s, "counting deliveries", int64_row, n)) ==
	    INTAKE_ENOENT)
		rc = sqlite_fail(st, "counting deliveries");
	return rc;
}

static void
int_row(sqlite3_stmt *s, void *arg)
{
	*(int *)arg = sqlite3_column_int(s, 0);
}

int
store_delivery_attempt(struct store *st, int64_t id, int *attempts)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET attempts = attempts + 1, updated_ms = ?2 "
	    "WHERE id = ?1 RETURNING attempts" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	bind_int64(s, 1, id);
	bind_int64(s, 2, now_ms());
	if ((rc = sqlite_row(st, s, "counting an attempt", int_row,
	    attempts)) == INTAKE_ENOENT)
		rc = sqlite_fail(st, "counting an attempt");
	return rc;
}

int
store_delivery_refund(struct store *st, int64_t id)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET attempts = max(attempts - 1, 0) WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	return sqlite_run(st, s, "giving back an attempt");
}

int
store_delivery_set_error(struct store *st, int64_t id, const char *text)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET last_error = ?2, updated_ms = ?3 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, id);
	bind_text(s, 2, text);
	bind_int64(s, 3, now_ms());
	return sqlite_run(st, s, "recording an error");
}
