/*
 * sqlite-cases.c - cases: opening one, what it was delivered with, where
 * its workflow has it, and the listings of cases with why one is stuck.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "sqlite.h"

int
store_case_create(struct store *st, int64_t delivery_id, const char *state,
    int64_t *case_id)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO cases (delivery_id, state, created_ms, updated_ms) "
	    "VALUES (?1, ?2, ?3, ?3)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	bind_int64(s, 1, delivery_id);
	bind_text(s, 2, state);
	bind_int64(s, 3, now_ms());
	if ((rc = sqlite_run(st, s, "opening a case")) == 0)
		*case_id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_case_add_file(struct store *st, int64_t case_id, const char *name,
    int64_t size)
{
	return store_case_add_attachment(st, case_id, name, size, NULL);
}

int
store_case_add_attachment(struct store *st, int64_t case_id, const char *name,
    int64_t size, const char *path)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_files (case_id, name, size, kind, path) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, name);
	bind_int64(s, 3, size);
	bind_text(s, 4, path ? "attachment" : "delivered");
	bind_text(s, 5, path);
	return sqlite_run(st, s, "recording a case file");
}

int
store_case_set_manifest(struct store *st, int64_t case_id,
    const char *reference, const char *channel, const char *sender,
    const char *form_hint)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET reference = ?2, channel = ?3, sender = ?4, "
	    "form_hint = ?5 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, reference);
	bind_text(s, 3, channel);
	bind_text(s, 4, sender);
	bind_text(s, 5, form_hint);
	return sqlite_run(st, s, "recording the manifest");
}

int
store_case_set_form(struct store *st, int64_t case_id, const char *form)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET form = ?2 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, form);
	return sqlite_run(st, s, "recording the form");
}

int
store_case_set_pdf(struct store *st, int64_t case_id, const char *path)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET pdf = ?2 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, path);
	return sqlite_run(st, s, "recording the searchable PDF");
}

int
store_case_add_problem(struct store *st, int64_t case_id, const char *text)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_problems (case_id, seq, text) VALUES (?1, "
	    "(SELECT count(*) + 1 FROM case_problems WHERE case_id = ?1), ?2)" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, text);
	return sqlite_run(st, s, "recording a problem");
}

/* Why an open case needs a supervisor, one row per reason. */
#define STUCK_SQL \
	"SELECT id AS case_id, 'deadline passed' AS reason FROM cases " \
	"  WHERE closed_ms IS NULL AND deadline_ms < ?5 " \
	"UNION ALL SELECT id, 'deadline within a day' FROM cases " \
	"  WHERE closed_ms IS NULL AND deadline_ms >= ?5 " \
	"  AND deadline_ms < ?5 + 86400000 " \
	"UNION ALL SELECT DISTINCT case_id, 'statutory clock ran out' " \
	"  FROM case_history WHERE event = 'overdue' " \
	"UNION ALL SELECT case_id, 'action ' || plugin || ' failed: ' || " \
	"  coalesce(error, '') FROM case_actions WHERE status = 'failed' " \
	"UNION ALL SELECT case_id, 'unpacking: ' || text FROM case_problems " \
	"UNION ALL SELECT id, 'unclassified' FROM cases " \
	"  WHERE form IS NULL AND closed_ms IS NULL " \
	"UNION ALL SELECT id, 'no workflow' FROM cases " \
	"  WHERE workflow IS NULL AND closed_ms IS NULL " \
	"UNION ALL SELECT case_id, 'automatic decisions loop' FROM " \
	"  case_history WHERE kind = 'note' AND why LIKE 'stopped after %'"

/* The listing: fixed text chosen by which filters are set, every value
 * bound (?1 state, ?2 queue, ?3 form, ?4 since, ?5 now, ?6 id, ?7 limit). */
