/*
 * sqlite-counts.c - counts and statistics for supervisors (intakectl
 * status and stats).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "sqlite.h"

struct count_rows {
	int		(*fn)(const char *, const char *, int64_t, void *);
	void		*arg;
};

static int
count_from_row(sqlite3_stmt *s, void *arg)
{
	struct count_rows *a = arg;

	return a->fn(col_str(s, 0), col_str(s, 1), sqlite3_column_int64(s, 2),
	    a->arg);
}

int
store_counts(struct store *st, enum store_count what, int64_t now_ms,
    int (*fn)(const char *a, const char *b, int64_t n, void *), void *arg)
{
	static struct sqlite_sql sql[] = {
		[COUNT_STAGES] = { .text =
		    "SELECT status, stage, count(*) FROM deliveries WHERE status = "
		    "'pending' OR stage <> 'done' GROUP BY status, stage" },
		[COUNT_OPEN] = { .text =
		    "SELECT state, coalesce(queue, ''), count(*) FROM cases WHERE "
		    "closed_ms IS NULL GROUP BY state, queue ORDER BY 3 DESC" },
		[COUNT_RECENT] = { .text =
		    "SELECT 'deliveries', NULL, count(*) FROM deliveries WHERE "
		    "updated_ms >= ?1 - 3600000 AND status <> 'pending' "
		    "UNION ALL SELECT 'pages', NULL, count(*) FROM pages p JOIN cases c "
		    "ON c.id = p.case_id WHERE c.created_ms >= ?1 - 3600000 "
		    "UNION ALL SELECT 'overdue', NULL, count(*) FROM cases c WHERE "
		    "closed_ms IS NULL AND c.id IN (SELECT id FROM cases WHERE "
		    "closed_ms IS NULL AND deadline_ms < ?1 UNION ALL SELECT case_id "
		    "FROM case_history WHERE event = 'overdue') "
		    "UNION ALL SELECT 'open', NULL, count(*) FROM cases WHERE "
		    "closed_ms IS NULL "
		    "UNION ALL SELECT 'actions', CASE WHEN started_ms IS NULL THEN "
		    "'waiting' ELSE 'running' END, count(*) FROM case_actions WHERE "
		    "status = 'pending' GROUP BY 2 "
		    "UNION ALL SELECT 'actions', 'failed', count(*) FROM case_actions "
		    "WHERE status = 'failed'" },
	};
	struct count_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql[what]);

	bind_int64(s, 1, now_ms);
	return sqlite_rows(st, s, "counting", count_from_row, &a);
}

struct period_rows {
	int		(*fn)(const char *, int64_t, int64_t, void *);
	void		*arg;
};

static int
period_from_row(sqlite3_stmt *s, void *arg)
{
	struct period_rows *a = arg;

	return a->fn(col_str(s, 0), sqlite3_column_int64(s, 1),
	    sqlite3_column_int64(s, 2), a->arg);
}

int
store_stats_periods(struct store *st, bool weeks, int64_t since_ms,
    int (*fn)(const char *period, int64_t received, int64_t completed,
    void *), void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "WITH ev(t, r, c) AS ("
	    "  SELECT created_ms, 1, 0 FROM cases WHERE created_ms >= ?1 "
	    "  UNION ALL SELECT closed_ms, 0, 1 FROM cases WHERE closed_ms >= ?1) "
	    "SELECT CASE WHEN ?2 = 'week' THEN 'week of ' || date(t / 1000, "
	    "'unixepoch', 'localtime', '-6 days', 'weekday 1') ELSE date(t / "
	    "1000, 'unixepoch', 'localtime') END, sum(r), sum(c) FROM ev "
	    "GROUP BY 1 ORDER BY 1" };
	struct period_rows a = { fn, arg };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);

	bind_int64(s, 1, since_ms);
	bind_text(s, 2, weeks ? "week" : "day");
	return sqlite_rows(st, s, "counting by period", period_from_row, &a);
}

struct dur_arg {
	int	(*fn)(const char *, int64_t, int64_t, void *);
	void	*arg;
	char	*form;
	int64_t	*v;
	size_t	 n;
	int	 rc;
};

static int
dur_flush(struct dur_arg *d)
{
	int rc = 0;

	if (d->n > 0)
		rc = d->fn(d->form ? d->form : "", (int64_t)d->n,
		    d->n % 2 ? d->v[d->n / 2] :
		    (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2, d->arg);
	free(d->form);
	d->form = NULL;
	d->n = 0;
	return rc;
}

static int
dur_row(sqlite3_stmt *s, void *arg)
{
	struct dur_arg *d = arg;
	const char *form = (const char *)sqlite3_column_text(s, 0);
	int rc;

	if (d->n > 0 && strcmp(d->form ? d->form : "", form ? form : "") != 0 &&
	    (rc = dur_flush(d)) != 0)
		return rc;
	if (d->n == 0)
		d->form = form ? xstrdup(form) : NULL;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = sqlite3_column_int64(s, 1);
	return 0;
}

int
store_stats_completion(struct store *st, int64_t since_ms,
    int (*fn)(const char *form, int64_t n, int64_t median_ms, void *),
    void *arg)
{
	static struct sqlite_sql sql = { .text =
	    "SELECT form, closed_ms - created_ms FROM cases WHERE closed_ms "
	    "IS NOT NULL AND closed_ms >= ?1 ORDER BY form, 2" };
	struct dur_arg d = { fn, arg, NULL, NULL, 0, 0 };
	sqlite3_stmt *s = sqlite_stmt(st, &sql);
	int rc;

	bind_int64(s, 1, since_ms);
	rc = sqlite_rows(st, s, "timing completions", dur_row, &d);
	if (rc == 0)
		rc = dur_flush(&d);
	free(d.form);
	free(d.v);
	return rc;
}
