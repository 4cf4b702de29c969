/*
 * sqlite-workflows.c - the workflow versions cases are pinned to.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlite.h"

struct workflow_text {
	char		**sha256, **source, **file;
};

static void
workflow_from_row(sqlite3_stmt *s, void *arg)
{
	struct workflow_text *w = arg;

	if (w->sha256 != NULL)
		*w->sha256 = col_text(s, 0);
	if (w->source != NULL)
		*w->source = col_text(s, 1);
	if (w->file != NULL)
		*w->file = col_text(s, 2);
}

int
store_workflow_get(struct store *st, const char *id, int version,
    char **sha256, char **source, char **file)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT sha256, source, file FROM workflows WHERE id = ?1 AND "
	    "version = ?2" };
	struct workflow_text w = { sha256, source, file };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_text(s, 1, id);
	bind_int(s, 2, version);
	return sqlite_row(st, s, "reading a workflow", workflow_from_row, &w);
}

int
store_workflow_put(struct store *st, const char *id, int version,
    const char *file, const char *sha256, const char *source)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO workflows (id, version, file, sha256, source, "
	    "loaded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_text(s, 1, id);
	bind_int(s, 2, version);
	bind_text(s, 3, file);
	bind_text(s, 4, sha256);
	bind_text(s, 5, source);
	bind_int64(s, 6, now_ms());
	return sqlite_run(st, s, "recording a workflow version");
}