static char *
cases_sql(const struct case_filter *f)
{
	char *sql = xasprintf("SELECT c.id, c.delivery_id, c.form, c.state, "
	    "c.reference, c.created_ms, c.updated_ms, c.sender, c.channel, "
	    "c.form_hint, c.npages, c.workflow, c.workflow_version, c.queue, "
	    "c.priority, c.assignee, c.pdf, c.state_since_ms, c.deadline_ms, "
	    "c.closed_ms, c.nflagged, %s "
	    "FROM %s cases c WHERE 1 %s%s%s%s%s%s%s%s%s "
	    "ORDER BY %s LIMIT ?7",
	    f->stuck ? "s.reasons" : "NULL",
	    f->stuck ? "(SELECT case_id, group_concat(reason, '; ') AS reasons "
	    "FROM (" STUCK_SQL ") GROUP BY case_id) s JOIN" : "",
	    f->stuck ? "AND c.id = s.case_id AND c.closed_ms IS NULL " : "",
	    f->state ? "AND c.state = ?1 " : "",
	    f->queue ? "AND c.queue = ?2 AND c.closed_ms IS NULL " : "",
	    f->form ? "AND c.form = ?3 " : "",
	    f->since_ms ? "AND c.created_ms >= ?4 " : "",
	    f->open || f->overdue ? "AND c.closed_ms IS NULL " : "",
	    f->overdue ? "AND c.id IN (SELECT id FROM cases WHERE closed_ms "
	    "IS NULL AND deadline_ms < ?5 UNION ALL SELECT case_id FROM "
	    "case_history WHERE event = 'overdue') " :
	    "", f->id ? "AND c.id = ?6 " : "",
	    f->no_workflow ? "AND c.workflow IS NULL AND c.closed_ms IS NULL " :
	    "",
	    f->queue || f->stuck || f->overdue ?
	    "c.priority DESC, coalesce(c.deadline_ms, 9e18), c.id" : "c.id");
	return sql;
}

struct case_rows {
	struct store	*st;
	int		(*fn)(const struct case_row *, void *);
	void		*arg;
};

static void
case_file_row(sqlite3_stmt *s, void *elem)
{
	*(char **)elem = col_text(s, 0);
}

/* The files a case was delivered with, by name, into c->files. */
static void
case_files(struct store *st, struct case_row *c)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT name FROM case_files WHERE case_id = ?1 AND kind = 'delivered' "
	    "ORDER BY name" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	void *v;

	bind_int64(s, 1, c->id);
	sqlite_collect(st, s, "listing a case's files", sizeof(*c->files),
	    case_file_row, &v, &c->nfiles);
	c->files = v;
}

static int
case_from_row(sqlite3_stmt *s, void *arg)
{
	struct case_rows *a = arg;
	struct case_row c;
	size_t i;
	int r;

	memset(&c, 0, sizeof(c));
	c.id = sqlite3_column_int64(s, 0);
	c.delivery_id = sqlite3_column_int64(s, 1);
	c.form = col_text(s, 2);
	c.state = col_text(s, 3);
	c.reference = col_text(s, 4);
	c.created_ms = sqlite3_column_int64(s, 5);
	c.updated_ms = sqlite3_column_int64(s, 6);
	c.sender = col_text(s, 7);
	c.channel = col_text(s, 8);
	c.form_hint = col_text(s, 9);
	c.npages = sqlite3_column_int64(s, 10);
	c.workflow = col_text(s, 11);
	c.version = sqlite3_column_int(s, 12);
	c.queue = col_text(s, 13);
	c.priority = sqlite3_column_int(s, 14);
	c.assignee = col_text(s, 15);
	c.pdf = col_text(s, 16);
	c.state_since_ms = sqlite3_column_int64(s, 17);
	c.deadline_ms = sqlite3_column_int64(s, 18);
	c.closed_ms = sqlite3_column_int64(s, 19);
	c.flagged = sqlite3_column_int64(s, 20);
	c.stuck = col_text(s, 21);
	case_files(a->st, &c);
	r = a->fn(&c, a->arg);
	for (i = 0; i < c.nfiles; i++)
		free(c.files[i]);
	free(c.files);
	free(c.form);
	free(c.state);
	free(c.reference);
	free(c.sender);
	free(c.channel);
	free(c.form_hint);
	free(c.workflow);
	free(c.queue);
	free(c.assignee);
	free(c.pdf);
	free(c.stuck);
	return r;
}

