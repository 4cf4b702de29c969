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
	int rc;

	if ((rc = sqlite_exec(st, &sql, "opening a case", "ItI", delivery_id,
	    state, now_ms())) == 0)
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

	return sqlite_exec(st, &sql, "recording a case file", "ItItt", case_id,
	    name, size, path ? "attachment" : "delivered", path);
}

int
store_case_set_manifest(struct store *st, int64_t case_id,
    const char *reference, const char *channel, const char *sender,
    const char *form_hint)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET reference = ?2, channel = ?3, sender = ?4, "
	    "form_hint = ?5 WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording the manifest", "Itttt", case_id,
	    reference, channel, sender, form_hint);
}

int
store_case_set_form(struct store *st, int64_t case_id, const char *form)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET form = ?2 WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording the form", "It", case_id, form);
}

int
store_case_set_pdf(struct store *st, int64_t case_id, const char *path)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET pdf = ?2 WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording the searchable PDF", "It",
	    case_id, path);
}

int
store_case_add_problem(struct store *st, int64_t case_id, const char *text)
{
	static struct sqlite_sql sql = { .text =
	    "INSERT INTO case_problems (case_id, seq, text) VALUES (?1, "
	    "(SELECT count(*) + 1 FROM case_problems WHERE case_id = ?1), ?2)" };

	return sqlite_exec(st, &sql, "recording a problem", "It", case_id, text);
}

/* Why a case needs a supervisor, one row per reason; closed: the reason
 * holds for a case in a final state too (an action that failed there,
 * a letter not sent, must still be seen and retried).  Each %s is where
 * a listing of one case (?6) says so, so that its reasons are looked for
 * in that case's rows alone. */
#define STUCK_SQL \
	"SELECT id AS case_id, 'deadline passed' AS reason, 0 AS closed " \
	"  FROM cases WHERE closed_ms IS NULL AND deadline_ms < ?5 %s" \
	"UNION ALL SELECT id, 'deadline within a day', 0 FROM cases " \
	"  WHERE closed_ms IS NULL AND deadline_ms >= ?5 " \
	"  AND deadline_ms < ?5 + 86400000 %s" \
	"UNION ALL SELECT DISTINCT case_id, 'statutory clock ran out', 0 " \
	"  FROM case_history WHERE event = 'overdue' %s" \
	"UNION ALL SELECT case_id, 'action ' || plugin || ' failed: ' || " \
	"  coalesce(error, ''), 1 FROM case_actions WHERE status = 'failed' %s" \
	"UNION ALL SELECT case_id, 'unpacking: ' || text, 0 FROM case_problems " \
	"  WHERE 1 %s" \
	"UNION ALL SELECT id, 'unclassified', 0 FROM cases " \
	"  WHERE form IS NULL AND closed_ms IS NULL %s" \
	"UNION ALL SELECT id, 'no workflow', 0 FROM cases " \
	"  WHERE workflow IS NULL AND closed_ms IS NULL %s" \
	"UNION ALL SELECT case_id, 'automatic decisions loop', 0 FROM " \
	"  case_history WHERE kind = 'note' AND why LIKE 'stopped after %%' %s"

/* The reasons of every case, or of case ?6 alone (one). */
static char *
stuck_sql(bool one)
{
	const char *id = one ? "AND id = ?6 " : "",
	    *cid = one ? "AND case_id = ?6 " : "";

	return xasprintf(STUCK_SQL, id, id, cid, cid, cid, id, id, cid);
}

/* The listing: fixed text chosen by which filters are set, every value
 * bound (?1 state, ?2 queue, ?3 form, ?4 since, ?5 now, ?6 id, ?7
 * assignee, ?8 limit, ?9 queues, ?10 person, ?11 reference, ?12 a field
 * value, ?13 the FTS5 query of text). */
