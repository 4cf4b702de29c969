/*
 * sqlite-fields.c - fields: what extraction read of a case's form, a
 * person's corrections, and finding another case with the same values.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sqlite.h"

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
	return sqlite_run(st, s, "recording a field");
}

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

	return sqlite_each_row(st, S_CASE_FIELDS, "listing fields", sqlite_bind_case,
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
	rc = sqlite_each_row(st, S_DUP_CANDIDATES, "looking for duplicates", bind_dup,
	    &d, dup_row, &d);
	if (rc < 0)
		return rc;
	*other = d.other;
	return d.other ? 0 : INTAKE_ENOENT;
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
	if ((rc = sqlite_run(st, s, "correcting a field")) != 0)
		return rc;
	return sqlite3_changes(st->db) == 1 ? 0 : INTAKE_ENOENT;
}