/* The text depends on which filters are set, so the statement is the
 * call's own (sqlite_prepare), not one of the store's. */
int
store_cases(struct store *st, const struct case_filter *f,
    int (*fn)(const struct case_row *, void *), void *arg)
{
	struct case_filter all;
	struct case_rows a = { st, fn, arg };
	sqlite3_stmt *s;
	char *sql;

	if (f == NULL) {
		memset(&all, 0, sizeof(all));
		f = &all;
	}
	sql = cases_sql(f);
	s = sqlite_prepare(st, sql);
	free(sql);
	bind_text(s, 1, f->state);
	bind_text(s, 2, f->queue);
	bind_text(s, 3, f->form);
	bind_int64(s, 4, f->since_ms);
	bind_int64(s, 5, f->now_ms);
	bind_int64(s, 6, f->id);
	bind_int64(s, 7, f->limit ? (int64_t)f->limit : -1);
	return sqlite_rows(st, s, "listing cases", case_from_row, &a);
}

int
store_case_foreach(struct store *st, int (*fn)(const struct case_row *, void *),
    void *arg)
{
	return store_cases(st, NULL, fn, arg);
}

static void
case_wf_row(sqlite3_stmt *s, void *arg)
{
	struct case_wf *c = arg;

	c->form = col_text(s, 0);
	c->state = col_text(s, 1);
	c->workflow = col_text(s, 2);
	c->version = sqlite3_column_int(s, 3);
	c->created_ms = sqlite3_column_int64(s, 4);
	c->state_since_ms = sqlite3_column_int64(s, 5);
	c->closed_ms = sqlite3_column_int64(s, 6);
	c->pages = sqlite3_column_int64(s, 7);
	c->problems = sqlite3_column_int64(s, 8);
	c->flagged = sqlite3_column_int64(s, 9);
	c->queue = col_text(s, 10);
	c->deadline_ms = sqlite3_column_int64(s, 11);
}

int
store_case_wf_get(struct store *st, int64_t case_id, struct case_wf *c)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT c.form, c.state, c.workflow, c.workflow_version, "
	    "c.created_ms, coalesce(c.state_since_ms, c.created_ms), c.closed_ms, "
	    "c.npages, "
	    "(SELECT count(*) FROM case_problems p WHERE p.case_id = c.id), "
	    "c.nflagged, "
	    "c.queue, c.deadline_ms "
	    "FROM cases c WHERE c.id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	memset(c, 0, sizeof(*c));
	bind_int64(s, 1, case_id);
	if ((rc = sqlite_row(st, s, "reading a case", case_wf_row, c)) == 0)
		c->id = case_id;
	return rc;
}

int
store_case_set_workflow(struct store *st, int64_t case_id, const char *wf,
    int version)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET workflow = ?2, workflow_version = ?3 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, wf);
	bind_int(s, 3, version);
	return sqlite_run(st, s, "recording the case's workflow");
}

int
store_case_enter(struct store *st, int64_t case_id, const char *state,
    const char *queue, int priority, int64_t since_ms, int64_t deadline_ms,
    bool closed)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET state = ?2, queue = ?3, priority = ?4, "
	    "state_since_ms = ?5, updated_ms = ?5, deadline_ms = ?6, "
	    "closed_ms = CASE WHEN ?7 THEN ?5 END WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, state);
	bind_text(s, 3, queue);
	bind_int(s, 4, priority);
	bind_int64(s, 5, since_ms);
	bind_id(s, 6, deadline_ms);
	bind_int(s, 7, closed);
	return sqlite_run(st, s, "moving the case");
}

int
store_case_assign(struct store *st, int64_t case_id, const char *user)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET assignee = ?2, updated_ms = ?3 WHERE id = ?1" };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, case_id);
	bind_text(s, 2, user);
	bind_int64(s, 3, now_ms());
	return sqlite_run_one(st, s, "assigning a case");
}