static char *
cases_sql(const struct case_filter *f)
{
	char *stuck = f->stuck ? stuck_sql(f->id != 0) : NULL;
	char *sql = xasprintf("SELECT c.id, c.delivery_id, c.form, c.state, "
	    "c.reference, c.created_ms, c.updated_ms, c.sender, c.channel, "
	    "c.form_hint, c.npages, c.workflow, c.workflow_version, c.queue, "
	    "c.priority, c.assignee, c.pdf, c.state_since_ms, c.deadline_ms, "
	    "c.closed_ms, c.nflagged, %s "
	    "FROM %s%s%s cases c WHERE (?9 IS NULL OR instr(?9, char(10) || "
	    "c.queue || char(10)) > 0 OR instr(?9, char(10) || char(31) || "
	    "c.workflow || char(31) || c.state || char(10)) > 0 OR "
	    "c.assignee = ?10 OR c.id IN "
	    "(SELECT case_id FROM case_history WHERE actor = ?10)) "
	    "%s%s%s%s%s%s%s%s%s%s%s%s%s "
	    "ORDER BY %s LIMIT ?8",
	    f->stuck ? "s.reasons" : "NULL",
	    f->stuck ? "(SELECT r.case_id, group_concat(r.reason, '; ') AS "
	    "reasons FROM (" : "", f->stuck ? stuck : "",
	    f->stuck ? ") r JOIN cases k ON k.id = r.case_id "
	    "WHERE k.closed_ms IS NULL OR r.closed GROUP BY r.case_id) s JOIN" :
	    "",
	    f->stuck ? "AND c.id = s.case_id " : "",
	    f->state ? "AND c.state = ?1 " : "",
	    f->queue ? "AND c.queue = ?2 AND c.closed_ms IS NULL " : "",
	    f->form ? "AND c.form = ?3 " : "",
	    f->since_ms ? "AND c.created_ms >= ?4 " : "",
	    f->open || f->overdue ? "AND c.closed_ms IS NULL " : "",
	    f->overdue ? "AND c.id IN (SELECT id FROM cases WHERE closed_ms "
	    "IS NULL AND deadline_ms < ?5 UNION ALL SELECT case_id FROM "
	    "case_history WHERE event = 'overdue') " :
	    "", f->id ? "AND c.id = ?6 " : "",
	    f->assignee ? "AND c.assignee = ?7 " : "",
	    f->no_workflow ? "AND c.workflow IS NULL AND c.closed_ms IS NULL " :
	    "",
	    /* a search not asked for is bound NULL, which says so */
	    f->reference ? "AND instr(lower(c.reference), lower(?11)) > 0 " :
	    "AND ?11 IS NULL ",
	    f->name ? "AND c.id IN (SELECT case_id FROM case_fields WHERE "
	    "instr(lower(value), lower(?12)) > 0) " : "AND ?12 IS NULL ",
	    f->text ? "AND c.id IN (SELECT rowid >> 20 FROM page_fts WHERE "
	    "page_fts MATCH ?13) " : "AND ?13 IS NULL ",
	    f->queue || f->assignee || f->stuck || f->overdue ?
	    "c.priority DESC, coalesce(c.deadline_ms, 9e18), c.id" : "c.id");
	free(stuck);
	return sql;
}

static void
case_file_row(sqlite3_stmt *s, void *elem)
{
	sqlite_cols(s, "t", (char **)elem);
}

/* The files a case was delivered with, by name, into c->files. */
static void
case_files(struct store *st, struct case_row *c)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT name FROM case_files WHERE case_id = ?1 AND kind = 'delivered' "
	    "ORDER BY name" };
	int rc;

	c->files = sqlite_collect(st, sqlite_stmt(st, &sql, "I", c->id),
	    "listing a case's files", sizeof(*c->files), case_file_row,
	    &c->nfiles, &rc);
}

/* The text depends on which filters are set, so the statement is the
 * call's own (sqlite_prepare), not one of the store's.  A row's strings
 * are the statement's, its files the store's until fn has seen them. */
int
store_cases(struct store *st, const struct case_filter *f,
    int (*fn)(const struct case_row *, void *), void *arg)
{
	struct case_filter all;
	struct case_row c;
	sqlite3_stmt *s;
	char *sql, *fts;
	int rc = 0;

	if (f == NULL) {
		memset(&all, 0, sizeof(all));
		f = &all;
	}
	sql = cases_sql(f);
	s = sqlite_prepare(st, sql);
	free(sql);
	fts = f->text ? sqlite_fts_query(f->text) : NULL;
	sqlite_bind(s, "tttIIItIttttt", f->state, f->queue, f->form,
	    f->since_ms, f->now_ms, f->id, f->assignee, f->limit ?
	    (int64_t)f->limit : (int64_t)-1, f->queues, f->person,
	    f->reference, f->name, fts);
	free(fts);
	memset(&c, 0, sizeof(c));
	while (sqlite_next(st, s, "listing cases", &rc,
	    "IISSSIISSSISiSiSSIIIIS", &c.id, &c.delivery_id, &c.form, &c.state,
	    &c.reference, &c.created_ms, &c.updated_ms, &c.sender, &c.channel,
	    &c.form_hint, &c.npages, &c.workflow, &c.version, &c.queue,
	    &c.priority, &c.assignee, &c.pdf, &c.state_since_ms,
	    &c.deadline_ms, &c.closed_ms, &c.flagged, &c.stuck)) {
		case_files(st, &c);
		rc = fn(&c, arg);
		strv_free(c.files, c.nfiles);
	}
	return rc;
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

	sqlite_cols(s, "tttiIIIIIItI", &c->form, &c->state, &c->workflow,
	    &c->version, &c->created_ms, &c->state_since_ms, &c->closed_ms,
	    &c->pages, &c->problems, &c->flagged, &c->queue, &c->deadline_ms);
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
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = sqlite_row(st, sqlite_stmt(st, &sql, "I", case_id),
	    "reading a case", case_wf_row, c)) == 0)
		c->id = case_id;
	return rc;
}

int
store_case_set_workflow(struct store *st, int64_t case_id, const char *wf,
    int version)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET workflow = ?2, workflow_version = ?3 WHERE id = ?1" };

	return sqlite_exec(st, &sql, "recording the case's workflow", "Iti",
	    case_id, wf, version);
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

	return sqlite_exec(st, &sql, "moving the case", "IttiIni", case_id,
	    state, queue, priority, since_ms, deadline_ms, (int)closed);
}

int
store_case_assign(struct store *st, int64_t case_id, const char *user)
{
	static struct sqlite_sql sql = { .text =
	    "UPDATE cases SET assignee = ?2, updated_ms = ?3 WHERE id = ?1" };

	return sqlite_exec_one(st, &sql, "assigning a case", "ItI", case_id, user,
	    now_ms());
}
