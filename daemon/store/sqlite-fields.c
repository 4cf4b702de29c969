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
	static const int nowhere[4];
	const int *at = page ? box : nowhere;

	/* x, y, w and h are NULL for a field on no page. */
	return sqlite_exec(st, &sql, "recording a field", page ?
	    "Ittttttdniiii" : "Ittttttdn----", case_id, name, type,
	    value ? value : "", raw, status, why && *why ? why : NULL,
	    confidence, (int64_t)page, at[0], at[1], at[2], at[3]);
}

int
store_case_fields(struct store *st, int64_t case_id,
    int (*fn)(const struct field_row *, void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT name, type, value, raw, status, why, confidence, page, "
	    "x, y, w, h FROM case_fields WHERE case_id = ?1 "
	    "ORDER BY coalesce(page, 1000000), y, x, name" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "I", case_id);
	struct field_row f;
	int rc = 0;

	while (sqlite_next(st, s, "listing fields", &rc, "ssssssduiiii",
	    &f.name, &f.type, &f.value, &f.raw, &f.status, &f.why,
	    &f.confidence, &f.page, &f.box[0], &f.box[1], &f.box[2],
	    &f.box[3]))
		rc = fn(&f, arg);
	return rc;
}

/* Whether field name of case_id holds value (an error is a no). */
static bool
field_is(struct store *st, int64_t case_id, const char *name,
    const char *value)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT value FROM case_fields WHERE case_id = ?1 AND name = ?2" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "It", case_id, name);
	bool same = false;

	if (s == NULL)
		return false;
	if (sqlite3_step(s) == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(s, 0),
		    value) == 0;
	sqlite_release(st, s);
	return same;
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
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "ttIt", names[0], values[0],
	    case_id, form);
	int64_t id = 0;
	size_t k;
	int rc = 0;

	/* A case with the first value: does it have the others too? */
	*other = 0;
	while (sqlite_next(st, s, "looking for duplicates", &rc, "I", &id)) {
		for (k = 1; k < n; k++)
			if (!field_is(st, id, names[k], values[k]))
				break;
		if (k == n)
			rc = 1;
	}
	if (rc < 0)
		return rc;
	*other = rc ? id : 0;
	return rc ? 0 : INTAKE_ENOENT;
}

int
store_case_field_set(struct store *st, int64_t case_id, const char *name,
    const char *value, const char *status, const char *why)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE case_fields SET value = ?3, status = ?4, why = ?5, "
	    "confidence = 1.0 WHERE case_id = ?1 AND name = ?2" };

	return sqlite_exec_one(st, &sql, "correcting a field", "Itttt", case_id,
	    name, value, status, why);
}
