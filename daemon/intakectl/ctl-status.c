/*
 * ctl-status.c - intakectl status and stats: what the daemon is doing
 * now, and how the work went over days and weeks, for supervisors who
 * want to see a queue grow before deadlines slip.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

struct status {
	struct ctl	*c;
	bool		 first;
	int64_t		 deliveries, pages, overdue, open;
	int64_t		 running, waiting, failed;	/* actions */
};

/* One count by two names (ka: a, kb: b; b NULL is none), as a JSON
 * object or a row of a table whose columns are wa and wb wide. */
static void
count_row(struct status *s, const char *ka, const char *a, size_t wa,
    const char *kb, const char *b, size_t wb, int64_t n)
{
	if (s->c->json) {
		printf("%s{\"%s\":", s->first ? "" : ",", ka);
		json_str(stdout, a);
		printf(",\"%s\":", kb);
		json_str(stdout, b);
		printf(",\"n\":%lld}", (long long)n);
	} else {
		fputs("  ", stdout);
		safe_put(stdout, a, wa);
		putchar(' ');
		safe_put(stdout, b ? b : "-", wb);
		printf(" %lld\n", (long long)n);
	}
	s->first = false;
}

static int
stage_row(const char *status, const char *stage, int64_t n, void *arg)
{
	count_row(arg, "status", status, 12, "stage", stage, 10, n);
	return 0;
}

static int
open_row(const char *state, const char *queue, int64_t n, void *arg)
{
	count_row(arg, "state", state, 20, "queue", *queue ? queue : NULL, 16,
	    n);
	return 0;
}

static int
recent_row(const char *what, const char *which, int64_t n, void *arg)
{
	struct status *s = arg;

	if (strcmp(what, "actions") == 0)
		*(strcmp(which, "running") == 0 ? &s->running :
		    strcmp(which, "waiting") == 0 ? &s->waiting :
		    &s->failed) = n;
	else if (strcmp(what, "deliveries") == 0)
		s->deliveries = n;
	else if (strcmp(what, "pages") == 0)
		s->pages = n;
	else if (strcmp(what, "overdue") == 0)
		s->overdue = n;
	else
		s->open = n;
	return 0;
}

/* The daemon's own gauge, one JSON line, or NULL. */
static char *
daemon_gauge(const struct ctl *c)
{
	char *path = path_join(c->config.data_dir, "intaked.status"), *buf;
	size_t len;

	if (file_read_all(path, 4096, &buf, &len) != 0)
		buf = NULL;
	else
		buf[strcspn(buf, "\n")] = '\0';
	free(path);
	return buf;
}

/* The string member key of the gauge's object from (the daemon's own
 * words, never with a quote), or "-"; caller frees. */
static char *
gauge_str(const char *from, const char *key)
{
	char *k = xasprintf("\"%s\":\"", key);
	const char *v = strstr(from, k);
	char *s;

	s = v != NULL ? xasprintf("%.*s", (int)strcspn(v + strlen(k), "\""),
	    v + strlen(k)) : xstrdup("-");
	free(k);
	return s;
}

/* What the daemon waits for, from its gauge: a passing error (the disk
 * full, the database locked) that keeps deliveries where they are. */
static void
gauge_waiting(const char *gauge)
{
	const char *w = strstr(gauge, "\"waiting\":{"), *n;
	char *what, *step, *hint, *since;
	unsigned tries = 0, next = 0;

	if (w == NULL)
		return;
	what = gauge_str(w, "for");
	step = gauge_str(w, "while");
	hint = gauge_str(w, "hint");
	since = gauge_str(w, "since");
	if ((n = strstr(w, "\"tries\":")) != NULL)
		(void)sscanf(n, "\"tries\":%u", &tries);
	if ((n = strstr(w, "\"next_try_s\":")) != NULL)
		(void)sscanf(n, "\"next_try_s\":%u", &next);
	printf("intake waits since %s: %s while %s (%u tr%s, the next in "
	    "%u s; nothing is refused for it): %s\n", since, what, step, tries,
	    tries == 1 ? "y" : "ies", next, hint);
	free(what);
	free(step);
	free(hint);
	free(since);
}

/* The inboxes the daemon refuses because their rejected folder is not
 * safe (rejected.c), checked as the daemon checks them. */
static void
refused_inboxes(const struct ctl *c)
{
	bool first = true;
	size_t i;
	gid_t gid;
	char *why;
	int fd;

	for (i = 0; i < c->config.ninboxes; i++) {
		const struct inbox_conf *in = &c->config.inboxes[i];

		if (rejected_open(in->path, in->rejected, false, &fd, &gid,
		    &why) == 0)
			close(fd);
		if (why == NULL)
			continue;
		if (c->json) {
			bool f = true;

			fputs(first ? "" : ",", stdout);
			putchar('{');
			json_key_str(stdout, &f, "inbox", in->path);
			json_key_str(stdout, &f, "problem", why);
			putchar('}');
		} else
			printf("inbox %s refused: rejected folder \"%s\": %s\n",
			    in->path, in->rejected, why);
		first = false;
		free(why);
	}
}

