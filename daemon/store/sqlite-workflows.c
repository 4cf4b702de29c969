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
	sqlite3_stmt *s = st->stmt[S_WORKFLOW_GET];
	int rc;

	bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, version);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sha256 != NULL)
			*sha256 = col_text(s, 0);
		if (source != NULL)
			*source = col_text(s, 1);
		if (file != NULL)
			*file = col_text(s, 2);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? INTAKE_ENOENT :
	    sqlite_fail(st, "reading a workflow");
}

int
store_workflow_put(struct store *st, const char *id, int version,
    const char *file, const char *sha256, const char *source)
{
	sqlite3_stmt *s = st->stmt[S_WORKFLOW_PUT];

	bind_text(s, 1, id);
	sqlite3_bind_int(s, 2, version);
	bind_text(s, 3, file);
	bind_text(s, 4, sha256);
	bind_text(s, 5, source);
	sqlite3_bind_int64(s, 6, now_ms());
	return sqlite_run(st, s, "recording a workflow version");
}
