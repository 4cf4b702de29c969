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
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_fields (case_id, name, type, value, raw, status, "
	    "why, confidence, page, x, y, w, h) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	bind_text(s, 3, type);
	bind_text(s, 4, value ? value : "");
	bind_text(s, 5, raw);
	bind_text(s, 6, status);
	bind_text(s, 7, why && *why ? why : NULL);
	bind_double(s, 8, confidence);
	bind_id(s, 9, page);
	for (int i = 0; i < 4; i++) {
		if (page)
			bind_int(s, 10 + i, box[i]);
		else
			bind_null(s, 10 + i);
	}
	return sqlite_run(st, s, "recording a field");
}

struct field_rows {
	int		(*fn)(const struct field_row *, void *);
	void		*arg;
};

static int
field_from_row(sqlite3_stmt *s, void *arg)
{
	struct field_rows *a = arg;
	struct field_row f;
	int i;

	f.name = col_str(s, 0);
	f.type = col_str(s, 1);
	f.value = col_str(s, 2);
	f.raw = col_str(s, 3);
	f.status = col_str(s, 4);
	f.why = col_str(s, 5);
	f.confidence = sqlite3_column_double(s, 6);
	f.page = (uint32_t)sqlite3_column_int(s, 7);
	for (i = 0; i < 4; i++)
		f.box[i] = sqlite3_column_int(s, 8 + i);
	return a->fn(&f, a->arg);
}

int
store_case_fields(struct store *st, int64_t case_id,
    int (*fn)(const struct field_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT name, type, value, raw, status, why, confidence, page, "
	    "x, y, w, h FROM case_fields WHERE case_id = ?1 "
	    "ORDER BY coalesce(page, 1000000), y, x, name" };
	struct field_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	return sqlite_rows(st, s, "listing fields", field_from_row, &a);
}

struct dup_arg {
	struct store	*st;
	const char *const *names, *const *values;
	size_t		 n;
	int64_t		 other;
};

/* Whether field name of case_id holds value (an error is a no). */
static bool
field_is(struct store *st, int64_t case_id, const char *name,
    const char *value)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT value FROM case_fields WHERE case_id = ?1 AND name = ?2" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	bool same = false;

	if (s == NULL)
		return false;
	bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	if (sqlite3_step(s) == SQLITE_ROW)
		same = strcmp(col_str(s, 0), value) == 0;
	sqlite_release(st, s);
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
	static struct sqlite_sql sql = { .text =
	    "SELECT f.case_id FROM case_fields f JOIN cases c ON c.id = "
	    "f.case_id WHERE f.name = ?1 AND f.value = ?2 AND f.case_id <> ?3 "
	    "AND c.form = ?4 AND c.closed_ms IS NULL ORDER BY f.case_id" };
	struct dup_arg d = { st, names, values, n, 0 };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	*other = 0;
	bind_text(s, 1, names[0]);
	bind_text(s, 2, values[0]);
	bind_int64(s, 3, case_id);
	bind_text(s, 4, form);
	rc = sqlite_rows(st, s, "looking for duplicates", dup_row, &d);
	if (rc < 0)
		return rc;
	*other = d.other;
	return d.other ? 0 : INTAKE_ENOENT;
}

int
store_case_field_set(struct store *st, int64_t case_id, const char *name,
    const char *value, const char *status, const char *why)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_fields SET value = ?3, status = ?4, why = ?5, "
	    "confidence = 1.0 WHERE case_id = ?1 AND name = ?2" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	bind_text(s, 3, value);
	bind_text(s, 4, status);
	bind_text(s, 5, why);
	return sqlite_run_one(st, s, "correcting a field");
}