int
cmd_status(struct ctl *c, const struct ctl_args *a)
{
	struct status s;
	char *gauge = NULL;
	long pid;
	bool up;
	int rc;

	(void)a;
	if (ctl_store(c) != 0)
		return 1;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.first = true;
	up = ctl_daemon_up(c, &pid);
	if (up)
		gauge = daemon_gauge(c);
	if (store_counts(c->store, COUNT_RECENT, now_ms(), recent_row, &s) != 0)
		return 1;
	if (c->json) {
		printf("{\"daemon\":%s,\"pid\":%ld,\"workers\":%s,"
		    "\"deliveries_per_minute\":%.1f,\"pages_per_minute\":%.1f,"
		    "\"open\":%lld,\"overdue\":%lld,\"actions\":{\"running\":%lld,"
		    "\"waiting\":%lld,\"failed\":%lld},\"unfinished\":[",
		    up ? "\"up\"" : "\"down\"", up ? pid : 0, gauge ? gauge :
		    "null",
		    (double)s.deliveries / 60.0, (double)s.pages / 60.0,
		    (long long)s.open, (long long)s.overdue,
		    (long long)s.running, (long long)s.waiting,
		    (long long)s.failed);
	} else {
		printf("intaked: %s", up ? "up" : "down");
		if (up)
			printf(" (pid %ld)", pid);
		if (gauge != NULL) {
			const char *w = strstr(gauge, "\"workers\":");
			unsigned nw, ready, busy, queued, held, ahead = 0;

			/* ahead: jobs sent to a busy worker behind the one it
			 * reads (a daemon older than it does not write it). */
			if (w != NULL && sscanf(w, "\"workers\":%u,\"ready\":%u,"
			    "\"busy\":%u,\"queued\":%u,\"held\":%u,"
			    "\"ahead\":%u", &nw, &ready, &busy, &queued, &held,
			    &ahead) >= 5)
				printf(", %u workers (%u ready, %u busy, %u "
				    "deliveries sent ahead to them), %u "
				    "deliveries waiting for one", nw, ready, busy,
				    ahead, queued + held);
		}
		putchar('\n');
		if (gauge != NULL)
			gauge_waiting(gauge);
		refused_inboxes(c);
		printf("last hour: %.1f deliveries/min, %.1f pages/min\n"
		    "open cases: %lld, overdue: %lld\n"
		    "actions: %lld running, %lld waiting, %lld failed%s\n"
		    "\ndeliveries not done:\n",
		    (double)s.deliveries / 60.0, (double)s.pages / 60.0,
		    (long long)s.open, (long long)s.overdue,
		    (long long)s.running, (long long)s.waiting,
		    (long long)s.failed, s.failed ? " (intakectl cases --stuck)" :
		    "");
	}
	free(gauge);
	rc = store_counts(c->store, COUNT_STAGES, now_ms(), stage_row, &s);
	if (c->json) {
		fputs("],\"refused_inboxes\":[", stdout);
		refused_inboxes(c);
		fputs("],\"open_by_state\":[", stdout);
	}
	else {
		if (s.first)
			puts("  none");
		puts("\nopen cases by state and queue:");
	}
	s.first = true;
	if (rc == 0)
		rc = store_counts(c->store, COUNT_OPEN, now_ms(), open_row, &s);
	if (c->json)
		puts("]}");
	else if (s.first)
		puts("  none");
	return rc == 0 ? 0 : 1;
}

struct stats {
	struct ctl	*c;
	int64_t		 backlog;
};

static int
period_row(const char *period, int64_t received, int64_t completed, void *arg)
{
	struct stats *s = arg;

	s->backlog += received - completed;
	if (s->c->json) {
		bool first = true;

		putchar('{');
		json_key_str(stdout, &first, "period", period);
		json_key_int(stdout, &first, "received", received);
		json_key_int(stdout, &first, "completed", completed);
		json_key_int(stdout, &first, "backlog_change", s->backlog);
		puts("}");
	} else
		printf("%-18s %9lld %10lld %+8lld\n", period, (long long)received,
		    (long long)completed, (long long)s->backlog);
	return 0;
}

static int
form_row(const char *form, int64_t n, int64_t median_ms, void *arg)
{
	struct stats *s = arg;

	if (s->c->json) {
		bool first = true;

		putchar('{');
		json_key_str(stdout, &first, "form", *form ? form : NULL);
		json_key_int(stdout, &first, "completed", n);
		json_key_int(stdout, &first, "median_hours",
		    (median_ms + 1800000) / 3600000);
		puts("}");
	} else {
		safe_put(stdout, *form ? form : "-", 18);
		printf(" %9lld %10.1f days\n", (long long)n,
		    (double)median_ms / 86400000.0);
	}
	return 0;
}

/* --by and --days: 0, or 2 after the usage. */
static int
stats_opts(const struct ctl_args *a, bool *weeks, long *days)
{
	const char *by = ctl_opt(a, "by"), *d = ctl_opt(a, "days");
	char *end;

	*weeks = by != NULL && strcmp(by, "week") == 0;
	if (by != NULL && !*weeks && strcmp(by, "day") != 0)
		return ctl_usage(a);
	*days = 30;
	if (d != NULL && ((*days = strtol(d, &end, 10)) <= 0 ||
	    *end != '\0' || *days > 3660))
		return ctl_usage(a);
	return 0;
}

int
cmd_stats_check(struct ctl *c, const struct ctl_args *a)
{
	bool weeks;
	long days;

	(void)c;
	return stats_opts(a, &weeks, &days);
}

int
cmd_stats(struct ctl *c, const struct ctl_args *a)
{
	struct stats s = { c, 0 };
	bool weeks;
	long days;
	int64_t since;
	int rc;

	if (stats_opts(a, &weeks, &days) != 0 || ctl_store(c) != 0)
		return 1;
	since = now_ms() - days * 86400000LL;
	if (!c->json)
		printf("%-18s %9s %10s %8s\n", weeks ? "WEEK" : "DAY",
		    "RECEIVED", "COMPLETED", "BACKLOG");
	rc = store_stats_periods(c->store, weeks, since, period_row, &s);
	if (rc == 0 && !c->json)
		printf("\n%-18s %9s %10s\n", "FORM", "COMPLETED", "MEDIAN");
	if (rc == 0)
		rc = store_stats_completion(c->store, since, form_row, &s);
	return rc == 0 ? 0 : 1;
}
