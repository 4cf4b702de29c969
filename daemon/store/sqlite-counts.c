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

static int
count_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const char *, const char *, int64_t, void *) =
	    (int (*)(const char *, const char *, int64_t, void *))a->fn;

	return fn((const char *)sqlite3_column_text(s, 0),
	    (const char *)sqlite3_column_text(s, 1), sqlite3_column_int64(s, 2),
	    a->arg);
}

static void
bind_now(sqlite3_stmt *s, const void *arg)
{
	sqlite3_bind_int64(s, 1, *(const int64_t *)arg);
}

int
store_counts(struct store *st, enum store_count what, int64_t now_ms,
    int (*fn)(const char *a, const char *b, int64_t n, void *), void *arg)
{
	static const enum stmt_id ids[] = {
		[COUNT_STAGES] = S_COUNT_STAGES,
		[COUNT_OPEN] = S_COUNT_OPEN,
		[COUNT_RECENT] = S_COUNT_RECENT,
	};
	struct rows_arg a = { (void *)fn, arg };

	return sqlite_each_row(st, ids[what], "counting", bind_now, &now_ms, count_row,
	    &a);
}

struct period_arg {
	int64_t		 since;
	const char	*fmt;
};

static void
bind_period(sqlite3_stmt *s, const void *arg)
{
	const struct period_arg *p = arg;

	sqlite3_bind_int64(s, 1, p->since);
	sqlite3_bind_text(s, 2, p->fmt, -1, SQLITE_STATIC);
}

static int
period_row(sqlite3_stmt *s, void *arg)
{
	struct rows_arg *a = arg;
	int (*fn)(const char *, int64_t, int64_t, void *) =
	    (int (*)(const char *, int64_t, int64_t, void *))a->fn;

	return fn((const char *)sqlite3_column_text(s, 0),
	    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), a->arg);
}

int
store_stats_periods(struct store *st, bool weeks, int64_t since_ms,
    int (*fn)(const char *period, int64_t received, int64_t completed,
    void *), void *arg)
{
	struct period_arg p = { since_ms, weeks ? "week" : "day" };
	struct rows_arg a = { (void *)fn, arg };

	return sqlite_each_row(st, S_STATS_PERIODS, "counting by period", bind_period,
	    &p, period_row, &a);
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
	struct dur_arg d = { fn, arg, NULL, NULL, 0, 0 };
	int rc;

	rc = sqlite_each_row(st, S_STATS_DURATIONS, "timing completions", bind_now,
	    &since_ms, dur_row, &d);
	if (rc == 0)
		rc = dur_flush(&d);
	free(d.form);
	free(d.v);
	return rc;
}
