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
	int rc;

	if ((rc = sqlite_exec(st, &sql, "recording a delivery", "tttiIItttttI",
	    d->token, d->inbox, d->name, (int)d->folder, d->size, d->mtime_ms,
	    d->sha256, delivery_status_name(d->status),
	    delivery_stage_name(d->stage), d->reason, d->location,
	    d->seen_ms ? d->seen_ms : now_ms())) == 0)
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

	return sqlite_exec(st, &sql, "updating a delivery", "IttI", id,
	    delivery_stage_name(stage), location, now_ms());
}

int
store_delivery_set_hash(struct store *st, int64_t id, const char *sha256,
    int64_t size)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET sha256 = ?2, size = ?3, updated_ms = ?4 "
	    "WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording a checksum", "ItII", id, sha256,
	    size, now_ms());
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

	return sqlite_exec(st, &sql, "finishing a delivery", "IttnnttI", id,
	    delivery_status_name(status), delivery_stage_name(stage), case_id,
	    duplicate_of, reason, location, now_ms());
}

/* What every delivery query selects, as delivery_from_row() reads it. */
#define DELIVERY_COLS \
	"id, token, inbox, name, folder, size, mtime_ms, sha256, status, " \
	"stage, case_id, duplicate_of, reason, location, seen_ms, updated_ms, " \
	"attempts, last_error, " \
	"(SELECT count(*) FROM pages p WHERE p.case_id = deliveries.case_id)"

/* A delivery's columns, its strings the caller's (delivery_release). */
static void
delivery_from_row(sqlite3_stmt *s, void *arg)
{
	struct delivery *d = arg;
	const char *status, *stage;

	memset(d, 0, sizeof(*d));
	sqlite_cols(s, "ItttbIItssIIttIIitI", &d->id, &d->token, &d->inbox,
	    &d->name, &d->folder, &d->size, &d->mtime_ms, &d->sha256, &status,
	    &stage, &d->case_id, &d->duplicate_of, &d->reason, &d->location,
	    &d->seen_ms, &d->updated_ms, &d->attempts, &d->last_error,
	    &d->pages);
	d->status = delivery_status_from_name(status);
	d->stage = delivery_stage_from_name(stage);
}

int
store_delivery_get(struct store *st, int64_t id, struct delivery *d)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE id = ?1" };

	return sqlite_row(st, sqlite_stmt(st, &sql, "I", id),
	    "reading a delivery", delivery_from_row, d);
}

int
store_delivery_first_with_hash(struct store *st, const char *sha256,
    int64_t except, int64_t *first_id, int64_t *first_case)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT id, coalesce(case_id, 0) FROM deliveries WHERE sha256 = ?1 "
	    "AND id < ?2 AND (status = 'case' OR status = 'pending') "
	    "ORDER BY id LIMIT 1" };

	return sqlite_get(st, &sql, "looking for duplicates", "tI", "II",
	    sha256, except, first_id, first_case);
}

bool
store_delivery_token_known(struct store *st, const char *token)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT 1 FROM deliveries WHERE token = ?1" };

	return sqlite_get(st, &sql, "looking up a delivery", "t", "",
	    token) == 0;
}

int
store_delivery_claim_get(struct store *st, const char *inbox, const char *name,
    struct delivery *d)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " DELIVERY_COLS " FROM deliveries WHERE inbox = ?1 AND "
	    "name = ?2 AND status = 'pending' AND stage = 'claiming' "
	    "ORDER BY id LIMIT 1" };

	return sqlite_row(st, sqlite_stmt(st, &sql, "tt", inbox, name),
	    "looking up a claim", delivery_from_row, d);
}

bool
store_delivery_ignored_known(struct store *st, const char *inbox,
    const char *name)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT 1 FROM deliveries WHERE inbox = ?1 AND name = ?2 AND "
	    "status = 'ignored'" };

	return sqlite_get(st, &sql, "looking up a delivery", "tt", "", inbox,
	    name) == 0;
}

/* Calls fn for each delivery s selects (DELIVERY_COLS). */
static int
deliveries_each(struct store *st, sqlite3_stmt *s,
    int (*fn)(const struct delivery *, void *), void *arg)
{
	struct delivery d;
	int rc = 0;

	while (sqlite_next(st, s, "listing deliveries", &rc, "")) {
		delivery_from_row(s, &d);
		rc = fn(&d, arg);
		delivery_release(&d);
	}
	return rc;
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

	return deliveries_each(st, sqlite_stmt(st, pending_only ? &pending :
	    &all, ""), fn, arg);
}

/* What intakectl deliveries selects: every value bound (?1 status or
 * NULL for any, ?2 seen at or after); the listing adds its limit. */
#define DELIVERY_FILTER \
	"FROM deliveries WHERE (?1 IS NULL OR status = ?1) AND seen_ms >= ?2 "

static const char *
filter_status(const struct delivery_filter *f)
{
	return f->by_status ? delivery_status_name(f->status) : NULL;
}

int
store_deliveries(struct store *st, const struct delivery_filter *f,
    int (*fn)(const struct delivery *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT " DELIVERY_COLS " " DELIVERY_FILTER
	    "ORDER BY id DESC LIMIT ?3" };

	return deliveries_each(st, sqlite_stmt(st, &sql, "tII",
	    filter_status(f), f->since_ms, f->limit ? (int64_t)f->limit :
	    (int64_t)-1), fn, arg);
}

int
store_deliveries_count(struct store *st, const struct delivery_filter *f,
    int64_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT count(*) " DELIVERY_FILTER };
	int rc;

	if ((rc = sqlite_get(st, &sql, "counting deliveries", "tI", "I",
	    filter_status(f), f->since_ms, n)) == INTAKE_ENOENT)
		rc = sqlite_fail(st, "counting deliveries");
	return rc;
}

int
store_delivery_count_pending(struct store *st, int64_t *n)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT count(*) FROM deliveries WHERE status = 'pending'" };
	int rc;

	if ((rc = sqlite_get(st, &sql, "counting deliveries", "", "I", n)) ==
	    INTAKE_ENOENT)
		rc = sqlite_fail(st, "counting deliveries");
	return rc;
}

int
store_delivery_attempt(struct store *st, int64_t id, int *attempts)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET attempts = attempts + 1, updated_ms = ?2 "
	    "WHERE id = ?1 RETURNING attempts" };
	int rc;

	if ((rc = sqlite_get(st, &sql, "counting an attempt", "II", "i", id,
	    now_ms(), attempts)) == INTAKE_ENOENT)
		rc = sqlite_fail(st, "counting an attempt");
	return rc;
}

int
store_delivery_refund(struct store *st, int64_t id)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET attempts = max(attempts - 1, 0) WHERE id = ?1" };

	return sqlite_exec(st, &sql, "giving back an attempt", "I", id);
}

int
store_delivery_set_error(struct store *st, int64_t id, const char *text)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE deliveries SET last_error = ?2, updated_ms = ?3 WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording an error", "ItI", id, text,
	    now_ms());
}
