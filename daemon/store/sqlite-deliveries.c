/*
 * sqlite-deliveries.c - deliveries: what the intake ledger records of each
 * file or folder taken from an inbox, and the worker jobs it cost.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "sqlite.h"

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
	if ((rc = sqlite_run(st, s, "recording a delivery")) == 0)
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
	return sqlite_run(st, s, "updating a delivery");
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
	return sqlite_run(st, s, "recording a checksum");
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
	return sqlite_run(st, s, "finishing a delivery");
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
	return sqlite_fail(st, "reading a delivery");
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
	return sqlite_fail(st, "looking for duplicates");
}

static bool
exists(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlite_fail(st, "looking up a delivery");
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
	if (sqlite3_prepare_v2(st->db, sqlite_stmt_sql[pending_only ?
	    S_DELIVERY_PENDING : S_DELIVERY_ALL], -1, &s, NULL) != SQLITE_OK)
		return sqlite_fail(st, "listing deliveries");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		delivery_from_row(s, &d);
		r = fn(&d, arg);
		delivery_release(&d);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sqlite_fail(st, "listing deliveries");
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
	return rc == SQLITE_ROW ? 0 : sqlite_fail(st, "counting deliveries");
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
		return sqlite_fail(st, "counting an attempt");
	return 0;
}

int
store_delivery_refund(struct store *st, int64_t id)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_REFUND];

	sqlite3_bind_int64(s, 1, id);
	return sqlite_run(st, s, "giving back an attempt");
}

int
store_delivery_set_error(struct store *st, int64_t id, const char *text)
{
	sqlite3_stmt *s = st->stmt[S_DELIVERY_ERROR];

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, text);
	sqlite3_bind_int64(s, 3, now_ms());
	return sqlite_run(st, s, "recording an error");
}
