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
	/* Only the recent counts depend on the time. */
	sqlite3_stmt *s = sqlite_stmt(st, &sql[what],
	    what == COUNT_RECENT ? "I" : "", now_ms);
	const char *a, *b;
	int64_t n;
	int rc = 0;

	while (sqlite_next(st, s, "counting", &rc, "ssI", &a, &b, &n))
		rc = fn(a, b, n, arg);
	return rc;
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
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "It", since_ms,
	    weeks ? "week" : "day");
	const char *period;
	int64_t received, completed;
	int rc = 0;

	while (sqlite_next(st, s, "counting by period", &rc, "sII", &period,
	    &received, &completed))
		rc = fn(period, received, completed, arg);
	return rc;
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

/* One case's time to completion; rows come by form, so a form's median
 * is known when the next form begins. */
static int
dur_add(struct dur_arg *d, const char *form, int64_t ms)
{
	int rc;

	if (d->n > 0 && strcmp(d->form ? d->form : "", form ? form : "") != 0 &&
	    (rc = dur_flush(d)) != 0)
		return rc;
	if (d->n == 0)
		d->form = form ? xstrdup(form) : NULL;
	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = ms;
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
	sqlite3_stmt *s = sqlite_stmt(st, &sql, "I", since_ms);
	const char *form;
	int64_t ms;
	int rc = 0;

	while (sqlite_next(st, s, "timing completions", &rc, "sI", &form, &ms))
		rc = dur_add(&d, form, ms);
	if (rc == 0)
		rc = dur_flush(&d);
	free(d.form);
	free(d.v);
	return rc;
}
