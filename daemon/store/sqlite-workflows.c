/*
 * sqlite-workflows.c - the workflow versions cases are pinned to.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlite.h"

int
store_workflow_get(struct store *st, const char *id, int version,
    char **sha256, char **source, char **file)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT sha256, source, file FROM workflows WHERE id = ?1 AND "
	    "version = ?2" };

	/* Each of sha256, source and file may be NULL: not wanted. */
	return sqlite_get(st, &sql, "reading a workflow", "ti", "ttt", id,
	    version, sha256, source, file);
}

int
store_workflow_put(struct store *st, const char *id, int version,
    const char *file, const char *sha256, const char *source)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO workflows (id, version, file, sha256, source, "
	    "loaded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" };

	return sqlite_exec(st, &sql, "recording a workflow version", "titttI",
	    id, version, file, sha256, source, now_ms());
}
